"""PyTorch reader: an ``nn.Module`` -> :class:`dscost.layers.Model`, through ONNX.

A target ``package.module:attr`` or ``path/to/file.py:attr`` names a callable
(a function or class, called with the user's keyword arguments) or an
``nn.Module`` instance.  :func:`read_torch` imports it, builds the module and
hands it to :func:`read_module`, which the Python API also calls with a
module and example inputs:

1. example inputs: the user's tensors, or ``torch.rand`` tensors (seed 0) of the
   ``input_shapes``, of the float type and on the device of the module's weights
   (:mod:`dscost.readers.torch_inputs`); a shape under the name ``""`` is the
   forward's single input, named shapes map to forward parameter names;
2. the module is put in eval mode; it runs once (``torch.no_grad``) before the export only when
   it has lazy parameters, and after a failed export, so that an input the forward rejects is
   said as such, not as an export failure (a run before every export would let a module that
   caches a tensor at its first forward hand the exporter that tensor);
3. ``torch.onnx.export`` of the module, its forward taking the tensors positionally for the
   while so that it keeps its own defaults (:func:`dscost.readers.torch_export.export_module`), into a temporary directory
   (removed afterwards) with its :data:`~dscost.readers.torch_export.EXPORT_SETTINGS`: the TorchScript-based exporter
   (``dynamo=False``), opset 17, ``TrainingMode.PRESERVE`` (the module's own eval mode) and no
   constant folding; transformers' experts modules run its ``batched_mm`` experts meanwhile
   (:mod:`dscost.readers.torch_forward`).  These keep every BatchNorm a node of its own (its gamma
   and beta are norm params, as in an ONNX file) and gave exact counts against
   ``torch.utils.flop_counter`` on the 43-model zoo (benchmarks/crosscheck_torch.py).
   The dynamo exporter folds BatchNorm into the convs and prints progress on
   stdout (captured, as everything is here); it is the fallback when the
   TorchScript exporter fails (:data:`~dscost.readers.torch_export.DYNAMO_SETTINGS`), or when that exporter's graph
   contradicts itself where the module ran (:func:`_export_again`), said in a note;
4. :func:`dscost.readers.onnx_reader.read_onnx` reads the file, given the module's parameter and
   buffer names (params as torch counts them), and the layers are renamed after their module
   paths (:func:`dscost.readers.torch_names.module_path_names`).

Everything torch or the user's code prints while importing, building,
running and exporting (stdout and stderr, Python and C++ level, and warnings)
is captured and dropped; with ``DSCOST_DEBUG=1`` it is replayed on stderr,
with the traceback of a failing import, factory, forward or export.  Every
failure is one :class:`InputError` naming the target and the cause.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from pathlib import Path

from dscost.errors import InputError, message
from dscost.files import note_input
from dscost.layers import Model, Uncounted
from dscost.progress import progress_bar
from dscost.readers.handlers import few
from dscost.readers.torch_export import CacheOutput, dynamo_note, export_dynamo, export_module, input_names, param_groups
from dscost.readers.torch_forms import dequantized, frozen_note, held_as_constants, program_inputs, program_module, uncompiled, unwrapped
from dscost.readers.torch_forward import batched_experts
from dscost.readers.torch_inputs import describe, inputs_from_shapes, integer_hint, made_for_meta, unnamed
from dscost.readers.torch_meta import built_on_meta, export_meta, meta_notes, off_meta_note, on_meta, to_meta
from dscost.readers.torch_names import module_path_names, rename, write_names
from dscost.readers.torch_run import Captured, fail, first_line, guarded, import_torch, torch_release, value_note
from dscost.readers.torch_symbolics import REGISTERED, register


class _SearchPath:
    """``directory`` first on sys.path while importing (restored afterwards)."""

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def __enter__(self) -> None:
        self.added = self.directory not in sys.path
        if self.added:
            sys.path.insert(0, self.directory)

    def __exit__(self, *exc) -> None:
        if self.added:
            with contextlib.suppress(ValueError):
                sys.path.remove(self.directory)


def _import_file(target: str, where: str):
    import importlib.util

    path = Path(where).expanduser()
    if not path.is_file():
        raise InputError(f"{target}: no such Python file {where}" if not path.is_dir() else f"{target}: {where} is a directory, not a Python file")
    name = f"_dscost_target_{abs(hash(str(path.resolve())))}"
    note_input(path)  # (a report never replaces the code it counted)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise InputError(f"{target}: cannot import {where}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and typing look their module up while the file runs
    try:
        with _SearchPath(str(path.resolve().parent)):  # the file's own folder, as for `python file.py`
            spec.loader.exec_module(module)
    except (Exception, SystemExit) as err:
        raise fail(f"{target}: importing {where} failed: {first_line(err)}", err) from None
    finally:
        sys.modules.pop(name, None)
    return module


def _import_module(target: str, where: str):
    import importlib

    try:
        with _SearchPath(os.getcwd()):  # `dscost` is a console script: also look in the working directory
            module = importlib.import_module(where)
        note_input(getattr(module, "__file__", None) or "")  # (a report never replaces the code it counted)
        return module
    except ModuleNotFoundError as err:
        parts = where.split(".")
        if err.name in {".".join(parts[: i + 1]) for i in range(len(parts))}:
            raise fail(f"{target}: cannot import {where}: no module named {err.name!r} (not installed, and not in the working directory)", err) from None
        raise fail(f"{target}: importing {where} failed: {first_line(err)}", err) from None
    except (Exception, SystemExit) as err:
        raise fail(f"{target}: importing {where} failed: {first_line(err)}", err) from None


def _attribute(target: str, where: str, module, attr: str):
    import difflib

    obj = module
    done: list[str] = []
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as err:
            owner = ".".join(done) or where
            names = [n for n in dir(obj) if not n.startswith("_")]
            close = difflib.get_close_matches(part, names, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise fail(f"{target}: {owner} has no attribute {part!r}{hint}", err) from None
        except Exception as err:  # a module __getattr__ that raises something else
            raise fail(f"{target}: getting {part!r} failed: {first_line(err)}", err) from None
        done.append(part)
    return obj


def build_module(target: str, kwargs: dict | None = None, meta: bool = False):
    """Import ``target`` (``module:attr`` or ``file.py:attr``) and return its nn.Module -- the
    attribute itself, or what calling it with ``kwargs`` returns (under ``torch.device("meta")``
    with ``meta``: :func:`torch_meta.built_on_meta`) -- and the example inputs it
    comes with (a torch.export program's: its module is counted at them, as the API and its
    ``.pt2`` file count it; round 51), or None."""
    from dscost.readers import torch_target

    parsed = torch_target(target)
    if parsed is None:
        raise InputError(f"{target}: expected package.module:factory or path/to/file.py:factory")
    where, attr = parsed
    torch = import_torch(target)
    module = _import_file(target, where) if where.lower().endswith(".py") else _import_module(target, where)
    found = _attribute(target, where, module, attr)
    obj = program_module(found, torch)
    if isinstance(obj, torch.nn.Module):
        if kwargs or meta:
            raise InputError(f"{target}: {attr} is an nn.Module instance, not a factory; " + (f"keyword arguments ({', '.join(kwargs)}) apply to a function or class" if kwargs else
                             "--meta builds the model by calling a function or class, and this one was built with its values when its module was imported"))  # fmt: skip
        return obj, program_inputs(found, torch)
    if not callable(obj):
        raise InputError(f"{target}: {attr} is a {type(obj).__name__}, not an nn.Module or a function returning one")
    try:
        built = built_on_meta(obj, torch, **(kwargs or {})) if meta else obj(**(kwargs or {}))
    except (Exception, SystemExit) as err:
        on = " (--meta: it ran on the meta device, where tensors have no values to read; without --meta it is built with its values)" if meta else ""
        raise fail(f"{target}: {attr}({_kwargs_text(kwargs)}) raised {first_line(err)}{on}", err) from None
    module = program_module(built, torch)
    if not isinstance(module, torch.nn.Module):
        kind = type(built).__name__
        raise InputError(f"{target}: {attr}({_kwargs_text(kwargs)}) returned {'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}, not a torch.nn.Module")
    return module, program_inputs(built, torch)


def _kwargs_text(kwargs: dict | None) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in (kwargs or {}).items())


# --------------------------------------------------------------------------
# The reader


def read_torch(target: str, input_shapes: dict[str, tuple] | None = None, kwargs: dict | None = None,
               input_dtypes: dict[str, str] | None = None, progress: bool = False, input_values: dict[str, int] | None = None,
               measure_sizes: bool = False, meta: bool = False) -> Model:
    """Import the PyTorch ``target``, build its module and count it (see the module docstring).
    ``input_shapes``: ``{"": shape}`` for the forward's single input, or shapes by forward
    parameter name; ``input_dtypes``: element types of some of them (``{"input_ids": "int64"}``);
    ``input_values``: the forward's other (non-tensor) arguments by name (``{"interpolate_pos_encoding": True}``).
    ``kwargs``: keyword arguments of the factory.  ``progress``: a status line on a terminal.
    ``measure_sizes``: sizes that depend on the data are those of a run on the traced inputs.
    ``meta``: the factory is called under ``torch.device("meta")``; the module is counted from its shapes."""
    return count_target(target, input_shapes, kwargs, input_dtypes, progress, input_values=input_values, measure_sizes=measure_sizes, meta=meta)[0]


def count_target(target: str, input_shapes: dict[str, tuple] | None = None, kwargs: dict | None = None,
                 input_dtypes: dict[str, str] | None = None, progress: bool = False, workdir: str | Path | None = None,
                 input_values: dict[str, int] | None = None, measure_sizes: bool = False, meta: bool = False) -> tuple[Model, Path]:
    """:func:`read_torch`, and the ONNX file it counted: in ``workdir``, where it stays (`bench`
    times it), else in a temporary directory removed before this returns."""
    target = str(target)
    if meta and measure_sizes:  # (bench takes no --meta; a module it gets on the meta device is refused by count_module)
        raise InputError(f"{target}: --measure-sizes runs the model, which --meta builds without values; give one or the other")
    with guarded(target), progress_bar(progress, "importing torch", steps=False) as bar:
        import_torch(target)
        bar.stage(f"building {target}{' on the meta device' if meta else ''}")
        with Captured():
            module, stored = build_module(target, kwargs, meta)
        off = off_meta_note(module) if meta else None
        attr = target.rpartition(":")[2]
        name = attr.rpartition(".")[2] + (f"({_kwargs_text(kwargs)})" if kwargs else "")  # (timm:create_model with model_name=...: which model)
        inputs = stored if stored is not None and not input_shapes and not input_dtypes and not input_values else None
        counted = count_module(module, inputs, input_shapes=input_shapes, name=name, source=target, label=target, input_dtypes=input_dtypes,
                               progress=bar, workdir=workdir, input_values=input_values, measure_sizes=measure_sizes)  # fmt: skip
        if off:
            counted[0].notes.append(off)
        return counted


def unused_params(module, path: Path, held: set[str] = frozenset()) -> str | None:
    """The note on the module's parameters that are in no graph of the TorchScript export at
    ``path`` (its initializers are named by their state_dict keys, or a key and ``.1``; a tensor
    equal to another is the output of an Identity of that one, named by its own key; a shared tensor counts as
    used under any of its names): the forward does not use them at these inputs (a mask token of
    training, an attention path the inputs do not take, experts no token reached).  torch's
    ``sum(p.numel())`` counts them; the graph, and so dscost, does not.  None when all are used.
    ``held``: parameters the graph holds as constants (:func:`torch_forms.held_as_constants`)."""
    from dscost.readers import onnx_lib
    from dscost.readers.onnx_wire import strip

    stripped, st = strip(path)
    graph = onnx_lib.load().ModelProto.FromString(stripped).graph
    present = set(st.initializers) | {t for node in graph.node if node.op_type == "Identity" for t in node.output}
    present |= {t.rpartition(".")[0] for t in present if t.rpartition(".")[2].isdigit()}  # (a copy named key.1: ViTDet's rel_pos_h)
    unused = [(names[0], p.numel()) for p, names in param_groups(module) if not any(n in present or n in held for n in names)]
    return unused_note(unused, "in no graph", "or reads them through .data, which the trace keeps as constants")


def unused_note(unused: list[tuple[str, int]], where: str, also: str = "") -> str | None:
    """The note on the module's parameter tensors (name, elements) its export does not read; None when there are none."""
    if not unused:
        return None
    return (f"{len(unused)} parameter tensor(s) of the module ({sum(n for _, n in unused):,} elements) are {where}: the forward does not use "
            f"them at these inputs{', ' + also if also else ''} ({few(name for name, _ in unused)}); torch's sum(p.numel()) counts them, dscost does not")


