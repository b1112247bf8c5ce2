"""Shapes of every tensor of an ONNX graph (whose input shapes
:mod:`dscost.readers.onnx_inputs` fixed): onnx's shape inference, and folding of the small
integer tensors that shapes are computed from.

* :func:`infer` -- ``onnx.shape_inference.infer_shapes`` with data
  propagation; when it leaves a tensor's shape open, one forward pass over the
  nodes folds constants and completes the shapes (:func:`_propagate`);
* :func:`runtime_sizes` -- nodes whose output size onnx's inference gets other than onnxruntime
  (a pool with ``ceil_mode`` whose last window would start in the end padding, which the ONNX
  spec and PyTorch drop too; a ConvTranspose with auto_pad SAME; a Resize by a scale whose
  product with the input size is just short of an integer, which onnxruntime's float32 product
  rounds to): declared at the runtime's size, and the graph inferred anew.

Folding (the approach of onnx-simplifier, bounded): a node whose inputs all
have known values -- small initializers and Constant nodes, the output of
``Shape``/``Size`` of a tensor with a static shape, and what earlier folds
computed -- is evaluated with onnx's reference evaluator
(``onnx.reference.ReferenceEvaluator``, every standard op in numpy), float
chains included.  Before a node is evaluated its output shapes are inferred
from its input values (``onnx.shape_inference.infer_node_outputs``); a node
whose outputs are not static or exceed :data:`FOLD_MAX_ELEMENTS` is not
evaluated, so a hostile ``ConstantOfShape([10**9])`` costs nothing.  A node
whose output shapes are still open is inferred again with the values known so
far.  Weights stay unread: only tensors whose data the stripped copy kept
(small ones) have values.
"""

from __future__ import annotations

import struct
from math import prod
from pathlib import Path

from dscost.cost import ceil_pool_out
from dscost.dtypes import ONNX_TYPE_NAMES, ONNX_TYPES
from dscost.errors import InputError
from dscost.layers import Shape
from dscost.readers.handlers import few
from dscost.readers.onnx_legacy import FIRST_INFERRED_OPSET, LEGACY_FOLDS, NO_EVALUATOR, old_opset_outputs
from dscost.readers.onnx_node import CANNOT_RUN, einsum_shape, einsum_sizes, node_attrs
from dscost.readers.onnx_stale import stale_slices
from dscost.readers.onnx_eval import (CONTRIB_TWINS, FOLD_MAX_ELEMENTS, NONDETERMINISTIC, SAME_TYPE, VALUE_CHECKS, Evaluators, constant_value, fold_small,
                                      input_arrays, small_numbers, small_value, standard_domain, types_differ)  # fmt: skip

FOLD_MAX_EVALS = 200_000  # evaluations per model
VALUE_CHECKED = b"Col2Im"  # (onnx_eval.VALUE_CHECKS: the folding pass runs for it even when onnx's inference leaves no shape open)
FLOAT, BFLOAT16 = ONNX_TYPES["float32"], ONNX_TYPES["bfloat16"]
ONNX_NUMPY = {code: name for code, name in ONNX_TYPE_NAMES.items() if code not in (8, 16, 21, 22)}  # (the element types numpy has)
# Ops whose output shape depends on the data, at most rank x the elements of their first input:
# evaluated when that bound is small (Longformer's NonZero of a ConstantOfShape).
SIZE_FROM_DATA = ("NonZero", "Compress")


def static_shape(type_proto) -> Shape | None:
    """Concrete shape of a tensor type, None if the rank or any dim is unknown."""
    tt = type_proto.tensor_type  # an empty message for other types: no shape
    if not tt.HasField("shape"):
        return None
    dims = [d.dim_value for d in tt.shape.dim]
    if not dims or min(dims) > 0:  # the usual case (100k tensors in a big graph): no second look
        return tuple(dims)
    out = []
    for d in tt.shape.dim:
        v = d.dim_value
        if v > 0 or (v == 0 and d.HasField("dim_value")):  # a positive value needs no second look
            out.append(v)
        else:
            return None
    return tuple(out)


