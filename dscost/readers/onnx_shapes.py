"""Shapes of every tensor of an ONNX graph: input shapes, onnx's shape inference,
and folding of the small integer tensors that shapes are computed from.

* :func:`input_shape` -- the concrete shape of a graph input: an
  ``--input-shape`` override, else its declared dims with a symbolic batch
  dimension set to 1; any other unresolved dimension is an error that names
  the input and suggests a shape of its own rank.  The reader and the
  onnxruntime runs (bench, convert) both use it.
* :func:`infer` -- ``onnx.shape_inference.infer_shapes`` with data
  propagation; when it leaves a tensor's shape open, one forward pass over the
  nodes folds constants and completes the shapes (:func:`_propagate`).

Folding (the approach of onnx-simplifier, bounded): a node whose inputs all
have known values -- small initializers and Constant nodes, the output of
``Shape``/``Size`` of a tensor with a static shape, and what earlier folds
computed -- is evaluated with onnx's reference evaluator
(``onnx.reference.ReferenceEvaluator``, every standard op in numpy), float
chains included.  Before a node is evaluated its output shapes are inferred
from its input values (``onnx.shape_inference.infer_node_outputs``); a node
whose outputs are not static or exceed :data:`FOLD_MAX_ELEMENTS` is not
evaluated, so a hostile ``ConstantOfShape([10**9])`` costs nothing.  A node
whose output shapes are still open is inferred again with the values known so
far.  Weights stay unread: only tensors whose data the stripped copy kept
(small ones) have values.
"""

from __future__ import annotations

from math import prod
from pathlib import Path

from dscost.errors import InputError
from dscost.layers import Shape
from dscost.readers.handlers import few
from dscost.readers.onnx_legacy import FIRST_INFERRED_OPSET, old_opset_outputs
from dscost.readers.onnx_eval import (FOLD_MAX_ELEMENTS, NONDETERMINISTIC, SAME_TYPE, Evaluators, constant_value, fold_bound, index_outside,
                                      input_arrays, small_value, standard_domain, types_differ)  # fmt: skip

MAX_INPUT_DIM = 1 << 40  # a larger input dimension (--input-shape, --dim) is a typo, and overflows onnx's int64 arithmetic
FOLD_MAX_EVALS = 200_000  # evaluations per model
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


def _example(vi) -> str:
    """An --input-shape value of the input's own rank: known dims kept, batch 1,
    other unknown dims 224 for an image-like (rank 4/5) input, else 128."""
    dims = vi.type.tensor_type.shape.dim
    rank = len(dims)
    guess = {4: (1, 3, 224, 224), 5: (1, 3, 16, 112, 112)}.get(rank)
    out = []
    for i, d in enumerate(dims):
        if d.HasField("dim_value") and d.dim_value > 0:
            out.append(d.dim_value)
        else:
            out.append(1 if i == 0 else guess[i] if guess else 128)
    return "x".join(map(str, out)) if out else "1x3x224x224"


def dim_value(expr: str, dims: dict[str, int]) -> int | None:
    """The value of a symbolic dimension given ``dims`` (``--dim NAME=N``): a name, or an
    expression of names and integers with + - * // (optimum writes
    'past_sequence_length + sequence_length'); None when a name is not given or it is not such
    an expression."""
    if expr in dims:
        return dims[expr]
    if not dims or len(expr) > 200:
        return None
    import ast

    try:
        tree = ast.parse(expr, mode="eval").body
    except (SyntaxError, ValueError):
        return None

    def value(n) -> int | None:
        if isinstance(n, ast.Name):
            return dims.get(n.id)
        if isinstance(n, ast.Constant) and type(n.value) is int:
            return n.value
        if isinstance(n, ast.BinOp):
            a, b = value(n.left), value(n.right)
            if a is None or b is None:
                return None
            if isinstance(n.op, ast.Add):
                return a + b
            if isinstance(n.op, ast.Sub):
                return a - b
            if isinstance(n.op, ast.Mult):
                return a * b
            if isinstance(n.op, ast.FloorDiv) and b:
                return a // b
        return None

    return value(tree)


def dim_names(expr: str) -> list[str]:
    """The names in a symbolic dimension: 'past_sequence_length + sequence_length' -> both; one
    that is no such expression is one name ('p2o.DynamicDimension.1', paddle2onnx's), and a
    placeholder without a letter or digit ('?') none."""
    import re

    if re.fullmatch(r"[A-Za-z0-9_+\-*/() ]*", expr):
        return re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expr)
    return [expr] if re.search(r"[A-Za-z0-9]", expr) else []


