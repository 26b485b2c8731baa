// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/importtext.h"

#include "engine/formats/csvfield.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <cmath>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("ImportText", text);
}

/// Length of the valid UTF-8 sequence at p (1-4), or 0 when invalid.
int utf8Length(const unsigned char *p, qint64 left)
{
    const unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    int n = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (left < n)
        return 0;
    for (int i = 1; i < n; ++i) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}
} // namespace

QString ImportText::at(const QString &source, qint64 line, const QString &reason)
{
    return tr("%1, line %2: %3").arg(source).arg(line).arg(reason);
}

Result<QByteArray> ImportText::readFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Result<QByteArray>::failure(tr("%1 does not exist.").arg(path));
    if (!info.isFile())
        return Result<QByteArray>::failure(tr("%1 is not a file.").arg(path));
    if (info.size() > maxFileBytes)
        return Result<QByteArray>::failure(tr("%1 is too large for a label file (%2 MiB; the limit is %3 MiB).")
                                               .arg(path).arg(info.size() / (1024 * 1024)).arg(maxFileBytes / (1024 * 1024)));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<QByteArray>::failure(tr("Cannot read %1: %2.").arg(path, f.errorString()));
    return f.readAll();
}

Result<QString> ImportText::decode(const QByteArray &bytes, const QString &source)
{
    const auto start = checkUtf8(bytes, source);
    if (!start)
        return Result<QString>::failure(start.error());
    return QString::fromUtf8(bytes.constData() + start.value(), int(bytes.size() - start.value()));
}

Result<qint64> ImportText::checkUtf8(const QByteArray &bytes, const QString &source)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.constData());
    const qint64 n = bytes.size();
    qint64 i = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        i = 3;
    const qint64 start = i;
    qint64 line = 1;
    while (i < n) {
        if (p[i] == '\n')
            ++line;
        if (p[i] == 0)
            return Result<qint64>::failure(at(source, line, tr("the file holds a NUL byte (is it a text file?)")));
        const int len = utf8Length(p + i, n - i);
        if (len == 0)
            return Result<qint64>::failure(at(source, line, tr("the text is not valid UTF-8")));
        i += len;
    }
    return start;
}

bool ImportText::parseNumber(const QString &text, double &value)
{
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v))
        return false;
    value = v;
    return true;
}

QString ImportText::undefuse(const QString &field)
{
    return CsvField::undefuse(field);
}

} // namespace taglane::engine
