"""A TFLite WHILE whose number of steps is known from the file: counted as its body times that.

Keras 3 converts an LSTM, GRU or SimpleRNN layer to a WHILE: the cond subgraph compares loop
counters with constants (``LESS(i, 16) AND LESS(t, 16)``), the body adds a constant step to each
counter, and the main graph gives their start (a float counter's runs are followed in its type).  When every comparison of the condition is of
that kind, the loop runs min over them of ceil((limit - start) / step) times (LESS_EQUAL:
ceil((limit - start + 1) / step)); when every op of the body has a handler, one run of the body costs the
sum of its ops, and the WHILE costs that times the steps (its params once).  A WHILE in the body
is counted so too, in each step; a start or limit the main graph computes from shapes has the
value the input sizes give; a body stored at batch 1 and run at another is counted at its
operands' sizes, propagated through it.  Anything else -- a condition on data, a counter moved by
a computed step, an op without a handler -- leaves the WHILE uncounted, as before.

Nothing here does I/O.
"""

from __future__ import annotations

import struct
from dataclasses import replace
from math import prod
from typing import NamedTuple

from dscost import cost as C
from dscost.layers import Cost
from dscost.readers.handlers import HANDLER_ERRORS, UnknownShape
from dscost.readers.tflite_file import CONTROL_FLOW, FLOAT_FORMAT, FUSED_ACTIVATIONS, Subgraph, TFLiteFile
from dscost.readers.tflite_ops import HANDLERS, SHAPE_OPS, NodeInfo, fused_activation
from dscost.readers.tflite_propagate import propagate
from dscost.readers.tflite_shapes import DATA_SIZED_OPS, downstream, dynamic_tensors

MAX_STEPS = 10**9
MAX_TRACED = 1024  # steps of a loop whose shapes are followed step by step (each a propagation through its body)
MAX_TRACED_OPS = 100_000  # ... and body ops over all those steps (a bound on the time it takes)
MAX_FLOAT_RUNS = 1 << 16  # a float counter's runs are followed one by one, at most this many
MAX_DEPTH = 8  # loops in loops counted, at most this deep
MOVES_DATA = (*SHAPE_OPS, "CONCATENATION")  # (zero arithmetic whatever the sizes: tflite_ops)
_LESS = {"LESS": 0, "LESS_EQUAL": 1}  # low < high, low <= high (one more step when it divides)
_GREATER = {"GREATER": 0, "GREATER_EQUAL": 1}  # high > low, high >= low
# STABLEHLO_COMPARE's comparison_direction (StablehloComparisonDirection) -> the TFLite comparison
_DIRECTIONS = {5: "LESS", 4: "LESS_EQUAL", 3: "GREATER", 2: "GREATER_EQUAL"}
_UNSIGNED = frozenset({3, 15, 16})  # UINT8, UINT32, UINT16: a counter of these wraps around below 0
# The largest integer a counter of each TensorType holds exactly: past it, it wraps around or rounds
_EXACT = {0: 1 << 24, 1: 1 << 11, 2: (1 << 31) - 1, 3: 255, 4: 1 << 62, 7: 32767, 9: 127, 10: 1 << 53, 15: (1 << 32) - 1, 16: 65535}


class Loop(NamedTuple):
    steps: int
    run: Cost  # one run of the body (a loop in it: its steps times its body's)
    ops: int  # the ops of the body
    body: str  # its name
    subgraphs: frozenset[int]  # the cond and body subgraphs counted, nested loops' too