def _infer_once(mp, path: Path, onnx):
    try:
        return onnx.shape_inference.infer_shapes(mp, check_type=False, strict_mode=False, data_prop=True)
    except Exception as err:
        msg = str(err).strip().splitlines()
        raise InputError(f"{path}: shape inference failed: {msg[-1] if msg else type(err).__name__}") from None


def _refuse_negative(vi, path: Path) -> None:
    """A negative dimension, declared or inferred, is impossible: an input error naming the tensor."""
    tt = vi.type.tensor_type
    if tt.HasField("shape"):
        neg = [d.dim_value for d in tt.shape.dim if d.HasField("dim_value") and d.dim_value < 0]
        if neg:
            raise InputError(f"{path}: tensor {vi.name!r} has a negative dimension ({neg[0]}) in its shape")


class Inferred:
    """The inferred graph, and every tensor's static shape (None: unresolved) and element type;
    the values folding found, and what is known of each Loop/Scan (:class:`onnx_loops.Body`, by
    :func:`onnx_loops.key`)."""

    def __init__(self, graph, shapes: dict[str, Shape | None], types: dict[str, int], notes: list[str]):
        self.graph, self.shapes, self.types, self.notes = graph, shapes, types, notes
        self.values: dict[str, object] = {}
        self.bodies: dict[tuple, object] = {}
        self.bad: dict[str, str] = {}  # a node's first output -> why the node cannot run (folding found it)
        self.opset = 0  # of the default domain


def infer(mp, path: Path, onnx, initializer_dims: dict[str, tuple] | None = None, loops: bool = False, depth: int = 0, input_values: dict[str, int] | None = None,
          node_outputs: set[str] | None = None, seeds: dict | None = None, checks: bool = False) -> Inferred:  # fmt: skip
    """Shapes and element types of every tensor of ``mp`` (whose inputs :func:`onnx_inputs.fix_inputs` fixed).
    ``initializer_dims``: the dims of initializers (their data may have been stripped).  When the
    graph may hold ``loops`` or ops it ``checks`` (:data:`VALUE_CHECKED`), the folding pass always runs: it infers each Loop/Scan body
    (:func:`onnx_loops.infer_body`), ``depth`` Loops deep; ``input_values`` (``--input-value``)
    are values it starts from (a Loop's trip count given as a graph input); ``node_outputs``: the
    tensors the nodes make, when the caller read them already (100k protobuf reads spared);
    ``seeds``: values of other tensors, known otherwise (a Loop's trip count, measured)."""
    g = _infer_once(mp, path, onnx).graph
    shapes: dict[str, Shape | None] = {}
    types: dict[str, int] = {}
    for t in g.initializer:
        shapes[t.name] = tuple(t.dims)
        types[t.name] = t.data_type
    for name, dims in (initializer_dims or {}).items():
        shapes[name] = tuple(dims)
    read: dict[bytes, tuple] = {}  # a type's bytes -> (shape, element type): a big graph repeats a few types
    for coll in (g.input, g.value_info, g.output):
        for vi in coll:
            tp = vi.type
            key = tp.SerializeToString()
            known = read.get(key)
            if known is None:
                tensor = tp.HasField("tensor_type")
                known = read[key] = (static_shape(tp), tp.tensor_type.elem_type if tensor else None)
                if tensor and known[0] is None:
                    _refuse_negative(vi, path)
            name = vi.name
            if known[0] is not None or shapes.get(name) is None:  # (an output passing an input on may be declared without a type)
                shapes[name] = known[0]
            if known[1]:
                types[name] = known[1]
    inferred = Inferred(g, shapes, types, [])
    made = node_outputs if node_outputs is not None else (o for n in g.node for o in n.output if o)
    opset = inferred.opset = next((o.version for o in mp.opset_import if o.domain in ("", "ai.onnx")), onnx.defs.onnx_opset_version())
    if opset < FIRST_INFERRED_OPSET and any(shapes.get(o) is None for o in made):  # (a file of 2017: onnx_legacy)
        made = {o for n in g.node for o in n.output if o}
        outs, why, target = old_opset_outputs(mp, onnx)  # (the file's tensors only, each once: a name can be both value_info and output)
        given = {vi.name: vi for vi in outs if vi.name in made and shapes.get(vi.name) is None and static_shape(vi.type) is not None}
        for t, vi in given.items():
            shapes[t], types[t] = static_shape(vi.type), vi.type.tensor_type.elem_type
        inferred.notes.append(f"opset {opset}: onnx infers no shapes for its first op versions; " +
                              (f"{len(given)} tensor shape(s) from a copy converted to opset {target}" if not why else why))  # fmt: skip
    if loops or checks or any(shapes.get(o) is None for o in made):
        loop = None
        if loops:
            from dscost.readers.onnx_loops import infer_body, new_graph

            if depth == 0:
                new_graph()
            inputs = {vi.name for vi in mp.graph.input} if depth == 0 else set()  # (the user's inputs, for a hint)
            loop = lambda node, values: infer_body(node, inferred, values, mp, path, onnx, opset, depth, infer, inputs)  # noqa: E731
        values = _propagate(g, shapes, types, inferred.notes, onnx, opset, loop, {**input_arrays(input_values, g.input), **(seeds or {})}, inferred.bad)
        if loops:  # (kept only for the Loop counter: the trip counts and conditions it reads)
            inferred.values = values
    return inferred


