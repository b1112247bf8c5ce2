"""`dscost bench --calibrate`: this machine's achievable compute (GMAC/s) and memory
bandwidth (GB/s), measured with onnxruntime and saved for ``--hardware local``."""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone
from pathlib import Path

from dscost.bench import DEFAULT_TIMEOUT_S, layer_models, random_feeds_for
from dscost.cost import conv_cost
from dscost.runtime import check_threads, make_model, make_session, ort_version
from dscost.progress import progress_bar
from dscost.timing import check_budget, summary, time_sessions


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def calibrate(threads: int = 1, budget_s: float = 3.0, matmul_size: int = 1024, stream_elements: int = 1 << 23,
              max_runs: int = 1000, conv_channels: int = 128, conv_size: int = 56, timeout_s: float = DEFAULT_TIMEOUT_S,
              progress: bool = False) -> dict:
    """Measure this machine's achievable compute and bandwidth with onnxruntime (fp32).

    Compute: the faster of a ``matmul_size``-cubed MatMul and a 3x3 conv with
    ``conv_channels`` in and out channels on a ``conv_size`` square map (the
    convolution kernels dscost's estimates are about); the rate of its p10
    (fast) runs is the achievable GMAC/s.  Bandwidth: an Add of two
    ``stream_elements`` fp32 vectors (reads 2, writes 1: 12 bytes per element,
    far larger than the caches by default); rate of its p10 runs in GB/s.
    The budget is split between the three; the sessions run in a child process
    (:mod:`dscost.sandbox`) that ``timeout_s`` stops."""
    from dscost import sandbox

    check_threads(threads)
    check_budget(budget_s, max_runs)
    args = (threads, budget_s, matmul_size, stream_elements, max_runs, conv_channels, conv_size, progress)
    return sandbox.run(_measure, *args, timeout_s=timeout_s, memory_bytes=None, label="bench --calibrate")


def _measure(threads: int, budget_s: float, matmul_size: int, stream_elements: int, max_runs: int, conv_channels: int, conv_size: int,
             progress: bool) -> dict:
    import numpy as np

    from dscost.cost import make_conv_geom
    from dscost.readers.onnx_lib import FLOAT, node, value_info

    n, e = matmul_size, stream_elements
    mm = make_model([node("MatMul", ["a", "b"], ["c"], "matmul")], [value_info("a", FLOAT, [n, n]), value_info("b", FLOAT, [n, n])],
                    [value_info("c", FLOAT, [n, n])], [], "calibrate_compute")  # fmt: skip
    add = make_model([node("Add", ["a", "b"], ["c"], "add")], [value_info("a", FLOAT, [e]), value_info("b", FLOAT, [e])],
                     [value_info("c", FLOAT, [e])], [], "calibrate_memory")  # fmt: skip
    g = make_conv_geom((3, 3), conv_channels, conv_channels, (conv_size, conv_size), (1, 1), (1, 1), "same")
    conv = layer_models(g)["standard"]
    rng = np.random.default_rng(0)
    feeds_mm = {"a": rng.standard_normal((n, n)).astype(np.float32), "b": rng.standard_normal((n, n)).astype(np.float32)}
    feeds_add = {"a": rng.standard_normal(e).astype(np.float32), "b": rng.standard_normal(e).astype(np.float32)}
    part = budget_s / 3
    with progress_bar(progress, "calibrating") as bar:
        t_mm = time_sessions({"MatMul": (make_session(mm, "calibration MatMul", threads, "all"), feeds_mm)}, part, max_runs, progress=bar).timings["MatMul"]
        t_conv = time_sessions({"Conv": (make_session(conv, "calibration Conv", threads, "all"), random_feeds_for(g))}, part, max_runs, progress=bar).timings["Conv"]
        t_add = time_sessions({"Add": (make_session(add, "calibration Add", threads, "all"), feeds_add)}, part, max_runs, progress=bar).timings["Add"]
    rate_mm = n**3 / (t_mm.p10_ms * 1e-3) / 1e9
    conv_macs = conv_cost(g).macs
    rate_conv = conv_macs / (t_conv.p10_ms * 1e-3) / 1e9
    bw = 12 * e / (t_add.p10_ms * 1e-3) / 1e9
    return {
        "name": "local",
        "peak_gmacs": round(max(rate_mm, rate_conv), 3),
        "bandwidth_gbs": round(bw, 3),
        "threads": threads,
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "onnxruntime": ort_version(),
        "method": (
            f"onnxruntime CPU, fp32, p10 rates: compute = faster of MatMul {n}^3 ({rate_mm:.1f} GMAC/s) and 3x3 Conv "
            f"{conv_channels}->{conv_channels} @ {conv_size}x{conv_size} ({rate_conv:.1f} GMAC/s); "
            f"bandwidth = Add of 2 x {e:,} floats (12 B/element)"
        ),
        "compute": {"matmul": {**summary(t_mm), "gmacs_per_s": round(rate_mm, 3)}, "conv": {**summary(t_conv), "gmacs_per_s": round(rate_conv, 3)}},
        "memory": summary(t_add),
        "noisy": t_mm.noisy or t_conv.noisy or t_add.noisy,
    }

