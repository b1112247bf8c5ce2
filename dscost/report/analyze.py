"""`dscost analyze`: per-layer table, totals, Table-2 shares, what-ifs, uncounted ops;
with a roofline (``--dtype``/``--hardware``) extra per-layer columns and an estimate table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dscost.dtypes import DTYPE_BYTES
from dscost.layers import SHAPE, Cost, Layer
from dscost.report.counts import PARAMS_CONVENTION, convention, convention_json, cost_json, macs_params_json, scale, unit
from dscost.report.document import Doc, Table, Text, emit
from dscost.units import dims, factor, human, nbytes, pct, plural, seconds, times

if TYPE_CHECKING:
    from dscost.cost import Analysis
    from dscost.roofline import Hardware, LayerRoofline, ModelRoofline

_ZERO = Cost()
CSV_FIELDS = ["name", "type", "op", "kernel", "input_shape", "output_shape", "macs", "params", "weights", "biases", "norm_params", "buffers", "other_ops", "separable_macs", "separable_params"]


def _kernel(layer: Layer) -> str:
    g = layer.conv
    k = layer.kernel or (g.kernel if g else None)
    if not k:
        return ""
    s = dims(k)
    if g is not None and any(x != 1 for x in g.stride):
        s += f" s{g.stride[0] if len(set(g.stride)) == 1 else dims(g.stride)}"
    return s


# --------------------------------------------------------------------------
# Roofline columns (composed into the Layers table when a roofline is given)


def _roofline_columns(roof: ModelRoofline, flops: bool) -> tuple[list[str], dict[str, list[str]]]:
    k = scale(flops)
    heads = ["bytes", f"{unit(flops)}/B"]
    if roof.hardware is not None:
        heads += ["est. time", "bound", "sep est.", "est. saving"]
    cells: dict[str, list[str]] = {}
    for r in roof.layers:
        c = [nbytes(r.bytes) if r.bytes else "", f"{k * r.intensity:.1f}" if r.macs else ""]
        if roof.hardware is not None:
            c += [seconds(r.estimate.time_s) if r.bytes or r.macs else "", r.estimate.bound if r.bytes or r.macs else ""]
            sep = roof.separable_s.get(r.name)
            c += [seconds(sep), times(r.estimate.time_s / sep)] if sep else ["", ""]
        cells[r.name] = c
    return heads, cells


def _roofline_table(a: Analysis, roof: ModelRoofline) -> Table:
    hw = roof.hardware
    bound = {"compute": 0.0, "memory": 0.0}
    for r in roof.layers:
        bound[r.estimate.bound] += r.estimate.time_s
    total = roof.time_s or 0.0
    rows = [
        ["hardware", f"{hw.name}: {hw.description}"],
        ["peak / bandwidth", f"{hw.peak(roof.dtype):.4g} GMAC/s ({roof.dtype}), {hw.bandwidth_gbs:.4g} GB/s; ridge {hw.ridge(roof.dtype):.1f} MACs/byte"],
        ["estimated time", f"{seconds(total)} (compute-bound layers {pct(bound['compute'], total)}, memory-bound {pct(bound['memory'], total)})"],
        ["bytes moved", f"{nbytes(roof.bytes)} at {roof.dtype}"],
    ]
    if roof.separable_s and roof.all_separable_time_s:
        rows.append([
            f"what-if: {plural(len(roof.separable_s), 'standard conv')} made separable",
            f"{seconds(roof.all_separable_time_s)} estimated ({times(total / roof.all_separable_time_s)} faster; "
            f"{times(a.totals.macs / a.all_separable.macs)} fewer MACs)",
        ])
    rows.append(["source", hw.source])
    notes = [f"note: {n}" for n in roof.notes] + ["estimate = sum over layers of max(MACs / peak, bytes / bandwidth) (roofline model, Williams et al. 2009)"]
    return Table("Roofline estimate", ["item", "value"], rows, align="ll", notes=notes)


# --------------------------------------------------------------------------
# Table and Markdown


def analysis_doc(a: Analysis, flops: bool = False, show_all: bool = False, roofline: ModelRoofline | None = None) -> Doc:
    m = a.model
    k = scale(flops)
    u = unit(flops)
    t = a.totals
    doc: Doc = [Text(f"{m.name}  ({m.source})", "title"), Text(convention(flops), "note")]
    doc.append(Text(PARAMS_CONVENTION, "note"))
    for note in m.notes:
        doc.append(Text(f"note: {note}", "note"))

    heads, cells = _roofline_columns(roofline, flops) if roofline is not None else ([], {})
    rows = []
    hidden = 0
    for layer in a.layers:
        if layer.type == SHAPE and not show_all and layer.cost == _ZERO:
            hidden += 1
            continue
        c = layer.cost
        w = a.what_if.get(layer.name)
        sep = [human(k * w.separable_macs), human(w.separable_params), f"{c.macs / w.separable_macs:.2f}x"] if w else ["", "", ""]
        rows.append(
            [
                layer.name,
                layer.type,
                _kernel(layer),
                f"{dims(layer.input_shape)} -> {dims(layer.output_shape)}",
                human(k * c.macs),
                human(c.params),
                pct(c.macs, t.macs) if c.macs else "",
                human(c.other_ops) if c.other_ops else "",
                *sep,
                *cells.get(layer.name, [""] * len(heads)),
            ]
        )
    notes = [f"{hidden} shape-only layers (reshape, flatten, ...) hidden; --all shows them"] if hidden else []
    notes.append("other ops: bias additions, BN, activation, pooling and add arithmetic (not in MACs)")
    notes.append(f"sep {u} / sep params: the layer as depthwise Dk x Dk + pointwise 1x1 (standard convs with kernel > 1x1)")
    if roofline is not None:
        notes.append(
            f"bytes = (input + weights/BN + output elements) x {DTYPE_BYTES.get(roofline.dtype, '?')} B ({roofline.dtype}); "
            f"{u}/B = arithmetic intensity"
        )
    doc.append(
        Table(
            "Layers",
            ["layer", "type", "kernel", "input -> output", u, "params", f"% {u}", "other ops", f"sep {u}", "sep params", "saving", *heads],
            rows,
            align="llll" + "r" * (7 + len(heads)),
            notes=notes,
        )
    )

    doc.append(
        Table(
            "Totals",
            ["", "count", "exact"],
            [
                [u, human(k * t.macs), f"{k * t.macs:,}"],
                ["other ops", human(t.other_ops), f"{t.other_ops:,}"],
                ["weights", human(t.weights), f"{t.weights:,}"],
                ["biases", human(t.biases), f"{t.biases:,}"],
                ["norm params", human(t.norm_params), f"{t.norm_params:,}"],
                ["learnable params", human(t.params), f"{t.params:,}"],
                ["buffers", human(t.buffers), f"{t.buffers:,}"],
            ],
        )
    )

    from dscost.cost import CATEGORIES

    share_rows = []
    for cat in [*CATEGORIES.values(), "other"]:
        c = a.shares.get(cat)
        if c is None:
            continue
        share_rows.append([cat, human(k * c.macs), pct(c.macs, t.macs), human(c.params), pct(c.params, t.params), human(c.weights), pct(c.weights, t.weights)])
    doc.append(
        Table(
            "Shares by layer kind (MobileNet Table 2)",
            ["kind", u, f"% {u}", "params", "% params", "weights", "% weights"],
            share_rows,
            notes=["% weights counts conv/FC weights only (no biases, no BN), as MobileNet's Table 2 does; % params counts all learnable params"],
        )
    )

    ws = [
        ["current", human(k * t.macs), "1.00x", human(t.params), "1.00x"],
        [
            f"{plural(len(a.what_if), 'standard conv')} > 1x1 made separable",
            human(k * a.all_separable.macs),
            factor(a.all_separable.macs, t.macs),
            human(a.all_separable.params),
            factor(a.all_separable.params, t.params),
        ],
        [
            f"{plural(len(a.blocks), 'dw+pw block')} made one standard conv{'' if len(a.blocks) == 1 else ' each'}",
            human(k * a.all_standard.macs),
            factor(a.all_standard.macs, t.macs),
            human(a.all_standard.params),
            factor(a.all_standard.params, t.params),
        ],
    ]
    doc.append(Table("What if (whole model)", ["variant", u, f"{u} vs current", "params", "params vs current"], ws))

    if m.uncounted:
        groups: dict[str, list[str]] = {}
        reasons: dict[str, str] = {}
        params: dict[str, int] = {}
        for x in m.uncounted:
            groups.setdefault(x.op, []).append(x.name)
            reasons.setdefault(x.op, x.reason)
            params[x.op] = params.get(x.op, 0) + x.params
        urows = []
        for op, names in groups.items():
            shown = ", ".join(names[:5]) + (f", ... (+{len(names) - 5})" if len(names) > 5 else "")
            urows.append([op, str(len(names)), shown, human(params[op]) if params[op] else "", reasons[op]])
        held = sum(params.values())
        doc.append(
            Table(
                f"Uncounted ops ({plural(len(m.uncounted), 'node')}; their MACs are NOT in the totals above)",
                ["op", "count", "nodes", "params", "reason"],
                urows,
                align="lrlrl",
                notes=[f"params: learned tensors these nodes consume ({held:,}), counted in the totals as weights"] if held else [],
            )
        )
    if roofline is not None and roofline.hardware is not None:
        doc.append(_roofline_table(a, roofline))
    return doc


# --------------------------------------------------------------------------
# JSON


def _share_json(c: Cost, totals: Cost, flops: bool) -> dict[str, Any]:
    """A layer kind's share: macs, params, plus weights and the weights'
    percentage of all weights (MobileNet Table 2 counts weights only)."""
    return {**macs_params_json(c, flops), "weights": c.weights, "weights_pct": 100 * c.weights / totals.weights if totals.weights else None}


def hardware_json(hw: Hardware | None) -> dict | None:
    from dataclasses import asdict

    return None if hw is None else asdict(hw)


def _layer_roofline_json(r: LayerRoofline, separable_s: float | None = None) -> dict:
    """Keys added per layer with a roofline (bytes exact, intensity rounded)."""
    d = {"bytes": r.bytes, "intensity_macs_per_byte": round(r.intensity, 4)}
    if r.estimate is not None:
        d["estimated_time_s"] = r.estimate.time_s
        d["bound"] = r.estimate.bound
    if separable_s is not None:
        d["estimated_separable_time_s"] = separable_s
    return d


def analysis_json(a: Analysis, flops: bool = False, roofline: ModelRoofline | None = None, lazy: bool = False) -> dict[str, Any]:
    """Stable keys, exact integers.  With a roofline: per-layer ``bytes``, ``intensity_macs_per_byte``
    (with hardware ``estimated_time_s``, ``bound``) and a top-level ``roofline`` object.  ``lazy``:
    ``layers`` is a generator (written as it is made, never held whole)."""
    m = a.model
    layers = _layers_json(a, flops, roofline)
    out = {
        "model": m.name,
        "source": m.source,
        "convention": convention_json(flops),
        "notes": list(m.notes),
        "layers": layers if lazy else list(layers),
    }
    out.update(_analysis_json_rest(a, flops, roofline))
    return out


def _layers_json(a: Analysis, flops: bool, roofline: ModelRoofline | None):
    from dscost.cost import category

    by_name = roofline.by_name() if roofline is not None else {}
    for layer in a.layers:
        c = layer.cost
        w = a.what_if.get(layer.name)
        d: dict[str, Any] = {
            "name": layer.name,
            "type": layer.type,
            "op": layer.op,
            "category": category(layer),
            "inputs": list(layer.inputs),
            "input_shape": list(layer.input_shape) if layer.input_shape is not None else None,
            "output_shape": list(layer.output_shape) if layer.output_shape is not None else None,
            "kernel": list(layer.kernel or (layer.conv.kernel if layer.conv else ())) or None,
        }
        d.update(cost_json(c, flops))
        d["what_if"] = None
        if w:
            d["what_if"] = {"separable_macs": w.separable_macs, "separable_params": w.separable_params}
            if flops:
                d["what_if"]["separable_flops"] = 2 * w.separable_macs
        if layer.note:
            d["note"] = layer.note
        r = by_name.get(layer.name)
        if r is not None:
            d.update(_layer_roofline_json(r, roofline.separable_s.get(r.name)))
        yield d


def _analysis_json_rest(a: Analysis, flops: bool, roofline: ModelRoofline | None) -> dict[str, Any]:
    """Everything after the layers: totals, shares, what-ifs, blocks, uncounted, roofline."""
    m = a.model
    out = {
        "totals": cost_json(a.totals, flops),
        "shares": {cat: _share_json(c, a.totals, flops) for cat, c in a.shares.items()},
        "what_if": {
            "all_separable": {**macs_params_json(a.all_separable, flops), "convs": len(a.what_if)},
            "all_standard": {**macs_params_json(a.all_standard, flops), "blocks": len(a.blocks)},
        },
        "blocks": [{"depthwise": b.depthwise, "middle": list(b.middle), "pointwise": b.pointwise} for b in a.blocks],
        "uncounted": [{"name": x.name, "op": x.op, "reason": x.reason, "params": x.params} for x in m.uncounted],
    }
    if roofline is not None:
        from dscost.roofline import intensity

        out["roofline"] = {
            "dtype": roofline.dtype,
            "dtype_bytes": DTYPE_BYTES[roofline.dtype],
            "bytes": roofline.bytes,
            "intensity_macs_per_byte": round(intensity(roofline.macs, roofline.bytes), 4),
            "hardware": hardware_json(roofline.hardware),
            "estimated_time_s": roofline.time_s,
            "estimated_all_separable_time_s": roofline.all_separable_time_s,
            "notes": roofline.notes,
        }
    return out


# --------------------------------------------------------------------------
# CSV


def analysis_csv(a: Analysis, flops: bool = False, roofline: ModelRoofline | None = None) -> list[list[Any]]:
    header = list(CSV_FIELDS)
    if flops:
        header.insert(header.index("macs") + 1, "flops")
    hw = roofline is not None and roofline.hardware is not None
    if roofline is not None:
        header += ["bytes", "intensity_macs_per_byte"] + (["estimated_time_s", "bound"] if hw else [])
    by_name = roofline.by_name() if roofline is not None else {}
    rows: list[list[Any]] = [header]
    for layer in a.layers:
        c = layer.cost
        w = a.what_if.get(layer.name)
        k = layer.kernel or (layer.conv.kernel if layer.conv else None)
        row: list[Any] = [layer.name, layer.type, layer.op, dims(k) if k else "", dims(layer.input_shape), dims(layer.output_shape), c.macs]
        if flops:
            row.append(2 * c.macs)
        row += [c.params, c.weights, c.biases, c.norm_params, c.buffers, c.other_ops, w.separable_macs if w else "", w.separable_params if w else ""]
        if roofline is not None:
            r = by_name.get(layer.name)
            row += [r.bytes, round(r.intensity, 4)] if r else ["", ""]
            if hw:
                row += [r.estimate.time_s, r.estimate.bound] if r else ["", ""]
        rows.append(row)
    return rows


def show_analysis(a: Analysis, fmt: str, flops: bool = False, show_all: bool = False, roofline: ModelRoofline | None = None) -> None:
    emit(
        fmt,
        doc=lambda: analysis_doc(a, flops, show_all, roofline),
        data=lambda: analysis_json(a, flops, roofline, lazy=True),
        rows=lambda: analysis_csv(a, flops, roofline),
    )
