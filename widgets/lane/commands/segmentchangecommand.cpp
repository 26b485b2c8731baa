// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/lane/commands/segmentchangecommand.h"

#include <QDebug>

namespace taglane::widgets {

SegmentChangeCommand::SegmentChangeCommand(engine::TrackDocument *document, engine::RowChange change, Kind kind,
                                           engine::SegmentSource source, const QString &text, QUndoCommand *parent)
    : QUndoCommand(text, parent)
    , m_doc(document)
    , m_change(std::move(change))
    , m_kind(kind)
    , m_source(source)
    , m_previousSource(document ? document->segmentSource() : source)
{
}

void SegmentChangeCommand::redo()
{
    if (!m_doc)
        return;
    const engine::Status s = m_doc->apply(m_change, m_source);
    if (!s) {
        qWarning("%s", qPrintable(s.error()));
        setObsolete(true);
    }
}

void SegmentChangeCommand::undo()
{
    if (!m_doc)
        return;
    const engine::Status s = m_doc->revert(m_change, m_previousSource);
    if (!s)
        qWarning("%s", qPrintable(s.error()));
}

int SegmentChangeCommand::id() const
{
    return m_kind == Kind::MoveBoundary && m_gesture >= 0 ? moveBoundaryId : -1;
}

bool SegmentChangeCommand::mergeWith(const QUndoCommand *other)
{
    const auto *o = dynamic_cast<const SegmentChangeCommand *>(other);
    if (!o || o->m_kind != Kind::MoveBoundary || o->m_gesture != m_gesture || m_change.after.isEmpty()
        || o->m_change.before.isEmpty() || o->m_change.before.first().segment.id != m_change.after.first().segment.id)
        return false;
    m_change.after = o->m_change.after;
    return true;
}

} // namespace taglane::widgets
