"""TFLite handlers of the recurrent ops -- the fused LSTMs and RNNs, one direction or two, and
SVDF (the rank-factored recurrence of keyword-spotting models) -- and of the segment
reductions.  They register in :mod:`dscost.readers.tflite_ops`' table; the TFLite reader
imports this module."""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.layers import ELEMENTWISE, RECURRENT, Cost
from dscost.readers.handlers import Result
from dscost.readers.tflite_file import FUSED_ACTIVATIONS
from dscost.readers.tflite_ops import RECURRENT_OPS, NodeInfo, handles

# LSTM inputs: input-to-gate weights 1-4 (1 absent: CIFG, the input gate coupled to the forget
# gate), recurrent-to-gate weights 5-8, peepholes 9-11, gate biases 12-15, projection weights
# 16 and bias 17, states 18-19, layer-norm coefficients 20-23.
_LSTM_WEIGHTS, _LSTM_PEEPHOLES, _LSTM_BIASES, _LSTM_NORMS = (1, 2, 3, 4, 5, 6, 7, 8, 16), (9, 10, 11), (12, 13, 14, 15, 17), (20, 21, 22, 23)
# The ops here whose weights are kernels (the reader counts a kernel shared by several ops once)
KERNEL_OPS = (*RECURRENT_OPS, "BIDIRECTIONAL_SEQUENCE_LSTM", "SVDF")


@handles(*(op for op in RECURRENT_OPS if op != "BIDIRECTIONAL_SEQUENCE_RNN"))
def recurrent(info: NodeInfo) -> Result:
    """TFLite's fused LSTM and basic RNN, over a sequence (batch, time, input) -- (time, batch,
    input) with time_major -- or one step (batch, input): cost.weights_per_step_cost, each weight
    matrix element one MAC per time step and batch row, whatever the gate layout (CIFG,
    projection).
    Per step and cell: LSTM 3 sigmoids and 2 tanh (11 ops, as ONNX's LSTM), the cell update (4),
    a bias add per gate, a multiply and add per peephole, 5 per layer-normed gate; RNN its
    activation and a bias add.  Weights, peepholes and biases are params, layer-norm
    coefficients norm params; states are data."""
    steps = prod(info.shape(0)[:-1])
    if "LSTM" in info.op:
        norms = [i for i in _LSTM_NORMS if info.has(i)]
        cost, params, note = _lstm_direction(info, 0, steps, norms)
        cost = replace(cost, norm_params=sum(prod(info.shape(i)) for i in norms))
        params.update({i: "norm_params" for i in norms})
        return Result(RECURRENT, cost, params=params, data_inputs=(0, 18, 19), note=note)
    cost, params, units = _rnn_direction(info, 0, steps)
    return Result(RECURRENT, cost, params=params, data_inputs=(0, 4), note=f"RNN, {units} units")


@handles("BIDIRECTIONAL_SEQUENCE_LSTM")
def bidirectional_lstm(info: NodeInfo) -> Result:
    """TFLite's fused bidirectional LSTM (older converters' Bidirectional(LSTM)): a forward LSTM on
    inputs 1-17 and a backward one on inputs 18-34 (the layout of UNIDIRECTIONAL_SEQUENCE_LSTM's
    1-17 each), states 35-38, each costed as that op; the auxiliary input (39-47) is not
    counted: a file that uses it is uncounted, saying so."""
    if any(info.has(i) for i in range(39, 48)):
        raise ValueError("it has an auxiliary input (inputs 39-47), which dscost does not count")
    steps = prod(info.shape(0)[:-1])
    (fw, fw_params, fw_note), (bw, bw_params, bw_note) = (_lstm_direction(info, base, steps, []) for base in (0, 17))
    return Result(RECURRENT, fw + bw, params={**fw_params, **bw_params}, data_inputs=(0, 35, 36, 37, 38),
                  note=f"bidirectional: forward {fw_note}, backward {bw_note}")  # fmt: skip


@handles("BIDIRECTIONAL_SEQUENCE_RNN")
def bidirectional_rnn(info: NodeInfo) -> Result:
    """TFLite's fused bidirectional basic RNN: a forward RNN on inputs 1-4 (weights, recurrent
    weights, bias, state) and a backward one on inputs 5-8, each costed as
    UNIDIRECTIONAL_SEQUENCE_RNN; the auxiliary input (9-11) is not counted: a file that uses it
    is uncounted, saying so."""
    if any(info.has(i) for i in range(9, 12)):
        raise ValueError("it has an auxiliary input (inputs 9-11), which dscost does not count")
    steps = prod(info.shape(0)[:-1])
    (fw, fw_params, fw_units), (bw, bw_params, bw_units) = (_rnn_direction(info, base, steps) for base in (0, 4))
    return Result(RECURRENT, fw + bw, params={**fw_params, **bw_params}, data_inputs=(0, 4, 8),
                  note=f"bidirectional RNN, {fw_units} + {bw_units} units")  # fmt: skip


