"""ONNX reader: an ONNX graph -> :class:`dscost.layers.Model`, without reading weight bytes.

How it stays fast and small on multi-GB models, in stages:

1. :func:`dscost.readers.onnx_wire.strip` memory-maps the file and copies the
   ModelProto without the data of large tensors (kilobytes, whatever the
   weights weigh); onnx parses that copy.
2. :mod:`dscost.readers.onnx_shapes` fixes the input shapes and infers every
   tensor's shape (onnx's inference with data propagation, plus folding of the
   shape arithmetic it leaves open).  onnx takes the type of a data-less
   initializer from its dims, which is all a shape needs.
3. Each node goes through the op handler table of :mod:`dscost.readers.onnx_ops`
   (:class:`_Counter`); params come from initializer dims, each tensor counted once.
"""

from __future__ import annotations

import os
from math import prod
from pathlib import Path

from dscost.errors import InputError
from dscost.layers import SHAPE, Layer, Model, Shape, Uncounted
from dscost.readers import onnx_shapes
from dscost.readers.onnx_wire import Stripper, strip
from dscost.units import nbytes

# Progress bar from this many nodes (or this many bytes of file).
PROGRESS_NODES = 5000
PROGRESS_BYTES = 200 * 1024 * 1024


def node_names(nodes) -> list[str]:
    """The layer name of every node, in order: its own name, ``<op_type>_<index>`` when it has
    none, and ``<name>_<index>`` for a repeated name.  `bench` and `convert` name the nodes of
    the models they run with the same rule, so onnxruntime's profile joins dscost's layers."""
    used: set[str] = set()
    out = []
    for index, node in enumerate(nodes):
        name = node.name or f"{node.op_type}_{index}"
        if name in used:
            name = f"{name}_{index}"
        used.add(name)
        out.append(name)
    return out


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


def _sub(cost, field_name: str, numel: int):
    from dataclasses import replace

    return replace(cost, **{field_name: getattr(cost, field_name) - numel})



# --------------------------------------------------------------------------
# The reader


def read_onnx(path: str | Path, input_shapes: dict[str, tuple] | None = None, progress: bool = False) -> Model:
    """Read an ONNX graph into a Model; weight bytes are never read.

    ``input_shapes`` overrides graph input shapes (``{"input": (1, 3, 224, 224)}``).
    ``progress`` shows a progress bar on stderr for big graphs (only on a TTY).
    """
    from dscost.files import regular_file
    from dscost.progress import Progress

    path = regular_file(path, "model file")
    stripped, st = strip(path)
    mp, onnx = _parse(path, stripped)
    del stripped
    show = progress and (st.n_nodes >= PROGRESS_NODES or path.stat().st_size >= PROGRESS_BYTES)
    with Progress(show, st.n_nodes, "inferring shapes") as bar:
        notes = _check_opsets(path, mp, st, onnx)
        mp = _inline_functions(mp, notes)
        init_names = set(st.initializers)
        real_inputs = [vi for vi in mp.graph.input if vi.name not in init_names]
        onnx_shapes.fix_inputs(mp.graph, real_inputs, input_shapes, path, notes)
        g = onnx_shapes.infer(mp, path, onnx).graph
        del mp
        bar.stage("counting nodes")
        counter = _Counter(g, st, onnx)
        for index, (node, name) in enumerate(zip(g.node, node_names(g.node))):
            if index % 1000 == 999:
                bar.advance(1000)
            counter.visit(node, name)
        notes += counter.provenance_notes()
    return Model(name=path.stem, source=str(path), layers=counter.layers, uncounted=counter.uncounted, notes=notes)


def _parse(path: Path, stripped: bytes):
    import onnx
    from google.protobuf.message import DecodeError

    try:
        return onnx.ModelProto.FromString(stripped), onnx
    except (DecodeError, RuntimeError, ValueError) as err:
        raise InputError(f"{path}: not a valid ONNX model ({str(err).splitlines()[0] if str(err) else 'protobuf parse error'})") from None


