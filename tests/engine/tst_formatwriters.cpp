// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/cal500csvwriter.h"
#include "engine/formats/cataloguecsvwriter.h"
#include "engine/formats/jamswriter.h"
#include "engine/formats/tracklabels.h"
#include "engine/store/labelgrid.h"

#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace taglane::engine;

namespace {

/// A small RFC 4180 reader, independent of the writers: fields separated by
/// commas, records by CRLF or LF, quoted fields may hold commas, doubled
/// quotes and line breaks.
QVector<QStringList> readCsv(const QByteArray &bytes)
{
    const QString text = QString::fromUtf8(bytes);
    QVector<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"') && field.isEmpty()) {
            quoted = true;
            fieldStarted = true;
        } else if (c == QLatin1Char(',')) {
            record << field;
            field.clear();
            fieldStarted = true;
        } else if (c == QLatin1Char('\r') || c == QLatin1Char('\n')) {
            if (c == QLatin1Char('\r') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\n'))
                ++i;
            record << field;
            records << record;
            record.clear();
            field.clear();
            fieldStarted = false;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (fieldStarted || !field.isEmpty()) {
        record << field;
        records << record;
    }
    return records;
}

/// Two segments x three tags; one tag name needs quoting, one cell has a
/// verdict, one cell has nothing.
TrackLabels sample(const QString &file)
{
    const auto segs = Segmentation::fromSegments({{1, 0.0, 3.0}, {2, 3.0, 7.25}});
    const Vocabulary tags = Vocabulary::fromNames(
        {QStringLiteral("Emotion-Calming_/_Soothing"), QStringLiteral("Genre-Rock, \"Hard\""),
         QStringLiteral("-minus")});
    TrackLabels labels = TrackLabels::fromProbabilities(
        file, 7.25, segs.value(), tags, {{0.123456789f, 0.75f, 0.0000123456f}, {0.5f, 0.987654321f, 0.25f}},
        QStringLiteral("v1"), QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC));
    labels.cell(1, 2).verdict = Verdict::Present;
    labels.cell(1, 2).curator = QStringLiteral("ana");
    labels.cell(1, 2).modified = QDateTime(QDate(2026, 2, 3), QTime(4, 5, 6), Qt::UTC);
    labels.cell(0, 0).verdict = Verdict::Absent;
    labels.cell(1, 0).probability = std::numeric_limits<float>::quiet_NaN();
    return labels;
}

bool closeRelative(double a, double b, double rel)
{
    return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b));
}

} // namespace

class tst_FormatWriters : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cal500Soft();
    void cal500Hard();
    void catalogueValuesAndSources();
    void catalogueEscaping();
    void jamsStructure();
    void writeFailsCleanly();
    void fromStoreLabelGrid();
};

void tst_FormatWriters::cal500Soft()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("formatwriters-cal500"));
    const QString path = dir + QStringLiteral("/track.csv");
    const TrackLabels labels = sample(QStringLiteral("track.wav"));
    QVERIFY(Cal500CsvWriter::write(path, labels).ok());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QVector<QStringList> rows = readCsv(f.readAll());
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0], (QStringList{QStringLiteral("Start_Time"), QStringLiteral("End_Time"),
                                   QStringLiteral("Emotion-Calming_/_Soothing"), QStringLiteral("Genre-Rock, \"Hard\""),
                                   QStringLiteral("'-minus")}));   // defused: a spreadsheet would run "-minus"
    QCOMPARE(rows[1].size(), 5);
    QCOMPARE(rows[1][0].toDouble(), 0.0);
    QCOMPARE(rows[1][1].toDouble(), 3.0);
    QCOMPARE(rows[2][1].toDouble(), 7.25);
    QCOMPARE(rows[1][2], QStringLiteral("0"));        // curator: absent
    // At least 6 significant digits.
    QVERIFY(closeRelative(rows[1][3].toDouble(), 0.75, 1e-6));
    QVERIFY(closeRelative(rows[1][4].toDouble(), 0.0000123456, 1e-6));
    QCOMPARE(rows[2][2], QString());                  // neither verdict nor probability
    QVERIFY(closeRelative(rows[2][3].toDouble(), 0.987654321, 1e-6));
    QCOMPARE(rows[2][4], QStringLiteral("1"));        // curator: present
    QVERIFY(closeRelative(QString::fromUtf8(Cal500CsvWriter::toCsv(sample(QStringLiteral("x")))).split(QLatin1Char(','))
                              .at(8).toDouble(),
                          0.75, 1e-6));
}

