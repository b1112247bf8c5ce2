"""Shapes of every tensor of an ONNX graph (whose input shapes
:mod:`dscost.readers.onnx_inputs` fixed): onnx's shape inference, and folding of the small
integer tensors that shapes are computed from.

* :func:`infer` -- ``onnx.shape_inference.infer_shapes`` with data
  propagation; when it leaves a tensor's shape open, one forward pass over the
  nodes folds constants and completes the shapes (:func:`_propagate`);
* the sizes onnx's inference gets other than onnxruntime are corrected after it:
  :mod:`dscost.readers.onnx_runtime_sizes`.

Folding (the approach of onnx-simplifier, bounded): a node whose inputs all have known values --
small initializers and Constant nodes, the output of ``Shape``/``Size`` of a tensor with a static
shape, and what earlier folds computed -- is evaluated with onnx's reference evaluator
(``onnx.reference.ReferenceEvaluator``, every standard op in numpy), float chains included.  Before
a node is evaluated its output shapes are inferred from its input values
(``onnx.shape_inference.infer_node_outputs``); a node whose outputs are not static or exceed
:data:`FOLD_MAX_ELEMENTS` is not evaluated, so a hostile ``ConstantOfShape([10**9])`` costs nothing.
A node whose output shapes are still open is inferred again with the values known so far.  Weights
stay unread: only tensors whose data the stripped copy kept (small ones) have values, and the stored
constants, up to :data:`FOLD_MAX_ELEMENTS` each, that a NonZero or Unique of constants alone is
computed from (iSQRT-COV's ``ones(256, 256).triu().view(-1).nonzero()``: its size is theirs).
"""

from __future__ import annotations

from collections import ChainMap
from math import prod
from pathlib import Path

from dscost.dtypes import ONNX_NUMPY, ONNX_TYPES
from dscost.errors import InputError
from dscost.layers import Shape
from dscost.readers.handlers import few
from dscost.readers.onnx_legacy import FIRST_INFERRED_OPSET, LEGACY_FOLDS, NO_EVALUATOR, old_opset_outputs
from dscost.readers.onnx_node import node_attrs
from dscost.readers.onnx_stored import stored_array
from dscost.readers.onnx_eval import (CONTRIB_TWINS, FOLD_MAX_ELEMENTS, NONDETERMINISTIC, Evaluators, constant_value, empty_inputs, fold_small, input_arrays, small_value,
                                      standard_domain, stored_sources)  # fmt: skip
from dscost.readers.onnx_refusals import SAME_TYPE, VALUE_CHECKS, types_differ

FOLD_MAX_EVALS = 200_000  # evaluations per model
READ_FOR = "stored constants a NonZero or Unique is computed from"  # (why the file or its external data was read)
VALUE_CHECKED = b"Col2Im"  # (onnx_refusals.VALUE_CHECKS: the folding pass runs for it even when onnx's inference leaves no shape open)
FLOAT, BFLOAT16 = ONNX_TYPES["float32"], ONNX_TYPES["bfloat16"]
# Ops whose output shape depends on the data, at most rank x the elements of their first input:
# evaluated when that bound is small (Longformer's NonZero of a ConstantOfShape).
SIZE_FROM_DATA = ("NonZero", "Compress")


def static_shape(type_proto) -> Shape | None:
    """Concrete shape of a tensor type, None if the rank or any dim is unknown."""
    tt = type_proto.tensor_type  # an empty message for other types: no shape
    if not tt.HasField("shape"):
        return None
    dims = [d.dim_value for d in tt.shape.dim]
    if not dims or min(dims) > 0:  # the usual case (100k tensors in a big graph): no second look
        return tuple(dims)
    out = []
    for d in tt.shape.dim:
        v = d.dim_value
        if v > 0 or (v == 0 and d.HasField("dim_value")):  # a positive value needs no second look
            out.append(v)
        else:
            return None
    return tuple(out)


def _infer_once(mp, path: Path, onnx, notes: list[str]):
    from dscost.readers.onnx_infer import infer_shapes

    try:
        return infer_shapes(onnx, mp, notes)
    except Exception as err:
        msg = str(err).strip().splitlines()
        if "No opset import for domain" in str(err):  # (onnxruntime's optimize_model writes such files; onnxruntime runs them)
            from dscost.readers.onnx_mend import import_domains

            if import_domains(mp, onnx):
                return _infer_once(mp, path, onnx, notes)
        raise InputError(f"{path}: shape inference failed: {msg[-1] if msg else type(err).__name__}") from None


