"""TFLite reader: a ``.tflite`` flatbuffer -> :class:`dscost.layers.Model`, without reading weight bytes.

The file is memory-mapped and walked with the flatbuffer accessors of the
``tflite`` package (generated from TensorFlow's own schema; TensorFlow itself
is never imported).  Only the tables are read -- operator codes, operators and
their options, tensor names, shapes and types, and the length word of each
buffer -- never the bytes of a weight buffer, so those pages of the file are
not touched.  A first pass copies what the counting needs into plain Python
objects and checks the file (identifier ``TFL3``, every index and offset in
range, no negative dimension); any problem there is an :class:`InputError`
naming the file.  Then each operator of the main subgraph goes through the op
handler table :data:`HANDLERS`, which computes costs with the formulas of
:mod:`dscost.cost`, mirroring the ONNX reader's handlers
(:mod:`dscost.readers.onnx_ops`) op for op.

Conventions:

* **Shapes are shown as the file stores them: NHWC** (batch, height, width,
  channels).  Costs do not depend on the layout: the conv geometry
  (:class:`ConvGeom`) is built from the NHWC shapes and the OHWI filters
  (depthwise filters are 1HWC, TRANSPOSE_CONV filters OHWI, CONV_3D DHWIO).
  The batch is the file's batch (1 when the converter wrote a dynamic batch).
* **Params** = the elements of every weight and bias tensor of the counted
  ops, each tensor once (a tensor used by two ops is counted by the first and
  noted at the second).  The TFLite converter folds BatchNorm into the conv
  weights and biases and writes a bias tensor for every conv (all zero where
  the source layer had none), so a TFLite model has no BN layers and counts
  one bias per output channel of every conv; weights and biases are split in
  :class:`Cost` (``weights`` / ``biases``).  Scales and zero points of
  quantized tensors are not params.  Quantized models (int8/uint8/int16
  tensors, int32 biases) use the same op codes and give the same counts.
* **Fused activations** (``fused_activation_function`` of CONV_2D,
  DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, pooling...) become a layer of
  their own right after the op, of type ``activation``, as a separate Relu
  node of an ONNX graph does: its other ops are the activation's, and a
  depthwise -> fused ReLU6 -> 1x1 conv chain is a separable block.
* **Names**: a layer is named after its output tensor.  TensorFlow's converter
  names a fused op's output ``act;bn;conv`` (the fused TF ops joined by
  ``;``): the activation layer takes the first entry, the op the last one
  that is not a fused Pad (so a MobileNet reads ``.../conv_dw_1_1/depthwise``
  then ``.../conv_dw_1_relu_1/Relu6``).  Unnamed tensors give ``OPCODE_index``.
* Only the main subgraph (0) is counted.  Custom ops, control flow (WHILE,
  IF, CALL_ONCE: their subgraphs) and builtin ops without a handler are listed
  as uncounted with the reason, never counted as zero.
"""

from __future__ import annotations

import mmap
import re
import struct
from dataclasses import dataclass, field, replace
from math import prod
from pathlib import Path
from typing import Callable

from dscost import cost as C
from dscost.errors import InputError
from dscost.layers import (
    ACTIVATION,
    ADD,
    CONCAT,
    CONV_TRANSPOSE,
    ELEMENTWISE,
    FC,
    GLOBAL_POOL,
    MATMUL,
    NORM,
    POOL,
    RESIZE,
    SHAPE,
    SOFTMAX,
    ConvGeom,
    Cost,
    Layer,
    Model,
    Shape,
    Uncounted,
)
from dscost.readers.onnx_ops import Result, UnknownShape

IDENTIFIER = b"TFL3"
INSTALL_HINT = "pip install 'dscost[tflite]'"

# TensorType values (schema.fbs)
TYPE_NAMES = {0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 5: "string", 6: "bool", 7: "int16",
              8: "complex64", 9: "int8", 10: "float64", 11: "complex128", 12: "uint64", 13: "resource",
              14: "variant", 15: "uint32", 16: "uint16", 17: "int4", 18: "bfloat16"}  # fmt: skip
FLOAT_TYPES = frozenset({0, 1, 10, 18})

# ActivationFunctionType -> key of cost.ACTIVATION_OPS (SIGN_BIT has none: uncounted)
FUSED_ACTIVATIONS = {1: ("RELU", "relu"), 2: ("RELU_N1_TO_1", "clip"), 3: ("RELU6", "relu6"), 4: ("TANH", "tanh"), 5: ("SIGN_BIT", None)}

# Options tables read from the file: class name -> accessor methods (zero-argument getters).
OPTION_FIELDS = {
    "Conv2DOptions": ("Padding", "StrideW", "StrideH", "FusedActivationFunction", "DilationWFactor", "DilationHFactor"),
    "DepthwiseConv2DOptions": ("Padding", "StrideW", "StrideH", "DepthMultiplier", "FusedActivationFunction", "DilationWFactor", "DilationHFactor"),
    "Conv3DOptions": ("Padding", "StrideD", "StrideW", "StrideH", "FusedActivationFunction", "DilationDFactor", "DilationWFactor", "DilationHFactor"),
    "TransposeConvOptions": ("Padding", "StrideW", "StrideH", "FusedActivationFunction"),
    "Pool2DOptions": ("Padding", "StrideW", "StrideH", "FilterWidth", "FilterHeight", "FusedActivationFunction"),
    "FullyConnectedOptions": ("FusedActivationFunction", "KeepNumDims"),
    "BatchMatMulOptions": ("AdjX", "AdjY"),
    "AddOptions": ("FusedActivationFunction",),
    "SubOptions": ("FusedActivationFunction",),
    "MulOptions": ("FusedActivationFunction",),
    "DivOptions": ("FusedActivationFunction",),
    "ConcatenationOptions": ("Axis", "FusedActivationFunction"),
    "L2NormOptions": ("FusedActivationFunction",),
    "LocalResponseNormalizationOptions": ("Radius",),
}
SAME, VALID = 0, 1  # Padding
CONTROL_FLOW = ("WHILE", "IF", "CALL_ONCE", "CALL")
_PAD_NAME = re.compile(r"(^|/)(Mirror)?Pad(V2)?\d*$")


