// SPDX-License-Identifier: GPL-3.0-or-later
// Data integrity of the exchange formats: label files find their own audio
// (stems with dots), a JAMS file's edited observations win over Taglane's
// sandbox copy and absent verdicts survive a round trip, tag names a
// spreadsheet would run are escaped everywhere and read back, impossible
// times are rejected by import and train alike, and an oversized file is
// rejected as soon as it crosses the limit.
#include "engine/corpus/labelledaudiofolder.h"
#include "engine/formats/cal500csvwriter.h"
#include "engine/formats/csvreader.h"
#include "engine/formats/labelexporter.h"
#include "engine/formats/labelimporter.h"
#include "engine/formats/storelabels.h"

#include "../fuzz/formatsamples.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>

using namespace taglane::engine;

namespace {

/// A mono 16-bit PCM WAV of `seconds` of silence, written by hand.
void writeWav(const QString &path, double seconds, int rate = 8000)
{
    const auto frames = quint32(std::llround(seconds * rate));
    const QByteArray data(int(frames) * 2, '\0');
    auto u32 = [](quint32 v) { QByteArray b(4, 0); for (int i = 0; i < 4; ++i) b[i] = char((v >> (8 * i)) & 0xff); return b; };
    auto u16 = [](quint16 v) { QByteArray b(2, 0); b[0] = char(v & 0xff); b[1] = char(v >> 8); return b; };
    const QByteArray wav = "RIFF" + u32(36 + quint32(data.size())) + "WAVEfmt " + u32(16) + u16(1) + u16(1)
                           + u32(quint32(rate)) + u32(quint32(rate) * 2) + u16(2) + u16(16) + "data"
                           + u32(quint32(data.size())) + data;
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

/// Two segments x two tags, every cell judged (one absent per segment).
TrackLabels smallLabels(const QString &file, double end = 8.0)
{
    const auto segs = Segmentation::fromSegments({{1, 0.0, end / 2}, {2, end / 2, end}});
    TrackLabels labels = TrackLabels::fromProbabilities(file, end, segs.value(),
                                                        Vocabulary::fromNames({QStringLiteral("Piano"), QStringLiteral("Voice")}),
                                                        {{0.9f, 0.2f}, {0.3f, 0.8f}}, QStringLiteral("m1"));
    labels.cell(0, 0).verdict = Verdict::Present;
    labels.cell(0, 1).verdict = Verdict::Absent;
    labels.cell(1, 0).verdict = Verdict::Absent;
    labels.cell(1, 1).verdict = Verdict::Present;
    return labels;
}

QJsonObject jamsOf(const TrackLabels &labels)
{
    LabelExporter::Options options;
    options.curatorName = QStringLiteral("ana");
    return QJsonDocument::fromJson(LabelExporter::toBytes(labels, LabelFormat::Jams, options)).object();
}

QByteArray bytesOf(const QJsonObject &o)
{
    return QJsonDocument(o).toJson();
}

/// The annotation of a JAMS object whose data_source starts with `source`.
int annotationIndex(const QJsonObject &jams, const QString &source)
{
    const QJsonArray a = jams.value(QStringLiteral("annotations")).toArray();
    for (int i = 0; i < a.size(); ++i)
        if (a.at(i)[QStringLiteral("annotation_metadata")][QStringLiteral("data_source")].toString().startsWith(source))
            return i;
    return -1;
}

bool startsLikeFormula(const QString &cell)
{
    return !cell.isEmpty()
           && (cell.front() == QLatin1Char('=') || cell.front() == QLatin1Char('+') || cell.front() == QLatin1Char('-')
               || cell.front() == QLatin1Char('@') || cell.front() == QLatin1Char('\t') || cell.front() == QLatin1Char('\r'));
}

} // namespace

class tst_FormatIntegrity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stemsWithDotsFindTheirOwnAudio();
    void everyPerTrackFormatFindsDottedStems();
    void ambiguousAudioIsAnErrorNamingTheCandidates();
    void segmentsPastTheAudioAreRejectedOnImport();
    void trainRejectsWhatImportRejects();
    void trainSkipsLabelsLongerThanTheAudio();
    void jamsEditedObservationsWinOverTheSandbox();
    void jamsEditedConfidenceWinsOverTheSandbox();
    void jamsSandboxWithDuplicateTagsIsRejected();
    void jamsAbsentVerdictsRoundTrip();
    void formulaTagNamesAreEscapedEverywhere();
    void apostropheTagNamesRoundTrip();
    void oversizedFileIsRejectedWhereItCrossesTheLimit();
};

