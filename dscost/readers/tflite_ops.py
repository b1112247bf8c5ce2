"""TFLite op handlers: one small pure function per builtin op, as :mod:`dscost.readers.onnx_ops`
does for ONNX (same :class:`Result`, the formulas of :mod:`dscost.cost`); shapes are NHWC as
stored, filters OHWI (depthwise 1HWC)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from math import prod

from dscost import cost as C
from dscost.layers import (
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
    Shape,
)
from dscost.readers.handlers import Result, UnknownShape, op_registry, out_numel
from dscost.readers.onnx_ops import activation_result
from dscost.readers.tflite_file import FLOAT_TYPES, SAME, VALID, Tensor
from dscost.readers.tflite_propagate import output_shape


# --------------------------------------------------------------------------
# Op handlers


@dataclass
class NodeInfo:
    """What a handler may look at: the op, its options and its tensors (shapes as stored, NHWC)."""

    name: str
    op: str
    options: dict
    inputs: list[int]  # tensor indices; -1 for an omitted optional input
    tensors: list[Tensor]
    const: set = field(default_factory=set)  # indices of constant tensors (buffers with data, dequantized constants)
    out_shapes: list = field(default_factory=list)
    file: object = None  # the TFLiteFile, for an op that runs a subgraph of it (a StableHLO composite)

    def has(self, i: int) -> bool:
        return i < len(self.inputs) and self.inputs[i] >= 0

    def tensor(self, i: int) -> Tensor:
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


HANDLERS, handles = op_registry()


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
    _positive(info, "StrideW", "StrideH")
    return _transpose_conv(info, x_i=2, w_i=1, b_i=3)


@handles("CONV_3D_TRANSPOSE")
def conv_3d_transpose(info: NodeInfo) -> Result:
    """CONV_3D_TRANSPOSE(output_shape, filter DHWOI (Kd, Kh, Kw, Cout, Cin), input NDHWC, [bias]),
    as TensorFlow's conv3d_transpose: cost.conv_transpose_cost; the output size is the output
    tensor's."""
    _positive(info, "StrideD", "StrideW", "StrideH")
    w, x, y = info.shape(1), info.shape(2), info.out()
    if len(w) != 5 or len(x) != 5 or len(y) != 5:
        raise ValueError(f"filter {list(w)} / input {list(x)} / output {list(y)} are not DHWOI / NDHWC / NDHWC")
    if x[4] != w[4]:
        raise ValueError(f"input has {x[4]} channels, the filter {w[4]}")
    bias = info.has(3)
    _bias_fits(info, 3, w[3])
    cost = C.conv_transpose_cost(tuple(w[:3]), x[4], w[3], 1, tuple(x[1:4]), tuple(y[1:4]), bias, x[0])
    return Result(CONV_TRANSPOSE, cost, kernel=tuple(w[:3]), params={1: "weights", 3: "biases"} if bias else {1: "weights"}, data_inputs=(2,))


@handles("Convolution2DTransposeBias")
def mediapipe_transpose_conv(info: NodeInfo) -> Result:
    """MediaPipe's custom Convolution2DTransposeBias(input NHWC, filter OHWI, bias) (its selfie and
    hair segmentation models): as TRANSPOSE_CONV (its stride and padding, in the custom options,
    only set the output size, which is the output tensor's)."""
    return replace(_transpose_conv(info, x_i=0, w_i=1, b_i=2), note="MediaPipe custom op")


@handles("TransformTensorBilinear")
def mediapipe_transform_tensor(info: NodeInfo) -> Result:
    """MediaPipe's TransformTensorBilinear(feature map NHWC, 4x4 matrix) -> (N, h, w, C) (its face
    landmarker's attention crops): ONNX's AffineGrid then GridSample, counted the same way -- the
    2x3 affine part times each output point's (u, v, 1), N*h*w*2*3 MACs, then 2x2 bilinear taps
    per output element, cost.pool_cost((2, 2), out numel)."""
    x, m, y = info.shape(0), info.shape(1), info.out()
    if len(x) != 4 or len(y) != 4 or prod(m) != 16 or x[3] != y[3]:
        raise ValueError(f"input {list(x)}, matrix {list(m)}, output {list(y)} are not NHWC, 4x4, NHWC with the input's channels")
    grid = C.matmul_cost((y[0], y[1] * y[2], 3), (y[0], 3, 2))
    return Result(RESIZE, grid + C.pool_cost((2, 2), prod(y)), kernel=(2, 2), data_inputs=(0, 1), note="MediaPipe custom op, bilinear")


