"""ONNX reader: an ONNX graph -> :class:`dscost.layers.Model`, without reading weight bytes.

How it stays fast and small on multi-GB models:

1. The file is memory-mapped and its protobuf wire format is scanned by hand
   (a tag/varint reader, below).  Every field is copied verbatim except the
   data of large tensors (``raw_data``, ``float_data``... of initializers and of
   Constant-node attributes), which is skipped by its length prefix: those pages
   of the file are never touched.  Each stripped tensor keeps its name, dims and
   data type; small tensors (shape-carrying int64 constants, Resize scales)
   keep their data so that data propagation can resolve Reshape targets.
   External data is never opened; its location must stay inside the model's
   folder.
2. The stripped copy (kilobytes) is parsed by onnx and shape-inferred with
   ``onnx.shape_inference.infer_shapes(..., data_prop=True)``.  onnx's inference
   takes the type of a data-less initializer from its dims, which is all a
   shape needs.
3. Each node goes through the op handler table of :mod:`dscost.readers.onnx_ops`;
   params come from initializer dims, each tensor counted once.
"""

from __future__ import annotations

import mmap
import os
import sys
from math import prod
from pathlib import Path

from dscost.errors import InputError
from dscost.layers import SHAPE, Layer, Model, Shape, Uncounted

# Tensors with at most this many data bytes keep their data in the stripped copy.
KEEP_DATA_BYTES = 1024
KEEP_INT_DATA_BYTES = 64 * 1024  # int64/int32 tensors: shapes, axes, indices
INT_TYPES = (6, 7)  # INT32, INT64
# Nodes larger than this are parsed to strip tensor attributes (big Constant nodes, subgraphs).
BIG_NODE_BYTES = 16 * 1024
# Progress bar from this many nodes (or this many bytes of file).
PROGRESS_NODES = 5000
PROGRESS_BYTES = 200 * 1024 * 1024

# TensorProto fields holding data
_TENSOR_DATA_FIELDS = frozenset({4, 5, 6, 7, 9, 10, 11})


class _Corrupt(Exception):
    def __init__(self, pos: int, what: str = "truncated or corrupt protobuf"):
        super().__init__(f"{what} at byte {pos}")
        self.pos = pos


# --------------------------------------------------------------------------
# Protobuf wire format


