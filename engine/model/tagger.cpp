// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>

#include "engine/model/network_p.h"
#include "engine/model/statedict_p.h"
#include "engine/model/tagger.h"
#include "engine/train/trainablenet_p.h"
#include "engine/model/frontendspec.h"

#include <QCoreApplication>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>

namespace taglane::engine {

namespace {

std::atomic_int g_threads{0};

QString tr(const char *text)
{
    return QCoreApplication::translate("Tagger", text);
}

QString firstLine(const char *what)
{
    const QString text = QString::fromUtf8(what);
    const int newline = text.indexOf(QLatin1Char('\n'));
    return (newline < 0 ? text : text.left(newline)).trimmed();
}

/// The front end an architecture computes: a trainable architecture's own
/// (engine/train), else the published models' mel front end.
FrontEndSpec frontEndOf(const detail::ArchitectureInfo &info)
{
    if (const detail::TrainableSpec *t = detail::findTrainableSpec(info.name)) {
        FrontEndSpec s;
        s.architecture = t->name;
        s.type = t->logFrequency ? QStringLiteral("log-frequency") : QStringLiteral("mel");
        s.scale = t->logFrequency ? QStringLiteral("semitone") : QStringLiteral("htk");
        if (detail::isCnnSamKind(t->kind))
            s.type = QLatin1String(detail::kMelWaveformType);
        if (detail::isErbCepstrumKind(t->kind)) {
            s.type = QStringLiteral("erb-cepstrum");
            s.scale = QStringLiteral("erb gammatone");
        }
        if (detail::isScatterKind(t->kind)) {
            s.type = QStringLiteral("scattering");
            s.scale = QLatin1String(detail::kScatteringScale);
        }
        s.sampleRate = t->sampleRate;
        s.nFft = t->nFft;
        s.hop = t->hop;
        s.bands = t->bands;
        s.fMin = t->fMin;
        s.fMax = t->fMax;
        s.frames = t->frames;
        s.sequence = t->sequence;
        s.chunkSamples = t->chunkSamples();
        return s;
    }
    // FCN flattens its last feature map, so its input length is fixed.
    return FrontEndSpec::importedMel(info.name, info.name == QLatin1String("fcn") ? info.chunkSamples : 0);
}

} // namespace

void configureTorchThreads(int threads)
{
    const int n = threads > 0 ? threads : std::max(1, QThread::idealThreadCount());
    g_threads.store(n);
    at::set_num_threads(n);
}

bool cudaAvailable()
{
    try {
        return torch::cuda::is_available();
    } catch (const std::exception &) {
        return false;
    }
}

struct Tagger::Private
{
    ModelManifest manifest;
    std::unique_ptr<detail::TagNetwork> network;
    at::Device device{at::kCPU};
};

Tagger::Tagger()
    : d(std::make_unique<Private>())
{
}

Tagger::~Tagger() = default;

Status Tagger::checkManifest(const ModelBundle &bundle)
{
    const ModelManifest &manifest = bundle.manifest();
    const detail::ArchitectureInfo *info = detail::findArchitecture(manifest.architecture);
    if (!info) {
        return Status::failure(tr("The model bundle %1 uses the architecture \"%2\", which this Taglane cannot run.")
                                   .arg(bundle.folder(), manifest.architecture));
    }
    // The manifest must describe what the network computes: a features block
    // or chunk length that does not fit would silently give wrong tags.
    return checkFrontEnd(manifest, frontEndOf(*info), bundle.folder());
}

Result<std::shared_ptr<Tagger>> Tagger::load(const ModelBundle &bundle, DevicePreference device)
{
    using R = Result<std::shared_ptr<Tagger>>;
    const ModelManifest &manifest = bundle.manifest();
    const Status fits = checkManifest(bundle);
    if (!fits)
        return R::failure(fits.error());

    auto weights = detail::loadTorchStateDict(bundle.weightsPath());
    if (!weights)
        return R::failure(weights.error());
    auto network = detail::createNetwork(manifest.architecture, weights.value(), manifest.tags.size(), bundle.weightsPath());
    if (!network)
        return R::failure(network.error());

    std::shared_ptr<Tagger> tagger(new Tagger());
    tagger->d->manifest = manifest;
    tagger->d->network = std::move(network.value());
    if (device == DevicePreference::Cuda && !cudaAvailable())
        return R::failure(tr("CUDA was asked for, but LibTorch sees no CUDA device."));
    const bool useCuda = device == DevicePreference::Cuda || (device == DevicePreference::Auto && cudaAvailable());
    try {
        if (useCuda) {
            // TF32 convolutions and matmuls would cost the 1e-4 parity with
            // the published models; keep full float32.
            at::globalContext().setAllowTF32CuDNN(false);
            at::globalContext().setAllowTF32CuBLAS(false);
        }
        tagger->d->device = useCuda ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);
        tagger->d->network->moveTo(tagger->d->device);
    } catch (const std::exception &e) {
        return R::failure(tr("The model %1 could not be moved to %2: %3")
                              .arg(bundle.folder(), useCuda ? QStringLiteral("CUDA") : QStringLiteral("the CPU"),
                                   firstLine(e.what())));
    }
    return tagger;
}

