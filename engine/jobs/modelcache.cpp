// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/jobs/modelcache.h"

#include "engine/model/modelbundle.h"

#include <QFileInfo>

#include <algorithm>

namespace taglane::engine {

Result<std::shared_ptr<Tagger>> ModelCache::get(const QString &bundleFolder, DevicePreference device, bool *fromCache)
{
    if (fromCache)
        *fromCache = false;
    auto bundle = ModelBundle::open(bundleFolder);
    if (!bundle)
        return Result<std::shared_ptr<Tagger>>::failure(bundle.error());

    QString folder = QFileInfo(bundleFolder).canonicalFilePath();
    if (folder.isEmpty())
        folder = QFileInfo(bundleFolder).absoluteFilePath();
    const QString key = folder + QLatin1Char('\n') + bundle->manifest().version + QLatin1Char('\n')
                        + QString::number(int(device));

    auto it = std::find_if(m_entries.begin(), m_entries.end(), [&](const Entry &e) { return e.key == key; });
    if (it != m_entries.end()) {
        Entry entry = std::move(*it);
        m_entries.erase(it);
        m_entries.push_back(std::move(entry));
        if (fromCache)
            *fromCache = true;
        return m_entries.back().tagger;
    }

    auto tagger = Tagger::load(bundle.value(), device);
    if (!tagger)
        return Result<std::shared_ptr<Tagger>>::failure(tagger.error());
    if (int(m_entries.size()) >= m_capacity)
        m_entries.erase(m_entries.begin());
    m_entries.push_back({key, tagger.value()});
    return tagger.value();
}

} // namespace taglane::engine
