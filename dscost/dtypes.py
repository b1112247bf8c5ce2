"""Bytes per element of the dtypes dscost understands: the one table behind
`check --dtype` / budget ``dtype`` (weight bytes) and the roofline's `--dtype`
(bytes moved), and its one validator."""

from dscost.errors import InputError

DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}


def check_dtype(dtype: str) -> str:
    """The normalised dtype name; InputError naming --dtype when it is not in DTYPE_BYTES."""
    d = dtype.strip().lower()
    if d not in DTYPE_BYTES:
        raise InputError(f"--dtype {dtype!r}: choose one of {', '.join(DTYPE_BYTES)}")
    return d
