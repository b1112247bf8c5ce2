"""Sizes that depend on the data, measured in one onnxruntime run (``--measure-sizes``).

A ``NonZero``'s output, the boxes a detector keeps after NMS, the proposals an R-CNN's RoI
heads run on, the rows of each expert of a mixture of experts that loops over ``nonzero()``:
no shape inference can size them, so by default the reader lists the nodes after them as
uncounted, saying where the shapes were lost.  Asked to, it runs the model once in onnxruntime
(in a child process with a time limit: :mod:`dscost.sandbox`) with those tensors as extra graph
outputs, declares the sizes they had and infers the graph again: the counts after them are the
counts of that run, as a counter of an eager PyTorch run (torch's, fvcore, thop) gives them.  The
conditions of its Ifs and the trip counts of its Loops are read in the same run: each If whose
condition is data is replaced by the branch that ran, each such Loop counts the steps it ran.

The run's inputs are random normal floats, integer zeros and empty strings (seed 1), made in the
child at the sizes the reader fixed, one-element flags at their ``--input-value``; a PyTorch
module's export gets the arrays its forward was traced with, by input name.  Only tensors of the
file's own main graph can be made outputs: those inside an inlined function or a resolved If
branch stay unknown, said in the note.
"""

from __future__ import annotations

import os
import re
from math import prod
from pathlib import Path

from dscost.readers.handlers import few

INT32 = 6  # onnx.TensorProto.INT32
TIMEOUT_S = 600.0  # one run of the model (onnxruntime's session build included)
MAX_MEMORY = 8 << 30  # bytes the child may allocate beyond its code (sandbox.ADDRESS_SPACE_HEADROOM) for a model without weights
WEIGHT_COPIES = 3  # and per byte of weights: onnxruntime parses the file, then copies the weights into its session and may fold them


def lost_tensors(graph, shapes: dict) -> list[str]:
    """The main graph's node outputs whose size the shapes alone did not give, in node order."""
    return [o for n in graph.node for o in n.output if o and shapes.get(o) is None]


def memory_limit(path: Path, external_files=()) -> int:
    """The bytes one run of the model at ``path`` may allocate: :data:`MAX_MEMORY` and
    :data:`WEIGHT_COPIES` times the bytes of its file and its external data files (what is on
    disk, not what the file claims)."""
    return MAX_MEMORY + WEIGHT_COPIES * sum(os.path.getsize(f) for f in (path, *external_files) if os.path.isfile(f))


