"""onnxruntime's integer, quantized and low-bit contrib ops (com.microsoft): hand-derived costs on
one-node graphs, and the output shapes dscost infers checked against what onnxruntime computes
when its CPU provider has a kernel for the op (most of these run on CUDA or WebGPU only: the run
is skipped, as it is with an older onnxruntime that lacks the op)."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper

from dscost.layers import ACTIVATION, ELEMENTWISE, FC, GLOBAL_POOL, MATMUL, NORM, Cost

from onnx_models import init, vi
from test_onnx_contrib import layers_of, ms_node, one

I8, U8, I16 = TensorProto.INT8, TensorProto.UINT8, TensorProto.INT16


def _s(*names: str) -> list:
    """Scalar float scales."""
    return [init(n, value=0.1) for n in names]


# Each case: (node, graph inputs, initializers, hand-derived layer type and cost, output shape)
CASES = {
    # MatMul's: A (2, 3, 4) times a constant int16 B (4, 5): 6 rows x 4 x 5 = 120 MACs, 20 weights
    "MatMulInteger16": (ms_node("MatMulInteger16", ["a", "b"], "y"), [("a", vi("a", [2, 3, 4], I16))],
                        [init("b", 4, 5, dtype=np.int16)], (FC, Cost(macs=120, weights=20)), (2, 3, 5)),
    # Mul's: one op per output element of (1, 4, 8) = 32; the constant B (8 values) counts as weights
    "MulInteger": (ms_node("MulInteger", ["a", "a_zp", "b", "b_zp"], "y"), [("a", vi("a", [1, 4, 8], U8))],
                   [init("a_zp", dtype=np.uint8, value=128), init("b", 8, dtype=np.uint8), init("b_zp", dtype=np.uint8, value=128)],
                   (ELEMENTWISE, Cost(other_ops=32, weights=8)), (1, 4, 8)),
    # ReduceSum's: one op per input element, 2 x 3 x 4 = 24; axis 1 dropped
    "ReduceSumInteger": (ms_node("ReduceSumInteger", ["x"], "y", axes=[1], keepdims=0), [("x", vi("x", [2, 3, 4], I8))], [],
                         (ELEMENTWISE, Cost(other_ops=24)), (2, 4)),
    # ReduceMean's: 24 ops; the last axis kept as 1
    "QLinearReduceMean": (ms_node("QLinearReduceMean", ["x", "x_s", "x_zp", "y_s", "y_zp"], "y", axes=[-1], keepdims=1),
                          [("x", vi("x", [2, 3, 4], U8))],
                          [*_s("x_s", "y_s"), init("x_zp", dtype=np.uint8, value=128), init("y_zp", dtype=np.uint8, value=128)],
                          (GLOBAL_POOL, Cost(other_ops=24)), (2, 3, 1)),
    # QuantizeLinear's and DequantizeLinear's: 2 ops per element of (2, 4, 8): 128
    "QuantizeWithOrder": (ms_node("QuantizeWithOrder", ["x", "s"], "y", order_input=1, order_output=1), [("x", [2, 4, 8])], _s("s"),
                          (ELEMENTWISE, Cost(other_ops=128)), (2, 4, 8)),
    "DequantizeWithOrder": (ms_node("DequantizeWithOrder", ["x", "s"], "y", order_input=1, order_output=1, to=1),
                            [("x", vi("x", [2, 4, 8], I8))], _s("s"), (ELEMENTWISE, Cost(other_ops=128)), (2, 4, 8)),
    # A (2, 4, 8) times a constant B (8, 16): 8 rows x 8 x 16 = 1,024 MACs, 128 weights; a bias add per
    # output element (2 x 4 x 16 = 128), 16 biases
    "QOrderedMatMul": (ms_node("QOrderedMatMul", ["a", "a_s", "b", "b_s", "y_s", "bias"], "y", order_A=1, order_B=0, order_Y=1),
                       [("a", vi("a", [2, 4, 8], I8))], [init("b", 8, 16, dtype=np.int8), *_s("a_s", "b_s", "y_s"), init("bias", 16)],
                       (FC, Cost(macs=1_024, other_ops=128, weights=128, biases=16)), (2, 4, 16)),
    # Gelu's: 8 ops per element of (2, 16)
    "QOrderedGelu": (ms_node("QOrderedGelu", ["x", "x_s", "y_s"], "y", order_X=1, order_Y=1), [("x", vi("x", [2, 16], I8))],
                     _s("x_s", "y_s"), (ACTIVATION, Cost(other_ops=256)), (2, 16)),
    # LayerNormalization's: 5 ops per element of (2, 4, 8) = 320; fp16 gamma and beta 16 norm params
    "QOrderedLayerNormalization": (
        ms_node("QOrderedLayerNormalization", ["x", "x_s", "g", "b", "y_s"], "y", order_X=1, order_Y=1), [("x", vi("x", [2, 4, 8], I8))],
        [*_s("x_s", "y_s"), init("g", 8, dtype=np.float16), init("b", 8, dtype=np.float16)], (NORM, Cost(other_ops=320, norm_params=16)),
        (2, 4, 8)),
    # input (1, 4, 8), Q, K, V weights (8, 8) and biases (8): 4 rows x 8 x 24 = 768 MACs, 96 bias adds, 192 weights,
    # 24 biases; 2 heads of 4: 1 x 2 x 4 x 4 = 32 scores, 32 x (4 + 4) = 256 MACs, 32 x 4 ops (scale, softmax 3)
    "QOrderedAttention": (
        ms_node("QOrderedAttention", ["x", "x_s", "q_s", "k_s", "v_s", "wq", "wk", "wv", "wq_s", "wk_s", "wv_s", "bq", "bk", "bv",
                                      "qk_s", "p_s", "o_s"], "y", num_heads=2, qkv_hidden_sizes=[8, 8, 8], order_input=1, order_weight=0,
                order_output=1),
        [("x", vi("x", [1, 4, 8], I8))],
        [*[init(w, 8, 8, dtype=np.int8) for w in ("wq", "wk", "wv")], *[init(b, 8) for b in ("bq", "bk", "bv")],
         *_s("x_s", "q_s", "k_s", "v_s", "wq_s", "wk_s", "wv_s", "qk_s", "p_s", "o_s")],
        (MATMUL, Cost(macs=1_024, other_ops=224, weights=192, biases=24)), (1, 4, 8)),
}

NUMPY = {"tensor(float)": np.float32, "tensor(float16)": np.float16, "tensor(int8)": np.int8, "tensor(uint8)": np.uint8,
         "tensor(int16)": np.int16, "tensor(int32)": np.int32, "tensor(int64)": np.int64}  # fmt: skip


@pytest.mark.parametrize("op", sorted(CASES))
def test_quantized_contrib_op_cost(tmp_path, op):
    n, inputs, inits, (kind, cost), _ = CASES[op]
    layer = one(tmp_path, n, inputs, inits, outputs=list(n.output))
    assert (layer.type, layer.cost) == (kind, cost)


@pytest.mark.parametrize("op", sorted(CASES))
def test_quantized_contrib_output_shape_is_what_onnxruntime_computes(tmp_path, op):
    """dscost carries the shape it infers to an Identity after the node; onnxruntime, running
    the graph on random inputs, makes output 0 of that shape (skipped without a CPU kernel)."""
    import onnxruntime as ort

    n, inputs, inits, _, out_shape = CASES[op]
    after = helper.make_node("Identity", [n.output[0]], ["after"], name="after")
    layers, path = layers_of(tmp_path, [n, after], inputs, inits, outputs=["after"])
    assert layers[n.output[0]].output_shape == out_shape and layers["after"].output_shape == out_shape
    try:
        sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as err:  # no CPU kernel (a CUDA or WebGPU op), or an older onnxruntime without the op
        pytest.skip(f"onnxruntime cannot run {op} on CPU: {str(err).splitlines()[0][:120]}")
    rng = np.random.default_rng(0)
    feeds = {i.name: rng.integers(0, 4, [d if isinstance(d, int) else 1 for d in i.shape]).astype(NUMPY[i.type]) for i in sess.get_inputs()}
    assert sess.run(None, feeds)[0].shape == out_shape


def test_integer_accumulators_carry_their_int32_type(tmp_path):
    """MatMulInteger16's output is int32 (no input has that type): an Add of an int32 bias after
    it gets its shape from onnx's inference, which refuses inputs of two types (it took the
    int16 of the first input before), and counts 30 adds and 5 biases."""
    nodes = [ms_node("MatMulInteger16", ["a", "b"], "m"), helper.make_node("Add", ["m", "c"], ["y"], name="y")]
    layers, _ = layers_of(tmp_path, nodes, [("a", vi("a", [2, 3, 4], I16))], [init("b", 4, 5, dtype=np.int16), init("c", 5, dtype=np.int32)])
    assert (layers["y"].output_shape, layers["y"].cost.other_ops) == ((2, 3, 5), 30)
