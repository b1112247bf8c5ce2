"""--dim NAME=N: values for the symbolic dimensions of an ONNX graph's inputs (a decoder's
sequence_length and past_sequence_length, as optimum and torch's exporters write them), in the
reader, the CLI (analyze, check, diff, bench, convert), the Python API and budget files."""

from __future__ import annotations

import json

import numpy as np
import pytest
from onnx import TensorProto, helper

from conftest import cli_run
from dscost.errors import InputError
from dscost.readers.onnx_reader import read_onnx
from dscost.readers.onnx_inputs import dim_value
from onnx_models import init, model, node, save, vi

E, HEADS, HEAD = 8, 2, 4  # embedding width, attention heads, head size (E = HEADS * HEAD)


def decoder_step(tmp_path):
    """One attention step with a KV cache: ids [batch, seq] -> embedding [1, seq, E] -> q/k/v;
    the new keys are appended to past [batch, HEADS, past, HEAD]; the mask is
    [batch, 'past + seq'] (optimum's expression)."""
    sym = lambda name, dims, t=TensorProto.FLOAT: helper.make_tensor_value_info(name, t, dims)  # noqa: E731
    inputs = [
        ("ids", sym("ids", ["batch", "seq"], TensorProto.INT64)),
        ("past_k", sym("past_k", ["batch", HEADS, "past", HEAD])),
        ("mask", sym("mask", ["batch", "past + seq"])),
    ]
    nodes = [
        node("Gather", ["emb", "ids"], "x", axis=0),  # [1, seq, E]
        node("MatMul", ["x", "Wq"], "q"),
        node("MatMul", ["x", "Wk"], "k"),
        node("Reshape", ["q", "heads"], "qh"),
        node("Transpose", ["qh"], "qt", perm=[0, 2, 1, 3]),  # [1, H, seq, D]
        node("Reshape", ["k", "heads"], "kh"),
        node("Transpose", ["kh"], "kt", perm=[0, 2, 1, 3]),
        node("Concat", ["past_k", "kt"], "keys", axis=2),  # [1, H, past + seq, D]
        node("Transpose", ["keys"], "keysT", perm=[0, 1, 3, 2]),
        node("MatMul", ["qt", "keysT"], "scores"),  # [1, H, seq, past + seq]
        node("Cast", ["mask"], "m", to=TensorProto.FLOAT),
        node("Add", ["scores", "m"], "masked"),
    ]
    inits = [init("emb", 50, E), init("Wq", E, E), init("Wk", E, E), init("heads", 4, dtype=np.int64, value=[1, -1, HEADS, HEAD])]
    return save(tmp_path, model(nodes, inputs, ["masked"], inits))


def macs(seq: int, past: int) -> int:
    """Hand-derived: two E x E projections of seq tokens, and q . k over past + seq keys per head."""
    return 2 * seq * E * E + HEADS * seq * (past + seq) * HEAD


def test_dims_resolve_names_and_expressions(tmp_path):
    path = decoder_step(tmp_path)
    for seq, past in ((16, 0), (1, 15), (3, 5)):
        m = read_onnx(path, dims={"seq": seq, "past": past})
        assert not m.uncounted
        assert sum(layer.cost.macs for layer in m.layers) == macs(seq, past)
        assert dict((n, s) for n, s, _ in m.inputs) == {"ids": (1, seq), "past_k": (1, HEADS, past, HEAD), "mask": (1, past + seq)}
    notes = read_onnx(path, dims={"seq": 1, "past": 15}).notes
    assert "symbolic dimensions set by --dim: seq=1, past=15" in notes
    assert "symbolic batch dimension 'batch' set to 1 in 3 inputs ('ids', 'past_k', 'mask')" in notes  # one note, not one per input
    m = read_onnx(path, dims={"seq": 2, "past": 3, "batch": 4})  # a given batch replaces the default 1
    assert dict((n, s) for n, s, _ in m.inputs)["ids"] == (4, 2) and not any("symbolic batch" in n for n in m.notes)


def test_dims_errors_name_the_dimension(tmp_path):
    path = decoder_step(tmp_path)
    with pytest.raises(InputError) as err:
        read_onnx(path)
    assert str(err.value).endswith("(symbolic: dim 0 'batch', dim 1 'seq'), or --dim seq=128")
    with pytest.raises(InputError) as err:
        read_onnx(path, dims={"seq": 4})  # past still open
    assert "input 'past_k' has an unresolved dimension 2 ('past')" in str(err.value) and "--dim past=" in str(err.value)
    with pytest.raises(InputError) as err:
        read_onnx(path, dims={"seq": 4, "past": 0, "sequence": 4})
    assert str(err.value) == f"{path}: --dim names 'sequence', which is not a symbolic dimension of the graph's inputs (symbolic: 'batch', 'seq', 'past', 'past + seq')"


def test_paddle2onnx_dimensions(tmp_path):
    """paddle2onnx writes a dynamic batch as -1, unnamed dims as '?', named ones as
    'p2o.DynamicDimension.1', and outputs declared with -1 (PaddleOCR's files): the -1 batch is
    set to 1, a dotted name is one --dim name (and the hint names it), and a declared -1 output
    dimension is inferred.  A 3x3 conv 3 -> 4 on 8x8: 4*27*64 = 6,912 MACs, output (1, 4, 8, 8)."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [-1, 3, "p2o.DynamicDimension.1", "?"])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [-1, 4, -1, -1])
    graph = helper.make_graph([node("Conv", ["x", "W"], "y", pads=[1, 1, 1, 1])], "g", [x], [y], [init("W", 4, 3, 3, 3)])
    path = save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)]))
    with pytest.raises(InputError) as err:
        read_onnx(path)
    assert str(err.value).endswith("(symbolic: dim 2 'p2o.DynamicDimension.1', dim 3 '?'), or --dim p2o.DynamicDimension.1=224")
    with pytest.raises(InputError) as err:
        read_onnx(path, dims={"p2o.DynamicDimension.1": 8})  # '?' is no name to give: --input-shape
    assert "input 'x' has an unresolved dimension 3 ('?'); set it with --input-shape x=" in str(err.value) and "--dim" not in str(err.value)
    m = read_onnx(path, input_shapes={"x": (1, 3, 8, 8)})
    assert [(layer.output_shape, layer.cost.macs) for layer in m.layers] == [((1, 4, 8, 8), 6_912)] and not m.uncounted
    assert any("declares the shapes of 1 tensor(s)" in n for n in m.notes)  # (sizes given: the declared output is inferred anew)
    graph.input[0].type.tensor_type.shape.dim[3].dim_value = 8
    path = save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)]), "named.onnx")
    m = read_onnx(path, dims={"p2o.DynamicDimension.1": 8})
    assert m.layers[0].output_shape == (1, 4, 8, 8) and "symbolic batch dimension '-1' of input 'x' set to 1" in m.notes
    graph.input[0].type.tensor_type.shape.dim[2].dim_value = 8  # only the batch left open: the declared -1s are opened
    m = read_onnx(save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)]), "fixed.onnx"))
    assert m.layers[0].output_shape == (1, 4, 8, 8) and "symbolic batch dimension '-1' of input 'x' set to 1" in m.notes
    assert "3 declared dimension(s) of -1 (dynamic) in the graph's outputs and value_info are inferred" in m.notes


@pytest.mark.parametrize("options", [{"dims": {"seq": 10**20, "past": 1}}, {"dims": {"seq": 2**62, "past": 2**62}},
                                     {"input_shapes": {"ids": (1, 10**20)}, "dims": {"past": 1}}])  # fmt: skip
def test_absurd_dimensions_are_input_errors(tmp_path, options):
    with pytest.raises(InputError, match=r"dimension 1 would be [\d,]+, more than 1,099,511,627,776 \(2\^40\)"):
        read_onnx(decoder_step(tmp_path), **options)


def test_a_batch_name_is_one_size_in_every_input(tmp_path):
    """ONNX: one dim_param, one size.  Silero VAD declares input [batch, sequence] and state
    [2, batch, 128]: the batch set to 1 (or given by --input-shape, or --dim) holds for the state's
    middle dimension too, in the reader and in the inputs onnxruntime is fed."""
    from dscost.runtime import feeds_for

    inputs = [("x", helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])),
              ("state", helper.make_tensor_value_info("state", TensorProto.FLOAT, [2, "batch", 8]))]  # fmt: skip
    mp = model([node("MatMul", ["x", "W"], "y"), node("Add", ["state", "y"], "z")], inputs, ["z"], [init("W", 4, 8)])
    path = save(tmp_path, mp)
    m = read_onnx(path)
    assert m.layers[0].cost.macs == 4 * 8 and m.layers[1].output_shape == (2, 1, 8)
    assert "symbolic batch dimension 'batch' set to 1 in 2 inputs ('x', 'state')" in m.notes
    m = read_onnx(path, input_shapes={"x": (3, 4)})
    assert m.layers[0].cost.macs == 3 * 4 * 8 and m.layers[1].output_shape == (2, 3, 8)
    assert "dimension 1 ('batch') of input 'state' set to 3, as in --input-shape x" in m.notes
    m = read_onnx(path, dims={"batch": 5})
    assert m.layers[0].cost.macs == 5 * 4 * 8 and m.layers[1].output_shape == (2, 5, 8)
    # (what bench feeds onnxruntime: the inputs as the reader shaped them)
    assert {k: v.shape for k, v in feeds_for(read_onnx(path).inputs).items()} == {"x": (1, 4), "state": (2, 1, 8)}
    assert {k: v.shape for k, v in feeds_for(read_onnx(path, input_shapes={"x": (3, 4)}).inputs).items()} == {"x": (3, 4), "state": (2, 3, 8)}
    unnamed = model([node("Relu", ["s"], "o")], [("s", helper.make_tensor_value_info("s", TensorProto.FLOAT, [2, None, 8]))], ["o"])
    with pytest.raises(InputError, match=r"input 's' has an unresolved dimension 1 \('\?'\)"):
        read_onnx(save(tmp_path, unnamed, "unnamed.onnx"))  # a dimension without a name is no batch


def test_one_name_given_two_sizes_is_an_error(tmp_path):
    """Red team 6: x and m declared [N, 64]; --input-shape x=8x64 with --dim N=2 (or m=4x64) gave
    N two sizes without a word."""
    inputs = [(t, helper.make_tensor_value_info(t, TensorProto.FLOAT, ["N", 64])) for t in ("x", "m")]
    path = save(tmp_path, model([node("Add", ["x", "m"], "y")], inputs, ["y"]))
    with pytest.raises(InputError, match=r"--input-shape x=8x64 makes dimension 0 \('N'\) of input 'x' 8, and --dim N=2 makes it 2: one name, one size"):
        read_onnx(path, input_shapes={"x": (8, 64)}, dims={"N": 2})
    with pytest.raises(InputError, match=r"--input-shape m=4x64 makes dimension 0 \('N'\) of input 'm' 4, and --input-shape x makes it 8"):
        read_onnx(path, input_shapes={"x": (8, 64), "m": (4, 64)})
    assert read_onnx(path, input_shapes={"x": (8, 64), "m": (8, 64)}, dims={"N": 8}).layers[0].output_shape == (8, 64)
    r = cli_run("analyze", str(path), "--input-shape", "x=8x64", "--dim", "N=2")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "one name, one size" in r.stderr


def test_dim_value_is_arithmetic_only():
    dims = {"a": 3, "b": 4}
    assert dim_value("a", dims) == 3 and dim_value("a + b", dims) == 7 and dim_value("a*b - 1", dims) == 11 and dim_value("(a + b) // 2", dims) == 3
    assert dim_value("a + c", dims) is None and dim_value("a / b", dims) is None and dim_value("a // 0", dims) is None
    assert dim_value("__import__('os')", dims) is None and dim_value("a.real", dims) is None and dim_value("a + 1.5", dims) is None
    assert dim_value("a +", dims) is None and dim_value("a", {}) is None


def test_dim_on_the_command_line(tmp_path):
    path = str(decoder_step(tmp_path))
    r = cli_run("analyze", path, "--dim", "seq=1", "--dim", "past=15", "-f", "json", "-q")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["totals"]["macs"] == macs(1, 15)
    r = cli_run("check", path, "--dim", "seq=16", "--dim", "past=0", "--max-macs", str(macs(16, 0)))
    assert r.returncode == 0, r.stderr
    r = cli_run("analyze", path, "--dim", "seq=16", "--dim", "past=0", "-f", "json", "-q")  # (an empty cache: said, red team 3)
    assert any(n.startswith("dimension 2 ('past') of input 'past_k' is 0 with the --dim values given: an empty tensor") for n in json.loads(r.stdout)["notes"])
    r = cli_run("check", path, "--dim", "seq=16", "--dim", "past=0", "--max-macs", str(macs(16, 0) - 1))
    assert r.returncode == 1
    r = cli_run("diff", path, path, "--dim", "seq=1", "--dim", "past=15", "-f", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["base"]["macs"] == macs(1, 15) == 256
    for bad, msg in ((["--dim", "seq"], "--dim: expected NAME=N"), (["--dim", "seq=-1"], "--dim: expected NAME=N"), (["--dim", "seq=²"], "--dim: expected NAME=N"),
                     (["--dim", "sq=1"], "--dim names 'sq'")):  # fmt: skip
        r = cli_run("analyze", path, *bad)
        assert r.returncode == 2 and msg in r.stderr and "Traceback" not in r.stderr
    r = cli_run("analyze", "models/mobilenet_v1.yaml", "--dim", "seq=1")
    assert r.returncode == 2 and "--dim applies to ONNX graphs only" in r.stderr
    r = cli_run("bench", path, "--dim", "seq=16", "--dim", "past=0")  # refused before onnxruntime starts
    assert r.returncode == 2 and "--dim gives input 'past_k' a zero-sized dimension 1x2x0x4" in r.stderr


def test_json_gives_the_input_shapes_counted(tmp_path):
    """The shapes the counts assume, in JSON: every --dim and the batch of 1 applied (int64 ids)."""
    path = decoder_step(tmp_path)
    r = cli_run("analyze", str(path), "--dim", "seq=3", "--dim", "past=5", "-f", "json", "-q")
    assert json.loads(r.stdout)["inputs"] == [{"name": "ids", "shape": [1, 3], "dtype": "int64"},
                                              {"name": "past_k", "shape": [1, HEADS, 5, HEAD], "dtype": "float32"},
                                              {"name": "mask", "shape": [1, 8], "dtype": "float32"}]  # fmt: skip
    for fmt in ("table", "markdown"):  # and on the report's header, in the same order
        r = cli_run("analyze", str(path), "--dim", "seq=3", "--dim", "past=5", "-f", fmt)
        assert f"inputs (as counted): ids 1x3 int64, past_k 1x{HEADS}x5x{HEAD} float32, mask 1x8 float32\n" in r.stdout, r.stdout


def test_the_header_lists_six_inputs_then_says_how_many_more():
    from dscost.report.counts import inputs_line

    inputs = [(f"x{i}", (1, i + 1), 1) for i in range(8)] + [("flag", (), 9)]
    assert inputs_line(inputs) == ("inputs (as counted): x0 1x1 float32, x1 1x2 float32, x2 1x3 float32, x3 1x4 float32, "
                                   "x4 1x5 float32, x5 1x6 float32, and 3 more (-f json lists them)")  # fmt: skip
    assert inputs_line(inputs[-1:]) == "inputs (as counted): flag scalar bool"


def test_dims_in_the_api_and_a_budget_file(tmp_path):
    import dscost

    path = decoder_step(tmp_path)
    assert dscost.analyze(str(path), dims={"seq": 3, "past": 5}).totals.macs == macs(3, 5)
    with pytest.raises(InputError, match="dims: expected"):
        dscost.analyze(str(path), dims={"seq": -1})
    budget = tmp_path / "budget.yaml"
    budget.write_text(f"budgets:\n  - path: {path.name}\n    dims: {{seq: 1, past: 15}}\n    max_macs: {macs(1, 15)}\n")
    assert dscost.check(str(budget)).passed
    budget.write_text(f"budgets:\n  - path: {path.name}\n    dims: {{seq: 1, past: 15}}\n    max_macs: {macs(1, 15) - 1}\n")
    assert not dscost.check(str(budget)).passed


def position_table_model(tmp_path, table: tuple, declared: bool):
    """tokens [1, 'n', 4] + a learned position ``table`` (exported at n = 5, as timm's ViT with
    dynamic_img_size traced by torch's TorchScript exporter: [1, 5, 4], its size fixed), then
    [.., 4] x [4, 8]; the exporter may declare the Add's output [1, 5, 4] (value_info)."""
    mp = model([node("Add", ["x", "pos"], "a"), node("MatMul", ["a", "w"], "y")], [("x", [1, "n", 4])],
               inits=[init("pos", *table), init("w", 4, 8)])  # fmt: skip
    if declared:
        mp.graph.value_info.append(helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 5, 4]))
    return save(tmp_path, mp)


