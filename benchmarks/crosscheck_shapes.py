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

``--random N [--seed S]``: N random one-node graphs instead of files (Conv, ConvTranspose, pools,
Resize, MatMul, Gemm, Add, Einsum, Reshape, Slice, Pad, Expand, Tile, Concat; random ranks,
shapes and attributes), one table by op: ``same``; ``DIFFERENT`` (exit 1); ``ort off-spec``
(onnxruntime's MaxPool sizes auto_pad SAME without the dilation; dscost keeps the spec's
ceil(in / stride)); and the graphs onnxruntime or dscost refuses (an invalid graph, or one
onnxruntime does not implement: a pad at least the kernel, a dilated Conv with auto_pad SAME).
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
    from dscost.runtime import load_onnx

    try:
        a = dscost.analyze(path, input_shape=shapes or None, dims=dims or None)
    except InputError as err:
        return {"verdict": "dscost refuses", "why": str(err)}
    counted = {layer.name: tuple(layer.output_shape) for layer in a.layers if layer.output_shape}
    model = load_onnx(path)  # (its nodes named as dscost names its layers)
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


def random_resize(rng):
    """A Resize (opset 19) of a random 4-D input by scales or sizes, on all axes or the spatial
    ones, with a keep_aspect_ratio_policy, mode and coordinate mode at random: (model, op)."""
    import numpy as np
    from onnx import helper, numpy_helper

    x = [1, int(rng.integers(1, 4)), int(rng.integers(1, 20)), int(rng.integers(1, 20))]
    attrs: dict = {"mode": str(rng.choice(["nearest", "linear", "cubic"])),
                   "coordinate_transformation_mode": str(rng.choice(["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"]))}  # fmt: skip
    spatial = rng.random() < 0.5
    if spatial:
        attrs["axes"] = [2, 3]
    n = 2 if spatial else 4
    inits = [numpy_helper.from_array(np.array([], np.float32), "roi")]
    if rng.random() < 0.5:
        scales = [1.0] * (n - 2) + [float(np.round(rng.uniform(0.2, 3.5), 3)) for _ in range(2)]
        inits.append(numpy_helper.from_array(np.array(scales, np.float32), "scales"))
        ins = ["x", "roi", "scales"]
    else:
        sizes = x[:2][: n - 2] + [int(rng.integers(1, 40)) for _ in range(2)]
        inits.append(numpy_helper.from_array(np.array(sizes, np.int64), "sizes"))
        ins = ["x", "roi", "", "sizes"]
        attrs["keep_aspect_ratio_policy"] = str(rng.choice(["stretch", "not_larger", "not_smaller"]))
    node = helper.make_node("Resize", ins, ["y"], name="n", **attrs)
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", 1, x)], [helper.make_tensor_value_info("y", 1, None)], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 19)], ir_version=9), "Resize"


