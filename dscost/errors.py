"""The one exception type for bad input.

Readers and validators raise :class:`InputError` with a message that already
names the file and the field, layer or node; the CLI prints it on one line and
exits with code 2.  Nothing else should reach the user as a traceback.
"""


class InputError(Exception):
    """Bad input from the user (file, field, flag).  ``str(err)`` is the whole one-line message."""


def message(e: BaseException) -> str:
    """``str(e)``, or what stands for it when the exception's own ``__str__`` fails (a user's
    exception class, run by dscost's error reporting: that must not fail in turn)."""
    try:
        return str(e)
    except Exception as inner:  # (any: the message is the user's code)
        return f"(its message could not be read: {type(inner).__name__})"


def internal_error_line(e: BaseException) -> str:
    """One line for an unexpected exception: its type, message and innermost place."""
    import os

    from dscost.units import clean

    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}" if tb is not None else ""
    return f"internal error: {type(e).__name__}: {clean(message(e))}{where} (set DSCOST_DEBUG=1 for a traceback)"


def silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so nothing more is written to a closed pipe or a full disk
    (not even Python's own flush at exit)."""
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
    except OSError:
        pass
    sys.stdout = open(os.devnull, "w")


def report_written() -> None:
    """Point file descriptor 1 at stderr once the report is written and flushed: what runs later
    (a PyTorch target's ``atexit`` handlers, its threads) prints to stderr, not after the JSON."""
    import os
    import sys

    try:
        os.dup2(sys.stderr.fileno(), 1)
        sys.stdout = sys.stderr
    except (OSError, ValueError, AttributeError):  # (no stderr to point at: leave stdout as it is)
        pass


def buffered_stdout() -> None:
    """Give stdout a buffered layer when it has none (``PYTHONUNBUFFERED=1``, ``python -u``: common
    in containers).  There, the text layer writes straight to the file and ignores a short write:
    what a reader gone (``| head``) or a disk filling up midway did not take is dropped without an
    error, and the run would end 0.  A buffered writer retries the rest and raises."""
    import io
    import sys

    out = sys.stdout
    if isinstance(getattr(out, "buffer", None), io.FileIO) and out is sys.__stdout__:
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(out.buffer), encoding=out.encoding, errors="replace",
                                      line_buffering=out.isatty())  # fmt: skip
