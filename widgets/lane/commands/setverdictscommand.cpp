// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/lane/commands/setverdictscommand.h"

namespace taglane::widgets {

SetVerdictsCommand::SetVerdictsCommand(engine::TrackDocument *document, QVector<engine::TrackDocument::CellEdit> edits,
                                       const QString &text, QUndoCommand *parent)
    : QUndoCommand(text, parent)
    , m_doc(document)
    , m_after(std::move(edits))
{
    if (m_doc)
        m_before = m_doc->currentCells(m_after);
}

void SetVerdictsCommand::redo()
{
    if (m_doc)
        m_doc->applyCells(m_after);
}

void SetVerdictsCommand::undo()
{
    if (m_doc)
        m_doc->applyCells(m_before);
}

} // namespace taglane::widgets
