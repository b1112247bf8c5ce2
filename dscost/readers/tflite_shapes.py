"""Shapes that a TFLite file leaves dynamic, from one run of the TFLite interpreter.

The converter stores a tensor's shape twice: ``shape``, static, and ``shape_signature``, where
-1 marks a dimension known only at run time.  A dynamic batch is stored as 1, which is the batch
dscost counts.  Any other dynamic dimension is stored as 1 too -- a placeholder: BirdNET's
spectrogram (``tf.signal.stft``: frames computed by SHAPE, RANGE and GATHER) is stored as one
frame where it has 511, and every conv after it with it.  Counting those shapes would be
silently wrong, so:

* when LiteRT's TFLite interpreter is installed (``ai-edge-litert``, in dscost's ``tflite`` extra), the
  model runs once on zero inputs in a child process (:mod:`dscost.sandbox`: a time and a memory
  limit), and the shapes the interpreter gives those tensors replace the placeholders.  Tensors
  after an op whose output size depends on the data (WHERE, UNIQUE, NON_MAX_SUPPRESSION) keep
  no shape: zero inputs say nothing of real data;
* otherwise, or when that run fails (a Select-TF op, which LiteRT runs only with TensorFlow's
  Flex delegate; a custom op), dscost propagates the shapes op by op from the inputs'
  (:mod:`tflite_propagate`: each op's output as LiteRT's kernel sizes it).  A shape it cannot
  derive stays unknown, and each op that reads or writes one is listed as uncounted, with the
  reason.
"""

from __future__ import annotations

from math import prod
from pathlib import Path

from dscost.readers.handlers import few

RUNTIMES = (("ai_edge_litert", "ai_edge_litert.interpreter", "ai-edge-litert"),)  # (tflite-runtime, its predecessor, needs numpy 1)
INSTALL_RUNTIME = "pip install ai-edge-litert"
TIMEOUT_S = 120.0
MEMORY_HEADROOM = 2 << 30  # beside 4x the file: the weights, the arena, numpy
DATA_SIZED_OPS = ("WHERE", "UNIQUE", "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5", "SEGMENT_SUM")  # (SEGMENT_SUM: its last id + 1 rows)
PROGRESS_BYTES = 32 << 20  # a bigger file shows a progress line on a terminal while the interpreter runs


def dynamic_tensors(graph) -> tuple[set[int], set[int]]:
    """(tensors of ``graph`` -- a :class:`tflite_file.Subgraph` -- with a dynamic dimension other
    than the batch: placeholders for sure; every tensor with a dynamic dimension: a leading one is
    the batch, or a placeholder too, as the rows [-1, 96] of a matmul over 511 frames).  A dynamic
    leading dimension from a SPACE_TO_BATCH_ND on, up to the BATCH_TO_SPACE_ND that undoes it, is no
    batch of 1 but the batch times the block's size: Keras 3's dilated convs on a dynamic batch (a
    rate of 2 runs the conv on a batch of 4; DeepLabV3, round 36) -- a placeholder."""
    anywhere = {i for i, t in enumerate(graph.tensors) if t.signature and t.shape is not None and len(t.signature) == len(t.shape)
                and min(t.signature) < 0}  # fmt: skip
    placeholders = {i for i in anywhere if min(graph.tensors[i].signature[1:], default=0) < 0}
    blocked = downstream(graph, set(), anywhere, ("SPACE_TO_BATCH_ND",), stop=("BATCH_TO_SPACE_ND",))
    return placeholders | blocked, anywhere


def downstream(graph, seeds: set[int], among: set[int], ops: tuple[str, ...] = (), stop: tuple[str, ...] = ()) -> set[int]:
    """``seeds``, the outputs of ``ops``, and the tensors of ``among`` computed from them, not
    through an op of ``stop``."""
    out = set(seeds)
    for op in graph.ops:
        if op.opname in stop:
            continue
        if op.opname in ops or any(t in out for t in op.inputs if t >= 0):
            out.update(t for t in op.outputs if t in among)
    return out


def find_runtime() -> tuple[str, str] | None:
    """(module, package name) of an installed TFLite interpreter, found without importing it."""
    from importlib.util import find_spec

    for top, module, package in RUNTIMES:
        try:
            if find_spec(top) is not None:
                return module, package
        except (ImportError, ValueError):
            continue
    return None


