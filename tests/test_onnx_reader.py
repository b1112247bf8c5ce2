"""ONNX reader: batch handling, weight provenance, sharing, subgraphs, blocks, external data, bad input."""

from __future__ import annotations

import os

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from dscost import cost
from dscost.errors import InputError
from dscost.layers import Cost
from dscost.readers import load
from dscost.readers.onnx_reader import read_onnx

from conftest import cli_run, run_with_stderr_on_a_terminal
from onnx_models import init, model, node, read, save, vi


def conv_model(batch="N", spatial=("8", "8")):
    n = node("Conv", ["x", "W"], "y", pads=[1, 1, 1, 1])
    dims = [batch, 3, *[int(s) if s.isdigit() else s for s in spatial]]
    return model([n], [("x", dims)], inits=[init("W", 4, 3, 3, 3)])


# --------------------------------------------------------------------------
# Batch and input shapes


def test_symbolic_batch_becomes_1_with_a_note(tmp_path):
    m = read_onnx(save(tmp_path, conv_model()))
    assert m.layers[0].input_shape == (1, 3, 8, 8)
    assert m.layers[0].cost.macs == 4 * 3 * 9 * 64
    assert any("batch" in n and "'N'" in n for n in m.notes)


@pytest.mark.parametrize("name", ["sequence_length", "seq_len", "num_tokens", "time", "past_length"])
def test_a_leading_dimension_named_as_a_length_is_not_the_batch(tmp_path, name):
    """An RNN's X is [sequence_length, batch, features] (layout 0): its symbolic first dimension is
    the number of steps, not a batch of 1 (which would count one step); it must be given.
    MatMul of x [T, 1, 8] by W [8, 4]: 32 MACs per step."""
    mp = model([node("MatMul", ["x", "W"], "y")], [("x", [name, 1, 8])], inits=[init("W", 8, 4)])
    path = save(tmp_path, mp)
    with pytest.raises(InputError, match=rf"input 'x' has an unresolved dimension 0 \('{name}'\); set it with --input-shape x=.*--dim {name}="):
        read_onnx(path)
    assert read_onnx(path, dims={name: 5}).layers[0].cost.macs == 5 * 32
    for batch in ("batch_size", "N", "batch_seq"):  # (a batch, even one with 'seq' in its name)
        assert read_onnx(save(tmp_path, model([node("MatMul", ["x", "W"], "y")], [("x", [batch, 1, 8])], inits=[init("W", 8, 4)]))).layers[0].cost.macs == 32


def test_a_dim_of_0_for_the_batch_is_refused(tmp_path):
    """--dim N=0 would make every count 0, and every limit pass: refused, naming the input; a 0
    elsewhere (an empty cache: past_sequence_length=0) stays a size like any other."""
    with pytest.raises(InputError, match=r"input 'x': its first dimension \('N'\) is 0 with the --dim values given: an empty batch"):
        read_onnx(save(tmp_path, conv_model()), dims={"N": 0})
    mp = model([node("Concat", ["past", "x"], "y", axis=1)], [("past", [1, "past_len", 4]), ("x", [1, 2, 4])])
    assert read_onnx(save(tmp_path, mp, "cache.onnx"), dims={"past_len": 0}).inputs[0][1] == (1, 0, 4)


def test_input_shape_override(tmp_path):
    m = read_onnx(save(tmp_path, conv_model()), input_shapes={"x": (4, 3, 16, 16)})
    assert m.layers[0].output_shape == (4, 4, 16, 16)
    assert m.layers[0].cost.macs == 4 * (4 * 3 * 9 * 256)
    assert m.layers[0].conv.batch == 4


def test_unresolved_spatial_dim_names_input_and_flag(tmp_path):
    path = save(tmp_path, conv_model(spatial=("H", "W")))
    with pytest.raises(InputError) as e:
        read_onnx(path)
    msg = str(e.value)
    assert str(path) in msg and "'x'" in msg and "--input-shape x=1x3x224x224" in msg and "\n" not in msg
    m = read_onnx(path, input_shapes={"x": (1, 3, 10, 12)})
    assert m.layers[0].output_shape == (1, 4, 10, 12)


def test_input_shape_for_unknown_input(tmp_path):
    with pytest.raises(InputError, match="'nope'.*not an input") as e:
        read_onnx(save(tmp_path, conv_model()), input_shapes={"nope": (1, 3, 8, 8)})
    assert "of its own" not in str(e.value)


def test_several_input_shapes_in_one_option_say_how(tmp_path, capsys):
    """`--input-shape a=1x16,b=1x16` reads as the input 'a=1x16,b' of shape 1x16: not an input, and
    the one line says to give each input an option of its own."""
    from dscost.cli import run

    assert run(["analyze", str(save(tmp_path, conv_model())), "--input-shape", "x=1x3x8x8,y=1x3x8x8"]) == 2
    err = capsys.readouterr().err
    assert "--input-shape names 'x=1x3x8x8,y', which is not an input" in err and "--input-shape a=1x16 --input-shape b=1x16" in err
    assert err.count("\n") == 1


def test_an_element_type_in_input_shape_is_for_pytorch_only(tmp_path, capsys):
    """`--input-shape NAME=1x128:int64` types a PyTorch module's generated input; an ONNX graph's
    inputs have their types in the file, so analyze, bench and convert refuse it in one line
    (exit 2), and an unknown type names the choices."""
    from dscost.cli import run

    path = str(save(tmp_path, conv_model()))
    for argv, said in (
        (["analyze", path, "-i", "x=1x3x8x8:int64"], f"--input-shape's :DTYPE applies to PyTorch modules only; {path} is an ONNX graph (its inputs' element types are the ones in the file)"),
        (["bench", path, "-i", "x=1x3x8x8:long"], "--input-shape x=...:int64: an element type is for PyTorch modules; an ONNX graph's inputs have the types in the file"),
        (["convert", path, "-o", str(tmp_path / "out.onnx"), "-i", "x=1x3x8x8:half"], "--input-shape x=...:float16: an element type is for PyTorch modules"),
        (["analyze", path, "-i", "x=1x3x8x8:long64"], "--input-shape x: unknown element type 'long64'; expected one of float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool"),
    ):  # fmt: skip
        assert run(argv) == 2
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1, err
    assert not (tmp_path / "out.onnx").exists()
    with pytest.raises(InputError, match="input_dtypes applies to PyTorch modules only"):
        import dscost

        dscost.analyze(path, input_shape={"x": "1x3x8x8:int32"})


def test_input_shape_of_the_wrong_rank_is_an_error(tmp_path):
    with pytest.raises(InputError, match=r"--input-shape x=1x3x8: the model declares input 'x' with 4 dimensions, not 3"):
        read_onnx(save(tmp_path, conv_model()), input_shapes={"x": (1, 3, 8)})


def test_input_shape_overriding_a_fixed_dim_is_said(tmp_path):
    # the model fixes 8x8; 16x16 is allowed (a new resolution) and said in the header
    m = read_onnx(save(tmp_path, conv_model()), input_shapes={"x": (1, 3, 16, 16)})
    assert m.layers[0].cost.macs == 4 * 3 * 9 * 256
    assert any("overrides fixed dimension(s) 2 (8 -> 16), 3 (8 -> 16) of input 'x'" in n for n in m.notes)


def test_declared_shapes_at_the_old_input_shape_are_inferred_anew(tmp_path):
    """A file that ships its inferred shapes (value_info, as onnx.shape_inference or onnxsim write
    them) declares every tensor at its own input shape; onnx's inference keeps those static dims
    against the ones it infers.  With --input-shape 1x3x16x16 they are cleared and inferred anew:
    the second conv counts at 16x16 (before: at the stale 8x8, and the first conv uncounted)."""
    import onnx

    mp = model([node("Conv", ["x", "W"], "y", pads=[1, 1, 1, 1]), node("Conv", ["y", "W2"], "z", pads=[1, 1, 1, 1])],
               [("x", [1, 3, 8, 8])], ["z"], [init("W", 4, 3, 3, 3), init("W2", 4, 4, 3, 3)])  # fmt: skip
    mp = onnx.shape_inference.infer_shapes(mp)
    assert [d.dim_value for d in mp.graph.value_info[0].type.tensor_type.shape.dim] == [1, 4, 8, 8]
    m = read_onnx(save(tmp_path, mp), input_shapes={"x": (1, 3, 16, 16)})
    assert not m.uncounted and [layer.cost.macs for layer in m.layers] == [4 * 3 * 9 * 256, 4 * 4 * 9 * 256]
    declared = len(mp.graph.value_info) + len(mp.graph.output)
    assert f"the file declares the shapes of {declared} tensor(s) (value_info, graph outputs), which may hold sizes of its own input shape: they are inferred anew for the shape given" in m.notes
    m = read_onnx(save(tmp_path, mp, "same.onnx"), input_shapes={"x": (1, 3, 8, 8)})  # (the file's own shape: nothing stale)
    assert [layer.cost.macs for layer in m.layers] == [4 * 3 * 9 * 64, 4 * 4 * 9 * 64] and not any("declares the shapes" in n for n in m.notes)


def test_declared_shapes_at_the_traced_size_of_a_symbolic_dim_are_inferred_anew(tmp_path):
    """A file whose input is [1, seq, 8] may still declare an intermediate at the size it was
    traced at ([1, 7, 8]: an exporter that lost the symbol).  A Relu passes a shape on unchecked,
    so with --dim seq=16 (or --input-shape) the MatMul after it counted 7 rows, not 16, and said
    nothing.  A value given to a symbolic dimension clears the declared shapes as a changed fixed
    one does; the default batch of 1 does not."""
    mp = model([node("Relu", ["x"], "r"), node("MatMul", ["r", "W"], "y")], [("x", ["N", "seq", 8])], ["y"], [init("W", 8, 16)])
    mp.graph.value_info.append(helper.make_tensor_value_info("r", TensorProto.FLOAT, [1, 7, 8]))
    path = save(tmp_path, mp)
    for kwargs in ({"dims": {"seq": 16}}, {"input_shapes": {"x": (1, 16, 8)}}):
        m = read_onnx(path, **kwargs)
        assert [(layer.output_shape, layer.cost.macs) for layer in m.layers] == [((1, 16, 8), 0), ((1, 16, 16), 16 * 8 * 16)]
        assert any("they are inferred anew" in n for n in m.notes)
    m = read_onnx(path, input_shapes={"x": (4, 16, 8)})  # a batch given: the declared 1 is stale too
    assert m.layers[1].output_shape == (4, 16, 16) and m.layers[1].cost.macs == 4 * 16 * 8 * 16
    mp.graph.value_info[0].CopyFrom(helper.make_tensor_value_info("r", TensorProto.FLOAT, [1, 16, 8]))  # a file fixing seq: untouched
    mp.graph.input[0].CopyFrom(helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 16, 8]))
    m = read_onnx(save(tmp_path, mp, "fixed.onnx"))
    assert m.layers[1].cost.macs == 16 * 8 * 16 and not any("inferred anew" in n for n in m.notes)


def test_an_input_declared_empty_is_counted_as_declared_but_an_empty_batch_is_an_error(tmp_path):
    """Found by round 47 (onnx's own node tests): an input declared with a 0 dimension -- an empty
    list of axes (ReduceSum over all axes), CastLike's ``like``, a decoder traced with an empty
    cache -- was refused ("set a real shape"), and --input-shape takes no 0: 159 of the tests
    could not be counted.  It is the file's shape, what onnxruntime runs: counted so, with a
    note; its one value (empty) is known, so an empty ``axes`` gives ReduceSum's output shape.
    A 0 first dimension of a tensor of rank > 1 (an empty batch: every count 0) stays an error."""
    m = read_onnx(save(tmp_path, conv_model(spatial=("0", "8"))))  # (a 3x3 conv of an empty image: it cannot run, said)
    assert not m.layers and [u.name for u in m.uncounted] == ["y"] and "kernel is larger than the padded input" in m.uncounted[0].reason
    assert "dimension 2 of input 'x' is declared 0: an empty tensor (an empty cache, an empty list of axes), so what it sizes counts 0" in m.notes
    with pytest.raises(InputError, match=r"input 'x' has a zero-sized dimension 0; set a real shape with --input-shape"):
        read_onnx(save(tmp_path, conv_model(batch=0)))
    reduce = model([node("ReduceSum", ["x", "axes"], "y", keepdims=1), node("MatMul", ["y", "W"], "z")], [("x", [3, 2, 2]), ("axes", vi("axes", [0], TensorProto.INT64))],
                   inits=[init("W", 1, 5)], opset=18)  # fmt: skip
    m = read_onnx(save(tmp_path, reduce, "reduce.onnx"))
    assert [(layer.output_shape, layer.cost.macs) for layer in m.layers] == [((1, 1, 1), 0), ((1, 1, 5), 5)] and not m.uncounted
    reduce.graph.input[1].CopyFrom(vi("axes", ["n_axes"], TensorProto.INT64))  # (a list's length given 0 by --dim: the same)
    m = read_onnx(save(tmp_path, reduce, "reduce_dim.onnx"), dims={"n_axes": 0})
    assert [(layer.output_shape, layer.cost.macs) for layer in m.layers] == [((1, 1, 1), 0), ((1, 1, 5), 5)] and not m.uncounted
    past = model([node("Concat", ["past", "k"], "kk", axis=2), node("Transpose", ["kk"], "kt", perm=[0, 1, 3, 2]), node("MatMul", ["q", "kt"], "s")],
                 [("q", [1, 2, 4, 8]), ("k", [1, 2, 4, 8]), ("past", [1, 2, 0, 8])])  # fmt: skip
    assert read_onnx(save(tmp_path, past, "past.onnx")).layers[-1].cost.macs == 2 * 4 * 8 * 4
    empty = model([node("ReduceSum", ["x", "axes"], "y", keepdims=1)], [("x", [2, 0, 4]), ("axes", vi("axes", [1], TensorProto.INT64))], ["y"], opset=18)
    empty.graph.output[0].CopyFrom(vi("y", [2, 1, 4]))  # (round 47: the file's declared output was dropped, printed [], as if a shape was given)
    m = read_onnx(save(tmp_path, empty, "empty_set.onnx"))
    assert [(layer.output_shape, layer.cost.macs) for layer in m.layers] == [((2, 1, 4), 0)] and not any("inferred anew" in n for n in m.notes)


# --------------------------------------------------------------------------
# Weights: shared, from a graph input, from a Constant node


def test_shared_weight_counted_once(tmp_path):
    nodes = [node("Conv", ["x", "W", "B"], "a", pads=[1] * 4), node("Conv", ["a", "W", "B"], "b", pads=[1] * 4)]
    m = read(tmp_path, nodes, [("x", [1, 4, 8, 8])], None, [init("W", 4, 4, 3, 3), init("B", 4)])
    a, b = m.layers
    assert a.cost.macs == b.cost.macs == 4 * 4 * 9 * 64
    assert (a.cost.weights, a.cost.biases) == (144, 4)
    assert (b.cost.weights, b.cost.biases) == (0, 0)
    assert "shared with a" in b.note
    assert cost.analyze(m).totals.params == 148


