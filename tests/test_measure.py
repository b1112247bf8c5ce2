"""--measure-sizes: sizes that depend on the data (a NonZero's rows) measured in one onnxruntime
run, and the nodes after them counted at that run."""

from __future__ import annotations

import json

import pytest
from onnx import TensorProto, helper

import dscost
from conftest import ROOT
from dscost.errors import InputError
from onnx_models import init, node, save, vi
from test_cli import cli, error_line

pytest.importorskip("onnxruntime")


def routed(tmp_path, name: str = "routed.onnx"):
    """Rows of x [6, 4] picked by NonZero of a mask of the int64 ids [6] (fed as zeros): rows
    where ids == 0 (all 6) through MatMul by W1 [4, 3] -- 6*4*3 = 72 MACs -- and rows where
    ids < 0 (none) through MatMul by W2 [4, 5] -- 0 MACs, an empty tensor, still counted."""
    nodes = []
    for k, (cmp, n) in enumerate((("Equal", 3), ("Less", 5)), start=1):
        nodes += [node(cmp, ["ids", "zero"], f"m{k}"), node("NonZero", [f"m{k}"], f"nz{k}"), node("Squeeze", [f"nz{k}", "axis0"], f"i{k}"),
                  node("Gather", ["x", f"i{k}"], f"g{k}", axis=0), node("MatMul", [f"g{k}", f"W{k}"], f"y{k}", name=f"mm{k}")]  # fmt: skip
    inits = [init("W1", 4, 3), init("W2", 4, 5), init("zero", dtype="int64", value=0), init("axis0", 1, dtype="int64", value=[0])]
    graph = helper.make_graph(nodes, "g", [vi("x", [6, 4]), vi("ids", [6], TensorProto.INT64)],
                              [helper.make_empty_tensor_value_info("y1"), helper.make_empty_tensor_value_info("y2")], initializer=inits)  # fmt: skip
    return save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), name)


def test_rows_picked_by_nonzero_are_counted_at_the_run(tmp_path):
    path = routed(tmp_path)
    plain = dscost.analyze(str(path))
    assert plain.totals.macs == 0 and sorted(u.name for u in plain.model.uncounted if u.op == "MatMul") == ["mm1", "mm2"]
    measured = dscost.analyze(str(path), measure_sizes=True)
    assert {x.name: x.cost.macs for x in measured.layers if x.op == "MatMul"} == {"mm1": 6 * 4 * 3, "mm2": 0}
    assert measured.totals.macs == 72 and measured.model.uncounted == []
    assert measured.totals.params == plain.totals.params == 4 * 3 + 4 * 5  # (the weights count either way)
    note = next(n for n in measured.model.notes if n.startswith("--measure-sizes"))
    assert "tensor size(s) depend on the data; measured in one onnxruntime run on random normal floats, integer zeros and empty strings (seed 1)" in note
    assert "'nz1': 1x6" in note


def test_the_cli_flag_a_budget_key_and_what_it_does_not_apply_to(tmp_path, capsys):
    path = routed(tmp_path)
    code, out, _ = cli(capsys, "analyze", str(path), "--measure-sizes", "-f", "json", "-q")
    assert code == 0 and json.loads(out)["totals"]["macs"] == 72
    assert cli(capsys, "check", str(path), "--max-macs", "71", "--measure-sizes")[0] == 1  # (without it, 0 MACs would pass a gate)
    assert cli(capsys, "check", str(path), "--max-macs", "72", "--measure-sizes")[0] == 0
    budget = tmp_path / "budget.yaml"
    budget.write_text("- {path: routed.onnx, measure_sizes: true, max_macs: 71}\n")
    assert cli(capsys, "check", "--budget", str(budget))[0] == 1
    code, _, err = cli(capsys, "analyze", str(ROOT / "models" / "mobilenet_v1.yaml"), "--measure-sizes")
    assert code == 2 and error_line(err).endswith("--measure-sizes applies to ONNX graphs and PyTorch modules only; "
                                                  f"{ROOT / 'models' / 'mobilenet_v1.yaml'} is a layer spec (its sizes follow from its shapes)")  # fmt: skip


def test_a_graph_whose_sizes_all_follow_from_its_shapes_is_not_run(tmp_path):
    graph = helper.make_graph([node("MatMul", ["x", "W"], "y")], "g", [vi("x", [2, 4])], [vi("y", [2, 3])], [init("W", 4, 3)])
    path = save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]))
    a = dscost.analyze(str(path), measure_sizes=True)
    assert a.totals.macs == 24 and "--measure-sizes: every tensor's size follows from the input shapes; nothing was run" in a.model.notes


