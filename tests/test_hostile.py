"""Hostile and careless input through the real entry point (`python -m dscost` in a child
process with a memory limit and a timeout): each case exits 2 with one line on stderr naming
the file or option, no traceback, the inputs byte-identical and no temp file left behind --
or, where the input is valid, gives the right answer without hanging or being fooled."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import ROOT

LIMITED = r"""
import resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
sys.argv = ["dscost", *sys.argv[1:]]
runpy.run_module("dscost", run_name="__main__")
"""


def snapshot(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_symlink() or not p.exists():
            out[str(p)] = "link"
        elif p.is_file() and p.stat().st_size > 64 << 20:  # a sparse multi-GB file: size and time, not its holes
            out[str(p)] = f"{p.stat().st_size} {p.stat().st_mtime_ns}"
        elif p.is_file():
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif p.is_dir():
            out[str(p)] = "dir"
        else:
            out[str(p)] = "special"
    return out


def dscost(folder: Path, *args: str, env: dict | None = None, timeout: float = 60, stdin=None) -> subprocess.CompletedProcess:
    """Run dscost in ``folder`` (bounded: 3 GiB address space, ``timeout`` s); the folder must be unchanged after."""
    before = snapshot(folder)
    full_env = {k: v for k, v in os.environ.items() if k != "DSCOST_DEBUG"}
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.update(env or {})
    r = subprocess.run([sys.executable, "-c", LIMITED, *args], capture_output=True, text=True, cwd=folder, env=full_env, timeout=timeout, stdin=stdin)
    assert "Traceback" not in r.stderr, r.stderr
    after = snapshot(folder)
    assert after == before, f"files changed: {set(after.items()) ^ set(before.items())}"
    return r


def one_error(r: subprocess.CompletedProcess, *needles: str) -> str:
    assert r.returncode == 2, (r.returncode, r.stdout[-500:], r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dscost: error: "), r.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def save(folder: Path, mp: onnx.ModelProto, name: str = "m.onnx") -> Path:
    p = folder / name
    p.write_bytes(mp.SerializeToString())
    return p


def conv_model(w: onnx.TensorProto, nodes=None, extra=()) -> onnx.ModelProto:
    nodes = nodes or [helper.make_node("Conv", ["x", w.name], ["y"], name="c")]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w, *extra])  # fmt: skip
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


SPEC = "input: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 8, kernel: 3}\n"


# --------------------------------------------------------------------------
# 1. Impossible tensors never pass a gate


def test_negative_dims_cannot_pass_the_gate(tmp_path):
    w = onnx.TensorProto(name="W", data_type=TensorProto.FLOAT, dims=[-8, 3, 3, 3])
    save(tmp_path, conv_model(w), "neg.onnx")
    one_error(dscost(tmp_path, "check", "neg.onnx", "--max-params", "0", "--max-macs", "0"), "neg.onnx", "'W'", "negative dimension")
    one_error(dscost(tmp_path, "analyze", "neg.onnx"), "negative dimension")


def test_dims_that_disagree_with_the_data(tmp_path):
    w = numpy_helper.from_array(np.ones((4, 3, 3, 3), np.float32), "W")
    del w.dims[:]
    w.dims.extend([8, 3, 3, 3])  # 216 elements declared, 108 stored
    save(tmp_path, conv_model(w), "short.onnx")
    one_error(dscost(tmp_path, "analyze", "short.onnx"), "'W'", "216 elements", "432 bytes", "864 expected")


def test_4bit_dims_beyond_a_float_are_one_short_error(tmp_path):
    # dims multiplying to ~10^317 elements of a 4-bit type (two per byte) once overflowed the
    # float byte count: an internal error; now integer arithmetic, and a line that stays short
    w = onnx.TensorProto(name="W", data_type=TensorProto.UINT4, dims=[1 << 62] * 17, raw_data=b"\0\0")
    save(tmp_path, conv_model(w), "huge4.onnx")
    line = one_error(dscost(tmp_path, "analyze", "huge4.onnx"), "'W'", "... (17 dims)", "about 10^317 elements", "holds 2 bytes", "about 10^316 expected")
    assert len(line) < 300, line


def test_negative_declared_input_dim(tmp_path):
    w = numpy_helper.from_array(np.ones((4, 3, 3, 3), np.float32), "W")
    mp = conv_model(w)
    mp.graph.input[0].type.tensor_type.shape.dim[2].dim_value = -8
    save(tmp_path, mp, "negin.onnx")
    one_error(dscost(tmp_path, "analyze", "negin.onnx"), "'x'", "negative dimension")


@pytest.mark.parametrize("loop", [1, 2])
def test_cyclic_graph(tmp_path, loop):
    w = numpy_helper.from_array(np.ones((3, 3, 3, 3), np.float32), "W")
    if loop == 1:  # a node consuming its own output
        nodes = [helper.make_node("Add", ["x", "y"], ["y"], name="self_add")]
    else:
        nodes = [helper.make_node("Add", ["x", "b"], ["a"], name="n1"), helper.make_node("Relu", ["a"], ["b"], name="n2"),
                 helper.make_node("Conv", ["a", "W"], ["y"], name="c")]  # fmt: skip
    save(tmp_path, conv_model(w, nodes), "cycle.onnx")
    one_error(dscost(tmp_path, "analyze", "cycle.onnx"), "cycle.onnx", "has a cycle")


# --------------------------------------------------------------------------
# 2. Special files: no hang, no memory blow-up, on every command's every file argument


def fifo(folder: Path, name: str) -> Path:
    p = folder / name
    os.mkfifo(p)
    return p


@pytest.mark.parametrize(
    "name, args",
    [
        ("s.yaml", ["analyze", "s.yaml"]),
        ("b.yaml", ["check", "--budget", "b.yaml"]),
        ("s.yaml", ["diff", "s.yaml", "ok.yaml"]),
        ("s.yaml", ["bench", "s.yaml"]),
        ("s.yaml", ["export", "s.yaml", "-o", "out.onnx"]),
        ("m.onnx", ["analyze", "m.onnx"]),
        ("m.onnx", ["bench", "m.onnx"]),
        ("m.onnx", ["convert", "m.onnx", "-o", "out.onnx"]),
        ("m.tflite", ["analyze", "m.tflite"]),
    ],
)
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_special_files_are_refused(tmp_path, name, args, kind):
    (tmp_path / "ok.yaml").write_text(SPEC)
    if kind == "fifo":
        fifo(tmp_path, name)
        needle = "FIFO"
    else:
        os.symlink("/dev/zero", tmp_path / name)
        needle = "character device"
    one_error(dscost(tmp_path, *args, timeout=30), name, needle, "not a regular file")


def test_budget_naming_a_fifo_model(tmp_path):
    fifo(tmp_path, "m.yaml")
    (tmp_path / "b.yaml").write_text("budgets:\n  - path: m.yaml\n    max_macs: 1M\n")
    one_error(dscost(tmp_path, "check", "--budget", "b.yaml", timeout=30), "b.yaml", "m.yaml", "FIFO")


def test_calibration_profile_that_is_a_fifo(tmp_path):
    (tmp_path / "ok.yaml").write_text(SPEC)
    (tmp_path / "cfg").mkdir()
    fifo(tmp_path / "cfg", "hardware-local.json")
    r = dscost(tmp_path, "analyze", "ok.yaml", "--hardware", "local", env={"DSCOST_CONFIG_DIR": str(tmp_path / "cfg")}, timeout=30)
    one_error(r, "hardware-local.json", "FIFO")


# --------------------------------------------------------------------------
# 3. bench is bounded


def test_bench_refuses_a_run_too_big_for_memory(tmp_path):
    line = one_error(dscost(tmp_path, "bench", "--df", "20000", "--m", "32"), "bench", "of tensors", "--max-memory")
    assert "768.0GB" in line  # 4 B x (32x20000^2 in + 64x20000^2 out + 288x20000^2 im2col + 32x... + 64x...)


@pytest.mark.parametrize("flag, value, message", [("--timeout", "inf", "--timeout inf: must be a positive number of seconds, at most 1e+06"),
                                                   ("--max-memory", "1e30", "--max-memory 1e30: must be positive, at most 1EiB"),
                                                   ("--budget", "inf", "--budget inf: must be a positive, finite number of seconds")])  # fmt: skip
def test_bench_limits_past_what_the_os_takes_are_one_error(tmp_path, flag, value, message):
    """Found by the third red team: an infinite --timeout or a --max-memory past what RLIMIT_AS
    holds was an internal OverflowError."""
    one_error(dscost(tmp_path, "bench", "--df", "8", "--m", "4", flag, value), message)


def test_bench_stops_a_run_that_never_ends(tmp_path):
    body = helper.make_graph(
        [helper.make_node("Add", ["v", "one"], ["v2"]), helper.make_node("Identity", ["cond"], ["cond2"])], "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []), helper.make_tensor_value_info("cond", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("cond2", TensorProto.BOOL, []), helper.make_tensor_value_info("v2", TensorProto.FLOAT, [1])],
        [numpy_helper.from_array(np.ones(1, np.float32), "one")],
    )  # fmt: skip
    g = helper.make_graph([helper.make_node("Loop", ["n", "c", "x"], ["y"], name="loop", body=body)], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
                          [numpy_helper.from_array(np.array(2**62, np.int64), "n"), numpy_helper.from_array(np.array(True), "c")])  # fmt: skip
    save(tmp_path, helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), "loop.onnx")
    one_error(dscost(tmp_path, "bench", "loop.onnx", "--timeout", "3", timeout=60), "loop.onnx", "did not finish within 3 s", "--timeout")


# --------------------------------------------------------------------------
# 4. Names from files cannot inject into any output format


INJECT = 'name: "x\\n::warning file=x::injected\\n\\u001b[31mred"\n' + SPEC


@pytest.mark.parametrize("fmt", ["table", "markdown", "junit", "github", "csv", "json"])
def test_names_cannot_inject(tmp_path, fmt):
    (tmp_path / "evil.yaml").write_text(INJECT)
    r = dscost(tmp_path, "check", "evil.yaml", "--max-macs", "1K", "--format", fmt, env={"GITHUB_STEP_SUMMARY": ""})
    assert r.returncode == 1
    assert not any(line.startswith("::warning") for line in r.stdout.splitlines())
    assert "\x1b" not in r.stdout
    if fmt == "junit":
        suites = ET.fromstring(r.stdout)
        assert suites.find("testsuite").get("name").startswith("x\\n::warning")
    if fmt == "json":
        assert json.loads(r.stdout)["models"][0]["name"] == "x\n::warning file=x::injected\n\x1b[31mred"  # exact in JSON
    if fmt == "github":
        assert r.stdout.splitlines()[0].startswith("::error file=evil.yaml,title=dscost check max_macs::x\\n::warning")


LEADING = ["::error file=README.md,title=x::fake", "  ::stop-commands::deadbeef"]


@pytest.mark.parametrize("command", [["analyze", "lead.onnx"], ["analyze", "lead.onnx", "-f", "markdown"], ["analyze", "lead.onnx", "-f", "csv"],
                                     ["check", "lead.yaml", "--max-macs", "1"], ["check", "lead.yaml", "--max-macs", "1", "-f", "csv"],
                                     ["analyze", "lead.yaml"], ["diff", "lead.onnx", "lead.yaml", "--all"]])  # fmt: skip
def test_a_name_cannot_start_a_line_with_a_workflow_command(tmp_path, command):
    """A layer (or model) named ``::error ...`` started a table row, and GitHub Actions runs a line
    that starts with ``::`` (blanks trimmed) as a workflow command: a fake annotation, or
    ``::stop-commands::`` silencing a later ``check -f github`` (red team 7).  Such a text gets a
    first colon written ``\\x3a`` in tables (as a control character is escaped) and a quote mark
    before it in CSV."""
    nodes = [helper.make_node("Relu", ["x"], ["a"], name=LEADING[0]), helper.make_node("Relu", ["a"], ["y"], name=LEADING[1])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), str(tmp_path / "lead.onnx"))
    (tmp_path / "lead.yaml").write_text('name: "::warning::spec"\ninput: [4]\nlayers:\n  - {type: relu, name: "::error::relu"}\n')
    r = dscost(tmp_path, *command, env={"NO_COLOR": "1"})
    assert r.returncode in (0, 1) and r.stdout, r.stderr
    assert not [line for line in r.stdout.splitlines() if line.lstrip().startswith("::")]
    assert any(f"{mark}{kind}" in r.stdout for mark in ("\\x3a:", "'::") for kind in ("error", "warning"))  # (the name is there, as near as can be)


def test_a_name_xml_refuses_keeps_the_junit_report_well_formed(tmp_path):
    """U+FFFE is no character of XML 1.0: in a name it is written as an escape, so GitLab and
    Jenkins can still read the report."""
    (tmp_path / "s.yaml").write_text('name: "a\\uFFFEb"\n' + SPEC)
    r = dscost(tmp_path, "check", "s.yaml", "--max-macs", "1K", "--format", "junit")
    assert r.returncode == 1 and ET.fromstring(r.stdout).find("testsuite").get("name").startswith("a\\ufffeb")


def test_names_cannot_run_as_formulas_or_reorder_text(tmp_path):
    """A layer named =HYPERLINK(...) is a text cell in CSV (a quote mark first: a spreadsheet would
    run it), and a right-to-left override or a zero-width space in a name is written as an escape
    in every text format (it would reorder or hide what a row says); JSON keeps the name exact."""
    (tmp_path / "s.yaml").write_text(SPEC.replace("layers:\n", 'layers:\n  - {type: conv, name: "=HYPERLINK(1)", channels: 4, kernel: 1}\n'
                                                  '  - {type: conv, name: "a\\u202eb\\u200bc", channels: 4, kernel: 1}\n', 1))
    r = dscost(tmp_path, "analyze", "s.yaml", "-f", "csv")
    names = [row.split(",")[0] for row in r.stdout.splitlines()[1:3]]
    assert r.returncode == 0 and names == ["'=HYPERLINK(1)", "a\\u202eb\\u200bc"]
    for fmt in ("table", "markdown"):
        out = dscost(tmp_path, "analyze", "s.yaml", "-f", fmt).stdout
        assert ("a\\u202eb\\u200bc" if fmt == "table" else "a\\\\u202eb\\\\u200bc") in out and "\u202e" not in out and "\u200b" not in out
    assert [x["name"] for x in json.loads(dscost(tmp_path, "analyze", "s.yaml", "-f", "json").stdout)["layers"][:2]] == ["=HYPERLINK(1)", "a\u202eb\u200bc"]


@pytest.mark.parametrize("field, where", [(b"nZZ", "node 0 (Relu): its name"), (b"rZZ", "node 'n': its output name"),
                                          (b"xZZ", "a graph input: its name"), (b"bZZ", "input 'x', dimension 0: its symbolic name")])  # fmt: skip
def test_names_that_are_not_utf8_are_one_error(tmp_path, field, where):
    """Found by fuzzing: protobuf hands a string field that is not valid UTF-8 over as bytes,
    which broke the JSON writer; every name dscost reports is checked where it is read."""
    x, r = ("xZZ" if field == b"xZZ" else "x"), ("rZZ" if field == b"rZZ" else "r")
    nodes = [helper.make_node("Relu", [x], [r], name="nZZ" if field == b"nZZ" else "n"), helper.make_node("Relu", [r], ["y"], name="m")]
    batch = "bZZ" if field == b"bZZ" else 1  # (a symbolic dimension's name: read to tell a batch from a length)
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(x, TensorProto.FLOAT, [batch, 4])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    data = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()
    (tmp_path / "m.onnx").write_bytes(data.replace(field, field[:1] + b"\xf1\xf1"))
    for fmt in ("json", "table"):
        one_error(dscost(tmp_path, "analyze", "m.onnx", "-f", fmt), "m.onnx: ", where, "is not valid UTF-8 (b'")


def test_a_domain_that_is_not_utf8_is_one_error(tmp_path):
    """Found by fuzzing (seed 1442): a node's domain that is not UTF-8, and so not imported, sent
    dscost to import it as onnxruntime does; protobuf hands it over as bytes, and sorting it with
    the text domains was an internal error.  Nothing can import such a domain: onnx's own words
    (onnx 1.23's binding drops a message it cannot decode: an empty InferenceError)."""
    nodes = [helper.make_node("Binarizer", ["x"], ["r"], name="n", domain="ai.onnx.ml"), helper.make_node("Relu", ["r"], ["y"], name="m", domain="dZZ")]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    data = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()
    (tmp_path / "m.onnx").write_bytes(data.replace(b"dZZ", b"d\xf1\xf1"))
    for fmt in ("json", "table"):
        one_error(dscost(tmp_path, "analyze", "m.onnx", "-f", fmt), "m.onnx: shape inference failed: ")


def test_error_messages_stay_one_line(tmp_path):
    (tmp_path / "bad.yaml").write_text('name: "a\\nb"\ninput: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 8, kernel: 99, padding: valid}\n')
    one_error(dscost(tmp_path, "analyze", "bad.yaml"), "bad.yaml")


# --------------------------------------------------------------------------
# 5-7. Files the user gave are never overwritten or lost; temp files never left


def test_export_does_not_overwrite_external_data(tmp_path):
    (tmp_path / "s.yaml").write_text(SPEC)
    (tmp_path / "out.onnx.data").write_bytes(b"keep me")
    one_error(dscost(tmp_path, "export", "s.yaml", "-o", "out.onnx", "--external-data"), "out.onnx.data exists", "--force")


def test_a_report_never_replaces_an_input(tmp_path):
    (tmp_path / "s.yaml").write_text(SPEC)
    (tmp_path / "b.yaml").write_text("budgets:\n  - path: s.yaml\n    max_macs: 1G\n")
    os.symlink("s.yaml", tmp_path / "alias.yaml")
    for args in (["analyze", "s.yaml", "-f", "json", "-o", "./s.yaml"],  # the same file under another name
                 ["analyze", "alias.yaml", "-o", "s.yaml"],  # through a symlink
                 ["analyze", "s.yaml", "alias.yaml", "-f", "csv", "-o", "s.yaml"],
                 ["check", "--budget", "b.yaml", "-f", "json", "-o", "b.yaml"],
                 ["diff", "s.yaml", "s.yaml", "-o", "s.yaml"]):
        one_error(dscost(tmp_path, *args), "s.yaml" if "check" not in args else "b.yaml", "is one of the command's input files")


def test_a_report_never_replaces_a_models_external_data_or_code(tmp_path):
    """The external data file an ONNX model names is an input too: -o onto it is refused."""
    w = numpy_helper.from_array(np.random.default_rng(0).standard_normal((4, 3, 3, 3)).astype(np.float32), "W")
    onnx.save(conv_model(w), str(tmp_path / "m.onnx"), save_as_external_data=True, location="weights.bin", size_threshold=0)
    for args in (["analyze", "m.onnx", "-o", "weights.bin"], ["check", "m.onnx", "--max-macs", "1G", "-o", "weights.bin"],
                 ["diff", "m.onnx", "m.onnx", "-o", "./weights.bin"]):  # fmt: skip
        one_error(dscost(tmp_path, *args), "--output", "weights.bin: is one of the command's input files")


def test_a_report_never_replaces_the_code_of_a_pytorch_target(tmp_path):
    """The code a target runs is one of the command's inputs, and --output naming it is refused
    before the target is imported (its import would leave a mark here; it used to import torch
    first: 3 s for the error).  A package's module is found without running the package's code."""
    marker = "import pathlib\npathlib.Path(__file__).with_name('imported').write_text('x')\n"
    (tmp_path / "net.py").write_text(marker + "def build():\n    return None\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text(marker)
    (tmp_path / "pkg" / "mod.py").write_text(marker + "def build():\n    return None\n")
    runs = ((["analyze", "net.py:build", "-o", "net.py"], "net.py"), (["analyze", "pkg.mod:build", "-o", "pkg/mod.py"], "pkg/mod.py"),
            (["diff", "net.py:build", "pkg.mod:build", "-o", "pkg/mod.py"], "pkg/mod.py"),
            (["check", "pkg.mod:build", "--max-macs", "1G", "-o", "pkg/mod.py"], "pkg/mod.py"))  # fmt: skip
    for args, out in runs:
        one_error(dscost(tmp_path, *args), f"--output {out}: is one of the command's input files")
    assert not (tmp_path / "imported").exists()


def test_the_code_file_of_a_target_is_found_without_importing(tmp_path, monkeypatch):
    from dscost.readers import code_file

    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    for f in ("pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/leaf.py", "top.py"):
        (tmp_path / f).write_text("raise SystemExit('imported')\n")
    monkeypatch.chdir(tmp_path)
    assert code_file("pkg.sub.leaf:build") == str(tmp_path / "pkg" / "sub" / "leaf.py")
    assert code_file("pkg.sub:Net.make") == str(tmp_path / "pkg" / "sub" / "__init__.py")
    assert code_file("top:build") == str(tmp_path / "top.py")
    assert code_file("some/where/file.py:build") == "some/where/file.py"
    assert code_file("pkg.missing:build") is None and code_file("top.leaf:build") is None  # (a module is no package)
    assert code_file("model.onnx") is None and code_file("spec.yaml") is None
    assert not {"pkg", "pkg.sub", "pkg.sub.leaf", "top"} & set(sys.modules)


def test_ascii_stdout_keeps_the_verdict(tmp_path):
    (tmp_path / "s.yaml").write_text(SPEC)
    r = dscost(tmp_path, "check", "s.yaml", "--max-macs", "1K", env={"PYTHONIOENCODING": "ascii"})
    assert r.returncode == 1 and r.stdout.splitlines()[-1] == "FAIL 1 of 1 limit exceeded (1 of 1 model over budget)"
    r = dscost(tmp_path, "check", "s.yaml", "--max-macs", "1G", env={"PYTHONIOENCODING": "ascii"})
    assert r.returncode == 0 and r.stdout.splitlines()[-1] == "ok the limit holds (1 model)"


def test_convert_uses_unique_temp_files(tmp_path):
    w = numpy_helper.from_array(np.random.default_rng(0).standard_normal((4, 3, 3, 3)).astype(np.float32), "W")
    save(tmp_path, conv_model(w), ".v.dscost-tmp.onnx")  # a user's file with the old fixed temp name
    r = subprocess.run([sys.executable, "-m", "dscost", "convert", ".v.dscost-tmp.onnx", "-o", "v.onnx", "--no-verify"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".v.dscost-tmp.onnx", "v.onnx"]


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_written_files_get_the_mode_the_user_expects(tmp_path, umask, monkeypatch):
    """A report, an export and a converted model are written to a temp file and renamed: they get
    0o666 minus the umask when new (not mkstemp's 0o600) and keep an existing file's mode.
    (In this process, under the umask: a pytest worker is a process of its own.)"""
    from dscost.cli import run as cli

    (tmp_path / "s.yaml").write_text(SPEC)
    w = numpy_helper.from_array(np.random.default_rng(0).standard_normal((4, 3, 3, 3)).astype(np.float32), "W")
    save(tmp_path, conv_model(w), "c.onnx")
    runs = [["analyze", "s.yaml", "-f", "json", "-o", "r.json"], ["export", "s.yaml", "-o", "e.onnx", "--external-data", "--force"],
            ["convert", "c.onnx", "-o", "v.onnx", "--no-verify", "--force"]]  # fmt: skip
    outputs = ["r.json", "e.onnx", "e.onnx.data", "v.onnx"]
    monkeypatch.chdir(tmp_path)

    def run(args):
        before = os.umask(umask)
        try:
            assert cli(args) == 0
        finally:
            os.umask(before)

    for args in runs:
        run(args)
    assert {n: oct((tmp_path / n).stat().st_mode & 0o777) for n in outputs} == dict.fromkeys(outputs, oct(0o666 & ~umask))
    for n in outputs:
        (tmp_path / n).chmod(0o640)
    for args in runs:  # over the existing files: their mode is kept
        run(args)
    assert {n: oct((tmp_path / n).stat().st_mode & 0o777) for n in outputs} == dict.fromkeys(outputs, oct(0o640))
    assert not [p.name for p in tmp_path.iterdir() if "tmp" in p.name]


def test_export_leaves_no_temp_file_after_an_interrupt(tmp_path, monkeypatch):
    from dscost import export as ex
    from dscost.readers.spec_reader import read_spec

    (tmp_path / "s.yaml").write_text(SPEC)
    model = read_spec(tmp_path / "s.yaml")

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(ex.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ex.export_model(model, tmp_path / "out.onnx", external_data=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


# --------------------------------------------------------------------------
# 8-9. Globs and external data


def test_budget_globs_do_not_follow_link_loops(tmp_path):
    models = tmp_path / "models" / "a"
    models.mkdir(parents=True)
    (models / "m.yaml").write_text(SPEC)
    os.symlink("..", models / "up")
    os.symlink("../..", models / "up2")
    (tmp_path / "b.yaml").write_text("budgets:\n  - path: 'models/**/*.yaml'\n    max_macs: 1G\n")
    r = dscost(tmp_path, "check", "--budget", "b.yaml", "-f", "json", timeout=30)
    assert r.returncode == 0, r.stderr
    assert [m["path"] for m in json.loads(r.stdout)["models"]] == ["models/a/m.yaml"]


def _external(t: onnx.TensorProto, location: str) -> onnx.TensorProto:
    t.data_location = TensorProto.EXTERNAL
    del t.external_data[:]
    e = t.external_data.add()
    e.key, e.value = "location", location
    t.ClearField("raw_data")
    return t


@pytest.mark.parametrize("where", ["constant-node", "subgraph-initializer"])
@pytest.mark.parametrize("location", ["../../x", "/etc/passwd"])
def test_external_data_outside_the_folder_anywhere(tmp_path, where, location):
    t = _external(numpy_helper.from_array(np.ones((2, 2), np.float32), "T"), location)
    if where == "constant-node":
        nodes = [helper.make_node("Constant", [], ["k"], name="k", value=t), helper.make_node("Add", ["x", "k"], ["y"], name="add")]
        g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    else:
        body = helper.make_graph([helper.make_node("Identity", ["T"], ["o"])], "b", [], [helper.make_tensor_value_info("o", TensorProto.FLOAT, [2, 2])], [t])
        other = helper.make_graph([helper.make_node("Identity", ["x"], ["o2"])], "e", [], [helper.make_tensor_value_info("o2", TensorProto.FLOAT, [2, 2])])
        nodes = [helper.make_node("If", ["c"], ["y"], name="if", then_branch=body, else_branch=other)]
        g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2]), helper.make_tensor_value_info("c", TensorProto.BOOL, [])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])  # fmt: skip
    save(tmp_path, helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), "ext.onnx")
    one_error(dscost(tmp_path, "analyze", "ext.onnx"), "'T'", "outside the model's folder")


