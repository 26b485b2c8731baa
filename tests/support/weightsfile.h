// SPDX-License-Identifier: GPL-3.0-or-later
// Tests' own reading and writing of the zip container of a torch.save file,
// to build malformed weights.pt files (a record of the wrong size, NaN
// values) whose CRC-32 is still right, or a flipped byte whose CRC is not.
// Independent of the engine's reader on purpose.
#pragma once

#include <QByteArray>
#include <QString>
#include <QVector>

#include <cstring>
#include <utility>

namespace taglane::tests {

struct ZipRecord
{
    QByteArray name;
    QByteArray data;
};

inline quint32 zipCrc32(const QByteArray &data)
{
    quint32 c = 0xFFFFFFFFu;
    for (const char ch : data) {
        c ^= quint8(ch);
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

namespace zipdetail {

inline quint32 le(const QByteArray &b, qsizetype at, int width)
{
    quint32 v = 0;
    for (int i = width - 1; i >= 0; --i)
        v = (v << 8) | quint8(b.at(at + i));
    return v;
}

inline void put(QByteArray &b, quint32 v, int width)
{
    for (int i = 0; i < width; ++i)
        b.append(char((v >> (8 * i)) & 0xFF));
}

} // namespace zipdetail

/// The entries of a small stored zip (as torch.save writes), in order; empty
/// when the bytes are not one.
inline QVector<ZipRecord> readStoredZip(const QByteArray &zip)
{
    using zipdetail::le;
    QVector<ZipRecord> out;
    qsizetype end = zip.lastIndexOf(QByteArray("PK\x05\x06", 4));
    if (end < 0 || end + 22 > zip.size())
        return out;
    const quint32 count = le(zip, end + 10, 2);
    qsizetype at = qsizetype(le(zip, end + 16, 4));
    for (quint32 i = 0; i < count; ++i) {
        if (at + 46 > zip.size() || le(zip, at, 4) != 0x02014b50u)
            return {};
        const quint32 size = le(zip, at + 24, 4);
        const quint32 nameLength = le(zip, at + 28, 2);
        const quint32 extra = le(zip, at + 30, 2);
        const quint32 comment = le(zip, at + 32, 2);
        const qsizetype local = qsizetype(le(zip, at + 42, 4));
        ZipRecord r;
        r.name = zip.mid(at + 46, nameLength);
        const qsizetype data = local + 30 + le(zip, local + 26, 2) + le(zip, local + 28, 2);
        r.data = zip.mid(data, size);
        out.push_back(r);
        at += 46 + nameLength + extra + comment;
    }
    return out;
}

/// A stored zip of the entries, with correct CRC-32s (no ZIP64 records).
inline QByteArray writeStoredZip(const QVector<ZipRecord> &records)
{
    using zipdetail::put;
    QByteArray zip;
    QByteArray central;
    for (const ZipRecord &r : records) {
        const quint32 offset = quint32(zip.size());
        const quint32 crc = zipCrc32(r.data);
        zip.append("PK\x03\x04", 4);
        put(zip, 20, 2);
        put(zip, 0, 2);   // flags
        put(zip, 0, 2);   // stored
        put(zip, 0, 4);   // time, date
        put(zip, crc, 4);
        put(zip, quint32(r.data.size()), 4);
        put(zip, quint32(r.data.size()), 4);
        put(zip, quint32(r.name.size()), 2);
        put(zip, 0, 2);
        zip.append(r.name);
        zip.append(r.data);

        central.append("PK\x01\x02", 4);
        put(central, 20, 2);
        put(central, 20, 2);
        put(central, 0, 2);
        put(central, 0, 2);
        put(central, 0, 4);
        put(central, crc, 4);
        put(central, quint32(r.data.size()), 4);
        put(central, quint32(r.data.size()), 4);
        put(central, quint32(r.name.size()), 2);
        put(central, 0, 2);   // extra
        put(central, 0, 2);   // comment
        put(central, 0, 2);   // disk
        put(central, 0, 2);   // internal attributes
        put(central, 0, 4);   // external attributes
        put(central, offset, 4);
        central.append(r.name);
    }
    const quint32 centralOffset = quint32(zip.size());
    zip.append(central);
    zip.append("PK\x05\x06", 4);
    put(zip, 0, 2);
    put(zip, 0, 2);
    put(zip, quint32(records.size()), 2);
    put(zip, quint32(records.size()), 2);
    put(zip, quint32(central.size()), 4);
    put(zip, centralOffset, 4);
    put(zip, 0, 2);
    return zip;
}

/// The zip with the data of the entry whose name ends in nameSuffix replaced
/// (CRC-32 recomputed); empty when there is no such entry.
inline QByteArray withRecordData(const QByteArray &zip, const QByteArray &nameSuffix, const QByteArray &data)
{
    QVector<ZipRecord> records = readStoredZip(zip);
    bool found = false;
    for (ZipRecord &r : records) {
        if (r.name.endsWith(nameSuffix)) {
            r.data = data;
            found = true;
        }
    }
    return found ? writeStoredZip(records) : QByteArray();
}

/// The data of the entry whose name ends in nameSuffix.
inline QByteArray recordData(const QByteArray &zip, const QByteArray &nameSuffix)
{
    for (const ZipRecord &r : readStoredZip(zip))
        if (r.name.endsWith(nameSuffix))
            return r.data;
    return {};
}

/// The zip with one byte of the named entry's data flipped in place (the
/// stored CRC-32 is left as it was); empty when there is no such entry.
inline QByteArray withFlippedByte(const QByteArray &zip, const QByteArray &nameSuffix, qsizetype index)
{
    const QVector<ZipRecord> records = readStoredZip(zip);
    for (const ZipRecord &r : records) {
        if (!r.name.endsWith(nameSuffix) || index >= r.data.size())
            continue;
        // The data follows its local header: find the header by its name.
        qsizetype at = 0;
        while ((at = zip.indexOf(r.name, at)) >= 0) {
            const qsizetype local = at - 30;
            if (local >= 0 && zip.mid(local, 4) == QByteArray("PK\x03\x04", 4)) {
                const qsizetype data = at + r.name.size() + zipdetail::le(zip, local + 28, 2);
                QByteArray out = zip;
                out[data + index] = char(out.at(data + index) ^ 0x5A);
                return out;
            }
            at += 1;
        }
    }
    return {};
}

/// Four bytes of a float, little-endian (as the records hold them).
inline QByteArray floatBytes(float v)
{
    QByteArray b(4, '\0');
    std::memcpy(b.data(), &v, 4);
    return b;
}

} // namespace taglane::tests
