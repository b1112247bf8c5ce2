"""Cross-check dscost's ONNX counts against PyTorch's own FLOP counter.

Builds a few PyTorch models (a MobileNetV2 written out layer by layer, a
ResNet-style network, and a mix of ConvTranspose / Conv1d / Conv3d / LayerNorm /
attention matmuls), exports each to ONNX with torch.onnx, runs
`dscost analyze --format json` on the file, and prints one table: MACs from
`torch.utils.flop_counter.FlopCounterMode` (FLOPs / 2) against dscost's, and
PyTorch's parameter count against dscost's learnable params.

The export runs in eval mode, so PyTorch folds each BatchNorm into the conv
before it: the ONNX graph has a conv bias (Cout) where the PyTorch model has
BN gamma/beta (2*Cout).  The "params (BN folded)" column accounts for that.

Needs torch (not a dscost dependency): `pip install torch onnx` in the same
environment as dscost.  Usage: python benchmarks/crosscheck_torch.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode


def conv_bn(i, o, k=3, s=1, g=1, act=nn.ReLU6):
    return nn.Sequential(nn.Conv2d(i, o, k, s, (k - 1) // 2, groups=g, bias=False), nn.BatchNorm2d(o), act(inplace=True))


class InvertedResidual(nn.Module):
    def __init__(self, i, o, stride, t):
        super().__init__()
        h = i * t
        layers = [conv_bn(i, h, 1)] if t != 1 else []
        layers += [conv_bn(h, h, 3, stride, h), nn.Conv2d(h, o, 1, bias=False), nn.BatchNorm2d(o)]
        self.body = nn.Sequential(*layers)
        self.skip = stride == 1 and i == o

    def forward(self, x):
        return x + self.body(x) if self.skip else self.body(x)


class MobileNetV2(nn.Module):
    def __init__(self):
        super().__init__()
        layers, i = [conv_bn(3, 32, 3, 2)], 32
        for t, c, n, s in [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]:
            for k in range(n):
                layers.append(InvertedResidual(i, c, s if k == 0 else 1, t))
                i = c
        layers.append(conv_bn(i, 1280, 1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, 1000))

    def forward(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


class BasicBlock(nn.Module):
    def __init__(self, i, o, stride):
        super().__init__()
        self.a = conv_bn(i, o, 3, stride, act=nn.ReLU)
        self.b = nn.Sequential(nn.Conv2d(o, o, 3, 1, 1, bias=False), nn.BatchNorm2d(o))
        self.proj = nn.Sequential(nn.Conv2d(i, o, 1, stride, bias=False), nn.BatchNorm2d(o)) if stride != 1 or i != o else nn.Identity()

    def forward(self, x):
        return torch.relu(self.b(self.a(x)) + self.proj(x))


class ResNetish(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks, i = [], 64
        for o, s in [(64, 1), (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1)]:
            blocks.append(BasicBlock(i, o, s))
            i = o
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(512, 1000)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class Mixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(16, 32, 4, 2, 1, groups=4)
        self.vol = nn.Conv3d(3, 8, 3, stride=(1, 2, 2), padding=1)
        self.seq = nn.Conv1d(8, 16, 5, dilation=2)
        self.norm = nn.LayerNorm(64)
        self.q, self.k, self.out = nn.Linear(64, 64), nn.Linear(64, 64), nn.Linear(64, 128)

    def forward(self, a, b, c, d):
        h = self.norm(d)
        attn = torch.softmax(self.q(h) @ self.k(h).transpose(-1, -2), -1)
        return self.up(a), self.vol(b), self.seq(c), self.out(attn @ h)


MODELS = {
    "mobilenet_v2": (MobileNetV2, [(1, 3, 224, 224)]),
    "resnet18-like": (ResNetish, [(1, 3, 224, 224)]),
    "mixed ops": (Mixed, [(1, 16, 8, 8), (1, 3, 8, 16, 16), (2, 8, 50), (2, 10, 64)]),
}


def main() -> int:
    torch.manual_seed(0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (cls, shapes) in MODELS.items():
            model = cls().eval()
            args = tuple(torch.randn(*s) for s in shapes)
            with FlopCounterMode(display=False) as counter:
                model(*args)
            torch_macs = counter.get_total_flops() // 2
            torch_params = sum(p.numel() for p in model.parameters())
            bn = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
            folded = torch_params - sum(m.num_features for m in bn)  # 2C gamma/beta become C conv bias
            path = Path(tmp) / f"{name.replace(' ', '_')}.onnx"
            torch.onnx.export(model, args, str(path), dynamo=False, opset_version=17)
            out = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), "--format", "json"], capture_output=True, text=True)
            if out.returncode != 0:
                rows.append((name, torch_macs, None, folded, None, out.stderr.strip()))
                continue
            totals = json.loads(out.stdout)["totals"]
            rows.append((name, torch_macs, totals["macs"], folded, totals["params"], ""))
    print(f"{'model':<14} {'torch MACs':>14} {'dscost MACs':>14} {'params (BN folded)':>19} {'dscost params':>14}  match")
    ok = True
    for name, tm, dm, tp, dp, err in rows:
        match = tm == dm and tp == dp
        ok &= match
        print(f"{name:<14} {tm:>14,} {dm if dm is None else format(dm, ','):>14} {tp:>19,} {dp if dp is None else format(dp, ','):>14}  {'yes' if match else 'NO ' + err}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
