// SPDX-License-Identifier: GPL-3.0-or-later
// The export dialog writes the store's labels off the GUI thread in each
// format, for the selected tracks or the whole library, and for an open
// track from the lane.
#include "widgets/export/exportdialog.h"
#include "widgets/track/trackview.h"

#include "engine/jobs/inferenceplan.h"
#include "engine/jobs/inferenceprogress.h"
#include "engine/store/annotationstore.h"

#include "testsupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QtTest>

using namespace taglane;
using engine::Verdict;

class tst_ExportDialog : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    engine::AnnotationStore m_store;
    qint64 m_a = 0;
    qint64 m_b = 0;

    static QString read(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_dir = tests::tempDir(QStringLiteral("exportdialog"));
        QVERIFY(m_store.open(m_dir + QStringLiteral("/store.sqlite")).ok());
        const engine::Vocabulary vocab = engine::Vocabulary::fromNames({QStringLiteral("Genre-Rock"), QStringLiteral("Emotion-Happy")});
        m_store.setVocabulary(vocab);
        const QVector<qint64> tags = m_store.tagIds(vocab.names());
        engine::TrackRecord a, b;
        a.path = m_dir + QStringLiteral("/one.wav");
        a.contentHash = QStringLiteral("aa");
        a.durationSeconds = 20.0;
        b.path = m_dir + QStringLiteral("/two.wav");
        b.contentHash = QStringLiteral("bb");
        b.durationSeconds = 30.0;
        m_a = m_store.addTrack(a)->id;
        m_b = m_store.addTrack(b)->id;
        const auto sa = m_store.saveSegmentation(m_a, engine::Segmentation::fixedWindows(20.0, 10.0), engine::SegmentSource::Fixed).value();
        m_store.saveSegmentation(m_b, engine::Segmentation::fixedWindows(30.0, 10.0), engine::SegmentSource::Fixed);
        m_store.setVerdicts(m_a, {{sa.at(0).id, tags[0], Verdict::Present}, {sa.at(1).id, tags[1], Verdict::Absent}});
        QVERIFY(m_store.waitForDurable(m_store.lastEditSeq()));
    }

    void formatsAreListed()
    {
        QStringList ids;
        for (const auto &f : widgets::ExportDialog::formats())
            ids << f.id;
        for (const char *id : {"cal500-soft", "cal500-hard", "catalogue", "jams", "audacity", "sv"})
            QVERIFY(ids.contains(QLatin1String(id)));
    }

    void selectedTracksCal500()
    {
        const QString out = tests::tempDir(QStringLiteral("exportdialog-cal500"));
        widgets::ExportDialog dialog(nullptr, &m_store, {m_a});
        dialog.setFormat(QStringLiteral("cal500-hard"));
        dialog.setScope(widgets::ExportDialog::Scope::SelectedTracks);
        dialog.setOutputFolder(out);
        QSignalSpy done(&dialog, &widgets::ExportDialog::exportFinished);
        QVERIFY(dialog.startExport());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QVERIFY2(dialog.errors().isEmpty(), qPrintable(dialog.errors().join(QLatin1Char('\n'))));
        QCOMPARE(dialog.writtenFiles(), QStringList{out + QStringLiteral("/one.csv")});
        const QStringList lines = read(out + QStringLiteral("/one.csv")).split(QRegularExpression(QStringLiteral("\r?\n")), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);   // header + 2 segments
        QVERIFY(lines[0].startsWith(QStringLiteral("Start_Time,End_Time,")));
        QVERIFY2(lines[0].contains(QStringLiteral("Genre-Rock")), qPrintable(lines[0]));
        // Segment 1: rock judged present; segment 2: happy judged absent.
        const QStringList header = lines[0].split(QLatin1Char(','));
        const int rock = int(header.indexOf(QStringLiteral("Genre-Rock")));
        const int happy = int(header.indexOf(QStringLiteral("Emotion-Happy")));
        QCOMPARE(lines[1].split(QLatin1Char(','))[rock], QStringLiteral("1"));
        QCOMPARE(lines[2].split(QLatin1Char(','))[happy], QStringLiteral("0"));
        QVERIFY(!QFileInfo::exists(out + QStringLiteral("/two.csv")));
    }

    void audacityAndSonicVisualiser()
    {
        const QString out = tests::tempDir(QStringLiteral("exportdialog-labels"));
        widgets::ExportDialog dialog(nullptr, &m_store, {m_a, m_b});
        dialog.setScope(widgets::ExportDialog::Scope::SelectedTracks);
        dialog.setOutputFolder(out);
        dialog.setFormat(QStringLiteral("audacity"));
        QSignalSpy done(&dialog, &widgets::ExportDialog::exportFinished);
        QVERIFY(dialog.startExport());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QVERIFY2(dialog.errors().isEmpty(), qPrintable(dialog.errors().join(QLatin1Char('\n'))));
        QCOMPARE(dialog.writtenFiles().size(), 2);
        // Track one: rock judged present in its first segment [0, 10).
        const QString audacity = read(out + QStringLiteral("/one.txt"));
        QVERIFY2(audacity.contains(QStringLiteral("Genre-Rock")), qPrintable(audacity));
        QVERIFY(audacity.contains(QLatin1Char('\t')));

        dialog.setFormat(QStringLiteral("sv"));
        QVERIFY(dialog.startExport());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 10000);
        QCOMPARE(dialog.writtenFiles().size(), 2);
        QVERIFY2(dialog.writtenFiles().front().endsWith(QStringLiteral(".csv")), qPrintable(dialog.writtenFiles().front()));
        QVERIFY(read(dialog.writtenFiles().front()).contains(QStringLiteral("Genre-Rock")));
    }

    void wholeLibraryCatalogueAndJams()
    {
        const QString out = tests::tempDir(QStringLiteral("exportdialog-library"));
        widgets::ExportDialog dialog(nullptr, &m_store, {});
        dialog.setScope(widgets::ExportDialog::Scope::WholeLibrary);
        dialog.setOutputFolder(out);
        dialog.setFormat(QStringLiteral("catalogue"));
        QSignalSpy done(&dialog, &widgets::ExportDialog::exportFinished);
        QVERIFY(dialog.startExport());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QCOMPARE(dialog.writtenFiles(), QStringList{out + QStringLiteral("/catalogue.csv")});
        const QString catalogue = read(out + QStringLiteral("/catalogue.csv"));
        QVERIFY(catalogue.contains(QStringLiteral("one.wav")));
        QVERIFY(catalogue.contains(QStringLiteral("curator")));

        dialog.setFormat(QStringLiteral("jams"));
        QVERIFY(dialog.startExport());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 10000);
        QCOMPARE(dialog.writtenFiles().size(), 2);
        const auto doc = QJsonDocument::fromJson(read(out + QStringLiteral("/two.jams")).toUtf8());
        QVERIFY(doc.isObject());
        QVERIFY(doc.object().contains(QStringLiteral("annotations")));
        QVERIFY(dialog.statusText().contains(QStringLiteral("2")));
    }

    void everyMnemonicLabelHasABuddy()
    {
        // A QLabel shows "&Folder:" literally unless it has a buddy.
        widgets::ExportDialog dialog(nullptr, &m_store, {m_a});
        dialog.show();
        int labelled = 0;
        for (QLabel *label : dialog.findChildren<QLabel *>()) {
            if (!label->text().contains(QLatin1Char('&')))
                continue;
            ++labelled;
            QVERIFY2(label->buddy(), qPrintable(label->text()));
        }
        QVERIFY(labelled >= 4);   // format, tracks, folder, threshold
    }

    void resultClearsWhenTheFormatChanges()
    {
        const QString out = tests::tempDir(QStringLiteral("exportdialog-reset"));
        widgets::ExportDialog dialog(nullptr, &m_store, {m_a});
        dialog.setFormat(QStringLiteral("cal500-soft"));
        dialog.setScope(widgets::ExportDialog::Scope::SelectedTracks);
        dialog.setOutputFolder(out);
        QSignalSpy done(&dialog, &widgets::ExportDialog::exportFinished);
        QVERIFY(dialog.startExport());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QVERIFY(dialog.statusText().contains(QStringLiteral("Wrote")));
        dialog.setFormat(QStringLiteral("jams"));
        QVERIFY2(dialog.statusText().isEmpty(), qPrintable(dialog.statusText()));
        // ... and when the tracks change.
        QVERIFY(dialog.startExport());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 10000);
        QVERIFY(!dialog.statusText().isEmpty());
        dialog.setScope(widgets::ExportDialog::Scope::WholeLibrary);
        QVERIFY(dialog.statusText().isEmpty());
    }

    void thisTrackFromTheLane()
    {
        // No store: the open track's lane (model probabilities) is exported.
        TAGLANE_REQUIRE_SHARED(wav, "fixtures/reference/mtat_joram_solipsism.16k.wav");
        widgets::TrackView view;
        QSignalSpy loaded(&view, &widgets::TrackView::trackLoaded);
        view.openFile(wav);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 60000);
        engine::InferencePlan plan;
        plan.trackPath = wav;
        plan.tags = engine::Vocabulary::fromNames({QStringLiteral("guitar"), QStringLiteral("piano")});
        plan.segments = engine::Segmentation::fixedWindows(view.track()->audio.mono.durationSeconds(), 10.0);
        view.beginInference(plan);
        engine::InferenceProgress progress;
        for (int s = 0; s < plan.segments.size(); ++s)
            progress.segmentRows.push_back({0.25f, 0.75f});
        view.addInferenceRows(progress);

        const engine::TrackLabels labels = widgets::ExportDialog::labelsFromView(&view);
        QCOMPARE(labels.segments.size(), plan.segments.size());
        QVERIFY(labels.isConsistent());
        QCOMPARE(labels.cell(0, labels.tags.indexOf(QStringLiteral("piano"))).probability, 0.75f);

        const QString out = tests::tempDir(QStringLiteral("exportdialog-track"));
        widgets::ExportDialog dialog(&view, nullptr, {});
        QCOMPARE(dialog.scope(), widgets::ExportDialog::Scope::ThisTrack);
        dialog.setFormat(QStringLiteral("cal500-soft"));
        dialog.setOutputFolder(out);
        QSignalSpy done(&dialog, &widgets::ExportDialog::exportFinished);
        QVERIFY(dialog.startExport());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        const QString csv = read(out + QStringLiteral("/mtat_joram_solipsism.16k.csv"));
        QVERIFY2(csv.contains(QStringLiteral("0.75")), qPrintable(csv.left(300)));

        // Library scopes without a store say so and write nothing.
        dialog.setScope(widgets::ExportDialog::Scope::WholeLibrary);
        QVERIFY(!dialog.startExport());
        QVERIFY(!dialog.statusText().isEmpty());
    }
};

QTEST_MAIN(tst_ExportDialog)
#include "tst_exportdialog.moc"