def _rnn_direction(info: NodeInfo, base: int, steps: int) -> tuple[Cost, dict[int, str], int]:
    """(cost, params by input index, units) of one basic RNN whose weights, recurrent weights and
    bias are inputs 1-3 shifted by ``base`` (a bidirectional op's backward direction: 4)."""
    x, w_in = info.shape(0), info.shape(base + 1)
    if len(w_in) != 2 or x[-1] != w_in[-1]:
        raise ValueError(f"input {tuple(x)} does not fit the input weights {tuple(w_in)}")
    units = w_in[0]
    act = FUSED_ACTIVATIONS.get(info.opt("FusedActivationFunction", 0), (None, None))[1]
    has_bias = info.has(base + 3)
    weight_idx = [base + i for i in (1, 2) if info.has(base + i)]
    weights = sum(prod(info.shape(i)) for i in weight_idx)
    biases = prod(info.shape(base + 3)) if has_bias else 0
    per_step = units * ((C.ACTIVATION_OPS[act] if act else 0) + (1 if has_bias else 0))
    params = {i: "weights" for i in weight_idx}
    params.update({base + 3: "biases"} if has_bias else {})
    return C.weights_per_step_cost(steps, weights, biases, per_step), params, units


def _lstm_direction(info: NodeInfo, base: int, steps: int, norms: list[int]) -> tuple[Cost, dict[int, str], str]:
    """(cost, params by input index, note) of one LSTM whose inputs are UNIDIRECTIONAL_SEQUENCE_LSTM's
    1-17 shifted by ``base`` (a bidirectional op's backward direction: 17), ``norms`` its
    layer-normed gates' coefficient inputs."""
    x = info.shape(0)
    has = lambda i: info.has(base + i)  # noqa: E731
    units = info.shape(base + 2)[0]  # input-to-forget weights (cell, input)
    gates = 4 if has(1) else 3
    peep = [base + i for i in _LSTM_PEEPHOLES if has(i)]
    per_step = units * (3 * C.ACTIVATION_OPS["sigmoid"] + 2 * C.ACTIVATION_OPS["tanh"] + C.RNN_UPDATE_OPS["lstm"]
                        + sum(1 for i in _LSTM_BIASES[:4] if has(i)) + 2 * len(peep) + 5 * len(norms))  # fmt: skip
    per_step += prod(info.shape(base + 17)) if has(17) else 0
    w_in = info.shape(base + 2)
    if len(w_in) != 2 or x[-1] != w_in[-1]:
        raise ValueError(f"input {tuple(x)} does not fit the input weights {tuple(w_in)}")
    weight_idx = [base + i for i in _LSTM_WEIGHTS if has(i)]
    bias_idx = [base + i for i in _LSTM_BIASES if has(i)]
    weights = sum(prod(info.shape(i)) for i in (*weight_idx, *peep))  # peepholes: element-wise, other ops above, not MACs
    cost = C.weights_per_step_cost(steps, weights - sum(prod(info.shape(i)) for i in peep), sum(prod(info.shape(i)) for i in bias_idx), per_step)
    cost = replace(cost, weights=weights)
    params = {i: "weights" for i in (*weight_idx, *peep)}
    params.update({i: "biases" for i in bias_idx})
    note = f"LSTM, {units} cells" + (", CIFG" if gates == 3 else "") + (", projection" if has(16) else "")
    return cost, params, note


@handles("SVDF")
def svdf(info: NodeInfo) -> Result:
    """SVDF (a fully connected layer whose weights are a rank-``rank`` factorization over time:
    keyword-spotting models), one step per call: input (batch, input_size), weights_feature
    (num_filters, input_size), weights_time (num_filters, memory_size), an optional bias
    (num_units = num_filters / rank), the state (batch, memory_size x num_filters).  Per batch
    row: each filter's feature projection (input_size MACs) and its dot product with its memory
    (memory_size MACs), then per unit the sum of its rank filters (rank adds onto the bias, rank
    - 1 without one).  The state's shift is a copy.  The fused activation is a layer of its own
    after the op, as for a conv."""
    x, feature, time = info.shape(0), info.shape(1), info.shape(2)
    if len(x) != 2 or len(feature) != 2 or len(time) != 2 or feature[1] != x[1] or feature[0] != time[0]:
        raise ValueError(f"input {tuple(x)}, weights_feature {tuple(feature)} and weights_time {tuple(time)} do not fit")
    rank = info.opt("Rank", 1)
    filters, memory = feature[0], time[1]
    if rank < 1 or filters % rank:
        raise ValueError(f"rank {rank} does not divide its {filters} filters")
    units, batch, has_bias = filters // rank, x[0], info.has(3)
    bias = prod(info.shape(3)) if has_bias else 0
    if has_bias and bias != units:
        raise ValueError(f"bias of {bias} elements for {units} units")
    cost = Cost(macs=batch * filters * (x[1] + memory), other_ops=batch * units * (rank if has_bias else rank - 1),
                weights=filters * (x[1] + memory), biases=bias)  # fmt: skip
    params = {1: "weights", 2: "weights", **({3: "biases"} if has_bias else {})}
    return Result(RECURRENT, cost, params=params, data_inputs=(0, 4), note=f"SVDF, {filters} filters of rank {rank}, memory {memory}")


@handles("SEGMENT_SUM", "UNSORTED_SEGMENT_SUM", "UNSORTED_SEGMENT_PROD", "UNSORTED_SEGMENT_MAX", "UNSORTED_SEGMENT_MIN")
def segment_reduction(info: NodeInfo) -> Result:
    """The rows of the data summed (multiplied, compared) into the segments their ids name: one op
    per element of the data, whichever segment it goes to; the ids are data too."""
    return Result(ELEMENTWISE, Cost(other_ops=prod(info.shape(0))), data_inputs=(0, 1))
