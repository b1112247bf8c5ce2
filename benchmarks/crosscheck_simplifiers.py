"""Cross-check dscost on the files ONNX graph simplifiers write: the MACs of the original model.

Users simplify an export before deploying it, and ultralytics' export does it by default
(``simplify=True``: onnxslim). For each model of the zoo that benchmarks/crosscheck_torch.py
wrote (its ``reference.json``: the ONNX file and torch's MACs), this script writes

* ``slim``: ``onnxslim.slim`` (constant folding, BatchNorm folded into convs, Identity copies
  and equal initializers merged, Gemm fusion, dead nodes removed);
* ``sim``: ``onnxsim.simplify`` (onnx-simplifier: constant folding through onnxruntime);

runs ``dscost analyze --format json`` on each and prints one table. Expected: torch's MACs and no
uncounted node. Params are the file's, not the module's (BatchNorm folded into conv biases, equal
tensors merged into one, folded attention-bias tables stored per position), so the reference for
params is the file itself: the elements of its distinct float initializers and Constant tensors
of more than one element, each counted once, which dscost's params + buffers should equal but
for the float tensors that are no parameter (a Resize's scales, an RNN's zero initial state:
listed under the table by the op input reading them; dscost's rules for what is a parameter are
in docs/onnx.md).

    python benchmarks/crosscheck_simplifiers.py                                   # /work/zoo/reference.json
    python benchmarks/crosscheck_simplifiers.py --reference /tmp/zoo/reference.json --only resnet18

Exit code 1 when a simplified file has other MACs than torch's, or an uncounted node.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

KINDS = ("slim", "sim")


def counts(path: Path) -> tuple | str:
    r = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), "-f", "json", "-q"], capture_output=True, text=True)
    if r.returncode:
        return r.stderr.strip().splitlines()[-1][:100] if r.stderr.strip() else f"exit {r.returncode}"
    doc = json.loads(r.stdout)
    t = doc["totals"]
    return t["macs"], t["params"] + t["buffers"], len(doc["uncounted"])


def simplify(kind: str, src: str, out: Path) -> str:
    """Write ``src`` simplified by ``kind`` to ``out``; "" or why it failed."""
    import onnx

    try:
        if kind == "slim":
            import onnxslim

            model = onnxslim.slim(src)
        else:
            import onnxsim

            model, ok = onnxsim.simplify(src)
            if not ok:
                return "onnxsim: its check failed"
        onnx.save(model, out)
    except Exception as err:  # noqa: BLE001  (a simplifier's own failure is a row of the table)
        return f"{kind} failed: {type(err).__name__}: {str(err).splitlines()[0][:80] if str(err) else ''}"
    return ""


def float_tensors(path: Path) -> tuple[int, dict[tuple, int]]:
    """The elements of the file's distinct float tensors of more than one element (initializers and
    Constant nodes, each name once), and the same by where they are stored and which op input
    reads them (("Constant", "Add", 1): Constant nodes read as an Add's second input)."""
    import numpy as np
    import onnx
    from onnx import TensorProto

    floats = {TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.BFLOAT16, TensorProto.DOUBLE}
    m = onnx.load(path, load_external_data=False)
    tensors = {t.name: ("initializer", t) for t in m.graph.initializer}
    for node in m.graph.node:
        if node.op_type == "Constant":
            tensors.update({node.output[0]: ("Constant", a.t) for a in node.attribute if a.name == "value"})
    readers: dict[str, set] = {}
    for node in m.graph.node:
        for i, t in enumerate(node.input):
            readers.setdefault(t, set()).add((node.op_type, i))
    total, groups = 0, {}
    for name, (stored, t) in tensors.items():
        n = int(np.prod(t.dims)) if t.dims else 1
        if t.data_type in floats and n > 1:
            total += n
            for op, i in sorted(readers.get(name, ()))[:1]:  # (a tensor read by several inputs: its first reader's)
                groups[(stored, op, i)] = groups.get((stored, op, i), 0) + n
    return total, groups


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", default="/work/zoo/reference.json", help="crosscheck_torch.py's reference.json")
    ap.add_argument("--only", action="append", default=[], help="this model only (repeatable)")
    ap.add_argument("--kinds", default=",".join(KINDS), help="slim, sim (comma-separated)")
    args = ap.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    models = [m for m in json.loads(Path(args.reference).read_text())["models"] if not args.only or m["name"] in args.only]
    rows, explain, bad = [], [], 0
    with tempfile.TemporaryDirectory(prefix="dscost-simplify-") as tmp:
        for m in models:
            for kind in kinds:
                out = Path(tmp) / f"{m['name']}.{kind}.onnx"
                why = simplify(kind, m["onnx"], out)
                got = why or counts(out)
                if isinstance(got, str):
                    rows.append((m["name"], kind, got, "", "", "", ""))
                    bad += not why  # (a simplifier's failure is its own; dscost refusing its file is not)
                    continue
                macs, params, uncounted = got
                file_params, groups = float_tensors(out)
                bad += macs != m["torch_macs"] or uncounted > 0
                diff = params - file_params
                rows.append((m["name"], kind, f"{m['torch_macs']:,}", f"{macs - m['torch_macs']:+,}", f"{params:,}", f"{diff:+,}", str(uncounted)))
                if diff:
                    explain.append((m["name"], kind, diff, groups))
                print(f"{m['name']:32s} {kind:5s} MACs {macs - m['torch_macs']:+,}  params vs file {diff:+,}  uncounted {uncounted}", file=sys.stderr, flush=True)
    head = ("model", "simplifier", "torch MACs", "dscost - torch", "dscost params + buffers", "vs the file's float tensors", "uncounted")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    for name, kind, diff, groups in explain:
        print(f"\n{name} ({kind}): params + buffers {diff:+,} against the file's float tensors; their elements by where they are stored and what reads them:")
        for (stored, op, i), n in sorted(groups.items(), key=lambda g: g[1]):
            print(f"  {n:>12,}  {stored} -> {op} input {i}")
    same = sum(1 for r in rows if r[3] == "+0" and r[6] == "0")
    print(f"\n{len(rows)} simplified files: MACs equal torch's with nothing uncounted on {same}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
