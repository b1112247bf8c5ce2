"""ONNX op handlers: one small pure function per op type.

Each handler maps a :class:`NodeInfo` (the node's attributes and the inferred
shapes of its inputs and outputs) to a :class:`Result`: layer type, a
:class:`dscost.layers.Cost` computed with the formulas of :mod:`dscost.cost`,
the conv geometry (so the separable what-ifs work), and which inputs carry
parameters (so the reader can count a shared initializer once).

The table :data:`HANDLERS` maps an op type of the default ONNX domain to its
handler (the op-handle table of fvcore is the model).  An op type missing from
the table is never counted as zero: the reader lists it as uncounted.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from math import prod
from typing import Callable

from dscost import cost as C
from dscost.layers import (
    ACTIVATION,
    ADD,
    BATCHNORM,
    CONCAT,
    CONV_TRANSPOSE,
    ELEMENTWISE,
    FC,
    FLATTEN,
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

# ONNX TensorProto.DataType values of floating-point tensors.
FLOAT_TYPES = frozenset({1, 10, 11, 16, 17, 18, 19, 20, 23, 24, 25})


class UnknownShape(Exception):
    """A shape the handler needs was not inferred; the message names the tensor."""


@dataclass
class NodeInfo:
    """What a handler may look at.  Shapes include the batch dimension; a shape is
    ``None`` when shape inference could not resolve every dimension."""

    name: str
    op: str
    attrs: dict
    inputs: list[str]  # tensor names; "" for an omitted optional input
    outputs: list[str]
    in_shapes: list[Shape | None]
    out_shapes: list[Shape | None]
    const: dict[str, int] = field(default_factory=dict)  # constant tensor name -> ONNX data type

    def has(self, i: int) -> bool:
        return i < len(self.inputs) and self.inputs[i] != ""

    def is_const(self, i: int) -> bool:
        return self.has(i) and self.inputs[i] in self.const

    def is_float_const(self, i: int) -> bool:
        return self.is_const(i) and self.const[self.inputs[i]] in FLOAT_TYPES

    def shape(self, i: int) -> Shape:
        """Inferred shape of input ``i``; UnknownShape when missing."""
        s = self.in_shapes[i] if i < len(self.in_shapes) else None
        if s is None:
            raise UnknownShape(f"input {i} ({self.inputs[i]!r})" if i < len(self.inputs) else f"input {i}")
        return s

    def out(self, i: int = 0) -> Shape:
        s = self.out_shapes[i] if i < len(self.out_shapes) else None
        if s is None:
            raise UnknownShape(f"output {i} ({self.outputs[i]!r})" if i < len(self.outputs) else f"output {i}")
        return s

    def attr(self, key: str, default=None):
        return self.attrs.get(key, default)


@dataclass
class Result:
    type: str
    cost: Cost = field(default_factory=Cost)
    conv: ConvGeom | None = None
    kernel: Shape | None = None
    # input index -> Cost field ("weights", "biases", "norm_params", "buffers")
    # holding that input's element count; lets the reader count a tensor once.
    params: dict[int, str] = field(default_factory=dict)
    # indices of inputs that are data (graph edges); None = every non-constant input
    data_inputs: tuple[int, ...] | None = None
    note: str = ""


Handler = Callable[[NodeInfo], Result]
HANDLERS: dict[str, Handler] = {}


def handles(*ops: str):
    def register(fn: Handler) -> Handler:
        for op in ops:
            HANDLERS[op] = fn
        return fn

    return register


def _ints(value, n: int, default: int) -> tuple[int, ...]:
    return tuple(int(v) for v in value) if value else (default,) * n


def _auto_pad(info: NodeInfo) -> str:
    v = info.attr("auto_pad", "NOTSET")
    return v.decode() if isinstance(v, bytes) else str(v)


def _pads(info: NodeInfo, spatial: Shape, kernel: Shape, stride: Shape, dilation: Shape) -> tuple[int, ...]:
    """Explicit pads (all begins, then all ends), resolving auto_pad SAME_UPPER/SAME_LOWER/VALID."""
    r = len(spatial)
    mode = _auto_pad(info)
    if mode in ("SAME_UPPER", "SAME_LOWER"):
        pairs = [C.same_pads(spatial[i], kernel[i], stride[i], dilation[i], upper=mode == "SAME_UPPER") for i in range(r)]
        return tuple(p[0] for p in pairs) + tuple(p[1] for p in pairs)
    if mode == "VALID":
        return (0,) * (2 * r)
    return _ints(info.attr("pads"), 2 * r, 0)


# --------------------------------------------------------------------------
# Convolutions and matrix products


@handles("Conv")
def conv(info: NodeInfo) -> Result:
    """Conv of any rank; W is (Cout, Cin/g, *kernel).  Cost: cost.conv_cost."""
    x, w = info.shape(0), info.shape(1)
    n, cin, spatial = x[0], x[1], tuple(x[2:])
    r = len(spatial)
    kernel = _ints(info.attr("kernel_shape"), r, 1) if info.attr("kernel_shape") else tuple(w[2:])
    groups = int(info.attr("group", 1))
    stride = _ints(info.attr("strides"), r, 1)
    dilation = _ints(info.attr("dilations"), r, 1)
    if cin != w[1] * groups:
        raise ValueError(f"input has {cin} channels but weight {tuple(w)} with group={groups} expects {w[1] * groups}")
    pads = _pads(info, spatial, kernel, stride, dilation)
    out = tuple(C.conv_out_size(spatial[i], kernel[i], stride[i], dilation[i], pads[i], pads[r + i]) for i in range(r))
    bias = info.has(2)
    geom = ConvGeom(kernel, cin, w[0], groups, stride, dilation, pads, spatial, out, bias, n)
    params = {1: "weights", 2: "biases"} if bias else {1: "weights"}
    return Result(geom.kind, C.conv_cost(geom), conv=geom, kernel=kernel, params=params, data_inputs=(0,))


@handles("ConvTranspose")
def conv_transpose(info: NodeInfo) -> Result:
    """W is (Cin, Cout/g, *kernel).  MACs = N * prod(in spatial) * Cin * (Cout/g) * prod(kernel)."""
    x, w = info.shape(0), info.shape(1)
    n, cin, spatial = x[0], x[1], tuple(x[2:])
    r = len(spatial)
    groups = int(info.attr("group", 1))
    kernel = _ints(info.attr("kernel_shape"), r, 1) if info.attr("kernel_shape") else tuple(w[2:])
    cout = w[1] * groups
    y = info.out_shapes[0] if info.out_shapes else None
    if y is not None:
        out = tuple(y[2:])
    elif info.attr("output_shape"):
        out = tuple(int(v) for v in info.attr("output_shape"))[-r:]
    elif _auto_pad(info) in ("SAME_UPPER", "SAME_LOWER"):
        out = tuple(s * st for s, st in zip(spatial, _ints(info.attr("strides"), r, 1)))
    else:
        stride = _ints(info.attr("strides"), r, 1)
        dilation = _ints(info.attr("dilations"), r, 1)
        pads = (0,) * (2 * r) if _auto_pad(info) == "VALID" else _ints(info.attr("pads"), 2 * r, 0)
        opad = _ints(info.attr("output_padding"), r, 0)
        out = tuple(C.conv_transpose_out_size(spatial[i], kernel[i], stride[i], dilation[i], pads[i], pads[r + i], opad[i]) for i in range(r))
    bias = info.has(2)
    cost = C.conv_transpose_cost(kernel, cin, cout, groups, spatial, out, bias, n)
    params = {1: "weights", 2: "biases"} if bias else {1: "weights"}
    return Result(CONV_TRANSPOSE, cost, kernel=kernel, params=params, data_inputs=(0,))


@handles("Gemm")
def gemm(info: NodeInfo) -> Result:
    """Y = A'B' + C, the fully connected layer of ONNX exporters: B counts as weights, C as biases.
    Cost: cost.linear_cost(K, N, rows=M)."""
    a, b = info.shape(0), info.shape(1)
    m, k = (a[1], a[0]) if info.attr("transA", 0) else (a[0], a[1])
    kb, n = (b[1], b[0]) if info.attr("transB", 0) else (b[0], b[1])
    if k != kb:
        raise ValueError(f"A {tuple(a)} and B {tuple(b)} disagree on the inner dimension ({k} vs {kb})")
    bias = info.has(2)
    cost = C.linear_cost(k, n, rows=m, bias=bias)
    if bias:
        c_numel = prod(info.shape(2))
        if c_numel != n:  # a bias of another (broadcast) shape
            cost = replace(cost, biases=c_numel)
    params = {1: "weights", 2: "biases"} if bias else {1: "weights"}
    return Result(FC, cost, params=params, data_inputs=(0,))


@handles("MatMul")
def matmul(info: NodeInfo) -> Result:
    """MatMul with a constant 2-D right operand is a linear layer (cost.linear_cost, rows = all
    leading dims of A); otherwise cost.matmul_cost (batched, broadcast), with a constant operand
    (either side, any rank) counted as weights."""
    a, b = info.shape(0), info.shape(1)
    ka, kb = a[-1], (b[0] if len(b) == 1 else b[-2])
    if ka != kb:
        raise ValueError(f"A {tuple(a)} and B {tuple(b)} disagree on the inner dimension ({ka} vs {kb})")
    if info.is_const(1) and len(b) == 2 and not info.is_const(0):
        rows = prod(a[:-1]) if len(a) > 1 else 1
        return Result(FC, C.linear_cost(b[0], b[1], rows=rows, bias=False), params={1: "weights"}, data_inputs=(0,))
    cost = C.matmul_cost(a, b)
    if info.is_const(0) and not info.is_const(1):
        return Result(MATMUL, replace(cost, weights=prod(a)), params={0: "weights"}, data_inputs=(1,))
    if info.is_const(1) and not info.is_const(0):  # batched (or 1-D) constant weights
        return Result(MATMUL, replace(cost, weights=prod(b)), params={1: "weights"}, data_inputs=(0,))
    return Result(MATMUL, cost)


# --------------------------------------------------------------------------
# Normalization


@handles("BatchNormalization")
def batchnorm(info: NodeInfo) -> Result:
    """cost.batchnorm_cost(C, numel): scale/B learnable, running mean/var buffers."""
    x = info.shape(0)
    return Result(
        BATCHNORM,
        C.batchnorm_cost(x[1], prod(x)),
        params={1: "norm_params", 2: "norm_params", 3: "buffers", 4: "buffers"},
        data_inputs=(0,),
    )


@handles("InstanceNormalization")
def instance_norm(info: NodeInfo) -> Result:
    """cost.norm_cost(numel, 2*C)."""
    x = info.shape(0)
    return Result(NORM, C.norm_cost(prod(x), 2 * x[1]), params={1: "norm_params", 2: "norm_params"}, data_inputs=(0,))


@handles("LayerNormalization", "GroupNormalization", "RMSNormalization")
def layer_norm(info: NodeInfo) -> Result:
    """cost.norm_cost(numel, numel(scale) + numel(bias))."""
    x = info.shape(0)
    affine = sum(prod(info.shape(i)) for i in (1, 2) if info.has(i))
    params = {i: "norm_params" for i in (1, 2) if info.has(i)}
    return Result(NORM, C.norm_cost(prod(x), affine), params=params, data_inputs=(0,))


# --------------------------------------------------------------------------
# Element-wise


# ONNX op -> key of cost.ACTIVATION_OPS
ACTIVATIONS = {
    "Relu": "relu",
    "LeakyRelu": "leaky_relu",
    "PRelu": "prelu",
    "Elu": "elu",
    "Selu": "elu",
    "Celu": "elu",
    "ThresholdedRelu": "relu",
    "Sigmoid": "sigmoid",
    "HardSigmoid": "hard_sigmoid",
    "Tanh": "tanh",
    "HardSwish": "hard_swish",
    "Swish": "swish",
    "Gelu": "gelu",
    "FastGelu": "gelu",
    "Softplus": "softplus",
    "Mish": "mish",
}


def _numel(info: NodeInfo) -> int:
    """Output elements (the input's when the output shape is unknown)."""
    s = info.out_shapes[0] if info.out_shapes and info.out_shapes[0] is not None else info.shape(0)
    return prod(s)


@handles(*ACTIVATIONS)
def activation(info: NodeInfo) -> Result:
    """cost.activation_cost(fn, numel).  PRelu's constant slope counts as weights."""
    fn = ACTIVATIONS[info.op]
    params = {1: "weights"} if info.op == "PRelu" and info.is_const(1) else {}
    cost = C.activation_cost(fn, _numel(info))
    if params:
        cost = replace(cost, weights=prod(info.shape(1)))
    return Result(ACTIVATION, cost, params=params, data_inputs=(0,), note="" if fn == info.op.lower() else fn)


@handles("Clip")
def clip(info: NodeInfo) -> Result:
    """One compare per element (relu6 when clipping to [0, 6])."""
    return Result(ACTIVATION, C.activation_cost("clip", _numel(info)), data_inputs=(0,))


BINARY = ("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Equal", "Greater", "Less",
          "GreaterOrEqual", "LessOrEqual", "And", "Or", "Xor", "Mod", "BitShift", "BitwiseAnd", "BitwiseOr",
          "BitwiseXor", "Where")  # fmt: skip


@handles(*BINARY)
def elementwise(info: NodeInfo) -> Result:
    """cost.elementwise_cost(numel, n) for n inputs (Where: one select per element).
    A constant float operand with more than one element (a learned bias or scale, as in
    MatMul+Add or a folded BN) counts as params: biases for Add/Sub, weights for Mul/Div;
    scalar constants (x / 255) do not."""
    n = 2 if info.op == "Where" else sum(1 for i in range(len(info.inputs)) if info.has(i))
    cost = C.elementwise_cost(prod(info.out()), max(n, 2))
    params: dict[int, str] = {}
    if info.op in ("Add", "Sub", "Mul", "Div"):
        kind = "biases" if info.op in ("Add", "Sub") else "weights"
        for i in range(len(info.inputs)):
            if info.is_float_const(i) and info.in_shapes[i] is not None and prod(info.in_shapes[i]) > 1:
                params[i] = kind
                cost = replace(cost, **{kind: getattr(cost, kind) + prod(info.in_shapes[i])})
    return Result(ADD if info.op in ("Add", "Sum") else ELEMENTWISE, cost, params=params)


UNARY = ("Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Erf", "Floor", "Ceil", "Round", "Sign", "Sin",
         "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Not", "IsNaN",
         "IsInf", "BitwiseNot")  # fmt: skip


@handles(*UNARY)
def unary(info: NodeInfo) -> Result:
    """One op per output element: cost.elementwise_cost(numel, 2)."""
    return Result(ELEMENTWISE, C.elementwise_cost(_numel(info), 2))


# --------------------------------------------------------------------------
# Pooling, reductions, softmax, resize


@handles("MaxPool", "AveragePool", "LpPool")
def pool(info: NodeInfo) -> Result:
    """cost.pool_cost(kernel, out numel)."""
    kernel = tuple(int(k) for k in info.attr("kernel_shape", ()))
    return Result(POOL, C.pool_cost(kernel, prod(info.out())), kernel=kernel, data_inputs=(0,))


@handles("GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool")
def global_pool(info: NodeInfo) -> Result:
    """cost.global_pool_cost(in numel)."""
    return Result(GLOBAL_POOL, C.global_pool_cost(prod(info.shape(0))))


REDUCE = ("ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd", "ReduceL1", "ReduceL2",
          "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin")  # fmt: skip


@handles(*REDUCE)
def reduce(info: NodeInfo) -> Result:
    """A reduction is one op per input element, like a global pool: cost.global_pool_cost(in numel)."""
    kind = GLOBAL_POOL if info.op in ("ReduceMean", "ReduceMax") else ELEMENTWISE
    return Result(kind, C.global_pool_cost(prod(info.shape(0))), data_inputs=(0,))


@handles("Softmax", "LogSoftmax")
def softmax(info: NodeInfo) -> Result:
    """cost.softmax_cost(numel)."""
    return Result(SOFTMAX, C.softmax_cost(prod(info.shape(0))))


@handles("Resize", "Upsample")
def resize(info: NodeInfo) -> Result:
    """Nearest: a copy, no arithmetic.  (Bi/tri)linear and cubic: a weighted sum of 2 or 4 taps
    per resized axis for each output element, i.e. cost.pool_cost((taps,)*axes, out numel)."""
    x, y = info.shape(0), info.out()
    mode = info.attr("mode", "nearest")
    mode = mode.decode() if isinstance(mode, bytes) else str(mode)
    axes = sum(1 for a, b in zip(x, y) if a != b)
    if mode == "nearest" or axes == 0:
        return Result(RESIZE, Cost(), data_inputs=(0,), note=mode)
    taps = 4 if mode == "cubic" else 2
    kernel = (taps,) * axes
    return Result(RESIZE, C.pool_cost(kernel, prod(y)), kernel=kernel, data_inputs=(0,), note=mode)


# --------------------------------------------------------------------------
# Shape-only ops: zero arithmetic by design

SHAPE_OPS = ("Reshape", "Transpose", "Squeeze", "Unsqueeze", "Shape", "Size", "Gather", "GatherElements",
             "GatherND", "Constant", "ConstantOfShape", "Identity", "Dropout", "Slice", "Split", "Expand",
             "Tile", "Pad", "Cast", "CastLike", "Range", "DepthToSpace", "SpaceToDepth", "NonZero",
             "ScatterND", "ScatterElements", "EyeLike", "OneHot", "Trilu", "ReverseSequence", "Compress",
             "SplitToSequence", "SequenceAt", "SequenceConstruct", "ConcatFromSequence", "Col2Im")  # fmt: skip


@handles(*SHAPE_OPS)
def shape_only(info: NodeInfo) -> Result:
    """Data movement or shape arithmetic: zero cost by design."""
    multi = info.op in ("Concat", "ScatterND", "ScatterElements", "SequenceConstruct")
    return Result(SHAPE, data_inputs=None if multi else (0,))


@handles("Flatten")
def flatten(info: NodeInfo) -> Result:
    return Result(FLATTEN, data_inputs=(0,))


@handles("Concat")
def concat(info: NodeInfo) -> Result:
    return Result(CONCAT)


# Ops that hold subgraphs: reported as uncounted with a summary of their subgraphs.
CONTROL_FLOW = ("If", "Loop", "Scan", "SequenceMap")
