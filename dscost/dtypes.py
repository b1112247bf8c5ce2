"""Bytes per element of the dtypes dscost understands: the one table behind
`check --dtype` / budget ``dtype`` (weight bytes) and the roofline's `--dtype`
(bytes moved), and its one validator; and the names of ONNX's element types
(``Model.inputs`` keeps those codes, whatever the file's format)."""

from dscost.errors import InputError

DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}

# ONNX TensorProto.DataType names, as numpy spells them.
ONNX_TYPE_NAMES = {1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string", 9: "bool",
                   10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128", 16: "bfloat16",
                   21: "uint4", 22: "int4"}  # fmt: skip
ONNX_TYPES = {name: code for code, name in ONNX_TYPE_NAMES.items()}
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