@pytest.mark.parametrize("table, declared", [((1, 5, 4), True), ((1, 5, 4), False), ((4,), True)])
def test_a_size_fixed_at_export_is_named_not_counted_at_another(tmp_path, table, declared):
    """At the size it was exported at the graph counts as usual; at another a [1, 5, 4] table's Add
    cannot run (onnxruntime refuses it: 'Attempting to broadcast an axis by a dimension other than
    1'): that node is uncounted, saying so, and the MatMul after it too (its input's shape is lost
    there), whether or not the file declares the Add's output at the traced size -- a declared
    shape is inferred anew once --dim gives a size.  A [4] table broadcasts at any size: with a
    stale declaration the graph still runs (onnxruntime computes [1, 7, 8]) and counts at n = 7."""
    path = position_table_model(tmp_path, table, declared)
    m = read_onnx(path, dims={"n": 5})
    assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers) == 5 * 4 * 8
    m = read_onnx(path, dims={"n": 7})
    if table == (4,):
        assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers) == 7 * 4 * 8
        return
    assert m.uncounted[0].name == "a" and "shapes (1, 7, 4) and (1, 5, 4) do not broadcast: the graph cannot run at these input shapes" in m.uncounted[0].reason
    assert "1 node(s) whose shapes (or indices) contradict each other ('a'): the graph cannot run at these input shapes" in " ".join(m.notes)
    assert [u.name for u in m.uncounted[1:]] == ["y"] and "shapes lost at a" in m.uncounted[1].reason
    assert sum(layer.cost.macs for layer in m.layers) == 0


STALE_NOTE = ("the file declares the shapes of {} tensor(s) (value_info, graph outputs), and some contradict what its inputs give (shapes "
              "inferred at one size, then an input edited?): all are inferred anew from its inputs, as onnxruntime runs it")  # fmt: skip


@pytest.mark.parametrize("op", ["Relu", "Sigmoid", "Clip", "Exp"])
def test_a_one_input_elementwise_op_declared_at_another_shape_is_named(tmp_path, op):
    """A file that fixes its input at [1, 16, 8] but declares the ReLU's output [1, 7, 8] (an
    exporter's stale declaration, no option given) contradicts itself; onnxruntime runs it
    (its "lenient merge" keeps what the input gives), and so does dscost now: the declared
    shapes are forgotten and inferred anew, and a note says so (it had been uncounted, saying
    why; red team 8).  The count equals the clean file's."""
    mp = model([node(op, ["x"], "r"), node("MatMul", ["r", "W"], "y")], [("x", [1, 16, 8])], ["y"], [init("W", 8, 16)])
    mp.graph.value_info.append(helper.make_tensor_value_info("r", TensorProto.FLOAT, [1, 7, 8]))
    m = read_onnx(save(tmp_path, mp))
    assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers) == 16 * 8 * 16
    assert STALE_NOTE.format(1) in m.notes and m.layers[0].output_shape == (1, 16, 8)
    del mp.graph.value_info[:]  # as exported without the stale declaration: counted, no note
    m = read_onnx(save(tmp_path, mp, "clean.onnx"))
    assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers) == 16 * 8 * 16 and not any("inferred anew" in n for n in m.notes)


