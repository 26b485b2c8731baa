// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/serialize.h>
#include <c10/core/CPUAllocator.h>
#include <caffe2/serialize/versions.h>
#include <torch/csrc/jit/serialization/unpickler.h>

#include "engine/model/statedict.h"
#include "engine/model/picklecheck_p.h"
#include "engine/model/statedict_p.h"
#include "engine/model/zipdirectory_p.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>
#include <cstring>
#include <exception>
#include <stdexcept>

namespace taglane::engine {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StateDict", text);
}

QString firstLine(const char *what)
{
    const QString text = QString::fromUtf8(what);
    const int newline = text.indexOf(QLatin1Char('\n'));
    return (newline < 0 ? text : text.left(newline)).trimmed();
}

QString ivalueKind(const c10::IValue &value)
{
    return QString::fromStdString(value.tagKind());
}

// Unwraps {"state_dict": {...}} / {"model": {...}} training checkpoints.
c10::impl::GenericDict unwrapCheckpoint(const c10::impl::GenericDict &dict)
{
    for (const char *key : {"state_dict", "model_state_dict", "model"}) {
        const c10::IValue k{std::string(key)};
        if (dict.contains(k)) {
            const c10::IValue inner = dict.at(k);
            if (inner.isGenericDict())
                return inner.toGenericDict();
        }
    }
    return dict;
}

} // namespace

