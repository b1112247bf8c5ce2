"""Shapes of every tensor of an ONNX graph: input shapes, onnx's shape inference,
and folding of the small integer tensors that shapes are computed from.

* :func:`input_shape` -- the concrete shape of a graph input: an
  ``--input-shape`` override, else its declared dims with a symbolic batch
  dimension set to 1; any other unresolved dimension is an error that names
  the input and suggests a shape of its own rank.  The reader and the
  onnxruntime runs (bench, convert) both use it.
* :func:`infer` -- ``onnx.shape_inference.infer_shapes`` with data
  propagation, then folding of the shape arithmetic it leaves open, repeated
  while something changes.
"""

from __future__ import annotations

from math import prod
from pathlib import Path

from dscost.errors import InputError
from dscost.layers import Shape
from dscost.readers.onnx_wire import INT_TYPES

FOLD_ROUNDS = 4


def static_shape(type_proto) -> Shape | None:
    """Concrete shape of a tensor type, None if the rank or any dim is unknown."""
    if not type_proto.HasField("tensor_type") or not type_proto.tensor_type.HasField("shape"):
        return None
    out = []
    for d in type_proto.tensor_type.shape.dim:
        if d.HasField("dim_value") and d.dim_value >= 0:
            out.append(d.dim_value)
        else:
            return None
    return tuple(out)


def _example(vi) -> str:
    """An --input-shape value of the input's own rank: known dims kept, batch 1,
    other unknown dims 224 for an image-like (rank 4/5) input, else 128."""
    dims = vi.type.tensor_type.shape.dim
    rank = len(dims)
    guess = {4: (1, 3, 224, 224), 5: (1, 3, 16, 112, 112)}.get(rank)
    out = []
    for i, d in enumerate(dims):
        if d.HasField("dim_value") and d.dim_value > 0:
            out.append(d.dim_value)
        else:
            out.append(1 if i == 0 else guess[i] if guess else 128)
    return "x".join(map(str, out)) if out else "1x3x224x224"


def _symbolic_names(vi) -> str:
    named = [f"{i} {d.dim_param!r}" for i, d in enumerate(vi.type.tensor_type.shape.dim) if not d.HasField("dim_value") and d.dim_param]
    return f" (symbolic: dim {', dim '.join(named)})" if named else ""


def input_shape(vi, override: tuple[int, ...] | None, label: str | Path) -> tuple[tuple[int, ...], str | None]:
    """(shape, note or None) of graph input ``vi`` (a ValueInfoProto); InputError naming ``label``."""
    name = vi.name
    if override is not None:
        shape = tuple(int(v) for v in override)
        given = f"--input-shape {name}={'x'.join(map(str, shape))}"
        if any(v <= 0 for v in shape):
            raise InputError(f"{label}: {given}: dimensions must be positive")
        tt = vi.type.tensor_type
        declared = tt.shape.dim if vi.type.HasField("tensor_type") and tt.HasField("shape") else None
        note = None
        if declared is not None:
            if len(declared) != len(shape):
                raise InputError(f"{label}: {given}: the model declares input {name!r} with {len(declared)} dimensions, not {len(shape)}")
            fixed = [f"{i} ({d.dim_value} -> {v})" for i, (d, v) in enumerate(zip(declared, shape)) if d.HasField("dim_value") and 0 < d.dim_value != v]
            if fixed:
                note = f"{given} overrides fixed dimension(s) {', '.join(fixed)} of input {name!r}; layers whose shapes no longer fit are listed as uncounted"
        return shape, note
    if not vi.type.HasField("tensor_type"):
        raise InputError(f"{label}: input {name!r} is not a tensor")
    tt = vi.type.tensor_type
    if not tt.HasField("shape"):
        raise InputError(f"{label}: input {name!r} has no shape; set it with --input-shape {name}=1x3x224x224")
    shape = []
    note = None
    for i, d in enumerate(tt.shape.dim):
        if d.HasField("dim_value") and d.dim_value > 0:
            shape.append(d.dim_value)
            continue
        hint = f"--input-shape {name}={_example(vi)}{_symbolic_names(vi)}"
        if d.HasField("dim_value"):
            raise InputError(f"{label}: input {name!r} has a zero-sized dimension {i}; set a real shape with {hint}")
        sym = d.dim_param or "?"
        if i == 0:
            shape.append(1)
            note = f"symbolic batch dimension {sym!r} of input {name!r} set to 1"
        else:
            raise InputError(f"{label}: input {name!r} has an unresolved dimension {i} ({sym!r}); set it with {hint}")
    return tuple(shape), note