def symbolic_dims(vis) -> list[str]:
    """The symbolic dimension names of these graph inputs, in order of first use."""
    out: dict[str, None] = {}
    for vi in vis:
        for d in vi.type.tensor_type.shape.dim:
            if not d.HasField("dim_value") and d.dim_param:
                out[d.dim_param] = None
    return list(out)


def _symbolic_names(vi) -> str:
    named = [f"{i} {d.dim_param!r}" for i, d in enumerate(vi.type.tensor_type.shape.dim) if not d.HasField("dim_value") and d.dim_param]
    return f" (symbolic: dim {', dim '.join(named)})" if named else ""


def bound_names(vis, overrides: dict | None = None, dims: dict[str, int] | None = None) -> dict[str, tuple[int, str | None]]:
    """Symbolic dimension names that one input fixes, for the same name in the others (ONNX IR:
    one ``dim_param``, one size), as Silero VAD's ``state`` [2, batch, 128] takes the batch of
    ``input`` [batch, sequence]: name -> (size, the overriding input's name, or None for a
    leading dimension that dscost sets to 1 as the batch).  An ``--input-shape`` gives its
    sizes to the names its input declares; ``--dim`` names are left to ``dims``."""
    out: dict[str, tuple[int, str | None]] = {}
    dims = dims or {}
    tensors = [vi for vi in vis if vi.type.HasField("tensor_type")]
    for vi in tensors:
        shape = (overrides or {}).get(vi.name)
        declared = vi.type.tensor_type.shape.dim
        if shape is not None and len(declared) == len(shape):
            for d, v in zip(declared, shape):
                if not d.HasField("dim_value") and d.dim_param and d.dim_param not in dims and int(v) > 0:
                    out.setdefault(d.dim_param, (int(v), vi.name))
    for vi in tensors:
        dim = vi.type.tensor_type.shape.dim
        if vi.name not in (overrides or {}) and dim and not dim[0].HasField("dim_value") and dim[0].dim_param and dim_value(dim[0].dim_param, dims) is None:
            out.setdefault(dim[0].dim_param, (1, None))
    return out


def input_shape(vi, override: tuple[int, ...] | None, label: str | Path, dims: dict[str, int] | None = None,
                bound: dict[str, tuple[int, str | None]] | None = None) -> tuple[tuple[int, ...], str | None, str | None]:
    """(shape, note or None, the name of a symbolic batch dimension set to 1 or None) of graph
    input ``vi`` (a ValueInfoProto); InputError naming ``label``.  ``dims``: values of symbolic
    dimensions by name (``--dim``), for inputs without an override; ``bound``: the names that
    another input fixes (:func:`bound_names`)."""
    shape, note, batch = _input_shape(vi, override, label, dims, bound or {})
    big = next((i for i, v in enumerate(shape) if v > MAX_INPUT_DIM), None)
    if big is not None:
        raise InputError(f"{label}: input {vi.name!r}: dimension {big} would be {shape[big]:,}, more than {MAX_INPUT_DIM:,} (2^40)")
    return shape, note, batch


