"""The shapes a graph is read at: its inputs' shapes, as the file declares them and the user
gives them (``--input-shape``, ``--dim``, a symbolic batch dimension set to 1), and the shapes
the file declares for other tensors that no longer hold once they are given.

* :func:`input_shape` -- the concrete shape of a graph input: an ``--input-shape`` override,
  ``--dim`` values, else its declared dims with a symbolic batch dimension set to 1 (a leading
  one whose name says it is a length is not: :func:`not_a_batch`); any other
  unresolved dimension is an error that names the input and suggests a shape of its own rank.
  The reader and the onnxruntime runs (bench, convert) both use it.
* :func:`fix_inputs` -- writes those shapes into the graph, and clears the shapes the file
  declares for other tensors when they may hold the sizes it was exported at.
* :func:`open_dynamic_dims` -- paddle2onnx's declared -1 dimensions, left to inference.
"""

from __future__ import annotations

import re
from pathlib import Path

from dscost.errors import InputError
from dscost.readers.handlers import few
from dscost.readers.onnx_order import not_utf8

MAX_INPUT_DIM = 1 << 40  # a larger input dimension (--input-shape, --dim) is a typo, and overflows onnx's int64 arithmetic


def _example(vi) -> str:
    """An --input-shape value of the input's own rank: known dims kept, batch 1,
    other unknown dims 224 for an image-like (rank 4/5) input, else 128; channels last when the
    last dimension is a known 1, 3 or 4 and the second is not known (MTCNN's [N, H, W, 3]); the
    batch 1 of an RNN state in torch's layout, [layers x directions, batch, hidden] with the first
    known and more than 1, the last known (Silero VAD's state [2, ?, 128]: 2x1x128, not 2x128x128,
    which its LSTM cannot take); a length first and the batch after it, as dscost reads such an
    input (:func:`second_batch`: an RNN's [seq, batch, features]), 128x1; a dimension named for a
    length (:func:`not_a_batch`) 128 whatever the rank (optimum's 4-D cache [batch, heads,
    past_sequence_length, 16]: 1x4x128x16, not 1x4x224x16)."""
    dims = vi.type.tensor_type.shape.dim
    rank = len(dims)
    guess = {4: (1, 3, 224, 224), 5: (1, 3, 16, 112, 112)}.get(rank)
    if rank == 4 and dims[3].dim_value in (1, 3, 4) and not dims[1].dim_value > 0:
        guess = (1, 224, 224, dims[3].dim_value)
    elif rank == 3 and dims[0].dim_value > 1 and not dims[1].dim_value > 0 and dims[2].dim_value > 0:
        guess = (1, 1, 1)
    elif rank >= 2 and not dims[0].dim_value > 0 and not dims[1].dim_value > 0 and second_batch(dims, 1, dims[1].dim_param):
        guess = (128, 1, *[128] * (rank - 2))
    out = []
    for i, d in enumerate(dims):
        if d.HasField("dim_value") and d.dim_value > 0:
            out.append(d.dim_value)
        elif guess and not (i and d.dim_param and not_a_batch(d.dim_param)):  # (a 4-D KV cache's past_sequence_length: a length, 128)
            out.append(guess[i])
        else:
            out.append(1 if i == 0 and not guess else 128)
    return "x".join(map(str, out)) if out else "1x3x224x224"


def _dim_hints(vi, first: int, dims: dict[str, int], bound: dict) -> str:
    """The --dim options that size input ``vi``'s unresolved dimensions from ``first`` on, each
    name once, at the example's size (:func:`_solve`: h=7 for '32*h'): an image's height and width
    in one message, not one run each; "" when the first one's name cannot be solved for."""
    shape = _example(vi).split("x")
    said: dict[str, int] = {}
    for k, d in enumerate(vi.type.tensor_type.shape.dim):
        if k < first or d.dim_value > 0 or not d.dim_param or dim_value(d.dim_param, dims) is not None or d.dim_param in bound:
            continue
        missing = [n for n in dim_names(d.dim_param) if n not in dims and n not in said]
        value = _solve(d.dim_param, missing[0], int(shape[k]), {**dims, **said}) if missing else None
        if value is None:
            if k == first:
                return ""
            continue
        said[missing[0]] = value  # (a number: a graph may name a dim N)
    return " ".join(f"--dim {n}={v}" for n, v in said.items())


def _derived_expr(expr: str) -> bool:
    """Whether a symbolic dimension is an expression of names ('2*seq', 's + 1'), not one name."""
    return dim_names(expr) not in ([expr], [])


