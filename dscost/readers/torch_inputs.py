"""Example inputs of a module's forward (:mod:`dscost.readers.torch_reader`): tensors made from
shapes (``--input-shape``, the API's ``input_shape``), checked against the forward's parameters,
and the text that names them in messages and notes (``forward(x: 1x3x224x224)``)."""

from __future__ import annotations

from dscost.errors import InputError
from dscost.readers.torch_forward import forward_params
from dscost.readers.torch_run import first_line


def _shape_text(shape) -> str:
    return "x".join(str(d) for d in shape)


def _signature_text(params, var_pos: bool) -> str:
    return "forward(" + ", ".join([p.name for p in params] + (["*args"] if var_pos else [])) + ")"


TOKEN_IDS = ("input_ids", "token_ids", "tokens")  # (a forward parameter of these names takes token ids: typed in the hint)


def _hint(name: str = "") -> str:
    """How to give a shape: ``--input-shape x=1x3x224x224``; token ids as ``input_ids=1x128:int64``
    (the API says ``input_shape={'x': (1, 3, 224, 224)}``: :mod:`dscost.wording`)."""
    return f"--input-shape {name}=1x128:int64" if name in TOKEN_IDS else f"--input-shape {name + '=' if name else ''}1x3x224x224"


def inputs_from_shapes(label: str, module, shapes: dict[str, tuple], torch, dtypes: dict[str, str] | None = None, values: dict[str, int] | None = None):
    """(args, kwargs) of tensors for ``shapes``: ``""`` is the forward's single input, other keys
    are forward parameter names.  Each is ``torch.rand`` (seed 0), or zeros of a non-float
    element type in ``dtypes`` (a valid index for any embedding).
    ``values``: the forward's flags (bools, integers) by parameter name, given as keywords."""
    import inspect

    params, var_pos, var_kw = forward_params(module)
    P = inspect.Parameter
    required = [p for p in params if p.default is P.empty]
    sig = _signature_text(params, var_pos)
    if not shapes:
        if not required and params and params[0].name in TOKEN_IDS:  # (a transformers model: every input optional)
            raise InputError(f"{label}: give the input shape of {sig}: {_hint(params[0].name)}")
        raise InputError(f"{label}: give the input shape of {sig}: {_hint()}" + (f" or {_hint(required[0].name)}" if required else ""))
    if "" in shapes:
        if len(shapes) > 1:
            raise InputError(f"{label}: a shape without a name is for a forward of one input; name every shape ({_hint('NAME')}) for {sig}")
        if len(required) > 1:
            raise InputError(f"{label}: {sig} takes {len(required)} inputs; name each shape: " + ", ".join(_hint(p.name) for p in required))
        target = required[0].name if required else (params[0].name if params and params[0].kind != P.KEYWORD_ONLY else None)
        shapes = {target: shapes[""]} if target else shapes
    names = {p.name for p in params}
    unknown = [n for n in [*shapes, *(values or {})] if n and n not in names]
    if unknown and not var_kw:
        raise InputError(f"{label}: {sig} has no parameter {unknown[0]!r}")
    both = [n for n in values or {} if n in shapes]
    if both:
        raise InputError(f"{label}: {both[0]!r} is given a shape and a value; a tensor input takes a shape, a flag a value")
    positional_only = [p.name for p in params if p.name in (values or {}) and p.kind == P.POSITIONAL_ONLY]
    if positional_only:
        raise InputError(f"{label}: {sig} takes {positional_only[0]!r} positionally only; dscost gives values by keyword")
    missing = [p for p in required if p.name not in shapes and p.name not in (values or {})]
    if missing:
        flag = missing[0].annotation in (int, bool, float, "int", "bool", "float")  # (a non-tensor argument: a value, not a shape)
        how = f"--input-value {missing[0].name}=N" if flag else _hint(missing[0].name)
        raise InputError(f"{label}: {sig} also needs {missing[0].name}: {how}")
    if dtypes and list(dtypes) == [""] and len(shapes) == 1:  # one element type, for the one input given
        dtypes = {next(iter(shapes)): dtypes[""]}
    stray = [n for n in dtypes or {} if n not in shapes]
    if stray:
        raise InputError(f"{label}: an element type for {repr(stray[0]) if stray[0] else 'a single input'}, which has no shape; give both: {_hint(stray[0])}")
    gen = torch.Generator().manual_seed(0)
    like = next((t for t in (*module.parameters(), *module.buffers()) if t.is_floating_point()), None)  # (as the module's weights are)
    kind = (str(like.dtype).removeprefix("torch."), like.device) if like is not None else ("float32", None)
    tensor = {n: _example(tuple(s), (dtypes or {}).get(n), gen, torch, f"{label}: --input-shape {n}".rstrip(), kind) for n, s in shapes.items()}
    args: list = []
    if "" in tensor:  # forward(*args): the one positional input
        args.append(tensor.pop(""))
    for p in params:  # positional while contiguous, then keywords
        if p.name not in tensor or p.kind == P.KEYWORD_ONLY:
            break
        args.append(tensor.pop(p.name))
    return tuple(args), {**tensor, **(values or {})}


