"""The YAML spec shown in README.md's "Layer specs (YAML)" section is a real, valid spec."""

from __future__ import annotations

import re
from pathlib import Path

from dscost.cost import analyze
from dscost.readers.spec_reader import read_spec

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_spec_example_analyzes(tmp_path):
    section = README.read_text().split("## Layer specs (YAML)", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    path = tmp_path / "readme.yaml"
    path.write_text(block)
    a = analyze(read_spec(path))
    by = {layer.name: layer for layer in a.layers}
    # stem 3x3, 3 -> 16 on 32x32: 9*3*16*1024 = 442,368; conv_a 3x3 s2 16 -> 32 on 16x16: 9*16*32*256 = 1,179,648
    assert by["stem"].cost.macs == 442_368 and by["conv_a"].cost.macs == 1_179_648
    # the shortcut takes stem_relu's output: 1x1 s2, 16 -> 32 on 16x16 = 131,072
    assert by["proj"].inputs == ("stem_relu",) and by["proj"].cost.macs == 131_072
    # each repeated dsconv: dw 9*32*256 = 73,728 + pw 32*32*256 = 262,144; its add reads the iteration input
    assert by["block.2.sep.dw"].cost.macs == 73_728 and by["block.2.sep.pw"].cost.macs == 262_144
    assert set(by["block.2.add"].inputs) == {"block.1.add", "block.2.sep.pw_relu"}
    assert len(a.blocks) == 2
