// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/eval/binarycurves.h"

#include <QColor>
#include <QString>
#include <QVector>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPTextElement;

namespace taglane::widgets {

/// A ROC or precision-recall plot of one or more curves (QCustomPlot), for
/// the evaluation view and for `taglane-cli evaluate --plots`. GUI thread.
class EvaluationPlot : public QWidget
{
    Q_OBJECT
public:
    enum class Kind { Roc, PrecisionRecall };
    struct Curve
    {
        QString name;                         ///< legend text, e.g. "Song-Loud (AUC 0.97)"
        std::vector<engine::CurvePoint> points;
    };

    explicit EvaluationPlot(Kind kind, QWidget *parent = nullptr);

    Kind kind() const { return m_kind; }
    void setTitle(const QString &title);
    /// Draws in the widget's palette (window background, text colours), as
    /// in the application, instead of black on white (the PNG default).
    void followPalette();
    /// Replaces the curves (the legend lists their names). Curve i is drawn
    /// in colors[i] when given and valid, else in a distinct hue.
    void setCurves(const QVector<Curve> &curves, const QVector<QColor> &colors = {});
    int curveCount() const;
    /// Renders the plot into a PNG file of the given size; false on failure.
    bool savePng(const QString &path, int width = 800, int height = 600);

private:
    Kind m_kind;
    QCustomPlot *m_plot = nullptr;
    QCPTextElement *m_title = nullptr;
    bool m_followPalette = false;
};

} // namespace taglane::widgets
