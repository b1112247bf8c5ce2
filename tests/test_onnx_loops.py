"""An ONNX Loop or Scan whose number of iterations is known before the graph runs is one layer
costing its body times that number (dscost/readers/onnx_loops.py); any other stays uncounted,
its reason saying why."""

from __future__ import annotations

import json

import numpy as np
import pytest
from onnx import TensorProto, helper

from conftest import cli_run
from dscost import cost
from dscost.layers import RECURRENT, Cost
from dscost.readers.onnx_reader import read_onnx
from onnx_models import init, model, node, save, vi

B = TensorProto.BOOL
I64 = TensorProto.INT64
T, IN, H = 5, 8, 16  # steps, input size, hidden size
STEP_MACS = IN * H + H * H  # x_t W (1x8 . 8x16) + h R (1x16 . 16x16) = 384
STEP_OPS = H + H  # the Add and the Tanh of a (1, 16) state


def _rnn_ops(h_in: str, x_t: str, h_out: str) -> list:
    """One step of a plain RNN: h' = tanh(x_t W + h R), W and R the graph's initializers."""
    return [node("MatMul", [x_t, "W"], "xw"), node("MatMul", [h_in, "R"], "hr"), node("Add", ["xw", "hr"], "pre"), node("Tanh", ["pre"], h_out)]


def _weights():
    return [init("W", IN, H), init("R", H, H)]


def scan_rnn(tmp_path, axis: int = 0, name="scan.onnx"):
    """Scan(h0, x) over the T steps of x (along ``axis``), its state h, its scan output every h;
    a Relu after the stacked outputs (its shape, (T, 1, 16), comes from the Scan's count)."""
    x_shape = [T, 1, IN] if axis == 0 else [1, T, IN]
    body = helper.make_graph(_rnn_ops("h", "x_t", "h2") + [node("Identity", ["h2"], "y_t")], "cell",
                             [vi("h", [1, H]), vi("x_t", [1, IN])], [vi("h2", [1, H]), vi("y_t", [1, H])])  # fmt: skip
    nodes = [helper.make_node("Scan", ["h0", "x"], ["h_last", "ys"], name="rnn", body=body, num_scan_inputs=1, scan_input_axes=[axis]),
             node("Relu", ["ys"], "out")]  # fmt: skip
    return save(tmp_path, model(nodes, [("x", x_shape), ("h0", [1, H])], ["out", "h_last"], _weights()), name)


@pytest.mark.parametrize("axis", [0, 1, -2])
def test_a_scan_is_its_body_times_the_length_of_its_scan_axis(tmp_path, axis):
    m = read_onnx(scan_rnn(tmp_path, axis))
    x_shape = [T, 1, IN] if axis == 0 else [1, T, IN]
    assert not m.uncounted
    rnn, relu = m.layers
    assert (rnn.name, rnn.op, rnn.type) == ("rnn", "Scan", RECURRENT)
    assert rnn.cost == Cost(macs=T * STEP_MACS, other_ops=T * STEP_OPS, weights=IN * H + H * H)  # 1,920 MACs, 160 ops, 384 weights
    assert rnn.note == f"a scan of 5 steps (axis {axis} of 'x'), each the 5 ops of subgraph 'cell'"
    assert rnn.inputs == ("h0", "x") and rnn.input_shape == tuple(x_shape) and rnn.output_shape == (1, H) and rnn.more_outputs == (T * H,)
    assert relu.output_shape == (T, 1, H) and relu.cost.other_ops == T * H and relu.inputs == ("rnn",)


def test_onnxruntime_runs_the_loops_counted(tmp_path):
    import onnxruntime as ort

    sess = ort.InferenceSession(str(scan_rnn(tmp_path)), providers=["CPUExecutionProvider"])
    out, h = sess.run(None, {"x": np.ones((T, 1, IN), np.float32), "h0": np.zeros((1, H), np.float32)})
    assert out.shape == (T, 1, H) and h.shape == (1, H)
    for body_cond in ("identity", "constant"):
        sess = ort.InferenceSession(str(loop_model(tmp_path, body_cond=body_cond)), providers=["CPUExecutionProvider"])
        (y,) = sess.run(None, {"x": np.ones((1, IN), np.float32), "h0": np.zeros((1, H), np.float32)})
        assert y.shape == (1, H)


def test_an_lstm_written_as_a_scan_costs_what_the_lstm_op_does(tmp_path):
    """An LSTM cell by hand in a Scan body -- gates = x_t W + h R + b, split in four, c' = f c + i g,
    h' = o tanh(c') -- has the MACs and weights of ONNX's LSTM op of the same sizes:
    T x 4H x (I + H) = 5 x 64 x 24 = 7,680 MACs; W 64x8 + R 64x16 = 1,536 weights."""
    cell = [node("MatMul", ["x_t", "W4"], "xw"), node("MatMul", ["h", "R4"], "hr"), node("Add", ["xw", "hr"], "g0"), node("Add", ["g0", "b4"], "gates"),
            node("Split", ["gates"], ["gi", "gf", "gg", "go"], axis=1, num_outputs=4), node("Sigmoid", ["gi"], "i"), node("Sigmoid", ["gf"], "f"),
            node("Tanh", ["gg"], "g"), node("Sigmoid", ["go"], "o"), node("Mul", ["f", "c"], "fc"), node("Mul", ["i", "g"], "ig"),
            node("Add", ["fc", "ig"], "c2"), node("Tanh", ["c2"], "tc"), node("Mul", ["o", "tc"], "h2"), node("Identity", ["h2"], "y_t")]  # fmt: skip
    body = helper.make_graph(cell, "lstm_cell", [vi("h", [1, H]), vi("c", [1, H]), vi("x_t", [1, IN])],
                             [vi("h2", [1, H]), vi("c2", [1, H]), vi("y_t", [1, H])])  # fmt: skip
    nodes = [helper.make_node("Scan", ["h0", "c0", "x"], ["h_last", "c_last", "ys"], name="lstm", body=body, num_scan_inputs=1)]
    inits = [init("W4", IN, 4 * H), init("R4", H, 4 * H), init("b4", 4 * H)]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [T, 1, IN]), ("h0", [1, H]), ("c0", [1, H])], ["ys"], inits, opset=18)))
    (scan,) = m.layers
    lstm = model([node("LSTM", ["x", "Wl", "Rl"], ["Y"], hidden_size=H)], [("x", [T, 1, IN])], ["Y"], [init("Wl", 1, 4 * H, IN), init("Rl", 1, 4 * H, H)])
    (op,) = read_onnx(save(tmp_path, lstm, "lstm.onnx")).layers
    assert scan.cost.macs == op.cost.macs == T * 4 * H * (IN + H) == 7_680
    assert scan.cost.weights == op.cost.weights == 1_536 and scan.cost.biases == 4 * H and scan.cost.params == 1_536 + 4 * H
    assert not m.uncounted and m.layers[0].more_outputs == (H, T * H)


def loop_model(tmp_path, m_value=4, cond="true", body_cond="identity", name="loop.onnx", trip="M", extra_body=(), extra_inits=()):
    """Loop(M, cond, h0) whose body runs one RNN step on its carried h, reading the graph's x and
    the weights W, R by name; a MatMul after it on the final h uses R again."""
    cond_ops = {"identity": [node("Identity", ["cond_in"], "cond_out")],
                "constant": [helper.make_node("Constant", [], ["cond_out"], name="k_true", value=helper.make_tensor("t", B, [], [True]))],
                "data": [node("ReduceSum", ["h2"], "s", keepdims=0), node("Less", ["s", "limit"], "cond_out")]}[body_cond]  # fmt: skip
    body = helper.make_graph(_rnn_ops("h", "x", "h2") + list(extra_body) + cond_ops, "step",
                             [vi("i", [], I64), vi("cond_in", [], B), vi("h", [1, H])], [vi("cond_out", [], B), vi("h2", [1, H])])  # fmt: skip
    inits = _weights() + [init("limit", value=1.0)] + list(extra_inits)
    if isinstance(m_value, int):
        inits.append(init("M", dtype=np.int64, value=m_value))
    if cond == "true":
        inits.append(init("cond", dtype=np.bool_, value=True))
    inputs = [("x", [1, IN]), ("h0", [1, H])] + ([("M", vi("M", [], I64))] if m_value is None else [])
    nodes = [helper.make_node("Loop", [trip, "cond" if cond else "", "h0"], ["h_last"], name="loop", body=body), node("MatMul", ["h_last", "R"], "y")]
    return save(tmp_path, model(nodes, inputs, ["y"], inits), name)


