"""Forty-seventh blind round: onnx's own backend test models (the node tests, their ``_expanded`` twins, the wheel's data).

What it stresses: every model of onnx 1.23.2's backend test suite -- 1,884 single-op node tests generated from the
test-case code the wheel ships (1,404 ops as written, 480 ``_expanded`` / ``_expanded_ver26`` twins whose op is
replaced by its function body: LayerNormalization as ReduceMean / Sub / Pow..., Attention as MatMuls and a
Softmax, FlexAttention, LinearAttention as a Scan, the losses, the window functions), and the 149 models of the
wheel's own ``data/`` folders (``light``: 9 zoo CNNs whose weights are ConstantOfShape literals;
``pytorch-converted``: 82 torch modules, weights as initializers; ``pytorch-operator``: 35; ``simple``: 23,
sequences and the training ``Gradient`` op).  Every op family of the standard (opsets 1-26 and the preview
domains): Conv / ConvTranspose / DeformConv of every padding mode, Gemm, MatMul, Einsum, RNN / GRU / LSTM
(bidirectional, batchwise layout, peepholes), opset 23-24 Attention (3-D / 4-D, GQA, past / present, masks,
softcap, windows), LinearAttention, CausalConvWithState, the quantized ops, pools with ceil_mode and dilations,
Resize, GridSample, AffineGrid, losses, sequences, optionals, strings, zero-sized tensors.

The corpus (onnx's ``backend-test-tools generate-data`` in 1.23.2 writes only the model cases: ``data/real``
and ``data/simple``; this script hands the same writer ``onnx.backend.test.case.node.collect_testcases()``, so
the layout is upstream's: ``DATA/node/<test>/model.onnx`` and ``test_data_set_0/input_N.pb`` / ``output_N.pb``).

The oracle (written here, no dscost code): the truth of every shape is the test's own data -- input_N.pb and the
expected output_N.pb -- and, for the tensors in between (the ``_expanded`` bodies), onnx's ReferenceEvaluator run
on those inputs (``intermediate=True``); the light zoo, which has no data set, by onnx's static shape inference
(data propagation on; its ConstantOfShape weights sized by their Constant) and its stored output_0.pb.  Checks
per file: (1) robustness: exit 0, or exit 2 with one stderr line ``dscost: error:``; any other exit, a
traceback, ``internal error`` or > 60 s is a difference; (2) shapes: the output shape dscost's JSON gives a layer (its first
output) where that output is a tensor graph output, against output_N.pb; (3) MACs by hand from the true shapes: Conv / ConvInteger /
QLinearConv / DeformConv prod(out) x prod(kernel) x Cin/group, ConvTranspose N x prod(in spatial) x Cin x
Cout/group x prod(kernel), MatMul / MatMulInteger / QLinearMatMul prod(out) x K, Gemm M x N x K, Einsum the
product of all index sizes per contracted pair (left to right; one operand: 0 MACs), RNN / GRU / LSTM dirs x
steps x batch x gates x hidden x (input + hidden), Attention B x Hq x Sq x (past + Skv) x (dk + dv), AffineGrid
prod(grid) x (r + 1) (its docstring's batched matmul); every other op's MACs are listed (only Det,
LinearAttention, CausalConvWithState and the LinearAttention bodies' Scan have any: each equal to its
``_expanded`` twin's and to the formula in its handler's docstring); (4) every uncounted op, judged; (5) params
where a file has initializers; (6) each ``_expanded`` twin's MACs against its op's.  Every exit 2, uncounted op
and difference is either EXPLAINED (a documented convention or run-time value, one line each), an open FINDING
(FINDINGS_RE, diagnosed below), or unexplained; the script exits 1 on an open finding or an unexplained one.

Install: nothing beyond dscost's ONNX extra (onnx, onnxruntime, numpy); the run used /tmp/r27/venv.

Run (from the checkout; the node tests are generated into DATA when absent, ~10 s; one dscost child process
per file, 60 s each, one at a time; --reuse keeps WORK's results):

    PYTHONPATH=. /tmp/r27/venv/bin/python benchmarks/crosscheck_onnx_node_tests.py --data /tmp/r47/data \\
        --work /tmp/r47/out --json /tmp/r47/rows.json [--symbolic /tmp/r47/symout] [--only conv,einsum,...] [--reuse]

As run 2026-12-06, Linux x86_64, 2-core VM (shared), Python 3.11.7: onnx 1.23.2 (the test cases, its
ReferenceEvaluator and shape inference), onnxruntime 1.32.0 (dscost's, and to confirm that the refused files
run), numpy 2.4.6; dscost 0.1.0 at this checkout.  2,033 files, dscost 0.14-4.86 s a file (20 min in all on
the shared machine), the oracle 8-18 s for all with --reuse.  With --symbolic, a second probe: each
single-op node test that exits 0 and has a tensor input of known shape (1,277) is written again with every
input dimension symbolic (``s<input>_<axis>``) and each given back by ``--input-shape``; the totals and the
uncounted list should be the static file's (another 15 min).  (An input declared with a 0 dimension is given
back by ``--dim`` instead, each of its dimensions by name: ``--input-shape`` takes sizes >= 1, ``--dim`` allows 0.)

Re-run 2026-12-07 (dscost at this checkout): the 236 node tests of /tmp/r47/affected.txt (every exit 2, uncounted
FlexAttention / preview op and finding; its other 4 are wheel files) and all 149 wheel files run again (6 min);
the other 1,648 cached results were run again too and compared (totals, uncounted list, every layer's output
shape, exit and stderr): all the same, so reused; the symbolic probe redone where the static result changed (87
new runs).

Re-run again 2026-12-07 (after a41ce10 and 114431f; every one of the 2,033 files and the whole symbolic probe run
afresh, 0.16-13.4 s a file on the shared, loaded machine, 27 min, the probe ~25 min more): **0 findings, 0
unexplained** (exit 0): F3 (the sequence concat) and F4 (an empty-set reduce's shape) now give the test's shapes,
and F5's 74 symbolic runs count as their static files (1,320 of 1,364 the same; the other 44 the Resize /
Upsample / AffineGrid runs explained below).  2,087 graph outputs' shapes checked, all equal.

Summary (2026-12-07): **no MAC or robustness difference on any counted layer**: 845 MAC-bearing layers checked by
formula (Conv 447, MatMul 216, Attention 93, Gemm 28, ConvTranspose 14, Einsum 9, QLinearMatMul 8, GRU / LSTM
/ RNN 6 each, AffineGrid 4, DeformConv 4, ConvInteger 2, MatMulInteger 1, QLinearConv 1; the light zoo's 414
among them, ResNet-50 4,089,184,256 and VGG-19 19,632,062,464 as docs/onnx.md states), all equal; the 11
FlexAttention tests count their twins' MACs; 2,086 graph outputs' shapes checked, all equal to output_N.pb but
2 sequence outputs (one explained, F3) and 15 reductions of an empty input (F4, new: shape only, every count 0
and right); no traceback, no internal error, no timeout; 3 exits 2, each one line (two empty batches, which the
docs keep an error, and an empty --input-shape).  Params: the 51 files with initializers count them as stated
(BatchNorm statistics as buffers, the light zoo's ConstantOfShape weights as literals); node tests' weights are
graph inputs, counted as params from their shapes with a note saying so.  The symbolic probe: 1,364 runs, the
same MACs, other ops, params and uncounted list on 1,246; 44 are Resize (39), Upsample (1) and AffineGrid (4)
tests whose output size is the values of a graph input (scales, sizes, size): the static file is counted at its
declared output, and with ``--input-shape`` dscost infers declared shapes anew (its stated rule, said in a note)
and lists the node as uncounted, naming it (AffineGrid 0 MACs for 360 / 2,880; Resize 0 other ops for up to 144)
-- a value the file holds only as data, explained; 74 exit 2 in one line (F5, new: a rank-1 input given 0 by
``--dim``).  Three findings were open then (F3, F4, F5), all fixed since (below); F1 and F2 fixed before.

RESULTS (files per corpus; "macs checked": layers whose MACs the oracle computed; "explained" / "findings":
items -- an exit 2, an uncounted op, a difference -- judged by EXPLAINED / FINDINGS_RE):

| corpus | files | ok | exit2 | robustness | macs checked | mac diffs | shapes checked | shape diffs | pair diffs | with uncounted | symbolic runs | symbolic same | explained | findings | unexplained |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| light | 9 | 9 | 0 | 0 | 414 | 0 | 9 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| node | 1404 | 1402 | 2 | 0 | 175 | 0 | 1289 | 0 | 0 | 91 | 1364 | 1320 | 137 | 0 | 0 |
| node _expanded | 480 | 480 | 0 | 0 | 221 | 0 | 654 | 0 | 4 | 34 | 0 | 0 | 123 | 0 | 0 |
| pytorch-converted | 82 | 82 | 0 | 0 | 30 | 0 | 82 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| pytorch-operator | 35 | 35 | 0 | 0 | 5 | 0 | 37 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| simple | 23 | 22 | 1 | 0 | 0 | 0 | 16 | 0 | 0 | 8 | 0 | 0 | 9 | 0 | 0 |
| all | 2033 | 2030 | 3 | 0 | 845 | 0 | 2087 | 0 | 4 | 133 | 1364 | 1320 | 269 | 0 | 0 |

(as re-run again 2026-12-07, exit 0; the first re-run's: shape diffs 17, findings 90 (F3, F4, F5), symbolic same 1,246.)  _expanded twins: all 480 pairs run, 476 count the same
MACs (116 the same other ops too; 329 more other ops in the body -- a function body spells out what dscost's
per-element conventions fold: LayerNormalization 5 ops per element against 7.1-8.3 in its body, Softmax 3
against 5, a comparison's Or, a Clip's Less/Where -- and 31 fewer: RMSNormalization, Gelu, the window
functions, 2 NLL losses, as docs/onnx.md says for 9 of the losses); the 4 that differ are the AffineGrid bodies
(explained, below; as run 2026-12-06: 410 pairs, 15 differing, F1's 11 among them).

DIAGNOSES (repros in /tmp/r47/repro):

- FIXED since (2026-12-07).  F1 (22 files): ``test_flexattention*`` (``ai.onnx.preview`` FlexAttention) was a
  "custom op" at 0 MACs; it is now counted as opset 23's Attention, its score_mod / prob_mod subgraphs' element-wise
  ops not counted, said in its note: ``test_flexattention`` 0 -> 12,288 MACs (its ``_expanded_ver26`` twin's
  12,288; other ops 1,536 against the body's 2,948), ``_diff_head_sizes`` 0 -> 18,432, ``_double`` / ``_fp16`` /
  ``_gqa`` / ``_scaled`` 0 -> 12,288, ``_causal_mask`` / ``_relative_positional`` / ``_soft_cap`` 0 -> 512,
  ``_score_mod`` / ``_prob_mod`` 0 -> 144 (other ops 72 against 124), nothing uncounted; pair diffs 15 -> 4.  The
  training preview ops (Adagrad, Adam, Momentum, Gradient) now read "an op of onnx's preview domain
  'ai.onnx.preview.training': no cost handler", not "custom op".  F2 (159 files refused): an input declared with a
  0 dimension is counted as declared, with a note ("dimension 0 of input 'like' is declared 0: an empty tensor
  ..."), its empty value known to the folding: 157 now exit 0 (exit 2: 160 -> 3) -- CastLike 0 work, the 22
  ``*_default_axes_keepdims*`` / ``reduce_log_sum_default`` reduce all (ReduceSum 12 other ops, [1, 1, 1] as the
  test's output), ``reduce_sum_empty_axes_input_noop`` a no-op ([3, 2, 2]), the empty-data ones 0.  The other 2,
  ``reshape_allowzero_reordered`` (data 0x3x4) and ``triu_zero`` (x 0x5), are a 0 first dimension of a rank > 1
  tensor, an empty batch, which docs/onnx.md keeps an error (one line with a hint): EXPLAINED.
- F4, FIXED since (114431f: an input's declared 0 keeps the file's declared shapes; 2026-12-07; shape only, 15 files): ``test_reduce_*_empty_set`` (and 4 of their ``_expanded`` bodies):
  data declared 2x0x4, ``axes`` a graph input, keepdims 1; the file declares the output 2x1x4 (2x0x1 for
  ``_non_reduced_axis_zero``), dscost prints [] (unknown), nothing listed.  With the declared 0 dscost takes the
  path of a given shape ("the file declares the shapes of 1 tensor(s) ...: they are inferred anew for the shape
  given", though no shape was given) and the run-time ``axes`` leaves the output open; without the 0 the same
  op keeps the file's declared output (``test_reduce_sum_keepdims_example``: [3, 1, 2]).  Every count is 0 and
  right.  Command: ``python -m dscost analyze /tmp/r47/data/node/test_reduce_sum_empty_set/model.onnx -f json -q``
  (layer ReduceSum_0 output_shape []).
- F5, FIXED since (a41ce10: --dim 0 on a rank-1 input counted; 2026-12-07; the symbolic probe, 74 files): a rank-1 input whose one dimension is symbolic and given 0
  by ``--dim`` -- CastLike's ``like`` (56), an empty ``axes`` (15: ``*_default_axes_keepdims*``,
  ``reduce_log_sum_default``, ``reduce_sum_empty_axes_input_noop*``), empty data vectors
  (``split_zero_size_splits_opset13/18``, ``string_split_empty_tensor``) -- is refused: "input 'axes': its first
  dimension ('s1_0') is 0 with the --dim values given: an empty batch, every count would be 0", while the same
  input declared [0] is counted (F2's fix) and docs/onnx.md allows 0 with ``--dim`` and keeps only the 0 first
  dimension of a rank > 1 tensor an error.  For an empty ``axes`` the count would not be 0 (a reduce-all: 12
  other ops).  Command: ``python -m dscost analyze /tmp/r47/symout/test_reduce_sum_default_axes_keepdims_example.onnx
  -f json -q --input-shape data=3x2x2 --dim s1_0=0`` (exit 2).  A real-world form: a file whose ``axes`` (or any
  1-D input's) length is a named dimension, given 0.
- F3, FIXED since (114431f: a sequence of known length is followed, its concat sized; 1 file; sequences): ``simple/test_sequence_model4`` -- SequenceConstruct of three static
  2x3x4 tensors, then ConcatFromSequence(axis=1): dscost gives its output shape as [] (the JSON's shape of a
  scalar; onnx's inference leaves the concatenated axis open) for the true [2, 9, 4]; a MatMul after it is
  listed as uncounted ("shapes lost at SequenceConstruct_0"), 360 MACs in the repro.  Listed, not silent;
  rare in exports (TorchScript and dynamo write Concat).
- explained, not differences: the AffineGrid / window-function / reduce bodies in ``_expanded`` files size
  tensors from graph-input values (``size``, ``axes``): a Range, ConstantOfShape or ReduceSum whose output size is
  a run-time value, listed as uncounted naming that node (the ops themselves count, from their declared
  outputs); Loops and Ifs on graph inputs, SequenceMap over sequences of run-time length, the training
  preview ops (Adam, Adagrad, Momentum, Gradient: element-wise, no MACs), DFT / STFT, NonMaxSuppression,
  Unique, ImageDecoder, TfIdfVectorizer, string and ONNX-ML tree / encoder ops: listed with their reasons, as
  docs/onnx.md says.  A one-operand Einsum (transpose, diagonal, sum) counts one other op per input element
  (its handler's docstring), where a Transpose counts none; reductions count one op per input element whatever
  their arithmetic (ReduceLogSumExp, ReduceSumSquare: the handler's stated rule).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from math import prod
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DSCOST_TIMEOUT = 60
WHEEL_DIRS = ["light", "pytorch-converted", "pytorch-operator", "simple"]

# the ops whose MACs this oracle computes from the test's true shapes (everything else: its other_ops
# are read, its uncounted status judged; see the docstring)
MAC_OPS = {"AffineGrid", "Conv", "ConvInteger", "QLinearConv", "ConvTranspose", "MatMul", "MatMulInteger",
           "QLinearMatMul", "Gemm", "Einsum", "RNN", "GRU", "LSTM", "DeformConv", "Attention"}

# (a regex on the test name, kind) -> why it is a documented convention or a run-time value, not a miscount.
# kind: "exit2" (a one-line refusal), "uncounted" (an op listed as uncounted), "pair" (an _expanded twin whose MACs
# differ), "shape", "symbolic" (the --symbolic probe's totals differ from the static file's).
EXPLAINED: dict[tuple[str, str], str] = dict(((p, k), why) for p, k, why in [
    (r"^test_(reshape_allowzero_reordered|triu_zero)$", "exit2",
     "a 0 first dimension of a rank > 1 input (data 0x3x4, x 0x5): an empty batch, which stays an error "
     "(docs/onnx.md, --dim: one line with a hint)"),
    (r"^simple/test_sequence_model8$", "exit2",
     "the test's own input X is empty ([0]); this oracle gives it as --input-shape X=0, refused in one line"),
    (r"^test_(adagrad|adam|momentum|nesterov_momentum)", "uncounted",
     "ai.onnx.preview.training optimizer steps: element-wise updates, no MACs; listed as an op of onnx's "
     "preview domain, not silent"),
    (r"^(simple/test_)?gradient", "uncounted", "Gradient (ai.onnx.preview.training): listed, not silent"),
    (r"^test_(dft|stft)", "uncounted", "DFT / STFT: the FFT algorithm decides the work (docs/onnx.md)"),
    (r"^test_nonmaxsuppression", "uncounted", "NonMaxSuppression: work depends on the data (docs/onnx.md)"),
    (r"^test_image_decoder", "uncounted", "ImageDecoder: work depends on the encoded image (docs/onnx.md)"),
    (r"^(simple/)?test_(regex|string|strnorm)", "uncounted", "string ops: no arithmetic (docs/onnx.md)"),
    (r"^test_(tfidfvectorizer|unique)", "uncounted",
     "TfIdfVectorizer (the n-grams the data holds) and Unique (data-sized): listed with the reason (docs/onnx.md)"),
    (r"^test_ai_onnx_ml_(tree_ensemble|label_encoder)", "uncounted", "ONNX-ML trees / encoders: uncounted by design"),
    (r"^test_(loop|range_\w+_expanded)", "uncounted", "a Loop whose trip count is a graph input: run-time (docs/onnx.md)"),
    (r"^test_if", "uncounted", "an If whose condition is a graph input: the branch is a run-time choice (docs/onnx.md)"),
    (r"^test_scan_sum$", "uncounted", "Scan of opset 8 (batch axis, sequence lengths): listed with its reason"),
    (r"^test_sequence_map", "uncounted",
     "SequenceMap (and its expansion's Loop over SequenceLength): one body run per element of a sequence whose "
     "length is a run-time value here (graph inputs); listed with its body"),
    (r"^test_(affine_grid|blackmanwindow|hammingwindow|hannwindow)\w*_expanded", "uncounted",
     "the function body sizes tensors by a Range / ConstantOfShape / Expand of the `size` graph input, a value "
     "known at run time only (listed, naming the node where shapes were lost); the op itself counts"),
    (r"^test_reduce_(l2|log_sum_exp|log_sum|l1|sum_square)\w*_expanded", "uncounted",
     "the body's ReduceSum takes `axes` from a graph input with keepdims=0: its output rank is a run-time value"),
    (r"^test_(resize|upsample|affine_grid)", "symbolic",
     "its output size is the values of a graph input (scales, sizes, size): with --input-shape dscost infers "
     "the declared output anew (its stated rule) and lists the node as uncounted, naming it"),
    (r"^test_affine_grid\w*_expanded", "pair", "the expansion's shapes hang on the `size` input's values (above)"),
    (r"^simple/test_sequence_model1$", "shape",
     "SequenceAt at a position that is a graph input, in a sequence of 2x3x4, 1x3x4 and 3x3x4 tensors: its "
     "shape is a run-time value (printed as [], sequences: F3 below)"),
])

# open findings (reported, not conventions: they keep the exit status 1) -> (regex, kind, finding)
FINDINGS_RE: list[tuple[str, str, str]] = [  # (F3, F4 and F5 fixed since, 2026-12-07: none open)
]


def finding(test: str, kind: str) -> str | None:
    for pat, k, what in FINDINGS_RE:
        if (k == kind or kind.startswith(k + ":")) and re.match(pat, test):
            return what
    return None


def explained(test: str, kind: str) -> str | None:
    for (pat, k), why in EXPLAINED.items():
        if (k == kind or kind.startswith(k + ":")) and re.match(pat, test):
            return why
    return None


# ---------------------------------------------------------------- corpus

GEN_CODE = r'''
import argparse, sys
import onnx.backend.test.cmd_tools as ct
import onnx.backend.test.case.model as model_test
import onnx.backend.test.case.node as node_test
# onnx 1.23's cmd_tools collects only the model cases; hand it the node cases (same writer, same layout)
model_test.collect_testcases = lambda: node_test.collect_testcases(None)
ct.model_test = model_test
ct.generate_data(argparse.Namespace(output=sys.argv[1]))
'''


def corpus(data: Path) -> list[tuple[str, Path, Path | None, str]]:
    """(test name, model file, test_data_set_0 or None, cache key) for every node test and the wheel's data folders."""
    import onnx
    if not (data / "node").is_dir():
        subprocess.run([sys.executable, "-c", GEN_CODE, str(data)], check=True, timeout=1200)
    out = [(p.parent.name, p, p.parent / "test_data_set_0", "node__" + p.parent.name)
           for p in sorted((data / "node").glob("*/model.onnx"))]
    wheel = Path(onnx.__file__).parent / "backend" / "test" / "data"
    for d in WHEEL_DIRS:
        for p in sorted((wheel / d).rglob("*.onnx")):
            ds = p.parent / "test_data_set_0"
            key = str(p.relative_to(wheel)).replace("/", "__").replace(".onnx", "")
            out.append((f"{d}/{p.parent.name if p.name == 'model.onnx' else p.stem}", p, ds if ds.is_dir() else None, key))
    return out


