"""An ONNX Loop or Scan whose number of iterations is known before the graph runs: counted as
its body times that number.

* **Scan** (opset 9 on) runs once per slice of its scan inputs: the length of their scan axis
  (``scan_input_axes``, default 0), known when their shape is.  Opset 8's Scan, with a batch
  axis and per-sequence lengths, stays uncounted.
* **Loop** runs ``M`` times when its trip count ``M`` is a value known before the graph runs (an
  initializer, a Constant node, shape arithmetic folded to one integer) and its condition cannot
  stop it earlier: no ``cond`` input, or a true one that the body passes on unchanged (its cond
  output the cond input, an Identity of it, or a value folded to true: torch.onnx writes
  ``for i in range(n)`` as a Loop whose body returns an Identity of a constant true).  How
  many times is found by :mod:`dscost.readers.onnx_trips`.

The body is inferred as a graph of its own (:func:`body_model`): its inputs take the outer
shapes (a Loop's iteration number and condition are scalars, its carried values the shapes they
enter with; a Scan's slices lose the scan axis), the tensors it reads from the enclosing graph
their shapes there.  A Loop whose carried value changes shape from one iteration to the next
(a sequence that grows by a Concat), or whose body's shapes (or a nested loop's steps) are open
without its counter's value, has the body inferred again at each iteration, up to
:data:`MAX_UNROLLED` times (:func:`_follow`).  Its nodes are then counted with the
reader's own handlers (:func:`count_loop`): one run costs their sum, the node costs that times
the iterations (or the sum of the runs at each iteration's shapes), and its params (the graph's
weights the body reads, the body's own initializers) are counted once.  A body node without a handler or with an
unknown shape, a nested If whose condition is not a constant (one that is: the branch that runs,
inlined as :mod:`onnx_branches` does), a trip count or condition computed at run time leaves the node
uncounted, its reason saying which.

Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from math import prod
from types import SimpleNamespace

from dscost.layers import RECURRENT, Cost, Layer
from dscost.readers.onnx_trips import attr_int, attr_ints, carried_through, steps

LOOPS = ("Loop", "Scan")
MAX_DEPTH = 8  # Loops nested deeper than this are not inferred
MAX_UNROLLED = 2048  # a body that changes from one iteration to the next is inferred once per iteration, at most this many times
MAX_UNROLLED_NODES = 200_000  # ... and at most this many body nodes in all (a big body, fewer times)
CHANGES = "changes shape from one iteration to the next"
SEEDED_DEPTH = 2  # a body is inferred again with its counter's values (_follow) only this many Loops deep: bounded work
LOOP_OP_TYPES = (b'"\x04Loop', b'"\x04Scan')  # NodeProto.op_type == "Loop" / "Scan", as written on the wire
_NO_INITIALIZERS = SimpleNamespace(initializers={}, constants={})  # (a body's Constant nodes keep their data: none was left out)


@dataclass
class Body:
    """What is known of one Loop/Scan: the body inferred as a graph (``inferred``: an
    :class:`~dscost.readers.onnx_shapes.Inferred`), its number of ``steps``, or the ``reason``
    it is not counted."""

    inferred: object = None
    steps: int | None = None
    reason: str = ""
    how: str = ""  # where the steps come from, for the layer's note
    branches: list = field(default_factory=list)  # the body's Ifs of a known condition, replaced by the branch that runs
    # a body whose carried values change shape: (the body inferred at one iteration's shapes, how many iterations run at them)
    runs: list = field(default_factory=list)
    grew: str = ""  # how the carried values changed, for the layer's note
    by_counter: bool = False  # whether the runs differ by the counter's value (the body's shapes or a nested loop's steps)


def key(node) -> tuple:
    """What identifies a Loop/Scan node between shape inference and counting: its name and outputs."""
    return (node.name, *node.output)


def _body(node):
    return next((a.g for a in node.attribute if a.name == "body" and a.HasField("g")), None)


def body_model(node, opset: int, opset_import, shapes: dict, types: dict, values: dict, refs: list[str], carried: list | None = None):
    """``(ModelProto, "")`` of the body of Loop/Scan ``node`` as a graph of its own, its inputs
    shaped as they enter each iteration (``carried``: the shapes of its carried values, one per
    slot, when not those of the outer tensors) and the enclosing graph's tensors it reads
    (``refs``) declared (small constants as initializers, with their ``values``);
    ``(None, reason)`` when that is not possible."""
    from onnx import helper, numpy_helper

    body, op, ins = _body(node), node.op_type, list(node.input)
    if body is None:
        return None, f"{op} without a body"
    odd = next((t for t in (body.name, *[vi.name for vi in body.input], *[vi.name for vi in body.output], *refs) if t.__class__ is bytes), None)
    if odd is not None:  # (protobuf gives a name that is not UTF-8 as bytes)
        return None, f"{op}: a name of its body is not valid UTF-8 ({odd!r})"
    declared: list[tuple[int | None, tuple | None]] = []
    if op == "Loop":
        if len(ins) < 2 or len(body.input) != len(ins):
            return None, f"Loop: its body takes {len(body.input)} inputs for its {len(ins)}"
        if not body.output:
            return None, "Loop: its body has no outputs (ONNX requires its condition first)"
        declared = [(7, ()), (9, ())] + [(types.get(t), shapes.get(t) if carried is None else carried[k]) for k, t in enumerate(ins[2:])]
    else:
        if opset < 9:
            return None, "Scan of opset 8 (a batch axis and sequence lengths): not counted"
        m = attr_int(node, "num_scan_inputs") or 0
        axes = attr_ints(node, "scan_input_axes") or [0] * m
        if not 0 < m <= len(ins) or len(axes) != m or len(body.input) != len(ins):
            return None, f"Scan: its body takes {len(body.input)} inputs for its {len(ins)} ({m} scanned)"
        n = len(ins) - m
        declared = [(types.get(t), shapes.get(t) if carried is None else carried[k]) for k, t in enumerate(ins[:n])]
        for t, axis in zip(ins[n:], axes):
            s = shapes.get(t)
            if s is not None and -len(s) <= axis < len(s):
                s = s[: axis % len(s)] + s[axis % len(s) + 1 :]
            declared.append((types.get(t), s if s is None or len(s) < len(shapes[t]) else None))
    inputs = []
    for vi, (elem, shape) in zip(body.input, declared):
        elem = elem or vi.type.tensor_type.elem_type
        inputs.append(helper.make_tensor_value_info(vi.name, elem, list(shape) if shape is not None else None) if elem else vi)
    inits = []
    for t in refs:
        if t in values:
            try:
                inits.append(numpy_helper.from_array(values[t], t))
                continue
            except Exception:
                pass
        if types.get(t):
            inputs.append(helper.make_tensor_value_info(t, types[t], list(shapes[t]) if shapes.get(t) is not None else None))
    outputs = [helper.make_empty_tensor_value_info(vi.name) for vi in body.output]
    graph = helper.make_graph(list(body.node), body.name or "body", inputs, outputs, initializer=list(body.initializer) + inits)
    return helper.make_model(graph, opset_imports=list(opset_import)), ""


def _slots(node, body) -> tuple[list, list]:
    """``(carried, stacked)`` of Loop/Scan ``node`` whose body is ``body``: (body input, body
    output, outer tensor) of each carried value (a Scan's states), and (body output, axis) of
    each per-iteration output, stacked along that axis."""
    ins, op = list(node.input), node.op_type
    if op == "Loop":
        carried = [(b_in.name, b_out.name, t) for b_in, b_out, t in zip(body.input[2:], body.output[1:], ins[2:])]
        return carried, [(vi.name, 0) for vi in body.output[1 + len(carried) :]]
    m = attr_int(node, "num_scan_inputs") or 0
    k = len(body.output) - (len(ins) - m)
    carried = [(b_in.name, b_out.name, t) for b_in, b_out, t in zip(body.input, body.output, ins[: len(ins) - m])]
    axes = attr_ints(node, "scan_output_axes") or [0] * k
    return carried, [(vi.name, axis) for vi, axis in zip(body.output[len(carried) :], axes)]


def _stacked(shape, axis: int, n: int):
    """A per-iteration output of ``shape`` stacked ``n`` times along ``axis``; None when unknown."""
    if shape is None or not -len(shape) - 1 <= axis <= len(shape):
        return None
    axis %= len(shape) + 1
    return shape[:axis] + (n,) + shape[axis:]


def output_shapes(node, n: int, inferred, shapes: dict) -> tuple[list, str]:
    """The shapes of ``node``'s outputs after ``n`` iterations of the ``inferred`` body (carried
    values and Scan states: the shape they entered with; per-iteration outputs stacked along
    their axis), or ``([], reason)`` when a carried value changes shape."""
    carried, stacked = _slots(node, inferred.graph)
    bshape = inferred.shapes
    out: list = []
    for b_in, b_out, t in carried:
        s_in, s_out = bshape.get(b_in), bshape.get(b_out)
        if s_out is not None and s_in is not None and s_in != s_out:
            scan = ": ONNX requires a Scan's states to keep their shapes" if node.op_type == "Scan" else ""
            return [], f"{node.op_type}: its carried value {t!r} {CHANGES} ({s_in} -> {s_out}){scan}"
        out.append(shapes.get(t) if s_out is not None else None)
    return out + [_stacked(bshape.get(name), axis, n) for name, axis in stacked], ""


def _follow(node, n: int, first, again, by_counter: bool) -> tuple[list, list, str, str]:
    """A Loop whose body is not the same at every iteration, inferred again at each iteration
    (``again(carried shapes, k)``: the body inferred with its carried values at those shapes,
    one per slot, and its counters at their values in iteration ``k``): its carried values
    change shape (a sequence that grows by a Concat each time; ``first``: the body inferred at
    the shapes they enter with), or (``by_counter``) its shapes or a nested loop's steps are
    open without its counters' values (tf2onnx slices ``x[i]`` with the counter; an inner
    ``range(i + 1)``).  Returns ``(runs, output shapes, how they grew, "")``, runs as
    ``[(inferred, iterations)]`` (consecutive iterations that infer alike, one run), or
    ``([], [], "", reason)``: a shape not known, a per-iteration output that changes shape
    (which onnxruntime cannot stack), or more than :data:`MAX_UNROLLED` inferences (or
    :data:`MAX_UNROLLED_NODES` body nodes, with every other loop's of the graph)."""
    carried, stacked = _slots(node, first.graph)
    op, size = node.op_type, max(len(first.graph.node), 1)
    # a carried sequence (torch: a Python list) has no shape to follow: what reads it is counted when it can be
    listed = [vi.type.HasField("sequence_type") for vi in first.graph.input[2:]]
    runs: list = []
    now = [first.shapes.get(b_in) for b_in, _, _ in carried]
    start, run, k = list(now), None if by_counter else first, 0
    seen = [list(now)]  # (the carried values' shapes before each iteration followed, and after the last)
    times = 0 if by_counter else 1  # inferences of the body
    why = "its shapes depend on its counter" if by_counter else "its carried values change shape"
    most = f"(at most {MAX_UNROLLED:,} per loop, {MAX_UNROLLED_NODES:,} body nodes in all): not inferred one by one"
    while k < n:
        if run is None:
            if times >= MAX_UNROLLED or not _afford(size):
                return [], [], "", f"{op}: {why}; following its {n:,} iterations one by one would infer its body more than {times} times {most}"
            run, times = again(now, k), times + 1
            if isinstance(run, str):
                return [], [], "", f"{op}: at iteration {k + 1}, {run}"
            if _SPENT[1] and _open(run):  # (a loop in it was refused its inferences)
                return [], [], "", f"{op}: {why}; at iteration {k + 1}, a loop in its body could not be followed one by one {most}"
        after = [run.shapes.get(b_out) for _, b_out, _ in carried]
        lost = next((t for (_, _, t), s, seq in zip(carried, after, listed) if s is None and not seq), None)
        if lost is not None:
            return [], [], "", f"{op}: the shape of its carried value {lost!r} after iteration {k + 1} is not known"
        if runs:
            differ = next((name for name, _ in stacked if run.shapes.get(name) != runs[0][0].shapes.get(name)), None)
            if differ is not None:
                return [], [], "", (f"{op}: its per-iteration output {differ!r} changes shape ({runs[0][0].shapes.get(differ)} -> "
                                    f"{run.shapes.get(differ)}): onnxruntime cannot stack it")  # fmt: skip
        if by_counter and runs and _signature(run) == _signature(runs[-1][0]):
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
            k += 1
        else:  # (without counters, a body whose carried values keep their shapes runs at them from here on)
            runs.append((run, n - k if not by_counter and after == now else 1))
            k += runs[-1][1]
        if not by_counter:
            seen.append(after)
            ahead = _steady(seen, n - k, first.graph, carried, stacked) if k < n else None
            if ahead is not None:  # (they grow by the same amount each time and only data movement reads them: the rest of the runs alike)
                runs[-1] = (run, runs[-1][1] + n - k)
                k, after = n, ahead
        now, run = after, None
    grew = "; ".join(f"{t!r} from {s0} to {s1}" for (_, _, t), s0, s1 in zip(carried, start, now) if s0 != s1)
    out = list(now) + [_stacked(first.shapes.get(name), axis, n) for name, axis in stacked]
    return runs, out, grew, ""


STEADY_AFTER = 3  # iterations followed before a carried value that grows by the same amount each time is taken to go on so


def _steady(seen: list, left: int, graph, carried: list, stacked: list) -> list | None:
    """The carried values' shapes after ``left`` more iterations, when the last :data:`STEADY_AFTER`
    iterations ``seen`` (their shapes before and after each) grew each of them by the same
    amount and what reads those that grow is only data movement -- Concat, Identity, the
    carried outputs -- whose cost does not depend on their size, so every further iteration
    counts as the last (a torch.cat that appends a row each step: round 52, 2,100 steps past
    :data:`MAX_UNROLLED`, was uncounted); else None."""
    from dscost.readers.onnx_uncounted import outer_refs

    if len(seen) <= STEADY_AFTER or any(s is None for s in seen[-1]):
        return None
    last = seen[-STEADY_AFTER - 1 :]
    steps = []
    for a, b in zip(last, last[1:]):
        if any(x is None or y is None or len(x) != len(y) for x, y in zip(a, b)):
            return None
        steps.append([tuple(q - p for p, q in zip(x, y)) for x, y in zip(a, b)])
    if any(d != steps[0] for d in steps):
        return None
    grows = {b_in for (b_in, _, _), d in zip(carried, steps[0]) if any(d)}
    reached = set(grows)
    for b in graph.node:
        if any(t in reached for t in b.input) or (b.attribute and any(t in reached for t in outer_refs(b))):
            if b.op_type not in ("Concat", "Identity") or b.domain not in ("", "ai.onnx"):
                return None
            reached.update(b.output)
    if any(name in reached for name, _ in stacked):
        return None
    return [tuple(x + left * dx for x, dx in zip(s, d)) for s, d in zip(seen[-1], steps[0])]


def _signature(inferred):
    """What one inference of a body is counted by: its nodes (the branch an If on the counter
    inlined), every shape, and what is known of each nested Loop/Scan."""
    return [(n.op_type, n.input[:]) for n in inferred.graph.node], inferred.shapes, {k: (b.steps, b.reason, [(_signature(r), t) for r, t in b.runs] if b.runs else b.inferred and _signature(b.inferred))
                             for k, b in inferred.bodies.items()}  # fmt: skip


def _open(inferred, counters=None) -> bool:
    """Whether a body's inference leaves a shape open or a nested Loop/Scan not counted; with
    ``counters`` (body input names), only where what the counters reach does (a NonZero's rows,
    a loop on data: inferring again at each counter value would not close them), or an If whose
    condition they reach (``if i % 2 == 0``: decided at each counter value; round 52)."""
    from dscost.readers.onnx_uncounted import outer_refs

    reached = set(counters or ())
    nested = {k for k, found in inferred.bodies.items() if found.steps is None}
    for b in inferred.graph.node:
        if counters is not None:
            if not any(t in reached for t in b.input) and not (b.attribute and any(t in reached for t in outer_refs(b))):
                continue
            reached.update(b.output)
            if b.op_type == "If" and b.domain in ("", "ai.onnx") and b.input and b.input[0] in reached:
                return True
        if any(o and inferred.shapes.get(o) is None for o in b.output) or key(b) in nested:
            return True
    return False


# body nodes inferred in the graph being read (every loop's, nested ones too), bounded by
# MAX_UNROLLED_NODES; and whether a loop was refused an inference for it
_SPENT = [0, False]


def new_graph() -> None:
    """Start the count of :data:`_SPENT` for a graph read."""
    _SPENT[:] = [0, False]


def _afford(nodes: int) -> bool:
    """Whether ``nodes`` more body nodes may be inferred again, within :data:`MAX_UNROLLED_NODES` for the graph."""
    if _SPENT[0] + nodes <= MAX_UNROLLED_NODES:
        return True
    _SPENT[1] = True
    return False


def infer_body(node, outer, values: dict, mp, path, onnx, opset: int, depth: int, infer, inputs: set[str]) -> None:
    """Infer the body of Loop/Scan ``node`` as a graph of its own (``infer``:
    :func:`onnx_shapes.infer`, given by it), find its number of iterations and complete its
    output shapes in ``outer`` (the enclosing graph's :class:`onnx_shapes.Inferred`); what was
    found goes to ``outer.bodies``.  ``inputs``: the user's graph inputs (a trip count given by
    one can be set with --input-value)."""
    from dscost.errors import InputError
    from dscost.readers.onnx_branches import inline_known_branches
    from dscost.readers.onnx_eval import input_arrays
    from dscost.readers.onnx_uncounted import outer_refs

    found = outer.bodies[key(node)] = Body()
    if depth >= MAX_DEPTH:
        found.reason = f"{node.op_type}: nested more than {MAX_DEPTH} loops deep"
        return
    shapes, types = outer.shapes, outer.types
    body_mp, found.reason = body_model(node, opset, mp.opset_import, shapes, types, values, outer_refs(node))
    if body_mp is None:
        return
    if any(n.op_type == "If" for n in body_mp.graph.node):  # (a condition the body or the enclosing graph holds as a constant)
        inline_known_branches(body_mp.graph, {}, found.branches, opset_import=body_mp.opset_import)
    try:  # (the folding pass runs on it: the condition a body computes is a value)
        _SPENT[0] += len(body_mp.graph.node)
        found.inferred = inferred = infer(body_mp, path, onnx, loops=True, depth=depth + 1)
    except InputError as err:
        found.reason = f"{node.op_type}: shape inference of its body failed ({str(err).split(': ', 2)[-1]})"
        return
    counters: dict[str, tuple[int, int]] = {}
    n, found.how, found.reason = steps(node, inferred, values, shapes, counters)
    if n is None:
        if node.op_type == "Loop" and node.input and node.input[0] in inputs and node.input[0] not in values:
            found.reason += f" (it is a graph input: give its value with --input-value {node.input[0]}=N)"
        elif node.op_type == "Loop":  # (TensorFlow's while_loop compares its counter with a limit the graph is given)
            one = next((t for t in [*node.input, *outer_refs(node)] if t in inputs and t not in values and shapes.get(t) is not None and prod(shapes[t]) == 1), None)
            if one is not None:
                found.reason += f" (it reads the one-element graph input {one!r}: if that is its limit, give its value with --input-value {one}=N)"
        return

    def again(now: list, k: int):
        body_k, why = body_model(node, opset, mp.opset_import, shapes, types, values, outer_refs(node), carried=now)
        if body_k is None:
            return why
        at = {t: a + k * b for t, (a, b) in counters.items()}

        if any(x.op_type == "If" for x in body_k.graph.node):  # (a condition computed from the counters: ``if i % 2 == 0``, round 52)
            inline_known_branches(body_k.graph, {}, [], arrays=input_arrays(at, body_k.graph.input), opset_import=body_k.opset_import)
        _SPENT[0] += len(body_k.graph.node)
        try:
            return infer(body_k, path, onnx, loops=True, depth=depth + 1, input_values=at or None)
        except InputError as err:
            return f"shape inference of its body failed ({str(err).split(': ', 2)[-1]})"

    out, found.reason = output_shapes(node, n, inferred, shapes)
    if n > 0 and counters and depth < SEEDED_DEPTH and _open(inferred, counters):
        found.runs, out, found.grew, found.reason = _follow(node, n, inferred, again, by_counter=True)
        found.by_counter = len(found.runs) > 1
    elif CHANGES in found.reason and node.op_type == "Loop":
        found.runs, out, found.grew, found.reason = _follow(node, n, inferred, again, by_counter=False)
    if found.reason:
        return
    found.steps = n
    for o, s, b in zip(node.output, out, inferred.graph.output[len(inferred.graph.output) - len(node.output):]):
        if o and s is not None and shapes.get(o) is None:
            shapes[o] = s
            if inferred.types.get(b.name):
                types.setdefault(o, inferred.types[b.name])


def count_loop(counter, node, name: str, refs: list[str]) -> str | None:
    """Count Loop/Scan ``node`` as one layer of ``counter`` (the reader's counter: its body's
    nodes are visited by a counter of the same kind); None when counted, else why not.  A body
    inferred at each iteration (:func:`_follow`) costs the sum of its runs; its
    params are counted once, those of every run (the branches an If on the counter takes)."""
    found = counter.bodies.get(key(node))
    if found is None:
        return f"{node.op_type}: its body was not inferred"
    if found.inferred is None or found.steps is None:
        return found.reason
    n = found.steps
    macs = other_ops = 0
    held, claims = None, dict(counter.claimed)
    for inferred, times in found.runs or [(found.inferred, n)]:
        sub, why = _run(counter, node, inferred, refs, claims)
        if why:
            return why
        run = Cost.total(layer.cost for layer in sub.layers)
        macs, other_ops = macs + run.macs * times, other_ops + run.other_ops * times
        # (params once: a later run counts only the weights no earlier one did -- the other branch of
        #  an If on the counter, round 52)
        held = run if held is None else Cost.total([held, replace(run, macs=0, other_ops=0)])
        claims = sub.claimed
    run = held
    for t in claims:  # the weights the body counted are this layer's
        if t not in counter.claimed:
            counter.claimed[t] = name
    g = found.inferred.graph
    ins = [t for t in list(node.input) + refs if t]
    edges, ports = counter._edges(ins, range(len(ins)), {})
    data = [counter.shapes.get(t) for t in ins if t not in counter.const and counter.shapes.get(t) is not None]
    outs = [counter.shapes.get(t) if t else None for t in node.output]
    kind = "loop" if node.op_type == "Loop" else "scan"
    grew = f"; its carried values change shape ({found.grew}): each step counted at its own shapes" if found.grew else ""
    if found.by_counter:
        grew += f"; its body changes with its counter: inferred at each of its {n:,} iterations, each counted as it runs"
    counter.layers.append(Layer(name, RECURRENT, node.op_type, edges, max(data, key=prod, default=()),
                                outs[0] if outs and outs[0] is not None else (), replace(run, macs=macs, other_ops=other_ops),
                                note=f"a {kind} of {n} steps ({found.how}), each the {len(g.node)} ops of subgraph {g.name!r}{grew}"
                                + "".join(f"; in it, {said}" for said in found.branches),
                                outputs=tuple(node.output), more_outputs=tuple(prod(s) if s is not None else 0 for s in outs[1:]),
                                input_ports=ports))  # fmt: skip
    return None


def _run(counter, node, inferred, refs: list[str], claims: dict):
    """``(sub-counter, "")`` with the nodes of one run of the ``inferred`` body of Loop/Scan
    ``node`` visited, the parameters in ``claims`` already counted, or ``(None, why)`` when one of
    them is not counted."""
    g = inferred.graph
    sub = type(counter)(inferred, _NO_INITIALIZERS, counter.path)
    sub.real_inputs = {t for t in refs if t in counter.real_inputs}
    # the enclosing graph's constants stay its constants, from the same sources: those the body
    # reads by name, and those a Loop carries through unchanged (tf2onnx passes weights so)
    for inner, t in [(t, t) for t in refs] + carried_through(node, g):
        if t in counter.const:
            sub.const[inner], sub.sources[inner] = counter.const[t], counter.sources[t]
            for s in counter.sources[t]:
                sub.shapes[s] = counter.shapes.get(s)
            if t in counter.const_node:
                sub.const_node[inner] = counter.const_node[t]
            if t in counter.literals:
                sub.literals.add(inner)
    sub.claimed, sub.module_tensors = dict(claims), counter.module_tensors
    sub.code_constants = counter.code_constants
    for i, n in enumerate(g.node):
        sub.visit(n, n.name or f"{n.op_type}_{i}")
        if sub.uncounted:
            u = sub.uncounted[0]
            return None, f"{node.op_type}: body node {u.name!r} ({u.op}) not counted: {u.reason}"
    return sub, ""
