"""Parsing of command-line option values: sizes like ``3x5``, ``NAME=1x3x224x224``, the reader
options of --width-multiplier/--resolution/--input-shape, roofline hardware, limits.  Each
error is an InputError naming the option.  No Typer here (the API can use these too)."""

from __future__ import annotations

from dscost.errors import InputError


def parse_dims(option: str, text: str, rank: int | None = None, minimum: int = 1) -> tuple[int, ...]:
    """'3' -> (3,) * rank, '3x5' -> (3, 5).  Every entry must be an int >= minimum."""
    parts = text.lower().replace("*", "x").split("x")
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        raise InputError(f"{option}: expected an integer or HxW like 3 or 3x5, got {text!r}") from None
    if any(v < minimum for v in values):
        raise InputError(f"{option}: every size must be >= {minimum}, got {text!r}")
    if rank is not None:
        if len(values) == 1:
            values = values * rank
        elif len(values) != rank:
            raise InputError(f"{option}: expected 1 or {rank} sizes to match the other options, got {text!r}")
    return values


def common_rank(*texts: str) -> int:
    ranks = {len(t.lower().replace("*", "x").split("x")) for t in texts} - {1}
    if len(ranks) > 1:
        raise InputError(f"--dk and --df have different numbers of dimensions: {' vs '.join(texts)}")
    return ranks.pop() if ranks else 2


def layer_geom(dk: str, m: int, n: int, df: str, stride: str, padding: str, dilation: str, bias: bool):
    """The conv of `compare`'s flags (same parsing and errors)."""
    from dscost import cost

    rank = common_rank(dk, df)
    kernel = parse_dims("--dk", dk, rank)
    spatial = parse_dims("--df", df, rank)
    strides = parse_dims("--stride", stride, rank)
    dilations = parse_dims("--dilation", dilation, rank)
    pad = padding.strip().lower()
    if pad not in ("same", "valid") and not pad.replace("x", "").isdigit():
        raise InputError(f"--padding: expected same, valid or pixels per side (1 or 1x2), got {padding!r}")
    pads = pad if pad in ("same", "valid") else parse_dims("--padding", pad, rank, minimum=0)
    try:
        return cost.make_conv_geom(kernel, m, n, spatial, strides, dilations, pads, bias=bias)
    except ValueError as e:
        raise InputError(f"{e}") from None


def parse_input_shape(text: str) -> tuple[str, tuple[int, ...]]:
    """'input=1x3x224x224' -> ('input', (1, 3, 224, 224))."""
    name, sep, shape = text.rpartition("=")
    if not sep or not name:
        raise InputError(f"--input-shape: expected NAME=1x3x224x224, got {text!r}")
    return name, parse_dims(f"--input-shape {name}", shape)


def load_options(width_multiplier: float | None = None, resolution: str | None = None, input_shape: list[str] | None = None) -> dict:
    """``readers.load()`` options of --width-multiplier/--resolution/--input-shape (None when not given)."""
    options: dict = {}
    if width_multiplier is not None:
        if not width_multiplier > 0:
            raise InputError(f"--width-multiplier: must be > 0, got {width_multiplier}")
        options["width"] = width_multiplier
    if resolution is not None:
        res = parse_dims("--resolution", resolution)
        if len(res) > 2:
            raise InputError(f"--resolution: expected R or HxW, got {resolution!r}")
        options["resolution"] = res[0] if len(res) == 1 else res
    if input_shape:
        options["input_shapes"] = dict(parse_input_shape(s) for s in input_shape)
    return options


def roofline_hardware(hardware: str | None, peak_gmacs: float | None, bandwidth_gbs: float | None, dtype: str | None, auto_local: bool = False):
    """(Hardware or None, dtype) from the roofline options; with ``auto_local`` a saved
    `bench --calibrate` profile is used when no hardware is named."""
    from dscost import roofline

    dt = roofline.check_dtype(dtype or "fp32")
    hw = roofline.resolve_hardware(hardware, peak_gmacs, bandwidth_gbs)
    if hw is None and auto_local and roofline.profile_path().exists():
        hw = roofline.load_local()
    return hw, dt


def limit_option(option: str, text: str | None, parse):
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError as e:
        raise InputError(f"{option}: {e}") from None


def run_limits(timeout: float, max_memory: str) -> dict:
    """``timeout_s`` and ``max_memory`` (bytes) of --timeout / --max-memory."""
    from dscost.gate import parse_quantity

    if not timeout > 0:
        raise InputError(f"--timeout {timeout:g}: must be a positive number of seconds")
    mem = limit_option("--max-memory", max_memory, lambda t: parse_quantity(t, byte_units=True))
    if not mem > 0:
        raise InputError(f"--max-memory {max_memory}: must be positive")
    return {"timeout_s": timeout, "max_memory": mem}