def counted_loop(f: TFLiteFile, g: Subgraph, op, const: set[int], within: frozenset[int] = frozenset(), values: dict[int, int] | None = None) -> Loop | None:
    """The steps and the cost of one run of the body of a WHILE ``op`` of ``g``, or None when
    either is not known from the file.  ``const``: the constants of ``g`` (with data, or made of
    one: a DEQUANTIZE's output); an operand the body passes on unchanged is a constant of the body
    when it is one of them (the float16 file of a TF loop whose biases TensorFlow moved out of the
    body and dequantizes before it).  ``within``: the subgraphs of the loops this one is in (a body
    that runs itself again is not counted, nor a loop more than :data:`MAX_DEPTH` deep).
    ``values``: integers of ``g`` known otherwise (:func:`shape_scalars`: a limit computed from a
    shape, ``tf.range(tf.shape(x)[1])``)."""
    found = _subgraphs(f, op)
    if found is None:
        return None
    cond_i, body_i, cond, body = found
    if cond_i in within or body_i in within or len(within) >= 2 * MAX_DEPTH:
        return None
    moved = set()  # (operands of another size than the body stores, where its shape is dynamic: counted only if the body just moves them)
    for outer, inner in zip(op.inputs, body.inputs):  # (a body stored at batch 1 run at the batch --input-shape gave: not its count)
        a, b = (g.tensors[outer].shape if outer >= 0 else None), body.tensors[inner].shape
        if a is not None and b is not None and tuple(a) != tuple(b):
            sig = body.tensors[inner].signature
            if not sig or len(sig) != len(b) or len(a) != len(b) or any(x != y and d >= 0 for x, y, d in zip(a, b, sig)):
                return None
            moved.add(inner)
    if moved:  # (the body at its operands' sizes, where its shapes follow from them and stay so from step to step)
        body, moved = _resized(body, {inner: tuple(g.tensors[outer].shape) for outer, inner in zip(op.inputs, body.inputs) if inner in moved}, moved)
    steps = _steps(g, op, cond, body, cond.outputs[0], _written_once(cond), values or {})
    if steps is None or not 0 <= steps <= MAX_STEPS:
        return None
    captured = {inner for k, (outer, inner) in enumerate(zip(op.inputs, body.inputs)) if outer in const and body.outputs[k] == inner}
    nest = within | {cond_i, body_i}
    run = _run_cost(body, captured, moved, lambda loop, known: counted_loop(f, body, loop, known, nest))
    if run is None:
        return None
    return Loop(steps, run[0], len(body.ops), body.name, frozenset(nest | run[1]))


def _subgraphs(f: TFLiteFile, op) -> tuple[int, int, Subgraph, Subgraph] | None:
    """The cond and body subgraphs of a WHILE ``op`` (their indices and themselves), or None when
    the file does not hold them as a WHILE needs: a one-output cond, both taking its operands and
    the body giving back as many."""
    cond_i, body_i = op.options.get("CondSubgraphIndex"), op.options.get("BodySubgraphIndex")
    if not all(isinstance(i, int) and 0 < i < len(f.graphs) for i in (cond_i, body_i)):
        return None
    cond, body = f.graphs[cond_i], f.graphs[body_i]
    n = len(op.inputs)
    if len(cond.outputs) != 1 or len(cond.inputs) != n or len(body.inputs) != n or len(body.outputs) != n:
        return None
    return cond_i, body_i, cond, body


def loop_shapes(f: TFLiteFile, g: Subgraph, op, shapes: dict[int, tuple[int, ...]], values: dict[int, tuple[int, ...]]) -> list[tuple[int, ...] | None]:
    """The shapes of the outputs of a WHILE ``op`` of ``g`` at its operands' ``shapes``, followed
    through its body step by step (:mod:`tflite_propagate`, the counters' ``values`` each step)
    when its steps are known (at most :data:`MAX_TRACED`, :data:`MAX_TRACED_OPS` ops in all) and every shape of every step follows:
    a ``tf.TensorArray`` of 5 steps that the file stores as one ([1, 1, 8], shape_signature [-1,
    1, 8]) and the body rewrites as seq[:i] ++ row ++ seq[i+1:] comes back [5, 1, 8] (round 49:
    left unknown without the interpreter, and so what the graph computes from it).  None for
    each output otherwise."""
    unknown: list[tuple[int, ...] | None] = [None] * len(op.outputs)
    found = _subgraphs(f, op)
    if found is None or len(op.outputs) != len(op.inputs):
        return unknown
    _, _, cond, body = found
    scalars = {t: v[0] for t, v in values.items() if len(v) == 1}
    steps = _steps(g, op, cond, body, cond.outputs[0], _written_once(cond), scalars)
    if steps is None or not 0 <= steps <= MAX_TRACED or steps * len(body.ops) > MAX_TRACED_OPS:
        return unknown
    sizes, known = [shapes.get(t) if t >= 0 else None for t in op.inputs], [values.get(t) if t >= 0 else None for t in op.inputs]
    for _ in range(steps):
        if any(size is None for size in sizes):
            return unknown
        given = {inner: v for inner, v in zip(body.inputs, known) if v is not None}
        found = propagate(body, dict(zip(body.inputs, sizes)), DATA_SIZED_OPS, given)
        sizes, known = [found.get(t) for t in body.outputs], [given.get(t) for t in body.outputs]
    return sizes


