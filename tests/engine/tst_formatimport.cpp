// SPDX-License-Identifier: GPL-3.0-or-later
// Importers: files written by hand (not by our writers), malformed files
// rejected whole with file + line + reason, RFC 4180 reading, formula
// un-escaping, and the store glue.
#include "engine/formats/labelimporter.h"
#include "engine/formats/storelabels.h"
#include "engine/store/annotationstore.h"

#include "testsupport.h"

#include <QFile>
#include <QTest>

#include <cmath>

using namespace taglane::engine;

namespace {

/// A mono 16-bit PCM WAV of `seconds` of a quiet tone, written by hand.
void writeWav(const QString &path, double seconds, int rate = 8000)
{
    const auto frames = quint32(seconds * rate);
    QByteArray data;
    for (quint32 i = 0; i < frames; ++i) {
        const auto v = qint16(1000.0 * std::sin(2.0 * M_PI * 440.0 * i / rate));
        data.append(char(v & 0xff)).append(char((v >> 8) & 0xff));
    }
    auto u32 = [](quint32 v) { QByteArray b(4, 0); for (int i = 0; i < 4; ++i) b[i] = char((v >> (8 * i)) & 0xff); return b; };
    auto u16 = [](quint16 v) { QByteArray b(2, 0); b[0] = char(v & 0xff); b[1] = char(v >> 8); return b; };
    QByteArray wav = "RIFF" + u32(36 + quint32(data.size())) + "WAVEfmt " + u32(16) + u16(1) + u16(1) + u32(quint32(rate))
                     + u32(quint32(rate) * 2) + u16(2) + u16(16) + "data" + u32(quint32(data.size())) + data;
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(wav);
}

void writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

} // namespace

