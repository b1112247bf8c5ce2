"""The Python API (dscost.analyze / compare / check): the README's examples run, results equal
the CLI's, bad input is an InputError, and `import dscost` stays cheap."""

from __future__ import annotations

import json
import os
import re
from fractions import Fraction

import pytest

import dscost
from conftest import ROOT
from dscost.cli import run
from dscost.errors import InputError

MOBILENET = "models/mobilenet_v1.yaml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def readme_api_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_readme_example_runs():
    blocks = readme_api_blocks()
    assert len(blocks) == 2 and "import torch" not in blocks[0] and "import torch" in blocks[1]
    exec(compile(blocks[0], "README.md (Python API)", "exec"), {})


def test_readme_torch_example_runs():
    if os.environ.get("DSCOST_REQUIRE_TORCH") != "1":
        pytest.importorskip("torch")
    exec(compile(readme_api_blocks()[1], "README.md (Python API, torch)", "exec"), {})


def test_public_surface():
    assert dscost.__all__ == ["analyze", "compare", "check", "Analysis", "Comparison", "CheckReport", "InputError", "__version__"]
    for name in dscost.__all__:
        assert getattr(dscost, name) is not None and name in dir(dscost)
    from dscost import cost, gate

    assert issubclass(dscost.Analysis, cost.Analysis) and dscost.Comparison is cost.Comparison and dscost.CheckReport is gate.CheckReport
    assert dscost.InputError is InputError
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        dscost.nope  # noqa: B018


def test_analyze_equals_the_cli_json(capsys, tmp_path):
    from dscost.export import export_model
    from dscost.readers import load

    onnx_path = export_model(load(MOBILENET, width=0.5), tmp_path / "m.onnx")
    for target, args, kw in [
        (MOBILENET, ["-a", "0.75", "-r", "160"], {"width": 0.75, "resolution": 160}),
        (str(onnx_path), ["-i", "input=1x3x224x224"], {"input_shape": {"input": (1, 3, 224, 224)}}),
        (onnx_path, [], {}),
    ]:
        assert run(["analyze", str(target), *args, "-f", "json", "-q"]) == 0
        cli = json.loads(capsys.readouterr().out)
        a = dscost.analyze(target, **kw)
        assert isinstance(a, dscost.Analysis) and a.to_json() == cli
    a = dscost.analyze(MOBILENET)
    assert run(["analyze", MOBILENET, "-f", "json", "--flops", "--dtype", "fp16", "--hardware", "a100"]) == 0
    assert a.to_json(flops=True, dtype="fp16", hardware="a100") == json.loads(capsys.readouterr().out)
    assert a.to_json()["totals"]["macs"] == 568_740_352 and a.totals.macs == 568_740_352


def test_by_module_and_by_operator_sum_the_layers(capsys):
    """fvcore's by_module / by_operator: the module roll-up of --depth and the by-operator table,
    as dicts of Costs that add up to the totals (a spec's block dsconv1 is its dw + pw + BNs)."""
    a = dscost.analyze(MOBILENET)
    mods = a.by_module()
    assert list(mods)[:5] == ["conv1", "conv1_bn", "conv1_relu", "dsconv1", "dsconv2"] and list(mods)[-1] == "softmax16"
    assert (mods["dsconv1"].macs, mods["dsconv1"].params) == (3_612_672 + 25_690_112, 288 + 64 + 2_048 + 128)
    assert sum(c.macs for c in mods.values()) == a.totals.macs and sum(c.params for c in mods.values()) == a.totals.params
    ops = a.by_operator()
    assert list(ops)[:3] == ["pointwise", "depthwise", "conv"] and ops["pointwise"].macs == 539_492_352 and ops["flatten"].macs == 0
    assert sum(c.macs for c in ops.values()) == 568_740_352
    assert run(["analyze", MOBILENET, "--depth", "1", "-f", "json", "-q"]) == 0
    assert a.to_json(depth=1) == json.loads(capsys.readouterr().out)
    assert [m["name"] for m in a.to_json(depth=1)["modules"]] == list(mods)
    for bad in (0, True, 1.5, "2"):
        with pytest.raises(dscost.InputError, match=rf"^depth: expected a whole number >= 1, got {re.escape(repr(bad))}$"):
            a.by_module(bad)
    with pytest.raises(dscost.InputError, match="^depth: "):
        a.to_json(depth=-1)


