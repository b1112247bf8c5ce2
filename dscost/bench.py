"""Measured latency with onnxruntime: one layer, a whole model, calibration.

FLOPs are not latency.  This module times real onnxruntime sessions on the
CPU and puts the measurements next to dscost's exact MAC counts:

* :func:`bench_layer` -- a standard conv and its depthwise-separable
  replacement built as ONNX graphs from one :class:`ConvGeom`, timed in
  alternating rounds (so that a change in machine load hits both alike);
* :func:`bench_model` -- a whole ONNX model run with onnxruntime's profiler,
  per-node kernel times joined by node name with dscost's per-layer MACs;
* :func:`bench_model_pair` -- the original and the converted model side by side
  (each file parsed once by onnx and once by dscost's reader);

Timing protocol: ``warmup`` untimed runs per session, then timed rounds until
the time budget is spent (at least ``MIN_RUNS`` runs) or ``max_runs`` is
reached.  Reported: median, p10 and p90 (linear interpolation between order
statistics).  When (p90 - p10) / median exceeds ``NOISE_THRESHOLD`` the result
carries a notice that the machine is too noisy for a confident number.

The onnxruntime plumbing is :mod:`dscost.runtime`; onnx, onnxruntime and numpy
are imported inside the functions that use them.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass, field
from math import prod
from pathlib import Path

from dscost.cost import conv_cost, depthwise_geom, pointwise_geom
from dscost.errors import InputError
from dscost.export import conv_attrs
from dscost.layers import ConvGeom, Layer
from dscost.runtime import DEFAULT_OPT, check_threads, load_onnx, make_model, make_session, ort_version, random_feeds, run, serialize

NOISE_THRESHOLD = 0.25  # (p90 - p10) / median above this -> "too noisy" notice


MIN_RUNS = 5


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



def summary(t: Timing) -> dict:
    """The statistics of a Timing, rounded to 0.1 us (the calibration profile and JSON outputs)."""
    return {
        "median_ms": round(t.median_ms, 4),
        "p10_ms": round(t.p10_ms, 4),
        "p90_ms": round(t.p90_ms, 4),
        "spread": round(t.spread, 4),
        "runs": t.runs,
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


def check_budget(budget_s: float, max_runs: int) -> None:
    if not budget_s > 0:
        raise InputError(f"--budget {budget_s:g}: must be a positive number of seconds")
    if max_runs < 1:
        raise InputError(f"--runs {max_runs}: must be >= 1")


def progress_bar(progress, label: str):
    """A context manager for the progress of a bench: ``progress`` is a bool (show a bar on a
    terminal, dscost.progress) or a bar already shown by the caller (left open)."""
    from contextlib import nullcontext

    from dscost.progress import Progress

    return nullcontext(progress) if isinstance(progress, Progress) else Progress(bool(progress), None, label)


def time_sessions(
    sessions: dict[str, tuple[object, dict]],
    budget_s: float = 2.0,
    max_runs: int = 1000,
    warmup: int = 3,
    min_runs: int = MIN_RUNS,
    progress=None,
) -> dict[str, Timing]:
    """Warm up every session, then time them in alternating rounds (one run of each per round)
    until ``budget_s`` seconds of rounds have passed (and each has ``min_runs`` runs) or
    ``max_runs`` rounds are done.  ``progress``: a dscost.progress.Progress to report to."""
    check_budget(budget_s, max_runs)
    what = " and ".join(sessions)
    if progress is not None:
        progress.stage(f"warming up {what}", total=None)
    for name, (sess, feeds) in sessions.items():
        for _ in range(warmup):
            run(sess, feeds, name)
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
        elapsed = time.perf_counter() - start
        if progress is not None:  # percent of the budget (or of --runs) done
            done = max(min(elapsed / budget_s, 1.0) if rounds >= min_runs else min(elapsed / budget_s, 0.99), rounds / max_runs)
            progress.stage(f"timing {what}: {rounds} rounds", total=100, completed=int(100 * done))
        if rounds >= min_runs and elapsed >= budget_s:
            break
    return {name: Timing(s) for name, s in samples.items()}


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
    standard = make_model([helper.make_node("Conv", std_inputs, ["y"], name="standard", **conv_attrs(g))], [x], [y], std_inits, "standard")

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
    separable = make_model(nodes, [x], [y], sep_inits, "separable")
    return {"standard": standard, "separable": separable}


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
    progress=False,
) -> LayerBench:
    """Time standard conv ``g`` against its depthwise + pointwise replacement.

    ``budget_s`` is the wall time of the timed rounds (each round runs both
    variants once).  With ``hardware`` (a :class:`dscost.roofline.Hardware`) the
    roofline's estimated speedup is reported next to the measured one."""
    check_threads(threads)
    check_budget(budget_s, max_runs)
    models = layer_models(g)
    feeds = random_feeds_for(g)
    with progress_bar(progress, "building sessions") as bar:
        sessions = {name: (make_session(m, f"{name} layer", threads, "all"), feeds) for name, m in models.items()}
        timings = time_sessions(sessions, budget_s, max_runs, warmup, progress=bar)
    dw, pw = conv_cost(depthwise_geom(g)), conv_cost(pointwise_geom(g))
    variants = {
        "standard": VariantResult(conv_cost(g).macs, timings["standard"]),
        "separable": VariantResult(dw.macs + pw.macs, timings["separable"]),
    }
    result = LayerBench(g, variants, threads, budget_s, onnxruntime=ort_version())
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


