"""Pure views (hidden rows, module roll-up, by operator, top N) and memory (activation bytes,
peak live activations), on hand-built models, the bundled specs and small ONNX graphs."""

from __future__ import annotations

import pytest

from conftest import ROOT, conv_layer, make_tiny_model
from dscost import cost, views
from dscost.layers import ADD, ELEMENTWISE, SHAPE, Cost, Layer, Model, Uncounted
from dscost.memory import model_memory
from dscost.readers import load
from report_models import vit_like


def test_shape_arithmetic_is_hidden_real_layers_are_not():
    small = Layer("/attn/Sqrt", ELEMENTWISE, "Sqrt", ("/attn/Cast",), (1,), (1,), Cost(other_ops=1))
    scalar = Layer("/Concat", "concat", "Concat", (), (), ())
    vector = Layer("/Concat_1", "concat", "Concat", ("x",), (2,), (4,))
    act = Layer("relu", "activation", "Relu", ("x",), (1, 8), (1, 8), Cost(other_ops=8))
    long_1d = Layer("wave", ELEMENTWISE, "Mul", ("x",), (16000,), (16000,), Cost(other_ops=16000))  # a waveform, not a shape
    fc_1d = Layer("fc", "fc", "Gemm", ("x",), (4,), (3,), Cost(macs=12, weights=12))
    reshape = Layer("r", SHAPE, "Reshape", ("x",), (1, 8), (8,))
    assert all(views.is_shape_arithmetic(x) for x in (small, scalar, vector))
    assert not any(views.is_shape_arithmetic(x) for x in (act, long_1d, fc_1d, reshape))
    assert views.hidden_by_default(reshape) and not views.hidden_by_default(act)


@pytest.mark.parametrize(
    "name, path, depth1, depth2",
    [
        ("/features/features.3/block/block.0/block.0.0/Conv", ("features", "features.3", "block", "block.0", "block.0.0"), "/features", "/features/features.3"),
        ("/blocks/blocks.0/attn/qkv/MatMul", ("blocks", "blocks.0", "attn", "qkv"), "/blocks", "/blocks/blocks.0"),
        ("/Concat", (), "/Concat", "/Concat"),
        ("/norm/LayerNormalization", ("norm",), "/norm", "/norm"),
        ("model/conv1/Conv2D", ("model", "conv1"), "model", "model/conv1"),
        ("dsconv3.dw", ("dsconv3", "dw"), "dsconv3", "dsconv3.dw"),
        ("conv8.1.conv", ("conv8", "1", "conv"), "conv8", "conv8.1"),
        ("conv1_bn", ("conv1_bn",), "conv1_bn", "conv1_bn"),
        # the PyTorch reader's names: a module path, and an op of a module that has several
        ("model.layers.0.mlp.gate_proj", ("model", "layers", "0", "mlp", "gate_proj"), "model", "model.layers"),
        ("model.layers.0.mlp/Mul", ("model", "layers", "0", "mlp"), "model", "model.layers"),
        ("features.3/Add", ("features", "3"), "features", "features.3"),
        ("conv1/Relu", ("conv1",), "conv1", "conv1"),
    ],
)
def test_module_path(name, path, depth1, depth2):
    assert views.module_path(name) == path
    assert views.module_at(name, 1) == depth1 and views.module_at(name, 2) == depth2


@pytest.mark.parametrize("spec", ["mobilenet_v1.yaml", "mobilenet_v2.yaml", "resnet18.yaml"])
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_rollup_sums_are_exact(spec, depth):
    a = cost.analyze(load(ROOT / "models" / spec))
    groups = views.rollup(a.layers, a.what_if, depth)
    assert sum((g.cost for g in groups), Cost()) == sum((x.cost for x in a.layers), Cost())
    assert sum(g.separable_macs for g in groups) == sum(w.separable_macs for w in a.what_if.values())
    assert sum(g.separable_params for g in groups) == sum(w.separable_params for w in a.what_if.values())
    assert sum(len(g.layers) for g in groups) == len(a.layers)
    # the separable what-if of the whole model, from the groups
    sep = a.totals.macs - sum(g.candidates.macs for g in groups) + sum(g.separable_macs for g in groups)
    assert sep == a.all_separable.macs