def _check_opsets(path: Path, mp, st: Stripper, onnx) -> list[str]:
    """Refuse opsets this onnx cannot infer; the first notes (opset, size, external data)."""
    default = [o.version for o in mp.opset_import if o.domain in ("", "ai.onnx")]
    if not mp.opset_import:
        raise InputError(f"{path}: model declares no opset_import")
    newest = onnx.defs.onnx_opset_version()
    if default and default[0] > newest:
        raise InputError(f"{path}: opset {default[0]} is newer than this onnx supports (up to {newest}); upgrade onnx")
    if default and default[0] < 1:
        raise InputError(f"{path}: invalid opset version {default[0]}")
    notes = [f"ONNX opset {default[0] if default else '?'}, {st.n_nodes} nodes, {len(st.initializers)} initializers "
             f"({nbytes(st.weight_bytes)} of weights, not read)"]  # fmt: skip
    missing = sorted(f for f in st.external_files if not os.path.exists(f))
    if st.external_files:
        notes.append(f"external data in {len(st.external_files)} file(s), never opened" + (f"; missing: {', '.join(os.path.basename(m) for m in missing)}" if missing else ""))
    return notes


def _inline_functions(mp, notes: list[str]):
    if not mp.functions:
        return mp
    try:
        from onnx import inliner

        n_functions = len(mp.functions)
        mp = inliner.inline_local_functions(mp)
        notes.append(f"{n_functions} model-local function(s) inlined")
    except Exception:
        pass
    return mp


