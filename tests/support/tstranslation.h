// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Reads a message's translation straight from translations/taglane_zh_CN.ts,
// so a test can check what a zh_CN run shows without hard-coding it.

#include <QFile>
#include <QRegularExpression>
#include <QString>

namespace taglane::tests {

/// The translation of `source` in `context` of translations/taglane_zh_CN.ts
/// (empty when untranslated or absent).
inline QString tsTranslation(const QString &context, const QString &source)
{
    QFile file(QStringLiteral(TAGLANE_SOURCE_DIR "/translations/taglane_zh_CN.ts"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString ts = QString::fromUtf8(file.readAll());
    const int at = ts.indexOf(QStringLiteral("<name>%1</name>").arg(context));
    if (at < 0)
        return {};
    const int end = ts.indexOf(QStringLiteral("</context>"), at);
    auto escape = [](QString s) {
        return s.replace(QLatin1Char('&'), QStringLiteral("&amp;"))
            .replace(QLatin1Char('\''), QStringLiteral("&apos;"))
            .replace(QLatin1Char('"'), QStringLiteral("&quot;"))
            .replace(QLatin1Char('<'), QStringLiteral("&lt;"))
            .replace(QLatin1Char('>'), QStringLiteral("&gt;"));
    };
    const int src = ts.indexOf(QStringLiteral("<source>%1</source>").arg(escape(source)), at);
    if (src < 0 || src > end)
        return {};
    const QRegularExpression re(QStringLiteral("<translation>([^<]*)</translation>"));
    const auto m = re.match(ts, src);
    if (!m.hasMatch())
        return {};
    return m.captured(1)
        .replace(QStringLiteral("&apos;"), QStringLiteral("'"))
        .replace(QStringLiteral("&quot;"), QStringLiteral("\""))
        .replace(QStringLiteral("&lt;"), QStringLiteral("<"))
        .replace(QStringLiteral("&gt;"), QStringLiteral(">"))
        .replace(QStringLiteral("&amp;"), QStringLiteral("&"));
}

} // namespace taglane::tests
