"""How many times an ONNX Loop or Scan runs, known before the graph runs (:func:`steps`): a Scan
the length of its scan axis; a Loop its trip count ``M`` when that is a value known before the
graph runs and its condition cannot stop it earlier, or the iterations a counter makes before its
condition -- ``Less(i, 7)`` of a counter the body steps by a constant -- turns false.  Split from
:mod:`dscost.readers.onnx_loops`, which counts the body that many times.

Nothing here does I/O.
"""

from __future__ import annotations

import math

from dscost.cost import counter_values

MAX_STEPS = 10**9  # a larger trip count is a "run until the condition says" sentinel (torch writes 2^63 - 1), not a count

def attr_ints(node, name: str) -> list[int] | None:
    return next((list(a.ints) for a in node.attribute if a.name == name), None)


def attr_int(node, name: str) -> int | None:
    return next((a.i for a in node.attribute if a.name == name), None)



def steps(node, inferred, values: dict, shapes: dict, counters: dict | None = None) -> tuple[int | None, str, str]:
    """``(iterations, where they come from, "")`` of Loop/Scan ``node`` whose body was
    ``inferred`` (values: what the enclosing graph's folding knows), or ``(None, "", reason)``.
    ``counters`` gets the body inputs that count the runs of a Loop (the iteration number, and
    a carried counter its condition compares): ``{name: (value in the first run, step)}``."""
    op, ins = node.op_type, list(node.input)
    if op == "Scan":
        m = attr_int(node, "num_scan_inputs") or 0
        axes = attr_ints(node, "scan_input_axes") or [0] * m
        lengths = set()
        for t, axis in zip(ins[len(ins) - m :], axes):
            s = shapes.get(t)
            if s is None or not -len(s) <= axis < len(s):
                return None, "", f"Scan: the length of the scan axis of {t!r} is not known (its shape is not)"
            lengths.add(s[axis])
        if len(lengths) != 1:
            return None, "", f"Scan: its scan inputs differ in length ({', '.join(map(str, sorted(lengths)))})"
        n = lengths.pop()
        return n, f"axis {axes[0]} of {ins[len(ins) - m]!r}", ""
    trip, cond = ins[0], ins[1] if len(ins) > 1 else ""
    if counters is not None and inferred.graph.input:
        counters[inferred.graph.input[0].name] = (0, 1)  # the iteration number
    m = _one_int(values.get(trip)) if trip else None
    if trip and m is None:
        return None, "", f"Loop: its number of iterations depends on a run-time value: its trip count {trip!r} is not a constant of the graph"
    if m is not None and m > MAX_STEPS:
        if not cond:
            return None, "", f"Loop: its trip count {trip!r} is {m:,}, more than {MAX_STEPS:,}"
        m = None  # torch's "until the condition says": the condition alone counts
    how = f"trip count {trip!r}"
    if not cond:
        return (max(m, 0), how, "") if m is not None else (None, "", "Loop without a trip count or a condition: it never ends")
    start = _one_int(values.get(cond))
    if start is None:
        return None, "", f"Loop: its number of iterations depends on a run-time value: its condition {cond!r}"
    body = inferred.graph
    if not start:
        return 0, f"condition {cond!r} false", ""
    c_in, c_out = body.input[1].name, body.output[0].name
    made = {o: n for n in body.node for o in n.output}
    again = _one_int(inferred.values.get(c_out))
    c_out = copied_from(c_out, made)
    p = made.get(c_out)
    if c_out == c_in or again is not None:
        if m is None:
            return None, "", (f"Loop: its trip count {trip!r} is {values.get(trip).reshape(-1)[0]:,}, more than {MAX_STEPS:,}" if trip
                              else "Loop without a trip count, its condition always true: it never ends")  # fmt: skip
        return (max(m, 0) if again is None or again else min(max(m, 0), 1)), how, ""
    counted = _counted(node, inferred, values, p, made)
    if counted is not None:
        n, how, found = counted
        if counters is not None:
            counters.update(found)
        return (n if m is None else min(n, max(m, 0))), how, ""
    return None, "", (f"Loop: its number of iterations depends on a run-time value: the condition its body computes ({c_out!r}) "
                      f"may stop it before {'its trip count' if trip else 'any count known'}")  # fmt: skip


_COMPARE = {"Less": (0, 0), "LessOrEqual": (0, 1), "Greater": (1, 0), "GreaterOrEqual": (1, 1)}  # (which side is the counter, inclusive)


# Cast's target type -> the largest integer it holds exactly (floats) or at all (integers)
_EXACT_CAST = {1: 1 << 24, 10: 1 << 11, 16: 1 << 8, 11: 1 << 53, 2: 255, 3: 127, 4: 65535, 5: 32767, 6: (1 << 31) - 1,
               12: (1 << 32) - 1, 7: 1 << 62, 13: 1 << 62}  # fmt: skip


