"""The JSON of a few models, byte for byte, against files stored in tests/golden/: speed work
on the reader and the renderers must not change a single output.  DSCOST_UPDATE_GOLDEN=1
rewrites them (then read the diff before committing it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dscost.cli import run
from conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"


def _json(capsys, target: str, *extra: str) -> str:
    assert run(["analyze", target, "-f", "json", "-q", *extra]) == 0
    return capsys.readouterr().out


def _check(name: str, text: str, replace: dict[str, str]) -> None:
    for a, b in replace.items():
        text = text.replace(a, b)
    path = GOLDEN / name
    if os.environ.get("DSCOST_UPDATE_GOLDEN") == "1":
        path.write_text(text)
    assert text == path.read_text(), f"{name} differs from the stored golden (DSCOST_UPDATE_GOLDEN=1 rewrites it)"


def test_spec_json(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    _check("mobilenet_v1.yaml.json", _json(capsys, "models/mobilenet_v1.yaml"), {})


@pytest.mark.parametrize("spec", ["resnet18", "mobilenet_v2"])
def test_exported_onnx_json(capsys, tmp_path, spec):
    out = tmp_path / f"{spec}.onnx"
    assert run(["export", str(ROOT / "models" / f"{spec}.yaml"), "-o", str(out)]) == 0
    capsys.readouterr()
    _check(f"{spec}.onnx.json", _json(capsys, str(out), "--hardware", "t4"), {str(tmp_path): "TMP"})


def test_folded_graph_json(capsys, tmp_path):
    from onnx_models import init, model, save
    from test_onnx_realworld import tf_same_pad
    from onnx_models import node

    nodes = tf_same_pad("x", "p1", 3, 2) + [node("Conv", ["p1_xp", "W1"], "c1", strides=[2, 2])]
    path = save(tmp_path, model(nodes, [("x", [1, 3, 9, 9])], inits=[init("W1", 8, 3, 3, 3)]), "tfpad.onnx")
    _check("tfpad.onnx.json", _json(capsys, str(path)), {str(tmp_path): "TMP"})
