// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/core/result.h"
#include "engine/store/verdict.h"

#include <QString>
#include <QVector>

namespace taglane::engine {

/// One curator's verdict on one cell, as the store keeps it (schema 6 keeps
/// one row per curator and cell). Value type; any thread.
struct CuratorVerdict
{
    QString curator;
    Verdict verdict = Verdict::Unknown;
    qint64 changedAtMs = 0;    ///< ms since epoch (UTC)
};

/// How a tag's cells are decided when several curators judged them: what
/// training, retraining and export use (AnnotationStore::labelGrid with
/// LabelView::Resolved). Kept per tag in the store (table verdict_rules);
/// a tag without a row uses Majority. With one curator every rule gives
/// that curator's verdict.
///
/// - Majority: the verdict more curators gave; a tie is unresolved.
/// - Lead: the lead curator's verdict where the lead judged the cell;
///   elsewhere the verdict every curator who judged it agrees on, else
///   unresolved.
/// - Unresolved: the verdict every curator who judged the cell agrees on;
///   any disagreement leaves the cell unresolved until the curators agree.
///
/// An unresolved cell counts as unknown (masked out of the loss, left out
/// of exports); no verdict is changed or dropped by a rule. Value type; any
/// thread.
struct VerdictRule
{
    enum class Kind { Majority, Lead, Unresolved };
    Kind kind = Kind::Majority;
    QString lead;              ///< the lead curator (Kind::Lead only)

    /// "majority", "unresolved" or "lead:NAME"; a clear sentence otherwise.
    static Result<VerdictRule> parse(const QString &text);
    /// The text parse() reads ("lead:alice").
    QString toString() const;
    /// The stored form: kind name ("majority", "lead", "unresolved").
    QString kindName() const;
    static Result<VerdictRule> fromStored(const QString &kind, const QString &lead);

    /// The cell's verdict under this rule. `unresolved` (when given) is set
    /// to true when curators judged the cell but the rule decides nothing.
    Verdict resolve(const QVector<CuratorVerdict> &votes, bool *unresolved = nullptr) const;
    /// True when the votes hold both Present and Absent.
    static bool disagree(const QVector<CuratorVerdict> &votes);

    bool operator==(const VerdictRule &o) const { return kind == o.kind && lead == o.lead; }
    bool operator!=(const VerdictRule &o) const { return !(*this == o); }
};

/// The curator name of this login (USER, else LOGNAME, else USERNAME), or
/// "unknown" when none is set. Any thread.
QString loginCurator();
/// Checks a curator name: not empty, at most 100 characters, no control
/// characters. Any thread.
Status checkCuratorName(const QString &name);

} // namespace taglane::engine