def _derived(expr: str, name: str, dims: dict[str, int] | None, bound: dict[str, tuple[int, str | None]]) -> tuple[int | None, str | None]:
    """The value of a derived dimension of input ``name`` ('2*seq', torch.export's Dim
    multiples) from the names --dim gives and those another input's --input-shape fixes
    (:func:`bound_names`), and what says so; (None, None) when a name is given by neither."""
    dims = dims or {}
    values: dict[str, int] = {}
    said: list[str] = []
    for n in dict.fromkeys(dim_names(expr)):
        if n in dims:
            values[n] = dims[n]
            said.append(f"--dim {n}={dims[n]}")
            continue
        size, source = bound.get(n, (None, None))
        if size is None or source in (None, name):
            return None, None
        values[n] = size
        said.append(f"--input-shape {source} ({n} = {size})")
    value = dim_value(expr, values)
    return (value, " and ".join(said)) if value is not None else (None, None)


def _solve(expr: str, name: str, size: int, dims: dict[str, int], least: int = 1) -> int | None:
    """The value of ``name`` that makes the symbolic dimension ``expr`` ``size`` (the other names
    set to ``dims``' values or 1): ``size`` for a plain name, 7 for '32*h' and 224 (torch.export's
    Dim multiples), 223 for 's + 1'; None when the expression is not linear in it or gives no
    whole number of at least ``least`` (a hint's: positive; an empty cache's: 0)."""
    if expr == name:
        return size
    known = {n: dims.get(n, 1) for n in dim_names(expr)}
    at0, at1 = dim_value(expr, {**known, name: 0}), dim_value(expr, {**known, name: 1})
    if at0 is None or at1 is None or at1 == at0 or (size - at0) % (at1 - at0):
        return None
    value = (size - at0) // (at1 - at0)
    return value if value >= least and dim_value(expr, {**known, name: value}) == size else None


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


# A leading symbolic dimension is the batch, set to 1 -- unless its name says it is a length
# (an RNN's [sequence_length, batch, features], a waveform's samples, [tokens, features])
_LENGTH_WORDS = re.compile(r"seq|len|time|token|step|frame|sample|past", re.IGNORECASE)


def second_batch(dims, i: int, name: str) -> bool:
    """Whether dimension ``i`` of an input's ``dims`` is a batch after a leading length (an RNN's
    [sequence_length, batch, features], its length symbolic or fixed at export): the second, named
    for a batch, the first a length."""
    return i == 1 and "batch" in name.lower() and (dims[0].HasField("dim_value") or not_a_batch(dims[0].dim_param))


def not_a_batch(name: str) -> bool:
    """Whether a leading symbolic dimension named ``name`` is a length, not a batch: a name with
    'seq', 'len', 'time', 'token', 'step', 'frame', 'sample' or 'past' in it and not 'batch'."""
    return bool(_LENGTH_WORDS.search(name)) and "batch" not in name.lower()


