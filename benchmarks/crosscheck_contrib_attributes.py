"""Sixty-ninth blind round: contrib-op attributes mutated, each file tried on onnxruntime.

What it stresses: counts dscost takes from a node's attributes rather than from its tensors.  A
file whose attributes disagree with its tensors cannot run, and a count of the attributes is of
work that does not exist -- the worst kind when it is lower (a gate passes it).  The cases are
the one-node graphs of tests/test_onnx_contrib.py and tests/test_onnx_contrib_quant.py (CASES:
onnxruntime's contrib ops, com.microsoft, each with a hand-derived cost); each integer attribute
of each case's node is set in turn to 0, -1, 1, 3, its value + 1, twice its value and 2**31.

The oracle (no dscost code): onnxruntime (CPU provider, default options) builds a session of the
file and runs it once on random inputs, in a child process (60 s): RUNS, or REFUSED with its
message (a case onnxruntime cannot run unmutated -- no CPU kernel -- is left out).  dscost:
``read_onnx`` in this process; the node COUNTED (its MACs, weights, other ops) or UNCOUNTED (its
reason) or an input error for the file.  Each mutated file is one row:

* agree -- onnxruntime runs it and dscost counts it, or refuses it and dscost does not count it;
* same  -- onnxruntime refuses it, dscost counts it, and the count is the unmutated one's (the
  attribute does not enter the count: an epsilon, a flag the kernel checks);
* DIFF  -- onnxruntime refuses it and dscost counts it at another count than the unmutated one's;
* over  -- onnxruntime runs it and dscost does not count it;
* crash -- a Python exception out of dscost, or onnxruntime's process dying.

Run (a venv with onnx, onnxruntime and dscost's test dependencies; from the checkout):

    python benchmarks/crosscheck_contrib_attributes.py [--out /tmp/r69] [--only MoE,GatherPacked]

Exit 1 while a row is DIFF (other than those in KNOWN), over or crash.  A benchmark: not run in CI.

As run 2026-12-07 (onnxruntime 1.32.0, onnx 1.23.2, Linux x86_64, 2-core VM, 3 min), first on
ad3f3bf: 83 cases onnxruntime runs, 408 mutated files, 42 DIFF.  Fixed since (8661915, 57a15b3;
the node uncounted with onnxruntime's reason): MoE and QMoE ``k`` of 0 (0 MACs: a gate passed it)
or more than the experts (k=2**31: 3.3e12 MACs), a 4-bit QMoE told ``expert_weight_bits=8`` (half
its MACs), a MoEGroupRouter ``top_k`` or ``group_topk`` of 0, a LinearAttention whose heads do not
fit its past state (half its MACs).  Then: 315 agree, 67 same, 26 DIFF (all KNOWN), 0 over, 0
crash.  ad3f3bf itself came from the same mutation of the fuzz seed's low-bit ops
(tests/fuzzing.py seed_lowbit): MatMulNBits, MatMulBnb4 and GatherBlockQuantized counted from
attributes their packed weights contradict (an N of 2**62 read 3.7e20 MACs).  Left (KNOWN): the attention ops' ``num_heads`` (GroupQueryAttention,
MultiHeadAttention, RotaryEmbedding, MRotaryEmbedding), which move only other ops (softmax and
rotation per head) -- their MACs are the tensors'; GatherPacked's ``K`` (its table's weights are
K per row; which ``K`` a row of a ``packed_type`` holds is not written down in dscost); the n-gram
hashes' sizes, other ops alone.

With ``--node-tests DIR`` (onnx's node tests, generated as crosscheck_onnx_node_tests.py does: 275
one-node models of NODE_TEST_OPS, integer attributes and the first element of integer lists), run
the same day after 4319a6e, 18 min: 250 cases onnxruntime runs, 1,959 mutated files; 1,725 agree,
164 same, 56 DIFF, 7 over, 7 crash (exit 1: none is in KNOWN).  The first run found dscost's
process killed by SIGSEGV inside onnx's shape inference: a LayerNormalization axis of 2**31 or more
(refused before inference since 4319a6e).  Left: the DIFF rows are pools whose pads reach their
kernel (onnxruntime refuses "pads[dim] < kernel_shape[dim]"; other ops only) or whose kernel is 0,
DeformConv pads onnxruntime's attribute check refuses, RotaryEmbedding's rotary_embedding_dim
against its caches, and a Conv padded by 2**31 that onnxruntime cannot allocate; the 7 crashes are
onnxruntime's own 60 s timeouts on kernels or pads of 2**31 (dscost counts their huge outputs);
over: a ConvTranspose or pool whose declared output shape the mutation made wrong, which
onnxruntime ignores, and an odd rotary dim that onnxruntime runs and dscost does not take.

Run again 2026-12-08 with ``--only pool,deform`` (51 cases, 744 files, 5 min): the pools whose pads
reach their kernel are uncounted since (onnxruntime's reason); so is a kernel of size 0 in a file
that declares the pool's output (counted 0 before), and a DeformConv whose pads leave its offset
at another size than its output (onnxruntime: "Offset spatial height must match output oH").  Left: a stride of 2**31 that onnxruntime fails on
at run time (dscost counts the one window), 4 timeouts of kernels of 2**31 under auto_pad SAME
(1.3e13 other ops), and the two "over" rows above.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

# (case, attribute) whose DIFF rows are known and left: see the docstring
KNOWN = {
    ("GroupQueryAttention", "num_heads"), ("GroupQueryAttention sinks", "num_heads"), ("MultiHeadAttention with past", "num_heads"),
    ("RotaryEmbedding", "num_heads"), ("MRotaryEmbedding", "num_heads"), ("q:GatherPacked", "K"),
    ("q:NGramHashMapping", "max_ngram_size"), ("q:NGramHashMapping", "n_head_per_ngram"),
    ("q:VarlenNGramHashMapping", "max_ngram_size"), ("q:VarlenNGramHashMapping", "n_head_per_ngram"),
}  # fmt: skip

ORT_CHILD = r'''
import sys, numpy as np, onnxruntime as ort
TYPES = {"tensor(float)": np.float32, "tensor(float16)": np.float16, "tensor(int32)": np.int32, "tensor(int64)": np.int64,
         "tensor(uint8)": np.uint8, "tensor(int8)": np.int8, "tensor(int16)": np.int16, "tensor(bool)": np.bool_}
try:
    s = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
    rng, feeds = np.random.default_rng(0), {}
    for i in s.get_inputs():
        shape, dt = [d if isinstance(d, int) else 1 for d in i.shape], TYPES[i.type]
        feeds[i.name] = rng.standard_normal(shape).astype(dt) if dt in (np.float32, np.float16) else rng.integers(0, 2, shape).astype(dt)
    s.run(None, feeds)
    print("RUNS")
except Exception as e:
    print("REFUSED " + " ".join(str(e).split())[-160:])
'''


def ort_verdict(path: Path) -> str:
    try:
        r = subprocess.run([sys.executable, "-c", ORT_CHILD, str(path)], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "CRASH timeout"
    lines = r.stdout.strip().splitlines()
    return lines[-1] if lines else f"CRASH exit {r.returncode}"


def dscost_verdict(path: Path, name: str) -> tuple[str, object]:
    from dscost.errors import InputError
    from dscost.readers.onnx_reader import read_onnx

    try:
        m = read_onnx(path)
    except InputError as err:
        return "INPUT ERROR", str(err)[-160:]
    except Exception as err:  # noqa: BLE001 (a crash is a row)
        return "CRASH", repr(err)[:160]
    for layer in m.layers:
        if layer.name == name:
            return "COUNTED", (layer.cost.macs, layer.cost.weights, layer.cost.other_ops)
    return "UNCOUNTED", next((u.reason[:160] for u in m.uncounted if u.name == name), "")


def classify(ort: str, ds: tuple, base: tuple) -> str:
    if ort.startswith("CRASH") or ds[0] == "CRASH":
        return "crash"
    if ort == "RUNS":
        return "agree" if ds[0] == "COUNTED" else "over"
    if ds[0] != "COUNTED":
        return "agree"
    return "same" if ds[1] == base[1] else "DIFF"


# The standard ops whose node tests --node-tests mutates: those with MACs, params or a window
NODE_TEST_OPS = {"Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "DeformConv", "Gemm", "LSTM", "GRU", "RNN", "Attention",
                 "MaxPool", "AveragePool", "LpPool", "BatchNormalization", "LayerNormalization", "GroupNormalization",
                 "InstanceNormalization", "RMSNormalization", "RotaryEmbedding", "Col2Im", "Softmax", "TopK", "Einsum"}  # fmt: skip


def contrib_cases(T, Q):
    """(case, build(node) -> ModelProto, node) of the contrib test cases, each node named after its first output."""
    cases = {**T.CASES, **{f"q:{k}": v for k, v in Q.CASES.items()}}
    for case, (node, inputs, inits, _, _) in sorted(cases.items()):
        node = copy.deepcopy(node)
        node.name = node.output[0]
        yield case, (lambda n, i=inputs, z=inits: T.ms_model([n], i, z, [o for o in n.output if o])), node


def node_test_cases(folder: Path):
    """(case, build, node) of onnx's one-node test models of NODE_TEST_OPS (the node named "n")."""
    import onnx

    for p in sorted((folder / "node").glob("*/model.onnx")):
        mp = onnx.load(p)
        if len(mp.graph.node) != 1 or mp.graph.node[0].op_type not in NODE_TEST_OPS or mp.graph.node[0].domain not in ("", "ai.onnx"):
            continue
        node = copy.deepcopy(mp.graph.node[0])
        node.name = "n"

        def build(n, mp=mp):
            m = copy.deepcopy(mp)
            m.graph.node[0].CopyFrom(n)
            return m

        yield p.parent.name, build, node


