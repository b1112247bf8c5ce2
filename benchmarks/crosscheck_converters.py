"""Sixty-fourth blind round: converters and graph builders outside torch.onnx, as round trips that must not change the work.

What it stresses: ONNX files that tools other than torch.onnx rewrite, rebuild or write, each given to dscost (its
ONNX reader, and its PyTorch path for modules) and held to the work of the file it came from.  Sources (29 ONNX
files): torchvision mobilenet_v2, resnet18, efficientnet_b0, squeezenet1_1, shufflenet_v2_x0_5 at 1x3x64x64,
exported by ``torch.onnx.export(dynamo=False, opset_version=17)`` (every parameter and BN statistic perturbed,
seed 0), and three of them again with ``do_constant_folding=False`` (BatchNorm nodes kept, shapes computed in the
graph); 13 onnx.helper graphs (opset 17): a grouped Conv (groups 4), a dilated strided Conv, two ConvTranspose
(groups 2; output_padding), Gemm with transB and alpha, a 3-D MatMul and a batched activation MatMul, Einsum
``bij,bjk->bik``, LSTM, GRU (linear_before_reset), LayerNormalization + MatMul + bias Add, Conv -> Resize
(linear, scales) -> Conv, two Loops of trip count 3 (a body holding a Constant node ``[1, 8]`` for a Reshape;
a body passing its condition on through two Identity nodes) and a 4-step Scan whose body holds the same
Constant; 8 spox 0.18.2 graphs (ai.onnx v17, weights as spox's ``op.constant`` nodes): a grouped Conv, Gemm,
a broadcast MatMul 4x1x6x8 @ 3x8x5, two Einsum attention products, an Einsum with a constant weight, an If on an input flag (counted with ``input_values={"f": 1}``, as
``--input-value f=1``), and a Loop (3 steps of ``tanh(h @ W)``) written plainly and with ``op.identity(cond)``.
Round trips: (1) dscost on the file itself; (2) ``onnx2torch.convert(file)`` -> a torch.fx GraphModule, counted
through dscost's PyTorch path by the API with the example tensor (``dscost.analyze(gm, x)``) and with a shape
(``input_shape=``), and by the CLI on a factory (``dscost analyze conv.py:convert --arg name=NAME -i SHAPE -f json
-q``, one process each); (3) ``polygraphy surgeon sanitize FILE --fold-constants``; (4) ``polygraphy surgeon
extract`` of a run of middle layers of each torchvision net (``--inputs T:auto:auto --outputs T:auto``: 11-75
nodes); (5) pnnx 20261020 on a ``torch.jit.trace`` of resnet18, mobilenet_v2 and squeezenet1_1 (``pnnx m.pt
inputshape=[1,3,64,64]``): its ``*.pnnx.onnx`` and the ``*_pnnx.py`` module it writes beside it (API, and the CLI
``dscost analyze m_pnnx.py:Model -i 1x3x64x64`` in its folder, where it opens its ``.pnnx.bin``).

The oracle (written here, no dscost code): MACs from formulas on onnxruntime-measured shapes (every value of the
graph made an output, optimizations off): Conv prod(kernel) x Cin/g x Cout x N x prod(out spatial), ConvTranspose
N x Cin x prod(in spatial) x Cout/g x prod(kernel), Gemm M x K x N, MatMul prod(out) x K, LSTM / GRU seq x batch x
dirs x gates*H x (in + H); for the hand-built graphs also the hand count written with each (Loop: trip count x
body; If: the branch taken); params = the float initializers and Constant nodes of more than one element the
file stores, less a Resize's scales, shape inputs and BatchNorm's running mean / var (buffers); for the converted
module torch's ``FlopCounterMode`` FLOPs / 2 of one forward and ``sum(p.numel())``; for extract, the same
formulas on the extracted file, which must equal the same nodes' MACs in the whole net; for pnnx the traced
torchvision module's FlopCounterMode and numel, and the pnnx module's own.  A row is "equal" when dscost gives
the oracle's MACs and params with nothing uncounted (onnx2torch rows: the file's and torch's count of the converted
module both), "explained" when it differs for a reason in EXPLAINED that the row still satisfies (a refusal of
one line; params + buffers = the file's), "DIFF" otherwise (a count, anything uncounted, a traceback), "n/a"
where the converter refuses the file (onnx2torch has no LSTM, GRU, If or Loop converter, nor a Conv whose weight
is a Constant node: ``KeyError: 'Constant_0_output'``).

Install: a venv over /tmp/tv (Python 3.11, torch 2.14.1 on the CPU, torchvision 0.29.1, onnx 1.23.2, onnxruntime
1.32.0) and ``uv pip install --no-deps onnx2torch==1.5.15 polygraphy==0.53.6 onnx-graphsurgeon spox==0.18.2 pnnx``
(polygraphy's surgeon needs onnx-graphsurgeon; pnnx's wheel ships its binary).  Run from the checkout (OUT gets the
files, meta.json, conv.py and rows.jsonl; --reuse keeps the rows there, --only takes models, --no-cli skips the CLI):

    cd CHECKOUT && /tmp/r64/venv/bin/python benchmarks/crosscheck_converters.py --out /tmp/r64/final2 --json /tmp/r64/final2_rows.json

One worker process per model (every run of it through the API, 900 s alarm), then its CLI run (600 s); one at a
time.  Exit 1 while a row is "DIFF" or "REFUSED" and not in EXPLAINED.  A benchmark: not run in CI.

As run 2026-12-07, Linux x86_64, 2-core VM (shared), Python 3.11.7: torch 2.14.1 (+cu130 build, on the CPU),
torchvision 0.29.1, onnx 1.23.2, onnxruntime 1.32.0, onnx2torch 1.5.15, polygraphy 0.53.6, onnx-graphsurgeon
0.6.1, spox 0.18.2, pnnx 20261020.  32 models (29 ONNX files, 3 pnnx-traced modules), 139 rows, 130 dscost runs
(9 rows n/a: onnx2torch refuses the file), 0.0-6.0 s a run, 7 min in all; no hang or timeout.

First run, on the round's frozen copy (main 3d00620): 101 equal, 22 explained, 7 DIFF (3 a traceback: finding 1;
4 uncounted: finding 2); exit 1.  Again after the findings were fixed (f1ec376), every row as below; exit 0:

| run | equal | explained | DIFF | REFUSED | n/a |
|---|---:|---:|---:|---:|---:|
| onnx (the file) | 29 | 0 | 0 | 0 | 0 |
| onnx2torch_api (tensor) | 13 | 7 | 0 | 0 | 9 |
| onnx2torch_api_shape | 11 | 7 | 0 | 0 | 0 |
| onnx2torch_cli | 15 | 5 | 0 | 0 | 0 |
| polygraphy_sanitize (--fold-constants) | 29 | 0 | 0 | 0 | 0 |
| polygraphy_extract | 5 | 0 | 0 | 0 | 0 |
| pnnx_onnx (*.pnnx.onnx) | 0 | 3 | 0 | 0 | 0 |
| pnnx_py_api, pnnx_py_cli (*_pnnx.py) | 6 | 0 | 0 | 0 | 0 |
| total (139 rows) | 108 | 22 | 0 | 0 | 9 |

Every conv, transposed conv, Gemm, MatMul, Einsum, LSTM / GRU, LayerNormalization and Resize graph counts the
formula on its file, on its onnx2torch module (= torch's FlopCounterMode) and after polygraphy's folding, nothing
uncounted: mobilenet_v2 25,728,512 MACs / 3,487,816 params, resnet18 148,557,824 / 11,684,712, efficientnet_b0
33,246,592 / 5,267,540, squeezenet1_1 21,584,576 / 1,235,496, shufflenet_v2_x0_5 4,244,608 / 1,362,816 (the
folded files: torch's module has the BN gamma / beta too, +17,056 / +4,800 / +21,008 / 0 / +3,976; the three
unfolded files give torch's 11,689,512 / 3,504,872 / 1,366,792 and BN statistics as buffers, each way); every
extracted subgraph gives the formula on its own nodes, equal to the same nodes' MACs in the whole net
(3,056,640 / 33,554,432 / 4,064,064 / 5,299,200 / 262,656); pnnx's Python modules (BN fused by pnnx) give torch's
count of them and the traced module's MACs.  An If on an input flag counts its branch with the value given; the
Loops and the Scan count trip count x body (192 / 192 / 256 MACs, 64 params), before and after polygraphy's
sanitize (which moves body constants into the body's initializers).

FINDINGS (fixed in f1ec376; the first run showed them):

1. CRASH (3 rows, a traceback in the API; ``dscost: internal error: AttributeError: 'types.SimpleNamespace' object
   has no attribute 'constants' at onnx_reader.py:484``, exit 2, on the CLI): a Loop or Scan whose body holds a
   Constant node of more than one distinct number -- an int64 ``[1, 8]`` for a Reshape (loop_shape_const.onnx,
   scan_shape_const.onnx), or the 8x8 weight spox writes into the body (spox_loop.onnx: spox places ``op.constant``
   where it is used).  Right: 3 x 64 = 192 MACs (Scan: 4 x 64 = 256), 64 params.  Cause: ``onnx_loops._run`` built
   the body's counter with ``_NO_INITIALIZERS = SimpleNamespace(initializers={})`` as its wire;
   ``onnx_reader._Counter._constants`` reads ``self.wire.constants`` for every Constant node whose value
   ``uniform_constant`` does not call a literal.  Fix: the body's wire has no left-out constants either
   (``constants={}``).  polygraphy's sanitize hid it (it moves body constants into the body's initializers).
2. UNCOUNTED (4 rows): a Loop whose body passes its condition on through two Identity nodes (loop_idcond2.onnx;
   spox writes an Identity of its own after every body output, so ``op.identity(cond)`` in a spox body makes two:
   spox_loop_idcond.onnx) was listed as uncounted, "the condition its body computes ('c_out') may stop it before its
   trip count", 0 MACs of 192.  Cause: ``onnx_trips.steps`` took the condition as unchanged only when the output
   was the input or ONE Identity of it.  Fix: ``onnx_trips.copied_from`` follows a chain of Identity nodes (also
   for the values a Loop carries through unchanged).  Also: an uncounted Loop's params were only the enclosing
   graph's tensors it reads (``onnx_uncounted.outer_refs``), so after polygraphy's sanitize moved W into the
   body's initializers they fell from 64 to 0; an uncounted Loop, Scan or If now holds its bodies' own weights
   too (``onnx_uncounted.body_params``; tests/test_onnx_loops.py).

EXPLAINED (right as counted or refused; EXPLAINED below holds the per-row reasons):

- onnx2torch and constant operands (15 rows: matmul_3d, layernorm_matmul, spox_gemm, spox_matmul_bcast,
  spox_einsum_weight): onnx2torch keeps a MatMul / Gemm / Einsum operand that is an initializer or Constant node
  (and the bias Add after it) as a buffer of its Onnx* module, not an nn.Parameter (a Gemm of initializers becomes
  nn.Linear: gemm_transb equal).  dscost gives torch's sum(p.numel()) of the module (0, 64, 0, 0, 0) and the rest
  as buffers (384, 528, 210, 120, 48): MACs equal, params + buffers = the file's params.
- onnx2torch of ShuffleNetV2 through the API (4 rows, folded and unfolded files): refused in one line, "torch.onnx.
  export failed: AttributeError: module 'torch.onnx.symbolic_helper' has no attribute '_export_onnx_opset_version';
  the dynamo exporter too: ... GuardOnDataDependentSymNode".  Not dscost's: in a process that imported torchvision
  (the worker builds the torchvision oracle), plain ``torch.onnx.export`` of the converted module fails the same way
  (onnx2torch's OnnxShape calls ``get_onnx_version()``, which reads an attribute torch 2.14 no longer has), and
  torch.export stops on a data-dependent guard (onnx2torch's Reshape and Shape modules read tensor values: the
  note of the counted run names reshape.py:20, reshape.py:23, shape.py:44).  The CLI process (no torchvision import)
  counts it exactly, as does the file.
- pnnx's ``*.pnnx.onnx`` (3 rows): refused in one line, "model declares no opset_import".  It is pnnx's own graph
  (op types nn.Conv2d, pnnx.Expression, pnnx.Input...) in ONNX's protobuf, ir_version 0: onnx.checker and
  onnxruntime reject it too.  The ``*_pnnx.py`` module beside it counts exactly.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

_UP = Path(__file__).resolve().parent.parent
HERE_ROOT = str(_UP if (_UP / "dscost" / "__init__.py").exists() else Path.cwd())
VENV_BIN = Path(sys.executable).parent

TV = ["mobilenet_v2", "resnet18", "efficientnet_b0", "squeezenet1_1", "shufflenet_v2_x0_5"]
# the same nets exported with do_constant_folding=False: BatchNorm kept, shapes computed in the graph (polygraphy folds them)
TV_NOFOLD = ["resnet18_nofold", "mobilenet_v2_nofold", "shufflenet_v2_x0_5_nofold"]
HELPERS = ["grouped_conv", "dilated_conv", "conv_transpose", "gemm_transb", "matmul_3d", "einsum_bmm", "lstm", "gru",
           "layernorm_matmul", "conv_resize", "loop_shape_const", "loop_idcond2", "scan_shape_const"]
SPOX = ["spox_conv", "spox_gemm", "spox_matmul_bcast", "spox_einsum_attn", "spox_einsum_weight", "spox_if", "spox_loop",
        "spox_loop_idcond"]
PNNX = ["resnet18", "mobilenet_v2", "squeezenet1_1"]
# polygraphy extract: (model, first tensor in, last tensor out) -- a run of layers in the middle of the net
EXTRACT = {
    "mobilenet_v2": ("/features/features.3/Add_output_0", "/features/features.6/Add_output_0"),
    "resnet18": ("/layer1/layer1.1/relu_1/Relu_output_0", "/layer2/layer2.1/relu_1/Relu_output_0"),
    "efficientnet_b0": ("/features/features.2/features.2.1/Add_output_0", "/features/features.4/features.4.0/block/block.3/block.3.0/Conv_output_0"),
    "squeezenet1_1": ("/features/features.2/MaxPool_output_0", "/features/features.5/MaxPool_output_0"),
    "shufflenet_v2_x0_5": ("/stage2/stage2.0/Reshape_1_output_0", "/stage2/stage2.3/Reshape_1_output_0"),
}

# (model, run) -> why the row differs from the oracle, or is refused, and is right
_BUFFERS = ("onnx2torch keeps a constant MatMul / Gemm operand (and the bias Add after it) as a buffer of its OnnxMatMul / "
            "OnnxGemm / OnnxBinaryMathOperation module, not an nn.Parameter: dscost gives torch's sum(p.numel()) of the "
            "converted module and the rest as buffers; MACs equal, params + buffers = the file's params")
EXPLAINED: dict[tuple[str, str], str] = {
    **{(m, run): _BUFFERS for m in ("matmul_3d", "layernorm_matmul", "spox_gemm", "spox_matmul_bcast", "spox_einsum_weight")
       for run in ("onnx2torch_api", "onnx2torch_api_shape", "onnx2torch_cli")},
    **{(m, run): (
        "torch's and onnx2torch's, refused in one line: in a process that imported torchvision first, torch.onnx.export of "
        "the converted module fails by itself (no dscost: onnx2torch's OnnxShape calls get_onnx_version(), which reads "
        "torch.onnx.symbolic_helper._export_onnx_opset_version, gone in torch 2.14), and the dynamo exporter stops on "
        "OnnxReshape's data-dependent shape; the CLI process (no torchvision) counts it exactly, as does the file")
        for m in ("shufflenet_v2_x0_5", "shufflenet_v2_x0_5_nofold") for run in ("onnx2torch_api", "onnx2torch_api_shape")},
    **{(f"pnnx:{m}", "pnnx_onnx"): (
        "pnnx's *.pnnx.onnx is its own graph (op types nn.Conv2d, pnnx.Expression, pnnx.Input...) in ONNX's protobuf, with "
        "no opset_import and ir_version 0: onnx.checker and onnxruntime reject it too; refused in one line "
        "('model declares no opset_import'). The *_pnnx.py module pnnx writes beside it counts exactly")
       for m in PNNX},
}


def _explained_holds(r) -> bool:
    """An explained row still has to be what its reason says (a changed count is a DIFF again)."""
    o = r.get("oracle", {})
    if EXPLAINED.get((r["model"], r["run"])) is _BUFFERS:
        return ("macs" in r and r["macs"] == o["macs"] == o["torch_gm_macs"] and r["params"] == o["torch_gm_params"]
                and r["params"] + r["buffers"] == o["params"] and not r["uncounted"])
    return "refused" in r and r.get("one_line", False)


# ----------------------------------------------------------------------------------------------------------------
# building the ONNX files (no dscost code)
# ----------------------------------------------------------------------------------------------------------------

def _perturbed(name):
    import torch
    import torchvision

    name = name.removesuffix("_nofold")
    torch.manual_seed(0)
    m = getattr(torchvision.models, name)().eval()
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.01)
        for _, b in m.named_buffers():
            if b.is_floating_point():
                b.add_(torch.rand_like(b) * 0.01)
    return m


def _helper_model(name):
    """onnx.helper graphs; returns (ModelProto, hand MACs, hand params)."""
    import numpy as np
    import onnx
    from onnx import TensorProto as T
    from onnx import helper as h, numpy_helper as nh

    rng = np.random.default_rng(0)

    def init(nm, *shape):
        return nh.from_array(rng.standard_normal(shape).astype("float32") * 0.1, nm)

    vi = h.make_tensor_value_info
    nodes, inits, ins, outs = [], [], [], []
    if name == "grouped_conv":  # 16 -> 32, groups 4, 3x3, pad 1 on 32x32
        ins = [vi("x", T.FLOAT, [1, 16, 32, 32])]
        inits = [init("w", 32, 4, 3, 3), init("b", 32)]
        nodes = [h.make_node("Conv", ["x", "w", "b"], ["y"], group=4, kernel_shape=[3, 3], pads=[1, 1, 1, 1])]
        outs = [h.make_value_info("y", h.make_tensor_type_proto(T.FLOAT, None))]
        macs = 3 * 3 * (16 // 4) * 32 * 32 * 32
    elif name == "dilated_conv":  # 8 -> 16, 3x3 dilation 2, stride 2, pad 2: 32 -> 16
        ins = [vi("x", T.FLOAT, [1, 8, 32, 32])]
        inits = [init("w", 16, 8, 3, 3), init("b", 16)]
        nodes = [h.make_node("Conv", ["x", "w", "b"], ["y"], dilations=[2, 2], strides=[2, 2], pads=[2, 2, 2, 2])]
        outs = [h.make_value_info("y", h.make_tensor_type_proto(T.FLOAT, None))]
        macs = 3 * 3 * 8 * 16 * 16 * 16
    elif name == "conv_transpose":  # 16 -> 8 groups 2 k4 s2 p1 (16 -> 32), then 8 -> 16 k3 s2 p1 output_padding 1 (32 -> 64)
        ins = [vi("x", T.FLOAT, [1, 16, 16, 16])]
        inits = [init("w1", 16, 4, 4, 4), init("b1", 8), init("w2", 8, 16, 3, 3), init("b2", 16)]
        nodes = [h.make_node("ConvTranspose", ["x", "w1", "b1"], ["t"], group=2, strides=[2, 2], pads=[1, 1, 1, 1]),
                 h.make_node("ConvTranspose", ["t", "w2", "b2"], ["y"], strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])]
        outs = [h.make_value_info("y", h.make_tensor_type_proto(T.FLOAT, None))]
        # per input pixel: Cin x (Cout / g) x prod(k)
        macs = 16 * 4 * 16 * 16 * 16 + 8 * 16 * 9 * 32 * 32
    elif name == "gemm_transb":  # A 4x64, B 32x64 (transB), C 32, alpha 0.5
        ins = [vi("a", T.FLOAT, [4, 64])]
        inits = [init("bw", 32, 64), init("c", 32)]
        nodes = [h.make_node("Gemm", ["a", "bw", "c"], ["y"], transB=1, alpha=0.5)]
        outs = [h.make_value_info("y", h.make_tensor_type_proto(T.FLOAT, None))]
        macs = 4 * 64 * 32
    elif name == "matmul_3d":  # X 2x8x16 @ W 16x24, then Y @ Y^T (2x8x24 @ 2x24x8)
        ins = [vi("x", T.FLOAT, [2, 8, 16])]
        inits = [init("w", 16, 24)]
        nodes = [h.make_node("MatMul", ["x", "w"], ["y1"]), h.make_node("Transpose", ["y1"], ["y1t"], perm=[0, 2, 1]),
                 h.make_node("MatMul", ["y1", "y1t"], ["y"])]
        outs = [h.make_value_info("y", h.make_tensor_type_proto(T.FLOAT, None))]
        macs = 2 * 8 * 16 * 24 + 2 * 8 * 24 * 8
    elif name == "einsum_bmm":  # bij,bjk->bik  2x8x16, 2x16x12 (two inputs)
        ins = [vi("x", T.FLOAT, [2, 8, 16]), vi("z", T.FLOAT, [2, 16, 12])]
        nodes = [h.make_node("Einsum", ["x", "z"], ["y"], equation="bij,bjk->bik")]
        outs = [h.make_value_info("y", h.make_tensor_type_proto(T.FLOAT, None))]
        macs = 2 * 8 * 16 * 12
    elif name in ("lstm", "gru"):  # seq 5, batch 1, input 8, hidden 16, one direction
        g = 4 if name == "lstm" else 3
        ins = [vi("x", T.FLOAT, [5, 1, 8])]
        inits = [init("w", 1, g * 16, 8), init("r", 1, g * 16, 16), init("b", 1, 2 * g * 16)]
        kw = {"linear_before_reset": 1} if name == "gru" else {}
        nodes = [h.make_node(name.upper(), ["x", "w", "r", "b"], ["y"], hidden_size=16, **kw)]
        outs = [h.make_value_info("y", h.make_tensor_type_proto(T.FLOAT, None))]
        macs = 5 * 1 * g * 16 * (8 + 16)
    elif name == "layernorm_matmul":  # LayerNormalization(32) then MatMul 32x16 + Add bias
        ins = [vi("x", T.FLOAT, [1, 10, 32])]
        inits = [init("s", 32), init("beta", 32), init("w", 32, 16), init("bias", 16)]
        nodes = [h.make_node("LayerNormalization", ["x", "s", "beta"], ["n"], axis=-1),
                 h.make_node("MatMul", ["n", "w"], ["m"]), h.make_node("Add", ["m", "bias"], ["y"])]
        outs = [h.make_value_info("y", h.make_tensor_type_proto(T.FLOAT, None))]
        macs = 10 * 32 * 16
    elif name == "conv_resize":  # Conv 4->8 3x3 on 16x16, Resize x2 linear, Conv 8->4 1x1 on 32x32
        ins = [vi("x", T.FLOAT, [1, 4, 16, 16])]
        inits = [init("w1", 8, 4, 3, 3), init("b1", 8), init("w2", 4, 8, 1, 1), init("b2", 4),
                 nh.from_array(np.array([1, 1, 2, 2], dtype="float32"), "scales")]
        nodes = [h.make_node("Conv", ["x", "w1", "b1"], ["c"], pads=[1, 1, 1, 1]),
                 h.make_node("Resize", ["c", "", "scales"], ["r"], mode="linear"),
                 h.make_node("Conv", ["r", "w2", "b2"], ["y"])]
        outs = [h.make_value_info("y", h.make_tensor_type_proto(T.FLOAT, None))]
        macs = 9 * 4 * 8 * 256 + 8 * 4 * 1024
    elif name in ("loop_shape_const", "loop_idcond2"):  # Loop, trip count 3: h <- Reshape(h @ W) / tanh(h @ W), W 8x8 initializer
        ins = [vi("x", T.FLOAT, [1, 8])]
        inits = [init("W", 8, 8), nh.from_array(np.array(3, dtype=np.int64), "M"), nh.from_array(np.array(True), "cond")]
        bin_ = [vi("i", T.INT64, []), vi("c_in", T.BOOL, []), vi("h_in", T.FLOAT, [1, 8])]
        bout = [vi("c_out", T.BOOL, []), vi("h_out", T.FLOAT, [1, 8])]
        if name == "loop_shape_const":  # the body holds a Constant node of two different numbers (a Reshape's shape)
            bn = [h.make_node("Constant", [], ["s"], value=nh.from_array(np.array([1, 8], dtype=np.int64), "s")),
                  h.make_node("MatMul", ["h_in", "W"], ["mm"]), h.make_node("Reshape", ["mm", "s"], ["h_out"]),
                  h.make_node("Identity", ["c_in"], ["c_out"])]
        else:  # the condition passed on through two Identity nodes (as spox writes op.identity(cond))
            bn = [h.make_node("MatMul", ["h_in", "W"], ["mm"]), h.make_node("Tanh", ["mm"], ["h_out"]),
                  h.make_node("Identity", ["c_in"], ["c_mid"]), h.make_node("Identity", ["c_mid"], ["c_out"])]
        body = h.make_graph(bn, "body", bin_, bout)
        nodes = [h.make_node("Loop", ["M", "cond", "x"], ["y"], body=body)]
        outs = [vi("y", T.FLOAT, [1, 8])]
        macs = 3 * 8 * 8
    elif name == "scan_shape_const":  # Scan over 4 steps: h <- Reshape(h @ W + x_t, [1, 8]); the shape a body Constant node
        ins = [vi("h0", T.FLOAT, [1, 8]), vi("xs", T.FLOAT, [4, 1, 8])]
        inits = [init("W", 8, 8)]
        bn = [h.make_node("Constant", [], ["s"], value=nh.from_array(np.array([1, 8], dtype=np.int64), "s")),
              h.make_node("MatMul", ["h_in", "W"], ["mm"]), h.make_node("Add", ["mm", "x_t"], ["a"]),
              h.make_node("Reshape", ["a", "s"], ["h_out"]), h.make_node("Identity", ["h_out"], ["y_t"])]
        body = h.make_graph(bn, "body", [vi("h_in", T.FLOAT, [1, 8]), vi("x_t", T.FLOAT, [1, 8])],
                            [vi("h_out", T.FLOAT, [1, 8]), vi("y_t", T.FLOAT, [1, 8])])
        nodes = [h.make_node("Scan", ["h0", "xs"], ["hT", "ys"], body=body, num_scan_inputs=1)]
        outs = [vi("hT", T.FLOAT, [1, 8]), vi("ys", T.FLOAT, [4, 1, 8])]
        macs = 4 * 8 * 8
    else:
        raise KeyError(name)
    params = sum(int(np.prod(t.dims)) for t in inits if t.name not in ("scales", "M", "cond"))
    g = h.make_graph(nodes, name, ins, outs, initializer=inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)], producer_name="onnx.helper")
    m.ir_version = 8
    inf = {v.name: v for v in onnx.shape_inference.infer_shapes(m).graph.output}
    for o in m.graph.output:  # the output's shape, as onnx infers it
        if o.name in inf:
            o.CopyFrom(inf[o.name])
    onnx.checker.check_model(m, full_check=True)
    return m, macs, params


def _spox_model(name):
    """spox graphs (ai.onnx v17); returns (ModelProto, hand MACs, hand params)."""
    import numpy as np
    import spox.opset.ai.onnx.v17 as op
    from spox import Tensor, argument, build

    rng = np.random.default_rng(1)

    def const(*shape):
        return op.constant(value=(rng.standard_normal(shape) * 0.1).astype("float32"))

    if name == "spox_conv":  # 6 -> 12, groups 2, 5x5, no pad: 20 -> 16
        x = argument(Tensor(np.float32, (1, 6, 20, 20)))
        y = op.conv(x, const(12, 3, 5, 5), const(12), group=2)
        return build({"x": x}, {"y": y}), 5 * 5 * 3 * 12 * 16 * 16, 12 * 3 * 25 + 12
    if name == "spox_gemm":
        x = argument(Tensor(np.float32, (3, 20)))
        y = op.gemm(x, const(20, 10), const(10))
        return build({"x": x}, {"y": y}), 3 * 20 * 10, 210
    if name == "spox_matmul_bcast":  # 4x1x6x8 @ 3x8x5 -> 4x3x6x5
        x = argument(Tensor(np.float32, (4, 1, 6, 8)))
        y = op.matmul(x, const(3, 8, 5))
        return build({"x": x}, {"y": y}), 4 * 3 * 6 * 8 * 5, 3 * 8 * 5
    if name == "spox_einsum_attn":  # bhqd,bhkd->bhqk then bhqk,bhkd->bhqd
        q = argument(Tensor(np.float32, (1, 2, 5, 8)))
        k = argument(Tensor(np.float32, (1, 2, 7, 8)))
        s = op.softmax(op.einsum([q, k], equation="bhqd,bhkd->bhqk"), axis=-1)
        y = op.einsum([s, k], equation="bhqk,bhkd->bhqd")
        return build({"q": q, "k": k}, {"y": y}), 2 * 5 * 7 * 8 + 2 * 5 * 7 * 8, 0
    if name == "spox_einsum_weight":  # bij,jk->bik with a constant 8x6 weight
        x = argument(Tensor(np.float32, (2, 5, 8)))
        return build({"x": x}, {"y": op.einsum([x, const(8, 6)], equation="bij,jk->bik")}), 2 * 5 * 8 * 6, 48
    if name == "spox_if":  # If on an input flag (counted with input_values f=1): each branch 1x8 @ its own 8x8 weight
        x = argument(Tensor(np.float32, (1, 8)))
        f = argument(Tensor(np.bool_, ()))
        (y,) = op.if_(f, then_branch=lambda: [op.matmul(x, const(8, 8))], else_branch=lambda: [op.matmul(x, const(8, 8))])
        return build({"x": x, "f": f}, {"y": y}), 64, 64
    if name in ("spox_loop", "spox_loop_idcond"):  # 3 steps of h <- tanh(h @ W), W 8x8 (spox writes it in the body)
        x = argument(Tensor(np.float32, (1, 8)))
        w = const(8, 8)

        def body(i, cond, hid):  # _idcond: the condition passed on through op.identity (spox adds an Identity of its own)
            return [op.identity(cond) if name == "spox_loop_idcond" else cond, op.tanh(op.matmul(hid, w))]

        # spox types the body's counter and condition as [1]: M and cond given as one-element 1-D tensors
        (y,) = op.loop(op.constant(value=np.array([3], dtype=np.int64)), op.constant(value=np.array([True])), [x], body=body)
        return build({"x": x}, {"y": y}), 3 * 8 * 8, 64
    raise KeyError(name)


def build_files(out: Path) -> dict:
    """Write every source ONNX file; return {model: {"path", "kind", "inputs": {name: shape}, "hand_macs", "hand_params"}}."""
    import onnx
    import torch

    meta = {}
    for name in TV:
        p = out / f"{name}.onnx"
        if not p.exists():
            torch.onnx.export(_perturbed(name), (torch.rand(1, 3, 64, 64),), str(p), dynamo=False, opset_version=17,
                              input_names=["input"], output_names=["output"])
        meta[name] = {"path": str(p), "kind": "torchvision", "inputs": {"input": [1, 3, 64, 64]}}
    for name in TV_NOFOLD:
        p = out / f"{name}.onnx"
        if not p.exists():
            torch.onnx.export(_perturbed(name), (torch.rand(1, 3, 64, 64),), str(p), dynamo=False, opset_version=17,
                              input_names=["input"], output_names=["output"], do_constant_folding=False)
        meta[name] = {"path": str(p), "kind": "torchvision", "inputs": {"input": [1, 3, 64, 64]}}
    for kind, names, fn in (("onnx.helper", HELPERS, _helper_model), ("spox", SPOX, _spox_model)):
        for name in names:
            m, macs, params = fn(name)
            p = out / f"{name}.onnx"
            onnx.save(m, str(p))
            shapes = {i.name: [d.dim_value for d in i.type.tensor_type.shape.dim] for i in m.graph.input
                      if i.name not in {t.name for t in m.graph.initializer}}
            meta[name] = {"path": str(p), "kind": kind, "inputs": shapes, "hand_macs": macs, "hand_params": params}
            if name == "spox_if":  # the flag is given as a value (dscost's --input-value f=1); the branch taken is counted
                meta[name]["inputs"].pop("f")
                meta[name]["input_values"] = {"f": 1}
    return meta


# ----------------------------------------------------------------------------------------------------------------
# the oracle (no dscost code): formulas on onnxruntime-measured shapes, torch's FlopCounterMode, numel sums
# ----------------------------------------------------------------------------------------------------------------

def ort_shapes(path, inputs):
    """{tensor name: shape} of every value of the main graph, measured by running it in onnxruntime."""
    import numpy as np
    import onnx
    import onnxruntime as ort

    m = onnx.load(path)
    have = {o.name for o in m.graph.output}
    for n in m.graph.node:
        for o in n.output:
            if o and o not in have:
                m.graph.output.append(onnx.ValueInfoProto(name=o))
                have.add(o)
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    s = ort.InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])
    feeds = {k: np.random.default_rng(0).random(v).astype("float32") for k, v in inputs.items()}
    outs = s.run(None, feeds)
    shapes = {o.name: list(v.shape) for o, v in zip(s.get_outputs(), outs)}
    shapes.update({k: list(v) for k, v in inputs.items()})
    for t in m.graph.initializer:
        shapes[t.name] = list(t.dims)
    return shapes


def _prod(xs):
    r = 1
    for x in xs:
        r *= int(x)
    return r


def formula_macs(path, inputs):
    """MACs of Conv / ConvTranspose / Gemm / MatMul / LSTM / GRU nodes from the measured shapes: (total, {node: macs})."""
    import onnx

    m = onnx.load(path)
    sh = ort_shapes(path, inputs)
    per = {}
    for i, n in enumerate(m.graph.node):
        key = n.name or f"{n.op_type}_{i}"
        if n.op_type == "Conv":
            w, y = sh[n.input[1]], sh[n.output[0]]  # W: Cout x Cin/g x k..., Y: N x Cout x spatial
            per[key] = _prod(w[2:]) * w[1] * w[0] * y[0] * _prod(y[2:])
        elif n.op_type == "ConvTranspose":
            x, w = sh[n.input[0]], sh[n.input[1]]  # W: Cin x Cout/g x k...: every input pixel, to Cout/g channels
            per[key] = x[0] * x[1] * _prod(x[2:]) * w[1] * _prod(w[2:])
        elif n.op_type == "Gemm":
            a, y = sh[n.input[0]], sh[n.output[0]]
            ta = next((at.i for at in n.attribute if at.name == "transA"), 0)
            k = a[0] if ta else a[1]
            per[key] = y[0] * y[1] * k
        elif n.op_type == "MatMul":
            a, y = sh[n.input[0]], sh[n.output[0]]
            per[key] = _prod(y) * a[-1]
        elif n.op_type in ("LSTM", "GRU"):
            x, w, r = sh[n.input[0]], sh[n.input[1]], sh[n.input[2]]
            per[key] = x[0] * x[1] * w[0] * w[1] * (w[2] + r[2])  # seq x batch x dirs x gates*H x (in + H)
    return sum(per.values()), per


_SHAPEISH = {"Resize", "Upsample", "Pad", "Reshape", "Expand", "Tile", "Slice", "ConstantOfShape", "Range", "Squeeze", "Unsqueeze"}


def file_params(path):
    """Learnable elements a file stores: float initializers (and Constant nodes) of more than one element that feed
    a node other than a shape-only one (Resize scales, Pad pads...)."""
    import onnx

    m = onnx.load(path)
    users = {}
    for n in m.graph.node:
        for k, i in enumerate(n.input):
            users.setdefault(i, []).append((n.op_type, k))
    tensors = [(t.name, list(t.dims), t.data_type) for t in m.graph.initializer]
    for n in m.graph.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    tensors.append((n.output[0], list(a.t.dims), a.t.data_type))
    total = 0
    for name, dims, dt in tensors:
        if dt not in (1, 10, 11, 16) or _prod(dims) <= 1:
            continue
        u = users.get(name, [])
        if u and all(op in _SHAPEISH and k > 0 for op, k in u):
            continue
        if u and all(op == "BatchNormalization" and k in (3, 4) for op, k in u):  # running mean / var: buffers
            continue
        total += _prod(dims)
    return total


def torch_count(module, x):
    """FlopCounterMode FLOPs / 2 of one forward, and sum(p.numel()), and sum(b.numel()) of buffers."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        module(*x)
    return fc.get_total_flops() // 2, sum(p.numel() for p in module.parameters()), sum(b.numel() for b in module.buffers())


