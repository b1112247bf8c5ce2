"""YAML layer specs: safe loading, validation errors, shape propagation, naming, properties."""

from __future__ import annotations

import json
import tempfile
import textwrap
from fractions import Fraction
from math import ceil, prod
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dscost import cost
from dscost.errors import InputError
from dscost.layers import (
    ACTIVATION,
    BATCHNORM,
    CONCAT,
    DEPTHWISE,
    FC,
    GLOBAL_POOL,
    GROUPED,
    POINTWISE,
    POOL,
    SHAPE,
    SOFTMAX,
    STANDARD,
)
from dscost.readers.spec_reader import read_spec
from dscost.spec import LAYER_TYPES, LayerSpecFile, spec_json_schema
from dscost.yamlfile import MAX_BYTES, load_yaml, validate


def write(tmp_path: Path, text: str, name: str = "net.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


def spec(tmp_path: Path, layers: str, input: str = "[3, 8, 8]", name: str = "net.yaml", **kw):
    body = f"input: {input}\nlayers:\n" + textwrap.indent(textwrap.dedent(layers), "  ")
    return read_spec(write(tmp_path, body, name), **kw)


def error(tmp_path: Path, text: str, name: str = "bad.yaml", **kw) -> str:
    p = write(tmp_path, text, name)
    with pytest.raises(InputError) as info:
        read_spec(p, **kw)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(str(p))
    return msg[len(str(p)) :]


# ---------------------------------------------------------------- the YAML file


def test_syntax_error_has_line_and_column(tmp_path):
    msg = error(tmp_path, "input: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 8\n  - {type: relu}\n")
    assert msg == ":4:5: did not find expected ',' or '}' (while parsing a flow mapping at line 3)"


def test_bad_indentation_has_line_and_column(tmp_path):
    msg = error(tmp_path, "input: [3, 8, 8]\nlayers:\n  - type: conv\n   channels: 3\n")
    assert msg.startswith(":4:4: ")


def test_tab_indentation(tmp_path):
    assert error(tmp_path, "input: [3, 8, 8]\nlayers:\n\t- {type: relu}\n").startswith(":3:1: found character that cannot start any token")


def test_empty_file(tmp_path):
    assert error(tmp_path, "") == ": empty file"
    assert error(tmp_path, "\n  \n") == ": empty file"
    assert "empty" in error(tmp_path, "# only a comment\n")
    assert "empty" in error(tmp_path, "---\n...\n")


def test_file_too_large(tmp_path):
    p = tmp_path / "big.yaml"
    with open(p, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: no 5 MB written
    with pytest.raises(InputError, match=r"big\.yaml: file too large"):
        read_spec(p)


def test_file_at_the_limit_is_read(tmp_path):
    text = "input: [3, 8, 8]\nlayers:\n  - {type: relu}\n"
    p = tmp_path / "limit.yaml"
    p.write_text(text + "#" * (MAX_BYTES - len(text) - 1) + "\n")
    assert len(read_spec(p).layers) == 1


def test_alias_bomb_refused(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    msg = error(tmp_path, "\n".join(lines) + "\n")
    assert "alias" in msg and "10,000" in msg
    assert msg.startswith(":")  # with a line


def test_moderate_aliases_allowed(tmp_path):
    m = spec(
        tmp_path,
        """\
        - &blk {type: conv, channels: 8, kernel: 3, name: a}
        - {<<: *blk, name: b}
        - {<<: *blk, name: c}
        """,
    )
    assert [layer.name for layer in m.layers] == ["a", "b", "c"]


def test_recursive_alias_refused(tmp_path):
    assert "recursive" in error(tmp_path, "input: &x [3, *x]\nlayers: []\n")


@pytest.mark.parametrize("loader", ["installed", "pure-python"])
def test_deep_nesting_refused(tmp_path, monkeypatch, loader):
    # dscost's limit (100) holds whichever parser PyYAML brings: libyaml 0.2.6
    # (PyYAML 6.0.4) stops on its own at 1000 flow levels while looking ahead.
    import yaml

    from dscost import yamlfile

    if loader == "pure-python":
        monkeypatch.setattr(yamlfile, "_loader_classes", lambda: yaml.SafeLoader)
    msg = error(tmp_path, "input: " + "[" * 5000 + "]" * 5000 + "\n")
    assert msg == ":1:107: nesting deeper than 100 levels (dscost's limit)"
    msg = error(tmp_path, "input: " + "[" * 101 + "]" * 101 + "\n")
    assert msg == ":1:107: nesting deeper than 100 levels (dscost's limit)"
    block = "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 150)) + " " * 150 + "c\n"
    assert error(tmp_path, block) == ":101:101: nesting deeper than 100 levels (dscost's limit)"


def test_nesting_at_the_limit_is_parsed(tmp_path):
    from dscost.yamlfile import load_yaml

    p = write(tmp_path, "input: " + "[" * 99 + "3" + "]" * 99 + "\n")  # 100 levels with the top mapping
    data = load_yaml(p)
    depth, cur = 0, data["input"]
    while isinstance(cur, list):
        depth, cur = depth + 1, cur[0]
    assert (depth, cur) == (99, 3)


def test_duplicate_key(tmp_path):
    msg = error(tmp_path, "input: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 8, channels: 4, kernel: 3}\n")
    assert msg.startswith(":3:31: duplicate key 'channels'")


def test_numbers_are_read_as_written_in_decimal(tmp_path):
    """YAML 1.1 (PyYAML) reads 10:00 as 600 (base 60), 0700 as 448 (octal), 0x10 as 16: those stay
    text, which a budget's limit refuses in one line naming it and its place; plain decimal
    numbers (1_000, 1.5, 1.5e+9, .inf) are numbers as before."""
    from dscost.yamlfile import load_yaml

    p = write(tmp_path, "a: 10:00\nb: 0700\nc: 0x10\nd: 0b101\ne: 1_000\nf: 1.5\ng: 1.5e+9\nh: -.inf\ni: 0\nj: '12'\n")
    assert load_yaml(p) == {"a": "10:00", "b": "0700", "c": "0x10", "d": "0b101", "e": 1000, "f": 1.5, "g": 1.5e9, "h": float("-inf"), "i": 0, "j": "12"}
    (tmp_path / "m.yaml").write_text("input: [3, 8, 8]\nlayers:\n  - {type: conv, channels: 8, kernel: 3}\n")
    from dscost.budget import load_budget

    (tmp_path / "b.yaml").write_text("budgets:\n  - path: m.yaml\n    max_macs: 10:00\n")
    with pytest.raises(InputError, match=r"b.yaml:3:5: budgets\[0\]: max_macs: cannot parse '10:00'"):
        load_budget(tmp_path / "b.yaml")
    # (found by a README check: '0700' was read by the limit's own parser as 700, with a no-unit warning, not refused as the README says)
    for limit in ("0700", "0700M"):
        (tmp_path / "b.yaml").write_text(f"budgets:\n  - path: m.yaml\n    max_macs: {limit}\n")
        with pytest.raises(InputError, match=rf"b.yaml:3:5: budgets\[0\]: max_macs: '{limit}' has a leading 0 \(octal in YAML 1.1 and C\); write the number without it"):
            load_budget(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").write_text("budgets:\n  - path: m.yaml\n    max_macs: 0.5M\n")
    assert load_budget(tmp_path / "b.yaml")


def test_not_utf8(tmp_path):
    p = tmp_path / "latin.yaml"
    p.write_bytes(b"name: caf\xe9\ninput: [3]\nlayers: [{type: relu}]\n")
    with pytest.raises(InputError, match="not valid UTF-8"):
        read_spec(p)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_spec(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="directory"):
        load_yaml(tmp_path)


def test_top_level_must_be_a_mapping(tmp_path):
    assert "must be a YAML mapping" in error(tmp_path, "- a\n- b\n")
    assert "must be a YAML mapping" in error(tmp_path, "hello\n")


def test_validate_is_generic(tmp_path):
    from pydantic import BaseModel, ConfigDict

    class Budget(BaseModel):
        model_config = ConfigDict(extra="forbid")
        macs: int

    p = write(tmp_path, "macs: lots\n", "budget.yaml")
    with pytest.raises(InputError) as info:
        validate(p, Budget, load_yaml(p), what="budget file")
    assert str(info.value).startswith(f"{p}:1:1: macs: Input should be a valid integer")
    with pytest.raises(InputError, match="budget file must be a YAML mapping"):
        validate(p, Budget, [1], what="budget file")


# ---------------------------------------------------------------- validation errors


def test_unknown_type_suggests_close_types(tmp_path):
    msg = error(tmp_path, "input: [3, 8, 8]\nlayers:\n  - {type: relu}\n  - {type: convv, channels: 8}\n")
    assert msg == ":4:5: layers[1] (convv): unknown layer type 'convv'; did you mean 'conv' or 'dsconv'?"
    msg = error(tmp_path, "input: [3, 8, 8]\nlayers:\n  - {type: relu7}\n")
    assert msg == ":3:5: layers[0] (relu7): unknown layer type 'relu7'; did you mean 'relu', 'relu6' or 'elu'?"


def test_unknown_type_with_nothing_close_lists_valid_types(tmp_path):
    msg = error(tmp_path, "input: [3, 8, 8]\nlayers:\n  - {type: relu}\n  - {type: xyzzy, channels: 8}\n")
    assert msg.startswith(":4:5: layers[1] (xyzzy): unknown layer type 'xyzzy'; valid types: conv, pointwise")
    assert "dsconv" in msg and "global_avgpool" in msg


def test_layer_without_type(tmp_path):
    assert "needs a `type`" in error(tmp_path, "input: [3, 8, 8]\nlayers:\n  - {channels: 8}\n")
    assert "expected a layer mapping" in error(tmp_path, "input: [3, 8, 8]\nlayers:\n  - relu\n")


@pytest.mark.parametrize(
    ("layer", "expected"),
    [
        ("{type: conv, name: c1, channels: 0, kernel: 3}", "layers[0] (c1): channels: Input should be greater than 0, got 0"),
        ("{type: conv, name: c1, channels: -8, kernel: 3}", "layers[0] (c1): channels: Input should be greater than 0, got -8"),
        ("{type: conv, name: c1, channels: 2147483648, kernel: 3}", "layers[0] (c1): channels: Input should be less than or equal to 2147483647, got 2147483648"),
        ("{type: conv, name: c1, channels: 8, kernel: [3, 2147483648]}", "layers[0] (c1): kernel: must be positive integers up to 2147483647, got [3, 2147483648]"),
        ("{type: conv, name: c1, channels: 3.5, kernel: 3}", "layers[0] (c1): channels: Input should be a valid integer, got 3.5"),
        ("{type: conv, name: c1, channels: 4.0, kernel: 3}", "layers[0] (c1): channels: Input should be a valid integer, got 4.0"),
        ("{type: conv, name: c1, channels: '8', kernel: 3}", "layers[0] (c1): channels: Input should be a valid integer, got '8'"),
        ("{type: fc, units: true}", "layers[0] (fc): units: Input should be a valid integer, got True"),
        ("{type: conv, name: c1, channels: 8, kernel: -3}", "layers[0] (c1): kernel: must be a positive integer up to 2147483647, got -3"),
        ("{type: conv, name: c1, channels: 8, kernel: 0}", "layers[0] (c1): kernel: must be a positive integer up to 2147483647, got 0"),
        ("{type: conv, name: c1, channels: 8, kernel: [3, 2.5]}", "layers[0] (c1): kernel: expected a positive integer or a list"),
        ("{type: conv, name: c1, channels: 8, kernel: true}", "layers[0] (c1): kernel: expected a positive integer or a list"),
        ("{type: conv, name: c1, channels: 8, kernel: 3, stride: 0}", "layers[0] (c1): stride: must be a positive integer up to 2147483647, got 0"),
        ("{type: conv, name: c1, channels: 8, kernel: 3, padding: -1}", "layers[0] (c1): padding: expected same, valid"),
        ("{type: conv, name: c1, channels: 8, kernel: 3, padding: full}", "layers[0] (c1): padding: expected same, valid"),
        ("{type: conv, name: c1, channels: 8, kernel: 3, strides: 2}", "layers[0] (c1): strides: unknown key (not allowed here); did you mean 'stride'?"),
        ("{type: conv, name: c1, channels: 8, kernel: 3, colour: red}", "layers[0] (c1): colour: unknown key (not allowed here)"),
        ("{type: conv, name: c1, channels: 8}", "layers[0] (c1): kernel: required field is missing"),
        ("{type: relu, name: input}", "layers[0] (input): name: 'input' is reserved"),
        ("{type: dsconv, channels: 8, activation: relu7}", "layers[0] (dsconv): activation: Input should be"),
        ("{type: add, input: x, inputs: [input, input]}", "layers[0] (add): input: add/concat take `inputs"),
        ("{type: add, inputs: [input]}", "layers[0] (add): inputs: List should have at least 2 items"),
        ("{type: dsconv, channels: 8, repeat: 0}", "layers[0] (dsconv): repeat: Input should be greater than 0"),
    ],
)
def test_field_errors(tmp_path, layer, expected):
    msg = error(tmp_path, f"input: [3, 8, 8]\nlayers:\n  - {layer}\n")
    assert msg.startswith(":3:"), msg
    assert msg.split(": ", 1)[1].startswith(expected), msg


def test_input_dims_validated(tmp_path):
    assert error(tmp_path, "input: [3, 0, 8]\nlayers: [{type: relu}]\n") == ":1:12: input[1]: Input should be greater than 0, got 0"
    assert "input: List should have at most 4 items" in error(tmp_path, "input: [3, 8, 8, 8, 8]\nlayers: [{type: relu}]\n")
    assert "layers: List should have at least 1 item" in error(tmp_path, "input: [3, 8, 8]\nlayers: []\n")


def test_unknown_top_level_key_reported_first(tmp_path):
    msg = error(tmp_path, "input: [3, 8, 8]\nlayer:\n  - {type: relu}\n")
    assert msg == ":2:1: layer: unknown key (not allowed here); did you mean 'layers'?"  # and not "layers: missing"


def test_nested_group_error_location(tmp_path):
    msg = error(tmp_path, "input: [3, 8, 8]\nlayers:\n  - name: g\n    layers:\n      - {type: conv, name: c, channels: 0, kernel: 3}\n")
    assert msg == ":5:31: layers[0] (g): layers[0] (c): channels: Input should be greater than 0, got 0"


def test_several_errors_all_shown_on_one_line(tmp_path):
    msg = error(tmp_path, "input: [3, 8, 8]\nlayers:\n  - {type: conv, name: c, channels: 0, kernel: 0, stride: 0}\n")
    p = tmp_path / "bad.yaml"
    assert msg == (
        ":3:27: layers[0] (c): channels: Input should be greater than 0, got 0"
        f" | {p}:3:40: layers[0] (c): kernel: must be a positive integer up to 2147483647, got 0"
        f" | {p}:3:51: layers[0] (c): stride: must be a positive integer up to 2147483647, got 0"
    )


def test_errors_are_capped(tmp_path):
    layers = "".join(f"  - {{type: relu, nmae: r{i}}}\n" for i in range(12))
    parts = error(tmp_path, "input: [3, 8, 8]\nlayers:\n" + layers).split(" | ")
    assert len(parts) == 11 and parts[-1] == "(+2 more errors)"
    assert parts[9].endswith(":12:18: layers[9] (relu): nmae: unknown key (not allowed here); did you mean 'name'?")


# ---------------------------------------------------------------- semantic errors


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        ("- {type: conv, name: c1, channels: 8, kernel: 3, groups: 2}", ":3:5: layer 'c1': channels 3 -> 8 are not divisible by groups=2"),
        ("- {type: conv, name: conv3, channels: 8, kernel: 7, padding: valid}", ":3:5: layer 'conv3': kernel 7x7 (dilation 1x1) is larger than the padded input 5x5"),
        ("- {type: conv, name: c, channels: 8, kernel: 3, dilation: 3, padding: 0}", ":3:5: layer 'c': kernel 3x3 (dilation 3x3) is larger than the padded input 5x5"),
        ("- {type: maxpool, name: p, kernel: 6}", ":3:5: layer 'p': kernel 6x6 (dilation 1x1) is larger than the padded input 5x5"),
        ("- {type: maxpool, name: p, kernel: 3, padding: 2}", ":3:5: layer 'p': padding 2x2 is more than half the kernel 3x3"),
        ("- {type: conv, name: c, channels: 8, kernel: 3}\n- {type: relu, input: c2}", ":4:5: layer 'relu2': input: 'c2' is not the name of an earlier layer"),
        ("- {type: relu, input: later}\n- {type: relu, name: later}", ":3:5: layer 'relu1': input: 'later' is not the name of an earlier layer"),
        ("- {type: conv, name: c, channels: 8, kernel: 3}\n- {type: add, inputs: [c, nope]}", ":4:5: layer 'add2': inputs: 'nope' is not the name of an earlier layer"),
        ("- {type: conv, name: c, channels: 8, kernel: 3}\n- {type: add, name: a, inputs: [c, input]}", ":4:5: layer 'a': cannot add 'c' (8x5x5) and 'input' (3x5x5): shapes differ"),
        ("- {type: maxpool, name: p, kernel: 2}\n- {type: concat, name: cat, inputs: [p, input]}", ":4:5: layer 'cat': cannot concat 'p' (3x2x2) and 'input' (3x5x5) along channels: other axes differ"),
        ("- {type: conv, name: c1, channels: 8, kernel: 3}\n- {type: relu, name: c1}", ":4:5: layer 'c1': duplicate layer name"),
        ("- {type: relu}\n- {type: relu, name: relu1}", ":4:5: layer 'relu1': duplicate layer name"),
        ("- {type: conv, name: c, channels: 8, kernel: [3, 3, 3]}", ":3:5: layer 'c': kernel has 3 values but the input has 2 spatial axes"),
        ("- {type: fc, units: 10}\n- {type: conv, channels: 8, kernel: 3}", ":4:5: layer 'conv2': a convolution needs a feature map (C, *spatial) input, but 'fc1' gives 10"),
        ("- {type: flatten}\n- {type: global_avgpool}", ":4:5: layer 'global_avgpool2': global pooling needs a feature map"),
        ("- {type: add, inputs: [_in, input]}", ":3:5: layer 'add1': inputs: '_in' is only defined inside a group"),
    ],
)
def test_semantic_errors(tmp_path, layers, expected):
    body = "input: [3, 5, 5]\nlayers:\n" + textwrap.indent(layers, "  ") + "\n"
    assert error(tmp_path, body).startswith(expected)


def test_groups_broken_by_the_width_multiplier_say_so(tmp_path):
    """Found by the third red team: at -a 0.3, 64 channels become 19, which groups=4 does not
    divide; the error names the multiplier, the cause the spec alone does not show."""
    body = "input: [32, 8, 8]\nlayers:\n  - {type: conv, name: c1, channels: 64, kernel: 3}\n  - {type: conv, name: c2, channels: 64, kernel: 3, groups: 4}\n"
    assert error(tmp_path, body, width=0.3) == ":4:5: layer 'c2': channels 19 -> 19 are not divisible by groups=4 (channels scaled by the width multiplier 0.3)"
    assert [layer.cost.weights for layer in read_spec(write(tmp_path, body, "ok.yaml")).layers] == [9 * 32 * 64, 9 * 16 * 64]


def test_reference_hint(tmp_path):
    msg = error(tmp_path, "input: [3, 5, 5]\nlayers:\n  - {type: conv, name: branch_a, channels: 8, kernel: 3}\n  - {type: relu, input: branch_b}\n")
    assert msg.endswith("did you mean 'branch_a'?")


def test_repeat_bomb_refused(tmp_path):
    msg = error(tmp_path, "input: [3, 8, 8]\nlayers:\n  - {repeat: 1000000, layers: [{type: relu}, {repeat: 1000000, layers: [{type: relu}]}]}\n")
    assert "more than 100,000 layers" in msg


def test_bad_options(tmp_path):
    p = write(tmp_path, "input: [3, 8, 8]\nlayers: [{type: relu}]\n")
    with pytest.raises(InputError, match="width multiplier must be a positive number"):
        read_spec(p, width=0)
    with pytest.raises(InputError, match="resolution has 3 sizes but the input has 2 spatial axes"):
        read_spec(p, resolution=(8, 8, 8))
    with pytest.raises(InputError, match="resolution must be positive"):
        read_spec(p, resolution=0)
    flat = write(tmp_path, "input: [16]\nlayers: [{type: fc, units: 4}]\n", "flat.yaml")
    with pytest.raises(InputError, match="has no spatial axes"):
        read_spec(flat, resolution=32)


# ---------------------------------------------------------------- shapes, types, costs


def test_layer_kinds_and_shapes(tmp_path):
    m = spec(
        tmp_path,
        """\
        - {type: conv, name: c, channels: 8, kernel: 3, stride: 2, bias: true}
        - {type: batchnorm, name: bn}
        - {type: hard_swish, name: act}
        - {type: depthwise, name: dw, stride: 2}
        - {type: depthwise, name: dw2, multiplier: 2}
        - {type: conv, name: g, channels: 8, kernel: 3, groups: 4}
        - {type: pointwise, name: pw, channels: 12}
        - {type: avgpool, name: ap, kernel: 2}
        - {type: concat, name: cat, inputs: [ap, ap]}
        - {type: global_maxpool, name: gp}
        - {type: dropout, name: do, rate: 0.2}
        - {type: identity, name: id}
        - {type: fc, name: fc, units: 10}
        - {type: softmax, name: sm}
        """,
        input="[3, 32, 32]",
    )
    by = {layer.name: layer for layer in m.layers}
    assert [layer.type for layer in m.layers] == [
        STANDARD, BATCHNORM, ACTIVATION, DEPTHWISE, DEPTHWISE, GROUPED, POINTWISE, POOL, CONCAT, GLOBAL_POOL, SHAPE, SHAPE, FC, SOFTMAX,
    ]  # fmt: skip
    assert by["c"].output_shape == (1, 8, 16, 16)
    assert by["c"].cost == cost.Cost(macs=27 * 8 * 256, other_ops=8 * 256, weights=27 * 8, biases=8)
    assert by["c"].kernel == (3, 3) and by["c"].conv.pads == (0, 0, 1, 1)  # TF SAME: the odd pixel at the end
    assert by["bn"].cost == cost.batchnorm_cost(8, 8 * 256)
    assert by["act"].op == "hard_swish" and by["act"].cost.other_ops == 4 * 8 * 256
    assert by["dw"].output_shape == (1, 8, 8, 8) and by["dw"].conv.groups == 8
    assert by["dw2"].output_shape == (1, 16, 8, 8) and by["dw2"].conv.cout == 16
    assert by["g"].cost.weights == 9 * 4 * 8
    assert by["ap"].output_shape == (1, 12, 4, 4) and by["ap"].cost.other_ops == 4 * 12 * 16
    assert by["cat"].output_shape == (1, 24, 4, 4) and by["cat"].inputs == ("ap", "ap")
    assert by["gp"].output_shape == (1, 24, 1, 1) and by["gp"].cost.other_ops == 24 * 16
    assert by["fc"].cost == cost.linear_cost(24, 10) and "flattened" in by["fc"].note
    assert by["sm"].output_shape == (1, 10)
    assert m.name == "net" and m.uncounted == []


def test_dsconv_expansion_and_names(tmp_path):
    m = spec(tmp_path, "- {type: dsconv, name: b, channels: 16, stride: 2, activation: relu6, repeat: 2}\n", input="[8, 8, 8]")
    assert [layer.name for layer in m.layers] == [
        "b.1.dw", "b.1.dw_bn", "b.1.dw_relu6", "b.1.pw", "b.1.pw_bn", "b.1.pw_relu6",
        "b.2.dw", "b.2.dw_bn", "b.2.dw_relu6", "b.2.pw", "b.2.pw_bn", "b.2.pw_relu6",
    ]  # fmt: skip
    assert m.layers[-1].output_shape == (1, 16, 2, 2)  # the stride repeats
    a = cost.analyze(m)
    assert len(a.blocks) == 2
    assert a.blocks[0] == cost.Block("b.1.dw", ("b.1.dw_bn", "b.1.dw_relu6"), "b.1.pw")


def test_dsconv_without_bn_or_activation(tmp_path):
    m = spec(tmp_path, "- {type: dsconv, name: b, channels: 16, batchnorm: false, activation: none}\n")
    assert [layer.name for layer in m.layers] == ["b.dw", "b.pw"]


def test_reference_to_shorthand_means_its_output(tmp_path):
    m = spec(
        tmp_path,
        """\
        - {type: dsconv, name: b, channels: 16}
        - {type: conv, name: c, channels: 16, kernel: 1, repeat: 3}
        - {type: add, name: a, inputs: [b, c, c.2]}
        """,
    )
    assert m.layers[-1].inputs == ("b.pw_relu", "c.3", "c.2")
    assert m.layers[-1].cost.other_ops == 2 * 16 * 64


def test_default_batch_and_batch_size(tmp_path):
    m = read_spec(write(tmp_path, "input: [3, 8, 8]\nbatch: 4\nlayers:\n  - {type: conv, channels: 8, kernel: 3}\n  - {type: fc, units: 2}\n"))
    assert m.layers[0].input_shape == (4, 3, 8, 8)
    assert m.layers[0].cost.macs == 4 * 27 * 8 * 64
    assert m.layers[1].cost.macs == 4 * 512 * 2


def test_1d_and_3d(tmp_path):
    m1 = spec(tmp_path, "- {type: conv, channels: 4, kernel: 5, stride: 2}\n- {type: maxpool, kernel: 2}\n", input="[2, 100]", name="a.yaml")
    assert [layer.output_shape for layer in m1.layers] == [(1, 4, 50), (1, 4, 25)]
    m3 = spec(tmp_path, "- {type: conv, channels: 4, kernel: [3, 3, 1], padding: [1, 1, 0]}\n", input="[2, 8, 8, 8]", name="b.yaml")
    assert m3.layers[0].output_shape == (1, 4, 8, 8, 8)
    assert m3.layers[0].cost.weights == 9 * 2 * 4


def test_width_opt_out_and_fc(tmp_path):
    m = spec(
        tmp_path,
        """\
        - {type: conv, name: a, channels: 32, kernel: 3}
        - {type: pointwise, name: b, channels: 64, width_scaled: false}
        - {type: fc, name: c, units: 100}
        - {type: fc, name: d, units: 100, width_scaled: true}
        """,
        width=0.5,
    )
    assert [layer.output_shape[1] for layer in m.layers] == [16, 64, 100, 50]
    assert m.notes == ["width multiplier 0.5"]


def test_group_scoping(tmp_path):
    m = spec(
        tmp_path,
        """\
        - {type: conv, name: stem, channels: 8, kernel: 3}
        - name: blk
          repeat: 2
          layers:
            - {type: conv, name: c, channels: 8, kernel: 3}
            - {type: add, name: add, inputs: [_in, c]}
            - {type: add, name: add2, inputs: [stem, add]}
        - {type: relu, name: out, input: blk.1}
        """,
    )
    by = {layer.name: layer for layer in m.layers}
    assert by["blk.1.c"].inputs == ("stem",)
    assert by["blk.1.add"].inputs == ("stem", "blk.1.c")
    assert by["blk.2.add"].inputs == ("blk.1.add2", "blk.2.c")  # _in of iteration 2
    assert by["blk.2.add2"].inputs == ("stem", "blk.2.add")  # outer names stay visible
    assert by["out"].inputs == ("blk.1.add2",)


def test_group_name_clash(tmp_path):
    msg = error(tmp_path, "input: [3, 5, 5]\nlayers:\n  - {type: relu, name: g}\n  - {name: g, layers: [{type: relu}]}\n")
    assert "layer 'g': duplicate layer name" in msg


def test_resolution_per_axis(tmp_path):
    m = spec(tmp_path, "- {type: conv, channels: 8, kernel: 3, stride: 2}\n", resolution=(64, 32))
    assert m.layers[0].input_shape == (1, 3, 64, 32)
    assert m.layers[0].output_shape == (1, 8, 32, 16)


# ---------------------------------------------------------------- schema


def test_json_schema():
    schema = spec_json_schema()
    text = json.dumps(schema)
    assert schema["title"] == "dscost layer spec"
    assert set(schema["required"]) == {"input", "layers"}
    assert schema["additionalProperties"] is False
    for t in ("conv", "dsconv", "global_avgpool", "hard_swish", "concat"):
        assert f'"{t}"' in text
    assert set(LAYER_TYPES) >= {"conv", "pointwise", "depthwise", "dsconv", "fc", "add", "concat", "group"}
    conv = schema["$defs"]["ConvSpec"]
    assert conv["additionalProperties"] is False
    assert {"anyOf"} <= set(conv["properties"]["kernel"])
    assert LayerSpecFile.model_validate({"input": [3, 8, 8], "layers": [{"type": "relu"}]}).batch == 1


# ---------------------------------------------------------------- properties


def _read_text(text: str, **kw):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "p.yaml"
        p.write_text(text)
        return read_spec(p, **kw)


@settings(max_examples=60)
@given(
    cin_g=st.integers(1, 8),
    cout_g=st.integers(1, 8),
    groups=st.integers(1, 4),
    size=st.lists(st.integers(1, 20), min_size=1, max_size=3),
    data=st.data(),
)
def test_one_conv_macs_are_params_per_output_times_outputs(cin_g, cout_g, groups, size, data):
    rank = len(size)
    kernel = [data.draw(st.integers(1, s)) for s in size]
    stride = data.draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank))
    padding = data.draw(st.sampled_from(["same", "valid"]))
    cin, cout = cin_g * groups, cout_g * groups
    text = f"input: {[cin, *size]}\nlayers:\n  - {{type: conv, channels: {cout}, kernel: {kernel}, stride: {stride}, padding: {padding}, groups: {groups}}}\n"
    layer = _read_text(text).layers[0]
    per_output = prod(kernel) * cin // groups
    assert layer.cost.weights == per_output * cout
    assert layer.cost.macs == per_output * prod(layer.output_shape)
    if padding == "same":
        assert layer.output_shape[2:] == tuple(ceil(s / t) for s, t in zip(size, stride))
    else:
        assert layer.output_shape[2:] == tuple((s - k) // t + 1 for s, k, t in zip(size, kernel, stride))


@settings(max_examples=25)
@given(
    channels=st.lists(st.integers(1, 16).map(lambda c: 4 * c), min_size=2, max_size=5),
    kernels=st.lists(st.sampled_from([1, 3, 5]), min_size=5, max_size=5),
    alpha=st.sampled_from([Fraction(1, 4), Fraction(1, 2), Fraction(3, 4)]),
)
def test_width_scales_macs_by_about_alpha_squared(channels, kernels, alpha):
    layers = "".join(
        f"  - {{type: conv, channels: {c}, kernel: {k}}}\n  - {{type: batchnorm}}\n  - {{type: relu}}\n" for c, k in zip(channels, kernels)
    )
    text = f"input: [3, 16, 16]\nlayers:\n{layers}"
    full = cost.analyze(_read_text(text)).totals.macs
    thin = cost.analyze(_read_text(text, width=float(alpha))).totals.macs
    first = prod((kernels[0],) * 2) * 3 * channels[0] * 256  # the input's 3 channels are not scaled
    # channels are multiples of 4, so alpha * c is exact: first conv scales by alpha, the rest by alpha^2
    assert thin == alpha * first + alpha**2 * (full - first)
    assert alpha**2 * full <= thin <= alpha * full


@settings(max_examples=25)
@given(
    channels=st.lists(st.integers(1, 32), min_size=1, max_size=4),
    kernels=st.lists(st.sampled_from([1, 3, 5]), min_size=4, max_size=4),
    size=st.integers(5, 12),
    resolution=st.integers(5, 48),
)
def test_resolution_scales_macs_by_rho_squared(channels, kernels, size, resolution):
    """The paper's resolution multiplier: stride-1 same-padded convs cost exactly rho^2 times as much."""
    layers = "".join(f"  - {{type: conv, channels: {c}, kernel: {k}}}\n  - {{type: relu}}\n" for c, k in zip(channels, kernels))
    text = f"input: [3, {size}, {size}]\nlayers:\n{layers}"
    full = cost.analyze(_read_text(text)).totals
    scaled = cost.analyze(_read_text(text, resolution=resolution)).totals
    rho = Fraction(resolution, size)
    assert scaled.macs == rho**2 * full.macs
    assert scaled.weights == full.weights  # resolution never changes params


def test_resolution_scales_mobilenet_convs_by_rho_squared():
    """With strides, MobileNet v1 at R = 32k keeps every feature map a multiple of R/224: conv MACs scale by
    exactly rho^2 = (R/224)^2, the FC layer (after global pooling) not at all."""
    base = cost.analyze(read_spec(Path(__file__).resolve().parent.parent / "models" / "mobilenet_v1.yaml"))
    fc = sum(layer.cost.macs for layer in base.layers if layer.type == FC)
    for r in (128, 160, 192):
        t = cost.analyze(read_spec(Path(__file__).resolve().parent.parent / "models" / "mobilenet_v1.yaml", resolution=r)).totals
        assert t.macs - fc == Fraction(r, 224) ** 2 * (base.totals.macs - fc)
