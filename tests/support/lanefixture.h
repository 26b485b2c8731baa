// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Shared set-up of the tag-lane widget tests: a silent decoded-looking
// track, fake inference plans (fixed windows or a model's chunk grid) and
// their probability rows, and mouse moves with a button held.

#include "widgets/track/trackloader.h"
#include "widgets/track/trackview.h"

#include "engine/audio/peakpyramid.h"
#include "engine/jobs/inferenceplan.h"
#include "engine/jobs/inferenceresult.h"

#include <QApplication>
#include <QFile>
#include <QMouseEvent>

#include <functional>
#include <memory>

namespace taglane::tests {

/// `seconds` of silence at 8 kHz, backed by a small real file (for the store's hash).
inline std::shared_ptr<widgets::LoadedTrack> silentTrack(const QString &dir, double seconds)
{
    const QString path = dir + QStringLiteral("/track.wav");
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(QByteArray(4096, 'x'));
    auto track = std::make_shared<widgets::LoadedTrack>();
    const int rate = 8000;
    track->audio.mono = engine::AudioBuffer(std::vector<float>(size_t(seconds * rate), 0.0f), rate);
    track->audio.info.path = path;
    track->audio.info.sampleRate = rate;
    track->audio.info.channels = 1;
    track->audio.info.frames = qint64(seconds * rate);
    track->peaks = engine::PeakPyramid::build(track->audio.mono);
    return track;
}

/// A plan over `names` with windows of `window` seconds (Fixed) or, when
/// chunkSeconds > 0, one segment per chunk of that model's grid.
inline engine::InferencePlan fakePlan(const QStringList &names, double duration, double window,
                                      const QString &version, double chunkSeconds = 0.0)
{
    engine::InferencePlan p;
    p.tags = engine::Vocabulary::fromNames(names);
    p.durationSeconds = duration;
    p.modelVersion = version;
    p.modelName = version;
    if (chunkSeconds > 0.0) {
        const int rate = 8000;
        p.grid = engine::ChunkGrid::covering(qint64(duration * rate), qint64(chunkSeconds * rate), rate);
        p.segments = engine::Segmentation::fromChunkGrid(p.grid);
    } else {
        p.segments = engine::Segmentation::fixedWindows(duration, window);
    }
    return p;
}

/// Runs a plan to the end with probability value(segment, tag).
inline void fakeInference(widgets::TrackView &view, const engine::InferencePlan &plan,
                          const std::function<float(int, int)> &value)
{
    view.beginInference(plan);
    engine::InferenceResult result;
    result.plan = plan;
    for (int s = 0; s < plan.segments.size(); ++s) {
        std::vector<float> row;
        for (int t = 0; t < plan.tags.size(); ++t)
            row.push_back(value(s, t));
        result.segmentRows.push_back(row);
    }
    view.finishInference(result);
}

inline void moveWithButton(QWidget *w, QPoint pos, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    QMouseEvent e(QEvent::MouseMove, pos, w->mapToGlobal(pos), Qt::NoButton, Qt::LeftButton, modifiers);
    QApplication::sendEvent(w, &e);
}

inline void hover(QWidget *w, QPoint pos)
{
    QMouseEvent e(QEvent::MouseMove, pos, w->mapToGlobal(pos), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

} // namespace taglane::tests
