"""Fifty-first blind round: the forms in which PyTorch users hold a model, given to dscost's PyTorch path.

What it stresses: the forms in which PyTorch users hold a model, each handed to dscost's PyTorch path (the Python
API ``dscost.analyze(obj, example)`` and ``dscost.analyze(obj, input_shape="1x3x64x64")``, and the CLI ``dscost
analyze zoo.py:NAME__FORM -i SHAPE -f json -q`` / ``dscost analyze FILE.pt|.pt2``), all doing the same work as
the plain module.  16 modules: torchvision's resnet18, mobilenet_v2, mobilenet_v3_small, efficientnet_b0,
shufflenet_v2_x0_5, squeezenet1_1, regnet_x_400mf, convnext_tiny (64x64 inputs), a 2-layer 64-px
VisionTransformer, a resnet18 FPN detection backbone (dict output); hand-written: an Embedding + 2-layer
bidirectional LSTM tagger, a GRU classifier, a 2-layer nn.TransformerEncoder, a 2-block GPT (token + position
embeddings, causal F.scaled_dot_product_attention), a conv + BN stem before nn.MultiheadAttention, an einsum
attention over a depthwise-separable conv + BN.  Every parameter and BN statistic is perturbed (seed 0) as training
leaves them (fresh equal tensors are written once by torch.onnx, and onnx2torch then finds no initializer).
29 forms: plain; torch.jit.script, torch.jit.trace, a traced module saved and torch.jit.load-ed, torch.jit.freeze
(saved too: the CLI reads the file), torch.jit.optimize_for_inference, a trace taken in train mode; torch.fx.
symbolic_trace; torch.compile (OptimizedModule, never compiled), nn.Module.compile() in place, one child compiled
in place, nn.Sequential(torch.compile(m)), torch.compile(nn.DataParallel(m)), nn.DataParallel(torch.compile(m));
torch.export.export(m, (x,)).module(), its torch.export.unflatten, its run_decompositions().module() (core ATen),
the ExportedProgram itself (and its torch.export.save file); nn.DataParallel on the CPU, nn.Sequential(m),
nn.Sequential(nn.DataParallel(m)); .half() and .to(torch.bfloat16) (inputs of that type), channels_last (module
and input); torch.ao.quantization.fuse_modules of every Conv2d followed by a BatchNorm2d among a module's
children; quantize_dynamic ({Linear, LSTM, GRU}, qint8); torch.nn.utils.prune (global L1, 30%, every Conv2d and
Linear); the module in train() mode; onnx2torch.convert of the module's own torch.onnx.export (dynamo=False, opset
17, torch's defaults otherwise).  A form torch cannot make of a module (fx of a data-dependent forward,
onnx2torch without an LSTM / GRU / Trilu converter, channels_last of a 3-D input, fusion without a Conv-BN pair)
is "n/a".

The oracle (written here, no dscost code): torch's ``FlopCounterMode`` FLOPs / 2 of one eval forward of the PLAIN
module, grad on (no fused fast path of torch's transformer layers), with torch's own ``sdpa_flop_count``
registered for ``aten._scaled_dot_product_flash_attention_for_cpu`` (which the counter lacks on the CPU), and
every nn.LSTM / nn.GRU replaced by the hand count gates x H x (in + H) per layer, direction, step and batch row
(the counter counts 0 for oneDNN's LSTM, and its count of the GRU is taken out first); params = sum(p.numel()) of
the plain module.  Each form must give both, nothing uncounted, the module's own train/eval mode afterwards -- or
be refused in one line (an InputError of one line in the API; exit 2 and one ``dscost: error:`` line on the CLI).
Forms that legitimately change the parameters: fused (BN gamma/beta gone, a conv bias added), onnx2torch (the
export folds Conv+BN; onnx2torch keeps constant MatMul weights as buffers), frozen / optimized TorchScript
(weights become graph constants) and dynamic quantization (packed int8 weights are no nn.Parameters): the right
count is the same MACs and the params of either the plain module or the form's own sum(p.numel()).

Install: a venv over /tmp/tv (Python 3.11, torch 2.14.1 on the CPU, torchvision 0.29.1, onnx 1.23.2, onnxruntime
1.32.0, onnxscript) with ``onnx2torch==1.5.15`` (``uv pip install --no-deps onnx2torch``).  Run (from the checkout;
OUT gets zoo.py, worker.py, the saved .pt / .pt2 / .onnx files, api.jsonl and cli.jsonl; --reuse keeps those rows,
--only takes modules, --forms the API forms, --no-cli skips the CLI runs):

    /tmp/r51/venv/bin/python benchmarks/crosscheck_torch_module_forms.py --out /tmp/r51/run1 --json /tmp/r51/rows.json

One worker process per module (the oracle, then every form through the API, each run under a 300 s alarm), then
the CLI runs, one process each (300 s), one at a time.  Exit 1 while a row is "DIFF" (a count other than the
right one, anything uncounted, a traceback, an internal error, a timeout) or "REFUSED" (a clear one-line refusal
of a form a user reasonably passes) and not in EXPLAINED.  A benchmark: not run in CI.

As run 2026-12-07, Linux x86_64, 2-core VM (shared), Python 3.11.7: torch 2.14.1 (+cu130 build, run on the CPU),
torchvision 0.29.1, onnx 1.23.2, onnxruntime 1.32.0, onnx2torch 1.5.15; dscost 0.1.0 at the frozen copy of this
round.  16 modules x 29 forms: 447 module-form pairs dscost was given (17 more n/a), 1,006 dscost runs: 894 through
the API (each pair with the example tensor and with a shape) and 112 on the CLI (DataParallel, torch.compile,
ScriptModule and ExportedProgram targets; the traced .pt, frozen .pt and .pt2 files); 0.0-23 s a run, 40 min in
all (the run was made in two passes, the last five forms with --forms ... --no-cli, merged with --reuse).  No
hang or timeout; 64 API runs raised a traceback and 16 CLI runs an internal error (finding 1).

Summary per form (rows: API tensor + API shape [+ CLI]; equal / explained / DIFF / REFUSED / refused / n/a):

| form | equal | explained | DIFF | REFUSED | refused | n/a |
|---|---:|---:|---:|---:|---:|---:|
| plain | 32 | 0 | 0 | 0 | 0 | 0 |
| script | 30 | 0 | 6 | 12 | 0 | 0 |
| trace | 24 | 0 | 0 | 8 | 0 | 0 |
| jit_load (API and the .pt file) | 36 | 0 | 0 | 12 | 0 | 0 |
| jit_freeze (API and the .pt file) | 0 | 0 | 48 | 0 | 0 | 0 |
| jit_optimize | 0 | 0 | 32 | 0 | 0 | 0 |
| trace_train | 24 | 0 | 0 | 0 | 8 | 0 |
| fx | 32 | 0 | 0 | 0 | 0 | 0 |
| compile (API and CLI) | 48 | 0 | 0 | 0 | 0 | 0 |
| compile_inplace | 14 | 0 | 18 | 0 | 0 | 0 |
| child_compile_inplace | 12 | 0 | 20 | 0 | 0 | 0 |
| seq_compile | 14 | 0 | 18 | 0 | 0 | 0 |
| dp_compile, compile_dp | 64 | 0 | 0 | 0 | 0 | 0 |
| export_module | 32 | 0 | 0 | 0 | 0 | 0 |
| export_unflatten | 32 | 0 | 0 | 0 | 0 | 0 |
| export_decomposed | 14 | 0 | 18 | 0 | 0 | 0 |
| export_program (API, CLI target; the .pt2 file) | 16 | 0 | 0 | 48 | 0 | 0 |
| dataparallel (API and CLI) | 48 | 0 | 0 | 0 | 0 | 0 |
| sequential, seq_dp | 64 | 0 | 0 | 0 | 0 | 0 |
| half, bfloat16 | 64 | 0 | 0 | 0 | 0 | 0 |
| channels_last | 24 | 0 | 0 | 0 | 0 | 4 |
| fused | 0 | 16 | 0 | 0 | 0 | 8 |
| qdynamic | 0 | 2 | 0 | 26 | 0 | 2 |
| pruned | 26 | 6 | 0 | 0 | 0 | 0 |
| train | 32 | 0 | 0 | 0 | 0 | 0 |
| onnx2torch | 2 | 24 | 0 | 0 | 0 | 3 |
| total (1,023 rows) | 684 | 48 | 160 | 106 | 8 | 17 |

Every form that reaches the TorchScript exporter with the module's own ops -- the plain module, fx, torch.compile
at the top, torch.export's module and its unflatten, DataParallel (also nested in Sequential), Sequential, half,
bfloat16, channels_last, train mode, a trace or TorchScript file of a conv net, a .pt2 file -- gives the oracle's
MACs and params on all 16 modules, nothing uncounted, the module's mode restored.

Re-run 2026-12-07 after the fixes (d345a0f, 48357a2; the API, 16 modules, the forms plain, jit_freeze, jit_optimize,
compile_inplace, child_compile_inplace, seq_compile, export_decomposed, export_program; 256 rows, run with
``--forms ... --no-cli`` into a fresh OUT): **186 equal, 30 explained, 34 refused, 6 DIFF**, no traceback.  Every
in-place / child / Sequential-wrapped compile, every ExportedProgram object and every frozen conv net now counts
(frozen: the oracle's MACs, its weights as buffers with the note, the explained convention above); refused in one
line: jit_optimize (its MKLDNN ops, ``aten::to_mkldnn``: 32 rows) and the frozen attention / FPN modules (as their
scripted forms, finding 5); DIFF: export_decomposed of tiny_gpt, conv_attn, einsum_attn (6 rows), whose core-ATen
graphs hold ops beyond BatchNorm without a TorchScript symbolic (``aten::_softmax``; tiny_gpt a torch internal
assert), so the dynamo fallback ran (params -1,024 / -32 / -96, its note saying so).  Findings 1, 2, 3 and 7 are
fixed; 5 and 6 stay open; 4 was fixed after this re-run (scripted RNN weights matched to the module's
parameters by value; a test holds an LSTM and a GRU tagger), and core ATen's ``_softmax`` / ``_log_softmax``
got symbolics.  A third run (2497d5e; ``--only conv_attn,einsum_attn,tiny_gpt,lstm_tagger,gru_classifier --forms
plain,export_decomposed,script,jit_load --no-cli``, 40 rows): 34 equal, 4 REFUSED (conv_attn's script / jit_load,
finding 5), 2 DIFF (tiny_gpt's decomposed program: a torch internal assert in its TorchScript export, so the
dynamo fallback, -1,024 params, noted); conv_attn and einsum_attn decomposed, and lstm_tagger and gru_classifier
scripted and loaded, now equal.

A fourth run (later on 2026-12-07, after finding 6's fix; ``--forms plain,qdynamic --no-cli``, all 16 modules, 62
rows): **60 equal**, 2 n/a (no Linear / LSTM / GRU to quantize); all 28 qdynamic rows (14 modules, tensor and
shape) count the plain module's MACs and params -- tiny_encoder's too, whose own quantized forward fails in torch
2.14 (its float layers run while counted).

A fifth run (later on 2026-12-07, after finding 5's partial fix: a ScriptModule the TorchScript exporter fails on is
made a torch.export program by torch's TorchScript converter first, ``torch_export._converted``; ``--only
vit_tiny_64,tiny_encoder,conv_attn,resnet18_fpn,tiny_gpt,lstm_tagger --forms
plain,script,trace,jit_load,jit_freeze,trace_train``, API and CLI, 108 rows): **78 equal, 6 explained, 12 REFUSED, 12
refused** -- every trace, saved-and-loaded trace and train-mode trace of the four attention / FPN modules now
counts exactly; the scripted and frozen-scripted forms of those four stay refused in one line, which now also says
what the converter said (``TS2EPConverter failed for node prim::If``; the frozen FPN ``prim::Loop``).

A sixth run (later on 2026-12-07, after finding 5's second fix: a ScriptModule the converter refuses too is traced
through one run, ``torch_export._traced_through``; ``--only vit_tiny_64,tiny_encoder,conv_attn,resnet18_fpn,
lstm_tagger,resnet18 --forms plain,script,jit_freeze,trace``, API and CLI, 78 rows): **60 equal, 6 explained, 12
refused, exit 0** -- every scripted form (API, the CLI target) of the four attention / FPN modules now counts exactly;
their frozen forms stay refused in one line (their weights are constants of the graph, which that route would count
as parameters: a "refused" row, as the round classifies a frozen module's).

FINDINGS (as found; 1-7 fixed since, 2026-12-07, 5 but for frozen attention modules):

1. FIXED (d345a0f: counted, weights as buffers, a note; optimize_for_inference refused in one line). Frozen TorchScript crashes (48 + 32 rows, all 16 modules): ``torch.jit.freeze(torch.jit.script(m))`` and
   ``torch.jit.optimize_for_inference(...)`` -- what a deployment ships -- raise AttributeError out of
   ``dscost.analyze`` (a traceback, not InputError), and ``dscost analyze m.frozen.pt -i 1x3x64x64`` prints
   "dscost: internal error: AttributeError: 'RecursiveScriptModule' object has no attribute 'training' at
   module.py:1972" (exit 2).  Cause: ``torch_reader._count_module`` reads ``module.training`` (was_training) and
   ``_set_mode`` calls ``module.train()``; freezing strips that attribute, and only NotImplementedError is
   suppressed.  With the read bypassed (scratch), resnet18 frozen counts 148,557,824 MACs (right) and 0 params,
   11,679,912 buffers (weights are graph constants, BN folded): the fix also has to say what params are.
2. FIXED (d345a0f: compiled parts run as written while counted). torch.compile below the top (silent but for a note; 18 + 18 + 20 rows): ``m.compile()`` (nn.Module.compile,
   in place), one child compiled in place, and ``nn.Sequential(torch.compile(m))`` (an OptimizedModule child, as
   ``model.backbone = torch.compile(model.backbone)``): the TorchScript exporter fails ("Detected that you are
   using FX to torch.jit.trace a dynamo-optimized function"), the dynamo fallback folds BatchNorm: MACs right,
   params resnet18 11,684,712 (-4,800), mobilenet_v2 -17,056, efficientnet_b0 -21,008, regnet -18,928, tiny_gpt
   -1,024, and an in-place compiled LSTM / GRU child -87,552 / -4,800 (its weights lifted as constants; the note
   calls them "not read by the exported program").  Cause: ``torch_reader._unwrapped`` unwraps only a top-level
   OptimizedModule (``_orig_mod``) and DataParallel; it neither clears ``_compiled_call_impl`` (set by
   nn.Module.compile on the module or any child) nor replaces OptimizedModule children for the export.
   (torch.compile(m) itself, and inside/around DataParallel at the top, are exact: 112 rows.)
3. FIXED for BatchNorm (48357a2: a symbolic; other core-ATen ops still fall back, above). A core-ATen program (``torch.export.export(m, (x,)).run_decompositions().module()``; 18 rows): BatchNorm is
   ``aten::_native_batch_norm_legit_no_training``, which the TorchScript exporter has no symbolic for, so the
   dynamo fallback folds it: the same -4,800 ... -21,008 as finding 2 (a note gives both counts).  Cause: no dscost
   symbolic for that op in ``torch_symbolics.py`` (the op is also why torch 2.5's .pt2 files are refused).
   The same program saved with torch.export.save and read as a .pt2 file counts the same (resnet18: 11,679,912
   params with fresh weights, -9,600; checked once by hand, /tmp/r51/repro/decomposed.py).
4. FIXED (matched by value, after the re-run). torch.jit.script of a module holding nn.LSTM / nn.GRU (6 rows, API and CLI): MACs right, params lstm_tagger
   4,170 of 91,722 (-87,552), gru_classifier 229 of 5,029 (-4,800), and the note says the RNN's 16 / 4 weight
   tensors "are in no graph: the forward does not use them", which is false.  trace and jit_load of the same
   modules are exact.  Cause: the scripted RNN reads ``self._flat_weights`` (a List[Tensor] attribute), which
   the TorchScript exporter of a ScriptModule writes as Constant nodes, not initializers named by their keys; the
   ONNX reader takes Constant tensors for buffers and ``torch_reader.unused_params`` looks at initializer names only.
5. FIXED (later on 2026-12-07: traced forms made a torch.export program by torch's TorchScript converter first;
   scripted ones, whose ``if``s it refuses, traced through one run with make_fx; frozen ones stay refused). REFUSED: TorchScript forms of attention and dict-output modules (12 + 8 + 12 rows: vit_tiny_64, tiny_encoder,
   conv_attn, resnet18_fpn), whose plain modules count exactly: script -> "torch.onnx.export failed:
   UnsupportedOperatorError: Exporting the operator 'aten::is_autocast_enabled' to ONNX opset version 17 is not
   supported; the dynamo exporter too: ... Exporting a ScriptModule is not supported"; trace and the saved .pt ->
   "SymbolicValueError: Unsupported: ONNX export of transpose for tensor of unknown rank"; the FPN: "Couldn't lower
   all tuples" (script), "prim::DictConstruct" (trace, .pt).  One clear line each.  Cause: dscost hands a
   ScriptModule to torch.onnx.export as it is; the exporter lowers the TorchScript graph without a trace's shapes
   (and scripted MHA keeps its autocast check), and the dynamo fallback cannot take a ScriptModule.
6. FIXED (2026-12-07, the next session: each dynamically quantized layer counted as the float layer of its unpacked
   weights, ``torch_forms.dequantized``). REFUSED: dynamic quantization (26 rows, 13 modules): "torch.onnx.export failed: UnsupportedOperatorError:
   Exporting the operator 'quantized::linear_dynamic' to ONNX opset version 17 is not supported; the dynamo
   exporter too: TorchExportError: ... LinearPackedParamsBase ... does not have a field with name
   '__obj_flatten__'" (vit, conv_attn: "TracingCheckError: Tracing failed sanity checks!").  One line; the right
   count is the float module's MACs (the same products in int8).  No symbolic for the quantized ops.
7. FIXED (d345a0f: its module counted at its example inputs). REFUSED: the ExportedProgram object (32 API rows, 16 CLI targets), while its torch.export.save file counts
   exactly (16 of 16): API "expected a model file path, a 'package.module:factory' target or a torch.nn.Module,
   got a ExportedProgram" (no hint to ``.module()``); CLI target "NAME() raised RuntimeError: Unable to call
   ExportedProgram directly. You should use `exported_program.module()` instead." -- ``build_module`` calls the
   program as a factory because it is callable.  ``api.load_model`` / ``build_module`` could take it as
   ``torch_files.count_exported`` takes a loaded .pt2.

EXPLAINED (right as counted or refused; EXPLAINED below holds the per-row reasons):

- fused: params = the fused module's sum(p.numel()) (2C per BN gone, C added as a conv bias where the conv had
  none: resnet18 -4,800, mobilenet_v2 -17,056, efficientnet_b0 -21,008), MACs unchanged -- 8 modules, equal to
  that count.
- onnx2torch: 7 modules counted (squeezenet equal; resnet18, mobilenets, efficientnet, regnet, convnext at the
  converted module's params: torch.onnx's folding merged Conv+BN, and convnext's Linear weights are buffers of
  onnx2torch's MatMul modules, 2,670,856 of 28,589,128); 6 (with resnet18_fpn) refused in one line inside onnx2torch's own export code
  (torch.onnx.symbolic_helper._export_onnx_opset_version, gone in torch 2.14); 3 not convertible (no LSTM, GRU or Trilu converter).
- pruned: vit_tiny_64, tiny_encoder, conv_attn: MultiheadAttention's out_proj.weight_orig is never read (MHA reads
  out_proj.weight directly; prune's pre-hook never runs), named by dscost's note with its elements; conv_attn also
  -32 from the dynamo fallback's BN folding.  The other 13 modules equal.
- tiny_encoder qdynamic: torch's own forward fails after quantize_dynamic; dscost says so in one line.
- trace_train of the MHA / FPN modules: refused in one line, as their plain trace (finding 5); not a form users
  pass on purpose (a "refused" row, not counted open).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# the dscost checkout: benchmarks/.. (as the team keeps this file), else the working directory (`cd CHECKOUT && python ...`)
_UP = Path(__file__).resolve().parent.parent
HERE_ROOT = str(_UP if (_UP / "dscost" / "__init__.py").exists() else Path.cwd())

ZOO_CODE = r'''"""Modules and the forms of each (written by benchmarks/crosscheck_torch_module_forms.py)."""
import copy, os, warnings
warnings.filterwarnings("ignore")
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


class LSTMTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 32)
        self.lstm = nn.LSTM(32, 48, num_layers=2, bidirectional=True, batch_first=True)
        self.head = nn.Linear(96, 10)

    def forward(self, ids):
        h, _ = self.lstm(self.emb(ids))
        return self.head(h)


class GRUClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(16, 32, batch_first=True)
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, 5)

    def forward(self, x):
        h, _ = self.gru(x)
        return self.head(self.norm(h[:, -1]))


class TinyEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(64, 4, 128, dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(64, 3)

    def forward(self, x):
        return self.head(self.enc(x).mean(1))


class Block(nn.Module):
    def __init__(self, d: int, h: int):
        super().__init__()
        self.h = h
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q = q.view(B, T, self.h, C // self.h).transpose(1, 2)
        k = k.view(B, T, self.h, C // self.h).transpose(1, 2)
        v = v.view(B, T, self.h, C // self.h).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class TinyGPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(128, 64)
        self.pos = nn.Embedding(32, 64)
        self.blocks = nn.ModuleList([Block(64, 4), Block(64, 4)])
        self.ln = nn.LayerNorm(64)
        self.lm = nn.Linear(64, 128, bias=False)

    def forward(self, ids):
        T = ids.shape[1]
        x = self.tok(ids) + self.pos(torch.arange(T, device=ids.device))
        for b in self.blocks:
            x = b(x)
        return self.lm(self.ln(x))


class ConvAttn(nn.Module):
    """A conv stem (conv + BN + ReLU), nn.MultiheadAttention over the pixels (need_weights default), a head."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU())
        self.attn = nn.MultiheadAttention(32, 4, batch_first=True)
        self.head = nn.Linear(32, 7)

    def forward(self, x):
        f = self.stem(x).flatten(2).transpose(1, 2)
        a, _ = self.attn(f, f, f)
        return self.head(a.mean(1))


