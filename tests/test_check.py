"""`dscost check` through the real entry point (dscost.cli.main, and `python -m dscost` for the exit codes).

The model ``gate.yaml`` is chosen so that every limit has an exact decimal boundary:

    stem: 3x3 conv 3 -> 8 on 8x8 (same padding): 9*3*8 = 216 weights, 216*64 = 13,824 MACs
    pw:   1x1 conv 8 -> 21 on 8x8:                8*21 = 168 weights, 168*64 = 10,752 MACs

    total MACs 24,576 = 3 * 2^13; learnable params 216 + 168 = 384 (no bias, no BN)
    largest layer: stem, 13,824 MACs
    standard conv share: 13,824 / 24,576 = 0.5625
    stem made separable: dw 9*3*64 = 1,728 + pw 3*8*64 = 1,536 = 3,264 MACs, saving 10,560
    remaining savings: 10,560 / 24,576 = 0.4296875
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dscost.cli import main

MACS = 24_576
PARAMS = 384
LAYER_MACS = 13_824
STD_SHARE = "0.5625"
SAVINGS = "0.4296875"

GATE_SPEC = """\
name: gate
input: [3, 8, 8]
layers:
  - {type: conv, name: stem, channels: 8, kernel: 3}
  - {type: conv, name: pw, channels: 21, kernel: 1}
"""

# A second model for globs: stem 3x3 3->4 on 8x8 = 9*3*4*64 = 6,912 MACs, 108 params.
SMALL_SPEC = """\
name: small
input: [3, 8, 8]
layers:
  - {type: conv, name: stem, channels: 4, kernel: 3}
"""


def dscost(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``dscost ARGS`` in-process through main() (what the console script calls)."""
    old = sys.argv
    sys.argv = ["dscost", *args]
    try:
        with pytest.raises(SystemExit) as exc:
            main()
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else (0 if code is None else 1)), out, err


@pytest.fixture
def models(tmp_path: Path) -> Path:
    d = tmp_path / "models"
    d.mkdir()
    (d / "gate.yaml").write_text(GATE_SPEC)
    (d / "small.yaml").write_text(SMALL_SPEC)
    return d