void tst_FormatWriters::cal500Hard()
{
    const QVector<QStringList> rows
        = readCsv(Cal500CsvWriter::toCsv(sample(QStringLiteral("t.wav")), Cal500CsvWriter::Values::Hard, 0.5f));
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[1].mid(2), (QStringList{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("0")}));
    QCOMPARE(rows[2].mid(2), (QStringList{QString(), QStringLiteral("1"), QStringLiteral("1")}));
}

void tst_FormatWriters::catalogueValuesAndSources()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("formatwriters-catalogue"));
    const QString path = dir + QStringLiteral("/catalogue.csv");
    QVERIFY(CatalogueCsvWriter::write(path, {sample(QStringLiteral("a.wav")), sample(QStringLiteral("b.wav"))}).ok());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QVERIFY(bytes.contains("\r\n"));
    const QVector<QStringList> rows = readCsv(bytes);
    // Header + per track 6 cells minus the empty one = 5 rows.
    QCOMPARE(rows.size(), 1 + 2 * 5);
    QCOMPARE(rows[0].join(QLatin1Char(',')), QStringLiteral("file,start,end,tag,value,source,confidence,curator,modified"));
    for (int i = 1; i < rows.size(); ++i)
        QCOMPARE(rows[i].size(), 9);
    // Row 1: a.wav, segment 1, first tag: curator said absent.
    QCOMPARE(rows[1][0], QStringLiteral("a.wav"));
    QCOMPARE(rows[1][4], QStringLiteral("0"));
    QCOMPARE(rows[1][5], QStringLiteral("curator"));
    // Row 2: model, 0.75 >= 0.5.
    QCOMPARE(rows[2][3], QStringLiteral("Genre-Rock, \"Hard\""));
    QCOMPARE(rows[2][4], QStringLiteral("1"));
    QCOMPARE(rows[2][5], QStringLiteral("model:v1"));
    QVERIFY(closeRelative(rows[2][6].toDouble(), 0.75, 1e-6));
    QCOMPARE(rows[2][8], QStringLiteral("2026-01-02T03:04:05Z"));
    // Row 3: the tag "-minus" is defused.
    QCOMPARE(rows[3][3], QStringLiteral("'-minus"));
    QCOMPARE(rows[3][4], QStringLiteral("0"));
    // Row 5: segment 2, third tag judged present by ana.
    QCOMPARE(rows[5][1].toDouble(), 3.0);
    QCOMPARE(rows[5][2].toDouble(), 7.25);
    QCOMPARE(rows[5][5], QStringLiteral("curator"));
    QCOMPARE(rows[5][7], QStringLiteral("ana"));
    QCOMPARE(rows[5][8], QStringLiteral("2026-02-03T04:05:06Z"));
    QCOMPARE(rows[6][0], QStringLiteral("b.wav"));
}

