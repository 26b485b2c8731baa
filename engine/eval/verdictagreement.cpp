// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/eval/verdictagreement.h"

#include "engine/store/annotationstore.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace taglane::engine {

AgreementInput VerdictAgreement::input(const QVector<StoredVerdict> &verdicts, const QVector<qint64> &tagIds,
                                       const QStringList &tagNames)
{
    AgreementInput in;
    in.categories = 2;
    QHash<qint64, int> tagIndex;
    for (int i = 0; i < tagIds.size() && i < tagNames.size(); ++i)
        tagIndex.insert(tagIds.at(i), i);
    QSet<QString> curators;
    QSet<int> usedTags;
    QHash<qint64, int> itemOf;   // segment id -> item
    for (const StoredVerdict &v : verdicts) {
        const int t = tagIndex.value(v.tagId, -1);
        if (t < 0 || v.verdict == Verdict::Unknown)
            continue;
        curators.insert(v.curator);
        usedTags.insert(t);
        if (!itemOf.contains(v.segmentId)) {
            const int next = int(itemOf.size());
            itemOf.insert(v.segmentId, next);
        }
    }
    in.raters = QStringList(curators.begin(), curators.end());
    in.raters.sort();
    QHash<QString, int> raterOf;
    for (int r = 0; r < in.raters.size(); ++r)
        raterOf.insert(in.raters.at(r), r);
    QVector<int> tags(usedTags.begin(), usedTags.end());
    std::sort(tags.begin(), tags.end());
    QHash<int, int> tableOf;   // tag index -> table
    for (int t : std::as_const(tags)) {
        tableOf.insert(t, in.tags.size());
        in.tags << tagNames.at(t);
    }
    in.items = int(itemOf.size());
    const size_t cells = size_t(in.items) * size_t(in.raters.size());
    in.ratings.assign(size_t(in.tags.size()), std::vector<qint8>(cells, qint8(-1)));
    for (const StoredVerdict &v : verdicts) {
        const int t = tagIndex.value(v.tagId, -1);
        if (t < 0 || v.verdict == Verdict::Unknown)
            continue;
        const size_t cell = size_t(itemOf.value(v.segmentId)) * size_t(in.raters.size()) + size_t(raterOf.value(v.curator));
        in.ratings[size_t(tableOf.value(t))][cell] = v.verdict == Verdict::Present ? 1 : 0;
    }
    return in;
}

Result<AgreementInput> VerdictAgreement::fromStore(const AnnotationStore &store)
{
    const Result<QVector<StoredVerdict>> rows = store.curatorVerdicts();
    if (!rows)
        return Result<AgreementInput>::failure(rows.error());
    QVector<qint64> ids;
    QStringList names;
    const Vocabulary vocabulary = store.vocabulary();   // kept alive for the loop
    for (const Tag &tag : vocabulary.tags()) {
        ids << store.tagId(tag.name);
        names << tag.name;
    }
    return input(rows.value(), ids, names);
}

} // namespace taglane::engine
