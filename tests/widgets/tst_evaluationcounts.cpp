// SPDX-License-Identifier: GPL-3.0-or-later
// Every figure of the evaluation table (and so of the retrain results) stands
// next to the counts it came from, and tags with fewer than about ten
// present or absent segments are flagged: a ROC-AUC of 1.000 on 3 present
// and 1 absent held-out segments says little.
#include "widgets/evaluation/evaluationview.h"

#include <QLabel>
#include <QtTest>

using namespace taglane;

namespace {
engine::TagMetrics metrics(int present, int absent, double roc)
{
    engine::TagMetrics m;
    m.positives = present;
    m.negatives = absent;
    m.known = present + absent;
    m.rocAuc = roc;
    m.averagePrecision = roc;
    m.f1 = roc;
    return m;
}

widgets::EvaluationView::Side side(const QString &label, double roc)
{
    widgets::EvaluationView::Side s;
    s.label = label;
    s.tags = engine::Vocabulary::fromNames({QStringLiteral("tiny"), QStringLiteral("plenty")});
    s.report.perTag = {metrics(3, 1, roc), metrics(40, 60, 0.8)};
    s.report.macroRocAuc = (roc + 0.8) / 2.0;
    return s;
}
} // namespace

class tst_EvaluationCounts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void smallHeldOutSetsAreFlagged()
    {
        widgets::EvaluationView view;
        view.showComparison(side(QStringLiteral("Before"), 0.5), side(QStringLiteral("After"), 1.0));
        QCOMPARE(view.cellText(QStringLiteral("tiny"), 1), QStringLiteral("3 / 1"));
        const QString warning = view.smallSampleWarning();
        QVERIFY2(warning.contains(QStringLiteral("tiny (3 / 1)")), qPrintable(warning));
        QVERIFY2(!warning.contains(QStringLiteral("plenty")), qPrintable(warning));
        auto *label = view.findChild<QLabel *>(QStringLiteral("smallSampleWarning"));
        QVERIFY(label);
        QVERIFY(!label->isHidden());
        // The summary rows show the counts they pool, not an empty cell.
        QCOMPARE(view.cellText(widgets::EvaluationView::macroLabel(), 1), QStringLiteral("43 / 61"));
        QCOMPARE(view.cellText(widgets::EvaluationView::microLabel(), 1), QStringLiteral("43 / 61"));
    }

    void noWarningWithEnoughOfBothClasses()
    {
        widgets::EvaluationView view;
        widgets::EvaluationView::Side s = side(QStringLiteral("Model"), 0.9);
        s.report.perTag[0] = metrics(12, 10, 0.9);
        view.showSingle(s);
        QVERIFY(view.smallSampleWarning().isEmpty());
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("smallSampleWarning"))->isHidden());
        QCOMPARE(view.cellText(widgets::EvaluationView::microLabel(), 1), QStringLiteral("52 / 70"));
    }

    void tagsAreShownByDisplayName()
    {
        widgets::EvaluationView view;
        widgets::EvaluationView::Side s = side(QStringLiteral("Model"), 0.9);
        s.tags = engine::Vocabulary::fromNames({QStringLiteral("Instrument_-_Strings"), QStringLiteral("Song-Fast_Tempo")});
        view.showSingle(s);
        QCOMPARE(view.cellText(QStringLiteral("Strings"), 1), QStringLiteral("3 / 1"));
        QCOMPARE(view.cellText(QStringLiteral("Instrument_-_Strings"), 1), QStringLiteral("3 / 1"));   // found by identifier too
        QVERIFY2(view.smallSampleWarning().contains(QStringLiteral("Strings (3 / 1)")), qPrintable(view.smallSampleWarning()));
    }
};

QTEST_MAIN(tst_EvaluationCounts)
#include "tst_evaluationcounts.moc"
