// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/export/exportdialog.h"

#include "engine/curation/trackdocument.h"

#include "widgets/lane/taglanemodel.h"
#include "widgets/track/trackview.h"

#include "engine/formats/atomicwrite.h"
#include "engine/formats/labelexporter.h"
#include "engine/formats/storelabels.h"
#include "engine/store/annotationstore.h"

#include <cmath>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMutex>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QStandardItemModel>
#include <QThread>
#include <QVBoxLayout>

#include <atomic>

namespace taglane::widgets {

/// What the writer thread shares with the dialog.
struct ExportDialog::Job
{
    std::atomic<int> done{0};
    int total = 0;
    std::atomic<bool> stop{false};
    std::atomic<bool> ended{false};
    QMutex mutex;
    QStringList written;
    QStringList errors;
};

QVector<ExportDialog::Format> ExportDialog::formats()
{
    using engine::LabelFormat;
    return {
        {QStringLiteral("cal500-soft"), tr("CAL500exp CSV, probabilities (one file per track)"), LabelFormat::Cal500Exp, false},
        {QStringLiteral("cal500-hard"), tr("CAL500exp CSV, 0/1 at the threshold (one file per track)"), LabelFormat::Cal500Exp, true},
        {QStringLiteral("catalogue"), tr("Catalogue CSV (one file, one row per cell)"), LabelFormat::Catalogue, false},
        {QStringLiteral("jams"), tr("JAMS (one file per track)"), LabelFormat::Jams, false},
        {QStringLiteral("audacity"), tr("Audacity label track (one .txt per track)"), LabelFormat::Audacity, false},
        {QStringLiteral("sv"), tr("Sonic Visualiser regions (one .sv.csv per track)"), LabelFormat::SonicVisualiser, false},
    };
}

ExportDialog::ExportDialog(TrackView *view, engine::AnnotationStore *store, const QList<qint64> &selectedTrackIds,
                           QWidget *parent)
    : QDialog(parent)
    , m_view(view)
    , m_store(store)
    , m_selected(selectedTrackIds)
{
    setWindowTitle(tr("Export Labels"));
    m_format = new QComboBox(this);
    for (const Format &f : formats())
        m_format->addItem(f.label, f.id);
    m_scope = new QComboBox(this);
    updateScopeChoices();
    m_folder = new QLineEdit(this);
    m_folder->setText(QSettings().value(QStringLiteral("exportFolder"), QDir::homePath()).toString());
    auto *browse = new QPushButton(tr("Browse..."), this);
    connect(browse, &QPushButton::clicked, this, [this]() {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export Into"), m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(dir);
    });
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    m_threshold = new QDoubleSpinBox(this);
    m_threshold->setRange(0.0, 1.0);
    m_threshold->setSingleStep(0.05);
    m_threshold->setDecimals(2);
    m_threshold->setValue(0.5);
    m_threshold->setToolTip(tr("A model probability at or above this counts as present (hard CSV, catalogue, JAMS)"));

    auto *note = new QLabel(tr("Cells the curator judged are written as 1 or 0. Segment/tag cells the curator "
                               "never judged are written from the model: its probability, or present when it "
                               "reaches the threshold. Cells with neither are left empty."),
                            this);
    note->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_export = buttons->addButton(tr("&Export"), QDialogButtonBox::AcceptRole);
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(buttons, &QDialogButtonBox::rejected, this, [this]() {
        if (m_job)
            m_job->stop = true;
        reject();
    });

    auto *form = new QFormLayout;
    form->addRow(tr("&Format:"), m_format);
    form->addRow(tr("&Tracks:"), m_scope);
    // A row given a layout gets a label without a buddy, which shows its '&' literally.
    auto *folderLabel = new QLabel(tr("&Folder:"), this);
    folderLabel->setBuddy(m_folder);
    form->addRow(folderLabel, folderRow);
    form->addRow(tr("&Threshold:"), m_threshold);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());

    // The result of the last export describes those settings, not the new ones.
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::clearResult);
    connect(m_scope, &QComboBox::currentIndexChanged, this, &ExportDialog::clearResult);
    connect(m_folder, &QLineEdit::textEdited, this, &ExportDialog::clearResult);

    m_poll.setInterval(50);
    connect(&m_poll, &QTimer::timeout, this, &ExportDialog::poll);
}

ExportDialog::~ExportDialog()
{
    if (m_job)
        m_job->stop = true;   // the thread sees it at the next file and ends on its own
}

