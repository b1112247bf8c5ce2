"""PyTorch targets (`dscost analyze pkg.mod:factory` / `file.py:factory`) and nn.Modules through
the API: counts equal torch's own counter (FlopCounterMode FLOPs / 2, sum(p.numel())), layer
names are module paths, nothing torch prints reaches stdout, every error is one line.

torch is optional: these tests skip when it is not installed, except under
DSCOST_REQUIRE_TORCH=1 (set by .ci/run), where a missing torch or torchvision fails them."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT, run_with_stderr_on_a_terminal


def need(name: str):
    if os.environ.get("DSCOST_REQUIRE_TORCH") == "1":
        __import__(name)  # fail loudly: CI must run these tests
    try:
        return __import__(name)
    except Exception as err:  # torchvision beside a CPU torch fails with RuntimeError, not ImportError
        pytest.skip(f"{name} does not import here ({type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''})", allow_module_level=True)


torch = need("torch")

import torch_models as tm  # noqa: E402  (imports torch)

import dscost  # noqa: E402
from dscost.cli import run  # noqa: E402
from dscost.errors import InputError  # noqa: E402
from dscost.readers import load  # noqa: E402

TINY = "tests/torch_models.py:tiny"


def torch_counts(module, *args) -> tuple[int, int]:
    """(MACs, params) by torch: FlopCounterMode FLOPs / 2 in eval mode, sum(p.numel())."""
    from torch.utils.flop_counter import FlopCounterMode

    module.eval()
    with torch.enable_grad(), FlopCounterMode(display=False) as counter:
        module(*args)
    return counter.get_total_flops() // 2, sum(p.numel() for p in module.parameters())


def in_onnxruntime(module, x, path, opset: int) -> tuple[list, list]:
    """(onnxruntime's outputs, torch's) of ``module`` on ``x``, exported to ``path`` by the
    TorchScript exporter at ``opset`` (input "x", no folding), with the symbolics registered."""
    ort = need("onnxruntime")
    torch.onnx.export(module, (x,), str(path), dynamo=False, opset_version=opset, input_names=["x"], do_constant_folding=False)
    with torch.no_grad():
        want = module(x)
    want = [w.numpy() for w in (want if isinstance(want, tuple) else (want,))]
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x.numpy()}), want


def bn_buffers(module) -> int:
    return sum(m.running_mean.numel() + m.running_var.numel() for m in module.modules() if isinstance(m, torch.nn.BatchNorm2d))


def cli_json(capsys, *args: str) -> dict:
    capsys.readouterr()  # what the test itself printed (torch_models' modules print)
    code = run([*args, "-f", "json", "-q"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("DSCOST_DEBUG", raising=False)


# --------------------------------------------------------------------------
# Counts against torch


def test_module_defined_in_the_test_equals_torch():
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = torch.nn.Sequential(
                torch.nn.Conv2d(3, 16, 3, 2, 1), torch.nn.BatchNorm2d(16), torch.nn.ReLU(),
                torch.nn.Conv2d(16, 16, 3, 1, 1, groups=16), torch.nn.Conv2d(16, 32, 1), torch.nn.ReLU(),
                torch.nn.Conv2d(32, 32, 5, 1, 2, dilation=1),
            )  # fmt: skip
            self.fc = torch.nn.Linear(32, 7)

        def forward(self, x):
            return self.fc(self.body(x).mean((2, 3)))

    net = Net().train()
    x = torch.rand(2, 3, 40, 40)
    macs, params = torch_counts(net, x)
    net.train()
    a = dscost.analyze(net, x)
    assert net.training  # the module's own mode is restored
    assert (a.totals.macs, a.totals.params) == (macs, params)
    assert a.totals.buffers == bn_buffers(net)
    assert [layer.name for layer in a.layers if layer.conv] == ["body.0", "body.3", "body.4", "body.6"]
    assert [layer.type for layer in a.layers if layer.conv] == ["conv", "depthwise", "pointwise", "conv"]
    assert set(a.what_if) == {"body.0", "body.6"} and [b.depthwise for b in a.blocks] == ["body.3"]
    # the same module by shape, as ptflops takes it, and by input_shape=
    for by_shape in (dscost.analyze(net, (2, 3, 40, 40)), dscost.analyze(net, input_shape="2x3x40x40"), dscost.analyze(net, input_shape={"x": (2, 3, 40, 40)})):
        assert (by_shape.totals.macs, by_shape.totals.params) == (macs, params)


def test_a_ceil_mode_pool_counts_as_torch_runs_it():
    """MaxPool2d(2, 2, padding=1, ceil_mode=True) on 9x9: torch drops the window that would start in
    the end padding (5x5); the exported graph, inferred by onnx, says 6x6 (onnx_runtime_sizes.runtime_sizes)."""
    net = torch.nn.Sequential(torch.nn.MaxPool2d(2, 2, padding=1, ceil_mode=True), torch.nn.Conv2d(3, 8, 3, padding=1),
                              torch.nn.AvgPool2d(2, 2, padding=1, ceil_mode=True), torch.nn.Conv2d(8, 4, 1))  # fmt: skip
    x = torch.rand(1, 3, 9, 9)
    assert tuple(net(x).shape) == (1, 4, 3, 3)
    macs, params = torch_counts(net, x)
    a = dscost.analyze(net, x)
    assert (a.totals.macs, a.totals.params) == (macs, params) == (9 * 3 * 8 * 5 * 5 + 8 * 4 * 3 * 3, 8 * 27 + 8 + 4 * 8 + 4)
    assert a.layers[-1].output_shape == (1, 4, 3, 3)


def test_an_upsample_by_a_scale_counts_as_torch_runs_it():
    """interpolate(scale_factor=1.4) of 20x15 makes 28x21 in torch (20 x 1.4 = 28.0 in double); the
    exported graph, its scales a Concat of two Constants (no constant folding) of 1.4 as a float32,
    is inferred by onnx >= 1.22 at 27x20 (exactly 27.9999996 and 20.9999997), and the conv after it
    declared at torch's 26x19 was uncounted (onnx_runtime_sizes.runtime_sizes)."""

    class Up(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.c1, self.c2 = torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.Conv2d(16, 8, 3)

        def forward(self, x):
            return self.c2(torch.nn.functional.interpolate(self.c1(x), scale_factor=1.4, mode="bilinear"))

    net, x = Up(), torch.rand(1, 3, 20, 15)
    macs, params = torch_counts(net, x)
    a = dscost.analyze(net, x)
    assert a.model.uncounted == [] and (a.totals.macs, a.totals.params) == (macs, params) == (9 * 3 * 16 * 20 * 15 + 9 * 16 * 8 * 26 * 19, 448 + 1160)
    assert [layer.output_shape for layer in a.layers if layer.type == "conv"] == [(1, 16, 20, 15), (1, 8, 26, 19)]


def test_target_file_module_and_instance_equal_torch(capsys):
    macs, params = torch_counts(tm.tiny(), torch.rand(1, 3, 32, 32))
    d = cli_json(capsys, "analyze", TINY, "--input-shape", "1x3x32x32")
    assert (d["totals"]["macs"], d["totals"]["params"]) == (macs, params)
    assert d["model"] == "tiny" and d["source"] == TINY
    assert cli_json(capsys, "analyze", TINY, "-i", "1x3x32x32", "--arg", "width=16")["model"] == "tiny(width=16)"  # (which model a factory built)
    names = [layer["name"] for layer in d["layers"] if layer["type"] != "shape"]
    assert names[:3] == ["stem.0", "stem.1", "stem.2"] and "se.fc1" in names and "se/Mul" in names and "head.1" in names
    assert [b["depthwise"] for b in d["blocks"]] == ["dw.0"] and list(d["blocks"][0]["middle"]) == ["dw.1", "dw.2"]
    assert any("torch.onnx.export" in n and "forward(x: 1x3x32x32)" in n for n in d["notes"])
    # a module path (tests/ is on sys.path under pytest), and an nn.Module attribute
    for target in ("torch_models:tiny", "tests/torch_models.py:tiny_instance", "torch_models:Tiny"):
        d = cli_json(capsys, "analyze", target, "-i", "x=1x3x32x32")
        assert (d["totals"]["macs"], d["totals"]["params"]) == (macs, params), target


def test_factory_arguments(capsys):
    default = torch_counts(tm.tiny(), torch.rand(1, 3, 32, 32))
    wide = torch_counts(tm.tiny(num_classes=5, width=16), torch.rand(1, 3, 32, 32))
    assert wide != default
    d = cli_json(capsys, "analyze", TINY, "-i", "1x3x32x32", "--kwargs", '{"num_classes": 5, "width": 4}', "--arg", "width=16")
    assert (d["totals"]["macs"], d["totals"]["params"]) == wide  # --arg overrides --kwargs
    a = dscost.analyze(TINY, input_shape=(1, 3, 32, 32), kwargs={"num_classes": 5, "width": 16})
    assert (a.totals.macs, a.totals.params) == wide
    # diff: the same factory arguments for both sides; check: limits against the counts
    macs16 = torch_counts(tm.tiny(width=16), torch.rand(1, 3, 32, 32))[0]
    capsys.readouterr()
    code = run(["diff", TINY, "torch_models:tiny", "-i", "1x3x32x32", "--arg", "width=16", "--fail-on-increase", "0", "-f", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    d = json.loads(out)
    assert d["base"]["macs"] == d["new"]["macs"] == macs16 and d["delta"]["macs"] == 0
    assert run(["check", TINY, "-i", "1x3x32x32", "--arg", "width=16", "--max-macs", str(macs16)]) == 0
    assert run(["check", TINY, "-i", "1x3x32x32", "--arg", "width=16", "--max-macs", str(macs16 - 1)]) == 1
    capsys.readouterr()


def test_mobilenet_v2_written_like_torchvision(capsys):
    """torchvision's MobileNetV2 numbers (the zoo table of docs/onnx.md) and torch's counter."""
    macs, params = torch_counts(tm.mobilenet_v2(), torch.rand(1, 3, 224, 224))
    assert (macs, params) == (300_774_272, 3_504_872)
    d = cli_json(capsys, "analyze", "torch_models:mobilenet_v2", "-i", "1x3x224x224")
    assert (d["totals"]["macs"], d["totals"]["params"]) == (macs, params)
    assert d["uncounted"] == [] and len(d["blocks"]) == 17
    assert d["blocks"][1] == {"depthwise": "features.2.conv.1.0", "middle": ["features.2.conv.1.1", "features.2.conv.1.2"], "pointwise": "features.2.conv.2"}
    assert "features.3/Add" in [layer["name"] for layer in d["layers"]]


def test_torchvision_model(capsys):
    """The issue's command: a real torchvision model by its module path."""
    need("torchvision")
    import torchvision

    macs, params = torch_counts(torchvision.models.mobilenet_v3_large(), torch.rand(1, 3, 224, 224))
    assert (macs, params) == (216_589_760, 5_483_032)  # the zoo table of docs/onnx.md
    d = cli_json(capsys, "analyze", "torchvision.models:mobilenet_v3_large", "--input-shape", "1x3x224x224", "--arg", "dropout=0.5")
    assert (d["totals"]["macs"], d["totals"]["params"], d["uncounted"]) == (macs, params, [])
    names = {layer["name"] for layer in d["layers"]}
    assert {"features.0.0", "features.4.block.1.0", "features.4.block.2.fc1", "classifier.3"} <= names


def test_named_input_shapes():
    pair = tm.Pair()
    x, e = torch.rand(1, 3, 8, 8), torch.rand(1, 6)
    macs, params = torch_counts(pair, x, e)
    for a in (
        dscost.analyze("torch_models:Pair", input_shape={"image": (1, 3, 8, 8), "extra": (1, 6)}),
        dscost.analyze(pair, (x, e)),
        dscost.analyze(pair, {"image": x, "extra": e}),
    ):
        assert (a.totals.macs, a.totals.params) == (macs, params)
    a = dscost.analyze(pair, {"image": x, "extra": e, "scale": torch.rand(1, 4)})
    assert a.totals.macs == macs
    with pytest.raises(InputError, match=r"forward\(image, extra, scale\) takes 2 inputs; name each shape: input_shape=\{'image': .*'extra'"):
        dscost.analyze(pair, (1, 3, 8, 8))
    with pytest.raises(InputError, match=r"forward\(image, extra, scale\) also needs extra: input_shape=\{'extra'"):
        dscost.analyze(pair, input_shape={"image": (1, 3, 8, 8)})
    with pytest.raises(InputError, match=r"has no parameter 'imag'"):
        dscost.analyze(pair, input_shape={"imag": (1, 3, 8, 8), "extra": (1, 6)})


# --------------------------------------------------------------------------
# Output stays clean; errors are one line


def test_json_stdout_is_only_json_and_stderr_is_quiet(capfd, monkeypatch):
    """tiny() and its forward print on stdout and stderr (Python level), torch warns: none of it
    reaches file descriptors 1 and 2, so --format json stays parseable."""
    capfd.readouterr()
    assert run(["analyze", TINY, "-i", "1x3x32x32", "-f", "json"]) == 0
    out, err = capfd.readouterr()
    assert json.loads(out)["totals"]["macs"] > 0 and err == ""
    monkeypatch.setenv("DSCOST_DEBUG", "1")
    assert run(["analyze", TINY, "-i", "1x3x32x32", "-f", "json"]) == 0
    out, err = capfd.readouterr()
    assert json.loads(out)["model"] == "tiny"
    assert "Tiny.forward: printed on every call" in err  # replayed on stderr for debugging


def test_a_count_that_depends_on_the_inputs_values_is_said():
    """The trace turns x.abs().max() into a Python int: the loop count, and so the MACs (64 per
    step), are those of the traced input.  A note names the place; resnet-like code gets none."""
    x = torch.full((1, 8), 0.35)  # (3 steps)
    a = dscost.analyze(tm.ValueSteps(), x)
    assert a.totals.macs == 3 * 64
    (note,) = [n for n in a.model.notes if n.startswith("the trace read tensor values as Python numbers")]
    assert note.startswith("the trace read tensor values as Python numbers at 1 place(s) (torch_models.py:")
    assert not any("trace read" in n for n in dscost.analyze(tm.tiny(), (1, 3, 32, 32)).model.notes)


def test_iterating_over_a_tensor_reads_no_value():
    """Found by round 39 (DARTS' MixedOp, ``sum(w * op(x) for w, op in zip(alphas, ops))``):
    iterating over a tensor reads only the length of its first dimension, which the trace fixes
    anyway; torch warns that the trace "might be incorrect", and dscost said it read values."""

    class Mixed(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.ones(2))
            self.a, self.b = torch.nn.Linear(4, 4), torch.nn.Linear(4, 4)

        def forward(self, x):
            return sum(w * op(x) for w, op in zip(self.w, (self.a, self.b)))

    a = dscost.analyze(Mixed(), (1, 4))
    assert (a.totals.macs, a.totals.params) == (2 * 16, 2 + 2 * 20)
    assert not any("trace read" in n for n in a.model.notes)


def test_what_a_target_prints_at_exit_goes_to_stderr(tmp_path):
    """A target's atexit handler (telemetry, logging) runs after the report is written: it prints
    to stderr, so `-f json` stays one JSON document."""
    (tmp_path / "t.py").write_text("import atexit\nfrom torch import nn\n\ndef build():\n"
                                   "    atexit.register(lambda: print('telemetry: flushed 3 events'))\n    return nn.Linear(10, 10)\n")  # fmt: skip
    r = subprocess.run([sys.executable, "-m", "dscost", "analyze", "t.py:build", "-i", "1x10", "-f", "json", "-q"], capture_output=True, text=True,
                       cwd=tmp_path, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert r.returncode == 0 and json.loads(r.stdout)["totals"]["macs"] == 100 and "telemetry: flushed 3 events" in r.stderr


ERRORS = [
    (["no_such_module_xyz:build"], "no_such_module_xyz:build: cannot import no_such_module_xyz: no module named 'no_such_module_xyz'"),
    (["tests/no_such_file.py:build"], "tests/no_such_file.py:build: no such Python file tests/no_such_file.py"),
    (["tests/torch_models.py:tinyy"], "tests/torch_models.py:tinyy: tests/torch_models.py has no attribute 'tinyy' (did you mean 'tiny'?)"),
    (["tests/torch_models.py:raises"], "tests/torch_models.py:raises: raises() raised ValueError: bad config: depth must be even"),
    (["tests/torch_models.py:tiny", "--arg", "depth=3"], "tiny(depth=3) raised TypeError: tiny() got an unexpected keyword argument 'depth'"),
    (["tests/torch_models.py:bad_checkpoint"], "bad_checkpoint() raised RuntimeError: Error(s) in loading state_dict for Linear: size mismatch for weight: copying a param with shape torch.Size([4, 3]) from checkpoint, the shape in current model is torch.Size([4, 4])."),
    (["tests/torch_models.py:returns_int"], "returns_int() returned an int, not a torch.nn.Module"),
    (["tests/torch_models.py:NOT_CALLABLE"], "NOT_CALLABLE is a int, not an nn.Module or a function returning one"),
    (["tests/torch_models.py:tiny_instance", "--arg", "width=3"], "tiny_instance is an nn.Module instance, not a factory"),
    (["tests/torch_models.py:NotExportable"], "torch.onnx.export failed: UnsupportedOperatorError: Exporting the operator 'aten::linalg_svdvals' to ONNX opset version 17 is not supported; the dynamo exporter too: "),
    (["tests/torch_models.py:tiny", "-i", "1x1x32x32"], "tests/torch_models.py:tiny: forward(x: 1x1x32x32) failed: RuntimeError: Given groups=1, weight of size [8, 3, 3, 3], expected input[1, 1, 32, 32] to have 3 channels"),
    (["tests/torch_models.py:tiny", "-i", "y=1x3x32x32"], "forward(x) has no parameter 'y'"),
    (["tests/torch_models.py:Pair", "-i", "1x3x8x8"], "forward(image, extra, scale) takes 2 inputs; name each shape: --input-shape image=1x3x224x224, --input-shape extra=1x3x224x224"),
    (["tests/torch_models.py:tiny", "--kwargs", "[1]"], "--kwargs: expected a JSON object"),
    (["tests/torch_models.py:tiny", "--arg", "1x=2"], "--arg: expected KEY=VALUE"),
    (["tests/torch_models.py:tiny", "-a", "0.5"], "--width-multiplier/--resolution apply to YAML layer specs only; tests/torch_models.py:tiny is a PyTorch module (use --input-shape)"),
    (["models/mobilenet_v1.yaml", "--arg", "width=3"], "--kwargs/--arg apply to PyTorch modules only; models/mobilenet_v1.yaml is a layer spec"),
]


@pytest.mark.parametrize("args, needle", ERRORS, ids=[e[0][0].rpartition(":")[2] + "-" + "-".join(e[0][1:]) for e in ERRORS])
def test_errors_are_one_line_exit_2(capsys, args, needle):
    capsys.readouterr()
    if args[0] == "tests/torch_models.py:tiny" and "-i" not in args:
        args = [*args, "-i", "1x3x32x32"]
    if "NotExportable" in args[0]:
        args = [*args, "-i", "1x3x4x4"]
    code = run(["analyze", *args])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dscost: error: ") and "Traceback" not in err, err
    assert needle in lines[0]


def test_a_module_that_caches_at_its_first_forward_is_exported_from_its_parameters():
    """A module that caches a tensor at its first forward in eval mode (transformers' LeViT) is
    exported before any forward of dscost's: the trace reads the parameter, not a cached copy
    (which the trace would take as a constant).  A run before the export made LeViT's params
    624 short; here it left out the table's 12."""
    m = tm.BiasCache()
    a = dscost.analyze(m, torch.randn(4, 8))
    assert a.totals.macs == 4 * 8 * 8 and a.totals.params == 8 * 8 + 8 + 4 * 3 == sum(p.numel() for p in m.parameters())
    assert "TorchScript exporter" in a.model.notes[0] and m.cache  # (the trace ran the forward: the cache holds its copy now)


def test_an_op_from_a_later_opset_keeps_the_torchscript_exporter():
    """aten::col2im (F.fold) has a TorchScript symbolic from opset 18, not at 17: the module is
    exported at 18 by the same exporter (params as torch counts them), and the note says so."""
    a = dscost.analyze(tm.Folding(), (1, 4, 4))
    assert (a.totals.macs, a.totals.params) == torch_counts(tm.Folding(), torch.rand(1, 4, 4)) == (16 * 4, 4 * 4 + 4)
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 18, BatchNorm kept) at forward(x: 1x4x4)")


def test_a_compiled_module_is_counted_as_the_module_it_runs():
    """Found by the fourth red team: `torch.compile(module)` (an OptimizedModule) made the
    TorchScript exporter fail ("FX to torch.jit.trace a dynamo-optimized function"), and the
    dynamo exporter's graph named the layers `node_conv2d`, with a stray external-data note.
    The wrapper's own module is exported: the same layers and notes as the module's.  Conv 3->8
    3x3 on 16x16 (14x14 out): 8 x 3 x 9 x 196 = 42,336; 1x1 8->4: 4 x 8 x 196 = 6,272."""
    m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU(), torch.nn.Conv2d(8, 4, 1))
    a = dscost.analyze(torch.compile(m), (1, 3, 16, 16))
    assert (a.totals.macs, a.totals.params) == (42_336 + 6_272, 8 * 27 + 8 + 4 * 8 + 4)
    assert [layer.name for layer in a.layers] == ["0", "1", "2"]
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17") and len(a.model.notes) == 2


def test_a_data_parallel_module_is_counted_as_the_module_it_wraps():
    """A training script's nn.DataParallel(model) (on the CPU it runs its .module): the
    TorchScript exporter refuses the wrapper ("use 'attribute' module to unwrap model"), so the
    dynamo exporter ran, folded the BatchNorm into the conv and lost its 2 x 8 norm params.  The
    wrapped module is exported, under its own layer names, even compiled and wrapped twice.
    Conv 3->8 3x3 on 16x16 (14x14 out): 8 x 3 x 9 x 196 = 42,336 MACs, 216 weights; BN 16 params."""
    m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, bias=False), torch.nn.BatchNorm2d(8), torch.nn.ReLU())
    for wrapped in (torch.nn.DataParallel(m), torch.compile(torch.nn.DataParallel(torch.nn.DataParallel(m)))):
        a = dscost.analyze(wrapped, (1, 3, 16, 16))
        assert (a.totals.macs, a.totals.params, a.totals.buffers) == (42_336, 216 + 16, 16)
        assert [(layer.name, layer.op) for layer in a.layers if layer.op != "Identity"] == [("0", "Conv"), ("1", "BatchNormalization"), ("2", "Relu")]
        assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")


@pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")  # (torch.jit's deprecation)
def test_other_forms_of_a_module_count_as_the_module(tmp_path):
    """Round 51 (the forms users hold a model in), on conv 3->8 3x3 + BN + ReLU over 16x16:
    42,336 MACs, 216 weights + 16 BN params.  A submodule compiled in place (``m.compile()``) or
    a child wrapped by torch.compile made the TorchScript exporter fail, and the dynamo exporter
    folded the BatchNorm (16 params short): they run as written while counted, and are put back.
    A torch.export program given as an object was refused ("got a ExportedProgram"), as a
    target it was called as a factory: its module is counted, as its .pt2 file is, at its
    example inputs; decomposed to core ATen, its BatchNorm and softmaxes have symbolics of dscost's.  A frozen ScriptModule (torch.jit.freeze) crashed on its missing mode
    (``dscost: internal error``): counted, its weights constants of its graph, so buffers, said."""
    def block():
        return torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, bias=False), torch.nn.BatchNorm2d(8), torch.nn.ReLU()).eval()

    inplace, child = block(), block()
    inplace.compile()
    child[0] = torch.compile(child[0])
    for m in (inplace, torch.nn.Sequential(child)):
        a = dscost.analyze(m, (1, 3, 16, 16))
        assert (a.totals.macs, a.totals.params, a.totals.buffers) == (42_336, 216 + 16, 16)
        assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")
    assert inplace._compiled_call_impl is not None and type(child[0]).__name__ == "OptimizedModule"  # (put back)
    x = torch.rand(1, 3, 16, 16)
    program = torch.export.export(block(), (x,))
    a = dscost.analyze(program)
    assert (a.totals.macs, a.totals.params, a.totals.buffers) == (42_336, 216 + 16, 16)
    (tmp_path / "programs.py").write_text("import torch\nblock = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU()).eval()\n"
                                          "program = torch.export.export(block, (torch.rand(1, 3, 16, 16),))\n")
    soft = torch.nn.Sequential(block(), torch.nn.Softmax(dim=-1), torch.nn.Linear(14, 6), torch.nn.LogSoftmax(dim=1)).eval()
    decomposed = torch.export.export(soft, (x,)).run_decompositions().module()  # (core ATen: _native_batch_norm_legit_no_training, _softmax...)
    d = dscost.analyze(decomposed, x)  # (they had no TorchScript symbolic: the dynamo fallback folded the BatchNorm)
    assert (d.totals.macs, d.totals.params, d.totals.buffers) == (42_336 + 8 * 14 * 6 * 14, 216 + 16 + 90, 16) and "TorchScript exporter" in d.model.notes[0]
    t = dscost.analyze(f"{tmp_path / 'programs.py'}:program", input_shape=(1, 3, 16, 16))
    assert (t.totals.macs, t.totals.params) == (42_336, 216 + 8)
    t = dscost.analyze(f"{tmp_path / 'programs.py'}:program")  # (a target naming a program: at its example inputs, as the object; it asked for --input-shape)
    assert (t.totals.macs, t.totals.params, tuple(t.model.inputs[0][1])) == (42_336, 216 + 8, (1, 3, 16, 16))
    frozen = torch.jit.freeze(torch.jit.script(block()))
    f = dscost.analyze(frozen, x)
    assert (f.totals.macs, f.totals.params, f.totals.buffers) == (42_336, 0, 216)  # (freeze folds BN into the conv: its weight; the folded bias is 8 zeros, a literal)
    assert any(n.startswith("a frozen TorchScript module (torch.jit.freeze): its weights are constants of its graph") for n in f.model.notes)


@pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning", "ignore::UserWarning")  # (torch.jit's deprecation)
def test_a_scripted_recurrent_module_counts_its_weights_as_params():
    """Round 51: torch.jit.script of a module holding an nn.LSTM or nn.GRU -- the scripted RNN
    reads its ``_flat_weights`` list, which the exporter writes as Constant nodes, not named
    initializers -- counted those weights as buffers, and a note called them unused.  They are
    matched to the module's parameters by value: the plain module's params.  LSTM(16, 32, 2
    layers, bidirectional): 4 x 32 x (16 + 32) + 4 x 32 x (64 + 32) = 6,144 + 12,288 per
    direction, weights and 2 x 128 biases each; GRU(16, 8): 3 x 8 x 24 + 48 biases."""
    class Tagger(torch.nn.Module):
        def __init__(self, rnn):
            super().__init__()
            self.rnn, self.fc = rnn, torch.nn.Linear(rnn.hidden_size * (1 + rnn.bidirectional), 5)

        def forward(self, x):
            y, _ = self.rnn(x)
            return self.fc(y)

    for rnn in (torch.nn.LSTM(16, 32, num_layers=2, bidirectional=True, batch_first=True), torch.nn.GRU(16, 8, batch_first=True)):
        m, x = Tagger(rnn).eval(), torch.rand(1, 10, 16)
        plain, scripted = dscost.analyze(m, x), dscost.analyze(torch.jit.script(m), x)
        assert (scripted.totals.macs, scripted.totals.params) == (plain.totals.macs, plain.totals.params) == (plain.totals.macs, sum(p.numel() for p in m.parameters()))
        assert scripted.totals.buffers == 0 and not any("in no graph" in n for n in scripted.model.notes)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")  # (torch.ao.quantization's deprecation)
def test_a_dynamically_quantized_module_counts_as_the_float_module(tmp_path):
    """Round 51: ``torch.ao.quantization.quantize_dynamic`` (int8 or float16 Linear, LSTM, GRU and
    cells) was refused -- torch's exporters have no ``quantized::linear_dynamic`` -- though its
    work is the float module's, in int8.  Its layers are counted as the float layers of their
    unpacked weights, put back afterwards, and a note says the packed weights (no
    nn.Parameters) count as params.  By hand: Embedding 50 x 16 (800); a 2-layer bidirectional
    LSTM(16, 12) over 2 x 9 tokens: 4 x 12 x (16 + 12) = 1,344 and 4 x 12 x (24 + 12) = 1,728 MACs
    per step, direction and row -> 3,072 x 2 x 18 = 110,592; Linear 24 -> 5 on 18 rows 2,160;
    GRUCell(5, 7) on the last 2 rows: 3 x 7 x 12 x 2 = 504.  113,256 MACs; params 800 +
    2 x (1,344 + 96) + 2 x (1,728 + 96) + 125 + 3 x 7 x 12 + 42 = 7,747."""
    class Tagger(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb, self.head, self.cell = torch.nn.Embedding(50, 16), torch.nn.Linear(24, 5), torch.nn.GRUCell(5, 7)
            self.lstm = torch.nn.LSTM(16, 12, num_layers=2, bidirectional=True, batch_first=True)

        def forward(self, x):
            y, _ = self.lstm(self.emb(x))
            return self.cell(self.head(y)[:, -1])

    m, x = Tagger().eval(), torch.randint(0, 50, (2, 9))
    for dtype in (torch.qint8, torch.float16):
        q = torch.ao.quantization.quantize_dynamic(m, {torch.nn.Linear, torch.nn.LSTM, torch.nn.GRUCell}, dtype=dtype)
        a = dscost.analyze(q, x)
        assert (a.totals.macs, a.totals.params, a.totals.buffers, a.model.uncounted) == (113_256, 7_747, 0, [])
        assert sum(p.numel() for p in q.parameters()) == 800  # (torch's own sum: the packed weights are none)
        assert any(n.startswith("dynamically quantized layers (torch.ao.quantization.quantize_dynamic: 1 GRUCell, 1 LSTM, 1 Linear) counted as "
                                f"the float layers they compute: the same multiply-adds, on {str(dtype)[6:].lstrip('q')} weights; their packed weights (6,947)")
                   for n in a.model.notes)  # fmt: skip
        assert type(q.lstm).__module__.startswith("torch.ao.nn.quantized.dynamic")  # (put back)
        assert torch.equal(q(x), q(x))


@pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning", "ignore::UserWarning")  # (torch.jit's deprecation)
def test_a_traced_attention_module_counts_through_torchs_torchscript_converter(tmp_path, capsys):
    """Round 51: a traced nn.MultiheadAttention -- torch.jit.trace, or its saved .pt file -- was
    refused: the TorchScript exporter lowers a ScriptModule's graph without the trace's shapes
    ("transpose for tensor of unknown rank") and the dynamo exporter takes no ScriptModule.  Such
    a module is made a torch.export program by torch's TorchScript converter first (its
    parameters keep their names), and counts as the plain module.  By hand, 5 tokens of 16:
    in-projection 5 x 16 x 48 = 3,840, scores and values 2 heads x 5 x 5 x 8 x 2 = 800, output
    projection 5 x 16 x 16 = 1,280, Linear 16 -> 4 on 5 rows 320: 6,240 MACs; params 816 + 272 +
    68 + 10 (BatchNorm1d(5)), 10 statistics buffers (torch 2.14; torch 2.5's converter refuses it, in
    one line).  A scripted one keeps its ``if``s, which the converter refuses: the aten ops one run
    of it makes are traced (make_fx, its ``if``s decided at the inputs), its constants renamed to
    its parameters and buffers by storage -- the same counts.  Frozen, its weights are constants
    of its graph, which that would count as parameters: refused in one line, as before."""
    class Attend(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.mha, self.norm, self.fc = torch.nn.MultiheadAttention(16, 2, batch_first=True), torch.nn.BatchNorm1d(5), torch.nn.Linear(16, 4)

        def forward(self, x):
            y, _ = self.mha(x, x, x)
            return self.fc(self.norm(y))

    m, x = Attend().eval(), torch.rand(1, 5, 16)
    traced = torch.jit.trace(m, (x,), check_trace=False)
    if tuple(int(v) for v in torch.__version__.split("+")[0].split(".")[:2]) < (2, 6):  # (torch 2.5's converter guards on a size it cannot know)
        with pytest.raises(InputError, match=r"unknown rank; as a torch.export program made by torch's TorchScript converter: GuardOnDataDependentSymNode"):
            dscost.analyze(traced, x)
        return
    a = dscost.analyze(traced, x)
    assert (a.totals.macs, a.totals.params, a.totals.buffers) == (6_240, 1_166, 10) and not a.model.uncounted
    assert "from the torch.export program torch's TorchScript converter made of it (as it is: SymbolicValueError" in a.model.notes[0]
    torch.jit.save(traced, tmp_path / "attend.pt")
    assert run(["analyze", str(tmp_path / "attend.pt"), "-i", "1x5x16", "-f", "json", "-q"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["macs"] == 6_240
    scripted = dscost.analyze(torch.jit.script(m), x)
    assert (scripted.totals.macs, scripted.totals.params, scripted.totals.buffers) == (6_240, 1_166, 10) and not scripted.model.uncounted
    assert "from the aten ops one run of it makes at these inputs (make_fx: its ifs and loops decided by them) (as it is: UnsupportedOperatorError" \
        in scripted.model.notes[0]  # fmt: skip
    with pytest.raises(InputError, match=r"traced through one run of it \(make_fx\): ValueError: a tensor of its run \(\(48, 16\)\) is none of its parameters"):
        dscost.analyze(torch.jit.freeze(torch.jit.script(m)), x)  # (frozen: its weights constants of its graph, which would count as parameters)


def test_inputs_made_from_a_shape_take_the_modules_float_type():
    """A module in float64 (or half precision) given a shape: dscost made float32 inputs, the
    TorchScript exporter failed on them ("Input type (torch.FloatTensor) and weight type
    (torch.DoubleTensor) should be the same"), and the dynamo exporter, which then ran, folded
    the BatchNorm away (2 x 8 params short).  The inputs take the weights' type (and device), as
    ptflops makes its input; a type given with the shape still wins.  Conv 3->8 3x3 on 16x16:
    8 x 3 x 9 x 196 = 42,336 MACs, 216 weights; BN 16 params."""
    m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, bias=False), torch.nn.BatchNorm2d(8), torch.nn.ReLU()).double()
    a = dscost.analyze(m, (1, 3, 16, 16))
    assert (a.totals.macs, a.totals.params, a.totals.buffers) == (42_336, 216 + 16, 16)
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept) at forward(input: 1x3x16x16 float64)")
    given = dscost.analyze(m, input_shape="1x3x16x16:float32")  # (float32 inputs, as asked: the TorchScript exporter refuses them)
    assert given.model.notes[0].startswith("exported with torch.onnx.export (dynamo exporter") and given.totals.macs == 42_336


def test_a_bfloat16_attention_is_counted_from_a_graph_that_can_run():
    """A bfloat16 module's scaled_dot_product_attention with its own scale: torch's TorchScript
    exporter (2.14) casts that scale to complex128 (torch's number of bfloat16 taken for ONNX's),
    a graph onnxruntime refuses, and in a Llama the shapes after it were lost (16 nodes
    uncounted, 11% of the MACs).  That graph cannot run, so the dynamo exporter's is counted (torch
    2.5's TorchScript exporter fails outright on it: the same).  qkv 8 x 16 x 48 + attention 2 x
    (2 heads x 8 x 8 x 8) + out 8 x 16 x 16 = 6,144 + 2,048 + 2,048 MACs, as in float32."""
    for dtype in (torch.float32, torch.bfloat16):
        m = tm.ScaledAttention().to(dtype)
        a = dscost.analyze(m, (1, 8, 16))
        assert (a.totals.macs, a.totals.params, len(a.model.uncounted)) == (6_144 + 2_048 + 2_048, 16 * 48 + 48 + 16 * 16 + 16, 0)
        exporter = "dynamo exporter" if dtype == torch.bfloat16 else "TorchScript exporter"
        assert a.model.notes[0].startswith(f"exported with torch.onnx.export ({exporter}")


def test_a_module_on_the_meta_device_is_counted_from_its_shapes(tmp_path, capsys):
    """Built under torch.device("meta") (a big model without its memory): the dynamo exporter
    traces it on fake tensors and the file names its weights as external data that does not
    exist, so the count is the same as the module's with values, from the shapes alone.
    torchvision's MobileNetV2: 300,774,272 MACs, 3,504,872 params, as its CPU twin; the user's CPU
    example stays on the CPU."""
    need("onnxscript")
    torchvision = need("torchvision")
    with torch.device("meta"):
        m = torchvision.models.mobilenet_v2().eval()
    a = dscost.analyze(m, (1, 3, 224, 224))
    assert (a.totals.macs, a.totals.params, a.model.uncounted) == (300_774_272, 3_504_872, [])
    cpu = dscost.analyze(torchvision.models.mobilenet_v2(), (1, 3, 224, 224))
    assert (a.totals.macs, a.totals.params) == (cpu.totals.macs, 3_504_872)
    if tuple(int(p) for p in torch.__version__.split(".")[:2]) >= (2, 6):  # (torch 2.5's dynamo exporter writes BatchNorm's scale as Sqrt/Div/Add: +51,168)
        assert a.totals.other_ops == cpu.totals.other_ops  # (no computed zero biases of bias-less convs: round 59)
    assert [layer.name for layer in a.layers if layer.conv] == [layer.name for layer in cpu.layers if layer.conv]  # (52 convs; no conv1/Conv)
    assert a.model.notes[0].startswith("exported with torch.onnx.export (dynamo exporter, opset 18, on the meta device, without its optimizer, which folds values that meta tensors lack: BatchNorm kept) at forward(x: 1x3x224x224)")
    assert "the module is on the meta device: its tensors have shapes and no values, so it is counted from the shapes (nothing was run)" in a.model.notes
    assert not any("external data" in n for n in a.model.notes)
    x = torch.rand(1, 3, 32, 32)
    with torch.device("meta"):
        small = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, bias=False), torch.nn.BatchNorm2d(8), torch.nn.ReLU())
    b = dscost.analyze(small, x)
    assert (b.totals.macs, b.totals.params) == (27 * 8 * 30 * 30, 216 + 16) and x.device.type == "cpu" and small[0].weight.is_meta
    from collections import OrderedDict

    with torch.device("meta"):  # (a child's name that is no identifier, RegNet's block1-0: named still; found by round 59)
        dashed = torch.nn.Sequential(OrderedDict([("block1-0", torch.nn.Conv2d(3, 4, 1)), ("head", torch.nn.Conv2d(4, 2, 1))]))
    assert [layer.name for layer in dscost.analyze(dashed, (1, 3, 4, 4)).layers] == ["block1-0", "head"]

    class Branch(torch.nn.Module):  # (a branch on a value: the line says why a meta module cannot run it)
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Linear(16, 16)

        def forward(self, x):
            h = self.a(x)
            return h if h.sum() > 0 else -h

    with torch.device("meta"):
        branch = Branch()
    with pytest.raises(dscost.InputError, match=r"forward\(x: 2x16\) failed: .*; the forward reads a tensor's value \(a branch on it, a size from it, \.item\(\)\), "
                                                r"and a module on the meta device has shapes, no values: give it memory first"):
        dscost.analyze(branch, torch.rand(2, 16))
    with torch.device("meta"):
        cached = tm.CachingForward()  # (a cache object in the output: exported again with use_cache=False, as with values)
    c = dscost.analyze(cached, (2, 8))
    assert (c.totals.macs, c.totals.params) == (2 * 8 * 4, 36) and any(n.startswith("use_cache=False given to the forward: it returned a cache object (Cache)") for n in c.model.notes)
    (tmp_path / "meta_factory.py").write_text("import torch\n\ndef build():\n    with torch.device('meta'):\n        return torch.nn.Linear(64, 32)\n")
    capsys.readouterr()
    assert run(["analyze", f"{tmp_path}/meta_factory.py:build", "-i", "4x64", "-f", "json", "-q"]) == 0  # (the CLI: a factory that builds on meta)
    assert {k: v for k, v in json.loads(capsys.readouterr().out)["totals"].items() if k in ("macs", "params")} == {"macs": 4 * 64 * 32, "params": 64 * 32 + 32}


