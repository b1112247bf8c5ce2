"""onnxruntime's contrib ops that copy standard ops or torch's: what its PyTorch export helper
(``onnxruntime.tools.pytorch_export_contrib_ops``: GridSample below opset 16, Trilu below 14,
UnfoldTensor) and older converters (Pad, Range, GatherND, ExpandDims, CropAndResize) write; and
SampleOp, its sample echo op, a copy as Identity is.
GridSample, Trilu, Pad, GatherND and a Range with its delta are the standard ops of one opset
(:data:`dscost.readers.onnx_eval.CONTRIB_TWINS`: onnx's schema infers their shapes) and cost
what those cost; the others have a shape function here, some from the values of small constant
inputs (an axis, a crop size) that folding knows.  Variants of standard ops are counted as
those too: TorchEmbedding (torch's Embedding: a Gather), MaxpoolWithMask (a MaxPool that skips
masked positions), ConvTransposeWithDynamicPads (a ConvTranspose whose pads are an input), and
ComplexMul / ComplexMulConj (a Mul of complex numbers stored as (..., 2) pairs of real and
imaginary parts, the layout of its Rfft's output).  Registered in the contrib table of :mod:`dscost.readers.onnx_node`
when :mod:`dscost.readers.onnx_contrib` is imported.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import ceil, isfinite, prod

from dscost import cost as C
from dscost.layers import ELEMENTWISE, RESIZE, SHAPE, Cost
from dscost.readers.handlers import Result
from dscost.readers.onnx_contrib_layout import pool_shape
from dscost.readers.onnx_node import NodeInfo, contrib_handles as handles, contrib_shapes as shapes, input_0_shape, str_attr, weight_kernel
from dscost.readers.onnx_ops import conv_transpose, pool, shape_only
from dscost.readers.onnx_sampling import grid_sample

handles("GridSample")(grid_sample)
handles("Trilu", "Pad", "Range", "GatherND", "UnfoldTensor", "ExpandDims", "SampleOp")(shape_only)


shapes("SampleOp")(input_0_shape)


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


@shapes("TorchEmbedding")
def torch_embedding_shape(info: NodeInfo) -> list:
    """torch's Embedding: weight (N, M), indices -> (*indices, M)."""
    w, ids = info.input_shape(0), info.input_shape(1)
    return [(*ids, w[-1]) if w is not None and ids is not None and len(w) == 2 else None]


@handles("TorchEmbedding")
def torch_embedding(info: NodeInfo) -> Result:
    """A lookup, free as Gather; the table counts as weights (padding_idx and scale_grad_by_freq
    only change training)."""
    return Result(SHAPE, Cost(weights=prod(info.shape(0))), params={0: "weights"}, data_inputs=(1,))


# MaxPool's output (kernel_shape, strides, pads, auto_pad), as onnxruntime's kernel sizes it
shapes("MaxpoolWithMask")(pool_shape)


@handles("MaxpoolWithMask")
def maxpool_with_mask(info: NodeInfo) -> Result:
    """As MaxPool, cost.pool_cost(kernel, out numel): a compare per window element (the mask's test
    taken as part of it, its early stop at a masked position not as sparsity); the mask is data."""
    return replace(pool(info), data_inputs=(0, 1), note="masked")


@shapes("ConvTransposeWithDynamicPads")
def conv_transpose_dynamic_pads_shape(info: NodeInfo) -> list:
    """ConvTranspose's output, its pads (all begins, then all ends) the value of input 2 (none:
    0), which folding must know; auto_pad SAME: input x stride."""
    x, w = info.input_shape(0), info.input_shape(1)
    pads = info.value(2) if info.has(2) else None
    if x is None or w is None or len(x) < 3 or (info.has(2) and pads is None):
        return [None]
    r = len(x) - 2
    kernel = weight_kernel(info, x, w)
    stride, dilation = (tuple(int(v) for v in info.attr(a) or (1,) * r) for a in ("strides", "dilations"))
    opad = tuple(int(v) for v in info.attr("output_padding") or (0,) * r)
    if str_attr(info, "auto_pad", "NOTSET") in ("SAME_UPPER", "SAME_LOWER"):
        out = tuple(x[2 + i] * stride[i] for i in range(r))
    else:
        pads = pads or [0] * (2 * r)
        if len(pads) != 2 * r:
            return [None]
        out = tuple(C.conv_transpose_out_size(x[2 + i], kernel[i], stride[i], dilation[i], pads[i], pads[r + i], opad[i]) for i in range(r))
    return [(x[0], w[1] * int(info.attr("group", 1)), *out)]


@handles("ConvTransposeWithDynamicPads")
def conv_transpose_dynamic_pads(info: NodeInfo) -> Result:
    """ConvTranspose's cost (X, W, B at inputs 0, 1, 3; pads, input 2, are shape data) on the
    output its shape function gives (the pads' value: unknown pads leave it uncounted)."""
    info.out()  # (UnknownShape when the pads' value is not known)
    keep = [0, 1, 3] if info.has(3) else [0, 1]
    res = conv_transpose(replace(info, inputs=[info.inputs[i] for i in keep], in_shapes=[info.in_shapes[i] for i in keep]))
    return replace(res, params={keep[i]: kind for i, kind in res.params.items()})


@shapes("ComplexMul", "ComplexMulConj")
def complex_mul_shape(info: NodeInfo) -> list:
    """A and B broadcast (numpy's rule), each (..., 2): real and imaginary parts."""
    a, b = info.input_shape(0), info.input_shape(1)
    if a is None or b is None or a[-1:] != (2,) or b[-1:] != (2,):
        return [None]
    return [C.broadcast_shape(a, b)]


@handles("ComplexMul", "ComplexMulConj")
def complex_mul(info: NodeInfo) -> Result:
    """(a + bi)(c + di), with B conjugated for ComplexMulConj: 4 multiplies and 2 adds per complex
    output, 3 ops per output element (its real and imaginary parts).  A constant operand of more
    than one element (a learned filter) counts as weights, as a Mul's."""
    cost = Cost(other_ops=3 * prod(info.out()))
    params = {i: "weights" for i in (0, 1) if info.is_float_const(i) and prod(info.shape(i)) > 1}
    cost = replace(cost, weights=sum(prod(info.shape(i)) for i in params))
    return Result(ELEMENTWISE, cost, params=params, data_inputs=tuple(i for i in (0, 1) if i not in params))
