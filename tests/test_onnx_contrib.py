"""onnxruntime's contrib ops (com.microsoft): hand-derived costs on one-node graphs, shapes carried
past them to the nodes that follow, and the output shapes dscost infers checked against what
onnxruntime itself computes when it runs the node."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from dscost.layers import ACTIVATION, ADD, CONCAT, CONV_TRANSPOSE, DEPTHWISE, ELEMENTWISE, FC, GLOBAL_POOL, MATMUL, NORM, POOL, RECURRENT, RESIZE, SHAPE, SOFTMAX, STANDARD, Cost
from dscost.readers.onnx_reader import read_onnx

from onnx_models import init, save, vi

MS = "com.microsoft"


def ms_model(nodes, inputs, inits=(), outputs=None):
    ins = [s if not isinstance(s, list) else vi(n, s) for n, s in inputs]
    outs = [helper.make_empty_tensor_value_info(o) for o in (outputs or [nodes[-1].output[0]])]
    graph = helper.make_graph(nodes, "g", ins, outs, initializer=list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS, 1)], ir_version=8)


def ms_node(op, inputs, outputs, **attrs):
    outputs = [outputs] if isinstance(outputs, str) else outputs
    return helper.make_node(op, inputs, outputs, name=outputs[0], domain=MS, **attrs)


def layers_of(tmp_path, nodes, inputs, inits=(), outputs=None):
    path = save(tmp_path, ms_model(nodes, inputs, inits, outputs))
    m = read_onnx(path)
    assert not m.uncounted, m.uncounted
    return {layer.name: layer for layer in m.layers}, path


def one(tmp_path, n, inputs, inits=(), outputs=None):
    layers, _ = layers_of(tmp_path, [n], inputs, inits, outputs)
    return layers[n.output[0]]


I32, I64, U8 = TensorProto.INT32, TensorProto.INT64, TensorProto.UINT8


def strict_session(path, node, op: str):
    """An onnxruntime session of the graph at ``path``, ``node``'s outputs declared with the
    shapes and element types dscost infers, loaded with strict shape inference: onnxruntime's own
    inference of the op (its schema's, which runs whether or not a CPU kernel exists: the CUDA-
    and WebGPU-only ops too) must agree, else the test fails.  Skips when onnxruntime cannot
    build the session otherwise: no CPU kernel, an older onnxruntime without the op or its inputs."""
    import onnx
    import onnxruntime as ort

    from dscost.readers import onnx_shapes

    mp = onnx.load(str(path))
    inferred = onnx_shapes.infer(mp, path, onnx)
    for o in node.output:
        if o and inferred.shapes.get(o) is not None:
            mp.graph.value_info.append(helper.make_tensor_value_info(o, inferred.types[o], list(inferred.shapes[o])))
    options = ort.SessionOptions()
    options.add_session_config_entry("session.strict_shape_type_inference", "1")
    try:
        return ort.InferenceSession(mp.SerializeToString(), options, providers=["CPUExecutionProvider"])
    except Exception as err:
        why = str(err).splitlines()[0][:160]
        # onnxruntime infers another shape ("Node:y Output:y [ShapeInferenceError] ...") or type (".. of output arg (y) ..")
        assert not ("ShapeInferenceError" in why and "Output:" in why) and "of output arg" not in why, why
        pytest.skip(f"onnxruntime cannot run {op} on CPU: {why}")


# Each case: (node, graph inputs, initializers, hand-derived layer type and cost, output shape)
CASES = {
    # numel 32: norm 5*32 + adds (skip, bias) 2*32 = 224; gamma + beta 16 norm params, bias 8
    "SkipLayerNormalization": (
        ms_node("SkipLayerNormalization", ["x", "skip", "g", "b", "bias"], "y"), [("x", [1, 4, 8]), ("skip", [1, 4, 8])],
        [init("g", 8), init("b", 8), init("bias", 8)], (NORM, Cost(other_ops=224, norm_params=16, biases=8)), (1, 4, 8)),
    "SkipSimplifiedLayerNormalization": (
        ms_node("SkipSimplifiedLayerNormalization", ["x", "skip", "g"], "y"), [("x", [1, 4, 8]), ("skip", [1, 4, 8])],
        [init("g", 8)], (NORM, Cost(other_ops=192, norm_params=8)), (1, 4, 8)),
    # 64 elements: gelu 8 + bias add 1 each; 16 biases
    "BiasGelu": (ms_node("BiasGelu", ["x", "b"], "y"), [("x", [1, 4, 16])], [init("b", 16)],
                 (ACTIVATION, Cost(other_ops=576, biases=16)), (1, 4, 16)),
    "FastGelu": (ms_node("FastGelu", ["x"], "y"), [("x", [1, 4, 16])], [], (ACTIVATION, Cost(other_ops=512)), (1, 4, 16)),
    "QuickGelu": (ms_node("QuickGelu", ["x"], "y"), [("x", [1, 4, 16])], [], (ACTIVATION, Cost(other_ops=256)), (1, 4, 16)),
    # A (2, 5, 4) times B^T, B (6, 4): rows 10, K 4, N 6 -> 240 MACs, 24 weights; alpha 0.5: 60 multiplies
    "FusedMatMul": (ms_node("FusedMatMul", ["a", "w"], "y", transB=1, alpha=0.5), [("a", [2, 5, 4])], [init("w", 6, 4)],
                    (FC, Cost(macs=240, other_ops=60, weights=24)), (2, 5, 6)),
    # FusedMatMul's older name: A (2, 5, 4) times B^T, B (6, 4), alpha 1: 240 MACs, 24 weights
    "TransposeMatMul": (ms_node("TransposeMatMul", ["a", "w"], "y", transB=1), [("a", [2, 5, 4])], [init("w", 6, 4)],
                        (FC, Cost(macs=240, weights=24)), (2, 5, 6)),
    # X (1, 4, 8) times W (8, 16): 512 MACs, 128 weights; then FastGelu with its bias on 64 outputs: 8*64 + 64 adds, 16 biases
    "GemmFastGelu": (ms_node("GemmFastGelu", ["x", "w", "b"], "y"), [("x", [1, 4, 8])], [init("w", 8, 16), init("b", 16)],
                     (FC, Cost(macs=512, other_ops=576, weights=128, biases=16)), (1, 4, 16)),
    # onnxruntime's LinearAttention with more kv heads (2) than query heads (1, shared): 5 steps; per step and kv
    # head a gated delta update of the 8 x 16 state (2*128 MACs, 128 decay multiplies, 2*16 ops) and a readout
    # (128 MACs, 16 multiplies): 5*2*384 = 3,840 MACs; 5*2*176 + 10 exp = 1,770 ops
    "LinearAttention": (
        ms_node("LinearAttention", ["q", "k", "v", "past", "g", "beta"], ["y", "present"], q_num_heads=1, kv_num_heads=2),
        [("q", [1, 5, 8]), ("k", [1, 5, 16]), ("v", [1, 5, 32]), ("past", [1, 2, 8, 16]), ("g", [1, 5, 2]), ("beta", [1, 5, 2])], [],
        (MATMUL, Cost(macs=3_840, other_ops=1_770)), (1, 5, 32)),
    # onnxruntime-genai's Qwen3.5 form: 2 query (and key) heads of 16 shared by 4 value heads of 16 (state 256):
    # per step 4*2*256 + 4*256 = 3,072 MACs; 4*(256 + 32) + 4*16 = 1,216 ops; x 5 steps, + 20 exp
    "LinearAttention shared keys": (
        ms_node("LinearAttention", ["q", "k", "v", "past", "g", "beta"], ["y", "present"], q_num_heads=2, kv_num_heads=4),
        [("q", [1, 5, 32]), ("k", [1, 5, 32]), ("v", [1, 5, 64]), ("past", [1, 4, 16, 16]), ("g", [1, 5, 4]), ("beta", [1, 5, 4])], [],
        (MATMUL, Cost(macs=15_360, other_ops=6_100)), (1, 5, 64)),
    # onnxruntime's GatedDeltaNet, token-major: 5 tokens, 2 query/key heads of 8 shared by 4 value heads of 8 (state 64):
    # per token 4*2*64 + 4*64 = 768 MACs; ops 4*(64 + 16) + 4*8 = 352 a token + 20 exp, its softplus gate 4*20, beta
    # sigmoid 3*20, the L2 norm of q and k 3*5*2*2*8 = 480: 2,400; A_log 4 weights, dt_bias 4 biases
    "GatedDeltaNet": (
        ms_node("GatedDeltaNet", ["q", "k", "v", "", "g", "beta", "state", "a_log", "dt"], ["y", "final"], gate_activation="softplus",
                beta_activation="sigmoid", qk_l2_norm=1),
        [("q", [5, 2, 8]), ("k", [5, 2, 8]), ("v", [5, 4, 8]), ("g", [5, 4]), ("beta", [5, 4]), ("state", [1, 4, 8, 8])],
        [init("a_log", 4), init("dt", 4)], (MATMUL, Cost(macs=3_840, other_ops=2_400, weights=4, biases=4)), (5, 4, 8)),
    # the same with Q, K and V packed in one tensor (5, 2*2*8 + 4*8): the head sizes from the state
    "GatedDeltaNet packed": (
        ms_node("GatedDeltaNet", ["qkv", "", "", "", "g", "beta", "state", "a_log", "dt"], ["y", "final"], gate_activation="softplus",
                beta_activation="sigmoid", qk_l2_norm=1),
        [("qkv", [5, 64]), ("g", [5, 4]), ("beta", [5, 4]), ("state", [1, 4, 8, 8])],
        [init("a_log", 4), init("dt", 4)], (MATMUL, Cost(macs=3_840, other_ops=2_400, weights=4, biases=4)), (5, 4, 8)),
    # the gated DeltaNet's gates: a (1, 4, 2): 4 ops per element (8) + sigmoid 3 per element of b: 56; 2 + 2 params
    "LinearAttentionGate": (ms_node("LinearAttentionGate", ["a", "dt", "scale", "b"], ["decay", "beta"]), [("a", [1, 4, 2]), ("b", [1, 4, 2])],
                            [init("dt", 2), init("scale", 2)], (ELEMENTWISE, Cost(other_ops=56, weights=2, biases=2)), (1, 4, 2)),
    # RMS norm over groups of 16 of (1, 4, 32): 5*128, then silu(gate) 4*128 and a multiply: 1,280 ops, 16 norm params
    "GatedRMSNorm": (ms_node("GatedRMSNorm", ["x", "scale", "z"], "y"), [("x", [1, 4, 32]), ("z", [1, 4, 32])], [init("scale", 16)],
                     (NORM, Cost(other_ops=1_280, norm_params=16)), (1, 4, 32)),
    # onnxruntime's CausalConvWithState: x (2, 8, 10), W (8, 1, 4), bias, SiLU, dilation 2 (6 leading pads):
    # MACs 4*8*2*10 = 640, 32 weights + 8 biases; other ops bias 160 + SiLU 4*160 = 800 (the standard op's case)
    "CausalConvWithState": (
        ms_node("CausalConvWithState", ["x", "W", "B", "past"], ["y", "present"], activation="silu", dilation=2),
        [("x", [2, 8, 10]), ("past", [2, 8, 6])], [init("W", 8, 1, 4), init("B", 8)],
        (DEPTHWISE, Cost(macs=640, other_ops=800, weights=32, biases=8)), (2, 8, 10)),
    # the same channels last: x (2, 10, 8), state (2, 3, 8)
    "CausalConvWithState channels_last": (
        ms_node("CausalConvWithState", ["x", "W", "B", "past"], ["y", "present"], activation="silu", channels_last=1),
        [("x", [2, 10, 8]), ("past", [2, 3, 8])], [init("W", 8, 1, 4), init("B", 8)],
        (DEPTHWISE, Cost(macs=640, other_ops=800, weights=32, biases=8)), (2, 10, 8)),
    # transBatchA: A (2, 3, 4, 5) is read as (3, 4, 2, 5); times B (3, 4, 5, 6): 12 x 2 x 5 x 6 = 720 MACs, 3*4*2*6 = 144 alpha multiplies
    "FusedMatMul transBatchA": (
        ms_node("FusedMatMul", ["a", "b"], "y", transBatchA=1, alpha=0.125), [("a", [2, 3, 4, 5]), ("b", [3, 4, 5, 6])], [],
        (MATMUL, Cost(macs=720, other_ops=144)), (3, 4, 2, 6)),
    # a 50 x 32 table of 4-bit values, two in each uint8 byte: (2, 5) ids -> (2, 5, 32), 1,600 weights, no arithmetic
    "GatherBlockQuantized": (
        ms_node("GatherBlockQuantized", ["table", "ids", "s"], "y", block_size=16, gather_axis=0, quantize_axis=1, bits=4),
        [("ids", vi("ids", [2, 5], I64))], [init("table", 50, 16, dtype=np.uint8), init("s", 50, 2)], (SHAPE, Cost(weights=1_600)), (2, 5, 32)),
    # X + bias + skip on 32 elements: 64 adds, 8 biases
    "BiasAdd": (ms_node("BiasAdd", ["x", "b", "skip"], "y"), [("x", [1, 4, 8]), ("skip", [1, 4, 8])], [init("b", 8)],
                (ADD, Cost(other_ops=64, biases=8)), (1, 4, 8)),
    "Gelu": (ms_node("Gelu", ["x"], "y"), [("x", [1, 4, 16])], [], (ACTIVATION, Cost(other_ops=512)), (1, 4, 16)),
    # (2 x 4) times an int8 (4 x 6) + bias: 48 MACs, 24 weights, 6 biases, 12 bias adds
    "DynamicQuantizeMatMul": (
        ms_node("DynamicQuantizeMatMul", ["a", "w", "w_s", "w_zp", "c"], "y"), [("a", [2, 4])],
        [init("w", 4, 6, dtype=np.int8), init("w_s", value=0.1), init("w_zp", dtype=np.int8, value=0), init("c", 6)],
        (FC, Cost(macs=48, other_ops=12, weights=24, biases=6)), (2, 6)),
    "MatMulIntegerToFloat": (
        ms_node("MatMulIntegerToFloat", ["a", "w", "a_s", "w_s", "a_zp", "w_zp", "c"], "y"), [("a", vi("a", [2, 4], U8))],
        [init("w", 4, 6, dtype=np.int8), init("a_s", value=0.1), init("w_s", value=0.1), init("a_zp", dtype=np.uint8, value=128),
         init("w_zp", dtype=np.int8, value=0), init("c", 6)], (FC, Cost(macs=48, other_ops=12, weights=24, biases=6)), (2, 6)),
    # 3 rows x K 64 x N 32 = 6,144 MACs, 2,048 weights (elements of the 4-bit matrix)
    "MatMulNBits": (
        ms_node("MatMulNBits", ["a", "w", "s"], "y", K=64, N=32, bits=4, block_size=32), [("a", [1, 3, 64])],
        [init("w", 32, 2, 16, dtype=np.uint8), init("s", 64)], (FC, Cost(macs=6_144, weights=2_048)), (1, 3, 32)),
    # the bnb4 quantizer's NF4 blocks (two values a byte, an absmax per 16): 6 rows x 16 x 8, no bias
    "MatMulBnb4": (
        ms_node("MatMulBnb4", ["a", "w", "absmax"], "y", K=16, N=8, block_size=16, quant_type=1), [("a", [2, 3, 16])],
        [init("w", 64, dtype=np.uint8), init("absmax", 8)], (FC, Cost(macs=768, weights=128)), (2, 3, 8)),
    # projections 10 x 16 x 48 = 7,680 MACs (+ 480 bias adds); 2*4*5*5 = 200 scores: 200*(4 + 4) MACs, 200*4 ops
    "Attention": (
        ms_node("Attention", ["x", "w", "b"], "y", num_heads=4), [("x", [2, 5, 16])], [init("w", 16, 48), init("b", 48)],
        (MATMUL, Cost(macs=9_280, other_ops=1_280, weights=768, biases=48)), (2, 5, 16)),
    # 2*4*5*7 = 280 scores: 280*(4 + 4) MACs, 280*4 other ops
    "MultiHeadAttention": (
        ms_node("MultiHeadAttention", ["q", "k", "v"], "y", num_heads=4), [("q", [2, 5, 16]), ("k", [2, 7, 16]), ("v", [2, 7, 16])],
        [], (MATMUL, Cost(macs=2_240, other_ops=1_120)), (2, 5, 16)),
    # with a cache: 5 past + 3 new keys, 1*4*3*8 = 96 scores, 96*(4 + 4) MACs, 96*4 ops; present (1, 4, 8, 4)
    "MultiHeadAttention with past": (
        ms_node("MultiHeadAttention", ["q", "k", "v", "", "", "", "pk", "pv"], ["y", "present_k", "present_v"], num_heads=4),
        [("q", [1, 3, 16]), ("k", [1, 3, 16]), ("v", [1, 3, 16]), ("pk", [1, 4, 5, 4]), ("pv", [1, 4, 5, 4])], [],
        (MATMUL, Cost(macs=768, other_ops=384)), (1, 3, 16)),
    # 4 heads of 8 on 2 kv heads, 5 past + 3 new keys: 1*4*3*8 = 96 scores, 96*16 MACs, 96*5 ops (causal)
    "GroupQueryAttention": (
        ms_node("GroupQueryAttention", ["q", "k", "v", "pk", "pv", "seqlens", "total"], ["y", "present_k", "present_v"],
                num_heads=4, kv_num_heads=2),
        [("q", [1, 3, 32]), ("k", [1, 3, 16]), ("v", [1, 3, 16]), ("pk", [1, 2, 5, 8]), ("pv", [1, 2, 5, 8])],
        [init("seqlens", 1, dtype=np.int32, value=[7]), init("total", dtype=np.int32, value=8)],
        (MATMUL, Cost(macs=1_536, other_ops=480)), (1, 3, 32)),
    # as above, with GPT-OSS's attention sinks: a logit per head, 4 weights
    "GroupQueryAttention sinks": (
        ms_node("GroupQueryAttention", ["q", "k", "v", "pk", "pv", "seqlens", "total", "", "", "", "", "sink"],
                ["y", "present_k", "present_v"], num_heads=4, kv_num_heads=2),
        [("q", [1, 3, 32]), ("k", [1, 3, 16]), ("v", [1, 3, 16]), ("pk", [1, 2, 5, 8]), ("pv", [1, 2, 5, 8])],
        [init("seqlens", 1, dtype=np.int32, value=[7]), init("total", dtype=np.int32, value=8), init("sink", 4)],
        (MATMUL, Cost(macs=1_536, other_ops=480, weights=4)), (1, 3, 32)),
    # with Qwen3's q/k norms (8 norm params each): RMS norm, 5 ops per element of the 3 x 4 x 8 query and
    # 3 x 2 x 8 key heads: 480 + 240 more ops (onnxruntime runs them on CUDA only)
    "GroupQueryAttention q/k norms": (
        ms_node("GroupQueryAttention", ["q", "k", "v", "pk", "pv", "seqlens", "total", "", "", "", "", "", "", "", "qn", "kn"],
                ["y", "present_k", "present_v"], num_heads=4, kv_num_heads=2),
        [("q", [1, 3, 32]), ("k", [1, 3, 16]), ("v", [1, 3, 16]), ("pk", [1, 2, 5, 8]), ("pv", [1, 2, 5, 8])],
        [init("seqlens", 1, dtype=np.int32, value=[7]), init("total", dtype=np.int32, value=8), init("qn", 8), init("kn", 8)],
        (MATMUL, Cost(macs=1_536, other_ops=1_200, norm_params=16)), (1, 3, 32)),
    # 4 heads of 8, full rotation: 96 elements * 3 ops; cos/sin tables (10, 4) are buffers
    "RotaryEmbedding": (
        ms_node("RotaryEmbedding", ["x", "pos", "cos", "sin"], "y", num_heads=4), [("x", [1, 3, 32]), ("pos", vi("pos", [1, 3], I64))],
        [init("cos", 10, 4), init("sin", 10, 4)], (ELEMENTWISE, Cost(other_ops=288, buffers=80)), (1, 3, 32)),
    # out (1, 6, 8): 48 elements, norm 5*48 + 2 adds*48 = 336; tables 400 + 128 + 16 weights; 16 norm params
    "EmbedLayerNormalization": (
        ms_node("EmbedLayerNormalization", ["ids", "seg", "wemb", "pemb", "semb", "g", "b"], ["y", "mask_index"]),
        [("ids", vi("ids", [1, 6], I32)), ("seg", vi("seg", [1, 6], I32))],
        [init("wemb", 50, 8), init("pemb", 16, 8), init("semb", 2, 8), init("g", 8), init("b", 8)],
        (NORM, Cost(other_ops=336, weights=544, norm_params=16)), (1, 6, 8)),
    # (3 x 16) times (16 x 10) + C: 480 MACs, 160 weights, 10 biases; bias 30 + LeakyRelu 2*30 other ops
    "FusedGemm": (ms_node("FusedGemm", ["a", "w", "c"], "y", activation="LeakyRelu", activation_alpha=0.1), [("a", [3, 16])],
                  [init("w", 16, 10), init("c", 10)], (FC, Cost(macs=480, other_ops=90, weights=160, biases=10)), (3, 10)),
    # 3x3 conv 3 -> 4 on 8x8, pads 1: 6,912 MACs; bias 256 + relu 256 other ops
    "FusedConv": (
        ms_node("FusedConv", ["x", "w", "b"], "y", activation="Relu", pads=[1, 1, 1, 1], kernel_shape=[3, 3]), [("x", [1, 3, 8, 8])],
        [init("w", 4, 3, 3, 3), init("b", 4)], (STANDARD, Cost(macs=6_912, other_ops=512, weights=108, biases=4)), (1, 4, 8, 8)),
}


def _q(x: str) -> list:
    """A quantized tensor's scale and zero point (scalars)."""
    return [init(f"{x}_s", value=0.1), init(f"{x}_zp", dtype=np.uint8, value=128)]


