"""The document model every command's output is built from, and its emitters.

A command's renderer builds a :data:`Doc` -- a list of :class:`Text` lines and
:class:`Table` objects -- for the table and Markdown formats, a JSON-ready
object for ``json`` and a list of rows for ``csv``; :func:`emit` writes the one
format asked for (each is a zero-argument callable, so only that one is built).

* plain text: stdout not a TTY (aligned, never truncated, every column, no escape codes);
* Rich: stdout a TTY (Rich is imported only here, so piped output and
  ``dscost compare`` stay fast; see benchmarks/startup.py).  On a terminal every
  table is fitted to its width (:func:`fit_columns`): columns are kept by priority,
  the name column is shortened in the middle (:mod:`dscost.report.names`), a prose
  column (a reason, a description) is wrapped onto continuation rows, and one note
  line says what was dropped and how to get it back.  ``NO_COLOR`` (any value)
  turns every escape code off, bold and dim included;
* Markdown pipe tables; JSON (:mod:`dscost.report.jsontext`) with exact integers; CSV.

Nothing here knows about a particular command.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Sequence

from dscost.report.jsontext import write_json
from dscost.report.names import shorten_cells
from dscost.units import cell_width, clean, csv_cell

# The output formats of every command; some commands add their own (check: junit, github).
FORMATS = ("table", "json", "csv", "markdown")
REPORT_FORMATS = FORMATS + ("html",)  # analyze, diff: also a self-contained HTML page (dscost.report.html)
CHECK_FORMATS = REPORT_FORMATS + ("junit", "github")
PASS_MARK, FAIL_MARK = "✓", "✗"
# Where the output stream cannot encode them (PYTHONIOENCODING=ascii, a cp1252 pipe), these
# characters are written in ASCII, so a pass or a failure is never lost to an encoding error.
_ASCII = {ord("✓"): "ok", ord("✗"): "FAIL", ord("Δ"): "delta", ord("…"): "...", ord("—"): "-", ord("–"): "-",
          ord("→"): "->", ord("×"): "x", ord("≤"): "<=", ord("≥"): ">=", ord("█"): "#",
          **{ord(c): "#" for c in "▏▎▍▌▋▊▉"}}  # fmt: skip
_ascii_only: bool | None = None


def _fit(text: str) -> str:
    """One line, no control characters (:func:`dscost.units.clean`), never a GitHub workflow
    command (a leading ``::``, after blanks, has its first colon written as the escape ``\\x3a``,
    as clean writes a control character: a layer named ``::error file=...`` starts a table
    row), and ASCII where stdout is ASCII."""
    global _ascii_only
    text = clean(text)
    if text.lstrip()[:2] == "::":
        text = text.replace("::", "\\x3a:", 1)
    if text.isascii():
        return text
    if _ascii_only is None:
        enc = getattr(sys.stdout, "encoding", None) or "utf-8"
        try:
            "✓✗Δ…▏█".encode(enc)
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
    default first column left, the others right.

    For fitting on a terminal: ``priority`` (one int per column, lower is kept first;
    default: left to right), ``shrink`` (the column that may be shortened in the middle,
    default the first), ``wrap`` (a prose column that is word-wrapped onto continuation rows
    rather than cut or dropped), ``spill`` (columns that, when they do not fit, are written
    as lines after the table, one per row, their cells joined by ``spill_sep``, instead of
    dropped: a formula) and ``hint`` (how to get dropped columns back)."""

    __slots__ = ("title", "headers", "rows", "align", "notes", "priority", "shrink", "hint", "wrap", "spill", "spill_sep")

    def __init__(
        self, title: str, headers: list[str], rows: list[list[str]], align: str = "", notes: list[str] | None = None,
        priority: list[int] | None = None, shrink: int | None = 0, hint: str = "", wrap: int | None = None, spill: tuple[int, ...] = (),
        spill_sep: str = "; ",
    ) -> None:  # fmt: skip
        self.title, self.headers, self.align = _fit(title), [_fit(h) for h in headers], align
        self.rows = [[_fit(c) for c in r] for r in rows]  # names from files: no control characters, one line
        self.notes = [_fit(n) for n in notes or []]
        self.priority, self.shrink, self.hint, self.wrap, self.spill, self.spill_sep = priority, shrink, hint, wrap, spill, spill_sep

    def aligns(self) -> str:
        a = self.align or "l" + "r" * (len(self.headers) - 1)
        return a.ljust(len(self.headers), "r")