@dataclass
class _Subject:
    """One model ready to run: what onnxruntime gets, what dscost counted, how tensors map to nodes."""

    label: str
    data: bytes  # the serialized model, handed to onnxruntime
    layers: list[Layer]
    producer: dict[str, str]  # tensor -> node name (joins onnxruntime's renamed convs)
    feeds: dict


def _subject(proto, layers: list[Layer], feeds: dict, label: str) -> _Subject:
    producer = {out: node.name for node in proto.graph.node for out in node.output}
    return _Subject(label, serialize(proto, label), layers, producer, feeds)


def bench_subjects(
    subjects: dict[str, _Subject],
    threads: int = 1,
    budget_s: float = 2.0,
    max_runs: int = 1000,
    optimization: str = DEFAULT_OPT,
    profile_runs: int = 10,
    warmup: int = 3,
    hardware=None,
    dtype: str = "fp32",
    progress=False,
) -> dict[str, ModelBench]:
    """Benchmark one or more models (timed in alternating rounds), each profiled per node
    (profiled runs alternate too)."""
    check_threads(threads)
    check_budget(budget_s, max_runs)
    sessions = {}
    with progress_bar(progress, "building sessions") as bar:
        for key, s in subjects.items():
            bar.stage(f"building an onnxruntime session for {key}")
            sess = make_session(s.data, s.label, threads, optimization)
            run(sess, s.feeds, s.label)  # fail early, one line
            sessions[key] = (sess, s.feeds)
        timings = time_sessions(sessions, budget_s, max_runs, warmup, progress=bar)
        del sessions
        profiles = profile_times(
            {key: (s.data, s.feeds, s.label) for key, s in subjects.items()},
            threads, optimization, runs=max(1, min(profile_runs, max_runs)), progress=bar,
        )  # fmt: skip
    out = {}
    for key, s in subjects.items():
        rows, unattributed = join_profile(s.producer, s.layers, profiles[key])
        mb = ModelBench(s.label, timings[key], rows, unattributed, threads, optimization)
        notice = noise_notice(s.label, timings[key])
        if notice:
            mb.notices.append(notice)
        if hardware is not None:
            from dscost import roofline as rf

            mb.estimate_s = rf.model_roofline(s.layers, dtype, hardware).time_s
        out[key] = mb
    return out


def _load(path, input_shapes, label: str):
    """(ModelProto with named nodes, dscost Model, feeds) of one model file: parsed once by each."""
    from dscost.readers import load

    proto = load_onnx(path)
    model = load(path, input_shapes=input_shapes or None)
    return proto, model, random_feeds(proto, input_shapes, label)