def test_a_run_onnxruntime_refuses_is_one_line_naming_the_file(tmp_path):
    """A NonZero onnxruntime cannot run (a custom op after it): the error names the file and the flag."""
    graph = helper.make_graph([node("NonZero", ["x"], "nz"), node("Frobnicate", ["nz"], "y", domain="example.custom")], "g",
                              [vi("x", [4])], [helper.make_empty_tensor_value_info("y")])  # fmt: skip
    mp = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("example.custom", 1)])
    path = save(tmp_path, mp)
    with pytest.raises(InputError) as err:
        dscost.analyze(str(path), measure_sizes=True)
    assert str(err.value).startswith(f"{path}: measure_sizes=True: onnxruntime cannot run this model:") and "\n" not in str(err.value)


def _picky(tmp_path, above: float):
    """Rows picked only when every element of x [2, 3] is above ``above`` (as a detector keeps
    proposals only above a score): k = 4 rows then, else none, and Reshape(rows, [0, -1]) of the
    empty set fails in onnxruntime (torchvision's Faster R-CNN file, round 54); the rows, cast,
    through MatMul by W [1, 8]: 4 x 8 = 32 MACs."""
    nodes = [node("ReduceMin", ["x"], "m", keepdims=0), node("Greater", ["m", "above"], "g"), node("Expand", ["g", "four"], "gs"),
             node("NonZero", ["gs"], "idx"), node("Transpose", ["idx"], "idxT", perm=[1, 0]), node("Reshape", ["idxT", "shape"], "rows"),
             node("Cast", ["rows"], "rf", to=TensorProto.FLOAT), node("MatMul", ["rf", "W"], "y", name="mm")]  # fmt: skip
    inits = [init("above", value=above), init("four", 1, dtype="int64", value=[4]), init("shape", 2, dtype="int64", value=[0, -1]), init("W", 1, 8)]
    graph = helper.make_graph(nodes, "g", [vi("x", [2, 3])], [helper.make_empty_tensor_value_info("y")], initializer=inits)
    return save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), f"picky{above}.onnx")


def test_a_model_that_fails_on_normal_noise_is_measured_on_uniform_floats(tmp_path, capfd):
    """Round 54: --measure-sizes on torchvision's Faster R-CNN R-50 file failed (exit 2): on dscost's
    normal floats its RPN kept no proposal, and the file's Reshape(0, -1) fails on the empty set;
    on image-like floats in [0, 1) it runs.  A run that fails on normal floats is tried once more
    on uniform ones in [0, 1), the note saying so and why the first failed; onnxruntime's own log
    of the failed node stays off stderr.  A model that fails on both is still one line, naming both."""
    a = dscost.analyze(str(_picky(tmp_path, 0.0)), measure_sizes=True)
    assert a.totals.macs == 32 and a.model.uncounted == []
    note = next(n for n in a.model.notes if n.startswith("--measure-sizes"))
    assert ("measured in one onnxruntime run on random uniform floats in [0, 1), integer zeros and empty strings (seed 1), after a run on "
            "normal floats failed (onnxruntime failed in node 'rows' (Reshape))") in note  # fmt: skip
    assert "Reshape" not in capfd.readouterr().err
    with pytest.raises(InputError, match=r"measure_sizes=True \(normal floats failed: onnxruntime failed in node 'rows' \(Reshape\); uniform ones too\)"):
        dscost.analyze(str(_picky(tmp_path, 2.0)), measure_sizes=True)


def test_the_run_may_use_8_gib_and_three_times_the_bytes_on_disk(tmp_path, monkeypatch):
    """The memory limit grows with the model (its file and external data files as they are on
    disk, not the sizes a file claims): the run of a big model is not refused for its weights."""
    from dscost import sandbox
    from dscost.readers.onnx_measure import memory_limit

    path = routed(tmp_path)
    data = tmp_path / "weights.bin"
    data.write_bytes(bytes(1000))
    size = path.stat().st_size
    assert memory_limit(path) == (8 << 30) + 3 * size
    assert memory_limit(path, [str(data), str(tmp_path / "missing.bin")]) == (8 << 30) + 3 * (size + 1000)
    seen = []
    real = sandbox.run
    monkeypatch.setattr(sandbox, "run", lambda *a, **k: seen.append(k["memory_bytes"]) or real(*a, **k))
    assert dscost.analyze(str(path), measure_sizes=True).totals.macs == 72 and seen == [(8 << 30) + 3 * size]


