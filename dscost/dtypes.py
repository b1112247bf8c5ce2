"""Bytes per element of the dtypes dscost understands: the one table behind
`check --dtype` / budget ``dtype`` (weight bytes) and the roofline's `--dtype`
(bytes moved), and its one validator; and the names of ONNX's element types
(``Model.inputs`` keeps those codes, whatever the file's format); and the dtypes a model's
bytes are sized at when no --dtype is given: its own weights' (:func:`resolve_dtype`,
:func:`resolve_weight_dtype`), which may be a low-bit type that only weights take (int4:
half a byte each, :func:`weight_bytes`)."""

from dscost.errors import InputError

DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}

# ONNX TensorProto.DataType names, as numpy spells them.
ONNX_TYPE_NAMES = {1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string", 9: "bool",
                   10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128", 16: "bfloat16",
                   21: "uint4", 22: "int4", 23: "float4e2m1"}  # fmt: skip
ONNX_TYPES = {name: code for code, name in ONNX_TYPE_NAMES.items()}
# The ONNX element types dscost sizes, by their DTYPE_BYTES name (uint8 is 1 byte, as int8 is),
# or their low-bit name (LOW_BITS: weights only; uint4 is half a byte, as int4 is).
ONNX_SIZED = {1: "fp32", 10: "fp16", 16: "bf16", 3: "int8", 2: "int8", 22: "int4", 21: "int4"}
# Weights of fewer bits than a byte, packed (two 4-bit values a byte): storage only, no runtime
# moves activations of these types.  Weights an op packs into (u)int8 bytes (onnxruntime's
# MatMulNBits at bits=2) have codes of their own here: PACKED_CODE + bits.
LOW_BITS = {**{f"int{b}": b for b in range(1, 8)}, "float4e2m1": 4}
PACKED_CODE = 1000
# Bits of the other element types a weight may be stored in (ONNX_TYPE_NAMES' names): weight
# bytes are the model's own (weight_size); activations are not sized at these.
STORED_BITS = {"float64": 64, "int64": 64, "uint64": 64, "int32": 32, "uint32": 32, "int16": 16, "uint16": 16, "bool": 8}
# The ONNX element types of activations dscost sizes (DTYPE_BYTES: float32, float16, bfloat16, (u)int8).
ACTIVATION_TYPES = frozenset(code for code, name in ONNX_SIZED.items() if name in DTYPE_BYTES)
ONNX_NUMPY = {code: name for code, name in ONNX_TYPE_NAMES.items() if code not in (8, 16, 21, 22, 23)}  # (the element types numpy has)


def onnx_type_name(elem: int) -> str:
    """An ONNX element type's name as numpy says it (float32, float16, int64), else its number."""
    return ONNX_TYPE_NAMES.get(elem, f"type {elem}")


def check_dtype(dtype: str) -> str:
    """The normalised dtype name; InputError naming --dtype when it is not in DTYPE_BYTES."""
    if not isinstance(dtype, str):
        raise InputError(f"--dtype {dtype!r}: choose one of {', '.join(DTYPE_BYTES)}")
    d = dtype.strip().lower()
    if d not in DTYPE_BYTES:
        raise InputError(f"--dtype {dtype!r}: choose one of {', '.join(DTYPE_BYTES)}")
    return d


def dtype_name(code: int | None) -> str | None:
    """An ONNX element type as ``Model.weight_dtype`` names it: its DTYPE_BYTES or LOW_BITS name
    when dscost sizes it (int4; ``PACKED_CODE + bits``: ``int<bits>``), else its own (float64:
    sized at fp32 with a note, :func:`unsized_note`)."""
    if code is None:
        return None
    if PACKED_CODE < code < PACKED_CODE + 8:
        return f"int{code - PACKED_CODE}"
    return ONNX_SIZED.get(code) or onnx_type_name(code)


def dtype_bits(dtype: str | None) -> int | None:
    """Bits per element of a dtype name (DTYPE_BYTES, LOW_BITS, or another type a weight may be
    stored in: float64, int32...), else None."""
    if dtype in DTYPE_BYTES:
        return 8 * DTYPE_BYTES[dtype]
    return LOW_BITS.get(dtype) or STORED_BITS.get(dtype)


