"""`dscost diff`: total and per-layer deltas between two models, and the --fail-on-increase gate line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dscost.layers import SHAPE, Layer
from dscost.report.counts import convention_json, input_json, inputs_line, macs_params_json, scale, uncounted_json, unit
from dscost.report.document import FAIL_MARK, PASS_MARK, REPORT_FORMATS, Doc, Table, Text, emit, output_file
from dscost.units import dims, human, plural

if TYPE_CHECKING:
    from dscost.diff import LayerDelta, ModelDiff

_STATUS_MARK = {"added": "+", "removed": "-", "changed": "~", "unchanged": " "}


def _signed(n: int) -> str:
    return "0" if n == 0 else ("+" if n > 0 else "") + human(n)


def _signed_pct(p: float | None) -> str:
    return "-" if p is None else f"{p:+.2f}%"


def _diff_layer_name(d: LayerDelta) -> str:
    return f"{d.base.name} -> {d.new.name}" if d.renamed else d.name


def diff_gate_text(g: dict[str, Any] | None) -> str | None:
    if not g:
        return None
    parts = []
    for key, label in (("flops" if "flops" in g else "macs", g["unit"]), ("params", "params")):
        part = g[key]
        state = "exceeds" if part["exceeded"] else "within"
        parts.append(f"{label} {_signed(part['delta'])} ({_signed_pct(part['pct'])}) {state} +{g['threshold']}")
    n = g["uncounted"]
    if n["base"] or n["new"]:
        grown = [f"{op} {a} -> {b}" for op, (a, b) in n["more_of"].items()] + ([f"their weights {n['params']['base']:,} -> {n['params']['new']:,}"]
                                                                                  if n["params"]["new"] > n["params"]["base"] else [])  # fmt: skip
        parts.append(f"uncounted nodes {n['base']} -> {n['new']}" + (f" ({', '.join(grown)}: their work is not in the new totals)" if n["exceeded"] else ""))
    mark = PASS_MARK if g["passed"] else FAIL_MARK
    return f"{mark} --fail-on-increase {g['threshold']}: " + "; ".join(parts)


def _diff_change(x: LayerDelta, d: ModelDiff) -> str:
    """What differs besides the counts: output (or input) shape of a changed layer; a removed
    (added) layer that the other side holds as a node it could not count says so."""
    if x.status in ("removed", "added"):
        other = d.new_uncounted if x.status == "removed" else d.base_uncounted
        return f"uncounted in {'new' if x.status == 'removed' else 'base'}" if any(u.name == x.name for u in other) else ""
    if x.status != "changed":
        return ""
    b, n = x.base, x.new
    if tuple(b.output_shape or ()) != tuple(n.output_shape or ()):
        return f"out {dims(b.output_shape)} -> {dims(n.output_shape)}"
    if tuple(b.input_shape or ()) != tuple(n.input_shape or ()):
        return f"in {dims(b.input_shape)} -> {dims(n.input_shape)}"
    return ""


def _uncounted_lines(d: ModelDiff) -> list[str]:
    """Each side's nodes that could not be counted: its totals miss their work."""
    return [f"{side}: {plural(len(u), 'node')} could not be counted ({', '.join(sorted({x.op for x in u}))}); its MACs and params are lower bounds"
            for side, u in (("base", d.base_uncounted), ("new", d.new_uncounted)) if u]  # fmt: skip


def _inputs_lines(d: ModelDiff) -> list[str]:
    """The input shapes each side was counted at: one line when they are the same."""
    if d.base_inputs == d.new_inputs:
        return [inputs_line(d.base_inputs) + " (both)"] if d.base_inputs else []
    return [f"{side} {inputs_line(inputs)}" for side, inputs in (("base", d.base_inputs), ("new", d.new_inputs)) if inputs]