@pytest.mark.parametrize(("cond", "body_cond"), [("true", "identity"), ("true", "constant"), ("", "data"), ("", "identity")])
def test_a_loop_of_a_constant_trip_count_is_its_body_times_it(tmp_path, cond, body_cond):
    """M = 4, and a condition that cannot stop it early: true and passed on (or set true) by the
    body, or none at all (then what the body computes for it is not read).  Params once: W and R
    (R also used after the Loop, counted by the Loop, the first to use it)."""
    m = read_onnx(loop_model(tmp_path, cond=cond, body_cond=body_cond))
    assert not m.uncounted
    loop, after = m.layers
    assert loop.op == "Loop" and loop.cost == Cost(macs=4 * STEP_MACS, other_ops=4 * STEP_OPS + (4 * (H + 1) if body_cond == "data" else 0), weights=IN * H + H * H)
    assert loop.note == f"a loop of 4 steps (trip count 'M'), each the {4 + (2 if body_cond == 'data' else 1)} ops of subgraph 'step'"
    assert loop.inputs == ("h0", "x") and loop.input_shape == (1, H) and loop.output_shape == (1, H)
    assert after.cost == Cost(macs=H * H) and "'R' shared with loop, counted there" in after.note
    assert cost.analyze(m).totals.params == IN * H + H * H == 384


def test_a_loop_whose_condition_is_computed_from_data_stays_uncounted(tmp_path):
    m = read_onnx(loop_model(tmp_path, body_cond="data"))
    (u,) = [u for u in m.uncounted if u.op == "Loop"]
    assert u.reason.startswith("Loop: its number of iterations depends on a run-time value: the condition its body computes ('cond_out') "
                               "may stop it before its trip count; subgraph not counted: body: 6 nodes")  # fmt: skip
    assert u.params == IN * H + H * H  # the weights its body reads, as before
    assert [layer.op for layer in m.layers] == []  # the MatMul after it: its input's shape is not known


@pytest.mark.parametrize(("m_value", "trip", "reason"), [
    (None, "M", "Loop: its number of iterations depends on a run-time value: its trip count 'M' is not a constant of the graph "
                "(it is a graph input: give its value with --input-value M=N)"),
    (2**62, "M", "Loop: its trip count 'M' is 4,611,686,018,427,387,904, more than 1,000,000,000"),
    (4, "", "Loop without a trip count, its condition always true: it never ends"),
])  # fmt: skip
def test_a_loop_of_unknown_length_stays_uncounted(tmp_path, m_value, trip, reason):
    m = read_onnx(loop_model(tmp_path, m_value, trip=trip))
    u = next(u for u in m.uncounted if u.op == "Loop")
    assert u.reason.startswith(reason + "; subgraph not counted: body: 5 nodes") and u.params == 384


def test_a_body_node_without_a_handler_leaves_the_loop_uncounted_naming_it(tmp_path):
    det = [node("MatMul", ["h2", "sq"], "hq"), node("Unique", ["hq"], "d")]  # any op without a handler
    m = read_onnx(loop_model(tmp_path, extra_body=[node("Reshape", ["h2", "sq_shape"], "sq")] + det[1:],
                             extra_inits=[init("sq_shape", 2, dtype=np.int64, value=[4, 4])]))  # fmt: skip
    u = next(u for u in m.uncounted if u.op == "Loop")
    assert u.reason.startswith("Loop: body node 'd' (Unique) not counted: no cost handler for op type 'Unique' (its output size depends on the data); "
                               "subgraph not counted")  # fmt: skip
    assert u.params == 384


def _choose(cond: str):
    """If ``cond``: the step's h2 through R (a 1x16 . 16x16 MatMul), else a ReLU of it."""
    then = helper.make_graph([node("MatMul", ["h2", "R"], "t_out")], "then", [], [vi("t_out", [1, H])])
    other = helper.make_graph([node("Relu", ["h2"], "e_out")], "else", [], [vi("e_out", [1, H])])
    return helper.make_node("If", [cond], ["chosen"], name="choose", then_branch=then, else_branch=other)


@pytest.mark.parametrize("where", ["graph", "body"])
def test_an_if_of_a_constant_condition_in_a_body_counts_the_branch_that_runs(tmp_path, where):
    """The condition a graph initializer the body reads, or a Constant node of the body: the If is
    replaced by its then branch (H x H MACs a step), as a top-level If would be."""
    flag = [helper.make_node("Constant", [], ["flag"], name="k_flag", value=helper.make_tensor("f", B, [], [True]))] if where == "body" else []
    m = read_onnx(loop_model(tmp_path, extra_body=flag + [_choose("flag")], extra_inits=[init("flag", dtype=np.bool_, value=True)] if where == "graph" else []))
    assert not m.uncounted
    loop = m.layers[0]
    assert loop.cost.macs == 4 * (STEP_MACS + H * H)
    assert loop.note.endswith("; in it, If 'choose': flag=1 (a constant) runs its then_branch, counted (1 nodes); the else_branch (1 nodes) is not")


def test_an_if_on_the_counter_in_a_body_counts_the_branch_each_step_runs(tmp_path):
    """Which branch runs changes from one step to the next (``if i == 0``; round 52's ``if i % 2 ==
    0`` of a scripted module, 0 of 15,360 MACs): the body is inferred at each counter value, the If
    decided there, and each step counts the branch it runs -- step 0 the MatMul through R (H x H),
    steps 1-3 the ReLU -- the body inferred twice (steps 1-3 alike).  Params once: W and R.  An If
    on the step's data (the sum of h2 below a limit) stays uncounted, naming the If."""
    first = [helper.make_node("Constant", [], ["zero"], name="k0", value=helper.make_tensor("z", I64, [], [0])), node("Equal", ["i", "zero"], "first")]
    m = read_onnx(loop_model(tmp_path, extra_body=first + [_choose("first")]))
    loop = m.layers[0]
    assert not m.uncounted and (loop.op, loop.cost.macs, loop.cost.params) == ("Loop", 4 * STEP_MACS + H * H, sum(layer.cost.params for layer in m.layers))
    assert loop.note.endswith("its body changes with its counter: inferred at each of its 4 iterations, each counted as it runs")
    small = [node("ReduceSum", ["h2"], "s", keepdims=0), node("Less", ["s", "limit"], "small")]
    m = read_onnx(loop_model(tmp_path, extra_body=small + [_choose("small")], name="data.onnx"))
    u = next(u for u in m.uncounted if u.op == "Loop")
    assert u.reason.startswith("Loop: body node 'choose' (If) not counted")


def _changing_loop(tmp_path, trips: int, h0_rows: int, grow: str, stacked: bool = False):
    """Loop(M = trips, h0 of (h0_rows, 16)) whose body computes h R (16x16) and makes the next h
    of it: ``grow="concat"`` h2 = Concat(h, h R) (rows double), ``"mean"`` h2 = ReduceMean of h R
    over its rows (one row, then one row on), ``"row"`` h2 = Concat(h, one constant row) (one row
    more each time); with ``stacked`` it also gives h R as a per-iteration output."""
    ops = [node("Identity", ["cond_in"], "cond_out"), node("MatMul", ["h", "R"], "hr")]
    inits = [init("R", H, H)]
    if grow == "concat":
        ops.append(node("Concat", ["h", "hr"], "h2", axis=0))
    elif grow == "mean":
        ops += [helper.make_node("ReduceMean", ["hr"], ["h2"], axes=[0], keepdims=1)]
    else:
        ops.append(node("Concat", ["h", "one_row"], "h2", axis=0))
        inits.append(init("one_row", 1, H))
    outs = [vi("cond_out", [], B), vi("h2", None)] + ([vi("hr", None)] if stacked else [])
    body = helper.make_graph(ops, "changing", [vi("i", [], I64), vi("cond_in", [], B), vi("h", [h0_rows, H])], outs)
    nodes = [helper.make_node("Loop", ["M", "", "h0"], ["h_last"] + (["hs"] if stacked else []), name="loop", body=body)]
    return save(tmp_path, model(nodes, [("h0", [h0_rows, H])], ["h_last"] + (["hs"] if stacked else []), [init("M", dtype=np.int64, value=trips), *inits]))


