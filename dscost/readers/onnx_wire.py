"""The protobuf wire format of ONNX files, read without touching weight bytes.

The model file is memory-mapped and scanned field by field (every field is a
tag and, for bytes and messages, a length).  :func:`strip` rebuilds a copy of
the ModelProto in which the data of large tensors (``raw_data``,
``float_data``... of initializers and of Constant-node attributes, anywhere in
the graph and its subgraphs) is skipped by its length prefix, so those pages of
the file are never read.  Each stripped tensor keeps its name, dims and data
type; small tensors (shape-carrying int64 constants, Resize scales) keep their
data so that shapes can be computed.  Each initializer records where its values
are (``_Tensor.data``), for :mod:`dscost.readers.onnx_stored`: it reads the
values of the few constants whose values count (masks, folded shape arithmetic),
and makes onnxruntime's copy, which refers to the weights where the file holds
them (a subclass of :class:`Stripper`).  External data is not opened otherwise;
its location must stay inside the model's folder.

Speed (a graph may hold 100k nodes and 50k initializers): fields kept as they
are go into the copy as one slice per run of them, not one each; a run of
small nodes is scanned header by header and then searched in one pass for the
keys that mean a node must be parsed; tensors in the layout onnx writes take a
fast path, anything else the general one (which also words the errors).

Also the encoder half (:func:`enc_varint`, :func:`enc_len`) that
:mod:`dscost.export` uses to write tensor headers.
"""

from __future__ import annotations

import heapq
import mmap
import os
import re
from bisect import bisect_right
from pathlib import Path

from dscost.errors import InputError
from dscost.files import note_input

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


def short_varint(buf, pos: int, end: int) -> tuple[int, int]:
    """:func:`varint`, its one- and two-byte cases (lengths and small values: the bulk) first."""
    b = buf[pos] if pos < end else 0x80
    if b < 0x80:
        return b, pos + 1
    if pos + 1 < end and buf[pos + 1] < 0x80:
        return b & 0x7F | buf[pos + 1] << 7, pos + 2
    return varint(buf, pos, end)


def field(buf, pos: int, end: int) -> tuple[int, int, int, int, int]:
    """Decode the field at ``pos < end``: (field number, wire type, value start, value end,
    varint value or length); Corrupt if it is not a whole field."""
    start = pos
    key = buf[pos]
    if key < 0x80:  # one-byte keys are the common case: no call
        pos += 1
    else:
        key, pos = varint(buf, pos, end)
    number, wt = key >> 3, key & 7
    if number == 0:
        raise Corrupt(start, "field number 0")
    if wt == 2:
        length, pos = short_varint(buf, pos, end)
        if pos + length > end:
            raise Corrupt(start)
        return number, wt, pos, pos + length, length
    if wt == 0:
        value, after = varint(buf, pos, end)
        return number, wt, pos, after, value
    if wt == 1 or wt == 5:
        after = pos + (8 if wt == 1 else 4)
        if after > end:
            raise Corrupt(start)
        return number, wt, pos, after, 0
    raise Corrupt(start, f"wire type {wt}")


def fields(buf, pos: int, end: int):
    """Yield (field number, wire type, field start, value start, value end, varint value)."""
    while pos < end:
        number, wt, vs, ve, value = field(buf, pos, end)
        yield number, wt, pos, vs, ve, value
        pos = ve


_LOCATION = re.compile(rb"location")
# Runs of an AttributeProto's unpacked repeated numbers, as onnx.helper writes `value_floats`
# and `ints` (proto2): a tag and 4 bytes per float (field 7), a tag and a varint per int (field 8).
# Copied as one slice: a Constant of 5M floats is 5M fields, 8 s when scanned one by one.  Matched
# RUN_CHUNK numbers at a time: re keeps state for each repetition of a group, 75 bytes a number.
RUN_CHUNK = 4096
_RUNS = {0x3D: re.compile(rb"(?:\x3d[\x00-\xff]{4}){1,%d}" % RUN_CHUNK),
         0x40: re.compile(rb"(?:\x40[\x80-\xff]{0,9}[\x00-\x7f]){1,%d}" % RUN_CHUNK)}  # fmt: skip
