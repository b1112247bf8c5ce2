"""ONNX op handlers: one small pure function per op type.

Each handler maps a :class:`~dscost.readers.onnx_node.NodeInfo` (the node's attributes and
the inferred shapes of its inputs and outputs) to a :class:`Result`: layer type, a
:class:`dscost.layers.Cost` computed with the formulas of :mod:`dscost.cost`,
the conv geometry (so the separable what-ifs work), and which inputs carry
parameters (so the reader can count a shared initializer once).

The table :data:`HANDLERS` maps an op type of the default ONNX domain to its
handler (the op-handle table of fvcore is the model).  An op type missing from
the table is never counted as zero: the reader lists it as uncounted.  This module
holds convolutions, matrix products, norms, element-wise, pooling and shape ops;
importing it also registers the sequence models' handlers of
:mod:`dscost.readers.onnx_sequence_ops`, so the table is complete.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.readers.handlers import Result, UnknownShape, out_numel
from dscost.readers.onnx_node import (
    CANNOT_RUN,
    FLOAT_TYPES,
    HANDLERS,
    NodeInfo,
    auto_pad,
    broadcasts_to,
    conv_geom,
    einsum_lone,
    einsum_pairs,
    einsum_shape,
    einsum_sizes,
    explicit_pads,
    handles,
    ints_attr,
    no_output,
    runtime_same_pool,
    str_attr,
    weight_kernel,
)
from dscost.readers import onnx_declared as D
from dscost.readers.onnx_sequence_ops import attention, causal_conv_with_state, recurrent, rotary_embedding  # (registers them)
from dscost.readers.onnx_legacy import crop, element_wise  # (registers ONNX's removed experimental ops)
from dscost.readers.onnx_linalg import det, inverse  # (registers Det, and onnxruntime's Inverse)
from dscost.readers.onnx_sampling import grid_sample, resize  # (registers the sampling ops)
from dscost.readers.onnx_signal import mel_weight_matrix, window  # (registers the window ops and MelWeightMatrix)
from dscost.readers.onnx_losses import nll_loss, softmax_cross_entropy  # (registers the training losses)
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
    SHAPE,
    SOFTMAX,
    Cost,
)

__all__ = ["CONTROL_FLOW", "FLOAT_TYPES", "HANDLERS", "NodeInfo", "UnknownShape", "activation_result",
           "attention", "causal_conv_with_state", "crop", "det", "element_wise", "grid_sample", "inverse", "mel_weight_matrix",
           "nll_loss", "recurrent", "resize", "rotary_embedding", "softmax_cross_entropy", "window"]  # fmt: skip


# --------------------------------------------------------------------------
# Convolutions and matrix products


def _conv_result(info: NodeInfo, x_i: int, w_i: int, b_i: int | None) -> Result:
    geom = conv_geom(info, x_i, w_i, b_i)
    params = {w_i: "weights", b_i: "biases"} if geom.bias else {w_i: "weights"}
    return Result(geom.kind, C.conv_cost(geom), conv=geom, kernel=geom.kernel, params=params, data_inputs=(x_i,))


@handles("Conv")
def conv(info: NodeInfo) -> Result:
    """Conv of any rank; W is (Cout, Cin/g, *kernel).  Cost: cost.conv_cost."""
    return _conv_result(info, 0, 1, 2)


@handles("ConvInteger")
def conv_integer(info: NodeInfo) -> Result:
    """ConvInteger(x, w, [x_zero_point], [w_zero_point]): integer Conv, cost.conv_cost as Conv.
    Zero points are not params."""
    return _conv_result(info, 0, 1, None)


@handles("QLinearConv")
def qlinear_conv(info: NodeInfo) -> Result:
    """QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, [B]): cost.conv_cost as Conv
    (w at index 3, int32 bias at 8).  Scales and zero points are not params; the output
    requantization is not counted (as the bias-free Conv it stands for)."""
    return _conv_result(info, 0, 3, 8)


@handles("ConvTranspose")
def conv_transpose(info: NodeInfo) -> Result:
    """W is (Cin, Cout/g, *kernel).  MACs = N * prod(in spatial) * Cin * (Cout/g) * prod(kernel)."""
    x, w = info.shape(0), info.shape(1)
    n, cin, spatial = x[0], x[1], tuple(x[2:])
    r = len(spatial)
    groups = int(info.attr("group", 1))
    kernel = weight_kernel(info, x, w)
    cout = w[1] * groups
    if cin != w[0] or groups < 1 or cin % groups:
        raise ValueError(f"input has {cin} channels but weight {tuple(w)} with group={groups} takes {w[0]}: {CANNOT_RUN}")
    if info.attr("output_shape") and len(info.attr("output_shape")) not in (r, r + 2):  # (N, C, *spatial: onnxruntime 1.18 takes the last r)
        raise ValueError(f"output_shape {list(info.attr('output_shape'))} has {len(info.attr('output_shape'))} values where its input's {r} spatial axes take {r}: {CANNOT_RUN}")
    y = info.out_shapes[0] if info.out_shapes else None
    if y is not None and info.op != "ConvTranspose":  # (ConvTransposeWithDynamicPads: its shape function read the pads' value)
        out = tuple(y[2:])
    elif info.attr("output_shape"):
        out = tuple(int(v) for v in info.attr("output_shape"))[-r:]
    elif auto_pad(info) in ("SAME_UPPER", "SAME_LOWER"):  # (in x stride; onnx's inference differs with output_padding: a declared size is taken)
        out = tuple(y[2:]) if y is not None else tuple(s * st for s, st in zip(spatial, ints_attr(info.attr("strides"), r, 1, "strides")))
    else:
        stride = ints_attr(info.attr("strides"), r, 1, "strides")
        dilation = ints_attr(info.attr("dilations"), r, 1, "dilations")
        pads = (0,) * (2 * r) if auto_pad(info) == "VALID" else ints_attr(info.attr("pads"), 2 * r, 0, "pads")
        opad = ints_attr(info.attr("output_padding"), r, 0, "output_padding")
        out = tuple(C.conv_transpose_out_size(spatial[i], kernel[i], stride[i], dilation[i], pads[i], pads[r + i], opad[i]) for i in range(r))
    D.declared_output(info, (n, cout, *out))  # (a file inferred at another batch or size, then its input edited)
    no_output(out, spatial)
    bias = info.has(2)
    cost = C.conv_transpose_cost(kernel, cin, cout, groups, spatial, out, bias, n)
    params = {1: "weights", 2: "biases"} if bias else {1: "weights"}
    return Result(CONV_TRANSPOSE, cost, kernel=kernel, params=params, data_inputs=(0,))


@handles("DeformConv")
def deform_conv(info: NodeInfo) -> Result:
    """DeformConv(X, W, offset, [B], [mask]): cost.conv_cost as Conv (W (Cout, Cin/g, *kernel)),
    plus the bilinear sampling of every input value it reads, 2^r taps each (r spatial axes),
    and a multiply by the mask when there is one: N*Cin*prod(kernel)*prod(out)*(2^r [+ 1]) other
    ops.  No separable what-if (its sampling is not a depthwise conv's); offset and mask are data."""
    geom = conv_geom(info, 0, 1, 3)
    r, groups, taps, out = len(geom.kernel), int(info.attr("offset_group", 1)), prod(geom.kernel), tuple(geom.out_spatial)
    for i, what, per_tap in ((2, "offset", f"{r} x "), (4, "mask", "")):  # (onnxruntime's kernel checks both when it runs)
        s, channels = info.input_shape(i), groups * (r if per_tap else 1) * taps
        if s is not None and len(s) == r + 2 and (s[1], *s[2:]) != (channels, *out):
            raise ValueError(f"its {what} {tuple(s)} is not (batch, {channels}, {', '.join(map(str, out))}): offset_group {groups} x {per_tap}"
                             f"its kernel's {taps} taps at its output's size: {CANNOT_RUN}")  # fmt: skip
    samples = geom.batch * geom.cin * prod(geom.kernel) * prod(geom.out_spatial)
    cost = C.conv_cost(geom)
    cost = replace(cost, other_ops=cost.other_ops + samples * (2 ** len(geom.kernel) + int(info.has(4))))
    params = {1: "weights", 3: "biases"} if geom.bias else {1: "weights"}
    return Result(geom.kind, cost, kernel=geom.kernel, params=params, data_inputs=(0, 2, 4), note="deformable")


@handles("Gemm")
def gemm(info: NodeInfo) -> Result:
    """Y = A'B' + C, an exporter's fully connected layer: cost.linear_cost(K, N, rows=M); B the weights
    (A when only A is a constant), C the biases (data when no constant of M x N, M > 1: a residual)."""
    a, b = info.shape(0), info.shape(1)
    if len(a) != 2 or len(b) != 2:  # (onnx-simplifier's rewrite of a PyG SAGEConv: A of rank 1)
        raise ValueError(f"Gemm takes 2-D A and B, given {tuple(a)} and {tuple(b)}: {CANNOT_RUN}")
    m, k = (a[1], a[0]) if info.attr("transA", 0) else (a[0], a[1])
    kb, n = (b[1], b[0]) if info.attr("transB", 0) else (b[0], b[1])
    if k != kb:
        raise ValueError(f"A {tuple(a)} and B {tuple(b)} disagree on the inner dimension ({k} vs {kb}): {CANNOT_RUN}")
    D.declared_output(info, (m, n))
    bias = info.has(2)
    cost = C.linear_cost(k, n, rows=m, bias=bias)
    if bias:
        if info.input_shape(2) is not None and not broadcasts_to(tuple(info.input_shape(2)), (m, n)):
            raise ValueError(f"its C {tuple(info.input_shape(2))} does not broadcast to its output ({m}, {n}): {CANNOT_RUN}")
        c_numel = prod(info.shape(2))
        if c_numel != n:  # a bias of another (broadcast) shape
            cost = replace(cost, biases=c_numel)
    w_i = 0 if info.is_const(0) and not info.is_const(1) else 1
    if w_i == 0:
        cost = replace(cost, weights=prod(a))
    residual = bias and not info.is_const(2) and m > 1 and prod(info.shape(2)) == m * n
    if residual:
        cost = replace(cost, biases=0)
    params = {w_i: "weights", **({2: "biases"} if bias and not residual else {})}
    return Result(FC, cost, params=params, data_inputs=(1 - w_i, *((2,) if residual else ())))


def _matmul(info: NodeInfo, a_i: int, b_i: int) -> Result:
    a, b = info.shape(a_i), info.shape(b_i)
    ka, kb = a[-1], (b[0] if len(b) == 1 else b[-2])
    if ka != kb:
        raise ValueError(f"A {tuple(a)} and B {tuple(b)} disagree on the inner dimension ({ka} vs {kb}): {CANNOT_RUN}")
    if len(a) > 1 and len(b) > 1:  # (numpy's product of 1-D operands drops their axis)
        D.declared_output(info, (*C.broadcast_shape(tuple(a[:-2]), tuple(b[:-2])), a[-2], b[-1]))
    if info.is_const(b_i) and len(b) == 2 and not info.is_const(a_i):
        rows = prod(a[:-1]) if len(a) > 1 else 1
        return Result(FC, C.linear_cost(b[0], b[1], rows=rows, bias=False), params={b_i: "weights"}, data_inputs=(a_i,))
    cost = C.matmul_cost(a, b)
    if info.is_const(a_i) and not info.is_const(b_i):
        return Result(MATMUL, replace(cost, weights=prod(a)), params={a_i: "weights"}, data_inputs=(b_i,))
    if info.is_const(b_i) and not info.is_const(a_i):  # batched (or 1-D) constant weights
        return Result(MATMUL, replace(cost, weights=prod(b)), params={b_i: "weights"}, data_inputs=(a_i,))
    return Result(MATMUL, cost, data_inputs=(a_i, b_i))


@handles("MatMul")
def matmul(info: NodeInfo) -> Result:
    """MatMul with a constant 2-D right operand is a linear layer (cost.linear_cost, rows = all
    leading dims of A); otherwise cost.matmul_cost (batched, broadcast), with a constant operand
    (either side, any rank) counted as weights."""
    return _matmul(info, 0, 1)


@handles("MatMulInteger")
def matmul_integer(info: NodeInfo) -> Result:
    """MatMulInteger(A, B, [a_zero_point], [b_zero_point]): as MatMul; zero points are not params."""
    return _matmul(info, 0, 1)


@handles("QLinearMatMul")
def qlinear_matmul(info: NodeInfo) -> Result:
    """QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp): as MatMul on inputs 0 and 3;
    scales and zero points are not params."""
    return _matmul(info, 0, 3)


@handles("QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear")
def quantize(info: NodeInfo) -> Result:
    """cost.per_element_cost: quantize/dequantize 2 ops per element (scale, and round + shift by the
    zero point), DynamicQuantizeLinear 4 (also the min and max that give its scale).  Scales and
    zero points are not params; a dequantized constant weight is counted by the layer using it."""
    fn = {"QuantizeLinear": "quantize", "DequantizeLinear": "dequantize"}.get(info.op, "dynamic_quantize")
    note = "constant input: foldable" if info.is_const(0) else ""
    return Result(ELEMENTWISE, C.per_element_cost(fn, prod(info.shape(0))), data_inputs=(0,), note=note)


@handles("Einsum")
def einsum(info: NodeInfo) -> Result:
    """Two operands: cost.einsum_cost (MACs = product of the sizes of all distinct index letters),
    a constant operand counted as weights, as for MatMul; an index one operand alone holds and the
    output does not is summed out of that operand first, one op per its element, as torch and
    onnxruntime do (``bhnd,bhmd->bhn``: k summed over m, then b*h*n*d MACs); with nothing to sum
    (every index summed over has size 1: ``blq,blk->blqk``), a broadcast multiply, one op per
    output element, as torch computes it (and counts no MACs).  One operand (sum, transpose, trace): one op per input
    element.  More operands: contracted left to right, as onnxruntime runs them
    (:func:`einsum_pairs`), each pair counted as two operands are; constant operands are weights."""
    eq = info.attr("equation", "")
    eq = (eq.decode() if isinstance(eq, bytes) else str(eq)).replace(" ", "")
    terms = eq.split("->")[0].split(",")
    if len(terms) != len([i for i in range(len(info.inputs)) if info.has(i)]):
        raise ValueError(f"equation {eq!r} has {len(terms)} operands, the node {len(info.inputs)} inputs")
    if len(terms) == 1:
        return Result(ELEMENTWISE, C.global_pool_cost(prod(info.shape(0))), note=eq)
    sizes, batch, out = einsum_sizes(eq, shapes := [info.shape(i) for i in range(len(terms))])
    declared = info.out_shapes[0] if info.out_shapes else None
    if declared is not None and tuple(declared) != (shape := einsum_shape(sizes, batch, out)):
        raise ValueError(f"its operands give {shape}, its output is declared {tuple(declared)}: {CANNOT_RUN}")
    if len(terms) > 2:
        pairs = einsum_pairs(eq, shapes)
        cost = Cost(macs=sum(n for n, summed in pairs if summed > 1), other_ops=sum(n for n, summed in pairs if summed == 1))
        data = tuple(i for i in range(len(terms)) if not info.is_const(i))
        params = {i: "weights" for i in range(len(terms)) if info.is_const(i)} if data else {}
        note = f"{eq}: {len(terms)} operands contracted left to right, as onnxruntime runs them"
        return Result(MATMUL if cost.macs else ELEMENTWISE, replace(cost, weights=sum(prod(shapes[i]) for i in params)), params=params,
                      data_inputs=data if params else None, note=note)  # fmt: skip
    lone, reduced = einsum_lone(eq, sizes, shapes)  # (summed out of their operand first: b h m d -> b h d)
    sizes = {x: d for x, d in sizes.items() if x not in lone}
    if batch:
        sizes["..."] = prod(batch)
    if prod(d for x, d in sizes.items() if (x != "..." and x not in out) or (x == "..." and "..." not in out)) == 1:
        # nothing to sum (an outer product, a contraction of size 1): the broadcast multiply torch computes it as
        params = {i: "weights" for i in (0, 1) if info.is_float_const(i) and not info.is_const(1 - i) and prod(info.shape(i)) > 1}
        cost = C.elementwise_cost(prod(sizes.values()))
        cost = replace(cost, other_ops=cost.other_ops + reduced)
        return Result(ELEMENTWISE, replace(cost, weights=sum(prod(info.shape(i)) for i in params)), params=params, note=eq)
    cost = replace(C.einsum_cost(sizes), other_ops=reduced)
    for c, d in ((0, 1), (1, 0)):
        if info.is_const(c) and not info.is_const(d):
            return Result(MATMUL, replace(cost, weights=prod(info.shape(c))), params={c: "weights"}, data_inputs=(d,), note=eq)
    return Result(MATMUL, cost, note=eq)


# --------------------------------------------------------------------------
# Normalization


@handles("BatchNormalization")
def batchnorm(info: NodeInfo) -> Result:
    """cost.batchnorm_cost(C, numel): scale/B learnable, running mean/var buffers."""
    D.same_shape(info)
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
    D.same_shape(info)
    x = info.shape(0)
    return Result(NORM, C.norm_cost(prod(x), 2 * x[1]), params={1: "norm_params", 2: "norm_params"}, data_inputs=(0,))


@handles("LayerNormalization", "GroupNormalization", "RMSNormalization", "SimplifiedLayerNormalization")
def layer_norm(info: NodeInfo) -> Result:
    """cost.norm_cost(numel, numel(scale) + numel(bias)).  SimplifiedLayerNormalization is
    onnxruntime's RMS norm of the default domain (its output shape: onnx_contrib.SHAPES)."""
    D.same_shape(info)
    x = info.shape(0)
    affine = sum(prod(info.shape(i)) for i in (1, 2) if info.has(i))
    params = {i: "norm_params" for i in (1, 2) if info.has(i)}
    return Result(NORM, C.norm_cost(prod(x), affine), params=params, data_inputs=(0,))


@handles("LRN")
def lrn(info: NodeInfo) -> Result:
    """cost.lrn_cost(size, numel) = (size + 4) * numel other ops; no params."""
    D.same_shape(info)
    return Result(NORM, C.lrn_cost(int(info.attr("size", 1)), prod(info.shape(0))), data_inputs=(0,))


@handles("MeanVarianceNormalization")
def mean_variance_normalization(info: NodeInfo) -> Result:
    """cost.norm_cost(numel, 0): as a norm without scale and bias; no params."""
    D.same_shape(info)
    return Result(NORM, C.norm_cost(prod(info.shape(0)), 0), data_inputs=(0,))


@handles("LpNormalization")
def lp_normalization(info: NodeInfo) -> Result:
    """cost.per_element_cost("lp_norm", numel) = 3 ops per element; no params."""
    D.same_shape(info)
    return Result(NORM, C.per_element_cost("lp_norm", prod(info.shape(0))), data_inputs=(0,))


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
    "Softsign": "softsign",
}


