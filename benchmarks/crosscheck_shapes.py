"""Cross-check every layer's output shape against onnxruntime's run of the same file.

dscost counts from shapes: a MatMul's MACs are its output's elements times its inner dimension,
a Conv's its output map times its kernel.  Where onnx's shape inference and a runtime disagree (a
pool with ``ceil_mode``, a size the file declares at the one it was exported at), every count
after it would be off with nothing said.  This script asks the runtime itself: for each ONNX
file given it

1. counts the file with ``dscost.analyze`` (the layers, their output shapes, the inputs assumed);
2. makes the first output of every node of the main graph a graph output, and runs the file in
   onnxruntime (optimizations off, so no node is fused away) on random inputs of those shapes
   (normal floats, zeros for integers: :func:`dscost.runtime.feeds_for`);
3. compares each counted layer's output shape with the shape onnxruntime produced.

Each file runs in a child process (``--timeout`` seconds; a crash or a hang is listed, not fatal).
Verdicts: ``same`` (every counted layer's shape is the runtime's), ``DIFFERENT`` (some are not:
the first few are printed), ``ort fails`` (onnxruntime cannot run the file at these shapes), or
the reason it was not compared.  Exit 1 when a file is DIFFERENT.

    python benchmarks/crosscheck_shapes.py /work/zoo/*.onnx [--timeout 300] [--json rows.json]
    python benchmarks/crosscheck_shapes.py resized/*.onnx --input-shape input=1x3x288x288
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def one(path: str, shapes: dict[str, str], dims: dict[str, int]) -> dict:
    """Compare one file (at ``--input-shape``/``--dim``); the result as a dict (run in a child process)."""
    import numpy as np
    import onnx
    from onnx import helper

    import dscost
    from dscost import runtime
    from dscost.errors import InputError

    try:
        a = dscost.analyze(path, input_shape=shapes or None, dims=dims or None)
    except InputError as err:
        return {"verdict": "dscost refuses", "why": str(err)}
    counted = {layer.name: tuple(layer.output_shape) for layer in a.layers if layer.output_shape}
    model = runtime.load_onnx(path)  # (its nodes named as dscost names its layers)
    try:
        types = onnx.shape_inference.infer_shapes(model, strict_mode=False)
        elem = {vi.name: vi.type.tensor_type.elem_type for vi in (*types.graph.value_info, *types.graph.output) if vi.type.HasField("tensor_type")}
    except Exception:
        elem = {}
    firsts = {node.name: node.output[0] for node in model.graph.node if node.output and node.output[0]}
    present = {o.name for o in model.graph.output}
    wanted = {firsts[n] for n in counted if n in firsts and firsts[n] not in present and elem.get(firsts[n])}
    model.graph.output.extend(helper.make_tensor_value_info(t, elem[t], None) for t in sorted(wanted))
    for vi in model.graph.value_info:  # (what the runtime computes, not what the file declares)
        vi.type.tensor_type.ClearField("shape")
    for vi in model.graph.output:
        vi.type.tensor_type.ClearField("shape")
    try:
        sess = runtime.make_session(model, path, threads=2, optimization="none")
        names = [o.name for o in sess.get_outputs()]
        outs = runtime.run(sess, runtime.feeds_for(a.model.inputs, path, values=a.model.input_values), path)
    except InputError as err:
        return {"verdict": "ort fails", "why": str(err)[:300], "uncounted": len(a.model.uncounted)}
    got = {n: tuple(np.shape(v)) for n, v in zip(names, outs)}
    compared, differ = 0, []
    for name, shape in counted.items():
        t = firsts.get(name)
        if t is None or t not in got:
            continue
        compared += 1
        if got[t] != shape:
            differ.append(f"{name}: dscost {'x'.join(map(str, shape))}, onnxruntime {'x'.join(map(str, got[t]))}")
    return {"verdict": "DIFFERENT" if differ else "same", "layers": len(counted), "compared": compared, "differ": differ[:5],
            "n_differ": len(differ), "uncounted": len(a.model.uncounted)}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--input-shape", action="append", default=[], help="NAME=1x3x288x288, as dscost analyze takes it")
    ap.add_argument("--dim", action="append", default=[], help="NAME=N, as dscost analyze takes it")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--json", help="write the rows here")
    args = ap.parse_args()
    shapes = dict(x.split("=", 1) for x in args.input_shape)
    dims = {k: int(v) for k, v in (x.split("=", 1) for x in args.dim)}
    if args.one:
        print(json.dumps(one(args.one, shapes, dims)))
        return 0
    options = [f"--input-shape={x}" for x in args.input_shape] + [f"--dim={x}" for x in args.dim]
    rows = []
    for f in args.files:
        try:
            r = subprocess.run([sys.executable, __file__, "--one", f, *options], capture_output=True, text=True, timeout=args.timeout)
            row = json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 and r.stdout.strip() else {"verdict": f"crashed ({r.returncode})", "why": r.stderr.strip()[-300:]}
        except subprocess.TimeoutExpired:
            row = {"verdict": f"over {args.timeout:.0f} s"}
        row["file"] = f
        rows.append(row)
        extra = f"{row.get('compared', 0)}/{row.get('layers', 0)} layers" if "compared" in row else row.get("why", "")[:150]
        print(f"{row['verdict']:<16} {Path(f).name[:48]:<48} {extra}", flush=True)
        for d in row.get("differ", []):
            print(f"    {d}", flush=True)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
    print("\n" + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + f"; layers compared: {sum(r.get('compared', 0) for r in rows):,}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 1 if counts.get("DIFFERENT") else 0


if __name__ == "__main__":
    sys.exit(main())
