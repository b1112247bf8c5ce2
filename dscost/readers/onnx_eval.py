"""What can be evaluated before the graph runs: small constant values (initializers and Constant
nodes whose data the file holds) and single nodes run by onnx's reference evaluator on them, with
the size of their output bounded first.  Shared by the folding pass
(:mod:`dscost.readers.onnx_shapes`) and the If conditions of :mod:`dscost.readers.onnx_branches`;
and whether a Constant node holds one repeated value or an identity matrix (:func:`uniform_constant`).

Nothing here does I/O; onnx and numpy are given or imported when a value is evaluated.
"""

from __future__ import annotations

import struct
from array import array
from functools import lru_cache
from math import prod
from typing import NamedTuple

from dscost.dtypes import onnx_type_name
from dscost.readers.onnx_node import CANNOT_RUN, INVALID, TYPE_ERROR

FOLD_MAX_ELEMENTS = 1 << 16  # largest tensor the folding evaluates or keeps
# Ops whose value changes from run to run: never folded into a constant (a shape, an If's condition).
NONDETERMINISTIC = ("RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli")


def small_value(t, np, numpy_helper):
    """The value of an initializer or Constant tensor whose data is present and small, else None."""
    n = prod(t.dims)
    if n > FOLD_MAX_ELEMENTS or t.data_location == 1:  # external data is never opened
        return None
    try:
        arr = numpy_helper.to_array(t)
    except Exception:
        return None
    return arr if arr.size == n else None


def input_arrays(input_values: dict[str, int] | None, graph_inputs) -> dict:
    """The ``--input-value`` of ``graph_inputs`` (value infos) as arrays of the input's element
    type and rank, one element (what ``onnx_branches.check_values`` allows)."""
    if not input_values:
        return {}
    import numpy as np
    from onnx import helper

    out = {}
    for vi in graph_inputs:
        elem = vi.type.tensor_type.elem_type
        if vi.name in input_values and elem:
            out[vi.name] = np.full([1] * len(vi.type.tensor_type.shape.dim), input_values[vi.name], dtype=helper.tensor_dtype_to_np_dtype(elem))
    return out


def constant_value(node, np, numpy_helper):
    """The value of a Constant node, when its data is present (not stripped) and small, else None."""
    if len(node.attribute) != 1:
        return None
    a = node.attribute[0]
    name = a.name
    if name == "value":
        return small_value(a.t, np, numpy_helper)
    if name == "value_int":
        return np.array(a.i, dtype=np.int64)
    if name == "value_ints":
        return np.array(list(a.ints), dtype=np.int64) if len(a.ints) <= FOLD_MAX_ELEMENTS else None
    if name == "value_float":
        return np.array(a.f, dtype=np.float32)
    if name == "value_floats":
        return np.array(list(a.floats), dtype=np.float32) if len(a.floats) <= FOLD_MAX_ELEMENTS else None
    return None  # sparse_value, strings: left to the evaluator


# onnxruntime's own ops that are the standard ones of the same name: evaluated, and read, as
# those.  Its quantizer's QuantizeLinear and DequantizeLinear (UseQDQContribOps; 0: the newest
# version, for their 16- and 4-bit types; shapes from onnx_contrib's functions), and the ops of
# its PyTorch export helper (onnxruntime.tools.pytorch_export_contrib_ops: GridSample, Trilu)
# and of older converters (Pad, Range, GatherND), each the standard op of this opset, which
# infers their shapes too (GridSample-16 takes the contrib op's mode names, "bilinear", "bicubic")
CONTRIB_TWINS = {"QuantizeLinear": 0, "DequantizeLinear": 0, "GridSample": 16, "Trilu": 14, "Pad": 11, "Range": 11, "GatherND": 11}


def standard_domain(node) -> str:
    """The node's domain, or the default one for an onnxruntime op that is a standard op's twin."""
    if node.domain == "com.microsoft" and node.op_type in CONTRIB_TWINS and (node.op_type != "Range" or len(node.input) == 3):
        return ""  # (a contrib Range's delta is optional, the standard one's is not)
    return node.domain


