// SPDX-License-Identifier: GPL-3.0-or-later
// Seeded random mutations of valid files of every format, fed to every
// importer: no crash, no hang, and either a consistent result or an error
// that names the file. The long run is tests/bench/bench_fuzz.cpp; how long
// the large files and the mutated inputs take to read is measured by
// tests/bench/bench_responsiveness.cpp (no clock in the default run).
#include "engine/formats/labelimporter.h"

#include "../fuzz/formatmutator.h"
#include "../fuzz/formatsamples.h"

#include <QTest>

using namespace taglane::engine;
using namespace taglane::tests;

class tst_FormatFuzz : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void samplesAreValid()
    {
        for (const auto &[format, bytes] : sampleFiles()) {
            const auto r = LabelImporter::parse(bytes, sampleName(format), format);
            QVERIFY2(r.ok(), qPrintable(r.error()));
            QVERIFY(checkImport(r, sampleName(format)).isEmpty());
        }
    }

    void largeFilesRead()
    {
        // 2000 segments x 300 tags, every cell with a value, in every format.
        QVector<Segment> segs;
        for (int s = 0; s < 2000; ++s)
            segs.push_back({s + 1, s * 3.0, s * 3.0 + 3.0});
        QStringList names;
        for (int t = 0; t < 300; ++t)
            names << QStringLiteral("Tag_%1").arg(t);
        std::vector<std::vector<float>> rows(2000, std::vector<float>(300));
        for (int s = 0; s < 2000; ++s)
            for (int t = 0; t < 300; ++t)
                rows[size_t(s)][size_t(t)] = float((s * 7 + t * 13) % 97) / 97.0f + 0.001f;
        const TrackLabels big = TrackLabels::fromProbabilities(QStringLiteral("big.wav"), 6000.0,
                                                               Segmentation::fromSegments(segs).value(),
                                                               Vocabulary::fromNames(names), rows, QStringLiteral("v"));
        for (const QString &name : LabelFormats::names()) {
            const LabelFormat f = LabelFormats::parse(name).value();
            const QByteArray bytes = LabelExporter::toBytes(big, f, {});
            const auto r = LabelImporter::parse(bytes, sampleName(f), f);
            QVERIFY2(r.ok(), qPrintable(r.error()));
            QCOMPARE(r->tracks.front().segments.size(), 2000);
        }
    }

    void sparseBlowUpIsBounded()
    {
        // K observations with distinct segments and tags make a K x K grid:
        // a small file must not turn into gigabytes (found by bench_fuzz).
        for (const int k : {2000, 3000}) {
            QByteArray json = "{\"annotations\": [{\"namespace\": \"tag_open\", \"data\": [";
            for (int i = 0; i < k; ++i)
                json += QStringLiteral("%1{\"time\": %2, \"duration\": 1, \"value\": \"t%3\", \"confidence\": 0.5}")
                            .arg(i ? QStringLiteral(",") : QString()).arg(i).arg(i).toUtf8();
            json += "]}]}";
            const auto r = LabelImporter::parse(json, QStringLiteral("sparse.jams"), LabelFormat::Jams);
            qInfo("%d observations (%.0f kB): %s", k, json.size() / 1e3, r.ok() ? "accepted" : "rejected");
            QCOMPARE(r.ok(), qint64(k) * k <= ImportOptions().maxCells);
            if (!r.ok())
                QVERIFY2(r.error().contains(QStringLiteral("too many labels")), qPrintable(r.error()));
        }
    }

    void mutatedFiles()
    {
        // Every mutated input goes to every importer (also the "wrong" ones).
        const auto samples = sampleFiles();
        const int rounds = qEnvironmentVariableIntValue("TAGLANE_FUZZ_ROUNDS") > 0
                               ? qEnvironmentVariableIntValue("TAGLANE_FUZZ_ROUNDS") : 1000;
        qint64 executions = 0, accepted = 0, withLine = 0;
        for (int i = 0; i < samples.size(); ++i) {
            FormatMutator mutator(0x7a61a9e5ULL + quint64(i));
            for (int round = 0; round < rounds; ++round) {
                const QByteArray input = mutator.mutate(samples.at(i).second);
                for (const QString &name : LabelFormats::names()) {
                    const LabelFormat f = LabelFormats::parse(name).value();
                    const QString source = sampleName(f);
                    const auto r = LabelImporter::parse(input, source, f);
                    ++executions;
                    const QString problem = checkImport(r, source);
                    if (!problem.isEmpty())
                        QFAIL(qPrintable(QStringLiteral("%1 (sample %2, round %3): %4").arg(name).arg(i).arg(round).arg(problem)));
                    accepted += r.ok();
                    withLine += !r.ok() && (r.error().contains(QStringLiteral(", line ")) || r.error().contains(QStringLiteral("annotations")));
                }
            }
        }
        qInfo("%lld executions: %lld accepted, %lld rejected with a line or JSON path", executions, accepted, withLine);
        QVERIFY(accepted > 0);
        QVERIFY(withLine > 0);
    }
};

QTEST_GUILESS_MAIN(tst_FormatFuzz)
#include "tst_formatfuzz.moc"
