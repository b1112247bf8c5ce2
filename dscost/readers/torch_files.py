"""Saved PyTorch files, counted as the modules they hold (:func:`dscost.readers.torch_reader.count_module`):
``torch.export`` programs (``.pt2``, at the example inputs stored with them) and TorchScript
archives (``torch.jit.save``).  Loading either runs torch's deserializer (``torch.export.load``
unpickles): like a target, such a file is code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dscost.errors import InputError
from dscost.layers import Model
from dscost.progress import progress_bar
from dscost.readers.torch_inputs import inputs_from_shapes, value_text
from dscost.readers.torch_reader import count_module
from dscost.readers.torch_run import Captured, fail, first_line, guarded, import_torch, torch_release


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
        if torch_release(torch) < (2, 6):
            raise InputError(f"{label}: reading torch.export programs needs torch >= 2.6 (this is {torch.__version__}): earlier ones lower BatchNorm "
                             "to an op neither ONNX exporter takes")  # fmt: skip
        return torch, torch.export.load(label)

    def count(loaded, bar) -> tuple[Model, Path]:
        torch, program = loaded
        stored = getattr(program, "example_inputs", None) or ((), {})  # (torch >= 2.6 saves them)
        sizes = f"the program was exported for other sizes ({', '.join(value_text(t) for t in stored[0]) or 'none stored'}): only dimensions it exported as dynamic can change"
        if input_shapes:
            args, kwargs = inputs_from_shapes(label, program.module(), dict(input_shapes), torch, input_dtypes)
        elif input_dtypes:
            raise InputError(f"{label}: element types apply with --input-shape (NAME=SHAPE:DTYPE); the stored example inputs have their own")
        else:
            args, kwargs = stored
            if not args and not kwargs:
                raise InputError(f"{label}: the program holds no example inputs; give its input shapes with --input-shape")
        module = program
        if program.range_constraints:  # (dynamic dimensions: exported again at these sizes, as the TorchScript trace takes no SymInts)
            shown = ", ".join(value_text(t) for t in (*args, *kwargs.values()))
            try:
                with Captured():
                    module = torch.export.export(program.module(), tuple(args), kwargs or None)
            except Exception as err:
                if "Guard failed" in str(err) or "Expected input at" in str(err) or "ConstraintViolation" in type(err).__name__:
                    raise InputError(f"{label}: {shown}: {first_line(err)}; {sizes}") from None
                raise fail(f"{label}: cannot run the program at {shown}: {first_line(err)}", err) from None
        try:  # (its module hierarchy rebuilt: layers named by module path)
            with Captured():
                module = torch.export.unflatten(module)
        except Exception:
            module = module.module()
        user = [spec.arg.name for spec in program.graph_signature.input_specs if spec.kind.name == "USER_INPUT"]
        try:
            return count_module(module, name=Path(path).stem, source=label, label=label, progress=bar, workdir=workdir, arg_names=user[: len(args)],
                                call=(tuple(args), dict(kwargs)))  # fmt: skip
        except InputError as err:
            if "Guard failed" not in str(err) and "Expected input at" not in str(err):
                raise
            raise InputError(f"{err}; {sizes}") from None

    return count_file(path, progress, load, unloadable, count)


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

    return count_file(path, progress, lambda torch: torch.jit.load(label, map_location="cpu"), unloadable, count)


def count_file(path: str | Path, progress: bool, load: Callable, unloadable: Callable, count: Callable) -> tuple[Model, Path]:
    """Import torch, ``load(torch)`` the file (its output captured; a failure is the one line
    ``unloadable(err)`` says) and ``count(loaded, bar)`` it, a status line on a terminal meanwhile."""
    _refuse_bomb(Path(path))
    with guarded(str(path)), progress_bar(progress, "importing torch", steps=False) as bar:
        torch = import_torch(str(path))
        bar.stage(f"loading {Path(path).name}")
        try:
            with Captured():
                loaded = load(torch)
        except InputError:
            raise
        except Exception as err:
            raise fail(f"{path}: {unloadable(err)}", err) from None
        return count(loaded, bar)


def _refuse_bomb(path: Path) -> None:
    """A saved PyTorch file is a zip whose entries torch inflates in memory: one whose entries
    declare far more bytes than the file holds (a zip bomb: 6 MB inflating to 6 GiB) is refused
    before torch reads it.  torch stores weights uncompressed, so a real file declares about its size."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            declared = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # (not a zip: torch's own loader says what it is)
    size = path.stat().st_size
    if declared > 4 * size + (1 << 30):
        raise InputError(f"{path}: its zip entries declare {declared / 2**30:.1f} GiB in a file of {size / 2**20:.1f} MiB "
                         "(a zip bomb?); torch would inflate them in memory, so it is not loaded")
