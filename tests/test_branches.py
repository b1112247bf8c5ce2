"""--input-value NAME=V: an If whose condition is known counts the branch that runs (optimum's
merged decoders: one If on the graph input use_cache_branch), in the reader, the CLI (analyze,
check, diff, bench), the Python API and budget files; an If on a constant is resolved alone."""

from __future__ import annotations

import json

import numpy as np
import pytest
from onnx import TensorProto, helper

from conftest import cli_run, run_cli
from dscost.errors import InputError
from dscost.readers.onnx_reader import read_onnx
from dscost.runtime import feeds_for
from onnx_models import init, model, node, save, vi

X = [1, 4, 8, 8]
THEN_MACS = 3 * 3 * 4 * 8 * 8 * 8  # 3x3 conv 4 -> 8 on 8x8: Dk^2 M N DF^2 = 18,432
ELSE_MACS = 4 * 8 * 8 * 8  # 1x1 conv 4 -> 8: M N DF^2 = 2,048


def branchy(tmp_path, cond_node=None, name="m.onnx", more_inputs=(), x_shape=X):
    """x -> If(flag) -> y -> Relu -> "t".  then: Relu(x) -> "t" (a name the outer graph uses too)
    -> 3x3 conv; else: 1x1 conv.  Both convs' weights are outer initializers.  ``cond_node``: the
    node (or nodes) making the flag, from ``more_inputs`` too; without it the flag is an input."""
    then_g = helper.make_graph([node("Relu", ["x"], "t", name="then_relu"), node("Conv", ["t", "W3"], "y_then", name="then_conv", pads=[1, 1, 1, 1])],
                               "then", [], [helper.make_empty_tensor_value_info("y_then")])  # fmt: skip
    else_g = helper.make_graph([node("Conv", ["x", "W1"], "y_else", name="else_conv")], "else", [], [helper.make_empty_tensor_value_info("y_else")])
    nodes = (list(cond_node) if isinstance(cond_node, (list, tuple)) else [cond_node] if cond_node is not None else []) + [
        helper.make_node("If", ["flag"], ["y"], name="branch", then_branch=then_g, else_branch=else_g),
        node("Relu", ["y"], "t", name="after"),
    ]
    inputs = [("x", x_shape)] + ([] if cond_node is not None else [("flag", vi("flag", [1], TensorProto.BOOL))]) + list(more_inputs)
    return save(tmp_path, model(nodes, inputs, ["t"], [init("W3", 8, 4, 3, 3), init("W1", 8, 4, 1, 1)]), name)


def total(m, key="macs"):
    return sum(getattr(layer.cost, key) for layer in m.layers)


def test_the_branch_given_is_counted(tmp_path):
    path = branchy(tmp_path)
    m = read_onnx(path)  # not given: uncounted, with how to give it
    assert [u.op for u in m.uncounted] == ["If"] and total(m) == 0
    assert "--input-value flag=0 or 1" in m.uncounted[0].reason
    m = read_onnx(path, input_values={"flag": 1})
    assert not m.uncounted and total(m) == THEN_MACS and total(m, "params") == 3 * 3 * 4 * 8
    assert [layer.name for layer in m.layers] == ["then_relu", "then_conv", "after"]
    assert m.layers[-1].output_shape == (1, 8, 8, 8) and m.layers[-1].inputs == ("then_conv",)
    assert m.layers[0].outputs != ("t",)  # the branch's "t" is renamed: the graph's own "t" is the Relu after
    assert any("runs its then_branch, counted (2 nodes); the else_branch (1 nodes) is not" in n for n in m.notes)
    assert m.input_values == {"flag": 1}
    m = read_onnx(path, input_values={"flag": 0})
    assert not m.uncounted and total(m) == ELSE_MACS and total(m, "params") == 4 * 8


def test_onnxruntime_runs_the_branch_counted(tmp_path):
    import onnxruntime as ort

    path = branchy(tmp_path)
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    for flag in (0, 1):
        m = read_onnx(path, input_values={"flag": flag})
        feeds = feeds_for(m.inputs, values=m.input_values)
        assert feeds["flag"].dtype == np.bool_ and feeds["flag"].tolist() == [bool(flag)]
        (out,) = sess.run(None, feeds)
        assert tuple(out.shape) == m.layers[-1].output_shape