def _refuse_negative(vi, path: Path, graph=None) -> None:
    """A negative dimension, declared or inferred, is impossible: an input error naming the tensor
    (and the node that makes it: onnx infers a negative size for a kernel larger than its input)."""
    tt = vi.type.tensor_type
    if tt.HasField("shape"):
        neg = [d.dim_value for d in tt.shape.dim if d.HasField("dim_value") and d.dim_value < 0]
        if neg:
            node = next((n for n in graph.node if vi.name in n.output), None) if graph is not None else None
            made = f" (made by node {node.name!r} ({node.op_type}): its inputs' shapes and attributes give no tensor)" if node is not None else ""
            raise InputError(f"{path}: tensor {vi.name!r} has a negative dimension ({neg[0]}) in its shape{made}")


class Inferred:
    """The inferred graph, and every tensor's static shape (None: unresolved) and element type;
    the values folding found, and what is known of each Loop/Scan (:class:`onnx_loops.Body`, by
    :func:`onnx_loops.key`)."""

    def __init__(self, graph, shapes: dict[str, Shape | None], types: dict[str, int], notes: list[str]):
        self.graph, self.shapes, self.types, self.notes = graph, shapes, types, notes
        self.values: dict[str, object] = {}
        self.bodies: dict[tuple, object] = {}
        self.bad: dict[str, str] = {}  # a node's first output -> why the node cannot run (folding found it)
        self.opset = 0  # of the default domain


def infer(mp, path: Path, onnx, wire=None, loops: bool = False, depth: int = 0, input_values: dict[str, int] | None = None,
          node_outputs: set[str] | None = None, seeds: dict | None = None, checks: bool = False) -> Inferred:  # fmt: skip
    """Shapes and element types of every tensor of ``mp`` (whose inputs :func:`onnx_inputs.fix_inputs` fixed).
    ``wire``: the wire scan of the file (:class:`onnx_wire.Stripper`): the dims of its initializers, whose
    data may have been stripped, and where the data of those and of its Constant nodes is.  When the
    graph may hold ``loops`` or ops it ``checks`` (:data:`VALUE_CHECKED`), the folding pass always runs: it infers each Loop/Scan body
    (:func:`onnx_loops.infer_body`), ``depth`` Loops deep; ``input_values`` (``--input-value``)
    are values it starts from (a Loop's trip count given as a graph input); ``node_outputs``: the
    tensors the nodes make, when the caller read them already (100k protobuf reads spared);
    ``seeds``: values of other tensors, known otherwise (a Loop's trip count, measured)."""
    notes: list[str] = []
    g = _infer_once(mp, path, onnx, notes).graph
    shapes: dict[str, Shape | None] = {}
    types: dict[str, int] = {}
    for t in g.initializer:
        shapes[t.name] = tuple(t.dims)
        types[t.name] = t.data_type
    for name, t in (wire.initializers if wire is not None else {}).items():
        shapes[name] = tuple(t.dims)
    read: dict[bytes, tuple] = {}  # a type's bytes -> (shape, element type): a big graph repeats a few types
    for coll in (g.input, g.value_info, g.output):
        for vi in coll:
            tp = vi.type
            key = tp.SerializeToString()
            known = read.get(key)
            if known is None:
                tensor = tp.HasField("tensor_type")
                known = read[key] = (static_shape(tp), tp.tensor_type.elem_type if tensor else None)
                if tensor and known[0] is None:
                    _refuse_negative(vi, path, g)
            name = vi.name
            if known[0] is not None or shapes.get(name) is None:  # (an output passing an input on may be declared without a type)
                shapes[name] = known[0]
            if known[1]:
                types[name] = known[1]
    inferred = Inferred(g, shapes, types, notes)
    made = node_outputs if node_outputs is not None else (o for n in g.node for o in n.output if o)
    opset = inferred.opset = next((o.version for o in mp.opset_import if o.domain in ("", "ai.onnx")), onnx.defs.onnx_opset_version())
    if opset < FIRST_INFERRED_OPSET and any(shapes.get(o) is None for o in made):  # (a file of 2017: onnx_legacy)
        made = {o for n in g.node for o in n.output if o}
        outs, why, target = old_opset_outputs(mp, onnx)  # (the file's tensors only, each once: a name can be both value_info and output)
        given = {vi.name: vi for vi in outs if vi.name in made and shapes.get(vi.name) is None and static_shape(vi.type) is not None}
        for t, vi in given.items():
            shapes[t], types[t] = static_shape(vi.type), vi.type.tensor_type.elem_type
        inferred.notes.append(f"opset {opset}: onnx infers no shapes for its first op versions; " +
                              (f"{len(given)} tensor shape(s) from a copy converted to opset {target}" if not why else why))  # fmt: skip
    if loops or checks or any(shapes.get(o) is None for o in made):
        loop = None
        if loops:
            from dscost.readers.onnx_loops import infer_body, new_graph

            if depth == 0:
                new_graph()
            inputs = {vi.name for vi in mp.graph.input} if depth == 0 else set()  # (the user's inputs, for a hint)
            loop = lambda node, values: infer_body(node, inferred, values, mp, path, onnx, opset, depth, infer, inputs)  # noqa: E731
        seeded = {**empty_inputs(g.input), **input_arrays(input_values, g.input), **(seeds or {})}
        values = _propagate(g, shapes, types, inferred.notes, onnx, opset, loop, seeded, inferred.bad, wire)
        if loops:  # (kept only for the Loop counter: the trip counts and conditions it reads)
            inferred.values = values
    return inferred


