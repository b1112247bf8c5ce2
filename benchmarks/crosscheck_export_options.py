"""Fifty-eighth blind round: torch.onnx.export's options matrix and onnx-graphsurgeon passes on the files.

What it stresses: how real users' export settings change the ONNX file while the work stays the same.  7 models,
eval, every parameter and BatchNorm statistic perturbed (seed 0, so the exporters merge no two fresh equal
tensors): torchvision's resnet18, mobilenet_v3_small and efficientnet_b0 (1x3x64x64), a 2-layer
nn.TransformerEncoder (d=64, 4 heads, FFN 128, batch_first) with a Linear(64, 10) head on 1x16x64, an Embedding(100,
32) + LSTM(32, 48) + Linear(48, 9) tagger on 1x12 token ids, a ConvTranspose2d decoder (4x4 stride 2 + BatchNorm,
3x3 stride 2 output_padding 1, 3x3 groups 2, a Conv2d; 1x32x4x4 -> 1x3x16x16) and a tiny UNet (conv + BN, max-pool,
conv, bilinear Upsample x2, concat with the skip, conv, 1x1 conv; 1x3x64x64).  Each model is exported with each
option ALONE on top of ``torch.onnx.export(m, x, f, dynamo=False, opset_version=17)`` (the TorchScript exporter;
torch 2.14's default is dynamo=True): export_params=False (the weights become graph INPUTS, no initializers);
keep_initializers_as_inputs=True; do_constant_folding=False; training=TrainingMode.TRAINING (BatchNormalization with
training_mode=1 and its running-statistics outputs, Dropout in training form) and PRESERVE of a module left in
train(); operator_export_type=ONNX_ATEN_FALLBACK and ONNX_FALLTHROUGH (torch 2.14 still takes both); opset_version 9,
11, 13, 15, 18, 20 (17 is the base); dynamic_axes on the batch (exported at batch 2, read with -i at batch 2 and with
no shape: batch 1) and on H/W (a sequence's length for the encoder and the tagger; read with -i at the traced size
and with no shape); the dynamo exporter (dynamo=True) with optimize=False, optimize=True, and optimize=True saved
with external data; the export inside torch.no_grad() vs not.  Then what users do next: under no_grad the
ONNX_ATEN_FALLBACK / ONNX_FALLTHROUGH export types (the encoder's fused fast path has no symbolic, so they write
``ATen`` / ``org.pytorch.aten`` nodes); export_params=False with a dynamic batch (read at batch 3 with -i and with no
shape); the dynamo exporter's own export_params=False and keep_initializers_as_inputs=True.  Then NVIDIA's
onnx-graphsurgeon 0.6.1 on the resnet18 and encoder base files: import/export round trip, cleanup(), toposort(),
fold_constants().cleanup(), and a graph-surgery cut that removes the classifier head (resnet18: the output becomes
GlobalAveragePool's, Flatten + Gemm dropped; encoder: the output becomes the encoder's, the head MatMul + Add
dropped) -- a user cutting a backbone out: the cut file's work is the backbone's.

The oracle (written here, no dscost code): every file is run once in onnxruntime (graph optimizations off) with
every node output made a graph output, and per-node hand formulas on those MEASURED shapes -- Conv prod(out) x
Cin/g x prod(k), ConvTranspose prod(in) x Cout/g x prod(k), Gemm M x K x N, MatMul prod(out) x K, LSTM / GRU / RNN
dirs x seq x batch x gates x H x (I + H) -- summed; weights that are graph inputs are fed random arrays of their
declared shapes.  A file onnxruntime cannot run takes its base file's count (the same module's work): the ATen /
fallthrough files (only PyTorch runs those nodes) and the dynamo exporter's export_params=False files (invalid, see
below).  Params: the module's sum(p.numel()); where a file's count differs, it is right when it equals the file's
own learned tensors (the oracle's count: float initializers and weight graph inputs of more than one element, not
BatchNormalization's inputs 3 and 4, not tensors only shape ops read) AND that difference is what the module says
folding does -- each BatchNorm2d folded into the conv before it, -2C + C where that conv had no bias, computed from
the module (resnet18 -4,800, mobilenet_v3_small -6,056, efficientnet_b0 -21,008, tiny UNet -32; the TorchScript
exporter folds only after a Conv2d, the dynamo optimizer also after the ConvTranspose2d: decoder -32) -- and for
the cut, the head's parameters (resnet18's fc 513,000, the encoder's 650).  What dscost should call weights that
arrive as graph inputs (export_params=False): parameters, the same count as the file with initializers -- the
module's, or its BN-folded count where the export folded (it does for export_params=False too: the folded tensors
become the inputs) -- and never activations.

Install: a venv over /tmp/tv (Python 3.11, torch 2.14.1 on the CPU, torchvision 0.29.1, onnx 1.23.2, onnxruntime
1.32.0, onnxscript 0.7.2) with ``onnx-graphsurgeon`` (0.6.1; uv also put protobuf 7.36.2 into the venv).  Run (from
the checkout; OUT gets files/, manifest.json (exports and oracle) and dscost.json (every dscost run); --reuse keeps
both, --only takes models, --make-only stops after the exports):

    /tmp/r59/venv/bin/python benchmarks/crosscheck_export_options.py --out /tmp/r59/run --json /tmp/r59/rows.json

One child process makes every export, graphsurgeon pass and oracle (about 2 minutes, 2.0 GB of files), then the
CLI ``python -m dscost analyze FILE [-i NAME=SHAPE] -f json -q`` runs once per file and shape, one at a time (180 s
limit each).  Verdicts: "equal" (MACs = the oracle's, params = the module's, nothing uncounted); "explained" (params
the file's own learned tensors by the rule above, or a row in EXPLAINED); "refused" (exit 2 with one ``dscost:
error:`` line, where refusing is right: EXPLAINED says why); "DIFF" (anything else: another count, anything
uncounted, a traceback, a timeout); "REFUSED" (a one-line refusal of a file a user reasonably passes); "n/a" (torch
cannot export the model with that option).  Exit 1 while a row is DIFF or REFUSED.  A benchmark: not run in CI.

As run 2026-12-07, Linux x86_64, 2-core VM (shared), Python 3.11.7: torch 2.14.1 (+cu130 build, run on the CPU),
torchvision 0.29.1, onnx 1.23.2, onnxruntime 1.32.0, onnxscript 0.7.2, onnx-graphsurgeon 0.6.1; dscost 0.1.0 at the
frozen copy of this round.  7 models x 25 options + 2 models x 5 graphsurgeon passes = 185 model-option pairs,
4 of them n/a (torch cannot export the encoder under no_grad or at opsets 9-13), 181 files (2.0 GB), 202 dscost runs
(each file once; the dynamic-batch and dynamic-H/W files also with no shape), 0.3-2.4 s each; 291 s in all
(exports, passes and oracle about 3 minutes, dscost 2).  No traceback, no hang, no timeout; exit 1 (finding 1).

Re-run the same day after finding 1 was fixed (``--reuse`` with dscost.json removed: the same files, every dscost
run again; 77 s): 89 equal, 99 explained, 14 refused, 4 n/a, 0 DIFF, exit 0 -- the six DIFF rows equal now
(encoder 67,594 params, lstm_tagger 19,385, memory's weights 270.4KB and activations 447.9KB; the Linear layers
typed ``fc``).  The tables below are the first run's.
Of the 99 explained rows, 97 are params by the folding rule (BatchNorm folds; the cut heads) and 2 the ATen /
fallthrough files (EXPLAINED); the 14 refused: dynamic H/W with no shape (7) and the dynamo exporter's invalid
export_params=False files (7).

Summary per option (rows: one per dscost run; equal / explained / DIFF / refused / REFUSED / n/a):

| option | equal | explained | DIFF | refused | REFUSED | n/a |
|---|---:|---:|---:|---:|---:|---:|
| base | 3 | 4 | 0 | 0 | 0 | 0 |
| no_grad | 2 | 4 | 0 | 0 | 0 | 1 |
| export_params_false | 1 | 4 | 2 | 0 | 0 | 0 |
| keep_initializers_as_inputs | 3 | 4 | 0 | 0 | 0 | 0 |
| no_constant_folding | 7 | 0 | 0 | 0 | 0 | 0 |
| training_TRAINING | 7 | 0 | 0 | 0 | 0 | 0 |
| training_PRESERVE | 7 | 0 | 0 | 0 | 0 | 0 |
| aten_fallback | 3 | 4 | 0 | 0 | 0 | 0 |
| fallthrough | 3 | 4 | 0 | 0 | 0 | 0 |
| opset9 | 2 | 4 | 0 | 0 | 0 | 1 |
| opset11 | 2 | 4 | 0 | 0 | 0 | 1 |
| opset13 | 2 | 4 | 0 | 0 | 0 | 1 |
| opset15 | 3 | 4 | 0 | 0 | 0 | 0 |
| opset18 | 3 | 4 | 0 | 0 | 0 | 0 |
| opset20 | 3 | 4 | 0 | 0 | 0 | 0 |
| dyn_batch | 6 | 8 | 0 | 0 | 0 | 0 |
| dyn_hw | 3 | 4 | 0 | 7 | 0 | 0 |
| dynamo_noopt | 7 | 0 | 0 | 0 | 0 | 0 |
| dynamo_opt | 2 | 5 | 0 | 0 | 0 | 0 |
| dynamo_external | 2 | 5 | 0 | 0 | 0 | 0 |
| no_grad+aten_fallback | 2 | 5 | 0 | 0 | 0 | 0 |
| no_grad+fallthrough | 2 | 5 | 0 | 0 | 0 | 0 |
| export_params_false+dyn_batch | 2 | 8 | 4 | 0 | 0 | 0 |
| dynamo_export_params_false | 0 | 0 | 0 | 7 | 0 | 0 |
| dynamo_keep_initializers_as_inputs | 2 | 5 | 0 | 0 | 0 | 0 |
| gs_roundtrip | 1 | 1 | 0 | 0 | 0 | 0 |
| gs_cleanup | 1 | 1 | 0 | 0 | 0 | 0 |
| gs_toposort | 1 | 1 | 0 | 0 | 0 | 0 |
| gs_fold | 1 | 1 | 0 | 0 | 0 | 0 |
| gs_cut_head | 0 | 2 | 0 | 0 | 0 | 0 |
| total (206 rows) | 83 | 99 | 6 | 14 | 0 | 4 |

MACs: equal to the oracle on every one of the 188 runs that counted, at every option, opset (9-20), exporter,
dynamic size (batch 1, 2 and 3), and graphsurgeon pass (the cuts: resnet18 148,045,824 = 148,557,824 - 512,000;
encoder 1,114,112 = 1,124,352 - 10,240), nothing uncounted but the two ATen / fallthrough files, which list their
nodes (below).  The LSTM is counted by the hand formula at every opset (4 x 48 x (32 + 48) x 12 = 184,320, +5,184
for the head).  Training-form files (BatchNormalization training_mode=1 with 3 outputs, Dropout with training_mode
True) count the module's MACs and params, with the running statistics as buffers (resnet18 9,600), as
do_constant_folding=False files; keep_initializers_as_inputs files (TorchScript and dynamo) count as their base
files: weights that are inputs with an initializer of their name are weights.  Params: equal to the module or
explained by BatchNorm folding (and the cut heads) on every file but the finding below.

FINDINGS (as found):

1. FIXED 2026-12-07 (``readers/onnx_claims.params_in_inputs``: in a file that stores no learned tensor, two or
   more float inputs of known shape that the graph reads only where parameters go are read as initializers without
   values: parameters, not inputs; a note names them).  DIFF (6 rows: encoder and lstm_tagger, export_params=False, alone and with a dynamic batch, -i and no shape).
   Weights that arrive as graph inputs (torch.onnx.export(..., export_params=False): every weight a graph input,
   no initializer) are counted as parameters only where they enter a Conv, ConvTranspose, Gemm, LSTM or a norm as
   its parameter input; where they reach their layer as a MatMul's B (torch's Linear on a 3-D input: the exporter
   writes a pre-transposed ``onnx::MatMul_N`` input), an Add's bias (``fc.bias``) or a Gather's table
   (``emb.weight``), they are taken for activations: encoder 8,832 params of 67,594 (-58,762: every in_proj,
   linear1, linear2 and head weight and bias; only the two out_proj Gemms and the LayerNorms counted), lstm_tagger
   15,744 of 19,385 (-3,641: the embedding table 3,200 and the head's 432 + 9).  MACs stay right (a MatMul of two
   non-constants costs the same), but the Linear layers are typed ``matmul`` not ``fc`` (the encoder's "fully
   connected" share 131.1K MACs of 1.06M), memory's "weights" is 35.3KB not 270.4KB, "activations (every tensor
   once)" 683.0KB not 447.9KB (+235,048 B = the 58,762 lost weights) and the "peak live activations" 255.5KB not
   28.7KB (the weight inputs are live from step 0); the note naming graph-input parameters names only those it
   claimed.  The CNNs (all Conv / Gemm) are right: resnet18 11,684,712 = its base file's, the note "42 parameter
   tensor(s) come from graph inputs".  No batch dimension is set on a weight input and no --input-shape demanded
   (their shapes are static; with a dynamic batch only the data input takes batch 1 or -i's).  Minimal repro
   (/tmp/r59/repro/export_params_false.py): Embedding(100, 32) -> Linear(32, 9) on 1x12 ids: export_params=True
   3,456 MACs / 3,497 params; export_params=False 3,456 MACs / 0 params, no note.  Right: 3,497 (the file's
   weight inputs are its parameters: the round-47 convention, "weights are graph inputs, counted from their shapes
   with a note", which the Gemm and Conv handlers follow).  Cause: ``readers/onnx_ops._matmul`` takes B as weights
   only when ``info.is_const(b_i)`` (a graph input never is; ``gemm`` takes B as weights whatever holds it, and
   ``Claims._claim_params`` has a branch for graph inputs); ``Claims._claim_rest`` (``readers/onnx_claims.py``), which
   counts an Add's bias and a Gather's table, looks at ``self.const`` only; ``memory.model_memory`` then counts
   those inputs as activations live from the start.  A fix has to tell a weight input from a data input: here
   every float input of static shape but the first is a parameter (torch names them ``fc.bias``, ``onnx::MatMul_N``),
   and the file holds no initializer at all.

Not dscost's (said here because users meet them):

- torch 2.14's dynamo exporter with export_params=False writes an INVALID file: the weights are neither
  initializers nor graph inputs (onnx.checker: "Nodes in a graph must be topologically sorted..."; onnxruntime:
  "Node input 'conv1.weight' is not a graph input, initializer, or output of a previous node").  dscost refuses
  each in one line naming the node and the tensor ("... reads 'conv1.weight', which no node makes and which is
  neither a graph input nor an initializer: the graph cannot run (onnxruntime refuses it too)"): right (7 rows).
- nn.TransformerEncoder exported under torch.no_grad() in eval takes torch's fused fast path
  (``aten::_transformer_encoder_layer_fwd``), which the TorchScript exporter cannot export (n/a); the oldest opset
  the encoder exports at is 15 (``aten::unflatten`` needs 13, ``scaled_dot_product_attention`` 14); every other
  model exports at opset 9.  With ONNX_ATEN_FALLBACK / ONNX_FALLTHROUGH under no_grad the file holds two ``ATen``
  (``org.pytorch.aten``) / ``_transformer_encoder_layer_fwd`` nodes only PyTorch runs: dscost lists both as
  uncounted with the op's name and the reason ("PyTorch ATen fallback op 'aten::_transformer_encoder_layer_fwd'
  ...: export with a newer opset or register a symbolic"; the fallthrough node "custom op of domain
  'org.pytorch.aten': no cost handler"), and the head MatMul after them as uncounted (its input's shape lost
  there): MACs 0 of 1,124,352, never a silent zero; their weights count as params (67,594, the module's).  The
  op's work is computable (its output has its input's shape; per layer B*T*(4E^2 + 2EF) + 2*B*T^2*E MACs, its
  weights are its inputs), so a handler could count it -- an improvement, not a miscount.
- dynamic H/W (and sequence length) files read with no shape: refused in one line with the hint
  (``set it with --input-shape x=1x3x224x224``), as documented; with -i at the traced size equal.
- onnx-graphsurgeon refuses to export a cut whose new output has no dtype ("Graph input and output tensors must
  include dtype information"): the round sets float32, as a user must.
- ONNX_ATEN_FALLBACK / ONNX_FALLTHROUGH without no_grad change nothing in these models (every op has a symbolic):
  the files equal the base files.

EXPLAINED (right as counted or refused; EXPLAINED below holds the per-row reasons; params by the folding rule
above need no row).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

# the dscost checkout: benchmarks/.. (as the team keeps this file), else the working directory (`cd CHECKOUT && python ...`)
_UP = Path(__file__).resolve().parent.parent
HERE_ROOT = str(_UP if (_UP / "dscost" / "__init__.py").exists() else Path.cwd())
DSCOST_TIMEOUT = 180
MAKE_TIMEOUT = 3 * 3600

MODELS = ("resnet18", "mobilenet_v3_small", "efficientnet_b0", "encoder", "lstm_tagger", "convt_decoder", "tiny_unet")
OPSETS = (9, 11, 13, 15, 17, 18, 20)
BASE_OPSET = 17
# each option alone, on top of torch.onnx.export(m, x, f, dynamo=False, opset_version=17) of the eval module
OPTIONS = ("base", "no_grad", "export_params_false", "keep_initializers_as_inputs", "no_constant_folding",
           "training_TRAINING", "training_PRESERVE", "aten_fallback", "fallthrough",
           *[f"opset{o}" for o in OPSETS if o != BASE_OPSET], "dyn_batch", "dyn_hw",
           "dynamo_noopt", "dynamo_opt", "dynamo_external",
           # torch's fast path under no_grad (nn.TransformerEncoder: aten::_transformer_encoder_layer_fwd) has no ONNX
           # symbolic; what a user does next: the ATen fallback / fallthrough export types
           "no_grad+aten_fallback", "no_grad+fallthrough",
           # weights as graph inputs where the batch is dynamic too, and the dynamo exporter's own export_params=False /
           # keep_initializers_as_inputs=True (torch.onnx.export(..., dynamo=True, ...), saved without external data)
           "export_params_false+dyn_batch", "dynamo_export_params_false", "dynamo_keep_initializers_as_inputs")
GS_MODELS = ("resnet18", "encoder")
GS_PASSES = ("gs_roundtrip", "gs_cleanup", "gs_toposort", "gs_fold", "gs_cut_head")


# ----------------------------------------------------------------------------------------------------------------
# the models (small inputs, eval, every parameter and buffer perturbed so no two fresh tensors are equal)
# ----------------------------------------------------------------------------------------------------------------

def build(name: str):
    import torch
    import torch.nn as nn
    import torchvision

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            layer = nn.TransformerEncoderLayer(64, 4, 128, dropout=0.1, batch_first=True)
            self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
            self.head = nn.Linear(64, 10)

        def forward(self, x):
            return self.head(self.enc(x))

    class LSTMTagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(100, 32)
            self.lstm = nn.LSTM(32, 48, batch_first=True)
            self.head = nn.Linear(48, 9)

        def forward(self, ids):
            h, _ = self.lstm(self.emb(ids))
            return self.head(h)

    class ConvTDecoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(
                nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
                nn.ConvTranspose2d(8, 8, 3, stride=1, padding=1, groups=2), nn.ReLU(),
                nn.Conv2d(8, 3, 3, padding=1))

        def forward(self, z):
            return self.net(z)

    class TinyUNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.e1 = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU())
            self.e2 = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU())
            self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
            self.d1 = nn.Sequential(nn.Conv2d(48, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 2, 1))

        def forward(self, x):
            a = self.e1(x)
            b = self.e2(a)
            return self.d1(torch.cat([self.up(b), a], 1))

    torch.manual_seed(0)
    if name in ("resnet18", "mobilenet_v3_small", "efficientnet_b0"):
        m = getattr(torchvision.models, name)(weights=None)
        spec = [("x", (1, 3, 64, 64), "float32")]
        dyn_hw = {2: "H", 3: "W"}
    elif name == "encoder":
        m, spec, dyn_hw = Encoder(), [("x", (1, 16, 64), "float32")], {1: "seq"}
    elif name == "lstm_tagger":
        m, spec, dyn_hw = LSTMTagger(), [("ids", (1, 12), "int64")], {1: "seq"}
    elif name == "convt_decoder":
        m, spec, dyn_hw = ConvTDecoder(), [("z", (1, 32, 4, 4), "float32")], {2: "h", 3: "w"}
    elif name == "tiny_unet":
        m, spec, dyn_hw = TinyUNet(), [("x", (1, 3, 64, 64), "float32")], {2: "H", 3: "W"}
    else:
        raise KeyError(name)
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for t in list(m.parameters()) + [b for b in m.buffers() if b.dtype.is_floating_point]:
            t.add_(torch.rand(t.shape, generator=g) * 0.2 + 0.05)  # running_var stays > 0
    return m.eval(), spec, dyn_hw


def bn_folds(m) -> tuple[int, int]:
    """What folding each BatchNorm2d into the conv before it changes in the parameter count: -2C (gamma, beta) and +C
    where that conv had no bias; (after Conv2d, after ConvTranspose2d) -- the TorchScript exporter's constant folding
    folds the first, the dynamo exporter's optimizer both."""
    import torch.nn as nn
    prev, conv, convt = None, 0, 0
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d) and prev is not None:
            d = -2 * mod.num_features + (mod.num_features if prev.bias is None else 0)
            if isinstance(prev, nn.ConvTranspose2d):
                convt += d
            else:
                conv += d
            prev = None
        elif isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d)):
            prev = mod
    return conv, convt