def test_a_module_partly_on_the_meta_device_is_counted_on_a_meta_copy_and_a_run_is_refused(capsys, tmp_path, monkeypatch):
    """Torch traces a module on one device; transformers builds a few tensors with an explicit
    device (Wav2Vec2's masked_spec_embed on the CPU under torch.device("meta"), found by round
    59): a copy with every tensor on the meta device is counted, and the user's module is left as
    it is.  A copy of more than COPY_BYTES of values is refused in one line naming one of each;
    --measure-sizes and bench run the model, which needs values."""
    from dscost.readers import torch_meta

    m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU())
    with torch.device("meta"):
        m.append(torch.nn.Conv2d(8, 8, 1))
    before = m[0].weight.detach().clone()
    a = dscost.analyze(m, (1, 3, 16, 16))
    assert (a.totals.macs, a.totals.params) == (8 * 27 * 196 + 8 * 8 * 196, 224 + 72)
    assert "2 of the module's tensors were not on the meta device ('0.weight', '0.bias'): counted on a copy with them there too" in a.model.notes
    assert m[0].weight.device.type == "cpu" and torch.equal(m[0].weight, before) and m[2].weight.is_meta
    with torch.device("meta"):  # (accelerate's init_empty_weights() leaves the buffers on the CPU by default: found by round 59)
        bn = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, bias=False), torch.nn.BatchNorm2d(8))
    bn[1].register_buffer("running_mean", torch.zeros(8))
    bn[1].register_buffer("running_var", torch.ones(8))
    bn[1].register_buffer("num_batches_tracked", torch.tensor(0))
    b = dscost.analyze(bn, (1, 3, 16, 16))
    assert (b.totals.macs, b.totals.params, b.totals.buffers) == (8 * 27 * 196, 216 + 16, 16) and bn[1].running_mean.device.type == "cpu"
    monkeypatch.setattr(torch_meta, "COPY_BYTES", 100)
    with pytest.raises(dscost.InputError, match=r"^Sequential \(nn.Module\): some of its tensors are on the meta device \('2.weight'\) and some are not \('0.weight' on cpu\); "):
        dscost.analyze(m, (1, 3, 16, 16))
    with torch.device("meta"):
        m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU())
    with pytest.raises(dscost.InputError, match=r"^Sequential \(nn.Module\): measure_sizes=True runs the model, and its tensors are on the meta device .*module.to_empty\(device='cpu'\)"):
        dscost.analyze(m, (1, 3, 16, 16), measure_sizes=True)
    (tmp_path / "meta_factory.py").write_text("import torch\n\ndef build():\n    with torch.device('meta'):\n        return torch.nn.Linear(64, 32)\n")
    assert run(["bench", f"{tmp_path}/meta_factory.py:build", "-i", "4x64", "--budget", "0.1"]) == 2
    assert capsys.readouterr().err == f"dscost: error: {tmp_path}/meta_factory.py:build: bench runs the model, and its tensors are on the meta device (shapes without values); give them memory first (module.to_empty(device='cpu'), then initialize or load them)\n"


def test_meta_builds_a_factory_on_the_meta_device(capsys, tmp_path):
    """--meta (meta=True, a budget entry's meta: true) calls the factory under torch.device("meta"):
    a model too big for memory is counted from its shapes, its weights never made.  An
    nn.Linear(2**17, 2**17) would hold 17.2 G params (68.7 GB of float32); on the meta device it
    counts 2**34 MACs per row and 2**34 + 2**17 params.  The factory runs there (it sees its
    weight on the meta device); what cannot be done there is said in one line: a module object
    built at import, a factory reading a value, --measure-sizes, a file; a factory that chooses
    the CPU itself is counted as built, with a note."""
    need("onnxscript")
    big = cli_json(capsys, "analyze", "torch.nn:Linear", "--arg", "in_features=131072", "--arg", "out_features=131072", "--meta", "-i", "1x131072")
    assert (big["totals"]["macs"], big["totals"]["params"]) == (2**34, 2**34 + 2**17)
    assert "the module is on the meta device: its tensors have shapes and no values, so it is counted from the shapes (nothing was run)" in big["notes"]
    (tmp_path / "zoo.py").write_text(
        "import torch\n\n"
        "def seen():\n    m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU())\n    assert m[0].weight.is_meta\n    return m\n\n"
        "def on_cpu():\n    return torch.nn.Linear(4, 2, device='cpu')\n\n"
        "def reads():\n    return torch.nn.Linear(int(torch.ones(3).sum().item()), 2)\n\n"
        "built = torch.nn.Linear(4, 2)\n"
    )  # fmt: skip
    seen = cli_json(capsys, "analyze", f"{tmp_path}/zoo.py:seen", "--meta", "-i", "1x3x10x10")
    assert (seen["totals"]["macs"], seen["totals"]["params"]) == (27 * 8 * 64, 27 * 8 + 8)
    cpu = cli_json(capsys, "analyze", f"{tmp_path}/zoo.py:on_cpu", "--meta", "-i", "1x4")
    assert (cpu["totals"]["macs"], cpu["totals"]["params"]) == (8, 10)
    assert "--meta: the factory built none of the module's tensors on the meta device (they are on cpu: it chooses their device itself, or loads them); counted as built, with their values" in cpu["notes"]
    for args, line in [
        ([f"{tmp_path}/zoo.py:reads", "-i", "1x3"], f"{tmp_path}/zoo.py:reads: reads() raised RuntimeError: Tensor.item() cannot be called on meta tensors (--meta: it ran on the meta device, where tensors have no values to read; "
                                                 "without --meta it is built with its values)"),
        ([f"{tmp_path}/zoo.py:built", "-i", "1x4"], f"{tmp_path}/zoo.py:built: built is an nn.Module instance, not a factory; --meta builds the model by calling a function or class, and this one was built with its values when its module was imported"),
        ([f"{tmp_path}/zoo.py:seen", "-i", "1x3x10x10", "--measure-sizes"], f"{tmp_path}/zoo.py:seen: --measure-sizes runs the model, which --meta builds without values; give one or the other"),
        (["models/mobilenet_v1.yaml"], "--meta applies to PyTorch modules only; models/mobilenet_v1.yaml is a layer spec (a spec holds no weights)"),
    ]:  # fmt: skip
        capsys.readouterr()
        assert run(["analyze", *args, "--meta"]) == 2
        assert capsys.readouterr().err == f"dscost: error: {line}\n"
    budget = tmp_path / "budget.yaml"
    budget.write_text("budgets:\n  - path: torch.nn:Linear\n    kwargs: {in_features: 131072, out_features: 131072}\n    input_shapes: [1, 131072]\n    meta: true\n    max_params: 17G\n")
    assert run(["check", "--budget", str(budget)]) == 1  # (17,179,999,232 params over 17G)
    assert "params  17.0G   17.2G   -180.0M       -1.1%" in capsys.readouterr().out
    a = dscost.analyze(f"{tmp_path}/zoo.py:seen", input_shape=(1, 3, 10, 10), meta=True)
    assert (a.totals.macs, a.totals.params) == (27 * 8 * 64, 27 * 8 + 8)
    with pytest.raises(InputError, match=r"^meta does not apply to an nn.Module object \(Linear\); .*a module built under `with torch.device\('meta'\):` is counted from its shapes as it is"):
        dscost.analyze(torch.nn.Linear(4, 2), (1, 4), meta=True)


def test_the_dynamo_exporter_when_the_torchscript_one_fails():
    """torch.logaddexp has no TorchScript symbolic, in torch or in dscost: the dynamo exporter
    (onnxscript) exports the module instead, and a note says which exporter ran and why."""
    need("onnxscript")
    a = dscost.analyze(tm.LogAddExp(), (1, 2, 3, 3))
    assert (a.totals.macs, a.totals.params) == torch_counts(tm.LogAddExp(), torch.rand(1, 2, 3, 3)) == (18 * 2, 18 * 2 + 2)
    assert a.model.notes[0].startswith("exported with torch.onnx.export (dynamo exporter, opset 18, as the TorchScript exporter failed "
                                       "(UnsupportedOperatorError: Exporting the operator 'aten::logaddexp' to ONNX opset "
                                       "version 17 is not supported)")  # fmt: skip
    assert [layer.name for layer in a.layers if layer.cost.macs] in (["fc"], ["fc/Gemm"])  # (torch 2.5's export: fc's Transpose beside it)


def test_the_dynamo_exporters_layers_are_named_by_module_path():
    """The dynamo exporter names its nodes by the aten op (``node_conv2d``, ``node_logaddexp``) and
    records the module scopes in each node's metadata: the layers are named from those, as the
    TorchScript exporter's are (until 2026-12-07 a dynamo-exported module had no module names, so
    --depth and by_module had nothing to roll up).  Conv 2->2 1x1 on 3x3: 36 MACs; then 36."""
    need("onnxscript")
    from collections import OrderedDict

    m = torch.nn.Sequential(OrderedDict(stem=torch.nn.Conv2d(2, 2, 1), body=tm.LogAddExp()))
    a = dscost.analyze(m, (1, 2, 3, 3))
    assert a.model.notes[0].startswith("exported with torch.onnx.export (dynamo exporter")
    names = [layer.name for layer in a.layers]  # (torch 2.5's scopes start "L['fn']", its graph has more nodes: body/Exp_1, body.fc/Gemm)
    assert names[0] == "stem" and names[1] == "body/Exp" and names[-1] in ("body.fc", "body.fc/Gemm") and all(n.startswith("body") for n in names[1:])
    assert {k: (c.macs, c.params) for k, c in a.by_module().items()} == {"stem": (36, 6), "body": (36, 38)}

    class Inner(torch.nn.Module):  # (a ModuleList iterated, never called: the scopes go from 'enc' to 'enc.layers.0', found by round 59 in transformers' Llama)
        def __init__(self):
            super().__init__()
            self.layers = torch.nn.ModuleList([torch.nn.Conv2d(2, 2, 1), torch.nn.Conv2d(2, 2, 1)])

        def forward(self, x):
            x = torch.logaddexp(x, x)
            for layer in self.layers:
                x = layer(x)
            return x

    m = torch.nn.Sequential(OrderedDict(enc=Inner()))
    a = dscost.analyze(m, (1, 2, 3, 3))
    assert [layer.name for layer in a.layers if layer.cost.macs] == ["enc.layers.0", "enc.layers.1"]  # (was enc.enc.layers.0)
    assert list(a.by_module(2)) == ["enc", "enc.layers"] and list(a.by_module(3))[-2:] == ["enc.layers.0", "enc.layers.1"]


def test_parameters_a_module_leaves_out_of_its_parameters_are_not_said_to_be_counted_by_torch():
    """Found by round 25: a module whose ``parameters()`` leaves a submodule out (magvit2's GAN
    discriminator, 26.7M elements) had the "in no graph" note say torch counts them; torch's sum
    does not, and dscost's totals were right: no note now."""
    m = tm.PartialParameters()
    a = dscost.analyze(m, (1, 8))
    assert a.totals.params == sum(p.numel() for p in m.parameters()) == 72 and a.totals.macs == 64
    assert not [n for n in a.model.notes if "in no graph" in n or "not read by" in n], a.model.notes


def test_integer_parameters_are_not_counted_and_a_note_says_so():
    """Found by round 28 (hummingbird's trees as tensors): an int64 nn.Parameter is an index
    table, not a learned weight; torch counts it, dscost does not, and the note names it."""
    m = tm.IntegerParameter()
    a = dscost.analyze(m, (2, 4))
    assert sum(p.numel() for p in m.parameters()) == 20
    assert a.totals.params == 16 and a.totals.macs == 2 * 4 * 4
    assert any(n.startswith("1 parameter tensor(s) of the module hold integers or booleans (4 elements: idx)") for n in a.model.notes), a.model.notes
    assert not [n for n in dscost.analyze(tm.PartialParameters(), (1, 8)).model.notes if "integers" in n]


def test_an_lstm_state_computed_from_a_buffer_counts_the_weights_that_compute_it():
    """Found by round 29 (gluonts' TFT, -4,480 params): Linears of a fixed buffer give an LSTM its
    initial states; their weights are constants in the graph, reaching only the LSTM's state inputs,
    which dscost did not read for parameters. Now counted by the LSTM, as torch counts them."""
    m = tm.StateFromConstants().eval()
    a = dscost.analyze(m, (2, 5, 8))
    assert a.totals.params == sum(p.numel() for p in m.parameters()) == 1_824
    assert a.totals.macs == 15_616  # (hand-derived: torch's counter sees the two Linears, 256, not the LSTM)
    assert torch_counts(m, torch.rand(2, 5, 8))[0] == 256


def test_the_dynamo_exporter_gets_the_module_as_it_was_before_the_torchscript_trace():
    """Found by round 24 (torchrl's MultiAgentConvNet): a trace that fails can leave the module
    unusable, and the dynamo exporter, given the same module, failed too.  It gets a copy taken
    before the TorchScript exporter traced it."""
    need("onnxscript")
    m = tm.SpoiledByTracing()
    a = dscost.analyze(m, (1, 2, 3, 3))
    assert (a.totals.macs, a.totals.params) == (18 * 2, 18 * 2 + 2)
    assert a.model.notes[0].startswith("exported with torch.onnx.export (dynamo exporter, opset 18, as the TorchScript exporter failed")
    assert m.traced  # (the module given was traced, and left as the trace left it)


