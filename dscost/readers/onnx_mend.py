"""Exporters' slips that onnx's shape inference cannot read past, mended in the reader's copy
of the graph before inference (never in the user's file), each said in a note.

* :func:`negative_perms` -- a Transpose whose ``perm`` counts axes from the end, as torch's
  TorchScript exporter writes ``x.permute(0, -2, -1, 1)`` (transformers' Mamba-2 chunk scan).
* :func:`runtime_casts` / :func:`cast_inputs` -- inputs of an element type onnxruntime refuses
  where onnx's inference reads past them: a CumSum of booleans, as the TorchScript exporter writes
  ``(mask != 1).cumsum(-1)`` (transformers' masking utilities), a Gather of float indices, a
  GridSample's double grid; the copy onnxruntime runs (``--measure-sizes``) casts them to the
  type torch has them in.
* :func:`unbatched_pools` -- a pool over an unbatched [C, H, W], as the TorchScript exporter
  writes ``max_pool2d`` of one (SuperPoint's keypoint NMS): given a batch axis of 1.
* :func:`import_domains` / :func:`imported_note` -- nodes of a domain the file does not import, as
  onnxruntime's ``optimize_model`` writes its ``com.microsoft`` fusions into some files (GPT-NeoX's
  BiasGelu): onnxruntime imports each domain it knows at its newest version, onnx's inference stops.
"""

from __future__ import annotations

from dscost.readers.handlers import few
from dscost.readers.onnx_inputs import forget_declared_shapes

# The last bytes of a negative integer on the wire (a ten-byte varint): a file without them has none.
NEGATIVE_INT_BYTES = b"\xff\xff\xff\xff\x01"


def negative_perms(graph, names: list[str] | None = None) -> list[str]:
    """Give each Transpose of ``graph`` whose ``perm`` has negative axes the axes they count from
    the end (``perm`` has one entry per axis: -2 of 4 is 2), in place, and return the note that
    says so (none when there is none).  ONNX allows only 0 .. rank-1 and onnxruntime refuses such a
    file, but what the exporter meant is not in doubt; a perm that is no permutation even so is
    left for the count to refuse.  The shapes the file declares are cleared then: the exporter
    computed them from those perms (torch 2.14's hold bytes of uninitialized memory as dimensions).
    ``names``: the nodes' layer names, in order."""
    mended = []
    for index, node in enumerate(graph.node):
        if node.op_type != "Transpose":
            continue
        for a in node.attribute:
            if a.name == "perm" and any(p < 0 for p in a.ints):
                perm = [p + len(a.ints) if p < 0 else p for p in a.ints]
                if sorted(perm) == list(range(len(perm))):
                    mended.append(f"{names[index] if names else node.name or f'Transpose_{index}'} with {list(a.ints)}")
                    a.ints[:] = perm
    if not mended:
        return []
    cleared = forget_declared_shapes(graph)
    return [f"{len(mended)} Transpose node(s) count axes of perm from the end ({few(mended)}), which ONNX does not allow and onnxruntime "
            "refuses (torch's TorchScript exporter writes permute(0, -2, -1, 1) so): read as the axes they count to, as torch means them"
            + (f"; the shapes the file declares for {cleared} tensor(s), which the exporter computed from them, are inferred anew" if cleared else "")]


FLOATS = (1, 10, 11, 16)  # FLOAT, FLOAT16, DOUBLE, BFLOAT16
BOOL = 9


INT64, FLOAT, DOUBLE = 7, 1, 11


def runtime_casts(graph, types: dict[str, int]) -> dict[str, list[tuple[int, int]]]:
    """The inputs onnxruntime refuses for their element type, though torch ran them: a CumSum's
    booleans (``(mask != 1).cumsum(-1)``), a Gather's float indices (Idefics2's bucketized
    positions), a GridSample's double grid over float data (OneFormer's reference points: the
    exporter writes ``linspace(..., dtype=float32)`` in double); by the node's first output,
    which input and the type it takes.  ``types``: the reader's element types."""
    casts: dict[str, list[tuple[int, int]]] = {}
    for node in graph.node:
        if node.op_type == "CumSum" and len(node.input) > 0 and types.get(node.input[0]) == BOOL:
            casts[node.output[0]] = [(0, INT64)]
        elif node.op_type in ("Gather", "GatherElements") and len(node.input) > 1 and types.get(node.input[1]) in FLOATS:
            casts[node.output[0]] = [(1, INT64)]
        elif node.op_type == "GridSample" and len(node.input) > 1 and types.get(node.input[1]) == DOUBLE and types.get(node.input[0]) == FLOAT:
            casts[node.output[0]] = [(1, FLOAT)]
    return casts


def cast_inputs(graph, casts: dict[str, list[tuple[int, int]]]) -> int:
    """Cast the inputs :func:`runtime_casts` named to the type it gives (torch's cumsum of
    booleans is int64; a float index holds an integer), in place; returns how many nodes."""
    from dscost.readers.onnx_lib import node as make_node

    mended = 0
    for index in reversed(range(len(graph.node))):
        node = graph.node[index]
        for k, to in casts.get(node.output[0], ()) if node.output else ():
            cast = f"{node.input[k]}__cast{to}_{index}"
            graph.node.insert(index, make_node("Cast", [node.input[k]], [cast], f"{node.name}__cast_{k}", to=to))
            node = graph.node[index + 1]
            node.input[k] = cast
            mended += 1
    return mended