Doc = list  # list[Text | Table]

# --------------------------------------------------------------------------
# Fitting a table to a terminal

SHRINK_MIN = 18  # a shortened name keeps at least this many characters
WRAP_MIN = 24  # a wrapped prose column keeps at least this many characters a line
MIN_WIDTH = 40  # narrower terminals are laid out for 40 columns (and wrap)
RICH_GAP = PLAIN_GAP = 2  # characters between two columns (Rich: right padding 1 + the box's blank divider)
DEFAULT_HINT = "pipe the output (| cat) or use --format markdown to see every column"
BAR_WIDTH = 8
_EIGHTHS = "▏▎▍▌▋▊▉"


def share_bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A bar of block characters, ``width`` cells for 1.0, in eighths of a cell; a non-zero
    share shorter than an eighth still shows one thin bar."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    if fraction > 0 and eighths == 0:
        eighths = 1
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest - 1] if rest else "")


class Column:
    """A candidate column for :func:`fit_columns`: cells plus what fitting needs."""

    __slots__ = ("key", "header", "cells", "align", "priority", "shrink", "alt_of", "values", "wrap", "wrap_at")

    def __init__(self, key: str, header: str, cells: list[str], align: str = "r", priority: float = 0, shrink: bool = False, alt_of: str | None = None, values: list | None = None,
                 wrap: bool = False) -> None:  # fmt: skip
        self.key, self.header, self.cells, self.align, self.priority, self.shrink, self.alt_of = key, header, cells, align, priority, shrink, alt_of
        self.values = values  # exact numbers behind the cells (None: text), for sorting in HTML
        self.wrap = wrap  # prose: word-wrapped rather than cut or dropped
        self.wrap_at: int | None = None  # set by fitting: the width its lines are wrapped at (fit_table makes the rows)

    @property
    def width(self) -> int:
        return max([cell_width(self.header), *map(cell_width, self.cells)])