class _Corrupt(Exception):
    """The flatbuffer is inconsistent; the message says where."""


# --------------------------------------------------------------------------
# First pass: the file's tables as plain objects


@dataclass
class _Tensor:
    name: str
    shape: Shape  # () for a scalar
    dtype: int
    buffer: int
    quantized: bool
    signature: Shape | None  # shape_signature (-1 = dynamic), None when absent
    const: bool = False  # its buffer holds data


@dataclass
class _Op:
    index: int
    opname: str  # builtin name, or the custom code of a custom op
    custom: bool
    inputs: list[int]  # -1: omitted optional input
    outputs: list[int]
    options_type: str | None  # name of the options table (None: no options)
    options: dict


@dataclass
class _Graph:
    name: str
    tensors: list[_Tensor]
    ops: list[_Op]
    inputs: list[int]
    outputs: list[int]


@dataclass
class _File:
    version: int
    graphs: list[_Graph]
    n_buffers: int
    weight_bytes: int


def _scan(buf, size: int, tfl) -> _File:
    """Read the model's tables out of ``buf``; _Corrupt on anything out of range."""
    from tflite.BuiltinOptions import BuiltinOptions
    from tflite.utils import BUILTIN_OPCODE2NAME

    option_names = {v: k for k, v in vars(BuiltinOptions).items() if not k.startswith("_") and isinstance(v, int)}

    def count(n: int, width: int, what: str) -> int:
        if n < 0 or n * width > size:
            raise _Corrupt(f"{what}: {n} entries cannot fit in a {size}-byte file")
        return n

    def text(raw) -> str:
        return raw.decode("utf-8", errors="replace") if raw else ""

    root = struct.unpack_from("<I", buf, 0)[0]
    if root + 4 > size:
        raise _Corrupt(f"root table offset {root} is past the end of the file")
    model = tfl.Model.GetRootAs(buf, 0)
    version = model.Version()

    # Buffers: only their sizes (the vector length, or offset/size of data stored after the flatbuffer)
    n_buffers = count(model.BuffersLength(), 4, "buffers")
    has_data: list[bool] = []
    weight_bytes = 0
    for b in range(n_buffers):
        buffer = model.Buffers(b)
        offset, nbytes = buffer.Offset(), buffer.Size()
        if offset > 1:  # data outside the flatbuffer (models over 2 GB)
            if offset + nbytes > size:
                raise _Corrupt(f"buffer {b}: data at bytes {offset}..{offset + nbytes} is past the end of the file ({size} bytes)")
        else:  # the data vector: its length word only (the generated class has no accessor for its start)
            o = buffer._tab.Offset(4)
            nbytes = 0
            if o:
                start = buffer._tab.Vector(o)
                nbytes = buffer._tab.VectorLen(o)
                if start + nbytes > size:
                    raise _Corrupt(f"buffer {b}: {nbytes} bytes of data at byte {start} run past the end of the file ({size} bytes)")
        has_data.append(nbytes > 0)
        weight_bytes += nbytes

    codes: list[tuple[str, bool]] = []
    for i in range(count(model.OperatorCodesLength(), 4, "operator codes")):
        oc = model.OperatorCodes(i)
        code = oc.BuiltinCode()
        if code == 32:  # CUSTOM
            codes.append((text(oc.CustomCode()) or "?", True))
        else:
            codes.append((BUILTIN_OPCODE2NAME.get(code, f"builtin op code {code}"), False))

    graphs: list[_Graph] = []
    for s in range(count(model.SubgraphsLength(), 4, "subgraphs")):
        g = model.Subgraphs(s)
        tensors: list[_Tensor] = []
        n_tensors = count(g.TensorsLength(), 4, f"subgraph {s} tensors")
        for t in range(n_tensors):
            tensor = g.Tensors(t)
            name = text(tensor.Name())
            shape = tuple(tensor.Shape(j) for j in range(count(tensor.ShapeLength(), 4, f"tensor {t} shape")))  # () = scalar
            neg = [d for d in shape if d < 0]
            if neg:
                raise _Corrupt(f"tensor {t} ({name!r}) has negative dimension {neg[0]} in shape {list(shape)}")
            sig = None if tensor.ShapeSignatureIsNone() else tuple(tensor.ShapeSignature(j) for j in range(count(tensor.ShapeSignatureLength(), 4, f"tensor {t} shape_signature")))
            b = tensor.Buffer()
            if b >= n_buffers and not (b == 0 and n_buffers == 0):
                raise _Corrupt(f"tensor {t} ({name!r}) refers to buffer {b}, but the file has {n_buffers} buffers")
            q = tensor.Quantization()
            quantized = q is not None and q.ScaleLength() > 0
            tensors.append(_Tensor(name, shape, tensor.Type(), b, quantized, sig, b < n_buffers and has_data[b]))

        def index(t: int, what: str, optional: bool = True) -> int:
            if t == -1 and optional:
                return -1
            if not 0 <= t < n_tensors:
                raise _Corrupt(f"{what} refers to tensor {t}, but subgraph {s} has {n_tensors} tensors")
            return t

        ops: list[_Op] = []
        for i in range(count(g.OperatorsLength(), 4, f"subgraph {s} operators")):
            op = g.Operators(i)
            oc = op.OpcodeIndex()
            if oc >= len(codes):
                raise _Corrupt(f"operator {i} has opcode index {oc}, but the file has {len(codes)} operator codes")
            opname, custom = codes[oc]
            where = f"operator {i} ({opname})"
            inputs = [index(op.Inputs(j), f"{where} input {j}") for j in range(count(op.InputsLength(), 4, f"{where} inputs"))]
            outputs = [index(op.Outputs(j), f"{where} output {j}", optional=False) for j in range(count(op.OutputsLength(), 4, f"{where} outputs"))]
            kind = op.BuiltinOptionsType()
            options_type = option_names.get(kind) if kind else None
            options: dict = {}
            if options_type in OPTION_FIELDS:
                table = op.BuiltinOptions()
                if table is not None:
                    obj = getattr(tfl, options_type)()
                    obj.Init(table.Bytes, table.Pos)
                    options = {f: getattr(obj, f)() for f in OPTION_FIELDS[options_type]}
            ops.append(_Op(i, opname, custom, inputs, outputs, options_type, options))
        g_inputs = [index(g.Inputs(j), f"subgraph {s} input {j}", optional=False) for j in range(count(g.InputsLength(), 4, "subgraph inputs"))]
        g_outputs = [index(g.Outputs(j), f"subgraph {s} output {j}", optional=False) for j in range(count(g.OutputsLength(), 4, "subgraph outputs"))]
        graphs.append(_Graph(text(g.Name()), tensors, ops, g_inputs, g_outputs))
    return _File(version, graphs, n_buffers, weight_bytes)


