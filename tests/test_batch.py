"""Many models in one run: analyze and check take several files and globs, --jobs spreads them
over processes, output stays in input order (JSON Lines, one CSV, documents one after another)."""

from __future__ import annotations

import csv
import io
import os
import json
import subprocess
import sys

import pytest

from dscost.cli import run
from conftest import ROOT

SPECS = ["models/conv_mobilenet_v1.yaml", "models/mobilenet_v1.yaml", "models/mobilenet_v2.yaml", "models/resnet18.yaml", "models/vgg16.yaml"]
MACS = {"conv_mobilenet_v1": 4_867_293_184, "mobilenet_v1": 568_740_352, "mobilenet_v2": 300_774_272, "resnet18": 1_814_073_344, "vgg16": 15_470_264_320}


def cli(capsys, *args):
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines_in_input_order(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = cli(capsys, "analyze", "models/resnet18.yaml", "models/mobilenet_v1.yaml", "-f", "json")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert [(d["model"], d["totals"]["macs"]) for d in map(json.loads, lines)] == [("resnet18", MACS["resnet18"]), ("mobilenet_v1", MACS["mobilenet_v1"])]


def test_glob_and_jobs_give_the_same_output(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code1, one, _ = cli(capsys, "analyze", "models/*.yaml", "-f", "json")
    code2, two, _ = cli(capsys, "analyze", "models/*.yaml", "-f", "json", "--jobs", "2")
    assert code1 == code2 == 0 and one == two
    docs = [json.loads(line) for line in one.splitlines()]
    assert [d["source"] for d in docs] == SPECS  # sorted glob matches
    assert {d["model"]: d["totals"]["macs"] for d in docs} == MACS


def test_csv_has_one_header_and_a_model_column(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = cli(capsys, "analyze", "models/mobilenet_v1.yaml", "models/resnet18.yaml", "-f", "csv", "-j", "2")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and list(rows[0])[:3] == ["model", "name", "type"]
    assert {r["model"] for r in rows} == {"models/mobilenet_v1.yaml", "models/resnet18.yaml"}
    assert sum(int(r["macs"]) for r in rows if r["model"] == "models/resnet18.yaml") == MACS["resnet18"]


def test_tables_one_after_another(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = cli(capsys, "analyze", "models/mobilenet_v1.yaml", "models/mobilenet_v2.yaml")
    assert code == 0 and out.count("\nTotals\n") == 2
    assert out.index("mobilenet_v1  (models/mobilenet_v1.yaml)") < out.index("mobilenet_v2  (models/mobilenet_v2.yaml)")


def test_a_glob_that_matches_one_file_is_still_several_models(capsys, monkeypatch):
    """A script reading `analyze 'exports/*.onnx' -f json` line by line gets JSON Lines (and -f csv the
    model column) when the glob matches one file too; the file named as itself gets one document."""
    monkeypatch.chdir(ROOT)
    code, out, _ = cli(capsys, "analyze", "models/res*.yaml", "-f", "json")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 1 and json.loads(lines[0])["totals"]["macs"] == MACS["resnet18"]
    code, out, _ = cli(capsys, "analyze", "models/res*.yaml", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and list(rows[0])[:2] == ["model", "name"] and {r["model"] for r in rows} == {"models/resnet18.yaml"}
    code, out, _ = cli(capsys, "analyze", "models/resnet18.yaml", "-f", "json")
    assert code == 0 and len(out.splitlines()) > 1 and json.loads(out)["totals"]["macs"] == MACS["resnet18"]  # (one model: a pretty document)


def test_a_glob_that_matches_nothing_is_an_error(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = cli(capsys, "analyze", "models/*.nope")
    assert code == 2 and out == "" and "matches no file" in err


def test_check_many_models_with_jobs(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    args = ["check", "models/*.yaml", "--max-macs", "2G", "-f", "json"]
    code1, one, _ = cli(capsys, *args)
    code2, two, _ = cli(capsys, *args, "--jobs", "2")
    assert code1 == code2 == 1 and one == two
    d = json.loads(one)
    assert [(m["name"], m["passed"]) for m in d["models"]] == [
        ("conv_mobilenet_v1", False), ("mobilenet_v1", True), ("mobilenet_v2", True), ("resnet18", True), ("vgg16", False)]  # fmt: skip


def test_budget_with_jobs_keeps_the_file_order(capsys, tmp_path):
    budget = tmp_path / "b.yaml"
    budget.write_text(
        f"budgets:\n  - path: {ROOT}/models/*.yaml\n    max_macs: 2G\n  - path: {ROOT}/models/mobilenet_v1.yaml\n    name: small\n    width: 0.5\n    max_macs: 200M\n"
    )
    code1, one, _ = cli(capsys, "check", "--budget", str(budget), "-f", "json")
    code2, two, _ = cli(capsys, "check", "--budget", str(budget), "-f", "json", "-j", "2")
    assert code1 == code2 == 1 and one == two
    names = [m["name"] for m in json.loads(one)["models"]]
    assert names == ["conv_mobilenet_v1", "mobilenet_v1", "mobilenet_v2", "resnet18", "vgg16", "small"]


def test_workers_preload_the_readers_of_every_kind_they_read():
    """Before the workers fork, the readers of the inputs' kinds are imported; the PyTorch kinds
    (targets, .pt2 programs, TorchScript archives, Hugging Face configs) import torch in the workers
    that read them.  A .pt2 file or a config.json beside a spec under --jobs was an internal error
    (KeyError: 'pt2', 'hf') until 2026-12-07."""
    import sys

    from dscost import batch

    batch.preload(["m.yaml", "m.onnx", "m.tflite", "m.pt2", "m.pt", "llama/config.json", "pkg.module:factory"])
    assert {"dscost.readers.spec_reader", "dscost.readers.onnx_reader", "dscost.readers.tflite_reader"} <= set(sys.modules)


def test_jobs_below_one_is_a_usage_error(capsys):
    """Found by the third red team: -j -3 and -j 0 were taken without a word."""
    for jobs in ("0", "-3"):
        code = run(["analyze", str(ROOT / "models" / "mobilenet_v1.yaml"), "-j", jobs])
        assert code == 2 and f"{jobs} is not in the range x>=1" in capsys.readouterr().err


def test_a_glob_names_every_file_it_matches_and_no_hidden_one(capsys, tmp_path, monkeypatch):
    """A broken symbolic link a glob matches (an export that did not happen) had been skipped
    without a word, and the check passed on the other models: it stops the command by name.  As
    in a shell, a wildcard does not match a leading dot (``dot/.hidden.yaml``), ``.*`` does."""
    monkeypatch.chdir(tmp_path)
    spec = (ROOT / "models" / "mobilenet_v1.yaml").read_text()
    for name in ("exports/small.yaml", "dot/v.yaml", "dot/.hidden.yaml", "dot/.cache/w.yaml", "deep/a/b.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(spec)
    (tmp_path / "exports" / "big.yaml").symlink_to("../build/big.yaml")
    for args in (["check", "exports/*.yaml", "--max-macs", "1G"], ["analyze", "exports/*.yaml"]):
        code, out, err = cli(capsys, *args)
        assert (code, out, err) == (2, "", "dscost: error: exports/big.yaml: no such file (a symbolic link to ../build/big.yaml, which does not exist)\n")
    (tmp_path / "b.yaml").write_text("budgets:\n  - path: exports/*.yaml\n    max_macs: 1G\n")
    code, out, err = cli(capsys, "check", "--budget", "b.yaml")
    assert code == 2 and err.startswith("dscost: error: b.yaml: budgets[0]: exports/big.yaml: no such file (a symbolic link")

    def sources(pattern):
        code, out, _ = cli(capsys, "analyze", pattern, "-f", "json", "-q")
        assert code == 0, pattern
        lines = out.splitlines()
        return [d["source"] for d in (map(json.loads, lines) if lines[0].endswith("}") else [json.loads(out)])]  # (one model: one document)

    assert sources("dot/*.yaml") == ["dot/v.yaml"]
    assert sources("dot/.*.yaml") == ["dot/.hidden.yaml"]
    assert sources("d*/**/*.yaml") == ["deep/a/b.yaml", "dot/v.yaml"]


# (a script of its own: a spawned worker imports its __main__ again, which must not run it)
WORKERS = """
import sys
from dscost import batch
from dscost.cli import run
batch.start_method = lambda: sys.argv[1]
if __name__ == "__main__":
    sys.exit(run(sys.argv[2:]))
"""


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_workers_started_as_on_windows_and_macos_give_the_same_output(tmp_path, method):
    """--jobs forks its workers on Linux; Windows spawns them and macOS starts them from a fork
    server: each then imports dscost afresh and gets its job pickled, and must print what one
    process prints (an ONNX file, a spec, a check)."""
    script = tmp_path / "workers.py"
    script.write_text(WORKERS)
    onnx_file = tmp_path / "resnet18.onnx"
    assert run(["export", str(ROOT / "models" / "resnet18.yaml"), "-o", str(onnx_file)]) == 0
    outputs = {}
    for args in (["analyze", str(onnx_file), str(ROOT / "models" / "mobilenet_v1.yaml"), "-f", "json", "-q"],
                 ["check", str(onnx_file), str(ROOT / "models" / "mobilenet_v1.yaml"), "--max-macs", "1G", "-f", "json"]):  # fmt: skip
        one = subprocess.run([sys.executable, str(script), "fork", *args, "-j", "1"], capture_output=True, text=True, timeout=300)
        many = subprocess.run([sys.executable, str(script), method, *args, "-j", "2"], capture_output=True, text=True, timeout=300)
        assert (one.returncode, many.returncode) == ((0, 0) if args[0] == "analyze" else (1, 1)), many.stderr[-2000:]
        assert many.stdout == one.stdout
        outputs[args[0]] = many.stdout
    assert [json.loads(line)["totals"]["macs"] for line in outputs["analyze"].splitlines()] == [MACS["resnet18"], MACS["mobilenet_v1"]]
    assert [(m["name"], m["passed"]) for m in json.loads(outputs["check"])["models"]] == [("resnet18", False), ("mobilenet_v1", True)]


def _exits_on_v2(item):
    if item.endswith("v2.yaml"):
        os._exit(0)  # (a model's code ending the worker, or the kernel killing it for its memory)
    return item


def test_a_worker_that_dies_is_one_line_naming_the_first_result_lost():
    """--jobs: a worker process killed or exited (os._exit in a PyTorch target's code) broke the pool:
    "internal error: BrokenProcessPool" before; one input error now, naming a model."""
    from dscost import batch
    from dscost.errors import InputError

    specs = [str(ROOT / s) for s in SPECS[:3]]  # (conv_mobilenet_v1, mobilenet_v1, mobilenet_v2)
    with pytest.raises(InputError, match=r"^a worker process of --jobs 2 ended abruptly \(the first result lost: .*mobilenet_v[12].yaml\): killed \(out of memory\?\) or exited"):
        list(batch.run_ordered(_exits_on_v2, specs, 2, specs))