def main() -> int:
    import onnx
    from onnx import AttributeProto

    import test_onnx_contrib as T
    import test_onnx_contrib_quant as Q

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="/tmp/r69")
    ap.add_argument("--only", default="", help="comma-separated substrings of case names")
    ap.add_argument("--node-tests", default="", help="a folder of onnx's generated node tests (node/*/model.onnx): mutate the "
                    "one-node models of NODE_TEST_OPS instead (INT attributes, and the first element of INTS ones)")  # fmt: skip
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    only = [s for s in args.only.split(",") if s]
    jobs = []  # (case, attribute, value, path, node name)
    for case, build, node in (node_test_cases(Path(args.node_tests)) if args.node_tests else contrib_cases(T, Q)):
        if only and not any(s in case for s in only):
            continue
        stem = "".join(c if c.isalnum() else "_" for c in case)
        base_path = out / f"{stem}.onnx"
        onnx.save(build(node), base_path)
        jobs.append((case, None, None, base_path, node.name))
        for a in node.attribute:
            if a.type == AttributeProto.INT:
                values, first = sorted({0, -1, 1, 3, a.i + 1, a.i * 2, 2**31} - {a.i}), None
            elif a.type == AttributeProto.INTS and a.ints and args.node_tests:
                first = a.ints[0]
                values = sorted({0, -1, 1, 3, first + 1, first * 2, 2**31} - {first})
            else:
                continue
            for v in values:
                m = copy.deepcopy(node)
                x = next(x for x in m.attribute if x.name == a.name)
                if first is None:
                    x.i = v
                else:
                    x.ints[0] = v
                path = out / f"{stem}__{a.name}_{v}.onnx"
                onnx.save(build(m), path)
                jobs.append((case, a.name if first is None else f"{a.name}[0]", v, path, node.name))
    with ThreadPoolExecutor(max(1, min(2, os.cpu_count() or 1))) as pool:
        orts = list(pool.map(lambda j: ort_verdict(j[3]), jobs))
    counts: dict[str, int] = {}
    bad, base, runs, left = [], {}, set(), 0
    for (case, attr, value, path, name), ort in zip(jobs, orts):
        ds = dscost_verdict(path, name)
        if attr is None:
            base[case] = ds
            if ort == "RUNS":
                runs.add(case)
            continue
        if case not in runs:
            continue
        kind = classify(ort, ds, base[case])
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "DIFF" and (case, attr) in KNOWN:
            left += 1
        elif kind in ("DIFF", "over", "crash"):
            bad.append((case, attr, value, kind, ort[:90], ds, base[case][1]))
    print(f"{len(runs)} cases onnxruntime runs on CPU, {sum(counts.values())} mutated files")
    print("| verdict | files |\n|---|---|")
    for kind in ("agree", "same", "DIFF", "over", "crash"):
        print(f"| {kind} | {counts.get(kind, 0)} |")
    print(f"\nDIFF rows left as KNOWN: {left}")
    for row in bad:
        print("  ", *row)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
