r"""Fifty-ninth blind round: modules on the META device (``with torch.device("meta"): model = ...``; accelerate's ``init_empty_weights``), counted from their shapes.

What it stresses: dscost's meta-device path (``readers/torch_meta.py``: the inputs moved to the meta device, the dynamo exporter
without its optimizer, every initializer written as external data that is never written) and the layer names the dynamo
exporter's scopes now give (``readers/torch_names.py``; ``Analysis.by_module(depth)``, ``by_operator()``).

(a) 45 models, each built twice with seed 0 in eval mode -- normally on the CPU and under ``torch.device("meta")`` -- and both given
to ``dscost.analyze(module, example)`` (the example on the CPU; dscost moves it for the meta twin): torchvision's resnet18,
mobilenet_v2, mobilenet_v3_large, efficientnet_b0, convnext_tiny, regnet_y_400mf, densenet121, googlenet, shufflenet_v2_x1_0,
squeezenet1_1, vit_b_16 (image_size=64), swin_t (112 px), maxvit_t (224 px), the rest at 64 px; timm's mobilevit_xxs,
efficientformer_l1, poolformer_s12, levit_128, coat_lite_tiny, edgenext_xx_small, fastvit_t8, repvit_m1, tiny_vit_5m_224,
mixer_b16_224 (224 px where the model fixes it); transformers 5.25 models from 2-layer, 64-wide configs: BERT, GPT-2, Llama,
Mistral, Qwen2, Gemma, Phi-3, Mixtral (4 experts, top 2), T5 encoder, ViT, Whisper encoder, Wav2Vec2 (16 tokens / 32 px / 64
frames / 800 samples); hand-written: a bidirectional 2-layer LSTM tagger, a 2-layer GRU, nn.MultiheadAttention, ConvTranspose2d
(one grouped, output_padding), grouped + dilated Conv2d / Conv1d with BatchNorm, an Embedding with padding_idx, registered
buffers used in the forward (one as a matmul weight, one unused), tied weights (decoder.weight = emb.weight), a forward doing
shape arithmetic (patchify by x.shape, a position table sliced to the length, views by products), an LSTM LM with a tied head.
torchvision's RegNet cannot be BUILT under torch.device("meta") (its __init__ calls ``.tolist()`` on a tensor: torch's "Cannot
copy out of meta tensor"), so its meta twin is ``regnet_y_400mf().to("meta")``.
(b) Big configs on the meta device only, each in its own process under ``/usr/bin/time -v``: Llama-3-8B (4096 / 14336, 32
layers, 32 heads, 8 kv heads, vocab 128,256), Qwen2-7B (3584 / 18944, 28 layers, 28 / 4 heads, vocab 152,064, untied), Mixtral-
8x7B (8 experts, top 2, vocab 32,000), all at 16 and 128 tokens, and a ViT-Huge/14 (1280 / 5120, 32 layers, 224 px, 257 tokens).
(c) by_module: for 14 meta models, ``a.by_module(1)`` keys against ``[n for n, _ in m.named_children()]`` and each child's MACs
against FlopCounterMode's per-module count; ``a.by_module(2)`` keys against the module's real paths and the CPU twin's keys
(and, for all 45, the depth-2 paths of the meta twin against the CPU twin's).
(d) Misuse, API and CLI: a module partly on the meta device (a child given memory with ``to_empty``; a meta module half loaded
with ``load_state_dict(assign=True)``), ``--measure-sizes`` and ``bench`` on a meta module, a forward calling ``.item()``, a
forward branching on a value, an LSTM with a tied head, a shape instead of an example, an example already on the meta device,
and accelerate's ``init_empty_weights()`` (default ``include_buffers=False``, and True) on resnet18, regnet, Llama and BERT.

The oracle (written here, no dscost code): torch's ``FlopCounterMode`` on the META module itself (it runs on meta tensors) --
FLOPs / 2, and per module (``get_flop_counts()``) for (c) -- with torch's own ``sdpa_flop_count`` registered for
``aten._scaled_dot_product_flash_attention_for_cpu``; a transformers MoE set to ``batched_mm`` experts first, as dscost exports it
(each token through its top-k experts; the default ``grouped_mm`` has no float32 kernel); params = torch's ``sum(p.numel())``
of the meta module (a tied weight once).  The meta twin must give the oracle's MACs, the CPU twin's MACs and torch's params,
nothing uncounted, the caller's input left on the CPU and the module in eval mode.  For (b), hand formulas (``BIG_CODE``):
per layer q, o ``2 L h^2``; k, v ``2 L h kv``; Q K^T and A V ``2 L^2 h`` (causal counted in full, as the graph's MatMuls and torch
count it); the MLP ``3 L h i`` (Mixtral: top-2 experts ``2 x 3 L h i`` + router ``L h E``); the head ``L h V``; ViT: the patch
conv, ``4 s h^2 + 2 s^2 h + 2 s h i`` per layer, the pooler ``h^2``; params by formula and torch's sum.  A refusal is right only
where the model cannot be counted from shapes (a value decides the graph, or something must run) and must be one line (an
InputError of one line in the API; exit 2 and one ``dscost: error:`` line on the CLI); a refusal of a countable module is
"REFUSED" (a finding).

Install: ``python3 -m venv /tmp/r60/venv``; a .pth file in its site-packages holding ``/tmp/tv/lib/python3.11/site-packages``
(torch 2.14.1 +cu130 build run on the CPU, torchvision 0.29.1, onnx 1.23.2, onnxruntime 1.32.0, onnxscript 0.7.2, onnx_ir 1.1.0);
``/tmp/tv/bin/uv pip install --python /tmp/r60/venv/bin/python timm transformers`` (then uninstall every package uv pulled that
/tmp/tv has: torch, torchvision, numpy, the nvidia wheels...), and ``uv pip install --no-deps accelerate psutil``.  No
pretrained weights (weights=None, pretrained=False, configs).  Run (from the checkout; OUT gets zoo.py, worker.py, big.py,
misuse_api.py, models.jsonl, big.jsonl; --reuse keeps their rows, --only takes models, --no-big skips (b)):

    cd /tmp/r60/dscost && /tmp/r60/venv/bin/python /tmp/r60/crosscheck_meta_device.py --out /tmp/r60/run3 --json /tmp/r60/run3.json

One worker process per model (CPU twin, meta twin, oracle), one at a time, then the misuse cases (one API process, one CLI
process each), then each big config in its own process.  Exit 1 while a row is "DIFF" or "REFUSED" and not in EXPLAINED, or a
by_module check fails.  A benchmark: not run in CI.

As run 2026-12-07, Linux x86_64, 2-core VM (shared), Python 3.11: torch 2.14.1, torchvision 0.29.1, timm 1.0.31, transformers
5.25.0, accelerate 1.16.0, onnx 1.23.2, onnxscript 0.7.2; dscost 0.1.0 at the frozen copy of this round (/tmp/r60/dscost).
45 models x 2 twins = 90 ``analyze`` runs + 45 oracle runs; 14 API and 8 CLI misuse runs; 7 big-config runs: 119 dscost runs in
all, ~14 min end to end (8 min for the 45 pairs: 6-19 s a worker; the meta twin 2.3-10.1 s in ``analyze``, the CPU twin
0.8-3.6 s; ~2 min misuse; ~3.5 min big configs).  No hang, no timeout, no traceback, no internal error.  (The final run
regenerated the misuse and by_module parts with ``--reuse`` over the full run's models.jsonl and big.jsonl, after two models
were added to the by_module list.)

Re-run the same day after findings 1, 2, 3, 5 and 6 were fixed, from the checkout (``--no-big``: every model pair, the misuse
cases and the by_module checks again; then ``--reuse`` once with the misuse expectations of the fix, a module partly on the
meta device now counted on a meta copy): exit 0 -- models 44 equal + 1 explained (wav2vec2: masked_spec_embed unused, as its
CPU twin), misuse API 11 equal, 1 explained, 2 refused (--measure-sizes; a branch on a value, now saying why), CLI 5 equal,
3 refused; by_module ok on all 14 (no doubled ``model.model`` and no lost ``block1-0`` name); accelerate's default
``init_empty_weights()`` counts resnet18 148,557,824 / 11,689,512, regnet, Llama and BERT their twins'.  Finding 4 is fixed for
the zero biases, not for folded tables (below).  The tables below are the first run's.

Summary (equal / explained / DIFF / REFUSED / refused):

| part | runs | equal | explained | DIFF | REFUSED | refused |
|---|---:|---:|---:|---:|---:|---:|
| (a) torchvision, meta twin | 13 | 13 | 0 | 0 | 0 | 0 |
| (a) timm, meta twin | 10 | 10 | 0 | 0 | 0 | 0 |
| (a) transformers, meta twin | 12 | 11 | 0 | 0 | 1 (Wav2Vec2, finding 2) | 0 |
| (a) hand-written, meta twin | 10 | 10 | 0 | 0 | 0 | 0 |
| (a) the 45 CPU twins (MACs = oracle, params = torch) | 45 | 44 | 1 (Wav2Vec2 -64, unused) | 0 | 0 | 0 |
| (b) big configs | 7 | 7 | 0 | 0 | 0 | 0 |
| (c) by_module, 14 models | 14 | 9 | 0 | 5 (names: findings 3, 6) | 0 | 0 |
| (d) misuse, API | 14 | 5 | 1 | 0 | 4 (accelerate, finding 1) | 4 |
| (d) misuse, CLI | 8 | 3 | 0 | 0 | 0 | 5 |

(a): on all 44 meta twins that were counted, MACs = the CPU twin's = FlopCounterMode's on the meta module, and params = the CPU
twin's = torch's sum(p.numel()), nothing uncounted, the caller's input left on the CPU, eval mode kept.  The CPU (TorchScript)
and meta (dynamo, unoptimized) twins do NOT differ in MACs or params on any model: dscost's TorchScript export keeps BatchNorm
too (norm_params and buffers equal: resnet18 9,600 / 9,600), so "BatchNorm not folded on meta" changes nothing here; the per-
operator and per-module (depth 1) MACs / params of the two twins are identical on 41 of the 44 (maxvit_t and poolformer_s12
attribute them to other operators, see "Also seen"; RegNet's and poolformer's depth-1 rows are named differently: finding 6,
and the CPU twin's poolformer head); elsewhere only the names of parameter-free top-level rows differ: the CPU twin's ``Flatten`` / ``GlobalAveragePool``, the meta twin's ``ReduceMean``, ``GreaterOrEqual``,
``Concat_2``...).  What differs: ``other_ops`` (finding 4) and buffers on the rotary decoders (meta 8, CPU 0 of torch's 16:
``inv_freq`` is an initializer of the dynamo program, a constant folded by the TorchScript exporter).
(b): every big config equals its formula and torch's sum exactly: Llama-3-8B 120,141,643,776 MACs at 16 tokens and
964,891,246,592 at 128, 8,030,261,248 params; Qwen2-7B 113,175,953,408 / 908,284,919,808, 7,615,616,512; Mixtral-8x7B
204,044,500,992 / 1,636,114,104,320, 46,702,792,704 params (MACs of 2 of 8 experts per token: README's batched_mm convention;
all 8 experts' weights in the params); ViT-Huge/14 167,295,467,520 MACs, 632,404,480 params.  21-33 s in dscost for the LLMs (ViT-Huge 9 s),
28-40 s wall (import and build included), peak RSS 990-1,068 MB (Mixtral-8x7B: 1,067 MB for 46.7B parameters; run 1:
1,095-1,099 MB), nothing uncounted.
(c): depth 1 is right on 13 of 14 (RegNet: finding 6): the keys are the children with work (plus parameter-free rows of top-level functional ops,
``Tanh``, ``Relu``, ``ReduceMean``), each child's MACs equal FlopCounterMode's (timm's MetaFormer ``head`` is never called as a
module -- its forward calls ``head.fc`` -- so the counter has only ``head.fc``: equal to it; FastViT's ``stages`` has no count of its own in the counter, so only its sum is checked; there the meta twin's ``head.fc`` / ``head.norm`` are right and the CPU twin's, TorchScript's scopes,
are ``fc`` / ``norm`` at the top, not children of the root).  Depth 2 is wrong wherever a ModuleList is iterated rather than
called (finding 3: BERT, Llama, Mixtral, FastViT here; 10 of the 45 models: FastViT, BERT, GPT-2, Llama, Mistral, Qwen2,
Gemma, Phi-3, Mixtral, T5) and under a module name holding ``-`` (finding 6).
(d): ``--measure-sizes`` and ``bench`` refused in one line (exit 2) naming what to do; a partly-meta module refused in one line
naming one tensor of each; ``.item()`` in the forward counted right (1,024 MACs, 272 params: the export keeps the value symbolic);
a branch on a value refused in one line (finding 5: the line could say why); the LSTM with a tied head 677,888 MACs, 86,060
params (hand: 2 layers x 8 steps x 4 x 64 x 128 + 8 x 64 x 300; 19,200 + 66,560 + 300 params); a shape instead of an example,
and an example already on the meta device, count resnet18 exactly; ``--depth 1`` on the CLI works.

FINDINGS

1. FIXED 2026-12-07 (counted on a meta copy, torch_meta.on_meta). REFUSED (4 API rows; README claims the case): accelerate's ``init_empty_weights()`` with its default ``include_buffers=False``
   -- parameters on the meta device, buffers on the CPU, the form accelerate, ``from_pretrained(low_cpu_mem_usage=True)`` and
   README's own bullet name -- is refused for every module with a buffer: resnet18 / regnet ("some of its tensors are on the meta
   device ('conv1.weight') and some are not ('bn1.running_mean' on cpu)"), Llama (``rotary_emb.inv_freq``), BERT
   (``embeddings.position_ids``).  With ``include_buffers=True`` resnet18 counts exactly.  Right: the CPU twin's count (resnet18
   148,557,824 MACs, 11,689,512 params).  Cause: ``torch_meta.on_meta`` raises on any mix.  Counting needs only shapes: the
   tensors not on the meta device could be given to the export as meta copies (``t.to("meta")`` costs nothing; swapped into
   ``_parameters`` / ``_buffers`` for the export and put back, or ``torch.func.functional_call`` with them), at least when every
   parameter is on the meta device; the one-line refusal is clear, but it refuses the documented case.  Repro:
   ``/tmp/r60/repro/accelerate_default.py``.
2. FIXED 2026-12-07 (the same). REFUSED (1 row): transformers' ``Wav2Vec2Model`` built under ``torch.device("meta")`` keeps ``masked_spec_embed`` on the CPU
   (transformers makes it with the legacy ``torch.Tensor(n)`` constructor, which ignores the device context), so dscost refuses
   it as mixed.  Right: 8,541,120 MACs (= the CPU twin = the oracle) and 89,168 params (torch 89,232: masked_spec_embed, 64, is
   unused at inference, dscost's convention, named in its note) -- exactly what dscost gives once that one tensor is moved to
   the meta device by hand.  Same cause and fix as 1.  Repro: ``/tmp/r60/repro/wav2vec2_meta.py``.
3. FIXED 2026-12-07 (torch_names.scoped_names: each scope relative to the one before). DIFF in names (no count changes): a meta module whose children sit in a ModuleList that is iterated, not called (every
   transformers encoder / decoder, GPT-2's ``h``, T5's ``block``, timm's MobileOne ``conv_kxk``), gets layer names with the parent
   path doubled: ``model.model.layers.0.self_attn.q_proj/MatMul`` (CPU twin: ``model.layers.0.self_attn.q_proj``), so
   ``by_module(2)`` has ``model.model`` (Llama, Mistral, Qwen2, Gemma, Phi-3, Mixtral), ``encoder.encoder`` (BERT, T5),
   ``transformer.transformer`` (GPT-2), ``final_conv.final_conv`` (FastViT) where the module has ``model.layers`` /
   ``encoder.layer`` / ``transformer.h`` / ``final_conv.conv_kxk``; the rows' MACs and params are right.  Cause:
   ``torch_names.module_path`` reads each scope as TorchScript's (relative to the nearest module that was called:
   ``block.0`` under ``features.5``); the dynamo exporter's scopes are absolute (``['model', 'model.layers.0',
   'model.layers.0.mlp']``), and when a container was never called its path is not in the list, so ``model.layers.0``
   (leading parts ``model.layers`` not equal to the path so far, ``model``) is appended whole: ``model.model.layers.0``.
   Fix: in ``scoped_names`` (or ``module_path``), a component that starts with the path so far plus ``.`` replaces the path
   (``module_path(['model', 'model.layers.0', 'model.layers.0.mlp'])`` should be ``model.layers.0.mlp``).  The one test
   (``test_the_dynamo_exporters_layers_are_named_by_module_path``) holds a Sequential only.  Repro:
   ``/tmp/r60/repro/names_modulelist.py``.
4. FIXED 2026-12-07 for the zero biases (torch_meta._drop_zero_biases: resnet18's other ops the CPU twin's 805,864 again, its convs named conv1, not conv1/Conv); OPEN where the TorchScript exporter folds a computed table (LeViT-128 +174,680, TinyViT +240,076; in the README). other_ops only (MACs, params untouched): the meta twin's ``other_ops`` differ from the CPU twin's on 35 of the 44 counted pairs (higher on 31): every
   bias-less conv gets, in the unoptimized dynamo program, a bias computed at run time (Shape -> Expand(0) -> CastLike ->
   Expand into Conv's third input), which dscost counts as a bias add: resnet18 805,864 -> 1,008,616 (+202,752 = exactly the
   outputs of its 20 convs), mobilenet_v2 +545,152, densenet121 +563,200, repvit_m1 +607,488; and the conv's layer is named
   ``conv1/Conv``, not ``conv1`` (its module now holds 7 nodes).  Larger gaps (maxvit_t +12,596,712, tiny_vit_5m +5,759,436,
   levit_128 +551,000) add the work on tensors the TorchScript exporter folds as constants (relative-position tables); not
   diagnosed further.  Cause: the optimizer is left out (torch_meta.export_meta, ``optimize=False``), and the Conv handler
   counts a bias add for any third input.  A fix: a Conv bias that is an Expand of a constant zero counts no adds (or fold
   Expand-of-constant chains before counting).  Repro: ``/tmp/r60/repro/zero_bias_other_ops.py``.
5. FIXED 2026-12-07 (the line says a meta module has no values, and how to give it memory). Message (refused, right, one line): a meta module whose forward branches on a value (``if h.sum() > 0``) is refused with
   "forward(x: 2x16) failed: RuntimeError: Tensor.item() cannot be called on meta tensors" -- torch's words for ``bool()``; the
   user wrote no ``.item()``, and the line does not say that a branch on a tensor's value needs values the meta device has none
   of (or that the same module with memory would be counted at the branch taken).  The export failure
   (``GuardOnDataDependentSymNode``) is replaced by the eager forward's.  Repro: ``/tmp/r60/repro/branch_message.py``.

6. FIXED 2026-12-07 (any name without a slash, quote or bracket). DIFF in names (no count changes): a module name holding ``-`` (torchvision's RegNet: ``trunk_output.block1.block1-0``)
   drops every scope of its nodes, so all layers under it keep the dynamo exporter's own names (``node_conv2d_1``,
   ``node__native_batch_norm_legit_no_training_1__0``: 264 rows) and ``by_module(1)`` of the meta RegNet lists them at the top
   instead of ``trunk_output`` (32,491,552 MACs, 3,902,216 params on the CPU twin; the totals equal).  Cause:
   ``torch_names.MODULE_NAME = [\w.]+`` rejects the scope list (``if not all(MODULE_NAME.fullmatch(s) ...): continue``);
   torch allows any name without ``.`` for a child (``add_module``), so the pattern should take anything but ``/`` (and
   ``module_path`` split on ``.`` only).  Repro: ``/tmp/r60/repro/names_dash.py`` (a Sequential with children ``block1-0``,
   ``block1-1``: CPU ``{'stem', 'body'}``, meta ``{'stem', 'node_conv2d_1', 'node_conv2d_2'}``).

Also seen, not findings: per operator, maxvit_t's Linear layers are Gemm in one twin and MatMul in the other (the sums equal),
and poolformer's layer-scale params sit on a ``CastLike`` row on the meta twin (``Mul`` / ``Add`` on the CPU twin; totals equal).

EXPLAINED (right as counted or refused; EXPLAINED below holds the per-row reasons):

- wav2vec2 (CPU twin, and the meta twin with masked_spec_embed moved): params 89,168 of torch's 89,232: ``masked_spec_embed``
  (64) is read only in training with ``mask_time_indices``; not in the graph at these inputs, dscost's stated convention, named
  in its note.
- regnet_y_400mf: built on the CPU and moved (``.to("meta")``) for its meta twin: torchvision's RegNet cannot be built under
  ``torch.device("meta")`` (torch's limit: its __init__ reads tensor values).
- Misuse refusals (one line each, exit 2): the partly-meta modules (a tensor with memory in a module traced on meta tensors:
  right to refuse, though finding 1's fix would count them too), --measure-sizes and bench (they run the model), the value
  branch (finding 5 is the message only).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

# the dscost checkout: benchmarks/.. (as the team keeps this file), else $DSCOST_ROOT, else the working directory (cd CHECKOUT)
_UP = Path(__file__).resolve().parent.parent
HERE_ROOT = str(_UP if (_UP / "dscost" / "__init__.py").exists() else Path(os.environ.get("DSCOST_ROOT", Path.cwd())).resolve())

ZOO_CODE = r'''"""Models built twice, normally and under torch.device("meta") (written by crosscheck_meta_device.py)."""
import os, warnings
warnings.filterwarnings("ignore")
import torch
import torch.nn as nn
import torch.nn.functional as F


class LSTMNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 32)
        self.lstm = nn.LSTM(32, 48, num_layers=2, bidirectional=True, batch_first=True)
        self.head = nn.Linear(96, 10)

    def forward(self, ids):
        h, _ = self.lstm(self.emb(ids))
        return self.head(h)


class GRUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(16, 32, num_layers=2, batch_first=True)
        self.head = nn.Linear(32, 5)

    def forward(self, x):
        h, _ = self.gru(x)
        return self.head(h[:, -1])


class MHANet(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(24, 64)
        self.attn = nn.MultiheadAttention(64, 4, batch_first=True)
        self.head = nn.Linear(64, 3)

    def forward(self, x):
        h = self.proj(x)
        a, _ = self.attn(h, h, h)
        return self.head(a.mean(1))


class ConvTransposeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.up1 = nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)
        self.up2 = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1, groups=2, bias=False)

    def forward(self, x):
        return self.up2(F.relu(self.up1(F.relu(self.down(x)))))


class GroupedDilated(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(8, 32, 3, padding=2, dilation=2, groups=4)
        self.bn = nn.BatchNorm2d(32)
        self.b = nn.Conv2d(32, 32, 5, padding=4, dilation=2, groups=32, bias=False)
        self.c = nn.Conv1d(32, 16, 3, dilation=3, groups=2)

    def forward(self, x):
        y = self.b(F.relu(self.bn(self.a(x))))
        return self.c(y.flatten(2))


class EmbPad(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 16, padding_idx=0)
        self.fc = nn.Linear(16, 4)

    def forward(self, ids):
        return self.fc(self.emb(ids).sum(1))


class BufferNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)
        self.register_buffer("scale", torch.ones(16))
        self.register_buffer("proj", torch.ones(16, 8))  # a buffer used as a weight
        self.register_buffer("unused", torch.zeros(3), persistent=False)

    def forward(self, x):
        return (self.fc(x) * self.scale) @ self.proj


class TiedLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(200, 32)
        self.body = nn.Linear(32, 32)
        self.decoder = nn.Linear(32, 200, bias=False)
        self.decoder.weight = self.emb.weight

    def forward(self, ids):
        return self.decoder(torch.tanh(self.body(self.emb(ids))))


class ShapeArith(nn.Module):
    """A forward that computes with its input's shape: patches, a position table sliced to the length, a view by arithmetic."""

    def __init__(self):
        super().__init__()
        self.patch = 4
        self.embed = nn.Linear(3 * 4 * 4, 32)
        self.pos = nn.Parameter(torch.zeros(1, 64, 32))
        self.out = nn.Linear(32, 10)

    def forward(self, x):
        B, C, H, W = x.shape
        p = self.patch
        t = x.reshape(B, C, H // p, p, W // p, p).permute(0, 2, 4, 1, 3, 5).reshape(B, (H // p) * (W // p), C * p * p)
        n = t.shape[1]
        h = self.embed(t) + self.pos[:, :n]
        h = h.view(B, n // 2, 2, -1).mean(2)
        return self.out(h.flatten(1).view(B * (n // 2), -1))


class LSTMTied(nn.Module):
    """An LSTM language model with a tied head (misuse section: on the meta device, must count right)."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(300, 64)
        self.lstm = nn.LSTM(64, 64, num_layers=2, batch_first=True)
        self.head = nn.Linear(64, 300)
        self.head.weight = self.emb.weight

    def forward(self, ids):
        h, _ = self.lstm(self.emb(ids))
        return self.head(h)


class ItemNet(nn.Module):
    """A forward that reads a value: .item() (misuse: no value on the meta device)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)

    def forward(self, x):
        s = self.fc(x).abs().max().item()
        return self.fc(x) / (s + 1.0)


class BranchNet(nn.Module):
    """Data-dependent control flow: a branch on a tensor's value."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(16, 16)
        self.b = nn.Linear(16, 64)

    def forward(self, x):
        h = self.a(x)
        if h.sum() > 0:
            return self.b(h)
        return h


class MixedDevice(nn.Module):
    """Built on the meta device, then one child given memory (to_empty on a child): a mix."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(16, 16)
        self.b = nn.Linear(16, 4)

    def forward(self, x):
        return self.b(self.a(x))


def _tv(name, **kw):
    def b():
        import torchvision
        return getattr(torchvision.models, name)(weights=None, **kw)
    return b


def _timm(name, **kw):
    def b():
        import timm
        return timm.create_model(name, pretrained=False, **kw)
    return b


def _hf(kind):
    def b():
        import transformers as T
        small = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, vocab_size=256)
        if kind == "bert":
            return T.BertModel(T.BertConfig(**small, max_position_embeddings=64))
        if kind == "gpt2":
            return T.GPT2LMHeadModel(T.GPT2Config(n_embd=64, n_layer=2, n_head=4, vocab_size=256, n_positions=64))
        if kind == "llama":
            return T.LlamaForCausalLM(T.LlamaConfig(**small, num_key_value_heads=2))
        if kind == "mistral":
            return T.MistralForCausalLM(T.MistralConfig(**small, num_key_value_heads=2, sliding_window=8))
        if kind == "qwen2":
            return T.Qwen2ForCausalLM(T.Qwen2Config(**small, num_key_value_heads=2))
        if kind == "gemma":
            return T.GemmaForCausalLM(T.GemmaConfig(**small, num_key_value_heads=2, head_dim=16))
        if kind == "phi3":
            return T.Phi3ForCausalLM(T.Phi3Config(**small, num_key_value_heads=2, pad_token_id=0))
        if kind == "mixtral":
            return T.MixtralForCausalLM(T.MixtralConfig(**small, num_key_value_heads=2, num_local_experts=4, num_experts_per_tok=2))
        if kind == "t5enc":
            return T.T5EncoderModel(T.T5Config(d_model=64, d_ff=128, num_layers=2, num_heads=4, d_kv=16, vocab_size=256))
        if kind == "vit":
            return T.ViTModel(T.ViTConfig(**small, image_size=32, patch_size=8))
        if kind == "whisper_enc":
            from transformers.models.whisper.modeling_whisper import WhisperEncoder
            return WhisperEncoder(T.WhisperConfig(d_model=64, encoder_layers=2, encoder_attention_heads=4, encoder_ffn_dim=128,
                                                  num_mel_bins=16, max_source_positions=32, vocab_size=256))
        if kind == "wav2vec2":
            return T.Wav2Vec2Model(T.Wav2Vec2Config(**small, conv_dim=(32, 32), conv_stride=(5, 2), conv_kernel=(10, 3),
                                                    num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4))
        raise KeyError(kind)
    return b


IMG = ("img", (1, 3, 64, 64))
I224 = ("img", (1, 3, 224, 224))
TOK = ("ids", (1, 16))
# name -> (group, builder, input)
MODELS = {
    "resnet18": ("torchvision", _tv("resnet18"), IMG),
    "mobilenet_v2": ("torchvision", _tv("mobilenet_v2"), IMG),
    "mobilenet_v3_large": ("torchvision", _tv("mobilenet_v3_large"), IMG),
    "efficientnet_b0": ("torchvision", _tv("efficientnet_b0"), IMG),
    "convnext_tiny": ("torchvision", _tv("convnext_tiny"), IMG),
    "regnet_y_400mf": ("torchvision", _tv("regnet_y_400mf"), IMG),
    "densenet121": ("torchvision", _tv("densenet121"), IMG),
    "googlenet": ("torchvision", _tv("googlenet", aux_logits=False, init_weights=True), IMG),
    "shufflenet_v2_x1_0": ("torchvision", _tv("shufflenet_v2_x1_0"), IMG),
    "squeezenet1_1": ("torchvision", _tv("squeezenet1_1"), IMG),
    "vit_b_16_64": ("torchvision", _tv("vit_b_16", image_size=64), IMG),
    "swin_t": ("torchvision", _tv("swin_t"), ("img", (1, 3, 112, 112))),
    "maxvit_t": ("torchvision", _tv("maxvit_t"), I224),
    "mobilevit_xxs": ("timm", _timm("mobilevit_xxs"), IMG),
    "efficientformer_l1": ("timm", _timm("efficientformer_l1"), I224),
    "poolformer_s12": ("timm", _timm("poolformer_s12"), IMG),
    "levit_128": ("timm", _timm("levit_128"), I224),
    "coat_lite_tiny": ("timm", _timm("coat_lite_tiny"), I224),
    "edgenext_xx_small": ("timm", _timm("edgenext_xx_small"), IMG),
    "fastvit_t8": ("timm", _timm("fastvit_t8"), IMG),
    "repvit_m1": ("timm", _timm("repvit_m1"), IMG),
    "tiny_vit_5m": ("timm", _timm("tiny_vit_5m_224"), I224),
    "mixer_b16": ("timm", _timm("mixer_b16_224"), I224),
    "bert": ("transformers", _hf("bert"), TOK),
    "gpt2": ("transformers", _hf("gpt2"), TOK),
    "llama": ("transformers", _hf("llama"), TOK),
    "mistral": ("transformers", _hf("mistral"), TOK),
    "qwen2": ("transformers", _hf("qwen2"), TOK),
    "gemma": ("transformers", _hf("gemma"), TOK),
    "phi3": ("transformers", _hf("phi3"), TOK),
    "mixtral_moe": ("transformers", _hf("mixtral"), TOK),
    "t5_encoder": ("transformers", _hf("t5enc"), TOK),
    "hf_vit": ("transformers", _hf("vit"), ("pixel_values", (1, 3, 32, 32))),
    "whisper_encoder": ("transformers", _hf("whisper_enc"), ("input_features", (1, 16, 64))),
    "wav2vec2": ("transformers", _hf("wav2vec2"), ("input_values", (1, 800))),
    "lstm_net": ("hand", LSTMNet, ("ids", (1, 12), 100)),
    "gru_net": ("hand", GRUNet, ("float", (1, 10, 16))),
    "mha_net": ("hand", MHANet, ("float", (1, 9, 24))),
    "conv_transpose": ("hand", ConvTransposeNet, ("img", (1, 3, 32, 32))),
    "grouped_dilated": ("hand", GroupedDilated, ("float", (1, 8, 16, 16))),
    "emb_padding_idx": ("hand", EmbPad, ("ids", (2, 7), 50)),
    "buffer_net": ("hand", BufferNet, ("float", (2, 5, 16))),
    "tied_lm": ("hand", TiedLM, ("ids", (1, 10), 200)),
    "shape_arith": ("hand", ShapeArith, ("img", (2, 3, 32, 32))),
    "lstm_tied": ("hand", LSTMTied, ("ids", (1, 8), 300)),
}
# models whose by_module(1)/(2) keys and MACs are checked against named_children() and per-child FlopCounterMode counts
BY_MODULE = ["resnet18", "mobilenet_v2", "efficientnet_b0", "convnext_tiny", "regnet_y_400mf", "vit_b_16_64", "poolformer_s12",
             "fastvit_t8", "bert", "llama", "mixtral_moe", "tied_lm", "lstm_net", "grouped_dilated"]


# built on the CPU, then .to("meta"): torchvision's RegNet computes its widths with tensors in __init__ (torch.round(...).int()
# of a meta tensor has no value), so it cannot be built under torch.device("meta") at all -- torch's limit, not dscost's
TO_META = {"regnet_y_400mf"}


def build(name, meta=False):
    torch.manual_seed(0)
    if meta and name in TO_META:
        return MODELS[name][1]().to("meta").eval()
    if meta:
        with torch.device("meta"):
            m = MODELS[name][1]()
    else:
        m = MODELS[name][1]()
    return m.eval()


def example(name):
    """The example input on the CPU (dscost moves it to the meta device for a meta module)."""
    spec = MODELS[name][2]
    kind, shape = spec[0], spec[1]
    torch.manual_seed(0)
    if kind == "ids":
        hi = spec[2] if len(spec) > 2 else 256
        t = torch.randint(1, hi, shape)
        return {"input_ids": t} if MODELS[name][0] == "transformers" else t
    t = torch.rand(*shape)
    if kind in ("pixel_values", "input_features", "input_values"):
        return {kind: t}
    return t


def call(m, x):
    if isinstance(x, dict):
        return m(**x)
    return m(x)


# ---- CLI targets (misuse section) ----
def meta_resnet18():
    return build("resnet18", meta=True)


def meta_item():
    with torch.device("meta"):
        return ItemNet().eval()


def meta_branch():
    with torch.device("meta"):
        return BranchNet().eval()


def meta_lstm_tied():
    return build("lstm_tied", meta=True)


def mixed():
    with torch.device("meta"):
        m = MixedDevice()
    m.a.to_empty(device="cpu")
    return m.eval()


def wav2vec2_all_meta():
    """transformers' Wav2Vec2Model built under torch.device("meta") keeps masked_spec_embed on the CPU (it is made with the
    legacy torch.Tensor(n) constructor, which ignores the device context); moved to the meta device by hand."""
    m = build("wav2vec2", meta=True)
    m.masked_spec_embed = nn.Parameter(m.masked_spec_embed.to("meta"))
    return m


def meta_half_loaded():
    """accelerate-style: built on meta, then only some weights 'loaded' with load_state_dict(assign=True)."""
    with torch.device("meta"):
        m = MixedDevice()
    m.load_state_dict({"a.weight": torch.zeros(16, 16), "a.bias": torch.zeros(16)}, strict=False, assign=True)
    return m.eval()
'''

WORKER_CODE = r'''"""One model: the CPU twin and the meta twin through dscost.analyze, and the oracle on the meta module (written by
crosscheck_meta_device.py).  One JSON line on stdout."""
import json, os, signal, sys, time, traceback, warnings
warnings.filterwarnings("ignore")
import torch, torch.nn as nn
from torch.utils.flop_counter import FlopCounterMode, register_flop_formula, sdpa_flop_count

OUT, NAME = sys.argv[1], sys.argv[2]
sys.path.insert(0, OUT)
import zoo
import dscost


@register_flop_formula(torch.ops.aten._scaled_dot_product_flash_attention_for_cpu)
def _sdpa_cpu(query_shape, key_shape, value_shape, *args, out_shape=None, **kwargs):
    return sdpa_flop_count(query_shape, key_shape, value_shape)


def _alarm(*a):
    raise TimeoutError("no answer in 600 s")


signal.signal(signal.SIGALRM, _alarm)


def counts(a):
    t = a.totals
    return {"macs": t.macs, "params": t.params, "other_ops": t.other_ops, "buffers": t.buffers,
            "by_op": {k: [v.macs, v.params] for k, v in a.by_operator().items() if v.macs or v.params},
            "mod1": {k: [v.macs, v.params] for k, v in a.by_module(1).items()},
            "mod2": {k: [v.macs, v.params] for k, v in a.by_module(2).items()},
            "uncounted": sorted({str(getattr(u, "op", u)) for u in a.model.uncounted}),
            "notes": list(a.model.notes)}


def run(m, x):
    signal.alarm(600)
    t = time.time()
    try:
        a = dscost.analyze(m, x)
        return {"secs": round(time.time() - t, 1), **counts(a)}
    except Exception as e:
        msg = str(e)
        return {"secs": round(time.time() - t, 1), "error_type": type(e).__name__, "error": msg[:600],
                "one_line": "\n" not in msg.strip(), "input_error": isinstance(e, dscost.InputError) if hasattr(dscost, "InputError") else None,
                "tb": "" if type(e).__name__ == "InputError" else traceback.format_exc()[-1500:]}
    finally:
        signal.alarm(0)


row = {"model": NAME, "group": zoo.MODELS[NAME][0]}
x = zoo.example(NAME)
try:
    row["cpu"] = run(zoo.build(NAME), x)
except Exception as e:
    row["cpu"] = {"error_type": type(e).__name__, "error": f"build: {e}"[:400]}
mm = zoo.build(NAME, meta=True)
row["meta_is_meta"] = all(t.is_meta for t in (*mm.parameters(), *mm.buffers()))
row["torch_params"] = sum(p.numel() for p in mm.parameters())
row["torch_buffers"] = sum(b.numel() for b in mm.buffers())
row["meta"] = run(mm, x)
row["input_left_on_cpu"] = all(t.device.type == "cpu" for t in (x.values() if isinstance(x, dict) else [x]))
row["mode_after"] = mm.training
# the oracle: torch's FlopCounterMode on the META module, FLOPs / 2, per module too.  A transformers MoE runs its experts as
# batched_mm (each token through its top-k experts' weights, as dscost exports it): the default grouped_mm has no float32 kernel.
if hasattr(mm, "set_experts_implementation"):
    try:
        mm.set_experts_implementation("batched_mm")
    except Exception:
        pass
try:
    xm = {k: v.to("meta") for k, v in x.items()} if isinstance(x, dict) else x.to("meta")
    fc = FlopCounterMode(display=False, depth=None)
    with torch.no_grad(), fc:
        zoo.call(mm, xm)
    fl = fc.get_flop_counts()
    row["oracle_macs"] = sum(fl.get("Global", {}).values()) // 2
    root = type(mm).__name__
    row["oracle_children"] = {k[len(root) + 1:]: sum(v.values()) // 2 for k, v in fl.items() if k.startswith(root + ".")}
    row["oracle_ops"] = {str(k): v // 2 for k, v in fl.get("Global", {}).items()}
except Exception as e:
    row["oracle_error"] = f"{type(e).__name__}: {e}"[:400]
row["children"] = [n for n, _ in mm.named_children()]
row["children2"] = [n for n, _ in mm.named_modules() if n and n.count(".") <= 1]
print("ROW " + json.dumps(row), flush=True)
'''

BIG_CODE = r'''"""One big config, built on the meta device only, counted by dscost (written by crosscheck_meta_device.py).  Run under
/usr/bin/time -v; one JSON line on stdout."""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import torch
import transformers as T

NAME, TOKENS = sys.argv[1], int(sys.argv[2])


def cfg(name):
    if name == "llama3_8b":
        return T.LlamaForCausalLM, T.LlamaConfig(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
                                                  num_key_value_heads=8, vocab_size=128256, max_position_embeddings=8192, rope_theta=500000.0)
    if name == "mixtral_8x7b":
        return T.MixtralForCausalLM, T.MixtralConfig(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
                                                      num_key_value_heads=8, vocab_size=32000, num_local_experts=8, num_experts_per_tok=2)
    if name == "qwen2_7b":
        return T.Qwen2ForCausalLM, T.Qwen2Config(hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28,
                                                  num_key_value_heads=4, vocab_size=152064, tie_word_embeddings=False)
    if name == "vit_huge":
        return T.ViTModel, T.ViTConfig(hidden_size=1280, intermediate_size=5120, num_hidden_layers=32, num_attention_heads=16,
                                       image_size=224, patch_size=14)
    raise KeyError(name)


def formula(name, c, L):
    """Hand MACs: the q, k, v, o projections, the MLP (or top-k experts and the router), Q K^T and A V, the head."""
    h, i, n = c.hidden_size, c.intermediate_size, c.num_hidden_layers
    if name == "vit_huge":
        s = (c.image_size // c.patch_size) ** 2 + 1  # patches + [CLS]
        patch = (c.image_size // c.patch_size) ** 2 * 3 * c.patch_size ** 2 * h
        per = 4 * s * h * h + 2 * s * s * h + 2 * s * h * i
        return patch + n * per + h * h, s  # + the pooler's dense on [CLS]
    hd = h // c.num_attention_heads
    kv = c.num_key_value_heads * hd
    attn = L * h * h * 2 + L * h * kv * 2 + 2 * L * L * h  # q, o; k, v; QK^T and AV over all L keys (causal counted full)
    if name == "mixtral_8x7b":
        mlp = c.num_experts_per_tok * 3 * L * h * i + L * h * c.num_local_experts
    else:
        mlp = 3 * L * h * i
    return n * (attn + mlp) + L * h * c.vocab_size, L


def params_formula(name, c):
    h, i, n = c.hidden_size, c.intermediate_size, c.num_hidden_layers
    if name == "vit_huge":
        s = (c.image_size // c.patch_size) ** 2 + 1
        per = 4 * (h * h + h) + 2 * h * i + i + h + 4 * h
        return (3 * c.patch_size ** 2 * h + h) + h + s * h + n * per + 2 * h + (h * h + h)
    hd = h // c.num_attention_heads
    kv = c.num_key_value_heads * hd
    attn = 2 * h * h + 2 * h * kv + (h + 2 * kv if name == "qwen2_7b" else 0)
    mlp = c.num_local_experts * 3 * h * i + h * c.num_local_experts if name == "mixtral_8x7b" else 3 * h * i
    return c.vocab_size * h * 2 + n * (attn + mlp + 2 * h) + h


cls, c = cfg(NAME)
t0 = time.time()
with torch.device("meta"):
    m = cls(c).eval()
build = time.time() - t0
import dscost
if NAME == "vit_huge":
    x = {"pixel_values": torch.rand(1, 3, 224, 224)}
else:
    x = {"input_ids": torch.randint(0, 1000, (1, TOKENS))}
t1 = time.time()
row = {"model": NAME, "tokens": TOKENS, "torch_params": sum(p.numel() for p in m.parameters()), "params_formula": params_formula(NAME, c),
       "build_secs": round(build, 1)}
row["macs_formula"], row["seq"] = formula(NAME, c, TOKENS)
try:
    a = dscost.analyze(m, x)
    row.update(macs=a.totals.macs, params=a.totals.params, uncounted=sorted({str(getattr(u, "op", u)) for u in a.model.uncounted}),
               notes=list(a.model.notes), mod1={k: [v.macs, v.params] for k, v in a.by_module(2).items()})
except Exception as e:
    row.update(error_type=type(e).__name__, error=str(e)[:600])
row["secs"] = round(time.time() - t1, 1)
print("ROW " + json.dumps(row), flush=True)
'''

MISUSE_API_CODE = r'''"""Misuse through the Python API (written by crosscheck_meta_device.py).  One JSON line per case."""
import json, sys, time, traceback, warnings
warnings.filterwarnings("ignore")
import torch
sys.path.insert(0, sys.argv[1])
import zoo, dscost


def case(name, fn, expect):
    t = time.time()
    row = {"case": name, "expect": expect}
    try:
        a = fn()
        row.update(macs=a.totals.macs, params=a.totals.params, notes=list(a.model.notes),
                   uncounted=sorted({str(getattr(u, "op", u)) for u in a.model.uncounted}))
    except Exception as e:
        msg = str(e)
        row.update(error_type=type(e).__name__, error=msg[:500], one_line="\n" not in msg.strip(),
                   tb="" if type(e).__name__ == "InputError" else traceback.format_exc()[-1200:])
    row["secs"] = round(time.time() - t, 1)
    print("ROW " + json.dumps(row), flush=True)


case("mixed_to_empty", lambda: dscost.analyze(zoo.mixed(), torch.rand(2, 16)), "refused")
case("mixed_assign_loaded", lambda: dscost.analyze(zoo.meta_half_loaded(), torch.rand(2, 16)), "refused")
case("measure_sizes", lambda: dscost.analyze(zoo.meta_resnet18(), torch.rand(1, 3, 64, 64), measure_sizes=True), "refused")
case("item", lambda: dscost.analyze(zoo.meta_item(), torch.rand(2, 16)), "refused")
case("branch", lambda: dscost.analyze(zoo.meta_branch(), torch.rand(2, 16)), "refused")
case("lstm_tied", lambda: dscost.analyze(zoo.meta_lstm_tied(), torch.randint(1, 300, (1, 8))), "count")
case("input_shape_only", lambda: dscost.analyze(zoo.meta_resnet18(), input_shape="1x3x64x64"), "count")
case("meta_input_given", lambda: dscost.analyze(zoo.meta_resnet18(), torch.rand(1, 3, 64, 64, device="meta")), "count")
case("wav2vec2_masked_spec_embed_moved", lambda: dscost.analyze(zoo.wav2vec2_all_meta(), zoo.example("wav2vec2")), "count")
try:  # accelerate's init_empty_weights, which the README names: by default (include_buffers=False) buffers stay on the CPU
    from accelerate import init_empty_weights
    import torchvision
    import transformers as T

    def ie(fn, **kw):
        def b():
            with init_empty_weights(**kw):
                return fn().eval()
        return b
    small = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, vocab_size=256)
    ids = {"input_ids": torch.randint(0, 256, (1, 16))}
    case("accelerate_resnet18", lambda: dscost.analyze(ie(torchvision.models.resnet18)(), torch.rand(1, 3, 64, 64)), "count")
    case("accelerate_resnet18_include_buffers", lambda: dscost.analyze(ie(torchvision.models.resnet18, include_buffers=True)(),
                                                                       torch.rand(1, 3, 64, 64)), "count")
    case("accelerate_regnet_y_400mf", lambda: dscost.analyze(ie(torchvision.models.regnet_y_400mf)(), torch.rand(1, 3, 64, 64)), "count")
    case("accelerate_llama", lambda: dscost.analyze(ie(lambda: T.LlamaForCausalLM(T.LlamaConfig(**small, num_key_value_heads=2)))(), ids), "count")
    case("accelerate_bert", lambda: dscost.analyze(ie(lambda: T.BertModel(T.BertConfig(**small, max_position_embeddings=64)))(), ids), "count")
except ImportError as e:
    print("ROW " + json.dumps({"case": "accelerate", "error": f"not installed: {e}"}), flush=True)
'''


def child(argv, timeout, env=None, cwd=None):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return "timeout", (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), ""


def dscost_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = HERE_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return env


def rows_of(out):
    return [json.loads(l[4:]) for l in out.splitlines() if l.startswith("ROW ")]


# (model or case) -> why its difference (or refusal) is right
EXPLAINED: dict[str, str] = {
    "wav2vec2": "params 89,168 of torch's 89,232: masked_spec_embed (64) is read only in training with mask_time_indices; the "
                "forward at these inputs does not use it, dscost's stated convention (the CPU twin's count is the same, its note names it)",
    "wav2vec2_masked_spec_embed_moved": "params 89,168 of torch's 89,232: masked_spec_embed (64) is read only in training with "
                                        "mask_time_indices; the forward at these inputs does not use it, dscost's stated convention "
                                        "(the CPU twin's count is the same, and its note names the tensor)",
}
# models whose meta twin cannot be counted from shapes: a one-line refusal is right (none among the 45)
LEGIT_REFUSALS: set[str] = set()


def verdict(r):
    """equal / explained / DIFF / REFUSED / refused for one model row: the meta twin's MACs == the CPU twin's == the oracle's,
    its params == torch's sum(p.numel()) (or the CPU twin's where the difference is EXPLAINED), nothing uncounted, the caller's
    input left where it was.  A one-line InputError is "refused" when the model cannot be counted from shapes, "REFUSED"
    (a finding) when it can."""
    me, cp = r.get("meta", {}), r.get("cpu", {})
    if "error" in me:
        r["why"] = f"meta: {me.get('error_type')}: {me['error'][:300]}"
        clean = me.get("error_type") == "InputError" and me.get("one_line")
        return "DIFF" if not clean else ("refused" if r["model"] in LEGIT_REFUSALS else "REFUSED")
    bad = []
    if "macs" in cp and me["macs"] != cp["macs"]:
        bad.append(f"MACs meta {me['macs']:,} vs cpu {cp['macs']:,}")
    if "oracle_macs" in r and me["macs"] != r["oracle_macs"]:
        bad.append(f"MACs meta {me['macs']:,} vs oracle {r['oracle_macs']:,}")
    if me["params"] != r["torch_params"]:
        bad.append(f"params meta {me['params']:,} vs torch {r['torch_params']:,}")
    if "params" in cp and me["params"] != cp["params"]:
        bad.append(f"params meta {me['params']:,} vs cpu {cp['params']:,}")
    if me.get("uncounted"):
        bad.append(f"uncounted {me['uncounted']}")
    if not r.get("input_left_on_cpu", True):
        bad.append("the caller's input was moved")
    if r.get("mode_after"):
        bad.append("left in train mode")
    r["why"] = "; ".join(bad)
    if not bad:
        return "equal"
    return "explained" if r["model"] in EXPLAINED else "DIFF"


def case_verdict(row, expect):
    """A misuse case: "refused" (one line: an InputError in the API; exit 2 and one `dscost: error:` line on the CLI) where a
    refusal is right, else the expected (MACs, params); a refusal of a countable module is "REFUSED"."""
    err = row.get("error") if "rc" not in row else (row["stderr"] if row["rc"] != 0 else None)
    clean = (row.get("error_type") == "InputError" and row.get("one_line")) if "rc" not in row else (row["rc"] == 2 and row["stderr_lines"] == 1
                                                                                                    and row["stderr"].startswith("dscost: error:"))
    if expect == "refused":
        return "refused" if err and clean else ("DIFF" if err else "DIFF (counted, expected a refusal)")
    if err:
        return "REFUSED" if clean else "DIFF"
    got = (row.get("macs"), row.get("params"))
    if got == tuple(expect):
        return "equal"
    return "explained" if row.get("case") in EXPLAINED else "DIFF"


OP_KEY = re.compile(r"^[A-Z][A-Za-z]*(_\d+)?$")  # a top-level functional op's row (F.relu in forward: "Relu"), not a module


def bymodule_check(r):
    """by_module(1) keys against named_children() (those with MACs or params), MACs per child against FlopCounterMode's
    count of that child (None where the child's __call__ never ran: timm's MetaFormer calls head.fc, not head); by_module(2)
    keys against the module's real paths (named_modules) and against the CPU twin's (TorchScript exporter) keys."""
    me, cp = r.get("meta", {}), r.get("cpu", {})
    if "mod1" not in me or "oracle_children" not in r:
        return None
    oc, kids, real = r["oracle_children"], r["children"], set(r["children2"])
    keys1, keys2 = list(me["mod1"]), list(me["mod2"])
    res = {"n_keys1": len(keys1), "n_keys2": len(keys2),
           "missing1": [k for k in kids if k not in keys1 and oc.get(k, 0) > 0],
           "op_keys1": [k for k in keys1 if k not in kids and OP_KEY.match(k)],
           "bad_keys1": [k for k in keys1 if k not in kids and not OP_KEY.match(k)],
           "macs1_bad": {k: [me["mod1"][k][0], oc[k]] for k in keys1 if k in kids and k in oc and me["mod1"][k][0] != oc[k]},
           "oracle_lacks1": [k for k in keys1 if k in kids and k not in oc and me["mod1"][k][0]],
           "bad_keys2": [k for k in keys2 if k not in real and not OP_KEY.match(k)],
           "macs2_bad": {k: [me["mod2"][k][0], oc[k]] for k in keys2 if "." in k and k in oc and me["mod2"][k][0] != oc[k]}}
    if "mod2" in cp:
        res["meta_not_cpu2"] = [k for k in keys2 if k not in cp["mod2"]]
        res["cpu_not_meta2"] = [k for k in cp["mod2"] if k not in me["mod2"]]
    res["ok"] = not (res["missing1"] or res["bad_keys1"] or res["macs1_bad"] or res["bad_keys2"] or res["macs2_bad"])
    return res


def layer_diff(r):
    """Where the CPU twin's params differ from the meta twin's: per operator and per depth-1 module."""
    me, cp = r.get("meta", {}), r.get("cpu", {})
    if "by_op" not in me or "by_op" not in cp:
        return None
    ops = {k: [cp["by_op"].get(k, [0, 0]), me["by_op"].get(k, [0, 0])] for k in sorted(set(cp["by_op"]) | set(me["by_op"]))}
    mods = {k: [cp["mod1"].get(k, [0, 0]), me["mod1"].get(k, [0, 0])] for k in sorted(set(cp["mod1"]) | set(me["mod1"]))}
    return {"ops": {k: v for k, v in ops.items() if v[0] != v[1]}, "mods": {k: v for k, v in mods.items() if v[0] != v[1]}}


def cli(out, args, timeout=600):
    t = time.time()
    rc, so, se = child([sys.executable, "-m", "dscost", *args], timeout, dscost_env(), cwd=out)
    lines = [l for l in se.strip().splitlines() if l.strip()]
    return {"args": " ".join(args), "rc": rc, "secs": round(time.time() - t, 1), "stderr_lines": len(lines), "stderr": se.strip()[-700:],
            "stdout": so.strip()[:300], "stdout_full": so}


def big(out, name, tokens):
    rc, so, se = child(["/usr/bin/time", "-v", sys.executable, str(out / "big.py"), name, str(tokens)], 1800, dscost_env())
    rows = rows_of(so)
    row = rows[0] if rows else {"model": name, "tokens": tokens, "error": f"rc {rc}: {se.strip()[-400:]}"}
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", se)
    w = re.search(r"Elapsed \(wall clock\) time.*: ([\d:.]+)", se)
    row["peak_rss_mb"] = int(m.group(1)) // 1024 if m else None
    row["wall"] = w.group(1) if w else None
    return row


def fmt(n):
    return f"{n:,}" if isinstance(n, int) else str(n)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--only", default="")
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--no-big", action="store_true")
    ap.add_argument("--big", default="llama3_8b:16,qwen2_7b:16,mixtral_8x7b:16,vit_huge:0,llama3_8b:128,qwen2_7b:128,mixtral_8x7b:128")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "zoo.py").write_text(ZOO_CODE)
    (out / "worker.py").write_text(WORKER_CODE)
    (out / "big.py").write_text(BIG_CODE)
    (out / "misuse_api.py").write_text(MISUSE_API_CODE)
    sys.path.insert(0, str(out))
    import zoo  # noqa: E402

    done = {}
    jl = out / "models.jsonl"
    if args.reuse and jl.exists():
        done = {r["model"]: r for r in map(json.loads, jl.read_text().splitlines())}
    names = args.only.split(",") if args.only else list(zoo.MODELS)
    for name in names:
        if name in done:
            continue
        t = time.time()
        rc, so, se = child([sys.executable, str(out / "worker.py"), str(out), name], 1500, dscost_env())
        rows = rows_of(so)
        r = rows[0] if rows else {"model": name, "group": zoo.MODELS[name][0], "meta": {"error_type": "worker", "error": f"rc {rc}: {se.strip()[-500:]}"},
                                  "cpu": {}, "torch_params": None}
        r["wall"] = round(time.time() - t, 1)
        done[name] = r
        with jl.open("a") as f:
            f.write(json.dumps(r) + "\n")
        print(f"{name:22s} {r['wall']:6.1f}s meta {fmt(r['meta'].get('macs', r['meta'].get('error', '')[:80]))} cpu {fmt(r['cpu'].get('macs'))} "
              f"oracle {fmt(r.get('oracle_macs'))} params {fmt(r['meta'].get('params'))}/{fmt(r['cpu'].get('params'))}/{fmt(r.get('torch_params'))}", flush=True)

    results = {"models": [], "bymodule": {}, "big": [], "misuse_api": [], "misuse_cli": [], "names_vs_cpu": {}, "other_ops": {}}
    for name in names:
        r = done[name]
        r["verdict"] = verdict(r)
        r["layer_diff"] = layer_diff(r)
        if name in zoo.BY_MODULE:
            results["bymodule"][name] = bymodule_check(r)
        results["models"].append(r)
        cp, me = r.get("cpu", {}), r.get("meta", {})
        if "mod2" in cp and "mod2" in me:  # module paths at depth 2 the meta twin (dynamo exporter) has and the CPU twin not, and back
            a2 = [k for k in me["mod2"] if k not in cp["mod2"] and not OP_KEY.match(k)]
            b2 = [k for k in cp["mod2"] if k not in me["mod2"] and not OP_KEY.match(k)]
            if a2 or b2:
                results["names_vs_cpu"][name] = {"meta_only": a2, "cpu_only": b2}
            if cp["other_ops"] != me["other_ops"]:
                results["other_ops"][name] = [cp["other_ops"], me["other_ops"]]

    # misuse: API, then CLI; the expected count of a countable case is its CPU twin's (or a hand count)
    twin = {n: (done[n]["cpu"].get("macs"), done[n]["cpu"].get("params")) for n in done}
    expect_api = {"mixed_to_empty": (640, 340), "mixed_assign_loaded": (640, 340),  # (counted on a meta copy since the fix: 2x16 -> 16 -> 4)
                  "measure_sizes": "refused",
                  "item": (1024, 272),  # fc(x) twice at 2x16 -> 16: 2 x 2 x 16 x 16; params 16 x 16 + 16
                  "branch": "refused",  # `if h.sum() > 0`: no value to decide it on the meta device
                  "lstm_tied": twin.get("lstm_tied"), "input_shape_only": twin.get("resnet18"), "meta_input_given": twin.get("resnet18"),
                  "wav2vec2_masked_spec_embed_moved": (twin.get("wav2vec2", (None,))[0], done.get("wav2vec2", {}).get("torch_params")),
                  "accelerate_resnet18": twin.get("resnet18"), "accelerate_resnet18_include_buffers": twin.get("resnet18"),
                  "accelerate_regnet_y_400mf": twin.get("regnet_y_400mf"), "accelerate_llama": twin.get("llama"), "accelerate_bert": twin.get("bert")}
    rc, so, se = child([sys.executable, str(out / "misuse_api.py"), str(out)], 900, dscost_env())
    results["misuse_api"] = rows_of(so) or [{"case": "all", "error": f"rc {rc}: {se[-500:]}"}]
    for row in results["misuse_api"]:
        row["verdict"] = case_verdict(row, expect_api.get(row["case"], "refused"))
    cli_cases = [(["analyze", "zoo.py:mixed", "-i", "2x16", "-f", "json", "-q"], (640, 340)),
                 (["analyze", "zoo.py:meta_half_loaded", "-i", "2x16", "-f", "json", "-q"], (640, 340)),
                 (["analyze", "zoo.py:meta_resnet18", "-i", "1x3x64x64", "--measure-sizes", "-q"], "refused"),
                 (["bench", "zoo.py:meta_resnet18", "-i", "1x3x64x64", "-q"], "refused"),
                 (["analyze", "zoo.py:meta_item", "-i", "2x16", "-f", "json", "-q"], (1024, 272)),
                 (["analyze", "zoo.py:meta_branch", "-i", "2x16", "-q"], "refused"),
                 (["analyze", "zoo.py:meta_lstm_tied", "-i", "1x8:int64", "-f", "json", "-q"], twin.get("lstm_tied")),
                 (["analyze", "zoo.py:meta_resnet18", "-i", "1x3x64x64", "-f", "json", "-q", "--depth", "1"], twin.get("resnet18"))]
    for argv, expect in cli_cases:
        row = cli(out, argv)
        if row["rc"] == 0:
            try:
                doc = json.loads(row.pop("stdout_full"))
                row.update(macs=doc["totals"]["macs"], params=doc["totals"]["params"], modules=[m.get("name") for m in doc.get("modules") or []][:20])
            except Exception as e:  # noqa: BLE001
                row["parse_error"] = str(e)[:200]
        row.pop("stdout_full", None)
        row["verdict"] = case_verdict(row, expect)
        results["misuse_cli"].append(row)

    bj = out / "big.jsonl"
    old = {(r["model"], r["tokens"]): r for r in map(json.loads, bj.read_text().splitlines())} if args.reuse and bj.exists() else {}
    if not args.no_big:
        for spec in args.big.split(","):
            name, tok = spec.split(":")
            if (name, int(tok)) in old:
                results["big"].append(old[(name, int(tok))])
                continue
            results["big"].append(big(out, name, int(tok)))
            with bj.open("a") as f:
                f.write(json.dumps(results["big"][-1]) + "\n")
            print("big", json.dumps({k: v for k, v in results["big"][-1].items() if k not in ("mod1", "notes")}), flush=True)
    for b in results["big"]:
        b["verdict"] = ("equal" if b.get("macs") == b.get("macs_formula") and b.get("params") == b.get("torch_params") == b.get("params_formula")
                        and not b.get("uncounted") else "DIFF")

    Path(args.json).write_text(json.dumps(results, indent=1))
    tally: dict[str, dict[str, int]] = {}
    for part, rows in (("models", results["models"]), ("misuse_api", results["misuse_api"]), ("misuse_cli", results["misuse_cli"]),
                       ("big", results["big"])):
        for r in rows:
            t = tally.setdefault(part, {})
            t[r.get("verdict", "?")] = t.get(r.get("verdict", "?"), 0) + 1
    print("tally", json.dumps(tally))
    for r in results["models"]:
        if r["verdict"] != "equal":
            print(f"  {r['model']}: {r['verdict']}: {r.get('why')}")
    for part in ("misuse_api", "misuse_cli"):
        for r in results[part]:
            print(f"  {part} {r.get('case', r.get('args'))}: {r['verdict']}: {(r.get('error') or r.get('stderr') or '')[:160]} "
                  f"{fmt(r.get('macs'))} {fmt(r.get('params'))}")
    for b in results["big"]:
        print(f"  big {b['model']} {b.get('tokens')}: {b['verdict']}: MACs {fmt(b.get('macs'))} (formula {fmt(b.get('macs_formula'))}), params "
              f"{fmt(b.get('params'))} (torch {fmt(b.get('torch_params'))}), {b.get('secs')} s in dscost, wall {b.get('wall')}, peak RSS {b.get('peak_rss_mb')} MB")
    naming = {k: v for k, v in results["bymodule"].items() if v and not v["ok"]}
    for k, v in results["names_vs_cpu"].items():
        print(f"  depth-2 names {k}: meta only {v['meta_only'][:4]}, cpu only {v['cpu_only'][:4]}")
    print(f"  other_ops differ (cpu -> meta) on {len(results['other_ops'])} models:",
          ", ".join(f"{k} {a:,} -> {b:,}" for k, (a, b) in results["other_ops"].items()))
    for k, v in results["bymodule"].items():
        print(f"  by_module {k}: {'ok' if v and v['ok'] else json.dumps(v)[:400]}")
    open_ = [r for part in ("models", "misuse_api", "misuse_cli", "big") for r in results[part] if r.get("verdict", "").startswith(("DIFF", "REFUSED"))]
    return 1 if open_ or naming else 0


if __name__ == "__main__":
    sys.exit(main())
