// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/curation/trackdocument.h"

#include "engine/curation/resegmenter.h"
#include "engine/model/modelbundle.h"
#include "engine/store/annotationstore.h"

#include <QCoreApplication>
#include <QHash>

#include <algorithm>
#include <cmath>
#include <limits>

namespace taglane::engine {

namespace {

constexpr float noValue = std::numeric_limits<float>::quiet_NaN();

} // namespace

TrackDocument::TrackDocument(QObject *parent)
    : QObject(parent)
{
}

TrackDocument::~TrackDocument() = default;

SegmentRow TrackDocument::emptyRow(const Segment &segment) const
{
    SegmentRow row;
    row.segment = segment;
    row.labels.resize(m_tags.size());
    return row;
}

void TrackDocument::reset(const Vocabulary &tags, const QVector<Segment> &segments)
{
    Q_EMIT aboutToReset();
    m_tags = tags;
    m_rows.clear();
    m_currentVersion.clear();
    qint64 maxId = 0;
    for (const Segment &s : segments) {
        m_rows << emptyRow(s);
        maxId = std::max(maxId, s.id);
    }
    m_nextLocalId = std::max(m_nextLocalId, maxId + 1);
    for (SegmentRow &r : m_rows)
        if (r.segment.id <= 0)
            r.segment.id = m_nextLocalId++;
    Q_EMIT didReset();
}

void TrackDocument::adoptSegmentation(const QVector<Segment> &segments, SegmentSource source)
{
    Q_EMIT aboutToReset();
    m_rows.clear();
    for (const Segment &s : segments) {
        m_rows << emptyRow(s);
        m_nextLocalId = std::max(m_nextLocalId, s.id + 1);
    }
    for (SegmentRow &r : m_rows)
        if (r.segment.id <= 0)
            r.segment.id = m_nextLocalId++;
    m_source = source;
    persistSegmentation(source, false);
    Q_EMIT didReset();
}

void TrackDocument::setTags(const Vocabulary &tags)
{
    Q_EMIT aboutToReset();
    QVector<int> from(tags.size(), -1);
    for (int t = 0; t < tags.size(); ++t)
        from[t] = m_tags.indexOf(tags.at(t).name);
    for (SegmentRow &r : m_rows) {
        QVector<CellLabel> labels(tags.size());
        for (int t = 0; t < tags.size(); ++t)
            if (from[t] >= 0 && from[t] < r.labels.size())
                labels[t] = r.labels.at(from[t]);
        r.labels = labels;
        for (auto it = r.probabilities.begin(); it != r.probabilities.end(); ++it) {
            QVector<float> values(tags.size(), noValue);
            for (int t = 0; t < tags.size(); ++t)
                if (from[t] >= 0 && from[t] < it->size())
                    values[t] = it->at(from[t]);
            *it = values;
        }
    }
    m_tags = tags;
    Q_EMIT didReset();
}

QVector<Segment> TrackDocument::segments() const
{
    QVector<Segment> out;
    out.reserve(m_rows.size());
    for (const SegmentRow &r : m_rows)
        out << r.segment;
    return out;
}

int TrackDocument::indexOfSegment(qint64 id) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).segment.id == id)
            return i;
    return -1;
}

int TrackDocument::segmentAt(double seconds) const
{
    const auto it = std::upper_bound(m_rows.cbegin(), m_rows.cend(), seconds,
                                     [](double t, const SegmentRow &r) { return t < r.segment.start; });
    if (it == m_rows.cbegin())
        return -1;
    const auto prev = it - 1;
    return seconds < prev->segment.end ? int(prev - m_rows.cbegin()) : -1;
}

void TrackDocument::setCurrentModelVersion(const QString &version)
{
    if (version == m_currentVersion)
        return;
    m_currentVersion = version;
    if (!m_rows.isEmpty())
        Q_EMIT probabilitiesChanged(0, m_rows.size() - 1);
}

QStringList TrackDocument::modelVersions() const
{
    QStringList out;
    for (const SegmentRow &r : m_rows)
        for (auto it = r.probabilities.cbegin(); it != r.probabilities.cend(); ++it)
            if (!out.contains(it.key()))
                out << it.key();
    out.sort();
    return out;
}

