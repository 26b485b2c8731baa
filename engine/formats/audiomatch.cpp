// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/formats/audiomatch.h"

#include "engine/audio/audiodecoder.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <functional>

namespace taglane::engine {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("AudioMatch", text);
}
} // namespace

Result<QString> AudioMatch::find(const QString &name, const QString &audioDir, const QString &source)
{
    using R = Result<QString>;
    const QStringList suffixes = AudioDecoder::supportedSuffixes();
    const auto decodable = [&suffixes](const QFileInfo &f) { return suffixes.contains(f.suffix().toLower()); };

    // 1. A path to an existing file.
    const QFileInfo direct(name);
    if (direct.isAbsolute()) {
        if (direct.isFile())
            return direct.absoluteFilePath();
    } else if (!audioDir.isEmpty() && decodable(direct)) {
        const QFileInfo relative(QDir(audioDir).filePath(name));
        if (relative.isFile())
            return relative.absoluteFilePath();
    }

    const QString base = direct.fileName().isEmpty() ? name : direct.fileName();
    const QFileInfo baseInfo(base);
    const bool hasAudioSuffix = decodable(baseInfo);
    const QDir dir(audioDir.isEmpty() ? QStringLiteral(".") : audioDir);
    QFileInfoList audio;
    for (const QFileInfo &f : dir.entryInfoList(QDir::Files | QDir::Readable, QDir::Name))
        if (decodable(f))
            audio << f;

    const auto level = [&audio](const std::function<bool(const QFileInfo &)> &matches) {
        QStringList found;
        for (const QFileInfo &f : std::as_const(audio))
            if (matches(f))
                found << f.absoluteFilePath();
        return found;
    };
    const auto stemIs = [&](Qt::CaseSensitivity cs) {
        return [&, cs](const QFileInfo &f) {
            return f.completeBaseName().compare(base, cs) == 0
                   || (hasAudioSuffix && f.completeBaseName().compare(baseInfo.completeBaseName(), cs) == 0);
        };
    };
    const std::function<bool(const QFileInfo &)> levels[] = {
        [&](const QFileInfo &f) { return f.fileName() == base; },
        [&](const QFileInfo &f) { return f.completeBaseName() == base; },
        [&](const QFileInfo &f) { return hasAudioSuffix && f.completeBaseName() == baseInfo.completeBaseName(); },
        stemIs(Qt::CaseInsensitive),
    };
    for (const auto &matches : levels) {
        const QStringList found = level(matches);
        if (found.size() == 1)
            return found.first();
        if (found.size() > 1)
            return R::failure(tr("%1: several audio files match \"%2\": %3; give the audio file's name in the "
                                 "labels, or keep one of them in %4.")
                                  .arg(source, name, found.join(QStringLiteral(", ")), dir.absolutePath()));
    }
    const QString stem = hasAudioSuffix ? baseInfo.completeBaseName() : base;
    return R::failure(tr("%1: no audio file for \"%2\" in %3 (looked for %4.<%5>).")
                          .arg(source, name, dir.absolutePath(), stem, suffixes.join(QLatin1Char('|'))));
}

} // namespace taglane::engine