POOLS = ("MaxPool", "AveragePool", "LpPool")
POOL_BYTES = b"Pool"  # (a file without it has no pool)
AXIS0 = "dscost__axis0"
UNBATCHED = "__unbatched"  # (the name of the Squeeze after a pool given a batch axis)
POOLS_NOTE = "pool(s) over a tensor without its batch axis"


def unbatched_pools(graph, shapes: dict | None, opset_import, notes: list[str] | None = None, only: set[str] | None = None) -> list[str]:
    """Give each pool of ``graph`` over a tensor without its batch axis -- rank one less than
    its kernel's plus two: torch's ``max_pool2d`` on an unbatched [C, H, W], as the TorchScript
    exporter writes it (SuperPoint's keypoint NMS) -- a batch axis of 1 (Unsqueeze before,
    Squeeze after), in place; ONNX pools take [N, C, spatial...] and onnxruntime refuses the
    others.  ``shapes``: the reader's (the input's rank); ``only``: the pools' outputs to mend
    (the copy onnxruntime runs).  Returns their outputs, said in ``notes``.  The nodes are
    built without onnx.helper (:mod:`onnx_lib`)."""
    hits = []
    for index, node in enumerate(graph.node):
        kernel = next((a.ints for a in node.attribute if a.name == "kernel_shape"), None) if node.op_type in POOLS else None
        if kernel is None or node.domain not in ("", "ai.onnx") or len(node.output) != 1 or not node.input:
            continue
        if node.output[0] in only if only is not None else len((shapes or {}).get(node.input[0]) or ()) == len(kernel) + 1:
            hits.append(index)
    if not hits:
        return []
    from dscost.readers.onnx_lib import int64_tensor, node as make_node

    opset = next((o.version for o in opset_import if o.domain in ("", "ai.onnx")), 0)
    mended = []
    for index in reversed(hits):
        node = graph.node[index]
        x, y = node.input[0], node.output[0]
        axes, attrs = ([AXIS0], {}) if opset >= 13 else ([], {"axes": [0]})  # (Unsqueeze/Squeeze take their axes as an input from opset 13)
        unsqueeze = make_node("Unsqueeze", [x, *axes], [f"{x}__batched_{index}"], f"{node.name}__batched", **attrs)
        squeeze = make_node("Squeeze", [f"{y}__batched_{index}", *axes], [y], f"{node.name}{UNBATCHED}", **attrs)
        node.input[0], node.output[0] = unsqueeze.output[0], squeeze.input[0]
        graph.node.insert(index + 1, squeeze)
        graph.node.insert(index, unsqueeze)
        mended.append(y)
    if mended and opset >= 13 and not any(t.name == AXIS0 for t in graph.initializer):
        graph.initializer.append(int64_tensor(AXIS0, [0]))
    if mended and notes is not None:  # (one note for all: each round of the reader's inference can find the next pools)
        if notes and POOLS_NOTE in notes[-1]:
            notes.pop()
        pools = batched_pools(graph)
        notes.append(f"{len(pools)} {POOLS_NOTE} ({few(map(repr, pools))}), which ONNX does not allow and onnxruntime refuses (torch's TorchScript "
                     "exporter writes max_pool2d of an unbatched [C, H, W] so): counted with a batch axis of 1, as torch runs them")  # fmt: skip
    return mended


def batched_pools(graph) -> list[str]:
    """The outputs of the pools :func:`unbatched_pools` gave a batch axis, in graph order."""
    return [n.output[0] for n in graph.node if n.op_type == "Squeeze" and n.name.endswith(UNBATCHED) and n.output]


def _domains(graph, found: set[str]) -> set[str]:
    """The domains of ``graph``'s nodes and of its subgraphs' (If, Loop, Scan bodies)."""
    for node in graph.node:
        found.add(node.domain)
        for a in node.attribute:
            if a.HasField("g"):
                _domains(a.g, found)
            for sub in a.graphs:
                _domains(sub, found)
    return found


def import_domains(mp, onnx) -> bool:
    """Import each domain ``mp``'s nodes use and its ``opset_import`` does not (in place), as
    onnxruntime does: at the newest version onnx knows of the ops used (``ai.onnx.ml``), else 1
    (``com.microsoft``: every contrib op is version 1; a domain nobody knows: its ops are
    uncounted, as any op of an unknown domain).  Called when onnx's inference stops on one (a file
    without never pays the walk); True when it imported any."""
    declared = {o.domain for o in mp.opset_import} | ({"", "ai.onnx"} if any(o.domain in ("", "ai.onnx") for o in mp.opset_import) else set())
    added = False
    # (a domain that is not UTF-8 comes back from protobuf as bytes: nothing can import it)
    for domain in sorted(d for d in _domains(mp.graph, set()) - declared if isinstance(d, str)):
        versions = [1]
        for node in (n for n in mp.graph.node if n.domain == domain):
            try:
                versions.append(onnx.defs.get_schema(node.op_type, domain).since_version)
            except Exception:  # (no schema: onnx's SchemaError)
                pass
        mp.opset_import.add(domain=domain, version=max(versions))
        added = True
    return added


def imported_note(mp, declared: set[str]) -> list[str]:
    """The note for the domains :func:`import_domains` imported into ``mp`` (``declared``: the
    domains it imported before); [] when none."""
    added = [f"{o.domain} (version {o.version})" for o in mp.opset_import if o.domain not in declared]
    if not added:
        return []
    return [f"the file's nodes use domain(s) its opset_import does not declare: {', '.join(added)} read as imported, as onnxruntime "
            "imports each domain it knows at its newest version (onnx's checker refuses the file)"]