def _qi(*names: str) -> list[str]:
    return [part for n in names for part in (n, f"{n}_s", f"{n}_zp")]


Q8 = [("a", vi("a", [1, 4, 8], U8)), ("b", vi("b", [1, 4, 8], U8))]
CASES.update({
    # QOperator format: the float twin's cost; (3 x 16) x (16 x 10) + 10 int32 biases: 480 MACs, 30 bias adds
    "QGemm": (ms_node("QGemm", [*_qi("a"), "w", "w_s", "w_zp", "c", "y_s", "y_zp"], "y", transB=0),
              [("a", vi("a", [3, 16], U8))],
              [*_q("a"), init("w", 16, 10, dtype=np.int8), init("w_s", value=0.1), init("w_zp", dtype=np.int8, value=0),
               init("c", 10, dtype=np.int32), *_q("y")], (FC, Cost(macs=480, other_ops=30, weights=160, biases=10)), (3, 10)),
    "QLinearAdd": (ms_node("QLinearAdd", [*_qi("a", "b"), "y_s", "y_zp"], "y"), Q8, [*_q("a"), *_q("b"), *_q("y")],
                   (ADD, Cost(other_ops=32)), (1, 4, 8)),
    "QLinearMul": (ms_node("QLinearMul", [*_qi("a", "w"), "y_s", "y_zp"], "y"), Q8[:1],
                   [*_q("a"), init("w", 8, dtype=np.uint8), *_q("w"), *_q("y")], (ELEMENTWISE, Cost(other_ops=32, weights=8)), (1, 4, 8)),
    # Where's one select per element; the condition has no scale
    "QLinearWhere": (ms_node("QLinearWhere", ["c", *_qi("a", "b"), "y_s", "y_zp"], "y"), [("c", vi("c", [1, 4, 1], TensorProto.BOOL)), *Q8],
                     [*_q("a"), *_q("b"), *_q("y")], (ELEMENTWISE, Cost(other_ops=32)), (1, 4, 8)),
    # as "EmbedLayerNormalization", its tables, gamma and beta in 8 bits (values, not bytes); scales and zero points no params
    "QEmbedLayerNormalization": (
        ms_node("QEmbedLayerNormalization", ["ids", "seg", "wemb", "pemb", "semb", "g", "b", "",
                                             *[f"{t}_s" for t in ("wemb", "pemb", "semb", "g", "b")],
                                             *[f"{t}_zp" for t in ("wemb", "pemb", "semb", "g", "b")]], ["y", "mask_index"]),
        [("ids", vi("ids", [1, 6], I32)), ("seg", vi("seg", [1, 6], I32))],
        [init("wemb", 50, 8, dtype=np.uint8), init("pemb", 16, 8, dtype=np.uint8), init("semb", 2, 8, dtype=np.uint8),
         init("g", 8, dtype=np.uint8), init("b", 8, dtype=np.uint8), *[q for t in ("wemb", "pemb", "semb", "g", "b") for q in _q(t)]],
        (NORM, Cost(other_ops=336, weights=544, norm_params=16)), (1, 6, 8)),
    "QLinearConcat": (ms_node("QLinearConcat", ["y_s", "y_zp", *_qi("a", "b")], "y", axis=1),
                      [("a", vi("a", [1, 2, 4], U8)), ("b", vi("b", [1, 3, 4], U8))], [*_q("a"), *_q("b"), *_q("y")], (CONCAT, Cost()), (1, 5, 4)),
    "QLinearGlobalAveragePool": (ms_node("QLinearGlobalAveragePool", [*_qi("a"), "y_s", "y_zp"], "y"),
                                 [("a", vi("a", [1, 3, 4, 4], U8))], [*_q("a"), *_q("y")], (GLOBAL_POOL, Cost(other_ops=48)), (1, 3, 1, 1)),
    "QLinearAveragePool": (ms_node("QLinearAveragePool", [*_qi("a"), "y_s", "y_zp"], "y", kernel_shape=[2, 2], strides=[2, 2]),
                           [("a", vi("a", [1, 3, 4, 4], U8))], [*_q("a"), *_q("y")], (POOL, Cost(other_ops=48)), (1, 3, 2, 2)),
    "QLinearSoftmax": (ms_node("QLinearSoftmax", [*_qi("a"), "y_s", "y_zp"], "y", axis=-1, opset=13),
                       [("a", vi("a", [2, 5], U8))], [*_q("a"), *_q("y")], (SOFTMAX, Cost(other_ops=30)), (2, 5)),
    "QLinearSigmoid": (ms_node("QLinearSigmoid", [*_qi("a"), "y_s", "y_zp"], "y"), [("a", vi("a", [2, 5], U8))],
                       [*_q("a"), *_q("y")], (ACTIVATION, Cost(other_ops=30)), (2, 5)),
    "QLinearLeakyRelu": (ms_node("QLinearLeakyRelu", [*_qi("a"), "y_s", "y_zp"], "y", alpha=0.1), [("a", vi("a", [2, 5], U8))],
                         [*_q("a"), *_q("y")], (ACTIVATION, Cost(other_ops=20)), (2, 5)),
    # onnxruntime's NHWC transformer (a quantized model saved at ORT_ENABLE_ALL): channels last.
    # 3x3 conv 3 -> 4 on 8x8, pads 1: 9*3*4*64 = 6,912 MACs, 108 weights, 4 int32 biases, 256 bias adds
    # quantize_dynamic's LSTM: int8 W (1, 8, 16) and R (1, 4, 16), transposed from LSTM's; 5 steps of
    # batch 1, hidden 4: 5*4*4*(8 + 4) = 960 MACs, 192 weights, 32 biases (other ops as LSTM's)
    "DynamicQuantizeLSTM": (
        ms_node("DynamicQuantizeLSTM", ["x", "w", "r", "b", "", "", "", "", "w_s", "w_zp", "r_s", "r_zp"], ["y", "yh", "yc"], hidden_size=4),
        [("x", [5, 1, 8])],
        [init("w", 1, 8, 16, dtype=np.int8), init("r", 1, 4, 16, dtype=np.int8), init("b", 1, 32), init("w_s", 1, value=[0.1]),
         init("w_zp", 1, dtype=np.int8, value=[0]), init("r_s", 1, value=[0.1]), init("r_zp", 1, dtype=np.int8, value=[0])],
        (RECURRENT, Cost(macs=960, other_ops=460, weights=192, biases=32)), (5, 1, 1, 4)),
    # quantize_dynamic's Attention: uint8 input, int8 QKV weight, float bias; the Attention case's cost
    "QAttention": (
        ms_node("QAttention", ["a", "w", "c", "a_s", "w_s", "", "a_zp", "w_zp"], "y", num_heads=4), [("a", vi("a", [2, 5, 16], U8))],
        [init("w", 16, 48, dtype=np.int8), init("c", 48), *_q("a")[:1], init("w_s", value=0.1), *_q("a")[1:],
         init("w_zp", dtype=np.int8, value=0)], (MATMUL, Cost(macs=9_280, other_ops=1_280, weights=768, biases=48)), (2, 5, 16)),
    "QLinearConv channels_last": (
        ms_node("QLinearConv", [*_qi("a"), "w", "w_s", "w_zp", "y_s", "y_zp", "c"], "y", channels_last=1, pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        [("a", vi("a", [1, 8, 8, 3], U8))],
        [*_q("a"), init("w", 4, 3, 3, 3, dtype=np.int8), init("w_s", value=0.1), init("w_zp", dtype=np.int8, value=0), *_q("y"),
         init("c", 4, dtype=np.int32)], (STANDARD, Cost(macs=6_912, other_ops=256, weights=108, biases=4)), (1, 8, 8, 4)),
    # 2x2 windows, stride 2, on (1, 4, 4, 3) channels last: 12 outputs x 4 = 48 ops
    "NhwcMaxPool": (ms_node("NhwcMaxPool", ["a"], "y", kernel_shape=[2, 2], strides=[2, 2]), [("a", vi("a", [1, 4, 4, 3], U8))],
                    _q("y"), (POOL, Cost(other_ops=48)), (1, 2, 2, 3)),
    # Stable Diffusion's UNet as onnxruntime's optimizer writes it for CUDA (no CPU kernels: shapes by hand).
    # A (3, 1) kernel, 2 -> 4 channels, channels last; the weight (Cout, kh, kw, Cin) = (4, 3, 1, 2), pads (1, 0):
    # 3*1*2*4*64 = 1,536 MACs, 24 weights, 4 biases and 256 bias adds
    "NhwcConv": (ms_node("NhwcConv", ["x", "w", "b"], "y", pads=[1, 0, 1, 0], kernel_shape=[3, 1]), [("x", [1, 8, 8, 2])],
                 [init("w", 4, 3, 1, 2), init("b", 4)], (STANDARD, Cost(macs=1_536, other_ops=256, weights=24, biases=4)), (1, 8, 8, 4)),
    # 128 elements channels last: norm 5*128 + SiLU 4*128; gamma + beta 16
    "GroupNorm": (ms_node("GroupNorm", ["x", "g", "b"], "y", epsilon=1e-5, groups=2, activation=1), [("x", [1, 4, 4, 8])],
                  [init("g", 8), init("b", 8)], (NORM, Cost(other_ops=1_152, norm_params=16)), (1, 4, 4, 8)),
    # + skip + bias (128 adds each), norm 5*128; 8 biases
    "SkipGroupNorm": (ms_node("SkipGroupNorm", ["x", "g", "b", "skip", "bias"], ["y", "sum"], epsilon=1e-5, groups=2, activation=0),
                      [("x", [1, 4, 4, 8]), ("skip", [1, 4, 4, 8])], [init("g", 8), init("b", 8), init("bias", 8)],
                      (NORM, Cost(other_ops=896, norm_params=16, biases=8)), (1, 4, 4, 8)),
    # (1, 4, 16) + bias: 64 adds; halves of 32: gelu 8*32 + 32 multiplies
    "BiasSplitGelu": (ms_node("BiasSplitGelu", ["x", "b"], "y"), [("x", [1, 4, 16])], [init("b", 16)],
                      (ACTIVATION, Cost(other_ops=352, biases=16)), (1, 4, 8)),
    # 6 tokens, top 2 of 4 experts: 12 expert runs of fc1 (16 x 8) + fc2 (8 x 16) = 256 MACs each: 3,072;
    # ops per run: 24 bias adds + 16 relu + 2 x 8 to weigh and sum; + 6 x 4 x 4 for the router (softmax 3, top-k 1): 768
    "MoE": (ms_node("MoE", ["x", "r", "w1", "b1", "w2", "b2"], "y", k=2, activation_type="relu"), [("x", [1, 6, 8]), ("r", [6, 4])],
            [init("w1", 4, 16, 8), init("b1", 4, 16), init("w2", 4, 8, 16), init("b2", 4, 8)],
            (FC, Cost(macs=3_072, other_ops=768, weights=1_024, biases=96)), (1, 6, 8)),
    # SwiGLU, gate and value fused in fc1 (4, 32, 8): 256 + 128 weights per expert, 12 runs: 4,608 MACs;
    # ops 12 x (5 x 16 + 16) + 96 = 1,248
    "MoE swiglu": (ms_node("MoE", ["x", "r", "w1", "", "w2"], "y", k=2, activation_type="swiglu", swiglu_fusion=1),
                   [("x", [6, 8]), ("r", [6, 4])], [init("w1", 4, 32, 8), init("w2", 4, 8, 16)],
                   (FC, Cost(macs=4_608, other_ops=1_248, weights=1_536)), (6, 8)),
    # as "MoE" without biases, the weights 4-bit (two to a byte; scales are not params); silu 4 ops: 12 x (64 + 16) + 96
    "QMoE": (ms_node("QMoE", ["x", "r", "w1", "s1", "", "w2", "s2"], "y", k=2, activation_type="silu", expert_weight_bits=4),
             [("x", [1, 6, 8]), ("r", [6, 4])], [init("w1", 4, 16, 4, dtype=np.uint8), init("s1", 4, 16), init("w2", 4, 8, 8, dtype=np.uint8), init("s2", 4, 8)],
             (FC, Cost(macs=3_072, other_ops=1_056, weights=1_024)), (1, 6, 8)),
    # Twins of standard ops (onnxruntime's PyTorch export helper below opset 16/14, older converters),
    # counted as those.  GridSample: 2 taps per spatial axis (bilinear), 4 (bicubic), per output element (90)
    "GridSample": (ms_node("GridSample", ["x", "grid"], "y", mode="bilinear"), [("x", [1, 3, 8, 8]), ("grid", [1, 5, 6, 2])], [],
                   (RESIZE, Cost(other_ops=360)), (1, 3, 5, 6)),
    "GridSample bicubic": (ms_node("GridSample", ["x", "grid"], "y", mode="bicubic"), [("x", [1, 3, 8, 8]), ("grid", [1, 5, 6, 2])], [],
                           (RESIZE, Cost(other_ops=1_440)), (1, 3, 5, 6)),
    "Trilu": (ms_node("Trilu", ["x", "k"], "y", upper=0), [("x", [2, 4, 4])], [init("k", dtype=np.int64, value=1)], (SHAPE, Cost()), (2, 4, 4)),
    "Pad": (ms_node("Pad", ["x", "pads"], "y"), [("x", [1, 3, 4, 4])], [init("pads", 8, dtype=np.int64, value=[0, 0, 1, 2, 0, 0, 1, 2])],
            (SHAPE, Cost()), (1, 3, 6, 8)),
    "GatherND": (ms_node("GatherND", ["x", "idx"], "y"), [("x", [2, 3, 4])], [init("idx", 2, 2, dtype=np.int64, value=[0, 1, 1, 2])],
                 (SHAPE, Cost()), (2, 4)),
    # torch's x.unfold(1, 4, 2) of 11: (11 - 4) // 2 + 1 = 4 windows of 4
    "UnfoldTensor": (ms_node("UnfoldTensor", ["x"], "y", dim=1, size=4, step=2), [("x", [1, 11, 3])], [], (SHAPE, Cost()), (1, 4, 3, 4)),
    "ExpandDims": (ms_node("ExpandDims", ["x", "axis"], "y"), [("x", [2, 3])], [init("axis", dtype=np.int32, value=-1)], (SHAPE, Cost()), (2, 3, 1)),
    # TensorFlow's crop_and_resize: 2 boxes of 3 channels to 3 x 5, bilinear 2 x 2 taps per output (90)
    "CropAndResize": (ms_node("CropAndResize", ["x", "rois", "idx", "size"], "y"), [("x", [1, 3, 8, 8]), ("rois", [2, 4])],
                      [init("idx", 2, dtype=np.int32), init("size", 2, dtype=np.int32, value=[3, 5])], (RESIZE, Cost(other_ops=360)), (2, 3, 3, 5)),
    # Gauss-Jordan: n^3 = 64 MACs per 4x4 matrix, two of them
    "Inverse": (ms_node("Inverse", ["x"], "y"), [("x", [2, 4, 4])], [], (MATMUL, Cost(macs=128)), (2, 4, 4)),
    # 5 x 7 pairs of 3-vectors, as Sub + ReduceSumSquare: 105 differences and 105 squares summed, + 35 square roots for euclidean
    "CDist": (ms_node("CDist", ["a", "b"], "y", metric="sqeuclidean"), [("a", [5, 3]), ("b", [7, 3])], [], (ELEMENTWISE, Cost(other_ops=210)), (5, 7)),
    "CDist euclidean": (ms_node("CDist", ["a", "b"], "y", metric="euclidean"), [("a", [5, 3])], [init("b", 7, 3)],
                        (ELEMENTWISE, Cost(other_ops=245, weights=21)), (5, 7)),
    "QLinearAveragePool channels_last": (
        ms_node("QLinearAveragePool", [*_qi("a"), "y_s", "y_zp"], "y", kernel_shape=[2, 2], strides=[2, 2], channels_last=1),
        [("a", vi("a", [1, 4, 4, 3], U8))], [*_q("a"), *_q("y")], (POOL, Cost(other_ops=48)), (1, 2, 2, 3)),
})

# Fused element-wise ops (onnx_contrib_fused), each counted as the unfused graph
CASES.update({
    # softmax(x + mask) on 40 elements: 40 adds + 3*40 softmax; the mask a graph input (data)
    "BiasSoftmax": (ms_node("BiasSoftmax", ["x", "m"], "y", axis=2, is_inner_broadcast=0), [("x", [2, 4, 5]), ("m", [2, 1, 5])], [],
                    (SOFTMAX, Cost(other_ops=160)), (2, 4, 5)),
    # the same with a constant (1, 4, 5) mask: 20 biases, as a constant Add operand
    "BiasSoftmax constant mask": (ms_node("BiasSoftmax", ["x", "m"], "y", axis=2, is_inner_broadcast=1), [("x", [2, 4, 5])], [init("m", 1, 4, 5)],
                                  (SOFTMAX, Cost(other_ops=160, biases=20)), (2, 4, 5)),
    # Dropout(x + bias) + residual on 32 elements: 2*32 adds, the dropout free; 8 biases; the bool mask 32 elements
    "BiasDropout": (ms_node("BiasDropout", ["x", "b", "r"], ["y", "mask"]), [("x", [1, 4, 8]), ("r", [1, 4, 8])], [init("b", 8)],
                    (ADD, Cost(other_ops=64, biases=8)), (1, 4, 8)),
    # no residual, 40 elements: 40 adds; the mask ceil(40 / 32) = 2 uint32
    "BitmaskBiasDropout": (ms_node("BitmaskBiasDropout", ["x", "b"], ["y", "mask"]), [("x", [1, 5, 8])], [init("b", 8)],
                           (ADD, Cost(other_ops=40, biases=8)), (1, 5, 8)),
    # as Dropout: free; 80 elements, mask ceil(80 / 32) = 3 uint32
    "BitmaskDropout": (ms_node("BitmaskDropout", ["x"], ["y", "mask"]), [("x", [2, 40])], [], (SHAPE, Cost()), (2, 40)),
    # silu(0.5 x) on 64 elements: a multiply + silu 4 each
    "ScaledSiLU": (ms_node("ScaledSiLU", ["x"], "y", alpha=0.5), [("x", [1, 4, 16])], [], (ACTIVATION, Cost(other_ops=320)), (1, 4, 16)),
    # gate and up packed in (2, 3, 16): 48 outputs x (swiglu 5 + the two clamps of limit 7)
    "SwiGLU": (ms_node("SwiGLU", ["g"], "y", limit=7.0), [("g", [2, 3, 16])], [], (ACTIVATION, Cost(other_ops=336)), (2, 3, 8)),
    # gate and up apart, with a beta: 48 x (5 + 1)
    "SwiGLU apart": (ms_node("SwiGLU", ["g", "u"], "y", activation_beta=1.0), [("g", [2, 3, 8]), ("u", [2, 3, 8])], [],
                     (ACTIVATION, Cost(other_ops=288)), (2, 3, 8)),
    # x + y * gate, a gate per row: 2 ops on each of 48 elements
    "GatedAdd": (ms_node("GatedAdd", ["x", "y", "g"], "out"), [("x", [2, 3, 8]), ("y", [2, 3, 8]), ("g", [2, 3, 1])], [],
                 (ADD, Cost(other_ops=96)), (2, 3, 8)),
    # projected: 6 rows x K 4 MACs and a sigmoid (3) per row, then 96; gate_weight 4 weights (CUDA, bfloat16 only: not run)
    "GatedAdd projected": (ms_node("GatedAdd", ["x", "y", "g", "w"], "out"), [("x", [2, 3, 8]), ("y", [2, 3, 8]), ("g", [2, 3, 4])],
                           [init("w", 4, 1)], (ADD, Cost(macs=24, other_ops=114, weights=4)), (2, 3, 8)),
    # FusedMatMul (A (2, 5, 4) times B^T, B (6, 4): 240 MACs, 24 weights) + the Softmax after it: 3 x 60 outputs
    "FusedMatMulActivation": (ms_node("FusedMatMulActivation", ["a", "w"], "y", transB=1, activation="Softmax", activation_axis=-1),
                              [("a", [2, 5, 4])], [init("w", 6, 4)], (FC, Cost(macs=240, other_ops=180, weights=24)), (2, 5, 6)),
})

# Attention biases (onnx_contrib_attention): T5's and WavLM's, as onnxruntime's transformer optimizer fuses them (CUDA only: not run)
CASES.update({
    # 5 x 5 (query, key) pairs x 11 bucket ops = 275; 4 heads of lookups; the (32 buckets, 4 heads) table 128 weights
    "RelativePositionBias": (ms_node("RelativePositionBias", ["table", "ql", "kl"], "y", max_distance=128),
                             [], [init("table", 32, 4), init("ql", dtype=np.int64, value=5), init("kl", dtype=np.int64, value=5)],
                             (ELEMENTWISE, Cost(other_ops=275, weights=128)), (1, 4, 5, 5)),
    # bidirectional: 12 ops a pair, 300
    "RelativePositionBias bidirectional": (
        ms_node("RelativePositionBias", ["table", "ql", "kl"], "y", max_distance=128, is_bidirectional=1),
        [], [init("table", 32, 4), init("ql", dtype=np.int64, value=5), init("kl", dtype=np.int64, value=5)],
        (ELEMENTWISE, Cost(other_ops=300, weights=128)), (1, 4, 5, 5)),
    # query (2, 5, 16), 2 heads of 8, D 4: 2*2*5 = 20 query rows; 20*8*4 = 640 MACs; ops per row 8 (query bias) + 4 (gate
    # bias) + 4 (half sums) + 6 (two sigmoids) + 4 = 26: 520, + 2*2*5*5 = 100 multiplies of rel_pos; weights 32 + eco_a 2,
    # biases 16 + 4
    "GatedRelativePositionBias": (
        ms_node("GatedRelativePositionBias", ["q", "qb", "rel", "w", "b", "eco"], "y", num_heads=2),
        [("q", [2, 5, 16]), ("rel", [1, 2, 5, 5])], [init("qb", 16), init("w", 8, 4), init("b", 4), init("eco", 1, 2, 1, 1)],
        (FC, Cost(macs=640, other_ops=620, weights=34, biases=20)), (2, 2, 5, 5)),
    # padding removed: 7 tokens (tokens, hidden), the batch and sequence (2, 5) from token_offset; the same counts
    "GatedRelativePositionBias packed": (
        ms_node("GatedRelativePositionBias", ["q", "qb", "rel", "w", "b", "eco", "off"], "y", num_heads=2),
        [("q", [7, 16]), ("rel", [1, 2, 5, 5]), ("off", vi("off", [2, 5], I32))],
        [init("qb", 16), init("w", 8, 4), init("b", 4), init("eco", 1, 2, 1, 1)],
        (FC, Cost(macs=640, other_ops=620, weights=34, biases=20)), (2, 2, 5, 5)),
})

# Rotary embeddings, variants of standard ops and a channels-last FusedConv
CASES.update({
    # Qwen-VL's M-RoPE: RotaryEmbedding's count, 96 rotated elements x 3 = 288; cos/sin (10, 4) buffers (sections 2 + 1 + 1 = 4)
    "MRotaryEmbedding": (
        ms_node("MRotaryEmbedding", ["x", "pos", "cos", "sin"], "y", num_heads=4, mrope_section=[2, 1, 1]),
        [("x", [1, 3, 32]), ("pos", vi("pos", [3, 1, 3], I64))], [init("cos", 10, 4), init("sin", 10, 4)],
        (ELEMENTWISE, Cost(other_ops=288, buffers=80)), (1, 3, 32)),
    # sin and cos of emb (1, 3, 8): 2 x 24; q * cos + q_rot * sin on q and k (1, 2, 3, 8): 3 x 96 = 288 (CUDA only)
    "GemmaRotaryEmbedding": (
        ms_node("GemmaRotaryEmbedding", ["emb", "q", "qr", "k", "kr"], ["yq", "yk"]),
        [("emb", [1, 3, 8]), *[(t, [1, 2, 3, 8]) for t in ("q", "qr", "k", "kr")]], [], (ELEMENTWISE, Cost(other_ops=336)), (1, 2, 3, 8)),
    # 6 heads (1, 3, 2) of 8 normalized values (input_start 4 of 16): RMS norm 5 x 48, rotation of 4 of each: 3 x 24;
    # scale 8 norm params, cos/sin (10, 2) buffers; Y (1, 3, 2 x 8), the normalized values (1, 3, 2, 8) (CUDA only)
    "RMSNormRotary": (
        ms_node("RMSNormRotary", ["x", "scale", "pos", "cos", "sin"], ["y", "normed"], input_start=4, input_width=8, rotary_embedding_dim=4),
        [("x", [1, 3, 2, 16]), ("pos", vi("pos", [1, 3], I64))], [init("scale", 8), init("cos", 10, 2), init("sin", 10, 2)],
        (NORM, Cost(other_ops=312, norm_params=8, buffers=40)), (1, 3, 16)),
    # torch's Embedding: (2, 3) ids into a (10, 4) table -> (2, 3, 4); a lookup, 40 weights
    "TorchEmbedding": (ms_node("TorchEmbedding", ["w", "ids"], "y"), [("ids", vi("ids", [2, 3], I64))], [init("w", 10, 4)],
                       (SHAPE, Cost(weights=40)), (2, 3, 4)),
    # the CPU provider's channels-last FusedConv (arm64): the FusedConv case on (1, 8, 8, 3), its weight Conv's (4, 3, 3, 3)
    "NhwcFusedConv": (
        ms_node("NhwcFusedConv", ["x", "w", "b"], "y", activation="Relu", pads=[1, 1, 1, 1], kernel_shape=[3, 3]), [("x", [1, 8, 8, 3])],
        [init("w", 4, 3, 3, 3), init("b", 4)], (STANDARD, Cost(macs=6_912, other_ops=512, weights=108, biases=4)), (1, 8, 8, 4)),
    # with Z (channels last, the output's shape): 256 more adds
    "NhwcFusedConv with Z": (
        ms_node("NhwcFusedConv", ["x", "w", "b", "z"], "y", activation="Relu", pads=[1, 1, 1, 1]), [("x", [1, 8, 8, 3]), ("z", [1, 8, 8, 4])],
        [init("w", 4, 3, 3, 3), init("b", 4)], (STANDARD, Cost(macs=6_912, other_ops=768, weights=108, biases=4)), (1, 8, 8, 4)),
    # 2x2 windows, stride 2, on (1, 3, 4, 4): 12 outputs x 4 compares; the int32 mask is data
    "MaxpoolWithMask": (ms_node("MaxpoolWithMask", ["x", "m"], "y", kernel_shape=[2, 2], strides=[2, 2]),
                        [("x", [1, 3, 4, 4]), ("m", vi("m", [1, 3, 4, 4], I32))], [], (POOL, Cost(other_ops=48)), (1, 3, 2, 2)),
    # pads (1, 0, 0, 1) an input, strides 2: (1, 3, 5, 6) -> (1, 4, 2*4 + 3 - 1, 2*5 + 2 - 1) = (1, 4, 10, 11); W (3, 4, 3, 2):
    # 72 weights, 30 input pixels x 72 = 2,160 MACs; 4 biases, 4 x 110 bias adds
    "ConvTransposeWithDynamicPads": (
        ms_node("ConvTransposeWithDynamicPads", ["x", "w", "p", "b"], "y", strides=[2, 2]), [("x", [1, 3, 5, 6])],
        [init("w", 3, 4, 3, 2), init("p", 4, dtype=np.int64, value=[1, 0, 0, 1]), init("b", 4)],
        (CONV_TRANSPOSE, Cost(macs=2_160, other_ops=440, weights=72, biases=4)), (1, 4, 10, 11)),
    # (2, 3, 2) times (3, 2) complex pairs: 6 complex products of 4 multiplies and 2 adds, 3 ops per output element (CUDA only)
    "ComplexMul": (ms_node("ComplexMul", ["a", "b"], "y"), [("a", [2, 3, 2]), ("b", [3, 2])], [], (ELEMENTWISE, Cost(other_ops=36)), (2, 3, 2)),
    # with B conjugated, a constant filter: 6 weights
    "ComplexMulConj": (ms_node("ComplexMulConj", ["a", "b"], "y"), [("a", [2, 3, 2])], [init("b", 3, 2)],
                       (ELEMENTWISE, Cost(other_ops=36, weights=6)), (2, 3, 2)),
})

# An LSTM in Bahdanau attention: X (5, 1, 4), hidden 3, memory (1, 6, 2) without an attention layer (A = Dm = 2), Aa 5.
# The LSTM on 4 + 2 inputs: 5*4*3*(6 + 3) = 540 MACs, 5*3*(11 + 4 + 8) = 345 ops, 108 + 24 params; the attention: keys
# 6*2*5 = 60 MACs, per step 3*5 + 6*5 + 6*2 = 57 MACs (285) and 6*(2*5 + 3) = 78 ops (390); QW 15, MW 10, v 5 weights
CASES["AttnLSTM"] = (
    ms_node("AttnLSTM", ["x", "w", "r", "b", "", "", "", "", "qw", "mw", "v", "m"], ["y", "yh"], hidden_size=3),
    [("x", [5, 1, 4]), ("m", [1, 6, 2])],
    [init("w", 1, 12, 6), init("r", 1, 12, 3), init("b", 1, 24), init("qw", 1, 3, 5), init("mw", 1, 2, 5), init("v", 1, 5)],
    (RECURRENT, Cost(macs=885, other_ops=735, weights=138, biases=24)), (5, 1, 1, 3))

# with an attention layer AW (1, 2 + 3, 4): A = 4, W (1, 12, 4 + 4): the LSTM 5*4*3*(8 + 3) = 660 MACs, 132 + 24 params;
# per step (3 + 2)*4 = 20 more MACs (100); AW 20 more weights
CASES["AttnLSTM attention layer"] = (
    ms_node("AttnLSTM", ["x", "w", "r", "b", "", "", "", "", "qw", "mw", "v", "m", "", "aw"], ["y", "yh"], hidden_size=3),
    [("x", [5, 1, 4]), ("m", [1, 6, 2])],
    [init("w", 1, 12, 8), init("r", 1, 12, 3), init("b", 1, 24), init("qw", 1, 3, 5), init("mw", 1, 2, 5), init("v", 1, 5), init("aw", 1, 5, 4)],
    (RECURRENT, Cost(macs=1_105, other_ops=735, weights=182, biases=24)), (5, 1, 1, 3))

# Hyper-connection streams (onnx_contrib_hyper), Engram's gate, and ops around attention and generation
CASES.update({
    # an RMS norm of each of 4 branches of 8, (2, 3, 4, 8): 5 x 192; scale 8 norm params
    "BranchwiseRMSNorm": (ms_node("BranchwiseRMSNorm", ["x", "s"], "y"), [("x", [2, 3, 4, 8])], [init("s", 8)],
                          (NORM, Cost(other_ops=960, norm_params=8)), (2, 3, 4, 8)),
    # flattened (2, 3, 32) with num_branches 4, scale (4, 8): the same count, 32 norm params
    "BranchwiseRMSNorm flattened": (ms_node("BranchwiseRMSNorm", ["x", "s"], "y", num_branches=4), [("x", [2, 3, 32])], [init("s", 4, 8)],
                                    (NORM, Cost(other_ops=960, norm_params=32)), (2, 3, 32)),
    # 4 branches of 8 weighed and summed: a MAC per stream element (192); reduction_scale 0.5: 48 multiplies
    "HyperConnectionPreMix": (ms_node("HyperConnectionPreMix", ["x", "g"], "y", reduction_scale=0.5), [("x", [2, 3, 4, 8]), ("g", [2, 3, 4])], [],
                              (MATMUL, Cost(macs=192, other_ops=48)), (2, 3, 8)),
    # flattened (2, 3, 32), 4 branches, gates (2, 3, 4, 8)
    "HyperConnectionPreMix flattened": (ms_node("HyperConnectionPreMix", ["x", "g"], "y", num_branches=4), [("x", [2, 3, 32]), ("g", [2, 3, 4, 8])],
                                        [], (MATMUL, Cost(macs=192)), (2, 3, 8)),
    # a (4 x 4) stream mix: 4 MACs per output element (768), the injection 2 ops per element (384)
    "HyperConnectionPostMix": (
        ms_node("HyperConnectionPostMix", ["x", "o", "p", "m"], "y"), [("x", [2, 3, 4, 8]), ("o", [2, 3, 8]), ("p", [2, 3, 4]), ("m", [2, 3, 4, 4])],
        [], (MATMUL, Cost(macs=768, other_ops=384)), (2, 3, 4, 8)),
    # no stream mix (the identity): the injection alone
    "HyperConnectionPostMix identity": (
        ms_node("HyperConnectionPostMix", ["x", "o", "p"], "y", num_branches=4), [("x", [2, 3, 32]), ("o", [2, 3, 8]), ("p", [2, 3, 4, 8])],
        [], (ADD, Cost(other_ops=384)), (2, 3, 32)),
    # 6 tokens of 4 streams of 8 (192 stream elements), rank 2: down and up 2 x 192 x 2 MACs, the weighted sum 192, inject
    # 192 x 4: 1,728; ops norm 5 x 192, ScaledSiLU 4 x 12, g's sigmoid 3 x 192, post gate (3 + gate_div 1) x 24: 1,680;
    # norm_scale 32, weights 64 + 64 + 128 (CUDA only)
    "HyperConnectionLowRankMix": (
        ms_node("HyperConnectionLowRankMix", ["x", "ns", "down", "up", "inj"], ["pre", "gate"], num_branches=4, gate_div=2.0),
        [("x", [2, 3, 32])], [init("ns", 32), init("down", 32, 2), init("up", 2, 32), init("inj", 32, 4)],
        (MATMUL, Cost(macs=1_728, other_ops=1_680, norm_params=32, weights=256)), (2, 3, 8)),
    # keys and queries (1, 3, 2, 8), 48 elements in 6 rows: two RMS norms 2 x 5 x 48, the dots 48 MACs, per row scale 1 +
    # sign-sqrt 5 + sigmoid 3 (54), the gated value 48 multiplies: 582 ops; 2 x 16 norm params
    "EngramGate": (ms_node("EngramGate", ["k", "q", "v", "ks", "qs"], "y"), [("k", [1, 3, 2, 8]), ("q", [1, 3, 2, 8]), ("v", [1, 3, 8])],
                   [init("ks", 2, 8), init("qs", 2, 8)], (NORM, Cost(macs=48, other_ops=582, norm_params=32)), (1, 3, 2, 8)),
    # with gated_value_normed: one more RMS norm, 240 ops, 16 norm params
    "EngramGate normed": (
        ms_node("EngramGate", ["k", "q", "v", "ks", "qs", "cs"], ["y", "yn"]), [("k", [1, 3, 2, 8]), ("q", [1, 3, 2, 8]), ("v", [1, 3, 8])],
        [init("ks", 2, 8), init("qs", 2, 8), init("cs", 2, 8)], (NORM, Cost(macs=48, other_ops=822, norm_params=48)), (1, 3, 2, 8)),
    # a test per element of both inputs: 6 + 4 (a training graph's check; CUDA only)
    "IsAllFinite": (ms_node("IsAllFinite", ["a", "b"], "y"), [("a", [2, 3]), ("b", [4])], [], (ELEMENTWISE, Cost(other_ops=10)), ()),
    # 2 rows of 6 ids, trigrams: 4 earlier trigrams x 2 compares a row: 16
    "NGramRepeatBlock": (ms_node("NGramRepeatBlock", ["ids", "scores"], "y", ngram_size=3), [("ids", vi("ids", [2, 6], I64)), ("scores", [2, 10])],
                         [], (ELEMENTWISE, Cost(other_ops=16)), (2, 10)),
    # 7 packed tokens back to (2, 5) places: data movement (CUDA only)
    "RestorePadding": (ms_node("RestorePadding", ["x", "off"], "y"), [("x", [7, 8]), ("off", vi("off", [2, 5], I32))], [], (SHAPE, Cost()), (2, 5, 8)),
})

# Mamba2Verify: 3 tokens, 2 heads of 4 (di 8), d_state 8, one group: 24 conv channels, projection 8 + 24 + 2 = 34 wide.
# Per token 4 x 24 conv MACs + 2 x 64 state MACs (672); ops 24 x (bias 1 + SiLU 4) + 6 x 2 + 64 decays + 8 x 13 = 300
# (900); weights conv 96 + A 2 + D 2, biases 24 + 2, norm weight 8 (CUDA only)
CASES["Mamba2Verify"] = (
    ms_node("Mamba2Verify", ["p", "cs", "ss", "cw", "cb", "dtb", "a", "d", "nw", "row"], ["y", "cs_out", "ss_out"], heads=2, n_groups=1,
            head_dim=4, d_state=8),
    [("p", [3, 34]), ("cs", [2, 24, 3]), ("ss", [2, 2, 8, 4]), ("row", vi("row", [1], I32))],
    [init("cw", 24, 4), init("cb", 24), init("dtb", 2), init("a", 2), init("d", 2), init("nw", 8)],
    (MATMUL, Cost(macs=672, other_ops=900, weights=100, biases=26, norm_params=8)), (3, 8))


def check_case_cost(tmp_path, case) -> None:
    """A case (node, graph inputs, initializers, (layer type, cost), output shape) counts its hand-derived cost."""
    n, inputs, inits, (kind, cost), _ = case
    layer = one(tmp_path, n, inputs, inits, outputs=list(n.output))
    assert (layer.type, layer.cost) == (kind, cost)


@pytest.mark.parametrize("op", sorted(CASES))
def test_contrib_op_cost(tmp_path, op):
    check_case_cost(tmp_path, CASES[op])


@pytest.mark.parametrize("op", sorted(CASES))
def test_contrib_output_shape_is_what_onnxruntime_computes(tmp_path, op):
    """onnxruntime's own inference of the op agrees with dscost's shapes (:func:`strict_session`),
    and it runs the one-node graph (random inputs) where it has a CPU kernel: its output 0 has the
    shape dscost inferred, and a Relu (a DequantizeLinear of a quantized output, a Not of a bool) after it is
    counted on that shape; its later outputs have the sizes dscost gives them."""
    import onnxruntime as ort

    n, inputs, inits, _, out_shape = CASES[op]
    if op.startswith(("QLinear", "QGemm", "NhwcMaxPool")):  # a quantized output: dequantize it
        after = helper.make_node("DequantizeLinear", [n.output[0], "y_s", "y_zp"], ["after"], name="after")
    elif op == "IsAllFinite":  # a bool output, which Relu does not take (onnxruntime refuses the graph)
        after = helper.make_node("Not", [n.output[0]], ["after"], name="after")
    else:
        after = helper.make_node("Relu", [n.output[0]], ["after"], name="after")
    layers, path = layers_of(tmp_path, [n, after], inputs, inits, outputs=["after", *n.output[1:]])
    assert layers[n.output[0]].output_shape == out_shape and layers["after"].output_shape == out_shape
    if op == "ExpandDims" and tuple(int(v) for v in ort.__version__.split(".")[:2]) < (1, 32):
        pytest.skip("onnxruntime's ExpandDims kernel crashes the process before 1.32 (1.18.1 and 1.22.0 do, 1.32.0 does not)")
    if op == "QMoE" and tuple(int(v) for v in ort.__version__.split(".")[:2]) < (1, 24):
        pytest.skip("onnxruntime 1.23.2's QMoE kernel wants this fc1 (4, 16, 4) as (4, 32, 4) (1.24.4 to 1.32.0 run it)")
    sess = strict_session(path, n, op)
    rng = np.random.default_rng(0)
    feeds = {}
    for i in sess.get_inputs():
        shape = [d if isinstance(d, int) else 1 for d in i.shape]
        dtype = {"tensor(float)": np.float32, "tensor(int32)": np.int32, "tensor(int64)": np.int64, "tensor(uint8)": np.uint8,
                 "tensor(bool)": np.bool_}[i.type]  # fmt: skip
        feeds[i.name] = rng.standard_normal(shape).astype(dtype) if dtype is np.float32 else rng.integers(0, 2, shape).astype(dtype)
    try:
        got = sess.run(None, feeds)  # "after", then the node's later outputs (a KV cache's present key and value)
    except Exception as err:  # an input only the CUDA kernel takes (GroupQueryAttention's q/k norms, GatedAdd's gate_weight in float)
        if "CUDA" not in str(err) and "NOT_IMPLEMENTED" not in str(err):
            raise
        pytest.skip(f"onnxruntime's CPU kernel cannot run this {op}: {str(err).splitlines()[0][:160]}")
    assert got[0].shape == out_shape
    assert tuple(int(np.prod(g.shape)) for g in got[1:]) == layers[n.output[0]].more_outputs[: len(got) - 1]


@pytest.mark.parametrize("op, present", [("MultiHeadAttention with past", 1 * 4 * 8 * 4), ("GroupQueryAttention", 1 * 2 * 8 * 8)])
def test_kv_cache_outputs_hold_past_and_new_keys(tmp_path, op, present):
    n, inputs, inits, _, _ = CASES[op]
    assert one(tmp_path, n, inputs, inits, outputs=list(n.output)).more_outputs == (present, present)


def test_linear_attention_state_window_leads_its_states(tmp_path):
    """state_window 2: past and present states hold the last 2 states, (2, B, Hkv, dk, dv); the
    same arithmetic (onnxruntime runs it on CUDA only: not run here)."""
    n, inputs, inits, (kind, cost), _ = CASES["LinearAttention"]
    n = ms_node("LinearAttention", list(n.input), list(n.output), q_num_heads=1, kv_num_heads=2, state_window=2)
    inputs = [(name, [2, *shape] if name == "past" else shape) for name, shape in inputs]
    layer = one(tmp_path, n, inputs, inits, outputs=list(n.output))
    assert (layer.type, layer.cost, layer.output_shape, layer.more_outputs) == (kind, cost, (1, 5, 32), (2 * 2 * 8 * 16,))


def test_simplified_layer_norm_of_the_default_domain_carries_shapes(tmp_path):
    """onnxruntime's RMS norm in the default domain (no onnx schema): 5 ops per element, 8 norm
    params, and the MatMul after it is counted (4 rows x 8 x 16 = 512 MACs)."""
    nodes = [helper.make_node("SimplifiedLayerNormalization", ["x", "g"], ["n"], name="n"), helper.make_node("MatMul", ["n", "w"], ["y"], name="y")]
    layers, _ = layers_of(tmp_path, nodes, [("x", [1, 4, 8])], [init("g", 8), init("w", 8, 16)])
    assert (layers["n"].type, layers["n"].cost) == (NORM, Cost(other_ops=160, norm_params=8))
    assert layers["y"].cost == Cost(macs=512, weights=128)


def test_optimizer_style_chain_counts_like_the_unfused_graph(tmp_path):
    """MatMul -> BiasGelu -> MatMul -> SkipLayerNormalization: what onnxruntime's optimizer makes of
    MatMul -> Add -> Gelu -> MatMul -> Add -> Add -> LayerNormalization; equal MACs and params."""
    inits = [init("w1", 8, 32), init("b1", 32), init("w2", 32, 8), init("b2", 8), init("g", 8), init("beta", 8)]
    fused = [helper.make_node("MatMul", ["x", "w1"], ["h"], name="fc1"), ms_node("BiasGelu", ["h", "b1"], "a"),
             helper.make_node("MatMul", ["a", "w2"], ["o"], name="fc2"), ms_node("SkipLayerNormalization", ["o", "x", "g", "beta", "b2"], "y")]  # fmt: skip
    unfused = [helper.make_node("MatMul", ["x", "w1"], ["h"], name="fc1"), helper.make_node("Add", ["h", "b1"], ["hb"], name="hb"),
               helper.make_node("Gelu", ["hb"], ["a"], name="a"), helper.make_node("MatMul", ["a", "w2"], ["o"], name="fc2"),
               helper.make_node("Add", ["o", "b2"], ["ob"], name="ob"), helper.make_node("Add", ["ob", "x"], ["r"], name="r"),
               helper.make_node("LayerNormalization", ["r", "g", "beta"], ["y"], name="y", axis=-1)]  # fmt: skip

    def totals(nodes, opset):
        mp = ms_model(nodes, [("x", [1, 4, 8])], inits)
        mp.opset_import[0].version = opset
        m = read_onnx(save(tmp_path, mp, f"{len(nodes)}.onnx"))
        assert not m.uncounted
        return sum(layer.cost.macs for layer in m.layers), sum(layer.cost.params for layer in m.layers)

    assert totals(fused, 17) == totals(unfused, 20) == (4 * 8 * 32 * 2, 8 * 32 * 2 + 32 + 8 + 16)


def test_mxfp4_experts_count_two_weights_a_byte(tmp_path):
    """QMoE with quant_type fp4 (onnxruntime-genai's GPT-OSS export with moe_quant_type=mxfp4):
    two weights to a byte whatever expert_weight_bits says; its global scales are not params.
    The same counts as the 4-bit "QMoE" case (onnxruntime's fp4 kernel wants block scales this
    test does not build, so it is not run)."""
    n = ms_node("QMoE", ["x", "r", "w1", "s1", "", "w2", "s2", *[""] * 8, "g1", "g2"], "y", k=2, activation_type="silu",
                quant_type="fp4", expert_weight_bits=8)  # fmt: skip
    inits = [init("w1", 4, 16, 4, dtype=np.uint8), init("s1", 4, 16), init("w2", 4, 8, 8, dtype=np.uint8), init("s2", 4, 8), init("g1", 4), init("g2", 4)]
    layer = one(tmp_path, n, [("x", [1, 6, 8]), ("r", [6, 4])], inits)
    assert layer.cost == Cost(macs=3_072, other_ops=1_056, weights=1_024) and layer.note.endswith("4-bit fp4 weights")


@pytest.mark.parametrize("quant, bits, types", [("fp4", 8, {"float4e2m1": 1_024}), ("int", 4, {"int4": 1_024}), ("int", 8, {"int8": 1_024})])
def test_qmoe_experts_are_sized_at_their_bits(tmp_path, quant, bits, types):
    """The experts' weights as their values' type (Model.weight_types): fp4 floats or 4-bit
    integers two a byte, 1,024 values in 512 bytes; at 8 bits a byte each (here in (4, 16, 8) and
    (4, 8, 16) bytes).  The activations stay float32, also at 8 bits (weight-only: not int8)."""
    from dscost.memory import model_memory

    n = ms_node("QMoE", ["x", "r", "w1", "s1", "", "w2", "s2"], "y", k=2, activation_type="silu", quant_type=quant, expert_weight_bits=bits)
    eff = 4 if quant == "fp4" else bits  # (fp4: 4 bits whatever expert_weight_bits says)
    w = (4, 16, eff), (4, 8, 2 * eff)
    inits = [init("w1", *w[0], dtype=np.uint8), init("s1", 4, 16), init("w2", *w[1], dtype=np.uint8), init("s2", 4, 8)]
    m = read_onnx(save(tmp_path, ms_model([n], [("x", [1, 6, 8]), ("r", [6, 4])], inits)))
    assert (m.weight_types, m.activation_dtype) == (types, "fp32")  # (weight-only at 8 bits too: not int8 activations)
    mem = model_memory(m)
    assert (mem.dtype, mem.weight_bytes) == ("fp32", 1_024 * eff // 8)


def test_unknown_contrib_op_is_uncounted_and_says_so(tmp_path):
    path = save(tmp_path, ms_model([ms_node("PackedAttention", ["x", "w", "b", "tok", "cum"], "y", num_heads=2)],
                                   [("x", [6, 8]), ("tok", vi("tok", [1, 4], I32)), ("cum", vi("cum", [2], I32))], [init("w", 8, 24), init("b", 24)]))
    m = read_onnx(path)
    assert [(u.op, u.reason) for u in m.uncounted] == [("PackedAttention", "onnxruntime contrib op 'PackedAttention': its sequences' "
                                                        "lengths are the run-time values of cumulative_sequence_length, not a shape")]  # fmt: skip
    assert m.uncounted[0].params == 8 * 24 + 24  # its weights are still params
    path = save(tmp_path, ms_model([ms_node("MadeUpOp", ["x"], "y")], [("x", vi("x", [2, 3], I64))]), "other.onnx")
    assert [u.reason for u in read_onnx(path).uncounted] == ["onnxruntime contrib op 'MadeUpOp': no cost handler"]
    path = save(tmp_path, ms_model([ms_node("Rfft", ["x"], "y", signal_ndim=1)], [("x", [1, 64])]), "fft.onnx")
    assert [u.reason for u in read_onnx(path).uncounted] == ["onnxruntime contrib op 'Rfft': a signal op: its work depends on the FFT algorithm "
                                                              "(N log N to N^2 per transform)"]  # fmt: skip


def test_contrib_range_folds_as_the_standard_range(tmp_path):
    """A contrib Range of constants is the standard Range: arange(0, 10, 3) has 4 elements, which
    the Relu after it counts (onnxruntime's shape too).  Without its optional delta (1) it is
    not the standard op, whose delta is required: ceil(10 - 0) elements from the values folding
    knows, and left open, and said, when they are not known (a graph input)."""
    import onnxruntime as ort

    nodes = [ms_node("Range", ["a", "b", "c"], "r"), helper.make_node("Relu", ["r"], ["y"], name="y")]
    inits = [init("a", value=0.0), init("b", value=10.0), init("c", value=3.0)]
    layers, path = layers_of(tmp_path, nodes, [], inits)
    assert (layers["y"].output_shape, layers["y"].cost) == ((4,), Cost(other_ops=4))
    assert ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {})[0].shape == (4,)
    nodes[0] = ms_node("Range", ["a", "b"], "r")
    path = save(tmp_path, ms_model(nodes, [], inits[:2]), "two.onnx")
    m = read_onnx(path)
    assert not m.uncounted and m.layers[-1].output_shape == (10,) and m.layers[-1].cost == Cost(other_ops=10)
    assert ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {})[0].shape == (10,)
    m = read_onnx(save(tmp_path, ms_model(nodes, [("b", vi("b", [], TensorProto.FLOAT))], inits[:1]), "given.onnx"))
    assert [(u.name, u.reason) for u in m.uncounted] == [("y", "unknown shape of input 0 ('r'); shapes lost at r (Range: a shape-giving input's value "
                                                          "is computed at run time); --measure-sizes counts them at one run")]  # fmt: skip


