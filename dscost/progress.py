"""A progress bar on stderr for long work, shown only on a terminal.

``Progress(enabled, total, label)``: with ``enabled`` false (piped stderr,
``--quiet``, small jobs) every method does nothing and Rich is never imported.
"""

from __future__ import annotations

import sys


class Progress:
    def __init__(self, enabled: bool, total: int | None, label: str):
        self.bar = None
        if not enabled or not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn

        self.bar = RichProgress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True,
        )  # fmt: skip
        self.bar.start()
        self.task = self.bar.add_task(label, total=total)

    def stage(self, label: str, total: int | None = None, completed: int | None = None) -> None:
        if self.bar:
            kw = {} if total is None else {"total": total}
            if completed is not None:
                kw["completed"] = completed
            self.bar.update(self.task, description=label, **kw)

    def advance(self, n: int = 1) -> None:
        if self.bar:
            self.bar.advance(self.task, n)

    def close(self) -> None:
        if self.bar:
            self.bar.stop()
            self.bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
