// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/curation/trackdocument.h"

#include <QPointer>
#include <QUndoCommand>

namespace taglane::widgets {

/// A structural edit of a TrackDocument (split, merge, moved boundary,
/// re-segmentation) as the rows before and after it. The rows are found by
/// their segment ids; new segments get their ids on the first redo and keep
/// them on later ones. Consecutive moves of one boundary within one drag
/// (same gesture number) merge into one undo step.
class SegmentChangeCommand : public QUndoCommand
{
public:
    enum class Kind { Split, Merge, MoveBoundary, Resegment };
    static constexpr int moveBoundaryId = 0x7461676c;   // "tagl"

    SegmentChangeCommand(engine::TrackDocument *document, engine::RowChange change, Kind kind,
                         engine::SegmentSource source, const QString &text, QUndoCommand *parent = nullptr);

    /// For boundary drags: moves with the same gesture and boundary merge.
    void setGesture(int gesture) { m_gesture = gesture; }

    void redo() override;
    void undo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand *other) override;

    Kind kind() const { return m_kind; }
    const engine::RowChange &change() const { return m_change; }

private:
    QPointer<engine::TrackDocument> m_doc;
    engine::RowChange m_change;
    Kind m_kind;
    engine::SegmentSource m_source;
    engine::SegmentSource m_previousSource;
    int m_gesture = -1;
};

} // namespace taglane::widgets
