// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/contenthash.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QtEndian>

namespace taglane::engine {

namespace {

QByteArray sizePrefix(qint64 size)
{
    QByteArray prefix(8, '\0');
    qToLittleEndian<quint64>(static_cast<quint64>(size), prefix.data());
    return prefix;
}

} // namespace

Result<QString> ContentHash::ofFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Result<QString>::failure(QCoreApplication::translate("ContentHash", "Cannot read %1: %2")
                                            .arg(path, file.errorString()));
    }
    const qint64 size = file.size();
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(sizePrefix(size));
    auto addRange = [&](qint64 offset, qint64 length) {
        if (!file.seek(offset))
            return false;
        const QByteArray block = file.read(length);
        if (block.size() != length)
            return false;
        hash.addData(block);
        return true;
    };
    const bool ok = size <= 2 * kBlockBytes
        ? addRange(0, size)
        : addRange(0, kBlockBytes) && addRange(size - kBlockBytes, kBlockBytes);
    if (!ok) {
        return Result<QString>::failure(QCoreApplication::translate("ContentHash", "Cannot read %1: the file ended early or could not be read (%2).")
                                            .arg(path, file.errorString()));
    }
    return QString::fromLatin1(hash.result().toHex());
}

QString ContentHash::ofBytes(const QByteArray &bytes)
{
    const qint64 size = bytes.size();
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(sizePrefix(size));
    if (size <= 2 * kBlockBytes) {
        hash.addData(bytes);
    } else {
        hash.addData(QByteArrayView(bytes.constData(), kBlockBytes));
        hash.addData(QByteArrayView(bytes.constData() + size - kBlockBytes, kBlockBytes));
    }
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace taglane::engine
