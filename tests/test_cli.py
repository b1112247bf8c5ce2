"""The CLI through its entry points: `python -m dscost` in a subprocess for exit codes and
start-up imports, `dscost.cli.run()` in-process (same code path as `main()`) for the rest."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from dscost import __version__
from dscost.cli import run
from conftest import ROOT, run_cli

MOBILENET = str(ROOT / "models" / "mobilenet_v1.yaml")
COMPARE = ["compare", "--dk", "3", "--m", "32", "--n", "64", "--df", "112"]


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("dscost: error: "), err
    assert "Traceback" not in err
    return lines[0]


# ---------------------------------------------------------------- compare


def test_compare_table(capsys):
    code, out, err = cli(capsys, *COMPARE)
    assert code == 0 and err == ""
    rows: dict[str, list[str]] = {}
    for line in out.splitlines():
        if line.strip():
            rows.setdefault(line.split()[0], line.split())
    assert rows["standard"][1:3] == ["64x112x112", "231,211,008"] and "18,432" in rows["standard"]
    assert rows["depthwise"][1:3] == ["32x112x112", "3,612,672"] and "288" in rows["depthwise"]
    assert rows["pointwise"][2] == "25,690,112" and "2,048" in rows["pointwise"]
    assert rows["separable"][2] == "29,302,784" and "2,336" in rows["separable"]
    assert "spatial-separable" in rows
    assert "0.1267 = 1/64 + 1/9" in out
    assert "7.89x" in out
    assert "depthwise 12.3% + pointwise 87.7%" in out
    assert "3^2*32*64*112^2 = 231,211,008" in out  # formula with the numbers substituted


def test_compare_flops_says_the_formula_columns_count_macs(capsys):
    """With --flops the FLOPs column is 2 x the MAC total the substituted formula ends in:
    both formula columns are labelled MACs and a note says FLOPs = 2 x MACs."""
    code, out, err = cli(capsys, *COMPARE, "--flops")
    assert code == 0 and err == ""
    header = next(line for line in out.splitlines() if line.startswith("variant"))
    assert "FLOPs" in header and "formula (MACs)" in header and "substituted (MACs)" in header
    std = next(line for line in out.splitlines() if line.startswith("standard"))
    assert "462,422,016" in std and std.endswith("= 231,211,008") and 2 * 231_211_008 == 462_422_016
    assert "formula and substituted count MACs; FLOPs = 2 x MACs" in out
    assert "reduction: 7.89x fewer FLOPs, 7.89x fewer params" in out
    _, out, _ = cli(capsys, *COMPARE)  # MACs: the substituted column is the MACs column, no label needed
    assert "substituted (MACs)" not in out and "FLOPs = 2 x MACs" not in out


@pytest.mark.parametrize(
    "args, line",
    [
        (["--dk", "1", "--m", "3", "--n", "4", "--df", "8"], "separable costs 1.25x more MACs, 1.25x more params (a 1x1 conv has no spatial kernel to factorize)"),
        (["--dk", "1", "--m", "3", "--n", "4", "--df", "8", "--flops"], "separable costs 1.25x more FLOPs, 1.25x more params (a 1x1 conv"),
        (["--dk", "3", "--m", "3", "--n", "1", "--df", "8"], "separable costs 1.11x more MACs, 1.11x more params (with N = 1"),
    ],
)
def test_compare_separable_costing_more_is_not_a_reduction(capsys, args, line):
    # 1x1, M=3, N=4, 8x8: standard 3*4*64 = 768 MACs; dw 3*64 = 192 + pw 768 = 960 = 1.25x more
    code, out, _ = cli(capsys, "compare", *args)
    assert code == 0
    assert line in out
    assert "reduction" not in out and "0.80x" not in out


def test_compare_json(capsys):
    code, out, _ = cli(capsys, *COMPARE, "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert set(d) >= {"standard", "depthwise", "pointwise", "separable", "spatial_separable", "ratio", "closed_form_ratio"}
    assert (d["standard"]["macs"], d["standard"]["params"]) == (231_211_008, 18_432)
    assert (d["depthwise"]["macs"], d["depthwise"]["params"]) == (3_612_672, 288)
    assert (d["pointwise"]["macs"], d["pointwise"]["params"]) == (25_690_112, 2_048)
    assert (d["separable"]["macs"], d["separable"]["params"]) == (29_302_784, 2_336)
    assert round(d["ratio"], 4) == 0.1267 and d["ratio"] == d["closed_form_ratio"] == 1 / 64 + 1 / 9
    assert d["ratio_exact"] == "73/576"


def test_compare_valid_padding(capsys):
    code, out, _ = cli(capsys, "compare", "--dk", "3", "--m", "3", "--n", "64", "--df", "32", "--padding", "valid", "-f", "json")
    d = json.loads(out)
    assert code == 0
    assert (d["standard"]["macs"], d["separable"]["macs"]) == (1_555_200, 197_100)
    assert (d["standard"]["params"], d["separable"]["params"]) == (1_728, 219)
    assert d["standard"]["output_shape"] == [64, 30, 30]


def test_compare_rectangles_stride_bias_flops(capsys):
    code, out, _ = cli(capsys, "compare", "--dk", "3x5", "--m", "8", "--n", "16", "--df", "20x10", "--stride", "2", "--bias", "--flops", "-f", "json")
    d = json.loads(out)
    assert code == 0
    assert d["geometry"]["kernel"] == [3, 5] and d["geometry"]["output"] == [10, 5]
    # 3*5*8*16 weights + 16 biases; MACs = weights * 10*5
    assert d["standard"]["params"] == 3 * 5 * 8 * 16 + 16
    assert d["standard"]["macs"] == 3 * 5 * 8 * 16 * 50 and d["standard"]["flops"] == 2 * d["standard"]["macs"]
    assert d["closed_form"] == "1/16 + 1/15"


def test_compare_csv_and_markdown(capsys):
    _, out, _ = cli(capsys, *COMPARE, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["variant"]: int(r["macs"]) for r in rows}["separable"] == 29_302_784
    _, out, _ = cli(capsys, *COMPARE, "-f", "markdown")
    table = [line for line in out.splitlines() if line.startswith("| standard")]
    assert table and "231,211,008" in table[0]


def test_compare_integer_padding_dilation_rectangles(capsys):
    args = ["compare", "--dk", "3x5", "--m", "8", "--n", "16", "--df", "112x56", "--stride", "2", "--padding", "1", "--dilation", "2", "--bias"]
    code, out, _ = cli(capsys, *args, "-f", "json")
    d = json.loads(out)
    assert code == 0
    # effective kernel 5x9: (112 + 2 - 5) // 2 + 1 = 55, (56 + 2 - 9) // 2 + 1 = 25
    assert d["geometry"]["pads"] == [1, 1, 1, 1] and d["geometry"]["dilation"] == [2, 2]
    assert d["standard"]["output_shape"] == [16, 55, 25]
    assert (d["standard"]["macs"], d["standard"]["params"]) == (3 * 5 * 8 * 16 * 55 * 25, 3 * 5 * 8 * 16 + 16) == (2_640_000, 1_936)
    assert (d["depthwise"]["macs"], d["depthwise"]["params"]) == (165_000, 120)
    assert (d["pointwise"]["macs"], d["pointwise"]["params"]) == (176_000, 144)
    assert (d["separable"]["macs"], d["separable"]["params"]) == (341_000, 264)
    assert d["ratio_exact"] == "31/240" and d["closed_form"] == "1/16 + 1/15"
    code, out, _ = cli(capsys, *args)
    assert code == 0 and "padding 1x1" in out and "dilation 2x2" in out and "2,640,000" in out


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--dk", "0"], "--dk"),
        (["--dk", "three"], "--dk"),
        (["--padding", "foo"], "--padding"),
        (["--stride", "0"], "--stride"),
        (["--dk", "5", "--df", "3", "--padding", "valid"], "larger than the padded input"),
        (["--dk", "3x3x3", "--df", "8x8"], "dimensions"),
        (["--m", "0"], "--m"),
        (["--format", "xml"], "--format"),
        (["--no-such-flag"], "--no-such-flag"),
    ],
)
def test_compare_bad_values_exit_2(capsys, args, needle):
    code, out, err = cli(capsys, "compare", *args)
    assert code == 2
    assert needle in error_line(err)


# ---------------------------------------------------------------- analyze (real spec reader)


def test_analyze_mobilenet_json_contract(capsys):
    code, out, err = cli(capsys, "analyze", MOBILENET, "-f", "json")
    assert code == 0, err
    d = json.loads(out)
    assert set(d) >= {"model", "convention", "layers", "totals", "what_if", "uncounted"}
    assert set(d["totals"]) >= {"macs", "params", "weights", "biases", "norm_params", "buffers", "other_ops"}
    for layer in d["layers"]:
        assert set(layer) >= {"name", "type", "input_shape", "output_shape", "macs", "params", "what_if"}
    # MobileNet paper: 568.74M mult-adds, 4,209,088 weights (conv + FC, no bias)
    assert d["totals"]["macs"] == 568_740_352
    assert d["totals"]["weights"] == 4_209_088
    assert d["totals"]["macs"] == sum(layer["macs"] for layer in d["layers"])
    assert set(d["what_if"]) == {"all_separable", "all_standard"}
    assert set(d["what_if"]["all_separable"]) >= {"macs", "params"}
    # Conv MobileNet (Table 4): 4866M mult-adds; our count includes the FC layer -> 4867.3M
    assert round(d["what_if"]["all_standard"]["macs"] / 1e6, 1) == 4867.3
    assert d["uncounted"] == [] and len(d["blocks"]) == 13


def test_analyze_mobilenet_table(capsys):
    code, out, _ = cli(capsys, "analyze", MOBILENET)
    assert code == 0
    assert "568,740,352" in out and "568.7M" in out
    shares = {line.split()[0]: line for line in out.splitlines() if line.startswith(("1x1 conv", "depthwise conv", "standard conv", "fully connected"))}
    assert "94.86%" in shares["1x1"] and "3.06%" in shares["depthwise"] and "1.91%" in shares["standard"] and "0.18%" in shares["fully"]
    assert "8.56x" in out  # all dw+pw blocks as standard convs: 4867.3M / 568.7M


def test_analyze_mobilenet_table2_weight_shares(capsys):
    """MobileNet Table 2 counts weights only: 1x1 conv 74.59% and FC 24.33% of the
    weights (74.19% / 24.22% of all learnable params), 94.86% of the mult-adds."""
    code, out, _ = cli(capsys, "analyze", MOBILENET)
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("kind "))
    assert header.rstrip().endswith("% params  weights  % weights")
    kinds = ("1x1 conv", "depthwise conv", "standard conv", "fully connected", "other")
    rows = {k: line[len(k):].split() for line in lines for k in kinds if line.startswith(k + " ")}
    # columns after the kind: MACs, % MACs, params, % params, weights, % weights
    assert rows["1x1 conv"][1] == "94.86%" and rows["1x1 conv"][3] == "74.19%" and rows["1x1 conv"][5] == "74.59%"
    assert rows["fully connected"][3] == "24.22%" and rows["fully connected"][5] == "24.33%"
    assert rows["depthwise conv"][5] == "1.06%" and rows["standard conv"][5] == "0.02%" and rows["other"][5] == "0.00%"
    code, out, _ = cli(capsys, "analyze", MOBILENET, "-f", "json")
    shares = json.loads(out)["shares"]
    assert shares["1x1 conv"]["weights"] == 3_139_584 and shares["fully connected"]["weights"] == 1_024_000
    assert round(shares["1x1 conv"]["weights_pct"], 2) == 74.59 and round(shares["fully connected"]["weights_pct"], 2) == 24.33
    assert sum(s["weights"] for s in shares.values()) == 4_209_088  # every weight in exactly one kind
    assert shares["1x1 conv"]["params"] == 3_139_584 and shares["1x1 conv"]["macs"] == 539_492_352  # old keys unchanged


@pytest.mark.parametrize(
    "opts, macs_m",
    [(["-a", "0.75"], 325.4), (["--width-multiplier", "0.5", "--resolution", "160"], 76.5), (["--resolution", "192"], 418.1)],
)
def test_analyze_width_and_resolution(capsys, opts, macs_m):
    code, out, err = cli(capsys, "analyze", MOBILENET, *opts, "-f", "json")
    assert code == 0, err
    assert round(json.loads(out)["totals"]["macs"] / 1e6, 1) == macs_m


def test_analyze_flops_csv_markdown(capsys):
    _, out, _ = cli(capsys, "analyze", MOBILENET, "--flops", "-f", "json")
    d = json.loads(out)
    assert d["convention"]["count"] == "flops" and d["totals"]["flops"] == 2 * 568_740_352
    _, out, _ = cli(capsys, "analyze", MOBILENET, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sum(int(r["macs"]) for r in rows) == 568_740_352
    assert rows[0]["separable_macs"] != "" and int(rows[0]["separable_macs"]) < int(rows[0]["macs"])
    _, out, _ = cli(capsys, "analyze", MOBILENET, "-f", "markdown")
    assert "| layer | type |" in out and "| 568.7M |" in out


# ---------------------------------------------------------------- analyze (hand-built model)


def test_analyze_strict_exits_1_with_uncounted_ops(capsys, fake_load):
    code, out, err = cli(capsys, "analyze", "tiny_uncounted.onnx", "--strict", "-q")
    assert code == 1
    assert "Uncounted ops (2 nodes" in out
    assert "--strict" in err and "Loop" in err and "NonMaxSuppression" in err
    assert fake_load[0][1] == {"progress": False}


def test_analyze_strict_ok_and_non_strict(capsys, fake_load):
    assert cli(capsys, "analyze", "tiny.onnx", "--strict")[0] == 0
    code, out, _ = cli(capsys, "analyze", "tiny_uncounted.onnx", "-f", "json")
    assert code == 0 and len(json.loads(out)["uncounted"]) == 2


def test_analyze_input_shapes_are_passed(capsys, fake_load):
    code, _, err = cli(capsys, "analyze", "tiny.onnx", "--input-shape", "input=2x3x224x224", "-i", "mask=1x7", "-q")
    assert code == 0, err
    assert fake_load[-1][1]["input_shapes"] == {"input": (2, 3, 224, 224), "mask": (1, 7)}


def test_analyze_all_shows_shape_layers(capsys, fake_load):
    _, out, _ = cli(capsys, "analyze", "tiny.yaml")
    assert not any(line.startswith("flatten ") for line in out.splitlines())
    _, out, _ = cli(capsys, "analyze", "tiny.yaml", "--all")
    assert any(line.startswith("flatten ") for line in out.splitlines())


@pytest.mark.parametrize(
    "args, needle",
    [
        (["analyze", "no_such_model.yaml"], "no such file"),
        (["analyze", "tests"], "is a directory"),
        (["analyze", "pyproject.toml"], "unknown model format"),
        (["analyze", "models/mobilenet_v1.yaml", "--input-shape", "x=1x3x8x8"], "--input-shape applies to ONNX"),
        (["analyze", "model.onnx", "-a", "0.5"], "--width-multiplier/--resolution apply to YAML"),
        (["analyze", "model.onnx", "--resolution", "160"], "--width-multiplier/--resolution apply to YAML"),
        (["analyze", "models/mobilenet_v1.yaml", "-a", "0"], "--width-multiplier"),
        (["analyze", "models/mobilenet_v1.yaml", "--resolution", "abc"], "--resolution"),
        (["analyze", "models/mobilenet_v1.yaml", "--resolution", "1x2x3"], "--resolution"),
        (["analyze", "x.onnx", "--input-shape", "1x3x224x224"], "NAME=1x3x224x224"),
        (["analyze"], "Missing argument"),
    ],
)
def test_analyze_input_errors_exit_2(capsys, monkeypatch, args, needle):
    monkeypatch.chdir(ROOT)
    code, _, err = cli(capsys, *args)
    assert code == 2
    assert needle in error_line(err)


def test_formats_dscost_does_not_read_say_what_to_give_instead(capsys, tmp_path):
    for name, said in (("model.safetensors", "weights alone, no graph: give the code that uses them as a target"),
                       ("saved.h5", "a Keras or TensorFlow model: convert it to TFLite (tf.lite.TFLiteConverter) or to ONNX (tf2onnx)"),
                       ("model.engine", "an onnxruntime (ORT) or TensorRT file, made from an ONNX file: give that ONNX file")):  # fmt: skip
        (tmp_path / name).write_bytes(b"\0" * 16)
        code, _, err = cli(capsys, "analyze", str(tmp_path / name))
        assert code == 2 and error_line(err).startswith(f"dscost: error: {tmp_path / name}: {said}") and err.count("\n") == 1, err


BAD_SPECS = {
    # issue 2 "Bad input": file -> (content, exact stderr line after "dscost: error: <file>")
    # (a 5,000-digit number: Python's own "Exceeds the limit (4300 digits) ... use sys.set_int_max_str_digits()", without line or column)
    "long_name.yaml": ("name: " + "a" * 201 + "\ninput: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 4, kernel: 3}\n", ":1:1: name: String should have at most 200 characters"),  # (as a layer's; 4 MB were printed)
    "huge_number.yaml": ("input: [3, 8, 8]\nlayers:\n  - {type: conv, channels: " + "9" * 5000 + ", kernel: 3}\n",
                         ":3:28: a number of 5,000 characters (more than 4,000); no size or limit needs one"),
    # (a name that YAML 1.1 reads as a date: "Input should be a valid string, got datetime.date(2001, 12, 14)")
    "date_name.yaml": ("name: 2001-12-14\ninput: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 0, kernel: 3}\n", ":4:18: layers[0] (conv): channels: Input should be greater than 0, got 0"),  # (the name is the text)
    "missing_field.yaml": ("input: [3, 8, 8]\nlayers:\n  - {type: conv, name: c1, channels: 8}\n", ":3:5: layers[0] (c1): kernel: required field is missing"),
    "unknown_type.yaml": ("input: [3, 8, 8]\nlayers:\n  - {type: convv, channels: 8}\n", ":3:5: layers[0] (convv): unknown layer type 'convv'; did you mean 'conv' or 'dsconv'?"),
    "zero_dim.yaml": ("input: [3, 8, 8]\nlayers:\n  - {type: conv, name: c1, channels: 0, kernel: 3}\n", ":3:28: layers[0] (c1): channels: Input should be greater than 0, got 0"),
    "negative_dim.yaml": ("input: [3, 8, 8]\nlayers:\n  - {type: conv, name: c1, channels: 8, kernel: -3}\n", ":3:41: layers[0] (c1): kernel: must be a positive integer up to 2147483647, got -3"),
    "non_integer_dim.yaml": ("input: [3, 8, 8]\nlayers:\n  - {type: conv, name: c1, channels: 4.5, kernel: 3}\n", ":3:28: layers[0] (c1): channels: Input should be a valid integer, got 4.5"),
    "zero_input.yaml": ("input: [3, 0, 8]\nlayers:\n  - {type: relu}\n", ":1:12: input[1]: Input should be greater than 0, got 0"),
    "groups.yaml": ("input: [3, 8, 8]\nlayers:\n  - {type: conv, name: c1, channels: 8, kernel: 3, groups: 2}\n", ":3:5: layer 'c1': channels 3 -> 8 are not divisible by groups=2"),
    "kernel_too_big.yaml": ("input: [3, 5, 5]\nlayers:\n  - {type: conv, name: big, channels: 8, kernel: 7, padding: valid}\n", ":3:5: layer 'big': kernel 7x7 (dilation 1x1) is larger than the padded input 5x5"),
    "bad_reference.yaml": ("input: [3, 5, 5]\nlayers:\n  - {type: conv, name: c, channels: 8, kernel: 3}\n  - {type: relu, name: r, input: nope}\n", ":4:5: layer 'r': input: 'nope' is not the name of an earlier layer"),
    "syntax.yaml": ("input: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 8\n  - {type: relu}\n", ":4:5: did not find expected ',' or '}' (while parsing a flow mapping at line 3)"),
    "alias_bomb.yaml": (
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(f"{c}: &{c} [" + ", ".join([f"*{p}"] * 10) + "]\n" for p, c in zip("abcdefgh", "bcdefghi")),
        ":4:4: aliases expand to more than 10,000 extra nodes (YAML alias bomb?)",
    ),
    "too_large.yaml": (None, ": file too large (6,291,456 bytes; the limit is 5,242,880)"),
}


def test_bad_specs_through_the_entry_point(tmp_path):
    """Every bad-input case of issue 2, each in its own `python -m dscost analyze` process:
    exit 2, nothing on stdout, one stderr line naming the file and the field/layer, no traceback."""
    procs = {}
    for name, (text, _) in BAD_SPECS.items():
        path = tmp_path / name
        if text is None:
            with open(path, "wb") as f:
                f.truncate(6 * 1024 * 1024)  # sparse: nothing written
        else:
            path.write_text(text)
        env = {k: v for k, v in os.environ.items() if k != "DSCOST_DEBUG"}
        procs[name] = subprocess.Popen([sys.executable, "-m", "dscost", "analyze", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    for name, p in procs.items():
        out, err = p.communicate(timeout=120)
        assert p.returncode == 2, (name, err)
        assert out == "", name
        line = error_line(err)
        assert line.startswith(f"dscost: error: {tmp_path / name}{BAD_SPECS[name][1]}"), (name, line)


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_a_reader_that_goes_away_ends_the_run_quietly_with_exit_1(fmt):
    """`dscost analyze ... | head`: the README's exit code for a broken pipe (Click's and Rich's), no
    traceback, nothing on stderr.  Five models four times (230 KB of table, 750 KB of JSON) are more
    than a pipe holds (64 KB)."""
    models = sorted(str(p) for p in (ROOT / "models").glob("*.yaml")) * 4
    p = subprocess.Popen([sys.executable, "-m", "dscost", "analyze", *models, "-f", fmt, "--all"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert p.stdout.read(100)
    p.stdout.close()
    err = p.stderr.read()
    assert p.wait(timeout=120) == 1
    assert err == b""


@pytest.mark.parametrize("unbuffered", ["1", ""])
@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_a_reader_that_goes_away_from_one_models_report_ends_the_run_with_exit_1(tmp_path, fmt, unbuffered):
    """One model's table or markdown is written in one go: a reader gone by then is a broken pipe too,
    exit 1, as for several models -- also with ``PYTHONUNBUFFERED=1`` (containers), where Python's text
    layer over the file itself drops what a short write left (errors.buffered_stdout).  1,500 Relu rows
    are ~120 KB of table, more than a pipe holds (64 KB)."""
    from onnx import TensorProto, helper, save

    n = 1500
    nodes = [helper.make_node("Relu", [f"t{i}"], [f"t{i + 1}"], name=f"relu{i}") for i in range(n)]
    graph = helper.make_graph(nodes, "chain", [helper.make_tensor_value_info("t0", TensorProto.FLOAT, [1, 8])],
                              [helper.make_tensor_value_info(f"t{n}", TensorProto.FLOAT, [1, 8])])  # fmt: skip
    path = tmp_path / "relus.onnx"
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"} | ({"PYTHONUNBUFFERED": unbuffered} if unbuffered else {})
    p = subprocess.Popen([sys.executable, "-m", "dscost", "analyze", str(path), "-f", fmt, "--all"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    assert p.stdout.read(100)
    p.stdout.close()
    err = p.stderr.read()
    assert p.wait(timeout=120) == 1
    assert err == b""


# ---------------------------------------------------------------- schema, version, help


def test_schema_spec_is_json_schema(capsys):
    code, out, _ = cli(capsys, "schema", "spec")
    assert code == 0
    schema = json.loads(out)
    assert "$defs" in schema or "properties" in schema
    text = json.dumps(schema)
    assert "depthwise" in text.lower()


def test_schema_every_format(capsys):
    code, out, _ = cli(capsys, "schema", "-f", "table")
    assert code == 0 and out.startswith("dscost layer spec") and "global_avgpool" in out
    assert out.count("dscost layer spec") == 1 and "\ntop level\n" in out  # (the root's table is not titled with the heading again)
    code, out, _ = cli(capsys, "schema", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert {"object": "dscost layer spec", "field": "input", "type": "list[integer]", "required": "yes"}.items() <= rows[2].items()
    assert any(r["object"] == "ConvSpec" and r["field"] == "kernel" and r["required"] == "yes" for r in rows)
    code, out, _ = cli(capsys, "schema", "-f", "markdown")
    assert code == 0 and "| field | type | required | default | description |" in out and "| input | list[integer] | yes |" in out


def test_schema_budget(capsys):
    code, out, err = cli(capsys, "schema", "budget")
    schema = json.loads(out)
    assert code == 0 and err == "" and schema["title"] == "dscost budget file"
    assert {"max_macs", "max_params", "max_peak_activation_bytes"} <= set(schema["$defs"]["BudgetEntry"]["properties"])


def test_schema_bad_kind(capsys):
    code, _, err = cli(capsys, "schema", "nope")
    assert code == 2 and "nope" in error_line(err)


def test_version_and_help(capsys):
    code, out, _ = cli(capsys, "--version")
    assert code == 0 and out.strip() == f"dscost {__version__}"
    code, out, _ = cli(capsys, "compare", "--help")
    assert code == 0 and "--dk" in out and "--padding" in out


def test_unexpected_exception_one_line_unless_debug(capsys, monkeypatch):
    from dscost import cost

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(cost, "compare", boom)
    monkeypatch.delenv("DSCOST_DEBUG", raising=False)
    code, _, err = cli(capsys, *COMPARE)
    assert code == 2
    assert err.strip().startswith("dscost: internal error: RuntimeError: kaboom") and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("DSCOST_DEBUG", "1")
    with pytest.raises(RuntimeError, match="kaboom"):
        run(COMPARE)


def test_an_internal_error_whose_message_cannot_be_made_is_still_one_line(capsys, monkeypatch):
    from dscost import cost

    class Unprintable(Exception):
        def __str__(self):
            raise ValueError("no")

    def boom(*a, **k):
        raise Unprintable()

    monkeypatch.setattr(cost, "compare", boom)
    monkeypatch.delenv("DSCOST_DEBUG", raising=False)
    code, _, err = cli(capsys, *COMPARE)
    assert code == 2 and err.startswith("dscost: internal error: Unprintable: (its message could not be read: ValueError) at test_cli.py:"), err


# ---------------------------------------------------------------- real processes


def test_entry_point_exit_codes_and_no_traceback():
    ok = run_cli(*COMPARE)
    assert ok.returncode == 0 and "231,211,008" in ok.stdout and ok.stderr == ""
    for args, needle in [
        (["compare", "--dk", "0"], "--dk"),
        (["compare", "--padding", "foo"], "--padding"),
        (["compare", "--dk", "7", "--df", "4", "--padding", "valid"], "larger than"),
        (["analyze", "does/not/exist.yaml"], "no such file"),
        (["analyze", "dscost"], "is a directory"),
        (["analyze", "pyproject.toml"], "unknown model format"),
        (["compare", "--bogus"], "--bogus"),
    ]:
        p = run_cli(*args)
        assert p.returncode == 2, (args, p.stderr)
        assert p.stdout == ""
        assert needle in error_line(p.stderr)


def test_console_script_installed():
    """`dscost` on PATH next to this interpreter (pip install puts it there)."""
    from pathlib import Path

    exe = Path(sys.executable).with_name("dscost")
    if not exe.exists():
        pytest.skip("console script not installed next to the interpreter")
    p = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stdout.strip() == f"dscost {__version__}"


HEAVY = ("onnx", "onnxruntime", "numpy", "pydantic", "yaml", "rich", "bokeh", "torch")


def test_compare_and_help_do_not_import_heavy_modules():
    code = f"""
