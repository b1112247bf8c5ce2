"""ONNX's removed experimental ops (dscost.readers.onnx_legacy) in files of their time (opset 8):
shapes carried past them, checked against onnxruntime (which still runs them), and counted."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto

from dscost.cost import analyze
from dscost.readers.onnx_reader import read_onnx
from onnx_models import model, node, save

OLD = dict(opset=8, ir_version=3)  # what WinMLTools and onnxmltools wrote in 2018


def _ort_shape(path, shape) -> tuple:
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": np.random.rand(*shape).astype(np.float32)})[0].shape


# op, attributes, other ops per element of the op, output shape of a 1x3x16x20 input
CASES = [
    ("ImageScaler", dict(scale=1 / 255, bias=[-0.5, -0.4, -0.3]), 2, (1, 3, 16, 20)),
    ("Affine", dict(alpha=2.0, beta=1.0), 2, (1, 3, 16, 20)),
    ("Scale", dict(scale=2.0), 1, (1, 3, 16, 20)),
    ("ScaledTanh", dict(alpha=1.5, beta=0.5), 3, (1, 3, 16, 20)),
    ("ParametricSoftplus", dict(alpha=1.5, beta=0.5), 4, (1, 3, 16, 20)),
    ("ThresholdedRelu", dict(alpha=0.5), 1, (1, 3, 16, 20)),  # experimental before opset 10
    ("MeanVarianceNormalization", dict(across_channels=0, normalize_variance=1), 5, (1, 3, 16, 20)),  # before opset 9
    ("Crop", dict(border=[1, 2, 3, 4]), 0, (1, 3, 16 - 2 - 4, 20 - 1 - 3)),  # left, top, right, bottom cut off
    ("Crop", dict(border=[1, 2, 3, 4], scale=[5, 6]), 0, (1, 3, 5, 6)),  # a 5x6 window from (top 2, left 1)
]


@pytest.mark.parametrize("op, attrs, per_element, out", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_removed_experimental_op_keeps_the_shapes_after_it(tmp_path, op, attrs, per_element, out):
    nodes = [node(op, ["x"], "y", **attrs), node("Relu", ["y"], "z")]
    path = save(tmp_path, model(nodes, [("x", [1, 3, 16, 20])], **OLD))
    m = read_onnx(path)
    assert m.uncounted == []
    (first, relu) = m.layers
    assert first.output_shape == out == _ort_shape(path, (1, 3, 16, 20))
    assert first.cost.other_ops == per_element * 3 * 16 * 20 and first.cost.params == 0  # (scales and biases are attributes)
    assert relu.cost.other_ops == np.prod(out)


def test_crop_of_a_window_outside_its_input_stays_uncounted(tmp_path):
    nodes = [node("Crop", ["x"], "y", border=[1, 2, 3, 4], scale=[15, 6]), node("Relu", ["y"], "z")]
    m = read_onnx(save(tmp_path, model(nodes, [("x", [1, 3, 16, 20])], **OLD)))
    assert [u.op for u in m.uncounted] == ["Crop", "Relu"]
    assert "unknown shape of output 0" in m.uncounted[0].reason


def _external(name: str, dims: tuple, offset: int) -> TensorProto:
    """A float initializer stored in w.bin at ``offset`` (a sparse file: dscost never reads it)."""
    t = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=dims, data_location=TensorProto.EXTERNAL)
    for k, v in (("location", "w.bin"), ("offset", str(offset)), ("length", str(4 * int(np.prod(dims))))):
        t.external_data.add(key=k, value=v)
    return t


def test_tiny_yolov2_voc_as_winmltools_wrote_it(tmp_path):
    """The model zoo's tiny-YOLOv2 layout (opset 8): ImageScaler, then 9 convs (8 with BatchNorm
    and LeakyReLU), 6 max pools (the last stride 1).  Darknet's tiny-yolo-voc.cfg prints 6.97
    BFLOPs = 2 x 3,485,520,896 MACs; before onnx_legacy every node after the ImageScaler was lost."""
    widths = [16, 32, 64, 128, 256, 512, 1024, 1024]
    nodes, inits, x, c, offset = [node("ImageScaler", ["x"], "s", scale=1 / 255, bias=[0.0, 0.0, 0.0])], [], "s", 3, 0
    for i, n in enumerate(widths):
        for name, dims in ((f"w{i}", (n, c, 3, 3)), *((f"bn{i}_{k}", (n,)) for k in ("s", "b", "m", "v"))):
            inits.append(_external(name, dims, offset))
            offset += 4 * int(np.prod(dims))
        nodes += [node("Conv", [x, f"w{i}"], f"c{i}", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
                  node("BatchNormalization", [f"c{i}", *(f"bn{i}_{k}" for k in "sbmv")], f"b{i}", epsilon=1e-5),
                  node("LeakyRelu", [f"b{i}"], f"r{i}", alpha=0.1)]  # fmt: skip
        x, c = f"r{i}", n
        if i < 5:
            nodes.append(node("MaxPool", [x], f"p{i}", kernel_shape=[2, 2], strides=[2, 2]))
            x = f"p{i}"
        elif i == 5:  # the stride-1 pool keeps 13x13 (the zoo file pads it)
            nodes.append(node("MaxPool", [x], f"p{i}", kernel_shape=[2, 2], strides=[1, 1], pads=[0, 0, 1, 1]))
            x = f"p{i}"
    inits += [_external("w8", (125, 1024, 1, 1), offset), _external("b8", (125,), offset + 4 * 125 * 1024)]
    nodes.append(node("Conv", [x, "w8", "b8"], "grid", kernel_shape=[1, 1]))
    path = save(tmp_path, model(nodes, [("x", [1, 3, 416, 416])], inits=inits, **OLD))
    with open(tmp_path / "w.bin", "wb") as f:
        f.truncate(offset + 4 * 125 * 1025)
    m = read_onnx(path)
    assert m.uncounted == []
    totals = analyze(m).totals
    assert totals.macs == 3_485_520_896
    convs = [9 * a * b for a, b in zip([3, *widths], widths)] + [1024 * 125]
    assert totals.weights == sum(convs) and totals.norm_params == 2 * sum(widths) and totals.biases == 125
    assert m.layers[-1].output_shape == (1, 125, 13, 13) == _ort_shape(path, (1, 3, 416, 416))
