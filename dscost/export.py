"""Write a :class:`dscost.layers.Model` (from a YAML layer spec) as an ONNX graph.

The graph has the spec's structure: one ONNX node per layer, named after the
layer (its output tensor has the same name), wired along ``Layer.inputs``,
convolutions rebuilt from ``Layer.conv``.  Analyzing the exported file with
``dscost analyze`` gives the same per-layer MACs and params as the spec.

**Weights are all zeros** (float32): the file is for counting, viewing
(Netron) and shape checks, not for inference results.  The zeros are written
without building them in memory (file holes where the filesystem supports
them), so even a VGG16 exports in a moment.  ``external_data=True`` puts the
weights in ``<file>.data`` next to the model (needed above 2 GB).

A few layers need a helper node, named ``<layer>/<what>``: an FC layer on a
feature map gets a Flatten before its Gemm; Clip bounds of relu6/clip are
small initializers.  Helpers cost nothing.
"""

from __future__ import annotations

import os
from math import prod
from pathlib import Path

from dscost.errors import InputError
from dscost.readers.onnx_wire import enc_header
from dscost.layers import (
    ACTIVATION,
    ADD,
    BATCHNORM,
    CONCAT,
    CONV_TYPES,
    FC,
    FLATTEN,
    GLOBAL_POOL,
    POOL,
    SHAPE,
    SOFTMAX,
    ConvGeom,
    Layer,
    Model,
)

INPUT = "input"
OPSET = 17
MAX_EMBEDDED = 2**31 - 64 * 2**20  # protobuf's 2 GB limit, with room for the graph
INT64_MAX = 2**63 - 1

# spec activation -> (ONNX op, attributes, minimum opset); relu6/clip use Clip with bounds
_ACTIVATIONS = {
    "relu": ("Relu", {}, 1),
    "leaky_relu": ("LeakyRelu", {"alpha": 0.01}, 1),
    "elu": ("Elu", {}, 1),
    "sigmoid": ("Sigmoid", {}, 1),
    "hard_sigmoid": ("HardSigmoid", {}, 1),
    "tanh": ("Tanh", {}, 1),
    "hard_swish": ("HardSwish", {}, 14),
    "softplus": ("Softplus", {}, 1),
    "gelu": ("Gelu", {}, 20),
    "swish": ("Swish", {}, 24),
    "silu": ("Swish", {}, 24),
    "mish": ("Mish", {}, 18),
    "softsign": ("Softsign", {}, 1),
}
_CLIPS = {"relu6": (0.0, 6.0), "clip": (0.0, 6.0)}


# The oldest IR version of each opset an export can have (OPSET, or an activation's, whichever
# is newer): onnx.helper.find_min_ir_version_for's, which a test compares; importing onnx.helper
# imports ml_dtypes (~1 s to load in its release 0.7.0), so it is asked only of another opset.
IR_FOR_OPSET = {17: 8, 18: 8, 20: 9, 24: 12}


def _known_opset() -> int:
    """The newest standard opset the installed onnx has schemas (and an IR version) for."""
    from dscost.readers import onnx_lib

    return onnx_lib.load().defs.onnx_opset_version()


def ir_version_for(opset: int) -> int:
    if opset in IR_FOR_OPSET:
        return IR_FOR_OPSET[opset]
    from onnx import helper

    return helper.find_min_ir_version_for([helper.make_opsetid("", opset)])


def conv_attrs(g: ConvGeom) -> dict:
    """The ONNX Conv attributes of a convolution geometry (explicit pads, no auto_pad)."""
    return {
        "kernel_shape": list(g.kernel),
        "strides": list(g.stride),
        "dilations": list(g.dilation),
        "pads": list(g.pads),
        "group": g.groups,
    }


def _activation_key(op: str) -> str:
    """Spec activation name; ONNX op names (Relu, HardSwish...) of hand-built Models map back."""
    if op in _ACTIVATIONS or op in _CLIPS:
        return op
    for key, (onnx_op, _, _) in _ACTIVATIONS.items():
        if onnx_op.lower() == op.lower():
            return key
    return "clip" if op.lower() == "clip" else op