# ----------------------------------------------------------------------------------------------------------------
# running dscost
# ----------------------------------------------------------------------------------------------------------------

def _ds_row(fn):
    """Run one dscost call; its totals, or its one-line refusal, or its traceback."""
    import traceback

    import dscost

    t = time.time()
    try:
        a = fn()
    except dscost.InputError as e:
        msg = str(e)
        return {"refused": msg, "one_line": "\n" not in msg.strip(), "s": round(time.time() - t, 2)}
    except Exception as e:  # noqa: BLE001 -- a traceback is a finding
        return {"crash": f"{type(e).__name__}: {e}"[:600], "tb": traceback.format_exc()[-1500:], "s": round(time.time() - t, 2)}
    j = a.to_json()
    unc = [f"{u.get('op', u.get('type', '?'))}:{u.get('name', '')}" if isinstance(u, dict) else str(u) for u in j.get("uncounted", [])]
    return {"macs": j["totals"]["macs"], "params": j["totals"]["params"], "buffers": j["totals"]["buffers"],
            "uncounted": unc, "notes": j.get("notes", [])[:6], "s": round(time.time() - t, 2)}


def _inputs_of(meta):
    import torch

    torch.manual_seed(0)
    return tuple(torch.rand(*s) for s in meta["inputs"].values())


