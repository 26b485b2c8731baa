// SPDX-License-Identifier: GPL-3.0-or-later
// Every format round-trips: export, import, and the labels come back with
// the precision the format carries; exporting the imported labels again
// gives the same bytes where the format keeps everything it writes.
#include "engine/formats/labelexporter.h"
#include "engine/formats/labelimporter.h"
#include "engine/formats/presenttags.h"

#include "../fuzz/formatsamples.h"
#include "testsupport.h"

#include <QTest>

using namespace taglane::engine;
using taglane::tests::sampleLabels;

namespace {

const TrackLabels &only(const Result<ImportedFile> &r)
{
    return r->tracks.front();
}

int tagIndex(const TrackLabels &labels, const QString &name)
{
    return labels.tags.indexOf(name);
}

bool sameSegments(const TrackLabels &a, const TrackLabels &b, double tolerance)
{
    if (a.segments.size() != b.segments.size())
        return false;
    for (int s = 0; s < a.segments.size(); ++s)
        if (std::abs(a.segments.at(s).start - b.segments.at(s).start) > tolerance
            || std::abs(a.segments.at(s).end - b.segments.at(s).end) > tolerance)
            return false;
    return true;
}

Result<ImportedFile> roundTrip(const TrackLabels &labels, LabelFormat format, const LabelExporter::Options &options,
                               const QString &name, const ImportOptions &importOptions = {})
{
    return LabelImporter::parse(LabelExporter::toBytes(labels, format, options), name, format, importOptions);
}

} // namespace