void tst_FormatIntegrity::stemsWithDotsFindTheirOwnAudio()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("formatintegrity-dots"));
    for (const char *name : {"take.wav", "take.1.wav", "take.2.wav", "sad.16k.wav"})
        writeWav(QDir(dir).filePath(QLatin1String(name)), 9.0);
    const QByteArray csv = "Start_Time,End_Time,Piano\n0,4,1\n4,8,0\n";
    for (const char *stem : {"take", "take.1", "take.2", "sad.16k"}) {
        const QString path = QDir(dir).filePath(QLatin1String(stem) + QStringLiteral(".csv"));
        writeText(path, csv);
        const auto parsed = LabelImporter::read(path, LabelFormat::Cal500Exp);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        const auto item = StoreLabels::resolve(parsed->tracks.front(), dir, path);
        QVERIFY2(item.ok(), qPrintable(item.error()));
        QCOMPARE(QFileInfo(item->audioPath).fileName(), QLatin1String(stem) + QStringLiteral(".wav"));
    }
    // A catalogue's file column (a path from another machine) finds the same file here.
    TrackLabels moved = smallLabels(QStringLiteral("/elsewhere/take.1.wav"));
    const auto item = StoreLabels::resolve(moved, dir, QStringLiteral("catalogue.csv"));
    QVERIFY2(item.ok(), qPrintable(item.error()));
    QCOMPARE(QFileInfo(item->audioPath).fileName(), QStringLiteral("take.1.wav"));
}

void tst_FormatIntegrity::everyPerTrackFormatFindsDottedStems()
{
    // What `taglane-cli tag` writes for "01. Intro (live).v2.wav" imports back,
    // in every per-track format, next to a decoy with the shorter stem.
    const QString dir = taglane::tests::tempDir(QStringLiteral("formatintegrity-intro"));
    const QString stem = QStringLiteral("01. Intro (live).v2");
    writeWav(QDir(dir).filePath(stem + QStringLiteral(".wav")), 9.0);
    writeWav(QDir(dir).filePath(QStringLiteral("01. Intro (live).wav")), 9.0);
    const TrackLabels labels = smallLabels(stem);
    for (const LabelFormat format : {LabelFormat::Cal500Exp, LabelFormat::Jams, LabelFormat::Audacity,
                                     LabelFormat::SonicVisualiser}) {
        QByteArray bytes = LabelExporter::toBytes(labels, format, {});
        const QString path = QDir(dir).filePath(stem + LabelFormats::suffix(format));
        const auto parsed = LabelImporter::parse(bytes, path, format);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        const auto item = StoreLabels::resolve(parsed->tracks.front(), dir, path);
        QVERIFY2(item.ok(), qPrintable(LabelFormats::name(format) + QStringLiteral(": ") + item.error()));
        QCOMPARE(QFileInfo(item->audioPath).fileName(), stem + QStringLiteral(".wav"));
    }
}

void tst_FormatIntegrity::ambiguousAudioIsAnErrorNamingTheCandidates()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("formatintegrity-ambiguous"));
    writeWav(QDir(dir).filePath(QStringLiteral("take.wav")), 9.0);
    writeWav(QDir(dir).filePath(QStringLiteral("take.1.wav")), 9.0);
    writeWav(QDir(dir).filePath(QStringLiteral("take.1.flac")), 9.0);   // the bytes do not matter: no probe
    const auto item = StoreLabels::resolve(smallLabels(QStringLiteral("take.1")), dir, QStringLiteral("take.1.csv"));
    QVERIFY(!item.ok());
    QVERIFY2(item.error().contains(QStringLiteral("take.1.csv")), qPrintable(item.error()));
    QVERIFY2(item.error().contains(QStringLiteral("take.1.wav")), qPrintable(item.error()));
    QVERIFY2(item.error().contains(QStringLiteral("take.1.flac")), qPrintable(item.error()));
}