# --------------------------------------------------------------------------
# 10-13. One line for everything else


def test_onnxruntime_logs_do_not_reach_stderr(tmp_path):
    g = helper.make_graph([helper.make_node("Frobnicate", ["x"], ["y"], name="f", domain="com.example")], "bad",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])  # fmt: skip
    save(tmp_path, helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)], ir_version=8), "bad.onnx")
    one_error(dscost(tmp_path, "bench", "bad.onnx"), "bad.onnx", "onnxruntime cannot run this model")


def test_an_onnxruntime_message_that_is_not_utf8_is_one_line(tmp_path):
    """Found by fuzzing (seed 1437): a Concat whose attribute name is not UTF-8.  onnxruntime names
    it in its error, its binding cannot decode that and raises a UnicodeDecodeError (a ValueError),
    on which onnxruntime printed a four-line "EP Error" banner, twice, before dscost's line; and the
    line said only where the decoding failed.  Now one line, with onnxruntime's own words."""
    nodes = [helper.make_node("Concat", ["x", "x"], ["y"], name="cat", axis=1)]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])])
    data = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8).SerializeToString()
    (tmp_path / "m.onnx").write_bytes(data.replace(b"\x0a\x04axis", b"\x0a\x04\xe1xis"))
    r = dscost(tmp_path, "bench", "m.onnx", "--runs", "3", "--budget", "0.05")
    assert r.stdout == ""
    line = one_error(r, "m.onnx: onnxruntime cannot run this model: ")
    if "InvalidGraph" not in line:  # (onnxruntime 1.23's binding drops the message it cannot decode: the exception's type is all there is)
        assert "INVALID_GRAPH" in line and "Unrecognized attribute: \\xe1xis for operator Concat" in line, line