class EinsumAttn(nn.Module):
    """Hand-written attention with einsum and softmax, and a depthwise-separable conv."""

    def __init__(self):
        super().__init__()
        self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.pw = nn.Conv2d(16, 48, 1)
        self.bn = nn.BatchNorm2d(48)
        self.out = nn.Linear(16, 4)

    def forward(self, x):
        q, k, v = self.bn(self.pw(self.dw(x))).flatten(2).chunk(3, dim=1)
        a = torch.einsum("bci,bcj->bij", q, k).softmax(-1)
        y = torch.einsum("bij,bcj->bci", a, v)
        return self.out(y.mean(2))


def _tv(name, **kw):
    import torchvision
    return lambda: getattr(torchvision.models, name)(**kw)


def _vit():
    from torchvision.models import VisionTransformer
    return VisionTransformer(image_size=64, patch_size=16, num_layers=2, num_heads=4, hidden_dim=64, mlp_dim=128, num_classes=10)


def _fpn():
    from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
    return resnet_fpn_backbone(backbone_name="resnet18", weights=None, trainable_layers=5)


IMG = ((1, 3, 64, 64), "float32")
# name -> (builder, (input shape, element type))
MODULES = {
    "resnet18": (_tv("resnet18"), IMG),
    "mobilenet_v2": (_tv("mobilenet_v2"), IMG),
    "mobilenet_v3_small": (_tv("mobilenet_v3_small"), IMG),
    "efficientnet_b0": (_tv("efficientnet_b0"), IMG),
    "shufflenet_v2_x0_5": (_tv("shufflenet_v2_x0_5"), IMG),
    "squeezenet1_1": (_tv("squeezenet1_1"), IMG),
    "regnet_x_400mf": (_tv("regnet_x_400mf"), IMG),
    "convnext_tiny": (_tv("convnext_tiny"), IMG),
    "vit_tiny_64": (_vit, IMG),
    "resnet18_fpn": (_fpn, IMG),
    "lstm_tagger": (LSTMTagger, ((1, 12), "int64")),
    "gru_classifier": (GRUClassifier, ((1, 10, 16), "float32")),
    "tiny_encoder": (TinyEncoder, ((1, 16, 64), "float32")),
    "tiny_gpt": (TinyGPT, ((1, 16), "int64")),
    "conv_attn": (ConvAttn, ((1, 3, 32, 32), "float32")),
    "einsum_attn": (EinsumAttn, ((1, 16, 8, 8), "float32")),
}