@pytest.mark.parametrize("attrs, declared, ok", [({"kernel_shape": [2, 2], "strides": [2, 2]}, [1, 4, 8, 8], True),
                                                  ({"kernel_shape": [2, 2], "strides": [2, 2]}, [1, 4, 7, 7], False),
                                                  ({"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}, [1, 4, 8, 8], True),
                                                  ({"kernel_shape": [3, 3], "auto_pad": "SAME_UPPER", "strides": [2, 2]}, [1, 4, 8, 8], True),
                                                  ({"kernel_shape": [2, 2], "strides": [2, 2]}, [1, 3, 8, 8], False),
                                                  ({"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1}, [1, 4, 8, 8], True),
                                                  ({"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1}, [1, 4, 9, 9], False)])  # fmt: skip
def test_a_pool_declared_at_another_shape_is_named(tmp_path, attrs, declared, ok):
    """A MaxPool of [1, 4, 16, 16] makes (16 + pads - k) // s + 1 per side, its channels its input's
    (ceil_mode: rounded up, ceil(13 / 2) + 1 = 8): a declared output its attributes contradict is
    uncounted, saying why."""
    mp = model([node("MaxPool", ["x"], "p", **attrs), node("Conv", ["p", "W"], "y")], [("x", [1, 4, 16, 16])], ["y"], [init("W", 2, 4, 1, 1)])
    mp.graph.value_info.append(helper.make_tensor_value_info("p", TensorProto.FLOAT, declared))
    m = read_onnx(save(tmp_path, mp))
    assert m.uncounted == [] and m.layers[0].output_shape == (1, 4, 8, 8)  # (a contradicting declaration is inferred anew, as onnxruntime runs it)
    assert (STALE_NOTE.format(1) in m.notes) is not ok


def ceil_pools(declare: dict[str, list[int]] | None = None):
    """x [1, 3, 9, 9] -> MaxPool 2x2 s2 p1 ceil -> Conv 3x3 p1 3->8 -> AveragePool 2x2 s2 p1 ceil -> Conv 1x1 8->4.
    Each pool's last window would start in the end padding: 9 -> ceil(8 / 2) + 1 = 5 (onnx's
    inference: 6), 5 -> ceil(4 / 2) + 1 = 3 (onnx: 4), as onnxruntime and PyTorch compute."""
    pool = dict(kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)
    mp = model([node("MaxPool", ["x"], "p1", **pool), node("Conv", ["p1", "W1"], "c1", pads=[1, 1, 1, 1]),
                node("AveragePool", ["c1"], "p2", **pool), node("Conv", ["p2", "W2"], "y")],
               [("x", [1, 3, 9, 9])], ["y"], [init("W1", 8, 3, 3, 3), init("W2", 4, 8, 1, 1)])  # fmt: skip
    for name, shape in (declare or {}).items():
        mp.graph.value_info.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
    return mp


CEIL_MACS = 9 * 3 * 8 * 5 * 5 + 8 * 4 * 3 * 3  # 5,400 + 288


@pytest.mark.parametrize("declare, fixed", [(None, 2),
                                            ({"p1": [1, 3, 6, 6], "c1": [1, 8, 6, 6], "p2": [1, 8, 4, 4], "y": [1, 4, 4, 4]}, 2),  # (onnx's inference, saved)
                                            ({"p1": [1, 3, 5, 5], "p2": [1, 8, 3, 3]}, 0)])  # (the runtime's sizes, as the dynamo exporter declares them)  # fmt: skip
def test_a_ceil_mode_pool_drops_the_window_that_starts_in_the_padding(tmp_path, declare, fixed):
    mp = ceil_pools(declare)
    if declare and "y" in declare:
        mp.graph.output[0].type.tensor_type.shape.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, declare["y"]).tensor_type.shape)
    m = read_onnx(save(tmp_path, mp))
    assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers) == CEIL_MACS
    assert [layer.output_shape for layer in m.layers] == [(1, 3, 5, 5), (1, 8, 5, 5), (1, 8, 3, 3), (1, 4, 3, 3)]
    assert m.layers[0].cost.other_ops == 4 * 3 * 5 * 5  # (a 2x2 window per output element)
    said = [n for n in m.notes if "ceil_mode" in n]
    assert said == ([f"{fixed} node(s) (AveragePool, MaxPool) whose output onnx's shape inference sizes other than onnxruntime (as the ONNX spec says: "
                     "a pool with ceil_mode, a ConvTranspose with auto_pad SAME): counted at the runtime's size (e.g. MaxPool 'p1': 1x3x6x6 -> 1x3x5x5)"]
                    if fixed else [])  # fmt: skip


def test_a_chain_longer_than_the_rounds_says_what_it_left(tmp_path, monkeypatch):
    """Each round settles the nodes whose inputs the last one fixed; past RUNTIME_ROUNDS, the rest
    keep onnx's size and a note names them (here: one round, two pools in a row)."""
    from dscost.readers import onnx_runtime_sizes

    monkeypatch.setattr(onnx_runtime_sizes, "RUNTIME_ROUNDS", 1)
    m = read_onnx(save(tmp_path, ceil_pools()))
    assert [layer.output_shape for layer in m.layers] == [(1, 3, 5, 5), (1, 8, 5, 5), (1, 8, 4, 4), (1, 4, 4, 4)]  # (p2 left at onnx's 4x4)
    assert "1 more node(s) whose output onnx's shape inference sizes other than onnxruntime, after 1 rounds of inference ('p2'): counted at onnx's size" in m.notes


@pytest.mark.parametrize("op, x, w, attrs, out", [
    ("Conv", [1, 2, 6, 11], [6, 2, 4, 4], dict(dilations=[2, 2]), (0, 5)),  # 6 - 2*3 - 1 < 0: (6 - 7) // 1 + 1 = 0
    ("ConvTranspose", [1, 4, 5, 1], [4, 2, 2, 1], dict(pads=[2, 2, 0, 0], strides=[1, 2], output_padding=[0, 1]), (4, 0)),  # 2*0 + 1 + 1 - 2 = 0
])  # fmt: skip
def test_a_conv_with_no_output_is_named_not_counted(tmp_path, op, x, w, attrs, out):
    """onnxruntime refuses a conv whose output has a spatial size of 0 ("Invalid input shape",
    "Computed output dimension is <= 0"); a ConvTranspose's MACs follow its input, so counting
    it would add MACs for a graph that cannot run."""
    mp = model([node(op, ["x", "W"], "y", **attrs)], [("x", x)], ["y"], [init("W", *w)])
    m = read_onnx(save(tmp_path, mp))
    assert m.layers == [] and m.uncounted[0].reason == (f"cannot derive cost: its output would have spatial size {out} from an input of {tuple(x[2:])} "
                                                        "(the kernel is larger than the padded input): the graph cannot run at these input shapes")  # fmt: skip


ORT_DROPS = (1, 21)  # onnxruntime drops a ceil_mode pool's window that would start in the end padding since 1.21


def ort_at_least(ort, version: tuple[int, int]) -> bool:
    return tuple(int(p) for p in ort.__version__.split(".")[:2]) >= version


@pytest.mark.parametrize("op, x, attrs, runtime, since", [
    ("AveragePool", [1, 2, 11, 9], dict(kernel_shape=[4, 2], strides=[3, 3], auto_pad="SAME_LOWER", ceil_mode=1), (4, 3), None),  # ceil(11/3), ceil(9/3) (onnx: 4, 4)
    ("LpPool", [1, 2, 10, 7], dict(kernel_shape=[1, 1], strides=[2, 2], auto_pad="SAME_UPPER", ceil_mode=1), (5, 4), None),  # (onnx: 6, 4)
    ("MaxPool", [1, 2, 8, 7], dict(kernel_shape=[1, 3], strides=[2, 3], auto_pad="VALID", ceil_mode=1), (4, 3), ORT_DROPS),  # 1 + ceil(7/2) = 5 -> 4 (dropped)
    ("MaxPool", [1, 2, 11, 3], dict(kernel_shape=[2, 4], strides=[3, 2], pads=[1, 1, 1, 0], ceil_mode=1), (4, 1), ORT_DROPS),  # 5 -> 4, as the graph's output
    ("ConvTranspose", [1, 2, 4, 8], dict(kernel_shape=[3, 3], strides=[3, 2], auto_pad="SAME_UPPER", output_padding=[1, 1]), (12, 16), None),  # in x stride (onnx: 13, 17)
    ("ConvTranspose", [1, 2, 5, 5], dict(kernel_shape=[2, 3], strides=[3, 2], auto_pad="SAME_UPPER", dilations=[1, 2], output_padding=[0, 1]),
     (14, 10), None),  # 3*4 + 2 = 14 < 15: no negative pad (onnx: 14, 11)
    ("MaxPool", [1, 2, 2], dict(kernel_shape=[3], strides=[2]), (1,), ORT_DROPS),  # a window larger than the input: onnx says 1, not 'cannot run' (onnxruntime 1.18: 0)
])  # fmt: skip
def test_output_sizes_that_onnx_infers_otherwise_are_the_runtimes(tmp_path, op, x, attrs, runtime, since):
    """The output of each node below as onnxruntime (and the ONNX spec) sizes it, where onnx's shape
    inference says otherwise; the node's output is the graph's, as in a fuzzer's one-node graph.
    ``since``: the onnxruntime that agrees (an older one keeps the window onnx's inference keeps)."""
    ort = pytest.importorskip("onnxruntime")
    inits = [init("W", 2, 2, *attrs["kernel_shape"])] if op == "ConvTranspose" else []
    mp = model([node(op, ["x", "W"] if inits else ["x"], "y", **attrs)], [("x", x)], ["y"], inits, opset=19)
    path = save(tmp_path, mp)
    m = read_onnx(path)
    assert m.uncounted == [] and m.layers[0].output_shape == (1, 2, *runtime)
    if since is None or ort_at_least(ort, since):
        sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        assert sess.run(None, {"x": np.zeros(x, np.float32)})[0].shape == (1, 2, *runtime)


@pytest.mark.parametrize("op, x, attrs, spec, runtime", [
    ("MaxPool", [1, 2, 8, 8], dict(kernel_shape=[3, 3], auto_pad="SAME_UPPER", dilations=[2, 2]), (8, 8), (6, 6)),  # pad 2 (not 4): 8 + 2 - 5 + 1
    ("AveragePool", [1, 2, 9, 9], dict(kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_LOWER", dilations=[2, 2]), (5, 5), (4, 4)),  # pad 2: (9 + 2 - 5) // 2 + 1
    ("LpPool", [1, 2, 11], dict(kernel_shape=[5], strides=[2], auto_pad="SAME_UPPER", dilations=[3]), (6,), (2,)),  # pad 4: (11 + 4 - 13) // 2 + 1
    ("MaxPool", [1, 2, 10], dict(kernel_shape=[2], strides=[3], auto_pad="SAME_UPPER", dilations=[3]), (4,), (3,)),  # pad 1: (10 + 1 - 4) // 3 + 1
    ("MaxPool", [1, 2, 10], dict(kernel_shape=[2], strides=[3], auto_pad="SAME_UPPER", dilations=[3], ceil_mode=1), (4,), None),  # ceil(7 / 3) + 1: the spec's
    ("AveragePool", [1, 2, 8], dict(kernel_shape=[4], strides=[4], auto_pad="SAME_UPPER", dilations=[3]), (2,), (1,)),  # pad 0: trunc(-2 / 4) + 1, as C divides (onnxruntime < 1.21: 0)
    ("MaxPool", [1, 2, 8, 8], dict(kernel_shape=[3, 3], auto_pad="VALID", dilations=[2, 2]), (4, 4), None),  # (VALID: onnxruntime is the spec)
])  # fmt: skip
def test_a_same_pool_with_a_dilation_says_onnxruntimes_size(tmp_path, op, x, attrs, spec, runtime):
    """A pool with auto_pad SAME and a dilation: the spec (and onnx) output ceil(n / stride);
    onnxruntime pads for the undilated kernel, then slides the dilated one, and outputs less.
    Counted at the spec's size, a note saying onnxruntime's; a file that declares onnxruntime's
    size is counted at it, not called one that cannot run."""
    mp = model([node(op, ["x"], "y", **attrs)], [("x", x)], ["y"], opset=19)
    m = read_onnx(save(tmp_path, mp))
    (layer,) = m.layers
    assert m.uncounted == [] and layer.output_shape == (1, 2, *spec)
    if runtime is None:
        assert not layer.note
        return
    assert layer.note == (f"auto_pad SAME with dilations {attrs['dilations']}: onnxruntime pads for the undilated kernel and outputs "
                          f"{'x'.join(map(str, runtime))}, not the spec's {'x'.join(map(str, spec))} (counted at the spec's size)")  # fmt: skip
    mp.graph.output[0].CopyFrom(vi("y", [1, 2, *runtime]))
    m = read_onnx(save(tmp_path, mp, "declared.onnx"))
    assert m.uncounted == [] and m.layers[0].output_shape == (1, 2, *runtime) and m.layers[0].note.endswith("(counted at the runtime's size)")
    ort = pytest.importorskip("onnxruntime")
    if runtime != (1,) or ort_at_least(ort, ORT_DROPS):
        sess = ort.InferenceSession(str(tmp_path / "declared.onnx"), providers=["CPUExecutionProvider"])
        assert sess.run(None, {"x": np.zeros(x, np.float32)})[0].shape == (1, 2, *runtime)


def f32(*values: float):
    return init("s", len(values), value=np.array(values, np.float32))


# (opset, inputs, initializers, attributes): a Resize or Upsample of [1, 3, 15, 5] by 1.8 and 1.4 on
# the last two axes.  As float32s they are 1.79999995 and 1.39999998: 15 x 1.8 = 26.99999928 and
# 5 x 1.4 = 6.9999999 exactly (onnx's inference: 26, 6), 27.0 and 7.0 in float32 (onnxruntime:
# 27, 7; PyTorch's interpolate, in double, too).
RESIZES = {
    "Upsample-7": (7, ["x"], [], dict(scales=[1.0, 1.0, 1.8, 1.4])),
    "Upsample-9": (9, ["x", "s"], [f32(1, 1, 1.8, 1.4)], {}),
    "Resize-10": (10, ["x", "s"], [f32(1, 1, 1.8, 1.4)], {}),
    "Resize-11": (11, ["x", "roi", "s"], [init("roi", 0), f32(1, 1, 1.8, 1.4)], dict(mode="linear")),
    "Resize-13 Constant node": (13, ["x", "", "c"], [], dict(mode="cubic")),
    "Resize-17 Concat of Constants": (17, ["x", "", "s"], [], dict(mode="linear")),  # (the TorchScript exporter without constant folding)
    "Resize-19 axes": (19, ["x", "", "s"], [f32(1.8, 1.4)], dict(axes=[2, 3])),
    "Resize-19 negative axes": (19, ["x", "", "s"], [f32(1.8, 1.4)], dict(axes=[-2, -1])),  # (onnxruntime 1.18 refuses them: not run)
}


@pytest.mark.parametrize("form", list(RESIZES))
def test_a_resize_by_scales_is_sized_as_onnxruntime_multiplies(tmp_path, form):
    ort = pytest.importorskip("onnxruntime")
    opset, ins, inits, attrs = RESIZES[form]
    nodes = [node("Resize" if form.startswith("Resize") else "Upsample", ins, "y", **attrs)]
    if "c" in ins:
        nodes.insert(0, helper.make_node("Constant", [], ["c"], value_floats=[1.0, 1.0, 1.8, 1.4]))
    if "Concat" in form:
        nodes[:0] = [helper.make_node("Constant", [], ["ones"], value=init("ones", 2, value=np.ones(2, np.float32))),
                     helper.make_node("Constant", [], ["c"], value=init("c", 2, value=np.array([1.8, 1.4], np.float32))),
                     node("Concat", ["ones", "c"], "s", axis=0)]  # fmt: skip
    path = save(tmp_path, model(nodes, [("x", [1, 3, 15, 5])], ["y"], inits, opset=opset))
    m = read_onnx(path)
    assert m.uncounted == [] and m.layers[-1].output_shape == (1, 3, 27, 7)
    said = f"(e.g. {nodes[-1].op_type} 'y': 1x3x26x6 -> 1x3x27x7)" in " ".join(m.notes)
    assert said == onnx_multiplies_exactly()  # (onnx 1.17 to 1.21 multiply in float32 too)
    if "negative" in form:
        return
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert sess.run(None, {"x": np.zeros((1, 3, 15, 5), np.float32)})[0].shape == (1, 3, 27, 7)


@pytest.mark.parametrize("scales, declared, out", [((1.8, 1.4), None, (27, 7)),  # torch.onnx.export of interpolate(scale_factor=(1.8, 1.4)) and a 3x3 conv
                                                   ((1.8, 1.4), (27, 7), (27, 7)),  # declared as the runtime runs it (the dynamo exporter)
                                                   ((1.75, 1.5), None, (26, 7)),  # exact float32s: 26.25, 7.5
                                                   ((2.2, 1.2), None, (33, 6))])  # float32s above the decimals: 33.0000007, 6.0000002  # fmt: skip
def test_a_resize_then_a_conv_counts_at_the_runtimes_size(tmp_path, scales, declared, out):
    """The TorchScript exporter declares the conv's output at PyTorch's size (25x5 here); before,
    the conv was uncounted ("does not follow from its attributes"), onnx's Resize being 26x6."""
    mp = model([node("Resize", ["x", "roi", "s"], "r"), node("Conv", ["r", "W"], "y")], [("x", [1, 3, 15, 5])], ["y"],
               [init("roi", 0), f32(1, 1, *scales), init("W", 4, 3, 3, 3)])  # fmt: skip
    mp.graph.value_info.append(helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, out[0] - 2, out[1] - 2]))
    if declared:
        mp.graph.value_info.append(helper.make_tensor_value_info("r", TensorProto.FLOAT, [1, 3, *declared]))
    path = save(tmp_path, mp)
    m = read_onnx(path)
    assert m.uncounted == [] and [layer.output_shape for layer in m.layers] == [(1, 3, *out), (1, 4, out[0] - 2, out[1] - 2)]
    assert m.layers[1].cost.macs == 9 * 3 * 4 * (out[0] - 2) * (out[1] - 2)  # 13,500 at 27x7
    assert any("Resize" in n for n in m.notes) == (not declared and scales == (1.8, 1.4) and onnx_multiplies_exactly())


def onnx_multiplies_exactly() -> bool:
    """Whether onnx's shape inference sizes a Resize of 15 by 1.8 (a float32) 26, exactly (since
    onnx 1.22), rather than 27, as a float32 product."""
    import onnx

    mp = model([node("Resize", ["x", "", "s"], "y")], [("x", [15])], ["y"], [f32(1.8)], opset=13)
    return onnx.shape_inference.infer_shapes(mp).graph.output[0].type.tensor_type.shape.dim[0].dim_value == 26


def test_a_ceil_mode_pool_counts_as_onnxruntime_runs_it(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    if not ort_at_least(ort, ORT_DROPS):
        pytest.skip(f"onnxruntime {ort.__version__} keeps the window, as onnx's inference does")
    path = save(tmp_path, ceil_pools())
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert sess.run(None, {"x": np.zeros((1, 3, 9, 9), np.float32)})[0].shape == read_onnx(path).layers[-1].output_shape == (1, 4, 3, 3)


def test_an_index_outside_its_table_is_named_not_counted(tmp_path):
    """timm's MViTv2 exported at 224 with dynamic height/width: its relative-position Gather reads
    a learned table of 2 * 56 - 1 = 111 rows with indices computed from the map's size plus an
    offset traced at 224; at 288 an index reaches 139 (onnxruntime: "indices element out of data
    bounds").  Here the table has 2 * 5 - 1 = 9 rows, the indices are i - j + 4 over the n
    tokens: at n = 7 the largest is 10."""
    i64 = dict(dtype=np.int64)
    nodes = [node("Shape", ["x"], "s"), node("Gather", ["s", "one"], "n", axis=0),
             node("Range", ["zero", "n", "step"], "r"),
             node("Unsqueeze", ["r", "ax1"], "ri"), node("Unsqueeze", ["r", "ax0"], "rj"),
             node("Sub", ["ri", "rj"], "d"), node("Add", ["d", "off"], "idx"),
             node("Gather", ["table", "idx"], "rel", axis=0), node("MatMul", ["rel", "w"], "y")]  # fmt: skip
    inits = [init("one", **i64, value=1), init("zero", **i64, value=0), init("step", **i64, value=1), init("ax0", 1, **i64, value=[0]),
             init("ax1", 1, **i64, value=[1]), init("off", **i64, value=4), init("table", 9, 4), init("w", 4, 3)]  # fmt: skip
    path = save(tmp_path, model(nodes, [("x", [1, "n", 4])], inits=inits))
    m = read_onnx(path, dims={"n": 5})
    assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers if layer.op == "MatMul") == 5 * 5 * 4 * 3
    m = read_onnx(path, dims={"n": 7})
    u = m.uncounted[0]
    assert u.name == "rel" and u.reason == "cannot derive cost: index 10 is outside axis 0 of its data (9, 4) (size 9): the graph cannot run at these input shapes"
    assert u.params == 9 * 4  # (the table is still the model's)
    assert "1 node(s) whose shapes (or indices) contradict each other ('rel')" in " ".join(m.notes)


@pytest.mark.parametrize("half", [False, True])
def test_inputs_of_two_element_types_are_a_type_error(tmp_path, half):
    """onnxconverter-common's fp16 converter left timm's TF-style "same" padding with a float16
    constant minus a float Cast (onnxruntime refuses to load the file); dscost said only that the
    Pad's amount "is computed at run time".  Now the Sub is named: its inputs' element types differ.
    Here a Reshape target [1, a - b] of a float16 (or float) a = -0.5 and float b = 0.5."""
    a = helper.make_node("Constant", [], ["a"], value=helper.make_tensor("a", TensorProto.FLOAT16 if half else TensorProto.FLOAT, [1], [-0.5]))
    nodes = [a, node("Sub", ["a", "b"], "d"), node("Cast", ["d"], "n", to=TensorProto.INT64), node("Concat", ["one", "n"], "to", axis=0),
             node("Reshape", ["x", "to"], "r"), node("MatMul", ["r", "w"], "y")]  # fmt: skip
    inits = [init("b", 1, value=[0.5]), init("one", 1, dtype=np.int64, value=[1]), init("w", 24, 3)]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [1, 4, 6])], inits=inits)))
    if not half:
        assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers if layer.op == "MatMul") == 24 * 3
        return
    assert [u.name for u in m.uncounted] == ["d", "y"] and "shapes lost at r" in m.uncounted[1].reason
    assert m.uncounted[0].reason == "cannot derive cost: its inputs have different element types (float16, float32): a type error, the graph cannot run"
    assert "1 node(s) whose element types contradict each other ('d'): a type error, the graph cannot run (onnxruntime refuses to load it)" in " ".join(m.notes)


