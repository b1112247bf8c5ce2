"""The per-layer (or per-module) columns of `dscost analyze`: one catalogue of keys shared by the
terminal, plain, Markdown and HTML renderers.

Every row is a :class:`dscost.views.Group` -- one layer in the flat table, one module at
``--depth``, or the "... N more" row of ``--top``.  :func:`columns` returns the candidate
:class:`~dscost.report.document.Column` objects for a set of rows; :func:`select` picks the
ones to show: every column when piped (the order and cells of the flat table are those of
earlier releases), the columns that fit by priority on a terminal, or exactly
``--columns a,b,c``.
"""

from __future__ import annotations

from math import fsum
from typing import TYPE_CHECKING

from dscost.errors import InputError
from dscost.layers import Layer
from dscost.report.counts import scale, unit
from dscost.report.document import Column, fit_columns, share_bar
from dscost.units import dims, human, nbytes, pct, seconds, times

if TYPE_CHECKING:
    from dscost.memory import ModelMemory
    from dscost.roofline import ModelRoofline
    from dscost.views import Group

# key: what the column holds (for --columns help and errors).
KEYS = {
    "name": "layer (or module) name",
    "type": "layer type ('module' for a rolled-up row)",
    "layers": "number of layers in the row",
    "kernel": "kernel and stride",
    "shape": "input -> output shape",
    "output": "output shape",
    "macs": "MACs (FLOPs with --flops)",
    "params": "learnable params",
    "pct": "share of the model's MACs",
    "share": "share bar (block characters, scaled to the costliest row)",
    "other_ops": "bias, BN, activation, pooling, add arithmetic",
    "sep_macs": "MACs of the standard convs as depthwise + pointwise",
    "sep_params": "params of the standard convs as depthwise + pointwise",
    "saving": "MACs of the standard convs / sep MACs",
    "act_bytes": "activation bytes: inputs + output at --dtype",
    "live": "activation bytes live while the layer runs (max over a module)",
    "bytes": "roofline bytes moved: inputs + weights/BN + output at --dtype",
    "intensity": "arithmetic intensity, MACs per byte",
    "est_time": "roofline estimated time (--hardware)",
    "bound": "compute- or memory-bound (--hardware)",
    "sep_est": "estimated time as depthwise + pointwise (--hardware)",
    "est_saving": "estimated time / sep est. (--hardware)",
}
ROOFLINE_KEYS = ("bytes", "act_bytes", "intensity", "est_time", "bound", "sep_est", "est_saving")
HARDWARE_KEYS = ("est_time", "bound", "sep_est", "est_saving")
# Lower is kept first when a terminal is too narrow.
PRIORITY = {
    "name": 0, "macs": 1, "params": 2, "pct": 3, "type": 4, "shape": 5, "output": 5.5, "layers": 6, "share": 7,
    "sep_macs": 8, "saving": 9, "est_time": 10, "bound": 11, "sep_params": 12, "kernel": 13, "act_bytes": 14,
    "live": 15, "bytes": 16, "intensity": 17, "sep_est": 18, "est_saving": 19, "other_ops": 20,
}  # fmt: skip
# At --depth a row is a module: its type is mostly 'module' and its shape spans many layers.
DEPTH_PRIORITY = {**PRIORITY, "share": 4.5, "sep_macs": 4.6, "saving": 4.7, "layers": 8.5, "type": 9.5}
# --hardware asked for a time estimate: it comes before the shapes (80 columns kept none of it)
HARDWARE_PRIORITY = {"est_time": 4.8, "bound": 4.9}
HINT = "pick columns with --columns name,macs,sep_macs,...; piped (| cat) or --format markdown shows every column"


def kernel_text(layer: Layer) -> str:
    g = layer.conv
    k = layer.kernel or (g.kernel if g else None)
    if not k:
        return ""
    s = dims(k)
    if g is not None and any(x != 1 for x in g.stride):
        s += f" s{g.stride[0] if len(set(g.stride)) == 1 else dims(g.stride)}"
    return s