def _open(path: Path, tfl) -> _File:
    try:
        size = path.stat().st_size
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    if size == 0:
        raise InputError(f"{path}: empty file, not a TFLite model")
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            if size < 8:
                raise InputError(f"{path}: not a TFLite model: {size} bytes is too short for a flatbuffer")
            ident = bytes(buf[4:8])
            if ident != IDENTIFIER:
                raise InputError(f"{path}: not a TFLite model: file identifier {ident!r} at bytes 4-7, expected {IDENTIFIER.decode()!r}")
            try:
                return _scan(buf, size, tfl)
            except _Corrupt as err:
                raise InputError(f"{path}: not a valid TFLite model: {err}") from None
            except (struct.error, IndexError, ValueError, TypeError, OverflowError, AttributeError) as err:
                raise InputError(f"{path}: not a valid TFLite model: truncated or corrupt flatbuffer ({type(err).__name__}: {err})") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None


# --------------------------------------------------------------------------
# Op handlers


@dataclass
class NodeInfo:
    """What a handler may look at: the op, its options and its tensors (shapes as stored, NHWC)."""

    name: str
    op: str
    options: dict
    inputs: list[int]  # tensor indices; -1 for an omitted optional input
    tensors: list[_Tensor]
    const: set = field(default_factory=set)  # indices of constant tensors (buffers with data, dequantized constants)
    out_shapes: list = field(default_factory=list)

    def has(self, i: int) -> bool:
        return i < len(self.inputs) and self.inputs[i] >= 0

    def tensor(self, i: int) -> _Tensor:
        return self.tensors[self.inputs[i]]

    def is_const(self, i: int) -> bool:
        return self.has(i) and self.inputs[i] in self.const

    def is_float_const(self, i: int) -> bool:
        """A constant that holds learned values: float, or quantized (int8 with a scale)."""
        return self.is_const(i) and (self.tensor(i).dtype in FLOAT_TYPES or self.tensor(i).quantized)

    def shape(self, i: int) -> Shape:
        if not self.has(i):
            raise UnknownShape(f"input {i} (omitted)")
        return self.tensor(i).shape

    def out(self, i: int = 0) -> Shape:
        s = self.out_shapes[i] if i < len(self.out_shapes) else None
        if s is None:
            raise UnknownShape(f"output {i}")
        return s

    def opt(self, key: str, default=None):
        return self.options.get(key, default)


Handler = Callable[[NodeInfo], Result]
HANDLERS: dict[str, Handler] = {}


def handles(*ops: str):
    def register(fn: Handler) -> Handler:
        for op in ops:
            HANDLERS[op] = fn
        return fn

    return register


def _positive(info: NodeInfo, *keys: str) -> tuple[int, ...]:
    vals = tuple(int(info.opt(k, 0)) for k in keys)
    if not info.options:
        raise ValueError(f"{info.op} without its options table")
    bad = [f"{k}={v}" for k, v in zip(keys, vals) if v <= 0]
    if bad:
        raise ValueError(f"invalid {', '.join(bad)}")
    return vals


def _padding(info: NodeInfo, spatial: Shape, kernel: Shape, stride: Shape, dilation: Shape) -> tuple[int, ...]:
    """Explicit pads (all begins, then all ends) of TF padding SAME (extra pixel at the end) or VALID."""
    mode = info.opt("Padding", SAME)
    if mode == VALID:
        return (0,) * (2 * len(spatial))
    if mode != SAME:
        raise ValueError(f"unknown padding {mode}")
    pairs = [C.same_pads(spatial[i], kernel[i], stride[i], dilation[i], upper=True) for i in range(len(spatial))]
    return tuple(p[0] for p in pairs) + tuple(p[1] for p in pairs)