# ---------------------------------------------------------------- dscost, one child process per file


def read_dims(p: Path) -> list[int] | None:
    import onnx
    t = onnx.TensorProto()
    try:
        t.ParseFromString(p.read_bytes())
    except Exception:
        return None
    return list(t.dims) if t.data_type else None


def input_shapes(model, ds: Path | None) -> list[str]:
    """--input-shape NAME=AxB for every tensor graph input with a symbolic or missing dimension, from input_N.pb."""
    args = []
    inits = {i.name for i in model.graph.initializer}
    for j, inp in enumerate(model.graph.input):
        if inp.name in inits or not inp.type.HasField("tensor_type") or ds is None:
            continue
        tt = inp.type.tensor_type
        if tt.HasField("shape") and all(d.HasField("dim_value") for d in tt.shape.dim):
            continue
        dims = read_dims(ds / f"input_{j}.pb") if (ds / f"input_{j}.pb").exists() else None
        if dims is not None:
            args += ["--input-shape", f"{inp.name}=" + "x".join(map(str, dims))]
    return args


def run_dscost(path: Path, extra: list[str]) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("DSCOST_DEBUG", None)
    args = [sys.executable, "-m", "dscost", "analyze", str(path), "-f", "json", "-q", *extra]
    t = time.time()
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=DSCOST_TIMEOUT, env=env, cwd=ROOT)
        rc, so, se = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        rc, so, se = "timeout", "", ""
    return dict(rc=rc, stdout=so, stderr=se, secs=round(time.time() - t, 2), args=args[1:])