def test_a_dynamo_export_that_merges_equal_parameters_says_the_modules_count():
    """The dynamo exporter keeps one tensor of equal ones: two fresh LayerNorms (ones and zeros)
    become one in the graph, which holds 74 of the module's 110 params; a note gives both counts
    (the TorchScript exporter's graphs keep them all, and have no such note: LogAddExp's 38 are 38)."""
    need("onnxscript")
    a = dscost.analyze(tm.EqualNorms(), (1, 2, 3, 3))
    assert torch_counts(tm.EqualNorms(), torch.rand(1, 2, 3, 3)) == (36, 110)
    said = [n for n in a.model.notes if "learnable parameters, its graph" in n]
    if a.totals.params == 110:  # (torch 2.5's dynamo exporter, the oldest allowed, keeps both: nothing to say)
        assert a.totals.macs == 36 and not said
    else:
        assert (a.totals.macs, a.totals.params) == (36, 74)
        assert said == ["the module has 110 learnable parameters, its graph 74 (-36): the dynamo exporter rewrites parameters (BatchNorm folded into "
                        "the convs, weights the parameters alone compute stored in their place, one tensor kept of equal ones: fresh norms' ones "
                        "and zeros, copied weights), so the counts are the graph's"]  # fmt: skip
    assert not any("learnable parameters, its graph" in n for n in dscost.analyze(tm.LogAddExp(), (1, 2, 3, 3)).model.notes)


def test_a_dynamo_export_names_the_parameters_its_program_never_reads():
    """The parameters a forward never uses are in no graph of either exporter: the dynamo path
    names them from the exported program (its signature and placeholders without users), as the
    TorchScript path does from its graph, and does not put them down to the exporter's rewrite.
    A tensor tied to a read one is read (fc.weight under tied.weight too); its bias is not."""
    need("onnxscript")
    a = dscost.analyze(tm.UnreadLogAddExp(), (1, 2, 3, 3))
    assert torch_counts(tm.UnreadLogAddExp(), torch.rand(1, 2, 3, 3)) == (36, 116)
    assert (a.totals.macs, a.totals.params) == (36, 38)
    said = [n for n in a.model.notes if "tensor(s) of the module" in n or "learnable parameters" in n]
    assert said == ["3 parameter tensor(s) of the module (78 elements) are not read by the exported program: the forward does not use them at these "
                    "inputs (head.weight, head.bias, tied.bias); torch's sum(p.numel()) counts them, dscost does not"]  # fmt: skip


def test_a_sparse_buffer_does_not_stop_the_dynamo_export():
    """Found by round 34 (openai-whisper's Whisper, whose ``alignment_heads`` is a sparse COO
    buffer): after the dynamo export, dscost looked for parameters torch.export lifted as constants
    by each constant's data pointer, which a sparse tensor has not: "Cannot access data pointer of
    Tensor that doesn't have storage" ended the count.  A tensor without storage is no parameter's."""
    need("onnxscript")
    try:
        a = dscost.analyze(tm.SparseBuffer(), (1, 2, 3, 3))
    except dscost.InputError as err:  # (an older dynamo exporter may refuse the sparse buffer itself: said in one line)
        assert tuple(int(v) for v in torch.__version__.split("+")[0].split(".")[:2]) < (2, 14) and "the dynamo exporter too" in str(err), err
        return
    assert (a.totals.macs, a.totals.params) == torch_counts(tm.SparseBuffer(), torch.rand(1, 2, 3, 3)) == (36, 38)
    assert a.model.notes[0].startswith("exported with torch.onnx.export (dynamo exporter")


def test_a_dynamo_export_says_which_parameters_it_read_as_lifted_constants():
    """Found by the fifteenth round (ncps's LTC): a parameter the forward reads through a plain
    dict is a constant torch.export lifts (``lifted_tensor_0``), which the graph holds as a buffer:
    0 params, 256 buffers.  The note says so, and does not call it unread."""
    need("onnxscript")
    try:
        a = dscost.analyze(tm.DictHeld(), (1, 16))
    except dscost.InputError as err:  # (torch 2.5's dynamo exporter fails to serialize it: said in one line)
        assert tuple(int(v) for v in torch.__version__.split("+")[0].split(".")[:2]) < (2, 14) and "the dynamo exporter too" in str(err)
        return
    said = [n for n in a.model.notes if "tensor(s) of the module" in n or "learnable parameters" in n]
    assert (a.totals.params, a.totals.buffers) == (0, 256)
    assert said == ["1 parameter tensor(s) of the module (256 elements) are read through a plain container (a dict, a list), which torch.export "
                    "lifts as constants (w): the graph holds them as buffers, which dscost counts them as; torch's sum(p.numel()) counts them as params"]  # fmt: skip


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning")  # (torch on its own legacy APIs)
@pytest.mark.parametrize("mode, scale", [("bilinear", None), ("bicubic", None), ("bilinear", 0.75)])
def test_an_antialiased_resize_keeps_the_torchscript_exporter(tmp_path, mode, scale):
    """F.interpolate(..., antialias=True) (timm's NaFlexViT) has no TorchScript symbolic; it went to
    the dynamo exporter.  dscost's (Resize with antialias=1, opset 18) keeps the TorchScript
    exporter and torch's counts, and onnxruntime's output is torch's.  The resize of 1x2x4x4 to
    3x3, the last axis first: ceil(2 * 4 / 3) = 3 taps (bilinear; bicubic 6) over (1,2,4,3) = 24
    outputs, then over (1,2,3,3) = 18."""
    m, x = tm.Antialiased(mode, scale).eval(), torch.rand(1, 2, 4, 4)
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == torch_counts(m, x) == (36, 38) and not a.model.uncounted
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 18, BatchNorm kept)")
    taps = 3 if mode == "bilinear" else 6
    assert [(layer.op, layer.kernel, layer.cost.other_ops) for layer in a.model.layers if layer.op == "Resize"] == [("Resize", (taps, taps), taps * (24 + 18))]
    (got,), (want,) = in_onnxruntime(m, x, tmp_path / "aa.onnx", 18)
    assert got.shape == (1, 2) and abs(got - want).max() < 1e-5


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # (torch on its own legacy APIs)
def test_a_modules_buffers_are_no_parameters(tmp_path):
    """Buffers a forward computes with (a normalization's mean and std, a fixed filter that the
    TorchScript exporter writes as a Constant node) are counted as buffers, as torch does: params
    are sum(p.numel() for p in module.parameters()).  The same graph as a file has no such names:
    there, every learned-looking tensor counts (README, "What is counted")."""
    m, x = tm.Buffered(), torch.rand(1, 3, 8, 8)
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == torch_counts(m, x) == (9 * 3 * 64 + 3 * 4 * 64, 3 * 4 + 4)
    assert a.totals.buffers == 3 + 3 + 27
    torch.onnx.export(m, (x,), str(tmp_path / "b.onnx"), dynamo=False, opset_version=17, do_constant_folding=False)
    f = dscost.analyze(tmp_path / "b.onnx")
    assert (f.totals.macs, f.totals.params, f.totals.buffers) == (a.totals.macs, 16 + 33, 0)


def test_a_forward_that_computes_its_loss(tmp_path):
    """A forward returning ``F.cross_entropy(logits, labels, weight=...)`` (as a Hugging Face model
    given ``labels``): the TorchScript exporter writes one SoftmaxCrossEntropyLoss, counted as a
    LogSoftmax of the 4 x 10 logits (3 x 40 = 120) and a weighted mean over the 4 labels, each
    compared with torch's ignore_index (4 x 5 + 1 = 21); the class weights are a buffer.  The
    Linear: 640 MACs, 40 bias adds."""
    import torch.nn.functional as F

    class Classifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(16, 10)
            self.register_buffer("class_weight", torch.linspace(0.5, 1.5, 10))

        def forward(self, x, labels):
            return F.cross_entropy(self.fc(x), labels, weight=self.class_weight)

    m = Classifier().eval()
    a = dscost.analyze(m, (torch.rand(4, 16), torch.randint(0, 10, (4,))))
    assert not a.model.uncounted and [l.op for l in a.layers if l.op == "SoftmaxCrossEntropyLoss"] == ["SoftmaxCrossEntropyLoss"]
    assert (a.totals.macs, a.totals.params, a.totals.buffers, a.totals.other_ops) == (640, 170, 10, 40 + 120 + 21)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # (torch on its own legacy APIs)
def test_a_modules_one_element_parameters_count(tmp_path):
    """A learned one-element scale or bias is a parameter of the module, by name, where a file's
    one-element float is taken for a literal (README, "What is counted"): the module counts
    torch's params, its file four fewer."""
    m, x = tm.Scalars(), torch.rand(1, 3, 4, 4)
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == torch_counts(m, x) == (2 * 9 * 16, 2 * (9 + 3) + 4)
    torch.onnx.export(m, (x,), str(tmp_path / "s.onnx"), dynamo=False, opset_version=17, do_constant_folding=False)
    f = dscost.analyze(tmp_path / "s.onnx")
    assert (f.totals.macs, f.totals.params) == (a.totals.macs, 2 * (9 + 3))


def _windows_in_a_fresh_process(prepare: str = "") -> tuple:
    """dscost.analyze of tm.Windows in a fresh process (no symbolic of dscost's registered yet,
    but what ``prepare`` does): (first note, MACs, params, uncounted nodes)."""
    code = (f"import json, torch, dscost, torch_models as tm; {prepare}m, x = tm.Windows(), torch.rand(1, 64, 3); a = dscost.analyze(m, x); "
            "print(json.dumps([a.model.notes[0], a.totals.macs, a.totals.params, len(a.model.uncounted)]))")  # fmt: skip
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    return tuple(json.loads(p.stdout.strip().splitlines()[-1]))


def test_windows_on_a_negative_axis_keep_the_torchscript_exporter():
    """The TorchScript exporter exports Tensor.unfold on a negative dimension with the windows on
    the wrong axis (PatchTST): the module runs in torch, its graph contradicts itself (a 1x3x8x4
    tensor plus a 3x4 table).  dscost exports it again with its own unfold symbolic registered
    (which gives torch's the positive axis) and keeps that graph: torch's counts."""
    m, x = tm.Windows(), torch.rand(1, 64, 3)
    note, macs, params, uncounted = _windows_in_a_fresh_process()
    assert (macs, params) == torch_counts(m, x) == (8 * 3 * (8 * 4 + 4 * 2), 36 + 12 + 10) and uncounted == 0
    assert note.startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")


def test_the_dynamo_exporters_failure_says_what_torch_export_said():
    """torch.onnx's dynamo exporter wraps what torch.export raised in "Failed to export the model
    with torch.export."; the one line says the cause at the bottom of the chain too."""
    need("onnxscript")
    with pytest.raises(InputError) as err:
        dscost.analyze(tm.NotExportableDataDependent(), (1, 8))
    line = str(err.value)
    assert "\n" not in line and "; the dynamo exporter too: " in line
    if "Failed to export the model with torch.export" in line:
        assert "data-dependent" in line.lower(), line


def test_an_export_failure_keeps_a_bracketed_value_and_the_node_the_conversion_failed_on():
    """The TorchScript exporter's reason was cut at its first line, inside a bracket ("output 1
    (3"); it now runs on to the line that closes it.  The dynamo exporter's generic "Failed to
    convert the exported program" adds its cause: the node it could not translate."""
    try:
        a = dscost.analyze(tm.ReturnsAnInt(), (1, 3))
    except InputError as err:  # (torch 2.14: neither exporter)
        line = str(err)
        dynamo = line.split("; the dynamo exporter too: ")[1]
        assert "Error when translating node" in dynamo or not dynamo.startswith("ConversionError: Failed to convert"), dynamo
        assert "See the stack trace" not in dynamo, dynamo  # (a trace dscost does not show: found by the audio round, asteroid's DCCRNet)
    else:  # (torch 2.5's dynamo exporter drops the int: the two Linear calls, 2 x 12 MACs)
        assert (a.totals.macs, a.totals.params) == (24, 16)
        line = a.model.notes[0]
    assert "\n" not in line and re.search(r"output 1 \(3 \[ [\w.]+\{\} \]\) of traced region", line), line


def test_an_export_failure_says_the_reason_without_the_torchscript_value_it_was_caused_by():
    """Found by the libraries' round (torchaudio's Hybrid Demucs): the TorchScript exporter's
    SymbolicValueError follows its reason with "[Caused by the value '53 defined in (%53 :
    Float(...) = onnx::Reshape[...](...), scope: _dscost_target_....ComplexStft:: # .../torch/
    functional.py:679:0)' ... The containing node has kind 'onnx::Reshape'.]": a value of the
    TorchScript graph and the scope of dscost's own loader, 400 characters no user can act on."""
    with pytest.raises(InputError) as err:
        dscost.analyze(tm.ComplexStft(), (1, 256))
    line = str(err.value)
    assert "torch.onnx.export failed: SymbolicValueError: STFT does not currently support complex types; the dynamo exporter too: " in line, line
    assert "\n" not in line and "Caused by" not in line and "_dscost_target" not in line


def test_the_dynamo_exporter_when_the_torchscript_graph_cannot_run():
    """When the TorchScript exporter's graph still cannot run with dscost's symbolics (here: as if
    its unfold were registered already, which leaves torch's wrong one in place), dscost exports
    it again with the dynamo exporter, whose graph runs, and says why."""
    need("onnxscript")
    note, macs, params, uncounted = _windows_in_a_fresh_process("from dscost.readers import torch_symbolics; torch_symbolics.REGISTERED.add('aten::unfold'); ")
    # (onnxscript before 0.3.2 writes unfold as a Loop whose body compares its counter with 8, the
    # condition through Identity nodes: counted since round 64, 8 steps with no MACs in them)
    assert (macs, params, uncounted) == (8 * 3 * (8 * 4 + 4 * 2), 36 + 12 + 10, 0)
    assert note.startswith("exported with torch.onnx.export (dynamo exporter, opset 18, as the TorchScript exporter's graph "
                           "cannot run (node '/Add' contradicts its input shapes or types, or lacks an input)")  # fmt: skip


def test_the_dynamo_exporter_when_the_torchscript_graph_lost_the_inputs():
    """Found by the thirteenth round (e3nn's Gate, whose Extract copies its input into new zeros):
    the TorchScript exporter's graph has no inputs and counted 0 MACs; dscost exports again with
    the dynamo exporter and counts the Linear: 3 x 8 x 4 MACs, 36 params."""
    need("onnxscript")
    a = dscost.analyze(tm.CopiedIntoZeros().eval(), (3, 8))
    if "as the TorchScript exporter's graph has none of the forward's inputs (it computes constants)" in a.model.notes[0]:
        assert (a.totals.macs, a.totals.params, len(a.model.inputs)) == (96, 36, 1)
    else:  # (torch 2.5's dynamo exporter fails on it: the TorchScript graph is kept, and said to compute constants)
        assert (a.totals.macs, len(a.model.inputs)) == (96, 0)
        assert any(n.startswith("the graph has no inputs: every tensor it computes is a constant") for n in a.model.notes), a.model.notes
        assert tuple(int(v) for v in torch.__version__.split(".")[:2]) < (2, 14), a.model.notes  # (the fallback works on the torch of the zoo)


def test_a_tensor_split_at_known_cut_points_is_counted():
    """torch's symbolic writes tensor_split by indices as a Loop building a sequence, after which
    onnx's inference knows no shape (torchvision's MViTv2: 679 nodes uncounted); dscost exports
    again with its own, one Split, and the file gives torch's output."""
    m, x = tm.ClassTokenSplit().eval(), torch.rand(1, 10, 16)
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == (9 * 16 * 16, 272) and not a.model.uncounted and "(TorchScript exporter," in a.model.notes[0]
    _runs_as_torch(m, x)


def test_a_tensor_split_into_a_number_of_pieces_is_counted_and_later_exports_still_work():
    """Found by round 30 (tsl's gated_tanh): a scripted tensor_split(x, 3, dim=-1) is a Loop
    building a sequence in torch's symbolic (shapes lost); dscost's symbolic read the number of
    pieces as a list of cut points and failed (a 0-d tensor), and, registered for the process, made
    every later TorchScript export of such a module fail. Now one Split of 3 + 2 + 2."""
    import io

    m, x = tm.ScriptedSplit().eval(), torch.rand(2, 4)
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == (86, 55) and not a.model.uncounted and "(TorchScript exporter," in a.model.notes[0]
    torch.onnx.export(m, (x,), io.BytesIO(), dynamo=False, opset_version=17)  # (dscost's symbolic stays registered: it must not break this)
    _runs_as_torch(m, x)


def test_a_movedim_after_a_transpose_is_counted():
    """torch 2.14's TorchScript exporter fuses movedim(x, -1, 2) after a transpose into a perm past
    the axes ([0, 1, 49, 2, 4]), which cannot run (Gemma 3n's audio attention): dscost sees that
    and exports again with its movedim symbolic (the axes counted from the start), whose graph
    runs and gives torch's output.  4 * 16 batches of [8, 3] @ [3, 5] = 7,680 MACs."""

    class MovedimAfterTranspose(torch.nn.Module):
        def forward(self, x, y):
            return torch.matmul(torch.movedim(x.transpose(3, 4), -1, 2), y)

    m, args = MovedimAfterTranspose(), (torch.rand(1, 4, 8, 16, 3), torch.rand(1, 4, 16, 3, 5))
    a = dscost.analyze(m, args)
    assert a.totals.macs == 4 * 16 * 8 * 3 * 5 and not a.model.uncounted and "(TorchScript exporter," in a.model.notes[0]
    _runs_as_torch(m, *args)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # (torch on its own legacy APIs)
def test_aten_diff_gets_a_symbolic_of_dscost(tmp_path):
    """transformers 5's masks call torch.diff, which the TorchScript exporter has no symbolic for:
    dscost registers one when its export needs it, so such a module keeps that exporter (params
    as torch counts them; the dynamo exporter's graph rewrites them).  It stays registered (torch's
    unregister leaves an entry a later export fails on), and computes what torch does."""
    m, x = tm.Differences(), torch.rand(1, 9)
    a = dscost.analyze(m, (1, 9))
    assert (a.totals.macs, a.totals.params) == torch_counts(m, x) == (8 * 4, 8 * 4 + 4)
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")

    class Both(torch.nn.Module):  # prepend and append, n = 2
        def forward(self, v):
            return torch.diff(v, n=2, dim=1, prepend=v[:, :2] * 2, append=v[:, -1:])

    ort = need("onnxruntime")
    torch.onnx.export(Both(), (x,), str(tmp_path / "both.onnx"), dynamo=False, opset_version=17, input_names=["v"])
    got = ort.InferenceSession(str(tmp_path / "both.onnx"), providers=["CPUExecutionProvider"]).run(None, {"v": x.numpy()})[0]
    assert got.shape == (1, 10) and abs(got - Both()(x).numpy()).max() < 1e-5


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # (torch on its own legacy APIs)
def test_aten_kron_gets_a_symbolic_of_dscost(tmp_path):
    """Found by the nineteenth round: peft's LoKr adapters build their weights with torch.kron,
    which the TorchScript exporter has no symbolic for; such a module went to the dynamo exporter,
    which folded the weights the parameters compute (ResNet-18 with LoKr: +694,369 params,
    -203,264 MACs).  dscost registers one (Unsqueeze, Mul, Reshape): the module keeps the
    TorchScript exporter and torch's counts, and onnxruntime computes what torch does."""
    m, x = tm.Kronecker(), torch.rand(7, 20)
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == torch_counts(m, x) == (840 + 30, 27) and not a.model.uncounted
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")
    _runs_as_torch(m, x)


