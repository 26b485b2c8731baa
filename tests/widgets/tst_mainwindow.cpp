// SPDX-License-Identifier: GPL-3.0-or-later
// The main window end to end: the real `taglane` program on the offscreen
// platform, with a temporary store, settings and data folder, writing what
// it built through the hidden --probe option (menus, shortcuts, status bar).
#include "silentwav.h"
#include "testsupport.h"
#include "tstranslation.h"

#include "engine/store/contenthash.h"
#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRect>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtTest>

using namespace taglane;

namespace {

QRect rectOf(const QJsonValue &v)
{
    const QJsonObject o = v.toObject();
    return QRect(o.value(QStringLiteral("x")).toInt(), o.value(QStringLiteral("y")).toInt(),
                 o.value(QStringLiteral("width")).toInt(), o.value(QStringLiteral("height")).toInt());
}

} // namespace

class tst_MainWindow : public QObject
{
    Q_OBJECT

    struct Run
    {
        QJsonObject probe;
        QString output;
        bool ok = false;
    };

    /// Runs taglane --store STORE --probe JSON [file] with the given extra
    /// environment in `dir`, and reads the probe.
    /// Runs taglane with `args` (and `env`) in `dir`; returns its exit code
    /// (-1 when it did not quit) and output.
    static int runApp(const QString &dir, const QStringList &args, const QStringList &env, QString *output,
                      int timeoutMs = 120000)
    {
        QProcess process;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), dir + QStringLiteral("/config"));
        e.insert(QStringLiteral("XDG_DATA_HOME"), dir + QStringLiteral("/data"));
        e.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
        e.remove(QStringLiteral("LANGUAGE"));
        for (const QString &kv : env)
            e.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
        process.setProcessEnvironment(e);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(TAGLANE_APP_PATH), args);
        if (!process.waitForStarted() || !process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished(5000);
            *output = QString::fromLocal8Bit(process.readAll()) + QStringLiteral("\n(the app did not quit)");
            return -1;
        }
        *output = QString::fromLocal8Bit(process.readAll());
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

    /// A store with one track (a silent WAV of `seconds` in `dir`), fixed
    /// 3 s segments, and verdicts on `tag`: present on every other segment.
    static QString seedStore(const QString &dir, const QString &tag, double seconds, QString *wavPath)
    {
        const QString wav = dir + QStringLiteral("/quiet.wav");
        if (!tests::writeSilentWav(wav, seconds, 16000))
            return {};
        *wavPath = wav;
        const QString path = dir + QStringLiteral("/store.sqlite");
        engine::AnnotationStore store;
        if (!store.open(path).ok())
            return {};
        const engine::Vocabulary vocab = engine::Vocabulary::fromNames({tag});
        store.setVocabulary(vocab);
        const QVector<qint64> tags = store.tagIds(vocab.names());
        engine::TrackRecord t;
        t.path = wav;
        const auto hash = engine::ContentHash::ofFile(wav);
        t.contentHash = hash.ok() ? hash.value() : QStringLiteral("quiet");
        t.durationSeconds = seconds;
        const auto added = store.addTrack(t);
        if (!added.ok())
            return {};
        const auto segments = store.saveSegmentation(added->id, engine::Segmentation::fixedWindows(seconds, 3.0),
                                                     engine::SegmentSource::Fixed);
        if (!segments.ok())
            return {};
        QVector<engine::VerdictEdit> edits;
        for (int i = 0; i < segments->size(); ++i)
            edits.push_back({segments->at(i).id, tags[0], i % 2 == 0 ? engine::Verdict::Present : engine::Verdict::Absent});
        store.setVerdicts(added->id, edits);
        if (!store.waitForDurable(store.lastEditSeq()))
            return {};
        return path;
    }

    Run probe(const QString &dir, const QStringList &env, const QString &file = {}, bool withStore = true)
    {
        Run run;
        QProcess process;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), dir + QStringLiteral("/config"));
        e.insert(QStringLiteral("XDG_DATA_HOME"), dir + QStringLiteral("/data"));
        e.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
        e.remove(QStringLiteral("LANGUAGE"));
        for (const QString &kv : env)
            e.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
        process.setProcessEnvironment(e);
        process.setProcessChannelMode(QProcess::MergedChannels);
        const QString json = dir + QStringLiteral("/probe.json");
        QFile::remove(json);
        QStringList args;
        if (withStore)
            args << QStringLiteral("--store") << dir + QStringLiteral("/store.sqlite");
        args << QStringLiteral("--probe") << json;
        if (!file.isEmpty())
            args << file;
        process.start(QStringLiteral(TAGLANE_APP_PATH), args);
        if (!process.waitForStarted() || !process.waitForFinished(120000)) {
            process.kill();
            run.output = QStringLiteral("the app did not quit");
            return run;
        }
        run.output = QString::fromLocal8Bit(process.readAll());
        QFile f(json);
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
            run.output += QStringLiteral("\n[the app %1 with status %2]")
                              .arg(process.exitStatus() == QProcess::NormalExit ? QStringLiteral("exited")
                                                                                : QStringLiteral("crashed"))
                              .arg(process.exitCode());
            return run;
        }
        if (!f.open(QIODevice::ReadOnly)) {
            run.output += QStringLiteral("\n[no probe file %1]").arg(json);
            return run;
        }
        run.probe = QJsonDocument::fromJson(f.readAll()).object();
        run.ok = !run.probe.isEmpty();
        return run;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo(QStringLiteral(TAGLANE_APP_PATH)).isExecutable())
            QSKIP("the taglane executable is not built");
    }

    /// The shortcuts a probe lists that more than one binding claims.
    static QStringList clashes(const QJsonObject &probe, QMap<QString, QStringList> *ownersOut)
    {
        QMap<QString, QStringList> owners;
        for (const QJsonValue &v : probe.value(QStringLiteral("shortcuts")).toArray()) {
            const QJsonObject o = v.toObject();
            owners[o.value(QStringLiteral("sequence")).toString()] << o.value(QStringLiteral("owner")).toString();
        }
        QStringList out;
        for (auto it = owners.cbegin(); it != owners.cend(); ++it) {
            if (it.value().size() > 1)
                out << it.key() + QStringLiteral(": ") + it.value().join(QStringLiteral(", "));
        }
        *ownersOut = owners;
        return out;
    }

    void everyShortcutHasOneOwner()
    {
        // Qt runs nothing and warns "Ambiguous shortcut overload" when two
        // actions (or one action twice) bind a sequence: Ctrl+Shift+Z did nothing.
        const QString dir = tests::tempDir(QStringLiteral("mainwindow-shortcuts"));
        const Run run = probe(dir, {});
        QVERIFY2(run.ok, qPrintable(run.output));
        QMap<QString, QStringList> owners;
        const QStringList clash = clashes(run.probe, &owners);
        QVERIFY(owners.size() >= 15);   // the menus' and the track view's actions were walked
        QVERIFY2(clash.isEmpty(), qPrintable(clash.join(QLatin1Char('\n'))));
        QCOMPARE(owners.value(QStringLiteral("Ctrl+Shift+Z")), QStringList{QStringLiteral("Redo")});
        QCOMPARE(owners.value(QStringLiteral("Ctrl+Z")), QStringList{QStringLiteral("Undo")});
        QVERIFY(run.probe.value(QStringLiteral("duplicateShortcuts")).toArray().isEmpty());
    }

    void everyShortcutHasOneOwnerOnX11()
    {
        // The standard keys depend on the platform: on X11 "Redo" already is
        // Ctrl+Shift+Z (on the offscreen platform it is Ctrl+Y), so the clash
        // showed there only. Run the window on a private Xvfb.
        const QString xvfb = QStandardPaths::findExecutable(QStringLiteral("Xvfb"));
        if (xvfb.isEmpty())
            QSKIP("Xvfb is not installed");
        QProcess server;
        server.setProcessChannelMode(QProcess::SeparateChannels);
        server.start(xvfb, {QStringLiteral("-displayfd"), QStringLiteral("1"), QStringLiteral("-screen"), QStringLiteral("0"),
                            QStringLiteral("1280x800x24"), QStringLiteral("-nolisten"), QStringLiteral("tcp")});
        QVERIFY(server.waitForStarted());
        QByteArray number;
        for (int i = 0; i < 100 && !number.contains('\n'); ++i) {
            server.waitForReadyRead(100);
            number += server.readAllStandardOutput();
        }
        number = number.trimmed();
        if (number.isEmpty()) {
            server.kill();
            server.waitForFinished();
            QSKIP("Xvfb did not start");
        }
        const QString dir = tests::tempDir(QStringLiteral("mainwindow-shortcuts-x11"));
        const Run run = probe(dir, {QStringLiteral("QT_QPA_PLATFORM=xcb"), QStringLiteral("DISPLAY=:") + QString::fromLatin1(number)});
        server.terminate();
        server.waitForFinished(5000);
        QVERIFY2(run.ok, qPrintable(run.output));
        QMap<QString, QStringList> owners;
        const QStringList clash = clashes(run.probe, &owners);
        QVERIFY2(clash.isEmpty(), qPrintable(clash.join(QLatin1Char('\n'))));
        QCOMPARE(owners.value(QStringLiteral("Ctrl+Shift+Z")), QStringList{QStringLiteral("Redo")});
        QCOMPARE(owners.value(QStringLiteral("Ctrl+Q")), QStringList{QStringLiteral("Quit")});
    }

    void menusAreTranslatedUnderZhCN()
    {
        const QString dir = tests::tempDir(QStringLiteral("mainwindow-zh"));
        const Run run = probe(dir, {QStringLiteral("LC_ALL=zh_CN.UTF-8"), QStringLiteral("LANG=zh_CN.UTF-8"),
                                    QStringLiteral("LANGUAGE=zh_CN")});
        QVERIFY2(run.ok, qPrintable(run.output));
        const QJsonArray menus = run.probe.value(QStringLiteral("menus")).toArray();
        const QStringList english{QStringLiteral("&File"), QStringLiteral("&Edit"), QStringLiteral("&Model"),
                                  QStringLiteral("&View"), QStringLiteral("&Playback"), QStringLiteral("&Help")};
        QCOMPARE(menus.size(), english.size());
        for (int i = 0; i < english.size(); ++i) {
            const QString expected = tests::tsTranslation(QStringLiteral("MainWindow"), english[i]);
            QVERIFY2(!expected.isEmpty() && expected != english[i],
                     qPrintable(QStringLiteral("no zh_CN translation of %1 in the .ts").arg(english[i])));
            QCOMPARE(menus[i].toString(), expected);
        }
    }

    void menusStayEnglishUnderC()
    {
        const QString dir = tests::tempDir(QStringLiteral("mainwindow-c"));
        const Run run = probe(dir, {});
        QVERIFY2(run.ok, qPrintable(run.output));
        QCOMPARE(run.probe.value(QStringLiteral("menus")).toArray().first().toString(), QStringLiteral("&File"));
    }

    void statusMessagesNeverCoverThePermanentWidgets()
    {
        const QString dir = tests::tempDir(QStringLiteral("mainwindow-status"));
        const QString wav = dir + QStringLiteral("/quiet.wav");
        QVERIFY(tests::writeSilentWav(wav, 4.0, 22050));
        const Run run = probe(dir, {}, wav);
        QVERIFY2(run.ok, qPrintable(run.output));
        const QJsonObject status = run.probe.value(QStringLiteral("statusBar")).toObject();
        // QStatusBar::showMessage paints across the whole bar: not used.
        QVERIFY2(status.value(QStringLiteral("qtMessage")).toString().isEmpty(),
                 qPrintable(status.value(QStringLiteral("qtMessage")).toString()));
        const QString message = status.value(QStringLiteral("message")).toString();
        QVERIFY2(message.contains(QStringLiteral("quiet.wav")), qPrintable(message));   // "Opened quiet.wav in ..."
        QVERIFY(!message.contains(QStringLiteral("Opening")));
        const QRect messageRect = rectOf(status.value(QStringLiteral("messageRect")));
        QVERIFY(messageRect.width() > 0);
        const QJsonArray permanent = status.value(QStringLiteral("permanent")).toArray();
        QVERIFY(!permanent.isEmpty());
        for (const QJsonValue &v : permanent) {
            const QJsonObject w = v.toObject();
            QVERIFY2(!rectOf(w.value(QStringLiteral("rect"))).intersects(messageRect),
                     qPrintable(w.value(QStringLiteral("name")).toString()));
            // The hint to open a file is gone once one is open.
            QVERIFY2(!w.value(QStringLiteral("text")).toString().contains(QStringLiteral("Open an audio file")),
                     qPrintable(w.value(QStringLiteral("text")).toString()));
        }
    }

    void dataFolderIsTheReadmes()
    {
        // README: the default store is ~/.local/share/Taglane/taglane.sqlite.
        const QString dir = tests::tempDir(QStringLiteral("mainwindow-datafolder"));
        const Run run = probe(dir, {});
        QVERIFY2(run.ok, qPrintable(run.output));
        QCOMPARE(QDir::cleanPath(run.probe.value(QStringLiteral("defaultStorePath")).toString()),
                 QDir::cleanPath(dir + QStringLiteral("/data/Taglane/taglane.sqlite")));
        QFile readme(QStringLiteral(TAGLANE_SOURCE_DIR "/README.md"));
        QVERIFY(readme.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(readme.readAll()).contains(QStringLiteral("`~/.local/share/Taglane/taglane.sqlite`")));
    }

    void exportActionWritesTheLibrary()
    {
        // File > Export in the real window, on a temporary store.
        const QString dir = tests::tempDir(QStringLiteral("mainwindow-export"));
        QString wav;
        const QString store = seedStore(dir, QStringLiteral("Genre-Rock"), 12.0, &wav);
        QVERIFY(!store.isEmpty());
        const QString out = dir + QStringLiteral("/out");
        QString output;
        const int code = runApp(dir, {QStringLiteral("--store"), store, QStringLiteral("--export-to"), out}, {}, &output);
        QVERIFY2(code == 0, qPrintable(output));
        QFile catalogue(out + QStringLiteral("/catalogue.csv"));
        QVERIFY2(catalogue.open(QIODevice::ReadOnly), qPrintable(output));
        const QString text = QString::fromUtf8(catalogue.readAll());
        QVERIFY2(text.contains(QStringLiteral("quiet.wav")) && text.contains(QStringLiteral("Genre-Rock")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("curator")));
    }

    void retrainActionWritesANewVersion()
    {
        // Model > Retrain in the real window: tag the open track with the
        // shipped model, retrain it on the store's verdicts (one epoch),
        // switch to the new version and re-tag; the version lands in the
        // user's model folder with the default as its parent.
        const QString bundle = QStringLiteral(TAGLANE_SOURCE_DIR "/resources/models/default.tlmodel");
        const auto base = engine::ModelBundle::open(bundle);
        QVERIFY2(base.ok(), qPrintable(base.error()));
        const QString tag = base->manifest().tags.names().front();
        const QString dir = tests::tempDir(QStringLiteral("mainwindow-retrain"));
        QString wav;
        const QString store = seedStore(dir, tag, 48.0, &wav);
        QVERIFY(!store.isEmpty());
        const QString prefix = dir + QStringLiteral("/shot");
        QString output;
        const int code = runApp(dir, {QStringLiteral("--store"), store, QStringLiteral("--tag-with"), bundle, wav},
                                {QStringLiteral("TAGLANE_SCRIPT_RETRAIN=") + prefix,
                                 QStringLiteral("TAGLANE_SCRIPT_RETRAIN_EPOCHS=1")},
                                &output, 400000);
        QVERIFY2(code == 0, qPrintable(output));
        QVERIFY2(!output.contains(QStringLiteral("retrain failed")) && !output.contains(QStringLiteral("did not start")),
                 qPrintable(output));
        QVERIFY2(QFileInfo::exists(prefix + QStringLiteral("-results.png")), qPrintable(output));
        const QStringList versions = QDir(dir + QStringLiteral("/data/Taglane/models"))
                                         .entryList({QStringLiteral("*.tlmodel")}, QDir::Dirs);
        QCOMPARE(versions.size(), 1);
        const auto made = engine::ModelBundle::open(dir + QStringLiteral("/data/Taglane/models/") + versions.front());
        QVERIFY2(made.ok(), qPrintable(made.error()));
        QCOMPARE(made->manifest().parentVersion, base->manifest().version);
    }

    void legacyDataFolderMovesWithNothingLost()
    {
        // A store and a retrained model where earlier versions kept them
        // (~/.local/share/Taglane/Taglane/) are found after the move.
        const QString dir = tests::tempDir(QStringLiteral("mainwindow-migrate"));
        const QString legacy = dir + QStringLiteral("/data/Taglane/Taglane");
        QVERIFY(QDir().mkpath(legacy + QStringLiteral("/models/mine.tlmodel")));
        QFile model(legacy + QStringLiteral("/models/mine.tlmodel/manifest.json"));
        QVERIFY(model.open(QIODevice::WriteOnly) && model.write("{}") == 2);
        model.close();
        // A real store, made by the app itself (--store).
        const Run seed = probe(dir + QStringLiteral("/seed"), {});
        QVERIFY2(seed.ok, qPrintable(seed.output));
        QVERIFY(QFile::copy(dir + QStringLiteral("/seed/store.sqlite"), legacy + QStringLiteral("/taglane.sqlite")));
        const qint64 size = QFileInfo(legacy + QStringLiteral("/taglane.sqlite")).size();
        QVERIFY(size > 0);
        const Run run = probe(dir, {}, {}, false);   // the default store
        QVERIFY2(run.ok, qPrintable(run.output));
        const QString now = dir + QStringLiteral("/data/Taglane");
        QVERIFY2(QFileInfo(now + QStringLiteral("/taglane.sqlite")).size() >= size, qPrintable(run.output));
        QVERIFY(QFileInfo::exists(now + QStringLiteral("/models/mine.tlmodel/manifest.json")));
        QVERIFY(!QFileInfo::exists(legacy));
        QVERIFY2(!run.probe.value(QStringLiteral("windowTitle")).toString().contains(QStringLiteral("read-only")),
                 qPrintable(run.output));
    }

    void legacyStoreIsKeptWhenTheNewPlaceIsTaken()
    {
        const QString dir = tests::tempDir(QStringLiteral("mainwindow-migrate-taken"));
        const QString legacy = dir + QStringLiteral("/data/Taglane/Taglane");
        QVERIFY(QDir().mkpath(legacy));
        const Run seed = probe(dir + QStringLiteral("/seed"), {});
        QVERIFY2(seed.ok, qPrintable(seed.output));
        QVERIFY(QFile::copy(dir + QStringLiteral("/seed/store.sqlite"), legacy + QStringLiteral("/taglane.sqlite")));
        QVERIFY(QFile::copy(dir + QStringLiteral("/seed/store.sqlite"), dir + QStringLiteral("/data/Taglane/taglane.sqlite")));
        const Run run = probe(dir, {}, {}, false);
        QVERIFY2(run.ok, qPrintable(run.output));
        QVERIFY(QFileInfo::exists(legacy + QStringLiteral("/taglane.sqlite")));   // never overwritten, never deleted
        QVERIFY2(run.output.contains(QStringLiteral("already exists")), qPrintable(run.output));
    }
};

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