def test_a_cast_whose_declared_output_type_it_does_not_make(tmp_path):
    """The fp16 converter also left Casts to float whose outputs it declared float16 (ViT, Swin,
    MobileViT: onnxruntime "Type Error: Type (tensor(float16)) of output arg ... does not match
    expected type (tensor(float))"), which dscost counted with nothing said."""
    mp = model([node("Cast", ["x"], "c", to=TensorProto.FLOAT), node("MatMul", ["c", "w"], "y")], [("x", helper.make_tensor_value_info("x", TensorProto.FLOAT16, [1, 4, 8]))],
               inits=[init("w", 8, 3)])  # fmt: skip
    ok = read_onnx(save(tmp_path, mp, "ok.onnx"))
    assert ok.uncounted == [] and sum(layer.cost.macs for layer in ok.layers) == 4 * 8 * 3
    mp.graph.value_info.append(helper.make_tensor_value_info("c", TensorProto.FLOAT16, [1, 4, 8]))
    m = read_onnx(save(tmp_path, mp, "bad.onnx"))
    assert [u.name for u in m.uncounted] == ["c"]
    assert m.uncounted[0].reason == "cannot derive cost: it casts to float32, its output is declared float16: a type error, the graph cannot run"
    assert "1 node(s) whose element types contradict each other ('c')" in " ".join(m.notes)