def write_budget(tmp_path: Path, text: str, name: str = "budget.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


# --------------------------------------------------------------------------
# Exit codes through the installed entry point (a separate process)


def test_exit_codes_via_python_m_dscost(models):
    gate = str(models / "gate.yaml")
    run = lambda *a: subprocess.run([sys.executable, "-m", "dscost", "check", *a], capture_output=True, text=True, timeout=60)  # noqa: E731
    ok = run(gate, "--max-macs", str(MACS))
    assert ok.returncode == 0, ok.stderr
    assert "✓ the limit holds (1 model)" in ok.stdout
    over = run(gate, "--max-macs", str(MACS - 1))
    assert over.returncode == 1
    assert "1 of 1 limit exceeded" in over.stdout
    bad = run(gate, "--max-macs", "12Q")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "dscost: error: --max-macs: unknown unit 'Q' in '12Q'; use K/M/G/T"
    assert "Traceback" not in bad.stderr


# --------------------------------------------------------------------------
# One-off limits: each key at its boundary


BOUNDARIES = [
    # flag, exactly-at value (passes), just-past value (fails), extra args
    ("--max-macs", str(MACS), str(MACS - 1), []),
    ("--max-macs", "24.576K", "24.575K", []),
    ("--max-params", str(PARAMS), str(PARAMS - 1), []),
    ("--max-weight-bytes", str(4 * PARAMS), str(4 * PARAMS - 1), []),
    ("--max-weight-bytes", "1.536KB", "1.535KB", []),
    ("--max-weight-bytes", str(2 * PARAMS), str(2 * PARAMS - 1), ["--dtype", "fp16"]),
    ("--max-weight-bytes", str(2 * PARAMS), str(2 * PARAMS - 1), ["--dtype", "bf16"]),
    ("--max-weight-bytes", str(PARAMS), str(PARAMS - 1), ["--dtype", "int8"]),
    ("--max-layer-macs", str(LAYER_MACS), str(LAYER_MACS - 1), []),
    ("--max-standard-conv-share", STD_SHARE, "0.5624999", []),
    ("--max-standard-conv-share", "56.25%", "56.24%", []),
    ("--max-remaining-savings", SAVINGS, "0.4296874", []),
    ("--max-remaining-savings", "42.96875%", "42.9687%", []),
    ("--max-macs", str(2 * MACS), str(2 * MACS - 1), ["--flops"]),
    ("--max-layer-macs", str(2 * LAYER_MACS), str(2 * LAYER_MACS - 1), ["--flops"]),
]


@pytest.mark.parametrize("flag, at, past, extra", BOUNDARIES, ids=[f"{b[0]}={b[1]}{''.join(b[3])}" for b in BOUNDARIES])
def test_flag_passes_at_limit_and_fails_past_it(capsys, models, flag, at, past, extra):
    gate = str(models / "gate.yaml")
    code, out, err = dscost(capsys, "check", gate, flag, at, *extra, "-f", "json")
    assert (code, err) == (0, "")
    (check,) = json.loads(out)["models"][0]["checks"]
    assert check["passed"] and check["headroom"] == 0
    code, out, _ = dscost(capsys, "check", gate, flag, past, *extra, "-f", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["passed"] is False and doc["summary"]["failed"] == 1
    assert doc["models"][0]["checks"][0]["passed"] is False


def test_json_actual_values(capsys, models):
    code, out, _ = dscost(
        capsys,
        "check", str(models / "gate.yaml"), "--max-macs", "1G", "--max-params", "1M", "--max-weight-bytes", "1MB", "--dtype", "fp16",
        "--max-layer-macs", "1G", "--max-standard-conv-share", "100%", "--max-remaining-savings", "1", "-f", "json",
    )  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    checks = {c["key"]: c for c in doc["models"][0]["checks"]}
    assert checks["max_macs"]["actual"] == MACS and checks["max_macs"]["limit"] == 10**9
    assert checks["max_macs"]["headroom"] == 10**9 - MACS
    assert checks["max_params"]["actual"] == PARAMS
    assert checks["max_weight_bytes"]["actual"] == 2 * PARAMS and checks["max_weight_bytes"]["label"] == "weight bytes (fp16)"
    assert checks["max_layer_macs"]["actual"] == LAYER_MACS and checks["max_layer_macs"]["detail"] == "stem"
    assert checks["max_standard_conv_share"]["actual"] == 0.5625
    assert checks["max_remaining_savings"]["actual"] == 0.4296875
    assert doc["convention"] == "macs" and doc["budget"] is None
    assert doc["models"][0]["path"].endswith("gate.yaml") and doc["models"][0]["name"] == "gate"


def test_table_output(capsys, models):
    code, out, _ = dscost(capsys, "check", str(models / "gate.yaml"), "--max-macs", "20K", "--max-params", "1K")
    assert code == 1
    assert "gate (" in out and "OVER BUDGET" in out
    macs = next(line for line in out.splitlines() if line.startswith("MACs"))
    assert macs.split() == ["MACs", "20.0K", "24.6K", "-4.58K", "-22.9%", "✗"]
    params = next(line for line in out.splitlines() if line.startswith("params"))
    assert params.split() == ["params", "1.00K", "384", "+616", "+61.6%", "✓"]
    assert "1 of 2 limits exceeded" in out


def test_markdown_output(capsys, models):
    code, out, _ = dscost(capsys, "check", str(models / "gate.yaml"), "--max-macs", "20K", "-f", "markdown")
    assert code == 1
    assert "| check | limit | actual | headroom | headroom % |  |" in out
    assert "| MACs | 20.0K | 24.6K | -4.58K | -22.9% | ✗ |" in out


# --------------------------------------------------------------------------
# Usage and input errors: exit 2, one line, no traceback


@pytest.mark.parametrize(
    "args, message",
    [
        (["--max-macs", "12Q"], "--max-macs: unknown unit 'Q'"),
        (["--max-macs", "-1"], "--max-macs: '-1' is negative"),
        (["--max-macs", "30%"], "--max-macs: '30%' is a percentage"),
        (["--max-macs", "1e999"], "--max-macs: '1e999' is too large"),
        (["--max-params", "inf"], "--max-params: cannot parse 'inf'"),
        (["--max-standard-conv-share", "600M"], "--max-standard-conv-share: cannot parse '600M'"),
        (["--max-remaining-savings", "150%"], "not a share between 0 and 1"),
        (["--max-weight-bytes", "1M", "--dtype", "fp64"], "--dtype 'fp64': choose one of fp32, fp16, bf16, int8"),
        ([], "no limit given"),
        (["--max-macs", "1", "--max-macs", "1T"], "--max-macs is given more than once: give each limit once (the last would win without a word)"),
        (["--max-params=1", "--max-params", "1T"], "--max-params is given more than once"),
    ],
)
def test_bad_flags_exit_2(capsys, models, args, message):
    code, out, err = dscost(capsys, "check", str(models / "gate.yaml"), *args)
    assert code == 2 and out == ""
    assert err.startswith("dscost: error: ") and message in err and err.count("\n") == 1


def test_no_models_and_no_budget_exit_2(capsys):
    code, _, err = dscost(capsys, "check", "--max-macs", "1M")
    assert code == 2 and "give models" in err


def test_model_that_fails_to_load_exit_2_names_it(capsys, tmp_path, models):
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\ninput: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 0, kernel: 3}\n")
    code, out, err = dscost(capsys, "check", str(models / "gate.yaml"), str(broken), "--max-macs", "1G")
    assert code == 2 and out == ""
    assert "broken.yaml" in err and err.count("\n") == 1
    code, _, err = dscost(capsys, "check", str(tmp_path / "nope.yaml"), "--max-macs", "1G")
    assert code == 2 and "nope.yaml: no such file" in err


# --------------------------------------------------------------------------
# Budget files


ALL_KEYS_AT_LIMIT = f"""\
budgets:
  - path: models/gate.yaml
    max_macs: {MACS}
    max_params: {PARAMS}
    max_weight_bytes: {2 * PARAMS}
    dtype: fp16
    max_layer_macs: 13.824K
    max_standard_conv_share: 56.25%
    max_remaining_savings: {SAVINGS}
"""


def test_budget_all_keys_exactly_at_limit_pass(capsys, tmp_path, models, monkeypatch):
    budget = write_budget(tmp_path, ALL_KEYS_AT_LIMIT)
    monkeypatch.chdir(models)  # paths resolve against the budget file, not the working directory
    code, out, err = dscost(capsys, "check", "--budget", str(budget), "-f", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["passed"] and doc["summary"] == {"models": 1, "limits": 6, "failed": 0, "models_failed": 0}
    assert [c["key"] for c in doc["models"][0]["checks"]] == [
        "max_macs", "max_params", "max_weight_bytes", "max_layer_macs", "max_standard_conv_share", "max_remaining_savings",
    ]  # fmt: skip
    assert all(c["headroom"] == 0 for c in doc["models"][0]["checks"])


PAST = {
    "max_macs": f"max_macs: {MACS - 1}",
    "max_params": f"max_params: {PARAMS - 1}",
    "max_weight_bytes": f"max_weight_bytes: {2 * PARAMS - 1}\n    dtype: fp16",
    "max_layer_macs": f"max_layer_macs: {LAYER_MACS - 1}",
    "max_standard_conv_share": "max_standard_conv_share: 0.5624",
    "max_remaining_savings": "max_remaining_savings: 42.96%",
}


@pytest.mark.parametrize("key", sorted(PAST))
def test_budget_each_key_fails_past_its_limit(capsys, tmp_path, models, key):
    budget = write_budget(tmp_path, f"budgets:\n  - path: models/gate.yaml\n    {PAST[key]}\n")
    code, out, _ = dscost(capsys, "check", "--budget", str(budget), "-f", "json")
    assert code == 1
    (check,) = json.loads(out)["models"][0]["checks"]
    assert check["key"] == key and not check["passed"] and check["headroom"] < 0


def test_budget_glob_relative_to_budget_file_and_bare_list(capsys, tmp_path, models, monkeypatch):
    budget = write_budget(tmp_path, "- path: models/*.yaml\n  max_macs: 10K\n")
    monkeypatch.chdir(tmp_path.parent)
    code, out, _ = dscost(capsys, "check", "--budget", str(budget), "-f", "json")
    assert code == 1
    doc = json.loads(out)
    results = {m["name"]: (m["passed"], m["checks"][0]["actual"]) for m in doc["models"]}
    assert results == {"gate": (False, MACS), "small": (True, 6912)}
    assert doc["summary"]["models_failed"] == 1


def test_a_budget_path_naming_an_existing_file_with_brackets_is_that_file(capsys, tmp_path, models):
    """model[v2].yaml exists: the entry is that file (as on the command line), not the glob
    '[v2]' would make of it, which matches model2.yaml (a smaller model) beside it."""
    (models / "model[v2].yaml").write_text(GATE_SPEC)
    (models / "model2.yaml").write_text(SMALL_SPEC)
    budget = write_budget(tmp_path, "- {path: 'models/model[v2].yaml', max_macs: 10K}\n")
    code, out, _ = dscost(capsys, "check", "--budget", str(budget), "-f", "json")
    (m,) = json.loads(out)["models"]
    assert code == 1 and m["path"] == str(models / "model[v2].yaml") and m["checks"][0]["actual"] == MACS
    budget = write_budget(tmp_path, "- {path: 'models/model[2].yaml', max_macs: 10K}\n")  # (no such file: a glob, matching model2.yaml)
    code, out, _ = dscost(capsys, "check", "--budget", str(budget), "-f", "json")
    assert code == 0 and [m["path"] for m in json.loads(out)["models"]] == [str(models / "model2.yaml")]


def test_a_budget_in_another_folder_names_its_models_without_dot_dot(capsys, tmp_path, models):
    """examples/budget.yaml naming ../models/gate.yaml: the report says models/gate.yaml (in the
    budget's parent), not examples/../models/gate.yaml."""
    (tmp_path / "examples").mkdir()
    budget = write_budget(tmp_path / "examples", "- {path: ../models/gate.yaml, max_macs: 1G}\n")
    code, out, _ = dscost(capsys, "check", "--budget", str(budget), "-f", "json")
    assert code == 0 and json.loads(out)["models"][0]["path"] == str(tmp_path / "models" / "gate.yaml")


def test_budget_name_width_and_flops_convention(capsys, tmp_path, models):
    # width 0.5: stem 3->4 (6,912 MACs, 108 params), pw 4->10 (4*10*64 = 2,560 MACs, 40 params)
    budget = write_budget(
        tmp_path,
        "convention: flops\nbudgets:\n  - path: models/gate.yaml\n    name: gate-0.5\n    width: 0.5\n"
        f"    max_macs: {2 * (6912 + 2560)}\n    max_params: {108 + 40}\n",
    )
    code, out, _ = dscost(capsys, "check", "--budget", str(budget), "-f", "json")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["convention"] == "flops" and doc["models"][0]["name"] == "gate-0.5"
    assert doc["models"][0]["checks"][0]["label"] == "FLOPs"
    code, _, err = dscost(capsys, "check", "--budget", str(budget), "--flops")
    assert code == 0
    macs_budget = write_budget(tmp_path, "convention: macs\nbudgets:\n  - {path: models/gate.yaml, max_macs: 1G}\n", "m.yaml")
    code, _, err = dscost(capsys, "check", "--budget", str(macs_budget), "--flops")
    assert code == 2 and "contradicts --flops" in err


def test_each_model_names_the_input_shapes_it_was_counted_at(capsys, tmp_path, models):
    """The gate says the size it ran at: gate.yaml at resolution 16 (budget), small.yaml as written."""
    budget = write_budget(tmp_path, "budgets:\n  - {path: models/gate.yaml, resolution: 16, max_macs: 1G}\n  - {path: models/small.yaml, max_macs: 1G}\n")
    code, out, _ = dscost(capsys, "check", "--budget", str(budget), "-f", "json")
    assert code == 0
    assert [m["inputs"] for m in json.loads(out)["models"]] == [[{"name": "input", "shape": [1, 3, 16, 16], "dtype": "float32"}],
                                                                 [{"name": "input", "shape": [1, 3, 8, 8], "dtype": "float32"}]]  # fmt: skip
    code, out, _ = dscost(capsys, "check", "--budget", str(budget))
    assert out.count("inputs (as counted): input 1x3x16x16 float32\n") == 1 and "inputs (as counted): input 1x3x8x8 float32\n" in out
    code, out, _ = dscost(capsys, "check", "--budget", str(budget), "-f", "junit")
    props = [[(p.get("name"), p.get("value")) for p in s.iter("property")] for s in ET.fromstring(out.encode()).findall("testsuite")]
    assert props == [[("inputs", "input 1x3x16x16 float32")], [("inputs", "input 1x3x8x8 float32")]]


@pytest.mark.parametrize(
    "body, message",
    [
        ("budgets:\n  - path: models/gate.yaml\n    max_macs: 12Q\n", "budget.yaml:3:5: budgets[0]: max_macs: unknown unit 'Q' in '12Q'"),
        ("budgets:\n  - path: models/gate.yaml\n    max_macs: -5\n", "budget.yaml:3:5: budgets[0]: max_macs: -5 is negative"),
        ("budgets:\n  - path: models/gate.yaml\n    max_macs: 1M\n  - path: models/gate.yaml\n    max_parms: 1M\n", "budget.yaml:5:5: budgets[1]: max_parms: unknown key"),
        ("budgets:\n  - path: models/gate.yaml\n    max_standard_conv_share: 600M\n", "budgets[0]: max_standard_conv_share: cannot parse '600M'; this limit takes a share"),
        ("budgets:\n  - path: models/gate.yaml\n    max_macs: 30%\n", "budgets[0]: max_macs: '30%' is a percentage"),
        ("budgets:\n  - path: models/gate.yaml\n    max_macs: 1e999\n", "budgets[0]: max_macs: '1e999' is too large"),
        ("budgets:\n  - path: models/gate.yaml\n    max_params: .inf\n", "budgets[0]: max_params: expected a finite number"),
        ("budgets:\n  - path: models/gate.yaml\n    max_remaining_savings: 2\n", "budgets[0]: max_remaining_savings: 2 is not a share"),
        ("budgets:\n  - path: models/gate.yaml\n    max_params: 1M\n    dtype: fp64\n", "budgets[0]: dtype:"),
        ("budgets:\n  - path: models/gate.yaml\n", "budgets[0]: entry for 'models/gate.yaml' sets no limit"),
        ("budgets: []\n", "budgets: List should have at least 1 item"),
        ("- path: models/gate.yaml\n  max_macs: 1Q\n", "budget.yaml:2:3: [0]: max_macs: unknown unit"),
        ("budgets:\n  - path: models/none-*.yaml\n    max_macs: 1M\n", "budgets[0]: 'models/none-*.yaml' matches no model file"),
        ("budgets:\n  - path: models/missing.yaml\n    max_macs: 1M\n", "budgets[0]: " + "{tmp}/models/missing.yaml: no such file"),
        ("budgets: {\n", "budget.yaml:"),
        ("budgets:\n  - path: models/gate.yaml\n    resolution: 10000000000000\n    max_macs: 1G\n",
         "budget.yaml:3:5: budgets[0]: resolution: Input should be less than or equal to 2147483647"),  # (a check of 1.1e23 % headroom)
    ],
)
def test_bad_budget_files_exit_2(capsys, tmp_path, models, body, message):
    budget = write_budget(tmp_path, body)
    code, out, err = dscost(capsys, "check", "--budget", str(budget))
    assert code == 2 and out == ""
    assert err.startswith(f"dscost: error: {budget}") and err.count("\n") == 1
    assert message.replace("{tmp}", str(tmp_path)) in err


def test_budget_model_that_fails_to_load_names_entry_and_model(capsys, tmp_path, models):
    (models / "broken.yaml").write_text("name: broken\ninput: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 4}\n")
    budget = write_budget(tmp_path, "budgets:\n  - path: models/*.yaml\n    max_macs: 1G\n")
    code, out, err = dscost(capsys, "check", "--budget", str(budget))
    assert code == 2 and out == ""
    assert "budgets[0]" in err and "broken.yaml" in err and err.count("\n") == 1


def test_a_limit_given_twice_is_refused_not_overridden(capsys, tmp_path, models):
    """Found by the third red team: Click keeps the last of a repeated option, so the Action's
    `budget` input followed by `--budget other.yaml` in its `args` never checked the first file;
    a repeated --budget (-b), --max-* or --fail-on-increase is one error line, exit 2."""
    strict = write_budget(tmp_path, "budgets:\n  - path: models/gate.yaml\n    max_macs: 1\n", "strict.yaml")
    loose = write_budget(tmp_path, "budgets:\n  - path: models/gate.yaml\n    max_macs: 1T\n", "loose.yaml")
    assert dscost(capsys, "check", "--budget", str(strict))[0] == 1
    for args in (["--budget", str(strict), "--budget", str(loose)], ["-b", str(strict), f"-b{loose}"], [f"--budget={strict}", "-b", str(loose)]):
        code, out, err = dscost(capsys, "check", *args)
        assert (code, out) == (2, "") and err == "dscost: error: --budget is given more than once: give each limit once (the last would win without a word)\n"
    code, _, err = dscost(capsys, "diff", str(models / "gate.yaml"), str(models / "small.yaml"), "--fail-on-increase", "0", "--fail-on-increase", "1000T")
    assert code == 2 and "--fail-on-increase is given more than once" in err


def test_budget_and_limit_flags_together_is_usage_error(capsys, tmp_path, models):
    budget = write_budget(tmp_path, ALL_KEYS_AT_LIMIT)
    for args in (["--budget", str(budget), "--max-macs", "1"], [str(models / "gate.yaml"), "--budget", str(budget), "--max-params", "1"]):
        code, out, err = dscost(capsys, "check", *args)
        assert (code, out) == (2, "") and "not both" in err and err.count("\n") == 1


TWO_ENTRIES = f"budgets:\n  - path: models/gate.yaml\n    max_macs: {MACS - 1}\n  - path: models/*.yaml\n    max_params: {PARAMS}\n"


def test_models_given_with_a_budget_are_checked_against_the_entries_naming_them(capsys, tmp_path, models, monkeypatch):
    """`dscost check model --budget budget.yaml` (the brief's CI gate) had been refused as "not
    both": the given models are checked, each against every entry whose path names it however
    the command line writes it, and no other model of the file is."""
    budget = write_budget(tmp_path, TWO_ENTRIES)
    monkeypatch.chdir(models)
    code, out, err = dscost(capsys, "check", "small.yaml", "--budget", str(budget), "-f", "json")
    doc = json.loads(out)
    assert (code, err) == (0, "") and [(m["name"], [c["key"] for c in m["checks"]]) for m in doc["models"]] == [("small", ["max_params"])]
    assert doc["models"][0]["checks"][0]["actual"] == 108
    for gate_path in ("gate.yaml", "./gate.yaml", str(models / "gate.yaml"), "../models/gate.yaml", "g*.yaml"):
        code, out, _ = dscost(capsys, "check", gate_path, "--budget", str(budget), "-f", "json")
        checks = [(c["key"], c["actual"], c["passed"]) for m in json.loads(out)["models"] for c in m["checks"]]
        assert code == 1 and checks == [("max_macs", MACS, False), ("max_params", PARAMS, True)], gate_path
    code, out, _ = dscost(capsys, "check", "--budget", str(budget), "-f", "json")  # (no model given: every model of the file)
    doc = json.loads(out)  # (a model two entries name is one model with the limits of both)
    assert code == 1 and [(m["name"], [c["key"] for c in m["checks"]]) for m in doc["models"]] == [("gate", ["max_macs", "max_params"]), ("small", ["max_params"])]
    assert doc["summary"] == {"models": 2, "limits": 3, "failed": 1, "models_failed": 1}


def test_a_model_no_budget_entry_holds_for_is_an_error_not_a_pass(capsys, tmp_path, models):
    budget = write_budget(tmp_path, f"budgets:\n  - path: models/gate.yaml\n    max_macs: {MACS}\n")
    (tmp_path / "other.yaml").write_text(SMALL_SPEC)
    for model, message in ((tmp_path / "other.yaml", "no entry of"), (tmp_path / "missing.yaml", "no such file")):
        code, out, err = dscost(capsys, "check", str(models / "gate.yaml"), str(model), "--budget", str(budget))
        assert (code, out) == (2, "") and err.startswith(f"dscost: error: {model}: {message}") and err.count("\n") == 1


@pytest.mark.parametrize("body", [f"max_macs: {MACS}\nmax_params: {PARAMS}\n", f"- max_macs: {MACS}\n  max_params: {PARAMS}\n",
                                  f"convention: flops\nmax_macs: {2 * MACS}\nmax_params: {PARAMS}\n"])  # fmt: skip
def test_a_budget_of_limits_alone_holds_for_the_models_given(capsys, tmp_path, models, body):
    """An entry without a path (or a file that is one entry's keys) holds for every model given
    on the command line: exactly at the limits passes, one over fails, and with no model given
    it is an error naming the file."""
    budget = write_budget(tmp_path, body)
    code, out, err = dscost(capsys, "check", str(models / "gate.yaml"), "--budget", str(budget), "-f", "json")
    assert (code, err) == (0, "") and [c["actual"] for c in json.loads(out)["models"][0]["checks"]] == [MACS * (2 if "flops" in body else 1), PARAMS]
    code, out, _ = dscost(capsys, "check", str(models / "*.yaml"), "--budget", str(budget), "-f", "json")
    assert code == 0 and [m["name"] for m in json.loads(out)["models"]] == ["gate", "small"]
    write_budget(tmp_path, body.replace(str(PARAMS), str(PARAMS - 1)))
    assert dscost(capsys, "check", str(models / "gate.yaml"), "--budget", str(budget))[0] == 1
    code, out, err = dscost(capsys, "check", "--budget", str(budget))
    assert (code, out) == (2, "") and err.startswith(f"dscost: error: {budget}: ") and "no path" in err and err.count("\n") == 1


@pytest.mark.parametrize("body, message", [
    ("max_macs: 600M\nmax_parms: 1M\n", "budget.yaml:2:1: max_parms: unknown key (not allowed here); did you mean 'max_params'"),
    ("budget:\n  - max_macs: 600M\n", "budget.yaml:1:1: budget: unknown key; did you mean 'budgets'?"),
    ("name: gate\n", "the entry sets no limit"),
    ("max_macs: 12Q\n", "budget.yaml:1:1: max_macs: unknown unit 'Q' in '12Q'"),
])  # fmt: skip
def test_a_one_entry_budget_file_names_its_bad_key(capsys, tmp_path, models, body, message):
    budget = write_budget(tmp_path, body)
    code, out, err = dscost(capsys, "check", str(models / "gate.yaml"), "--budget", str(budget))
    assert (code, out) == (2, "") and message in err and err.count("\n") == 1


# --------------------------------------------------------------------------
# JUnit XML and GitHub annotations


def test_junit_xml_parses_with_one_testcase_per_limit(capsys, tmp_path, models):
    budget = write_budget(
        tmp_path,
        f"budgets:\n  - path: models/gate.yaml\n    max_macs: {MACS - 1}\n    max_params: {PARAMS}\n  - path: models/small.yaml\n    max_macs: 1G\n",
    )
    code, out, _ = dscost(capsys, "check", "--budget", str(budget), "-f", "junit")
    assert code == 1
    root = ET.fromstring(out.encode())
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "1"
    suites = root.findall("testsuite")
    assert [s.get("name").split()[0] for s in suites] == ["gate", "small"]
    assert [(s.get("tests"), s.get("failures")) for s in suites] == [("2", "1"), ("1", "0")]
    cases = suites[0].findall("testcase")
    assert [c.get("name") for c in cases] == ["max_macs", "max_params"]
    failure = cases[0].find("failure")
    assert failure is not None and cases[1].find("failure") is None
    assert "exceeds max_macs" in failure.get("message")
    assert f"actual {MACS:,} > limit {MACS - 1:,}" in failure.text
    assert cases[0].get("file").endswith("gate.yaml")


def test_junit_all_pass(capsys, models):
    code, out, _ = dscost(capsys, "check", str(models / "gate.yaml"), "--max-macs", str(MACS), "-f", "junit")
    assert code == 0
    root = ET.fromstring(out.encode())
    assert root.get("failures") == "0" and root.find(".//failure") is None


def test_github_annotations_and_step_summary(capsys, tmp_path, models, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(tmp_path)
    write_budget(tmp_path, f"budgets:\n  - path: models/gate.yaml\n    max_macs: 20K\n    max_params: {PARAMS}\n    max_standard_conv_share: 50%\n")
    code, out, _ = dscost(capsys, "check", "--budget", "budget.yaml", "-f", "github")
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("::")]
    assert errors == [
        "::error file=models/gate.yaml,title=dscost check max_macs::gate: MACs 24.6K exceeds max_macs 20.0K by 4.58K (22.9%25 over)",
        "::error file=models/gate.yaml,title=dscost check max_standard_conv_share::"
        "gate: standard conv share 56.25%25 exceeds max_standard_conv_share 50.00%25 by 6.25 pp (12.5%25 over)",
    ]
    assert "2 of 3 limits exceeded" in out  # the plain report follows for the log
    text = summary.read_text()
    assert text.startswith("# earlier step\n")  # appended, not overwritten
    assert "## dscost check: limits from budget.yaml" in text
    assert "| MACs | 20.0K | 24.6K | -4.58K | -22.9% | ✗ |" in text
    assert "| params | 384 | 384 | +0 | +0.0% | ✓ |" in text


def test_github_passing_prints_no_error_and_writes_summary(capsys, tmp_path, models, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = dscost(capsys, "check", str(models / "gate.yaml"), "--max-macs", "1G", "-f", "github")
    assert code == 0 and "::error" not in out
    assert "✓ the limit holds" in summary.read_text()


def test_github_never_appends_its_summary_to_an_input_file(capsys, models, monkeypatch):
    """$GITHUB_STEP_SUMMARY naming the model checked (a CI variable gone wrong): the spec is left
    byte for byte, one line naming the variable, exit 2."""
    spec = models / "gate.yaml"
    before = spec.read_bytes()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(spec))
    code, _, err = dscost(capsys, "check", str(spec), "--max-macs", "1G", "-f", "github")
    assert code == 2 and spec.read_bytes() == before
    assert err.strip() == f"dscost: error: $GITHUB_STEP_SUMMARY {spec}: is one of the command's input files; it is left as it is"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_step_summary_that_cannot_be_written_is_named(capsys, models, monkeypatch):
    """A full disk under $GITHUB_STEP_SUMMARY: the error names the variable (it said only "cannot
    write the output": the buffered append failed again as the file closed)."""
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "/dev/full")
    code, _, err = dscost(capsys, "check", str(models / "gate.yaml"), "--max-macs", "1G", "-f", "github")
    assert code == 2 and err.strip() == "dscost: error: $GITHUB_STEP_SUMMARY /dev/full: cannot append to it (No space left on device)"


def test_github_without_step_summary_env(capsys, models, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    code, out, _ = dscost(capsys, "check", str(models / "gate.yaml"), "--max-macs", "1", "-f", "github")
    assert code == 1 and out.startswith("::error file=")


def test_schema_budget(capsys):
    code, out, _ = dscost(capsys, "schema", "budget")
    assert code == 0
    schema = json.loads(out)
    entry = schema["$defs"]["BudgetEntry"]
    for key in ("path", "max_macs", "max_params", "max_weight_bytes", "dtype", "max_layer_macs", "max_standard_conv_share", "max_remaining_savings"):
        assert key in entry["properties"]
    assert entry["additionalProperties"] is False and "required" not in entry  # (an entry without a path holds for the models given)
    one = schema["$defs"]["OneBudget"]  # (a file that is one entry's keys, beside convention)
    assert {"convention", "max_macs", "path"} <= set(one["properties"]) and {"$ref": "#/$defs/OneBudget"} in schema["anyOf"]


def test_example_budget_file_passes(capsys):
    example = Path(__file__).resolve().parent.parent / "examples" / "budget.yaml"
    if not example.exists():
        pytest.skip("examples/budget.yaml not written yet")
    code, out, err = dscost(capsys, "check", "--budget", str(example))
    assert (code, err) == (0, ""), out
    # mobilenet_v1 has its own params limit and the one of the entry for every bundled model: two rows told apart
    block = out[out.index("mobilenet_v1 (") : out.index("mobilenet_v1-0.75-192")]
    rows = [line.split("  ")[0] for line in block.splitlines() if line.startswith("params")]
    assert rows == ["params", "params (budgets[4]: ../models/*.yaml)"], rows


ROOT = Path(__file__).resolve().parent.parent


def test_ci_examples_parse_and_call_dscost():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"dscost-check", "dscost-check-models"}
    assert all(h["entry"] == "dscost check" and h["language"] == "python" for h in hooks)
    config = yaml.safe_load((ROOT / "examples" / "pre-commit-config.yaml").read_text())
    assert {h["id"] for r in config["repos"] for h in r["hooks"]} <= {h["id"] for h in hooks}
    workflow = (ROOT / "examples" / "github-workflow.yml").read_text()
    steps = yaml.safe_load(workflow)["jobs"]["dscost"]["steps"]
    # the workflow runs `dscost check` through the repository's action (tests/test_action.py runs both)
    assert any(s.get("uses", "").startswith("OWNER/dscost@") and s["with"] == {"budget": "examples/budget.yaml"} for s in steps)
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert any("cmd=(dscost check)" in s.get("run", "") for s in action["runs"]["steps"])
    gitlab = yaml.safe_load((ROOT / "examples" / "gitlab-ci.yml").read_text())
    assert gitlab["dscost-check"]["artifacts"]["reports"]["junit"] == "dscost-junit.xml"


def _readme_ci_blocks() -> list[list[tuple[str, list[str]]]]:
    """``console`` blocks of the README's "Use in CI" section as [(command, output lines)]."""
    readme = ROOT / "README.md"
    if not readme.exists() or "## Use in CI" not in readme.read_text():
        return []
    section = readme.read_text().split("## Use in CI", 1)[1].split("\n## ", 1)[0]
    blocks = []
    for chunk in section.split("```console\n")[1:]:
        body = chunk.split("```", 1)[0].splitlines()
        cmds: list[tuple[str, list[str]]] = []
        for line in body:
            if line.startswith("$ "):
                cmds.append((line[2:], []))
            elif cmds:
                cmds[-1][1].append(line)
        blocks.append(cmds)
    return blocks


def test_readme_ci_outputs_are_real(capsys, monkeypatch):
    """The outputs shown in the README's "Use in CI" section are what dscost prints today."""
    import shlex

    blocks = _readme_ci_blocks()
    if not blocks:
        pytest.skip("README.md has no 'Use in CI' section yet")
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    last = None
    for cmds in blocks:
        for cmd, expected in cmds:
            if cmd == "echo $?":
                assert last == int(expected[0]), cmd
                continue
            args = shlex.split(cmd)
            assert args[0] == "dscost"
            last, out, _ = dscost(capsys, *args[1:])
            got = out.rstrip("\n").splitlines()
            if "..." in expected:
                n = expected.index("...")
                assert got[:n] == expected[:n], cmd
            else:
                assert got == expected, cmd


def _uncounted_onnx(path: Path) -> None:
    """Conv 3->8 3x3 on 8x8 (13,824 MACs) followed by a Unique (data-dependent output), which dscost cannot count."""
    np = pytest.importorskip("numpy")
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.zeros((8, 3, 3, 3), dtype=np.float32), "W")
    k = numpy_helper.from_array(np.array([2], dtype=np.int64), "k")
    nodes = [
        helper.make_node("Conv", ["x", "W"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Unique", ["c"], ["v"], name="uniq"),
    ]
    graph = helper.make_graph(
        nodes, "unc", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])], [helper.make_tensor_value_info("v", TensorProto.FLOAT, None)], initializer=[w, k]
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def test_uncounted_ops_warn_and_strict_fails(capsys, tmp_path, monkeypatch):
    model = tmp_path / "unc.onnx"
    _uncounted_onnx(model)
    monkeypatch.chdir(tmp_path)
    code, out, _ = dscost(capsys, "check", "unc.onnx", "--max-macs", "13824", "-f", "json")
    doc = json.loads(out)
    assert code == 0 and doc["passed"] and doc["strict"] is False
    assert doc["models"][0]["uncounted"] == {"nodes": 1, "ops": ["Unique"]}
    code, out, _ = dscost(capsys, "check", "unc.onnx", "--max-macs", "13824")
    assert code == 0 and "warning: unc: 1 node could not be counted (Unique)" in out
    code, out, _ = dscost(capsys, "check", "unc.onnx", "--max-macs", "13824", "--strict")
    assert code == 1 and "--strict" in out
    code, out, _ = dscost(capsys, "check", "unc.onnx", "--max-macs", "13824", "-f", "github")
    assert code == 0 and out.startswith("::warning file=unc.onnx,title=dscost check uncounted ops::unc: 1 node could not be counted")
    code, out, _ = dscost(capsys, "check", "unc.onnx", "--max-macs", "13824", "-f", "junit", "--strict")
    root = ET.fromstring(out.encode())
    assert code == 1 and root.get("tests") == "2" and root.get("failures") == "1"
    assert root.find(".//testcase[@name='all_ops_counted']/failure") is not None
    code, out, _ = dscost(capsys, "check", "unc.onnx", "--max-macs", "13824", "-f", "junit")
    root = ET.fromstring(out.encode())
    assert code == 0 and root.get("failures") == "0" and "Unique" in root.find(".//system-out").text