def test_repr_is_one_line_and_to_text_is_the_cli_report(capsys):
    """In a REPL or a notebook the dataclass's repr printed every layer (34,790 characters for
    MobileNet v1); it is one line now.  to_text() is what `dscost analyze` writes when piped,
    for the table, markdown and csv formats and with --depth / --top / --all."""
    a = dscost.analyze(MOBILENET)
    assert repr(a) == "<dscost.Analysis of 'mobilenet_v1': 85 layers, 568,740,352 MACs, 4,231,976 params>"
    for fmt, args, kw in [("table", [], {}), ("markdown", [], {}), ("csv", [], {}), ("table", ["--depth", "1", "--top", "5"], {"depth": 1, "top": 5}),
                          ("table", ["--all", "--flops"], {"show_all": True, "flops": True})]:
        assert run(["analyze", MOBILENET, "-f", fmt, *args]) == 0
        assert a.to_text(fmt, **kw) == capsys.readouterr().out
    for bad, match in [({"fmt": "json"}, r"^fmt: choose one of table, markdown, csv \(to_json\(\) gives the JSON\), got 'json'$"),
                       ({"top": 0}, r"^top: expected a whole number >= 1, got 0$"), ({"depth": "1"}, r"^depth: "), ({"flops": "yes"}, r"^flops: ")]:
        with pytest.raises(dscost.InputError, match=match):
            a.to_text(**bad)


def test_by_module_of_a_torch_module_hides_what_the_table_hides():
    """A module's rows are its children's names; the exporter's zero-cost Identity nodes (182 in
    torchvision's MobileNetV2) are no row unless show_all, as with --depth and --all."""
    if os.environ.get("DSCOST_REQUIRE_TORCH") != "1":
        pytest.importorskip("torchvision")
    import torchvision

    a = dscost.analyze(torchvision.models.mobilenet_v2(), (1, 3, 224, 224))
    mods = a.by_module()
    assert {k: (c.macs, c.params) for k, c in mods.items()} == {"features": (299_494_272, 2_223_872), "GlobalAveragePool": (0, 0), "Flatten": (0, 0), "classifier": (1_280_000, 1_281_000)}
    assert list(mods) == [m["name"] for m in a.to_json(depth=1)["modules"] if not m["hidden_by_default"]]  # --depth 1's rows
    every = a.by_module(show_all=True)
    assert len(every) > 100 and all((c.macs, c.params) == (0, 0) for k, c in every.items() if k not in mods)
    assert sum(c.params for c in mods.values()) == a.totals.params == 3_504_872
    assert list(a.by_module(2))[:3] == ["features.0", "features.1", "features.2"]


def test_compare_takes_ints_tuples_and_strings():
    base = dscost.compare()
    assert (base.standard.cost.macs, base.separable.cost.macs) == (231_211_008, 29_302_784)
    assert base.ratio == Fraction(1, 64) + Fraction(1, 9)
    rect = dscost.compare(dk=(3, 5), m=8, n=16, df="32x16", stride=2, padding="valid")
    assert rect.geom.kernel == (3, 5) and rect.geom.out_spatial == (15, 6)
    assert dscost.compare(dk="3x5", m=8, n=16, df=(32, 16), stride=(2, 2), padding="valid") == rect
    assert dscost.compare(dk=3, m=4, n=4, df=8, padding=(1, 1)).geom.pads == (1, 1, 1, 1)


def test_compare_takes_numpy_integers_as_exact_python_ints():
    """np.int64 sizes (round 57: refused, "got np.int64(32)"), counted in Python's ints: no int64 overflow."""
    import numpy as np

    r = dscost.compare(dk=np.int64(3), m=np.int64(32), n=np.int32(64), df=np.int64(112))
    assert (r.standard.cost.macs, r.separable.cost.macs) == (231_211_008, 29_302_784) and type(r.standard.cost.macs) is int
    big = dscost.compare(dk=3, m=np.int64(2**20), n=np.int64(2**20), df=np.int64(2**16))
    assert big.standard.cost.macs == 9 * 2**40 * 2**32  # (past int64: exact)


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"m": 0}, r"^m: expected an integer from 1 to 2,147,483,647, got 0$"),
        ({"n": 2.5}, r"^n: expected an integer from 1 to 2,147,483,647"),
        ({"dk": 0}, r"^dk: every size must be >= 1"),
        # sizes past int32 are typos, as in specs (round 56: a --dk of 10**30 gave rc 0 and a count of 10**64)
        ({"dk": 10**30}, r"^dk: every size must be <= 2,147,483,647 \(int32\), got 1000000000000000000000000000000$"),
        ({"m": 2**31}, r"^m: expected an integer from 1 to 2,147,483,647, got 2147483648$"),
        ({"df": "9" * 5000}, r"^df: expected an integer or HxW like 3 or 3x5, got '9{29}\.\.\.9{29}' \(5002 characters\)$"),
        ({"dk": "3x"}, r"^dk: expected an integer or HxW"),
        ({"df": [4, 4, 4], "dk": (3, 3)}, r"different numbers of dimensions"),
        ({"padding": "foo"}, r"^padding: expected same, valid"),
        ({"dk": 7, "df": 4, "padding": "valid"}, r"larger than the padded input"),
        ({"stride": True}, r"^stride: expected an integer"),
        ({"bias": "no"}, r"^bias: expected True or False, got 'no'$"),  # (red team 3: a truthy string counted a bias)
    ],
)
def test_compare_errors(kw, match):
    with pytest.raises(InputError, match=match):
        dscost.compare(**kw)


