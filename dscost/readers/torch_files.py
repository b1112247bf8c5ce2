"""Saved PyTorch files, counted as the modules they hold (:func:`dscost.readers.torch_reader.count_module`):
``torch.export`` programs (``.pt2``, at the example inputs stored with them) and TorchScript
archives (``torch.jit.save``).  Loading either runs torch's deserializer (``torch.export.load``
unpickles): like a target, such a file is code."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from dscost.errors import InputError
from dscost.layers import Model
from dscost.progress import progress_bar
from dscost.readers.torch_reader import count_module, value_text
from dscost.readers.torch_run import Captured, fail, first_line, import_torch


def read_exported(path: str | Path, input_shapes: dict[str, tuple] | None = None, input_dtypes: dict[str, str] | None = None,
                  progress: bool = False) -> Model:
    """Count a ``torch.export`` program saved by ``torch.export.save`` (a ``.pt2`` file): its
    module (``ExportedProgram.module()``) at the example inputs stored with it, or at
    ``input_shapes`` (dimensions the program was exported as dynamic)."""
    return count_exported(path, input_shapes, input_dtypes, progress)[0]


def count_exported(path: str | Path, input_shapes: dict[str, tuple] | None = None, input_dtypes: dict[str, str] | None = None,
                   progress: bool = False, workdir: str | Path | None = None) -> tuple[Model, Path]:
    """:func:`read_exported`, and the ONNX file it counted (see :func:`dscost.readers.torch_reader.count_target`)."""
    label = str(path)

    def unloadable(err: Exception) -> str:
        return f"cannot load a torch.export program (torch.export.save's .pt2): {first_line(err)}"

    def load(torch):
        program = torch.export.load(label)
        if not program.range_constraints:  # (its module hierarchy rebuilt: layers named by module path; with
            with contextlib.suppress(Exception):  # dynamic dimensions its SymInts would fail the TorchScript trace)
                return program, torch.export.unflatten(program)
        return program, program.module()

    def count(loaded, bar) -> tuple[Model, Path]:
        program, module = loaded
        inputs = None
        if not input_shapes:
            args, kwargs = program.example_inputs or ((), {})
            if not args and not kwargs:
                raise InputError(f"{label}: the program holds no example inputs; give its input shapes with --input-shape")
            if args and kwargs:
                raise InputError(f"{label}: its example inputs are positional and keyword ({', '.join(kwargs)}); give every input's shape with --input-shape NAME=...")
            inputs = dict(kwargs) if kwargs else tuple(args)
        try:
            return count_module(module, inputs, input_shapes, name=Path(path).stem, source=label, label=label, input_dtypes=input_dtypes,
                                progress=bar, workdir=workdir)  # fmt: skip
        except InputError as err:
            if "Guard failed" not in str(err) and "Expected input at" not in str(err):
                raise
            stored = ", ".join(value_text(t) for t in (program.example_inputs or ((), {}))[0])
            raise InputError(f"{err}; the program was exported for other sizes ({stored or 'none stored'}): only dimensions it exported as dynamic can change") from None

    return _count_file(path, progress, load, unloadable, count)


def read_torchscript(path: str | Path, input_shapes: dict[str, tuple] | None = None, input_dtypes: dict[str, str] | None = None,
                     progress: bool = False) -> Model:
    """Count a TorchScript archive (``torch.jit.save`` of a traced or scripted module; ``.pt``,
    ``.pth``, ``.torchscript``) at ``input_shapes``, as a module."""
    return count_torchscript(path, input_shapes, input_dtypes, progress)[0]


def count_torchscript(path: str | Path, input_shapes: dict[str, tuple] | None = None, input_dtypes: dict[str, str] | None = None,
                      progress: bool = False, workdir: str | Path | None = None) -> tuple[Model, Path]:
    """:func:`read_torchscript`, and the ONNX file it counted (see :func:`dscost.readers.torch_reader.count_target`)."""
    label = str(path)

    def unloadable(err: Exception) -> str:
        if "constants.pkl" in str(err):  # (a zip of torch.save: a state_dict or a pickled module)
            return ("not a TorchScript archive (torch.jit.save) but a torch.save checkpoint: a state_dict or a pickled module holds no graph "
                    "without its code; give the module as package.module:factory or file.py:factory")  # fmt: skip
        if "failed reading zip archive" in str(err):
            return "not a TorchScript archive (torch.jit.save writes a zip file; this is none)"
        return f"cannot load a TorchScript archive (torch.jit.save): {first_line(err)}"

    def count(module, bar) -> tuple[Model, Path]:
        return count_module(module, None, input_shapes, name=Path(path).stem, source=label, label=label, input_dtypes=input_dtypes, progress=bar,
                            workdir=workdir)  # fmt: skip

    return _count_file(path, progress, lambda torch: torch.jit.load(label, map_location="cpu"), unloadable, count)


def _count_file(path: str | Path, progress: bool, load: Callable, unloadable: Callable, count: Callable) -> tuple[Model, Path]:
    """Import torch, ``load(torch)`` the file (its output captured; a failure is the one line
    ``unloadable(err)`` says) and ``count(loaded, bar)`` it, a status line on a terminal meanwhile."""
    with progress_bar(progress, "importing torch", steps=False) as bar:
        torch = import_torch(str(path))
        bar.stage(f"loading {Path(path).name}")
        try:
            with Captured():
                loaded = load(torch)
        except Exception as err:
            raise fail(f"{path}: {unloadable(err)}", err) from None
        return count(loaded, bar)
