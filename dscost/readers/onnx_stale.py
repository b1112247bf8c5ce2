"""A Slice's, Tile's or Expand's declared output against what its constant inputs make of its input.

Their outputs come from the values of small integer constants (starts, ends, axes, steps;
repeats), which no handler sees.  A file shape-inferred at one batch or size whose input was then
edited still declares the old sizes after them, and every op after them agrees with those (a
YOLO-style Focus layer: four Slices, a Concat, a Conv).  :func:`stale_slices` marks such a node as
one that cannot run as declared, so that the reader reads the file again with its declared shapes
forgotten (:func:`dscost.readers.onnx_reader.read_onnx`).  Nothing here imports onnx.
"""

from __future__ import annotations


from dscost.cost import broadcast_shape
from dscost.readers.onnx_eval import small_numbers, standard_domain
from dscost.readers.onnx_node import CANNOT_RUN

OPS = ("Slice", "Tile", "Expand")
MAX_VALUES = 64  # a constant of more integers is not one of these ops' operands


def _ints(t) -> list[int] | None:
    """The values of a small int32/int64 TensorProto whose data the stripped copy kept, else None."""
    return small_numbers(t, (6, 7), MAX_VALUES)


def _constants(graph, names: set[str]) -> dict[str, list[int]]:
    """The integer values of the initializers and Constant nodes named in ``names``, and of a
    ConstantOfShape of a constant length (an Expand's shape of ones, as torch exports it)."""
    filled = {n.output[0]: n.input[0] for n in graph.node if n.op_type == "ConstantOfShape" and n.input and n.output and n.output[0] in names}
    need = names | set(filled.values())
    found = {t.name: v for t in graph.initializer if t.name in need and (v := _ints(t)) is not None}
    for node in graph.node:
        if not node.output or standard_domain(node) not in ("", "ai.onnx"):
            continue
        if node.op_type == "Constant" and node.output[0] in need:
            for a in node.attribute:
                v = _ints(a.t) if a.name == "value" else list(a.ints) if a.name == "value_ints" else None
                if v is not None:
                    found[node.output[0]] = v
        elif node.op_type == "ConstantOfShape" and node.input and (n := found.get(node.input[0])) is not None and len(n) == 1 and 0 <= n[0] <= MAX_VALUES:
            fill = next((_ints(a.t) for a in node.attribute if a.name == "value"), None)
            if fill is not None and len(fill) == 1:
                found[node.output[0]] = fill * n[0]
    return {t: v for t, v in found.items() if t in names}


def slice_shape(x: tuple, starts: list[int], ends: list[int], axes: list[int] | None, steps: list[int] | None) -> tuple[int, ...] | None:
    """ONNX Slice's output shape: per axis, start and end from the end when negative, clamped to
    [0, d] (a negative step: start to [0, d - 1], end to [-1, d - 1]), ceil((end - start) / step)
    elements, at least 0.  None when the operands do not fit."""
    r, n = len(x), len(starts)
    axes = list(range(n)) if axes is None else axes
    steps = [1] * n if steps is None else steps
    if not len(ends) == len(axes) == len(steps) == n or 0 in steps:
        return None
    out = list(x)
    for s, e, a, step in zip(starts, ends, axes, steps):
        a = a + r if a < 0 else a
        if not 0 <= a < r:
            return None
        d = x[a]
        s, e = (s + d if s < 0 else s), (e + d if e < 0 else e)
        lo, hi = (0, d) if step > 0 else (-1, d - 1)
        s, e = min(max(s, 0), hi), min(max(e, lo), hi)
        out[a] = max(0, -(-(e - s) // step))
    return tuple(out)


def _broadcast(a: tuple, b: tuple) -> tuple[int, ...] | None:
    """cost.broadcast_shape, None when the shapes do not broadcast."""
    try:
        return broadcast_shape(a, b)
    except ValueError:
        return None


def stale_slices(graph, shapes: dict, bad: dict[str, str]) -> None:
    """Add to ``bad`` (a node's first output -> why it cannot run) each Slice, Tile or Expand whose
    declared output is not what its constant operands make of its input."""
    nodes = [n for n in graph.node if n.op_type in OPS and n.input and n.output and standard_domain(n) in ("", "ai.onnx")]
    if not nodes:
        return
    values = _constants(graph, {i for n in nodes for i in n.input[1:] if i})
    for node in nodes:
        x, y = shapes.get(node.input[0]), shapes.get(node.output[0])
        if x is None or y is None:
            continue
        ins = [values.get(i) if i else None for i in node.input[1:]]
        if node.op_type == "Tile":
            reps = ins[0] if ins else None
            want = tuple(d * k for d, k in zip(x, reps)) if reps is not None and len(reps) == len(x) else None
        elif node.op_type == "Expand":  # numpy's broadcast of the input and the shape
            want = _broadcast(tuple(x), tuple(ins[0])) if ins and ins[0] is not None else None  # (not broadcasting: onnx_refusals.cannot_expand's)
        elif len(node.input) == 1:  # (Slice-1: attributes)
            a = {at.name: list(at.ints) for at in node.attribute}
            want = slice_shape(tuple(x), a["starts"], a["ends"], a.get("axes"), None) if "starts" in a and "ends" in a else None
        else:  # data, starts, ends, [axes], [steps]: each given one must be known
            known = len(ins) >= 2 and all(v is not None for v, t in zip(ins, node.input[1:]) if t)
            pick = lambda k: ins[k] if len(ins) > k and node.input[k + 1] else None  # noqa: E731
            want = slice_shape(tuple(x), ins[0], ins[1], pick(2), pick(3)) if known else None
        if want is not None and tuple(y) != want:
            bad[node.output[0]] = f"cannot derive cost: its output is declared {tuple(y)}, its input {tuple(x)} and constants give {want}: {CANNOT_RUN}"
