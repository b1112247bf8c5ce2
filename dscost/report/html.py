"""`--format html`: one self-contained page (no CDN, no network) with interactive charts.

The charts are drawn by Bokeh (the optional extra ``dscost[html]``), whose BokehJS library
(bokeh.min.js, ~1.3 MB) is inlined into the page, and nothing else: the page opens offline
and is under 5 MB for a 5,000-layer model (benchmarks/html_bench.py).  Bokeh draws on a
canvas, so thousands of bars stay fast, and its hover tool names the layer under the mouse.
The tables are plain HTML built from a JSON array by a few lines of JavaScript (sortable by
clicking a header; Ctrl-F finds a layer), so a big model costs one small array per row.

This module is imported only for ``--format html`` (it is the only one that imports Bokeh);
the command modules (analyze, diff, check) build the content with the helpers here.
Nothing here knows about a particular command.
"""

from __future__ import annotations

import html as _html
import json
from typing import Any, Sequence

from dscost import __version__
from dscost.errors import InputError

PALETTE = {"current": "#4C72B0", "separable": "#DD8452", "compute": "#4C72B0", "memory": "#C44E52", "base": "#8C8C8C", "new": "#4C72B0", "limit": "#C44E52"}
MAX_LABELS = 60  # a bar chart with more rows shows row numbers on its axis (the hover names each row)


def _bokeh():
    try:
        import bokeh  # noqa: F401
    except ImportError:
        raise InputError("--format html needs Bokeh: pip install 'dscost[html]'") from None
    import bokeh.models as models
    import bokeh.plotting as plotting

    return plotting, models


def esc(s: Any) -> str:
    return _html.escape(str(s), quote=True)


def _figure(title: str, height: int = 340, **kw):
    plotting, _ = _bokeh()
    p = plotting.figure(
        title=title, height=height, sizing_mode="stretch_width", tools="pan,xwheel_zoom,box_zoom,reset,save",
        toolbar_location="above", output_backend="canvas", **kw,
    )  # fmt: skip
    p.title.text_font_size = "13px"
    p.outline_line_color = None
    p.grid.grid_line_alpha = 0.4
    return p


def bar_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]], hover: dict[str, Sequence[str]], y_label: str):
    """Side-by-side vertical bars per row: ``series`` = (legend, color, values) each; ``hover``
    = tooltip label -> one string per row (the first names the row)."""
    _, models = _bokeh()
    n = len(labels)
    data: dict[str, Any] = {"x": list(range(n))}
    tips = []
    for i, (label, values) in enumerate(hover.items()):
        data[f"h{i}"] = list(values)
        tips.append((label, f"@h{i}"))
    p = _figure(title, x_range=(-0.6, n - 0.4) if n else (0, 1), y_axis_label=y_label)
    k = len(series)
    width = 0.8 / max(k, 1)
    for j, (legend, color, values) in enumerate(series):
        src = models.ColumnDataSource({**data, "x": [x - 0.4 + width * (j + 0.5) for x in data["x"]], "y": list(values)})
        p.vbar(x="x", top="y", width=width * 0.95, source=src, color=color, legend_label=legend, line_color=None)
    p.add_tools(models.HoverTool(tooltips=tips, point_policy="follow_mouse"))
    p.y_range.start = 0
    p.yaxis.formatter = _si(models)
    if n <= MAX_LABELS:
        p.xaxis.ticker = list(range(n))
        p.xaxis.major_label_overrides = {i: _short(s, 28) for i, s in enumerate(labels)}
        p.xaxis.major_label_orientation = 0.9
    else:
        p.xaxis.axis_label = f"row (1-{n}, in graph order; hover names it)"
    p.xgrid.grid_line_color = None
    p.legend.orientation = "horizontal"
    p.legend.click_policy = "hide"
    p.add_layout(p.legend[0], "above")  # never over the bars
    return p


def _si(models):
    """Axis ticks as 50M, 1.5G (the units of the tables), not numbro's 50m."""
    return models.CustomJSTickFormatter(code="""
        const a = Math.abs(tick), u = ['', 'K', 'M', 'G', 'T', 'P'];
        let i = 0, v = a;
        while (v >= 1000 && i < u.length - 1) { v /= 1000; i++; }
        return (tick < 0 ? '-' : '') + (+v.toFixed(v < 10 && i ? 1 : 0)) + u[i];
    """)


