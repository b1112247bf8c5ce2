"""Bytes per element of the dtypes dscost understands: the one table behind
`check --dtype` / budget ``dtype`` (weight bytes) and the roofline's `--dtype`
(bytes moved).  Pure data, no imports."""

DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}