def test_a_negative_count_is_an_input_error_naming_its_node(tmp_path, monkeypatch):
    """The last guard of the reader: a count that went negative must never pass a gate.  The
    Sigmoid between two Relus gets a negative cost from a patched handler (the Relus share one
    cost object, checked once, and come first)."""
    from dscost.readers import onnx_ops
    from dscost.readers.handlers import Result

    monkeypatch.setitem(onnx_ops.HANDLERS, "Sigmoid", lambda info: Result("act", Cost(other_ops=-1)))
    nodes = [node("Relu", ["x"], "a"), node("Relu", ["a"], "b"), node("Sigmoid", ["b"], "s"), node("Relu", ["s"], "c")]
    with pytest.raises(InputError, match=r"node 's' gives a negative count"):
        read(tmp_path, nodes, [("x", [1, 4, 8, 8])])


def test_weight_through_identity_is_a_constant_of_its_own(tmp_path):
    """torch.onnx dedups equal-valued initializers (e.g. an untrained model's zero biases)
    and hands the copy out through an Identity node.  In the model these are distinct
    parameters (sum(p.numel()) counts each), so each Identity copy counts as its own
    constant -- and a MatMul on one is still an FC layer.  The same tensor *name* used
    twice stays shared (counted once)."""
    nodes = [
        node("MatMul", ["x", "W"], "a"),
        node("Identity", ["W"], "W_copy"),
        node("MatMul", ["a", "W_copy"], "b"),
        node("MatMul", ["b", "W"], "c"),
    ]
    m = read(tmp_path, nodes, [("x", [2, 16])], None, [init("W", 16, 16)])
    by = {layer.name: layer for layer in m.layers}
    a, b, c = by["a"], by["b"], by["c"]
    assert a.type == b.type == c.type == "fc"
    assert a.cost.macs == b.cost.macs == c.cost.macs == 2 * 16 * 16
    assert (a.cost.weights, b.cost.weights, c.cost.weights) == (256, 256, 0)
    assert "shared with a" in c.note
    assert cost.analyze(m).totals.params == 2 * 256


@pytest.mark.parametrize("through_if", [False, True])
def test_a_copy_of_a_computed_table_is_not_a_parameter(tmp_path, through_if):
    """A RoPE table computed in the model's code (transformers' DINOv3: patch coordinates, a
    Constant node, times 2 pi, then Cos) and handed on by an Identity -- the branch an If on
    shapes takes, resolved -- is no parameter: only a copy of a stored tensor is one of its own."""
    coords = helper.make_node("Constant", [], ["coords"], name="coords", value=init("c", 16, value=[i / 16 for i in range(16)]))
    scale = helper.make_node("Constant", [], ["two_pi"], name="two_pi", value=init("tp", 1, value=[6.2831855]))
    table = [coords, scale, node("Mul", ["coords", "two_pi"], "angles"), node("Cos", ["angles"], "cos")]
    if through_if:  # (torch's Tile on a traced size: If(Less(Size - Size, 0)) whose taken branch is an Identity)
        branch = lambda n: helper.make_graph([node("Identity", ["cos"], n)], n, [], [helper.make_empty_tensor_value_info(n)])  # noqa: E731
        table += [node("Shape", ["cos"], "s"), node("Size", ["s"], "rank"), node("Less", ["rank", "rank"], "cond"),
                  helper.make_node("If", ["cond"], ["copy"], name="if", then_branch=branch("t"), else_branch=branch("e"))]  # fmt: skip
    else:
        table.append(node("Identity", ["cos"], "copy"))
    m = read(tmp_path, [*table, node("Mul", ["x", "copy"], "y")], [("x", [1, 16])], ["y"])
    y = {layer.name: layer for layer in m.layers}["y"]
    assert m.uncounted == [] and y.cost == Cost(other_ops=16)
    assert cost.analyze(m).totals.params == 0


@pytest.mark.parametrize("order", ["given", "reversed", "identity last"])
def test_nodes_out_of_order_are_sorted(tmp_path, order):
    """torch.onnx appends the Identity copies of deduplicated weights after their consumers;
    any acyclic order reads as the topological one."""
    nodes = [node("Identity", ["W"], "W_copy"), node("MatMul", ["x", "W_copy"], "a"), node("Relu", ["a"], "r"), node("MatMul", ["r", "W"], "b")]
    if order == "reversed":
        nodes = nodes[::-1]
    elif order == "identity last":
        nodes = nodes[1:] + nodes[:1]
    m = read(tmp_path, nodes, [("x", [2, 16])], ["b"], [init("W", 16, 16)])
    assert [(layer.name, layer.inputs, layer.cost.macs, layer.cost.weights) for layer in m.layers] == [
        ("W_copy", (), 0, 0), ("a", ("x",), 512, 256), ("r", ("a",), 0, 0), ("b", ("r",), 512, 256)]  # fmt: skip


def test_the_order_check_in_one_pass():
    """onnx_order._in_order: in order unless a node reads a tensor a later node (or itself) makes;
    a tensor made twice goes to the full sort; initializers, graph inputs and "" are there already.
    In order, it gives the tensors the nodes make (the shape check after inference reads them)."""
    from types import SimpleNamespace as N

    from dscost.readers.onnx_order import _in_order

    def check(pairs, given=("x", "W")):
        return _in_order([N(input=i, output=o) for i, o in pairs], set(given))[0]

    assert check([(["x", "W"], ["a"]), (["a"], ["b"]), (["a", "b", ""], ["c", ""]), (["c"], ["", "d"])]) == {"a", "b", "c", "d"}
    assert check([(["b"], ["a"]), (["x"], ["b"])]) is None  # a reads b before it is made
    assert check([(["x", "a"], ["a"])]) is None  # a node reading its own output
    assert check([(["x"], ["a"]), (["a"], ["a"])]) is None  # a made twice
    assert check([(["x"], ["W"]), (["W"], ["b"])]) == {"W", "b"}  # a node writing an initializer's name: it was there first
    assert check([(["missing"], ["a"])]) == {"a"}  # a dangling name is not a later node's (sort_nodes refuses it)
    assert _in_order([N(input=["missing", ""], output=["a"])], {"x"})[1] == ["missing", ""]  # what it set aside


@pytest.mark.parametrize("order", ["sorted", "unsorted"])
def test_an_input_that_no_node_makes_is_refused(tmp_path, order):
    """paddle2onnx 2.1 drops the RNN node of a paddle.nn.SimpleRNN and keeps the Transpose that
    reads its output: 0 MACs and nothing uncounted, had dscost taken the graph.  onnxruntime and
    onnx.checker refuse it; so does dscost, naming the node and the tensor (a graph out of
    order takes the full sort, which checks too)."""
    nodes = [node("Relu", ["x"], "r"), node("Transpose", ["rnn_out"], "y", perm=[1, 0, 2])]
    if order == "unsorted":
        nodes = [node("Add", ["r", "r"], "s"), *nodes]
    with pytest.raises(InputError, match=r"m.onnx: node 'y' \(Transpose\) reads 'rnn_out', which no node makes and which is neither a graph "
                                         r"input nor an initializer: the graph cannot run \(onnxruntime refuses it too\)"):  # fmt: skip
        read_onnx(save(tmp_path, model(nodes, [("x", [1, 2, 3])], ["y"])))


def test_weights_of_a_layer_on_constants_flow_on(tmp_path):
    """A node whose inputs are all constants makes a constant; the weights in its parameter
    inputs flow on with its data inputs' to the layer that uses it (torch counts 220 params
    for this model's PyTorch original: w 128, table 64, b 4, the Conv's 16 + 8)."""
    grid = onnx.numpy_helper.from_array(np.arange(32, dtype=np.float32).reshape(1, 2, 4, 4), "grid")
    nodes = [
        node("Sigmoid", ["w"], "sw"),
        helper.make_node("Constant", [], ["sixteen"], name="sixteen", value=onnx.numpy_helper.from_array(np.array(16.0, np.float32))),
        node("Mul", ["sixteen", "sw"], "scaled"),  # (swin v2's 16 * sigmoid(table))
        node("Add", ["x", "scaled"], "a"),
        helper.make_node("Constant", [], ["ones"], name="ones", value=onnx.numpy_helper.from_array(np.ones((4, 4), np.float32))),
        node("MatMul", ["table", "ones"], "tm"),
        node("Add", ["tm", "b"], "tb"),  # a bias added to a constant table
        node("ReduceSum", ["tb", "axes"], "cs", keepdims=0),
        node("Add", ["x2", "cs"], "a2"),
        helper.make_node("Constant", [], ["g"], name="g", value=grid),
        node("Conv", ["g", "W", "B"], "proj"),  # (xcit's token projection of a Fourier grid)
        node("Add", ["x", "proj"], "a3"),
    ]
    inits = [init("w", 1, 8, 4, 4), init("table", 16, 4), init("b", 4),
             init("axes", 1, dtype=np.int64, value=[0]), init("W", 8, 2, 1, 1), init("B", 8)]  # fmt: skip
    m = read(tmp_path, nodes, [("x", [1, 8, 4, 4]), ("x2", [1, 4])], ["a", "a2", "a3"], inits)
    by = {layer.name: layer for layer in m.layers}
    assert (by["a"].cost.params, by["a2"].cost.params, by["a3"].cost.params) == (128, 64 + 4, 16 + 8)
    assert by["proj"].cost.macs == 2 * 8 * 16 and by["proj"].cost.params == 0  # counted where the constant meets activations
    assert cost.analyze(m).totals.params == 220


def test_batchnorm_of_a_constant_passes_on_gamma_beta_not_running_stats(tmp_path):
    nodes = [node("BatchNormalization", ["t", "gamma", "beta", "mean", "var"], "tn"), node("Add", ["x", "tn"], "a")]
    inits = [init("t", 1, 4, 2, 2), init("gamma", 4), init("beta", 4), init("mean", 4), init("var", 4)]
    m = read(tmp_path, nodes, [("x", [1, 4, 2, 2])], None, inits)
    assert cost.analyze(m).totals.params == 16 + 4 + 4  # the table, gamma and beta


def test_code_table_through_sin_is_not_a_parameter(tmp_path):
    """Funnel/XLNet: a Constant node of sinusoid angles -> Sin -> MatMul with a weight W (16x8)
    -> the weight input of a MatMul with activations.  Only W is a parameter: a Constant node
    through an element-wise op is a value of the model's code, wherever it goes next."""
    table = np.arange(64, dtype=np.float32).reshape(4, 16) / 7
    nodes = [helper.make_node("Constant", [], ["ang"], name="ang", value=onnx.numpy_helper.from_array(table)),
             node("Sin", ["ang"], "pe"), node("MatMul", ["pe", "W"], "r"), node("MatMul", ["x", "r"], "y")]  # fmt: skip
    m = read(tmp_path, nodes, [("x", [1, 5, 4])], None, [init("W", 16, 8)])
    assert cost.analyze(m).totals.params == 16 * 8
    assert {layer.name: layer.cost.macs for layer in m.layers}["y"] == 5 * 4 * 8


def test_nonzero_of_a_known_tensor_is_folded(tmp_path):
    """Longformer's chunk indices: NonZero(ConstantOfShape([12])) has a data-dependent shape,
    at most rank x 12 elements: folded, so the Gather and the MatMul after it have shapes."""
    nodes = [node("ConstantOfShape", ["n"], "ones", value=onnx.numpy_helper.from_array(np.array([1], np.int64))),
             node("NonZero", ["ones"], "nz"), node("Squeeze", ["nz", "ax0"], "idx"),
             node("Gather", ["x", "idx"], "xg", axis=1), node("MatMul", ["xg", "W"], "y")]  # fmt: skip
    inits = [init("n", 1, dtype=np.int64, value=[12]), init("ax0", 1, dtype=np.int64, value=[0]), init("W", 12, 8)]
    m = read(tmp_path, nodes, [("x", [1, 12])], ["y"], inits)
    assert not m.uncounted and {layer.name: layer.cost.macs for layer in m.layers}["y"] == 12 * 8


def test_shape_arithmetic_folds_with_the_graph_opset(tmp_path):
    """PaddleOCR's PP-OCRv6 recognizer (paddle2onnx, opset 11) computes a Reshape's shape through
    Squeeze and Unsqueeze with an ``axes`` attribute, as opset 11 has them: folded at the graph's
    opset (onnx's evaluator given a bare node runs the newest Unsqueeze, which takes axes as an
    input, and failed), so the MatMul after the Reshape is counted: 40 rows x 120 x 8."""
    nodes = [node("Shape", ["x"], "s"), node("Slice", ["s", "three", "four", "zero"], "s3"), node("Squeeze", ["s3"], "w", axes=[0]),
             node("Reshape", ["w", "scalar"], "w0"), node("Unsqueeze", ["w0"], "w1", axes=[0]),
             node("Concat", ["one", "w1", "c"], "shape", axis=0), node("Reshape", ["x", "shape"], "seq"),
             node("MatMul", ["seq", "W"], "y")]  # fmt: skip
    inits = [init(n, 1, dtype=np.int64, value=[v]) for n, v in (("three", 3), ("four", 4), ("zero", 0), ("one", 1), ("c", 120))]
    inits += [init("scalar", 0, dtype=np.int64), init("W", 120, 8)]
    m = read(tmp_path, nodes, [("x", [1, 120, 1, 40])], ["y"], inits, opset=11)
    assert not m.uncounted, m.uncounted
    assert {layer.name: (layer.output_shape, layer.cost.macs) for layer in m.layers}["y"] == ((1, 40, 8), 40 * 120 * 8)


@pytest.mark.parametrize("inputs, why", [([], "it has 0 input(s), and its op requires at least 1"),
                                         ([""], "its input 0 (X) is required, but the node gives none (an empty name)")])
def test_nonzero_without_its_input_is_read_not_folded(tmp_path, inputs, why):
    """A malformed NonZero (no input, or an absent one) must not reach the folding's size bound:
    an invalid graph, said at the node; the rest is counted."""
    nodes = [helper.make_node("NonZero", inputs, ["nz"], name="nz"), node("Relu", ["x"], "r")]
    m = read(tmp_path, nodes, [("x", [1, 4])], ["r"])
    assert [layer.name for layer in m.layers] == ["r"] and m.layers[0].cost == Cost(other_ops=4)
    assert [(u.name, u.reason) for u in m.uncounted] == [("nz", f"cannot derive cost: {why}: an invalid graph, the graph cannot run")]


def test_weight_as_graph_input(tmp_path):
    n = node("Conv", ["x", "W"], "y")
    m = read(tmp_path, [n], [("x", [1, 3, 8, 8]), ("W", [4, 3, 3, 3])])
    layer = m.layers[0]
    assert layer.cost == Cost(macs=4 * 3 * 9 * 36, weights=108)
    assert "graph input" in layer.note
    assert layer.inputs == ("x",)  # the weight is not a data edge


