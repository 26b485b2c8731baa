// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/atomicwrite.h"

#include <QCoreApplication>
#include <QSaveFile>

namespace taglane::engine {

Status AtomicWrite::write(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Status::failure(QCoreApplication::translate("AtomicWrite", "Cannot write %1: %2.")
                                   .arg(path, file.errorString()));
    // flush() first: QSaveFile::commit() reports success for a buffered write that a full disk refused.
    if (file.write(bytes) != bytes.size() || !file.flush() || !file.commit())
        return Status::failure(QCoreApplication::translate("AtomicWrite", "Writing %1 failed: %2.")
                                   .arg(path, file.errorString()));
    return {};
}

} // namespace taglane::engine
