"""Differential cross-check of dscost's two readers: the same network as ONNX and as onnx2tf's TFLite.

What it stresses: the ONNX reader and the TFLite reader on one network each.  torchvision models
exported by torch's TorchScript exporter (opset 17, random weights, batch 1, 1x3x96x96) and small
onnx.helper graphs of ops that convert interestingly (Gemm and MatMul on 3-D, grouped and dilated
Conv, ConvTranspose with cropping pads and output_padding, a self-attention block, LayerNormalization,
LSTM and GRU, nearest and linear Resize, constant and reflect Pad, stride-2 depthwise convs with
asymmetric and SAME_UPPER pads, a BatchNorm that folds and one that cannot) are converted by
onnx2tf (its default float32 and float16 files; with ``--quant`` also ``-oiqt``: dynamic-range,
integer and full-integer int8 and int16-activation files), and ``dscost analyze FILE -f json -q``
counts the .onnx and every .tflite.  Totals compared: MACs, weights, biases, norm params, buffers
and the uncounted list.  Each model's conversion and each count runs in a process of its own.

Install (a venv of its own; TensorFlow and onnx2tf are not dscost dependencies):

    python3.11 -m venv /tmp/r33/venv && /tmp/r33/venv/bin/pip install uv
    uv pip install --python /tmp/r33/venv/bin/python torch==2.14.1 torchvision onnx onnxruntime onnx2tf \
        tensorflow-cpu tf_keras tflite ai-edge-litert onnx-graphsurgeon sng4onnx onnxsim psutil typer rich pydantic pyyaml
    PYTHONPATH=. /tmp/r33/venv/bin/python benchmarks/crosscheck_onnx2tf.py --out /tmp/r33/out --quant
    PYTHONPATH=. /tmp/r33/venv/bin/python benchmarks/crosscheck_onnx2tf.py --out /tmp/r33/out --table

onnx2tf needs ``tf_keras`` (not pulled in by its wheel), and for a 4-D 3-channel input it
downloads 20 sample images unless ``calibration_image_sample_data_20x128x128x3_float32.npy`` is in
its working directory: the script writes random ones there (this machine has no network).

As run 2026-12-06, Linux x86_64, 2-core VM, Python 3.11.7: torch 2.14.1, torchvision 0.29.2,
onnx 1.23.2, onnxruntime 1.32.0, onnx2tf 1.28.8, onnxsim 0.8.1, onnx-graphsurgeon 0.6.1,
sng4onnx 2.0.1, tensorflow(-cpu) 2.21.0, tf_keras 2.21.0, Keras 3.15.1, tflite 2.18.0,
ai-edge-litert 2.3.0.  23 ONNX files, 20 converted, 85 TFLite files counted (7 per torchvision model:
float32, float16, dynamic-range, integer and full-integer int8, both with int16 activations; 2 per
hand-made graph); every dscost run exit 0, no traceback, nothing uncounted in any file; ~15 min.

RESULTS (MACs / weights / biases / norm params; TFLite = the float32 file; the float16, dynamic-range,
integer and full-integer int8 files of the torchvision models give the float32 file's numbers):

| model | ONNX MACs | TFLite MACs | ONNX W / B / N | TFLite W / B / N |
|---|---:|---:|---|---|
| mobilenet_v2 | 56,289,152 | equal | 3,469,760 / 18,056 / 0 | 3,469,760 / 17,056 / 0 |
| mobilenet_v3_small | 12,071,360 | equal | 2,525,832 / 10,968 / 0 | 2,525,832 / 8,944 / 0 |
| resnet18 | 333,615,104 | equal | 11,678,912 / 5,800 / 0 | equal |
| squeezenet1_1 | 55,476,928 | equal | 1,231,552 / 3,944 / 0 | equal |
| shufflenet_v2_x0_5 | 8,270,368 | onnx2tf fails | 1,357,840 / 4,976 / 0 | -- |
| efficientnet_b0 | 72,420,832 | equal | 5,236,192 / 31,348 / 0 | 5,236,192 / 30,348 / 0 |
| regnet_y_400mf | 74,708,128 | equal | 4,310,784 / 19,784 / 0 | 4,310,784 / 18,784 / 0 |
| mnasnet0_5 | 20,230,688 | equal | 2,196,888 / 11,312 / 0 | 2,196,888 / 10,312 / 0 |
| googlenet (aux off) | 276,047,872 | equal | 6,609,344 / 8,280 / 0 | equal |
| densenet121 | 521,396,224 | equal | 7,894,208 / 8,488 / 68,672 (+68,672 buffers) | 7,928,544 / 10,240 / 0 |
| matmul3d (MatMul 3-D + Gemm) | 16,128 | equal | 5,376 / 58 / 0 | equal |
| grouped_dilated | 3,225,600 | equal | 8,064 / 56 / 0 | equal |
| conv_transpose | 320,000 | equal | 2,336 / 8 / 0 | equal |
| attention | 58,368 | equal | 4,096 / 32 / 0 | equal |
| layernorm | 6,144 | equal | 512 / 0 / 64 | 544 / 32 / 0 |
| lstm, gru (no initial state) | 38,400; 28,800 | onnx2tf fails | 3,840 / 192; 2,880 / 144 | -- |
| lstm_h0 | 38,400 | equal | 3,840 / 192 / 0 | 3,840 / 96 / 0 (float16 equal since the fix below; 3,840 / **0** before) |
| gru_h0_lbr0 | 28,800 | equal | 2,880 / 144 / 0 | 2,880 / 72 / 0 (float16 equal) |
| gru_h0_lbr1 | 28,800 | equal | 2,880 / 144 / 0 | 2,880 / 96 / 0 (float16 equal since the fix below; 2,880 / **72** before) |
| resize_pad | 516,096 | equal | 504 / 12 / 0 | equal |
| dw_same | 132,888 | equal | 1,128 / 40 / 0 | 1,128 / 64 / 0 |
| batchnorm | 165,888 | equal | 1,152 / 0 / 64 (+64 buffers) | 1,168 / 32 / 0 |

MACs are equal on all 20 converted networks, in all 85 TFLite files, and are the hand counts of
the hand-made graphs (matmul3d 8x32x48 + 384x10; grouped_dilated 32x20x20x4x9 + 24x20x20x32x9;
conv_transpose 16x10x10x8x16 + 8x20x20x4x9, the input-side count, so onnx2tf's larger 22x22 and
42x42 outputs, cropped by a STRIDED_SLICE, do not change it; attention 4x12x32x32 + 2x12x12x32;
resize_pad 8x16x16x27 + 4x40x40x72; dw_same 16x14x14x9 + 24x14x14x16 + 24x7x7x25; LSTM 10 steps x
4x24x(16+24); GRU 10 x 3x24x(16+24)).

DIAGNOSES (every params difference):
- -1,000 / -2,024 biases (mobilenet_v2, efficientnet_b0, regnet_y_400mf, mnasnet0_5 / mobilenet_v3_small
  its two Linear layers, densenet121 -1,000 of its +1,752): torchvision initialises these Linear biases
  to zero and the TFLite converter drops an all-zero FULLY_CONNECTED bias (docs/tflite.md: "an
  all-zero Dense bias is dropped").  resnet18, googlenet and squeezenet keep nonzero ones: equal.
- densenet121 +2,752 biases: every conv gets a bias in TFLite (docs/tflite.md: "writes a bias for every
  conv (all zero where the source layer had none)"): the 58 dense layers' 3x3 convs (58x32) and the
  three transition convs (128+256+512) had none in ONNX; net 2,752 - 1,000 = +1,752.
- densenet121 +34,336 weights, -68,672 norm params, -68,672 buffers: its 62 BatchNorms that cannot
  fold (after a concatenation, before ReLU) are ONNX BatchNormalization nodes (gamma+beta = 2 x 34,336
  norm params, running mean+var buffers: docs/onnx.md's convention) and in TFLite a MUL by the folded
  per-channel scale (34,336 weights); their shift is beta - mean x scale = 0 in an untrained model, so
  the ADD is dropped (docs/tflite.md: "an untrained model keeps only the multiply").
- batchnorm graph: BN 1 folds into the bias-less conv (16 biases), BN 2 after an Add becomes a MUL
  (16 weights) and an ADD (16 biases, its random shift is nonzero): 1,152+16 / 0+16+16, against
  ONNX's 2x(16+16) norm params and 64 buffers.
- layernorm: onnx2tf decomposes LayerNormalization (MEAN, SUB, MUL, ..., RSQRT) and its gamma and beta
  become a MUL (32 weights) and an ADD (32 biases) where ONNX counts them as 64 norm params.
- dw_same +24 biases: the bias-less SAME_UPPER depthwise conv gets a zero bias of 24 (the convention
  above).
- LSTM / GRU biases 192 -> 96 and 144 -> 72: onnx2tf adds Wb and Rb into one bias per gate (4x24,
  3x24); with linear_before_reset=1 the candidate's Rb stays apart (r * (R h + Rb)): 48 + 24 + 24 = 96.
  Both numbers right for their file.
- other ops (not compared) differ by the dropped bias adds, onnx2tf's rewrites (HardSigmoid's x/6+0.5
  folded into the conv before: 2 ops x 2,296 elements in mobilenet_v3_small; the transposed conv's bias
  added on its uncropped 22x22 output: +672; the decomposed LayerNorm; the loop counters) and the float16
  files' DEQUANTIZE of every weight (2 ops per element, noted "constant input: foldable").
- Not dscost's: onnx2tf 1.28.8 fails on shufflenet_v2_x0_5 (channel shuffle: "Number of groups must not
  be 0", input shape [0,24,0,0]; also at 224x224 and with -nuo), and on an LSTM/GRU node without
  initial states (a reshape of W to [4, H, 1]: it takes the (steps, batch, features) input as NCW; with
  -kat x, "initial_state not compatible with cell.state_size"; torch's exported nn.LSTM/GRU fail in an
  Expand).  With explicit zero initial states and -kat x (lstm_h0, gru_h0_*) it converts them to WHILE loops.

DSCOST BUG (TFLite reader), found here, fixed the same day (a loop operand the body passes on
unchanged is a constant of the body when the main graph holds it or dequantizes one): a WHILE whose loop-invariant constants are float16 and
dequantized outside the loop loses them.  onnx2tf's float16 file (TF's float16 weight quantization)
hoists the gate biases out of the body as float16 constants, DEQUANTIZEs them in the main graph and
passes the results as WHILE operands that the body passes on unchanged; the float32 file keeps them
as constants inside the body.  dscost counts the loop's body with only the body's constants (and a
DEQUANTIZE of one), so the float16 file's loop has 0 biases where the float32 file's has 96
(lstm_h0: 4 gates x 24), and gru_h0_lbr1 72 where it has 96.  Expected: the float32 file's 96 (docs/tflite.md:
"A dequantized constant (float16 or int8 weights) is counted as params by the layer using it"; a
WHILE's operand the body passes on unchanged is a captured weight).  Repro: ``lstm_h0`` below
(LSTM hidden 24, input 16, 10 steps, zero h0/c0, then Squeeze), ``onnx2tf -i lstm_h0.onnx -o out -n -kat x``;
dscost: .onnx 38,400 MACs / 3,840 W / 192 B; _float32.tflite 38,400 / 3,840 / 96; _float16.tflite
38,400 / 3,840 / 0 (should be 96; 96 since the fix).  Also (a note, not a count, fixed too): a counted
WHILE's file said "2 more subgraph(s) (bodies of control-flow ops or other signatures) not counted"
although the loop counts its body's ops and weights.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TORCHVISION = {
    "mobilenet_v2": {}, "mobilenet_v3_small": {}, "resnet18": {}, "squeezenet1_1": {},
    "shufflenet_v2_x0_5": {}, "efficientnet_b0": {}, "regnet_y_400mf": {}, "mnasnet0_5": {},
    "googlenet": {"aux_logits": False, "init_weights": True}, "densenet121": {},
}  # fmt: skip
SIZE = 96


def export_torchvision(name: str, out: Path) -> Path:
    import torch
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None, **TORCHVISION[name]).eval()
    path = out / f"{name}.onnx"
    torch.onnx.export(model, (torch.randn(1, 3, SIZE, SIZE),), str(path), opset_version=17, dynamo=False,
                      input_names=["input"], output_names=["output"])  # fmt: skip
    return path


def _hand_graphs():
    """Small onnx.helper graphs of ops that convert interestingly. name -> ModelProto."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)

    def w(name, *shape):
        return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)

    def model(nodes, inputs, outputs, inits, name):
        g = helper.make_graph(nodes, name,
                              [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
                              [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in outputs], inits)  # fmt: skip
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
        m.ir_version = 8
        return onnx.shape_inference.infer_shapes(m)

    def i64(name, vals):
        return numpy_helper.from_array(np.array(vals, dtype=np.int64), name)

    graphs = {}
    # Gemm on 2-D and MatMul on 3-D
    graphs["matmul3d"] = model(
        [helper.make_node("MatMul", ["x", "W1"], ["h"]), helper.make_node("Add", ["h", "b1"], ["h2"]),
         helper.make_node("Relu", ["h2"], ["h3"]),
         helper.make_node("Reshape", ["h3", "shp"], ["f"]),
         helper.make_node("Gemm", ["f", "W2", "b2"], ["y"], transB=1)],
        [("x", [1, 8, 32])], ["y"], [w("W1", 32, 48), w("b1", 48), i64("shp", [1, 8 * 48]), w("W2", 10, 8 * 48), w("b2", 10)],
        "matmul3d")  # fmt: skip
    # grouped and dilated conv
    graphs["grouped_dilated"] = model(
        [helper.make_node("Conv", ["x", "W1", "b1"], ["a"], group=4, kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         helper.make_node("Conv", ["a", "W2", "b2"], ["y"], dilations=[2, 2], kernel_shape=[3, 3], pads=[2, 2, 2, 2])],
        [("x", [1, 16, 20, 20])], ["y"], [w("W1", 32, 4, 3, 3), w("b1", 32), w("W2", 24, 32, 3, 3), w("b2", 24)],
        "grouped_dilated")  # fmt: skip
    # ConvTranspose stride 2, with and without bias
    graphs["conv_transpose"] = model(
        [helper.make_node("ConvTranspose", ["x", "W1", "b1"], ["a"], kernel_shape=[4, 4], strides=[2, 2], pads=[1, 1, 1, 1]),
         helper.make_node("ConvTranspose", ["a", "W2"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])],
        [("x", [1, 16, 10, 10])], ["y"], [w("W1", 16, 8, 4, 4), w("b1", 8), w("W2", 8, 4, 3, 3)],
        "conv_transpose")  # fmt: skip
    # self-attention block: q, k, v projections, scores, softmax, weighted sum, out projection
    T, D = 12, 32
    graphs["attention"] = model(
        [helper.make_node("MatMul", ["x", "Wq"], ["q"]), helper.make_node("MatMul", ["x", "Wk"], ["k"]),
         helper.make_node("MatMul", ["x", "Wv"], ["v"]),
         helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
         helper.make_node("MatMul", ["q", "kt"], ["s"]), helper.make_node("Mul", ["s", "scale"], ["s2"]),
         helper.make_node("Softmax", ["s2"], ["p"], axis=-1), helper.make_node("MatMul", ["p", "v"], ["o"]),
         helper.make_node("MatMul", ["o", "Wo"], ["o2"]), helper.make_node("Add", ["o2", "bo"], ["y"])],
        [("x", [1, T, D])], ["y"],
        [w("Wq", D, D), w("Wk", D, D), w("Wv", D, D), w("Wo", D, D), w("bo", D),
         numpy_helper.from_array(np.array([D ** -0.5], np.float32), "scale")], "attention")  # fmt: skip
    # LayerNormalization on (1, T, D)
    graphs["layernorm"] = model(
        [helper.make_node("LayerNormalization", ["x", "g", "b"], ["n"], axis=-1, epsilon=1e-5),
         helper.make_node("MatMul", ["n", "W"], ["y"])],
        [("x", [1, T, D])], ["y"], [w("g", D), w("b", D), w("W", D, 16)], "layernorm")  # fmt: skip
    # LSTM and GRU (forward, 1 layer) over 10 steps
    S, I, H = 10, 16, 24
    graphs["lstm"] = model(
        [helper.make_node("LSTM", ["x", "W", "R", "B"], ["y", "yh"], hidden_size=H)],
        [("x", [S, 1, I])], ["y"], [w("W", 1, 4 * H, I), w("R", 1, 4 * H, H), w("B", 1, 8 * H)], "lstm")  # fmt: skip
    z = numpy_helper.from_array(np.zeros((1, 1, H), np.float32), "h0")
    zc = numpy_helper.from_array(np.zeros((1, 1, H), np.float32), "c0")
    ax = i64("ax", [1])
    # the same with explicit zero initial states and the direction axis squeezed: onnx2tf converts these (with -kat x)
    graphs["lstm_h0"] = model(
        [helper.make_node("LSTM", ["x", "W", "R", "B", "", "h0", "c0"], ["y", "yh", "yc"], hidden_size=H),
         helper.make_node("Squeeze", ["y", "ax"], ["y2"])],
        [("x", [S, 1, I])], ["y2"], [w("W", 1, 4 * H, I), w("R", 1, 4 * H, H), w("B", 1, 8 * H), z, zc, ax], "lstm_h0")  # fmt: skip
    for lbr in (0, 1):
        graphs[f"gru_h0_lbr{lbr}"] = model(
            [helper.make_node("GRU", ["x", "W", "R", "B", "", "h0"], ["y", "yh"], hidden_size=H, linear_before_reset=lbr),
             helper.make_node("Squeeze", ["y", "ax"], ["y2"])],
            [("x", [S, 1, I])], ["y2"], [w("W", 1, 3 * H, I), w("R", 1, 3 * H, H), w("B", 1, 6 * H), z, ax], "gru")  # fmt: skip
    graphs["gru"] = model(
        [helper.make_node("GRU", ["x", "W", "R", "B"], ["y", "yh"], hidden_size=H, linear_before_reset=1)],
        [("x", [S, 1, I])], ["y"], [w("W", 1, 3 * H, I), w("R", 1, 3 * H, H), w("B", 1, 6 * H)], "gru")  # fmt: skip
    # Resize (nearest x2, then linear to a fixed size) and Pad (constant and reflect)
    graphs["resize_pad"] = model(
        [helper.make_node("Conv", ["x", "W", "b"], ["a"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         helper.make_node("Resize", ["a", "", "sc"], ["r"], mode="nearest"),
         helper.make_node("Pad", ["r", "pads"], ["p"], mode="constant"),
         helper.make_node("Resize", ["p", "", "", "sz"], ["r2"], mode="linear"),
         helper.make_node("Pad", ["r2", "pads"], ["p2"], mode="reflect"),
         helper.make_node("Conv", ["p2", "W2", "b2"], ["y"], kernel_shape=[3, 3])],
        [("x", [1, 3, 16, 16])], ["y"],
        [w("W", 8, 3, 3, 3), w("b", 8), numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "sc"),
         i64("pads", [0, 0, 1, 1, 0, 0, 1, 1]), i64("sz", [1, 8, 40, 40]), w("W2", 4, 8, 3, 3), w("b2", 4)],
        "resize_pad")  # fmt: skip
    # depthwise stride 2 with asymmetric ('SAME_UPPER'-like) pads, then a 1x1 conv
    graphs["dw_same"] = model(
        [helper.make_node("Conv", ["x", "Wd", "bd"], ["a"], group=16, kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1]),
         helper.make_node("Conv", ["a", "Wp", "bp"], ["b"], kernel_shape=[1, 1]),
         helper.make_node("Conv", ["b", "Wd2"], ["y"], group=24, kernel_shape=[5, 5], strides=[2, 2], auto_pad="SAME_UPPER")],
        [("x", [1, 16, 28, 28])], ["y"],
        [w("Wd", 16, 1, 3, 3), w("bd", 16), w("Wp", 24, 16, 1, 1), w("bp", 24), w("Wd2", 24, 1, 5, 5)], "dw_same")  # fmt: skip
    # BatchNormalization after a conv without bias, and one that cannot fold (after Add)
    graphs["batchnorm"] = model(
        [helper.make_node("Conv", ["x", "W"], ["a"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         helper.make_node("BatchNormalization", ["a", "g", "be", "m", "v"], ["n"]),
         helper.make_node("Add", ["n", "x2"], ["s"]),
         helper.make_node("BatchNormalization", ["s", "g2", "be2", "m2", "v2"], ["y"])],
        [("x", [1, 8, 12, 12]), ("x2", [1, 16, 12, 12])], ["y"],
        [w("W", 16, 8, 3, 3), w("g", 16), w("be", 16), w("m", 16),
         numpy_helper.from_array(np.abs(rng.standard_normal(16)).astype(np.float32) + 0.5, "v"),
         w("g2", 16), w("be2", 16), w("m2", 16),
         numpy_helper.from_array(np.abs(rng.standard_normal(16)).astype(np.float32) + 0.5, "v2")], "batchnorm")  # fmt: skip
    return graphs


def export_hand(name: str, out: Path) -> Path:
    import onnx

    path = out / f"{name}.onnx"
    onnx.save(_hand_graphs()[name], str(path))
    return path


HAND = ["matmul3d", "grouped_dilated", "conv_transpose", "attention", "layernorm", "lstm", "gru", "lstm_h0",
        "gru_h0_lbr0", "gru_h0_lbr1", "resize_pad", "dw_same", "batchnorm"]  # fmt: skip
# onnx2tf transposes a 3-D input as if it were NCW; a recurrent op's (steps, batch, features) must stay as it is
EXTRA_ARGS = {"lstm_h0": ["-kat", "x"], "gru_h0_lbr0": ["-kat", "x"], "gru_h0_lbr1": ["-kat", "x"]}


def convert(onnx_path: Path, out_dir: Path, extra: list[str], timeout: int = 600) -> tuple[int, str]:
    """onnx2tf in a process of its own; writes {stem}_float32/_float16.tflite (and the int8 files with -oiqt)."""
    import numpy as np

    # onnx2tf downloads 20 sample images (for its check of a 4-D input with 3 channels) unless the
    # file is in its working directory: random ones do, the check is not used here.
    sample = onnx_path.parent / "calibration_image_sample_data_20x128x128x3_float32.npy"
    if not sample.exists():
        np.save(sample, np.random.default_rng(0).random((20, 128, 128, 3), dtype=np.float32))
    cmd = [sys.executable, "-m", "onnx2tf", "-i", str(onnx_path.resolve()), "-o", str(out_dir.resolve()), "-n", *extra]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=onnx_path.parent, check=False)
    except subprocess.TimeoutExpired:
        return -1, "timeout"
    return r.returncode, (r.stdout + r.stderr)[-3000:]


def count(path: Path, timeout: int = 600) -> dict:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    cmd = [sys.executable, "-m", "dscost", "analyze", str(path), "-f", "json", "-q"]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"error": "timeout"}
    if r.returncode != 0:
        return {"error": f"exit {r.returncode}: {r.stderr[-1500:]}"}
    return json.loads(r.stdout)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/onnx2tf_crosscheck")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--stage", choices=["export", "convert", "count", "all"], default="all")
    ap.add_argument("--quant", action="store_true", help="also onnx2tf -oiqt (dynamic-range, integer, full-integer int8 and "
                    "int16-activation files; calibrated on the sample images) for the torchvision models")
    ap.add_argument("--table", action="store_true", help="only print the table of the counts already made")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    names = a.only or (list(TORCHVISION) + HAND)
    if a.table:
        return table(out, names)
    for name in names:
        t0 = time.time()
        src = out / f"{name}.onnx"
        if a.stage in ("export", "all") and not src.exists():
            (export_torchvision if name in TORCHVISION else export_hand)(name, out)
        tdirs = [(out / f"{name}_tf", EXTRA_ARGS.get(name, []))]
        if a.quant and name in TORCHVISION:
            tdirs.append((out / f"{name}_q", ["-oiqt"]))
        for tdir, extra in tdirs:
            if a.stage in ("convert", "all") and not tdir.exists():
                rc, log = convert(src, tdir, extra)
                (out / f"{tdir.name}.convert.log").write_text(log)
                print(f"{name}: onnx2tf {' '.join(extra)} rc={rc} ({time.time() - t0:.0f}s)", flush=True)
        if a.stage in ("count", "all"):
            res = {"onnx": count(src)}
            for tdir, extra in tdirs:
                for f in sorted(tdir.glob("*.tflite")) if tdir.exists() else []:
                    if f.name not in res:
                        res[f.name] = count(f)
            (out / f"{name}.counts.json").write_text(json.dumps(res))
            print(f"{name}: counted {len(res)} files ({time.time() - t0:.0f}s)", flush=True)
    return 0


def table(out: Path, names: list[str]) -> int:
    """One row per file: MACs, weights, biases, norm params, uncounted, against the ONNX file's. Exit 1 on unequal MACs."""
    bad = 0
    for name in names:
        p = out / f"{name}.counts.json"
        if not p.exists():
            print(f"{name}: not counted")
            continue
        res = json.loads(p.read_text())
        ref = res["onnx"].get("totals")
        for key, r in res.items():
            if "error" in r:
                print(f"{name:20s} {key:45s} ERROR {r['error'][:200]}")
                bad += 1
                continue
            t = r["totals"]
            unc = [u.get("op") for u in r["uncounted"]]
            eq = "" if key == "onnx" else ("MACs equal" if t["macs"] == ref["macs"] else "MACs DIFFER")
            bad += eq == "MACs DIFFER"
            print(f"{name:20s} {key.replace(name + '_', ''):45s} {t['macs']:>13,} {t['weights']:>11,} {t['biases']:>7,} "
                  f"{t['norm_params']:>6,} {t['buffers']:>6,} {len(unc):>3} {eq}")  # fmt: skip
        if len(res) == 1:
            print(f"{name:20s} (no TFLite file: onnx2tf failed)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
