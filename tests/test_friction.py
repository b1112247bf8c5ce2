"""Rough edges a new user hit (issue 8, part 4), each through the real entry point."""

from __future__ import annotations

import os

import pytest

from conftest import ROOT, run_cli
from test_cli import cli, error_line

LFS_POINTER = """\
version https://git-lfs.github.com/spec/v1
oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393
size 4242
"""
LFS_HINT = "run `git lfs pull` (or set `lfs: true` on actions/checkout)"


# ------------------------------------------------ a Git LFS pointer in place of the file


@pytest.mark.parametrize(
    "name, args",
    [
        ("model.onnx", ["analyze"]),
        ("model.tflite", ["analyze"]),
        ("model.yaml", ["analyze"]),
        ("model.onnx", ["check", "--max-macs", "1G"]),
        ("model.onnx", ["convert"]),
        ("model.onnx", ["bench"]),
    ],
)
def test_lfs_pointer_model_is_named(capsys, tmp_path, monkeypatch, name, args):
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(LFS_POINTER)
    code, out, err = cli(capsys, args[0], name, *args[1:])
    assert code == 2 and out == ""
    assert error_line(err) == f"dscost: error: {name}: is a Git LFS pointer, not the model file: {LFS_HINT}"


def test_lfs_pointer_budget_file_and_model_in_a_budget(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "budget.yaml").write_text(LFS_POINTER)
    code, _, err = cli(capsys, "check", "--budget", "budget.yaml")
    assert code == 2
    assert error_line(err) == f"dscost: error: budget.yaml: is a Git LFS pointer, not the YAML file: {LFS_HINT}"
    (tmp_path / "budget.yaml").write_text("budgets:\n  - path: m.onnx\n    max_macs: 1G\n")
    (tmp_path / "m.onnx").write_text(LFS_POINTER)
    code, _, err = cli(capsys, "check", "--budget", "budget.yaml")
    assert code == 2
    assert error_line(err) == f"dscost: error: budget.yaml: budgets[0]: m.onnx: is a Git LFS pointer, not the model file: {LFS_HINT}"


def test_small_files_that_are_not_pointers_still_get_their_own_error(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.onnx").write_text("version https://example.com/spec\n")
    code, _, err = cli(capsys, "analyze", "m.onnx")
    assert code == 2 and "Git LFS" not in err and "m.onnx: not a valid ONNX model" in error_line(err)


# ------------------------------------------------ a count limit without its unit

MOBILENET = str(ROOT / "models" / "mobilenet_v1.yaml")  # 568,740,352 MACs, 4,231,976 params
UNITLESS = "600 has no unit, so it means 600; a limit below 10,000 is almost always a forgotten unit: did you mean 600M? (write 0.6K to keep exactly 600)"


def test_unitless_small_flag_limit_warns_in_one_line(capsys):
    code, out, err = cli(capsys, "check", MOBILENET, "--max-macs", "600", "--max-params", "4.5M")
    assert code == 1 and "-94789958.7%" in out  # still checked as written: 600 MACs
    assert err.splitlines() == [f"dscost: warning: --max-macs: {UNITLESS}"]
    code, _, err = cli(capsys, "check", MOBILENET, "--max-macs", "600M", "--max-weight-bytes", "17")
    assert code == 1
    assert err.splitlines() == [
        "dscost: warning: --max-weight-bytes: 17 has no unit, so it means 17; a limit below 10,000 is almost always "
        "a forgotten unit: did you mean 17M? (write 0.017K to keep exactly 17)"
    ]


@pytest.mark.parametrize("limit", ["0.6K", "500M", "12000", "0"])
def test_limits_with_a_unit_or_not_small_do_not_warn(capsys, limit):
    code, _, err = cli(capsys, "check", MOBILENET, "--max-macs", limit)
    assert code == 1 and err == ""


def test_unitless_small_limit_that_holds_is_a_toy_model_and_does_not_warn(capsys, tmp_path):
    spec = tmp_path / "toy.yaml"
    spec.write_text("input: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 4, kernel: 1}\n")  # 12 params, 768 MACs
    code, _, err = cli(capsys, "check", str(spec), "--max-macs", "768", "--max-params", "12")
    assert (code, err) == (0, "")
    code, _, err = cli(capsys, "check", str(spec), "--max-macs", "767", "--max-params", "12")
    assert code == 1 and err.startswith("dscost: warning: --max-macs: 767 has no unit")


def test_unitless_small_budget_limit_warns_with_its_location(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "budget.yaml").write_text(f"budgets:\n  - path: {MOBILENET}\n    max_params: 4.5M\n    max_macs: 600\n")
    code, _, err = cli(capsys, "check", "--budget", "budget.yaml")
    assert code == 1
    assert err.splitlines() == [f"dscost: warning: budget.yaml:4:5: budgets[0]: max_macs: {UNITLESS}"]
    (tmp_path / "budget.yaml").write_text(f"- path: {MOBILENET}\n  max_macs: '600'\n")
    code, _, err = cli(capsys, "check", "--budget", "budget.yaml")
    assert code == 1
    assert err.splitlines() == [f"dscost: warning: budget.yaml:2:3: [0]: max_macs: {UNITLESS}"]


# ------------------------------------------------ every error of a spec or budget file, on one line


def test_spec_with_several_errors_shows_each_with_its_place_on_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.yaml").write_text(
        "input: [3, 8, 8]\nlayers:\n  - {type: convv, channels: 8}\n  - {type: conv, channels: 8, kernel: 3, strides: 2}\n"
    )
    code, out, err = cli(capsys, "analyze", "net.yaml")
    assert code == 2 and out == ""
    assert error_line(err) == (
        "dscost: error: net.yaml:3:5: layers[0] (convv): unknown layer type 'convv'; did you mean 'conv' or 'dsconv'?"
        " | net.yaml:4:42: layers[1] (conv): strides: unknown key (not allowed here); did you mean 'stride'?"
    )


