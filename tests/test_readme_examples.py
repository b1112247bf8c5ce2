"""The README's console examples are what dscost prints: every `$ dscost ...` line of a
```console block whose output does not depend on the machine (no bench, no terminal width) is
run piped, and its output compared line by line with the README.  A README line holding
"..." (or "[..." ... "]") stands for any number of lines, as in a doctest."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest

from conftest import ROOT

SKIP = ("bench", "--top", "> ", "schema spec")  # timings, terminal width, a redirect


def examples() -> list[tuple[str, list[str], int | None]]:
    """(command, expected output lines, expected exit code when an `echo $?` follows)."""
    text = (ROOT / "README.md").read_text()
    out = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ dscost "):
                i += 1
                continue
            cmd = lines[i][2:].split("  #")[0].strip()
            j = i + 1
            while j < len(lines) and not lines[j].startswith("$ "):
                j += 1
            expected, code = lines[i + 1 : j], None
            if j < len(lines) and lines[j] == "$ echo $?":
                code = int(lines[j + 1])
                j += 2
            if expected and not any(s in lines[i] for s in SKIP):  # a command shown without output is not checked
                out.append((cmd, expected, code))
            i = j
    return out


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; an expected line with '...' matches any run of actual lines (ellipsis)."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if "..." in head:
        return any(matches(rest, actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and actual[0].rstrip() == head.rstrip() and matches(rest, actual[1:])


@pytest.mark.parametrize("cmd, expected, code", examples(), ids=lambda x: x if isinstance(x, str) else "")
def test_readme_example(cmd, expected, code, tmp_path):
    args = shlex.split(cmd)[1:]
    if any(re.fullmatch(r"[\w./-]+:\w+", a) and not a.endswith((".yaml", ".onnx")) for a in args[1:2]):  # a PyTorch target
        pytest.importorskip("torch")
        pytest.importorskip("torchvision")
    for folder in ("models", "examples"):  # run where the README's paths resolve, writing nothing into the checkout
        (tmp_path / folder).symlink_to(ROOT / folder)
    r = subprocess.run([sys.executable, "-m", "dscost", *args], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                       env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DSCOST_CONFIG_DIR": str(tmp_path / "config"),
                            "PYTHONPATH": str(ROOT)})  # fmt: skip
    actual = r.stdout.splitlines() + r.stderr.splitlines()  # a terminal shows both (stderr's lines come last here)
    if code is not None:
        assert r.returncode == code
    assert matches(expected, actual), "README shows:\n" + "\n".join(expected) + "\n\ndscost prints:\n" + r.stdout


def test_examples_are_found():
    cmds = [c for c, _, _ in examples()]
    assert any(c.startswith("dscost compare") for c in cmds) and any(c.startswith("dscost check") for c in cmds)