def measure(path: Path, mp, inferred, infer, notes: list[str], run_on: tuple, names: list[str], made, loops: bool, external_files=()):
    """``inferred`` with the lost tensors of ``mp``'s graph sized by one onnxruntime run of the
    file at ``path``, the Ifs whose condition is data replaced by the branch that ran, and the
    Loops whose trip count is data given the run's (the reader's folding starts from it); with
    the nodes' ``names`` and the tensors they make (``made``), new when an If was replaced.
    ``run_on``: the inputs' (name, shape, element type) as fixed, their ``--input-value``s, and
    the arrays to run on instead of random ones (a PyTorch module's: :func:`_matched`).  ``infer(outputs=made)`` infers the
    graph again; ``loops``: the graph may hold Loops (their bodies are checked again); ``external_files``: the
    file's external data, which raise the run's memory limit with its own size (:func:`memory_limit`)."""
    from dscost import sandbox
    from dscost.readers.onnx_branches import inline_known_branches
    from dscost.readers.onnx_mend import batched_pools, runtime_casts

    graph, (inputs, values, feeds) = mp.graph, run_on
    lost = lost_tensors(graph, inferred.shapes)
    conds = [n.input[0] for n in graph.node if n.op_type == "If" and n.domain in ("", "ai.onnx") and n.input and n.input[0]]
    trips = [n.input[0] for n in graph.node if n.op_type == "Loop" and n.domain in ("", "ai.onnx") and n.input and n.input[0]
             and (inferred.values.get(n.input[0]) is None)]  # (a trip count the shapes do not give)
    if not lost and not conds and not trips:
        notes.append("--measure-sizes: every tensor's size follows from the input shapes; nothing was run")
        return inferred, names, made, []
    types = {t: inferred.types.get(t, 0) for t in (*lost, *conds, *trips)}
    given = _matched(feeds, inputs)
    how = "random normal floats, integer zeros and empty strings (seed 1)" + (", flags at their --input-value" if values else "")
    if feeds is not None:
        unmatched = [name for name, _, _ in inputs if name not in given]
        how = "the inputs it was traced with" + (f" (random for {few(map(repr, unmatched))}, which could not be matched to them)" if unmatched else "")
    casts = runtime_casts(graph, inferred.types)
    pools = set(batched_pools(graph))  # (the reader gave them a batch axis: the copy onnxruntime runs needs it too)
    sizes, ran, retried = sandbox.run(_run_sizes, str(path), (inputs, values, given), types, {*conds, *trips}, (casts, pools), timeout_s=TIMEOUT_S,
                                      memory_bytes=memory_limit(path, external_files), label=f"{path}: --measure-sizes", limit_flag=None, timeout_flag=None)  # fmt: skip
    if retried:
        how = how.replace("random normal floats", "random uniform floats in [0, 1)") + f", after a run on normal floats failed ({retried})"
    sizes = {t: v for t, v in sizes.items() if t in lost}
    if sizes:
        _declare(graph, sizes, inferred.types)
    said: list[str] = []  # (each If replaced, as onnx_branches says it)
    dropped: list = []
    if ran and inline_known_branches(graph, {t: v for t, v in ran.items() if t in conds}, said, opset_import=mp.opset_import, given_by="measured",
                                     untaken=dropped):  # fmt: skip
        names, made = _sorted(path, graph, loops)
    seeds = _trip_counts(trips, ran, inferred.shapes, inferred.types)
    if sizes or said or seeds:
        inferred = infer(outputs=made, seeds=seeds)
    left = lost_tensors(graph, inferred.shapes)
    t, size = next(iter(sizes.items())) if sizes else ("", ())
    if sizes:
        note = (f"--measure-sizes: {len(sizes)} tensor size(s) depend on the data; measured in one onnxruntime run on {how} "
                f"(e.g. {t!r}: {'x'.join(map(str, size)) or 'a scalar'}), so the counts of the nodes after them are those of that run")  # fmt: skip
    else:
        note = f"--measure-sizes: one onnxruntime run on {how}" + (f" sized none of the {len(lost)} tensor(s) the shapes alone do not give" if lost else "")
    empty = sum(1 for size in sizes.values() if 0 in size)
    if empty:
        note += f"; {empty} of them empty at this run (nothing selected: other inputs may select more)"
    if seeds:
        note += f"; {len(seeds)} Loop trip count(s) from the run ({', '.join(f'{t!r}={int(v.reshape(-1)[0])}' for t, v in list(seeds.items())[:3])})"
    if said:
        note += f"; {len(said)} If(s) whose condition is data counted by the branch the run took"
    if left:
        note += f"; {len(left)} stay unknown ({few(map(repr, left))}: inside an inlined function or If branch, or not made by the run)"
    notes.append(note)
    notes += said
    return inferred, names, made, untaken(dropped, graph)


# The ops of multiply-adds (ONNX's, onnxruntime's fused and quantized twins): a branch not taken that holds
# one, or reads a weight, is work the count leaves out; one of element-wise and shape ops (an empty result,
# box offsets) is not listed
_MAC_OPS = {"Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "DeformConv", "MatMul", "MatMulInteger", "QLinearMatMul", "Gemm", "Einsum",
            "LSTM", "GRU", "RNN", "Attention", "FusedConv", "FusedGemm", "FusedMatMul", "QGemm", "MatMulNBits", "MultiHeadAttention",
            "GroupQueryAttention", "QAttention"}


