"""onnxruntime's contrib ops of models with several residual streams (hyper-connections): C
branches of width H kept side by side, (..., C, H) or flattened (..., C * H).
HyperConnectionPreMix reduces them to one block input, HyperConnectionPostMix mixes them and
injects the block's output, HyperConnectionLowRankMix does a whole block's mixing with a
low-rank gate network, BranchwiseRMSNorm normalizes each branch, and EngramGate gates a
memory value by the RMS-normalized keys and queries of each stream.  Each costs what the
unfused graph its doc writes out costs: a weighted sum over the branches is a multiply-accumulate
per stream element (as Einsum counts it), projections their weights' MACs, norms
cost.norm_cost, activations cost.ACTIVATION_OPS.  Registered in the contrib table of
:mod:`dscost.readers.onnx_node` when :mod:`dscost.readers.onnx_contrib` is imported.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from math import prod

from dscost import cost as C
from dscost.layers import ADD, MATMUL, NORM, Cost, Shape
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import NodeInfo, contrib_handles as handles, contrib_shapes as shapes, input_0_shape

SIGMOID = C.ACTIVATION_OPS["sigmoid"]


def _streams(info: NodeInfo) -> tuple[Shape, int, int]:
    """(leading dims, C, H) of the streams (input 0): grouped (..., C, H), or flattened
    (..., C * H) with ``num_branches`` C."""
    x = info.input_shape(0)
    c = int(info.attr("num_branches", 0))
    if x is None or len(x) < 2 or c < 0 or (c and x[-1] % c):
        raise ValueError(f"streams {x} with num_branches={c}")
    return (x[:-1], c, x[-1] // c) if c else (x[:-2], x[-2], x[-1])


shapes("BranchwiseRMSNorm", "HyperConnectionPostMix")(input_0_shape)


@handles("BranchwiseRMSNorm")
def branchwise_rms_norm(info: NodeInfo) -> Result:
    """An RMS norm of each branch's H values: cost.norm_cost(numel, scale); the optional scale
    counts as norm params."""
    _streams(info)
    params = {1: "norm_params"} if info.has(1) else {}
    return Result(NORM, C.norm_cost(prod(info.shape(0)), prod(info.shape(1)) if params else 0), params=params, data_inputs=(0,))


@shapes("HyperConnectionPreMix")
def pre_mix_shape(info: NodeInfo) -> list:
    try:
        lead, _, h = _streams(info)
    except ValueError:
        return [None]
    return [(*lead, h)]


@handles("HyperConnectionPreMix")
def hyper_pre_mix(info: NodeInfo) -> Result:
    """Y[..., h] = reduction_scale * sum_c(X[..., c, h] * pre_mix[..., c, h]): a multiply-accumulate
    per stream element, and a multiply per output element for a reduction_scale other than 1.
    The gates are data."""
    lead, c, h = _streams(info)
    scale = prod(lead) * h if float(info.attr("reduction_scale", 1.0)) != 1.0 else 0
    return Result(MATMUL, Cost(macs=prod(lead) * c * h, other_ops=scale), data_inputs=(0, 1), note=f"{c} branches")


@handles("HyperConnectionPostMix")
def hyper_post_mix(info: NodeInfo) -> Result:
    """Y[..., k, h] = sum_c(stream_mix[..., c, k] * streams[..., c, h]) + post_mix[..., k, h] *
    block_output[..., h]: with a stream_mix C multiply-accumulates per output element, and the
    injection's multiply and add (2 ops per element).  Without one the mix is the identity."""
    lead, c, h = _streams(info)
    numel = prod(lead) * c * h
    if not info.has(3):
        return Result(ADD, Cost(other_ops=2 * numel), data_inputs=(0, 1, 2), note=f"{c} branches")
    return Result(MATMUL, Cost(macs=numel * c, other_ops=2 * numel), data_inputs=(0, 1, 2, 3), note=f"{c} branches")


