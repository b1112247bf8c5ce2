"""Output sizes onnx's inference gets other than the ONNX spec and onnxruntime, corrected after
:func:`dscost.readers.onnx_shapes.infer` (:func:`runtime_sizes`): a pool with ``ceil_mode`` whose
last window would start in the end padding (which the ONNX spec and PyTorch drop too); a
ConvTranspose with auto_pad SAME; a Resize by a scale whose product with the input size is just
short of an integer, which onnxruntime's float32 product rounds to; and a Resize whose declared
output is stale (:func:`stale_resizes`).  Each such node is declared at the runtime's size and
the graph inferred anew.  Split from onnx_shapes (2026-12-05), which folds constants.
"""

from __future__ import annotations

import struct
from math import prod

from dscost.cost import ceil_pool_out
from dscost.layers import Shape
from dscost.readers.handlers import few
from dscost.readers.onnx_eval import NONDETERMINISTIC, Evaluators, constant_value, fold_small, small_numbers, small_value, standard_domain
from dscost.readers.onnx_node import CANNOT_RUN, einsum_shape, einsum_sizes, node_attrs
from dscost.readers.onnx_shapes import Inferred
from dscost.readers.onnx_stale import stale_slices

POOLS = ("MaxPool", "AveragePool", "LpPool")
RUNTIME_ROUNDS = 16  # re-inferences at most: each settles the nodes whose inputs the last one fixed
SCALES_DEPTH = 8  # nodes of constants folded at most, back from a Resize's scales
SCALES_MAX = 8  # a Resize's scales are read from tensors of at most this many values (one per axis), never a hostile file's 10^8


def may_differ(data: bytes) -> bool:
    """Whether the (stripped) file may hold a node :func:`runtime_sizes` corrects or checks: a byte search."""
    return b"ceil_mode" in data or (b"ConvTranspose" in data and b"SAME_" in data) or any(op in data for op in (b"Resize", b"Upsample", b"Einsum", b"Slice", b"Tile", b"Expand"))


def _float32(v: float) -> float:
    """``v`` rounded to the nearest float32 (as a float32 multiplication rounds its exact product)."""
    return struct.unpack("<f", struct.pack("<f", v))[0]


def _float_values(t) -> list[float] | None:
    """The values of a small float32 TensorProto whose data the stripped copy kept, else None."""
    return small_numbers(t, (1,), SCALES_MAX)


class _Scales:
    """The values of a graph's small float32 tensors a Resize reads its scales from, on first use:
    initializers and Constant nodes; else what nodes of constants compute from them (a Concat of
    two Constants: the TorchScript exporter without constant folding), folded as :func:`dscost.readers.onnx_shapes._propagate`
    folds, at most :data:`SCALES_DEPTH` nodes deep."""

    def __init__(self, graph, opset_import):
        self.graph, self.opset_import = graph, opset_import
        self.values: dict[str, list[float] | None] | None = None
        self.arrays: dict | None = None  # (for folding: every tensor's value, None when unknown)

    def get(self, name: str) -> list[float] | None:
        if self.values is None:
            self.values = {t.name: v for t in self.graph.initializer if prod(t.dims) <= SCALES_MAX and (v := _float_values(t)) is not None}
            for n in self.graph.node:
                if n.op_type == "Constant" and n.output and standard_domain(n) in ("", "ai.onnx"):
                    for a in n.attribute:
                        v = (_float_values(a.t) if a.name == "value" and prod(a.t.dims) <= SCALES_MAX else
                             list(a.floats) if a.name == "value_floats" and len(a.floats) <= SCALES_MAX else None)  # fmt: skip
                        if v is not None:
                            self.values[n.output[0]] = v
        if name not in self.values:
            self.values[name] = self._folded(name)
        return self.values[name]

    def _folded(self, name: str) -> list[float] | None:
        import numpy as np
        from onnx import numpy_helper

        if self.arrays is None:
            self.arrays = {}
            self.inits = {t.name: t for t in self.graph.initializer}
            self.producers = {o: n for n in self.graph.node for o in n.output if o}
            self.evaluators = Evaluators(next((o.version for o in self.opset_import if o.domain in ("", "ai.onnx")), 1))
        v = self._value(name, 0, np, numpy_helper)
        return [float(x) for x in v.ravel()] if v is not None and v.dtype == np.float32 and 0 < v.size <= SCALES_MAX else None

    def _value(self, name: str, depth: int, np, numpy_helper):
        if name in self.arrays:
            return self.arrays[name]
        t, node, v = self.inits.get(name), self.producers.get(name), None
        if t is not None:
            v = small_value(t, np, numpy_helper)
        elif node is None or depth >= SCALES_DEPTH or standard_domain(node) not in ("", "ai.onnx") or node.op_type in NONDETERMINISTIC:
            pass
        elif node.op_type == "Constant":
            v = constant_value(node, np, numpy_helper)
        elif len(node.output) == 1 and not any(a.type in (5, 10) for a in node.attribute):  # (no subgraph)
            v = fold_small(node, [self._value(i, depth + 1, np, numpy_helper) if i else None for i in node.input], self.evaluators, np)
        self.arrays[name] = v
        return v


