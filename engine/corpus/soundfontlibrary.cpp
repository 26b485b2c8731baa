// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/corpus/soundfontlibrary.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SoundfontLibrary", text);
}

/// File-name fragments (lower case) of the soundfonts kept for evaluation.
const char *const kReserved[] = {"timgm6mb", "sf_gmbank"};

bool isReservedName(const QString &fileName)
{
    const QString lower = fileName.toLower();
    for (const char *r : kReserved)
        if (lower.contains(QLatin1String(r)))
            return true;
    return false;
}

} // namespace

const std::vector<SoundfontLibrary::Known> &SoundfontLibrary::known()
{
    static const std::vector<Known> list = {
        {"fluid", "fluid-soundfont-gm", {QStringLiteral("/usr/share/sounds/sf2/FluidR3_GM.sf2")}},
        {"musescore", "musescore-general-soundfont",
         {QStringLiteral("/usr/share/sounds/sf3/MuseScore_General_Full.sf3"),
          QStringLiteral("/usr/share/sounds/sf3/MuseScore_General.sf3"),
          QStringLiteral("/usr/share/sounds/sf2/MuseScore_General.sf2")}},
        {"opl3", "opl3-soundfont",
         {QStringLiteral("/usr/share/sounds/sf2/OPL-3_FM_128M.sf2"), QStringLiteral("/usr/share/sounds/sf2/opl3.sf2")}},
        {"fluidmono", "fluidr3mono-gm-soundfont",
         {QStringLiteral("/usr/share/sounds/sf3/FluidR3Mono_GM.sf3"),
          QStringLiteral("/usr/share/sounds/sf2/FluidR3Mono_GM.sf2")}},
    };
    return list;
}

QStringList SoundfontLibrary::installed()
{
    QStringList names;
    for (const Known &k : known())
        for (const QString &c : k.candidates)
            if (QFileInfo(c).isFile()) {
                names << QString::fromLatin1(k.name);
                break;
            }
    return names;
}

QString SoundfontLibrary::reservedReason(const QString &path)
{
    const QFileInfo info(path);
    QString target = info.fileName();
    if (!isReservedName(target) && info.isSymLink())
        target = QFileInfo(info.canonicalFilePath()).fileName();
    if (!isReservedName(target) && !isReservedName(info.fileName()))
        return {};
    return tr("%1: this soundfont (%2) is reserved for independent evaluation and must never render training, "
              "validation or tuning data.")
        .arg(path, target);
}

Result<QString> SoundfontLibrary::resolve(const QString &nameOrPath)
{
    using R = Result<QString>;
    const QString item = nameOrPath.trimmed();
    if (item.isEmpty())
        return R::failure(tr("An empty soundfont name was given."));
    for (const Known &k : known()) {
        if (item.compare(QLatin1String(k.name), Qt::CaseInsensitive) != 0)
            continue;
        for (const QString &c : k.candidates)
            if (QFileInfo(c).isFile()) {
                if (QString why = reservedReason(c); !why.isEmpty())
                    return R::failure(why);
                return c;
            }
        return R::failure(tr("%1: the soundfont is not installed (Debian package %2; expected at %3).")
                              .arg(item, QLatin1String(k.package), k.candidates.join(QStringLiteral(" or "))));
    }
    if (QString why = reservedReason(item); !why.isEmpty())
        return R::failure(why);
    if (!QFileInfo(item).isFile()) {
        QStringList names;
        for (const Known &k : known())
            names << QString::fromLatin1(k.name);
        return R::failure(tr("%1: the soundfont does not exist (give a path or one of: %2).")
                              .arg(item, names.join(QStringLiteral(", "))));
    }
    return item;
}

Result<QStringList> SoundfontLibrary::resolveList(const QStringList &items)
{
    using R = Result<QStringList>;
    QStringList paths;
    for (const QString &entry : items) {
        for (const QString &part : entry.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            auto path = resolve(part);
            if (!path)
                return R::failure(path.error());
            const QString canonical = QFileInfo(path.value()).canonicalFilePath();
            for (const QString &p : paths)
                if (QFileInfo(p).canonicalFilePath() == canonical)
                    return R::failure(tr("%1: the soundfont is listed twice.").arg(part.trimmed()));
            paths << path.value();
        }
    }
    if (paths.isEmpty())
        return R::failure(tr("No soundfont given."));
    return paths;
}

QString SoundfontLibrary::label(const QString &path)
{
    for (const Known &k : known())
        for (const QString &c : k.candidates)
            if (c == path)
                return QString::fromLatin1(k.name);
    return QFileInfo(path).fileName();
}

} // namespace taglane::engine