void tst_FormatIntegrity::segmentsPastTheAudioAreRejectedOnImport()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("formatintegrity-length"));
    const QString wav = QDir(dir).filePath(QStringLiteral("short.wav"));
    writeWav(wav, 52.7);
    const QString path = QDir(dir).filePath(QStringLiteral("short.csv"));
    writeText(path, "Start_Time,End_Time,Piano\n0,30,1\n500,1000,0\n");
    const auto parsed = LabelImporter::read(path, LabelFormat::Cal500Exp);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error()));   // the reader cannot know the audio
    const auto item = StoreLabels::resolve(parsed->tracks.front(), dir, path);
    QVERIFY(!item.ok());
    QVERIFY2(item.error().contains(path), qPrintable(item.error()));
    QVERIFY2(item.error().contains(QStringLiteral("500-1000")), qPrintable(item.error()));
    QVERIFY2(item.error().contains(wav), qPrintable(item.error()));

    // Rounding in the label file is tolerated: 52.8 s on 52.7 s of audio.
    writeText(path, "Start_Time,End_Time,Piano\n0,30,1\n30,52.8,0\n");
    const auto rounded = LabelImporter::read(path, LabelFormat::Cal500Exp);
    QVERIFY2(rounded.ok(), qPrintable(rounded.error()));
    const auto ok = StoreLabels::resolve(rounded->tracks.front(), dir, path);
    QVERIFY2(ok.ok(), qPrintable(ok.error()));
}

void tst_FormatIntegrity::trainRejectsWhatImportRejects()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("formatintegrity-train"));
    const struct { const char *text; const char *needle; } cases[] = {
        {"Start_Time,End_Time,Piano\n0,1e300,1\n", "implausibly large"},
        {"Start_Time,End_Time,Piano\n0,inf,1\n", "line 2"},
        {"Start_Time,End_Time,Piano\n-1,3,1\n", "negative"},
        {"Start_Time,End_Time,Piano\n3,3,1\n", "empty"},
        {"Start_Time,End_Time,Piano\n0,3,1\n0,3,0\n", "twice"},
    };
    int i = 0;
    for (const auto &c : cases) {
        const QString path = QDir(dir).filePath(QStringLiteral("case%1.csv").arg(i++));
        writeText(path, c.text);
        QVERIFY2(!LabelImporter::read(path, LabelFormat::Cal500Exp).ok(), c.text);
        const auto track = LabelledAudioFolder::readCsv(path);
        QVERIFY2(!track.ok(), c.text);
        QVERIFY2(track.error().contains(path), qPrintable(track.error()));
        QVERIFY2(track.error().contains(QLatin1String(c.needle)), qPrintable(track.error()));
    }
    // And reads RFC 4180 and escaped names the way import does.
    const QString path = QDir(dir).filePath(QStringLiteral("names.csv"));
    writeText(path, "Start_Time,End_Time,\"Genre-Rock, \"\"Hard\"\"\",'=SUM(A1)\n0,3,1,0.25\n");
    const auto track = LabelledAudioFolder::readCsv(path);
    QVERIFY2(track.ok(), qPrintable(track.error()));
    QCOMPARE(track->tags.names(), (QStringList{QStringLiteral("Genre-Rock, \"Hard\""), QStringLiteral("=SUM(A1)")}));
    QCOMPARE(track->value(0, 1), 0.25f);
    QVERIFY(!track->hard);
}

void tst_FormatIntegrity::trainSkipsLabelsLongerThanTheAudio()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("formatintegrity-trainlength"));
    writeWav(QDir(dir).filePath(QStringLiteral("good.wav")), 10.0);
    writeWav(QDir(dir).filePath(QStringLiteral("long.wav")), 10.0);
    writeText(QDir(dir).filePath(QStringLiteral("good.csv")), "Start_Time,End_Time,Piano\n0,5,1\n5,10,0\n");
    const QString longCsv = QDir(dir).filePath(QStringLiteral("long.csv"));
    writeText(longCsv, "Start_Time,End_Time,Piano\n0,5,1\n500,1000,0\n");
    const auto folder = LabelledAudioFolder::read(dir);
    QVERIFY2(folder.ok(), qPrintable(folder.error()));
    QCOMPARE(folder->tracks.size(), 1);
    QCOMPARE(folder->tracks.front().stem, QStringLiteral("good"));
    const QString warnings = folder->warnings.join(QLatin1Char('\n'));
    QVERIFY2(warnings.contains(longCsv) && warnings.contains(QStringLiteral("500-1000")), qPrintable(warnings));
}