def _check_out(info: NodeInfo, expected: Shape) -> None:
    y = info.out_shapes[0] if info.out_shapes else None
    if y is not None and tuple(y) != tuple(expected):
        raise ValueError(f"output shape {list(y)} disagrees with the {list(expected)} its input and options give")


def _conv_geom(info: NodeInfo, x: Shape, kernel: Shape, cin_per_group: int, cout: int, stride: Shape, dilation: Shape, bias_i: int) -> ConvGeom:
    """Geometry of an NHWC (NDHWC) conv from its input shape and filter dims."""
    r = len(kernel)
    if len(x) != r + 2:
        raise ValueError(f"input {list(x)} is not a {r}-D NHWC map")
    n, spatial, cin = x[0], tuple(x[1:-1]), x[-1]
    if cin_per_group <= 0 or cin % cin_per_group:
        raise ValueError(f"input has {cin} channels, not a multiple of the filter's {cin_per_group}")
    groups = cin // cin_per_group
    if cout % groups:
        raise ValueError(f"{cout} output channels do not divide into {groups} groups")
    pads = _padding(info, spatial, kernel, stride, dilation)
    out = tuple(C.conv_out_size(spatial[i], kernel[i], stride[i], dilation[i], pads[i], pads[r + i]) for i in range(r))
    if min(out) <= 0:
        raise ValueError(f"kernel {'x'.join(map(str, kernel))} does not fit input {list(x)}")
    _check_out(info, (n, *out, cout))
    return ConvGeom(tuple(kernel), cin, cout, groups, tuple(stride), tuple(dilation), pads, spatial, out, info.has(bias_i), n)


def _conv_result(geom: ConvGeom, bias_i: int, note: str = "") -> Result:
    params = {1: "weights", bias_i: "biases"} if geom.bias else {1: "weights"}
    return Result(geom.kind, C.conv_cost(geom), conv=geom, kernel=geom.kernel, params=params, data_inputs=(0,), note=note)


def _bias_fits(info: NodeInfo, i: int, n: int) -> None:
    if info.has(i) and prod(info.shape(i)) != n:
        raise ValueError(f"bias {list(info.shape(i))} does not have {n} elements")


@handles("CONV_2D")
def conv_2d(info: NodeInfo) -> Result:
    """CONV_2D(input NHWC, filter OHWI (Cout, Kh, Kw, Cin/groups), [bias]): cost.conv_cost.
    groups = Cin / filter's Cin (grouped convs are CONV_2D in TFLite)."""
    x, w = info.shape(0), info.shape(1)
    if len(w) != 4:
        raise ValueError(f"filter {list(w)} is not OHWI")
    sw, sh = _positive(info, "StrideW", "StrideH")
    dw, dh = int(info.opt("DilationWFactor", 1)), int(info.opt("DilationHFactor", 1))
    geom = _conv_geom(info, x, (w[1], w[2]), w[3], w[0], (sh, sw), (dh, dw), 2)
    _bias_fits(info, 2, geom.cout)
    return _conv_result(geom, 2)


@handles("CONV_3D")
def conv_3d(info: NodeInfo) -> Result:
    """CONV_3D(input NDHWC, filter DHWIO (Kd, Kh, Kw, Cin, Cout), [bias]): cost.conv_cost."""
    x, w = info.shape(0), info.shape(1)
    if len(w) != 5:
        raise ValueError(f"filter {list(w)} is not DHWIO")
    sd, sw, sh = _positive(info, "StrideD", "StrideW", "StrideH")
    dil = tuple(int(info.opt(k, 1)) for k in ("DilationDFactor", "DilationHFactor", "DilationWFactor"))
    geom = _conv_geom(info, x, tuple(w[:3]), w[3], w[4], (sd, sh, sw), dil, 2)
    _bias_fits(info, 2, geom.cout)
    return _conv_result(geom, 2)


@handles("DEPTHWISE_CONV_2D")
def depthwise_conv_2d(info: NodeInfo) -> Result:
    """DEPTHWISE_CONV_2D(input NHWC, filter (1, Kh, Kw, Cin*multiplier), [bias]): groups = Cin,
    Cout = Cin * depth_multiplier, cost.conv_cost.  The multiplier is the filter's (the option,
    when set, must agree)."""
    x, w = info.shape(0), info.shape(1)
    if len(w) != 4 or w[0] != 1:
        raise ValueError(f"filter {list(w)} is not 1HWC")
    if len(x) != 4:
        raise ValueError(f"input {list(x)} is not a 2-D NHWC map")
    cin, cout = x[3], w[3]
    if cin <= 0 or cout % cin:
        raise ValueError(f"filter has {cout} channels, not a multiple of the input's {cin}")
    mult = cout // cin
    given = int(info.opt("DepthMultiplier", 0))
    if given and given != mult:
        raise ValueError(f"depth_multiplier {given} disagrees with the filter: {cout} channels from {cin}")
    sw, sh = _positive(info, "StrideW", "StrideH")
    dw, dh = int(info.opt("DilationWFactor", 1)), int(info.opt("DilationHFactor", 1))
    geom = _conv_geom(info, x, (w[1], w[2]), 1, cout, (sh, sw), (dh, dw), 2)
    _bias_fits(info, 2, cout)
    return _conv_result(geom, 2, note=f"depth_multiplier {mult}" if mult != 1 else "")