float TrackDocument::probability(int segment, int tag) const
{
    return probability(segment, tag, m_currentVersion);
}

float TrackDocument::probability(int segment, int tag, const QString &version) const
{
    if (segment < 0 || segment >= m_rows.size())
        return noValue;
    const auto &p = m_rows.at(segment).probabilities;
    const auto it = p.constFind(version);
    return it == p.cend() || tag < 0 || tag >= it->size() ? noValue : it->at(tag);
}

void TrackDocument::setProbabilities(const QString &version, int segment, const std::vector<float> &values,
                                     const QVector<int> &columnTags)
{
    if (segment < 0 || segment >= m_rows.size())
        return;
    QVector<float> &row = m_rows[segment].probabilities[version];
    if (row.size() != m_tags.size())
        row = QVector<float>(m_tags.size(), noValue);
    for (size_t c = 0; c < values.size() && c < size_t(columnTags.size()); ++c) {
        const int t = columnTags.at(int(c));
        if (t >= 0 && t < row.size())
            row[t] = std::isnan(values[c]) ? noValue : std::clamp(values[c], 0.0f, 1.0f);
    }
    Q_EMIT probabilitiesChanged(segment, segment);
}

void TrackDocument::setProbability(const QString &version, int segment, int tag, float value)
{
    if (tag < 0 || tag >= m_tags.size())
        return;
    QVector<int> columns{tag};
    setProbabilities(version, segment, std::vector<float>{value}, columns);
}

void TrackDocument::clearProbabilities(const QString &version)
{
    for (SegmentRow &r : m_rows)
        r.probabilities.remove(version);
    if (!m_rows.isEmpty())
        Q_EMIT probabilitiesChanged(0, m_rows.size() - 1);
}

int TrackDocument::applyCells(const QVector<CellEdit> &edits)
{
    int applied = 0;
    int s0 = std::numeric_limits<int>::max(), s1 = -1, t0 = std::numeric_limits<int>::max(), t1 = -1;
    QVector<CellEdit> done;
    for (const CellEdit &e : edits) {
        const int s = indexOfSegment(e.segmentId);
        const int t = m_tags.indexOf(e.tag);
        if (s < 0 || t < 0)
            continue;
        CellLabel label = e.label;
        if (label.verdict == Verdict::Unknown)
            label = CellLabel{};
        m_rows[s].labels[t] = label;
        done << CellEdit{e.segmentId, e.tag, label};
        s0 = std::min(s0, s);
        s1 = std::max(s1, s);
        t0 = std::min(t0, t);
        t1 = std::max(t1, t);
        ++applied;
    }
    if (applied > 0) {
        persistLabels(done);
        Q_EMIT labelsChanged(s0, s1, t0, t1);
    }
    return applied;
}

QVector<TrackDocument::CellEdit> TrackDocument::currentCells(const QVector<CellEdit> &edits) const
{
    QVector<CellEdit> out;
    for (const CellEdit &e : edits) {
        const int s = indexOfSegment(e.segmentId);
        const int t = m_tags.indexOf(e.tag);
        out << CellEdit{e.segmentId, e.tag, s >= 0 && t >= 0 ? m_rows.at(s).labels.at(t) : CellLabel{}};
    }
    return out;
}

Result<RowChange> TrackDocument::planSplit(double seconds, double minSeconds) const
{
    const int i = segmentAt(seconds);
    if (i < 0)
        return Result<RowChange>::failure(tr("There is no segment at %1 s to split.").arg(seconds, 0, 'f', 2));
    const Segment &s = m_rows.at(i).segment;
    if (seconds - s.start < minSeconds || s.end - seconds < minSeconds)
        return Result<RowChange>::failure(
            tr("Splitting at %1 s would leave a segment shorter than %2 s.").arg(seconds, 0, 'f', 2).arg(minSeconds));
    RowChange change;
    change.before << m_rows.at(i);
    SegmentRow left = m_rows.at(i);
    SegmentRow right = m_rows.at(i);
    left.segment.end = seconds;
    right.segment.start = seconds;
    right.segment.id = 0;
    change.after << left << right;
    return change;
}

