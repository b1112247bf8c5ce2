"""onnxruntime's quantized contrib ops: the QOperator format of its static quantizer (QGemm,
QLinearAdd, QLinearMul, QLinearConcat, QLinearGlobalAveragePool, QLinearSoftmax,
QLinearSigmoid, QLinearLeakyRelu, QLinearWhere: each takes its float twin's inputs with a scale and zero point
after each, which are not params, and costs what its twin costs) and its dynamic quantizer's
DynamicQuantizeLSTM; and its own QuantizeLinear and DequantizeLinear (QDQ of 16 and 4 bits before
opset 21, or with the quantizer's ``UseQDQContribOps``), costed as the standard ops.  Its integer
ops (MatMulInteger16, MulInteger, ReduceSumInteger, QLinearReduceMean) cost what MatMul, Mul,
ReduceSum and ReduceMean cost; the int8 ops of its CUDA provider's cuBLASLt path (QuantizeWithOrder,
DequantizeWithOrder, QOrderedMatMul, QOrderedGelu, QOrderedLayerNormalization, QOrderedAttention),
what their float twins cost: a matrix order is a memory layout, not arithmetic.  Registered in the
contrib table of :mod:`dscost.readers.onnx_node` when :mod:`dscost.readers.onnx_contrib` is imported.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.layers import ADD, CONCAT, ELEMENTWISE, MATMUL, Shape
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import NodeInfo, contrib_handles as handles, contrib_shapes as shapes, input_0_shape
from dscost.readers.onnx_ops import activation_result, gemm, global_pool, layer_norm, matmul_integer, quantize, reduce, softmax
from dscost.readers.onnx_sequence_ops import recurrent


def _in(info: NodeInfo, i: int) -> Shape | None:
    return info.input_shape(i)


# onnxruntime's QuantizeLinear / DequantizeLinear (com.microsoft): the standard ops' cost
# (onnx_ops.quantize); the output has the input's shape (see onnx_contrib.same_as_input)
handles("QuantizeLinear", "DequantizeLinear")(quantize)


@shapes("DynamicQuantizeLSTM")
def dynamic_quantize_lstm_shape(info: NodeInfo) -> list:
    """As LSTM: Y (seq, dirs, batch, H), Y_h and Y_c (dirs, batch, H); batch first with layout 1.
    R is (dirs, H, 4H)."""
    x, r = _in(info, 0), _in(info, 2)
    if x is None or r is None or len(x) != 3 or len(r) != 3:
        return [None] * len(info.outputs)
    dirs, hidden = r[0], r[1]
    if info.attr("layout", 0):
        return [(x[0], x[1], dirs, hidden), (x[0], dirs, hidden), (x[0], dirs, hidden)][: len(info.outputs)]
    return [(x[0], dirs, x[1], hidden), (dirs, x[1], hidden), (dirs, x[1], hidden)][: len(info.outputs)]


@handles("DynamicQuantizeLSTM")
def dynamic_quantize_lstm(info: NodeInfo) -> Result:
    """onnxruntime's dynamically quantized LSTM (quantize_dynamic): LSTM's inputs 0-7 with int8 W
    (dirs, input, 4H) and R (dirs, H, 4H), transposed from LSTM's, then their scales and zero
    points (not params): LSTM's cost (onnx_sequence_ops.recurrent)."""
    ins = list(info.in_shapes)
    for i in (1, 2):
        if i < len(ins) and ins[i] is not None and len(ins[i]) == 3:
            ins[i] = (ins[i][0], ins[i][2], ins[i][1])
    return recurrent(replace(info, op="LSTM", in_shapes=ins))


@handles("QGemm")
def qgemm(info: NodeInfo) -> Result:
    """QGemm(A, a_scale, a_zp, B, b_scale, b_zp, [C], [y_scale], [y_zp]): as Gemm on A, B, C."""
    pick = (0, 3, 6)
    sub = replace(info, inputs=[info.inputs[i] if i < len(info.inputs) else "" for i in pick],
                  in_shapes=[info.in_shapes[i] if i < len(info.in_shapes) else None for i in pick])  # fmt: skip
    res = gemm(sub)
    return replace(res, params={pick[i]: kind for i, kind in res.params.items()}, data_inputs=(0,))


@shapes("QLinearAdd", "QLinearMul")
def qlinear_binary_shape(info: NodeInfo) -> list:
    a, b = _in(info, 0), _in(info, 3)
    return [C.broadcast_shape(a, b) if a is not None and b is not None else None]


@handles("QLinearAdd", "QLinearMul")
def qlinear_binary(info: NodeInfo) -> Result:
    """QLinearAdd / QLinearMul(A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp): one op per
    output element; a constant operand of more than one element counts as biases (Add) or
    weights (Mul), as for their float twins."""
    cost = C.elementwise_cost(prod(info.out()), 2)
    kind = "biases" if info.op == "QLinearAdd" else "weights"
    params = {i: kind for i in (0, 3) if info.is_const(i) and prod(info.shape(i)) > 1}
    cost = replace(cost, **{kind: sum(prod(info.shape(i)) for i in params)})
    return Result(ADD if info.op == "QLinearAdd" else ELEMENTWISE, cost, params=params, data_inputs=(0, 3))