FORMS = ["plain", "script", "trace", "jit_load", "jit_freeze", "jit_optimize", "trace_train", "fx", "compile", "compile_inplace",
         "export_module", "export_unflatten", "export_program", "dataparallel", "sequential", "half", "bfloat16", "channels_last",
         "fused", "qdynamic", "pruned", "train", "onnx2torch", "dp_compile", "compile_dp", "export_decomposed",
         "seq_dp", "seq_compile", "child_compile_inplace"]


def example(name):
    shape, dtype = MODULES[name][1]
    torch.manual_seed(0)
    return torch.rand(*shape) if dtype == "float32" else torch.randint(0, 10, shape)


def build(name):
    """The module in eval mode, every parameter and BN statistic perturbed as training leaves them (fresh equal tensors --
    zero biases, unit norms -- are written once by torch.onnx and onnx2torch then finds no initializer)."""
    torch.manual_seed(0)
    m = MODULES[name][0]().eval()
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.01)
        for b_name, b in m.named_buffers():
            if b.is_floating_point():
                b.add_(torch.rand_like(b) * 0.01)
    return m


class NotApplicable(Exception):
    """The form cannot be made of this module (torch refuses, or it does not apply)."""


def _conv_bn_pairs(m):
    pairs = []
    for pname, parent in m.named_modules():
        kids = list(parent.named_children())
        for (a, ma), (b, mb) in zip(kids, kids[1:]):
            if isinstance(ma, nn.Conv2d) and isinstance(mb, nn.BatchNorm2d):
                pairs.append([f"{pname}.{a}" if pname else a, f"{pname}.{b}" if pname else b])
    return pairs


