"""Run work that can hang or exhaust memory -- onnxruntime sessions on a user's model -- in a
child process with a wall-clock limit and a memory limit.

``run(fn, *args, timeout_s=..., memory_bytes=..., label=...)`` starts a fresh interpreter
(``multiprocessing`` "spawn": no state shared with the parent), limits its address space
(``RLIMIT_AS``, where the platform has it), calls ``fn(*args)`` there and returns its
result.  A child that does not finish in time is killed; one that runs out of memory, dies
on a signal or raises is reported in one line naming ``label``.  ``fn`` must be a
module-level function and its arguments and result picklable.
"""

from __future__ import annotations

from typing import Any, Callable

from dscost.errors import InputError

ADDRESS_SPACE_HEADROOM = 3 << 30  # interpreter, numpy, onnxruntime code and thread stacks


def run(fn: Callable, *args: Any, timeout_s: float, memory_bytes: int | None, label: str, limit_flag: str | None = "--max-memory",
        timeout_flag: str | None = "--timeout", process: str = "the onnxruntime process") -> Any:  # fmt: skip
    import multiprocessing as mp

    from dscost.units import nbytes

    ctx = mp.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    limit = memory_bytes + ADDRESS_SPACE_HEADROOM if memory_bytes else None
    proc = ctx.Process(target=_child, args=(sender, fn, args, limit), daemon=True)
    proc.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise InputError(f"{label}: did not finish within {timeout_s:g} s and was stopped (a run that never ends, or a slow model"
                             + (f": {timeout_flag} raises the limit)" if timeout_flag else ")"))  # fmt: skip
        try:
            status, value = receiver.recv()
        except EOFError:
            proc.join(5)
            code = proc.exitcode
            how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited with code {code}"
            raise InputError(f"{label}: {process} {how} (out of memory? the limit is {nbytes(memory_bytes or 0)}"
                             + (f"; {limit_flag} raises it)" if limit_flag else ")")) from None  # fmt: skip
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    if status == "ok":
        return value
    if status == "memory":
        raise InputError(f"{label}: ran out of its memory limit ({nbytes(memory_bytes or 0)} of tensors)" + (f"; {limit_flag} raises it" if limit_flag else ""))
    raise InputError(value if status == "input" else f"{label}: {value}")


def _child(sender, fn: Callable, args: tuple, limit: int | None) -> None:
    if limit:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, ValueError, OSError):  # not on this platform: the timeout still holds
            pass
    try:
        result = ("ok", fn(*args))
    except InputError as err:
        result = ("input", str(err))
    except MemoryError:
        result = ("memory", "")
    except Exception as err:  # one line, as the CLI prints every error
        from dscost.errors import internal_error_line

        result = ("error", internal_error_line(err))
    try:
        sender.send(result)
    except MemoryError:
        sender.send(("memory", ""))
    finally:
        sender.close()
