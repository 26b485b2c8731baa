// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QKeySequence>
#include <QString>
#include <QStringList>
#include <QVector>

class QObject;
class QWidget;

namespace taglane::widgets {

/// Every key sequence bound in a window: each QAction reachable from it (its
/// children and the actions added to any of its widgets) and each QShortcut.
/// Qt reports "Ambiguous shortcut overload" and runs nothing when two of
/// them (or one action listing a sequence twice) share a sequence in the
/// same window, so every sequence must have one owner. GUI thread.
struct ShortcutBinding
{
    QKeySequence sequence;
    QString owner;            ///< the action's text (without '&') or the shortcut's object name
    const QObject *object = nullptr;
};

class ShortcutAudit
{
public:
    /// All bindings under `root`, one per (object, sequence) as registered.
    static QVector<ShortcutBinding> bindings(const QWidget *root);
    /// One line per sequence with more than one binding, e.g.
    /// "Ctrl+Shift+Z: Redo, Redo"; empty when every shortcut has one owner.
    static QStringList duplicates(const QWidget *root);
};

} // namespace taglane::widgets