class tst_FormatImport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void malformed_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");   // a substring of the message, after "<name>, "
        const int cal = int(LabelFormat::Cal500Exp), cat = int(LabelFormat::Catalogue), jams = int(LabelFormat::Jams),
                  aud = int(LabelFormat::Audacity), sv = int(LabelFormat::SonicVisualiser);
        const QByteArray h = "Start_Time,End_Time,Emotion-Happy,Genre-Rock\n";
        QTest::newRow("cal500 end before start") << cal << "labels.csv"
            << h + "0,3,1,0\n3,6,0,1\n6,9,1,1\n9,12,0,0\n12,14,1,0\n14.0,12.5,0,1\n"
            << "line 7: End_Time 12.5 is before Start_Time 14";
        QTest::newRow("cal500 header") << cal << "a.csv" << QByteArray("Begin,End,x\n0,3,1\n") << "line 1: the header must start";
        QTest::newRow("cal500 field count") << cal << "a.csv" << h + "0,3,1\n" << "line 2: the row has 3 fields";
        QTest::newRow("cal500 value range") << cal << "a.csv" << h + "0,3,1.5,0\n" << "line 2: the value \"1.5\"";
        QTest::newRow("cal500 nan") << cal << "a.csv" << h + "0,3,1,0\n3,nan,0,0\n" << "line 3: End_Time \"nan\" is not a number";
        QTest::newRow("cal500 overlap") << cal << "a.csv" << h + "0,5,1,0\n4,8,0,0\n" << "line 3: the segment 4-8 s overlaps";
        QTest::newRow("cal500 duplicate tag") << cal << "a.csv" << QByteArray("Start_Time,End_Time,a,a\n") << "line 1: the tag \"a\" appears twice";
        QTest::newRow("cal500 open quote") << cal << "a.csv" << h + "0,3,1,0\n\"3,6,0,0\n" << "line 3: a quoted field is never closed";
        QTest::newRow("cal500 bad utf8") << cal << "a.csv" << h + "0,3,1,0\n3,6,\xff,0\n" << "line 3: the text is not valid UTF-8";
        QTest::newRow("cal500 empty") << cal << "a.csv" << QByteArray() << "a.csv is empty";
        QTest::newRow("cal500 negative") << cal << "a.csv" << h + "-1,3,1,0\n" << "line 2: Start_Time -1 is negative";
        QTest::newRow("cal500 huge") << cal << "a.csv" << h + "0,1e300,1,0\n" << "line 2: End_Time 1e+300 is implausibly large";
        const QByteArray ch = "file,start,end,tag,value,source,confidence,curator,modified\r\n";
        QTest::newRow("catalogue column") << cat << "cat.csv" << QByteArray("file,start,end,value\n") << "line 1: the header has no \"tag\" column";
        QTest::newRow("catalogue source") << cat << "cat.csv" << ch + "a.wav,0,3,x,1,robot,1,,\r\n" << "line 2: source \"robot\"";
        QTest::newRow("catalogue value") << cat << "cat.csv" << ch + "a.wav,0,3,x,2,curator,1,,\r\n" << "line 2: value \"2\" must be 0 or 1";
        QTest::newRow("catalogue versions") << cat << "cat.csv"
            << ch + "a.wav,0,3,x,1,model:v1,0.9,,\r\na.wav,0,3,y,0,model:v2,0.1,,\r\n" << "line 3: a.wav has predictions of two model versions";
        QTest::newRow("catalogue date") << cat << "cat.csv" << ch + "a.wav,0,3,x,1,curator,1,ana,yesterday\r\n" << "line 2: modified \"yesterday\"";
        QTest::newRow("catalogue duplicate") << cat << "cat.csv"
            << ch + "a.wav,0,3,x,1,curator,1,ana,\r\na.wav,0,3,x,0,curator,1,bo,\r\n" << "line 3: a second curator row";
        // A quoted line break in row 2 moves row 3 to line 4.
        QTest::newRow("catalogue line after quoted break") << cat << "cat.csv"
            << ch + "\"a\nb.wav\",0,3,x,1,curator,1,,\r\na.wav,5,4,x,1,curator,1,,\r\n" << "line 4: end 4 is before start 5";
        QTest::newRow("jams syntax") << jams << "t.jams" << QByteArray("{\n  \"annotations\": [\n    {,}\n  ]\n}\n") << "line 3: JSON syntax error";
        QTest::newRow("jams no annotations") << jams << "t.jams" << QByteArray("{\"file_metadata\": {}}") << "annotations: missing";
        QTest::newRow("jams observation") << jams << "t.jams"
            << QByteArray("{\"annotations\": [{\"namespace\": \"tag_open\", \"data\": [{\"time\": 0, \"duration\": -2, \"value\": \"x\"}]}]}")
            << "annotations[0].data[0]: duration -2 is not positive";
        QTest::newRow("jams no tag_open") << jams << "t.jams" << QByteArray("{\"annotations\": [{\"namespace\": \"beat\", \"data\": []}]}")
            << "no tag_open annotation";
        QTest::newRow("audacity tabs") << aud << "l.txt" << QByteArray("0\t3\tPiano\n3 6 Voice\n") << "line 2: expected start<TAB>end<TAB>title";
        QTest::newRow("audacity reversed") << aud << "l.txt" << QByteArray("0\t3\tPiano\n\\\t100\t200\n9\t6\tVoice\n") << "line 3: end 6 is before start 9";
        QTest::newRow("audacity overlap") << aud << "l.txt" << QByteArray("5\t9\tA\n0\t6\tB\n") << "line 2: the segment 0-6 s overlaps the segment 5-9 s of line 1";
        QTest::newRow("audacity only points") << aud << "l.txt" << QByteArray("1\t1\tbeat\n") << "l.txt holds no segments";
        QTest::newRow("sv fields") << sv << "r.csv" << QByteArray("0,1,3,Piano\n3,1\n") << "line 2: expected time,value,duration,label";
        QTest::newRow("sv duration") << sv << "r.csv" << QByteArray("time,value,duration,label\n0,1,-3,Piano\n") << "line 2: duration -3 is negative";
    }

    void malformed()
    {
        QFETCH(int, format);
        QFETCH(QString, name);
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        const auto r = LabelImporter::parse(text, name, LabelFormat(format));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().startsWith(name), qPrintable(r.error()));
        QVERIFY2(r.error().contains(expected), qPrintable(r.error()));
        // Through a file: the message names the path given.
        const QString dir = taglane::tests::tempDir(QStringLiteral("formatimport-malformed"));
        writeText(dir + QLatin1Char('/') + name, text);
        const auto fromFile = LabelImporter::read(dir + QLatin1Char('/') + name, LabelFormat(format));
        QVERIFY(!fromFile.ok());
        QVERIFY2(fromFile.error().contains(dir + QLatin1Char('/') + name), qPrintable(fromFile.error()));
    }

    void missingFile()
    {
        const auto r = LabelImporter::read(QStringLiteral("/no/such/labels.csv"), LabelFormat::Cal500Exp);
        QVERIFY(!r.ok());
        QVERIFY(r.error().contains(QStringLiteral("/no/such/labels.csv")));
    }

    void cal500ByHand()
    {
        // As CAL500exp ships it: BOM, CRLF, hard labels, a tag with '/'.
        const QByteArray text = "\xef\xbb\xbfStart_Time,End_Time,Emotion-Angry_/_Aggressive,Instrument_-_Piano\r\n"
                                "0.000,4.500,1,0\r\n4.500,12.250,0,1\r\n\r\n12.250,20.000,,0.25\r\n";
        const auto r = LabelImporter::parse(text, QStringLiteral("/data/SegLabelHard/Artist-Song.csv"), LabelFormat::Cal500Exp);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        const TrackLabels &t = r->tracks.front();
        QCOMPARE(t.file, QStringLiteral("Artist-Song"));
        QCOMPARE(t.segments.size(), 3);
        QCOMPARE(t.segments.at(1).start, 4.5);
        QCOMPARE(t.segments.at(2).end, 20.0);
        QCOMPARE(t.durationSeconds, 20.0);
        QCOMPARE(t.tags.at(0).name, QStringLiteral("Emotion-Angry_/_Aggressive"));
        QCOMPARE(t.tags.at(0).category, QStringLiteral("Emotion"));
        QCOMPARE(t.cell(0, 0).verdict, Verdict::Present);
        QCOMPARE(t.cell(0, 1).verdict, Verdict::Absent);
        QCOMPARE(t.cell(2, 0).verdict, Verdict::Unknown);
        QVERIFY(!t.cell(2, 0).hasProbability());
        QCOMPARE(t.cell(2, 1).probability, 0.25f);
        QCOMPARE(t.modelVersion, QStringLiteral("import"));
    }

    void catalogueRfc4180AndFormulas()
    {
        // Written by hand as a spreadsheet would: quoted fields with commas,
        // doubled quotes and a line break; defused formulas.
        const QByteArray text =
            "file,start,end,tag,value,source,confidence,curator,modified\r\n"
            "\"Song, \"\"live\"\"\nversion.wav\",0,3.5,'=SUM(A1),1,curator,1,\"Doe, Jane\",2026-03-04T05:06:07Z\r\n"
            "\"Song, \"\"live\"\"\nversion.wav\",0,3.5,'hello,0,model:v9,0.125,,2026-03-01T00:00:00Z\r\n"
            "'-dash.wav,1,2,'@tag,0,curator,1,'+bob,\r\n";
        const auto r = LabelImporter::parse(text, QStringLiteral("cat.csv"), LabelFormat::Catalogue);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->tracks.size(), 2);
        const TrackLabels &a = r->tracks.at(0);
        QCOMPARE(a.file, QStringLiteral("Song, \"live\"\nversion.wav"));
        QCOMPARE(a.tags.names(), (QStringList{QStringLiteral("=SUM(A1)"), QStringLiteral("'hello")}));   // only formula guards come off
        QCOMPARE(a.cell(0, 0).verdict, Verdict::Present);
        QCOMPARE(a.cell(0, 0).curator, QStringLiteral("Doe, Jane"));
        QCOMPARE(a.cell(0, 0).modified, QDateTime(QDate(2026, 3, 4), QTime(5, 6, 7), Qt::UTC));
        QCOMPARE(a.cell(0, 1).probability, 0.125f);
        QCOMPARE(a.modelVersion, QStringLiteral("v9"));
        QCOMPARE(a.modelTime, QDateTime(QDate(2026, 3, 1), QTime(0, 0), Qt::UTC));
        const TrackLabels &b = r->tracks.at(1);
        QCOMPARE(b.file, QStringLiteral("-dash.wav"));
        QCOMPARE(b.tags.at(0).name, QStringLiteral("@tag"));
        QCOMPARE(b.cell(0, 0).verdict, Verdict::Absent);
        QCOMPARE(b.cell(0, 0).curator, QStringLiteral("+bob"));
    }

    void foreignJams()
    {
        // tag_open without Taglane's sandbox, column-form data, a second
        // namespace that is skipped.
        const QByteArray text = R"({
          "file_metadata": {"title": "T", "artist": "A", "duration": 30.0},
          "annotations": [
            {"namespace": "beat", "data": []},
            {"namespace": "tag_open", "annotation_metadata": {"data_source": "curator", "curator": {"name": "zoe"}},
             "data": [{"time": 0.0, "duration": 10.0, "value": "piano", "confidence": null},
                      {"time": 10.0, "duration": 5.0, "value": "voice", "confidence": null}]},
            {"namespace": "tag_open", "annotation_metadata": {"data_source": "model:m3"},
             "data": {"time": [0.0], "duration": [10.0], "value": ["voice"], "confidence": [0.625]}}
          ]})";
        const auto r = LabelImporter::parse(text, QStringLiteral("/x/track.jams"), LabelFormat::Jams);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->warnings.size(), 1);
        const TrackLabels &t = r->tracks.front();
        QCOMPARE(t.file, QStringLiteral("track"));
        QCOMPARE(t.durationSeconds, 30.0);
        QCOMPARE(t.title, QStringLiteral("T"));
        QCOMPARE(t.segments.size(), 2);
        QCOMPARE(t.modelVersion, QStringLiteral("m3"));
        const int piano = t.tags.indexOf(QStringLiteral("piano")), voice = t.tags.indexOf(QStringLiteral("voice"));
        QCOMPARE(t.cell(0, piano).verdict, Verdict::Present);
        QCOMPARE(t.cell(0, piano).curator, QStringLiteral("zoe"));
        QCOMPARE(t.cell(0, voice).probability, 0.625f);
        QCOMPARE(t.cell(1, voice).verdict, Verdict::Present);
        QCOMPARE(t.cell(1, piano).verdict, Verdict::Unknown);
    }

    void audacityByHand()
    {
        // Unsorted, CRLF, a frequency line, a point label, a region without title.
        const QByteArray text = "10\t20\tVoice;Piano\r\n\\\t220.000000\t4400.000000\r\n0\t4.5\t Piano \r\n"
                                "7\t7\tbeat\r\n4.5\t10\t\r\n";
        const auto r = LabelImporter::parse(text, QStringLiteral("labels.txt"), LabelFormat::Audacity);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->warnings.size(), 1);
        QVERIFY(r->warnings.front().contains(QStringLiteral("line 4")));
        const TrackLabels &t = r->tracks.front();
        QCOMPARE(t.segments.size(), 3);
        QCOMPARE(t.segments.at(0).end, 4.5);
        QCOMPARE(t.segments.at(2).start, 10.0);
        QCOMPARE(t.tags.names(), (QStringList{QStringLiteral("Voice"), QStringLiteral("Piano")}));
        QCOMPARE(t.cell(0, 1).verdict, Verdict::Present);
        QCOMPARE(t.cell(0, 0).verdict, Verdict::Absent);
        QCOMPARE(t.cell(1, 0).verdict, Verdict::Absent);
        QCOMPARE(t.cell(1, 1).verdict, Verdict::Absent);
        QCOMPARE(t.cell(2, 0).verdict, Verdict::Present);
    }

    void svByHand()
    {
        const QByteArray text = "time,value,duration,label\n0.000000000,1,5.000000000,Piano\n0,0.75,5,Voice\n5,1,5,\"Guitar, electric\"\n8,1,0,instant\n";
        const auto r = LabelImporter::parse(text, QStringLiteral("layer.sv.csv"), LabelFormat::SonicVisualiser);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        const TrackLabels &t = r->tracks.front();
        QCOMPARE(t.file, QStringLiteral("layer"));
        QCOMPARE(t.segments.size(), 2);
        QCOMPARE(t.tags.size(), 3);
        QCOMPARE(t.cell(0, 0).verdict, Verdict::Present);
        QCOMPARE(t.cell(0, 1).probability, 0.75f);
        QCOMPARE(t.cell(0, 1).verdict, Verdict::Unknown);
        QCOMPARE(t.cell(1, 2).verdict, Verdict::Present);
        QCOMPARE(t.tags.at(2).name, QStringLiteral("Guitar, electric"));
        QCOMPARE(t.cell(1, 0).verdict, Verdict::Absent);
        QCOMPARE(r->warnings.size(), 1);
        // Without a header line the first row is data.
        const auto noHeader = LabelImporter::parse("0,1,5,Piano\n", QStringLiteral("x.csv"), LabelFormat::SonicVisualiser);
        QVERIFY(noHeader.ok());
        QCOMPARE(noHeader->tracks.front().segments.size(), 1);
    }

    void storeImportAndExport()
    {
        const QString dir = taglane::tests::tempDir(QStringLiteral("formatimport-store"));
        writeWav(dir + QStringLiteral("/alpha.wav"), 12.0);
        writeWav(dir + QStringLiteral("/beta.wav"), 9.0);
        const QByteArray alpha = "Start_Time,End_Time,Emotion-Happy,Genre-Rock\n0,4,1,0\n4,8,0.25,1\n8,12,,0\n";
        const QByteArray beta = "Start_Time,End_Time,Genre-Rock,Instrument_-_Piano\n0,4.5,1,0.75\n4.5,9,0,1\n";
        QVector<StoreImportItem> items;
        for (const auto &[name, text] : {std::pair{QStringLiteral("alpha.csv"), alpha}, std::pair{QStringLiteral("beta.csv"), beta}}) {
            const auto parsed = LabelImporter::parse(text, dir + QLatin1Char('/') + name, LabelFormat::Cal500Exp);
            QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
            const auto item = StoreLabels::resolve(parsed->tracks.front(), dir, name);
            QVERIFY2(item.ok(), qPrintable(item.error()));
            QVERIFY(item->audioPath.endsWith(QFileInfo(name).completeBaseName() + QStringLiteral(".wav")));
            QVERIFY(std::abs(item->durationSeconds - (name.startsWith(QLatin1Char('a')) ? 12.0 : 9.0)) < 1e-3);
            items << item.value();
        }
        // No audio: a clear error naming the label file.
        const auto missing = StoreLabels::resolve(items.front().labels, dir + QStringLiteral("/nowhere"), QStringLiteral("gamma.csv"));
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().contains(QStringLiteral("gamma.csv")));

        AnnotationStore store;
        QVERIFY(store.open(dir + QStringLiteral("/store.db")).ok());
        const auto ids = StoreLabels::importItems(store, items);
        QVERIFY2(ids.ok(), qPrintable(ids.error()));
        QCOMPARE(ids->size(), 2);
        QCOMPARE(store.vocabulary().names(), (QStringList{QStringLiteral("Emotion-Happy"), QStringLiteral("Genre-Rock"),
                                                          QStringLiteral("Instrument_-_Piano")}));
        const auto selected = StoreLabels::selectTracks(store, {QStringLiteral("beta")});
        QVERIFY(selected.ok());
        QCOMPARE(selected->front(), ids->at(1));
        QVERIFY(!StoreLabels::selectTracks(store, {QStringLiteral("nope")}).ok());
        QCOMPARE(StoreLabels::selectTracks(store, {})->size(), 2);

        const auto a = StoreLabels::exportTrack(store, ids->at(0));
        QVERIFY2(a.ok(), qPrintable(a.error()));
        QCOMPARE(a->segments.size(), 3);
        QCOMPARE(a->segments.at(2).end, 12.0);
        const int happy = a->tags.indexOf(QStringLiteral("Emotion-Happy")), rock = a->tags.indexOf(QStringLiteral("Genre-Rock"));
        QCOMPARE(a->cell(0, happy).verdict, Verdict::Present);
        QCOMPARE(a->cell(0, rock).verdict, Verdict::Absent);
        QCOMPARE(a->cell(1, happy).probability, 0.25f);
        QCOMPARE(a->cell(1, happy).verdict, Verdict::Unknown);
        QCOMPARE(a->cell(2, happy).verdict, Verdict::Unknown);
        QVERIFY(!a->cell(2, happy).hasProbability());
        const auto b = StoreLabels::exportTrack(store, ids->at(1));
        QVERIFY(b.ok());
        QCOMPARE(b->cell(0, b->tags.indexOf(QStringLiteral("Instrument_-_Piano"))).probability, 0.75f);
        QCOMPARE(b->modelVersion, QStringLiteral("import"));
        // Re-importing the same track adds it once and replaces its segmentation.
        const auto again = StoreLabels::importItems(store, {items.at(1)});
        QVERIFY(again.ok());
        QCOMPARE(again->front(), ids->at(1));
        QCOMPARE(store.librarySummary()->size(), 2);
    }
};

QTEST_GUILESS_MAIN(tst_FormatImport)
#include "tst_formatimport.moc"
