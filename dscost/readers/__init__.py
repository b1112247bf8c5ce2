"""Readers: every input kind (YAML spec, ONNX graph, TFLite flatbuffer, PyTorch module) ->
the same :class:`dscost.layers.Model`, through :func:`load`.

:data:`KINDS` says, once, which inputs exist, how they are recognised and
which ``load`` options apply to each; the CLI, budget files and ``diff`` all
open models through :func:`load`.  Files are recognised by their suffix; a
PyTorch module by its target syntax ``package.module:attr`` or ``path/file.py:attr``
(:func:`torch_target`), never by a suffix.  Each reader module is imported only
when an input of its kind is read, so that `dscost --help` and `dscost compare`
never import onnx (nor torch).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dscost.errors import InputError


@dataclass(frozen=True)
class InputKind:
    name: str
    label: str  # "a layer spec": what the input is, in messages
    plural: str  # "YAML layer specs": what an option applies to, in messages
    suffixes: tuple[str, ...]
    options: frozenset[str]  # the load() options this kind takes
    reader: str  # "module:function" returning a Model
    instead: str  # the option to use instead of one that does not apply


KINDS = (
    InputKind("spec", "a layer spec", "YAML layer specs", (".yaml", ".yml"), frozenset({"width", "resolution"}),
              "dscost.readers.spec_reader:read_spec", "--resolution"),
    InputKind("onnx", "an ONNX graph", "ONNX graphs", (".onnx",), frozenset({"input_shapes", "dims", "input_values", "measure_sizes", "progress"}),
              "dscost.readers.onnx_reader:read_onnx", "--input-shape"),
    InputKind("tflite", "a TFLite model", "TFLite models", (".tflite",), frozenset({"input_shapes", "progress"}),
              "dscost.readers.tflite_reader:read_tflite", "--input-shape"),
    # No suffix: recognised by torch_target() (module:attr or file.py:attr).
    InputKind("torch", "a PyTorch module", "PyTorch modules", (), frozenset({"input_shapes", "input_dtypes", "input_values", "measure_sizes", "kwargs", "meta", "progress"}),
              "dscost.readers.torch_reader:read_torch", "--input-shape"),
    InputKind("pt2", "a torch.export program", "PyTorch modules", (".pt2",), frozenset({"input_shapes", "input_dtypes", "progress"}),
              "dscost.readers.torch_files:read_exported", "--input-shape"),
    InputKind("torchscript", "a TorchScript module", "PyTorch modules", (".pt", ".pth", ".torchscript"), frozenset({"input_shapes", "input_dtypes", "progress"}),
              "dscost.readers.torch_files:read_torchscript", "--input-shape"),
    InputKind("hf", "a Hugging Face config", "PyTorch modules", (".json",), frozenset({"input_shapes", "input_dtypes", "input_values", "meta", "progress"}),
              "dscost.readers.hf_config:read_hf_config", "--input-shape"),
)  # fmt: skip
SPEC_SUFFIXES = KINDS[0].suffixes
ONNX_SUFFIXES = KINDS[1].suffixes
TORCH = KINDS[3]
SINGLE_INPUT_KINDS = (TORCH, *KINDS[4:])  # (a shape without a name: the forward's single input)

# How options are named in messages: command-line flags (the API and budget files put them in
# their own words: dscost.wording).
FLAG_LABELS = {
    "width": "--width-multiplier/--resolution",
    "resolution": "--width-multiplier/--resolution",
    "input_shapes": "--input-shape",
    "input_dtypes": "--input-shape's :DTYPE",
    "dims": "--dim",
    "input_values": "--input-value",
    "kwargs": "--kwargs/--arg",
    "measure_sizes": "--measure-sizes",
    "meta": "--meta",
}
# Options passed whenever they are known and dropped for kinds that do not take them.
AMBIENT = frozenset({"progress"})


def _dotted(text: str) -> bool:
    """``a.b.c`` where every part is a Python identifier."""
    return all(part.isidentifier() for part in text.split("."))


def torch_target(target: str | Path) -> tuple[str, str] | None:
    """``(module_or_file, attr)`` when ``target`` is a PyTorch target -- ``package.module:attr``
    (an importable module) or ``path/to/file.py:attr`` (a Python file) where ``attr`` is a
    dotted attribute name -- else None.  A path without a colon (``models/x.onnx``), a Windows
    path (``C:\\models\\x.onnx``) or a file with a model suffix is never a target."""
    text = str(target)
    if any(Path(text).suffix.lower() in k.suffixes for k in KINDS):
        return None
    left, sep, attr = text.rpartition(":")
    if not sep or not left or not _dotted(attr):
        return None
    if left.lower().endswith(".py") or _dotted(left):
        return left, attr
    return None


def code_file(target: str | Path) -> str | None:
    """The Python file a PyTorch target runs, found without importing anything: ``file.py`` of
    ``file.py:attr``; for ``package.module:attr`` the module's file as the import system's path
    finder finds it in the working directory, then ``sys.path``, package by package (no package's
    code runs).  None when the target is no PyTorch target or the file is not found this way (an
    import hook's module: the file is then known once imported)."""
    found = torch_target(target)
    if found is None:
        return None
    where = found[0]
    if where.lower().endswith(".py"):
        return where
    import os
    import sys
    from importlib.machinery import PathFinder

    search: list[str] | None = [os.getcwd(), *sys.path]
    spec = None
    for part in where.split("."):
        try:
            spec = PathFinder.find_spec(part, search) if search is not None else None
        except (ImportError, ValueError, OSError):  # (an unreadable folder on the path: the import says why)
            return None
        if spec is None:
            return None
        search = list(spec.submodule_search_locations) if spec.submodule_search_locations is not None else None
    return spec.origin if spec is not None and spec.has_location else None


def kind_of(target: str | Path) -> InputKind:
    """The kind of input ``target`` names (a file by its suffix, a PyTorch module by
    :func:`torch_target`); InputError for an unknown one."""
    suffix = Path(target).suffix.lower()
    for kind in KINDS:
        if suffix in kind.suffixes:
            return kind
    if torch_target(target) is not None:
        return TORCH
    if suffix == ".py":
        raise InputError(f"{target}: name what to build from the file: {target}:FACTORY (a function or class returning the nn.Module, or an nn.Module)")
    other = next((why for suffixes, why in OTHER_FORMATS if suffix in suffixes), None)
    if other:
        raise InputError(f"{target}: {other}")
    known = ", ".join(f"{'/'.join(k.suffixes)} ({k.label})" for k in KINDS if k.suffixes)
    raise InputError(f"{target}: unknown model format {suffix or '(no suffix)'!r}; expected {known}, or package.module:factory / file.py:factory ({TORCH.label})")


# Formats dscost does not read, and what to give instead (the error for one says so)
OTHER_FORMATS = (
    ((".safetensors", ".bin", ".ckpt"), "weights alone, no graph: give the code that uses them as a target (file.py:build, a function "
     "that builds the module and loads them), or export it to ONNX"),
    ((".h5", ".keras", ".pb"), "a Keras or TensorFlow model: convert it to TFLite (tf.lite.TFLiteConverter) or to ONNX (tf2onnx)"),
    ((".gguf", ".ggml"), "a llama.cpp model: count the PyTorch model it was converted from"),
    ((".ort", ".engine", ".plan", ".trt"), "an onnxruntime (ORT) or TensorRT file, made from an ONNX file: give that ONNX file"),
    ((".mlmodel", ".mlpackage", ".xml", ".param", ".mnn"), "a Core ML, OpenVINO, ncnn or MNN model: give the ONNX or TFLite file it was converted from"),
)  # fmt: skip


def reader_options(target: str | Path, options: dict) -> dict:
    """The options that apply to ``target``'s kind.  An option given (not None, not empty) for a
    kind that does not take it is an InputError naming it and what to use instead."""
    kind = kind_of(target)
    given = {k: v for k, v in options.items() if v is not None and v != {} and v != ()}
    wrong = [k for k in given if k not in kind.options and k not in AMBIENT]
    if wrong:
        label = FLAG_LABELS.get(wrong[0], wrong[0])
        names = list(dict.fromkeys(k.plural for k in KINDS if wrong[0] in k.options))  # (the saved PyTorch kinds are PyTorch modules too)
        takers = (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)) or "no input kind"
        verb = "apply" if "/" in label else "applies"
        instead = f" (use {kind.instead})" if kind.instead else " (its shapes are the ones stored in the file)"
        if wrong[0] == "kwargs":
            instead = ""
        elif wrong[0] == "input_dtypes":
            instead = " (its inputs' element types are the ones in the file)"
        elif wrong[0] == "measure_sizes":
            instead = " (built on the meta device, its model has no values to run)" if kind.name == "hf" else " (its sizes follow from its shapes)"
        elif wrong[0] == "meta":
            instead = (" (a saved module is loaded with its values)" if kind.name in ("pt2", "torchscript") else
                       " (dscost reads its shapes, never its weights)" if kind.name in ("onnx", "tflite") else " (a spec holds no weights)")  # fmt: skip
        elif wrong[0] == "input_values":
            instead = " (its forward's flags were fixed when it was saved)" if kind.name in ("pt2", "torchscript") else ""
        raise InputError(f"{label} {verb} to {takers} only; {target} is {kind.label}{instead}")
    opts = {k: v for k, v in given.items() if k in kind.options}
    if "" in opts.get("input_shapes", {}) and kind not in SINGLE_INPUT_KINDS:
        shape = "x".join(map(str, opts["input_shapes"][""]))
        raise InputError(f"--input-shape {shape}: name the input (--input-shape NAME={shape}); a shape without a name is for PyTorch modules (their single forward input)")
    return opts


