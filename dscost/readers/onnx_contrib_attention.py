"""onnxruntime's contrib ops that make an attention bias: what its transformer optimizer writes
for T5 (RelativePositionBias: the binned relative position bias of T5's self-attention) and
WavLM (GatedRelativePositionBias: that bias scaled by a gate computed from each query).  Each
costs what the unfused graph costs: the bucket arithmetic per (query, key) pair, a lookup per
output element (free, as Gather), the gate's projection and activations.  AttnLSTM, an LSTM
wrapped in Bahdanau attention over a memory (TensorFlow's AttentionWrapper), counts as the LSTM
on its input and attention state plus the attention's projections and scores.  Around them:
RestorePadding (the inverse of RemovePadding, which packs a padded batch for PackedAttention),
data movement; NGramRepeatBlock (beam search's ban of repeated n-grams), its token compares.
Mamba2Verify (a Mamba2 mixer's conv, selective state-space recurrence and gated norm over R
tokens) counts as its parts, its recurrence as LinearAttention's gated rule does.  Its attention ops
whose work is set by run-time values (DecoderAttention, LongformerAttention,
DynamicSparseAttention) are uncounted, saying why (:data:`dscost.readers.onnx_uncounted.CONTRIB_RUNTIME`).
Registered in the contrib table of :mod:`dscost.readers.onnx_node` when
:mod:`dscost.readers.onnx_contrib` is imported.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.layers import ELEMENTWISE, FC, MATMUL, SHAPE, Cost
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import NodeInfo, contrib_handles as handles, contrib_shapes as shapes
from dscost.readers.onnx_sequence_ops import recurrent

# Ops per (query, key) pair of T5's bucket of a relative position, as onnxruntime's kernel does
# it: the position (a subtract), its magnitude (abs: 1; bidirectional, a compare and the half's
# offset or a negation: 2), is-small (a compare), the log bucket (divide, log, divide, multiply,
# add: 5), its cap (min), the choice between the two (a select) and the sum (an add).
T5_BUCKET_OPS = {False: 11, True: 12}


@shapes("RelativePositionBias")
def relative_position_bias_shape(info: NodeInfo) -> list:
    """(1, heads, query_length, key_length), the lengths the values of inputs 1 and 2 (which
    folding knows when they come from shapes) and equal (onnxruntime's kernels refuse others)."""
    table, q, k = info.input_shape(0), info.value(1), info.value(2)
    if table is None or len(table) != 2 or q is None or k is None or len(q) != 1 or q != k or q[0] < 0:
        return [None]
    return [(1, table[1], q[0], k[0])]


@handles("RelativePositionBias")
def relative_position_bias(info: NodeInfo) -> Result:
    """T5's relative position bias: per (query, key) pair its bucket (T5_BUCKET_OPS: 11 ops, 12
    bidirectional), then per output element a lookup in the (buckets, heads) table, free as
    Gather.  The table counts as weights."""
    out, table = info.out(), info.shape(0)
    pairs = out[2] * out[3]
    ops = T5_BUCKET_OPS[bool(info.attr("is_bidirectional", 0))] * pairs
    return Result(ELEMENTWISE, Cost(other_ops=ops, weights=prod(table)), params={0: "weights"}, data_inputs=(1, 2), note="T5 bucket")


def _gated_dims(info: NodeInfo) -> tuple[int, int, int, int, int]:
    """(B, S, heads, head size, D) of a GatedRelativePositionBias: B and S from the query
    (B, S, hidden), or from token_offset (B, S) when padding is removed (query (tokens, hidden))."""
    q, w = info.input_shape(0), info.input_shape(3)
    heads = int(info.attr("num_heads", 0))
    if q is None or w is None or heads <= 0 or q[-1] % heads or len(w) != 2 or w[0] != q[-1] // heads or w[1] % 2:
        raise ValueError(f"query {q}, weight {w} with num_heads={heads} do not fit")
    if info.has(6):
        if len(q) != 2:
            raise ValueError(f"query {tuple(q)} with a token_offset is not (tokens, hidden)")
        b, s = info.shape(6)
    elif len(q) == 3:
        b, s = q[0], q[1]
    else:
        raise ValueError(f"query {tuple(q)} is not (batch, sequence, hidden)")
    return b, s, heads, q[-1] // heads, w[1]


@shapes("GatedRelativePositionBias")
def gated_relative_position_bias_shape(info: NodeInfo) -> list:
    try:
        b, s, heads, _, _ = _gated_dims(info)
    except ValueError:
        return [None]
    return [(b, heads, s, s)]


@handles("GatedRelativePositionBias")
def gated_relative_position_bias(info: NodeInfo) -> Result:
    """WavLM's gated relative position bias: per query row (B x heads x S of them) the query bias
    add (head size ops), the gate projection (head size x D MACs, D bias adds), the sum of each
    half (D ops), two sigmoids (3 each) and gate_u * (gate_r * eco_a - 1) + 2 (4 ops); then a
    multiply per element of the (B, heads, S, S) output.  query_bias and bias count as biases,
    weight and eco_a as weights; rel_pos is data."""
    b, s, heads, head, d = _gated_dims(info)
    rows = b * heads * s
    ops = rows * (head + 2 * d + 2 * C.ACTIVATION_OPS["sigmoid"] + 4) + b * heads * s * s
    cost = Cost(macs=rows * head * d, other_ops=ops, weights=head * d + prod(info.shape(5)), biases=prod(info.shape(1)) + prod(info.shape(4)))
    return Result(FC, cost, params={1: "biases", 3: "weights", 4: "biases", 5: "weights"}, data_inputs=(0, 2, 6), note="WavLM gate")


@shapes("AttnLSTM")
def attn_lstm_shape(info: NodeInfo) -> list:
    """LSTM's outputs: Y (seq, dirs, batch, hidden), Y_h and Y_c (dirs, batch, hidden)."""
    x, r = info.input_shape(0), info.input_shape(2)
    if x is None or r is None or len(x) != 3 or len(r) != 3:
        return [None] * len(info.outputs)
    state = (r[0], x[1], r[2])
    return [(x[0], *state), state, state][: len(info.outputs)]


@handles("AttnLSTM")
def attn_lstm(info: NodeInfo) -> Result:
    """The LSTM (cost.rnn_cost, as the LSTM handler counts it) on its input concatenated with the
    attention state, W (dirs, 4H, input + A), A the attention layer's width (AW's last dim) or the
    memory's depth Dm; and Bahdanau attention over the memory M (batch, Mx, Dm), for each direction:
    its keys M x MW once (batch x Mx x Dm x Aa MACs), then per step and batch row the query
    h x QW (H x Aa), a score v . tanh(key + query) per memory step (Aa MACs, 2 Aa ops), their
    softmax (3 per memory step), the context (Mx x Dm MACs) and with AW the attention layer
    ((H + Dm) x A).  Memory lengths are taken at the maximum (a padding mask, as an LSTM's
    sequence_lens).  QW, MW, v and AW count as weights; the memory is data."""
    x, w, qw, mw, m = info.shape(0), info.shape(1), info.shape(8), info.shape(9), info.shape(11)
    dirs, steps, batch, hidden = w[0], x[0], x[1], info.shape(2)[-1]
    dm, aa, mx = mw[1], mw[2], m[1]
    aw = info.shape(13) if info.has(13) else None
    att = aw[2] if aw else dm
    if w[2] != x[2] + att or qw[1:] != (hidden, aa) or m[2] != dm or m[0] != batch or (aw and aw[1] != dm + hidden):
        raise ValueError(f"X {tuple(x)}, W {tuple(w)}, QW {tuple(qw)}, MW {tuple(mw)}, memory {tuple(m)}, AW {aw} do not fit")
    lstm = recurrent(replace(info, op="LSTM", inputs=info.inputs[:8], in_shapes=[(steps, batch, w[2]), *info.in_shapes[1:8]]))
    rows = dirs * steps * batch
    macs = dirs * batch * mx * dm * aa + rows * (hidden * aa + mx * aa + mx * dm + ((hidden + dm) * att if aw else 0))
    attn = [8, 9, 10, 13] if aw else [8, 9, 10]
    cost = lstm.cost + Cost(macs=macs, other_ops=rows * mx * (2 * aa + 3), weights=sum(prod(info.shape(i)) for i in attn))
    return replace(lstm, cost=cost, params={**lstm.params, **{i: "weights" for i in attn}}, data_inputs=(0, 5, 6, 11, 12),
                   note="Bahdanau attention")


@shapes("RestorePadding")
def restore_padding_shape(info: NodeInfo) -> list:
    """input (tokens, hidden), token_offset (B, S) -> (B, S, hidden)."""
    x, offsets = info.input_shape(0), info.input_shape(1)
    return [(*offsets, x[1]) if x is not None and offsets is not None and len(x) == 2 and len(offsets) == 2 else None]


@handles("RestorePadding")
def restore_padding(info: NodeInfo) -> Result:
    """Tokens copied back to their padded places, the padding zeros: data movement."""
    return Result(SHAPE, data_inputs=(0, 1))


@shapes("NGramRepeatBlock")
def ngram_repeat_block_shape(info: NodeInfo) -> list:
    return [info.input_shape(1)]


@handles("NGramRepeatBlock")
def ngram_repeat_block(info: NodeInfo) -> Result:
    """For each batch row of input_ids (B, S), each of the S - n + 1 earlier n-grams compares its
    first n - 1 tokens with the last n - 1 (one op each; its stop at a mismatch not taken as
    sparsity), then bans the token after a match in the scores (a write)."""
    ids, n = info.shape(0), int(info.attr("ngram_size", 0))
    if len(ids) != 2 or n <= 0:
        raise ValueError(f"input_ids {tuple(ids)} with ngram_size={n}")
    return Result(ELEMENTWISE, Cost(other_ops=ids[0] * max(ids[1] - n + 1, 0) * (n - 1)), data_inputs=(0, 1), note=f"{n}-grams")


def _mamba2_dims(info: NodeInfo) -> tuple[int, int, int, int, int]:
    """(R, heads, head_dim, d_state, channels) of a Mamba2Verify: projection (R, 2 di + 2 n_groups
    d_state + heads) packs gate (di = heads x head_dim), xBC (the conv's channels, di + 2 n_groups
    d_state) and dt (heads)."""
    p = info.input_shape(0)
    heads, groups = int(info.attr("heads", 0)), int(info.attr("n_groups", 0))
    hd, ds = int(info.attr("head_dim", 64)), int(info.attr("d_state", 128))
    if p is None or len(p) != 2 or min(heads, groups, hd, ds) <= 0 or heads % groups:
        raise ValueError(f"projection {p} with heads={heads}, n_groups={groups}, head_dim={hd}, d_state={ds}")
    channels = heads * hd + 2 * groups * ds
    if p[1] != heads * hd + channels + heads:
        raise ValueError(f"projection {tuple(p)} does not pack gate, xBC and dt of {heads} heads of {hd} and d_state {ds}")
    return p[0], heads, hd, ds, channels


@shapes("Mamba2Verify")
def mamba2_verify_shape(info: NodeInfo) -> list:
    """Y (R, di), the conv and SSM snapshots (their states' shapes), xbc (R, channels), readout (R, di)."""
    try:
        r, heads, hd, _, channels = _mamba2_dims(info)
    except ValueError:
        return [None] * len(info.outputs)
    return [(r, heads * hd), info.input_shape(1), info.input_shape(2), (r, channels), (r, heads * hd)][: len(info.outputs)]


@handles("Mamba2Verify")
def mamba2_verify(info: NodeInfo) -> Result:
    """Per token: the 4-tap depthwise conv of xBC (4 MACs, a bias add and SiLU 4 per channel);
    dt = max(softplus(dt + dt_bias), min) (4 ops per head) and exp(A dt) (2); the state update
    S = exp(A dt) S + (dt x) B, a decay multiply and a MAC per state element (heads x head_dim x
    d_state) after dt x (a multiply per element of x); the readout D x + C . S (d_state MACs and
    2 ops per element of x); the SiLU(gate) gating (5 ops) and grouped RMS norm (5) per element
    of di.  The snapshots are state; conv weight, A and D count as weights, conv bias and dt_bias
    as biases, norm_weight as norm params."""
    r, heads, hd, ds, channels = _mamba2_dims(info)
    di, state = heads * hd, heads * hd * ds
    if prod(info.shape(3)) != 4 * channels or prod(info.shape(8)) != di:
        raise ValueError(f"conv weight {tuple(info.shape(3))} or norm weight {tuple(info.shape(8))} does not fit {channels} channels, {di} values")
    silu = C.ACTIVATION_OPS["silu"]
    macs = r * (4 * channels + 2 * state)
    ops = r * (channels * (1 + silu) + 6 * heads + state + di * (1 + 2 + silu + 1 + 5))
    size = lambda *idx: sum(prod(info.shape(i)) for i in idx)  # noqa: E731
    cost = Cost(macs=macs, other_ops=ops, weights=size(3, 6, 7), biases=size(4, 5), norm_params=di)
    return Result(MATMUL, cost, params={3: "weights", 4: "biases", 5: "biases", 6: "weights", 7: "weights", 8: "norm_params"},
                  data_inputs=(0, 1, 2, 9), states=(1, 2), note=f"{heads} heads, d_state {ds}")  # fmt: skip
