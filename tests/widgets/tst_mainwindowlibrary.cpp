// SPDX-License-Identifier: GPL-3.0-or-later
// The real window's library path, end to end (the app as a subprocess, as
// tst_mainwindow runs it): add a folder through File > Add Folder to
// Library's code path, run Model > Tag Library and quit after two tracks;
// a new window on the same store tags only the rest, each track once.
#include "engine/library/librarycatalogue.h"
#include "engine/model/modelbundle.h"

#include "testsupport.h"
#include "tonewav.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

using namespace taglane;

class tst_MainWindowLibrary : public QObject
{
    Q_OBJECT

private:
    struct Run
    {
        int code = -1;
        QString output;
    };

    static Run runApp(const QString &dir, const QStringList &args)
    {
        Run run;
        QProcess process;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), dir + QStringLiteral("/config"));
        e.insert(QStringLiteral("XDG_DATA_HOME"), dir + QStringLiteral("/data"));
        e.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
        process.setProcessEnvironment(e);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(TAGLANE_APP_PATH), args);
        if (!process.waitForStarted() || !process.waitForFinished(180000)) {
            process.kill();
            run.output = QStringLiteral("the app did not quit");
            return run;
        }
        run.output = QString::fromLocal8Bit(process.readAll());
        run.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
        return run;
    }

    /// "tag-library: HOW: tagged X of Y" -> {X, Y}; {-1, -1} when absent.
    static QPair<int, int> tagged(const QString &output, const QString &how)
    {
        const QRegularExpression re(QStringLiteral("tag-library: %1: tagged (\\d+) of (\\d+)").arg(how));
        const auto m = re.match(output);
        return m.hasMatch() ? QPair<int, int>{m.captured(1).toInt(), m.captured(2).toInt()} : QPair<int, int>{-1, -1};
    }

private Q_SLOTS:
    void tagLibraryGoesOnAfterARestart()
    {
        const auto bundle = engine::ModelBundle::open(QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/instruments.tlmodel"));
        QVERIFY(bundle);
        const QString version = bundle->manifest().version;
        const QString dir = tests::tempDir(QStringLiteral("mainwindowlibrary"));
        const QString music = dir + QStringLiteral("/music/sub");
        QVERIFY(QDir().mkpath(music));
        for (int i = 0; i < 6; ++i)
            QVERIFY(tests::writeToneWav(QStringLiteral("%1/t%2.wav").arg(music).arg(i), 3.0, 200.0 + 50 * i));
        const QString store = dir + QStringLiteral("/store.sqlite");

        const Run first = runApp(dir, {QStringLiteral("--store"), store, QStringLiteral("--model"), QStringLiteral("instruments"),
                                       QStringLiteral("--add-to-library"), dir + QStringLiteral("/music"),
                                       QStringLiteral("--tag-library"), QStringLiteral("2")});
        QVERIFY2(first.code == 0, qPrintable(first.output));
        QVERIFY2(first.output.contains(QStringLiteral("Added 6 track(s)")), qPrintable(first.output));
        QCOMPARE(tagged(first.output, QStringLiteral("stopped")), (QPair<int, int>{2, 6}));

        auto runs = [&]() {
            QHash<QString, int> perTrack;
            const auto entries = engine::LibraryCatalogue::list(store, 0);
            if (!entries)
                return perTrack;
            for (const auto &e : entries.value()) {
                perTrack.insert(e.row.path, 0);
                for (const auto &r : e.runs)
                    perTrack[e.row.path] += r.modelVersion == version ? 1 : 0;
            }
            return perTrack;
        };
        const auto afterFirst = runs();
        QCOMPARE(afterFirst.size(), 6);
        int done = 0;
        for (int n : afterFirst)
            done += n;
        // Two were counted; a track already inferred when the run stopped is saved too.
        QVERIFY2(done >= 2 && done < 6, qPrintable(QString::number(done)));

        // A new window on the same store: only the rest.
        const Run second = runApp(dir, {QStringLiteral("--store"), store, QStringLiteral("--model"), QStringLiteral("instruments"),
                                        QStringLiteral("--tag-library"), QStringLiteral("0")});
        QVERIFY2(second.code == 0, qPrintable(second.output));
        QCOMPARE(tagged(second.output, QStringLiteral("finished")), (QPair<int, int>{6 - done, 6 - done}));
        const auto afterSecond = runs();
        QCOMPARE(afterSecond.size(), 6);
        for (auto it = afterSecond.constBegin(); it != afterSecond.constEnd(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));   // every track once

        // A third has nothing to do.
        const Run third = runApp(dir, {QStringLiteral("--store"), store, QStringLiteral("--model"), QStringLiteral("instruments"),
                                       QStringLiteral("--tag-library"), QStringLiteral("0")});
        QVERIFY2(third.code == 0, qPrintable(third.output));
        QCOMPARE(tagged(third.output, QStringLiteral("finished")), (QPair<int, int>{0, 0}));
    }
};

QTEST_GUILESS_MAIN(tst_MainWindowLibrary)
#include "tst_mainwindowlibrary.moc"
