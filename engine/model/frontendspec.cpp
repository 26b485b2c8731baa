// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/frontendspec.h"

#include <QCoreApplication>
#include <QJsonValue>
#include <QStringList>

#include <cmath>
#include <initializer_list>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("FrontEndSpec", text);
}

QString number(double v)
{
    return QString::number(v, 'g', 10);
}

/// Checks one field of the features block under each of its names.
class FieldChecker
{
public:
    FieldChecker(const QJsonObject &features, const FrontEndSpec &spec, const QString &bundleName)
        : m_features(features)
        , m_spec(spec)
        , m_bundle(bundleName)
    {
    }

    const QString &error() const { return m_error; }

    void whole(std::initializer_list<const char *> names, qint64 expected, bool required)
    {
        check(names, required, [&](const QString &field, const QJsonValue &v) {
            const double d = v.toDouble();
            if (!v.isDouble() || !std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15)
                return fail(tr("\"features.%1\" is %2, not a whole number").arg(field, show(v)));
            if (qint64(d) != expected)
                return fail(tr("\"features.%1\" is %2; %3 models need %4").arg(field, show(v), m_spec.architecture).arg(expected));
            return true;
        });
    }

    void real(std::initializer_list<const char *> names, double expected, bool required)
    {
        check(names, required, [&](const QString &field, const QJsonValue &v) {
            const double d = v.toDouble();
            if (!v.isDouble() || !std::isfinite(d))
                return fail(tr("\"features.%1\" is %2, not a number").arg(field, show(v)));
            if (std::fabs(d - expected) > 1e-6 * std::max(1.0, std::fabs(expected)))
                return fail(tr("\"features.%1\" is %2; %3 models need %4").arg(field, show(v), m_spec.architecture, number(expected)));
            return true;
        });
    }

    /// A text field equal to (or, with prefix, starting with) expected, case-insensitive.
    void text(std::initializer_list<const char *> names, const QString &expected, bool required, bool prefix = false)
    {
        check(names, required, [&](const QString &field, const QJsonValue &v) {
            const QString s = v.toString().trimmed();
            const bool match = prefix ? s.startsWith(expected, Qt::CaseInsensitive) : s.compare(expected, Qt::CaseInsensitive) == 0;
            if (!v.isString() || !match) {
                return fail(prefix ? tr("\"features.%1\" is %2; %3 models need one starting with \"%4\"")
                                         .arg(field, show(v), m_spec.architecture, expected)
                                   : tr("\"features.%1\" is %2; %3 models need \"%4\"").arg(field, show(v), m_spec.architecture, expected));
            }
            return true;
        });
    }

    void flag(const char *name, bool expected)
    {
        check({name}, false, [&](const QString &field, const QJsonValue &v) {
            if (!v.isBool() || v.toBool() != expected) {
                return fail(tr("\"features.%1\" is %2; %3 models need %4")
                                .arg(field, show(v), m_spec.architecture, expected ? QStringLiteral("true") : QStringLiteral("false")));
            }
            return true;
        });
    }

private:
    template <typename Check>
    void check(std::initializer_list<const char *> names, bool required, Check checkOne)
    {
        if (!m_error.isEmpty())
            return;
        bool seen = false;
        QStringList all;
        for (const char *n : names) {
            const QString field = QString::fromLatin1(n);
            all << QStringLiteral("\"features.%1\"").arg(field);
            const auto it = m_features.constFind(field);
            if (it == m_features.constEnd())
                continue;
            seen = true;
            if (!checkOne(field, it.value()))
                return;
        }
        if (required && !seen)
            fail(tr("%1 is missing").arg(all.join(tr(" or "))));
    }

    bool fail(const QString &what)
    {
        m_error = tr("The model bundle %1 does not fit its architecture: %2.").arg(m_bundle, what);
        return false;
    }

