"""`dscost diff base new`: per-layer and total deltas between two analyses.

Pure: no I/O, no Rich, no third-party imports.

Layers are matched in two passes:

1. by name (a name that occurs exactly once in each model);
2. the layers left over are aligned by position and type: their type sequences
   (in model order) are aligned with :class:`difflib.SequenceMatcher`, and the
   layers of equal-type runs are paired in order -- a renamed layer, or the
   same network read once from YAML and once from ONNX, still lines up.
   SequenceMatcher compares every layer of one side with each of the same type on
   the other (10,000 renamed ReLUs: 10^8 pairs, minutes); when that exceeds
   ``MATCH_WORK`` pairs, the common first and last runs are paired directly and
   what is left between them is aligned in windows of ``WINDOW`` layers at the same
   relative place on both sides (:func:`_align`), so time stays linear in the layers.

Whatever is still unmatched is ``removed`` (base only) or ``added`` (new only).
A matched pair is ``changed`` when its type, shapes, MACs or params differ,
``unchanged`` otherwise.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from fractions import Fraction

from dscost.layers import Cost, Layer

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
UNCHANGED = "unchanged"
STATUSES = (CHANGED, ADDED, REMOVED, UNCHANGED)


@dataclass(frozen=True)
class LayerDelta:
    status: str  # added | removed | changed | unchanged
    base: Layer | None
    new: Layer | None
    matched_by: str | None = None  # "name" | "position" | None

    @property
    def name(self) -> str:
        """The new name, or the base name of a removed layer."""
        return self.new.name if self.new is not None else self.base.name

    @property
    def renamed(self) -> bool:
        return self.base is not None and self.new is not None and self.base.name != self.new.name

    @property
    def type(self) -> str:
        return self.new.type if self.new is not None else self.base.type

    @property
    def base_cost(self) -> Cost:
        return self.base.cost if self.base is not None else Cost()

    @property
    def new_cost(self) -> Cost:
        return self.new.cost if self.new is not None else Cost()

    @property
    def d_macs(self) -> int:
        return self.new_cost.macs - self.base_cost.macs

    @property
    def d_params(self) -> int:
        return self.new_cost.params - self.base_cost.params


def pct(delta: int, base: int) -> float | None:
    """Relative change in percent; None when the base is 0 (undefined)."""
    if base == 0:
        return None if delta else 0.0
    return delta / base * 100


@dataclass
class ModelDiff:
    base_name: str
    new_name: str
    base_totals: Cost
    new_totals: Cost
    layers: list[LayerDelta] = field(default_factory=list)
    base_source: str = ""
    new_source: str = ""
    base_inputs: list[tuple] = field(default_factory=list)  # the input shapes counted (Model.inputs)
    new_inputs: list[tuple] = field(default_factory=list)
    base_uncounted: list = field(default_factory=list)  # the nodes each side could not count (Model.uncounted): its totals miss their work
    new_uncounted: list = field(default_factory=list)

    @property
    def d_macs(self) -> int:
        return self.new_totals.macs - self.base_totals.macs

    @property
    def d_params(self) -> int:
        return self.new_totals.params - self.base_totals.params

    @property
    def macs_pct(self) -> float | None:
        return pct(self.d_macs, self.base_totals.macs)

    @property
    def params_pct(self) -> float | None:
        return pct(self.d_params, self.base_totals.params)

    def count(self, status: str) -> int:
        return sum(1 for d in self.layers if d.status == status)

    @property
    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in STATUSES}


def _differs(a: Layer, b: Layer) -> bool:
    return (
        a.type != b.type
        or tuple(a.input_shape) != tuple(b.input_shape)
        or tuple(a.output_shape) != tuple(b.output_shape)
        or a.cost.macs != b.cost.macs
        or a.cost.params != b.cost.params
    )


def match_layers(base: list[Layer], new: list[Layer]) -> dict[int, tuple[int, str]]:
    """new index -> (base index, "name" | "position")."""
    base_names = Counter(layer.name for layer in base)
    new_names = Counter(layer.name for layer in new)
    base_index = {layer.name: i for i, layer in enumerate(base)}
    pairs: dict[int, tuple[int, str]] = {}
    for j, layer in enumerate(new):
        if new_names[layer.name] == 1 and base_names.get(layer.name) == 1:
            pairs[j] = (base_index[layer.name], "name")
    used = {i for i, _ in pairs.values()}
    rest_base = [i for i in range(len(base)) if i not in used]
    rest_new = [j for j in range(len(new)) if j not in pairs]
    for a, b in _align([base[i].type for i in rest_base], [new[j].type for j in rest_new]):
        pairs[rest_new[b]] = (rest_base[a], "position")
    return pairs


MATCH_WORK = 4_000_000  # pairs of equal types SequenceMatcher may compare (~0.4 s)
WINDOW = 1_000  # layers per side in a window of the bounded alignment


def _work(a: list[str], b: list[str]) -> int:
    """How many pairs of equal elements SequenceMatcher would compare."""
    counts = Counter(b)
    return sum(counts.get(x, 0) for x in a)


def _matched(a: list[str], b: list[str], ia: int = 0, ib: int = 0) -> list[tuple[int, int]]:
    """SequenceMatcher's pairs (index in a + ia, index in b + ib)."""
    sm = SequenceMatcher(None, a, b, autojunk=False)
    return [(ia + block.a + k, ib + block.b + k) for block in sm.get_matching_blocks() for k in range(block.size)]


