"""PaddlePaddle cross-check: paddle.vision's classification models, a paddle.nn
TransformerEncoder and 2-layer bidirectional LSTM, GRU and SimpleRNN, exported with ``paddle.onnx.export`` (paddle2onnx) and read by
``dscost.analyze(path)``, against Paddle's own counts:

* MACs: the Conv2D and Linear rows of ``paddle.flops(net, size, print_detail=True)``, Paddle's
  counter, which adds one op per output element for a conv's bias (taken out here; dscost
  counts bias adds apart) and none for a Linear's; its other rows (BatchNorm, pooling,
  activations) are ops dscost reports apart as "other ops".  The TransformerEncoder has no
  row of its own there, so its MACs are the formula's: per layer 3 and 1 projections of
  S x D x D, the scores and their weighted sum 2 x S x S x D, the feed-forward 2 x S x D x F;
  the recurrent nets', gates x (input x H + H x H) per step, direction and layer.  paddle2onnx
  2.1 drops SimpleRNN's RNN node: dscost refuses that file (onnxruntime does too), and says so.
* params: ``sum(p.numel() for p in net.parameters() if p.trainable)``; BatchNorm's running
  mean and variance are Paddle parameters that do not train, and dscost's buffers.

Random weights (nothing is downloaded).  Needs a venv with ``pip install paddlepaddle
paddle2onnx`` and dscost (``pip install -e .``):

    python benchmarks/crosscheck_paddle.py [--only resnet18,mobilenet_v2] [--opset 13]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
import warnings
from math import prod
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

VISION = ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "resnet18", "resnet50", "resnext50_32x4d",
          "wide_resnet50_2", "vgg11", "alexnet", "squeezenet1_1", "shufflenet_v2_x1_0", "shufflenet_v2_swish", "densenet121",
          "googlenet", "inception_v3"]  # fmt: skip
# TransformerEncoder: S tokens of width D, F wide feed-forward, L layers
S, D, F, HEADS, LAYERS = 16, 64, 128, 4, 2


def paddle_macs(paddle, net, size: int) -> int:
    """MACs of the Conv2D and Linear rows of paddle.flops' table, its conv bias adds taken out."""
    if not getattr(paddle.Tensor, "_dscost_int", False):  # paddle.flops calls int() on a shape-[1] tensor, which numpy 2 refuses
        import numpy as np

        paddle.Tensor.__int__ = lambda self: int(np.array(self).reshape(-1)[0])
        paddle.Tensor._dscost_int = True
    layers = {layer.full_name(): layer for layer in net.sublayers()}
    table = io.StringIO()
    with contextlib.redirect_stdout(table):
        paddle.flops(net, [1, 3, size, size], print_detail=True)
    macs = 0
    for line in table.getvalue().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        layer = layers.get(cells[0]) if len(cells) == 5 else None
        if isinstance(layer, (paddle.nn.Conv2D, paddle.nn.Linear)):
            bias = isinstance(layer, paddle.nn.Conv2D) and layer.bias is not None
            macs += int(cells[4]) - (prod(json.loads(cells[2])) if bias else 0)
    return macs


@contextlib.contextmanager
def quiet():
    """paddle2onnx prints from C++ to the process's stdout and stderr: silence the descriptors."""
    sys.stdout.flush(), sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1), os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved[0], 1), os.dup2(saved[1], 2)
            os.close(saved[0]), os.close(saved[1])


# 2-layer bidirectional recurrent nets on (1, T, IN): gates x (input x H + H x H) per step,
# direction and layer, the second layer's input the first's two directions (2H)
T, IN, H = 10, 16, 32
GATES = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}


def rnn_macs(cell: str) -> int:
    return GATES[cell] * T * 2 * ((IN * H + H * H) + (2 * H * H + H * H))


def rnn_net(paddle, cell: str):
    class Net(paddle.nn.Layer):
        def __init__(self):
            super().__init__()
            self.rnn = getattr(paddle.nn, cell)(IN, H, num_layers=2, direction="bidirect")

        def forward(self, x):
            return self.rnn(x)[0]

    return Net()


def encoder_macs() -> int:
    per_layer = 4 * S * D * D + 2 * S * S * D + 2 * S * D * F
    return LAYERS * per_layer


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="comma-separated model names (default: all)")
    ap.add_argument("--opset", type=int, default=13, help="the ONNX opset paddle2onnx writes (default 13)")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    import paddle

    import dscost
    from dscost.errors import InputError

    paddle.set_device("cpu")
    names = VISION + ["transformer_encoder", "LSTM", "GRU", "SimpleRNN"]
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    rows, equal, refused = [], 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            t0 = time.perf_counter()
            size = 299 if name == "inception_v3" else 224
            if name in GATES:
                net = rnn_net(paddle, name)
                spec = [paddle.static.InputSpec([1, T, IN], "float32", "x")]
            elif name == "transformer_encoder":
                layer = paddle.nn.TransformerEncoderLayer(d_model=D, nhead=HEADS, dim_feedforward=F, dropout=0.0)
                net = paddle.nn.TransformerEncoder(layer, LAYERS)
                spec = [paddle.static.InputSpec([1, S, D], "float32", "x")]
            else:
                net = getattr(paddle.vision.models, name)(pretrained=False)
                spec = [paddle.static.InputSpec([1, 3, size, size], "float32", "x")]
            net.eval()
            with quiet():
                paddle.onnx.export(net, f"{tmp}/{name}", input_spec=spec, opset_version=args.opset)
            ref_macs = rnn_macs(name) if name in GATES else encoder_macs() if name == "transformer_encoder" else paddle_macs(paddle, net, size)
            ref_params = sum(int(p.numel()) for p in net.parameters() if p.trainable)
            try:
                a = dscost.analyze(f"{tmp}/{name}.onnx")
            except InputError as err:  # (a file onnxruntime cannot load either)
                refused.append(f"{name}: refused: {str(err).split(': ', 1)[1]}")
                print(f"{name}: refused", file=sys.stderr, flush=True)
                continue
            same = (a.totals.macs, a.totals.params) == (ref_macs, ref_params) and not a.model.uncounted
            equal += same
            rows.append((name, a.totals.macs, ref_macs, a.totals.params, ref_params, len(a.model.uncounted), time.perf_counter() - t0))
            print(f"{name}: {'equal' if same else 'DIFFERENT'}", file=sys.stderr, flush=True)
    print(f"paddle {paddle.__version__}, paddle2onnx opset {args.opset}, {time.strftime('%Y-%m-%d')}\n")
    print("| model | dscost MACs | Paddle MACs | dscost params | Paddle params | uncounted | s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, m, rm, p, rp, u, s in rows:
        print(f"| {name} | {m:,} | {rm:,}{'' if m == rm else ' (DIFF)'} | {p:,} | {rp:,}{'' if p == rp else ' (DIFF)'} | {u} | {s:.1f} |")
    print(f"\n{equal} of {len(rows)} equal in MACs and params, nothing uncounted")
    for line in refused:
        print(f"\n{line}")
    return 0 if equal == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