def activation_result(info, fn: str) -> Result:
    """cost.activation_cost(fn, numel); a PReLU's constant slope (input 1) counts as weights.
    Shared with the TFLite handlers (any NodeInfo with ``is_const``, ``shape``, ``out_shapes``)."""
    params = {1: "weights"} if fn == "prelu" and info.is_const(1) else {}
    cost = C.activation_cost(fn, out_numel(info))
    if params:
        cost = replace(cost, weights=prod(info.shape(1)))
    return Result(ACTIVATION, cost, params=params, data_inputs=(0,), note="" if fn == info.op.lower() else fn)


@handles(*ACTIVATIONS)
def activation(info: NodeInfo) -> Result:
    D.same_shape(info)
    return activation_result(info, ACTIVATIONS[info.op])


@handles("Clip")
def clip(info: NodeInfo) -> Result:
    """One compare per element (relu6 when clipping to [0, 6])."""
    D.same_shape(info)
    return Result(ACTIVATION, C.activation_cost("clip", out_numel(info)), data_inputs=(0,))


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
    if "broadcast" not in info.attrs:  # (opset < 7 broadcasts by its attributes, not numpy's rule)
        D.broadcast(info)
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
    D.same_shape(info)
    return Result(ELEMENTWISE, C.elementwise_cost(out_numel(info), 2))


