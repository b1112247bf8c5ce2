"""`dscost bench`: one layer timed (standard vs separable), a model profiled per layer,
a model against its converted twin, and the machine calibration."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dscost.timing import gmacs_per_s, summary
from dscost.report.document import Doc, Table, Text, emit
from dscost.units import dims, human, ms, pct, plural, seconds, times

if TYPE_CHECKING:
    from pathlib import Path

    from dscost.bench import LayerBench, ModelBench, PairBench
    from dscost.layers import ConvGeom


def _ci_json(ci: tuple[float, float] | None) -> list[float] | None:
    return [round(ci[0], 4), round(ci[1], 4)] if ci else None


# Under a Speedup table whose measured ratio is noisy (a note, not in the cell: the cell and its label must fit 80 columns)
NOISY = "the measured speedup is noisy: not a confident number (see the notice)"


def _ci_text(ci: tuple[float, float] | None) -> str:
    """' (95% CI 2.98-3.30x)': the distribution-free interval of the median paired ratio."""
    return f" (95% CI {ci[0]:.2f}-{ci[1]:.2f}x)" if ci else ""


_STOPPED = {"narrow": "; stopped once the 95% CI of the speedup was within 3%", "cap": "; the CI stayed wide: stopped at 3x the budget",
            "runs": "; stopped at --runs"}  # fmt: skip


def _stopped(reason: str) -> str:
    return _STOPPED.get(reason, "")


def _bench_flops(flops: bool) -> tuple[int, str, str]:
    return (2, "FLOPs", "GFLOP/s") if flops else (1, "MACs", "GMAC/s")


def _layer_title(g: ConvGeom) -> str:
    k = dims(g.kernel)
    extras = []
    if any(s != 1 for s in g.stride):
        extras.append(f"stride {dims(g.stride)}")
    if any(d != 1 for d in g.dilation):
        extras.append(f"dilation {dims(g.dilation)}")
    extras.append(f"pads {','.join(map(str, g.pads))}")
    if g.bias:
        extras.append("bias")
    return (
        f"{k} conv, {g.cin} -> {g.cout} channels, {dims((g.batch, g.cin, *g.in_spatial))} -> "
        f"{dims((g.batch, g.cout, *g.out_spatial))} ({', '.join(extras)})"
    )


def layer_bench_json(r: LayerBench) -> dict[str, Any]:
    """`dscost bench --dk ...` as JSON (a :class:`dscost.bench.LayerBench`)."""
    g = r.geom
    return {
        "variants": {
            name: {"macs": v.macs, **summary(v.timing), "gmacs_per_s": round(v.gmacs_per_s, 3)} for name, v in r.variants.items()
        },
        "theoretical_speedup": round(r.theoretical_speedup, 4),
        "measured_speedup": round(r.measured_speedup, 4),
        "measured_speedup_ci95": _ci_json(r.speedup_ci),
        "measured_speedup_p10": round(r.measured_speedup_p10, 4),
        "threads": r.threads,
        "runs": r.runs,
        "budget_s": r.budget_s,
        "stopped": r.stopped or None,
        "noisy": r.noisy,
        "notices": r.notices,
        "geometry": {
            "kernel": list(g.kernel),
            "cin": g.cin,
            "cout": g.cout,
            "input": [g.batch, g.cin, *g.in_spatial],
            "output": [g.batch, g.cout, *g.out_spatial],
            "stride": list(g.stride),
            "dilation": list(g.dilation),
            "pads": list(g.pads),
            "bias": g.bias,
        },
        "roofline": r.estimate,
        "onnxruntime": r.onnxruntime,
    }


def layer_bench_doc(r: LayerBench, flops: bool = False) -> Doc:
    k, unit, rate = _bench_flops(flops)
    doc: Doc = [
        Text(f"dscost bench: {_layer_title(r.geom)}", "title"),
        Text(
            f"onnxruntime {r.onnxruntime} CPU, {r.threads} thread{'s' if r.threads != 1 else ''}, {r.runs} timed runs per variant "
            f"in paired rounds (budget {r.budget_s:g} s, after warm-up{_stopped(r.stopped)})",
            "note",
        ),
    ]
    rows = []
    for name, v in r.variants.items():
        t = v.timing
        rows.append([name, human(k * v.macs), ms(t.median_ms), ms(t.p10_ms), ms(t.p90_ms), f"{t.spread:.0%}", f"{k * v.gmacs_per_s:.1f}"])
    doc.append(Table("Latency", ["variant", unit, "median", "p10", "p90", "spread", rate], rows, notes=["spread = (p90 - p10) / median"]))
    th, me = r.theoretical_speedup, r.measured_speedup
    srows = [
        ["theoretical (MAC ratio)", times(th)],
        ["measured (median latency ratio)", times(me) + _ci_text(r.speedup_ci)],
        ["measured, fastest runs (p10 latency ratio)", times(r.measured_speedup_p10)],
    ]
    if r.estimate:
        e = r.estimate
        srows.append([f"roofline estimate ({e['hardware']}, {e['dtype']})", times(e["estimated_speedup"])])
    doc.append(Table("Speedup of the separable layer", ["", "speedup"], srows, notes=[NOISY] if r.noisy else []))
    if th > 0 and not r.noisy:
        doc.append(Text(f"the separable layer turns {me / th:.0%} of its MAC reduction into speed on this machine", "note"))
    if r.estimate:
        e = r.estimate
        doc.append(
            Text(
                f"roofline ({e['hardware']}): standard {seconds(e['standard_s'])} ({e['standard_bound']}-bound), separable "
                f"{seconds(e['separable_s'])} (depthwise {e['depthwise_bound']}-bound, pointwise {e['pointwise_bound']}-bound)",
                "note",
            )
        )
    for n in r.notices:
        doc.append(Text(f"notice: {n}", "note"))
    return doc


def dict_rows(items: list[dict[str, Any]]) -> list[list[Any]]:
    """CSV rows (header first) from flat dicts; columns in first-seen key order."""
    header: list[str] = []
    for item in items:
        header.extend(k for k in item if k not in header)
    return [header] + [[item.get(k) for k in header] for item in items]


def layer_bench_csv(r: LayerBench) -> list[list[Any]]:
    """One row per variant: the JSON's variant fields plus the speedups."""
    data = layer_bench_json(r)
    common = {k: data[k] for k in ("theoretical_speedup", "measured_speedup", "threads", "runs", "noisy")}
    return dict_rows([{"variant": name, **v, **common} for name, v in data["variants"].items()])