@pytest.mark.parametrize("reads_it", [False, True])
def test_a_value_a_loop_appends_to_past_the_followed_steps_is_counted_at_its_last_size(tmp_path, reads_it):
    """Round 52: ``y = torch.cat([y, Linear(4, 4)(x[i])])`` over 2,100 steps was uncounted (16 of
    33,600 MACs): y changes shape, and a loop whose carried values do is followed one iteration at
    a time, at most 2,048.  Here 3,000 steps of y ++ x[i] W (W 4 x 4): y grows by one row each
    time, and only the Concat reads it, whose cost does not depend on its size; after 3 steps
    alike the rest are counted as the last one, 3,000 x 16 = 48,000 MACs, and y ends (3,001, 4),
    as onnxruntime gives it.  A body that also multiplies y itself (y W, its rows growing) stays
    followed one by one, and past 2,048 steps uncounted."""
    import onnxruntime as ort

    steps = 3_000
    ops = [node("Identity", ["cond_in"], "cond_out"), node("Gather", ["x", "i"], "xi", axis=0), node("MatMul", ["xi", "W"], "z"),
           node("Concat", ["y", "z"], "y2", axis=0)]  # fmt: skip
    if reads_it:
        ops.append(node("MatMul", ["y", "W"], "yw"))
    body = helper.make_graph(ops, "append", [vi("i", [], I64), vi("cond_in", [], B), vi("y", [None, 4])], [vi("cond_out", [], B), vi("y2", [None, 4])])
    loop = helper.make_node("Loop", ["M", "", "y0"], ["y_last"], name="loop", body=body)
    inits = [init("M", dtype=np.int64, value=steps), init("W", 4, 4, value=np.eye(4))]
    path = save(tmp_path, model([loop], [("x", [steps, 1, 4]), ("y0", [1, 4])], ["y_last"], inits), "append.onnx")
    m = read_onnx(path)
    if reads_it:
        (u,) = [u for u in m.uncounted if u.op == "Loop"]
        assert "following its 3,000 iterations one by one would infer its body more than 2048 times" in u.reason
        return
    (layer,) = m.layers
    assert not m.uncounted and (layer.cost.macs, layer.cost.weights, layer.output_shape) == (steps * 16, 16, (steps + 1, 4))
    got = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": np.ones((steps, 1, 4), np.float32), "y0": np.zeros((1, 4), np.float32)})[0]
    assert got.shape == (steps + 1, 4)


def test_a_loop_whose_carried_value_changes_shape_is_counted_at_each_iterations_shapes(tmp_path):
    """A Loop of 4 iterations whose carried h doubles its rows (Concat of h and h R): h R costs
    16 x 16 per row at 1, 2, 4 and 8 rows, 256 x 15 = 3,840 MACs; h ends (16, 16), as
    onnxruntime gives it.  It had been uncounted ("changes shape from one iteration to the next").
    One that shrinks to one row and stays there (ReduceMean of h R over its rows; 5 iterations
    from 3 rows) costs 256 x (3 + 1 + 1 + 1 + 1) = 1,792, the body inferred twice, not 5 times."""
    import onnxruntime as ort

    path = _changing_loop(tmp_path, 4, 1, "concat")
    m = read_onnx(path)
    (layer,) = m.layers
    assert not m.uncounted and layer.cost.macs == 3_840 and layer.cost.weights == H * H and layer.output_shape == (16, H)
    assert layer.note == ("a loop of 4 steps (trip count 'M'), each the 3 ops of subgraph 'changing'; its carried values change shape "
                          "('h0' from (1, 16) to (16, 16)): each step counted at its own shapes")  # fmt: skip
    (out,) = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"h0": np.ones((1, H), np.float32)})
    assert out.shape == (16, H)
    m = read_onnx(_changing_loop(tmp_path, 5, 3, "mean"))
    (layer,) = m.layers
    assert not m.uncounted and layer.cost.macs == 256 * 7 and layer.output_shape == (1, H) and "'h0' from (3, 16) to (1, 16)" in layer.note


def test_a_loop_whose_changing_shapes_cannot_be_followed_stays_uncounted(tmp_path, monkeypatch):
    """A per-iteration output whose shape changes (h R at 1, 2, 4 rows) cannot be stacked:
    onnxruntime fails on it, and the Loop stays uncounted.  Nor is a body inferred more than
    MAX_UNROLLED times: a carried value one row longer each iteration (every shape new)."""
    from dscost.readers import onnx_loops

    (u,) = read_onnx(_changing_loop(tmp_path, 3, 1, "concat", stacked=True)).uncounted
    assert u.reason.startswith("Loop: its per-iteration output 'hr' changes shape ((1, 16) -> (2, 16)): onnxruntime cannot stack it")
    monkeypatch.setattr(onnx_loops, "MAX_UNROLLED", 8)
    m = read_onnx(_changing_loop(tmp_path, 8, 1, "row"))
    assert not m.uncounted and m.layers[0].cost.macs == 256 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8)
    (u,) = read_onnx(_changing_loop(tmp_path, 9, 1, "row")).uncounted
    assert u.reason.startswith("Loop: its carried values change shape; following its 9 iterations one by one would infer its body more than 8 times "
                               "(at most 8 per loop, 200,000 body nodes in all): not inferred one by one")  # fmt: skip
    monkeypatch.setattr(onnx_loops, "MAX_UNROLLED_NODES", 3 * 4)  # (a body of 3 nodes: its first inference and 3 more, 4 in all)
    (u,) = read_onnx(_changing_loop(tmp_path, 8, 1, "row")).uncounted
    assert u.reason.startswith("Loop: its carried values change shape; following its 8 iterations one by one would infer its body more than 4 times")


def test_two_carried_values_from_one_tensor_are_followed_each_at_its_own_shape(tmp_path):
    """Loops round: Loop(3, h0, h0) whose a doubles its rows (Concat of a and a R) while b stays
    (b R): a R at 1, 2, 4 rows and b R 3 times, 10 x 256 = 2,560 MACs; a ends (8, 16), b (1, 16),
    as onnxruntime gives them (both had been followed as one: 3.4x high and a wrong shape)."""
    import onnxruntime as ort

    ops = [node("MatMul", ["a", "R"], "ar"), node("Concat", ["a", "ar"], "a2", axis=0), node("MatMul", ["b", "R"], "b2"), node("Identity", ["c"], "c2")]
    body = helper.make_graph(ops, "two", [vi("i", [], I64), vi("c", [], B), vi("a", [1, H]), vi("b", [1, H])],
                             [vi("c2", [], B), vi("a2", None), vi("b2", None)])  # fmt: skip
    nodes = [helper.make_node("Loop", ["M", "", "h0", "h0"], ["a_last", "b_last"], name="loop", body=body), node("Relu", ["b_last"], "y")]
    path = save(tmp_path, model(nodes, [("h0", [1, H])], ["a_last", "y"], [init("M", dtype=np.int64, value=3), init("R", H, H)]))
    m = read_onnx(path)
    loop, relu = m.layers
    assert not m.uncounted and loop.cost.macs == 10 * H * H and loop.output_shape == (8, H) and relu.output_shape == (1, H)
    a, y = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"h0": np.ones((1, H), np.float32)})
    assert a.shape == (8, H) and y.shape == (1, H)


def test_a_carried_sequence_beside_a_growing_tensor_does_not_stop_the_count(tmp_path):
    """Loops round: a growing cache kv (Concat of kv and kv R) and a Python list of each kv R
    (SequenceInsert): kv R at 1, 2, 4 rows, 7 x 4 x 4 = 112 MACs.  The list has no shape to follow
    (it had left the loop uncounted: "the shape of its carried value 's0' ... is not known")."""
    ops = [node("MatMul", ["kv", "R"], "q"), node("Concat", ["kv", "q"], "kv2", axis=0), node("SequenceInsert", ["seq", "q"], "seq2"), node("Identity", ["c"], "c2")]
    body = helper.make_graph(ops, "b", [vi("i", [], I64), vi("c", [], B), vi("kv", [1, 4]), helper.make_tensor_sequence_value_info("seq", TensorProto.FLOAT, None)],
                             [vi("c2", [], B), vi("kv2", None), helper.make_tensor_sequence_value_info("seq2", TensorProto.FLOAT, None)])  # fmt: skip
    nodes = [helper.make_node("SequenceEmpty", [], ["s0"], name="empty", dtype=TensorProto.FLOAT),
             helper.make_node("Loop", ["M", "", "h0", "s0"], ["kv_last", "seq_last"], name="loop", body=body)]  # fmt: skip
    m = read_onnx(save(tmp_path, model(nodes, [("h0", [1, 4])], ["kv_last", "seq_last"], [init("M", dtype=np.int64, value=3), init("R", 4, 4)])))
    loop = m.layers[-1]
    assert not m.uncounted and loop.cost.macs == 7 * 4 * 4 and loop.output_shape == (8, 4)