def test_inputs_onnxruntime_refuses_for_their_type_are_cast_in_the_copy_it_runs(tmp_path):
    """What torch's TorchScript exporter writes and onnxruntime refuses -- a CumSum of booleans
    (transformers' masks), a Gather by float indices (Idefics2's positions), a GridSample of
    float data on a double grid (OneFormer's reference points) -- is cast in the copy
    onnxruntime runs, not in the file: the rows NonZero picks (6) still size the MatMul by W
    [4, 3], 72 MACs.  A note names the two whose types their op's schema refuses (the
    GridSample's double grid fits its schema: onnxruntime's kernel lacks it)."""
    nodes = [node("Equal", ["ids", "zero"], "m"), node("CumSum", ["m", "zero"], "c"), node("NonZero", ["m"], "nz"),
             node("Squeeze", ["nz", "axis0"], "i"), node("Cast", ["i"], "f", to=TensorProto.FLOAT), node("Gather", ["x", "f"], "g", axis=0),
             node("MatMul", ["g", "W"], "y", name="mm"), node("GridSample", ["img", "grid"], "gs")]  # fmt: skip
    inits = [init("W", 4, 3), init("zero", dtype="int64", value=0), init("axis0", 1, dtype="int64", value=[0]),
             init("grid", 1, 2, 2, 2, dtype="float64", value=[0.0] * 8)]  # fmt: skip
    graph = helper.make_graph(nodes, "g", [vi("x", [6, 4]), vi("ids", [6], TensorProto.INT64), vi("img", [1, 1, 4, 4])],
                              [helper.make_empty_tensor_value_info(t) for t in ("y", "c", "gs")], initializer=inits)  # fmt: skip
    path = save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]))
    before = path.read_bytes()
    a = dscost.analyze(str(path), measure_sizes=True)
    assert {x.name: x.cost.macs for x in a.layers if x.op == "MatMul"} == {"mm": 72} and a.model.uncounted == []
    assert path.read_bytes() == before
    assert [n for n in a.model.notes if "does not take" in n] == [
        "2 node(s) with inputs of element types their op does not take ('c' (CumSum: input 0 (x) is bool, which it takes as bfloat16, float16, "
        "float32, float64, int32, int64, uint32, uint64 at opset 17); 'g' (Gather: input 1 (indices) is float32, which it takes as int32, int64 "
        "at opset 17)): onnxruntime refuses to load the file as it is (a type error); they are counted as the arithmetic they name"]  # fmt: skip


def test_an_if_on_data_counts_the_branch_the_run_took(tmp_path):
    """If(ReduceSum(ids) == 0) -- the ids are data, fed as zeros: the run takes the then branch,
    x [1, 4] by W1 [4, 3] (12 MACs); the else branch (by W2 [4, 5], 20 MACs), which other inputs
    may take, is listed as uncounted with its 20 weights, so a gate with --strict still sees it;
    a branch of no work (an Identity) is not.  Without --measure-sizes the If stays uncounted,
    its branch unknown."""
    then = helper.make_graph([node("MatMul", ["x", "W1"], "t")], "then", [], [vi("t", [1, 3])])
    other = helper.make_graph([node("MatMul", ["x", "W2"], "e")], "else", [], [vi("e", [1, 5])])
    nodes = [node("ReduceSum", ["ids"], "s", keepdims=0), node("Equal", ["s", "zero"], "cond"),
             node("If", ["cond"], "y", name="branch", then_branch=then, else_branch=other)]  # fmt: skip
    inits = [init("W1", 4, 3), init("W2", 4, 5), init("zero", dtype="int64", value=0)]
    graph = helper.make_graph(nodes, "g", [vi("x", [1, 4]), vi("ids", [3], TensorProto.INT64)], [helper.make_empty_tensor_value_info("y")], inits)
    path = save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]))
    plain = dscost.analyze(str(path))
    assert plain.totals.macs == 0 and [u.op for u in plain.model.uncounted] == ["If"]
    measured = dscost.analyze(str(path), measure_sizes=True)
    assert measured.totals.macs == 12 and measured.totals.params == 12 + 20
    assert [(u.name, u.op, u.reason, u.params) for u in measured.model.uncounted] == [
        ("branch/else_branch", "If", "the else_branch of If 'branch', which the measured run did not take (else_branch: 1 nodes (MatMul x1)): "
                                     "not counted; other inputs may take it", 20)]  # fmt: skip
    note = next(n for n in measured.model.notes if n.startswith("--measure-sizes"))
    assert "; 1 If(s) whose condition is data counted by the branch the run took" in note
    assert "If 'branch': cond=1 (measured) runs its then_branch, counted (1 nodes); the else_branch (1 nodes) is not" in measured.model.notes
    other.CopyFrom(helper.make_graph([node("Identity", ["x"], "e")], "else", [], [vi("e", [1, 4])]))
    graph.node[2].CopyFrom(node("If", ["cond"], "y", name="branch", then_branch=then, else_branch=other))
    path = save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), "light.onnx")
    assert dscost.analyze(str(path), measure_sizes=True).model.uncounted == []  # (the branch not taken does no work)