def make(name, form, workdir=HERE):
    """(the form's object, its example input) -- the input cast for half and channels_last."""
    m, x = build(name), example(name)
    if form == "plain":
        return m, x
    if form == "script":
        return torch.jit.script(m), x
    if form == "trace":
        return torch.jit.trace(m, x, check_trace=False, strict=False), x
    if form == "jit_load":
        path = os.path.join(workdir, f"{name}.traced.pt")
        torch.jit.save(torch.jit.trace(m, x, check_trace=False, strict=False), path)
        return torch.jit.load(path), x
    if form == "jit_freeze":  # (saved too: a deployment's frozen TorchScript file, read by the CLI)
        frozen = torch.jit.freeze(torch.jit.script(m))
        torch.jit.save(frozen, os.path.join(workdir, f"{name}.frozen.pt"))
        return frozen, x
    if form == "jit_optimize":
        return torch.jit.optimize_for_inference(torch.jit.script(m)), x
    if form == "trace_train":  # traced while in train mode (a common slip), handed over as it is
        return torch.jit.trace(m.train(), x, check_trace=False, strict=False), x
    if form == "compile_inplace":  # nn.Module.compile(): the same object, its __call__ compiled on first use
        m.compile()
        return m, x
    if form == "export_unflatten":
        return torch.export.unflatten(torch.export.export(m, (x,))), x
    if form == "bfloat16":
        h = m.to(torch.bfloat16)
        xh = x.to(torch.bfloat16) if x.is_floating_point() else x
        with torch.no_grad():
            h(xh)
        return h, xh
    if form == "pruned":  # torch.nn.utils.prune: weight_orig (a parameter) x weight_mask (a buffer) at each forward
        import torch.nn.utils.prune as prune
        targets = [(s, "weight") for s in m.modules() if isinstance(s, (nn.Conv2d, nn.Linear))]
        if not targets:
            raise NotApplicable("no Conv2d / Linear")
        prune.global_unstructured(targets, pruning_method=prune.L1Unstructured, amount=0.3)
        return m, x
    if form == "fx":
        return torch.fx.symbolic_trace(m), x
    if form == "compile":
        return torch.compile(m), x
    if form in ("export_module", "export_program"):
        ep = torch.export.export(m, (x,))
        return (ep.module() if form == "export_module" else ep), x
    if form == "dataparallel":
        return nn.DataParallel(m), x
    if form == "dp_compile":
        return nn.DataParallel(torch.compile(m)), x
    if form == "compile_dp":
        return torch.compile(nn.DataParallel(m)), x
    if form == "export_decomposed":  # the core-ATen program (run_decompositions): attention, linear, norms decomposed
        return torch.export.export(m, (x,)).run_decompositions().module(), x
    if form == "seq_dp":  # a wrapper inside: `self.backbone = nn.DataParallel(backbone)`, as older training code does
        return nn.Sequential(nn.DataParallel(m)), x
    if form == "seq_compile":  # `model.backbone = torch.compile(model.backbone)`: an OptimizedModule as a child
        return nn.Sequential(torch.compile(m)), x
    if form == "child_compile_inplace":  # one child compiled in place (nn.Module.compile())
        child = max(m.children(), key=lambda c: sum(p.numel() for p in c.parameters()))
        child.compile()
        return m, x
    if form == "sequential":
        return nn.Sequential(m), x
    if form == "half":
        h = m.half()
        xh = x.half() if x.is_floating_point() else x
        with torch.no_grad():
            h(xh)  # (torch on the CPU has half kernels for this module?)
        return h, xh
    if form == "channels_last":
        if x.dim() != 4:
            raise NotApplicable("channels_last is for 4-D image inputs")
        return m.to(memory_format=torch.channels_last), x.to(memory_format=torch.channels_last)
    if form == "fused":
        pairs = _conv_bn_pairs(m)
        if not pairs:
            raise NotApplicable("no Conv2d followed by BatchNorm2d among a module's children")
        return torch.ao.quantization.fuse_modules(m, pairs), x
    if form == "qdynamic":
        if not any(isinstance(s, (nn.Linear, nn.LSTM, nn.GRU)) for s in m.modules()):
            raise NotApplicable("no Linear / LSTM / GRU")
        return torch.ao.quantization.quantize_dynamic(m, {nn.Linear, nn.LSTM, nn.GRU}, dtype=torch.qint8), x
    if form == "train":
        return m.train(), x
    if form == "onnx2torch":
        import onnx2torch
        path = os.path.join(workdir, f"{name}.o2t.onnx")
        torch.onnx.export(m, (x,), path, dynamo=False, opset_version=17)  # (a user's export: folding on, eval)
        return onnx2torch.convert(path), x
    raise KeyError(form)