def _varint(buf, pos: int, end: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if pos >= end:
            raise _Corrupt(pos)
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise _Corrupt(pos, "varint too long")


def _fields(buf, pos: int, end: int):
    """Yield (field number, wire type, field start, value start, value end, varint value)."""
    while pos < end:
        start = pos
        key, pos = _varint(buf, pos, end)
        number, wt = key >> 3, key & 7
        if number == 0:
            raise _Corrupt(start, "field number 0")
        if wt == 0:
            value, after = _varint(buf, pos, end)
            yield number, wt, start, pos, after, value
            pos = after
        elif wt == 2:
            length, pos = _varint(buf, pos, end)
            after = pos + length
            if after > end:
                raise _Corrupt(start)
            yield number, wt, start, pos, after, length
            pos = after
        elif wt == 1 or wt == 5:
            after = pos + (8 if wt == 1 else 4)
            if after > end:
                raise _Corrupt(start)
            yield number, wt, start, pos, after, 0
            pos = after
        else:
            raise _Corrupt(start, f"wire type {wt}")
    if pos != end:
        raise _Corrupt(pos)


def _enc_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _enc_len(number: int, payload: bytes) -> bytes:
    return _enc_varint(number << 3 | 2) + _enc_varint(len(payload)) + payload


def _text(buf, s: int, e: int) -> str:
    return bytes(buf[s:e]).decode("utf-8", errors="replace")


class _Tensor:
    __slots__ = ("name", "dims", "dtype", "nbytes", "location")

    def __init__(self):
        self.name = ""
        self.dims: list[int] = []
        self.dtype = 0
        self.nbytes = 0
        self.location: str | None = None


def _scan_tensor(buf, s: int, e: int) -> tuple[_Tensor, bytes]:
    """Parse a TensorProto's small fields; return it and its serialization without data
    (or the original bytes when the data is small)."""
    t = _Tensor()
    external = False
    keep: list[bytes] = []
    for number, wt, fs, vs, ve, val in _fields(buf, s, e):
        if number in _TENSOR_DATA_FIELDS:
            t.nbytes += ve - vs
            continue
        if number == 1:  # dims: packed or not
            if wt == 2:
                p = vs
                while p < ve:
                    d, p = _varint(buf, p, ve)
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
            for n2, _, _, s2, e2, _ in _fields(buf, vs, ve):
                if n2 == 1:
                    key = _text(buf, s2, e2)
                elif n2 == 2:
                    value = _text(buf, s2, e2)
            if key == "location":
                t.location = value
            elif key == "length" and value.isdigit():
                t.nbytes = int(value)
            continue
        keep.append(bytes(buf[fs:ve]))
    dims = [d - (1 << 64) if d >= 1 << 63 else d for d in t.dims]
    t.dims = dims
    if not external:
        t.location = None
    small = t.nbytes <= KEEP_DATA_BYTES or (t.dtype in INT_TYPES and t.nbytes <= KEEP_INT_DATA_BYTES)
    if small and not external:
        return t, bytes(buf[s:e])
    return t, b"".join(keep)


class _Stripper:
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
            raise InputError(f"{self.path}: initializer {t.name!r} has external data {loc!r} outside the model's folder")
        self.external_files.add(target)

    def tensor(self, s: int, e: int) -> bytes:
        t, data = _scan_tensor(self.buf, s, e)
        self._check_location(t)
        return data

    def model(self) -> bytes:
        buf = self.buf
        out: list[bytes] = []
        for number, wt, fs, vs, ve, _ in _fields(buf, 0, len(buf)):
            if number == 7 and wt == 2:
                self.has_graph = True
                out.append(_enc_len(7, self.graph(vs, ve, top=True)))
            else:
                out.append(bytes(buf[fs:ve]))
        return b"".join(out)

    def graph(self, s: int, e: int, top: bool = False) -> bytes:
        buf = self.buf
        out: list[bytes] = []
        for number, wt, fs, vs, ve, _ in _fields(buf, s, e):
            if wt != 2:
                out.append(bytes(buf[fs:ve]))
            elif number == 1:  # node
                if top:
                    self.n_nodes += 1
                out.append(bytes(buf[fs:ve]) if ve - vs <= BIG_NODE_BYTES else _enc_len(1, self.node(vs, ve)))
            elif number == 5:  # initializer
                t, data = _scan_tensor(buf, vs, ve)
                self._check_location(t)
                if top:
                    self.initializers[t.name] = t
                    self.weight_bytes += t.nbytes
                out.append(_enc_len(5, data))
            elif number == 15:  # sparse_initializer: values(1) indices(2) dims(3)
                parts = []
                for n2, wt2, fs2, vs2, ve2, _ in _fields(buf, vs, ve):
                    parts.append(_enc_len(n2, self.tensor(vs2, ve2)) if n2 in (1, 2) and wt2 == 2 else bytes(buf[fs2:ve2]))
                out.append(_enc_len(15, b"".join(parts)))
            elif number == 11 and top:  # input: remember the name
                for n2, _, _, vs2, ve2, _ in _fields(buf, vs, ve):
                    if n2 == 1:
                        self.inputs_declared.append(_text(buf, vs2, ve2))
                out.append(bytes(buf[fs:ve]))
            else:
                out.append(bytes(buf[fs:ve]))
        return b"".join(out)

    def node(self, s: int, e: int) -> bytes:
        buf = self.buf
        out: list[bytes] = []
        for number, wt, fs, vs, ve, _ in _fields(buf, s, e):
            if number == 5 and wt == 2:  # attribute
                out.append(_enc_len(5, self.attribute(vs, ve)))
            else:
                out.append(bytes(buf[fs:ve]))
        return b"".join(out)

    def attribute(self, s: int, e: int) -> bytes:
        buf = self.buf
        out: list[bytes] = []
        for number, wt, fs, vs, ve, _ in _fields(buf, s, e):
            if wt == 2 and number in (5, 10):  # t, tensors
                out.append(_enc_len(number, self.tensor(vs, ve)))
            elif wt == 2 and number in (6, 11):  # g, graphs
                out.append(_enc_len(number, self.graph(vs, ve)))
            else:
                out.append(bytes(buf[fs:ve]))
        return b"".join(out)


def _strip(path: Path) -> tuple[bytes, _Stripper]:
    try:
        size = path.stat().st_size
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    if size == 0:
        raise InputError(f"{path}: empty file, not an ONNX model")
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            stripper = _Stripper(buf, path)
            try:
                data = stripper.model()
            except _Corrupt as err:
                raise InputError(f"{path}: not a valid ONNX model ({err})") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    if not stripper.has_graph:
        raise InputError(f"{path}: not an ONNX model with a graph (no graph field found)")
    return data, stripper


# --------------------------------------------------------------------------
# Shapes


def _dims(type_proto) -> Shape | None:
    """Concrete shape of a tensor type, None if the rank or any dim is unknown."""
    if not type_proto.HasField("tensor_type") or not type_proto.tensor_type.HasField("shape"):
        return None
    out = []
    for d in type_proto.tensor_type.shape.dim:
        if d.HasField("dim_value") and d.dim_value > 0:
            out.append(d.dim_value)
        elif d.HasField("dim_value") and d.dim_value == 0:
            out.append(0)
        else:
            return None
    return tuple(out)


def _fix_inputs(graph, real_inputs: list, input_shapes: dict | None, path: Path, notes: list[str]) -> None:
    """Apply --input-shape overrides; a symbolic batch dim becomes 1; other unknown dims are an error."""
    names = [vi.name for vi in real_inputs]
    overrides = dict(input_shapes or {})
    for key in overrides:
        if key not in names:
            raise InputError(f"{path}: --input-shape names {key!r}, which is not an input of the graph (inputs: {', '.join(names) or 'none'})")
    for vi in real_inputs:
        hint = f"--input-shape {vi.name}=1x3x224x224"
        if vi.name in overrides:
            shape = tuple(int(v) for v in overrides[vi.name])
            given = f"--input-shape {vi.name}={'x'.join(map(str, shape))}"
            if any(v <= 0 for v in shape):
                raise InputError(f"{path}: {given}: dimensions must be positive")
            declared = vi.type.tensor_type.shape.dim if vi.type.tensor_type.HasField("shape") else None
            if declared is not None:
                if len(declared) != len(shape):
                    raise InputError(f"{path}: {given}: the model declares input {vi.name!r} with {len(declared)} dimensions, not {len(shape)}")
                fixed = [f"{i} ({d.dim_value} -> {v})" for i, (d, v) in enumerate(zip(declared, shape)) if d.HasField("dim_value") and 0 < d.dim_value != v]
                if fixed:
                    notes.append(f"{given} overrides fixed dimension(s) {', '.join(fixed)} of input {vi.name!r}; layers whose shapes no longer fit are listed as uncounted")
            tt = vi.type.tensor_type
            tt.shape.ClearField("dim")
            for v in shape:
                tt.shape.dim.add().dim_value = v
            continue
        if not vi.type.HasField("tensor_type"):
            continue
        tt = vi.type.tensor_type
        if not tt.HasField("shape"):
            raise InputError(f"{path}: input {vi.name!r} has no shape; set it with {hint}")
        for i, d in enumerate(tt.shape.dim):
            if d.HasField("dim_value") and d.dim_value > 0:
                continue
            if d.HasField("dim_value"):
                raise InputError(f"{path}: input {vi.name!r} has a zero-sized dimension {i}; set a real shape with {hint}")
            label = d.dim_param or "?"
            if i == 0:
                d.dim_value = 1
                notes.append(f"symbolic batch dimension {label!r} of input {vi.name!r} set to 1")
            else:
                raise InputError(f"{path}: input {vi.name!r} has an unresolved dimension {i} ({label!r}); set it with {hint}")


# --------------------------------------------------------------------------
# Attributes and subgraphs


def _attrs(node, helper) -> dict:
    """Attribute values by name (tensor and graph attributes stay protos)."""
    out = {}
    for a in node.attribute:
        if a.type in (5, 10, 6, 11):  # tensors and graphs: not needed by handlers
            out[a.name] = a
            continue
        try:
            out[a.name] = helper.get_attribute_value(a)
        except Exception:
            out[a.name] = None
    return out


def _subgraph_summary(node) -> str:
    from collections import Counter

    parts = []
    for a in node.attribute:
        graphs = [a.g] if a.HasField("g") else list(a.graphs)
        for g in graphs:
            counts: Counter = Counter()
            stack = [g]
            while stack:
                cur = stack.pop()
                for n in cur.node:
                    counts[n.op_type] += 1
                    for a2 in n.attribute:
                        if a2.HasField("g"):
                            stack.append(a2.g)
                        stack.extend(a2.graphs)
            ops = ", ".join(f"{op} x{c}" for op, c in counts.most_common(4))
            parts.append(f"{a.name}: {sum(counts.values())} nodes ({ops})" if ops else f"{a.name}: empty")
    return "subgraph not counted: " + "; ".join(parts)


# --------------------------------------------------------------------------
# Progress


class _Progress:
    def __init__(self, enabled: bool, total: int, label: str):
        self.bar = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True,
        )  # fmt: skip
        self.bar.start()
        self.task = self.bar.add_task(label, total=total)

    def stage(self, label: str) -> None:
        if self.bar:
            self.bar.update(self.task, description=label)

    def advance(self, n: int) -> None:
        if self.bar:
            self.bar.advance(self.task, n)

    def close(self) -> None:
        if self.bar:
            self.bar.stop()


