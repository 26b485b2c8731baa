// SPDX-License-Identifier: GPL-3.0-or-later
// The tag lane of a long track (issue 11, item 4): a synthetic 60-minute
// document in 3600 one-second segments, fitted to the window, is not blank:
// each pixel column shows the strongest (or, chosen in the lane controls,
// the mean) probability of the segments under it, and curated segments
// stay visible as marks.
#include "lanefixture.h"
#include "testsupport.h"

#include "widgets/lane/lanecontrols.h"
#include "widgets/lane/lanelegend.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/track/trackview.h"

#include "engine/curation/trackdocument.h"

#include <QComboBox>
#include <QDir>
#include <QTest>

#include <cmath>

using namespace taglane;
using widgets::LaneLegend;
using widgets::TagLaneView;
using widgets::TrackView;

namespace {

const QStringList tagNames{QStringLiteral("Genre-Rock"), QStringLiteral("Genre-Jazz"), QStringLiteral("Genre-Pop")};

int colourDistance(QRgb a, QRgb b)
{
    return std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) + std::abs(qBlue(a) - qBlue(b));
}

/// A probability's colour as the lane paints it: 88 % over the lane's background.
QRgb painted(double p)
{
    const QColor c = LaneLegend::probabilityColor(p);
    const QColor bg = widgets::theme::laneEven();
    auto mix = [](int a, int b) { return int(std::lround(0.88 * a + 0.12 * b)); };
    return qRgb(mix(c.red(), bg.red()), mix(c.green(), bg.green()), mix(c.blue(), bg.blue()));
}

/// Rock: 1 on even segments, 0 on odd ones; Jazz: 0.5 everywhere; Pop: none above 0.
float value(int s, int t)
{
    if (t == 0)
        return s % 2 == 0 ? 1.0f : 0.0f;
    return t == 1 ? 0.5f : 0.0f;
}

} // namespace

class TstLaneSummary : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TrackView> m_view;
    TagLaneView *lane() const { return m_view->tagLaneView(); }

    QImage render() const
    {
        QImage image(lane()->size(), QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::magenta);
        lane()->render(&image);
        if (!qEnvironmentVariableIsEmpty("TAGLANE_SCREENSHOT_DIR"))
            image.save(QDir(qEnvironmentVariable("TAGLANE_SCREENSHOT_DIR")).filePath(QStringLiteral("lane-hour.png")));
        return image;
    }

    /// Fraction of the pixel columns across the plot, at the middle of `row`,
    /// whose colour is within 30 of `colour`.
    double share(const QImage &image, int row, QRgb colour) const
    {
        const int y = lane()->rowTop(row) - lane()->verticalOffset() + TagLaneView::rowHeight / 2;
        const QRect plot = lane()->plotRect();
        int near = 0;
        int all = 0;
        for (int x = plot.left() + 2; x < plot.right() - 2; ++x, ++all)
            near += colourDistance(image.pixel(x, y), colour) < 30 ? 1 : 0;
        return all > 0 ? double(near) / all : 0.0;
    }

private Q_SLOTS:
    void init()
    {
        m_view = std::make_unique<TrackView>();
        m_view->resize(1400, 900);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
        const engine::InferencePlan plan = tests::fakePlan(tagNames, 3600.0, 1.0, QStringLiteral("hour"));
        QVERIFY(plan.segments.size() >= 3599);
        tests::fakeInference(*m_view, plan, value);
        QCOMPARE(m_view->tagLaneModel()->columnCount(), plan.segments.size());
        m_view->timeAxis()->fit();
        // At Fit each pixel column covers about three segments.
        QVERIFY(lane()->boundaryX(1) - lane()->boundaryX(0) < 1.0);
    }

    void cleanup() { m_view.reset(); }

    void fitShowsEveryColumnOfAnHour()
    {
        const QImage image = render();
        const auto *model = m_view->tagLaneModel();
        const int rock = model->rowOfTag(QStringLiteral("Genre-Rock"));
        const int jazz = model->rowOfTag(QStringLiteral("Genre-Jazz"));
        // Not blank: nearly every column of Rock shows the strongest value (1),
        // every column of Jazz its 0.5, and not the empty lane.
        const QRgb strong = painted(1.0);
        const QRgb half = painted(0.5);
        QVERIFY(colourDistance(strong, half) > 120);
        QVERIFY2(share(image, rock, strong) > 0.95, qPrintable(QString::number(share(image, rock, strong))));
        QVERIFY2(share(image, jazz, half) > 0.95, qPrintable(QString::number(share(image, jazz, half))));
        QVERIFY(share(image, rock, widgets::theme::laneEven().rgb()) < 0.05);
    }

    void meanIsSelectableAndVerdictsStayVisible()
    {
        const auto *model = m_view->tagLaneModel();
        const int rock = model->rowOfTag(QStringLiteral("Genre-Rock"));
        const int pop = model->rowOfTag(QStringLiteral("Genre-Pop"));
        // The lane controls choose the mean: Rock's alternating 1 / 0 reads as 0.5.
        QComboBox *summary = m_view->laneControls()->summaryBox();
        QCOMPARE(summary->count(), 2);
        summary->setCurrentIndex(1);
        QCOMPARE(lane()->summary(), TagLaneView::Summary::Mean);
        QImage image = render();
        // Each pixel column covers about three segments, so the mean moves
        // around 0.5 but is never the strongest value any more.
        QVERIFY2(share(image, rock, painted(1.0)) < 0.05, qPrintable(QString::number(share(image, rock, painted(1.0)))));
        QVERIFY(share(image, rock, widgets::theme::laneEven().rgb()) < 0.05);
        QVERIFY(share(image, model->rowOfTag(QStringLiteral("Genre-Jazz")), painted(0.5)) > 0.95);
        summary->setCurrentIndex(0);
        // One curated second in an hour still shows, as a mark on its column.
        engine::TrackDocument *doc = m_view->document();
        engine::TrackDocument::CellEdit edit{doc->segment(1800).id, QStringLiteral("Genre-Pop"),
                                             engine::CellLabel{engine::Verdict::Present, QStringLiteral("curator"), 1}};
        QCOMPARE(doc->applyCells({edit}), 1);
        image = render();
        const int x = int(lane()->xForTime(1800.5));
        const int top = lane()->rowTop(pop) - lane()->verticalOffset();
        const QRgb mark = LaneLegend::presentColor().lighter(125).rgb();
        QVERIFY2(colourDistance(image.pixel(x, top + 2), mark) < 40,
                 qPrintable(QColor(image.pixel(x, top + 2)).name()));
        // Its neighbours a few pixels away carry no mark.
        QVERIFY(colourDistance(image.pixel(x - 6, top + 2), mark) > 60);
        QVERIFY(colourDistance(image.pixel(x + 6, top + 2), mark) > 60);
    }
};

QTEST_MAIN(TstLaneSummary)
#include "tst_lanesummary.moc"
