"""`dscost convert`: standard conv -> depthwise + pointwise (and back) on ONNX graphs.

Exactness: the converted model's MACs/params (read back with dscost's ONNX
reader) equal the what-if predicted for the original; onnx.checker passes;
onnxruntime runs it with the same output shapes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from dscost import convert as cv
from dscost import rewrite as rw
from dscost.runtime import make_session
from dscost.cost import analyze, conv_cost, separable_cost
from dscost.errors import InputError
from dscost.readers import load

RNG = np.random.default_rng(0)

SPEC = """\
name: tiny_mixed
input: [4, 20, 20]
layers:
  - {type: conv, name: stem, channels: 8, kernel: 3, stride: 2, padding: 1, bias: true}
  - {type: batchnorm, name: stem_bn}
  - {type: relu, name: stem_relu}
  - {type: conv, name: dilated, channels: 8, kernel: 3, dilation: 2, padding: 2}
  - {type: conv, name: valid5, channels: 12, kernel: 5, padding: valid}
  - {type: conv, name: same_s2, channels: 16, kernel: 3, stride: 2}
  - {type: pointwise, name: proj, channels: 16}
  - {type: depthwise, name: dw_only, kernel: 3}
  - {type: global_avgpool, name: gap}
"""


def _model(nodes, x_shape, y_shape, inits, opset=17):
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x_shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(y_shape))],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)


def _w(name, *shape):
    return numpy_helper.from_array(RNG.standard_normal(shape).astype(np.float32), name)


def hand_model():
    """x 1x4x16x16 -> A 3x3 s2 pads 1 +bias -> Relu -> B 3x3 dil 2 pads 2 -> C 5x3 SAME_UPPER -> D 1x1 -> E dw 3x3 -> y."""
    nodes = [
        helper.make_node("Conv", ["x", "wa", "ba"], ["a"], name="A", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["a"], ["ar"], name="A_relu"),
        helper.make_node("Conv", ["ar", "wb"], ["b"], name="B", dilations=[2, 2], pads=[2, 2, 2, 2]),
        helper.make_node("Conv", ["b", "wc"], ["c"], name="C", auto_pad="SAME_UPPER"),
        helper.make_node("Conv", ["c", "wd"], ["d"], name="D"),
        helper.make_node("Conv", ["d", "we"], ["y"], name="E", group=12, pads=[1, 1, 1, 1]),
    ]
    inits = [_w("wa", 8, 4, 3, 3), _w("ba", 8), _w("wb", 8, 8, 3, 3), _w("wc", 6, 8, 5, 3), _w("wd", 12, 6, 1, 1), _w("we", 12, 1, 3, 3)]
    return _model(nodes, (1, 4, 16, 16), (1, 12, 8, 8), inits)


def save(model, path: Path) -> Path:
    onnx.save(model, str(path))
    return path


def run(model, x):
    return make_session(model, "test", 1, "basic").run(None, {"x": x})


def totals(path) -> dict:
    t = analyze(load(path)).totals
    return {"macs": t.macs, "params": t.params}


# --------------------------------------------------------------------------


def test_convert_hand_model_matches_what_if(tmp_path):
    src = save(hand_model(), tmp_path / "m.onnx")
    rep = cv.convert_file(src, tmp_path / "out.onnx")
    assert [c.name for c in rep.converted] == ["A", "B", "C"]
    assert rep.checker_passed and rep.output_shapes_equal
    a = analyze(load(src))
    assert totals(tmp_path / "out.onnx") == {"macs": a.all_separable.macs, "params": a.all_separable.params}
    assert rep.exact and rep.predicted == rep.actual
    # per layer: the new dw/pw layers cost what separable_cost says
    orig = {layer.name: layer for layer in a.layers}
    new = {layer.name: layer for layer in load(tmp_path / "out.onnx").layers}
    for name in ("A", "B", "C"):
        dw, pw = separable_cost(orig[name].conv)
        assert new[f"{name}_dw"].cost == dw and new[f"{name}_pw"].cost == pw
        assert new[f"{name}_dw"].type == "depthwise" and new[f"{name}_pw"].type == "pointwise"
        assert new[f"{name}_pw"].output_shape == orig[name].output_shape
    # stride / dilation / padding live on the depthwise conv, the bias on the pointwise
    out = onnx.load(str(tmp_path / "out.onnx"))
    nodes = {n.name: n for n in out.graph.node}
    attrs = {a.name: helper.get_attribute_value(a) for a in nodes["A_dw"].attribute}
    assert attrs["strides"] == [2, 2] and attrs["pads"] == [1, 1, 1, 1] and attrs["group"] == 4
    assert len(nodes["A_dw"].input) == 2 and nodes["A_pw"].input[2] == "ba"
    assert {a.name: helper.get_attribute_value(a) for a in nodes["B_dw"].attribute}["dilations"] == [2, 2]
    assert {a.name: helper.get_attribute_value(a) for a in nodes["C_dw"].attribute}["auto_pad"] == b"SAME_UPPER"
    # old weights are gone, nothing dangling
    names = {t.name for t in out.graph.initializer}
    assert not {"wa", "wb", "wc"} & names and {"wd", "we", "ba"} <= names
    x = RNG.standard_normal((1, 4, 16, 16)).astype(np.float32)
    assert run(out, x)[0].shape == (1, 12, 8, 8)


@pytest.mark.parametrize("x, y, wa, wb, pads_b, kept, skipped, saved", [
    ((1, 1, 8, 8), (1, 8, 8, 8), (8, 1, 3, 3), (8, 8, 3, 3), 1, "B",
     ("A", "one input channel: its depthwise half would be a single filter (cost.is_separable_candidate)"), 9 * 8 * 8 * 64 - (9 * 8 + 8 * 8) * 64),
    ((1, 2, 8, 8), (1, 1, 8, 8), (2, 2, 3, 3), (1, 2, 7, 7), 3, "A",
     ("B", "one output channel: its pointwise half would only scale each filtered map, at more cost (cost.is_separable_candidate)"),
     9 * 2 * 2 * 64 - (9 * 2 + 2 * 2) * 64),
])  # fmt: skip
def test_a_conv_on_one_input_or_to_one_output_channel_has_no_separable_form(tmp_path, x, y, wa, wb, pads_b, kept, skipped, saved):
    """A grayscale stem, 3x3 conv 1 -> 8 (Silero VAD's STFT conv is one too: 1 -> 258): its
    depthwise half would be one filter, every output channel a multiple of one filtered map.
    CBAM's spatial gate, a 7x7 conv 2 -> 1 (found by the eighteenth round, pytorchcv): to one
    output channel the pointwise half only scales each depthwise map, the same function at more
    cost (1/1 + 1/49 of its MACs, which the whole-model what-if had counted).  Neither gets a
    what-if in analyze, and convert skips both, so the two still agree: only the other conv is
    made separable (dw 3x3 + pw on 8x8)."""
    nodes = [helper.make_node("Conv", ["x", "wa"], ["a"], name="A", pads=[1, 1, 1, 1]),
             helper.make_node("Conv", ["a", "wb"], ["y"], name="B", pads=[pads_b] * 4)]  # fmt: skip
    src = save(_model(nodes, x, y, [_w("wa", *wa), _w("wb", *wb)]), tmp_path / "m.onnx")
    a = analyze(load(src))
    assert set(a.what_if) == {kept}
    assert a.all_separable.macs == a.totals.macs - saved
    rep = cv.convert_file(src, tmp_path / "out.onnx")
    assert [c.name for c in rep.converted] == [kept]
    assert [(k.name, k.reason) for k in rep.skipped] == [skipped]
    assert rep.exact and rep.predicted == rep.actual


def test_svd_init_is_exact_for_separable_weights():
    # W[n, m] = p[n, m] * d[m]: every input channel's slice has rank 1
    p = RNG.standard_normal((6, 3))
    d = RNG.standard_normal((3, 3, 3))
    w = (p[:, :, None, None] * d[None]).astype(np.float32)
    m = _model(
        [helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv", pads=[1, 1, 1, 1], strides=[2, 2])],
        (1, 3, 9, 9), (1, 6, 5, 5), [numpy_helper.from_array(w, "w"), _w("b", 6)],
    )  # fmt: skip
    new, rep = rw.convert_model(m)
    assert rep.converted[0].init_error < 1e-6
    x = RNG.standard_normal((1, 3, 9, 9)).astype(np.float32)
    np.testing.assert_allclose(run(new, x)[0], run(m, x)[0], rtol=1e-4, atol=1e-4)
    onnx.checker.check_model(new, full_check=True)


def test_svd_is_best_rank1_and_random_init():
    w = RNG.standard_normal((5, 4, 3, 3)).astype(np.float32)
    dw, pw, err = rw.rank1_factors(w)
    assert dw.shape == (4, 1, 3, 3) and pw.shape == (5, 4, 1, 1) and dw.dtype == np.float32
    assert 0 < err < 1
    # the error equals the energy outside the first singular value, per input channel
    a = w.astype(np.float64).reshape(5, 4, 9).transpose(1, 0, 2)
    s = np.linalg.svd(a, compute_uv=False)
    assert err == pytest.approx(np.sqrt((s[:, 1:] ** 2).sum() / (s**2).sum()), rel=1e-6)
    dw2, pw2, err2 = rw.rank1_factors(w, "random", seed=3)
    assert err2 is None and dw2.shape == dw.shape and pw2.shape == pw.shape


def test_only_skip_min_kernel(tmp_path):
    m = hand_model()
    _, rep = rw.convert_model(m, only=["B"])
    assert [c.name for c in rep.converted] == ["B"]
    _, rep = rw.convert_model(m, skip=["A", "C"])
    assert [c.name for c in rep.converted] == ["B"] and {s.name for s in rep.skipped} == {"A", "C"}
    _, rep = rw.convert_model(m, min_kernel=5)
    assert [c.name for c in rep.converted] == ["C"]
    _, rep = rw.convert_model(m, only=["D", "E"])
    assert not rep.converted and {s.name for s in rep.skipped} == {"D", "E"}
    with pytest.raises(InputError, match="no Conv node named 'nope'"):
        rw.convert_model(m, only=["nope"])
    with pytest.raises(InputError, match=r"^--only and --skip both name 'B'; name a conv in one of them$"):
        rw.convert_model(m, only=["B", "C"], skip=["B"])
    with pytest.raises(InputError, match="--init"):
        rw.convert_model(m, init="xavier")
    # a partial conversion still matches the what-if restricted to the converted layer
    src = save(m, tmp_path / "m.onnx")
    rep = cv.convert_file(src, tmp_path / "b.onnx", only=["B"], verify=False)
    assert rep.exact


def test_non_constant_weight_is_skipped():
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 5, 5]), helper.make_tensor_value_info("w", TensorProto.FLOAT, [3, 2, 3, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 3, 3])],
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    new, rep = rw.convert_model(m)
    assert not rep.converted and "not a constant" in rep.skipped[0].reason


def test_conv_dscost_cannot_count_is_skipped_not_converted(tmp_path):
    """A depthwise weight (8, 1, 3, 3) on 8 channels without its group attribute (found by the
    fuzzer: an attribute name mutated): the reader lists the node uncounted, so convert leaves it
    alone (its weight would give a 1 -> 8 'standard conv' that does not fit the input) and the
    result is exactly the what-if of the one conv it did convert."""
    nodes = [
        helper.make_node("Conv", ["x", "wa"], ["a"], name="A", pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["a", "wb"], ["y"], name="bad", pads=[1, 1, 1, 1]),
    ]
    src = save(_model(nodes, (1, 4, 8, 8), (1, 8, 8, 8), [_w("wa", 8, 4, 3, 3), _w("wb", 8, 1, 3, 3)]), tmp_path / "m.onnx")
    assert [u.name for u in load(src).uncounted] == ["bad"]
    rep = cv.convert_file(src, tmp_path / "out.onnx", verify=False)
    assert [c.name for c in rep.converted] == ["A"]
    assert [s.name for s in rep.skipped] == ["bad"] and "not counted by dscost (cannot derive cost: input has 8 channels" in rep.skipped[0].reason
    # A alone: 3x3x4x8x64 = 18,432 MACs -> dw 3x3x4x64 + pw 4x8x64 = 2,304 + 2,048
    assert rep.exact and rep.predicted == rep.actual and rep.actual["macs"] == 2_304 + 2_048
    assert {n.name for n in onnx.load(str(tmp_path / "out.onnx")).graph.node} == {"A_dw", "A_pw", "bad"}


def test_a_conv_with_an_attribute_name_not_utf8_is_skipped(tmp_path):
    """Found by fuzzing (seed 1411): a Conv whose attribute name is not valid UTF-8 (b'\\xf3trides')
    made convert fail with a TypeError.  The reader lists it uncounted (an attribute its op does
    not have), so convert_file skips it; convert_model, given the proto alone, skips it too, with
    its own reason; the other conv is converted."""
    nodes = [helper.make_node("Conv", ["x", "wa"], ["a"], name="A", pads=[1, 1, 1, 1]),
             helper.make_node("Conv", ["a", "wb"], ["y"], name="B", pads=[1, 1, 1, 1], strides=[1, 1])]  # fmt: skip
    data = _model(nodes, (1, 4, 8, 8), (1, 8, 8, 8), [_w("wa", 8, 4, 3, 3), _w("wb", 8, 8, 3, 3)]).SerializeToString()
    assert data.count(b"strides") == 1
    src = tmp_path / "m.onnx"
    src.write_bytes(data.replace(b"strides", b"\xf3trides"))
    rep = cv.convert_file(src, tmp_path / "out.onnx", verify=False)
    assert [c.name for c in rep.converted] == ["A"]
    assert [(s.name, s.reason) for s in rep.skipped] == [
        ("B", "not counted by dscost (cannot derive cost: its attribute b'\\xf3trides' is not one of Conv's at opset 17: an invalid graph, the graph cannot run)")]
    _, rep = rw.convert_model(onnx.load(str(src)))
    assert [c.name for c in rep.converted] == ["A"]
    assert [(s.name, s.reason) for s in rep.skipped] == [("B", "an attribute name is not valid UTF-8 (b'\\xf3trides'): what the conv does is not known")]


def test_standard_convs_of_other_op_types_are_listed_as_skipped(tmp_path):
    """onnxruntime's FusedConv (a level-2 saved graph) is a standard 3x3 conv the analysis counts,
    with a what-if, but convert rewrites ONNX's own Conv only: it is listed as skipped, with
    why, and the Conv beside it is converted exactly."""
    nodes = [
        helper.make_node("Conv", ["x", "wa"], ["a"], name="A", pads=[1, 1, 1, 1]),
        helper.make_node("FusedConv", ["a", "wb"], ["y"], name="F", domain="com.microsoft", activation="Relu", pads=[1, 1, 1, 1]),
    ]
    mp = _model(nodes, (1, 4, 8, 8), (1, 8, 8, 8), [_w("wa", 8, 4, 3, 3), _w("wb", 8, 8, 3, 3)])
    mp.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    src = save(mp, tmp_path / "m.onnx")
    assert set(analyze(load(src)).what_if) == {"A", "F"}
    rep = cv.convert_file(src, tmp_path / "out.onnx", verify=False)
    assert [c.name for c in rep.converted] == ["A"]
    assert [(s.name, s.reason) for s in rep.skipped] == [("F", "FusedConv: convert rewrites float Conv nodes (ONNX's own op) only")]
    assert rep.exact and rep.actual["macs"] == 2_304 + 2_048 + 9 * 8 * 8 * 64


def test_conv1d_and_constant_node_weight(tmp_path):
    w = numpy_helper.from_array(RNG.standard_normal((6, 4, 5)).astype(np.float32), "wconst")
    nodes = [
        helper.make_node("Constant", [], ["w"], name="wnode", value=w),
        helper.make_node("Conv", ["x", "w"], ["y"], name="c1d", pads=[2, 2], strides=[2]),
    ]
    m = _model(nodes, (1, 4, 20), (1, 6, 10), [])
    src = save(m, tmp_path / "c1d.onnx")
    rep = cv.convert_file(src, tmp_path / "c1d_sep.onnx")
    assert rep.converted and rep.exact and rep.output_shapes_equal and rep.checker_passed
    out = onnx.load(str(tmp_path / "c1d_sep.onnx"))
    assert "Constant" not in {n.op_type for n in out.graph.node}


def test_reverse_dw_pw_is_exact_and_round_trips(tmp_path):
    m = hand_model()
    fwd, _ = rw.convert_model(m, init="svd")
    src = save(fwd, tmp_path / "sep.onnx")
    a = analyze(load(src))
    rep = cv.convert_file(src, tmp_path / "std.onnx", reverse=True)
    # A_dw/A_pw, B_dw/B_pw, C_dw/C_pw merge back; the merged conv takes the original name
    assert sorted(c.name for c in rep.converted) == ["A", "B", "C"]
    assert rep.checker_passed and rep.output_shapes_equal and rep.exact
    assert totals(tmp_path / "std.onnx") == {"macs": a.all_standard.macs, "params": a.all_standard.params}
    # the round trip restores the original counts
    assert totals(tmp_path / "std.onnx") == totals(save(m, tmp_path / "orig.onnx"))
    # no activation in between: the merged conv computes the same function as the dw+pw pair
    std = onnx.load(str(tmp_path / "std.onnx"))
    x = RNG.standard_normal((1, 4, 16, 16)).astype(np.float32)
    np.testing.assert_allclose(run(std, x)[0], run(fwd, x)[0], rtol=1e-3, atol=1e-3)


def test_reverse_folds_bn_and_shift_into_next_bn(tmp_path):
    c = 4
    bn = lambda p: [_w(f"{p}_g", c), _w(f"{p}_b", c), _w(f"{p}_m", c), numpy_helper.from_array(RNG.uniform(0.5, 2, c).astype(np.float32), f"{p}_v")]  # noqa: E731
    nodes = [
        helper.make_node("Conv", ["x", "wdw", "bdw"], ["t"], name="dw", group=c, pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["t", "bn1_g", "bn1_b", "bn1_m", "bn1_v"], ["tb"], name="bn1"),
        helper.make_node("Conv", ["tb", "wpw"], ["u"], name="pw"),
        helper.make_node("BatchNormalization", ["u", "bn2_g", "bn2_b", "bn2_m", "bn2_v"], ["y"], name="bn2"),
    ]
    bn2 = [_w("bn2_g", 8), _w("bn2_b", 8), _w("bn2_m", 8), numpy_helper.from_array(RNG.uniform(0.5, 2, 8).astype(np.float32), "bn2_v")]
    m = _model(nodes, (1, c, 6, 6), (1, 8, 6, 6), [_w("wdw", c, 1, 3, 3), _w("bdw", c), _w("wpw", 8, c, 1, 1), *bn("bn1"), *bn2])
    src = save(m, tmp_path / "blk.onnx")
    a = analyze(load(src))
    assert len(a.blocks) == 1
    rep = cv.convert_file(src, tmp_path / "blk_std.onnx", reverse=True)
    assert rep.converted[0].name == "dw+pw" and "folded" in rep.converted[0].note
    assert rep.converted[0].init_error == 0.0  # exact
    assert totals(tmp_path / "blk_std.onnx") == {"macs": a.all_standard.macs, "params": a.all_standard.params}
    x = RNG.standard_normal((1, c, 6, 6)).astype(np.float32)
    np.testing.assert_allclose(run(onnx.load(str(tmp_path / "blk_std.onnx")), x)[0], run(m, x)[0], rtol=1e-3, atol=1e-3)
    # (found by the fifth red team) without the BN after it the shift has nowhere to go: dropped, said, and `exact` false in JSON
    m2 = _model(nodes[:3], (1, c, 6, 6), (1, 8, 6, 6), [_w("wdw", c, 1, 3, 3), _w("bdw", c), _w("wpw", 8, c, 1, 1), *bn("bn1")])
    m2.graph.output[0].name = "u"
    rep = cv.convert_file(save(m2, tmp_path / "blk2.onnx"), tmp_path / "blk2_std.onnx", reverse=True)
    assert rep.converted[0].init_error is None and "dropped a per-channel shift" in rep.converted[0].note
    from dscost.report.convert import conversion_csv, conversion_json

    assert conversion_json(rep)["converted"][0]["exact"] is False and conversion_csv(rep)[1][-1] == "false"


def test_files_are_never_overwritten_without_force(tmp_path):
    src = save(hand_model(), tmp_path / "m.onnx")
    before = src.read_bytes()
    with pytest.raises(InputError, match="overwrite the input"):
        cv.convert_file(src, src)
    assert src.read_bytes() == before
    out = tmp_path / "o.onnx"
    out.write_bytes(b"keep")
    with pytest.raises(InputError, match="already exists"):
        cv.convert_file(src, out)
    assert out.read_bytes() == b"keep"
    rep = cv.convert_file(src, out, force=True, verify=False)
    assert rep.converted and out.read_bytes() != b"keep"
    # default output name next to the input
    rep = cv.convert_file(src, verify=False)
    assert rep.output == str(tmp_path / "m_separable.onnx")
    with pytest.raises(InputError, match="no such file"):
        cv.convert_file(tmp_path / "missing.onnx", tmp_path / "x.onnx")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x00garbage")
    with pytest.raises(InputError):
        cv.convert_file(bad, tmp_path / "y.onnx")
    assert not (tmp_path / "y.onnx").exists()
    with pytest.raises(InputError, match=r"^--seed: expected an integer >= 0, got -1$"):  # (numpy's "expected non-negative integer", an internal error)
        cv.convert_file(src, tmp_path / "z.onnx", init="random", seed=-1)
    assert not (tmp_path / "z.onnx").exists()


def test_force_never_replaces_the_inputs_external_data(tmp_path):
    """Found by the third red team: --force replaces the input model itself, but -o naming its
    external data file (here data.onnx) wrote over it and left the input unloadable."""
    src = tmp_path / "m.onnx"
    onnx.save(hand_model(), str(src), save_as_external_data=True, all_tensors_to_one_file=True, location="data.onnx", size_threshold=0)
    before = (tmp_path / "data.onnx").read_bytes()
    with pytest.raises(InputError, match="data.onnx: is the input model's external data"):
        cv.convert_file(src, tmp_path / "data.onnx", force=True, verify=False)
    assert (tmp_path / "data.onnx").read_bytes() == before
    assert cv.convert_file(src, src, force=True, verify=False).converted  # (the model itself: --force allows it)


# --------------------------------------------------------------------------
# Spec-exported models (YAML -> ONNX with dscost.export)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from dscost.export import export_model

    root = Path(__file__).resolve().parents[1]
    d = tmp_path_factory.mktemp("exported")
    spec = d / "tiny_mixed.yaml"
    spec.write_text(SPEC)
    out = {}
    for name, path in (("tiny_mixed", spec), ("mobilenet_v1", root / "models/mobilenet_v1.yaml"), ("resnet18", root / "models/resnet18.yaml")):
        out[name] = export_model(load(path), d / f"{name}.onnx")
    return out


@pytest.mark.parametrize("name", ["tiny_mixed", "resnet18"])
def test_exported_forward_equals_all_separable(exported, tmp_path, name):
    src = exported[name]
    a = analyze(load(src))
    assert a.what_if, "the model has standard convs"
    rep = cv.convert_file(src, tmp_path / "sep.onnx", verify=name == "tiny_mixed", init="svd" if name == "tiny_mixed" else "random")
    assert len(rep.converted) == len(a.what_if)
    assert rep.checker_passed
    assert totals(tmp_path / "sep.onnx") == {"macs": a.all_separable.macs, "params": a.all_separable.params}
    assert rep.output_shapes_equal in (True, None)


def test_exported_tiny_has_strided_padded_dilated(exported):
    layers = {layer.name: layer for layer in load(exported["tiny_mixed"]).layers}
    g = {n: layers[n].conv for n in ("stem", "dilated", "valid5", "same_s2")}
    assert g["stem"].stride == (2, 2) and g["stem"].bias
    assert g["dilated"].dilation == (2, 2) and g["dilated"].pads == (2, 2, 2, 2)
    assert g["valid5"].pads == (0, 0, 0, 0)
    assert g["same_s2"].stride == (2, 2)
    assert conv_cost(g["stem"]).macs == layers["stem"].cost.macs


def test_exported_mobilenet_reverse_equals_all_standard(exported, tmp_path):
    src = exported["mobilenet_v1"]
    a = analyze(load(src))
    rep = cv.convert_file(src, tmp_path / "std.onnx", reverse=True, verify=False)
    assert len(rep.converted) == len(a.blocks) == 13
    assert all("Relu" in c.note for c in rep.converted)  # the ReLU between dw and pw cannot be folded
    assert totals(tmp_path / "std.onnx") == {"macs": a.all_standard.macs, "params": a.all_standard.params}
    assert rep.exact and rep.checker_passed


# --------------------------------------------------------------------------
# `dscost convert --format csv`: one row per converted layer


def test_cli_convert_csv_one_row_per_converted_layer(capsys, tmp_path):
    import csv
    import io

    from test_check import dscost

    src = save(hand_model(), tmp_path / "m.onnx")
    code, out, err = dscost(capsys, "convert", str(src), "-o", str(tmp_path / "sep.onnx"), "-f", "csv")
    assert code == 0 and "wrote " in err and "3 convs converted" in err  # the note goes to stderr, stdout is pure CSV
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["name", "direction", "kernel", "cin", "cout", "new_nodes", "removed_nodes", "init_error", "note", "exact"]
    assert all(r["exact"] == "" for r in rows)  # (a forward conversion's exactness is its init_error)
    got = [(r["name"], r["direction"], r["kernel"], int(r["cin"]), int(r["cout"]), r["new_nodes"]) for r in rows]
    assert got == [
        ("A", "standard_to_separable", "3x3", 4, 8, "A_dw A_pw"),
        ("B", "standard_to_separable", "3x3", 8, 8, "B_dw B_pw"),
        ("C", "standard_to_separable", "5x3", 8, 6, "C_dw C_pw"),
    ]
    assert all(r["removed_nodes"] == r["name"] for r in rows)
    assert all(0 < float(r["init_error"]) < 1 for r in rows)  # random weights are not separable: rank-1 SVD error
    # back again: the merged blocks, exact, one row each
    code, out, _ = dscost(capsys, "convert", str(tmp_path / "sep.onnx"), "--reverse", "-o", str(tmp_path / "back.onnx"), "-f", "csv", "--no-verify")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["direction"] for r in rows] == ["separable_to_standard"] * 3
    assert [(int(r["cin"]), int(r["cout"])) for r in rows] == [(4, 8), (8, 8), (8, 6)] and [r["exact"] for r in rows] == ["true"] * 3
    assert totals(tmp_path / "back.onnx")["macs"] == analyze(load(src)).totals.macs


def _torch_style_block_pair():
    """Two dw(bias) -> ReLU -> pw(bias) blocks as torch.onnx writes an untrained model with
    BN folded: equal-valued (zero) biases deduplicated, the second block's biases handed out
    through Identity nodes."""
    c, n = 4, 8
    zeros = lambda name, k: numpy_helper.from_array(np.zeros(k, np.float32), name)  # noqa: E731
    nodes = [
        helper.make_node("Conv", ["x", "w1d", "b_c"], ["t1"], name="dw1", group=c, pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["t1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w1p", "b_n"], ["u1"], name="pw1"),
        helper.make_node("Conv", ["u1", "w2d", "b_n_copy"], ["t2"], name="dw2", group=n, pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["t2"], ["r2"], name="relu2"),
        helper.make_node("Conv", ["r2", "w2p", "b_n_copy2"], ["y"], name="pw2"),
        helper.make_node("Identity", ["b_n"], ["b_n_copy"], name="id1"),
        helper.make_node("Identity", ["b_n"], ["b_n_copy2"], name="id2"),
    ]
    inits = [_w("w1d", c, 1, 3, 3), _w("w1p", n, c, 1, 1), _w("w2d", n, 1, 3, 3), _w("w2p", n, n, 1, 1), zeros("b_c", c), zeros("b_n", n)]
    return _model(nodes, (1, c, 6, 6), (1, n, 6, 6), inits)


def test_reverse_torch_style_identity_biases_matches_what_if(tmp_path):
    src = save(_torch_style_block_pair(), tmp_path / "torchish.onnx")
    a = analyze(load(src))
    # weights 36+32+72+64 = 204; biases 4 + 8 + 8 (Identity copy) + 8 (Identity copy) = 28
    assert (a.totals.weights, a.totals.biases) == (204, 28) and len(a.blocks) == 2
    rep = cv.convert_file(src, tmp_path / "torchish_std.onnx", reverse=True)
    assert rep.exact
    # each merged conv carries its pointwise's bias, found through the Identity node:
    # weights 9*4*8 + 9*8*8 = 864; biases 8 + 8
    assert totals(tmp_path / "torchish_std.onnx") == {"macs": a.all_standard.macs, "params": a.all_standard.params} == {"macs": 864 * 36, "params": 864 + 16}


def test_cli_convert_exits_1_when_the_result_misses_the_what_if(tmp_path, monkeypatch, capsys):
    from dscost.cli import run as cli_run

    src = save(hand_model(), tmp_path / "m.onnx")
    real = cv.convert_file

    def off_by_one(*args, **kwargs):
        rep = real(*args, **kwargs)
        rep.actual = {**rep.actual, "params": rep.actual["params"] + 1}
        return rep

    monkeypatch.setattr(cv, "convert_file", off_by_one)
    assert cli_run(["convert", str(src), "-o", str(tmp_path / "out.onnx")]) == 1
    assert "differ from the what-if prediction" in capsys.readouterr().err


def test_weight_of_undefined_type_is_one_input_error(tmp_path, capsys):
    """Found by fuzzing: an initializer whose data type was mutated to UNDEFINED is fine for
    analyze (weights are never read), but convert must decode it: one line naming the file and
    the tensor, exit 2, nothing written."""
    from dscost.cli import run as cli_run

    mp = hand_model()
    next(t for t in mp.graph.initializer if t.name == "wb").data_type = TensorProto.UNDEFINED
    src = save(mp, tmp_path / "m.onnx")
    assert cli_run(["convert", str(src), "-o", str(tmp_path / "out.onnx"), "--no-verify"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"dscost: error: {src}: weight 'wb' cannot be read (") and err.endswith("nothing written")
    assert len(err.splitlines()) == 1 and not (tmp_path / "out.onnx").exists()
    with pytest.raises(InputError, match=r"m\.onnx: weight 'wb' cannot be read"):
        from dscost.bench import bench_model_pair

        bench_model_pair(src, threads=1)


def test_reverse_folds_an_unfolded_batchnorm(tmp_path):
    """A BatchNorm left as a Mul and an Add of per-channel constants (tf2onnx's, TFLite StableHLO's)
    between the depthwise and the 1x1 conv folds into the merged conv as a BatchNormalization
    does: exact, and the counts are analyze's all-standard what-if.  A Mul by a constant that is
    not one value per channel leaves the block as it is, saying why."""
    c = 4
    nodes = [
        helper.make_node("Conv", ["x", "wdw", "bdw"], ["t"], name="dw", group=c, pads=[1, 1, 1, 1]),
        helper.make_node("Mul", ["t", "g"], ["ts"], name="scale"),
        helper.make_node("Add", ["b", "ts"], ["tb"], name="shift"),
        helper.make_node("Div", ["tb", "d"], ["td"], name="div"),
        helper.make_node("Conv", ["td", "wpw", "bpw"], ["y"], name="pw"),
    ]
    consts = [_w("g", 1, c, 1, 1), _w("b", c, 1, 1), numpy_helper.from_array(np.float32(2.0), "d")]
    m = _model(nodes, (1, c, 6, 6), (1, 8, 6, 6), [_w("wdw", c, 1, 3, 3), _w("bdw", c), _w("wpw", 8, c, 1, 1), _w("bpw", 8), *consts])
    src = save(m, tmp_path / "blk.onnx")
    a = analyze(load(src))
    assert [b.middle for b in a.blocks] == [("scale", "shift", "div")]
    rep = cv.convert_file(src, tmp_path / "blk_std.onnx", reverse=True)
    assert [r.name for r in rep.converted] == ["dw+pw"] and rep.exact
    assert totals(tmp_path / "blk_std.onnx") == {"macs": a.all_standard.macs, "params": a.all_standard.params}
    x = RNG.standard_normal((1, c, 6, 6)).astype(np.float32)
    np.testing.assert_allclose(run(onnx.load(str(tmp_path / "blk_std.onnx")), x)[0], run(m, x)[0], rtol=1e-3, atol=1e-3)

    m.graph.initializer[[t.name for t in m.graph.initializer].index("g")].CopyFrom(_w("g", 1, c, 6, 6))  # (one value per pixel)
    src = save(m, tmp_path / "pix.onnx")
    rep = cv.convert_file(src, tmp_path / "pix_std.onnx", reverse=True, verify=False)
    assert not rep.converted and [s.reason for s in rep.skipped] == ["Mul 'scale' in the block is not a scale or shift by one constant per channel"]


@pytest.mark.parametrize("op", ["Pow", "Max", "Min", "Mod"])
def test_reverse_skips_a_block_whose_middle_is_no_scale_or_shift(tmp_path, op):
    """Found by the third red team: an element-wise op other than Mul/Div/Add/Sub by a constant
    between the dw and pw convs was an internal KeyError; the block is skipped saying why."""
    c = 4
    nodes = [helper.make_node("Conv", ["x", "wdw"], ["t"], name="dw", group=c, pads=[1, 1, 1, 1]),
             helper.make_node(op, ["t", "k"], ["tk"], name="mid"), helper.make_node("Conv", ["tk", "wpw"], ["y"], name="pw")]  # fmt: skip
    m = _model(nodes, (1, c, 6, 6), (1, 8, 6, 6), [_w("wdw", c, 1, 3, 3), _w("wpw", 8, c, 1, 1), numpy_helper.from_array(np.float32(2.0), "k")])
    rep = cv.convert_file(save(m, tmp_path / "blk.onnx"), tmp_path / "out.onnx", reverse=True, verify=False)
    assert not rep.converted and [s.reason for s in rep.skipped] == [f"{op} 'mid' in the block is not a scale or shift by one constant per channel"]


def test_a_strided_pointwise_after_a_depthwise_is_no_block_for_analyze_or_convert(tmp_path):
    """Found by the fifth red team: a 3x3 depthwise then a stride-2 pointwise was a block for
    analyze (its all-standard what-if one conv of 73,728 MACs) and not for convert --reverse
    ("strided or padded"); neither takes it now, and the what-if is the model's own count."""
    c = 8
    nodes = [helper.make_node("Conv", ["x", "wdw"], ["t"], name="dw", group=c, pads=[1, 1, 1, 1]),
             helper.make_node("Conv", ["t", "wpw"], ["y"], name="pw", strides=[2, 2])]  # fmt: skip
    m = _model(nodes, (1, c, 16, 16), (1, 16, 8, 8), [_w("wdw", c, 1, 3, 3), _w("wpw", 16, c, 1, 1)])
    src = save(m, tmp_path / "pwstride.onnx")
    a = analyze(load(src))
    assert a.blocks == [] and a.all_standard.macs == a.totals.macs == 9 * c * 256 + c * 16 * 64
    rep = cv.convert_file(src, tmp_path / "out.onnx", reverse=True, verify=False)
    assert not rep.converted


def test_names_made_by_convert_avoid_the_names_of_subgraphs(tmp_path):
    """Found by the third red team: an If branch holding a tensor named conv_dw_out (the name
    convert gives a conv's depthwise output) made the rewritten graph break SSA, and the valid
    model was refused; made names now avoid every name in a subgraph."""
    then = helper.make_graph([helper.make_node("Relu", ["y"], ["conv_dw_out"], name="r")], "then", [],
                             [helper.make_tensor_value_info("conv_dw_out", TensorProto.FLOAT, None)])  # fmt: skip
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("If", ["cond"], ["z"], name="branch", then_branch=then, else_branch=then)]  # fmt: skip
    m = _model(nodes, (1, 4, 6, 6), (1, 8, 6, 6), [_w("w", 8, 4, 3, 3), numpy_helper.from_array(np.array(True), "cond")])
    m.graph.output[0].name = "z"
    onnx.checker.check_model(m, full_check=True)
    rep = cv.convert_file(save(m, tmp_path / "if.onnx"), tmp_path / "out.onnx", verify=False)
    assert [r.name for r in rep.converted] == ["conv"] and rep.checker_passed
