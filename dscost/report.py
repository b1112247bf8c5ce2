"""Renderers: turn an Analysis / Comparison into tables, JSON, CSV or Markdown.

Layout of this module
---------------------
1. Formatting helpers (``human``, ``pct``, ``dims``).
2. A tiny document model (``Text``, ``Table``) and its three emitters:
   plain text (stdout not a TTY), Rich (stdout a TTY) and Markdown.  Rich is
   imported only inside ``_emit_rich`` so that piping ``dscost compare`` stays
   fast (see benchmarks/startup.py).
3. ``emit(fmt, doc=..., data=..., rows=...)``: the one output function every
   command uses.  ``doc`` / ``data`` / ``rows`` are zero-argument callables so
   that only the requested format is built.
4. One section per command (``analyze``, ``compare``, ``schema``): a ``*_doc``
   builder (table and markdown), a ``*_json`` builder (exact ints), a
   ``*_csv`` builder and a ``show_*`` function.  Add a command by appending
   a section of the same shape.

No arithmetic here beyond ratios and percentages of numbers computed by
:mod:`dscost.cost`.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Sequence

from dscost import cost as _cost
from dscost.dtypes import DTYPE_BYTES
from dscost.layers import SHAPE, Cost, Layer

FORMATS = ("table", "json", "csv", "markdown")

# ==========================================================================
# 1. Formatting helpers


def human(n: float) -> str:
    """231211008 -> '231.2M', 4209088 -> '4.21M', 18432 -> '18.4K', 288 -> '288'."""
    sign = "-" if n < 0 else ""
    v = abs(n)
    if v < 1000:
        return f"{sign}{v:,.0f}" if float(v).is_integer() else f"{sign}{v:.2f}"
    if v >= 1000**6:  # beyond 999P: scientific notation, via Decimal (exact for ints, no float overflow)
        from decimal import Decimal

        return f"{sign}{Decimal(v):.3g}"
    for unit in ("K", "M", "G", "T", "P"):
        v /= 1000
        if v < 1000 or unit == "P":
            return f"{sign}{v:.2f}{unit}" if v < 10 else f"{sign}{v:.1f}{unit}"
    raise AssertionError("unreachable")


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "-"


def dims(shape: Sequence[int] | None) -> str:
    return "x".join(map(str, shape)) if shape else "-"


def _n(count: int, noun: str) -> str:
    """'1 standard conv', '13 dw+pw blocks'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def factor(new: int, old: int) -> str:
    """'0.13x' style ratio new/old; '-' when old is zero."""
    return f"{new / old:.2f}x" if old else "-"


# ==========================================================================
# 2. Document model and emitters


class Text:
    """A line of text; ``style`` is "title", "heading", "note" or ""."""

    __slots__ = ("text", "style")

    def __init__(self, text: str, style: str = "") -> None:
        self.text, self.style = text, style


class Table:
    """A titled table of strings.  ``align``: one char per column, 'l' or 'r';
    default first column left, the others right."""

    __slots__ = ("title", "headers", "rows", "align", "notes")

    def __init__(self, title: str, headers: list[str], rows: list[list[str]], align: str = "", notes: list[str] | None = None) -> None:
        self.title, self.headers, self.rows, self.align, self.notes = title, headers, rows, align, notes or []

    def aligns(self) -> str:
        a = self.align or "l" + "r" * (len(self.headers) - 1)
        return a.ljust(len(self.headers), "r")


Doc = list  # list[Text | Table]


def _emit_plain(doc: Doc, out, ansi: bool = False) -> None:
    """Aligned plain text; with ``ansi``, titles and headers bold and notes dim
    (the light terminal renderer: no Rich import)."""

    def style(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if ansi and text else text

    blocks: list[str] = []
    prev_table = False
    for item in doc:
        if isinstance(item, Text):
            if item.style == "heading":
                blocks.append(f"\n{style(item.text, '1')}\n{'-' * len(item.text)}")
            else:
                code = {"title": "1", "note": "2"}.get(item.style, "")
                blocks.append(("\n" if prev_table else "") + (style(item.text, code) if code else item.text))
            prev_table = False
            continue
        prev_table = True
        widths = [len(h) for h in item.headers]
        for row in item.rows:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], len(cell))
        aligns = item.aligns()

        def line(cells: Sequence[str]) -> str:
            return "  ".join(c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(cells, widths, aligns)).rstrip()

        lines = [""]
        if item.title:
            lines.append(style(item.title, "1"))
        lines.append(style(line(item.headers), "1"))
        lines.append("  ".join("-" * w for w in widths))
        lines.extend(line(r) for r in item.rows)
        lines.extend(style(n, "2") for n in item.notes)
        blocks.append("\n".join(lines))
    out.write("\n".join(blocks) + "\n")


def _emit_rich(doc: Doc, out) -> None:
    from rich import box
    from rich.console import Console
    from rich.measure import Measurement
    from rich.table import Table as RichTable
    from rich.text import Text as RichText

    console = Console(file=out, highlight=False, soft_wrap=False)
    styles = {"title": "bold", "heading": "bold underline", "note": "dim"}
    for item in doc:
        if isinstance(item, Text):
            if item.style == "heading":
                console.print()
            console.print(RichText(item.text, style=styles.get(item.style, "")))
            continue
        console.print()
        t = RichTable(
            title=RichText(item.title, style="bold") if item.title else None,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
        )
        for h, a in zip(item.headers, item.aligns()):
            t.add_column(h, justify="right" if a == "r" else "left", no_wrap=True)
        for row in item.rows:
            t.add_row(*(RichText(c) for c in row))
        # Never squeeze or truncate a cell: a table wider than the terminal is
        # printed at its natural width and the terminal wraps the lines.
        natural = Measurement.get(console, console.options.update(max_width=100_000), t).maximum
        wide = console if natural <= console.width else Console(file=out, highlight=False, width=natural)
        wide.print(t)
        for n in item.notes:
            console.print(RichText(n, style="dim"))


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|")


def _emit_markdown(doc: Doc, out) -> None:
    blocks: list[str] = []
    for item in doc:
        if isinstance(item, Text):
            if item.style == "title":
                blocks.append(f"## {item.text}")
            elif item.style == "heading":
                blocks.append(f"### {item.text}")
            else:
                blocks.append(item.text)
            continue
        lines = []
        if item.title:
            lines.append(f"**{item.title}**\n")
        lines.append("| " + " | ".join(map(_md_cell, item.headers)) + " |")
        lines.append("|" + "|".join("---:" if a == "r" else "---" for a in item.aligns()) + "|")
        lines.extend("| " + " | ".join(map(_md_cell, r)) + " |" for r in item.rows)
        for n in item.notes:
            lines.append("")
            lines.append(n)
        blocks.append("\n".join(lines))
    out.write("\n\n".join(blocks) + "\n")


# ==========================================================================
# 3. Output


