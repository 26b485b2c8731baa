// SPDX-License-Identifier: GPL-3.0-or-later
// `taglane-cli library add|list|relink` end to end: tracks are known by
// content, a moved file is found again with its verdicts, a changed file is
// a new track, a missing file is listed as missing and keeps its verdicts.
#include "clirunner.h"
#include "librarystore.h"
#include "rawdb.h"
#include "testsupport.h"
#include "tonewav.h"

#include "engine/store/annotationstore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <cmath>

#include <unistd.h>

namespace {

using taglane::tests::CliRun;
using taglane::tests::runCli;
using namespace taglane::engine;

QJsonArray listJson(const QString &store)
{
    const CliRun r = runCli({QStringLiteral("library"), QStringLiteral("list"), QStringLiteral("--store"), store,
                             QStringLiteral("--json")});
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.err));
    return QJsonDocument::fromJson(r.out.toUtf8()).array();
}

QJsonObject entryAt(const QJsonArray &list, const QString &path, qint64 id = 0)
{
    for (const QJsonValue &v : list) {
        const QJsonObject o = v.toObject();
        if (o.value(QStringLiteral("path")).toString() == path && (id == 0 || o.value(QStringLiteral("id")).toInteger() == id))
            return o;
    }
    return {};
}

/// Gives the track one segment and a Present verdict on one tag, in process.
bool curateOneCell(const QString &storePath, const QString &trackPath)
{
    AnnotationStore store;
    if (!store.open(storePath))
        return false;
    const auto track = store.findTrackByPath(trackPath);
    if (!track)
        return false;
    const auto seg = Segmentation::fromSegments({Segment{0, 0.0, 3.0}});
    const auto saved = store.saveSegmentation(track->id, seg.value(), SegmentSource::Curator);
    if (!saved)
        return false;
    const QVector<qint64> tag = store.tagIds({QStringLiteral("piano")}, true);
    const qint64 seq = store.setVerdict(track->id, saved->at(0).id, tag.at(0), Verdict::Present);
    return seq > 0 && store.waitForSaved(0, seq);
}

} // namespace

class tst_CliLibrary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addListsEveryFileOnce();
    void movedFileIsFoundAgainWithItsVerdicts();
    void changedFileIsANewTrack();
    void missingFileIsListedAndKeepsVerdicts();
    void listShowsRunsTopTagsAndReviewedShare();
    void topTagsFollowRetagsAndNewSegments();
    void badInputExitsNonZero();
};

void tst_CliLibrary::addListsEveryFileOnce()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-library-add"));
    QDir(dir).mkpath(QStringLiteral("music/deep/er"));
    const QString a = dir + QStringLiteral("/music/a.wav");
    const QString b = dir + QStringLiteral("/music/deep/b.wav");
    const QString c = dir + QStringLiteral("/music/deep/er/c.wav");
    QVERIFY(taglane::tests::writeToneWav(a, 4.0, 220.0));
    QVERIFY(taglane::tests::writeToneWav(b, 6.5, 330.0));
    QVERIFY(taglane::tests::writeToneWav(c, 3.0, 440.0));
    QFile notes(dir + QStringLiteral("/music/notes.txt"));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("not audio");
    notes.close();
    const QString store = dir + QStringLiteral("/lib.sqlite");

    CliRun r = runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store,
                       dir + QStringLiteral("/music")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts).size(), 3);
    QVERIFY2(r.err.contains(QStringLiteral("[3/3]")), qPrintable(r.err));   // progress on stderr

    QJsonArray list = listJson(store);
    QCOMPARE(list.size(), 3);
    QCOMPARE(entryAt(list, b).value(QStringLiteral("duration")).toDouble(), 6.5);
    QCOMPARE(entryAt(list, c).value(QStringLiteral("file")).toString(), QStringLiteral("present"));
    QCOMPARE(entryAt(list, a).value(QStringLiteral("reviewedShare")).toDouble(), 0.0);
    QVERIFY(entryAt(list, a).value(QStringLiteral("models")).toArray().isEmpty());

    // Again, and a copy of a under another name: no new track.
    QVERIFY(QFile::copy(a, dir + QStringLiteral("/music/a-copy.wav")));
    r = runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, dir + QStringLiteral("/music")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("same content as")), qPrintable(r.err));
    QCOMPARE(listJson(store).size(), 3);

    // The table names the state, duration and path of every track.
    r = runCli({QStringLiteral("library"), QStringLiteral("list"), QStringLiteral("--store"), store});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts).size(), 4);
    QVERIFY(r.out.contains(QStringLiteral("present\t6.5\t0.0%\t-\t-\t") + b));
}