# --------------------------------------------------------------------------
# Output sizes onnx's inference gets other than the ONNX spec and onnxruntime

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
    two Constants: the TorchScript exporter without constant folding), folded as :func:`_propagate`
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
        from onnx import helper

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
            declared = helper.make_tensor_value_info(t, inferred.types.get(t, 1), list(size))
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


# --------------------------------------------------------------------------
# Folding and shape completion


def _rank_times_numel(value) -> int:
    return max(value.ndim, 1) * value.size


def _shape_value(node, shape: Shape, np):
    """Value of Shape (with start/end) or Size of a tensor of static ``shape``."""
    if node.op_type == "Size":
        return np.array(prod(shape), dtype=np.int64)
    attrs = {a.name: a.i for a in node.attribute}
    rank = len(shape)
    start, end = attrs.get("start", 0), attrs.get("end", rank)
    start = min(max(start + rank if start < 0 else start, 0), rank)
    end = min(max(end + rank if end < 0 else end, 0), rank)
    return np.array(shape[start:end], dtype=np.int64)


def _propagate(g, shapes: dict, types: dict, notes: list[str], onnx, opset: int, loop=None, seeds: dict | None = None,
               bad: dict | None = None) -> dict:  # fmt: skip
    """One forward pass: fold what can be folded, infer each still-open node again with the values
    known (``loop``: what to do with a Loop/Scan node; ``seeds``: values given); returns the values
    found.  ``bad`` gets the nodes that cannot run (by first output): a Gather whose known index
    lies outside its data, an op whose known inputs have different element types."""
    import numpy as np
    from onnx import helper, numpy_helper

    values: dict[str, object] = dict(seeds or {})
    for t in g.initializer:
        v = small_value(t, np, numpy_helper)
        if v is not None:
            values[t.name] = v
    evaluators = Evaluators(opset)
    evals = too_big = 0
    from dscost.readers.onnx_contrib import SHAPES as contrib

    for node in g.node:
        shape_fn = contrib.get((node.domain, node.op_type))
        if shape_fn is not None:  # onnxruntime's contrib ops: no onnx schema, a shape function of ours
            _contrib_outputs(node, shape_fn, shapes, types, values)
            legacy = node.op_type in NO_EVALUATOR and node.domain in ("", "ai.onnx")  # (onnx_legacy: ops onnx's evaluator lacks)
            fold = LEGACY_FOLDS.get(node.op_type) if legacy else None
            if fold is not None and node.output and all(i in values for i in node.input if i):
                v = fold([values.get(i) if i else None for i in node.input], np)
                if v is not None and v.size <= FOLD_MAX_ELEMENTS:
                    values[node.output[0]], shapes[node.output[0]] = v, tuple(int(d) for d in v.shape)
            if standard_domain(node) or legacy:
                continue
            # (a twin of a standard op -- onnxruntime's Q/DQ of a model's float "same" pad arithmetic -- folds as that op)
        elif standard_domain(node) not in ("", "ai.onnx") or any(a.type in (5, 10) for a in node.attribute):
            if loop is not None and node.op_type in ("Loop", "Scan") and node.domain in ("", "ai.onnx"):
                loop(node, values)
            continue  # custom ops, subgraphs (If/Loop/Scan)
        ins = list(node.input)
        outs = [o for o in node.output if o]
        op = node.op_type
        if op == "Constant" and len(outs) == 1:  # its value is its attribute: no evaluator
            value = constant_value(node, np, numpy_helper)
            if value is not None:
                values[outs[0]] = value
                shapes[outs[0]] = tuple(value.shape)
                continue
        like = types.get(ins[-1]) if op == "CastLike" and len(ins) == 2 else None  # (onnxscript's loop step: CastLike(1, i), i not known)
        if (op == "Identity" and len(ins) == 1 or like in ONNX_NUMPY) and len(outs) == 1 and ins[0] in values:
            value = values[ins[0]] if like is None else values[ins[0]].astype(ONNX_NUMPY[like])
            values[outs[0]], shapes[outs[0]] = value, shapes.get(ins[0])
            if (elem := like or types.get(ins[0])) is not None:
                types[outs[0]] = elem
            continue
        if op in ("Shape", "Size") and ins and shapes.get(ins[0]) is not None:
            values[outs[0]] = _shape_value(node, shapes[ins[0]], np)
            shapes[outs[0]] = tuple(values[outs[0]].shape)
            types[outs[0]] = 7
            continue
        if op in VALUE_CHECKS and len(ins) > 1 and all(i in values for i in ins[1:]) and outs and bad is not None:
            why = VALUE_CHECKS[op](node, shapes.get(ins[0]), *[values[i] for i in ins[1:]])
            if why:
                bad[outs[0]] = why
        present = [i for i in ins if i]
        known = all(i in values for i in present) and op not in NONDETERMINISTIC
        if known and outs and bad is not None and op in SAME_TYPE:
            why = types_differ(op, [values[i] for i in present])
            if why:
                bad[outs[0]] = why
        if known and evals < FOLD_MAX_EVALS and len(outs) == 1 and outs[0] == node.output[0]:
            r = fold_small(node, [values.get(i) if i else None for i in ins], evaluators, np)  # (small by construction: no inference first)
            if r is not None:
                evals += 1
                values[outs[0]] = r
                shapes[outs[0]] = tuple(int(d) for d in r.shape)
                if outs[0] not in types:
                    types[outs[0]] = helper.np_dtype_to_tensor_dtype(r.dtype)
                continue
        if known or any(shapes.get(o) is None for o in outs):
            _infer_node(node, ins, outs, shapes, types, values, opset, onnx, helper, numpy_helper)
        if op == "MaxUnpool" and len(ins) > 2 and ins[2] in values and outs and shapes.get(outs[0]) is None:  # (onnx's inference leaves it open)
            v = values[ins[2]]
            if v.ndim == 1 and 0 < v.size == len(shapes.get(ins[0]) or ()) and v.min() > 0:
                shapes[outs[0]] = tuple(int(d) for d in v)  # its output_shape input is its output's shape
        if not known or evals >= FOLD_MAX_EVALS:
            continue
        out_shapes = [shapes.get(o) for o in outs]
        if any(s is None for s in out_shapes) or any(prod(s) > FOLD_MAX_ELEMENTS for s in out_shapes):
            data = values.get(ins[0]) if op in SIZE_FROM_DATA and ins and ins[0] else None
            if data is None or _rank_times_numel(data) > FOLD_MAX_ELEMENTS:
                too_big += 1
                continue
        try:
            results = evaluators.run(node, [values.get(i) if i else None for i in ins])
        except Exception:
            continue
        evals += 1
        for o, r in zip(node.output, results):
            if o and r is not None and np.asarray(r).size <= FOLD_MAX_ELEMENTS:
                r = np.asarray(r)
                values[o] = r
                shapes[o] = tuple(int(d) for d in r.shape)
    if too_big:
        notes.append(f"constant folding skipped {too_big} node(s) whose outputs are not static or exceed {FOLD_MAX_ELEMENTS:,} elements")
    return values


