"""ONNX's experimental ops, removed in onnx 1.5 (opset 10) but kept by onnxruntime, and what the
converters of that time wrote: WinMLTools and onnxmltools from Core ML (``ImageScaler`` before
the first conv of tiny-YOLOv2 and the other early model-zoo files), Caffe2 (``Scale``, ``Crop``,
``Affine``).  ``ThresholdedRelu`` and ``MeanVarianceNormalization`` were experimental before
their opset 10 and 9 versions, in a file of an older opset.  Caffe2's exporter and PyTorch 1.0
wrote ``ConstantFill``, ``GivenTensorFill`` (Caffe2's weights), ``DynamicSlice`` and ``GRUUnit``,
and Caffe2's ``Upsample`` of the first version (``height_scale``, ``width_scale``).

onnx's shape inference knows none of them at the opset they appear in, so every shape after one
would be lost: each has a shape function here (registered with the contrib ops' shape functions,
which :func:`dscost.readers.onnx_shapes.infer` applies) and, where :mod:`dscost.readers.onnx_ops`
has none, a cost handler.  Their scales and biases are attributes, not tensors: not parameters.

Older still, the first versions of the common ops (Relu-1, BatchNormalization-1, Add-1, Concat-1,
Reshape-1, Gemm-1 ...: the model zoo's opset-3 files from Caffe2) have no shape inference in onnx
at all; :func:`old_opset_outputs` gives their shapes from a copy of the graph that onnx's version
converter brought to opset 6.

Nothing here does I/O; only :func:`old_opset_outputs` uses onnx (given to it).
"""

from __future__ import annotations

from math import prod

from dscost import cost as C
from dscost.layers import ACTIVATION, ELEMENTWISE, RECURRENT, SHAPE, Cost
from dscost.readers.handlers import Result, out_numel
from dscost.readers.onnx_node import CANNOT_RUN, NodeInfo, contrib_shapes, handles, input_0_shape

# op -> (layer type, cost.ELEMENT_OPS key): y = scale * x + bias[channel] (ImageScaler),
# alpha * x + beta (Affine), scale * x, alpha * tanh(beta * x), alpha * softplus(beta * x)
ELEMENT_WISE = {
    "ImageScaler": (ELEMENTWISE, "scale_shift"),
    "Affine": (ELEMENTWISE, "scale_shift"),
    "Scale": (ELEMENTWISE, "scale"),
    "ScaledTanh": (ACTIVATION, "scaled_tanh"),
    "ParametricSoftplus": (ACTIVATION, "parametric_softplus"),
}


contrib_shapes(*ELEMENT_WISE, "ThresholdedRelu", "MeanVarianceNormalization", domain="")(input_0_shape)


@contrib_shapes("Crop", domain="")
def crop_shape(info: NodeInfo) -> list:
    """Crop of an NCHW input: ``border`` (left, top, right, bottom) cut off, or with ``scale``
    (height, width) that window from the top-left border on."""
    x = info.input_shape(0)
    border = [int(v) for v in info.attr("border", ())]
    if x is None or len(x) != 4 or len(border) != 4:
        return [None]
    left, top, right, bottom = border
    scale = [int(v) for v in info.attr("scale", ())]
    h, w = scale if len(scale) == 2 else (x[2] - top - bottom, x[3] - left - right)
    if min(left, top, right, bottom, h, w) < 0 or top + h > x[2] or left + w > x[3]:
        return [None]  # (a window outside the input: left open, so the node stays uncounted)
    return [(x[0], x[1], h, w)]


@handles(*ELEMENT_WISE)
def element_wise(info: NodeInfo) -> Result:
    """cost.per_element_cost: 2 ops per element for ImageScaler and Affine (a multiply, an add),
    1 for Scale, 3 for ScaledTanh (tanh and two multiplies), 4 for ParametricSoftplus
    (softplus 2, two multiplies)."""
    kind, fn = ELEMENT_WISE[info.op]
    return Result(kind, C.per_element_cost(fn, out_numel(info)), data_inputs=(0,))


@handles("Crop")
def crop(info: NodeInfo) -> Result:
    """A window of the input: data movement, zero cost."""
    info.out()  # (an unknown output shape: uncounted, as any node whose shapes are lost)
    return Result(SHAPE, data_inputs=(0,))


# --------------------------------------------------------------------------
# Caffe2's experimental ops of onnx 1.0-1.4, and the first Upsample


def _dims(value) -> list[int] | None:
    """A list attribute of non-negative ints (dims), None when it is anything else (a hostile file's)."""
    if isinstance(value, (bytes, str)) or not hasattr(value, "__len__") or len(value) > 64:
        return None
    return [int(v) for v in value] if all(isinstance(v, int) and v >= 0 for v in value) else None