def _resized(node, x: Shape, y: Shape, scales: _Scales) -> Shape | None:
    """The output shape onnxruntime gives a Resize or Upsample by constant scales, when onnx's
    inference gives another.  Both sizes are scale x input size rounded down, but onnx multiplies
    exactly and onnxruntime (as PyTorch, in double) in float32: a product just short of an integer
    (15 x 1.8 = 26.99999928 with 1.8 as a float32) is that integer for the runtime, one less for onnx."""
    sizes = _scaled(node, x, scales)
    if sizes is None or any(y[i] != exact for i, (exact, _) in sizes.items()):  # (another size than onnx's: a declared one)
        return None
    out = tuple(sizes[i][1] if i in sizes else d for i, d in enumerate(x))
    return out if out != tuple(y) else None


def _scaled(node, x: Shape, scales: _Scales) -> dict[int, tuple[int, int]] | None:
    """A Resize's or Upsample's constant scales applied to ``x``: axis -> (onnx's size, scale x
    size exactly, rounded down; onnxruntime's, in float32), None when not known here."""
    ins = list(node.input)
    if len(ins) == 1:  # (Upsample-7: an attribute)
        values = next((list(a.floats) for a in node.attribute if a.name == "scales"), None)
    else:  # (Upsample-9, Resize-10: X, scales; Resize-11+: X, roi, scales, sizes -- scales unless sizes are given)
        sizes = ins[3] if len(ins) > 3 else ""
        name = ins[1] if len(ins) == 2 else "" if sizes else ins[2]
        values = scales.get(name) if name else None
    axes = next((list(a.ints) for a in node.attribute if a.name == "axes"), None) or list(range(len(x)))
    axes = [i + len(x) if i < 0 else i for i in axes]
    if not values or len(values) != len(axes) or len(set(axes)) != len(axes) or not all(0 <= i < len(x) for i in axes):
        return None
    out = {}
    for i, s in zip(axes, values):
        if not (0 < s < 1e30):
            return None
        try:
            out[i] = (int(x[i] * s), int(_float32(_float32(x[i]) * s)))  # (exact: two 24-bit significands)
        except OverflowError:
            return None
    return out


def stale_resizes(graph, inferred: Inferred, scales: _Scales) -> None:
    """A Resize or Upsample by constant scales whose declared output is neither size they give its
    input (a file inferred at another batch or size, then its input edited): a node that cannot
    run as declared (``inferred.bad``), which makes the reader infer the graph anew."""
    for node in graph.node:
        if node.op_type in ("Resize", "Upsample") and node.output and node.input and standard_domain(node) in ("", "ai.onnx"):
            x, y = inferred.shapes.get(node.input[0]), inferred.shapes.get(node.output[0])
            sizes = _scaled(node, x, scales) if x is not None and y is not None and len(x) == len(y) else None
            want = tuple(sizes[i][1] if i in sizes else d for i, d in enumerate(x)) if sizes is not None else None
            if want is not None and any(y[i] not in sizes.get(i, (d, d)) for i, d in enumerate(x)):
                inferred.bad[node.output[0]] = f"cannot derive cost: its output is declared {tuple(y)}, its input {tuple(x)} by its scales gives {want}: {CANNOT_RUN}"


