"""`dscost analyze`: per-layer table, totals, Table-2 shares, what-ifs, uncounted ops;
with a roofline (``--dtype``/``--hardware``) extra per-layer columns and an estimate table."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from dscost.dtypes import DTYPE_BYTES, dtype_bits
from dscost.layers import Cost
from dscost.report.counts import PARAMS_CONVENTION, convention, convention_json, cost_json, input_json, inputs_line, macs_params_json, scale, uncounted_json, unit
from dscost.report.document import Doc, Table, Text, emit, output_file
from dscost.report.jsontext import Encoded
from dscost.report.memory import memory_json, memory_table
from dscost.units import dims, factor, faster_or_slower, human, nbytes, pct, plural, seconds, times

if TYPE_CHECKING:
    from dscost.cost import Analysis
    from dscost.memory import ModelMemory
    from dscost.roofline import Hardware, ModelRoofline

_ZERO = Cost()
CSV_FIELDS = ["name", "type", "op", "kernel", "input_shape", "output_shape", "macs", "params", "weights", "biases", "norm_params", "buffers", "other_ops", "separable_macs", "separable_params"]


# --------------------------------------------------------------------------
# Roofline columns (composed into the Layers table when a roofline is given)


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
        ["bytes moved", f"{nbytes(roof.bytes)} at {roof.dtype}" + (", weights at their own types" if roof.per_layer_weights else
                                                                     f", weights at {dtype_bits(roof.weight_dtype) / 8:g} B" if roof.weight_dtype else "")],
    ]
    if roof.separable_s and roof.all_separable_time_s:
        rows.append([
            f"what-if: {plural(len(roof.separable_s), 'standard conv')} made separable",
            f"{seconds(roof.all_separable_time_s)} estimated ({faster_or_slower(total / roof.all_separable_time_s)}; "
            f"{times(a.totals.macs / a.all_separable.macs)} fewer MACs)",
        ])
    rows.append(["source", hw.source])
    notes = [f"note: {n}" for n in roof.notes] + ["estimate = sum over layers of max(MACs / peak, bytes / bandwidth) (roofline model, Williams et al. 2009)"]
    return Table("Roofline estimate", ["item", "value"], rows, align="ll", notes=notes, shrink=None, wrap=1)  # (the value word-wrapped, never dropped)


# --------------------------------------------------------------------------
# Table and Markdown


class View:
    """How the per-layer table is shown: ``show_all`` (hidden rows too), ``depth`` (roll-up by
    module path), ``top`` (the N costliest rows), ``columns`` (keys from --columns)."""

    def __init__(self, show_all: bool = False, depth: int | None = None, top: int | None = None, columns: list[str] | None = None) -> None:
        self.show_all, self.depth, self.top, self.columns = show_all, depth, top, columns

    @classmethod
    def from_options(cls, show_all: bool, depth: int | None, top: int | None, columns: str | None, roofline: ModelRoofline | None) -> View:
        """From the CLI flags; ``--columns`` is checked against the columns there are (roofline ones need --dtype/--hardware)."""
        from dscost.report.columns import parse_columns

        return cls(show_all, depth, top, parse_columns(columns, roofline, bool(depth)))


def _hidden_note(a: Analysis, view: View, hidden_rows: int) -> str | None:
    from dscost.views import is_shape_arithmetic, is_shape_only

    if view.show_all or not hidden_rows:
        return None
    if view.depth:
        return f"{plural(hidden_rows, 'row')} holding only shape-only or shape-arithmetic layers hidden; --all shows them"
    only = [x for x in a.layers if is_shape_only(x)]
    ops = list(dict.fromkeys(x.op or x.type for x in only))  # (what they are: Identity, Reshape, flatten...)
    shape = f"{plural(len(only), 'shape-only layer')} ({', '.join(ops[:3])}{', ...' if len(ops) > 3 else ''})"
    arith = sum(1 for x in a.layers if is_shape_arithmetic(x))
    if not arith:
        return f"{shape} hidden; --all shows them"
    return f"{shape} and {plural(arith, 'shape-arithmetic layer')} (scalars and short vectors: Shape -> Gather -> Concat, ...) hidden; --all shows them"


def rows_of(a: Analysis, view: View):
    """(rows shown, the "... N more" row or None, hidden row count) of the per-layer table."""
    from dscost import views

    groups = views.rollup(a.layers, a.what_if, view.depth) if view.depth else views.group_each(a.layers, a.what_if)
    shown = [g for g in groups if view.show_all or not g.hidden]
    hidden = len(groups) - len(shown)
    more = None
    if view.top is not None and view.top < len(shown):
        shown, rest = views.top(shown, view.top, key=lambda g: g.cost.macs)
        more = views.Group(f"… {len(rest)} more {'modules' if view.depth else 'layers'}")
        for g in rest:  # (and their what-ifs, as a module row sums its convs')
            more.layers.extend(g.layers)
            more.cost = more.cost + g.cost
            more.candidates = more.candidates + g.candidates
            more.separable_macs += g.separable_macs
            more.separable_params += g.separable_params
            more.converts += g.converts
    return shown, more, hidden


def layers_table(
    a: Analysis, flops: bool, view: View, roofline: ModelRoofline | None, memory: ModelMemory | None, width: int | None,
) -> Table:  # fmt: skip
    """The Layers (or Modules) table; ``width`` None: piped (every column), else fitted to a terminal."""
    from dscost.report import columns as C

    u = unit(flops)
    rows, more, hidden = rows_of(a, view)
    cands = C.columns(rows, a.totals.macs, flops, bool(view.depth), roofline, memory, more)
    keys = view.columns or C.default_keys(bool(view.depth), roofline, terminal=width is not None)
    shown, dropped = C.select(cands, keys, width, explicit=view.columns is not None)
    have = {c.key for c in shown}
    notes = []
    hidden_note = _hidden_note(a, view, hidden)
    if hidden_note:
        notes.append(hidden_note)
    if view.depth:
        notes.append(f"modules: layers rolled up by module path at depth {view.depth} (node-name prefixes, spec groups); every sum is exact")
    if view.top is not None and more is not None:
        notes.append(f"--top {view.top}: the costliest {'modules' if view.depth else 'layers'} by {u}, then the rest summed")
    if "share" in have:
        notes.append(f"share: {u} as a bar, scaled to the costliest row")
    if "other_ops" in have:
        notes.append("other ops: bias additions, BN, activation, pooling and add arithmetic (not in MACs)")
    if have & {"sep_macs", "sep_params", "saving"}:
        what = "the layer" if not view.depth else "the row's standard convs"
        notes.append(f"sep {u} / sep params: {what} as depthwise Dk x Dk + pointwise 1x1 (standard convs with kernel > 1x1, more than one input and output channel)")
    if roofline is not None and have & {"bytes", "intensity"}:
        weights = ""
        types = ", ".join(roofline.weight_types)
        if roofline.per_layer_weights:  # (each layer's weights at their own type: Layer.weight_bits)
            weights = f", weights each at its own type ({types})"
        elif roofline.weight_dtype:  # (weights of a size of their own: int4)
            weights = f", weights {dtype_bits(roofline.weight_dtype) / 8:g} B ({roofline.weight_dtype})"
        notes.append(f"bytes = (inputs + weights/BN + output elements) x {DTYPE_BYTES.get(roofline.dtype, '?')} B ({roofline.dtype}){weights}; {u}/B = arithmetic intensity")
    if memory is not None and have & {"act_bytes", "live"}:
        parts = (["act bytes = (inputs + output elements) x " f"{memory.dtype_bytes} B"] if "act_bytes" in have else []) + (
            ["live = activation bytes held while the layer runs (see Memory)"] if "live" in have else []
        )
        notes.append("; ".join(parts))
    if dropped:
        from dscost.report.document import DEFAULT_HINT, dropped_note

        notes.append(dropped_note(dropped, width or 0, DEFAULT_HINT if view.columns is not None else C.HINT))  # (--columns given: not suggested again)
    if width is not None and not view.depth and view.top is None and len(rows) > 40:
        notes.append(f"{len(rows)} rows: --depth 2 rolls them up by module, --top 20 keeps the costliest")
    body = [[c.cells[i] for c in shown] for i in range(len(rows) + (more is not None))]
    return Table("Modules" if view.depth else "Layers", [c.header for c in shown], body, "".join(c.align for c in shown), notes, shrink=None)


def _headline(a: Analysis, flops: bool, memory: ModelMemory | None) -> str:
    k, u, t = scale(flops), unit(flops), a.totals
    parts = [f"{human(k * t.macs)} {u}", f"{human(t.params)} params"]
    if memory is not None:
        parts.append(f"peak activations {nbytes(memory.peak_bytes)} ({memory.dtype})")
    if a.what_if and t.macs:
        parts.append(f"{plural(len(a.what_if), 'standard conv')} made separable: {human(k * a.all_separable.macs)} {u} ({times(t.macs / a.all_separable.macs)} fewer)")
    if a.model.uncounted:
        parts.append(f"{plural(len(a.model.uncounted), 'uncounted node')}: lower bounds")
    return " | ".join(parts)


def operator_table(a: Analysis, flops: bool, show_all: bool = False) -> Table:
    from dscost.layers import Cost
    from dscost.views import by_operator

    k, u, t = scale(flops), unit(flops), a.totals
    ops = by_operator(a.layers)
    free = [o for o in ops if o.cost == Cost()]
    shown = ops if show_all else [o for o in ops if o.cost != Cost()]
    rows = [
        [o.op, f"{o.count:,}", human(k * o.cost.macs), pct(o.cost.macs, t.macs) if o.cost.macs else "", human(o.cost.params), human(o.cost.other_ops) if o.cost.other_ops else ""]
        for o in shown
    ]
    notes = []
    if free and not show_all:
        names = ", ".join(o.op for o in free[:6]) + (", ..." if len(free) > 6 else "")
        n = sum(o.count for o in free)
        notes.append(f"{plural(n, 'layer')} of {plural(len(free), 'op')} that cost nothing ({names}) {'has' if n == 1 else 'have'} no row here; --all gives them rows")
    if a.model.uncounted:
        notes.append("uncounted nodes are listed apart")
    return Table("By operator", ["op", "count", u, f"% {u}", "params", "other ops"], rows, notes=notes)


def analysis_doc(
    a: Analysis, flops: bool = False, show_all: bool = False, roofline: ModelRoofline | None = None, memory: ModelMemory | None = None,
    view: View | None = None, width: int | None = None,
) -> Doc:  # fmt: skip
    """The report as a document; ``width`` None: the piped layout, else a terminal's (summary first,
    fitted to ``width``)."""
    view = view or View(show_all=show_all)
    m = a.model
    k = scale(flops)
    u = unit(flops)
    t = a.totals
    doc: Doc = [Text(f"{m.name}  ({m.source})", "title"), Text(convention(flops), "note")]
    doc.append(Text(PARAMS_CONVENTION, "note"))
    if m.inputs:
        doc.append(Text(inputs_line(m.inputs), "note"))
    for note in m.notes:
        doc.append(Text(f"note: {note}", "note"))
    if width is not None:
        doc.append(Text(_headline(a, flops, memory), "title"))
    layers = layers_table(a, flops, view, roofline, memory, width)
    summary: Doc = []
    rest: Doc = []
    summary.append(
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
    rest.append(
        Table(
            "Shares by layer kind (MobileNet Table 2)",
            ["kind", u, f"% {u}", "params", "% params", "weights", "% weights"],
            share_rows,
            notes=["% weights counts conv/FC weights only (no biases, no BN), as MobileNet's Table 2 does; % params counts all learnable params"],
        )
    )

    ws = [  # (a variant that changes nothing -- no standard conv, no dw+pw block -- is no row)
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
    ws = [ws[0]] + [row for row, n in zip(ws[1:], (len(a.what_if), len(a.blocks))) if n]
    summary.append(Table("What if (whole model)", ["variant", u, f"{u} vs current", "params", "params vs current"], ws, shrink=None))
    if memory is not None:
        summary.append(memory_table(memory))
    rest.append(operator_table(a, flops, view.show_all))

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
        rest.append(
            Table(
                f"Uncounted ops ({plural(len(m.uncounted), 'node')}; their MACs are NOT in the totals above)",
                ["op", "count", "nodes", "params", "reason"],
                urows,
                align="lrlrl",
                notes=[f"params: learned tensors these nodes consume ({held:,}), counted in the totals as weights"] if held else [],
                priority=[0, 1, 4, 2, 3],  # on a terminal the reason is kept (wrapped), the node names go first
                shrink=None,
                wrap=4,
            )
        )
    if roofline is not None and roofline.hardware is not None:
        rest.append(_roofline_table(a, roofline))
    if width is not None:  # a terminal: the summary before the long per-layer list
        return doc + summary + [layers] + rest
    # piped: the order of earlier releases (Layers, Totals, Shares, What if), then the new tables
    totals, what_if, *memory_t = summary
    return doc + [layers, totals, rest[0], what_if, *memory_t, *rest[1:]]


# --------------------------------------------------------------------------
# JSON


def _share_json(c: Cost, totals: Cost, flops: bool) -> dict[str, Any]:
    """A layer kind's share: macs, params, plus weights and the weights'
    percentage of all weights (MobileNet Table 2 counts weights only)."""
    return {**macs_params_json(c, flops), "weights": c.weights, "weights_pct": 100 * c.weights / totals.weights if totals.weights else None}


def hardware_json(hw: Hardware | None) -> dict | None:
    from dataclasses import asdict

    return None if hw is None else asdict(hw)


def modules_json(a: Analysis, depth: int, flops: bool) -> list[dict[str, Any]]:
    """Every module row at ``depth`` (hidden ones too, flagged): exact sums."""
    from dscost.views import rollup

    out = []
    for g in rollup(a.layers, a.what_if, depth):
        d: dict[str, Any] = {"name": g.name, "type": g.type, "layers": len(g.layers), "hidden_by_default": g.hidden}
        d.update(cost_json(g.cost, flops))
        d["what_if"] = None
        if g.converts:
            d["what_if"] = {"convs": g.converts, "macs": g.candidates.macs, "params": g.candidates.params, "separable_macs": g.separable_macs, "separable_params": g.separable_params}
            if flops:  # (as a layer's what-if has it)
                d["what_if"].update(flops=2 * g.candidates.macs, separable_flops=2 * g.separable_macs)
        out.append(d)
    return out


def _layer_rows(a: Analysis, roofline: ModelRoofline | None, memory: ModelMemory | None):
    """Per layer: (layer, its what-if, memory row, roofline row, separable time), None where absent."""
    separable_s = roofline.separable_s if roofline is not None else {}
    what_if = a.what_if
    roof_rows = _aligned(a.layers, roofline.layers if roofline is not None else None)
    mem_rows = _aligned(a.layers, memory.layers if memory is not None else None)
    for layer, lm, r in zip(a.layers, mem_rows, roof_rows):
        name = layer.name
        yield layer, what_if.get(name), lm, r, separable_s.get(name)


def _aligned(layers, rows):
    """``rows`` (memory or roofline rows, each with a ``name``) in the order of ``layers``, None
    where a layer has none: ``rows`` as they are when they follow the layers one to one (as
    model_memory and model_roofline give them), else looked up by name."""
    if rows is None:
        return itertools.repeat(None)
    if len(rows) == len(layers) and all([r.name == layer.name for r, layer in zip(rows, layers)]):
        return rows
    by_name = {r.name: r for r in rows}
    return [by_name.get(layer.name) for layer in layers]


def _layer_json(layer, name, inputs, flops: bool, w, mem: tuple | None, r, sep) -> dict[str, Any]:
    """One layer's dict, keys in a fixed order; ``mem``: (activation_bytes, live_bytes)."""
    from dscost.cost import category
    from dscost.views import hidden_by_default

    kernel = layer.kernel or (layer.conv.kernel if layer.conv else ())
    d: dict[str, Any] = {
        "name": name,
        "type": layer.type,
        "op": layer.op,
        "category": category(layer),
        "inputs": inputs,
        "input_shape": list(layer.input_shape) if layer.input_shape is not None else None,
        "output_shape": list(layer.output_shape) if layer.output_shape is not None else None,
        "kernel": list(kernel) if kernel else None,
        **cost_json(layer.cost, flops),
    }
    if w:
        d["what_if"] = {"separable_macs": w.separable_macs, "separable_params": w.separable_params}
        if flops:
            d["what_if"]["separable_flops"] = 2 * w.separable_macs
    else:
        d["what_if"] = None
    if layer.note:
        d["note"] = layer.note
    if hidden_by_default(layer):
        d["hidden_by_default"] = True
    if mem is not None:
        d["activation_bytes"], d["live_bytes"] = mem
    if r is not None:
        d["bytes"] = r.bytes
        d["intensity_macs_per_byte"] = round(r.intensity, 4)
        if r.estimate is not None:
            d["estimated_time_s"] = r.estimate.time_s
            d["bound"] = r.estimate.bound
        if sep is not None:
            d["estimated_separable_time_s"] = sep
    return d