void tst_FormatIntegrity::jamsEditedObservationsWinOverTheSandbox()
{
    QJsonObject jams = jamsOf(smallLabels(QStringLiteral("t.wav")));
    {
        // The untouched file: the sandbox agrees, no warning, every cell back.
        const auto r = LabelImporter::parse(bytesOf(jams), QStringLiteral("t.jams"), LabelFormat::Jams);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QVERIFY2(r->warnings.isEmpty(), qPrintable(r->warnings.join(QLatin1Char('\n'))));
        QCOMPARE(r->tracks.front().cell(0, 0).verdict, Verdict::Present);
        QCOMPARE(r->tracks.front().cell(0, 1).verdict, Verdict::Absent);
    }
    // The user drops the curator's "Piano" observation of segment 1 and adds "Voice" there.
    const int c = annotationIndex(jams, QStringLiteral("curator"));
    QVERIFY(c >= 0);
    QJsonArray annotations = jams.value(QStringLiteral("annotations")).toArray();
    QJsonObject curator = annotations.at(c).toObject();
    QJsonArray kept;
    for (const QJsonValue &o : curator.value(QStringLiteral("data")).toArray()) {
        QJsonObject obs = o.toObject();
        if (obs.value(QStringLiteral("time")).toDouble() == 0.0) {
            if (obs.value(QStringLiteral("value")).toString() == QLatin1String("Piano"))
                continue;
            obs.insert(QStringLiteral("confidence"), 1.0);   // Voice: absent -> present
        }
        kept.append(obs);
    }
    curator.insert(QStringLiteral("data"), kept);
    annotations.replace(c, curator);
    jams.insert(QStringLiteral("annotations"), annotations);

    const auto r = LabelImporter::parse(bytesOf(jams), QStringLiteral("t.jams"), LabelFormat::Jams);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    QCOMPARE(r->warnings.size(), 1);
    QVERIFY2(r->warnings.front().contains(QStringLiteral("t.jams")) && r->warnings.front().contains(QStringLiteral("sandbox")),
             qPrintable(r->warnings.front()));
    const TrackLabels &t = r->tracks.front();
    const int piano = t.tags.indexOf(QStringLiteral("Piano")), voice = t.tags.indexOf(QStringLiteral("Voice"));
    QVERIFY(piano >= 0 && voice >= 0);
    QCOMPARE(t.cell(0, piano).verdict, Verdict::Unknown);
    QCOMPARE(t.cell(0, voice).verdict, Verdict::Present);
    QCOMPARE(t.cell(1, voice).verdict, Verdict::Present);
    QCOMPARE(t.cell(0, voice).curator, QStringLiteral("ana"));
}

void tst_FormatIntegrity::jamsEditedConfidenceWinsOverTheSandbox()
{
    QJsonObject jams = jamsOf(smallLabels(QStringLiteral("t.wav")));
    const int m = annotationIndex(jams, QStringLiteral("model:"));
    QVERIFY(m >= 0);
    QJsonArray annotations = jams.value(QStringLiteral("annotations")).toArray();
    QJsonObject model = annotations.at(m).toObject();
    QJsonArray data = model.value(QStringLiteral("data")).toArray();
    QVERIFY(!data.isEmpty());
    QJsonObject first = data.at(0).toObject();
    first.insert(QStringLiteral("confidence"), 0.625);
    data.replace(0, first);
    model.insert(QStringLiteral("data"), data);
    annotations.replace(m, model);
    jams.insert(QStringLiteral("annotations"), annotations);

    const auto r = LabelImporter::parse(bytesOf(jams), QStringLiteral("t.jams"), LabelFormat::Jams);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    QCOMPARE(r->warnings.size(), 1);
    const TrackLabels &t = r->tracks.front();
    const int tag = t.tags.indexOf(first.value(QStringLiteral("value")).toString());
    QVERIFY(tag >= 0);
    QCOMPARE(t.cell(0, tag).probability, 0.625f);
}

void tst_FormatIntegrity::jamsSandboxWithDuplicateTagsIsRejected()
{
    QJsonObject jams = jamsOf(smallLabels(QStringLiteral("t.wav")));
    QJsonArray annotations = jams.value(QStringLiteral("annotations")).toArray();
    for (int a = 0; a < annotations.size(); ++a) {
        QJsonObject ann = annotations.at(a).toObject();
        QJsonObject sandbox = ann.value(QStringLiteral("sandbox")).toObject();
        QJsonObject tl = sandbox.value(QStringLiteral("taglane")).toObject();
        tl.insert(QStringLiteral("tags"), QJsonArray{QStringLiteral("Piano"), QStringLiteral("Piano")});
        sandbox.insert(QStringLiteral("taglane"), tl);
        ann.insert(QStringLiteral("sandbox"), sandbox);
        annotations.replace(a, ann);
    }
    jams.insert(QStringLiteral("annotations"), annotations);
    const auto r = LabelImporter::parse(bytesOf(jams), QStringLiteral("t.jams"), LabelFormat::Jams);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QStringLiteral("t.jams")) && r.error().contains(QStringLiteral("tags[1]"))
                 && r.error().contains(QStringLiteral("twice")),
             qPrintable(r.error()));
}