def dumps(obj: Any, depth: int = 0) -> str:
    """JSON, readable and fast: the top two levels are indented, anything deeper
    (a layer, a shape) is written on one line by the C encoder -- so a 100k-layer
    report is 100k short json.dumps calls, not one slow pure-Python indent pass."""
    import json  # not at module level: `dscost compare` in a table skips it (start-up)

    pad, inner = "  " * depth, "  " * (depth + 1)
    if depth < 2 and isinstance(obj, dict) and obj:
        items = [f"{inner}{json.dumps(str(k))}: {dumps(v, depth + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if depth < 2 and isinstance(obj, (list, tuple)) and any(isinstance(x, (dict, list, tuple)) for x in obj):
        return "[\n" + ",\n".join(f"{inner}{dumps(x, depth + 1)}" for x in obj) + f"\n{pad}]"
    return json.dumps(obj, separators=(", ", ": "))


def emit(
    fmt: str,
    *,
    doc: Callable[[], Doc] | None = None,
    data: Callable[[], Any] | None = None,
    rows: Callable[[], list[list[Any]]] | None = None,
    out=None,
    rich: bool = True,
) -> None:
    """Write one result in format ``fmt``.  ``table`` uses Rich on a TTY and
    aligned plain text otherwise (never truncated, nothing to strip).  With
    ``rich=False`` (commands whose start-up time matters, like `compare`) a TTY
    gets the plain layout with ANSI bold/dim instead: importing Rich alone costs
    about half the start-up of a minimal Typer app.  NO_COLOR turns ANSI off."""
    out = out or sys.stdout
    if fmt == "json" and data is not None:
        out.write(dumps(data()) + "\n")
    elif fmt == "csv" and rows is not None:
        import csv

        csv.writer(out, lineterminator="\n").writerows(rows())
    elif fmt == "markdown" and doc is not None:
        _emit_markdown(doc(), out)
    elif fmt == "table" and doc is not None:
        if out.isatty() and rich:
            _emit_rich(doc(), out)
        else:
            _emit_plain(doc(), out, ansi=out.isatty() and not os.environ.get("NO_COLOR"))
    else:
        from dscost.errors import InputError

        raise InputError(f"--format {fmt} is not available for this command")


# ==========================================================================
# 4a. analyze


def _unit(flops: bool) -> str:
    return "FLOPs" if flops else "MACs"


def _scale(flops: bool) -> int:
    return 2 if flops else 1


CONVENTION_MACS = "MACs = multiply-accumulates of conv/FC/matmul; bias, BN, activation, pooling, add counted apart as other ops"
CONVENTION_FLOPS = "FLOPs = 2 x MACs (multiply-accumulates of conv/FC/matmul); bias, BN, activation, pooling, add counted apart as other ops"
PARAMS_CONVENTION = "params = weights + biases + norm params (learnable); BN running mean/var are buffers, not params"


def _kernel(layer: Layer) -> str:
    g = layer.conv
    k = layer.kernel or (g.kernel if g else None)
    if not k:
        return ""
    s = dims(k)
    if g is not None and any(x != 1 for x in g.stride):
        s += f" s{g.stride[0] if len(set(g.stride)) == 1 else dims(g.stride)}"
    return s


def analysis_doc(a: _cost.Analysis, flops: bool = False, show_all: bool = False) -> Doc:
    m = a.model
    k = _scale(flops)
    unit = _unit(flops)
    t = a.totals
    doc: Doc = [Text(f"{m.name}  ({m.source})", "title"), Text(CONVENTION_FLOPS if flops else CONVENTION_MACS, "note")]
    doc.append(Text(PARAMS_CONVENTION, "note"))
    for note in m.notes:
        doc.append(Text(f"note: {note}", "note"))

    rows = []
    hidden = 0
    for layer in a.layers:
        if layer.type == SHAPE and not show_all:
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
            ]
        )
    notes = [f"{hidden} shape-only layers (reshape, flatten, ...) hidden; --all shows them"] if hidden else []
    notes.append("other ops: bias additions, BN, activation, pooling and add arithmetic (not in MACs)")
    notes.append(f"sep {unit} / sep params: the layer as depthwise Dk x Dk + pointwise 1x1 (standard convs with kernel > 1x1)")
    doc.append(
        Table(
            "Layers",
            ["layer", "type", "kernel", "input -> output", unit, "params", f"% {unit}", "other ops", f"sep {unit}", "sep params", "saving"],
            rows,
            align="llll" + "r" * 7,
            notes=notes,
        )
    )

    doc.append(
        Table(
            "Totals",
            ["", "count", "exact"],
            [
                [unit, human(k * t.macs), f"{k * t.macs:,}"],
                ["other ops", human(t.other_ops), f"{t.other_ops:,}"],
                ["weights", human(t.weights), f"{t.weights:,}"],
                ["biases", human(t.biases), f"{t.biases:,}"],
                ["norm params", human(t.norm_params), f"{t.norm_params:,}"],
                ["learnable params", human(t.params), f"{t.params:,}"],
                ["buffers", human(t.buffers), f"{t.buffers:,}"],
            ],
        )
    )

    share_rows = []
    for cat in [*_cost.CATEGORIES.values(), "other"]:
        c = a.shares.get(cat)
        if c is None:
            continue
        share_rows.append([cat, human(k * c.macs), pct(c.macs, t.macs), human(c.params), pct(c.params, t.params), human(c.weights), pct(c.weights, t.weights)])
    doc.append(
        Table(
            "Shares by layer kind (MobileNet Table 2)",
            ["kind", unit, f"% {unit}", "params", "% params", "weights", "% weights"],
            share_rows,
            notes=["% weights counts conv/FC weights only (no biases, no BN), as MobileNet's Table 2 does; % params counts all learnable params"],
        )
    )

    ws = [
        ["current", human(k * t.macs), "1.00x", human(t.params), "1.00x"],
        [
            f"{_n(len(a.what_if), 'standard conv')} > 1x1 made separable",
            human(k * a.all_separable.macs),
            factor(a.all_separable.macs, t.macs),
            human(a.all_separable.params),
            factor(a.all_separable.params, t.params),
        ],
        [
            f"{_n(len(a.blocks), 'dw+pw block')} made one standard conv each",
            human(k * a.all_standard.macs),
            factor(a.all_standard.macs, t.macs),
            human(a.all_standard.params),
            factor(a.all_standard.params, t.params),
        ],
    ]
    doc.append(Table("What if (whole model)", ["variant", unit, f"{unit} vs current", "params", "params vs current"], ws))

    if m.uncounted:
        groups: dict[str, list[str]] = {}
        reasons: dict[str, str] = {}
        for u in m.uncounted:
            groups.setdefault(u.op, []).append(u.name)
            reasons.setdefault(u.op, u.reason)
        urows = []
        for op, names in groups.items():
            shown = ", ".join(names[:5]) + (f", ... (+{len(names) - 5})" if len(names) > 5 else "")
            urows.append([op, str(len(names)), shown, reasons[op]])
        doc.append(
            Table(
                f"Uncounted ops ({_n(len(m.uncounted), 'node')}; NOT included in the totals above)",
                ["op", "count", "nodes", "reason"],
                urows,
                align="lrll",
            )
        )
    return doc


def _cost_json(c: Cost, flops: bool) -> dict[str, int]:
    d = {"macs": c.macs}
    if flops:
        d["flops"] = 2 * c.macs
    d.update(
        params=c.params,
        weights=c.weights,
        biases=c.biases,
        norm_params=c.norm_params,
        buffers=c.buffers,
        other_ops=c.other_ops,
    )
    return d


def _mp(c: Cost, flops: bool) -> dict[str, int]:
    d = {"macs": c.macs}
    if flops:
        d["flops"] = 2 * c.macs
    d["params"] = c.params
    return d


def _share_json(c: Cost, totals: Cost, flops: bool) -> dict[str, Any]:
    """A layer kind's share: macs, params (as before), plus weights and the weights'
    percentage of all weights (MobileNet Table 2 counts weights only)."""
    return {**_mp(c, flops), "weights": c.weights, "weights_pct": 100 * c.weights / totals.weights if totals.weights else None}


def convention_json(flops: bool) -> dict[str, str]:
    return {
        "count": "flops" if flops else "macs",
        "macs": "multiply-accumulates of conv, fully connected and matmul layers",
        "flops": "2 x macs" if flops else "not reported (use --flops)",
        "other_ops": "bias additions, batch norm, activations, pooling, element-wise ops; never included in macs",
        "params": "weights + biases + norm_params (learnable); buffers (BN running mean/var) reported apart",
        "shapes": "include the batch dimension",
    }