# ---------------------------------------------------------------- the oracle (no dscost code)


def attr(node, name, default=None):
    from onnx import helper
    for a in node.attribute:
        if a.name == name:
            v = helper.get_attribute_value(a)
            return v.decode() if isinstance(v, bytes) else v
    return default


def true_shapes(model, ds: Path | None) -> dict[str, list[int]]:
    """Initializers, Constant nodes, and the test's input_N.pb / output_N.pb (the truth)."""
    sh = {i.name: list(i.dims) for i in model.graph.initializer}
    for n in model.graph.node:
        if n.op_type == "Constant" and attr(n, "value") is not None:
            sh[n.output[0]] = list(attr(n, "value").dims)
    if ds is not None:
        for kind, vis in (("input", model.graph.input), ("output", model.graph.output)):
            for j, vi in enumerate(vis):
                p = ds / f"{kind}_{j}.pb"
                if vi.type.HasField("tensor_type") and p.exists() and (d := read_dims(p)) is not None:
                    sh[vi.name] = d
    return sh


class _Alarm(Exception):
    pass


def run_reference(model, ds: Path) -> dict[str, list[int]]:  # noqa: C901
    """Every intermediate's shape, from onnx's ReferenceEvaluator on the test's inputs (20 s limit)."""
    import numpy as np
    import onnx
    from onnx import numpy_helper
    from onnx.reference import ReferenceEvaluator
    feeds = {}
    for j, inp in enumerate(model.graph.input):
        p = ds / f"input_{j}.pb"
        if p.exists() and inp.type.HasField("tensor_type"):
            t = onnx.TensorProto()
            t.ParseFromString(p.read_bytes())
            feeds[inp.name] = numpy_helper.to_array(t)

    def alarm(*_):
        raise _Alarm()
    signal.signal(signal.SIGALRM, alarm)
    signal.alarm(20)
    try:
        with np.errstate(all="ignore"):
            res = ReferenceEvaluator(model).run(None, feeds, intermediate=True)
    finally:
        signal.alarm(0)
    return {k: list(np.shape(v)) for k, v in res.items() if isinstance(v, np.ndarray)}