def test_a_scan_whose_state_changes_shape_stays_uncounted(tmp_path):
    """Red team 6: ONNX requires a Scan's states to keep their shapes (onnxruntime fails on one
    that grows); it is not followed step by step as a Loop's carried value is."""
    body = helper.make_graph([node("Concat", ["h", "x_t"], "h2", axis=0), node("Identity", ["x_t"], "y_t")], "grow",
                             [vi("h", [1, IN]), vi("x_t", [1, IN])], [vi("h2", None), vi("y_t", [1, IN])])  # fmt: skip
    nodes = [helper.make_node("Scan", ["h0", "x"], ["h_last", "ys"], name="scan", body=body, num_scan_inputs=1)]
    (u,) = read_onnx(save(tmp_path, model(nodes, [("x", [T, 1, IN]), ("h0", [1, IN])], ["h_last", "ys"]))).uncounted
    assert u.reason.startswith("Scan: its carried value 'h0' changes shape from one iteration to the next ((1, 8) -> (2, 8)): "
                               "ONNX requires a Scan's states to keep their shapes"), u.reason  # fmt: skip


def _growing_loops(tmp_path, n: int):
    """Red team 6: a Loop of n runs whose carried g grows by an inner Loop of n runs, each adding one row."""
    inner = helper.make_graph([node("Concat", ["h", "row"], "h2", axis=0), node("Identity", ["c"], "c2")], "inner",
                              [vi("j", [], I64), vi("c", [], B), vi("h", [1, 4])], [vi("c2", [], B), vi("h2", None)])  # fmt: skip
    outer = helper.make_graph([helper.make_node("Loop", ["N", "", "g"], ["g2"], name="in", body=inner), node("Identity", ["c"], "c2")], "outer",
                              [vi("i", [], I64), vi("c", [], B), vi("g", [1, 4])], [vi("c2", [], B), vi("g2", None)])  # fmt: skip
    nodes = [helper.make_node("Loop", ["M", "", "h0"], ["h_last"], name="out", body=outer)]
    inits = [init("M", dtype=np.int64, value=n), init("N", dtype=np.int64, value=n), init("row", 1, 4)]
    return save(tmp_path, model(nodes, [("h0", [1, 4])], ["h_last"], inits), "growing.onnx")


def test_loops_in_loops_share_one_budget_of_inferences(tmp_path, monkeypatch):
    """6 x 6 rows added: h ends (37, 4).  The budget of body nodes inferred one iteration at a time
    is the graph's, not each loop's (red team 6: nested loops each given the whole budget took
    105 s and 7.5 GB): with 40 nodes, the outer loop runs out of it and says so (the inner loops,
    which only append a row, are followed for 3 steps each and their rest counted alike: before
    2026-12-07 the inner loop of the third outer run was the one refused)."""
    from dscost.readers import onnx_loops

    (loop,) = read_onnx(_growing_loops(tmp_path, 6)).layers
    assert loop.output_shape == (37, 4)
    monkeypatch.setattr(onnx_loops, "MAX_UNROLLED_NODES", 40)
    (u,) = read_onnx(_growing_loops(tmp_path, 6)).uncounted
    assert u.reason.startswith("Loop: its carried values change shape; following its 6 iterations one by one would infer its body more than "
                               "5 times (at most 2,048 per loop, 40 body nodes in all)"), u.reason  # fmt: skip


def test_weights_inside_the_body_and_outside_are_counted_once(tmp_path):
    """The body's own initializer (a 16x16 Q) and the graph's W, R: each once, whatever the steps."""
    extra = [node("MatMul", ["h2", "Q"], "hq")]
    body = helper.make_graph(_rnn_ops("h", "x", "h2") + extra + [node("Identity", ["cond_in"], "cond_out")], "step",
                             [vi("i", [], I64), vi("cond_in", [], B), vi("h", [1, H])], [vi("cond_out", [], B), vi("hq", [1, H])],
                             initializer=[init("Q", H, H)])  # fmt: skip
    nodes = [helper.make_node("Loop", ["M", "", "h0"], ["h_last"], name="loop", body=body)]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [1, IN]), ("h0", [1, H])], ["h_last"], _weights() + [init("M", dtype=np.int64, value=7)])))
    (loop,) = m.layers
    assert loop.cost == Cost(macs=7 * (STEP_MACS + H * H), other_ops=7 * STEP_OPS, weights=IN * H + 2 * H * H)
    assert cost.analyze(m).totals.params == 640


def test_a_condition_passed_on_through_identities_and_a_body_constant_of_several_values(tmp_path):
    """Round 64 (spox's loops): spox writes an Identity of every body output, so a condition passed on
    with op.identity is two copies of the body's input -- the Loop was uncounted ('the condition its body
    computes may stop it'); and a Constant node of more than one value in a body (a Reshape's shape,
    spox's weights) was an internal error (AttributeError in the body's counter)."""
    shape = helper.make_node("Constant", [], ["sq_shape"], name="k_shape", value=helper.make_tensor("s", I64, [2], [1, H]))
    body = helper.make_graph(_rnn_ops("h", "x", "h1") + [shape, node("Reshape", ["h1", "sq_shape"], "h2"),
                             node("Identity", ["cond_in"], "c1"), node("Identity", ["c1"], "cond_out")], "step",
                             [vi("i", [], I64), vi("cond_in", [], B), vi("h", [1, H])], [vi("cond_out", [], B), vi("h2", [1, H])])  # fmt: skip
    nodes = [helper.make_node("Loop", ["M", "cond", "h0"], ["h_last"], name="loop", body=body)]
    inits = _weights() + [init("M", dtype=np.int64, value=3), init("cond", dtype=np.bool_, value=True)]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [1, IN]), ("h0", [1, H])], ["h_last"], inits)))
    assert not m.uncounted
    (loop,) = m.layers
    assert loop.cost == Cost(macs=3 * STEP_MACS, other_ops=3 * STEP_OPS, weights=IN * H + H * H)


def test_an_uncounted_loop_holds_the_weights_of_its_body_as_params(tmp_path):
    """A Loop of unknown length whose body holds its own weight (a 16x16 Q initializer, and a 2x16
    Constant node): its params are those it reads from the graph (W, R) and those (polygraphy's
    sanitize moves a body's weights into its initializers: they were 0 params then)."""
    extra = [node("MatMul", ["h2", "Q"], "hq"), helper.make_node("Constant", [], ["P"], value=helper.make_tensor("p", 1, [2, H], [0.5] * 2 * H))]
    body = helper.make_graph(_rnn_ops("h", "x", "h2") + extra + [node("Identity", ["cond_in"], "cond_out")], "step",
                             [vi("i", [], I64), vi("cond_in", [], B), vi("h", [1, H])], [vi("cond_out", [], B), vi("hq", [1, H])],
                             initializer=[init("Q", H, H), init("one", value=1.0)])  # fmt: skip
    nodes = [helper.make_node("Loop", ["M", "", "h0"], ["h_last"], name="loop", body=body)]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [1, IN]), ("h0", [1, H]), ("M", vi("M", [], I64))], ["h_last"], _weights())))
    (u,) = m.uncounted
    assert u.op == "Loop" and u.params == IN * H + H * H + H * H + 2 * H == 672  # (the one-element 'one' is no weight)
    assert cost.analyze(m).totals.params == 672