def test_an_activation_times_a_scalar_of_another_element_type_is_a_type_error(tmp_path):
    """torch's TorchScript exporter multiplies a bfloat16 module's attention by a scale it casts to
    complex128 (torch's number of bfloat16, 15, written as ONNX's element type); onnxruntime
    refuses the file, onnx's inference leaves that Mul's output open, and dscost counted it, or,
    where the shapes after it could not be recovered (a Llama's rotary Concat), listed the
    attention behind it as uncounted for "unknown shape".  Now the Mul says why: its inputs'
    element types differ, known from inference, not only from folded values.  The Mul of the same
    scalar cast to bfloat16 is counted (4 x 8 elements; the MatMul 4 x 8 x 3)."""
    def graph(to):
        s = helper.make_node("Constant", [], ["s"], value=helper.make_tensor("s", TensorProto.DOUBLE, [], [0.25]))
        nodes = [s, node("Cast", ["s"], "c", to=to), node("Mul", ["x", "c"], "m"), node("MatMul", ["m", "w"], "y")]
        w = helper.make_tensor("w", TensorProto.BFLOAT16, [8, 3], [0] * 24)
        return model(nodes, [("x", helper.make_tensor_value_info("x", TensorProto.BFLOAT16, [1, 4, 8]))], inits=[w])

    ok = read_onnx(save(tmp_path, graph(TensorProto.BFLOAT16), "ok.onnx"))
    assert ok.uncounted == [] and sum(layer.cost.macs for layer in ok.layers) == 4 * 8 * 3
    m = read_onnx(save(tmp_path, graph(TensorProto.COMPLEX128), "bad.onnx"))
    assert [u.name for u in m.uncounted] == ["m"]
    assert m.uncounted[0].reason == "cannot derive cost: its inputs have different element types (bfloat16, complex128): a type error, the graph cannot run"
    assert "1 node(s) whose element types contradict each other ('m')" in " ".join(m.notes)


@pytest.mark.parametrize("elem", [TensorProto.FLOAT, TensorProto.BFLOAT16])
def test_a_bfloat16_conv_after_pads_that_folding_computes(tmp_path, elem):
    """timm's TF-style "same" padding computes a Pad's amounts in float arithmetic (Ceil) that
    onnx's inference does not fold; dscost folds them and infers the nodes after again, one by
    one, with onnx's inference of each op -- which refuses bfloat16 where the op's version does not
    list it (Conv before opset 22), though the whole graph's inference lets it pass.  MaxViT
    exported from a bfloat16 module lost 969 nodes, 5.52 of its 5.55 GMACs, behind its stem conv.
    Here a bottom/right pad of ceil(0.5) = 1 on 8x8, a 3x3 conv 3 -> 4: 4 x 3 x 9 x 7 x 7 MACs."""
    nodes = [helper.make_node("Constant", [], ["h"], value=helper.make_tensor("h", TensorProto.FLOAT, [1], [0.5])), node("Ceil", ["h"], "c"),
             node("Cast", ["c"], "ci", to=TensorProto.INT64), node("Concat", ["zeros", "ci", "ci"], "pads", axis=0),
             node("Pad", ["x", "pads"], "p", mode="constant"), node("Conv", ["p", "w"], "y", kernel_shape=[3, 3]), node("Relu", ["y"], "r")]  # fmt: skip
    inits = [init("zeros", 6, dtype=np.int64, value=[0] * 6), helper.make_tensor("w", elem, [4, 3, 3, 3], [0] * 108)]
    m = read_onnx(save(tmp_path, model(nodes, [("x", helper.make_tensor_value_info("x", elem, [1, 3, 8, 8]))], inits=inits)))
    assert m.uncounted == [] and [(layer.op, layer.cost.macs) for layer in m.layers if layer.cost.macs] == [("Conv", 4 * 3 * 9 * 7 * 7)]
    assert [(layer.op, layer.output_shape) for layer in m.layers][-2:] == [("Conv", (1, 4, 7, 7)), ("Relu", (1, 4, 7, 7))]


def test_broadcast_shape_of_a_zero_sized_dimension():
    from dscost.cost import broadcast_shape

    assert broadcast_shape((0, 3), (1, 3)) == (0, 3) == broadcast_shape((1, 3), (0, 1))
    assert broadcast_shape((2, 1, 4), (3, 1)) == (2, 3, 4)
    with pytest.raises(ValueError, match="do not broadcast"):
        broadcast_shape((0, 3), (2, 3))


def test_a_reshape_or_concat_fixed_at_export_is_named(tmp_path):
    """timm's MobileViT-v2, MaxViT, CoaT and Twins exported at 224 with dynamic height/width keep a
    Reshape target of the traced size; onnxruntime refuses them at 288 ("The input tensor cannot be
    reshaped to the requested shape"), and dscost counted MobileViT-v2 at 523.7M MACs (torch: 595.8M)
    with nothing uncounted.  Now that node is uncounted, saying why; so is a Concat whose inputs do
    not make its declared output."""
    mp = model([node("Reshape", ["x", "to"], "r"), node("MatMul", ["r", "w"], "y")], [("x", [1, "n", 4])],
               inits=[init("to", 2, dtype=np.int64, value=[2, 10]), init("w", 10, 3)])  # fmt: skip
    path = save(tmp_path, mp)
    m = read_onnx(path, dims={"n": 5})
    assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers) == 2 * 10 * 3
    (u,) = read_onnx(path, dims={"n": 7}).uncounted
    assert u.name == "r" and "(1, 7, 4) (28 elements) cannot be reshaped to (2, 10) (20): the graph cannot run at these input shapes" in u.reason
    mp = model([node("Concat", ["cls", "x"], "c", axis=1), node("MatMul", ["c", "w"], "y")], [("x", [1, "n", 4])],
               inits=[init("cls", 1, 1, 4), init("w", 4, 3)])  # fmt: skip
    mp.graph.value_info.append(helper.make_tensor_value_info("c", TensorProto.FLOAT, [1, 6, 4]))
    path = save(tmp_path, mp, "concat.onnx")
    m = read_onnx(path, dims={"n": 5})
    assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers) == 6 * 4 * 3
    m = read_onnx(path, dims={"n": 7})  # a stale declaration only: onnxruntime runs it, [1, 8, 3]
    assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers) == 8 * 4 * 3
    mp.graph.input[0].type.tensor_type.shape.dim[1].dim_value = 7  # a file that contradicts itself: inferred anew, as onnxruntime runs it
    m = read_onnx(save(tmp_path, mp, "fixed.onnx"))
    assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers) == 8 * 4 * 3 and STALE_NOTE.format(1) in m.notes


def test_a_maxunpool_to_a_given_output_shape_is_sized_by_it(tmp_path):
    """onnx's inference leaves a MaxUnpool with an output_shape input open; that input is its
    output's shape (as onnxruntime runs it), so the 1x1 conv after it counts 4 x 8 x 7 x 17 MACs."""
    ort = pytest.importorskip("onnxruntime")
    mp = model([node("MaxUnpool", ["x", "i", "s"], "u", kernel_shape=[2, 2], strides=[2, 2]), node("Conv", ["u", "W"], "y")], [("x", [1, 4, 3, 8])], ["y"],
               [init("i", 1, 4, 3, 8, dtype=np.int64), init("s", 4, dtype=np.int64, value=np.array([1, 4, 7, 17])), init("W", 8, 4, 1, 1)], opset=19)  # fmt: skip
    path = save(tmp_path, mp)
    m = read_onnx(path)
    assert m.uncounted == [] and m.layers[0].output_shape == (1, 4, 7, 17) and m.layers[1].cost.macs == 4 * 8 * 7 * 17
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert sess.run(None, {"x": np.zeros((1, 4, 3, 8), np.float32)})[0].shape == (1, 8, 7, 17)


@pytest.mark.parametrize("op, x, runs", [("DepthToSpace", [1, 8, 3, 5], True), ("DepthToSpace", [1, 6, 3, 5], False),
                                         ("SpaceToDepth", [1, 3, 4, 6], True), ("SpaceToDepth", [1, 3, 5, 6], False)])  # fmt: skip
def test_depth_to_space_needs_whole_blocks(tmp_path, op, x, runs):
    """blocksize 2: DepthToSpace needs channels a multiple of 4, SpaceToDepth a map of even sides;
    onnxruntime refuses the others, and dscost names them (onnx's inference rounds down)."""
    ort = pytest.importorskip("onnxruntime")
    path = save(tmp_path, model([node(op, ["x"], "y", blocksize=2)], [("x", x)], ["y"], opset=13))
    m = read_onnx(path)
    try:
        ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": np.zeros(x, np.float32)})
        ran = True
    except Exception:
        ran = False
    assert ran == runs == (m.uncounted == [])
    if not runs:
        what = "6 channels are not a multiple of blocksize^2 = 4" if op == "DepthToSpace" else "5x6 map is not a multiple of blocksize 2 on each side"
        assert m.uncounted[0].reason == f"cannot derive cost: its input's {what}: the graph cannot run at these input shapes"


def test_a_name_given_twice_with_two_values_is_refused():
    """Found by the fourth red team: `--kwargs '{"width": 1, "width": 2}'` kept the last value
    without a word, and so did a repeated --dim, --input-shape, --input-value or --arg key.  Two
    values for one name are one error line; the same value twice is harmless."""
    from dscost.options import load_options

    cases = [
        (dict(dim=["seq=16", "seq=32"]), "--dim: dimension 'seq' is given twice (16 and 32); give it once"),
        (dict(input_shape=["x=1x3x8x8", "x=1x3x9x9"]), "--input-shape: input 'x' is given twice (1x3x8x8 and 1x3x9x9); give it once"),
        (dict(input_value=["flag=1", "flag=0"]), "--input-value: input 'flag' is given twice (1 and 0); give it once"),
        (dict(arg=["width=1", "width=2"]), "--arg: key 'width' is given twice (1 and 2); give it once"),
        (dict(kwargs='{"width": 1, "width": 2}'), "--kwargs: key 'width' is given twice (1 and 2); give it once"),
        (dict(kwargs='{"cfg": {"a": 1, "a": "b"}}'), "--kwargs: key 'a' is given twice (1 and 'b'); give it once"),
    ]
    for options, message in cases:
        with pytest.raises(InputError) as err:
            load_options(**options)
        assert str(err.value) == message
    assert load_options(dim=["seq=16", "seq=16"])["dims"] == {"seq": 16}
    assert load_options(kwargs='{"width": 1}', arg=["width=2"])["kwargs"] == {"width": 2}  # (--arg overrides --kwargs, as its help says)