class Evaluators:
    """One ReferenceEvaluator per op signature (op, attributes, arity): building one costs ~1 ms,
    running it ~50 us, and shape arithmetic repeats a few signatures many times.  Each runs a
    one-node model of the graph's opset: given a bare node, onnx's evaluator takes the newest
    version of its op whatever ``opsets`` says (an opset-11 ``Unsqueeze`` with its ``axes``
    attribute then fails as Unsqueeze-13)."""

    def __init__(self, opset: int):
        self.opset = opset
        self.cache: dict[bytes, object] = {}

    def run(self, node, feeds: list):
        from onnx import ValueInfoProto, defs, helper
        from onnx.reference import ReferenceEvaluator

        ins, outs, domain = [f"i{k}" if name else "" for k, name in enumerate(node.input)], [f"o{k}" for k in range(len(node.output))], standard_domain(node)
        generic = helper.make_node(node.op_type, ins, outs, domain=domain)
        generic.attribute.extend(node.attribute)
        key = generic.SerializeToString()
        ev = self.cache.get(key)
        if ev is None:
            graph = helper.make_graph([generic], "fold", [ValueInfoProto(name=i) for i in ins if i], [ValueInfoProto(name=o) for o in outs])
            # The graph's opset; the newest when onnx has no implementation that old (DequantizeLinear
            # before 19), and for an onnxruntime twin (16- and 4-bit types at any opset)
            newest = defs.onnx_opset_version()
            ev = None
            for opset in dict.fromkeys((self.opset if domain == node.domain else CONTRIB_TWINS[node.op_type] or newest, newest)):
                opsets = [helper.make_opsetid("", opset)] + ([helper.make_opsetid(domain, 1)] if domain not in ("", "ai.onnx") else [])
                try:
                    ev = ReferenceEvaluator(helper.make_model(graph, opset_imports=opsets))
                    break
                except RuntimeError:  # "No implementation for operator ..."
                    if opset == newest:
                        raise
            self.cache[key] = ev
        import warnings

        import numpy as np

        if node.op_type == "CumSum" and len(feeds) > 1 and getattr(feeds[1], "shape", None) == (1,):  # (onnxruntime runs a one-element axis,
            feeds = [feeds[0], feeds[1].reshape(()), *feeds[2:]]  # the dynamo exporter's repeat_interleave writes one; onnx's evaluator takes 0-D)
        with warnings.catch_warnings(), np.errstate(all="ignore"):  # log(0) of T5's position buckets: not the user's concern
            warnings.simplefilter("ignore")
            return ev.run(None, {f"i{k}": v for k, v in enumerate(feeds) if v is not None})


# Ops whose output size follows from their input values' shapes without running them, so a fold
# of small inputs is bounded before it runs (most shape arithmetic of an export).
_SAME_SIZE = frozenset("Identity Cast Reshape Squeeze Unsqueeze Flatten Transpose Neg Abs Floor Ceil Round Sqrt Reciprocal "
                       "Sign Not Relu Exp Log Sin Cos Tanh Sigmoid Erf IsNaN IsInf Slice ReduceSum ReduceMean ReduceMax "
                       "ReduceMin ReduceProd ArgMax ArgMin QuantizeLinear DequantizeLinear CumSum".split())  # fmt: skip
_BROADCAST = frozenset("Add Sub Mul Div Pow Mod Equal Less Greater LessOrEqual GreaterOrEqual And Or Xor Max Min Where".split())