def _align(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Pairs (i, j) of equal elements of ``a`` and ``b``, in order: SequenceMatcher's when its
    work is at most MATCH_WORK pairs, else :func:`_ends` with windows."""
    return _matched(a, b) if _work(a, b) <= MATCH_WORK else _ends(a, b, 0, 0, windows=True)


def _ends(a: list[str], b: list[str], ia: int, ib: int, windows: bool) -> list[tuple[int, int]]:
    """The common head and tail of ``a`` and ``b`` paired directly; the middle by SequenceMatcher,
    or (``windows``, when its work is over MATCH_WORK) in windows of WINDOW elements of ``a`` and
    as many of ``b`` at the same relative place, each aligned as here without windows."""
    n = min(len(a), len(b))
    head = 0
    while head < n and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < n - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    out = [(ia + k, ib + k) for k in range(head)]
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    if not windows or _work(mid_a, mid_b) <= MATCH_WORK:
        out += _matched(mid_a, mid_b, ia + head, ib + head)
    else:
        count = -(-max(len(mid_a), len(mid_b)) // WINDOW)
        for w in range(count):
            a0, a1 = len(mid_a) * w // count, len(mid_a) * (w + 1) // count
            b0, b1 = len(mid_b) * w // count, len(mid_b) * (w + 1) // count
            out += _ends(mid_a[a0:a1], mid_b[b0:b1], ia + head + a0, ib + head + b0, windows=False)
    out += [(ia + len(a) - tail + k, ib + len(b) - tail + k) for k in range(tail)]
    return out


def diff(base, new) -> ModelDiff:
    """Deltas between two :class:`~dscost.cost.Analysis` objects, rows in model order
    (new layers in order; a removed layer appears where it stood in the base)."""
    bl, nl = base.layers, new.layers
    pairs = match_layers(bl, nl)
    matched_base = {i for i, _ in pairs.values()}
    out = ModelDiff(base.model.name, new.model.name, base.totals, new.totals, base_source=str(base.model.source), new_source=str(new.model.source),
                    base_inputs=list(base.model.inputs), new_inputs=list(new.model.inputs),
                    base_uncounted=list(base.model.uncounted), new_uncounted=list(new.model.uncounted))  # fmt: skip
    flushed = [0]  # base layers before this index are listed (removed ones) or matched

    def flush_removed(upto: int) -> None:
        for i in range(flushed[0], upto):
            if i not in matched_base:
                out.layers.append(LayerDelta(REMOVED, bl[i], None))
        flushed[0] = max(flushed[0], upto)

    # For each new position, the base index of the next matched layer: removed
    # base layers before it are listed first (like a unified diff: - then +).
    next_base = [len(bl)] * (len(nl) + 1)
    for j in range(len(nl) - 1, -1, -1):
        next_base[j] = pairs[j][0] if j in pairs else next_base[j + 1]
    for j, layer in enumerate(nl):
        flush_removed(next_base[j])
        if j in pairs:
            i, how = pairs[j]
            status = CHANGED if _differs(bl[i], layer) else UNCHANGED
            out.layers.append(LayerDelta(status, bl[i], layer, how))
        else:
            out.layers.append(LayerDelta(ADDED, None, layer))
    flush_removed(len(bl))
    return out


def exceeds(delta: int, base: int, threshold: tuple[str, int | Fraction]) -> bool:
    """Did a value grow past ``threshold`` ("relative", share) or ("absolute", amount)?
    Exactly at the threshold passes; a decrease never fails."""
    kind, amount = threshold
    if delta <= 0:
        return False
    if kind == "absolute":
        return delta > amount
    if base == 0:
        return True  # any growth from zero is unbounded
    return Fraction(delta, base) > amount


def uncounted_gate(base: list, new: list) -> dict:
    """Did the new model's uncounted part grow: more nodes, more nodes of some op type (a conv
    moved into a custom op while another custom op went away), or more learned weights consumed
    by them?  Any of these puts work where neither side's totals see it."""
    from collections import Counter

    before, after = Counter(u.op for u in base), Counter(u.op for u in new)
    more = sorted(op for op in after if after[op] > before[op])
    params = {"base": sum(u.params for u in base), "new": sum(u.params for u in new)}
    return {"base": len(base), "new": len(new), "more_of": {op: [before[op], after[op]] for op in more}, "params": params,
            "exceeded": len(new) > len(base) or bool(more) or params["new"] > params["base"]}  # fmt: skip


def increase_gate(d: ModelDiff, threshold_text: str, threshold: tuple[str, int | Fraction], flops: bool = False) -> dict:
    """`--fail-on-increase`: did MACs (FLOPs) or params grow past the threshold, or the nodes
    that could not be counted grow (:func:`uncounted_gate`: work moved where the totals do not
    see it: a custom op, a loop on data)?  An absolute threshold is in the reported unit (FLOPs with
    ``flops``) for MACs, in params for params; with ``flops`` the MAC part is under the key
    ``flops``, as its numbers are."""
    scale = 2 if flops else 1
    macs = {
        "base": scale * d.base_totals.macs,
        "new": scale * d.new_totals.macs,
        "delta": scale * d.d_macs,
        "pct": d.macs_pct,
        "exceeded": exceeds(scale * d.d_macs, scale * d.base_totals.macs, threshold),
    }
    params = {
        "base": d.base_totals.params,
        "new": d.new_totals.params,
        "delta": d.d_params,
        "pct": d.params_pct,
        "exceeded": exceeds(d.d_params, d.base_totals.params, threshold),
    }
    uncounted = uncounted_gate(d.base_uncounted, d.new_uncounted)
    return {
        "threshold": threshold_text,
        "kind": threshold[0],
        "unit": "FLOPs" if flops else "MACs",
        "flops" if flops else "macs": macs,  # (the key says what its numbers count)
        "params": params,
        "uncounted": uncounted,
        "passed": not (macs["exceeded"] or params["exceeded"] or uncounted["exceeded"]),
    }
