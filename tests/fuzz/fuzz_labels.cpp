// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer harness for one importer, chosen at compile time by
// TAGLANE_FUZZ_FORMAT (0 cal500exp, 1 catalogue, 2 jams, 3 audacity, 4 sv).
// With TAGLANE_FUZZ_SEEDS=<dir> in the environment, the first run writes
// valid sample files of the format there as a seed corpus.
#include "engine/formats/labelimporter.h"

#include "formatmutator.h"
#include "formatsamples.h"

#include <QDir>
#include <QFile>

#include <cstdint>
#include <cstdlib>

using namespace taglane::engine;

namespace {
constexpr auto kFormat = LabelFormat(TAGLANE_FUZZ_FORMAT);
}

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    const QString seeds = qEnvironmentVariable("TAGLANE_FUZZ_SEEDS");
    if (!seeds.isEmpty()) {
        QDir().mkpath(seeds);
        int n = 0;
        for (const auto &[format, bytes] : taglane::tests::sampleFiles()) {
            if (format != kFormat)
                continue;
            QFile f(QDir(seeds).filePath(QStringLiteral("seed-%1").arg(++n)));
            if (f.open(QIODevice::WriteOnly))
                f.write(bytes);
        }
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), int(size));
    const QString source = taglane::tests::sampleName(kFormat);
    const auto result = LabelImporter::parse(bytes, source, kFormat);
    const QString problem = taglane::tests::checkImport(result, source);
    if (!problem.isEmpty()) {
        fprintf(stderr, "importer contract broken: %s\n", qPrintable(problem));
        abort();
    }
    return 0;
}
