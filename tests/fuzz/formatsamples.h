// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Shared by the format tests, the fuzz test, the fuzz benchmark and the
// libFuzzer harnesses: sample labels and valid files of every format.

#include "engine/formats/labelexporter.h"
#include "engine/formats/labelformat.h"
#include "engine/formats/tracklabels.h"

#include <QByteArray>
#include <QDateTime>
#include <QVector>

#include <limits>
#include <utility>

namespace taglane::tests {

/// Four segments x five tags with awkward names (comma and quotes, a leading
/// '-', a formula, non-ASCII), verdicts with curators and times, and
/// probabilities strictly inside (0, 1). Every segment and every tag has at
/// least one present cell and one cell with a value, so every format keeps them.
inline engine::TrackLabels sampleLabels(const QString &file = QStringLiteral("/music/Song, \"one\".wav"))
{
    using namespace taglane::engine;
    const auto segs = Segmentation::fromSegments(
        {{1, 0.0, 3.25}, {2, 3.25, 10.123456789}, {3, 10.123456789, 24.5}, {4, 30.0, 41.0}});
    const Vocabulary tags = Vocabulary::fromNames(
        {QStringLiteral("Emotion-Calming_/_Soothing"), QStringLiteral("Genre-Rock, \"Hard\""),
         QStringLiteral("-minus"), QStringLiteral("=SUM(A1)"), QStringLiteral("Instrument_-_Klavier \u00e9\u4e2d")});
    const std::vector<std::vector<float>> p = {
        {0.123456789f, 0.75f, 0.0123456f, 0.9f, 0.3f},
        {0.55f, 0.987654321f, 0.25f, 0.1f, 0.6f},
        {0.05f, 0.45f, 0.875f, 0.51f, 0.49f},
        {0.66f, 0.02f, 0.33f, 0.7f, 0.8f}};
    TrackLabels labels = TrackLabels::fromProbabilities(file, 41.0, segs.value(), tags, p, QStringLiteral("v1.2"),
                                                        QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC));
    labels.title = QStringLiteral("Song one");
    labels.artist = QStringLiteral("Band");
    auto judge = [&](int s, int t, Verdict v, const QString &who, int day) {
        LabelCell &c = labels.cell(s, t);
        c.verdict = v;
        c.curator = who;
        c.modified = QDateTime(QDate(2026, 2, day), QTime(4, 5, 6), Qt::UTC);
    };
    judge(0, 0, Verdict::Absent, QStringLiteral("ana"), 3);
    judge(1, 2, Verdict::Present, QStringLiteral("ana"), 4);
    judge(2, 4, Verdict::Present, QStringLiteral("ana"), 5);
    judge(3, 1, Verdict::Absent, QStringLiteral("ana"), 6);
    labels.cell(1, 0).probability = std::numeric_limits<float>::quiet_NaN();   // nothing at all
    return labels;
}

/// A valid file of every format made from sampleLabels(), with a file name
/// each importer accepts.
inline QVector<std::pair<engine::LabelFormat, QByteArray>> sampleFiles()
{
    using namespace taglane::engine;
    QVector<std::pair<LabelFormat, QByteArray>> files;
    LabelExporter::Options options;
    options.curatorName = QStringLiteral("ana");
    const TrackLabels labels = sampleLabels();
    for (const QString &name : LabelFormats::names()) {
        const LabelFormat f = LabelFormats::parse(name).value();
        files.push_back({f, LabelExporter::toBytes(labels, f, options)});
    }
    LabelExporter::Options hard = options;
    hard.cal500Hard = true;
    files.push_back({LabelFormat::Cal500Exp, LabelExporter::toBytes(labels, LabelFormat::Cal500Exp, hard)});
    LabelExporter::Options header = options;
    header.svHeader = true;
    files.push_back({LabelFormat::SonicVisualiser, LabelExporter::toBytes(labels, LabelFormat::SonicVisualiser, header)});
    // Audacity with frequency lines and a point label, as Audacity writes them.
    files.push_back({LabelFormat::Audacity, QByteArray("0.5\t2.5\tPiano\n\\\t200\t4000\n3\t3\tbeat\n4.25\t9\tPiano; Voice\n")});
    return files;
}

/// "<stem><suffix>" for a format, the name the fuzzers give their input.
inline QString sampleName(engine::LabelFormat format)
{
    return QStringLiteral("fuzz") + engine::LabelFormats::suffix(format);
}

} // namespace taglane::tests