void tst_FormatIntegrity::jamsAbsentVerdictsRoundTrip()
{
    // Through the observations alone (a tool that drops the sandbox, or an
    // edited file): absent verdicts come back absent, present ones present.
    const TrackLabels labels = taglane::tests::sampleLabels(QStringLiteral("song.wav"));
    QJsonObject jams = jamsOf(labels);
    QJsonArray annotations = jams.value(QStringLiteral("annotations")).toArray();
    for (int a = 0; a < annotations.size(); ++a) {
        QJsonObject ann = annotations.at(a).toObject();
        ann.remove(QStringLiteral("sandbox"));
        annotations.replace(a, ann);
    }
    jams.insert(QStringLiteral("annotations"), annotations);
    const auto r = LabelImporter::parse(bytesOf(jams), QStringLiteral("song.jams"), LabelFormat::Jams);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    const TrackLabels &back = r->tracks.front();
    int absent = 0;
    for (int s = 0; s < labels.segments.size(); ++s)
        for (int t = 0; t < labels.tags.size(); ++t) {
            const Verdict v = labels.cell(s, t).verdict;
            if (v == Verdict::Unknown)
                continue;
            absent += v == Verdict::Absent;
            const int bt = back.tags.indexOf(labels.tags.at(t).name);
            QVERIFY2(bt >= 0, qPrintable(labels.tags.at(t).name));
            int bs = -1;
            for (int k = 0; k < back.segments.size(); ++k)
                if (std::abs(back.segments.at(k).start - labels.segments.at(s).start) < 1e-9)
                    bs = k;
            QVERIFY(bs >= 0);
            QCOMPARE(back.cell(bs, bt).verdict, v);
            QCOMPARE(back.cell(bs, bt).curator, QStringLiteral("ana"));
        }
    QCOMPARE(absent, 2);

    // With the sandbox the whole matrix comes back, with no warning.
    const auto full = LabelImporter::parse(LabelExporter::toBytes(labels, LabelFormat::Jams, {}),
                                           QStringLiteral("song.jams"), LabelFormat::Jams);
    QVERIFY2(full.ok(), qPrintable(full.error()));
    QVERIFY2(full->warnings.isEmpty(), qPrintable(full->warnings.join(QLatin1Char('\n'))));
    for (int s = 0; s < labels.segments.size(); ++s)
        for (int t = 0; t < labels.tags.size(); ++t)
            QCOMPARE(full->tracks.front().cell(s, t).verdict, labels.cell(s, t).verdict);
}

void tst_FormatIntegrity::formulaTagNamesAreEscapedEverywhere()
{
    const QString formula = QStringLiteral("=cmd|' /C calc'!A0");
    const QStringList names{formula, QStringLiteral("+1"), QStringLiteral("-minus"), QStringLiteral("@SUM(A1)"),
                            QStringLiteral("Piano")};
    const auto segs = Segmentation::fromSegments({{1, 0.0, 4.0}, {2, 4.0, 8.0}});
    std::vector<std::vector<float>> p(2, std::vector<float>(size_t(names.size()), 0.75f));
    TrackLabels labels = TrackLabels::fromProbabilities(QStringLiteral("t.wav"), 8.0, segs.value(),
                                                        Vocabulary::fromNames(names), p, QStringLiteral("m1"));
    for (int t = 0; t < names.size(); ++t)
        labels.cell(0, t).verdict = Verdict::Present;

    // `taglane-cli tag` writes its CSV with Cal500CsvWriter::write.
    const QString dir = taglane::tests::tempDir(QStringLiteral("formatintegrity-formula"));
    const QString tagCsv = QDir(dir).filePath(QStringLiteral("t.csv"));
    QVERIFY(Cal500CsvWriter::write(tagCsv, labels).ok());
    QFile f(tagCsv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray tagBytes = f.readAll();

    const struct { LabelFormat format; QByteArray bytes; QString name; } files[] = {
        {LabelFormat::Cal500Exp, tagBytes, QStringLiteral("t.csv")},
        {LabelFormat::Cal500Exp, LabelExporter::toBytes(labels, LabelFormat::Cal500Exp, {}), QStringLiteral("t.csv")},
        {LabelFormat::SonicVisualiser, LabelExporter::toBytes(labels, LabelFormat::SonicVisualiser, {}), QStringLiteral("t.sv.csv")},
        {LabelFormat::Catalogue, LabelExporter::toBytes(labels, LabelFormat::Catalogue, {}), QStringLiteral("catalogue.csv")},
    };
    for (const auto &file : files) {
        const auto records = CsvReader::parseBytes(file.bytes, file.name);
        QVERIFY2(records.ok(), qPrintable(records.error()));
        for (const CsvRecord &r : records.value())
            for (const QString &cell : r.fields)
                QVERIFY2(!startsLikeFormula(cell), qPrintable(LabelFormats::name(file.format) + QStringLiteral(": ") + cell));
        const auto back = LabelImporter::parse(file.bytes, file.name, file.format);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->tracks.front().tags.names(), names);
    }
    // Audacity titles (a tab-separated cell) likewise.
    const QByteArray audacity = LabelExporter::toBytes(labels, LabelFormat::Audacity, {});
    for (const QByteArray &line : audacity.split('\n'))
        for (const QByteArray &cell : line.split('\t'))
            QVERIFY2(!startsLikeFormula(QString::fromUtf8(cell)), cell.constData());
    const auto back = LabelImporter::parse(audacity, QStringLiteral("t.txt"), LabelFormat::Audacity);
    QVERIFY2(back.ok(), qPrintable(back.error()));
    QCOMPARE(back->tracks.front().tags.names(), names);
}

