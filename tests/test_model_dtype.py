"""Without --dtype, memory, roofline and check's byte limits are sized at the element type of most
of the weights the model stores (dscost.dtypes.resolve_dtype): a half-precision ONNX export at
2 bytes, a quantized file at 1, a layer spec (no stored weights) at fp32 as before.

The model of every test is a 3x3 conv 3 -> 8 on 1x3x32x32, padded: 216 weights, 221,184 MACs;
its input 3,072 elements and its output 8,192, so 11,264 activation elements."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper, save

import dscost
from dscost.cli import run
from dscost.dtypes import main_dtype, resolve_dtype


def conv_file(tmp_path, elem: int = TensorProto.FLOAT16, extra: dict | None = None, name: str = "conv") -> str:
    """The conv with its weights (and input, output) of ONNX element type ``elem``; ``extra``:
    more initializers, name -> numpy array (read by an Identity each, so they are the graph's)."""
    w = numpy_helper.from_array(np.zeros((8, 3, 3, 3), helper.tensor_dtype_to_np_dtype(elem)), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], name="conv")]
    inits, outs = [w], [helper.make_tensor_value_info("y", elem, None)]
    for k, v in (extra or {}).items():
        inits.append(numpy_helper.from_array(v, k))
        nodes.append(helper.make_node("Identity", [k], [k + "_out"], name=k + "_id"))
        outs.append(helper.make_tensor_value_info(k + "_out", helper.np_dtype_to_tensor_dtype(v.dtype), None))
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", elem, [1, 3, 32, 32])], outs, inits)
    path = tmp_path / f"{name}.onnx"
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return str(path)


def analyze_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert run(["analyze", *args, "-f", "json", "-q"]) == 0
    return json.loads(capsys.readouterr().out)


def test_main_dtype_is_the_type_of_most_elements_and_only_one_dscost_sizes():
    assert main_dtype({1: 10, 10: 11}) == "fp16"
    assert main_dtype({1: 11, 10: 10}) == "fp32"
    assert main_dtype({3: 100, 1: 40, 6: 8}) == "int8"  # (a QDQ file: int8 weights, float scales, int32 biases)
    assert main_dtype({2: 5}) == "int8"  # (uint8: 1 byte, sized as int8)
    assert main_dtype({16: 3}) == "bf16"
    assert main_dtype({11: 100, 1: 10}) == "float64"  # (not a type dscost sizes: fp32 by default, with a note)
    assert main_dtype({}) is None and main_dtype({1: 0}) is None and main_dtype({None: 3}) is None
    assert main_dtype({1: 5, 10: 5}) == "fp32"  # (a tie: the lower ONNX code, the same every run)
    assert resolve_dtype(None, None) == ("fp32", "default")
    assert resolve_dtype("FP16", None) == ("fp16", "option")
    assert resolve_dtype(None, SimpleNamespace(weight_dtype="float64")) == ("fp32", "default")
    assert resolve_dtype(None, SimpleNamespace(weight_dtype="bf16")) == ("bf16", "model")


def test_a_half_precision_export_is_sized_at_2_bytes_unless_dtype_says(tmp_path, capsys):
    """216 weights x 2 B = 432 (what the file stores: its first note says 432B); activations
    11,264 x 2 = 22,528; the roofline's bytes (3,072 + 216 + 8,192) x 2 = 22,960."""
    path = conv_file(tmp_path)
    out = analyze_json(capsys, path)
    mem, roof = out["memory"], out["roofline"]
    assert (mem["dtype"], mem["dtype_bytes"], mem["dtype_source"], mem["weight_bytes"], mem["activation_bytes"]) == ("fp16", 2, "model", 432, 22_528)
    assert (roof["dtype"], roof["dtype_source"], roof["bytes"]) == ("fp16", "model", 22_960)
    assert "432B of weights" in out["notes"][0]
    out = analyze_json(capsys, path, "--dtype", "fp32")
    assert (out["memory"]["dtype"], out["memory"]["dtype_source"], out["memory"]["weight_bytes"], out["roofline"]["bytes"]) == ("fp32", "option", 864, 45_920)
    capsys.readouterr()
    assert run(["analyze", path]) == 0
    text = capsys.readouterr().out
    assert "Memory (fp16, 2 B per element)" in text and "fp16: the type of most of the weights the model stores (--dtype sizes another)" in text
    assert dscost.analyze(path).to_json()["memory"]["weight_bytes"] == 432  # (the API: the same default)