def _nested_if(depth: int) -> bytes:
    """A model whose If bodies nest ``depth`` deep, written with dscost's wire encoder
    (the protobuf library itself refuses to build messages nested beyond 100)."""
    from dscost.readers.onnx_wire import enc_len, enc_varint

    def graph(d: int) -> bytes:
        if d == 0:
            node = enc_len(1, b"x") + enc_len(2, b"o") + enc_len(4, b"Identity")
        else:
            attr = enc_len(1, b"then_branch") + enc_varint(20 << 3) + enc_varint(5) + enc_len(6, graph(d - 1))
            attr2 = enc_len(1, b"else_branch") + enc_varint(20 << 3) + enc_varint(5) + enc_len(6, graph(0))
            node = enc_len(1, b"c") + enc_len(2, b"o") + enc_len(4, b"If") + enc_len(5, attr) + enc_len(5, attr2)
        return enc_len(1, node) + enc_len(2, f"g{d}".encode())

    opset = enc_len(8, enc_varint(2 << 3) + enc_varint(17))
    return enc_varint(1 << 3) + enc_varint(8) + opset + enc_len(7, graph(depth))


@pytest.mark.parametrize("command", ["analyze", "bench", "convert"])
def test_subgraphs_nested_300_deep(tmp_path, command):
    (tmp_path / "deep.onnx").write_bytes(_nested_if(300))
    args = [command, "deep.onnx"] + (["-o", "out.onnx"] if command == "convert" else [])
    one_error(dscost(tmp_path, *args), "deep.onnx")