def test_a_file_inferred_at_one_size_then_edited_is_counted_at_its_input(tmp_path):
    """The usual recipe for another batch or sequence: infer shapes, save, edit the input's
    dims.  The file's value_info still holds the old sizes, which onnx's inference keeps and
    onnxruntime does not: Conv 3x3 (3 -> 4) -> Relu -> Conv 1x1 (4 -> 5) at batch 3 had counted
    22,016 MACs (the second conv at batch 1), nothing uncounted, --strict passing (red team 8).
    3 x 9 x 3 x 4 x 64 = 20,736 and 3 x 4 x 5 x 64 = 3,840: 24,576; MatMul 8 -> 8 -> Relu ->
    MatMul 8 -> 4 at a sequence of 32 where 16 was inferred: 32 x 8 x 8 + 32 x 8 x 4 = 3,072."""
    import onnx

    cases = [(model([node("Conv", ["x", "W1"], "c", pads=[1, 1, 1, 1]), node("Relu", ["c"], "r"), node("Conv", ["r", "W2"], "y")],
                    [("x", [1, 3, 8, 8])], ["y"], [init("W1", 4, 3, 3, 3), init("W2", 5, 4, 1, 1)]), 0, 3, 24_576),
             (model([node("MatMul", ["x", "W1"], "h"), node("Relu", ["h"], "r"), node("MatMul", ["r", "W2"], "y")],
                    [("x", [1, 16, 8])], ["y"], [init("W1", 8, 8), init("W2", 8, 4)]), 1, 32, 3_072)]  # fmt: skip
    for i, (mp, axis, size, macs) in enumerate(cases):
        mp = onnx.shape_inference.infer_shapes(mp)
        mp.graph.input[0].type.tensor_type.shape.dim[axis].dim_value = size
        m = read_onnx(save(tmp_path, mp, f"edited{i}.onnx"))
        assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers) == macs
        assert any(n.startswith("the file declares the shapes of") and "inferred anew from its inputs" in n for n in m.notes)
        assert m.layers[-1].output_shape[axis] == size


def test_a_declared_shape_onnx_refuses_or_a_stale_output_is_inferred_anew(tmp_path):
    """Red team 8: a value_info giving the initializer W (8, 5) the shape (8, 7) made onnx's
    inference fail (exit 2) where onnxruntime ignores it and runs: 2 x 8 x 5 = 80 MACs, 40 params;
    a graph output declared (1, 4, 5, 5) for a conv that makes (1, 4, 3, 3) left the conv
    uncounted: 9 x 3 x 4 x 9 = 972 MACs.  Both are read with the declared shapes forgotten."""
    mp = model([node("MatMul", ["x", "W"], "y")], [("x", [2, 8])], ["y"], [init("W", 8, 5)])
    mp.graph.value_info.append(helper.make_tensor_value_info("W", TensorProto.FLOAT, [8, 7]))
    m = read_onnx(save(tmp_path, mp, "w.onnx"))
    assert (sum(layer.cost.macs for layer in m.layers), sum(layer.cost.params for layer in m.layers), m.uncounted) == (80, 40, [])
    assert STALE_NOTE.format(1) in m.notes
    mp = model([node("Conv", ["x", "W"], "y")], [("x", [1, 3, 5, 5])], [], [init("W", 4, 3, 3, 3)])
    mp.graph.output.append(helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 5, 5]))
    m = read_onnx(save(tmp_path, mp, "out.onnx"))
    assert (sum(layer.cost.macs for layer in m.layers), m.uncounted, m.layers[0].output_shape) == (972, [], (1, 4, 3, 3))


def test_a_batch_after_a_leading_length_is_one(tmp_path):
    """An RNN's input exported with dynamic_axes {0: "seq", 1: "batch"}: the length must be given,
    the batch is 1 as a leading one is (red team 7: it had been an error asking for --dim batch).
    10 x 1 x 8 x 4 = 320 MACs; a second dimension named otherwise still needs a value."""
    mp = model([node("MatMul", ["x", "W"], "y")], [("x", ["seq", "batch", 8])], ["y"], [init("W", 8, 4)])
    m = read_onnx(save(tmp_path, mp), dims={"seq": 10})
    assert m.layers[0].cost.macs == 320 and m.inputs[0][1] == (10, 1, 8)
    assert "symbolic batch dimension 'batch' of input 'x' set to 1" in m.notes
    mp = model([node("MatMul", ["x", "W"], "y")], [("x", [5, "batch", 8])], ["y"], [init("W", 8, 4)])  # (a length fixed at export: torch's
    assert read_onnx(save(tmp_path, mp, "fixed.onnx")).inputs[0][1] == (5, 1, 8)  # dynamic_axes={"x": {1: "batch"}}, red team 9)
    mp = model([node("MatMul", ["x", "W"], "y")], [("x", ["seq", "heads", 8])], ["y"], [init("W", 8, 4)])
    with pytest.raises(InputError, match="unresolved dimension 1 \\('heads'\\)"):
        read_onnx(save(tmp_path, mp, "heads.onnx"), dims={"seq": 10})


def test_reading_again_keeps_a_custom_ops_declared_shape(tmp_path):
    """Red team 9: a stale graph output (a MatMul of z (3, 16) declared (1, 8)) next to a custom
    op whose declared output is its only shape: forgetting every declared shape lost that one, so
    the second reading was refused and the MatMul, counted before, stayed uncounted.  A custom
    op's declared outputs are kept: the MatMul counts 3 x 16 x 8 = 384, the first conv 9 x 3 x 4 x 36
    = 3,888, the one after MyOp 9 x 4 x 4 x 16 = 2,304, as in the file without the stale output."""
    nodes = [node("Conv", ["x", "W1"], "c"), node("MyOp", ["c"], "m", domain="my.dom"), node("Conv", ["m", "W2"], "y"), node("MatMul", ["z", "W3"], "zz")]
    mp = model(nodes, [("x", [1, 3, 8, 8]), ("z", [3, 16])], ["y"], [init("W1", 4, 3, 3, 3), init("W2", 4, 4, 3, 3), init("W3", 16, 8)])
    mp.opset_import.append(helper.make_opsetid("my.dom", 1))
    mp.graph.value_info.append(helper.make_tensor_value_info("m", TensorProto.FLOAT, [1, 4, 6, 6]))
    clean = read_onnx(save(tmp_path, mp, "clean.onnx"))
    mp.graph.output.append(helper.make_tensor_value_info("zz", TensorProto.FLOAT, [1, 8]))
    m = read_onnx(save(tmp_path, mp, "stale.onnx"))
    assert [u.name for u in m.uncounted] == [u.name for u in clean.uncounted] == ["m"]
    assert sum(layer.cost.macs for layer in m.layers) == sum(layer.cost.macs for layer in clean.layers) == 9 * 3 * 4 * 36 + 9 * 4 * 4 * 16 + 3 * 16 * 8


