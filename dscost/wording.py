"""Messages in the caller's terms.

The readers and option parsers word what they say with the command line's flags (``--input-shape
x=1x3x224x224``, ``--dim seq=128``, ``--dtype``).  The Python API and budget files name the same
options otherwise (``input_shape={'x': (1, 3, 224, 224)}``; ``input_shapes: {x: [1, 3, 224,
224]}``): :func:`api_terms` and :func:`budget_terms` put a message in their words, at the one
place each of them raises it.  Text between backticks (a command to run) keeps its flags.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# flag -> (API name, budget file key); None: that caller has no such option (the flag is kept)
_NAMES: dict[str, tuple[str | None, str | None]] = {
    "--input-shape's :DTYPE": ("input_dtypes", "input_dtypes"),
    "--width-multiplier/--resolution/--input-shape": ("width/resolution/input_shape", "width/resolution/input_shapes"),
    "--width-multiplier/--resolution": ("width/resolution", "width/resolution"),
    "--peak-gmacs/--bandwidth-gbs": (None, None),
    "--kwargs/--arg apply": ("kwargs applies", "kwargs applies"),
    "--kwargs/--arg": ("kwargs", "kwargs"),
    "--input-shape": ("input_shape", "input_shapes"),
    "--input-value": ("input_values", "input_values"),
    "--dim": ("dims", "dims"),
    "--width-multiplier": ("width", "width"),
    "--resolution": ("resolution", "resolution"),
    "--kwargs": ("kwargs", "kwargs"),
    "--arg": ("kwargs", "kwargs"),
    "--measure-sizes": ("measure_sizes=True", "measure_sizes: true"),
    "--meta": ("meta=True", "meta: true"),
    "--strict": ("strict=True", None),
    "--flops": ("flops=True", "convention: flops"),
    "--dtype": ("dtype", "dtype"),
    "--hardware": ("hardware", None),
    "--depth": ("depth", None),
    "--budget": ("budget", None),
    **{f"--max-{k}": (f"max_{k.replace('-', '_')}", f"max_{k.replace('-', '_')}")
       for k in ("macs", "params", "weight-bytes", "peak-activation-bytes", "layer-macs", "standard-conv-share", "remaining-savings")},
}
_EDGE = r"(?<![\w/-])"  # (a flag starts a word: not inside a path or a name such as x--dim.onnx)
_FLAG = re.compile(_EDGE + "(" + "|".join(re.escape(f) for f in sorted(_NAMES, key=len, reverse=True)) + r")(?![\w-])")
# a flag with its value: --input-shape x=1x3x224x224[:int64], --dim seq=128, --input-value flag=N; --input-shape 1x3x224x224
_PAIR = re.compile(_EDGE + r"--(input-shape|dim|input-value) (?:([^\s=,;()'\"]+)=)?([\w?]+(?::\w+)?)(?![\w=])")
_API_DROPS = re.compile(r",? or (?:give )?--peak-gmacs and --bandwidth-gbs")  # (no API argument takes them: hardware= names a preset)


def _shape(value: str) -> list[str] | None:
    """The sizes of ``1x3x224x224`` (None when some part is not a size)."""
    parts = value.split("x")
    return parts if all(p.isdigit() for p in parts) else None


def _api_pair(m: re.Match) -> str:
    flag, name, value = m.groups()
    if flag != "input-shape":
        return f"{_NAMES['--' + flag][0]}={{{name!r}: {value}}}" if name else m.group(0)
    sizes = _shape(value.partition(":")[0])
    if not name and not sizes:  # (--input-shape of its own: the flag alone)
        return m.group(0)
    shape = f"({', '.join(sizes)})" if sizes and value == value.partition(":")[0] else repr(value)
    return f"input_shape={{{name!r}: {shape}}}" if name else f"input_shape={shape}"


def _budget_pair(m: re.Match) -> str:
    flag, name, value = m.groups()
    if flag != "input-shape":
        return f"{_NAMES['--' + flag][1]}: {{{name}: {value}}}" if name else m.group(0)
    value, _, dtype = value.partition(":")
    sizes = _shape(value)
    if not name and not sizes:
        return m.group(0)
    shape = f"[{', '.join(sizes)}]" if sizes else value
    typed = (f", input_dtypes: {{{name}: {dtype}}}" if name else f", input_dtypes: {dtype}") if dtype else ""
    return (f"input_shapes: {{{name}: {shape}}}" if name else f"input_shapes: {shape}") + typed


def _reword(text: str, column: int, pair: Callable[[re.Match], str], drops: re.Pattern | None) -> str:
    def words(part: str) -> str:
        if drops is not None:
            part = drops.sub("", part)
        part = _PAIR.sub(pair, part)
        return _FLAG.sub(lambda m: _NAMES[m.group(1)][column] or m.group(1), part)

    parts = text.split("`")  # (odd parts are between backticks: a command, kept as written)
    return "`".join(p if i % 2 else words(p) for i, p in enumerate(parts))


def api_terms(text: str) -> str:
    """``text`` with the options named as :mod:`dscost.api`'s arguments."""
    return _reword(text, 0, _api_pair, _API_DROPS) if "--" in text else text


def budget_terms(text: str) -> str:
    """``text`` with the options named as a budget file's keys."""
    return _reword(text, 1, _budget_pair, None) if "--" in text else text