def integer_params(module, torch) -> str | None:
    """The note on the module's parameters that hold integers or booleans (hummingbird's tree
    tables: node indices, features, classes): dscost takes such tensors for indices and tables,
    which are not learned weights; torch's ``sum(p.numel())`` counts them.  None when there are none."""
    kinds = (torch.int32, torch.int64, torch.bool, *(getattr(torch, t) for t in ("uint32", "uint64") if hasattr(torch, t)))
    held = [(names[0], p.numel()) for p, names in param_groups(module) if p.dtype in kinds]
    if not held:
        return None
    return (f"{len(held)} parameter tensor(s) of the module hold integers or booleans ({sum(n for _, n in held):,} elements: {few(name for name, _ in held)}): "
            "dscost takes such tensors for indices and tables, not learned weights, and does not count them; torch's sum(p.numel()) counts them")


KEPT_BUFFER_BYTES = 256 << 20  # buffers up to this many bytes in all are copied to be put back (a causal mask, BN statistics: small)


@contextlib.contextmanager
def _kept_state(module, torch):
    """What the forwards of the export change in the user's module is put back afterwards (counting
    changes nothing of it): the rows an ``nn.Embedding``/``nn.EmbeddingBag`` with ``max_norm``
    renormalizes in place, and its buffers -- a counter a forward increments (``self.n += 1``, or
    one it replaces: the buffer object itself is put back too).  Python attributes a forward sets
    are the module's own code's business."""
    kept = [(m.weight, m.weight.detach().clone()) for m in module.modules()
            if isinstance(m, (torch.nn.Embedding, torch.nn.EmbeddingBag)) and m.max_norm is not None]  # fmt: skip
    buffers = [(m, k, b) for m in module.modules() for k, b in getattr(m, "_buffers", {}).items() if isinstance(b, torch.Tensor) and not b.is_meta]
    if sum(b.numel() * b.element_size() for _, _, b in buffers) <= KEPT_BUFFER_BYTES:
        kept += [(b, b.detach().clone()) for _, _, b in buffers]
    else:
        buffers = []
    try:
        yield
    finally:
        with torch.no_grad():
            for m, k, b in buffers:
                m._buffers[k] = b
            for tensor, saved in kept:
                tensor.copy_(saved)