def default_keys(depth: bool, roofline: ModelRoofline | None, terminal: bool) -> list[str]:
    """The columns shown without --columns (on a terminal: the candidates fitting chooses from)."""
    keys = ["name", "type", *(["layers"] if depth else []), "kernel", "shape", *(["output"] if terminal else []), "macs", "params", "pct"]
    keys += ["share"] if terminal else []
    keys += ["other_ops", "sep_macs", "sep_params", "saving"]
    if roofline is not None:
        keys += ["bytes", "act_bytes", "intensity"]
        if roofline.hardware is not None:
            keys += list(HARDWARE_KEYS)
        if terminal:
            keys += ["live"]
    return keys


def parse_columns(text: str | None, roofline: ModelRoofline | None, depth: bool) -> list[str] | None:
    """``--columns``: comma-separated keys (or ``all``) -> the keys, in the order given."""
    if text is None:
        return None
    wanted = [k.strip().lower().replace("-", "_") for k in text.split(",") if k.strip()]
    if not wanted:
        raise InputError("--columns: give column names separated by commas, or all")
    if wanted == ["all"]:
        keys = default_keys(depth, roofline, terminal=False)
        i = keys.index("pct") + 1
        return keys[:i] + ["share"] + keys[i:] + (["live"] if roofline is not None else ["act_bytes", "live"])
    for k in wanted:
        if k not in KEYS:
            raise InputError(f"--columns: unknown column {k!r}; choose from all, {', '.join(KEYS)}")
        if k in HARDWARE_KEYS and (roofline is None or roofline.hardware is None):
            raise InputError(f"--columns {k}: needs --hardware (or --peak-gmacs/--bandwidth-gbs)")
        if k in ("bytes", "intensity") and roofline is None:
            raise InputError(f"--columns {k}: needs --dtype or --hardware")
    return list(dict.fromkeys(wanted))


def _visible(g: Group) -> list[Layer]:
    from dscost.views import hidden_by_default

    return [x for x in g.layers if not hidden_by_default(x)] or g.layers


