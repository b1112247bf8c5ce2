"""ONNX handlers of sequence models: recurrent layers (RNN, GRU, LSTM), attention
(``Attention``, ``LinearAttention``, ``RotaryEmbedding``) and the state-carrying causal conv of
Mamba-style blocks.  They register in the one table, :data:`dscost.readers.onnx_node.HANDLERS`
(onnxruntime's own LinearAttention in its contrib table too).

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.layers import ELEMENTWISE, MATMUL, RECURRENT, ConvGeom
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import CANNOT_RUN, NodeInfo, contrib_handles, contrib_shapes, handles, preview_handles, str_attr


@handles("CausalConvWithState")
def causal_conv_with_state(info: NodeInfo) -> Result:
    """input (N, C, L), weight (C, 1, k), [bias (C)], [past_state (N, C, k-1)]: a depthwise causal
    conv, cost.conv_cost with groups = C and k-1 leading pads (the past state or zeros), plus the
    fused SiLU (4 ops per output element) when ``activation`` is silu or swish.  The state is data."""
    x = info.shape(0)
    if len(x) != 3:
        raise ValueError(f"input {tuple(x)} is not (N, C, L)")
    return _causal_conv(info, x[0], x[1], x[2], 1)


@contrib_handles("CausalConvWithState")
def ms_causal_conv_with_state(info: NodeInfo) -> Result:
    """onnxruntime's CausalConvWithState: the standard op's cost (:func:`causal_conv_with_state`)
    with ``dilation`` ((k-1)*dilation leading pads) and, with channels_last, input (N, L, d1, ...)
    of C = d1*... channels.  Only ndim 1 without the CUDA channel selection is counted."""
    x = info.shape(0)
    n, c, length = _ms_causal_conv_dims(info, x)
    return _causal_conv(info, n, c, length, int(info.attr("dilation", 1)))


def _ms_causal_conv_dims(info: NodeInfo, x) -> tuple[int, int, int]:
    """(N, C, L) of onnxruntime's CausalConvWithState input; ValueError for what it does not count."""
    if int(info.attr("ndim", 1)) != 1 or info.attr("input_channels", 0) or info.attr("input_channel_offset", 0):
        raise ValueError("only ndim 1 without input_channels / input_channel_offset (CUDA channel selection) is counted")
    if info.attr("channels_last", 0):
        if len(x) < 3:
            raise ValueError(f"channels-last input {tuple(x)} is not (N, L, d1, ...)")
        return x[0], prod(x[2:]), x[1]
    if len(x) != 3:
        raise ValueError(f"input {tuple(x)} is not (N, C, L)")
    return x[0], x[1], x[2]


@contrib_shapes("CausalConvWithState")
def ms_causal_conv_with_state_shape(info: NodeInfo) -> list:
    """output: the input's shape; present_state (N, C, S) or channels last (N, S, d1, ...), led by
    the window W when state_window > 0, S = state_length or (k-1)*dilation; state_update (N, capacity, C)."""
    x, w = info.shape(0), info.shape(1)
    n, c, _ = _ms_causal_conv_dims(info, x)
    if len(w) != 3:
        raise ValueError(f"weight {tuple(w)} is not (C, 1, k)")
    state = int(info.attr("state_length", 0)) or (w[2] - 1) * int(info.attr("dilation", 1))
    last = int(info.attr("state_channels_last", -1))
    last = info.attr("channels_last", 0) if last == -1 else last
    present = ((n, state, *x[2:]) if info.attr("channels_last", 0) else (n, state, c)) if last else (n, c, state)
    window = int(info.attr("state_window", 0))
    capacity = int(info.attr("state_update_capacity", 0))
    return [x, ((window,) if window > 0 else ()) + present, (n, capacity, c) if capacity > 0 else None][: len(info.outputs)]