@handles("TRANSPOSE_CONV")
def transpose_conv(info: NodeInfo) -> Result:
    """TRANSPOSE_CONV(output_shape, filter OHWI (Cout, Kh, Kw, Cin), input NHWC, [bias]):
    cost.conv_transpose_cost; the output size is the output tensor's."""
    w, x = info.shape(1), info.shape(2)
    if len(w) != 4 or len(x) != 4:
        raise ValueError(f"filter {list(w)} / input {list(x)} are not OHWI / NHWC")
    if x[3] != w[3]:
        raise ValueError(f"input has {x[3]} channels, the filter {w[3]}")
    _positive(info, "StrideW", "StrideH")
    y = info.out()
    bias = info.has(3)
    _bias_fits(info, 3, w[0])
    cost = C.conv_transpose_cost((w[1], w[2]), x[3], w[0], 1, tuple(x[1:3]), tuple(y[1:3]), bias, x[0])
    params = {1: "weights", 3: "biases"} if bias else {1: "weights"}
    return Result(CONV_TRANSPOSE, cost, kernel=(w[1], w[2]), params=params, data_inputs=(2,))


@handles("FULLY_CONNECTED")
def fully_connected(info: NodeInfo) -> Result:
    """FULLY_CONNECTED(input, weights (units, in), [bias]): the input is read as rows of ``in``
    features, cost.linear_cost(in, units, rows).  Non-constant weights: a matmul, no params."""
    x, w = info.shape(0), info.shape(1)
    if len(w) != 2:
        raise ValueError(f"weights {list(w)} are not 2-D")
    units, features = w
    if features <= 0 or prod(x) % features:
        raise ValueError(f"input {list(x)} does not split into rows of {features} features")
    rows = prod(x) // features
    bias = info.has(2)
    cost = C.linear_cost(features, units, rows=rows, bias=bias)
    if not info.is_const(1):
        params = {2: "biases"} if bias else {}
        return Result(MATMUL, replace(cost, weights=0), params=params, data_inputs=(0, 1), note="weights computed at run time")
    if bias:
        n = prod(info.shape(2))
        if n != units:
            cost = replace(cost, biases=n)
    params = {1: "weights", 2: "biases"} if bias else {1: "weights"}
    return Result(FC, cost, params=params, data_inputs=(0,))


@handles("BATCH_MATMUL")
def batch_matmul(info: NodeInfo) -> Result:
    """BATCH_MATMUL(x, y) with adj_x/adj_y: as the ONNX MatMul handler -- a constant 2-D right
    operand is a linear layer (cost.linear_cost), otherwise cost.matmul_cost with a constant
    operand counted as weights."""
    a, b = list(info.shape(0)), list(info.shape(1))
    if info.opt("AdjX") and len(a) >= 2:
        a[-1], a[-2] = a[-2], a[-1]
    if info.opt("AdjY") and len(b) >= 2:
        b[-1], b[-2] = b[-2], b[-1]
    a, b = tuple(a), tuple(b)
    ka, kb = a[-1], (b[0] if len(b) == 1 else b[-2])
    if ka != kb:
        raise ValueError(f"A {list(a)} and B {list(b)} disagree on the inner dimension ({ka} vs {kb})")
    if info.is_const(1) and len(b) == 2 and not info.is_const(0):
        rows = prod(a[:-1]) if len(a) > 1 else 1
        return Result(FC, C.linear_cost(b[0], b[1], rows=rows, bias=False), params={1: "weights"}, data_inputs=(0,))
    cost = C.matmul_cost(a, b)
    if info.is_const(0) and not info.is_const(1):
        return Result(MATMUL, replace(cost, weights=prod(a)), params={0: "weights"}, data_inputs=(1,))
    if info.is_const(1) and not info.is_const(0):
        return Result(MATMUL, replace(cost, weights=prod(b)), params={1: "weights"}, data_inputs=(0,))
    return Result(MATMUL, cost, data_inputs=(0, 1))


# --------------------------------------------------------------------------
# Element-wise

# TFLite op -> key of cost.ACTIVATION_OPS
ACTIVATIONS = {
    "RELU": "relu",
    "RELU6": "relu6",
    "RELU_N1_TO_1": "clip",
    "RELU_0_TO_1": "clip",
    "LEAKY_RELU": "leaky_relu",
    "PRELU": "prelu",
    "ELU": "elu",
    "LOGISTIC": "sigmoid",
    "TANH": "tanh",
    "HARD_SWISH": "hard_swish",
    "GELU": "gelu",
}


def _numel(info: NodeInfo) -> int:
    s = info.out_shapes[0] if info.out_shapes and info.out_shapes[0] is not None else info.shape(0)
    return prod(s)


@handles(*ACTIVATIONS)
def activation(info: NodeInfo) -> Result:
    """cost.activation_cost(fn, numel).  PRELU's constant alpha counts as weights."""
    fn = ACTIVATIONS[info.op]
    params = {1: "weights"} if info.op == "PRELU" and info.is_const(1) else {}
    cost = C.activation_cost(fn, _numel(info))
    if params:
        cost = replace(cost, weights=prod(info.shape(1)))
    return Result(ACTIVATION, cost, params=params, data_inputs=(0,), note="" if fn == info.op.lower() else fn)


BINARY = ("ADD", "SUB", "MUL", "DIV", "ADD_N", "MAXIMUM", "MINIMUM", "POW", "SQUARED_DIFFERENCE", "FLOOR_DIV",
          "FLOOR_MOD", "EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "LOGICAL_AND",
          "LOGICAL_OR", "SELECT", "SELECT_V2", "ATAN2", "RIGHT_SHIFT", "BITWISE_XOR")  # fmt: skip