@pytest.mark.parametrize("op, value", [("Range", np.inf), ("Range", np.nan), ("Range", 1e300), ("ExpandDims", np.inf), ("ExpandDims", 0.0)])
def test_hostile_values_of_value_shaped_contrib_ops_leave_the_shape_open(tmp_path, op, value):
    """A Range to infinity, NaN or past int64, an ExpandDims on a float axis: no size to give (it
    was an internal error); the Relu after is uncounted, saying where shapes were lost."""
    if op == "Range":
        n, inputs, inits = ms_node("Range", ["a", "b"], "r"), [], [init("a", value=0.0), init("b", dtype=np.float64, value=value)]
    else:
        n, inputs, inits = ms_node("ExpandDims", ["x", "b"], "r"), [("x", [2, 3])], [init("b", 1, value=[value])]
    m = read_onnx(save(tmp_path, ms_model([n, helper.make_node("Relu", ["r"], ["y"], name="y")], inputs, inits)))
    assert [(u.name, u.reason) for u in m.uncounted] == [("y", f"unknown shape of input 0 ('r'); shapes lost at r ({op}: onnx shape inference left its output open)")]


def test_data_sized_contrib_ops_say_so(tmp_path):
    """Unique and DynamicTimeWarping (onnxruntime's PyTorch export helper, Whisper's alignment):
    their output sizes are the data's to say."""
    path = save(tmp_path, ms_model([ms_node("Unique", ["x"], ["u", "idx", "counts"])], [("x", [8])], outputs=["u"]))
    assert [u.reason for u in read_onnx(path).uncounted] == ["onnxruntime contrib op 'Unique': its output size depends on the data"]
    path = save(tmp_path, ms_model([ms_node("DynamicTimeWarping", ["x"], "path")], [("x", [6, 9])]), "dtw.onnx")
    assert [u.reason for u in read_onnx(path).uncounted] == [
        "onnxruntime contrib op 'DynamicTimeWarping': its output, the alignment path, has a length that depends on the data"]


