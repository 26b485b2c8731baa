// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/tagstore.h"

#include "app/cli/modelname.h"

#include "engine/library/audiofiles.h"
#include "engine/library/batchtagger.h"
#include "engine/library/librarybuilder.h"
#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"
#include "engine/store/storefile.h"
#include "engine/store/storelocation.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLockFile>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <csignal>

namespace taglane::app {

namespace {

using namespace taglane::engine;

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

const QString kCommand = QStringLiteral("taglane-cli tag");

std::atomic_bool g_interrupted{false};

void onInterrupt(int)
{
    g_interrupted.store(true);
}

} // namespace

namespace {

// Whether a live process holds the store's lock (checked without taking it
// for longer than the check).
bool heldByAnother(const QString &storePath)
{
    QLockFile probe(StoreFile::lockPath(storePath));
    probe.setStaleLockTime(0);
    if (probe.tryLock(0)) {
        probe.unlock();
        return false;
    }
    return probe.error() == QLockFile::LockFailedError;
}

} // namespace

int runTagIntoStore(const TagIntoStore &request)
{
    QTextStream out(stdout);
    QTextStream err(stderr);

    // 1. The model, once for the whole run (a bad one changes nothing).
    configureTorchThreads(request.threads);
    const auto bundle = ModelBundle::open(resolveModelArgument(request.model));
    if (!bundle) {
        err << kCommand << ": " << bundle.error() << "\n";
        return 2;
    }
    const auto tagger = Tagger::load(bundle.value(), request.device);
    if (!tagger) {
        err << kCommand << ": " << tagger.error() << "\n";
        return 2;
    }
    const ModelManifest &manifest = tagger.value()->manifest();
    err << tr("Model: %1 (%2, version %3), %4 tags\n")
               .arg(manifest.name, manifest.architecture, manifest.version)
               .arg(manifest.tags.size());
    err << tr("Device: %1\n").arg(tagger.value()->deviceDescription());

    AnnotationStore store;
    auto opened = store.open(request.storePath, AnnotationStore::OpenMode::ReadWrite);
    // Another writer holds the store: its lock file (SQLite), or its advisory lock (PostgreSQL, where
    // only the refusal says so).
    const bool postgres = StoreLocation::isPostgresUri(request.storePath);
    const auto held = [&]() {
        return postgres ? !opened && opened.error().contains(QLatin1String(" is in use by ")) : heldByAnother(request.storePath);
    };
    if (!opened && request.waitForStoreSeconds > 0 && held()) {
        // Wait for it to finish, polling its lock, then open as usual.
        err << tr("%1: in use by another process; waiting up to %2 s for it.\n")
                   .arg(StoreLocation::redacted(request.storePath)).arg(request.waitForStoreSeconds);
        err.flush();
        QElapsedTimer waited;
        waited.start();
        while (!opened && held() && waited.elapsed() < request.waitForStoreSeconds * 1000LL) {
            QThread::msleep(250);
            opened = store.open(request.storePath, AnnotationStore::OpenMode::ReadWrite);
        }
        if (!opened && !postgres && !heldByAnother(request.storePath))
            opened = store.open(request.storePath, AnnotationStore::OpenMode::ReadWrite);
    }
    if (!opened) {
        err << kCommand << ": " << opened.error() << "\n";
        return 2;
    }
    for (const QString &m : opened->messages)
        err << kCommand << ": " << m << "\n";

    // 2. Files named on the command line join the library first.
    int failed = 0;
    QVector<qint64> only;
    if (!request.inputs.isEmpty()) {
        const AudioFileList inputs = AudioFiles::collect(request.inputs);
        for (const QString &missing : inputs.missing) {
            err << tr("%1: does not exist\n").arg(missing);
            ++failed;
        }
        if (inputs.files.isEmpty() && inputs.missing.isEmpty()) {
            err << kCommand << ": " << tr("no audio files found.") << "\n";
            return 2;
        }
        const qint64 before = store.lastEditSeq();
        LibraryBuilder builder(store);
        for (const QString &file : inputs.files) {
            const auto added = builder.addFile(file);
            if (!added) {
                err << tr("%1: failed: %2\n").arg(file, added.error());
                ++failed;
                continue;
            }
            only << added->track.id;
        }
        if (const Status saved = store.waitForSaved(before, store.lastEditSeq()); !saved) {
            err << kCommand << ": " << saved.error() << "\n";
            return 2;
        }
        if (only.isEmpty())
            return failed > 0 ? 1 : 0;
    }

    BatchTagger::Options options;
    options.segmentation = request.segmentation;
    options.batchSize = request.batchSize;
    BatchTagger batch(store, *tagger.value(), options);
    auto todo = batch.untaggedTracks(only);
    if (!todo) {
        err << kCommand << ": " << todo.error() << "\n";
        return 2;
    }
    if (!request.shard.isWhole()) {
        const int before = int(todo->size());
        todo->erase(std::remove_if(todo->begin(), todo->end(),
                                   [&](const TrackRecord &t) { return !request.shard.contains(t.contentHash); }),
                    todo->end());
        err << tr("Shard %1/%2: %3 of the %4 tracks left to tag are this shard's.\n")
                   .arg(request.shard.index).arg(request.shard.count).arg(todo->size()).arg(before);
    }
    err << tr("%1 tracks to tag with %2 (tracks this version tagged before are left as they are).\n")
               .arg(todo->size()).arg(manifest.version);
    err.flush();

    // Ctrl+C stops after the track in hand; what is done stays done.
    g_interrupted.store(false);
    const auto previous = std::signal(SIGINT, onInterrupt);
    const auto previousTerm = std::signal(SIGTERM, onInterrupt);
    QElapsedTimer clock;
    clock.start();
    int tagged = 0, skipped = 0;
    double audioSeconds = 0.0;
    const int total = int(todo->size());
    const Status done = batch.run(todo.value(), [&](int i, const BatchTrackResult &r) {
        const QString head = tr("[%1/%2] %3: ").arg(i + 1).arg(total).arg(r.track.path);
        switch (r.outcome) {
        case BatchTrackResult::Outcome::Tagged: {
            ++tagged;
            audioSeconds += r.audioSeconds;
            QString line = head + tr("%1 segments%2, %3 s of audio in %4 s")
                                      .arg(r.segments)
                                      .arg(r.keptSegments ? tr(" (its segments kept)") : QString())
                                      .arg(r.audioSeconds, 0, 'f', 1)
                                      .arg(r.seconds, 0, 'f', 2);
            if (r.padded)
                line += tr(" (shorter than one model chunk: zero-padded)");
            err << line << "\n";
            out << r.track.path << "\n";
            out.flush();
            break;
        }
        case BatchTrackResult::Outcome::Skipped:
            ++skipped;
            err << head << tr("skipped: %1").arg(r.error) << "\n";
            break;
        case BatchTrackResult::Outcome::Failed:
            ++failed;
            err << head << tr("failed: %1").arg(r.error) << "\n";
            break;
        }
        err.flush();
    }, &g_interrupted);
    std::signal(SIGINT, previous);
    std::signal(SIGTERM, previousTerm);
    store.close();

    err << tr("Tagged %1 of %2 tracks (%3 s of audio) in %4 s on %5; %6 skipped, %7 failed.\n")
               .arg(tagged)
               .arg(total)
               .arg(audioSeconds, 0, 'f', 1)
               .arg(clock.nsecsElapsed() / 1e9, 0, 'f', 2)
               .arg(tagger.value()->deviceDescription())
               .arg(skipped)
               .arg(failed);
    if (!done) {
        err << kCommand << ": " << done.error() << " " << tr("Nothing was saved for that track; stopping.") << "\n";
        return 2;
    }
    if (g_interrupted.load()) {
        err << kCommand << ": " << tr("interrupted; run the same command again to tag the rest.") << "\n";
        return 1;
    }
    return failed > 0 ? 1 : 0;
}

} // namespace taglane::app
