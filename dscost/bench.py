"""Measured latency with onnxruntime: one layer, a whole model, a model against its converted twin.

FLOPs are not latency.  This module times real onnxruntime sessions on the CPU and puts
the measurements next to dscost's exact MAC counts:

* :func:`bench_layer` -- a standard conv and its depthwise-separable replacement built as
  ONNX graphs from one :class:`ConvGeom`, timed in paired rounds (:mod:`dscost.timing`);
* :func:`bench_model` -- a whole ONNX model run with onnxruntime's profiler, per-node
  kernel times joined with dscost's per-layer MACs (:mod:`dscost.profile`);
* :func:`bench_model_pair` -- the original and the converted model side by side.

Every onnxruntime session runs in a child process (:mod:`dscost.sandbox`) that a
wall-clock limit (``timeout_s``, ``--timeout``) can stop and whose address space is
limited; the tensor memory of a run is estimated first and a run above ``max_memory``
(``--max-memory``) is refused before anything is allocated.  The parent never holds the
weights: onnxruntime reads the model file itself (a renamed or converted copy is written
to a temp folder first).  onnx, onnxruntime and numpy are imported inside the functions.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from math import fsum, prod
from pathlib import Path

from dscost import sandbox
from dscost.cost import conv_cost, depthwise_geom, pointwise_geom
from dscost.dtypes import resolve_dtype
from dscost.errors import InputError
from dscost.export import conv_attrs
from dscost.layers import ConvGeom, Model
from dscost.profile import WIRING_MAX_BYTES, LayerTime, NodeTime, join_profile, profile_times
from dscost.progress import progress_bar
from dscost.runtime import DEFAULT_OPT, Given, check_optimization, check_threads, load_onnx, make_model, make_session, named, ort_version, run
from dscost.timing import NOISY_CI, Rounds, Timing, check_budget, ci_notice, gmacs_per_s, median_ci, noise_notice, percentile, relative_half_width, time_sessions
from dscost.units import nbytes

DEFAULT_TIMEOUT_S = 300.0
DEFAULT_MAX_MEMORY = 4 << 30  # bytes of tensors a run may need


def check_memory(estimate: int, limit: int | None, what: str) -> None:
    """Refuse a run whose tensors would take more than ``limit`` bytes, before allocating them."""
    if limit is not None and estimate > limit:
        raise InputError(f"{what}: the run needs about {nbytes(estimate)} of tensors, above the limit of {nbytes(limit)}; "
                         f"--max-memory {nbytes(2 * estimate)} raises it")  # fmt: skip


def layer_tensor_bytes(g: ConvGeom) -> int:
    """fp32 bytes one `bench --dk ...` run holds: the input, the standard conv's output and its
    im2col buffer (Dk^2*M per output pixel), the depthwise output, the separable output, weights."""
    out = g.batch * prod(g.out_spatial)
    elements = (g.batch * g.cin * prod(g.in_spatial) + out * g.cout + out * prod(g.kernel) * g.cin
                + out * g.cin + out * g.cout + conv_cost(g).params + conv_cost(depthwise_geom(g)).params)  # fmt: skip
    return 4 * elements


def _weight_bytes(model: Model) -> int:
    """fp32 bytes of the parameters and buffers."""
    return 4 * sum(layer.cost.params + layer.cost.buffers for layer in model.layers)


def model_tensor_bytes(model: Model) -> int:
    """An upper bound of the fp32 bytes a run of ``model`` holds: its parameters and buffers,
    and every layer's output (no buffer reuse)."""
    outputs = sum(prod(layer.output_shape) for layer in model.layers if layer.output_shape)
    inputs = sum(prod(shape) for _, shape, _ in model.inputs)
    return _weight_bytes(model) + 4 * (outputs + inputs)


# --------------------------------------------------------------------------
# One layer