@shapes("QLinearWhere")
def qlinear_where_shape(info: NodeInfo) -> list:
    c, x, y = _in(info, 0), _in(info, 1), _in(info, 4)
    return [C.broadcast_shape(C.broadcast_shape(c, x), y) if None not in (c, x, y) else None]


@handles("QLinearWhere")
def qlinear_where(info: NodeInfo) -> Result:
    """QLinearWhere(condition, X, X_scale, X_zp, Y, Y_scale, Y_zp, Z_scale, Z_zp): Where's cost,
    one select per output element."""
    return Result(ELEMENTWISE, C.elementwise_cost(prod(info.out()), 2), data_inputs=(0, 1, 4))


@shapes("QLinearConcat")
def qlinear_concat_shape(info: NodeInfo) -> list:
    parts = [_in(info, i) for i in range(2, len(info.inputs), 3)]
    if not parts or any(p is None for p in parts):
        return [None]
    axis = int(info.attr("axis", 0)) % len(parts[0])
    return [parts[0][:axis] + (sum(p[axis] for p in parts),) + parts[0][axis + 1 :]]


@handles("QLinearConcat")
def qlinear_concat(info: NodeInfo) -> Result:
    """QLinearConcat(Y_scale, Y_zp, then X, X_scale, X_zp for each input): a copy, zero cost."""
    return Result(CONCAT, data_inputs=tuple(range(2, len(info.inputs), 3)))


@shapes("QLinearGlobalAveragePool")
def qlinear_global_pool_shape(info: NodeInfo) -> list:
    x = _in(info, 0)
    if x is None:
        return [None]
    if info.attr("channels_last", 0):
        return [(x[0],) + (1,) * (len(x) - 2) + (x[-1],)]
    return [(x[0], x[1]) + (1,) * (len(x) - 2)]


@handles("QLinearGlobalAveragePool")
def qlinear_global_pool(info: NodeInfo) -> Result:
    """As GlobalAveragePool (onnx_ops.global_pool) on input 0."""
    return replace(global_pool(info), data_inputs=(0,))




@handles("QLinearSoftmax")
def qlinear_softmax(info: NodeInfo) -> Result:
    """As Softmax (onnx_ops.softmax) on input 0."""
    return replace(softmax(info), data_inputs=(0,))


@handles("QLinearSigmoid", "QLinearLeakyRelu")
def qlinear_activation(info: NodeInfo) -> Result:
    """As the float activation (onnx_ops.activation_result: sigmoid, leaky_relu) on input 0."""
    return activation_result(info, "sigmoid" if info.op == "QLinearSigmoid" else "leaky_relu")


# --------------------------------------------------------------------------
# Integer ops: the float twin's cost


# MatMulInteger16(A, B): 16-bit integers multiplied into int32, as MatMul (onnx_ops.matmul_integer;
# its shape: onnx_contrib.matmul_shape)
handles("MatMulInteger16")(matmul_integer)


@shapes("MulInteger")
def mul_integer_shape(info: NodeInfo) -> list:
    a, b = _in(info, 0), _in(info, 2)
    return [C.broadcast_shape(a, b) if a is not None and b is not None else None]


@handles("MulInteger")
def mul_integer(info: NodeInfo) -> Result:
    """MulInteger(A, A_zp, B, B_zp) = (A - A_zp) * (B - B_zp) in int32: Mul's cost, one op per
    output element; a constant operand of more than one element counts as weights."""
    params = {i: "weights" for i in (0, 2) if info.is_const(i) and prod(info.shape(i)) > 1}
    cost = replace(C.elementwise_cost(prod(info.out()), 2), weights=sum(prod(info.shape(i)) for i in params))
    return Result(ELEMENTWISE, cost, params=params, data_inputs=(0, 2))


@shapes("ReduceSumInteger", "QLinearReduceMean")
def reduce_integer_shape(info: NodeInfo) -> list:
    """The reduced shape: ``axes`` (all when absent) kept as 1 with ``keepdims`` (default 1), else dropped."""
    x = _in(info, 0)
    if x is None:
        return [None]
    axes = {int(a) % len(x) for a in info.attr("axes", ())} or set(range(len(x)))
    keep = int(info.attr("keepdims", 1))
    return [tuple(1 if i in axes else d for i, d in enumerate(x) if keep or i not in axes)]


@handles("ReduceSumInteger", "QLinearReduceMean")
def reduce_integer(info: NodeInfo) -> Result:
    """ReduceSumInteger (int8 summed into int32) as ReduceSum, QLinearReduceMean(data, data_scale,
    data_zp, reduced_scale, reduced_zp) as ReduceMean: one op per input element (onnx_ops.reduce)."""
    twin = "ReduceSum" if info.op == "ReduceSumInteger" else "ReduceMean"
    return replace(reduce(replace(info, op=twin)), data_inputs=(0,))


