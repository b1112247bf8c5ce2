"""Command line: thin Typer commands over readers -> cost -> report.

Every command parses its options, calls the Python API (:func:`dscost.readers.load`,
:mod:`dscost.cost`, :mod:`dscost.budget`, :mod:`dscost.bench`...) and hands the
typed result to the ``show_*`` function of its module in :mod:`dscost.report`.
Heavy modules (onnx, numpy, pydantic, yaml, rich) are imported inside the
functions that need them, so ``dscost --help`` and ``dscost compare`` start
fast (see benchmarks/startup.py).  Options used by several commands are
declared once, in :mod:`dscost.cli_options` (``*Opt``).

Exit codes: 0 success, 1 a check failed (``--strict``, ``check``), 2 usage or
input error.  ``run()`` turns :class:`dscost.errors.InputError` and usage
errors into one line ``dscost: error: <message>`` on stderr; unexpected
exceptions print one line too unless ``DSCOST_DEBUG=1``.

Adding a command: append a function decorated with ``@app.command()`` whose ``fmt``
option ``_format_opt`` makes and which ends with a ``report.<command>.show_*`` call.
Raise InputError for bad input, ``typer.Exit(1)`` for a failed check; never return an int.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from types import SimpleNamespace
from typing import Annotated, Optional

import typer

from dscost import __version__
from dscost.cli_options import (  # the options several commands share
    WidthOpt, ResolutionOpt, InputShapeOpt, DimOpt, InputValueOpt, MeasureOpt, MetaOpt, KwargsOpt, ArgOpt, FlopsOpt, DkOpt, MOpt, NOpt, StrideOpt, PaddingOpt, DilationOpt, BiasOpt, JobsOpt, TimeoutOpt, MaxMemoryOpt, DtypeOpt, HardwareOpt, PeakOpt, BandwidthOpt, OutputOpt, DepthOpt, TopOpt, ColumnsOpt, QuietOpt
)
from dscost.errors import InputError, buffered_stdout, internal_error_line, report_written, silence_stdout
from dscost.options import bench_mode_options, layer_geom, limit_option, load_options, onnx_input_shapes, repeated_gate_option, roofline_hardware, run_limits
from dscost.units import clean
from dscost.report.document import CHECK_FORMATS, FORMATS, REPORT_FORMATS, status

app = typer.Typer(
    name="dscost",
    help="What your convolutions cost: per-layer MACs and params, and the depthwise-separable what-if.",
    no_args_is_help=True,
    add_completion=True,  # Typer's --install-completion/--show-completion, on the root command only
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rendering it with Rich doubles the start-up of `dscost --help`
    context_settings={"help_option_names": ["-h", "--help"]},
)

# One enum per set of formats (the names live in dscost.report.document).
Format = Enum("Format", {f: f for f in FORMATS}, type=str)
ReportFormat = Enum("ReportFormat", {f: f for f in REPORT_FORMATS}, type=str)
CheckFormat = Enum("CheckFormat", {f: f for f in CHECK_FORMATS}, type=str)


def _format_opt(text: str):
    return typer.Option("--format", "-f", help=text, case_sensitive=False)


FormatOpt = Annotated[Format, _format_opt("Output format: table (Rich on a terminal, aligned text when piped), json, csv, markdown.")]


# --------------------------------------------------------------------------
# Root


def _version(value: bool) -> None:
    if value:
        print(f"dscost {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """What your convolutions cost: per-layer MACs and params, and the depthwise-separable what-if.

    Exit codes: 0 ok, 1 a check failed, 2 usage or input error.
    """



# --------------------------------------------------------------------------
# Commands (one thin function each; append new ones at the end)


@app.command()
def compare(
    dk: DkOpt = "3",
    m: MOpt = 32,
    n: NOpt = 64,
    df: Annotated[str, typer.Option("--df", help="Input feature map DF (112) or HxW (112x56); equals the output size with same padding and stride 1.")] = "112",
    stride: StrideOpt = "1",
    padding: PaddingOpt = "same",
    dilation: DilationOpt = "1",
    bias: BiasOpt = False,
    flops: FlopsOpt = False,
    fmt: Annotated[Format, _format_opt("Output format: table (aligned text, on a terminal too), json, csv, markdown.")] = Format.table,
) -> None:
    """One standard conv against its depthwise-separable replacements (MobileNet notation)."""
    from dscost import cost
    from dscost.report.compare import show_comparison

    geom = layer_geom(dk, m, n, df, stride, padding, dilation, bias)
    show_comparison(cost.compare(geom), fmt.value, flops=flops, padding=padding.strip().lower())


@app.command()
def analyze(
    files: Annotated[list[str], typer.Argument(help="Layer specs (.yaml/.yml), ONNX graphs (.onnx), TFLite models (.tflite), torch.export programs (.pt2), TorchScript (.pt/.pth/.torchscript), Hugging Face configs (config.json, built on the meta device), or PyTorch modules: package.module:factory or path/file.py:factory; quoted globs are expanded.", show_default=False)],
    width_multiplier: WidthOpt = None,
    resolution: ResolutionOpt = None,
    input_shape: InputShapeOpt = None,
    dim: DimOpt = None,
    input_value: InputValueOpt = None,
    measure_sizes: MeasureOpt = False,
    meta: MetaOpt = False,
    kwargs: KwargsOpt = None,
    arg: ArgOpt = None,
    flops: FlopsOpt = False,
    show_all: Annotated[bool, typer.Option("--all", help="Also list zero-cost shape-only layers in tables.")] = False,
    quiet: QuietOpt = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when some ops could not be counted.")] = False,
    dtype: DtypeOpt = None,
    hardware: HardwareOpt = None,
    peak_gmacs: PeakOpt = None,
    bandwidth_gbs: BandwidthOpt = None,
    depth: DepthOpt = None,
    top: TopOpt = None,
    columns: ColumnsOpt = None,
    jobs: JobsOpt = 1,
    output: OutputOpt = None,
    fmt: Annotated[ReportFormat, _format_opt("table, json, csv, markdown, or html (a self-contained page with charts; with -o FILE).")] = ReportFormat.table,
) -> None:
    """Per-layer MACs and params of a model, with the separable what-if for every standard conv.

    Roofline: --dtype adds bytes moved and arithmetic intensity per layer; --hardware (or
    --peak-gmacs/--bandwidth-gbs) adds the estimated time and whether a layer is compute- or memory-bound.
    Several models: one document each in input order (JSON Lines with --format json, one CSV with a model column)."""
    from dscost import batch, cost
    from dscost.memory import model_memory
    from dscost.readers import load
    from dscost.report.analyze import View, show_analysis

    targets = batch.expand(files, output)
    options = load_options(width_multiplier, resolution, input_shape, kwargs, arg, dim, input_value, measure_sizes, meta)
    roofline_asked = any(v is not None for v in (dtype, hardware, peak_gmacs, bandwidth_gbs))
    hw, dt = roofline_hardware(hardware, peak_gmacs, bandwidth_gbs, dtype)  # validates the options first
    asked_roofline = SimpleNamespace(hardware=hw) if roofline_asked else None  # what --columns may name
    view = View.from_options(show_all, depth, top, columns, asked_roofline)  # --columns checked against the columns there are
    # (a glob is several models, however many it matches: JSON Lines and CSV's model column stay, for scripts)
    if len(targets) > 1 or targets != files and fmt.value in ("json", "csv"):
        if fmt.value == "html":
            raise InputError("--format html writes one model's page; give one model (or run analyze once per model)")
        asked = (hardware, peak_gmacs, bandwidth_gbs, dtype) if roofline_asked else None
        jobs_ = [(t, batch.with_progress(options, not quiet, batch.check_jobs(jobs)), asked, fmt.value, flops, view) for t in targets]
        results = list(zip(targets, batch.run_ordered(batch.analyze_job, jobs_, batch.check_jobs(jobs), targets)))
        batch.show_many(((t, r[0]) for t, r in results), fmt.value, output)
        bad = [(t, r[1], r[2]) for t, r in results if r[1]]
        if strict and bad:
            print(f"dscost: --strict: {sum(n for _, n, _ in bad)} node(s) in {len(bad)} model(s) could not be counted ({', '.join(sorted({o for _, _, ops in bad for o in ops}))})", file=sys.stderr)
            raise typer.Exit(1)
        return
    model = load(targets[0], progress=not quiet, **options)
    result = cost.analyze(model)
    roof = None
    if roofline_asked or fmt.value in ("json", "html"):  # JSON always carries bytes/intensity (fp32 by default)
        from dscost import roofline as _roofline

        roof = _roofline.model_roofline(model, dt, hw)
    show_analysis(result, fmt.value, flops, roofline=roof, memory=model_memory(model, dt, result.totals.params), view=view, output=output)
    if strict and model.uncounted:
        ops = sorted({u.op for u in model.uncounted})
        print(f"dscost: --strict: {len(model.uncounted)} node(s) could not be counted ({', '.join(ops)})", file=sys.stderr)
        raise typer.Exit(1)


class SchemaKind(str, Enum):
    spec = "spec"
    budget = "budget"


@app.command()
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="spec (layer spec YAML) or budget (budget file for `dscost check`).")] = SchemaKind.spec,
    fmt: Annotated[Format, _format_opt("json (default) or a table of fields.")] = Format.json,
) -> None:
    """Print the JSON Schema of layer spec or budget files (for editors and validation)."""
    from dscost.report.schema import show_schema

    if kind.value == "budget":
        from dscost.budget_schema import budget_json_schema as schema_of
    else:
        from dscost.spec import spec_json_schema as schema_of
    show_schema(schema_of(), fmt.value)


# --------------------------------------------------------------------------
# Budget gates: check and diff (see dscost/gate.py, dscost/budget.py, dscost/diff.py)


@app.command()
def check(
    models: Annotated[Optional[list[str]], typer.Argument(help="Models (.yaml/.onnx/.tflite, a Hugging Face config.json, or PyTorch package.module:factory) to check against the --max-* limits, or against --budget's entries for them; quoted globs are expanded.", show_default=False)] = None,
    budget: Annotated[Optional[str], typer.Option("--budget", "-b", help="Budget file (YAML): models/globs and their limits, or limits alone for the models given; `dscost schema budget` for its schema.", show_default=False)] = None,
    max_macs: Annotated[Optional[str], typer.Option("--max-macs", help="Total MACs (FLOPs with --flops): 600M, 4.5G, 1e9.", show_default=False)] = None,
    max_params: Annotated[Optional[str], typer.Option("--max-params", help="Learnable params: 4.5M.", show_default=False)] = None,
    max_weight_bytes: Annotated[Optional[str], typer.Option("--max-weight-bytes", help="Learnable params x bytes of --dtype (default: as the model stores them): 17MB, 16MiB.", show_default=False)] = None,
    max_peak_activation_bytes: Annotated[Optional[str], typer.Option("--max-peak-activation-bytes", help="Peak live activation memory at --dtype (sequential run): 8MB, 6MiB.", show_default=False)] = None,
    dtype: Annotated[Optional[str], typer.Option("--dtype", help="Element dtype for the byte limits: fp32 (4 B), fp16/bf16 (2 B), int8 (1 B); default: each model's own types (weights each at its own, int4 at half a byte; fp32 if none).", show_default=False)] = None,
    max_layer_macs: Annotated[Optional[str], typer.Option("--max-layer-macs", help="MACs (FLOPs) of any single layer.", show_default=False)] = None,
    max_standard_conv_share: Annotated[Optional[str], typer.Option("--max-standard-conv-share", help="Share of MACs in standard convs: 0.05 or 5%.", show_default=False)] = None,
    max_remaining_savings: Annotated[Optional[str], typer.Option("--max-remaining-savings", help="Fail if making the remaining standard convs separable would save more than this share of MACs.", show_default=False)] = None,
    flops: Annotated[bool, typer.Option("--flops", help="MAC limits count FLOPs = 2 x MACs.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Also fail (exit 1) when some ops could not be counted (the counts are then lower bounds).")] = False,
    width_multiplier: WidthOpt = None,
    resolution: ResolutionOpt = None,
    input_shape: InputShapeOpt = None,
    dim: DimOpt = None,
    input_value: InputValueOpt = None,
    measure_sizes: MeasureOpt = False,
    meta: MetaOpt = False,
    kwargs: KwargsOpt = None,
    arg: ArgOpt = None,
    jobs: JobsOpt = 1,
    quiet: QuietOpt = False,
    output: OutputOpt = None,
    fmt: Annotated[CheckFormat, _format_opt("table, json, csv (one row per model and limit), markdown, html (with -o), junit (XML test report) or github (::error annotations + $GITHUB_STEP_SUMMARY).")] = CheckFormat.table,
) -> None:
    """Fail (exit 1) when a model exceeds its MACs/params/size budget; exit 2 on bad input."""
    from dscost import batch, gate
    from dscost import budget as _budget
    from dscost.dtypes import check_dtype
    from dscost.report.check import show_check

    texts = dict(max_macs=max_macs, max_params=max_params, max_weight_bytes=max_weight_bytes, max_peak_activation_bytes=max_peak_activation_bytes,
                 max_layer_macs=max_layer_macs, max_standard_conv_share=max_standard_conv_share, max_remaining_savings=max_remaining_savings)  # fmt: skip
    limits = gate.Limits(dtype=check_dtype(dtype) if dtype is not None else None, **{k: limit_option(f"--{k.replace('_', '-')}", v, gate.parser(k)) for k, v in texts.items()})
    options = load_options(width_multiplier, resolution, input_shape, kwargs, arg, dim, input_value, measure_sizes, meta)
    unit_warnings = gate.unit_warnings(texts, lambda key: "--" + key.replace("_", "-"))  # shown for exceeded limits only
    batch.note_inputs([*(models or []), *([budget] if budget is not None else [])], output)
    if budget is not None:
        if limits.any() or options or dtype is not None:  # (a --dtype here would be read by no entry: each has its dtype:)
            raise InputError(f"--budget: give either a budget file or --max-* limits, not both (put per-model options{', dtype: too,' if dtype is not None else ''} in the budget file)")
        result = _budget.check_budget(budget, flops=flops or None, jobs=batch.check_jobs(jobs), models=models or None, progress=not quiet)
    else:
        if not models:
            raise InputError("check: give models with --max-* limits, or --budget FILE")
        if not limits.any():
            raise InputError("check: no limit given; use --max-macs, --max-params, --max-weight-bytes, --max-peak-activation-bytes, --max-layer-macs, --max-standard-conv-share, --max-remaining-savings or --budget")
        result = _budget.check_models(models, limits, flops=flops, options=options, jobs=batch.check_jobs(jobs), progress=not quiet)
    result.strict = strict
    exceeded = {r.key for m in result.models for r in m.failures}
    for line in [w for key, w in unit_warnings.items() if key in exceeded] + result.warnings:
        print(f"dscost: warning: {clean(line)}", file=sys.stderr)
    show_check(result, fmt.value, output=output)
    if not result.passed:
        raise typer.Exit(1)


@app.command()
def diff(
    base: Annotated[str, typer.Argument(help="Base model (.yaml/.onnx/.tflite, a Hugging Face config.json or PyTorch package.module:factory), e.g. the baseline stored in the repo.", show_default=False)],
    new: Annotated[str, typer.Argument(help="New model (same kinds).", show_default=False)],
    fail_on_increase: Annotated[Optional[str], typer.Option("--fail-on-increase", help="Exit 1 when MACs or params grow by more than this: 5% (relative) or 10M (absolute).", show_default=False)] = None,
    flops: FlopsOpt = False,
    show_all: Annotated[bool, typer.Option("--all", help="Also list unchanged and zero-cost shape-only layers in tables.")] = False,
    input_shape: InputShapeOpt = None,
    dim: DimOpt = None,
    input_value: InputValueOpt = None,
    measure_sizes: MeasureOpt = False,
    meta: MetaOpt = False,
    kwargs: KwargsOpt = None,
    arg: ArgOpt = None,
    quiet: QuietOpt = False,
    output: OutputOpt = None,
    fmt: Annotated[ReportFormat, _format_opt("table, json, csv (one row per layer), markdown (a table to paste into a pull-request comment) or html (with -o).")] = ReportFormat.table,
) -> None:
    """Per-layer and total MACs/params deltas between two models; --fail-on-increase makes it a regression gate."""
    from dscost import batch, cost, gate
    from dscost import diff as _diff
    from dscost.readers import load, options_for
    from dscost.report.diff import diff_gate_text, show_diff

    threshold = limit_option("--fail-on-increase", fail_on_increase, gate.parse_threshold)
    batch.note_inputs([base, new], output)
    options = load_options(input_shape=input_shape, kwargs=kwargs, arg=arg, dim=dim, input_value=input_value, measure_sizes=measure_sizes, meta=meta)
    analyses = [cost.analyze(load(path, progress=not quiet, **options_for(path, options))) for path in (base, new)]
    result = _diff.diff(*analyses)
    gate_result = _diff.increase_gate(result, fail_on_increase.strip(), threshold, flops) if threshold is not None else None
    show_diff(result, fmt.value, flops=flops, show_all=show_all, gate=gate_result, output=output)
    if gate_result is not None and not gate_result["passed"]:
        print(f"dscost: {diff_gate_text(gate_result)}", file=sys.stderr)
        raise typer.Exit(1)


@app.command()
def export(
    spec: Annotated[str, typer.Argument(help="Layer spec (.yaml/.yml) to write as ONNX.", show_default=False)],
    output: Annotated[str, typer.Option("--output", "-o", help="ONNX file to write.", show_default=False)],
    width_multiplier: WidthOpt = None,
    resolution: ResolutionOpt = None,
    external_data: Annotated[bool, typer.Option("--external-data", help="Put the weights in <output>.data beside the model.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Write a layer spec as an ONNX graph with zero weights (for Netron, runtimes, `analyze`)."""
    from dscost import cost
    from dscost.export import check_output, export_model
    from dscost.readers import kind_of, load
    from dscost.report.export import show_export
    from dscost.units import plural

    if kind_of(spec).name != "spec":
        raise InputError(f"{spec}: export reads a YAML layer spec (.yaml/.yml)")
    check_output(output, force, external_data)
    model = load(spec, **load_options(width_multiplier, resolution))
    info: dict = {}
    path = export_model(model, output, external_data=external_data, info=info)
    show_export(cost.analyze(model), path, info, fmt.value)
    status(f"wrote {path} ({plural(len(model.layers), 'layer')}, zero weights{', external data in ' + path.name + '.data' if external_data else ''})")