def test_check_without_limits_of_an_onnx_graph_says_to_give_limits(tmp_path):
    (tmp_path / "m.onnx").write_bytes(b"\x08\x08")
    with pytest.raises(InputError, match=r"^check: .*m.onnx is an ONNX graph; give limits"):
        dscost.check(tmp_path / "m.onnx")


def test_check_models_and_budget(tmp_path):
    r = dscost.check(MOBILENET, max_macs="600M", max_params=4_500_000, max_weight_bytes="17MB", max_standard_conv_share=0.05)
    assert r.passed and r.convention == "macs" and [x.key for x in r.models[0].results] == ["max_macs", "max_params", "max_weight_bytes", "max_standard_conv_share"]
    r = dscost.check(MOBILENET, max_macs="1G", flops=True, width=0.5)
    assert r.passed and r.models[0].results[0].actual == 2 * dscost.analyze(MOBILENET, width=0.5).totals.macs
    budget = tmp_path / "budget.yaml"
    budget.write_text(f"budgets:\n  - {{path: {ROOT / MOBILENET}, max_macs: 500M}}\n")
    r = dscost.check(budget)
    assert not r.passed and r.models[0].failures[0].key == "max_macs" and r.budget
    limits = tmp_path / "limits.yaml"  # (limits alone: they hold for the models given, as `dscost check MODEL --budget FILE`)
    limits.write_text("max_macs: 568740352\nmax_params: 4231976\n")
    r = dscost.check([MOBILENET, "models/mobilenet_v2.yaml"], budget=limits)
    assert r.passed and [(m.name, [x.actual for x in m.results]) for m in r.models] == [("mobilenet_v1", [568_740_352, 4_231_976]), ("mobilenet_v2", [300_774_272, 3_504_872])]
    assert not dscost.check(ROOT / MOBILENET, budget=budget).passed  # (the entry naming it, however its path is written)
    with pytest.raises(InputError, match="not both"):
        dscost.check(MOBILENET, budget=limits, max_macs="1G")
    with pytest.raises(InputError, match="models/mobilenet_v2.yaml: no entry of"):
        dscost.check("models/mobilenet_v2.yaml", budget=budget)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: dscost.check(MOBILENET), r"^check: models/mobilenet_v1.yaml is a layer spec, not a budget file; give limits"),
        (lambda: dscost.check("m.onnx"), r"^m.onnx: no such file$"),
        (lambda: dscost.check([MOBILENET]), "give limits"),
        (lambda: dscost.check(MOBILENET, max_macs="lots"), r"^max_macs: "),
        (lambda: dscost.check(MOBILENET, max_macs="1G", dtype="fp64"), "^dtype 'fp64'"),
        (lambda: dscost.check(MOBILENET, max_macs="1G", flops="no"), r"^flops: expected True or False, got 'no'$"),
        (lambda: dscost.check(MOBILENET, max_macs="1G", strict=1), r"^strict: expected True or False, got 1$"),
        (lambda: dscost.analyze(MOBILENET, measure_sizes="yes"), r"^measure_sizes: expected True or False"),
        (lambda: dscost.check("nope.yaml", max_macs="1G"), r"nope.yaml: no such file"),
        (lambda: dscost.analyze(MOBILENET, input_shape=(1, 3, 8, 8)), r"^input_shape applies to ONNX graphs, TFLite models and PyTorch modules only; models/mobilenet_v1.yaml is a layer spec"),
        (lambda: dscost.analyze(MOBILENET, width=0), r"^width: must be a number > 0"),
        (lambda: dscost.analyze(MOBILENET, resolution=(1, 2, 3)), r"^resolution: expected R or \(H, W\)"),
        (lambda: dscost.analyze(MOBILENET, resolution=10**30), r"^resolution: every size must be <= 2,147,483,647 \(int32\)"),  # (counted 1.1e64 MACs)
        # round 57: read by truthiness (flops="no" gave the FLOPs document), or a Python error of another type
        (lambda: dscost.analyze(MOBILENET).to_json(flops="no"), r"^flops: expected True or False, got 'no'$"),
        (lambda: dscost.analyze(MOBILENET).to_json(dtype=""), r"^dtype '': choose one of fp32"),
        (lambda: dscost.analyze(MOBILENET).to_json(hardware=5), r"^hardware 5: a preset's name \(a100, .*, local\)$"),
        (lambda: dscost.check(MOBILENET, max_macs="1G", dtype=5), r"^dtype 5: choose one of"),
        (lambda: dscost.check(MOBILENET, budget=123), r"^budget: expected a budget file's path, got a int$"),
        (lambda: dscost.check(MOBILENET, budget=["limits.yaml"]), r"^budget: expected a budget file's path, got a list$"),
        (lambda: dscost.check("models"), r"^models: is a directory, not a model file$"),  # (it said "give limits")
        (lambda: dscost.check(""), r"^an empty file name"),  # (it said "unknown model format '(no suffix)'")
        (lambda: dscost.analyze(MOBILENET, kwargs={"a": 1}), r"^kwargs applies to PyTorch modules only"),
        (lambda: dscost.analyze("x.onnx", input_shape=(1, 3)), r"^input_shape=\(1, 3\): name the input \(input_shape=\{'NAME': \(1, 3\)\}\)"),
        (lambda: dscost.analyze("x.onnx", input_shape={"x": (1, 0)}), r"^input_shape x: every size must be >= 1"),
        (lambda: dscost.analyze(42), r"^expected a model file path, a 'package.module:factory' target or a torch.nn.Module, got a int$"),
        (lambda: dscost.analyze("x.py"), r"^x.py: name what to build from the file: x.py:FACTORY"),
        (lambda: dscost.analyze(MOBILENET, (1, 3, 8, 8), input_shape=(1, 3, 8, 8)), "either inputs"),
    ],
)
def test_api_errors_are_input_errors(call, match):
    with pytest.raises(InputError, match=match):
        call()


