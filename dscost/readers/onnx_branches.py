"""The branch of an If that runs, when its condition is known before the graph runs.

optimum exports a decoder as one graph (``decoder_model_merged.onnx``) whose single If on the
graph input ``use_cache_branch`` holds both decoders: the first step's and the one reading
the KV cache.  Given that input's value (``--input-value use_cache_branch=1``), or when the
condition is a constant of the graph, the If is replaced by the nodes of the branch that runs,
so they are counted like any others; the other branch is not counted, and a note says so.

Inlining keeps the graph valid: the branch's outputs take the If's output names, and a name the
branch defines that the graph already uses is renamed (with every reference to it in the
branch and in the branch's own subgraphs).
"""

from __future__ import annotations

from pathlib import Path

from dscost.errors import InputError
from dscost.readers.onnx_eval import NONDETERMINISTIC, Evaluators, constant_value, fold_small, input_arrays, small_value
from dscost.readers.onnx_uncounted import node_bodies

MAX_ROUNDS = 64  # nested Ifs: each round inlines the Ifs the previous one brought to the top level
# ONNX element type -> the values it holds: uint8 int8 uint16 int16 int32 int64 bool uint32 uint64
INT_RANGES = {2: (0, 2**8 - 1), 3: (-(2**7), 2**7 - 1), 4: (0, 2**16 - 1), 5: (-(2**15), 2**15 - 1), 6: (-(2**31), 2**31 - 1),
              7: (-(2**63), 2**63 - 1), 9: (0, 1), 12: (0, 2**32 - 1), 13: (0, 2**64 - 1)}  # fmt: skip
INT_TYPES = frozenset(INT_RANGES)


def resolve_branches(path: Path, mp, real_inputs: list, values: dict[str, int] | None, notes: list[str], has_if: bool) -> None:
    """``--input-value`` checked against the graph's inputs (a note says what was set), then,
    when the graph of ``mp`` ``has_if``, every If whose branch is known replaced by it."""
    if values:
        check_values(values, real_inputs, path)
        notes.append("input values set by --input-value: " + ", ".join(f"{k}={v}" for k, v in values.items()))
    if has_if:
        arrays = input_arrays(values, real_inputs)
        inline_known_branches(mp.graph, values or {}, notes, arrays, mp.opset_import, {vi.name for vi in real_inputs}, flags=flag_inputs(real_inputs))


def _is_flag(vi) -> bool:
    """Whether graph input ``vi`` can take an ``--input-value``: one bool or integer element."""
    tt = vi.type.tensor_type
    return (vi.type.HasField("tensor_type") and tt.elem_type in INT_TYPES and tt.HasField("shape")
            and all(d.HasField("dim_value") and d.dim_value == 1 for d in tt.shape.dim))  # fmt: skip


def flag_inputs(real_inputs: list) -> set[str]:
    """The graph inputs ``--input-value`` can give a value."""
    return {vi.name for vi in real_inputs if _is_flag(vi)}


def check_values(values: dict[str, int], real_inputs: list, label: str | Path) -> None:
    """Every ``--input-value`` names a real graph input holding one bool or integer element."""
    by_name = {vi.name: vi for vi in real_inputs}
    for name in values:
        vi = by_name.get(name)
        if vi is None:
            shown = ", ".join(repr(n) for n in list(by_name)[:8]) + (" ..." if len(by_name) > 8 else "")
            raise InputError(f"{label}: --input-value {name}: the graph has no such input (inputs: {shown or 'none'})")
        if not _is_flag(vi):
            raise InputError(f"{label}: --input-value {name}: the input is not a one-element bool or integer tensor "
                             f"(a flag such as use_cache_branch); its shape and type come from the file")  # fmt: skip
        low, high = INT_RANGES[vi.type.tensor_type.elem_type]
        if not low <= values[name] <= high:
            raise InputError(f"{label}: --input-value {name}={values[name]}: out of range for the input's type ({low} to {high})")


