// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: the zip container of a torch.save file, checked
// before LibTorch reads it. No LibTorch here, so the fuzz harnesses can
// build it alone.
#pragma once

#include "engine/core/result.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <vector>

namespace taglane::engine::detail {

/// One stored entry of a zip archive, located inside the archive's bytes.
struct ZipEntry
{
    QString name;
    qint64 dataOffset = 0;   ///< first byte of the entry's data
    qint64 size = 0;         ///< bytes of data (stored: compressed = uncompressed)
    quint32 crc = 0;         ///< CRC-32 from the central directory
};

/// CRC-32 (IEEE 802.3, as zip uses). Any thread.
quint32 crc32(const char *data, qint64 size);

/// Reads the central directory of a zip archive written by torch.save
/// (stored entries, ZIP64 records allowed) and checks every entry: its local
/// header, that its data lies inside the archive, and its CRC-32. Fails with
/// a message naming sourceName and the entry. Any thread.
Result<std::vector<ZipEntry>> readZipDirectory(const QByteArray &bytes, const QString &sourceName);

} // namespace taglane::engine::detail