_SUBGRAPH = re.compile(rb"\xa0\x01[\x05\x0a]")  # an AttributeProto's type (tag 0xA0 0x01): GRAPH 5 or GRAPHS 10


def _may_hold_more(buf, s: int, e: int):
    """Where the bytes ``buf[s:e]`` of small NodeProtos may hold an external-data tensor (the key
    "location") or a subgraph: the (start, end) of each such key, in order.  A node that holds
    one is parsed, not copied; a false positive only costs a parse."""
    return heapq.merge(*(((m.start(), m.end()) for m in key.finditer(buf, s, e)) for key in (_LOCATION, _SUBGRAPH)))


def _small_nodes(buf, pos: int, end: int) -> tuple[list[int], int]:
    """The starts and the end of the run of small NodeProto fields of a GraphProto at ``pos``
    (key 0x0A, a length of one or two bytes up to BIG_NODE_BYTES); it stops before anything else."""
    starts = []
    while pos + 1 < end and buf[pos] == 0x0A:
        length = buf[pos + 1]
        if length < 0x80:
            after = pos + 2 + length
        elif pos + 2 < end and buf[pos + 2] < 0x80:
            length = (length & 0x7F) | buf[pos + 2] << 7
            after = pos + 3 + length
        else:
            break
        if after > end or length > BIG_NODE_BYTES:
            break
        starts.append(pos)
        pos = after
    return starts, pos


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
    if number < 16 and length < 0x4000:  # the common case: no loop
        return bytes((number << 3 | 2, length)) if length < 0x80 else bytes((number << 3 | 2, length & 0x7F | 0x80, length >> 7))
    return enc_varint(number << 3 | 2) + enc_varint(length)


def enc_len(number: int, payload: bytes) -> bytes:
    return enc_header(number, len(payload)) + payload


def _text(buf, s: int, e: int) -> str:
    return str(buf[s:e], "utf-8", "replace")


class _Tensor:
    __slots__ = ("name", "dims", "dtype", "nbytes", "location", "length", "data")

    def __init__(self):
        self.name = ""
        self.dims: list[int] = []
        self.dtype = 0
        self.nbytes = 0
        self.location: str | None = None
        self.length: int | None = None  # external data length, when given
        # the offset of the values as one little-endian span -- raw_data, packed float_data or
        # double_data (``nbytes``) in the model file, or external data; None otherwise
        self.data: int | None = None


class BadTensor(Exception):
    """A tensor whose header is impossible (the message names it)."""


# Bytes per element of TensorProto data types (raw_data; 4-bit types pack two per byte).
ITEMSIZE = {1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 14: 8, 15: 16, 16: 2,
            17: 1, 18: 1, 19: 1, 20: 1, 21: 0.5, 22: 0.5, 23: 0.5, 24: 1}  # fmt: skip
# Typed data fields checked element by element: field number -> (data type, bytes per element or 0 for varints)
_TYPED = {4: (1, 4), 10: (11, 8), 5: (6, 0), 7: (7, 0)}
_HIGH_BYTES = bytes(range(0x80, 0x100))


