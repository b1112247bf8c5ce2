"""onnxruntime's fused element-wise contrib ops: what its graph optimizer writes for CUDA and
ROCm (BiasSoftmax: Add + Softmax; BiasDropout: Add + Dropout + Add) and its training graphs
(BitmaskDropout, BitmaskBiasDropout: the same with the mask packed 32 to a uint32), and its
fused activations ScaledSiLU (SiLU of a scaled input), SwiGLU (the clamped form of MoE's
experts; gate and up halves apart or packed in one tensor) and GatedAdd (a residual add
scaled by a gate per row); and two rotary embeddings, GemmaRotaryEmbedding (q * cos + q_rot *
sin, and k's, from the angles) and RMSNormRotary (an RMS norm of each head, then a partial
rotation); and IsAllFinite, its training graphs' check of gradients (one test per element).
Each costs what the unfused graph costs; a dropout is free, as the
standard Dropout is (data movement, :mod:`dscost.readers.onnx_ops`).  Registered in the
contrib table of :mod:`dscost.readers.onnx_node` when :mod:`dscost.readers.onnx_contrib` is
imported.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.layers import ACTIVATION, ADD, ELEMENTWISE, NORM, SOFTMAX, Cost, Shape
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import NodeInfo, contrib_handles as handles, contrib_shapes as shapes, input_0_shape
from dscost.readers.onnx_ops import shape_only


# --------------------------------------------------------------------------
# Softmax and dropouts


shapes("BiasSoftmax", "ScaledSiLU", "GatedAdd")(input_0_shape)


@handles("BiasSoftmax")
def bias_softmax(info: NodeInfo) -> Result:
    """softmax(data + bias), the bias (an attention mask) broadcast: an add per element and
    cost.softmax_cost.  A constant bias of more than one element counts as biases, as Add's."""
    x, b = info.shape(0), info.shape(1)
    numel = prod(x)
    cost = C.softmax_cost(numel) + Cost(other_ops=numel)
    if info.is_float_const(1) and prod(b) > 1:
        return Result(SOFTMAX, replace(cost, biases=prod(b)), params={1: "biases"}, data_inputs=(0,))
    return Result(SOFTMAX, cost, data_inputs=(0, 1))


