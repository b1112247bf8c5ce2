"""QONNX's quantizers (domain ``qonnx.custom_op.general``; ``finn.custom_op.general`` and
``onnx.brevitas`` in older files): the fake quantization that brevitas' ``export_qonnx``, QKeras
and HAWQ write around each weight and activation of a quantization-aware network -- IntQuant
(``Quant``), FloatQuant, BipolarQuant and Trunc -- and FINN's MultiThreshold and
XnorPopcountMatMul; and the other toolkits' fake quantizers, read the same way: AMD Quark's
(``com.amd.quark``: BFPQuantizeDequantize, ExtendedQuantizeLinear, ExtendedDequantizeLinear) and
OpenVINO's FakeQuantize (``org.openvinotoolkit``, as NNCF exports a model).  onnx's shape inference knows none of them: each has a shape function in the
contrib table of :mod:`dscost.readers.onnx_node` (a quantizer's output has its input's shape) and
a cost handler in :data:`QONNX_HANDLERS`, the reader's table for these domains.

A quantizer of a weight (an initializer) computes a constant from it: the layer that uses it
counts it as its weights, as it counts a DequantizeLinear's output.  Scales, zero points and bit
widths are not params; MultiThreshold's thresholds (a BatchNorm and a quantizer folded into
numbers per channel by FINN's streamlining) are buffers.  Other ops of these domains (FINN's
hardware layers, Im2Col, layouts) are listed as uncounted.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.layers import ELEMENTWISE
from dscost.readers.handlers import Result, op_registry
from dscost.readers.onnx_node import CANNOT_RUN, QONNX_DOMAINS, QONNX_QUANTIZERS, NodeInfo, contrib_shapes, input_0_shape
from dscost.readers.onnx_ops import matmul

QONNX_HANDLERS, handles = op_registry()
QONNX_REASON = "QONNX/FINN op (quantization-aware networks)"

# Ops per element of each quantizer (cost.ELEMENT_OPS' names)
QUANTIZERS = dict(zip(QONNX_QUANTIZERS, ("fake_quantize", "fake_quantize", "fake_quantize", "bipolar_quantize", "truncate", "fake_quantize",
                                         "quantize", "dequantize", "fake_quantize")))  # fmt: skip

@handles(*QUANTIZERS)
def quantizer(info: NodeInfo) -> Result:
    """IntQuant (x, scale, zero point, bit width): x / scale + zero point, rounded and clamped
    (quantize: 2 ops per element), then (q - zero point) * scale (dequantize: 2); FloatQuant the
    same to a minifloat grid; BipolarQuant: sign(x) * scale (2); Trunc: quantize (2), divide by a
    power of two and round (2), dequantize (2).  AMD Quark's BFPQuantizeDequantize (block floating
    point, BFP16 and MX formats: a shared exponent per block, then back) as IntQuant, its
    ExtendedQuantizeLinear and ExtendedDequantizeLinear (BF16, ...) as QuantizeLinear's and
    DequantizeLinear's 2; OpenVINO's FakeQuantize (x, input low, input high, output low, output
    high; NNCF's export) as IntQuant.  Only input 0 is data; the others are not params."""
    note = "constant input (a quantized weight): foldable" if info.is_const(0) else ""
    return Result(ELEMENTWISE, C.per_element_cost(QUANTIZERS[info.op], prod(info.shape(0))), data_inputs=(0,), note=note)


@handles("MultiThreshold")
def multi_threshold(info: NodeInfo) -> Result:
    """MultiThreshold (x, thresholds (C or 1, T)): each element compared with its channel's T
    thresholds and the ones it reaches counted (cost.ELEMENT_OPS' threshold, T per element); the
    output scale and bias (attributes) fold into that count.  The thresholds are buffers."""
    x, t = info.shape(0), info.input_shape(1)
    if t is None or len(t) != 2:
        raise ValueError(f"thresholds of shape {t}: MultiThreshold takes (channels, thresholds): {CANNOT_RUN}")
    return Result(ELEMENTWISE, replace(C.per_element_cost("threshold", prod(x) * t[1]), buffers=prod(t)), params={1: "buffers"}, data_inputs=(0,))


def xnor_popcount_shape(info: NodeInfo) -> list:
    """XnorPopcountMatMul's (M, N) of A (M, K) and B (K, N)."""
    a, b = info.input_shape(0), info.input_shape(1)
    return [(a[0], b[1])] if a is not None and b is not None and len(a) == len(b) == 2 else [None]


@handles("XnorPopcountMatMul")
def xnor_popcount_matmul(info: NodeInfo) -> Result:
    """A binary (bipolar) MatMul of A (M, K) and B (K, N): an XNOR and a popcount step per pair,
    M * K * N MACs as MatMul's; a constant B is its weights."""
    a, b = info.shape(0), info.shape(1)
    if len(a) != 2 or len(b) != 2 or a[1] != b[0]:
        raise ValueError(f"operands {tuple(a)} and {tuple(b)}: XnorPopcountMatMul takes (M, K) and (K, N): {CANNOT_RUN}")
    return matmul(info)


for _domain in QONNX_DOMAINS:  # (their output shapes: onnx's inference knows none of these ops)
    contrib_shapes(*QUANTIZERS, "MultiThreshold", domain=_domain)(input_0_shape)
    contrib_shapes("XnorPopcountMatMul", domain=_domain)(xnor_popcount_shape)