void tst_CliLibrary::movedFileIsFoundAgainWithItsVerdicts()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-library-move"));
    QDir(dir).mkpath(QStringLiteral("old"));
    QDir(dir).mkpath(QStringLiteral("new/sub"));
    const QString a = dir + QStringLiteral("/old/a.wav");
    QVERIFY(taglane::tests::writeToneWav(a, 5.0, 250.0));
    QVERIFY(taglane::tests::writeToneWav(dir + QStringLiteral("/old/b.wav"), 5.0, 350.0));
    const QString store = dir + QStringLiteral("/lib.sqlite");
    QCOMPARE(runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, dir + QStringLiteral("/old")}).exitCode, 0);
    QVERIFY(curateOneCell(store, a));
    const qint64 id = entryAt(listJson(store), a).value(QStringLiteral("id")).toInteger();
    QVERIFY(id > 0);

    const QString moved = dir + QStringLiteral("/new/sub/renamed.wav");
    QVERIFY(QFile::rename(a, moved));
    QCOMPARE(entryAt(listJson(store), a).value(QStringLiteral("file")).toString(), QStringLiteral("missing"));

    CliRun r = runCli({QStringLiteral("library"), QStringLiteral("relink"), QStringLiteral("--store"), store, dir + QStringLiteral("/new")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.out.trimmed(), moved);
    const QJsonArray list = listJson(store);
    QCOMPARE(list.size(), 2);
    const QJsonObject found = entryAt(list, moved);
    QCOMPARE(found.value(QStringLiteral("id")).toInteger(), id);
    QCOMPARE(found.value(QStringLiteral("file")).toString(), QStringLiteral("present"));
    QCOMPARE(found.value(QStringLiteral("reviewedCells")).toInteger(), 1);

    // library add finds a moved file again too.
    const QString back = dir + QStringLiteral("/back.wav");
    QVERIFY(QFile::rename(moved, back));
    r = runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, back});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("found again")), qPrintable(r.err));
    QCOMPARE(entryAt(listJson(store), back).value(QStringLiteral("id")).toInteger(), id);
}

void tst_CliLibrary::changedFileIsANewTrack()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-library-changed"));
    const QString a = dir + QStringLiteral("/a.wav");
    QVERIFY(taglane::tests::writeToneWav(a, 5.0, 250.0));
    const QString store = dir + QStringLiteral("/lib.sqlite");
    QCOMPARE(runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, a}).exitCode, 0);
    QVERIFY(curateOneCell(store, a));
    const qint64 oldId = entryAt(listJson(store), a).value(QStringLiteral("id")).toInteger();

    QVERIFY(taglane::tests::writeToneWav(a, 5.0, 260.0));   // same size, other content
    CliRun r = runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, a});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("added")), qPrintable(r.err));
    QJsonArray list = listJson(store);
    QCOMPARE(list.size(), 2);
    const QJsonObject old = entryAt(list, a, oldId);
    QCOMPARE(old.value(QStringLiteral("file")).toString(), QStringLiteral("changed"));
    QCOMPARE(old.value(QStringLiteral("reviewedCells")).toInteger(), 1);
    qint64 newId = 0;
    for (const QJsonValue &v : list) {
        if (v.toObject().value(QStringLiteral("id")).toInteger() != oldId)
            newId = v.toObject().value(QStringLiteral("id")).toInteger();
    }
    QCOMPARE(entryAt(list, a, newId).value(QStringLiteral("file")).toString(), QStringLiteral("present"));
    QCOMPARE(entryAt(list, a, newId).value(QStringLiteral("reviewedCells")).toInteger(), 0);

    // Adding the changed file again adds nothing.
    QCOMPARE(runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, a}).exitCode, 0);
    QCOMPARE(listJson(store).size(), 2);
}

void tst_CliLibrary::missingFileIsListedAndKeepsVerdicts()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-library-missing"));
    const QString a = dir + QStringLiteral("/a.wav");
    QVERIFY(taglane::tests::writeToneWav(a, 5.0, 250.0));
    const QString store = dir + QStringLiteral("/lib.sqlite");
    QCOMPARE(runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, a}).exitCode, 0);
    QVERIFY(curateOneCell(store, a));
    QVERIFY(QFile::remove(a));

    const QJsonObject e = entryAt(listJson(store), a);
    QCOMPARE(e.value(QStringLiteral("file")).toString(), QStringLiteral("missing"));
    QCOMPARE(e.value(QStringLiteral("reviewedCells")).toInteger(), 1);
    const CliRun r = runCli({QStringLiteral("library"), QStringLiteral("relink"), QStringLiteral("--store"), store, dir});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("1 still missing")), qPrintable(r.err));
    QCOMPARE(entryAt(listJson(store), a).value(QStringLiteral("reviewedCells")).toInteger(), 1);
}