def __getattr__(attr):
    """``zoo.py:NAME__FORM`` as a dscost target: the form's object."""
    name, sep, form = attr.partition("__")
    if not sep or name not in MODULES or form not in FORMS:
        raise AttributeError(attr)
    return make(name, form)[0]
'''

WORKER_CODE = r'''"""One module: the oracle of its plain form, then every form through dscost's Python API (example tensor, and
shape), one JSON line per run on stdout (written by benchmarks/crosscheck_torch_module_forms.py)."""
import json, os, signal, sys, time, traceback, warnings
warnings.filterwarnings("ignore")
import torch, torch.nn as nn
from torch.utils.flop_counter import FlopCounterMode, register_flop_formula, sdpa_flop_count

OUT, NAME = sys.argv[1], sys.argv[2]
FORMS = sys.argv[3].split(",") if len(sys.argv) > 3 and sys.argv[3] else None
sys.path.insert(0, OUT)
import zoo


# torch 2.14's FlopCounterMode has no formula for the CPU flash kernel of scaled_dot_product_attention: torch's own
# sdpa_flop_count, 2*B*H*L*S*(E + Ev) FLOPs, as for its CUDA kernel.
@register_flop_formula(torch.ops.aten._scaled_dot_product_flash_attention_for_cpu)
def _sdpa_cpu(query_shape, key_shape, value_shape, *args, out_shape=None, **kwargs):
    return sdpa_flop_count(query_shape, key_shape, value_shape)