def test_nan_weights_in_convert(tmp_path):
    w = numpy_helper.from_array(np.full((4, 3, 3, 3), np.nan, np.float32), "W")
    save(tmp_path, conv_model(w), "nan.onnx")
    r = subprocess.run([sys.executable, "-m", "dscost", "convert", "nan.onnx", "-o", "out.onnx", "-f", "json", "--no-verify"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert json.loads(r.stdout)["skipped"] == [{"name": "c", "reason": "weights hold NaN or infinity: no separable factorization"}]


@pytest.mark.parametrize(
    "args, needle",
    [
        (["analyze", "s.yaml", "-a", "1e308"], "width multiplier 1e+308 is too large"),
        (["check", "s.yaml", "--max-standard-conv-share", "1e-400"], "below the smallest share"),
        (["export", "huge.yaml", "-o", "h.onnx", "--external-data"], "h.onnx: cannot write"),
        (["analyze", "past.yaml"], "channels: Input should be less than or equal to 2147483647, got 1000000000000000"),
    ],
)
def test_values_out_of_range(tmp_path, args, needle):
    (tmp_path / "s.yaml").write_text(SPEC)
    (tmp_path / "huge.yaml").write_text("input: [2147483647, 8, 8]\nlayers:\n  - {type: conv, channels: 2147483647, kernel: 3}\n")
    (tmp_path / "past.yaml").write_text("input: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 1000000000000000, kernel: 3}\n")
    one_error(dscost(tmp_path, *args), needle)


@pytest.mark.parametrize("flag, message", [("--kwargs", "--kwargs: nested too deeply"), ("--arg", "--arg: s: its value is nested too deeply")])
def test_json_nested_too_deeply_is_one_error(tmp_path, flag, message):
    """Found by the fourth red team: 20,000 nested lists in --kwargs or --arg were an internal RecursionError."""
    deep = "[" * 20000 + "]" * 20000
    one_error(dscost(tmp_path, "analyze", "m.py:f", flag, '{"s": ' + deep + "}" if flag == "--kwargs" else "s=" + deep), message)


def test_a_saved_pytorch_file_that_is_a_zip_bomb_is_refused_before_loading(tmp_path):
    """Found by the fourth red team: a 6 MB TorchScript archive inflating to 6 GiB made dscost
    allocate 6.8 GB before its error.  Entries that declare far more than the file holds are
    refused before torch (even installed) reads them: here one entry says 4 GiB."""
    import struct
    import zipfile

    with zipfile.ZipFile(tmp_path / "bomb.pt", "w") as z:
        z.writestr("archive/constants.pkl", b"\0" * 64)
    data = bytearray((tmp_path / "bomb.pt").read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", 0xFFFFFFFF)  # (uncompressed size: 4 GiB - 1)
    data[central + 20 : central + 24] = struct.pack("<I", 64)
    (tmp_path / "bomb.pt").write_bytes(bytes(data))
    one_error(dscost(tmp_path, "analyze", "bomb.pt", "-i", "1x3x8x8"), "bomb.pt: its zip entries declare 4.0 GiB", "(a zip bomb?)")


def test_calibrate_into_a_config_dir_that_is_a_file(tmp_path):
    (tmp_path / "cfg").write_text("")
    r = dscost(tmp_path, "bench", "--calibrate", "--budget", "0.05", "--runs", "3", env={"DSCOST_CONFIG_DIR": str(tmp_path / "cfg")})
    one_error(r, "cfg", "config folder is a file")


@pytest.mark.parametrize("redirect", ["closed", "full"])
def test_stdout_closed_or_full(tmp_path, redirect):
    (tmp_path / "s.yaml").write_text(SPEC)
    cmd = f"{sys.executable} -m dscost analyze s.yaml " + (">&-" if redirect == "closed" else ">/dev/full")
    r = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, cwd=tmp_path, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert ("closed" if redirect == "closed" else "cannot write the output to stdout: No space left on device") in r.stderr


def test_over_2gb_protobuf_for_bench_and_convert(tmp_path):
    """A sparse 2.1 GB file: a valid protobuf (an initializer's raw_data is holes) that onnx cannot load."""
    from dscost.readers.onnx_wire import enc_header, enc_len, enc_varint

    n = (2**31 + 2**24) // 4
    tensor_head = enc_varint(1 << 3) + enc_varint(n) + enc_varint(2 << 3) + enc_varint(1) + enc_len(8, b"W")
    tensor = tensor_head + enc_header(9, 4 * n)
    graph_head = enc_len(1, enc_len(1, b"x") + enc_len(1, b"W") + enc_len(2, b"y") + enc_len(4, b"MatMul")) + enc_len(11, enc_len(1, b"x"))
    opset = enc_len(8, enc_varint(2 << 3) + enc_varint(17))
    total_graph = len(graph_head) + len(enc_header(5, len(tensor) + 4 * n)) + len(tensor) + 4 * n
    path = tmp_path / "big.onnx"
    with open(path, "wb") as f:
        f.write(enc_varint(1 << 3) + enc_varint(8) + opset + enc_header(7, total_graph) + graph_head)
        f.write(enc_header(5, len(tensor) + 4 * n) + tensor)
        f.truncate(f.tell() + 4 * n)
    for args in (["bench", "big.onnx"], ["convert", "big.onnx", "-o", "out.onnx"]):
        one_error(dscost(tmp_path, *args), "big.onnx", "over protobuf's 2 GB limit", "external data")


def test_a_gate_on_a_graph_missing_the_node_that_makes_a_tensor_is_an_input_error(tmp_path):
    """The graph's only compute dropped by its exporter (paddle2onnx's SimpleRNN): `check` would
    pass it at 0 MACs; it is one error line, exit 2."""
    nodes = [helper.make_node("Transpose", ["rnn_out"], ["y"], name="t", perm=[1, 0, 2])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 3])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])  # fmt: skip
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "m.onnx"))
    one_error(dscost(tmp_path, "check", "m.onnx", "--max-macs", "1"), "m.onnx: node 't' (Transpose) reads 'rnn_out', which no node makes")


