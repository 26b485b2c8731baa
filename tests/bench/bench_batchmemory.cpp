// SPDX-License-Identifier: GPL-3.0-or-later
// Peak resident memory of batch tagging a large library: 10,000 tiny tracks
// (1 s tones; TAGLANE_BENCH_TRACKS and TAGLANE_BENCH_SECONDS change that)
// join a store with `taglane-cli library add`, then `taglane-cli tag --store
// DB` tags the whole library with the bundled default model in one process.
// While it runs, its VmRSS and VmHWM (peak resident, /proc/PID/status) are
// read each time another 1,000 tracks are reported done, and printed as a
// table: memory is bounded when VmHWM stops growing with the number of
// tracks. Also prints the same for `library add`, the wall times and the
// store's size. TAGLANE_BENCH_CLI runs another taglane-cli than the build's
// (a copy, so that a rebuild does not replace it under a long run). Figures
// only: nothing here is a timed assertion.
#include "testsupport.h"
#include "tonewav.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

#include <cstdio>

namespace {

/// VmRSS and VmHWM of process `pid` in MB, or {-1, -1} once it is gone.
QPair<double, double> residentMb(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return {-1.0, -1.0};
    double rss = -1.0, hwm = -1.0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        const auto kb = [&]() { return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0; };
        if (line.startsWith("VmRSS:"))
            rss = kb();
        else if (line.startsWith("VmHWM:"))
            hwm = kb();
    }
    return {rss, hwm};
}

/// Runs taglane-cli with `args`, printing VmRSS/VmHWM after every `every`
/// lines of standard output (one per file done) and at the last one. Gives
/// the exit code and the lines seen; -1 when it crashed or ran past an hour.
int runSampled(const QStringList &args, int every, const char *what, int *linesSeen)
{
    QProcess p;
    p.start(qEnvironmentVariableIsSet("TAGLANE_BENCH_CLI") ? qEnvironmentVariable("TAGLANE_BENCH_CLI")
                                                           : QStringLiteral(TAGLANE_CLI_PATH),
            args);
    if (!p.waitForStarted())
        return -1;
    QElapsedTimer clock;
    clock.start();
    int lines = 0;
    QPair<double, double> last{-1.0, -1.0};
    QByteArray pending;
    std::printf("%-12s %8s %10s %10s %8s\n", what, "tracks", "VmRSS MB", "VmHWM MB", "wall s");
    while (p.state() != QProcess::NotRunning && clock.elapsed() < 3600 * 1000) {
        p.waitForReadyRead(1000);
        p.readAllStandardError();   // the per-track lines; not needed here
        pending += p.readAllStandardOutput();
        int nl;
        while ((nl = int(pending.indexOf('\n'))) >= 0) {
            pending.remove(0, nl + 1);
            ++lines;
            const auto m = residentMb(p.processId());
            if (m.first >= 0.0)
                last = m;
            if (lines % every == 0 && m.first >= 0.0) {
                std::printf("%-12s %8d %10.1f %10.1f %8.1f\n", what, lines, m.first, m.second, clock.elapsed() / 1000.0);
                std::fflush(stdout);
            }
        }
    }
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished();
        return -1;
    }
    p.waitForFinished();
    pending += p.readAllStandardOutput();
    lines += int(pending.count('\n'));
    if (lines % every != 0 && last.first >= 0.0)
        std::printf("%-12s %8d %10.1f %10.1f %8.1f (last sample)\n", what, lines, last.first, last.second,
                    clock.elapsed() / 1000.0);
    std::printf("%-12s %d lines in %.1f s, exit %d\n", what, lines, clock.elapsed() / 1000.0, p.exitCode());
    std::fflush(stdout);
    *linesSeen = lines;
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

} // namespace

class BenchBatchMemory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void peakResidentMemory()
    {
        const int tracks = qEnvironmentVariableIsSet("TAGLANE_BENCH_TRACKS")
            ? qEnvironmentVariableIntValue("TAGLANE_BENCH_TRACKS")
            : 10000;
        const double seconds = qEnvironmentVariableIsSet("TAGLANE_BENCH_SECONDS")
            ? qEnvironmentVariable("TAGLANE_BENCH_SECONDS").toDouble()
            : 1.0;
        QVERIFY(tracks > 0 && seconds > 0.0);
        const QString dir = taglane::tests::tempDir(QStringLiteral("bench-batchmemory"));
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < tracks; ++i) {
            // 100 tracks a folder; every tone differs, so every content hash does.
            const QString folder = QStringLiteral("%1/music/%2").arg(dir).arg(i / 100, 3, 10, QLatin1Char('0'));
            if (i % 100 == 0)
                QVERIFY(QDir().mkpath(folder));
            QVERIFY(taglane::tests::writeToneWav(QStringLiteral("%1/t%2.wav").arg(folder).arg(i, 5, 10, QLatin1Char('0')),
                                                 seconds, 80.0 + 0.37 * i));
        }
        std::printf("%d tracks of %.1f s written in %.1f s\n", tracks, seconds, clock.elapsed() / 1000.0);
        const QString store = dir + QStringLiteral("/lib.sqlite");
        const int every = tracks >= 10000 ? 1000 : std::max(1, tracks / 10);

        int lines = 0;
        QCOMPARE(runSampled({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store,
                             dir + QStringLiteral("/music")},
                            every, "library add", &lines),
                 0);
        QCOMPARE(runSampled({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"),
                             QStringLiteral("default")},
                            every, "tag --store", &lines),
                 0);
        QCOMPARE(lines, tracks);
        std::printf("store: %.1f MB for %d tracks\n",
                    (QFileInfo(store).size() + QFileInfo(store + QStringLiteral("-wal")).size()) / 1e6, tracks);
    }
};

int main(int argc, char **argv)
{
    // The runs last longer than QtTest's 5-minute watchdog.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "86400000");
    QCoreApplication app(argc, argv);
    BenchBatchMemory bench;
    return QTest::qExec(&bench, argc, argv);
}
#include "bench_batchmemory.moc"