def analysis_json(a: _cost.Analysis, flops: bool = False) -> dict[str, Any]:
    m = a.model
    layers = []
    for layer in a.layers:
        c = layer.cost
        w = a.what_if.get(layer.name)
        d: dict[str, Any] = {
            "name": layer.name,
            "type": layer.type,
            "op": layer.op,
            "category": _cost.category(layer),
            "inputs": list(layer.inputs),
            "input_shape": list(layer.input_shape) if layer.input_shape is not None else None,
            "output_shape": list(layer.output_shape) if layer.output_shape is not None else None,
            "kernel": list(layer.kernel or (layer.conv.kernel if layer.conv else ())) or None,
        }
        d.update(_cost_json(c, flops))
        d["what_if"] = None
        if w:
            d["what_if"] = {"separable_macs": w.separable_macs, "separable_params": w.separable_params}
            if flops:
                d["what_if"]["separable_flops"] = 2 * w.separable_macs
        if layer.note:
            d["note"] = layer.note
        layers.append(d)
    return {
        "model": m.name,
        "source": m.source,
        "convention": convention_json(flops),
        "notes": list(m.notes),
        "layers": layers,
        "totals": _cost_json(a.totals, flops),
        "shares": {cat: _share_json(c, a.totals, flops) for cat, c in a.shares.items()},
        "what_if": {
            "all_separable": {**_mp(a.all_separable, flops), "convs": len(a.what_if)},
            "all_standard": {**_mp(a.all_standard, flops), "blocks": len(a.blocks)},
        },
        "blocks": [{"depthwise": b.depthwise, "middle": list(b.middle), "pointwise": b.pointwise} for b in a.blocks],
        "uncounted": [{"name": u.name, "op": u.op, "reason": u.reason} for u in m.uncounted],
    }


ANALYSIS_CSV_FIELDS = ["name", "type", "op", "kernel", "input_shape", "output_shape", "macs", "params", "weights", "biases", "norm_params", "buffers", "other_ops", "separable_macs", "separable_params"]


def analysis_csv(a: _cost.Analysis, flops: bool = False) -> list[list[Any]]:
    header = list(ANALYSIS_CSV_FIELDS)
    if flops:
        header.insert(header.index("macs") + 1, "flops")
    rows: list[list[Any]] = [header]
    for layer in a.layers:
        c = layer.cost
        w = a.what_if.get(layer.name)
        k = layer.kernel or (layer.conv.kernel if layer.conv else None)
        row: list[Any] = [layer.name, layer.type, layer.op, dims(k) if k else "", dims(layer.input_shape), dims(layer.output_shape), c.macs]
        if flops:
            row.append(2 * c.macs)
        row += [c.params, c.weights, c.biases, c.norm_params, c.buffers, c.other_ops, w.separable_macs if w else "", w.separable_params if w else ""]
        rows.append(row)
    return rows


def show_analysis(a: _cost.Analysis, fmt: str, flops: bool = False, show_all: bool = False) -> None:
    emit(
        fmt,
        doc=lambda: analysis_doc(a, flops, show_all),
        data=lambda: analysis_json(a, flops),
        rows=lambda: analysis_csv(a, flops),
    )


# ==========================================================================
# 4b. compare


def closed_form_text(c: _cost.Comparison) -> str:
    """'1/64 + 1/9': 1/N + 1/Dk^2 (1/N + 1/(Dk_h*Dk_w) for rectangular kernels)."""
    area = 1
    for k in c.geom.kernel:
        area *= k
    return f"1/{c.geom.cout} + 1/{area}"


def _variants(c: _cost.Comparison) -> list[_cost.Variant]:
    return [c.standard, c.depthwise, c.pointwise, c.separable, c.spatial_separable]


def comparison_doc(c: _cost.Comparison, flops: bool = False, padding: str = "") -> Doc:
    g = c.geom
    k = _scale(flops)
    unit = _unit(flops)
    pads = g.pads[: len(g.kernel)], g.pads[len(g.kernel) :]
    pad_s = dims(pads[0]) if pads[0] == pads[1] else f"{dims(pads[0])} begin, {dims(pads[1])} end"
    if padding in ("same", "valid"):
        pad_s = f"{padding} ({pad_s})"
    head = (
        f"Conv {dims(g.kernel)}, M={g.cin} -> N={g.cout}, input {g.cin}x{dims(g.in_spatial)}, "
        f"stride {dims(g.stride)}, dilation {dims(g.dilation)}, padding {pad_s}, bias {'yes' if g.bias else 'no'}"
    )
    doc: Doc = [Text(head, "title"), Text(CONVENTION_FLOPS if flops else CONVENTION_MACS, "note")]
    std = c.standard.cost
    rows = []
    for v in _variants(c):
        rows.append(
            [
                v.name.replace("_", "-"),
                dims(v.output_shape),
                f"{k * v.cost.macs:,}",
                human(k * v.cost.macs),
                f"{v.cost.params:,}",
                f"{v.cost.macs / std.macs:.3f}x",
                v.formula,
                v.substituted,
            ]
        )
    # The formulas count MACs; with --flops the substituted numbers stay MACs (FLOPs = 2 x them).
    notes = ["formula and substituted count MACs; FLOPs = 2 x MACs"] if flops else None
    doc.append(
        Table("", ["variant", "output", unit, "~", "params", f"{unit} vs std", "formula (MACs)", "substituted (MACs)" if flops else "substituted"], rows, align="llrrrrll", notes=notes)
    )
    share = c.depthwise_share
    ratio = c.ratio
    eq = "=" if ratio == c.closed_form_ratio else "vs closed form"
    doc += [
        Text(f"separable = depthwise {float(share) * 100:.1f}% + pointwise {float(1 - share) * 100:.1f}% of its {unit}"),
        Text(f"ratio separable / standard = {float(ratio):.4f} {eq} {closed_form_text(c)}   (1/N + 1/Dk^2" + (")" if eq == "=" else f" = {float(c.closed_form_ratio):.4f})")),
        Text(reduction_text(c, unit)),
    ]
    return doc


def _times(new: int, old: int, what: str) -> str:
    """'7.89x fewer MACs', '1.25x more params', 'the same params'."""
    if new < old:
        return f"{old / new:.2f}x fewer {what}"
    if new > old:
        return f"{new / old:.2f}x more {what}"
    return f"the same {what}"


def reduction_text(c: _cost.Comparison, unit: str = "MACs") -> str:
    """'reduction: 7.89x fewer MACs, 7.89x fewer params'; when the separable pair costs more
    MACs (a 1x1 kernel, or N = 1), says so and why instead of a reduction below 1x."""
    std, sep = c.standard.cost, c.separable.cost
    if sep.macs <= std.macs:
        return f"reduction: {_times(sep.macs, std.macs, unit)}, {_times(sep.params, std.params, 'params')}"
    area = 1
    for k in c.geom.kernel:
        area *= k
    if area == 1:
        why = "a 1x1 conv has no spatial kernel to factorize"
    elif c.geom.cout == 1:
        why = "with N = 1 the depthwise conv alone does the standard conv's work"
    else:
        why = "1/N + 1/Dk^2 >= 1"
    return f"separable costs {_times(sep.macs, std.macs, unit)}, {_times(sep.params, std.params, 'params')} ({why})"