def fix_inputs(path: Path, graph, overrides: dict[str, tuple], notes: list[str]) -> dict[int, tuple[int, ...]]:
    """The ``--input-shape`` of ``graph``'s inputs, checked: an input's name, its rank, and a new
    size only where the file's shape_signature says -1; set in place, returned by tensor index."""
    if not overrides:
        return {}
    from dscost.errors import InputError

    by_name = {graph.tensors[t].name: t for t in graph.inputs}
    out: dict[int, tuple[int, ...]] = {}
    for name, shape in overrides.items():
        given = f"--input-shape {name}={'x'.join(map(str, shape))}"
        t = by_name.get(name)
        if t is None:
            raise InputError(f"{path}: {given}: the model has no input {name!r} (inputs: {', '.join(map(repr, by_name)) or 'none'})")
        tensor = graph.tensors[t]
        shape = tuple(int(v) for v in shape)
        stored = tensor.shape or ()
        if len(shape) != len(stored):
            raise InputError(f"{path}: {given}: input {name!r} has {len(stored)} dimensions, not {len(shape)}")
        if min(shape, default=1) <= 0:
            raise InputError(f"{path}: {given}: dimensions must be positive")
        sig = tensor.signature if tensor.signature and len(tensor.signature) == len(stored) else stored
        fixed = [f"{i} ({d})" for i, (d, v) in enumerate(zip(sig, shape)) if d >= 0 and d != v]
        if fixed:
            raise InputError(f"{path}: {given}: dimension(s) {', '.join(fixed)} of input {name!r} are fixed in the file "
                             f"(shape_signature {list(sig)}); only its -1 dimensions take a size")  # fmt: skip
        out[t] = shape
        tensor.shape = shape
    notes.append("input shape(s) set by --input-shape: " + ", ".join(f"{graph.tensors[t].name}={'x'.join(map(str, v))}" for t, v in out.items()))
    return out


def resolve(path: Path, graph, notes: list[str], resize: dict[int, tuple[int, ...]] | None = None, progress: bool = False, loops=None) -> set[int]:
    """Give the dynamic tensors of ``graph`` (subgraph 0 of the file at ``path``) their run-time
    shapes, in place -- every computed tensor's, when ``resize`` (:func:`fix_inputs`) gave inputs
    new sizes; returns the tensors whose shape stays unknown (with a note saying why).  ``loops``:
    a WHILE's output shapes where the shapes are propagated (:func:`tflite_propagate.propagate`)."""
    placeholders, dynamic = dynamic_tensors(graph)
    if not any(min(graph.tensors[i].signature or (0,)) < 0 for i in graph.inputs if i >= 0):  # (no dynamic input: a leading -1 is no batch --
        placeholders |= dynamic  # a TensorArray's steps, stored as 1 -- round 49)
    placeholders -= set(resize or ())  # (an input given its size: no placeholder)
    if not placeholders and not resize:
        return set()
    if resize:  # (the sizes that follow the inputs': every computed tensor's, signature or not)
        dynamic = {i for i, t in enumerate(graph.tensors) if not t.const and t.shape is not None and i not in resize}
    unresolved = dynamic if resize else downstream(graph, placeholders, dynamic)  # (what the placeholders or the sizes given decide)
    shown = few(repr(graph.tensors[t].name) for t in sorted(placeholders))
    what = f"{len(placeholders)} tensor(s) with dynamic dimensions that the file stores as 1 ({shown})" if placeholders else "the tensors after the inputs set"
    sized_by_data = downstream(graph, set(), dynamic, DATA_SIZED_OPS)  # (after a WHERE, a UNIQUE...: unknown whatever runs)
    runtime = find_runtime()
    if runtime is None:
        return _propagated(graph, unresolved, sized_by_data, resize, what, f"no TFLite interpreter is installed ({INSTALL_RUNTIME}) to run the model once", notes, loops)
    from dscost import sandbox
    from dscost.errors import InputError
    from dscost.progress import Progress

    module, package = runtime
    size = path.stat().st_size
    try:
        with Progress(progress and size >= PROGRESS_BYTES, None, "TFLite interpreter: one run for the dynamic shapes"):
            shapes, version = sandbox.run(_run, str(path), module, dict(resize or {}), timeout_s=TIMEOUT_S, memory_bytes=4 * size + MEMORY_HEADROOM,
                                          label=f"{path}: the TFLite interpreter", limit_flag=None, timeout_flag=None, process="its process")  # fmt: skip
    except InputError as err:
        unknown = _propagated(graph, unresolved, sized_by_data, resize, what, str(err), notes, loops)
        if resize and unknown - sized_by_data:  # (at the sizes given, the interpreter says why they do not run)
            raise err if str(path) in str(err) else InputError(f"{path}: at the input shapes given, {err}") from None
        return unknown
    unknown = set(sized_by_data)
    resolved = 0
    for t in dynamic - unknown:
        shape = shapes.get(t)
        tensor = graph.tensors[t]
        sig = tensor.signature if tensor.signature and len(tensor.signature) == len(tensor.shape) else None
        if shape is None or len(shape) != len(tensor.shape) or (not resize and any(s != d for s, d in zip(shape, sig or ()) if d >= 0)):
            unknown.add(t)  # (not what the file declares: left unknown)
            continue
        resolved += tensor.shape != shape
        tensor.shape = shape
    notes.append(f"{what}: {resolved} shape(s) from one run of the TFLite interpreter ({package} {version}) on zero inputs"
                 + (f"; {len(unknown)} left unknown (sized by data, or not given by the interpreter), the ops on them uncounted" if unknown else ""))  # fmt: skip
    return unknown