def _stale_case(op):
    """x (edited to batch 4) -> op -> t (declared at batch 1, as inferred before the edit) ->
    MatMul by W (16 x 32) or a 3x3 Conv: (nodes, inputs, inits, t's declared shape, extra
    declared value_info, the MACs at batch 4 by hand)."""
    mm, w = node("MatMul", ["t", "W"], "y"), init("W", 16, 32)
    conv, k = node("Conv", ["t", "K"], "y", pads=[1, 1, 1, 1]), init("K", 6, 3, 3, 3)
    conv_macs = 3 * 3 * 3 * 6 * 8 * 8 * 4  # Dk^2 M N DF^2, batch 4
    x = [("x", [4, 8, 16])]
    if op == "LayerNormalization":
        return [node(op, ["x", "s", "b"], "t", axis=-1), mm], x, [init("s", 16), init("b", 16), w], [1, 8, 16], [], 4 * 8 * 16 * 32
    if op in ("Softmax", "Identity", "Dropout"):
        return [node(op, ["x"], "t"), mm], x, [w], [1, 8, 16], [], 4 * 8 * 16 * 32
    if op == "Cast":
        return [node(op, ["x"], "t", to=TensorProto.FLOAT), mm], x, [w], [1, 8, 16], [], 4 * 8 * 16 * 32
    if op == "Transpose":  # (8, 4, 16) -> (4, 8, 16), declared (1, 8, 16)
        return [node(op, ["x"], "t", perm=[1, 0, 2]), mm], [("x", [8, 4, 16])], [w], [1, 8, 16], [], 4 * 8 * 16 * 32
    if op == "ReduceMean":  # opset 17: axes an attribute
        return [node(op, ["x"], "t", axes=[1]), mm], x, [w], [1, 1, 16], [], 4 * 1 * 16 * 32
    if op == "Gather":  # an embedding: token ids (4, 8) -> (4, 8, 16)
        ids = helper.make_tensor_value_info("ids", TensorProto.INT64, [4, 8])
        return [node(op, ["E", "ids"], "t"), mm], [("ids", ids)], [init("E", 100, 16), w], [1, 8, 16], [], 4 * 8 * 16 * 32
    if op == "Flatten":
        return [node(op, ["x"], "t", axis=1), mm], [("x", [4, 2, 8])], [w], [1, 16], [], 4 * 16 * 32
    if op == "Unsqueeze":
        return [node(op, ["x", "ax"], "t"), mm], [("x", [4, 16])], [init("ax", 1, dtype=np.int64, value=[1]), w], [1, 1, 16], [], 4 * 16 * 32
    if op == "Expand":  # (4, 1, 16) expanded by (1, 8, 16): (4, 8, 16)
        shape = init("sh", 3, dtype=np.int64, value=[1, 8, 16])
        return [node(op, ["x", "sh"], "t"), mm], [("x", [4, 1, 16])], [shape, w], [1, 8, 16], [], 4 * 8 * 16 * 32
    if op == "Split":  # (4, 8, 32) into two (4, 8, 16), both declared at batch 1
        split = init("sp", 2, dtype=np.int64, value=[16, 16])
        return [node(op, ["x", "sp"], ["t", "u"], axis=2), mm], [("x", [4, 8, 32])], [split, w], [1, 8, 16], [vi("u", [1, 8, 16])], 4 * 8 * 16 * 32
    if op == "BatchNormalization":
        bn = [init(n, 3) for n in "abcd"]
        return [node(op, ["x", "a", "b", "c", "d"], "t"), conv], [("x", [4, 3, 8, 8])], [*bn, k], [1, 3, 8, 8], [], conv_macs
    if op == "GlobalAveragePool":  # (4, 3, 8, 8) -> (4, 3, 1, 1) -> Flatten (4, 3) -> Gemm by (3, 5)
        nodes = [node(op, ["x"], "t"), node("Flatten", ["t"], "f"), node("Gemm", ["f", "G"], "y")]
        return nodes, [("x", [4, 3, 8, 8])], [init("G", 3, 5)], [1, 3, 1, 1], [], 4 * 3 * 5
    if op == "ConvTranspose":  # (4, 3, 4, 4) -> 2x2 stride 2 -> (4, 6, 8, 8) -> 3x3 conv to 2 channels
        nodes = [node(op, ["x", "T"], "t", strides=[2, 2]), node("Conv", ["t", "K2"], "y", pads=[1, 1, 1, 1])]
        return nodes, [("x", [4, 3, 4, 4])], [init("T", 3, 6, 2, 2), init("K2", 2, 6, 3, 3)], [1, 6, 8, 8], [], 4 * 3 * 6 * 16 * 4 + 9 * 6 * 2 * 64 * 4
    if op == "DepthToSpace":  # (4, 12, 4, 4) -> (4, 3, 8, 8)
        return [node(op, ["x"], "t", blocksize=2), conv], [("x", [4, 12, 4, 4])], [k], [1, 3, 8, 8], [], conv_macs
    if op == "Resize":  # (4, 3, 4, 4) by scales (1, 1, 2, 2): (4, 3, 8, 8)
        scales = init("sc", 4, value=[1, 1, 2, 2])
        return [node(op, ["x", "", "sc"], "t", mode="nearest"), conv], [("x", [4, 3, 4, 4])], [scales, k], [1, 3, 8, 8], [], conv_macs
    if op == "Slice":  # (4, 3, 8, 8)[:, :, 2:, -8:6:2] -> (4, 3, 6, 3), then a 3x3 conv: 6 x 3 outputs
        consts = [init(n, 2, dtype=np.int64, value=v) for n, v in (("st", [2, -8]), ("en", [2**63 - 1, 6]), ("ax", [2, -1]), ("sp", [1, 2]))]
        return [node(op, ["x", "st", "en", "ax", "sp"], "t"), conv], [("x", [4, 3, 8, 8])], [*consts, k], [1, 3, 6, 3], [], 3 * 3 * 3 * 6 * 6 * 3 * 4
    if op == "Tile":  # (4, 8, 16) tiled (1, 2, 1): (4, 16, 16)
        return [node(op, ["x", "rp"], "t"), mm], x, [init("rp", 3, dtype=np.int64, value=[1, 2, 1]), w], [1, 16, 16], [], 4 * 16 * 16 * 32
    if op == "Focus":  # YOLOv5's: x[..., ::2, ::2], x[..., 1::2, ::2], ... (4, 3, 8, 8) -> Concat (4, 12, 4, 4) -> 3x3 conv to 6
        nodes, consts = [], [init("en", 2, dtype=np.int64, value=[8, 8]), init("ax", 2, dtype=np.int64, value=[2, 3]), init("sp", 2, dtype=np.int64, value=[2, 2])]
        for i, (h, w) in enumerate(((0, 0), (1, 0), (0, 1), (1, 1))):
            consts.append(init(f"st{i}", 2, dtype=np.int64, value=[h, w]))
            nodes.append(node("Slice", ["x", f"st{i}", "en", "ax", "sp"], f"s{i}"))
        nodes += [node("Concat", ["s0", "s1", "s2", "s3"], "t", axis=1), node("Conv", ["t", "K4"], "y", pads=[1, 1, 1, 1])]
        stale = [vi(f"s{i}", [1, 3, 4, 4]) for i in range(4)]
        return nodes, [("x", [4, 3, 8, 8])], [*consts, init("K4", 6, 12, 3, 3)], [1, 12, 4, 4], stale, 9 * 12 * 6 * 16 * 4
    if op == "ExpandOnes":  # torch's expand(-1, ...): by a ConstantOfShape of ones; inferred at batch 2, edited to 1
        ones = helper.make_node("ConstantOfShape", ["n"], ["ones"], value=helper.make_tensor("v", TensorProto.INT64, [1], [1]))
        return [ones, node("Expand", ["x", "ones"], "t"), mm], [("x", [1, 8, 16])], [init("n", 1, dtype=np.int64, value=[3]), w], [2, 8, 16], [], 8 * 16 * 32
    raise AssertionError(op)


STALE_OPS = ["ConvTranspose", "DepthToSpace", "Resize", "Slice", "Tile", "Focus", "ExpandOnes", "LayerNormalization", "Softmax", "Identity", "Dropout", "Cast", "Transpose", "ReduceMean", "Gather", "Flatten",
             "Unsqueeze", "Expand", "Split", "BatchNormalization", "GlobalAveragePool"]  # fmt: skip


@pytest.mark.parametrize("op", STALE_OPS)
def test_a_stale_declared_shape_after_an_op_that_computes_nothing_is_inferred_anew(tmp_path, op):
    """A file inferred at batch 1 whose input was then edited to batch 4: the value_info after
    a LayerNormalization, Softmax, Identity, Dropout, Cast, Transpose, ReduceMean, Gather,
    Flatten, Unsqueeze, Expand, Split, BatchNormalization or GlobalAveragePool still says batch
    1, and the MatMul, Conv or Gemm after it agreed with that stale size, so the graph counted
    at batch 1 with nothing uncounted (a quarter of the MACs; the last stop's known gap); so did
    a ConvTranspose, DepthToSpace, Resize, Slice, Tile, YOLOv5's Focus (Slices into a Concat),
    and an Expand by ones that shrinks the batch (found by the stale-shape battery).  Each of
    these ops now checks its declared output against its input (and its constant operands),
    and the file is read again with its declared shapes forgotten: counted at the edited batch,
    as onnxruntime runs it."""
    nodes, inputs, inits, declared, more, want = _stale_case(op)
    mp = model(nodes, inputs, ["y"], inits)
    mp.graph.value_info.extend([vi("t", declared), *more])
    path = save(tmp_path, mp)
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {i.name: np.zeros([d.dim_value for d in i.type.tensor_type.shape.dim], np.int64 if i.name == "ids" else np.float32)
             for i in mp.graph.input}  # fmt: skip
    assert sess.run(None, feeds)[0].shape[0] == (1 if op == "ExpandOnes" else 4)  # onnxruntime runs it at the edited batch
    m = read_onnx(path)
    assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers) == want
    assert STALE_NOTE.format(1 + len(more)) in m.notes
    del mp.graph.value_info[:]  # the same graph without the stale declaration: the same count, no note
    m = read_onnx(save(tmp_path, mp, "clean.onnx"))
    assert sum(layer.cost.macs for layer in m.layers) == want and not any("inferred anew" in n for n in m.notes)


def test_a_stale_file_that_cannot_run_at_the_new_batch_names_the_node_onnxruntime_stops_at(tmp_path):
    """torch's dynamo exporter fixes flatten's shape at the traced batch (a Reshape to (1, 96));
    inferred at batch 1, then the input edited to 4, the file cannot run: onnxruntime stops at
    that Reshape.  Both readings have one contradiction and one uncounted node; dscost had kept
    the file's shapes, which blamed the Conv after the input and counted the rest at batch 1
    (resnet18, vit_b_16, maxvit_t, shufflenet_v2 exports did so).  On such a tie the reading
    without the declared shapes is taken: the Conv at batch 4, the Reshape named."""
    nodes = [node("Conv", ["x", "K"], "c", pads=[1, 1, 1, 1]), node("Reshape", ["c", "sh"], "f"), node("Gemm", ["f", "G"], "y")]
    mp = model(nodes, [("x", [4, 3, 4, 4])], ["y"], [init("K", 6, 3, 3, 3), init("sh", 2, dtype=np.int64, value=[1, 96]), init("G", 96, 5)])
    mp.graph.value_info.extend([vi("c", [1, 6, 4, 4]), vi("f", [1, 96])])
    path = save(tmp_path, mp)
    import onnxruntime as ort

    with pytest.raises(Exception, match="Reshape"):
        ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": np.zeros((4, 3, 4, 4), np.float32)})
    m = read_onnx(path)
    assert [u.op for u in m.uncounted] == ["Reshape"] and "(4, 6, 4, 4) (384 elements) cannot be reshaped to (1, 96)" in m.uncounted[0].reason
    assert m.layers[0].op == "Conv" and m.layers[0].cost.macs == 3 * 3 * 3 * 6 * 4 * 4 * 4  # batch 4
    assert STALE_NOTE.format(2) in m.notes


@pytest.mark.parametrize("axis, out", [(-1, (24, 5)), (-2, (6, 20)), (0, (1, 120)), (4, (120, 1))])
def test_a_flatten_declared_as_onnx_infers_it_is_no_contradiction(tmp_path, axis, out):
    """Flatten's axis is in [-r, r]: -1 on (2, 3, 4, 5) keeps the last axis apart, (24, 5), as
    onnx's inference declares it; the declared-output check must not take it for a stale size."""
    import onnx

    mp = onnx.shape_inference.infer_shapes(model([node("Flatten", ["x"], "f", axis=axis), node("MatMul", ["f", "W"], "y")],
                                                 [("x", [2, 3, 4, 5])], ["y"], [init("W", out[1], 2)]))  # fmt: skip
    assert [d.dim_value for d in mp.graph.value_info[0].type.tensor_type.shape.dim] == list(out)
    m = read_onnx(save(tmp_path, mp))
    assert m.uncounted == [] and not any("inferred anew" in n for n in m.notes) and m.layers[-1].cost.macs == out[0] * out[1] * 2


def _random_shape_op(rng):
    """One random node of the ops onnx_declared checks, on a random input: (nodes, input shape, inits, opset)."""
    r = rng.randint(1, 4)
    x = [rng.randint(1, 5) for _ in range(r)]
    kind = rng.choice(["Transpose", "Flatten", "Gather", "ReduceMean", "ReduceSum", "ArgMax", "Split", "Unsqueeze", "Softmax"])
    inits, attrs, ins, outs, opset = [], {}, ["x"], ["t"], 17
    if kind == "Transpose":
        perm = list(range(r))
        rng.shuffle(perm)
        attrs = {"perm": perm} if rng.random() < 0.8 else {}
    elif kind == "Flatten":
        attrs = {"axis": rng.randint(-r, r)}
    elif kind == "Gather":
        inits.append(init("i", *[rng.randint(1, 3) for _ in range(rng.randint(0, 2))], dtype=np.int64))
        ins.append("i")
        attrs = {"axis": rng.randint(-r, r - 1)}
    elif kind == "ReduceMean":
        attrs = {"axes": [rng.randint(-r, r - 1)], "keepdims": rng.randint(0, 1)}
    elif kind == "ReduceSum":  # (opset 13: the axes an input)
        inits.append(init("ax", 1, dtype=np.int64, value=[rng.randint(-r, r - 1)]))
        ins.append("ax")
        attrs = {"keepdims": rng.randint(0, 1)}
    elif kind == "ArgMax":
        attrs = {"axis": rng.randint(-r, r - 1), "keepdims": rng.randint(0, 1)}
    elif kind == "Split":
        a = rng.randint(-r, r - 1)
        k = rng.randint(1, x[a])
        inits.append(init("sp", k, dtype=np.int64, value=[1] * (k - 1) + [x[a] - k + 1]))
        ins.append("sp")
        outs, attrs = [f"t{i}" for i in range(k)], {"axis": a}
    elif kind == "Unsqueeze":
        inits.append(init("ax", 1, dtype=np.int64, value=[rng.randint(-r - 1, r)]))
        ins.append("ax")
    else:
        attrs = {"axis": rng.randint(-r, r - 1)}
    nodes = [node(kind, ins, outs, **attrs)] + [node("Identity", [o], f"y{i}") for i, o in enumerate(outs)]
    return nodes, x, inits, [f"y{i}" for i in range(len(outs))], opset


