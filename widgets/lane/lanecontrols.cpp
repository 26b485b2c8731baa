// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/lane/lanecontrols.h"

#include "widgets/style/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSlider>

#include <cmath>

namespace taglane::widgets {

LaneControls::LaneControls(QWidget *parent)
    : QWidget(parent)
{
    QPalette pal = palette();
    pal.setColor(QPalette::Window, theme::gutter());
    pal.setColor(QPalette::WindowText, theme::gutterText());
    setPalette(pal);
    setAutoFillBackground(true);

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter tags"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Show only tags whose name or category contains this text"));
    m_filter->setMinimumWidth(90);
    m_filter->setMaximumWidth(180);

    m_order = new QComboBox(this);
    m_order->addItem(tr("Vocabulary order"));
    m_order->addItem(tr("By peak probability"));
    m_order->addItem(tr("By mean probability"));
    m_order->setToolTip(tr("Order of the tags within each category"));

    m_allTags = new QCheckBox(tr("All tags"), this);
    m_allTags->setToolTip(tr("Show every tag of the vocabulary; otherwise the lane shows the model's tags "
                             "and the tags with verdicts"));
    m_summary = new QComboBox(this);
    m_summary->addItem(tr("Strongest"));
    m_summary->addItem(tr("Mean"));
    m_summary->setToolTip(tr("Zoomed out, each pixel column shows the strongest or the mean probability "
                             "of the segments under it"));

    m_threshold = new QDoubleSpinBox(this);
    m_threshold->setRange(0.0, 1.0);
    m_threshold->setSingleStep(0.05);
    m_threshold->setDecimals(2);
    m_threshold->setValue(0.5);
    m_threshold->setToolTip(tr("Cells at or above this probability are outlined; \"Accept suggestions\" marks them present"));
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setRange(0, 100);
    m_slider->setValue(50);
    m_slider->setFixedWidth(90);
    m_slider->setToolTip(m_threshold->toolTip());

    m_segmentation = new QComboBox(this);
    m_segmentation->addItem(tr("Model chunks"), int(engine::SegmentSource::ModelChunks));
    m_segmentation->addItem(tr("Fixed windows"), int(engine::SegmentSource::Fixed));
    m_segmentation->addItem(tr("Novelty"), int(engine::SegmentSource::Novelty));
    m_segmentation->addItem(tr("Edited"), int(engine::SegmentSource::Curator));
    m_segmentation->setToolTip(segmentationRule());
    m_window = new QDoubleSpinBox(this);
    m_window->setRange(3.0, 16.0);
    m_window->setValue(10.0);
    m_window->setSuffix(tr(" s"));
    m_window->setDecimals(1);
    m_window->setToolTip(tr("Window length of fixed segments (3 to 16 s)"));
    m_status = new QLabel(this);
    QPalette dim = m_status->palette();
    dim.setColor(QPalette::WindowText, theme::dimText());
    m_status->setPalette(dim);

    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(8, 3, 8, 3);
    row->setSpacing(6);
    row->addWidget(m_filter);
    row->addWidget(m_order);
    row->addWidget(m_allTags);
    row->addWidget(m_summary);
    row->addSpacing(10);
    row->addWidget(new QLabel(tr("Threshold"), this));
    row->addWidget(m_threshold);
    row->addWidget(m_slider);
    row->addSpacing(10);
    row->addWidget(new QLabel(tr("Segments"), this));
    row->addWidget(m_segmentation);
    row->addWidget(m_window);
    row->addStretch(1);
    row->addWidget(m_status);

    connect(m_filter, &QLineEdit::textChanged, this, &LaneControls::filterChanged);
    connect(m_order, &QComboBox::currentIndexChanged, this, &LaneControls::orderChanged);
    connect(m_allTags, &QCheckBox::toggled, this, &LaneControls::showAllTagsChanged);
    connect(m_summary, &QComboBox::currentIndexChanged, this, &LaneControls::summaryChanged);
    connect(m_threshold, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (m_syncing)
            return;
        setThreshold(v);
        Q_EMIT thresholdChanged(v);
    });
    connect(m_slider, &QSlider::valueChanged, this, [this](int v) {
        if (m_syncing)
            return;
        setThreshold(v / 100.0);
        Q_EMIT thresholdChanged(v / 100.0);
    });
    connect(m_segmentation, &QComboBox::activated, this, [this]() { emitSegmentation(); });
    connect(m_window, &QDoubleSpinBox::editingFinished, this, [this]() {
        if (m_segmentation->currentData().toInt() == int(engine::SegmentSource::Fixed))
            emitSegmentation();
    });
    m_window->setEnabled(false);
}

QString LaneControls::segmentationRule()
{
    return tr("The one segmentation of this track, used by every model: \"Model chunks\" follows the chunk grid "
              "of the model that tags now; \"Fixed windows\" and \"Novelty\" keep their segments whatever model "
              "runs, each segment getting the overlap-weighted mean of the model's chunks; \"Edited\" once "
              "segments were split, merged or moved by hand. Changing it carries verdicts over by overlap "
              "(undoable).");
}

void LaneControls::setThreshold(double threshold)
{
    m_syncing = true;
    m_threshold->setValue(threshold);
    m_slider->setValue(int(std::lround(threshold * 100.0)));
    m_syncing = false;
}

void LaneControls::showSegmentation(engine::SegmentSource source, double windowSeconds)
{
    const QSignalBlocker a(m_segmentation);
    const QSignalBlocker b(m_window);
    const int i = m_segmentation->findData(int(source));
    m_segmentation->setCurrentIndex(i >= 0 ? i : m_segmentation->findData(int(engine::SegmentSource::Curator)));
    if (windowSeconds > 0.0)
        m_window->setValue(windowSeconds);
    m_window->setEnabled(source == engine::SegmentSource::Fixed);
}

void LaneControls::setStatus(const QString &text)
{
    m_status->setText(text);
}

void LaneControls::emitSegmentation()
{
    const auto source = engine::SegmentSource(m_segmentation->currentData().toInt());
    m_window->setEnabled(source == engine::SegmentSource::Fixed);
    if (source == engine::SegmentSource::Curator)
        return;
    Q_EMIT segmentationRequested(source, m_window->value());
}

} // namespace taglane::widgets