def untaken(dropped: list, graph) -> list[tuple[str, str, list[str]]]:
    """(name, reason, the outer tensors it reads) of each If branch that the measured run did not
    take and that holds work -- an op of multiply-adds (:data:`_MAC_OPS`), or a weight of the
    graph (a float initializer of more than one element): it is listed as uncounted (the reader
    counts the weights only it reads as its params), since other inputs may take it."""
    from onnx import AttributeProto, NodeProto

    from dscost.readers.onnx_uncounted import node_bodies, outer_refs, subgraph_summary

    weights = {t.name for t in graph.initializer if t.data_type in (1, 10, 11, 16) and len(t.dims) and prod(t.dims) > 1}
    out = []
    for name, branch, body in dropped:
        holder = NodeProto()
        holder.attribute.add(name=branch, type=AttributeProto.GRAPH).g.CopyFrom(body)
        refs = outer_refs(holder)
        if _MAC_OPS.intersection(n.op_type for g in node_bodies(holder) for n in g.node) or weights.intersection(refs):
            what = subgraph_summary(holder).removeprefix("subgraph not counted: ")
            out.append((f"{name}/{branch}", f"the {branch} of If {name!r}, which the measured run did not take ({what}): not counted; other inputs may take it", refs))
    return out


def _matched(feeds, inputs: list[tuple]) -> dict:
    """The arrays to run on by input name: ``feeds`` by name (a PyTorch module's, named as its
    export names its inputs), or a list in the order of ``inputs`` when there are as many; the
    None among them (an element type numpy has not) left out, to be made at random."""
    if isinstance(feeds, dict):
        return {k: v for k, v in feeds.items() if v is not None and any(k == name for name, _, _ in inputs)}
    if isinstance(feeds, list) and len(feeds) == len(inputs):
        return {name: a for (name, _, _), a in zip(inputs, feeds) if a is not None}
    return {}


def _trip_counts(trips: list[str], ran: dict[str, int], shapes: dict, types: dict) -> dict:
    """The trip counts of Loops the run gave, as the arrays the reader's folding starts from (int64;
    int32 where the file says so)."""
    import numpy as np

    out = {}
    for t in trips:
        if t in ran:
            out[t] = np.full(shapes.get(t) or (), ran[t], np.int32 if types.get(t) == INT32 else np.int64)
    return out


def _sorted(path: Path, graph, loops: bool):
    from dscost.readers.onnx_infer import refuse_crashers
    from dscost.readers.onnx_order import sort_nodes

    names, made = sort_nodes(path, graph)
    if loops:
        refuse_crashers(graph, path, scans=True)
    return names, made


def _declare(graph, sizes: dict[str, tuple], types: dict[str, int]) -> None:
    """The measured sizes as the graph's declared shapes (value_info, or the graph output's own)."""
    from dscost.readers.onnx_lib import value_info

    outputs = {vi.name: vi for vi in graph.output}
    kept = [vi for vi in graph.value_info if vi.name not in sizes]
    del graph.value_info[:]
    graph.value_info.extend(kept)
    for t, size in sizes.items():
        declared = value_info(t, types.get(t) or 1, size)
        if t in outputs:
            outputs[t].CopyFrom(declared)
        else:
            graph.value_info.append(declared)