def example(spec, batch=1):
    import torch
    g = torch.Generator().manual_seed(1)
    out = []
    for _, s, dt in spec:
        s = (batch, *s[1:])
        out.append(torch.randint(0, 100, s, generator=g) if dt == "int64" else torch.randn(s, generator=g))
    return tuple(out)


# ----------------------------------------------------------------------------------------------------------------
# the oracle: per-node hand formulas on onnxruntime-MEASURED shapes of each file (no dscost code)
# ----------------------------------------------------------------------------------------------------------------

MAC_OPS = ("Conv", "ConvTranspose", "Gemm", "MatMul", "LSTM", "GRU", "RNN")
FLOAT = (1, 10, 11, 16)


def feeds_for(model_proto, spec_feeds: dict, seed=2):
    """onnxruntime feeds: the data inputs given; any other graph input without an initializer (weights of an
    export_params=False file) random at its declared (static) shape."""
    import numpy as np
    rng = np.random.default_rng(seed)
    inits = {t.name for t in model_proto.graph.initializer}
    out = {}
    for vi in model_proto.graph.input:
        if vi.name in inits and vi.name not in spec_feeds:
            continue
        if vi.name in spec_feeds:
            out[vi.name] = spec_feeds[vi.name]
            continue
        dims = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        out[vi.name] = (rng.standard_normal(dims) * 0.1).astype(np.float32)
    return out


