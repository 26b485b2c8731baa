// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/track/trackview.h"

#include "widgets/style/colorlegend.h"
#include "widgets/lane/attentioncontroller.h"
#include "widgets/lane/attentionview.h"
#include "widgets/lane/commands/segmentchangecommand.h"
#include "widgets/style/icons.h"
#include "widgets/lane/lanecontrols.h"
#include "widgets/lane/lanelegend.h"
#include "widgets/playback/playbackcontroller.h"
#include "widgets/playback/segmentplayback.h"
#include "widgets/timeline/overviewstrip.h"
#include "widgets/timeline/spectrogramview.h"
#include "widgets/lane/taglanemodel.h"
#include "widgets/lane/taglaneview.h"
#include "widgets/style/theme.h"
#include "widgets/timeline/timeaxis.h"
#include "widgets/timeline/timeruler.h"
#include "widgets/timeline/waveformview.h"

#include "engine/curation/trackdocument.h"
#include "engine/jobs/inferenceplan.h"
#include "engine/jobs/inferenceprogress.h"
#include "engine/jobs/inferenceresult.h"
#include "engine/model/modelbundle.h"
#include "engine/segment/novelty.h"
#include "engine/segment/spectralflux.h"
#include "engine/segment/segmentationsettings.h"
#include "engine/store/annotationstore.h"

#include <QAction>
#include <QActionGroup>
#include <QFileInfo>
#include <QApplication>
#include <QGridLayout>
#include <QPointer>
#include <QThread>
#include <QScrollBar>
#include <QStyle>
#include <QUndoStack>

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