def test_a_loop_in_a_loop_is_counted_inside_it(tmp_path):
    """Outer M = 3, inner M = 2, the inner body one RNN step: 6 steps in all."""
    inner = helper.make_graph(_rnn_ops("h", "x", "h2") + [node("Identity", ["cond_in"], "cond_out")], "inner",
                              [vi("i", [], I64), vi("cond_in", [], B), vi("h", [1, H])], [vi("cond_out", [], B), vi("h2", [1, H])])  # fmt: skip
    outer = helper.make_graph([helper.make_node("Loop", ["M2", "", "g"], ["g2"], name="in", body=inner), node("Identity", ["c"], "c2")], "outer",
                              [vi("j", [], I64), vi("c", [], B), vi("g", [1, H])], [vi("c2", [], B), vi("g2", [1, H])])  # fmt: skip
    nodes = [helper.make_node("Loop", ["M3", "", "h0"], ["h_last"], name="out", body=outer)]
    inits = _weights() + [init("M3", dtype=np.int64, value=3), init("M2", dtype=np.int64, value=2)]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [1, IN]), ("h0", [1, H])], ["h_last"], inits)))
    (loop,) = m.layers
    assert loop.cost == Cost(macs=6 * STEP_MACS, other_ops=6 * STEP_OPS, weights=384) and not m.uncounted
    assert loop.note == "a loop of 3 steps (trip count 'M3'), each the 2 ops of subgraph 'outer'"


def test_a_trip_count_from_shapes_is_folded(tmp_path):
    """torch.onnx's ``for i in range(x.size(0))``: M = Gather(Shape(x), 0), the body reading x[i]."""
    body = helper.make_graph([node("Gather", ["xs", "i"], "x_i", axis=0)] + _rnn_ops("h", "x_i", "h2") + [node("Identity", ["cond_in"], "cond_out")],
                             "step", [vi("i", [], I64), vi("cond_in", [], B), vi("h", [1, H])], [vi("cond_out", [], B), vi("h2", [1, H])])  # fmt: skip
    nodes = [node("Shape", ["xs"], "shape"), node("Gather", ["shape", "zero"], "n", axis=0),
             helper.make_node("Loop", ["n", "cond", "h0"], ["h_last"], name="loop", body=body)]  # fmt: skip
    inits = _weights() + [init("zero", dtype=np.int64, value=0), init("cond", dtype=np.bool_, value=True)]
    m = read_onnx(save(tmp_path, model(nodes, [("xs", [6, 1, IN]), ("h0", [1, H])], ["h_last"], inits)))
    loop = m.layers[-1]
    assert loop.cost.macs == 6 * STEP_MACS and not m.uncounted and loop.inputs == ("n", "h0", "xs") and loop.input_shape == (6, 1, IN)


def test_the_cli_counts_the_loop(tmp_path):
    path = loop_model(tmp_path)
    r = cli_run("analyze", str(path), "--format", "json", "--strict")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    (loop,) = [layer for layer in data["layers"] if layer["op"] == "Loop"]
    assert (loop["macs"], loop["params"], loop["other_ops"]) == (4 * STEP_MACS, 384, 4 * STEP_OPS) and data["uncounted"] == []
    assert data["totals"]["macs"] == 4 * STEP_MACS + H * H


def while_model(tmp_path, op="Less", start=0, limit=10, step=1, after=True, counter="carried", name="while.onnx"):
    """torch's ``while_loop`` as its dynamo exporter writes it: Loop("", cond0, k0, h0) whose body
    steps the counter k by a constant and compares it (after or before the step) with a
    constant limit; every iteration's h is a per-iteration output, so onnxruntime's output
    says how many runs there were."""
    var = ("k2" if after else "k") if counter == "carried" else "i"
    sides = [var, "limit"] if op in ("Less", "LessOrEqual") else ["limit", var]
    ops = [node("Add", ["k", "step"], "k2"), node(op, sides, "go")] + _rnn_ops("h", "x", "h2") + [node("Identity", ["h2"], "h_t")]
    body = helper.make_graph(ops, "while_body", [vi("i", [], I64), vi("cond_in", [], B), vi("k", [], I64), vi("h", [1, H])],
                             [vi("go", [], B), vi("k2", [], I64), vi("h2", [1, H]), vi("h_t", [1, H])])  # fmt: skip
    inits = _weights() + [init("k0", dtype=np.int64, value=start), init("step", dtype=np.int64, value=step), init("limit", dtype=np.int64, value=limit),
                          init("cond0", dtype=np.bool_, value=True)]  # fmt: skip
    nodes = [helper.make_node("Loop", ["", "cond0", "k0", "h0"], ["k_last", "h_last", "hs"], name="while", body=body)]
    return save(tmp_path, model(nodes, [("x", [1, IN]), ("h0", [1, H])], ["h_last", "hs"], inits), name)


@pytest.mark.parametrize(("op", "start", "limit", "step", "after", "counter"), [
    ("Less", 0, 10, 1, True, "carried"), ("Less", 0, 10, 1, False, "carried"), ("LessOrEqual", 2, 11, 3, True, "carried"),
    ("Greater", 1, 9, 2, False, "carried"), ("GreaterOrEqual", 0, 6, 2, True, "carried"), ("Less", 5, 3, 1, True, "carried"),
    ("Less", 0, 7, 1, False, "iteration"),
])  # fmt: skip
def test_a_loop_counted_by_its_condition_runs_as_onnxruntime_runs_it(tmp_path, op, start, limit, step, after, counter):
    """The condition compares a counter with a constant: how many times the body runs is known,
    and is what onnxruntime runs (the length of the per-iteration output)."""
    import onnxruntime as ort

    path = while_model(tmp_path, op, start, limit, step, after, counter)
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    runs = sess.run(None, {"x": np.ones((1, IN), np.float32), "h0": np.zeros((1, H), np.float32)})[1].shape[0]
    m = read_onnx(path)
    (loop,) = m.layers
    assert not m.uncounted and loop.cost == Cost(macs=runs * STEP_MACS, other_ops=runs * (STEP_OPS + 2), weights=384)
    assert f"a loop of {runs} steps (counter " in loop.note and loop.more_outputs == (H, runs * H)


@pytest.mark.parametrize(("step", "counted"), [(1, 10), (30001, None)])
def test_a_counter_that_would_pass_what_its_type_holds_stays_uncounted(tmp_path, step, counted):
    """An int16 counter from 0 by 30001 while < 32767 would stop after 2 runs by arithmetic, but
    wraps around to negative values in onnxruntime (and numpy) and runs on (48,175 times): not a
    count.  By 1 it stays in range: 10 runs, as onnxruntime runs them."""
    import onnx
    import onnxruntime as ort

    path = while_model(tmp_path, limit=32767 if step > 1 else 10, step=step)
    mp = onnx.load(str(path))
    body = mp.graph.node[0].attribute[0].g
    for v in (*body.input, *body.output):
        if v.name in ("k", "k2"):
            v.type.tensor_type.elem_type = TensorProto.INT16
    for t in mp.graph.initializer:
        if t.name in ("k0", "step", "limit"):
            t.CopyFrom(onnx.numpy_helper.from_array(onnx.numpy_helper.to_array(t).astype(np.int16), t.name))
    onnx.save(mp, str(path))
    k, runs = np.zeros(1, np.int16), 0  # (the loop as an int16 adder runs it: numpy's wrap-around, as onnxruntime's)
    while True:
        k, runs = k + np.int16(step), runs + 1
        if not k[0] < (32767 if step > 1 else 10):
            break
    try:  # (the oldest onnxruntime the ranges allow has no int16 Add: its run is checked where it has one)
        sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        assert sess.run(None, {"x": np.ones((1, IN), np.float32), "h0": np.zeros((1, H), np.float32)})[1].shape[0] == runs
    except ort.capi.onnxruntime_pybind11_state.NotImplemented:
        pass
    m = read_onnx(path)
    if counted:
        assert runs == counted and m.layers[0].cost.macs == runs * STEP_MACS and not m.uncounted
    else:
        assert runs == 48175 and not m.layers and m.uncounted[0].reason.startswith("Loop: its number of iterations depends on a run-time value")


def test_a_loop_whose_counter_moves_by_a_computed_step_stays_uncounted(tmp_path):
    path = while_model(tmp_path)
    import onnx

    mp = onnx.load(str(path))
    body = mp.graph.node[0].attribute[0].g
    body.node[0].input[1] = "i"  # k2 = k + i: not a constant step
    onnx.save(mp, str(path))
    (u,) = read_onnx(path).uncounted
    assert u.reason.startswith("Loop: its number of iterations depends on a run-time value: the condition its body computes ('go') may stop it before any count known")