def measured_shapes(path: str, feeds: dict) -> tuple[dict, str]:
    """Every tensor's shape from one run: onnxruntime (optimizations off), else onnx's ReferenceEvaluator."""
    import onnx
    import onnxruntime as ort
    m = onnx.load(path)
    g = m.graph
    have = {o.name for o in g.output}
    for n in g.node:
        for o in n.output:
            if o and o not in have:
                g.output.append(onnx.helper.make_empty_tensor_value_info(o))
                have.add(o)
    inits = {t.name: list(t.dims) for t in g.initializer}
    try:
        so = ort.SessionOptions()
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        so.log_severity_level = 3
        s = ort.InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])
        names = [o.name for o in s.get_outputs()]
        vals = s.run(None, feeds)
        how = "onnxruntime"
    except Exception as e:  # noqa: BLE001
        from onnx.reference import ReferenceEvaluator
        ref = ReferenceEvaluator(m)
        names = list(ref.output_names)
        vals = ref.run(None, feeds)
        how = f"onnx ReferenceEvaluator (onnxruntime: {type(e).__name__}: {str(e).splitlines()[0][:160]})"
    shp = {n: list(getattr(v, "shape", ())) for n, v in zip(names, vals)}
    shp.update({k: list(v.shape) for k, v in feeds.items()})
    shp.update(inits)
    return shp, how