def _input_shape(vi, override: tuple[int, ...] | None, label: str | Path, dims: dict[str, int] | None,
                 bound: dict[str, tuple[int, str | None]]) -> tuple[tuple[int, ...], str | None, str | None]:
    name = vi.name
    if override is not None:
        shape = tuple(int(v) for v in override)
        given = f"--input-shape {name}={'x'.join(map(str, shape))}"
        if any(v <= 0 for v in shape):
            raise InputError(f"{label}: {given}: dimensions must be positive")
        tt = vi.type.tensor_type
        declared = tt.shape.dim if vi.type.HasField("tensor_type") and tt.HasField("shape") else None
        note = None
        if declared is not None:
            if len(declared) != len(shape):
                raise InputError(f"{label}: {given}: the model declares input {name!r} with {len(declared)} dimensions, not {len(shape)}")
            fixed = [f"{i} ({d.dim_value} -> {v})" for i, (d, v) in enumerate(zip(declared, shape)) if d.HasField("dim_value") and 0 < d.dim_value != v]
            if fixed:
                note = f"{given} overrides fixed dimension(s) {', '.join(fixed)} of input {name!r}; layers whose shapes no longer fit are listed as uncounted"
        return shape, note, None
    if not vi.type.HasField("tensor_type"):
        raise InputError(f"{label}: input {name!r} is not a tensor")
    tt = vi.type.tensor_type
    if not tt.HasField("shape"):
        raise InputError(f"{label}: input {name!r} has no shape; set it with --input-shape {name}=1x3x224x224")
    shape = []
    batch = note = None
    for i, d in enumerate(tt.shape.dim):
        if d.HasField("dim_value") and d.dim_value > 0:
            shape.append(d.dim_value)
            continue
        given = dim_value(d.dim_param, dims) if dims and not d.HasField("dim_value") and d.dim_param else None
        if given is not None:
            if given < 0:
                raise InputError(f"{label}: input {name!r}: dimension {i} ({d.dim_param!r}) is {given} with the --dim values given")
            shape.append(given)
            continue
        size, source = bound.get(d.dim_param, (None, None)) if d.dim_param else (None, None)
        if size is not None and (i or source is not None):
            shape.append(size)
            if source is None:
                batch = d.dim_param
            else:
                note = f"dimension {i} ({d.dim_param!r}) of input {name!r} set to {size}, as in --input-shape {source}"
            continue
        hint = f"--input-shape {name}={_example(vi)}{_symbolic_names(vi)}"
        missing = [n for n in dim_names(d.dim_param) if n not in (dims or {})] if d.dim_param else []
        if missing:
            hint += f", or --dim {missing[0]}=N"
        dynamic = d.HasField("dim_value") and d.dim_value == DYNAMIC_DIM
        if d.HasField("dim_value") and d.dim_value < 0 and not dynamic:
            raise InputError(f"{label}: input {name!r} has a negative dimension {i} ({d.dim_value}); set a real shape with {hint}")
        if d.HasField("dim_value") and not dynamic:
            raise InputError(f"{label}: input {name!r} has a zero-sized dimension {i}; set a real shape with {hint}")
        sym = str(DYNAMIC_DIM) if dynamic else d.dim_param or "?"
        if i == 0:
            shape.append(1)
            batch = sym
        else:
            raise InputError(f"{label}: input {name!r} has an unresolved dimension {i} ({sym!r}); set it with {hint}")
    return tuple(shape), note, batch


def check_dims(dims: dict[str, int] | None, real_inputs: list, label: str | Path) -> None:
    """Every ``--dim`` name must be a symbolic dimension of some input (a typo would else pass unseen)."""
    if not dims:
        return
    known = symbolic_dims(real_inputs)
    words = {w for k in known for w in dim_names(k)}  # the names in 'past + seq'
    for key in dims:
        if key not in known and key not in words:
            raise InputError(f"{label}: --dim names {key!r}, which is not a symbolic dimension of the graph's inputs (symbolic: {', '.join(map(repr, known)) or 'none'})")


def fix_inputs(graph, real_inputs: list, input_shapes: dict | None, path: Path, notes: list[str], dims: dict[str, int] | None = None) -> None:
    """Write the concrete shape of every real input into ``graph`` (overrides, ``--dim``
    values, symbolic batch -> 1)."""
    names = [vi.name for vi in real_inputs]
    overrides = dict(input_shapes or {})
    for key in overrides:
        if key not in names:
            raise InputError(f"{path}: --input-shape names {key!r}, which is not an input of the graph (inputs: {', '.join(names) or 'none'})")
    check_dims(dims, real_inputs, path)
    if dims:
        notes.append("symbolic dimensions set by --dim: " + ", ".join(f"{k}={v}" for k, v in dims.items()))
    batch: dict[str, list[str]] = {}  # a symbolic batch dimension set to 1 -> the inputs it is in
    bound = bound_names(real_inputs, overrides, dims)
    resized = False  # an --input-shape changed a dimension the file fixes
    for vi in real_inputs:
        if vi.name not in overrides and not vi.type.HasField("tensor_type"):
            continue  # sequences, maps: left to shape inference
        shape, note, sym = input_shape(vi, overrides.get(vi.name), path, dims, bound)
        if note:
            notes.append(note)
        if sym is not None:
            batch.setdefault(sym, []).append(vi.name)
        tt = vi.type.tensor_type
        resized = resized or any(d.HasField("dim_value") and 0 < d.dim_value != v for d, v in zip(tt.shape.dim, shape))
        tt.shape.ClearField("dim")
        for v in shape:
            tt.shape.dim.add().dim_value = v
    for sym, names in batch.items():
        if len(names) == 1:
            notes.append(f"symbolic batch dimension {sym!r} of input {names[0]!r} set to 1")
        else:
            notes.append(f"symbolic batch dimension {sym!r} set to 1 in {len(names)} inputs ({few(map(repr, names))})")
    if resized:
        stale = forget_declared_shapes(graph)
        if stale:
            notes.append(f"the file declares the shapes of {stale} tensor(s) (value_info, graph outputs) at its own input shape: "
                         f"they are inferred anew for the shape given")  # fmt: skip


