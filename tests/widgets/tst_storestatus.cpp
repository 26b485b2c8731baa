// SPDX-License-Identifier: GPL-3.0-or-later
// The "not saved" mark: shown when the store cannot save an edit, kept
// while edits keep failing, gone once an edit commits again.
#include "widgets/track/storestatuslabel.h"

#include "engine/store/annotationstore.h"

#include "testsupport.h"

#include <QSignalSpy>
#include <QtTest>

using namespace taglane;

class tst_StoreStatus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsUntilEditsCommitAgain()
    {
        const QString path = tests::tempDir(QStringLiteral("store-status")) + QStringLiteral("/store.db");
        engine::AnnotationStore store;
        QVERIFY(store.open(path).ok());
        store.setVocabulary(engine::Vocabulary::fromNames({QStringLiteral("Genre-Rock")}));
        widgets::StoreStatusLabel label;
        label.setStore(&store);
        QSignalSpy appeared(&label, &widgets::StoreStatusLabel::problemAppeared);
        QSignalSpy gone(&label, &widgets::StoreStatusLabel::problemGone);
        QVERIFY(label.isHidden());

        // A verdict on a segment the store does not have cannot be saved.
        const qint64 rock = store.tagId(QStringLiteral("Genre-Rock"));
        engine::TrackRecord t;
        t.path = QStringLiteral("/music/x.wav");
        t.contentHash = QStringLiteral("abc");
        const qint64 track = store.addTrack(t)->id;
        store.setVerdict(track, 424242, rock, engine::Verdict::Present);
        QTRY_VERIFY(!label.isHidden());
        QCOMPARE(appeared.size(), 1);
        QVERIFY2(label.problem().contains(QLatin1String("FOREIGN KEY")), qPrintable(label.problem()));
        QCOMPARE(label.toolTip(), label.problem());

        // The same failure again: still shown, no second alarm.
        store.setVerdict(track, 424243, rock, engine::Verdict::Present);
        QVERIFY(store.waitForDurable(store.lastEditSeq()));
        QCoreApplication::processEvents();
        QVERIFY(!label.isHidden());
        QCOMPARE(gone.size(), 0);

        // A good edit commits: the mark goes.
        const auto seg = store.saveSegmentation(track, engine::Segmentation::fixedWindows(10.0, 5.0), engine::SegmentSource::Fixed);
        store.setVerdict(track, seg->at(0).id, rock, engine::Verdict::Present);
        QTRY_VERIFY(label.isHidden());
        QCOMPARE(gone.size(), 1);
        QVERIFY(label.problem().isEmpty());
    }
};

QTEST_MAIN(tst_StoreStatus)
#include "tst_storestatus.moc"