def comparison_json(c: _cost.Comparison, flops: bool = False) -> dict[str, Any]:
    g = c.geom
    d: dict[str, Any] = {
        "geometry": {
            "kernel": list(g.kernel),
            "m": g.cin,
            "n": g.cout,
            "input": list(g.in_spatial),
            "output": list(g.out_spatial),
            "stride": list(g.stride),
            "dilation": list(g.dilation),
            "pads": list(g.pads),
            "bias": g.bias,
        },
        "convention": convention_json(flops),
    }
    for v in _variants(c):
        d[v.name] = {**_cost_json(v.cost, flops), "output_shape": list(v.output_shape), "formula": v.formula, "substituted": v.substituted}
    d["ratio"] = float(c.ratio)
    d["ratio_exact"] = f"{c.ratio.numerator}/{c.ratio.denominator}"
    d["closed_form_ratio"] = float(c.closed_form_ratio)
    d["closed_form"] = closed_form_text(c)
    d["reduction"] = float(1 / c.ratio)
    d["depthwise_share"] = float(c.depthwise_share)
    return d


def comparison_csv(c: _cost.Comparison, flops: bool = False) -> list[list[Any]]:
    header = ["variant", "output_shape", "macs"] + (["flops"] if flops else []) + ["params", "weights", "biases", "other_ops", "formula"]
    rows: list[list[Any]] = [header]
    for v in _variants(c):
        rows.append([v.name, dims(v.output_shape), v.cost.macs] + ([2 * v.cost.macs] if flops else []) + [v.cost.params, v.cost.weights, v.cost.biases, v.cost.other_ops, v.formula])
    return rows


def show_comparison(c: _cost.Comparison, fmt: str, flops: bool = False, padding: str = "") -> None:
    emit(fmt, doc=lambda: comparison_doc(c, flops, padding), data=lambda: comparison_json(c, flops), rows=lambda: comparison_csv(c, flops), rich=False)


# ==========================================================================
# 4c. schema


def schema_doc(schema: dict[str, Any]) -> Doc:
    """Flattened view of a JSON Schema: one row per property of each object definition."""
    doc: Doc = [Text(schema.get("title", "schema"), "title")]
    if schema.get("description"):
        doc.append(Text(schema["description"], "note"))
    for name, rows in _schema_objects(schema):
        doc.append(Table(name, ["field", "type", "required", "default", "description"], rows, align="lllll"))
    return doc


def _schema_objects(schema: dict[str, Any]) -> list[tuple[str, list[list[str]]]]:
    """(object name, [[field, type, required, default, description], ...]) for the root and each $defs object."""
    import json

    out = []
    objects = [(schema.get("title", "root"), schema)] + list(schema.get("$defs", {}).items())
    for name, obj in objects:
        props = obj.get("properties")
        if not props:
            continue
        required = set(obj.get("required", ()))
        rows = []
        for pname, p in props.items():
            rows.append([pname, _schema_type(p), "yes" if pname in required else "", json.dumps(p["default"]) if "default" in p else "", (p.get("description") or "").split("\n")[0]])
        out.append((name, rows))
    return out


def schema_rows(schema: dict[str, Any]) -> list[list[str]]:
    """CSV form of the schema: one row per property, the object it belongs to first."""
    rows = [["object", "field", "type", "required", "default", "description"]]
    for name, fields in _schema_objects(schema):
        rows.extend([name, *r] for r in fields)
    return rows


def _schema_type(p: dict[str, Any]) -> str:
    import json

    if "$ref" in p:
        return p["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in p:
        return " | ".join(_schema_type(x) for x in p["anyOf"])
    if "oneOf" in p:
        return " | ".join(_schema_type(x) for x in p["oneOf"])
    if "enum" in p:
        return " | ".join(map(json.dumps, p["enum"]))
    if "const" in p:
        return json.dumps(p["const"])
    t = p.get("type", "any")
    if t == "array" and "items" in p:
        return f"list[{_schema_type(p['items'])}]"
    return str(t)


def show_schema(schema: dict[str, Any], fmt: str) -> None:
    emit(fmt, doc=lambda: schema_doc(schema), data=lambda: schema, rows=lambda: schema_rows(schema))


# ==========================================================================
# 4d. check and diff  (budget gates: `dscost check`, `dscost diff`)
#
# check: a Table per model (limit, actual, headroom, headroom %, ✓/✗) for
# table/markdown; json with exact ints (shares as floats); junit XML (one
# testcase per limit); github (``::error file=...::`` workflow commands, a
# plain table for the log, and a Markdown summary appended to the file named
# by $GITHUB_STEP_SUMMARY).  diff: totals and per-layer deltas.

CHECK_FORMATS = ("table", "json", "csv", "markdown", "junit", "github")
DIFF_FORMATS = ("table", "json", "csv", "markdown")
PASS_MARK, FAIL_MARK = "✓", "✗"


def _limit_value(kind: str, v: Any) -> str:
    """Human form of a limit/actual value: 600.0M, 16.8MB, 12.34%."""
    if kind == "share":
        return f"{float(v) * 100:.2f}%"
    return human(v) + ("B" if kind == "bytes" else "")


def _limit_exact(kind: str, v: Any) -> str:
    if kind == "share":
        return f"{float(v) * 100:.4f}%"
    return f"{v:,}" + (" bytes" if kind == "bytes" else "")


def _headroom(r: Any) -> tuple[str, str]:
    if r.kind == "share":
        absolute = f"{float(r.headroom) * 100:+.2f} pp"
    else:
        absolute = ("+" if r.headroom >= 0 else "") + _limit_value(r.kind, r.headroom)
    rel = "-" if r.headroom_pct is None else f"{r.headroom_pct:+.1f}%"
    return absolute, rel


def _check_label(r: Any) -> str:
    return f"{r.label} ({r.detail})" if r.detail else r.label


def check_message(m: Any, r: Any) -> str:
    """One line for a limit: 'mobilenet_v1: MACs 568.7M exceeds the limit 500.0M by 68.7M (13.7%)'."""
    if r.passed:
        return f"{m.name}: {_check_label(r)} {_limit_value(r.kind, r.actual)} within {r.key} {_limit_value(r.kind, r.limit)}"
    over = _limit_value(r.kind, -r.headroom) if r.kind != "share" else f"{float(-r.headroom) * 100:.2f} pp"
    rel = f" ({-r.headroom_pct:.1f}% over)" if r.headroom_pct is not None else ""
    return f"{m.name}: {_check_label(r)} {_limit_value(r.kind, r.actual)} exceeds {r.key} {_limit_value(r.kind, r.limit)} by {over}{rel}"


def uncounted_message(m: Any) -> str:
    n = m.uncounted_nodes
    return f"{m.name}: {n} node{'s' if n != 1 else ''} could not be counted ({', '.join(m.uncounted)}); its MACs and params are lower bounds"


def _check_summary(rep: Any) -> str:
    n = sum(len(m.results) for m in rep.models)
    failed = sum(len(m.failures) for m in rep.models)
    models = f"{len(rep.models)} model{'s' if len(rep.models) != 1 else ''}"
    if failed:
        bad = sum(1 for m in rep.models if not m.passed)
        text = f"{FAIL_MARK} {failed} of {n} limits exceeded ({bad} of {models} over budget)"
    elif rep.strict and rep.has_uncounted:
        text = f"{FAIL_MARK} all {n} limits hold ({models}), but --strict: some ops could not be counted"
    else:
        text = f"{PASS_MARK} all {n} limits hold ({models})"
    return text


def check_doc(rep: Any) -> Doc:
    title = "dscost check" + (f" -- budget {rep.budget}" if rep.budget else "")
    doc: Doc = [Text(title, "title")]
    for m in rep.models:
        rows = []
        for r in m.results:
            absolute, rel = _headroom(r)
            rows.append([
                _check_label(r),
                _limit_value(r.kind, r.limit),
                _limit_value(r.kind, r.actual),
                absolute,
                rel,
                PASS_MARK if r.passed else FAIL_MARK,
            ])
        status = "ok" if m.passed else "OVER BUDGET"
        notes = [f"warning: {uncounted_message(m)}"] if m.uncounted_nodes else []
        doc.append(Table(f"{m.name} ({m.path}): {status}", ["check", "limit", "actual", "headroom", "headroom %", ""], rows, align="lrrrrl", notes=notes))
    doc.append(Text(_check_summary(rep)))
    if rep.convention == "flops":
        doc.append(Text("MAC limits count FLOPs = 2 x MACs.", "note"))
    return doc


def _json_num(kind: str, v: Any) -> Any:
    return float(v) if kind == "share" else v


def check_json(rep: Any) -> dict[str, Any]:
    models = []
    for m in rep.models:
        checks = []
        for r in m.results:
            checks.append({
                "key": r.key,
                "label": r.label,
                "kind": r.kind,
                "limit": _json_num(r.kind, r.limit),
                "actual": _json_num(r.kind, r.actual),
                "headroom": _json_num(r.kind, r.headroom),
                "headroom_pct": r.headroom_pct,
                "passed": r.passed,
                "detail": r.detail or None,
            })
        models.append({
            "name": m.name,
            "path": m.path,
            "passed": m.passed,
            "checks": checks,
            "uncounted": {"nodes": m.uncounted_nodes, "ops": list(m.uncounted)},
        })
    return {
        "convention": rep.convention,
        "budget": rep.budget,
        "strict": rep.strict,
        "passed": rep.passed,
        "summary": {
            "models": len(rep.models),
            "limits": sum(len(m.results) for m in rep.models),
            "failed": sum(len(m.failures) for m in rep.models),
            "models_failed": sum(1 for m in rep.models if not m.passed),
        },
        "models": models,
    }


CHECK_CSV_FIELDS = ["model", "path", "limit", "label", "kind", "limit_value", "actual", "headroom", "headroom_pct", "passed", "detail"]


def _csv_bool(v: bool | None) -> str:
    return "" if v is None else ("true" if v else "false")


def check_csv(rep: Any) -> list[list[Any]]:
    """A header row, then one row per model x limit (exact ints; shares as fractions, like the JSON)."""
    rows: list[list[Any]] = [list(CHECK_CSV_FIELDS)]
    for m in rep.models:
        for r in m.results:
            rows.append([
                m.name,
                m.path,
                r.key,
                r.label,
                r.kind,
                _json_num(r.kind, r.limit),
                _json_num(r.kind, r.actual),
                _json_num(r.kind, r.headroom),
                "" if r.headroom_pct is None else r.headroom_pct,
                _csv_bool(r.passed),
                r.detail,
            ])
    return rows


def check_junit(rep: Any) -> str:
    """JUnit XML: a testsuite per model, a testcase per limit (GitLab, Jenkins)."""
    import xml.etree.ElementTree as ET

    strict_fail = [m for m in rep.models if rep.strict and m.uncounted_nodes]
    total = sum(len(m.results) for m in rep.models) + len(strict_fail)
    failed = sum(len(m.failures) for m in rep.models) + len(strict_fail)
    root = ET.Element("testsuites", name="dscost check", tests=str(total), failures=str(failed), errors="0")
    for m in rep.models:
        extra = 1 if m in strict_fail else 0
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"{m.name} ({m.path})",
            tests=str(len(m.results) + extra),
            failures=str(len(m.failures) + extra),
            errors="0",
            skipped="0",
        )
        if extra:
            case = ET.SubElement(suite, "testcase", name="all_ops_counted", classname=f"dscost.check.{m.name}", file=m.path)
            ET.SubElement(case, "failure", message=uncounted_message(m), type="uncounted").text = uncounted_message(m)
        elif m.uncounted_nodes:
            ET.SubElement(suite, "system-out").text = f"warning: {uncounted_message(m)}"
        for r in m.results:
            case = ET.SubElement(suite, "testcase", name=r.key, classname=f"dscost.check.{m.name}", file=m.path)
            if not r.passed:
                failure = ET.SubElement(case, "failure", message=check_message(m, r), type="budget")
                absolute, rel = _headroom(r)
                failure.text = (
                    f"{_check_label(r)}: actual {_limit_exact(r.kind, r.actual)} > limit {_limit_exact(r.kind, r.limit)} "
                    f"(headroom {absolute}, {rel})"
                )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _gh_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