@pytest.mark.parametrize("op, inputs, why", [
    ("DecoderAttention", ["q", "k", "qw", "kvw", "b", "", "", "", "sk", "up", "hl", "hm"], "run-time values of its flag inputs static_kv"),
    ("LongformerAttention", ["q", "qw", "b", "m", "kvw", "b", "g"], "run-time values of its global attention flags"),
    ("DynamicSparseAttention", ["q", "k", "v", "", "", "", "", "sel", "cnt", "sl", "tl"], "run-time values of selected_indices and selected_counts"),
    ("RemovePadding", ["q", "cnt"], "run-time values of sequence_token_count"),
    ("ConvStateReplay", ["q", "k", "v", "tl"], "run-time values of its metadata input"),
    ("SpeculativePrefixCommit", ["sel", "cnt", "sl", "tl", "sel", "cnt", "sl"], "no arithmetic to count")])
def test_runtime_sized_contrib_ops_say_so(tmp_path, op, inputs, why):
    """Ops whose work (an attention's keys, which attention, the tokens or state rows they move) is
    set by run-time values: uncounted, saying which; their weights are still params."""
    ins = [(t, [1, 4, 8]) for t in ("q", "k", "v", "m", "g")] + [(t, vi(t, [4], I32)) for t in ("sel", "cnt", "sl", "tl")]
    ins += [(t, vi(t, [], TensorProto.BOOL)) for t in ("sk", "up", "hl", "hm")]
    n = ms_node(op, inputs, "y", num_heads=2, kv_num_heads=2, window=2)
    m = read_onnx(save(tmp_path, ms_model([n], [i for i in ins if i[0] in inputs], [init("qw", 8, 8), init("kvw", 8, 16), init("b", 24)])))
    assert [u.op for u in m.uncounted] == [op] and why in m.uncounted[0].reason
    assert m.uncounted[0].params == sum(64 if t == "qw" else 128 if t == "kvw" else 24 if t == "b" else 0 for t in dict.fromkeys(inputs))