def test_strict_failure_is_in_every_format(capsys, tmp_path, monkeypatch):
    """Under --strict, an uncounted op failed the run (exit 1) while the CSV said passed=true on
    every row, the model's JSON "passed": true and the table "ok" (red team 7): each now says it,
    as JUnit's testcase all_ops_counted does."""
    import csv
    import io

    _uncounted_onnx(tmp_path / "unc.onnx")
    monkeypatch.chdir(tmp_path)
    args = ("check", "unc.onnx", "--max-macs", "13824", "--strict")
    code, out, _ = dscost(capsys, *args, "-f", "csv")
    rows = [(r["limit"], r["actual"], r["passed"], r["detail"]) for r in csv.DictReader(io.StringIO(out))]
    assert code == 1 and rows == [("max_macs", "13824", "true", ""),
                                  ("all_ops_counted", "1", "false", "unc: 1 node could not be counted (Unique); its MACs and params are lower bounds")]  # fmt: skip
    code, out, _ = dscost(capsys, *args, "-f", "json")
    doc = json.loads(out)
    assert code == 1 and not doc["passed"] and not doc["models"][0]["passed"]
    assert doc["summary"] == {"models": 1, "limits": 2, "failed": 1, "models_failed": 1}  # (the check all_ops_counted is one of the limits)
    assert [(c["key"], c["limit"], c["actual"], c["passed"]) for c in doc["models"][0]["checks"]] == [("max_macs", 13824, 13824, True), ("all_ops_counted", 0, 1, False)]
    code, out, _ = dscost(capsys, *args)
    assert code == 1 and "unc (unc.onnx): FAILED (--strict: some ops could not be counted)" in out
    code, out, _ = dscost(capsys, *args[:-1], "-f", "csv")  # (without --strict: a warning, no row)
    assert code == 0 and [r["limit"] for r in csv.DictReader(io.StringIO(out))] == ["max_macs"]


