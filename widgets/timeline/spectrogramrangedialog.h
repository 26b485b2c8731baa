// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "widgets/timeline/spectrogramrange.h"

#include <QDialog>

class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;

namespace taglane::widgets {

/// Edits a SpectrogramRange: the lowest and highest frequency and the dB
/// levels of the colour scale's ends, with a button back to the defaults.
/// OK is disabled while the range is invalid, and a line says why.
class SpectrogramRangeDialog : public QDialog
{
    Q_OBJECT

public:
    /// `sampleRate` of the open track (0: none) only says where the top is clipped.
    SpectrogramRangeDialog(const SpectrogramRange &range, int sampleRate, QWidget *parent = nullptr);

    SpectrogramRange range() const;
    void setRange(const SpectrogramRange &range);

    QDoubleSpinBox *minHzBox() const { return m_minHz; }
    QDoubleSpinBox *maxHzBox() const { return m_maxHz; }
    QDoubleSpinBox *lowDbBox() const { return m_lowDb; }
    QDoubleSpinBox *highDbBox() const { return m_highDb; }
    QDialogButtonBox *buttons() const { return m_buttons; }

private:
    void revalidate();

    QDoubleSpinBox *m_minHz = nullptr;
    QDoubleSpinBox *m_maxHz = nullptr;
    QDoubleSpinBox *m_lowDb = nullptr;
    QDoubleSpinBox *m_highDb = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    int m_rate = 0;
};

} // namespace taglane::widgets
