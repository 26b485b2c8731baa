// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/dsp/featuresettings.h"

#include <QCoreApplication>

#include <cmath>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("taglane::engine::FeatureSettings", text);
}

constexpr int maxFft = 1 << 20;
constexpr int maxBands = 4096;

} // namespace

QString FeatureSettings::validate() const
{
    if (sampleRate <= 0)
        return tr("Feature settings: the sample rate must be positive (got %1 Hz).").arg(sampleRate);
    if (nFft < 16 || nFft > maxFft)
        return tr("Feature settings: the FFT size must be between 16 and %1 samples (got %2).").arg(maxFft).arg(nFft);
    if (hop <= 0)
        return tr("Feature settings: the hop must be at least 1 sample (got %1).").arg(hop);
    if (bands <= 0 || bands > maxBands)
        return tr("Feature settings: the number of bands must be between 1 and %1 (got %2).").arg(maxBands).arg(bands);
    if (!std::isfinite(fMin) || !std::isfinite(fMax))
        return tr("Feature settings: the frequency range must be finite numbers.");
    if (fMin < 0.0)
        return tr("Feature settings: the lowest frequency must not be negative (got %1 Hz).").arg(fMin);
    if (fMin >= fMax)
        return tr("Feature settings: the lowest frequency (%1 Hz) must be below the highest (%2 Hz).")
            .arg(fMin).arg(fMax);
    if (fMax > sampleRate / 2.0)
        return tr("Feature settings: the highest frequency (%1 Hz) is above the Nyquist frequency "
                  "(%2 Hz at %3 Hz sampling).").arg(fMax).arg(sampleRate / 2.0).arg(sampleRate);
    if (type == FeatureType::ErbCepstrum) {
        if (cepstra <= 0 || cepstra > bands)
            return tr("Feature settings: the number of cepstral coefficients must be between 1 and the "
                      "number of bands (%1), got %2.").arg(bands).arg(cepstra);
        if (deltaWidth < 0 || deltaWidth > 100)
            return tr("Feature settings: the delta width must be between 0 (no deltas) and 100 frames (got %1).")
                .arg(deltaWidth);
    }
    return {};
}

QString FeatureSettings::typeName(FeatureType type)
{
    switch (type) {
    case FeatureType::Mel:
        return QStringLiteral("mel");
    case FeatureType::Erb:
        return QStringLiteral("erb");
    case FeatureType::ErbCepstrum:
        return QStringLiteral("erb-cepstrum");
    }
    return QStringLiteral("mel");
}

Result<FeatureType> FeatureSettings::parseType(const QString &name)
{
    const QString key = name.trimmed().toLower();
    for (FeatureType type : {FeatureType::Mel, FeatureType::Erb, FeatureType::ErbCepstrum}) {
        if (key == typeName(type))
            return type;
    }
    if (key == QLatin1String("erb_cepstrum") || key == QLatin1String("erbcepstrum"))
        return FeatureType::ErbCepstrum;
    return Result<FeatureType>::failure(
        tr("Unknown feature type \"%1\"; expected mel, erb or erb-cepstrum.").arg(name));
}

QString FeatureSettings::scaleName(MelScale scale)
{
    return scale == MelScale::Slaney ? QStringLiteral("slaney") : QStringLiteral("htk");
}

Result<MelScale> FeatureSettings::parseScale(const QString &name)
{
    const QString key = name.trimmed().toLower();
    if (key == QLatin1String("htk"))
        return MelScale::Htk;
    if (key == QLatin1String("slaney"))
        return MelScale::Slaney;
    return Result<MelScale>::failure(tr("Unknown mel scale \"%1\"; expected htk or slaney.").arg(name));
}

int FeatureSettings::rows() const
{
    if (type == FeatureType::ErbCepstrum)
        return deltaWidth > 0 ? 2 * cepstra : cepstra;
    return bands;
}

} // namespace taglane::engine