void tst_FormatWriters::catalogueEscaping()
{
    const QStringList dangerous{QStringLiteral("=HYPERLINK(\"http://x\")"), QStringLiteral("+1"), QStringLiteral("@SUM(A1)"),
                                QStringLiteral("\tTab"), QStringLiteral("\rCr"), QStringLiteral("-2")};
    for (const QString &name : dangerous) {
        const QVector<QStringList> rows = readCsv(CatalogueCsvWriter::toCsv({sample(name)}));
        QCOMPARE(rows.size(), 6);
        QCOMPARE(rows[1][0], QLatin1Char('\'') + name);
    }
    // A file name with a comma, a quote and a line break stays one field.
    const QString odd = QStringLiteral("a, \"b\"\nc.wav");
    const QByteArray bytes = CatalogueCsvWriter::toCsv({sample(odd)});
    QVERIFY(bytes.contains("\"a, \"\"b\"\"\nc.wav\""));
    const QVector<QStringList> rows = readCsv(bytes);
    QCOMPARE(rows.size(), 6);
    QCOMPARE(rows[1][0], odd);
    QCOMPARE(rows[1].size(), 9);
    // Harmless names are not touched.
    QCOMPARE(readCsv(CatalogueCsvWriter::toCsv({sample(QStringLiteral("song.wav"))}))[1][0], QStringLiteral("song.wav"));
}

void tst_FormatWriters::jamsStructure()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("formatwriters-jams"));
    const QString path = dir + QStringLiteral("/track.jams");
    JamsWriter::Options options;
    options.curatorName = QStringLiteral("ana");
    QVERIFY(JamsWriter::write(path, sample(QStringLiteral("/music/track.wav")), options).ok());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject top = doc.object();
    QCOMPARE(top[QStringLiteral("file_metadata")][QStringLiteral("title")].toString(), QStringLiteral("track"));
    QCOMPARE(top[QStringLiteral("file_metadata")][QStringLiteral("duration")].toDouble(), 7.25);
    QVERIFY(top[QStringLiteral("sandbox")].isObject());
    const QJsonArray annotations = top[QStringLiteral("annotations")].toArray();
    QCOMPARE(annotations.size(), 2);

    const QJsonObject model = annotations[0].toObject();
    QCOMPARE(model[QStringLiteral("namespace")].toString(), QStringLiteral("tag_open"));
    const QJsonObject meta = model[QStringLiteral("annotation_metadata")].toObject();
    QCOMPARE(meta[QStringLiteral("data_source")].toString(), QStringLiteral("model:v1"));
    QVERIFY(meta[QStringLiteral("annotation_tools")].toString().startsWith(QStringLiteral("Taglane ")));
    QVERIFY(meta[QStringLiteral("curator")].isObject());
    QVERIFY(meta.contains(QStringLiteral("annotator")));
    // Probabilities >= 0.5: (0, tag 1) 0.75; (1, tag 1) 0.987654321. (1, 0) has none.
    const QJsonArray data = model[QStringLiteral("data")].toArray();
    QCOMPARE(data.size(), 2);
    QCOMPARE(data[0][QStringLiteral("time")].toDouble(), 0.0);
    QCOMPARE(data[0][QStringLiteral("duration")].toDouble(), 3.0);
    QCOMPARE(data[0][QStringLiteral("value")].toString(), QStringLiteral("Genre-Rock, \"Hard\""));
    QVERIFY(closeRelative(data[0][QStringLiteral("confidence")].toDouble(), 0.75, 1e-6));
    QCOMPARE(data[1][QStringLiteral("time")].toDouble(), 3.0);
    QCOMPARE(data[1][QStringLiteral("duration")].toDouble(), 4.25);
    QVERIFY(closeRelative(data[1][QStringLiteral("confidence")].toDouble(), 0.987654321, 1e-6));
    const QJsonObject tl = model[QStringLiteral("sandbox")][QStringLiteral("taglane")].toObject();
    QCOMPARE(tl[QStringLiteral("tags")].toArray().size(), 3);
    QVERIFY(closeRelative(tl[QStringLiteral("probabilities")][0][0].toDouble(), 0.123456789, 1e-6));
    QVERIFY(tl[QStringLiteral("probabilities")][1][0].isNull());

    const QJsonObject curator = annotations[1].toObject();
    QCOMPARE(curator[QStringLiteral("namespace")].toString(), QStringLiteral("tag_open"));
    QCOMPARE(curator[QStringLiteral("annotation_metadata")][QStringLiteral("data_source")].toString(), QStringLiteral("curator"));
    QCOMPARE(curator[QStringLiteral("annotation_metadata")][QStringLiteral("curator")][QStringLiteral("name")].toString(),
             QStringLiteral("ana"));
    const QJsonArray cdata = curator[QStringLiteral("data")].toArray();
    // Every verdict is an observation: absent with confidence 0, present with 1.
    QCOMPARE(cdata.size(), 2);
    QCOMPARE(cdata[0][QStringLiteral("value")].toString(), QStringLiteral("Emotion-Calming_/_Soothing"));
    QCOMPARE(cdata[0][QStringLiteral("confidence")].toDouble(), 0.0);
    QCOMPARE(cdata[1][QStringLiteral("value")].toString(), QStringLiteral("-minus"));
    QCOMPARE(cdata[1][QStringLiteral("confidence")].toDouble(), 1.0);
    const QJsonArray verdicts = curator[QStringLiteral("sandbox")][QStringLiteral("taglane")][QStringLiteral("verdicts")].toArray();
    QCOMPARE(verdicts[0][0].toInt(-1), 0);
    QCOMPARE(verdicts[1][2].toInt(-1), 1);
    QVERIFY(verdicts[0][1].isNull());
}