@contrib_shapes("ConstantFill", "GivenTensorFill", domain="")
def fill_shape(info: NodeInfo) -> list:
    """A tensor filled with ``value`` (ConstantFill) or with ``values`` (GivenTensorFill, in order):
    of the ``shape`` attribute (none: a scalar); with an input, of that input's shape, or of its
    value with ``input_as_shape``, then the ``extra_shape`` dims appended.  GivenTensorFill's
    values must fill it exactly."""
    extra = _dims(info.attr("extra_shape", []))
    if info.has(0):
        base = info.value(0) if info.attr("input_as_shape", 0) else info.input_shape(0)
    else:
        base, extra = _dims(info.attr("shape", [])), []
    if base is None or extra is None or min(base, default=0) < 0:
        return [None]
    out = (*base, *extra)
    values = info.attr("values")
    if info.op == "GivenTensorFill" and (not hasattr(values, "__len__") or len(values) != prod(out)):
        return [None]  # (a file whose values do not fill its shape: left open, the node uncounted)
    return [out]


@contrib_shapes("DynamicSlice", domain="")
def dynamic_slice_shape(info: NodeInfo) -> list:
    """Slice-10 without steps: ``starts``, ``ends`` and the optional ``axes`` (default 0, 1, ...)
    are inputs, known when folding knows their values."""
    x, axes = info.input_shape(0), info.value(3) if info.has(3) else None
    window = _window(x, info.value(1), info.value(2), axes)
    if window is None or (axes is None and info.has(3)):
        return [None]
    out = list(x)
    for axis, (start, end) in window.items():
        out[axis] = end - start
    return [tuple(out)]


def _window(x, starts, ends, axes) -> dict[int, tuple[int, int]] | None:
    """axis -> (start, end) clamped to the data, as Slice-10 clamps (None: not known, or not a slice)."""
    if x is None or starts is None or ends is None:
        return None
    axes = list(range(len(starts))) if axes is None else axes
    if not len(starts) == len(ends) == len(axes):
        return None
    window = {}
    for a, start, end in zip(axes, starts, ends):
        a = a + len(x) if a < 0 else a
        if not 0 <= a < len(x) or a in window:
            return None
        n = x[a]
        start, end = (min(max(v + n if v < 0 else v, 0), n) for v in (start, end))
        window[a] = (start, max(start, end))
    return window


def dynamic_slice_value(arrays: list, np):
    """The value of a DynamicSlice of known inputs (folding: a slice of a Shape), else None."""
    data, bounds = arrays[0], [None if a is None else np.asarray(a) for a in arrays[1:4]]
    if data is None or any(a is not None and a.dtype.kind not in "iu" for a in bounds):
        return None
    ints = [None if a is None else [int(v) for v in a.reshape(-1)] for a in bounds]
    window = _window(data.shape, *ints, *([None] * (3 - len(ints))))
    if window is None:
        return None
    return data[tuple(slice(*window[i]) if i in window else slice(None) for i in range(data.ndim))]


LEGACY_FOLDS = {"DynamicSlice": dynamic_slice_value}  # op -> its value from known inputs
NO_EVALUATOR = ("ConstantFill", "GivenTensorFill", "DynamicSlice", "GRUUnit")  # ops onnx's evaluator lacks: folded by LEGACY_FOLDS or not at all


@contrib_shapes("GRUUnit", domain="")
def gru_unit_shape(info: NodeInfo) -> list:
    """The new hidden state, of the shape of ``hidden_prev`` (N, D); left open when the gates are
    not (1, N, 3D) (the handler says why)."""
    h, gates = info.input_shape(0), info.input_shape(1)
    return [h if h is not None and gates is not None and _gates_fit(h, gates) else None]


def _gates_fit(h, gates) -> bool:
    return len(h) == 2 and len(gates) == 3 and gates[0] == 1 and gates[1] == h[0] and gates[2] == 3 * h[1]


@contrib_shapes("Upsample", domain="")
def upsample_1_shape(info: NodeInfo) -> list:
    """Upsample-1 (experimental; an opset-6 file of Caffe2's exporter holds it): an NCHW input's
    H and W times ``height_scale`` and ``width_scale``, rounded down; left open for any later
    Upsample (onnx infers those)."""
    x, hs, ws = info.input_shape(0), info.attr("height_scale"), info.attr("width_scale")
    if x is None or len(x) != 4 or not all(isinstance(v, float) and 0 < v < 1e6 for v in (hs, ws)):
        return [None]
    return [(x[0], x[1], int(x[2] * hs), int(x[3] * ws))]


@handles("ConstantFill", "GivenTensorFill")
def fill(info: NodeInfo) -> Result:
    """A source of data, as ConstantOfShape and Constant: zero cost.  GivenTensorFill's values are a
    constant of the file (the reader takes its output for a Constant node's: a parameter where a
    weight input reads it)."""
    info.out()
    return Result(SHAPE, data_inputs=())


