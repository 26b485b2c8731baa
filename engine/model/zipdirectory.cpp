// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/zipdirectory_p.h"

#include <QCoreApplication>

#include <array>
#include <set>

namespace taglane::engine::detail {

namespace {

constexpr quint32 kLocalHeader = 0x04034b50;
constexpr quint32 kCentralHeader = 0x02014b50;
constexpr quint32 kEnd = 0x06054b50;
constexpr quint32 kEnd64 = 0x06064b50;
constexpr quint32 kEnd64Locator = 0x07064b50;
constexpr qint64 kEndSize = 22;
constexpr qint64 kCentralSize = 46;
constexpr qint64 kLocalSize = 30;

QString tr(const char *text)
{
    return QCoreApplication::translate("StateDict", text);
}

/// Little-endian reads inside [0, size); `ok` turns false on a read past the end.
class Reader
{
public:
    explicit Reader(const QByteArray &bytes)
        : m_data(reinterpret_cast<const unsigned char *>(bytes.constData()))
        , m_size(bytes.size())
    {
    }

    qint64 size() const { return m_size; }
    bool ok() const { return m_ok; }

    quint64 read(qint64 at, int width)
    {
        if (at < 0 || width > m_size || at > m_size - width) {
            m_ok = false;
            return 0;
        }
        quint64 v = 0;
        for (int i = width - 1; i >= 0; --i)
            v = (v << 8) | m_data[at + i];
        return v;
    }
    quint16 u16(qint64 at) { return quint16(read(at, 2)); }
    quint32 u32(qint64 at) { return quint32(read(at, 4)); }
    quint64 u64(qint64 at) { return read(at, 8); }
    bool inside(qint64 at, qint64 length) const { return at >= 0 && length >= 0 && at <= m_size && length <= m_size - at; }
    QByteArray bytes(qint64 at, qint64 length) const
    {
        return inside(at, length) ? QByteArray(reinterpret_cast<const char *>(m_data + at), qsizetype(length)) : QByteArray();
    }

private:
    const unsigned char *m_data;
    qint64 m_size;
    bool m_ok = true;
};

const std::array<quint32, 256> &crcTable()
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 i = 0; i < 256; ++i) {
            quint32 c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    return table;
}

struct EndRecord
{
    qint64 position = -1;   ///< of the classic end-of-central-directory record
    quint64 entries = 0;
    quint64 directorySize = 0;
    quint64 directoryOffset = 0;
};

Result<EndRecord> findEnd(Reader &in, const QString &sourceName)
{
    using R = Result<EndRecord>;
    EndRecord end;
    const qint64 last = in.size() - kEndSize;
    for (qint64 at = last; at >= 0 && at >= last - 0xFFFF; --at) {
        if (in.u32(at) == kEnd && at + kEndSize + in.u16(at + 20) <= in.size()) {
            end.position = at;
            break;
        }
    }
    if (end.position < 0)
        return R::failure(tr("%1 is damaged: its zip directory is missing (the file is truncated or not a zip archive).").arg(sourceName));
    const qint64 at = end.position;
    if (in.u16(at + 4) != 0 || in.u16(at + 6) != 0)
        return R::failure(tr("%1 is damaged: it claims to be a multi-part zip archive.").arg(sourceName));
    end.entries = in.u16(at + 10);
    end.directorySize = in.u32(at + 12);
    end.directoryOffset = in.u32(at + 16);

    // ZIP64: torch.save writes the ZIP64 records too; when present they hold the real figures.
    if (at >= 20 && in.u32(at - 20) == kEnd64Locator) {
        const quint64 record = in.u64(at - 20 + 8);
        if (record > quint64(in.size()) || in.u32(qint64(record)) != kEnd64)
            return R::failure(tr("%1 is damaged: its ZIP64 directory record is missing.").arg(sourceName));
        const qint64 r = qint64(record);
        if (in.u32(r + 16) != 0 || in.u32(r + 20) != 0)
            return R::failure(tr("%1 is damaged: it claims to be a multi-part zip archive.").arg(sourceName));
        end.entries = in.u64(r + 32);
        end.directorySize = in.u64(r + 40);
        end.directoryOffset = in.u64(r + 48);
    }
    if (!in.ok() || end.directoryOffset > quint64(in.size()) || end.directorySize > quint64(in.size())
        || end.directoryOffset + end.directorySize > quint64(in.size())) {
        return R::failure(tr("%1 is damaged: its zip directory lies outside the file (the file is truncated?).").arg(sourceName));
    }
    if (end.entries == 0)
        return R::failure(tr("%1 is an empty zip archive, not a PyTorch state dict.").arg(sourceName));
    if (end.entries > end.directorySize / quint64(kCentralSize))
        return R::failure(tr("%1 is damaged: its zip directory claims %2 entries in %3 bytes.")
                              .arg(sourceName)
                              .arg(end.entries)
                              .arg(end.directorySize));
    return end;
}

/// Replaces saturated 32-bit fields from the ZIP64 extra field (id 1).
bool applyZip64Extra(Reader &in, qint64 extra, qint64 extraLength, quint64 &size, quint64 &compressed, quint64 &offset)
{
    qint64 at = extra;
    while (at + 4 <= extra + extraLength) {
        const quint16 id = in.u16(at);
        const quint16 length = in.u16(at + 2);
        if (at + 4 + length > extra + extraLength)
            return false;
        if (id == 1) {
            qint64 field = at + 4;
            for (quint64 *value : {&size, &compressed, &offset}) {
                if (*value != 0xFFFFFFFFu)
                    continue;
                if (field + 8 > at + 4 + length)
                    return false;
                *value = in.u64(field);
                field += 8;
            }
            return in.ok();
        }
        at += 4 + length;
    }
    return size != 0xFFFFFFFFu && compressed != 0xFFFFFFFFu && offset != 0xFFFFFFFFu;
}

} // namespace