def test_300k_line_spec_is_refused_before_building(tmp_path):
    (tmp_path / "huge.yaml").write_text("input: [3, 8, 8]\nlayers:\n" + "  - {type: relu}\n" * 300_000)
    one_error(dscost(tmp_path, "analyze", "huge.yaml"), "huge.yaml:110002:5", "a spec holds at most 100,000 layers")


def test_a_conv_whose_declared_output_its_attributes_contradict_is_uncounted(tmp_path):
    """Found by the fuzzer (seed 1501): a `pads` attribute of no type, and the file's value_info
    still saying 8x8.  The conv's MACs followed its attributes (6x6) while its output shape said
    8x8, and `convert --reverse` then missed its what-if; now the node is uncounted, saying why."""
    conv = helper.make_node("Conv", ["x", "W"], ["d"], group=8, name="dw")
    conv.attribute.add().name = "pads"  # (type UNDEFINED)
    g = helper.make_graph([conv, helper.make_node("Relu", ["d"], ["y"], name="relu")], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 8, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                          [numpy_helper.from_array(np.zeros((8, 1, 3, 3), np.float32), "W")],
                          value_info=[helper.make_tensor_value_info("d", TensorProto.FLOAT, [1, 8, 8, 8])])  # fmt: skip
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    from dscost.readers.onnx_reader import read_onnx

    m = read_onnx(path)
    assert [(u.name, u.params) for u in m.uncounted] == [("dw", 72)]
    assert m.uncounted[0].reason == ("cannot derive cost: its output (1, 8, 8, 8) does not follow from its attributes "
                                     "(spatial (6, 6) with pads [0, 0, 0, 0], strides [1, 1])")  # fmt: skip


