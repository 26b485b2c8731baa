// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/window/shortcutaudit.h"

#include <QAction>
#include <QMap>
#include <QSet>
#include <QShortcut>
#include <QWidget>

namespace taglane::widgets {

namespace {
QString plain(QString text)
{
    text.remove(QLatin1Char('&'));
    return text;
}
} // namespace

QVector<ShortcutBinding> ShortcutAudit::bindings(const QWidget *root)
{
    QVector<ShortcutBinding> out;
    if (!root)
        return out;
    QList<QAction *> actions = root->findChildren<QAction *>();
    QList<QWidget *> widgets = root->findChildren<QWidget *>();
    widgets.prepend(const_cast<QWidget *>(root));
    for (QWidget *w : widgets)
        actions += w->actions();
    QSet<const QAction *> seen;
    for (QAction *a : actions) {
        if (!a || seen.contains(a))
            continue;
        seen.insert(a);
        for (const QKeySequence &k : a->shortcuts()) {
            if (!k.isEmpty())
                out.push_back({k, plain(a->text()), a});
        }
    }
    for (QShortcut *s : root->findChildren<QShortcut *>()) {
        for (const QKeySequence &k : s->keys()) {
            if (!k.isEmpty())
                out.push_back({k, s->objectName().isEmpty() ? QStringLiteral("QShortcut") : s->objectName(), s});
        }
    }
    return out;
}

QStringList ShortcutAudit::duplicates(const QWidget *root)
{
    QMap<QString, QStringList> owners;
    for (const ShortcutBinding &b : bindings(root))
        owners[b.sequence.toString(QKeySequence::PortableText)] << b.owner;
    QStringList out;
    for (auto it = owners.cbegin(); it != owners.cend(); ++it) {
        if (it.value().size() > 1)
            out << QStringLiteral("%1: %2").arg(it.key(), it.value().join(QStringLiteral(", ")));
    }
    return out;
}

} // namespace taglane::widgets