def bound_names(vis, overrides: dict | None = None, dims: dict[str, int] | None = None) -> dict[str, tuple[int, str | None]]:
    """Symbolic dimension names that one input fixes, for the same name in the others (ONNX IR:
    one ``dim_param``, one size), as Silero VAD's ``state`` [2, batch, 128] takes the batch of
    ``input`` [batch, sequence]: name -> (size, the overriding input's name, or None for a
    leading dimension that dscost sets to 1 as the batch).  An ``--input-shape`` gives its
    sizes to the names its input declares; ``--dim`` names are left to ``dims``."""
    out: dict[str, tuple[int, str | None]] = {}
    dims = dims or {}
    tensors = [vi for vi in vis if vi.type.HasField("tensor_type")]
    given: list[tuple[str, int, str]] = []  # (symbolic dimension, its size, the input whose --input-shape gives it)
    for vi in tensors:
        shape = (overrides or {}).get(vi.name)
        declared = vi.type.tensor_type.shape.dim
        if shape is not None and len(declared) == len(shape):
            for d, v in zip(declared, shape):
                if not d.HasField("dim_value") and d.dim_param and d.dim_param not in dims and int(v) > 0:
                    out.setdefault(d.dim_param, (int(v), vi.name))
                    given.append((d.dim_param, int(v), vi.name))
    for _ in range(len(given)):  # An expression's one unknown name, solved (optimum's attention mask [batch, 'past_sequence_length +
        solved = False  # sequence_length'] at 16 with sequence_length 1: a cache of 15; 0 is a prefill's empty cache, < 0 an error)
        for expr, size, source in given:
            unknown = [n for n in dict.fromkeys(dim_names(expr)) if n not in dims and n not in out]
            if _derived_expr(expr) and len(unknown) == 1:
                value = _solve(expr, unknown[0], size, {**dims, **{n: v for n, (v, _) in out.items()}}, least=-MAX_INPUT_DIM)  # (< 0: refused where used)
                if value is not None:
                    out[unknown[0]] = (value, source)
                    solved = True
        if not solved:
            break
    for vi in tensors:
        dim = vi.type.tensor_type.shape.dim
        for i, d in enumerate(dim[:2]):
            if (vi.name not in (overrides or {}) and not d.HasField("dim_value") and d.dim_param and dim_value(d.dim_param, dims) is None
                    and (not not_a_batch(d.dim_param) if i == 0 else second_batch(dim, i, d.dim_param))):
                out.setdefault(d.dim_param, (1, None))
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
            for i, (d, v) in enumerate(zip(declared, shape)):
                if d.HasField("dim_value") or not d.dim_param:
                    continue
                other = dim_value(d.dim_param, dims) if dims else None
                said = f"--dim {d.dim_param}={other}" if other is not None else None
                if _derived_expr(d.dim_param):  # ('2*seq': from the names --dim and the other inputs' --input-shape fix)
                    other, said = _derived(d.dim_param, name, dims, bound)
                size, source = bound.get(d.dim_param, (None, None))
                if other is None and source not in (None, name) and size != v:
                    other, said = size, f"--input-shape {source}"
                if other is not None and other != v:
                    raise InputError(f"{label}: {given} makes dimension {i} ({d.dim_param!r}) of input {name!r} {v}, and {said} makes it {other}: "
                                     f"one name, one size")  # fmt: skip
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
        if d.HasField("dim_value") and d.dim_value == 0 and (i or len(tt.shape.dim) == 1):  # (an empty cache, an empty list of axes: real cases)
            note = f"dimension {i} of input {name!r} is declared 0: an empty tensor (an empty cache, an empty list of axes), so what it sizes counts 0"
            shape.append(0)
            continue
        given = dim_value(d.dim_param, dims) if dims and not d.HasField("dim_value") and d.dim_param else None
        if given is None and not d.HasField("dim_value") and d.dim_param and _derived_expr(d.dim_param):
            given, said = _derived(d.dim_param, name, dims, bound)
            if given is not None and given > 0:
                note = f"dimension {i} ({d.dim_param!r}) of input {name!r} set to {given}, by {said}"
        if given is not None:
            if given < 0:
                raise InputError(f"{label}: input {name!r}: dimension {i} ({d.dim_param!r}) is {given} with the --dim values given")
            if given == 0 and i == 0 and len(tt.shape.dim) > 1:  # (a 0 elsewhere -- an empty cache, an empty list of axes -- is a real case; an empty batch counts nothing)
                raise InputError(f"{label}: input {name!r}: its first dimension ({d.dim_param!r}) is 0 with the --dim values given: an empty batch, "
                                 "every count would be 0")  # fmt: skip
            if given == 0:
                note = f"dimension {i} ({d.dim_param!r}) of input {name!r} is 0 with the --dim values given: an empty tensor (an empty cache is one), so what it sizes counts 0"
            shape.append(given)
            continue
        size, source = bound.get(d.dim_param, (None, None)) if d.dim_param else (None, None)
        if size is not None and size < 0:
            raise InputError(f"{label}: input {name!r}: dimension {i} ({d.dim_param!r}) would be {size}, by --input-shape {source} "
                             f"and the other sizes given")  # fmt: skip
        if size is not None and (i or source is not None):
            shape.append(size)
            if source is None:
                batch = d.dim_param
            else:
                note = f"dimension {i} ({d.dim_param!r}) of input {name!r} set to {size}, as in --input-shape {source}"
            continue
        hint = f"--input-shape {name}={_example(vi)}{_symbolic_names(vi)}"
        if d.dim_param and (said := _dim_hints(vi, i, dims or {}, bound)):
            hint += f", or {said}"
        dynamic = d.HasField("dim_value") and d.dim_value == DYNAMIC_DIM
        if d.HasField("dim_value") and d.dim_value < 0 and not dynamic:
            raise InputError(f"{label}: input {name!r} has a negative dimension {i} ({d.dim_value}); set a real shape with {hint}")
        if d.HasField("dim_value") and not dynamic:
            raise InputError(f"{label}: input {name!r} has a zero-sized dimension {i}; set a real shape with {hint}")
        sym = str(DYNAMIC_DIM) if dynamic else d.dim_param or "?"
        if (i == 0 and not not_a_batch(sym)) or second_batch(vi.type.tensor_type.shape.dim, i, sym):
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