def hand_count(path: str, feeds: dict) -> dict:
    import numpy as np
    import onnx
    m = onnx.load(path)
    g = m.graph
    shp, how = measured_shapes(path, feeds)
    per, ops, unknown = [], {}, set()
    for i, n in enumerate(g.node):
        a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
        if n.domain not in ("", "ai.onnx"):
            unknown.add(f"{n.domain}:{n.op_type}")
        if n.op_type in ("Einsum", "Attention", "Loop", "Scan", "If", "ATen") or n.op_type.startswith("QLinear"):
            unknown.add(n.op_type)
        if n.op_type not in MAC_OPS:
            continue
        if n.op_type == "Conv":
            w, y = shp[n.input[1]], shp[n.output[0]]
            macs = int(np.prod(y)) * int(np.prod(w[1:]))  # N*Cout*prod(out) * Cin/g*prod(k)
        elif n.op_type == "ConvTranspose":
            x, w = shp[n.input[0]], shp[n.input[1]]
            macs = int(np.prod(x)) * int(np.prod(w[1:]))  # N*Cin*prod(in) * Cout/g*prod(k)
        elif n.op_type == "Gemm":
            A, B = shp[n.input[0]], shp[n.input[1]]
            M, K = (A[1], A[0]) if a.get("transA", 0) else (A[0], A[1])
            N = B[0] if a.get("transB", 0) else B[1]
            macs = M * K * N
        elif n.op_type == "MatMul":
            A, y = shp[n.input[0]], shp[n.output[0]]
            macs = int(np.prod(y)) * A[-1]
        else:  # LSTM / GRU / RNN: gates x H x (I + H) per direction, step and batch row
            x, w = shp[n.input[0]], shp[n.input[1]]
            seq, batch = (x[1], x[0]) if a.get("layout", 0) else (x[0], x[1])
            dirs, gh, inp = w
            gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[n.op_type]
            hidden = gh // gates
            macs = dirs * seq * batch * gates * hidden * (inp + hidden)
        per.append(macs)
        ops[n.op_type] = ops.get(n.op_type, 0) + macs
    # the file's learned tensors: float initializers (and weight graph inputs) of more than one element, but BN
    # running statistics (BatchNormalization inputs 3 and 4) and tensors only shape ops read
    inits = {t.name: (t.data_type, list(t.dims)) for t in g.initializer}
    data = set(feeds) & {vi.name for vi in g.input} - set(inits)
    weight_inputs = {vi.name: (vi.type.tensor_type.elem_type, [d.dim_value for d in vi.type.tensor_type.shape.dim])
                     for vi in g.input if vi.name not in inits and vi.name in feeds and vi.name not in SPEC_NAMES}
    stats = {n.input[k] for n in g.node if n.op_type == "BatchNormalization" for k in (3, 4) if len(n.input) > k}
    readers: dict[str, set] = {}
    for n in g.node:
        for k, t in enumerate(n.input):
            readers.setdefault(t, set()).add((n.op_type, k))
    learned = 0
    for name, (dt, dims) in {**inits, **weight_inputs}.items():
        if dt not in FLOAT or int(np.prod(dims)) <= 1 or name in stats or name not in readers:
            continue
        if all(op in ("Reshape", "Shape", "Expand", "Resize", "Upsample") and k > 0 for op, k in readers[name]):
            continue
        learned += int(np.prod(dims))
    del data
    return {"macs": sum(per), "ops": ops, "nodes": len(g.node), "shapes_by": how,
            "learned_in_file": learned, "weight_inputs": len(weight_inputs),
            "weight_input_elems": sum(int(np.prod(d)) for _, d in weight_inputs.values()),
            "unknown_ops": sorted(unknown), "op_types": sorted({n.op_type for n in g.node})}


