#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Python peer for bench_inference: the same MagnaTagATune architectures as
plain PyTorch modules in eval mode (the way the published models are usually
run), the same checkpoints, chunking, batch size and thread counts.

Usage: python_peer.py SAMPLES.f32 PRETRAINED_DIR --threads 1,2 [--repeats 3] [--batch 8]
SAMPLES.f32 holds mono float32 samples at 16 kHz (raw, native byte order).
Prints one JSON object per model and thread count.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

RATE = 16000


class Spectrogram(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("window", torch.hann_window(512))

    def forward(self, x):
        spec = torch.stft(x, 512, 256, 512, self.window, center=True, pad_mode="reflect",
                          normalized=False, onesided=True, return_complex=True)
        return spec.abs().pow(2.0)


class MelScale(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("fb", torch.zeros(257, 96))

    def forward(self, power):
        return torch.matmul(power.transpose(-1, -2), self.fb).transpose(-1, -2)


class MelSpec(nn.Module):
    def __init__(self):
        super().__init__()
        self.spectrogram = Spectrogram()
        self.mel_scale = MelScale()

    def forward(self, x):
        return self.mel_scale(self.spectrogram(x))


def to_db(x):
    return 10.0 * torch.log10(torch.clamp(x, min=1e-10))


class Conv2dBlock(nn.Module):
    def __init__(self, cin, cout, pool):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.bn = nn.BatchNorm2d(cout)
        self.mp = nn.MaxPool2d(pool)

    def forward(self, x):
        return self.mp(F.relu(self.bn(self.conv(x))))


class Conv1dBlock(nn.Module):
    def __init__(self, cin, cout, k=7):
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, k, padding=k // 2)
        self.bn = nn.BatchNorm1d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Vertical(nn.Module):
    def __init__(self, height):
        super().__init__()
        self.conv = nn.Conv2d(1, 204, (height, 7), padding=(0, 3))
        self.bn = nn.BatchNorm2d(204)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        return F.max_pool2d(x, (x.size(2), 1)).squeeze(2)


class Horizontal(nn.Module):
    def __init__(self, length):
        super().__init__()
        self.conv = nn.Conv1d(1, 51, length, padding=length // 2)
        self.bn = nn.BatchNorm1d(51)

    def forward(self, x):
        x = F.avg_pool2d(x, (x.size(2), 1)).squeeze(2)
        return F.relu(self.bn(self.conv(x)))


class Frontend(nn.Module):
    def __init__(self):
        super().__init__()
        self.spec = MelSpec()
        self.spec_bn = nn.BatchNorm2d(1)

    def spectrogram(self, x):
        return self.spec_bn(to_db(self.spec(x)).unsqueeze(1))


class Musicnn(Frontend):
    chunk = 48000

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([Vertical(67), Vertical(38), Horizontal(129), Horizontal(65), Horizontal(33)])
        self.layer1 = Conv1dBlock(561, 64)
        self.layer2 = Conv1dBlock(64, 64)
        self.layer3 = Conv1dBlock(64, 64)
        self.dense1 = nn.Linear(1506, 200)
        self.bn = nn.BatchNorm1d(200)
        self.dense2 = nn.Linear(200, 50)

    def forward(self, x):
        x = self.spectrogram(x)
        out = torch.cat([layer(x) for layer in self.layers], dim=1)
        res1 = self.layer1(out)
        res2 = self.layer2(res1) + res1
        res3 = self.layer3(res2) + res2
        out = torch.cat([out, res1, res2, res3], 1)
        length = out.size(2)
        out = torch.cat([F.max_pool1d(out, length), F.avg_pool1d(out, length)], dim=1).squeeze(2)
        out = F.relu(self.bn(self.dense1(out)))
        return torch.sigmoid(self.dense2(out))


class FCN(Frontend):
    chunk = 464000

    def __init__(self):
        super().__init__()
        self.layer1 = Conv2dBlock(1, 64, (2, 4))
        self.layer2 = Conv2dBlock(64, 128, (2, 4))
        self.layer3 = Conv2dBlock(128, 128, (2, 4))
        self.layer4 = Conv2dBlock(128, 128, (3, 5))
        self.layer5 = Conv2dBlock(128, 64, (4, 4))
        self.dense = nn.Linear(64, 50)

    def forward(self, x):
        x = self.spectrogram(x)
        for layer in (self.layer1, self.layer2, self.layer3, self.layer4, self.layer5):
            x = layer(x)
        return torch.sigmoid(self.dense(x.view(x.size(0), -1)))


class CRNN(Frontend):
    chunk = 464000

    def __init__(self):
        super().__init__()
        self.layer1 = Conv2dBlock(1, 64, 2)
        self.layer2 = Conv2dBlock(64, 128, 3)
        self.layer3 = Conv2dBlock(128, 128, 4)
        self.layer4 = Conv2dBlock(128, 128, 4)
        self.layer5 = nn.GRU(128, 32, 2, batch_first=True)
        self.dense = nn.Linear(32, 50)

    def forward(self, x):
        x = self.spectrogram(x)
        for layer in (self.layer1, self.layer2, self.layer3, self.layer4):
            x = layer(x)
        x = x.squeeze(2).permute(0, 2, 1)
        x, _ = self.layer5(x)
        return torch.sigmoid(self.dense(x[:, -1, :]))


MODELS = {"musicnn": Musicnn, "fcn": FCN, "crnn": CRNN}


def chunks(samples, chunk):
    starts = list(range(0, samples.numel(), chunk))
    out = torch.zeros(len(starts), chunk)
    for i, s in enumerate(starts):
        piece = samples[s:s + chunk]
        out[i, :piece.numel()] = piece
    return out


def run(model, batches):
    rows = []
    with torch.no_grad():
        for b in batches:
            rows.append(model(b))
    return torch.cat(rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("samples")
    parser.add_argument("pretrained")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--models", default="musicnn,fcn,crnn")
    args = parser.parse_args()

    samples = torch.from_numpy(__import__("numpy").fromfile(args.samples, dtype="float32").copy())
    duration = samples.numel() / RATE
    for name in args.models.split(","):
        model = MODELS[name]()
        model.load_state_dict(torch.load(f"{args.pretrained}/mtat-{name}.pth", map_location="cpu"), strict=True)
        model.eval()
        data = chunks(samples, model.chunk)
        batches = list(torch.split(data, args.batch))
        for threads in [int(t) for t in args.threads.split(",")]:
            torch.set_num_threads(threads)
            run(model, batches[:1])   # warm-up
            best = float("inf")
            for _ in range(args.repeats):
                start = time.perf_counter()
                run(model, batches)
                best = min(best, time.perf_counter() - start)
            print(json.dumps({"model": name, "threads": threads, "chunks": data.size(0), "seconds": best,
                              "realtime": duration / best}), flush=True)


if __name__ == "__main__":
    main()
