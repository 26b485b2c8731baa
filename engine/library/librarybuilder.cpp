// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/library/librarybuilder.h"

#include "engine/audio/audiodecoder.h"
#include "engine/store/annotationstore.h"
#include "engine/store/contenthash.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSet>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("LibraryBuilder", text);
}

} // namespace

bool LibraryBuilder::fileHoldsTrack(const TrackRecord &track)
{
    const QFileInfo info(track.path);
    if (!info.isFile())
        return false;
    if (track.sizeBytes > 0 && info.size() != track.sizeBytes)
        return false;
    const Result<QString> hash = ContentHash::ofFile(track.path);
    return hash && hash.value() == track.contentHash;
}

Result<LibraryAddition> LibraryBuilder::addFile(const QString &path)
{
    using R = Result<LibraryAddition>;
    const QFileInfo info(path);
    const QString file = QDir::cleanPath(info.absoluteFilePath());
    if (!info.exists())
        return R::failure(tr("%1 does not exist.").arg(file));
    if (!info.isFile())
        return R::failure(tr("%1 is not a file.").arg(file));
    if (!info.isReadable())
        return R::failure(tr("%1 cannot be read (permission denied).").arg(file));
    const Result<AudioInfo> probed = AudioDecoder::probe(file);
    if (!probed)
        return R::failure(probed.error());
    const Result<QString> hash = ContentHash::ofFile(file);
    if (!hash)
        return R::failure(hash.error());

    LibraryAddition addition;
    const QVector<TrackRecord> sameContent = m_store.findTracksByHash(hash.value());
    for (const TrackRecord &t : sameContent) {
        if (t.path == file) {
            addition.kind = LibraryAddition::Kind::Known;
            addition.track = t;
            return addition;
        }
    }
    // The content is known under another path: the file moved (its old path
    // no longer holds it) or it is a copy of a track that is still there.
    for (const TrackRecord &t : sameContent) {
        if (!fileHoldsTrack(t)) {
            const Result<qint64> moved = m_store.relinkTrack(t.id, file);
            if (!moved)
                return R::failure(moved.error());
            addition.kind = LibraryAddition::Kind::Relinked;
            addition.previousPath = t.path;
            addition.track = t;
            addition.track.path = file;
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
    record.path = file;
    record.contentHash = hash.value();
    record.sizeBytes = info.size();
    record.durationSeconds = probed->durationSeconds();
    record.sampleRate = probed->sampleRate;
    record.channels = probed->channels;
    const Result<TrackRecord> added = m_store.addTrack(record);
    if (!added)
        return R::failure(added.error());
    addition.kind = LibraryAddition::Kind::Added;
    addition.track = added.value();
    return addition;
}

Result<QVector<LibraryMove>> LibraryBuilder::relink(const QStringList &files, const std::function<void(int, int)> &progress)
{
    using R = Result<QVector<LibraryMove>>;
    const auto rows = m_store.librarySummary();
    if (!rows)
        return R::failure(rows.error());
    // Tracks whose file is gone or holds other content (another size, or a
    // newer track took the path), by size; paths that a present track holds
    // are never taken over. No file is hashed here: a library of thousands
    // of present tracks costs one stat each.
    QHash<QString, qint64> newestByPath;
    for (const LibraryRow &row : rows.value())
        newestByPath[row.path] = std::max(newestByPath.value(row.path), row.trackId);
    QHash<qint64, QVector<TrackRecord>> missingBySize;
    QSet<QString> heldPaths;
    for (const LibraryRow &row : rows.value()) {
        const std::optional<TrackRecord> t = m_store.track(row.trackId);
        if (!t)
            continue;
        const QFileInfo info(t->path);
        const bool held = info.isFile() && (t->sizeBytes <= 0 || info.size() == t->sizeBytes)
                       && newestByPath.value(t->path) == t->id;
        if (held)
            heldPaths.insert(t->path);
        else
            missingBySize[t->sizeBytes].append(*t);
    }
    QVector<LibraryMove> moves;
    QSet<qint64> found;
    for (int i = 0; i < files.size(); ++i) {
        const QString file = QDir::cleanPath(QFileInfo(files.at(i)).absoluteFilePath());
        const auto candidates = missingBySize.constFind(QFileInfo(file).size());
        if (candidates != missingBySize.constEnd() && !heldPaths.contains(file)) {
            const Result<QString> hash = ContentHash::ofFile(file);
            if (hash) {
                for (const TrackRecord &t : *candidates) {
                    if (found.contains(t.id) || t.contentHash != hash.value())
                        continue;
                    const Result<qint64> moved = m_store.relinkTrack(t.id, file);
                    if (!moved)
                        return R::failure(moved.error());
                    found.insert(t.id);
                    heldPaths.insert(file);
                    moves.append(LibraryMove{t, file});
                    break;
                }
            }
        }
        if (progress)
            progress(i + 1, int(files.size()));
    }
    return moves;
}

} // namespace taglane::engine
