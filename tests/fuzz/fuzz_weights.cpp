// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer harness for the weights.pt reader (detail::parseTorchStateDict:
// the zip directory and CRC checks, LibTorch's unpickler, the record size,
// type and finiteness checks). Every accepted state dict must be float32,
// contiguous and finite, and every value is read (so ASan sees a read past
// a record). Most byte mutations break a CRC-32; half of the mutated inputs
// get their CRCs recomputed so the fuzzer reaches the pickle and the records.
// With TAGLANE_FUZZ_SEEDS=<dir> the first run writes small valid files
// (several dtypes, a view, a scalar, a nested checkpoint) there.
#include <torch/torch.h>

#include "engine/model/statedict_p.h"
#include "engine/model/zipdirectory_p.h"

#include <QDir>
#include <QFile>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace taglane::engine;

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

void writeSeed(const QString &dir, const QString &name, const c10::IValue &value)
{
    const std::vector<char> bytes = torch::pickle_save(value);
    QFile f(QDir(dir).filePath(name));
    if (f.open(QIODevice::WriteOnly))
        f.write(bytes.data(), qint64(bytes.size()));
}

void writeSeeds(const QString &dir)
{
    QDir().mkpath(dir);
    c10::Dict<std::string, at::Tensor> plain;
    plain.insert("a.weight", at::arange(12, at::kFloat).reshape({3, 4}));
    plain.insert("a.bias", at::ones({3}, at::kFloat));
    plain.insert("bn.num_batches_tracked", at::scalar_tensor(7, at::kLong));
    writeSeed(dir, QStringLiteral("seed-plain"), plain);

    c10::Dict<std::string, at::Tensor> types;
    types.insert("double", at::linspace(0, 1, 5, at::kDouble));
    types.insert("half", at::ones({2, 2}, at::kHalf));
    types.insert("int", at::arange(4, at::kInt));
    types.insert("bool", at::ones({3}, at::kBool));
    types.insert("empty", at::zeros({0, 3}, at::kFloat));
    writeSeed(dir, QStringLiteral("seed-types"), types);

    // A transposed view and a narrowed one share one storage.
    const at::Tensor base = at::arange(20, at::kFloat).reshape({4, 5});
    c10::Dict<std::string, at::Tensor> views;
    views.insert("t", base.t());
    views.insert("rows", base.narrow(0, 1, 2));
    writeSeed(dir, QStringLiteral("seed-views"), views);

    c10::impl::GenericDict nested(c10::StringType::get(), c10::AnyType::get());
    c10::Dict<std::string, at::Tensor> inner;
    inner.insert("w", at::ones({2, 3}, at::kFloat));
    nested.insert(std::string("state_dict"), c10::IValue(inner));
    nested.insert(std::string("epoch"), c10::IValue(int64_t(3)));
    writeSeed(dir, QStringLiteral("seed-nested"), nested);
}

quint32 le32(const uint8_t *p)
{
    return quint32(p[0]) | quint32(p[1]) << 8 | quint32(p[2]) << 16 | quint32(p[3]) << 24;
}

quint16 le16(const uint8_t *p)
{
    return quint16(p[0] | p[1] << 8);
}

/// Recomputes the CRC-32 of every central-directory entry whose data lies
/// inside the buffer (leniently: anything malformed is left as it is).
void fixCrcs(uint8_t *data, size_t size)
{
    for (size_t at = 0; at + 46 <= size; ++at) {
        if (le32(data + at) != 0x02014b50u)
            continue;
        const quint32 stored = le32(data + at + 24);
        const quint32 local = le32(data + at + 42);
        if (local > size || size - local < 30 || le32(data + local) != 0x04034b50u)
            continue;
        const size_t start = size_t(local) + 30 + le16(data + local + 26) + le16(data + local + 28);
        if (start > size || stored > size - start)
            continue;
        const quint32 crc = taglane::engine::detail::crc32(reinterpret_cast<const char *>(data + start), stored);
        for (int i = 0; i < 4; ++i)
            data[at + 16 + i] = uint8_t(crc >> (8 * i));
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    at::set_num_threads(1);
    const QString seeds = qEnvironmentVariable("TAGLANE_FUZZ_SEEDS");
    if (!seeds.isEmpty())
        writeSeeds(seeds);
    return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxSize, unsigned int seed)
{
    const size_t n = LLVMFuzzerMutate(data, size, maxSize);
    if (seed % 2 == 0)
        fixCrcs(data, n);
    return n;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto dict = taglane::engine::detail::parseTorchStateDict(bytes, QStringLiteral("fuzz.pt"));
    if (!dict) {
        if (!dict.error().startsWith(QStringLiteral("fuzz.pt"))) {
            fprintf(stderr, "message does not name the file: %s\n", qPrintable(dict.error()));
            abort();
        }
        return 0;
    }
    for (const auto &[name, t] : dict.value()) {
        if (t.scalar_type() != at::kFloat || !t.is_contiguous() || !t.is_cpu()) {
            fprintf(stderr, "tensor %s is not contiguous float32 on the CPU\n", name.c_str());
            abort();
        }
        const float *p = t.data_ptr<float>();
        for (int64_t i = 0; i < t.numel(); ++i) {
            if (!std::isfinite(p[i])) {
                fprintf(stderr, "tensor %s holds a non-finite value\n", name.c_str());
                abort();
            }
        }
    }
    return 0;
}
