// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: labels in and out (export, vocabulary, importing label files).
#include "app/gui/mainwindow.h"

#include "app/gui/trackviewfeatures.h"

#include "widgets/export/exportdialog.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/library/libraryview.h"
#include "widgets/models/modellistmodel.h"
#include "widgets/models/modelpanel.h"
#include "widgets/track/trackview.h"
#include "widgets/vocabulary/tagmappingeditor.h"
#include "widgets/vocabulary/vocabularyeditor.h"
#include "widgets/window/statusmessages.h"

#include "engine/formats/importedfile.h"
#include "engine/formats/labelimporter.h"
#include "engine/formats/storelabels.h"
#include "engine/store/annotationstore.h"

#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>
#include <QThread>

#include <memory>


namespace taglane::app {

void MainWindow::showExport()
{
    auto *dialog = new widgets::ExportDialog(m_track, m_store, m_library->selectedTrackIds(), this);
    dialog->setThreshold(features::thresholdOf(m_track, 0.5));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showVocabulary()
{
    auto *dialog = new widgets::VocabularyEditor(m_track, m_store, this);
    const int row = m_models->models()->rowOfFolder(m_models->selectedFolder());
    if (row >= 0)
        dialog->setModelTags(m_models->models()->entry(row).manifest.tags.names());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showTagMapping()
{
    auto *dialog = new widgets::TagMappingEditor(widgets::TagMappingEditor::defaultPath(), this);
    QStringList modelTags;
    const int row = m_models->models()->rowOfFolder(m_models->selectedFolder());
    if (row >= 0)
        modelTags = m_models->models()->entry(row).manifest.tags.names();
    QStringList storeTags = m_store->isOpen() ? m_store->vocabulary().names() : QStringList();
    // Other models' tags too (musicnn's next to the default's).
    QStringList otherTags;
    for (int i = 0; i < m_models->models()->rowCount(); ++i) {
        for (const QString &tag : m_models->models()->entry(i).manifest.tags.names()) {
            if (!modelTags.contains(tag) && !otherTags.contains(tag))
                otherTags << tag;
        }
    }
    for (const QString &tag : std::as_const(otherTags)) {
        if (!storeTags.contains(tag))
            storeTags << tag;
    }
    dialog->setKnownTags(storeTags, modelTags.isEmpty() ? storeTags : modelTags);
    connect(dialog, &widgets::TagMappingEditor::saved, this, [this](const engine::TagMapping &mapping) {
        m_track->tagLaneModel()->setTagMapping(mapping);
    });
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::importLabels()
{
    if (!m_store->isOpen() || m_store->isReadOnly()) {
        warn(tr("Import Labels"), tr("Labels can only be imported into a writable annotation store."), m_store->displayName());
        return;
    }
    const QList<QPair<QString, engine::LabelFormat>> filters{
        {tr("CAL500exp segment CSV (*.csv)"), engine::LabelFormat::Cal500Exp},
        {tr("Catalogue CSV (*.csv)"), engine::LabelFormat::Catalogue},
        {tr("JAMS (*.jams *.json)"), engine::LabelFormat::Jams},
        {tr("Audacity label track (*.txt)"), engine::LabelFormat::Audacity},
        {tr("Sonic Visualiser regions (*.csv)"), engine::LabelFormat::SonicVisualiser},
    };
    QStringList names;
    for (const auto &f : filters)
        names << f.first;
    QSettings settings;
    QString chosen;
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Import Labels"), settings.value(QStringLiteral("importFolder"), QDir::homePath()).toString(),
        names.join(QStringLiteral(";;")), &chosen);
    if (paths.isEmpty())
        return;
    settings.setValue(QStringLiteral("importFolder"), QFileInfo(paths.front()).absolutePath());
    engine::LabelFormat format = engine::LabelFormat::Cal500Exp;
    for (const auto &f : filters) {
        if (f.first == chosen)
            format = f.second;
    }
    // Parse on a worker thread; the store is written here (its owner thread).
    auto files = std::make_shared<QVector<engine::ImportedFile>>();
    auto errors = std::make_shared<QStringList>();
    QThread *thread = QThread::create([paths, format, files, errors]() {
        for (const QString &path : paths) {
            auto read = engine::LabelImporter::read(path, format);
            if (read.ok())
                files->push_back(std::move(read).value());
            else
                errors->push_back(read.error());
        }
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(thread, &QThread::finished, this, [this, files, errors]() { storeImported(*files, *errors); });
    m_messages->showBusy(tr("Reading %n label file(s)...", nullptr, int(paths.size())), QStringLiteral("import"));
    thread->start();
}

void MainWindow::storeImported(const QVector<engine::ImportedFile> &files, const QStringList &readErrors)
{
    QStringList errors = readErrors;
    QStringList warnings;
    QVector<engine::StoreImportItem> items;
    for (const engine::ImportedFile &file : files) {
        warnings += file.warnings;
        for (const engine::TrackLabels &labels : file.tracks) {
            auto item = engine::StoreLabels::resolve(labels, QFileInfo(file.source).absolutePath(), file.source);
            if (item.ok())
                items.push_back(std::move(item).value());
            else
                errors << item.error();
        }
    }
    if (!errors.isEmpty()) {   // all or nothing: a bad file changes nothing
        m_messages->show(tr("Nothing was imported."), 10000);
        warn(tr("Import Labels"), tr("Nothing was imported: %n problem(s) were found.", nullptr, int(errors.size())),
             errors.join(QLatin1Char('\n')));
        return;
    }
    // Queued here, reported once the store says each file committed: the GUI thread never waits for the disk.
    const auto queued = engine::StoreLabels::queueItems(*m_store, items);
    if (!queued.ok()) {
        warn(tr("Import Labels"), tr("The labels could not be stored."), queued.error());
        return;
    }
    const qint64 last = queued->isEmpty() ? 0 : queued->last().upToSeq;
    auto pending = std::make_shared<QMetaObject::Connection>();
    const auto report = [this, files = queued.value(), warnings, pending]() {
        QObject::disconnect(*pending);
        QStringList failed;
        int tracks = 0;
        for (const auto &file : files) {
            const engine::Status saved = file.error.isEmpty() ? m_store->savedStatus(file.afterSeq, file.upToSeq)
                                                              : engine::Status::failure(file.error);
            if (saved)
                tracks += int(file.trackIds.size());
            else
                failed << tr("%1: %2").arg(file.origin, saved.error());
        }
        if (!failed.isEmpty()) {
            if (const engine::Status reloaded = m_store->reloadTags(); !reloaded)
                failed << tr("The store's tags could not be read again: %1").arg(reloaded.error());
        }
        m_library->refresh();
        m_libraryDock->show();
        QString message = tr("Imported labels for %n track(s).", nullptr, tracks);
        if (!warnings.isEmpty())
            message += QLatin1Char(' ') + tr("%n line(s) were skipped.", nullptr, int(warnings.size()));
        m_messages->show(message, 10000);
        if (!failed.isEmpty()) {
            warn(tr("Import Labels"), tr("%n label file(s) could not be saved; nothing of them was kept.", nullptr, int(failed.size())),
                 failed.join(QLatin1Char('\n')));
        }
    };
    if (m_store->durableSeq() >= last) {
        report();
        return;
    }
    m_messages->showBusy(tr("Saving the imported labels..."), QStringLiteral("import"));
    *pending = connect(m_store, &engine::AnnotationStore::durable, this, [this, last, report](qint64 seq) {
        if (seq >= last)
            report();
    });
}

} // namespace taglane::app