def einsum_macs(eq: str, shapes: list[list[int]]) -> int:
    """Two or more operands, contracted left to right: per pair with a summed index of size > 1, the
    product of the pair's index sizes; one operand (a trace, a sum, a diagonal, a transpose): 0 MACs."""
    lhs, arrow, rhs = eq.replace(" ", "").partition("->")
    terms = lhs.split(",")
    if len(terms) == 1:
        return 0
    sizes: dict[str, int] = {}
    parsed = []
    nb = 0
    for t, s in zip(terms, shapes):
        if "..." in t:
            k = len(s) - (len(t) - 3)
            nb = max(nb, k)
            t = t.replace("...", "".join(chr(0x100 + nb - k + i) for i in range(k)))
        parsed.append(t)
        for c, d in zip(t, s):
            sizes[c] = max(sizes.get(c, 1), d)
    flat = "".join(parsed)
    if not arrow:
        rhs = "".join(sorted(c for c in set(flat) if flat.count(c) == 1))
    rhs = rhs.replace("...", "".join(chr(0x100 + i) for i in range(nb)))
    total, cur = 0, parsed[0]
    for k in range(1, len(parsed)):
        later = set("".join(parsed[k + 1:])) | set(rhs)
        idx = set(cur) | set(parsed[k])
        summed = [c for c in idx if c not in later]
        if any(sizes[c] > 1 for c in summed):
            total += prod(sizes[c] for c in idx)
        cur = "".join(c for c in idx if c in later)
    return total