    static QString show(const QJsonValue &v)
    {
        switch (v.type()) {
        case QJsonValue::String:
            return QStringLiteral("\"%1\"").arg(v.toString().left(60));
        case QJsonValue::Double:
            return number(v.toDouble());
        case QJsonValue::Bool:
            return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        case QJsonValue::Null:
            return QStringLiteral("null");
        case QJsonValue::Array:
            return tr("a list");
        case QJsonValue::Object:
            return tr("an object");
        default:
            return tr("undefined");
        }
    }

    const QJsonObject &m_features;
    const FrontEndSpec &m_spec;
    QString m_bundle;
    QString m_error;
};

} // namespace

FrontEndSpec FrontEndSpec::importedMel(const QString &architecture, qint64 fixedChunkSamples)
{
    FrontEndSpec s;
    s.architecture = architecture;
    s.type = QStringLiteral("mel");
    s.scale = QStringLiteral("htk");
    s.chunkSamples = fixedChunkSamples;
    return s;
}

Status checkFrontEnd(const ModelManifest &manifest, const FrontEndSpec &spec, const QString &bundleName)
{
    if (manifest.sampleRate != spec.sampleRate) {
        return Status::failure(tr("The model bundle %1 expects %2 Hz audio (\"sampleRate\"); %3 models run at %4 Hz.")
                                   .arg(bundleName)
                                   .arg(manifest.sampleRate)
                                   .arg(spec.architecture)
                                   .arg(spec.sampleRate));
    }
    if (spec.chunkSamples > 0 && manifest.chunkSamples != spec.chunkSamples) {
        return Status::failure(tr("The model bundle %1 gives a chunk of %2 samples (\"chunkSamples\"); %3 models take %4.")
                                   .arg(bundleName)
                                   .arg(manifest.chunkSamples)
                                   .arg(spec.architecture)
                                   .arg(spec.chunkSamples));
    }
    if (manifest.chunkSamples < spec.nFft) {
        return Status::failure(tr("The model bundle %1 gives a chunk of %2 samples (\"chunkSamples\"), shorter than one "
                                  "%3-sample analysis window.")
                                   .arg(bundleName)
                                   .arg(manifest.chunkSamples)
                                   .arg(spec.nFft));
    }
    const qint64 longest = qint64(FrontEndSpec::maxChunkSeconds) * spec.sampleRate;
    if (spec.chunkSamples == 0 && manifest.chunkSamples > longest) {
        return Status::failure(tr("The model bundle %1 gives a chunk of %2 samples (\"chunkSamples\"); %3 models take "
                                  "at most %4 samples (%5 s).")
                                   .arg(bundleName)
                                   .arg(manifest.chunkSamples)
                                   .arg(spec.architecture)
                                   .arg(longest)
                                   .arg(FrontEndSpec::maxChunkSeconds));
    }

    FieldChecker c(manifest.features, spec, bundleName);
    c.text({"type", "kind"}, spec.type, true);
    c.text({"scale", "mel_scale"}, spec.scale, false);
    c.whole({"sample_rate"}, spec.sampleRate, false);
    c.whole({"n_fft"}, spec.nFft, true);
    c.whole({"win_length"}, spec.nFft, false);
    c.text({"window"}, QStringLiteral("hann"), false, true);
    c.whole({"hop", "hop_length"}, spec.hop, true);
    c.whole({"bands", "n_mels"}, spec.bands, true);
    c.real({"f_min"}, spec.fMin, true);
    c.real({"f_max"}, spec.fMax, true);
    if (spec.frames > 0)
        c.whole({"frames"}, spec.frames, false);
    if (spec.sequence > 0)
        c.whole({"sequence"}, spec.sequence, false);
    c.flag("center", true);
    c.text({"pad_mode"}, QStringLiteral("reflect"), false);
    c.real({"power"}, 2.0, false);
    if (!c.error().isEmpty())
        return Status::failure(c.error());
    return {};
}

} // namespace taglane::engine