def test_a_bfloat16_input_is_run_and_an_empty_selection_is_said(tmp_path):
    """onnxruntime's Python binding takes no bfloat16 array: the copy it runs takes float32 and
    casts it.  Rows of x where the bfloat16 flags are > 100 (random normal: none) -- an empty
    selection, 0 MACs, counted and said, not silently zero."""
    nodes = [node("Cast", ["flags"], "f", to=TensorProto.FLOAT), node("Greater", ["f", "hundred"], "m"), node("NonZero", ["m"], "nz"),
             node("Squeeze", ["nz", "axis0"], "i"), node("Gather", ["x", "i"], "g", axis=0), node("MatMul", ["g", "W"], "y", name="mm")]  # fmt: skip
    inits = [init("W", 4, 3), init("hundred", value=100.0), init("axis0", 1, dtype="int64", value=[0])]
    graph = helper.make_graph(nodes, "g", [vi("x", [6, 4]), vi("flags", [6], TensorProto.BFLOAT16)], [helper.make_empty_tensor_value_info("y")], inits)
    path = save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]))
    a = dscost.analyze(str(path), measure_sizes=True)
    assert {x.name: x.cost.macs for x in a.layers if x.op == "MatMul"} == {"mm": 0} and a.model.uncounted == []
    note = next(n for n in a.model.notes if n.startswith("--measure-sizes"))
    assert "'nz': 1x0" in note and "of them empty at this run (nothing selected: other inputs may select more)" in note


def test_a_measured_tensor_after_a_cast_copy_is_typed_by_onnxruntime(tmp_path):
    """A CumSum of booleans whose output's size is data (transformers' ModernBERT decoder): the
    copy onnxruntime runs sums int64, so the measured outputs after it are declared without the
    reader's (bool) type.  NonZero of the zero ids: 0 columns, a [0, 2] x [2, 4] MatMul, 0 MACs,
    counted."""
    nodes = [node("NonZero", ["ids"], "nz"), node("Equal", ["nz", "zero"], "eq"), node("Not", ["eq"], "ne"), node("CumSum", ["ne", "one"], "c"),
             node("Cast", ["c"], "f", to=TensorProto.FLOAT), node("Transpose", ["f"], "ft"), node("MatMul", ["ft", "W"], "y", name="mm")]  # fmt: skip
    inits = [init("zero", dtype="int64", value=0), init("one", dtype="int64", value=1), init("W", 2, 4)]
    graph = helper.make_graph(nodes, "g", [vi("ids", [1, 32], TensorProto.INT64)], [helper.make_empty_tensor_value_info("y")], inits)
    path = save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]))
    a = dscost.analyze(str(path), measure_sizes=True)
    assert {x.name: x.cost.macs for x in a.layers if x.op == "MatMul"} == {"mm": 0} and a.model.uncounted == []