# --------------------------------------------------------------------------
# bench and convert: measured latency, ONNX rewrites, roofline
# (see dscost/bench.py, dscost/convert.py, dscost/roofline.py, dscost/runtime.py)


@app.command()
def bench(
    ctx: typer.Context,
    model: Annotated[Optional[str], typer.Argument(help="ONNX graph (.onnx), layer spec (.yaml), PyTorch target (pkg.mod:factory, file.py:factory) or .pt2/TorchScript file to run; omit to time one layer given by --dk/--m/--n/--df.", show_default=False)] = None,
    dk: DkOpt = "3",
    m: MOpt = 32,
    n: NOpt = 64,
    df: Annotated[str, typer.Option("--df", help="Input feature map DF (112) or HxW (112x56).")] = "112",
    stride: StrideOpt = "1",
    padding: PaddingOpt = "same",
    dilation: DilationOpt = "1",
    bias: BiasOpt = False,
    threads: Annotated[int, typer.Option("--threads", "-t", help="onnxruntime intra-op threads (1 gives the most repeatable numbers).")] = 1,
    budget: Annotated[float, typer.Option("--budget", help="Seconds of paired timed rounds (after warm-up): fewer once the speedup's 95% CI is within 3%, up to 3x more while it is not.")] = 2.0,
    runs: Annotated[int, typer.Option("--runs", help="At most this many timed runs per variant.")] = 1000,
    timeout: TimeoutOpt = 300.0,
    max_memory: MaxMemoryOpt = "4GiB",
    convert: Annotated[bool, typer.Option("--convert", help="Model: also convert every standard conv to dw+pw and compare both, whole model and per layer.")] = False,
    only: Annotated[Optional[list[str]], typer.Option("--only", help="With --convert: convert only this conv node (repeatable).", show_default=False)] = None,
    skip: Annotated[Optional[list[str]], typer.Option("--skip", help="With --convert: leave this conv node as it is (repeatable).", show_default=False)] = None,
    calibrate: Annotated[bool, typer.Option("--calibrate", help="Measure this machine's GMAC/s and GB/s and save them for --hardware local.")] = False,
    optimization: Annotated[str, typer.Option("--optimization", help="onnxruntime graph optimization: none, basic, extended, all.")] = "all",
    input_shape: InputShapeOpt = None,
    dim: DimOpt = None,
    input_value: InputValueOpt = None,
    kwargs: KwargsOpt = None,
    arg: ArgOpt = None,
    dtype: DtypeOpt = None,
    hardware: HardwareOpt = None,
    peak_gmacs: PeakOpt = None,
    bandwidth_gbs: BandwidthOpt = None,
    flops: FlopsOpt = False,
    show_all: Annotated[bool, typer.Option("--all", help="Model: also list layers without a kernel of their own.")] = False,
    quiet: QuietOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """FLOPs are not latency: time a layer or a model with onnxruntime next to its MACs (and the roofline estimate)."""
    from dscost import bench as _bench
    from dscost.report import bench as show
    from dscost.runtime import check_threads

    check_threads(threads)
    _bench.check_budget(budget, runs)
    bench_mode_options(ctx.get_parameter_source, model, calibrate)
    limits = run_limits(timeout, max_memory)
    hw, dt = roofline_hardware(hardware, peak_gmacs, bandwidth_gbs, dtype, auto_local=not calibrate)
    if calibrate:
        if model is not None or convert:
            raise InputError("--calibrate measures the machine; give no model and no --convert")
        from dscost import roofline

        from dscost.calibrate import calibrate as _calibrate

        profile = _calibrate(threads=threads, budget_s=budget, max_runs=runs, timeout_s=limits["timeout_s"], progress=not quiet)
        path = roofline.save_profile(profile)
        show.show_calibration(profile, path, fmt.value)
        return
    if model is None:
        if convert or only or skip:
            raise InputError("--convert/--only/--skip need a model file")
        geom = layer_geom(dk, m, n, df, stride, padding, dilation, bias)
        result = _bench.bench_layer(geom, threads=threads, budget_s=budget, max_runs=runs, hardware=hw, dtype=dt or "fp32", progress=not quiet, optimization=optimization, **limits)
        show.show_layer_bench(result, fmt.value, flops=flops)
        return
    from dscost.readers import kind_of, reader_options

    is_onnx = kind_of(model).name == "onnx"
    shapes = onnx_input_shapes(model, input_shape, dim) if is_onnx else None
    values = load_options(input_value=input_value).get("input_values")
    if values:
        reader_options(model, {"input_values": values})  # --input-value on a layer spec: the usual wrong-kind error
    options = dict(threads=threads, budget_s=budget, max_runs=runs, input_shapes=shapes, input_values=values if is_onnx else None, optimization=optimization,
                   hardware=hw, dtype=dt, progress=not quiet, **limits)  # fmt: skip
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dscost-bench-") as tmp:
        path, label = _bench.model_file(model, tmp, load_options(input_shape=input_shape, kwargs=kwargs, arg=arg, dim=dim, input_value=input_value), progress=not quiet)
        if convert:
            pair = _bench.bench_model_pair(path, convert_options={"only": only, "skip": skip}, label=label, **options)
            show.show_pair_bench(pair, fmt.value, flops=flops)
        else:
            if only or skip:
                raise InputError("--only/--skip apply with --convert")
            result = _bench.bench_model(path, label=label, **options)
            show.show_model_bench(result, fmt.value, flops=flops, show_all=show_all)


@app.command()
def convert(
    model: Annotated[str, typer.Argument(help="ONNX graph (.onnx) to rewrite.", show_default=False)],
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="File to write (default: <model>_separable.onnx, or _standard.onnx with --reverse).", show_default=False)] = None,
    reverse: Annotated[bool, typer.Option("--reverse", help="Merge every depthwise + pointwise block into one standard conv instead.")] = False,
    min_kernel: Annotated[int, typer.Option("--min-kernel", help="Convert only convs whose largest kernel side is at least this.")] = 2,
    only: Annotated[Optional[list[str]], typer.Option("--only", help="Convert only this node (repeatable; a dw or pw node name with --reverse).", show_default=False)] = None,
    skip: Annotated[Optional[list[str]], typer.Option("--skip", help="Leave this node as it is (repeatable).", show_default=False)] = None,
    init: Annotated[str, typer.Option("--init", help="New weights: svd (closest separable conv, rank-1 SVD per input channel) or random (He-normal).")] = "svd",
    seed: Annotated[int, typer.Option("--seed", help="Seed for --init random.")] = 0,
    verify: Annotated[bool, typer.Option("--verify/--no-verify", help="Run both models once in onnxruntime and compare output shapes.")] = True,
    timeout: TimeoutOpt = 300.0,
    max_memory: MaxMemoryOpt = "4GiB",
    input_shape: InputShapeOpt = None,
    dim: DimOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output file (even the input).")] = False,
    fmt: Annotated[Format, _format_opt("table, json, csv (one row per converted layer) or markdown.")] = Format.table,
) -> None:
    """Rewrite an ONNX model: standard convs -> depthwise + pointwise (or back with --reverse). The new weights need fine-tuning."""
    from dscost.convert import convert_file
    from dscost.readers import kind_of
    from dscost.report.convert import show_conversion
    from dscost.units import plural

    kind = kind_of(model).name
    if kind != "onnx":
        torch_how = f"export the module with torch.onnx.export first, or time it converted with `dscost bench {model} --convert`"
        how = {"spec": "export a layer spec first with `dscost export`", "tflite": "convert the TFLite file to ONNX first (tf2onnx --tflite)",
               "hf": "export the model, with its weights, to ONNX first (optimum-cli export onnx)"}.get(kind, torch_how)  # fmt: skip
        raise InputError(f"{model}: convert rewrites ONNX graphs (.onnx); {how}")
    if output is not None and os.path.splitext(output)[1].lower() != ".onnx":
        raise InputError(f"--output {output}: expected a .onnx file name")
    shapes = onnx_input_shapes(model, input_shape, dim)
    rep = convert_file(
        model, output, force=force, reverse=reverse, min_kernel=min_kernel, only=only, skip=skip,
        init=init.strip().lower(), seed=seed, verify=verify, input_shapes=shapes, **run_limits(timeout, max_memory),
    )  # fmt: skip
    show_conversion(rep, fmt.value)
    what = f"{plural(len(rep.converted), 'block')} merged" if reverse else f"{plural(len(rep.converted), 'conv')} converted"
    tail = "; the new weights need fine-tuning before use" if rep.converted else ""
    status(f"wrote {rep.output} ({what}{tail})")
    if rep.exact is False:
        print("dscost: the converted model's MACs/params differ from the what-if prediction (see 'What-if check')", file=sys.stderr)
        raise typer.Exit(1)