def test_shapes_flow_through_a_node_fed_one_tensor_twice(tmp_path):
    """onnxruntime's saved optimized graphs merge equal initializers, so a BatchNormalization can
    take one tensor as scale and variance (and another as bias and mean).  Its shape, inferred
    after a FusedConv, must still reach the Relu after it (a tensor counted once among the inputs)."""
    nodes = [ms_node("FusedConv", ["x", "w"], "c", activation="Relu", kernel_shape=[1, 1]),
             helper.make_node("BatchNormalization", ["c", "ones", "zeros", "zeros", "ones"], ["bn"], name="bn"),
             helper.make_node("Relu", ["bn"], ["y"], name="y")]  # fmt: skip
    layers, _ = layers_of(tmp_path, nodes, [("x", [1, 3, 4, 4])], [init("w", 4, 3, 1, 1), init("ones", 4, value=[1] * 4), init("zeros", 4)])
    assert layers["y"].output_shape == (1, 4, 4, 4) and layers["y"].cost == Cost(other_ops=64)


def test_nchwc_layout_ops_say_how_to_get_a_count(tmp_path):
    """onnxruntime's ORT_ENABLE_ALL saves blocked-channel ops (domain com.microsoft.nchwc) on x86:
    hardware-specific, channels padded to the block; listed uncounted with what to do instead."""
    n = helper.make_node("ReorderInput", ["x"], ["y"], name="reorder", domain="com.microsoft.nchwc")
    mp = ms_model([n], [("x", [1, 8, 4, 4])])
    mp.opset_import.append(helper.make_opsetid("com.microsoft.nchwc", 1))
    m = read_onnx(save(tmp_path, mp))
    assert [u.op for u in m.uncounted] == ["ReorderInput"] and "ORT_ENABLE_EXTENDED" in m.uncounted[0].reason