def _projected_lstms(module, model: Model, torch) -> None:
    """An ``nn.LSTM`` with ``proj_size`` has no ONNX form (ONNX's LSTM has no projection): the
    TorchScript exporter refuses it, and the dynamo exporter writes an LSTM of hidden size
    ``proj_size`` without the projection, which onnxruntime refuses and which counts 3-4x low.
    Every LSTM of such a module's graph is listed as uncounted (its weights kept as params)."""
    sizes = sorted({m.proj_size for m in module.modules() if isinstance(m, torch.nn.LSTM) and m.proj_size})
    if not sizes:
        return
    why = (f"the module's nn.LSTM has proj_size={', '.join(map(str, sizes))}, which ONNX's LSTM has no form for: the export wrote an LSTM "
           "without the projection (onnxruntime refuses it), so it is not counted")
    model.uncounted[:] = [Uncounted(u.name, u.op, why, params=u.params) if u.op == "LSTM" else u for u in model.uncounted]  # (its states' shapes refused)
    kept = []
    for layer in model.layers:
        if layer.op == "LSTM":
            model.uncounted.append(Uncounted(layer.name, layer.op, why, params=layer.cost.params))
        else:
            kept.append(layer)
    model.layers[:] = kept


def rewritten_params(module, model: Model, unread: tuple[list, list]) -> str | None:
    """The note on a dynamo export: the parameters its program never reads, and those it reads as
    constants it lifted, counted as buffers (``unread``, :func:`dscost.readers.torch_export.unread_params`);
    then, when the graph holds another number of learnable parameters than the module's others,
    the rewrite (it folds BatchNorm into the convs, stores the weights the parameters alone compute
    in their place -- peft's LoKr, DoRA and FourierFT deltas -- and keeps one tensor of each set of
    equal ones: the ones and zeros of fresh norms, copied weights); None when there is nothing to say."""
    unused, constants = unread
    params = sum({id(p): p.numel() for p in module.parameters()}.values()) - sum(n for _, n in unused + constants)
    graph = sum(layer.cost.params for layer in model.layers) + sum(u.params for u in model.uncounted)
    notes = [unused_note(unused, "not read by the exported program")]
    if constants:
        notes.append(f"{len(constants)} parameter tensor(s) of the module ({sum(n for _, n in constants):,} elements) are read through a plain "
                     f"container (a dict, a list), which torch.export lifts as constants ({few(name for name, _ in constants)}): the graph "
                     "holds them as buffers, which dscost counts them as; torch's sum(p.numel()) counts them as params")
    if graph != params:
        read = "learnable parameters" if not unused + constants else "other learnable parameters"
        notes.append(f"the module has {params:,} {read}, its graph {graph:,} ({graph - params:+,}): the dynamo exporter rewrites parameters "
                     "(BatchNorm folded into the convs, weights the parameters alone compute stored in their place, one tensor kept of equal ones: "
                     "fresh norms' ones and zeros, copied weights), so the counts are the graph's")
    return "; ".join(note for note in notes if note) or None


