// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/timeline/spectrogramrange.h"

#include <QCoreApplication>
#include <QSettings>

#include <algorithm>
#include <cmath>

namespace taglane::widgets {

namespace {
const QString group = QStringLiteral("spectrogram");
}

QString SpectrogramRange::validate() const
{
    auto tr = [](const char *text) { return QCoreApplication::translate("SpectrogramRange", text); };
    if (!std::isfinite(minHz) || !std::isfinite(maxHz) || minHz < 0.0 || minHz >= maxHz)
        return tr("The frequency range must go from a lower to a higher frequency (at least 0 Hz).");
    if (!std::isfinite(lowDb) || !std::isfinite(highDb) || lowDb >= highDb)
        return tr("The colour range must go from a lower to a higher level in dB.");
    return {};
}

double SpectrogramRange::highHzAt(int sampleRate) const
{
    return std::min(maxHz, sampleRate / 2.0);
}

double SpectrogramRange::lowHzAt(engine::FeatureType type, int sampleRate) const
{
    const double floor = type == engine::FeatureType::Erb ? erbFloorHz : 0.0;
    // Keep at least a few FFT bins between the edges at any rate.
    const double ceiling = highHzAt(sampleRate) - 0.02 * sampleRate;
    return std::clamp(std::max(minHz, floor), 0.0, std::max(0.0, ceiling));
}

SpectrogramRange SpectrogramRange::load()
{
    QSettings settings;
    settings.beginGroup(group);
    SpectrogramRange r;
    r.minHz = settings.value(QStringLiteral("minHz"), r.minHz).toDouble();
    r.maxHz = settings.value(QStringLiteral("maxHz"), r.maxHz).toDouble();
    r.lowDb = settings.value(QStringLiteral("lowDb"), r.lowDb).toDouble();
    r.highDb = settings.value(QStringLiteral("highDb"), r.highDb).toDouble();
    return r.validate().isEmpty() ? r : SpectrogramRange();
}

void SpectrogramRange::save() const
{
    QSettings settings;
    settings.beginGroup(group);
    settings.setValue(QStringLiteral("minHz"), minHz);
    settings.setValue(QStringLiteral("maxHz"), maxHz);
    settings.setValue(QStringLiteral("lowDb"), lowDb);
    settings.setValue(QStringLiteral("highDb"), highDb);
}

} // namespace taglane::widgets
