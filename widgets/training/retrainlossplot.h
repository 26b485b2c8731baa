// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/train/trainer.h"

#include <QWidget>

class QCustomPlot;
class QCPGraph;

namespace taglane::widgets {

/// The live loss curve of a retrain (QCustomPlot): the running training
/// loss after batches (x = epochs done, fractional) and the validation loss
/// after each epoch. GUI thread.
class RetrainLossPlot : public QWidget
{
    Q_OBJECT

public:
    explicit RetrainLossPlot(QWidget *parent = nullptr);

    void clear();
    /// Adds one report (a batch or an epoch end) and replots.
    void addProgress(const engine::TrainingProgress &progress);
    /// Replaces the curves by a finished run's epoch history.
    void setHistory(const std::vector<engine::TrainingProgress> &history);
    int trainPointCount() const;
    int validationPointCount() const;

private:
    void rescale();

    QCustomPlot *m_plot = nullptr;
    QCPGraph *m_train = nullptr;
    QCPGraph *m_validation = nullptr;
    int m_epochs = 1;
};

} // namespace taglane::widgets
