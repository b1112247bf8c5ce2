"""Rough edges a new user hit (issue 8, part 4), each through the real entry point."""

from __future__ import annotations

import pytest

from conftest import ROOT
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
