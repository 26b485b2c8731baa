// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/trackview.h"

#include "widgets/colorlegend.h"
#include "widgets/icons.h"
#include "widgets/playbackcontroller.h"
#include "widgets/spectrogramview.h"
#include "widgets/taglanemodel.h"
#include "widgets/taglaneview.h"
#include "widgets/theme.h"
#include "widgets/timeaxis.h"
#include "widgets/timeruler.h"
#include "widgets/waveformview.h"

#include "engine/jobs/inferenceplan.h"
#include "engine/jobs/inferenceprogress.h"
#include "engine/jobs/inferenceresult.h"

#include <QAction>
#include <QActionGroup>
#include <QFileInfo>
#include <QGridLayout>
#include <QScrollBar>
#include <QStyle>
#include <QUndoStack>

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
    grid->addWidget(m_tagLane, 3, 0);
    auto *laneSide = new QHBoxLayout;
    laneSide->setContentsMargins(0, 0, 0, 0);
    laneSide->addWidget(m_vScroll, 0, Qt::AlignLeft);
    laneSide->addStretch(1);
    auto *laneSideWidget = spacer();
    laneSideWidget->setLayout(laneSide);
    grid->addWidget(laneSideWidget, 3, 1);
    auto *scrollRow = new QHBoxLayout;
    scrollRow->setContentsMargins(m_waveform->gutterWidth(), 0, 0, 0);
    scrollRow->setSpacing(0);
    scrollRow->addWidget(m_hScroll);
    grid->addLayout(scrollRow, 4, 0);
    grid->setRowStretch(1, 2);
    grid->setRowStretch(2, 5);
    grid->setRowStretch(3, 5);

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

    createActions();
    setVocabulary(engine::Vocabulary::bundledDefault());
}

TrackView::~TrackView() = default;

void TrackView::createActions()
{
    m_zoomIn = new QAction(icons::zoomIn(), tr("Zoom &In"), this);
    m_zoomIn->setShortcuts({QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal), QKeySequence::ZoomIn});
    m_zoomIn->setToolTip(tr("Zoom in around the centre (+)"));
    connect(m_zoomIn, &QAction::triggered, m_axis, &TimeAxis::zoomIn);

    m_zoomOut = new QAction(icons::zoomOut(), tr("Zoom &Out"), this);
    m_zoomOut->setShortcuts({QKeySequence(Qt::Key_Minus), QKeySequence::ZoomOut});
    m_zoomOut->setToolTip(tr("Zoom out around the centre (-)"));
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
    m_mel->setShortcut(QKeySequence(Qt::Key_M));
    connect(m_mel, &QAction::triggered, this, [this]() { setFeatureType(engine::FeatureType::Mel); });
    m_erb = new QAction(tr("&ERB"), group);
    m_erb->setToolTip(tr("Show the ERB spectrogram (64 bands)"));
    m_erb->setCheckable(true);
    m_erb->setShortcut(QKeySequence(Qt::Key_E));
    connect(m_erb, &QAction::triggered, this, [this]() { setFeatureType(engine::FeatureType::Erb); });

    for (QAction *a : {m_zoomIn, m_zoomOut, m_fit, m_playPause, m_stop, m_mel, m_erb}) {
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
    }
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
    const engine::AudioBuffer &mono = m_track->audio.mono;
    m_axis->setMinimumDuration(std::max(0.005, 64.0 / std::max(1, mono.sampleRate())));
    m_axis->setTotalDuration(mono.durationSeconds());
    m_waveform->setPeaks(m_track->peaks, mono.sampleRate());
    m_spectrogram->setBuffer(mono);
    m_playback->setBuffer(mono);
    m_tagModel->setSegments({});
    const QString path = m_track->audio.info.path;
    Q_EMIT trackLoaded(path);
    if (!m_track->audio.warnings.isEmpty())
        Q_EMIT loadWarnings(path, m_track->audio.warnings);
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
    m_store = store;
}

void TrackView::beginInference(const engine::InferencePlan &plan)
{
    m_tagModel->setVocabulary(plan.tags);
    QVector<TagLaneModel::Segment> segments;
    for (int i = 0; i < plan.segments.size(); ++i)
        segments.push_back({plan.segments.at(i).start, plan.segments.at(i).end});
    m_tagModel->setSegments(segments);
}

void TrackView::addInferenceRows(const engine::InferenceProgress &progress)
{
    for (size_t r = 0; r < progress.segmentRows.size(); ++r) {
        const auto &row = progress.segmentRows[r];
        const int column = progress.firstSegment + int(r);
        for (size_t t = 0; t < row.size(); ++t)
            m_tagModel->setProbability(m_tagModel->rowOfTag(m_tagModel->vocabulary().at(int(t)).name), column, row[t]);
    }
}

void TrackView::finishInference(const engine::InferenceResult &result)
{
    engine::InferenceProgress all;
    all.segmentRows = result.segmentRows;
    addInferenceRows(all);
}

} // namespace taglane::widgets