def show_layer_bench(r: LayerBench, fmt: str, flops: bool = False) -> None:
    emit(fmt, doc=lambda: layer_bench_doc(r, flops), data=lambda: layer_bench_json(r), rows=lambda: layer_bench_csv(r))


def _model_rows(mb: ModelBench, k: int, show_all: bool) -> tuple[list[list[str]], int]:
    total_macs, total_ms = mb.macs, mb.kernel_ms
    rows, hidden = [], 0
    for lt in mb.layers:
        if lt.ms is None and not lt.macs and not show_all:
            hidden += 1
            continue
        rows.append(
            [
                lt.name,
                lt.type,
                human(k * lt.macs) if lt.macs else "",
                pct(lt.macs, total_macs) if lt.macs else "",
                ms(lt.ms) if lt.ms is not None else "fused",
                pct(lt.ms, total_ms) if lt.ms is not None else "",
                f"{k * lt.macs / (lt.ms * 1e6):.1f}" if lt.ms and lt.macs else "",
            ]
        )
    for n in mb.unattributed:
        rows.append([f"({n.name})", n.op, "", "", ms(n.ms), pct(n.ms, total_ms), ""])
    return rows, hidden


def model_bench_doc(mb: ModelBench, flops: bool = False, show_all: bool = False) -> Doc:
    k, unit, rate = _bench_flops(flops)
    t = mb.latency
    doc: Doc = [
        Text(f"dscost bench: {mb.path}", "title"),
        Text(
            f"onnxruntime CPU, {mb.threads} thread{'s' if mb.threads != 1 else ''}, graph optimization '{mb.optimization}'; "
            f"latency over {t.runs} runs: median {ms(t.median_ms)} (p10 {ms(t.p10_ms)}, p90 {ms(t.p90_ms)}); "
            f"{human(k * mb.macs)} {unit} -> {k * mb.macs / (t.median_ms * 1e6):.1f} {rate}"
            + (" (noisy: not a confident number)" if t.noisy else ""),
            "note",
        ),
    ]
    if mb.estimate_s is not None:
        doc.append(Text(f"roofline estimate: {seconds(mb.estimate_s)} (sum of per-layer max(compute, memory))", "note"))
    rows, hidden = _model_rows(mb, k, show_all)
    notes = [
        f"time = median per-run kernel time from onnxruntime's profiler ({ms(mb.kernel_ms)} in all); "
        f"% time is of that total; {rate} = {unit} / time"
    ]
    if hidden:
        notes.append(f"{plural(hidden, 'layer')} without a kernel of their own (BN/activations fused into the conv before them, shape-only ops) hidden; --all shows them")
    if mb.unattributed:
        notes.append("(parenthesised) rows: onnxruntime nodes that match no dscost layer (layout reorders, inserted casts)")
    doc.append(Table("Per layer: MAC share vs time share", ["layer", "type", unit, f"% {unit}", "time", "% time", rate], rows, align="ll" + "r" * 5, notes=notes))
    for n in mb.notices:
        doc.append(Text(f"notice: {n}", "note"))
    return doc


