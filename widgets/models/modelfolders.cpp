// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/models/modelfolders.h"

#include "widgets/library/datafolder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace taglane::widgets {

QString ModelFolders::userFolder()
{
    return DataFolder::path() + QStringLiteral("/models");
}

QString ModelFolders::bundledDefault()
{
    for (const Folder &folder : searchFolders()) {
        if (folder.origin != Origin::Bundled)
            continue;
        const QString candidate = QDir(folder.path).filePath(QStringLiteral("default.tlmodel"));
        if (QFileInfo::exists(candidate + QStringLiteral("/manifest.json")))
            return candidate;
    }
    return {};
}

QVector<ModelFolders::Folder> ModelFolders::searchFolders()
{
    QVector<Folder> folders;
    QSet<QString> seen;
    auto add = [&](const QString &path, Origin origin) {
        if (path.isEmpty())
            return;
        const QString clean = QDir::cleanPath(QDir(path).absolutePath());
        if (seen.contains(clean))
            return;
        seen.insert(clean);
        folders.push_back({clean, origin});
    };
    add(userFolder(), Origin::User);
    const QString env = qEnvironmentVariable("TAGLANE_MODEL_PATH");
    for (const QString &part : env.split(QLatin1Char(':'), Qt::SkipEmptyParts))
        add(part, Origin::EnvironmentPath);

    const QString appDir = QCoreApplication::applicationDirPath();
    if (!appDir.isEmpty()) {
        add(QDir(appDir).filePath(QStringLiteral("../share/taglane/models")), Origin::Bundled);
        // A build tree: the executable lies a few levels below the build
        // folder, which lies in (or next to) the source tree.
        QDir dir(appDir);
        for (int up = 0; up < 4 && dir.cdUp(); ++up) {
            if (QFileInfo::exists(dir.filePath(QStringLiteral("resources/taglane.qrc")))) {
                add(dir.filePath(QStringLiteral("resources/models")), Origin::Bundled);
                break;
            }
        }
    }
    return folders;
}

QVector<ModelFolders::Entry> ModelFolders::scan(const QVector<Folder> &folders)
{
    QVector<Entry> all;
    QSet<QString> seen;
    for (const Folder &folder : folders) {
        QDir dir(folder.path);
        if (!dir.exists())
            continue;
        QVector<Entry> here;
        const QFileInfoList list = dir.entryInfoList({QStringLiteral("*.tlmodel")}, QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QFileInfo &info : list) {
            const QString canonical = info.canonicalFilePath();
            if (seen.contains(canonical))
                continue;
            seen.insert(canonical);
            Entry entry;
            entry.folder = info.absoluteFilePath();
            entry.origin = folder.origin;
            auto bundle = engine::ModelBundle::open(entry.folder);
            if (bundle.ok())
                entry.manifest = bundle->manifest();
            else
                entry.error = bundle.error();
            if (entry.manifest.name.isEmpty())
                entry.manifest.name = info.completeBaseName();
            here.push_back(entry);
        }
        std::sort(here.begin(), here.end(), [](const Entry &a, const Entry &b) {
            return a.manifest.name.localeAwareCompare(b.manifest.name) < 0;
        });
        all += here;
    }
    return all;
}

QString ModelFolders::originName(Origin origin)
{
    switch (origin) {
    case Origin::User: return QCoreApplication::translate("ModelFolders", "your models");
    case Origin::EnvironmentPath: return QCoreApplication::translate("ModelFolders", "TAGLANE_MODEL_PATH");
    case Origin::Bundled: return QCoreApplication::translate("ModelFolders", "bundled");
    }
    return {};
}

QString ModelFolders::safeStem(const QString &name)
{
    QString out;
    for (const QChar c : name.trimmed()) {
        if (c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('.'))
            out += c;
        else if (!out.endsWith(QLatin1Char('_')))
            out += QLatin1Char('_');
    }
    while (out.startsWith(QLatin1Char('.')))
        out.remove(0, 1);
    return out.isEmpty() ? QStringLiteral("model") : out;
}

ModelFolders::NewVersion ModelFolders::nextVersion(const QString &baseFolder, const QString &baseName,
                                                 const QString &intoFolder)
{
    static const QRegularExpression stemSuffix(QStringLiteral("-v(\\d+)$"));
    static const QRegularExpression nameSuffix(QStringLiteral("\\s+v(\\d+)$"));
    QString stem = safeStem(QFileInfo(baseFolder).completeBaseName());
    int number = 2;
    const auto stemMatch = stemSuffix.match(stem);
    if (stemMatch.hasMatch()) {
        number = std::max(number, stemMatch.captured(1).toInt() + 1);
        stem.chop(stemMatch.capturedLength());
    }
    QString name = baseName.trimmed();
    const auto nameMatch = nameSuffix.match(name);
    if (nameMatch.hasMatch()) {
        number = std::max(number, nameMatch.captured(1).toInt() + 1);
        name.chop(nameMatch.capturedLength());
    }
    if (name.isEmpty())
        name = stem;
    const QDir into(intoFolder);
    NewVersion version;
    for (;; ++number) {
        const QString folder = into.filePath(QStringLiteral("%1-v%2.tlmodel").arg(stem).arg(number));
        if (!QFileInfo::exists(folder)) {
            version.folder = QDir::cleanPath(into.absoluteFilePath(folder));
            break;
        }
    }
    version.number = number;
    version.name = QStringLiteral("%1 v%2").arg(name).arg(number);
    return version;
}

} // namespace taglane::widgets