def _contrib_outputs(node, shape_fn, shapes: dict, types: dict, values: dict) -> None:
    """Output shapes of a contrib op from its input shapes and the input values folding knows
    (left open when they are not all known or do not fit), and their element types
    (:func:`dscost.readers.onnx_contrib_types.output_types`)."""
    from dscost.readers.handlers import HANDLER_ERRORS, UnknownShape
    from dscost.readers.onnx_contrib_types import output_types
    from dscost.readers.onnx_node import NodeInfo, node_attrs

    ins, outs = list(node.input), list(node.output)
    info = NodeInfo(node.name, node.op_type, node_attrs(node), ins, outs, [shapes.get(i) if i else None for i in ins],
                    [None] * len(outs), types={i: types[i] for i in ins if i in types}, values={i: values[i] for i in ins if i in values})  # fmt: skip
    try:
        found = shape_fn(info)
    except (UnknownShape, *HANDLER_ERRORS):
        return
    for o, s, elem in zip(outs, found, output_types(info)):
        if o and s is not None and shapes.get(o) is None and all(isinstance(d, int) and d >= 0 for d in s):
            shapes[o] = tuple(s)
            if elem is not None:
                types.setdefault(o, elem)


def _type_proto(helper, elem_type: int, shape: Shape | None):
    return helper.make_tensor_type_proto(elem_type, list(shape) if shape is not None else None)