def test_a_constant_condition_needs_no_value(tmp_path):
    const = helper.make_node("Constant", [], ["flag"], name="c", value=helper.make_tensor("v", TensorProto.BOOL, [1], [False]))
    m = read_onnx(branchy(tmp_path, const))
    assert not m.uncounted and total(m) == ELSE_MACS
    assert any("flag=0 (a constant) runs its else_branch" in n for n in m.notes)


RATE = [helper.make_node("Constant", [], ["k16"], name="k16", value=helper.make_tensor("v", TensorProto.INT64, [], [16000])),
        node("Equal", ["rate", "k16"], "flag", name="is_16k")]  # the If of Silero VAD's ONNX file: one model per sample rate


def test_a_condition_computed_from_a_given_input_is_evaluated(tmp_path):
    """flag = (rate == 16000), rate a scalar graph input: onnx's reference evaluator computes the
    condition from --input-value rate=...; without a value a note says which input to give."""
    path = branchy(tmp_path, RATE, more_inputs=[("rate", vi("rate", [], TensorProto.INT64))])
    m = read_onnx(path)
    assert [u.op for u in m.uncounted] == ["If"] and total(m) == 0
    assert any(n.startswith("which branch of an If runs is computed from the graph input(s) 'rate': give a value (--input-value rate=N)") for n in m.notes)
    m = read_onnx(path, input_values={"rate": 16000})
    assert not m.uncounted and total(m) == THEN_MACS
    assert any("If 'branch': flag=1 (computed from given values) runs its then_branch" in n for n in m.notes)
    m = read_onnx(path, input_values={"rate": 8000})
    assert not m.uncounted and total(m) == ELSE_MACS
    ort = pytest.importorskip("onnxruntime")
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = sess.run(None, feeds_for(m.inputs, values=m.input_values))
    assert tuple(out.shape) == m.layers[-1].output_shape


def test_a_condition_on_a_tensor_shape_is_folded_once_shapes_are_inferred(tmp_path):
    """flag = (Shape(Relu(x))[0] == 1), x [batch, 4, 8, 8] (Silero VAD's Ifs on its batch size):
    the shape comes from inference, not from a given value, so no input value is asked for; the
    batch set to 1 runs the then-branch, a batch of 2 the else-branch."""
    cond = [node("Relu", ["x"], "r", name="probe_relu"), node("Shape", ["r"], "s", name="shape"),
            helper.make_node("Constant", [], ["zero"], name="zero", value=helper.make_tensor("v", TensorProto.INT64, [], [0])),
            node("Gather", ["s", "zero"], "b", name="batch_of", axis=0),
            helper.make_node("Constant", [], ["one"], name="one", value=helper.make_tensor("v", TensorProto.INT64, [], [1])),
            node("Equal", ["b", "one"], "flag", name="is_one")]  # fmt: skip
    path = branchy(tmp_path, cond, x_shape=["batch", 4, 8, 8])
    m = read_onnx(path)
    assert not m.uncounted and total(m) == THEN_MACS
    assert any("If 'branch': flag=1 (computed from tensor shapes) runs its then_branch" in n for n in m.notes)
    assert not any(n.startswith("which branch of an If") for n in m.notes)
    m = read_onnx(path, input_shapes={"x": (2, 4, 8, 8)})
    assert not m.uncounted and total(m) == 2 * ELSE_MACS
    assert any("If 'branch': flag=0 (computed from tensor shapes) runs its else_branch" in n for n in m.notes)


def test_a_condition_on_the_data_of_an_input_is_left_to_run_time(tmp_path):
    """flag = ReduceMean(x) >= 0.5 (openWakeWord's hey_jarvis runs a second classifier when the
    first one's score passes a threshold): decided by data at run time, so the If stays
    uncounted, and the note does not ask for an --input-value that x (a float tensor) cannot take."""
    cond = [node("ReduceMean", ["x"], "m", name="score", keepdims=0),
            helper.make_node("Constant", [], ["half"], name="half", value=helper.make_tensor("v", TensorProto.FLOAT, [], [0.5])),
            node("GreaterOrEqual", ["m", "half"], "flag", name="fires")]  # fmt: skip
    m = read_onnx(branchy(tmp_path, cond))
    assert [u.op for u in m.uncounted] == ["If"]
    assert m.uncounted[0].reason.startswith("If: which branch runs is decided at run time (its condition 'flag' is not a constant of the graph); subgraph not counted")
    assert "which branch of an If runs is computed from the data of graph input(s) 'x': it is decided at run time (a cascade, a threshold), so the If stays uncounted" in m.notes
    assert not any("--input-value" in n for n in m.notes)