def _resized(body: Subgraph, sizes: dict[int, tuple[int, ...]], moved: set[int]) -> tuple[Subgraph, set[int]]:
    """``body`` with the shapes of its inputs ``sizes`` (a body stored at batch 1, run at the
    batch --input-shape gave: round 49) and of what is computed from them, propagated op by op
    (:mod:`tflite_propagate`), when each input of those sizes comes back from the body at its
    size; then only the tensors computed from them whose shape is not known are ``moved`` (the
    body may only move them).  Else ``body`` and ``moved`` as they are."""
    shapes = propagate(body, sizes, DATA_SIZED_OPS)
    if any(shapes.get(body.outputs[body.inputs.index(t)]) != size for t, size in sizes.items()):
        return body, moved
    computed = downstream(body, set(sizes), set(range(len(body.tensors))))
    tensors = [replace(t, shape=shapes[i], signature=shapes[i]) if i in computed and i in shapes else t for i, t in enumerate(body.tensors)]  # (sized: no placeholder)
    return replace(body, tensors=tensors), {t for t in computed if t not in shapes}


def _steps(g: Subgraph, op, cond: Subgraph, body: Subgraph, t: int, producer: dict, values: dict[int, int], depth: int = 0) -> int | None:
    """How many times the condition tensor ``t`` lets the loop run (None: not known)."""
    p = producer.get(t)
    if p is None or depth > 16 or len(p.inputs) != 2:
        return None
    opname = _DIRECTIONS.get(p.options.get("ComparisonDirection"), "") if p.opname == "STABLEHLO_COMPARE" else p.opname
    if opname in ("LOGICAL_AND", "STABLEHLO_AND"):
        a, b = (_steps(g, op, cond, body, i, producer, values, depth + 1) for i in p.inputs)
        return None if a is None or b is None else min(a, b)
    if opname in _LESS:
        low, high, inclusive = p.inputs[0], p.inputs[1], _LESS[opname]
    elif opname in _GREATER:
        high, low, inclusive = p.inputs[0], p.inputs[1], _GREATER[opname]
    else:
        return None
    # low < high (or <=): a counter on the low side counting up to the other, or on the high side
    # counting down to it (tf.range(10, 0, -1): GREATER(i, 0), i + -1; i >= 1, i - 1)
    for var, limit, sign in ((low, high, 1), (high, low, -1)):
        k = cond.inputs.index(var) if var in cond.inputs else -1
        step = _step(body, k) if k >= 0 else None
        if step is None or step * sign <= 0:
            continue
        start, end = _value(g, op.inputs[k], values), _limit(g, op, cond, body, limit, values)
        if start is None or end is None:
            return None
        dtype = cond.tensors[var].dtype
        if dtype in FLOAT_FORMAT:  # (a float counter: its runs in its own type, 0.0 by 0.5 while < 2.0; round 49)
            return _float_runs(start, end, step, inclusive, sign, FLOAT_FORMAT[dtype])
        if any(isinstance(v, float) for v in (start, end, step)):
            return None
        n = C.counter_values(sign * start, sign * end, sign * step, inclusive)
        last = start + n * step
        highest = _EXACT.get(dtype, 0)
        lowest = 0 if dtype in _UNSIGNED else -highest
        # (a counter that would wrap around -- past what its type holds, below 0 if unsigned -- is not a count)
        return n if lowest <= last <= highest else None
    return None


def _float_runs(start: float, end: float, step: float, inclusive: bool, sign: int, fmt: str) -> int | None:
    """The runs of a loop whose float counter goes from ``start`` by ``step`` while it is below
    ``end`` (``sign`` -1: above it), each sum rounded to the counter's type (``fmt``: struct's
    format of it) as the runtime rounds it -- a float64 sum of two float32 or float16 values,
    rounded, is theirs -- so 0.1 ten times is what float32 makes of it.  None past MAX_FLOAT_RUNS
    (a counter too large for its step to move it, 2048 + 1 in float16, never ends)."""
    def rounded(x: float) -> float:
        return struct.unpack(fmt, struct.pack(fmt, x))[0]

    i, at, stop, by = 0, rounded(start), rounded(end), rounded(step)
    while (at <= stop if inclusive else at < stop) if sign > 0 else (at >= stop if inclusive else at > stop):
        i += 1
        if i > MAX_FLOAT_RUNS:
            return None
        at = rounded(at + by)
    return i


def _number(tensor) -> int | float | None:
    return tensor.value if tensor.value is not None else tensor.number


def _value(g: Subgraph, t: int, values: dict[int, int]) -> int | float | None:
    return (_number(g.tensors[t]) if _number(g.tensors[t]) is not None else values.get(t)) if t >= 0 else None


def shape_scalars(g: Subgraph) -> dict[int, int]:
    """The one-element integer tensors of ``g`` whose values follow from its shapes (the inputs'
    as fixed): a loop's limit ``SHAPE(x) -> STRIDED_SLICE`` over a sequence of the length given."""
    found: dict[int, tuple[int, ...]] = {}
    propagate(g, {}, DATA_SIZED_OPS, found)
    return {t: v[0] for t, v in found.items() if len(v) == 1 and not g.tensors[t].const}


