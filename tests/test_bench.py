"""`dscost bench`: structure and positivity of the results (tiny layers, tiny budgets, no timing thresholds)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from dscost import bench as bn
from dscost import profile as prof
from dscost import timing
from dscost import runtime
from dscost.readers.onnx_reader import read_onnx
from dscost.report import bench as report
from dscost.cli import run
from dscost.cost import conv_cost, make_conv_geom, separable_cost
from dscost.errors import InputError

TINY = dict(budget_s=0.05, max_runs=20, warmup=1)


def geom(**kw):
    args = dict(kernel=(3, 3), cin=4, cout=8, in_spatial=(12, 12), stride=(1, 1), dilation=(1, 1), padding="same")
    args.update(kw)
    return make_conv_geom(**args)


def test_percentile_and_timing_stats():
    assert timing.percentile([3.0], 50) == 3.0
    assert timing.percentile([1, 2, 3, 4, 5], 50) == 3
    assert timing.percentile([1, 2, 3, 4, 5], 10) == pytest.approx(1.4)
    assert timing.percentile([1, 2, 3, 4, 5], 90) == pytest.approx(4.6)
    t = timing.Timing([1.0, 1.0, 1.0, 1.0])
    assert t.spread == 0 and not t.noisy and timing.noise_notice("x", t) is None
    t = timing.Timing([1.0, 1.0, 3.0, 1.0, 0.5])
    assert t.noisy and "too noisy" in timing.noise_notice("x", t)
    assert timing.gmacs_per_s(2_000_000, 1.0) == pytest.approx(2.0)


def test_layer_models_match_geometry():
    g = geom(stride=(2, 2), bias=True)
    models = bn.layer_models(g)
    for m in models.values():
        onnx.checker.check_model(m, full_check=True)
    sep = models["separable"].graph
    assert [n.name for n in sep.node] == ["depthwise", "pointwise"]
    dw_w = next(t for t in sep.initializer if t.name == "w_dw")
    assert list(dw_w.dims) == [4, 1, 3, 3]
    feeds = bn.random_feeds_for(g)
    outs = {k: runtime.make_session(m, k).run(None, feeds)[0].shape for k, m in models.items()}
    assert outs["standard"] == outs["separable"] == (1, 8, *g.out_spatial)


def test_bench_layer_json_structure():
    g = geom()
    r = bn.bench_layer(g, threads=1, **TINY)
    d = report.layer_bench_json(r)
    assert set(d["variants"]) == {"standard", "separable"}
    for v in d["variants"].values():
        assert {"macs", "median_ms", "p10_ms", "p90_ms", "gmacs_per_s"} <= set(v)
        assert v["median_ms"] > 0 and v["gmacs_per_s"] > 0
        assert v["p10_ms"] <= v["median_ms"] <= v["p90_ms"]
    dw, pw = separable_cost(g)
    assert d["variants"]["standard"]["macs"] == conv_cost(g).macs
    assert d["variants"]["separable"]["macs"] == dw.macs + pw.macs
    assert d["theoretical_speedup"] == pytest.approx(conv_cost(g).macs / (dw.macs + pw.macs), abs=1e-4)
    assert d["measured_speedup"] > 0
    assert d["threads"] == 1 and 1 <= d["runs"] <= 20
    assert d["roofline"] is None
    json.dumps(d)


def test_bench_layer_with_roofline_estimate():
    from dscost.roofline import resolve_hardware

    r = bn.bench_layer(geom(), hardware=resolve_hardware(peak_gmacs=50, bandwidth_gbs=10), **TINY)
    e = report.layer_bench_json(r)["roofline"]
    assert e["hardware"] == "custom" and e["estimated_speedup"] > 0 and e["depthwise_bound"] == "memory"


def test_bad_threads_and_budget():
    with pytest.raises(InputError, match="--threads"):
        bn.bench_layer(geom(), threads=0)
    with pytest.raises(InputError, match="--threads"):
        runtime.check_threads(-3)
    with pytest.raises(InputError, match="--budget"):
        bn.bench_layer(geom(), budget_s=0)


def test_parse_profile_skips_warmup_and_takes_median():
    events = [
        {"name": "model_run", "ts": 0, "dur": 100},
        {"name": "model_run", "ts": 200, "dur": 100},
        {"name": "model_run", "ts": 400, "dur": 100},
        {"cat": "Node", "name": "conv_kernel_time", "ts": 10, "dur": 999, "args": {"op_name": "Conv"}},
        {"cat": "Node", "name": "conv_kernel_time", "ts": 210, "dur": 40, "args": {"op_name": "Conv"}},
        {"cat": "Node", "name": "conv_kernel_time", "ts": 410, "dur": 60, "args": {"op_name": "Conv"}},
        {"cat": "Node", "name": "relu_fence_before", "ts": 420, "dur": 1},
    ]
    times, n = prof.parse_profile(events, skip_runs=1)
    assert n == 2 and set(times) == {"conv"}
    assert times["conv"].ms == pytest.approx(0.05) and times["conv"].op == "Conv"


def small_model(path: Path, symbolic: bool = False) -> Path:
    rng = np.random.default_rng(0)
    x_shape = ["N", 3, 16, 16] if symbolic else [1, 3, 16, 16]
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["a"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["a"], ["ar"], name="relu1"),
        helper.make_node("Conv", ["ar", "w2"], ["b"], name="conv2", pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("GlobalAveragePool", ["b"], ["y"]),  # unnamed: GlobalAveragePool_3
    ]
    inits = [
        numpy_helper.from_array(rng.standard_normal((8, 3, 3, 3)).astype(np.float32), "w1"),
        numpy_helper.from_array(rng.standard_normal((16, 8, 3, 3)).astype(np.float32), "w2"),
    ]
    graph = helper.make_graph(
        nodes, "small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [x_shape[0], 16, 1, 1])],
        inits,
    )  # fmt: skip
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), str(path))
    return path


@pytest.mark.parametrize("optimization", ["extended", "all"])
def test_bench_model_joins_profile_by_name(tmp_path, optimization):
    path = small_model(tmp_path / "small.onnx")
    r = bn.bench_model(path, threads=1, optimization=optimization, profile_runs=2, **TINY)
    d = report.model_bench_json(r)
    assert d["latency"]["median_ms"] > 0 and d["macs"] > 0
    layers = {lt["name"]: lt for lt in d["layers"]}
    assert {"conv1", "relu1", "conv2", "GlobalAveragePool_3"} <= set(layers)
    for name in ("conv1", "conv2"):
        assert layers[name]["time_ms"] > 0 and layers[name]["gmacs_per_s"] > 0
        assert 0 < layers[name]["mac_share"] <= 1 and 0 < layers[name]["time_share"] <= 1
    assert layers["relu1"]["time_ms"] is None  # fused into conv1 by onnxruntime
    assert sum(lt["mac_share"] for lt in d["layers"]) == pytest.approx(1.0)
    shares = [lt["time_share"] for lt in d["layers"] if lt["time_share"] is not None] + [u["time_ms"] / d["kernel_ms"] for u in d["unattributed"]]
    assert sum(shares) == pytest.approx(1.0)


def test_bench_model_symbolic_batch_and_input_shape(tmp_path):
    path = small_model(tmp_path / "sym.onnx", symbolic=True)
    assert runtime.feeds_for(read_onnx(path).inputs)["x"].shape == (1, 3, 16, 16)
    assert runtime.feeds_for(read_onnx(path, input_shapes={"x": (2, 3, 16, 16)}).inputs)["x"].shape == (2, 3, 16, 16)
    with pytest.raises(InputError, match="names 'nope', which is not an input of the graph"):
        read_onnx(path, input_shapes={"nope": (1,)})


def test_bench_model_pair_side_by_side(tmp_path):
    from dscost.roofline import resolve_hardware

    path = small_model(tmp_path / "small.onnx")
    p = bn.bench_model_pair(path, threads=1, profile_runs=2, hardware=resolve_hardware(peak_gmacs=50, bandwidth_gbs=10), **TINY)
    d = report.pair_bench_json(p)
    assert d["converted"]["macs"] < d["original"]["macs"]
    assert d["theoretical_speedup"] > 1 and d["measured_speedup"] > 0 and d["estimated_speedup"] > 0
    rows = {r["name"]: r for r in d["layers"]}
    assert set(rows) == {"conv1", "conv2"}
    for r in rows.values():
        assert r["time_ms"] > 0 and r["separable_time_ms"] > 0
        assert r["theoretical_speedup"] > 1 and r["estimated_speedup"] > 0


def test_model_onnxruntime_cannot_run(tmp_path):
    # a custom-domain op has no kernel in onnxruntime
    graph = helper.make_graph(
        [helper.make_node("Frobnicate", ["x"], ["y"], name="f", domain="com.example")],
        "bad",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)], ir_version=8)
    path = tmp_path / "bad.onnx"
    onnx.save(m, str(path))
    with pytest.raises(InputError, match="onnxruntime cannot run this model") as err:
        bn.bench_model(path, **TINY)
    assert "\n" not in str(err.value)


def test_a_model_stamped_with_an_ir_version_onnxruntime_does_not_read_is_run_restamped(tmp_path):
    """onnx stamps its newest IR version on what it makes, and onnxruntime reads it releases later
    (on Python 3.10, onnx 1.23 writes IR 14, onnxruntime 1.23 reads up to 11): the copy onnxruntime
    runs is stamped with the newest version it reads, whether the model's weights are in the file or
    beside it; the file itself is left as it was."""
    inside = small_model(tmp_path / "inside.onnx")
    proto = onnx.load(str(inside))
    proto.ir_version = 99  # (no onnxruntime reads it)
    onnx.save(proto, str(inside))
    beside = tmp_path / "beside" / "m.onnx"
    beside.parent.mkdir()
    onnx.save(proto, str(beside), save_as_external_data=True, location="m.data", size_threshold=0)
    for path in (inside, beside):
        before = path.read_bytes()
        r = bn.bench_model(path, profile_runs=1, **TINY)
        assert report.model_bench_json(r)["latency"]["median_ms"] > 0
        assert path.read_bytes() == before
        said = [n for n in report.model_bench_json(r)["notices"] if "a copy stamped" in n]  # (what was timed is said)
        found = re.fullmatch(rf"{re.escape(str(path))}: onnxruntime {re.escape(runtime.ort_version())} reads IR versions up to (\d+), "
                             r"the model is stamped 99: it ran a copy stamped \1 \(the model is unchanged\)", said[0]) if len(said) == 1 else None  # fmt: skip
        assert found and 7 <= int(found[1]) < 99, said
    plain = bn.bench_model(small_model(tmp_path / "plain.onnx"), profile_runs=1, **TINY)
    assert not [n for n in plain.notices if "a copy stamped" in n]
    loaded = onnx.load(str(inside))  # (a ModelProto, as --measure-sizes gives it: the copy is stamped, not it)
    assert runtime.make_session(loaded, "m").get_inputs()[0].name == "x" and loaded.ir_version == 99
    with pytest.raises(InputError) as err:  # (onnxruntime's own refusal of IR 99, without its C++ source location)
        runtime.make_session(_op_version(proto, 99), "m")  # (and opset 99: the copy is refused too)
    text = str(err.value)
    assert "Unsupported model IR version: 99" in text and "stamped IR version" in text and ".cc:" not in text and "::" not in text, text


def _op_version(proto, opset: int) -> bytes:
    proto = onnx.ModelProto.FromString(proto.SerializeToString())
    proto.opset_import[0].version = opset
    return proto.SerializeToString()


def test_onnxruntimes_source_location_is_left_out_of_its_message():
    strip = runtime._without_source_location
    assert strip("1 : FAIL : Load model from m.onnx failed:/onnxruntime_src/onnxruntime/core/graph/model.cc:181 onnxruntime::Model::Model("
                 "onnx::ModelProto&&, const std::unordered_map<std::string, int>&) Unsupported model IR version: 14, max supported IR version: 11"
                 ) == "1 : FAIL : Load model from m.onnx failed:Unsupported model IR version: 14, max supported IR version: 11"  # fmt: skip
    assert strip("1 : FAIL : /src/model_load_utils.h:46 void onnxruntime::model_load_utils::ValidateOpsetForDomain(const std::string&, int) Opset 99"
                 ) == "1 : FAIL : Opset 99"  # fmt: skip
    assert strip("FAIL : /src/a.cc:12 the file (m.onnx) is bad") == "FAIL : the file (m.onnx) is bad"
    assert strip("FAIL : /src/a.cc:12 f(unbalanced") == "FAIL : f(unbalanced"
    assert strip("Non-zero status code returned while running Conv node. Name:'c'") == "Non-zero status code returned while running Conv node. Name:'c'"


def test_calibrate_and_save_profile(tmp_path, monkeypatch):
    from dscost import roofline

    monkeypatch.setenv("DSCOST_CONFIG_DIR", str(tmp_path))
    from dscost.calibrate import calibrate

    prof = calibrate(threads=1, budget_s=0.05, matmul_size=64, stream_elements=4096, max_runs=10, conv_channels=4, conv_size=8)
    assert prof["peak_gmacs"] > 0 and prof["bandwidth_gbs"] > 0 and prof["threads"] == 1
    roofline.save_profile(prof)
    hw = roofline.resolve_hardware("local")
    assert hw.peak("fp32") == prof["peak_gmacs"] and hw.bandwidth_gbs == prof["bandwidth_gbs"]


# --------------------------------------------------------------------------
# Through the real entry point


def test_cli_bench_layer_json(capsys):
    rc = run(["bench", "--dk", "3", "--m", "4", "--n", "8", "--df", "8", "--budget", "0.05", "--runs", "10", "-f", "json"])
    out = capsys.readouterr().out
    assert rc == 0
    d = json.loads(out)
    assert {"variants", "theoretical_speedup", "measured_speedup", "threads", "runs"} <= set(d)


def test_cli_bench_layer_csv(capsys):
    import csv

    rc = run(["bench", "--dk", "3", "--m", "8", "--n", "8", "--df", "8", "--budget", "0.05", "--runs", "5", "-f", "csv"])
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert rc == 0 and [r["variant"] for r in rows] == ["standard", "separable"]
    # 3*3*8*8*8*8 = 36,864; separable 3*3*8*8*8 + 8*8*8*8 = 4,608 + 4,096 = 8,704
    assert [int(r["macs"]) for r in rows] == [36864, 8704]
    assert float(rows[0]["theoretical_speedup"]) == round(36864 / 8704, 4)


def test_cli_bench_layer_table(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DSCOST_CONFIG_DIR", str(tmp_path))  # no saved profile
    rc = run(["bench", "--dk", "3", "--m", "4", "--n", "8", "--df", "8", "--budget", "0.05", "--runs", "10", "--hardware", "rpi4"])
    out = capsys.readouterr().out
    assert rc == 0 and "theoretical (MAC ratio)" in out and "roofline estimate (rpi4" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["bench", "--threads", "0"], "--threads"),
        (["bench", "--budget", "-1"], "--budget"),
        (["bench", "--hardware", "cray-1"], "unknown"),
        (["bench", "--dtype", "fp64"], "--dtype"),
        (["bench", "--dk", "9", "--df", "4", "--padding", "valid"], "larger than"),
        (["bench", "--convert"], "--convert applies when bench times a model (bench MODEL); this run times one layer (no MODEL)"),
        # an option of another mode is an error, not ignored (round 56: each of these gave exit 0)
        (["bench", "--optimization", "foo"], "--optimization 'foo': choose one of none, basic, extended, all"),
        (["bench", "--input-shape", "x=1x2"], "--input-shape applies when bench times a model (bench MODEL)"),
        (["bench", "--all"], "--all applies when bench times a model"),
        (["bench", "models/mobilenet_v1.yaml", "--dk", "5"], "--dk applies when bench times one layer (bench --dk ... with no MODEL); this run times a model"),
        (["bench", "--calibrate", "--m", "8"], "--m applies when bench times one layer (bench --dk ... with no MODEL); this run times the machine (--calibrate)"),
        (["bench", "missing.onnx"], "no such file"),
        (["bench", "models/mobilenet_v1.yaml", "-i", "x=1x3x8x8"], "--input-shape applies to ONNX graphs and PyTorch modules only; models/mobilenet_v1.yaml is a layer spec"),
        (["bench", "models/mobilenet_v1.yaml", "--arg", "num_classes=10"], "--kwargs/--arg apply to PyTorch modules only; models/mobilenet_v1.yaml is a layer spec"),
        (["convert", "torchvision.models:resnet18"], "torchvision.models:resnet18: convert rewrites ONNX graphs (.onnx); export the module with torch.onnx.export first, or time it converted with `dscost bench torchvision.models:resnet18 --convert`"),
        (["convert", "models/mobilenet_v1.yaml"], "convert rewrites ONNX graphs (.onnx); export a layer spec first with `dscost export`"),
        (["convert", "model.tflite"], "model.tflite: convert rewrites ONNX graphs (.onnx); convert the TFLite file to ONNX first (tf2onnx --tflite)"),
        (["convert", "llama/config.json"], "llama/config.json: convert rewrites ONNX graphs (.onnx); export the model, with its weights, to ONNX first (optimum-cli export onnx)"),
        (["bench", "model.tflite"], "model.tflite: bench runs ONNX graphs (.onnx), layer specs (.yaml/.yml) or PyTorch modules (package.module:factory, .pt2, TorchScript)"),
        (["analyze", "models/mobilenet_v1.yaml", "--peak-gmacs", "5"], "together"),
    ],
)
def test_cli_bench_bad_input_exit_2(capsys, args, message, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert run(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("dscost: error:") and err.count("\n") == 1


def test_cli_bench_model_and_convert(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DSCOST_CONFIG_DIR", str(tmp_path))
    path = small_model(tmp_path / "small.onnx")
    assert run(["bench", str(path), "--budget", "0.05", "--runs", "5", "-f", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert {"latency", "layers", "unattributed"} <= set(d)
    assert run(["bench", str(path), "--convert", "--budget", "0.05", "--runs", "5"]) == 0
    out = capsys.readouterr().out
    assert "Per converted conv" in out and "conv1" in out
    out_path = tmp_path / "sep.onnx"
    assert run(["bench", str(path), "--convert", "--budget", "0.05", "--runs", "5", "-f", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("name,macs,separable_macs,") and lines[1].startswith("conv1,")
    assert run(["convert", str(path), "-o", str(out_path), "-f", "json"]) == 0
    cap = capsys.readouterr()
    rep = json.loads(cap.out)
    assert rep["what_if"]["exact"] is True and rep["needs_fine_tuning"] and "fine-tuning" in cap.err
    assert run(["convert", str(path), "-o", str(out_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert run(["convert", str(out_path), "--reverse", "-o", str(tmp_path / "std.onnx")]) == 0
    assert "What-if check" in capsys.readouterr().out


def test_cli_calibrate_then_hardware_local(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DSCOST_CONFIG_DIR", str(tmp_path))
    monkeypatch.setattr("dscost.calibrate.calibrate", lambda **kw: {"name": "local", "peak_gmacs": 40.0, "bandwidth_gbs": 8.0, "threads": 1, "method": "test"})
    assert run(["bench", "--calibrate"]) == 0
    assert "saved to" in capsys.readouterr().out
    assert run(["bench", "--calibrate", "-f", "csv"]) == 0
    assert "peak_gmacs,40.0" in capsys.readouterr().out.splitlines()
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert run(["analyze", "models/mobilenet_v1.yaml", "--hardware", "local", "-f", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["roofline"]["hardware"]["peak_gmacs"] == {"fp32": 40.0}
    assert all("bytes" in layer and "estimated_time_s" in layer for layer in d["layers"])


def _synthetic_layer_bench(standard_ms: list[float], separable_ms: list[float]) -> bn.LayerBench:
    """A LayerBench from given samples (no onnxruntime): what the report makes of quiet and noisy machines."""
    g = geom()
    dw, pw = separable_cost(g)
    variants = {
        "standard": bn.VariantResult(conv_cost(g).macs, timing.Timing(standard_ms)),
        "separable": bn.VariantResult(dw.macs + pw.macs, timing.Timing(separable_ms)),
    }
    r = bn.LayerBench(g, variants, threads=1, budget_s=0.1, onnxruntime="1.0")
    r.notices = [n for name, v in variants.items() if (n := timing.noise_notice(name, v.timing))]
    return r


def test_noisy_machine_gets_a_notice_not_a_confident_number(capsys):
    quiet = _synthetic_layer_bench([2.0] * 10, [1.0] * 10)
    report.show_layer_bench(quiet, "table")
    out = capsys.readouterr().out
    assert "notice:" not in out and "noisy" not in out
    assert "turns" in out  # a confident verdict on a quiet machine
    noisy = _synthetic_layer_bench([2.0] * 5 + [4.0] * 5, [1.0] * 10)  # standard: p10 2, p90 4, median 3 -> spread 67%
    assert noisy.variants["standard"].timing.spread == pytest.approx(2 / 3)
    report.show_layer_bench(noisy, "table")
    out = capsys.readouterr().out
    assert "the measured speedup is noisy: not a confident number" in out and "turns" not in out
    assert "notice: standard: the machine is too noisy for a confident number: p10-p90 spread is 67% of the median (threshold 25%)" in out
    d = report.layer_bench_json(noisy)
    assert d["noisy"] is True and d["notices"] == noisy.notices and d["measured_speedup"] == 3.0


def test_a_noisy_speedup_keeps_its_column_at_80_columns(monkeypatch):
    """Round 66 (a README audit at 80 columns): 'measured (median latency ratio)' beside '5.00x (95% CI
    4.07-5.46x) (noisy: not a confident number)' was wider than the terminal, so the table's only
    value column was hidden; the hedge is a note under the table now."""
    from dscost.report.document import emit
    from test_terminal import Terminal

    noisy = _synthetic_layer_bench([2.0] * 5 + [4.0] * 5, [1.0] * 10)
    noisy.ratios = [4.07, 4.2, 4.5, 4.8, 5.0, 5.1, 5.3, 5.46, 4.1, 5.4, 4.6, 4.9]  # (paired rounds: a wide interval)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    out = Terminal()
    emit("table", doc=lambda: report.layer_bench_doc(noisy), out=out)
    text = out.getvalue()
    (line,) = [x for x in text.splitlines() if x.startswith("measured (median latency ratio)")]
    assert line.endswith("x)") and "4.85x (95% CI" in line and "hidden to fit" not in text
    assert "the measured speedup is noisy: not a confident number (see the notice)" in text


def test_noisy_model_bench_headline_is_hedged(capsys):
    layers = [prof.LayerTime("conv", "conv", 1_000_000, 0.5, ("conv",))]
    for samples, hedged in (([1.0] * 10, False), ([1.0] * 5 + [2.0] * 5, True)):
        mb = bn.ModelBench("m.onnx", timing.Timing(samples), layers, [], threads=1, optimization="all")
        report.show_model_bench(mb, "table")
        headline = capsys.readouterr().out.splitlines()[1]
        assert headline.startswith("onnxruntime CPU, 1 thread")
        assert ("(noisy: not a confident number)" in headline) is hedged


def test_converted_conv_speedups_kept_on_a_narrow_terminal(monkeypatch):
    """`bench --convert` at 80 columns: per converted conv, the theoretical and measured speedups
    are kept before the kernel times behind them (10.8M MACs in 0.30 ms against 1.54M in 0.24 +
    0.19 ms: 7.02x theoretical, 0.70x measured)."""
    from dscost.report.document import emit
    from test_terminal import Terminal

    name = "/features/features.0/features.0.0/Conv"
    orig = bn.ModelBench("m.onnx", timing.Timing([6.6] * 9), [prof.LayerTime(name, "conv", 10_838_016, 0.30)], [], threads=1, optimization="all")
    conv = bn.ModelBench("s.onnx", timing.Timing([6.7] * 9), [prof.LayerTime(f"{name}_dw", "depthwise", 1_204_224, 0.24),
                                                               prof.LayerTime(f"{name}_pw", "pointwise", 338_688, 0.19)], [], threads=1, optimization="all")  # fmt: skip
    p = bn.PairBench(orig, conv, [name])
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    out = Terminal()
    emit("table", doc=lambda: report.pair_bench_doc(p), out=out)
    lines = out.getvalue().splitlines()
    header = lines[lines.index("Per converted conv") + 1]
    assert "theoretical" in header and "measured" in header and max(map(len, lines)) <= 80
    assert any("7.02x" in x and "0.70x" in x for x in lines)


def test_fused_nodes_are_timed_as_their_first_layer(tmp_path, monkeypatch, capsys):
    """onnxruntime's fusions name the fused node after the first node and the fusion
    (``/fc1/MatMul/MatMulAddFusion``: a MatMul and its bias Add made one Gemm): its time is the
    MatMul layer's, not an unattributed row (a transformer's dense layers all went unattributed).
    A node onnxruntime names itself is timed as the layer whose output it writes in the graph
    onnxruntime runs (``SkipLayerNormalization_token_3`` writes the LayerNorm's), else as the
    node it feeds (``gemm_input_reshape`` feeds the Gemm); one that does neither stays apart.
    Then a real run: every node attributed (onnxruntime 1.18.1, the oldest allowed, names that
    Gemm just 'gemm', attributed by the tensor it writes)."""
    from dscost.layers import Layer

    layers = [Layer("/fc1/MatMul", "fc", "MatMul", ("x",), (32, 64), (32, 128)), Layer("/fc1/Add", "add", "Add", ("/fc1/MatMul",), (32, 128), (32, 128)),
              Layer("/attn/MatMul", "matmul", "MatMul", ("/fc1/Add",), (32, 128), (32, 32)),
              Layer("/ln/LayerNormalization", "norm", "LayerNormalization", ("/attn/MatMul",), (32, 32), (32, 32))]  # fmt: skip
    producer = {"h": "/fc1/MatMul", "y": "/fc1/Add", "a": "/attn/MatMul", "n": "/ln/LayerNormalization"}
    times = {t.name: t for t in (prof.NodeTime("/fc1/MatMul/MatMulAddFusion", "Gemm", 0.5, ("y",)),
                                  prof.NodeTime("/attn/MatMul/MatMulScaleFusion/", "FusedMatMul", 0.25, ("a",)),
                                  prof.NodeTime("SkipLayerNormalization_token_3", "SkipLayerNormalization", 0.125, ("n", "sum_token_3")),
                                  prof.NodeTime("gemm_input_reshape", "Reshape", 0.03125, ("x_2d",), ("/fc1/MatMul/MatMulAddFusion",)),
                                  prof.NodeTime("/fc1/Add/NotAFusionName", "Add", 0.0625, ("t",), ("nowhere",)))}  # fmt: skip
    rows, unattributed = prof.join_profile(producer, layers, times)
    assert [(r.name, r.ms) for r in rows] == [("/fc1/MatMul", 0.53125), ("/fc1/Add", None), ("/attn/MatMul", 0.25), ("/ln/LayerNormalization", 0.125)]
    assert [n.name for n in unattributed] == ["/fc1/Add/NotAFusionName"]
    assert prof.join_profile({}, layers, {"t": prof.NodeTime("SkipLayerNormalization_token_3", "SkipLayerNormalization", 0.125)})[1]  # (no graph: apart)

    monkeypatch.setenv("DSCOST_CONFIG_DIR", str(tmp_path))
    nodes = [helper.make_node("MatMul", ["x", "w1"], ["h"], name="/fc1/MatMul"), helper.make_node("Add", ["h", "b1"], ["y"], name="/fc1/Add")]
    inits = [numpy_helper.from_array(np.random.rand(64, 128).astype(np.float32), "w1"), numpy_helper.from_array(np.random.rand(128).astype(np.float32), "b1")]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [32, 64])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    path = tmp_path / "mlp.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    assert run(["bench", str(path), "--budget", "0.05", "--runs", "5", "-f", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    fc, add = (next(layer for layer in d["layers"] if layer["name"] == name) for name in ("/fc1/MatMul", "/fc1/Add"))
    assert fc["macs"] == 32 * 64 * 128 and d["unattributed"] == [] and (fc["time_ms"] or 0) + (add["time_ms"] or 0) > 0


def test_unnamed_nodes_onnxruntime_runs_take_its_profilers_names(tmp_path):
    """onnxruntime leaves the parts of an inlined function unnamed in the graph it writes
    (MobileNetV3's HardSwish: a HardSigmoid and a Mul), and its profiler names them ``<op>_<index>``.
    When the profiled run's order is the graph's, node for node, they take those names, so the
    Mul that writes the HardSwish's output is timed as that layer; otherwise they keep none."""
    nodes = [helper.make_node("Gemm", ["x", "w"], ["g"], name="/fc/Gemm"), helper.make_node("HardSigmoid", ["g"], ["hs"]),
             helper.make_node("Mul", ["g", "hs"], ["y"])]  # fmt: skip
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
                          [numpy_helper.from_array(np.ones((4, 4), np.float32), "w")])  # fmt: skip
    path = tmp_path / "optimized.onnx"
    onnx.save(helper.make_model(g), str(path))
    wiring = prof.optimized_wiring(path, ["/fc/Gemm", "HardSigmoid_7", "Mul_8"])
    assert wiring["Mul_8"] == (("y",), ()) and wiring["HardSigmoid_7"] == (("hs",), ("Mul_8",)) and wiring["/fc/Gemm"][1] == ("HardSigmoid_7", "Mul_8")
    assert "Mul_8" not in prof.optimized_wiring(path, ["HardSigmoid_7", "/fc/Gemm", "Mul_8"])  # (another order: no names given)
    assert prof.optimized_wiring(tmp_path / "missing.onnx") == {}
    events = [{"name": "model_run", "ts": 10, "dur": 10}, {"name": "model_run", "ts": 30, "dur": 10}] + [
        {"cat": "Node", "name": f"{n}_kernel_time", "ts": ts, "dur": 1} for n, ts in (("Mul_8", 13), ("/fc/Gemm", 11), ("HardSigmoid_7", 12), ("/fc/Gemm", 31))]
    assert prof.execution_order(events) == ["/fc/Gemm", "HardSigmoid_7", "Mul_8"]


def test_element_types_numpy_holds_are_read_without_onnx():
    """feeds_for's dtypes: numpy's own types from dscost's table, equal to onnx.helper's (which
    imports ml_dtypes); bfloat16 and float8 through onnx.helper, as before; an unknown type is one line."""
    for elem in runtime.NUMPY_TYPES:
        assert runtime.np_dtype(elem, "x") == np.dtype(helper.tensor_dtype_to_np_dtype(elem)), elem
    for elem in (TensorProto.BFLOAT16, TensorProto.FLOAT8E4M3FN):  # (ml_dtypes' types since onnx 1.18; float32 before)
        assert runtime.np_dtype(elem, "x") == np.dtype(helper.tensor_dtype_to_np_dtype(elem)), elem
    with pytest.raises(InputError, match="cannot feed"):
        runtime.feeds_for([("x", (2,), 0)], "m")
    feeds = runtime.feeds_for([("x", (2, 3), TensorProto.FLOAT), ("ids", (4,), TensorProto.INT64), ("s", (1,), TensorProto.STRING)], "m")
    assert {k: (v.dtype.name, v.shape) for k, v in feeds.items()} == {"x": ("float32", (2, 3)), "ids": ("int64", (4,)), "s": ("object", (1,))}


def test_the_onnxruntime_child_of_a_model_bench_does_not_import_onnx(tmp_path):
    """The child process that times a model needs onnxruntime and numpy, not onnx's Python
    package (dscost reads protobuf through onnx_lib): onnx.helper imports ml_dtypes, ~1 s of CPU
    in its release 0.7.0, in every `dscost bench MODEL`."""
    import subprocess
    import sys

    path = small_model(tmp_path / "small.onnx")
    spec = {"model": ("small.onnx", str(path), [("x", (1, 3, 16, 16), TensorProto.FLOAT)], {}, True)}
    code = ("import ast, sys; from dscost.bench import _time_models; "
            "rounds, profiles, _ = _time_models(ast.literal_eval(sys.argv[1]), 1, 'all', 0.01, 3, 1, 1, False); "
            "print(sorted(profiles['model']) != [], sorted({'onnx.helper', 'ml_dtypes', 'onnxruntime'} & set(sys.modules)))")  # fmt: skip
    r = subprocess.run([sys.executable, "-c", code, repr(spec)], capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[1])
    assert r.returncode == 0, r.stderr[-500:]
    assert r.stdout.split() == ["True", "['onnxruntime']"], r.stdout