def forget_declared_shapes(graph) -> int:
    """Clear the declared shapes of the graph's outputs and value_info (their element types stay):
    declared at the input shape the file fixes, they are stale once ``--input-shape`` changes it
    (onnx's inference keeps a declared static dimension against the one it infers).  Returns how
    many tensors had one."""
    cleared = 0
    for vi in (*graph.output, *graph.value_info):
        tt = vi.type.tensor_type
        if vi.type.HasField("tensor_type") and tt.HasField("shape"):
            tt.ClearField("shape")
            cleared += 1
    return cleared


def _infer_once(mp, path: Path, onnx):
    try:
        return onnx.shape_inference.infer_shapes(mp, check_type=False, strict_mode=False, data_prop=True)
    except Exception as err:
        msg = str(err).strip().splitlines()
        raise InputError(f"{path}: shape inference failed: {msg[-1] if msg else type(err).__name__}") from None


# A declared dimension of -1: "dynamic" to paddle2onnx and onnxruntime, unknown to dscost (its
# inferred value, or the batch of a graph input set to 1); any other negative value is an error
DYNAMIC_DIM = -1
# Dimension.dim_value (field 1, a varint) = -1 as stored: a byte search of the file for it
DYNAMIC_DIM_BYTES = b"\x08" + b"\xff" * 9 + b"\x01"


def open_dynamic_dims(graph) -> int:
    """Declared shapes of the graph's outputs and value_info with -1 dimensions: those
    dimensions made unknown, for shape inference to fill (onnx keeps a declared -1 against the
    value it infers).  Returns how many."""
    opened = 0
    for vi in (*graph.output, *graph.value_info):
        for d in vi.type.tensor_type.shape.dim:
            if d.HasField("dim_value") and d.dim_value == DYNAMIC_DIM:
                d.ClearField("dim_value")
                opened += 1
    return opened


def _refuse_negative(vi, path: Path) -> None:
    """A negative dimension, declared or inferred, is impossible: an input error naming the tensor."""
    tt = vi.type.tensor_type
    if tt.HasField("shape"):
        neg = [d.dim_value for d in tt.shape.dim if d.HasField("dim_value") and d.dim_value < 0]
        if neg:
            raise InputError(f"{path}: tensor {vi.name!r} has a negative dimension ({neg[0]}) in its shape")


class Inferred:
    """The inferred graph, and every tensor's static shape (None: unresolved) and element type;
    the values folding found, and what is known of each Loop/Scan (:class:`onnx_loops.Body`, by
    :func:`onnx_loops.key`)."""

    def __init__(self, graph, shapes: dict[str, Shape | None], types: dict[str, int], notes: list[str]):
        self.graph, self.shapes, self.types, self.notes = graph, shapes, types, notes
        self.values: dict[str, object] = {}
        self.bodies: dict[tuple, object] = {}
        self.bad: dict[str, str] = {}  # a node's first output -> why the node cannot run (folding found it)