def bench_model(path, label: str | None = None, input_shapes: dict | None = None, **options) -> ModelBench:
    """`dscost bench model.onnx`: latency and a per-layer profile joined with MACs."""
    label = label or str(path)
    proto, model, feeds = _load(path, input_shapes, label)
    subject = _subject(proto, model.layers, feeds, label)
    del proto
    return bench_subjects({"model": subject}, **options)["model"]


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


def profile_times(models: dict[str, tuple[bytes, dict, str]], threads: int, optimization: str, runs: int = 10, warmup: int = 2, progress=None) -> dict[str, dict[str, NodeTime]]:
    """Run every model with onnxruntime's profiler on, in alternating rounds (so machine load hits
    them alike); per model, per-node median kernel time.  ``models``: key -> (bytes, feeds, label)."""
    with tempfile.TemporaryDirectory(prefix="dscost-prof-") as tmp:
        sessions = {}
        for key, (data, feeds, label) in models.items():
            sub = Path(tmp) / str(len(sessions))
            sub.mkdir()
            sessions[key] = make_session(data, label, threads, optimization, profile_dir=str(sub))
        for i in range(warmup + runs):
            if progress is not None:
                progress.stage(f"profiling per node: run {i + 1} of {warmup + runs}", total=warmup + runs, completed=i)
            for key, sess in sessions.items():
                run(sess, models[key][1], models[key][2])
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


def join_profile(producer: dict[str, str], layers, times: dict[str, NodeTime]) -> tuple[list[LayerTime], list[NodeTime]]:
    """Attribute onnxruntime node times to dscost layers by node name.

    Optimization level "all" renames convs to ``<output tensor>_nchwc``; such a
    node is attributed to the layer producing that tensor, walking back through
    activation/BN layers to the conv they were fused into."""
    names = {layer.name for layer in layers}
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


def bench_model_pair(path, input_shapes=None, hardware=None, dtype: str = "fp32", convert_options: dict | None = None,
                     label: str | None = None, **options) -> PairBench:
    """`dscost bench model.onnx --convert`: convert every eligible conv (in memory; dscost reads the
    result from a temp file) and benchmark both."""
    with progress_bar(options.pop("progress", False), "loading the model") as bar:
        return _pair(path, input_shapes, hardware, dtype, convert_options, label or str(path), {**options, "progress": bar})


def _pair(path, input_shapes, hardware, dtype, convert_options, label, options) -> PairBench:
    import onnx

    from dscost.readers import load
    from dscost.rewrite import convert_model

    proto, model, feeds = _load(path, input_shapes, label)
    original = _subject(proto, model.layers, feeds, label)
    options["progress"].stage("converting every standard conv to depthwise + pointwise")
    converted, report = convert_model(proto, copy=False, **(convert_options or {}))  # `original` holds its bytes
    if not report.converted:
        raise InputError(f"{path}: no standard conv to convert (nothing to compare)")
    with tempfile.TemporaryDirectory(prefix="dscost-conv-") as tmp:
        out = Path(tmp) / (Path(path).stem + "_separable.onnx")
        onnx.save(converted, str(out))
        conv_label = f"{label} (converted)"
        twin = _subject(converted, load(out, input_shapes=input_shapes or None).layers, feeds, conv_label)
    del proto, converted
    res = bench_subjects({"original": original, "converted": twin}, hardware=hardware, dtype=dtype, **options)
    pair = PairBench(res["original"], res["converted"], [c.name for c in report.converted], hardware.name if hardware else None, dtype)
    if hardware is not None:
        from dscost import roofline as rf

        by_name = {layer.name: layer for layer in model.layers}
        for name in pair.converted_layers:
            layer = by_name.get(name)
            if layer is not None and layer.conv is not None:
                std, e_dw, e_pw = rf.separable_estimate(layer.conv, hardware, dtype)
                pair.layer_estimates[name] = (std.time_s, rf.sequential_time(e_dw, e_pw))
    return pair
