// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commandline.h"
#include "app/cli/commands.h"

#include "engine/audio/audiodecoder.h"
#include "engine/dsp/featureextractor.h"
#include "engine/dsp/scattering.h"
#include "engine/formats/atomicwrite.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

#include <cmath>

namespace taglane::app {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

const QString kCommand = QStringLiteral("taglane-cli features");
const QString prefix = kCommand + QStringLiteral(": ");

// One line per row (band or coefficient), one column per frame, comma
// separated, numbers as printf's %.{digits}g (the reference files use 6).
QByteArray csvRow(const engine::FeatureMatrix &m, int row, int digits)
{
    QByteArray line;
    line.reserve(int(m.frames) * (digits + 4));
    for (qint64 t = 0; t < m.frames; ++t) {
        if (t > 0)
            line += ',';
        line += QByteArray::number(double(m.at(row, t)), 'g', digits);
    }
    line += '\n';
    return line;
}

// Writes every row of m as CSV to path (atomically), or to stdout when path
// is empty. Returns the exit status.
template <typename Fail>
int writeMatrix(const engine::FeatureMatrix &m, int digits, const QString &path, Fail fail)
{
    if (!path.isEmpty()) {
        QByteArray csv;
        for (int r = 0; r < m.rows; ++r)
            csv += csvRow(m, r, digits);
        const engine::Status written = engine::AtomicWrite::write(path, csv);
        if (!written)
            return fail(written.error(), 1);
        return 0;
    }
    QFile stdoutFile;
    if (!stdoutFile.open(stdout, QIODevice::WriteOnly))
        return fail(tr("cannot write to standard output"), 1);
    for (int r = 0; r < m.rows; ++r) {
        if (stdoutFile.write(csvRow(m, r, digits)) < 0)
            return fail(tr("cannot write to standard output: %1").arg(stdoutFile.errorString()), 1);
    }
    if (!stdoutFile.flush())
        return fail(tr("cannot write to standard output: %1").arg(stdoutFile.errorString()), 1);
    return 0;
}

} // namespace