TrackView::TrackView(QWidget *parent)
    : QWidget(parent)
    , m_axis(new TimeAxis(this))
    , m_tagModel(new TagLaneModel(this))
    , m_undoStack(new QUndoStack(this))
    , m_playback(new PlaybackController(this))
    , m_loader(new TrackLoader(this))
{
    m_ruler = new TimeRuler(m_axis, this);
    m_waveform = new WaveformView(m_axis, this);
    m_spectrogram = new SpectrogramView(m_axis, this);
    m_legend = new ColorLegend(this);
    m_legend->setColorMap(m_spectrogram->colorMap());
    m_tagLane = new TagLaneView(m_axis, this);
    m_tagLane->setModel(m_tagModel);
    m_tagLane->setUndoStack(m_undoStack);
    m_laneLegend = new LaneLegend(this);
    m_laneControls = new LaneControls(this);
    m_hScroll = new QScrollBar(Qt::Horizontal, this);
    m_vScroll = new QScrollBar(Qt::Vertical, this);

    QPalette pal = palette();
    pal.setColor(QPalette::Window, theme::separator());
    setPalette(pal);
    setAutoFillBackground(true);

    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(1);
    auto spacer = [this]() {
        auto *w = new QWidget(this);
        w->setFixedWidth(m_legend->sizeHint().width());
        QPalette p = w->palette();
        p.setColor(QPalette::Window, theme::gutter());
        w->setPalette(p);
        w->setAutoFillBackground(true);
        return w;
    };
    grid->addWidget(m_ruler, 0, 0);
    grid->addWidget(spacer(), 0, 1, 2, 1);
    grid->addWidget(m_waveform, 1, 0);
    grid->addWidget(m_spectrogram, 2, 0);
    grid->addWidget(m_legend, 2, 1);
    grid->addWidget(m_laneControls, 3, 0, 1, 2);
    grid->addWidget(m_tagLane, 4, 0);
    auto *laneSide = new QHBoxLayout;
    laneSide->setContentsMargins(0, 0, 0, 0);
    laneSide->setSpacing(0);
    laneSide->addWidget(m_vScroll);
    laneSide->addWidget(m_laneLegend, 1);
    auto *laneSideWidget = spacer();
    laneSideWidget->setLayout(laneSide);
    grid->addWidget(laneSideWidget, 4, 1);
    auto *scrollRow = new QHBoxLayout;
    scrollRow->setContentsMargins(m_waveform->gutterWidth(), 0, 0, 0);
    scrollRow->setSpacing(0);
    scrollRow->addWidget(m_hScroll);
    // The attention curves of the selected segment (cnn-sam models), under the lane.
    m_attention = new AttentionView(m_axis, this);
    m_attention->setGutterWidth(m_waveform->gutterWidth());
    m_attention->hide();
    m_attentionController = new AttentionController(this);
    grid->addWidget(m_attention, 5, 0);
    connect(m_attentionController, &AttentionController::attentionReady, m_attention, &AttentionView::setWindows);
    connect(m_attentionController, &AttentionController::attentionFailed, this, [this](const QString &message) {
        m_attention->clear();
        showMessage(message);
    });
    connect(m_tagLane, &TagLaneView::selectionChanged, this, &TrackView::requestAttention);
    grid->addLayout(scrollRow, 6, 0);
    // The whole-track overview under the scrollbar (h-timeline).
    m_overview = new OverviewStrip(m_axis, this);
    m_overview->setGutterWidth(m_waveform->gutterWidth());
    m_overview->setWaveformSource(m_waveform);
    m_overview->setLaneModel(m_tagModel);
    grid->addWidget(m_overview, 7, 0);
    grid->setRowStretch(1, 2);
    grid->setRowStretch(2, 5);
    grid->setRowStretch(4, 6);

    m_axis->setTotalDuration(0.0);
    connect(m_axis, &TimeAxis::visibleRangeChanged, this, &TrackView::syncScrollBar);
    connect(m_axis, &TimeAxis::totalDurationChanged, this, &TrackView::syncScrollBar);
    connect(m_hScroll, &QScrollBar::valueChanged, this, &TrackView::onScrollBar);
    connect(m_tagLane, &TagLaneView::verticalRangeChanged, this, [this](int maximum, int page) {
        m_vScroll->setRange(0, maximum);
        m_vScroll->setPageStep(page);
        m_vScroll->setSingleStep(TagLaneView::rowHeight);
    });
    connect(m_vScroll, &QScrollBar::valueChanged, m_tagLane, &TagLaneView::setVerticalOffset);
    connect(m_tagLane, &TagLaneView::verticalOffsetChanged, m_vScroll, &QScrollBar::setValue);
    connect(m_spectrogram, &SpectrogramView::rangeChanged, m_legend, &ColorLegend::setRange);

    for (TimelineView *view : {static_cast<TimelineView *>(m_ruler), static_cast<TimelineView *>(m_waveform),
                               static_cast<TimelineView *>(m_spectrogram), static_cast<TimelineView *>(m_tagLane)})
        connect(view, &TimelineView::seekRequested, m_playback, &PlaybackController::seek);
    connect(m_playback, &PlaybackController::positionChanged, this, [this](double seconds) {
        m_axis->setCursor(seconds);
        if (m_playback->isPlaying())
            m_axis->ensureCursorVisible();
    });
    connect(m_playback, &PlaybackController::stateChanged, this, &TrackView::onPlaybackState);
    connect(m_playback, &PlaybackController::message, this, &TrackView::showMessage);

    connect(m_loader, &TrackLoader::started, this, &TrackView::loadStarted);
    connect(m_loader, &TrackLoader::progress, this, &TrackView::loadProgress);
    connect(m_loader, &TrackLoader::finished, this, &TrackView::setTrack);
    connect(m_loader, &TrackLoader::failed, this, &TrackView::loadFailed);
    connect(m_loader, &TrackLoader::cancelled, this, &TrackView::loadCancelled);

    engine::TrackDocument *doc = m_tagModel->document();
    connect(m_laneControls, &LaneControls::filterChanged, m_tagModel, &TagLaneModel::setFilterText);
    connect(m_laneControls, &LaneControls::orderChanged, this,
            [this](int order) { m_tagModel->setRowOrder(TagLaneModel::RowOrder(order)); });
    connect(m_laneControls, &LaneControls::thresholdChanged, this, &TrackView::setThreshold);
    connect(m_laneControls, &LaneControls::segmentationRequested, this,
            [this](engine::SegmentSource source, double window) { setSegmentationSource(source, window); });
    connect(m_tagModel, &TagLaneModel::thresholdChanged, this, [this](double t) {
        m_laneControls->setThreshold(t);
        m_laneLegend->setThreshold(t);
        Q_EMIT thresholdChanged(t);
    });
    connect(doc, &engine::TrackDocument::labelsChanged, this, [this]() { Q_EMIT labelsChanged(); });
    connect(m_laneControls, &LaneControls::showAllTagsChanged, m_tagModel, &TagLaneModel::setShowAllTags);
    connect(m_laneControls, &LaneControls::summaryChanged, this,
            [this](int summary) { m_tagLane->setSummary(TagLaneView::Summary(summary)); });
    m_tagModel->setShowAllTags(false);
    connect(doc, &engine::TrackDocument::didReset, this, [this]() {
        // The rule follows the segmentation the track has (stored, adopted, edited).
        if (document()->segmentCount() > 0)
            m_segmentRule = document()->segmentSource();
        m_laneControls->showSegmentation(m_segmentRule, m_windowSeconds);
        updateModelTags();
        updateLaneStatus();
        Q_EMIT labelsChanged();
    });
    connect(doc, &engine::TrackDocument::storeError, this, &TrackView::showMessage);

    createActions();
    setVocabulary(engine::Vocabulary::bundledDefault());
}