# --------------------------------------------------------------------------
# --format csv: one row per model x limit


def test_csv_one_row_per_model_and_limit(capsys, models):
    import csv
    import io

    code, out, err = dscost(
        capsys,
        "check", str(models / "gate.yaml"), str(models / "small.yaml"), "--max-macs", "20K", "--max-params", "1K",
        "--max-standard-conv-share", "60%", "-f", "csv",
    )  # fmt: skip
    assert (code, err) == (1, "")  # gate's MACs exceed 20K
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["model", "path", "limit", "label", "kind", "limit_value", "actual", "headroom", "headroom_pct", "passed", "detail"]
    assert [(r["model"], r["limit"]) for r in rows] == [
        (m, k) for m in ("gate", "small") for k in ("max_macs", "max_params", "max_standard_conv_share")
    ]
    by = {(r["model"], r["limit"]): r for r in rows}
    macs = by["gate", "max_macs"]
    assert (int(macs["limit_value"]), int(macs["actual"]), int(macs["headroom"])) == (20_000, MACS, 20_000 - MACS)
    assert float(macs["headroom_pct"]) == pytest.approx((20_000 - MACS) / 20_000 * 100) and macs["passed"] == "false"
    assert macs["path"].endswith("gate.yaml") and macs["kind"] == "count" and macs["label"] == "MACs"
    params = by["gate", "max_params"]
    assert (int(params["actual"]), int(params["headroom"]), params["passed"]) == (PARAMS, 1000 - PARAMS, "true")
    share = by["gate", "max_standard_conv_share"]
    assert (float(share["limit_value"]), float(share["actual"]), share["kind"]) == (0.6, 0.5625, "share")
    small = by["small", "max_macs"]
    assert (int(small["actual"]), small["passed"]) == (6_912, "true")  # 3x3 3->4 on 8x8
    assert float(by["small", "max_standard_conv_share"]["actual"]) == 1.0