def test_weights_a_file_does_not_store_are_params_not_inputs(tmp_path):
    """Found by round 58: torch.onnx.export(..., export_params=False) writes the weights as graph
    inputs.  Where a weight goes by position (a Conv's, an LSTM's, a norm's) they counted; an
    embedding table (Gather), a Linear's weight (MatMul's B) and its bias (Add) were taken for
    activations: an Embedding(100, 32) + Linear(32, 9) counted 0 of 3,497 params, and memory
    held them as activations.  Read as initializers without values, the count is the stored
    file's: 12 x 32 x 9 = 3,456 MACs, 3,200 + 288 + 9 = 3,497 params; 'ids' the only input."""
    from dscost.memory import model_memory

    nodes = [node("Gather", ["emb.weight", "ids"], "emb"), node("MatMul", ["emb", "fc.weight"], "mm"), node("Add", ["mm", "fc.bias"], "fc")]
    ids = vi("ids", [1, 12], TensorProto.INT64)
    weights = [("emb.weight", [100, 32]), ("fc.weight", [32, 9]), ("fc.bias", [9])]
    stored = read_onnx(save(tmp_path, model(nodes, [("ids", ids)], inits=[init(n, *s) for n, s in weights]), "stored.onnx"))
    inputs = read_onnx(save(tmp_path, model(nodes, [("ids", ids), *weights]), "inputs.onnx"))
    assert (cost.analyze(inputs).totals.macs, cost.analyze(inputs).totals.params) == (3_456, 3_497) == (cost.analyze(stored).totals.macs, cost.analyze(stored).totals.params)
    assert [layer.cost for layer in inputs.layers] == [layer.cost for layer in stored.layers] and inputs.inputs == stored.inputs == [("ids", (1, 12), TensorProto.INT64)]
    assert model_memory(inputs).activation_bytes == model_memory(stored).activation_bytes and model_memory(inputs).weight_bytes == 3_497 * 4
    assert any(n.startswith("3 graph inputs are weights the file does not store, by where the graph reads them (as torch.onnx.export(..., export_params=False)") for n in inputs.notes)
    # a MatMul of two graph inputs: both data (onnx's node tests), no params; and a file that stores its weights keeps its other inputs as inputs
    both = read(tmp_path, [node("MatMul", ["a", "b"], "mm"), node("Add", ["mm", "c"], "add")], [("a", [4, 8]), ("b", [8, 3]), ("c", [3])])
    assert cost.analyze(both).totals.params == 0 and [i[0] for i in both.inputs] == ["a", "b", "c"]
    mixed = read(tmp_path, [node("MatMul", ["x", "W"], "mm"), node("Add", ["mm", "b"], "add")], [("x", [4, 8]), ("b", [3])], inits=[init("W", 8, 3)])
    assert [i[0] for i in mixed.inputs] == ["x", "b"] and cost.analyze(mixed).totals.params == 24
    # weights in Constant nodes (paddle2onnx): the float inputs an Add and a Mul take beside activations are data
    w = helper.make_node("Constant", [], ["W"], name="w", value=init("wv", 4, 3, 3, 3, value=np.arange(108)))
    consts = read(tmp_path, [w, node("Conv", ["x", "W"], "c"), node("Add", ["c", "s"], "a"), node("Mul", ["a", "t"], "m")],
                  [("x", [1, 3, 8, 8]), ("s", [1, 4, 6, 6]), ("t", [1, 4, 6, 6])])
    assert [i[0] for i in consts.inputs] == ["x", "s", "t"] and cost.analyze(consts).totals.params == 108
    # the data scaled by a literal first (x * (1 / 255)): x is data, the Linear's weight and bias its inputs' weights
    scale = helper.make_node("Constant", [], ["k"], name="k", value=init("kv", value=[1 / 255]))
    scaled = read(tmp_path, [scale, node("Mul", ["x", "k"], "xs"), node("MatMul", ["xs", "W"], "mm"), node("Add", ["mm", "b"], "fc")],
                  [("x", [4, 8]), ("W", [8, 3]), ("b", [3])])
    assert [i[0] for i in scaled.inputs] == ["x"] and cost.analyze(scaled).totals.params == 24 + 3


def test_weight_from_constant_node(tmp_path):
    nodes = [
        helper.make_node("Constant", [], ["W"], name="wconst", value=init("wvalue", 4, 3, 3, 3, value=range(108))),
        node("Conv", ["x", "W"], "y"),
    ]
    m = read(tmp_path, nodes, [("x", [1, 3, 8, 8])])
    conv = m.layers[1]
    assert conv.cost == Cost(macs=4 * 3 * 9 * 36, weights=108)
    assert "Constant node wconst" in conv.note
    assert conv.inputs == ("x",)
    assert m.layers[0].type == "shape" and m.layers[0].cost == Cost()


@pytest.mark.parametrize("stored_in", ["Constant nodes", "Constant nodes, a weight an initializer"])
def test_a_file_that_stores_its_parameters_in_constant_nodes_counts_its_biases(tmp_path, stored_in):
    """paddle2onnx writes every parameter as a Constant node and a conv's bias as an Add after it
    (PP-OCR's files, round 38): a Constant node there is a learned bias, counted as an
    initializer's would be (8 + 8 LayerNorm-like scales; 0 before).  A file that stores a learned
    tensor as an initializer (torch.onnx) keeps the rule that a Constant node an element-wise op
    meets is a value of the model's code: the same graph with the conv weight an initializer
    counts neither bias nor scale."""
    rng = np.random.default_rng(0)
    const = lambda t, a: helper.make_node("Constant", [], [t], name=t, value=numpy_helper.from_array(a, t))  # noqa: E731
    w = rng.standard_normal((8, 4, 3, 3)).astype(np.float32)
    nodes = [
        const("conv2d_0.b_0", rng.standard_normal(8).astype(np.float32)),
        const("ln.w_0", rng.standard_normal((8, 1, 1)).astype(np.float32)),
        node("Conv", ["x", "conv2d_0.w_0"], "c", pads=[1, 1, 1, 1]),
        node("Reshape", ["conv2d_0.b_0", "shape"], "b4"),
        node("Add", ["c", "b4"], "y"),
        node("Mul", ["y", "ln.w_0"], "z"),
    ]
    inits = [init("shape", 4, dtype=np.int64, value=[1, 8, 1, 1])]
    if stored_in == "Constant nodes":
        nodes.insert(0, const("conv2d_0.w_0", w))
    else:
        inits.append(numpy_helper.from_array(w, "conv2d_0.w_0"))
    m = read(tmp_path, nodes, [("x", [1, 4, 16, 16])], ["z"], inits)
    by = {layer.name: layer for layer in m.layers}
    assert by["c"].cost.weights == 288 and not m.uncounted
    if stored_in == "Constant nodes":
        assert (by["y"].cost.biases, by["z"].cost.weights) == (8, 8) and "'conv2d_0.b_0'" in by["y"].note
        assert cost.analyze(m).totals.params == 288 + 8 + 8
    else:
        assert (by["y"].cost.biases, by["z"].cost.weights) == (0, 0) and "not a parameter" in by["y"].note
        assert cost.analyze(m).totals.params == 288


def test_a_weight_only_measured_by_shape_is_not_a_parameter(tmp_path):
    """Found by round 41 (keras-hub's Mixtral through tf2onnx): the converter leaves a second,
    differently laid-out copy of each expert weight whose only use is Shape -> Gather -> Concat
    (a Reshape target beside an activation's size).  A Shape's value is its input's shape, none
    of its elements: the copy is no parameter (it was counted at the Concat: Mixtral +49,152).
    X (4, 8) @ W (8, 16): 512 MACs, 128 params."""
    nodes = [node("MatMul", ["x", "W"], "y"), node("Shape", ["W2"], "s"), node("Gather", ["s", "idx"], "g", axis=0),
             node("Shape", ["y"], "sy"), node("Gather", ["sy", "idx"], "gy", axis=0), node("Concat", ["g", "gy"], "target", axis=0),
             node("Reshape", ["y", "target"], "z")]  # fmt: skip
    inits = [init("W", 8, 16), init("W2", 1, 4, 2, 16), init("idx", 1, dtype=np.int64, value=[1])]
    m = read(tmp_path, nodes, [("x", [4, 8])], ["z"], inits)
    totals = cost.analyze(m).totals
    assert (totals.macs, totals.params) == (512, 128) and not m.uncounted


def test_constant_node_of_one_repeated_value_is_a_literal(tmp_path):
    """torch.zeros/ones written in forward: an RNN's zero initial state expanded to the batch,
    GroupNorm's identity affine when exported as InstanceNormalization -- not parameters."""
    nodes = [
        helper.make_node("Constant", [], ["h0"], name="h0", value=init("zeros", 1, 1, 8)),
        node("Expand", ["h0", "shape"], "h0b"),
        node("Add", ["x", "h0b"], "y"),
        helper.make_node("Constant", [], ["one"], name="one", value=init("ones", 1, value=[1.0])),
        helper.make_node("Constant", [], ["zero"], name="zero", value=init("zero1", 1, value=[0.0])),
        node("Reshape", ["y", "g1"], "yg"),
        node("InstanceNormalization", ["yg", "one", "zero"], "n"),
    ]
    inits = [init("shape", 3, dtype=np.int64, value=[1, 4, 8]), init("g1", 3, dtype=np.int64, value=[1, 1, 32])]
    m = read(tmp_path, nodes, [("x", [1, 4, 8])], inits=inits)
    by = {layer.name: layer for layer in m.layers}
    assert by["h0b"].cost == Cost() and by["y"].cost == Cost(other_ops=32)
    assert by["n"].cost == Cost(other_ops=5 * 32) and "literal" in by["n"].note
    assert cost.analyze(m).totals.params == 0


def test_weights_made_by_constant_of_shape_are_not_params_and_a_note_says_so(tmp_path):
    """The onnx package's "light" zoo models (backend/test/data/light) replace every weight by a
    ConstantOfShape of its shape: the MACs stay (4*27*64 = 6,912), no parameter is in the file,
    and a note says which layers' weights are such literals (an InstanceNorm's ones are not named)."""
    nodes = [node("ConstantOfShape", ["w_shape"], "W", value=helper.make_tensor("v", TensorProto.FLOAT, [1], [0.0])),
             node("Conv", ["x", "W"], "conv", pads=[1, 1, 1, 1])]  # fmt: skip
    m = read(tmp_path, nodes, [("x", [1, 3, 8, 8])], inits=[init("w_shape", 4, dtype=np.int64, value=[4, 3, 3, 3])])
    conv = {layer.name: layer for layer in m.layers}["conv"]
    assert conv.cost == Cost(macs=6_912) and "computed from literals and shapes only" in conv.note
    assert "the weights of 1 layer(s) (conv) are literals (one repeated value, or computed from shapes only: ConstantOfShape)" in " ".join(m.notes)
    assert not any("are literals" in n for n in read(tmp_path, [node("InstanceNormalization", ["x", "one", "zero"], "n")], [("x", [1, 3, 8, 8])],
                                                      inits=[init("one", 3, value=[1.0] * 3), init("zero", 3)]).notes)  # fmt: skip


def test_big_constant_node_is_stripped_but_counted(tmp_path):
    """64x64x3x3 floats = 147 KB > BIG_NODE_BYTES: its data is skipped, its dims kept, and it
    counts as weights; unless it holds one repeated value (zeros), a literal like a small one."""
    for values, weights in ((np.arange(64 * 64 * 9) % 7, 64 * 64 * 9), (None, 0)):
        nodes = [helper.make_node("Constant", [], ["W"], name="wconst", value=init("wv", 64, 64, 3, 3, value=values)), node("Conv", ["x", "W"], "y")]
        m = read(tmp_path, nodes, [("x", [1, 64, 4, 4])])
        assert m.layers[1].cost == Cost(macs=64 * 64 * 9 * 4, weights=weights)


def test_weight_computed_by_a_node(tmp_path):
    # the weight is stored transposed and un-transposed in the graph
    nodes = [node("Transpose", ["W0"], "W", perm=[1, 0, 2, 3]), node("Conv", ["x", "W"], "y")]
    m = read(tmp_path, nodes, [("x", [1, 3, 8, 8])], None, [init("W0", 3, 4, 3, 3)])
    assert m.layers[1].cost.weights == 108
    assert "computed by node W (Transpose)" in m.layers[1].note


def test_large_initializer_not_read_small_shape_kept(tmp_path):
    # a 1 MB FC weight next to a Reshape whose target is a small int64 initializer
    nodes = [node("Reshape", ["x", "shape"], "flat"), node("MatMul", ["flat", "W"], "fc")]
    inits = [init("shape", 2, dtype="int64", value=[1, -1]), init("W", 1024, 256)]
    m = read(tmp_path, nodes, [("x", [1, 16, 8, 8])], None, inits)
    assert m.layers[0].output_shape == (1, 1024)
    assert m.layers[1].cost == Cost(macs=262_144, weights=262_144)


# --------------------------------------------------------------------------
# Subgraphs, blocks


def test_if_and_loop_are_reported_not_crashed_on(tmp_path):
    then_g = helper.make_graph([node("Relu", ["x"], "t")], "then", [], [vi("t", [1, 4])])
    else_g = helper.make_graph([node("Sigmoid", ["x"], "e"), node("Neg", ["e"], "e2")], "else", [], [vi("e2", [1, 4])])
    body = helper.make_graph(
        [node("Identity", ["cond_in"], "cond_out"), node("Relu", ["v_in"], "v_out")],
        "body",
        [vi("i", [], TensorProto.INT64), vi("cond_in", [], TensorProto.BOOL), vi("v_in", [1, 4])],
        [vi("cond_out", [], TensorProto.BOOL), vi("v_out", [1, 4])],
    )
    nodes = [
        node("Relu", ["x"], "r"),
        helper.make_node("If", ["c"], ["branch"], name="if1", then_branch=then_g, else_branch=else_g),
        helper.make_node("Loop", ["trips", "", "r"], ["looped"], name="loop1", body=body),
        node("Add", ["branch", "looped"], "sum"),
    ]
    inputs = [("x", [1, 4]), ("c", helper.make_tensor_value_info("c", TensorProto.BOOL, [])), ("trips", vi("trips", [], TensorProto.INT64))]
    m = read(tmp_path, nodes, inputs)
    un = {u.name: u for u in m.uncounted}
    assert un["if1"].op == "If" and "then_branch: 1 nodes (Relu x1)" in un["if1"].reason and "else_branch: 2 nodes" in un["if1"].reason
    assert un["loop1"].op == "Loop" and "body: 2 nodes" in un["loop1"].reason
    assert un["loop1"].reason.startswith("Loop: its number of iterations depends on a run-time value: its trip count 'trips' is not a constant")
    # a trip count given at run time (a constant one is counted: test_onnx_loops.py), and a
    # Loop's carried value may change shape, so onnx leaves its output shape open:
    # the Add after it becomes an "unknown shape" row, not a crash and not a zero
    assert "unknown shape" in un["sum"].reason and un["sum"].reason.endswith("; shapes lost at loop1 (Loop: its outputs depend on its trip count); --measure-sizes counts them at one run")
    assert [layer.name for layer in m.layers] == ["r"]


def test_if_on_a_graph_input_counts_the_weights_its_branches_read(tmp_path):
    """optimum's merged decoder: one If on the graph input use_cache_branch, both branches using
    the graph's weights by name.  The If is uncounted (its reason names the input), and the
    weights its bodies read -- W in both branches, B in one -- are its params, each once."""
    then_g = helper.make_graph([node("MatMul", ["x", "W"], "t")], "then", [], [vi("t", [1, 8])])
    else_g = helper.make_graph([node("MatMul", ["x", "W"], "e0"), node("Add", ["e0", "B"], "e")], "else", [], [vi("e", [1, 8])])
    nodes = [helper.make_node("If", ["use_cache_branch"], ["y"], name="optimum::if", then_branch=then_g, else_branch=else_g)]
    inputs = [("x", [1, 4]), ("use_cache_branch", helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]))]
    m = read(tmp_path, nodes, inputs, ["y"], [init("W", 4, 8), init("B", 8)])
    (u,) = m.uncounted
    assert u.params == 4 * 8 + 8 and u.reason.endswith("; which branch runs depends on the graph input 'use_cache_branch' (give it: --input-value use_cache_branch=0 or 1)")
    assert cost.analyze(m).totals.params == 40


