"""QONNX's quantizers and FINN's ops (domain qonnx.custom_op.general, and the older finn and
brevitas domains), as brevitas' ``export_qonnx`` writes them: hand-derived costs, the quantized
weight counted by the layer that uses it (as a DequantizeLinear's), nothing left uncounted where
onnx infers no shape past the custom ops."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import helper

from dscost.layers import ELEMENTWISE, FC, STANDARD, Cost
from dscost.readers.onnx_reader import read_onnx

from onnx_models import init, save, vi

QONNX = "qonnx.custom_op.general"


def _model(nodes, inputs, inits, domain=QONNX, outputs=None):
    outs = [helper.make_empty_tensor_value_info(o) for o in (outputs or [nodes[-1].output[0]])]
    graph = helper.make_graph(nodes, "q", [vi(n, s) for n, s in inputs], outs, initializer=inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(domain, 1)])


def _quant(x, y, domain=QONNX, op="Quant", prefix="a"):
    """A 4-bit signed Quant of ``x`` (scale, zero point, bit width: initializers ``prefix``_s, _z, _b)."""
    return helper.make_node(op, [x, f"{prefix}_s", f"{prefix}_z", f"{prefix}_b"], [y], name=y, domain=domain, signed=1, narrow=0,
                            rounding_mode="ROUND")  # fmt: skip


def _qparams(prefix: str) -> list:
    return [init(f"{prefix}_s", value=0.05), init(f"{prefix}_z", value=0.0), init(f"{prefix}_b", value=4.0)]


@pytest.mark.parametrize("domain", [QONNX, "finn.custom_op.general", "onnx.brevitas"])
@pytest.mark.parametrize("op", ["Quant", "IntQuant"])
def test_quantized_conv_counts_its_weight(tmp_path, domain, op):
    # x (1, 3, 8, 8) and the weight (4, 3, 3, 3) each through a Quant, then a 3x3 conv (pads 1):
    # 27 x 4 x 64 = 6,912 MACs, 108 weights + 4 biases, counted by the conv; each Quant 4 ops per
    # element (quantize 2, dequantize 2): 4 x 192 for x; the weight's Quant folds (a constant), its
    # ops counted too (4 x 108); the conv's bias adds 4 x 64 = 256
    nodes = [_quant("x", "xq", domain, op, "a"), _quant("w", "wq", domain, op, "w"),
             helper.make_node("Conv", ["xq", "wq", "b"], ["y"], name="conv", pads=[1, 1, 1, 1])]  # fmt: skip
    inits = [*_qparams("a"), *_qparams("w"), init("w", 4, 3, 3, 3, value=np.full(108, 0.1)), init("b", 4)]
    m = read_onnx(save(tmp_path, _model(nodes, [("x", [1, 3, 8, 8])], inits, domain)))
    assert not m.uncounted, m.uncounted
    layers = {layer.name: layer for layer in m.layers}
    assert (layers["conv"].type, layers["conv"].cost) == (STANDARD, Cost(macs=6_912, other_ops=256, weights=108, biases=4))
    assert (layers["xq"].type, layers["xq"].cost) == (ELEMENTWISE, Cost(other_ops=768))
    assert layers["wq"].cost == Cost(other_ops=432)
    assert sum(layer.cost.params for layer in m.layers) == 112  # (the scales, zero points and bit widths are not params)


@pytest.mark.parametrize(("op", "inputs", "ops_per_element"), [
    ("BipolarQuant", ["x", "a_s"], 2),  # sign, times the scale
    ("Trunc", ["x", "a_s", "a_z", "a_b", "a_b"], 6),  # quantize 2, shift and round 2, dequantize 2
    ("FloatQuant", ["x", "a_s", "a_b", "a_b", "a_b"], 4),  # as IntQuant, to a minifloat grid
])  # fmt: skip
def test_other_quantizers_before_a_linear_layer(tmp_path, op, inputs, ops_per_element):
    # x (2, 16) through the quantizer, then MatMul by a (16, 8) weight: 2 x 16 x 8 = 256 MACs, 128 weights;
    # the quantizer's ops per element times 32
    nodes = [helper.make_node(op, inputs, ["xq"], name="q", domain=QONNX), helper.make_node("MatMul", ["xq", "w"], ["y"], name="fc")]
    m = read_onnx(save(tmp_path, _model(nodes, [("x", [2, 16])], [*_qparams("a"), init("w", 16, 8)])))
    assert not m.uncounted, m.uncounted
    layers = {layer.name: layer for layer in m.layers}
    assert layers["q"].cost == Cost(other_ops=32 * ops_per_element)
    assert (layers["fc"].type, layers["fc"].cost) == (FC, Cost(macs=256, weights=128))


def test_finn_multithreshold_and_xnor_popcount(tmp_path):
    # XnorPopcountMatMul of x (4, 32) and a bipolar weight (32, 10): 4 x 32 x 10 = 1,280 MACs, 320 weights;
    # MultiThreshold of its (4, 10) output with 10 channels x 3 thresholds: 3 compares per element, 120;
    # the thresholds (30) are buffers
    finn = "finn.custom_op.general"
    nodes = [helper.make_node("XnorPopcountMatMul", ["x", "w"], ["h"], name="xnor", domain=finn),
             helper.make_node("MultiThreshold", ["h", "t"], ["y"], name="mt", domain=finn, out_dtype="UINT2", data_layout="NC")]  # fmt: skip
    m = read_onnx(save(tmp_path, _model(nodes, [("x", [4, 32])], [init("w", 32, 10), init("t", 10, 3)], finn)))
    assert not m.uncounted, m.uncounted
    layers = {layer.name: layer for layer in m.layers}
    assert layers["xnor"].cost == Cost(macs=1_280, weights=320)
    assert (layers["mt"].type, layers["mt"].cost) == (ELEMENTWISE, Cost(other_ops=120, buffers=30))
    assert layers["mt"].output_shape == (4, 10)


def test_other_qonnx_ops_are_uncounted_with_their_domain(tmp_path):
    nodes = [helper.make_node("Im2Col", ["x"], ["y"], name="im2col", domain=QONNX, kernel_size=[3, 3])]
    m = read_onnx(save(tmp_path, _model(nodes, [("x", [1, 8, 8, 3])], [])))
    assert [(u.name, u.reason) for u in m.uncounted] == [
        ("im2col", "QONNX/FINN op (quantization-aware networks), domain 'qonnx.custom_op.general': no cost handler")]


@pytest.mark.parametrize(("domain", "op", "ranges", "per_element"), [
    ("com.amd.quark", "BFPQuantizeDequantize", 0, 4),  # Quark's BFP16 / MX4: block floating point, there and back
    ("org.openvinotoolkit", "FakeQuantize", 4, 4),  # NNCF's export: x, input low / high, output low / high (per channel for the weight)
])  # fmt: skip
def test_other_toolkits_fake_quantizers_are_read_as_qonnxs(tmp_path, domain, op, ranges, per_element):
    """Found by round 44: AMD Quark's BFP16 and MX4 files write every quantizer as
    com.amd.quark::BFPQuantizeDequantize, and NNCF's torch export as OpenVINO's FakeQuantize.
    dscost listed them uncounted; onnx's inference gives them no shape, so every conv after one
    was uncounted too (Quark's ResNet-18: 0 MACs for its float twin's 148,557,824), and a weight
    through one counted on its row.  They are element-wise quantizers, read as QONNX's: the conv
    counts 6,912 MACs, its 108 weights and 4 biases; the quantization ranges are not params."""

    def quantizer(x, y, prefix):
        ins = [x] + [f"{prefix}_{k}" for k in range(ranges)]
        return helper.make_node(op, ins, [y], name=y, domain=domain, **({"levels": 256} if op == "FakeQuantize" else {"bit_width": 16, "block_size": 8}))

    nodes = [quantizer("x", "xq", "a"), quantizer("w", "wq", "w"), helper.make_node("Conv", ["xq", "wq", "b"], ["y"], name="conv", pads=[1, 1, 1, 1])]
    inits = [init("w", 4, 3, 3, 3, value=np.full(108, 0.1)), init("b", 4), *(init(f"a_{k}", value=(-1.0) ** k) for k in range(ranges)),
             *(init(f"w_{k}", 4, 1, 1, 1, value=[(-1.0) ** k] * 4) for k in range(ranges))]  # fmt: skip
    m = read_onnx(save(tmp_path, _model(nodes, [("x", [1, 3, 8, 8])], inits, domain)))
    assert not m.uncounted, m.uncounted
    layers = {layer.name: layer for layer in m.layers}
    assert (layers["conv"].type, layers["conv"].cost) == (STANDARD, Cost(macs=6_912, other_ops=256, weights=108, biases=4))
    assert (layers["xq"].cost, layers["wq"].cost) == (Cost(other_ops=per_element * 192), Cost(other_ops=per_element * 108))
    assert sum(layer.cost.params for layer in m.layers) == 112


def test_quarks_bf16_quantize_dequantize_pair(tmp_path):
    """Quark's BF16: ExtendedQuantizeLinear then ExtendedDequantizeLinear (bfloat16 zero points),
    QuantizeLinear's and DequantizeLinear's 2 ops per element each; a weight through the pair is
    the conv's: 6,912 MACs, 108 weights + 4 biases."""
    Q = "com.amd.quark"
    nodes = [helper.make_node("ExtendedQuantizeLinear", ["w", "s", "z"], ["wq"], name="wq", domain=Q),
             helper.make_node("ExtendedDequantizeLinear", ["wq", "s", "z"], ["wd"], name="wd", domain=Q),
             helper.make_node("Conv", ["x", "wd", "b"], ["y"], name="conv", pads=[1, 1, 1, 1])]  # fmt: skip
    inits = [init("w", 4, 3, 3, 3, value=np.full(108, 0.1)), init("b", 4), init("s", value=1.0), init("z", value=0.0)]
    m = read_onnx(save(tmp_path, _model(nodes, [("x", [1, 3, 8, 8])], inits, Q)))
    layers = {layer.name: layer for layer in m.layers}
    assert not m.uncounted and layers["conv"].cost == Cost(macs=6_912, other_ops=256, weights=108, biases=4)
    assert (layers["wq"].cost, layers["wd"].cost) == (Cost(other_ops=2 * 108), Cost(other_ops=2 * 108))