def oracle_macs(n, sh: dict) -> int:
    op = n.op_type
    ins = [sh.get(x) if x else None for x in n.input] + [None] * 8
    out = sh.get(n.output[0]) if n.output else None

    def need(*v):
        if any(x is None for x in v):
            raise KeyError("no true shape")
    if op == "AffineGrid":                      # theta (N, r, r+1) times homogeneous coords: r+1 per output
        need(out)
        return prod(out) * (out[-1] + 1)
    if op in ("Conv", "ConvInteger", "DeformConv"):   # prod(out) x prod(kernel) x Cin/group = prod(out) x prod(W[1:])
        need(out, ins[1])
        return prod(out) * prod(ins[1][1:])
    if op == "QLinearConv":
        need(out, ins[3])
        return prod(out) * prod(ins[3][1:])
    if op == "ConvTranspose":                   # N x prod(in spatial) x Cin x Cout/group x prod(kernel)
        need(ins[0], ins[1])
        return ins[0][0] * prod(ins[0][2:]) * prod(ins[1])
    if op in ("MatMul", "MatMulInteger", "QLinearMatMul"):   # prod(out) x K
        need(out, ins[0])
        return prod(out) * ins[0][-1]
    if op == "Gemm":                            # M x N x K
        need(out, ins[0])
        return prod(out) * (ins[0][0] if attr(n, "transA", 0) else ins[0][1])
    if op == "Einsum":
        need(*[s for s, x in zip(ins, n.input)])
        return einsum_macs(attr(n, "equation"), [s for s, x in zip(ins, n.input)])
    if op in ("RNN", "GRU", "LSTM"):            # per direction and step: gates x hidden x (input + hidden)
        need(ins[0], ins[1])
        x, w = ins[0], ins[1]
        steps, batch = (x[1], x[0]) if attr(n, "layout", 0) else (x[0], x[1])
        g = {"RNN": 1, "GRU": 3, "LSTM": 4}[op]
        h = w[1] // g
        return w[0] * steps * batch * g * h * (w[2] + h)
    if op == "Attention":                       # QK^T and PV: B x Hq x Sq x Skv x (dk + dv), past keys included
        need(ins[0], ins[1], ins[2])
        q, k, v = ins[0], ins[1], ins[2]
        if len(q) == 4:
            b, hq, sq, dk = q
            skv, dv = k[2], v[3]
        else:
            hq, hkv = attr(n, "q_num_heads"), attr(n, "kv_num_heads")
            b, sq, dk, skv, dv = q[0], q[1], q[2] // hq, k[1], v[2] // hkv
        if ins[4] is not None:
            skv += ins[4][2]
        return b * hq * sq * skv * (dk + dv)
    raise KeyError(op)