def fit_columns(columns: list[Column], width: int | None, gap: int = RICH_GAP) -> tuple[list[Column], list[Column]]:
    """(kept, dropped): every primary column when the table fits in ``width`` (None: no
    limit); else the columns by priority while they fit (a shrinkable column counted at a third
    of the width, or less down to SHRINK_MIN if that is all there is; an ``alt_of`` column only
    when its primary was dropped), in table order.  A ``wrap`` column is counted at WRAP_MIN.
    The width left over goes to the shrinkable and wrap columns in table order, each taking
    what it still wants: a shrinkable column's cells are shortened to its width, a wrap
    column gets its ``wrap_at`` (the caller wraps its cells)."""
    primary = [c for c in columns if c.alt_of is None]
    if width is None or sum(c.width for c in primary) + gap * (len(primary) - 1) <= width:
        return primary, []
    kept: set[str] = set()
    used = -gap
    floor = max(SHRINK_MIN, width // 3)  # a shortened column keeps a third of the width
    reserved = {}
    for c in sorted(columns, key=lambda c: c.priority):
        if c.alt_of is not None and c.alt_of in kept:
            continue
        w = min(c.width, max(floor, len(c.header))) if c.shrink else min(c.width, max(WRAP_MIN, len(c.header))) if c.wrap else c.width
        if used + w + gap > width and c.shrink:
            w = max(min(c.width, max(SHRINK_MIN, len(c.header))), width - used - gap)
        if used + w + gap <= width:
            kept.add(c.key)
            reserved[c.key] = w
            used += w + gap
    out = [c for c in columns if c.key in kept]
    spare = width - used
    for c in out:  # (the width left over to the first of them that wants it, then the next)
        if (c.shrink or c.wrap) and reserved[c.key] < c.width:
            w = min(c.width, reserved[c.key] + spare)
            spare -= w - reserved[c.key]
            if c.wrap:
                c.wrap_at = w
            else:
                c.cells = shorten_cells(c.cells, w)
    dropped = [c for c in primary if c.key not in kept and not any(a.alt_of == c.key and a.key in kept for a in columns)]
    return out, dropped


def dropped_note(dropped: list[Column], width: int, hint: str) -> str:
    return f"{len(dropped)} column{'s' if len(dropped) != 1 else ''} hidden to fit {width} columns ({', '.join(c.header or c.key for c in dropped)}); {hint}"


def fit_table(table: Table, width: int, gap: int = RICH_GAP) -> list[Table | Text]:
    """``table`` fitted to ``width`` (:func:`fit_columns`), with a note naming what was dropped,
    and its ``spill`` columns that did not fit as a line per row after it."""
    aligns = table.aligns()
    prio = table.priority or list(range(len(table.headers)))
    cols = [
        Column(str(i), h, [r[i] if i < len(r) else "" for r in table.rows], aligns[i], prio[i], shrink=i == table.shrink, wrap=i == table.wrap)
        for i, h in enumerate(table.headers)
    ]
    original = {c.key: c.cells for c in cols}
    kept, dropped = fit_columns(cols, width, gap)
    wrapped = next((c for c in kept if c.wrap_at), None)
    if not dropped and wrapped is None and all(c.cells is original[c.key] for c in kept):
        return [table]
    spilled = [c for c in dropped if int(c.key) in table.spill]
    dropped = [c for c in dropped if c not in spilled]
    idx = [int(c.key) for c in kept]
    rows = []
    for j in range(len(table.rows)):
        row = [c.cells[j] for c in kept]
        if wrapped is None:
            rows.append(row)
            continue
        at = kept.index(wrapped)
        for k, piece in enumerate(_wrap(row[at], wrapped.wrap_at)):  # continuation rows: the other cells blank
            rows.append(row[:at] + [piece] + row[at + 1 :] if k == 0 else [""] * at + [piece] + [""] * (len(row) - at - 1))
    notes = list(table.notes) + ([dropped_note(dropped, width, table.hint or DEFAULT_HINT)] if dropped else [])
    lines = []
    if spilled:  # (a heading, a line per row; the next table begins with a blank line of its own)
        lines = [Text(table.spill_sep.join(c.header for c in spilled) + ":"), *(Text(f"  {r[0]}: " + table.spill_sep.join(r[int(c.key)] for c in spilled if r[int(c.key)]))
                 for r in table.rows)]  # fmt: skip
    return [Table(table.title, [table.headers[i] for i in idx], rows, "".join(aligns[i] for i in idx), notes, [prio[i] for i in idx], None, table.hint), *lines]


def fit_doc(doc: Doc, width: int, gap: int, wrap: bool = False) -> Doc:
    """Every table fitted to ``width``; with ``wrap`` long text lines and table notes are
    word-wrapped too, each continuation line indented (Rich's own wrapping would not)."""
    out: Doc = []
    for x in doc:
        if isinstance(x, Table):
            x, *lines = fit_table(x, width, gap)
            if wrap and any(len(n) > width for n in x.notes):
                x = Table(x.title, x.headers, x.rows, x.align, [w for n in x.notes for w in _wrap(n, width, hang=True)], x.priority, x.shrink, x.hint)
            out.append(x)
            out.extend(fit_doc(lines, width, gap, wrap))
        elif wrap and len(x.text) > width:
            out.extend(Text(w, x.style) for w in _wrap(x.text, width, hang=True))
        else:
            out.append(x)
    return out


def _wrap(text: str, width: int, hang: bool = False) -> list[str]:
    """``text`` word-wrapped at ``width``; with ``hang`` (a line of prose) its continuation lines
    indented two more than its own indent, so a wrapped line does not read as a line of its own."""
    import textwrap

    if not hang:
        return textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    body = text.lstrip(" ")
    lead = text[: len(text) - len(body)]
    return textwrap.wrap(body, width, initial_indent=lead, subsequent_indent=lead + "  ", break_on_hyphens=False) or [""]


def status(text: str, stream=None) -> None:
    """A line saying what was done (``wrote model.onnx (3 convs converted; ...)``) on stderr:
    word-wrapped to the terminal, each continuation line indented, when stderr is one; else one
    line.  (Error and warning lines stay one line everywhere: they are read by scripts too.)"""
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):  # (a closed or replaced stream)
        tty = False
    print("\n".join(_wrap(text, terminal_width(stream), hang=True)) if tty else text, file=stream)