def unnamed(module, names) -> list[str]:
    """Of the input ``names`` given by shape or value, those that are no named parameter of a forward
    taking ``**kwargs`` (transformers' forwards all do): passed there, where a misspelt one is read
    by nothing (:func:`inputs_from_shapes` refuses such a name for any other forward)."""
    params, _, var_kw = forward_params(module)
    known = {p.name for p in params}
    return [n for n in names if n and n not in known] if var_kw else []


def _example(shape: tuple, dtype: str | None, gen, torch, where: str, like: tuple = ("float32", None)):
    """A generated input: ``torch.rand`` of a float type, zeros of another; on the device, and
    when no type is given of the float type, of the module's weights (``like``: that type's
    name and that device), as ptflops makes its input: a half-precision module on the GPU gets
    half-precision inputs there."""
    float_type, device = like
    dtype = dtype or float_type
    dt = getattr(torch, dtype)
    try:
        t = torch.rand(shape, generator=gen, dtype=dt) if dt.is_floating_point else torch.zeros(shape, dtype=dt)
        return t.to(device) if device is not None and device.type != "cpu" else t
    except (RuntimeError, MemoryError) as err:  # (a 30 GB input: torch's allocator refuses it)
        raise InputError(f"{where}: cannot make an input of shape {_shape_text(shape)} ({dtype}): {first_line(err)}") from None


def made_for_meta(value, module, torch, label: str, depth: int = 0) -> tuple[object, int]:
    """(``value`` with each meta-device tensor in it -- in tuples, lists and dicts, 8 deep --
    replaced by an input :func:`_example` makes of its shape and type on the device of
    ``module``'s weights; how many were): example inputs on the meta device given to a module
    with values, which torch cannot run on them."""
    if isinstance(value, torch.Tensor):
        if not value.is_meta:
            return value, 0
        device = next((t.device for t in (*module.parameters(), *module.buffers())), None)
        dtype = str(value.dtype).removeprefix("torch.")
        return _example(tuple(value.shape), dtype, torch.Generator().manual_seed(0), torch, f"{label}: an input on the meta device", (dtype, device)), 1
    if depth < 8 and type(value) in (tuple, list, dict):
        items = [(k, made_for_meta(v, module, torch, label, depth + 1)) for k, v in (value.items() if type(value) is dict else enumerate(value))]
        count = sum(n for _, (_, n) in items)
        return ({k: v for k, (v, _) in items} if type(value) is dict else type(value)(v for _, (v, _) in items)), count
    return value, 0


def integer_hint(module, args: tuple, kwargs: dict) -> str:
    """``--input-shape input_ids=1x12:int64``: the first float input dscost made, at the shape it was
    given, typed as token ids are (for a forward that wanted integers)."""
    names = [p.name for p in forward_params(module)[0]]
    made = [*zip(names, args), *kwargs.items()]
    name, t = next(((n, t) for n, t in made if getattr(t, "is_floating_point", lambda: False)()), ("input_ids", None))
    return f"--input-shape {name}={'x'.join(map(str, t.shape)) if t is not None and t.dim() else '1x32'}:int64"


def describe(module, args: tuple, kwargs: dict, names: list[str] | None = None) -> str:
    """``x: 1x3x224x224, mask: 1x128`` for messages and notes (``names``: of the positional inputs,
    where the forward's signature has none)."""
    names = names or [p.name for p in forward_params(module)[0]]
    parts = []
    for i, a in enumerate(args):
        parts.append(f"{names[i] if i < len(names) else f'arg{i}'}: {value_text(a)}")
    parts += [f"{k}: {value_text(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def value_text(v) -> str:
    """``1x3x224x224`` (``1x32 int64`` for another element type) of a tensor, or a tuple of them."""
    shape = getattr(v, "shape", None)
    if shape is not None:
        dtype = str(getattr(v, "dtype", "")).replace("torch.", "")
        return _shape_text(tuple(shape)) + ("" if dtype == "float32" else f" {dtype}")
    if isinstance(v, (tuple, list)):
        return "(" + ", ".join(value_text(x) for x in v) + ")"
    return repr(v)
