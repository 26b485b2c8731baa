// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/curation/tagnames.h"

#include <QRegularExpression>

namespace taglane::engine {

QString TagNames::displayName(const QString &identifier)
{
    QString name = identifier;
    // CAL500 prefixes: "Emotion-", "Instrument_-_", "Genre--_", "Genre-Best-", ...
    static const QRegularExpression prefix(QStringLiteral("^[A-Za-z]+(?:_-_|--_|-Best-|-)"));
    const QRegularExpressionMatch m = prefix.match(name);
    if (m.hasMatch() && m.capturedLength() < name.size()) {
        const QString head = m.captured(0);
        name = name.mid(head.size());
        if (head.contains(QLatin1String("Best")))
            name = QStringLiteral("%1 (best)").arg(name);
    }
    name.replace(QLatin1Char('_'), QLatin1Char(' '));
    name = name.simplified();
    return name.isEmpty() ? identifier : name;
}

QString TagNames::withIdentifier(const QString &identifier)
{
    const QString shown = displayName(identifier);
    return shown == identifier ? shown : QStringLiteral("%1 (%2)").arg(shown, identifier);
}

} // namespace taglane::engine