class _Counter:
    """Walks the inferred graph's nodes in order and builds the layers: constants,
    the op handler's cost, parameters counted once, and the graph edges."""

    def __init__(self, g, st: Stripper, onnx):
        from dscost.readers import onnx_ops

        self.ops = onnx_ops
        self.helper = onnx.helper
        self.shapes: dict[str, Shape | None] = {t.name: tuple(t.dims) for t in st.initializers.values()}
        for coll in (g.input, g.value_info, g.output):
            for vi in coll:
                self.shapes[vi.name] = onnx_shapes.static_shape(vi.type)
        # Constant tensors: initializers and Constant-node outputs (name -> data type)
        self.const: dict[str, int] = {t.name: t.dtype for t in st.initializers.values()}
        self.const_node: dict[str, str] = {}
        for t in g.initializer:  # nested duplicates are fine
            self.const.setdefault(t.name, t.data_type)
        self.real_inputs = {vi.name for vi in g.input if vi.name not in st.initializers}
        self.layers: list[Layer] = []
        self.uncounted: list[Uncounted] = []
        self.producer: dict[str, str] = {}  # tensor -> layer/node name
        self.producer_op: dict[str, str] = {}
        self.claimed: dict[str, str] = {}  # param tensor -> first layer counting it
        self.provenance: dict[str, list[str]] = {}  # source of params that are not initializers -> layers

    def visit(self, node, name: str) -> None:
        op = node.op_type
        inputs, outputs = list(node.input), list(node.output)
        for t in outputs:
            if t:
                self.producer[t] = name
                self.producer_op[t] = op
        self._constants(node, name, inputs, outputs)
        ops = self.ops
        if node.domain not in ("", "ai.onnx"):
            self.uncounted.append(Uncounted(name, op, f"custom op of domain {node.domain!r}: no cost handler"))
            return
        if op in ops.CONTROL_FLOW:
            self.uncounted.append(Uncounted(name, op, _subgraph_summary(node)))
            return
        handler = ops.HANDLERS.get(op)
        if handler is None:
            self.uncounted.append(Uncounted(name, op, f"no cost handler for op type {op!r}"))
            return
        shapes = self.shapes
        info = ops.NodeInfo(
            name, op, _attrs(node, self.helper) if node.attribute else {}, inputs, outputs,
            [shapes.get(t) if t else None for t in inputs],
            [shapes.get(t) if t else None for t in outputs],
            self.const,
        )  # fmt: skip
        try:
            res = handler(info)
        except ops.UnknownShape as err:
            self.uncounted.append(Uncounted(name, op, f"unknown shape of {err}"))
            return
        except (ValueError, TypeError, IndexError, KeyError, AttributeError, ZeroDivisionError) as err:
            self.uncounted.append(Uncounted(name, op, f"cannot derive cost: {err}"))
            return
        cost, notes = self._claim_params(name, res, inputs, res.cost, [res.note] if res.note else [])
        data_idx = res.data_inputs if res.data_inputs is not None else range(len(inputs))
        first = next((info.in_shapes[i] for i in data_idx if i < len(inputs) and i not in res.params and info.in_shapes[i] is not None), None)
        if first is None and res.type != SHAPE:
            first = next((s for s in info.in_shapes if s is not None), None)
        self.layers.append(
            Layer(
                name=name,
                type=res.type,
                op=op,
                inputs=self._edges(inputs, data_idx, res.params),
                input_shape=first or (),
                output_shape=info.out_shapes[0] if info.out_shapes and info.out_shapes[0] is not None else (),
                cost=cost,
                conv=res.conv,
                kernel=res.kernel,
                note="; ".join(notes),
            )
        )

    def _constants(self, node, name: str, inputs: list[str], outputs: list[str]) -> None:
        if node.op_type == "Constant" and node.domain in ("", "ai.onnx"):
            for a in node.attribute:
                dtype = a.t.data_type if a.HasField("t") else (7 if a.name.startswith("value_int") else 1)
                for t in outputs:
                    self.const[t] = dtype
                    self.const_node[t] = name
                    if a.HasField("t"):
                        self.shapes[t] = tuple(a.t.dims)
        elif node.op_type == "Identity" and inputs and inputs[0] in self.const:
            # An Identity of a constant is a constant (so a MatMul on it is an FC layer).
            # torch.onnx writes a weight whose values equal another's -- e.g. the zero
            # biases of an untrained model -- as an Identity of the first: in the model
            # they are distinct parameters, so each Identity copy is counted as its own.
            for t in outputs:
                self.const[t] = self.const[inputs[0]]

    def _claim_params(self, name: str, res, inputs: list[str], cost, notes: list[str]):
        """Count each parameter tensor once (at its first consumer) and say where it came from."""
        for i, field_name in res.params.items():
            t = inputs[i]
            numel = prod(self.shapes.get(t) or ())
            if t in self.claimed:
                cost = _sub(cost, field_name, numel)
                notes.append(f"{t!r} shared with {self.claimed[t]}, counted there")
                continue
            self.claimed[t] = name
            if t in self.const_node:
                notes.append(f"{field_name} {t!r} from Constant node {self.const_node[t]}")
            elif t in self.const:
                pass  # an initializer: the usual case
            elif t in self.real_inputs:
                notes.append(f"{field_name} {t!r} from graph input")
            elif t in self.producer:
                notes.append(f"{field_name} {t!r} computed by node {self.producer[t]} ({self.producer_op[t]})")
            else:
                notes.append(f"{field_name} {t!r} from an outer scope")
            if t not in self.const or t in self.const_node:
                kind = (
                    "Constant nodes" if t in self.const_node
                    else "graph inputs" if t in self.real_inputs
                    else f"{self.producer_op[t]} node outputs" if t in self.producer
                    else "an outer scope"
                )  # fmt: skip
                self.provenance.setdefault(kind, []).append(name)
        return cost, notes

    def _edges(self, inputs: list[str], data_idx, params: dict) -> tuple[str, ...]:
        edges: list[str] = []
        for i in data_idx:
            if i >= len(inputs) or not inputs[i] or i in params:
                continue
            t = inputs[i]
            if t in self.const:
                continue
            src = self.producer.get(t, t)
            if src not in edges:
                edges.append(src)
        return tuple(edges)

    def provenance_notes(self) -> list[str]:
        notes = []
        for kind, names in self.provenance.items():
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            notes.append(f"{len(names)} parameter tensor(s) come from {kind}, not initializers; counted from their inferred shapes ({shown}; JSON layer notes name each tensor)")
        return notes