def fold_bound(node, op: str, vals: list, np) -> int | None:
    """At most how many elements the single output of ``op`` on these input values holds; None
    when it does not follow from the inputs' shapes alone (the node is then inferred first)."""
    if not vals or any(v is None for v in vals):
        return None
    if op in _SAME_SIZE:
        return int(vals[0].size)
    if op == "Concat":
        return sum(int(v.size) for v in vals)
    if op in _BROADCAST:
        try:
            return prod(np.broadcast_shapes(*(v.shape for v in vals)))
        except ValueError:
            return None
    if op == "Gather" and len(vals) == 2 and vals[0].ndim:
        axis = next((a.i for a in node.attribute if a.name == "axis"), 0)
        if not -vals[0].ndim <= axis < vals[0].ndim or vals[0].shape[axis] == 0:
            return None
        return int(vals[0].size // vals[0].shape[axis] * vals[1].size)
    return None


def fold_small(node, feeds: list, evaluators: Evaluators, np, limit: int = FOLD_MAX_ELEMENTS):
    """The single output of ``node`` on the input values ``feeds``, when :func:`fold_bound` says it
    holds at most ``limit`` elements and onnx's evaluator runs it; else None."""
    bound = fold_bound(node, node.op_type, feeds, np)
    if bound is None or bound > limit:
        return None
    try:
        return np.asarray(evaluators.run(node, feeds)[0])
    except Exception:
        return None


def index_outside(node, shape: tuple | None, index) -> str:
    """Why a Gather cannot run: a known index outside its data's axis ("" when none is).  An
    index table computed from the input size (a relative-position table's rows) outgrows a table
    of the size it was exported at."""
    size = getattr(index, "size", 0)
    if shape is None or not size or index.dtype.kind not in "iu":
        return ""
    axis = next((a.i for a in node.attribute if a.name == "axis"), 0)
    if not -len(shape) <= axis < len(shape):
        return ""
    n, hi, lo = shape[axis], int(index.max()), int(index.min())
    if lo >= -n and hi < n:
        return ""
    return f"cannot derive cost: index {hi if hi >= n else lo} is outside axis {axis} of its data {tuple(shape)} (size {n}): {CANNOT_RUN}"


def cannot_expand(node, shape: tuple | None, target) -> str:
    """Why an Expand cannot run: its data's known ``shape`` and the known ``target`` shape do not
    broadcast (numpy's rule; "" when they do or are not known).  torch's TorchScript exporter
    writes such a node for a class token expanded to a size the trace fixed wrongly (timm's ViT
    with mixed RoPE: (1, 1, 384) to [1, 3, 3])."""
    if shape is None or getattr(target, "ndim", None) != 1 or target.dtype.kind not in "iu":
        return ""
    want = [int(v) for v in target]
    n = max(len(shape), len(want))
    for a, b in zip((1,) * (n - len(shape)) + tuple(shape), [1] * (n - len(want)) + want):
        if a != b and a != 1 and b != 1:
            return f"cannot derive cost: its data {tuple(shape)} cannot expand to {tuple(want)}: {CANNOT_RUN}"
    return ""


def col2im_blocks(node, shape: tuple | None, image, block) -> str:
    """Why a Col2Im cannot run (onnxruntime refuses it when it runs): its input's channels are no
    positive multiple of its blocks' elements, or its number of blocks is not the one its image,
    pads, strides and dilations give ("" when it can, or when it is not known)."""
    if shape is None or len(shape) != 3 or any(getattr(v, "ndim", None) != 1 or v.dtype.kind not in "iu" for v in (image, block)) or len(image) != len(block):
        return ""
    image, block, n = [int(v) for v in image], [int(v) for v in block], len(image)
    attrs = {a.name: list(a.ints) for a in node.attribute}
    pads, strides, dilations = (attrs.get(k) or [d] * m for k, d, m in (("pads", 0, 2 * n), ("strides", 1, n), ("dilations", 1, n)))
    if min(block, default=0) < 1 or len(pads) != 2 * n or len(strides) != n or len(dilations) != n or min(strides + dilations) < 1:
        return ""
    if shape[1] < 1 or shape[1] % prod(block):
        return f"cannot derive cost: its input's {shape[1]} channels are no positive multiple of its blocks' {prod(block)} elements: {CANNOT_RUN}"
    blocks = prod((image[i] + pads[i] + pads[i + n] - dilations[i] * (block[i] - 1) - 1) // strides[i] + 1 for i in range(n))
    if shape[2] != blocks:
        return f"cannot derive cost: its input holds {shape[2]} blocks, its image {tuple(image)} takes {blocks}: {CANNOT_RUN}"
    return ""


# Ops whose output size their input's values decide: computed from stored constants alone, those are read (onnx_shapes)
DATA_SIZED = ("NonZero", "Unique")
SOURCES_MAX = 64  # nodes walked back from one of them
READ_MAX_ELEMENTS = 1 << 22  # elements read from the file for them in all (each at most FOLD_MAX_ELEMENTS)


def stored_sources(nodes, values: dict, stored: dict) -> list[str]:
    """The tensors of ``stored`` (whose data the stripped copy left out) without a value that the
    input of a NonZero or Unique is computed from, when it is computed from constants alone, by
    standard deterministic ops, at most :data:`SOURCES_MAX` nodes back: the values that decide its size
    (each of at most :data:`FOLD_MAX_ELEMENTS` elements, :data:`READ_MAX_ELEMENTS` in all)."""
    wanted = [n for n in nodes if n.op_type in DATA_SIZED and n.input and n.input[0] not in values] if stored else []
    if not wanted:
        return []
    made = {o: n for n in nodes for o in n.output if o}
    found: dict[str, None] = {}
    for node in wanted:
        todo, seen, need = [node.input[0]], set(), []
        while todo:
            t = todo.pop()
            if not t or t in seen or t in values:
                continue
            seen.add(t)
            p = made.get(t)
            if t in stored:
                need.append(t)
                if prod(stored[t].dims) > FOLD_MAX_ELEMENTS:
                    break  # (too big to fold)
            elif (len(seen) > SOURCES_MAX or p is None or p.op_type in NONDETERMINISTIC or standard_domain(p) not in ("", "ai.onnx")
                  or any(a.type in (5, 10) for a in p.attribute)):  # fmt: skip
                break  # (a graph input, a random or custom op, a subgraph, too far: not from constants alone)
            else:
                todo.extend(p.input)
        else:
            if sum(prod(stored[t].dims) for t in {*found, *need}) <= READ_MAX_ELEMENTS:
                found.update(dict.fromkeys(need))
    return list(found)


# Ops whose values are checked once known (the node's, its data's shape, the values of its other inputs): why it cannot run
VALUE_CHECKS = {"Gather": index_outside, "Expand": cannot_expand, "Col2Im": col2im_blocks}

# Ops whose inputs share one element type (their schema's T): values of two types are a type error.
SAME_TYPE = frozenset({"Add", "Sub", "Mul", "Div", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Max", "Min", "Sum",
                       "Mean", "Concat"})  # fmt: skip


def types_differ(op: str, values: list) -> str:
    """Why a node cannot run: known input values of different element types where the op takes
    one ("" when not).  onnxconverter-common's fp16 converter writes such nodes (a float16
    constant minus a float Cast in TF-style "same" padding); onnxruntime refuses to load the file."""
    if op not in SAME_TYPE:
        return ""
    kinds = sorted({str(v.dtype) for v in values if v is not None})
    if len(kinds) < 2:
        return ""
    return f"cannot derive cost: its inputs have different element types ({', '.join(kinds)}): {TYPE_ERROR}"


TYPED_OPS = frozenset({"Cast", "QuantizeLinear", "DequantizeLinear"})  # (load_error's)


def load_error(op: str, node, inputs: list[str], outputs: list[str], types: dict[str, int], opset: int) -> str:
    """Why onnxruntime refuses to load a node of the default domain ("" when it does not): an
    input its op requires given an empty name (:func:`missing_input`); a type error -- a Cast
    whose declared output type it does not make; a QuantizeLinear or
    DequantizeLinear whose scale is not float32 before opset 19 (both written by the fp16
    converter: the second on a QDQ file).  Element types against the op's schema:
    :func:`type_error`."""
    if ("" in inputs or not inputs) and (why := missing_input(op, inputs, opset)):
        return why
    if op == "Cast" and outputs and outputs[0] in types:
        to = next((a.i for a in node.attribute if a.name == "to"), None)
        if to is not None and to != types[outputs[0]]:
            return f"cannot derive cost: it casts to {onnx_type_name(to)}, its output is declared {onnx_type_name(types[outputs[0]])}: {TYPE_ERROR}"
    elif op in ("QuantizeLinear", "DequantizeLinear") and opset < 19 and len(inputs) > 1 and types.get(inputs[1], 1) != 1:
        return f"cannot derive cost: its scale is {onnx_type_name(types[inputs[1]])}, which {op} takes only as float32 before opset 19: {TYPE_ERROR}"
    return ""


QDQ_OPS = frozenset({"QuantizeLinear", "DequantizeLinear"})  # (scale_shape_error's)


def scale_shape_error(node, inputs: list[str], shapes: dict) -> str:
    """Why onnxruntime refuses a QuantizeLinear or DequantizeLinear of the default domain for the
    shape of its scale ("" when it does not, or a shape is not known): a scale of one element is
    per tensor (a scalar, or 1-D); a blocked one (``block_size``, opset 21) has its input's rank;
    any other is per axis and 1-D, of the input's size at ``axis`` (NNCF's weight compression
    writes [C, 1, 1]: "scale must be 1D tensor with size C").  A zero point has the scale's shape.
    The node still counts: the arithmetic is the same (2 ops per element)."""
    x, scale = shapes.get(inputs[0]), shapes.get(inputs[1])
    if x is None or scale is None:
        return ""
    zp = shapes.get(inputs[2]) if len(inputs) > 2 and inputs[2] else scale
    if zp is not None and tuple(zp) != tuple(scale):
        return f"its zero point is {list(zp)}, its scale {list(scale)}"
    if len(scale) <= 1 and prod(scale) == 1:
        return ""
    attrs = {a.name: a.i for a in node.attribute if a.name in ("axis", "block_size")}
    if attrs.get("block_size", 0) > 0:
        return "" if len(scale) == len(x) else f"its blocked scale {list(scale)} is not of its input's rank ({list(x)})"
    axis = attrs.get("axis", 1)
    axis += len(x) if axis < 0 else 0
    if not 0 <= axis < len(x) or len(scale) == 1 and scale[0] == x[axis]:
        return ""  # (an axis out of range: the schema's check, not this one's)
    return f"its per-axis scale is {list(scale)}, where it takes a 1-D scale of {x[axis]} (axis {axis} of its input {list(x)})"


_ATTR_TYPES = ("UNDEFINED", "FLOAT", "INT", "STRING", "TENSOR", "GRAPH", "FLOATS", "INTS", "STRINGS", "TENSORS", "GRAPHS", "SPARSE_TENSOR",
               "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS")  # (AttributeProto.AttributeType by number)  # fmt: skip


def schema_error(op: str, node, n_in: int, n_out: int, opset: int) -> str:
    """Why onnxruntime refuses a node of the default domain against its op's schema at ``opset``
    ("" when it does not, or the schema is not known): more (or fewer) inputs or outputs than the
    op takes ("input size 4 not in range"); an attribute the op does not have ("Unrecognized
    attribute": a mutated name, ``xads``, or bytes not valid UTF-8, would otherwise read as the
    attribute's default -- no padding), of another type ("Mismatched attribute type": pads as
    floats) or given twice ("appeared multiple times").  An attribute of no declared type (files
    of 2017) is taken as its op's."""
    schema = _schema(op, opset)
    if schema is None:
        return ""
    known, least_in, most_in, least_out, most_out = schema[:5]
    if not least_in <= n_in <= most_in or not least_out <= n_out <= most_out:
        which, n, least, most = ("inputs", n_in, least_in, most_in) if not least_in <= n_in <= most_in else ("outputs", n_out, least_out, most_out)
        return f"cannot derive cost: it has {n} {which[:-1] if n == 1 else which}, where {op} takes {least}{f' to {most}' if most > least else ''}: {INVALID}"
    seen = set()
    for a in node.attribute:
        want = known.get(a.name)
        if want is None:
            return f"cannot derive cost: its attribute {a.name!r} is not one of {op}'s at opset {opset}: {INVALID}"
        if a.type and a.type != want:
            got = _ATTR_TYPES[a.type] if a.type < len(_ATTR_TYPES) else str(a.type)
            return f"cannot derive cost: its attribute {a.name!r} is {got}, where {op} takes {_ATTR_TYPES[want]}: {INVALID}"
        if a.name in seen:
            return f"cannot derive cost: its attribute {a.name!r} is given twice: {INVALID}"
        seen.add(a.name)
    return ""


def missing_input(op: str, inputs: list[str], opset: int) -> str:
    """Why a node lacks an input its op's schema requires ("" when it does not, or the schema is
    not known): fewer inputs than the op's least, or an empty name for a required one -- the
    TorchScript exporter wrote zuko's RealNVP with an ``Add`` whose first input is ''."""
    schema = _schema(op, opset)
    if schema is None:
        return ""
    least, required = schema[1], schema[5]
    if len(inputs) < least:
        return f"cannot derive cost: it has {len(inputs)} input(s), and its op requires at least {least}: {INVALID}"
    empty = next(((i, name) for i, name in required if i < len(inputs) and not inputs[i]), None)
    return "" if empty is None else f"cannot derive cost: its input {empty[0]} ({empty[1]}) is required, but the node gives none (an empty name): {INVALID}"


class Formal(NamedTuple):
    """An input of an op's schema: the element types it takes (None: not checked), its type
    parameter ("" when its type is written out), whether it is variadic, and whether it binds its
    parameter to one type (not a heterogeneous variadic)."""

    name: str
    allowed: frozenset[int] | None
    param: str
    variadic: bool
    binds: bool


@lru_cache(maxsize=1024)
def _schema(op: str, opset: int) -> tuple | None:
    """Of the default domain's ``op`` at ``opset``: (attribute types by name, least and most
    inputs, least and most outputs, (index, name) of each input that is neither optional nor
    variadic, the :class:`Formal` of each input); None when onnx has no such op."""
    from dscost.readers import onnx_lib

    try:
        s = onnx_lib.load().defs.get_schema(op, opset, "")
    except Exception:  # (no such op at this opset: said elsewhere)
        return None
    required = tuple((i, f.name) for i, f in enumerate(s.inputs) if f.option.name == "Single")
    allowed = {c.type_param_str: _tensor_types(c.allowed_type_strs) for c in s.type_constraints}
    formals = tuple(Formal(f.name, allowed[f.type_str], f.type_str, f.option.name == "Variadic", f.option.name != "Variadic" or f.is_homogeneous)
                    if f.type_str in allowed else Formal(f.name, _tensor_types([f.type_str]), "", f.option.name == "Variadic", False) for f in s.inputs)  # fmt: skip
    return {name: int(a.type) for name, a in s.attributes.items()}, s.min_input, s.max_input, s.min_output, s.max_output, required, formals


# ONNX's type strings, tensor(<name>), by element type (TensorProto.DataType)
_TYPE_STRS = {"float": 1, "uint8": 2, "int8": 3, "uint16": 4, "int16": 5, "int32": 6, "int64": 7, "string": 8, "bool": 9, "float16": 10,
              "double": 11, "uint32": 12, "uint64": 13, "complex64": 14, "complex128": 15, "bfloat16": 16, "float8e4m3fn": 17,
              "float8e4m3fnuz": 18, "float8e5m2": 19, "float8e5m2fnuz": 20, "uint4": 21, "int4": 22, "float4e2m1": 23, "float8e8m0": 24,
              "uint2": 25, "int2": 26, "float6e2m3": 27, "float6e3m2": 28}  # fmt: skip


def _tensor_types(strs) -> frozenset[int] | None:
    """The element types of the ``tensor(...)`` among a schema's type strings; None (nothing is
    checked) when there are none (sequences, optionals only) or one dscost does not know (a type
    onnx added since)."""
    found = set()
    for t in strs:
        if t.startswith("tensor(") and t.endswith(")"):
            elem = _TYPE_STRS.get(t[7:-1])
            if elem is None:
                return None
            found.add(elem)
    return frozenset(found) or None


class TypeChecks:
    """A graph's nodes of the default domain against their ops' schemas for element types
    (``types``: the graph's, by tensor).  :meth:`error` says why a node cannot be counted (inputs
    of different element types where its op takes one, :data:`SAME_TYPE`); the other type errors
    of :func:`type_error` go to ``refused`` (the node counts: the arithmetic is the same whatever
    its types).  Nothing is checked per node when every node of its op fits the graph's element
    types (:func:`types_fit`, decided once per op into ``fit``)."""

    def __init__(self, types: dict[str, int], opset: int):
        self.types, self.opset = types, opset
        self.fit: dict[str, bool] = {}
        self.refused: list[str] = []  # "'name' (op: why)"
        self._kinds: frozenset[int] | None = None  # the graph's element types (known, not 0), once

    def error(self, op: str, name: str, inputs: list[str]) -> str:
        ok = self.fit.get(op)
        if ok is None:
            if self._kinds is None:
                self._kinds = frozenset(self.types.values()) - {0}
            ok = self.fit[op] = types_fit(op, self.opset, self._kinds)
        if ok:
            return ""
        mixed, refused = type_error(op, self.opset, tuple(map(self.types.get, inputs)))
        if refused:
            self.refused.append(f"{name!r} ({op}: {refused})")
        return mixed


@lru_cache(maxsize=1024)
def types_fit(op: str, opset: int, kinds: frozenset[int]) -> bool:
    """Whether every node of the default domain's ``op`` fits its schema whatever its inputs'
    element types among ``kinds`` (all a graph has): each input takes all of them, and with one
    kind no two inputs bound to one type parameter can differ.  The usual case, a float32 graph,
    then checks nothing per node."""
    schema = _schema(op, opset)
    if schema is None:
        return True
    formals = schema[6]
    return (opset < 7 or all(f.allowed is None or kinds <= f.allowed for f in formals)) and (len(kinds) < 2 or not any(f.param for f in formals))


@lru_cache(maxsize=4096)
def type_error(op: str, opset: int, elems: tuple) -> tuple[str, str]:
    """Of a node of the default domain whose inputs have the element types ``elems`` (None or 0:
    not known), against its op's schema at ``opset``: (why it cannot be counted: inputs of an op of
    :data:`SAME_TYPE` of different types -- torch's TorchScript exporter multiplies a bfloat16
    module's attention by a scale it casts to complex128, torch's number of bfloat16, 15, taken for
    ONNX's; onnxconverter-common's fp16 converter subtracts a float Cast from a float16 constant --,
    and, where the node still counts, inputs of one type parameter of another op of different
    types (a float32 Conv of float64 weights) or an input of a type its op does not take, which
    onnxruntime refuses too: a CumSum of booleans, a Gather by float indices, both written by
    torch's TorchScript exporter, a bfloat16 Conv before opset 22).  Files before opset 7 (which
    onnxruntime does not load) are not checked for the second: their schemas typed some inputs as
    their data (Split's split)."""
    schema = _schema(op, opset)
    if schema is None or not schema[6]:
        return "", ""
    formals = schema[6]
    last = len(formals) - 1  # (a variadic last input takes the rest)
    placed = [(i, formals[min(i, last)], e) for i, e in enumerate(elems) if e and (i <= last or formals[last].variadic)]
    bound: dict[str, set[int]] = {}
    for _, f, e in placed:
        if f.param and f.binds:
            bound.setdefault(f.param, set()).add(e)
    for param, kinds in bound.items():
        if len(kinds) > 1:
            if op in SAME_TYPE:
                return f"cannot derive cost: its inputs have different element types ({', '.join(sorted(map(onnx_type_name, kinds)))}): {TYPE_ERROR}", ""
            if opset >= 7:
                return "", f"its inputs of one type {param} are {' and '.join(sorted(map(onnx_type_name, kinds)))}"
    for i, f, e in placed:
        if opset >= 7 and f.allowed is not None and e not in f.allowed:
            return "", f"input {i} ({f.name}) is {onnx_type_name(e)}, which it takes as {', '.join(sorted(map(onnx_type_name, f.allowed)))} at opset {opset}"
    return "", ""


def uniform_constant(attr) -> bool:
    """A Constant node's value is one number (repeated): torch.zeros/ones written in forward --
    the zero initial state of an RNN, the identity affine of GroupNorm exported as
    InstanceNorm -- or a scalar; or an identity matrix (torch.eye in forward: peft's HRA builds
    its Householder product from one).  False when the data is not at hand (stripped: see
    :func:`stored_literal`)."""
    if attr.name in ("value_float", "value_int"):
        return True
    if attr.name in ("value_floats", "value_ints"):
        vals = array("f", attr.floats) if attr.name == "value_floats" else array("q", attr.ints)  # (4 or 8 bytes a number)
        return len(vals) <= 1 or vals.count(vals[0]) == len(vals)
    if not attr.HasField("t"):
        return False
    t = attr.t
    n = prod(t.dims)
    vals = tensor_numbers(t, n)
    if vals is None:  # (another element type, or data elsewhere: numpy's view of it, as onnx gives it)
        from onnx import numpy_helper

        try:
            arr = numpy_helper.to_array(t)
        except Exception:
            return False
        return arr.size == n and (arr.size == 0 or bool((arr == arr.flat[0]).all()))
    return len(vals) == n and _literal(t.dims, vals)


def _literal(dims, vals) -> bool:
    """``vals`` (all of a tensor of ``dims``) are one repeated number or an identity matrix."""
    first = vals[0] if vals else None
    if all(v == first for v in vals):  # (numbers as numpy compares them: -0.0 == 0.0, NaN equal to nothing)
        return True
    if len(dims) != 2 or dims[0] != dims[1] or dims[0] < 2:
        return False
    step, vals = dims[0] + 1, tuple(vals)
    return vals.count(1) == dims[0] and vals.count(0) == len(vals) - dims[0] and all(vals[i] == 1 for i in range(0, len(vals), step))


STORED_LITERAL_ELEMENTS = 1 << 22  # (16 MB of float32: a stripped Constant read whole to see it is a literal, at most)


def stored_literal(wire, t) -> bool:
    """:func:`uniform_constant` for a Constant node's tensor ``t`` whose data the stripped copy
    left out (an onnx_wire._Tensor of ``wire``'s file): its first row is read first, and the whole
    (up to STORED_LITERAL_ELEMENTS) only when that row could begin a literal -- a learned
    weight's first row is neither one repeated number nor (1, 0, ..., 0)."""
    from dscost.readers.onnx_stored import stored_values

    n, dims = prod(t.dims), t.dims
    if t.dtype not in (1, 10, 11) or t.location is not None or not 1 < n <= STORED_LITERAL_ELEMENTS:  # (float32, float16, double: what is learned)
        return False
    code = _FORMATS[t.dtype][0]
    size = struct.calcsize(code)
    row = min(n, max(dims[-1], 2))
    head = stored_values(wire.path, t, n * size, head=row * size)
    if head is None:
        return False
    first = struct.unpack(f"<{row}{code}", head)
    square = len(dims) == 2 and dims[0] == dims[1]
    if not (all(v == first[0] for v in first) or square and first[0] == 1 and first.count(0) == row - 1):
        return False
    whole = stored_values(wire.path, t, n * size)
    return whole is not None and _literal(t.dims, struct.unpack(f"<{n}{code}", whole))


# An element type's struct format (little-endian, as raw_data stores it), and the TensorProto
# field that holds its values when they are not raw: the usual types of a Constant node's tensor
_FORMATS = {1: ("f", "float_data"), 2: ("B", "int32_data"), 3: ("b", "int32_data"), 4: ("H", "int32_data"), 5: ("h", "int32_data"),
            6: ("i", "int32_data"), 7: ("q", "int64_data"), 9: ("?", "int32_data"), 10: ("e", "int32_data"), 11: ("d", "double_data"),
            12: ("I", "uint64_data"), 13: ("Q", "uint64_data")}  # fmt: skip


def small_numbers(t, types: tuple[int, ...], limit: int) -> list | None:
    """The values of TensorProto ``t``, of one of the element ``types`` and at most ``limit``
    elements, when the (stripped) file kept its data; else None (a Slice's starts, a Resize's scales)."""
    n = prod(t.dims)
    if t.data_type not in types or n > limit:
        return None
    vals = tensor_numbers(t, n)
    return list(vals) if vals is not None and len(vals) == n else None


def tensor_numbers(t, n: int):
    """The values of TensorProto ``t`` (of ``n`` elements) as Python numbers, read with struct
    (onnx's numpy_helper imports the whole onnx package, and with it ml_dtypes: 0.5 s in
    ml_dtypes 0.7); None for another element type or data stored elsewhere."""
    fmt = _FORMATS.get(t.data_type)
    if fmt is None or t.data_location == 1:
        return None
    code, field = fmt
    raw = t.raw_data
    if raw:
        return struct.unpack(f"<{n}{code}", raw) if len(raw) == n * struct.calcsize(code) else ()  # (a size the dims contradict: not uniform)
    vals = getattr(t, field)
    if code == "e":  # (float16 as its bits in int32_data)
        return struct.unpack(f"<{len(vals)}e", struct.pack(f"<{len(vals)}H", *[v & 0xFFFF for v in vals]))
    return vals
