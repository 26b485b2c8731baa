// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the study benches (bench_tvmodels, bench_clipstudy): sizes from
// the environment, the train/val/test synthetic corpora they reuse, and a
// main() without QtTest's 5-minute watchdog.
#pragma once

#include "engine/corpus/synthcorpusgenerator.h"

#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QString>
#include <QTest>

namespace taglane::tests {

/// A positive integer from the environment, or fallback.
inline int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok && v > 0 ? v : fallback;
}

/// A positive number from the environment, or fallback.
inline double envDouble(const char *name, double fallback)
{
    bool ok = false;
    const double v = qEnvironmentVariable(name).toDouble(&ok);
    return ok && v > 0 ? v : fallback;
}

/// The corpora of the studies: TAGLANE_STUDY_CORPUS (or a temporary folder
/// named fallbackName) holding train/ (seed 2026), val/ (2027) and test/
/// (2028); a part without CSV files is rendered with the given track count.
/// Returns the folder; on failure an empty string and *error set.
inline QString studyCorpus(const QString &fallbackName, int trainTracks, int valTracks, int testTracks, QString *error)
{
    QString dir = qEnvironmentVariable("TAGLANE_STUDY_CORPUS");
    if (dir.isEmpty())
        dir = tempDir(fallbackName);
    QDir().mkpath(dir);
    const struct
    {
        const char *name;
        int tracks;
        quint64 seed;
    } parts[] = {{"train", trainTracks, 2026}, {"val", valTracks, 2027}, {"test", testTracks, 2028}};
    for (const auto &part : parts) {
        const QString folder = dir + QLatin1Char('/') + QLatin1String(part.name);
        if (QDir(folder).exists() && !QDir(folder).entryList({QStringLiteral("*.csv")}, QDir::Files).isEmpty())
            continue;
        engine::SynthCorpusOptions options;
        options.tracks = part.tracks;
        options.seed = part.seed;
        options.channels = 1;
        options.outDir = folder;
        auto summary = engine::SynthCorpusGenerator::generate(options);
        if (!summary.ok()) {
            *error = summary.error();
            return {};
        }
    }
    return dir;
}

} // namespace taglane::tests

/// main() for a bench whose functions train for many minutes.
#define TAGLANE_STUDY_BENCH_MAIN(TestClass)                                                                            \
    int main(int argc, char **argv)                                                                                    \
    {                                                                                                                  \
        if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))                                                      \
            qputenv("QTEST_FUNCTION_TIMEOUT", "86400000");                                                             \
        QCoreApplication app(argc, argv);                                                                              \
        TestClass test;                                                                                                \
        return QTest::qExec(&test, argc, argv);                                                                        \
    }