@handles("CumSum", "CumProd")
def cumsum(info: NodeInfo) -> Result:
    """A running sum (product) along ``axis``: one add (multiply) per output element,
    cost.elementwise_cost(numel, 2)."""
    D.same_shape(info)
    return Result(ELEMENTWISE, C.elementwise_cost(out_numel(info), 2), data_inputs=(0,))


@handles("Shrink")
def shrink(info: NodeInfo) -> Result:
    """cost.per_element_cost("shrink", numel) = 2 ops per element (compare, then add or subtract bias)."""
    D.same_shape(info)
    return Result(ACTIVATION, C.per_element_cost("shrink", out_numel(info)), data_inputs=(0,))


@handles("SwiGLU")
def swiglu(info: NodeInfo) -> Result:
    """Y = Swish(A) * B: cost.per_element_cost("swiglu", numel) = 5 ops per element (swish 4, multiply 1)."""
    return Result(ACTIVATION, C.per_element_cost("swiglu", out_numel(info)), data_inputs=(0, 1))


@handles("TopK")
def topk(info: NodeInfo) -> Result:
    """cost.per_element_cost("topk", numel of X) = one compare per input element (ordering the k
    results is not counted); K is shape data."""
    return Result(ELEMENTWISE, C.per_element_cost("topk", prod(info.shape(0))), data_inputs=(0,))


