"""Why onnxruntime refuses a node of the default domain, found before anything runs: a value that
contradicts its shapes (a Gather index outside its data, an Expand that does not broadcast, a
Col2Im's blocks; :data:`VALUE_CHECKS`, once folding knows the values), inputs of different element
types where its op takes one (:func:`types_differ`, :class:`TypeChecks`), a missing required input,
a Cast or quantizer of the wrong type (:func:`load_error`), a quantization scale of a shape its op
does not take (:func:`scale_shape_error`), and inputs, outputs or attributes its op's schema does
not have (:func:`schema_error`).  Each says why in one line; the reader lists the node uncounted, or,
where the arithmetic is the same whatever the types or scale shape, counts it with a note.

Nothing here does I/O; onnx is imported for its schemas when a check needs them.
"""

from __future__ import annotations

from functools import lru_cache
from math import prod
from typing import NamedTuple

from dscost.dtypes import onnx_type_name
from dscost.readers.handlers import few
from dscost.readers.onnx_node import CANNOT_RUN, INVALID, TYPE_ERROR


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


SAME_PADS = (b"SAME_UPPER", b"SAME_LOWER")  # (a byte search of the stripped file decides whether to look)


def dilated_same_notes(graph) -> list[str]:
    """A note on the Conv nodes of ``graph`` (the default domain) with ``auto_pad`` SAME_UPPER or
    SAME_LOWER and a dilation over 1, which onnxruntime refuses at run time ("Dilation not
    supported for AutoPadType::SAME_UPPER or AutoPadType::SAME_LOWER"; its ConvTranspose runs
    them): valid ONNX, counted as the standard defines them (torch's TorchScript exporter writes
    a dilated ``padding='same'`` conv so; round 48)."""
    found = []
    for node in graph.node:
        if node.op_type != "Conv" or node.domain not in ("", "ai.onnx"):
            continue
        attrs = {a.name: a for a in node.attribute}
        pad, dil = attrs.get("auto_pad"), attrs.get("dilations")
        if pad is not None and pad.s in SAME_PADS and dil is not None and any(d > 1 for d in dil.ints):
            found.append(f"{node.name or node.output[0]!r} (auto_pad {pad.s.decode()}, dilations {list(dil.ints)})")
    if not found:
        return []
    return [f"{len(found)} Conv node(s) with auto_pad SAME_UPPER or SAME_LOWER and a dilation over 1 ({few(found, '; ')}): onnxruntime "
            f"refuses to run them (valid ONNX: counted as the standard defines them; `bench` cannot run the file as it is, explicit pads can)"]
