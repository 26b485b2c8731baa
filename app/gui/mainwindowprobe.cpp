// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow's probe for tests (hidden option --probe JSON): what the window
// built, written as JSON, so a test can start the real program (with a locale,
// a store, a file) and check its menus, shortcuts and status bar.
#include "app/gui/mainwindow.h"

#include "widgets/track/storestatuslabel.h"
#include "widgets/track/trackview.h"
#include "widgets/window/shortcutaudit.h"
#include "widgets/window/statusmessages.h"

#include <QAction>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QTimer>

namespace taglane::app {

namespace {
QJsonObject rectJson(const QRect &r)
{
    return QJsonObject{{QStringLiteral("x"), r.x()}, {QStringLiteral("y"), r.y()},
                       {QStringLiteral("width"), r.width()}, {QStringLiteral("height"), r.height()}};
}
} // namespace

void MainWindow::scriptProbe(const QString &path, bool afterLoad)
{
    auto write = [this, path]() {
        QJsonObject out;
        QJsonArray menus;
        for (QAction *a : menuBar()->actions())
            menus.append(a->text());
        out.insert(QStringLiteral("menus"), menus);
        QJsonArray bindings;
        for (const widgets::ShortcutBinding &b : widgets::ShortcutAudit::bindings(this))
            bindings.append(QJsonObject{{QStringLiteral("sequence"), b.sequence.toString(QKeySequence::PortableText)},
                                        {QStringLiteral("owner"), b.owner}});
        out.insert(QStringLiteral("shortcuts"), bindings);
        out.insert(QStringLiteral("duplicateShortcuts"), QJsonArray::fromStringList(widgets::ShortcutAudit::duplicates(this)));
        QJsonObject status;
        status.insert(QStringLiteral("message"), m_messages->text());
        status.insert(QStringLiteral("qtMessage"), statusBar()->currentMessage());
        status.insert(QStringLiteral("messageRect"), rectJson(m_messages->label()->geometry()));
        QJsonArray permanent;
        for (QWidget *w : {static_cast<QWidget *>(m_facts), static_cast<QWidget *>(m_saveProblem)}) {
            if (w->isVisible())
                permanent.append(QJsonObject{{QStringLiteral("name"), w->objectName()},
                                             {QStringLiteral("text"), qobject_cast<QLabel *>(w)->text()},
                                             {QStringLiteral("rect"), rectJson(w->geometry())}});
        }
        status.insert(QStringLiteral("permanent"), permanent);
        out.insert(QStringLiteral("statusBar"), status);
        out.insert(QStringLiteral("defaultStorePath"), defaultStorePath());
        out.insert(QStringLiteral("windowTitle"), windowTitle());
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            qWarning("cannot write the probe to %s: %s", qPrintable(path), qPrintable(file.errorString()));
        } else {
            file.write(QJsonDocument(out).toJson());
        }
        close();
    };
    if (!afterLoad) {
        QTimer::singleShot(300, this, write);
        return;
    }
    auto *once = new QObject(this);
    auto done = [this, once, write]() {
        delete once;
        QTimer::singleShot(300, this, write);
    };
    connect(m_track, &widgets::TrackView::trackLoaded, once, done);
    connect(m_track, &widgets::TrackView::loadFailed, once, done);
}

} // namespace taglane::app
