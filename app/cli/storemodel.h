// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli/modelname.h"

#include "engine/core/result.h"
#include "engine/model/modelbundle.h"

#include <QCoreApplication>
#include <QStringList>

namespace taglane::app {

/// The model version that --model names for a store's predictions: a version
/// the store knows as it is (e.g. taglane-cnn-40cd4df56bea), else a bundle
/// folder or bundled model name whose manifest gives the version. Empty
/// text gives an empty version. Fails naming the known versions.
inline engine::Result<QString> storeModelVersion(const QString &text, const QStringList &knownVersions)
{
    using R = engine::Result<QString>;
    if (text.isEmpty() || knownVersions.contains(text))
        return text;
    const auto bundle = engine::ModelBundle::open(resolveModelArgument(text));
    if (bundle && knownVersions.contains(bundle->manifest().version))
        return bundle->manifest().version;
    const QString known = knownVersions.isEmpty() ? QCoreApplication::translate("cli", "none")
                                                  : knownVersions.join(QStringLiteral(", "));
    if (bundle)
        return R::failure(QCoreApplication::translate("cli", "the model %1 (version %2) has tagged nothing in this store "
                                                             "(versions there: %3).")
                              .arg(text, bundle->manifest().version, known));
    return R::failure(QCoreApplication::translate("cli", "no model version or bundle \"%1\" (versions in the store: %2).")
                          .arg(text, known));
}

} // namespace taglane::app
