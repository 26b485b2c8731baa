// SPDX-License-Identifier: GPL-3.0-or-later
// The tag-lane model (checked by QAbstractItemModelTester) and its view's rows.
#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/timeline/timeaxis.h"

#include "engine/model/vocabulary.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

#include <algorithm>

using taglane::engine::Vocabulary;
using taglane::widgets::TagLaneModel;
using taglane::widgets::TagLaneView;
using taglane::widgets::TimeAxis;

class TstTagLaneModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneRowPerBundledTag()
    {
        const Vocabulary vocabulary = Vocabulary::bundledDefault();
        QVERIFY(vocabulary.size() > 10);
        TagLaneModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setVocabulary(vocabulary);
        QCOMPARE(model.rowCount(), vocabulary.size());
        QCOMPARE(model.columnCount(), 0);   // no segments before inference
        // Every tag appears exactly once, and rows are grouped by category.
        QStringList seen;
        QStringList categoryOrder;
        for (int r = 0; r < model.rowCount(); ++r) {
            seen << model.headerData(r, Qt::Vertical, TagLaneModel::TagNameRole).toString();
            const QString category = model.categoryOfRow(r);
            if (model.startsCategory(r)) {
                QVERIFY2(!categoryOrder.contains(category), qPrintable(category));
                categoryOrder << category;
            } else {
                QCOMPARE(category, model.categoryOfRow(r - 1));
            }
        }
        QStringList names = vocabulary.names();
        std::sort(names.begin(), names.end());
        std::sort(seen.begin(), seen.end());
        QCOMPARE(seen, names);
        QCOMPARE(categoryOrder, vocabulary.categories());
    }

    void cellsHoldProbabilityAndVerdict()
    {
        TagLaneModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setVocabulary(Vocabulary::fromNames({QStringLiteral("Emotion-Happy"), QStringLiteral("Genre-Rock"),
                                                   QStringLiteral("Emotion-Sad")}));
        model.setSegments({{0.0, 10.0}, {10.0, 20.0}});
        QCOMPARE(model.columnCount(), 2);
        // Grouped: both Emotion tags come before Genre.
        QCOMPARE(model.categoryOfRow(0), QStringLiteral("Emotion"));
        QCOMPARE(model.categoryOfRow(1), QStringLiteral("Emotion"));
        QCOMPARE(model.categoryOfRow(2), QStringLiteral("Genre"));
        const int sad = model.rowOfTag(QStringLiteral("Emotion-Sad"));
        QCOMPARE(sad, 1);

        QVERIFY(!model.index(sad, 1).data(TagLaneModel::ProbabilityRole).isValid());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setProbability(sad, 1, 0.75);
        model.setVerdict(sad, 1, TagLaneModel::Present);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(model.index(sad, 1).data(TagLaneModel::ProbabilityRole).toDouble(), 0.75);
        QCOMPARE(model.index(sad, 1).data(TagLaneModel::VerdictRole).toInt(), int(TagLaneModel::Present));
        QCOMPARE(model.index(sad, 0).data(TagLaneModel::VerdictRole).toInt(), int(TagLaneModel::Unknown));
        QVERIFY(!model.setData(model.index(sad, 0), 7, TagLaneModel::VerdictRole));
        QCOMPARE(model.headerData(1, Qt::Horizontal, TagLaneModel::SegmentStartRole).toDouble(), 10.0);
        model.setProbability(0, 0, 3.0);   // clamped
        QCOMPARE(model.index(0, 0).data(TagLaneModel::ProbabilityRole).toDouble(), 1.0);
    }

    void displayNamesDropCategoryPrefix()
    {
        QCOMPARE(TagLaneModel::displayName({QStringLiteral("Emotion-Calming_/_Soothing"), QStringLiteral("Emotion")}),
                 QStringLiteral("Calming / Soothing"));
        QCOMPARE(TagLaneModel::displayName({QStringLiteral("Instrument_-_Electric_Guitar_(clean)"),
                                            QStringLiteral("Instrument")}),
                 QStringLiteral("Electric Guitar (clean)"));
        QCOMPARE(TagLaneModel::displayName({QStringLiteral("plain"), QStringLiteral("Other")}), QStringLiteral("plain"));
    }

    void viewLaysOutRowsUnderCategories()
    {
        TimeAxis axis;
        axis.setTotalDuration(30.0);
        TagLaneModel model;
        model.setVocabulary(Vocabulary::bundledDefault());
        TagLaneView view(&axis);
        view.setModel(&model);
        view.resize(800, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const int categories = model.vocabulary().categories().size();
        QCOMPARE(view.contentHeight(),
                 model.rowCount() * TagLaneView::rowHeight + categories * TagLaneView::categoryHeight);
        // The first row sits under its category header.
        QCOMPARE(view.rowAt(TagLaneView::categoryHeight + 2), 0);
        QCOMPARE(view.rowAt(2), -1);
        // Scrolling moves rows up; the offset is clamped.
        view.setVerticalOffset(TagLaneView::rowHeight * 3);
        QCOMPARE(view.rowAt(TagLaneView::categoryHeight + 2), 3);
        view.setVerticalOffset(1 << 20);
        QCOMPARE(view.verticalOffset(), view.contentHeight() - view.height());
        // A wheel turn over the lanes scrolls rows, not time.
        view.setVerticalOffset(0);
        const QPointF pos(400, 100);
        QWheelEvent wheel(pos, view.mapToGlobal(pos), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &wheel);
        QVERIFY(view.verticalOffset() > 0);
        QCOMPARE(axis.visibleStart(), 0.0);
    }

    void rowsFollowTheModelsOutputOrder()
    {
        // The document's vocabulary is the store's (tags in the order they
        // were first stored); the model's tags keep the model's order.
        TagLaneModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setVocabulary(Vocabulary::fromNames({QStringLiteral("Instrument_-_Bass"), QStringLiteral("Genre-Rock"),
                                                   QStringLiteral("Instrument_-_Piano"), QStringLiteral("Instrument_-_Drum_Set"),
                                                   QStringLiteral("Instrument_-_Organ")}));
        model.setShowAllTags(false);
        model.setModelTags({QStringLiteral("Instrument_-_Piano"), QStringLiteral("Instrument_-_Drum_Set"),
                            QStringLiteral("Instrument_-_Bass")});
        QStringList rows;
        for (int r = 0; r < model.rowCount(); ++r)
            rows << model.tagNameOfRow(r);
        QCOMPARE(rows, QStringList({QStringLiteral("Instrument_-_Piano"), QStringLiteral("Instrument_-_Drum_Set"),
                                    QStringLiteral("Instrument_-_Bass")}));
        // With every tag shown, the others follow within their category.
        model.setShowAllTags(true);
        rows.clear();
        for (int r = 0; r < model.rowCount(); ++r)
            rows << model.tagNameOfRow(r);
        QCOMPARE(rows, QStringList({QStringLiteral("Instrument_-_Piano"), QStringLiteral("Instrument_-_Drum_Set"),
                                    QStringLiteral("Instrument_-_Bass"), QStringLiteral("Instrument_-_Organ"),
                                    QStringLiteral("Genre-Rock")}));
        // Categories follow the model's first mention: Genre first once the
        // model's first tag is a genre (the vocabulary names Instrument first).
        model.setModelTags({QStringLiteral("Genre-Rock"), QStringLiteral("Instrument_-_Bass")});
        QCOMPARE(model.tagNameOfRow(0), QStringLiteral("Genre-Rock"));
        QCOMPARE(model.tagNameOfRow(1), QStringLiteral("Instrument_-_Bass"));
        QCOMPARE(model.tagNameOfRow(2), QStringLiteral("Instrument_-_Piano"));
    }

    void relatedTagsShareAGroupAndShowEachOthersVerdicts()
    {
        // musicnn's "strings" (category instrument) and the synthetic model's
        // Instrument_-_Strings: with the mapping, one row hangs under the other.
        TagLaneModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        using taglane::engine::Tag;
        model.setVocabulary(Vocabulary(QVector<Tag>{{QStringLiteral("Instrument_-_Strings"), QStringLiteral("Instrument")},
                                                    {QStringLiteral("Instrument_-_Piano"), QStringLiteral("Instrument")},
                                                    {QStringLiteral("rock"), QStringLiteral("genre")},
                                                    {QStringLiteral("strings"), QStringLiteral("instrument")}}));
        model.setSegments({{0.0, 3.0}, {3.0, 6.0}});
        const auto names = [&model]() {
            QStringList rows;
            for (int r = 0; r < model.rowCount(); ++r)
                rows << model.tagNameOfRow(r);
            return rows;
        };
        QCOMPARE(names().last(), QStringLiteral("strings"));   // without a mapping: its own group, last
        const int ownStrings = model.rowOfTag(QStringLiteral("strings"));
        QVERIFY(model.startsCategory(ownStrings));
        model.setVerdict(ownStrings, 1, TagLaneModel::Present);

        taglane::engine::TagMapping mapping;
        QVERIFY(mapping.add(QStringLiteral("strings"), QStringLiteral("Instrument_-_Strings")));
        model.setTagMapping(mapping);
        QCOMPARE(names(), QStringList({QStringLiteral("Instrument_-_Strings"), QStringLiteral("strings"),
                                       QStringLiteral("Instrument_-_Piano"), QStringLiteral("rock")}));
        const int strings = model.rowOfTag(QStringLiteral("strings"));
        const int partner = model.rowOfTag(QStringLiteral("Instrument_-_Strings"));
        QCOMPARE(strings, partner + 1);
        // In its partner's group: no header of its own, and the header names the partner.
        QVERIFY(!model.startsCategory(strings));
        QCOMPARE(model.categoryOfRow(strings), QStringLiteral("Instrument"));
        QCOMPARE(model.headerData(strings, Qt::Vertical, TagLaneModel::RelatedRole).toString(),
                 QStringLiteral("Instrument_-_Strings"));
        QVERIFY(model.headerData(partner, Qt::Vertical, TagLaneModel::RelatedRole).toString().isEmpty());
        QVERIFY(model.headerData(strings, Qt::Vertical, Qt::ToolTipRole).toString().contains(QStringLiteral("related")));
        // The verdict on "strings" shows on its partner's row, where that has none.
        QCOMPARE(model.index(partner, 1).data(TagLaneModel::RelatedVerdictRole).toInt(), int(TagLaneModel::Present));
        QCOMPARE(model.index(partner, 0).data(TagLaneModel::RelatedVerdictRole).toInt(), int(TagLaneModel::Unknown));
        QCOMPARE(model.index(partner, 1).data(TagLaneModel::VerdictRole).toInt(), int(TagLaneModel::Unknown));
        QVERIFY(model.index(partner, 1).data(Qt::ToolTipRole).toString().contains(QStringLiteral("related tag")));
        // Its own verdict wins: then no related verdict is reported.
        model.setVerdict(partner, 1, TagLaneModel::Absent);
        QCOMPARE(model.index(partner, 1).data(TagLaneModel::RelatedVerdictRole).toInt(), int(TagLaneModel::Unknown));
        QCOMPARE(model.index(strings, 1).data(TagLaneModel::RelatedVerdictRole).toInt(), int(TagLaneModel::Unknown));
        QCOMPARE(model.index(strings, 0).data(TagLaneModel::RelatedVerdictRole).toInt(), int(TagLaneModel::Unknown));

        // The view lays them out under one header.
        TimeAxis axis;
        axis.setTotalDuration(6.0);
        TagLaneView view(&axis);
        view.setModel(&model);
        view.resize(600, 400);
        QCOMPARE(view.categoryAt(view.rowTop(strings) - 2), QString());   // no header between the two rows
        QCOMPARE(view.rowTop(strings), view.rowTop(partner) + TagLaneView::rowHeight);

        // Removing the pair puts "strings" back in its own group.
        model.setTagMapping({});
        QCOMPARE(names().last(), QStringLiteral("strings"));
        QVERIFY(model.headerData(model.rowOfTag(QStringLiteral("strings")), Qt::Vertical, TagLaneModel::RelatedRole)
                    .toString()
                    .isEmpty());
    }
};

QTEST_MAIN(TstTagLaneModel)
#include "tst_taglanemodel.moc"
