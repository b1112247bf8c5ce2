"""onnxruntime's contrib ops that work on channels-last tensors: what its NHWC transformer writes
when a quantized model is saved at ORT_ENABLE_ALL (the default level) -- QLinearConv and
QLinearAveragePool with ``channels_last``, NhwcMaxPool -- and its Stable Diffusion UNet fusions
for CUDA (NhwcConv, GroupNorm, SkipGroupNorm, BiasSplitGelu), and the NhwcFusedConv its
layout transformer writes on arm64 (fp16 convs; float ones with KleidiAI).  Each is counted as its
channels-first twin: the same cost, shapes (N, spatial..., C).  Registered in the contrib table
of :mod:`dscost.readers.onnx_node` when :mod:`dscost.readers.onnx_contrib` is imported.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.layers import ACTIVATION, NORM, Cost, Shape
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import NodeInfo, contrib_handles as handles, contrib_shapes as shapes, conv_geom, explicit_pads, ints_attr, str_attr
from dscost.readers.onnx_ops import ACTIVATIONS, conv, pool, qlinear_conv


def _in(info: NodeInfo, i: int) -> Shape | None:
    return info.input_shape(i)


# Channels-last ops: onnxruntime's NHWC transformer (a quantized model saved at ORT_ENABLE_ALL)
# rewrites QLinearConv, QLinearAveragePool and uint8 MaxPool to work on N, spatial..., C tensors.


def _channels_last(info: NodeInfo) -> bool:
    if info.op == "GroupNorm":  # channels last unless told otherwise
        return bool(info.attr("channels_last", 1))
    return bool(info.attr("channels_last", 0)) or info.op in ("NhwcMaxPool", "NhwcConv", "NhwcFusedConv")


def _to_first(s: Shape | None) -> Shape | None:
    return (s[0], s[-1], *s[1:-1]) if s and len(s) >= 3 else s


def _to_last(s: Shape | None) -> Shape | None:
    return (s[0], *s[2:], s[1]) if s and len(s) >= 3 else s


def _channels_first(info: NodeInfo) -> NodeInfo:
    """The node seen in N, C, spatial... layout (input 0 and output 0 transposed), for the
    handlers and shape rules of its channels-first twin."""
    if not _channels_last(info):
        return info
    ins, outs = list(info.in_shapes), list(info.out_shapes)
    if ins:
        ins[0] = _to_first(ins[0])
    if info.op == "NhwcConv" and len(ins) > 1:  # its weight is (Cout, *kernel, Cin/g): the optimizer transposed it too
        ins[1] = _to_first(ins[1])
    if outs:
        outs[0] = _to_first(outs[0])
    return replace(info, in_shapes=ins, out_shapes=outs)


@shapes("QLinearConv")
def qlinear_conv_shape(info: NodeInfo) -> list:
    """As QLinearConv (weight input 3), channels last with ``channels_last``: (N, *out, Cout)."""
    g = conv_geom(_channels_first(info), 0, 3, 8)
    out = (g.batch, g.cout, *g.out_spatial)
    return [_to_last(out) if _channels_last(info) else out]


@handles("QLinearConv")
def qlinear_conv_contrib(info: NodeInfo) -> Result:
    """onnxruntime's QLinearConv: the standard one's cost, on channels-last tensors with ``channels_last``."""
    return qlinear_conv(_channels_first(info))


@shapes("NhwcConv", "NhwcFusedConv")
def nhwc_conv_shape(info: NodeInfo) -> list:
    """onnxruntime's channels-last Conv (its transformer optimizer's, CUDA) and FusedConv (its CPU
    provider's on arm64: fp16, or KleidiAI's float): (N, *out, Cout)."""
    g = conv_geom(_channels_first(info), 0, 1, 2)
    return [_to_last((g.batch, g.cout, *g.out_spatial))]


@handles("NhwcConv")
def nhwc_conv(info: NodeInfo) -> Result:
    """A Conv on channels-last input, output and weight: Conv's cost (and what-if)."""
    return conv(_channels_first(info))


# A fused ``activation`` attribute (FusedConv's, FusedGemm's) -> key of cost.ACTIVATION_OPS
FUSED_ACTIVATIONS = {**ACTIVATIONS, "Clip": "clip"}