@pytest.mark.parametrize("zp_type", [np.uint8, np.uint16])
def test_contrib_qdq_counts_like_the_standard_qdq(tmp_path, zp_type):
    """onnxruntime's quantizer with UseQDQContribOps (and its 16-bit QDQ before opset 21) writes
    QuantizeLinear / DequantizeLinear of com.microsoft: every layer counts as with the standard ops
    (so as its float twin), and onnxruntime runs the graph to the shape dscost gives.
    3x3 conv 3 -> 8 on 8x8, pads 1: 27*8*64 = 13,824 MACs, 216 int8 weights, 8 int32 biases (512 adds)."""
    import onnxruntime as ort

    def graph(domain: str, opset: int):
        def qdq(op, ins, out, **kw):
            return helper.make_node(op, ins, [out], name=out, domain=domain, **kw)

        nodes = [qdq("QuantizeLinear", ["x", "s", "zp"], "xq"), qdq("DequantizeLinear", ["xq", "s", "zp"], "xdq"),
                 qdq("DequantizeLinear", ["W", "w_s", "w_zp"], "wdq", axis=0), qdq("DequantizeLinear", ["B", "b_s"], "bdq"),
                 helper.make_node("Conv", ["xdq", "wdq", "bdq"], ["conv"], name="conv", pads=[1, 1, 1, 1]),
                 qdq("QuantizeLinear", ["conv", "s", "zp"], "yq"), qdq("DequantizeLinear", ["yq", "s", "zp"], "y")]  # fmt: skip
        inits = [init("W", 8, 3, 3, 3, dtype=np.int8), init("w_s", 8, value=[0.1] * 8), init("w_zp", 8, dtype=np.int8, value=[0] * 8),
                 init("B", 8, dtype=np.int32), init("b_s", value=0.01), init("s", value=0.1), init("zp", dtype=zp_type, value=128)]  # fmt: skip
        mp = ms_model(nodes, [("x", [1, 3, 8, 8])], inits)
        mp.opset_import[0].version = opset
        path = save(tmp_path, mp, f"{domain or 'std'}.onnx")
        m = read_onnx(path)
        assert not m.uncounted, m.uncounted
        return path, [(layer.name, layer.type, layer.inputs, layer.output_shape, layer.cost) for layer in m.layers]

    path, contrib = graph(MS, 17)
    assert graph("", 21)[1] == contrib  # (uint16 zero points: opset 21)
    by = {name: (kind, shape, cost) for name, kind, _, shape, cost in contrib}
    assert by["conv"] == (STANDARD, (1, 8, 8, 8), Cost(macs=13_824, other_ops=512, weights=216, biases=8))
    assert by["wdq"] == (ELEMENTWISE, (8, 3, 3, 3), Cost(other_ops=432)) and by["xq"][2] == Cost(other_ops=384)
    assert sum(c.params for _, _, _, _, c in contrib) == 224
    try:
        sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as err:  # an older onnxruntime without this type
        pytest.skip(f"onnxruntime cannot run it: {str(err).splitlines()[0][:120]}")
    assert sess.run(None, {"x": np.ones((1, 3, 8, 8), np.float32)})[0].shape == by["y"][1]


