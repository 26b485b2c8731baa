// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commandline.h"
#include "app/cli/commands.h"

#include "engine/corpus/augmentation.h"
#include "engine/corpus/segmentcomposer.h"
#include "engine/corpus/soundfontlibrary.h"
#include "engine/corpus/synthcorpusgenerator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <atomic>
#include <csignal>
#include <limits>

namespace taglane::app {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

const QString kCommand = QStringLiteral("taglane-cli synth-corpus");

std::atomic_bool g_cancel{false};

void onInterrupt(int)
{
    g_cancel.store(true);
}

} // namespace

int runSynthCorpus(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Renders a synthetic corpus of multi-segment tracks with FluidSynth: per track a WAV file and a "
           "CAL500exp-style CSV with the exact tags of each segment, plus vocabulary.tsv and corpus.json."));
    parser.addHelpOption();
    const QCommandLineOption tracksOption(QStringLiteral("tracks"), tr("number of tracks (default 10)"),
                                          QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), tr("random seed; the same seed gives the same "
                                                                   "files (default 1)"),
                                        QStringLiteral("S"), QStringLiteral("1"));
    const QCommandLineOption outOption(QStringLiteral("out"), tr("output folder"), QStringLiteral("DIR"));
    const QCommandLineOption soundfontOption(QStringLiteral("soundfont"),
                                             tr("General MIDI soundfont, a path or a short name (default: Debian's "
                                                "FluidR3_GM.sf2)"),
                                             QStringLiteral("PATH"),
                                             QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2"));
    const QCommandLineOption soundfontsOption(
        QStringLiteral("soundfonts"),
        tr("several soundfonts, comma-separated paths or short names (%1; 'installed' = all of them "
           "that are installed); each instrument part of each segment is played by one drawn from the list")
            .arg(engine::SoundfontLibrary::installed().isEmpty()
                     ? QStringLiteral("none installed")
                     : QStringList([] {
                           QStringList n;
                           for (const auto &k : engine::SoundfontLibrary::known())
                               n << QString::fromLatin1(k.name);
                           return n;
                       }()).join(QStringLiteral(", "))),
        QStringLiteral("LIST"));
    const QCommandLineOption generatorOption(
        QStringLiteral("generator"),
        tr("arrangement generator: classic (the first one) or phrase (song forms, voice-led chords, grooves; "
           "default classic)"),
        QStringLiteral("NAME"), QStringLiteral("classic"));
    const QCommandLineOption augmentOption(
        QStringLiteral("augment"),
        tr("label-preserving augmentation, seeded per track: all, none, or a comma-separated list of %1 "
           "(each kind reaches about half the tracks; default none)")
            .arg(engine::Augmentation::kindNames().join(QStringLiteral(", "))),
        QStringLiteral("KINDS"), QStringLiteral("none"));
    const QCommandLineOption rateOption(QStringLiteral("rate"), tr("sample rate in Hz (default 22050)"),
                                        QStringLiteral("HZ"), QStringLiteral("22050"));
    const QCommandLineOption monoOption(QStringLiteral("mono"), tr("write mono files (default stereo)"));
    const QCommandLineOption quietOption(QStringLiteral("quiet"), tr("no progress display"));
    parser.addOptions({tracksOption, seedOption, outOption, soundfontOption, soundfontsOption, generatorOption,
                       augmentOption, rateOption, monoOption, quietOption});

    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!parser.parse(QStringList{QStringLiteral("taglane-cli synth-corpus")} + args)) {
        err << "taglane-cli synth-corpus: " << parser.errorText() << "\n";
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << "taglane-cli synth-corpus: " << tr("unexpected argument: ") << parser.positionalArguments().first()
            << "\n";
        return 2;
    }

    engine::SynthCorpusOptions options;
    if (auto bad = readNumber(parser, tracksOption, {1, 100000}, options.tracks, kCommand))
        return *bad;
    if (auto bad = readNumber(parser, seedOption, {quint64(0), std::numeric_limits<quint64>::max()}, options.seed, kCommand))
        return *bad;
    if (auto bad = readNumber(parser, rateOption, {8000, 96000}, options.sampleRate, kCommand))
        return *bad;
    options.outDir = parser.value(outOption);
    if (options.outDir.isEmpty()) {
        err << "taglane-cli synth-corpus: " << tr("--out DIR is required") << "\n" << parser.helpText();
        return 2;
    }
    if (parser.isSet(soundfontOption) && parser.isSet(soundfontsOption)) {
        err << "taglane-cli synth-corpus: " << tr("give --soundfont or --soundfonts, not both") << "\n";
        return 2;
    }
    if (parser.isSet(soundfontsOption)) {
        QStringList items = parser.values(soundfontsOption);
        if (items.size() == 1 && items.first().trimmed() == QLatin1String("installed"))
            items = engine::SoundfontLibrary::installed();
        const auto list = engine::SoundfontLibrary::resolveList(items);
        if (!list) {
            err << "taglane-cli synth-corpus: " << list.error() << "\n";
            return 2;
        }
        options.soundfonts = list.value();
    } else {
        const auto path = engine::SoundfontLibrary::resolve(parser.value(soundfontOption));
        if (!path) {
            err << "taglane-cli synth-corpus: " << path.error() << "\n";
            return 2;
        }
        options.soundfont = path.value();
    }
    const auto kinds = engine::Augmentation::parseKinds(parser.value(augmentOption));
    if (!kinds) {
        err << "taglane-cli synth-corpus: " << kinds.error() << "\n";
        return 2;
    }
    options.augment = kinds.value();
    if (!engine::SegmentComposer::fromName(parser.value(generatorOption), options.generator)) {
        err << "taglane-cli synth-corpus: "
            << tr("unknown generator '%1' (use one of: %2)")
                   .arg(parser.value(generatorOption), engine::SegmentComposer::names().join(QStringLiteral(", ")))
            << "\n";
        return 2;
    }
    options.channels = parser.isSet(monoOption) ? 1 : 2;

    const bool showProgress = !parser.isSet(quietOption);
    engine::ProgressSink progress;
    g_cancel.store(false);
    progress.cancel = &g_cancel;
    int lastPercent = -1;
    if (showProgress) {
        progress.report = [&](double fraction) {
            const int percent = int(fraction * 100.0);
            if (percent != lastPercent) {
                lastPercent = percent;
                err << "\r" << tr("rendering: ") << percent << "%" << Qt::flush;
            }
        };
    }
    const auto previous = std::signal(SIGINT, onInterrupt);
    QElapsedTimer timer;
    timer.start();
    const auto summary = engine::SynthCorpusGenerator::generate(options, progress);
    std::signal(SIGINT, previous);
    if (showProgress)
        err << "\n";
    if (!summary) {
        err << "taglane-cli synth-corpus: " << summary.error() << "\n";
        return 1;
    }
    const double seconds = double(timer.elapsed()) / 1000.0;
    out << tr("%1 tracks, %2 s of audio, %3 MB in %4 (%5 s, %6x real time)")
               .arg(summary->tracks)
               .arg(summary->audioSeconds, 0, 'f', 1)
               .arg(double(summary->bytes) / 1e6, 0, 'f', 1)
               .arg(options.outDir)
               .arg(seconds, 0, 'f', 1)
               .arg(seconds > 0 ? summary->audioSeconds / seconds : 0.0, 0, 'f', 1)
        << "\n";
    if (summary->substitutedPresets > 0)
        err << "taglane-cli synth-corpus: "
            << tr("note: %1 parts were played by another soundfont or program of the same family (a soundfont "
                  "lacked the preset)")
                   .arg(summary->substitutedPresets)
            << "\n";
    if (summary->clippedSamples > 0)
        err << "taglane-cli synth-corpus: " << tr("warning: %1 samples clipped").arg(summary->clippedSamples) << "\n";
    return 0;
}

} // namespace taglane::app