def test_a_pool_over_an_unbatched_tensor_gets_a_batch_axis(tmp_path):
    """torch's max_pool2d of an unbatched [C, H, W], as the TorchScript exporter writes it (a
    rank-3 MaxPool with a 2-D kernel, SuperPoint's NMS): ONNX and onnxruntime refuse it, so
    everything after was uncounted.  Counted with a batch axis of 1, as torch runs it: [2, 8, 8]
    pooled 2x2 -> [2, 4, 4], again -> [2, 2, 2] (its rank known only once the first is mended),
    -> [2, 4] x [4, 3] = 24 MACs; one note for both; the copy --measure-sizes runs (for the
    NonZero of the ids) is given the same axes."""
    nodes = [node("MaxPool", ["x"], "p", name="pool", kernel_shape=[2, 2], strides=[2, 2]), node("AveragePool", ["p"], "p2", kernel_shape=[2, 2], strides=[2, 2]),
             node("Reshape", ["p2", "shape"], "r"), node("MatMul", ["r", "W"], "y", name="mm"), node("NonZero", ["ids"], "nz")]  # fmt: skip
    inits = [init("W", 4, 3), init("shape", 2, dtype="int64", value=[2, 4])]
    graph = helper.make_graph(nodes, "g", [vi("x", [2, 8, 8]), vi("ids", [4], TensorProto.INT64)],
                              [helper.make_empty_tensor_value_info("y"), helper.make_empty_tensor_value_info("nz")], inits)  # fmt: skip
    for opset, measure_sizes in ((17, False), (17, True), (11, False), (11, True)):  # (Unsqueeze's axes: an input from opset 13, before an attribute)
        path = save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)]), f"m{opset}.onnx")
        a = dscost.analyze(str(path), measure_sizes=measure_sizes)
        assert a.totals.macs == 24 and a.model.uncounted == [] and next(x for x in a.layers if x.name == "pool").output_shape == (1, 2, 4, 4)
        assert [n for n in a.model.notes if "pool(s)" in n][0].startswith("2 pool(s) over a tensor without its batch axis ('p', 'p2')")



def test_a_loop_whose_trip_count_is_data_runs_as_many_steps_as_the_run(tmp_path):
    """Loop(M = ReduceSum(ids) + 3): the ids are data (zeros), so M is 3 at the run; each step a
    [1, 4] x [4, 4] MatMul (16 MACs): 48 MACs, a recurrent layer of 3 steps.  Without
    --measure-sizes the Loop stays uncounted, its trip count not a constant."""
    body = helper.make_graph([node("Identity", ["c"], "c_out"), node("MatMul", ["h", "W"], "h_out", name="step")], "body",
                             [vi("i", [], TensorProto.INT64), vi("c", [], TensorProto.BOOL), vi("h", [1, 4])],
                             [vi("c_out", [], TensorProto.BOOL), vi("h_out", [1, 4])])  # fmt: skip
    nodes = [node("ReduceSum", ["ids"], "s", keepdims=0), node("Add", ["s", "three"], "M"), node("Loop", ["M", "true", "x"], "y", name="loop", body=body)]
    inits = [init("W", 4, 4), init("three", dtype="int64", value=3), init("true", dtype="bool", value=True)]
    graph = helper.make_graph(nodes, "g", [vi("x", [1, 4]), vi("ids", [5], TensorProto.INT64)], [helper.make_empty_tensor_value_info("y")], inits)
    path = save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]))
    plain = dscost.analyze(str(path))
    assert plain.totals.macs == 0 and [u.op for u in plain.model.uncounted] == ["Loop"]
    a = dscost.analyze(str(path), measure_sizes=True)
    assert a.totals.macs == 3 * 16 and a.model.uncounted == [] and "a loop of 3 steps" in next(x for x in a.layers if x.name == "loop").note
    assert "1 Loop trip count(s) from the run ('M'=3)" in next(n for n in a.model.notes if n.startswith("--measure-sizes"))


def test_the_onnxruntime_child_does_not_import_onnx_helper(tmp_path):
    """The child that runs the model reads, mends and declares its copy with onnx's protobuf
    classes alone (onnx_lib): onnx.helper imports ml_dtypes, whose release 0.7.0 takes ~1 s to
    load, in every --measure-sizes run again.  The sizes it measures: nz1 [1, 6] (all 6 ids are 0)."""
    import subprocess
    import sys

    path = routed(tmp_path)
    run_on = ([("x", (6, 4), TensorProto.FLOAT), ("ids", (6,), TensorProto.INT64)], {}, {})
    code = ("import ast, sys; from dscost.readers.onnx_measure import _run_sizes; "
            "sizes, _, _ = _run_sizes(sys.argv[1], ast.literal_eval(sys.argv[2]), {'nz1': 7, 'g2': 1}, set(), ({}, set())); "
            "print(sorted(sizes.items()), sorted({'onnx.helper', 'ml_dtypes', 'onnxruntime'} & set(sys.modules)))")  # fmt: skip
    r = subprocess.run([sys.executable, "-c", code, str(path), repr(run_on)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-500:]
    assert r.stdout.strip() == "[('g2', (0, 4)), ('nz1', (1, 6))] ['onnxruntime']"