def test_torch_script_loop_all_of_whose_inputs_are_constants(tmp_path):
    """torch.onnx's TorchScript exporter: Loop(Constant M, Constant true, Constant zeros h0), the
    body reading x and the weights by name and returning an Identity of the outer true.  Its
    inputs all constants, it is still a layer on the data it reads (before, its weights were lost)."""
    body = helper.make_graph(_rnn_ops("h", "x", "h2") + [node("Identity", ["true"], "cond_out")], "sub_graph",
                             [vi("i", [], I64), vi("cond_in", [], B), vi("h", [1, H])], [vi("cond_out", [], B), vi("h2", [1, H])])  # fmt: skip
    consts = [helper.make_node("Constant", [], ["M"], name="m", value=helper.make_tensor("m", I64, [], [3])),
              helper.make_node("Constant", [], ["true"], name="t", value=helper.make_tensor("t", B, [], [True])),
              helper.make_node("Constant", [], ["h0"], name="z", value=helper.make_tensor("z", TensorProto.FLOAT, [1, H], [0.0] * H))]  # fmt: skip
    nodes = consts + [helper.make_node("Loop", ["M", "true", "h0"], ["h_last"], name="loop", body=body), node("Relu", ["h_last"], "y")]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [1, IN])], ["y"], _weights())))
    loop, relu = (layer for layer in m.layers if layer.op in ("Loop", "Relu"))
    assert loop.cost == Cost(macs=3 * STEP_MACS, other_ops=3 * STEP_OPS, weights=384) and loop.inputs == ("x",) and not m.uncounted
    assert relu.output_shape == (1, H) and relu.inputs == ("loop",)


def test_a_body_node_of_unknown_shape_leaves_the_loop_uncounted_naming_it(tmp_path):
    """The body reads a tensor of the graph whose shape is the data's (NonZero's)."""
    body = helper.make_graph([node("MatMul", ["nzf", "R"], "hr"), node("Identity", ["cond_in"], "cond_out")], "step",
                             [vi("i", [], I64), vi("cond_in", [], B), vi("h", [1, H])], [vi("cond_out", [], B), vi("h", [1, H])])  # fmt: skip
    nodes = [node("NonZero", ["x"], "nz"), node("Cast", ["nz"], "nzf", to=TensorProto.FLOAT),
             helper.make_node("Loop", ["M", "", "h0"], ["h_last"], name="loop", body=body)]  # fmt: skip
    inits = _weights() + [init("M", dtype=np.int64, value=2)]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [1, H]), ("h0", [1, H])], ["h_last"], inits)))
    (u,) = m.uncounted
    assert u.reason.startswith("Loop: body node 'hr' (MatMul) not counted: unknown shape of input 0 ('nzf')") and u.params == H * H


def test_a_body_name_that_is_not_utf8_leaves_the_loop_uncounted_not_crashed(tmp_path):
    """(Found by the fuzzer: a mutated body input name reached onnx.helper as bytes.)"""
    p = scan_rnn(tmp_path)
    data = p.read_bytes()
    assert data.count(b"x_t") >= 2
    p.write_bytes(data.replace(b"x_t", b"x\xe9t"))  # the same length: the file stays well-formed protobuf
    m = read_onnx(p)
    assert [(u.name, u.op) for u in m.uncounted] == [("rnn", "Scan")]
    assert m.uncounted[0].reason.startswith("Scan: a name of its body is not valid UTF-8 (b'x\\xe9t')")
    assert m.uncounted[0].params == IN * H + H * H  # the weights it reads are still counted
    p.write_bytes(data.replace(b"cell", b"c\xffll"))  # the body's own name
    assert read_onnx(p).uncounted[0].reason.startswith("Scan: a name of its body is not valid UTF-8 (b'c\\xffll')")


def tf2onnx_while(tmp_path, limit=5.0, op="Less", max_iter=None, to=TensorProto.FLOAT, name="tfwhile.onnx", carried_limit=False):
    """TensorFlow's ``while_loop`` as tf2onnx writes it: the counter (int32) stepped by 1 and
    compared after its step through a Cast with a float limit; with ``maximum_iterations`` a
    trip count M and an ``And`` with the iteration number's own Cast compare; the weight W is a
    carried value the body passes on unchanged, not a name it reads.  ``carried_limit``: the
    limit is carried the same way, an int32 the body casts (Keras' RNN loop)."""
    f = TensorProto.FLOAT
    ops = [node("Add", ["k", "one"], "k2"), node("Cast", ["k2"], "k2f", to=to),
           node(op, ["k2f", "lim_f" if carried_limit else "limit"], "go_k" if max_iter else "go"),
           node("MatMul", ["h", "w_in"], "h2"), node("Identity", ["h2"], "h_t")]  # fmt: skip
    if max_iter:
        ops += [node("Cast", ["i"], "i_f", to=f), node("Less", ["i_f", "max_f"], "go_i"), node("And", ["go_i", "go_k"], "go")]
    more_in, more_out, more_init, more_loop = [], [], [], []
    if carried_limit:
        ops.insert(0, node("Cast", ["lim"], "lim_f", to=to))
        more_in, more_out = [vi("lim", [], TensorProto.INT32)], [vi("lim", [], TensorProto.INT32)]
        more_init, more_loop = [init("L", dtype=np.int32, value=int(limit))], ["L"]
    body = helper.make_graph(ops, "while_body", [vi("i", [], I64), vi("cond_in", [], B), vi("k", [], TensorProto.INT32), vi("h", [1, H]), vi("w_in", [H, H])] + more_in,
                             [vi("go", [], B), vi("k2", [], TensorProto.INT32), vi("h2", [1, H]), vi("w_in", [H, H])] + more_out + [vi("h_t", [1, H])],
                             [init("one", dtype=np.int32, value=1), init("limit", dtype=np.float16 if to == TensorProto.FLOAT16 else np.float32, value=limit),
                              init("max_f", value=float(max_iter or 0))])  # fmt: skip
    inits = [init("W", H, H), init("k0", dtype=np.int32, value=0), init("cond0", dtype=np.bool_, value=True)] + more_init
    if max_iter:
        inits.append(init("M", dtype=np.int64, value=max_iter))
    outs = ["k_last", "h_last", "w_last"] + ["l_last"] * bool(carried_limit) + ["hs"]
    nodes = [helper.make_node("Loop", ["M" if max_iter else "", "cond0", "k0", "h0", "W"] + more_loop, outs, name="while", body=body)]
    return save(tmp_path, model(nodes, [("h0", [1, H])], ["h_last", "hs"], inits), name)


@pytest.mark.parametrize(("limit", "op", "max_iter", "expected", "counter"), [
    (5.0, "Less", None, 5, "k"), (4.5, "Less", None, 5, "k"), (5.0, "LessOrEqual", None, 6, "k"), (4.5, "LessOrEqual", None, 5, "k"),
    (12.0, "Less", 3, 3, "i"), (3.0, "Less", 7, 3, "k"),
])  # fmt: skip
def test_a_tf2onnx_while_loop_is_counted_as_onnxruntime_runs_it(tmp_path, limit, op, max_iter, expected, counter):
    """k2 = k + 1 < 4.5 (float) holds for k2 = 1..4: 5 runs; k2 <= 4.5 the same; with
    maximum_iterations 3 the trip count and the iteration number's compare stop it at 3."""
    import onnxruntime as ort

    path = tf2onnx_while(tmp_path, limit, op, max_iter)
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    runs = sess.run(None, {"h0": np.ones((1, H), np.float32)})[1].shape[0]
    assert runs == expected
    m = read_onnx(path)
    (loop,) = m.layers
    assert not m.uncounted
    assert (loop.cost.macs, loop.cost.weights, loop.cost.params) == (runs * H * H, H * H, H * H)  # W, carried through, counted once
    assert loop.note.startswith(f"a loop of {runs} steps (counter {counter!r} from 0 by 1 while ")


