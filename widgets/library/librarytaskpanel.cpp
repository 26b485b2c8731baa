// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/library/librarytaskpanel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

namespace taglane::widgets {

LibraryTaskPanel::LibraryTaskPanel(bool canPause, QWidget *parent)
    : QWidget(parent)
    , m_label(new QLabel(this))
    , m_bar(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
{
    m_bar->setMaximumWidth(160);
    m_bar->setMinimumWidth(100);
    m_bar->setTextVisible(true);
    m_cancel->setText(tr("Cancel"));
    connect(m_cancel, &QToolButton::clicked, this, &LibraryTaskPanel::cancelRequested);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    if (canPause) {
        m_pause = new QToolButton(this);
        m_pause->setText(tr("Pause"));
        connect(m_pause, &QToolButton::clicked, this, [this]() {
            if (m_paused)
                Q_EMIT resumeRequested();
            else
                Q_EMIT pauseRequested();
        });
        layout->addWidget(m_pause);
    }
    layout->addWidget(m_cancel);
    hide();
}

void LibraryTaskPanel::begin(const QString &text)
{
    m_label->setText(text);
    setPaused(false);
    setProgress(0, 0);
    m_cancel->setEnabled(true);
    show();
}

void LibraryTaskPanel::setText(const QString &text)
{
    m_label->setText(text);
}

QString LibraryTaskPanel::text() const
{
    return m_label->text();
}

void LibraryTaskPanel::setProgress(int done, int total)
{
    if (total <= 0) {
        m_bar->setRange(0, 0);
        return;
    }
    m_bar->setRange(0, total);
    m_bar->setValue(std::min(done, total));
    m_bar->setFormat(QStringLiteral("%1 / %2").arg(done).arg(total));
}

void LibraryTaskPanel::setPaused(bool paused)
{
    m_paused = paused;
    if (m_pause) {
        m_pause->setText(paused ? tr("Resume") : tr("Pause"));
        m_pause->setToolTip(paused ? tr("Go on tagging the library") : tr("Hold after the track under way"));
    }
}

void LibraryTaskPanel::end()
{
    hide();
}

} // namespace taglane::widgets
