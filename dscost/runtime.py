"""onnx and onnxruntime plumbing shared by `bench` and `convert`.

onnxruntime CPU sessions with their errors as one line, random input feeds, and
building small ONNX graphs (loading a model file for onnxruntime, its nodes named as
dscost's reader names them: :func:`load_onnx`).  onnx,
onnxruntime and numpy are imported inside the functions.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from dscost.errors import InputError, message

OPSET = 17
IR_VERSION = 8  # onnxruntime rejects the newest IR versions that onnx writes by default
OPT_LEVELS = ("none", "basic", "extended", "all")
DEFAULT_OPT = "all"
FOLDER_ENTRY = "session.model_external_initializers_file_folder_path"  # where a model given as bytes has its external data
REFERRED_FROM = (1, 21)  # onnxruntime reads a file's weights as external data of bytes (make_session)
PROTOBUF_LIMIT = 2**31  # one serialized protobuf message cannot be larger  # what deployments run; convs renamed "<output>_nchwc" are joined back to their layer


class Given(NamedTuple):
    """A model for onnxruntime as bytes whose external data is in ``folder``: the file at ``path``
    with its nodes named (:func:`named`)."""

    data: bytes
    folder: str
    path: str


def check_threads(threads: int) -> int:
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
        raise InputError(f"--threads {threads!r}: must be a whole number >= 1")
    if threads > 1024:
        raise InputError(f"--threads {threads}: too many (at most 1024)")
    return threads


def ort():
    """onnxruntime, with its own logger silenced (errors come through dscost's one-line messages)."""
    try:
        import onnxruntime
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise InputError(f"onnxruntime is not installed ({exc}); pip install onnxruntime") from None
    onnxruntime.set_default_logger_severity(4)  # fatal only: errors reach the user as dscost's one line
    return onnxruntime


def ort_version() -> str:
    try:
        import onnxruntime

        return onnxruntime.__version__
    except ImportError:  # pragma: no cover
        return "?"


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, without onnxruntime's source-location prefix."""
    # (onnxruntime's binding raises a UnicodeDecodeError holding the message it could not decode -- one naming
    #  something not UTF-8 -- as bytes: they are the message, escaped)
    text = (bytes(exc.object).decode("utf-8", "backslashreplace") if isinstance(exc, UnicodeDecodeError) else message(exc)).strip().splitlines()
    msg = text[0] if text else exc.__class__.__name__
    # onnxruntime prefixes "[ONNXRuntimeError] : 1 : FAIL : /path/file.cc:123 fn(...) message"
    if "] :" in msg:
        msg = msg.split("] :", 1)[1].strip()
    return _without_source_location(msg)[:400]


def _without_source_location(msg: str) -> str:
    """``msg`` without the C++ source file, line and function signature onnxruntime puts before
    what it says ("/onnxruntime_src/.../model.cc:181 onnxruntime::Model::Model(onnx::ModelProto&&, ...) ")."""
    while (found := re.search(r"/\S+\.(?:cc|cpp|h|hpp):\d+ ", msg)) is not None:
        end = found.end()
        signature = re.match(r"(?:[\w:<>*&]+ )?[\w:~]+\(", msg[end:])  # ("void ns::f(" or "ns::C::C(")
        if signature is None:
            return msg[: found.start()] + msg[end:]
        depth = 0
        for i in range(end + signature.end() - 1, len(msg)):
            depth += {"(": 1, ")": -1}.get(msg[i], 0)
            if depth == 0:
                break
        else:  # (unbalanced: only the location goes)
            return msg[: found.start()] + msg[end:]
        msg = msg[: found.start()] + msg[i + 1 :].lstrip()
    return msg


def serialize(model, label: str) -> bytes:
    try:
        return model.SerializeToString()
    except ValueError as exc:  # > 2 GB protobuf
        raise InputError(f"{label}: cannot hand the model to onnxruntime ({first_line(exc)})") from None


def _cpu_session(rt, model, so):
    """onnxruntime's session on the CPU, without its fallback: when creating one raises a
    ValueError or RuntimeError (an error message holding a name that is not UTF-8, which its binding
    cannot decode), onnxruntime prints a four-line "EP Error" banner to stdout and tries the same
    CPU provider again.  ``enable_fallback=0`` turns that off where onnxruntime reads it (1.2x);
    where it does not (1.18), the banner goes nowhere: the error is dscost's one line."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return rt.InferenceSession(model, so, providers=["CPUExecutionProvider"], enable_fallback=0)


def check_optimization(optimization: str) -> None:
    if optimization not in OPT_LEVELS:
        raise InputError(f"--optimization {optimization!r}: choose one of {', '.join(OPT_LEVELS)}")


def make_session(model, label: str, threads: int = 1, optimization: str = DEFAULT_OPT, profile_dir: str | None = None,
                 optimized_path: str | None = None, notices: list[str] | None = None, folder: str | None = None):
    """An onnxruntime CPU session for ``model`` (ModelProto, bytes, :class:`Given` or path); InputError when onnxruntime cannot load it.
    A path is handed over as :func:`referred` makes it when it can; ``folder``: where the external data of a ModelProto or bytes is.
    ``optimized_path``: onnxruntime writes the graph it runs there (its weights in a file beside it).
    ``notices``: told (one line appended) when the session runs a copy stamped with an older IR version."""
    rt = ort()
    check_threads(threads)
    check_optimization(optimization)
    so = rt.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = rt.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = {
        "none": rt.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic": rt.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": rt.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": rt.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }[optimization]
    so.log_severity_level = 4
    if profile_dir is not None:
        so.enable_profiling = True
        so.profile_file_prefix = str(Path(profile_dir) / "ort_profile")
    if optimized_path is not None:
        so.optimized_model_filepath = optimized_path
        so.add_session_config_entry("session.optimized_model_external_initializers_file_name", Path(optimized_path).name + ".data")
        so.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "64")
    whole, names = None, isinstance(model, Given)  # the file a copy referring to its weights comes from (given if the copy is refused)
    if names:
        model, folder, whole = model
    given = str(model) if isinstance(model, Path) else model
    if isinstance(given, str) and (copy := referred(given, rt.__version__)) is not None:
        given, folder, whole = copy, str(Path(given).absolute().parent), given  # (its weights read from the file, no copy of the protobuf held)
    if folder is not None:
        so.add_session_config_entry(FOLDER_ENTRY, folder)
    try:
        return _cpu_session(rt, serialize(given, label) if hasattr(given, "SerializeToString") else given, so)
    except Exception as exc:  # onnxruntime raises its own exception types (Fail, InvalidGraph, NotImplemented...)
        refused, text = first_line(exc), message(exc)
    older = _older_ir(given, text, label)
    if older is None and whole is not None:  # (the copy refused, not for its IR version: the file itself, as before the copies)
        try:
            return _cpu_session(rt, serialize(load_onnx(whole), label) if names else whole, so)  # (named as the copy was)
        except InputError:
            raise
        except Exception as exc:
            refused = first_line(exc)
    if older is None:
        raise InputError(f"{label}: onnxruntime cannot run this model: {refused}")
    restamped, beside, stamp, stamped = older
    if beside is not None:  # (its external data is found beside the file, not beside the bytes)
        so.add_session_config_entry(FOLDER_ENTRY, beside)
    try:
        sess = _cpu_session(rt, restamped, so)
    except Exception as exc:
        raise InputError(f"{label}: onnxruntime cannot run this model: {refused}; stamped IR version {stamp} in the copy it ran, it failed: {first_line(exc)}") from None
    if notices is not None:
        notices.append(f"{label}: onnxruntime {ort_version()} reads IR versions up to {stamp}, the model is stamped {stamped}: "
                       f"it ran a copy stamped {stamp} (the model is unchanged)")
    return sess


def referred(path: str | Path, version: str | None = None) -> bytes | None:
    """The model file at ``path`` as bytes whose weights are external data in that file
    (:func:`dscost.readers.onnx_stored.referring`; onnxruntime is given its folder), for onnxruntime
    1.21 and later (``version``: the installed one; before, its optimizers could not find external
    data of a model given as bytes); None to hand it the path."""
    from dscost.readers.onnx_stored import referring

    if tuple(int(p) for p in re.findall(r"\d+", version or ort_version())[:2]) < REFERRED_FROM:
        return None
    given = Path(path).absolute()
    if os.path.realpath(given.parent) != os.path.dirname(os.path.realpath(given)):  # (a link to a file of another folder: onnxruntime refuses data outside the model's)
        return None
    try:
        return referring(given)
    except InputError:  # (not a file dscost reads: onnxruntime's own message says why)
        return None


def load_onnx(path: str | Path, external: bool = True):
    """onnx.load of a regular file, with errors as InputError; its nodes named as dscost's reader names them.
    ``external`` False: its external data not loaded (onnxruntime reads it, given the file's folder),
    and the file parsed without importing onnx's package (:mod:`onnx_lib`)."""
    from dscost.files import regular_file
    from dscost.readers import onnx_lib
    from dscost.readers.onnx_order import name_nodes

    p = regular_file(path, "model file")
    if p.stat().st_size >= PROTOBUF_LIMIT:
        raise InputError(
            f"{path}: {p.stat().st_size / 2**30:.1f} GiB is over protobuf's 2 GB limit, so onnx and onnxruntime cannot load it "
            "as one file; save it with its weights as external data (onnx.save_model(model, path, save_as_external_data=True))"
        )
    try:
        if external:
            import onnx

            model = onnx.load(str(p))
        else:
            model = onnx_lib.load().ModelProto.FromString(p.read_bytes())
    except Exception as exc:
        raise InputError(f"{path}: not a readable ONNX model ({first_line(exc)})") from None
    if not model.HasField("graph"):
        raise InputError(f"{path}: the ONNX model has no graph")
    name_nodes(model)
    return model


def named(path: str | Path) -> Given | None:
    """The model file at ``path``, its nodes named as dscost's reader names them
    (:func:`dscost.readers.onnx_order.name_nodes`), as the copy :func:`referred` makes: no weight
    read or written; None when there is no such copy (then write a named file)."""
    copy = referred(path)
    if copy is None:
        return None
    from dscost.readers import onnx_lib
    from dscost.readers.onnx_order import name_nodes

    proto = onnx_lib.load().ModelProto.FromString(copy)
    name_nodes(proto)
    return Given(proto.SerializeToString(), str(Path(path).absolute().parent), str(path))


def _older_ir(model, refused: str, label: str) -> tuple[bytes, str | None, int, int] | None:
    """When onnxruntime refused ``model`` (a ModelProto, bytes or a path) only for its IR version, newer than it
    reads -- onnx stamps its own newest version on every model it makes, and onnxruntime follows
    onnx's releases late (on Python 3.10, onnx 1.23 makes IR 14 and onnxruntime 1.23 reads up to 11)
    -- the model as bytes stamped with the newest one onnxruntime reads, the folder of its external
    data (a path's), that version and the model's own; None for any other refusal.  A graph that needs what the
    newer IR added is refused again, and that is said."""
    found = re.search(r"Unsupported model IR version: (\d+), max supported IR version: (\d+)", refused)
    if found is None or int(found[2]) >= int(found[1]):
        return None
    stamp, stamped = int(found[2]), int(found[1])
    if hasattr(model, "SerializeToString"):  # (stamped for the copy, then as it was: the caller's model is not changed)
        given, model.ir_version = model.ir_version, stamp
        try:
            return serialize(model, label), None, stamp, stamped
        finally:
            model.ir_version = given
    import onnx
    from google.protobuf.message import DecodeError

    try:
        if isinstance(model, str):
            with open(model, "rb") as f:
                proto, folder = onnx.ModelProto.FromString(f.read()), str(Path(model).resolve().parent)  # (its external data stays in its files)
        else:
            proto, folder = onnx.ModelProto.FromString(model), None
    except (OSError, DecodeError, RuntimeError, ValueError):
        return None
    proto.ir_version = stamp
    return serialize(proto, label), folder, stamp, stamped


def run(sess, feeds, label: str):
    """One run of a session, onnxruntime's own log of a failure kept off the user's terminal; an
    onnxruntime failure is an InputError naming ``label``."""
    quiet = ort().RunOptions()
    quiet.log_severity_level = 4  # (the session's level does not cover a run's: its executor logged a failed node's error on stderr)
    try:
        return sess.run(None, feeds, quiet)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{label}: onnxruntime failed to run the model: {first_line(exc)}") from None


# ONNX element types numpy holds natively, read without onnx.helper: importing onnx imports
# ml_dtypes, whose release 0.7.0 spends ~1 s of CPU registering its ufunc loops, in every
# onnxruntime child process (bfloat16, float8 and 4-bit types still go through onnx.helper).
NUMPY_TYPES = {1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "object", 9: "bool",
               10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128"}  # fmt: skip


def np_dtype(elem: int, error: str):
    """The numpy dtype of ONNX element type ``elem``; InputError(``error``) when it has none."""
    import numpy as np

    if elem in NUMPY_TYPES:
        return np.dtype(NUMPY_TYPES[elem])
    try:
        from onnx import helper

        return np.dtype(helper.tensor_dtype_to_np_dtype(elem))
    except Exception:
        raise InputError(error) from None


def feeds_for(inputs: list[tuple[str, tuple[int, ...], int]], label: str = "model", seed: int = 1, values: dict[str, int] | None = None,
              uniform: bool = False) -> dict:  # fmt: skip
    """Random inputs from (name, shape, ONNX element type) triples (``Model.inputs``):
    normal floats (``uniform``: in [0, 1), as an image's pixels), zeros for integer inputs (token ids, indices), empty strings, ``values`` for the inputs
    given one (``Model.input_values``: a flag that picks an If's branch)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    feeds = {}
    for name, shape, elem in inputs:
        dtype = np_dtype(elem, f"{label}: input {name!r} has an element type dscost cannot feed ({elem})")
        if values and name in values:
            feeds[name] = np.full(shape, values[name], dtype)
        else:
            feeds[name] = (rng.random(shape) if uniform else rng.standard_normal(shape)).astype(dtype) if np.issubdtype(dtype, np.floating) else \
                np.full(shape, "", object) if dtype == object else np.zeros(shape, dtype)  # fmt: skip
    return feeds


def make_model(nodes, inputs, outputs, initializers, name: str):
    """A ModelProto of one graph at dscost's opset and an IR version onnxruntime accepts (built
    without onnx.helper: :mod:`dscost.readers.onnx_lib`)."""
    from dscost.readers import onnx_lib

    return onnx_lib.model(nodes, inputs, outputs, initializers, name, OPSET, IR_VERSION, "dscost")