TrackView::~TrackView()
{
    waitForCompletion();
}

void TrackView::createActions()
{
    m_zoomIn = new QAction(icons::zoomIn(), tr("Zoom &In"), this);
    m_zoomIn->setShortcuts({QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal), QKeySequence::ZoomIn});
    m_zoomIn->setToolTip(tr("Zoom in around the play cursor, or the centre when it is out of view (+)"));
    connect(m_zoomIn, &QAction::triggered, m_axis, &TimeAxis::zoomIn);

    m_zoomOut = new QAction(icons::zoomOut(), tr("Zoom &Out"), this);
    m_zoomOut->setShortcuts({QKeySequence(Qt::Key_Minus), QKeySequence::ZoomOut});
    m_zoomOut->setToolTip(tr("Zoom out around the play cursor, or the centre when it is out of view (-)"));
    connect(m_zoomOut, &QAction::triggered, m_axis, &TimeAxis::zoomOut);

    m_fit = new QAction(icons::fit(), tr("&Fit"), this);
    m_fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    m_fit->setToolTip(tr("Show the whole track"));
    connect(m_fit, &QAction::triggered, m_axis, &TimeAxis::fit);

    m_playPause = new QAction(icons::play(), tr("&Play"), this);
    m_playPause->setShortcut(QKeySequence(Qt::Key_Space));
    m_playPause->setCheckable(true);
    connect(m_playPause, &QAction::triggered, this, [this]() {
        m_playback->togglePlayPause();
        onPlaybackState();
    });

    m_stop = new QAction(icons::stop(), tr("&Stop"), this);
    m_stop->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(m_stop, &QAction::triggered, m_playback, &PlaybackController::stop);

    auto *group = new QActionGroup(this);
    m_mel = new QAction(tr("&Mel"), group);
    m_mel->setToolTip(tr("Show the Mel spectrogram (128 bands)"));
    m_mel->setCheckable(true);
    m_mel->setChecked(true);
    m_mel->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_M));   // plain M merges segments
    connect(m_mel, &QAction::triggered, this, [this]() { setFeatureType(engine::FeatureType::Mel); });
    m_erb = new QAction(tr("&ERB"), group);
    m_erb->setToolTip(tr("Show the ERB spectrogram (64 bands)"));
    m_erb->setCheckable(true);
    m_erb->setShortcut(QKeySequence(Qt::Key_E));
    connect(m_erb, &QAction::triggered, this, [this]() { setFeatureType(engine::FeatureType::Erb); });

    m_split = new QAction(tr("&Split Segment at Cursor"), this);
    m_split->setShortcut(QKeySequence(Qt::Key_S));
    m_split->setToolTip(tr("Split the segment under the play cursor (S)"));
    connect(m_split, &QAction::triggered, this, &TrackView::splitAtCursor);
    m_merge = new QAction(tr("&Merge with Next Segment"), this);
    m_merge->setShortcut(QKeySequence(Qt::Key_M));
    m_merge->setToolTip(tr("Merge the selected segment (or the one under the cursor) with the next one (M)"));
    connect(m_merge, &QAction::triggered, this, &TrackView::mergeSelected);
    m_accept = new QAction(tr("&Accept Suggestions"), this);
    m_accept->setShortcut(QKeySequence(Qt::Key_A));
    m_accept->setToolTip(tr("Mark present every unreviewed cell at or above the threshold, in the selection "
                            "(when it spans several cells) or the whole track (A)"));
    connect(m_accept, &QAction::triggered, this, &TrackView::acceptSuggestions);
    m_undo = m_undoStack->createUndoAction(this, tr("&Undo"));
    m_undo->setShortcut(QKeySequence::Undo);
    m_redo = m_undoStack->createRedoAction(this, tr("&Redo"));
    // Ctrl+Shift+Z once: on X11 the platform's Redo already is Ctrl+Shift+Z, and a
    // sequence listed twice is an "ambiguous shortcut" that runs nothing.
    QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
    if (!redoKeys.contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)))
        redoKeys << QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z);
    m_redo->setShortcuts(redoKeys);

    m_segmentPlayback = new SegmentPlayback(m_playback, m_tagLane, m_axis, this);
    connect(m_segmentPlayback, &SegmentPlayback::message, this, &TrackView::showMessage);
    const QList<QAction *> segmentActions = m_segmentPlayback->actions();
    for (QAction *a : QList<QAction *>{m_zoomIn, m_zoomOut, m_fit, m_playPause, m_stop, m_mel, m_erb, m_split,
                                       m_merge, m_accept, m_undo, m_redo} + segmentActions) {
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
    }
    createCompletionActions();
    onPlaybackState();
}