def activation_ops(info: NodeInfo) -> tuple[int, str]:
    """Other ops of a fused ``activation`` attribute over the output, and its name."""
    act = str_attr(info, "activation", "")
    if act and act not in FUSED_ACTIVATIONS:
        raise ValueError(f"fused activation {act!r} has no op count")
    return (C.activation_cost(FUSED_ACTIVATIONS[act], prod(info.out())).other_ops if act else 0), act.lower()


@handles("NhwcFusedConv")
def nhwc_fused_conv(info: NodeInfo) -> Result:
    """FusedConv on channels-last input, output and Z (its weight Conv's (Cout, Cin/g, *kernel)):
    Conv's cost (and what-if), one add per output element for Z and the activation's ops."""
    first = _channels_first(info)
    res = conv(replace(first, inputs=first.inputs[:3], in_shapes=first.in_shapes[:3]))
    act_ops, act = activation_ops(info)
    extra = (prod(info.out()) if info.has(3) else 0) + act_ops
    return replace(res, cost=replace(res.cost, other_ops=res.cost.other_ops + extra), data_inputs=(0, 3), note=act)


@shapes("GroupNorm", "SkipGroupNorm", "BiasSplitGelu")
def unet_shape(info: NodeInfo) -> list:
    """Stable Diffusion's fused ops keep the input's shape (SkipGroupNorm's second output, the
    sum, too), but BiasSplitGelu, which halves the last axis."""
    x = _in(info, 0)
    if x is not None and info.op == "BiasSplitGelu":
        return [x[:-1] + (x[-1] // 2,)] if x[-1] % 2 == 0 else [None]
    return [x] * len(info.outputs)


@handles("GroupNorm", "SkipGroupNorm")
def group_norm(info: NodeInfo) -> Result:
    """cost.norm_cost(numel, gamma + beta), and SiLU with ``activation`` 1; SkipGroupNorm adds
    the skip (and a bias, counted as biases) first: one op per element each."""
    numel = prod(info.shape(0))
    params = {i: "norm_params" for i in (1, 2) if info.has(i)}
    cost = C.norm_cost(numel, sum(prod(info.shape(i)) for i in params))
    if info.attr("activation", 0):
        cost = cost + C.activation_cost("swish", numel)
    if info.op == "SkipGroupNorm":
        cost = replace(cost, other_ops=cost.other_ops + numel)
        if info.has(4):
            params[4] = "biases"
            cost = replace(cost, other_ops=cost.other_ops + numel, biases=prod(info.shape(4)))
    return Result(NORM, cost, params=params, data_inputs=(0, 3) if info.op == "SkipGroupNorm" else (0,))


@handles("BiasSplitGelu")
def bias_split_gelu(info: NodeInfo) -> Result:
    """(x + bias) split in two halves of the last axis, the first times gelu of the second:
    one add per input element, gelu and one multiply per output element; the bias counts as biases."""
    numel = prod(info.shape(0))
    half = numel // 2
    cost = C.activation_cost("gelu", half) + Cost(other_ops=numel + half)
    params = {}
    if info.has(1):
        params = {1: "biases"}
        cost = replace(cost, biases=prod(info.shape(1)))
    return Result(ACTIVATION, cost, params=params, data_inputs=(0,))


@shapes("QLinearAveragePool", "NhwcMaxPool")
def pool_shape(info: NodeInfo) -> list:
    """A pool's output (kernel_shape, strides, pads or auto_pad, dilations, ceil_mode), channels last
    for NhwcMaxPool and with ``channels_last``."""
    x = _to_first(_in(info, 0)) if _channels_last(info) else _in(info, 0)
    if x is None or len(x) < 3:
        return [None]
    spatial = x[2:]
    r = len(spatial)
    kernel = ints_attr(info.attr("kernel_shape"), r, 1, "kernel_shape")
    stride, dilation = ints_attr(info.attr("strides"), r, 1, "strides"), ints_attr(info.attr("dilations"), r, 1, "dilations")
    pads = explicit_pads(info, spatial, kernel, stride, dilation)
    ceil = int(info.attr("ceil_mode", 0))
    span = [(kernel[i] - 1) * dilation[i] + 1 for i in range(r)]
    out = (x[0], x[1], *((spatial[i] + pads[i] + pads[r + i] - span[i] + (stride[i] - 1 if ceil else 0)) // stride[i] + 1 for i in range(r)))
    return [_to_last(out) if _channels_last(info) else out]


# As AveragePool / MaxPool (kernel_shape, the output's size: the layout does not matter) on input 0.
handles("QLinearAveragePool", "NhwcMaxPool")(pool)