def _read(path: Path, label: str, tensors: dict[str, bool], measure: dict | list | None = None) -> Model:
    """The exported file read, given the module's parameters (True) and buffers (False) by name;
    ``measure``: the forward's input arrays, to size what depends on the data (``--measure-sizes``)."""
    from dscost.readers.onnx_reader import read_onnx

    try:
        return read_onnx(path, module_tensors=tensors, measure_sizes=measure is not None, feeds=measure)
    except InputError as err:
        raise InputError(str(err).replace(str(path), f"{label} (exported to ONNX)")) from None


def _arrays(args: tuple, kwargs: dict, torch, names: list[str] | None) -> dict | list:
    """The forward's input tensors as numpy arrays: by the input names the export was given (an
    input it drops is then left out), else in the order the export takes them.  bfloat16, which
    numpy has not, as float32: the run casts it back (:mod:`onnx_measure`)."""
    arrays = [(t.float() if t.dtype == torch.bfloat16 else t).detach().cpu().numpy()
              for t in torch.utils._pytree.tree_leaves((args, kwargs)) if isinstance(t, torch.Tensor)]  # fmt: skip
    return dict(zip(names, arrays)) if names and len(names) == len(arrays) else arrays


def _cannot_run(model: Model) -> str:
    """The first node of an exported graph whose shapes or element types contradict each other,
    or that lacks a required input ('' when none): the graph onnxruntime would refuse, not the module's."""
    from dscost.readers.onnx_node import GRAPH_CANNOT_RUN

    return next((u.name for u in model.uncounted if GRAPH_CANNOT_RUN in u.reason), "")