def test_aten_renorm_gets_a_symbolic_of_dscost():
    """Found by the twenty-second round: braindecode's EEGNet, EEG-ITNet and EEGNeX renormalize
    their conv weights each forward (a max-norm parametrization, Tensor.renorm), which the
    TorchScript exporter has no symbolic for; they went to the dynamo exporter, which folded their
    BatchNorms (EEGNet: -84 params).  dscost registers one (ReduceL2 over the other axes, Where the
    norm is over the limit, Mul): the module keeps the TorchScript exporter and torch's counts, and
    onnxruntime computes what torch does -- every filter scaled down, as its norm is over 0.1."""
    m, x = tm.MaxNormConv().eval(), torch.rand(1, 2, 6, 6)
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == torch_counts(m, x) == (1_152, 76) and not a.model.uncounted
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")
    _runs_as_torch(m, x)


def test_an_input_name_a_forward_takes_only_through_its_kwargs_is_said():
    """Found by the sixty-second round: a forward taking **kwargs (every transformers model's) takes
    an input of any name, so a misspelt one was read by nothing, silently; a note names it now (and
    when the forward then fails, the error says to check the name: tests/test_hf_config.py)."""

    class Kw(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(4, 2)

        def forward(self, x, **kwargs):
            return self.fc(x)

    a = dscost.analyze(Kw(), input_shape={"x": (1, 4), "atention_mask": (1, 4)})
    assert (a.totals.macs, a.totals.params) == (8, 10)
    assert "'atention_mask': no named parameter of the forward, given to its **kwargs, where a name it does not read is ignored" in a.model.notes
    assert not any("no named parameter" in n for n in dscost.analyze(Kw(), input_shape={"x": (1, 4)}).model.notes)


def test_flex_attention_is_refused_with_what_to_do():
    """Found by the sixty-first round: flex attention exports with neither exporter (the TorchScript
    trace refuses its compiled function; torch.export stops at its backward on the CPU, and with
    gradients off no ONNX translation exists), so torch's advice to turn gradients off does not help:
    the one line says to count the model with scaled_dot_product_attention, which does the same work."""
    if tuple(int(v) for v in torch.__version__.split("+")[0].split(".")[:2]) < (2, 6):
        pytest.skip("torch 2.5's flex_attention fails in the forward itself (a vmap KeyError)")
    need("onnxscript")
    with pytest.raises(InputError, match=r"^FlexAttended \(nn.Module\): torch.onnx.export failed: .*; the dynamo exporter too: .*; flex attention exports with neither "
                                         r"exporter: count it with scaled_dot_product_attention \(transformers: attn_implementation='sdpa'\), which does the same work$"):  # fmt: skip
        dscost.analyze(tm.FlexAttended(), (1, 8, 16))


def test_regression_losses_get_symbolics_of_dscost():
    """Found by the sixty-first round: transformers' ViT for masked image modeling, given the mask,
    computes an L1 loss, which the TorchScript exporter has no symbolic for (nor for smooth L1 and
    Huber); it went to the dynamo exporter, which stored the mask token expanded to every patch
    (+960 params).  dscost registers one for each (Abs of the difference; Where below beta or
    delta, the quadratic part; ReduceMean or ReduceSum): the module keeps the TorchScript exporter
    and torch's counts, and onnxruntime computes torch's loss at inputs on both sides of the limits."""
    m, x, y = tm.Regressed(), torch.rand(3, 6), torch.rand(3, 4) * 4 - 2
    a = dscost.analyze(m, (x, y))
    assert (a.totals.macs, a.totals.params) == torch_counts(m, x, y) == (72, 28) and not a.model.uncounted
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")
    _runs_as_torch(m, x, y)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # (torch on its own legacy APIs)
def test_spectral_norm_channel_shuffle_and_nearest_exact_get_symbolics_of_dscost():
    """Found by the forty-eighth round: ``parametrizations.spectral_norm`` (torch.vdot),
    ``nn.ChannelShuffle`` and ``Upsample(mode='nearest-exact')`` have no TorchScript symbolic;
    such a module went to the dynamo exporter, which folded its BatchNorm (224 of 240 params) and
    computed spectral norm's sigma at export time (its 216 + 8 MACs gone).  dscost registers
    one for each: the module keeps the TorchScript exporter and torch's params, sigma counts as
    W v (8 x 27) and u . (W v) (8), and onnxruntime computes what torch does (nearest-exact at
    sizes that are no multiple, where its source pixels differ from plain nearest's)."""
    from torch import nn
    from torch.nn.utils import parametrizations

    torch.manual_seed(0)
    sn = nn.Sequential(parametrizations.spectral_norm(nn.Conv2d(3, 8, 3)), nn.BatchNorm2d(8), nn.ReLU()).eval()
    shuffle = nn.Sequential(nn.Conv2d(4, 8, 1), nn.BatchNorm2d(8), nn.ChannelShuffle(2)).eval()
    exact = nn.Sequential(nn.Conv2d(4, 8, 1), nn.BatchNorm2d(8), nn.Upsample(size=(7, 11), mode="nearest-exact")).eval()
    exact1d = nn.Sequential(nn.Conv1d(4, 8, 1), nn.BatchNorm1d(8), nn.Upsample(scale_factor=1.7, mode="nearest-exact")).eval()
    for m, x, counts in ((sn, torch.rand(1, 3, 8, 8), (9 * 3 * 8 * 36 + 8 * 27 + 8, 8 * 27 + 8 + 16)),
                         (shuffle, torch.rand(1, 4, 5, 5), (4 * 8 * 25, 32 + 8 + 16)),
                         (exact, torch.rand(1, 4, 5, 5), (4 * 8 * 25, 32 + 8 + 16)),
                         (exact1d, torch.rand(1, 4, 5), (4 * 8 * 5, 32 + 8 + 16))):
        a = dscost.analyze(m, x)
        assert (a.totals.macs, a.totals.params) == counts and not a.model.uncounted
        assert sum(p.numel() for p in m.parameters()) == counts[1]
        assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")
        _runs_as_torch(m, x)
    assert abs(nn.functional.interpolate(torch.arange(5.0).view(1, 1, 5), size=7, mode="nearest-exact")
               - nn.functional.interpolate(torch.arange(5.0).view(1, 1, 5), size=7, mode="nearest")).max() > 0


def test_a_dilated_same_padded_conv_exports_pads_onnxruntime_runs():
    """Found by the forty-eighth round: torch's symbolic writes a conv of ``padding='same'`` as
    ``auto_pad=SAME_UPPER``, which onnxruntime refuses with dilations over 1 ("Dilation not
    supported for AutoPadType::SAME_UPPER"): ``bench`` of such a module failed.  dscost's
    symbolic writes the pads it stands for, d x (k - 1) in all, the extra one at the end, as
    PyTorch pads (kernel (3, 4), dilation (2, 3): 2 + 2 and 4 + 5); the counts are torch's and
    onnxruntime computes what torch does.  Undilated, torch's own auto_pad is kept."""
    import tempfile

    import onnx
    from torch import nn

    from dscost.readers.torch_reader import count_module

    torch.manual_seed(0)
    for m, x, macs, pads in ((nn.Conv2d(3, 4, (3, 4), padding="same", dilation=(2, 3)), torch.rand(1, 3, 9, 11), 9 * 11 * 4 * 3 * 12, [2, 4, 2, 5]),
                             (nn.Conv1d(3, 4, 4, padding="same"), torch.rand(1, 3, 9), 9 * 4 * 3 * 4, None)):  # fmt: skip
        a = dscost.analyze(m.eval(), x)
        assert (a.totals.macs, a.totals.params) == (macs, sum(p.numel() for p in m.parameters()))
        with tempfile.TemporaryDirectory() as tmp:
            (conv,) = onnx.load(str(count_module(m, x, workdir=tmp)[1])).graph.node
            attrs = {at.name: list(at.ints) or at.s for at in conv.attribute}
        assert attrs.get("pads") == pads and ("auto_pad" in attrs) == (pads is None)
        _runs_as_torch(m, x)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # (torch on its own legacy APIs)
def test_aten_rms_norm_gets_a_symbolic_of_dscost(tmp_path):
    """nn.RMSNorm calls aten::rms_norm, which the TorchScript exporter has no symbolic for:
    dscost registers one (Mul, ReduceMean, Add eps, Sqrt, Div, times the weight), so the module
    keeps that exporter and torch's params; onnxruntime computes what torch does at opset 17 and
    18 (where ReduceMean takes its axes as an input)."""
    m, x = tm.RootMeanSquare(), torch.rand(1, 5, 8)
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == torch_counts(m, x) == (5 * (64 + 32), 72 + 8 + 36)
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")
    ort = need("onnxruntime")
    for opset in (17, 18):
        path = str(tmp_path / f"rms{opset}.onnx")
        torch.onnx.export(m, (x,), path, dynamo=False, opset_version=opset, input_names=["v"])
        got = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"v": x.numpy()})[0]
        assert got.shape == (1, 5, 4) and abs(got - m(x).detach().numpy()).max() < 1e-5


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # (torch on its own legacy APIs)
def test_rms_norm_of_a_computed_shape_and_expm1_get_symbolics_of_dscost(tmp_path):
    """Found by the twelfth transformers round: Ergo's RMSNorm passes `self.weight.shape` (sizes
    the trace computes), which dscost's rms_norm symbolic refused, and Apertus' xIELU calls
    torch.expm1, which the TorchScript exporter has no symbolic for: both went to the dynamo
    exporter, which rewrote their parameters (-1,008 and -307).  Both keep the TorchScript
    exporter and torch's counts now; onnxruntime computes what torch does."""
    m, x = tm.ShapedRootMeanSquare(), torch.rand(1, 5, 8) - 0.5
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == torch_counts(m, x) == (5 * (64 + 32), 72 + 8 + 36)
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")
    ort = need("onnxruntime")
    path = str(tmp_path / "shaped.onnx")
    torch.onnx.export(m, (x,), path, dynamo=False, opset_version=17, input_names=["v"])
    got = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"v": x.numpy()})[0]
    assert got.shape == (1, 5, 4) and abs(got - m(x).detach().numpy()).max() < 1e-5


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # (torch on its own legacy APIs)
def test_an_uneven_adaptive_pool_gets_a_symbolic_of_dscost(tmp_path):
    """torch's TorchScript symbolic refuses an adaptive average pool whose output size does not
    divide the input's (10 into 3 and 6: UperNet's pyramid pooling), or whose input size the trace
    does not know (CSATv2's), which sent such modules to the dynamo exporter.  dscost registers
    one (the mean of each of PyTorch's bins, axis by axis): the module keeps the TorchScript
    exporter and torch's counts.  Exported with dynamic height and width (the bins' bounds then
    computed in the graph), onnxruntime gives torch's output at two sizes, and dscost torch's
    counts at the second."""
    m, x = tm.PyramidPool().eval(), torch.rand(1, 4, 10, 10)
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == torch_counts(m, x) == (28_800, 296) and not a.model.uncounted
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")
    assert {l.op for l in a.layers if l.name.startswith("pools.")} == {"GlobalAveragePool", "AveragePool", "Constant", "Slice", "ReduceMean", "Concat"}
    ort = need("onnxruntime")
    path = str(tmp_path / "ppm.onnx")
    torch.onnx.export(m, (x,), path, dynamo=False, opset_version=17, input_names=["x"], dynamic_axes={"x": {2: "h", 3: "w"}})
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    for size in ((10, 10), (13, 11)):
        x = torch.rand(1, 4, *size)
        with torch.no_grad():
            assert abs(session.run(None, {"x": x.numpy()})[0] - m(x).numpy()).max() < 1e-5
    f = dscost.analyze(path, input_shape={"x": (1, 4, 13, 11)})
    assert (f.totals.macs, f.totals.params) == torch_counts(m, x) == (9 * 4 * 8 * 13 * 11, 296) and not f.model.uncounted


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # (torch on its own legacy APIs)
def test_an_uneven_adaptive_max_pool_gets_a_symbolic_of_dscost(tmp_path):
    """Round 48: an AdaptiveMaxPool1d / 2d whose output size does not divide the input's exported
    with neither exporter (torch's TorchScript symbolic refuses it, the dynamo one too): exit 2.
    dscost's symbolic takes the maximum over each of PyTorch's bins, axis by axis (a maximum over
    a box is the maximum of the maxima): torch's MACs and params, and onnxruntime's output is
    torch's."""
    m, seq, img = tm.UnevenMaxPools().eval(), torch.rand(1, 4, 10), torch.rand(1, 4, 10, 10)
    a = dscost.analyze(m, (seq, img))
    assert (a.totals.macs, a.totals.params) == torch_counts(m, seq, img) == (30_600, 1_245) and not a.model.uncounted
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")
    assert {l.op for l in a.layers if l.name.startswith("pool")} == {"Constant", "Slice", "ReduceMax", "Concat"}
    ort = need("onnxruntime")
    from dscost.readers import torch_symbolics

    for op in torch_symbolics.ADAPTIVE_MAX:
        torch_symbolics.register(torch, op)
    path = str(tmp_path / "pools.onnx")
    torch.onnx.export(m, (seq, img), path, dynamo=False, opset_version=17, input_names=["seq", "img"])
    got = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"seq": seq.numpy(), "img": img.numpy()})[0]
    with torch.no_grad():
        assert abs(got - m(seq, img).numpy()).max() < 1e-5


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # (torch on its own legacy APIs)
def test_a_fold_to_a_computed_size_keeps_the_torchscript_exporter(tmp_path):
    """F.fold is Col2Im from opset 18; torch's symbolic takes its number of axes from the output
    size's shape, which it does not know when the trace computes that size (VOLO, MobileViTv2),
    and fails: those modules went to the dynamo exporter.  dscost's symbolic takes it from the
    strides: the TorchScript exporter at opset 18, torch's counts, and onnxruntime's output is
    torch's."""
    m, x = tm.Folded().eval(), torch.rand(1, 2, 8, 8)
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == torch_counts(m, x) == (1_024, 72) and not a.model.uncounted
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 18, BatchNorm kept)")
    (got,), (want,) = in_onnxruntime(m, x, tmp_path / "fold.onnx", 18)
    assert got.shape == (1, 2, 8, 8) and abs(got - want).max() < 1e-5


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning")  # (torch on its own legacy APIs)
def test_windows_of_an_unknown_size_keep_the_torchscript_exporter(tmp_path):
    """Tensor.unfold of an axis whose size the trace does not know (after a pad, folding off:
    HaloNet) is refused by torch's symbolic, which sent such modules to the dynamo exporter.
    dscost's (a Gather of the windows' indices) keeps the TorchScript exporter and torch's
    counts; exported with dynamic height and width at opsets 12 and 17, onnxruntime gives
    torch's output at two sizes."""
    m, x = tm.PaddedWindows().eval(), torch.rand(1, 2, 8, 8)
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == torch_counts(m, x) == (4_608 + 2_880, 96) and not a.model.uncounted
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept)")
    ort = need("onnxruntime")
    for opset in (12, 17):
        path = str(tmp_path / f"windows{opset}.onnx")
        torch.onnx.export(m, (x,), path, dynamo=False, opset_version=opset, input_names=["x"], dynamic_axes={"x": {2: "h", 3: "w"}},
                          do_constant_folding=False)  # fmt: skip
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        for size in ((8, 8), (11, 9)):
            x = torch.rand(1, 2, *size)
            with torch.no_grad():
                assert abs(session.run(None, {"x": x.numpy()})[0] - m(x).numpy()).max() < 1e-5


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning")  # (torch on its own legacy APIs)
def test_repeat_interleave_symbolic(tmp_path):
    """torch's repeat_interleave symbolic leaves a shape its exporter's own inference rejects at a
    later Expand, in an internal assert that names no op (transformers' Cohere, whose rotary
    embedding interleaves): on that assert dscost retries with its own symbolic (Unsqueeze, Tile,
    Reshape), which onnxruntime runs as torch does -- by an int along a positive or negative
    axis; tensor repeats keep torch's own."""
    from dscost.readers.torch_symbolics import missing_symbolic, register

    err = RuntimeError("input_shape_value == reshape_value || input_shape_value == 1 || reshape_value == 1 INTERNAL ASSERT FAILED at "
                       "shape_type_inference.cpp:582, please report a bug to PyTorch. ONNX Expand input shape constraint not satisfied.")  # fmt: skip
    assert missing_symbolic(err, []) == "aten::repeat_interleave" and missing_symbolic(err, ["aten::repeat_interleave"]) is None
    assert missing_symbolic(RuntimeError("another internal assert"), []) is None
    assert missing_symbolic(AssertionError("All tensors must have the same rank"), []) == "aten::repeat_interleave"  # (at a later cat: GLM)

    class PartialRotary(torch.nn.Module):  # (transformers' GLM: the first half of cos, interleaved, over part of each head)
        def __init__(self):
            super().__init__()
            self.q = torch.nn.Linear(64, 64)

        def forward(self, x, cos):  # x 1x32x64, cos 1x32x8
            q = self.q(x).view(1, 32, 4, 16).transpose(1, 2)
            cos = cos.unsqueeze(1)
            cos = cos[..., : cos.shape[-1] // 2].repeat_interleave(2, dim=-1)
            q_rot, q_pass = q[..., : cos.shape[-1]], q[..., cos.shape[-1] :]
            return torch.cat([q_rot * cos + torch.stack((-q_rot[..., 1::2], q_rot[..., 0::2]), -1).flatten(-2), q_pass], -1)

    rotary, x, cos = PartialRotary(), torch.rand(1, 32, 64), torch.rand(1, 32, 8)
    a = dscost.analyze(rotary, (x, cos))
    assert (a.totals.macs, a.totals.params) == torch_counts(rotary, x, cos) == (32 * 64 * 64, 64 * 64 + 64) and "TorchScript" in a.model.notes[0]

    class Interleaved(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("counts", torch.tensor([1, 2, 1]))

        def forward(self, x):
            return torch.repeat_interleave(x, 2, dim=-1), torch.repeat_interleave(x, 3, dim=1), torch.repeat_interleave(x, self.counts, dim=1)

    register(torch, "aten::repeat_interleave")
    path = tmp_path / "interleave.onnx"
    got, want = in_onnxruntime(Interleaved(), torch.rand(2, 3, 4), path, 17)
    assert [g.shape for g in got] == [(2, 3, 8), (2, 9, 4), (2, 4, 4)] and all(abs(g - w).max() < 1e-6 for g, w in zip(got, want))
    a = dscost.analyze(path)
    assert not a.model.uncounted and sum(layer.op == "Tile" for layer in a.model.layers) == 2


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning")
def test_onnxruntimes_export_helper_ops_are_counted(tmp_path):
    """onnxruntime's PyTorch export helper (onnxruntime.tools.pytorch_export_contrib_ops) writes
    its own GridSample and Trilu below opsets 16 and 14, and Inverse at any opset: counted as the
    standard ops (GridSample: 2x2 taps per output element, 4 x 5 x 6 = 120 of them), Inverse as
    Gauss-Jordan (n^3 = 64 MACs per 4x4 matrix), the standard Det as elimination (14 MACs, 6
    divisions and 3 diagonal products per matrix)."""
    need("onnxruntime")
    from onnxruntime.tools import pytorch_export_contrib_ops as helper

    class Sampled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)

        def forward(self, x, grid, m):
            y = torch.nn.functional.grid_sample(self.conv(x), grid, mode="bilinear", align_corners=False)
            return y, torch.inverse(torch.triu(m) + torch.eye(4)), torch.det(m)

    path = str(tmp_path / "helper.onnx")
    helper.register()
    if "aten::linalg_inv" not in getattr(helper, "_registered_ops", {"aten::linalg_inv"}):
        helper.unregister()
        pytest.skip("this onnxruntime's export helper registers aten::inverse only; torch exports torch.inverse as aten::linalg_inv")
    try:
        torch.onnx.export(Sampled(), (torch.rand(1, 3, 8, 8), torch.rand(1, 5, 6, 2), torch.rand(2, 4, 4)), path, dynamo=False, opset_version=13)
    finally:
        helper.unregister()
    m = load(path)
    ops = {(layer.op, layer.cost.macs, layer.cost.other_ops) for layer in m.layers if layer.op in ("GridSample", "Inverse", "Det", "Trilu")}
    assert not m.uncounted and ops == {("GridSample", 0, 480), ("Trilu", 0, 0), ("Inverse", 128, 0), ("Det", 28, 18)}
    assert sum(layer.cost.macs for layer in m.layers) == 3 * 9 * 4 * 64 + 128 + 28


def test_a_forward_that_refuses_defaults_given_positionally():
    """Called on the module, the TorchScript exporter fills in a forward's defaults positionally;
    a forward wrapper passing one of them by keyword (transformers 5's BertModel: "got multiple
    values for argument 'use_cache'") refuses that.  dscost exports from a wrapper taking the
    tensors positionally: the TorchScript exporter still (params as torch counts them, not the
    dynamo exporter's rewrite), layer names without the wrapper's scope."""
    m = tm.KeywordForward()
    a = dscost.analyze(m, (1, 3, 8, 8))
    # conv 3x3x3 -> 8 on a 6x6 map, then 8 -> 4
    assert (a.totals.macs, a.totals.params) == torch_counts(m, torch.rand(1, 3, 8, 8)) == (27 * 8 * 36 + 8 * 4, 27 * 8 + 8 + 8 * 4 + 4)
    assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept) at forward(x: 1x3x8x8)")
    assert {"conv", "fc"} <= {layer.name for layer in a.model.layers}
    assert not any(layer.name.startswith("module") for layer in a.model.layers)
    assert "forward" not in m.__dict__ and m(torch.rand(1, 3, 8, 8)).shape == (1, 4)  # (the module as it was)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # (torch on its own legacy APIs)