def worker(name: str, out: Path, kind_filter: str | None):
    """Every run of one model; prints one JSON row per run."""
    import warnings

    warnings.filterwarnings("ignore")
    import dscost

    meta = json.loads((out / "meta.json").read_text())[name]
    src = meta["path"]
    inputs = meta["inputs"]
    rows = []

    def emit(run, oracle, got, extra=None):
        r = {"model": name, "run": run, "oracle": oracle, **got, **(extra or {})}
        rows.append(r)
        print("ROW " + json.dumps(r), flush=True)

    if meta["kind"] == "pnnx":
        return pnnx_worker(name, out, meta, emit)

    # the oracle of the source file
    try:
        f_macs, f_per = formula_macs(src, inputs)
    except Exception as e:  # a Loop's body is not measured: the hand count
        f_macs, f_per = None, {}
        print(f"formula failed: {e}", file=sys.stderr)
    o_macs = meta.get("hand_macs", f_macs)
    o_params = meta.get("hand_params", file_params(src))
    oracle = {"macs": o_macs, "params": o_params, "formula_macs": f_macs, "file_params": file_params(src)}
    if meta["kind"] == "torchvision":
        tm, tp, _ = torch_count(_perturbed(name), _inputs_of(meta))
        oracle["torch_module_macs"] = tm
        oracle["torch_module_params"] = tp

    # 1. dscost on the source file
    iv = meta.get("input_values")
    emit("onnx", oracle, _ds_row(lambda: dscost.analyze(src, input_values=iv) if iv else dscost.analyze(src)))

    # 2. onnx2torch.convert -> GraphModule, through dscost's PyTorch path (API, tensors and a shape)
    try:
        import onnx2torch

        gm = onnx2torch.convert(src).eval()
        x = _inputs_of(meta)
        tmacs, tparams, tbuf = torch_count(gm, x)
        import inspect

        o2 = dict(oracle, torch_gm_macs=tmacs, torch_gm_params=tparams, torch_gm_buffers=tbuf,
                  gm_inputs=list(inspect.signature(gm.forward).parameters))
        ex = x[0] if len(x) == 1 else x
        emit("onnx2torch_api", o2, _ds_row(lambda: dscost.analyze(gm, ex)))
        shape = {k: tuple(v) for k, v in inputs.items()} if len(inputs) > 1 else tuple(next(iter(inputs.values())))
        if len(inputs) == 1:
            emit("onnx2torch_api_shape", o2, _ds_row(lambda: dscost.analyze(gm, input_shape=shape)))
    except Exception as e:  # noqa: BLE001
        emit("onnx2torch_api", oracle, {"na": f"onnx2torch: {type(e).__name__}: {e}"[:300]})

    # 3. polygraphy surgeon sanitize --fold-constants
    san = out / f"{name}.sanitized.onnx"
    pg = str(VENV_BIN / "polygraphy")
    r = subprocess.run([pg, "surgeon", "sanitize", src, "--fold-constants", "-o", str(san)], capture_output=True, text=True, timeout=600)
    if r.returncode == 0 and san.exists():
        try:
            sf, _ = formula_macs(str(san), inputs)
        except Exception:
            sf = None
        emit("polygraphy_sanitize", dict(oracle, file_formula_macs=sf, file_params_after=file_params(str(san))),
             _ds_row(lambda: dscost.analyze(str(san), input_values=iv) if iv else dscost.analyze(str(san))))
    else:
        emit("polygraphy_sanitize", oracle, {"na": f"polygraphy: {r.stderr.strip()[-300:]}"})

    # 4. polygraphy surgeon extract (a run of middle layers)
    if name in EXTRACT:
        tin, tout = EXTRACT[name]
        ext = out / f"{name}.extract.onnx"
        r = subprocess.run([pg, "surgeon", "extract", src, "--inputs", f"{tin}:auto:auto", "--outputs", f"{tout}:auto",
                            "-o", str(ext)], capture_output=True, text=True, timeout=600)
        if r.returncode == 0 and ext.exists():
            import onnx

            em = onnx.load(str(ext))
            inits = {t.name for t in em.graph.initializer}
            ein = {i.name: [d.dim_value for d in i.type.tensor_type.shape.dim] for i in em.graph.input if i.name not in inits}
            e_macs, e_per = formula_macs(str(ext), ein)
            names = {n.name for n in em.graph.node}
            in_orig = sum(v for k, v in f_per.items() if k in names)  # the same layers' MACs in the whole net
            emit("polygraphy_extract", {"macs": e_macs, "params": file_params(str(ext)), "same_layers_in_source": in_orig,
                                        "nodes": len(em.graph.node)},
                 _ds_row(lambda: dscost.analyze(str(ext))))
        else:
            emit("polygraphy_extract", oracle, {"na": f"polygraphy: {r.stderr.strip()[-300:]}"})
    return rows