def _limit(g: Subgraph, op, cond: Subgraph, body: Subgraph, t: int, values: dict[int, int]) -> int | float | None:
    """A constant of the cond subgraph, or a loop variable the body passes on unchanged whose
    start is a constant or a value ``values`` knows (computed from shapes)."""
    if _number(cond.tensors[t]) is not None:
        return _number(cond.tensors[t])
    if t in cond.inputs:
        j = cond.inputs.index(t)
        if body.outputs[j] == body.inputs[j]:
            return _value(g, op.inputs[j], values)
    return None


def _step(body: Subgraph, k: int) -> int | float | None:
    """The constant the body adds to loop variable ``k`` each run, or minus the one it subtracts
    (None: anything else)."""
    out, var = body.outputs[k], body.inputs[k]
    p = _written_once(body).get(out)
    if p is None or any(var in o.outputs for o in body.ops) or len(p.inputs) != 2 or var not in p.inputs:
        return None
    if p.opname in ("SUB", "STABLEHLO_SUBTRACT") and p.inputs[0] == var and p.inputs[1] >= 0 and _number(body.tensors[p.inputs[1]]) is not None:
        return -_number(body.tensors[p.inputs[1]])  # (i - 1: a count down)
    if p.opname not in ("ADD", "STABLEHLO_ADD"):
        return None
    other = p.inputs[1] if p.inputs[0] == var else p.inputs[0]
    return _number(body.tensors[other]) if other >= 0 else None


def _written_once(sub: Subgraph) -> dict:
    """The op writing each tensor of ``sub`` that exactly one op writes and that is not one of
    its inputs: a tensor two ops write holds the last one's value at run time (no single formula)."""
    writers: dict = {}
    for p in sub.ops:
        for o in p.outputs:
            writers[o] = None if o in writers or o in sub.inputs else p
    return {t: p for t, p in writers.items() if p is not None}


def _run_cost(body: Subgraph, captured: set[int] = frozenset(), moved: set[int] = frozenset(), nested=None) -> tuple[Cost, set[int]] | None:
    """The cost of one run of ``body`` and the subgraphs of the loops in it: its ops' handler costs
    and fused activations, params once, a WHILE in it (``nested``: :func:`counted_loop` in the body)
    its steps times its body's (tf.function's ``for i in range(3): for j in range(4)``: round 49);
    None when one of them is not counted (a loop whose steps are not known, an op without a handler, an op
    with arithmetic on a tensor whose size changes from run to run).  Such a tensor -- a
    dynamic dimension other than the leading one (shape_signature -1, stored as 1: Keras 3's
    write of step t into the output sequence, the rows before it and after it sliced off), or
    one computed from it -- costs nothing through an op that only moves data (a SLICE, a
    CONCATENATION), whatever its size: those ops are zero and their shapes not checked.  So is an
    input in ``moved``, given the loop at another size than the body stores (a TensorArray of 5
    steps, stored as 1: round 49), and what is computed from it."""
    const = {i for i, t in enumerate(body.tensors) if t.const} | captured  # (``captured``: inputs bound to constants, passed on unchanged)
    placeholders, dynamic = dynamic_tensors(body)
    sized = downstream(body, placeholders | moved, dynamic | moved)  # (their stored shapes are not their sizes)
    total, loops = Cost(), set()
    for op in body.ops:
        handler = HANDLERS.get(op.opname)
        if op.opname in ("WHILE", "STABLEHLO_WHILE") and not op.custom and nested is not None and not (sized and any(t in sized for t in op.inputs)):
            loop = nested(op, const)
            if loop is None:
                return None
            total = total + replace(loop.run, macs=loop.run.macs * loop.steps, other_ops=loop.run.other_ops * loop.steps)
            loops |= loop.subgraphs
            continue
        if op.custom or op.opname in CONTROL_FLOW or handler is None:
            return None
        if sized and any(t in sized for t in (*op.inputs, *op.outputs) if t >= 0):
            if op.opname in MOVES_DATA and not fused_activation(op):
                continue
            return None
        info = NodeInfo(op.opname, op.opname, op.options, op.inputs, body.tensors, const, out_shapes=[body.tensors[t].shape for t in op.outputs])
        try:
            res = handler(info)
        except (UnknownShape, *HANDLER_ERRORS):
            return None
        if op.opname == "DEQUANTIZE" and info.is_const(0):
            const.update(op.outputs)
        total = total + res.cost
        act = fused_activation(op)
        if act:
            fn = FUSED_ACTIVATIONS.get(act, (None, None))[1]
            out = body.tensors[op.outputs[0]].shape if op.outputs else None
            if fn is None or out is None:
                return None
            total = total + C.activation_cost(fn, prod(out))
    return total, loops
