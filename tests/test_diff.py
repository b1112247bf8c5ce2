"""`dscost diff` through the real entry point, on spec variants whose deltas are derived by hand.

base.yaml (input 3x8x8, same padding everywhere):
    stem  3x3 conv 3 -> 8    9*3*8*64  = 13,824 MACs   216 params
    body  3x3 conv 8 -> 16   9*8*16*64 = 73,728 MACs  1,152 params
    gap, flat                0
    fc    16 -> 10           160 MACs                 16*10 + 10 = 170 params
    total                    87,712 MACs              1,538 params

new.yaml: body replaced by a depthwise-separable pair, fc widened to 12 classes:
    stem  unchanged          13,824                   216
    body_dw 3x3 dw x8        9*8*64    = 4,608         72
    body_pw 1x1 8 -> 16      8*16*64   = 8,192        128
    gap, flat                0
    fc    16 -> 12           192                      16*12 + 12 = 204
    total                    26,816 MACs              620 params

delta new - base: MACs -60,896, params -918; body removed, body_dw/body_pw added,
fc changed (+32 MACs, +34 params), stem/gap/flat unchanged.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from test_check import dscost

BASE = """\
name: base
input: [3, 8, 8]
layers:
  - {type: conv, name: stem, channels: 8, kernel: 3}
  - {type: conv, name: body, channels: 16, kernel: 3}
  - {type: global_avgpool, name: gap}
  - {type: flatten, name: flat}
  - {type: fc, name: fc, units: 10}
"""

NEW = """\
name: new
input: [3, 8, 8]
layers:
  - {type: conv, name: stem, channels: 8, kernel: 3}
  - {type: conv, name: body_dw, channels: 8, kernel: 3, groups: 8}
  - {type: conv, name: body_pw, channels: 16, kernel: 1}
  - {type: global_avgpool, name: gap}
  - {type: flatten, name: flat}
  - {type: fc, name: fc, units: 12}