void ExportDialog::clearResult()
{
    if (m_running)
        return;
    m_status->clear();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
}

void ExportDialog::updateScopeChoices()
{
    m_scope->clear();
    m_scope->addItem(tr("This track"), int(Scope::ThisTrack));
    m_scope->addItem(tr("Selected library tracks (%1)").arg(m_selected.size()), int(Scope::SelectedTracks));
    m_scope->addItem(tr("Whole library"), int(Scope::WholeLibrary));
    const bool haveStore = m_store && m_store->isOpen();
    if (auto *items = qobject_cast<QStandardItemModel *>(m_scope->model())) {
        items->item(0)->setEnabled(m_view && m_view->hasTrack());
        items->item(1)->setEnabled(haveStore && !m_selected.isEmpty());
        items->item(2)->setEnabled(haveStore);
    }
    m_scope->setCurrentIndex(m_view && m_view->hasTrack() ? 0 : (!m_selected.isEmpty() ? 1 : 2));
}

void ExportDialog::setFormat(const QString &id)
{
    const int i = m_format->findData(id);
    if (i >= 0)
        m_format->setCurrentIndex(i);
}

QString ExportDialog::formatId() const
{
    return m_format->currentData().toString();
}

void ExportDialog::setScope(Scope scope)
{
    m_scope->setCurrentIndex(m_scope->findData(int(scope)));
}

ExportDialog::Scope ExportDialog::scope() const
{
    return Scope(m_scope->currentData().toInt());
}

void ExportDialog::setOutputFolder(const QString &folder)
{
    m_folder->setText(folder);
}

QString ExportDialog::outputFolder() const
{
    return m_folder->text().trimmed();
}

void ExportDialog::setThreshold(double threshold)
{
    m_threshold->setValue(threshold);
}

QString ExportDialog::statusText() const
{
    return m_status->text();
}

engine::TrackLabels ExportDialog::labelsFromView(const TrackView *view)
{
    engine::TrackLabels labels;
    if (!view || !view->hasTrack())
        return labels;
    const TagLaneModel *model = view->tagLaneModel();
    labels.file = view->filePath();
    labels.durationSeconds = view->track()->audio.mono.durationSeconds();
    QVector<engine::Segment> segments;
    for (const auto &s : model->segments())
        segments.push_back({0, s.start, s.end});
    auto segmentation = engine::Segmentation::fromSegments(segments, labels.file);
    if (!segmentation.ok())
        return labels;
    labels.segments = segmentation.value();
    // Every tag of the document, not only the lane's visible rows: a tag
    // the row rule hides (no model output, no verdict shown) still exports.
    const engine::TrackDocument *doc = model->document();
    labels.tags = doc->tags();
    labels.cells.resize(size_t(labels.segments.size()) * size_t(labels.tags.size()));
    for (int s = 0; s < doc->segmentCount() && s < labels.segments.size(); ++s) {
        for (int t = 0; t < labels.tags.size(); ++t) {
            engine::LabelCell &cell = labels.cell(s, t);
            const float p = doc->probability(s, t);
            if (!std::isnan(p))
                cell.probability = p;
            cell.verdict = doc->label(s, t).verdict;
        }
    }
    return labels;
}

QVector<engine::TrackLabels> ExportDialog::collectLabels(QStringList *problems) const
{
    QVector<engine::TrackLabels> out;
    const bool haveStore = m_store && m_store->isOpen();
    auto fromStore = [&](qint64 trackId) -> bool {
        const auto record = m_store->track(trackId);
        if (!record)
            return false;
        auto labels = engine::StoreLabels::exportTrack(*m_store, trackId);
        if (!labels.ok()) {
            if (problems)
                *problems << labels.error();
            return true;
        }
        if (labels->segments.isEmpty()) {
            if (problems)
                *problems << tr("%1 has no segments yet; skipped.").arg(QFileInfo(record->path).fileName());
            return true;
        }
        out.push_back(std::move(labels).value());
        return true;
    };

    switch (scope()) {
    case Scope::ThisTrack: {
        if (!m_view || !m_view->hasTrack()) {
            if (problems)
                *problems << tr("No track is open.");
            break;
        }
        // The store holds what the curator saved; the lane is the fallback
        // (no store, or a track the store does not know).
        if (haveStore) {
            const auto record = m_store->findTrackByPath(m_view->filePath());
            if (record && fromStore(record->id))
                break;
        }
        engine::TrackLabels labels = labelsFromView(m_view);
        if (labels.segments.isEmpty()) {
            if (problems)
                *problems << tr("The open track has no segments yet: tag it with a model first.");
            break;
        }
        out.push_back(labels);
        break;
    }
    case Scope::SelectedTracks:
    case Scope::WholeLibrary: {
        if (!haveStore) {
            if (problems)
                *problems << tr("No annotation store is open.");
            break;
        }
        QList<qint64> ids = m_selected;
        if (scope() == Scope::WholeLibrary) {
            ids.clear();
            const auto rows = m_store->librarySummary();
            if (!rows.ok()) {
                if (problems)
                    *problems << rows.error();
                break;
            }
            for (const auto &row : rows.value())
                ids << row.trackId;
        }
        for (qint64 id : ids)
            fromStore(id);
        break;
    }
    }
    return out;
}

