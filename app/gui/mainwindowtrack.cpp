// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: the status bar and the open track (choose, open, drop, progress, where it was left).
#include "app/gui/mainwindow.h"

#include "widgets/timeline/timeaxis.h"
#include "widgets/track/storestatuslabel.h"
#include "widgets/track/trackview.h"
#include "widgets/window/statusmessages.h"

#include "engine/audio/audiodecoder.h"
#include "engine/store/annotationstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QToolButton>


namespace taglane::app {

namespace {
QString positionKey(const QString &path)
{
    return QStringLiteral("positions/")
           + QString::fromLatin1(QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
}
} // namespace

void MainWindow::createStatusBar()
{
    m_messages = new widgets::StatusMessages(this);
    m_facts = new QLabel(openHint(), this);
    m_facts->setObjectName(QStringLiteral("trackFacts"));
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("Decoding %p%"));
    m_progress->hide();
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop opening this file"));
    m_cancel->hide();
    connect(m_cancel, &QToolButton::clicked, m_track, &widgets::TrackView::cancelLoad);
    m_tagProgress = new QProgressBar(this);
    m_tagProgress->setRange(0, 1000);
    m_tagProgress->setMaximumWidth(220);
    m_tagProgress->setFormat(tr("Tagging %p%"));
    m_tagProgress->hide();
    m_tagCancel = new QToolButton(this);
    m_tagCancel->setDefaultAction(m_cancelTagAction);
    m_tagCancel->setText(tr("Cancel"));
    m_tagCancel->setToolTip(tr("Stop tagging; the rows computed so far stay in the lane"));
    m_tagCancel->hide();
    m_saveProblem = new widgets::StoreStatusLabel(this);
    statusBar()->addPermanentWidget(m_saveProblem);
    statusBar()->addPermanentWidget(m_facts);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    statusBar()->addPermanentWidget(m_tagProgress);
    statusBar()->addPermanentWidget(m_tagCancel);
}

bool MainWindow::isSupported(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return engine::AudioDecoder::supportedSuffixes().contains(suffix, Qt::CaseInsensitive);
}

void MainWindow::chooseFile()
{
    QStringList patterns;
    for (const QString &s : engine::AudioDecoder::supportedSuffixes())
        patterns << QStringLiteral("*.%1").arg(s);
    const QString filter = tr("Audio files (%1)").arg(patterns.join(QLatin1Char(' '))) + QStringLiteral(";;")
                           + tr("All files (*)");
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("lastDirectory"), QDir::homePath()).toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Audio File"), dir, filter);
    if (!path.isEmpty())
        openFile(path);
}

void MainWindow::openFile(const QString &path)
{
    QSettings().setValue(QStringLiteral("lastDirectory"), QFileInfo(path).absolutePath());
    m_track->openFile(QFileInfo(path).absoluteFilePath());
}

void MainWindow::rememberPosition()
{
    if (!m_openPath.isEmpty())
        QSettings().setValue(positionKey(m_openPath), m_track->timeAxis()->cursor());
}

void MainWindow::onLoadStarted(const QString &path)
{
    rememberPosition();   // of the track still shown, before the new one replaces it
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    // In the facts' place (not a message beside "Open an audio file..."): it is what the bar is about now.
    m_messages->clear();
    m_facts->setText(tr("Opening %1...").arg(QFileInfo(path).fileName()));
}

void MainWindow::onLoadFinishedOrCancelled()
{
    m_progress->hide();
    m_cancel->hide();
    m_facts->setText(m_track->hasTrack() ? m_track->describeTrack() : openHint());
}

QString MainWindow::openHint() const
{
    return tr("Open an audio file (Ctrl+O) or drop one here.");
}

void MainWindow::onLoaded(const QString &path)
{
    onLoadFinishedOrCancelled();
    m_openPath = path;
    // Where the track was left (the store keeps no position, the settings do).
    const double position = QSettings().value(positionKey(path), 0.0).toDouble();
    if (position > 0.0 && position < m_track->timeAxis()->totalDuration()) {
        m_track->timeAxis()->setCursor(position);
        m_track->timeAxis()->ensureCursorVisible();
    }
    setWindowTitle(tr("Taglane - %1").arg(QFileInfo(path).fileName()) + (m_store->isReadOnly() ? tr(" (read-only store)") : QString()));
    m_facts->setText(m_track->describeTrack());
    m_messages->show(tr("Opened %1 in %2 s.").arg(QFileInfo(path).fileName()).arg(m_track->track()->loadSeconds, 0, 'f', 2),
                     5000);
    rememberRecent(path);
    updateTagAction();
}

void MainWindow::onLoadFailed(const QString &path, const QString &message)
{
    onLoadFinishedOrCancelled();
    m_messages->show(message, 15000);
    warn(tr("Cannot Open File"), tr("Taglane could not open %1.").arg(QFileInfo(path).fileName()), message);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.front().isLocalFile() && isSupported(urls.front().toLocalFile()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.front().isLocalFile())
        return;
    openFile(urls.front().toLocalFile());
    event->acceptProposedAction();
}

} // namespace taglane::app