def test_csv_with_budget_file(capsys, tmp_path, models):
    import csv
    import io

    budget = write_budget(tmp_path, f"budgets:\n  - path: models/gate.yaml\n    max_macs: {MACS}\n")
    code, out, _ = dscost(capsys, "check", "--budget", str(budget), "-f", "csv")
    assert code == 0
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert (row["limit"], int(row["actual"]), int(row["headroom"]), row["passed"]) == ("max_macs", MACS, 0, "true")


def test_dtype_beside_a_budget_file_is_an_error(capsys, tmp_path, models):
    """A --dtype next to --budget had been read by no entry: an int8 entry's 5MB weight limit
    stayed int8 under --dtype fp32 and passed (each entry has its own dtype:)."""
    budget = write_budget(tmp_path, "budgets:\n  - path: models/gate.yaml\n    max_weight_bytes: 384\n    dtype: int8\n")
    assert dscost(capsys, "check", "--budget", str(budget))[0] == 0  # 384 params x 1 B
    code, out, err = dscost(capsys, "check", "--budget", str(budget), "--dtype", "fp32")
    assert code == 2 and out == ""
    assert err == "dscost: error: --budget: give either a budget file or --max-* limits, not both (put per-model options, dtype: too, in the budget file)\n"


@pytest.mark.parametrize("entry, where, message", [
    ("resolution: yes", "3:5", "resolution: Input should be a valid integer, got True, or Input should be a valid list"),
    ("resolution: [8, on]", "3:21", "resolution[1]: Input should be a valid integer, got True"),
    ("width: true", "3:5", "width: Input should be a valid number, got True"),
    ("input_shapes: [1, 3, yes, yes]", "3:26", "input_shapes[2]: Input should be a valid integer, got True"),
    ("dims: {batch: on}", "3:12", "dims: batch: Input should be a valid integer, got True"),
])  # fmt: skip
def test_a_yaml_boolean_is_no_size_in_a_budget(capsys, tmp_path, models, entry, where, message):
    """`resolution: yes` had counted the spec at 1x1 and passed its 500M limit (pydantic took True
    for 1); the spec's own sizes are strict, and so are a budget's now."""
    budget = write_budget(tmp_path, f"budgets:\n  - path: models/gate.yaml\n    {entry}\n    max_macs: 1M\n")
    code, out, err = dscost(capsys, "check", "--budget", str(budget))
    assert code == 2 and out == ""
    assert f"budget.yaml:{where}: budgets[0]: {message}" in err and err.count("\n") == 1


