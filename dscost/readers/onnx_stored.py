"""The tensor values a stripped copy of an ONNX file leaves out (:mod:`dscost.readers.onnx_wire`),
where the file holds them: read for the few jobs that need values (:func:`stored_values`,
:func:`stored_array`: masks, folded shape arithmetic, embedding rows), or referred to as external
data so that onnxruntime reads them from the file itself (:func:`referring`), not from a second
copy of the whole protobuf in memory.
"""

from __future__ import annotations

from math import prod
from pathlib import Path

from dscost.readers.onnx_wire import ITEMSIZE, Stripper, _Tensor, data_bytes, enc_len, strip


def stored_values(path: Path, t: _Tensor, limit: int, head: int | None = None) -> bytes | None:
    """The bytes of initializer ``t``'s values (``t.data``), read from the model file at ``path``
    or its external-data file (``head``: only that many first bytes); None when they are not one
    span, are over ``limit`` bytes, or cannot be read (a missing or short file, not a regular file)."""
    if t.data is None:
        return None
    offset, n = t.data, t.nbytes if t.location is None else data_bytes(prod(t.dims), ITEMSIZE[t.dtype])
    if n > limit:
        return None
    n = n if head is None else min(n, head)
    target = path if t.location is None else Path(path.parent, t.location)  # (a location inside the model's folder: checked by the scan)
    try:
        if not target.is_file():  # (a FIFO would block)
            return None
        with open(target, "rb") as f:
            f.seek(offset)
            values = f.read(n)
    except (OSError, ValueError):
        return None
    return values if len(values) == n else None


def stored_array(wire: Stripper, t: _Tensor, np, max_elements: int, why: str):
    """The values of ``t``, a tensor of ``wire``'s file whose data the stripped copy left out, as a
    numpy array, read as :func:`stored_values` does (``why``, in ``wire.opened`` when from external
    data); None over ``max_elements``, of a type numpy lacks (bfloat16, 4-bit) or when they cannot be read."""
    from dscost.dtypes import ONNX_NUMPY

    kind = ONNX_NUMPY.get(t.dtype)
    values = stored_values(wire.path, t, int(prod(t.dims) * ITEMSIZE[t.dtype])) if kind is not None and prod(t.dims) <= max_elements else None
    if values is not None and t.location is not None:
        wire.opened[why] = None
    try:
        return None if values is None else np.frombuffer(values, dtype=np.dtype(kind).newbyteorder("<")).reshape(t.dims).astype(kind)
    except (ValueError, TypeError):
        return None


def _entry(key: str, value: str) -> bytes:
    """A TensorProto's ``external_data`` field (13) holding one key and its value."""
    return enc_len(13, enc_len(1, key.encode()) + enc_len(2, value.encode()))


class _Referrer(Stripper):
    """A stripper whose copy keeps every tensor: one whose values are one span of the file is
    referred to there as external data (TensorProto ``data_location`` EXTERNAL, field 14), any
    other -- external data already, or values in several fields or as varints -- stays whole."""

    referred = 0

    def without_data(self, t: _Tensor, s: int, e: int, keep: list[tuple[int, int]]) -> bytes:
        if t.location is not None or t.data is None:
            return bytes(self.buf[s:e])
        self.referred += 1
        refs = _entry("location", self.path.name) + _entry("offset", str(t.data)) + _entry("length", str(t.nbytes))
        return super().without_data(t, s, e, keep) + refs + b"\x70\x01"  # (field 14, varint: EXTERNAL)


def referring(path: Path) -> bytes | None:
    """The model at ``path`` as a ModelProto whose large tensors are external data in that file
    itself, at their own offsets (onnxruntime then reads the weights from the file and holds no
    copy of the protobuf: ResNet-50's session 311 -> 205 MB at ORT_ENABLE_ALL, onnxruntime 1.32);
    None when no tensor is (the file as it is is as small).  Give onnxruntime the file's folder
    (``session.model_external_initializers_file_folder_path``)."""
    data, referrer = strip(path, _Referrer)
    return data if referrer.referred else None