def test_the_sandbox_child_does_not_run_the_callers_script_again(tmp_path):
    """A user's script that calls dscost at top level (no ``if __name__ == "__main__":``): the
    child that runs onnxruntime is a fresh ``python -c``, so the script runs once, and the
    result comes back through the child's stdout even when the work prints."""
    script = tmp_path / "unguarded.py"
    script.write_text("import operator\nfrom dscost import sandbox\nprint('top level')\n"
                      "print(sandbox.run(operator.add, 2, 3, timeout_s=60, memory_bytes=None, label='t'))\n"
                      "print(sandbox.run(print, 'printed by the work', timeout_s=60, memory_bytes=None, label='t'))\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["top level", "5", "None"] and "printed by the work" in done.stderr


def test_export_of_a_size_beyond_onnx_int64_names_the_layer(tmp_path):
    """A spec counts exactly at any size (a Python int); ONNX's dimensions are int64: a map of
    2,147,483,647 x 2,147,483,647 x 4 flattened into a dense layer's weight is past them."""
    (tmp_path / "big.yaml").write_text("input: [2147483647, 2147483647, 4]\nlayers:\n  - {type: fc, name: head, units: 10}\n")
    for extra in ([], ["--external-data"]):
        one_error(dscost(tmp_path, "export", "big.yaml", "-o", "big.onnx", *extra),
                  "big.yaml: weight 'head/W': cannot export a dimension of 18,446,744,056,529,682,436: ONNX's are 64-bit integers")


def _ppid(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG and /proc are Linux's")
def test_a_run_in_a_child_ends_with_dscost(tmp_path):
    """--measure-sizes runs the model in a child whose time limit the parent keeps: killing dscost
    itself (SIGTERM, as a CI job cancel sends it to the one process) ends the child too, however
    long its run (here a Loop of about 10^10 steps, its trip count computed from the data)."""
    import signal
    import time

    body = helper.make_graph([helper.make_node("MatMul", ["v", "w"], ["v2"]), helper.make_node("Identity", ["c"], ["c_out"])], "body",
                             [helper.make_tensor_value_info("i", TensorProto.INT64, []), helper.make_tensor_value_info("c", TensorProto.BOOL, []),
                              helper.make_tensor_value_info("v", TensorProto.FLOAT, [1, 8])],
                             [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []), helper.make_tensor_value_info("v2", TensorProto.FLOAT, [1, 8])])  # fmt: skip
    nodes = [helper.make_node("Abs", ["x"], ["ax"]), helper.make_node("ReduceSum", ["ax"], ["s"], keepdims=0), helper.make_node("Mul", ["s", "big"], ["sb"]),
             helper.make_node("Cast", ["sb"], ["M"], to=TensorProto.INT64), helper.make_node("Loop", ["M", "", "x"], ["y"], body=body, name="loop")]  # fmt: skip
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])],
                          [numpy_helper.from_array(np.array(1e9, np.float32), "big"), numpy_helper.from_array(np.zeros((8, 8), np.float32), "w")])  # fmt: skip
    save(tmp_path, helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), "loop.onnx")
    proc = subprocess.Popen([sys.executable, "-m", "dscost", "analyze", "loop.onnx", "--measure-sizes", "-q"], cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    children: list[str] = []
    for _ in range(600):  # (the child, once the parent has read the graph: up to 60 s)
        found = [d for d in os.listdir("/proc") if d.isdigit() and _ppid(d) == proc.pid]
        if found:
            children = found
            time.sleep(1)  # (its work under way)
            break
        time.sleep(0.1)
    assert children, "no child process started"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    for _ in range(100):
        if not any(_ppid(c) is not None for c in children):  # (gone; a zombie of init's is reaped at once)
            break
        time.sleep(0.1)
    else:
        for c in children:
            os.kill(int(c), signal.SIGKILL)
        raise AssertionError(f"the child {children} outlived dscost")


@pytest.mark.parametrize("op", ["Range", "ConstantOfShape"])
def test_values_too_large_for_shape_inference_to_build_stay_bounded(tmp_path, op):
    """A file of a few bytes whose shape inference would build 10**12 values (onnx's data
    propagation of Range(0, 10**12, 1), an int64 ConstantOfShape fed by a Concat): under the 3 GiB
    limit, not killed -- inference under its memory cap, then again without values, and the count
    with a note (onnx_infer); the huge tensor's shape is still known (10**12)."""
    n = 10**12
    if op == "Range":
        inits = [helper.make_tensor(k, TensorProto.INT64, [], [v]) for k, v in (("st", 0), ("li", n), ("de", 1))]
        nodes = [helper.make_node("Range", ["st", "li", "de"], ["r"], name="range")]
    else:
        inits = [helper.make_tensor("a", TensorProto.INT64, [1], [n])]
        nodes = [helper.make_node("Concat", ["a"], ["s"], name="concat", axis=0),
                 helper.make_node("ConstantOfShape", ["s"], ["r"], name="fill", value=helper.make_tensor("v", TensorProto.INT64, [1], [1]))]  # fmt: skip
    nodes.append(helper.make_node("Cast", ["r"], ["y"], name="cast", to=TensorProto.FLOAT))
    g = helper.make_graph(nodes, "g", [], [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    save(tmp_path, helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), "huge.onnx")
    r = dscost(tmp_path, "analyze", "huge.onnx", "-f", "json", "-q", timeout=120)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    cast = next(x for x in doc["layers"] if x["name"] == "cast")
    assert cast["output_shape"] == [n] and doc["totals"]["macs"] == 0
    if op == "Range" and tuple(int(v) for v in onnx.__version__.split(".")[:2]) >= (1, 23):  # (onnx 1.17 propagates no Range values)
        assert any("ran out of its memory cap" in note for note in doc["notes"])


def test_a_negative_size_onnx_infers_names_the_node_that_makes_it(tmp_path):
    """A conv whose kernel is larger than its input (here: an input of 2x2 for a 5x5 kernel): onnx infers
    a negative size, and the error names the node, not only its output tensor."""
    w = numpy_helper.from_array(np.ones((4, 3, 5, 5), np.float32), "W")
    g = helper.make_graph([helper.make_node("Conv", ["x", "W"], ["y"], name="conv0")], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 2, 2])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w])  # fmt: skip
    save(tmp_path, helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), "big_kernel.onnx")
    one_error(dscost(tmp_path, "analyze", "big_kernel.onnx"), "big_kernel.onnx: tensor 'y' has a negative dimension (-2) in its shape (made by node 'conv0' (Conv)")