def terminal_width(out) -> int:
    """Columns of the terminal ``out`` writes to ($COLUMNS first, as Rich does; 80 if unknown)."""
    cols = os.environ.get("COLUMNS", "")
    if cols.isdigit() and int(cols) > 0:
        return max(int(cols), MIN_WIDTH)
    try:
        width = os.get_terminal_size(out.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 80
    return max(width, MIN_WIDTH) if width > 0 else 80  # a pseudo-terminal of size 0x0 (scripts): 80


def color_allowed() -> bool:
    """False when NO_COLOR is set to anything non-empty (https://no-color.org)."""
    return not os.environ.get("NO_COLOR")


def writable_output(path: str | None) -> str | None:
    """``--output``, checked when the options are parsed (a Click callback), before any model is
    read: a folder, an existing file that is no regular file (``/dev/null``) or a path whose
    folder does not exist is an error then, not after minutes of export and counting."""
    if path is not None:
        import stat

        from dscost.errors import InputError

        if os.path.isdir(path):
            raise InputError(f"--output {path}: is a directory")
        if not path or path.endswith(("/", os.sep)):
            raise InputError(f"--output {path!r}: not a file name (leave -o out to write to standard output)")
        if os.path.exists(path) and not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError(f"--output {path}: exists and is not a regular file")
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise InputError(f"--output {path}: cannot write (folder {folder} does not exist)")
    return path


class output_file:
    """``--output FILE`` as a context manager: the report is written to a unique temp file beside
    ``FILE`` and renamed into place when it is complete (stdout, as None, without a path).  HTML
    is not written to a terminal; an existing FILE must be a regular file."""

    def __init__(self, path: str | None, fmt: str) -> None:
        self.path, self.fmt, self.file = path, fmt, None

    def __enter__(self):
        from dscost.errors import InputError

        if self.path is None:
            if self.fmt == "html" and sys.stdout.isatty():
                raise InputError("--format html writes a page: give -o report.html (or redirect stdout to a file)")
            return None
        writable_output(self.path)  # (again: the API writes through here too)
        from dscost.files import refuse_input_as_output, temp_beside

        refuse_input_as_output(self.path)
        try:
            fd, self.tmp = temp_beside(self.path)
            self.file = open(fd, "w", encoding="utf-8", newline="")
        except OSError as e:
            raise InputError(f"--output {self.path}: cannot write ({e.strerror})") from None
        return self.file

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.file is None:
            return
        from dscost.errors import InputError

        # a write that failed (a full disk: no file name in the error) names the report's file
        failed = exc if isinstance(exc, OSError) and exc.filename is None else None
        try:
            try:
                self.file.close()
            except OSError as e:
                failed = failed or e
            if exc_type is None and failed is None:
                os.replace(self.tmp, self.path)
                status(f"wrote {self.path}")
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)
        if failed is not None:
            raise InputError(f"--output {self.path}: cannot write ({failed.strerror or failed}); the file is left as it was") from None


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
                blocks.append(f"\n{style(item.text, '1')}\n{'-' * cell_width(item.text)}")
            else:
                code = {"title": "1", "note": "2"}.get(item.style, "")
                blocks.append(("\n" if prev_table else "") + (style(item.text, code) if code else item.text))
            prev_table = False
            continue
        prev_table = True
        widths = [cell_width(h) for h in item.headers]
        for row in item.rows:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], cell_width(cell))
        aligns = item.aligns()

        def line(cells: Sequence[str]) -> str:  # (padded by cells: a wide character takes two)
            return "  ".join(" " * (w - cell_width(c)) + c if a == "r" else c + " " * (w - cell_width(c)) for c, w, a in zip(cells, widths, aligns)).rstrip()

        lines = [""]
        if item.title:
            lines.append(style(item.title, "1"))
        lines.append(style(line(item.headers), "1"))
        lines.append("  ".join("-" * w for w in widths))
        lines.extend(line(r) for r in item.rows)
        lines.extend(style(n, "2") for n in item.notes)
        blocks.append("\n".join(lines))
    out.write("\n".join(blocks) + "\n")