def test_a_condition_computed_from_constants_needs_no_value(tmp_path):
    cond = [helper.make_node("Constant", [], ["off"], name="off", value=helper.make_tensor("v", TensorProto.BOOL, [1], [False])),
            node("Not", ["off"], "flag", name="on")]  # fmt: skip
    m = read_onnx(branchy(tmp_path, cond))
    assert not m.uncounted and total(m) == THEN_MACS
    assert any("If 'branch': flag=1 (a constant) runs its then_branch" in n for n in m.notes)


def test_a_condition_of_too_many_nodes_is_left_to_run_time(tmp_path):
    """More than FOLD_NODES nodes between the values and the condition: not evaluated (bounded work)."""
    chain = [helper.make_node("Constant", [], ["c0"], name="c0", value=helper.make_tensor("v", TensorProto.BOOL, [1], [False]))]
    chain += [node("Not", [f"c{i}"], f"c{i + 1}", name=f"not{i}") for i in range(70)] + [node("Identity", ["c70"], "flag", name="id")]
    m = read_onnx(branchy(tmp_path, chain))
    assert [u.op for u in m.uncounted] == ["If"]


def test_a_condition_that_would_build_a_big_tensor_is_not_evaluated(tmp_path):
    """ConstantOfShape of 10^9 elements, then a sum: each node's output is bounded before it runs
    (onnx_eval.fold_bound), so no 4 GB tensor is made and the If is left to run time."""
    chain = [helper.make_node("Constant", [], ["n"], name="n", value=helper.make_tensor("v", TensorProto.INT64, [1], [10**9])),
             helper.make_node("ConstantOfShape", ["n"], ["big"], name="fill", value=helper.make_tensor("z", TensorProto.FLOAT, [1], [1.0])),
             node("ReduceSum", ["big"], "total", name="sum", keepdims=0),
             helper.make_node("Constant", [], ["zero"], name="zero", value=helper.make_tensor("v", TensorProto.FLOAT, [], [0.0])),
             node("Greater", ["total", "zero"], "flag", name="positive")]  # fmt: skip
    m = read_onnx(branchy(tmp_path, chain))
    assert [u.op for u in m.uncounted] == ["If"]


def test_nested_ifs_and_outer_tensors_as_outputs(tmp_path):
    """then: an inner If on the same flag whose then-branch returns the outer x itself (an
    Identity after inlining); the inner If reaches the top level and is resolved next."""
    inner_then = helper.make_graph([], "it", [], [helper.make_empty_tensor_value_info("x")])
    inner_else = helper.make_graph([node("Relu", ["x"], "r")], "ie", [], [helper.make_empty_tensor_value_info("r")])
    outer_then = helper.make_graph([helper.make_node("If", ["flag"], ["z"], name="inner", then_branch=inner_then, else_branch=inner_else)],
                                   "ot", [], [helper.make_empty_tensor_value_info("z")])  # fmt: skip
    outer_else = helper.make_graph([node("Conv", ["x", "W1"], "c")], "oe", [], [helper.make_empty_tensor_value_info("c")])
    nodes = [helper.make_node("If", ["flag"], ["y"], name="outer", then_branch=outer_then, else_branch=outer_else), node("Relu", ["y"], "out")]
    path = save(tmp_path, model(nodes, [("x", X), ("flag", vi("flag", [1], TensorProto.BOOL))], ["out"], [init("W1", 8, 4, 1, 1)]))
    m = read_onnx(path, input_values={"flag": 1})
    assert not m.uncounted and [layer.op for layer in m.layers] == ["Identity", "Relu"]
    assert m.layers[-1].output_shape == tuple(X)
    assert sum("runs its then_branch" in n for n in m.notes) == 2


@pytest.mark.parametrize(("values", "message"), [
    ({"nope": 1}, "--input-value nope: the graph has no such input (inputs: 'x', 'flag')"),
    ({"x": 1}, "--input-value x: the input is not a one-element bool or integer tensor"),
    ({"flag": 2}, "--input-value flag=2: out of range for the input's type (0 to 1)"),
])  # fmt: skip
def test_values_name_a_flag_input(tmp_path, values, message):
    with pytest.raises(InputError, match=r"m\.onnx: " + message.replace("(", r"\(").replace(")", r"\)")):
        read_onnx(branchy(tmp_path), input_values=values)