@handles("TransformLandmarks")
def mediapipe_transform_landmarks(info: NodeInfo) -> Result:
    """MediaPipe's TransformLandmarks(landmarks (N, L, D), 4x4 matrix): each landmark's D
    coordinates and a 1 times the D x (D+1) part of the matrix, N*L*D*(D+1) MACs (ONNX's
    AffineGrid convention)."""
    pts, m = info.shape(0), info.shape(1)
    if len(pts) < 2 or prod(m) != 16 or pts[-1] not in (2, 3):
        raise ValueError(f"landmarks {list(pts)} / matrix {list(m)} are not (N, L, 2 or 3) / 4x4")
    d = pts[-1]
    return Result(MATMUL, C.matmul_cost((prod(pts[:-1]), d + 1), (d + 1, d)), data_inputs=(0, 1), note="MediaPipe custom op")


def _transpose_conv(info: NodeInfo, x_i: int, w_i: int, b_i: int) -> Result:
    w, x = info.shape(w_i), info.shape(x_i)
    if len(w) != 4 or len(x) != 4:
        raise ValueError(f"filter {list(w)} / input {list(x)} are not OHWI / NHWC")
    if x[3] != w[3]:
        raise ValueError(f"input has {x[3]} channels, the filter {w[3]}")
    bias = info.has(b_i)
    _bias_fits(info, b_i, w[0])
    if x_i == 2:  # (TRANSPOSE_CONV: input 0 is the output's shape)
        declared_output(info, _ints(info, 0))
    cost = C.conv_transpose_cost((w[1], w[2]), x[3], w[0], 1, tuple(x[1:3]), tuple(info.out()[1:3]), bias, x[0])
    params = {w_i: "weights", b_i: "biases"} if bias else {w_i: "weights"}
    return Result(CONV_TRANSPOSE, cost, kernel=(w[1], w[2]), params=params, data_inputs=(x_i,))


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


@handles(*ACTIVATIONS)
def activation(info: NodeInfo) -> Result:
    """As for ONNX (:func:`dscost.readers.onnx_ops.activation_result`); PRELU's constant alpha counts as weights."""
    if info.op != "PRELU" and info.has(0) and info.tensor(0).shape is not None:
        _check_out(info, info.tensor(0).shape)  # (a declared output smaller than the input would shrink what follows)
    return activation_result(info, ACTIVATIONS[info.op])


BINARY = ("ADD", "SUB", "MUL", "DIV", "ADD_N", "MAXIMUM", "MINIMUM", "POW", "SQUARED_DIFFERENCE", "FLOOR_DIV",
          "FLOOR_MOD", "EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "LOGICAL_AND",
          "LOGICAL_OR", "SELECT", "SELECT_V2", "ATAN2", "RIGHT_SHIFT", "BITWISE_XOR")  # fmt: skip


@handles(*BINARY)
def elementwise(info: NodeInfo) -> Result:
    """cost.elementwise_cost(numel, n) for n inputs (SELECT: one select per element).  A constant
    float (or quantized) operand with more than one element counts as params: biases for ADD/SUB,
    weights for MUL/DIV; scalar constants do not.  Operands that do not broadcast (numpy's
    rule; SELECT's condition may be one per row) make an op that cannot run: uncounted."""
    n = 2 if info.op.startswith("SELECT") else sum(1 for i in range(len(info.inputs)) if info.has(i))
    shapes = [info.shape(i) for i in range(1 if info.op == "SELECT" else 0, len(info.inputs)) if info.has(i)]
    for s in shapes[1:]:
        shapes[0] = C.broadcast_shape(shapes[0], s)  # (a ValueError: "shapes ... do not broadcast")
    if shapes and None not in shapes and info.op != "SELECT":
        _check_out(info, shapes[0])  # (LiteRT sizes the output by broadcasting, whatever the file declares)
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
         "LOGICAL_NOT", "CUMSUM")  # fmt: skip


@handles(*UNARY)
def unary(info: NodeInfo) -> Result:
    """One op per output element: cost.elementwise_cost(numel, 2) (CUMSUM: an add per element)."""
    if info.has(0) and info.tensor(0).shape is not None:
        _check_out(info, info.tensor(0).shape)
    return Result(ELEMENTWISE, C.elementwise_cost(out_numel(info), 2), data_inputs=(0,))


@handles("COMPLEX_ABS")
def complex_abs(info: NodeInfo) -> Result:
    """The magnitude of each complex element (a spectrogram's, after RFFT2D):
    cost.per_element_cost("complex_abs", numel of the output)."""
    return Result(ELEMENTWISE, C.per_element_cost("complex_abs", out_numel(info)), data_inputs=(0,))