def layer_models(g: ConvGeom, seed: int = 0) -> dict:
    """{"standard": ModelProto, "separable": ModelProto} for one conv geometry (fp32, He-normal random weights)."""
    import numpy as np

    from dscost.readers.onnx_lib import FLOAT, float_tensor, node, value_info

    rng = np.random.default_rng(seed)
    x = value_info("x", FLOAT, [g.batch, g.cin, *g.in_spatial])
    y = value_info("y", FLOAT, [g.batch, g.cout, *g.out_spatial])

    def weights(shape, name):
        fan_in = prod(shape[1:])
        return float_tensor(name, (rng.standard_normal(shape) * (2.0 / fan_in) ** 0.5).astype(np.float32))

    def bias(n, name):
        return float_tensor(name, np.zeros(n, np.float32))

    std_inits = [weights((g.cout, g.cin, *g.kernel), "w")]
    std_inputs = ["x", "w"]
    if g.bias:
        std_inits.append(bias(g.cout, "b"))
        std_inputs.append("b")
    standard = make_model([node("Conv", std_inputs, ["y"], "standard", **conv_attrs(g))], [x], [y], std_inits, "standard")

    dwg, pwg = depthwise_geom(g), pointwise_geom(g)
    sep_inits = [weights((g.cin, 1, *g.kernel), "w_dw"), weights((g.cout, g.cin, *pwg.kernel), "w_pw")]
    pw_inputs = ["t", "w_pw"]
    if g.bias:
        sep_inits.append(bias(g.cout, "b_pw"))
        pw_inputs.append("b_pw")
    nodes = [
        node("Conv", ["x", "w_dw"], ["t"], "depthwise", **conv_attrs(dwg)),
        node("Conv", pw_inputs, ["y"], "pointwise", **conv_attrs(pwg)),
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
    ratios: list[float] = field(default_factory=list)  # standard / separable time, one per paired round
    stopped: str = ""  # why the rounds ended (dscost.timing.Rounds.stopped)

    @property
    def theoretical_speedup(self) -> float:
        return self.variants["standard"].macs / self.variants["separable"].macs

    @property
    def measured_speedup(self) -> float:
        """Median of the paired per-round ratios (the ratio of the medians without them)."""
        if self.ratios:
            return percentile(self.ratios, 50)
        return self.variants["standard"].timing.median_ms / self.variants["separable"].timing.median_ms

    @property
    def speedup_ci(self) -> tuple[float, float] | None:
        """~95% confidence interval of the measured speedup (distribution-free, from the paired rounds)."""
        return median_ci(self.ratios) if self.ratios else None

    @property
    def measured_speedup_p10(self) -> float:
        """Ratio of the fastest runs (p10): less sensitive to a busy machine than the median."""
        return self.variants["standard"].timing.p10_ms / self.variants["separable"].timing.p10_ms

    @property
    def runs(self) -> int:
        return min(v.timing.runs for v in self.variants.values())

    @property
    def noisy(self) -> bool:
        """Not a confident speedup: its 95% CI is wider than NOISY_CI either way (from the paired
        rounds), or without them a variant's p10-p90 spread is above NOISE_THRESHOLD."""
        if self.ratios:
            return relative_half_width(self.ratios) > NOISY_CI
        return any(v.timing.noisy for v in self.variants.values())


def random_feeds_for(g: ConvGeom, seed: int = 1) -> dict:
    import numpy as np

    return {"x": np.random.default_rng(seed).standard_normal((g.batch, g.cin, *g.in_spatial)).astype(np.float32)}


def _time_layer(g: ConvGeom, threads: int, budget_s: float, max_runs: int, warmup: int, progress: bool, optimization: str = "all") -> Rounds:
    """(In the child process.)  Build both variants, then time them in paired rounds."""
    with progress_bar(progress, "building sessions") as bar:
        models = layer_models(g)
        feeds = random_feeds_for(g)
        sessions = {name: (make_session(m, f"{name} layer", threads, optimization), feeds) for name, m in models.items()}
        return time_sessions(sessions, budget_s, max_runs, warmup, progress=bar)


def bench_layer(
    g: ConvGeom,
    threads: int = 1,
    budget_s: float = 2.0,
    max_runs: int = 1000,
    warmup: int = 3,
    hardware=None,
    dtype: str = "fp32",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_memory: int | None = DEFAULT_MAX_MEMORY,
    progress: bool = False,
    optimization: str = "all",
) -> LayerBench:
    """Time standard conv ``g`` against its depthwise + pointwise replacement (onnxruntime's graph
    ``optimization`` level: none, basic, extended, all).

    With ``hardware`` (a :class:`dscost.roofline.Hardware`) the roofline's estimated
    speedup is reported next to the measured one."""
    check_threads(threads)
    check_budget(budget_s, max_runs)
    check_optimization(optimization)
    check_memory(layer_tensor_bytes(g), max_memory, "bench")
    rounds = sandbox.run(_time_layer, g, threads, budget_s, max_runs, warmup, progress, optimization, timeout_s=timeout_s, memory_bytes=max_memory, label="bench")
    dw, pw = conv_cost(depthwise_geom(g)), conv_cost(pointwise_geom(g))
    variants = {
        "standard": VariantResult(conv_cost(g).macs, rounds.timings["standard"]),
        "separable": VariantResult(dw.macs + pw.macs, rounds.timings["separable"]),
    }
    result = LayerBench(g, variants, threads, budget_s, onnxruntime=ort_version(), ratios=rounds.ratios, stopped=rounds.stopped)
    if result.noisy:
        result.notices.append(ci_notice("speedup", rounds.ratios))
        result.notices += [n for name, v in variants.items() if (n := noise_notice(name, v.timing))]
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
    """One model ready to run: what onnxruntime reads (a file, or a named copy referring to its weights), dscost's layers."""

    label: str
    path: str | Given
    model: Model


def _time_models(subjects: dict[str, tuple[str, str, list, dict]], threads: int, optimization: str, budget_s: float,
                 max_runs: int, warmup: int, profile_runs: int, progress: bool) -> tuple[Rounds, dict, dict[str, list[str]]]:  # fmt: skip
    """(In the child process.)  Paired rounds over the models, then a profiled pass of each, and
    what building each one's session said (a copy re-stamped for onnxruntime).
    ``subjects``: key -> (label, path, inputs, input values)."""
    from dscost.runtime import feeds_for

    feeds = {key: feeds_for(inputs, label, values=values) for key, (label, _, inputs, values, _) in subjects.items()}
    sessions, notices = {}, {key: [] for key in subjects}
    with progress_bar(progress, "building sessions") as bar:
        for key, (label, path, _, _, _) in subjects.items():
            bar.stage(f"building an onnxruntime session for {key}")
            sess = make_session(path, label, threads, optimization, notices=notices[key])
            run(sess, feeds[key], label)  # fail early, one line
            sessions[key] = (sess, feeds[key])
        rounds = time_sessions(sessions, budget_s, max_runs, warmup, progress=bar)
        del sessions, sess  # freed before the profiled sessions are built: one session per model at a time
        profiles = profile_times({key: (path, feeds[key], label, small) for key, (label, path, _, _, small) in subjects.items()},
                                 threads, optimization, runs=max(1, min(profile_runs, max_runs)), progress=bar)  # fmt: skip
    return rounds, profiles, notices


def bench_subjects(
    subjects: dict[str, _Subject],
    threads: int = 1,
    budget_s: float = 2.0,
    max_runs: int = 1000,
    optimization: str = DEFAULT_OPT,
    profile_runs: int = 10,
    warmup: int = 3,
    hardware=None,
    dtype: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_memory: int | None = DEFAULT_MAX_MEMORY,
    progress: bool = False,
) -> tuple[dict[str, ModelBench], Rounds]:
    """Benchmark one or more models in one child process: timed in paired rounds, then each
    profiled per node."""
    check_threads(threads)
    check_budget(budget_s, max_runs)
    label = next(iter(subjects.values())).label
    check_memory(sum(model_tensor_bytes(s.model) for s in subjects.values()), max_memory, label)
    spec = {key: (s.label, s.path, s.model.inputs, s.model.input_values, _weight_bytes(s.model) <= WIRING_MAX_BYTES) for key, s in subjects.items()}
    rounds, profiles, built = sandbox.run(_time_models, spec, threads, optimization, budget_s, max_runs, warmup, profile_runs, progress,
                                   timeout_s=timeout_s, memory_bytes=max_memory, label=label)  # fmt: skip
    out = {}
    for key, s in subjects.items():
        producer = {t: layer.name for layer in s.model.layers for t in layer.outputs}
        rows, unattributed = join_profile(producer, s.model.layers, profiles[key])
        mb = ModelBench(s.label, rounds.timings[key], rows, unattributed, threads, optimization, notices=list(built[key]))
        notice = noise_notice(s.label, rounds.timings[key])
        if notice:
            mb.notices.append(notice)
        if hardware is not None:
            from dscost import roofline as rf

            mb.estimate_s = rf.model_roofline(s.model, dtype, hardware).time_s
        out[key] = mb
    return out, rounds


def _named_copy(path, tmp: str, proto=None) -> str:
    """A copy of the model whose nodes carry dscost's layer names (unnamed, repeated or graph-input names in the file),
    written whole (where onnxruntime takes no copy referring to the file's weights: :func:`dscost.runtime.named`)."""
    proto = proto if proto is not None else load_onnx(path)
    out = str(Path(tmp) / ("named_" + Path(path).name))
    _save(proto, out)
    return out


def _save(proto, out: str) -> None:
    import onnx

    try:
        onnx.save(proto, out)
    except ValueError:  # over 2 GB: the weights go beside it
        onnx.save_model(proto, out, save_as_external_data=True, location=Path(out).name + ".data")


def model_file(model: str, folder: str, options: dict, progress: bool = False) -> tuple[str, str]:
    """The ONNX file `bench` runs for ``model``, and its label: an ONNX graph as it is; a layer
    spec exported with zero weights into ``folder``; a PyTorch target, ``.pt2`` program or
    TorchScript archive exported into ``folder`` as dscost counts it
    (:func:`dscost.readers.torch_reader.count_target`, :mod:`dscost.readers.torch_files`), with
    the reader ``options`` that apply to it (input shapes and types, factory keyword arguments)."""
    import os

    from dscost.readers import kind_of, load, reader_options

    kind = kind_of(model).name
    if kind == "hf":
        raise InputError(f"{model}: bench runs the model, and a Hugging Face config's is built on the meta device (shapes without values); "
                         "give the model with its weights as package.module:factory")  # fmt: skip
    if kind in ("torch", "pt2", "torchscript"):
        from dscost.readers import torch_files, torch_reader

        count = {"torch": torch_reader.count_target, "pt2": torch_files.count_exported, "torchscript": torch_files.count_torchscript}[kind]
        _, path = count(model, workdir=folder, progress=progress, **reader_options(model, options))
        return str(path), f"{model} (exported to ONNX as counted)"
    if kind == "spec" and options.get("input_shapes"):
        raise InputError(f"--input-shape applies to ONNX graphs and PyTorch modules only; {model} is a layer spec")
    reader_options(model, {k: v for k, v in options.items() if kind != "onnx" or k not in ("input_shapes", "dims")})  # (the usual wrong-kind error)
    if kind == "onnx":
        return model, model
    if kind == "spec":
        from dscost.export import export_model

        path = export_model(load(model), os.path.join(folder, os.path.basename(os.path.splitext(model)[0]) + ".onnx"), external_data=None)
        return str(path), f"{model} (exported with zero weights)"
    raise InputError(f"{model}: bench runs ONNX graphs (.onnx), layer specs (.yaml/.yml) or PyTorch modules (package.module:factory, .pt2, TorchScript)")


def bench_model(path, label: str | None = None, input_shapes: dict | None = None, input_values: dict | None = None, **options) -> ModelBench:
    """`dscost bench model.onnx`: latency and a per-layer profile joined with MACs; ``input_values``
    (flag inputs, as ``--input-value``) are fed as given and pick the If branch counted."""
    from dscost.readers import load

    label = label or str(path)
    model = load(path, input_shapes=input_shapes or None, input_values=input_values or None)
    with tempfile.TemporaryDirectory(prefix="dscost-bench-") as tmp:
        run_path = (named(path) or _named_copy(path, tmp)) if model.renamed_nodes else str(path)
        return bench_subjects({"model": _Subject(label, run_path, model)}, **options)[0]["model"]


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
        return fsum([*(lt.ms or 0.0 for lt in self.layers), *(n.ms for n in self.unattributed)])

    def by_name(self) -> dict[str, LayerTime]:
        return {lt.name: lt for lt in self.layers}


@dataclass
class PairBench:
    """Original vs converted model, side by side."""

    original: ModelBench
    converted: ModelBench
    converted_layers: list[str]  # names of the original convs that were rewritten
    hardware: str | None = None
    dtype: str = "fp32"
    layer_estimates: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (standard_s, separable_s)
    ratios: list[float] = field(default_factory=list)  # original / converted time, one per paired round
    stopped: str = ""

    @property
    def theoretical_speedup(self) -> float:
        return self.original.macs / self.converted.macs if self.converted.macs else 0.0

    @property
    def measured_speedup(self) -> float:
        if self.ratios:
            return percentile(self.ratios, 50)
        return self.original.latency.median_ms / self.converted.latency.median_ms

    @property
    def speedup_ci(self) -> tuple[float, float] | None:
        return median_ci(self.ratios) if self.ratios else None

    @property
    def noisy(self) -> bool:
        if self.ratios:
            return relative_half_width(self.ratios) > NOISY_CI
        return self.original.latency.noisy or self.converted.latency.noisy

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


def bench_model_pair(path, input_shapes=None, hardware=None, dtype: str | None = None, convert_options: dict | None = None,
                     label: str | None = None, input_values: dict | None = None, **options) -> PairBench:
    """`dscost bench model.onnx --convert`: convert every eligible conv (in memory; the result is
    written to a temp folder, where dscost reads it and onnxruntime runs it) and benchmark both."""
    from dscost.readers import load
    from dscost.rewrite import BadWeight, convert_model

    label = label or str(path)
    model = load(path, input_shapes=input_shapes or None, input_values=input_values or None)
    dtype = resolve_dtype(dtype, model)[0]
    with tempfile.TemporaryDirectory(prefix="dscost-conv-") as tmp:
        proto = load_onnx(path)  # named as dscost's reader names them
        orig_path = (named(path) or _named_copy(path, tmp, proto)) if model.renamed_nodes else str(path)
        try:
            converted, report = convert_model(proto, copy=False, counted=model, **(convert_options or {}))
        except BadWeight as err:
            raise InputError(f"{path}: {err}") from None
        if not report.converted:
            raise InputError(f"{path}: no standard conv to convert (nothing to compare)")
        out = str(Path(tmp) / (Path(path).stem + "_separable.onnx"))
        _save(converted, out)
        del proto, converted
        twin = load(out, input_shapes=input_shapes or None, input_values=input_values or None)
        subjects = {"original": _Subject(label, orig_path, model), "converted": _Subject(f"{label} (converted)", out, twin)}
        res, rounds = bench_subjects(subjects, hardware=hardware, dtype=dtype, **options)
    pair = PairBench(res["original"], res["converted"], [c.name for c in report.converted], hardware.name if hardware else None, dtype,
                     ratios=rounds.ratios, stopped=rounds.stopped)  # fmt: skip
    if hardware is not None:
        from dscost import roofline as rf

        by_name = {layer.name: layer for layer in model.layers}
        for name in pair.converted_layers:
            layer = by_name.get(name)
            if layer is not None and layer.conv is not None:
                std, e_dw, e_pw = rf.separable_estimate(layer.conv, hardware, dtype)
                pair.layer_estimates[name] = (std.time_s, rf.sequential_time(e_dw, e_pw))
    return pair