"""

BASE_MACS, BASE_PARAMS = 87_712, 1_538
NEW_MACS, NEW_PARAMS = 26_816, 620


@pytest.fixture
def specs(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "new.yaml").write_text(NEW)
    return str(tmp_path / "base.yaml"), str(tmp_path / "new.yaml")



# (status, name, delta MACs, delta params) of the per-layer diff between the two
# spec variants of the `specs` fixture, derived by hand in the module docstring.
EXPECTED_ROWS = [
        ("unchanged", "stem", 0, 0),
        ("removed", "body", -73_728, -1_152),
        ("added", "body_dw", 4_608, 72),
        ("added", "body_pw", 8_192, 128),
        ("unchanged", "gap", 0, 0),
        ("unchanged", "flat", 0, 0),
        ("changed", "fc", 32, 34),
    ]


def test_json_deltas_match_hand_derivation(capsys, specs):
    code, out, err = dscost(capsys, "diff", *specs, "-f", "json")
    assert (code, err) == (0, "")
    d = json.loads(out)
    inputs = [{"name": "input", "shape": [1, 3, 8, 8], "dtype": "float32"}]
    assert d["base"] == {"model": "base", "source": specs[0], "inputs": inputs, "macs": BASE_MACS, "params": BASE_PARAMS, "uncounted": []}
    assert d["new"] == {"model": "new", "source": specs[1], "inputs": inputs, "macs": NEW_MACS, "params": NEW_PARAMS, "uncounted": []}
    assert d["delta"]["macs"] == -60_896 and d["delta"]["params"] == -918
    assert d["delta"]["macs_pct"] == pytest.approx(-60_896 / BASE_MACS * 100)
    assert d["summary"] == {"changed": 1, "added": 2, "removed": 1, "unchanged": 3}
    rows = [(x["status"], x["name"], x["delta"]["macs"], x["delta"]["params"]) for x in d["layers"]]
    assert rows == EXPECTED_ROWS
    fc = d["layers"][-1]
    assert fc["base"] == {"macs": 160, "params": 170, "input_shape": [1, 16], "output_shape": [1, 10]}
    assert fc["new"] == {"macs": 192, "params": 204, "input_shape": [1, 16], "output_shape": [1, 12]}
    assert fc["matched_by"] == "name"
    assert d["layers"][1]["new"] is None and d["layers"][2]["base"] is None
    assert d["fail_on_increase"] is None


def test_the_header_names_the_input_shapes_each_side_was_counted_at(capsys, tmp_path, specs):
    code, out, _ = dscost(capsys, "diff", *specs)
    assert code == 0 and "\ninputs (as counted): input 1x3x8x8 float32 (both)\n" in out
    (tmp_path / "wide.yaml").write_text(NEW.replace("input: [3, 8, 8]", "input: [3, 16, 16]"))
    code, out, _ = dscost(capsys, "diff", specs[0], str(tmp_path / "wide.yaml"))
    assert code == 0 and "\nbase inputs (as counted): input 1x3x8x8 float32\nnew inputs (as counted): input 1x3x16x16 float32\n" in out


def test_table_lists_changes_only_unless_all(capsys, specs):
    code, out, _ = dscost(capsys, "diff", *specs)
    assert code == 0
    lines = out.splitlines()
    macs = next(line for line in lines if line.startswith("MACs"))
    assert macs.split() == ["MACs", "87.7K", "26.8K", "-60.9K", "-69.43%"]
    assert any(line.split()[:2] == ["-", "body"] for line in lines)
    assert any(line.split()[:2] == ["+", "body_pw"] for line in lines)
    assert any(line.split()[:2] == ["~", "fc"] for line in lines)
    assert not any(" stem " in line for line in lines)
    assert "1 changed, 2 added, 1 removed, 3 unchanged" in out
    code, out, _ = dscost(capsys, "diff", *specs, "--all")
    assert any(line.split()[:1] == ["stem"] for line in out.splitlines())


def test_markdown_is_a_pasteable_table(capsys, specs):
    code, out, _ = dscost(capsys, "diff", *specs, "-f", "markdown")
    assert code == 0
    assert out.startswith("## dscost diff: base -> new")
    assert "| MACs | 87.7K | 26.8K | -60.9K | -69.43% |" in out
    assert "| - | body | conv | 73.7K |  | -73.7K | 1.15K |  | -1.15K |  |" in out
    assert "| ~ | fc | fc | 160 | 192 | +32 | 170 | 204 | +34 | out 1x10 -> 1x12 |" in out


def test_flops_doubles_mac_deltas(capsys, specs):
    code, out, _ = dscost(capsys, "diff", *specs, "--flops", "-f", "json")
    d = json.loads(out)
    assert d["delta"]["flops"] == -2 * 60_896 and d["delta"]["macs"] == -60_896 and d["delta"]["params"] == -918
    assert d["new"]["flops"] == 2 * NEW_MACS


def test_renamed_layers_match_by_position_and_type(capsys, tmp_path, specs):
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(BASE.replace("name: stem", "name: first").replace("name: body", "name: second").replace("name: base", "name: renamed"))
    code, out, _ = dscost(capsys, "diff", specs[0], str(renamed), "-f", "json")
    d = json.loads(out)
    assert d["delta"] == {"macs": 0, "params": 0, "macs_pct": 0.0, "params_pct": 0.0}
    assert d["summary"] == {"changed": 0, "added": 0, "removed": 0, "unchanged": 5}
    assert [(x["base_name"], x["new_name"], x["matched_by"]) for x in d["layers"][:2]] == [("stem", "first", "position"), ("body", "second", "position")]
    code, out, _ = dscost(capsys, "diff", specs[0], str(renamed), "--all")
    assert "stem -> first" in out


def test_fail_on_increase_relative(capsys, specs):
    base, new = specs
    # new -> base: MACs +60,896 on 26,816 (+227.1%), params +918 on 620 (+148.1%)
    code, out, err = dscost(capsys, "diff", new, base, "--fail-on-increase", "5%")
    assert code == 1
    # the failure is said once, on stderr; the tables stay on stdout
    assert "--fail-on-increase" not in out and "MACs" in out
    assert err.startswith("dscost: ✗ --fail-on-increase 5%") and "exceeds +5%" in err and err.count("\n") == 1
    code, out, err = dscost(capsys, "diff", new, base, "--fail-on-increase", "250%", "-f", "json")
    assert (code, err) == (0, "")
    g = json.loads(out)["fail_on_increase"]
    assert g["passed"] and g["kind"] == "relative" and not g["macs"]["exceeded"] and g["macs"]["delta"] == 60_896
    # params +148.1% > 100% fails even though MACs (+227%) would too: either one is enough
    code, out, _ = dscost(capsys, "diff", new, base, "--fail-on-increase", "200%", "-f", "json")
    g = json.loads(out)["fail_on_increase"]
    assert code == 1 and g["macs"]["exceeded"] and not g["params"]["exceeded"]
    # base -> new shrinks: never fails
    code, _, _ = dscost(capsys, "diff", base, new, "--fail-on-increase", "0%")
    assert code == 0


def test_fail_on_increase_absolute_boundary(capsys, specs):
    base, new = specs
    code, _, _ = dscost(capsys, "diff", new, base, "--fail-on-increase", "60896")  # exactly the MACs increase: passes
    assert code == 0
    code, _, _ = dscost(capsys, "diff", new, base, "--fail-on-increase", "60.895K")
    assert code == 1
    code, _, _ = dscost(capsys, "diff", new, base, "--fail-on-increase", str(2 * 60_896), "--flops")  # FLOPs delta
    assert code == 0
    code, _, _ = dscost(capsys, "diff", new, base, "--fail-on-increase", str(2 * 60_896 - 1), "--flops")
    assert code == 1
    # (found by the fifth red team: the JSON gave these FLOPs under the key "macs")
    code, out, _ = dscost(capsys, "diff", new, base, "--fail-on-increase", str(2 * 60_896), "--flops", "-f", "json")
    g = json.loads(out)["fail_on_increase"]
    assert g["unit"] == "FLOPs" and "macs" not in g and g["flops"]["delta"] == 2 * 60_896 and g["flops"]["base"] == 2 * json.loads(out)["base"]["macs"]


def test_identical_models(capsys, specs):
    code, out, err = dscost(capsys, "diff", specs[0], specs[0], "--fail-on-increase", "0")
    assert code == 0 and err == ""
    assert out.count("✓ --fail-on-increase 0: ") == 1  # a passed gate is said once, on stdout
    assert "0 changed, 0 added, 0 removed, 5 unchanged" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--fail-on-increase", "x%"], "--fail-on-increase: cannot parse 'x%'"),
        (["--fail-on-increase", "12Q"], "--fail-on-increase: unknown unit 'Q'"),
        (["--fail-on-increase", "1e999"], "--fail-on-increase: '1e999' is too large"),
        (["--fail-on-increase", "1e999%"], "--fail-on-increase: '1e999%' is too large"),
        (["-f", "junit"], "junit"),
    ],
)
def test_bad_options_exit_2(capsys, specs, args, message):
    code, out, err = dscost(capsys, "diff", *specs, *args)
    assert code == 2 and out == "" and message in err


def test_missing_model_exit_2(capsys, tmp_path, specs):
    code, out, err = dscost(capsys, "diff", specs[0], str(tmp_path / "gone.yaml"))
    assert code == 2 and out == "" and "gone.yaml: no such file" in err


def test_exit_codes_via_python_m_dscost(specs):
    base, new = specs
    run = lambda *a: subprocess.run([sys.executable, "-m", "dscost", "diff", *a], capture_output=True, text=True, timeout=60)  # noqa: E731
    assert run(base, new, "--fail-on-increase", "5%").returncode == 0
    assert run(new, base, "--fail-on-increase", "5%").returncode == 1
    assert run(base, new + ".missing").returncode == 2


MODELS = Path(__file__).resolve().parent.parent / "models"


@pytest.mark.skipif(not (MODELS / "conv_mobilenet_v1.yaml").exists(), reason="models/conv_mobilenet_v1.yaml not present")
def test_conv_mobilenet_to_mobilenet_totals(capsys):
    """Totals of the diff equal the two analyses; MobileNet v1 is 568,740,352 MACs (paper: 569M)."""
    from dscost.cost import analyze
    from dscost.readers import load

    conv = analyze(load(MODELS / "conv_mobilenet_v1.yaml"))
    code, out, _ = dscost(capsys, "diff", str(MODELS / "conv_mobilenet_v1.yaml"), str(MODELS / "mobilenet_v1.yaml"), "-f", "json")
    d = json.loads(out)
    assert code == 0
    assert d["new"]["macs"] == 568_740_352
    assert d["delta"]["macs"] == 568_740_352 - conv.totals.macs
    assert d["delta"]["params"] == d["new"]["params"] - conv.totals.params
    assert sum(x["delta"]["macs"] for x in d["layers"]) == d["delta"]["macs"]
    assert sum(x["delta"]["params"] for x in d["layers"]) == d["delta"]["params"]


def test_yaml_against_onnx(capsys, tmp_path, specs):
    """Any mix of YAML and ONNX: the exported new model gives the same deltas as its spec."""
    pytest.importorskip("onnx")
    onnx_path = tmp_path / "new.onnx"
    code, _, err = dscost(capsys, "export", specs[1], "-o", str(onnx_path))
    if code != 0:
        pytest.skip(f"dscost export unavailable: {err.strip()}")
    code, out, _ = dscost(capsys, "diff", specs[0], str(onnx_path), "-f", "json")
    assert code == 0
    d = json.loads(out)
    assert (d["new"]["macs"], d["new"]["params"]) == (NEW_MACS, NEW_PARAMS)
    assert (d["delta"]["macs"], d["delta"]["params"]) == (-60_896, -918)
    code, out, _ = dscost(capsys, "diff", specs[1], str(onnx_path), "-f", "json")
    assert json.loads(out)["delta"] == {"macs": 0, "params": 0, "macs_pct": 0.0, "params_pct": 0.0}


# --------------------------------------------------------------------------
# --format csv: a header row, then one row per layer delta (the JSON's fields)


def _csv(out: str) -> list[dict[str, str]]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(out)))


def test_csv_one_row_per_layer_delta(capsys, specs):
    code, out, err = dscost(capsys, "diff", *specs, "-f", "csv")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        "status,name,base_name,new_name,type,base_type,matched_by,base_macs,base_params,base_input_shape,base_output_shape,"
        "new_macs,new_params,new_input_shape,new_output_shape,delta_macs,delta_params"
    )
    rows = _csv(out)
    assert [(r["status"], r["name"], int(r["delta_macs"]), int(r["delta_params"])) for r in rows] == EXPECTED_ROWS
    fc = rows[-1]
    assert (int(fc["base_macs"]), int(fc["base_params"]), fc["base_output_shape"]) == (160, 170, "1x10")
    assert (int(fc["new_macs"]), int(fc["new_params"]), fc["new_output_shape"]) == (192, 204, "1x12")
    assert (fc["matched_by"], fc["type"], fc["base_type"]) == ("name", "fc", "fc")
    body = rows[1]
    assert (int(body["base_macs"]), body["new_macs"], body["new_name"], body["base_input_shape"]) == (73_728, "", "", "1x8x8x8")
    assert sum(int(r["delta_macs"]) for r in rows) == NEW_MACS - BASE_MACS
    assert sum(int(r["delta_params"]) for r in rows) == NEW_PARAMS - BASE_PARAMS
    # the same layers and deltas as the JSON
    code, out, _ = dscost(capsys, "diff", *specs, "-f", "json")
    assert [(x["name"], x["delta"]["macs"]) for x in json.loads(out)["layers"]] == [(r["name"], int(r["delta_macs"])) for r in rows]


def test_csv_flops_and_gate(capsys, specs):
    code, out, _ = dscost(capsys, "diff", *specs, "-f", "csv", "--flops")
    rows = _csv(out)
    assert code == 0 and "delta_flops" in rows[0] and "base_flops" in rows[0]
    assert int(rows[1]["delta_flops"]) == 2 * -73_728 and int(rows[1]["base_flops"]) == 2 * 73_728
    code, out, err = dscost(capsys, "diff", specs[1], specs[0], "-f", "csv", "--fail-on-increase", "5%")
    assert code == 1 and "--fail-on-increase 5%" in err  # the gate still fails; stdout stays pure CSV
    assert len(_csv(out)) == 7


def test_shape_only_layers_hidden_unless_all(capsys, tmp_path, specs):
    """Zero-cost shape-only layers (identity, dropout) are hidden from the table and markdown
    like in `analyze`; JSON and CSV keep every layer."""
    pytest.importorskip("onnx")
    from dscost.export import export_model
    from dscost.readers.spec_reader import read_spec

    spec = tmp_path / "shapes.yaml"
    spec.write_text(
        NEW.replace("name: new", "name: shapes")
        .replace("  - {type: global_avgpool", "  - {type: identity, name: id1}\n  - {type: dropout, name: drop1}\n  - {type: global_avgpool")
        .replace("  - {type: fc", "  - {type: dropout, name: drop2}\n  - {type: fc")
    )
    onnx_path = tmp_path / "shapes.onnx"
    export_model(read_spec(spec), onnx_path)
    code, out, _ = dscost(capsys, "diff", specs[0], str(onnx_path))
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert not any(r[1:2] in (["id1"], ["drop1"], ["drop2"]) for r in rows)
    assert any(r[:2] == ["+", "body_pw"] for r in rows)  # real changes are still listed
    assert "3 shape-only layers (identity, dropout, reshape, ...) hidden; --all shows them" in out
    code, out, _ = dscost(capsys, "diff", specs[0], str(onnx_path), "-f", "markdown")
    assert "| + | drop1 |" not in out and "3 shape-only layers" in out
    code, out, _ = dscost(capsys, "diff", specs[0], str(onnx_path), "--all")
    assert "shape-only" not in out
    assert {"id1", "drop1", "drop2"} <= {r[1] for r in (line.split() for line in out.splitlines()) if len(r) > 1}
    code, out, _ = dscost(capsys, "diff", specs[0], str(onnx_path), "-f", "json")
    assert {"id1", "drop1", "drop2"} <= {x["name"] for x in json.loads(out)["layers"]}
    code, out, _ = dscost(capsys, "diff", specs[0], str(onnx_path), "-f", "csv")
    assert {"id1", "drop1", "drop2"} <= {r["name"] for r in _csv(out)}


def test_work_moved_into_an_uncounted_node_fails_the_gate(capsys, tmp_path):
    """base: x [1, 64] MatMul W [64, 64] = 4,096 MACs; new: the same as a custom op, which cannot
    be counted: MACs fall by 100%, but the new totals miss that node's work, so
    --fail-on-increase fails on the uncounted node it gained, and every format names it."""
    from onnx import helper

    from onnx_models import init, model, node, save

    save(tmp_path, model([node("MatMul", ["x", "W"], "y", name="fc")], [("x", [1, 64])], inits=[init("W", 64, 64)]), "base.onnx")
    custom = model([node("FusedLinear", ["x", "W"], "y", name="fc", domain="com.acme")], [("x", [1, 64])], inits=[init("W", 64, 64)])
    custom.opset_import.append(helper.make_opsetid("com.acme", 1))
    save(tmp_path, custom, "new.onnx")
    base, new = str(tmp_path / "base.onnx"), str(tmp_path / "new.onnx")
    code, out, err = dscost(capsys, "diff", base, new, "--fail-on-increase", "5%")
    assert code == 1 and err.rstrip().endswith("uncounted nodes 0 -> 1 (FusedLinear 0 -> 1, their weights 0 -> 4,096: their work is not in the new totals)")
    assert "new: 1 node could not be counted (FusedLinear); its MACs and params are lower bounds" in out
    assert [line.split() for line in out.splitlines() if line.startswith("uncounted nodes")] == [["uncounted", "nodes", "0", "1", "+1"]]
    code, out, _ = dscost(capsys, "diff", base, new, "--fail-on-increase", "5%", "-f", "json")
    d = json.loads(out)
    assert code == 1 and d["base"]["uncounted"] == [] and [(u["name"], u["op"]) for u in d["new"]["uncounted"]] == [("fc", "FusedLinear")]
    assert d["fail_on_increase"]["uncounted"] == {"base": 0, "new": 1, "more_of": {"FusedLinear": [0, 1]}, "params": {"base": 0, "new": 4096}, "exceeded": True}
    assert not d["fail_on_increase"]["macs"]["exceeded"]
    code, out, _ = dscost(capsys, "diff", base, new, "-f", "csv")
    assert code == 0 and out.splitlines()[-1].startswith("uncounted,fc,,fc,FusedLinear,")
    assert dscost(capsys, "diff", new, base, "--fail-on-increase", "5%")[0] == 1  # (the other way, the MACs it gains fail)
    assert dscost(capsys, "diff", new, new, "--fail-on-increase", "0%")[0] == 0  # (as many uncounted on both sides: nothing moved)
    # the rows add up to the totals: the node's 4,096 weights are in the new totals and on its row
    # (its row had left new_params empty: "removed fc -4,096" alone, where the totals' delta is 0)
    rows = _csv(dscost(capsys, "diff", base, new, "-f", "csv")[1])
    assert [(r["status"], r["name"], r["base_params"], r["new_params"], r["delta_params"]) for r in rows] == [
        ("removed", "fc", "4096", "", "-4096"), ("uncounted", "fc", "", "4096", "4096")]
    assert sum(int(r["delta_params"]) for r in rows) == 0 == json.loads(dscost(capsys, "diff", base, new, "-f", "json")[1])["delta"]["params"]
    rows = _csv(dscost(capsys, "diff", new, base, "-f", "csv", "--flops")[1])
    assert [(r["status"], r["base_params"], r["new_params"], r["delta_params"], r["delta_flops"]) for r in rows] == [
        ("added", "", "4096", "4096", "8192"), ("uncounted", "4096", "", "-4096", "")]
    out = dscost(capsys, "diff", base, new)[1]
    assert [line.split() for line in out.splitlines() if line.startswith("-  fc")] == [["-", "fc", "fc", "4.10K", "-4.10K", "4.10K", "-4.10K", "uncounted", "in", "new"]]


def test_work_moved_into_a_custom_op_while_another_goes_away_fails_the_gate(capsys, tmp_path):
    """Found by the third red team: base fc (MatMul, 64x64 = 4,096 MACs) then a custom Foo; new:
    fc as a custom Bar, and no Foo.  As many uncounted nodes on both sides (1 -> 1), but one of
    an op type the base had none of, holding 4,096 weights: the gate fails and says so."""
    from onnx import helper

    from onnx_models import init, model, node, save

    def custom(nodes, name):
        mp = model(nodes, [("x", [1, 64])], inits=[init("W", 64, 64)])
        mp.opset_import.append(helper.make_opsetid("com.acme", 1))
        save(tmp_path, mp, name)
        return str(tmp_path / name)

    base = custom([node("MatMul", ["x", "W"], "y", name="fc"), node("Foo", ["y"], "z", name="post", domain="com.acme")], "base.onnx")
    new = custom([node("Bar", ["x", "W"], "z", name="fc", domain="com.acme")], "new.onnx")
    code, _, err = dscost(capsys, "diff", base, new, "--fail-on-increase", "5%")
    assert code == 1 and err.rstrip().endswith("uncounted nodes 1 -> 1 (Bar 0 -> 1, their weights 0 -> 4,096: their work is not in the new totals)")
    assert dscost(capsys, "diff", base, base, "--fail-on-increase", "0%")[0] == 0