def check_github(rep: Any) -> str:
    """GitHub Actions workflow commands: one ``::error`` per exceeded limit, then the plain report."""
    import io

    lines = []
    for m in rep.models:
        if m.uncounted_nodes:
            level = "error" if rep.strict else "warning"
            lines.append(f"::{level} file={_gh_prop(m.path)},title={_gh_prop('dscost check uncounted ops')}::{_gh_data(uncounted_message(m))}")
        for r in m.failures:
            lines.append(f"::error file={_gh_prop(m.path)},title={_gh_prop(f'dscost check {r.key}')}::{_gh_data(check_message(m, r))}")
    buf = io.StringIO()
    _emit_plain(check_doc(rep), buf)
    return "\n".join(lines + [buf.getvalue().rstrip("\n")]) + "\n"


def check_markdown(rep: Any) -> str:
    import io

    buf = io.StringIO()
    _emit_markdown(check_doc(rep), buf)
    return buf.getvalue()


def show_check(rep: Any, fmt: str, out=None) -> None:
    """Print a CheckReport; with ``github``, also append Markdown to $GITHUB_STEP_SUMMARY when set."""
    import os

    out = out or sys.stdout
    if fmt == "junit":
        out.write(check_junit(rep))
    elif fmt == "github":
        out.write(check_github(rep))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as f:
                f.write(check_markdown(rep) + "\n")
    elif fmt in ("table", "json", "csv", "markdown"):
        emit(fmt, doc=lambda: check_doc(rep), data=lambda: check_json(rep), rows=lambda: check_csv(rep), out=out)
    else:
        from dscost.errors import InputError

        raise InputError(f"--format {fmt} is not available for check; use one of {', '.join(CHECK_FORMATS)}")


# ---- diff

_STATUS_MARK = {"added": "+", "removed": "-", "changed": "~", "unchanged": " "}


def _signed(n: int) -> str:
    return "0" if n == 0 else ("+" if n > 0 else "") + human(n)


def _signed_pct(p: float | None) -> str:
    return "-" if p is None else f"{p:+.2f}%"


def _diff_layer_name(d: Any) -> str:
    return f"{d.base.name} -> {d.new.name}" if d.renamed else d.name


def diff_gate_text(g: dict[str, Any] | None) -> str | None:
    if not g:
        return None
    parts = []
    for key, label in (("macs", g["unit"]), ("params", "params")):
        part = g[key]
        state = "exceeds" if part["exceeded"] else "within"
        parts.append(f"{label} {_signed(part['delta'])} ({_signed_pct(part['pct'])}) {state} +{g['threshold']}")
    mark = PASS_MARK if g["passed"] else FAIL_MARK
    return f"{mark} --fail-on-increase {g['threshold']}: " + "; ".join(parts)


def _diff_change(x: Any) -> str:
    """What differs besides the counts: output (or input) shape of a changed layer."""
    if x.status != "changed":
        return ""
    b, n = x.base, x.new
    if tuple(b.output_shape or ()) != tuple(n.output_shape or ()):
        return f"out {dims(b.output_shape)} -> {dims(n.output_shape)}"
    if tuple(b.input_shape or ()) != tuple(n.input_shape or ()):
        return f"in {dims(b.input_shape)} -> {dims(n.input_shape)}"
    return ""


