// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/store/storelocation.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QUrl>
#include <QUrlQuery>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StoreLocation", text);
}

// libpq's connection keywords that may come as URI query parameters.
bool isLibpqKeyword(const QString &key)
{
    static const char *const kKeys[] = {
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "connect_timeout",
        "client_encoding", "options", "application_name", "fallback_application_name", "keepalives",
        "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "sslmode",
        "sslcompression", "sslcert", "sslkey", "sslpassword", "sslrootcert", "sslcrl", "sslcrldir",
        "sslsni", "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version", "gssencmode",
        "krbsrvname", "gsslib", "service", "target_session_attrs",
    };
    for (const char *k : kKeys) {
        if (key == QLatin1String(k))
            return true;
    }
    return false;
}

} // namespace

bool StoreLocation::isPostgresUri(const QString &text)
{
    const QString t = text.trimmed();
    return t.startsWith(QLatin1String("postgresql:"), Qt::CaseInsensitive)
        || t.startsWith(QLatin1String("postgres:"), Qt::CaseInsensitive);
}

QString StoreLocation::redacted(const QString &text)
{
    if (!isPostgresUri(text))
        return text;
    QUrl url(text.trimmed());
    if (!url.isValid())
        return text.section(QLatin1Char('@'), -1);   // never show what may be a password
    if (!url.password().isEmpty())
        url.setPassword(QStringLiteral("***"));
    QUrlQuery query(url);
    if (query.hasQueryItem(QStringLiteral("password"))) {
        query.removeAllQueryItems(QStringLiteral("password"));
        query.addQueryItem(QStringLiteral("password"), QStringLiteral("***"));
        url.setQuery(query);
    }
    return url.toString();
}

QString StoreLocation::displayName() const
{
    return isPostgres() ? redacted(uri) : path;
}

Result<StoreLocation> StoreLocation::parse(const QString &text)
{
    using R = Result<StoreLocation>;
    StoreLocation loc;
    if (text.trimmed().isEmpty())
        return R::failure(tr("No annotation store was given (the path is empty)."));
    if (!isPostgresUri(text)) {
        loc.path = QFileInfo(text).absoluteFilePath();
        return loc;
    }
    loc.kind = Kind::PostgreSQL;
    loc.uri = text.trimmed();
    const QUrl url(loc.uri, QUrl::StrictMode);
    const QString shown = redacted(loc.uri);
    if (!url.isValid())
        return R::failure(tr("%1 is not a valid PostgreSQL URI (%2); write postgresql://USER:PASSWORD@HOST:PORT/DATABASE.")
                              .arg(shown, url.errorString().replace(url.password(), QStringLiteral("***"))));
    if (url.host().contains(QLatin1Char(',')))
        return R::failure(tr("%1 names several hosts; Taglane connects to one PostgreSQL server.").arg(shown));
    loc.host = url.host(QUrl::FullyDecoded);
    loc.port = url.port(-1);
    loc.user = url.userName(QUrl::FullyDecoded);
    loc.password = url.password(QUrl::FullyDecoded);
    QString db = url.path(QUrl::FullyDecoded);
    if (db.startsWith(QLatin1Char('/')))
        db.remove(0, 1);
    if (db.contains(QLatin1Char('/')))
        return R::failure(tr("%1: the database name may not contain '/'.").arg(shown));
    loc.database = db;
    QStringList options;
    const QUrlQuery query(url);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!isLibpqKeyword(key))
            return R::failure(tr("%1: \"%2\" is not a PostgreSQL connection parameter.").arg(shown, key));
        if (key == QLatin1String("host"))
            loc.host = value;
        else if (key == QLatin1String("port"))
            loc.port = value.toInt();
        else if (key == QLatin1String("user"))
            loc.user = value;
        else if (key == QLatin1String("password"))
            loc.password = value;
        else if (key == QLatin1String("dbname"))
            loc.database = value;
        else if (value.contains(QLatin1Char(';')))
            return R::failure(tr("%1: the value of \"%2\" may not contain ';'.").arg(shown, key));
        else
            options << key + QLatin1Char('=') + value;
    }
    if (!url.query().contains(QLatin1String("connect_timeout")) && qEnvironmentVariableIsEmpty("PGCONNECT_TIMEOUT"))
        options << QStringLiteral("connect_timeout=10");   // an unreachable host fails in seconds, not minutes
    loc.options = options.join(QLatin1Char(';'));
    return loc;
}

} // namespace taglane::engine