@handles(*BINARY)
def elementwise(info: NodeInfo) -> Result:
    """cost.elementwise_cost(numel, n) for n inputs (SELECT: one select per element).  A constant
    float (or quantized) operand with more than one element counts as params: biases for ADD/SUB,
    weights for MUL/DIV; scalar constants do not."""
    n = 2 if info.op.startswith("SELECT") else sum(1 for i in range(len(info.inputs)) if info.has(i))
    cost = C.elementwise_cost(prod(info.out()), max(n, 2))
    params: dict[int, str] = {}
    if info.op in ("ADD", "SUB", "MUL", "DIV"):
        kind = "biases" if info.op in ("ADD", "SUB") else "weights"
        for i in range(len(info.inputs)):
            if info.is_float_const(i) and prod(info.tensor(i).shape) > 1:
                params[i] = kind
                cost = replace(cost, **{kind: getattr(cost, kind) + prod(info.tensor(i).shape)})
    return Result(ADD if info.op in ("ADD", "ADD_N") else ELEMENTWISE, cost, params=params)


UNARY = ("ABS", "NEG", "EXP", "LOG", "SQRT", "RSQRT", "SQUARE", "SIN", "COS", "FLOOR", "CEIL", "ROUND", "SIGN",
         "LOGICAL_NOT")  # fmt: skip


@handles(*UNARY)
def unary(info: NodeInfo) -> Result:
    """One op per output element: cost.elementwise_cost(numel, 2)."""
    return Result(ELEMENTWISE, C.elementwise_cost(_numel(info), 2), data_inputs=(0,))


@handles("QUANTIZE", "DEQUANTIZE")
def quantize(info: NodeInfo) -> Result:
    """cost.per_element_cost("quantize" | "dequantize", numel): 2 ops per element.  A dequantized
    constant (float16 or int8 weights) is counted as params by the layer using it."""
    note = "constant input: foldable" if info.is_const(0) else ""
    return Result(ELEMENTWISE, C.per_element_cost(info.op.lower(), prod(info.shape(0))), data_inputs=(0,), note=note)


# --------------------------------------------------------------------------
# Normalization, pooling, reductions, softmax, resize


@handles("L2_NORMALIZATION")
def l2_norm(info: NodeInfo) -> Result:
    """cost.per_element_cost("lp_norm", numel) = 3 ops per element; no params."""
    return Result(NORM, C.per_element_cost("lp_norm", prod(info.shape(0))), data_inputs=(0,))


@handles("LOCAL_RESPONSE_NORMALIZATION")
def lrn(info: NodeInfo) -> Result:
    """cost.lrn_cost(2*radius + 1, numel)."""
    return Result(NORM, C.lrn_cost(2 * int(info.opt("Radius", 0)) + 1, prod(info.shape(0))), data_inputs=(0,))


@handles("AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D")
def pool(info: NodeInfo) -> Result:
    """cost.pool_cost((Kh, Kw), out numel)."""
    x = info.shape(0)
    if len(x) != 4:
        raise ValueError(f"input {list(x)} is not a 2-D NHWC map")
    sw, sh, kw, kh = _positive(info, "StrideW", "StrideH", "FilterWidth", "FilterHeight")
    kernel, stride = (kh, kw), (sh, sw)
    pads = _padding(info, tuple(x[1:3]), kernel, stride, (1, 1))
    out = tuple(C.conv_out_size(x[1 + i], kernel[i], stride[i], 1, pads[i], pads[2 + i]) for i in range(2))
    _check_out(info, (x[0], *out, x[3]))
    return Result(POOL, C.pool_cost(kernel, x[0] * prod(out) * x[3]), kernel=kernel, data_inputs=(0,))


REDUCE = ("MEAN", "REDUCE_MAX", "SUM", "REDUCE_MIN", "REDUCE_PROD", "REDUCE_ANY", "REDUCE_ALL", "ARG_MAX", "ARG_MIN")


@handles(*REDUCE)
def reduce(info: NodeInfo) -> Result:
    """A reduction is one op per input element, like a global pool: cost.global_pool_cost(in numel).
    MEAN (Keras GlobalAveragePooling2D) and REDUCE_MAX are global pools."""
    kind = GLOBAL_POOL if info.op in ("MEAN", "REDUCE_MAX") else ELEMENTWISE
    return Result(kind, C.global_pool_cost(prod(info.shape(0))), data_inputs=(0,))


@handles("SOFTMAX", "LOG_SOFTMAX")
def softmax(info: NodeInfo) -> Result:
    """cost.softmax_cost(numel)."""
    return Result(SOFTMAX, C.softmax_cost(prod(info.shape(0))), data_inputs=(0,))


@handles("RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR")
def resize(info: NodeInfo) -> Result:
    """Nearest: a copy, no arithmetic.  Bilinear: 2 taps per resized axis for each output element,
    cost.pool_cost((2,)*axes, out numel)."""
    x, y = info.shape(0), info.out()
    axes = sum(1 for a, b in zip(x, y) if a != b)
    mode = "nearest" if info.op == "RESIZE_NEAREST_NEIGHBOR" else "linear"
    if mode == "nearest" or axes == 0:
        return Result(RESIZE, Cost(), data_inputs=(0,), note=mode)
    kernel = (2,) * axes
    return Result(RESIZE, C.pool_cost(kernel, prod(y)), kernel=kernel, data_inputs=(0,), note=mode)


