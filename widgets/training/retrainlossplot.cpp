// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/training/retrainlossplot.h"

#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include <qcustomplot.h>

namespace taglane::widgets {

RetrainLossPlot::RetrainLossPlot(QWidget *parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumHeight(180);

    const QColor text = palette().color(QPalette::WindowText);
    const QColor base = palette().color(QPalette::Base);
    m_plot->setBackground(base);
    m_plot->yAxis2->setVisible(true);
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis, m_plot->yAxis2}) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(QColor(text.red(), text.green(), text.blue(), 40), 1, Qt::DotLine));
    }
    m_plot->xAxis->setLabel(tr("Epoch"));
    // The engine's training figure is its whole objective (weighted sums,
    // distillation, regularisation), the held-out figure a mean binary
    // cross-entropy: two scales, two axes.
    m_plot->yAxis->setLabel(tr("Training objective"));
    m_plot->yAxis2->setLabel(tr("Held-out loss"));
    m_plot->yAxis2->grid()->setVisible(false);
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(ticker);

    m_train = m_plot->addGraph();
    m_train->setName(tr("Training"));
    m_train->setPen(QPen(QColor(0x5a, 0xb0, 0xf0), 1.6));
    m_train->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    m_validation = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
    m_validation->setName(tr("Held out (right axis)"));
    m_validation->setPen(QPen(QColor(0xf0, 0xa0, 0x40), 1.6));
    m_validation->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
    m_plot->legend->setVisible(true);
    m_plot->legend->setBrush(QBrush(base));
    m_plot->legend->setTextColor(text);
    m_plot->legend->setBorderPen(QPen(QColor(text.red(), text.green(), text.blue(), 80)));
    m_plot->legend->setFont(QFont(font().family(), 8));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignRight | Qt::AlignTop);
    clear();
}

void RetrainLossPlot::clear()
{
    m_train->data()->clear();
    m_validation->data()->clear();
    m_epochs = 1;
    rescale();
}

void RetrainLossPlot::addProgress(const engine::TrainingProgress &p)
{
    if (p.epoch < 1)   // epoch 0: the tracks are being prepared, no loss yet
        return;
    m_epochs = std::max({m_epochs, p.epochs, 1});
    const double x = (p.epoch - 1) + (p.batches > 0 ? double(p.batch) / p.batches : 1.0);
    if (std::isfinite(p.trainLoss) && p.batch > 0)
        m_train->addData(p.epochDone ? double(p.epoch) : x, p.trainLoss);
    if (p.epochDone && std::isfinite(p.valLoss))
        m_validation->addData(double(p.epoch), p.valLoss);
    rescale();
}

void RetrainLossPlot::setHistory(const std::vector<engine::TrainingProgress> &history)
{
    m_train->data()->clear();
    m_validation->data()->clear();
    for (const engine::TrainingProgress &p : history) {
        m_epochs = std::max({m_epochs, p.epochs, 1});
        if (std::isfinite(p.trainLoss))
            m_train->addData(double(p.epoch), p.trainLoss);
        if (std::isfinite(p.valLoss))
            m_validation->addData(double(p.epoch), p.valLoss);
    }
    rescale();
}

int RetrainLossPlot::trainPointCount() const
{
    return m_train->dataCount();
}

int RetrainLossPlot::validationPointCount() const
{
    return m_validation->dataCount();
}

void RetrainLossPlot::rescale()
{
    auto top = [](const QCPGraph *graph) {
        double t = 0.0;
        for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
            t = std::max(t, it->value);
        return t > 0.0 ? t * 1.1 : 1.0;
    };
    m_plot->xAxis->setRange(0.0, double(m_epochs));
    m_plot->yAxis->setRange(0.0, top(m_train));
    m_plot->yAxis2->setRange(0.0, top(m_validation));
    m_plot->replot();   // a few points, at most twenty times a second
}

} // namespace taglane::widgets