SPEC_NAMES = {"x", "ids", "z"}


# ----------------------------------------------------------------------------------------------------------------
# the make stage (one child process): export every option, the graphsurgeon passes, the oracle of each file
# ----------------------------------------------------------------------------------------------------------------

def _err(e: BaseException) -> str:
    s = f"{type(e).__name__}: {e}".strip().splitlines()
    return (s[0] if s else type(e).__name__)[:300]


def export_one(m, spec, dyn_hw, option: str, path: Path) -> dict:
    """Export the module with one option; returns what the oracle needs (feeds' shapes, dscost -i args)."""
    import contextlib
    import io
    import warnings
    import torch
    x = example(spec)
    names = [n for n, _, _ in spec]
    kw = dict(dynamo=False, opset_version=BASE_OPSET, input_names=names, output_names=["y"])
    info = {"feed_batch": 1, "dscost_shapes": [], "dscost_shapes_alt": None}
    if option == "export_params_false":
        kw["export_params"] = False
    elif option == "export_params_false+dyn_batch":
        kw["export_params"] = False
        kw["dynamic_axes"] = {**{n: {0: "batch"} for n in names}, "y": {0: "batch"}}
        info["dscost_shapes_alt"] = []  # read with no shape (batch 1, as the file is fed here) and ...
        info["dscost_shapes"] = [f"{n}=" + "x".join(map(str, (3, *s[1:]))) for n, s, _ in spec]  # ... at batch 3
        info["feed_batch"] = 3
    elif option == "keep_initializers_as_inputs":
        kw["keep_initializers_as_inputs"] = True
    elif option == "no_constant_folding":
        kw["do_constant_folding"] = False
    elif option == "training_TRAINING":
        kw["training"] = torch.onnx.TrainingMode.TRAINING
    elif option == "training_PRESERVE":
        kw["training"] = torch.onnx.TrainingMode.PRESERVE
    elif option.endswith("aten_fallback"):
        kw["operator_export_type"] = torch.onnx.OperatorExportTypes.ONNX_ATEN_FALLBACK
    elif option.endswith("fallthrough"):
        kw["operator_export_type"] = torch.onnx.OperatorExportTypes.ONNX_FALLTHROUGH
    elif option.startswith("opset"):
        kw["opset_version"] = int(option[5:])
    elif option == "dyn_batch":
        kw["dynamic_axes"] = {**{n: {0: "batch"} for n in names}, "y": {0: "batch"}}
        x = example(spec, batch=2)  # exported at batch 2, read at batch 2 (-i) and with none (batch 1)
        info["feed_batch"] = 2
        info["dscost_shapes"] = [f"{n}=" + "x".join(map(str, (2, *s[1:]))) for n, s, _ in spec]
        info["dscost_shapes_alt"] = []
    elif option == "dyn_hw":
        kw["dynamic_axes"] = {names[0]: dyn_hw}
        info["dscost_shapes"] = [f"{n}=" + "x".join(map(str, s)) for n, s, _ in spec]
        info["dscost_shapes_alt"] = []
    elif option in ("dynamo_export_params_false", "dynamo_keep_initializers_as_inputs"):
        kw = dict(dynamo=True, input_names=names, output_names=["y"], external_data=False,
                  **({"export_params": False} if option == "dynamo_export_params_false" else {"keep_initializers_as_inputs": True}))
    elif option.startswith("dynamo"):
        kw = dict(dynamo=True, input_names=names, output_names=["y"], optimize=option != "dynamo_noopt")
        if option == "dynamo_external":
            kw["external_data"] = True
    if option == "training_PRESERVE":
        m.train()  # PRESERVE exports the module's own mode: a module left in train() (BatchNorm / Dropout in training form)
    ctx = torch.no_grad() if option.startswith("no_grad") else contextlib.nullcontext()
    buf = io.StringIO()
    with ctx, warnings.catch_warnings(), contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        warnings.simplefilter("ignore")
        if option in ("dynamo_export_params_false", "dynamo_keep_initializers_as_inputs"):
            torch.onnx.export(m, x, str(path), **kw)
        elif option.startswith("dynamo"):
            prog = torch.onnx.export(m, x, **kw)
            if option == "dynamo_external":
                prog.save(str(path), external_data=True)
            else:
                prog.save(str(path), external_data=False)
        else:
            try:
                torch.onnx.export(m, x, str(path), **kw)
            finally:
                m.eval()
    m.eval()
    info["kw"] = {k: str(v) for k, v in kw.items() if k not in ("input_names", "output_names")}
    return info


