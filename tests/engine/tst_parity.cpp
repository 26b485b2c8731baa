// SPDX-License-Identifier: GPL-3.0-or-later
// The published MagnaTagATune checkpoints, imported into bundles, reproduce the
// reference outputs in ../shared/fixtures/reference (spec: within 1e-4).
#include "engine/audio/audiodecoder.h"
#include "engine/model/checkpointimport.h"
#include "engine/model/tagger.h"

#include "testsupport.h"

#include <QFile>
#include <QTest>

#include <cmath>
#include <map>
#include <memory>

using namespace taglane::engine;

namespace {

struct ReferenceTable
{
    QStringList tags;
    std::vector<qint64> starts;
    std::vector<std::vector<float>> rows;
};

Result<ReferenceTable> readReference(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return Result<ReferenceTable>::failure(path + QStringLiteral(": cannot open"));
    ReferenceTable table;
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.isEmpty())
        return Result<ReferenceTable>::failure(path + QStringLiteral(": empty"));
    table.tags = lines.first().trimmed().split(QLatin1Char(','));
    table.tags.removeFirst();   // start_sample
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList cells = lines[i].trimmed().split(QLatin1Char(','));
        if (cells.size() != table.tags.size() + 1)
            return Result<ReferenceTable>::failure(path + QStringLiteral(": bad row %1").arg(i));
        table.starts.push_back(cells[0].toLongLong());
        std::vector<float> row;
        for (int c = 1; c < cells.size(); ++c)
            row.push_back(cells[c].toFloat());
        table.rows.push_back(std::move(row));
    }
    return table;
}

/// The chunk starts of the reference protocol for a clip of `length` samples.
std::vector<qint64> protocolStarts(const QString &arch, qint64 length, qint64 chunk)
{
    std::vector<qint64> starts;
    if (arch == QLatin1String("musicnn")) {
        for (qint64 s = 0; s + chunk <= length; s += chunk)
            starts.push_back(s);
    } else {
        const qint64 step = (length - chunk) / 16;
        for (int i = 0; i < 16; ++i)
            starts.push_back(i * step);
    }
    return starts;
}

} // namespace

class tst_Parity : public QObject
{
    Q_OBJECT

private:
    std::map<QString, std::shared_ptr<Tagger>> m_taggers;

    std::shared_ptr<Tagger> tagger(const QString &arch)
    {
        const auto it = m_taggers.find(arch);
        return it == m_taggers.end() ? nullptr : it->second;
    }

    static void addRows()
    {
        QTest::addColumn<QString>("clip");
        QTest::addColumn<QString>("arch");
        for (const char *clip : {"mtat_joram_solipsism", "traveling_minstrels"}) {
            for (const char *arch : {"musicnn", "fcn", "crnn"})
                QTest::addRow("%s/%s", clip, arch) << QString::fromLatin1(clip) << QString::fromLatin1(arch);
        }
    }

    /// Runs the model on audio at the reference table's starts and returns the largest difference.
    double largestDifference(const QString &arch, const AudioBuffer &audio, const ReferenceTable &table)
    {
        const auto t = tagger(arch);
        if (!t)
            return 1e9;
        const auto rows = t->predict(audio, table.starts, 8);
        if (!rows.ok()) {
            qWarning().noquote() << rows.error();
            return 1e9;
        }
        if (rows->size() != table.rows.size())
            return 1e9;
        double worst = 0;
        for (size_t r = 0; r < table.rows.size(); ++r) {
            for (size_t c = 0; c < table.rows[r].size(); ++c)
                worst = std::max(worst, double(std::abs(rows.value()[r][c] - table.rows[r][c])));
        }
        return worst;
    }

private Q_SLOTS:
    void initTestCase()
    {
        TAGLANE_REQUIRE_SHARED(pretrained, "fixtures/pretrained");
        configureTorchThreads(0);
        const auto tags = loadTagList(pretrained + QStringLiteral("/mtat-tags.txt"));
        QVERIFY2(tags.ok(), qPrintable(tags.error()));
        const QString dir = taglane::tests::tempDir(QStringLiteral("parity"));
        for (const QString &arch : {QStringLiteral("musicnn"), QStringLiteral("fcn"), QStringLiteral("crnn")}) {
            CheckpointImport request;
            request.architecture = arch;
            request.checkpointPath = pretrained + QStringLiteral("/mtat-%1.pth").arg(arch);
            request.tags = tags.value();
            request.bundleFolder = dir + QStringLiteral("/%1.tlmodel").arg(arch);
            const auto bundle = importCheckpoint(request);
            QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
            const auto loaded = Tagger::load(bundle.value(), DevicePreference::Auto);
            QVERIFY2(loaded.ok(), qPrintable(loaded.error()));
            qInfo().noquote() << arch << "runs on" << loaded.value()->deviceDescription();
            m_taggers[arch] = loaded.value();
        }
    }

