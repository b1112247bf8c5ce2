"""Run work that can hang or exhaust memory -- onnxruntime sessions on a user's model -- in a
child process with a wall-clock limit and a memory limit.

``run(fn, *args, timeout_s=..., memory_bytes=..., label=...)`` starts a fresh interpreter
(``python -c``, no state shared with the parent), which limits its own address space
(``RLIMIT_AS``, where the platform has it), calls ``fn(*args)`` and returns its result.  A
child that does not finish in time is killed; one that runs out of memory, dies on a signal or
raises is reported in one line naming ``label``.  ``fn`` must be a module-level function and its
arguments and result picklable; they go through the child's stdin and stdout.  Not
``multiprocessing``: its "spawn" child imports the caller's main script again, which breaks a
user's script that calls dscost without an ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

from typing import Any, Callable

from dscost.errors import InputError

ADDRESS_SPACE_HEADROOM = 3 << 30  # interpreter, numpy, onnxruntime code and thread stacks
PATH_VARIABLE = "DSCOST_SANDBOX_PATH"
CHILD = f"import json, os, sys; sys.path[:] = json.loads(os.environ.pop('{PATH_VARIABLE}')); import dscost.sandbox as s; s.child()"


def run(fn: Callable, *args: Any, timeout_s: float, memory_bytes: int | None, label: str, limit_flag: str | None = "--max-memory",
        timeout_flag: str | None = "--timeout", process: str = "the onnxruntime process") -> Any:  # fmt: skip
    import json
    import os
    import pickle
    import subprocess
    import sys

    from dscost.units import nbytes

    limit = memory_bytes + ADDRESS_SPACE_HEADROOM if memory_bytes else None
    payload = pickle.dumps((fn.__module__, fn.__qualname__, args, limit, os.getpid()), protocol=pickle.HIGHEST_PROTOCOL)  # (one copy of the arguments)
    env = {**os.environ, PATH_VARIABLE: json.dumps(sys.path)}  # (where dscost is: the parent's sys.path)
    proc = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    try:
        out, _ = proc.communicate(payload, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise InputError(f"{label}: did not finish within {timeout_s:g} s and was stopped (a run that never ends, or a slow model"
                         + (f": {timeout_flag} raises the limit)" if timeout_flag else ")")) from None  # fmt: skip
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    try:
        status, value = pickle.loads(out)
    except Exception:
        code = proc.returncode
        how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited with code {code}"
        raise InputError(f"{label}: {process} {how} (out of memory? the limit is {nbytes(memory_bytes or 0)}"
                         + (f"; {limit_flag} raises it)" if limit_flag else ")")) from None  # fmt: skip
    if status == "ok":
        return value
    if status == "memory":
        raise InputError(f"{label}: ran out of its memory limit ({nbytes(memory_bytes or 0)} of tensors)" + (f"; {limit_flag} raises it" if limit_flag else ""))
    raise InputError(value if status == "input" else f"{label}: {value}")


def _die_with(parent: int) -> None:
    """(In the child.)  Be killed when the parent dies (Linux: ``PR_SET_PDEATHSIG``): the parent
    holds the time limit, and a parent killed by a signal (a CI job cancelled, ``kill``) must not
    leave a run going on without one.  Exit at once when the parent is already gone."""
    import os

    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # (PR_SET_PDEATHSIG)
    except (OSError, AttributeError, ImportError):  # not Linux: the parent's timeout holds while it lives
        pass
    if os.getppid() != parent:
        os._exit(1)


def child() -> None:
    """(The child's main.)  Reads the work from stdin, writes ``(status, value)`` to stdout:
    ``ok`` and the result, ``input`` and an InputError's line, ``memory``, or ``error`` and one line."""
    import os
    import pickle
    import sys

    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # (what the work prints goes to stderr, not into the result)
    try:
        module, name, args, limit, parent = pickle.load(sys.stdin.buffer)
        _die_with(parent)
        if limit:
            try:
                import resource

                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            except (ImportError, ValueError, OSError):  # not on this platform: the timeout still holds
                pass
        from importlib import import_module

        fn = import_module(module)
        for part in name.split("."):
            fn = getattr(fn, part)
        result = ("ok", fn(*args))
    except InputError as err:
        result = ("input", str(err))
    except MemoryError:
        result = ("memory", "")
    except Exception as err:  # one line, as the CLI prints every error
        from dscost.errors import internal_error_line

        result = ("error", internal_error_line(err))
    try:
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", ""))
    out.write(data)
    out.close()
