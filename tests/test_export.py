"""`dscost export`: a spec written as ONNX analyzes to the same per-layer MACs and params."""

from __future__ import annotations

import json
from pathlib import Path

import onnx
import pytest

from dscost import cost
from dscost.export import export_model
from dscost.readers import load

from conftest import ROOT, cli_run, make_tiny_model

SPECS = sorted((ROOT / "models").glob("*.yaml"))


def same_layers(spec_model, onnx_model):
    by_name = {layer.name: layer for layer in onnx_model.layers}
    assert not onnx_model.uncounted
    for layer in spec_model.layers:
        got = by_name.get(layer.name)
        assert got is not None, f"layer {layer.name} missing from the export"
        assert (got.type, got.cost) == (layer.type, layer.cost), layer.name  # MACs, params and every other count
        assert tuple(got.output_shape) == tuple(layer.output_shape), layer.name
    extra = [layer for layer in onnx_model.layers if layer.name not in {s.name for s in spec_model.layers}]
    assert all(layer.cost == cost.Cost() for layer in extra)  # helper nodes (Flatten before Gemm) cost nothing


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_export_round_trip_every_bundled_spec(tmp_path, spec):
    m = load(spec)
    path = export_model(m, tmp_path / f"{spec.stem}.onnx", external_data=True)  # zero weights as a file hole
    onnx.checker.check_model(str(path), full_check=True)
    back = load(path)
    same_layers(m, back)
    a, b = cost.analyze(m), cost.analyze(back)
    assert a.totals == b.totals
    assert a.what_if == b.what_if
    assert (a.all_separable, a.all_standard) == (b.all_separable, b.all_standard)
    assert a.blocks == b.blocks


def test_export_embedded_weights_and_hand_built_model(tmp_path):
    m = make_tiny_model()
    path = export_model(m, tmp_path / "tiny.onnx")
    onnx.checker.check_model(str(path), full_check=True)
    loaded = onnx.load(str(path))
    w = {t.name: t for t in loaded.graph.initializer}["conv1/W"]
    assert list(w.dims) == [8, 3, 3, 3] and set(w.raw_data) == {0}  # zeros, documented
    same_layers(m, load(path))
    assert path.stat().st_size > 4 * sum(layer.cost.weights for layer in m.layers)


def test_layer_names_that_are_the_names_of_weights_do_not_clash(tmp_path):
    """A spec may name a layer 'a/W', the name export gives layer a's weight, and 'b/W/flatten':
    the weight and helper tensors take names no layer has (onnx's checker wants each name made
    once), and the file counts as the spec (same padding, convs without bias): conv a 16*27*1,024 =
    442,368 MACs, 432 params; conv b 16*144*1,024 = 2,359,296, 2,304; the dense 10*16,384 =
    163,840, 163,850."""
    spec = tmp_path / "clash.yaml"
    spec.write_text("input: [3, 32, 32]\nlayers:\n  - {type: conv, name: a, channels: 16, kernel: 3}\n  - {type: relu, name: a/W}\n"
                    "  - {type: conv, name: b, channels: 16, kernel: 3}\n  - {type: relu, name: b/W/flatten}\n  - {type: fc, name: b/W, units: 10}\n")  # fmt: skip
    m = load(spec)
    path = export_model(m, tmp_path / "clash.onnx")
    onnx.checker.check_model(str(path), full_check=True)
    same_layers(m, load(path))
    assert (cost.analyze(m).totals.macs, cost.analyze(m).totals.params) == (442_368 + 2_359_296 + 163_840, 432 + 2_304 + 163_850)


def test_every_spec_activation_exports_and_counts_as_the_spec(tmp_path):
    """Found by the third red team: mish and softsign, which specs accept, were refused by export
    (and so by `bench` of a spec).  Every activation a spec takes is written as its ONNX op (Mish
    from opset 18, Swish from 24), passes the checker and counts as the spec: conv 3x3 3->4 on 6x6 (4*27*36 = 3,888 MACs) then the activation's
    ops per element (cost.ACTIVATION_OPS) on 4*36 = 144 elements."""
    from dscost.errors import InputError
    from dscost.export import _ACTIVATIONS, _known_opset
    from dscost.spec import SPEC_ACTIVATIONS

    for fn in SPEC_ACTIVATIONS:
        spec = tmp_path / f"{fn}.yaml"
        spec.write_text(f"input: [3, 6, 6]\nlayers:\n  - {{type: conv, name: c, channels: 4, kernel: 3}}\n  - {{type: {fn}, name: a}}\n")
        m = load(spec)
        if fn in _ACTIVATIONS and _ACTIVATIONS[fn][2] > _known_opset():  # (onnx 1.17, the oldest allowed, knows opsets up to 22: Swish is 24)
            with pytest.raises(InputError, match=rf"layer 'a': cannot export activation '{fn}': ONNX's {_ACTIVATIONS[fn][0]} is an op of opset "
                                                 rf"{_ACTIVATIONS[fn][2]}, and onnx .* here knows opsets up to {_known_opset()}; upgrade onnx"):  # fmt: skip
                export_model(m, tmp_path / f"{fn}.onnx")
            continue
        path = export_model(m, tmp_path / f"{fn}.onnx")
        onnx.checker.check_model(str(path), full_check=True)
        same_layers(m, load(path))
        assert cost.analyze(m).totals == cost.Cost(macs=3_888, other_ops=cost.ACTIVATION_OPS[fn] * 144, weights=108), fn