def test_graphs_whose_declared_shapes_are_onnxs_own_are_never_taken_for_stale(tmp_path):
    """80 random Transpose, Flatten, Gather, reductions, Split, Unsqueeze and Softmax nodes,
    their shapes declared by onnx's strict inference: none is a contradiction (a Flatten's
    negative axis had been, see above), none is read again."""
    import random

    import onnx

    rng = random.Random(2026_12_04)
    for case in range(80):
        nodes, x, inits, outs, opset = _random_shape_op(rng)
        mp = onnx.shape_inference.infer_shapes(model(nodes, [("x", x)], outs, inits, opset=opset), strict_mode=True)
        m = read_onnx(save(tmp_path, mp, f"{case}.onnx"))
        assert m.uncounted == [] and not any("inferred anew" in n for n in m.notes), (nodes[0], x)


def test_slice_shape_is_what_onnx_and_onnxruntime_give():
    """onnx_stale.slice_shape against onnx's shape inference of the same Slice, 300 random cases
    (negative indices and axes, INT64 max or min for 'to the end', steps of either sign).  Both
    follow the ONNX spec, as onnxruntime does, which differs from Python's slicing in one corner:
    a start before the first element with a negative step is clamped to 0 (one element), where
    Python takes none (of 2 elements, x[-5:INT64_MIN:-2] is one for onnxruntime, none for Python)."""
    import random

    import onnx

    from dscost.readers.onnx_stale import slice_shape

    rng, big = random.Random(7), 2**63 - 1
    for _ in range(300):
        x = [rng.randint(1, 6) for _ in range(rng.randint(1, 4))]
        axes = [a - len(x) if rng.random() < 0.5 else a for a in rng.sample(range(len(x)), rng.randint(1, len(x)))]
        vals = {n: [rng.choice([rng.randint(-9, 9), big, -big - 1]) for _ in axes] for n in ("st", "en")}
        vals.update(ax=axes, sp=[rng.choice([1, 2, 3, -1, -2]) for _ in axes])
        mp = model([node("Slice", ["x", "st", "en", "ax", "sp"], "y")], [("x", x)], ["y"],
                   [init(n, len(axes), dtype=np.int64, value=v) for n, v in vals.items()], opset=13)  # fmt: skip
        inferred = onnx.shape_inference.infer_shapes(mp, strict_mode=True).graph.output[0].type.tensor_type.shape.dim
        assert slice_shape(tuple(x), vals["st"], vals["en"], axes, vals["sp"]) == tuple(d.dim_value for d in inferred), (x, vals)


def test_a_dynamo_export_declaring_its_slice_operands_keeps_them_at_another_size(tmp_path):
    """Red team 11: torch's dynamo exporter with dynamic_shapes declares a value_info for every
    initializer (a Slice's axes and steps: [1]) beside symbolic ones (``2*s39``).  Given --dim, the
    declared shapes were cleared, those of the initializers too, and with a value_info of no shape
    onnx's inference reads the Slice's axes and steps as absent: a YOLOv5 Focus layer sliced the
    batch (96 rows kept, the last slice of 0 images) and the whole model counted 0 MACs, 75 nodes
    uncounted.  Initializers keep their declared shapes: x[:, :, ::2] of (2, 3, 96, 64) is
    (2, 3, 48, 64), as onnxruntime runs it; the conv after it counts at that size."""
    import onnxruntime as ort

    big = 2**63 - 1
    consts = [init("zero", 1, dtype=np.int64, value=[0]), init("end", 1, dtype=np.int64, value=[big]), init("two", 1, dtype=np.int64, value=[2])]
    nodes = [node("Slice", ["x", "zero", "end", "two", "two"], "s"), node("Conv", ["s", "K"], "y", pads=[1, 1, 1, 1])]
    mp = model(nodes, [("x", ["batch", 3, "4*h", "4*w"])], ["y"], [*consts, init("K", 6, 3, 3, 3)], opset=18)
    mp.graph.value_info.extend([vi(n, [1], TensorProto.INT64) for n in ("zero", "end", "two")] + [vi("s", ["batch", 3, "2*s39", "4*w"])])
    path = save(tmp_path, mp)
    out = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": np.zeros((2, 3, 96, 64), np.float32)})[0]
    assert out.shape == (2, 6, 48, 64)
    m = read_onnx(path, dims={"batch": 2, "h": 24, "w": 16})
    assert m.uncounted == [] and [layer.output_shape for layer in m.layers] == [(2, 3, 48, 64), (2, 6, 48, 64)]
    assert m.layers[1].cost.macs == 9 * 3 * 6 * 48 * 64 * 2


def test_a_derived_dimension_takes_its_names_from_another_inputs_shape(tmp_path):
    """Round 42 (torch.export's ``2 * Dim("seq")`` on a second input): x [batch, seq, 16] and
    y [batch, '2*seq', 16].  -i x=2x8x16 fixes seq = 8, so y is [2, 16, 16] (it stopped on y and
    hinted a --dim that x then contradicted); y=2x20x16 beside it is a contradiction, said naming
    what makes it 16 (it was taken without a word); --dim seq=8 against y's 20 names --dim seq=8
    (it named '--dim 2*seq=16', which nobody gave).  q = x W (2 x 8 x 16 x 16), then q y^T (2 x 8 x
    16 x 16): 8,192 MACs."""
    nodes = [node("MatMul", ["x", "W"], "q"), node("Transpose", ["y"], "yt", perm=[0, 2, 1]), node("MatMul", ["q", "yt"], "o")]
    path = save(tmp_path, model(nodes, [("x", ["batch", "seq", 16]), ("y", ["batch", "2*seq", 16])], ["o"], [init("W", 16, 16)]))
    m = read_onnx(path, input_shapes={"x": (2, 8, 16)})
    assert [s for _, s, _ in m.inputs] == [(2, 8, 16), (2, 16, 16)] and sum(layer.cost.macs for layer in m.layers) == 8_192
    assert "dimension 1 ('2*seq') of input 'y' set to 16, by --input-shape x (seq = 8)" in m.notes
    with pytest.raises(InputError, match=r"makes dimension 1 \('2\*seq'\) of input 'y' 20, and --input-shape x \(seq = 8\) makes it 16: one name, one size"):
        read_onnx(path, input_shapes={"x": (2, 8, 16), "y": (2, 20, 16)})
    with pytest.raises(InputError, match=r"and --dim seq=8 makes it 16: one name, one size"):
        read_onnx(path, input_shapes={"y": (1, 20, 16)}, dims={"seq": 8})


def test_a_cache_length_is_solved_from_the_attention_masks_shape(tmp_path):
    """Round 43 (optimum-onnx's KV-cache decoders): x [batch, sequence_length, 8], attention_mask
    [batch, 'past_sequence_length + sequence_length'], past_key [batch, past_sequence_length, 8];
    q = x W, scores = q [past_key; q]^T.  --dim sequence_length=1 -i attention_mask=1x16 fixes the
    cache at 16 - 1 = 15: 64 + 16 x 8 = 192 MACs, as --dim past_sequence_length=15 gives (dscost
    asked for past_sequence_length, and refused the 128 its own hint then gave).  With x's shape
    given, its length solves the mask instead (4 tokens after 12: 4 x 64 + 4 x 16 x 8 = 768); a
    prefill's empty cache is 0 (16 tokens: 1,024 + 2,048); a mask shorter than the tokens, no cache.
    The hint for a 4-D cache [batch, heads, past_sequence_length, 16] sizes its length 128, not an
    image's 224."""
    nodes = [node("MatMul", ["x", "W"], "q"), node("Concat", ["past_key", "q"], "k", axis=1), node("Transpose", ["k"], "kt", perm=[0, 2, 1]),
             node("MatMul", ["q", "kt"], "s"), node("Cast", ["attention_mask"], "mf", to=TensorProto.FLOAT),
             node("Unsqueeze", ["mf", "one"], "m3"), node("Add", ["s", "m3"], "y")]  # fmt: skip
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "past_sequence_length + sequence_length"])
    inputs = [("x", ["batch_size", "sequence_length", 8]), ("attention_mask", mask), ("past_key", ["batch_size", "past_sequence_length", 8])]
    path = save(tmp_path, model(nodes, inputs, ["y"], [init("W", 8, 8), init("one", 1, dtype=np.int64, value=[1])]))
    m = read_onnx(path, input_shapes={"attention_mask": (1, 16)}, dims={"sequence_length": 1})
    assert [s for _, s, _ in m.inputs] == [(1, 1, 8), (1, 16), (1, 15, 8)] and sum(layer.cost.macs for layer in m.layers) == 192
    assert "dimension 1 ('past_sequence_length') of input 'past_key' set to 15, as in --input-shape attention_mask" in m.notes
    assert sum(layer.cost.macs for layer in read_onnx(path, dims={"sequence_length": 1, "past_sequence_length": 15}).layers) == 192
    m = read_onnx(path, input_shapes={"attention_mask": (1, 16), "x": (1, 4, 8)})
    assert [s for _, s, _ in m.inputs][2] == (1, 12, 8) and sum(layer.cost.macs for layer in m.layers) == 768
    m = read_onnx(path, input_shapes={"attention_mask": (1, 16)}, dims={"sequence_length": 16})
    assert [s for _, s, _ in m.inputs][2] == (1, 0, 8) and sum(layer.cost.macs for layer in m.layers) == 16 * 64 + 16 * 16 * 8
    with pytest.raises(InputError, match=r"input 'past_key': dimension 1 \('past_sequence_length'\) would be -4, by --input-shape attention_mask"):
        read_onnx(path, input_shapes={"attention_mask": (1, 16)}, dims={"sequence_length": 20})
    cache = save(tmp_path, model([node("Relu", ["past"], "r")], [("past", ["batch_size", 4, "past_sequence_length", 16])]), "cache.onnx")
    with pytest.raises(InputError, match=r"set it with --input-shape past=1x4x128x16 .*or --dim past_sequence_length=128$"):  # (a length, not an image's 224)
        read_onnx(cache)