@handles("RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Bernoulli")
def random(info: NodeInfo) -> Result:
    """cost.per_element_cost("random", numel) = one op per generated element (Bernoulli: per draw)."""
    return Result(ELEMENTWISE, C.per_element_cost("random", prod(info.out())), data_inputs=(0,))


@handles("Multinomial")
def multinomial(info: NodeInfo) -> Result:
    """Per batch row of C classes: the distribution's cumulative sum from its log-probabilities
    (an exp and an add per class, 2C), then per sample one uniform draw and a binary search of
    the sums (1 + ceil(log2 C)): batch * (2C + sample_size * (1 + ceil(log2 C)))."""
    x = info.shape(0)
    if len(x) != 2:
        raise ValueError(f"input {tuple(x)} is not (batch, class_size)")
    batch, classes = x
    samples = int(info.attr("sample_size", 1))
    search = max(classes - 1, 0).bit_length()  # ceil(log2 C)
    return Result(ELEMENTWISE, Cost(other_ops=batch * (2 * classes + samples * (1 + search))), data_inputs=(0,))


# --------------------------------------------------------------------------
# Pooling, reductions, softmax, resize


@handles("MaxPool", "AveragePool", "LpPool")
def pool(info: NodeInfo) -> Result:
    """cost.pool_cost(kernel, out numel).  A declared output that its input and attributes
    contradict (a size the file was exported at) makes the node uncounted, saying why."""
    r = len(info.attr("kernel_shape", ()))
    kernel = ints_attr(info.attr("kernel_shape"), r, 1, "kernel_shape")  # (a size of 0: onnx's checker and onnxruntime refuse it)
    x, y = (info.in_shapes[0] if info.in_shapes else None), (info.out_shapes[0] if info.out_shapes else None)
    nchw, note = info.op in ("MaxPool", "AveragePool", "LpPool"), ""  # (onnxruntime's NhwcMaxPool comes here too)
    if nchw and r and info.attr("pads") and auto_pad(info) == "NOTSET":  # (onnxruntime's kernel refuses it when the session starts)
        pads = ints_attr(info.attr("pads"), 2 * r, 0, "pads")
        if any(max(pads[i], pads[r + i]) >= kernel[i] for i in range(r)):
            raise ValueError(f"onnxruntime refuses it: pads {list(pads)} are not all smaller than its kernel {list(kernel)}")
    if nchw and x is not None and y is not None and len(x) == len(y) == r + 2:
        stride, dilation = ints_attr(info.attr("strides"), r, 1, "strides"), ints_attr(info.attr("dilations"), r, 1, "dilations")
        pads = explicit_pads(info, tuple(x[2:]), kernel, stride, dilation)
        out = tuple(C.conv_out_size(x[2 + i], kernel[i], stride[i], dilation[i], pads[i], pads[r + i]) for i in range(r))
        fits = tuple(y[2:]) in (out, tuple(o or 1 for o in out))  # (a window larger than the input: 0 by floor, 1 by onnx and onnxruntime)
        if info.attr("ceil_mode", 0):  # rounded up, with or without a last window that starts in the end padding
            sizes = [C.ceil_pool_out(x[2 + i], kernel[i], stride[i], dilation[i], pads[i], pads[r + i]) for i in range(r)]
            out = tuple(run for _, run in sizes)
            fits = tuple(y[2:]) in (out, tuple(up for up, _ in sizes))
        note, at_runtime = runtime_same_pool(info, tuple(x[2:]), kernel, stride, dilation, out, tuple(y[2:]))
        fits = fits or at_runtime  # (a file may declare onnxruntime's size)
        if tuple(y[:2]) != tuple(x[:2]) or not fits:
            raise ValueError(f"its input is {tuple(x)}, its output is declared {tuple(y)} (spatial {out} with pads {list(pads)}, "
                             f"strides {list(stride)}): {CANNOT_RUN}")  # fmt: skip
    return Result(POOL, C.pool_cost(kernel, prod(info.out())), kernel=kernel, data_inputs=(0,), note=note)