def fix_inputs(graph, real_inputs: list, input_shapes: dict | None, path: Path, notes: list[str], dims: dict[str, int] | None = None,
               forget: bool = False) -> None:  # fmt: skip
    """Write the concrete shape of every real input into ``graph`` (overrides, ``--dim``
    values, symbolic batch -> 1).  The shapes the file declares for other tensors are forgotten
    when an input changes size, or with ``forget`` (they contradict what its inputs give)."""
    names = [vi.name for vi in real_inputs]
    overrides = dict(input_shapes or {})
    for key in overrides:
        if key not in names:
            hint = "; give each input its own --input-shape: --input-shape a=1x16 --input-shape b=1x16" if "=" in key else ""
            raise InputError(f"{path}: --input-shape names {key!r}, which is not an input of the graph (inputs: {', '.join(names) or 'none'}){hint}")
    check_dims(dims, real_inputs, path)
    if dims:
        notes.append("symbolic dimensions set by --dim: " + ", ".join(f"{k}={v}" for k, v in dims.items()))
    batch: dict[str, list[str]] = {}  # a symbolic batch dimension set to 1 -> the inputs it is in
    bound = bound_names(real_inputs, overrides, dims)
    resized = False
    defaults = {sym for sym, (_, source) in bound.items() if source is None}  # symbolic batch dimensions set to 1
    for vi in real_inputs:
        if vi.name not in overrides and not vi.type.HasField("tensor_type"):
            continue  # sequences, maps: left to shape inference
        shape, note, sym = input_shape(vi, overrides.get(vi.name), path, dims, bound)
        if note:
            notes.append(note)
        if sym is not None:
            batch.setdefault(sym, []).append(vi.name)
        tt = vi.type.tensor_type
        resized = resized or _resized(tt.shape.dim, shape, defaults)
        tt.shape.ClearField("dim")
        for v in shape:
            tt.shape.dim.add().dim_value = v
    for sym, names in batch.items():
        if len(names) == 1:
            notes.append(f"symbolic batch dimension {sym!r} of input {names[0]!r} set to 1")
        else:
            notes.append(f"symbolic batch dimension {sym!r} set to 1 in {len(names)} inputs ({few(map(repr, names))})")
    if resized or forget:  # (forget: what contradicts the inputs; a custom op's declared outputs, which no inference gives, are kept)
        custom = {o for n in graph.node if n.domain not in ("", "ai.onnx") for o in n.output} if forget and not resized else set()
        stale = forget_declared_shapes(graph, custom)
        if stale and resized:
            notes.append(f"the file declares the shapes of {stale} tensor(s) (value_info, graph outputs), which may hold sizes of its own input shape: "
                         f"they are inferred anew for the shape given")  # fmt: skip
        elif stale:
            notes.append(f"the file declares the shapes of {stale} tensor(s) (value_info, graph outputs), and some contradict what its inputs give (shapes "
                         f"inferred at one size, then an input edited?): all are inferred anew from its inputs, as onnxruntime runs it")  # fmt: skip


def _resized(dims, shape: tuple[int, ...], defaults: set[str]) -> bool:
    """Whether an input's new ``shape`` changes a dimension the file fixes, or gives one it leaves
    open (symbolic, -1) a size other than the default batch of 1 (``--dim``, ``--input-shape``):
    the shapes the file declares for other tensors may then hold the sizes it was exported at."""
    for i, (d, v) in enumerate(zip(dims, shape)):
        if d.HasField("dim_value") and d.dim_value >= 0:  # (a declared 0, an empty tensor, is fixed too)
            if d.dim_value != v:
                return True
        elif v != 1 or not (i == 0 or d.dim_param in defaults):
            return True
    return False


def densify_sparse(graph) -> None:
    """Each sparse initializer as the dense initializer onnxruntime makes of it (its ``dims``, no
    data: dscost reads none), which onnx's inference and the count then see as any weight (a
    MatMul's of 6 non-zeros in 8 x 5: 40 params, as the dense tensor it stands for)."""
    for sp in graph.sparse_initializer:
        graph.initializer.add(name=sp.values.name, data_type=sp.values.data_type, dims=list(sp.dims))
    del graph.sparse_initializer[:]