import contextlib, io, sys
import dscost.cli
with contextlib.redirect_stdout(io.StringIO()) as out:
    rc = dscost.cli.run({COMPARE!r})
assert rc == 0, rc
assert "231,211,008" in out.getvalue()
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))
print(",".join(heavy))
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "", f"compare imported {p.stdout.strip()}"
    p = subprocess.run([sys.executable, "-c", "import sys, dscost.cli; print(','.join(sorted({m.split('.')[0] for m in sys.modules} & set(%r))))" % (HEAVY,)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode == 0 and p.stdout.strip() == ""
    # --help (top level and per command) is plain click help: no Rich, no model stack
    for args in (["--help"], ["analyze", "--help"], ["check", "--help"]):
        p = subprocess.run(
            [sys.executable, "-c", f"import sys, dscost.cli\ntry:\n    dscost.cli.run({args!r})\nfinally:\n    print('MODS', ','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert "Usage: dscost" in p.stdout and p.stdout.strip().splitlines()[-1] == "MODS", (args, p.stdout[-200:])


def test_yaml_and_onnx_paths_do_not_import_torch(tmp_path):
    """torch is imported for PyTorch targets only: not for a spec, an ONNX graph, a budget or `import dscost`."""
    from dscost.export import export_model
    from dscost.readers import load

    onnx_path = export_model(load(MOBILENET), tmp_path / "m.onnx")
    budget = tmp_path / "budget.yaml"
    budget.write_text(f"- {{path: {onnx_path}, max_macs: 1G}}\n- {{path: {MOBILENET}, max_macs: 1G}}\n")
    runs = [["analyze", MOBILENET, "-f", "json"], ["analyze", str(onnx_path), "-f", "json"], ["check", "--budget", str(budget)], ["diff", MOBILENET, str(onnx_path)]]
    for args in runs:
        code = f"import sys, dscost.cli\nrc = dscost.cli.run({args!r})\nprint('MODS', rc, 'torch' in sys.modules)"
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert p.stdout.strip().splitlines()[-1] == "MODS 0 False", (args, p.stdout[-300:], p.stderr[-300:])
    code = "import sys, dscost; dscost.__all__; print(sorted(m for m in sys.modules if m.startswith('dscost')), 'torch' in sys.modules)"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.stdout.strip() == "['dscost'] False", p.stdout + p.stderr


def test_pytorch_target_without_torch_names_the_extra():
    """With torch absent (a None entry in sys.modules makes `import torch` fail): one line, exit 2."""
    code = "import sys; sys.modules['torch'] = None\nimport dscost.cli\nsys.exit(dscost.cli.run(['analyze', 'torchvision.models:mobilenet_v3_large', '--input-shape', '1x3x224x224']))"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode == 2 and p.stdout == ""
    assert error_line(p.stderr) == "dscost: error: torchvision.models:mobilenet_v3_large: reading PyTorch modules needs torch: pip install 'dscost[torch]'"


def test_torch_export_program_without_torch_names_the_extra(tmp_path):
    """A .pt2 (torch.export.save) or a TorchScript .pt is read with torch: without it, one line naming the extra, exit 2;
    a missing one is the usual missing-file line; an option of another kind is refused."""
    path = tmp_path / "model.pt2"
    path.write_bytes(b"PK")
    code = f"import sys; sys.modules['torch'] = None\nimport dscost.cli\nsys.exit(dscost.cli.run(['analyze', {str(path)!r}]))"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode == 2 and error_line(p.stderr) == f"dscost: error: {path}: reading PyTorch modules needs torch: pip install 'dscost[torch]'"
    p = run_cli("analyze", str(tmp_path / "missing.pt2"))
    assert p.returncode == 2 and "missing.pt2" in error_line(p.stderr) and "no such file" in error_line(p.stderr)
    p = run_cli("analyze", str(path), "--arg", "num_classes=10")
    assert p.returncode == 2 and error_line(p.stderr) == f"dscost: error: --kwargs/--arg apply to PyTorch modules only; {path} is a torch.export program"
    script = tmp_path / "model.pt"
    script.write_bytes(b"PK")
    code = f"import sys; sys.modules['torch'] = None\nimport dscost.cli\nsys.exit(dscost.cli.run(['analyze', {str(script)!r}, '-i', '1x3x8x8']))"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode == 2 and error_line(p.stderr) == f"dscost: error: {script}: reading PyTorch modules needs torch: pip install 'dscost[torch]'"


def test_strict_on_a_real_onnx_graph_with_a_custom_op(tmp_path):
    """Conv -> custom-domain op: the reader lists the custom op as uncounted; --strict exits 1."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    w = helper.make_tensor("w", TensorProto.FLOAT, [4, 3, 3, 3], [0.0] * 108)
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Frobnicate", ["c"], ["y"], name="frob", domain="com.example"),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=[w],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)])
    path = tmp_path / "custom.onnx"
    onnx.save(model, str(path))

    loose = run_cli("analyze", str(path), "-f", "json")
    assert loose.returncode == 0, loose.stderr
    d = json.loads(loose.stdout)
    assert d["totals"]["macs"] == 3 * 3 * 3 * 4 * 8 * 8
    assert [(u["name"], u["op"]) for u in d["uncounted"]] == [("frob", "Frobnicate")]

    strict = run_cli("analyze", str(path), "--strict", "-q")
    assert strict.returncode == 1
    assert "Uncounted ops (1 node;" in strict.stdout and "frob" in strict.stdout
    assert "--strict" in strict.stderr and "Frobnicate" in strict.stderr and "Traceback" not in strict.stderr


@pytest.mark.parametrize("value", ["inf", "nan", "0", "-1"])
def test_width_multiplier_that_is_no_finite_positive_number_names_the_option(capsys, value):
    """`-a inf` was blamed on the spec file ("models/mobilenet_v1.yaml: width multiplier must be ...")."""
    code = run(["analyze", str(ROOT / "models" / "mobilenet_v1.yaml"), "-a", value])
    err = capsys.readouterr().err
    assert code == 2 and err.strip() == f"dscost: error: --width-multiplier: must be a finite number > 0, got {float(value)}"


@pytest.mark.parametrize("target, line", [
    ("", "an empty file name ('': an unset shell variable?)"),  # (it said ": no such file")
    ("x.py:", "x.py:: no such file; to build a PyTorch module from x.py, name what: x.py:FACTORY"),
])  # fmt: skip
def test_an_empty_name_says_so(capsys, target, line):
    code = run(["analyze", target])
    assert code == 2 and capsys.readouterr().err.strip() == f"dscost: error: {line}"
