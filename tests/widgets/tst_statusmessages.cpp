// SPDX-License-Identifier: GPL-3.0-or-later
// Transient status messages sit left of the permanent widgets and never over
// them (QStatusBar::showMessage paints across the whole bar), every message
// ends, and a refused edit's reason goes once an edit succeeds.
#include "widgets/track/trackview.h"
#include "widgets/window/statusmessages.h"

#include <QLabel>
#include <QMainWindow>
#include <QStatusBar>
#include <QStatusTipEvent>
#include <QUndoCommand>
#include <QUndoStack>
#include <QtTest>

using namespace taglane;

class tst_StatusMessages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void longMessageNeverCoversThePermanentWidgets()
    {
        QMainWindow window;
        window.resize(700, 300);
        auto *facts = new QLabel(QStringLiteral("battle.ogg | 5:18.2 | 44100 Hz | stereo | OGG (OGG Container format), Vorbis"));
        window.statusBar()->addPermanentWidget(facts);
        widgets::StatusMessages messages(&window);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString text = QStringLiteral("Tagged battle.ogg with Taglane default (synthetic corpus, 14 tags) on CPU "
                                            "(2 threads) in 22.2 s (model 0.5 s, inference 20.4 s); %1")
                                 .arg(QString(200, QLatin1Char('x')));
        messages.show(text);
        QApplication::processEvents();
        QCOMPARE(messages.text(), text);
        QVERIFY(window.statusBar()->currentMessage().isEmpty());   // not QStatusBar's own message
        QLabel *label = messages.label();
        QVERIFY(label->isVisible());
        QVERIFY(!label->geometry().intersects(facts->geometry()));
        QVERIFY(label->geometry().right() < facts->geometry().left());
        QVERIFY(label->text() != text);   // elided to the room it has
        QVERIFY(label->fontMetrics().horizontalAdvance(label->text()) <= label->contentsRect().width());
        QCOMPARE(label->toolTip(), text);
    }

    void everyMessageEnds()
    {
        QMainWindow window;
        widgets::StatusMessages messages(&window);
        messages.show(QStringLiteral("Opened battle.ogg in 1.2 s."), 30);
        QCOMPARE(messages.text(), QStringLiteral("Opened battle.ogg in 1.2 s."));
        QTRY_VERIFY(messages.text().isEmpty());
        QVERIFY(messages.label()->text().isEmpty());

        // Work in progress stays until its topic is cleared.
        messages.showBusy(QStringLiteral("Tagging..."), QStringLiteral("tagging"));
        messages.clear(QStringLiteral("retrain"));
        QCOMPARE(messages.text(), QStringLiteral("Tagging..."));
        messages.clear(QStringLiteral("tagging"));
        QVERIFY(messages.text().isEmpty());
    }

    void refusedEditReasonGoesAfterAnEditThatWorked()
    {
        QMainWindow window;
        widgets::TrackView track;
        widgets::StatusMessages messages(&window);
        messages.followTrack(&track);
        const QString refused = QStringLiteral("Cannot split there: it would leave a segment shorter than 0.5 s.");
        Q_EMIT track.statusMessage(refused);
        QCOMPARE(messages.text(), refused);
        QCOMPARE(messages.topic(), QStringLiteral("edit"));
        track.undoStack()->push(new QUndoCommand(QStringLiteral("Split segment")));   // a split that worked
        QVERIFY2(messages.text().isEmpty(), qPrintable(messages.text()));
        // Another subject's message is not cleared by an edit.
        messages.show(QStringLiteral("New model version saved."));
        track.undoStack()->undo();
        QCOMPARE(messages.text(), QStringLiteral("New model version saved."));
    }

    void statusTipsGoThroughTheMessageLabel()
    {
        QMainWindow window;
        widgets::StatusMessages messages(&window);
        messages.show(QStringLiteral("Opened battle.ogg."));
        QStatusTipEvent tip(QStringLiteral("/usr/share/music/battle.ogg"));
        QApplication::sendEvent(&window, &tip);
        QCOMPARE(messages.text(), QStringLiteral("/usr/share/music/battle.ogg"));
        QVERIFY(window.statusBar()->currentMessage().isEmpty());
        QStatusTipEvent none{QString()};
        QApplication::sendEvent(&window, &none);
        QCOMPARE(messages.text(), QStringLiteral("Opened battle.ogg."));
    }
};

QTEST_MAIN(tst_StatusMessages)
#include "tst_statusmessages.moc"