def judge(test: str, path: Path, ds: Path | None, res: dict) -> dict:
    import onnx
    row = dict(test=test, secs=res["secs"], rc=res["rc"], findings=[], uncounted=[], macs_checked=0, shapes_checked=0)
    se = res["stderr"].strip()
    if res["rc"] == "timeout":
        row["status"] = "timeout"
        row["findings"].append(("robust", f"no answer in {DSCOST_TIMEOUT} s"))
        return row
    if res["rc"] == 2:
        lines = se.splitlines()
        if len(lines) == 1 and lines[0].startswith("dscost: error:"):
            row.update(status="exit2", error=lines[0])
        else:
            row.update(status="bad-exit2")
            row["findings"].append(("robust", se[-600:]))
        return row
    if res["rc"] != 0:
        row.update(status=f"exit{res['rc']}")
        row["findings"].append(("robust", f"exit {res['rc']}: {se[-600:]}"))
        return row
    if se:
        row["findings"].append(("robust", "stderr on success: " + se[:300]))
    d = json.loads(res["stdout"])
    row.update(status="ok", totals=d["totals"], uncounted=[(u.get("op"), (u.get("reason") or "")[:200]) for u in d["uncounted"]])
    layers = {ly["name"]: ly for ly in d["layers"]}
    model = onnx.load(str(path))
    sh = true_shapes(model, ds)
    gout = {o.name: o for o in model.graph.output}
    if ds is not None and any(n.op_type in MAC_OPS and any(x and x not in sh for x in [*n.input, *n.output[:1]])
                              for n in model.graph.node):
        try:
            for k, v in run_reference(model, ds).items():
                sh.setdefault(k, v)
        except Exception as e:  # (the oracle's own gap: said in the row)
            row["oracle_gap"] = f"reference run failed: {type(e).__name__}"
    if any(n.op_type in MAC_OPS and any(x and x not in sh for x in [*n.input, *n.output[:1]]) for n in model.graph.node):
        # no test data (the "light" zoo files): onnx's own static shape inference of the file, data propagation on
        row["inferred"] = True
        inf = onnx.shape_inference.infer_shapes(model, data_prop=True)
        for vi in [*inf.graph.value_info, *inf.graph.output, *inf.graph.input]:
            dims = vi.type.tensor_type.shape.dim if vi.type.HasField("tensor_type") else []
            if dims and all(d.HasField("dim_value") for d in dims):
                sh.setdefault(vi.name, [d.dim_value for d in dims])
        for n in inf.graph.node:   # ConstantOfShape weights: their shape is the Constant they are given
            if n.op_type == "ConstantOfShape":
                src = next((m for m in inf.graph.node if n.input[0] in m.output and m.op_type == "Constant"), None)
                if src is not None:
                    from onnx import numpy_helper
                    sh.setdefault(n.output[0], [int(v) for v in numpy_helper.to_array(attr(src, "value"))])
    light_out = path.parent / f"{path.stem}_output_0.pb"
    if ds is None and light_out.exists() and (d0 := read_dims(light_out)) is not None:
        sh[model.graph.output[0].name] = d0     # the light zoo's stored output: the truth for its shape
    costs = []
    for i, n in enumerate(model.graph.node):
        name = n.name or f"{n.op_type}_{i}"
        ly = layers.get(name)
        if ly is None:
            continue
        costs.append((n.op_type, ly.get("macs", 0), ly.get("other_ops", 0)))
        o = n.output[0] if n.output else None
        row["shapes_checked"] += bool(o in gout and gout[o].type.HasField("tensor_type") and o in sh)
        if o in gout and gout[o].type.HasField("tensor_type") and o in sh and list(ly.get("output_shape") or []) != sh[o]:
            row["findings"].append(("shape", f"{name} ({n.op_type}): dscost {ly.get('output_shape')}, expected {sh[o]}"
                                    + (f" [note: {ly['note'][:200]}]" if ly.get("note") else "")))
        if n.op_type in MAC_OPS:
            try:
                want = oracle_macs(n, sh)
            except Exception as e:
                row.setdefault("oracle_gaps", []).append(f"{name}: {e}")
                continue
            row["macs_checked"] += 1
            if ly.get("macs") != want:
                row["findings"].append(("macs", f"{name} ({n.op_type}): dscost {ly.get('macs')}, oracle {want}"
                                        + (f" [note: {ly['note'][:200]}]" if ly.get("note") else "")))
        elif ly.get("macs"):
            row.setdefault("other_macs", []).append((n.op_type, ly["macs"]))
    row["costs"] = costs
    # params: the elements of float initializers of more than one element (node tests have almost none)
    row["init_elements"] = sum(prod(i.dims) for i in model.graph.initializer if i.data_type in (1, 10, 11, 16) and prod(i.dims) > 1)
    return row


