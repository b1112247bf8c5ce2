"""JSON text of a report, readable and fast: the top two levels indented, anything deeper (a
layer, a shape) one line by the C encoder, written piece by piece (a 100k-layer report)."""

from __future__ import annotations

from typing import Any


def dumps(obj: Any, depth: int = 0) -> str:
    """JSON, readable and fast: the top two levels are indented, anything deeper (a layer, a
    shape) is written on one line by the C encoder (see :func:`write_json`)."""
    import io

    buf = io.StringIO()
    write_json(obj, buf, depth)
    return buf.getvalue()


class Encoded(str):
    """A value already encoded as one line of JSON (what ``json.dumps`` writes): written as is."""


def write_json(obj: Any, out, depth: int = 0) -> None:
    """Write ``obj`` as :func:`dumps` formats it, piece by piece: a 100k-layer report is 100k short
    C-encoded lines written as they come (a generator of layers is never held as a list)."""
    import json  # not at module level: `dscost compare` in a table skips it (start-up)

    if obj.__class__ is Encoded:
        out.write(obj)
        return
    pad, inner = "  " * depth, "  " * (depth + 1)
    if depth < 2 and isinstance(obj, dict) and obj:
        out.write("{\n")
        for i, (k, v) in enumerate(obj.items()):
            out.write(f"{',' if i else ''}\n{inner}" if i else inner)
            out.write(json.dumps(str(k)) + ": ")
            write_json(v, out, depth + 1)
        out.write(f"\n{pad}}}")
        return
    if depth < 2 and not isinstance(obj, (str, bytes, dict)) and hasattr(obj, "__iter__"):
        items = iter(obj)
        first = next(items, _END)
        if first is _END:
            out.write("[]")
            return
        if not isinstance(first, (dict, list, tuple, Encoded)):
            out.write(json.dumps([first, *items]))
            return
        out.write(f"[\n{inner}")
        write_json(first, out, depth + 1)
        if depth + 1 < 2:
            for x in items:
                out.write(f",\n{inner}")
                write_json(x, out, depth + 1)
        else:  # each item on one line by the C encoder: written in chunks (a 100k-layer list)
            sep, encode, chunk = f",\n{inner}", json.dumps, []
            for x in items:
                chunk.append(x if x.__class__ is Encoded else encode(x))
                if len(chunk) == 1000:
                    out.write(sep + sep.join(chunk))
                    chunk = []
            if chunk:
                out.write(sep + sep.join(chunk))
        out.write(f"\n{pad}]")
        return
    out.write(json.dumps(obj))  # the C encoder, separators ", " and ": "


_END = object()
