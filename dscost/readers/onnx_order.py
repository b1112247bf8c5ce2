"""The nodes of an ONNX graph: their layer names, and their topological order."""

from __future__ import annotations

from pathlib import Path

from dscost.errors import InputError


def node_names(nodes, path: Path | None = None, inputs=()) -> list[str]:
    """The layer name of every node, in order: its own name, ``<op_type>_<index>`` when it has
    none, and ``<name>_<index>`` for a repeated name or the name of one of the graph's
    ``inputs`` (ValueInfoProtos: a layer's edges name layers and graph inputs alike).  `bench`
    and `convert` name the nodes of the models they run with the same rule, so onnxruntime's
    profile joins dscost's layers.  A name that is not valid UTF-8 is an InputError (naming
    ``path`` when given)."""
    used: set[str] = {vi.name for vi in inputs}
    out = []
    for index, node in enumerate(nodes):
        name = node.name or f"{node.op_type}_{index}"
        if name.__class__ is bytes:
            raise InputError(f"{str(path) + ': ' if path else ''}node {index} ({node.op_type}): {not_utf8('name', name)}")
        if name in used:
            name = f"{name}_{index}"
        used.add(name)
        out.append(name)
    return out


def name_nodes(model, renamed: dict[str, str] | None = None) -> None:
    """Give every node of ``model``'s main graph its layer name (:func:`node_names`), so names
    survive rewrites and profiles join by name; ``renamed`` maps some of those names to others
    (a PyTorch export's module paths)."""
    for node, name in zip(model.graph.node, node_names(model.graph.node, inputs=model.graph.input)):
        name = renamed.get(name, name) if renamed else name
        if node.name != name:
            node.name = name


def not_utf8(field: str, value) -> str:
    """protobuf gives a string field that is not valid UTF-8 as bytes: say which, and show it."""
    return f"its {field} is not valid UTF-8 ({value!r})"


def sort_nodes(path: Path, graph) -> tuple[list[str], set[str] | None]:
    """Put ``graph``'s nodes in topological order (in place; most graphs already are, and
    torch.onnx appends the Identity nodes of deduplicated weights at the end) and return
    their layer names, given by :func:`node_names` in the file's order, and the names of the
    tensors they make when they were in order already (None after a sort).  A cycle is an error,
    and so are a tensor two nodes make and an input that nothing makes (onnxruntime refuses such a graph: an exporter dropped
    the node that makes it, and the work it stood for would count as nothing)."""
    import heapq

    nodes = graph.node
    names = node_names(nodes, path, graph.input)
    given = {t.name for t in graph.initializer} | {vi.name for vi in graph.input} | {t.values.name for t in graph.sparse_initializer}
    made, pending = _in_order(nodes, given)
    if made is not None:  # the usual case: whatever was read before it was made is made by no node
        if any(pending):
            _refuse_unmade(path, nodes, names, given | made)
        return names, made
    producer: dict[str, int] = {}
    for i, node in enumerate(nodes):
        for t in node.output:
            if t and t not in given:
                if t in producer:  # (onnxruntime: "Duplicate definition of name"; counting both would count work that cannot run)
                    j = producer[t]
                    who = f"node {names[i]!r} ({node.op_type}) twice" if j == i else f"two nodes, {names[j]!r} ({nodes[j].op_type}) and {names[i]!r} ({node.op_type})"
                    raise InputError(f"{path}: tensor {t!r} is made by {who}: a graph defines each tensor once (onnxruntime refuses it too)")
                producer[t] = i
    if any(t and t not in producer and t not in given for node in nodes for t in node.input):
        _refuse_unmade(path, nodes, names, given | producer.keys())
    deps = [{producer[t] for t in node.input if t in producer} for node in nodes]
    users: list[list[int]] = [[] for _ in nodes]
    waiting = [len(ds) for ds in deps]
    for i, ds in enumerate(deps):
        for d in ds:
            users[d].append(i)
    ready = [i for i, w in enumerate(waiting) if w == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for u in users[i]:
            waiting[u] -= 1
            if waiting[u] == 0:
                heapq.heappush(ready, u)
    if len(order) < len(nodes):
        left = {i for i, w in enumerate(waiting) if w > 0}
        i = min(left)
        seen: list[int] = []
        while i not in seen:  # walk back along dependencies inside the cycle
            seen.append(i)
            i = min(d for d in deps[i] if d in left)
        loop = seen[seen.index(i):]
        shown = " -> ".join(f"{names[j]} ({nodes[j].op_type})" for j in reversed(loop))
        raise InputError(f"{path}: the graph has a cycle: {shown} -> {names[loop[-1]]}; a node cannot consume its own output")
    sorted_nodes = [nodes[i] for i in order]
    del graph.node[:]
    graph.node.extend(sorted_nodes)
    return [names[i] for i in order], None


def _refuse_unmade(path: Path, nodes, names: list[str], known) -> None:
    """The InputError for the first node that reads a tensor not in ``known`` -- or, before it, one
    with a name protobuf gave as bytes (not UTF-8: never equal to a name that is), as the reader says."""
    for i, node in enumerate(nodes):
        fields = [("op type", node.op_type), ("domain", node.domain), *(("input name", t) for t in node.input), *(("output name", t) for t in node.output)]
        field, value = next(((f, v) for f, v in fields if v.__class__ is bytes), (None, None))
        if field:
            raise InputError(f"{path}: node {names[i]!r}: {not_utf8(field, value)}")
        t = next((t for t in node.input if t and t not in known), None)
        if t is not None:
            break
    raise InputError(f"{path}: node {names[i]!r} ({nodes[i].op_type}) reads {t!r}, which no node makes and which is neither a graph input nor "
                     "an initializer: the graph cannot run (onnxruntime refuses it too)")


def _in_order(nodes, given: set[str]) -> tuple[set[str] | None, list[str]]:
    """The tensors the nodes make (not "") when every node comes after the producers
    of its inputs, else None; in one pass: an input not made yet is set aside, and the graph is
    in order unless one of those is made later.  A tensor made twice is left to the full sort
    (which refuses it).  Also what was set aside ("": an absent optional input)."""
    made = set(given)
    pending: list[str] = []
    named_as_given: list[str] = []  # (an output that takes an initializer's or graph input's name)
    for node in nodes:
        for t in node.input:
            if t not in made:
                pending.append(t)
        for t in node.output:
            if t in made and t:
                if t not in given:
                    return None, pending
                named_as_given.append(t)
            made.add(t)
    if any(t and t in made for t in pending):
        return None, pending
    made -= given
    made.discard("")
    made.update(named_as_given)
    return made, pending


def name_before_inlining(path: Path, mp) -> int:
    """When functions or Ifs will be inlined, give the graph's own nodes their layer names first
    (as `bench` and `convert` name the graph they run, where nothing is inlined): inlining
    shifts the index in an unnamed node's name.  Returns how many names were given."""
    given = 0
    for node, name in zip(mp.graph.node, node_names(mp.graph.node, path, mp.graph.input)):
        if node.name != name:
            node.name = name
            given += 1
    return given