int runFeatures(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Computes a time-frequency feature matrix of an audio file and writes it as CSV: one line per band "
           "(or cepstral coefficient, then its delta), one column per frame, no header.\n"
           "Frames are centred at multiples of the hop (reflect padding at the ends), so N samples give "
           "1 + N/hop frames.\n"
           "  mel           mel band energies (power spectrum), in dB unless --no-db\n"
           "  erb           ln energy in gammatone-shaped bands equally spaced on the ERB-number scale\n"
           "  erb-cepstrum  DCT-II of the ERB ln energies (--cepstra rows), then their deltas "
           "(--cepstra more rows unless --deltas 0)\n"
           "  scattering    time scattering (Anden & Mallat), default rate 22050 Hz: first the first-order "
           "bands ln(|x * psi1| * phi) (--q1 Morlet wavelets per octave, low to high), then for each of them "
           "its second-order paths ln(||x * psi1| * psi2| * phi / S1) (--q2 wavelets per octave, default 1; slower "
           "modulations than the band's bandwidth, low to high); phi averages over --scattering-t samples "
           "and frames are every T/4 samples (rounded down to a power of two), N samples giving 1 + N/hop"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), tr("audio file (WAV, FLAC, Ogg, Opus, MP3, ...)"));
    const QCommandLineOption typeOption(QStringLiteral("type"), tr("mel, erb, erb-cepstrum or scattering (required)"),
                                        QStringLiteral("TYPE"));
    const QCommandLineOption outOption(QStringLiteral("out"), tr("write the CSV here instead of to stdout"),
                                       QStringLiteral("FILE"));
    const QCommandLineOption rateOption(QStringLiteral("rate"),
                                        tr("analysis sample rate in Hz (default 16000, 22050 for scattering; 0 keeps the file's rate)"),
                                        QStringLiteral("HZ"));
    const QCommandLineOption fftOption(QStringLiteral("n-fft"), tr("window and FFT length in samples (default 512)"),
                                       QStringLiteral("N"));
    const QCommandLineOption hopOption(QStringLiteral("hop"), tr("hop in samples (default 256)"), QStringLiteral("N"));
    const QCommandLineOption bandsOption(QStringLiteral("bands"), tr("mel or ERB bands (default 96)"),
                                         QStringLiteral("N"));
    const QCommandLineOption fminOption(QStringLiteral("fmin"), tr("lowest frequency in Hz (default 0)"),
                                        QStringLiteral("HZ"));
    const QCommandLineOption fmaxOption(QStringLiteral("fmax"), tr("highest frequency in Hz (default: half the rate)"),
                                        QStringLiteral("HZ"));
    const QCommandLineOption scaleOption(QStringLiteral("scale"), tr("mel scale: htk (default) or slaney"),
                                         QStringLiteral("SCALE"));
    const QCommandLineOption slaneyNormOption(QStringLiteral("slaney-norm"),
                                              tr("area-normalise the mel filters (librosa norm='slaney')"));
    const QCommandLineOption dbOption(QStringLiteral("db"), tr("mel in dB: 10 log10(max(x, 1e-10)) (default)"));
    const QCommandLineOption noDbOption(QStringLiteral("no-db"), tr("mel as linear power"));
    const QCommandLineOption preEmphasisOption(QStringLiteral("pre-emphasis"),
                                               tr("filter y[n] = x[n] - 0.97 x[n-1] before the STFT"));
    const QCommandLineOption cepstraOption(QStringLiteral("cepstra"),
                                           tr("erb-cepstrum: coefficients kept (default 20)"), QStringLiteral("N"));
    const QCommandLineOption deltasOption(QStringLiteral("deltas"),
                                          tr("erb-cepstrum: delta regression half-width in frames, 0 for none "
                                             "(default 2)"),
                                          QStringLiteral("K"));
    const QCommandLineOption precisionOption(QStringLiteral("precision"),
                                             tr("significant digits per number (default 6, as the reference "
                                                "files; 9 keeps every float exactly)"),
                                             QStringLiteral("DIGITS"));
    const QCommandLineOption scatteringTOption(QStringLiteral("scattering-t"),
                                               tr("scattering: averaging support T in samples, 64 to 131072 "
                                                  "(default 8192, 371 ms at 22050 Hz)"),
                                               QStringLiteral("N"));
    const QCommandLineOption q1Option(QStringLiteral("q1"),
                                      tr("scattering: first-order wavelets per octave, 1 to 32 (default 8)"),
                                      QStringLiteral("Q"));
    const QCommandLineOption q2Option(QStringLiteral("q2"),
                                      tr("scattering: second-order wavelets per octave, 1 to 8 (default 1)"),
                                      QStringLiteral("Q"));
    for (const QCommandLineOption &o :
         {typeOption, outOption, rateOption, fftOption, hopOption, bandsOption, fminOption, fmaxOption, scaleOption,
          slaneyNormOption, dbOption, noDbOption, preEmphasisOption, cepstraOption, deltasOption, precisionOption,
          scatteringTOption, q1Option, q2Option})
        parser.addOption(o);

    QTextStream out(stdout);
    QTextStream err(stderr);
    auto fail = [&](const QString &message, int code) {
        err << prefix << message << "\n";
        return code;
    };

    if (!parser.parse(QStringList{QStringLiteral("taglane-cli features")} + args))
        return fail(parser.errorText() + tr(" (see --help)"), 2);
    if (parser.isSet(QStringLiteral("help"))) {
        // The parser names the executable's path; name the command instead.
        QString help = parser.helpText();
        const int end = help.indexOf(QLatin1String(" [options]"));
        if (help.startsWith(QLatin1String("Usage: ")) && end > 0)
            help.replace(7, end - 7, QStringLiteral("taglane-cli features"));
        out << help;
        if (!help.endsWith(QLatin1Char('\n')))
            out << "\n";
        return 0;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1)
        return fail(files.isEmpty() ? tr("no audio file given (see --help)")
                                    : tr("give one audio file, not %1").arg(files.size()),
                    2);
    if (!parser.isSet(typeOption))
        return fail(tr("--type is required: mel, erb, erb-cepstrum or scattering"), 2);

    // Options not given keep their defaults.
    auto read = [&](const QCommandLineOption &option, auto range, auto &value) -> std::optional<int> {
        if (!parser.isSet(option))
            return std::nullopt;
        return readNumber(parser, option, range, value, kCommand);
    };
    const QString outPath = parser.isSet(outOption) ? parser.value(outOption) : QString();

    if (parser.value(typeOption).trimmed().compare(QLatin1String("scattering"), Qt::CaseInsensitive) == 0) {
        for (const QCommandLineOption &o : {fftOption, hopOption, bandsOption, fminOption, fmaxOption, scaleOption,
                                            slaneyNormOption, dbOption, noDbOption, preEmphasisOption, cepstraOption,
                                            deltasOption}) {
            if (parser.isSet(o))
                return fail(tr("--%1 does not apply to --type scattering").arg(o.names().constFirst()), 2);
        }
        engine::ScatteringSettings scattering;
        int rate = 22050;
        int digits = 6;
        if (auto bad = read(rateOption, NumberRange<int>{0, 1000000}, rate))
            return *bad;
        if (auto bad = read(scatteringTOption, NumberRange<int>{64, 1 << 17}, scattering.averaging))
            return *bad;
        if (auto bad = read(q1Option, NumberRange<int>{1, 32}, scattering.q1))
            return *bad;
        if (auto bad = read(q2Option, NumberRange<int>{1, 8}, scattering.q2))
            return *bad;
        if (auto bad = read(precisionOption, NumberRange<int>{1, 17}, digits))
            return *bad;
        scattering.sampleRate = rate > 0 ? rate : 22050;
        if (rate > 0) {
            const QString invalid = scattering.validate();
            if (!invalid.isEmpty())
                return fail(invalid, 2);
        }
        engine::DecodeOptions options;
        options.analysisRate = rate;
        const auto decoded = engine::AudioDecoder::decode(files.first(), options);
        if (!decoded)
            return fail(decoded.error(), 1);
        for (const QString &warning : decoded->warnings)
            err << prefix << tr("warning: ") << warning << "\n";
        scattering.sampleRate = decoded->mono.sampleRate();
        const engine::Scattering transform(scattering);
        if (!transform.isValid())
            return fail(transform.error(), 2);
        const auto matrix = transform.compute(decoded->mono);
        if (!matrix)
            return fail(files.first() + QStringLiteral(": ") + matrix.error(), 1);
        return writeMatrix(matrix.value(), digits, outPath, fail);
    }
    for (const QCommandLineOption &o : {scatteringTOption, q1Option, q2Option}) {
        if (parser.isSet(o))
            return fail(tr("--%1 applies only to --type scattering").arg(o.names().constFirst()), 2);
    }

    engine::FeatureSettings settings;
    const auto type = engine::FeatureSettings::parseType(parser.value(typeOption));
    if (!type)
        return fail(tr("Unknown feature type \"%1\"; expected mel, erb, erb-cepstrum or scattering.")
                        .arg(parser.value(typeOption)),
                    2);
    settings.type = type.value();
    if (parser.isSet(scaleOption)) {
        const auto scale = engine::FeatureSettings::parseScale(parser.value(scaleOption));
        if (!scale)
            return fail(scale.error(), 2);
        settings.melScale = scale.value();
    }
    if (parser.isSet(dbOption) && parser.isSet(noDbOption))
        return fail(tr("--db and --no-db contradict each other"), 2);
    settings.db = !parser.isSet(noDbOption);
    settings.slaneyNorm = parser.isSet(slaneyNormOption);
    settings.preEmphasis = parser.isSet(preEmphasisOption);

    int rate = 16000;
    int digits = 6;
    const bool haveFMax = parser.isSet(fmaxOption);
    if (auto bad = read(rateOption, NumberRange<int>{0, 1000000}, rate))
        return *bad;
    if (auto bad = read(fftOption, NumberRange<int>{2, 1 << 20}, settings.nFft))
        return *bad;
    if (auto bad = read(hopOption, NumberRange<int>{1, 1 << 20}, settings.hop))
        return *bad;
    if (auto bad = read(bandsOption, NumberRange<int>{1, 4096}, settings.bands))
        return *bad;
    if (auto bad = read(fminOption, NumberRange<double>{0.0, 500000.0}, settings.fMin))
        return *bad;
    if (auto bad = read(fmaxOption, NumberRange<double>{0.0, 500000.0}, settings.fMax))
        return *bad;
    if (auto bad = read(cepstraOption, NumberRange<int>{1, 4096}, settings.cepstra))
        return *bad;
    if (auto bad = read(deltasOption, NumberRange<int>{0, 1000}, settings.deltaWidth))
        return *bad;
    if (auto bad = read(precisionOption, NumberRange<int>{1, 17}, digits))
        return *bad;

    // Check what can be checked before the (possibly long) decode.
    settings.sampleRate = rate > 0 ? rate : 16000;
    if (!haveFMax)
        settings.fMax = settings.sampleRate / 2.0;
    if (rate > 0) {
        const QString invalid = settings.validate();
        if (!invalid.isEmpty())
            return fail(invalid, 2);
    }

    engine::DecodeOptions options;
    options.analysisRate = rate;
    const auto decoded = engine::AudioDecoder::decode(files.first(), options);
    if (!decoded)
        return fail(decoded.error(), 1);
    for (const QString &warning : decoded->warnings)
        err << prefix << tr("warning: ") << warning << "\n";
    settings.sampleRate = decoded->mono.sampleRate();
    if (!haveFMax)
        settings.fMax = settings.sampleRate / 2.0;

    const engine::FeatureExtractor extractor(settings);
    const auto matrix = extractor.computeChecked(decoded->mono);
    if (!matrix)
        return fail(matrix.error(), 2);
    return writeMatrix(matrix.value(), digits, outPath, fail);
}

} // namespace taglane::app