# --------------------------------------------------------------------------
# Folding and shape completion


def _rank_times_numel(value) -> int:
    return max(value.ndim, 1) * value.size


def _shape_value(node, shape: Shape, np):
    """Value of Shape (with start/end) or Size of a tensor of static ``shape``."""
    if node.op_type == "Size":
        return np.array(prod(shape), dtype=np.int64)
    attrs = {a.name: a.i for a in node.attribute}
    rank = len(shape)
    start, end = attrs.get("start", 0), attrs.get("end", rank)
    start = min(max(start + rank if start < 0 else start, 0), rank)
    end = min(max(end + rank if end < 0 else end, 0), rank)
    return np.array(shape[start:end], dtype=np.int64)


def _propagate(g, shapes: dict, types: dict, notes: list[str], onnx, opset: int, loop=None, seeds: dict | None = None,
               bad: dict | None = None, wire=None) -> dict:  # fmt: skip
    """One forward pass: fold what can be folded, infer each still-open node again with the values
    known (``loop``: what to do with a Loop/Scan node; ``seeds``: values given); returns the values
    found.  ``bad`` gets the nodes that cannot run (by first output): a Gather whose known index
    lies outside its data, an op whose known inputs have different element types.  ``wire``: the
    file's wire scan, whose tensors with their data left out are read where a NonZero or Unique of
    constants alone is computed from them (:func:`onnx_eval.stored_sources`)."""
    import numpy as np
    from onnx import helper, numpy_helper

    values: dict[str, object] = dict(seeds or {})
    for t in g.initializer:
        v = small_value(t, np, numpy_helper)
        if v is not None:
            values[t.name] = v
    stored = ChainMap(wire.constants, wire.initializers) if wire is not None else {}  # (the tensors whose data is left out, by name)
    read = {name: v for name in stored_sources(g.node, values, stored) if (v := stored_array(wire, stored[name], np, FOLD_MAX_ELEMENTS, READ_FOR)) is not None}
    if read:  # (the values that decide a NonZero's size, read from the file)
        values.update(read)
        notes.append(f"the values of {len(read)} stored constant(s) ({few(read)}: {sum(v.nbytes for v in read.values()):,} bytes) were read from the file: "
                     f"a NonZero or Unique computed from constants alone has the size they give it")  # fmt: skip
    evaluators = Evaluators(opset)
    evals = too_big = 0
    seqs: dict[str, list[Shape]] = {}  # a sequence whose length and element shapes are known -> those shapes
    from dscost.readers.onnx_contrib import SHAPES as contrib

    for node in g.node:
        shape_fn = contrib.get((node.domain, node.op_type))
        if shape_fn is not None:  # onnxruntime's contrib ops: no onnx schema, a shape function of ours
            _contrib_outputs(node, shape_fn, shapes, types, values)
            legacy = node.op_type in NO_EVALUATOR and node.domain in ("", "ai.onnx")  # (onnx_legacy: ops onnx's evaluator lacks)
            fold = LEGACY_FOLDS.get(node.op_type) if legacy else None
            if fold is not None and node.output and all(i in values for i in node.input if i):
                v = fold([values.get(i) if i else None for i in node.input], np)
                if v is not None and v.size <= FOLD_MAX_ELEMENTS:
                    values[node.output[0]], shapes[node.output[0]] = v, tuple(int(d) for d in v.shape)
            if standard_domain(node) or legacy:
                continue
            # (a twin of a standard op -- onnxruntime's Q/DQ of a model's float "same" pad arithmetic -- folds as that op)
        elif standard_domain(node) not in ("", "ai.onnx") or any(a.type in (5, 10) for a in node.attribute):
            if loop is not None and node.op_type in ("Loop", "Scan") and node.domain in ("", "ai.onnx"):
                loop(node, values)
            continue  # custom ops, subgraphs (If/Loop/Scan)
        ins = list(node.input)
        outs = [o for o in node.output if o]
        op = node.op_type
        if op in SEQUENCE_OPS and outs:
            _sequence_shapes(node, ins, outs[0], shapes, types, values, seqs, np)
        if op == "Constant" and len(outs) == 1:  # its value is its attribute (or the file's, read above): no evaluator
            value = values.get(outs[0]) if outs[0] in stored else constant_value(node, np, numpy_helper)
            if value is not None:
                values[outs[0]] = value
                shapes[outs[0]] = tuple(value.shape)
                continue
        like = types.get(ins[-1]) if op == "CastLike" and len(ins) == 2 else None  # (onnxscript's loop step: CastLike(1, i), i not known)
        if (op == "Identity" and len(ins) == 1 or like in ONNX_NUMPY) and len(outs) == 1 and ins[0] in values:
            value = values[ins[0]] if like is None else values[ins[0]].astype(ONNX_NUMPY[like])
            values[outs[0]], shapes[outs[0]] = value, shapes.get(ins[0])
            if (elem := like or types.get(ins[0])) is not None:
                types[outs[0]] = elem
            continue
        if op in ("Shape", "Size") and ins and shapes.get(ins[0]) is not None:
            values[outs[0]] = _shape_value(node, shapes[ins[0]], np)
            shapes[outs[0]] = tuple(values[outs[0]].shape)
            types[outs[0]] = 7
            continue
        if op in VALUE_CHECKS and len(ins) > 1 and all(i in values for i in ins[1:]) and outs and bad is not None:
            why = VALUE_CHECKS[op](node, shapes.get(ins[0]), *[values[i] for i in ins[1:]])
            if why:
                bad[outs[0]] = why
        present = [i for i in ins if i]
        known = all(i in values for i in present) and op not in NONDETERMINISTIC
        if known and outs and bad is not None and op in SAME_TYPE:
            why = types_differ(op, [values[i] for i in present])
            if why:
                bad[outs[0]] = why
        if known and evals < FOLD_MAX_EVALS and len(outs) == 1 and outs[0] == node.output[0]:
            r = fold_small(node, [values.get(i) if i else None for i in ins], evaluators, np)  # (small by construction: no inference first)
            if r is not None:
                evals += 1
                values[outs[0]] = r
                shapes[outs[0]] = tuple(int(d) for d in r.shape)
                if outs[0] not in types:
                    types[outs[0]] = helper.np_dtype_to_tensor_dtype(r.dtype)
                continue
        if known or any(shapes.get(o) is None for o in outs):
            _infer_node(node, ins, outs, shapes, types, values, opset, onnx, helper, numpy_helper)
        if op == "MaxUnpool" and len(ins) > 2 and ins[2] in values and outs and shapes.get(outs[0]) is None:  # (onnx's inference leaves it open)
            v = values[ins[2]]
            if v.ndim == 1 and 0 < v.size == len(shapes.get(ins[0]) or ()) and v.min() > 0:
                shapes[outs[0]] = tuple(int(d) for d in v)  # its output_shape input is its output's shape
        if not known or evals >= FOLD_MAX_EVALS:
            continue
        out_shapes = [shapes.get(o) for o in outs]
        if any(s is None for s in out_shapes) or any(prod(s) > FOLD_MAX_ELEMENTS for s in out_shapes):
            data = values.get(ins[0]) if op in SIZE_FROM_DATA and ins and ins[0] else None
            if data is None or _rank_times_numel(data) > FOLD_MAX_ELEMENTS:
                too_big += 1
                continue
        try:
            results = evaluators.run(node, [values.get(i) if i else None for i in ins])
        except Exception:
            continue
        evals += 1
        for o, r in zip(node.output, results):
            if o and r is not None and np.asarray(r).size <= FOLD_MAX_ELEMENTS:
                r = np.asarray(r)
                values[o] = r
                shapes[o] = tuple(int(d) for d in r.shape)
    if too_big:
        notes.append(f"constant folding skipped {too_big} node(s) whose outputs are not static or exceed {FOLD_MAX_ELEMENTS:,} elements")
    return values