def hbar_chart(title: str, categories: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]], x_label: str, reference: float | None = None, hover: dict[str, Sequence[str]] | None = None):
    """Horizontal bars per category, one per series; ``reference`` draws a vertical line (a limit)."""
    _, models = _bokeh()
    cats = list(reversed(categories))
    p = _figure(title, height=max(200, 46 * len(cats) * max(1, len(series)) // 2 + 130), y_range=models.FactorRange(*cats), x_axis_label=x_label)
    k = len(series)
    for j, (legend, color, values) in enumerate(series):
        data: dict[str, Any] = {"y": [(c) for c in categories], "v": list(values)}
        for i, (label, vals) in enumerate((hover or {}).items()):
            data[f"h{i}"] = list(vals)
        src = models.ColumnDataSource(data)
        offset = -0.4 + 0.8 / k * (j + 0.5)
        from bokeh.transform import dodge

        p.hbar(y=dodge("y", -offset, range=p.y_range), right="v", height=0.8 / k * 0.9, source=src, color=color, legend_label=legend, line_color=None)
    if hover:
        p.add_tools(models.HoverTool(tooltips=[(label, f"@h{i}") for i, label in enumerate(hover)]))
    if reference is not None:
        p.add_layout(models.Span(location=reference, dimension="height", line_color=PALETTE["limit"], line_dash="dashed", line_width=2))
    p.x_range.start = 0
    if reference is not None:  # (the limit line drawn even when every bar is short of it)
        p.x_range.end = max([reference, *(v for _, _, values in series for v in values)]) * 1.08
    p.ygrid.grid_line_color = None
    p.legend.orientation = "horizontal"
    p.add_layout(p.legend[0], "above")  # never over the bars or the limit line
    return p


def roofline_chart(title: str, points: dict[str, Sequence[Any]], peak: float, bandwidth: float, unit: str, extra: dict[str, Sequence[Any]] | None = None):
    """Arithmetic intensity (x, log) against attainable throughput (y, log): the roof
    min(peak, intensity x bandwidth) as two lines, and one point per layer.  ``points`` holds
    ``x``, ``y``, ``size``, ``color``, ``label`` (legend) and hover columns ``name``, ``info``;
    ``extra`` the same for the separable what-ifs (drawn hollow)."""
    _, models = _bokeh()
    xs = [x for x in points["x"]] + [x for x in (extra or {}).get("x", [])]
    lo = min(xs + [peak / bandwidth]) / 4 if xs else 0.01
    hi = max(xs + [peak / bandwidth]) * 4 if xs else 100
    p = _figure(title, height=380, x_axis_type="log", y_axis_type="log", x_axis_label=f"arithmetic intensity ({unit} per byte)", y_axis_label=f"attainable G{unit}/s")
    ridge = peak / bandwidth
    p.line([lo, ridge, hi], [lo * bandwidth, peak, peak], line_color="#333333", line_width=2, legend_label="roof: min(peak, intensity x bandwidth)")
    p.add_layout(models.Span(location=ridge, dimension="height", line_color="#999999", line_dash="dotted"))
    renderers = []
    for legend in dict.fromkeys(points["label"]):
        idx = [i for i, lab in enumerate(points["label"]) if lab == legend]
        src = models.ColumnDataSource({k: [v[i] for i in idx] for k, v in points.items()})
        renderers.append(p.scatter(x="x", y="y", size="size", color="color", alpha=0.65, source=src, legend_label=legend))
    if extra and extra.get("x"):
        src = models.ColumnDataSource(dict(extra))
        renderers.append(p.scatter(x="x", y="y", size="size", line_color=PALETTE["separable"], fill_color=None, line_width=2, source=src, legend_label="standard conv as depthwise + pointwise"))
    p.add_tools(models.HoverTool(renderers=renderers, tooltips=[("layer", "@name"), ("", "@info")]))
    p.legend.location = "bottom_right"
    p.legend.click_policy = "hide"
    return p


# --------------------------------------------------------------------------
# HTML pieces


def cards(items: Sequence[tuple[str, str, str]]) -> str:
    """Headline figures: (label, value, detail) each."""
    out = ['<div class="cards">']
    for label, value, detail in items:
        out.append(f'<div class="card"><div class="label">{esc(label)}</div><div class="value">{esc(value)}</div><div class="detail">{esc(detail)}</div></div>')
    out.append("</div>")
    return "".join(out)


def static_table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "", cls: str = "") -> str:
    align = align or "l" + "r" * (len(headers) - 1)
    th = "".join(f'<th class="{a}">{esc(h)}</th>' for h, a in zip(headers, align))
    body = "".join("<tr>" + "".join(f'<td class="{a}">{esc(c)}</td>' for c, a in zip(r, align)) + "</tr>" for r in rows)
    return f'<table class="static {cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def doc_table(t) -> str:
    """A document :class:`~dscost.report.document.Table`: its title, rows and notes as they are."""
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in t.notes)
    return f"<h2>{esc(t.title)}</h2>" + static_table(t.headers, t.rows, t.aligns()) + notes


