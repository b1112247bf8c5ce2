"""Measured latency with onnxruntime: one layer, a whole model, calibration.

FLOPs are not latency.  This module times real onnxruntime sessions on the
CPU and puts the measurements next to dscost's exact MAC counts:

* :func:`bench_layer` -- a standard conv and its depthwise-separable
  replacement built as ONNX graphs from one :class:`ConvGeom`, timed in
  alternating rounds (so that a change in machine load hits both alike);
* :func:`bench_model` -- a whole ONNX model run with onnxruntime's profiler,
  per-node kernel times joined by node name with dscost's per-layer MACs;
* :func:`bench_model_pair` -- the original and the converted model side by side;
* :func:`calibrate` -- this machine's achievable GMAC/s (a large MatMul) and
  memory bandwidth (a large element-wise Add), saved for ``--hardware local``.

Timing protocol: ``warmup`` untimed runs per session, then timed rounds until
the time budget is spent (at least ``MIN_RUNS`` runs) or ``max_runs`` is
reached.  Reported: median, p10 and p90 (linear interpolation between order
statistics).  When (p90 - p10) / median exceeds ``NOISE_THRESHOLD`` the result
carries a notice that the machine is too noisy for a confident number.

onnx, onnxruntime and numpy are imported inside the functions that use them.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from math import prod
from pathlib import Path

from dscost.cost import conv_cost, depthwise_geom, pointwise_geom
from dscost.errors import InputError
from dscost.export import conv_attrs
from dscost.layers import ConvGeom

NOISE_THRESHOLD = 0.25  # (p90 - p10) / median above this -> "too noisy" notice
MIN_RUNS = 5
OPSET = 17
IR_VERSION = 8  # onnxruntime rejects the newest IR versions that onnx writes by default
OPT_LEVELS = ("none", "basic", "extended", "all")
DEFAULT_OPT = "all"  # what deployments run; convs renamed "<output>_nchwc" are joined back to their layer

# --------------------------------------------------------------------------
# Statistics


def percentile(values: list[float], q: float) -> float:
    """q-th percentile (0..100), linear interpolation between order statistics (numpy's default)."""
    if not values:
        raise ValueError("no values")
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


@dataclass
class Timing:
    """Latency samples of one session, milliseconds."""

    samples_ms: list[float]

    @property
    def runs(self) -> int:
        return len(self.samples_ms)

    @property
    def median_ms(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p10_ms(self) -> float:
        return percentile(self.samples_ms, 10)

    @property
    def p90_ms(self) -> float:
        return percentile(self.samples_ms, 90)

    @property
    def spread(self) -> float:
        """(p90 - p10) / median: relative width of the middle 80% of runs."""
        m = self.median_ms
        return (self.p90_ms - self.p10_ms) / m if m > 0 else 0.0

    @property
    def noisy(self) -> bool:
        return self.spread > NOISE_THRESHOLD

    def json(self) -> dict:
        return {
            "median_ms": round(self.median_ms, 4),
            "p10_ms": round(self.p10_ms, 4),
            "p90_ms": round(self.p90_ms, 4),
            "spread": round(self.spread, 4),
            "runs": self.runs,
        }


def gmacs_per_s(macs: int, ms: float) -> float:
    """Achieved rate: MACs / time, in 1e9 MAC/s."""
    return macs / (ms * 1e-3) / 1e9 if ms > 0 else 0.0


def noise_notice(label: str, t: Timing) -> str | None:
    if not t.noisy:
        return None
    return (
        f"{label}: the machine is too noisy for a confident number: p10-p90 spread is {t.spread:.0%} of the median "
        f"(threshold {NOISE_THRESHOLD:.0%}); close other programs or raise --budget"
    )


# --------------------------------------------------------------------------
# onnxruntime sessions


def check_threads(threads: int) -> int:
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
        raise InputError(f"--threads {threads!r}: must be a whole number >= 1")
    if threads > 1024:
        raise InputError(f"--threads {threads}: too many (at most 1024)")
    return threads


def check_budget(budget_s: float, max_runs: int) -> None:
    if not budget_s > 0:
        raise InputError(f"--budget {budget_s:g}: must be a positive number of seconds")
    if max_runs < 1:
        raise InputError(f"--runs {max_runs}: must be >= 1")


def _ort():
    try:
        import onnxruntime
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise InputError(f"onnxruntime is not installed ({exc}); pip install onnxruntime") from None
    onnxruntime.set_default_logger_severity(3)  # errors only; warnings go through our own messages
    return onnxruntime


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    msg = text[0] if text else exc.__class__.__name__
    # onnxruntime prefixes "[ONNXRuntimeError] : 1 : FAIL : /path/file.cc:123 fn(...) message"
    if "] :" in msg:
        msg = msg.split("] :", 1)[1].strip()
    return msg[:300]


def make_session(model, label: str, threads: int = 1, optimization: str = DEFAULT_OPT, profile_dir: str | None = None):
    """An onnxruntime CPU session for ``model`` (ModelProto, bytes or path); InputError when onnxruntime cannot load it."""
    ort = _ort()
    check_threads(threads)
    if optimization not in OPT_LEVELS:
        raise InputError(f"--optimization {optimization!r}: choose one of {', '.join(OPT_LEVELS)}")
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = {
        "none": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }[optimization]
    so.log_severity_level = 3
    if profile_dir is not None:
        so.enable_profiling = True
        so.profile_file_prefix = str(Path(profile_dir) / "ort_profile")
    if hasattr(model, "SerializeToString"):
        try:
            model = model.SerializeToString()
        except ValueError as exc:  # > 2 GB protobuf
            raise InputError(f"{label}: cannot hand the model to onnxruntime ({_first_line(exc)})") from None
    elif isinstance(model, Path):
        model = str(model)
    try:
        return ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types (Fail, InvalidGraph, NotImplemented...)
        raise InputError(f"{label}: onnxruntime cannot run this model: {_first_line(exc)}") from None


def _run(sess, feeds, label: str):
    try:
        return sess.run(None, feeds)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{label}: onnxruntime failed to run the model: {_first_line(exc)}") from None


def time_sessions(
    sessions: dict[str, tuple[object, dict]],
    budget_s: float = 2.0,
    max_runs: int = 1000,
    warmup: int = 3,
    min_runs: int = MIN_RUNS,
) -> dict[str, Timing]:
    """Warm up every session, then time them in alternating rounds (one run of each per round)
    until ``budget_s`` seconds of rounds have passed (and each has ``min_runs`` runs) or
    ``max_runs`` rounds are done."""
    check_budget(budget_s, max_runs)
    for name, (sess, feeds) in sessions.items():
        for _ in range(warmup):
            _run(sess, feeds, name)
    samples: dict[str, list[float]] = {name: [] for name in sessions}
    min_runs = min(min_runs, max_runs)
    start = time.perf_counter()
    rounds = 0
    while rounds < max_runs:
        for name, (sess, feeds) in sessions.items():
            t0 = time.perf_counter_ns()
            sess.run(None, feeds)
            samples[name].append((time.perf_counter_ns() - t0) / 1e6)
        rounds += 1
        if rounds >= min_runs and time.perf_counter() - start >= budget_s:
            break
    return {name: Timing(s) for name, s in samples.items()}


# --------------------------------------------------------------------------
# Building conv graphs


def _make_model(nodes, inputs, outputs, initializers, name: str):
    from onnx import helper

    graph = helper.make_graph(nodes, name, inputs, outputs, initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION, producer_name="dscost")


def layer_models(g: ConvGeom, seed: int = 0) -> dict:
    """{"standard": ModelProto, "separable": ModelProto} for one conv geometry (fp32, He-normal random weights)."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [g.batch, g.cin, *g.in_spatial])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [g.batch, g.cout, *g.out_spatial])

    def weights(shape, name):
        fan_in = prod(shape[1:])
        return numpy_helper.from_array((rng.standard_normal(shape) * (2.0 / fan_in) ** 0.5).astype(np.float32), name)

    def bias(n, name):
        return numpy_helper.from_array(np.zeros(n, np.float32), name)

    std_inits = [weights((g.cout, g.cin, *g.kernel), "w")]
    std_inputs = ["x", "w"]
    if g.bias:
        std_inits.append(bias(g.cout, "b"))
        std_inputs.append("b")
    standard = _make_model([helper.make_node("Conv", std_inputs, ["y"], name="standard", **conv_attrs(g))], [x], [y], std_inits, "standard")

    dwg, pwg = depthwise_geom(g), pointwise_geom(g)
    sep_inits = [weights((g.cin, 1, *g.kernel), "w_dw"), weights((g.cout, g.cin, *pwg.kernel), "w_pw")]
    pw_inputs = ["t", "w_pw"]
    if g.bias:
        sep_inits.append(bias(g.cout, "b_pw"))
        pw_inputs.append("b_pw")
    nodes = [
        helper.make_node("Conv", ["x", "w_dw"], ["t"], name="depthwise", **conv_attrs(dwg)),
        helper.make_node("Conv", pw_inputs, ["y"], name="pointwise", **conv_attrs(pwg)),
    ]
    separable = _make_model(nodes, [x], [y], sep_inits, "separable")
    return {"standard": standard, "separable": separable}


# --------------------------------------------------------------------------
# One layer


@dataclass
class VariantResult:
    macs: int
    timing: Timing

    @property
    def gmacs_per_s(self) -> float:
        return gmacs_per_s(self.macs, self.timing.median_ms)


@dataclass
class LayerBench:
    geom: ConvGeom
    variants: dict[str, VariantResult]
    threads: int
    budget_s: float
    notices: list[str] = field(default_factory=list)
    estimate: dict | None = None  # roofline what-if: {"hardware", "dtype", "standard_s", "separable_s", "speedup"}
    onnxruntime: str = ""  # version that ran the sessions

    @property
    def theoretical_speedup(self) -> float:
        return self.variants["standard"].macs / self.variants["separable"].macs

    @property
    def measured_speedup(self) -> float:
        return self.variants["standard"].timing.median_ms / self.variants["separable"].timing.median_ms

    @property
    def measured_speedup_p10(self) -> float:
        """Ratio of the fastest runs (p10): less sensitive to a busy machine than the median."""
        return self.variants["standard"].timing.p10_ms / self.variants["separable"].timing.p10_ms

    @property
    def runs(self) -> int:
        return min(v.timing.runs for v in self.variants.values())

    @property
    def noisy(self) -> bool:
        return any(v.timing.noisy for v in self.variants.values())


def _ort_version() -> str:
    try:
        import onnxruntime

        return onnxruntime.__version__
    except ImportError:  # pragma: no cover
        return "?"


def random_feeds_for(g: ConvGeom, seed: int = 1) -> dict:
    import numpy as np

    return {"x": np.random.default_rng(seed).standard_normal((g.batch, g.cin, *g.in_spatial)).astype(np.float32)}


def bench_layer(
    g: ConvGeom,
    threads: int = 1,
    budget_s: float = 2.0,
    max_runs: int = 1000,
    warmup: int = 3,
    hardware=None,
    dtype: str = "fp32",
) -> LayerBench:
    """Time standard conv ``g`` against its depthwise + pointwise replacement.

    ``budget_s`` is the wall time of the timed rounds (each round runs both
    variants once).  With ``hardware`` (a :class:`dscost.roofline.Hardware`) the
    roofline's estimated speedup is reported next to the measured one."""
    check_threads(threads)
    check_budget(budget_s, max_runs)
    models = layer_models(g)
    feeds = random_feeds_for(g)
    sessions = {name: (make_session(m, f"{name} layer", threads, "all"), feeds) for name, m in models.items()}
    timings = time_sessions(sessions, budget_s, max_runs, warmup)
    dw, pw = conv_cost(depthwise_geom(g)), conv_cost(pointwise_geom(g))
    variants = {
        "standard": VariantResult(conv_cost(g).macs, timings["standard"]),
        "separable": VariantResult(dw.macs + pw.macs, timings["separable"]),
    }
    result = LayerBench(g, variants, threads, budget_s, onnxruntime=_ort_version())
    for name, v in variants.items():
        notice = noise_notice(name, v.timing)
        if notice:
            result.notices.append(notice)
    if hardware is not None:
        from dscost import roofline as rf

        std, e_dw, e_pw = rf.separable_estimate(g, hardware, dtype)
        sep = rf.sequential_time(e_dw, e_pw)
        result.estimate = {
            "hardware": hardware.name,
            "dtype": dtype,
            "standard_s": std.time_s,
            "separable_s": sep,
            "standard_bound": std.bound,
            "depthwise_bound": e_dw.bound,
            "pointwise_bound": e_pw.bound,
            "estimated_speedup": round(std.time_s / sep, 4) if sep else None,
        }
    return result


# --------------------------------------------------------------------------
# Whole models


def load_onnx(path: str | Path):
    """onnx.load with errors as InputError."""
    import onnx

    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, not a model file")
    try:
        model = onnx.load(str(p))
    except Exception as exc:
        raise InputError(f"{path}: not a readable ONNX model ({_first_line(exc)})") from None
    if not model.HasField("graph"):
        raise InputError(f"{path}: the ONNX model has no graph")
    return model


def random_feeds(model, input_shapes: dict | None = None, label: str = "model", seed: int = 1) -> dict:
    """Random inputs for every graph input that is not an initializer.  A symbolic first (batch)
    dimension becomes 1; any other symbolic dimension needs ``--input-shape``."""
    import numpy as np
    from onnx import helper

    input_shapes = dict(input_shapes or {})
    inits = {i.name for i in model.graph.initializer}
    rng = np.random.default_rng(seed)
    feeds = {}
    for vi in model.graph.input:
        if vi.name in inits:
            continue
        tt = vi.type.tensor_type
        if not vi.type.HasField("tensor_type"):
            raise InputError(f"{label}: input {vi.name!r} is not a tensor; dscost bench can only feed tensors")
        if vi.name in input_shapes:
            shape = input_shapes.pop(vi.name)
        else:
            shape = []
            for i, d in enumerate(tt.shape.dim):
                if d.HasField("dim_value") and d.dim_value > 0:
                    shape.append(d.dim_value)
                elif i == 0:
                    shape.append(1)
                else:
                    sym = d.dim_param or "?"
                    raise InputError(
                        f"{label}: input {vi.name!r} has a symbolic dimension {sym!r} (axis {i}); "
                        f"set it with --input-shape {vi.name}=1x3x224x224"
                    )
        try:
            dtype = helper.tensor_dtype_to_np_dtype(tt.elem_type)
        except Exception:
            raise InputError(f"{label}: input {vi.name!r} has an element type dscost bench cannot feed ({tt.elem_type})") from None
        if np.issubdtype(dtype, np.floating):
            feeds[vi.name] = rng.standard_normal(shape).astype(dtype)
        else:
            feeds[vi.name] = np.zeros(shape, dtype)
    if input_shapes:
        raise InputError(f"{label}: --input-shape names no graph input: {', '.join(input_shapes)}")
    return feeds


@dataclass
class NodeTime:
    """Median kernel time of one onnxruntime node across the profiled runs."""

    name: str
    op: str
    ms: float


def parse_profile(events: list[dict], skip_runs: int = 0) -> tuple[dict[str, NodeTime], int]:
    """Per-node median kernel time (ms) over the ``model_run``s after the first ``skip_runs``.
    Returns (times by onnxruntime node name, number of runs used)."""
    runs = sorted((e["ts"], e["ts"] + e["dur"]) for e in events if e.get("name") == "model_run")
    runs = runs[skip_runs:]
    per_node: dict[str, list[float]] = {}
    ops: dict[str, str] = {}
    for e in events:
        if e.get("cat") != "Node" or not str(e.get("name", "")).endswith("_kernel_time"):
            continue
        ts = e["ts"]
        idx = next((i for i, (a, b) in enumerate(runs) if a <= ts <= b), None)
        if idx is None:
            continue
        name = e["name"][: -len("_kernel_time")]
        ops[name] = e.get("args", {}).get("op_name", "?")
        per_node.setdefault(name, [0.0] * len(runs))[idx] += e["dur"] / 1000.0
    return {n: NodeTime(n, ops[n], percentile(v, 50)) for n, v in per_node.items()}, len(runs)


def profile_times(models: dict[str, tuple[bytes, dict, str]], threads: int, optimization: str, runs: int = 10, warmup: int = 2) -> dict[str, dict[str, NodeTime]]:
    """Run every model with onnxruntime's profiler on, in alternating rounds (so machine load hits
    them alike); per model, per-node median kernel time.  ``models``: key -> (bytes, feeds, label)."""
    with tempfile.TemporaryDirectory(prefix="dscost-prof-") as tmp:
        sessions = {}
        for key, (data, feeds, label) in models.items():
            sub = Path(tmp) / str(len(sessions))
            sub.mkdir()
            sessions[key] = make_session(data, label, threads, optimization, profile_dir=str(sub))
        for _ in range(warmup + runs):
            for key, sess in sessions.items():
                _run(sess, models[key][1], models[key][2])
        out = {}
        for key, sess in sessions.items():
            path = sess.end_profiling()
            try:
                events = json.loads(Path(path).read_text())
            except (OSError, ValueError) as exc:
                raise InputError(f"{models[key][2]}: could not read onnxruntime's profile ({exc})") from None
            out[key], _ = parse_profile(events, skip_runs=warmup)
    return out


@dataclass
class LayerTime:
    name: str
    type: str
    macs: int
    ms: float | None  # None: no kernel of its own (fused into a neighbour or elided)
    nodes: tuple[str, ...] = ()  # onnxruntime nodes whose time is attributed here


@dataclass
class ModelBench:
    path: str
    latency: Timing
    layers: list[LayerTime]
    unattributed: list[NodeTime]  # onnxruntime nodes that match no dscost layer (layout reorders...)
    threads: int
    optimization: str
    notices: list[str] = field(default_factory=list)
    estimate_s: float | None = None  # roofline sum over layers, when a hardware is given

    @property
    def macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def kernel_ms(self) -> float:
        return sum(lt.ms or 0.0 for lt in self.layers) + sum(n.ms for n in self.unattributed)

    def by_name(self) -> dict[str, LayerTime]:
        return {lt.name: lt for lt in self.layers}



_NCHWC_SUFFIX = "_nchwc"


def join_profile(model_proto, layers, times: dict[str, NodeTime]) -> tuple[list[LayerTime], list[NodeTime]]:
    """Attribute onnxruntime node times to dscost layers by node name.

    Optimization level "all" renames convs to ``<output tensor>_nchwc``; such a
    node is attributed to the layer producing that tensor, walking back through
    activation/BN layers to the conv they were fused into."""
    names = {layer.name for layer in layers}
    producer = {out: node.name for node in model_proto.graph.node for out in node.output}
    by_name = {layer.name: layer for layer in layers}
    from dscost.layers import PASS_THROUGH_TYPES

    got: dict[str, list[NodeTime]] = {}
    unattributed = []
    for nt in times.values():
        target = nt.name if nt.name in names else None
        if target is None and nt.name.endswith(_NCHWC_SUFFIX):
            cand = producer.get(nt.name[: -len(_NCHWC_SUFFIX)])
            while cand in by_name and by_name[cand].type in PASS_THROUGH_TYPES and by_name[cand].inputs and by_name[cand].inputs[0] in by_name:
                cand = by_name[cand].inputs[0]
            target = cand if cand in names else None
        if target is None:
            unattributed.append(nt)
        else:
            got.setdefault(target, []).append(nt)
    rows = []
    for layer in layers:
        nts = got.get(layer.name, [])
        ms = sum(n.ms for n in nts) if nts else None
        rows.append(LayerTime(layer.name, layer.type, layer.cost.macs, ms, tuple(n.name for n in nts)))
    unattributed.sort(key=lambda n: -n.ms)
    return rows, unattributed


def _prepare(path, input_shapes, label=None):
    """(ModelProto with named nodes, serialized bytes, dscost Model, feeds) for one model file."""
    from dscost.readers import load

    label = label or str(path)
    from dscost.convert import name_nodes

    proto = load_onnx(path)
    name_nodes(proto)
    model = load(path, input_shapes=input_shapes or None)
    feeds = random_feeds(proto, input_shapes, label)
    try:
        data = proto.SerializeToString()
    except ValueError as exc:
        raise InputError(f"{label}: cannot hand the model to onnxruntime ({_first_line(exc)})") from None
    return proto, data, model, feeds


def bench_models(
    paths: dict[str, str | Path],
    threads: int = 1,
    budget_s: float = 2.0,
    max_runs: int = 1000,
    input_shapes: dict | None = None,
    optimization: str = DEFAULT_OPT,
    profile_runs: int = 10,
    warmup: int = 3,
    hardware=None,
    dtype: str = "fp32",
    labels: dict[str, str] | None = None,
) -> dict[str, ModelBench]:
    """Benchmark one or more models (timed in alternating rounds), each profiled per node
    (profiled runs alternate too).  ``labels`` names the models in results and notices
    (default: their paths)."""
    check_threads(threads)
    check_budget(budget_s, max_runs)
    labels = {key: (labels or {}).get(key, str(p)) for key, p in paths.items()}
    prepared = {key: _prepare(p, input_shapes, labels[key]) for key, p in paths.items()}
    sessions = {}
    for key, (proto, data, model, feeds) in prepared.items():
        sess = make_session(data, labels[key], threads, optimization)
        _run(sess, feeds, labels[key])  # fail early, one line
        sessions[key] = (sess, feeds)
    timings = time_sessions(sessions, budget_s, max_runs, warmup)
    del sessions
    profiles = profile_times(
        {key: (data, feeds, labels[key]) for key, (proto, data, model, feeds) in prepared.items()},
        threads, optimization, runs=max(1, min(profile_runs, max_runs)),
    )  # fmt: skip
    out = {}
    for key, (proto, data, model, feeds) in prepared.items():
        label = labels[key]
        rows, unattributed = join_profile(proto, model.layers, profiles[key])
        mb = ModelBench(label, timings[key], rows, unattributed, threads, optimization)
        notice = noise_notice(label, timings[key])
        if notice:
            mb.notices.append(notice)
        if hardware is not None:
            from dscost import roofline as rf

            mb.estimate_s = rf.model_roofline(model.layers, dtype, hardware).time_s
        out[key] = mb
    return out


def bench_model(path, label: str | None = None, **options) -> ModelBench:
    """`dscost bench model.onnx`: latency and a per-layer profile joined with MACs."""
    return bench_models({"model": path}, labels={"model": label or str(path)}, **options)["model"]


@dataclass
class PairBench:
    """Original vs converted model, side by side."""

    original: ModelBench
    converted: ModelBench
    converted_layers: list[str]  # names of the original convs that were rewritten
    hardware: str | None = None
    dtype: str = "fp32"
    layer_estimates: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (standard_s, separable_s)

    @property
    def theoretical_speedup(self) -> float:
        return self.original.macs / self.converted.macs if self.converted.macs else 0.0

    @property
    def measured_speedup(self) -> float:
        return self.original.latency.median_ms / self.converted.latency.median_ms

    @property
    def estimated_speedup(self) -> float | None:
        a, b = self.original.estimate_s, self.converted.estimate_s
        return a / b if a and b else None

    def layer_rows(self) -> list[dict]:
        """Per converted conv: MACs and time before (one conv) and after (dw + pw)."""
        orig, conv = self.original.by_name(), self.converted.by_name()
        rows = []
        for name in self.converted_layers:
            o, dw, pw = orig.get(name), conv.get(f"{name}_dw"), conv.get(f"{name}_pw")
            if o is None or dw is None or pw is None:
                continue
            new_macs = dw.macs + pw.macs
            new_ms = (dw.ms or 0.0) + (pw.ms or 0.0) if (dw.ms is not None or pw.ms is not None) else None
            est = self.layer_estimates.get(name)
            rows.append(
                {
                    "name": name,
                    "macs": o.macs,
                    "separable_macs": new_macs,
                    "time_ms": o.ms,
                    "separable_time_ms": new_ms,
                    "depthwise_time_ms": dw.ms,
                    "pointwise_time_ms": pw.ms,
                    "theoretical_speedup": round(o.macs / new_macs, 4) if new_macs else None,
                    "measured_speedup": round(o.ms / new_ms, 4) if o.ms and new_ms else None,
                    "estimated_speedup": round(est[0] / est[1], 4) if est and est[1] else None,
                }
            )
        return rows



def bench_model_pair(path, threads: int = 1, budget_s: float = 2.0, max_runs: int = 1000, input_shapes=None, optimization: str = DEFAULT_OPT,
                     hardware=None, dtype: str = "fp32", convert_options: dict | None = None, **kw) -> PairBench:
    """`dscost bench model.onnx --convert`: convert every eligible conv (in a temp file) and benchmark both."""
    from dscost.convert import convert_model

    proto = load_onnx(path)
    converted, report = convert_model(proto, **(convert_options or {}))
    if not report.converted:
        raise InputError(f"{path}: no standard conv to convert (nothing to compare)")
    with tempfile.TemporaryDirectory(prefix="dscost-conv-") as tmp:
        import onnx

        out = Path(tmp) / (Path(path).stem + "_separable.onnx")
        onnx.save(converted, str(out))
        label = kw.pop("label", None) or str(path)
        res = bench_models({"original": path, "converted": out}, threads, budget_s, max_runs, input_shapes, optimization,
                           hardware=hardware, dtype=dtype, labels={"original": label, "converted": f"{label} (converted)"}, **kw)
    pair = PairBench(res["original"], res["converted"], [c.name for c in report.converted], hardware.name if hardware else None, dtype)
    if hardware is not None:
        from dscost import roofline as rf
        from dscost.readers import load

        model = load(path, input_shapes=input_shapes or None)
        by_name = {layer.name: layer for layer in model.layers}
        for name in pair.converted_layers:
            layer = by_name.get(name)
            if layer is not None and layer.conv is not None:
                std, e_dw, e_pw = rf.separable_estimate(layer.conv, hardware, dtype)
                pair.layer_estimates[name] = (std.time_s, rf.sequential_time(e_dw, e_pw))
    return pair


# --------------------------------------------------------------------------
# Calibration


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def calibrate(threads: int = 1, budget_s: float = 3.0, matmul_size: int = 1024, stream_elements: int = 1 << 23,
              max_runs: int = 1000, conv_channels: int = 128, conv_size: int = 56) -> dict:
    """Measure this machine's achievable compute and bandwidth with onnxruntime (fp32).

    Compute: the faster of a ``matmul_size``-cubed MatMul and a 3x3 conv with
    ``conv_channels`` in and out channels on a ``conv_size`` square map (the
    convolution kernels dscost's estimates are about); the rate of its p10
    (fast) runs is the achievable GMAC/s.  Bandwidth: an Add of two
    ``stream_elements`` fp32 vectors (reads 2, writes 1: 12 bytes per element,
    far larger than the caches by default); rate of its p10 runs in GB/s.
    The budget is split between the three."""
    import numpy as np
    from onnx import TensorProto, helper

    from dscost.cost import make_conv_geom

    check_threads(threads)
    check_budget(budget_s, max_runs)
    n, e = matmul_size, stream_elements
    mm = _make_model(
        [helper.make_node("MatMul", ["a", "b"], ["c"], name="matmul")],
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [n, n]), helper.make_tensor_value_info("b", TensorProto.FLOAT, [n, n])],
        [helper.make_tensor_value_info("c", TensorProto.FLOAT, [n, n])],
        [],
        "calibrate_compute",
    )
    add = _make_model(
        [helper.make_node("Add", ["a", "b"], ["c"], name="add")],
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [e]), helper.make_tensor_value_info("b", TensorProto.FLOAT, [e])],
        [helper.make_tensor_value_info("c", TensorProto.FLOAT, [e])],
        [],
        "calibrate_memory",
    )
    g = make_conv_geom((3, 3), conv_channels, conv_channels, (conv_size, conv_size), (1, 1), (1, 1), "same")
    conv = layer_models(g)["standard"]
    rng = np.random.default_rng(0)
    feeds_mm = {"a": rng.standard_normal((n, n)).astype(np.float32), "b": rng.standard_normal((n, n)).astype(np.float32)}
    feeds_add = {"a": rng.standard_normal(e).astype(np.float32), "b": rng.standard_normal(e).astype(np.float32)}
    part = budget_s / 3
    t_mm = time_sessions({"matmul": (make_session(mm, "calibration MatMul", threads, "all"), feeds_mm)}, part, max_runs)["matmul"]
    t_conv = time_sessions({"conv": (make_session(conv, "calibration Conv", threads, "all"), random_feeds_for(g))}, part, max_runs)["conv"]
    t_add = time_sessions({"add": (make_session(add, "calibration Add", threads, "all"), feeds_add)}, part, max_runs)["add"]
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
        "onnxruntime": _ort_version(),
        "method": (
            f"onnxruntime CPU, fp32, p10 rates: compute = faster of MatMul {n}^3 ({rate_mm:.1f} GMAC/s) and 3x3 Conv "
            f"{conv_channels}->{conv_channels} @ {conv_size}x{conv_size} ({rate_conv:.1f} GMAC/s); "
            f"bandwidth = Add of 2 x {e:,} floats (12 B/element)"
        ),
        "compute": {"matmul": {**t_mm.json(), "gmacs_per_s": round(rate_mm, 3)}, "conv": {**t_conv.json(), "gmacs_per_s": round(rate_conv, 3)}},
        "memory": t_add.json(),
        "noisy": t_mm.noisy or t_conv.noisy or t_add.noisy,
    }
