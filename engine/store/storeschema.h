// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"

#include <QSqlDatabase>
#include <QStringList>

namespace taglane::engine {

/// The annotation store's schema: a numbered list of migrations, written
/// once in SQLite's SQL (StoreDialect translates them for PostgreSQL). The
/// schema version is SQLite's `PRAGMA user_version`, on PostgreSQL the row
/// store_info(schema_version); version 0 is an empty file or database.
/// Version 1 is the first layout (tracks, segmentations, segments, tags,
/// model versions, verdicts, predictions, edit log); version 2 adds per-track
/// summary counters (segments, reviewed cells, last edit) and prediction runs;
/// version 3 makes every tag that holds a verdict or a prediction active
/// (no label is hidden outside the vocabulary) and indexes verdicts by tag;
/// version 4 indexes the predictions near 0.5 by |p - 0.5| and keeps the
/// spread between model versions per cell (cell_spreads; the review queue);
/// version 5 keeps each track's tags ranked by mean probability over its
/// current segments, per model version (track_tag_ranks; the library view),
/// and indexes the predictions of p >= 0.5 by tag (predictions_likely;
/// search); version 6 keeps one verdict per curator and cell (verdicts keyed
/// (segment, tag, curator); an older store's verdicts go to the curator who
/// upgrades it) and a per-tag rule deciding cells curators disagree on
/// (verdict_rules; VerdictRule).
///
/// Indices follow the queries: tracks by path and by content hash (finding a
/// track), segments by (segmentation, ordinal) (a track's current segments),
/// verdicts keyed (segment, tag) and predictions keyed (segment, model
/// version, tag) (a label grid is one key range per segment; the library
/// filters probe them per track), the edit log by (track, seq).
///
/// All pending migrations run in one transaction together with the new
/// version number, so a store is never left half-migrated. A store written
/// by a newer program (a version above kCurrentVersion) is refused and left
/// untouched.
class StoreSchema
{
public:
    static constexpr int kCurrentVersion = 6;

    /// The store's schema version; fails for a file that is an SQLite
    /// database but not a Taglane store. Thread of `db`.
    static Result<int> versionOf(QSqlDatabase &db, const QString &fileName);

    /// Migrates `db` to kCurrentVersion and returns the version it found.
    /// Fails (changing nothing) for a newer schema or a failed migration.
    /// `curator` receives the verdicts of a store older than schema 6
    /// (empty: loginCurator()). Thread of `db`.
    static Result<int> upgrade(QSqlDatabase &db, const QString &fileName, const QString &curator = {});

    /// The statements that take a store from version `toVersion - 1` to
    /// `toVersion`; empty for an unknown version. Any thread.
    static QStringList migration(int toVersion);

    /// Statements that restore the store's invariants after rows were copied
    /// in (a rescue): tags holding labels get active positions, the library
    /// counters, the spreads between model versions and the ranked tags of
    /// every track are recounted. Any thread.
    static QStringList repairStatements();

    /// Statements that rank one track's tags again (track_tag_ranks) after
    /// its predictions or its current segmentation changed; bind the
    /// track's id to each of their placeholders. Any thread.
    static QStringList refreshTrackTagRanks();
};

} // namespace taglane::engine
