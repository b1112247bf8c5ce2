"""A progress bar on stderr for long work, shown only on a terminal.

``Progress(enabled, total, label)``: with ``enabled`` false (piped stderr,
``--quiet``, small jobs) every method does nothing and Rich is never imported.
``Progress(..., steps=False)`` is a status line (a spinner, the stage, the time) for work
whose steps are not counted, written to its own copy of the terminal's descriptor, so that
it still shows while the process's stderr is redirected (the PyTorch reader's export).
"""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext


class Progress:
    def __init__(self, enabled: bool, total: int | None, label: str, steps: bool = True):
        self.bar = self._stream = None
        self._refresh = not steps  # (a status line shows each stage as it starts, however short)
        if not enabled or not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, SpinnerColumn, TextColumn, TimeElapsedColumn

        if steps:
            columns, console, redirect = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()), Console(stderr=True), True
        else:
            try:
                self._stream = os.fdopen(os.dup(sys.stderr.fileno()), "w", encoding="utf-8", errors="replace")
            except (AttributeError, OSError, ValueError):  # (a stderr object with no descriptor: written to as it is)
                self._stream = None
            columns, console, redirect = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()), Console(file=self._stream or sys.stderr), False
        self.bar = RichProgress(*columns, console=console, transient=True, redirect_stdout=redirect, redirect_stderr=redirect)
        self.bar.start()
        self.task = self.bar.add_task(label, total=total)

    def stage(self, label: str, total: int | None = None, completed: int | None = None) -> None:
        if self.bar:
            kw = {} if total is None else {"total": total}
            if completed is not None:
                kw["completed"] = completed
            self.bar.update(self.task, description=label, refresh=self._refresh, **kw)

    def advance(self, n: int = 1) -> None:
        if self.bar:
            self.bar.advance(self.task, n)

    def close(self) -> None:
        if self.bar:
            self.bar.stop()
            self.bar = None
        if self._stream:
            self._stream.close()
            self._stream = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress_bar(progress, label: str, steps: bool = True):
    """A context manager for the progress of some work: ``progress`` is a bool (show a bar on a
    terminal) or a bar already shown by the caller (left open)."""
    if isinstance(progress, Progress):
        return nullcontext(progress)
    return Progress(bool(progress), None, label, steps)
