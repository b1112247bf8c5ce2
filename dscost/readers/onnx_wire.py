"""The protobuf wire format of ONNX files, read without touching weight bytes.

The model file is memory-mapped and scanned field by field (every field is a
tag and, for bytes and messages, a length).  :func:`strip` rebuilds a copy of
the ModelProto in which the data of large tensors (``raw_data``,
``float_data``... of initializers and of Constant-node attributes, anywhere in
the graph and its subgraphs) is skipped by its length prefix, so those pages of
the file are never read.  Each stripped tensor keeps its name, dims and data
type; small tensors (shape-carrying int64 constants, Resize scales) keep their
data so that shapes can be computed.  External data is never opened; its
location must stay inside the model's folder.

Also the encoder half (:func:`enc_varint`, :func:`enc_len`) that
:mod:`dscost.export` uses to write tensor headers.
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path

from dscost.errors import InputError

KEEP_DATA_BYTES = 1024


KEEP_INT_DATA_BYTES = 64 * 1024  # int64/int32 tensors: shapes, axes, indices


INT_TYPES = (6, 7)  # INT32, INT64


BIG_NODE_BYTES = 16 * 1024
MAX_SUBGRAPH_DEPTH = 32  # If/Loop/Scan bodies inside bodies (onnx's own inference recurses)


_TENSOR_DATA_FIELDS = frozenset({4, 5, 6, 7, 9, 10, 11})


class Corrupt(Exception):
    def __init__(self, pos: int, what: str = "truncated or corrupt protobuf"):
        super().__init__(f"{what} at byte {pos}")
        self.pos = pos


def varint(buf, pos: int, end: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if pos >= end:
            raise Corrupt(pos)
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise Corrupt(pos, "varint too long")


def fields(buf, pos: int, end: int):
    """Yield (field number, wire type, field start, value start, value end, varint value)."""
    while pos < end:
        start = pos
        key = buf[pos]
        if key < 0x80:  # one-byte keys and lengths are the common case: no call
            pos += 1
        else:
            key, pos = varint(buf, pos, end)
        number, wt = key >> 3, key & 7
        if number == 0:
            raise Corrupt(start, "field number 0")
        if wt == 0:
            value, after = varint(buf, pos, end)
            yield number, wt, start, pos, after, value
            pos = after
        elif wt == 2:
            if pos < end and buf[pos] < 0x80:
                length = buf[pos]
                pos += 1
            else:
                length, pos = varint(buf, pos, end)
            after = pos + length
            if after > end:
                raise Corrupt(start)
            yield number, wt, start, pos, after, length
            pos = after
        elif wt == 1 or wt == 5:
            after = pos + (8 if wt == 1 else 4)
            if after > end:
                raise Corrupt(start)
            yield number, wt, start, pos, after, 0
            pos = after
        else:
            raise Corrupt(start, f"wire type {wt}")
    if pos != end:
        raise Corrupt(pos)


def _may_hold_more(node) -> bool:
    """Whether a small NodeProto's bytes may hold an external-data tensor (the key "location")
    or a subgraph (an AttributeProto whose ``type`` field, tag 0xA0 0x01, is GRAPH 5 or
    GRAPHS 10): such a node is parsed, not copied.  A false positive only costs a parse."""
    return b"location" in node or b"\xa0\x01\x05" in node or b"\xa0\x01\x0a" in node


def enc_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def enc_header(number: int, length: int) -> bytes:
    """The tag and length prefix of a length-delimited field (bytes or a message)."""
    return enc_varint(number << 3 | 2) + enc_varint(length)


def enc_len(number: int, payload: bytes) -> bytes:
    return enc_header(number, len(payload)) + payload


def _text(buf, s: int, e: int) -> str:
    return bytes(buf[s:e]).decode("utf-8", errors="replace")


class _Tensor:
    __slots__ = ("name", "dims", "dtype", "nbytes", "location", "length")

    def __init__(self):
        self.name = ""
        self.dims: list[int] = []
        self.dtype = 0
        self.nbytes = 0
        self.location: str | None = None
        self.length: int | None = None  # external data length, when given


class BadTensor(Exception):
    """A tensor whose header is impossible (the message names it)."""


# Bytes per element of TensorProto data types (raw_data; 4-bit types pack two per byte).
ITEMSIZE = {1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 14: 8, 15: 16, 16: 2,
            17: 1, 18: 1, 19: 1, 20: 1, 21: 0.5, 22: 0.5, 23: 0.5, 24: 1}  # fmt: skip
# Typed data fields checked element by element: field number -> (data type, bytes per element or 0 for varints)
_TYPED = {4: (1, 4), 10: (11, 8), 5: (6, 0), 7: (7, 0)}
_HIGH_BYTES = bytes(range(0x80, 0x100))


def _check_tensor(t: _Tensor, data: dict[int, tuple[int, int]], external: bool, buf) -> None:
    """Negative dims, and dims that disagree with the stored data, are impossible: BadTensor."""
    if any(d < 0 for d in t.dims):
        raise BadTensor(f"tensor {t.name!r} has a negative dimension (dims {t.dims})")
    n = 1
    for d in t.dims:
        n *= d
    size = ITEMSIZE.get(t.dtype)
    if external:
        if t.length is not None and size is not None and t.length != -(-int(n * size * 2) // 2):
            raise BadTensor(f"tensor {t.name!r} has dims {t.dims} ({n:,} elements) but its external data is {t.length:,} bytes")
        return
    stored = None
    if 9 in data and size is not None:
        stored = ("bytes", data[9][1] - data[9][0], -(-int(n * size * 2) // 2))
    else:
        for number, (dtype, width) in _TYPED.items():
            if number in data and t.dtype == dtype:
                vs, ve, count = data[number]
                if width:
                    elements = (ve - vs) // width if count == 0 else count
                elif ve - vs <= 1 << 20:  # packed varints: one byte below 0x80 ends each
                    elements = len(bytes(buf[vs:ve]).translate(None, _HIGH_BYTES)) if count == 0 else count
                else:
                    return
                stored = ("elements", elements, n)
                break
        if stored is None and not data and n and size is not None and t.dtype != 8:
            stored = ("bytes", 0, -(-int(n * size * 2) // 2))
    if stored is not None and stored[1] != stored[2]:
        raise BadTensor(f"tensor {t.name!r} has dims {t.dims} ({n:,} elements) but its data holds {stored[1]:,} {stored[0]} ({stored[2]:,} expected)")


def _scan_tensor(buf, s: int, e: int) -> tuple[_Tensor, bytes]:
    """Parse a TensorProto's small fields; return it and its serialization without data
    (or the original bytes when the data is small).  BadTensor for impossible dims."""
    t = _Tensor()
    external = False
    keep: list[tuple[int, int]] = []  # spans of the fields a stripped copy keeps
    data: dict[int, tuple[int, int, int]] = {}  # data field -> (start, end, unpacked element count)
    for number, wt, fs, vs, ve, val in fields(buf, s, e):
        if number in _TENSOR_DATA_FIELDS:
            t.nbytes += ve - vs
            start, end, count = data.get(number, (vs, vs, 0))
            data[number] = (start, end + (ve - vs), count + (0 if wt == 2 else 1)) if number in data else (vs, ve, 0 if wt == 2 else 1)
            continue
        if number == 1:  # dims: packed or not
            if wt == 2:
                p = vs
                while p < ve:
                    d, p = varint(buf, p, ve)
                    t.dims.append(d)
            else:
                t.dims.append(val)
        elif number == 2:
            t.dtype = val
        elif number == 8:
            t.name = _text(buf, vs, ve)
        elif number == 14:
            external = val == 1
            continue  # the stripped copy holds no data reference
        elif number == 13:  # external_data: StringStringEntryProto
            key = value = ""
            for n2, _, _, s2, e2, _ in fields(buf, vs, ve):
                if n2 == 1:
                    key = _text(buf, s2, e2)
                elif n2 == 2:
                    value = _text(buf, s2, e2)
            if key == "location":
                t.location = value
            elif key == "length" and value.isdigit():
                t.nbytes = t.length = int(value)
            continue
        keep.append((fs, ve))
    dims = [d - (1 << 64) if d >= 1 << 63 else d for d in t.dims]
    t.dims = dims
    if not external:
        t.location = None
    _check_tensor(t, data, external, buf)
    small = t.nbytes <= KEEP_DATA_BYTES or (t.dtype in INT_TYPES and t.nbytes <= KEEP_INT_DATA_BYTES)
    if small and not external:
        return t, bytes(buf[s:e])
    return t, b"".join(buf[a:b] for a, b in keep)


class Stripper:
    """Rebuilds a ModelProto with large tensor data left out."""

    def __init__(self, buf, path: Path):
        self.buf = buf
        self.path = path
        self.folder = os.path.realpath(path.parent)
        self.initializers: dict[str, _Tensor] = {}  # top graph
        self.inputs_declared: list[str] = []
        self.n_nodes = 0
        self.has_graph = False
        self.external_files: set[str] = set()
        self.weight_bytes = 0

    def _check_location(self, t: _Tensor) -> None:
        loc = t.location
        if loc is None:
            return
        target = os.path.realpath(os.path.join(self.folder, loc))
        if os.path.isabs(loc) or os.path.commonpath([self.folder, target]) != self.folder:
            raise InputError(f"{self.path}: tensor {t.name!r} has external data {loc!r} outside the model's folder")
        self.external_files.add(target)

    def tensor(self, s: int, e: int) -> bytes:
        t, data = _scan_tensor(self.buf, s, e)
        self._check_location(t)
        return data

    def model(self) -> bytes:
        buf = self.buf
        out: list[bytes] = []
        for number, wt, fs, vs, ve, _ in fields(buf, 0, len(buf)):
            if number == 7 and wt == 2:
                self.has_graph = True
                out.append(enc_len(7, self.graph(vs, ve, top=True)))
            else:
                out.append(bytes(buf[fs:ve]))
        return b"".join(out)

    def graph(self, s: int, e: int, top: bool = False, depth: int = 0) -> bytes:
        if depth > MAX_SUBGRAPH_DEPTH:
            raise InputError(f"{self.path}: subgraphs (If/Loop/Scan bodies) nested deeper than {MAX_SUBGRAPH_DEPTH} levels")
        buf = self.buf
        out: list[bytes] = []
        for number, wt, fs, vs, ve, _ in fields(buf, s, e):
            if wt != 2:
                out.append(bytes(buf[fs:ve]))
            elif number == 1:  # node
                if top:
                    self.n_nodes += 1
                # a small node is copied as it is, unless it may hold a subgraph or an external-data tensor
                if ve - vs <= BIG_NODE_BYTES:
                    whole = buf[fs:ve]
                    if not _may_hold_more(whole):
                        out.append(whole)
                        continue
                out.append(enc_len(1, self.node(vs, ve, depth)))
            elif number == 5:  # initializer
                t, data = _scan_tensor(buf, vs, ve)
                self._check_location(t)
                if top:
                    self.initializers[t.name] = t
                    self.weight_bytes += t.nbytes
                out.append(enc_len(5, data))
            elif number == 15:  # sparse_initializer: values(1) indices(2) dims(3)
                parts = []
                for n2, wt2, fs2, vs2, ve2, _ in fields(buf, vs, ve):
                    parts.append(enc_len(n2, self.tensor(vs2, ve2)) if n2 in (1, 2) and wt2 == 2 else bytes(buf[fs2:ve2]))
                out.append(enc_len(15, b"".join(parts)))
            elif number == 11 and top:  # input: remember the name
                for n2, _, _, vs2, ve2, _ in fields(buf, vs, ve):
                    if n2 == 1:
                        self.inputs_declared.append(_text(buf, vs2, ve2))
                out.append(bytes(buf[fs:ve]))
            else:
                out.append(bytes(buf[fs:ve]))
        return b"".join(out)

    def node(self, s: int, e: int, depth: int = 0) -> bytes:
        buf = self.buf
        out: list[bytes] = []
        for number, wt, fs, vs, ve, _ in fields(buf, s, e):
            if number == 5 and wt == 2:  # attribute
                out.append(enc_len(5, self.attribute(vs, ve, depth)))
            else:
                out.append(bytes(buf[fs:ve]))
        return b"".join(out)

    def attribute(self, s: int, e: int, depth: int = 0) -> bytes:
        buf = self.buf
        out: list[bytes] = []
        for number, wt, fs, vs, ve, _ in fields(buf, s, e):
            if wt == 2 and number in (5, 10):  # t, tensors
                out.append(enc_len(number, self.tensor(vs, ve)))
            elif wt == 2 and number in (6, 11):  # g, graphs
                out.append(enc_len(number, self.graph(vs, ve, depth=depth + 1)))
            else:
                out.append(bytes(buf[fs:ve]))
        return b"".join(out)


def strip(path: Path) -> tuple[bytes, Stripper]:
    try:
        size = path.stat().st_size
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    if size == 0:
        raise InputError(f"{path}: empty file, not an ONNX model")
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            stripper = Stripper(buf, path)
            try:
                data = stripper.model()
            except Corrupt as err:
                raise InputError(f"{path}: not a valid ONNX model ({err})") from None
            except BadTensor as err:
                raise InputError(f"{path}: {err}") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    if not stripper.has_graph:
        raise InputError(f"{path}: not an ONNX model with a graph (no graph field found)")
    return data, stripper

