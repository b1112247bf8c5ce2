"""Roofline arithmetic against hand-computed bytes and intensities."""

from __future__ import annotations

import json

import pytest

from dscost import roofline as rf
from dscost.cost import conv_cost, make_conv_geom, batchnorm_cost
from dscost.errors import InputError
from dscost.layers import ADD, BATCHNORM, Layer


def conv_layer(name, k, cin, cout, size, groups=1, stride=1, padding="same", bias=False):
    g = make_conv_geom((k, k), cin, cout, (size, size), (stride, stride), (1, 1), padding, groups=groups, bias=bias)
    return Layer(name, g.kind, "Conv", ("x",), (1, cin, size, size), (1, cout, *g.out_spatial), conv_cost(g), g, (k, k))


def test_depthwise_3x3_intensity_reference_figure():
    # 14x14x512 depthwise 3x3, fp32, batch 1:
    # input 512*196 = 100,352; weights 9*512 = 4,608; output 100,352 -> 205,312 elements x 4 B
    layer = conv_layer("dw", 3, 512, 512, 14, groups=512)
    t = rf.layer_traffic(layer, "fp32")
    assert (t.input_elements, t.param_elements, t.output_elements) == (100_352, 4_608, 100_352)
    assert t.bytes == 821_248
    assert layer.cost.macs == 903_168
    r = rf.model_roofline([layer], "fp32").layers[0]
    assert r.intensity == pytest.approx(903_168 / 821_248)
    # reference-figures.md: ~2.2 FLOP/byte (FLOPs = 2 x MACs)
    assert 2 * r.intensity == pytest.approx(2.2, abs=0.01)


@pytest.mark.parametrize("size", [14, 56, 112])
def test_depthwise_intensity_about_k2_over_4_flops_at_any_size(size):
    layer = conv_layer("dw", 3, 64, 64, size, groups=64)
    r = rf.model_roofline([layer], "fp32").layers[0]
    assert 2 * r.intensity == pytest.approx(9 / 4, rel=0.05)


def test_pointwise_and_full_conv_reference_figures():
    pw = conv_layer("pw", 1, 512, 512, 14)
    full = conv_layer("full", 3, 512, 512, 14)
    rows = rf.model_roofline([pw, full], "fp32").layers
    # pw: 4*(100,352 + 262,144 + 100,352) = 1,851,392 B; 51,380,224 MACs
    assert rows[0].bytes == 1_851_392 and rows[0].macs == 51_380_224
    assert 2 * rows[0].intensity == pytest.approx(55.5, abs=0.05)
    # full 3x3: 4*(100,352 + 2,359,296 + 100,352) = 10,240,000 B; 462,422,016 MACs
    assert rows[1].bytes == 10_240_000 and rows[1].macs == 462_422_016
    assert 2 * rows[1].intensity == pytest.approx(90.3, abs=0.05)


def test_dtype_scales_bytes():
    layer = conv_layer("c", 3, 8, 16, 10, bias=True)
    # input 800, weights 9*8*16 + 16 = 1,168, output 1,600 -> 3,568 elements
    for dtype, size in (("fp32", 4), ("fp16", 2), ("bf16", 2), ("int8", 1)):
        assert rf.layer_traffic(layer, dtype).bytes == 3_568 * size
        assert rf.model_roofline([layer], dtype.upper()).layers[0].bytes == 3_568 * size
    with pytest.raises(InputError, match="--dtype 'fp64': choose one of fp32, fp16, bf16, int8"):
        rf.model_roofline([layer], "fp64")


def test_one_dtype_table_for_roofline_budgets_and_schema():
    """`analyze --dtype`, `check --dtype` and budget files accept the same dtypes (bf16 included)."""
    from typing import get_args

    from dscost import budget_schema, dtypes, gate

    assert rf.DTYPE_BYTES is gate.DTYPE_BYTES is dtypes.DTYPE_BYTES
    assert dtypes.DTYPE_BYTES == {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}
    literal, none = get_args(budget_schema.BudgetEntry.model_fields["dtype"].annotation)  # (None: the model's own weight type)
    assert set(get_args(literal)) == set(dtypes.DTYPE_BYTES) and none is type(None)


@pytest.mark.parametrize("k, cin, cout, groups, bias", [(3, 8, 16, 1, True), (3, 8, 8, 8, False), (5, 8, 12, 4, True), (1, 8, 16, 1, False)])
def test_conv_traffic_params_are_conv_cost_weights_and_biases(k, cin, cout, groups, bias):
    g = make_conv_geom((k, k), cin, cout, (10, 10), (1, 1), (1, 1), "same", groups=groups, bias=bias)
    c = conv_cost(g)
    t = rf.conv_traffic(g, "bf16")
    assert t.param_elements == c.weights + c.biases and t.dtype_bytes == 2