    /// A chunk reaching past the end is zero-padded; a callback can stop; the rate is checked.
    void taggerPadsStopsAndChecksRate()
    {
        TAGLANE_REQUIRE_SHARED(reference, "fixtures/reference");
        const auto t = tagger(QStringLiteral("musicnn"));
        QVERIFY(t);
        const auto decoded = AudioDecoder::decode(reference + QStringLiteral("/mtat_joram_solipsism.16k.wav"));
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        const std::vector<float> &all = decoded->mono.samples();
        const AudioBuffer shortClip(std::vector<float>(all.begin(), all.begin() + 60000), 16000);
        std::vector<float> padded(all.begin() + 40000, all.begin() + 60000);
        padded.resize(48000, 0.0f);

        const auto rows = t->predict(shortClip, {0, 40000});
        QVERIFY2(rows.ok(), qPrintable(rows.error()));
        QCOMPARE(int(rows->size()), 2);
        const auto explicitRows = t->predict(AudioBuffer(padded, 16000), {0});
        QVERIFY(explicitRows.ok());
        double worst = 0;
        for (int c = 0; c < 50; ++c)
            worst = std::max(worst, double(std::abs(rows.value()[1][c] - explicitRows.value()[0][c])));
        QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
        // The padded chunk differs from the full one at the same place.
        const auto fullRows = t->predict(decoded->mono, {40000});
        QVERIFY(fullRows.ok());
        double change = 0;
        for (int c = 0; c < 50; ++c)
            change = std::max(change, double(std::abs(rows.value()[1][c] - fullRows.value()[0][c])));
        QVERIFY(change > 1e-3);

        int calls = 0;
        const auto stopped = t->predict(decoded->mono, {0, 48000, 96000}, 1, [&](int first, const auto &batch) {
            ++calls;
            return !(first == 0 && batch.size() == 1);
        });
        QVERIFY(stopped.ok());
        QCOMPARE(calls, 1);
        QCOMPARE(int(stopped->size()), 1);

        const auto wrongRate = t->predict(AudioBuffer(std::vector<float>(48000, 0.0f), 22050), {0});
        QVERIFY(!wrongRate.ok());
        QVERIFY2(wrongRate.error().contains(QStringLiteral("22050")), qPrintable(wrongRate.error()));
    }

    void referenceInput_data() { addRows(); }

    /// The exact 16 kHz input the reference saw: every probability within 1e-4.
    void referenceInput()
    {
        QFETCH(QString, clip);
        QFETCH(QString, arch);
        TAGLANE_REQUIRE_SHARED(reference, "fixtures/reference");
        const auto table = readReference(reference + QStringLiteral("/%1.%2.csv").arg(clip, arch));
        QVERIFY2(table.ok(), qPrintable(table.error()));
        const auto decoded = AudioDecoder::decode(reference + QStringLiteral("/%1.16k.wav").arg(clip));
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        const AudioBuffer &audio = decoded->mono;
        QCOMPARE(audio.sampleRate(), 16000);

        const auto t = tagger(arch);
        QVERIFY(t);
        QCOMPARE(table->tags, t->manifest().tags.names());
        // The reference rows follow the published protocol on this length.
        QCOMPARE(table->starts, protocolStarts(arch, audio.size(), t->chunkSamples()));

        const double worst = largestDifference(arch, audio, table.value());
        qInfo("%s %s: %zu rows, largest difference %.3g on the reference input", qPrintable(clip), qPrintable(arch),
              table->rows.size(), worst);
        QVERIFY2(worst < 1e-4, qPrintable(QStringLiteral("largest difference %1").arg(worst)));
    }

    void decodedAudio_data() { addRows(); }

    /// The same clips decoded from the compressed files and resampled by the
    /// engine stay close to the reference (decoders and resamplers differ slightly).
    void decodedAudio()
    {
        QFETCH(QString, clip);
        QFETCH(QString, arch);
        TAGLANE_REQUIRE_SHARED(reference, "fixtures/reference");
        TAGLANE_REQUIRE_SHARED(audioDir, "fixtures/audio");
        const QString file = clip == QLatin1String("traveling_minstrels") ? QStringLiteral("traveling_minstrels.ogg")
                                                                          : QStringLiteral("mtat_joram_solipsism.mp3");
        const auto table = readReference(reference + QStringLiteral("/%1.%2.csv").arg(clip, arch));
        QVERIFY2(table.ok(), qPrintable(table.error()));
        DecodeOptions options;
        options.analysisRate = 16000;
        const auto decoded = AudioDecoder::decode(audioDir + QLatin1Char('/') + file, options);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error()));
        QCOMPARE(decoded->mono.sampleRate(), 16000);
        const double worst = largestDifference(arch, decoded->mono, table.value());
        qInfo("%s %s: largest difference %.3g decoded from %s (%lld samples)", qPrintable(clip), qPrintable(arch),
              worst, qPrintable(file), decoded->mono.size());
        // The reference was downmixed by ffmpeg, whose float stereo downmix
        // is (L + R) / sqrt(2); the engine's equal-power downmix matches it.
        // Measured largest differences (Debian libsndfile + soxr, LibTorch CPU;
        // the rows on the exact reference input differ by at most 8.1e-7):
        //   traveling_minstrels.ogg   musicnn 1.94e-6, fcn 1.73e-6, crnn 1.13e-6
        //   mtat_joram_solipsism.mp3  musicnn 4.71e-4, fcn 2.12e-4, crnn 1.43e-4
        // The Ogg path (libvorbis, soxr) therefore meets the spec's own 1e-4
        // (50x the measured figure, room for other CPUs' float paths); the MP3
        // path differs from ffmpeg's decoder in its last bits and gets 1e-3,
        // about twice the measured 4.71e-4 (room for another mpg123 version).
        // Faults the old bound of 0.02 let through fail these: a 1 % downmix
        // gain error gives 1.2e-3 to 3.4e-3 on the MP3 and 1.2e-3 to 6.2e-3 on
        // the Ogg (soxr's low quality instead of high: 0.25 to 0.42).
        const double bound = file.endsWith(QLatin1String(".mp3")) ? 1e-3 : 1e-4;
        QVERIFY2(worst < bound, qPrintable(QStringLiteral("largest difference %1 (bound %2)").arg(worst).arg(bound)));
    }
};

QTEST_GUILESS_MAIN(tst_Parity)
#include "tst_parity.moc"
