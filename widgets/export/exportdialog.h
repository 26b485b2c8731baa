// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/store/annotationstore.h"

#include "engine/formats/labelformat.h"
#include "engine/formats/tracklabels.h"

#include <QDialog>
#include <QPointer>
#include <QTimer>

#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace taglane::widgets {

class TrackView;

/// File > Export: writes the labels of this track, the selected library
/// tracks or the whole library in one of the engine's formats into a folder.
/// Labels are read on the GUI thread (the store's owner thread); the files
/// are written on a worker thread with a progress bar. GUI thread.
class ExportDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Scope { ThisTrack, SelectedTracks, WholeLibrary };

    /// One export format: per-track files or one file for all.
    struct Format
    {
        QString id;            ///< "cal500-soft", "cal500-hard", "catalogue", "jams", "audacity", "sv"
        QString label;
        engine::LabelFormat format = engine::LabelFormat::Cal500Exp;
        bool hard = false;     ///< CAL500exp: 0/1 at the threshold instead of probabilities
    };
    static QVector<Format> formats();

    ExportDialog(TrackView *view, engine::AnnotationStore *store, const QList<qint64> &selectedTrackIds,
                 QWidget *parent = nullptr);
    ~ExportDialog() override;

    void setFormat(const QString &id);
    QString formatId() const;
    void setScope(Scope scope);
    Scope scope() const;
    void setOutputFolder(const QString &folder);
    QString outputFolder() const;
    void setThreshold(double threshold);

    /// The labels the current scope covers (read from the store, or from
    /// the lane for an open track the store does not know). Owner thread.
    QVector<engine::TrackLabels> collectLabels(QStringList *problems) const;
    /// The labels the lane shows now (model probabilities and verdicts).
    static engine::TrackLabels labelsFromView(const TrackView *view);

    bool isRunning() const { return m_running; }
    QStringList writtenFiles() const { return m_written; }
    QStringList errors() const { return m_errors; }
    QString statusText() const;

public Q_SLOTS:
    /// Collects the labels and starts writing; false (with the reason shown)
    /// when there is nothing to write or no folder.
    bool startExport();

Q_SIGNALS:
    void exportFinished(const QStringList &written, const QStringList &errors);

private:
    struct Job;
    void poll();
    void finish();
    void updateScopeChoices();
    void clearResult();

    QPointer<TrackView> m_view;
    QPointer<engine::AnnotationStore> m_store;
    QList<qint64> m_selected;
    QComboBox *m_format = nullptr;
    QComboBox *m_scope = nullptr;
    QLineEdit *m_folder = nullptr;
    QDoubleSpinBox *m_threshold = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_export = nullptr;
    QTimer m_poll;
    std::shared_ptr<Job> m_job;
    bool m_running = false;
    QStringList m_written;
    QStringList m_errors;
};

} // namespace taglane::widgets