@pytest.mark.parametrize("domain, zp_type", [(MS, np.uint16), ("", np.uint8)])
def test_pad_arithmetic_through_qdq_is_folded(tmp_path, domain, zp_type):
    """quantize_static quantizes the float arithmetic of a TF-style "same" pad too (timm's
    tf_efficientnet_b0): the Q/DQ fold -- onnxruntime's com.microsoft ones as the standard ops,
    and at opset 17 the standard ones too (onnx's evaluator implements DequantizeLinear from
    opset 19 on: the newest is taken) -- so the Pad's size is known.  A pad of 1 computed
    through Q -> DQ of 1.0, then a 3x3 conv 3 -> 4: the padded 10x10 map gives an 8x8 output,
    4*27*64 = 6,912 MACs."""
    one_f = helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])
    nodes = [helper.make_node("Constant", [], ["p"], name="p", value=one_f),
             helper.make_node("QuantizeLinear", ["p", "s", "zp"], ["pq"], name="pq", domain=domain),
             helper.make_node("DequantizeLinear", ["pq", "s", "zp"], ["pf"], name="pf", domain=domain),
             helper.make_node("Cast", ["pf"], ["pi"], name="pi", to=TensorProto.INT64),
             helper.make_node("Concat", ["z2", "pi", "pi", "z2", "pi", "pi"], ["pads"], name="pads", axis=0),
             helper.make_node("Pad", ["x", "pads"], ["xp"], name="xp"), helper.make_node("Conv", ["xp", "W"], ["y"], name="y")]  # fmt: skip
    inits = [init("s", value=0.5), init("zp", dtype=zp_type, value=0), init("z2", 2, dtype=np.int64, value=[0, 0]), init("W", 4, 3, 3, 3)]
    layers, _ = layers_of(tmp_path, nodes, [("x", [1, 3, 8, 8])], inits)
    assert layers["xp"].output_shape == (1, 3, 10, 10)
    assert (layers["y"].output_shape, layers["y"].cost.macs) == ((1, 4, 8, 8), 6_912)