def diff_doc(d: Any, flops: bool = False, show_all: bool = False, gate: dict[str, Any] | None = None) -> Doc:
    s = _scale(flops)
    unit = _unit(flops)
    doc: Doc = [Text(f"dscost diff: {d.base_name} -> {d.new_name}", "title")]
    if d.base_source or d.new_source:
        doc.append(Text(f"base {d.base_source}, new {d.new_source}", "note"))
    bt, nt = d.base_totals, d.new_totals
    doc.append(
        Table(
            "totals",
            ["", "base", "new", "delta", "delta %"],
            [
                [unit, human(s * bt.macs), human(s * nt.macs), _signed(s * d.d_macs), _signed_pct(d.macs_pct)],
                ["params", human(bt.params), human(nt.params), _signed(d.d_params), _signed_pct(d.params_pct)],
            ],
        )
    )
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
            _diff_change(x),
        ])
    summ = d.summary
    note = f"{summ['changed']} changed, {summ['added']} added, {summ['removed']} removed, {summ['unchanged']} unchanged"
    if not show_all and summ["unchanged"]:
        note += " (--all lists unchanged layers)"
    notes = [note]
    if hidden_shape:
        notes.append(f"{_n(hidden_shape, 'shape-only layer')} (identity, dropout, reshape, ...) hidden; --all shows them")
    if rows:
        doc.append(
            Table("layers", ["", "layer", "type", f"base {unit}", f"new {unit}", f"Δ {unit}", "base params", "new params", "Δ params", "shape"], rows, align="lllrrrrrrl", notes=notes)
        )
    else:
        doc.append(Text(f"layers: {'; '.join(notes)}", "note"))
    # A failed gate is reported once, on stderr, by the CLI; a passed one here.
    text = diff_gate_text(gate) if gate and gate["passed"] else None
    if text:
        doc.append(Text(text))
    return doc


def diff_json(d: Any, flops: bool = False, gate: dict[str, Any] | None = None) -> dict[str, Any]:
    def mp(layer: Layer | None) -> dict[str, Any] | None:
        if layer is None:
            return None
        return {
            **_mp(layer.cost, flops),
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
        "base": {"model": d.base_name, "source": d.base_source, **_mp(d.base_totals, flops)},
        "new": {"model": d.new_name, "source": d.new_source, **_mp(d.new_totals, flops)},
        "delta": total_delta,
        "summary": d.summary,
        "layers": layers,
        "fail_on_increase": gate,
    }


def diff_csv(d: Any, flops: bool = False) -> list[list[Any]]:
    """A header row, then one row per layer delta (every layer, unchanged ones too, as
    in the JSON): the JSON layer fields flattened, base_*/new_* empty for an added/removed layer."""
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
    return rows


def show_diff(d: Any, fmt: str, flops: bool = False, show_all: bool = False, gate: dict[str, Any] | None = None) -> None:
    if fmt not in DIFF_FORMATS:
        from dscost.errors import InputError

        raise InputError(f"--format {fmt} is not available for diff; use one of {', '.join(DIFF_FORMATS)}")
    emit(fmt, doc=lambda: diff_doc(d, flops, show_all, gate), data=lambda: diff_json(d, flops, gate), rows=lambda: diff_csv(d, flops))


# ==========================================================================
# 4x. bench, convert, roofline
#
# Renderers for `dscost bench` (one layer, a model, a model vs its converted
# twin, calibration), `dscost convert` and the roofline columns of `analyze`.
# The numbers come from dscost.bench / dscost.convert / dscost.roofline.


def ms(v: float | None) -> str:
    """Milliseconds with 3 significant-ish digits; '-' for None."""
    if v is None:
        return "-"
    if v >= 100:
        return f"{v:,.0f} ms"
    if v >= 10:
        return f"{v:.1f} ms"
    if v >= 0.1:
        return f"{v:.2f} ms"
    return f"{v * 1000:.0f} us"


def seconds(v: float | None) -> str:
    return "-" if v is None else ms(v * 1000)


def times(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}x"


def nbytes(n: float) -> str:
    """1,851,392 -> '1.85MB' (decimal units, as bandwidths are quoted)."""
    return human(n) + "B" if n >= 1000 else f"{n:,.0f}B"


def _bench_flops(flops: bool) -> tuple[int, str, str]:
    return (2, "FLOPs", "GFLOP/s") if flops else (1, "MACs", "GMAC/s")


def _layer_title(g: Any) -> str:
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


def layer_bench_json(r: Any) -> dict[str, Any]:
    """`dscost bench --dk ...` as JSON (a :class:`dscost.bench.LayerBench`)."""
    g = r.geom
    return {
        "variants": {
            name: {"macs": v.macs, **v.timing.json(), "gmacs_per_s": round(v.gmacs_per_s, 3)} for name, v in r.variants.items()
        },
        "theoretical_speedup": round(r.theoretical_speedup, 4),
        "measured_speedup": round(r.measured_speedup, 4),
        "measured_speedup_p10": round(r.measured_speedup_p10, 4),
        "threads": r.threads,
        "runs": r.runs,
        "budget_s": r.budget_s,
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


def layer_bench_doc(r: Any, flops: bool = False) -> Doc:
    k, unit, rate = _bench_flops(flops)
    doc: Doc = [
        Text(f"dscost bench: {_layer_title(r.geom)}", "title"),
        Text(
            f"onnxruntime {r.onnxruntime} CPU, {r.threads} thread{'s' if r.threads != 1 else ''}, {r.runs} timed runs per variant "
            f"in alternating rounds (budget {r.budget_s:g} s, after warm-up)",
            "note",
        ),
    ]
    rows = []
    for name, v in r.variants.items():
        t = v.timing
        rows.append([name, human(k * v.macs), ms(t.median_ms), ms(t.p10_ms), ms(t.p90_ms), f"{t.spread:.0%}", f"{k * v.gmacs_per_s:.1f}"])
    doc.append(Table("Latency", ["variant", unit, "median", "p10", "p90", "spread", rate], rows, notes=["spread = (p90 - p10) / median"]))
    th, me = r.theoretical_speedup, r.measured_speedup
    noisy = " (noisy: not a confident number)" if r.noisy else ""
    srows = [
        ["theoretical (MAC ratio)", times(th)],
        ["measured (median latency ratio)", times(me) + noisy],
        ["measured, fastest runs (p10 latency ratio)", times(r.measured_speedup_p10)],
    ]
    if r.estimate:
        e = r.estimate
        srows.append([f"roofline estimate ({e['hardware']}, {e['dtype']})", times(e["estimated_speedup"])])
    doc.append(Table("Speedup of the separable layer", ["", "speedup"], srows))
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


def layer_bench_csv(r: Any) -> list[list[Any]]:
    """One row per variant: the JSON's variant fields plus the speedups."""
    data = layer_bench_json(r)
    common = {k: data[k] for k in ("theoretical_speedup", "measured_speedup", "threads", "runs", "noisy")}
    return dict_rows([{"variant": name, **v, **common} for name, v in data["variants"].items()])


def show_layer_bench(r: Any, fmt: str, flops: bool = False) -> None:
    emit(fmt, doc=lambda: layer_bench_doc(r, flops), data=lambda: layer_bench_json(r), rows=lambda: layer_bench_csv(r))


def _model_rows(mb: Any, k: int, show_all: bool) -> tuple[list[list[str]], int]:
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


def model_bench_doc(mb: Any, flops: bool = False, show_all: bool = False) -> Doc:
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
        notes.append(f"{hidden} layers without a kernel of their own (BN/activations fused into the conv before them, shape-only ops) hidden; --all shows them")
    if mb.unattributed:
        notes.append("(parenthesised) rows: onnxruntime nodes that match no dscost layer (layout reorders, inserted casts)")
    doc.append(Table("Per layer: MAC share vs time share", ["layer", "type", unit, f"% {unit}", "time", "% time", rate], rows, align="ll" + "r" * 5, notes=notes))
    for n in mb.notices:
        doc.append(Text(f"notice: {n}", "note"))
    return doc


def model_bench_json(mb: Any) -> dict[str, Any]:
    """`dscost bench model.onnx` as JSON (a :class:`dscost.bench.ModelBench`)."""
    from dscost.bench import gmacs_per_s as _rate

    total_macs, total_ms = mb.macs, mb.kernel_ms
    return {
        "model": mb.path,
        "macs": total_macs,
        "latency": mb.latency.json(),
        "gmacs_per_s": round(_rate(total_macs, mb.latency.median_ms), 3),
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
                "gmacs_per_s": round(_rate(lt.macs, lt.ms), 3) if lt.ms else None,
                "onnxruntime_nodes": list(lt.nodes),
            }
            for lt in mb.layers
        ],
        "unattributed": [{"node": n.name, "op": n.op, "time_ms": n.ms} for n in mb.unattributed],
        "estimated_time_s": mb.estimate_s,
        "noisy": mb.latency.noisy,
        "notices": mb.notices,
    }


