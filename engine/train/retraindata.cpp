// SPDX-License-Identifier: GPL-3.0-or-later
// Retrainer's data side: curated verdicts from the store and the hold-out.
#include "engine/store/annotationstore.h"
#include "engine/train/curatedcells_p.h"
#include "engine/train/retrainer.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Retrainer", text);
}

constexpr float kUnknown = std::numeric_limits<float>::quiet_NaN();

using detail::cellOf;
using detail::columnsOf;

} // namespace

namespace {

struct SegmentRef
{
    int track;
    int segment;
};

/// Curated segments with at least one known cell among `tags`.
std::vector<SegmentRef> curatedSegments(const QVector<LabelledTrack> &curated, const Vocabulary &tags,
                                        std::vector<std::vector<int>> &columns)
{
    std::vector<SegmentRef> refs;
    columns.clear();
    for (int i = 0; i < curated.size(); ++i) {
        columns.push_back(columnsOf(curated.at(i), tags));
        for (int s = 0; s < curated.at(i).segments.size(); ++s) {
            bool known = false;
            for (int t = 0; t < tags.size() && !known; ++t)
                known = !std::isnan(cellOf(curated.at(i), columns.back(), s, t));
            if (known)
                refs.push_back({i, s});
        }
    }
    return refs;
}

RetrainSplit applyHoldOut(const QVector<LabelledTrack> &curated, const std::vector<SegmentRef> &refs,
                          const std::vector<char> &held)
{
    RetrainSplit split;
    split.curatedSegments = int(refs.size());
    split.training = curated;
    split.heldOut = curated;
    // Everything leaves the held-out copy except the held-out segments' cells.
    for (LabelledTrack &h : split.heldOut)
        std::fill(h.values.begin(), h.values.end(), kUnknown);
    for (size_t r = 0; r < refs.size(); ++r) {
        if (!held[r])
            continue;
        const int i = refs[r].track;
        const int s = refs[r].segment;
        const int n = curated.at(i).tags.size();
        for (int c = 0; c < n; ++c) {
            const size_t cell = size_t(s) * size_t(n) + size_t(c);
            split.heldOut[i].values[cell] = curated.at(i).values[cell];
            split.training[i].values[cell] = kUnknown;
        }
        split.heldOutSegments.push_back(qMakePair(i, s));
    }
    return split;
}

} // namespace

RetrainSplit Retrainer::splitHoldOut(const QVector<LabelledTrack> &curated, const Vocabulary &tags,
                                     const QVector<QPair<int, int>> &heldOut)
{
    std::vector<std::vector<int>> columns;
    const std::vector<SegmentRef> refs = curatedSegments(curated, tags, columns);
    std::vector<char> held(refs.size(), 0);
    for (size_t r = 0; r < refs.size(); ++r)
        held[r] = heldOut.contains(qMakePair(refs[r].track, refs[r].segment)) ? 1 : 0;
    return applyHoldOut(curated, refs, held);
}

