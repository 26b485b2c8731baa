// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/evaluation/evaluationplot.h"

#include <QVBoxLayout>

#include <algorithm>

#include <qcustomplot.h>

namespace taglane::widgets {

EvaluationPlot::EvaluationPlot(Kind kind, QWidget *parent)
    : QWidget(parent)
    , m_kind(kind)
    , m_plot(new QCustomPlot(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->xAxis->setRange(0.0, 1.0);
    m_plot->yAxis->setRange(0.0, 1.02);
    if (kind == Kind::Roc) {
        m_plot->xAxis->setLabel(tr("False positive rate"));
        m_plot->yAxis->setLabel(tr("True positive rate"));
    } else {
        m_plot->xAxis->setLabel(tr("Recall"));
        m_plot->yAxis->setLabel(tr("Precision"));
    }
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(QFont(font().family(), 7));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(
        0, kind == Kind::Roc ? (Qt::AlignRight | Qt::AlignBottom) : (Qt::AlignLeft | Qt::AlignBottom));
}

void EvaluationPlot::setTitle(const QString &title)
{
    if (m_title) {
        m_title->setText(title);
    } else {
        m_plot->plotLayout()->insertRow(0);
        m_title = new QCPTextElement(m_plot, title, QFont(font().family(), 10, QFont::Bold));
        if (m_followPalette)
            m_title->setTextColor(palette().color(QPalette::WindowText));
        m_plot->plotLayout()->addElement(0, 0, m_title);
    }
    m_plot->replot();
}

void EvaluationPlot::setCurves(const QVector<Curve> &curves, const QVector<QColor> &colors)
{
    m_plot->clearPlottables();   // QCPCurve is a plottable, not a graph
    m_plot->clearItems();
    if (m_kind == Kind::Roc) {
        // The chance diagonal.
        auto *chance = new QCPItemLine(m_plot);
        chance->start->setCoords(0.0, 0.0);
        chance->end->setCoords(1.0, 1.0);
        chance->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    }
    const int n = curves.size();
    for (int i = 0; i < n; ++i) {
        QCPCurve *curve = new QCPCurve(m_plot->xAxis, m_plot->yAxis);
        QVector<double> xs, ys;
        if (m_kind == Kind::Roc) {
            xs << 0.0;
            ys << 0.0;
        }
        for (const engine::CurvePoint &p : curves[i].points) {
            xs << p.x;
            ys << p.y;
        }
        curve->setData(xs, ys);
        curve->setName(curves[i].name);
        QColor colour = i < colors.size() && colors[i].isValid()
                            ? colors[i]
                            : QColor::fromHsv(int(360.0 * i / std::max(1, n)) % 360, 200, 200);
        curve->setPen(QPen(colour, 1.5));
    }
    m_plot->replot();
}

void EvaluationPlot::followPalette()
{
    const QColor text = palette().color(QPalette::WindowText);
    const QColor base = palette().color(QPalette::Base);
    const QColor faint(text.red(), text.green(), text.blue(), 40);
    m_plot->setBackground(base);
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(faint, 1, Qt::DotLine));
    }
    m_plot->legend->setBrush(QBrush(base));
    m_plot->legend->setTextColor(text);
    m_plot->legend->setBorderPen(QPen(QColor(text.red(), text.green(), text.blue(), 80)));
    if (m_title)
        m_title->setTextColor(text);
    m_followPalette = true;
    m_plot->replot();
}

int EvaluationPlot::curveCount() const
{
    return m_plot->plottableCount();
}

bool EvaluationPlot::savePng(const QString &path, int width, int height)
{
    resize(width, height);
    m_plot->resize(width, height);
    m_plot->replot();
    return m_plot->savePng(path, width, height);
}

} // namespace taglane::widgets
