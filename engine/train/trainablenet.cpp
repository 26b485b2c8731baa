// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/dsp/melfilterbank.h"
#include "engine/dsp/scattering.h"
#include "engine/train/trainablenet_p.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <utility>

namespace taglane::engine::detail {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TrainableNet", text);
}

void addScatterSpecs(std::vector<TrainableSpec> &l);
void addCnnSamSpecs(std::vector<TrainableSpec> &l);

} // namespace
void addMiaErnnSpecs(std::vector<TrainableSpec> &l);  // ernn/miaernnarch.cpp
namespace {

const std::vector<TrainableSpec> &specs()
{
    static const std::vector<TrainableSpec> list = [] {
        std::vector<TrainableSpec> l;
        // Taglane's default: 16 kHz (the rate of the rest of the tagging
        // pipeline), 128 ms windows, 32 ms hop, 84 semitone bands A1..G#8, 96
        // frames (3.07 s) per example.
        TrainableSpec compact;
        compact.kind = TrainableKind::Compact;
        compact.name = QStringLiteral("taglane-cnn");
        compact.displayName = QStringLiteral("Taglane compact CNN");
        l.push_back(compact);
        // The time-varying study: log-Mel 128 bins, window 2048, hop 1024,
        // long-term frames of 128 frames (here at 22050 Hz: 5.9 s).
        TrainableSpec tv;
        tv.kind = TrainableKind::TvCnn;
        tv.name = QStringLiteral("tvcnn");
        tv.displayName = QStringLiteral("Time-varying CNN");
        tv.sampleRate = 22050;
        tv.nFft = 2048;
        tv.hop = 1024;
        tv.bands = 128;
        tv.logFrequency = false;
        tv.fMin = 0.0;
        tv.fMax = 11025.0;
        tv.frames = 128;
        l.push_back(tv);
        TrainableSpec lstm = tv;
        lstm.kind = TrainableKind::TvCnnLstm;
        lstm.name = QStringLiteral("tvcnn-lstm");
        lstm.displayName = QStringLiteral("Time-varying CNN+LSTM");
        lstm.sequence = 8;
        l.push_back(lstm);
        // ---- taglane-cnn2 (issue 10 A) ----
        // The taglane-cnn front end and body (same 3.07 s window, so the same
        // chunks, examples and evaluation), plus evidence that its 3x3
        // convolutions and global pooling cannot form: an onset-strength
        // envelope and its autocorrelation (tempo), and bass and treble
        // chroma matched against learned key templates at every rotation
        // (mode). Computed from the features inside the network.
        TrainableSpec rhythm = compact;
        rhythm.kind = TrainableKind::CompactRhythm;
        rhythm.name = QStringLiteral("taglane-cnn2");
        rhythm.displayName = QStringLiteral("Taglane compact CNN with tempo and key evidence");
        l.push_back(rhythm);
        // ---- end taglane-cnn2 ----
        // ---- taglane-mtat-cnn (h-distill): the real-music student ----------
        // Distilled from musicnn (MagnaTagATune, 50 tags) on unlabelled music:
        // the compact body on 96 HTK mel bands 0-8 kHz (musicnn's band count
        // and range), window 1024 (64 ms), hop 512 (32 ms), 94 frames = 2.98 s
        // per window (see engine/train/NOTES.md, "Real-music default model").
        TrainableSpec student;
        student.kind = TrainableKind::Compact;
        student.name = QStringLiteral("taglane-mtat-cnn");
        student.displayName = QStringLiteral("Taglane real-music CNN (distilled from musicnn)");
        student.nFft = 1024;
        student.hop = 512;
        student.bands = 96;
        student.logFrequency = false;
        student.fMin = 0.0;
        student.fMax = 8000.0;
        student.frames = 94;
        l.push_back(student);
        // ---- end of taglane-mtat-cnn ----------------------------------------
        // ---- scatter-gru, scatter-lstm, scatter-cnn (issue 13, part 2) ----
        addScatterSpecs(l);
        // ---- cnn-sam, fusion-linear (issue 13, part 1) ----
        addCnnSamSpecs(l);
        // ---- mia-ernn, its ablations, mat-gru (issue 14) ----
        addMiaErnnSpecs(l);
        return l;
    }();
    return list;
}

/// Song et al.: 488 scattering coefficients (75 first order + 413 second
/// order) every 2048 samples at 22.05 kHz, 32 frames (2.88 s) per example.
void addScatterSpecs(std::vector<TrainableSpec> &l)
{
    const std::pair<TrainableKind, const char *> kinds[] = {
        {TrainableKind::ScatterGru, "scatter-gru"}, {TrainableKind::ScatterLstm, "scatter-lstm"},
        {TrainableKind::ScatterCnn, "scatter-cnn"}};
    const char *display[] = {"Scattering + 5-layer GRU", "Scattering + 5-layer LSTM", "Scattering + 1-D CNN"};
    for (int i = 0; i < 3; ++i) {
        TrainableSpec s;
        s.kind = kinds[i].first;
        s.name = QString::fromLatin1(kinds[i].second);
        s.displayName = QString::fromLatin1(display[i]);
        s.sampleRate = 22050;
        s.nFft = 2048;  // the scattering hop; only the too-short check reads it
        s.hop = 2048;
        s.bands = 488;
        s.logFrequency = false;
        s.frames = 32;
        l.push_back(s);
    }
}

/// Miao and Cheng: 64 HTK log-Mel bands 0-8 kHz (window 1024, hop 512 at
/// 16 kHz) with the pre-emphasised waveform of each hop stacked under them
/// (512 rows), 96 frames = 49152 samples (3.07 s) per example, as taglane-cnn.
void addCnnSamSpecs(std::vector<TrainableSpec> &l)
{
    TrainableSpec s;
    s.kind = TrainableKind::CnnSam;
    s.name = QStringLiteral("cnn-sam");
    s.displayName = QStringLiteral("Multimodal CNN (log-Mel + waveform) with self-attention pooling");
    s.sampleRate = 16000;
    s.nFft = 1024;
    s.hop = 512;
    s.waveRows = 512;
    s.bands = 64 + s.waveRows;
    s.logFrequency = false;
    s.fMin = 0.0;
    s.fMax = 8000.0;
    s.frames = 96;
    l.push_back(s);
    TrainableSpec f = s;
    f.kind = TrainableKind::FusionLinear;
    f.name = QStringLiteral("fusion-linear");
    f.displayName = QStringLiteral("Log-Mel CNN and waveform CNN, linear weighted fusion");
    l.push_back(f);
}

/// [bands, bins] filter matrix.
at::Tensor filterMatrix(const TrainableSpec &spec)
{
    const int bins = spec.nFft / 2 + 1;
    const int bandCount = spec.spectrumBands();
    at::Tensor m = at::zeros({bandCount, bins}, at::kFloat);
    float *p = m.data_ptr<float>();
    if (!spec.logFrequency) {
        const MelFilterBank bank(spec.sampleRate, spec.nFft, bandCount, spec.fMin, spec.fMax, MelScale::Htk, false);
        const std::vector<float> dense = bank.denseMatrix();  // [bins x bands]
        for (int k = 0; k < bins; ++k)
            for (int b = 0; b < bandCount; ++b)
                p[b * bins + k] = dense[size_t(k) * size_t(bandCount) + size_t(b)];
        return m;
    }
    // Semitone-spaced triangles, each at least one FFT bin wide on either
    // side, normalised to unit sum (the band's mean power).
    const double df = double(spec.sampleRate) / spec.nFft;
    auto centre = [&](int b) { return spec.fMin * std::pow(2.0, b / 12.0); };
    for (int b = 0; b < spec.bands; ++b) {
        const double c = centre(b);
        const double lo = std::min(centre(b - 1), c - df);
        const double hi = std::max(centre(b + 1), c + df);
        double sum = 0.0;
        for (int k = 0; k < bins; ++k) {
            const double f = k * df;
            double w = 0.0;
            if (f > lo && f <= c)
                w = (f - lo) / (c - lo);
            else if (f > c && f < hi)
                w = (hi - f) / (hi - c);
            p[b * bins + k] = float(w);
            sum += w;
        }
        if (sum > 0)
            for (int k = 0; k < bins; ++k)
                p[b * bins + k] = float(p[b * bins + k] / sum);
    }
    return m;
}

bool isBatchCounter(const std::string &key)
{
    static const std::string suffix = "num_batches_tracked";
    return key.size() >= suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

const TrainableSpec *findTrainableSpec(const QString &name)
{
    for (const TrainableSpec &s : specs())
        if (s.name.compare(name, Qt::CaseInsensitive) == 0)
            return &s;
    return nullptr;
}

QStringList trainableSpecNames()
{
    QStringList names;
    for (const TrainableSpec &s : specs())
        names << s.name;
    return names;
}

TrainableNetImpl::TrainableNetImpl(const TrainableSpec &spec, int64_t tags)
    : m_spec(spec)
    , m_tags(tags)
{
    using namespace torch::nn;
    const bool scatterKind = isScatterKind(spec.kind) || isErbCepstrumKind(spec.kind);
    m_window = register_buffer("window", scatterKind ? at::zeros({1}) : at::hann_window(spec.nFft, true, at::kFloat));
    m_filters = register_buffer("filters", scatterKind ? at::zeros({1}) : filterMatrix(spec));
    m_mean = register_buffer("band_mean", at::zeros({spec.bands}, at::kFloat));
    m_std = register_buffer("band_std", at::ones({spec.bands}, at::kFloat));
    if (spec.kind == TrainableKind::CompactRhythm) {
        // Registered before the convolutions so that the Retrainer's
        // adaptLastBlock (the last modules before the output) still tunes conv4/bn4.
        tempo = register_module("tempo", Linear(kOnsetLags, 32));
        chroma = register_module("chroma", Conv1d(Conv1dOptions(2, 24, 12)));
    }
    if (isCompact()) {
        c1 = register_module("conv1", Conv2d(Conv2dOptions(1, 16, 3).padding(1)));
        b1 = register_module("bn1", BatchNorm2d(16));
        c2 = register_module("conv2", Conv2d(Conv2dOptions(16, 32, 3).padding(1)));
        b2 = register_module("bn2", BatchNorm2d(32));
        // The last two layers are wider (96, 128) than a plain doubling: on the
        // held-out corpus they lifted the timbre tags (brass, synthesizer) at
        // about 1.5 times the compute of 64-64 (see NOTES.md).
        c3 = register_module("conv3", Conv2d(Conv2dOptions(32, 96, 3).padding(1)));
        b3 = register_module("bn3", BatchNorm2d(96));
        c4 = register_module("conv4", Conv2d(Conv2dOptions(96, 128, 3).padding(1)));
        b4 = register_module("bn4", BatchNorm2d(128));
        drop = register_module("dropout", Dropout(0.3));
        const int64_t extra = spec.kind == TrainableKind::CompactRhythm ? kOnsetLags + 32 + 24 : 0;
        out = register_module("output", Linear(256 + extra, tags));
        return;
    }
    if (isCnnSam()) {
        buildCnnSam(tags);
        return;
    }
    if (isMia()) {
        buildMiaErnn(tags);
        return;
    }
    if (scatterKind) {
        const auto body = spec.kind == TrainableKind::ScatterGru    ? ScatterBodyKind::Gru
                          : spec.kind == TrainableKind::ScatterLstm ? ScatterBodyKind::Lstm
                                                                    : ScatterBodyKind::Cnn;
        scatter = register_module("scatter", ScatterBody(body, spec.bands));
        drop = register_module("dropout", Dropout(0.3));
        out = register_module("output", Linear(scatter->dim(), tags));
        return;
    }
    // The study's CNN: conv 1->20->40, max-pool, conv ->80->80, max-pool,
    // dense 1000-800-600, sigmoid. Pooling is 4x4 (see trainer notes): with
    // 2x2 the first dense layer alone would hold 82 million weights.
    c1 = register_module("conv1", Conv2d(Conv2dOptions(1, 20, 3).padding(1)));
    c2 = register_module("conv2", Conv2d(Conv2dOptions(20, 40, 3).padding(1)));
    c3 = register_module("conv3", Conv2d(Conv2dOptions(40, 80, 3).padding(1)));
    c4 = register_module("conv4", Conv2d(Conv2dOptions(80, 80, 3).padding(1)));
    const int64_t flat = 80 * (spec.bands / 16) * (spec.frames / 16);
    d1 = register_module("dense1", Linear(flat, 1000));
    drop = register_module("dropout", Dropout(0.3));
    int64_t d2In = 1000;
    if (spec.kind == TrainableKind::TvCnnLstm) {
        lstm = register_module("lstm", LSTM(LSTMOptions(1000, 500).batch_first(true)));
        d2In = 1500;
    }
    d2 = register_module("dense2", Linear(d2In, 800));
    d3 = register_module("dense3", Linear(800, 600));
    out = register_module("output", Linear(600, tags));
}

void TrainableNetImpl::setStandardisation(const at::Tensor &mean, const at::Tensor &std)
{
    torch::NoGradGuard guard;
    m_mean.copy_(mean);
    m_std.copy_(std.clamp_min(1e-3));
    if (m_spec.waveRows > 0) {
        const int64_t first = m_spec.spectrumBands();
        const at::Tensor waveStd = std.narrow(0, first, m_spec.waveRows);
        const double scale = std::max(1e-4, std::sqrt(waveStd.pow(2).mean().item<double>()));
        m_mean.narrow(0, first, m_spec.waveRows).zero_();
        m_std.narrow(0, first, m_spec.waveRows).fill_(scale);
    }
}

std::string TrainableNetImpl::outputWeightKey() const
{
    return "output.weight";
}

std::string TrainableNetImpl::outputBiasKey() const
{
    return "output.bias";
}

at::Tensor TrainableNetImpl::features(const at::Tensor &waveforms) const
{
    if (isScatter())
        return scatteringFeatures(waveforms);
    if (isCnnSam())
        return cnnSamFeatures(waveforms);
    if (isMia())
        return miaFeatures(m_spec, waveforms);
    const at::Tensor spectrum = at::stft(waveforms, m_spec.nFft, m_spec.hop, m_spec.nFft, m_window,
                                         /*center=*/true, "reflect", /*normalized=*/false, /*onesided=*/true,
                                         /*return_complex=*/true);
    const at::Tensor power = at::view_as_real(spectrum).pow(2).sum(-1);  // [B, bins, T]
    const at::Tensor bands = at::matmul(m_filters, power);             // [B, bands, T]
    return 10.0 * at::log10(bands.clamp_min(1e-10));
}

at::Tensor TrainableNetImpl::cnnEmbedding(const at::Tensor &x)
{
    namespace F = torch::nn::functional;
    if (isCompact()) {
        at::Tensor h = at::max_pool2d(at::relu(b1(c1(x))), {2, 2});
        h = at::max_pool2d(at::relu(b2(c2(h))), {2, 2});
        h = at::max_pool2d(at::relu(b3(c3(h))), {2, 2});
        h = at::relu(b4(c4(h)));
        const at::Tensor flat = h.flatten(2);  // [N, 128, F'T']
        return at::cat({std::get<0>(flat.max(2)), flat.mean(2)}, 1);
    }
    at::Tensor h = at::relu(c2(at::relu(c1(x))));
    h = at::max_pool2d(h, {4, 4});
    h = at::relu(c4(at::relu(c3(h))));
    h = at::max_pool2d(h, {4, 4});
    return h.flatten(1);
}

at::Tensor TrainableNetImpl::rhythmPitchEmbedding(const at::Tensor &x)
{
    const at::Tensor z = x.squeeze(1);  // [N, F, T], standardised
    const int64_t n = z.size(0);
    const int64_t bands = z.size(1);
    const int64_t frames = z.size(2);
    // Tempo: onset strength = mean over bands of the rectified rise of the
    // standardised log bands (spectral flux), centred; its autocorrelation at
    // lags 1..kOnsetLags frames (32 ms each: lag 13.4 is 140 bpm, 40 is 47
    // bpm), normalised by the lag-0 value. Silence gives zeros.
    std::vector<at::Tensor> lags;
    lags.reserve(kOnsetLags);
    if (frames >= 2) {
        at::Tensor onset = at::relu(z.narrow(2, 1, frames - 1) - z.narrow(2, 0, frames - 1)).mean(1);  // [N, T-1]
        onset = onset - onset.mean(1, true);
        const int64_t len = frames - 1;
        const at::Tensor power = onset.pow(2).mean(1, true) + 1e-6;
        for (int lag = 1; lag <= kOnsetLags; ++lag) {
            if (lag < len)
                lags.push_back((onset.narrow(1, 0, len - lag) * onset.narrow(1, lag, len - lag)).mean(1, true) / power);
            else
                lags.push_back(at::zeros({n, 1}, z.options()));
        }
    } else {
        lags.assign(kOnsetLags, at::zeros({n, 1}, z.options()));
    }
    const at::Tensor acf = at::cat(lags, 1);  // [N, kOnsetLags]
    const at::Tensor tempoCode = at::relu(tempo(acf));

    // Mode: window-mean band power folded to 12 pitch classes (bands start
    // at A, 12 per octave), bass (first two octaves) and treble apart, in
    // log10 and centred per chroma; two-channel key templates (learned,
    // 12 wide) correlated circularly at every rotation, best rotation kept:
    // evidence for a major or minor key whatever the tonic.
    const int64_t bassBands = std::min<int64_t>(24, bands - bands % 12);
    const int64_t trebleBands = (bands - bassBands) - (bands - bassBands) % 12;
    const at::Tensor db = z * m_std.view({1, -1, 1}) + m_mean.view({1, -1, 1});
    const at::Tensor power = at::exp(db.clamp_max(200.0) * (std::log(10.0) / 10.0)).mean(2);  // [N, F]
    auto fold = [&](int64_t first, int64_t count) {
        if (count < 12)
            return at::full({n, 12}, 1e-10, z.options());
        return power.narrow(1, first, count).reshape({n, count / 12, 12}).sum(1);
    };
    at::Tensor pc = at::stack({fold(0, bassBands), fold(bassBands, trebleBands)}, 1);  // [N, 2, 12]
    pc = at::log10(pc + 1e-10);
    pc = pc - pc.mean(2, true);
    const at::Tensor wrapped = at::cat({pc, pc.narrow(2, 0, 11)}, 2);  // circular: [N, 2, 23]
    const at::Tensor keys = std::get<0>(chroma(wrapped).max(2));         // [N, 24]
    return at::cat({acf, tempoCode, keys}, 1);
}

at::Tensor TrainableNetImpl::embedding(const at::Tensor &features)
{
    const int64_t batch = features.size(0);
    const int64_t seq = features.size(1);
    at::Tensor x = (features - m_mean.view({1, 1, -1, 1})) / m_std.view({1, 1, -1, 1});
    if (isScatter())
        return scatter(x.reshape({batch * seq, features.size(2), features.size(3)})).view({batch, seq, -1});
    if (isMia())
        return miaEmbedding(x.reshape({batch * seq, features.size(2), features.size(3)})).view({batch, seq, -1});
    if (isCnnSam()) {
        const auto [mel, wave] = splitMelWave(x.reshape({batch * seq, features.size(2), features.size(3)}));
        if (m_spec.kind == TrainableKind::CnnSam)
            return sam->forward(mel, wave).pooled.view({batch, seq, -1});
        return at::cat({samMel->forward(mel, wave).pooled, samWave->forward(mel, wave).pooled}, 1).view({batch, seq, -1});
    }
    x = x.reshape({batch * seq, 1, features.size(2), features.size(3)});
    at::Tensor e = cnnEmbedding(x);
    if (m_spec.kind == TrainableKind::CompactRhythm)
        e = at::cat({e, rhythmPitchEmbedding(x)}, 1);
    if (isCompact())
        return e.view({batch, seq, -1});
    at::Tensor h = drop(at::relu(d1(e)));  // [B*S, 1000]
    if (m_spec.kind == TrainableKind::TvCnnLstm) {
        const at::Tensor seqIn = h.view({batch, seq, 1000});
        const at::Tensor seqOut = std::get<0>(lstm(seqIn));  // [B, S, 500]
        h = at::cat({seqIn, seqOut}, 2).view({batch * seq, 1500});
    }
    h = drop(at::relu(d2(h)));
    h = drop(at::relu(d3(h)));
    return h.view({batch, seq, -1});
}

at::Tensor TrainableNetImpl::logits(const at::Tensor &features)
{
    const at::Tensor e = embedding(features);
    // The compact body has its dropout between the pooled embedding and the output.
    const at::Tensor h = isCompact() || isScatter() || isCnnSam() ? drop(e) : e;
    return out(h);
}

at::Tensor TrainableNetImpl::forward(const at::Tensor &waveforms)
{
    at::Tensor f = features(waveforms);  // [B, bands, T]
    // Exactly `frames` frames: pad or crop in time.
    if (f.size(2) < m_spec.frames)
        f = padFrames(m_spec, f, m_spec.frames);
    else if (f.size(2) > m_spec.frames && !isCompact())
        f = f.narrow(2, 0, m_spec.frames);
    return at::sigmoid(logits(f.unsqueeze(1))).squeeze(1);
}

at::Tensor padFrames(const TrainableSpec &spec, const at::Tensor &features, int64_t frames)
{
    const int64_t missing = frames - features.size(-1);
    if (missing <= 0)
        return features;
    const double floor = isScatterKind(spec.kind) ? std::log(Scattering::logFloor) : isErbCepstrumKind(spec.kind) ? 0.0 : -100.0;
    if (spec.waveRows == 0)
        return at::constant_pad_nd(features, {0, missing}, floor);
    const int64_t rows = features.size(-2);
    const int64_t spectrum = rows - spec.waveRows;
    return at::cat({at::constant_pad_nd(features.narrow(-2, 0, spectrum), {0, missing}, floor),
                    at::constant_pad_nd(features.narrow(-2, spectrum, spec.waveRows), {0, missing}, 0.0)},
                   -2);
}

TrainableNet createTrainableNet(const TrainableSpec &spec, int64_t tags)
{
    return TrainableNet(spec, tags);
}

TorchStateDict trainableStateDict(TrainableNet &net)
{
    TorchStateDict dict;
    for (const auto &item : net->named_parameters(true))
        dict[item.key()] = item.value().detach().to(at::kCPU, at::kFloat).contiguous().clone();
    for (const auto &item : net->named_buffers(true))
        dict[item.key()] = item.value().detach().to(at::kCPU, at::kFloat).contiguous().clone();
    return dict;
}

Status loadTrainableWeights(TrainableNet &net, const TorchStateDict &weights, const QString &sourceName,
                            const std::vector<int> *rowMap)
{
    torch::NoGradGuard guard;
    const std::string outW = net->outputWeightKey();
    const std::string outB = net->outputBiasKey();
    auto assign = [&](const std::string &key, at::Tensor &target) -> Status {
        const auto it = weights.find(key);
        if (it == weights.end()) {
            if (isBatchCounter(key))
                return {};
            return Status::failure(tr("%1 lacks the weight \"%2\".").arg(sourceName, QString::fromStdString(key)));
        }
        const at::Tensor &src = it->second;
        // fusion-linear's branch heads and weights have one row per tag too.
        if (rowMap && key == "lda_beta") {  // columns are tags; new tags keep the uniform start
            for (size_t i = 0; i < rowMap->size(); ++i) {
                const int r = (*rowMap)[i];
                if (r >= 0 && r < src.size(1) && src.size(0) == target.size(0))
                    target.select(1, int64_t(i)).copy_(src.select(1, r));
            }
            return {};
        }
        const bool tagRows = key == outW || key == "crf_transitions" || key == outB || key == "fusion_weight" || key.rfind("melHead.", 0) == 0
                             || key.rfind("waveHead.", 0) == 0;
        if (rowMap && tagRows) {
            for (size_t i = 0; i < rowMap->size(); ++i) {
                const int r = (*rowMap)[i];
                if (r >= 0 && r < src.size(0))
                    target[int64_t(i)].copy_(src[r]);
            }
            return {};
        }
        if (src.sizes() != target.sizes()) {
            return Status::failure(tr("%1: the weight \"%2\" has another shape than this architecture needs.")
                                       .arg(sourceName, QString::fromStdString(key)));
        }
        target.copy_(src.to(target.dtype()));
        return {};
    };
    for (auto &item : net->named_parameters(true)) {
        const Status s = assign(item.key(), item.value());
        if (!s)
            return s;
    }
    for (auto &item : net->named_buffers(true)) {
        const Status s = assign(item.key(), item.value());
        if (!s)
            return s;
    }
    return {};
}

at::Tensor maskedWeightedBce(const at::Tensor &logits, const at::Tensor &targets, const at::Tensor &mask, double alpha)
{
    // log p = -softplus(-z), log(1 - p) = -softplus(z): stable for any z.
    const at::Tensor logP = -at::softplus(-logits);
    const at::Tensor logQ = -at::softplus(logits);
    const at::Tensor cell = -(alpha * targets * logP + (1.0 - targets) * logQ) * mask;
    const at::Tensor known = mask.sum();
    return at::where(known > 0, cell.sum() / known.clamp_min(1.0), at::zeros_like(known));
}

// ---- Tagger registration -----------------------------------------------------

namespace {

class TrainedTagNetwork : public TagNetwork
{
public:
    explicit TrainedTagNetwork(TrainableNet net)
        : m_net(std::move(net))
    {
        m_net->eval();
    }
    at::Tensor forward(const at::Tensor &waveforms) const override { return m_net->forward(waveforms); }
    void moveTo(const at::Device &device) override { m_net->to(device); }

private:
    mutable TrainableNet m_net;
};

ShapeList shapesFor(const QString &name, int64_t tags)
{
    TrainableNet net = createTrainableNet(*findTrainableSpec(name), tags);
    ShapeList shapes;
    for (const auto &[key, tensor] : trainableStateDict(net)) {
        if (!isBatchCounter(key))
            shapes.emplace_back(key, tensor.sizes().vec());
    }
    return shapes;
}

std::unique_ptr<TagNetwork> createFor(const QString &name, const TorchStateDict &weights)
{
    const int64_t tags = weights.at("output.weight").size(0);
    TrainableNet net = createTrainableNet(*findTrainableSpec(name), tags);
    const Status s = loadTrainableWeights(net, weights, name);
    if (!s)
        throw std::runtime_error(s.error().toStdString());
    return std::make_unique<TrainedTagNetwork>(net);
}


template <int I>
ShapeList shapesAt(int64_t tags)
{
    return shapesFor(specs()[I].name, tags);
}

template <int I>
std::unique_ptr<TagNetwork> createAt(const TorchStateDict &weights)
{
    return createFor(specs()[I].name, weights);
}

constexpr size_t kMaxSpecs = 16;

template <size_t... I>
void addInfos(std::vector<ArchitectureInfo> &l, std::index_sequence<I...>)
{
    const auto &s = specs();
    Q_ASSERT(s.size() <= kMaxSpecs);
    auto add = [&](size_t i, ShapeList (*shapes)(int64_t), std::unique_ptr<TagNetwork> (*create)(const TorchStateDict &)) {
        if (i < s.size())
            l.push_back({s[i].name, s[i].displayName, s[i].chunkSamples(), "output.weight", shapes, create});
    };
    (add(I, &shapesAt<int(I)>, &createAt<int(I)>), ...);
}

} // namespace

const ArchitectureInfo *findTrainedArchitecture(const QString &name)
{
    static const std::vector<ArchitectureInfo> list = [] {
        std::vector<ArchitectureInfo> l;
        // One entry per spec (up to kMaxSpecs), so that a new spec needs no edit here.
        addInfos(l, std::make_index_sequence<kMaxSpecs>{});
        return l;
    }();
    for (const ArchitectureInfo &info : list)
        if (info.name.compare(name, Qt::CaseInsensitive) == 0)
            return &info;
    return nullptr;
}

} // namespace taglane::engine::detail