void TrackView::setVocabulary(const engine::Vocabulary &vocabulary)
{
    m_tagModel->setVocabulary(vocabulary);
}

QString TrackView::filePath() const
{
    return m_track ? m_track->audio.info.path : QString();
}

void TrackView::openFile(const QString &path)
{
    m_loader->load(path);
}

void TrackView::cancelLoad()
{
    m_loader->cancel();
}

void TrackView::setFeatureType(engine::FeatureType type)
{
    m_spectrogram->setFeatureType(type);
    (type == engine::FeatureType::Erb ? m_erb : m_mel)->setChecked(true);
}

void TrackView::setTrack(std::shared_ptr<const LoadedTrack> track)
{
    if (!track)
        return;
    m_playback->stop();
    m_track = std::move(track);
    m_attention->clear();
    const engine::AudioBuffer &mono = m_track->audio.mono;
    m_axis->setMinimumDuration(std::max(0.005, 64.0 / std::max(1, mono.sampleRate())));
    m_axis->setTotalDuration(mono.durationSeconds());
    m_waveform->setPeaks(m_track->peaks, mono.sampleRate());
    m_spectrogram->setBuffer(mono);
    m_playback->setBuffer(mono);
    m_undoStack->clear();
    resetCompletion();
    m_plan = engine::InferencePlan();
    m_planRows.clear();
    m_tagModel->document()->attachStore(nullptr, 0);
    m_tagModel->setSegments({});
    m_tagModel->document()->setDuration(mono.durationSeconds());
    m_tagLane->clearSelection();
    computeSnapCurve();
    attachTrackToStore();
    const QString path = m_track->audio.info.path;
    Q_EMIT trackLoaded(path);
    if (!m_track->audio.warnings.isEmpty())
        Q_EMIT loadWarnings(path, m_track->audio.warnings);
}

void TrackView::setAttentionModel(const QString &bundleFolder)
{
    m_attentionController->setBundle(bundleFolder);
    m_attention->clear();
    m_attention->setVisible(!bundleFolder.isEmpty());
    requestAttention();
}

void TrackView::requestAttention()
{
    if (m_attentionController->bundle().isEmpty() || !m_track || !m_tagLane->hasSelection())
        return;
    const engine::TrackDocument *doc = document();
    const int column = m_tagLane->currentColumn();
    if (!doc || column < 0 || column >= doc->segments().size())
        return;
    const engine::Segment seg = doc->segments().at(column);
    m_attentionController->request(m_track->audio.mono, seg.start, seg.end);
}

