// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

namespace taglane::widgets {

class TrackView;

/// Takes the curator to a cell (track, segment, tag) of the library: opens
/// the track when it is not the open one (through the opener, the window's
/// File > Open path), then selects the cell in the tag lane, scrolls it
/// into view, puts the cursor at the segment's start and, when asked, plays
/// the segment. The newest request wins: a track still loading for an
/// older request is selected in only when it is the one asked for last.
/// GUI thread only.
class CellNavigator : public QObject
{
    Q_OBJECT

public:
    using Opener = std::function<void(const QString &path)>;

    explicit CellNavigator(TrackView *track, QObject *parent = nullptr);

    TrackView *trackView() const;
    /// How a track is opened; default: TrackView::openFile.
    void setOpener(Opener opener) { m_opener = std::move(opener); }

    /// Goes to segment `segmentId` of the track at `path` in the first of
    /// `tags` that has a row in the lane (none: the lane's first row).
    /// segmentId 0 opens the track without selecting. Returns true when the
    /// cell is selected at once (the track was open), false while it opens.
    bool goToCell(const QString &path, qint64 segmentId, const QStringList &tags, bool play);
    /// The request being opened (empty when none).
    QString pendingPath() const { return m_pending.path; }
    /// Whether the open track is the file at `path`.
    bool isOpen(const QString &path) const;

Q_SIGNALS:
    /// The cell asked for last is selected (segmentId 0: the track is open).
    void arrived(const QString &path, qint64 segmentId, const QString &tag);
    /// The cell could not be reached (the file did not open, the segment is
    /// no longer in the track's segmentation, ...).
    void failed(const QString &message);

private:
    struct Request
    {
        QString path;
        qint64 segmentId = 0;
        QStringList tags;
        bool play = false;
    };
    bool select(const Request &request);
    void onLoaded(const QString &path);
    void onLoadFailed(const QString &path, const QString &message);

    QPointer<TrackView> m_track;
    Opener m_opener;
    Request m_pending;
};

} // namespace taglane::widgets