@handles("GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool")
def global_pool(info: NodeInfo) -> Result:
    """cost.global_pool_cost(in numel)."""
    if info.op.startswith("Global"):  # (not QLinearGlobalAveragePool's channels_last)
        D.global_pool(info)
    return Result(GLOBAL_POOL, C.global_pool_cost(prod(info.shape(0))))


REDUCE = ("ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd", "ReduceL1", "ReduceL2",
          "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin")  # fmt: skip


@handles(*REDUCE)
def reduce(info: NodeInfo) -> Result:
    """A reduction is one op per input element, like a global pool: cost.global_pool_cost(in numel)."""
    D.reduce(info)
    kind = GLOBAL_POOL if info.op in ("ReduceMean", "ReduceMax") else ELEMENTWISE
    return Result(kind, C.global_pool_cost(prod(info.shape(0))), data_inputs=(0,))


@handles("Softmax", "LogSoftmax")
def softmax(info: NodeInfo) -> Result:
    """cost.softmax_cost(numel)."""
    D.same_shape(info)
    return Result(SOFTMAX, C.softmax_cost(prod(info.shape(0))))


@handles("Hardmax")
def hardmax(info: NodeInfo) -> Result:
    """cost.per_element_cost("hardmax", numel) = 1 op (compare) per element."""
    D.same_shape(info)
    return Result(ELEMENTWISE, C.per_element_cost("hardmax", prod(info.shape(0))))