def sortable_table(table_id: str, headers: Sequence[str], align: str, rows: Sequence[Sequence[Any]], caption: str = "") -> str:
    """A table rendered in the browser from JSON: a cell is a string, or [shown text, sort value].
    Clicking a header sorts by it (again: the other way); a box filters rows by their first
    column.  Rows are added to the page :data:`WINDOW` at a time as the table is scrolled (a
    browser lays out a 5,000-row table in seconds; the first rows show at once)."""
    data = json.dumps({"headers": list(headers), "align": align, "rows": [list(r) for r in rows]}, separators=(",", ":"))
    data = data.replace("<", "\\u003c")  # (no "</script" nor "<!--" can end or bend the element: JSON reads it as "<")
    cap = f'<p class="caption">{esc(caption)}</p>' if caption else ""
    tid = esc(table_id)
    return (
        f'{cap}<div class="tools"><input type="search" id="{tid}-filter" placeholder="filter by {esc(headers[0])}" aria-label="filter">'
        f' <span class="note" id="{tid}-info"></span> <button type="button" id="{tid}-all">show all rows</button></div>'
        f'<div class="scroll" id="{tid}-scroll"><table class="sortable" id="{tid}" data-rows="{len(rows)}"><thead></thead><tbody></tbody></table></div>'
        f'<script type="application/json" id="{tid}-data">{data}</script>'
    )


WINDOW = 250

