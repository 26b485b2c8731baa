// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "app/cli/commandline.h"
#include "app/cli/modelname.h"
#include "app/cli/tagstore.h"

#include "engine/audio/audiodecoder.h"
#include "engine/formats/cal500csvwriter.h"
#include "engine/formats/cataloguecsvwriter.h"
#include "engine/formats/jamswriter.h"
#include "engine/formats/tracklabels.h"
#include "engine/jobs/chunkedinferencerunner.h"
#include "engine/jobs/inferencerunner.h"
#include "engine/model/modelbundle.h"
#include "engine/model/tagger.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSet>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace taglane::app {

namespace {

using namespace taglane::engine;

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

const QString kCommand = QStringLiteral("taglane-cli tag");

enum class Format { Csv, Catalogue, Jams };

struct Failure
{
    QString file;
    QString message;
};

/// Audio files named on the command line, folders searched recursively for
/// the decoder's suffixes (sorted, so runs are repeatable). Paths that do
/// not exist go to `missing`.
QStringList collectInputs(const QStringList &paths, QVector<Failure> &missing)
{
    QStringList suffixes = AudioDecoder::supportedSuffixes();
    QStringList filters;
    for (const QString &s : suffixes)
        filters << QStringLiteral("*.") + s << QStringLiteral("*.") + s.toUpper();
    QStringList files;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            QStringList found;
            QDirIterator it(path, filters, QDir::Files | QDir::Readable, QDirIterator::Subdirectories);
            while (it.hasNext())
                found << QDir::cleanPath(it.next());
            std::sort(found.begin(), found.end());
            files << found;
        } else if (info.exists()) {
            files << QDir::cleanPath(path);
        } else {
            missing.push_back({path, tr("%1 does not exist.").arg(path)});
        }
    }
    files.removeDuplicates();
    return files;
}

/// Draws "[=====>    ]  45%  3/10 name" in place on a terminal, at most
/// about 10 times a second; on anything else prints nothing.
class ProgressLine
{
public:
    explicit ProgressLine(bool enabled) : m_enabled(enabled) {}

    void update(int index, int total, const QString &name, double fraction, bool force = false)
    {
        if (!m_enabled)
            return;
        if (!force && m_clock.isValid() && m_clock.elapsed() < 100)
            return;
        m_clock.restart();
        const int width = 30;
        const int filled = int(fraction * width + 0.5);
        QString bar = QString(filled, QLatin1Char('=')) + QString(width - filled, QLatin1Char(' '));
        if (filled > 0 && filled < width)
            bar[filled - 1] = QLatin1Char('>');
        QString text = QStringLiteral("\r[%1] %2%  %3/%4 %5")
                           .arg(bar)
                           .arg(int(fraction * 100.0 + 0.5), 3)
                           .arg(index)
                           .arg(total)
                           .arg(name.left(40));
        const int pad = std::max(0, m_lastWidth - int(text.size()));
        m_lastWidth = int(text.size());
        std::fputs(qPrintable(text + QString(pad, QLatin1Char(' '))), stderr);
        std::fflush(stderr);
    }
    void clear()
    {
        if (!m_enabled || m_lastWidth == 0)
            return;
        std::fputs(qPrintable(QLatin1Char('\r') + QString(m_lastWidth, QLatin1Char(' ')) + QLatin1Char('\r')), stderr);
        std::fflush(stderr);
        m_lastWidth = 0;
    }

private:
    bool m_enabled;
    QElapsedTimer m_clock;
    int m_lastWidth = 0;
};

/// `stem.ext` in dir, with -2, -3, ... appended when an earlier file of
/// this run already took the name.
QString uniqueOutput(const QDir &dir, const QString &stem, const QString &ext, QSet<QString> &used)
{
    QString name = stem + ext;
    for (int n = 2; used.contains(name); ++n)
        name = QStringLiteral("%1-%2%3").arg(stem).arg(n).arg(ext);
    used.insert(name);
    return dir.filePath(name);
}

} // namespace

