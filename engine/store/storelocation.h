// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QString>

namespace taglane::engine {

/// Where an annotation store lives: an SQLite file, or a PostgreSQL
/// database named by a libpq URI ("postgresql://USER:PASSWORD@HOST:PORT/DB",
/// also "postgres://"). Parts the URI leaves out are left to libpq, which
/// takes them from PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE (and
/// its own defaults). Query parameters ("?sslmode=require&host=/run/pg")
/// pass through as libpq connection options. Any thread.
struct StoreLocation
{
    enum class Kind { SQLite, PostgreSQL };
    Kind kind = Kind::SQLite;
    QString path;          ///< SQLite: the absolute file path
    QString uri;           ///< PostgreSQL: the URI as given
    QString host;          ///< PostgreSQL parts; empty: libpq's default (PG* environment)
    int port = -1;
    QString user;
    QString password;
    QString database;
    QString options;       ///< "key=value;..." for QSqlDatabase::setConnectOptions

    bool isPostgres() const { return kind == Kind::PostgreSQL; }
    /// What messages name: the file path, or the URI without its password.
    QString displayName() const;

    /// True when `text` starts with "postgresql:" or "postgres:".
    static bool isPostgresUri(const QString &text);
    /// Parses a store argument: an SQLite path or a PostgreSQL URI. Fails
    /// for an empty text and a malformed URI.
    static Result<StoreLocation> parse(const QString &text);
    /// `text` with the password of a PostgreSQL URI replaced by "***";
    /// other text unchanged (for messages about a store argument).
    static QString redacted(const QString &text);
};

} // namespace taglane::engine