def test_batchnorm_reads_gamma_beta_and_running_stats():
    bn = Layer("bn", BATCHNORM, "BatchNormalization", ("c",), (1, 8, 4, 4), (1, 8, 4, 4), batchnorm_cost(8, 128))
    t = rf.layer_traffic(bn, "fp32")
    assert (t.input_elements, t.param_elements, t.output_elements) == (128, 32, 128)


def test_add_reads_every_input():
    add = Layer("add", ADD, "Add", ("a", "b"), (1, 8, 4, 4), (1, 8, 4, 4))
    assert rf.layer_traffic(add, "fp32").input_elements == 256


def test_estimate_and_bound_with_custom_hardware():
    hw = rf.resolve_hardware(peak_gmacs=100, bandwidth_gbs=10)
    assert hw.ridge("fp32") == 10
    dw = conv_layer("dw", 3, 512, 512, 14, groups=512)
    full = conv_layer("full", 3, 512, 512, 14)
    rows = rf.model_roofline([dw, full], "fp32", hw).layers
    # dw: compute 903,168 / 1e11 s, memory 821,248 / 1e10 s -> memory-bound
    assert rows[0].estimate.compute_s == pytest.approx(903_168 / 100e9)
    assert rows[0].estimate.memory_s == pytest.approx(821_248 / 10e9)
    assert rows[0].estimate.bound == "memory"
    assert rows[0].estimate.time_s == rows[0].estimate.memory_s
    # full 3x3: intensity 45 > ridge 10 -> compute-bound
    assert rows[1].estimate.bound == "compute"
    assert rows[1].estimate.time_s == pytest.approx(462_422_016 / 100e9)
    m = rf.model_roofline([dw, full], "fp32", hw)
    assert m.time_s == pytest.approx(rows[0].estimate.time_s + rows[1].estimate.time_s)
    assert m.macs == dw.cost.macs + full.cost.macs


def test_a_models_estimated_time_is_the_same_on_every_python():
    """Ten layers of 0.1 s: 1.0 s, not Python 3.11's 0.9999999999999999 from a plain sum (3.12's
    sum compensates its rounding; the golden JSON differed in its last digits between them)."""
    hw = rf.resolve_hardware(peak_gmacs=100, bandwidth_gbs=10)
    rows = [rf.LayerRoofline(f"l{i}", "conv", 1, None, rf.Estimate(0.1, 0.05)) for i in range(10)]
    m = rf.ModelRoofline("fp32", hw, rows, separable_s={"l0": 0.3, "l1": 0.3, "l2": 0.3})
    assert m.time_s == 1.0 and rf.sequential_time(*[r.estimate for r in rows]) == 1.0
    assert m.all_separable_time_s == pytest.approx(1.6)  # (three layers of 0.1 s at 0.3 s each)


def test_separable_estimate_sums_dw_and_pw():
    hw = rf.resolve_hardware(peak_gmacs=100, bandwidth_gbs=10)
    g = make_conv_geom((3, 3), 32, 64, (56, 56), (1, 1), (1, 1), "same")
    std, dw, pw = rf.separable_estimate(g, hw)
    # dw: input 32*3136, weights 288, output 32*3136 -> 200,992 elements
    assert rf.conv_traffic(make_conv_geom((3, 3), 32, 32, (56, 56), (1, 1), (1, 1), "same", groups=32)).elements == 200_992
    assert dw.memory_s == pytest.approx(200_992 * 4 / 10e9)
    assert rf.sequential_time(dw, pw) == dw.time_s + pw.time_s
    assert std.time_s == pytest.approx(conv_cost(g).macs / 100e9)


def test_presets_are_documented_and_consistent():
    assert {"a100", "t4", "jetson-nano", "rpi4", "xeon-8380", "apple-m1-gpu"} <= set(rf.PRESETS)
    kinds = {h.kind for h in rf.PRESETS.values()}
    assert {"cpu", "gpu", "soc"} <= kinds
    for hw in rf.PRESETS.values():
        assert hw.source and hw.bandwidth_gbs > 0 and hw.peak("fp32") > 0
    assert rf.resolve_hardware("A100") is rf.PRESETS["a100"]
    # a dtype without a known peak falls back to fp32 and says so
    assert rf.PRESETS["rpi4"].peak("int8") == rf.PRESETS["rpi4"].peak("fp32")
    assert "fp32 peak" in rf.PRESETS["rpi4"].note_for("int8")


def test_resolve_hardware_errors():
    assert rf.resolve_hardware() is None
    with pytest.raises(InputError, match="unknown"):
        rf.resolve_hardware("cray-1")
    with pytest.raises(InputError, match="both"):
        rf.resolve_hardware(peak_gmacs=10)
    with pytest.raises(InputError, match="not both"):
        rf.resolve_hardware("t4", peak_gmacs=10, bandwidth_gbs=1)
    with pytest.raises(InputError, match="at least 1e-06"):
        rf.resolve_hardware(peak_gmacs=0, bandwidth_gbs=1)