def inline_known_branches(graph, values: dict[str, int], notes: list[str], arrays: dict | None = None, opset_import=(),
                          inputs: set[str] = frozenset(), from_shapes: bool = False, flags: set[str] | None = None, given_by: str = "--input-value",
                          untaken: list | None = None) -> bool:  # fmt: skip
    """Replace every If whose condition is known (a value in ``values``; a Constant node or an
    initializer holding one element; or computed from those and ``arrays``, the given inputs'
    values, by a few nodes: :func:`_computed_conditions`) by the nodes of its branch that runs,
    in place; nested Ifs that come to the top level are resolved in the next round.  A note names
    the graph ``inputs`` without a value that the other conditions are computed from (how to give
    one, for those of them among ``flags``: :func:`flag_inputs`; the others hold data).
    ``from_shapes``: ``arrays`` are the outputs of Shape/Size nodes (:func:`resolve_shape_branches`);
    ``given_by`` says where ``values`` came from; ``untaken`` (when given) gets each If's name,
    the name of the branch that does not run and that branch.  Returns whether an If was replaced."""
    changed = False
    for _ in range(MAX_ROUNDS):
        known = dict(values)
        pending = {n.input[0] for n in graph.node if n.op_type == "If" and n.domain in ("", "ai.onnx") and n.input and n.input[0] not in known}
        folded, from_given, needed = _computed_conditions(graph, pending, arrays or {}, opset_import, inputs) if pending else ({}, set(), set())
        known.update(folded)
        positions = [i for i, n in enumerate(graph.node) if n.op_type == "If" and n.domain in ("", "ai.onnx") and n.input and n.input[0] in known]
        if not positions:
            givable = sorted((t for t in needed if flags is None or t in flags), key=repr)
            data = sorted((t for t in needed if t not in givable), key=repr)
            if givable:
                notes.append(f"which branch of an If runs is computed from the graph input(s) {', '.join(map(repr, givable))}: give a value "
                             f"(--input-value {givable[0]}=N) to count the branch that runs")  # fmt: skip
            if data:
                notes.append(f"which branch of an If runs is computed from the data of graph input(s) {', '.join(map(repr, data))}: "
                             f"it is decided at run time (a cascade, a threshold), so the If stays uncounted")  # fmt: skip
            return changed
        nodes = list(graph.node)
        taken = _names(graph, frozenset(positions))  # grows with each branch inlined
        inlined, said = False, []  # (notes in graph order)
        for i in reversed(positions):
            node = nodes[i]
            value = known[node.input[0]]
            runs, dropped = ("then_branch", "else_branch") if value else ("else_branch", "then_branch")
            body = next((a.g for a in node.attribute if a.name == runs), None)
            other = next((a.g for a in node.attribute if a.name == dropped), None)
            if body is None or len(body.sparse_initializer) or len(body.output) != len(node.output) or _not_text(node, body):
                continue  # not a valid If: left as it is (uncounted, with its reason)
            inlined = changed = True
            if untaken is not None and other is not None:
                untaken.append((node.name or node.output[0], dropped, other))
            nodes[i : i + 1] = _inline(graph, node, body, taken)
            how = "tensor shapes" if from_shapes else "given values"
            source = f"{node.input[0]}={value}" + (f" ({given_by})" if node.input[0] in values else f" (computed from {how})" if node.input[0] in from_given else " (a constant)")
            said.insert(0, f"If {node.name or node.output[0]!r}: {source} runs its {runs}, counted ({len(body.node)} nodes); "
                         f"the {dropped} ({len(other.node) if other is not None else 0} nodes) is not")  # fmt: skip
        notes += said
        if not inlined:
            return changed
        del graph.node[:]
        graph.node.extend(nodes)
    return changed


SHAPE_OPS = ("Shape", "Size")
# Inference runs to resolve Ifs on shapes: each may bring the shapes the next If's condition reads
# (NextItNet's TorchScript file: each squeeze(2) an If on the conv's shape, 20 in a chain).  Every
# graph gets SHAPE_ROUNDS; more, up to SHAPE_MAX_ROUNDS, while rounds x nodes stays within
# SHAPE_ROUND_NODES (bounded time: a round infers and folds the whole graph, ~0.1 ms a node).
SHAPE_ROUNDS = 8
SHAPE_MAX_ROUNDS = 128
SHAPE_ROUND_NODES = 50_000