@handles("DynamicSlice")
def dynamic_slice(info: NodeInfo) -> Result:
    """A window of the data: data movement, zero cost."""
    info.out()
    return Result(SHAPE, data_inputs=(0,))


@handles("GRUUnit")
def gru_unit(info: NodeInfo) -> Result:
    """One GRU step of Caffe2 on gates already computed (N, 3D: reset, update, output; the reset
    gate was applied before): per element of the (N, D) state, h = h_prev * sigmoid(u) +
    tanh(o) * (1 - sigmoid(u)), i.e. a sigmoid (3) and a tanh (1) as cost.ACTIVATION_OPS, two
    multiplies, a subtract and an add: other_ops = 8 * N * D.  Its seq_lengths and t are not data."""
    h, gates = info.shape(0), info.shape(1)
    if not _gates_fit(h, gates):
        raise ValueError(f"its gates {tuple(gates)} are not (1, N, 3D) for a hidden state {tuple(h)} (N, D): {CANNOT_RUN}")
    per = C.ACTIVATION_OPS["sigmoid"] + C.ACTIVATION_OPS["tanh"] + 4
    return Result(RECURRENT, Cost(other_ops=per * prod(h)), data_inputs=(0, 1))


FIRST_INFERRED_OPSET = 6  # the opset from which onnx infers every common op
# Ops whose versions 1 and 2 differ (and nothing else does): the version converter has no adapter
# between them, so an opset-1 file's copy holds their version-2 form and is declared opset 2.
OPSET_2_FORMS = ("Pad", "Split", "LpPool", "GlobalLpPool")


def old_opset_outputs(mp, onnx) -> tuple[list, str, int]:
    """(The value infos, "", the opset) of a graph of opset 1-5 (``mp``) converted to opset 6 by
    onnx's version converter (7 when it holds an Upsample, whose first version onnx infers no
    shape for: the adapter to Upsample-7 turns its height_scale and width_scale into scales) and
    inferred there; ([], why not, the opset) when the converter cannot take it.  The file's own
    nodes stay the ones counted: only the shapes of their tensors come from the copy."""
    target = FIRST_INFERRED_OPSET + any(n.op_type == "Upsample" and n.domain in ("", "ai.onnx") for n in mp.graph.node)
    try:
        converted = onnx.version_converter.convert_version(_for_converter(mp, onnx), target)
        from dscost.readers.onnx_infer import infer_shapes

        g = infer_shapes(onnx, converted).graph
    except Exception as err:  # (its shapes stay open, as before)
        said = str(err).strip().splitlines()
        return [], f"onnx's version converter could not bring it to opset {target} ({said[-1][:200] if said else type(err).__name__})", target
    return [*g.value_info, *g.output], "", target


def _for_converter(mp, onnx):
    """A copy of ``mp`` the version converter takes: every initializer a graph input (as IR 3
    required; the converter refuses one that is not), the experimental ops (which it refuses:
    no schema) replaced by ops of the same output shape, an Identity, or a Slice for a Crop, and
    at opset 1 the ops of :data:`OPSET_2_FORMS` in their version-2 form (:func:`_to_opset_2`)."""
    copy = onnx.ModelProto()
    copy.CopyFrom(mp)
    g = copy.graph
    declared = {vi.name for vi in g.input}
    g.input.extend(onnx.helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in g.initializer if t.name not in declared)
    cut = []
    for n in g.node:
        if n.op_type in STAND_INS and n.domain in ("", "ai.onnx"):
            window = _crop_window(n, onnx) if n.op_type == "Crop" else None
            if n.op_type == "Crop" and window is None:
                continue  # (no window to stand in for: the converter refuses the copy, and the note says so)
            n.op_type = "Slice" if window else "Identity"
            del n.input[1:], n.attribute[:]
            if window:
                n.attribute.extend(onnx.helper.make_attribute(k, v) for k, v in zip(("axes", "starts", "ends"), ([2, 3], *window)))
        elif n.domain in ("", "ai.onnx") and not onnx.defs.has(n.op_type) and not _caffe2_stand_in(n, g, onnx):
            cut.append(n)
    for n in cut:
        _cut(g, n, onnx)
    first = [o for o in copy.opset_import if o.domain in ("", "ai.onnx") and o.version == 1]
    if first:
        _to_opset_2(g, onnx)
        first[0].version = 2
    return copy