quint32 crc32(const char *data, qint64 size)
{
    const std::array<quint32, 256> &table = crcTable();
    quint32 c = 0xFFFFFFFFu;
    const auto *p = reinterpret_cast<const unsigned char *>(data);
    for (qint64 i = 0; i < size; ++i)
        c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

Result<std::vector<ZipEntry>> readZipDirectory(const QByteArray &bytes, const QString &sourceName)
{
    using R = Result<std::vector<ZipEntry>>;
    Reader in(bytes);
    auto end = findEnd(in, sourceName);
    if (!end)
        return R::failure(end.error());

    std::vector<ZipEntry> entries;
    std::set<QString> names;
    const qint64 directoryEnd = qint64(end->directoryOffset + end->directorySize);
    qint64 at = qint64(end->directoryOffset);
    for (quint64 i = 0; i < end->entries; ++i) {
        if (at + kCentralSize > directoryEnd || in.u32(at) != kCentralHeader)
            return R::failure(tr("%1 is damaged: zip directory entry %2 is malformed.").arg(sourceName).arg(i + 1));
        const quint16 flags = in.u16(at + 8);
        const quint16 method = in.u16(at + 10);
        ZipEntry entry;
        entry.crc = in.u32(at + 16);
        quint64 compressed = in.u32(at + 20);
        quint64 size = in.u32(at + 24);
        const quint16 nameLength = in.u16(at + 28);
        const quint16 extraLength = in.u16(at + 30);
        const quint16 commentLength = in.u16(at + 32);
        quint64 local = in.u32(at + 42);
        const qint64 next = at + kCentralSize + nameLength + extraLength + commentLength;
        if (!in.ok() || next > directoryEnd)
            return R::failure(tr("%1 is damaged: zip directory entry %2 is malformed.").arg(sourceName).arg(i + 1));
        const QByteArray rawName = in.bytes(at + kCentralSize, nameLength);
        entry.name = QString::fromUtf8(rawName);
        if (!applyZip64Extra(in, at + kCentralSize + nameLength, extraLength, size, compressed, local))
            return R::failure(tr("%1 is damaged: the zip entry \"%2\" has a malformed ZIP64 field.").arg(sourceName, entry.name));
        if (flags & 1)
            return R::failure(tr("%1: the zip entry \"%2\" is encrypted.").arg(sourceName, entry.name));
        if (method != 0) {
            return R::failure(tr("%1: the zip entry \"%2\" is compressed (method %3); torch.save stores its entries "
                                 "uncompressed.")
                                  .arg(sourceName, entry.name)
                                  .arg(method));
        }
        if (compressed != size)
            return R::failure(tr("%1 is damaged: the stored zip entry \"%2\" has two different sizes.").arg(sourceName, entry.name));
        if (!names.insert(entry.name).second)
            return R::failure(tr("%1 is damaged: the zip entry \"%2\" appears twice.").arg(sourceName, entry.name));

        // The local header: same name, then the data, which must end before the directory.
        if (local > quint64(in.size()) || in.u32(qint64(local)) != kLocalHeader)
            return R::failure(tr("%1 is damaged: the zip entry \"%2\" has no local header.").arg(sourceName, entry.name));
        const qint64 l = qint64(local);
        const quint16 localName = in.u16(l + 26);
        const quint16 localExtra = in.u16(l + 28);
        if (!in.ok() || in.bytes(l + kLocalSize, localName) != rawName)
            return R::failure(tr("%1 is damaged: the zip entry \"%2\" has a mismatched local header.").arg(sourceName, entry.name));
        entry.dataOffset = l + kLocalSize + localName + localExtra;
        if (size > quint64(in.size()) || entry.dataOffset > qint64(end->directoryOffset)
            || qint64(size) > qint64(end->directoryOffset) - entry.dataOffset) {
            return R::failure(tr("%1 is damaged: the zip entry \"%2\" (%3 bytes) reaches past the end of its data "
                                 "(the file is truncated?).")
                                  .arg(sourceName, entry.name)
                                  .arg(size));
        }
        entry.size = qint64(size);
        const quint32 actual = crc32(bytes.constData() + entry.dataOffset, entry.size);
        if (actual != entry.crc) {
            return R::failure(tr("%1 is damaged: the zip entry \"%2\" fails its CRC-32 check (the file says %3, the data "
                                 "gives %4).")
                                  .arg(sourceName, entry.name)
                                  .arg(entry.crc, 8, 16, QLatin1Char('0'))
                                  .arg(actual, 8, 16, QLatin1Char('0')));
        }
        entries.push_back(entry);
        at = next;
    }
    return entries;
}

} // namespace taglane::engine::detail