def gs_pass(src: Path, dst: Path, what: str, model: str) -> dict:
    import numpy as np
    import onnx
    import onnx_graphsurgeon as gs
    graph = gs.import_onnx(onnx.load(str(src)))
    info = {}
    if what == "gs_cleanup":
        graph.cleanup()
    elif what == "gs_toposort":
        graph.toposort()
    elif what == "gs_fold":
        graph.fold_constants().cleanup()
    elif what == "gs_cut_head":
        if model == "resnet18":  # GlobalAveragePool -> Flatten -> Gemm: the backbone's pooled features are the output
            flat = next(n for n in graph.nodes if n.op == "Flatten")
            out = flat.inputs[0]
            info["cut"] = f"output = {out.name} (input of {flat.name}); Flatten + Gemm fc dropped"
        else:  # the last MatMul (+ Add) is the head: the encoder's output is the output
            mm = [n for n in graph.nodes if n.op == "MatMul"][-1]
            out = mm.inputs[0]
            info["cut"] = f"output = {out.name} (input of {mm.name}); head MatMul + Add dropped"
        out.dtype = np.float32
        graph.outputs = [out]
        graph.cleanup().toposort()
    onnx.save(gs.export_onnx(graph), str(dst))
    return info


def make(out: Path, only: list[str], reuse: bool) -> None:
    import onnx
    import torch
    files = out / "files"
    files.mkdir(parents=True, exist_ok=True)
    mf = out / "manifest.json"
    rows = json.loads(mf.read_text()) if reuse and mf.exists() else {}

    def save():
        mf.write_text(json.dumps(rows, indent=1))

    for name in only:
        m, spec, dyn_hw = build(name)
        module_params = sum(p.numel() for p in m.parameters())
        head = {"resnet18": m.fc if name == "resnet18" else None, "encoder": getattr(m, "head", None)}.get(name)
        head_params = sum(p.numel() for p in head.parameters()) if head is not None else 0
        tasks = [(o, None) for o in OPTIONS] + ([(p, "base") for p in GS_PASSES] if name in GS_MODELS else [])
        for option, src in tasks:
            key = f"{name}/{option}"
            if key in rows and reuse:
                continue
            path = files / f"{name}.{option}.onnx"
            row = {"model": name, "option": option, "path": str(path), "module_params": module_params,
                   "head_params": head_params, "spec": [[n, list(s), d] for n, s, d in spec]}
            t = time.time()
            try:
                if src:
                    row.update(gs_pass(files / f"{name}.{src}.onnx", path, option, name))
                    row.update({"feed_batch": 1, "dscost_shapes": [], "dscost_shapes_alt": None})
                else:
                    row.update(export_one(m, spec, dyn_hw, option, path))
            except Exception as e:  # noqa: BLE001
                row["export_error"] = _err(e)
                rows[key] = row
                save()
                print(f"{key}: export failed: {row['export_error'][:150]}", flush=True)
                continue
            row["export_secs"] = round(time.time() - t, 1)
            try:
                x = example(spec, batch=row["feed_batch"])
                spec_feeds = {n: v.numpy() for (n, _, _), v in zip(spec, x)}
                proto = onnx.load(str(path), load_external_data=False)
                feeds = feeds_for(proto, spec_feeds)
                row["oracle"] = hand_count(str(path), feeds)
                if row.get("dscost_shapes_alt") is not None and row["option"] in ("dyn_batch", "export_params_false+dyn_batch"):
                    row["oracle_alt"] = hand_count(str(path), feeds_for(proto, {n: v.numpy() for (n, _, _), v in zip(spec, example(spec))}))
                row["file_mb"] = round(sum(p.stat().st_size for p in files.glob(f"{name}.{option}.onnx*")) / 1e6, 1)
                row["ir_version"] = proto.ir_version
                row["opset"] = next((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), None)
                row["n_initializers"] = len(proto.graph.initializer)
                row["n_graph_inputs"] = len(proto.graph.input)
            except Exception as e:  # noqa: BLE001
                base = rows.get(f"{name}/base", {}).get("oracle")
                if base is None:
                    row["oracle_error"] = _err(e)
                else:  # a file neither onnxruntime nor onnx's evaluator runs (ATen nodes): the same module's work
                    row["oracle"] = {**base, "shapes_by": f"the base file's (this one cannot run: {_err(e)[:200]})",
                                     "learned_in_file": base["learned_in_file"]}
            rows[key] = row
            save()
            o = row.get("oracle", {})
            print(f"{key}: {row.get('export_secs')} s, oracle {o.get('macs')} MACs, learned {o.get('learned_in_file')}, "
                  f"{row.get('oracle_error', '')}", flush=True)
        del m
        torch.cuda.empty_cache() if torch.cuda.is_available() else None
    save()