def _causal_conv(info: NodeInfo, n: int, c: int, length: int, dilation: int) -> Result:
    w = info.shape(1)
    if len(w) != 3 or w[0] != c or w[1] != 1 or dilation < 1:
        raise ValueError(f"weight {tuple(w)} is not (C, 1, k) for {c} channels (dilation {dilation})")
    k = w[2]
    geom = ConvGeom((k,), c, c, c, (1,), (dilation,), ((k - 1) * dilation, 0), (length,), (length,), info.has(2), n)
    cost = C.conv_cost(geom)
    act = str_attr(info, "activation", "none")
    if act in ("silu", "swish"):
        cost = replace(cost, other_ops=cost.other_ops + C.activation_cost("silu", n * c * length).other_ops)
    params = {1: "weights", 2: "biases"} if geom.bias else {1: "weights"}
    return Result(geom.kind, cost, conv=geom, kernel=(k,), params=params, data_inputs=(0, 3), states=(3,),
                  note="causal" + (f", dilation {dilation}" if dilation > 1 else "") + (f", {act}" if act in ("silu", "swish") else ""))  # fmt: skip


# --------------------------------------------------------------------------
# Attention


@handles("Attention")
def attention(info: NodeInfo) -> Result:
    """Q (B, Hq, Sq, D), K (B, Hkv, Skv, D), V (B, Hkv, Skv, Dv), or 3-D (B, S, heads*D) with
    q_num_heads and kv_num_heads; past_key/past_value (B, Hkv, Sp, D) go before K and V:
    cost.attention_cost(B, Hq, Sq, Sp + Skv, D, Dv), masked with attn_mask or is_causal.
    MACs equal the two MatMuls of the same attention unfused.  The past key and value are state
    (never params); a learned constant among Q, K, V or the mask counts as weights (as elsewhere)."""
    q, k, v = info.shape(0), info.shape(1), info.shape(2)
    if len(q) == 4 and len(k) == 4 and len(v) == 4:
        b, hq, sq, d = q
        hkv, skv, dk, dv = k[1], k[2], k[3], v[3]
    elif len(q) == 3 and len(k) == 3 and len(v) == 3:
        hq, hkv = int(info.attr("q_num_heads", 0)), int(info.attr("kv_num_heads", 0))
        if hq <= 0 or hkv <= 0 or q[2] % hq or k[2] % hkv or v[2] % hkv:
            raise ValueError(f"3-D Q {tuple(q)}, K {tuple(k)}, V {tuple(v)} need q_num_heads and kv_num_heads dividing their last dims")
        b, sq, d = q[0], q[1], q[2] // hq
        skv, dk, dv = k[1], k[2] // hkv, v[2] // hkv
    else:
        raise ValueError(f"Q {tuple(q)}, K {tuple(k)}, V {tuple(v)}: not all 3-D or all 4-D")
    if dk != d or hq % hkv:
        raise ValueError(f"Q ({hq} heads of {d}) and K ({hkv} heads of {dk}) do not fit")
    past = info.shape(4)[2] if info.has(4) else 0
    masked = info.has(3) or bool(info.attr("is_causal", 0))
    softcap = float(info.attr("softcap", 0.0)) != 0.0
    note = "attention" + (f", {hq} query heads on {hkv} kv heads" if hq != hkv else "") + (f", {past} past" if past else "")
    cost = C.attention_cost(b, hq, sq, past + skv, d, dv, masked, softcap)
    return Result(MATMUL, cost, data_inputs=(0, 1, 2, 3, 4, 5, 6), states=(4, 5), note=note)