def fix_inputs(graph, real_inputs: list, input_shapes: dict | None, path: Path, notes: list[str]) -> None:
    """Write the concrete shape of every real input into ``graph`` (overrides, symbolic batch -> 1)."""
    names = [vi.name for vi in real_inputs]
    overrides = dict(input_shapes or {})
    for key in overrides:
        if key not in names:
            raise InputError(f"{path}: --input-shape names {key!r}, which is not an input of the graph (inputs: {', '.join(names) or 'none'})")
    for vi in real_inputs:
        if vi.name not in overrides and not vi.type.HasField("tensor_type"):
            continue  # sequences, maps: left to shape inference
        shape, note = input_shape(vi, overrides.get(vi.name), path)
        if note:
            notes.append(note)
        tt = vi.type.tensor_type
        tt.shape.ClearField("dim")
        for v in shape:
            tt.shape.dim.add().dim_value = v


def _infer_once(mp, path: Path, onnx):
    try:
        return onnx.shape_inference.infer_shapes(mp, check_type=False, strict_mode=False, data_prop=True)
    except Exception as err:
        msg = str(err).strip().splitlines()
        raise InputError(f"{path}: shape inference failed: {msg[-1] if msg else type(err).__name__}") from None


def infer(mp, path: Path, onnx):
    """The shape-inferred model; shape arithmetic that onnx's data propagation leaves open
    (Div, Cast, Mod...) is folded into small initializers of ``mp`` and inference repeated."""
    inferred = _infer_once(mp, path, onnx)
    for _ in range(FOLD_ROUNDS):
        if not _fold_shape_values(mp, inferred.graph):
            break
        inferred = _infer_once(mp, path, onnx)
    return inferred


# --------------------------------------------------------------------------
# Shape arithmetic that onnx's data propagation does not cover

FOLD_MAX_ELEMENTS = 64


def _fold_shape_values(mp, g) -> bool:
    """Evaluate small integer tensors computed from shapes (Shape -> Gather -> Div -> Cast ->
    Concat, as PyTorch exports attention heads) and feed each one that a node with an unknown
    output shape reads as a new small initializer, so the next shape inference resolves it.
    ``mp`` is the graph being inferred (changed in place), ``g`` its last inferred graph.
    Returns whether anything changed."""
    import numpy as np
    from onnx import numpy_helper

    shapes: dict[str, Shape | None] = {}
    for coll in (g.input, g.value_info, g.output):
        for vi in coll:
            shapes[vi.name] = static_shape(vi.type)
    for t in g.initializer:
        shapes[t.name] = tuple(t.dims)
    open_nodes = [i for i, n in enumerate(g.node) if any(o and shapes.get(o) is None for o in n.output)]
    if not open_nodes:
        return False
    vals: dict[str, object] = {}
    for t in g.initializer:
        if t.data_type in INT_TYPES and prod(t.dims) <= FOLD_MAX_ELEMENTS:
            try:
                arr = numpy_helper.to_array(t)
            except Exception:
                continue
            if arr.size == prod(t.dims):
                vals[t.name] = arr
    produced: dict[str, int] = {}  # folded node output -> ONNX data type
    for n in g.node:
        if n.domain not in ("", "ai.onnx"):
            continue
        try:
            out = _eval_int(n, vals, shapes, np, numpy_helper)
        except Exception:
            continue
        if out is None or out.dtype.kind not in "iu" or out.size > FOLD_MAX_ELEMENTS:
            continue
        vals[n.output[0]] = out
        produced[n.output[0]] = 6 if out.dtype == np.int32 else 7
    changed = False
    existing = {t.name for t in mp.graph.initializer}
    for i in open_nodes:
        node = mp.graph.node[i]
        for j, t in enumerate(node.input):
            if t in produced:
                folded = f"{t}::folded"
                if folded not in existing:
                    arr = vals[t].astype(np.int32 if produced[t] == 6 else np.int64)
                    mp.graph.initializer.append(numpy_helper.from_array(arr, folded))
                    existing.add(folded)
                node.input[j] = folded
                changed = True
    return changed


