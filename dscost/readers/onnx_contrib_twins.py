"""onnxruntime's contrib ops that copy standard ops or torch's: what its PyTorch export helper
(``onnxruntime.tools.pytorch_export_contrib_ops``: GridSample below opset 16, Trilu below 14,
UnfoldTensor) and older converters (Pad, Range, GatherND, ExpandDims, CropAndResize) write; and
SampleOp, its sample echo op, a copy as Identity is.
GridSample, Trilu, Pad, GatherND and a Range with its delta are the standard ops of one opset
(:data:`dscost.readers.onnx_eval.CONTRIB_TWINS`: onnx's schema infers their shapes) and cost
what those cost; the others have a shape function here, some from the values of small constant
inputs (an axis, a crop size) that folding knows.  Registered in the contrib table of
:mod:`dscost.readers.onnx_node` when :mod:`dscost.readers.onnx_contrib` is imported.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from math import ceil, isfinite, prod

from dscost import cost as C
from dscost.layers import RESIZE, Cost
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import NodeInfo, contrib_handles as handles, contrib_shapes as shapes, str_attr
from dscost.readers.onnx_ops import shape_only
from dscost.readers.onnx_sampling import grid_sample

handles("GridSample")(grid_sample)
handles("Trilu", "Pad", "Range", "GatherND", "UnfoldTensor", "ExpandDims", "SampleOp")(shape_only)


@shapes("SampleOp")
def sample_op_shape(info: NodeInfo) -> list:
    return [info.input_shape(0)]


@shapes("UnfoldTensor")
def unfold_tensor_shape(info: NodeInfo) -> list:
    """torch's ``Tensor.unfold(dim, size, step)``: axis ``dim`` of length L becomes
    (L - size) // step + 1 windows, each of ``size`` elements on a new last axis."""
    x = info.input_shape(0)
    size, step = int(info.attr("size", 0)), int(info.attr("step", 1))
    dim = int(info.attr("dim", -1))
    if x is None or not -len(x) <= dim < len(x) or size <= 0 or step <= 0 or x[dim] < size:
        return [None]
    dim %= len(x)
    return [x[:dim] + ((x[dim] - size) // step + 1,) + x[dim + 1 :] + (size,)]


@shapes("ExpandDims")
def expand_dims_shape(info: NodeInfo) -> list:
    """X with a 1 inserted at ``axis`` (an int32 scalar input; negative counts from the end of the output)."""
    x, axis = info.input_shape(0), info.value(1)
    if x is None or axis is None or len(axis) != 1 or not -len(x) - 1 <= axis[0] <= len(x):
        return [None]
    a = axis[0] % (len(x) + 1)
    return [x[:a] + (1,) + x[a:]]


@shapes("Range")
def range_shape(info: NodeInfo) -> list:
    """A Range without its optional delta (1): ceil(limit - start) elements, at least none.  With a
    delta it is the standard op, which onnx's schema infers (left open here)."""
    if info.has(2) or not info.has(1):
        return [None]
    start, limit = (info.values.get(info.inputs[i]) for i in (0, 1))
    if start is None or limit is None or start.size != 1 or limit.size != 1:
        return [None]
    span = float(limit.reshape(-1)[0]) - float(start.reshape(-1)[0])
    if not isfinite(span) or span >= 2**62:  # (inf, NaN or no int64 size: left open)
        return [None]
    return [(max(ceil(span), 0),)]


@shapes("CropAndResize")
def crop_and_resize_shape(info: NodeInfo) -> list:
    """TensorFlow's crop_and_resize: X (N, C, H, W), rois (R, 4), crop_size (h, w) -> (R, C, h, w)."""
    x, rois, size = info.input_shape(0), info.input_shape(1), info.value(3)
    if x is None or rois is None or size is None or len(x) != 4 or len(rois) != 2 or len(size) != 2 or min(size) <= 0:
        return [None]
    return [(rois[0], x[1], size[0], size[1])]


@handles("CropAndResize")
def crop_and_resize(info: NodeInfo) -> Result:
    """Each output element one sample of its box, as Resize: bilinear 2 taps per spatial axis,
    cost.pool_cost((2, 2), out numel); nearest a copy.  The boxes are data."""
    mode = str_attr(info, "mode", "bilinear")
    if mode == "nearest":
        return Result(RESIZE, Cost(), data_inputs=(0, 1, 2), note=mode)
    return Result(RESIZE, C.pool_cost((2, 2), prod(info.out())), kernel=(2, 2), data_inputs=(0, 1, 2), note=mode)