def test_budget_with_several_errors(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "budget.yaml").write_text("convension: flops\nbudgets:\n  - path: m.yaml\n    max_mac: 5M\n    resolution: [1, 2, 3]\n")
    code, _, err = cli(capsys, "check", "--budget", "budget.yaml")
    assert code == 2
    assert error_line(err) == (
        "dscost: error: budget.yaml:1:1: convension: unknown key (not allowed here); did you mean 'convention'?"
        " | budget.yaml:4:5: budgets[0]: max_mac: unknown key (not allowed here); did you mean 'max_macs' or 'max_layer_macs'?"
        " | budget.yaml:5:5: budgets[0]: resolution: Input should be a valid integer, or List should have at most 2 items after validation, not 3"
    )


# ------------------------------------------------ wording


def test_budget_schema_names_the_real_width_flag(capsys):
    code, out, _ = cli(capsys, "schema", "budget")
    assert code == 0
    assert '"Width multiplier for YAML specs (as `--width-multiplier`/`-a`)."' in out and "`--width`)" not in out


def test_compare_json_says_output_shapes_have_no_batch_dimension(capsys):
    import json

    code, out, _ = cli(capsys, "compare", "-f", "json")
    d = json.loads(out)
    assert d["convention"]["shapes"] == "output_shape is [channels, *spatial] of one sample, without the batch dimension"
    assert d["standard"]["output_shape"] == [64, 112, 112]


def test_check_header_and_summary_for_one_limit(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.yaml").write_text("input: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 8, kernel: 1}\n")  # 24 params
    code, out, _ = cli(capsys, "check", "m.yaml", "--max-params", "0.024K")
    assert code == 0
    assert out.splitlines()[0] == "dscost check: limits from the command line"
    assert out.splitlines()[-1] == "✓ the limit holds (1 model)"
    code, out, _ = cli(capsys, "check", "m.yaml", "--max-params", "0.023K")
    assert code == 1 and out.splitlines()[-1] == "✗ 1 of 1 limit exceeded (1 of 1 model over budget)"
    (tmp_path / "budget.yaml").write_text("budgets:\n  - path: m.yaml\n    max_params: 0.024K\n    max_macs: 1M\n")
    code, out, _ = cli(capsys, "check", "--budget", "budget.yaml")
    assert code == 0
    assert out.splitlines()[0] == "dscost check: limits from budget.yaml"
    assert out.splitlines()[-1] == "✓ all 2 limits hold (1 model)"


