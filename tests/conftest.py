"""Shared fixtures: a small hand-built Model (no reader involved) and CLI helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from dscost import cost
from dscost.layers import ACTIVATION, BATCHNORM, FC, GLOBAL_POOL, SHAPE, Layer, Model, Uncounted

ROOT = Path(__file__).resolve().parent.parent

# Timings never decide a test: Hypothesis's per-example deadline and its "too slow" health check
# are timing checks, and on a loaded CI machine the first example of a test (imports, caches)
# can take 300 ms where the rest take 0.1 ms -- a failure that says nothing about dscost.
settings.register_profile("dscost", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("dscost")


def conv_layer(name: str, src: str, kernel: int, cin: int, cout: int, hw: int, stride: int = 1, groups: int = 1, bias: bool = False) -> Layer:
    g = cost.make_conv_geom((kernel, kernel), cin, cout, (hw, hw), (stride, stride), (1, 1), "same", groups=groups, bias=bias)
    return Layer(name, g.kind, "Conv", (src,), (1, cin, hw, hw), (1, cout, *g.out_spatial), cost.conv_cost(g), conv=g, kernel=g.kernel)


def tiny_layers() -> list[Layer]:
    """conv 3x3 s2 3->8 @32 | BN | ReLU | dw 3x3 8 @16 | BN | ReLU | pw 8->16 | ReLU | GAP | flatten | fc 16->10.

    Hand-computed: conv1 3*3*3*8*16*16 = 55,296 MACs / 216 params; dw 9*8*256 = 18,432 / 72;
    pw 8*16*256 = 32,768 / 128; fc 160 MACs, 160 weights + 10 biases.  Total MACs 106,656.
    """
    c1 = conv_layer("conv1", "input", 3, 3, 8, 32, stride=2)
    n16 = 8 * 16 * 16
    return [
        c1,
        Layer("bn1", BATCHNORM, "BatchNormalization", ("conv1",), (1, 8, 16, 16), (1, 8, 16, 16), cost.batchnorm_cost(8, n16)),
        Layer("relu1", ACTIVATION, "Relu", ("bn1",), (1, 8, 16, 16), (1, 8, 16, 16), cost.activation_cost("relu", n16)),
        conv_layer("dw1", "relu1", 3, 8, 8, 16, groups=8),
        Layer("bn2", BATCHNORM, "BatchNormalization", ("dw1",), (1, 8, 16, 16), (1, 8, 16, 16), cost.batchnorm_cost(8, n16)),
        Layer("relu2", ACTIVATION, "Relu", ("bn2",), (1, 8, 16, 16), (1, 8, 16, 16), cost.activation_cost("relu", n16)),
        conv_layer("pw1", "relu2", 1, 8, 16, 16),
        Layer("relu3", ACTIVATION, "Relu", ("pw1",), (1, 16, 16, 16), (1, 16, 16, 16), cost.activation_cost("relu", 2 * n16)),
        Layer("gap", GLOBAL_POOL, "GlobalAveragePool", ("relu3",), (1, 16, 16, 16), (1, 16, 1, 1), cost.global_pool_cost(2 * n16)),
        Layer("flatten", SHAPE, "Flatten", ("gap",), (1, 16, 1, 1), (1, 16)),
        Layer("fc", FC, "Gemm", ("flatten",), (1, 16), (1, 10), cost.linear_cost(16, 10, bias=True)),
    ]


def make_tiny_model(uncounted: bool = False) -> Model:
    unc = [Uncounted("nms_1", "NonMaxSuppression", "data-dependent output size"), Uncounted("loop_7", "Loop", "control flow")] if uncounted else []
    return Model("tiny", "hand-built", tiny_layers(), uncounted=unc, notes=["symbolic batch set to 1"])


@pytest.fixture
def tiny_model() -> Model:
    return make_tiny_model()


@pytest.fixture
def tiny_analysis():
    return cost.analyze(make_tiny_model())


@pytest.fixture
def fake_load(monkeypatch):
    """Make `dscost analyze` read hand-built models: path stem 'tiny' or 'tiny_uncounted' (any suffix)."""
    import dscost.readers

    calls: list[tuple[str, dict]] = []

    def load(path, **options):
        calls.append((str(path), options))
        return make_tiny_model(uncounted="uncounted" in Path(path).stem)

    monkeypatch.setattr(dscost.readers, "load", load)
    return calls


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real entry point in a fresh process: `python -m dscost ...`."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("DSCOST_DEBUG", None) if env is None or "DSCOST_DEBUG" not in env else None
    return subprocess.run([sys.executable, "-m", "dscost", *args], capture_output=True, text=True, cwd=ROOT, env=full_env, timeout=120)


def cli_run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`dscost ...` in this process (:func:`dscost.cli.run`, the code path of the entry point) with
    :func:`run_cli`'s result: for tests of options and messages, without a fresh interpreter's
    start-up (~0.5-1.3 s of CPU each). As a fresh process would: from the repository root, ``env``
    set for the run, and no input files remembered from an earlier run."""
    import contextlib
    import io

    from dscost import files
    from dscost.cli import run

    out, err, saved, cwd = io.StringIO(), io.StringIO(), dict(os.environ), os.getcwd()
    os.environ.pop("DSCOST_DEBUG", None) if env is None or "DSCOST_DEBUG" not in env else None
    os.environ.update(env or {})
    files._INPUTS.clear()
    try:
        os.chdir(ROOT)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(list(args))
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(["dscost", *args], code, out.getvalue(), err.getvalue())


def run_with_stderr_on_a_terminal(*args: str, env: dict | None = None, timeout: float = 120) -> tuple[int, bytes, bytes]:
    """`python -m dscost ...` with stderr on a pseudo-terminal (stdout piped): (exit code, stdout,
    what the terminal got).  A thread drains the terminal while the process runs, so a long
    progress display never blocks on a full buffer."""
    import pty
    import threading

    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # (the other side closed)
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        r = subprocess.run([sys.executable, "-m", "dscost", *args], stdout=subprocess.PIPE, stderr=slave, cwd=ROOT,
                           env={**os.environ, **(env or {})}, timeout=timeout)  # fmt: skip
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    return r.returncode, r.stdout, b"".join(chunks)