# --------------------------------------------------------------------------
# The reader


def _fmt_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def read_onnx(path: str | Path, input_shapes: dict[str, tuple] | None = None, progress: bool = False) -> Model:
    """Read an ONNX graph into a Model; weight bytes are never read.

    ``input_shapes`` overrides graph input shapes (``{"input": (1, 3, 224, 224)}``).
    ``progress`` shows a Rich progress bar on stderr for big graphs (only on a TTY).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: is a directory, not a model file" if path.is_dir() else f"{path}: not a regular file")
    stripped, st = _strip(path)

    import onnx
    from google.protobuf.message import DecodeError

    try:
        mp = onnx.ModelProto.FromString(stripped)
    except (DecodeError, RuntimeError, ValueError) as err:
        raise InputError(f"{path}: not a valid ONNX model ({str(err).splitlines()[0] if str(err) else 'protobuf parse error'})") from None
    del stripped

    show = progress and sys.stderr.isatty() and (st.n_nodes >= PROGRESS_NODES or path.stat().st_size >= PROGRESS_BYTES)
    bar = _Progress(show, st.n_nodes, "inferring shapes")
    try:
        return _build(path, mp, st, input_shapes, bar, onnx)
    finally:
        bar.close()


def _build(path: Path, mp, st: _Stripper, input_shapes, bar: _Progress, onnx) -> Model:
    from dscost.readers import onnx_ops as ops

    notes: list[str] = []
    # Opsets
    default = [o.version for o in mp.opset_import if o.domain in ("", "ai.onnx")]
    if not mp.opset_import:
        raise InputError(f"{path}: model declares no opset_import")
    newest = onnx.defs.onnx_opset_version()
    if default and default[0] > newest:
        raise InputError(f"{path}: opset {default[0]} is newer than this onnx supports (up to {newest}); upgrade onnx")
    if default and default[0] < 1:
        raise InputError(f"{path}: invalid opset version {default[0]}")
    notes.append(f"ONNX opset {default[0] if default else '?'}, {st.n_nodes} nodes, {len(st.initializers)} initializers "
                 f"({_fmt_bytes(st.weight_bytes)} of weights, not read)")  # fmt: skip
    missing = sorted(f for f in st.external_files if not os.path.exists(f))
    if st.external_files:
        notes.append(f"external data in {len(st.external_files)} file(s), never opened" + (f"; missing: {', '.join(os.path.basename(m) for m in missing)}" if missing else ""))

    if mp.functions:
        try:
            from onnx import inliner

            n_functions = len(mp.functions)
            mp = inliner.inline_local_functions(mp)
            notes.append(f"{n_functions} model-local function(s) inlined")
        except Exception:
            pass

    graph = mp.graph
    init_names = set(st.initializers)
    real_inputs = [vi for vi in graph.input if vi.name not in init_names]
    _fix_inputs(graph, real_inputs, input_shapes, path, notes)

    inferred = _infer(mp, path, onnx)
    for _ in range(4):  # shape arithmetic onnx's data propagation leaves open (Div, Cast, Mod...)
        if not _fold_shape_values(mp, inferred.graph):
            break
        inferred = _infer(mp, path, onnx)
    g = inferred.graph
    del mp

    shapes: dict[str, Shape | None] = {}
    for t in st.initializers.values():
        shapes[t.name] = tuple(t.dims)
    for coll in (g.input, g.value_info, g.output):
        for vi in coll:
            shapes[vi.name] = _dims(vi.type)

    # Constant tensors: initializers and Constant-node outputs (name -> data type)
    const: dict[str, int] = {t.name: t.dtype for t in st.initializers.values()}
    const_node: dict[str, str] = {}
    for t in g.initializer:  # nested duplicates are fine
        const.setdefault(t.name, t.data_type)
    real_input_names = {vi.name for vi in g.input if vi.name not in init_names}

    layers: list[Layer] = []
    uncounted: list[Uncounted] = []
    producer: dict[str, str] = {}  # tensor -> layer/node name
    producer_op: dict[str, str] = {}
    claimed: dict[str, str] = {}  # param tensor -> first layer counting it
    provenance: dict[str, list[str]] = {}  # source of params that are not initializers -> layers
    used_names: set[str] = set()
    bar.stage("counting nodes")
    handlers = ops.HANDLERS
    helper = onnx.helper
    for index, node in enumerate(g.node):
        if index % 1000 == 999:
            bar.advance(1000)
        op = node.op_type
        name = node.name or f"{op}_{index}"
        if name in used_names:
            name = f"{name}_{index}"
        used_names.add(name)
        outputs = list(node.output)
        inputs = list(node.input)
        for t in outputs:
            if t:
                producer[t] = name
                producer_op[t] = op
        if op == "Constant" and node.domain in ("", "ai.onnx"):
            for a in node.attribute:
                dtype = a.t.data_type if a.HasField("t") else (7 if a.name.startswith("value_int") else 1)
                for t in outputs:
                    const[t] = dtype
                    const_node[t] = name
                    if a.HasField("t"):
                        shapes[t] = tuple(a.t.dims)
        elif op == "Identity" and inputs and inputs[0] in const:
            # An Identity of a constant is a constant (so a MatMul on it is an FC layer).
            # torch.onnx writes a weight whose values equal another's -- e.g. the zero
            # biases of an untrained model -- as an Identity of the first: in the model
            # they are distinct parameters, so each Identity copy is counted as its own.
            for t in outputs:
                const[t] = const[inputs[0]]
        if node.domain not in ("", "ai.onnx"):
            uncounted.append(Uncounted(name, op, f"custom op of domain {node.domain!r}: no cost handler"))
            continue
        if op in ops.CONTROL_FLOW:
            uncounted.append(Uncounted(name, op, _subgraph_summary(node)))
            continue
        handler = handlers.get(op)
        if handler is None:
            uncounted.append(Uncounted(name, op, f"no cost handler for op type {op!r}"))
            continue
        info = ops.NodeInfo(
            name, op, _attrs(node, helper) if node.attribute else {}, inputs, outputs,
            [shapes.get(t) if t else None for t in inputs],
            [shapes.get(t) if t else None for t in outputs],
            const,
        )  # fmt: skip
        try:
            res = handler(info)
        except ops.UnknownShape as err:
            uncounted.append(Uncounted(name, op, f"unknown shape of {err}"))
            continue
        except (ValueError, TypeError, IndexError, KeyError, AttributeError, ZeroDivisionError) as err:
            uncounted.append(Uncounted(name, op, f"cannot derive cost: {err}"))
            continue
        cost = res.cost
        notes_here: list[str] = [res.note] if res.note else []
        for i, field_name in res.params.items():
            t = inputs[i]
            numel = prod(shapes.get(t) or ())
            if t in claimed:
                cost = _sub(cost, field_name, numel)
                notes_here.append(f"{t!r} shared with {claimed[t]}, counted there")
                continue
            claimed[t] = name
            if t in const_node:
                notes_here.append(f"{field_name} {t!r} from Constant node {const_node[t]}")
            elif t in const:
                pass  # an initializer: the usual case
            elif t in real_input_names:
                notes_here.append(f"{field_name} {t!r} from graph input")
            elif t in producer:
                notes_here.append(f"{field_name} {t!r} computed by node {producer[t]} ({producer_op[t]})")
            else:
                notes_here.append(f"{field_name} {t!r} from an outer scope")
            if t not in const or t in const_node:
                kind = "Constant nodes" if t in const_node else "graph inputs" if t in real_input_names else f"{producer_op[t]} node outputs" if t in producer else "an outer scope"
                provenance.setdefault(kind, []).append(name)
        data_idx = res.data_inputs if res.data_inputs is not None else range(len(inputs))
        edges: list[str] = []
        for i in data_idx:
            if i >= len(inputs) or not inputs[i] or i in res.params:
                continue
            t = inputs[i]
            if t in const:
                continue
            src = producer.get(t, t)
            if src not in edges:
                edges.append(src)
        first = next((info.in_shapes[i] for i in data_idx if i < len(inputs) and i not in res.params and info.in_shapes[i] is not None), None)
        if first is None and res.type != SHAPE:
            first = next((s for s in info.in_shapes if s is not None), None)
        layers.append(
            Layer(
                name=name,
                type=res.type,
                op=op,
                inputs=tuple(edges),
                input_shape=first or (),
                output_shape=info.out_shapes[0] if info.out_shapes and info.out_shapes[0] is not None else (),
                cost=cost,
                conv=res.conv,
                kernel=res.kernel,
                note="; ".join(notes_here),
            )
        )
    for kind, names in provenance.items():
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        notes.append(f"{len(names)} parameter tensor(s) come from {kind}, not initializers; counted from their inferred shapes ({shown}; JSON layer notes name each tensor)")
    return Model(name=path.stem, source=str(path), layers=layers, uncounted=uncounted, notes=notes)


def _infer(mp, path: Path, onnx):
    try:
        return onnx.shape_inference.infer_shapes(mp, check_type=False, strict_mode=False, data_prop=True)
    except Exception as err:
        msg = str(err).strip().splitlines()
        raise InputError(f"{path}: shape inference failed: {msg[-1] if msg else type(err).__name__}") from None


# --------------------------------------------------------------------------
# Shape arithmetic that onnx's data propagation does not cover

FOLD_MAX_ELEMENTS = 64


def _fold_shape_values(mp, g) -> bool:
    """Evaluate small integer tensors computed from shapes (Shape -> Gather -> Div -> Cast ->
    Concat, as PyTorch exports attention heads) and feed each one that a node with an unknown
    output shape reads as a new small initializer, so the next shape inference resolves it.
    ``mp`` is the graph being inferred (changed in place), ``g`` its last inferred graph.
    Returns whether anything changed."""
    import numpy as np
    from onnx import numpy_helper

    shapes: dict[str, Shape | None] = {}
    for coll in (g.input, g.value_info, g.output):
        for vi in coll:
            shapes[vi.name] = _dims(vi.type)
    for t in g.initializer:
        shapes[t.name] = tuple(t.dims)
    open_nodes = [i for i, n in enumerate(g.node) if any(o and shapes.get(o) is None for o in n.output)]
    if not open_nodes:
        return False
    vals: dict[str, object] = {}
    for t in g.initializer:
        if t.data_type in INT_TYPES and prod(t.dims) <= FOLD_MAX_ELEMENTS:
            try:
                arr = numpy_helper.to_array(t)
            except Exception:
                continue
            if arr.size == prod(t.dims):
                vals[t.name] = arr
    produced: dict[str, int] = {}  # folded node output -> ONNX data type
    for n in g.node:
        if n.domain not in ("", "ai.onnx"):
            continue
        try:
            out = _eval_int(n, vals, shapes, np, numpy_helper)
        except Exception:
            continue
        if out is None or out.dtype.kind not in "iu" or out.size > FOLD_MAX_ELEMENTS:
            continue
        vals[n.output[0]] = out
        produced[n.output[0]] = 6 if out.dtype == np.int32 else 7
    changed = False
    existing = {t.name for t in mp.graph.initializer}
    for i in open_nodes:
        node = mp.graph.node[i]
        for j, t in enumerate(node.input):
            if t in produced:
                folded = f"{t}::folded"
                if folded not in existing:
                    arr = vals[t].astype(np.int32 if produced[t] == 6 else np.int64)
                    mp.graph.initializer.append(numpy_helper.from_array(arr, folded))
                    existing.add(folded)
                node.input[j] = folded
                changed = True
    return changed


def _eval_int(n, vals: dict, shapes: dict, np, numpy_helper):
    """Value of a shape-arithmetic node's first output, or None."""
    op = n.op_type
    attrs = {a.name: a for a in n.attribute}
    if op == "Constant":
        if "value" in attrs and attrs["value"].t.data_type in INT_TYPES:
            return numpy_helper.to_array(attrs["value"].t)
        if "value_int" in attrs:
            return np.array(attrs["value_int"].i, dtype=np.int64)
        if "value_ints" in attrs:
            return np.array(list(attrs["value_ints"].ints), dtype=np.int64)
        return None
    if op in ("Shape", "Size"):
        s = shapes.get(n.input[0])
        if s is None:
            return None
        if op == "Size":
            return np.array(prod(s), dtype=np.int64)
        start = attrs["start"].i if "start" in attrs else 0
        end = attrs["end"].i if "end" in attrs else len(s)
        return np.array(s, dtype=np.int64)[start:end]
    ins = [vals.get(t) if t else None for t in n.input]
    present = [x for t, x in zip(n.input, ins) if t]
    if not present or any(x is None for x in present):
        return None
    a = ins[0]
    if op in ("Identity", "Cast"):
        to = attrs["to"].i if "to" in attrs else None
        if op == "Cast" and to not in INT_TYPES:
            return None
        return a.astype(np.int32 if to == 6 else np.int64) if op == "Cast" else a
    if op in ("Add", "Sub", "Mul", "Div", "Mod", "Max", "Min", "Equal"):
        b = ins[1]
        if op == "Div":
            return np.trunc(a / b).astype(np.result_type(a, b))
        if op == "Mod":
            return np.fmod(a, b) if "fmod" in attrs and attrs["fmod"].i else np.mod(a, b)
        return {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Max": np.maximum, "Min": np.minimum, "Equal": np.equal}[op](a, b)
    if op == "Neg":
        return -a
    if op == "Gather":
        return np.take(a, ins[1], axis=attrs["axis"].i if "axis" in attrs else 0)
    if op == "Concat":
        return np.concatenate([np.atleast_1d(x) for x in present], axis=attrs["axis"].i)
    if op in ("Unsqueeze", "Squeeze"):
        axes = list(ins[1]) if len(ins) > 1 and ins[1] is not None else list(attrs["axes"].ints) if "axes" in attrs else None
        if op == "Squeeze":
            return np.squeeze(a, axis=tuple(int(x) for x in axes) if axes is not None else None)
        rank = a.ndim + len(axes)
        for ax in sorted(int(x) % rank for x in axes):
            a = np.expand_dims(a, ax)
        return a
    if op == "Slice" and len(ins) >= 3:
        starts, ends = ins[1], ins[2]
        axes = ins[3] if len(ins) > 3 and ins[3] is not None else range(len(starts))
        steps = ins[4] if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
        index = [slice(None)] * a.ndim
        for st, en, ax, sp in zip(starts, ends, axes, steps):
            index[int(ax)] = slice(int(st), int(en), int(sp))
        return a[tuple(index)]
    if op == "Reshape":
        target = [a.shape[i] if v == 0 else int(v) for i, v in enumerate(ins[1])]
        return a.reshape(target)
    return None


def _sub(cost, field_name: str, numel: int):
    from dataclasses import replace

    return replace(cost, **{field_name: getattr(cost, field_name) - numel})
