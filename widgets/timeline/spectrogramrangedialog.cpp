// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/timeline/spectrogramrangedialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace taglane::widgets {

SpectrogramRangeDialog::SpectrogramRangeDialog(const SpectrogramRange &range, int sampleRate, QWidget *parent)
    : QDialog(parent)
    , m_rate(sampleRate)
{
    setWindowTitle(tr("Spectrogram Range"));
    auto spin = [this](double lo, double hi, double step, const QString &suffix) {
        auto *box = new QDoubleSpinBox(this);
        box->setRange(lo, hi);
        box->setSingleStep(step);
        box->setDecimals(0);
        box->setSuffix(suffix);
        connect(box, &QDoubleSpinBox::valueChanged, this, &SpectrogramRangeDialog::revalidate);
        return box;
    };
    m_minHz = spin(0.0, 96000.0, 50.0, tr(" Hz"));
    m_maxHz = spin(100.0, 96000.0, 500.0, tr(" Hz"));
    m_lowDb = spin(-200.0, 200.0, 5.0, tr(" dB"));
    m_highDb = spin(-200.0, 200.0, 5.0, tr(" dB"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Lowest frequency:"), m_minHz);
    form->addRow(tr("&Highest frequency:"), m_maxHz);
    form->addRow(tr("Colour scale &bottom:"), m_lowDb);
    form->addRow(tr("Colour scale &top:"), m_highDb);

    auto *note = new QLabel(this);
    note->setWordWrap(true);
    note->setText(sampleRate > 0
                      ? tr("The same range is used for every file; frequencies above %1 Hz (half the "
                           "analysis rate of this file) cannot be shown.").arg(sampleRate / 2)
                      : tr("The same range is used for every file."));
    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #e05a5a;"));

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel
                                         | QDialogButtonBox::RestoreDefaults, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this]() { setRange(SpectrogramRange()); });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    setRange(range);
}

SpectrogramRange SpectrogramRangeDialog::range() const
{
    SpectrogramRange r;
    r.minHz = m_minHz->value();
    r.maxHz = m_maxHz->value();
    r.lowDb = m_lowDb->value();
    r.highDb = m_highDb->value();
    return r;
}

void SpectrogramRangeDialog::setRange(const SpectrogramRange &range)
{
    m_minHz->setValue(range.minHz);
    m_maxHz->setValue(range.maxHz);
    m_lowDb->setValue(range.lowDb);
    m_highDb->setValue(range.highDb);
    revalidate();
}

void SpectrogramRangeDialog::revalidate()
{
    const QString problem = range().validate();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace taglane::widgets
