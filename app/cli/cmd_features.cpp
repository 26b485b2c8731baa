// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/commands.h"

#include "engine/audio/audiodecoder.h"
#include "engine/dsp/featureextractor.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>
#include <QTextStream>

#include <cmath>

namespace taglane::app {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

const QString prefix = QStringLiteral("taglane-cli features: ");

// Parses an option value; on failure sets error to a one-line message.
bool readInt(const QCommandLineParser &parser, const QCommandLineOption &option, int &value, QString &error)
{
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const QString text = parser.value(option);
    const int v = text.trimmed().toInt(&ok);
    if (!ok) {
        error = tr("--%1: \"%2\" is not a whole number").arg(option.names().first(), text);
        return false;
    }
    value = v;
    return true;
}

bool readDouble(const QCommandLineParser &parser, const QCommandLineOption &option, double &value, QString &error)
{
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const QString text = parser.value(option);
    const double v = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v)) {
        error = tr("--%1: \"%2\" is not a number").arg(option.names().first(), text);
        return false;
    }
    value = v;
    return true;
}

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
           "(--cepstra more rows unless --deltas 0)"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), tr("audio file (WAV, FLAC, Ogg, Opus, MP3, ...)"));
    const QCommandLineOption typeOption(QStringLiteral("type"), tr("mel, erb or erb-cepstrum (required)"),
                                        QStringLiteral("TYPE"));
    const QCommandLineOption outOption(QStringLiteral("out"), tr("write the CSV here instead of to stdout"),
                                       QStringLiteral("FILE"));
    const QCommandLineOption rateOption(QStringLiteral("rate"),
                                        tr("analysis sample rate in Hz (default 16000; 0 keeps the file's rate)"),
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
    for (const QCommandLineOption &o :
         {typeOption, outOption, rateOption, fftOption, hopOption, bandsOption, fminOption, fmaxOption, scaleOption,
          slaneyNormOption, dbOption, noDbOption, preEmphasisOption, cepstraOption, deltasOption, precisionOption})
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
        return fail(tr("--type is required: mel, erb or erb-cepstrum"), 2);

    engine::FeatureSettings settings;
    const auto type = engine::FeatureSettings::parseType(parser.value(typeOption));
    if (!type)
        return fail(type.error(), 2);
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

    QString error;
    int rate = 16000;
    int digits = 6;
    bool haveFMax = parser.isSet(fmaxOption);
    if (!readInt(parser, rateOption, rate, error) || !readInt(parser, fftOption, settings.nFft, error)
        || !readInt(parser, hopOption, settings.hop, error) || !readInt(parser, bandsOption, settings.bands, error)
        || !readDouble(parser, fminOption, settings.fMin, error)
        || !readDouble(parser, fmaxOption, settings.fMax, error)
        || !readInt(parser, cepstraOption, settings.cepstra, error)
        || !readInt(parser, deltasOption, settings.deltaWidth, error)
        || !readInt(parser, precisionOption, digits, error))
        return fail(error, 2);
    if (rate < 0 || rate > 1000000)
        return fail(tr("--rate: %1 Hz is not a usable sample rate").arg(rate), 2);
    if (digits < 1 || digits > 17)
        return fail(tr("--precision: give 1 to 17 significant digits, not %1").arg(digits), 2);

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
    const engine::FeatureMatrix &m = matrix.value();

    if (parser.isSet(outOption)) {
        const QString path = parser.value(outOption);
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return fail(tr("cannot write %1: %2").arg(path, file.errorString()), 1);
        for (int r = 0; r < m.rows; ++r)
            file.write(csvRow(m, r, digits));
        if (!file.commit())
            return fail(tr("cannot write %1: %2").arg(path, file.errorString()), 1);
        return 0;
    }
    QFile stdoutFile;
    if (!stdoutFile.open(stdout, QIODevice::WriteOnly))
        return fail(tr("cannot write to standard output"), 1);
    for (int r = 0; r < m.rows; ++r) {
        if (stdoutFile.write(csvRow(m, r, digits)) < 0)
            return fail(tr("cannot write to standard output: %1").arg(stdoutFile.errorString()), 1);
    }
    stdoutFile.flush();
    return 0;
}

} // namespace taglane::app
