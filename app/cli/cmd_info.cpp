// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "engine/audio/audiodecoder.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace taglane::app {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

QString formatDuration(double seconds)
{
    const qint64 ms = qint64(seconds * 1000.0 + 0.5);
    return QStringLiteral("%1:%2.%3")
        .arg(ms / 60000)
        .arg((ms / 1000) % 60, 2, 10, QLatin1Char('0'))
        .arg(ms % 1000, 3, 10, QLatin1Char('0'));
}
} // namespace

int runInfo(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Prints the facts of each audio file. With --decode the whole file is "
                                        "decoded, which finds truncated and corrupt files."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), tr("audio files"), QStringLiteral("FILE..."));
    const QCommandLineOption decodeOption(QStringLiteral("decode"), tr("decode the whole file to check it"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), tr("print one JSON object per file"));
    parser.addOption(decodeOption);
    parser.addOption(jsonOption);

    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!parser.parse(QStringList{QStringLiteral("taglane-cli info")} + args)) {
        err << "taglane-cli info: " << parser.errorText() << "\n";
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return 0;
    }
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty()) {
        err << tr("taglane-cli info: no file given\n") << parser.helpText();
        return 2;
    }

    int failures = 0;
    for (const QString &file : files) {
        engine::AudioInfo info;
        QStringList warnings;
        if (parser.isSet(decodeOption)) {
            engine::DecodeOptions options;
            options.analysisRate = 0;
            auto decoded = engine::AudioDecoder::decode(file, options);
            if (!decoded) {
                err << "taglane-cli info: " << decoded.error() << "\n";
                ++failures;
                continue;
            }
            info = decoded->info;
            warnings = decoded->warnings;
        } else {
            auto probed = engine::AudioDecoder::probe(file);
            if (!probed) {
                err << "taglane-cli info: " << probed.error() << "\n";
                ++failures;
                continue;
            }
            info = probed.value();
        }
        for (const QString &w : warnings)
            err << "taglane-cli info: " << tr("warning: ") << w << "\n";
        if (parser.isSet(jsonOption)) {
            QJsonObject o{{QStringLiteral("file"), file},
                          {QStringLiteral("duration"), info.durationSeconds()},
                          {QStringLiteral("sample_rate"), info.sampleRate},
                          {QStringLiteral("channels"), info.channels},
                          {QStringLiteral("frames"), info.frames},
                          {QStringLiteral("container"), info.container},
                          {QStringLiteral("encoding"), info.encoding}};
            out << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
        } else {
            out << file << "\n"
                << "  " << tr("duration:    ") << formatDuration(info.durationSeconds())
                << QStringLiteral(" (%1 s)").arg(info.durationSeconds(), 0, 'f', 3) << "\n"
                << "  " << tr("sample rate: ") << info.sampleRate << " Hz\n"
                << "  " << tr("channels:    ") << info.channels << "\n"
                << "  " << tr("frames:      ") << info.frames << "\n"
                << "  " << tr("format:      ") << info.container << ", " << info.encoding << "\n";
        }
    }
    return failures == 0 ? 0 : 1;
}

} // namespace taglane::app
