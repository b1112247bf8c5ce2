"""`dscost diff base new`: per-layer and total deltas between two analyses.

Pure: no I/O, no Rich, no third-party imports.

Layers are matched in two passes:

1. by name (a name that occurs exactly once in each model);
2. the layers left over are aligned by position and type: their type sequences
   (in model order) are aligned as a text diff aligns lines (Myers' algorithm: the
   longest common subsequence, found in time that grows with the differences), and
   the layers of equal-type runs are paired in order -- a renamed layer, or the
   same network read once from YAML and once from ONNX, still lines up.  The work is
   bounded (``ALIGN_WORK`` steps): two sequences too different to align within it
   are aligned in windows of ``WINDOW`` layers at the same relative place on both
   sides, each within ``WINDOW``^2 steps; a window still too different pairs only
   its common first and last runs.  (difflib's SequenceMatcher, used before, takes
   cubic time on alternating types: 1,000 layers of conv/relu against 1,000 convs,
   12 s; 40,000 against 40,000, hours.)

Whatever is still unmatched is ``removed`` (base only) or ``added`` (new only).
A matched pair is ``changed`` when its type, shapes, MACs or params differ,
``unchanged`` otherwise.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
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


ALIGN_WORK = 2_000_000  # steps of the alignment of two type sequences (~1 s)
WINDOW = 200  # layers per side in a window, when the whole is too different to align at once


def _align(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Pairs (i, j) of equal elements of ``a`` and ``b``, in order: a longest common
    subsequence (:func:`_lcs`) within ALIGN_WORK steps, else one per window, each within
    WINDOW^2 steps (enough for two windows that share nothing but their types; in all, at most
    WINDOW steps per layer); a window still over its steps pairs its common ends only."""
    pairs, whole = _lcs(a, b, ALIGN_WORK)
    if whole:
        return pairs
    out: list[tuple[int, int]] = []
    count = -(-max(len(a), len(b)) // WINDOW)
    for w in range(count):
        a0, a1 = len(a) * w // count, len(a) * (w + 1) // count
        b0, b1 = len(b) * w // count, len(b) * (w + 1) // count
        out += [(a0 + i, b0 + j) for i, j in _lcs(a[a0:a1], b[b0:b1], max(ALIGN_WORK // count, WINDOW * WINDOW))[0]]
    return out


def _lcs(a: list[str], b: list[str], budget: int) -> tuple[list[tuple[int, int]], bool]:
    """(pairs, True): a longest common subsequence of ``a`` and ``b`` as index pairs, by Myers'
    O((N+M)D) algorithm after pairing their common head and tail; (the head and tail pairs only,
    False) when the rest takes more than ``budget`` steps."""
    n = min(len(a), len(b))
    head = 0
    while head < n and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < n - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    first, last = [(k, k) for k in range(head)], [(len(a) - tail + k, len(b) - tail + k) for k in range(tail)]
    x_end, y_end = len(a) - tail - head, len(b) - tail - head
    mid_a, mid_b = a[head : head + x_end], b[head : head + y_end]
    off = x_end + y_end + 1
    v = [0] * (2 * off + 1)  # v[off + k]: the furthest x reached on diagonal k (x - y = k)
    trace: list[list[int]] = []  # v over k in [-d - 1, d + 1] after each d
    work = d = 0
    while x_end and y_end:  # (one side empty: nothing between the ends to pair)
        work += d + 1
        for k in range(-d, d + 1, 2):
            x = v[off + k + 1] if k == -d or (k != d and v[off + k - 1] < v[off + k + 1]) else v[off + k - 1] + 1
            y = x - k
            start = x
            while x < x_end and y < y_end and mid_a[x] == mid_b[y]:
                x += 1
                y += 1
            work += x - start
            v[off + k] = x
            if x >= x_end and y >= y_end:
                trace.append(v[off - d - 1 : off + d + 2])
                return first + [(head + i, head + j) for i, j in _back(trace, x_end, y_end)] + last, True
            if work > budget:
                return first + last, False
        trace.append(v[off - d - 1 : off + d + 2])
        d += 1
    return first + last, True


def _back(trace: list[list[int]], x: int, y: int) -> list[tuple[int, int]]:
    """The diagonal moves (equal pairs) of the path :func:`_lcs` found, from its end back."""
    pairs: list[tuple[int, int]] = []
    for d in range(len(trace) - 1, 0, -1):
        prev = trace[d - 1]  # k in [-d, d] at index k + d
        k = x - y
        down = k == -d or (k != d and prev[k - 1 + d] < prev[k + 1 + d])
        prev_k = k + 1 if down else k - 1
        prev_x = prev[prev_k + d]
        prev_y = prev_x - prev_k
        while x > prev_x and y > prev_y:
            x, y = x - 1, y - 1
            pairs.append((x, y))
        x, y = prev_x, prev_y
    while x > 0 and y > 0:
        x, y = x - 1, y - 1
        pairs.append((x, y))
    pairs.reverse()
    return pairs


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