namespace detail {

namespace {

/// The bytes of every record handed to the unpickler, by data pointer: a
/// tensor's storage is checked against the record it came from, not against
/// the size the pickle claims.
using RecordSizes = std::map<const void *, int64_t>;

c10::IValue unpickle(const QByteArray &bytes, const std::vector<ZipEntry> &entries, RecordSizes &records)
{
    // torch.save puts everything under one top-level folder: NAME/data.pkl,
    // NAME/data/KEY (one record per storage) and NAME/version.
    const QString archive = entries.front().name.section(QLatin1Char('/'), 0, 0);
    std::map<QString, const ZipEntry *> byName;
    for (const ZipEntry &e : entries)
        byName[e.name] = &e;
    const auto find = [&](const QString &name) -> const ZipEntry * {
        const auto it = byName.find(archive + QLatin1Char('/') + name);
        return it == byName.end() ? nullptr : it->second;
    };
    const ZipEntry *pickle = find(QStringLiteral("data.pkl"));
    if (!pickle)
        throw std::runtime_error(tr("it has no %1/data.pkl").arg(archive).toStdString());
    uint64_t version = caffe2::serialize::kProducedFileFormatVersion;
    if (const ZipEntry *v = find(QStringLiteral("version"))) {
        bool ok = false;
        const qulonglong n = QByteArray(bytes.constData() + v->dataOffset, qsizetype(v->size)).trimmed().toULongLong(&ok);
        if (!ok || n < caffe2::serialize::kMinSupportedFileFormatVersion || n > caffe2::serialize::kMaxSupportedFileFormatVersion)
            throw std::runtime_error(tr("its format version is not one PyTorch 1.13 reads").toStdString());
        version = n;
    }

    const char *pickleData = bytes.constData() + pickle->dataOffset;
    const size_t pickleSize = size_t(pickle->size);
    // LibTorch's unpickler trusts lengths and stack depths: check them first.
    if (const QString problem = checkPickle(pickleData, pickle->size); !problem.isEmpty())
        throw std::runtime_error(problem.toStdString());
    size_t position = 0;
    auto reader = [&](char *buffer, size_t length) -> size_t {
        const size_t n = std::min(length, pickleSize - position);
        std::memcpy(buffer, pickleData + position, n);
        position += n;
        return n;
    };
    auto readRecord = [&](const std::string &key) -> at::DataPtr {
        const ZipEntry *record = find(QStringLiteral("data/") + QString::fromStdString(key));
        if (!record)
            throw std::runtime_error(tr("the tensor record data/%1 is missing").arg(QString::fromStdString(key)).toStdString());
        at::DataPtr data = c10::GetCPUAllocator()->allocate(size_t(record->size));
        if (record->size > 0)
            std::memcpy(data.get(), bytes.constData() + record->dataOffset, size_t(record->size));
        if (data.get())
            records[data.get()] = record->size;
        return data;
    };
    torch::jit::Unpickler unpickler(reader, nullptr, nullptr, readRecord, c10::Device(c10::kCPU));
    unpickler.set_version(version);
    return unpickler.parse_ivalue();
}

bool multiplyAdd(int64_t a, int64_t b, int64_t &sum)
{
    int64_t product = 0;
    return !__builtin_mul_overflow(a, b, &product) && !__builtin_add_overflow(sum, product, &sum);
}

/// Empty when the tensor's shape, strides and type fit the record its data
/// came from; else what is wrong, as the end of a sentence.
QString checkTensorRecord(const at::Tensor &t, const RecordSizes &records)
{
    const at::ScalarType type = t.scalar_type();
    if (!at::isFloatingType(type) && !at::isIntegralType(type, /*includeBool=*/true))
        return tr("has the type %1, which model weights cannot have").arg(QString::fromLatin1(c10::toString(type)));
    if (t.layout() != at::kStrided || !t.is_cpu() || t.is_quantized())
        return tr("is not a plain dense tensor");
    const at::IntArrayRef sizes = t.sizes();
    const at::IntArrayRef strides = t.strides();
    int64_t last = t.storage_offset();
    if (last < 0)
        return tr("starts at a negative offset");
    for (size_t i = 0; i < sizes.size(); ++i) {
        if (sizes[i] < 0 || strides[i] < 0)
            return tr("has a negative size or stride");
        if (sizes[i] == 0)
            return {};   // no elements: nothing is read
    }
    for (size_t i = 0; i < sizes.size(); ++i) {
        if (!multiplyAdd(sizes[i] - 1, strides[i], last))
            return tr("has a shape too large to address");
    }
    int64_t needed = 0;
    const int64_t item = int64_t(c10::elementSize(type));
    if (!multiplyAdd(last + 1, item, needed))
        return tr("has a shape too large to address");
    const auto it = records.find(t.storage().data_ptr().get());
    const int64_t held = it == records.end() ? 0 : it->second;
    if (needed > held) {
        QStringList shape;
        for (int64_t d : sizes)
            shape << QString::number(d);
        return tr("needs %1 bytes for its shape [%2] of %3, but its record holds %4 bytes")
            .arg(needed)
            .arg(shape.join(QStringLiteral(", ")), QString::fromLatin1(c10::toString(type)))
            .arg(held);
    }
    // Weights never repeat memory (stride 0): more elements than the record
    // holds would only inflate into a huge copy.
    int64_t elements = 1;
    for (int64_t d : sizes) {
        if (__builtin_mul_overflow(elements, d, &elements))
            return tr("has a shape too large to address");
    }
    int64_t elementBytes = 0;
    if (__builtin_mul_overflow(elements, item, &elementBytes) || elementBytes > held)
        return tr("has %1 elements, more than its record of %2 bytes holds").arg(elements).arg(held);
    return {};
}

int64_t nonFiniteCount(const at::Tensor &floatTensor)
{
    return int64_t(at::logical_not(at::isfinite(floatTensor)).sum().item<int64_t>());
}

} // namespace

Result<TorchStateDict> parseTorchStateDict(const QByteArray &bytes, const QString &sourceName)
{
    using R = Result<TorchStateDict>;
    if (bytes.isEmpty())
        return R::failure(tr("%1 is empty.").arg(sourceName));
    if (!bytes.startsWith("PK")) {
        if (static_cast<unsigned char>(bytes.at(0)) == 0x80) {
            return R::failure(tr("%1 uses the legacy PyTorch serialization (before PyTorch 1.6), which Taglane "
                                 "cannot read. Re-save it with a recent PyTorch: "
                                 "python3 -c \"import torch; torch.save(torch.load('OLD.pth', map_location='cpu'), 'NEW.pth')\"")
                                  .arg(sourceName));
        }
        return R::failure(tr("%1 is not a PyTorch state dict (expected a torch.save zip archive).").arg(sourceName));
    }

    // The zip container first (sizes, CRC-32 of every entry), then the pickle.
    const auto entries = readZipDirectory(bytes, sourceName);
    if (!entries)
        return R::failure(entries.error());
    RecordSizes records;
    c10::IValue root;
    try {
        root = unpickle(bytes, entries.value(), records);
    } catch (const std::exception &e) {
        return R::failure(tr("%1 is damaged or not a PyTorch state dict: %2").arg(sourceName, firstLine(e.what())));
    }
    if (!root.isGenericDict())
        return R::failure(tr("%1 holds a %2, not a dict of tensors.").arg(sourceName, ivalueKind(root)));

    TorchStateDict out;
    const c10::impl::GenericDict dict = unwrapCheckpoint(root.toGenericDict());
    for (const auto &entry : dict) {
        if (!entry.key().isString())
            return R::failure(tr("%1 has a key of type %2; a state dict has text keys.").arg(sourceName, ivalueKind(entry.key())));
        const std::string name = entry.key().toStringRef();
        const QString qname = QString::fromStdString(name);
        if (!entry.value().isTensor())
            return R::failure(tr("%1: entry \"%2\" is a %3, not a tensor.").arg(sourceName, qname, ivalueKind(entry.value())));
        const at::Tensor &tensor = entry.value().toTensor();
        if (const QString problem = checkTensorRecord(tensor, records); !problem.isEmpty())
            return R::failure(tr("%1 is damaged: the tensor \"%2\" %3.").arg(sourceName, qname, problem));
        try {
            at::Tensor value = tensor.to(at::kFloat).contiguous();
            if (const int64_t bad = nonFiniteCount(value); bad > 0) {
                return R::failure(tr("%1: the tensor \"%2\" holds %3 NaN or infinite values; these weights cannot be used.")
                                      .arg(sourceName, qname)
                                      .arg(bad));
            }
            out[name] = std::move(value);
        } catch (const std::exception &e) {
            return R::failure(tr("%1: entry \"%2\" cannot be read: %3").arg(sourceName, qname, firstLine(e.what())));
        }
    }
    if (out.empty())
        return R::failure(tr("%1 holds an empty dict, not model weights.").arg(sourceName));
    return out;
}

Result<TorchStateDict> loadTorchStateDict(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Result<TorchStateDict>::failure(tr("%1 does not exist.").arg(path));
    if (!info.isFile())
        return Result<TorchStateDict>::failure(tr("%1 is not a file.").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<TorchStateDict>::failure(tr("%1 cannot be read: %2").arg(path, file.errorString()));
    return parseTorchStateDict(file.readAll(), path);
}

Result<QByteArray> serializeTorchStateDict(const TorchStateDict &dict)
{
    try {
        c10::Dict<std::string, at::Tensor> out;
        for (const auto &[name, tensor] : dict) {
            at::Tensor value = tensor.to(at::kCPU).contiguous();
            // A model that diverged is never written: NaN or Inf weights would tag everything alike.
            if (at::isFloatingType(value.scalar_type())) {
                if (const int64_t bad = nonFiniteCount(value); bad > 0) {
                    return Result<QByteArray>::failure(tr("The weights were not saved: the tensor \"%1\" holds %2 NaN or "
                                                          "infinite values (did the training diverge?).")
                                                           .arg(QString::fromStdString(name))
                                                           .arg(bad));
                }
            }
            out.insert(name, value);
        }
        const std::vector<char> bytes = torch::pickle_save(c10::IValue(out));
        return QByteArray(bytes.data(), qsizetype(bytes.size()));
    } catch (const std::exception &e) {
        return Result<QByteArray>::failure(tr("The weights could not be serialized: %1").arg(firstLine(e.what())));
    }
}

} // namespace detail

int64_t TensorData::elementCount() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

QString TensorData::shapeText() const
{
    if (shape.empty())
        return QStringLiteral("scalar");
    QStringList parts;
    for (int64_t d : shape)
        parts << QString::number(d);
    return parts.join(QStringLiteral(" x "));
}

Result<StateDict> parseStateDict(const QByteArray &bytes, const QString &sourceName)
{
    auto torchDict = detail::parseTorchStateDict(bytes, sourceName);
    if (!torchDict)
        return Result<StateDict>::failure(torchDict.error());
    StateDict out;
    for (const auto &[name, tensor] : torchDict.value()) {
        TensorData data;
        data.shape = tensor.sizes().vec();
        const float *p = tensor.data_ptr<float>();
        data.values.assign(p, p + tensor.numel());
        out.emplace(QString::fromStdString(name), std::move(data));
    }
    return out;
}

Result<StateDict> loadStateDict(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Result<StateDict>::failure(tr("%1 does not exist.").arg(path));
    if (!info.isFile())
        return Result<StateDict>::failure(tr("%1 is not a file.").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<StateDict>::failure(tr("%1 cannot be read: %2").arg(path, file.errorString()));
    return parseStateDict(file.readAll(), path);
}

Result<QByteArray> serializeStateDict(const StateDict &dict)
{
    detail::TorchStateDict torchDict;
    for (const auto &[name, data] : dict) {
        if (data.elementCount() != int64_t(data.values.size())) {
            return Result<QByteArray>::failure(tr("Tensor \"%1\" has shape %2 but %3 values.")
                                                   .arg(name, data.shapeText())
                                                   .arg(data.values.size()));
        }
        at::Tensor t = at::empty(data.shape, at::kFloat);
        std::copy(data.values.begin(), data.values.end(), t.data_ptr<float>());
        torchDict[name.toStdString()] = t;
    }
    return detail::serializeTorchStateDict(torchDict);
}

Status saveStateDict(const StateDict &dict, const QString &path)
{
    auto bytes = serializeStateDict(dict);
    if (!bytes)
        return Status::failure(bytes.error());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes.value()) != bytes->size() || !file.commit())
        return Status::failure(tr("%1 could not be written: %2").arg(path, file.errorString()));
    return {};
}

} // namespace taglane::engine
