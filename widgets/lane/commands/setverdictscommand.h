// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/curation/trackdocument.h"

#include <QPointer>
#include <QUndoCommand>

namespace taglane::widgets {

/// Sets the labels of some cells of a TrackDocument. Cells are named by
/// segment id and tag name, so the command still finds them after splits,
/// merges and their undos. The labels (with actor and time) are fixed when
/// the command is made, so redo after undo gives back the exact same state.
class SetVerdictsCommand : public QUndoCommand
{
public:
    SetVerdictsCommand(engine::TrackDocument *document, QVector<engine::TrackDocument::CellEdit> edits,
                       const QString &text, QUndoCommand *parent = nullptr);

    void redo() override;
    void undo() override;
    int cellCount() const { return m_after.size(); }

private:
    QPointer<engine::TrackDocument> m_doc;
    QVector<engine::TrackDocument::CellEdit> m_after;
    QVector<engine::TrackDocument::CellEdit> m_before;
};

} // namespace taglane::widgets