def test_unknown_shape_names_where_shapes_were_lost(tmp_path):
    """A detector's decoding: NonZero of run-time data has a data-dependent size, and so has
    everything after it; a ConstantOfShape whose shape is a run-time value likewise.  Each
    "unknown shape" reason names the node where shapes were lost, however far up it is."""
    nodes = [node("NonZero", ["x"], "nz"), node("Transpose", ["nz"], "nzt"), node("Cast", ["nzt"], "f", to=TensorProto.FLOAT),
             node("MatMul", ["f", "W"], "y"), node("Relu", ["y"], "r"),
             node("ReduceMax", ["x"], "mx", keepdims=0), node("Cast", ["mx"], "n", to=TensorProto.INT64),
             node("Reshape", ["n", "one"], "n1"), node("ConstantOfShape", ["n1"], "zeros"), node("Relu", ["zeros"], "r2")]  # fmt: skip
    inits = [init("W", 2, 3), init("one", 1, dtype=np.int64, value=[1])]
    m = read(tmp_path, nodes, [("x", [4, 4])], ["r", "r2"], inits)
    un = {u.name: u.reason for u in m.uncounted}
    nonzero = "; shapes lost at nz (NonZero: its output size depends on the data); --measure-sizes counts them at one run"
    assert un["y"] == "unknown shape of input 0 ('f')" + nonzero and un["r"].endswith(nonzero)
    assert un["r2"] == "unknown shape of input 0 ('zeros'); shapes lost at zeros (ConstantOfShape: a shape-giving input's value is computed at run time); --measure-sizes counts them at one run"
    assert {layer.name for layer in m.layers} >= {"nz", "mx", "n", "n1"}


def test_a_shape_lost_with_constant_shape_inputs_is_not_blamed_on_run_time(tmp_path):
    """A Resize whose sizes are an initializer but whose output onnx leaves open (sizes [1, 1] with
    not_larger make 19x2 an empty 1x0): nothing about it is computed at run time."""
    nodes = [node("Resize", ["x", "roi", "", "sizes"], "y", axes=[2, 3], keep_aspect_ratio_policy="not_larger"), node("Relu", ["y"], "r")]
    inits = [init("roi", 0), init("sizes", 2, dtype=np.int64, value=[1, 1])]
    m = read(tmp_path, nodes, [("x", [1, 3, 19, 2])], ["r"], inits, opset=19)
    assert {u.name: u.reason for u in m.uncounted}["r"] == (
        "unknown shape of input 0 ('y'); shapes lost at y (Resize: onnx shape inference left its output open)")


@pytest.mark.parametrize("act", ["Relu", "Clip6"])
def test_dw_bn_act_pw_block_detected(tmp_path, act):
    if act == "Relu":
        act_nodes = [node("Relu", ["bn"], "act")]
    else:  # ReLU6 as exported by PyTorch: Clip with bounds from Constant nodes
        act_nodes = [
            helper.make_node("Constant", [], ["lo"], name="lo", value=init("lo_v", value=0.0)),
            helper.make_node("Constant", [], ["hi"], name="hi", value=init("hi_v", value=6.0)),
            node("Clip", ["bn", "lo", "hi"], "act"),
        ]
    nodes = [
        node("Conv", ["x", "Wd"], "dw", group=8, pads=[1] * 4),
        node("BatchNormalization", ["dw", "s", "b", "m", "v"], "bn"),
        *act_nodes,
        node("Conv", ["act", "Wp", "Bp"], "pw"),
    ]
    inits = [init("Wd", 8, 1, 3, 3), init("Wp", 16, 8, 1, 1), init("Bp", 16)] + [init(k, 8) for k in "sbmv"]
    a = cost.analyze(read(tmp_path, nodes, [("x", [1, 8, 16, 16])], None, inits))
    assert [(b.depthwise, b.middle, b.pointwise) for b in a.blocks] == [("dw", ("bn", "act"), "pw")]
    # block -> one standard 3x3 conv 8->16 with the pw bias: 3*3*8*16*256 = 294,912 MACs
    removed = sum((layer.cost for layer in a.layers if layer.name in ("dw", "bn", "act", "pw")), Cost())
    assert a.all_standard.macs == a.totals.macs - removed.macs + 294_912


def test_unfolded_batchnorm_stays_in_the_block(tmp_path):
    """A BatchNorm left as a Mul and an Add of per-channel constants (tf2onnx's, TFLite's StableHLO
    files) between the depthwise and the 1x1 conv is part of the block, as a BatchNormalization is;
    an Add of two activations (a residual) is not.  With only BatchNorms and activations allowed
    between (find_blocks' ``through``, as before 2026-12-02), there is no block."""
    from dscost.cost import find_blocks
    from dscost.layers import PASS_THROUGH_TYPES

    nodes = [node("Conv", ["x", "Wd"], "dw", group=8, pads=[1] * 4), node("Mul", ["dw", "g"], "scale"), node("Add", ["scale", "b"], "shift"),
             node("Relu", ["shift"], "act"), node("Conv", ["act", "Wp"], "pw"),
             node("Conv", ["pw", "Wd2"], "dw2", group=16, pads=[1] * 4), node("Add", ["dw2", "pw"], "res"), node("Conv", ["res", "Wp2"], "pw2")]  # fmt: skip
    inits = [init("Wd", 8, 1, 3, 3), init("Wp", 16, 8, 1, 1), init("g", 8, 1, 1), init("b", 8, 1, 1), init("Wd2", 16, 1, 3, 3), init("Wp2", 4, 16, 1, 1)]
    m = read(tmp_path, nodes, [("x", [1, 8, 16, 16])], None, inits)
    a = cost.analyze(m)
    assert [(b.depthwise, b.middle, b.pointwise) for b in a.blocks] == [("dw", ("scale", "shift", "act"), "pw")]
    # dw -> pw made one 3x3 conv 8->16 on 16x16: 294,912 MACs in place of 9*8*256 + 8*16*256 = 51,200
    assert a.all_standard.macs == a.totals.macs - 51_200 + 294_912
    assert find_blocks(m.layers, PASS_THROUGH_TYPES) == []


# --------------------------------------------------------------------------
# External data


def external_model(tmp_path, location=None):
    mp = model([node("Gemm", ["a", "W"], "y", transB=1)], [("a", [1, 256])], inits=[init("W", 512, 256)])
    path = save(tmp_path, mp, save_as_external_data=True, all_tensors_to_one_file=True, location="m.data", size_threshold=1024)
    if location is not None:
        mp = onnx.load(str(path), load_external_data=False)
        for e in mp.graph.initializer[0].external_data:
            if e.key == "location":
                e.value = location
        onnx.save(mp, str(path))
    return path


def test_external_data_is_never_opened(tmp_path):
    path = external_model(tmp_path)
    os.remove(tmp_path / "m.data")  # counting needs dims only
    m = read_onnx(path)
    assert m.layers[0].cost == Cost(macs=131_072, weights=131_072)
    assert any("external data" in n and "missing" in n for n in m.notes)


@pytest.mark.parametrize("location", ["../outside.data", "/etc/passwd", "sub/../../x.data"])
def test_external_data_outside_folder_is_an_error(tmp_path, location):
    (tmp_path / "inner").mkdir()
    path = external_model(tmp_path / "inner", location)
    with pytest.raises(InputError, match="outside the model's folder") as e:
        read_onnx(path)
    assert str(path) in str(e.value) and "'W'" in str(e.value)


# --------------------------------------------------------------------------
# Bad input: one line naming the file, InputError (exit 2)


def bad(tmp_path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def good_bytes() -> bytes:
    mp = model([node("Conv", ["x", "W"], "y")], [("x", [1, 3, 8, 8])], inits=[init("W", 64, 3, 3, 3)])
    return mp.SerializeToString()


@pytest.mark.parametrize(
    "case, match",
    [
        ("missing", "no such file"),
        ("directory", "directory"),
        ("empty", "empty file"),
        ("truncated", "not a valid ONNX model"),
        ("garbage", "not a valid ONNX model"),
        ("text", "not"),
        ("no_graph", "no graph"),
        ("opset_too_new", "opset 999 is newer"),
        ("no_opset", "no opset_import"),
    ],
)
def test_bad_input(tmp_path, case, match):
    if case == "missing":
        p = tmp_path / "nope.onnx"
    elif case == "directory":
        p = tmp_path / "dir.onnx"
        p.mkdir()
    elif case == "empty":
        p = bad(tmp_path, "e.onnx", b"")
    elif case == "truncated":
        data = good_bytes()
        p = bad(tmp_path, "t.onnx", data[: len(data) - 100])
    elif case == "garbage":
        p = bad(tmp_path, "g.onnx", b"\xff" * 64)
    elif case == "text":
        p = bad(tmp_path, "x.onnx", b"name: mobilenet\nlayers: []\n")
    elif case == "no_graph":
        p = bad(tmp_path, "n.onnx", onnx.ModelProto(ir_version=8).SerializeToString())
    elif case == "opset_too_new":
        mp = onnx.ModelProto.FromString(good_bytes())
        mp.opset_import[0].version = 999
        p = bad(tmp_path, "o.onnx", mp.SerializeToString())
    else:
        mp = onnx.ModelProto.FromString(good_bytes())
        del mp.opset_import[:]
        p = bad(tmp_path, "o.onnx", mp.SerializeToString())
    with pytest.raises(InputError, match=match) as e:
        load(p)
    assert str(p) in str(e.value) and "\n" not in str(e.value)


def test_cli_bad_input_exit_2_one_line(tmp_path):
    p = bad(tmp_path, "t.onnx", good_bytes()[:-100])
    r = cli_run("analyze", str(p))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("dscost: error: ") and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_cli_strict_and_input_shape(tmp_path):
    nodes = [node("Conv", ["x", "W"], "y"), node("Unique", ["y"], "uniq")]
    path = save(tmp_path, model(nodes, [("x", ["N", 3, "H", "W"])], inits=[init("W", 4, 3, 3, 3)]))
    r = cli_run("analyze", str(path), "--input-shape", "x=2x3x10x10", "-f", "json")
    assert r.returncode == 0, r.stderr
    import json

    data = json.loads(r.stdout)
    assert data["totals"]["macs"] == 2 * 4 * 3 * 9 * 64
    assert data["uncounted"] and data["uncounted"][0]["op"] == "Unique"
    r = cli_run("analyze", str(path), "--input-shape", "x=1x3x10x10", "--strict", "-q")
    assert r.returncode == 1 and "Unique" in r.stderr


def test_progress_flag_is_harmless_off_a_tty(tmp_path, capsys):
    m = read_onnx(save(tmp_path, conv_model()), progress=True)
    assert m.layers and capsys.readouterr().err == ""


# --------------------------------------------------------------------------
# Weight bytes are skipped, whatever field holds them


def test_stripped_copy_holds_no_weight_bytes(tmp_path):
    from dscost.readers.onnx_wire import strip as _strip

    w_raw = init("W", 256, 64, 3, 3)  # raw_data, 590 KB
    w_list = helper.make_tensor("W2", TensorProto.FLOAT, [64, 256], [0.5] * (64 * 256))  # float_data, 64 KB
    nodes = [node("Conv", ["x", "W"], "c", pads=[1] * 4), node("GlobalAveragePool", ["c"], "g"), node("Flatten", ["g"], "f"), node("Gemm", ["f", "W2"], "fc", transB=1)]
    mp = model(nodes, [("x", [1, 64, 4, 4])], inits=[w_raw, w_list], opset=13)
    path = save(tmp_path, mp)
    data, st = _strip(path)
    assert path.stat().st_size > 600_000 and len(data) < 2_000
    assert {k: t.dims for k, t in st.initializers.items()} == {"W": [256, 64, 3, 3], "W2": [64, 256]}
    m = read_onnx(path)
    by = {layer.name: layer for layer in m.layers}
    assert by["c"].cost.weights == 147_456 and by["fc"].cost == Cost(macs=16_384, weights=16_384)


def test_strip_copies_plain_fields_and_rewrites_only_what_it_must(tmp_path):
    """The wire scanner's shortcuts (runs of small nodes searched at once, the common tensor layout)
    against hand-written bytes: longer-than-needed length prefixes show what was parsed and rebuilt."""
    from dscost.readers.onnx_wire import enc_len, enc_varint, strip as _strip

    def padded(number, payload):  # a two-byte length where one would do: kept only if copied as is
        return bytes((number << 3 | 2, len(payload) | 0x80, 0)) + payload

    alpha = padded(5, enc_len(1, b"alpha") + b"\x15\x00\x00\x80\x3f" + b"\xa0\x01\x01")
    relu = lambda a, b, *more: enc_len(1, a) + enc_len(2, b) + enc_len(4, b"LeakyRelu") + alpha + b"".join(more)  # noqa: E731
    body = enc_len(1, enc_len(1, b"c") + enc_len(2, b"t") + enc_len(4, b"Identity")) + enc_len(2, b"body")
    branch = enc_len(1, b"then_branch") + enc_len(6, body) + b"\xa0\x01\x05"
    if_node = enc_len(1, b"c") + enc_len(2, b"d") + enc_len(4, b"If")
    # b"\xa0\x01" ends the second node and b"\x0a" starts the third: a subgraph key across two nodes, in neither
    nodes = [relu(b"x", b"a"), relu(b"a", b"b", enc_len(6, b"doc\xa0\x01")), relu(b"b", b"c")]
    weights = b"\x5a" * 16384

    def tensor(*fields):
        return b"".join(fields)

    dims = lambda *ds: b"".join(enc_varint(1 << 3) + enc_varint(d) for d in ds)  # noqa: E731
    small = tensor(dims(2), b"\x10\x01", enc_len(8, b"s"), enc_len(9, b"\x00" * 8))
    inits = [
        (enc_len(5, small), enc_len(5, small)),  # small: kept, header and all
        (padded(5, small), enc_len(5, small)),  # small, its length prefix rewritten
        (enc_len(5, tensor(dims(64, 64), b"\x10\x01", enc_len(8, b"w1"), enc_len(9, weights))),
         enc_len(5, tensor(dims(64, 64), b"\x10\x01", enc_len(8, b"w1")))),
        (enc_len(5, tensor(enc_len(8, b"w2"), enc_len(1, b"\x40\x40"), b"\x10\x01", enc_len(9, weights))),  # packed dims, name first
         enc_len(5, tensor(enc_len(8, b"w2"), enc_len(1, b"\x40\x40"), b"\x10\x01"))),
        (enc_len(5, tensor(dims(64, 64), b"\x10\x01", enc_len(8, b"w3"), enc_len(9, weights), enc_len(12, b"doc"))),  # general path
         enc_len(5, tensor(dims(64, 64), b"\x10\x01", enc_len(8, b"w3"), enc_len(12, b"doc")))),
        (enc_len(5, tensor(dims(64, 64), b"\x10\x01", enc_len(8, b"w4"), enc_len(9, b""), enc_len(9, weights))),
         enc_len(5, tensor(dims(64, 64), b"\x10\x01", enc_len(8, b"w4")))),
    ]
    head = b"".join(enc_len(1, n) for n in nodes)
    tail = enc_len(1, relu(b"d", b"e")) + padded(1, relu(b"e", b"f"))  # a small node after the If; one with a long prefix
    graph_in = head + enc_len(1, if_node + padded(5, branch)) + tail + b"".join(i for i, _ in inits) + enc_len(2, b"g")
    graph_out = head + enc_len(1, if_node + enc_len(5, branch)) + tail + b"".join(o for _, o in inits) + enc_len(2, b"g")
    opset = enc_len(8, enc_varint(2 << 3) + enc_varint(17))
    path = tmp_path / "wire.onnx"
    path.write_bytes(enc_varint(1 << 3) + enc_varint(8) + opset + enc_len(7, graph_in))
    data, st = _strip(path)
    assert data == enc_varint(1 << 3) + enc_varint(8) + opset + enc_len(7, graph_out)
    assert st.n_nodes == 6 and st.weight_bytes == 16 + 4 * 16384
    assert {k: (t.dims, t.dtype, t.nbytes) for k, t in st.initializers.items()} == {
        "s": ([2], 1, 8), "w1": ([64, 64], 1, 16384), "w2": ([64, 64], 1, 16384), "w3": ([64, 64], 1, 16384), "w4": ([64, 64], 1, 16384)}


def test_a_big_node_of_unpacked_floats_and_ints_is_copied_as_it_is(tmp_path):
    """onnx.helper writes `value_floats` and `ints` unpacked (a tag per number): the wire scanner
    copies such runs as one slice (a Constant of 5M floats took 8 s field by field); the node is
    unchanged in the stripped copy, around a tensor attribute it does rewrite."""
    from dscost.readers.onnx_wire import strip as _strip

    floats = [0.5 * i for i in range(5000)]  # (25 KB: a node too big for the small-node shortcut)
    const = helper.make_node("Constant", [], ["c"], name="c", value_floats=floats)
    pool = helper.make_node("MaxPool", ["x"], ["p"], name="p", kernel_shape=[1, 1], pads=[0] * 4, strides=[1, 1], dilations=[i * 37 % 100000 + 1 for i in range(9000)])
    weights = helper.make_node("Constant", [], ["w"], name="w", value=onnx.numpy_helper.from_array(np.ones(4096, np.float32), "w"))
    mp = model([const, pool, weights, node("Mul", ["p", "c"], "y")], [("x", [1, 1, 1, 5000])], ["y"])
    path = save(tmp_path, mp)
    data, _ = _strip(path)
    got = onnx.ModelProto.FromString(data).graph.node
    assert got[0] == const and got[1] == pool and list(got[0].attribute[0].floats) == floats
    assert got[2].attribute[0].t.dims == [4096] and not got[2].attribute[0].t.raw_data  # (the tensor is stripped)


def test_model_local_function_is_inlined(tmp_path):
    fn = helper.make_function("local", "AddRelu", ["a", "b"], ["y"], [node("Add", ["a", "b"], "s"), node("Relu", ["s"], "y")], [helper.make_opsetid("", 17)])
    graph = helper.make_graph([helper.make_node("AddRelu", ["x", "x"], ["out"], name="call", domain="local")], "g", [vi("x", [1, 8])], [vi("out", [1, 8])])
    mp = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("local", 1)], functions=[fn])
    m = read_onnx(save(tmp_path, mp))
    assert not m.uncounted
    assert sorted(layer.op for layer in m.layers) == ["Add", "Relu"]
    assert sum((layer.cost for layer in m.layers), Cost()) == Cost(other_ops=16)


