"""onnxruntime's quantized contrib ops: the QOperator format of its static quantizer (QGemm,
QLinearAdd, QLinearMul, QLinearConcat, QLinearGlobalAveragePool, QLinearSoftmax,
QLinearSigmoid, QLinearLeakyRelu, QLinearWhere: each takes its float twin's inputs with a scale and zero point
after each, which are not params, and costs what its twin costs) and its dynamic quantizer's
DynamicQuantizeLSTM; and its own QuantizeLinear and DequantizeLinear (QDQ of 16 and 4 bits before
opset 21, or with the quantizer's ``UseQDQContribOps``), costed as the standard ops.  Registered in the contrib table of :mod:`dscost.readers.onnx_node` when
:mod:`dscost.readers.onnx_contrib` is imported.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.layers import ADD, CONCAT, ELEMENTWISE, Shape
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import NodeInfo, contrib_handles as handles, contrib_shapes as shapes
from dscost.readers.onnx_ops import activation_result, gemm, global_pool, quantize, softmax
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