def _infer_node(node, ins, outs, shapes, types, values, opset, onnx, helper, numpy_helper) -> None:
    """Output shapes of one node from its input shapes and the input values known
    (``infer_node_outputs``: onnx's own inference function of the op, with data)."""
    if node.domain not in ("", "ai.onnx"):  # an onnxruntime twin of a standard op: that op's schema (onnx_eval.CONTRIB_TWINS)
        opset = CONTRIB_TWINS[node.op_type] if standard_domain(node) == "" else 0
        if not opset:
            return
    try:
        schema = onnx.defs.get_schema(node.op_type, opset, "")
    except Exception:
        return
    input_types = {i: _type_proto(helper, types[i], shapes.get(i)) for i in ins if i and types.get(i)}
    if len(input_types) < len({i for i in ins if i}):  # (a tensor may feed two inputs: ORT merges equal initializers)
        return
    data = {}
    for i in ins:
        if i in values:
            try:
                data[i] = numpy_helper.from_array(values[i], i)
            except Exception:
                pass
    infer = lambda given: onnx.shape_inference.infer_node_outputs(schema, node, given, data, opset_imports=[helper.make_opsetid("", opset)])  # noqa: E731
    widened = False
    try:
        res = infer(input_types)
    except Exception:
        # bfloat16 where the op's version does not list it (Conv before opset 22: a bfloat16 module's
        # export), which onnx's inference of the whole graph lets pass: its shapes as float32's give
        if BFLOAT16 not in (types[i] for i in input_types):
            return
        try:
            res = infer({i: _type_proto(helper, FLOAT if types[i] == BFLOAT16 else types[i], shapes.get(i)) for i in input_types})
        except Exception:
            return
        widened = True
    for o in outs:
        t = res.get(o)
        if t is None or not t.HasField("tensor_type"):
            continue
        if t.tensor_type.elem_type:
            types[o] = BFLOAT16 if widened and t.tensor_type.elem_type == FLOAT else t.tensor_type.elem_type
        s = static_shape(t)
        if s is not None and shapes.get(o) is None:
            shapes[o] = s