def _add_relu_call(domain_versions: dict[str, int], function_versions: dict[str, int]):
    """One call of the local function local.AddRelu (Add, Relu on [1, 8]) with these opset imports."""
    fn = helper.make_function("local", "AddRelu", ["a", "b"], ["y"], [node("Add", ["a", "b"], "s"), node("Relu", ["s"], "y")],
                              [helper.make_opsetid(d, v) for d, v in function_versions.items()])  # fmt: skip
    graph = helper.make_graph([helper.make_node("AddRelu", ["x", "x"], ["out"], name="call", domain="local")], "g", [vi("x", [1, 8])], [vi("out", [1, 8])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in domain_versions.items()], functions=[fn])


def test_a_local_function_importing_its_own_domain_at_another_version_is_inlined(tmp_path):
    """jax2onnx 0.17 imports a function's own domain at version 1 in the model and at 23 inside the
    function, and onnx's inliner skips such a function without a word: the reader's copy gives the
    function the model's version of it (a domain of local functions has no versions)."""
    mp = _add_relu_call({"": 17, "local": 1}, {"": 17, "local": 23})
    m = read_onnx(save(tmp_path, mp))
    assert not m.uncounted and sorted(layer.op for layer in m.layers) == ["Add", "Relu"]
    assert "1 model-local function(s) inlined (the opset version of their own domain inside 1 of them set to the model's, as onnx's inliner needs)" in m.notes
    assert onnx.load(str(tmp_path / "m.onnx")).functions[0].opset_import[1].version == 23  # (the user's file as it was)


def test_a_local_function_call_the_inliner_leaves_is_uncounted_and_said(tmp_path):
    """A function importing the default domain at another version than the model: onnx's inliner
    leaves its call, which is then an op of an unknown domain, never silently zero."""
    m = read_onnx(save(tmp_path, _add_relu_call({"": 17, "local": 1}, {"": 13})))
    assert [(u.name, u.op) for u in m.uncounted] == [("call", "AddRelu")] and not m.layers
    assert "0 model-local function(s) inlined; 1 call(s) of 1 that onnx's inliner could not inline are uncounted" in m.notes


def _doubling_functions(levels: int):
    """F0 is one MatMul [1, 8] x [8, 8]; F_i calls F_(i-1) twice; the graph one call of the last:
    2^(levels-1) MatMuls once inlined."""
    op = [helper.make_opsetid("", 17), helper.make_opsetid("evil", 1)]
    fns = [helper.make_function("evil", "F0", ["a", "b"], ["c"], [node("MatMul", ["a", "b"], "c")], op[:1])]
    for i in range(1, levels):
        fns.append(helper.make_function("evil", f"F{i}", ["a", "b"], ["c"], [helper.make_node(f"F{i - 1}", ["a", "b"], ["t"], domain="evil"),
                                                                             helper.make_node(f"F{i - 1}", ["t", "b"], ["c"], domain="evil")], op))  # fmt: skip
    graph = helper.make_graph([helper.make_node(f"F{levels - 1}", ["x", "w"], ["y"], name="n", domain="evil")], "g", [vi("x", [1, 8])], [vi("y", [1, 8])], [init("w", 8, 8)])
    return helper.make_model(graph, opset_imports=op, functions=fns)


def test_functions_calling_functions_are_inlined_up_to_a_bound(tmp_path):
    """Each level doubles the inlined graph: 5 levels are 16 MatMuls (16 * 64 MACs), 40 levels
    (2^39 nodes from a few KB) are refused before anything is expanded."""
    from dscost.readers.onnx_functions import MAX_INLINED_NODES, expanded_size

    m = read_onnx(save(tmp_path, _doubling_functions(5)))
    assert [layer.op for layer in m.layers] == ["MatMul"] * 16 and sum(layer.cost.macs for layer in m.layers) == 16 * 64
    assert expanded_size(_doubling_functions(40)) == 2**39 > MAX_INLINED_NODES
    path = save(tmp_path, _doubling_functions(40), "bomb.onnx")
    with pytest.raises(InputError, match=r"bomb.onnx: its model-local functions, which call each other, expand to more than 1,000,000 nodes when inlined$"):
        read_onnx(path)


def _defaults_model(defaults: tuple[str, ...]):
    """x [1, 3, 8, 8] -> Conv W [4, 3, 3, 3] (valid: 1x4x6x6, 4*27*36 = 3,888 MACs, 108 weights)
    -> If cond (then: MatMul of the flattened 144 by V [144, 10], 1,440 MACs; else: Identity).
    ``defaults``: the tensors that are graph inputs with an initializer of their name as well."""
    then = helper.make_graph([node("Flatten", ["y"], "f"), node("MatMul", ["f", "V"], "t")], "then", [], [vi("t", None)])
    other = helper.make_graph([node("Identity", ["y"], "e")], "else", [], [vi("e", None)])
    nodes = [node("Conv", ["x", "W"], "y", name="conv"), helper.make_node("If", ["cond"], ["out"], name="if", then_branch=then, else_branch=other)]
    tensors = {"x": init("x", 1, 3, 8, 8), "W": init("W", 4, 3, 3, 3), "V": init("V", 144, 10), "cond": init("cond", dtype=np.bool_, value=False)}
    declared = {"x": vi("x", [1, 3, 8, 8]), "W": vi("W", [4, 3, 3, 3]), "V": vi("V", [144, 10]), "cond": vi("cond", [], TensorProto.BOOL)}
    inputs = [declared["x"]] * ("x" not in defaults) + [declared[t] for t in defaults]
    graph = helper.make_graph(nodes, "g", inputs, [helper.make_empty_tensor_value_info("out")], initializer=[t for n, t in tensors.items() if n != "x" or "x" in defaults])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def test_an_input_with_a_default_value_is_a_run_time_input(tmp_path):
    """IR 4 on, an input with an initializer of its name is overridable: where other initializers
    are not inputs, one that only enters nodes first (the conv's data, the If's condition) is a
    run-time input, not a constant: the conv's weights stay params and the If stays undecided
    until --input-value picks its branch.  Where every initializer is an input (torch's
    keep_initializers_as_inputs), they are the weights, as before."""
    m = read_onnx(save(tmp_path, _defaults_model(("x", "cond", "W"))))
    assert [(layer.name, layer.cost.macs, layer.cost.params) for layer in m.layers] == [("conv", 3888, 108)]
    assert [u.op for u in m.uncounted] == ["If"] and [name for name, *_ in m.inputs] == ["x", "cond"]
    assert "2 graph input(s) with a default value (an initializer of the same name, which a caller may override: 'x', 'cond') counted as run-time inputs, at their declared shape" in m.notes
    m = read_onnx(save(tmp_path, _defaults_model(("x", "cond", "W"))), input_values={"cond": 1})
    assert sum(layer.cost.macs for layer in m.layers) == 3888 + 1440 and not m.uncounted
    m = read_onnx(save(tmp_path, _defaults_model(("cond", "W", "V"))))  # (every initializer an input: weights and constants)
    assert [(layer.name, layer.cost.params) for layer in m.layers] == [("conv", 108), ("e", 0)] and not m.uncounted  # (the else branch: cond is False)
    assert not any("default value" in n for n in m.notes)


def test_an_expand_to_a_shape_its_data_cannot_broadcast_to_is_a_graph_that_cannot_run(tmp_path):
    """torch's TorchScript exporter expands timm's mixed-RoPE ViT class token (1, 1, 384) to a
    fixed [1, 3, 3]: onnxruntime refuses it; the Expand is uncounted saying so (a PyTorch module
    is then exported again), and what follows it is uncounted; [1, -1 -> 1, ...] as torch writes
    expand(1, -1, -1) runs, and the MatMul after the Concat counts 197 x 384 x 64."""
    def graph(target):
        nodes = [helper.make_node("Constant", [], ["shp"], value=onnx.numpy_helper.from_array(np.array(target, np.int64))),
                 node("Expand", ["cls", "shp"], "e", name="expand"), node("Concat", ["e", "x"], "c", axis=1), node("MatMul", ["c", "w"], "y", name="mm")]  # fmt: skip
        return model(nodes, [("x", [1, 196, 384])], ["y"], [init("cls", 1, 1, 384), init("w", 384, 64)])

    m = read_onnx(save(tmp_path, graph([1, 3, 3])))
    assert [(u.name, u.reason) for u in m.uncounted][0] == ("expand", "cannot derive cost: its data (1, 1, 384) cannot expand to (1, 3, 3): the graph cannot run at these input shapes")
    mm = next(u for u in m.uncounted if u.name == "mm")  # (it quotes why the Expand cannot run, not "inference left its output open")
    assert mm.reason.endswith("shapes lost at expand (Expand: its data (1, 1, 384) cannot expand to (1, 3, 3): the graph cannot run at these input shapes)")
    m = read_onnx(save(tmp_path, graph([1, 1, 1]), "ok.onnx"))
    assert not m.uncounted and [layer.cost.macs for layer in m.layers if layer.name == "mm"] == [197 * 384 * 64]


def test_a_transpose_whose_perm_is_no_permutation_is_a_graph_that_cannot_run(tmp_path):
    """torch's TorchScript exporter fuses movedim(x, -1, 2) after a transpose into a perm reading
    past its axes ([0, 1, 49, 2, 4]; onnxruntime refuses it): the Transpose is uncounted saying
    the graph cannot run (a note too; a PyTorch module is then exported again), and what follows
    it is uncounted, quoting that reason."""
    nodes = [node("Transpose", ["x"], "t", name="fused", perm=[0, 1, 49, 2, 4]), node("MatMul", ["t", "y"], "z", name="mm")]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [1, 4, 8, 16, 3]), ("y", [1, 4, 16, 3, 5])])))
    t, u = m.uncounted
    assert (t.name, t.reason) == ("fused", "cannot derive cost: its perm [0, 1, 49, 2, 4] is no permutation of the 5 axes of its input: "
                                           "the graph cannot run at these input shapes")  # fmt: skip
    assert any(n.startswith("1 node(s) whose shapes (or indices) contradict each other ('fused')") for n in m.notes)
    assert u.name == "mm" and u.reason.endswith("shapes lost at fused (Transpose: its perm [0, 1, 49, 2, 4] is no permutation of the 5 axes of its input: "
                                                "the graph cannot run at these input shapes)")  # fmt: skip


# --------------------------------------------------------------------------
# Audit additions


def attention_heads_model():
    """PyTorch's multi-head split: head_dim = Shape(x)[2] / heads, through Div and Cast, which
    onnx's data propagation does not evaluate; then q @ k^T per head."""
    i64 = "int64"
    nodes = [
        node("Shape", ["x"], "shp"),
        node("Gather", ["shp", "two"], "e", axis=0),
        node("Div", ["e", "heads"], "hd"),
        node("Cast", ["hd"], "hd64", to=TensorProto.INT64),
        node("Unsqueeze", ["hd64", "ax0"], "hd1"),
        node("Concat", ["prefix", "hd1"], "target", axis=0),
        node("Reshape", ["x", "target"], "split"),  # (1, 12, 4, 16)
        node("Transpose", ["split"], "q", perm=[0, 2, 1, 3]),  # (1, 4, 12, 16)
        node("Transpose", ["split"], "kT", perm=[0, 2, 3, 1]),  # (1, 4, 16, 12)
        node("MatMul", ["q", "kT"], "scores"),
        node("Softmax", ["scores"], "attn", axis=-1),
    ]
    inits = [init("two", dtype=i64, value=2), init("heads", dtype=i64, value=4), init("ax0", 1, dtype=i64, value=[0]), init("prefix", 3, dtype=i64, value=[1, 12, 4])]
    return model(nodes, [("x", ["N", 12, 64])], inits=inits)