SEQUENCE_OPS = ("SequenceEmpty", "SequenceConstruct", "SequenceInsert", "SequenceErase", "SequenceAt", "SequenceLength", "SplitToSequence",
                "ConcatFromSequence", "Identity")  # fmt: skip
SEQUENCE_MAX = 4_096  # tensors in a sequence whose shapes are followed, at most (each insert or erase copies the list)


def _position(values: dict, ins: list[str], k: int, length: int, extra: int = 0) -> int | None:
    """The position input ``k`` of a sequence op, made non-negative and checked against ``length``
    (``extra``: 1 where the end itself is a position, SequenceInsert's), or None when it is not known
    or out of range (a graph that cannot run: left to onnx and the handlers)."""
    if len(ins) <= k or not ins[k]:
        return length - 1 + extra
    v = values.get(ins[k])
    if v is None or v.size != 1:
        return None
    p = int(v.reshape(()))
    p = p + length + extra if p < 0 else p
    return p if 0 <= p < length + extra else None


def _sequence_shapes(node, ins: list[str], out: str, shapes: dict, types: dict, values: dict, seqs: dict, np) -> None:
    """The shapes of the tensors of a sequence whose length is known, which onnx's inference does
    not track (it merges them into one element type): a ConcatFromSequence of a SequenceConstruct
    of three 2x3x4 tensors along axis 1 is 2x9x4, which it leaves open.  SequenceAt at a known
    position gives that tensor's shape; SequenceLength its known length, as a value."""
    op, a = node.op_type, node_attrs(node)
    if op == "SequenceEmpty":
        seqs[out] = []
    elif op == "SequenceConstruct" and len(ins) <= SEQUENCE_MAX and all(shapes.get(i) is not None for i in ins):
        seqs[out] = [shapes[i] for i in ins]
    elif op == "Identity" and ins and ins[0] in seqs:
        seqs[out] = seqs[ins[0]]
    elif op == "SplitToSequence" and ins and shapes.get(ins[0]):
        shape = shapes[ins[0]]
        axis = int(a.get("axis", 0)) % len(shape)
        n = shape[axis]
        if len(ins) < 2 or not ins[1]:  # (one tensor per index along the axis, that axis kept as 1 or dropped)
            if n <= SEQUENCE_MAX:  # (a hostile file's 10^9 pieces: not followed)
                seqs[out] = [shape[:axis] + ((1,) if a.get("keepdims", 1) else ()) + shape[axis + 1:]] * n
            return
        split = values.get(ins[1])
        if split is None or split.size > SEQUENCE_MAX:
            return
        if split.ndim == 0:  # (pieces of that size, the last one smaller)
            k = int(split)
            if k <= 0 or n // k > SEQUENCE_MAX:
                return
            sizes = [k] * (n // k) + ([n % k] if n % k else [])
        else:
            sizes = [int(v) for v in split.reshape(-1)]
        if sum(sizes) == n and min(sizes, default=0) >= 0:
            seqs[out] = [shape[:axis] + (k,) + shape[axis + 1:] for k in sizes]
    elif ins and ins[0] in seqs:
        items = seqs[ins[0]]
        if op == "SequenceInsert" and len(items) < SEQUENCE_MAX and len(ins) > 1 and shapes.get(ins[1]) is not None \
                and (p := _position(values, ins, 2, len(items), 1)) is not None:  # fmt: skip
            seqs[out] = items[:p] + [shapes[ins[1]]] + items[p:]
        elif op == "SequenceErase" and (p := _position(values, ins, 1, len(items))) is not None:
            seqs[out] = items[:p] + items[p + 1:]
        elif op == "SequenceAt" and (p := _position(values, ins, 1, len(items))) is not None and shapes.get(out) is None:
            shapes[out] = items[p]
        elif op == "SequenceLength":
            values[out], shapes[out], types[out] = np.array(len(items), np.int64), (), 7
        elif op == "ConcatFromSequence" and items and shapes.get(out) is None and len({len(s) for s in items}) == 1:
            rank, stack = len(items[0]), bool(a.get("new_axis", 0))
            axis = int(a.get("axis", 0))
            if not -rank - stack <= axis < rank + stack:
                return
            axis %= rank + stack
            if stack and len(set(items)) == 1:
                shapes[out] = items[0][:axis] + (len(items),) + items[0][axis:]
            elif not stack and len({s[:axis] + s[axis + 1:] for s in items}) == 1:
                shapes[out] = items[0][:axis] + (sum(s[axis] for s in items),) + items[0][axis + 1:]


def _contrib_outputs(node, shape_fn, shapes: dict, types: dict, values: dict) -> None:
    """Output shapes of a contrib op from its input shapes and the input values folding knows
    (left open when they are not all known or do not fit), and their element types
    (:func:`dscost.readers.onnx_contrib_types.output_types`)."""
    from dscost.readers.handlers import HANDLER_ERRORS, UnknownShape
    from dscost.readers.onnx_contrib_types import output_types
    from dscost.readers.onnx_node import NodeInfo

    ins, outs = list(node.input), list(node.output)
    info = NodeInfo(node.name, node.op_type, node_attrs(node), ins, outs, [shapes.get(i) if i else None for i in ins],
                    [None] * len(outs), types={i: types[i] for i in ins if i in types}, values={i: values[i] for i in ins if i in values})  # fmt: skip
    try:
        found = shape_fn(info)
    except (UnknownShape, *HANDLER_ERRORS):
        return
    for o, s, elem in zip(outs, found, output_types(info)):
        if o and s is not None and shapes.get(o) is None and all(isinstance(d, int) and d >= 0 for d in s):
            shapes[o] = tuple(s)
            if elem is not None:
                types.setdefault(o, elem)


def _type_proto(helper, elem_type: int, shape: Shape | None):
    return helper.make_tensor_type_proto(elem_type, list(shape) if shape is not None else None)


def _one_type(schema, ins, types, shapes, helper) -> dict:
    """The input types of a node whose inputs of one type parameter differ (a type error
    onnxruntime refuses, noted as such: the TorchScript exporter's Clip of an int32 tensor by an
    int64 size) with those inputs given the first one's type, whose shapes onnx's inference then
    gives ({} when no input shares the first one's parameter)."""
    formal = [f.type_str for f in schema.inputs]
    if not formal or not ins or not ins[0] or ins[0] not in types:
        return {}
    param = lambda k: formal[min(k, len(formal) - 1)]  # noqa: E731  (variadic: the last formal input's)
    same = [i for k, i in enumerate(ins) if i and k and param(k) == formal[0] and types.get(i) != types[ins[0]]]
    if not same:
        return {}
    return {i: _type_proto(helper, types[ins[0]] if i in same else types[i], shapes.get(i)) for i in ins if i}


def _infer_node(node, ins, outs, shapes, types, values, opset, onnx, helper, numpy_helper) -> None:
    """Output shapes of one node from its input shapes and the input values known
    (``infer_node_outputs``: onnx's own inference function of the op, with data)."""
    if node.domain not in ("", "ai.onnx"):  # an onnxruntime twin of a standard op: that op's schema (onnx_eval.CONTRIB_TWINS)
        opset = CONTRIB_TWINS[node.op_type] if standard_domain(node) == "" else 0
        if not opset:
            return
    try:
        schema = onnx.defs.get_schema(node.op_type, opset, "")
    except Exception:
        return
    input_types = {i: _type_proto(helper, types[i], shapes.get(i)) for i in ins if i and types.get(i)}
    if len(input_types) < len({i for i in ins if i}):  # (a tensor may feed two inputs: ORT merges equal initializers)
        return
    data = {}
    for i in ins:
        if i in values:
            try:
                data[i] = numpy_helper.from_array(values[i], i)
            except Exception:
                pass
    infer = lambda given: onnx.shape_inference.infer_node_outputs(schema, node, given, data, opset_imports=[helper.make_opsetid("", opset)])  # noqa: E731
    widened = False
    try:
        res = infer(input_types)
    except Exception:
        # bfloat16 where the op's version does not list it (Conv before opset 22: a bfloat16 module's
        # export), which onnx's inference of the whole graph lets pass: its shapes as float32's give
        if BFLOAT16 in (types[i] for i in input_types):
            retry, widened = {i: _type_proto(helper, FLOAT if types[i] == BFLOAT16 else types[i], shapes.get(i)) for i in input_types}, True
        elif not (retry := _one_type(schema, ins, types, shapes, helper)):
            return
        try:
            res = infer(retry)
        except Exception:
            return
    for o in outs:
        t = res.get(o)
        if t is None or not t.HasField("tensor_type"):
            continue
        if t.tensor_type.elem_type:
            types[o] = BFLOAT16 if widened and t.tensor_type.elem_type == FLOAT else t.tensor_type.elem_type
        s = static_shape(t)
        if s is not None and shapes.get(o) is None:
            shapes[o] = s