def data_bytes(n: int, size) -> int:
    """Bytes of ``n`` elements of ``size`` bytes each (0.5: two 4-bit elements per byte), in
    integers: dims multiplying to more than a float holds are impossible, not a crash."""
    return -(-n * int(size * 2) // 2)


def _count(n: int) -> str:
    return f"{n:,}" if n < 10**21 else f"about 10^{len(str(n)) - 1}"  # (a hostile header's product stays one short line)


def _dims(dims: list[int]) -> str:
    return str(dims) if len(dims) <= 8 else f"{str(dims[:4])[:-1]}, ... ({len(dims)} dims)]"


def _check_tensor(t: _Tensor, data: dict[int, tuple[int, int]], external: bool, buf) -> None:
    """Negative dims, and dims that disagree with the stored data, are impossible: BadTensor."""
    if any(d < 0 for d in t.dims):
        raise BadTensor(f"tensor {t.name!r} has a negative dimension (dims {t.dims})")
    n = 1
    for d in t.dims:
        n *= d
    size = ITEMSIZE.get(t.dtype)
    if external:
        if t.length is not None and size is not None and t.length != data_bytes(n, size):
            raise BadTensor(f"tensor {t.name!r} has dims {_dims(t.dims)} ({_count(n)} elements) but its external data is {t.length:,} bytes")
        return
    stored = None
    if 9 in data and size is not None:
        stored = ("bytes", data[9][1] - data[9][0], data_bytes(n, size))
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
            stored = ("bytes", 0, data_bytes(n, size))
    if stored is not None and stored[1] != stored[2]:
        raise BadTensor(f"tensor {t.name!r} has dims {_dims(t.dims)} ({_count(n)} elements) but its data holds {stored[1]:,} {stored[0]} ({_count(stored[2])} expected)")


def _scan_plain(buf, s: int, e: int) -> tuple[_Tensor, list[tuple[int, int]] | None] | None:
    """:func:`_scan_tensor` of the common TensorProto: one-byte keys of dims (unpacked, as onnx
    writes them, or packed), data_type, name and one raw_data that matches the dims.  None for
    anything else, which the general path parses (and reports) instead."""
    t = _Tensor()
    dims = t.dims
    raw = None
    pos = s
    try:
        while pos < e:
            fs = pos
            key = buf[pos]
            value, pos = short_varint(buf, pos + 1, e)  # (every field here starts with a varint: a value or a length)
            if key == 0x08:
                dims.append(value)
                continue
            if key == 0x10:
                t.dtype = value
                continue
            vs, pos = pos, pos + value
            if pos > e:
                return None
            if key == 0x4A and raw is None:
                raw = fs, vs, pos
            elif key == 0x42:
                t.name = _text(buf, vs, pos)
            elif key == 0x0A:  # packed dims
                while vs < pos:
                    d, vs = varint(buf, vs, pos)
                    dims.append(d)
            else:
                return None
        if raw is None:
            return None
        n = 1
        for d in dims:
            if d >= 1 << 63:  # negative
                return None
            n *= d
        fs, vs, ve = raw
        t.nbytes = ve - vs
        t.data = vs
        size = ITEMSIZE.get(t.dtype)
        if size is not None and t.nbytes != data_bytes(n, size):
            return None
    except (Corrupt, OverflowError):
        return None
    if t.nbytes <= KEEP_DATA_BYTES or (t.dtype in INT_TYPES and t.nbytes <= KEEP_INT_DATA_BYTES):
        return t, None
    return t, [(s, fs), (ve, e)] if ve < e else [(s, fs)]


def _scan_tensor(buf, s: int, e: int) -> tuple[_Tensor, list[tuple[int, int]] | None]:
    """Parse a TensorProto's small fields; return it and the spans of ``buf`` that make its
    serialization without data, or None when the data is small and the tensor is kept as it is.
    BadTensor for impossible dims."""
    fast = _scan_plain(buf, s, e)
    if fast is not None:
        return fast
    t = _Tensor()
    external = False
    keep: list[tuple[int, int]] = []  # spans of the fields a stripped copy keeps
    data: dict[int, tuple[int, int, int]] = {}  # data field -> (start, end, unpacked element count)
    repeated = False  # (a data field given twice: its values are no one span)
    offset = 0  # (external data's)
    for number, wt, fs, vs, ve, val in fields(buf, s, e):
        if number in _TENSOR_DATA_FIELDS:
            repeated = repeated or number in data
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
            elif key == "offset" and value.isdigit():
                offset = int(value)
            continue
        if keep and keep[-1][1] == fs:
            keep[-1] = (keep[-1][0], ve)
        else:
            keep.append((fs, ve))
    dims = [d - (1 << 64) if d >= 1 << 63 else d for d in t.dims]
    t.dims = dims
    if not external:
        t.location = None
    _check_tensor(t, data, external, buf)
    if external:
        if t.dtype in ITEMSIZE:
            t.data = offset
    elif not repeated and len(data) == 1:
        (number, (vs, ve, count)), = data.items()
        if number == 9 or (count == 0 and (number, t.dtype) in ((4, 1), (10, 11))):  # (raw_data; float or double data, packed)
            t.data = vs
    small = t.nbytes <= KEEP_DATA_BYTES or (t.dtype in INT_TYPES and t.nbytes <= KEEP_INT_DATA_BYTES)
    if small and not external:
        return t, None
    return t, keep


class Stripper:
    """Rebuilds a ModelProto with large tensor data left out."""

    def __init__(self, buf, path: Path):
        self.buf = buf
        self.path = path
        self.folder = os.path.realpath(path.parent)
        self.initializers: dict[str, _Tensor] = {}  # top graph
        self.constants: dict[str, _Tensor] = {}  # the top graph's Constant nodes whose data was left out, by output
        self.stripped: _Tensor | None = None  # (the last tensor whose data was left out)
        self.opened: dict[str, None] = {}  # why an external-data file was read (:func:`stored_array`, the masks)
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
        if target not in self.external_files:
            note_input(target)  # (one of the command's inputs: a report never replaces it)
            self.external_files.add(target)

    def tensor(self, s: int, e: int) -> bytes:
        t, keep = _scan_tensor(self.buf, s, e)
        self._check_location(t)
        self.stripped = t if keep is not None else None
        return self.buf[s:e] if keep is None else self.without_data(t, s, e, keep)

    def without_data(self, t: _Tensor, s: int, e: int, keep: list[tuple[int, int]]) -> bytes:
        """The TensorProto at ``buf[s:e]`` whose data is left out: the spans ``keep`` of its other fields."""
        return b"".join(self.buf[a:b] for a, b in keep)

    def model(self) -> bytes:
        buf = self.buf
        out: list[bytes] = []
        for number, wt, fs, vs, ve, _ in fields(buf, 0, len(buf)):
            if number == 7 and wt == 2:
                self.has_graph = True
                out.append(enc_len(7, self.graph(vs, ve, top=True)))
            else:
                out.append(buf[fs:ve])
        return b"".join(out)

    def graph(self, s: int, e: int, top: bool = False, depth: int = 0) -> bytes:
        """The GraphProto at ``buf[s:e]`` rebuilt.  Fields kept as they are accumulate into one
        run, ``buf[run:pos]``, copied in one slice before the next rewritten field."""
        if depth > MAX_SUBGRAPH_DEPTH:
            raise InputError(f"{self.path}: subgraphs (If/Loop/Scan bodies) nested deeper than {MAX_SUBGRAPH_DEPTH} levels")
        buf = self.buf
        out: list[bytes] = []
        run = pos = s
        while pos < e:
            fs = pos
            if buf[pos] == 0x0A:  # nodes, the bulk of a graph: scan a run of small ones at once
                starts, pos = _small_nodes(buf, fs, e)
                if starts:
                    if top:
                        self.n_nodes += len(starts)
                    # a small node is copied as it is, unless it may hold a subgraph or an external-data tensor
                    parsed = fs  # the nodes before this are done
                    for ks, ke in _may_hold_more(buf, fs, pos):
                        i = bisect_right(starts, ks) - 1
                        ns, ne = starts[i], starts[i + 1] if i + 1 < len(starts) else pos
                        if ks < parsed or ke > ne:  # in a node parsed already, or across two nodes
                            continue
                        if run < ns:
                            out.append(buf[run:ns])
                        out.append(enc_len(1, self.node(field(buf, ns, ne)[2], ne, depth)))
                        run = parsed = ne
                    continue
            number, wt, vs, pos, _ = field(buf, fs, e)
            if wt != 2:
                continue
            resume = pos  # where the run goes on after the rewritten field
            if number == 1:  # a node _small_nodes does not take (big, or an unusual header)
                if top:
                    self.n_nodes += 1
                if pos - vs <= BIG_NODE_BYTES and next(_may_hold_more(buf, fs, pos), None) is None:
                    continue
                new = [enc_len(1, self.node(vs, pos, depth))]
            elif number == 5:  # initializer
                t, keep = _scan_tensor(buf, vs, pos)
                self._check_location(t)
                if top:
                    self.initializers[t.name] = t
                    self.weight_bytes += t.nbytes
                if keep is None:  # kept whole: only a header longer than needed is rewritten
                    header = enc_header(5, pos - vs)
                    if buf[fs:vs] == header:
                        continue
                    new, resume = [header], vs
                else:
                    new = [enc_len(5, self.without_data(t, vs, pos, keep))]
            elif number == 15:  # sparse_initializer: values(1) indices(2) dims(3)
                parts = []
                for n2, wt2, fs2, vs2, ve2, _ in fields(buf, vs, pos):
                    parts.append(enc_len(n2, self.tensor(vs2, ve2)) if n2 in (1, 2) and wt2 == 2 else buf[fs2:ve2])
                new = [enc_len(15, b"".join(parts))]
            else:
                if number == 11 and top:  # input: remember the name
                    for n2, _, _, vs2, ve2, _ in fields(buf, vs, pos):
                        if n2 == 1:
                            self.inputs_declared.append(_text(buf, vs2, ve2))
                continue
            if run < fs:
                out.append(buf[run:fs])
            out += new
            run = resume
        if run < e:
            out.append(buf[run:e])
        return b"".join(out)

    def node(self, s: int, e: int, depth: int = 0) -> bytes:
        """The NodeProto at ``buf[s:e]`` rebuilt; a Constant node of the top graph whose tensor lost
        its data is remembered by its output (:attr:`constants`)."""
        buf = self.buf
        out: list[bytes] = []
        self.stripped = None
        named: dict[int, str] = {}  # (its first output, 2, and its op_type, 4)
        for number, wt, fs, vs, ve, _ in fields(buf, s, e):
            if number == 5 and wt == 2:  # attribute
                out.append(enc_len(5, self.attribute(vs, ve, depth)))
            else:
                if number in (2, 4) and wt == 2 and number not in named:
                    named[number] = _text(buf, vs, ve)
                out.append(bytes(buf[fs:ve]))
        if depth == 0 and self.stripped is not None and named.get(4) == "Constant" and named.get(2):
            self.constants[named[2]] = self.stripped
        return b"".join(out)

    def attribute(self, s: int, e: int, depth: int = 0) -> bytes:
        buf = self.buf
        out: list[bytes] = []
        fs = s
        while fs < e:
            run, end = _RUNS.get(buf[fs]), fs
            while run is not None and (m := run.match(buf, end, e)) is not None:  # (floats or ints, RUN_CHUNK at a time)
                end = m.end()
            if end > fs:  # (one field after another: one slice)
                out.append(bytes(buf[fs:end]))
                fs = end
                continue
            number, wt, vs, ve, _ = field(buf, fs, e)
            if wt == 2 and number in (5, 10):  # t, tensors
                out.append(enc_len(number, self.tensor(vs, ve)))
            elif wt == 2 and number in (6, 11):  # g, graphs
                out.append(enc_len(number, self.graph(vs, ve, depth=depth + 1)))
            else:
                out.append(bytes(buf[fs:ve]))
            fs = ve
        return b"".join(out)


def strip(path: Path, kind: type[Stripper] = Stripper) -> tuple[bytes, Stripper]:
    """The ModelProto of the file at ``path`` rebuilt by a ``kind`` of :class:`Stripper`, and that stripper."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    if size == 0:
        raise InputError(f"{path}: empty file, not an ONNX model")
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            stripper = kind(buf, path)
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