def pnnx_worker(name, out, meta, emit):
    """torch.jit.trace -> pnnx -> *.pnnx.onnx and the *_pnnx.py module it writes; dscost on both against the module
    (FlopCounterMode, numel) and the pnnx module's own FlopCounterMode and numel."""
    import importlib.util

    import torch

    import dscost

    name = name.split(":", 1)[1]
    d = out / "pnnx" / name
    d.mkdir(parents=True, exist_ok=True)
    m = _perturbed(name)
    x = torch.rand(1, 3, 64, 64)
    tmacs, tparams, _ = torch_count(m, (x,))
    pt = d / f"{name}.pt"
    torch.jit.trace(m, x).save(str(pt))
    r = subprocess.run([str(VENV_BIN / "pnnx"), pt.name, "inputshape=[1,3,64,64]"], cwd=d, capture_output=True, text=True, timeout=600)
    po, py = d / f"{name}.pnnx.onnx", d / f"{name}_pnnx.py"
    if r.returncode != 0 or not po.exists():
        emit("pnnx_onnx", {"macs": tmacs, "params": tparams}, {"na": f"pnnx rc {r.returncode}: {r.stderr.strip()[-300:]}"})
        return
    import onnx

    pm = onnx.load(str(po))
    ops = sorted({n.op_type for n in pm.graph.node})
    emit("pnnx_onnx", {"macs": tmacs, "params": tparams, "opset_import": len(pm.opset_import), "op_types": ops[:12]},
         _ds_row(lambda: dscost.analyze(str(po))))
    # the PyTorch module pnnx writes (BatchNorm fused into the convs), loaded from its folder (it opens its .bin there)
    here = os.getcwd()
    os.chdir(d)
    try:
        spec = importlib.util.spec_from_file_location(f"{name}_pnnx", py)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        pn = mod.Model().eval()
        pmacs, pparams, _ = torch_count(pn, (x,))
        o = {"macs": pmacs, "params": pparams, "torch_module_macs": tmacs, "torch_module_params": tparams}
        emit("pnnx_py_api", o, _ds_row(lambda: dscost.analyze(pn, x)))
        env = dict(os.environ, PYTHONPATH=HERE_ROOT)
        t = time.time()
        rr = subprocess.run([sys.executable, "-m", "dscost", "analyze", f"{py.name}:Model", "-i", "1x3x64x64", "-f", "json", "-q"],
                            cwd=d, capture_output=True, text=True, timeout=600, env=env)
        if rr.returncode == 0:
            j = json.loads(rr.stdout)
            got = {"macs": j["totals"]["macs"], "params": j["totals"]["params"], "buffers": j["totals"]["buffers"],
                   "uncounted": [str(u) for u in j.get("uncounted", [])], "s": round(time.time() - t, 1)}
        else:
            err = rr.stderr.strip()
            got = ({"refused": err, "one_line": True} if rr.returncode == 2 and "\n" not in err and "internal error" not in err
                   else {"crash": f"exit {rr.returncode}: {err[-600:]}"})
        emit("pnnx_py_cli", o, got)
    finally:
        os.chdir(here)