def test_torchscript_modules_are_exported_as_they_are():
    """A scripted or traced module (its signature fixed) is exported as it is, and stays usable."""
    x = torch.rand(1, 3, 8, 8)
    for m in (torch.jit.script(tm.KeywordForward().conv), torch.jit.trace(torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3)).eval(), x)):
        before, own = m(x), m.__dict__.get("forward")
        a = dscost.analyze(m, (1, 3, 8, 8))
        assert (a.totals.macs, a.totals.params) == (27 * 8 * 36, 27 * 8 + 8)
        assert torch.equal(m(x), before) and m.__dict__.get("forward") is own


def test_an_int_default_stays_the_forwards():
    """transformers' causal LMs take ``logits_to_keep=0`` (0: every position).  Filled in by the
    exporter it became a graph input, and the trace gathered one position with it: OPT's logits
    for 1 token of 32, 1,984,000 MACs short.  Through the wrapper the forward keeps its default."""
    m = tm.KeepLast()
    a = dscost.analyze(m, (1, 32, 8))
    assert (a.totals.macs, a.totals.params) == torch_counts(m, torch.rand(1, 32, 8)) == (32 * 8 * 10, 8 * 10)
    assert [i for i, *_ in a.model.inputs] == ["x"]


def _runs_as_torch(m, *args) -> None:
    """The graph dscost counted for ``m`` at ``args`` gives torch's output in onnxruntime."""
    if not importlib.util.find_spec("onnxruntime"):
        return
    import tempfile

    import onnxruntime as ort

    from dscost.readers.torch_reader import count_module

    with tempfile.TemporaryDirectory() as tmp:
        path = count_module(m, args if len(args) > 1 else args[0], workdir=tmp)[1]
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        y = session.run(None, {i.name: x.numpy() for i, x in zip(session.get_inputs(), args)})[0]
    assert abs(y - m(*args).detach().numpy()).max() < 1e-5


def test_grouped_query_attention_keeps_the_torchscript_exporter():
    """torch's SDPA symbolic refuses enable_gqa=True (transformers' GQA path without a mask), which
    sent such models to the dynamo exporter and its rewritten params.  dscost's repeats each key and
    value head for its group of query heads: projections 8 x 32 x (32 + 16 + 16) = 16,384 MACs, QK^T
    and AV 2 x 4 heads x 8 x 8 x 8 = 4,096; the file gives torch's output (onnxruntime)."""
    m = tm.GroupedQuery().eval()
    x = torch.rand(1, 8, 32)
    a = dscost.analyze(m, x)
    assert (a.totals.macs, a.totals.params) == (16_384 + 4_096, 32 * 32 + 2 * 32 * 16) and not a.model.uncounted
    assert "(TorchScript exporter," in a.model.notes[0]
    _runs_as_torch(m, x)


def test_grouped_query_attention_of_head_counts_the_trace_does_not_know():
    """When the trace does not know the head counts (a rotary table from the traced size), the key
    and value heads are repeated by a group computed in the graph: still the TorchScript exporter,
    and torch's output.  QK^T and AV 2 x 4 heads x 16 x 16 x 16 = 32,768 MACs, the Linear on the
    4 x 16 rows of 16: 64 x 16 x 16 = 16,384; params 256 + 16 (inv_freq is a buffer)."""
    m = tm.GroupedQueryUnknownHeads().eval()
    args = (torch.rand(1, 4, 16, 16), torch.rand(1, 2, 16, 16), torch.rand(1, 2, 16, 16))
    a = dscost.analyze(m, args)
    assert (a.totals.macs, a.totals.params) == (32_768 + 16_384, 272) and not a.model.uncounted
    assert "(TorchScript exporter," in a.model.notes[0]
    _runs_as_torch(m, *args)


def test_parameters_the_forward_does_not_use_are_named_in_a_note():
    """torch's sum(p.numel()) counts every parameter; the graph holds those the forward uses.  A
    note names the others and their elements, so the difference is said: Unused's mask token (16);
    its two zero biases, equal, are one initializer and an Identity named after the other (used)."""
    m = tm.Unused()
    a = dscost.analyze(m, (1, 8))
    assert a.totals.params == 2 * (64 + 8) == sum(p.numel() for p in m.parameters()) - 16
    assert ("1 parameter tensor(s) of the module (16 elements) are in no graph: the forward does not use them at these inputs, or reads them "
            "through .data, which the trace keeps as constants (mask_token); torch's sum(p.numel()) counts them, dscost does not") in a.model.notes  # fmt: skip
    assert not any("are in no graph" in n for n in dscost.analyze(tm.Embedded(), input_shape="1x16:int64").model.notes)


def test_a_permute_with_negative_dims_counts_and_runs(capsys):
    """torch's TorchScript exporter writes ``permute(0, -2, -1, 1)`` as a Transpose with negative
    perm axes, which ONNX does not allow: onnx's inference left everything after it open (Mamba-2:
    7 nodes and 74,752 MACs of a layer uncounted) and onnxruntime refuses the file.  The reader
    reads the axes from the end, with a note; the file `bench` runs is mended the same way."""
    m = tm.NegativePermute()
    a = dscost.analyze(m, (1, 4, 3, 5))
    assert not a.model.uncounted and a.totals.macs == torch_counts(m, torch.rand(1, 4, 3, 5))[0] == 15 * 4 * 6
    assert a.model.layers[-1].output_shape == (1, 3, 5, 6)  # (not the exporter's declared shape, which holds uninitialized memory)
    assert any(n.startswith("1 Transpose node(s) count axes of perm from the end (Transpose with [0, -2, -1, 1])") for n in a.model.notes), a.model.notes
    if importlib.util.find_spec("onnxruntime"):
        assert cli_json(capsys, "bench", "torch_models:NegativePermute", "-i", "1x4x3x5", "--budget", "0.05", "--runs", "5")["macs"] == 360


def test_a_forwards_flags_are_given_by_input_value(tmp_path, capsys):
    """--input-value NAME=VALUE on a PyTorch module gives its forward a flag (true/false, kept a
    bool, or an integer) by keyword, as transformers' ViT takes interpolate_pos_encoding=True to
    run at another resolution: KeepLast's Linear 8 -> 10 on the last keep=1 of 16 positions is
    80 MACs, on all 16 (its default 0) 1,280; use_cache=false given needs no second export.
    The same in the API (with input_shape), budget files and bench; a name that is no parameter
    of the forward, or that also has a shape, fails in one line; a saved program's are fixed."""
    a = cli_json(capsys, "analyze", "torch_models:KeepLast", "-i", "1x16x8", "--input-value", "keep=1")
    assert (a["totals"]["macs"], a["totals"]["params"]) == (80, 80) == torch_counts(tm.KeepLast(), torch.rand(1, 16, 8)[:, -1:])
    assert "at forward(x: 1x16x8, keep: 1)" in a["notes"][0]
    assert cli_json(capsys, "analyze", "torch_models:KeepLast", "-i", "1x16x8")["totals"]["macs"] == 16 * 80
    assert dscost.analyze(tm.KeepLast(), input_shape=(1, 16, 8), input_values={"keep": 2}).totals.macs == 160
    ids = cli_json(capsys, "analyze", "torch_models:Embedded", "-i", "1x16:int64", "--input-value", "last_only=true")  # (no float input at all)
    assert ids["totals"]["macs"] == 8 * 4 and "forward(input_ids: 1x16 int64, last_only: True)" in ids["notes"][0]
    cached = cli_json(capsys, "analyze", "torch_models:CachingForward", "-i", "1x8", "--input-value", "use_cache=false")
    assert cached["totals"]["macs"] == 32 and "forward(x: 1x8, use_cache: False)" in cached["notes"][0]
    assert not any("given to the forward" in n for n in cached["notes"])  # (given: no retry)
    budget = tmp_path / "budget.yaml"
    budget.write_text("budgets:\n  - {path: torch_models:KeepLast, input_shapes: [1, 16, 8], input_values: {keep: 1}, max_macs: 80}\n"
                      "  - {path: torch_models:CachingForward, input_shapes: [1, 8], input_values: {use_cache: false}, max_macs: 32}\n")  # fmt: skip
    assert [(m.passed, m.results[0].actual) for m in dscost.check(budget).models] == [(True, 80), (True, 32)]
    if importlib.util.find_spec("onnxruntime"):
        assert cli_json(capsys, "bench", "torch_models:KeepLast", "-i", "1x16x8", "--input-value", "keep=1", "--budget", "0.05", "--runs", "5")["macs"] == 80
    for args, said in ((["--input-value", "nope=1"], "torch_models:KeepLast: forward(x, keep) has no parameter 'nope'"),
                       (["--input-value", "x=1"], "torch_models:KeepLast: 'x' is given a shape and a value; a tensor input takes a shape, a flag a value"),
                       (["--input-value", "keep=0.5"], "--input-value: expected NAME=VALUE")):  # fmt: skip
        capsys.readouterr()
        assert run(["analyze", "torch_models:KeepLast", "-i", "x=1x16x8", *args]) == 2
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1, err
    with pytest.raises(InputError, match="input values apply to the inputs dscost makes from shapes, not to example inputs"):
        dscost.analyze(tm.KeepLast(), torch.rand(1, 16, 8), input_values={"keep": 1})
    torch.export.save(torch.export.export(tm.KeepLast(), (torch.rand(1, 16, 8),)), str(tmp_path / "keep.pt2"))
    with pytest.raises(InputError, match=r"^--input-value applies to ONNX graphs and PyTorch modules only; .*keep.pt2 is a torch.export program \(its forward's flags were fixed when it was saved\)$"):
        load(str(tmp_path / "keep.pt2"), input_values={"keep": 1})


def test_a_forward_returning_a_cache_is_exported_with_use_cache_false(capsys):
    """A decoder's cache is no tensor, so neither exporter takes it: when the forward takes
    ``use_cache`` (by name or through ``**kwargs``, as transformers 5.24's GraniteMoE) and it was
    not given, dscost exports again with ``use_cache=False``, which computes the same keys and
    values, and says so.  A forward that returns the cache anyway fails in one line saying what
    was tried."""
    x = torch.rand(1, 8)
    given = dscost.analyze(tm.CachingForward(), {"x": x, "use_cache": False})
    for m in (tm.CachingForward(), tm.CachingThroughKwargs()):
        a = dscost.analyze(m, x)
        assert (a.totals.macs, a.totals.params) == (given.totals.macs, given.totals.params) == (8 * 4, 8 * 4 + 4)
        assert a.model.notes[0].startswith("exported with torch.onnx.export (TorchScript exporter, opset 17, BatchNorm kept) at forward(x: 1x8, use_cache: False)")
        assert a.model.notes[1] == "use_cache=False given to the forward: it returned a cache object (Cache), which torch's exporters do not take"
        assert [i for i, *_ in a.model.inputs] == ["x"]
    assert not any("use_cache" in n for n in given.model.notes[1:])
    assert cli_json(capsys, "analyze", "torch_models:CachingForward", "-i", "1x8")["totals"]["macs"] == 32
    # a failure that names no cache (Reformer's LSH buckets) is tried again with use_cache=False too, before the dynamo exporter
    opaque = dscost.analyze(tm.OpaqueCaching(), x)
    assert opaque.totals.macs == 32 and "forward(x: 1x8, use_cache: False)" in opaque.model.notes[0] and "TorchScript exporter" in opaque.model.notes[0]
    assert opaque.model.notes[1].startswith("use_cache=False given to the forward: the TorchScript exporter failed without it (RuntimeError: ")
    assert "unsupported type: Buckets" in opaque.model.notes[1]
    with pytest.raises(InputError, match=r"^AlwaysCaching \(nn.Module\) \(forward given use_cache=False\): torch.onnx.export failed: .*unsupported type: Cache; the dynamo exporter too: ") as err:
        dscost.analyze(tm.AlwaysCaching(), x)
    # (the dynamo exporter's own reason, not the first export's: it ran after that one was handled, whose exception
    #  had become the implicit context at the bottom of the second one's chain -- Kolibri 1.1's said "CacheOutput")
    dynamo = str(err.value).split("the dynamo exporter too: ")[1]
    assert "CacheOutput" not in dynamo and "it returned a cache object" not in dynamo and "Cache" in dynamo, dynamo


def test_a_status_line_on_a_terminal_says_what_the_export_is_doing(tmp_path):
    """Importing torch, building, exporting (again with use_cache=False here) and counting take
    seconds to minutes with every print captured: on a terminal, a status line on stderr says
    which; stdout stays clean JSON, and -q (or stderr piped) shows none."""
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}
    for extra, shown in (([], True), (["-q"], False)):
        code, out, err = run_with_stderr_on_a_terminal("analyze", "torch_models:CachingForward", "-i", "1x8", "-f", "json", *extra, env=env, timeout=600)
        assert code == 0 and json.loads(out)["totals"]["macs"] == 32
        assert (b"exporting to ONNX" in err) == shown, err[-300:]
        assert (b"again, with use_cache=False" in err) == shown
    # (diff too: two modules, each exported)
    code, out, err = run_with_stderr_on_a_terminal("diff", "torch_models:CachingForward", "torch_models:CachingForward", "-i", "1x8", "-f", "json", env=env, timeout=600)
    assert code == 0 and json.loads(out)["base"]["macs"] == json.loads(out)["new"]["macs"] == 32
    assert err.count(b"exporting to ONNX (TorchScript exporter)") >= 2, err[-300:]
    two = ["torch_models:CachingForward", "torch_models:CachingThroughKwargs", "-i", "1x8"]  # (several models: shown while read one by one, not from --jobs workers)
    for command, shown in ((["analyze", *two, "-f", "json"], True), (["check", *two, "--max-macs", "1K", "--jobs", "2"], False)):
        code, out, err = run_with_stderr_on_a_terminal(*command, env=env, timeout=600)
        assert code == 0, err[-300:]
        assert (err.count(b"exporting to ONNX (TorchScript exporter)") >= 2) == shown, (command, err[-300:])
    budget = tmp_path / "budget.yaml"  # (check's models, from a budget file, read one by one)
    budget.write_text("budgets:\n  - {path: torch_models:KeepLast, input_shapes: [1, 16, 8], max_macs: 2K}\n"
                      "  - {path: torch_models:CachingForward, input_shapes: [1, 8], max_macs: 32}\n")  # fmt: skip
    code, out, err = run_with_stderr_on_a_terminal("check", "--budget", str(budget), env=env, timeout=600)
    assert code == 0 and err.count(b"exporting to ONNX (TorchScript exporter)") >= 2, err[-300:]