def test_input_value_on_the_command_line(tmp_path):
    path = str(branchy(tmp_path))
    r = cli_run("analyze", path, "--input-value", "flag=true", "-f", "json", "-q")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["totals"]["macs"] == THEN_MACS
    r = cli_run("check", path, "--input-value", "flag=0", "--max-macs", str(ELSE_MACS))
    assert r.returncode == 0, r.stderr
    r = cli_run("check", path, "--input-value", "flag=1", "--max-macs", str(ELSE_MACS))
    assert r.returncode == 1
    r = cli_run("diff", path, path, "--input-value", "flag=1", "-f", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["base"]["macs"] == THEN_MACS
    for bad, msg in ((["--input-value", "flag"], "--input-value: expected NAME=VALUE"), (["--input-value", "flag=maybe"], "expected NAME=VALUE"), (["--input-value", "flag=--5"], "expected NAME=VALUE"),
                     (["--input-value", "x=1"], "not a one-element bool or integer tensor")):  # fmt: skip
        r = cli_run("analyze", path, *bad)
        assert r.returncode == 2 and msg in r.stderr and "Traceback" not in r.stderr
    for cmd in ("analyze", "bench"):
        r = cli_run(cmd, "models/mobilenet_v1.yaml", "--input-value", "flag=1")
        assert r.returncode == 2 and "--input-value applies to ONNX graphs and PyTorch modules only; models/mobilenet_v1.yaml is a layer spec\n" in r.stderr


def test_bench_feeds_the_value_and_times_the_branch(tmp_path):
    path = str(branchy(tmp_path))
    r = run_cli("bench", path, "--input-value", "flag=1", "--budget", "0.2", "--runs", "20", "-f", "json", "-q")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["macs"] == THEN_MACS
    assert {layer["name"] for layer in out["layers"] if layer["time_ms"] is not None} >= {"then_conv"}  # onnxruntime ran the then branch


def test_input_values_in_the_api_and_a_budget_file(tmp_path):
    import dscost

    path = branchy(tmp_path)
    assert dscost.analyze(str(path), input_values={"flag": True}).totals.macs == THEN_MACS
    with pytest.raises(InputError, match="input_values: expected"):
        dscost.analyze(str(path), input_values={"flag": "yes"})
    assert dscost.check(str(path), max_macs=ELSE_MACS, input_values={"flag": 0}).passed
    budget = tmp_path / "budget.yaml"
    budget.write_text(f"budgets:\n  - path: {path.name}\n    input_values: {{flag: 1}}\n    max_macs: {THEN_MACS}\n")
    assert dscost.check(str(budget)).passed
    budget.write_text(f"budgets:\n  - path: {path.name}\n    input_values: {{flag: 1}}\n    max_macs: {THEN_MACS - 1}\n")
    assert not dscost.check(str(budget)).passed


def test_two_ifs_defining_the_same_names_and_a_broken_one(tmp_path):
    """Two Ifs on the flag whose branches define the same tensor names: both inlined, the second
    renamed; an If whose branch lacks outputs is left uncounted, not guessed."""
    def branches(tag):
        then_g = helper.make_graph([node("Relu", ["x"], "h", name=f"{tag}_relu")], "t", [], [helper.make_empty_tensor_value_info("h")])
        else_g = helper.make_graph([node("Sigmoid", ["x"], "h", name=f"{tag}_sig")], "e", [], [helper.make_empty_tensor_value_info("h")])
        return dict(then_branch=then_g, else_branch=else_g)

    broken = helper.make_graph([], "b", [], [])  # no outputs for the If's one
    nodes = [helper.make_node("If", ["flag"], ["a"], name="if_a", **branches("a")),
             helper.make_node("If", ["flag"], ["b"], name="if_b", **branches("b")),
             node("Add", ["a", "b"], "s", name="sum"),
             helper.make_node("If", ["flag"], ["c"], name="if_broken", then_branch=broken, else_branch=broken),
             node("Add", ["s", "c"], "out", name="out")]  # fmt: skip
    path = save(tmp_path, model(nodes, [("x", X), ("flag", vi("flag", [1], TensorProto.BOOL))], ["out"]))
    m = read_onnx(path, input_values={"flag": 1})
    assert [layer.name for layer in m.layers[:3]] == ["a_relu", "b_relu", "sum"]
    assert m.layers[2].inputs == ("a_relu", "b_relu") and m.layers[2].output_shape == tuple(X)
    assert [u.name for u in m.uncounted] == ["if_broken", "out"]  # (out: the shape of c is unknown)
    assert "subgraph not counted" in m.uncounted[0].reason and "shapes lost at if_broken" in m.uncounted[1].reason


def test_convert_lists_a_conv_of_a_branch_as_skipped(tmp_path):
    """analyze counts the 3x3 conv of the branch that runs (and its separable what-if); convert
    leaves it in the subgraph and says so rather than passing over it in silence."""
    const = helper.make_node("Constant", [], ["flag"], name="c", value=helper.make_tensor("v", TensorProto.BOOL, [1], [True]))
    path = str(branchy(tmp_path, const))
    r = run_cli("convert", path, "-o", str(tmp_path / "out.onnx"), "-f", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["converted"] == []
    assert {"name": "then_conv", "reason": "in an If branch or a model-local function: convert rewrites the graph's own nodes only"} in out["skipped"]


def test_unnamed_nodes_keep_the_names_bench_and_convert_give_them(tmp_path):
    """Inlining shifts node indices; the graph's own unnamed nodes are named first, as
    runtime.load_onnx names them in the model onnxruntime runs (the profile joins by name)."""
    from dscost.runtime import load_onnx

    then_g = helper.make_graph([helper.make_node("Relu", ["x"], ["r1"]), helper.make_node("Relu", ["r1"], ["r2"])], "t", [],
                               [helper.make_empty_tensor_value_info("r2")])  # fmt: skip
    else_g = helper.make_graph([helper.make_node("Sigmoid", ["x"], ["s"])], "e", [], [helper.make_empty_tensor_value_info("s")])
    nodes = [helper.make_node("If", ["flag"], ["y"], then_branch=then_g, else_branch=else_g),
             helper.make_node("Conv", ["y", "W3"], ["c"], pads=[1, 1, 1, 1]), helper.make_node("Relu", ["c"], ["out"])]  # fmt: skip
    path = save(tmp_path, model(nodes, [("x", X), ("flag", vi("flag", [1], TensorProto.BOOL))], ["out"], [init("W3", 8, 4, 3, 3)]))
    m = read_onnx(path, input_values={"flag": 1})
    assert [layer.name for layer in m.layers[-2:]] == [n.name for n in load_onnx(path).graph.node[1:]] == ["Conv_1", "Relu_2"]
    assert m.renamed_nodes >= 2 and m.layers[-2].cost.macs == THEN_MACS


@pytest.mark.parametrize(("old", "new"), [
    (b"y_then", b"y_\xe9hen"),  # a then-branch name: the If is left as it is, uncounted
    (b"y_else", b"y_\xe9lse"),  # the other branch's: it is not copied, the If is inlined
])  # fmt: skip
def test_a_branch_name_that_is_not_utf8_is_not_a_crash(tmp_path, old, new):
    """(Found by the fuzzer: inlining copied a name protobuf gave as bytes, and refused it back.)"""
    p = branchy(tmp_path)
    p.write_bytes(p.read_bytes().replace(old, new))  # the same length: still well-formed protobuf
    m = read_onnx(p, input_values={"flag": 1})
    if old == b"y_then":
        assert [(u.name, u.op) for u in m.uncounted] == [("branch", "If")] and total(m) == 0
    else:
        assert not m.uncounted and total(m) == THEN_MACS


def test_an_if_condition_name_that_is_not_utf8_beside_another_if_is_an_input_error(tmp_path):
    """Found by the fuzzer (seed 1506): two Ifs, one on a condition whose name is not UTF-8
    (protobuf hands it over as bytes); sorting the conditions compared bytes with str."""
    from fuzzing import seed_branches

    p = tmp_path / "branch.onnx"
    data = seed_branches()
    assert data.count(b"\n\x04flag\x12\x01a") == 1  # the input of If 'by_flag'
    p.write_bytes(data.replace(b"\n\x04flag\x12\x01a", b"\n\x04\xe6lag\x12\x01a"))
    for values in ({"flag": 1}, None):
        with pytest.raises(InputError, match=r"node 'by_flag': its input name is not valid UTF-8 \(b'\\xe6lag'\)"):
            read_onnx(p, input_values=values)


def test_an_if_output_name_that_is_not_utf8_is_an_input_error(tmp_path):
    p = branchy(tmp_path)
    data = p.read_bytes()
    p.write_bytes(data.replace(b"\x12\x01y", b"\x12\x01\xe1"))  # NodeProto.output "y" of the If
    with pytest.raises(InputError, match=r"node 'branch': its output name is not valid UTF-8 \(b'\\xe1'\)"):
        read_onnx(p, input_values={"flag": 1})


def squeeze_chain(tmp_path, blocks: int):
    """NextItNet's TorchScript file: each block a (1, 3) conv 8 -> 8 on [1, 8, 1, 16], then
    squeeze(2) written as If(Shape(conv)[2] == 1, Squeeze, Identity), then unsqueeze(2) for the
    next conv.  The branches differ in rank, so the If's output shape, and everything after it,
    is known only once the If is inlined: each round of inference decides the next If alone."""
    nodes, inits = [], [init("ax2", 1, dtype=np.int64, value=[2]), init("two", dtype=np.int64, value=2), init("one", dtype=np.int64, value=1)]
    a = "x"
    for i in range(blocks):
        inits.append(init(f"W{i}", 8, 8, 1, 3))
        then_g = helper.make_graph([node("Squeeze", [f"c{i}", "ax2"], f"sq{i}")], f"then{i}", [], [helper.make_empty_tensor_value_info(f"sq{i}")])
        else_g = helper.make_graph([node("Identity", [f"c{i}"], f"id{i}")], f"else{i}", [], [helper.make_empty_tensor_value_info(f"id{i}")])
        nodes += [node("Conv", [a, f"W{i}"], f"c{i}", pads=[0, 1, 0, 1]), node("Shape", [f"c{i}"], f"s{i}"), node("Gather", [f"s{i}", "two"], f"h{i}", axis=0),
                  node("Equal", [f"h{i}", "one"], f"f{i}"), helper.make_node("If", [f"f{i}"], [f"y{i}"], name=f"if{i}", then_branch=then_g, else_branch=else_g),
                  node("Unsqueeze", [f"y{i}", "ax2"], f"a{i + 1}")]  # fmt: skip
        a = f"a{i + 1}"
    return save(tmp_path, model(nodes, [("x", [1, 8, 1, 16])], [a], inits))


BLOCK_MACS = 1 * 3 * 8 * 8 * 16  # (1, 3) kernel, 8 -> 8 channels, 1 x 16 output: 3,072


def test_a_chain_of_ifs_on_shapes_longer_than_the_first_rounds_is_resolved_whole(tmp_path):
    """12 chained Ifs: more than the SHAPE_ROUNDS every graph gets; a small graph gets a round per
    If (NextItNet's 20 counted 1,105,920 of 2,467,840 MACs when the rounds stopped at 8)."""
    from dscost.readers.onnx_branches import SHAPE_ROUNDS

    assert SHAPE_ROUNDS < 12
    m = read_onnx(squeeze_chain(tmp_path, 12))
    assert not m.uncounted
    assert total(m) == 12 * BLOCK_MACS == 36_864
    assert sum("(computed from tensor shapes) runs its then_branch" in n for n in m.notes) == 12
    assert m.layers[-1].output_shape == (1, 8, 1, 16)


def test_rounds_for_ifs_on_shapes_are_bounded_and_say_so(tmp_path, monkeypatch):
    """Past the rounds allowed (here 8), the Ifs left stay uncounted, with a note saying why."""
    from dscost.readers import onnx_branches

    monkeypatch.setattr(onnx_branches, "SHAPE_MAX_ROUNDS", 8)
    m = read_onnx(squeeze_chain(tmp_path, 12))
    assert [u.name for u in m.uncounted if u.op == "If"] == ["if8", "if9", "if10", "if11"]
    assert total(m) == 9 * BLOCK_MACS  # (the 9th conv's input is known: it reads the 8th If's inlined branch)
    assert any(n.startswith("Ifs on tensor shapes: 8 rounds of shape inference each inlined the Ifs their shapes decided") for n in m.notes)