Result<RowChange> TrackDocument::planMerge(qint64 segmentId) const
{
    const int i = indexOfSegment(segmentId);
    if (i < 0 || i + 1 >= m_rows.size())
        return Result<RowChange>::failure(tr("There is no next segment to merge with."));
    RowChange change;
    change.before << m_rows.at(i) << m_rows.at(i + 1);
    Segment merged = m_rows.at(i).segment;
    merged.end = m_rows.at(i + 1).segment.end;
    change.after = Resegmenter::remap(change.before, {merged}, m_tags.size());
    return change;
}

Result<RowChange> TrackDocument::planMoveBoundary(qint64 leftSegmentId, double seconds, double minSeconds) const
{
    const int i = indexOfSegment(leftSegmentId);
    if (i < 0 || i + 1 >= m_rows.size())
        return Result<RowChange>::failure(tr("That segment has no boundary with a next segment."));
    SegmentRow left = m_rows.at(i);
    SegmentRow right = m_rows.at(i + 1);
    const bool touching = std::abs(left.segment.end - right.segment.start) < 1e-9;
    const double low = left.segment.start + minSeconds;
    const double high = right.segment.end - minSeconds;
    if (!std::isfinite(seconds) || high < low)
        return Result<RowChange>::failure(tr("These segments are too short to move their boundary."));
    seconds = std::clamp(seconds, low, high);
    RowChange change;
    change.before << left << right;
    left.segment.end = seconds;
    if (touching)
        right.segment.start = seconds;
    else
        right.segment.start = std::max(right.segment.start, seconds);
    change.after << left << right;
    return change;
}

Result<RowChange> TrackDocument::planResegment(const QVector<Segment> &target) const
{
    QVector<Segment> fresh = target;
    for (Segment &s : fresh)
        s.id = 0;
    const auto checked = Segmentation::fromSegments(fresh, tr("the new segmentation"));
    if (!checked)
        return Result<RowChange>::failure(checked.error());
    RowChange change;
    change.before = m_rows;
    change.after = Resegmenter::remap(m_rows, fresh, m_tags.size());
    return change;
}

Status TrackDocument::apply(RowChange &change, SegmentSource source)
{
    return replace(change.before, change.after, source);
}

Status TrackDocument::revert(const RowChange &change, SegmentSource source)
{
    QVector<SegmentRow> before = change.before;
    return replace(change.after, before, source);
}

Status TrackDocument::replace(const QVector<SegmentRow> &from, QVector<SegmentRow> &to, SegmentSource source)
{
    int first = 0;
    if (!from.isEmpty()) {
        first = indexOfSegment(from.first().segment.id);
        if (first < 0 || first + from.size() > m_rows.size())
            return Status::failure(tr("The segment this edit applies to no longer exists."));
        for (int k = 0; k < from.size(); ++k)
            if (m_rows.at(first + k).segment.id != from.at(k).segment.id)
                return Status::failure(tr("The segments this edit applies to changed."));
    } else if (!m_rows.isEmpty()) {
        return Status::failure(tr("The segments this edit applies to changed."));
    }
    Q_EMIT aboutToReset();
    m_rows.remove(first, from.size());
    for (int k = 0; k < to.size(); ++k) {
        SegmentRow row = to.at(k);
        row.labels.resize(m_tags.size());
        m_rows.insert(first + k, row);
    }
    const bool needIds = std::any_of(to.cbegin(), to.cend(), [](const SegmentRow &r) { return r.segment.id <= 0; });
    m_source = source;
    persistSegmentation(source, true, first, first + to.size() - 1);
    for (int k = 0; k < to.size(); ++k) {
        if (m_rows.at(first + k).segment.id <= 0)
            m_rows[first + k].segment.id = m_nextLocalId++;
        m_nextLocalId = std::max(m_nextLocalId, m_rows.at(first + k).segment.id + 1);
        to[k].segment.id = m_rows.at(first + k).segment.id;
    }
    Q_UNUSED(needIds);
    Q_EMIT didReset();
    return {};
}

// ---- persistence

AnnotationStore *TrackDocument::store() const
{
    return m_store.data();
}

