"""onnxruntime's contrib ops on token ids: the n-gram hashes of Engram-style n-gram embeddings
(NGramHashMapping, and VarlenNGramHashMapping over a packed batch of sequences), whose output ids
index an embedding table.  Integer arithmetic, counted as other ops by the formula of the op's
own doc.  Registered in the contrib table of :mod:`dscost.readers.onnx_node` when
:mod:`dscost.readers.onnx_contrib` is imported.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dscost.layers import ELEMENTWISE, Cost
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import NodeInfo, contrib_handles as handles, contrib_shapes as shapes


def _orders(info: NodeInfo) -> tuple[int, int]:
    """(max_ngram_size M, n_head_per_ngram H), a ValueError unless M >= 2 and H >= 1."""
    m, h = int(info.attr("max_ngram_size", 0)), int(info.attr("n_head_per_ngram", 0))
    if m < 2 or h < 1:
        raise ValueError(f"max_ngram_size={m}, n_head_per_ngram={h}")
    return m, h


@shapes("NGramHashMapping")
def ngram_hash_shape(info: NodeInfo) -> list:
    """hash_ids (B, S, (M - 1) H), present_ids (B, M - 1), from input_ids (B, S)."""
    ids = info.input_shape(0)
    m, h = _orders(info)
    if ids is None or len(ids) != 2:
        return [None] * len(info.outputs)
    return [(*ids, (m - 1) * h), (ids[0], m - 1)][: len(info.outputs)]


@shapes("VarlenNGramHashMapping")
def varlen_ngram_hash_shape(info: NodeInfo) -> list:
    """hash_ids (T, (M - 1) H) from input_ids (T); present_ids and present_segment_ids
    (batch, M - 1) and state_update (batch, state_update_capacity, M - 1), batch one less than
    cumulative_sequence_length's length."""
    ids, cum = info.input_shape(0), info.input_shape(3)
    m, h = _orders(info)
    if ids is None or len(ids) != 1:
        return [None] * len(info.outputs)
    per_request = (cum[0] - 1, m - 1) if cum is not None and len(cum) == 1 and cum[0] >= 1 else None
    state = (per_request[0], int(info.attr("state_update_capacity", 0)), m - 1) if per_request else None
    return [(ids[0], (m - 1) * h), per_request, per_request, state][: len(info.outputs)]


@handles("NGramHashMapping", "VarlenNGramHashMapping")
def ngram_hash(info: NodeInfo) -> Result:
    """For each token and n-gram order n in 2..M, mix = shifted_0 * multipliers[0] xor ... xor
    shifted_(n-1) * multipliers[n-1]: n multiplies and n - 1 xors, M^2 - 1 ops over the orders;
    then for each of the orders' H heads a modulo by its vocabulary size (and an add of its
    head_offsets): tokens * (M^2 - 1 + (M - 1) H (1 or 2)) other ops.  Causal shifts are copies;
    the selects of the EOS and segment resets are not counted.  The multipliers, vocabulary sizes
    and offsets are hash constants, not params."""
    m, h = _orders(info)
    offsets = 4 if info.op == "NGramHashMapping" else 5
    tokens = info.out()[0] * (info.out()[1] if info.op == "NGramHashMapping" else 1)
    per_token = m * m - 1 + (m - 1) * h * (2 if info.has(offsets) else 1)
    data = (0, 3, 6) if info.op == "NGramHashMapping" else (0, 3, 4, 7, 8, 9)
    return Result(ELEMENTWISE, Cost(other_ops=tokens * per_token), data_inputs=data, note=f"{m - 1} n-gram orders x {h} heads")
