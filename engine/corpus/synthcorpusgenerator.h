// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/progress.h"
#include "engine/core/result.h"
#include "engine/corpus/segmentarrangement.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace taglane::engine {

struct SynthCorpusOptions
{
    int tracks = 10;
    quint64 seed = 1;
    QString outDir;
    QString soundfont = QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2");
    /// Several soundfonts (paths); when not empty it replaces `soundfont`,
    /// and each instrument part of each segment is played by one drawn
    /// from the list (seeded, so reproducible).
    QStringList soundfonts;
    Generator generator = Generator::Classic;
    /// Augmentation kinds (Augmentation::Kind bits); 0 = none, the audio as
    /// the synthesiser renders it.
    quint32 augment = 0;
    int sampleRate = 22050;
    int channels = 2;    ///< 1 = mono, 2 = stereo
};

struct SynthCorpusSummary
{
    int tracks = 0;
    double audioSeconds = 0.0;
    qint64 bytes = 0;           ///< audio, CSV and side files written
    qint64 clippedSamples = 0;
    int substitutedPresets = 0; ///< parts a soundfont lacked, played by another (same family)
    QStringList files;          ///< every file written, absolute paths
};

/// Renders a synthetic multi-segment corpus with exact labels: per track
/// `<stem>.wav` (16-bit PCM) and `<stem>.csv` (CAL500exp layout,
/// `Start_Time,End_Time,<tags>`, hard 0/1 labels), plus `vocabulary.tsv`
/// (tag<TAB>category, see SynthVocabulary) and `corpus.json` (what each
/// segment holds: tempo, key, programs, roles). The same options give
/// byte-identical files. Stateless; call from a worker thread (it blocks
/// while it renders).
class SynthCorpusGenerator
{
public:
    /// Reports progress over the whole corpus and stops between blocks when
    /// cancelled (files of unfinished tracks are removed). vocabulary.tsv and
    /// corpus.json are written after the last track, so they exist only for
    /// a complete corpus; any failed write is an error.
    static Result<SynthCorpusSummary> generate(const SynthCorpusOptions &options, const ProgressSink &progress = {});

    /// The planned tracks of a corpus, without rendering.
    static std::vector<TrackPlan> plan(quint64 seed, int tracks);
    /// The planned tracks of these options (generator, soundfont draw), without rendering.
    static std::vector<TrackPlan> plan(const SynthCorpusOptions &options);
    /// The soundfonts the options render with (`soundfonts`, else `soundfont`).
    static QStringList soundfontList(const SynthCorpusOptions &options);
    /// The CAL500exp CSV of a planned track.
    static QByteArray labelsCsv(const TrackPlan &plan);
    /// The description of the corpus written as corpus.json.
    static QByteArray manifest(const SynthCorpusOptions &options, const std::vector<TrackPlan> &plans);
};

} // namespace taglane::engine
