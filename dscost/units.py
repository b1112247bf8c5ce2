"""How numbers are written: counts, percentages, shapes, ratios, times and bytes.

Pure functions of the standard library, shared by the reports and by the
readers' notes.  Bytes are written in decimal units (1 kB = 1000 B, 1 MB =
10^6 B), as disk sizes and bandwidths are quoted; :func:`nbytes` is the one
byte formatter.
"""

from __future__ import annotations

from typing import Sequence


def human(n: float) -> str:
    """231211008 -> '231.2M', 4209088 -> '4.21M', 18432 -> '18.4K', 288 -> '288'."""
    sign = "-" if n < 0 else ""
    v = abs(n)
    if v < 1000:
        return f"{sign}{v:,.0f}" if float(v).is_integer() else f"{sign}{v:.2f}"
    if v < 1000**6:
        x = v
        for unit in ("K", "M", "G", "T", "P"):
            x /= 1000
            text = f"{x:.2f}" if x < 10 else f"{x:.1f}"
            if text == "10.00":  # (9,999: 10.0K, not 10.00K)
                text = "10.0"
            if float(text) < 1000:  # (999,950 rounds to the next unit: 1.00M, not 1000.0K)
                return f"{sign}{text}{unit}"
    from decimal import Decimal  # beyond 999.9P: scientific notation, via Decimal (exact for ints, no float overflow)

    return f"{sign}{Decimal(v):.3g}"


def nbytes(n: float) -> str:
    """Decimal byte units: 1,851,392 -> '1.85MB', 999 -> '999B'."""
    return human(n) + "B" if n >= 1000 else f"{n:,.0f}B"


def pct(part: float, whole: float) -> str:
    """'12.34%'; '-' when the whole is zero."""
    return f"{100 * part / whole:.2f}%" if whole else "-"


def dims(shape: Sequence[int] | None) -> str:
    """(1, 3, 224, 224) -> '1x3x224x224'; '-' for an empty or unknown shape."""
    return "x".join(map(str, shape)) if shape else "-"


def plural(count: int, noun: str) -> str:
    """'1 standard conv', '13 dw+pw blocks'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def factor(new: int, old: int) -> str:
    """'0.13x' style ratio new/old; '-' when old is zero."""
    return f"{new / old:.2f}x" if old else "-"


def times(v: float | None) -> str:
    """A speedup: '2.27x'; '-' for None."""
    return "-" if v is None else f"{v:.2f}x"


def faster_or_slower(speedup: float) -> str:
    """'1.33x faster', or for a speedup below 1 '1.33x slower' (0.75x faster reads as neither)."""
    return f"{times(speedup)} faster" if speedup >= 1 else f"{times(1 / speedup)} slower" if speedup > 0 else "-"


def ms(v: float | None) -> str:
    """Milliseconds with 3 significant-ish digits ('6.40 ms', '57 us'); '-' for None."""
    if v is None:
        return "-"
    if v >= 100:
        return f"{v:,.0f} ms"
    if v >= 10:
        return f"{v:.1f} ms"
    if v >= 0.1:
        return f"{v:.2f} ms"
    return f"{v * 1000:.0f} us"


def seconds(v: float | None) -> str:
    """Seconds, written as :func:`ms` does."""
    return "-" if v is None else ms(v * 1000)


_CONTROL = {i: f"\\x{i:02x}" for i in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_CONTROL.update({0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x2028: "\\u2028", 0x2029: "\\u2029"})
# the invisible ones that reorder or hide text where it is shown (bidirectional overrides and
# isolates, zero-width spaces and joiners, the byte order mark), and the non-characters XML refuses
_CONTROL.update({i: f"\\u{i:04x}" for i in (0x061C, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF, 0xFFFE, 0xFFFF)})


def clean(text: str) -> str:
    """``text`` on one line with no control characters: newlines, escape sequences (ANSI
    colours, terminal titles) and other C0/C1 controls are written as visible escapes
    (``\\n``, ``\\x1b``), so a name from a file can neither break a line (a GitHub
    workflow command, the one-line error rule) nor drive the terminal."""
    return text.translate(_CONTROL) if not text.isprintable() else text


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: 2 for a wide (East Asian) character or emoji, 0 for a
    combining mark or zero-width format character, 1 for the rest (what Rich's ``cell_len``
    measures, without importing Rich)."""
    if text.isascii():
        return len(text)
    from unicodedata import category, east_asian_width

    return sum(0 if category(c) in ("Mn", "Me", "Cf") else 2 if east_asian_width(c) in ("W", "F") else 1 for c in text)


def cut_to_width(text: str, width: int, end: bool = False) -> str:
    """The longest start (``end``: end) of ``text`` that takes at most ``width`` cells."""
    if cell_width(text) <= width:
        return text
    chars, used = [], 0
    for c in reversed(text) if end else text:
        w = cell_width(c)
        if used + w > width:
            break
        chars.append(c)
        used += w
    return "".join(reversed(chars) if end else chars)


def csv_cell(text: str) -> str:
    """A text cell of a CSV report: :func:`clean`, and a quote mark before a leading ``=``, ``+``
    or ``@``, which a spreadsheet would run as a formula (``=HYPERLINK(...)`` as a layer name),
    and before a leading ``::``, which GitHub Actions would run as a workflow command."""
    text = clean(text)
    return "'" + text if text[:1] in ("=", "+", "@") or text.lstrip()[:2] == "::" else text