def test_quantized_mixed_and_unsized_weights(tmp_path, capsys):
    """int8 weights with a float scale and an int32 bias: int8.  fp32 weights with a smaller fp16
    table: fp32.  float64 weights: a type dscost does not size, so fp32 ("default"), as a graph
    without stored weights."""
    rng = np.random.default_rng(0)
    w_q = numpy_helper.from_array(rng.integers(-127, 127, (8, 3, 3, 3)).astype(np.int8), "w_q")
    scale = numpy_helper.from_array(rng.random(8).astype(np.float32) + 0.1, "scale")
    b_q = numpy_helper.from_array(rng.integers(-99, 99, 8).astype(np.int32), "b")
    nodes = [helper.make_node("DequantizeLinear", ["w_q", "scale"], ["w"], axis=0, name="dq"),
             helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1], name="conv")]  # fmt: skip
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w_q, scale, b_q])  # fmt: skip
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "q.onnx"))
    out = analyze_json(capsys, str(tmp_path / "q.onnx"))
    mem = out["memory"]
    assert (mem["dtype"], mem["dtype_source"]) == ("int8", "model")  # (216 int8 weights against 8 float scales and 8 int32 biases)
    mixed = conv_file(tmp_path, TensorProto.FLOAT, {"table": np.zeros(100, np.float16)}, "mixed")
    assert analyze_json(capsys, mixed)["memory"]["dtype"] == "fp32"
    wide = conv_file(tmp_path, TensorProto.DOUBLE, name="wide")
    mem = analyze_json(capsys, wide)["memory"]
    assert (mem["dtype"], mem["dtype_source"], mem["weight_bytes"]) == ("fp32", "default", 864)
    assert mem["notes"] == ["sized at fp32: most of the model's weights are float64, a type dscost does not size (--dtype sizes another)"]
    assert run(["analyze", wide]) == 0 and "float64, a type dscost does not size" in capsys.readouterr().out
    fp32 = conv_file(tmp_path, TensorProto.FLOAT, name="fp32")
    assert run(["analyze", fp32]) == 0 and "the type of most of the weights" not in capsys.readouterr().out  # (fp32 from the model: nothing to say)
    # an int64 index table beside the weights is no parameter: it does not decide the type
    table = conv_file(tmp_path, TensorProto.FLOAT16, {"index": np.zeros(10_000, np.int64)}, "table")
    assert analyze_json(capsys, table)["memory"]["dtype"] == "fp16"
    spec = tmp_path / "net.yaml"
    spec.write_text("name: net\ninput: [3, 32, 32]\nlayers:\n  - {type: conv, channels: 8, kernel: 3}\n")
    mem = analyze_json(capsys, str(spec))["memory"]
    assert (mem["dtype"], mem["dtype_source"]) == ("fp32", "default")


def test_check_byte_limits_use_the_models_type_unless_given(tmp_path, capsys):
    """432 weight bytes at fp16 pass a 500-byte limit; at --dtype fp32 (864) they do not, nor in a
    budget entry that says dtype: fp32."""
    path = conv_file(tmp_path)
    assert run(["check", path, "--max-weight-bytes", "500"]) == 0
    assert "weight bytes (fp16)" in capsys.readouterr().out
    assert run(["check", path, "--max-weight-bytes", "500", "--dtype", "fp32"]) == 1
    assert "weight bytes (fp32)" in capsys.readouterr().out
    budget = tmp_path / "budget.yaml"
    other = conv_file(tmp_path, name="other")
    budget.write_text(f"budgets:\n  - path: {path}\n    max_weight_bytes: 500\n  - path: {other}\n    max_weight_bytes: 500\n    dtype: fp32\n")
    report = dscost.check(str(budget))
    assert [r.results[0].actual for r in report.models] == [432, 864] and not report.passed
    assert dscost.check(path, max_weight_bytes=500).passed and not dscost.check(path, max_weight_bytes=500, dtype="fp32").passed
    # peak activations: 22,528 bytes at fp16 (45,056 at fp32)
    assert dscost.check(path, max_peak_activation_bytes=22_528).passed and not dscost.check(path, max_peak_activation_bytes=22_527).passed


def test_a_quantized_tflite_file_is_sized_at_1_byte(tmp_path, capsys):
    """tflite_models.int8_conv: an int8 3x3 conv 3 -> 32 (864 int8 weights, 32 int32 biases): 896
    params, 896 bytes at int8."""
    pytest.importorskip("tflite")
    import tflite_models as tm

    path = tm.int8_conv().save(tmp_path / "q.tflite")
    mem = analyze_json(capsys, str(path))["memory"]
    assert (mem["dtype"], mem["dtype_source"], mem["weight_bytes"]) == ("int8", "model", 896)


def test_weights_in_constant_nodes_or_graph_inputs_decide_the_type_too(tmp_path, capsys):
    """fp16 weights held by a Constant node (paddle2onnx's form) or given as a graph input
    (export_params=False): the parameters dscost counts are fp16, so the bytes are 432."""
    w = numpy_helper.from_array(np.random.default_rng(0).random((8, 3, 3, 3)).astype(np.float16), "w")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT16, [1, 3, 32, 32])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT16, None)
    conv = helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], name="conv")
    const = helper.make_graph([helper.make_node("Constant", [], ["w"], value=w, name="wc"), conv], "g", [x], [y])
    given = helper.make_graph([conv], "g", [x, helper.make_tensor_value_info("w", TensorProto.FLOAT16, [8, 3, 3, 3])], [y])
    for graph, name in ((const, "const"), (given, "given")):
        save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / f"{name}.onnx"))
        out = analyze_json(capsys, str(tmp_path / f"{name}.onnx"))
        assert (out["totals"]["params"], out["memory"]["dtype"], out["memory"]["weight_bytes"]) == (216, "fp16", 432), name