def infer(mp, path: Path, onnx, initializer_dims: dict[str, tuple] | None = None, loops: bool = False, depth: int = 0,
          input_values: dict[str, int] | None = None, node_outputs: set[str] | None = None) -> Inferred:  # fmt: skip
    """Shapes and element types of every tensor of ``mp`` (whose inputs :func:`fix_inputs` fixed).
    ``initializer_dims``: the dims of initializers (their data may have been stripped).  When the
    graph may hold ``loops``, the folding pass always runs: it infers each Loop/Scan body
    (:func:`onnx_loops.infer_body`), ``depth`` Loops deep; ``input_values`` (``--input-value``)
    are values it starts from (a Loop's trip count given as a graph input); ``node_outputs``: the
    tensors the nodes make, when the caller read them already (100k protobuf reads spared)."""
    g = _infer_once(mp, path, onnx).graph
    shapes: dict[str, Shape | None] = {}
    types: dict[str, int] = {}
    for t in g.initializer:
        shapes[t.name] = tuple(t.dims)
        types[t.name] = t.data_type
    for name, dims in (initializer_dims or {}).items():
        shapes[name] = tuple(dims)
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
                    _refuse_negative(vi, path)
            name = vi.name
            if known[0] is not None or shapes.get(name) is None:  # (an output passing an input on may be declared without a type)
                shapes[name] = known[0]
            if known[1]:
                types[name] = known[1]
    inferred = Inferred(g, shapes, types, [])
    made = node_outputs if node_outputs is not None else (o for n in g.node for o in n.output if o)
    opset = next((o.version for o in mp.opset_import if o.domain in ("", "ai.onnx")), onnx.defs.onnx_opset_version())
    if opset < FIRST_INFERRED_OPSET and any(shapes.get(o) is None for o in made):  # (a file of 2017: onnx_legacy)
        made = {o for n in g.node for o in n.output if o}
        outs, why = old_opset_outputs(mp, onnx)  # (the file's tensors only, each once: a name can be both value_info and output)
        given = {vi.name: vi for vi in outs if vi.name in made and shapes.get(vi.name) is None and static_shape(vi.type) is not None}
        for t, vi in given.items():
            shapes[t], types[t] = static_shape(vi.type), vi.type.tensor_type.elem_type
        inferred.notes.append(f"opset {opset}: onnx infers no shapes for its first op versions; " +
                              (f"{len(given)} tensor shape(s) from a copy converted to opset {FIRST_INFERRED_OPSET}" if not why else why))  # fmt: skip
    if loops or any(shapes.get(o) is None for o in made):
        loop = None
        if loops:
            from dscost.readers.onnx_loops import infer_body

            inputs = {vi.name for vi in mp.graph.input} if depth == 0 else set()  # (the user's inputs, for a hint)
            loop = lambda node, values: infer_body(node, inferred, values, mp, path, onnx, opset, depth, infer, inputs)  # noqa: E731
        values = _propagate(g, shapes, types, inferred.notes, onnx, opset, loop, input_arrays(input_values, g.input), inferred.bad)
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
               bad: dict | None = None) -> dict:  # fmt: skip
    """One forward pass: fold what can be folded, infer each still-open node again with the values
    known (``loop``: what to do with a Loop/Scan node; ``seeds``: values given); returns the values
    found.  ``bad`` gets the nodes that cannot run (by first output): a Gather whose known index
    lies outside its data, an op whose known inputs have different element types."""
    import numpy as np
    from onnx import helper, numpy_helper

    values: dict[str, object] = dict(seeds or {})
    for t in g.initializer:
        v = small_value(t, np, numpy_helper)
        if v is not None:
            values[t.name] = v
    evaluators = Evaluators(opset)
    evals = too_big = 0
    from dscost.readers.onnx_contrib import SHAPES as contrib

    for node in g.node:
        shape_fn = contrib.get((node.domain, node.op_type))
        if shape_fn is not None:  # onnxruntime's contrib ops: no onnx schema, a shape function of ours
            _contrib_outputs(node, shape_fn, shapes, types)
            if standard_domain(node):
                continue
            # (a twin of a standard op -- onnxruntime's Q/DQ of a model's float "same" pad arithmetic -- folds as that op)
        elif node.domain not in ("", "ai.onnx") or any(a.type in (5, 10) for a in node.attribute):
            if loop is not None and node.op_type in ("Loop", "Scan") and node.domain in ("", "ai.onnx"):
                loop(node, values)
            continue  # custom ops, subgraphs (If/Loop/Scan)
        ins = list(node.input)
        outs = [o for o in node.output if o]
        op = node.op_type
        if op == "Constant" and len(outs) == 1:  # its value is its attribute: no evaluator
            value = constant_value(node, np, numpy_helper)
            if value is not None:
                values[outs[0]] = value
                shapes[outs[0]] = tuple(value.shape)
                continue
        if op == "Identity" and len(ins) == 1 and len(outs) == 1 and ins[0] in values:
            values[outs[0]], shapes[outs[0]] = values[ins[0]], shapes.get(ins[0])
            if ins[0] in types:
                types[outs[0]] = types[ins[0]]
            continue
        if op in ("Shape", "Size") and ins and shapes.get(ins[0]) is not None:
            values[outs[0]] = _shape_value(node, shapes[ins[0]], np)
            shapes[outs[0]] = tuple(values[outs[0]].shape)
            types[outs[0]] = 7
            continue
        if op == "Gather" and len(ins) > 1 and ins[1] in values and outs and bad is not None:
            why = index_outside(node, shapes.get(ins[0]), values[ins[1]])
            if why:
                bad[outs[0]] = why
        present = [i for i in ins if i]
        known = all(i in values for i in present) and op not in NONDETERMINISTIC
        if known and outs and bad is not None and op in SAME_TYPE:
            why = types_differ(op, [values[i] for i in present])
            if why:
                bad[outs[0]] = why
        if known and evals < FOLD_MAX_EVALS and len(outs) == 1 and outs[0] == node.output[0]:
            feeds = [values.get(i) if i else None for i in ins]
            bound = fold_bound(node, op, feeds, np)
            if bound is not None and bound <= FOLD_MAX_ELEMENTS:  # small by construction: evaluated, no inference first
                try:
                    r = evaluators.run(node, feeds)[0]
                except Exception:
                    r = None
                if r is not None:
                    evals += 1
                    r = np.asarray(r)
                    values[outs[0]] = r
                    shapes[outs[0]] = tuple(int(d) for d in r.shape)
                    if outs[0] not in types:
                        types[outs[0]] = helper.np_dtype_to_tensor_dtype(r.dtype)
                    continue
        if known or any(shapes.get(o) is None for o in outs):
            _infer_node(node, ins, outs, shapes, types, values, opset, onnx, helper, numpy_helper)
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