@preview_handles("FlexAttention")
def flex_attention(info: NodeInfo) -> Result:
    """onnx's preview FlexAttention (domain ai.onnx.preview): Q (B, Hq, Sq, D), K (B, Hkv, Skv,
    D), V (B, Hkv, Skv, Dv), rank 4, Hq a multiple of Hkv: cost.attention_cost(B, Hq, Sq, Skv, D,
    Dv), as Attention's.  Its score_mod / prob_mod subgraphs (element-wise ops on the B x Hq x Sq
    x Skv scores) are not counted: said in the layer's note."""
    q, k, v = info.shape(0), info.shape(1), info.shape(2)
    if len(q) != 4 or len(k) != 4 or len(v) != 4 or k[3] != q[3] or k[:3] != v[:3] or q[0] != k[0] or k[1] <= 0 or q[1] % k[1]:
        raise ValueError(f"Q {tuple(q)}, K {tuple(k)}, V {tuple(v)} are not rank-4 heads that fit")
    (b, hq, sq, d), (hkv, skv, dv) = q, (k[1], k[2], v[3])
    mods = [m for m in ("score_mod", "prob_mod") if m in info.attrs]
    note = "flex attention" + (f", {hq} query heads on {hkv} kv heads" if hq != hkv else "") + (f"; the ops of its {' and '.join(mods)} subgraph{'s' * (len(mods) > 1)} not counted" if mods else "")
    return Result(MATMUL, C.attention_cost(b, hq, sq, skv, d, dv, False, False), data_inputs=(0, 1, 2), note=note)


@handles("LinearAttention")
@contrib_handles("LinearAttention")
def linear_attention(info: NodeInfo) -> Result:
    """Query (B, T, Hq*dk), key (B, T, Hkv*dk), value (B, T, Hkv*dv) with q_num_heads and
    kv_num_heads; past_state (B, Hkv, dk, dv), decay and beta as ``update_rule`` needs them:
    cost.linear_attention_cost.  The past state is state (never params).  onnxruntime's own op
    (com.microsoft) may have more kv heads than query heads, and a state window (5-D states)."""
    b, t, hq, hkv, dk, dv = _linear_attention_dims(info)
    rule = str_attr(info, "update_rule", "gated_delta")
    if rule not in C.LINEAR_ATTENTION_RULES:
        raise ValueError(f"update_rule {rule!r} is not one of {', '.join(C.LINEAR_ATTENTION_RULES)}")
    gated, delta = rule.startswith("gated"), rule.endswith("delta")
    if (gated and not info.has(4)) or (delta and not info.has(5)):
        raise ValueError(f"update_rule {rule!r} needs its {'decay' if gated and not info.has(4) else 'beta'} input")
    cost = C.linear_attention_cost(b, t, hq, hkv, dk, dv, rule, prod(info.shape(4)) if gated else 0)
    note = f"{rule} linear attention" + (f", {hq} query heads on {hkv} kv heads" if hq != hkv else "")
    return Result(MATMUL, cost, data_inputs=(0, 1, 2, 3, 4, 5), states=(3,), note=note)