def test_shape_arithmetic_through_div_and_cast_is_resolved(tmp_path):
    path = save(tmp_path, attention_heads_model())
    import onnx.shape_inference

    plain = onnx.shape_inference.infer_shapes(onnx.load(str(path)), data_prop=True)
    assert not [v for v in plain.graph.value_info if v.name == "split" and v.type.tensor_type.shape.dim[-1].dim_value]  # the premise
    m = read_onnx(path)
    assert not m.uncounted, m.uncounted
    by = {layer.name: layer for layer in m.layers}
    assert by["split"].output_shape == (1, 12, 4, 16)
    # per head: 12x16 @ 16x12 = 12*16*12 = 2,304 MACs; 4 heads: 9,216; softmax 3*4*144 = 1,728
    assert by["scores"].cost == Cost(macs=9_216) and by["scores"].output_shape == (1, 4, 12, 12)
    assert by["attn"].cost == Cost(other_ops=1_728)


def test_weight_source_is_said_in_the_report_header(tmp_path):
    nodes = [node("Transpose", ["W0"], "W", perm=[1, 0, 2, 3]), node("Conv", ["x", "W"], "c1"), node("Conv", ["c1", "Wx", "Bx"], "c2")]
    path = save(tmp_path, model(nodes, [("x", [1, 3, 8, 8]), ("Wx", [4, 4, 1, 1]), ("Bx", [4])], inits=[init("W0", 3, 4, 3, 3)]))
    r = cli_run("analyze", str(path))
    assert r.returncode == 0, r.stderr
    assert "1 parameter tensor(s) come from Transpose node outputs, not initializers; counted once, by the initializers they are computed from (c1;" in r.stdout
    # (a layer named once for all its tensors: c2's weight and bias)
    assert "2 parameter tensor(s) come from graph inputs, not initializers; counted from their inferred shapes (c2;" in r.stdout


def test_bias_first_add_shows_the_data_input_shape(tmp_path):
    # PyTorch writes Linear's bias add as Add(bias, MatMul output)
    nodes = [node("MatMul", ["x", "W"], "mm"), node("Add", ["B", "mm"], "add")]
    m = read(tmp_path, nodes, [("x", [2, 10, 16])], None, [init("W", 16, 8), init("B", 8)])
    add = m.layers[1]
    assert add.input_shape == (2, 10, 8) and add.cost == Cost(other_ops=160, biases=8) and add.inputs == ("mm",)


def test_progress_bar_on_a_tty_only_and_silenced_by_quiet(tmp_path):
    from dscost.readers.onnx_reader import PROGRESS_NODES

    nodes = [node("Relu", ["x" if i == 0 else f"t{i - 1}"], f"t{i}") for i in range(PROGRESS_NODES)]
    path = save(tmp_path, model(nodes, [("x", [1, 4])]))
    for extra, expect_bar in (([], True), (["-q"], False)):
        code, out, err = run_with_stderr_on_a_terminal("analyze", str(path), "-f", "json", *extra, timeout=60)
        assert code == 0 and out.startswith(b"{")  # stdout stays clean JSON
        assert (b"inferring shapes" in err) == expect_bar, err[:200]


def test_ops_of_other_domains_are_uncounted_with_the_domain_named(tmp_path):
    """A custom domain's op, and an ONNX-ML op without a handler (a tree ensemble, test_onnx_ml.py
    has those counted): uncounted, each saying which."""
    nodes = [helper.make_node("TreeEnsembleRegressor", ["x"], ["n"], name="n", domain="ai.onnx.ml", n_targets=1, nodes_treeids=[0],
                              nodes_nodeids=[0], nodes_featureids=[0], nodes_modes=["LEAF"], nodes_values=[0.0], target_treeids=[0],
                              target_nodeids=[0], target_ids=[0], target_weights=[1.0]),
             helper.make_node("Fancy", ["n"], ["y"], name="y", domain="my.ops")]  # fmt: skip
    graph = helper.make_graph(nodes, "g", [vi("x", [1, 4])], [helper.make_empty_tensor_value_info("y")])
    mp = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3), helper.make_opsetid("my.ops", 1)])
    m = read_onnx(save(tmp_path, mp))
    assert [(u.name, u.reason) for u in m.uncounted] == [
        ("n", "ONNX-ML op (classical machine learning: linear models, trees, encoders): no cost handler"),
        ("y", "custom op of domain 'my.ops': no cost handler")]  # fmt: skip


def test_an_attribute_its_op_does_not_have_makes_an_invalid_graph(tmp_path):
    """Found by fuzzing (seed 1411): a Conv's ``pads`` mutated to ``xads`` (or to a name not valid
    UTF-8) was read as no padding, and counted: (1,4,8,8) * 3x3 -> (1,8,6,6), 8*4*9*36 = 10,368
    MACs where the file meant 8*4*9*64 = 18,432.  onnx's checker and onnxruntime refuse such a node
    ("Unrecognized attribute"): it is uncounted, saying why; the conv beside it is counted."""
    nodes = [node("Conv", ["x", "w"], "y", pads=[1, 1, 1, 1]), node("Conv", ["x", "w"], "z", pads=[1, 1, 1, 1])]
    data = model(nodes, [("x", [1, 4, 8, 8])], ["y", "z"], [init("w", 8, 4, 3, 3)]).SerializeToString()
    for garbled, shown in ((b"xads", "'xads'"), (b"\xf3ads", "b'\\xf3ads'")):
        path = tmp_path / "m.onnx"
        path.write_bytes(data.replace(b"pads", garbled, 1))
        m = read_onnx(path)
        assert [(layer.name, layer.cost.macs) for layer in m.layers] == [("z", 18_432)]
        assert [(u.name, u.reason) for u in m.uncounted] == [
            ("y", f"cannot derive cost: its attribute {shown} is not one of Conv's at opset 17: "
                  "an invalid graph, the graph cannot run")]  # fmt: skip


@pytest.mark.parametrize("attrs, why", [
    ({"pads": [1.0, 1.0, 1.0, 1.0]}, "its attribute 'pads' is FLOATS, where Conv takes INTS"),
    ({"group": 1.0}, "its attribute 'group' is FLOAT, where Conv takes INT"),
    ({"strides": 2}, "its attribute 'strides' is INT, where Conv takes INTS"),
])  # fmt: skip
def test_an_attribute_of_another_type_than_its_ops_makes_an_invalid_graph(tmp_path, attrs, why):
    """onnxruntime refuses an attribute of another type than the op's schema gives it
    ("Mismatched attribute type"): the node is uncounted, saying so, not read as if it were right."""
    m = read(tmp_path, [node("Conv", ["x", "w"], "y", **attrs)], [("x", [1, 4, 8, 8])], ["y"], [init("w", 8, 4, 3, 3)])
    assert not m.layers and [(u.name, u.reason) for u in m.uncounted] == [("y", f"cannot derive cost: {why}: an invalid graph, the graph cannot run")]


def _twice(n):
    n.attribute.append(helper.make_attribute("pads", [0, 0, 0, 0]))
    return n


@pytest.mark.parametrize("conv, why", [
    (_twice(node("Conv", ["x", "w"], "y", pads=[1, 1, 1, 1])), "its attribute 'pads' is given twice"),  # (dscost read the last: no padding)
    (node("Conv", ["x", "w", "b", "b"], "y"), "it has 4 inputs, where Conv takes 2 to 3"),
    (node("Conv", ["x", "w"], ["y", "y2"]), "it has 2 outputs, where Conv takes 1"),
])  # fmt: skip
def test_a_node_its_ops_schema_refuses_makes_an_invalid_graph(tmp_path, conv, why):
    """onnxruntime checks each node against its op's schema ("appeared multiple times", "input
    size 4 not in range [min=2, max=3]", "output size 2 not in range"): such a node is uncounted,
    saying why, where it was counted (10,368 MACs) before."""
    m = read(tmp_path, [conv], [("x", [1, 4, 8, 8])], ["y"], [init("w", 8, 4, 3, 3), init("b", 8)])
    assert not m.layers and [(u.name, u.reason) for u in m.uncounted] == [("y", f"cannot derive cost: {why}: an invalid graph, the graph cannot run")]


@pytest.mark.parametrize("attrs, why", [
    (dict(strides=[-1, 1]), "strides [-1, 1]: each must be at least 1"),
    (dict(dilations=[0, 0]), "dilations [0, 0]: each must be at least 1"),  # (counted 13,824 MACs, an empty output)
    (dict(pads=[-1, -1, -1, -1]), "pads [-1, -1, -1, -1]: each must be at least 0"),  # (counted 3,456 MACs)
    (dict(pads=[1 << 62] * 4), f"pads {[1 << 62] * 4}: a value too large for the sizes it makes to fit int64"),  # (counted 1.8e40 MACs)
    (dict(auto_pad="BOGUS"), "auto_pad 'BOGUS' is none of NOTSET, SAME_UPPER, SAME_LOWER, VALID"),  # (read as NOTSET)
])  # fmt: skip
def test_conv_attributes_onnxruntime_refuses_make_the_node_uncounted(tmp_path, attrs, why):
    """onnxruntime refuses these attributes ("dilations must only contain positive values", "pads must
    not contain negative values", "Integer overflow", "Unknown AutoPadType String"): uncounted, saying
    why, so that a check does not pass a file that cannot be loaded.  (onnx before 1.23 infers a
    negative size for some of them: then the file is refused, naming the node -- not counted either way.)"""
    try:
        m = read(tmp_path, [node("Conv", ["x", "w"], "y", **attrs)], [("x", [1, 4, 8, 8])], ["y"], [init("w", 8, 4, 3, 3)])
    except InputError as err:
        assert tuple(int(v) for v in onnx.__version__.split(".")[:2]) < (1, 23) and "has a negative dimension" in str(err) and "(made by node 'y' (Conv)" in str(err), str(err)
        return
    assert not m.layers and [u.reason for u in m.uncounted] == [f"cannot derive cost: {why}: an invalid graph, the graph cannot run"]


@pytest.mark.parametrize("op", ["Conv", "MaxPool"])
def test_a_stride_of_0_is_refused_before_shape_inference(tmp_path, op):
    """onnx 1.17's shape inference dies of a stride of 0 (SIGFPE, the process gone: the oldest
    dependencies' test run lost its worker); onnxruntime refuses the node: one error naming it,
    found by a byte search of the file before inference runs."""
    attrs = dict(strides=[1, 0], **({"kernel_shape": [3, 3]} if op == "MaxPool" else {}))
    inputs, inits = (["x", "w"], [init("w", 8, 4, 3, 3)]) if op == "Conv" else (["x"], [])
    p = save(tmp_path, model([node(op, inputs, "y", name="n", **attrs)], [("x", [1, 4, 8, 8])], ["y"], inits))
    with pytest.raises(InputError, match=rf"node 'n' \({op}\): strides \[1, 0\]: a stride of 0 \(onnxruntime refuses the node, and onnx 1.17's shape inference crashes"):
        load(p)


@pytest.mark.parametrize("axis", [2**31, 2**62])
def test_a_layer_norm_axis_onnx_crashes_on_is_refused_before_shape_inference(tmp_path, axis):
    """onnx 1.23.2's shape inference dies of SIGSEGV on a LayerNormalization whose axis is 2**31
    or more (found by round 69's mutation of onnx's node tests: axis 2**31 - 1 and every negative
    one do not crash it); onnxruntime refuses the node: one error naming it, before inference runs.
    In a child process, so that a crash fails this test instead of ending the run."""
    import subprocess
    import sys

    inits = [init("w", 8), init("b", 8)]
    p = save(tmp_path, model([node("LayerNormalization", ["x", "w", "b"], "y", name="n", axis=axis)], [("x", [2, 8])], ["y"], inits))
    r = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(p)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [
        f"dscost: error: {p}: LayerNormalization node 'n': axis {axis} is no axis of a tensor (onnxruntime refuses the node, and onnx's shape inference crashes on it)"]


def test_a_tensor_two_nodes_make_is_an_error(tmp_path):
    """onnxruntime: "Duplicate definition of name (y)"; both Relus were counted."""
    p = save(tmp_path, model([node("Relu", ["x"], "y", name="a"), node("Relu", ["x"], "y", name="b")], [("x", [1, 4])], ["y"]))
    with pytest.raises(InputError, match=r"tensor 'y' is made by two nodes, 'a' \(Relu\) and 'b' \(Relu\): a graph defines each tensor once"):
        load(p)


def _refused_by_onnxruntime(path) -> str:
    import onnxruntime as ort

    try:
        ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as err:  # (onnxruntime's own words)
        return str(err)
    return ""


@pytest.mark.parametrize("x_type, w_type, why", [
    (TensorProto.INT64, np.int64, "input 0 (X) is int64, which it takes as float16, float32, float64 at opset 17"),
    (TensorProto.FLOAT, np.float64, "its inputs of one type T are float32 and float64"),
    (TensorProto.BFLOAT16, None, "input 0 (X) is bfloat16, which it takes as float16, float32, float64 at opset 17"),
])  # fmt: skip
def test_inputs_of_types_the_op_does_not_take_are_counted_with_a_note(tmp_path, x_type, w_type, why):
    """onnxruntime refuses a Conv of int64 (its schema takes floats), of float32 data by float64
    weights (one type T binds both) and of bfloat16 before opset 22 ("Type Error"), and so do
    torch's TorchScript exports of a CumSum of booleans: the arithmetic is the same whatever the
    types, so the conv counts, 8*4*9*36 = 10,368 MACs, 288 weights, and a note says onnxruntime
    refuses the file and why, naming the node."""
    w = init("w", 8, 4, 3, 3, dtype=w_type) if w_type else helper.make_tensor("w", TensorProto.BFLOAT16, [8, 4, 3, 3], [0] * 288)
    path = save(tmp_path, model([node("Conv", ["x", "w"], "y")], [("x", vi("x", [1, 4, 8, 8], x_type))], ["y"], [w]))
    m = read_onnx(path)
    assert [(layer.name, layer.cost.macs, layer.cost.weights) for layer in m.layers] == [("y", 10_368, 288)] and not m.uncounted
    assert [n for n in m.notes if "does not take" in n] == [
        f"1 node(s) with inputs of element types their op does not take ('y' (Conv: {why})): onnxruntime refuses to load the file as it is "
        "(a type error); they are counted as the arithmetic they name"]  # fmt: skip
    assert "Type" in _refused_by_onnxruntime(path)