def _eval_int(n, vals: dict, shapes: dict, np, numpy_helper):
    """Value of a shape-arithmetic node's first output, or None."""
    op = n.op_type
    attrs = {a.name: a for a in n.attribute}
    if op == "Constant":
        if "value" in attrs and attrs["value"].t.data_type in INT_TYPES:
            return numpy_helper.to_array(attrs["value"].t)
        if "value_int" in attrs:
            return np.array(attrs["value_int"].i, dtype=np.int64)
        if "value_ints" in attrs:
            return np.array(list(attrs["value_ints"].ints), dtype=np.int64)
        return None
    if op in ("Shape", "Size"):
        s = shapes.get(n.input[0])
        if s is None:
            return None
        if op == "Size":
            return np.array(prod(s), dtype=np.int64)
        start = attrs["start"].i if "start" in attrs else 0
        end = attrs["end"].i if "end" in attrs else len(s)
        return np.array(s, dtype=np.int64)[start:end]
    ins = [vals.get(t) if t else None for t in n.input]
    present = [x for t, x in zip(n.input, ins) if t]
    if not present or any(x is None for x in present):
        return None
    a = ins[0]
    if op in ("Identity", "Cast"):
        to = attrs["to"].i if "to" in attrs else None
        if op == "Cast" and to not in INT_TYPES:
            return None
        return a.astype(np.int32 if to == 6 else np.int64) if op == "Cast" else a
    if op in ("Add", "Sub", "Mul", "Div", "Mod", "Max", "Min", "Equal"):
        b = ins[1]
        if op == "Div":
            return np.trunc(a / b).astype(np.result_type(a, b))
        if op == "Mod":
            return np.fmod(a, b) if "fmod" in attrs and attrs["fmod"].i else np.mod(a, b)
        return {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Max": np.maximum, "Min": np.minimum, "Equal": np.equal}[op](a, b)
    if op == "Neg":
        return -a
    if op == "Gather":
        return np.take(a, ins[1], axis=attrs["axis"].i if "axis" in attrs else 0)
    if op == "Concat":
        return np.concatenate([np.atleast_1d(x) for x in present], axis=attrs["axis"].i)
    if op in ("Unsqueeze", "Squeeze"):
        axes = list(ins[1]) if len(ins) > 1 and ins[1] is not None else list(attrs["axes"].ints) if "axes" in attrs else None
        if op == "Squeeze":
            return np.squeeze(a, axis=tuple(int(x) for x in axes) if axes is not None else None)
        rank = a.ndim + len(axes)
        for ax in sorted(int(x) % rank for x in axes):
            a = np.expand_dims(a, ax)
        return a
    if op == "Slice" and len(ins) >= 3:
        starts, ends = ins[1], ins[2]
        axes = ins[3] if len(ins) > 3 and ins[3] is not None else range(len(starts))
        steps = ins[4] if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
        index = [slice(None)] * a.ndim
        for st, en, ax, sp in zip(starts, ends, axes, steps):
            index[int(ax)] = slice(int(st), int(en), int(sp))
        return a[tuple(index)]
    if op == "Reshape":
        target = [a.shape[i] if v == 0 else int(v) for i, v in enumerate(ins[1])]
        return a.reshape(target)
    return None