# ----------------------------------------------------------------------------------------------------------------
# the run stage: dscost's CLI on every file, one process at a time
# ----------------------------------------------------------------------------------------------------------------

def run_dscost(path: str, shapes: list[str]) -> dict:
    cmd = [sys.executable, "-m", "dscost", "analyze", path, *[a for s in shapes for a in ("-i", s)], "-f", "json", "-q"]
    t = time.time()
    try:
        p = subprocess.run(cmd, cwd=HERE_ROOT, capture_output=True, text=True, timeout=DSCOST_TIMEOUT)
        rc, outp, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        rc, outp, err = "timeout", "", ""
    r = {"cmd": "python -m dscost analyze " + " ".join(cmd[4:]), "rc": rc, "stderr": err.strip()[-2000:],
         "secs": round(time.time() - t, 1)}
    try:
        d = json.loads(outp)
        r["totals"], r["notes"] = d["totals"], d.get("notes", [])
        r["uncounted"] = [{k: u.get(k) for k in ("name", "op", "reason")} for u in d.get("uncounted", [])]
        r["mac_ops"] = sorted({x.get("op", "?") for x in d.get("layers", []) if x.get("macs")})
        r["inputs"] = d.get("inputs")
    except (ValueError, KeyError, TypeError) as e:
        r["json_error"] = repr(e)[:200]
    return r


# ----------------------------------------------------------------------------------------------------------------
# verdicts
# ----------------------------------------------------------------------------------------------------------------

# (model or "*", option) -> why a difference is right, or a refusal reasonable
EXPLAINED: dict[tuple[str, str], str] = {
    ("*", "dyn_hw#no-shape"): "refused in one line with the hint to give the size (--input-shape ...): an image's or a "
                              "sequence's size is no batch and cannot be guessed; with -i at the traced size: equal",
    ("encoder", "no_grad+aten_fallback"): "listed uncounted, not silent: the 2 ATen nodes (aten::_transformer_encoder_layer_fwd, "
                                          "torch's fused fast path, which only PyTorch runs) and the head MatMul after them (its "
                                          "input's shape lost there); their weights counted as params (67,594 = the module's)",
    ("*", "dynamo_export_params_false#file"): "refused in one line, rightly: torch 2.14's dynamo exporter with export_params=False "
                                              "writes an invalid file (the weights neither initializers nor graph inputs; "
                                              "onnx.checker and onnxruntime refuse it too)",
    ("encoder", "no_grad+fallthrough"): "listed uncounted, not silent: the 2 org.pytorch.aten::_transformer_encoder_layer_fwd "
                                        "nodes and the head MatMul after them; params the module's",
}


def explained(model: str, option: str) -> str | None:
    return EXPLAINED.get((model, option)) or EXPLAINED.get(("*", option))