def _layers_json(a: Analysis, flops: bool, roofline: ModelRoofline | None, memory: ModelMemory | None):
    """One dict per layer (:func:`_layer_json`)."""
    for layer, w, lm, r, sep in _layer_rows(a, roofline, memory):
        mem = (lm.activation_bytes, lm.live_bytes) if lm is not None else None
        yield _layer_json(layer, layer.name, list(layer.inputs), flops, w, mem, r, sep)


# What varies from one layer of a repeated block to the next: its name, its inputs and its memory
# figures.  Each is a slot in a line encoded once per distinct rest (see _layer_lines).
_SLOTS = ("\x00name", "\x00inputs", "\x00activation", "\x00live")


def _layer_lines(a: Analysis, flops: bool, roofline: ModelRoofline | None, memory: ModelMemory | None):
    """The lines ``json.dumps`` writes for :func:`_layers_json`'s dicts, made fast: a line is
    encoded once per distinct layer content, with slots for what varies (``_SLOTS``), and
    filled per layer (a 100k-layer chain repeats three kinds of line).  The key holds every
    input of :func:`_layer_json` but the slots."""
    import json

    esc = json.encoder.encode_basestring_ascii  # what json.dumps writes for a str
    slots = [esc(s) for s in _SLOTS]
    templates: dict[tuple, list[str] | None] = {}
    for layer, w, lm, r, sep in _layer_rows(a, roofline, memory):
        key = (layer.type, layer.op, layer.input_shape, layer.output_shape, layer.kernel, layer.conv, layer.cost, layer.note,
               w, lm is None, None if r is None else (r.macs, r.bytes, r.estimate), sep)  # fmt: skip
        parts = templates.get(key, False)
        if parts is False:
            if len(templates) >= 4096:  # a graph of distinct layers: bounded memory
                templates.clear()
            text = json.dumps(_layer_json(layer, _SLOTS[0], _SLOTS[1], flops, w, None if lm is None else _SLOTS[2:], r, sep))
            parts = templates[key] = _split(text, slots if lm is not None else slots[:2])
        if parts is None:  # a slot's text elsewhere in the line (a NUL in a note): no template
            mem = (lm.activation_bytes, lm.live_bytes) if lm is not None else None
            yield Encoded(json.dumps(_layer_json(layer, layer.name, list(layer.inputs), flops, w, mem, r, sep)))
            continue
        line = [parts[0], esc(layer.name), parts[1], "[" + ", ".join(map(esc, layer.inputs)) + "]", parts[2]]
        if lm is not None:
            line += [str(lm.activation_bytes), parts[3], str(lm.live_bytes), parts[4]]
        yield Encoded("".join(line))