@handles("TOPK_V2")
def topk(info: NodeInfo) -> Result:
    """As ONNX's TopK: cost.per_element_cost("topk", numel of the input), one compare per element."""
    return Result(ELEMENTWISE, C.per_element_cost("topk", prod(info.shape(0))), data_inputs=(0,))


@handles("RANDOM_STANDARD_NORMAL", "RANDOM_UNIFORM", "MULTINOMIAL")
def random(info: NodeInfo) -> Result:
    """cost.per_element_cost("random", numel of the output): one op per drawn element."""
    return Result(ELEMENTWISE, C.per_element_cost("random", prod(info.out())), data_inputs=())


@handles("FAKE_QUANT")
def fake_quant(info: NodeInfo) -> Result:
    """Quantize then dequantize each element (quantization-aware training left in a file): 2 + 2 ops."""
    numel = prod(info.shape(0))
    return Result(ELEMENTWISE, C.per_element_cost("quantize", numel) + C.per_element_cost("dequantize", numel), data_inputs=(0,))


@handles("DENSIFY")
def densify(info: NodeInfo) -> Result:
    """DENSIFY(sparse constant): the dense copy of sparse weights, which TFLite makes once, when
    it prepares the model: no cost; the layer using them counts the dense tensor's elements."""
    return Result(SHAPE, data_inputs=(0,), note="sparse weights made dense once, at load")


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
    size = _ints(info, 1)
    if size is not None and len(size) == 2 and len(x) == 4:
        declared_output(info, (x[0], *size, x[3]))
    axes = sum(1 for a, b in zip(x, y) if a != b)
    mode = "nearest" if info.op == "RESIZE_NEAREST_NEIGHBOR" else "linear"
    if mode == "nearest" or axes == 0:
        return Result(RESIZE, Cost(), data_inputs=(0,), note=mode)
    kernel = (2,) * axes
    return Result(RESIZE, C.pool_cost(kernel, prod(y)), kernel=kernel, data_inputs=(0,), note=mode)


# --------------------------------------------------------------------------
# Shape-only ops: zero arithmetic by design

SHAPE_OPS = ("RESHAPE", "SQUEEZE", "EXPAND_DIMS", "TRANSPOSE", "PAD", "PADV2", "MIRROR_PAD",
             "SLICE", "STRIDED_SLICE", "SPLIT", "SPLIT_V", "TILE", "BROADCAST_TO", "CAST", "SHAPE", "RANK", "PACK",
             "UNPACK", "DEPTH_TO_SPACE", "SPACE_TO_DEPTH", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "FILL",
             "ZEROS_LIKE", "RANGE", "ONE_HOT", "REVERSE_V2", "REVERSE_SEQUENCE", "BROADCAST_ARGS", "SCATTER_ND",
             "DYNAMIC_UPDATE_SLICE", "MATRIX_DIAG", "MATRIX_SET_DIAG", "BITCAST", "REAL", "IMAG")  # fmt: skip


# Data inputs of shape ops whose data is not (only) input 0; None = every non-constant input.
# As for ONNX, a computed shape, axis or index input (RESHAPE's shape from SHAPE -> PACK) is not an edge.
SHAPE_DATA: dict[str, tuple[int, ...] | None] = {"SPLIT": (1,), "SCATTER_ND": (1,), "DYNAMIC_UPDATE_SLICE": (0, 1), "PACK": None,
                                                 "BROADCAST_ARGS": None, "FILL": (1,), "RANGE": None}  # fmt: skip


@handles(*SHAPE_OPS)
def shape_only(info: NodeInfo) -> Result:
    """Data movement or shape arithmetic: zero cost by design.  An op that keeps every element
    (RESHAPE, SQUEEZE, EXPAND_DIMS, TRANSPOSE, CAST, REVERSE_V2) whose declared output holds
    another number of them cannot run as declared (LiteRT computes the output's shape itself).  A BROADCAST_TO
    or TILE of a learned table to a computed shape (a position table to the batch) counts it as
    weights; to a constant shape, its output is a constant, counted as the table where it meets
    activations (:mod:`tflite_reader`)."""
    if info.op in SIZE_KEEPING and info.has(0) and info.tensor(0).shape is not None and info.out_shapes and info.out_shapes[0] is not None:
        x, y = info.tensor(0).shape, info.out_shapes[0]
        if prod(x) != prod(y):
            raise ValueError(f"output shape {list(y)} ({prod(y):,} elements) disagrees with its input's {list(x)} ({prod(x):,})")
    declared_output(info, _made_shape(info))
    if info.op in ("BROADCAST_TO", "TILE") and info.is_float_const(0) and prod(info.shape(0)) > 1 and info.has(1) and not info.is_const(1):
        return Result(SHAPE, Cost(weights=prod(info.shape(0))), params={0: "weights"}, data_inputs=(0,))
    return Result(SHAPE, data_inputs=SHAPE_DATA.get(info.op, (0,)))