def emit_rich(doc: Doc, out, width: int | None = None, color: bool = True) -> None:
    """Rich tables; with ``width`` every table is fitted to it first (:func:`fit_table`);
    ``color`` False writes no escape code at all (NO_COLOR)."""
    from rich import box
    from rich.console import Console
    from rich.measure import Measurement
    from rich.table import Table as RichTable
    from rich.text import Text as RichText

    kw = {} if color else {"color_system": None}
    console = Console(file=out, highlight=False, soft_wrap=False, width=width, **kw)
    if width is not None:  # (prose and notes wrapped here too: a continuation line indented, as the plain renderer's)
        doc = fit_doc(doc, width, RICH_GAP, wrap=True)
    styles = {"title": "bold", "heading": "bold underline", "note": "dim"}
    for item in doc:
        if isinstance(item, Text):
            if item.style == "heading":
                console.print()
            console.print(RichText(item.text, style=styles.get(item.style, "")))
            continue
        console.print()
        if item.title:  # a line of its own: as a table title Rich would wrap it to the table's width
            console.print(RichText(item.title, style="bold"))
        t = RichTable(
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            padding=(0, 1, 0, 0),
        )
        for h, a in zip(item.headers, item.aligns()):
            t.add_column(h, justify="right" if a == "r" else "left", no_wrap=True)
        for row in item.rows:
            t.add_row(*(RichText(c) for c in row))
        # Never let Rich squeeze or fold a cell: a table still wider than the terminal
        # (fitting was not asked for) is printed at its natural width.
        natural = Measurement.get(console, console.options.update(max_width=100_000), t).maximum
        wide = console if natural <= console.width else Console(file=out, highlight=False, width=natural, **kw)
        wide.print(t)
        for n in item.notes:
            console.print(RichText(n, style="dim"))


_MD_SPECIAL = {ord(c): "\\" + c for c in "\\|`*<"}


def _md_cell(s: str) -> str:
    """Markdown text: characters that end a table cell or open emphasis, HTML or a link (``](``)
    are escaped, so a name from a file renders as the name; text between a pair of backticks
    stays a code span (inert: no HTML, no link), with only its ``|`` escaped (a GFM cell ends at it)."""
    if s.count("`") < 2:
        return s.translate(_MD_SPECIAL).replace("](", "]\\(")
    import re

    parts = re.split(r"(`[^`]+`)", s)
    return "".join(part.replace("|", "\\|") if i % 2 else _md_cell(part) for i, part in enumerate(parts))


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




def emit(
    fmt: str,
    *,
    doc: Callable[[], Doc] | None = None,
    data: Callable[[], Any] | None = None,
    rows: Callable[[], list[list[Any]]] | None = None,
    out=None,
    rich: bool = True,
    terminal: Callable[[int], Doc] | None = None,
) -> None:
    """Write one result in format ``fmt``.  ``table`` uses Rich on a TTY and
    aligned plain text otherwise (never truncated, nothing to strip).  With
    ``rich=False`` (commands whose start-up time matters, like `compare`) a TTY
    gets the plain layout with ANSI bold/dim instead: importing Rich alone costs
    about half the start-up of a minimal Typer app.  NO_COLOR turns every escape
    code off.  On a TTY, ``terminal(width)`` (if given) builds the document instead
    of ``doc`` -- a command's terminal layout -- and every table is fitted to the width."""
    out = out or sys.stdout
    if fmt == "json" and data is not None:
        write_json(data(), out)
        out.write("\n")
    elif fmt == "csv" and rows is not None:
        import csv

        # one record per line: a newline in a name would start a line of its own in a CI log
        csv.writer(out, lineterminator="\n").writerows([csv_cell(c) if isinstance(c, str) else c for c in row] for row in rows())
    elif fmt == "markdown" and doc is not None:
        emit_markdown(doc(), out)
    elif fmt == "table" and doc is not None:
        if not out.isatty():
            emit_plain(doc(), out)
            return
        width = terminal_width(out)
        d = terminal(width) if terminal is not None else doc()
        if rich:
            emit_rich(d, out, width=width, color=color_allowed())
        else:
            emit_plain(fit_doc(d, width, PLAIN_GAP, wrap=True), out, ansi=color_allowed())
    else:
        from dscost.errors import InputError

        raise InputError(f"--format {fmt} is not available for this command")