# --------------------------------------------------------------------------
# Shape-only ops: zero arithmetic by design

SHAPE_OPS = ("RESHAPE", "SQUEEZE", "EXPAND_DIMS", "TRANSPOSE", "PAD", "PADV2", "MIRROR_PAD", "GATHER", "GATHER_ND",
             "SLICE", "STRIDED_SLICE", "SPLIT", "SPLIT_V", "TILE", "BROADCAST_TO", "CAST", "SHAPE", "RANK", "PACK",
             "UNPACK", "DEPTH_TO_SPACE", "SPACE_TO_DEPTH", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "FILL",
             "ZEROS_LIKE", "RANGE", "ONE_HOT", "REVERSE_V2", "REVERSE_SEQUENCE", "BROADCAST_ARGS", "SCATTER_ND",
             "DYNAMIC_UPDATE_SLICE", "MATRIX_DIAG", "MATRIX_SET_DIAG", "BITCAST")  # fmt: skip


# Data inputs of shape ops whose data is not (only) input 0; None = every non-constant input.
# As for ONNX, a computed shape, axis or index input (RESHAPE's shape from SHAPE -> PACK) is not an edge.
SHAPE_DATA: dict[str, tuple[int, ...] | None] = {"SPLIT": (1,), "SCATTER_ND": (1,), "DYNAMIC_UPDATE_SLICE": (0, 1), "PACK": None,
                                                 "BROADCAST_ARGS": None, "FILL": (1,), "RANGE": None}  # fmt: skip


@handles(*SHAPE_OPS)
def shape_only(info: NodeInfo) -> Result:
    """Data movement or shape arithmetic: zero cost by design."""
    return Result(SHAPE, data_inputs=SHAPE_DATA.get(info.op, (0,)))


@handles("CONCATENATION")
def concat(info: NodeInfo) -> Result:
    return Result(CONCAT)


# --------------------------------------------------------------------------
# Second pass: layers


def _names(tensor_name: str, fused: bool) -> tuple[str, str]:
    """(op layer name, fused activation layer name) from an output tensor name ``act;bn;conv``."""
    parts = [p for p in tensor_name.split(";") if p and not p.isdigit()]
    if not parts:
        return "", ""
    if len(parts) == 1:
        return parts[0], parts[0]
    rest = parts[1:] if fused else parts
    op_parts = [p for p in rest if not _PAD_NAME.search(p)] or rest
    return op_parts[-1], parts[0]


def _fmt_bytes(n: int) -> str:
    for unit, k in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= k:
            return f"{n / k:.1f} {unit}"
    return f"{n} B"


def read_tflite(path: str | Path, progress: bool = False, input_shapes: dict | None = None, **options) -> Model:
    """Read a TFLite flatbuffer into a Model; weight bytes are never read.

    Shapes are the file's (NHWC); params = the elements of every weight and bias tensor of the
    counted ops, each tensor once (the converter folds BatchNorm into conv biases and writes a
    bias for every conv), weights and biases apart.  ``progress`` is accepted for symmetry with
    the ONNX reader (a TFLite file is read in a moment); ``input_shapes`` is not supported: the
    counts use the shapes stored in the file.  Bad files raise InputError naming the file.
    """
    path = Path(path)
    if options:
        raise InputError(f"{path}: option(s) {', '.join(sorted(options))} do not apply to TFLite files")
    if input_shapes:
        raise InputError(f"{path}: --input-shape does not apply to TFLite files: dscost counts the shapes stored in the file "
                         f"(convert the model with the input shape you want)")  # fmt: skip
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: is a directory, not a model file" if path.is_dir() else f"{path}: not a regular file")
    try:
        import tflite as tfl
    except ImportError:
        raise InputError(f"{path}: reading TFLite files needs the tflite package: {INSTALL_HINT}") from None
    f = _open(path, tfl)
    if not f.graphs:
        raise InputError(f"{path}: not a valid TFLite model: no subgraph")
    return _build(path, f)