const ModelManifest &Tagger::manifest() const
{
    return d->manifest;
}

QString Tagger::deviceDescription() const
{
    if (d->device.is_cuda())
        return tr("CUDA (device %1)").arg(d->device.index());
    const int threads = g_threads.load() > 0 ? g_threads.load() : at::get_num_threads();
    return threads == 1 ? tr("CPU (1 thread)") : tr("CPU (%1 threads)").arg(threads);
}

bool Tagger::onCuda() const
{
    return d->device.is_cuda();
}

qint64 Tagger::chunkSamples() const
{
    return d->manifest.chunkSamples;
}

int Tagger::sampleRate() const
{
    return d->manifest.sampleRate;
}

Result<std::vector<std::vector<float>>> Tagger::predict(const AudioBuffer &audio, const std::vector<qint64> &starts,
                                                        int batchSize, const BatchCallback &onBatch)
{
    using Rows = std::vector<std::vector<float>>;
    using R = Result<Rows>;
    if (audio.sampleRate() != d->manifest.sampleRate) {
        return R::failure(tr("The audio is at %1 Hz but the model expects %2 Hz.")
                              .arg(audio.sampleRate())
                              .arg(d->manifest.sampleRate));
    }
    if (batchSize < 1)
        batchSize = 1;
    // OpenMP thread counts are per thread: adopt the configured count here,
    // on the worker thread that runs the model.
    if (g_threads.load() > 0 && at::get_num_threads() != g_threads.load())
        at::set_num_threads(g_threads.load());

    const qint64 chunk = d->manifest.chunkSamples;
    const qint64 total = audio.size();
    const float *samples = audio.data();
    const int tags = d->manifest.tags.size();
    Rows rows;
    rows.reserve(starts.size());
    try {
        c10::InferenceMode inferenceMode;
        for (size_t first = 0; first < starts.size(); first += size_t(batchSize)) {
            const size_t count = std::min(starts.size() - first, size_t(batchSize));
            at::Tensor input = at::zeros({int64_t(count), chunk}, at::kFloat);
            float *dst = input.data_ptr<float>();
            for (size_t i = 0; i < count; ++i) {
                const qint64 start = starts[first + i];
                // Copy the part of [start, start + chunk) that lies inside the audio; the rest stays zero.
                const qint64 from = std::max<qint64>(start, 0);
                const qint64 to = std::min<qint64>(start + chunk, total);
                if (to > from)
                    std::memcpy(dst + i * chunk + (from - start), samples + from, size_t(to - from) * sizeof(float));
            }
            at::Tensor out = d->network->forward(input.to(d->device)).to(at::kCPU).contiguous();
            const float *p = out.data_ptr<float>();
            Rows batch(count, std::vector<float>(size_t(tags)));
            for (size_t i = 0; i < count; ++i)
                std::copy(p + i * tags, p + (i + 1) * tags, batch[i].begin());
            const bool goOn = !onBatch || onBatch(int(first), batch);
            for (auto &row : batch)
                rows.push_back(std::move(row));
            if (!goOn)
                break;
        }
    } catch (const std::exception &e) {
        return R::failure(tr("The model %1 failed while tagging: %2").arg(d->manifest.name, firstLine(e.what())));
    }
    return rows;
}

} // namespace taglane::engine
