// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Optional TrackView features, detected at compile time, so the window
// picks up the lane's edit actions (split, merge, accept, undo, redo) and
// its threshold as soon as TrackView offers them.

#include <QAction>

#include <type_traits>
#include <utility>

namespace taglane::app::features {

#define TAGLANE_DETECT_MEMBER(Name, member)                                                                  \
    template <typename T, typename = void>                                                                   \
    struct Name : std::false_type                                                                            \
    {                                                                                                        \
    };                                                                                                       \
    template <typename T>                                                                                    \
    struct Name<T, std::void_t<decltype(std::declval<T &>().member())>> : std::true_type                     \
    {                                                                                                        \
    };                                                                                                       \
    template <typename T>                                                                                    \
    auto call_##member(T *object)                                                                            \
    {                                                                                                        \
        if constexpr (Name<T>::value)                                                                        \
            return object->member();                                                                        \
        else                                                                                                 \
            return static_cast<QAction *>(nullptr);                                                          \
    }

TAGLANE_DETECT_MEMBER(HasUndoAction, undoAction)
TAGLANE_DETECT_MEMBER(HasRedoAction, redoAction)
TAGLANE_DETECT_MEMBER(HasSplitAction, splitAction)
TAGLANE_DETECT_MEMBER(HasMergeAction, mergeAction)
TAGLANE_DETECT_MEMBER(HasAcceptAction, acceptSuggestionsAction)

#undef TAGLANE_DETECT_MEMBER

template <typename T, typename = void>
struct HasThreshold : std::false_type
{
};
template <typename T>
struct HasThreshold<T, std::void_t<decltype(std::declval<T &>().threshold())>> : std::true_type
{
};
/// The view's presence threshold, or `fallback` when it has none.
template <typename T>
double thresholdOf(T *view, double fallback)
{
    if constexpr (HasThreshold<T>::value)
        return double(view->threshold());
    else
        return fallback;
}

} // namespace taglane::app::features