def test_bench_times_a_pytorch_target_as_exported_for_its_count(capsys):
    """`dscost bench TARGET -i SHAPE` (and --kwargs/--arg) exports the module as analyze counts it
    and times that file in onnxruntime: its MACs are analyze's, per layer too, and with --convert
    it is the original of the pair."""
    need("onnxruntime")
    counted = dscost.analyze(TINY, input_shape=(1, 3, 32, 32), kwargs={"width": 16})
    doc = cli_json(capsys, "bench", TINY, "-i", "1x3x32x32", "--arg", "width=16", "--budget", "0.05", "--runs", "5")
    assert doc["model"] == f"{TINY} (exported to ONNX as counted)" and doc["macs"] == counted.totals.macs == torch_counts(tm.tiny(width=16), torch.rand(1, 3, 32, 32))[0]
    # its layers named by module path, as analyze names them (the exported file's nodes are renamed so)
    assert [(x["name"], x["macs"]) for x in doc["layers"] if x["macs"]] == [(x.name, x.cost.macs) for x in counted.layers if x.cost.macs]
    assert [x["name"] for x in doc["layers"] if x["macs"]] == ["stem.0", "dw.0", "pw.0", "se.fc1", "se.fc2", "head.1"]
    pair = cli_json(capsys, "bench", TINY, "-i", "1x3x32x32", "--arg", "width=16", "--convert", "--budget", "0.05", "--runs", "5")
    assert pair["original"]["macs"] == counted.totals.macs and pair["converted"]["macs"] == counted.all_separable.macs
    assert [x["name"] for x in pair["layers"]] == ["stem.0"]


def test_a_forward_taking_kwargs_without_a_cache_is_not_retried_with_use_cache():
    """A forward with **kwargs and no cache (no config.use_cache, no Cache in the error): its
    failed export is said as such, not as a failure of forward(..., use_cache=False)."""
    with pytest.raises(InputError) as err:
        dscost.analyze(tm.NotExportableKwargs(), torch.rand(3, 4))
    assert "linalg_svdvals" in str(err.value) and "use_cache" not in str(err.value)