def _linear_attention_dims(info: NodeInfo) -> tuple[int, int, int, int, int, int]:
    """(B, T, Hq, Hkv, dk, dv) of a LinearAttention's packed query, key and value; ValueError when they do not fit."""
    q, k, v = info.shape(0), info.shape(1), info.shape(2)
    hq, hkv = int(info.attr("q_num_heads", 0)), int(info.attr("kv_num_heads", 0))
    dk = q[2] // hq if len(q) == 3 and hq > 0 else 0
    # the key has kv_num_heads heads, or (onnxruntime's inverse GQA, more kv than query heads:
    # onnxruntime-genai's Qwen3.5) the query's, each shared by value heads
    if (len(q), len(k), len(v)) != (3, 3, 3) or hq <= 0 or hkv <= 0 or q[2] % hq or v[2] % hkv or q[:2] != k[:2] or q[:2] != v[:2] \
            or k[2] not in (hkv * dk, hq * dk) or (hq % hkv and hkv % hq):
        raise ValueError(f"query {tuple(q)}, key {tuple(k)}, value {tuple(v)} do not fit q_num_heads {hq} and kv_num_heads {hkv}")
    past = info.input_shape(3) if info.has(3) else None
    if past is not None and len(past) == 4 and tuple(past) != (q[0], hkv, dk, v[2] // hkv):  # (onnxruntime refuses another)
        raise ValueError(f"onnxruntime refuses it: past_state {tuple(past)} is not (batch, kv_num_heads, d_k, d_v) = {(q[0], hkv, dk, v[2] // hkv)}")
    return q[0], q[1], hq, hkv, dk, v[2] // hkv


# GatedDeltaNet's fused gate activations: ops per element of decay (add dt_bias, softplus 2,
# times -exp(A_log); or add, multiply, sigmoid 3, times the bound) and of beta (sigmoid 3)
GDN_GATES = {"none": 0, "softplus": 4, "qwen": 4, "sigmoid": 6, "kda": 6}


@contrib_handles("GatedDeltaNet")
def gated_delta_net(info: NodeInfo) -> Result:
    """onnxruntime's token-major GatedDeltaNet (onnxruntime-genai's Qwen3.5 for CUDA): query,
    key (Hq heads of dk) and value (Hv heads of dv) over all tokens (or one packed QKV tensor,
    its head sizes from initial_state): cost.linear_attention_cost per token, plus its fused
    gate and beta activations and the optional L2 norm of q and k (3 ops per element).  A_log is
    weights, dt_bias biases; the state is state."""
    tokens, hq, hv, dk, dv = _gdn_dims(info)
    rule = str_attr(info, "update_rule", "gated_delta")
    gate, beta = str_attr(info, "gate_activation", "none"), str_attr(info, "beta_activation", "none")
    if rule not in C.LINEAR_ATTENTION_RULES or gate not in GDN_GATES or beta not in ("none", "sigmoid"):
        raise ValueError(f"update_rule {rule!r}, gate_activation {gate!r} or beta_activation {beta!r} has no op count")
    decay, betas = prod(info.shape(4)) if info.has(4) else 0, prod(info.shape(5)) if info.has(5) else 0
    cost = C.linear_attention_cost(1, tokens, hq, hv, dk, dv, rule, decay if rule.startswith("gated") else 0)
    extra = GDN_GATES[gate] * decay + (C.ACTIVATION_OPS["sigmoid"] * betas if beta == "sigmoid" else 0)
    extra += C.ELEMENT_OPS["lp_norm"] * tokens * 2 * hq * dk if info.attr("qk_l2_norm", 0) else 0
    params = {i: kind for i, kind in ((7, "weights"), (8, "biases")) if info.has(i) and gate != "none"}
    cost = replace(cost, other_ops=cost.other_ops + extra, **{kind: prod(info.shape(i)) for i, kind in params.items()})
    note = f"{rule} delta net" + (f", {hq} query heads on {hv} value heads" if hq != hv else "")
    return Result(MATMUL, cost, params=params, data_inputs=(0, 1, 2, 4, 5, 6), states=(6,), note=note)


def _gdn_dims(info: NodeInfo) -> tuple[int, int, int, int, int]:
    """(tokens, Hq, Hv, dk, dv) of a GatedDeltaNet: query (T, Hq, dk) or (B, S, Hq, dk), key the
    same heads, value (.., Hv, dv); or query packed (T, 2*Hq*dk + Hv*dv) with initial_state (B, Hv, dv, dk)."""
    q = info.shape(0)
    if info.has(1) and info.has(2):
        k, v = info.shape(1), info.shape(2)
        if len(q) not in (3, 4) or len(k) != len(q) or len(v) != len(q) or k[:-1] != q[:-1] or k[-1] != q[-1] or v[:-2] != q[:-2] \
                or v[-2] % q[-2]:  # fmt: skip
            raise ValueError(f"query {tuple(q)}, key {tuple(k)}, value {tuple(v)} are not token-major heads that fit")
        return prod(q[:-2]), q[-2], v[-2], q[-1], v[-1]
    state = info.shape(6) if info.has(6) else ()
    if len(q) != 2 or len(state) != 4:
        raise ValueError(f"packed query {tuple(q)} needs initial_state (B, Hv, dv, dk) for its head sizes")
    hv, dv, dk = state[1], state[2], state[3]
    rest = q[1] - hv * dv
    if rest <= 0 or rest % (2 * dk) or hv % (rest // (2 * dk)):
        raise ValueError(f"packed query {tuple(q)} does not hold 2*Hq*{dk} + {hv}*{dv} values")
    return q[0], rest // (2 * dk), hv, dk, dv


@contrib_shapes("GatedDeltaNet")
def gated_delta_net_shape(info: NodeInfo) -> list:
    """output (.., max(Hq, Hv), dv) over the query's tokens; final_state (B, Hv, dv, dk), B from
    initial_state (or cu_seqlens); state_update (B, capacity * (decay width + Hq*dk + Hv*dv))."""
    tokens, hq, hv, dk, dv = _gdn_dims(info)
    q = info.shape(0)
    lead = q[:-2] if len(q) in (3, 4) and info.has(1) else q[:1]
    b = info.shape(6)[0] if info.has(6) else info.shape(3)[0] - 1 if info.has(3) else q[0] if len(q) == 4 else 1
    capacity = int(info.attr("state_update_capacity", 0))
    decay_width = prod(info.shape(4)) // tokens if info.has(4) else hv
    update = (b, capacity * (decay_width + hq * dk + hv * dv)) if capacity > 0 else None
    return [(*lead, max(hq, hv), dv), (b, hv, dv, dk), update][: len(info.outputs)]


@contrib_shapes("LinearAttention")
def linear_attention_shape(info: NodeInfo) -> list:
    """output (B, T, max(Hq, Hkv)*dv); present_state (B, Hkv, dk, dv), led by the window W when state_window > 0."""
    b, t, hq, hkv, dk, dv = _linear_attention_dims(info)
    window = int(info.attr("state_window", 0))
    return [(b, t, max(hq, hkv) * dv), ((window,) if window > 0 else ()) + (b, hkv, dk, dv)][: len(info.outputs)]


@handles("RotaryEmbedding")
def rotary_embedding(info: NodeInfo) -> Result:
    """X (B, H, S, D) or (B, S, H*D) with num_heads: cost.per_element_cost("rotary", rotated
    elements), rotated = numel * rotary_embedding_dim / D (all of D when 0).  Constant cos and
    sin caches are buffers (tables of the code, as torch's); computed ones are data."""
    x = info.shape(0)
    heads = int(info.attr("num_heads", 0))
    if len(x) == 4:
        head = x[3]
    elif len(x) == 3 and heads > 0 and x[2] % heads == 0:
        head = x[2] // heads
    else:
        raise ValueError(f"X {tuple(x)}: not (B, H, S, D), or 3-D without num_heads dividing its last dim")
    return rotary_result(info, x, head, int(info.attr("rotary_embedding_dim", 0)) or head, tables=(1, 2), data_inputs=(0, 3))


def rotary_result(info: NodeInfo, x, head: int, rot: int, tables: tuple[int, int], data_inputs: tuple[int, ...]) -> Result:
    """Rotary embedding of X with heads of ``head`` values, ``rot`` of them rotated:
    cost.per_element_cost("rotary", numel / head * rot); the cos and sin ``tables`` (input
    indices) are buffers when constant.  Shared with onnxruntime's contrib RotaryEmbedding."""
    if rot > head or rot % 2 or x[-1] % head:
        raise ValueError(f"rotary dim {rot} does not fit head size {head} of X {tuple(x)}")
    cost = replace(C.per_element_cost("rotary", prod(x) // head * rot), buffers=sum(prod(info.shape(i)) for i in tables))
    return Result(ELEMENTWISE, cost, params={i: "buffers" for i in tables}, data_inputs=data_inputs)


# --------------------------------------------------------------------------
# Recurrent layers


# ONNX recurrent activation names -> key of cost.ACTIVATION_OPS
RNN_ACTIVATIONS = {"Sigmoid": "sigmoid", "Tanh": "tanh", "Relu": "relu", "HardSigmoid": "hard_sigmoid",
                   "LeakyRelu": "leaky_relu", "ThresholdedRelu": "relu", "Elu": "elu", "Softsign": "softsign",
                   "Softplus": "softplus"}  # fmt: skip
# activation slots per cell: (f, g, h) weights in the per-hidden-element count
RNN_SLOTS = {"RNN": (1,), "GRU": (2, 1), "LSTM": (3, 1, 1)}


def _rnn_activation_ops(info: NodeInfo) -> int | None:
    """Ops per hidden element of the gate activations from the ``activations`` attribute
    (first direction's list); None for the defaults."""
    names = info.attr("activations")
    if not names:
        return None
    slots = RNN_SLOTS[info.op]
    total = 0
    for weight, name in zip(slots, names[: len(slots)]):
        name = name.decode() if isinstance(name, bytes) else str(name)
        if name not in RNN_ACTIVATIONS:
            raise ValueError(f"recurrent activation {name!r} has no op count")
        total += weight * C.ACTIVATION_OPS[RNN_ACTIVATIONS[name]]
    return total


@handles("RNN", "GRU", "LSTM")
def recurrent(info: NodeInfo) -> Result:
    """X (seq, batch, input) ((batch, seq, input) with layout=1), W (dirs, G*H, input),
    R (dirs, G*H, H), optional B (dirs, 2*G*H) and LSTM peepholes P (dirs, 3*H): cost.rnn_cost,
    MACs = dirs*seq*batch*G*H*(input + H) with G = 1 (RNN), 3 (GRU), 4 (LSTM).
    W, R, P count as weights, B as biases; initial states are data."""
    x, w, r = info.shape(0), info.shape(1), info.shape(2)
    seq, batch = (x[1], x[0]) if info.attr("layout", 0) else (x[0], x[1])
    hidden = r[-1]
    cell = info.op.lower()
    if w[1] != C.RNN_GATES[cell] * hidden or w[2] != x[2]:
        raise ValueError(f"W {tuple(w)} does not fit X {tuple(x)} and hidden size {hidden}")
    if info.attr("hidden_size", hidden) != hidden:  # (onnxruntime refuses the node)
        raise ValueError(f"its hidden_size {info.attr('hidden_size')} is not that of R {tuple(r)}: {CANNOT_RUN}")
    bias, peephole = info.has(3), info.op == "LSTM" and info.has(7)
    gates = C.RNN_GATES[cell] * hidden
    for i, want in ((3, (w[0], 2 * gates)), (7, (w[0], 3 * hidden)), (5, (w[0], batch, hidden)), (6, (w[0], batch, hidden))):
        got = info.input_shape(i) if (i != 7 or peephole) and (i != 6 or info.op == "LSTM") else None
        if got is not None and tuple(got) != want and not (i in (5, 6) and info.attr("layout", 0)):  # (onnxruntime refuses the node)
            raise ValueError(f"its input {i} is {tuple(got)}, not {want} for W {tuple(w)}: {CANNOT_RUN}")
    cost = C.rnn_cost(cell, w[0], seq, batch, x[2], hidden, bias, _rnn_activation_ops(info), peephole)
    params = {1: "weights", 2: "weights"}
    params.update({3: "biases"} if bias else {})
    params.update({7: "weights"} if peephole else {})
    # (a padded batch: each row may stop at its own length; onnxruntime skips the steps past it)
    note = f"every row counted at all {seq} steps: its sequence_lens can end rows earlier (an upper bound)" if info.has(4) else ""
    return Result(RECURRENT, cost, params=params, data_inputs=(0, 5, 6), states=(5, 6), note=note)