def forget_declared_shapes(graph, keep: set[str] = frozenset()) -> int:
    """Clear the declared shapes of the graph's outputs and value_info that fix a dimension (their
    element types stay): declared at the input shape the file was exported at, they are stale
    once ``--input-shape`` or ``--dim`` changes it (onnx's inference keeps a declared static
    dimension against the one it infers), but those named in ``keep``.  A value_info of an
    initializer is dropped, not cleared (the initializer has its shape; with a value_info of no
    shape, onnx's inference reads a Slice's initializer axes and steps as absent: torch's dynamo
    exports declare every initializer).  Returns how many were cleared."""
    inits = {t.name for t in graph.initializer}
    kept = [vi for vi in graph.value_info if vi.name not in inits]
    cleared = sum(1 for vi in graph.value_info if vi.name in inits and any(d.dim_value > 0 for d in vi.type.tensor_type.shape.dim))
    if len(kept) < len(graph.value_info):
        del graph.value_info[:]
        graph.value_info.extend(kept)
    for vi in (*graph.output, *graph.value_info):
        tt = vi.type.tensor_type
        if vi.name not in keep and vi.type.HasField("tensor_type") and tt.HasField("shape") and any(d.dim_value > 0 for d in tt.shape.dim):
            tt.ClearField("shape")
            cleared += 1
    return cleared


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


def real_inputs(path: Path, mp, initializers: dict, notes: list[str] | None = None) -> list:
    """The graph inputs that are not ``initializers``; a name that is not UTF-8 is an InputError.

    An input with an initializer of its name is a weight where every initializer is an input (IR
    3 requires it; torch's ``keep_initializers_as_inputs``).  Where only some are (IR 4 on), such
    an input that only ever enters a node first -- the data of a Conv or MatMul, an If's
    condition, a Loop's trip count or condition -- is a run-time input with a default value,
    which a caller may override, as onnxruntime lets it: a real input here (its initializer
    dropped from the reader's copy and from ``initializers``), said in ``notes``, so that neither
    the data nor a branch or trip count given that way is read as a constant of the model."""
    graph = mp.graph
    defaults = [vi.name for vi in graph.input if vi.name in initializers]
    if defaults and mp.ir_version >= 4 and len(defaults) < len(initializers):
        later = {t for n in graph.node for k, t in enumerate(n.input) if k > 0 and not (k == 1 and n.op_type == "Loop")} | in_subgraphs(graph)
        defaults = [name for name in defaults if name not in later]
        for name in defaults:
            del initializers[name]
        kept = [t for t in graph.initializer if t.name not in set(defaults)]
        del graph.initializer[:]
        graph.initializer.extend(kept)
        if notes is not None and defaults:
            notes.append(f"{len(defaults)} graph input(s) with a default value (an initializer of the same name, which a caller may override: "
                         f"{few(map(repr, defaults))}) counted as run-time inputs, at their declared shape")  # fmt: skip
    real = [vi for vi in graph.input if vi.name not in initializers]
    if not real and notes is not None and graph.node:
        notes.append("the graph has no inputs: every tensor it computes is a constant, the same at every run (an export that lost the "
                     "forward's inputs, as the TorchScript exporter does of a forward that copies its input into a new tensor in place)")
    for vi in real:
        if vi.name.__class__ is bytes:
            raise InputError(f"{path}: a graph input: {not_utf8('name', vi.name)}")
        for i, d in enumerate(vi.type.tensor_type.shape.dim if vi.type.HasField("tensor_type") else ()):
            if d.dim_param.__class__ is bytes:
                raise InputError(f"{path}: input {vi.name!r}, dimension {i}: {not_utf8('symbolic name', d.dim_param)}")
    return real


def in_subgraphs(graph) -> set[str]:
    """Every tensor name the nodes of ``graph``'s subgraphs (If branches, Loop bodies, at any depth) take."""
    from dscost.readers.onnx_uncounted import node_bodies

    return {t for n in graph.node for g in node_bodies(n) for inner in g.node for t in inner.input}


def input_list(real: list) -> list[tuple]:
    """(name, shape, element type) of each tensor input, as a Model lists its inputs."""
    return [(vi.name, tuple(d.dim_value for d in vi.type.tensor_type.shape.dim), vi.type.tensor_type.elem_type)
            for vi in real if vi.type.HasField("tensor_type")]  # fmt: skip
