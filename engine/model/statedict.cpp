// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/serialize.h>

#include "engine/model/statedict.h"
#include "engine/model/statedict_p.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <exception>

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

    c10::IValue root;
    try {
        const std::vector<char> data(bytes.constBegin(), bytes.constEnd());
        root = torch::pickle_load(data);
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
        if (!entry.value().isTensor()) {
            return R::failure(tr("%1: entry \"%2\" is a %3, not a tensor.")
                                  .arg(sourceName, QString::fromStdString(name), ivalueKind(entry.value())));
        }
        try {
            out[name] = entry.value().toTensor().to(at::kCPU).to(at::kFloat).contiguous();
        } catch (const std::exception &e) {
            return R::failure(tr("%1: entry \"%2\" cannot be read: %3")
                                  .arg(sourceName, QString::fromStdString(name), firstLine(e.what())));
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
        for (const auto &[name, tensor] : dict)
            out.insert(name, tensor.to(at::kCPU).contiguous());
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