@shapes("BiasDropout", "BitmaskBiasDropout", "BitmaskDropout")
def dropout_shape(info: NodeInfo) -> list:
    """The output has the data's shape; the mask too (bool), or packed 32 to a uint32 element,
    (ceil(numel / 32),), for the Bitmask ops (as onnxruntime's kernels allocate it)."""
    x = info.input_shape(0)
    if x is None:
        return [None] * len(info.outputs)
    mask = (-(-prod(x) // 32),) if info.op.startswith("Bitmask") else x
    return [x, mask][: len(info.outputs)]


@handles("BiasDropout", "BitmaskBiasDropout")
def bias_dropout(info: NodeInfo) -> Result:
    """Dropout(data + bias) + residual: an add per element for the bias and one for the optional
    residual; the dropout free, as the standard Dropout (ratio and training_mode are flags).  The
    bias (the last axis's, or the data's shape) counts as biases."""
    x, b = info.shape(0), info.shape(1)
    if tuple(b) != tuple(x) and (len(b) != 1 or not x or b[0] != x[-1]):
        raise ValueError(f"bias {tuple(b)} is neither the last axis of data {tuple(x)} nor its shape")
    adds = 2 if info.has(2) else 1
    return Result(ADD, Cost(other_ops=adds * prod(x), biases=prod(b)), params={1: "biases"}, data_inputs=(0, 2))


# Dropout with its mask packed in bits: data movement, as Dropout
handles("BitmaskDropout")(shape_only)


# --------------------------------------------------------------------------
# Activations


@handles("ScaledSiLU")
def scaled_silu(info: NodeInfo) -> Result:
    """SiLU(s * X), s the scalar scale input or alpha: cost.activation_cost("silu") plus a multiply
    per element, as Mul + SiLU (none for alpha 1 without a scale input)."""
    numel = prod(info.shape(0))
    cost = C.activation_cost("silu", numel)
    if info.has(1) or float(info.attr("alpha", 1.0)) != 1.0:
        cost = cost + Cost(other_ops=numel)
    return Result(ACTIVATION, cost, data_inputs=(0,))


@shapes("SwiGLU")
def swiglu_shape(info: NodeInfo) -> list:
    """The gate's shape; half its last axis when the gate holds both halves (no ``up`` input)."""
    g = info.input_shape(0)
    if g is None or info.has(1):
        return [g]
    return [g[:-1] + (g[-1] // 2,)] if g and g[-1] % 2 == 0 else [None]


@handles("SwiGLU")
def swiglu(info: NodeInfo) -> Result:
    """G * sigmoid(alpha G) * (L + beta) of the gate and up halves: 5 ops per output element, as
    the standard SwiGLU (cost.per_element_cost("swiglu")), one more with an activation_beta, and
    2 more (a clamp of each half) with a positive limit."""
    g, out = info.shape(0), prod(info.out())
    if (info.has(1) and tuple(info.shape(1)) != tuple(g)) or prod(g) != (1 if info.has(1) else 2) * out:
        raise ValueError(f"gate {tuple(g)} and up {info.input_shape(1)} are not two halves of one projection")
    extra = (1 if float(info.attr("activation_beta", 0.0)) != 0.0 else 0) + (2 if float(info.attr("limit", 0.0)) > 0 else 0)
    return Result(ACTIVATION, C.per_element_cost("swiglu", out) + Cost(other_ops=extra * out), data_inputs=(0, 1))


@handles("GatedAdd")
def gated_add(info: NodeInfo) -> Result:
    """X + Y * gate, the gate one per row: 2 ops per element, as Mul + Add.  With gate_weight
    (K, 1), the gate is sigmoid(gate . gate_weight) of a (..., K) activation: K MACs and a
    sigmoid (3 ops) per row first; gate_weight counts as weights."""
    x = info.shape(0)
    rows = prod(x[:-1])
    cost = Cost(other_ops=2 * prod(x))
    if not info.has(3):
        return Result(ADD, cost, data_inputs=(0, 1, 2))
    k = info.shape(2)[-1]
    if prod(info.shape(3)) != k:
        raise ValueError(f"gate_weight {tuple(info.shape(3))} is not ({k}, 1) for a gate {tuple(info.shape(2))}")
    cost = cost + Cost(macs=rows * k, other_ops=C.ACTIVATION_OPS["sigmoid"] * rows, weights=k)
    return Result(ADD, cost, params={3: "weights"}, data_inputs=(0, 1, 2))


# --------------------------------------------------------------------------
# Rotary embeddings


@shapes("GemmaRotaryEmbedding")
def gemma_rotary_shape(info: NodeInfo) -> list:
    return [info.input_shape(1), info.input_shape(3)][: len(info.outputs)]


@handles("GemmaRotaryEmbedding")
def gemma_rotary_embedding(info: NodeInfo) -> Result:
    """sin and cos of the angles emb (B, S, dim): 2 ops per element; then q * cos + q_rot * sin
    and k's alike (q_rot, k_rot: the half-rotated inputs), cost.per_element_cost("rotary") on
    every element of q and k, as the onnxscript its doc gives."""
    emb, q, k = info.shape(0), info.shape(1), info.shape(3)
    if info.shape(2) != q or info.shape(4) != k or len(q) != 4 or tuple(emb) != (q[0], q[2], q[3]):
        raise ValueError(f"emb {tuple(emb)}, q {tuple(q)}, k {tuple(k)} and their rotated halves do not fit")
    cost = C.per_element_cost("rotary", prod(q) + prod(k)) + Cost(other_ops=2 * prod(emb))
    return Result(ELEMENTWISE, cost, data_inputs=(0, 1, 2, 3, 4))


def _rms_rotary_dims(info: NodeInfo) -> tuple[Shape, int, int]:
    """X (B, S, heads, stride), the normalized width (input_width, or the whole last axis) and
    the rotary dim of an RMSNormRotary."""
    x = info.input_shape(0)
    start, width = int(info.attr("input_start", 0)), int(info.attr("input_width", 0))
    rot = int(info.attr("rotary_embedding_dim", 0))
    if x is None or len(x) != 4:
        raise ValueError(f"X {x} is not (B, S, heads, stride)")
    width = width or x[3]
    if start < 0 or start + width > x[3] or rot <= 0 or rot % 2 or rot > width:
        raise ValueError(f"input_start {start}, width {width} and rotary dim {rot} do not fit X {tuple(x)}")
    return x, width, rot


@shapes("RMSNormRotary")
def rms_norm_rotary_shape(info: NodeInfo) -> list:
    """Y (B, S, heads * width), or (1, B * S, heads * width) with flatten_batch; the normalized
    values (B, S, heads, width)."""
    try:
        x, width, _ = _rms_rotary_dims(info)
    except ValueError:
        return [None] * len(info.outputs)
    y = (1, x[0] * x[1], x[2] * width) if info.attr("flatten_batch", 0) else (x[0], x[1], x[2] * width)
    return [y, (x[0], x[1], x[2], width)][: len(info.outputs)]


@handles("RMSNormRotary")
def rms_norm_rotary(info: NodeInfo) -> Result:
    """An RMS norm of each head's ``width`` values, cost.norm_cost (scale: norm params), then the
    rotation of ``rotary_embedding_dim`` of them, cost.per_element_cost("rotary"); constant cos
    and sin tables are buffers."""
    x, width, rot = _rms_rotary_dims(info)
    heads = prod(x[:3])
    if prod(info.shape(1)) != width:
        raise ValueError(f"scale {tuple(info.shape(1))} is not one per normalized value ({width})")
    cost = C.norm_cost(heads * width, width) + C.per_element_cost("rotary", heads * rot)
    cost = replace(cost, buffers=prod(info.shape(3)) + prod(info.shape(4)))
    return Result(NORM, cost, params={1: "norm_params", 3: "buffers", 4: "buffers"}, data_inputs=(0, 2))


# --------------------------------------------------------------------------
# Checks


@shapes("IsAllFinite")
def is_all_finite_shape(info: NodeInfo) -> list:
    return [()]


@handles("IsAllFinite")
def is_all_finite(info: NodeInfo) -> Result:
    """One test per element of every input (as IsNaN / IsInf count one op per element), all of them data."""
    present = tuple(i for i in range(len(info.inputs)) if info.has(i))
    return Result(ELEMENTWISE, Cost(other_ops=sum(prod(info.shape(i)) for i in present)), data_inputs=present)