def _einsum_size(node, shapes: dict, y) -> Shape | None:
    """The output shape of an Einsum, broadcast as numpy and onnxruntime broadcast its operands,
    when onnx's inference gives another (``bij,bjk->bik`` of [1, 4, 4] and [7, 4, 4]: onnx says
    [1, 4, 4], onnxruntime [7, 4, 4]); None when that is the same or not known."""
    operands = [shapes.get(t) for t in node.input]
    eq = node_attrs(node).get("equation", b"")
    eq = (eq.decode(errors="replace") if isinstance(eq, bytes) else str(eq)).replace(" ", "")
    if y is None or None in operands or len(eq.split("->")[0].split(",")) != len(operands):
        return None
    try:
        size = einsum_shape(*einsum_sizes(eq, operands))
    except (ValueError, KeyError):
        return None
    return size if size != tuple(y) else None


def _runtime_size(node, shapes: dict, scales: _Scales) -> Shape | None:
    """The output shape the ONNX spec and onnxruntime give ``node``, when onnx's inference gives
    another: a pool with ceil_mode (its last window dropped when it would start in the end
    padding; ceil(in / stride) with auto_pad SAME), a ConvTranspose with auto_pad SAME (in x
    stride whatever its output_padding, or the size without padding when that is less: onnxruntime
    pads by no negative amount), a Resize or Upsample by scales (:func:`_resized`), an Einsum
    whose operands broadcast a dimension of size 1 (onnx keeps the 1).  None: nothing to correct."""
    op = node.op_type
    if op not in (*POOLS, "ConvTranspose", "Resize", "Upsample", "Einsum") or standard_domain(node) not in ("", "ai.onnx") or not node.output or not node.input:
        return None
    x, y = shapes.get(node.input[0]), shapes.get(node.output[0])
    if op == "Einsum":
        return _einsum_size(node, shapes, y)
    if op in ("Resize", "Upsample"):
        return _resized(node, x, y, scales) if x is not None and y is not None and len(x) == len(y) else None
    if x is None or y is None or len(x) != len(y) or len(x) < 3:
        return None
    a = node_attrs(node)  # (not onnx.helper: a file whose pools all say ceil_mode=0 needs no more of onnx)
    r, mode = len(x) - 2, a.get("auto_pad", b"NOTSET")
    stride = tuple(a.get("strides") or (1,) * r)
    if len(stride) != r or min(stride) < 1:
        return None
    if op == "ConvTranspose":
        w = shapes.get(node.input[1]) if len(node.input) > 1 else None
        kernel, dilation, opad = tuple(a.get("kernel_shape") or (w or ())[2:]), tuple(a.get("dilations") or (1,) * r), tuple(a.get("output_padding") or (0,) * r)
        if mode not in (b"SAME_UPPER", b"SAME_LOWER") or "output_shape" in a or len(kernel) != r or len(dilation) != r or len(opad) != r:
            return None
        # in x stride; where that needs negative padding (a kernel smaller than the stride), the size with none
        out = tuple(min(n * s, s * (n - 1) + p + d * (k - 1) + 1) for n, s, p, d, k in zip(x[2:], stride, opad, dilation, kernel))
    else:
        kernel = tuple(a.get("kernel_shape", ()))
        dilation, pads = tuple(a.get("dilations") or (1,) * r), tuple(a.get("pads") or (0,) * 2 * r)
        if a.get("ceil_mode") != 1 or len(kernel) != r or len(dilation) != r:
            return None
        if mode in (b"SAME_UPPER", b"SAME_LOWER"):
            out = tuple(-(-n // s) for n, s in zip(x[2:], stride))
        elif mode in (b"", b"NOTSET", b"VALID") and len(pads) == 2 * r:
            pads = (0,) * 2 * r if mode == b"VALID" else pads
            sizes = [ceil_pool_out(x[2 + i], kernel[i], stride[i], dilation[i], pads[i], pads[r + i]) for i in range(r)]
            if tuple(y[2:]) != tuple(up for up, _ in sizes):  # (what onnx infers; another value is a declared one)
                return None
            out = tuple(run for _, run in sizes)
        else:
            return None
    if not all(isinstance(v, int) for v in (*stride, *kernel, *dilation, *out)):  # (a malformed file's float attributes)
        return None
    return None if tuple(y[2:]) == out or min(out) < 0 else (*y[:2], *out)


def runtime_sizes(graph, inferred: Inferred, infer, notes: list[str], opset_import=()) -> Inferred:
    """Nodes whose output onnx's shape inference sizes other than onnxruntime
    (:func:`_runtime_size`): their outputs are declared at the runtime's size, the shapes
    declared after them cleared, and the graph inferred anew (``infer()``), until none is left."""
    fixed: dict[str, tuple[str, Shape, Shape]] = {}
    outputs = {vi.name: vi for vi in graph.output}
    scales = _Scales(graph, opset_import)
    for _ in range(RUNTIME_ROUNDS):
        fixes = {}
        for node in graph.node:
            size = _runtime_size(node, inferred.shapes, scales)
            if size is not None and node.output[0] not in fixed:
                fixes[node.output[0]] = (node.op_type, inferred.shapes[node.output[0]], size)
        if not fixes:
            break
        from dscost.readers.onnx_lib import value_info

        after = set(fixes)
        for node in graph.node:  # (in order: the reader sorted them)
            if any(i in after for i in node.input):
                after.update(o for o in node.output if o)
        for vi in (*graph.output, *graph.value_info):
            if vi.name in after and vi.type.HasField("tensor_type"):
                vi.type.tensor_type.ClearField("shape")
        kept = [vi for vi in graph.value_info if vi.name not in fixes]
        del graph.value_info[:]
        graph.value_info.extend(kept)
        for t, (_, _, size) in fixes.items():
            declared = value_info(t, inferred.types.get(t, 1), size)
            if t in outputs:  # (a graph output's type is read from graph.output, not value_info)
                outputs[t].CopyFrom(declared)
            else:
                graph.value_info.append(declared)
        fixed.update(fixes)
        inferred = infer()
    else:  # (a chain of such nodes longer than the rounds: the rest keep onnx's size, said)
        left = [n.output[0] for n in graph.node if n.output and n.output[0] not in fixed and _runtime_size(n, inferred.shapes, scales) is not None]
        if left:
            notes.append(f"{len(left)} more node(s) whose output onnx's shape inference sizes other than onnxruntime, after {RUNTIME_ROUNDS} rounds of "
                         f"inference ({few(map(repr, left))}): counted at onnx's size")  # fmt: skip
    stale_resizes(graph, inferred, scales)
    stale_slices(graph, inferred.shapes, inferred.bad)
    if fixed:
        ops = sorted({op for op, _, _ in fixed.values()})
        why = [w for kinds, w in (((*POOLS, "ConvTranspose"), "as the ONNX spec says: a pool with ceil_mode, a ConvTranspose with auto_pad SAME"),
                                  (("Resize", "Upsample"), "a Resize whose scale times input size is just short of an integer: onnxruntime and "
                                                           "PyTorch multiply in floating point, and get the integer"),
                                  (("Einsum",), "an Einsum whose operands broadcast a dimension of size 1, which onnx keeps")) if any(op in kinds for op in ops)]  # fmt: skip
        t, (op, was, now) = next(iter(fixed.items()))
        notes.append(f"{len(fixed)} node(s) ({', '.join(ops)}) whose output onnx's shape inference sizes other than onnxruntime ({'; '.join(why)}): "
                     f"counted at the runtime's size (e.g. {op} {t!r}: {'x'.join(map(str, was))} -> {'x'.join(map(str, now))})")  # fmt: skip
    return inferred