int runTag(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Tags audio files segment by segment with a model bundle and writes the probabilities.\n"
           "Folders are searched recursively for audio files. Exit status: 0 when every file was tagged, "
           "1 when some failed (they are listed at the end), 2 on a usage or model error (including a model that "
           "gives NaN or infinite probabilities, which are never written).\n"
           "With --store DB the predictions go into the annotation store instead of files: without FILE|DIR every "
           "library track that the model version has not tagged yet is tagged; FILE|DIR are added to the library "
           "first. Each track is saved whole or not at all, so a run that is stopped or killed, started again, "
           "tags only what is left. A track that has segments keeps them.\n"
           "The model's OpenMP threads wait passively (OMP_WAIT_POLICY=PASSIVE) unless the environment "
           "says otherwise: spinning threads slow tagging down whenever the cores have other work."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE|DIR"), tr("audio files or folders"), QStringLiteral("FILE|DIR..."));
    const QCommandLineOption modelOption(QStringLiteral("model"), tr("the model: a bundle folder (NAME.tlmodel) or a bundled model's name (default: real music, 50 MagnaTagATune tags; instruments: 14 instrument and character tags)"),
                                         QStringLiteral("BUNDLE"));
    const QCommandLineOption segmentsOption(
        QStringLiteral("segments"),
        tr("'chunk' (one segment per model chunk), 'fixed:SECONDS' (windows of 3 to 16 s; a tail shorter than "
           "3 s joins the previous segment) or 'novelty' (self-similarity boundaries, segments of 3 to 16 s; "
           "decodes each whole file). Default: chunk"),
        QStringLiteral("MODE"), QStringLiteral("chunk"));
    const QCommandLineOption formatOption(
        QStringLiteral("format"),
        tr("'csv' (<stem>.csv per file, CAL500exp style: Start_Time,End_Time,<tags>), 'catalogue' (one "
           "catalogue.csv for all files) or 'jams' (<stem>.jams per file). Default: csv"),
        QStringLiteral("FORMAT"), QStringLiteral("csv"));
    const QCommandLineOption outOption(QStringLiteral("out"), tr("output folder (created if needed). Default: ."),
                                       QStringLiteral("DIR"), QStringLiteral("."));
    const QCommandLineOption deviceOption(QStringLiteral("device"), tr("cpu, cuda or auto. Default: auto"),
                                          QStringLiteral("DEVICE"), QStringLiteral("auto"));
    const QCommandLineOption batchOption(QStringLiteral("batch"), tr("chunks per forward pass. Default: 8"),
                                         QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"),
                                           tr("CPU threads for the model; 0 = all cores. Default: 0"),
                                           QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption windowOption(
        QStringLiteral("window"),
        tr("seconds of audio decoded and tagged at a time, so that memory stays the same for a track of any "
           "length; 0 decodes each whole file first. Default: 60"),
        QStringLiteral("SECONDS"), QStringLiteral("60"));
    const QCommandLineOption storeOption(
        QStringLiteral("store"), tr("write the predictions into this annotation store (see above); --model defaults "
                                    "to 'default' then"),
        QStringLiteral("DB"));
    const QCommandLineOption shardOption(
        QStringLiteral("shard"),
        tr("with --store: tag only the I-th of N shards of the library (tracks assigned by content hash, so N "
           "jobs, e.g. a Slurm job array, share a library without overlap; shards count from 1). Default: 1/1"),
        QStringLiteral("I/N"));
    const QCommandLineOption waitOption(
        QStringLiteral("wait-for-store"),
        tr("with --store: when another process is writing the store (an SQLite store has one writer at a time), "
           "wait up to SECONDS for it instead of failing. Default: 0"),
        QStringLiteral("SECONDS"), QStringLiteral("0"));
    parser.addOptions({modelOption, segmentsOption, formatOption, outOption, deviceOption, batchOption, threadsOption,
                       windowOption, storeOption, shardOption, waitOption});

    QTextStream out(stdout);
    QTextStream err(stderr);
    const auto usageError = [](const QString &message) { return taglane::app::usageError(kCommand, message); };
    if (const auto done = parseCommandLine(parser, kCommand, args))
        return *done;
    const bool intoStore = parser.isSet(storeOption);
    if (intoStore) {
        for (const QCommandLineOption *o : {&formatOption, &outOption, &windowOption}) {
            if (parser.isSet(*o))
                return usageError(tr("--%1 writes files; it cannot be used with --store.").arg(o->names().constFirst()));
        }
    }
    if (parser.isSet(shardOption) && !intoStore)
        return usageError(tr("--shard divides a library: it needs --store."));
    if (parser.isSet(waitOption) && !intoStore)
        return usageError(tr("--wait-for-store needs --store."));
    if (!parser.isSet(modelOption) && !intoStore)
        return usageError(tr("--model BUNDLE is required."));
    if (parser.positionalArguments().isEmpty() && !intoStore)
        return usageError(tr("no audio file or folder given."));

    const auto segmentation = SegmentationSettings::parse(parser.value(segmentsOption));
    if (!segmentation)
        return usageError(segmentation.error());

    Format format;
    const QString formatText = parser.value(formatOption).toLower();
    if (formatText == QLatin1String("csv"))
        format = Format::Csv;
    else if (formatText == QLatin1String("catalogue") || formatText == QLatin1String("catalog"))
        format = Format::Catalogue;
    else if (formatText == QLatin1String("jams"))
        format = Format::Jams;
    else
        return usageError(tr("unknown format '%1' (use csv, catalogue or jams).").arg(parser.value(formatOption)));

    DevicePreference device;
    const QString deviceText = parser.value(deviceOption).toLower();
    if (deviceText == QLatin1String("auto"))
        device = DevicePreference::Auto;
    else if (deviceText == QLatin1String("cpu"))
        device = DevicePreference::Cpu;
    else if (deviceText == QLatin1String("cuda"))
        device = DevicePreference::Cuda;
    else
        return usageError(tr("unknown device '%1' (use cpu, cuda or auto).").arg(parser.value(deviceOption)));

    bool ok = false;
    const int batch = parser.value(batchOption).toInt(&ok);
    if (!ok || batch < 1 || batch > 4096)
        return usageError(tr("--batch must be a whole number from 1 to 4096."));
    const int threads = parser.value(threadsOption).toInt(&ok);
    if (!ok || threads < 0 || threads > 1024)
        return usageError(tr("--threads must be a whole number from 0 to 1024."));

    if (intoStore) {
        TagIntoStore request;
        request.storePath = parser.value(storeOption);
        request.model = parser.isSet(modelOption) ? parser.value(modelOption) : QStringLiteral("default");
        request.segmentation = segmentation.value();
        request.device = device;
        request.batchSize = batch;
        request.threads = threads;
        request.inputs = parser.positionalArguments();
        if (parser.isSet(shardOption)) {
            const auto shard = LibraryShard::parse(parser.value(shardOption));
            if (!shard)
                return usageError(shard.error());
            request.shard = shard.value();
        }
        request.waitForStoreSeconds = parser.value(waitOption).toInt(&ok);
        if (!ok || request.waitForStoreSeconds < 0 || request.waitForStoreSeconds > 7 * 86400)
            return usageError(tr("--wait-for-store must be a whole number of seconds from 0 to 604800."));
        return runTagIntoStore(request);
    }

    ChunkedInferenceRunner::Options chunked;
    chunked.windowSeconds = parser.value(windowOption).toDouble(&ok);
    if (!ok || !(chunked.windowSeconds >= 0.0) || chunked.windowSeconds > 86400.0)
        return usageError(tr("--window must be a number of seconds from 0 to 86400."));

    QDir outDir(parser.value(outOption));
    if (!outDir.exists() && !QDir().mkpath(outDir.path()))
        return usageError(tr("cannot create the output folder %1.").arg(outDir.path()));

    QVector<Failure> failures;
    const QStringList files = collectInputs(parser.positionalArguments(), failures);
    const int missingCount = int(failures.size());
    if (files.isEmpty() && failures.isEmpty())
        return usageError(tr("no audio files found (suffixes: %1).")
                              .arg(AudioDecoder::supportedSuffixes().join(QStringLiteral(", "))));

#ifdef __GLIBC__
    // Every batch allocates and frees input and feature tensors of a few
    // megabytes while the rows it returns stay. glibc then raises its mmap
    // threshold and serves those tensors from the heap, where the rows pin
    // them: resident memory grew by about 7 MB a batch, 1 GB over an hour of
    // audio. A fixed threshold keeps large blocks mapped and returned at free().
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif

    // The model, once for every file.
    configureTorchThreads(threads);
    const auto bundle = ModelBundle::open(resolveModelArgument(parser.value(modelOption)));
    if (!bundle) {
        err << kCommand << ": " << bundle.error() << "\n";
        return 2;
    }
    const auto tagger = Tagger::load(bundle.value(), device);
    if (!tagger) {
        err << kCommand << ": " << tagger.error() << "\n";
        return 2;
    }
    const ModelManifest &manifest = tagger.value()->manifest();
    err << tr("Model: %1 (%2, version %3), %4 tags\n")
               .arg(manifest.name, manifest.architecture, manifest.version)
               .arg(manifest.tags.size());
    err << tr("Device: %1\n").arg(tagger.value()->deviceDescription());
    err.flush();

    const bool terminal = ::isatty(::fileno(stderr)) != 0;
    ProgressLine bar(terminal);
    QSet<QString> usedNames;
    QVector<TrackLabels> catalogue;
    QElapsedTimer clock;
    clock.start();
    double audioSeconds = 0.0;
    int tagged = 0;
    QString modelError;

    for (int i = 0; i < files.size(); ++i) {
        const QString &file = files.at(i);
        const QString name = QFileInfo(file).fileName();
        InferenceRequest request;
        request.audioPath = file;
        request.bundleFolder = bundle->folder();
        request.segmentation = segmentation.value();
        request.batchSize = batch;
        request.device = device;

        InferenceRunner::Callbacks callbacks;
        callbacks.onProgress = [&](double fraction, int, const ProbabilityRows &) {
            bar.update(i + 1, int(files.size()), name, fraction);
        };
        bar.update(i + 1, int(files.size()), name, 0.0, true);
        auto result = chunked.windowSeconds > 0.0
                          ? ChunkedInferenceRunner::run(*tagger.value(), request, callbacks, chunked)
                          : InferenceRunner::run(*tagger.value(), request, callbacks);
        bar.clear();
        if (result) {
            // A model that gives NaN or infinity is broken for this input:
            // nothing of it is written, and the run stops as for a model
            // error (what earlier files gave is still written).
            const Status finite = InferenceRunner::checkFinite(result.value());
            if (!finite) {
                modelError = finite.error();
                err << kCommand << ": " << modelError << " " << tr("Nothing was written for it; stopping.") << "\n";
                err.flush();
                break;
            }
        }
        if (!result) {
            failures.push_back({file, result.error()});
            err << tr("[%1/%2] %3: failed: %4\n").arg(i + 1).arg(files.size()).arg(file, result.error());
            err.flush();
            continue;
        }

        const InferencePlan &plan = result->plan;
        const TrackLabels labels = TrackLabels::fromProbabilities(
            file, plan.durationSeconds, plan.segments, plan.tags, result->segmentRows, plan.modelVersion,
            QDateTime::currentDateTimeUtc());
        Status written;
        QString target;
        const QString stem = QFileInfo(file).completeBaseName();
        if (format == Format::Csv) {
            target = uniqueOutput(outDir, stem, QStringLiteral(".csv"), usedNames);
            written = Cal500CsvWriter::write(target, labels);
        } else if (format == Format::Jams) {
            target = uniqueOutput(outDir, stem, QStringLiteral(".jams"), usedNames);
            written = JamsWriter::write(target, labels, JamsWriter::Options());
        } else {
            catalogue.push_back(labels);
        }
        if (!written) {
            failures.push_back({file, written.error()});
            err << tr("[%1/%2] %3: failed: %4\n").arg(i + 1).arg(files.size()).arg(file, written.error());
            err.flush();
            continue;
        }
        ++tagged;
        audioSeconds += plan.durationSeconds;
        QString line = tr("[%1/%2] %3: %4 segments, %5 s of audio in %6 s")
                           .arg(i + 1)
                           .arg(files.size())
                           .arg(file)
                           .arg(plan.segments.size())
                           .arg(plan.durationSeconds, 0, 'f', 1)
                           .arg(result->totalSeconds, 0, 'f', 2);
        if (plan.padded)
            line += tr(" (shorter than one model chunk: zero-padded)");
        err << line << "\n";
        err.flush();
        if (!target.isEmpty())
            out << target << "\n";
        out.flush();
    }

    if (format == Format::Catalogue && !catalogue.isEmpty()) {
        const QString target = outDir.filePath(QStringLiteral("catalogue.csv"));
        const Status written = CatalogueCsvWriter::write(target, catalogue);
        if (!written) {
            err << kCommand << ": " << written.error() << "\n";
            for (const TrackLabels &t : std::as_const(catalogue))
                failures.push_back({t.file, written.error()});
            tagged = 0;
        } else {
            out << target << "\n";
        }
    }

    err << tr("Tagged %1 of %2 files (%3 s of audio) in %4 s on %5.\n")
               .arg(tagged)
               .arg(files.size() + missingCount)
               .arg(audioSeconds, 0, 'f', 1)
               .arg(clock.nsecsElapsed() / 1e9, 0, 'f', 2)
               .arg(tagger.value()->deviceDescription());
    if (!failures.isEmpty()) {
        err << QCoreApplication::translate("cli", "%n file(s) failed:\n", nullptr, int(failures.size()));
        for (const Failure &f : std::as_const(failures))
            err << "  " << f.file << ": " << f.message << "\n";
    }
    if (!modelError.isEmpty()) {
        err << kCommand << ": " << modelError << "\n";
        return 2;
    }
    if (!failures.isEmpty())
        return 1;
    return 0;
}

} // namespace taglane::app
