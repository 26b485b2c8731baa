// SPDX-License-Identifier: GPL-3.0-or-later
// Long fuzz run of every importer (label "bench"): seeded mutations of valid
// files for TAGLANE_FUZZ_SECONDS seconds per format (default 120), printing
// executions per format. Fails on a crash (the process dies), a hang (one
// input over 5 s), an inconsistent result or an error without the file name.
// TAGLANE_FUZZ_SEED changes the seed.
#include "engine/formats/labelimporter.h"

#include "../fuzz/formatmutator.h"
#include "../fuzz/formatsamples.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTest>

using namespace taglane::engine;
using namespace taglane::tests;

class bench_Fuzz : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fuzzEveryImporter_data()
    {
        QTest::addColumn<QString>("format");
        for (const QString &name : LabelFormats::names())
            QTest::newRow(qPrintable(name)) << name;
    }

    void fuzzEveryImporter()
    {
        QFETCH(QString, format);
        const LabelFormat f = LabelFormats::parse(format).value();
        const double seconds = qEnvironmentVariableIsSet("TAGLANE_FUZZ_SECONDS")
                                   ? qEnvironmentVariable("TAGLANE_FUZZ_SECONDS").toDouble() : 120.0;
        const quint64 seed = qEnvironmentVariableIsSet("TAGLANE_FUZZ_SEED")
                                 ? qEnvironmentVariable("TAGLANE_FUZZ_SEED").toULongLong() : 20261121ULL;
        // Its own samples most of the time, the other formats' now and then.
        QVector<QByteArray> own, other;
        for (const auto &[g, bytes] : sampleFiles())
            (g == f ? own : other) << bytes;
        FormatMutator mutator(seed * 31 + quint64(f));   // no qHash: its seed changes per process
        std::mt19937_64 pick(seed);
        const QString source = sampleName(f);
        QElapsedTimer clock;
        clock.start();
        qint64 executions = 0, accepted = 0, withLine = 0;
        double slowest = 0.0;
        int slowInputs = 0;
        QByteArray previous;
        while (clock.nsecsElapsed() / 1e9 < seconds) {
            const quint64 r = pick() % 10;
            const QVector<QByteArray> &pool = (r == 0 && !other.isEmpty()) ? other : own;
            // Sometimes mutate the previous mutant again, to go deeper.
            const QByteArray base = (r >= 7 && !previous.isEmpty() && previous.size() < 4'000'000)
                                        ? previous : pool.at(int(pick() % quint64(pool.size())));
            const QByteArray input = mutator.mutate(base);
            QElapsedTimer one;
            one.start();
            const auto result = LabelImporter::parse(input, source, f);
            const double took = one.nsecsElapsed() / 1e9;
            slowest = std::max(slowest, took);
            ++executions;
            const QString problem = checkImport(result, source);
            if (!problem.isEmpty()) {
                QFile dump(QStringLiteral("fuzz-failure-") + format + QStringLiteral(".bin"));
                if (dump.open(QIODevice::WriteOnly))
                    dump.write(input);
                QFAIL(qPrintable(QStringLiteral("%1 after %2 executions: %3 (input saved to %4)")
                                     .arg(format).arg(executions).arg(problem, dump.fileName())));
            }
            if (took > 1.0) {
                QFile dump(QStringLiteral("fuzz-slow-%1-%2.bin").arg(format).arg(++slowInputs));
                if (dump.open(QIODevice::WriteOnly))
                    dump.write(input);
                qWarning("%s: one input (%lld bytes) took %.2f s; saved to %s", qPrintable(format),
                         qint64(input.size()), took, qPrintable(dump.fileName()));
            }
            accepted += result.ok();
            withLine += !result.ok() && (result.error().contains(QStringLiteral(", line "))
                                         || result.error().contains(QStringLiteral("annotations")));
            previous = input;
        }
        const double elapsed = clock.nsecsElapsed() / 1e9;
        qInfo("%-10s %9lld executions in %6.1f s (%8.0f/s): %lld accepted, %lld rejected with a line or JSON path, "
              "%lld other rejections, slowest %.3f s",
              qPrintable(format), executions, elapsed, executions / elapsed, accepted, withLine,
              executions - accepted - withLine, slowest);
        QVERIFY(executions > 0);
        QVERIFY2(slowest < 5.0, qPrintable(QStringLiteral("%1: the slowest input took %2 s").arg(format).arg(slowest)));
    }
};

int main(int argc, char **argv)
{
    // Runs last minutes per format: lift QtTest's 5-minute watchdog.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "86400000");
    QCoreApplication app(argc, argv);
    bench_Fuzz test;
    return QTest::qExec(&test, argc, argv);
}
#include "bench_fuzz.moc"