# ---------------------------------------------------------------- the symbolic probe (--symbolic)


def symbolic_probe(test: str, path: Path, static: dict, sym_dir: Path, reuse: bool) -> dict | None:
    """The same file with every dimension of every tensor input symbolic (``s<input>_<axis>``), each given back by
    --input-shape: the totals and the uncounted list should be the static file's.  None: nothing to make symbolic."""
    import onnx
    cache = sym_dir / f"{test}.json"
    if reuse and cache.exists():
        res = json.loads(cache.read_text())
    else:
        m = onnx.load(str(path))
        inits = {i.name for i in m.graph.initializer}
        extra = []
        for j, inp in enumerate(m.graph.input):
            if inp.name in inits or not inp.type.HasField("tensor_type") or not inp.type.tensor_type.HasField("shape"):
                continue
            dims = inp.type.tensor_type.shape.dim
            if not dims or not all(d.HasField("dim_value") for d in dims):
                continue
            vals = [d.dim_value for d in dims]
            if 0 in vals:   # --input-shape takes sizes >= 1; a declared 0 is given back by --dim (docs/onnx.md: 0 is allowed)
                extra += [a for k, v in enumerate(vals) for a in ("--dim", f"s{j}_{k}={v}")]
            else:
                extra += ["--input-shape", f"{inp.name}=" + "x".join(map(str, vals))]
            for k, d in enumerate(dims):
                d.ClearField("dim_value")
                d.dim_param = f"s{j}_{k}"
        if not extra:
            return None
        p = sym_dir / f"{test}.onnx"
        onnx.save(m, str(p))
        res = run_dscost(p, extra)
        cache.write_text(json.dumps(res))
    out = dict(rc=res["rc"], stderr=(res["stderr"] or "").strip()[:300])
    out["clean"] = res["rc"] == 0 or (res["rc"] == 2 and len(out["stderr"].splitlines()) == 1
                                      and out["stderr"].startswith("dscost: error:"))
    if res["rc"] == 0:
        a, b = json.loads(res["stdout"]), json.loads(static["stdout"])
        out["same"] = (a["totals"] == b["totals"] and len(a["uncounted"]) == len(b["uncounted"]))
        out["totals"] = (a["totals"]["macs"], a["totals"]["other_ops"], len(a["uncounted"]))
    return out