@pytest.mark.parametrize("scale, zp, opset, block, why", [
    ((8, 1, 1), (8, 1, 1), 17, 0, "its per-axis scale is [8, 1, 1], where it takes a 1-D scale of 8 (axis 0 of its input [8, 3, 3, 3])"),
    ((4,), (4,), 17, 0, "its per-axis scale is [4], where it takes a 1-D scale of 8 (axis 0 of its input [8, 3, 3, 3])"),
    ((8,), (1,), 17, 0, "its zero point is [1], its scale [8]"),
    ((8, 3), (8, 3), 21, 1, "its blocked scale [8, 3] is not of its input's rank ([8, 3, 3, 3])"),
    ((8,), (8,), 17, 0, ""),  # per axis
    ((), (), 17, 0, ""),  # per tensor
    ((1,), (1,), 17, 0, ""),  # per tensor, 1-D
    ((8, 3, 3, 1), (8, 3, 3, 1), 21, 3, ""),  # blocked along the last axis (3 = one block)
])  # fmt: skip
def test_a_dequantized_weight_of_a_scale_shape_the_op_does_not_take_is_counted_with_a_note(tmp_path, scale, zp, opset, block, why):
    """NNCF 3.4's weight compression of an ONNX ViT writes its patch embedding's int8 weight with a
    per-axis scale and zero point of [C, 1, 1]: onnxruntime refuses the file ("scale must be 1D
    tensor with size C"), and so it does a per-axis scale of another size, a zero point of another
    shape than the scale, or a blocked scale (opset 21) of another rank than the weight.  The conv
    still counts, 8*27*256 = 55,296 MACs, 216 weights + 8 biases (scales and zero points are not
    params), and a note names the node and why; a scalar, a [1], a [C] scale or a blocked one of the
    weight's rank gives no note."""
    axis = {"axis": 0} if opset < 21 or not block else {"axis": 3, "block_size": block}
    inits = [init("wq", 8, 3, 3, 3, dtype=np.int8), init("s", *scale, value=np.full(scale, 0.01)), init("zp", *zp, dtype=np.int8), init("b", 8)]
    nodes = [node("DequantizeLinear", ["wq", "s", "zp"], "w", **axis), node("Conv", ["x", "w", "b"], "y", pads=[1, 1, 1, 1])]
    path = save(tmp_path, model(nodes, [("x", [1, 3, 16, 16])], ["y"], inits, opset=opset))
    m = read_onnx(path)
    assert [(layer.op, layer.cost.macs, layer.cost.weights, layer.cost.biases) for layer in m.layers if layer.op == "Conv"] == [("Conv", 55_296, 216, 8)]
    assert not m.uncounted
    assert [n for n in m.notes if "does not take" in n] == ([
        f"1 node(s) with a quantization scale of a shape their op does not take ('w' (DequantizeLinear: {why})): onnxruntime refuses "
        "to run the file as it is; they are counted as the arithmetic they name"] if why else [])  # fmt: skip
    import onnxruntime as ort

    try:  # (onnxruntime's own verdict: the session, or its first run, fails)
        ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": np.zeros((1, 3, 16, 16), np.float32)})
        refused = False
    except Exception:
        refused = True
    old_runtime = tuple(int(v) for v in ort.__version__.split(".")[:2]) < (1, 20)  # (1.18 takes a blocked scale for a per-axis one)
    assert refused == bool(why) or block and old_runtime


def test_a_clip_of_mixed_types_after_a_computed_expand_has_its_inputs_shape(tmp_path):
    """Found by round 40 (espnet2's RNNEncoder, TorchScript): make_pad_mask Clips an int32 tensor,
    Expanded to a shape computed through a Where (onnx's inference leaves it open; dscost's
    folding fills it), by an int64 size.  onnx's inference of the Clip alone then refuses the mixed
    types, so the Clip's output stayed open and the Sub after it was uncounted ("shapes lost at
    clip").  A Clip's output has its input's shape: both count, 2 x 25 = 50 ops each, and the note
    names the type error."""
    nodes = [
        node("Shape", ["x"], "s"), node("Slice", ["s", "zero", "two"], "bt"), node("Equal", ["bt", "minus1"], "none"),
        node("Where", ["none", "one2", "bt"], "shape"),  # (2, 25), computed by a Where
        node("Expand", ["lengths", "shape"], "e"),  # int32
        node("Gather", ["s", "one"], "t", axis=0), node("Clip", ["e", "", "t"], "clip"),  # int32 by an int64 max
        node("Sub", ["clip", "k"], "sub"),
    ]  # fmt: skip
    inits = [init("zero", 1, dtype=np.int64, value=[0]), init("two", 1, dtype=np.int64, value=[2]), init("minus1", 2, dtype=np.int64, value=[-1, -1]),
             init("one2", 2, dtype=np.int64, value=[1, 1]), init("lengths", 2, 1, dtype=np.int32, value=[25, 20]), init("one", dtype=np.int64, value=1),
             init("k", dtype=np.int32, value=1)]  # fmt: skip
    m = read_onnx(save(tmp_path, model(nodes, [("x", [2, 25, 8])], ["sub"], inits)))
    by = {layer.name: layer for layer in m.layers}
    assert not m.uncounted, m.uncounted
    assert (by["clip"].output_shape, by["clip"].cost, by["sub"].output_shape, by["sub"].cost) == ((2, 25), Cost(other_ops=50), (2, 25), Cost(other_ops=50))
    assert any("'clip' (Clip: its inputs of one type T are int32 and int64)" in n for n in m.notes)


def test_a_graph_of_several_element_types_that_fit_their_ops_has_no_type_note(tmp_path):
    """float32 data, an int64 shape for Reshape, a bool condition for Where, an int64 index for
    Gather: every input of a type its op takes, nothing said, all counted; onnxruntime loads it."""
    nodes = [node("Reshape", ["x", "shape"], "r"), node("Gather", ["r", "idx"], "g", axis=0), node("Greater", ["g", "zero"], "pos"),
             node("Where", ["pos", "g", "zero"], "y"), node("MatMul", ["y", "w"], "z")]  # fmt: skip
    inits = [init("shape", 2, dtype=np.int64, value=[4, 6]), init("idx", 2, dtype=np.int64, value=[0, 3]), init("zero", value=0.0), init("w", 6, 5)]
    path = save(tmp_path, model(nodes, [("x", [2, 12])], ["z"], inits))
    m = read_onnx(path)
    assert {layer.name: layer.cost.macs for layer in m.layers}["z"] == 2 * 6 * 5 and not m.uncounted
    assert not [n for n in m.notes if "type" in n] and _refused_by_onnxruntime(path) == ""


def test_a_required_input_given_an_empty_name_makes_an_invalid_graph(tmp_path):
    """The TorchScript exporter wrote zuko's RealNVP with an Add whose first input is '' (the
    thirteenth round): onnx's checker and onnxruntime refuse the file, which dscost says at the
    node and in the reason of the nodes after it.  An optional input left empty (Clip's min)
    is counted as before."""
    nodes = [node("Add", ["", "x"], "y", name="Add_8"), node("MatMul", ["y", "w"], "z"), node("Clip", ["x", "", "hi"], "c")]
    m = read(tmp_path, nodes, [("x", [2, 3])], ["z", "c"], [init("w", 3, 4), init("hi", value=6.0)])
    assert [(u.name, u.reason) for u in m.uncounted] == [
        ("Add_8", "cannot derive cost: its input 0 (A) is required, but the node gives none (an empty name): an invalid graph, the graph cannot run"),
        ("z", "unknown shape of input 0 ('y'); shapes lost at Add_8 (Add: its input 0 (A) is required, but the node gives none (an empty name): "
              "an invalid graph, the graph cannot run)")]  # fmt: skip
    assert [(layer.name, layer.cost.other_ops) for layer in m.layers] == [("c", 6)]


def test_a_graph_without_inputs_says_it_computes_constants(tmp_path):
    """A graph of no inputs (an export that lost the forward's): counted, with a note saying so."""
    m = read(tmp_path, [node("MatMul", ["a", "w"], "y")], [], ["y"], [init("a", 2, 3), init("w", 3, 4)])
    assert [layer.cost.macs for layer in m.layers] == [24]
    assert any(n.startswith("the graph has no inputs: every tensor it computes is a constant") for n in m.notes)


def test_standard_ops_without_a_handler_say_why_when_it_is_known(tmp_path):
    nodes = [node("NonMaxSuppression", ["boxes", "scores"], "keep"), node("DFT", ["sig"], "spec"), node("StringNormalizer", ["s"], "low")]
    inputs = [("boxes", [1, 10, 4]), ("scores", [1, 1, 10]), ("sig", [1, 16, 1]), ("s", vi("s", [3], TensorProto.STRING))]
    m = read(tmp_path, nodes, inputs, ["keep", "spec", "low"])
    assert [u.reason for u in m.uncounted] == ["no cost handler for op type 'NonMaxSuppression' (the number of boxes it keeps depends on the data)",
                                               "no cost handler for op type 'DFT' (a signal op: its work depends on the FFT algorithm (N log N to N^2 per transform))",
                                               "no cost handler for op type 'StringNormalizer' (a string op: no arithmetic to count)"]  # fmt: skip


@pytest.mark.parametrize("attr, values, learned", [
    ("value_floats", [2.0] * 6000, False),  # (more than onnx_node.BIG_LIST: read as an array, not a list)
    ("value_floats", [2.0] * 5999 + [3.0], True),
    ("value_floats", [float("nan")] * 6000, True),  # (NaN equals nothing: not one repeated value)
    ("value_floats", [-0.5], False),
    ("value_ints", [7] * 6000, False),  # (int64: never learned, repeated or not)
    ("value_ints", [7] * 5999 + [-7], False),
])  # fmt: skip
def test_constant_node_of_a_repeated_number_list_is_a_literal(tmp_path, attr, values, learned):
    """A Constant's value_floats of one repeated number is a literal, however long, not a
    parameter of the layer that reads it; any other float list is."""
    c = len(values)
    k = helper.make_node("Constant", [], ["k"], name="k", **{attr: values})
    scale = [k, node("Cast", ["k"], "s", to=TensorProto.FLOAT)] if attr == "value_ints" else [k]
    nodes = [*scale, helper.make_node("Constant", [], ["b"], name="b", value_floats=[0.0] * c),
             node("InstanceNormalization", ["x", scale[-1].output[0], "b"], "n")]  # fmt: skip
    m = read(tmp_path, nodes, [("x", [1, c, 2])])
    n = {layer.name: layer for layer in m.layers}["n"]
    assert n.cost == Cost(other_ops=5 * 2 * c, norm_params=c if learned else 0)
    assert ("'k' is a literal" in n.note) == (attr == "value_floats" and not learned)


@pytest.mark.parametrize("n", [4, 64])  # (64 x 64 float32 is 16 KB: the reader leaves its data out and reads it back)
@pytest.mark.parametrize("kind, learned", [
    ("eye", False),  # torch.eye(n) written in forward: code, not a parameter
    ("twice", True),
    ("flipped", True),  # (ones off the diagonal)
    ("nudged", True),
    ("half", False),  # (one repeated value: a literal too, however large)
])  # fmt: skip
def test_constant_node_of_an_identity_matrix_is_a_literal(tmp_path, n, kind, learned):
    """peft's HRA builds its weight from torch.eye(n) in forward: I - 2 u u^T, a Householder
    reflection, times the base weight.  The TorchScript exporter writes the identity as a Constant
    node; it is no parameter of the MatMul whose weight it flows into.  Here W = I @ U with U an
    n x 3 initializer: (1,2,n) @ (n,3) is 6n MACs; its weights are U's 3n alone when the Constant
    is a literal, 3n + n^2 otherwise."""
    values = {"eye": np.eye(n), "twice": np.eye(n) * 2, "flipped": np.eye(n)[::-1], "nudged": np.eye(n) + np.eye(n, k=1) * 1e-7,
              "half": np.full((n, n), 0.5)}[kind]  # fmt: skip
    eye = helper.make_node("Constant", [], ["I"], name="I", value=onnx.numpy_helper.from_array(values.astype(np.float32), "I"))
    nodes = [eye, node("MatMul", ["I", "U"], "W"), node("MatMul", ["x", "W"], "y")]
    m = read(tmp_path, nodes, [("x", [1, 2, n])], ["y"], [init("U", n, 3)])
    y = {layer.name: layer for layer in m.layers}["y"]
    assert (y.cost.macs, y.cost.params) == (6 * n, 3 * n + (n * n if learned else 0))
    assert ("'I'" in (y.note or "")) == learned  # (the note names what the weight is computed from)


def test_a_transpose_counting_axes_from_the_end_is_read_as_meant(tmp_path):
    """perm [0, -2, -1, 1] (torch's TorchScript exporter's permute(0, -2, -1, 1)) is no valid ONNX:
    onnx's inference leaves the output open and onnxruntime refuses the file.  Its axes count from
    the end, so the reader reads perm [0, 2, 3, 1]: the MatMul after it, (1,3,5,4) @ (4,6), is
    3*5*4*6 = 360 MACs; a note says so; the file is not changed.  A perm that is no permutation
    even so cannot run (it and its consumers are uncounted)."""
    nodes = [node("Transpose", ["x"], "t", perm=[0, -2, -1, 1]), node("MatMul", ["t", "W"], "mm")]
    mp = model(nodes, [("x", [1, 4, 3, 5])], inits=[init("W", 4, 6)])
    mp.graph.output[0].CopyFrom(vi("mm", [1, 140529265611888, 49, 6]))  # (torch 2.14 declares such: read from that perm)
    path = save(tmp_path, mp)
    before = path.read_bytes()
    m = read_onnx(path)
    by = {layer.name: layer for layer in m.layers}
    assert not m.uncounted and by["t"].output_shape == (1, 3, 5, 4) and by["mm"].cost == Cost(macs=360, weights=24)
    assert by["mm"].output_shape == (1, 3, 5, 6)
    assert ("1 Transpose node(s) count axes of perm from the end (t with [0, -2, -1, 1]), which ONNX does not allow and onnxruntime refuses (torch's "
            "TorchScript exporter writes permute(0, -2, -1, 1) so): read as the axes they count to, as torch means them; the shapes the file "
            "declares for 1 tensor(s), which the exporter computed from them, are inferred anew") in m.notes  # fmt: skip
    assert path.read_bytes() == before
    nodes[0] = node("Transpose", ["x"], "t", perm=[0, -1, -1, 1])
    m = read_onnx(save(tmp_path, model(nodes, [("x", [1, 4, 3, 5])], inits=[init("W", 4, 6)])))
    assert {u.name for u in m.uncounted} == {"t", "mm"} and not any("Transpose node(s)" in n for n in m.notes)