void tst_CliLibrary::listShowsRunsTopTagsAndReviewedShare()
{
    const QString store = taglane::tests::tempDir(QStringLiteral("cli-library-runs")) + QStringLiteral("/lib.sqlite");
    taglane::tests::LibraryStore lib;
    lib.tags = QStringList{QStringLiteral("piano"), QStringLiteral("strings"), QStringLiteral("drums"), QStringLiteral("bass")};
    {
        AnnotationStore db;
        QVERIFY(db.open(store));
        QVERIFY(taglane::tests::addLibraryTracks(db, lib, 3, 4));
        QRandomGenerator rng(11);
        QVERIFY(taglane::tests::tagLibrary(db, lib, QStringLiteral("v1"), {0, 1, 2}, [&](int, int, int) { return float(rng.generateDouble()); }));
        QVERIFY(taglane::tests::tagLibrary(db, lib, QStringLiteral("v2"), {1}, [&](int, int, int) { return float(rng.generateDouble()); }));
        QVERIFY(taglane::tests::setLibraryVerdict(db, lib, {2, 0, 1}, Verdict::Present));
        QVERIFY(taglane::tests::setLibraryVerdict(db, lib, {2, 3, 3}, Verdict::Absent));
        QVERIFY(db.waitForSaved(0, db.lastEditSeq()));
    }
    const CliRun r = runCli({QStringLiteral("library"), QStringLiteral("list"), QStringLiteral("--store"), store,
                             QStringLiteral("--json"), QStringLiteral("--top"), QStringLiteral("2")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonArray list = QJsonDocument::fromJson(r.out.toUtf8()).array();
    QCOMPARE(list.size(), 3);
    for (int t = 0; t < 3; ++t) {
        const QJsonObject e = entryAt(list, lib.paths.at(t));
        const QString newest = t == 1 ? QStringLiteral("v2") : QStringLiteral("v1");
        QStringList versions;
        for (const QJsonValue &m : e.value(QStringLiteral("models")).toArray())
            versions << m.toObject().value(QStringLiteral("version")).toString();
        const QStringList expectedVersions = t == 1 ? QStringList{QStringLiteral("v1"), QStringLiteral("v2")}
                                                    : QStringList{QStringLiteral("v1")};
        QCOMPARE(versions, expectedVersions);
        QCOMPARE(e.value(QStringLiteral("topTagsModel")).toString(), newest);
        // The two tags with the highest mean probability over the segments, highest first.
        QVector<QPair<double, int>> means;
        for (int g = 0; g < 4; ++g) {
            double sum = 0.0;
            for (int s = 0; s < 4; ++s)
                sum += lib.probabilities[newest].value({t, s, g});
            means.append({sum / 4.0, g});
        }
        std::sort(means.begin(), means.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        const QJsonArray top = e.value(QStringLiteral("topTags")).toArray();
        QCOMPARE(top.size(), 2);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(top.at(i).toObject().value(QStringLiteral("tag")).toString(), lib.tags.at(means.at(i).second));
            QVERIFY(std::abs(top.at(i).toObject().value(QStringLiteral("probability")).toDouble() - means.at(i).first) < 1e-5);
        }
        QCOMPARE(e.value(QStringLiteral("reviewedShare")).toDouble(), t == 2 ? 2.0 / 16.0 : 0.0);
        QCOMPARE(e.value(QStringLiteral("duration")).toDouble(), 16.0);
        QCOMPARE(e.value(QStringLiteral("file")).toString(), QStringLiteral("missing"));   // the paths are made up
    }
}

void tst_CliLibrary::topTagsFollowRetagsAndNewSegments()
{
    // The store keeps each track's tags ranked (schema 5); what it keeps
    // follows a version that tags a track again and a track's new segments.
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-library-ranks"));
    const QString store = dir + QStringLiteral("/lib.sqlite");
    taglane::tests::LibraryStore lib;
    lib.tags = QStringList{QStringLiteral("piano"), QStringLiteral("strings"), QStringLiteral("drums"), QStringLiteral("bass")};
    QRandomGenerator rng(23);
    {
        AnnotationStore db;
        QVERIFY(db.open(store));
        QVERIFY(taglane::tests::addLibraryTracks(db, lib, 2, 4));
        QVERIFY(taglane::tests::tagLibrary(db, lib, QStringLiteral("v1"), {0, 1}, [&](int, int, int) { return float(rng.generateDouble()); }));
        QVERIFY(db.waitForSaved(0, db.lastEditSeq()));
    }
    const auto topOf = [&](const QJsonArray &list, int t) {
        QStringList tags;
        for (const QJsonValue &v : entryAt(list, lib.paths.at(t)).value(QStringLiteral("topTags")).toArray())
            tags << v.toObject().value(QStringLiteral("tag")).toString();
        return tags;
    };
    const auto expectedTop = [&](int t) {
        QVector<QPair<double, int>> means;
        for (int g = 0; g < 4; ++g) {
            double sum = 0.0;
            for (int s = 0; s < 4; ++s)
                sum += lib.probabilities[QStringLiteral("v1")].value({t, s, g});
            means.append({sum / 4.0, g});
        }
        std::sort(means.begin(), means.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        QStringList tags;
        for (int i = 0; i < 3; ++i)
            tags << lib.tags.at(means.at(i).second);
        return tags;
    };
    const QJsonArray before = listJson(store);
    QCOMPARE(topOf(before, 0), expectedTop(0));
    QCOMPARE(topOf(before, 1), expectedTop(1));

    // v1 again on track 0, with the order of its tags reversed; new segments for track 1.
    {
        AnnotationStore db;
        QVERIFY(db.open(store));
        const QStringList old = expectedTop(0);
        QVERIFY(taglane::tests::tagLibrary(db, lib, QStringLiteral("v1"), {0}, [&](int, int s, int g) {
            const int was = int(old.indexOf(lib.tags.at(g)));   // 0 for the top tag; -1 for the one outside the top 3
            return float(0.1 + 0.2 * (was < 0 ? 3 : was) + 0.01 * s);
        }));
        const auto seg = Segmentation::fromSegments({Segment{0, 0.0, 8.0}, Segment{0, 8.0, 16.0}});
        QVERIFY(db.saveSegmentation(lib.trackIds.at(1), seg.value(), SegmentSource::Curator));
        QVERIFY(db.waitForSaved(0, db.lastEditSeq()));
    }
    const QJsonArray after = listJson(store);
    QVERIFY(topOf(after, 0) != topOf(before, 0));
    QCOMPARE(topOf(after, 0), expectedTop(0));
    QVERIFY(topOf(after, 1).isEmpty());   // its current segments have no predictions
    QCOMPARE(entryAt(after, lib.paths.at(1)).value(QStringLiteral("models")).toArray().size(), 1);

    // A store without the ranks lists the same, averaging the predictions.
    const QString copy = dir + QStringLiteral("/copy.sqlite");
    QVERIFY(QFile::copy(store, copy));
    {
        taglane::tests::RawDb raw(copy);
        QVERIFY(raw.exec(QStringLiteral("DROP TABLE track_tag_ranks")));
    }
    for (const QString &top : {QStringLiteral("0"), QStringLiteral("2"), QStringLiteral("4")}) {
        const QStringList args{QStringLiteral("library"), QStringLiteral("list"), QStringLiteral("--json"),
                               QStringLiteral("--top"), top, QStringLiteral("--store")};
        const CliRun ranked = runCli(args + QStringList{store});
        const CliRun averaged = runCli(args + QStringList{copy});
        QVERIFY2(ranked.exitCode == 0 && averaged.exitCode == 0, qPrintable(ranked.err + averaged.err));
        QCOMPARE(averaged.out, ranked.out);
    }
}

void tst_CliLibrary::badInputExitsNonZero()
{
    const QString dir = taglane::tests::tempDir(QStringLiteral("cli-library-bad"));
    const QString store = dir + QStringLiteral("/lib.sqlite");
    const QString good = dir + QStringLiteral("/good.wav");
    QVERIFY(taglane::tests::writeToneWav(good, 3.0, 300.0));
    QFile bad(dir + QStringLiteral("/broken.wav"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("RIFF this is no audio at all");
    bad.close();

    CliRun r = runCli({QStringLiteral("library"), QStringLiteral("add"), dir});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("--store")));
    r = runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, dir,
                dir + QStringLiteral("/nothere.wav")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("broken.wav")) && r.err.contains(QStringLiteral("nothere.wav: does not exist")),
             qPrintable(r.err));
    QCOMPARE(listJson(store).size(), 1);   // the good file went in

    if (::geteuid() != 0) {   // root reads any file
        const QString locked = dir + QStringLiteral("/locked.wav");
        QVERIFY(taglane::tests::writeToneWav(locked, 3.0, 310.0));
        QFile::setPermissions(locked, QFileDevice::Permissions());
        r = runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), store, locked});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("cannot be read")), qPrintable(r.err));
    }

    r = runCli({QStringLiteral("library"), QStringLiteral("list"), QStringLiteral("--store"), dir + QStringLiteral("/none.sqlite")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("does not exist")), qPrintable(r.err));
    QVERIFY(!QFile::exists(dir + QStringLiteral("/none.sqlite")));
    r = runCli({QStringLiteral("library"), QStringLiteral("add"), QStringLiteral("--store"), dir, good});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("folder")), qPrintable(r.err));
    r = runCli({QStringLiteral("library"), QStringLiteral("frobnicate")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("frobnicate")));
    r = runCli({QStringLiteral("library"), QStringLiteral("relink"), QStringLiteral("--store"), store, dir + QStringLiteral("/gone")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QStringLiteral("does not exist")));
}

QTEST_GUILESS_MAIN(tst_CliLibrary)
#include "tst_cli_library.moc"
