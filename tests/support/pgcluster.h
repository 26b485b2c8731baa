// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A throwaway PostgreSQL cluster for a test executable: initdb into a
// temporary folder, pg_ctl start on a free TCP port of 127.0.0.1 with a
// unix socket folder of its own, password authentication (scram-sha-256)
// for the superuser "taglane". As root the server runs as the "postgres"
// user (PostgreSQL refuses to run as root). Stopped and removed on
// destruction. Where PostgreSQL is not installed start() says why, and the
// test skips with that message.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

#include <algorithm>

#include <memory>

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace taglane::tests {

class PgCluster
{
public:
    static constexpr const char *kUser = "taglane";
    static constexpr const char *kPassword = "s3cret;pw";

    PgCluster() = default;
    ~PgCluster() { stop(); }
    PgCluster(const PgCluster &) = delete;
    PgCluster &operator=(const PgCluster &) = delete;

    /// A port nothing listens on now (the kernel's choice).
    static int freePort()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            return 0;
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        socklen_t length = sizeof address;
        int port = 0;
        if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0
            && ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
            port = ntohs(address.sin_port);
        ::close(fd);
        return port;
    }

    /// The folder of initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/N/bin.
    static QString binDir()
    {
        const QString onPath = QStandardPaths::findExecutable(QStringLiteral("initdb"));
        if (!onPath.isEmpty())
            return QFileInfo(onPath).absolutePath();
        QDir lib(QStringLiteral("/usr/lib/postgresql"));
        QStringList versions = lib.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        std::sort(versions.begin(), versions.end(), [](const QString &a, const QString &b) { return a.toInt() > b.toInt(); });
        for (const QString &v : versions) {
            if (QFileInfo(lib.filePath(v + QStringLiteral("/bin/initdb"))).isExecutable())
                return lib.filePath(v + QStringLiteral("/bin"));
        }
        return {};
    }

    /// Starts the cluster; false with the reason (for QSKIP) when it cannot.
    bool start(QString *why)
    {
        const QString bin = binDir();
        if (bin.isEmpty()) {
            *why = QStringLiteral("PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin); "
                                  "install postgresql to run the PostgreSQL store tests");
            return false;
        }
        if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
            *why = QStringLiteral("Qt's PostgreSQL driver QPSQL is not installed (libqt6sql6-psql)");
            return false;
        }
        if (::geteuid() == 0) {
            const passwd *pw = ::getpwnam("postgres");
            if (!pw) {
                *why = QStringLiteral("running as root without a \"postgres\" user to run the server as");
                return false;
            }
            m_uid = pw->pw_uid;
            m_gid = pw->pw_gid;
            m_asPostgres = true;
        }
        m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/taglane-pg-XXXXXX"));
        if (!m_dir->isValid()) {
            *why = QStringLiteral("cannot create a temporary folder");
            return false;
        }
        const QString root = m_dir->path();
        QDir().mkpath(root + QStringLiteral("/sock"));
        QFile pw(root + QStringLiteral("/pw"));
        pw.open(QIODevice::WriteOnly);
        pw.write(kPassword);
        pw.close();
        if (m_asPostgres) {
            for (const QString &p : {root, root + QStringLiteral("/sock"), root + QStringLiteral("/pw")})
                (void)!::chown(QFile::encodeName(p).constData(), m_uid, m_gid);
        }
        m_bin = bin;
        QString output;
        if (!run(QStringLiteral("initdb"),
                 {QStringLiteral("-D"), root + QStringLiteral("/data"), QStringLiteral("-U"), QString::fromLatin1(kUser),
                  QStringLiteral("--pwfile=") + root + QStringLiteral("/pw"), QStringLiteral("-A"),
                  QStringLiteral("scram-sha-256"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                  QStringLiteral("--locale=C"), QStringLiteral("--no-sync")},
                 &output, 120000)) {
            *why = QStringLiteral("initdb failed: ") + output;
            return false;
        }
        for (int attempt = 0; attempt < 3 && m_port == 0; ++attempt) {
            const int port = freePort();
            const QString options = QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 "
                                                   "-c max_connections=40 -c shared_buffers=16MB")
                                        .arg(port).arg(root + QStringLiteral("/sock"));
            if (run(QStringLiteral("pg_ctl"),
                    {QStringLiteral("-D"), root + QStringLiteral("/data"), QStringLiteral("-l"), root + QStringLiteral("/log"),
                     QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("-o"), options,
                     QStringLiteral("start")},
                    &output, 90000))
                m_port = port;
        }
        if (m_port == 0) {
            QFile log(root + QStringLiteral("/log"));
            log.open(QIODevice::ReadOnly);
            *why = QStringLiteral("pg_ctl start failed: ") + output + QString::fromUtf8(log.readAll());
            return false;
        }
        return true;
    }

    void stop()
    {
        if (m_port != 0) {
            QString output;
            run(QStringLiteral("pg_ctl"), {QStringLiteral("-D"), m_dir->path() + QStringLiteral("/data"), QStringLiteral("-m"),
                                           QStringLiteral("immediate"), QStringLiteral("-w"), QStringLiteral("stop")},
                &output, 60000);
            m_port = 0;
        }
        m_dir.reset();
    }

    int port() const { return m_port; }

    /// postgresql://taglane:PASSWORD@127.0.0.1:PORT/DB (the password percent-encoded).
    QString uri(const QString &database, const QString &password = QString::fromLatin1(kPassword)) const
    {
        // Concatenated, not arg(): the encoded password holds '%'.
        return QStringLiteral("postgresql://") + QString::fromLatin1(kUser) + QLatin1Char(':')
            + QString::fromLatin1(QUrl::toPercentEncoding(password)) + QStringLiteral("@127.0.0.1:")
            + QString::number(m_port) + QLatin1Char('/') + database;
    }

    /// Creates an empty database; false with the server's message otherwise.
    bool createDatabase(const QString &name, QString *error = nullptr)
    {
        return adminExec(QStringLiteral("CREATE DATABASE %1").arg(name), error);
    }

    /// Runs one statement in database `database` as the superuser.
    bool exec(const QString &database, const QString &sql, QString *error = nullptr)
    {
        const QString connection = QStringLiteral("pgcluster-%1").arg(++m_connections);
        bool ok = false;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
            db.setHostName(QStringLiteral("127.0.0.1"));
            db.setPort(m_port);
            db.setUserName(QString::fromLatin1(kUser));
            db.setPassword(QString::fromLatin1(kPassword));
            db.setDatabaseName(database);
            if (db.open()) {
                QSqlQuery q(db);
                ok = q.exec(sql);
                if (!ok && error)
                    *error = q.lastError().text();
            } else if (error) {
                *error = db.lastError().text();
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(connection);
        return ok;
    }

    /// First column of the first row of `sql` in `database` (invalid on failure).
    QVariant scalar(const QString &database, const QString &sql)
    {
        const QString connection = QStringLiteral("pgcluster-%1").arg(++m_connections);
        QVariant value;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
            db.setHostName(QStringLiteral("127.0.0.1"));
            db.setPort(m_port);
            db.setUserName(QString::fromLatin1(kUser));
            db.setPassword(QString::fromLatin1(kPassword));
            db.setDatabaseName(database);
            if (db.open()) {
                QSqlQuery q(db);
                if (q.exec(sql) && q.next())
                    value = q.value(0);
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(connection);
        return value;
    }

private:
    bool adminExec(const QString &sql, QString *error) { return exec(QStringLiteral("postgres"), sql, error); }

    bool run(const QString &tool, const QStringList &args, QString *output, int timeoutMs)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        const QString program = m_bin + QLatin1Char('/') + tool;
        if (m_asPostgres) {
            // runuser keeps the environment small; the server must not run as root.
            p.start(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"), program} + args);
        } else {
            p.start(program, args);
        }
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            *output = tool + QStringLiteral(" timed out");
            return false;
        }
        *output = QString::fromLocal8Bit(p.readAll());
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_bin;
    int m_port = 0;
    int m_connections = 0;
    bool m_asPostgres = false;
    uid_t m_uid = 0;
    gid_t m_gid = 0;
};

} // namespace taglane::tests