def diff_doc(d: ModelDiff, flops: bool = False, show_all: bool = False, gate: dict[str, Any] | None = None) -> Doc:
    s = scale(flops)
    u = unit(flops)
    doc: Doc = [Text(f"dscost diff: {d.base_name} -> {d.new_name}", "title")]
    if d.base_source or d.new_source:
        doc.append(Text(f"base {d.base_source}, new {d.new_source}", "note"))
    doc += [Text(line, "note") for line in _inputs_lines(d)]
    bt, nt = d.base_totals, d.new_totals
    nb, nn = len(d.base_uncounted), len(d.new_uncounted)
    doc.append(
        Table(
            "totals",
            ["", "base", "new", "delta", "delta %"],
            [
                [u, human(s * bt.macs), human(s * nt.macs), _signed(s * d.d_macs), _signed_pct(d.macs_pct)],
                ["params", human(bt.params), human(nt.params), _signed(d.d_params), _signed_pct(d.params_pct)],
                *([["uncounted nodes", str(nb), str(nn), _signed(nn - nb), ""]] if nb or nn else []),
            ],
        )
    )
    doc += [Text(line, "note") for line in _uncounted_lines(d)]
    rows = []
    hidden_shape = 0
    for x in d.layers:
        if x.status == "unchanged" and not show_all:
            continue
        if not show_all and all(layer is None or layer.type == SHAPE for layer in (x.base, x.new)):
            hidden_shape += 1  # zero-cost shape-only ops (identity, dropout, reshape...), as in analyze
            continue
        b, n = x.base_cost, x.new_cost
        rows.append([
            _STATUS_MARK[x.status],
            _diff_layer_name(x),
            x.type if x.base is None or x.new is None or x.base.type == x.new.type else f"{x.base.type} -> {x.new.type}",
            human(s * b.macs) if x.base is not None else "",
            human(s * n.macs) if x.new is not None else "",
            _signed(s * x.d_macs),
            human(b.params) if x.base is not None else "",
            human(n.params) if x.new is not None else "",
            _signed(x.d_params),
            _diff_change(x, d),
        ])
    summ = d.summary
    note = f"{summ['changed']} changed, {summ['added']} added, {summ['removed']} removed, {summ['unchanged']} unchanged"
    if not show_all and summ["unchanged"]:
        note += " (--all lists unchanged layers)"
    notes = [note]
    if hidden_shape:
        notes.append(f"{plural(hidden_shape, 'shape-only layer')} (identity, dropout, reshape, ...) hidden; --all shows them")
    if rows:
        doc.append(
            # (on a narrow terminal the layer name is shortened and the deltas kept before the rest)
            Table("layers", ["", "layer", "type", f"base {u}", f"new {u}", f"Δ {u}", "base params", "new params", "Δ params", "shape"], rows, align="lllrrrrrrl",
                  notes=notes, priority=[0, 1, 4, 5, 6, 2, 7, 8, 3, 9], shrink=1)  # fmt: skip
        )
    else:
        doc.append(Text(f"layers: {'; '.join(notes)}", "note"))
    # A failed gate is reported once, on stderr, by the CLI; a passed one here.
    text = diff_gate_text(gate) if gate and gate["passed"] else None
    if text:
        doc.append(Text(text))
    return doc


def diff_json(d: ModelDiff, flops: bool = False, gate: dict[str, Any] | None = None) -> dict[str, Any]:
    def mp(layer: Layer | None) -> dict[str, Any] | None:
        if layer is None:
            return None
        return {
            **macs_params_json(layer.cost, flops),
            "input_shape": list(layer.input_shape) if layer.input_shape is not None else None,
            "output_shape": list(layer.output_shape) if layer.output_shape is not None else None,
        }

    layers = []
    for x in d.layers:
        delta = {"macs": x.d_macs}
        if flops:
            delta["flops"] = 2 * x.d_macs
        delta["params"] = x.d_params
        layers.append({
            "status": x.status,
            "name": x.name,
            "base_name": x.base.name if x.base is not None else None,
            "new_name": x.new.name if x.new is not None else None,
            "type": x.type,
            "base_type": x.base.type if x.base is not None else None,
            "matched_by": x.matched_by,
            "base": mp(x.base),
            "new": mp(x.new),
            "delta": delta,
        })
    total_delta: dict[str, Any] = {"macs": d.d_macs}
    if flops:
        total_delta["flops"] = 2 * d.d_macs
    total_delta.update(params=d.d_params, macs_pct=d.macs_pct, params_pct=d.params_pct)
    return {
        "convention": convention_json(flops),
        "base": {"model": d.base_name, "source": d.base_source, "inputs": input_json(d.base_inputs), **macs_params_json(d.base_totals, flops),
                 "uncounted": uncounted_json(d.base_uncounted)},
        "new": {"model": d.new_name, "source": d.new_source, "inputs": input_json(d.new_inputs), **macs_params_json(d.new_totals, flops),
                "uncounted": uncounted_json(d.new_uncounted)},
        "delta": total_delta,
        "summary": d.summary,
        "layers": layers,
        "fail_on_increase": gate,
    }


def diff_csv(d: ModelDiff, flops: bool = False) -> list[list[Any]]:
    """A header row, then one row per layer delta (every layer, unchanged ones too, as
    in the JSON): the JSON layer fields flattened, base_*/new_* empty for an added/removed layer;
    then one row per node a side could not count (status "uncounted", the side's name set)."""
    header = ["status", "name", "base_name", "new_name", "type", "base_type", "matched_by"]
    side = ["macs", *(["flops"] if flops else []), "params", "input_shape", "output_shape"]
    for prefix in ("base", "new"):
        header += [f"{prefix}_{f}" for f in side]
    header += ["delta_macs", *(["delta_flops"] if flops else []), "delta_params"]
    rows: list[list[Any]] = [header]

    def cells(layer: Layer | None) -> list[Any]:
        if layer is None:
            return [""] * len(side)
        c = layer.cost
        return [c.macs, *([2 * c.macs] if flops else []), c.params, dims(layer.input_shape), dims(layer.output_shape)]

    for x in d.layers:
        rows.append([
            x.status,
            x.name,
            x.base.name if x.base is not None else "",
            x.new.name if x.new is not None else "",
            x.type,
            x.base.type if x.base is not None else "",
            x.matched_by or "",
            *cells(x.base),
            *cells(x.new),
            x.d_macs,
            *([2 * x.d_macs] if flops else []),
            x.d_params,
        ])
    # status "uncounted": a node whose work neither side's totals hold; its params (the weights it
    # consumes) are in its side's totals, so they are its row's, and the rows' deltas add up to the totals'
    for where, nodes in (("base", d.base_uncounted), ("new", d.new_uncounted)):
        for u in nodes:
            values = [""] * (2 * len(side)) + ["", *([""] if flops else []), -u.params if where == "base" else u.params]
            values[(0 if where == "base" else len(side)) + side.index("params")] = u.params
            rows.append(["uncounted", u.name, u.name if where == "base" else "", u.name if where == "new" else "", u.op, "", "", *values])
    return rows


