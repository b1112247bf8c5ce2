"""A model's local functions (``ModelProto.functions``), inlined into its graph by onnx's
inliner before inference, so that their nodes are counted as the graph's own.

onnx's inliner leaves a function's calls in place, saying nothing, when the function imports an
opset version the model does not (``inline_local_functions`` returns the model unchanged).
jax2onnx (0.17) writes each ``@onnx_function`` in a domain of its own, imported at version 1
by the model and at the default domain's version (23) inside the function: the version of a
domain that holds only local functions means nothing (a function has no versions), so in the
reader's copy each function imports the local-function domains at the model's version first.
A call the inliner still leaves is an op of an unknown domain, uncounted, and the note says how
many there are.  Functions that call functions that call functions double at each level: a
graph that would expand to more than :data:`MAX_INLINED_NODES` nodes is refused before inlining
(an 18 KB file of 40 levels would be 2^39 nodes).
"""

from __future__ import annotations

from dscost.errors import InputError

MAX_INLINED_NODES = 1_000_000


def inline_functions(path, mp, notes: list[str]):
    """``mp`` with its local functions inlined (a new ModelProto; ``mp`` when it has none), and
    the note saying how many were, and how many calls were not."""
    if not mp.functions:
        return mp
    from onnx import inliner

    if expanded_size(mp) > MAX_INLINED_NODES:
        raise InputError(f"{path}: its model-local functions, which call each other, expand to more than {MAX_INLINED_NODES:,} nodes when inlined")

    n_functions = len(mp.functions)
    mended = _local_domain_versions(mp)
    try:
        out = inliner.inline_local_functions(mp)
    except Exception:  # (onnx's own checks of a malformed function: its calls stay, uncounted)
        out = mp
    functions = {(f.domain, f.name) for f in mp.functions}
    called = [(n.domain, n.op_type) for n in out.graph.node if (n.domain, n.op_type) in functions]
    note = f"{n_functions - len(set(called))} model-local function(s) inlined"
    if mended:
        note += f" (the opset version of their own domain inside {mended} of them set to the model's, as onnx's inliner needs)"
    if called:
        note += f"; {len(called)} call(s) of {len(set(called))} that onnx's inliner could not inline are uncounted"
    notes.append(note)
    return out


def _local_domain_versions(mp) -> int:
    """Make each function's import of a domain that holds only local functions the model's
    version of it (the first function's when the model imports none), in place; the number
    of functions changed."""
    domains = {f.domain for f in mp.functions} - {"", "ai.onnx", "ai.onnx.ml", "com.microsoft"}
    model = {o.domain: o.version for o in mp.opset_import if o.domain in domains}
    for f in mp.functions:
        for o in f.opset_import:
            if o.domain in domains:
                model.setdefault(o.domain, o.version)
    changed = 0
    for f in mp.functions:
        wrong = [o for o in f.opset_import if o.domain in domains and o.version != model[o.domain]]
        for o in wrong:
            o.version = model[o.domain]
        changed += bool(wrong)
    return changed


def expanded_size(mp) -> int:
    """How many nodes ``mp``'s graph has with every call of a local function replaced by the
    function's nodes, at every depth (nodes in subgraphs included; a call in a cycle, which onnx's
    inliner refuses, counts one), without expanding anything."""
    functions = {(f.domain, f.name): f for f in mp.functions}
    shape = {}  # function -> (its own nodes that call no function, the functions it calls, with repeats)
    for key, f in functions.items():
        shape[key] = _calls(f.node, functions)
    sizes: dict = {}
    for root in functions:
        stack, visiting = [(root, False)], set()
        while stack:
            key, done = stack.pop()
            if key in sizes:
                continue
            plain, calls = shape[key]
            if not done:
                visiting.add(key)
                stack.append((key, True))
                stack += [(c, False) for c in set(calls) if c not in sizes and c not in visiting]
            else:
                sizes[key] = plain + sum(sizes.get(c, 1) for c in calls)
    plain, calls = _calls(mp.graph.node, functions)
    return plain + sum(sizes[c] for c in calls)


def _calls(nodes, functions: dict) -> tuple[int, list]:
    """(How many of ``nodes`` and the nodes of their subgraphs call no local function, the local
    functions the others call)."""
    plain, calls, todo = 0, [], [nodes]
    while todo:
        for n in todo.pop():
            key = (n.domain, n.op_type)
            if key in functions:
                calls.append(key)
            else:
                plain += 1
            for a in n.attribute:
                todo += [a.g.node] if a.HasField("g") else []
                todo += [g.node for g in a.graphs]
    return plain, calls