def _pool_pads(size: int, kernel: int, out: int) -> tuple[int, int, int]:
    """(stride, pad_begin, pad_end) giving ``out`` from ``size`` with ``kernel`` (the Layer keeps only shapes)."""
    from dscost.cost import conv_out_size

    for stride in range(1, max(size, kernel) + 1):
        for total in range(0, 2 * kernel):
            begin, end = total // 2, total - total // 2
            if conv_out_size(size, kernel, stride, 1, begin, end) == out:
                return stride, begin, end
    raise ValueError(f"no stride/padding maps {size} to {out} with kernel {kernel}")


class _Graph:
    def __init__(self, model: Model):
        self.model = model
        self.nodes: list = []
        self.weights: list[tuple[str, tuple[int, ...]]] = []  # zero-filled float32 initializers
        self.small: list = []  # initializers with data
        self.opset = OPSET
        self.taken = {layer.name for layer in model.layers} | {INPUT}  # (tensor names: a layer's output is its name)

    def fresh(self, name: str) -> str:
        """``name``, or ``name_2``, ``name_3``...: no layer or tensor of the graph has it yet (a
        spec may name a layer ``a/W``, the name of layer ``a``'s weight)."""
        unique, n = name, 1
        while unique in self.taken:
            n += 1
            unique = f"{name}_{n}"
        self.taken.add(unique)
        return unique

    def weight(self, name: str, dims: tuple[int, ...]) -> str:
        name = self.fresh(name)
        self.weights.append((name, tuple(dims)))
        return name

    def scalar(self, name: str, value: float) -> str:
        from dscost.readers.onnx_lib import float_scalar

        name = self.fresh(name)
        self.small.append(float_scalar(name, value))
        return name

    def node(self, op: str, inputs: list[str], output: str, name: str, **attrs) -> None:
        from dscost.readers.onnx_lib import node

        self.nodes.append(node(op, inputs, [output], name, **attrs))

    def layer(self, layer: Layer, srcs: list[str]) -> None:
        t, name = layer.type, layer.name
        fail = lambda why: InputError(f"{self.model.source}: layer {name!r}: cannot export {why}")  # noqa: E731
        if t in CONV_TYPES:
            g = layer.conv
            if g is None:
                raise fail("a convolution without geometry")
            inputs = [srcs[0], self.weight(f"{name}/W", (g.cout, g.cin // g.groups, *g.kernel))]
            if g.bias:
                inputs.append(self.weight(f"{name}/B", (g.cout,)))
            self.node("Conv", inputs, name, name, **conv_attrs(g))
        elif t == BATCHNORM:
            c = layer.input_shape[1]
            inputs = [srcs[0]] + [self.weight(f"{name}/{p}", (c,)) for p in ("scale", "B", "mean", "var")]
            self.node("BatchNormalization", inputs, name, name)
        elif t == ACTIVATION:
            fn = _activation_key(layer.op)
            if fn in _CLIPS:
                lo, hi = _CLIPS[fn]
                self.node("Clip", [srcs[0], self.scalar(f"{name}/min", lo), self.scalar(f"{name}/max", hi)], name, name)
            elif fn in _ACTIVATIONS:
                op, attrs, opset = _ACTIVATIONS[fn]
                known = _known_opset()
                if opset > known:  # (onnx 1.17 knows opsets up to 22: Swish is 24)
                    import onnx

                    raise fail(f"activation {fn!r}: ONNX's {op} is an op of opset {opset}, and onnx {onnx.__version__} here knows opsets up to {known}; "
                               "upgrade onnx to export it")  # fmt: skip
                self.opset = max(self.opset, opset)
                self.node(op, [srcs[0]], name, name, **attrs)
            else:
                raise fail(f"activation {layer.op!r}")
        elif t == POOL:
            spatial, out = layer.input_shape[2:], layer.output_shape[2:]
            kernel = layer.kernel or ()
            try:
                triples = [_pool_pads(spatial[i], kernel[i], out[i]) for i in range(len(kernel))]
            except (ValueError, IndexError) as err:
                raise fail(f"pooling: {err}") from None
            op = "MaxPool" if "max" in layer.op.lower() else "AveragePool"
            self.node(op, [srcs[0]], name, name, kernel_shape=list(kernel), strides=[s for s, _, _ in triples],
                      pads=[b for _, b, _ in triples] + [e for _, _, e in triples])  # fmt: skip
        elif t == GLOBAL_POOL:
            self.node("GlobalMaxPool" if "max" in layer.op.lower() else "GlobalAveragePool", [srcs[0]], name, name)
        elif t == FLATTEN:
            self.node("Flatten", [srcs[0]], name, name, axis=1)
        elif t == FC:
            x = srcs[0]
            if len(layer.input_shape) > 2:
                x = self.fresh(f"{name}/flatten")
                self.node("Flatten", [srcs[0]], x, x, axis=1)
            units, features = layer.output_shape[-1], prod(layer.input_shape[1:])
            inputs = [x, self.weight(f"{name}/W", (units, features))]
            if layer.cost.biases:
                inputs.append(self.weight(f"{name}/B", (units,)))
            self.node("Gemm", inputs, name, name, transB=1)
        elif t == ADD:
            self.node("Add" if len(srcs) == 2 else "Sum", srcs, name, name)
        elif t == CONCAT:
            self.node("Concat", srcs, name, name, axis=1)
        elif t == SOFTMAX:
            self.node("Softmax", [srcs[0]], name, name, axis=-1)
        elif t == SHAPE:
            if layer.output_shape and tuple(layer.output_shape) != tuple(layer.input_shape):
                from dscost.readers.onnx_lib import int64_tensor

                target = self.fresh(f"{name}/shape")
                self.small.append(int64_tensor(target, list(layer.output_shape)))
                self.node("Reshape", [srcs[0], target], name, name)
            else:
                self.node("Dropout" if layer.op.lower() == "dropout" else "Identity", [srcs[0]], name, name)
        else:
            raise fail(f"layer type {t!r}")


def build_onnx(model: Model):
    """The ONNX ModelProto of ``model`` without weight data, and the zero weights to add:
    (model proto, [(initializer name, dims)])."""
    from dscost.readers.onnx_lib import FLOAT, model as make_model, value_info

    if not model.layers:
        raise InputError(f"{model.source}: no layers to export")
    g = _Graph(model)
    names = {layer.name for layer in model.layers}
    input_shape = model.layers[0].input_shape
    inputs_used: dict[str, tuple[int, ...]] = {}
    consumed: set[str] = set()
    prev = None
    for layer in model.layers:
        big = next((d for shape in (layer.input_shape, layer.output_shape) for d in shape or () if d > INT64_MAX), None)
        if big is not None:  # (its weights' dims are its channels: in these shapes too)
            raise InputError(f"{model.source}: layer {layer.name!r}: cannot export a dimension of {big:,}: ONNX's are 64-bit integers (at most {INT64_MAX:,})")
        srcs = list(layer.inputs) or [prev or INPUT]
        for s in srcs:
            if s not in names:
                inputs_used.setdefault(s, layer.input_shape if s != INPUT else input_shape)
            consumed.add(s)
        g.layer(layer, srcs)
        prev = layer.name
    graph_inputs = [value_info(n, FLOAT, s) for n, s in inputs_used.items()]
    graph_outputs = [value_info(layer.name, FLOAT, layer.output_shape) for layer in model.layers if layer.name not in consumed]
    mp = make_model(g.nodes, graph_inputs, graph_outputs, g.small, model.name or "model", g.opset, ir_version_for(g.opset), "dscost")  # (the oldest IR that runtimes accept)
    mp.graph.doc_string = f"Exported by dscost from {model.source}; weights are zeros."
    return mp, g.weights


def check_output(output: str, force: bool, external_data: bool) -> None:
    """``dscost export -o``, before the spec is read: a .onnx name, not a folder, and no file
    (nor its ``.data``) replaced without ``--force``."""
    if os.path.splitext(output)[1].lower() != ".onnx":
        raise InputError(f"--output {output}: expected a .onnx file name")
    if os.path.isdir(output):
        raise InputError(f"--output {output}: is a directory")
    if os.path.exists(output) and not force:
        raise InputError(f"--output {output}: file exists (use --force to overwrite)")
    if external_data and os.path.exists(output + ".data") and not force:
        raise InputError(f"--output {output}: its external data file {output}.data exists (use --force to overwrite)")


def export_model(model: Model, path: str | Path, external_data: bool | None = False, info: dict | None = None) -> Path:
    """Write ``model`` as ONNX to ``path`` (zero weights); onnx.checker passes on the result.

    With ``external_data`` the weights go to ``<name>.data`` beside the model (None: only when
    they do not fit in one protobuf).  The file
    is written to a temporary name and renamed, so a failure leaves nothing behind.
    ``info``, when given, is filled with what was written: ``nodes`` (ONNX graph nodes),
    ``bytes`` (size of the .onnx file), ``weight_bytes`` (fp32 zeros), ``data_file`` and
    ``data_bytes`` (the external data file, or None).
    """
    from dscost.readers import onnx_lib

    TensorProto = onnx_lib.load().TensorProto
    path = Path(path)
    mp, weights = build_onnx(model)
    big = next(((name, d) for name, dims in weights for d in dims if d > INT64_MAX), None)
    if big:  # (a dense layer's weight on a flattened map: the product of sizes that fit)
        raise InputError(f"{model.source}: weight {big[0]!r}: cannot export a dimension of {big[1]:,}: ONNX's are 64-bit integers (at most {INT64_MAX:,})")
    total = sum(prod(d) * 4 for _, d in weights)
    if external_data is None:  # as needed (bench's temp file)
        external_data = total > MAX_EMBEDDED
    if not external_data and total > MAX_EMBEDDED:
        raise InputError(f"{path}: {total / 2**30:.1f} GB of weights do not fit in one protobuf (2 GB); export with external data")
    data_name = path.name + ".data"
    headers = []
    offset = 0
    for name, dims in weights:
        t = TensorProto(name=name, dims=list(dims), data_type=TensorProto.FLOAT)
        nbytes = prod(dims) * 4
        if external_data:
            t.data_location = TensorProto.EXTERNAL
            for k, v in (("location", data_name), ("offset", str(offset)), ("length", str(nbytes))):
                e = t.external_data.add()
                e.key, e.value = k, v
            offset += -(-nbytes // 4096) * 4096
            headers.append((t.SerializeToString(), 0))
        else:
            headers.append((t.SerializeToString(), nbytes))
    nodes = len(mp.graph.node)
    graph = mp.graph.SerializeToString()
    mp.ClearField("graph")
    head = mp.SerializeToString()
    # Each initializer: field 5 of GraphProto = a TensorProto whose raw_data (field 9) is zeros.
    entries = []
    for header, nbytes in headers:
        body = header + (enc_header(9, nbytes) if nbytes else b"")
        entries.append((enc_header(5, len(body) + nbytes) + body, nbytes))
    graph_len = len(graph) + sum(len(e) + n for e, n in entries)
    from dscost.files import temp_beside

    temps: list[Path] = []
    try:
        for target in [path, path.with_name(data_name)][: 2 if external_data else 1]:  # unique names beside the output
            fd, name = temp_beside(target)
            os.close(fd)
            temps.append(Path(name))
        with open(temps[0], "wb") as f:
            f.write(head)
            f.write(enc_header(7, graph_len))
            f.write(graph)
            for entry, nbytes in entries:
                f.write(entry)
                if nbytes:
                    f.seek(nbytes, os.SEEK_CUR)  # zeros: a hole in the file
            f.truncate(f.tell())
        if external_data:
            with open(temps[1], "wb") as f:
                f.truncate(offset)
            os.replace(temps[1], path.with_name(data_name))
        os.replace(temps[0], path)
    except (OSError, OverflowError) as err:
        raise InputError(f"{path}: cannot write: {getattr(err, 'strerror', None) or err}") from None
    finally:  # also on Ctrl-C: nothing half-written is left behind
        for p in temps:
            p.unlink(missing_ok=True)
    if info is not None:
        data_path = path.with_name(data_name) if external_data else None
        info.update(
            nodes=nodes,
            bytes=path.stat().st_size,
            weight_bytes=total,
            data_file=str(data_path) if data_path else None,
            data_bytes=data_path.stat().st_size if data_path else None,
        )
    return path
