"""onnxruntime's contrib ops on block-packed weights (its packed-weight format contract: GGUF-style
blocks of a ``packed_type``): MatMulPacked, GatherPacked and the mixture of experts MoEPacked; and
two pieces of MoE layers: MoEGroupRouter, the group-limited sigmoid router of DeepSeek-V3, and
RouterGateUpProj, the first projection of a MoE layer with a shared expert.  As for MatMulNBits
(:mod:`dscost.readers.onnx_contrib`), a weight counts in values, not bytes (K x N of a matrix,
whatever its packing), and an op costs what its unfused float graph costs.  Registered in the
contrib table of :mod:`dscost.readers.onnx_node` when :mod:`dscost.readers.onnx_contrib` is imported.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.layers import ELEMENTWISE, FC, SHAPE, Cost
from dscost.readers.handlers import Result
from dscost.readers.onnx_contrib_lowbit import matmul_nbits_shape
from dscost.readers.onnx_node import NodeInfo, contrib_handles as handles, contrib_shapes as shapes, input_0_shape, str_attr

# An epilogue activation_type -> ops per output element (relu2: a relu then a square, as MoE's)
EPILOGUES = {"none": 0, "relu2": 2, "relu_squared": 2, "silu": C.ACTIVATION_OPS["silu"]}


shapes("MatMulPacked")(matmul_nbits_shape)


@handles("MatMulPacked")
def matmul_packed(info: NodeInfo) -> Result:
    """MatMulPacked(A, B, [global_scale]): A (..., K) times the transpose of B, N rows of packed
    blocks: cost.linear_cost(K, N, rows), K*N weights in values, then the epilogue
    ``activation_type`` per output element (relu2 2 ops, silu 4); the global scale is not a param."""
    a, k, n = info.shape(0), int(info.attr("K", 0)), int(info.attr("N", 0))
    act = str_attr(info, "activation_type", "none")
    if act not in EPILOGUES:
        raise ValueError(f"activation_type {act!r} has no op count")
    if not a or a[-1] != k or k <= 0 or n <= 0 or info.shape(1)[0] != n:
        raise ValueError(f"A {tuple(a)} and B {tuple(info.shape(1))} do not fit K={k}, N={n}")
    rows = prod(a[:-1])
    cost = C.linear_cost(k, n, rows=rows, bias=False)
    cost = replace(cost, other_ops=EPILOGUES[act] * rows * n)
    note = f"packed type {info.attr('packed_type', '?')}" + ("" if act == "none" else f", {act}")
    return Result(FC, cost, params={1: "weights"}, data_inputs=(0,), note=note)


@shapes("GatherPacked")
def gather_packed_shape(info: NodeInfo) -> list:
    ids = info.input_shape(1)
    return [(*ids, int(info.attr("K", 0))) if ids is not None else None]


@handles("GatherPacked")
def gather_packed(info: NodeInfo) -> Result:
    """An embedding lookup in a packed table (vocab, row bytes), dequantized on the fly: zero
    cost, as Gather (and GatherBlockQuantized); the table counts as vocab x K weights."""
    return Result(SHAPE, Cost(weights=info.shape(0)[0] * int(info.attr("K", 0))), params={0: "weights"}, data_inputs=(1,),
                  note=f"packed type {info.attr('packed_type', '?')}")  # fmt: skip


shapes("MoEPacked")(input_0_shape)


# MoEPacked's activation_type -> ops per element of an expert's hidden layer (as MoE's: swiglu per gated output)
PACKED_MOE_ACTIVATIONS = {"swiglu": C.ELEMENT_OPS["swiglu"], "relu2": 2, "relu_squared": 2}


@handles("MoEPacked")
def moe_packed(info: NodeInfo) -> Result:
    """MoEPacked(input, router_probs, gate, [up], down, [router_weights]): each token runs the
    gate (inter x hidden), up (swiglu) and down (hidden x inter) projections of its top k
    experts: cost.moe_cost, as MoE, with the experts' weights in values (the packed blobs'
    logical dims); with router_weights no softmax is taken (3 ops per logit fewer)."""
    x, probs, gate, down = info.shape(0), info.shape(1), info.shape(2), info.shape(4)
    k, act = int(info.attr("k", 1)), str_attr(info, "activation_type", "swiglu")
    if act not in PACKED_MOE_ACTIVATIONS:
        raise ValueError(f"activation_type {act!r} has no op count")
    experts, hidden = probs[-1], x[-1]
    if len(gate) != 3 or len(down) != 3 or gate[0] != experts or down[0] != experts or down[1] != hidden:
        raise ValueError(f"gate {tuple(gate)} and down {tuple(down)} are not one matrix per expert for {experts} experts of width {hidden}")
    inter = gate[1]
    per_expert = (3 if info.has(3) else 2) * inter * hidden
    tokens = prod(x[:-1])
    cost = C.moe_cost(tokens, k, experts, per_expert, 0, inter, hidden, PACKED_MOE_ACTIVATIONS[act])
    if info.has(5):
        cost = replace(cost, other_ops=cost.other_ops - C.softmax_cost(tokens * experts).other_ops)
    params = {i: "weights" for i in (2, 3, 4) if info.has(i)}
    return Result(FC, cost, params=params, data_inputs=(0, 1, 5), note=f"{experts} experts, top {k}, {act}, packed")


@shapes("RouterGateUpProj")
def router_gate_up_shape(info: NodeInfo) -> list:
    x, w = info.input_shape(0), info.input_shape(1)
    r = int(info.attr("router_size", 0))
    if x is None or w is None or len(w) != 2 or (w[1] - r) % 2:
        return [None] * len(info.outputs)
    return [x[:-1] + (r,), x[:-1] + ((w[1] - r) // 2,)][: len(info.outputs)]


@handles("RouterGateUpProj")
def router_gate_up(info: NodeInfo) -> Result:
    """RouterGateUpProj(X, W): MatMul + Split + SwiGLU, as it says it is: X (..., K) times W
    (K, router_size + 2 inter), cost.linear_cost, then SwiGLU on the gate and up halves: 5 ops
    per of the inter outputs (the standard SwiGLU's), one more with an activation_beta, 2 more
    (a clamp of each half) with a positive limit."""
    x, w = info.shape(0), info.shape(1)
    r = int(info.attr("router_size", 0))
    if str_attr(info, "activation", "swiglu") != "swiglu":
        raise ValueError(f"activation {str_attr(info, 'activation', '')!r} has no op count")
    if len(w) != 2 or x[-1] != w[0] or r < 0 or (w[1] - r) % 2 or w[1] <= r:
        raise ValueError(f"X {tuple(x)} and W {tuple(w)} do not hold a router of {r} and two equal halves")
    rows = prod(x[:-1])
    inter = rows * (w[1] - r) // 2
    extra = (1 if float(info.attr("activation_beta", 0.0)) != 0.0 else 0) + (2 if float(info.attr("limit", 0.0)) > 0 else 0)
    cost = C.linear_cost(w[0], w[1], rows=rows, bias=False) + C.per_element_cost("swiglu", inter) + Cost(other_ops=extra * inter)
    return Result(FC, cost, params={1: "weights"}, data_inputs=(0,), note=f"router {r} + shared expert, swiglu")


@shapes("MoEGroupRouter")
def moe_group_router_shape(info: NodeInfo) -> list:
    """Each output (total tokens, experts): the rows of logits (..., experts), or of the
    activations (tokens, width) projected by projection_weight (experts, width)."""
    x, w = info.input_shape(0), info.input_shape(2)
    if x is None or (info.has(2) and (w is None or len(w) != 2)):
        return [None] * len(info.outputs)
    return [(prod(x[:-1]), w[0] if info.has(2) else x[-1])] * len(info.outputs)


@handles("MoEGroupRouter")
def moe_group_router(info: NodeInfo) -> Result:
    """MoEGroupRouter(logits, expert_bias, [projection_weight]): an optional projection
    (cost.linear_cost(width, experts, tokens), its weight as weights), then per logit a sigmoid
    (3) and the expert bias add (1; the bias as biases).  With router_probs (output 0) it also
    selects, counted as compares the way TopK is (one per element it ranks): per token one per
    logit for each group's top group_topk, (group_topk - 1) adds per group for the group scores,
    one per group for the top topk_group groups, one per logit of those groups for the top
    top_k experts, and a log per selected expert; the full-score outputs select nothing."""
    rows, experts = info.out(next(i for i, o in enumerate(info.outputs) if o))
    cost, params = Cost(other_ops=(C.ACTIVATION_OPS["sigmoid"] + 1) * rows * experts, biases=prod(info.shape(1))), {1: "biases"}
    if info.has(2):
        cost, params = cost + C.linear_cost(info.shape(2)[1], experts, rows=rows, bias=False), {**params, 2: "weights"}
    if info.outputs and info.outputs[0]:
        groups, group_topk, topk_group = int(info.attr("n_group", 1)), int(info.attr("group_topk", 2)), int(info.attr("topk_group", 1))
        if groups <= 0 or experts % groups or not 0 < topk_group <= groups:
            raise ValueError(f"{experts} experts in n_group={groups} groups, topk_group={topk_group}")
        top_k = int(info.attr("top_k", 0))
        if "group_topk" in info.attrs and group_topk <= 0 or "top_k" in info.attrs and not 0 < top_k <= topk_group * experts // groups:
            raise ValueError(f"onnxruntime refuses it: top_k={top_k} of the {topk_group * experts // groups} experts of its top groups, group_topk={group_topk}")
        group_topk = min(group_topk, experts // groups)
        per_token = experts + groups * (group_topk - 1) + groups + topk_group * experts // groups + top_k
        cost = cost + Cost(other_ops=rows * per_token)
    return Result(FC if info.has(2) else ELEMENTWISE, cost, params=params, data_inputs=(0,), note="group-limited sigmoid router")
