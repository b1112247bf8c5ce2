"""Fifty-third blind round: TFLite files made by JAX / Flax through jax2tf and by PyTorch through nobuco.

What it stresses: TFLite producers no round had used.  (a) Flax / JAX programs converted by
``jax.experimental.jax2tf.convert`` into a ``tf.function`` and then by TF 2.21's
``TFLiteConverter.from_concrete_functions``, twice: with jax 0.4.38 / flax 0.10.2, the last line whose jax2tf still
has the graph serialization (``native_serialization=False, enable_xla=False``: plain TF ops -- ``jaxg_*`` files), and
with jax 0.10.2 / flax 0.12.8, whose jax2tf has dropped both flags and always writes an ``XlaCallModule`` of StableHLO
that TF 2.21's converter legalizes to TFLite ops (``jaxn_*``).  15 models: a Flax linen CNN (Conv strides 2 and
(1, 2), SAME / VALID / explicit asymmetric ((1, 2), (0, 1)) padding, a (5, 3) kernel, a bias-free conv, Dense), depthwise
and grouped convs (``feature_group_count`` = Cin, Cin / 4, and depthwise x2), ``kernel_dilation`` 2 and 3 (SAME,
VALID, depthwise), ``nn.ConvTranspose`` (SAME / VALID stride 2, stride 1), a ResNet block with three inference-mode
BatchNorms after bias-free convs, a ViT block (8x8 patch conv, class token, position table, LayerNorm,
``MultiHeadDotProductAttention``, GELU MLP) at batch 2 and 1, a 2-block MLP-Mixer, ``jnp.einsum`` in 7 forms
('bij,bjk->bik', 'bsd,de->bse', 'bqhd,bkhd->bhqk', 'bhqk,bkhd->bqhd', 'bsd,dhk->bshk', 'bsd,bsd->bs', 'bij,bik->bjk'),
``lax.conv_general_dilated`` with ('NCHW', 'OIHW', 'NCHW') dimension numbers (strides (2, 1), explicit pads,
rhs_dilation (1, 2), groups 2 / depthwise x2), a ``lax.scan`` RNN (8 steps -> WHILE), ``nn.RNN(nn.LSTMCell(16))`` and
``nn.RNN(nn.GRUCell(12))`` (``nn.scan`` -> WHILE), a flax.nnx CNN (Conv, BatchNorm, depthwise Conv, Linear); the CNN
also as float16, dynamic-range int8, full int8, with ``enable_xla=True`` (graph), native serialization from the old
jax, and a polymorphic batch (``polymorphic_shapes=["(b, ...)"]``); the ResNet block as full int8; the ViT block as
dynamic-range int8, enable_xla, native, polymorphic; the scan as float16.  (b) nobuco 0.17.0 (PyTorch -> Keras 2,
i.e. tf_keras 2.21) then ``TFLiteConverter.from_keras_model``: torchvision mobilenet_v2 and resnet18 at 64x64
(channels-last inputs; + dynamic-range int8 / float16), torchvision's ``VisionTransformer`` (32 px, patch 8, 2
layers, 4 heads, hidden 32), a 2-layer ``nn.TransformerEncoder`` (d 32, 4 heads), three ``ConvTranspose2d`` (stride
2 padding 1, a groups=2 bias-free one, stride 1), an ``nn.GRU(10, 16)`` + Linear and a 2-layer ``nn.LSTM(10, 16)``.
Every parameter and BatchNorm statistic is perturbed (seed 1), so the converter merges no equal constants.
22 models, 59 conversions: 53 files, 6 the producers refuse (below); dscost once per file, its defaults.

The oracle (written here, no dscost code): for JAX, the function's jaxpr -- every ``dot_general`` (batch x free lhs
x free rhs x contracted) and ``conv_general_dilated`` (prod(out) x prod(kernel spatial) x Cin/groups; with
lhs_dilation > 1, i.e. a transposed conv, prod(in spatial) x prod(kernel) x Cin x Cout/groups), into sub-jaxprs, a
``scan``'s body times its length; params = the elements of the Flax ``params`` collection (not ``batch_stats``).  For
nobuco's sources: torch's ``FlopCounterMode`` / 2 of one eval forward (with torch's ``sdpa_flop_count`` registered
for the CPU flash-attention kernel, which the counter lacks), what it counts inside an ``nn.LSTM`` / ``nn.GRU``
replaced by the hand count gates x H x (in + H) per layer, step and row; params = ``sum(p.numel())``.  Beside it,
the file's own ops (read with the ``tflite`` package, stored static shapes): CONV_2D prod(out) x kh x kw x Cin/g,
DEPTHWISE prod(out) x kh x kw, TRANSPOSE_CONV prod(in) x kh x kw x Cout, FULLY_CONNECTED prod(out) x K,
BATCH_MATMUL prod(out) x K, UNIDIRECTIONAL_SEQUENCE_LSTM every weight-matrix element per step and row, a WHILE's
body times the source's trip count -- to tell a converter's change from dscost's.  A file is "equal" when dscost's
MACs and params equal the module's; "explained" when a difference is exactly what the converter did (BatchNorm
folded into the conv bias; the zero bias TFLite gives every conv, counted by dscost's documented convention; Keras'
summed LSTM biases; nobuco's dense kernel for a grouped ConvTranspose2d) and dscost equals the file's ops; "DIFF"
otherwise, or on anything uncounted, a non-zero exit, a traceback; "n/a" when jax2tf, nobuco or the TFLite converter
cannot make the file.

Install (three venvs over TF 2.21's /tmp/r32/venv -- tensorflow-cpu 2.21.0, tflite 2.18.0, numpy 2.4.6 -- each by
a .pth line naming its site-packages; dscost itself runs in /tmp/tv with ai-edge-litert 2.3.0):

    python3 -m venv /tmp/r53/venv3   # graph-mode jax2tf:  uv pip install jax==0.4.38 jaxlib==0.4.38 flax==0.10.2
    python3 -m venv /tmp/r53/venv    # native jax2tf:      uv pip install jax flax    (-> jax 0.10.2, flax 0.12.8)
    python3 -m venv /tmp/r53/venv2   # nobuco: a second .pth line for /tmp/tv (torch 2.14.1, torchvision 0.29.1);
        uv pip install --no-deps nobuco==0.17.0 sty tqdm tf-keras==2.21.0; nobuco imports ``keras.src.engine`` (Keras
        2), so a ``zz_kalias.pth`` runs a module that maps ``keras`` / ``keras.*`` to ``tf_keras`` (and sets
        TF_USE_LEGACY_KERAS=1), and puts ``sys.modules["triton"] = None``: /tmp/tv's triton segfaults when imported
        after TensorFlow, and torch runs without it.

Run (from the checkout; the three build stages run in their venvs as child processes of this script, each writes
its files and an oracle JSON into OUT; --reuse keeps them; dscost per file in /tmp/tv's python, 300 s each):

    /tmp/r53/venv/bin/python benchmarks/crosscheck_tflite_jax_nobuco.py --out /tmp/r53/run3 --json /tmp/r53/rows3.json \\
        [--dscost-root .] [--reuse] [--only MODEL,...]

Exit 1 while a row is "DIFF".  A benchmark: not run in CI.

As run 2026-12-07, Linux x86_64, 2-core VM (shared), Python 3.11.7: tensorflow-cpu 2.21.0, tf_keras 2.21.0,
tflite 2.18.0, numpy 2.4.6; jax / jaxlib 0.4.38 + flax 0.10.2 and jax / jaxlib 0.10.2 + flax 0.12.8; nobuco 0.17.0,
torch 2.14.1 (CPU), torchvision 0.29.1; dscost 0.1.0 at the frozen copy of this round (ai-edge-litert 2.3.0).
Two full runs (the same table): stages 75-106 s (graph jax), 166-186 s (native jax), 183-203 s (nobuco); dscost
0.5-1.4 s a file.  No traceback, no hang, no non-zero exit, nothing uncounted on any of the 53 files, and
**dscost's MACs equal the file's own ops on all 53** and the module's hand count on 52 (the 53rd is nobuco's doubled grouped transposed conv, the file's real work).
**19 equal, 26 explained, 8 DIFF (one finding), 6 n/a.**  Re-run later on 2026-12-07 with the finding fixed (files
reused, every dscost run redone, dscost at the fixing commit): **25 equal, 28 explained, 0 DIFF, 6 n/a** -- the 6
files that copy the class token at run time or hold it once now count 15,690 / 24,234; graph-mode jax2tf's two
fixed-batch files hold the token folded into a stored (2, 1, 32) constant and count its 64 elements (EXPLAINED_FILES).
By hand, not in the script: the polymorphic-batch CNN at
``--input-shape x0=3x32x32x3`` counts 2,053,224 MACs = 3 x 684,408 in both jax modes.

RESULTS (oracle MACs: the jaxpr / FlopCounterMode count; file-op MACs: the file's conv / FC / matmul / RNN ops; param
tree: the module's parameters, before any folding):

| file | dscost MACs | oracle MACs | file-op MACs | dscost params | param tree | uncounted | verdict |
|---|---:|---:|---:|---:|---:|---|---|
| jaxg_cnn_strides | 684,408 | 684,408 | 684,408 | 6,734 | 6,722 | - | explained |
| jaxg_cnn_strides_fp16 | 684,408 | 684,408 | 684,408 | 6,734 | 6,722 | - | explained |
| jaxg_cnn_strides_dyn_int8 | 684,408 | 684,408 | 684,408 | 6,734 | 6,722 | - | explained |
| jaxg_cnn_strides_int8 | 684,408 | 684,408 | 684,408 | 6,734 | 6,722 | - | explained |
| jaxg_cnn_strides_xla | - | - | - | - | - | - | n/a |
| jaxg_cnn_strides_native | 684,408 | 684,408 | 684,408 | 6,734 | 6,722 | - | explained |
| jaxg_cnn_strides_polyb | 684,408 | 684,408 | 684,408 | 6,734 | 6,722 | - | explained |
| jaxg_dw_grouped | - | - | - | - | - | - | n/a |
| jaxg_dilated | 659,232 | 659,232 | 659,232 | 888 | 888 | - | equal |
| jaxg_conv_transpose | 1,068,464 | 1,068,464 | 1,068,464 | 923 | 923 | - | equal |
| jaxg_resblock_bn | 917,504 | 917,504 | 917,504 | 3,632 | 3,680 | - | explained |
| jaxg_resblock_bn_int8 | 917,504 | 917,504 | 917,504 | 3,632 | 3,680 | - | explained |
| jaxg_vit_block | 512,768 | 512,768 | 512,768 | 15,658 | 15,690 | - | DIFF |
| jaxg_vit_block_dyn_int8 | 512,768 | 512,768 | 512,768 | 15,658 | 15,690 | - | DIFF |
| jaxg_vit_block_xla | - | - | - | - | - | - | n/a |
| jaxg_vit_block_native | 512,768 | 512,768 | 512,768 | 15,658 | 15,690 | - | DIFF |
| jaxg_vit_block_polyb | - | - | - | - | - | - | n/a |
| jaxg_vit_block_b1 | 256,384 | 256,384 | 256,384 | 15,658 | 15,690 | - | DIFF |
| jaxg_mixer | 565,488 | 565,488 | 565,488 | 14,802 | 14,802 | - | equal |
| jaxg_einsums | 5,376 | 5,376 | 5,376 | 192 | 192 | - | equal |
| jaxg_lax_scan | 3,584 | 3,584 | 3,584 | 464 | 464 | - | equal |
| jaxg_lax_scan_fp16 | 3,584 | 3,584 | 3,584 | 464 | 464 | - | equal |
| jaxg_flax_lstm | 19,968 | 19,968 | 19,968 | 1,728 | 1,728 | - | equal |
| jaxg_flax_gru | 5,604 | 5,604 | 5,604 | 905 | 905 | - | equal |
| jaxg_lax_conv_nchw | - | - | - | - | - | - | n/a |
| jaxg_lax_conv_nchw_dw | 207,360 | 207,360 | 207,360 | 456 | 432 | - | explained |
| jaxg_nnx_cnn | 184,488 | 184,488 | 184,488 | 943 | 967 | - | explained |
| jaxn_cnn_strides | 684,408 | 684,408 | 684,408 | 6,734 | 6,722 | - | explained |
| jaxn_cnn_strides_fp16 | 684,408 | 684,408 | 684,408 | 6,734 | 6,722 | - | explained |
| jaxn_cnn_strides_dyn_int8 | 684,408 | 684,408 | 684,408 | 6,734 | 6,722 | - | explained |
| jaxn_cnn_strides_int8 | 684,408 | 684,408 | 684,408 | 6,734 | 6,722 | - | explained |
| jaxn_cnn_strides_polyb | 684,408 | 684,408 | 684,408 | 6,774 | 6,722 | - | explained |
| jaxn_dw_grouped | 1,816,832 | 1,816,832 | 1,816,832 | 4,128 | 4,128 | - | equal |
| jaxn_dilated | 659,232 | 659,232 | 659,232 | 888 | 888 | - | equal |
| jaxn_conv_transpose | 1,068,464 | 1,068,464 | 1,068,464 | 923 | 923 | - | equal |
| jaxn_resblock_bn | 917,504 | 917,504 | 917,504 | 3,632 | 3,680 | - | explained |
| jaxn_resblock_bn_int8 | 917,504 | 917,504 | 917,504 | 3,632 | 3,680 | - | explained |
| jaxn_vit_block | 512,768 | 512,768 | 512,768 | 15,658 | 15,690 | - | DIFF |
| jaxn_vit_block_dyn_int8 | 512,768 | 512,768 | 512,768 | 15,658 | 15,690 | - | DIFF |
| jaxn_vit_block_polyb | - | - | - | - | - | - | n/a |
| jaxn_vit_block_b1 | 256,384 | 256,384 | 256,384 | 15,658 | 15,690 | - | DIFF |
| jaxn_mixer | 565,488 | 565,488 | 565,488 | 14,802 | 14,802 | - | equal |
| jaxn_einsums | 5,376 | 5,376 | 5,376 | 192 | 192 | - | equal |
| jaxn_lax_scan | 3,584 | 3,584 | 3,584 | 464 | 464 | - | equal |
| jaxn_lax_scan_fp16 | 3,584 | 3,584 | 3,584 | 464 | 464 | - | equal |
| jaxn_flax_lstm | 19,968 | 19,968 | 19,968 | 1,728 | 1,728 | - | equal |
| jaxn_flax_gru | 5,604 | 5,604 | 5,604 | 905 | 905 | - | equal |
| jaxn_lax_conv_nchw | 276,480 | 276,480 | 276,480 | 590 | 576 | - | explained |
| jaxn_lax_conv_nchw_dw | 207,360 | 207,360 | 207,360 | 456 | 432 | - | explained |
| jaxn_nnx_cnn | 184,488 | 184,488 | 184,488 | 943 | 967 | - | explained |
| nb_mobilenet_v2 | 24,461,312 | 24,461,312 | 24,461,312 | 2,219,626 | 2,236,682 | - | explained |
| nb_mobilenet_v2_dyn_int8 | 24,461,312 | 24,461,312 | 24,461,312 | 2,219,626 | 2,236,682 | - | explained |
| nb_resnet18 | 148,050,944 | 148,050,944 | 148,050,944 | 11,176,842 | 11,181,642 | - | explained |
| nb_resnet18_fp16 | 148,050,944 | 148,050,944 | 148,050,944 | 11,176,842 | 11,181,642 | - | explained |
| nb_conv_transpose | 3,506,176 | 2,457,600 | 3,506,176 | 4,331 | 3,307 | - | explained |
| nb_vit | 414,144 | 414,144 | 414,144 | 24,202 | 24,234 | - | DIFF |
| nb_transformer_encoder | 216,960 | 216,960 | 216,960 | 17,253 | 17,253 | - | equal |
| nb_gru | 8,800 | 8,800 | 8,800 | 1,412 | 1,412 | - | equal |
| nb_lstm | 44,544 | 44,544 | 44,544 | 3,840 | 3,968 | - | explained |

The producers' refusals (n/a, not dscost's): jax2tf 0.4.38 with ``enable_xla=False`` cannot write a grouped conv
(``feature_group_count`` other than 1 or Cin: "Grouped convolutions are unsupported": ``dw_grouped``,
``lax_conv_nchw``; its depthwise convs convert, ``lax_conv_nchw_dw`` and ``nnx_cnn``); with ``enable_xla=True``
(graph) it writes ``XlaDotV2``, which TFLite has no op for; the ViT block at a polymorphic batch fails in both modes
(graph: ``tf.EnsureShape``; native: ``vhlo.dynamic_gather_v1`` "not part of the vhlo support yet").  nobuco 0.17 has
no converter for ``ConvTranspose2d(output_padding=1)`` nor for a bare ``torch.relu`` call (the round uses padding 1
with a 4x4 kernel and ``F.relu``), and needs Keras 2 (see Install).  jax 0.10's jax2tf ignores the two flags with a
DeprecationWarning: its "float" files are its native ones, and they equal the graph-mode files' counts everywhere.

Summary: every conv (strided, SAME / VALID / explicit asymmetric pads, dilated, depthwise, depthwise x2, grouped,
NCHW from lax, transposed from Flax and from nobuco), Dense / einsum (7 forms) / attention matmul, scan / nn.scan
WHILE loop (tanh RNN, LSTM, GRU; Keras' GRU as a WHILE, its LSTM as UNIDIRECTIONAL_SEQUENCE_LSTM), in float32,
float16, dynamic-range and full int8, static and polymorphic batch, through both jax2tf paths and nobuco, counts the
hand count (and the file's ops) exactly, with nothing uncounted.  Params equal the module's up to the converter's
documented rewrites, except a class token (below).

FINDING 1 (FIXED later on 2026-12-07: a CONCATENATION counts a learned constant operand joined to activations, and a
BROADCAST_TO / TILE of constants is a constant counted as its table where it meets activations; re-run above.  One
correction of the text below, by reading the files: graph-mode jax2tf's fixed-batch file holds no BROADCAST_TO, but
the token already copied to the batch, a stored (2, 1, 32) constant; the BROADCAST_TO to a constant shape is the
native files'.) (dscost, params, 8 files): a learned class token that reaches activations through a CONCATENATION --
directly at batch 1, or through a BROADCAST_TO to a *constant* shape at a static batch 2 -- is not counted (-32 on
Flax's ViT block in both jax modes, float and dynamic-range int8, and on nobuco's torchvision VisionTransformer).  The
file holds it: ``jaxg_vit_block.tflite``'s BROADCAST_TO reads a float32 constant [1, 1, 32] (``jit(<lambda>)``) with
the constant shape [2, 1, 32], then a CONCATENATION with the [2, 16, 32] patches; at batch 1
(``jaxg_vit_block_b1``, ``nb_vit``) the [1, 1, 32] constant is a CONCATENATION operand itself.  dscost's ONNX reader
counts "a class token in an Expand or Concat" as weights (README: any float initializer of more than one element
that meets activations), and docs/tflite.md counts "a learned table that BROADCAST_TO or TILE copies to a shape
computed from the activations ... as the ONNX reader counts an Expand's" -- but only to a *computed* shape:
``dscost/readers/tflite_ops.py::shape_only`` requires ``not info.is_const(1)`` for BROADCAST_TO / TILE, and
``concat`` (same file) gives a CONCATENATION's constant operands no params.  Right: 15,690 (ViT block) and 24,234
(torchvision ViT) -- Flax's / torch's parameter count, the class token included, as the static file holds it.

Explained rows (the converter's doing; dscost counts what the file holds, by its documented conventions): a zero
bias written for every bias-free conv (+12 for the CNN's Conv(12), +14 / +24 for the lax convs); BatchNorm folded
into the conv before it (-48 ResNet block, -24 nnx, -17,056 mobilenet_v2, -4,800 resnet18: 2C scale/shift become C
biases, or vanish into an existing bias); Keras' LSTM sums torch's b_ih + b_hh (-128); nobuco writes the groups=2
``ConvTranspose2d(16, 8, 4, bias=False)`` as one dense Keras Conv2DTranspose whose 8x4x4x16 kernel has zero
off-diagonal blocks (params +1,024, MACs +1,048,576: the file's TRANSPOSE_CONV does 32x32 x 16 x 4x4 x 8); and the
native polymorphic-batch CNN (+52): jax 0.10's StableHLO adds each Flax conv bias through a BROADCAST_TO to the
computed [b, H, W, C] and an ADD, which TF 2.21 cannot fuse, so each CONV_2D also gets a zero bias of its own; dscost
counts the broadcast biases as weights (docs/tflite.md) and the zero biases by the zero-bias convention, 40 more
than the static file -- consistent with the docs, noted because the same model counts 6,734 at a static batch.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# ============================================================================ stage 1: JAX / Flax -> jax2tf -> TFLite
def stage_jax(OUT, ONLY, MODE):
    """Run by a jax venv: build, count (the jaxpr oracle) and convert every Flax / JAX model.  MODE "graph" (jax
    0.4.38: jax2tf's graph serialization, native_serialization=False, enable_xla=False: plain TF ops) or "native"
    (jax 0.10.2, where both flags are gone: an XlaCallModule of StableHLO that TF 2.21's converter legalizes)."""
    import warnings
    warnings.filterwarnings("ignore")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import jax
    import jax.numpy as jnp
    import numpy as np
    import flax
    import flax.linen as nn
    from flax import nnx
    import tensorflow as tf
    from jax.experimental import jax2tf
    import jax.extend.core as jex_core
    print("jax", jax.__version__, "flax", flax.__version__, "tensorflow", tf.__version__, flush=True)
    KEY = jax.random.PRNGKey(0)

    # ----------------------------------------------------------------------------- the jaxpr oracle
    def _prod(s):
        return int(math.prod(int(d) for d in s))


    def jaxpr_macs(jaxpr, mult=1):
        """MACs of dot_general / conv_general_dilated in a (closed) jaxpr, into sub-jaxprs (scan x length)."""
        jp = getattr(jaxpr, "jaxpr", jaxpr)
        total = 0
        for eq in jp.eqns:
            name = eq.primitive.name
            if name == "dot_general":
                (lc, rc), (lb, rb) = eq.params["dimension_numbers"]
                lhs, rhs = eq.invars[0].aval.shape, eq.invars[1].aval.shape
                free_r = _prod([rhs[i] for i in range(len(rhs)) if i not in rc and i not in rb])
                total += mult * _prod(lhs) * free_r
            elif name == "conv_general_dilated":
                dn = eq.params["dimension_numbers"]
                lhs, rhs, out = eq.invars[0].aval.shape, eq.invars[1].aval.shape, eq.outvars[0].aval.shape
                lhs_spec, rhs_spec = dn.lhs_spec, dn.rhs_spec
                if any(d > 1 for d in eq.params["lhs_dilation"]):
                    # transposed conv: every input position times the whole kernel (ConvTranspose convention)
                    n_in = _prod([lhs[i] for i in [lhs_spec[0]] + list(lhs_spec[2:])])
                    total += mult * n_in * _prod(rhs)
                else:
                    k_sp = _prod([rhs[i] for i in rhs_spec[2:]])
                    cin_g = rhs[rhs_spec[1]]
                    total += mult * _prod(out) * k_sp * cin_g
            sub_mult = mult * (eq.params["length"] if name == "scan" else 1)
            for v in eq.params.values():
                for j in (v if isinstance(v, (list, tuple)) else [v]):
                    if isinstance(j, (jex_core.ClosedJaxpr, jex_core.Jaxpr)):
                        if name == "while":
                            raise RuntimeError("while loop in jaxpr: trips unknown to the oracle")
                        total += jaxpr_macs(j, sub_mult)
        return total


    def tree_count(t):
        return sum(int(np.prod(x.shape)) for x in jax.tree_util.tree_leaves(t))


    # ----------------------------------------------------------------------------- conversion
    def to_tflite(fn, in_shapes, kind="float", rep=None):
        tf_fn = tf.function(
            jax2tf.convert(fn, with_gradient=False,
                           **({} if MODE == "native" else dict(native_serialization=kind == "native", enable_xla=kind in ("xla", "native"))),
                           **(dict(polymorphic_shapes=["(b, ...)"] * len(in_shapes)) if kind == "polyb" else {})),
            autograph=False,
            input_signature=[tf.TensorSpec((None, *s[1:]) if kind == "polyb" else s, tf.float32, name=f"x{i}")
                             for i, s in enumerate(in_shapes)])
        cf = tf_fn.get_concrete_function()
        conv = tf.lite.TFLiteConverter.from_concrete_functions([cf], tf_fn)
        if kind == "fp16":
            conv.optimizations = [tf.lite.Optimize.DEFAULT]
            conv.target_spec.supported_types = [tf.float16]
        elif kind == "dyn_int8":
            conv.optimizations = [tf.lite.Optimize.DEFAULT]
        elif kind == "int8":
            conv.optimizations = [tf.lite.Optimize.DEFAULT]
            conv.representative_dataset = lambda: ([np.random.RandomState(i).randn(*s).astype(np.float32)
                                                    for s in in_shapes] for i in range(8))
            conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        return conv.convert()


    def perturb(tree, seed=1):
        """Training-like values: every leaf random (no equal tensors for the converter to merge)."""
        leaves, td = jax.tree_util.tree_flatten(tree)
        ks = jax.random.split(jax.random.PRNGKey(seed), len(leaves))
        new = [jax.random.uniform(k, l.shape, l.dtype, 0.5, 1.5) if l.ndim <= 1 else
               l + 0.05 * jax.random.normal(k, l.shape, l.dtype) for k, l in zip(ks, leaves)]
        return jax.tree_util.tree_unflatten(td, new)


    # ----------------------------------------------------------------------------- the models
    MODELS = {}


    def model(name, shapes, kinds=("float",), adjust=None, trips=None):
        def deco(fn):
            MODELS[name] = dict(build=fn, shapes=shapes, kinds=kinds, adjust=adjust or {}, trips=trips)
            return fn
        return deco


    class CnnStrides(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.relu(nn.Conv(8, (3, 3), strides=(2, 2), padding="SAME")(x))          # 32 -> 16
            x = nn.relu(nn.Conv(16, (3, 3), padding="VALID")(x))                         # 16 -> 14
            x = nn.relu(nn.Conv(16, (3, 3), strides=(1, 2), padding=((1, 2), (0, 1)))(x))  # 14x14 -> 15x7
            x = nn.Conv(12, (5, 3), strides=(2, 1), padding="SAME", use_bias=False)(x)    # 15x7 -> 8x7
            return nn.Dense(10)(jnp.mean(x, axis=(1, 2)))


    class DwGrouped(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.Conv(16, (3, 3))(x)
            x = nn.relu6(nn.Conv(16, (3, 3), feature_group_count=16)(x))                 # depthwise
            x = nn.Conv(32, (1, 1))(x)
            x = nn.Conv(32, (3, 3), strides=(2, 2), feature_group_count=4)(x)           # grouped 4
            x = nn.Conv(64, (3, 3), feature_group_count=32, padding="VALID")(x)         # depthwise x2 multiplier
            return x


    class Dilated(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.Conv(8, (3, 3), kernel_dilation=(2, 2), padding="SAME")(x)
            x = nn.Conv(8, (3, 3), kernel_dilation=(3, 3), padding="VALID")(x)
            x = nn.Conv(8, (3, 3), kernel_dilation=(2, 2), feature_group_count=8, padding="SAME")(x)
            return x


    class ConvT(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.ConvTranspose(8, (3, 3), strides=(2, 2), padding="SAME")(x)      # 16 -> 32
            x = nn.relu(x)
            x = nn.ConvTranspose(4, (4, 4), strides=(2, 2), padding="VALID")(x)     # 32 -> 66
            x = nn.ConvTranspose(3, (3, 3), strides=(1, 1), padding="SAME")(x)      # stride 1
            return x


    class ResBlock(nn.Module):
        @nn.compact
        def __call__(self, x):
            bn = lambda: nn.BatchNorm(use_running_average=True)  # noqa: E731
            y = nn.relu(bn()(nn.Conv(16, (3, 3), strides=(2, 2), use_bias=False)(x)))
            y = bn()(nn.Conv(16, (3, 3), use_bias=False)(y))
            s = bn()(nn.Conv(16, (1, 1), strides=(2, 2), use_bias=False)(x))
            return nn.relu(y + s)


    class ViTBlock(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.Conv(32, (8, 8), strides=(8, 8), padding="VALID")(x)       # 32x32 -> 4x4 patches
            b = x.shape[0]
            x = x.reshape(b, -1, 32)
            cls = self.param("cls", nn.initializers.normal(0.02), (1, 1, 32))
            x = jnp.concatenate([jnp.broadcast_to(cls, (b, 1, 32)), x], axis=1)
            x = x + self.param("pos", nn.initializers.normal(0.02), (1, 17, 32))
            h = nn.LayerNorm()(x)
            x = x + nn.MultiHeadDotProductAttention(num_heads=4, qkv_features=32)(h, h)
            h = nn.LayerNorm()(x)
            x = x + nn.Dense(32)(nn.gelu(nn.Dense(64)(h)))
            return nn.Dense(10)(nn.LayerNorm()(x)[:, 0])


    class Mixer(nn.Module):
        @nn.compact
        def __call__(self, x):
            x = nn.Conv(24, (4, 4), strides=(4, 4))(x).reshape(x.shape[0], -1, 24)   # 32 -> 8x8 = 64 tokens
            for _ in range(2):
                y = nn.LayerNorm()(x).transpose(0, 2, 1)                  # b, c, tokens
                y = nn.Dense(64)(nn.gelu(nn.Dense(32)(y))).transpose(0, 2, 1)
                x = x + y
                y = nn.LayerNorm()(x)
                x = x + nn.Dense(24)(nn.gelu(nn.Dense(48)(y)))
            return nn.Dense(10)(jnp.mean(nn.LayerNorm()(x), axis=1))


    class Einsums(nn.Module):
        @nn.compact
        def __call__(self, x, y):
            # x: 2x6x8, y: 2x8x5
            w = self.param("w", nn.initializers.normal(1.0), (8, 12))
            w3 = self.param("w3", nn.initializers.normal(1.0), (8, 3, 4))
            a = jnp.einsum("bij,bjk->bik", x, y)                     # 2x6x5, K 8
            q = jnp.einsum("bsd,de->bse", x, w).reshape(2, 6, 3, 4)   # 2x6x12
            att = jnp.einsum("bqhd,bkhd->bhqk", q, q)                # 2x3x6x6, K 4
            o = jnp.einsum("bhqk,bkhd->bqhd", jax.nn.softmax(att), q)  # 2x6x3x4, K 6
            p = jnp.einsum("bsd,dhk->bshk", x, w3)                   # 2x6x3x4, K 8
            r = jnp.einsum("bsd,bsd->bs", x, x)                      # 2x6, K 8 (no weight)
            t = jnp.einsum("bij,bik->bjk", x, x)                     # 2x8x8, K 6 (transposed lhs)
            return a.sum() + o.sum() + p.sum() + r.sum() + t.sum()


    class Scan(nn.Module):
        @nn.compact
        def __call__(self, x):                                      # x: 1x8x12 (batch, steps, feat)
            w = self.param("w", nn.initializers.normal(0.3), (12, 16))
            u = self.param("u", nn.initializers.normal(0.3), (16, 16))
            b = self.param("b", nn.initializers.normal(0.3), (16,))

            def step(h, xt):
                h = jnp.tanh(xt @ w + h @ u + b)
                return h, h
            h0 = jnp.zeros((x.shape[0], 16))
            h, ys = jax.lax.scan(step, h0, x.transpose(1, 0, 2))
            return ys.transpose(1, 0, 2)


    class LSTM(nn.Module):
        @nn.compact
        def __call__(self, x):                                      # x: 2x6x10
            return nn.RNN(nn.LSTMCell(16))(x)


    class GRUHead(nn.Module):
        @nn.compact
        def __call__(self, x):                                      # x: 1x7x10
            h = nn.RNN(nn.GRUCell(12))(x)
            return nn.Dense(5)(h[:, -1])


    class LaxConvNCHWDw(nn.Module):
        """The NCHW convs jax2tf's graph mode can write (no groups but depthwise)."""
        @nn.compact
        def __call__(self, x):                                      # x: NCHW 1x4x32x32
            w = self.param("w", nn.initializers.normal(0.1), (8, 4, 3, 3))   # OIHW
            w2 = self.param("w2", nn.initializers.normal(0.1), (16, 1, 3, 3))  # depthwise, multiplier 2
            y = jax.lax.conv_general_dilated(x, w, window_strides=(2, 1), padding=((1, 1), (2, 0)),
                                             rhs_dilation=(1, 2), dimension_numbers=("NCHW", "OIHW", "NCHW"))
            y = jax.lax.conv_general_dilated(jax.nn.relu(y), w2, window_strides=(1, 1), padding="SAME",
                                             feature_group_count=8, dimension_numbers=("NCHW", "OIHW", "NCHW"))
            return y

    class LaxConvNCHW(nn.Module):
        @nn.compact
        def __call__(self, x):                                      # x: NCHW 1x4x32x32
            w = self.param("w", nn.initializers.normal(0.1), (8, 2, 3, 3))   # OIHW, groups 2
            w2 = self.param("w2", nn.initializers.normal(0.1), (6, 8, 3, 3))
            y = jax.lax.conv_general_dilated(x, w, window_strides=(2, 1), padding=((1, 1), (2, 0)),
                                             rhs_dilation=(1, 2), feature_group_count=2,
                                             dimension_numbers=("NCHW", "OIHW", "NCHW"))
            y = jax.lax.conv_general_dilated(jax.nn.relu(y), w2, window_strides=(1, 1), padding="SAME",
                                             dimension_numbers=("NCHW", "OIHW", "NCHW"))
            return y


    def linen(mod, *shapes, perturb_all=True):
        args = [jnp.ones(s, jnp.float32) for s in shapes]
        variables = mod.init(KEY, *args)
        if perturb_all:
            variables = perturb(variables)
        return (lambda *a: mod.apply(variables, *a)), variables


    model("cnn_strides", [(1, 32, 32, 3)], ("float", "fp16", "dyn_int8", "int8", "xla", "native", "polyb"),
          adjust={"params": {"a zero bias for the bias-free Conv(12)": 12}})(lambda: linen(CnnStrides(), (1, 32, 32, 3)))
    model("dw_grouped", [(1, 32, 32, 3)])(lambda: linen(DwGrouped(), (1, 32, 32, 3)))
    model("dilated", [(1, 32, 32, 3)])(lambda: linen(Dilated(), (1, 32, 32, 3)))
    model("conv_transpose", [(1, 16, 16, 4)])(lambda: linen(ConvT(), (1, 16, 16, 4)))
    model("resblock_bn", [(1, 32, 32, 8)], ("float", "int8"),
          adjust={"params": {"3 BatchNorm(16) folded into their bias-free convs: 3 x 32 scale/bias -> 3 x 16 conv biases": -48}})(
        lambda: linen(ResBlock(), (1, 32, 32, 8)))
    model("vit_block", [(2, 32, 32, 3)], ("float", "dyn_int8", "xla", "native", "polyb"))(lambda: linen(ViTBlock(), (2, 32, 32, 3)))
    model("vit_block_b1", [(1, 32, 32, 3)])(lambda: linen(ViTBlock(), (1, 32, 32, 3)))
    model("mixer", [(1, 32, 32, 3)])(lambda: linen(Mixer(), (1, 32, 32, 3)))
    model("einsums", [(2, 6, 8), (2, 8, 5)])(lambda: linen(Einsums(), (2, 6, 8), (2, 8, 5)))
    model("lax_scan", [(1, 8, 12)], ("float", "fp16"), trips=8)(lambda: linen(Scan(), (1, 8, 12)))
    model("flax_lstm", [(2, 6, 10)], trips=6)(lambda: linen(LSTM(), (2, 6, 10)))
    model("flax_gru", [(1, 7, 10)], trips=7)(lambda: linen(GRUHead(), (1, 7, 10)))
    model("lax_conv_nchw", [(1, 4, 32, 32)], adjust={"params": {"a zero bias for each of the 2 bias-free lax convs (8 + 6)": 14}})(lambda: linen(LaxConvNCHW(), (1, 4, 32, 32)))


    class NnxCnn(nnx.Module):
        def __init__(self, rngs):
            self.c1 = nnx.Conv(3, 12, (3, 3), strides=(2, 2), rngs=rngs)
            self.bn = nnx.BatchNorm(12, use_running_average=True, rngs=rngs)
            self.c2 = nnx.Conv(12, 12, (3, 3), feature_group_count=12, rngs=rngs)
            self.c3 = nnx.Conv(12, 24, (1, 1), rngs=rngs)
            self.fc = nnx.Linear(24, 7, rngs=rngs)

        def __call__(self, x):
            x = nnx.relu(self.bn(self.c1(x)))
            x = self.c3(nnx.relu(self.c2(x)))
            return self.fc(x.mean(axis=(1, 2)))


    def build_nnx():
        m = NnxCnn(nnx.Rngs(0))
        graphdef, state = nnx.split(m)
        state = perturb(state)
        params = nnx.split(nnx.merge(graphdef, state), nnx.Param, ...)[1]

        def f(x):
            return nnx.merge(graphdef, state)(x)
        return f, {"params": params}


    model("lax_conv_nchw_dw", [(1, 4, 32, 32)], adjust={"params": {"a zero bias for each of the 2 bias-free lax convs (8 + 16)": 24}})(
        lambda: linen(LaxConvNCHWDw(), (1, 4, 32, 32)))
    model("nnx_cnn", [(1, 32, 32, 3)],
          adjust={"params": {"nnx BatchNorm(12) after a biased conv: its scale and bias (24) fold into the conv's 12 biases": -24}})(build_nnx)



    oracle = {}
    for name, m in MODELS.items():
        if ONLY and name not in ONLY:
            continue
        fn, variables = m["build"]()
        args = [jnp.ones(s, jnp.float32) for s in m["shapes"]]
        macs = jaxpr_macs(jax.make_jaxpr(fn)(*args))
        # a dynamic batch ("polyb": jax2tf's polymorphic_shapes "(b, ...)") is counted at batch 1, dscost's default
        macs_b1 = jaxpr_macs(jax.make_jaxpr(fn)(*[jnp.ones((1, *s[1:]), jnp.float32) for s in m["shapes"]])) if "polyb" in m["kinds"] else None
        params_tree = tree_count(variables.get("params", variables))
        for kind in m["kinds"]:
            if MODE == "native" and kind in ("xla", "native"):
                continue  # the same file as "float" there
            fname = ("jaxg_" if MODE == "graph" else "jaxn_") + name + ("" if kind == "float" else f"_{kind}")
            try:
                b = to_tflite(fn, m["shapes"], kind)
            except Exception as e:  # the converter's failure, recorded
                oracle[fname] = dict(model=name, kind=kind, source=f"jax2tf-{MODE}", error=f"converter: {type(e).__name__}: {str(e).splitlines()[0][:300]}")
                print(fname, "CONVERTER FAILED", oracle[fname]["error"], flush=True)
                continue
            path = os.path.join(OUT, fname + ".tflite")
            with open(path, "wb") as fh:
                fh.write(b)
            oracle[fname] = dict(model=name, kind=kind, source=f"jax2tf-{MODE}", file=path, macs=int(macs_b1 if kind == "polyb" else macs), params_tree=int(params_tree),
                                 converter=m["adjust"], trips=m["trips"], shapes=[list(s) for s in m["shapes"]])
            print(fname, macs, params_tree, len(b), flush=True)
    return oracle


# ============================================================================ stage 2: PyTorch -> nobuco -> Keras -> TFLite
def stage_nobuco(OUT, ONLY):
    """Run by the nobuco venv (TF 2.21, tf_keras 2.21 importable as `keras`, torch 2.14.1): build, count
    (FlopCounterMode / 2, RNNs by hand) and convert every PyTorch model."""
    import warnings
    warnings.filterwarnings("ignore")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf  # before torch (see the install notes)
    import torch
    import torch.nn as nn
    import torchvision
    import nobuco
    from nobuco import ChannelOrder
    from torch.utils.flop_counter import FlopCounterMode, register_flop_formula, sdpa_flop_count
    from importlib.metadata import version
    print("torch", torch.__version__, "torchvision", torchvision.__version__, "nobuco", version("nobuco"),
          "tf_keras", version("tf_keras"), "tensorflow", tf.__version__, flush=True)
    torch.manual_seed(0)

    # torch 2.14's FlopCounterMode has no formula for the CPU flash kernel of scaled_dot_product_attention (which
    # nn.MultiheadAttention's fast path calls): torch's own sdpa_flop_count, 2*B*H*L*S*(E + Ev) FLOPs, as on CUDA.
    try:
        @register_flop_formula(torch.ops.aten._scaled_dot_product_flash_attention_for_cpu)
        def _sdpa_cpu(query_shape, key_shape, value_shape, *args, out_shape=None, **kwargs):
            return sdpa_flop_count(query_shape, key_shape, value_shape)
    except RuntimeError:  # registered already
        pass

    def perturb(m):
        g = torch.Generator().manual_seed(1)
        with torch.no_grad():
            for p in m.parameters():
                p.add_(0.05 * torch.randn(p.shape, generator=g))
            for mod in m.modules():
                if isinstance(mod, nn.BatchNorm2d):
                    mod.running_mean.copy_(0.1 * torch.randn(mod.running_mean.shape, generator=g))
                    mod.running_var.copy_(torch.rand(mod.running_var.shape, generator=g) + 0.5)
        return m.eval()


    class ConvT(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.ConvTranspose2d(8, 16, 4, stride=2, padding=1)   # 16 -> 32 (nobuco 0.17 has no output_padding)
            self.b = nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1, groups=2, bias=False)  # 32 -> 64 grouped
            self.c = nn.ConvTranspose2d(8, 3, 3, stride=1, padding=1)

        def forward(self, x):
            return self.c(nn.functional.relu(self.b(nn.functional.relu(self.a(x)))))


    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            layer = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, batch_first=True)
            self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
            self.head = nn.Linear(32, 5)

        def forward(self, x):
            return self.head(self.enc(x))


    class GRUNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.GRU(10, 16, batch_first=True)
            self.fc = nn.Linear(16, 4)

        def forward(self, x):
            y, _ = self.rnn(x)
            return self.fc(y[:, -1])


    class LSTMNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.LSTM(10, 16, num_layers=2, batch_first=True)

        def forward(self, x):
            y, _ = self.rnn(x)
            return y


    def vit():
        return torchvision.models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=4,
                                                    hidden_dim=32, mlp_dim=64, num_classes=10)


    def bn_fold(factory):
        """BatchNorm2d channels: each folds its 2 x C scale / shift into the C biases of the conv before it."""
        return -sum(mod.num_features for mod in factory().modules() if isinstance(mod, nn.BatchNorm2d))


    # name: (factory, input shape (torch layout), channel order, kinds, the converter's changes, WHILE trips)
    MODELS = {
        "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(num_classes=10), (1, 3, 64, 64), "tf", ("float", "dyn_int8"),
                         {"params": {"52 BatchNorms folded into bias-free convs (2C -> C)": bn_fold(lambda: torchvision.models.mobilenet_v2(num_classes=10))}}, None),
        "resnet18": (lambda: torchvision.models.resnet18(num_classes=10), (1, 3, 64, 64), "tf", ("float", "fp16"),
                     {"params": {"20 BatchNorms folded into bias-free convs (2C -> C)": bn_fold(lambda: torchvision.models.resnet18(num_classes=10))}}, None),
        "conv_transpose": (ConvT, (1, 8, 16, 16), "tf", ("float",),
                           {"params": {"nobuco writes the groups=2 ConvTranspose2d(16, 8, 4) as one dense TRANSPOSE_CONV, its kernel 8x4x4x16 with zero blocks (2,048 for 1,024)": 1024},
                            "macs": {"... which does twice the grouped work: 32x32 x 16 x 4x4 x 8 (2,097,152 for 1,048,576)": 1048576}}, None),
        "vit": (vit, (1, 3, 32, 32), "torch", ("float",), {}, None),
        "transformer_encoder": (Encoder, (1, 12, 32), "torch", ("float",), {}, None),
        "gru": (GRUNet, (1, 7, 10), "torch", ("float",), {}, 7),
        "lstm": (LSTMNet, (2, 6, 10), "torch", ("float",),
                 {"params": {"Keras' LSTM has one bias per gate: torch's b_ih + b_hh summed, 2 layers x 64": -128}}, None),
    }


    def rnn_hand(m, shp):
        macs = 0
        for mod in m.modules():
            if isinstance(mod, (nn.LSTM, nn.GRU)):
                gates = 4 if isinstance(mod, nn.LSTM) else 3
                b, t = (shp[0], shp[1]) if mod.batch_first else (shp[1], shp[0])
                dirs = 2 if mod.bidirectional else 1
                for layer in range(mod.num_layers):
                    inp = mod.input_size if layer == 0 else mod.hidden_size * dirs
                    macs += dirs * b * t * gates * mod.hidden_size * (inp + mod.hidden_size)
        return macs


    def oracle(m, x):
        with FlopCounterMode(display=False) as fc:
            m(x)
        per = fc.get_flop_counts()
        flops = sum(v for k, d in per.items() if k == "Global" for v in d.values())
        # what the counter saw inside an RNN module (the GRU's decomposed matmuls; 0 for oneDNN's LSTM) is replaced
        rnn_names = {n for n, mod in m.named_modules() if isinstance(mod, (nn.LSTM, nn.GRU))}
        top = type(m).__name__
        rnn_counted = sum(sum(d.values()) for k, d in per.items() if k.split(".", 1)[-1] in rnn_names and k != top)
        macs = (flops - rnn_counted) // 2 + rnn_hand(m, tuple(x.shape))
        params = sum(p.numel() for p in m.parameters())
        return macs, params


    def convert(k, kind):
        conv = tf.lite.TFLiteConverter.from_keras_model(k)
        if kind == "fp16":
            conv.optimizations = [tf.lite.Optimize.DEFAULT]
            conv.target_spec.supported_types = [tf.float16]
        elif kind == "dyn_int8":
            conv.optimizations = [tf.lite.Optimize.DEFAULT]
        return conv.convert()



    out = {}
    for name, (fac, shp, order, kinds, adjust, trips) in MODELS.items():
        if ONLY and name not in ONLY:
            continue
        m = perturb(fac())
        x = torch.randn(shp)
        macs, params = oracle(m, x)
        co = ChannelOrder.TENSORFLOW if order == "tf" else ChannelOrder.PYTORCH
        try:
            k = nobuco.pytorch_to_keras(m, args=[x], inputs_channel_order=co, outputs_channel_order=co,
                                        save_trace_html=False)
        except Exception as e:
            for kind in kinds:
                out[f"nb_{name}" + ("" if kind == "float" else f"_{kind}")] = dict(model=name, kind=kind, source="nobuco", error=f"nobuco: {type(e).__name__}: {str(e)[:300]}")
            print(name, "NOBUCO FAILED", e, flush=True)
            continue
        for kind in kinds:
            fname = f"nb_{name}" + ("" if kind == "float" else f"_{kind}")
            try:
                b = convert(k, kind)
            except Exception as e:
                out[fname] = dict(model=name, kind=kind, source="nobuco", error=f"converter: {type(e).__name__}: {str(e).splitlines()[0][:300]}")
                print(fname, "CONVERTER FAILED", e, flush=True)
                continue
            path = os.path.join(OUT, fname + ".tflite")
            with open(path, "wb") as fh:
                fh.write(b)
            out[fname] = dict(model=name, kind=kind, source="nobuco", file=path, macs=int(macs), params_tree=int(params),
                              converter=adjust, trips=trips, shapes=[list(shp)])
            print(fname, macs, params, len(b), flush=True)
    return out


# ============================================================================ the file's own ops (the `tflite` package)
def file_macs(path, trips=None):
    """MACs of the conv / FC / matmul / fused-RNN ops the file holds, from its stored (static) shapes: CONV_2D
    prod(out) x kh x kw x Cin/groups (the filter's last dim), DEPTHWISE_CONV_2D prod(out) x kh x kw, TRANSPOSE_CONV
    prod(in) x kh x kw x Cout, FULLY_CONNECTED prod(out) x K, BATCH_MATMUL prod(out) x K (a[-2] if adj_x),
    UNIDIRECTIONAL_SEQUENCE_LSTM every weight-matrix element per step and row; a WHILE's body times `trips` (what
    the source program says: a scan's length).  Returns (macs, {op: count})."""
    import tflite
    names = {v: k for k, v in tflite.BuiltinOperator.__dict__.items() if not k.startswith("_")}
    with open(path, "rb") as fh:
        m = tflite.Model.GetRootAsModel(fh.read(), 0)

    def shape(g, i):
        return [int(d) for d in g.Tensors(i).ShapeAsNumpy()]

    seen = {}

    def sub(si):
        g = m.Subgraphs(si)
        total = 0
        for k in range(g.OperatorsLength()):
            op = g.Operators(k)
            code = m.OperatorCodes(op.OpcodeIndex())
            name = names[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]
            seen[name] = seen.get(name, 0) + 1
            ins = [op.Inputs(j) for j in range(op.InputsLength())]
            outs = [op.Outputs(j) for j in range(op.OutputsLength())]
            if name == "CONV_2D":
                w = shape(g, ins[1])
                total += math.prod(shape(g, outs[0])) * w[1] * w[2] * w[3]
            elif name == "DEPTHWISE_CONV_2D":
                w = shape(g, ins[1])
                total += math.prod(shape(g, outs[0])) * w[1] * w[2]
            elif name == "TRANSPOSE_CONV":
                w = shape(g, ins[1])  # [Cout, kh, kw, Cin]
                total += math.prod(shape(g, ins[2])) * w[0] * w[1] * w[2]
            elif name == "FULLY_CONNECTED":
                w = shape(g, ins[1])
                total += math.prod(shape(g, outs[0])) * w[1]
            elif name == "BATCH_MATMUL":
                o = tflite.BatchMatMulOptions()
                t = op.BuiltinOptions()
                o.Init(t.Bytes, t.Pos)
                a = shape(g, ins[0])
                total += math.prod(shape(g, outs[0])) * (a[-2] if o.AdjX() else a[-1])
            elif name == "UNIDIRECTIONAL_SEQUENCE_LSTM":
                x = shape(g, ins[0])
                steps_rows = x[0] * x[1]
                total += steps_rows * sum(math.prod(shape(g, ins[j])) for j in range(1, 9) if ins[j] >= 0)
            elif name == "WHILE":
                o = tflite.WhileOptions()
                t = op.BuiltinOptions()
                o.Init(t.Bytes, t.Pos)
                body = sub(o.BodySubgraphIndex())
                if body and trips is None:
                    raise RuntimeError(f"{path}: a WHILE with MACs and no trip count")
                total += body * (trips or 0)
        return total

    return sub(0), seen


# ============================================================================ dscost, verdicts
# (model, field) -> why dscost's number, not the source module's, is right for the file.  The amounts are the stage's
# `converter` deltas, computed from the module; a row is explained only when dscost equals the module's count plus them.
EXPLAINED: dict[tuple[str, str], str] = {
    ("cnn_strides", "params"): "TFLite writes a zero bias for every conv (docs/tflite.md): +12 for the bias-free Conv(12)",
    ("lax_conv_nchw", "params"): "a zero bias for each of the 2 bias-free lax.conv_general_dilated convs (8 + 6)",
    ("lax_conv_nchw_dw", "params"): "a zero bias for each of the 2 bias-free lax.conv_general_dilated convs (8 + 16)",
    ("resblock_bn", "params"): "3 BatchNorm(16) folded into their bias-free convs: their 96 scale/shift become 48 conv biases",
    ("nnx_cnn", "params"): "nnx BatchNorm(12) folded into the biased conv before it: its 24 scale/shift vanish into the conv's 12 biases",
    ("mobilenet_v2", "params"): "52 BatchNorms folded into bias-free convs: 2C -> C each (-17,056)",
    ("resnet18", "params"): "20 BatchNorms folded into bias-free convs: 2C -> C each (-4,800)",
    ("lstm", "params"): "Keras' LSTM, as nobuco writes it, holds one bias per gate: torch's b_ih + b_hh summed (2 layers x 64: -128)",
    ("conv_transpose", "params"): "nobuco writes the groups=2 ConvTranspose2d(16, 8, 4, bias=False) as one dense Keras "
                                  "Conv2DTranspose whose kernel has zero off-diagonal blocks: 2,048 weights for torch's 1,024",
    ("conv_transpose", "macs"): "... and that dense TRANSPOSE_CONV does twice the grouped work, 32x32 x 16 x 4x4 x 8 = 2,097,152 "
                                "for 1,048,576: the file's own op (the file-op count agrees)",
}


# file -> field -> (the change from the module's count, why it is right): one file of a model, not all of them.
FOLDED_TOKEN = ("jax 0.4.38's graph serialization at the fixed batch of 2: the TFLite converter folds the BROADCAST_TO of the "
                "(1, 1, 32) class token into a stored (2, 1, 32) constant, which the CONCATENATION joins to the patches: the file "
                "holds its 64 elements (dscost counts a file's stored constants; the jaxn and batch-1 files, which copy it at run "
                "time or not at all, count 32)")
EXPLAINED_FILES: dict[str, dict[str, tuple[int, str]]] = {
    "jaxg_vit_block": {"params": (32, FOLDED_TOKEN)},
    "jaxg_vit_block_dyn_int8": {"params": (32, FOLDED_TOKEN)},
    "jaxn_cnn_strides_polyb": {"params": (52, "jax 0.10's native StableHLO at a polymorphic batch: TF 2.21 cannot fuse the 3 Flax "
                                              "conv biases (each a BROADCAST_TO to the computed [b, H, W, C], then an ADD: counted as "
                                              "weights, docs/tflite.md), so each CONV_2D gets a zero bias of its own too (+8 +16 +16, "
                                              "counted per the zero-bias convention), and the bias-free Conv(12) its +12")},
}


def run_dscost(path, py, root):
    env = dict(os.environ, PYTHONPATH=root)
    t0 = time.time()
    try:
        p = subprocess.run([py, "-m", "dscost", "analyze", path, "-f", "json", "-q"], capture_output=True, text=True,
                           timeout=300, env=env, cwd=root)
    except subprocess.TimeoutExpired:
        return dict(rc="timeout", secs=300.0)
    row = dict(rc=p.returncode, secs=round(time.time() - t0, 2), stderr=p.stderr.strip()[-600:])
    if p.returncode == 0:
        d = json.loads(p.stdout)
        row.update(macs=d["totals"]["macs"], params=d["totals"]["params"],
                   uncounted=[u.get("op") or u.get("name") for u in d.get("uncounted", [])],
                   layers=[(lay["op"], lay["macs"], lay["params"]) for lay in d["layers"]])
    return row


def verdict(name, o, r):
    if "error" in o:
        return "n/a", o["error"]
    if r.get("rc") != 0 or "Traceback" in r.get("stderr", ""):
        return "DIFF", f"dscost exit {r.get('rc')}: {r.get('stderr', '')[-200:]}"
    why = []
    model = o["model"]
    out = "equal"
    if r["uncounted"]:
        out = "DIFF"
        why.append(f"uncounted {r['uncounted']}")
    if r["macs"] != r["file_macs"]:
        out = "DIFF"
        why.append(f"MACs {r['macs']:,} but the file's ops {r['file_macs']:,}")
    for field, got, want in (("macs", r["macs"], o["macs"]), ("params", r["params"], o["params_tree"])):
        if got == want:
            continue
        expect = want + sum(o.get("converter", {}).get(field, {}).values())
        if name in EXPLAINED_FILES and field in EXPLAINED_FILES[name] and got == want + EXPLAINED_FILES[name][field][0]:
            out = "explained" if out == "equal" else out
            why.append(f"{field} {got - want:+,}: {EXPLAINED_FILES[name][field][1]}")
        elif got == expect and (model, field) in EXPLAINED:
            out = "explained" if out == "equal" else out
            why.append(f"{field} {got - want:+,}: {EXPLAINED[(model, field)]}")
        else:
            out = "DIFF"
            why.append(f"{field} {got:,} for {want:,} ({got - want:+,})")
    return out, "; ".join(why)


def fmt(n):
    return f"{n:,}" if isinstance(n, int) else str(n)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stage", choices=["jaxg", "jaxn", "nobuco"], help="internal: build one producer's files")
    ap.add_argument("--out", default="/tmp/r53/files")
    ap.add_argument("--only", default="")
    ap.add_argument("--json", default="/tmp/r53/rows.json")
    ap.add_argument("--reuse", action="store_true", help="keep the built files and oracle JSONs")
    ap.add_argument("--jaxg-python", default="/tmp/r53/venv3/bin/python", help="jax 0.4.38 + flax 0.10.2 over TF 2.21")
    ap.add_argument("--jaxn-python", default="/tmp/r53/venv/bin/python", help="jax 0.10.2 + flax 0.12.8 over TF 2.21")
    ap.add_argument("--nobuco-python", default="/tmp/r53/venv2/bin/python")
    ap.add_argument("--dscost-python", default="/tmp/tv/bin/python")
    ap.add_argument("--dscost-root", default="/tmp/r53/dscost")
    a = ap.parse_args()
    only = set(a.only.split(",")) if a.only else None
    os.makedirs(a.out, exist_ok=True)
    if a.stage:
        res = stage_nobuco(a.out, only) if a.stage == "nobuco" else stage_jax(a.out, only, "graph" if a.stage == "jaxg" else "native")
        with open(os.path.join(a.out, f"{a.stage}_oracle.json"), "w") as fh:
            json.dump(res, fh, indent=1)
        return 0
    oracle = {}
    for stage, py in (("jaxg", a.jaxg_python), ("jaxn", a.jaxn_python), ("nobuco", a.nobuco_python)):
        jf = os.path.join(a.out, f"{stage}_oracle.json")
        if not (a.reuse and os.path.exists(jf)):
            t0 = time.time()
            with open(os.path.join(a.out, f"{stage}.log"), "w") as log:
                p = subprocess.run([py, os.path.abspath(__file__), "--stage", stage, "--out", a.out, "--only", a.only],
                                   stdout=log, stderr=subprocess.STDOUT)
            print(f"stage {stage}: exit {p.returncode}, {time.time() - t0:.0f} s", flush=True)
            if p.returncode:
                return 1
        with open(jf) as fh:
            oracle.update(json.load(fh))
    rows = []
    for name, o in oracle.items():
        if only and o["model"] not in only:
            continue
        r = {}
        if "error" not in o:
            r = run_dscost(o["file"], a.dscost_python, a.dscost_root)
            r["file_macs"], r["file_ops"] = file_macs(o["file"], o.get("trips"))
        v, why = verdict(name, o, r)
        rows.append(dict(file=name, oracle=o, dscost=r, verdict=v, why=why))
        print(f"{name:28s} {v:9s} {fmt(r.get('macs', '-')):>12} {fmt(o.get('macs', '-')):>12} {fmt(r.get('params', '-')):>10} "
              f"{fmt(o.get('params_tree', '-')):>10} {r.get('secs', '')} {why}", flush=True)
    with open(a.json, "w") as fh:
        json.dump(rows, fh, indent=1)
    print("\n| file | dscost MACs | oracle MACs | file-op MACs | dscost params | param tree | uncounted | verdict |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for row in rows:
        r, o = row["dscost"], row["oracle"]
        print(f"| {row['file']} | {fmt(r.get('macs', '-'))} | {fmt(o.get('macs', '-'))} | {fmt(r.get('file_macs', '-'))} | "
              f"{fmt(r.get('params', '-'))} | {fmt(o.get('params_tree', '-'))} | {', '.join(r.get('uncounted', [])) or '-'} | {row['verdict']} |")
    counts = {}
    for row in rows:
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
    print("\n" + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    return 1 if counts.get("DIFF") else 0


if __name__ == "__main__":
    sys.exit(main())