def _ints(info: NodeInfo, i: int) -> tuple[int, ...] | None:
    """The values of a small constant integer input (paddings, multiples, a size), else None."""
    return info.tensor(i).ints if info.has(i) and info.is_const(i) else None


MADE_BY_OPERANDS = frozenset({"PAD", "PADV2", "MIRROR_PAD", "TILE", "BROADCAST_TO", "SLICE", "STRIDED_SLICE"})


def _made_shape(info: NodeInfo) -> tuple[int, ...] | None:
    """The output shape a PAD, TILE, BROADCAST_TO, SLICE or STRIDED_SLICE makes of its input and
    constant operands, by LiteRT's rule (:func:`tflite_propagate.output_shape`); None when not
    known here."""
    if info.op not in MADE_BY_OPERANDS or not info.has(0) or info.tensor(0).shape is None:
        return None
    values = {t: v for i, t in enumerate(info.inputs[1:], 1) if (v := _ints(info, i)) is not None}
    return output_shape(info, {info.inputs[0]: tuple(info.tensor(0).shape)}, values)


def declared_output(info: NodeInfo, made: tuple[int, ...] | None) -> None:
    """An output declared at another shape than the op makes (LiteRT sizes it itself, and every
    layer after it would be counted at the declared size): the op cannot run as declared."""
    y = info.out_shapes[0] if info.out_shapes else None
    if made is not None and y is not None and tuple(y) != tuple(made):
        raise ValueError(f"output shape {list(y)} disagrees with the {list(made)} its input and options give")


SIZE_KEEPING = ("RESHAPE", "SQUEEZE", "EXPAND_DIMS", "TRANSPOSE", "CAST", "REVERSE_V2")


# Recurrent ops whose fused_activation_function is the cell's own activation, applied inside
# each step (not a layer after the op, as for a conv): their handlers are in tflite_recurrent.
RECURRENT_OPS = ("UNIDIRECTIONAL_SEQUENCE_LSTM", "LSTM", "UNIDIRECTIONAL_SEQUENCE_RNN", "RNN", "BIDIRECTIONAL_SEQUENCE_RNN")


def fused_activation(op) -> int:
    """The fused_activation_function applied after ``op`` (0: none); a recurrent op's is its cell's own."""
    return op.options.get("FusedActivationFunction", 0) if op.options and op.opname not in RECURRENT_OPS else 0


@handles("GATHER", "GATHER_ND", "EMBEDDING_LOOKUP")
def gather(info: NodeInfo) -> Result:
    """Zero arithmetic.  A learned constant table (float or quantized, more than one element: an
    Embedding) read at computed indices counts as weights, as in the ONNX reader; the indices are
    then the data input (EMBEDDING_LOOKUP takes the ids first, the table second)."""
    table, ids = (1, 0) if info.op == "EMBEDDING_LOOKUP" else (0, 1)
    if info.is_float_const(table) and prod(info.shape(table)) > 1 and info.has(ids) and not info.is_const(ids):
        return Result(SHAPE, Cost(weights=prod(info.shape(table))), params={table: "weights"}, data_inputs=(ids,))
    return Result(SHAPE, data_inputs=(table,))


@handles("CONCATENATION")
def concat(info: NodeInfo) -> Result:
    """Zero arithmetic; its output the inputs joined along ``axis``.  A learned constant (float or
    quantized, more than one element) joined to activations -- ViT's class token before its
    patches -- counts as weights, as the ONNX reader counts a float initializer that meets
    activations (round 53: Flax's and torchvision's ViT lost their 32-element token)."""
    shapes = [info.tensor(i).shape for i in range(len(info.inputs)) if info.has(i)]
    axis = info.opt("Axis", 0)
    if shapes and all(sh is not None and len(sh) == len(shapes[0]) for sh in shapes) and -len(shapes[0]) <= axis < len(shapes[0]):
        a = axis % len(shapes[0])
        declared_output(info, tuple(sum(sh[a] for sh in shapes) if k == a else d for k, d in enumerate(shapes[0])))
    present = [i for i in range(len(info.inputs)) if info.has(i)]
    learned = [i for i in present if info.is_float_const(i) and prod(info.shape(i)) > 1]
    if learned and any(not info.is_const(i) for i in present):
        data = tuple(i for i in present if i not in learned)
        return Result(CONCAT, Cost(weights=sum(prod(info.shape(i)) for i in learned)), params=dict.fromkeys(learned, "weights"), data_inputs=data)
    return Result(CONCAT)