def _counted(node, inferred, values: dict, p, made: dict, depth: int = 0) -> tuple[int, str, dict] | None:
    """``(iterations, how, counters)`` of a Loop whose body's condition compares a counter with a constant
    (``i < 10``, torch's ``while_loop``): the counter the iteration number, or a carried value
    that the body steps by a constant, compared before or after its step, maybe through a Cast
    (to a float limit, as tf2onnx writes TensorFlow's ``while_loop``); an ``And`` of such
    conditions runs as long as the shorter; None otherwise.  ``counters``: each counter's body
    input, its value in the first run and its step."""
    if p is not None and p.op_type == "And" and len(p.input) == 2 and depth < 8:
        parts = [_counted(node, inferred, values, made.get(t), made, depth + 1) for t in p.input]
        if None in parts:
            return None
        n, how, _ = min(parts, key=lambda part: part[:2])
        return n, how, {k: v for part in parts for k, v in part[2].items()}
    if p is None or p.op_type not in _COMPARE or len(p.input) != 2:
        return None
    side, inclusive = _COMPARE[p.op_type]
    var, limit = p.input[side], _bound(_known(p.input[1 - side], node, inferred, values, made), inclusive)
    body, ins = inferred.graph, list(node.input)
    names = [vi.name for vi in body.input]
    if limit is None:
        return None
    exact = 1 << 62
    cast = made.get(var)
    if cast is not None and cast.op_type == "Cast" and len(cast.input) == 1:  # compared as another type: exact while it holds the integers
        exact = _EXACT_CAST.get(next((a.i for a in cast.attribute if a.name == "to"), 0), 0)
        var = cast.input[0]
    if abs(limit) > exact:
        return None
    if var == names[0]:  # the iteration number: 0, 1, 2 ...
        start, step, after = 0, 1, False
    else:
        after = var not in names
        if after:  # compared after the step: the body's new value of a carried one
            outs = [vi.name for vi in body.output]
            if var not in outs[1:] or outs.index(var) + 1 >= len(names):
                return None
            var = names[outs.index(var) + 1]
        k = names.index(var) if var in names else -1
        if k < 2 or k >= len(ins):
            return None
        start = _one_int(values.get(ins[k]))
        new = made.get(body.output[k - 1].name)
        if start is None or new is None or new.op_type != "Add" or var not in new.input or len(new.input) != 2:
            return None
        step = _one_int(inferred.values.get(new.input[1] if new.input[0] == var else new.input[0]))
    if step is None or step <= 0 or abs(start) > exact:
        return None
    # the runs: one per counter value the condition lets through, and, when it is compared
    # before its step, the run that computes the value stopping it; one at least (the
    # condition it entered with was true)
    n = max(counter_values(start, limit, step, inclusive) + (0 if after else 1), 1)
    if n > MAX_STEPS or start + n * step > min(exact, _EXACT_CAST.get(inferred.types.get(var, 0), 1 << 62)):
        return None  # (a counter that would pass what its type, or the type it is compared as, holds wraps around: not a count)
    return n, f"counter {var!r} from {start} by {step} while {p.op_type} {limit}", {var: (start, step)}


def _known(t: str, node, inferred, values: dict, made: dict, depth: int = 0):
    """The value of body tensor ``t`` known before the loop runs: a constant of the body, or a
    value the Loop carries through unchanged from the enclosing graph (Keras' RNN loop limit,
    as tf2onnx writes it), through Casts; None otherwise."""
    v = inferred.values.get(t)
    if v is not None:
        return v
    p = made.get(t)
    if p is not None and p.op_type == "Cast" and len(p.input) == 1 and depth < 4:
        v = _known(p.input[0], node, inferred, values, made, depth + 1)
        to = next((a.i for a in p.attribute if a.name == "to"), 0)
        if v is None or to not in _EXACT_CAST:
            return None
        from onnx import helper

        return v.astype(helper.tensor_dtype_to_np_dtype(to))
    outer = dict(carried_through(node, inferred.graph)).get(t)
    return values.get(outer) if outer else None


def _bound(value, inclusive: int) -> int | None:
    """The integer limit equivalent to a one-element limit ``value`` for an integer counter:
    itself when integer; for a float, ``v <= L`` is ``v <= floor(L)`` and ``v < L`` is ``v < ceil(L)``."""
    if value is not None and getattr(value, "size", 0) == 1 and value.dtype.kind == "f":
        x = float(value.reshape(-1)[0])
        if not math.isfinite(x) or abs(x) > 1 << 62:
            return None
        return math.floor(x) if inclusive else math.ceil(x)
    return _one_int(value)


def _one_int(value) -> int | None:
    """The integer in a one-element bool or integer array, else None."""
    if value is None or getattr(value, "size", 0) != 1 or value.dtype.kind not in "biu":
        return None
    return int(value.reshape(-1)[0])



def copied_from(name: str, made: dict) -> str:
    """The tensor ``name`` copies through a chain of Identity nodes (``made``: each output's node),
    or ``name`` itself: spox writes an Identity of every body output, so a condition passed on
    unchanged with ``op.identity`` is two copies of the body's input."""
    for _ in range(64):
        p = made.get(name)
        if p is None or p.op_type != "Identity" or len(p.input) != 1:
            break
        name = p.input[0]
    return name


def carried_through(node, body) -> list[tuple[str, str]]:
    """(body input, outer tensor) of each value a Loop or Scan carries through its body unchanged
    (the body returns the input itself or a copy of it, through Identity nodes)."""
    ins = list(node.input)
    first, n = (2, len(ins)) if node.op_type == "Loop" else (0, len(ins) - (attr_int(node, "num_scan_inputs") or 0))
    out_first = 1 if node.op_type == "Loop" else 0
    made = {o: p for p in body.node for o in p.output}
    pairs = []
    for k in range(first, min(n, len(body.input), len(body.output) - out_first + first)):
        b_in, b_out = body.input[k].name, body.output[k - first + out_first].name
        if copied_from(b_out, made) == b_in:
            pairs.append((b_in, ins[k]))
    return pairs