def test_rollup_of_pytorch_module_paths():
    """The PyTorch reader's layer names roll up by their dots, the op after a '/' included: at
    depth 3 a decoder layer's projections, its MLP's Mul and its norm are one row."""
    from dscost.layers import Cost as C, Layer

    names = ["model.embed_tokens", "model.layers.0.self_attn.q_proj", "model.layers.0.self_attn/MatMul", "model.layers.0.mlp/Mul",
             "model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj", "model.norm/Mul", "lm_head"]  # fmt: skip
    layers = [Layer(n, "fc", "MatMul", (), (1, 8), (1, 8), C(macs=10 * (i + 1))) for i, n in enumerate(names)]
    groups = views.rollup(layers, {}, 3)
    assert [(g.name, len(g.layers), g.cost.macs) for g in groups] == [
        ("model.embed_tokens", 1, 10), ("model.layers.0", 4, 20 + 30 + 40 + 50), ("model.layers.1", 1, 60), ("model.norm", 1, 70), ("lm_head", 1, 80)]  # fmt: skip


def test_rollup_of_an_onnx_transformer(tmp_path):
    a = cost.analyze(load(vit_like(tmp_path, blocks=4)))
    groups = views.rollup(a.layers, a.what_if, 2)
    shown = [g.name for g in groups if not g.hidden]
    assert shown == ["/patch_embed/proj", "/blocks/blocks.0", "/blocks/blocks.1", "/blocks/blocks.2", "/blocks/blocks.3", "/norm", "/ReduceMean", "/head"]
    assert [g.name for g in groups if g.hidden] == ["/patch_embed"]  # Shape -> Gather -> Unsqueeze -> Concat -> Reshape -> Transpose
    block = next(g for g in groups if g.name == "/blocks/blocks.0")
    assert block.type == "module" and len(block.layers) == 17
    assert block.cost.macs == 49152 + 8192 + 8192 + 16384 + 32768 + 32768
    assert sum(g.cost.macs for g in groups) == a.totals.macs
    patch = next(g for g in groups if g.name == "/patch_embed/proj")
    assert patch.converts == 1 and patch.separable_macs == a.what_if["/patch_embed/proj/Conv"].separable_macs


def test_by_operator_and_top():
    a = cost.analyze(make_tiny_model())
    ops = views.by_operator(a.layers)
    assert [o.op for o in ops][:3] == ["Conv", "Gemm", "BatchNormalization"]
    conv = ops[0]
    assert conv.count == 3 and conv.cost.macs == 55_296 + 18_432 + 32_768
    assert sum((o.cost for o in ops), Cost()) == sum((x.cost for x in a.layers), Cost())
    kept, rest = views.top(a.layers, 2, key=lambda x: x.cost.macs)
    assert [x.name for x in kept] == ["conv1", "pw1"] and len(rest) == len(a.layers) - 2
    assert [x.name for x in rest][:2] == ["bn1", "relu1"]  # the rest keeps graph order


def test_the_rest_row_of_top_sums_the_what_ifs_of_its_convs():
    """Found by the fifth red team: `--top 2` on examples/residual.yaml left the "… 26 more
    layers" row's sep MACs, sep params and saving blank although five standard convs are in it;
    module rows sum theirs.  The row and the two shown add up to the whole model's what-if."""
    from dscost.readers import load
    from dscost.report.analyze import View, rows_of

    a = cost.analyze(load(str(ROOT / "examples" / "residual.yaml")))
    shown, more, _ = rows_of(a, View(top=2))
    assert more is not None and more.converts == 5
    every = [w for w in a.what_if.values()]
    assert more.separable_macs + sum(g.separable_macs for g in shown) == sum(w.separable_macs for w in every) == 1_924_096
    assert more.candidates.macs + sum(g.candidates.macs for g in shown) == sum(a.layers[i].cost.macs for i, x in enumerate(a.layers) if x.name in a.what_if)


# --------------------------------------------------------------------------
# Memory