def model_bench_json(mb: ModelBench) -> dict[str, Any]:
    """`dscost bench model.onnx` as JSON (a :class:`dscost.bench.ModelBench`)."""
    total_macs, total_ms = mb.macs, mb.kernel_ms
    return {
        "model": mb.path,
        "macs": total_macs,
        "latency": summary(mb.latency),
        "gmacs_per_s": round(gmacs_per_s(total_macs, mb.latency.median_ms), 3),
        "threads": mb.threads,
        "optimization": mb.optimization,
        "kernel_ms": total_ms,
        "layers": [
            {
                "name": lt.name,
                "type": lt.type,
                "macs": lt.macs,
                "time_ms": lt.ms,
                "mac_share": lt.macs / total_macs if total_macs else 0.0,
                "time_share": (lt.ms / total_ms if total_ms else 0.0) if lt.ms is not None else None,
                "gmacs_per_s": round(gmacs_per_s(lt.macs, lt.ms), 3) if lt.ms else None,
                "onnxruntime_nodes": list(lt.nodes),
            }
            for lt in mb.layers
        ],
        "unattributed": [{"node": n.name, "op": n.op, "time_ms": n.ms} for n in mb.unattributed],
        "estimated_time_s": mb.estimate_s,
        "noisy": mb.latency.noisy,
        "notices": mb.notices,
    }


def model_bench_csv(mb: ModelBench) -> list[list[Any]]:
    d = model_bench_json(mb)
    rows: list[list[Any]] = [["name", "type", "macs", "time_ms", "mac_share", "time_share", "gmacs_per_s"]]
    for lt in d["layers"]:
        rows.append([lt["name"], lt["type"], lt["macs"], lt["time_ms"] if lt["time_ms"] is not None else "", lt["mac_share"],
                     lt["time_share"] if lt["time_share"] is not None else "", lt["gmacs_per_s"] if lt["gmacs_per_s"] is not None else ""])  # fmt: skip
    for n in d["unattributed"]:
        rows.append([n["node"], n["op"], 0, n["time_ms"], 0.0, n["time_ms"] / d["kernel_ms"] if d["kernel_ms"] else "", ""])
    return rows


def show_model_bench(mb: ModelBench, fmt: str, flops: bool = False, show_all: bool = False) -> None:
    emit(fmt, doc=lambda: model_bench_doc(mb, flops, show_all), data=lambda: model_bench_json(mb), rows=lambda: model_bench_csv(mb))