class tst_FormatRoundTrip : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cal500Soft()
    {
        const TrackLabels in = sampleLabels();
        const auto r = roundTrip(in, LabelFormat::Cal500Exp, {}, QStringLiteral("/x/Song.csv"));
        QVERIFY2(r.ok(), qPrintable(r.error()));
        const TrackLabels &out = only(r);
        QCOMPARE(out.file, QStringLiteral("Song"));
        QVERIFY(sameSegments(in, out, 0.0));   // exact: shortest round-trip decimals
        QCOMPARE(out.tags.names(), in.tags.names());
        QCOMPARE(out.modelVersion, QStringLiteral("import"));
        for (int s = 0; s < in.segments.size(); ++s) {
            for (int t = 0; t < in.tags.size(); ++t) {
                const LabelCell &a = in.cell(s, t);
                const LabelCell &b = out.cell(s, t);
                if (a.verdict != Verdict::Unknown) {
                    QCOMPARE(b.verdict, a.verdict);
                    QVERIFY(!b.hasProbability());
                } else if (a.hasProbability()) {
                    QCOMPARE(b.verdict, Verdict::Unknown);
                    QCOMPARE(b.probability, a.probability);   // 9 significant digits: exact for a float
                } else {
                    QCOMPARE(b.verdict, Verdict::Unknown);
                    QVERIFY(!b.hasProbability());
                }
            }
        }
        // Exported again: the same bytes.
        QCOMPARE(LabelExporter::toBytes(out, LabelFormat::Cal500Exp, {}), LabelExporter::toBytes(in, LabelFormat::Cal500Exp, {}));
    }

    void cal500Hard()
    {
        const TrackLabels in = sampleLabels();
        LabelExporter::Options hard;
        hard.cal500Hard = true;
        const auto r = roundTrip(in, LabelFormat::Cal500Exp, hard, QStringLiteral("Song.csv"));
        QVERIFY2(r.ok(), qPrintable(r.error()));
        const TrackLabels &out = only(r);
        QVERIFY(out.modelVersion.isEmpty());
        for (int s = 0; s < in.segments.size(); ++s)
            for (int t = 0; t < in.tags.size(); ++t) {
                const LabelCell &a = in.cell(s, t);
                const LabelCell &b = out.cell(s, t);
                if (a.verdict == Verdict::Unknown && !a.hasProbability()) {
                    QCOMPARE(b.verdict, Verdict::Unknown);
                    continue;
                }
                QCOMPARE(b.verdict == Verdict::Present, PresentTags::isPresent(a, 0.5f));
                QVERIFY(b.verdict != Verdict::Unknown);
            }
        // Soft values read as hard: >= 0.5 present.
        ImportOptions asHard;
        asHard.cal500Values = ImportOptions::Cal500Values::Hard;
        const auto h = roundTrip(in, LabelFormat::Cal500Exp, {}, QStringLiteral("Song.csv"), asHard);
        QVERIFY(h.ok());
        QCOMPARE(only(h).cell(2, 3).verdict, Verdict::Present);   // 0.51
        QCOMPARE(only(h).cell(2, 1).verdict, Verdict::Absent);    // 0.45
        // Everything as probabilities.
        ImportOptions asSoft;
        asSoft.cal500Values = ImportOptions::Cal500Values::Soft;
        asSoft.modelVersion = QStringLiteral("cal500exp-soft");
        const auto s = roundTrip(in, LabelFormat::Cal500Exp, {}, QStringLiteral("Song.csv"), asSoft);
        QVERIFY(s.ok());
        QCOMPARE(only(s).cell(1, 2).probability, 1.0f);   // the curator's present
        QCOMPARE(only(s).cell(1, 2).verdict, Verdict::Unknown);
        QCOMPARE(only(s).modelVersion, QStringLiteral("cal500exp-soft"));
    }

    void catalogue()
    {
        TrackLabels second = sampleLabels(QStringLiteral("=cmd|' /C calc'!A0.wav"));
        second.modelVersion = QStringLiteral("v2");
        const QVector<TrackLabels> in{sampleLabels(), second};
        const QByteArray bytes = CatalogueCsvWriter_bytes(in);
        const auto r = LabelImporter::parse(bytes, QStringLiteral("catalogue.csv"), LabelFormat::Catalogue);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->tracks.size(), 2);
        for (int k = 0; k < 2; ++k) {
            const TrackLabels &a = in.at(k);
            const TrackLabels &b = r->tracks.at(k);
            QCOMPARE(b.file, a.file);   // formula escaping undone, quoting undone
            QVERIFY(sameSegments(a, b, 0.0));
            QCOMPARE(b.tags.names(), a.tags.names());
            QCOMPARE(b.modelVersion, a.modelVersion);
            QCOMPARE(b.modelTime, a.modelTime);
            for (int s = 0; s < a.segments.size(); ++s)
                for (int t = 0; t < a.tags.size(); ++t) {
                    const LabelCell &x = a.cell(s, t);
                    const LabelCell &y = b.cell(s, t);
                    QCOMPARE(y.verdict, x.verdict);
                    if (x.verdict != Verdict::Unknown) {
                        QCOMPARE(y.curator, x.curator);
                        QCOMPARE(y.modified, x.modified);
                    } else if (x.hasProbability()) {
                        QCOMPARE(y.probability, x.probability);
                    } else {
                        QVERIFY(!y.hasProbability());
                    }
                }
        }
        QCOMPARE(CatalogueCsvWriter_bytes(r->tracks), bytes);
    }

    void jams()
    {
        const TrackLabels in = sampleLabels();
        LabelExporter::Options options;
        options.curatorName = QStringLiteral("ana");
        const auto r = roundTrip(in, LabelFormat::Jams, options, QStringLiteral("Song.jams"));
        QVERIFY2(r.ok(), qPrintable(r.error()));
        const TrackLabels &out = only(r);
        QCOMPARE(out.file, in.file);
        QCOMPARE(out.title, in.title);
        QCOMPARE(out.artist, in.artist);
        QCOMPARE(out.durationSeconds, in.durationSeconds);
        QCOMPARE(out.modelVersion, in.modelVersion);
        QVERIFY(sameSegments(in, out, 0.0));
        QCOMPARE(out.tags.names(), in.tags.names());
        for (int s = 0; s < in.segments.size(); ++s)
            for (int t = 0; t < in.tags.size(); ++t) {
                const LabelCell &a = in.cell(s, t);
                const LabelCell &b = out.cell(s, t);
                QCOMPARE(b.verdict, a.verdict);
                QCOMPARE(b.hasProbability(), a.hasProbability());
                if (a.hasProbability())
                    QCOMPARE(b.probability, a.probability);
                if (a.verdict != Verdict::Unknown)
                    QCOMPARE(b.curator, QStringLiteral("ana"));
            }
        QCOMPARE(LabelExporter::toBytes(out, LabelFormat::Jams, options), LabelExporter::toBytes(in, LabelFormat::Jams, options));
    }

    void presentListFormats_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("audacity") << int(LabelFormat::Audacity);
        QTest::newRow("sv") << int(LabelFormat::SonicVisualiser);
    }

    void presentListFormats()
    {
        QFETCH(int, format);
        const auto f = LabelFormat(format);
        const TrackLabels in = sampleLabels();
        const auto r = roundTrip(in, f, {}, QStringLiteral("Song") + LabelFormats::suffix(f));
        QVERIFY2(r.ok(), qPrintable(r.error()));
        const TrackLabels &out = only(r);
        QCOMPARE(out.file, QStringLiteral("Song"));
        // SV writes durations: end = time + duration, exact to rounding.
        QVERIFY(sameSegments(in, out, 1e-9));
        for (int s = 0; s < in.segments.size(); ++s)
            for (int t = 0; t < in.tags.size(); ++t) {
                const LabelCell &a = in.cell(s, t);
                const bool present = PresentTags::isPresent(a, 0.5f);
                const int u = tagIndex(out, in.tags.at(t).name);
                QVERIFY2(u >= 0, qPrintable(in.tags.at(t).name));   // every sample tag is present somewhere
                const LabelCell &b = out.cell(s, u);
                QCOMPARE(PresentTags::isPresent(b, 0.5f), present);
                if (!present) {
                    QCOMPARE(b.verdict, Verdict::Absent);   // unlisted: absent
                } else if (f == LabelFormat::SonicVisualiser && a.verdict == Verdict::Unknown) {
                    QCOMPARE(b.probability, a.probability);   // SV carries the probability
                    QCOMPARE(b.verdict, Verdict::Unknown);
                } else {
                    QCOMPARE(b.verdict, Verdict::Present);
                }
            }
        // With unlisted = unknown, absent cells stay unknown.
        ImportOptions unknown;
        unknown.unlistedAbsent = false;
        const auto u = roundTrip(in, f, {}, QStringLiteral("Song.txt"), unknown);
        QVERIFY(u.ok());
        int absent = 0;
        for (const LabelCell &c : only(u).cells)
            absent += c.verdict == Verdict::Absent;
        QCOMPARE(absent, 0);
    }

    void writtenFilesRoundTrip()
    {
        // Through the disk, as the CLI does: write() then read().
        const QString dir = taglane::tests::tempDir(QStringLiteral("formatroundtrip-files"));
        for (const QString &name : LabelFormats::names()) {
            const LabelFormat f = LabelFormats::parse(name).value();
            const auto written = LabelExporter::write(dir + QLatin1Char('/') + name, f, {sampleLabels()}, {});
            QVERIFY2(written.ok(), qPrintable(written.error()));
            QCOMPARE(written->size(), 1);
            const auto r = LabelImporter::read(written->front(), f);
            QVERIFY2(r.ok(), qPrintable(r.error()));
            QCOMPARE(r->tracks.size(), 1);
            QCOMPARE(r->tracks.front().segments.size(), 4);
            QCOMPARE(QFileInfo(written->front()).fileName(),
                     f == LabelFormat::Catalogue ? QStringLiteral("catalogue.csv")
                                                 : QStringLiteral("Song, \"one\"") + LabelFormats::suffix(f));
        }
    }

private:
    static QByteArray CatalogueCsvWriter_bytes(const QVector<TrackLabels> &tracks)
    {
        QByteArray out;
        const QString dir = taglane::tests::tempDir(QStringLiteral("formatroundtrip-catalogue"));
        const auto written = LabelExporter::write(dir, LabelFormat::Catalogue, tracks, {});
        if (!written)
            return out;
        QFile f(written->front());
        if (f.open(QIODevice::ReadOnly))
            out = f.readAll();
        return out;
    }
};

QTEST_GUILESS_MAIN(tst_FormatRoundTrip)
#include "tst_formatroundtrip.moc"