def random_misc(rng):
    """A MatMul, Gemm, broadcasting Add, Einsum, Reshape, Slice, Pad, Expand, Tile or Concat of random
    shapes and arguments (constants), on a random input: (model, op)."""
    import numpy as np
    from onnx import helper, numpy_helper

    op = str(rng.choice(["MatMul", "Gemm", "Add", "Einsum", "Reshape", "Slice", "Pad", "Expand", "Tile", "Concat"]))
    dim = lambda: int(rng.integers(1, 6))  # noqa: E731
    x = [dim() for _ in range(int(rng.integers(1, 5)))]
    inits, ins, attrs = [], ["x"], {}

    def const(name, value, dtype=np.float32):
        inits.append(numpy_helper.from_array(np.asarray(value, dtype), name))
        ins.append(name)

    def zeros(shape):
        const(f"c{len(inits)}", np.zeros(shape))

    if op == "MatMul":
        other = [int(rng.choice([1, d])) if rng.random() < 0.3 else d for d in x[:-2]] if rng.random() < 0.7 else []
        zeros([*other, x[-1], dim()] if rng.random() < 0.8 else [x[-1]])
    elif op == "Gemm":
        x = x[:2] if len(x) >= 2 else [dim(), x[0]]
        attrs = {"transA": int(rng.integers(0, 2)), "transB": int(rng.integers(0, 2))}
        k, n = (x[0] if attrs["transA"] else x[1]), dim()
        zeros([n, k] if attrs["transB"] else [k, n])
        if rng.random() < 0.5:
            zeros([[n], [1, n], []][int(rng.integers(0, 3))])
    elif op == "Add":
        zeros([int(rng.choice([1, d, dim()])) for d in x[int(rng.integers(0, len(x) + 1)):]])
    elif op == "Einsum":
        x = [dim(), dim(), dim()]
        eq, other = [("bij,bjk->bik", [x[0], x[2], dim()]), ("bij,jk->bik", [x[2], dim()]), ("bij->bji", None), ("bij,bij->b", list(x)),
                     ("bij,kj->bik", [dim(), x[2]]), ("...j,jk->...k", [x[2], dim()])][int(rng.integers(0, 6))]  # fmt: skip
        attrs = {"equation": eq}
        if other is not None:
            zeros(other)
    elif op == "Reshape":
        n = int(np.prod(x))
        target = [int(rng.choice([0, -1, 1, n, 2, 3])) for _ in range(int(rng.integers(1, 4)))]
        const("shape", target, np.int64)
        if rng.random() < 0.3:
            attrs = {"allowzero": 0}
    elif op == "Slice":
        r = len(x)
        axes = sorted(rng.choice(r, size=int(rng.integers(1, r + 1)), replace=False).tolist())
        const("starts", [int(rng.integers(-6, 6)) for _ in axes], np.int64)
        const("ends", [int(rng.choice([rng.integers(-6, 7), 2**62, -(2**62)])) for _ in axes], np.int64)
        const("axes", axes, np.int64)
        const("steps", [int(rng.choice([1, 1, 2, -1, -2])) for _ in axes], np.int64)
    elif op == "Pad":
        attrs = {"mode": str(rng.choice(["constant", "reflect", "edge", "wrap"]))}
        const("pads", [int(rng.integers(-1, 3)) for _ in range(2 * len(x))], np.int64)
    elif op == "Expand":
        const("shape", [int(rng.choice([1, d, dim()])) for d in x] if rng.random() < 0.7 else [dim(), *x], np.int64)
    elif op == "Tile":
        const("repeats", [int(rng.integers(1, 4)) for _ in x], np.int64)
    else:  # Concat
        axis = int(rng.integers(-len(x), len(x)))
        zeros([dim() if i == axis % len(x) else d for i, d in enumerate(x)])
        attrs = {"axis": axis}
    node = helper.make_node(op, ins, ["y"], name="n", **attrs)
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", 1, x)], [helper.make_tensor_value_info("y", 1, None)], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 19)], ir_version=9), op