def weight_types(elements: dict) -> dict[str, int]:
    """Weight elements by :func:`dtype_name` (from ONNX element type -> elements; uint8 and int8
    are one ``int8``, an unknown type ``unknown``), the most first: ``Model.weight_types``."""
    out: dict[str, int] = {}
    for code, n in elements.items():
        if n:
            name = dtype_name(code) or "unknown"
            out[name] = out.get(name, 0) + n
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def weight_size(dtype: str | None, model=None) -> tuple[int, int]:
    """Bits per learnable parameter, as (bits, elements): of ``dtype`` when given; else over the
    model's weights, each at its own type (``Model.weight_types``: an int4 LLM's fp16 embedding
    table at 16 bits, its int4 projections at 4); else of :func:`resolve_weight_dtype`'s dtype."""
    if dtype is None:
        types = getattr(model, "weight_types", None)
        if types and all(dtype_bits(t) for t in types):
            return sum(n * dtype_bits(t) for t, n in types.items()), sum(types.values())
    return dtype_bits(resolve_weight_dtype(dtype, model)), 1


def weight_bytes(params: int, size: tuple[int, int]) -> int:
    """Bytes of ``params`` weights of :func:`weight_size` ``size``, low-bit ones packed (two int4
    values a byte; the total rounded up to a whole byte, once)."""
    return -(-params * size[0] // (8 * size[1]))


def main_dtype(elements: dict) -> str | None:
    """:func:`dtype_name` of the type of most of ``elements`` (ONNX element type -> number of
    weight elements; a tie goes to the lower code); None when there are none."""
    elements = {k: v for k, v in elements.items() if k is not None and v}
    return dtype_name(max(sorted(elements), key=elements.__getitem__)) if elements else None


def resolve_dtype(dtype: str | None, model=None) -> tuple[str, str]:
    """(dtype, where it comes from) of a model's activation and roofline bytes: the one given
    (``"option"``); else the type of most of the model's weights (``"model"``:
    ``Model.weight_dtype``, fp16 for a half-precision export, int8 for a quantized one) -- but
    the type of most of its activations where a reader found them of another
    (``Model.activation_dtype``: fp16 for a 4-bit LLM of fp16 activations, fp32 for int8 weights
    quantized weight-only or dynamically) or the weights are low-bit (LOW_BITS: int4), a type no
    activation takes; else
    fp32 (``"default"``: no weights of a known type, a layer spec, or weights of a type dscost
    does not size: :func:`unsized_note`)."""
    if dtype is not None:
        return check_dtype(dtype), "option"
    own, act = getattr(model, "weight_dtype", None), getattr(model, "activation_dtype", None)
    if own in LOW_BITS or act:
        own = act
    return (own, "model") if own in DTYPE_BYTES else ("fp32", "default")


def resolve_weight_dtype(dtype: str | None, model=None) -> str:
    """The dtype of a model's weights (most of them): the one given; else the model's own when
    its size is known (low-bit ones too: int4 at half a byte; float64); else :func:`resolve_dtype`'s."""
    own = getattr(model, "weight_dtype", None)
    if dtype is None and dtype_bits(own):
        return own
    return resolve_dtype(dtype, model)[0]


def unsized_note(model) -> str | None:
    """Why a model with weights has its activations sized at the default fp32: their type is not one
    dscost sizes activations at; or, with low-bit weights, its activations' type is not known."""
    own = getattr(model, "weight_dtype", None)
    if own is None or own in DTYPE_BYTES:
        return None
    if own in LOW_BITS:
        act = getattr(model, "activation_dtype", None)
        if act in DTYPE_BYTES:
            return None
        return f"activations sized at fp32: the model's weights are {own}, and its activations of no type dscost sizes or of none known (--dtype sizes another)"
    return f"activations sized at fp32: most of the model's weights are {own}, a type dscost does not size activations at (--dtype sizes another)"
