"""Running a user's PyTorch code quietly: torch imported with a hint when missing, everything it
prints captured (dropped, or replayed with DSCOST_DEBUG=1), each failure one InputError."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
import traceback

from dscost.errors import InputError, message

INSTALL_HINT = "pip install 'dscost[torch]'"
# What torch appends to an error's reason that a user of dscost cannot act on: cut with all after it
TRAILING_NOISE = (
    " Please feel free to request support",  # (torch.onnx: an issue form, then the TorchScript value dump)
    " This is an internal miniz error",  # (torch's zip reader: a paragraph of guesses)
    " Please check the warnings above",  # (torch.export.load: its log, which is not shown)
    " [Caused by the value ",  # (a SymbolicValueError's TorchScript value and scope)
    " See the stack trace for more information",  # (the dynamo exporter's: a trace dscost does not show)
)
# torch.onnx's "Failed to export a node '%278 : ... = onnx::Squeeze(...), scope: ... # file:line\n'
# (in list node ...\n) because it is not constant": the node's text spans lines, its reason after it
QUOTED_NODE = "Failed to export a node '"
SCOPE = re.compile(r", scope: \S+")
# lines of an error whose first line only announces them ("...:"), kept in the one line shown
DETAIL_LINES = 3


def debug() -> bool:
    return os.environ.get("DSCOST_DEBUG") == "1"


def first_line(err: BaseException) -> str:
    """``Type: first line`` of an error, without torch.onnx's "Please feel free to request
    support ..." and the TorchScript value dump after it, or a SymbolicValueError's "[Caused by
    the value ...]" (a value of the TorchScript graph, the scope of dscost's own loader), and
    without the module scopes of TorchScript nodes (", scope: a.b::/c.d::e", :data:`SCOPE`)."""
    text = message(err).strip()
    lines = text.splitlines()
    line = lines[0].strip() if text else ""
    for more in lines[1:5]:  # (a bracket the first line opens is closed on the next: "output 1 (3\n[ torch.LongTensor{} ]) of traced region...")
        quoted = line.startswith(QUOTED_NODE) and line.count("'") % 2  # (its reason follows the node's text, which spans lines)
        if line.count("(") <= line.count(")") and line.count("[") <= line.count("]") and not quoted:
            break
        line += " " + more.strip()
    if line.endswith(":") and len(lines) > 1:  # a heading whose reason is on the lines after it ("Error(s) in loading state_dict for Net:\n\tsize mismatch ...")
        rest = [more.strip() for more in lines[1:] if more.strip()]
        line = f"{line} {'; '.join(rest[:DETAIL_LINES])}" + ("; ..." if len(rest) > DETAIL_LINES else "")
    line = SCOPE.sub("", line)
    cut = False
    for noise in TRAILING_NOISE:
        line, found, _ = line.partition(noise)
        cut = cut or bool(found)
    line = line.rstrip(" .") if cut else line
    return f"{type(err).__name__}: {line}" if line else type(err).__name__


def fail(message: str, err: BaseException | None = None) -> InputError:
    """The InputError of ``message``; with DSCOST_DEBUG=1 the traceback of ``err`` goes to stderr first."""
    if err is not None and debug():
        traceback.print_exception(type(err), err, err.__traceback__, file=sys.stderr)
    return InputError(message)


def torch_release(torch) -> tuple[int, int]:
    """(major, minor) of the torch imported: ``2.5.0+cu124`` -> (2, 5)."""
    return tuple(int(v) for v in re.findall(r"\d+", torch.__version__)[:2])


def import_torch(label: str):
    """``torch``, or InputError naming the extra to install."""
    try:
        import torch
    except ImportError as err:
        raise fail(f"{label}: reading PyTorch modules needs torch: {INSTALL_HINT}", err) from None
    return torch


# torch's TracerWarning where a trace turns a tensor's value into a Python number, bool or index
VALUE_WARNING = r".*might cause the trace to be incorrect"


class Captured:
    """Redirect stdout and stderr -- Python's objects and the process's fds 1 and 2 (C++ prints) --
    into one temporary file, and silence warnings but those of :data:`VALUE_WARNING`, which are
    kept in ``warnings``.  With DSCOST_DEBUG=1 the text is replayed on stderr on exit."""

    def __enter__(self) -> Captured:
        self._stack = contextlib.ExitStack()
        self._file = self._stack.enter_context(tempfile.TemporaryFile(mode="w+b"))
        self._text = io.TextIOWrapper(self._file, encoding="utf-8", errors="replace", write_through=True)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        self._saved: list[tuple[int, int]] = []
        for fd in (1, 2):
            try:
                saved = os.dup(fd)
            except OSError:  # no such descriptor (a detached process)
                continue
            os.dup2(self._file.fileno(), fd)
            self._saved.append((fd, saved))
        self._stack.enter_context(contextlib.redirect_stdout(self._text))
        self._stack.enter_context(contextlib.redirect_stderr(self._text))
        import warnings

        self.warnings = self._stack.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("ignore")
        warnings.filterwarnings("always", message=VALUE_WARNING)  # (recorded: the trace read a tensor's value)
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):
            self._text.flush()
        for fd, saved in reversed(self._saved):
            os.dup2(saved, fd)
            os.close(saved)
        text = ""
        if debug():
            self._file.seek(0)
            text = self._file.read().decode("utf-8", "replace")
        self._text.detach()
        self._stack.close()
        if text:
            sys.stderr.write(text if text.endswith("\n") else text + "\n")


# --------------------------------------------------------------------------
# Targets


def value_note(recorded: list) -> str | None:
    """The note on the places where a trace read tensor values as Python numbers (torch's
    TracerWarning), or None: where those values decide a loop count or a branch, the graph -- and
    the count -- are those of the traced inputs' values."""
    import os

    # (torch.export's own check of a .pt2 program's input sizes reads them: not the model's code)
    checks = os.sep + os.path.join("torch", "_export") + os.sep
    # (iterating over a tensor reads only its first dimension's length, a shape the trace fixes anyway)
    read = [w for w in recorded if checks not in str(w.filename) and not str(w.message).startswith("Iterating over a tensor")]
    places = list(dict.fromkeys(f"{os.path.basename(w.filename)}:{w.lineno}" for w in read))
    if not places:
        return None
    shown = ", ".join(places[:3]) + (f" and {len(places) - 3} more" if len(places) > 3 else "")
    return (f"the trace read tensor values as Python numbers at {len(places)} place(s) ({shown}): where those values decide a loop count or a "
            "branch, the graph and the counts are those of the traced inputs' values (torch: the trace might be incorrect for other values)")