# --------------------------------------------------------------------------
# Shape-only ops: zero arithmetic by design

SHAPE_OPS = ("Reshape", "Transpose", "Squeeze", "Unsqueeze", "Shape", "Size", "Gather", "GatherElements",
             "GatherND", "Constant", "ConstantOfShape", "Identity", "Dropout", "Slice", "Split", "Expand",
             "Tile", "Pad", "Cast", "CastLike", "Range", "DepthToSpace", "SpaceToDepth", "NonZero",
             "ScatterND", "ScatterElements", "EyeLike", "OneHot", "Trilu", "ReverseSequence", "Compress",
             "SplitToSequence", "SequenceAt", "SequenceConstruct", "ConcatFromSequence", "Col2Im", "Scatter",
             "MaxUnpool", "CenterCropPad", "BitCast", "Optional", "OptionalGetElement", "OptionalHasElement",
             "SequenceEmpty", "SequenceErase", "SequenceInsert", "SequenceLength", "TensorScatter")  # fmt: skip


@handles(*SHAPE_OPS)
def shape_only(info: NodeInfo) -> Result:
    """Data movement or shape arithmetic: zero cost by design.  But a scatter that reduces
    (ScatterElements, ScatterND with ``reduction`` add, mul, max or min: a graph network's
    message aggregation) is one op per update element, as a ReduceSum of them is; so is Col2Im
    (``F.fold``: an overlap-add of its blocks, one op per block element)."""
    multi = info.op in ("Concat", "ScatterND", "ScatterElements", "Scatter", "SequenceConstruct", "SequenceInsert",
                        "TensorScatter", "MaxUnpool")  # fmt: skip
    if (check := D.SHAPE_CHECKS.get(info.op)) is not None:
        check(info)
    if info.op in ("ScatterElements", "ScatterND") and str_attr(info, "reduction", "none") != "none":
        return Result(ELEMENTWISE, C.global_pool_cost(prod(info.shape(2))), data_inputs=None)
    if info.op == "Col2Im":
        return Result(ELEMENTWISE, C.global_pool_cost(prod(info.shape(0))), data_inputs=(0,))
    if info.op in ("Gather", "GatherElements", "GatherND"):  # the indices are data too (token ids)
        return Result(SHAPE, data_inputs=(0, 1))
    return Result(SHAPE, data_inputs=None if multi else (0,))


@handles("Flatten")
def flatten(info: NodeInfo) -> Result:
    D.flatten(info)
    return Result(FLATTEN, data_inputs=(0,))


@handles("Concat")
def concat(info: NodeInfo) -> Result:
    """Data movement; inputs whose known shapes do not concatenate to the output's known shape
    are a graph that cannot run (a ValueError: uncounted, saying so)."""
    D.concat(info)
    return Result(CONCAT)


# Ops that hold subgraphs: reported as uncounted with a summary of their subgraphs.
CONTROL_FLOW = ("If", "Loop", "Scan", "SequenceMap")
