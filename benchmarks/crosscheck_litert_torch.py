"""litert-torch cross-check: dscost's TFLite counts of PyTorch models converted by litert-torch.

litert-torch (formerly ai-edge-torch) converts a PyTorch module to a ``.tflite`` file without
TensorFlow.  For each model (random weights, no download):

1. reference MACs: ``torch.utils.flop_counter.FlopCounterMode`` (FLOPs / 2) for the CNNs; for
   the attention and LSTM models, whose eval-mode fast paths torch's counter does not see, the
   hand count written below (EXPECTED); params: ``sum(p.numel() for p in model.parameters())``;
2. ``litert_torch.convert(model.eval(), args).export(OUT/<name>.tflite)`` (default OUT =
   /work/litert; never into the repository);
3. ``python -m dscost analyze OUT/<name>.tflite -f json -q``.

Params differ by the TFLite conventions of docs/tflite.md (BatchNorm folded into the convs, a
bias per conv, merged biases counted per op unless after the same kernel).  As run
2026-12-06 (litert-torch 0.10.0, torch 2.14.1): MACs equal on all six; params resnet18 11,684,712
(torch 11,689,512), mobilenet_v3_small 2,534,776 (2,542,856), efficientnet_b0 5,266,540 (5,288,548),
vit_tiny 73,856 (75,082), text_encoder 97,610 (131,594), lstm 16,181 (15,989).  Needs ``pip install litert-torch torchvision``.

    python benchmarks/crosscheck_litert_torch.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

# Hand counts (MACs) where torch's counter misses the fused eval paths:
#   vit_tiny: 32x32 image, 4x4 patches -> 64 + 1 tokens of 64, 2 blocks (4 heads, MLP 128), 10 classes:
#     patches 64*48*64 + 2 * (qkv 65*64*192 + scores and sum 2*4*65*65*16 + out 65*64*64 + MLP 2*65*64*128) + head 64*10
#   text_encoder: 16 tokens of 64, 2 nn.TransformerEncoderLayer (4 heads, feed-forward 128), head 64 -> 10:
#     2 * (qkv 16*64*192 + 2*4*16*16*16 + out 16*64*64 + 2*16*64*128) + 64*10
#   lstm: nn.LSTM(32, 48) over 16 steps, then 48 -> 5: 16 * 4*48*(32+48) + 48*5, less the first step's
#     recurrent matmul (4*48*48), which the converter folds away: the initial state is zero
EXPECTED = {
    "vit_tiny": 64 * 48 * 64 + 2 * (65 * 64 * 192 + 2 * 4 * 65 * 65 * 16 + 65 * 64 * 64 + 2 * 65 * 64 * 128) + 64 * 10,
    "text_encoder": 2 * (16 * 64 * 192 + 2 * 4 * 16 * 16 * 16 + 16 * 64 * 64 + 2 * 16 * 64 * 128) + 64 * 10,
    "lstm": 16 * 4 * 48 * (32 + 48) + 48 * 5 - 4 * 48 * 48,
}


def models():
    import torch
    import torchvision

    class TextEncoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(1000, 64)
            layer = torch.nn.TransformerEncoderLayer(64, 4, 128, batch_first=True, dropout=0.0)
            self.enc = torch.nn.TransformerEncoder(layer, 2)
            self.head = torch.nn.Linear(64, 10)

        def forward(self, ids):
            return self.head(self.enc(self.emb(ids)).mean(1))

    class LSTMNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(32, 48, batch_first=True)
            self.fc = torch.nn.Linear(48, 5)

        def forward(self, x):
            return self.fc(self.lstm(x)[0][:, -1])

    torch.manual_seed(0)
    image = (torch.randn(1, 3, 224, 224),)
    return {
        "resnet18": (torchvision.models.resnet18(), image),
        "mobilenet_v3_small": (torchvision.models.mobilenet_v3_small(), image),
        "efficientnet_b0": (torchvision.models.efficientnet_b0(), image),
        "vit_tiny": (torchvision.models.VisionTransformer(image_size=32, patch_size=4, num_layers=2, num_heads=4, hidden_dim=64,
                                                         mlp_dim=128, num_classes=10), (torch.randn(1, 3, 32, 32),)),  # fmt: skip
        "text_encoder": (TextEncoder(), (torch.randint(0, 1000, (1, 16)),)),
        "lstm": (LSTMNet(), (torch.randn(1, 16, 32),)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/work/litert"), help="folder for the .tflite files")
    ap.add_argument("--dscost", default=f"{sys.executable} -m dscost", help="command that runs dscost")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    import litert_torch
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    rows = []
    for name, (model, inputs) in models().items():
        model.eval()
        with FlopCounterMode(display=False) as counter, torch.no_grad():
            model(*inputs)
        expected = EXPECTED.get(name, counter.get_total_flops() // 2)
        params = sum(p.numel() for p in model.parameters())
        path = args.out / f"{name}.tflite"
        litert_torch.convert(model, inputs).export(str(path))
        run = subprocess.run([*shlex.split(args.dscost), "analyze", str(path), "-f", "json", "-q"], capture_output=True, text=True)
        got = json.loads(run.stdout)["totals"] if run.returncode == 0 else None
        rows.append((name, "hand" if name in EXPECTED else "torch", expected, got, params))
    print(f"{'model':<20} {'reference':>9} {'expected MACs':>14} {'dscost MACs':>14} {'torch params':>13} {'dscost params':>14}")
    for name, source, expected, got, params in rows:
        macs, ours = (f"{got['macs']:,}", f"{got['params']:,}") if got else ("error", "")
        print(f"{name:<20} {source:>9} {expected:>14,} {macs:>14} {params:>13,} {ours:>14}")


if __name__ == "__main__":
    main()