def rnn_hand(m, shp):
    """Per layer, direction, step and batch row: gates x H x (in + H)."""
    g = {"RNN_TANH": 1, "RNN_RELU": 1, "GRU": 3, "LSTM": 4}[m.mode]
    if len(shp) == 2:
        T, B = shp[0], 1
    elif m.batch_first:
        B, T = shp[0], shp[1]
    else:
        T, B = shp[0], shp[1]
    H, D = m.hidden_size, 2 if m.bidirectional else 1
    return sum(D * T * B * (g * H * (m.input_size if l == 0 else H * D) + g * H * H) for l in range(m.num_layers))


def oracle():
    m, x = zoo.make(NAME, "plain")
    seen = []
    hooks = [s.register_forward_hook(lambda mod, inp, out: seen.append((mod, inp[0].detach().clone())))
             for s in m.modules() if isinstance(s, nn.RNNBase)]
    fc = FlopCounterMode(display=False)
    with torch.enable_grad(), fc:  # (grad on: no fused fast path of torch's transformer layers)
        m(x)
    for h in hooks:
        h.remove()
    macs = fc.get_total_flops() // 2
    rnn = []
    for mod, inp in seen:  # the counter counts 0 for oneDNN's LSTM and some of GRU's kernels: hand formula instead
        sub = FlopCounterMode(display=False)
        with torch.enable_grad(), sub:
            mod(inp)
        macs += rnn_hand(mod, list(inp.shape)) - sub.get_total_flops() // 2
        rnn.append([type(mod).__name__, rnn_hand(mod, list(inp.shape)), sub.get_total_flops() // 2])
    ops = {str(k): v // 2 for k, v in fc.get_flop_counts().get("Global", {}).items()}
    return {"oracle_macs": macs, "oracle_params": sum(p.numel() for p in m.parameters()), "counter_ops": ops, "rnn_hand": rnn}


class Timeout(Exception):
    pass


def _alarm(*a):
    raise Timeout("no answer in 300 s")


signal.signal(signal.SIGALRM, _alarm)


def emit(row):
    print("ROW " + json.dumps(row), flush=True)


import dscost

shape, dtype = zoo.MODULES[NAME][1]
shape_text = "x".join(map(str, shape)) + ("" if dtype == "float32" else f":{dtype}")
try:
    emit({"module": NAME, "form": "oracle", **oracle()})
except Exception as e:
    emit({"module": NAME, "form": "oracle", "oracle_error": f"{type(e).__name__}: {e}"[:400]})
for form in FORMS or zoo.FORMS:
    t0 = time.time()
    try:
        obj, x = zoo.make(NAME, form, OUT)
    except Exception as e:
        emit({"module": NAME, "form": form, "how": "-", "built": f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"[:300]})
        continue
    info = {"module": NAME, "form": form, "type": type(obj).__name__}
    try:
        info["form_params"] = sum(p.numel() for p in obj.parameters())
    except Exception:
        info["form_params"] = None
    info["form_training"] = getattr(obj, "training", None)
    if form == "export_program":
        try:
            torch.export.save(obj, os.path.join(OUT, f"{NAME}.pt2"))
        except Exception as e:
            info["pt2_error"] = repr(e)[:200]
    for how in ("tensor", "shape"):  # (shape: dscost makes the inputs, of the module's float type, contiguous)
        row = dict(info, how=how)
        t = time.time()
        signal.alarm(300)
        try:
            if how == "tensor":
                a = dscost.analyze(obj, x)
            else:
                a = dscost.analyze(obj, input_shape=shape_text)
            row.update(macs=a.totals.macs, params=a.totals.params, uncounted=sorted({u.op for u in a.model.uncounted}),
                       note0=a.model.notes[0] if a.model.notes else "", notes=a.model.notes[1:4])
        except Timeout as e:
            row.update(error="TIMEOUT " + str(e))
        except dscost.InputError as e:
            row.update(error=str(e), error_kind="InputError")
        except BaseException as e:
            row.update(error=f"{type(e).__name__}: {e}"[:600], error_kind="traceback", tb=traceback.format_exc()[-1500:])
        finally:
            signal.alarm(0)
        row["secs"] = round(time.time() - t, 1)
        row["training_after"] = getattr(obj, "training", None)
        emit(row)
'''


_PRUNED_MHA = ("torch.nn.utils.prune on nn.MultiheadAttention's out_proj (a Linear subclass): MHA reads out_proj.weight "
               "directly and never calls out_proj.forward, so prune's forward pre-hook never recomputes it; the weight is the "
               "tensor prune computed once (weight_orig x mask, requiring grad), which the TorchScript exporter refuses as a "
               "constant, so the dynamo fallback ran; out_proj.weight_orig is never read by the forward and dscost's note names "
               "it and its elements (documented convention: parameters the forward does not read are not counted)")
_O2T_EXPORT = ("onnx2torch's own modules for MatMul / Gemm / Reshape with constants (OnnxToTorchModuleWithCustomExport) call "
               "torch.onnx.symbolic_helper._export_onnx_opset_version when exported, which torch 2.14 no longer has; both "
               "exporters fail inside onnx2torch's code and dscost says so in one line (not dscost's; onnx2torch 1.5.15)")
# (module, form) -> why its difference, or its refusal, is right
EXPLAINED: dict[tuple[str, str], str] = {
    ("vit_tiny_64", "pruned"): _PRUNED_MHA + ": -8,192 = 2 x 64 x 64, exactly the note's",
    ("tiny_encoder", "pruned"): _PRUNED_MHA + ": -8,192 = 2 x 64 x 64, exactly the note's",
    ("conv_attn", "pruned"): _PRUNED_MHA + ": -1,024 = 32 x 32, the note's, and -32 more: the dynamo fallback folds the stem's "
                             "BatchNorm (64 params) into a conv bias (32), the fallback's documented rewrite",
    ("tiny_encoder", "qdynamic"): "quantize_dynamic breaks nn.TransformerEncoderLayer's own forward in torch 2.14 (eager, with or "
                                  "without grad: AttributeError: 'function' object has no attribute 'device'); dscost runs the "
                                  "forward after the failed export and says so in one line",
    **{(name, "onnx2torch"): _O2T_EXPORT for name in ("shufflenet_v2_x0_5", "vit_tiny_64", "resnet18_fpn", "tiny_encoder", "conv_attn",
                                                            "einsum_attn")},
}

# Forms a PyTorch user would reasonably hand dscost as "the model": a refusal of one is a finding (a clear one).
REASONABLE = {"script", "trace", "jit_load", "fx", "compile", "export_module", "export_program", "dataparallel", "sequential",
              "half", "channels_last", "train", "dp_compile", "qdynamic", "onnx2torch", "fused"}

# Forms whose work or parameters legitimately differ from the plain module's, and what the right count is.
RIGHT_COUNT = {
    "fused": "conv+bn fused (torch.ao.quantization.fuse_modules, eval): the same conv MACs (BatchNorm has none), params = the fused "
             "module's sum(p.numel()): each BN's gamma and beta (2C) gone, a bias (C) added to a conv that had none",
    "onnx2torch": "onnx2torch of the module's own TorchScript export (torch.onnx.export defaults: eval, constant folding on, so "
                  "Conv+BN folded); the same MACs, params = the converted module's sum(p.numel()): BN folded as above, and "
                  "onnx2torch keeps a MatMul's / attention's constant weights as buffers, not parameters",
    "jit_freeze": "torch.jit.freeze of the scripted module: its weights become constants of the graph (parameters() is empty) and "
                  "Conv+BN are folded; the same MACs; params: the plain module's, or torch's sum(p.numel()) of the frozen one, 0",
    "jit_optimize": "torch.jit.optimize_for_inference: freeze as above, plus its own rewrites; the same MACs; params as for jit_freeze",
    "qdynamic": "quantize_dynamic (qint8 Linear/LSTM/GRU): the same multiply-adds in int8; params: the packed int8 weights are "
                "no nn.Parameters, so torch's sum(p.numel()) of the quantized module drops them (dscost's convention for a "
                "quantized module, round 7: torch's parameters()); either the plain module's count or that one is right",
}


def child(argv, timeout, env=None):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return "timeout", (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), ""


def dscost_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = HERE_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_cli(target, shape):
    t = time.time()
    rc, out, err = child([sys.executable, "-m", "dscost", "analyze", target, "-i", shape, "-f", "json", "-q"], 300, dscost_env())
    row = {"rc": rc, "secs": round(time.time() - t, 1), "stderr": err.strip()[-600:]}
    if rc == 0:
        try:
            doc = json.loads(out)
            row.update(macs=doc["totals"]["macs"], params=doc["totals"]["params"],
                       uncounted=sorted({u.get("op", "?") for u in doc.get("uncounted") or []}), note0=(doc.get("notes") or [""])[0])
        except Exception as e:  # noqa: BLE001
            row["error"] = f"unreadable JSON: {e}"
    else:
        row["error"] = err.strip()
    return row


def clean_refusal(row, cli):
    """One line, no traceback: `dscost: error: ...` and exit 2 (CLI), an InputError of one line (API)."""
    if cli:
        lines = row.get("stderr", "").splitlines()
        return row.get("rc") == 2 and len(lines) == 1 and lines[0].startswith("dscost: error: ")
    return row.get("error_kind") == "InputError" and "\n" not in row.get("error", "")


def verdict(row, o):
    """equal / explained / refused (a clear one-line refusal; a finding where the form is one users pass) / DIFF / n/a."""
    if "built" in row:
        return "n/a"
    cli = "rc" in row
    if "macs" not in row:
        return "refused" if clean_refusal(row, cli) else "DIFF"
    if row.get("uncounted"):
        return "DIFF"
    if "oracle_macs" not in o:
        return "DIFF"
    if row["macs"] == o["oracle_macs"] and row["params"] == o["oracle_params"]:
        return "equal" if (row.get("training_after") in (None, row.get("form_training"))) else "DIFF"
    form = row["form"]
    if form in RIGHT_COUNT and row["macs"] == o["oracle_macs"] and row["params"] in {row.get("form_params"), o["oracle_params"]}:
        return "explained"
    if (row["module"], form) in EXPLAINED:
        return "explained"
    return "DIFF"


def fmt(n):
    return f"{n:,}" if isinstance(n, int) else ("-" if n is None else str(n))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "r51"))
    ap.add_argument("--json", help="write every row here")
    ap.add_argument("--only", help="comma-separated module names")
    ap.add_argument("--forms", help="comma-separated forms (API runs)")
    ap.add_argument("--no-cli", action="store_true", help="skip the CLI runs")
    ap.add_argument("--reuse", action="store_true", help="keep the rows already in OUT/api.jsonl (modules) and OUT/cli.jsonl (CLI runs)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    Path(args.out, "zoo.py").write_text(ZOO_CODE)
    Path(args.out, "worker.py").write_text(WORKER_CODE)
    sys.path.insert(0, args.out)
    import zoo  # noqa: E402  (names only: builds nothing)

    names = args.only.split(",") if args.only else list(zoo.MODULES)
    api_path = Path(args.out, "api.jsonl")
    done = {}
    if args.reuse and api_path.exists():
        for line in api_path.read_text().splitlines():
            r = json.loads(line)
            done.setdefault(r["module"], []).append(r)
    rows, oracle = [], {}
    for name in names:
        if name not in done:
            t = time.time()
            rc, out, err = child([sys.executable, os.path.join(args.out, "worker.py"), args.out, name, args.forms or ""], 3600, dscost_env())
            got = [json.loads(line[4:]) for line in out.splitlines() if line.startswith("ROW ")]
            if rc != 0:
                got.append({"module": name, "form": "worker", "how": "-", "error": f"worker exit {rc}: {err.strip()[-400:]}", "error_kind": "crash"})
            done[name] = got
            with api_path.open("a") as f:
                for r in got:
                    f.write(json.dumps(r) + "\n")
            print(f"[api] {name}: {len(got)} rows, {time.time() - t:.0f} s", file=sys.stderr, flush=True)
        for r in done[name]:
            if r["form"] == "oracle":
                oracle[name] = r
            else:
                rows.append(r)
    cli_path, cli_done = Path(args.out, "cli.jsonl"), {}
    if args.reuse and cli_path.exists():
        for line in cli_path.read_text().splitlines():
            r = json.loads(line)
            cli_done[r["module"], r["form"], r["target"]] = r
    if not args.no_cli:  # the command line: wrapper targets, a ScriptModule target, an ExportedProgram target, the saved files
        for name in names:
            shape, dtype = zoo.MODULES[name][1]
            text = "x".join(map(str, shape)) + ("" if dtype == "float32" else f":{dtype}")
            targets = [(f"{form}", f"{args.out}/zoo.py:{name}__{form}") for form in ("dataparallel", "compile", "script", "export_program")]
            targets += [("jit_load", f"{args.out}/{name}.traced.pt"), ("jit_freeze", f"{args.out}/{name}.frozen.pt"),
                        ("export_program", f"{args.out}/{name}.pt2")]
            for form, target in targets:
                if target.endswith((".pt", ".pt2")) and not os.path.exists(target):
                    continue
                if (name, form, target) in cli_done:
                    rows.append(cli_done[name, form, target])
                    continue
                r = run_cli(target, text)
                r.update(module=name, form=form, how="cli " + ("file" if target.endswith((".pt", ".pt2")) else "target"), target=target)
                api = next((a for a in rows if a["module"] == name and a["form"] == form and "form_params" in a), {})
                r["form_params"] = api.get("form_params")
                rows.append(r)
                with cli_path.open("a") as f:
                    f.write(json.dumps(r) + "\n")
                print(f"[cli] {name} {form} rc={r['rc']} {r['secs']} s", file=sys.stderr, flush=True)
    for r in rows:
        r["verdict"] = verdict(r, oracle.get(r["module"], {}))
        if r["verdict"] in ("refused", "DIFF") and (r["module"], r["form"]) in EXPLAINED and (r["verdict"] == "refused" or "macs" in r):
            r["verdict"] = "explained"
        if r["verdict"] == "refused" and r["form"] in REASONABLE:
            r["verdict"] = "REFUSED"
    print("| module | form | how | oracle MACs / params | dscost MACs / params | uncounted | verdict |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        o = oracle.get(r["module"], {})
        got = (f"{fmt(r['macs'])} / {fmt(r['params'])}" if "macs" in r else
               ("not built: " + r["built"][:90] if "built" in r else "error: " + (r.get("error") or "")[:120].replace("|", "/")))
        print(f"| {r['module']} | {r['form']} | {r['how']} | {fmt(o.get('oracle_macs'))} / {fmt(o.get('oracle_params'))} | {got} | "
              f"{', '.join(r.get('uncounted') or []) or '-'} | {r['verdict']} |")
    counts = {}
    for r in rows:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    print("summary:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps({"oracle": oracle, "rows": rows}, indent=1))
    return 1 if any(r["verdict"] in ("DIFF", "REFUSED") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
