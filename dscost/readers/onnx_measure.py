"""Sizes that depend on the data, measured in one onnxruntime run (``--measure-sizes``).

A ``NonZero``'s output, the boxes a detector keeps after NMS, the proposals an R-CNN's RoI
heads run on, the rows of each expert of a mixture of experts that loops over ``nonzero()``:
no shape inference can size them, so by default the reader lists the nodes after them as
uncounted, saying where the shapes were lost.  Asked to, it runs the model once in onnxruntime
(in a child process with a time limit: :mod:`dscost.sandbox`) with those tensors as extra graph
outputs, declares the sizes they had and infers the graph again: the counts after them are the
counts of that run, as a counter of an eager PyTorch run (torch's, fvcore, thop) gives them.

The run's inputs are random normal floats and integer zeros (seed 1) at the sizes the reader
fixed, one-element flags at their ``--input-value``; a PyTorch module's export gets the arrays
its forward was traced with.  Only tensors of the file's own main graph can be made outputs:
those inside an inlined function or a resolved If branch stay uncounted, said in the note.
"""

from __future__ import annotations

from pathlib import Path

from dscost.readers.handlers import few

TIMEOUT_S = 600.0  # one run of the model (onnxruntime's session build included)
MAX_MEMORY = 8 << 30  # bytes the child may allocate beyond its code (sandbox.ADDRESS_SPACE_HEADROOM)


def lost_tensors(graph, shapes: dict) -> list[str]:
    """The main graph's node outputs whose size the shapes alone did not give, in node order."""
    return [o for n in graph.node for o in n.output if o and shapes.get(o) is None]


def measure(path: Path, graph, inferred, infer, notes: list[str], inputs: list[tuple], values: dict | None, feeds: list | None = None):
    """``inferred`` with the lost tensors of ``graph`` sized by one onnxruntime run of the file at
    ``path`` (``inputs``: its inputs' (name, shape, element type) as fixed; ``feeds``: the arrays
    to run it on instead of random ones, in the order of ``inputs``: a PyTorch module's; one
    None is random; ignored when there are not as many).  ``infer()`` infers the graph again."""
    from dscost import sandbox
    from dscost.readers.onnx_mend import runtime_casts
    from dscost.runtime import feeds_for

    lost = lost_tensors(graph, inferred.shapes)
    if not lost:
        notes.append("--measure-sizes: every tensor's size follows from the input shapes; nothing was run")
        return inferred
    types = {t: inferred.types.get(t, 0) for t in lost}
    if isinstance(feeds, list):  # (a PyTorch module's inputs, in the order the export takes them)
        feeds = {name: a for (name, _, _), a in zip(inputs, feeds) if a is not None} if len(feeds) == len(inputs) else None
        feeds = {**feeds_for([i for i in inputs if i[0] not in feeds], str(path), values=values), **feeds} if feeds is not None else None
    if feeds is None:
        feeds = feeds_for(inputs, str(path), values=values)
        how = "random normal floats and integer zeros (seed 1)" + (", flags at their --input-value" if values else "")
    else:
        how = "the inputs it was traced with"
    casts = runtime_casts(graph, inferred.types)
    sizes = sandbox.run(_run_sizes, str(path), feeds, types, casts, timeout_s=TIMEOUT_S, memory_bytes=MAX_MEMORY, label=f"{path}: --measure-sizes",
                        limit_flag=None, timeout_flag=None)  # fmt: skip
    if sizes:
        _declare(graph, sizes, inferred.types)
        inferred = infer()
    left = lost_tensors(graph, inferred.shapes)
    t, size = next(iter(sizes.items())) if sizes else ("", ())
    said = (f"--measure-sizes: {len(sizes)} tensor size(s) depend on the data; measured in one onnxruntime run on {how} "
            f"(e.g. {t!r}: {'x'.join(map(str, size)) or 'a scalar'}), so the counts of the nodes after them are those of that run") if sizes else \
        f"--measure-sizes: onnxruntime's run sized none of the {len(lost)} tensor(s) the shapes alone do not give"  # fmt: skip
    if left:
        said += f"; {len(left)} stay unknown ({few(map(repr, left))}: inside an inlined function or If branch, or not made by the run)"
    notes.append(said)
    return inferred


def _declare(graph, sizes: dict[str, tuple], types: dict[str, int]) -> None:
    """The measured sizes as the graph's declared shapes (value_info, or the graph output's own)."""
    from onnx import helper

    outputs = {vi.name: vi for vi in graph.output}
    kept = [vi for vi in graph.value_info if vi.name not in sizes]
    del graph.value_info[:]
    graph.value_info.extend(kept)
    for t, size in sizes.items():
        declared = helper.make_tensor_value_info(t, types.get(t) or 1, list(size))
        if t in outputs:
            outputs[t].CopyFrom(declared)
        else:
            graph.value_info.append(declared)


def _run_sizes(path: str, feeds: dict, types: dict[str, int], casts: dict[str, list[int]]) -> dict[str, tuple]:
    """(In the child.) The sizes of the tensors ``types`` names that the file's main graph makes,
    after one run on ``feeds``: each made an extra graph output of a copy of the model whose
    declared inner shapes are dropped (they hold the export's sizes) and whose inputs are
    declared at the sizes fed; mended as the reader mends its copy (:mod:`onnx_mend`), and the
    inputs ``casts`` names cast to int64 (:func:`onnx_mend.runtime_casts`), which onnxruntime takes."""
    from onnx import helper

    from dscost import runtime
    from dscost.readers.onnx_mend import cast_inputs, negative_perms
    from dscost.readers.onnx_order import load_onnx

    model = load_onnx(path)
    g = model.graph
    negative_perms(g)
    cast_inputs(g, casts)
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
            g.output.append(helper.make_tensor_value_info(t, types[t], None) if types[t] else helper.make_empty_tensor_value_info(t))
    names = [vi.name for vi in g.output]
    sess = runtime.make_session(model, f"{path}: --measure-sizes", optimization="basic")
    del model
    known = {i.name for i in sess.get_inputs()}
    results = runtime.run(sess, {k: v for k, v in feeds.items() if k in known}, f"{path}: --measure-sizes")
    got = dict(zip(names, results))
    return {t: tuple(int(d) for d in got[t].shape) for t in wanted if t in got and hasattr(got[t], "shape")}