def pair_bench_doc(p: PairBench, flops: bool = False) -> Doc:
    k, unit, rate = _bench_flops(flops)
    o, c = p.original, p.converted
    doc: Doc = [
        Text(f"dscost bench --convert: {o.path}", "title"),
        Text(
            f"original vs every standard conv made depthwise-separable (converted in a temp file); onnxruntime CPU, "
            f"{o.threads} thread{'s' if o.threads != 1 else ''}, optimization '{o.optimization}', {min(o.latency.runs, c.latency.runs)} runs each in paired rounds (after warm-up{_stopped(p.stopped)})",
            "note",
        ),
    ]
    est = p.estimated_speedup
    whole = [
        ["original", human(k * o.macs), ms(o.latency.median_ms), ms(o.latency.p10_ms), ms(o.latency.p90_ms), seconds(o.estimate_s)],
        ["converted", human(k * c.macs), ms(c.latency.median_ms), ms(c.latency.p10_ms), ms(c.latency.p90_ms), seconds(c.estimate_s)],
    ]
    doc.append(Table("Whole model", ["model", unit, "median", "p10", "p90", "roofline est."], whole))
    speed = [["theoretical (MAC ratio)", times(p.theoretical_speedup)], ["measured (median latency ratio)", times(p.measured_speedup) + _ci_text(p.speedup_ci)]]
    if est is not None:
        speed.append([f"roofline estimate ({p.hardware}, {p.dtype})", times(est)])
    doc.append(Table("Speedup", ["", "speedup"], speed, notes=[NOISY] if p.noisy else []))
    rows = []
    for r in p.layer_rows():
        rows.append(
            [
                r["name"],
                human(k * r["macs"]),
                human(k * r["separable_macs"]),
                ms(r["time_ms"]),
                f"{ms(r['depthwise_time_ms'])} + {ms(r['pointwise_time_ms'])}",
                times(r["theoretical_speedup"]),
                times(r["measured_speedup"]),
                times(r["estimated_speedup"]),
            ]
        )
    doc.append(
        Table(
            "Per converted conv",
            ["layer", unit, f"sep {unit}", "time", "dw + pw time", "theoretical", "measured", "roofline"],
            rows,
            notes=["time = median kernel time from onnxruntime's profiler" + ("" if est is not None else "; roofline needs --hardware (or a saved --calibrate profile)")],
            priority=[0, 1, 2, 5, 6, 3, 4, 7],  # (on a narrow terminal the speedups before the kernel times behind them)
        )
    )
    for n in o.notices + c.notices:
        doc.append(Text(f"notice: {n}", "note"))
    return doc


def pair_bench_json(p: PairBench) -> dict[str, Any]:
    """`dscost bench model.onnx --convert` as JSON (a :class:`dscost.bench.PairBench`)."""
    est = p.estimated_speedup
    return {
        "original": model_bench_json(p.original),
        "converted": model_bench_json(p.converted),
        "theoretical_speedup": round(p.theoretical_speedup, 4),
        "measured_speedup": round(p.measured_speedup, 4),
        "measured_speedup_ci95": _ci_json(p.speedup_ci),
        "stopped": p.stopped or None,
        "estimated_speedup": round(est, 4) if est else None,
        "hardware": p.hardware,
        "dtype": p.dtype,
        "layers": p.layer_rows(),
        "notices": p.original.notices + p.converted.notices,
    }


def show_pair_bench(p: PairBench, fmt: str, flops: bool = False) -> None:
    emit(fmt, doc=lambda: pair_bench_doc(p, flops), data=lambda: pair_bench_json(p), rows=lambda: dict_rows(p.layer_rows()))


def calibration_doc(profile: dict, path: Path | str) -> Doc:
    doc: Doc = [
        Text("dscost bench --calibrate", "title"),
        Table(
            "This machine",
            ["", "value"],
            [
                ["achievable compute", f"{profile['peak_gmacs']:.1f} GMAC/s"],
                ["achievable bandwidth", f"{profile['bandwidth_gbs']:.1f} GB/s"],
                ["ridge point", f"{profile['peak_gmacs'] / profile['bandwidth_gbs']:.2f} MACs/byte"],
                ["threads", str(profile["threads"])],
                ["cpu", str(profile.get("cpu", "?"))],
            ],
            align="ll",
        ),
        Text(f"method: {profile['method']}", "note"),
        Text(f"saved to {path}; use it with --hardware local (analyze, bench)", "note"),
    ]
    if profile.get("noisy"):
        doc.append(Text("notice: the machine was noisy during calibration (p10-p90 spread above threshold); calibrate again on an idle machine", "note"))
    return doc


def show_calibration(profile: dict, path: Path | str, fmt: str) -> None:
    data = {**profile, "saved_to": str(path)}
    emit(fmt, doc=lambda: calibration_doc(profile, path), data=lambda: data, rows=lambda: [["key", "value"], *([k, v] for k, v in data.items())])