def _broken(model: Model, args: tuple, kwargs: dict, torch) -> str:
    """What is wrong with an exported graph ('' when nothing is): a node that cannot run
    (:func:`_cannot_run`), or none of the forward's tensor inputs in the graph -- the TorchScript
    exporter loses them where the forward copies its input into a new tensor in place (e3nn's
    ``Extract``), and the graph computes constants."""
    node = _cannot_run(model)
    if node:
        return f"cannot run (node {node!r} contradicts its input shapes or types, or lacks an input)"
    if model.inputs or not any(isinstance(t, torch.Tensor) for t in torch.utils._pytree.tree_leaves((args, kwargs))):
        return ""
    return "has none of the forward's inputs (it computes constants)"


def _lost(model: Model) -> bool:
    """Whether nodes of an exported graph are uncounted where onnx's inference lost shapes that no
    data decides (a sequence the TorchScript exporter builds in a Loop): the module ran, its
    shapes were known."""
    return any("; shapes lost at " in u.reason and "--measure-sizes counts them" not in u.reason for u in model.uncounted)


def _export_again(module, args: tuple, kwargs: dict, path: Path, names, torch, label: str, tensors: dict[str, bool], broken: str,
                  measure: dict | list | None = None, first: Model | None = None) -> tuple[Model, str, tuple | None] | None:
    """When the TorchScript exporter's graph contradicts itself or lost shapes (the module ran in torch): its
    symbolics of ``Tensor.unfold`` and ``movedim`` on a dimension counted from the end put the
    windows on the wrong axis or write a perm past the axes, so the TorchScript exporter again
    with dscost's (which give torch's the axes counted from the start), when they were not
    registered yet; else the dynamo exporter.  (The model, what exported it, the parameters a
    dynamo program never reads) when that graph
    exports and runs; else None (the first graph is kept, with its uncounted nodes and their
    reasons).  ``broken``: what is wrong with the first graph (a node that cannot run, no inputs); when nothing is, the
    ``first`` graph lost shapes (:func:`_lost`): the TorchScript exporter is tried again with
    dscost's ``tensor_split`` too, and its graph kept when it leaves fewer nodes uncounted."""
    fixes = [op for op in ("aten::unfold", "aten::movedim", "aten::tensor_split") if op not in REGISTERED]
    if fixes:
        for op in fixes:
            register(torch, op)
        try:
            with Captured():
                exporter, unread = export_module(module, args, kwargs, path, names, torch, label)
            again = _read(path, label, tensors, measure)
        except Exception:
            again = None
        if again is not None and not _broken(again, args, kwargs, torch) and (broken or len(again.uncounted) < len(first.uncounted)):
            return again, exporter, unread
    if not broken:
        return None
    try:
        with Captured():
            unread = export_dynamo(module, args, kwargs, path, names, torch)
        again = _read(path, label, tensors, measure)
    except Exception:
        return None
    return None if _broken(again, args, kwargs, torch) else (again, dynamo_note(f"the TorchScript exporter's graph {broken}"), unread)