def params_reason(row: dict, params: int, oracle: dict, folds: tuple[int, int]) -> str | None:
    """Why a file's params differ from the module's, when they are the file's own learned tensors (the oracle's count
    of them) and the difference is the BatchNorm folding computed from the module (and the head a cut removed)."""
    if params != oracle["learned_in_file"]:
        return None
    cut = row["head_params"] if row["option"] == "gs_cut_head" else 0
    d = params - row["module_params"] + cut
    conv, convt = folds
    dynamo = row["option"].startswith("dynamo")
    want = conv + convt if dynamo and row["option"] != "dynamo_noopt" else conv if not dynamo else 0
    if d != want:
        why = None
    elif d == 0:
        why = ""
    elif dynamo:
        why = f"each BatchNorm folded into the conv before it by the dynamo exporter's optimizer ({d:+,}: -2C, +C where the conv had no bias)"
    else:
        why = f"each BatchNorm after a Conv2d folded into it by the TorchScript exporter's constant folding ({d:+,}: -2C, +C where the conv had no bias)"
    if why is None:
        return None
    return "; ".join(x for x in (why, f"the classifier head cut away (-{cut:,})" if cut else "") if x)


def verdict(row: dict, r: dict, oracle: dict, folds: tuple[int, int] = (0, 0)) -> tuple[str, str]:
    """equal / explained / DIFF / refused (exit 2, one line) for one dscost run against its oracle."""
    why = []
    if r.get("rc") == "timeout":
        return "DIFF", "timeout"
    if r.get("rc") != 0 or "totals" not in r:
        lines = [x for x in r.get("stderr", "").splitlines() if x.strip()]
        one = r.get("rc") == 2 and len(lines) == 1 and lines[0].startswith("dscost: error:") and "Traceback" not in r["stderr"]
        if one:
            return "refused", lines[0][:300]
        return "DIFF", f"rc {r.get('rc')}: {r.get('stderr', '')[-300:]}"
    macs, params = r["totals"].get("macs"), r["totals"].get("params")
    if macs != oracle["macs"]:
        why.append(f"MACs {macs:,} vs oracle {oracle['macs']:,} ({macs - oracle['macs']:+,})")
    if r.get("uncounted"):
        why.append(f"{len(r['uncounted'])} uncounted ({', '.join(sorted({u['op'] for u in r['uncounted']}))})")
    if params != row["module_params"]:
        why.append(f"params {params:,} vs module {row['module_params']:,} ({params - row['module_params']:+,}; "
                   f"file's learned tensors {oracle['learned_in_file']:,})")
    if not why:
        return "equal", ""
    if len(why) == 1 and why[0].startswith("params") and (reason := params_reason(row, params, oracle, folds)) is not None:
        return "explained", f"params {params:,} = the file's learned tensors: {reason}"
    return "diff", "; ".join(why)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="/tmp/r59/run")
    ap.add_argument("--json", default=None)
    ap.add_argument("--only", default=",".join(MODELS))
    ap.add_argument("--reuse", action="store_true", help="keep the files and dscost rows already made")
    ap.add_argument("--make-only", action="store_true")
    ap.add_argument("--_make", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    out = Path(a.out)
    only = [x for x in a.only.split(",") if x]
    if a._make:
        make(out, only, a.reuse)
        return 0
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    p = subprocess.run([sys.executable, __file__, "--_make", "--out", str(out), "--only", ",".join(only),
                        *(["--reuse"] if a.reuse else [])], timeout=MAKE_TIMEOUT)
    if p.returncode:
        print("make stage failed", file=sys.stderr)
        return 1
    if a.make_only:
        return 0
    rows = json.loads((out / "manifest.json").read_text())
    res_path = out / "dscost.json"
    done = json.loads(res_path.read_text()) if a.reuse and res_path.exists() else {}
    folds = {name: bn_folds(build(name)[0]) for name in only}
    table = []
    for key, row in rows.items():
        if row["model"] not in only:
            continue
        if "export_error" in row or "oracle_error" in row:
            table.append({"key": key, "model": row["model"], "option": row["option"], "run": "-",
                          "verdict": "n/a" if "export_error" in row else "oracle-failed",
                          "detail": row.get("export_error") or row.get("oracle_error")})
            continue
        runs = [("shape" if row["dscost_shapes"] else "file", row["dscost_shapes"], row["oracle"])]
        if row.get("dscost_shapes_alt") is not None:
            runs.append(("no-shape", row["dscost_shapes_alt"], row.get("oracle_alt", row["oracle"])))
        for tag, shapes, oracle in runs:
            k = f"{key}#{tag}"
            if k not in done:
                done[k] = run_dscost(row["path"], shapes)
                res_path.write_text(json.dumps(done, indent=1))
            r = done[k]
            v, d = verdict(row, r, oracle, folds[row["model"]])
            why = explained(row["model"], row["option"] + "#" + tag) or explained(row["model"], row["option"])
            if v == "diff":
                v, d = ("explained", f"{d} -- {why}") if why else ("DIFF", d)
            elif v == "refused" and why is None:
                v = "REFUSED"
            table.append({"key": key, "model": row["model"], "option": row["option"], "run": tag, "verdict": v, "detail": d,
                          "macs": r.get("totals", {}).get("macs"), "oracle_macs": oracle["macs"],
                          "params": r.get("totals", {}).get("params"), "buffers": r.get("totals", {}).get("buffers"),
                          "module_params": row["module_params"], "learned_in_file": oracle["learned_in_file"],
                          "uncounted": r.get("uncounted"), "secs": r.get("secs"), "cmd": r.get("cmd"),
                          "notes": r.get("notes", [])})
            print(f"{k:55s} {v:9s} {d[:150]}", flush=True)
    counts: dict[str, int] = {}
    for t in table:
        counts[t["verdict"]] = counts.get(t["verdict"], 0) + 1
    print(json.dumps(counts), f"{time.time() - t0:.0f} s")
    if a.json:
        Path(a.json).write_text(json.dumps(table, indent=1))
    return 1 if counts.get("DIFF") or counts.get("REFUSED") else 0


if __name__ == "__main__":
    sys.exit(main())
