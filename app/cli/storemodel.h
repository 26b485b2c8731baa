// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli/modelname.h"

#include "engine/core/result.h"
#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"

#include <QCoreApplication>
#include <QStringList>
#include <QTextStream>

#include <optional>

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

/// For read-only commands (queue, search): checks the store with
/// AnnotationStore's own open (its checks and messages) and resolves --model
/// against its versions. On failure prints "COMMAND: message" and returns
/// the exit status 2; returns nothing when `version` is set.
inline std::optional<int> resolveStoreModel(const QString &storePath, const QString &modelText, const QString &command,
                                            QString &version)
{
    QTextStream err(stderr);
    engine::AnnotationStore store;
    const auto opened = store.open(storePath, engine::AnnotationStore::OpenMode::ReadOnly);
    if (!opened) {
        err << command << ": " << opened.error() << "\n";
        return 2;
    }
    const auto resolved = storeModelVersion(modelText, store.modelVersions());
    if (!resolved) {
        err << command << ": " << resolved.error() << "\n";
        return 2;
    }
    version = resolved.value();
    return std::nullopt;
}

} // namespace taglane::app