_SORT_JS = """
function dscostTables(){
  document.querySelectorAll('table.sortable').forEach(function(t){
    var id=t.id, d=JSON.parse(document.getElementById(id+'-data').textContent), all=d.rows, rows=all, shown=0, dir={}, last=null;
    var box=document.getElementById(id+'-scroll'), info=document.getElementById(id+'-info'), filter=document.getElementById(id+'-filter');
    var tr=document.createElement('tr');
    d.headers.forEach(function(h,j){var th=document.createElement('th');th.textContent=h;th.className=d.align[j]||'r';
      th.title='click to sort';th.onclick=function(){sort(j)};tr.appendChild(th)});
    t.tHead.appendChild(tr);
    function cell(c){return Array.isArray(c)?c[0]:c}
    function key(c){return Array.isArray(c)?c[1]:c}
    function esc(s){return String(s).replace(/&/g,'&amp;').replace(/</g,'&lt;')}
    function more(n){
      var a=d.align, end=Math.min(rows.length, shown+(n||WINDOW)), out=[];
      for(var i=shown;i<end;i++){var r=rows[i],s='<tr>';
        for(var j=0;j<r.length;j++){s+='<td class="'+(a[j]||'r')+'">'+esc(cell(r[j]))+'</td>'}
        out.push(s+'</tr>')}
      t.tBodies[0].insertAdjacentHTML('beforeend',out.join(''));shown=end;
      info.textContent=(shown<rows.length?'showing '+shown+' of ':'')+rows.length+' rows'+(rows.length<all.length?' matching (of '+all.length+')':'')+(shown<rows.length?'; scroll for more':'');
      document.getElementById(id+'-all').style.display=shown<rows.length?'':'none'}
    function reset(){t.tBodies[0].innerHTML='';shown=0;more()}
    function apply(){var q=filter.value.toLowerCase();rows=q?all.filter(function(r){return String(cell(r[0])).toLowerCase().indexOf(q)>=0}):all;reset()}
    function sort(j){
      var up=dir[j]=!dir[j];last=j;
      all.sort(function(x,y){var p=key(x[j]),q=key(y[j]);
        if(typeof p==='number'||typeof q==='number'){p=typeof p==='number'?p:-Infinity;q=typeof q==='number'?q:-Infinity;return up?q-p:p-q}
        return up?String(p).localeCompare(String(q)):String(q).localeCompare(String(p))});
      apply()}
    box.addEventListener('scroll',function(){if(box.scrollTop+box.clientHeight>box.scrollHeight-600&&shown<rows.length)more()});
    filter.addEventListener('input',apply);
    document.getElementById(id+'-all').onclick=function(){more(rows.length)};
    more()})
}
var WINDOW=%d;
document.addEventListener('DOMContentLoaded',dscostTables);
""" % WINDOW

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1280px;margin:0 auto;padding:20px 28px 60px}
h1{font-size:22px;margin:4px 0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub,.caption,.note{color:#666;font-size:12.5px;margin:4px 0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:14px 0}
.card{background:#fff;border:1px solid #e2e2e2;border-radius:8px;padding:10px 14px;min-width:170px}
.card .label{color:#666;font-size:12px}.card .value{font-size:21px;font-weight:600}.card .detail{color:#666;font-size:12px}
.chart{background:#fff;border:1px solid #e2e2e2;border-radius:8px;padding:6px;margin:8px 0}
table{border-collapse:collapse;background:#fff;font-size:12.5px;font-variant-numeric:tabular-nums}
th,td{padding:3px 8px;border-bottom:1px solid #eee;white-space:nowrap}th{background:#f2f2f2;position:sticky;top:0}
table.sortable th{cursor:pointer}table.sortable th:hover{background:#e6e6e6}
td.r,th.r{text-align:right}td.l,th.l{text-align:left}
.scroll{max-height:70vh;overflow:auto;border:1px solid #e2e2e2;border-radius:8px}
.tools{margin:6px 0}.tools input{padding:3px 6px;width:260px}
.pass{color:#2a7a2a;font-weight:600}.fail{color:#b22;font-weight:600}
footer{color:#888;font-size:12px;margin-top:30px}
"""


def page(title: str, body: str, charts: dict[str, Any] | None = None) -> str:
    """The whole document: ``body`` HTML in which ``{{chart:NAME}}`` marks where chart NAME goes."""
    script = ""
    charts = charts or {}
    if charts:
        _bokeh()
        from bokeh.embed import components
        from bokeh.resources import Resources

        import warnings

        with warnings.catch_warnings():  # (a bar past 2**53 MACs loses digits it never shows: Bokeh warns on stderr)
            warnings.filterwarnings("ignore", message="out of range integer")
            script, divs = components(charts)
        for name, div in divs.items():
            body = body.replace(f"{{{{chart:{name}}}}}", f'<div class="chart">{div}</div>')
        js = Resources(mode="inline", components=["bokeh"]).render_js()
    else:
        js = ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_CSS}</style>{js}<script>{_SORT_JS}</script></head>\n"
        f"<body><main>{body}<footer>dscost {esc(__version__)} -- a self-contained page: charts by Bokeh, no network needed</footer></main>\n"
        f"{script}</body></html>\n"
    )


def write_page(text: str, out=None) -> None:
    import sys

    (out or sys.stdout).write(text)


def _short(s: str, n: int) -> str:
    from dscost.report.names import shorten_middle

    return shorten_middle(s, n)


# --------------------------------------------------------------------------
# `dscost analyze --format html`


def analysis_page(a, flops: bool, roofline, memory, view, tables: Sequence[Any] = ()) -> str:
    """The analyze report: headline cards, MACs per row (standard vs separable), Table-2 shares,
    the roofline (with --hardware), ``tables`` (the text report's memory and by-operator tables,
    the same rows and notes) and the full sortable table."""
    from dscost import views
    from dscost.cost import CATEGORIES
    from dscost.report import columns as C
    from dscost.report.counts import PARAMS_CONVENTION, convention, inputs_line, scale, unit
    from dscost.units import human, nbytes, pct, plural, times

    m, t = a.model, a.totals
    k, u = scale(flops), unit(flops)
    groups = views.rollup(a.layers, a.what_if, view.depth) if view.depth else views.group_each(a.layers, a.what_if)
    rows = [g for g in groups if view.show_all or not g.hidden]
    what = "module" if view.depth else "layer"
    body = [f"<h1>{esc(m.name)}</h1>", f'<p class="sub">{esc(m.source)}</p>']
    body += [f'<p class="note">{esc(x)}</p>' for x in (convention(flops), PARAMS_CONVENTION, *([inputs_line(m.inputs)] if m.inputs else []),
                                                      *[f"note: {n}" for n in m.notes])]
    items = [(u, human(k * t.macs), f"{k * t.macs:,}"), ("learnable params", human(t.params), f"{t.params:,}")]
    if memory is not None:
        items.append((f"weights ({' + '.join(memory.weight_types) if len(memory.weight_types) > 1 else memory.weights_dtype})", nbytes(memory.weight_bytes), f"{memory.weight_bytes:,} bytes"))
        items.append((f"peak live activations ({memory.dtype})", nbytes(memory.peak_bytes), f"at {memory.peak_layer}" if memory.peak_layer else ""))
    if a.what_if:
        items.append((f"{plural(len(a.what_if), 'standard conv')} made separable", f"{human(k * a.all_separable.macs)} {u}", f"{times(t.macs / a.all_separable.macs)} fewer {u}, {human(a.all_separable.params)} params"))
    if a.blocks:
        items.append((f"{plural(len(a.blocks), 'dw+pw block')} made standard", f"{human(k * a.all_standard.macs)} {u}", f"{times(a.all_standard.macs / t.macs)} the {u}"))
    if m.uncounted:
        items.append(("uncounted nodes", str(len(m.uncounted)), "their MACs are not in the totals: lower bounds"))
    body.append(cards(items))

    charts: dict[str, Any] = {}
    bars = [g for g in rows if g.cost.macs]
    if bars:
        sep = [k * (g.cost.macs - g.candidates.macs + g.separable_macs) if g.converts else 0 for g in bars]
        charts["bars"] = bar_chart(
            f"{u} per {what}: current and with the standard convs as depthwise + pointwise",
            [g.name for g in bars],
            [("current", PALETTE["current"], [k * g.cost.macs for g in bars]), ("standard convs as depthwise + pointwise", PALETTE["separable"], sep)],
            {what: [g.name for g in bars], u: [human(k * g.cost.macs) for g in bars], "as separable": [human(s) if g.converts else "-" for g, s in zip(bars, sep)],
             "share": [pct(g.cost.macs, t.macs) for g in bars], "type": [g.type for g in bars]},
            u,
        )  # fmt: skip
        body += [f"<h2>{u} per {what}</h2>", "{{chart:bars}}", f'<p class="caption">{len(bars)} {what}s with {u} (of {len(rows)} shown in the table)</p>']

    cats = [c for c in [*CATEGORIES.values(), "other"] if c in a.shares]
    share_rows = [[c, human(k * a.shares[c].macs), pct(a.shares[c].macs, t.macs), human(a.shares[c].params), pct(a.shares[c].params, t.params), human(a.shares[c].weights), pct(a.shares[c].weights, t.weights)] for c in cats]
    charts["shares"] = hbar_chart(
        "Share of the model by layer kind", cats,
        [(f"% {u}", PALETTE["current"], [100 * a.shares[c].macs / t.macs if t.macs else 0 for c in cats]),
         ("% weights", PALETTE["separable"], [100 * a.shares[c].weights / t.weights if t.weights else 0 for c in cats])],
        "percent",
    )  # fmt: skip
    body += ["<h2>Shares by layer kind (MobileNet Table 2)</h2>", static_table(["kind", u, f"% {u}", "params", "% params", "weights", "% weights"], share_rows), "{{chart:shares}}"]

    body.append("<h2>Roofline</h2>")
    if roofline is not None and roofline.hardware is not None:
        charts["roofline"] = _roofline_points(a, roofline, flops)
        hw = roofline.hardware
        body += [
            f'<p class="sub">{esc(hw.name)}: {esc(hw.description)}; peak {hw.peak(roofline.dtype):.4g} GMAC/s ({esc(roofline.dtype)}), {hw.bandwidth_gbs:.4g} GB/s, '
            f"ridge {hw.ridge(roofline.dtype):.1f} MACs/byte; estimated {roofline.time_s * 1e3:.3g} ms</p>",
            "{{chart:roofline}}",
            '<p class="caption">each layer with MACs is a point on the roof at its arithmetic intensity (size: its MACs); hollow: a standard conv as depthwise + pointwise</p>',
        ]
    else:
        body.append('<p class="note">give --hardware NAME (a100, t4, jetson-nano, apple-m1-gpu, rpi4, xeon-8380, local) or --peak-gmacs/--bandwidth-gbs for the roofline chart</p>')

    body += [doc_table(t) for t in tables]
    if m.uncounted:
        body += ["<h2>Uncounted nodes</h2>", static_table(["node", "op", "reason"], [[x.name, x.op, x.reason] for x in m.uncounted], "lll")]

    cands = C.columns(rows, t.macs, flops, bool(view.depth), roofline, memory)
    keys = [key for key in C.default_keys(bool(view.depth), roofline, terminal=False) if key in cands] + [x for x in ("act_bytes", "live") if x in cands and roofline is None] + (["live"] if roofline is not None and "live" in cands else [])
    cols = [cands[key] for key in dict.fromkeys(keys)]
    table_rows = [[c.cells[i] if c.values is None else [c.cells[i], c.values[i]] for c in cols] for i in range(len(rows))]
    hidden = len(groups) - len(rows)
    caption = f"{len(rows)} {what}{'s' * (len(rows) != 1)}" + (f" ({hidden} of shape-only or shape-arithmetic layers hidden; --all includes them)" if hidden else "") + "; click a header to sort"
    body += [f"<h2>{'Modules' if view.depth else 'Layers'}</h2>", sortable_table("layers", [c.header for c in cols], "".join(c.align for c in cols), table_rows, caption)]
    return page(f"dscost: {m.name}", "\n".join(body), charts)


def _roofline_points(a, roofline, flops: bool):
    from math import sqrt

    from dscost.roofline import separable_traffic
    from dscost.units import human, nbytes, seconds

    hw, dt = roofline.hardware, roofline.dtype
    k = 2 if flops else 1
    peak, bw = k * hw.peak(dt), k * hw.bandwidth_gbs
    by = {layer.name: layer for layer in a.layers}
    pts: dict[str, list] = {key: [] for key in ("x", "y", "size", "color", "label", "name", "info")}
    extra: dict[str, list] = {key: [] for key in ("x", "y", "size", "name", "info")}
    total = max(a.totals.macs, 1)
    for r in roofline.layers:
        if not r.macs or not r.bytes:
            continue
        x = k * r.intensity
        size = 5 + 30 * sqrt(r.macs / total)
        pts["x"].append(x)
        pts["y"].append(min(peak, x * bw))
        pts["size"].append(size)
        pts["color"].append(PALETTE[r.estimate.bound])
        pts["label"].append(f"{r.estimate.bound}-bound layer")
        pts["name"].append(r.name)
        pts["info"].append(f"{human(k * r.macs)} {'FLOPs' if flops else 'MACs'}, {nbytes(r.bytes)}, {x:.1f}/B, est. {seconds(r.estimate.time_s)} ({r.estimate.bound})")
        layer = by.get(r.name)
        if r.name in roofline.separable_s and layer is not None and layer.conv is not None:
            macs, nb = separable_traffic(layer.conv, dt)
            xs = k * macs / nb
            extra["x"].append(xs)
            extra["y"].append(min(peak, xs * bw))
            extra["size"].append(5 + 30 * sqrt(macs / total))
            extra["name"].append(f"{r.name} as dw + pw")
            extra["info"].append(f"{human(k * macs)}, {nbytes(nb)}, {xs:.1f}/B, est. {seconds(roofline.separable_s[r.name])}")
    u = "FLOPs" if flops else "MACs"
    return roofline_chart(f"Roofline: {hw.name} ({dt})", pts, peak, bw, u, extra)