def test_one_of_a_kind_is_singular(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dw.yaml").write_text("input: [3, 8, 8]\nlayers:\n  - {type: dsconv, channels: 8}\n")
    code, out, _ = cli(capsys, "analyze", "dw.yaml")
    assert code == 0
    assert any(line.startswith("1 dw+pw block made one standard conv ") and " each" not in line for line in out.splitlines())
    (tmp_path / "c.yaml").write_text("input: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 8, kernel: 3}\n")
    code, _, err = cli(capsys, "export", "c.yaml", "-o", "c.onnx")
    assert code == 0 and err.splitlines() == ["wrote c.onnx (1 layer, zero weights)"]
    code, _, err = cli(capsys, "convert", "c.onnx", "--no-verify")
    assert code == 0 and err.splitlines() == ["wrote c_separable.onnx (1 conv converted; the new weights need fine-tuning before use)"]
    code, _, err = cli(capsys, "convert", "c_separable.onnx", "--reverse", "--no-verify")
    assert code == 0 and err.splitlines() == ["wrote c_separable_standard.onnx (1 block merged; the new weights need fine-tuning before use)"]


# ------------------------------------------------ shell completion (Typer's own)

NO_DETECTION = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}  # the shell is named on the command line


@pytest.mark.parametrize("shell, line", [("bash", "complete -o default -F _dscost_completion dscost"), ("zsh", "#compdef dscost")])
def test_show_completion_prints_the_script(shell, line):
    p = run_cli("--show-completion", shell, env=NO_DETECTION)
    assert p.returncode == 0 and p.stderr == ""
    assert line in p.stdout.splitlines()
    assert f"_DSCOST_COMPLETE=complete_{shell}" in p.stdout


def test_install_completion_writes_to_the_home_given(tmp_path):
    p = run_cli("--install-completion", "bash", env={**NO_DETECTION, "HOME": str(tmp_path)})
    assert p.returncode == 0, p.stderr
    assert "bash completion installed in" in p.stdout
    assert "_DSCOST_COMPLETE=complete_bash" in (tmp_path / ".bash_completions" / "dscost.sh").read_text()
    assert "source " in (tmp_path / ".bashrc").read_text()


def test_the_completion_script_gets_commands_and_options():
    p = run_cli(env={"_DSCOST_COMPLETE": "complete_bash", "COMP_WORDS": "dscost an", "COMP_CWORD": "1"})
    assert (p.returncode, p.stdout.split()) == (0, ["analyze"])
    p = run_cli(env={"_DSCOST_COMPLETE": "complete_bash", "COMP_WORDS": "dscost analyze --wid", "COMP_CWORD": "2"})
    assert (p.returncode, p.stdout.split()) == (0, ["--width-multiplier"])


def test_completion_options_belong_to_the_root_only(capsys):
    code, _, err = cli(capsys, "compare", "--show-completion")
    line = error_line(err)  # click words it "No such option: --x" or "No such option '--x'." by version
    assert code == 2 and line.startswith("dscost: error: No such option") and "--show-completion" in line


# ------------------------------------------------ convert: all-zero weights are not "0.0% error"


def test_convert_all_zero_weights_says_so(capsys, tmp_path, monkeypatch):
    import csv
    import io

    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.yaml").write_text("input: [3, 8, 8]\nlayers:\n  - {type: conv, name: c1, channels: 8, kernel: 3}\n")
    assert cli(capsys, "export", "c.yaml", "-o", "c.onnx")[0] == 0  # export writes zero weights
    note = "the original weights are all zero (an exported spec?): no weight error to measure"
    code, out, _ = cli(capsys, "convert", "c.onnx", "--no-verify")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("c1 "))
    assert row.split()[:8] == ["c1", "3x3", "3", "->", "8", "c1_dw", "+", "c1_pw"]
    assert row.split(None, 8)[8] == f"n/a  {note}" and "0.0%" not in out
    code, out, _ = cli(capsys, "convert", "c.onnx", "--no-verify", "--force", "-f", "csv")
    (rec,) = csv.DictReader(io.StringIO(out))
    assert (rec["init_error"], rec["note"]) == ("", note)
    # two layers with that note: said once after the table, not on every row (a README check: 17 times for ResNet-18)
    (tmp_path / "c.yaml").write_text("input: [3, 8, 8]\nlayers:\n  - {type: conv, name: c1, channels: 8, kernel: 3}\n  - {type: conv, name: c2, channels: 8, kernel: 3}\n")
    assert cli(capsys, "export", "c.yaml", "-o", "c.onnx", "--force")[0] == 0
    code, out, _ = cli(capsys, "convert", "c.onnx", "--no-verify", "--force")
    assert code == 0 and out.count(note) == 1 and f"every layer: {note}" in out
    assert [line.split()[-1] for line in out.splitlines() if line.startswith(("c1 ", "c2 "))] == ["n/a", "n/a"]
    code, out, _ = cli(capsys, "convert", "c.onnx", "--no-verify", "--force", "-f", "csv")
    assert [rec["note"] for rec in csv.DictReader(io.StringIO(out))] == [note, note]  # (machine-readable rows keep their note)