def options_for(target: str | Path, options: dict) -> dict:
    """The options that apply to ``target``'s kind, silently dropping the others
    (`diff`: one --input-shape for whichever of its two models is an ONNX graph, a TFLite
    model or a PyTorch module; a shape without a name goes to PyTorch modules only)."""
    kind = kind_of(target)
    out = {k: v for k, v in options.items() if k in kind.options and v is not None}
    if kind not in SINGLE_INPUT_KINDS and "" in out.get("input_shapes", {}):
        out["input_shapes"] = {k: v for k, v in out["input_shapes"].items() if k} or None
        if out["input_shapes"] is None:
            del out["input_shapes"]
    return out


def load(target: str | Path, **options):
    """Read any input (YAML spec, ONNX graph, TFLite model, PyTorch target) into a Model.

    ``options``: ``width`` and ``resolution`` (specs), ``input_shapes`` (ONNX, TFLite and
    PyTorch; the key ``""`` is a PyTorch module's single forward input), ``input_dtypes``
    (PyTorch: the element types of those inputs by name, ``{"input_ids": "int64"}``), ``dims``
    (ONNX: symbolic dimensions by name), ``input_values`` (ONNX: one-element flag inputs by
    name, which pick an If's branch), ``measure_sizes`` (ONNX and PyTorch: sizes that depend on
    the data are measured in one onnxruntime run), ``kwargs``
    (the keyword arguments of a PyTorch factory), ``meta`` (a PyTorch factory called under
    ``torch.device("meta")``: counted from shapes), ``progress`` (a progress bar on a
    terminal, where the reader has one).
    An option that does not apply to the input's kind raises InputError (naming the CLI's flag).
    """
    from importlib import import_module

    from dscost.files import regular_file

    suffix = Path(target).suffix.lower()
    if not any(suffix in k.suffixes for k in KINDS) and suffix != ".py" and torch_target(target) is None:
        regular_file(target, "model file")  # a directory says so before "unknown format"
    kind = kind_of(target)
    opts = reader_options(target, options)  # usage errors before the file is looked at
    if kind is not TORCH:  # the torch reader checks a target's .py file itself
        regular_file(target, "model file")
    module, function = kind.reader.split(":")
    return getattr(import_module(module), function)(target, **opts)