def test_a_limit_carried_through_the_loop_is_known(tmp_path):
    """Keras' RNN loop as tf2onnx writes it: the number of steps enters as a carried int32 that
    the body passes on and casts to compare: 7 steps, as onnxruntime runs them."""
    import onnxruntime as ort

    path = tf2onnx_while(tmp_path, limit=7, carried_limit=True)
    runs = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"h0": np.ones((1, H), np.float32)})[1].shape[0]
    (loop,) = read_onnx(path).layers
    assert runs == 7 and loop.cost.macs == 7 * H * H and loop.note.startswith("a loop of 7 steps (counter 'k' from 0 by 1 while Less 7)")


def test_a_counter_cast_to_a_type_that_cannot_hold_the_limit_stays_uncounted(tmp_path):
    """float16 holds the integers exactly only up to 2048: the comparison may not be the count's."""
    (u,) = read_onnx(tf2onnx_while(tmp_path, limit=5000.0, to=TensorProto.FLOAT16)).uncounted
    assert u.op == "Loop" and "the condition its body computes ('go') may stop it" in u.reason and u.params == H * H


def test_a_while_loop_whose_limit_is_a_graph_input_says_to_give_it(tmp_path):
    """Loops round: Keras' RNN loop whose limit is a graph input L (int32): uncounted, the reason
    naming --input-value L=N; given, 5 steps of h W (16 x 16)."""
    import onnx

    path = tf2onnx_while(tmp_path, carried_limit=True)
    mp = onnx.load(str(path))
    del mp.graph.initializer[[t.name for t in mp.graph.initializer].index("L")]
    mp.graph.input.append(vi("L", [], TensorProto.INT32))
    onnx.save(mp, str(path))
    (u,) = read_onnx(path).uncounted
    assert "may stop it before any count known (it reads the one-element graph input 'L': if that is its limit, give its value with --input-value L=N)" in u.reason
    m = read_onnx(path, input_values={"L": 5})
    assert not m.uncounted and m.layers[0].cost.macs == 5 * H * H


def test_a_trip_count_given_with_input_value(tmp_path):
    """The trip count is a graph input: --input-value M=6 (the API's input_values) runs it 6
    times, in the reader, the CLI and the JSON's note, and the MatMul after it is counted too."""
    path = loop_model(tmp_path, m_value=None)
    m = read_onnx(path, input_values={"M": 6})
    loop, after = m.layers
    assert not m.uncounted and loop.cost.macs == 6 * STEP_MACS and loop.note.startswith("a loop of 6 steps (trip count 'M')")
    assert after.cost.macs == H * H and m.input_values == {"M": 6}
    r = cli_run("analyze", str(path), "--input-value", "M=3", "-f", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["totals"]["macs"] == 3 * STEP_MACS + H * H and not d["uncounted"]


def test_a_scan_without_num_scan_inputs_is_an_input_error(tmp_path):
    """onnx 1.17's shape inference crashes the process (a segfault) on such a Scan, nested or
    not: it is refused first, by name (found by the fuzzer in CI's oldest-dependencies run)."""
    from dscost.errors import InputError
    import onnx

    path = scan_rnn(tmp_path)
    mp = onnx.load(str(path))
    scan = mp.graph.node[0]
    keep = [a for a in scan.attribute if a.name != "num_scan_inputs"]
    del scan.attribute[:]
    scan.attribute.extend(keep)
    onnx.save(mp, str(path))
    with pytest.raises(InputError, match=r"Scan node 'rnn' has no integer num_scan_inputs attribute \(ONNX requires one\)"):
        read_onnx(path)
    outer = helper.make_graph([helper.make_node("Loop", ["M", "", "h0"], ["h_last"], name="outer", body=helper.make_graph(
        [helper.make_node("Identity", ["h"], ["h2"])] + [scan], "loop_body", [vi("i", [], I64), vi("c", [], B), vi("h", [1, H])], [vi("c", [], B), vi("h2", [1, H])]))],
        "g", [vi("h0", [1, H]), vi("x", [T, 1, IN])], [helper.make_empty_tensor_value_info("h_last")], [init("M", dtype=np.int64, value=2)] + _weights())  # fmt: skip
    p2 = save(tmp_path, helper.make_model(outer, opset_imports=[helper.make_opsetid("", 17)]), "nested.onnx")
    with pytest.raises(InputError, match="Scan node 'rnn' has no integer num_scan_inputs"):  # nested in a Loop's body
        read_onnx(p2)


def sliced_loop(tmp_path, counter: str = "iteration", grow: bool = False):
    """An RNN over the T steps of the graph's xs (T, 1, 8), each run slicing its step out with the
    loop's counter, ``xs[k:k+1]`` (``xs[0:k+1]`` summed when ``grow``), as tf2onnx writes
    ``x[i]``: the iteration number of a Loop of trip count T, or (``counter="carried"``) a
    counter j the body steps by 1 and compares with T, TensorFlow's ``while_loop`` (no trip count)."""
    carried = counter == "carried"
    k = "j" if carried else "i"
    ops = [node("Unsqueeze", [k, "axis0"], "k1"), node("Add", [k, "one"], "k_next"), node("Unsqueeze", ["k_next", "axis0"], "k2"),
           node("Slice", ["xs", "zero1" if grow else "k1", "k2", "axis0"], "piece")]  # fmt: skip
    ops += [node("ReduceSum", ["piece", "axis0"], "x_t", keepdims=0)] if grow else [node("Squeeze", ["piece", "axis0"], "x_t")]
    ops += _rnn_ops("h", "x_t", "h2")
    ops += [node("Less", ["k_next", "steps"], "cond_out")] if carried else [node("Identity", ["cond_in"], "cond_out")]
    consts = [init("axis0", 1, dtype=np.int64, value=[0]), init("zero1", 1, dtype=np.int64, value=[0]), init("one", dtype=np.int64, value=1),
              init("steps", dtype=np.int64, value=T)]  # fmt: skip
    body_in = [vi("i", [], I64), vi("cond_in", [], B), vi("h", [1, H])] + ([vi("j", [], I64)] if carried else [])
    body_out = [vi("cond_out", [], B), vi("h2", [1, H])] + ([vi("k_next", [], I64)] if carried else [])
    body = helper.make_graph(ops, "step", body_in, body_out, initializer=consts)
    inits = _weights() + [init("cond", dtype=np.bool_, value=True), init("M", dtype=np.int64, value=T), init("j0", dtype=np.int64, value=0)]
    loop_in = ["", "cond", "h0", "j0"] if carried else ["M", "cond", "h0"]
    nodes = [helper.make_node("Loop", loop_in, ["h_last"] + (["j_last"] if carried else []), name="loop", body=body)]
    return save(tmp_path, model(nodes, [("xs", [T, 1, IN]), ("h0", [1, H])], ["h_last"], inits), f"sliced_{counter}_{grow}.onnx")


@pytest.mark.parametrize("counter", ["iteration", "carried"])
def test_a_body_slicing_its_step_with_the_counter_is_counted(tmp_path, counter):
    """Without the counter's value the slice's shape is open; with it, at the first, second and
    last runs, the shapes agree, so every run costs the same: T x (8x16 + 16x16) = 1,920 MACs,
    W and R once (384 weights)."""
    path = sliced_loop(tmp_path, counter)
    m = read_onnx(path)
    assert not m.uncounted
    (loop,) = m.layers
    assert loop.cost.macs == T * STEP_MACS == 1920 and loop.cost.weights == IN * H + H * H
    how = "trip count 'M'" if counter == "iteration" else "counter 'j' from 0 by 1 while Less 5"
    assert loop.note == f"a loop of {T} steps ({how}), each the 10 ops of subgraph 'step'"
    import onnxruntime as ort  # (the graph runs: T steps, one (1, 8) slice each)

    (h,) = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(
        ["h_last"], {"xs": np.ones((T, 1, IN), np.float32), "h0": np.zeros((1, H), np.float32)})
    assert h.shape == (1, H)


def test_a_body_whose_shapes_grow_with_the_counter_is_counted_at_each_iteration(tmp_path):
    """xs[0:k+1] summed at iteration k: the ReduceSum reads (k + 1) x 8 values, 8 x (1 + ... + 5)
    = 120 in all, beside the 165 other ops of the steps that do not change (it had been left
    uncounted: the shapes at the first, second and last runs differed)."""
    m = read_onnx(sliced_loop(tmp_path, grow=True))
    (loop,) = m.layers
    assert not m.uncounted and loop.cost.macs == T * STEP_MACS and loop.cost.other_ops == 165 + IN * (1 + 2 + 3 + 4 + 5)
    assert loop.note.endswith("; its body changes with its counter: inferred at each of its 5 iterations, each counted as it runs")


def _bulging_loop(tmp_path, n: int = 8):
    """Red team 6: a Loop of n runs whose body multiplies xs[0 : i (i - 1) (n - 1 - i) + 1] (64 x 8)
    by W (8 x 16): one row at the first, second and last runs, up to 41 rows between."""
    ops = [node("Sub", ["i", "one"], "im1"), node("Sub", ["nm1", "i"], "r"), node("Mul", ["i", "im1"], "a0"), node("Mul", ["a0", "r"], "a1"),
           node("Add", ["a1", "one"], "end"), node("Unsqueeze", ["end", "ax0"], "end1"), node("Slice", ["xs", "zero1", "end1", "ax0"], "piece"),
           node("MatMul", ["piece", "W"], "pw"), node("ReduceSum", ["pw"], "s", keepdims=1), node("Reshape", ["s", "shp"], "s2"),
           node("Add", ["h", "s2"], "h2"), node("Identity", ["cond_in"], "cond_out")]  # fmt: skip
    consts = [init("one", dtype=np.int64, value=1), init("nm1", dtype=np.int64, value=n - 1), init("ax0", 1, dtype=np.int64, value=[0]),
              init("zero1", 1, dtype=np.int64, value=[0]), init("shp", 2, dtype=np.int64, value=[1, 1])]  # fmt: skip
    body = helper.make_graph(ops, "b", [vi("i", [], I64), vi("cond_in", [], B), vi("h", [1, 1])], [vi("cond_out", [], B), vi("h2", [1, 1])], initializer=consts)
    nodes = [helper.make_node("Loop", ["M", "", "h0"], ["h_last"], name="loop", body=body)]
    return save(tmp_path, model(nodes, [("xs", [64, 8]), ("h0", [1, 1])], ["h_last"], [init("M", dtype=np.int64, value=n), init("W", 8, H)]), "bulge.onnx")


def _counted_loops(tmp_path, n: int = 4, plus: int = 1):
    """Red team 6 and the loops round: a Loop of n runs whose body runs an inner Loop of
    ``i + plus`` steps (Python's ``for j in range(i + 1)``), one h R (1x16 . 16x16) each."""
    inner = helper.make_graph([node("MatMul", ["h", "R"], "h2"), node("Identity", ["c"], "c2")], "inner",
                              [vi("j", [], I64), vi("c", [], B), vi("h", [1, H])], [vi("c2", [], B), vi("h2", [1, H])])  # fmt: skip
    ops = [node("Add", ["i", "plus"], "trip"), helper.make_node("Loop", ["trip", "", "g"], ["g2"], name="in", body=inner), node("Identity", ["cond_in"], "cond_out")]
    body = helper.make_graph(ops, "outer", [vi("i", [], I64), vi("cond_in", [], B), vi("g", [1, H])], [vi("cond_out", [], B), vi("g2", [1, H])],
                             initializer=[init("plus", dtype=np.int64, value=plus)])  # fmt: skip
    nodes = [helper.make_node("Loop", ["M", "", "h0"], ["h_last"], name="out", body=body)]
    return save(tmp_path, model(nodes, [("h0", [1, H])], ["h_last"], [init("M", dtype=np.int64, value=n), init("R", H, H)]), f"nested_{plus}.onnx")


def test_a_body_that_changes_with_its_counter_between_the_runs_sampled_is_counted_at_every_run(tmp_path):
    """Red team 6: shapes equal at the first, second and last runs had stood for every run.
    Rows 1, 1, 11, 25, 37, 41, 31, 1 (148 in all) x 8 x 16 = 18,944 MACs (had been 8 x 128 = 1,024);
    onnxruntime runs the graph."""
    import onnxruntime as ort

    path = _bulging_loop(tmp_path)
    m = read_onnx(path)
    (loop,) = m.layers
    assert not m.uncounted and loop.cost.macs == 148 * 8 * H == 18_944
    (h,) = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"xs": np.ones((64, 8), np.float32), "h0": np.zeros((1, 1), np.float32)})
    assert h.shape == (1, 1)