def test_rank1_factors_of_zero_weights_measure_no_error():
    import numpy as np

    from dscost.rewrite import rank1_factors

    dw, pw, err = rank1_factors(np.zeros((4, 3, 3, 3), dtype=np.float32))
    assert err is None and not dw.any() and not pw.any()
    assert rank1_factors(np.ones((4, 3, 3, 3), dtype=np.float32))[2] < 1e-6  # separable: 0% is a real 0


@pytest.mark.parametrize(
    "shape, message",
    [
        ("input=1,3,224,224", "--input-shape input: expected a shape like 1x3x224x224, got '1,3,224,224'"),
        ("input:1x3x224x224", "--input-shape: expected [NAME=]1x3x224x224[:DTYPE], got 'input:1x3x224x224' (the name and the shape are joined by '=')"),
        ("1,3,224,224", "--input-shape: expected [NAME=]1x3x224x224[:DTYPE], got '1,3,224,224'"),
    ],
)
def test_a_mistyped_input_shape_is_answered_with_a_shape_example(capsys, shape, message):
    """Commas, or ':' for '=': the message shows a shape, not the kernel-size example of --dk."""
    code, _, err = cli(capsys, "analyze", MOBILENET, "-i", shape)
    assert code == 2 and error_line(err) == f"dscost: error: {message}"


def test_a_what_if_that_changes_nothing_is_no_row(capsys):
    """ResNet-18 has no dw+pw block: its What if table has no '0 dw+pw blocks ... 1.00x' row; the
    separable row (17 standard convs > 1x1) stays, and MobileNet v1 keeps both (1 conv, 13 blocks)."""
    code, out, _ = cli(capsys, "analyze", str(ROOT / "models" / "resnet18.yaml"))
    assert code == 0 and "17 standard convs > 1x1 made separable" in out and "dw+pw block" not in out.split("What if (whole model)")[1].split("\n\n")[0]
    code, out, _ = cli(capsys, "analyze", MOBILENET)
    table = out.split("What if (whole model)")[1].split("\n\n")[0]
    assert "1 standard conv > 1x1 made separable" in table and "13 dw+pw blocks made one standard conv each" in table


def test_compare_on_one_input_channel_says_the_pair_is_no_replacement(capsys):
    """Found by the fifth red team: `compare --m 1` gave a 7.02x saving without a word, where
    analyze and convert give a one-channel conv no what-if (its separable pair is rank 1).
    The formulas stand (32x9x100 = 28,800 MACs vs 900 + 3,200 = 4,100); a note says why."""
    code, out, _ = cli(capsys, "compare", "--m", "1", "--dk", "3", "--n", "32", "--df", "10")
    assert code == 0 and "28,800" in out and "4,100" in out and "M = 1: the depthwise half is one filter" in out
    code, out, _ = cli(capsys, "compare", "--m", "2", "--dk", "3", "--n", "32", "--df", "10")
    assert code == 0 and "M = 1" not in out


@pytest.mark.parametrize(
    "output, message",
    [
        ("{tmp}/missing/report.json", "--output {tmp}/missing/report.json: cannot write (folder {tmp}/missing does not exist)"),
        ("{tmp}", "--output {tmp}: is a directory"),
        ("/dev/null", "--output /dev/null: exists and is not a regular file"),
        ("", "--output '': not a file name (leave -o out to write to standard output)"),
        ("{tmp}/report.json/", "--output '{tmp}/report.json/': not a file name (leave -o out to write to standard output)"),
    ],
)
@pytest.mark.parametrize("command", [["analyze", "{tmp}/missing.onnx"], ["check", "{tmp}/missing.onnx", "--max-macs", "1G"], ["diff", "{tmp}/a.onnx", "{tmp}/b.onnx"]])
def test_an_output_that_cannot_be_written_is_refused_before_any_model_is_read(capsys, tmp_path, output, message, command):
    """-o is checked as the options are parsed: the model named here does not exist, and the error
    is the output's (a 100k-node graph had been counted for 2.3 s first; an empty -o had ended in
    a traceback, exit 1, after the whole count)."""
    args = [a.format(tmp=tmp_path) for a in command] + ["-f", "json", "-o", output.format(tmp=tmp_path)]
    code, out, err = cli(capsys, *args)
    assert code == 2 and out == ""
    assert error_line(err) == "dscost: error: " + message.format(tmp=tmp_path)
    assert sorted(os.listdir(tmp_path)) == []  # (no temporary file left)


