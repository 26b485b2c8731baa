// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/models/weightscheck.h"

#include "engine/model/modelbundle.h"
#include "engine/model/tagger.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QThread>

#include <memory>

namespace taglane::widgets {

WeightsCheck::WeightsCheck(QObject *parent)
    : QObject(parent)
{
}

WeightsCheck::~WeightsCheck()
{
    // A load cannot be interrupted; it ends soon. Its finished signal then
    // finds no receiver.
    for (const QPointer<QThread> &thread : std::as_const(m_threads))
        if (thread)
            thread->wait();
}

WeightsCheck::Stamp WeightsCheck::stampOf(const QString &folder)
{
    const QFileInfo info(QDir(folder).filePath(QStringLiteral("weights.pt")));
    return {info.exists() ? info.size() : -1, info.lastModified()};
}

bool WeightsCheck::isKnown(const QString &folder) const
{
    const auto it = m_known.constFind(folder);
    return it != m_known.cend() && it->stamp == stampOf(folder);
}

QString WeightsCheck::problem(const QString &folder) const
{
    return isKnown(folder) ? m_known.value(folder).problem : QString();
}

void WeightsCheck::check(const QString &folder)
{
    if (folder.isEmpty() || isKnown(folder) || m_running.contains(folder))
        return;
    m_running.insert(folder);
    const Stamp stamp = stampOf(folder);
    auto problem = std::make_shared<QString>();
    QThread *thread = QThread::create([folder, problem]() {
        auto bundle = engine::ModelBundle::open(folder);
        if (!bundle) {
            *problem = bundle.error();
            return;
        }
        auto tagger = engine::Tagger::load(bundle.value(), engine::DevicePreference::Cpu);
        if (!tagger)
            *problem = tagger.error();
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(thread, &QThread::finished, this, [this, folder, stamp, problem, thread]() {
        m_threads.removeAll(thread);
        m_running.remove(folder);
        m_known.insert(folder, {stamp, *problem});
        Q_EMIT checked(folder, *problem);
    });
    m_threads << thread;
    thread->start(QThread::LowPriority);
}

} // namespace taglane::widgets