def model_bench_csv(mb: Any) -> list[list[Any]]:
    d = model_bench_json(mb)
    rows: list[list[Any]] = [["name", "type", "macs", "time_ms", "mac_share", "time_share", "gmacs_per_s"]]
    for lt in d["layers"]:
        rows.append([lt["name"], lt["type"], lt["macs"], lt["time_ms"] if lt["time_ms"] is not None else "", lt["mac_share"],
                     lt["time_share"] if lt["time_share"] is not None else "", lt["gmacs_per_s"] if lt["gmacs_per_s"] is not None else ""])  # fmt: skip
    for n in d["unattributed"]:
        rows.append([n["node"], n["op"], 0, n["time_ms"], 0.0, n["time_ms"] / d["kernel_ms"] if d["kernel_ms"] else "", ""])
    return rows


def show_model_bench(mb: Any, fmt: str, flops: bool = False, show_all: bool = False) -> None:
    emit(fmt, doc=lambda: model_bench_doc(mb, flops, show_all), data=lambda: model_bench_json(mb), rows=lambda: model_bench_csv(mb))


def pair_bench_doc(p: Any, flops: bool = False) -> Doc:
    k, unit, rate = _bench_flops(flops)
    o, c = p.original, p.converted
    doc: Doc = [
        Text(f"dscost bench --convert: {o.path}", "title"),
        Text(
            f"original vs every standard conv made depthwise-separable (converted in a temp file); onnxruntime CPU, "
            f"{o.threads} thread{'s' if o.threads != 1 else ''}, optimization '{o.optimization}', {min(o.latency.runs, c.latency.runs)} runs each in alternating rounds",
            "note",
        ),
    ]
    est = p.estimated_speedup
    whole = [
        ["original", human(k * o.macs), ms(o.latency.median_ms), ms(o.latency.p10_ms), ms(o.latency.p90_ms), seconds(o.estimate_s)],
        ["converted", human(k * c.macs), ms(c.latency.median_ms), ms(c.latency.p10_ms), ms(c.latency.p90_ms), seconds(c.estimate_s)],
    ]
    doc.append(Table("Whole model", ["model", unit, "median", "p10", "p90", "roofline est."], whole))
    noisy = " (noisy: not a confident number)" if o.latency.noisy or c.latency.noisy else ""
    speed = [["theoretical (MAC ratio)", times(p.theoretical_speedup)], ["measured (median latency ratio)", times(p.measured_speedup) + noisy]]
    if est is not None:
        speed.append([f"roofline estimate ({p.hardware}, {p.dtype})", times(est)])
    doc.append(Table("Speedup", ["", "speedup"], speed))
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
        )
    )
    for n in o.notices + c.notices:
        doc.append(Text(f"notice: {n}", "note"))
    return doc


def pair_bench_json(p: Any) -> dict[str, Any]:
    """`dscost bench model.onnx --convert` as JSON (a :class:`dscost.bench.PairBench`)."""
    est = p.estimated_speedup
    return {
        "original": model_bench_json(p.original),
        "converted": model_bench_json(p.converted),
        "theoretical_speedup": round(p.theoretical_speedup, 4),
        "measured_speedup": round(p.measured_speedup, 4),
        "estimated_speedup": round(est, 4) if est else None,
        "hardware": p.hardware,
        "dtype": p.dtype,
        "layers": p.layer_rows(),
        "notices": p.original.notices + p.converted.notices,
    }


def show_pair_bench(p: Any, fmt: str, flops: bool = False) -> None:
    emit(fmt, doc=lambda: pair_bench_doc(p, flops), data=lambda: pair_bench_json(p), rows=lambda: dict_rows(p.layer_rows()))


def calibration_doc(profile: dict, path: Any) -> Doc:
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


def show_calibration(profile: dict, path: Any, fmt: str) -> None:
    data = {**profile, "saved_to": str(path)}
    emit(fmt, doc=lambda: calibration_doc(profile, path), data=lambda: data, rows=lambda: [["key", "value"], *([k, v] for k, v in data.items())])


def conversion_doc(rep: Any) -> Doc:
    direction = "dw+pw blocks -> one standard conv" if rep.reverse else "standard convs -> depthwise + pointwise"
    doc: Doc = [Text(f"dscost convert: {rep.source} -> {rep.output}", "title"), Text(direction, "note")]
    rows = []
    for c in rep.converted:
        err = "-" if c.init_error is None else f"{c.init_error:.1%}"
        rows.append([c.name, dims(c.kernel), f"{c.cin} -> {c.cout}", " + ".join(c.new_nodes), err, c.note])
    err_head = "weight error" if not rep.reverse else "exact"
    if rep.reverse:
        rows = [r[:4] + ["yes" if c.init_error == 0.0 else "no"] + r[5:] for r, c in zip(rows, rep.converted)]
    notes = []
    if not rep.reverse and rep.init == "svd":
        notes.append("weight error = ||W - W_sep|| / ||W|| of the rank-1 SVD initialisation (0% = the original conv was already separable)")
    doc.append(Table(f"Converted ({len(rep.converted)})", ["layer", "kernel", "channels", "new nodes", err_head, "note"], rows, align="llllrl", notes=notes))
    if rep.skipped:
        doc.append(Table(f"Skipped ({len(rep.skipped)})", ["layer", "reason"], [[s.name, s.reason] for s in rep.skipped], align="ll"))
    if rep.predicted is not None and rep.actual is not None:
        ok = "exact match" if rep.exact else "MISMATCH"
        doc.append(
            Table(
                "What-if check (dscost analyze of the result)",
                ["", "MACs", "params"],
                [
                    ["predicted for the original", f"{rep.predicted['macs']:,}", f"{rep.predicted['params']:,}"],
                    ["converted model", f"{rep.actual['macs']:,}", f"{rep.actual['params']:,}"],
                ],
                notes=[ok],
            )
        )
    checks = []
    if rep.checker_passed is not None:
        checks.append("onnx.checker passed" if rep.checker_passed else "onnx.checker failed")
    if rep.output_shapes_equal is not None:
        checks.append("onnxruntime runs it with the same output shapes" if rep.output_shapes_equal else "OUTPUT SHAPES DIFFER in onnxruntime")
    if checks:
        doc.append(Text("; ".join(checks), "note"))
    for n in rep.notes:
        doc.append(Text(f"note: {n}", "note"))
    return doc


CONVERSION_CSV_FIELDS = ["name", "direction", "kernel", "cin", "cout", "new_nodes", "removed_nodes", "init_error", "note"]


def conversion_csv(rep: Any) -> list[list[Any]]:
    """A header row, then one row per converted conv (or merged block with --reverse);
    node lists are joined with spaces, init_error is empty when not measured."""
    direction = rep.json()["direction"]
    rows: list[list[Any]] = [list(CONVERSION_CSV_FIELDS)]
    for c in rep.converted:
        err = "" if c.init_error is None else round(c.init_error, 6)
        rows.append([c.name, direction, dims(c.kernel), c.cin, c.cout, " ".join(c.new_nodes), " ".join(c.removed_nodes), err, c.note])
    return rows