def test_local_profile_roundtrip(tmp_path, monkeypatch):
    monkeypatch.setenv("DSCOST_CONFIG_DIR", str(tmp_path / "cfg"))
    with pytest.raises(InputError, match="--calibrate"):
        rf.resolve_hardware("local")
    path = rf.save_profile({"peak_gmacs": 50.5, "bandwidth_gbs": 7.25, "threads": 2, "measured_at": "2026-01-01"})
    assert path == tmp_path / "cfg" / rf.PROFILE_FILE
    hw = rf.resolve_hardware("local")
    assert hw.peak("fp32") == 50.5 and hw.bandwidth_gbs == 7.25
    path.write_text("{not json")
    with pytest.raises(InputError, match="not a valid calibration profile"):
        rf.resolve_hardware("local")
    path.write_text(json.dumps({"peak_gmacs": -1, "bandwidth_gbs": 1}))
    with pytest.raises(InputError, match="positive"):
        rf.resolve_hardware("local")


def test_model_what_if_on_the_roofline():
    hw = rf.resolve_hardware(peak_gmacs=100, bandwidth_gbs=10)
    full = conv_layer("full", 3, 32, 64, 56)
    dw = conv_layer("dw", 3, 64, 64, 56, groups=64)
    m = rf.model_roofline([full, dw], "fp32", hw)
    assert set(m.separable_s) == {"full"}  # only standard convs > 1x1 have a what-if
    std, e_dw, e_pw = rf.separable_estimate(full.conv, hw)
    assert m.separable_s["full"] == e_dw.time_s + e_pw.time_s
    assert m.all_separable_time_s == pytest.approx(m.time_s - std.time_s + e_dw.time_s + e_pw.time_s)
    assert rf.model_roofline([full], "fp32").all_separable_time_s is None
    from dscost import cost
    from dscost.layers import Model
    from dscost.report.analyze import analysis_json

    d = analysis_json(cost.analyze(Model("m", "m", [full, dw])), roofline=m)["layers"][0]
    assert d["bytes"] == m.layers[0].bytes and d["bound"] == "compute"
    assert d["estimated_separable_time_s"] == m.separable_s["full"] > 0
    assert d["intensity_macs_per_byte"] == round(m.layers[0].macs / m.layers[0].bytes, 4)


def test_analyze_dtype_bf16_same_set_as_check(capsys):
    """`analyze --dtype bf16` works (it exited 2 while budgets accepted bf16): 2 bytes per element."""
    from pathlib import Path

    from test_check import dscost

    model = str(Path(__file__).resolve().parent.parent / "models" / "mobilenet_v1.yaml")
    bytes_at = {}
    for dtype in ("fp16", "bf16"):
        code, out, err = dscost(capsys, "analyze", model, "--dtype", dtype, "-f", "json")
        assert (code, err) == (0, "")
        roof = json.loads(out)["roofline"]
        assert roof["dtype"] == dtype and roof["dtype_bytes"] == 2
        bytes_at[dtype] = roof["bytes"]
    assert bytes_at["bf16"] == bytes_at["fp16"]
    code, _, err = dscost(capsys, "analyze", model, "--dtype", "fp64")
    assert code == 2 and "choose one of fp32, fp16, bf16, int8" in err


def test_a_layers_bytes_are_every_tensor_it_reads_once(tmp_path):
    """Found by the fifth red team: a layer's bytes counted its first operand only (an element-
    wise one k times its first).  The attention scores MatMul(q 1x4x128x32, k 1x4x32x128) ->
    1x4x128x128 read 16,384 + 16,384 and write 65,536 elements: 393,216 B, intensity 2,097,152
    MACs / 393,216 B = 5.33 (it was 327,680 B, smaller than its own activation bytes); the mask
    Add(scores, mask 1x1x1x128) reads 65,536 + 128 and writes 65,536: 524,800 B (it was
    786,432: the mask at the scores' size).  A spec `add` of one tensor twice reads it once, as
    its ONNX export does (3,360 B for a 420-element tensor, not 5,040)."""
    from onnx_models import model, node, save

    from dscost.readers import load

    nodes = [node("MatMul", ["q", "k"], "qk", name="qk"), node("Add", ["qk", "mask"], "y", name="masked")]
    m = load(save(tmp_path, model(nodes, [("q", [1, 4, 128, 32]), ("k", [1, 4, 32, 128]), ("mask", [1, 1, 1, 128])])))
    qk, masked = rf.model_roofline(m, "fp32").layers
    assert (qk.bytes, masked.bytes) == (393_216, 524_800) and qk.intensity == pytest.approx(2_097_152 / 393_216)
    (tmp_path / "twice.yaml").write_text("input: [14, 3, 10]\nlayers:\n  - {type: relu, name: r}\n  - {type: add, name: a, inputs: [r, r]}\n")
    spec = load(str(tmp_path / "twice.yaml"))
    assert rf.model_roofline(spec, "fp32").by_name()["a"].bytes == (420 + 420) * 4