# ---------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/tmp/r47/data", help="where the node tests are (generated if absent)")
    ap.add_argument("--work", default="/tmp/r47/out", help="one dscost result per file (kept: --reuse)")
    ap.add_argument("--json", default="/tmp/r47/rows.json")
    ap.add_argument("--only", default="", help="substrings of test names, comma-separated")
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--symbolic", default="", help="also run the symbolic probe, its files and results in this folder")
    a = ap.parse_args()
    import onnx
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    only = [s for s in a.only.split(",") if s]
    rows = []
    for test, path, ds, key in corpus(Path(a.data)):
        if only and not any(s in test for s in only):
            continue
        cache = work / f"{key}.json"
        if a.reuse and cache.exists():
            res = json.loads(cache.read_text())
        else:
            try:
                extra = input_shapes(onnx.load(str(path), load_external_data=False), ds)
            except Exception:
                extra = []
            res = run_dscost(path, extra)
            cache.write_text(json.dumps(res))
        try:
            row = judge(test, path, ds, res)
        except Exception as e:
            row = dict(test=test, status="oracle-error", findings=[("oracle", repr(e)[:300])], uncounted=[])
        row["command"] = " ".join(res["args"])
        if a.symbolic and row["status"] == "ok" and "/" not in test and "_expanded" not in test:
            Path(a.symbolic).mkdir(parents=True, exist_ok=True)
            sym = symbolic_probe(test, path, res, Path(a.symbolic), a.reuse)
            if sym is not None:
                row["symbolic"] = sym
                if sym["rc"] != 0:   # a one-line refusal where the static file runs: a difference of the probe
                    row["findings"].append(("symbolic" if sym["clean"] else "robust",
                                            f"symbolic probe: exit {sym['rc']}: {sym['stderr'][:200]}"))
                elif not sym["same"]:
                    row["findings"].append(("symbolic", f"with --input-shape: MACs, other ops, uncounted {sym['totals']}"))
        rows.append(row)
    # _expanded twins
    by = {r["test"]: r for r in rows}
    for r in rows:
        m = re.match(r"(test_.*)_expanded(_ver\d+)?$", r["test"])
        base = by.get(m.group(1)) if m else None
        if base and base["status"] == r["status"] == "ok":
            r["twin"] = (base["totals"]["macs"], base["totals"]["other_ops"], len(base["uncounted"]))
            if base["totals"]["macs"] != r["totals"]["macs"]:
                r["findings"].append(("pair", f"MACs {r['totals']['macs']} vs {base['test']}'s {base['totals']['macs']}"))
    # judge every finding, exit-2 and uncounted op against EXPLAINED
    unexplained = []
    found: dict[str, set] = defaultdict(set)
    for r in rows:
        items = list(r["findings"])
        if r["status"] == "exit2":
            items.append(("exit2", r["error"]))
        items += [(f"uncounted:{op}", why) for op, why in r["uncounted"]]
        r["judged"] = []
        for kind, what in items:
            why = explained(r["test"], kind)
            fnd = None if why else finding(r["test"], kind)
            r["judged"].append((kind, what, why, fnd))
            if why is None and fnd is None:
                unexplained.append((r["test"], kind, what))
            elif fnd is not None:
                found[fnd.split(":")[0]].add(r["test"])
    Path(a.json).write_text(json.dumps(rows, indent=1, default=str))
    # ONE table
    fam = defaultdict(Counter)
    for r in rows:
        f = "node" if "/" not in r["test"] else r["test"].split("/")[0]
        f += " _expanded" if "_expanded" in r["test"] else ""
        c = fam[f]
        c["files"] += 1
        c[r["status"]] += 1
        c["macs checked"] += r.get("macs_checked", 0)
        c["shapes checked"] += r.get("shapes_checked", 0)
        c["shape diffs"] += sum(k == "shape" for k, *_ in r["findings"])
        c["mac diffs"] += sum(k == "macs" for k, *_ in r["findings"])
        c["pair diffs"] += sum(k == "pair" for k, *_ in r["findings"])
        c["with uncounted"] += bool(r["uncounted"])
        c["symbolic runs"] += "symbolic" in r
        c["symbolic same"] += bool(r.get("symbolic", {}).get("same"))
        c["robustness"] += sum(k == "robust" for k, *_ in r["findings"])
        c["explained"] += sum(1 for _, _, why, _ in r["judged"] if why)
        c["findings"] += sum(1 for _, _, why, fnd in r["judged"] if fnd)
        c["unexplained"] += sum(1 for _, _, why, fnd in r["judged"] if why is None and fnd is None)
    cols = ["files", "ok", "exit2", "robustness", "macs checked", "mac diffs", "shapes checked", "shape diffs", "pair diffs",
            "with uncounted", "symbolic runs", "symbolic same", "explained", "findings", "unexplained"]
    print("| corpus | " + " | ".join(cols) + " |")
    print("|---|" + "---:|" * len(cols))
    tot = Counter()
    for f in sorted(fam):
        tot.update(fam[f])
        print(f"| {f} | " + " | ".join(str(fam[f][c]) for c in cols) + " |")
    print("| all | " + " | ".join(str(tot[c]) for c in cols) + " |")
    for f in sorted(found):
        print(f"{f}: {len(found[f])} files", file=sys.stderr)
    for t, k, w in unexplained[:40]:
        print(f"UNEXPLAINED {t} {k}: {str(w)[:200]}", file=sys.stderr)
    return 1 if unexplained or found else 0


if __name__ == "__main__":
    sys.exit(main())
