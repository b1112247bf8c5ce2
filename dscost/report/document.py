"""The document model every command's output is built from, and its emitters.

A command's renderer builds a :data:`Doc` -- a list of :class:`Text` lines and
:class:`Table` objects -- for the table and Markdown formats, a JSON-ready
object for ``json`` and a list of rows for ``csv``; :func:`emit` writes the one
format asked for (each is a zero-argument callable, so only that one is built).

* plain text: stdout not a TTY (aligned, never truncated, no escape codes);
* Rich: stdout a TTY (Rich is imported only here, so piped output and
  ``dscost compare`` stay fast; see benchmarks/startup.py);
* Markdown pipe tables; JSON (:func:`dumps`) with exact integers; CSV.

Nothing here knows about a particular command.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Sequence

from dscost.units import clean

# The output formats of every command; some commands add their own (check: junit, github).
FORMATS = ("table", "json", "csv", "markdown")
CHECK_FORMATS = FORMATS + ("junit", "github")
PASS_MARK, FAIL_MARK = "✓", "✗"
# Where the output stream cannot encode them (PYTHONIOENCODING=ascii, a cp1252 pipe), these
# characters are written in ASCII, so a pass or a failure is never lost to an encoding error.
_ASCII = {ord("✓"): "ok", ord("✗"): "FAIL", ord("Δ"): "delta", ord("…"): "...", ord("—"): "-", ord("–"): "-",
          ord("→"): "->", ord("×"): "x", ord("≤"): "<=", ord("≥"): ">="}  # fmt: skip
_ascii_only: bool | None = None


def _fit(text: str) -> str:
    """One line, no control characters (:func:`dscost.units.clean`), and ASCII where stdout is ASCII."""
    global _ascii_only
    text = clean(text)
    if text.isascii():
        return text
    if _ascii_only is None:
        enc = getattr(sys.stdout, "encoding", None) or "utf-8"
        try:
            "✓✗Δ…".encode(enc)
            _ascii_only = False
        except (UnicodeEncodeError, LookupError):
            _ascii_only = True
    return text.translate(_ASCII) if _ascii_only else text


class Text:
    """A line of text; ``style`` is "title", "heading", "note" or ""."""

    __slots__ = ("text", "style")

    def __init__(self, text: str, style: str = "") -> None:
        self.text, self.style = _fit(text), style


class Table:
    """A titled table of strings.  ``align``: one char per column, 'l' or 'r';
    default first column left, the others right."""

    __slots__ = ("title", "headers", "rows", "align", "notes")

    def __init__(self, title: str, headers: list[str], rows: list[list[str]], align: str = "", notes: list[str] | None = None) -> None:
        self.title, self.headers, self.align = _fit(title), [_fit(h) for h in headers], align
        self.rows = [[_fit(c) for c in r] for r in rows]  # names from files: no control characters, one line
        self.notes = [_fit(n) for n in notes or []]

    def aligns(self) -> str:
        a = self.align or "l" + "r" * (len(self.headers) - 1)
        return a.ljust(len(self.headers), "r")


Doc = list  # list[Text | Table]


def emit_plain(doc: Doc, out, ansi: bool = False) -> None:
    """Aligned plain text; with ``ansi``, titles and headers bold and notes dim
    (the light terminal renderer: no Rich import)."""

    def style(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if ansi and text else text

    blocks: list[str] = []
    prev_table = False
    for item in doc:
        if isinstance(item, Text):
            if item.style == "heading":
                blocks.append(f"\n{style(item.text, '1')}\n{'-' * len(item.text)}")
            else:
                code = {"title": "1", "note": "2"}.get(item.style, "")
                blocks.append(("\n" if prev_table else "") + (style(item.text, code) if code else item.text))
            prev_table = False
            continue
        prev_table = True
        widths = [len(h) for h in item.headers]
        for row in item.rows:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], len(cell))
        aligns = item.aligns()

        def line(cells: Sequence[str]) -> str:
            return "  ".join(c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(cells, widths, aligns)).rstrip()

        lines = [""]
        if item.title:
            lines.append(style(item.title, "1"))
        lines.append(style(line(item.headers), "1"))
        lines.append("  ".join("-" * w for w in widths))
        lines.extend(line(r) for r in item.rows)
        lines.extend(style(n, "2") for n in item.notes)
        blocks.append("\n".join(lines))
    out.write("\n".join(blocks) + "\n")


def emit_rich(doc: Doc, out) -> None:
    from rich import box
    from rich.console import Console
    from rich.measure import Measurement
    from rich.table import Table as RichTable
    from rich.text import Text as RichText

    console = Console(file=out, highlight=False, soft_wrap=False)
    styles = {"title": "bold", "heading": "bold underline", "note": "dim"}
    for item in doc:
        if isinstance(item, Text):
            if item.style == "heading":
                console.print()
            console.print(RichText(item.text, style=styles.get(item.style, "")))
            continue
        console.print()
        t = RichTable(
            title=RichText(item.title, style="bold") if item.title else None,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
        )
        for h, a in zip(item.headers, item.aligns()):
            t.add_column(h, justify="right" if a == "r" else "left", no_wrap=True)
        for row in item.rows:
            t.add_row(*(RichText(c) for c in row))
        # Never squeeze or truncate a cell: a table wider than the terminal is
        # printed at its natural width and the terminal wraps the lines.
        natural = Measurement.get(console, console.options.update(max_width=100_000), t).maximum
        wide = console if natural <= console.width else Console(file=out, highlight=False, width=natural)
        wide.print(t)
        for n in item.notes:
            console.print(RichText(n, style="dim"))


_MD_SPECIAL = {ord(c): "\\" + c for c in "\\|`*<"}


def _md_cell(s: str) -> str:
    """Markdown text: characters that end a table cell or open code, emphasis, HTML or a link
    (``](``) are escaped, so a name from a file renders as the name."""
    return s.translate(_MD_SPECIAL).replace("](", "]\\(")


def emit_markdown(doc: Doc, out) -> None:
    blocks: list[str] = []
    for item in doc:
        if isinstance(item, Text):
            text = _md_cell(item.text)
            if item.style == "title":
                blocks.append(f"## {text}")
            elif item.style == "heading":
                blocks.append(f"### {text}")
            else:
                blocks.append(text)
            continue
        lines = []
        if item.title:
            lines.append(f"**{item.title}**\n")
        lines.append("| " + " | ".join(map(_md_cell, item.headers)) + " |")
        lines.append("|" + "|".join("---:" if a == "r" else "---" for a in item.aligns()) + "|")
        lines.extend("| " + " | ".join(map(_md_cell, r)) + " |" for r in item.rows)
        for n in item.notes:
            lines.append("")
            lines.append(n)
        blocks.append("\n".join(lines))
    out.write("\n\n".join(blocks) + "\n")


def dumps(obj: Any, depth: int = 0) -> str:
    """JSON, readable and fast: the top two levels are indented, anything deeper
    (a layer, a shape) is written on one line by the C encoder -- so a 100k-layer
    report is 100k short json.dumps calls, not one slow pure-Python indent pass."""
    import json  # not at module level: `dscost compare` in a table skips it (start-up)

    pad, inner = "  " * depth, "  " * (depth + 1)
    if depth < 2 and isinstance(obj, dict) and obj:
        items = [f"{inner}{json.dumps(str(k))}: {dumps(v, depth + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if depth < 2 and isinstance(obj, (list, tuple)) and any(isinstance(x, (dict, list, tuple)) for x in obj):
        return "[\n" + ",\n".join(f"{inner}{dumps(x, depth + 1)}" for x in obj) + f"\n{pad}]"
    return json.dumps(obj, separators=(", ", ": "))


def emit(
    fmt: str,
    *,
    doc: Callable[[], Doc] | None = None,
    data: Callable[[], Any] | None = None,
    rows: Callable[[], list[list[Any]]] | None = None,
    out=None,
    rich: bool = True,
) -> None:
    """Write one result in format ``fmt``.  ``table`` uses Rich on a TTY and
    aligned plain text otherwise (never truncated, nothing to strip).  With
    ``rich=False`` (commands whose start-up time matters, like `compare`) a TTY
    gets the plain layout with ANSI bold/dim instead: importing Rich alone costs
    about half the start-up of a minimal Typer app.  NO_COLOR turns ANSI off."""
    out = out or sys.stdout
    if fmt == "json" and data is not None:
        out.write(dumps(data()) + "\n")
    elif fmt == "csv" and rows is not None:
        import csv

        # one record per line: a newline in a name would start a line of its own in a CI log
        csv.writer(out, lineterminator="\n").writerows([clean(c) if isinstance(c, str) else c for c in row] for row in rows())
    elif fmt == "markdown" and doc is not None:
        emit_markdown(doc(), out)
    elif fmt == "table" and doc is not None:
        if out.isatty() and rich:
            emit_rich(doc(), out)
        else:
            emit_plain(doc(), out, ansi=out.isatty() and not os.environ.get("NO_COLOR"))
    else:
        from dscost.errors import InputError

        raise InputError(f"--format {fmt} is not available for this command")