RetrainSplit Retrainer::splitHoldOut(const QVector<LabelledTrack> &curated, const Vocabulary &tags, double fraction,
                                     quint64 seed)
{
    std::vector<std::vector<int>> columns;
    const std::vector<SegmentRef> refs = curatedSegments(curated, tags, columns);
    std::vector<char> held(refs.size(), 0);
    if (fraction > 0 && !refs.empty()) {
        // Known segments per (tag, class).
        std::vector<std::array<std::vector<int>, 2>> groups(size_t(tags.size()));
        for (size_t r = 0; r < refs.size(); ++r) {
            for (int t = 0; t < tags.size(); ++t) {
                const float v = cellOf(curated.at(refs[r].track), columns[size_t(refs[r].track)], refs[r].segment, t);
                if (!std::isnan(v))
                    groups[size_t(t)][v > 0.5f ? 1 : 0].push_back(int(r));
            }
        }
        // (tag, class) groups, smallest first.
        std::vector<std::pair<int, int>> order;
        for (int t = 0; t < tags.size(); ++t)
            for (int c : {1, 0})
                order.emplace_back(t, c);
        std::stable_sort(order.begin(), order.end(), [&](const auto &x, const auto &y) {
            return groups[size_t(x.first)][size_t(x.second)].size() < groups[size_t(y.first)][size_t(y.second)].size();
        });
        // Training segments left per (tag, class): holding a segment never
        // takes the last one of any class away from training.
        std::vector<std::array<int, 2>> left(size_t(tags.size()));
        for (int t = 0; t < tags.size(); ++t)
            left[size_t(t)] = {int(groups[size_t(t)][0].size()), int(groups[size_t(t)][1].size())};
        auto classes = [&](int r, auto &&visit) {
            for (int t = 0; t < tags.size(); ++t) {
                const float v = cellOf(curated.at(refs[size_t(r)].track), columns[size_t(refs[size_t(r)].track)],
                                       refs[size_t(r)].segment, t);
                if (!std::isnan(v))
                    visit(t, v > 0.5f ? 1 : 0);
            }
        };
        auto canHold = [&](int r) {
            bool ok = true;
            classes(r, [&](int t, int c) { ok = ok && left[size_t(t)][size_t(c)] > 1; });
            return ok;
        };
        // The whole hold-out never exceeds round(fraction x segments).
        const int budget = std::max(refs.size() >= 2 ? 1 : 0, int(std::floor(fraction * double(refs.size()) + 0.5)));
        int total = 0;
        std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 101);
        for (const auto &[t, c] : order) {
            {
                std::vector<int> g = groups[size_t(t)][size_t(c)];
                const int count = int(g.size());
                if (count < 2)
                    continue;
                const int target = std::clamp(int(std::floor(fraction * count + 0.5)), 1, count - 1);
                int already = 0;
                for (int r : g)
                    already += held[size_t(r)];
                std::shuffle(g.begin(), g.end(), rng);
                for (int r : g) {
                    if (already >= target || total >= budget)
                        break;
                    if (!held[size_t(r)] && canHold(r)) {
                        held[size_t(r)] = 1;
                        classes(r, [&](int tt, int cc) { --left[size_t(tt)][size_t(cc)]; });
                        ++already;
                        ++total;
                    }
                }
            }
        }
    }
    return applyHoldOut(curated, refs, held);
}

Result<QVector<LabelledTrack>> Retrainer::curatedFromStore(const AnnotationStore &store, const QVector<qint64> &trackIds)
{
    using R = Result<QVector<LabelledTrack>>;
    if (!store.isOpen())
        return R::failure(tr("The annotation store is not open."));
    QVector<qint64> ids = trackIds;
    if (ids.isEmpty()) {
        auto rows = store.librarySummary();
        if (!rows)
            return R::failure(rows.error());
        for (const LibraryRow &row : rows.value())
            ids << row.trackId;
    }
    QVector<LabelledTrack> out;
    for (qint64 id : ids) {
        const std::optional<TrackRecord> record = store.track(id);
        if (!record)
            return R::failure(tr("The annotation store %1 has no track with id %2.").arg(store.path()).arg(id));
        auto grid = store.labelGrid(id, {}, LabelView::Resolved);
        if (!grid)
            return R::failure(grid.error());
        LabelledTrack track;
        track.audioPath = record->path;
        track.stem = QFileInfo(record->path).completeBaseName();
        track.durationSeconds = record->durationSeconds;
        track.segments = grid->segmentation;
        track.tags = Vocabulary(grid->tags);
        track.values.assign(size_t(grid->rows()) * size_t(grid->columns()), kUnknown);
        bool any = false;
        for (int r = 0; r < grid->rows(); ++r) {
            for (int c = 0; c < grid->columns(); ++c) {
                const Verdict v = grid->verdict(r, c);
                if (v == Verdict::Unknown)
                    continue;
                track.values[size_t(grid->cell(r, c))] = v == Verdict::Present ? 1.0f : 0.0f;
                any = true;
            }
        }
        if (any)
            out << track;
    }
    return out;
}

} // namespace taglane::engine
