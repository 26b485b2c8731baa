// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer harness for manifest.json: the JSON parse, ModelManifest::fromJson
// and checkFrontEnd against the front ends Taglane runs (the imported mel
// models, variable and fixed length, and front ends like the trainable
// architectures'). An accepted manifest must round-trip through toJson and
// every failure must name the file. No LibTorch needed.
// With TAGLANE_FUZZ_SEEDS=<dir> the first run writes valid manifests there.
#include "engine/model/frontendspec.h"
#include "engine/model/modelbundle.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace taglane::engine;

namespace {

const QString kSource = QStringLiteral("fuzz/manifest.json");

std::vector<FrontEndSpec> frontEnds()
{
    std::vector<FrontEndSpec> specs{FrontEndSpec::importedMel(QStringLiteral("musicnn"), 0),
                                    FrontEndSpec::importedMel(QStringLiteral("fcn"), 464000)};
    // Front ends of the kind the trainable architectures have (the harness
    // does not link engine/train, so these are written out here).
    FrontEndSpec logFrequency;
    logFrequency.architecture = QStringLiteral("taglane-cnn");
    logFrequency.type = QStringLiteral("log-frequency");
    logFrequency.scale = QStringLiteral("semitone");
    logFrequency.nFft = 2048;
    logFrequency.hop = 512;
    logFrequency.bands = 84;
    logFrequency.fMin = 55.0;
    logFrequency.fMax = 7040.0;
    logFrequency.frames = 96;
    logFrequency.sequence = 1;
    logFrequency.chunkSamples = 95 * 512;
    specs.push_back(logFrequency);
    FrontEndSpec mel = logFrequency;
    mel.architecture = QStringLiteral("tvcnn-lstm");
    mel.type = QStringLiteral("mel");
    mel.scale = QStringLiteral("htk");
    mel.sampleRate = 22050;
    mel.hop = 1024;
    mel.bands = 128;
    mel.fMin = 0.0;
    mel.fMax = 11025.0;
    mel.frames = 128;
    mel.sequence = 8;
    mel.chunkSamples = 127 * 1024;
    specs.push_back(mel);
    return specs;
}

QJsonObject sampleManifest(const QString &architecture, int rate, qint64 chunk, const QJsonObject &features)
{
    return QJsonObject{{QStringLiteral("format"), QStringLiteral("taglane-model")},
                       {QStringLiteral("formatVersion"), 1},
                       {QStringLiteral("name"), QStringLiteral("seed")},
                       {QStringLiteral("architecture"), architecture},
                       {QStringLiteral("tags"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("guitar")}},
                                                           QJsonObject{{QStringLiteral("name"), QStringLiteral("Emotion-Calming_/_Soothing")},
                                                                       {QStringLiteral("category"), QStringLiteral("Emotion")}}}},
                       {QStringLiteral("sampleRate"), rate},
                       {QStringLiteral("chunkSamples"), double(chunk)},
                       {QStringLiteral("features"), features},
                       {QStringLiteral("version"), QStringLiteral("v1")},
                       {QStringLiteral("created"), QStringLiteral("2026-11-21T22:05:54.886Z")}};
}

void writeSeeds(const QString &dir)
{
    QDir().mkpath(dir);
    const QJsonObject imported{{QStringLiteral("kind"), QStringLiteral("mel")}, {QStringLiteral("n_fft"), 512},
                               {QStringLiteral("win_length"), 512}, {QStringLiteral("hop_length"), 256},
                               {QStringLiteral("window"), QStringLiteral("hann")}, {QStringLiteral("center"), true},
                               {QStringLiteral("pad_mode"), QStringLiteral("reflect")}, {QStringLiteral("power"), 2.0},
                               {QStringLiteral("n_mels"), 96}, {QStringLiteral("f_min"), 0.0},
                               {QStringLiteral("f_max"), 8000.0}, {QStringLiteral("mel_scale"), QStringLiteral("htk")}};
    const QJsonObject trained{{QStringLiteral("type"), QStringLiteral("log-frequency")}, {QStringLiteral("scale"), QStringLiteral("semitone")},
                              {QStringLiteral("n_fft"), 2048}, {QStringLiteral("win_length"), 2048}, {QStringLiteral("hop"), 512},
                              {QStringLiteral("bands"), 84}, {QStringLiteral("f_min"), 55}, {QStringLiteral("f_max"), 7040},
                              {QStringLiteral("frames"), 96}, {QStringLiteral("sequence"), 1},
                              {QStringLiteral("window"), QStringLiteral("hann (periodic), centred, reflect padding")}};
    const std::vector<QJsonObject> seeds{sampleManifest(QStringLiteral("musicnn"), 16000, 48000, imported),
                                         sampleManifest(QStringLiteral("fcn"), 16000, 464000, imported),
                                         sampleManifest(QStringLiteral("taglane-cnn"), 16000, 48640, trained)};
    int n = 0;
    for (const QJsonObject &s : seeds) {
        QFile f(QDir(dir).filePath(QStringLiteral("seed-%1.json").arg(++n)));
        if (f.open(QIODevice::WriteOnly))
            f.write(QJsonDocument(s).toJson());
    }
}

[[noreturn]] void broken(const char *what, const QString &detail)
{
    fprintf(stderr, "manifest contract broken: %s: %s\n", what, qPrintable(detail));
    abort();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    const QString seeds = qEnvironmentVariable("TAGLANE_FUZZ_SEEDS");
    if (!seeds.isEmpty())
        writeSeeds(seeds);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const std::vector<FrontEndSpec> specs = frontEnds();
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QJsonDocument doc = QJsonDocument::fromJson(bytes);
    if (!doc.isObject())
        return 0;
    const auto manifest = ModelManifest::fromJson(doc.object(), kSource);
    if (!manifest) {
        if (!manifest.error().contains(kSource))
            broken("the message does not name the file", manifest.error());
        return 0;
    }
    // What was accepted writes back and reads again the same.
    const auto again = ModelManifest::fromJson(manifest->toJson(), kSource);
    if (!again)
        broken("an accepted manifest does not read back", again.error());
    if (again->chunkSamples != manifest->chunkSamples || again->sampleRate != manifest->sampleRate
        || again->features != manifest->features || again->tags.size() != manifest->tags.size())
        broken("the round trip changed the manifest", QString::fromUtf8(bytes.left(200)));
    for (const FrontEndSpec &spec : specs) {
        const Status fits = checkFrontEnd(manifest.value(), spec, QStringLiteral("fuzz.tlmodel"));
        if (!fits && !fits.error().contains(QStringLiteral("fuzz.tlmodel")))
            broken("the message does not name the bundle", fits.error());
        if (fits && (manifest->chunkSamples <= 0 || manifest->chunkSamples > qint64(FrontEndSpec::maxChunkSeconds) * spec.sampleRate
                     || manifest->sampleRate != spec.sampleRate))
            broken("an out-of-range chunk or rate was accepted", QString::number(manifest->chunkSamples));
    }
    return 0;
}
