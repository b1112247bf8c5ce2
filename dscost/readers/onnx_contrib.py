"""onnxruntime's contrib ops: domain ``com.microsoft``, as written by onnxruntime's transformer
optimizer (``onnxruntime.transformers.optimizer``: SkipLayerNormalization, BiasGelu, FastGelu,
Attention, MultiHeadAttention, FusedMatMul, FusedConv, EmbedLayerNormalization), its dynamic
quantizer's QAttention and QEmbedLayerNormalization, and onnxruntime-genai's LLMs
(GroupQueryAttention, RotaryEmbedding, MRotaryEmbedding, SkipSimplifiedLayerNormalization, MoE,
QMoE; SimplifiedLayerNormalization sits in the default domain and is counted by
:mod:`dscost.readers.onnx_ops`).  The channels-last ops of its NHWC transformer and its Stable
Diffusion UNet fusions are in :mod:`dscost.readers.onnx_contrib_layout`; the static quantizer's
QOperator format and DynamicQuantizeLSTM in :mod:`dscost.readers.onnx_contrib_quant`; its copies
of standard ops and torch's (its PyTorch export helper's, older converters') in
:mod:`dscost.readers.onnx_contrib_twins`; its fused softmax, dropouts, activations and rotary
embeddings in :mod:`dscost.readers.onnx_contrib_fused`, its T5 and WavLM attention biases in
:mod:`dscost.readers.onnx_contrib_attention`, its hyper-connection ops in
:mod:`dscost.readers.onnx_contrib_hyper`; its integer and int8 ordered ops in
:mod:`dscost.readers.onnx_contrib_quant` too, its low-bit weight ops (MatMulNBits and its fusions,
MatMulBnb4, GatherBlockQuantized's tables) in :mod:`dscost.readers.onnx_contrib_lowbit`, its block-packed weight ops in
:mod:`dscost.readers.onnx_contrib_packed`, its n-gram hashes in :mod:`dscost.readers.onnx_contrib_tokens`.

onnx's shape inference knows none of them, so each op has a shape function in :data:`SHAPES`
(used by :func:`dscost.readers.onnx_shapes.infer` to carry shapes past the node) next to its
cost handler in :data:`HANDLERS` (the reader's table for the ``com.microsoft`` domain).  Costs
are those of the unfused graph the optimizer replaced: a fused op counts what its parts count.
An op missing here is listed as uncounted, as any other.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.layers import ACTIVATION, ADD, ELEMENTWISE, FC, MATMUL, NORM, Cost, Shape
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import CONTRIB_HANDLERS as HANDLERS
from dscost.readers.onnx_node import CONTRIB_SHAPES as SHAPES
from dscost.readers.onnx_node import PREVIEW_DOMAINS, PREVIEW_HANDLERS
from dscost.readers.onnx_node import CONTRIB_DOMAIN, NodeInfo, conv_geom, contrib_handles as handles, contrib_shapes as shapes, input_0_shape, str_attr
from dscost.readers.onnx_ops import conv, gemm, matmul
from dscost.readers.onnx_contrib_layout import activation_ops as _activation_ops, group_norm, nhwc_conv, qlinear_conv_contrib  # (registers them)
from dscost.readers.onnx_contrib_quant import qgemm  # (registers the quantized ops)
from dscost.readers.onnx_contrib_lowbit import matmul_fpq4  # (registers the low-bit weight ops)
from dscost.readers.onnx_contrib_packed import matmul_packed  # (registers the packed-weight ops)
from dscost.readers.onnx_contrib_tokens import ngram_hash  # (registers the token-id hashes)
from dscost.readers.onnx_contrib_twins import crop_and_resize  # (registers the standard ops' twins)
from dscost.readers.onnx_contrib_fused import bias_softmax  # (registers the fused softmax, dropouts and activations)
from dscost.readers.onnx_contrib_attention import relative_position_bias  # (registers the attention biases)
from dscost.readers.onnx_contrib_hyper import hyper_pre_mix  # (registers the hyper-connection ops)
from dscost.readers.onnx_ml import ML_DOMAIN, ML_HANDLERS, ML_REASON, linear_shape  # (registers the ONNX-ML ops' shapes)
from dscost.readers.onnx_qonnx import QONNX_HANDLERS, QONNX_REASON  # (registers QONNX's shapes)
from dscost.readers.onnx_sequence_ops import rotary_result
from dscost.readers.onnx_uncounted import contrib_reason

__all__ = ["HANDLERS", "SHAPES", "bias_softmax", "crop_and_resize", "group_norm", "hyper_pre_mix", "linear_shape", "matmul_fpq4",
           "matmul_packed", "ngram_hash", "nhwc_conv", "qgemm", "qlinear_conv_contrib", "relative_position_bias"]


def domain_table(domain: str) -> tuple[dict, Callable[[str], str]]:
    """The handler table of one of onnx_node.TABLE_DOMAINS, and why an op it lacks is uncounted."""
    if domain == CONTRIB_DOMAIN:
        return HANDLERS, contrib_reason
    if domain == ML_DOMAIN:
        return ML_HANDLERS, lambda op: f"{ML_REASON}: no cost handler"
    if domain in PREVIEW_DOMAINS:
        return PREVIEW_HANDLERS, lambda op: f"an op of onnx's preview domain {domain!r}: no cost handler"
    return QONNX_HANDLERS, lambda op: f"{QONNX_REASON}, domain {domain!r}: no cost handler"


def _in(info: NodeInfo, i: int) -> Shape | None:
    return info.input_shape(i)


# --------------------------------------------------------------------------
# Shape functions


@shapes("SkipLayerNormalization", "SkipSimplifiedLayerNormalization", "BiasGelu", "FastGelu", "Gelu", "QuickGelu", "MRotaryEmbedding",
        "BiasAdd", "RotaryEmbedding", "QLinearSoftmax", "QLinearSigmoid", "QLinearLeakyRelu", "QuantizeLinear", "DequantizeLinear", "GatedRMSNorm")  # fmt: skip
@shapes("SimplifiedLayerNormalization", domain="")
def same_as_input(info: NodeInfo) -> list:
    """Output 0 (and a Skip*Norm's input+skip sum, output 3) has the first input's shape;
    a norm's mean and inverse std (outputs 1, 2) are one per row."""
    x = _in(info, 0)
    row = x[:-1] + (1,) if x else None
    return [x, row, row, x][: len(info.outputs)]


def _transposed(s: Shape, trans, trans_batch=0) -> Shape:
    """FusedMatMul's view of an operand: ``transBatch`` moves the first axis to just before the
    last (d0, d1, .., dn-2, dn-1 -> d1, .., dn-2, d0, dn-1; checked against onnxruntime), then
    ``trans`` swaps the last two."""
    if trans_batch and len(s) >= 3:
        s = s[1:-1] + (s[0], s[-1])
    return s[:-2] + (s[-1], s[-2]) if trans and len(s) >= 2 else s


@shapes("FusedMatMul", "TransposeMatMul", "DynamicQuantizeMatMul", "MatMulIntegerToFloat", "GemmFastGelu", "FusedMatMulActivation", "MatMulInteger16")
def matmul_shape(info: NodeInfo) -> list:
    a, b = _in(info, 0), _in(info, 1)
    if a is None or b is None or len(a) < 2 or len(b) < 2:
        return [None]
    a, b = _transposed(a, info.attr("transA", 0), info.attr("transBatchA", 0)), _transposed(b, info.attr("transB", 0), info.attr("transBatchB", 0))
    return [C.broadcast_shape(a[:-2], b[:-2]) + (a[-2], b[-1])]


@shapes("FusedGemm", "QGemm")
def gemm_shape(info: NodeInfo) -> list:
    """(M, N) of A and B (inputs 0 and 1; QGemm's B is input 3), transA/transB as Gemm's."""
    a, b = _in(info, 0), _in(info, 3 if info.op == "QGemm" else 1)
    if a is None or b is None or len(a) != 2 or len(b) != 2:
        return [None]
    return [(a[1] if info.attr("transA", 0) else a[0], b[0] if info.attr("transB", 0) else b[1])]


@shapes("FusedConv")
def fused_conv_shape(info: NodeInfo) -> list:
    g = conv_geom(info, 0, 1, 2)
    return [(g.batch, g.cout, *g.out_spatial)]


def _present(past: Shape | None, new_len: int) -> Shape | None:
    """A KV cache (..., past_len, head) after new_len more steps."""
    return past[:-2] + (past[-2] + new_len, past[-1]) if past else None


@shapes("Attention")
def attention_shape(info: NodeInfo) -> list:
    x, w, past = _in(info, 0), _in(info, 1), _in(info, 4)
    if x is None or w is None:
        return [None] * len(info.outputs)
    hq, hk, hv = _qkv_sizes(info, w)
    return [(x[0], x[1], hv), _present(past, x[1])][: len(info.outputs)]


@shapes("MultiHeadAttention")
def multi_head_attention_shape(info: NodeInfo) -> list:
    try:
        b, s, heads, kv_len, dq, dv = _mha_dims(info)
    except ValueError:
        return [None] * len(info.outputs)
    past_k, past_v = _in(info, 6), _in(info, 7)
    new = kv_len - (past_k[-2] if past_k else 0)  # the keys this step adds
    return [(b, s, heads * dv), _present(past_k, new), _present(past_v, new)][: len(info.outputs)]


@shapes("GroupQueryAttention")
def group_query_attention_shape(info: NodeInfo) -> list:
    try:
        b, s, heads, kv_heads, head = _gqa_dims(info)
    except ValueError:
        return [None] * len(info.outputs)
    return [(b, s, heads * head), _present(_in(info, 3), s), _present(_in(info, 4), s)][: len(info.outputs)]


@shapes("EmbedLayerNormalization", "QEmbedLayerNormalization")
def embed_layer_norm_shape(info: NodeInfo) -> list:
    ids, words = _in(info, 0), _in(info, 2)
    if ids is None or words is None:
        return [None] * len(info.outputs)
    out = (*ids, words[-1])
    return [out, (ids[0],), out][: len(info.outputs)]


# --------------------------------------------------------------------------
# Norms and activations


@handles("SkipLayerNormalization", "SkipSimplifiedLayerNormalization")
def skip_layer_norm(info: NodeInfo) -> Result:
    """input + skip (+ bias), then a layer (RMS) norm: other ops numel per add +
    cost.norm_cost(numel, gamma + beta).  Gamma and beta are norm params, the bias biases."""
    x = info.shape(0)
    numel = prod(x)
    bias_i = 3 if info.op == "SkipSimplifiedLayerNormalization" else 4
    norm = (2,) if bias_i == 3 else (2, 3)
    params = {i: "norm_params" for i in norm if info.has(i)}
    cost = C.norm_cost(numel, sum(prod(info.shape(i)) for i in params))
    adds = 1
    if info.has(bias_i):
        params[bias_i] = "biases"
        cost, adds = replace(cost, biases=prod(info.shape(bias_i))), 2
    return Result(NORM, replace(cost, other_ops=cost.other_ops + adds * numel), params=params, data_inputs=(0, 1))


# op -> (activation of cost.ACTIVATION_OPS, index of its bias input or None)
GELUS = {"BiasGelu": ("gelu", 1), "FastGelu": ("gelu", 1), "Gelu": ("gelu", None), "QuickGelu": ("swish", None)}


@handles(*GELUS)
def gelu(info: NodeInfo) -> Result:
    """cost.activation_cost (gelu; QuickGelu x*sigmoid(1.702x) as swish), plus one add per element
    for a bias (BiasGelu, FastGelu's optional input 1), counted as biases."""
    fn, bias_i = GELUS[info.op]
    numel = prod(info.shape(0))
    cost = C.activation_cost(fn, numel)
    params = {}
    if bias_i is not None and info.has(bias_i):
        params = {bias_i: "biases"}
        cost = replace(cost, other_ops=cost.other_ops + numel, biases=prod(info.shape(bias_i)))
    return Result(ACTIVATION, cost, params=params, data_inputs=(0,))


@handles("GatedRMSNorm")
def gated_rms_norm(info: NodeInfo) -> Result:
    """X * rsqrt(mean(X^2) + eps) * scale * act(gate), the mean over groups of C = numel(scale):
    the RMS norm's cost.norm_cost (scale: norm params) plus the gate's activation (silu 4, sigmoid
    3) and a multiply per element (Mamba2's and gated DeltaNet's output norm)."""
    x, c = info.shape(0), prod(info.shape(1))
    if not x or x[-1] % c:
        raise ValueError(f"X {tuple(x)} does not split into groups of {c} (the scale's length)")
    act = str_attr(info, "activation", "silu")
    if act not in ("silu", "swish", "sigmoid"):
        raise ValueError(f"gate activation {act!r} has no op count")
    numel = prod(x)
    cost = C.norm_cost(numel, c)
    return Result(NORM, replace(cost, other_ops=cost.other_ops + (C.ACTIVATION_OPS[act] + 1) * numel), params={1: "norm_params"}, data_inputs=(0, 2))


@shapes("LinearAttentionGate")
def linear_attention_gate_shape(info: NodeInfo) -> list:
    return [_in(info, 0), _in(info, 3) if info.has(3) else None][: len(info.outputs)]


@handles("LinearAttentionGate")
def linear_attention_gate(info: NodeInfo) -> Result:
    """decay = decay_scale * Softplus(a + dt_bias) (4 ops per element of a: add, softplus 2,
    multiply), beta = Sigmoid(b) (3 per element): the gates of gated DeltaNet.  dt_bias is
    biases, decay_scale (-exp(A_log), per head) weights."""
    a = info.shape(0)
    h = a[-1] if a else 0
    if not a or prod(info.shape(1)) != h or prod(info.shape(2)) != h:
        raise ValueError(f"dt_bias and decay_scale are not one per head of a {tuple(a)}")
    ops = 4 * prod(a) + (C.ACTIVATION_OPS["sigmoid"] * prod(info.shape(3)) if info.has(3) else 0)
    return Result(ELEMENTWISE, Cost(other_ops=ops, weights=h, biases=h), params={1: "biases", 2: "weights"}, data_inputs=(0, 3))


@handles("BiasAdd")
def bias_add(info: NodeInfo) -> Result:
    """X + bias + skip: 2 adds per element; the bias counts as biases."""
    numel = prod(info.shape(0))
    return Result(ADD, Cost(other_ops=2 * numel, biases=prod(info.shape(1))), params={1: "biases"}, data_inputs=(0, 2))


@handles("EmbedLayerNormalization")
def embed_layer_norm(info: NodeInfo) -> Result:
    """Word + position (+ segment) embedding lookups summed (an add per element and table after
    the first), then a layer norm (cost.norm_cost).  The tables are weights, gamma and beta norm params."""
    out = info.out()
    numel = prod(out)
    tables = [i for i in (2, 3, 4) if info.has(i)]
    params = {i: "weights" for i in tables}
    params.update({i: "norm_params" for i in (5, 6) if info.has(i)})
    cost = C.norm_cost(numel, sum(prod(info.shape(i)) for i in (5, 6) if info.has(i)))
    cost = replace(cost, other_ops=cost.other_ops + (len(tables) - 1) * numel, weights=sum(prod(info.shape(i)) for i in tables))
    return Result(NORM, cost, params=params, data_inputs=(0, 1, 7) if info.op == "QEmbedLayerNormalization" else (0, 1, 7, 8))


# Its quantizers' form (quantize_dynamic and QOperator quantize_static of an optimized BERT): the
# same inputs 0-7, the tables, gamma and beta in 8 bits (counted in values), then their scales
# and zero points, which are not params
handles("QEmbedLayerNormalization")(embed_layer_norm)


# --------------------------------------------------------------------------
# Matrix products and convs


@handles("FusedMatMul", "TransposeMatMul")
def fused_matmul(info: NodeInfo) -> Result:
    """alpha * A' B' (transA/transB, transBatchA/transBatchB: :func:`_transposed`): as MatMul on
    the transposed shapes, plus one multiply per output element when alpha is not 1.
    TransposeMatMul is its older name (without the transBatch attributes)."""
    a, b = info.shape(0), info.shape(1)
    shapes_t = [_transposed(a, info.attr("transA", 0), info.attr("transBatchA", 0)),
                _transposed(b, info.attr("transB", 0), info.attr("transBatchB", 0)), *info.in_shapes[2:]]  # fmt: skip
    res = matmul(replace(info, in_shapes=shapes_t))
    if float(info.attr("alpha", 1.0)) != 1.0:
        res = replace(res, cost=replace(res.cost, other_ops=res.cost.other_ops + prod(info.out())))
    return res


@handles("GemmFastGelu")
def gemm_fast_gelu(info: NodeInfo) -> Result:
    """MatMul(X, W) then FastGelu with its optional bias (input 2), fused: MatMul's cost plus
    :func:`gelu`'s on the output (the bias: an add per element, counted as biases)."""
    res = matmul(info)
    act = gelu(replace(info, op="FastGelu", inputs=[info.outputs[0], *info.inputs[2:3]], in_shapes=[info.out(), *info.in_shapes[2:3]]))
    return replace(res, cost=res.cost + act.cost, params={**res.params, **({2: "biases"} if info.has(2) else {})})


@handles("DynamicQuantizeMatMul", "MatMulIntegerToFloat")
def quantized_matmul(info: NodeInfo) -> Result:
    """A (float, quantized on the fly) times an integer B: as MatMul, plus the optional bias
    (input 4, resp. 6) as biases with an add per output element; scales and zero points are not params."""
    res = matmul(info)
    bias_i = 4 if info.op == "DynamicQuantizeMatMul" else 6
    if info.has(bias_i):
        cost = replace(res.cost, other_ops=res.cost.other_ops + prod(info.out()), biases=prod(info.shape(bias_i)))
        res = replace(res, cost=cost, params={**res.params, bias_i: "biases"})
    return res


@handles("FusedConv")
def fused_conv(info: NodeInfo) -> Result:
    """Conv (+ Z, a sum input) + activation: cost.conv_cost, one add per output element for Z,
    and the activation's ops (cost.activation_cost)."""
    res = conv(replace(info, inputs=info.inputs[:3], in_shapes=info.in_shapes[:3]))
    act_ops, act = _activation_ops(info)
    extra = (prod(info.out()) if info.has(3) else 0) + act_ops
    return replace(res, cost=replace(res.cost, other_ops=res.cost.other_ops + extra), data_inputs=(0, 3), note=act)


@handles("FusedMatMulActivation")
def fused_matmul_activation(info: NodeInfo) -> Result:
    """FusedMatMul + the Softmax after it (onnxruntime's MatMulActivationFusion for DirectML):
    :func:`fused_matmul`'s cost plus cost.softmax_cost on the output (another activation: its ops)."""
    res = fused_matmul(info)
    if str_attr(info, "activation", "") == "Softmax":
        act_ops, act = C.softmax_cost(prod(info.out())).other_ops, "softmax"
    else:
        act_ops, act = _activation_ops(info)
    return replace(res, cost=replace(res.cost, other_ops=res.cost.other_ops + act_ops), note=act)


@handles("FusedGemm")
def fused_gemm(info: NodeInfo) -> Result:
    """Gemm + activation: as Gemm (B weights, C biases), plus the activation's ops."""
    res = gemm(info)
    act_ops, act = _activation_ops(info)
    return replace(res, cost=replace(res.cost, other_ops=res.cost.other_ops + act_ops), note=act)


# --------------------------------------------------------------------------
# Attention


def _qkv_sizes(info: NodeInfo, w: Shape) -> tuple[int, int, int]:
    sizes = info.attr("qkv_hidden_sizes")
    if sizes:
        hq, hk, hv = (int(v) for v in sizes)
    else:
        hq = hk = hv = w[1] // 3
    if hq + hk + hv != w[1]:
        raise ValueError(f"weights {tuple(w)} do not hold Q, K and V of sizes {hq}, {hk}, {hv}")
    return hq, hk, hv


@handles("Attention")
def ms_attention(info: NodeInfo) -> Result:
    """input (B, S, Hin) times weights (Hin, Hq + Hk + Hv) (+ bias): the Q, K, V projections,
    cost.linear_cost; then cost.attention_cost(B, heads, S, past + S, Hq/heads, Hv/heads), masked
    with a mask, an attention bias or ``unidirectional``.  past (2, B, heads, past, head) is state."""
    x, w = info.shape(0), info.shape(1)
    heads = int(info.attr("num_heads", 0))
    hq, hk, hv = _qkv_sizes(info, w)
    if heads <= 0 or hq % heads or hv % heads or x[-1] != w[0]:
        raise ValueError(f"input {tuple(x)}, weights {tuple(w)} and num_heads={heads} do not fit")
    b, s = x[0], x[1]
    past = info.shape(4)[-2] if info.has(4) else 0
    bias = info.has(2)
    cost = C.linear_cost(w[0], w[1], rows=b * s, bias=bias)
    masked = info.has(3) or info.has(5) or bool(info.attr("unidirectional", 0))
    cost = cost + C.attention_cost(b, heads, s, past + s, hq // heads, hv // heads, masked)
    params = {1: "weights", 2: "biases"} if bias else {1: "weights"}
    return Result(MATMUL, cost, params=params, data_inputs=(0, 3, 4, 5, 6), states=(4,), note="attention + QKV projection")


# QAttention(input, weight, bias, input_scale, weight_scale, [mask_index], input_zero_point,
# weight_zero_point, [past]): Attention's inputs at these places (quantize_dynamic's BERT attention).
_QATTENTION = (0, 1, 2, 5, 8)


def _as_attention(info: NodeInfo) -> NodeInfo:
    return replace(info, inputs=[info.inputs[i] if i < len(info.inputs) else "" for i in _QATTENTION],
                   in_shapes=[info.in_shapes[i] if i < len(info.in_shapes) else None for i in _QATTENTION])  # fmt: skip


@shapes("QAttention")
def qattention_shape(info: NodeInfo) -> list:
    return attention_shape(_as_attention(info))


@handles("QAttention")
def qattention(info: NodeInfo) -> Result:
    """As Attention (int8 QKV weight, float bias) on Attention's inputs; scales and zero points are not params."""
    res = ms_attention(_as_attention(info))
    pick = _QATTENTION
    return replace(res, params={pick[i]: kind for i, kind in res.params.items()}, data_inputs=(0, 5, 8), states=(8,))


def _mha_dims(info: NodeInfo) -> tuple[int, int, int, int, int, int]:
    """(B, S, heads, kv length incl. past, Q head size, V head size) of a MultiHeadAttention."""
    q, k, v = _in(info, 0), _in(info, 1), _in(info, 2)
    heads = int(info.attr("num_heads", 0))
    if q is None or heads <= 0:
        raise ValueError(f"query {q} with num_heads={heads}")
    past = _in(info, 6)
    if len(q) == 5 and k is None:  # packed QKV (B, S, heads, 3, head)
        return q[0], q[1], heads, q[1] + (past[-2] if past else 0), q[4], q[4]
    if len(q) != 3 or k is None or v is None or q[2] % heads:
        raise ValueError(f"query {q}, key {k}, value {v} with num_heads={heads}: layout not counted")
    if len(k) == 3 and len(v) == 3:
        kv_len, dv = k[1], v[2] // heads
    elif len(k) == 4 and len(v) == 4:  # (B, heads, L, head): keys and values already split (a cross-attention cache)
        kv_len, dv = k[2], v[3]
    elif len(k) == 5 and v is None:  # packed KV (B, L, heads, 2, head)
        kv_len, dv = k[1], k[4]
    else:
        raise ValueError(f"query {q}, key {k}, value {v}: layout not counted")
    return q[0], q[1], heads, kv_len + (past[-2] if past else 0), q[2] // heads, dv


@handles("MultiHeadAttention")
def multi_head_attention(info: NodeInfo) -> Result:
    """query (B, S, D), key and value (B, L, D) or (B, heads, L, head), or packed QKV / KV:
    cost.attention_cost(B, heads, S, past + L, D/heads, Dv/heads), masked with a key padding
    mask, an attention bias or ``unidirectional``; a constant bias (input 3) adds one op per
    projected element and counts as biases.  past_key/past_value are state."""
    b, s, heads, kv_len, dq, dv = _mha_dims(info)
    masked = info.has(4) or info.has(5) or bool(info.attr("unidirectional", 0))
    cost = C.attention_cost(b, heads, s, kv_len, dq, dv, masked)
    params = {}
    if info.has(3):
        params = {3: "biases"}
        proj = sum(prod(info.shape(i)) for i in (0, 1, 2) if info.has(i))
        cost = replace(cost, other_ops=cost.other_ops + proj, biases=prod(info.shape(3)))
    return Result(MATMUL, cost, params=params, data_inputs=(0, 1, 2, 4, 5, 6, 7), states=(6, 7), note="attention")


def _gqa_dims(info: NodeInfo) -> tuple[int, int, int, int, int]:
    q = _in(info, 0)
    heads, kv_heads = int(info.attr("num_heads", 0)), int(info.attr("kv_num_heads", 0))
    if q is None or len(q) != 3 or heads <= 0 or kv_heads <= 0 or heads % kv_heads:
        raise ValueError(f"query {q} with num_heads={heads}, kv_num_heads={kv_heads}")
    packed = not info.has(1)
    width = heads + 2 * kv_heads if packed else heads
    if q[2] % width:
        raise ValueError(f"query {tuple(q)} does not split into {width} heads")
    return q[0], q[1], heads, kv_heads, q[2] // width


@handles("GroupQueryAttention")
def group_query_attention(info: NodeInfo) -> Result:
    """query (B, S, heads*head) (or packed QKV), key/value (B, S, kv_heads*head), caches
    (B, kv_heads, past, head): cost.attention_cost(B, heads, S, past + S, head, head), causal;
    with ``do_rotary``, 3 ops per rotated element of Q and K.  Caches are state, constant
    cos/sin tables buffers.  A head_sink (a logit per head) counts as weights; q_norm and k_norm
    weights as norm params, with cost.norm_cost over the query and key heads."""
    b, s, heads, kv_heads, head = _gqa_dims(info)
    past = info.shape(3)[-2] if info.has(3) else 0
    cost = C.attention_cost(b, heads, s, past + s, head, head, True, float(info.attr("softcap", 0.0)) != 0.0)
    params = {}
    if info.attr("do_rotary", 0):
        cost = cost + C.per_element_cost("rotary", b * s * (heads + kv_heads) * head)
        params = {i: "buffers" for i in (7, 8) if info.has(i)}
        cost = replace(cost, buffers=sum(prod(info.shape(i)) for i in params))
    if info.has(11):  # head_sink: a learned logit per head joining each softmax (GPT-OSS's attention sinks)
        params[11] = "weights"
        cost = replace(cost, weights=prod(info.shape(11)))
    for i, rows in ((14, heads), (15, kv_heads)):  # q_norm / k_norm: an RMS norm of each query / key head (Qwen3)
        if info.has(i):
            params[i] = "norm_params"
            cost = cost + C.norm_cost(b * s * rows * head, prod(info.shape(i)))
    return Result(MATMUL, cost, params=params, data_inputs=(0, 1, 2, 3, 4, 5, 6, 9, 10), states=(3, 4),
                  note=f"attention, {heads} query heads on {kv_heads} kv heads")  # fmt: skip


@handles("RotaryEmbedding")
def ms_rotary_embedding(info: NodeInfo) -> Result:
    """input (B, S, hidden) or (B, heads, S, head), position_ids, cos_cache, sin_cache
    (max position, rotary dim / 2): cost.per_element_cost("rotary", rotated elements), as the
    ONNX op; constant tables are buffers."""
    x, cos = info.shape(0), info.shape(2)
    heads = int(info.attr("num_heads", 0))
    rot = int(info.attr("rotary_embedding_dim", 0)) or 2 * cos[-1]
    head = x[-1] if len(x) == 4 else (x[-1] // heads if heads > 0 else rot)
    return rotary_result(info, x, head, rot, tables=(2, 3), data_inputs=(0, 1))


# Qwen-VL's multimodal RoPE: each token's cos/sin gathered per temporal, height and width section
# of the tables (position_ids (3, B, S)), then the same rotation: RotaryEmbedding's cost
handles("MRotaryEmbedding")(ms_rotary_embedding)


# MoE's activation_type -> ops per element of an expert's hidden layer (a gated one: per gated
# output, as cost.ELEMENT_OPS["swiglu"]; relu2 is relu then a square; geglu, tanh-GELU times the value).
MOE_ACTIVATIONS = {"relu": 1, "relu2": 2, "gelu": 8, "silu": 4, "identity": 0, "swiglu": 5, "geglu": 9}
# QMoE's quant_type -> bits per weight (0: the expert_weight_bits attributes); its global and
# activation scales, like the other scales, are not params.
QMOE_BITS = {"int": 0, "fp8": 8, "fp4": 4, "nvfp4": 4, "wfp4afp8": 4}


shapes("MoE", "QMoE")(input_0_shape)


@handles("MoE", "QMoE")
def moe(info: NodeInfo) -> Result:
    """input (tokens or B x S, hidden), router logits (tokens, experts), then per fc1/fc2/fc3 the
    experts' weights (experts, ., .) and biases (QMoE: weights packed ``bits`` to a byte, with
    scales and zero points, which are not params): cost.moe_cost with each expert's weight
    count -- the product of a weight's last two dims, whichever layout an onnxruntime version
    uses -- and its hidden width, fc2's weights over the input width."""
    x, experts = info.shape(0), info.shape(1)[-1]
    k, act = int(info.attr("k", 1)), str_attr(info, "activation_type", "relu")
    if not 1 <= k <= experts:
        raise ValueError(f"onnxruntime refuses it: k={k} is not a top k of its {experts} experts")
    if act not in MOE_ACTIVATIONS:
        raise ValueError(f"activation_type {act!r} has no op count")
    note = f"{experts} experts, top {k}, {act}"
    if info.op == "MoE":
        fcs, biases, bits = (2, 4, 6), (3, 5, 7), (8, 8, 8)
    else:
        quant = str_attr(info, "quant_type", "int")
        if quant not in QMOE_BITS:
            raise ValueError(f"quant_type {quant!r}: weights per byte unknown")
        fcs, biases = (2, 5, 8), (4, 7, 10)
        default = QMOE_BITS[quant] or int(info.attr("expert_weight_bits", 4))
        bits = tuple(int(info.attr(f"fc{j}_expert_weight_bits", default)) if quant == "int" else default for j in (1, 2, 3))
        note += f", {'/'.join(map(str, sorted(set(bits))))}-bit {'' if quant == 'int' else quant + ' '}weights"
    per_expert = []
    for i, b in zip(fcs, bits):
        present = info.has(i)
        w = info.shape(i) if present else (experts, 0)  # (an absent fc3: no weights)
        if (present and len(w) != 3) or w[0] != experts or b <= 0 or prod(w[1:]) * 8 % b:
            raise ValueError(f"{info.inputs[i]} {tuple(w)} is not one {b}-bit matrix per expert for {experts} experts")
        if present and w[1] != x[-1] and w[2] * 8 != x[-1] * b:  # (the input width, as rows or as packed columns: onnxruntime's layouts)
            raise ValueError(f"onnxruntime refuses it: {info.inputs[i]} {tuple(w)} holds no {b}-bit axis of the input width {x[-1]}")
        per_expert.append(prod(w[1:]) * 8 // b)
    hidden = x[-1]
    if not per_expert[0] or not per_expert[1] or per_expert[1] % hidden:
        raise ValueError(f"fc2 weights of {per_expert[1]} per expert for input width {hidden}")
    bias = sum(prod(info.shape(i)[1:]) for i in biases if info.has(i))
    cost = C.moe_cost(prod(x[:-1]), k, experts, sum(per_expert), bias, per_expert[1] // hidden, hidden, MOE_ACTIVATIONS[act])
    params = {**{i: "weights" for i in fcs if info.has(i)}, **{i: "biases" for i in biases if info.has(i)}}
    return Result(FC, cost, params=params, data_inputs=(0, 1, 14), note=note)