def _contrib_outputs(node, shape_fn, shapes: dict, types: dict) -> None:
    """Output shapes of a contrib op from its input shapes (left open when they are not all known
    or do not fit), and element types: the input onnx_contrib.TYPE_FROM names (float when
    absent), else the first float input's."""
    from dscost.readers.handlers import HANDLER_ERRORS, UnknownShape
    from dscost.readers.onnx_contrib import TYPE_ABSENT, TYPE_FROM
    from dscost.readers.onnx_node import FLOAT_TYPES, NodeInfo, node_attrs

    ins, outs = list(node.input), list(node.output)
    info = NodeInfo(node.name, node.op_type, node_attrs(node), ins, outs, [shapes.get(i) if i else None for i in ins],
                    [None] * len(outs), types={i: types[i] for i in ins if i in types})  # fmt: skip
    try:
        found = shape_fn(info)
    except (UnknownShape, *HANDLER_ERRORS):
        return
    if node.op_type in TYPE_FROM:
        src = TYPE_FROM[node.op_type]
        elem = types.get(ins[src], 1) if src < len(ins) and ins[src] else TYPE_ABSENT.get(node.op_type, 1)
    else:
        known = [info.types[i] for i in ins if i in info.types]
        elem = next((t for t in known if t in FLOAT_TYPES), known[0] if known else None)
    for o, s in zip(outs, found):
        if o and s is not None and shapes.get(o) is None and all(isinstance(d, int) and d >= 0 for d in s):
            shapes[o] = tuple(s)
            if elem is not None:
                types.setdefault(o, elem)


def _type_proto(helper, elem_type: int, shape: Shape | None):
    return helper.make_tensor_type_proto(elem_type, list(shape) if shape is not None else None)


def _infer_node(node, ins, outs, shapes, types, values, opset, onnx, helper, numpy_helper) -> None:
    """Output shapes of one node from its input shapes and the input values known
    (``infer_node_outputs``: onnx's own inference function of the op, with data)."""
    try:
        schema = onnx.defs.get_schema(node.op_type, opset, node.domain)
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
    try:
        res = onnx.shape_inference.infer_node_outputs(schema, node, input_types, data, opset_imports=[helper.make_opsetid("", opset)])
    except Exception:
        return
    for o in outs:
        t = res.get(o)
        if t is None or not t.HasField("tensor_type"):
            continue
        if t.tensor_type.elem_type:
            types[o] = t.tensor_type.elem_type
        s = static_shape(t)
        if s is not None and shapes.get(o) is None:
            shapes[o] = s