def _graph_inputs(path):
    import onnx

    m = onnx.load(str(path))
    inits = {t.name for t in m.graph.initializer}
    return {i.name: [d.dim_value for d in i.type.tensor_type.shape.dim] for i in m.graph.input if i.name not in inits}


# ----------------------------------------------------------------------------------------------------------------
# CLI runs: `dscost analyze conv.py:NAME -i SHAPE -f json -q` of the onnx2torch module, one process each
# ----------------------------------------------------------------------------------------------------------------

FACTORY = r'''"""onnx2torch modules of the round's files (written by crosscheck_converters.py)."""
import json, os
import onnx2torch
HERE = os.path.dirname(os.path.abspath(__file__))
META = json.load(open(os.path.join(HERE, "meta.json")))


def convert(name):
    return onnx2torch.convert(META[name]["path"]).eval()
'''


def run_cli(name, meta, out, names):
    """The CLI on the onnx2torch module (its forward's parameter names: onnx2torch's input_1, input_2...)."""
    shapes = dict(zip(names, meta["inputs"].values()))
    args = []
    for k, v in shapes.items():
        s = "x".join(map(str, v))
        args += ["-i", s if len(shapes) == 1 else f"{k}={s}"]
    cmd = [sys.executable, "-m", "dscost", "analyze", f"{out / 'conv.py'}:convert", "--arg", f"name={name}", *args, "-f", "json", "-q"]
    env = dict(os.environ, PYTHONPATH=HERE_ROOT)
    t = time.time()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, cwd=HERE_ROOT)
    except subprocess.TimeoutExpired:
        return {"crash": "timeout 600 s"}
    s = round(time.time() - t, 1)
    if r.returncode == 0:
        j = json.loads(r.stdout)
        return {"macs": j["totals"]["macs"], "params": j["totals"]["params"], "buffers": j["totals"]["buffers"],
                "uncounted": [str(u) for u in j.get("uncounted", [])], "s": s}
    err = r.stderr.strip()
    if r.returncode == 2 and err.startswith("dscost: error:") and "\n" not in err and "internal error" not in err:
        return {"refused": err, "one_line": True, "s": s}
    return {"crash": f"exit {r.returncode}: {err[-600:]}", "s": s}