def test_a_torch_export_program_counts_at_its_stored_inputs_or_given_sizes(tmp_path, capsys):
    """A .pt2 of torch.export.save: its module at the example inputs stored with it (batch 2 here),
    or at --input-shape where it was exported dynamic (batch 4), the counts torch's; a size it
    fixed fails in one line saying so; bench times it; a file that is no program is one line."""
    m = tm.Tiny().eval()
    x = torch.rand(2, 3, 32, 32)
    program = torch.export.export(m, (x,), dynamic_shapes={"x": {0: torch.export.Dim("batch", min=2, max=8)}})
    path = tmp_path / "tiny.pt2"
    torch.export.save(program, str(path))
    if tuple(int(v) for v in torch.__version__.split("+")[0].split(".")[:2]) < (2, 6):  # (the oldest torch dscost takes)
        with pytest.raises(InputError, match=r"tiny.pt2: reading torch.export programs needs torch >= 2.6 \(this is 2\.5"):
            dscost.analyze(str(path))
        return
    stored, given = dscost.analyze(str(path)), dscost.analyze(str(path), input_shape=(4, 3, 32, 32))
    assert (stored.totals.macs, stored.totals.params) == torch_counts(m, x) and given.totals.macs == torch_counts(m, torch.rand(4, 3, 32, 32))[0]
    assert stored.model.name == "tiny" and [(n, s) for n, s, _ in stored.model.inputs] == [("x", (2, 3, 32, 32))]
    assert [x.name for x in given.layers if x.conv][:2] == ["stem.0", "dw.0"] and "at forward(x: 4x3x32x32)" in given.model.notes[0]
    # positional and keyword example inputs, as a decoder is exported (use_cache=False)
    torch.export.save(torch.export.export(tm.CachingForward(), (torch.rand(1, 8),), {"use_cache": False}), str(tmp_path / "cached.pt2"))
    cached = dscost.analyze(str(tmp_path / "cached.pt2"))
    assert (cached.totals.macs, cached.totals.params) == (8 * 4, 8 * 4 + 4) and "at forward(x: 1x8, use_cache: False)" in cached.model.notes[0]
    assert [n for n, *_ in cached.model.inputs] == ["x"]
    torch.export.save(torch.export.export(m, (x,)), str(tmp_path / "fixed.pt2"))  # (no dynamic dimension: its module hierarchy rebuilt)
    fixed = dscost.analyze(str(tmp_path / "fixed.pt2"))
    assert (fixed.totals.macs, fixed.totals.params) == torch_counts(m, x) and [x.name for x in fixed.layers if x.conv][:2] == ["stem.0", "dw.0"]
    # (torch.export's own check of the input sizes reads them: no note that the trace read values, which the red team found on every .pt2)
    assert not any("read tensor values" in note for a in (stored, given, cached, fixed) for note in a.model.notes)
    capsys.readouterr()  # (what the forward printed while torch ran it here)
    assert run(["analyze", str(path), "-i", "2x3x16x16"]) == 2
    err = capsys.readouterr().err
    assert "Guard failed" in err and "the program was exported for other sizes (2x3x32x32): only dimensions it exported as dynamic can change" in err and err.count("\n") == 1
    assert run(["analyze", str(tmp_path / "fixed.pt2"), "-i", "2x3x16x16"]) == 2  # (a saved program takes no use_cache=False retry: its own error)
    err = capsys.readouterr().err
    assert "forward(x: 2x3x16x16) failed" in err and "use_cache" not in err and "exported for other sizes (2x3x32x32)" in err and err.count("\n") == 1
    if importlib.util.find_spec("onnxruntime"):
        assert cli_json(capsys, "bench", str(path), "--budget", "0.05", "--runs", "5")["macs"] == stored.totals.macs
    (tmp_path / "bad.pt2").write_bytes(b"not a zip")
    assert run(["analyze", str(tmp_path / "bad.pt2")]) == 2
    err = capsys.readouterr().err
    assert "bad.pt2: cannot load a torch.export program (torch.export.save's .pt2): BadZipFile" in err and err.count("\n") == 1
    with zipfile.ZipFile(tmp_path / "other.pt2", "w") as z:  # (a zip of something else: torch's "check the warnings above" of a log not shown is left out)
        z.writestr("a.txt", "hi")
    assert run(["analyze", str(tmp_path / "other.pt2")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dscost: error: {tmp_path / 'other.pt2'}: cannot load a torch.export program (torch.export.save's .pt2): ") and err.count("\n") == 1
    assert "warnings above" not in err, err


def test_a_torchscript_archive_counts_as_its_module(tmp_path, capsys):
    """torch.jit.save of a traced module (.pt): counted at --input-shape as the module, layers
    named by module path; a torch.save checkpoint (a state_dict, a pickled module) or a file that
    is no zip says what it is, in one line."""
    m, x = tm.Tiny().eval(), torch.rand(1, 3, 32, 32)
    path = tmp_path / "tiny.pt"
    torch.jit.trace(m, x).save(str(path))
    a = dscost.analyze(str(path), input_shape=(1, 3, 32, 32))
    assert (a.totals.macs, a.totals.params, a.model.uncounted) == (*torch_counts(m, x), []) and a.model.name == "tiny"
    assert [layer.name for layer in a.layers if layer.conv][:2] == ["stem.0", "dw.0"]
    assert "at forward(x: 1x3x32x32)" in a.model.notes[0]  # (its forward's schema names the input; it was "arg0")
    assert dscost.analyze(str(path), input_shape={"x": (1, 3, 32, 32)}).totals.macs == a.totals.macs
    torch.save(m.state_dict(), tmp_path / "weights.pth")
    (tmp_path / "junk.torchscript").write_bytes(b"junk")
    capsys.readouterr()
    for name, said in (("weights.pth", "not a TorchScript archive (torch.jit.save) but a torch.save checkpoint: a state_dict or a pickled module holds no graph"),
                       ("junk.torchscript", "not a TorchScript archive (torch.jit.save writes a zip file; this is none)")):  # fmt: skip
        assert run(["analyze", str(tmp_path / name), "-i", "1x3x32x32"]) == 2
        err = capsys.readouterr().err
        assert f"{name}: {said}" in err and err.count("\n") == 1


def test_missing_input_shape_says_how():
    with pytest.raises(InputError, match=r"tiny: give the input shape of forward\(x\): --input-shape 1x3x224x224 or --input-shape x=1x3x224x224"):
        load(TINY)
    with pytest.raises(InputError, match=r"give the input shape of forward\(x\): input_shape=\(1, 3, 224, 224\)"):
        dscost.analyze(tm.Tiny())


def test_factory_traceback_only_with_debug(capfd, monkeypatch):
    capfd.readouterr()
    assert run(["analyze", "tests/torch_models.py:raises", "-i", "1x3x8x8"]) == 2
    out, err = capfd.readouterr()
    assert out == "" and "Traceback" not in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("DSCOST_DEBUG", "1")
    assert run(["analyze", "tests/torch_models.py:raises", "-i", "1x3x8x8"]) == 2
    out, err = capfd.readouterr()
    assert "Traceback" in err and 'raise ValueError("bad config: depth must be even")' in err
    assert err.strip().splitlines()[-1] == "dscost: error: tests/torch_models.py:raises: raises() raised ValueError: bad config: depth must be even"


def test_import_failure_of_a_file_and_of_a_dependency(tmp_path, capsys):
    (tmp_path / "broken.py").write_text("import no_such_dependency_xyz\n")
    (tmp_path / "exits.py").write_text("import sys\nsys.exit('usage: exits.py')\n")
    (tmp_path / "sibling.py").write_text("from helper import build\n")  # the file's own folder is searched
    (tmp_path / "helper.py").write_text("import torch\ndef build():\n    return torch.nn.Conv2d(3, 4, 3)\n")
    for target, needle in [
        (f"{tmp_path}/broken.py:build", "importing " + str(tmp_path) + "/broken.py failed: ModuleNotFoundError: No module named 'no_such_dependency_xyz'"),
        (f"{tmp_path}/exits.py:build", "failed: SystemExit: usage: exits.py"),
        (f"{tmp_path}:build", "no such file"),  # a folder is no module path: not a target
    ]:
        assert run(["analyze", target, "-i", "1x3x8x8"]) == 2
        assert needle in capsys.readouterr().err
    a = dscost.analyze(f"{tmp_path}/sibling.py:build", input_shape=(1, 3, 8, 8))
    assert a.totals.macs == 3 * 9 * 4 * 6 * 6 and a.layers[0].name == "Conv"


def test_an_lstm_with_a_projection_is_uncounted_not_counted_small():
    """Found by the fourth red team: nn.LSTM(5, 8, proj_size=3) has no ONNX form; the dynamo
    exporter (the fallback) wrote an LSTM of hidden size 3 without the projection, counted 576
    MACs where torch's counter gives 6 steps x (4*8*5 + 4*8*3 + 3*8) = 1,680, nothing uncounted.
    The LSTM is uncounted now, saying why, so --strict fails."""
    need("onnxscript")
    m, x = torch.nn.LSTM(5, 8, proj_size=3, batch_first=True), torch.rand(1, 6, 5)
    assert torch_counts(m, x)[0] == 1_680
    a = dscost.analyze(m, x)
    lstm = [u for u in a.model.uncounted if u.op == "LSTM"]
    if lstm or any(layer.op == "LSTM" for layer in a.layers):  # (torch 2.14's dynamo exporter writes an ONNX LSTM)
        assert [u.op for u in a.model.uncounted] == ["LSTM"] and "proj_size=3, which ONNX's LSTM has no form for" in lstm[0].reason
        assert not any(layer.op == "LSTM" for layer in a.layers)
    else:  # (torch 2.5's, the oldest allowed, decomposes it: counted in full, or uncounted where it cannot be)
        assert a.model.uncounted or a.totals.macs >= 1_680
    assert not dscost.analyze(torch.nn.LSTM(5, 8, batch_first=True), x).model.uncounted  # (without a projection: counted)


def test_an_input_too_big_to_make_is_one_error(capsys):
    """Found by the fourth red team: torch.rand of a 3 TB input shape was an internal RuntimeError."""
    assert run(["analyze", "tests/torch_models.py:tiny", "-i", "1x3x500000x500000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dscost: error: tests/torch_models.py:tiny: --input-shape x: cannot make an input of shape 1x3x500000x500000 (float32): ") and err.count("\n") == 1


def test_counting_leaves_an_embedding_with_max_norm_as_it_was():
    """Found by the fourth red team: nn.Embedding(max_norm=1.0) renormalizes the rows a forward
    reads, in place, so dscost.analyze changed the user's weights; they are put back now."""
    m = torch.nn.Sequential(torch.nn.Embedding(10, 4, max_norm=1.0))
    with torch.no_grad():
        m[0].weight.fill_(3.0)
    a = dscost.analyze(m, (torch.tensor([[1, 2, 3]]),))
    assert a.totals.params == 40 and bool((m[0].weight == 3.0).all())


def test_a_forward_that_calls_sys_exit_is_an_error_and_a_factory_that_moves_the_cwd_is_undone(tmp_path, capsys, monkeypatch):
    """Found by the fourth red team: sys.exit(0) in a forward ended dscost with exit 0 and no
    output (a budget whose first model was over its limit passed), and a factory's os.chdir('/')
    moved where -o wrote.  The exit is one error naming the target, the next entry is not
    reached; the working directory is restored after the model is counted."""
    (tmp_path / "m.py").write_text("import os, sys, torch\n"
                                   "class Exits(torch.nn.Module):\n    def forward(self, x):\n        sys.exit(0)\n"
                                   "def exits():\n    return Exits()\n"
                                   "def moves():\n    os.chdir('/')\n    return torch.nn.Conv2d(3, 4, 3)\n")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert run(["check", "m.py:exits", "-i", "1x3x8x8", "--max-macs", "1G"]) == 2
    assert capsys.readouterr().err == "dscost: error: m.py:exits: the model's code called sys.exit(0) while dscost ran it (building, a forward or the export)\n"
    with pytest.raises(InputError, match=r"^Exits \(nn.Module\): the model's code called sys.exit\(0\)"):
        dscost.analyze(__import__("m").Exits(), (1, 3, 8, 8))
    assert run(["analyze", "m.py:moves", "-i", "1x3x8x8", "-f", "json", "-o", "out.json"]) == 0
    assert os.getcwd() == str(tmp_path) and json.loads((tmp_path / "out.json").read_text())["totals"]["macs"] == 3 * 9 * 4 * 36


def test_counting_changes_neither_the_users_inputs_nor_the_modules_buffers():
    """Round 57: the export's forward ran on the user's own tensor (an in-place x.mul_(2) doubled it)
    and kept what it did to the module's buffers (a counter incremented, or replaced by a new tensor).
    Both are put back; the count is the same."""
    from torch import nn

    class Doubles(nn.Module):
        def __init__(self):
            super().__init__()
            self.c = nn.Conv2d(3, 4, 3)
            self.register_buffer("n", torch.zeros(()))
            self.register_buffer("m", torch.zeros(()))

        def forward(self, x):
            x.mul_(2)
            self.n += 1  # (in place)
            self.m = self.m + 1  # (a new tensor)
            return self.c(x)

    x, d = torch.ones(1, 3, 16, 16), Doubles()
    n, m = d.n, d.m
    a = dscost.analyze(d, x)
    assert a.totals.macs == 3 * 9 * 4 * 14 * 14 and float(x.max()) == 1.0
    assert d.n is n and d.m is m and float(d.n) == float(d.m) == 0.0


def test_what_a_factory_sets_for_the_process_is_put_back(tmp_path, monkeypatch):
    """Round 57: a target's factory that sets torch's default dtype, seeds or draws from its random
    generator, or ignores Ctrl-C left the caller's process so after dscost.analyze returned."""
    import signal

    (tmp_path / "tgt.py").write_text("import signal, torch\n"
                                     "def mutate():\n    torch.set_default_dtype(torch.float64)\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                     "    torch.manual_seed(123)\n    return torch.nn.Conv2d(3, 4, 3)\n")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    handler = signal.getsignal(signal.SIGINT)
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    a = dscost.analyze("tgt.py:mutate", input_shape=(1, 3, 16, 16))
    assert a.totals.macs == 3 * 9 * 4 * 14 * 14 and torch.get_default_dtype() == torch.float32
    assert signal.getsignal(signal.SIGINT) is handler and torch.equal(torch.rand(3), expected)


def test_a_factory_that_calls_os_exit_is_an_error_not_a_silent_pass(tmp_path):
    """Round 56: os._exit(0) in a factory ended dscost at once, exit 0 and nothing printed -- a
    check over budget passed.  In dscost's process it is one error naming the target; a process
    the model's code forks still ends by it (its own exit, not dscost's error)."""
    (tmp_path / "m.py").write_text("import os, torch\n"
                                   "def osexit():\n    os._exit(0)\n"
                                   "def forks():\n    pid = os.fork()\n    if pid == 0:\n        os._exit(7)\n"
                                   "    assert os.waitpid(pid, 0)[1] >> 8 == 7\n    return torch.nn.Conv2d(3, 4, 3)\n")  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "dscost", "check", "m.py:osexit", "-i", "1x3x8x8", "--max-macs", "1"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == "dscost: error: m.py:osexit: the model's code called os._exit(0) while dscost ran it (building, a forward or the export)\n"
    r = subprocess.run([sys.executable, "-m", "dscost", "analyze", "m.py:forks", "-i", "1x3x8x8", "-f", "json", "-q"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert r.returncode == 0 and json.loads(r.stdout)["totals"]["macs"] == 3 * 9 * 4 * 36


def test_an_exception_whose_message_cannot_be_made_is_still_one_line(tmp_path, capsys, monkeypatch):
    """A user's exception whose ``__str__`` raises, from a factory or a forward, was dscost's
    "internal error" (its error line called str() on it); it is the one line of any failure of
    the model's code, exit 2, saying that the message could not be read."""
    (tmp_path / "m.py").write_text("import torch\n"
                                   "class Unprintable(Exception):\n    def __str__(self):\n        raise ValueError('no')\n"
                                   "class Fails(torch.nn.Module):\n    def forward(self, x):\n        raise Unprintable()\n"
                                   "def fails():\n    return Fails()\n"
                                   "def builds_none():\n    raise Unprintable()\n")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert run(["analyze", "m.py:builds_none", "-q"]) == 2
    assert capsys.readouterr().err == "dscost: error: m.py:builds_none: builds_none() raised Unprintable: (its message could not be read: ValueError)\n"
    assert run(["analyze", "m.py:fails", "-i", "1x3", "-q"]) == 2
    assert capsys.readouterr().err == "dscost: error: m.py:fails: forward(x: 1x3) failed: Unprintable: (its message could not be read: ValueError)\n"


# --------------------------------------------------------------------------
# Budgets name targets; the API over them


def test_budget_entries_name_targets(tmp_path, capsys):
    (tmp_path / "nets").mkdir()
    (tmp_path / "nets" / "tiny.py").write_text((ROOT / "tests" / "torch_models.py").read_text())
    macs = torch_counts(tm.tiny(width=16), torch.rand(1, 3, 32, 32))[0]
    budget = tmp_path / "budget.yaml"
    budget.write_text(
        "budgets:\n"
        f"  - {{path: nets/tiny.py:tiny, input_shapes: [1, 3, 32, 32], kwargs: {{width: 16}}, max_macs: {macs}}}\n"
        f"  - {{path: torch_models:tiny, input_shapes: {{x: [1, 3, 32, 32]}}, kwargs: {{width: 16}}, max_macs: {macs - 1}, name: strict}}\n"
    )
    report = dscost.check(budget)
    assert [(m.name, m.passed) for m in report.models] == [("tiny(width=16)", True), ("strict", False)]
    assert report.models[0].results[0].actual == macs
    assert run(["check", "--budget", str(budget)]) == 1
    capsys.readouterr()


def test_api_check_and_to_json_over_a_module(capsys):
    net = tm.Tiny()
    report = dscost.check([net, TINY], max_macs="1G", input_shape=(1, 3, 32, 32))
    assert report.passed and [m.path for m in report.models] == ["Tiny", TINY]
    a = dscost.analyze(TINY, input_shape=(1, 3, 32, 32))
    assert a.to_json() == cli_json(capsys, "analyze", TINY, "-i", "1x3x32x32")
    with pytest.raises(InputError, match="width does not apply to an nn.Module object"):
        dscost.analyze(net, (1, 3, 32, 32), width=0.5)
    with pytest.raises(InputError, match="example inputs apply to a torch.nn.Module object"):
        dscost.analyze(TINY, torch.rand(1, 3, 32, 32))


def test_layer_names_are_module_paths():
    from dscost.readers.torch_names import module_path, module_path_names

    assert module_path(["features", "features.5", "block", "block.0", "block.0.0"]) == "features.5.block.0.0"
    assert module_path(["encoder", "layers", "encoder_layer_0", "self_attention"]) == "encoder.layers.encoder_layer_0.self_attention"
    names = ["/layer1/layer1.0/conv1/Conv", "/layer1/layer1.0/Add", "/layer1/layer1.0/relu/Relu", "/layer1/layer1.0/relu_1/Relu",
             "/fc/Gemm", "/Flatten", "Constant_3", "/se/Mul", "/se/Mul_1"]  # fmt: skip
    assert module_path_names(names) == {
        "/layer1/layer1.0/conv1/Conv": "layer1.0.conv1",
        "/layer1/layer1.0/Add": "layer1.0/Add",  # layer1.0 has children: its own op keeps the op name
        "/layer1/layer1.0/relu/Relu": "layer1.0.relu",
        "/layer1/layer1.0/relu_1/Relu": "layer1.0.relu_1",  # a module called twice: torch's _1
        "/fc/Gemm": "fc",
        "/Flatten": "Flatten",
        "Constant_3": "Constant_3",
        "/se/Mul": "se/Mul",  # two ops in one leaf module
        "/se/Mul_1": "se/Mul_1",
    }


def test_no_torch_output_leaks_through_the_api(capfd):
    dscost.analyze(tm.Tiny(), (1, 3, 16, 16))
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_export_leaves_no_temp_files(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    dscost.analyze(tm.Tiny(), (1, 3, 16, 16))
    assert list(tmp_path.iterdir()) == []


def test_module_target_from_the_working_directory(tmp_path, monkeypatch, capsys):
    """`dscost` as a console script has no '' on sys.path: module targets still find the working
    directory's files (and the module's lazy parameters exist after the forward run)."""
    (tmp_path / "mynet_wd.py").write_text("import torch\ndef build():\n    return torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.Flatten(), torch.nn.LazyLinear(2))\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", ".", str(tmp_path))])
    monkeypatch.delitem(sys.modules, "mynet_wd", raising=False)
    d = cli_json(capsys, "analyze", "mynet_wd:build", "-i", "1x3x10x10")
    assert d["totals"]["macs"] == 3 * 9 * 8 * 64 + 8 * 64 * 2 and d["totals"]["params"] == 3 * 9 * 8 + 8 + 8 * 64 * 2 + 2
    assert str(tmp_path) not in sys.path
    sys.modules.pop("mynet_wd", None)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # (torch on its own legacy APIs)
def test_mixture_of_experts_is_exported_with_batched_experts(monkeypatch):
    """transformers' experts modules export with its batched_mm experts: each token through its
    top 2 experts' weights, 3,648 MACs by hand (tm.RoutedMoE), torch's own count of that forward,
    nothing uncounted, and a note says so.  The module's own forward loops over the experts the
    data picked: exported as it is, every expert's sizes are computed at run time.  Afterwards the
    module and its config are as they were."""
    import types

    fake = {n: types.ModuleType(n) for n in ("transformers", "transformers.integrations", "transformers.integrations.moe")}
    fake["transformers.integrations.moe"].batched_mm_experts_forward = tm.batched_mm_experts_forward
    torch.manual_seed(0)
    m, x = tm.RoutedMoE(), torch.rand(6, 8)
    with monkeypatch.context() as patch:  # (no transformers to import: the module's own forward)
        patch.setitem(sys.modules, "transformers", None)
        own = dscost.analyze(m, (x,))
    assert own.totals.macs < 3_648 and own.model.uncounted and not any("experts" in n for n in own.model.notes)
    for name, module in fake.items():
        monkeypatch.setitem(sys.modules, name, module)
    a = dscost.analyze(m, (x,))
    assert (a.totals.macs, a.totals.params, a.model.uncounted) == (3_648, 1_184, [])
    with monkeypatch.context() as patch:  # torch's count of the batched forward
        patch.setattr(type(m.experts), "forward", tm.batched_mm_experts_forward)
        assert torch_counts(m, x) == (3_648, 1_184)
    assert a.model.notes[1] == ("1 mixture-of-experts layer exported with transformers' batched_mm experts (each token through its "
                                "top-k experts' weights), not grouped_mm, whose expert grouping happens at run time")  # fmt: skip
    assert "forward" not in m.experts.__dict__ and m.experts.config._experts_implementation == "grouped_mm"


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
def test_experts_looping_over_the_tokens_they_got_are_counted_at_the_traced_run(monkeypatch):
    """The module's own forward (each expert on the rows torch.where picks for it: sizes the data
    decides), --measure-sizes: onnxruntime runs the export on the very inputs torch traced, so the
    rows each expert gets are torch's, and the count is torch's count of that forward (3,648 MACs:
    every token through its top 2 of 4 experts, tm.RoutedMoE), nothing uncounted."""
    pytest.importorskip("onnxruntime")
    torch.manual_seed(0)
    m, x = tm.RoutedMoE(), torch.rand(6, 8)
    monkeypatch.setitem(sys.modules, "transformers", None)  # (its own forward, not transformers' batched experts)
    a = dscost.analyze(m, (x,), measure_sizes=True)
    assert (a.totals.macs, a.totals.params, a.model.uncounted) == (3_648, 1_184, []) and torch_counts(m, x) == (3_648, 1_184)
    assert any(n.startswith("--measure-sizes: ") and "run on the inputs it was traced with" in n for n in a.model.notes)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning")
def test_transformers_mixtral_counts_its_top_k_experts():
    """A 2-layer Mixtral (hidden 64, 4 heads of 16, 2 kv heads, 4 experts of 96, top 2, vocab
    128) on 8 tokens, by hand per layer: q, k, v, o 8 x (64 x 64 + 2 x 64 x 32 + 64 x 64) =
    98,304; attention 2 x 4 x 8 x 8 x 16 = 8,192; router 8 x 64 x 4 = 2,048; experts 8 x 2 x (64
    x 192 + 96 x 64) = 294,912; x 2 layers, + the LM head 8 x 64 x 128 = 65,536: 872,448 MACs.
    transformers' default experts (grouped_mm) export with neither exporter (aten::histc)."""
    transformers = pytest.importorskip("transformers")
    if not hasattr(transformers, "MixtralForCausalLM") or not hasattr(transformers.MixtralForCausalLM, "set_experts_implementation"):
        pytest.skip("a transformers without selectable experts implementations")
    cfg = transformers.MixtralConfig(vocab_size=128, hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
                                     num_key_value_heads=2, num_local_experts=4, num_experts_per_tok=2, max_position_embeddings=64)  # fmt: skip
    torch.manual_seed(0)
    m = transformers.MixtralForCausalLM(cfg).eval()
    before = m.get_experts_implementation()
    a = dscost.analyze(m, {"input_ids": torch.randint(0, 128, (1, 8)), "use_cache": False})
    assert (a.totals.macs, a.totals.params, a.model.uncounted) == (872_448, sum(p.numel() for p in m.parameters()), [])
    assert "2 mixture-of-experts layers exported with transformers' batched_mm experts" in a.model.notes[1]
    assert m.get_experts_implementation() == before and not any("forward" in mod.__dict__ for mod in m.modules())


def test_a_gpt2_counts_from_typed_shapes_alone():
    """A GPT-2 (64 wide, 2 layers, vocab 1,000) from ``input_ids=1x32:int64`` and nothing else:
    typed zeros as token ids, ``use_cache=False`` given for its DynamicCache.  By hand per layer
    c_attn 32 x 64 x 192 = 393,216, attention 2 x 32 x 32 x 64 = 131,072, c_proj 131,072, MLP
    2 x 32 x 64 x 256 = 1,048,576; x 2, + the LM head 32 x 64 x 1,000: 5,455,872 MACs."""
    transformers = pytest.importorskip("transformers")
    m = transformers.GPT2LMHeadModel(transformers.GPT2Config(vocab_size=1000, n_embd=64, n_layer=2, n_head=4, bos_token_id=0, eos_token_id=0))
    a = dscost.analyze(m, input_shape="input_ids=1x32:int64")
    assert (a.totals.macs, a.totals.params, a.model.uncounted) == (5_455_872, sum(p.numel() for p in m.parameters()), [])
    assert a.model.notes[1] == "use_cache=False given to the forward: it returned a cache object (DynamicCache), which torch's exporters do not take"


def test_a_forward_wanting_token_ids_is_told_how_to_give_them(capsys):
    """--input-shape (and input_shape=) make float tensors; an embedding refuses them, and the
    error says to give them an element type, with which they count (512 MACs): zeros, a valid
    index into any embedding."""
    m = tm.Embedded()
    with pytest.raises(InputError, match=r"forward\(input_ids: 1x16\) failed: RuntimeError: Expected tensor for argument #1 'indices'.*; "
                                         r"the shapes given make float tensors \(torch\.rand\): give integer inputs such as token ids their "
                                         r"element type, input_shape=\{'input_ids': '1x16:int64'\}"):  # fmt: skip
        dscost.analyze(m, input_shape={"input_ids": (1, 16)})
    assert run(["analyze", "torch_models:Embedded", "-i", "input_ids=1x16"]) == 2
    assert "give integer inputs such as token ids their element type, --input-shape input_ids=1x16:int64" in capsys.readouterr().err  # (the shape given)
    counted = [dscost.analyze(m, {"input_ids": torch.randint(0, 100, (1, 16))}),
               dscost.analyze(m, input_shape="input_ids=1x16:int64"),
               dscost.analyze(m, input_shape={"input_ids": "1x16:long"}),
               dscost.analyze(m, input_shape=(1, 16), input_dtypes=torch.int32),
               dscost.analyze(m, input_shape={"input_ids": (1, 16)}, input_dtypes={"input_ids": "int64"})]  # fmt: skip
    assert [(a.totals.macs, a.totals.params) for a in counted] == [(16 * 8 * 4, 800 + 36)] * 5
    assert "at forward(input_ids: 1x16 int32)" in counted[3].model.notes[0]
    # the reader's notes name layers as the table does (fc/MatMul, not torch.onnx's /fc/MatMul); tensor names stay
    assert counted[1].model.notes[2] == ("1 parameter tensor(s) come from Transpose node outputs, not initializers; counted once, by the initializers "
                                         "they are computed from (fc/MatMul; JSON layer notes name each tensor)")  # fmt: skip
    assert [x.note for x in counted[1].layers if x.op == "MatMul"] == ["weights '/fc/Transpose_output_0' computed by node fc/Transpose (Transpose) from 'fc.weight'"]
    assert cli_json(capsys, "analyze", "torch_models:Embedded", "-i", "1x16:int64")["totals"]["macs"] == 512
    with pytest.raises(InputError) as err:  # (tensors given: no such hint)
        dscost.analyze(m, {"input_ids": torch.rand(1, 16)})
    assert "float tensors" not in str(err.value)
    with pytest.raises(InputError) as err:  # (typed, but a type the embedding refuses: no such hint either)
        dscost.analyze(m, input_shape="input_ids=1x16:int8")
    assert "CharTensor" in str(err.value) and "float tensors" not in str(err.value)
    with pytest.raises(InputError, match=r"Embedded \(nn.Module\): an element type for 'ids', which has no shape"):
        dscost.analyze(m, input_shape=(1, 16), input_dtypes={"ids": "int64"})
    with pytest.raises(InputError, match="element types apply to the inputs dscost makes from shapes, not to example inputs"):
        dscost.analyze(m, {"input_ids": torch.zeros(1, 16, dtype=torch.long)}, input_dtypes="int64")
    # ids whose values matter (image tokens among them): zeros fail the forward, and the error says why and what to do
    with pytest.raises(InputError, match=r"Image features and image tokens do not match: tokens: 0, features 2; integer inputs made from shapes are zeros "
                                         r"\(every token id 0\): where their values matter \(image tokens among the ids\), pass real tensors through the Python API"):
        dscost.analyze(tm.ImageTokens(), input_shape="1x8:int64")
    ids = torch.tensor([[1, 5, 5, 7]])
    assert dscost.analyze(tm.ImageTokens(), {"input_ids": ids}).totals.params == 800


def test_budget_entries_give_input_element_types(tmp_path, capsys):
    """A budget entry's input_dtypes types a PyTorch target's inputs, as --input-shape's :DTYPE."""
    budget = tmp_path / "budget.yaml"
    budget.write_text("budgets:\n"
                      "  - {path: torch_models:Embedded, input_shapes: {input_ids: [1, 16]}, input_dtypes: {input_ids: int64}, max_macs: 512}\n"
                      "  - {path: torch_models:Embedded, input_shapes: [1, 16], input_dtypes: long, max_macs: 511, name: strict}\n")  # fmt: skip
    report = dscost.check(budget)
    assert [(m.name, m.passed, m.results[0].actual) for m in report.models] == [("Embedded", True, 512), ("strict", False, 512)]
    budget.write_text("budgets:\n  - {path: torch_models:Embedded, input_shapes: [1, 16], input_dtypes: long64, max_macs: 512}\n")
    assert run(["check", "--budget", str(budget)]) == 2
    assert "input_dtypes" in capsys.readouterr().err


def test_measured_sizes_use_the_traced_inputs_by_name_when_the_export_drops_one():
    """forward(x, unused, ids): the export drops `unused`, so its inputs are not the forward's
    by position; matched by name, the run picks the rows torch picked (8 of 10 ids > 0):
    8 x 16 x 32 = 4,096 MACs, torch's count, not the 0 of random (zero) ids."""
    pytest.importorskip("onnxruntime")

    class Picked(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(16, 32)

        def forward(self, x, unused, ids):
            return self.lin(x[(ids > 0).nonzero().squeeze(1)])

    m, x, ids = Picked(), torch.rand(10, 16), torch.tensor([1, 1, 1, 0, 1, 1, 1, 1, 0, 1])
    a = dscost.analyze(m, (x, torch.rand(3), ids), measure_sizes=True)
    assert a.totals.macs == torch_counts(m, x, torch.rand(3), ids)[0] == 8 * 16 * 32 and a.model.uncounted == []


def test_a_required_non_tensor_argument_is_given_as_a_value():
    """forward(k: int, x): k, required, comes from input_values (Bark's codebook_idx); without it
    the error asks for a value, not a 1x3x224x224 shape.  4 x 8 = 32 MACs."""

    class Scaled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(4, 8)

        def forward(self, k: int, x):
            return self.lin(x) * k

    a = dscost.analyze(Scaled(), input_shape={"x": (1, 4)}, input_values={"k": 2})
    assert a.totals.macs == 32 and "k: 2" in a.model.notes[0]
    with pytest.raises(InputError, match=r"also needs k: input_values=\{'k': N\}$"):
        dscost.analyze(Scaled(), input_shape={"x": (1, 4)})