# --------------------------------------------------------------------------
# Entry point


def _click_command(argv: list[str]):
    """The click command for ``argv``.  Typer builds the parameters of every
    subcommand up front (~3 ms each, most of `dscost compare`'s own start-up);
    when argv names a subcommand, build a group holding only that one (and not
    the root's completion options).  Help, --version, completion (its script
    runs a bare `dscost`) and unknown commands get the full group."""
    if argv and not argv[0].startswith("-"):
        wanted = [c for c in app.registered_commands if (c.name or typer.main.get_command_name(c.callback.__name__)) == argv[0]]
        if wanted:
            import copy

            sub = copy.copy(app)
            sub.registered_commands = wanted
            sub._add_completion = False
            return typer.main.get_command(sub)
    return typer.main.get_command(app)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code (no sys.exit; used by main() and tests)."""
    # Click's exception classes, found through public typer names (typer >= 0.20
    # vendors click as typer._click; older typer re-exports click's classes).
    mro = typer.BadParameter.__mro__
    UsageError = next(c for c in mro if c.__name__ == "UsageError")
    ClickException = next(c for c in mro if c.__name__ == "ClickException")
    if argv is None:
        argv = sys.argv[1:]
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        print("dscost: error: standard output is closed; nothing to write the result to", file=sys.stderr)
        return 2
    buffered_stdout()
    for stream in (sys.stdout, sys.stderr):  # a character the stream cannot encode becomes "?", never a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    import gc

    gc_was_on = gc.isenabled()
    gc.disable()  # a short run's data has no reference cycles; the collector walking a big model's heap costs ~20%
    try:
        repeated_gate_option(argv)
        rv = _click_command(argv).main(args=argv, prog_name="dscost", standalone_mode=False)
    except UsageError as e:
        if type(e).__name__ == "NoArgsIsHelpError":  # bare `dscost`: help was printed
            msg = e.format_message()
            if msg.strip():
                print(msg)
            return 2
        print(f"dscost: error: {clean(e.format_message())}", file=sys.stderr)
        return 2
    except InputError as e:
        print(f"dscost: error: {clean(str(e))}", file=sys.stderr)
        return 2
    except ClickException as e:
        print(f"dscost: error: {clean(e.format_message())}", file=sys.stderr)
        return e.exit_code
    except typer.Abort:
        print("dscost: aborted", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader of our stdout went away (`dscost ... | head`): stop quietly
        silence_stdout()
        return 1
    except OSError as e:
        if e.filename is not None or os.environ.get("DSCOST_DEBUG") == "1":
            raise
        silence_stdout()  # a full disk or a broken stream: say so once, on stderr
        print(f"dscost: error: cannot write the output to stdout: {e.strerror or e}", file=sys.stderr)
        return 2
    except Exception as e:
        if os.environ.get("DSCOST_DEBUG") == "1":
            raise
        print(f"dscost: {internal_error_line(e)}", file=sys.stderr)
        return 2
    finally:
        if gc_was_on:
            gc.enable()
    return rv if isinstance(rv, int) else 0


def main() -> None:
    code = run()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()  # here, not at exit: a full disk must not pass as success
            report_written()
    except BrokenPipeError:  # (a report written whole at the end, a single model's table: still being written)
        silence_stdout()
        code = code or 1
    except OSError as e:
        silence_stdout()
        print(f"dscost: error: cannot write the output to stdout: {e.strerror or e}", file=sys.stderr)
        code = 2
    sys.exit(code)