def _split(text: str, slots: list[str]) -> list[str] | None:
    """``text`` cut at each of ``slots`` (in order, each once), or None."""
    if any(text.count(s) != 1 for s in slots):
        return None
    parts = []
    for s in slots:
        head, _, text = text.partition(s)
        parts.append(head)
    return parts + [text]


def analysis_json(a: Analysis, flops: bool = False, roofline: ModelRoofline | None = None, memory: ModelMemory | None = None,
                  depth: int | None = None, lazy: bool = False) -> dict[str, Any]:  # fmt: skip
    """Stable keys, exact integers.  With a roofline: per-layer ``bytes``, ``intensity_macs_per_byte``
    (with hardware ``estimated_time_s``, ``bound``) and a top-level ``roofline`` object.  With
    ``memory``: per-layer ``activation_bytes`` and ``live_bytes`` and a ``memory`` object; with
    ``depth`` a ``modules`` list (the roll-up).  ``lazy``: ``layers`` is a generator, written as
    it is made (a 100k-layer model is never held as a list of dicts)."""
    from dscost.views import by_operator

    m = a.model
    layers = _layer_lines(a, flops, roofline, memory) if lazy else _layers_json(a, flops, roofline, memory)
    out = {
        "model": m.name,
        "source": m.source,
        "inputs": input_json(m.inputs),
        "convention": convention_json(flops),
        "notes": list(m.notes),
        "layers": layers if lazy else list(layers),
        "totals": cost_json(a.totals, flops),
        "shares": {cat: _share_json(c, a.totals, flops) for cat, c in a.shares.items()},
        "what_if": {
            "all_separable": {**macs_params_json(a.all_separable, flops), "convs": len(a.what_if)},
            "all_standard": {**macs_params_json(a.all_standard, flops), "blocks": len(a.blocks)},
        },
        "blocks": [{"depthwise": b.depthwise, "middle": list(b.middle), "pointwise": b.pointwise} for b in a.blocks],
        "uncounted": uncounted_json(m.uncounted),
        "by_operator": [{"op": o.op, "count": o.count, **macs_params_json(o.cost, flops), "other_ops": o.cost.other_ops} for o in by_operator(a.layers)],
    }
    if memory is not None:
        out["memory"] = memory_json(memory)
    if depth:
        out["modules"] = modules_json(a, depth, flops)
    if roofline is not None:
        from dscost.roofline import intensity

        out["roofline"] = {
            "dtype": roofline.dtype,
            "dtype_bytes": DTYPE_BYTES[roofline.dtype],
            "dtype_source": roofline.dtype_source,
            "weight_dtype": roofline.weight_dtype or roofline.dtype,
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


def modules_csv(a: Analysis, depth: int, flops: bool) -> list[list[Any]]:
    """``--depth``: a header, then one row per module (hidden ones too)."""
    header = ["name", "type", "layers", "macs", *(["flops"] if flops else []), "params", "weights", "biases", "norm_params", "buffers", "other_ops", "separable_macs", "separable_params", "hidden_by_default"]
    rows: list[list[Any]] = [header]
    for g in modules_json(a, depth, flops):
        w = g["what_if"] or {}
        rows.append([g["name"], g["type"], g["layers"], g["macs"], *([g["flops"]] if flops else []), g["params"], g["weights"], g["biases"], g["norm_params"], g["buffers"], g["other_ops"], w.get("separable_macs", ""), w.get("separable_params", ""), str(g["hidden_by_default"]).lower()])
    return rows


def analysis_csv(a: Analysis, flops: bool = False, roofline: ModelRoofline | None = None, memory: ModelMemory | None = None, depth: int | None = None) -> list[list[Any]]:
    if depth:
        return modules_csv(a, depth, flops)
    header = list(CSV_FIELDS)
    if flops:
        header.insert(header.index("macs") + 1, "flops")
    hw = roofline is not None and roofline.hardware is not None
    if roofline is not None:
        header += ["bytes", "intensity_macs_per_byte"] + (["estimated_time_s", "bound"] if hw else [])
    if memory is not None:
        header += ["activation_bytes", "live_bytes"]
    rows: list[list[Any]] = [header]
    for layer, w, lm, r, _ in _layer_rows(a, roofline, memory):
        c = layer.cost
        k = layer.kernel or (layer.conv.kernel if layer.conv else None)
        row: list[Any] = [layer.name, layer.type, layer.op, dims(k) if k else "", dims(layer.input_shape), dims(layer.output_shape), c.macs]
        if flops:
            row.append(2 * c.macs)
        row += [c.params, c.weights, c.biases, c.norm_params, c.buffers, c.other_ops, w.separable_macs if w else "", w.separable_params if w else ""]
        if roofline is not None:
            row += [r.bytes, round(r.intensity, 4)] if r else ["", ""]
            if hw:
                row += [r.estimate.time_s, r.estimate.bound] if r else ["", ""]
        if memory is not None:
            row += [lm.activation_bytes, lm.live_bytes] if lm else ["", ""]
        rows.append(row)
    for u in a.model.uncounted:  # (type "uncounted": its work is not in the totals; its params are)
        lead = [u.name, "uncounted", u.op, "", "", "", "", *([""] if flops else []), u.params]
        rows.append(lead + [""] * (len(header) - len(lead)))
    return rows


def show_analysis(
    a: Analysis, fmt: str, flops: bool = False, show_all: bool = False, roofline: ModelRoofline | None = None,
    memory: ModelMemory | None = None, view: View | None = None, out=None, output: str | None = None,
) -> None:  # fmt: skip
    """Write the report in ``fmt`` to ``out`` (default stdout), or to the file ``output``."""
    view = view or View(show_all=show_all)
    with output_file(output, fmt) as f:
        out = f or out
        if fmt == "html":
            from dscost.report import html
            from dscost.report.html import write_page

            tables = ([memory_table(memory)] if memory is not None else []) + [operator_table(a, flops, view.show_all)]
            write_page(html.analysis_page(a, flops, roofline, memory, view, tables), out)
            return
        emit(
            fmt,
            doc=lambda: analysis_doc(a, flops, roofline=roofline, memory=memory, view=view),
            terminal=lambda width: analysis_doc(a, flops, roofline=roofline, memory=memory, view=view, width=width),
            data=lambda: analysis_json(a, flops, roofline, memory, view.depth, lazy=True),
            rows=lambda: analysis_csv(a, flops, roofline, memory, view.depth),
            out=out,
        )