void TrackView::computeSnapCurve()
{
    // The spectral novelty curve Shift+drag snaps boundaries to, off the GUI thread.
    m_tagLane->setNoveltyCurve({});
    const std::shared_ptr<const LoadedTrack> track = m_track;
    QPointer<TrackView> self(this);
    QThread *thread = QThread::create([self, track]() {
        auto curve = engine::spectralFluxNovelty(track->audio.mono);
        if (!curve)
            return;
        QMetaObject::invokeMethod(qApp, [self, track, curve = std::move(curve).value()]() {
            if (self && self->m_track == track)
                self->m_tagLane->setNoveltyCurve(curve);
        });
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start(QThread::LowPriority);
}

QString TrackView::describeTrack() const
{
    if (!m_track)
        return tr("No track open");
    const engine::AudioInfo &info = m_track->audio.info;
    const double seconds = m_track->audio.mono.durationSeconds();
    const int minutes = int(seconds / 60.0);
    const QString duration = QStringLiteral("%1:%2").arg(minutes).arg(seconds - minutes * 60.0, 4, 'f', 1, QLatin1Char('0'));
    QString format = info.container;
    if (!info.encoding.isEmpty())
        format += (format.isEmpty() ? QString() : QStringLiteral(", ")) + info.encoding;
    const QString channels = info.channels == 1 ? tr("mono") : info.channels == 2 ? tr("stereo")
                                                                                   : tr("%1 channels").arg(info.channels);
    return tr("%1  |  %2  |  %3 Hz  |  %4  |  %5")
        .arg(QFileInfo(info.path).fileName(), duration, QString::number(info.sampleRate), channels, format);
}

void TrackView::syncScrollBar()
{
    m_syncingScroll = true;
    const double total = m_axis->totalDuration();
    const double visible = m_axis->visibleDuration();
    m_hScroll->setRange(0, int(std::lround(std::max(0.0, total - visible) * 1000.0)));
    m_hScroll->setPageStep(std::max(1, int(std::lround(visible * 1000.0))));
    m_hScroll->setSingleStep(std::max(1, int(std::lround(visible * 100.0))));
    m_hScroll->setValue(int(std::lround(m_axis->visibleStart() * 1000.0)));
    m_syncingScroll = false;
}

void TrackView::onScrollBar(int value)
{
    if (!m_syncingScroll)
        m_axis->setVisibleStart(value / 1000.0);
}

void TrackView::onPlaybackState()
{
    const bool playing = m_playback->isPlaying();
    m_playPause->setChecked(playing);
    m_playPause->setText(playing ? tr("&Pause") : tr("&Play"));
    m_playPause->setIcon(playing ? icons::pause() : icons::play());
}

void TrackView::showMessage(const QString &text)
{
    m_lastMessage = text;
    Q_EMIT statusMessage(text);
}

void TrackView::setStore(engine::AnnotationStore *store)
{
    if (store == m_store)
        return;
    if (m_store)
        disconnect(m_store, &engine::AnnotationStore::writesRecovered, this, nullptr);
    m_store = store;
    m_undoStack->clear();
    if (store) {
        // Edits made while the store could not save are not lost: once it saves again, the
        // open track's document (what the curator sees) is written again whole.
        connect(store, &engine::AnnotationStore::writesRecovered, this, [this]() {
            engine::TrackDocument *doc = document();
            if (!m_store || doc->store() != m_store || doc->trackId() <= 0)
                return;
            QString tagsNote;
            if (m_store->durableSeq() >= m_store->lastEditSeq()) {
                // Drop tags that only failed edits had added; if the store's
                // tags cannot be read, the ones in memory are kept and said so.
                if (const engine::Status reloaded = m_store->reloadTags(); !reloaded)
                    tagsNote = QLatin1Char(' ') + tr("Its tags could not be read again: %1").arg(reloaded.error());
            }
            doc->resaveToStore();
            showMessage(tr("The annotation store takes edits again; this track's labels were saved again.") + tagsNote);
        });
    }
    attachTrackToStore();
}

engine::TrackDocument *TrackView::document() const
{
    return m_tagModel->document();
}

void TrackView::attachTrackToStore()
{
    engine::TrackDocument *doc = document();
    if (!m_store || !m_track || !m_store->isOpen()) {
        doc->attachStore(nullptr, 0);
        return;
    }
    const engine::AudioInfo &info = m_track->audio.info;
    auto record = m_store->isReadOnly() ? engine::Result<engine::TrackRecord>::failure(QString())
                                        : m_store->addTrackFile(info.path, m_track->audio.mono.durationSeconds(),
                                                                info.sampleRate, info.channels);
    qint64 trackId = record ? record->id : 0;
    if (!record) {
        if (const auto known = m_store->findTrackByPath(info.path))
            trackId = known->id;
    }
    if (trackId <= 0) {
        showMessage(record.error().isEmpty() ? tr("%1 is not in the read-only annotation store.").arg(info.path)
                                             : record.error());
        return;
    }
    // Without an active vocabulary the store cannot give verdicts back; start it with the lane's.
    if (!m_store->isReadOnly() && m_store->vocabulary().isEmpty() && !doc->tags().isEmpty())
        m_store->setVocabulary(doc->tags());
    const engine::Vocabulary laneTags = doc->tags();
    const auto loaded = doc->loadFromStore(m_store, trackId);
    if (!loaded) {
        // A track added a moment ago may not be readable until its write commits:
        // there is nothing to load then, so only later failures are worth a message.
        if (m_store->durableSeq() >= m_store->lastEditSeq())
            showMessage(loaded.error());
        doc->attachStore(m_store, trackId, true);
        updateLaneStatus();
        return;
    }
    if (loaded.value() && doc->tags().isEmpty())
        doc->setTags(laneTags);
    if (!loaded.value() && doc->segmentCount() > 0)
        doc->attachStore(m_store, trackId, true);
    updateLaneStatus();
}

double TrackView::threshold() const
{
    return m_tagModel->threshold();
}

void TrackView::setThreshold(double threshold)
{
    m_tagModel->setThreshold(threshold);
}

engine::SegmentSource TrackView::segmentationSource() const
{
    return document()->segmentSource();
}

void TrackView::setSegmentationSource(engine::SegmentSource source, double windowSeconds)
{
    const double duration = m_track ? m_track->audio.mono.durationSeconds()
                                    : std::max(document()->duration(), m_axis->totalDuration());
    if (!(duration > 0.0)) {
        showMessage(tr("Open a track before choosing its segmentation."));
        return;
    }
    switch (source) {
    case engine::SegmentSource::Fixed: {
        const double w = std::clamp(windowSeconds, engine::SegmentationSettings::minWindowSeconds,
                                    engine::SegmentationSettings::maxWindowSeconds);
        m_segmentRule = source;
        applySegmentation(engine::Segmentation::fixedWindows(duration, w, std::min(3.0, w)).segments(), source, w);
        return;
    }
    case engine::SegmentSource::ModelChunks:
        if (m_plan.grid.isEmpty()) {
            // Nothing to lay out yet: the next tagging run uses its model's chunks.
            m_segmentRule = source;
            showMessage(tr("The next tagging run lays the segments on its model's chunk grid."));
            m_laneControls->showSegmentation(m_segmentRule, m_windowSeconds);
            return;
        }
        m_segmentRule = source;
        applySegmentation(engine::Segmentation::fromChunkGrid(m_plan.grid).segments(), source, m_windowSeconds);
        return;
    case engine::SegmentSource::Novelty: {
        if (!m_track) {
            showMessage(tr("Novelty segmentation needs the decoded audio of an open track."));
            return;
        }
        m_segmentRule = source;
        const int request = ++m_noveltyRequest;
        const std::shared_ptr<const LoadedTrack> track = m_track;
        QPointer<TrackView> self(this);
        showMessage(tr("Finding segment boundaries by novelty..."));
        QThread *thread = QThread::create([self, track, request]() {
            auto result = engine::noveltySegmentation(track->audio.mono);
            QMetaObject::invokeMethod(qApp, [self, track, request, result = std::move(result)]() {
                if (!self || self->m_track != track || self->m_noveltyRequest != request)
                    return;
                if (!result) {
                    self->showMessage(result.error());
                    return;
                }
                self->applySegmentation(result->segments.segments(), engine::SegmentSource::Novelty,
                                        self->m_windowSeconds);
                self->showMessage(tr("Novelty segmentation: %n segment(s).", nullptr, result->segments.size()));
            });
        });
        connect(thread, &QThread::finished, thread, &QObject::deleteLater);
        thread->start(QThread::LowPriority);
        return;
    }
    default:
        return;
    }
}

void TrackView::applySegmentation(const QVector<engine::Segment> &segments, engine::SegmentSource source,
                                  double windowSeconds)
{
    engine::TrackDocument *doc = document();
    m_windowSeconds = windowSeconds;
    if (segments.isEmpty())
        return;
    if (doc->segmentCount() == 0) {
        doc->adoptSegmentation(segments, source);
        return;
    }
    auto change = doc->planResegment(segments);
    if (!change) {
        showMessage(change.error());
        return;
    }
    const QString name = source == engine::SegmentSource::Fixed ? tr("fixed %1 s").arg(windowSeconds)
        : source == engine::SegmentSource::ModelChunks         ? tr("model chunks")
                                                               : tr("novelty");
    m_undoStack->push(new SegmentChangeCommand(doc, change.value(), SegmentChangeCommand::Kind::Resegment, source,
                                               tr("Re-segment (%1)").arg(name)));
    m_planDirect = false;
}

bool TrackView::splitAtCursor()
{
    engine::TrackDocument *doc = document();
    auto change = doc->planSplit(m_axis->cursor());
    if (!change) {
        showMessage(change.error());
        return false;
    }
    m_undoStack->push(new SegmentChangeCommand(doc, change.value(), SegmentChangeCommand::Kind::Split,
                                               engine::SegmentSource::Curator, tr("Split segment")));
    m_planDirect = false;
    return true;
}

bool TrackView::mergeSelected()
{
    engine::TrackDocument *doc = document();
    int column = m_tagLane->hasSelection() ? m_tagLane->currentColumn() : doc->segmentAt(m_axis->cursor());
    if (column < 0) {
        showMessage(tr("Select a segment (or put the cursor in one) to merge it with the next."));
        return false;
    }
    auto change = doc->planMerge(doc->segment(column).id);
    if (!change) {
        showMessage(change.error());
        return false;
    }
    m_undoStack->push(new SegmentChangeCommand(doc, change.value(), SegmentChangeCommand::Kind::Merge,
                                               engine::SegmentSource::Curator, tr("Merge segments")));
    m_planDirect = false;
    return true;
}

int TrackView::acceptSuggestions()
{
    const int n = m_tagLane->acceptSuggestions();
    showMessage(n > 0 ? tr("Accepted %n suggestion(s) at or above %1.", nullptr, n).arg(threshold(), 0, 'f', 2)
                      : tr("No unreviewed cell is at or above the threshold %1.").arg(threshold(), 0, 'f', 2));
    return n;
}

QVector<QPair<QString, double>> TrackView::topTagsAt(double seconds, int n) const
{
    QVector<QPair<QString, double>> out;
    const engine::TrackDocument *doc = document();
    const int s = doc->segmentAt(seconds);
    if (s < 0 || n <= 0)
        return out;
    for (int t = 0; t < doc->tags().size(); ++t) {
        const float p = doc->probability(s, t);
        if (!std::isnan(p))
            out.push_back({doc->tags().at(t).name, double(p)});
    }
    std::stable_sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    if (out.size() > n)
        out.resize(n);
    return out;
}

QStringList TrackView::modelVersions() const
{
    return document()->modelVersions();
}

QString TrackView::currentModelVersion() const
{
    return document()->currentModelVersion();
}

void TrackView::setCurrentModelVersion(const QString &version)
{
    document()->setCurrentModelVersion(version);
    updateModelTags();
    if (m_tagModel->rowOrder() != TagLaneModel::RowOrder::Vocabulary)
        m_tagModel->resort();
    updateLaneStatus();
    Q_EMIT labelsChanged();
}

void TrackView::updateLaneStatus()
{
    const engine::TrackDocument *doc = document();
    QString text = tr("%n segment(s)", nullptr, doc->segmentCount());
    if (!doc->currentModelVersion().isEmpty())
        text += QStringLiteral("  |  ") + doc->currentModelVersion();
    m_laneControls->setStatus(text);
}

} // namespace taglane::widgets