def test_exported_model_runs_in_onnxruntime(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    import numpy as np

    path = export_model(make_tiny_model(), tmp_path / "tiny.onnx")
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = sess.run(None, {"input": np.ones((1, 3, 32, 32), np.float32)})
    assert out.shape == (1, 10)


def test_cli_export_refuses_to_overwrite(tmp_path):
    spec = ROOT / "models" / "mobilenet_v1.yaml"
    out = tmp_path / "m.onnx"
    r = cli_run("export", str(spec), "-o", str(out), "--external-data")
    assert r.returncode == 0, r.stderr
    assert out.exists() and Path(str(out) + ".data").exists()
    r = cli_run("export", str(spec), "-o", str(out))
    assert r.returncode == 2 and "--force" in r.stderr
    r = cli_run("export", str(spec), "-o", str(out), "--force", "--width-multiplier", "0.5")
    assert r.returncode == 0, r.stderr
    spec_json = json.loads(cli_run("analyze", str(spec), "-a", "0.5", "-f", "json").stdout)
    onnx_json = json.loads(cli_run("analyze", str(out), "-f", "json").stdout)
    assert onnx_json["totals"] == spec_json["totals"]
    assert {(x["name"], x["macs"], x["params"]) for x in spec_json["layers"]} <= {(x["name"], x["macs"], x["params"]) for x in onnx_json["layers"]}


def test_cli_export_rejects_non_spec(tmp_path):
    r = cli_run("export", str(tmp_path / "x.onnx"), "-o", str(tmp_path / "y.onnx"))
    assert r.returncode == 2 and "YAML layer spec" in r.stderr


def _export_cli(capsys, *args):
    from test_check import dscost

    return dscost(capsys, "export", *args)


def test_cli_export_formats(capsys, tmp_path):
    """--format table|json|csv|markdown: what was written (nodes, layers, bytes) and the model's totals."""
    import csv
    import io

    spec = str(ROOT / "models" / "mobilenet_v2.yaml")
    out_path = tmp_path / "mv2.onnx"
    code, out, err = _export_cli(capsys, spec, "-o", str(out_path), "-f", "csv")
    assert code == 0 and err.startswith("wrote ")
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert (row["model"], row["output"]) == ("mobilenet_v2", str(out_path))
    assert (int(row["nodes"]), int(row["layers"])) == (153, 153)  # one ONNX node per spec layer
    assert int(row["bytes"]) == out_path.stat().st_size and row["data_file"] == "" and row["data_bytes"] == ""
    assert (int(row["macs"]), int(row["params"]), int(row["weights"])) == (300_774_272, 3_504_872, 3_469_760)
    assert int(row["weight_bytes"]) == 4 * (3_504_872 + int(row["buffers"]))  # every initializer: fp32 zeros

    code, out, _ = _export_cli(capsys, spec, "-o", str(out_path), "--force", "--external-data", "-a", "0.5", "-f", "json")
    d = json.loads(out)
    assert code == 0 and d["data_file"] == str(out_path) + ".data"
    assert d["data_bytes"] == Path(d["data_file"]).stat().st_size and d["bytes"] == out_path.stat().st_size < 100_000
    back = cost.analyze(load(out_path)).totals
    assert (d["totals"]["macs"], d["totals"]["params"]) == (back.macs, back.params) and d["totals"]["macs"] < 300_774_272 / 3

    code, out, _ = _export_cli(capsys, spec, "-o", str(out_path), "--force")
    assert code == 0 and "ONNX nodes" in out and "300,774,272" in out and "3,504,872" in out
    code, out, _ = _export_cli(capsys, spec, "-o", str(out_path), "--force", "-f", "markdown")
    assert code == 0 and "| MACs | 300.8M | 300,774,272 |" in out


def test_the_ir_version_of_each_opset_an_export_can_have_is_onnx_helpers():
    """export writes the oldest IR version of its opset from a table (IR_FOR_OPSET), not
    onnx.helper's (whose import loads ml_dtypes): the table holds every opset an export can have
    -- OPSET, or an activation's newer one -- and each is onnx.helper.find_min_ir_version_for's."""
    from onnx import helper

    from dscost.export import _ACTIVATIONS, IR_FOR_OPSET, OPSET, _known_opset, ir_version_for

    possible = {OPSET} | {opset for _, _, opset in _ACTIVATIONS.values() if opset > OPSET}
    assert possible == set(IR_FOR_OPSET) == {17, 18, 20, 24}
    for opset in sorted(possible):
        if opset <= _known_opset():
            assert ir_version_for(opset) == helper.find_min_ir_version_for([helper.make_opsetid("", opset)]), opset
    assert ir_version_for(21) == helper.find_min_ir_version_for([helper.make_opsetid("", 21)]) == 10  # (any other: onnx.helper's)


def test_export_imports_no_onnx_helper(tmp_path):
    """`dscost export` builds its graph with onnx_lib's protos: onnx.helper (and so ml_dtypes,
    ~1 s to load in its release 0.7.0) is not imported; the file is MobileNet v1's 569M MACs."""
    import subprocess
    import sys

    code = ("import sys, dscost.cli; rc = dscost.cli.run(['export', sys.argv[1], '-o', sys.argv[2], '-f', 'json']); "
            "print(rc, sorted({'onnx.helper', 'ml_dtypes'} & set(sys.modules)))")  # fmt: skip
    out = tmp_path / "m.onnx"
    r = subprocess.run([sys.executable, "-c", code, str(ROOT / "models" / "mobilenet_v1.yaml"), str(out)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-500:]
    assert r.stdout.strip().splitlines()[-1] == "0 []"
    assert cost.analyze(load(out)).totals.macs == 568_740_352