def _to_opset_2(g, onnx) -> None:
    """Pad-1's ``paddings`` become Pad-2's ``pads``, LpPool-1's float ``p`` an int, and Split-1's
    second input (the sizes) Split-2's ``split`` attribute; a Split-1 whose sizes are computed is
    cut out of the copy (its outputs become graph inputs of unknown shape: those after it stay open)."""
    cut = []
    for n in g.node:
        if n.op_type not in OPSET_2_FORMS or n.domain not in ("", "ai.onnx"):
            continue
        for a in n.attribute:
            if n.op_type == "Pad" and a.name == "paddings":
                a.name = "pads"
            elif n.op_type in ("LpPool", "GlobalLpPool") and a.name == "p" and a.type == onnx.AttributeProto.FLOAT:
                n.attribute.remove(a)
                n.attribute.append(onnx.helper.make_attribute("p", int(a.f)))
                break
        if n.op_type == "Split" and len(n.input) > 1 and n.input[1]:
            sizes = _int_values(g, n.input[1], onnx)
            if sizes is None:
                cut.append(n)
                continue
            del n.input[1:]
            kept = [a for a in n.attribute if a.name != "split"]
            del n.attribute[:]
            n.attribute.extend([*kept, onnx.helper.make_attribute("split", sizes)])
    for n in cut:
        _cut(g, n, onnx)


def _caffe2_stand_in(n, g, onnx) -> bool:
    """Make ``n`` (an op of no schema in a file of opset 1-5) an op of its output's shape the
    converter takes: GRUUnit (of hidden_prev's shape) and a ConstantFill of its input's shape an
    Identity, a DynamicSlice of constant starts, ends and axes a Slice-1; False: none (cut it)."""
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
    if n.op_type == "GRUUnit" or (n.op_type == "ConstantFill" and n.input and n.input[0] and not attrs.get("input_as_shape") and not attrs.get("extra_shape")):
        n.op_type = "Identity"
    elif n.op_type == "DynamicSlice" and 3 <= len(n.input) <= 4:
        window = [_int_values(g, t, onnx) if t else None for t in n.input[1:]]
        if any(v is None for v in window[:2]) or (len(window) == 3 and n.input[3] and window[2] is None):
            return False
        n.op_type = "Slice"
        n.attribute.extend(onnx.helper.make_attribute(k, v) for k, v in zip(("starts", "ends", "axes"), window) if v is not None)
    else:
        return False
    del n.input[1:]
    kept = [a for a in n.attribute if n.op_type == "Slice" and a.name in ("starts", "ends", "axes")]
    del n.attribute[:]
    n.attribute.extend(kept)
    return True


def _cut(g, n, onnx) -> None:
    """Leave ``n`` out of the converter's copy: its outputs become graph inputs, of the shape a
    ConstantFill's or GivenTensorFill's ``shape`` attribute gives (without an input), else unknown."""
    shape, ints, floats = None, onnx.AttributeProto.INTS, onnx.AttributeProto.FLOATS
    if n.op_type in ("ConstantFill", "GivenTensorFill") and not (n.input and n.input[0]):
        shape = _dims(next((list(a.ints) for a in n.attribute if a.name == "shape" and a.type == ints), []))
        values = next((len(a.floats) for a in n.attribute if a.name == "values" and a.type == floats), None)
        shape = None if n.op_type == "GivenTensorFill" and (shape is None or values != prod(shape)) else shape
    g.node.remove(n)
    g.input.extend(onnx.helper.make_tensor_value_info(o, onnx.TensorProto.FLOAT, shape) for o in n.output if o)


def _int_values(g, name: str, onnx) -> list[int] | None:
    """The values of a small integer initializer or Constant node ``name`` (None: not at hand)."""
    tensors = [t for t in g.initializer if t.name == name]
    tensors += [a.t for n in g.node if n.op_type == "Constant" and name in n.output for a in n.attribute if a.name == "value"]
    try:
        values = onnx.numpy_helper.to_array(tensors[0]) if tensors else None
    except Exception:  # (its data stripped, or malformed)
        return None
    return [int(v) for v in values.reshape(-1)] if values is not None and values.dtype.kind in "iu" and 0 < values.size <= 64 else None


def _crop_window(node, onnx) -> tuple[list[int], list[int]] | None:
    """(starts, ends) on axes 2, 3 of a Crop (ends counted from the back without ``scale``)."""
    attrs = {a.name: list(onnx.helper.get_attribute_value(a)) for a in node.attribute if a.name in ("border", "scale")}
    border, scale = attrs.get("border", []), attrs.get("scale", [])
    if len(border) != 4 or min(border + scale, default=0) < 0:
        return None
    left, top, right, bottom = border
    ends = [top + scale[0], left + scale[1]] if len(scale) == 2 else [-bottom if bottom else 1 << 62, -right if right else 1 << 62]
    return [top, left], ends


STAND_INS = (*ELEMENT_WISE, "ThresholdedRelu", "MeanVarianceNormalization", "Crop")