def test_a_weight_stored_as_a_sparse_initializer_counts_as_its_dense_tensor(tmp_path):
    """Red team 8: MatMul(x (2, 8), w) with w a graph.sparse_initializer of dense shape (8, 5)
    (6 non-zeros) runs in onnxruntime, which densifies it; dscost had left the MatMul uncounted
    ("unknown shape of input 1") and the weight's params nowhere: 2 x 8 x 5 = 80 MACs, 40 params."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    values = numpy_helper.from_array(np.arange(1, 7, dtype=np.float32), "w")
    sparse = helper.make_sparse_tensor(values, numpy_helper.from_array(np.array([0, 7, 12, 20, 33, 39], np.int64), "w_i"), [8, 5])
    g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], sparse_initializer=[sparse])  # fmt: skip
    path = tmp_path / "sparse.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), str(path))
    m = read_onnx(path)
    assert (m.uncounted, [(layer.cost.macs, layer.cost.params) for layer in m.layers]) == ([], [(80, 40)])
    ort = pytest.importorskip("onnxruntime")
    out = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": np.ones((2, 8), np.float32)})[0]
    assert out.shape == (2, 5)


def test_a_shape_stored_as_external_data_is_named_where_the_shapes_are_lost(tmp_path):
    """Red team 10: saved with ``size_threshold=0``, a Reshape's target shape (16 bytes) went to
    the external data file, which dscost never opens, so the MatMul after it was uncounted
    "onnx shape inference left its output open"; the reason now says the shape is external
    data and how to save the file so that it is not."""
    import onnx
    from onnx_models import init, model, node

    def mp():
        return model([node("Reshape", ["x", "shape"], "r"), node("MatMul", ["r", "W"], "y")], [("x", [1, 2, 6])], ["y"],
                     [init("W", 12, 4), init("shape", 2, dtype=np.int64, value=[1, 12])])  # fmt: skip

    onnx.save(mp(), str(tmp_path / "ext.onnx"), save_as_external_data=True, location="ext.data", size_threshold=0)
    m = read_onnx(tmp_path / "ext.onnx")
    assert [u.op for u in m.uncounted] == ["MatMul"]
    assert m.uncounted[0].reason.endswith("shapes lost at r (Reshape: its shape-giving input 'shape' is stored as external data, which dscost "
                                          "does not open (nor does onnxruntime's shape inference): saved with onnx's default size_threshold, small "
                                          "tensors stay in the file)")  # fmt: skip
    onnx.save(mp(), str(tmp_path / "inline.onnx"), save_as_external_data=True, location="inline.data")  # the default threshold: counted
    m = read_onnx(tmp_path / "inline.onnx")
    assert m.uncounted == [] and sum(layer.cost.macs for layer in m.layers) == 12 * 4


def _triu_gather_gemm(n: int, where: str):
    """iSQRT-COV's pooling (the eighteenth round, pytorchcv): the upper triangle of an n x n map
    picked by ``ones(n, n).triu().view(-1).nonzero()``, then a Gemm to 3 outputs.  ``where`` the
    ones are: an initializer, a Constant node, or a graph input (not a constant)."""
    ones = numpy_helper_from(np.ones((n, n), np.float32), "ones")
    nodes = [node("Constant", [], "ones", value=ones)] if where == "constant" else []
    nodes += [node("Trilu", ["ones"], "tri", upper=1), node("Reshape", ["tri", "flat"], "triv"), node("NonZero", ["triv"], "nz"),
              node("Transpose", ["nz"], "idx", perm=[1, 0]), node("Reshape", ["x", "row"], "xv"), node("Gather", ["xv", "idx"], "g", axis=1),
              node("Reshape", ["g", "row2"], "gv"), node("Gemm", ["gv", "W"], "y", name="fc", transB=1)]  # fmt: skip
    inits = [init("flat", 1, dtype=np.int64, value=[n * n]), init("row", 2, dtype=np.int64, value=[1, n * n]),
             init("row2", 2, dtype=np.int64, value=[1, -1]), init("W", 3, n * (n + 1) // 2)]  # fmt: skip
    inputs = [("x", [1, n, n])] + ([("ones", [n, n])] if where == "input" else [])
    return model(nodes, inputs, ["y"], inits + ([ones] if where == "initializer" else []))


def numpy_helper_from(array, name):
    from onnx import numpy_helper

    return numpy_helper.from_array(array, name)


@pytest.mark.parametrize("n", [4, 17, 64])
@pytest.mark.parametrize("where", ["initializer", "constant", "external"])
def test_a_nonzero_of_stored_constants_has_the_size_their_values_give(tmp_path, n, where):
    """Found by the eighteenth round (pytorchcv's iSQRT-COV ResNet-18): a NonZero computed from a
    stored constant alone (a 256 x 256 upper triangle of ones) has a size the constant's values
    decide, but dscost keeps the values of small tensors only (1 KB of floats in an initializer,
    16 KB in a Constant node), so from 17 x 17 (an initializer) the Gemm after it was uncounted:
    its output size "depends on the data" (pytorchcv's model: 32,896,000 MACs of torch's
    486,142,976 missing).  Those values are now read from the file, at most 65,536 elements
    each, and a note says so: n(n+1)/2 indices, a Gemm of 3 n(n+1)/2 MACs (64: 6,240)."""
    mp = _triu_gather_gemm(n, "initializer" if where == "external" else where)
    kw = {"save_as_external_data": True, "location": "m.data", "size_threshold": 64} if where == "external" else {}  # (ones and W: the shapes stay)
    m = read_onnx(save(tmp_path, mp, **kw))
    fc = next(layer for layer in m.layers if layer.name == "fc")
    assert (fc.cost.macs, fc.input_shape, m.uncounted) == (3 * n * (n + 1) // 2, (1, n * (n + 1) // 2), [])
    read = [x for x in m.notes if x.startswith("the values of")]
    small = n * n * 4 < 16384 if where == "constant" else n * n * 4 <= 1024 and where != "external"  # (kept: a small node, 1 KB of floats)
    assert read == ([] if small else [f"the values of 1 stored constant(s) (ones: {n * n * 4:,} bytes) were read from the file: a NonZero or Unique "
                                      f"computed from constants alone has the size they give it"])  # fmt: skip
    if where == "external":  # (the external data's note said it is never opened)
        assert [x for x in m.notes if x.startswith("external data in ")] == ["external data in 1 file(s), opened only to read the values of stored "
                                                                             "constants a NonZero or Unique is computed from"]  # fmt: skip


def test_a_nonzero_of_activations_reads_nothing_and_stays_open(tmp_path):
    """A NonZero of a graph input (data) has the size of the data: nothing is read, and the Gemm
    after it is uncounted, its reason naming where the shapes were lost, as before."""
    m = read_onnx(save(tmp_path, _triu_gather_gemm(64, "input")))
    assert not [x for x in m.notes if x.startswith("the values of")]
    assert [u.name for u in m.uncounted] == ["fc"] and "NonZero" in m.uncounted[0].reason


@pytest.mark.parametrize("axis", [[0], 0])
def test_a_cumsum_of_a_one_element_axis_folds(tmp_path, axis):
    """Found by the seventeenth round (pytorch-forecasting's N-HiTS): the dynamo exporter writes
    ``repeat_interleave`` with a CumSum whose axis is a one-element 1-D tensor, which onnxruntime
    runs but onnx's evaluator refuses ("Axis must be a rank-0 tensor"), so the Range it sizes was
    "computed at run time" and the MatMul after it uncounted.  Range(0, CumSum([3])[-1], 1) as a
    1 x 3 row times a 3 x 4 weight: 12 MACs, whichever the axis."""
    nodes = [node("CumSum", ["reps", "axis"], "cs"), node("Gather", ["cs", "minus1"], "last1", axis=0), node("Squeeze", ["last1", "zero"], "last"),
             node("Range", ["start", "last", "one"], "r"), node("Cast", ["r"], "rf", to=TensorProto.FLOAT), node("Unsqueeze", ["rf", "zero"], "row"),
             node("MatMul", ["row", "W"], "mm"), node("Add", ["mm", "x"], "out")]  # fmt: skip
    scalar = lambda name, v: init(name, *np.shape(v), dtype=np.int64, value=np.ravel(v).tolist())  # noqa: E731
    inits = [scalar("reps", [3]), scalar("axis", axis), scalar("minus1", [-1]), scalar("zero", [0]), scalar("start", 0), scalar("one", 1), init("W", 3, 4)]
    m = read(tmp_path, nodes, [("x", [1, 4])], ["out"], inits, opset=18)
    assert (next(layer.cost.macs for layer in m.layers if layer.name == "mm"), m.uncounted) == (12, [])


def test_the_type_strings_of_schemas_map_to_onnx_element_types():
    """onnx_eval's table of schema type strings ("tensor(float)") agrees with TensorProto's
    numbers for every name this onnx has (float is FLOAT, 1; double is DOUBLE, 11)."""
    from dscost.readers.onnx_refusals import _TYPE_STRS

    enum = onnx.TensorProto.DataType
    names = {"float": "FLOAT", "double": "DOUBLE"}
    known = {k: v for k, v in _TYPE_STRS.items() if names.get(k, k.upper()) in enum.keys()}
    assert len(known) >= 22 and all(enum.Value(names.get(k, k.upper())) == v for k, v in known.items())


def test_a_node_of_thousands_of_inputs_has_each_producer_once_in_order(tmp_path):
    """A Sum of 2,000 ReLU outputs, each read twice, and a Concat of a Split's outputs in another
    order: a layer's edges are its producers, each once, in the order first read (ports apart).
    (Found by a wide-graph probe: the edges were deduplicated by a search of the list so far, and a
    Sum of 50,000 inputs took 20 s to read; 1.6 s now.)"""
    n = 2000
    relus = [node("Relu", ["x"], f"r{i}") for i in range(n)]
    m = read(tmp_path, [*relus, node("Sum", [f"r{i % n}" for i in range(2 * n)][::-1], "s")], [("x", [1, 4])])
    total = m.layers[-1]
    assert total.inputs == tuple(f"r{i}" for i in range(n))[::-1] and total.input_ports == ()
    assert total.cost.other_ops == (2 * n - 1) * 4
    split = node("Split", ["x"], [f"p{i}" for i in range(4)], name="split", axis=1)
    m = read(tmp_path, [split, node("Concat", ["p2", "p0", "p2", "p3", "p0"], "c", axis=1)], [("x", [1, 8])])
    assert (m.layers[-1].inputs, m.layers[-1].input_ports) == (("split", "split", "split"), (2, 0, 3))


@pytest.mark.parametrize("stored_as, params", [
    ("constant nodes", 4),  # torch's TorchScript export (ultralytics simplify=False)
    ("initializers", 4),  # the same, simplified by onnxslim (ultralytics' default): the names kept
    ("learned", 4 + 12 + 6),  # the control: initializers of other names meeting activations are learned tensors
])  # fmt: skip
def test_a_constant_node_a_simplifier_stores_as_an_initializer_is_still_code(tmp_path, stored_as, params):
    """Round 46: a YOLO head decodes its boxes with an anchor grid and strides the static export
    folds from the image size (yolo11n at 320 px: 2 x 2,100 + 2,100 values).  torch writes them as
    Constant nodes, values of the model's code; onnxslim stores them as initializers named
    ``/model.23/Constant_12_output_0`` and dscost counted them as params (+10,500: simplify on and
    off gave different counts for one model).  Such a name is the Constant node's: code, as it was.
    Here (x conv 2x2x1x1) -> Reshape (1, 2, 6), then (anchors - y) * strides: 24 MACs, 4 params."""
    grid = np.stack([np.arange(6) + 0.5, np.full(6, 0.5)])[None].astype(np.float32)
    strides = np.full((1, 6), 8.0, np.float32)
    a, s = ("anchor_points", "stride_table") if stored_as == "learned" else ("/model.23/Constant_12_output_0", "/model.23/Constant_output_0")
    nodes = [node("Conv", ["x", "w"], "c"), node("Reshape", ["c", "shape"], "r"), node("Sub", [a, "r"], "d"), node("Mul", ["d", s], "y")]
    inits = [init("w", 2, 2, 1, 1, value=[0.5, -1.0, 2.0, 0.25]), init("shape", 3, dtype=np.int64, value=[1, 2, 6])]
    if stored_as == "constant nodes":
        nodes = [helper.make_node("Constant", [], [a], value=numpy_helper.from_array(grid)),
                 helper.make_node("Constant", [], [s], value=numpy_helper.from_array(strides)), *nodes]  # fmt: skip
    else:
        inits += [numpy_helper.from_array(grid, a), numpy_helper.from_array(strides, s)]
    m = read(tmp_path, nodes, [("x", [1, 2, 1, 6])], ["y"], inits)
    assert sum(layer.cost.macs for layer in m.layers) == 24
    assert sum(layer.cost.params for layer in m.layers) + sum(u.params for u in m.uncounted) == params


@pytest.mark.parametrize("target, params", [
    (np.zeros((1, 3, 6), np.float32), 4),  # new_zeros(...) stored by a simplifier: a literal
    (np.arange(18, dtype=np.float32).reshape(1, 3, 6), 4 + 18),  # the control: a table of values, a learned tensor
])  # fmt: skip
def test_a_stored_buffer_of_zeros_a_scatter_writes_into_is_no_parameter(tmp_path, target, params):
    """Round 46: ultralytics' embedded NMS fills ``new_zeros(B, 300, 6)`` by ScatterND; onnxslim
    stores that zero target as an initializer, which dscost counted as 1,800 weights per image.
    A buffer of one value a scatter writes into is a literal.  Here the conv's 2 x 2 weights
    (12 MACs) are scattered into row 0 of a (1, 3, 6) target."""
    nodes = [node("Conv", ["x", "w"], "c"), node("Reshape", ["c", "shape"], "r"), node("ScatterND", ["target", "idx", "r"], "y")]
    inits = [init("w", 2, 2, 1, 1, value=[0.5, -1.0, 2.0, 0.25]), init("shape", 2, dtype=np.int64, value=[1, 6]),
             init("idx", 1, 2, dtype=np.int64, value=[0, 0]), numpy_helper.from_array(target, "target")]  # fmt: skip
    m = read(tmp_path, nodes, [("x", [1, 2, 1, 3])], ["y"], inits)
    assert sum(layer.cost.macs for layer in m.layers) == 12
    assert sum(layer.cost.params for layer in m.layers) + sum(u.params for u in m.uncounted) == params


def test_a_dilated_conv_of_a_same_auto_pad_is_counted_with_a_note_that_onnxruntime_refuses_it(tmp_path):
    """Found by round 48: torch's TorchScript exporter writes a dilated ``padding='same'`` conv
    as auto_pad SAME_UPPER with dilations, valid ONNX that onnxruntime refuses at run time
    ("Dilation not supported for AutoPadType::SAME_UPPER"), and dscost said nothing.  Counted as
    the standard defines it (9 x 9 x 4 x 27 = 8,748), with a note naming the node; undilated,
    or with explicit pads, no note (onnxruntime's own verdict checked on each)."""
    ort = pytest.importorskip("onnxruntime")
    cases = (({"auto_pad": "SAME_UPPER", "dilations": [2, 2]}, True), ({"auto_pad": "SAME_LOWER", "dilations": [1, 2]}, True),
             ({"auto_pad": "SAME_UPPER", "dilations": [1, 1]}, False), ({"pads": [2, 2, 2, 2], "dilations": [2, 2]}, False))  # fmt: skip
    for k, (attrs, refused) in enumerate(cases):
        mp = model([node("Conv", ["x", "W"], "y", name="c", **attrs)], [("x", [1, 3, 9, 9])], inits=[init("W", 4, 3, 3, 3)])
        path = save(tmp_path, mp, f"c{k}.onnx")
        m = read_onnx(path)
        assert m.layers[0].cost.macs == 9 * 9 * 4 * 27 and m.layers[0].output_shape == (1, 4, 9, 9)
        said = [n for n in m.notes if "onnxruntime refuses to run them" in n]
        assert said == ([f"1 Conv node(s) with auto_pad SAME_UPPER or SAME_LOWER and a dilation over 1 ('c' (auto_pad {attrs.get('auto_pad')}, dilations "
                         f"{attrs['dilations']})): onnxruntime refuses to run them (valid ONNX: counted as the standard defines them; `bench` "
                         f"cannot run the file as it is, explicit pads can)"] if refused else [])  # fmt: skip
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        try:
            session.run(None, {"x": np.zeros((1, 3, 9, 9), np.float32)})
            ran = True
        except Exception as err:
            ran, why = False, str(err)
        assert ran != refused and (ran or "Dilation not supported for AutoPadType::SAME_UPPER" in why)