# --------------------------------------------------------------------------
# The int8 ops of the CUDA provider's cuBLASLt path (onnxruntime.transformers' QOrdered BERT)


shapes("QuantizeWithOrder", "DequantizeWithOrder", "QOrderedGelu", "QOrderedLayerNormalization")(input_0_shape)


@handles("QuantizeWithOrder", "DequantizeWithOrder")
def quantize_with_order(info: NodeInfo) -> Result:
    """(input, scale_input): QuantizeLinear's / DequantizeLinear's cost (onnx_ops.quantize, 2 ops
    per element); reordering the matrix (order_input to order_output) is a copy."""
    twin = "QuantizeLinear" if info.op == "QuantizeWithOrder" else "DequantizeLinear"
    return replace(quantize(replace(info, op=twin)), data_inputs=(0,))


@shapes("QOrderedMatMul")
def qordered_matmul_shape(info: NodeInfo) -> list:
    """Y: A's shape with B's columns (B is (K, N) whatever its order; its batch 1 or A's)."""
    a, b = _in(info, 0), _in(info, 2)
    return [a[:-1] + (b[-1],) if a and b and len(b) >= 2 else None]


@handles("QOrderedMatMul")
def qordered_matmul(info: NodeInfo) -> Result:
    """QOrderedMatMul(A, scale_A, B, scale_B, scale_Y, [bias], [C], [scale_C]): Y = alpha A B +
    bias + beta C, as MatMul on A and B (onnx_ops.matmul_integer) with an add per output element
    for the bias (biases) and for C; scales are not params."""
    pick = (0, 2)
    res = matmul_integer(replace(info, inputs=[info.inputs[i] for i in pick], in_shapes=[info.in_shapes[i] for i in pick]))
    params = {pick[i]: kind for i, kind in res.params.items()}
    adds = sum(1 for i in (5, 6) if info.has(i))
    cost = replace(res.cost, other_ops=res.cost.other_ops + adds * prod(info.out()))
    if info.has(5):
        params[5] = "biases"
        cost = replace(cost, biases=prod(info.shape(5)))
    return Result(res.type, cost, params=params, data_inputs=tuple(pick[i] for i in res.data_inputs) + (6,))


@handles("QOrderedGelu")
def qordered_gelu(info: NodeInfo) -> Result:
    """QOrderedGelu(X, scale_X, scale_Y): Gelu's cost (cost.activation_cost, 8 ops per element)."""
    return activation_result(info, "gelu")


@handles("QOrderedLayerNormalization")
def qordered_layer_norm(info: NodeInfo) -> Result:
    """QOrderedLayerNormalization(X, scale_X, scale, [B], scale_Y): LayerNormalization's cost
    (onnx_ops.layer_norm, 5 ops per element); gamma and beta (float) are norm params."""
    res = layer_norm(replace(info, inputs=[info.inputs[0], *info.inputs[2:4]], in_shapes=[info.in_shapes[0], *info.in_shapes[2:4]]))
    return replace(res, params={i + 1: kind for i, kind in res.params.items()})


# QOrderedAttention's inputs: the Q, K and V weights (input hidden, hidden), their float biases
_QKV_WEIGHTS, _QKV_BIASES, _MASK = (5, 6, 7), (11, 12, 13), 17


@shapes("QOrderedAttention")
def qordered_attention_shape(info: NodeInfo) -> list:
    x, wq = _in(info, 0), _in(info, 5)
    return [(x[0], x[1], wq[1]) if x and wq and len(x) == 3 and len(wq) == 2 else None]


@handles("QOrderedAttention")
def qordered_attention(info: NodeInfo) -> Result:
    """Attention's cost with the Q, K and V weights apart: input (B, S, Hin) times three
    (Hin, hidden) weights with their biases, cost.linear_cost(Hin, 3 hidden, B S); then
    cost.attention_cost(B, heads, S, S, hidden/heads, hidden/heads), masked with a mask_index or
    ``unidirectional``.  past (input 18) and attention_bias (19), which onnxruntime's kernel does
    not read, are not counted."""
    x = info.shape(0)
    heads = int(info.attr("num_heads", 0))
    ws = [info.shape(i) for i in _QKV_WEIGHTS]
    hidden = ws[0][1] if len(ws[0]) == 2 else 0
    if heads <= 0 or len(x) != 3 or hidden % heads or any(tuple(w) != (x[2], hidden) for w in ws):
        raise ValueError(f"input {tuple(x)}, Q/K/V weights {[tuple(w) for w in ws]} and num_heads={heads} do not fit")
    b, s = x[0], x[1]
    masked = info.has(_MASK) or bool(info.attr("unidirectional", 0))
    cost = C.linear_cost(x[2], 3 * hidden, rows=b * s) + C.attention_cost(b, heads, s, s, hidden // heads, hidden // heads, masked)
    params = {**{i: "weights" for i in _QKV_WEIGHTS}, **{i: "biases" for i in _QKV_BIASES}}
    return Result(MATMUL, cost, params=params, data_inputs=(0, _MASK), note="attention + QKV projection")