@pytest.mark.parametrize("kind", ["missing folder", "directory", "fifo"])
def test_an_unusable_step_summary_is_one_error_line(capsys, tmp_path, models, monkeypatch, kind):
    """$GITHUB_STEP_SUMMARY in a folder that does not exist or naming a directory had ended in
    a traceback with exit 1 (the code of an exceeded limit, on a passing check), and a FIFO had
    blocked the run forever; each is one line, exit 2."""
    import os

    where = {"missing folder": tmp_path / "no" / "summary.md", "directory": tmp_path, "fifo": tmp_path / "summary.fifo"}[kind]
    if kind == "fifo":
        os.mkfifo(where)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(where))
    code, _, err = dscost(capsys, "check", str(models / "gate.yaml"), "--max-macs", "1M", "-f", "github")
    why = {"missing folder": "No such file or directory", "directory": "Is a directory", "fifo": "No such device or address"}[kind]
    assert code == 2 and err == f"dscost: error: $GITHUB_STEP_SUMMARY {where}: cannot append to it ({why})\n"


def test_a_step_summary_of_dev_null_is_switched_off(capsys, models, monkeypatch):
    """$GITHUB_STEP_SUMMARY=/dev/null (the summary switched off, as in a local run) is appended to
    as before; only FIFOs, folders and missing folders are errors (red team 9)."""
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "/dev/null")
    code, out, err = dscost(capsys, "check", str(models / "gate.yaml"), "--max-macs", "1M", "-f", "github")
    assert code == 0 and err == ""