void tst_FormatWriters::writeFailsCleanly()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("formatwriters-fail"));
    const QString missing = dir + QStringLiteral("/no/such/folder/x.csv");
    const Status s = Cal500CsvWriter::write(missing, sample(QStringLiteral("x.wav")));
    QVERIFY(!s.ok());
    QVERIFY(s.error().contains(missing));

    // Incomplete labels write nothing, and an existing file stays as it was.
    const QString path = dir + QStringLiteral("/keep.jams");
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("old");
    }
    TrackLabels broken = sample(QStringLiteral("x.wav"));
    broken.cells.pop_back();
    QVERIFY(!JamsWriter::write(path, broken, {}).ok());
    QVERIFY(!CatalogueCsvWriter::write(path, {broken}).ok());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("old"));
    QCOMPARE(QDir(dir).entryList(QDir::Files), QStringList{QStringLiteral("keep.jams")});
}

void tst_FormatWriters::fromStoreLabelGrid()
{
    LabelGrid grid;
    grid.segmentation = Segmentation::fromSegments({{11, 0.0, 4.0}, {12, 4.0, 9.5}}).value();
    grid.tags = {Tag{QStringLiteral("a"), QStringLiteral("Other")}, Tag{QStringLiteral("b"), QStringLiteral("Other")}};
    grid.modelVersion = QStringLiteral("v7");
    const float nan = std::numeric_limits<float>::quiet_NaN();
    grid.probabilities = {0.25f, nan, 0.5f, 0.875f};
    grid.verdicts = {Verdict::Unknown, Verdict::Present, Verdict::Absent, Verdict::Unknown};
    grid.verdictTimes = {0, 1767225600000, 1767225601000, 0};
    const TrackLabels labels = TrackLabels::fromLabelGrid(grid, QStringLiteral("t.flac"), 9.5);
    QVERIFY(labels.isConsistent());
    QCOMPARE(labels.segments.at(1).id, 12);
    QCOMPARE(labels.cell(0, 1).verdict, Verdict::Present);
    QCOMPARE(labels.cell(0, 1).modified, QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC));
    const QVector<QStringList> rows = readCsv(Cal500CsvWriter::toCsv(labels));
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[1].mid(2), (QStringList{QStringLiteral("0.25"), QStringLiteral("1")}));
    QCOMPARE(rows[2].mid(1), (QStringList{QStringLiteral("9.5"), QStringLiteral("0"), QStringLiteral("0.875")}));
}

QTEST_GUILESS_MAIN(tst_FormatWriters)
#include "tst_formatwriters.moc"