def columns(
    rows: list[Group], total_macs: int, flops: bool, depth: bool, roofline: ModelRoofline | None = None, memory: ModelMemory | None = None, more: Group | None = None,
) -> dict[str, Column]:  # fmt: skip
    """Every candidate column for ``rows`` (and the "... N more" row ``more``), by key."""
    k, u = scale(flops), unit(flops)
    every = rows + ([more] if more is not None else [])
    is_more = [False] * len(rows) + [True] * (more is not None)
    single = [len(g.layers) == 1 and g.layers[0].name == g.name and not m for g, m in zip(every, is_more)]
    cols: dict[str, list[str]] = {key: [] for key in KEYS}
    vals: dict[str, list] = {key: [] for key in KEYS}
    top = max((g.cost.macs for g in rows), default=0)
    rl = roofline.by_name() if roofline is not None else {}
    mem = memory.by_name() if memory is not None else {}
    for g, one, m in zip(every, single, is_more):
        c = g.cost
        vis = _visible(g)
        first, last = vis[0], vis[-1]
        cols["name"].append(g.name)
        cols["type"].append("" if m else (g.layers[0].type if one else "module"))
        cols["layers"].append(str(len(g.layers)))
        vals["layers"].append(len(g.layers))
        cols["kernel"].append(kernel_text(first) if one else "")
        cols["shape"].append("" if m else f"{dims(first.input_shape)} -> {dims(last.output_shape)}")
        cols["output"].append("" if m else dims(last.output_shape))
        cols["macs"].append(human(k * c.macs))
        cols["params"].append(human(c.params))
        cols["pct"].append(pct(c.macs, total_macs) if c.macs else "")
        cols["share"].append(share_bar(c.macs / top) if top and c.macs and not m else "")
        cols["other_ops"].append(human(c.other_ops) if c.other_ops else "")
        for key, v in (("macs", k * c.macs), ("params", c.params), ("pct", c.macs / total_macs if total_macs else 0), ("share", c.macs), ("other_ops", c.other_ops)):
            vals[key].append(v)
        conv = g.converts  # (the "... N more" row too: it sums the what-ifs of the convs in it)
        cols["sep_macs"].append(human(k * g.separable_macs) if conv else "")
        cols["sep_params"].append(human(g.separable_params) if conv else "")
        cols["saving"].append(f"{g.candidates.macs / g.separable_macs:.2f}x" if conv and g.separable_macs else "")
        vals["sep_macs"].append(k * g.separable_macs if conv else None)
        vals["sep_params"].append(g.separable_params if conv else None)
        vals["saving"].append(g.candidates.macs / g.separable_macs if conv and g.separable_macs else None)
        if memory is not None:
            ms = [mem[x.name] for x in g.layers if x.name in mem]
            act = sum(x.activation_bytes for x in ms)
            cols["act_bytes"].append(nbytes(act) if act else "")
            cols["live"].append("" if m or not ms else nbytes(max(x.live_bytes for x in ms)))
            vals["act_bytes"].append(act)
            vals["live"].append(None if m or not ms else max(x.live_bytes for x in ms))
        if roofline is not None:
            rs = [rl[x.name] for x in g.layers if x.name in rl]
            nb = sum(r.bytes for r in rs)
            macs = sum(r.macs for r in rs)
            cols["bytes"].append(nbytes(nb) if nb else "")
            cols["intensity"].append(f"{k * macs / nb:.1f}" if macs and nb else "")
            vals["bytes"].append(nb)
            vals["intensity"].append(k * macs / nb if macs and nb else None)
            if roofline.hardware is not None:
                t = fsum([r.estimate.time_s for r in rs])  # (fsum: the same on every Python, see roofline.ModelRoofline.time_s)
                compute = fsum([r.estimate.time_s for r in rs if r.estimate.bound == "compute"])
                cols["est_time"].append(seconds(t) if nb or macs else "")
                cols["bound"].append(("compute" if compute >= t - compute else "memory") if (nb or macs) and not m else "")
                seps = [(roofline.separable_s[r.name], r.estimate.time_s) for r in rs if r.name in roofline.separable_s]
                sep, std = fsum([s for s, _ in seps]), fsum([t for _, t in seps])
                ok = seps and not m
                cols["sep_est"].append(seconds(sep) if ok else "")
                cols["est_saving"].append(times(std / sep) if ok else "")
                vals["est_time"].append(t if nb or macs else None)
                vals["sep_est"].append(sep if ok else None)
                vals["est_saving"].append(std / sep if ok else None)
    headers = {
        "name": "module" if depth else "layer", "type": "type", "layers": "layers", "kernel": "kernel", "shape": "input -> output",
        "output": "output", "macs": u, "params": "params", "pct": f"% {u}", "share": "share", "other_ops": "other ops",
        "sep_macs": f"sep {u}", "sep_params": "sep params", "saving": "saving", "act_bytes": "act bytes", "live": "live",
        "bytes": "bytes", "intensity": f"{u}/B", "est_time": "est. time", "bound": "bound", "sep_est": "sep est.", "est_saving": "est. saving",
    }  # fmt: skip
    left = {"name", "type", "kernel", "shape", "output", "share"}
    priority = {**(DEPTH_PRIORITY if depth else PRIORITY), **(HARDWARE_PRIORITY if roofline is not None and roofline.hardware is not None else {})}
    out = {}
    for key, cells in cols.items():
        if len(cells) != len(every):
            continue  # not available (no memory / roofline / hardware)
        prio = priority[key]
        v = vals[key] if len(vals[key]) == len(cells) else None
        out[key] = Column(key, headers[key], cells, "l" if key in left else "r", prio, shrink=key == "name", alt_of="shape" if key == "output" else None, values=v)
    return out


def select(cands: dict[str, Column], keys: list[str], width: int | None, explicit: bool) -> tuple[list[Column], list[Column]]:
    """(shown, dropped) among ``keys``: with ``explicit`` (--columns) exactly those, only the
    name shortened to fit (when even so they do not fit, the first listed, as many as fit);
    else fitted by priority to ``width`` (None: every column).  Fitted here, not later by the
    document, so the table's legends are those of the columns shown."""
    chosen = [cands[k] for k in keys if k in cands]
    if not explicit:
        return fit_columns(chosen, width)
    if width is not None:
        original = [(c.cells, c.priority) for c in chosen]
        for c in chosen:
            c.priority = c.priority if c.shrink else -1  # keep all; let the name shrink
        kept, _ = fit_columns(chosen, width)
        if len(kept) == len(chosen):
            return kept, []
        for i, (c, (cells, _)) in enumerate(zip(chosen, original)):
            c.cells, c.priority = cells, i
        return fit_columns(chosen, width)
    return chosen, []