# ----------------------------------------------------------------------------------------------------------------
# verdicts
# ----------------------------------------------------------------------------------------------------------------

def verdict(r):
    if "na" in r:
        return "n/a"
    if "crash" in r:
        v = "DIFF"
    elif "refused" in r:
        v = "REFUSED" if r.get("one_line") else "DIFF"
    else:
        o = r["oracle"]
        ok = r["macs"] == o["macs"] and r["params"] == o["params"] and not r["uncounted"]
        if r["run"].startswith("onnx2torch"):  # also torch's own count of the converted module
            ok = ok and r["macs"] == o["torch_gm_macs"] and r["params"] == o["torch_gm_params"]
        v = "equal" if ok else "DIFF"
    if v != "equal" and (r["model"], r["run"]) in EXPLAINED and _explained_holds(r):
        return "explained"
    return v


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/r64/run")
    ap.add_argument("--json", default=None)
    ap.add_argument("--worker", default=None)
    ap.add_argument("--only", default=None)
    ap.add_argument("--no-cli", action="store_true")
    ap.add_argument("--reuse", action="store_true")
    a = ap.parse_args()
    out = Path(a.out)
    if a.worker:
        worker(a.worker, out, None)
        return 0
    out.mkdir(parents=True, exist_ok=True)
    meta = build_files(out)
    for n in PNNX:
        meta[f"pnnx:{n}"] = {"kind": "pnnx", "inputs": {"input": [1, 3, 64, 64]}, "path": ""}
    (out / "meta.json").write_text(json.dumps(meta, indent=1))
    (out / "conv.py").write_text(FACTORY)
    names = [n for n in meta if not a.only or n in a.only.split(",")]
    rows_path = out / "rows.jsonl"
    rows = [json.loads(line) for line in rows_path.read_text().splitlines()] if a.reuse and rows_path.exists() else []
    done = {r["model"] for r in rows}
    env = dict(os.environ, PYTHONPATH=HERE_ROOT)
    for n in names:
        if n in done:
            continue
        t = time.time()
        try:
            r = subprocess.run([sys.executable, __file__, "--out", str(out), "--worker", n], capture_output=True, text=True, timeout=900, env=env)
            got = [json.loads(line[4:]) for line in r.stdout.splitlines() if line.startswith("ROW ")]
            if r.returncode != 0:
                got.append({"model": n, "run": "worker", "oracle": {}, "crash": f"worker exit {r.returncode}: {r.stderr.strip()[-600:]}"})
        except subprocess.TimeoutExpired:
            got = [{"model": n, "run": "worker", "oracle": {}, "crash": "worker timeout 900 s"}]
        if not a.no_cli and meta[n]["kind"] != "pnnx":
            src_row = next((g for g in got if g["run"] == "onnx2torch_api"), None)
            if src_row and "na" not in src_row:
                got.append({"model": n, "run": "onnx2torch_cli", "oracle": src_row["oracle"],
                            **run_cli(n, meta[n], out, src_row["oracle"]["gm_inputs"])})
        with rows_path.open("a") as f:
            for g in got:
                f.write(json.dumps(g) + "\n")
        rows += got
        print(f"{n}: {len(got)} rows, {time.time() - t:.0f} s", flush=True)
    for r in rows:
        r["verdict"] = verdict(r)
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1))
    tally = {}
    for r in rows:
        tally.setdefault(r["run"], {}).setdefault(r["verdict"], 0)
        tally[r["run"]][r["verdict"]] += 1
    print("\n| run | equal | explained | DIFF | REFUSED | n/a |\n|---|---:|---:|---:|---:|---:|")
    keys = ("equal", "explained", "DIFF", "REFUSED", "n/a")
    for run, t in tally.items():
        print(f"| {run} | " + " | ".join(str(t.get(k, 0)) for k in keys) + " |")
    print(f"| total ({len(rows)} rows) | " + " | ".join(str(sum(t.get(k, 0) for t in tally.values())) for k in keys) + " |")
    for r in rows:
        if r["verdict"] == "explained":
            print(f"explained: {r['model']} {r['run']}: {EXPLAINED[(r['model'], r['run'])][:100]}...")
    bad = [r for r in rows if r["verdict"] in ("DIFF", "REFUSED")]
    for r in bad:
        o = r.get("oracle", {})
        what = r.get("crash") or r.get("refused") or (f"macs {r['macs']:,} vs {o.get('macs')}, params {r['params']:,} vs {o.get('params')},"
                                                         f" uncounted {r['uncounted'][:4]}")
        print(f"{r['verdict']}: {r['model']} {r['run']}: {what}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