def _propagated(graph, unresolved: set[int], sized_by_data: set[int], resize: dict[int, tuple[int, ...]] | None, what: str, why: str,
                notes: list[str], loops=None) -> set[int]:  # fmt: skip
    """The shapes of the ``unresolved`` tensors propagated op by op from the inputs' (``resize``:
    those given a size; :mod:`tflite_propagate`), set in place, where the interpreter gives none
    (``why``); returns those left unknown, with ``sized_by_data`` (after a WHERE...)."""
    from dscost.readers.tflite_propagate import propagate

    shapes = propagate(graph, resize or {}, DATA_SIZED_OPS, loops=loops)
    unknown = {t for t in unresolved if t not in shapes} | sized_by_data
    resolved = 0
    for t in unresolved - unknown:
        resolved += graph.tensors[t].shape != shapes[t]
        graph.tensors[t].shape = shapes[t]
    notes.append(f"{what}: {resolved} shape(s) propagated op by op from the inputs' shapes ({why})"
                 + (f"; {len(unknown)} left unknown (sized by data, or after an op dscost cannot size), the ops on them uncounted" if unknown else ""))  # fmt: skip
    return unknown


def _run(path: str, module: str, resize: dict[int, tuple[int, ...]]) -> tuple[dict[int, tuple[int, ...]], str]:
    """In the child: run the model once on zero inputs, ``resize``d first; (tensor index -> shape,
    runtime version)."""
    import importlib
    import os
    import warnings

    devnull = os.open(os.devnull, os.O_WRONLY)  # the runtime's own logging (delegates, INFO lines) is not the user's output
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    warnings.simplefilter("ignore")
    import numpy as np

    from dscost.errors import InputError

    mod = importlib.import_module(module)
    top = importlib.import_module(module.split(".")[0])
    resolver = getattr(getattr(mod, "OpResolverType", None), "BUILTIN_WITHOUT_DEFAULT_DELEGATES", None)
    try:
        it = mod.Interpreter(model_path=path, **({"experimental_op_resolver_type": resolver} if resolver is not None else {}))
        for index, shape in resize.items():
            it.resize_tensor_input(index, list(shape), strict=True)
        it.allocate_tensors()
        for d in it.get_input_details():
            if int(prod(d["shape"])) > 1 << 28:
                raise InputError(f"{path}: input {d['name']!r} of shape {list(d['shape'])} is too big to run")
            it.set_tensor(d["index"], np.zeros(d["shape"], d["dtype"]))
        it.invoke()
        shapes = {int(d["index"]): tuple(int(v) for v in d["shape"]) for d in it.get_tensor_details()}
    except InputError:
        raise
    except Exception as err:
        if "Select TensorFlow op" in str(err):  # (its message runs on with Android build advice)
            raise InputError("the interpreter failed: the file holds Select-TF ops, which LiteRT runs only with TensorFlow's Flex delegate") from None
        raise InputError(f"the interpreter failed: {str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__}") from None
    return shapes, getattr(top, "__version__", "?")