def resolve_shape_branches(graph, infer_shapes, notes: list[str], opset_import=()) -> bool:
    """Replace the Ifs whose condition is computed from the shape of a tensor (Silero VAD's
    ``If(Equal(Gather(Shape(x), 0), 1))``), once the graph's input shapes are fixed:
    ``infer_shapes()`` (the reader's inference, folding included) gives the static shape of each
    Shape/Size input, and those values fold the condition as :func:`inline_known_branches` folds
    given values.  Run only when an If is left and a Shape/Size node can feed it; an inlined
    branch can give the next If's shapes, so rounds go on while one inlines an If, within the
    bounds above (a note says when they stop there).  Returns whether an If was replaced."""
    import numpy as np

    changed = False
    rounds = 0
    while True:
        if not any(n.op_type == "If" and n.domain in ("", "ai.onnx") for n in graph.node):
            break
        if rounds >= SHAPE_ROUNDS and (rounds >= SHAPE_MAX_ROUNDS or (rounds + 1) * len(graph.node) > SHAPE_ROUND_NODES):
            notes.append(f"Ifs on tensor shapes: {rounds} rounds of shape inference each inlined the Ifs their shapes decided, and a graph of "
                         f"{len(graph.node):,} nodes gets no more (at most {SHAPE_MAX_ROUNDS} rounds and {SHAPE_ROUND_NODES:,} nodes inferred in all); "
                         "the Ifs left are listed as uncounted, though shapes may decide them too")  # fmt: skip
            break
        rounds += 1
        probes = [n for n in graph.node if n.op_type in SHAPE_OPS and n.domain in ("", "ai.onnx") and len(n.input) == 1 and len(n.output) == 1]
        if not probes:
            break
        known = infer_shapes()
        arrays = {}
        for n in probes:
            shape = known.get(n.input[0])
            if shape is None:
                continue
            if n.op_type == "Size":
                arrays[n.output[0]] = np.array(int(np.prod(shape, dtype=np.int64)), np.int64)
                continue
            attrs = {a.name: a.i for a in n.attribute if a.name in ("start", "end")}
            arrays[n.output[0]] = np.array(shape[attrs.get("start", 0) : attrs.get("end", len(shape))], np.int64)
        if not arrays or not inline_known_branches(graph, {}, notes, arrays, opset_import, from_shapes=True):
            break
        changed = True
    return changed


def _not_text(node, body) -> bool:
    """Whether a name that inlining would copy is not valid UTF-8 (protobuf gives it as bytes,
    and refuses it back)."""
    names = (*node.output, *(vi.name for vi in body.output), *(t.name for t in body.initializer), *(t for n in body.node for t in (*n.input, *n.output)))
    return any(t.__class__ is bytes for t in names)


FOLD_NODES = 64  # the most nodes a condition may be computed by, to be evaluated before the graph runs
FOLD_ELEMENTS = 4096  # the largest value on the way to a condition
FOLD_EVALS = 2000  # node evaluations for the conditions of one graph