@pytest.mark.parametrize(
    "target, kind",
    [
        ("models/x.onnx", "onnx"),
        ("C:\\models\\x.onnx", "onnx"),
        ("a:b.onnx", "onnx"),  # a file name with a colon, not a target
        ("m.yaml", "spec"),
        ("torchvision.models:mobilenet_v3_large", "torch"),
        ("./net.py:build", "torch"),
        ("C:\\work\\net.py:build", "torch"),
        ("pkg.mod:Nets.small", "torch"),
    ],
)
def test_kind_of_targets(target, kind):
    from dscost.readers import kind_of

    assert kind_of(target).name == kind


@pytest.mark.parametrize("target", ["models/x", "C:\\models\\x", "a:b:c", "pkg.mod:", ":build", "pkg-mod:build", "pkg.mod:2x"])
def test_not_targets(target):
    from dscost.readers import kind_of

    with pytest.raises(InputError, match="unknown model format"):
        kind_of(target)


def test_cli_option_parsing():
    from dscost.cli import load_options

    assert load_options(input_shape=["1x3x8x8", "mask=1x8"], kwargs='{"a": 1, "b": "x"}', arg=["b=2", "c=null", "d=True", "e=hello", "f=[1, 2]"]) == {
        "input_shapes": {"": (1, 3, 8, 8), "mask": (1, 8)},
        "kwargs": {"a": 1, "b": 2, "c": None, "d": True, "e": "hello", "f": [1, 2]},
    }
    with pytest.raises(InputError, match=r"--input-shape: expected \[NAME=\]1x3x224x224"):
        load_options(input_shape=["=1x3"])
    with pytest.raises(InputError, match="--kwargs: not valid JSON"):
        load_options(kwargs="{num_classes: 10}")
    with pytest.raises(InputError, match="--arg: expected KEY=VALUE"):
        load_options(arg=["num_classes"])


def test_diff_gives_a_bare_shape_to_pytorch_targets_only():
    from dscost.readers import options_for

    opts = {"input_shapes": {"": (1, 3, 8, 8)}, "kwargs": {"a": 1}}
    assert options_for("m.onnx", opts) == {}
    assert options_for("m.onnx", {"input_shapes": {"": (1, 3), "x": (1, 2)}}) == {"input_shapes": {"x": (1, 2)}}
    assert options_for("pkg.mod:f", opts) == opts


def test_check_peak_activation_limit():
    # MobileNet v1 at fp32: peak live activations 6,422,528 bytes (2 x 64x112x112 x 4 B, README "Memory")
    assert not dscost.check(MOBILENET, max_peak_activation_bytes="6.4MB").passed
    assert dscost.check(MOBILENET, max_peak_activation_bytes="6.43MB").passed
    assert dscost.check(MOBILENET, max_peak_activation_bytes="3.3MB", dtype="fp16").passed  # 3,211,264 at 2 B
    with pytest.raises(InputError, match="max_peak_activation_bytes"):
        dscost.check(MOBILENET, max_peak_activation_bytes="lots")
