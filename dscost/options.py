"""Parsing of command-line option values: sizes like ``3x5``, ``NAME=1x3x224x224``, the reader
options of --width-multiplier/--resolution/--input-shape/--kwargs/--arg, roofline hardware,
limits.  Each error is an InputError naming the option.  No Typer here: the Python API
(:mod:`dscost.api`) parses its arguments with the same functions, which also take Python values
(``3``, ``(3, 5)``) and name the option by the label they are given (``dk`` instead of ``--dk``)."""

from __future__ import annotations

from numbers import Integral

from dscost.errors import InputError


DIM_MAX = 2**31 - 1  # a size past int32 is a typo (as in specs: dscost.spec)


def _is_int(v: object) -> bool:
    """An integer -- numpy's too (``np.int64(32)``: numbers.Integral; the callers take it as Python's int) -- but not a bool."""
    return isinstance(v, Integral) and not isinstance(v, bool)


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` for an error message, cut in the middle past ``limit`` characters (a value
    of 5,000 digits made a 5 KB error line)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit // 2]}...{text[-(limit // 2) :]} ({len(text)} characters)"


def parse_dims(option: str, text: str | int | tuple[int, ...] | list[int], rank: int | None = None, minimum: int = 1,
               like: str = "an integer or HxW like 3 or 3x5") -> tuple[int, ...]:
    """'3' or 3 -> (3,) * rank, '3x5' or (3, 5) -> (3, 5).  Every entry must be an int >= minimum;
    ``like`` says what was expected."""
    if isinstance(text, str):
        parts = text.lower().replace("*", "x").split("x")
        try:
            values = tuple(int(p) for p in parts)
        except ValueError:
            raise InputError(f"{option}: expected {like}, got {shown(text)}") from None
    elif _is_int(text):
        values = (int(text),)
    elif isinstance(text, (tuple, list)) and text and all(_is_int(v) for v in text):
        values = tuple(int(v) for v in text)
    else:
        raise InputError(f"{option}: expected an integer, a tuple of integers or a string like 3x5, got {shown(text)}")
    if any(v < minimum for v in values):
        raise InputError(f"{option}: every size must be >= {minimum}, got {shown(text)}")
    if any(v > DIM_MAX for v in values):
        raise InputError(f"{option}: every size must be <= {DIM_MAX:,} (int32), got {shown(text)}")
    if rank is not None:
        if len(values) == 1:
            values = values * rank
        elif len(values) != rank:
            raise InputError(f"{option}: expected 1 or {rank} sizes to match the other options, got {text!r}")
    return values


def _len(value: object) -> int:
    if isinstance(value, str):
        return len(value.lower().replace("*", "x").split("x"))
    return len(value) if isinstance(value, (tuple, list)) else 1


def common_rank(*texts: str | int | tuple[int, ...]) -> int:
    ranks = {_len(t) for t in texts} - {1}
    if len(ranks) > 1:
        raise InputError(f"--dk and --df have different numbers of dimensions: {' vs '.join(map(str, texts))}")
    return ranks.pop() if ranks else 2


def layer_geom(dk, m: int, n: int, df, stride, padding, dilation, bias: bool, prefix: str = "--"):
    """The conv of `compare`'s flags (same parsing and errors); sizes may be strings (``3x5``),
    ints or tuples.  ``prefix`` names the options: ``--dk`` (CLI) or ``dk`` (API, prefix "")."""
    from dscost import cost

    for label, v in (("m", m), ("n", n)):
        if not _is_int(v) or not 1 <= v <= DIM_MAX:
            raise InputError(f"{prefix}{label}: expected an integer from 1 to {DIM_MAX:,}, got {shown(v)}")
    m, n = int(m), int(n)
    rank = common_rank(dk, df)
    kernel = parse_dims(f"{prefix}dk", dk, rank)
    spatial = parse_dims(f"{prefix}df", df, rank)
    strides = parse_dims(f"{prefix}stride", stride, rank)
    dilations = parse_dims(f"{prefix}dilation", dilation, rank)
    pad = padding.strip().lower() if isinstance(padding, str) else padding
    if isinstance(pad, str) and pad not in ("same", "valid") and not pad.replace("x", "").isdigit():
        raise InputError(f"{prefix}padding: expected same, valid or pixels per side (1 or 1x2), got {padding!r}")
    pads = pad if pad in ("same", "valid") else parse_dims(f"{prefix}padding", pad, rank, minimum=0)
    try:
        return cost.make_conv_geom(kernel, m, n, spatial, strides, dilations, pads, bias=bias)
    except ValueError as e:
        raise InputError(f"{e}") from None


# The element types a PyTorch module's generated input can have (--input-shape
# input_ids=1x128:int64): each name and its aliases.  Floats are torch.rand, others zeros.
INPUT_DTYPES = {"float32": ("float",), "float16": ("half",), "bfloat16": (), "float64": ("double",), "int64": ("long",),
                "int32": ("int",), "int16": ("short",), "int8": (), "uint8": (), "bool": ()}  # fmt: skip


def parse_input_dtype(text: object, label: str = "input_dtypes") -> str:
    """'int64', 'long' or torch.int64 -> 'int64'."""
    key = str(text).strip().lower().removeprefix("torch.")
    for name, aliases in INPUT_DTYPES.items():
        if key == name or key in aliases:
            return name
    raise InputError(f"{label}: unknown element type {text!r}; expected one of {', '.join(INPUT_DTYPES)}")


SHAPE_LIKE = "a shape like 1x3x224x224"


def parse_input_shape(text: str, label: str = "--input-shape") -> tuple[str, tuple[int, ...], str | None]:
    """'input=1x3x224x224' -> ('input', (1, 3, 224, 224), None); '1x3x224x224' -> ('', ...): a
    PyTorch module's single forward input (an ONNX graph wants the name: the reader says so);
    'input_ids=1x128:int64' -> ('input_ids', (1, 128), 'int64'): a PyTorch input's element type."""
    name, sep, shape = text.rpartition("=")
    if (sep and not name) or (not sep and not shape.partition(":")[0].replace("x", "").replace("X", "").replace("*", "").isdigit()):
        joined = " (the name and the shape are joined by '=')" if not sep and ":" in shape else ""
        raise InputError(f"{label}: expected [NAME=]1x3x224x224[:DTYPE], got {text!r}{joined}")
    return name, *_shape_and_dtype(f"{label} {name}" if name else label, shape)


def _shape_and_dtype(where: str, shape: object) -> tuple[tuple[int, ...], str | None]:
    """'1x128:int64' -> ((1, 128), 'int64'); a shape without ':DTYPE' (or not a string) has none."""
    if isinstance(shape, str):
        dims, colon, dtype = shape.partition(":")
        if colon:
            return parse_dims(where, dims, like=SHAPE_LIKE), parse_input_dtype(dtype, where)
    return parse_dims(where, shape, like=SHAPE_LIKE), None


def parse_dim(text: str, label: str = "--dim") -> tuple[str, int]:
    """'sequence_length=128' -> ('sequence_length', 128): a symbolic dimension of an ONNX graph's
    inputs and its value (0 allowed: an empty KV cache)."""
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not (value.isascii() and value.isdigit()):
        raise InputError(f"{label}: expected NAME=N (a symbolic dimension of the graph's inputs and an integer >= 0), got {text!r}")
    return name, int(value)


def parse_input_value(text: str, label: str = "--input-value") -> tuple[str, int]:
    """'use_cache_branch=1' -> ('use_cache_branch', 1): the value of a one-element bool or
    integer graph input, or of a PyTorch forward's flag (true/false, kept a bool, or an integer)."""
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip().lower()
    number = {"true": True, "false": False}.get(value)
    digits = value[1:] if value.startswith("-") else value
    if number is None and digits.isdigit() and digits.isascii() and len(digits) < 20:
        number = int(value)
    if not sep or not name or number is None:
        raise InputError(f"{label}: expected NAME=VALUE (a one-element bool or integer input of an ONNX graph, or a flag of a PyTorch forward; "
                         f"true/false or an integer), got {text!r}")
    return name, number


def _named_ints(value: object, label: str, what: str, expected: str, ok) -> dict[str, int] | None:
    """A load option of a Python value that maps names to integers accepted by ``ok``."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InputError(f"{label}: expected a dict of {what}, got {type(value).__name__}")
    for name, v in value.items():
        if not isinstance(name, str) or not name or not isinstance(v, int) or not ok(v):
            raise InputError(f"{label}: expected {{{expected}}}, got {name!r}: {v!r}")
    return {k: v if isinstance(v, bool) else int(v) for k, v in value.items()}


def input_values_option(value: object, label: str = "input_values") -> dict[str, int] | None:
    """The ``input_values`` load option of a Python value: ``{"use_cache_branch": 1}`` (bools stay bools)."""
    return _named_ints(value, label, "input names and integers (or bools)", "name: integer or bool", lambda v: True)


def dims_option(value: object, label: str = "dims") -> dict[str, int] | None:
    """The ``dims`` load option of a Python value: ``{"sequence_length": 128}``."""
    return _named_ints(value, label, "symbolic dimension names and integers", "name: integer >= 0", lambda v: not isinstance(v, bool) and v >= 0)


def input_shapes(value: object, label: str = "input_shape") -> tuple[dict[str, tuple[int, ...]] | None, dict[str, str] | None]:
    """The ``input_shapes`` load option of a Python value, and the ``input_dtypes`` its strings
    give: a shape (``(1, 3, 224, 224)`` or ``'1x3x224x224'``, a PyTorch module's single input;
    ``'x=1x3x8x8'`` names it, ``'input_ids=1x8:int64'`` gives an element type) or a dict
    ``{name: shape}`` (a shape may be a string ``'1x8:int64'``)."""
    if value is None:
        return None, None
    if isinstance(value, str):
        name, shape, dtype = parse_input_shape(value, label)
        return {name: shape}, {name: dtype} if dtype else None
    if isinstance(value, dict):
        out, dtypes = {}, {}
        for name, shape in value.items():
            if not isinstance(name, str):
                raise InputError(f"{label}: input names must be strings, got {name!r}")
            out[name], dtype = _shape_and_dtype(f"{label} {name}" if name else label, shape)
            if dtype:
                dtypes[name] = dtype
        return out, dtypes or None
    return {"": parse_dims(label, value)}, None


def input_dtypes_option(value: object, label: str = "input_dtypes") -> dict[str, str] | None:
    """The ``input_dtypes`` load option of a Python value: ``{"input_ids": "int64"}`` (names,
    aliases such as ``"long"`` or torch dtypes), or one element type for a single input."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return {"": parse_input_dtype(value, label)}
    for name in value:
        if not isinstance(name, str):
            raise InputError(f"{label}: input names must be strings, got {name!r}")
    return {name: parse_input_dtype(v, f"{label} {name}" if name else label) for name, v in value.items()}


def parse_arg(text: str, label: str = "--arg") -> tuple[str, object]:
    """``'num_classes=10'`` -> ('num_classes', 10): the value as JSON (numbers, true/false, null,
    lists, quoted strings) or None/True/False, else the plain string."""
    import json

    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key.isidentifier():
        raise InputError(f"{label}: expected KEY=VALUE with a Python identifier as KEY, got {text!r}")
    if raw in ("None", "True", "False"):
        return key, {"None": None, "True": True, "False": False}[raw]
    try:
        return key, json.loads(raw)
    except RecursionError:
        raise InputError(f"{label}: {key}: its value is nested too deeply") from None
    except ValueError:
        return key, raw


def parse_kwargs(text: str, label: str = "--kwargs") -> dict:
    """A JSON object of keyword arguments: ``'{"num_classes": 10}'``."""
    import json

    try:
        value = json.loads(text, object_pairs_hook=lambda pairs: _unique(label, pairs, "key"))
    except RecursionError:
        raise InputError(f"{label}: nested too deeply") from None
    except ValueError as err:
        raise InputError(f"{label}: not valid JSON ({err}): {text!r}") from None
    if not isinstance(value, dict):
        raise InputError(f"{label}: expected a JSON object like '{{\"num_classes\": 10}}', got {text!r}")
    return value


def _unique(label: str, pairs, what: str = "name") -> dict:
    """``pairs`` as a dict; a name given twice with two values is an error, not the last one kept silently."""
    out: dict = {}
    for key, value in pairs:
        if key in out and out[key] != value:
            a, b = ("x".join(map(str, v)) if isinstance(v, tuple) else repr(v) for v in (out[key], value))
            raise InputError(f"{label}: {what} {key!r} is given twice ({a} and {b}); give it once")
        out[key] = value
    return out


def load_options(width_multiplier: float | None = None, resolution: str | None = None, input_shape: list[str] | None = None,
                 kwargs: str | None = None, arg: list[str] | None = None, dim: list[str] | None = None,
                 input_value: list[str] | None = None, measure_sizes: bool = False, meta: bool = False) -> dict:
    """``readers.load()`` options of --width-multiplier/--resolution/--input-shape/--kwargs/--arg/--dim/
    --input-value/--measure-sizes/--meta (None when not given)."""
    options: dict = {}
    if width_multiplier is not None:
        if not 0 < width_multiplier < float("inf"):
            raise InputError(f"--width-multiplier: must be a finite number > 0, got {width_multiplier}")
        options["width"] = width_multiplier
    if resolution is not None:
        res = parse_dims("--resolution", resolution)
        if len(res) > 2:
            raise InputError(f"--resolution: expected R or HxW, got {resolution!r}")
        options["resolution"] = res[0] if len(res) == 1 else res
    if input_shape:
        parsed = [parse_input_shape(s) for s in input_shape]
        options["input_shapes"] = _unique("--input-shape", ((name, shape) for name, shape, _ in parsed), "input")
        if any(dtype for _, _, dtype in parsed):
            options["input_dtypes"] = _unique("--input-shape", ((name, dtype) for name, _, dtype in parsed if dtype), "input")
    if dim:
        options["dims"] = _unique("--dim", (parse_dim(s) for s in dim), "dimension")
    if input_value:
        options["input_values"] = _unique("--input-value", (parse_input_value(s) for s in input_value), "input")
    if measure_sizes:
        options["measure_sizes"] = True
    if meta:
        options["meta"] = True
    factory = parse_kwargs(kwargs) if kwargs is not None else {}
    factory.update(_unique("--arg", (parse_arg(a) for a in arg or ()), "key"))
    if kwargs is not None or arg:
        options["kwargs"] = factory
    return options


def named_input_shapes(input_shape: list[str] | None) -> dict | None:
    """--input-shape of an ONNX graph (bench, convert): every shape needs the input's name."""
    options = load_options(input_shape=input_shape)
    shapes = options.get("input_shapes")
    if options.get("input_dtypes"):
        name, dtype = next(iter(options["input_dtypes"].items()))
        raise InputError(f"--input-shape {name + '=' if name else ''}...:{dtype}: an element type is for PyTorch modules; an ONNX graph's inputs have the types in the file")
    if shapes and "" in shapes:
        shape = "x".join(map(str, shapes[""]))
        raise InputError(f"--input-shape {shape}: name the input (NAME={shape}); a shape without a name is for PyTorch modules")
    return shapes


def onnx_input_shapes(model: str, input_shape: list[str] | None, dim: list[str] | None) -> dict | None:
    """--input-shape and --dim of an ONNX graph that onnxruntime will run (bench, convert), as
    one shape per input: --dim values are resolved from the graph's declared inputs (an
    InputError for --dim on another kind of model)."""
    shapes = named_input_shapes(input_shape)
    dims = load_options(dim=dim).get("dims")
    if not dims:
        return shapes
    from dscost.readers import reader_options
    from dscost.readers.onnx_reader import read_input_shapes

    reader_options(model, {"dims": dims})
    inputs = read_input_shapes(model, shapes, dims)
    zero = next(((name, shape) for name, shape, _ in inputs if 0 in shape), None)
    if zero:
        raise InputError(f"{model}: --dim gives input {zero[0]!r} a zero-sized dimension {'x'.join(map(str, zero[1]))}; onnxruntime runs need sizes >= 1")
    return {name: tuple(shape) for name, shape, _ in inputs}


def roofline_hardware(hardware: str | None, peak_gmacs: float | None, bandwidth_gbs: float | None, dtype: str | None, auto_local: bool = False):
    """(Hardware or None, dtype or None) from the roofline options (None: no --dtype, the
    model's own weight type is used, :func:`dscost.dtypes.resolve_dtype`); with ``auto_local``
    a saved `bench --calibrate` profile is used when no hardware is named."""
    from dscost import roofline
    from dscost.dtypes import check_dtype

    dt = check_dtype(dtype) if dtype is not None else None  # (an empty --dtype is an error)
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

    if not 0 < timeout <= MAX_TIMEOUT_S:
        raise InputError(f"--timeout {timeout:g}: must be a positive number of seconds, at most {MAX_TIMEOUT_S:g}")
    mem = limit_option("--max-memory", max_memory, lambda t: parse_quantity(t, byte_units=True))
    if not 0 < mem <= MAX_MEMORY_BYTES:
        raise InputError(f"--max-memory {max_memory}: must be positive, at most 1EiB")
    return {"timeout_s": timeout, "max_memory": int(mem)}


MAX_TIMEOUT_S = 1e6  # (11.6 days; the OS timer takes no more)
MAX_MEMORY_BYTES = 2**60


def repeated_gate_option(argv: list[str]) -> None:
    """A limit option (``--budget``/``-b``, ``--max-*``, ``--fail-on-increase``) given twice is an
    error: Click keeps the last value without a word, so a stricter limit given first (the
    Action's ``budget`` input and ``--budget`` in its ``args``) would never be checked."""
    seen: set[str] = set()
    for token in argv:
        if token == "--":
            return
        name = "--budget" if token.startswith("-b") and not token.startswith("--") else token.split("=", 1)[0]
        if name in ("--budget", "--fail-on-increase") or name.startswith("--max-"):
            if name in seen:
                raise InputError(f"{name} is given more than once: give each limit once (the last would win without a word)")
            seen.add(name)


BENCH_LAYER_OPTIONS = ("dk", "m", "n", "df", "stride", "padding", "dilation", "bias")
BENCH_MODEL_OPTIONS = ("input_shape", "dim", "input_value", "kwargs", "arg", "show_all", "convert", "only", "skip")


def bench_mode_options(source, model: str | None, calibrate: bool) -> None:
    """`bench` times one layer (no MODEL), a model, or the machine (--calibrate): an option given on
    the command line for another mode is an error, not ignored (``source``: click's
    ``get_parameter_source``, whose value says where each parameter's value came from)."""
    given = [k for k in (*BENCH_LAYER_OPTIONS, *BENCH_MODEL_OPTIONS) if getattr(source(k), "name", "") == "COMMANDLINE"]
    flag = {"show_all": "--all", "input_shape": "--input-shape", "input_value": "--input-value"}
    wrong = [k for k in given if calibrate or (k in BENCH_LAYER_OPTIONS) == (model is not None)]
    if wrong:
        what = "the machine (--calibrate)" if calibrate else "a model" if model is not None else "one layer (no MODEL)"
        which = "one layer (bench --dk ... with no MODEL)" if wrong[0] in BENCH_LAYER_OPTIONS else "a model (bench MODEL)"
        raise InputError(f"{flag.get(wrong[0], '--' + wrong[0])} applies when bench times {which}; this run times {what}")