void TrackDocument::attachStore(AnnotationStore *store, qint64 trackId, bool writeAll)
{
    m_store = store;
    m_trackId = store ? trackId : 0;
    if (store && writeAll && !m_rows.isEmpty()) {
        Q_EMIT aboutToReset();
        persistSegmentation(m_source, false);
        Q_EMIT didReset();
    }
}

void TrackDocument::resaveToStore()
{
    if (!m_rows.isEmpty())
        persistSegmentation(m_source, true);
}

void TrackDocument::persistSegmentation(SegmentSource source, bool keepIds, int firstChanged, int lastChanged)
{
    if (!m_store || m_trackId <= 0)
        return;
    const auto checked = Segmentation::fromSegments(segments());
    if (!checked) {
        Q_EMIT storeError(checked.error());
        return;
    }
    const auto saved = m_store->saveSegmentation(m_trackId, checked.value(), source, {}, keepIds);
    if (!saved || saved->size() != m_rows.size()) {
        Q_EMIT storeError(saved ? tr("The store changed the number of segments.") : saved.error());
        return;
    }
    for (int i = 0; i < m_rows.size(); ++i) {
        m_rows[i].segment.id = saved->at(i).id;
        m_nextLocalId = std::max(m_nextLocalId, saved->at(i).id + 1);
    }
    m_lastSeq = m_store->lastEditSeq();
    if (lastChanged < 0 || !keepIds) {
        firstChanged = 0;
        lastChanged = m_rows.size() - 1;
    }
    persistRowLabels(firstChanged, lastChanged);
    persistRowPredictions(firstChanged, lastChanged);
}

QVector<qint64> TrackDocument::storeTagIds()
{
    return m_store ? m_store->tagIds(m_tags.names(), true) : QVector<qint64>();
}

void TrackDocument::persistLabels(const QVector<CellEdit> &edits)
{
    if (!m_store || m_trackId <= 0 || edits.isEmpty())
        return;
    const QVector<qint64> tagIds = storeTagIds();
    QHash<QString, QVector<VerdictEdit>> byActor;
    QStringList actors;
    for (const CellEdit &e : edits) {
        const int t = m_tags.indexOf(e.tag);
        if (t < 0 || t >= tagIds.size() || tagIds.at(t) <= 0)
            continue;
        const QString actor = e.label.actor.isEmpty() ? QStringLiteral("curator") : e.label.actor;
        if (!byActor.contains(actor))
            actors << actor;
        byActor[actor] << VerdictEdit{e.segmentId, tagIds.at(t), e.label.verdict};
    }
    for (const QString &actor : actors) {
        const qint64 seq = m_store->setVerdicts(m_trackId, byActor.value(actor), actor);
        if (seq <= 0)
            Q_EMIT storeError(tr("The annotation store refused a verdict edit (is it read-only?)."));
        else
            m_lastSeq = std::max(m_lastSeq, seq);
    }
}

void TrackDocument::persistRowLabels(int first, int last)
{
    if (!m_store || m_trackId <= 0)
        return;
    QVector<CellEdit> edits;
    for (int s = std::max(0, first); s <= last && s < m_rows.size(); ++s)
        for (int t = 0; t < m_tags.size(); ++t)
            edits << CellEdit{m_rows.at(s).segment.id, m_tags.at(t).name, m_rows.at(s).labels.at(t)};
    persistLabels(edits);
}

void TrackDocument::persistRowPredictions(int first, int last)
{
    if (!m_store || m_trackId <= 0 || last < first)
        return;
    const QStringList registered = m_store->modelVersions();
    QStringList versions;
    for (int s = std::max(0, first); s <= last && s < m_rows.size(); ++s)
        for (auto it = m_rows.at(s).probabilities.cbegin(); it != m_rows.at(s).probabilities.cend(); ++it)
            if (!versions.contains(it.key()) && registered.contains(it.key()))
                versions << it.key();
    if (versions.isEmpty())
        return;
    const QVector<qint64> tagIds = storeTagIds();
    for (const QString &version : versions) {
        PredictionBatch batch;
        batch.trackId = m_trackId;
        batch.modelVersion = version;
        batch.tagIds = tagIds;
        for (int s = std::max(0, first); s <= last && s < m_rows.size(); ++s) {
            const auto it = m_rows.at(s).probabilities.constFind(version);
            if (it == m_rows.at(s).probabilities.cend())
                continue;
            batch.segmentIds << m_rows.at(s).segment.id;
            for (int t = 0; t < m_tags.size(); ++t)
                batch.probabilities << (t < it->size() ? it->at(t) : noValue);
        }
        if (batch.segmentIds.isEmpty())
            continue;
        const auto seq = m_store->storePredictions(batch);
        if (!seq)
            Q_EMIT storeError(seq.error());
        else
            m_lastSeq = std::max(m_lastSeq, seq.value());
    }
}