def test_a_domain_the_file_does_not_import_is_imported_as_onnxruntime_does(tmp_path):
    """Found by round 35: onnxruntime's ``optimize_model`` writes its com.microsoft fusions into
    some files without importing the domain (GPT-NeoX's BiasGelu, Qwen3's
    SkipSimplifiedLayerNormalization).  onnxruntime runs them: it imports each domain it knows at
    its newest version.  onnx's inference stopped dscost ("No opset import for domain
    com.microsoft").  Now the domain is imported (version 1, every contrib op's), a note says so,
    and an op of a domain nobody knows is uncounted, as when its domain is imported."""
    rng = np.random.default_rng(0)
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"], name="mm"), ms_node("BiasGelu", ["h", "b"], "y"),
             helper.make_node("Frob", ["y"], ["z"], name="frob", domain="org.example")]  # fmt: skip
    inits = [init("w", 64, 128, value=rng.random((64, 128))), init("b", 128, value=rng.random(128))]
    g = helper.make_graph(nodes, "g", [vi("x", [2, 16, 64])], [helper.make_empty_tensor_value_info("z")], inits)
    path = save(tmp_path, helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8))
    m = read_onnx(path)
    layers = {layer.name: layer for layer in m.layers}
    assert layers["mm"].cost.macs == 2 * 16 * 64 * 128 and layers["mm"].cost.weights == 64 * 128
    assert layers["y"].output_shape == (2, 16, 128) and layers["y"].cost.biases == 128
    assert [(u.name, u.op) for u in m.uncounted] == [("frob", "Frob")]
    assert [n for n in m.notes if "opset_import" in n] == [
        "the file's nodes use domain(s) its opset_import does not declare: com.microsoft (version 1), org.example (version 1) read as imported, "
        "as onnxruntime imports each domain it knows at its newest version (onnx's checker refuses the file)"]  # fmt: skip
    assert [o.domain for o in onnx.load(str(path)).opset_import] == [""]  # (the user's file as it was)