def _build(path: Path, f: _File) -> Model:
    g = f.graphs[0]
    tensors = g.tensors
    notes: list[str] = []
    notes.append(f"TFLite schema version {f.version}, {len(g.ops)} operators, {len(tensors)} tensors, {f.n_buffers} buffers "
                 f"({_fmt_bytes(f.weight_bytes)} of weights, not read)")  # fmt: skip
    notes.append("shapes are NHWC, as stored in the file")
    if len(f.graphs) > 1:
        notes.append(f"{len(f.graphs) - 1} more subgraph(s) (bodies of control-flow ops or other signatures) not counted")
    for t in g.inputs:
        tensor = tensors[t]
        sig = tensor.signature
        if sig and tensor.shape is not None and len(sig) == len(tensor.shape):
            dynamic = [i for i, d in enumerate(sig) if d < 0]
            if 0 in dynamic:
                notes.append(f"dynamic batch dimension of input {tensor.name!r} set to {tensor.shape[0]} (the file's shape)")
            rest = [i for i in dynamic if i != 0]
            if rest:
                raise InputError(f"{path}: input {tensor.name!r} has dynamic dimension(s) {', '.join(map(str, rest))} "
                                 f"(shape_signature {list(sig)}); dscost counts the shapes stored in the file: "
                                 f"convert the model with a fixed input shape")  # fmt: skip

    const: set[int] = {i for i, t in enumerate(tensors) if t.const}
    graph_inputs = set(g.inputs)
    layers: list[Layer] = []
    uncounted: list[Uncounted] = []
    producer: dict[int, str] = {}  # tensor -> layer name
    producer_op: dict[int, str] = {}
    claimed: dict[int, str] = {}  # param tensor -> first layer counting it
    shared: set[int] = set()  # param tensors used by more than one op
    used: set[str] = set()
    dtypes: dict[str, int] = {}

    def unique(name: str, index: int) -> str:
        if name in used:
            name = f"{name}_{index}"
        used.add(name)
        return name

    for op in g.ops:
        i = op.index
        act = op.options.get("FusedActivationFunction", 0) if op.options else 0
        out_name = tensors[op.outputs[0]].name if op.outputs else ""
        base, act_base = _names(out_name, bool(act))
        name = unique(base or f"{op.opname}_{i}", i)
        for t in op.outputs:
            producer[t] = name
            producer_op[t] = op.opname
        if op.custom:
            uncounted.append(Uncounted(name, op.opname, f"custom op {op.opname!r}: no cost handler"))
            continue
        if op.opname in CONTROL_FLOW:
            uncounted.append(Uncounted(name, op.opname, "control flow: its subgraph(s) are not counted"))
            continue
        handler = HANDLERS.get(op.opname)
        if handler is None:
            uncounted.append(Uncounted(name, op.opname, f"no cost handler for op {op.opname!r}"))
            continue
        info = NodeInfo(name, op.opname, op.options, op.inputs, tensors, const,
                        out_shapes=[tensors[t].shape for t in op.outputs])  # fmt: skip
        try:
            res = handler(info)
        except UnknownShape as err:
            uncounted.append(Uncounted(name, op.opname, f"unknown shape of {err}"))
            continue
        except (ValueError, TypeError, IndexError, KeyError, AttributeError, ZeroDivisionError) as err:
            uncounted.append(Uncounted(name, op.opname, f"cannot derive cost: {err}"))
            continue
        if op.opname == "DEQUANTIZE" and info.is_const(0):
            const.update(op.outputs)  # dequantized weights (float16, int8) are weights of the next op
        cost = res.cost
        notes_here: list[str] = [res.note] if res.note else []
        for k, field_name in res.params.items():
            t = op.inputs[k]
            if t in claimed:
                # The converter merges equal constants (the zero biases of an untrained model) into
                # one tensor; in the source model each layer had its own: counted for each op.
                notes_here.append(f"{field_name} {tensors[t].name!r} also used by {claimed[t]}: counted for each op")
                shared.add(t)
            else:
                claimed[t] = name
                type_name = TYPE_NAMES.get(tensors[t].dtype, str(tensors[t].dtype))
                dtypes[type_name] = dtypes.get(type_name, 0) + 1
            if not tensors[t].const:
                src = f"computed by {producer[t]} ({producer_op[t]})" if t in producer else "from graph input" if t in graph_inputs else "without data"
                notes_here.append(f"{field_name} {tensors[t].name!r} {src}")
        data_idx = res.data_inputs if res.data_inputs is not None else range(len(op.inputs))
        edges: list[str] = []
        for k in data_idx:
            if k >= len(op.inputs) or op.inputs[k] < 0 or k in res.params:
                continue
            t = op.inputs[k]
            if t in const:
                continue
            src = producer.get(t, tensors[t].name)
            if src not in edges:
                edges.append(src)
        in_shapes = [tensors[t].shape if t >= 0 else None for t in op.inputs]
        first = next((in_shapes[k] for k in data_idx if k < len(op.inputs) and k not in res.params and op.inputs[k] >= 0 and op.inputs[k] not in const and in_shapes[k] is not None), None)
        if first is None and res.type != SHAPE:
            first = next((s for s in in_shapes if s is not None), None)
        out_shape = tensors[op.outputs[0]].shape if op.outputs and tensors[op.outputs[0]].shape is not None else ()
        layers.append(Layer(name=name, type=res.type, op=op.opname, inputs=tuple(edges), input_shape=first or (),
                            output_shape=out_shape, cost=cost, conv=res.conv, kernel=res.kernel,
                            note="; ".join(notes_here)))  # fmt: skip
        if act:
            act_op, fn = FUSED_ACTIVATIONS.get(act, (f"activation {act}", None))
            act_name = unique(act_base if act_base and act_base != base else f"{name}/{act_op.lower()}", i)
            if fn is None:
                uncounted.append(Uncounted(act_name, act_op, f"fused activation {act_op} of {op.opname}: no cost handler"))
                continue
            layers.append(Layer(name=act_name, type=ACTIVATION, op=act_op, inputs=(name,), input_shape=out_shape,
                                output_shape=out_shape, cost=C.activation_cost(fn, prod(out_shape)),
                                note=f"fused into {op.opname}"))  # fmt: skip
            for t in op.outputs:
                producer[t] = act_name
    if dtypes:
        notes.append("params = elements of the weight and bias tensors of every counted op (TFLite converters fold BatchNorm "
                     "into conv weights and biases); tensors: " + ", ".join(f"{n} {d}" for d, n in sorted(dtypes.items(), key=lambda kv: -kv[1])))  # fmt: skip
    if shared:
        names = [tensors[t].name for t in sorted(shared)]
        shown = ", ".join(repr(n) for n in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        notes.append(f"{len(shared)} weight/bias tensor(s) used by several ops ({shown}): the converter merges equal constants, "
                     f"such as the zero biases of an untrained model, so each op counts its own copy")  # fmt: skip
    return Model(name=path.stem, source=str(path), layers=layers, uncounted=uncounted, notes=notes)
