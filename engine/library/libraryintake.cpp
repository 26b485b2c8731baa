// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/libraryintake.h"

#include "engine/audio/audiodecoder.h"
#include "engine/store/annotationstore.h"
#include "engine/store/contenthash.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("LibraryIntake", text);
}

} // namespace

ProbedFile LibraryIntake::probe(const QString &path)
{
    ProbedFile p;
    const QFileInfo info(path);
    p.path = QDir::cleanPath(info.absoluteFilePath());
    if (!info.exists()) {
        p.error = tr("%1 does not exist.").arg(p.path);
    } else if (!info.isFile()) {
        p.error = tr("%1 is not a file.").arg(p.path);
    } else if (!info.isReadable()) {
        p.error = tr("%1 cannot be read (permission denied).").arg(p.path);
    } else if (const Result<AudioInfo> probed = AudioDecoder::probe(p.path); !probed) {
        p.error = probed.error();
    } else if (const Result<QString> hash = ContentHash::ofFile(p.path); !hash) {
        p.error = hash.error();
    } else {
        p.info = probed.value();
        p.contentHash = hash.value();
        p.sizeBytes = info.size();
    }
    return p;
}

Result<LibraryAddition> LibraryIntake::add(AnnotationStore &store, const ProbedFile &probed)
{
    using R = Result<LibraryAddition>;
    if (!probed.error.isEmpty())
        return R::failure(probed.error);
    if (probed.contentHash.isEmpty())
        return R::failure(tr("%1 was not read (no content hash).").arg(probed.path));

    LibraryAddition addition;
    const QVector<TrackRecord> sameContent = store.findTracksByHash(probed.contentHash);
    for (const TrackRecord &t : sameContent) {
        if (t.path == probed.path) {
            addition.kind = LibraryAddition::Kind::Known;
            addition.track = t;
            return addition;
        }
    }
    // The content is known under another path: a moved file (its old path
    // no longer holds it) or a copy of a track that is still there.
    for (const TrackRecord &t : sameContent) {
        if (!LibraryBuilder::fileHoldsTrack(t)) {
            const Result<qint64> moved = store.relinkTrack(t.id, probed.path);
            if (!moved)
                return R::failure(moved.error());
            addition.kind = LibraryAddition::Kind::Relinked;
            addition.previousPath = t.path;
            addition.track = t;
            addition.track.path = probed.path;
            return addition;
        }
    }
    if (!sameContent.isEmpty()) {
        addition.kind = LibraryAddition::Kind::SameContent;
        addition.track = sameContent.constFirst();
        addition.previousPath = sameContent.constFirst().path;
        return addition;
    }
    TrackRecord record;
    record.path = probed.path;
    record.contentHash = probed.contentHash;
    record.sizeBytes = probed.sizeBytes;
    record.durationSeconds = probed.info.durationSeconds();
    record.sampleRate = probed.info.sampleRate;
    record.channels = probed.info.channels;
    const Result<TrackRecord> added = store.addTrack(record);
    if (!added)
        return R::failure(added.error());
    addition.kind = LibraryAddition::Kind::Added;
    addition.track = added.value();
    return addition;
}

} // namespace taglane::engine