class _ProcessState:
    """What a model's code may set for the whole process while dscost runs it, as it was before:
    torch's default dtype (float32 when torch was not imported yet), its CPU random generator's
    state (a factory's random init draws from it: an API caller's seeded sequence goes on as if
    dscost had not run), and the SIGINT handler (Ctrl-C must still stop dscost)."""

    def __init__(self):
        import signal

        torch = sys.modules.get("torch")
        self.dtype = torch.get_default_dtype() if torch is not None else None
        self.rng = torch.random.get_rng_state() if torch is not None else None
        self.sigint = signal.getsignal(signal.SIGINT)

    def restore(self) -> None:
        import signal
        import threading

        torch = sys.modules.get("torch")
        try:
            if torch is not None:
                torch.set_default_dtype(self.dtype or torch.float32)
                if self.rng is not None:
                    torch.random.set_rng_state(self.rng)
            if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is not self.sigint and self.sigint is not None:
                signal.signal(signal.SIGINT, self.sigint)
        except Exception:  # (a torch without these, a handler that cannot be set: left as the code made it)
            pass


class _OsExit(BaseException):
    """``os._exit`` called by a model's code in dscost's own process (a BaseException, as SystemExit:
    an ``except Exception`` of the model's does not swallow it)."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


@contextlib.contextmanager
def guarded(label: str):
    """User code (a factory, a forward, a file's loader) as one step of dscost: a ``sys.exit`` or
    ``os._exit`` in it is an error naming ``label``, not dscost's own exit (a budget check ending 0
    with nothing checked or printed), and a working directory it changed is restored (``-o`` stays
    where the user meant).  A process the model's code forks still exits by ``os._exit`` itself.
    What else the code sets for the whole process is put back too (:class:`_ProcessState`): torch's
    default dtype, its random generator's state, the Ctrl-C handler."""
    cwd, pid, real_exit, state = os.getcwd(), os.getpid(), os._exit, _ProcessState()

    def _exit(code: int = 0):
        if os.getpid() != pid:  # (a child the model's code forked: its own end)
            real_exit(code)
        raise _OsExit(code)

    os._exit = _exit
    try:
        yield
    except SystemExit as err:
        raise InputError(f"{label}: the model's code called sys.exit({err.code!r}) while dscost ran it (building, a forward or the export)") from None
    except _OsExit as err:
        raise InputError(f"{label}: the model's code called os._exit({err.code!r}) while dscost ran it (building, a forward or the export)") from None
    finally:
        os._exit = real_exit
        state.restore()
        try:
            if os.getcwd() != cwd:
                os.chdir(cwd)
        except OSError:  # (the folder it left was removed: stay where it is)
            pass