def test_a_shape_open_for_another_reason_is_not_followed_iteration_by_iteration(tmp_path):
    """A MatMul of a NonZero's rows in a body of 3,000 runs: its shape is open whatever the
    counter, so the body is not inferred at each run (which would stop at 2,048 and hide the
    reason); the reason names the MatMul."""
    extra = [node("NonZero", ["x"], "nz"), node("Cast", ["nz"], "nzf", to=TensorProto.FLOAT), node("MatMul", ["nzf", "nzf"], "mm", name="data_mm")]
    (u,) = read_onnx(loop_model(tmp_path, m_value=3000, extra_body=extra)).uncounted
    assert u.reason.startswith("Loop: body node 'data_mm' (MatMul) not counted: unknown shape of input 0 ('nzf')"), u.reason


@pytest.mark.parametrize(("plus", "inner_steps"), [(1, 1 + 2 + 3 + 4), (0, 0 + 1 + 2 + 3)])
def test_an_inner_loop_whose_trip_count_is_the_outer_counter_is_counted_at_each_run(tmp_path, plus, inner_steps):
    """``for i in range(4): for j in range(i + 1)``: 10 inner steps of 256 MACs, 2,560 (had been 4 x 256,
    the first run's count; ``range(i)``: 6 steps, had been 0)."""
    import onnxruntime as ort

    path = _counted_loops(tmp_path, plus=plus)
    m = read_onnx(path)
    (loop,) = m.layers
    assert not m.uncounted and loop.cost.macs == inner_steps * H * H and loop.cost.weights == H * H
    (h,) = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"h0": np.zeros((1, H), np.float32)})
    assert h.shape == (1, H)


def test_a_loop_body_without_outputs_is_uncounted_not_a_crash(tmp_path):
    """Found by the fuzzer (seed 1504): a body that declares no outputs crashed the step count (IndexError)."""
    path = loop_model(tmp_path)
    import onnx

    mp = onnx.load(str(path))
    del next(a for a in mp.graph.node[0].attribute if a.name == "body").g.output[:]
    onnx.save(mp, str(path))
    u = next(u for u in read_onnx(path).uncounted if u.op == "Loop")
    assert u.reason.startswith("Loop: its body has no outputs (ONNX requires its condition first)")


@pytest.mark.parametrize("castlike", [False, True])
def test_a_while_loop_whose_counter_steps_by_a_castlike_of_one_is_counted(tmp_path, castlike):
    """onnxscript writes a counter's step as Add(i, CastLike(1, i)) (torch's dynamo exporter's
    aten::embedding_bag, the fourteenth round): CastLike of a known value folds to that value in
    i's type, so the Loop (i from 0 by 1 while i + 1 < 8) counts its 8 runs of a 16x16 MatMul, as
    with a plain Add(i, 1)."""
    step = [node("CastLike", ["one", "i_in"], "one_c"), node("Add", ["i_in", "one_c"], "i_out")] if castlike else [node("Add", ["i_in", "one"], "i_out")]
    body = helper.make_graph(step + [node("Less", ["i_out", "N"], "cond_out"), node("MatMul", ["x_in", "W"], "x_out")], "body",
                             [vi("iter", [], TensorProto.INT64), vi("cond_in", [], TensorProto.BOOL), vi("i_in", [], TensorProto.INT64), vi("x_in", [1, 16])],
                             [vi("cond_out", [], TensorProto.BOOL), vi("i_out", [], TensorProto.INT64), vi("x_out", [1, 16])])  # fmt: skip
    inits = [init("W", 16, 16, value=np.ones(256)), init("one", dtype=np.int64, value=1), init("N", dtype=np.int64, value=8),
             init("cond0", dtype=np.bool_, value=True), init("i0", dtype=np.int64, value=0)]  # fmt: skip
    loop = helper.make_node("Loop", ["", "cond0", "i0", "x"], ["i_final", "y"], name="loop", body=body)
    m = read_onnx(save(tmp_path, model([loop], [("x", [1, 16])], ["y"], inits)))
    assert m.uncounted == []
    assert [(layer.name, layer.cost.macs, layer.cost.weights) for layer in m.layers] == [("loop", 8 * 16 * 16, 256)]