@pytest.mark.parametrize(
    "option, message",
    [("--dtype", "--dtype '': choose one of fp32, fp16, bf16, int8"),
     ("--hardware", "--hardware '': unknown; choose one of a100, t4, jetson-nano, apple-m1-gpu, rpi4, xeon-8380, local or give --peak-gmacs and --bandwidth-gbs")],
)  # fmt: skip
def test_an_empty_roofline_option_is_an_error_not_the_default(capsys, option, message):
    """`--dtype "$DTYPE"` with the variable unset had counted at fp32 and `--hardware ""` had
    estimated no times, both exit 0; the empty value given is said."""
    code, out, err = cli(capsys, "analyze", str(ROOT / "models" / "mobilenet_v1.yaml"), option, "")
    assert code == 2 and out == "" and error_line(err) == "dscost: error: " + message


@pytest.mark.parametrize("peak, bandwidth", [("inf", "100"), ("100", "1e999"), ("nan", "100"), ("1e-320", "10"), ("10", "5e-324")])
def test_an_infinite_roofline_rate_is_an_error(capsys, peak, bandwidth):
    """--peak-gmacs inf (or a bandwidth of 1e999) had been taken, and the JSON held the bare word
    Infinity, which no JSON parser reads (red team 7); nan was refused already; a subnormal rate
    made the estimated time infinite (red team 9): a rate is at least 1e-6."""
    code, out, err = cli(capsys, "analyze", str(ROOT / "models" / "mobilenet_v1.yaml"), "--peak-gmacs", peak, "--bandwidth-gbs", bandwidth, "-f", "json")
    shown = {"1e999": "inf", "5e-324": "4.94066e-324"}.get(bandwidth, bandwidth)
    peak = {"1e-320": "9.99989e-321"}.get(peak, peak)
    assert code == 2 and out == ""
    assert error_line(err) == f"dscost: error: --peak-gmacs ({peak}) and --bandwidth-gbs ({shown}) must be finite numbers of at least 1e-06"


def test_a_torchscript_export_failure_keeps_its_reason_without_the_module_scopes():
    """Found by the thirteenth round (compressai's checkerboard models): torch.onnx's "Failed to
    export a node '...' (in list node ...) because it is not constant" spans three lines, the
    node's text and its module scopes first; the line kept only the first, without the reason.
    The reason is kept now, the scopes (", scope: a::/b::c") and the value dump after it are not."""
    from dscost.readers.torch_run import first_line

    scope = ", scope: m.W::/compressai.models.sensetime.Cheng2020AnchorCheckerboard::m/compressai.entropy_models.EntropyBottleneck::entropy_bottleneck"
    text = (f"Failed to export a node '%278 : Long(requires_grad=0, device=cpu) = onnx::Squeeze(%273, %277){scope} # torch/_tensor.py:1225:0\n"
            f"' (in list node %285 : int[] = prim::ListConstruct(%278, %280){scope}\n"
            ") because it is not constant. Please try to make things (e.g. kernel sizes) static if possible.  [Caused by the value '285 defined "
            f"in (%285 : int[] = prim::ListConstruct(%278, %280){scope}\n)' (type 'List[int]') in the TorchScript graph.]\n\n    Inputs:\n")  # fmt: skip
    assert first_line(RuntimeError(text)) == (
        "RuntimeError: Failed to export a node '%278 : Long(requires_grad=0, device=cpu) = onnx::Squeeze(%273, %277) # torch/_tensor.py:1225:0 ' "
        "(in list node %285 : int[] = prim::ListConstruct(%278, %280) ) because it is not constant. Please try to make things (e.g. kernel sizes) "
        "static if possible")  # fmt: skip
    assert first_line(ValueError("it doesn't fit\nline two")) == "ValueError: it doesn't fit"  # (an apostrophe elsewhere joins nothing)