def _computed_conditions(graph, conds: set[str], arrays: dict, opset_import, inputs: set[str]) -> tuple[dict[str, int], set[str], set[str]]:
    """The one-element values of the If conditions ``conds`` known before the graph runs: stored
    (an initializer or Constant node whose data the file holds), or computed by at most FOLD_NODES
    nodes from such values and ``arrays``, the given inputs' (``sr == 16000``, a flag negated or
    cast), each node run by onnx's reference evaluator once the size of its output is bounded
    (:func:`onnx_eval.fold_bound`); the conditions among them computed from given values; and the
    graph ``inputs`` without a value that the others are computed from."""
    import numpy as np
    from onnx import defs, numpy_helper

    made = {o: (i, n) for i, n in enumerate(graph.node) for o in n.output if o}
    inits = {t.name: t for t in graph.initializer}
    opset = next((o.version for o in opset_import if o.domain in ("", "ai.onnx")), defs.onnx_opset_version())
    evaluators, values, evals = Evaluators(opset), dict(arrays), 0
    found: dict[str, int] = {}
    from_given: set[str] = set()
    derived = set(arrays)  # the given values, and those computed from them (for a later condition reading one)
    needed: set[str] = set()
    for cond in sorted(conds - inputs, key=repr):  # (an input itself: the If's reason says to give it; a name not UTF-8 is bytes)
        cone, missing, stack, seen, given = {}, [], [cond], set(), False
        while stack and len(cone) <= FOLD_NODES:
            t = stack.pop()
            given = given or t in derived
            if not t or t in seen or t in values:
                continue
            seen.add(t)
            i, n = made.get(t, (-1, None))
            default = n is not None and n.domain in ("", "ai.onnx")
            if t in inits or (default and n.op_type == "Constant"):
                value = small_value(inits[t], np, numpy_helper) if t in inits else constant_value(n, np, numpy_helper)
                if value is None:
                    missing.append(t)
                else:
                    values[t] = value
            elif default and n.op_type in SHAPE_OPS:  # its input's shape, not its values: resolve_shape_branches
                missing.append(None)
            elif default and n.op_type not in NONDETERMINISTIC and not any(a.type in (5, 10) for a in n.attribute):
                cone[i] = n
                stack.extend(n.input)
            else:  # a graph input without a value, a tensor of the enclosing graph, a custom op
                missing.append(t)
        needed.update(t for t in missing if t in inputs)
        if missing or len(cone) > FOLD_NODES:
            continue
        for i in sorted(cone):
            n = cone[i]
            if len(n.output) == 1 and n.output[0] in values:  # (computed for an earlier condition)
                continue
            if len(n.output) != 1 or evals >= FOLD_EVALS:
                break
            r = fold_small(n, [values.get(t) if t else None for t in n.input], evaluators, np, FOLD_ELEMENTS)
            if r is None:
                break
            evals += 1
            values[n.output[0]] = r
            if given:
                derived.add(n.output[0])
        value = values.get(cond)
        if value is not None and value.size == 1 and value.dtype.kind in "biu":
            found[cond] = int(value.reshape(-1)[0])
            if given:
                from_given.add(cond)
    return found, from_given, needed


def _names(graph, skip: frozenset[int] = frozenset()) -> set[str]:
    """Every tensor name ``graph`` defines or uses, in its subgraphs too (but those of the nodes
    at the positions ``skip``)."""
    names = _declared(graph)
    for i, n in enumerate(graph.node):
        names.update(n.output)
        if i in skip:
            continue
        names.update(n.input)
        for g in node_bodies(n):
            names |= _declared(g)
            for m in g.node:
                names.update(m.input)
                names.update(m.output)
    return names


def _declared(graph) -> set[str]:
    """The names a graph declares: initializers, inputs, outputs."""
    names = {t.name for t in graph.initializer} | {t.values.name for t in graph.sparse_initializer}
    return names | {vi.name for vi in graph.input} | {vi.name for vi in graph.output}


def _inline(graph, node, body, taken: set[str]) -> list:
    """The nodes that replace ``node`` (an If) by ``body``, with the body's initializers moved to
    ``graph`` and the names it defines renamed where they are ``taken`` (which they join)."""
    from onnx import helper

    local = [t.name for t in body.initializer] + [o for n in body.node for o in n.output if o]
    outputs = {}  # body output name -> the If's output name, where the body defines it
    identities = []
    for b_out, if_out in zip(body.output, node.output):
        if if_out and b_out.name in local and b_out.name not in outputs:
            outputs[b_out.name] = if_out
        elif if_out:  # an outer tensor (or one body tensor given twice) as an output: an Identity
            identities.append((b_out.name, if_out))
    rename = dict(outputs)
    for name in local:
        if name in rename:
            continue
        new = name
        k = 0
        while new in taken:
            k += 1
            new = f"{name}__{k}"
        if new != name:
            rename[name] = new
        taken.add(new)
    for t in body.initializer:
        copy = graph.initializer.add()
        copy.CopyFrom(t)
        copy.name = rename.get(t.name, t.name)
    out = []
    for n in body.node:
        copy = type(n)()
        copy.CopyFrom(n)
        _rename(copy, rename)
        out.append(copy)
    for src, dst in identities:
        out.append(helper.make_node("Identity", [rename.get(src, src)], [dst], name=f"{node.name or dst}/{dst}"))
    return out


def _rename(node, rename: dict[str, str]) -> None:
    """Rename ``node``'s tensors, and those its subgraphs read from it by name."""
    for n in (node, *(m for g in node_bodies(node) for m in g.node)):
        for i, t in enumerate(n.input):
            if t in rename:
                n.input[i] = rename[t]
        for i, t in enumerate(n.output):
            if t in rename:
                n.output[i] = rename[t]