def _low_rank_dims(info: NodeInfo) -> tuple[Shape, int, int, int]:
    lead, c, h = _streams(info)
    if not info.attr("num_branches", 0):
        raise ValueError("HyperConnectionLowRankMix takes flattened streams (num_branches)")
    down, up, inject = info.input_shape(2), info.input_shape(3), info.input_shape(4)
    if down is None or len(down) != 2 or down[0] != c * h or up != (down[1], c * h) or inject != (c * h, c):
        raise ValueError(f"down {down}, up {up} and inject {inject} weights do not fit {c} streams of {h}")
    return lead, c, h, down[1]


@shapes("HyperConnectionLowRankMix")
def low_rank_mix_shape(info: NodeInfo) -> list:
    try:
        lead, c, h, _ = _low_rank_dims(info)
    except ValueError:
        return [None] * len(info.outputs)
    return [(*lead, h), (*lead, c), (*lead, c * h)][: len(info.outputs)]


@handles("HyperConnectionLowRankMix")
def hyper_low_rank_mix(info: NodeInfo) -> Result:
    """A hyper-connection block's mixing, as its doc writes it out, per token (T of them) with C
    streams of H and rank R: with the prologue, S = streams + prev_post_gate * prev_block_output
    (2 ops per stream element); hn, the RMS norm of each branch (cost.norm_cost); d =
    ScaledSiLU(hn @ down) (C*H*R MACs; 4 ops per element of d, 5 with silu_alpha); g =
    sigmoid(d @ up) (R*C*H MACs, 3 ops per stream element); pre_output = sum_c(hn * g) (a MAC per
    stream element; a multiply per output for reduction_scale); post_gate = sigmoid(hn @ inject
    / gate_div) * gate_mul (C*H*C MACs, 3 ops per gate, one each for gate_div and gate_mul).
    norm_scale counts as norm params, the three projections as weights."""
    lead, c, h, r = _low_rank_dims(info)
    t, s = prod(lead), prod(lead) * c * h
    attr = lambda key: 1 if float(info.attr(key, 1.0)) != 1.0 else 0  # noqa: E731  (a multiply for a scale other than 1)
    cost = C.norm_cost(s, prod(info.shape(1))) + Cost(macs=2 * s * r + s + s * c, weights=2 * c * h * r + c * h * c)
    ops = (2 * s if info.has(5) else 0) + t * r * (C.ACTIVATION_OPS["silu"] + attr("silu_alpha")) + SIGMOID * s
    ops += t * h * attr("reduction_scale") + t * c * (SIGMOID + attr("gate_div") + attr("gate_mul"))
    cost = cost + Cost(other_ops=ops)
    return Result(MATMUL, cost, params={1: "norm_params", 2: "weights", 3: "weights", 4: "weights"}, data_inputs=(0, 5, 6),
                  note=f"{c} branches, rank {r}")  # fmt: skip


@shapes("EngramGate")
def engram_gate_shape(info: NodeInfo) -> list:
    k = info.input_shape(0)
    return [k, k][: len(info.outputs)]


@handles("EngramGate")
def engram_gate(info: NodeInfo) -> Result:
    """Keys and queries (B, S, hc, H), the value (B, S, H) shared by the hc streams: RMS norms of
    keys and queries (cost.norm_cost each), their dot product per row (H MACs), its scale by
    1/sqrt(H), sign(dot) * sqrt(max(|dot|, eps)) (5 ops) and sigmoid (3) per row, then gate *
    value (a multiply per output element); with gated_value_normed, an RMS norm of that too.
    The norm scales count as norm params."""
    k, q, v = info.shape(0), info.shape(1), info.shape(2)
    if len(k) != 4 or tuple(q) != tuple(k) or tuple(v) != (k[0], k[1], k[3]):
        raise ValueError(f"key {tuple(k)}, query {tuple(q)} and value {tuple(v)} do not fit")
    n, rows = prod(k), prod(k[:3])
    norms = [3, 4] + ([5] if len(info.outputs) > 1 and info.outputs[1] and info.has(5) else [])
    cost = Cost.total(C.norm_cost(n, prod(info.shape(i))) for i in norms)
    cost = cost + Cost(macs=n, other_ops=rows * (1 + 5 + SIGMOID) + n)
    return Result(NORM, cost, params={i: "norm_params" for i in norms}, data_inputs=(0, 1, 2))