def _forward(module, args: tuple, kwargs: dict, torch, what: str, generated: str = "", zeros: bool = False, stray: list[str] = ()) -> None:
    """Run the module once (no gradients); InputError saying so when its forward fails.  Not before
    every export: a module that caches a tensor at its first forward in eval mode (transformers'
    LeViT, its attention biases) would hand the exporter that cached tensor, not its parameters.
    ``generated``: the option (``--input-shape``) whose shapes made float inputs, said when the
    forward wanted integers (an embedding's token ids); ``zeros``: integer inputs were made from
    shapes (all zeros), said when the forward fails otherwise (it wanted image tokens among the ids);
    ``stray``: inputs given by a name the forward has no parameter of (:func:`torch_inputs.unnamed`), said first."""
    try:
        with torch.no_grad():
            module(*args, **kwargs)
    except Exception as err:
        hint = ""
        if stray:
            hint = f"; {stray[0]!r} is no named parameter of the forward, which passed it to its **kwargs: check the name"
        elif generated and re.search(r"\b(Long|Int)\b|'indices'", first_line(err)):
            hint = f"; the shapes given make float tensors (torch.rand): give integer inputs such as token ids their element type, {integer_hint(module, args, kwargs)}"
        elif "meta tensors" in message(err) or "on the meta device" in message(err):
            hint = ("; the forward reads a tensor's value (a branch on it, a size from it, .item()), and a module on the meta device has "
                    "shapes, no values: give it memory first (module.to_empty(device='cpu'), then initialize or load it)")
        elif torch_release(torch) < (2, 6) and any(t.is_meta for t in module.parameters()):
            hint = (f"; on the meta device, torch {torch.__version__} lacks ops that later releases have (autocast's dtype, which "
                    "transformers' rotary embeddings ask for): torch >= 2.6 runs them")
        elif zeros:
            hint = ("; integer inputs made from shapes are zeros (every token id 0): where their values matter (image tokens among the "
                    "ids), pass real tensors through the Python API, dscost.analyze(module, {'input_ids': ids, ...})")
        raise fail(f"{what} failed: {first_line(err)}{hint}", err) from None


def _set_mode(module, training: bool) -> None:
    """``module.train(training)``; a module that has no modes (torch.export's unlifted
    ExportedProgram: "Calling train() is not supported yet") runs as it is."""
    with contextlib.suppress(NotImplementedError, AttributeError):  # (AttributeError: a frozen ScriptModule has no modes either)
        module.train(training)


def read_module(module, inputs=None, input_shapes: dict[str, tuple] | None = None, *, name: str | None = None,
                source: str | None = None, label: str | None = None,
                input_dtypes: dict[str, str] | None = None, progress=False, input_values: dict[str, int] | None = None,
                measure_sizes: bool = False) -> Model:
    """Count an ``nn.Module`` called with ``inputs`` (a tensor, a tuple of positional inputs, or
    a dict of keyword inputs) or with tensors of ``input_shapes`` (and ``input_dtypes`` and
    ``input_values``, see :func:`inputs_from_shapes`).  The module is exported in eval mode; its own mode is restored
    afterwards.  ``progress``: a status line on a terminal (True, or a bar shown by the caller).
    ``measure_sizes``: sizes that depend on the data (``nonzero()``, NMS) are those of one
    onnxruntime run of the export on the same inputs, as torch's eager run has them."""  # fmt: skip
    return count_module(module, inputs, input_shapes, name=name, source=source, label=label, input_dtypes=input_dtypes, progress=progress,
                        input_values=input_values, measure_sizes=measure_sizes)[0]  # fmt: skip