void tst_FormatIntegrity::apostropheTagNamesRoundTrip()
{
    // A name that starts with an apostrophe must not lose it to the un-escaping.
    const QStringList names{QStringLiteral("'=quoted"), QStringLiteral("'plain"), QStringLiteral("Piano")};
    const auto segs = Segmentation::fromSegments({{1, 0.0, 4.0}});
    TrackLabels labels = TrackLabels::fromProbabilities(QStringLiteral("t.wav"), 4.0, segs.value(),
                                                        Vocabulary::fromNames(names), {{0.75f, 0.75f, 0.75f}},
                                                        QStringLiteral("m1"));
    const struct { LabelFormat format; QString name; } formats[] = {
        {LabelFormat::Cal500Exp, QStringLiteral("t.csv")}, {LabelFormat::Catalogue, QStringLiteral("c.csv")},
        {LabelFormat::SonicVisualiser, QStringLiteral("t.sv.csv")}, {LabelFormat::Audacity, QStringLiteral("t.txt")},
    };
    for (const auto &f : formats) {
        const auto back = LabelImporter::parse(LabelExporter::toBytes(labels, f.format, {}), f.name, f.format);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QStringList got = back->tracks.front().tags.names();
        got.sort();
        QStringList want = names;
        want.sort();
        QCOMPARE(got, want);
    }
}

void tst_FormatIntegrity::oversizedFileIsRejectedWhereItCrossesTheLimit()
{
    // The limit is crossed on line 4 (3 segments x 5 tags > 10 cells); the
    // broken line 6 is never reached, nor is the rest of the file built up.
    ImportOptions options;
    options.maxCells = 10;
    const QByteArray cal = "Start_Time,End_Time,a,b,c,d,e\n0,1,1,0,1,0,1\n1,2,1,0,1,0,1\n2,3,1,0,1,0,1\n"
                           "3,4,1,0,1,0,1\n\"never closed\n";
    const auto r = LabelImporter::parse(cal, QStringLiteral("big.csv"), LabelFormat::Cal500Exp, options);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QStringLiteral("big.csv, line 4")) && r.error().contains(QStringLiteral("too many labels")),
             qPrintable(r.error()));

    QByteArray cat = "file,start,end,tag,value,source\n";
    for (int s = 0; s < 3; ++s)
        for (const char *tag : {"a", "b", "c", "d", "e"})
            cat += QByteArray("x.wav,") + QByteArray::number(s) + ',' + QByteArray::number(s + 1) + ',' + tag + ",1,curator\n";
    cat += "\"never closed\n";
    const auto c = LabelImporter::parse(cat, QStringLiteral("cat.csv"), LabelFormat::Catalogue, options);
    QVERIFY(!c.ok());
    QVERIFY2(c.error().contains(QStringLiteral("too many labels")), qPrintable(c.error()));
}

QTEST_GUILESS_MAIN(tst_FormatIntegrity)
#include "tst_formatintegrity.moc"