def show_conversion(rep: Any, fmt: str) -> None:
    emit(fmt, doc=lambda: conversion_doc(rep), data=rep.json, rows=lambda: conversion_csv(rep))


# ---- export


def export_json(a: _cost.Analysis, path: Any, info: dict[str, Any]) -> dict[str, Any]:
    m = a.model
    return {
        "model": m.name,
        "source": m.source,
        "output": str(path),
        "nodes": info["nodes"],
        "layers": len(m.layers),
        "bytes": info["bytes"],
        "weight_bytes": info["weight_bytes"],
        "data_file": info["data_file"],
        "data_bytes": info["data_bytes"],
        "weights": "zeros",
        "totals": _cost_json(a.totals, False),
    }


EXPORT_CSV_FIELDS = ["model", "output", "nodes", "layers", "bytes", "weight_bytes", "data_file", "data_bytes", "macs", "params", "weights", "biases", "norm_params", "buffers", "other_ops"]


def export_csv(a: _cost.Analysis, path: Any, info: dict[str, Any]) -> list[list[Any]]:
    d = export_json(a, path, info)
    t = d["totals"]
    row = [d["model"], d["output"], d["nodes"], d["layers"], d["bytes"], d["weight_bytes"], d["data_file"] or "", "" if d["data_bytes"] is None else d["data_bytes"]]
    row += [t[k] for k in EXPORT_CSV_FIELDS[8:]]
    return [list(EXPORT_CSV_FIELDS), row]


def export_doc(a: _cost.Analysis, path: Any, info: dict[str, Any]) -> Doc:
    m, t = a.model, a.totals
    rows = [
        ["ONNX nodes", f"{info['nodes']:,}", ""],
        ["spec layers", f"{len(m.layers):,}", ""],
        ["file size", nbytes(info["bytes"]), f"{info['bytes']:,} bytes"],
    ]
    if info["data_file"]:
        rows.append(["external data", nbytes(info["data_bytes"]), f"{info['data_bytes']:,} bytes in {info['data_file']}"])
    rows += [
        ["initializers (fp32 zeros)", nbytes(info["weight_bytes"]), f"{info['weight_bytes']:,} bytes"],
        ["MACs", human(t.macs), f"{t.macs:,}"],
        ["learnable params", human(t.params), f"{t.params:,}"],
    ]
    return [
        Text(f"dscost export: {m.source} -> {path}", "title"),
        Table("", ["", "value", "exact"], rows, align="lrl", notes=["the weights are all zeros; `dscost analyze` of the file gives the same MACs and params"]),
    ]


def show_export(a: _cost.Analysis, path: Any, info: dict[str, Any], fmt: str) -> None:
    emit(fmt, doc=lambda: export_doc(a, path, info), data=lambda: export_json(a, path, info), rows=lambda: export_csv(a, path, info))


# ---- roofline columns of `analyze`


def _roofline_columns(roof: Any, flops: bool) -> tuple[list[str], dict[str, list[str]]]:
    k = 2 if flops else 1
    heads = ["bytes", f"{'FLOPs' if flops else 'MACs'}/B"]
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


def analysis_roofline_doc(a: Any, roof: Any, flops: bool = False, show_all: bool = False) -> Doc:
    """The analyze document with roofline columns added to the Layers table and a summary."""
    doc = analysis_doc(a, flops, show_all)
    heads, cells = _roofline_columns(roof, flops)
    for item in doc:
        if isinstance(item, Table) and item.title == "Layers":
            item.headers = item.headers + heads
            item.align = (item.align or "l" + "r" * (len(item.headers) - len(heads) - 1)) + "r" * len(heads)
            item.rows = [row + cells.get(row[0], [""] * len(heads)) for row in item.rows]
            item.notes.append(
                f"bytes = (input + weights/BN + output elements) x {DTYPE_BYTES.get(roof.dtype, '?')} B ({roof.dtype}); "
                f"{'FLOPs' if flops else 'MACs'}/B = arithmetic intensity"
            )
            break
    hw = roof.hardware
    if hw is not None:
        bound = {"compute": 0.0, "memory": 0.0}
        for r in roof.layers:
            bound[r.estimate.bound] += r.estimate.time_s
        total = roof.time_s or 0.0
        rows = [
            ["hardware", f"{hw.name}: {hw.description}"],
            ["peak / bandwidth", f"{hw.peak(roof.dtype):.4g} GMAC/s ({roof.dtype}), {hw.bandwidth_gbs:.4g} GB/s; ridge {hw.ridge(roof.dtype):.1f} MACs/byte"],
            ["estimated time", f"{seconds(total)} (compute-bound layers {pct(bound['compute'], total)}, memory-bound {pct(bound['memory'], total)})"],
            ["bytes moved", f"{nbytes(roof.bytes)} at {roof.dtype}"],
            *(
                [[
                    f"what-if: {len(roof.separable_s)} standard conv{'s' if len(roof.separable_s) != 1 else ''} made separable",
                    f"{seconds(roof.all_separable_time_s)} estimated ({times(total / roof.all_separable_time_s)} faster; "
                    f"{times(a.totals.macs / a.all_separable.macs)} fewer MACs)",
                ]]
                if roof.separable_s and roof.all_separable_time_s
                else []
            ),
            ["source", hw.source],
        ]
        notes = [f"note: {n}" for n in roof.notes] + ["estimate = sum over layers of max(MACs / peak, bytes / bandwidth) (roofline model, Williams et al. 2009)"]
        doc.append(Table("Roofline estimate", ["item", "value"], rows, align="ll", notes=notes))
    return doc


def analysis_roofline_json(a: Any, roof: Any, flops: bool = False) -> dict[str, Any]:
    """analyze JSON plus per-layer ``bytes``, ``intensity_macs_per_byte`` (and with hardware
    ``estimated_time_s``, ``bound``) and a top-level ``roofline`` object (keys added, none renamed)."""
    from dscost import roofline as _rf

    d = analysis_json(a, flops)
    by_name = roof.by_name()
    for layer in d["layers"]:
        r = by_name.get(layer["name"])
        if r is not None:
            layer.update(_rf.layer_roofline_json(r, roof.separable_s.get(r.name)))
    d["roofline"] = {
        "dtype": roof.dtype,
        "dtype_bytes": DTYPE_BYTES[roof.dtype],
        "bytes": roof.bytes,
        "intensity_macs_per_byte": round(_rf.intensity(roof.macs, roof.bytes), 4),
        "hardware": _rf.hardware_json(roof.hardware),
        "estimated_time_s": roof.time_s,
        "estimated_all_separable_time_s": roof.all_separable_time_s,
        "notes": roof.notes,
    }
    return d


def analysis_roofline_csv(a: Any, roof: Any, flops: bool = False) -> list[list[Any]]:
    rows = analysis_csv(a, flops)
    by_name = roof.by_name()
    extra = ["bytes", "intensity_macs_per_byte"] + (["estimated_time_s", "bound"] if roof.hardware is not None else [])
    out = [rows[0] + extra]
    for row, layer in zip(rows[1:], a.layers):
        r = by_name.get(layer.name)
        vals: list[Any] = [r.bytes, round(r.intensity, 4)] if r else ["", ""]
        if roof.hardware is not None:
            vals += [r.estimate.time_s, r.estimate.bound] if r else ["", ""]
        out.append(row + vals)
    return out


def show_analysis_roofline(a: Any, roof: Any, fmt: str, flops: bool = False, show_all: bool = False) -> None:
    emit(
        fmt,
        doc=lambda: analysis_roofline_doc(a, roof, flops, show_all),
        data=lambda: analysis_roofline_json(a, roof, flops),
        rows=lambda: analysis_roofline_csv(a, roof, flops),
    )