def count_module(module, inputs=None, input_shapes: dict[str, tuple] | None = None, **options) -> tuple[Model, Path]:
    """:func:`read_module`, and the ONNX file it counted (see :func:`count_target` for ``workdir``);
    a ``sys.exit`` in the module's code is an error (:func:`torch_run.guarded`)."""
    with guarded(options.get("label") or f"{type(module).__name__} (nn.Module)"):
        return _count_module(module, inputs, input_shapes, **options)


def _copied(value, torch, depth: int = 0):
    """``value`` with each tensor in it (in tuples, lists and dicts, 8 deep) a copy of its own."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone().requires_grad_(value.requires_grad) if value.is_leaf and value.is_floating_point() else value.clone()
    if depth < 8 and type(value) in (tuple, list):
        return type(value)(_copied(v, torch, depth + 1) for v in value)
    if depth < 8 and type(value) is dict:
        return {k: _copied(v, torch, depth + 1) for k, v in value.items()}
    return value


def _count_module(module, inputs=None, input_shapes: dict[str, tuple] | None = None, *, name: str | None = None,
                  source: str | None = None, label: str | None = None,
                  input_dtypes: dict[str, str] | None = None, progress=False, workdir: str | Path | None = None,
                  arg_names: list[str] | None = None, call: tuple[tuple, dict] | None = None, input_values: dict[str, int] | None = None,
                  measure_sizes: bool = False) -> tuple[Model, Path]:
    """:func:`count_module`.  ``call``: positional and keyword inputs both (instead of ``inputs``: a
    torch.export program's); ``arg_names``: the names of the positional ones where the forward takes ``*args``."""
    torch = import_torch(label or type(module).__name__)
    label = label or f"{type(module).__name__} (nn.Module)"
    if not isinstance(module, torch.nn.Module):
        raise InputError(f"{label}: expected a torch.nn.Module, got a {type(module).__name__}")
    module = unwrapped(module, torch)
    on = on_meta(module, label)
    meta = on is not None
    if meta:
        module, meta_note = on  # (a meta copy where some of its tensors were not on the meta device)
    if meta and (measure_sizes or workdir):  # (workdir: the file is for `bench` to run)
        raise InputError(f"{label}: {'--measure-sizes' if measure_sizes else 'bench'} runs the model, and its tensors are on the meta device (shapes without values); "
                         f"give them memory first (module.to_empty(device='cpu'), then initialize or load them)")  # fmt: skip
    if call is not None:
        args, kwargs = tuple(call[0]), dict(call[1])
    elif inputs is not None:
        if input_dtypes or input_values:
            what_ = "element types" if input_dtypes else "input values"
            raise InputError(f"{label}: {what_} apply to the inputs dscost makes from shapes, not to example inputs (give those as wanted, flags among them)")
        inputs = _copied(inputs, torch)  # (a forward that changes its input in place changes dscost's copy, not the user's tensor)
        if isinstance(inputs, dict):
            args, kwargs = (), dict(inputs)
        elif isinstance(inputs, (tuple, list)):
            args, kwargs = tuple(inputs), {}
        else:
            args, kwargs = (inputs,), {}
    else:
        args, kwargs = inputs_from_shapes(label, module, dict(input_shapes or {}), torch, input_dtypes, input_values)
    stray = unnamed(module, [*(input_shapes or {}), *(input_values or {})]) if inputs is None and call is None else []
    if meta:  # (the inputs on the module's device; the user's tensors are left where they are)
        args, kwargs = to_meta(args, torch), to_meta(kwargs, torch)
    ((args, kwargs), on_meta_inputs) = ((args, kwargs), 0) if meta else made_for_meta((args, kwargs), module, torch, label)
    described = describe(module, args, kwargs, arg_names)
    forward = f"{label}: forward({described})"
    generated = [t for t in (*args, *kwargs.values()) if isinstance(t, torch.Tensor)] if inputs is None and call is None else []
    made = "--input-shape" if any(t.is_floating_point() for t in generated) else ""  # (float inputs dscost made: torch.rand)
    zeros = any(not t.is_floating_point() for t in generated)  # (integer ones: zeros)
    frozen = isinstance(module, torch.jit.ScriptModule) and not hasattr(module, "training") and not any(True for _ in module.parameters())
    was_training = getattr(module, "training", False)  # (torch.jit.freeze's module has none)
    experts, experts_note = batched_experts(module)
    cache_note = None
    folder = contextlib.nullcontext(workdir) if workdir else tempfile.TemporaryDirectory(prefix="dscost-torch-")
    with (progress_bar(progress, "", steps=False) as bar, folder as tmp, experts, _kept_state(module, torch), uncompiled(module, torch),
          dequantized(module, torch) as quantized):
        bar.stage("exporting to ONNX (dynamo exporter, meta device)" if meta else "exporting to ONNX (TorchScript exporter)")
        export = export_meta if meta else export_module
        path = Path(tmp) / "model.onnx"
        try:
            with Captured() as captured:
                _set_mode(module, False)
                if any(isinstance(p, torch.nn.parameter.UninitializedParameter) for p in module.parameters()):
                    _forward(module, args, kwargs, torch, forward, made)  # (a lazy module's parameters exist after one)
                names = [*arg_names, *(k for k, v in kwargs.items() if isinstance(v, torch.Tensor))] if arg_names else input_names(module, args, kwargs, torch)
                try:
                    try:
                        exporter, unread = export(module, args, kwargs, path, names, torch, label, bar)
                    except CacheOutput as out:  # (the keys and values are computed either way: the same count)
                        exporter, why = None, str(out)
                    if exporter is None:  # (exported again outside the handler: a failure's chain of causes is its own, not this one's)
                        kwargs = {**kwargs, "use_cache": False}
                        cache_note = f"use_cache=False given to the forward: {why}"
                        described = describe(module, args, kwargs, arg_names)
                        forward = f"{label}: forward({described})"
                        bar.stage("exporting to ONNX again, with use_cache=False")
                        exporter, unread = export(module, args, kwargs, path, names, torch, f"{label} (forward given use_cache=False)", bar)
                except InputError:
                    _forward(module, args, kwargs, torch, forward, made, zeros, stray)  # (a forward that fails is said as such)
                    raise
            # (the initializers' names are their state_dict keys; a shared tensor under any of its names)
            tensors = {n: False for n, _ in module.named_buffers(remove_duplicate=False)}
            tensors.update((n, True) for n, _ in module.named_parameters(remove_duplicate=False))
            held = held_as_constants(module, path, torch) if isinstance(module, torch.jit.ScriptModule) else {}
            tensors.update(dict.fromkeys(held, True))
            bar.stage("counting the exported graph")
            measure = _arrays(args, kwargs, torch, names) if measure_sizes else None
            model = _read(path, label, tensors, measure)
            if meta:
                model.notes[:] = meta_notes(model.notes) + ([meta_note] if meta_note else [])
            if on_meta_inputs:
                model.notes.append(f"{on_meta_inputs} example input(s) on the meta device, where the module's weights are not: counted with inputs of the same shapes "
                                   "and types made by dscost (random floats, integer zeros) on the weights' device")  # fmt: skip
            broken = _broken(model, args, kwargs, torch)
            again = None
            if (broken or _lost(model)) and exporter.startswith("TorchScript"):
                bar.stage("exporting to ONNX again")
                again = _export_again(module, args, kwargs, Path(tmp) / "again.onnx", names, torch, label, tensors, broken, measure, model)
            if again is not None:
                (model, exporter, unread), path = again, Path(tmp) / "again.onnx"
            _projected_lstms(module, model, torch)
            unused = unused_params(module, path, set(held.values())) if unread is None else rewritten_params(module, model, unread)
            integers = integer_params(module, torch)
        finally:
            _set_mode(module, was_training)
    names = module_path_names([layer.name for layer in model.layers] + [u.name for u in model.uncounted])
    rename(model, names)
    if workdir:  # (the file stays for `bench`, whose profile then names the layers as this count)
        write_names(path, names)
    model.name = name or type(module).__name__
    model.source = source or label
    model.notes.insert(0, f"exported with torch.onnx.export ({exporter}) at forward({described}); torch {torch.__version__}")
    strays = stray and f"{few(map(repr, stray))}: no named parameter of the forward, given to its **kwargs, where a name it does not read is ignored"
    model.notes[1:1] = [note for note in (strays, experts_note, cache_note, value_note(captured.warnings), unused, integers, quantized, frozen and frozen_note(model)) if note]
    return model, path