bool ExportDialog::startExport()
{
    if (m_running)
        return false;
    m_written.clear();
    m_errors.clear();
    const QString folder = outputFolder();
    if (folder.isEmpty() || !QDir().mkpath(folder)) {
        m_status->setText(tr("Cannot use the folder \"%1\"; choose another.").arg(folder));
        return false;
    }
    QStringList problems;
    QVector<engine::TrackLabels> labels = collectLabels(&problems);
    if (labels.isEmpty()) {
        m_status->setText(problems.isEmpty() ? tr("There is nothing to export.") : problems.join(QLatin1Char('\n')));
        return false;
    }
    QSettings().setValue(QStringLiteral("exportFolder"), folder);

    Format format;
    for (const Format &f : formats()) {
        if (f.id == formatId())
            format = f;
    }
    const float threshold = float(m_threshold->value());
    auto job = std::make_shared<Job>();
    job->total = engine::LabelFormats::isPerTrack(format.format) ? int(labels.size()) : 1;
    job->errors = problems;
    m_job = job;

    engine::LabelExporter::Options options;
    options.threshold = threshold;
    options.cal500Hard = format.hard;
    QThread *thread = QThread::create([job, labels = std::move(labels), format, folder, options]() {
        const QDir dir(folder);
        auto record = [&job](const QString &path, const engine::Status &status) {
            QMutexLocker lock(&job->mutex);
            if (status.ok())
                job->written << path;
            else
                job->errors << status.error();
        };
        if (!engine::LabelFormats::isPerTrack(format.format)) {
            const auto written = engine::LabelExporter::write(folder, format.format, labels, options);
            QMutexLocker lock(&job->mutex);
            if (written.ok())
                job->written << written.value();
            else
                job->errors << written.error();
            job->done = 1;
        } else {
            const QString suffix = engine::LabelFormats::suffix(format.format);
            QSet<QString> used;
            for (const engine::TrackLabels &l : labels) {
                if (job->stop)
                    break;
                const QString stem = QFileInfo(l.file).completeBaseName();
                QString name = stem;
                for (int n = 2; used.contains(name.toLower()); ++n)
                    name = QStringLiteral("%1-%2").arg(stem).arg(n);
                used.insert(name.toLower());
                const QString path = dir.filePath(name + suffix);
                record(path, engine::AtomicWrite::write(path, engine::LabelExporter::toBytes(l, format.format, options)));
                ++job->done;
            }
        }
        job->ended = true;
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(thread, &QThread::finished, this, &ExportDialog::finish);
    m_running = true;
    m_export->setEnabled(false);
    m_progress->setRange(0, job->total);
    m_progress->setValue(0);
    m_status->setText(tr("Writing %n file(s)...", nullptr, job->total));
    m_poll.start();
    thread->start();
    return true;
}

void ExportDialog::poll()
{
    if (m_job)
        m_progress->setValue(m_job->done);
}

void ExportDialog::finish()
{
    m_poll.stop();
    if (!m_job)
        return;
    {
        QMutexLocker lock(&m_job->mutex);
        m_written = m_job->written;
        m_errors = m_job->errors;
    }
    m_progress->setValue(m_job->total);
    m_job.reset();
    m_running = false;
    m_export->setEnabled(true);
    QString text = tr("Wrote %n file(s) to %1.", nullptr, int(m_written.size())).arg(QDir::toNativeSeparators(outputFolder()));
    if (!m_errors.isEmpty())
        text += QLatin1Char('\n') + m_errors.join(QLatin1Char('\n'));
    m_status->setText(text);
    Q_EMIT exportFinished(m_written, m_errors);
}

} // namespace taglane::widgets