def _run_sizes(path: str, run_on: tuple, types: dict[str, int], conds: set[str], mends: tuple) -> tuple[dict[str, tuple], dict[str, int], str]:
    """(In the child.) The sizes of the tensors ``types`` names that the file's main graph makes,
    after one run on ``run_on`` (the inputs' (name, shape, element type), their ``--input-value``s,
    and the arrays given by name; the others are made here at random -- normal floats, and when
    the model fails on them, uniform ones in [0, 1), as an image's pixels: a detector whose
    proposals all fall below its threshold on noise can fail on the empty set, torchvision's
    Faster R-CNN in a ``Reshape(0, -1)``, round 54; then why the first run failed is returned
    too): each made an extra graph output of a copy of the model whose
    declared inner shapes are dropped (they hold the export's sizes) and whose inputs are
    declared at the sizes fed; mended as the reader mends its copy (:mod:`onnx_mend`), and the
    inputs ``mends`` names cast as :func:`onnx_mend.runtime_casts` says and its pools the reader
    gave a batch axis given one (:func:`onnx_mend.unbatched_pools`), which onnxruntime takes."""
    from dscost import runtime
    from dscost.errors import InputError
    from dscost.readers import onnx_lib
    from dscost.readers.onnx_mend import cast_inputs, negative_perms, unbatched_pools

    inputs, values, given = run_on
    feeds = {**runtime.feeds_for([i for i in inputs if i[0] not in given], path, values=values), **given}  # (made here: the parent holds none)
    copy = runtime.named(path)  # (its weights stay in the file: onnxruntime reads them there)
    model = runtime.load_onnx(path, external=False) if copy is None else onnx_lib.load().ModelProto.FromString(copy.data)
    del copy
    g = model.graph
    negative_perms(g)
    casts, pools = mends
    cast_inputs(g, casts)
    unbatched_pools(g, None, model.opset_import, only=pools)
    _bfloat16_inputs(g, feeds)
    made = {o for n in g.node for o in n.output if o}
    outputs = {vi.name for vi in g.output}
    wanted = [t for t in types if t in made]
    del g.value_info[:]
    for vi in g.input:
        if vi.name in feeds and vi.type.HasField("tensor_type"):
            vi.type.tensor_type.ClearField("shape")
            for d in feeds[vi.name].shape:
                vi.type.tensor_type.shape.dim.add().dim_value = d
    for t in wanted:
        if t not in outputs:
            typed = types[t] and not casts  # (after a cast the reader's types may be stale: onnxruntime infers them)
            g.output.append(onnx_lib.value_info(t, types[t] if typed else None))
    names = [vi.name for vi in g.output]
    sess = runtime.make_session(model, f"{path}: --measure-sizes", optimization="basic", folder=str(Path(path).absolute().parent))
    del model
    known = {i.name for i in sess.get_inputs()}
    retried = ""
    try:
        results = runtime.run(sess, {k: v for k, v in feeds.items() if k in known}, f"{path}: --measure-sizes")
    except InputError as err:
        made_here = [i for i in inputs if i[0] not in given and i[0] in known]
        if not any(feeds[name].dtype.kind == "f" for name, _, _ in made_here):
            raise
        at = re.search(r"running (\w+) node\. Name:'([^']*)'", str(err))
        retried = f"onnxruntime failed in node {at[2]!r} ({at[1]})" if at else str(err).split(": ", 2)[-1][:200]
        again = runtime.feeds_for(made_here, path, values=values, uniform=True)
        feeds.update((k, v.astype(feeds[k].dtype)) for k, v in again.items())  # (a bfloat16 input is fed as float32: _bfloat16_inputs)
        results = runtime.run(sess, {k: v for k, v in feeds.items() if k in known}, f"{path}: --measure-sizes (normal floats failed: {retried}; uniform ones too)")
    got = dict(zip(names, results))
    sizes = {t: tuple(int(d) for d in got[t].shape) for t in wanted if t in got and hasattr(got[t], "shape")}
    ran = {t: int(got[t].reshape(-1)[0]) for t in conds if t in got and getattr(got[t], "size", 0) == 1}  # (an If's condition, a Loop's trip count)
    return sizes, ran, retried


def _bfloat16_inputs(graph, feeds: dict) -> None:
    """(In the child.) onnxruntime's Python binding takes no bfloat16 array: each bfloat16 input
    of ``graph`` is declared float32 in the copy it runs and cast to bfloat16 by its first node,
    and fed as float32 (a module's traced values kept exactly)."""
    from dscost.readers.onnx_lib import BFLOAT16, FLOAT, node as make_node

    for vi in graph.input:
        if vi.name in feeds and vi.type.HasField("tensor_type") and vi.type.tensor_type.elem_type == BFLOAT16:
            vi.type.tensor_type.elem_type = FLOAT
            inner = f"{vi.name}__bfloat16"
            for node in graph.node:
                node.input[:] = [inner if t == vi.name else t for t in node.input]
            graph.node.insert(0, make_node("Cast", [vi.name], [inner], f"{vi.name}__bfloat16", to=BFLOAT16))
            feeds[vi.name] = feeds[vi.name].astype("float32")