Status TrackDocument::persistPredictions(const ModelManifest &manifest)
{
    if (!m_store || m_trackId <= 0)
        return {};
    const auto id = m_store->registerModelVersion(manifest);
    if (!id)
        return Status::failure(id.error());
    const QStringList registered{manifest.version};
    PredictionBatch batch;
    batch.trackId = m_trackId;
    batch.modelVersion = manifest.version;
    batch.tagIds = storeTagIds();
    for (const SegmentRow &r : m_rows) {
        const auto it = r.probabilities.constFind(manifest.version);
        if (it == r.probabilities.cend())
            continue;
        batch.segmentIds << r.segment.id;
        for (int t = 0; t < m_tags.size(); ++t)
            batch.probabilities << (t < it->size() ? it->at(t) : noValue);
    }
    if (batch.segmentIds.isEmpty())
        return {};
    const auto seq = m_store->storePredictions(batch);
    if (!seq)
        return Status::failure(seq.error());
    m_lastSeq = std::max(m_lastSeq, seq.value());
    return {};
}

Result<bool> TrackDocument::loadFromStore(AnnotationStore *store, qint64 trackId)
{
    if (!store)
        return Result<bool>::failure(tr("No annotation store is open."));
    const auto grid = store->labelGrid(trackId);
    if (!grid)
        return Result<bool>::failure(grid.error());
    m_store = store;
    m_trackId = trackId;
    if (grid->segmentationId == 0)
        return false;
    Q_EMIT aboutToReset();
    m_tags = Vocabulary(grid->tags);
    m_rows.clear();
    m_otherVerdicts.clear();
    m_currentVersion = grid->modelVersion;
    for (int s = 0; s < grid->rows(); ++s) {
        SegmentRow row = emptyRow(grid->segmentation.at(s));
        for (int t = 0; t < grid->columns(); ++t) {
            const Verdict v = grid->verdict(s, t);
            if (v != Verdict::Unknown)
                row.labels[t] = CellLabel{v, QStringLiteral("curator"), grid->verdictTimes.value(grid->cell(s, t))};
            if (const quint8 others = grid->others.value(grid->cell(s, t)); others != 0)
                m_otherVerdicts.insert({row.segment.id, grid->tags.at(t).name}, others);
        }
        if (!grid->modelVersion.isEmpty()) {
            QVector<float> values(grid->columns(), noValue);
            bool any = false;
            for (int t = 0; t < grid->columns(); ++t) {
                values[t] = grid->probability(s, t);
                any = any || !std::isnan(values[t]);
            }
            if (any)
                row.probabilities.insert(grid->modelVersion, values);
        }
        m_nextLocalId = std::max(m_nextLocalId, row.segment.id + 1);
        m_rows << row;
    }
    // The stored source: a track reopened without edits is not "edited".
    m_source = grid->source;
    Q_EMIT didReset();
    return true;
}

bool TrackDocument::hasConflict(int segment, int tag) const
{
    if (m_otherVerdicts.isEmpty() || segment < 0 || segment >= m_rows.size() || tag < 0 || tag >= m_tags.size())
        return false;
    const quint8 others = m_otherVerdicts.value({m_rows.at(segment).segment.id, m_tags.at(tag).name});
    const Verdict own = label(segment, tag).verdict;
    return others == (LabelGrid::kOtherPresent | LabelGrid::kOtherAbsent)
        || (own == Verdict::Present && (others & LabelGrid::kOtherAbsent))
        || (own == Verdict::Absent && (others & LabelGrid::kOtherPresent));
}

} // namespace taglane::engine
