// SPDX-License-Identifier: GPL-3.0-or-later
// Batch tagging throughput against single-file throughput, side by side in
// one run, on a folder of 50 short synthetic tracks (tones, 30 s each unless
// TAGLANE_BENCH_SECONDS says otherwise), with the bundled default model:
//  - single file: one `taglane-cli tag --threads 1 FILE` process per file;
//  - batch: `taglane-cli tag --store DB DIR` with every core (--threads 0),
//    and once more with --threads 1 (a new store each time).
// Prints the throughputs (seconds of audio per second) counted two ways:
// over the tagging itself (the "in X s" that taglane-cli reports, without
// process start, model loading or adding files to the library) and over the
// whole wall clock of the processes; the ratio of batch to single x cores
// and whether it is within 10 % (the target). The machine's load
// average is printed too: on shared cores the threads do not get a core each.
// Last, the batch on every core once more with OMP_WAIT_POLICY=ACTIVE, as
// taglane-cli ran before it chose passive waiting for itself.
// TAGLANE_BENCH_CLI runs another taglane-cli than the build's (a copy, so
// that a rebuild does not replace it under the run). Figures only: nothing
// here is a timed assertion.
#include "clirunner.h"
#include "testsupport.h"
#include "tonewav.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <cstdio>

namespace {

using taglane::tests::CliRun;

/// Runs taglane-cli; `spinning` sets OMP_WAIT_POLICY=ACTIVE (how it ran before it chose passive waiting).
CliRun runCli(const QStringList &args, bool spinning = false)
{
    QProcess p;
    if (spinning) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OMP_WAIT_POLICY"), QStringLiteral("ACTIVE"));
        p.setProcessEnvironment(env);
    }
    p.start(qEnvironmentVariableIsSet("TAGLANE_BENCH_CLI") ? qEnvironmentVariable("TAGLANE_BENCH_CLI")
                                                           : QStringLiteral(TAGLANE_CLI_PATH),
            args);
    CliRun r;
    if (!p.waitForFinished(1800 * 1000)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("did not finish: ") + p.errorString();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

constexpr int kTracks = 50;

/// The "in X s" of taglane-cli's closing line ("Tagged ... in X s on ..."), or -1.
double taggingSeconds(const QString &err)
{
    static const QRegularExpression closing(QStringLiteral("Tagged \\d+ of \\d+ \\w+ \\(([0-9.]+) s of audio\\) in ([0-9.]+) s"));
    QRegularExpressionMatch last;
    for (auto it = closing.globalMatch(err); it.hasNext();)
        last = it.next();
    return last.hasMatch() ? last.captured(2).toDouble() : -1.0;
}

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 2) : QStringLiteral("?");
}

struct Throughput
{
    double wall = 0.0;      ///< seconds of the processes, start to exit
    double tagging = 0.0;   ///< seconds taglane-cli reports for the tagging itself
};

} // namespace

class BenchBatchTag : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void batchAgainstSingle()
    {
        const double seconds = qEnvironmentVariableIsSet("TAGLANE_BENCH_SECONDS")
            ? qEnvironmentVariable("TAGLANE_BENCH_SECONDS").toDouble()
            : 30.0;
        QVERIFY(seconds > 0.0);
        const QString dir = taglane::tests::tempDir(QStringLiteral("bench-batchtag"));
        const QString music = dir + QStringLiteral("/music");
        QVERIFY(QDir().mkpath(music));
        QStringList files;
        for (int i = 0; i < kTracks; ++i) {
            const QString f = QStringLiteral("%1/track%2.wav").arg(music).arg(i, 2, 10, QLatin1Char('0'));
            QVERIFY(taglane::tests::writeToneWav(f, seconds, 110.0 + 23.0 * i));
            files << f;
        }
        const double audio = kTracks * seconds;
        const int cores = QThread::idealThreadCount();
        std::printf("%d tracks of %.0f s (%.0f s of audio), model default, %d cores; load average %s\n", kTracks,
                    seconds, audio, cores, qPrintable(loadAverage()));

        // ---- single file: a process per file, one thread
        Throughput single;
        for (const QString &f : std::as_const(files)) {
            QElapsedTimer clock;
            clock.start();
            const CliRun r = runCli({QStringLiteral("tag"), QStringLiteral("--model"), QStringLiteral("default"),
                                     QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--out"),
                                     dir + QStringLiteral("/single"), f});
            single.wall += clock.nsecsElapsed() / 1e9;
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            const double t = taggingSeconds(r.err);
            QVERIFY2(t >= 0.0, qPrintable(r.err));
            single.tagging += t;
        }
        std::printf("single file, 1 thread:  %6.2f s tagging (%6.1f s audio/s), %6.2f s wall of %d processes (%6.1f s audio/s)\n",
                    single.tagging, audio / single.tagging, single.wall, kTracks, audio / single.wall);

        // ---- batch into a store, all cores and one
        const auto batch = [&](int threads, Throughput &into, bool spinning = false) {
            const QString store = dir + QStringLiteral("/batch-%1.sqlite").arg(threads);
            QFile::remove(store);
            QElapsedTimer clock;
            clock.start();
            const CliRun r = runCli({QStringLiteral("tag"), QStringLiteral("--store"), store, QStringLiteral("--model"),
                                     QStringLiteral("default"), QStringLiteral("--threads"), QString::number(threads), music},
                                    spinning);
            into.wall = clock.nsecsElapsed() / 1e9;
            into.tagging = taggingSeconds(r.err);
            return r.exitCode == 0 && into.tagging > 0.0 && r.out.count(QLatin1Char('\n')) == kTracks;
        };
        Throughput all, one;
        QVERIFY(batch(0, all));
        std::printf("batch, %d threads:       %6.2f s tagging (%6.1f s audio/s), %6.2f s wall of 1 process (%6.1f s audio/s)\n",
                    cores, all.tagging, audio / all.tagging, all.wall, audio / all.wall);
        QVERIFY(batch(1, one));
        std::printf("batch, 1 thread:         %6.2f s tagging (%6.1f s audio/s), %6.2f s wall of 1 process (%6.1f s audio/s)\n",
                    one.tagging, audio / one.tagging, one.wall, audio / one.wall);

        Throughput spinning;
        QVERIFY(batch(0, spinning, true));
        std::printf("batch, %d threads, OMP_WAIT_POLICY=ACTIVE (spinning, as before): %6.2f s tagging (%6.1f s audio/s), "
                    "%6.2f s wall\n",
                    cores, spinning.tagging, audio / spinning.tagging, spinning.wall);

        const auto verdict = [](double ratio) { return ratio >= 0.9 ? "within 10 %" : "below by more than 10 %"; };
        const double ratioTagging = single.tagging / (all.tagging * cores);
        const double ratioWall = single.wall / (all.wall * cores);
        const double ratioOne = single.tagging / one.tagging;
        std::printf("batch / (single x %d cores): %.2f over the tagging (%s), %.2f over the wall clock (%s)\n", cores,
                    ratioTagging, verdict(ratioTagging), ratioWall, verdict(ratioWall));
        std::printf("batch / single, 1 thread each: %.2f over the tagging (%s)\n", ratioOne, verdict(ratioOne));
        std::printf("load average after: %s\n", qPrintable(loadAverage()));
    }
};

int main(int argc, char **argv)
{
    // The runs last longer than QtTest's 5-minute watchdog.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "86400000");
    QCoreApplication app(argc, argv);
    BenchBatchTag bench;
    return QTest::qExec(&bench, argc, argv);
}
#include "bench_batchtag.moc"