def test_peak_activation_memory_of_mobilenet_v1_by_hand():
    """MobileNet v1 at 224, fp32.  Every spec layer writes a new buffer.  The largest step is
    dsconv1.pw_bn: it reads dsconv1.pw's output (64x112x112 = 802,816 elements) and writes its
    own (802,816); nothing else is live (dsconv1.dw_relu's 32x112x112 output was freed after
    dsconv1.pw read it, the input image after conv1).  1,605,632 elements x 4 B = 6,422,528 B.
    Earlier steps hold less: conv1 150,528 + 401,408; dsconv1.pw 401,408 + 802,816."""
    m = load(ROOT / "models" / "mobilenet_v1.yaml")
    mem = model_memory(m, "fp32")
    assert mem.peak_bytes == (64 * 112 * 112 * 2) * 4 == 6_422_528
    assert mem.peak_layer == "dsconv1.pw_bn"
    assert mem.input_bytes == 3 * 224 * 224 * 4
    assert mem.weight_bytes == 4_231_976 * 4
    by = mem.by_name()
    assert by["conv1"].live_bytes == (3 * 224 * 224 + 32 * 112 * 112) * 4
    assert by["dsconv1.pw"].live_bytes == (32 * 112 * 112 + 64 * 112 * 112) * 4
    assert by["dsconv1.pw"].activation_bytes == by["dsconv1.pw"].live_bytes  # in + out, nothing else live
    assert model_memory(m, "int8").peak_bytes == 6_422_528 // 4
    # every activation tensor once: the input and all 85 layer outputs
    assert mem.activation_bytes == (3 * 224 * 224 + sum(x.activations for x in m.layers)) * 4


def test_liveness_residual_and_outputs():
    """a -> b -> add(b, a) with a second output c from a: a stays live until the add reads it; c,
    a model output, stays live to the end."""
    s = (1, 4, 8, 8)
    n = 4 * 8 * 8
    layers = [
        Layer("a", "activation", "Relu", ("x",), s, s),
        Layer("c", "activation", "Relu", ("a",), s, s),  # an output nobody reads
        Layer("b", "activation", "Relu", ("a",), s, s),
        Layer("add", ADD, "Add", ("b", "a"), s, s),
        Layer("d", "activation", "Relu", ("add",), s, s),
    ]
    mem = model_memory(Model("m", "hand", layers), "fp32")
    live = [x.live_bytes // 4 // n for x in mem.layers]
    # x+a | x freed after a: a+c | a,c,b | a,c,b,add | c,add,d
    assert live == [2, 2, 3, 4, 3]
    assert mem.peak_layer == "add" and mem.peak_bytes == 4 * n * 4
    assert mem.by_name()["add"].activation_bytes == 3 * n * 4


def test_constants_are_not_activations(tmp_path):
    """Layers without graph edges (computed from constants: the Sqrt of a head size) make no
    activation; the graph input is sized from its consumer."""
    m = load(vit_like(tmp_path, blocks=1))
    mem = model_memory(m)
    assert mem.by_name()["/blocks/blocks.0/attn/Sqrt"].output_bytes == 0
    assert mem.input_bytes == 3 * 16 * 16 * 4
    assert mem.peak_bytes >= max(x.activation_bytes for x in mem.layers)


def test_uncounted_sources_are_said():
    layers = [conv_layer("c", "nms", 3, 4, 4, 8)]
    m = Model("m", "hand", layers, uncounted=[Uncounted("nms", "NonMaxSuppression", "x")])
    mem = model_memory(m)
    assert mem.notes and "uncounted" in mem.notes[0]


# --------------------------------------------------------------------------
# Multi-output ops: every output is a tensor of its own


def _split_model(tmp_path):
    """x (1x6x4x4, 96 elements) -> Split into three 1x2x4x4 pieces (32 each); Relu of the first
    and of the third; the second is never read."""
    import onnx
    from onnx import TensorProto, helper

    nodes = [helper.make_node("Split", ["x"], ["s0", "s1", "s2"], name="split", axis=1, num_outputs=3),
             helper.make_node("Relu", ["s0"], ["ra"], name="ra"), helper.make_node("Relu", ["s2"], ["rb"], name="rb")]  # fmt: skip
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 6, 4, 4])],
                          [helper.make_tensor_value_info(t, TensorProto.FLOAT, None) for t in ("ra", "rb")])  # fmt: skip
    path = tmp_path / "split.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 18)]), str(path))
    return load(path)