def random_layout(rng):
    """A DepthToSpace, SpaceToDepth, MaxUnpool, GridSample, DeformConv, Col2Im, CenterCropPad, Split,
    TopK, ReduceMean, Flatten, Upsample (opset 9) or LRN of random shapes and attributes: (model, op)."""
    import numpy as np
    from onnx import helper, numpy_helper

    op = str(rng.choice(["DepthToSpace", "SpaceToDepth", "MaxUnpool", "GridSample", "DeformConv", "Col2Im", "CenterCropPad", "Split", "TopK",
                         "ReduceMean", "Flatten", "Upsample", "LRN"]))  # fmt: skip
    dim = lambda lo=1, hi=9: int(rng.integers(lo, hi))  # noqa: E731
    inits, ins, attrs, outs, opset = [], ["x"], {}, ["y"], 19
    x = [1, dim(1, 5), dim(), dim()]

    def const(name, value, dtype=np.float32):
        inits.append(numpy_helper.from_array(np.asarray(value, dtype), name))
        ins.append(name)

    if op in ("DepthToSpace", "SpaceToDepth"):
        b = dim(1, 4)
        attrs["blocksize"] = b
        if op == "DepthToSpace":
            x[1] = b * b * dim(1, 3) if rng.random() < 0.9 else dim(1, 9)
            attrs["mode"] = str(rng.choice(["DCR", "CRD"]))
        elif rng.random() < 0.9:
            x[2], x[3] = b * dim(1, 5), b * dim(1, 5)
    elif op == "MaxUnpool":
        k = [dim(1, 4), dim(1, 4)]
        attrs = {"kernel_shape": k, "strides": [dim(1, 4), dim(1, 4)]}
        if rng.random() < 0.5:
            attrs["pads"] = [dim(0, 2) for _ in range(4)]
        const("i", np.zeros(x), np.int64)
        if rng.random() < 0.4:
            const("shape", [x[0], x[1], dim(1, 30), dim(1, 30)], np.int64)
    elif op == "GridSample":
        const("grid", np.zeros([x[0], dim(), dim(), 2]))
        attrs = {"mode": str(rng.choice(["bilinear", "nearest", "bicubic"])), "align_corners": dim(0, 2)}  # (GridSample-16's names)
    elif op == "DeformConv":
        r, cin = 2, x[1]
        k, s, d = [dim(1, 4), dim(1, 4)], [dim(1, 3), dim(1, 3)], [dim(1, 3), dim(1, 3)]
        p = [dim(0, 3) for _ in range(4)]
        out = [(x[2 + i] + p[i] + p[2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(r)]
        if min(out) < 1:
            p = [k[0] * d[0], k[1] * d[1]] * 2
            out = [(x[2 + i] + p[i] + p[2 + i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(r)]
        const("w", np.zeros([dim(1, 5), cin, *k]))
        const("offset", np.zeros([x[0], 2 * k[0] * k[1], *out]))
        attrs = {"kernel_shape": k, "strides": s, "dilations": d, "pads": p}
    elif op == "Col2Im":
        block = [dim(1, 4), dim(1, 4)]
        image = [dim(block[0], 12), dim(block[1], 12)]
        n_blocks = (image[0] - block[0] + 1) * (image[1] - block[1] + 1)
        x = [1, dim(1, 3) * block[0] * block[1], n_blocks]
        const("image", image, np.int64)
        const("block", block, np.int64)
    elif op == "CenterCropPad":
        const("shape", [dim(1, 12), dim(1, 12)], np.int64)
        attrs = {"axes": [2, 3]}
    elif op == "Split":
        axis = dim(0, 4)
        attrs = {"axis": axis, "num_outputs": dim(2, 4)}
        outs = ["y"] + [f"y{i}" for i in range(1, attrs["num_outputs"])]
    elif op == "TopK":
        axis = dim(0, 4)
        const("k", [dim(1, x[axis] + 1)], np.int64)
        attrs = {"axis": axis}
        outs = ["y", "idx"]
    elif op == "ReduceMean":
        axes = sorted(set(int(a) for a in rng.integers(-4, 4, size=dim(1, 3))))
        const("axes", axes, np.int64)
        attrs = {"keepdims": dim(0, 2)}
    elif op == "Flatten":
        attrs = {"axis": dim(-4, 5)}
    elif op == "Upsample":
        opset = 9
        const("scales", [1.0, 1.0, *(float(np.round(rng.uniform(1.0, 3.5), 2)) for _ in range(2))])
    else:  # LRN
        attrs = {"size": dim(1, 6)}
    node = helper.make_node(op, ins, outs, name="n", **attrs)
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", 1, x)], [helper.make_tensor_value_info(o, 7 if o == "idx" else 1, None) for o in outs], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], ir_version=9 if opset > 9 else 4), op


def random_node(rng):
    """One Conv, ConvTranspose, pool or Resize of random rank and attributes, or a node of
    :func:`random_misc`, on a random input: (model, op)."""
    import numpy as np
    from onnx import helper, numpy_helper

    op = rng.choice(["Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool", "Resize", "other"])
    if op == "Resize":
        return random_resize(rng)
    if op == "other":
        return random_misc(rng)
    r = rng.choice([1, 2, 2, 3])
    cin = int(rng.choice([2, 4]))
    x = [1, cin, *(int(rng.integers(1, 12)) for _ in range(r))]
    k = [int(rng.integers(1, 5)) for _ in range(r)]
    attrs: dict = {"kernel_shape": k} if op not in ("Conv", "ConvTranspose") or rng.random() < 0.5 else {}
    if rng.random() < 0.7:
        attrs["strides"] = [int(rng.integers(1, 4)) for _ in range(r)]
    if op != "AveragePool" and op != "LpPool" and rng.random() < 0.4:
        attrs["dilations"] = [int(rng.integers(1, 3)) for _ in range(r)]
    mode = rng.choice(["NOTSET", "NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"])
    if mode != "NOTSET":
        attrs["auto_pad"] = mode
    elif rng.random() < 0.7:
        attrs["pads"] = [int(rng.integers(0, 3)) for _ in range(2 * r)]
    if op in ("MaxPool", "AveragePool", "LpPool") and rng.random() < 0.5:
        attrs["ceil_mode"] = 1
    if op == "AveragePool" and rng.random() < 0.5:
        attrs["count_include_pad"] = 1
    inits, ins = [], ["x"]
    if op in ("Conv", "ConvTranspose"):
        group = int(rng.choice([1, cin]))
        cout = int(rng.choice([2, 4, 6])) if group == 1 else cin
        if group > 1:
            attrs["group"] = group
        w = [cin, cout // group, *k] if op == "ConvTranspose" else [cout, cin // group, *k]
        inits.append(numpy_helper.from_array(np.zeros(w, np.float32), "w"))
        ins.append("w")
        if op == "ConvTranspose" and rng.random() < 0.4:
            stride = attrs.get("strides", [1] * r)
            attrs["output_padding"] = [int(rng.integers(0, s)) for s in stride]
    else:
        attrs["kernel_shape"] = k
    node = helper.make_node(op, ins, ["y"], name="n", **attrs)
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", 1, x)], [helper.make_tensor_value_info("y", 1, None)], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 19)], ir_version=9), op


def random_cases(n: int, seed: int, layout: bool = False) -> int:
    """``n`` random one-node graphs: dscost's output shape against onnxruntime's; prints a table."""
    import tempfile

    import numpy as np
    import onnxruntime as ort

    import dscost
    from dscost.errors import InputError

    rng = np.random.default_rng(seed)
    tally: dict[str, dict[str, int]] = {}
    bad = []
    so = ort.SessionOptions()
    so.log_severity_level = 3
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.onnx"
        for i in range(n):
            model, op = random_layout(rng) if layout else random_node(rng)
            path.write_bytes(model.SerializeToString())
            t = tally.setdefault(op, {"same": 0, "DIFFERENT": 0, "ort off-spec": 0, "ort fails, dscost uncounted": 0, "ort fails, dscost counts": 0,
                                      "ort runs, dscost uncounted": 0, "both refuse": 0})  # fmt: skip
            x = tuple(d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim)
            try:
                got = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"]).run(None, {"x": np.zeros(x, np.float32)})[0].shape
            except Exception:
                got = None
            try:
                a = dscost.analyze(str(path))
                shape = a.layers[0].output_shape if a.layers else None
            except InputError:
                a, shape = None, None
            if got is None:
                key = "both refuse" if a is None else ("ort fails, dscost counts" if shape and not a.model.uncounted else "ort fails, dscost uncounted")
            elif shape is None or (a is not None and a.model.uncounted):
                key = "ort runs, dscost uncounted"
            else:
                key = "same" if tuple(got) == tuple(shape) else "DIFFERENT"
                attrs = {at.name: at for at in model.graph.node[0].attribute}
                if key == "DIFFERENT" and op == "MaxPool" and attrs.get("auto_pad", None) is not None and attrs["auto_pad"].s.startswith(b"SAME") \
                        and max(attrs["dilations"].ints if "dilations" in attrs else [1]) > 1:  # fmt: skip
                    key = "ort off-spec"  # (its MaxPool sizes auto_pad SAME without the dilation; dscost: ceil(in / stride), the spec's)
            t[key] += 1
            if key in ("DIFFERENT", "ort runs, dscost uncounted") and len(bad) < 16:
                node = model.graph.node[0]
                attrs = {at.name: list(at.ints) if at.ints else (at.i if at.type == 2 else at.s.decode()) for at in node.attribute}
                bad.append(f"{key}: {op} x={x} {attrs}: dscost {shape}, onnxruntime {tuple(got) if got is not None else 'fails'}")
    keys = list(next(iter(tally.values())))
    print("| op | " + " | ".join(keys) + " |\n|---|" + "---:|" * len(keys))
    for op, t in sorted(tally.items()):
        print(f"| {op} | " + " | ".join(str(t[k]) for k in keys) + " |")
    for b in bad:
        print("   ", b)
    return 1 if any(t["DIFFERENT"] for t in tally.values()) else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--input-shape", action="append", default=[], help="NAME=1x3x288x288, as dscost analyze takes it")
    ap.add_argument("--dim", action="append", default=[], help="NAME=N, as dscost analyze takes it")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--json", help="write the rows here")
    ap.add_argument("--random", type=int, default=0, help="instead of files: this many random one-node graphs (Conv, ConvTranspose, pools, Resize)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--layout", action="store_true", help="with --random: the ops of random_layout instead (DepthToSpace, MaxUnpool, GridSample, DeformConv, ...)")
    args = ap.parse_args()
    if args.random:
        return random_cases(args.random, args.seed, args.layout)
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