def diff_page(d: ModelDiff, flops: bool = False, show_all: bool = False, gate: dict[str, Any] | None = None) -> str:
    """`--format html`: totals, a bar chart of base vs new MACs per changed layer, the sortable delta table."""
    from dscost.report import html as H

    s, u = scale(flops), unit(flops)
    bt, nt = d.base_totals, d.new_totals
    body = [f"<h1>dscost diff: {H.esc(d.base_name)} &rarr; {H.esc(d.new_name)}</h1>", f'<p class="sub">base {H.esc(d.base_source)}, new {H.esc(d.new_source)}</p>']
    body += [f'<p class="note">{H.esc(line)}</p>' for line in (*_inputs_lines(d), *_uncounted_lines(d))]
    summ = d.summary
    items = [
        (u, f"{human(s * bt.macs)} -> {human(s * nt.macs)}", f"{_signed(s * d.d_macs)} ({_signed_pct(d.macs_pct)})"),
        ("params", f"{human(bt.params)} -> {human(nt.params)}", f"{_signed(d.d_params)} ({_signed_pct(d.params_pct)})"),
        ("layers", f"{summ['changed']} changed", f"{summ['added']} added, {summ['removed']} removed, {summ['unchanged']} unchanged"),
    ]
    if gate:
        items.append(("--fail-on-increase " + gate["threshold"], "passed" if gate["passed"] else "FAILED", diff_gate_text(gate) or ""))
    body.append(H.cards(items))
    rows = [x for x in d.layers if show_all or (x.status != "unchanged" and not all(layer is None or layer.type == SHAPE for layer in (x.base, x.new)))]
    bars = [x for x in rows if x.base_cost.macs or x.new_cost.macs]
    charts = {}
    if bars:
        charts["bars"] = H.bar_chart(
            f"{u} per layer, base and new ({len(bars)} layers with {u} that differ)" if not show_all else f"{u} per layer, base and new",
            [_diff_layer_name(x) for x in bars],
            [("base", H.PALETTE["base"], [s * x.base_cost.macs for x in bars]), ("new", H.PALETTE["new"], [s * x.new_cost.macs for x in bars])],
            {"layer": [_diff_layer_name(x) for x in bars], "status": [x.status for x in bars], f"base {u}": [human(s * x.base_cost.macs) for x in bars],
             f"new {u}": [human(s * x.new_cost.macs) for x in bars], f"Δ {u}": [_signed(s * x.d_macs) for x in bars]},
            u,
        )  # fmt: skip
        body += [f"<h2>{u} per layer</h2>", "{{chart:bars}}"]
    table = [
        [x.status, _diff_layer_name(x), x.type, [human(s * x.base_cost.macs) if x.base else "", s * x.base_cost.macs], [human(s * x.new_cost.macs) if x.new else "", s * x.new_cost.macs],
         [_signed(s * x.d_macs), s * x.d_macs], [human(x.base_cost.params) if x.base else "", x.base_cost.params], [human(x.new_cost.params) if x.new else "", x.new_cost.params],
         [_signed(x.d_params), x.d_params], _diff_change(x, d)]
        for x in rows
    ]  # fmt: skip
    caption = plural(len(rows), "layer") + ("" if show_all else " (changed, added, removed; --all lists every layer)") + "; click a header to sort"
    body += ["<h2>Layers</h2>", H.sortable_table("layers", ["status", "layer", "type", f"base {u}", f"new {u}", f"Δ {u}", "base params", "new params", "Δ params", "shape"], "lllrrrrrrl", table, caption)]
    return H.page(f"dscost diff: {d.base_name} -> {d.new_name}", "\n".join(body), charts)


def show_diff(d: ModelDiff, fmt: str, flops: bool = False, show_all: bool = False, gate: dict[str, Any] | None = None, output: str | None = None) -> None:
    if fmt not in REPORT_FORMATS:
        from dscost.errors import InputError

        raise InputError(f"--format {fmt} is not available for diff; use one of {', '.join(REPORT_FORMATS)}")
    with output_file(output, fmt) as out:
        if fmt == "html":
            from dscost.report.html import write_page

            write_page(diff_page(d, flops, show_all, gate), out)
            return
        emit(fmt, doc=lambda: diff_doc(d, flops, show_all, gate), data=lambda: diff_json(d, flops, gate), rows=lambda: diff_csv(d, flops), out=out)