def test_every_output_of_a_split_is_live_until_its_own_consumer(tmp_path):
    m = _split_model(tmp_path)
    split = m.layers[0]
    assert (split.output_shape, split.more_outputs, m.layers[2].inputs, m.layers[2].input_ports) == ((1, 2, 4, 4), (32, 32), ("split",), (2,))
    mem = model_memory(m, "fp32")
    rows = {x.name: (x.activation_bytes // 4, x.output_bytes // 4, x.live_bytes // 4) for x in mem.layers}
    # step split: x + s0 + s1 + s2 = 192; x and the unread s1 are freed after it
    # step ra: s0 + s2 + ra = 96; s0 freed | step rb: s2 + ra (an output, kept) + rb = 96
    assert rows == {"split": (96 + 96, 96, 192), "ra": (32 + 32, 32, 96), "rb": (32 + 32, 32, 96)}
    assert (mem.peak_bytes, mem.peak_layer) == (192 * 4, "split")
    assert mem.activation_bytes == (96 + 96 + 32 + 32) * 4  # every tensor once
    from dscost.roofline import layer_traffic

    assert (layer_traffic(split).input_elements, layer_traffic(split).output_elements) == (96, 96)  # a Split writes every piece


@pytest.mark.parametrize("outputs, peak", [(["a", "c"], 3 * 4096), (["c"], 2 * 4096)])
def test_a_model_output_a_later_layer_reads_stays_live_to_the_end(tmp_path, outputs, peak):
    """Found by the third red team: x -> c1 -> a -> c2 -> b -> c3 -> c, 1x16x16x16 each (4,096
    elements).  With a declared output too (a backbone returning a feature map), the run holds
    it to the end: at c3, a + b + c = 12,288 elements; without, a is freed after c2 (8,192)."""
    from onnx_models import init, model, node, save

    nodes = [node("Conv", ["x", "w"], "a", name="c1"), node("Conv", ["a", "w"], "b", name="c2"), node("Conv", ["b", "w"], "c", name="c3")]
    m = load(save(tmp_path, model(nodes, [("x", [1, 16, 16, 16])], outputs, [init("w", 16, 16, 1, 1)])))
    mem = model_memory(m, "fp32")
    assert m.outputs == tuple(outputs) and (mem.peak_bytes, mem.peak_layer) == (peak * 4, "c3" if len(outputs) == 2 else mem.peak_layer)
    assert mem.by_name()["c3"].live_bytes == peak * 4


def test_a_graph_input_is_sized_by_its_own_shape_not_its_consumers_first_operand(tmp_path):
    """Found by the fifth red team: a graph input read only as a second operand took the first
    operand's shape.  y = Add(Relu(s), x), s 1x8x1x1 (8 elements), x 1x8x16x16 (2,048): x was
    counted as 8, the peak 8,256 B where it is (2,048 + 8 + 2,048) x 4 = 16,416 at the Add, so
    `--max-peak-activation-bytes 10KB` passed.  An attention mask 1x1x1x128 added to scores
    1x4x128x128 (65,536) was sized as the scores: here the peak is at the Add, scores + mask +
    sum = (65,536 + 128 + 65,536) x 4 = 524,800 B, not 786,432."""
    from onnx_models import model, node, save

    m = load(save(tmp_path, model([node("Relu", ["s"], "r", name="relu"), node("Add", ["r", "x"], "y", name="add")], [("x", [1, 8, 16, 16]), ("s", [1, 8, 1, 1])]), "under.onnx"))
    mem = model_memory(m, "fp32")
    assert (mem.input_bytes, mem.peak_bytes, mem.peak_layer) == ((2_048 + 8) * 4, 16_416, "add")
    nodes = [node("MatMul", ["q", "k"], "qk", name="qk"), node("Add", ["qk", "mask"], "y", name="masked")]
    m = load(save(tmp_path, model(nodes, [("q", [1, 4, 128, 32]), ("k", [1, 4, 32, 128]), ("mask", [1, 1, 1, 128])]), "mask.onnx"))
    mem = model_memory(m, "fp32")
    assert (mem.input_bytes, mem.peak_bytes, mem.peak_layer) == ((16_384 * 2 + 128) * 4, (65_536 + 128 + 65_536) * 4, "masked")


def test_two_outputs_of_one_split_read_by_one_layer_are_two_tensors(tmp_path):
    """Red team 6: MatMul(a, b) of the two halves of Split(x), x 8x16: the MatMul reads 64 + 64
    elements and writes 64, (64 + 64 + 64) x 4 = 768 B (it had kept one half, 512 B), in ONNX
    and TFLite alike; its roofline bytes are 192 x 4 too."""
    from dscost.roofline import model_roofline
    from onnx_models import model, node, save

    m = load(save(tmp_path, model([node("Split", ["x"], ["a", "b"], name="split", axis=1, num_outputs=2), node("MatMul", ["a", "b"], "y", name="mm")],
                                  [("x", [8, 16])], ["y"], opset=18)))  # fmt: skip
    mm = m.layers[1]
    assert (mm.inputs, mm.input_ports, mm.cost.macs) == (("split", "split"), (0, 1), 8 * 8 * 8)
    assert model_memory(m).by_name()["mm"] == ("mm", 768, 256, 768) and model_roofline(m).by_name()["mm"].bytes == 768


def test_a_layer_named_as_a_graph_input_takes_another_name(tmp_path):
    """Red team 6: a node named "x" beside the graph input x: its consumers' edge "x" was read as
    the layer, and the input (1x1024, 4 KB) left memory and the roofline.  The node is "x_0", as
    a repeated name is; the peak holds three tensors of 4 KB (at the Relu x, s and r; at the Add
    x, r and y), 12,288 B, not 8,192."""
    from onnx_models import model, node, save

    m = load(save(tmp_path, model([node("Relu", ["s"], "r", name="x"), node("Add", ["r", "x"], "y", name="add")], [("x", [1, 1024]), ("s", [1, 1024])])))
    assert [(layer.name, layer.inputs) for layer in m.layers] == [("x_0", ("s",)), ("add", ("x_0", "x"))]
    mem = model_memory(m)
    assert (mem.input_bytes, mem.peak_bytes) == (2 * 4096, 3 * 4096)


def test_a_graph_input_the_graph_returns_and_a_scalar_input(tmp_path):
    """Red team 6: a graph input that is also a graph output stays live to the end (x -> r1 -> r2
    -> r3, 1,000 elements each: at r2, x + a + b = 12,000 B, not 8,000); a scalar input is one
    element (it had been sized as its consumer's first operand, 128)."""
    from onnx_models import model, node, save

    nodes = [node("Relu", ["x"], "a", name="r1"), node("Relu", ["a"], "b", name="r2"), node("Relu", ["b"], "c", name="r3")]
    mem = model_memory(load(save(tmp_path, model(nodes, [("x", [1000])], ["c", "x"]), "returned.onnx")))
    assert [row.live_bytes for row in mem.layers] == [8000, 12000, 12000] and mem.peak_bytes == 12000
    m = load(save(tmp_path, model([node("Mul", ["x", "s"], "y", name="mul")], [("x", [8, 16]), ("s", [])]), "scalar.onnx"))
    assert m.input_shapes() == {"x": (8, 16), "s": ()} and model_memory(m).input_bytes == (128 + 1) * 4


def test_lstm_without_y_counts_y_h_and_y_c(tmp_path):
    """An LSTM exported with only its final states (Y absent): its tensors are Y_h and Y_c,
    1x1x16 each; Y_c is never read, so it is freed after the LSTM's step."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    import numpy as np

    w = [numpy_helper.from_array(np.zeros(s, np.float32), n) for n, s in (("W", (1, 64, 8)), ("R", (1, 64, 16)))]
    nodes = [helper.make_node("LSTM", ["x", "W", "R"], ["", "h", "c"], name="lstm", hidden_size=16),
             helper.make_node("Relu", ["h"], ["r"], name="r")]  # fmt: skip
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [5, 1, 8])],
                          [helper.make_tensor_value_info("r", TensorProto.FLOAT, None)], w)  # fmt: skip
    path = tmp_path / "lstm.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    m = load(path)
    lstm = m.layers[0]
    assert (lstm.output_shape, lstm.more_outputs, lstm.activations) == ((), (16, 16), 32)
    mem = model_memory(m, "fp32")
    rows = {x.name: (x.activation_bytes // 4, x.live_bytes // 4) for x in mem.layers}
    assert rows == {"lstm": (40 + 32, 40 + 32), "r": (16 + 16, 16 + 16)}  # x is 5x1x8 = 40
    assert mem.peak_bytes == 72 * 4
