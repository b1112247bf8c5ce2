"""Bytes per element of the dtypes dscost understands: the one table behind
`check --dtype` / budget ``dtype`` (weight bytes) and the roofline's `--dtype`
(bytes moved), and its one validator; and the names of ONNX's element types
(``Model.inputs`` keeps those codes, whatever the file's format); and the dtype a model's
bytes are sized at when no --dtype is given: its own weights' (:func:`resolve_dtype`)."""

from dscost.errors import InputError

DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}

# ONNX TensorProto.DataType names, as numpy spells them.
ONNX_TYPE_NAMES = {1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string", 9: "bool",
                   10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128", 16: "bfloat16",
                   21: "uint4", 22: "int4"}  # fmt: skip
ONNX_TYPES = {name: code for code, name in ONNX_TYPE_NAMES.items()}
# The ONNX element types dscost sizes, by their DTYPE_BYTES name (uint8 is 1 byte, as int8 is).
ONNX_SIZED = {1: "fp32", 10: "fp16", 16: "bf16", 3: "int8", 2: "int8"}
ONNX_NUMPY = {code: name for code, name in ONNX_TYPE_NAMES.items() if code not in (8, 16, 21, 22)}  # (the element types numpy has)


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
    """An ONNX element type as ``Model.weight_dtype`` names it: its DTYPE_BYTES name when dscost
    sizes it, else its own (float64, int4: sized at fp32 with a note, :func:`unsized_note`)."""
    return None if code is None else ONNX_SIZED.get(code) or onnx_type_name(code)


def main_dtype(elements: dict) -> str | None:
    """:func:`dtype_name` of the type of most of ``elements`` (ONNX element type -> number of
    weight elements; a tie goes to the lower code); None when there are none."""
    elements = {k: v for k, v in elements.items() if k is not None and v}
    return dtype_name(max(sorted(elements), key=elements.__getitem__)) if elements else None


def resolve_dtype(dtype: str | None, model=None) -> tuple[str, str]:
    """(dtype, where it comes from) of a model's memory and roofline bytes: the one given
    (``"option"``); else the type of most of the model's weights (``"model"``:
    ``Model.weight_dtype``, fp16 for a half-precision export, int8 for a quantized one); else
    fp32 (``"default"``: no weights of a known type, a layer spec, or weights of a type dscost
    does not size: :func:`unsized_note`)."""
    if dtype is not None:
        return check_dtype(dtype), "option"
    own = getattr(model, "weight_dtype", None)
    return (own, "model") if own in DTYPE_BYTES else ("fp32", "default")


def unsized_note(model) -> str | None:
    """Why a model with weights is sized at the default fp32: their type is not one dscost sizes."""
    own = getattr(model, "weight_dtype", None)
    if own is None or own in DTYPE_BYTES:
        return None
    return f"sized at fp32: most of the model's weights are {own}, a type dscost does not size (--dtype sizes another)"
