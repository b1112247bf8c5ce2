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
from dscost.dtypes import PACKED_CODE, dtype_name, main_dtype, resolve_dtype, resolve_weight_dtype, unsized_note, weight_bytes, weight_size, weight_types


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


def test_low_bit_weights_size_themselves_and_leave_the_activations_their_own_type():
    """int4 (ONNX's INT4 and UINT4) and the int<bits> of weights packed into bytes: half a byte (bits / 8), a last
    part byte rounded up; the activations take the model's activation_dtype, fp32 when it is not known (with a note)."""
    assert (dtype_name(22), dtype_name(21), dtype_name(PACKED_CODE + 2), dtype_name(11)) == ("int4", "int4", "int2", "float64")
    assert (weight_bytes(3, (4, 1)), weight_bytes(3, (2, 1)), weight_bytes(4, (2, 1)), weight_bytes(3, (16, 1))) == (2, 1, 1, 6)
    # without --dtype, each weight at its own type: 96 int4 and 32 fp16 weights are 48 + 64 = 112 bytes, 7/8 of a byte each
    mixed = SimpleNamespace(weight_dtype="int4", activation_dtype="fp16", weight_types={"int4": 96, "fp16": 32})
    assert (weight_size(None, mixed), weight_bytes(128, weight_size(None, mixed)), weight_size("fp32", mixed)) == ((896, 128), 112, (32, 1))
    assert weight_size(None, SimpleNamespace(weight_dtype="fp16", weight_types={})) == (16, 1)  # (no types known: the main one)
    assert weight_types({22: 96, 21: 4, 10: 32, 2: 7, 3: 1, None: 2, 5: 0}) == {"int4": 100, "fp16": 32, "int8": 8, "unknown": 2}
    llm = SimpleNamespace(weight_dtype="int4", activation_dtype="fp16")
    assert (resolve_dtype(None, llm), resolve_weight_dtype(None, llm), unsized_note(llm)) == (("fp16", "model"), "int4", None)
    assert (resolve_dtype("int8", llm), resolve_weight_dtype("int8", llm)) == (("int8", "option"), "int8")
    unknown = SimpleNamespace(weight_dtype="int4", activation_dtype=None)
    assert (resolve_dtype(None, unknown), resolve_weight_dtype(None, unknown)) == (("fp32", "default"), "int4")
    assert unsized_note(unknown) == "activations sized at fp32: the model's weights are int4, and its activations of no type dscost sizes or of none known (--dtype sizes another)"
    assert resolve_weight_dtype(None, SimpleNamespace(weight_dtype="fp16")) == "fp16" and resolve_weight_dtype(None, None) == "fp32"


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
    """int8 weights with a float scale and an int32 bias: int8 weights, float32 activations unless
    the graph quantizes them (static QDQ: int8 throughout).  fp32 weights with a smaller fp16
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
    # 216 int8 weights against 8 float scales and 8 int32 biases: int8 weights; but no activation is
    # quantized (weight-only), so the activations keep their float32
    assert (mem["dtype"], mem["dtype_source"], mem["weight_dtype"]) == ("fp32", "model", "int8")
    # a static quantizer's QDQ: x quantized to uint8 and back before the conv: int8 throughout
    x_s = numpy_helper.from_array(np.array(0.02, np.float32), "x_s")
    x_z = numpy_helper.from_array(np.array(128, np.uint8), "x_z")
    nodes = [helper.make_node("QuantizeLinear", ["x", "x_s", "x_z"], ["xq"], name="qx"),
             helper.make_node("DequantizeLinear", ["xq", "x_s", "x_z"], ["xd"], name="dqx"),
             helper.make_node("DequantizeLinear", ["w_q", "scale"], ["w"], axis=0, name="dq"),
             helper.make_node("Conv", ["xd", "w", "b"], ["y"], pads=[1, 1, 1, 1], name="conv")]  # fmt: skip
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w_q, scale, b_q, x_s, x_z])  # fmt: skip
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "qdq.onnx"))
    mem = analyze_json(capsys, str(tmp_path / "qdq.onnx"))["memory"]
    assert (mem["dtype"], mem["dtype_source"], mem["weight_dtype"]) == ("int8", "model", "int8")
    mixed = conv_file(tmp_path, TensorProto.FLOAT, {"table": np.zeros(100, np.float16)}, "mixed")
    assert analyze_json(capsys, mixed)["memory"]["dtype"] == "fp32"
    wide = conv_file(tmp_path, TensorProto.DOUBLE, name="wide")
    mem = analyze_json(capsys, wide)["memory"]
    assert (mem["dtype"], mem["dtype_source"], mem["weight_bytes"]) == ("fp32", "default", 1_728)  # (the weights at their own 8 bytes)
    assert mem["notes"] == ["activations sized at fp32: most of the model's weights are float64, a type dscost does not size activations at (--dtype sizes another)"]
    assert run(["analyze", wide]) == 0 and "float64, a type dscost does not size activations at" in capsys.readouterr().out
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
    params; activations at int8, the weights each at its own type: 864 + 32 x 4 = 992 bytes (as
    the file stores them), 896 at --dtype int8."""
    pytest.importorskip("tflite")
    import tflite_models as tm

    path = tm.int8_conv().save(tmp_path / "q.tflite")
    mem = analyze_json(capsys, str(path))["memory"]
    assert (mem["dtype"], mem["dtype_source"], mem["weight_dtype"], mem["weight_bytes"], mem["weight_types"]) == ("int8", "model", "int8", 992, {"int8": 864, "int32": 32})
    assert analyze_json(capsys, str(path), "--dtype", "int8")["memory"]["weight_bytes"] == 896
    # the roofline reads the conv's int8 filter at 1 B (not at the mean with the biases' 4 B), its bias at the
    # activations' 1 B: the int8 image 150,528 + the output 401,408 + 864 + 32
    layers = analyze_json(capsys, str(path), "--hardware", "t4")["layers"]
    assert next(r["bytes"] for r in layers if r["name"] == "conv1") == 150_528 + 401_408 + 864 + 32


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


def nbits_file(tmp_path, bits: int = 4, name: str = "nbits") -> str:
    """onnxruntime's 4-bit form of two linear layers (MatMulNBits, block 32, fp16 scales): x 1x16x256
    float16 -> 512 -> 256, K x N = 131,072 weights each, packed into uint8 bytes (8 / bits a byte)."""
    nodes, inits = [], []
    for i, (k, n, src, dst) in enumerate(((256, 512, "x", "y"), (512, 256, "y", "z"))):
        blob = 32 * bits // 8
        inits += [numpy_helper.from_array(np.zeros((n, k // 32, blob), np.uint8), f"B{i}"), numpy_helper.from_array(np.ones(n * k // 32, np.float16), f"S{i}")]
        nodes.append(helper.make_node("MatMulNBits", [src, f"B{i}", f"S{i}"], [dst], domain="com.microsoft", K=k, N=n, bits=bits, block_size=32, name=f"fc{i}"))
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT16, [1, 16, 256])],
                          [helper.make_tensor_value_info("z", TensorProto.FLOAT16, [1, 16, 256])], inits)  # fmt: skip
    path = tmp_path / f"{name}.onnx"
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]), str(path))
    return str(path)


def test_4_bit_weights_are_half_a_byte_and_the_activations_keep_their_own_type(tmp_path, capsys):
    """262,144 weights of 4 bits: 131,072 bytes (what the file's two uint8 tables hold), not 1
    byte each as their container's type.  The activations are float16 (no runtime moves 4-bit
    activations): x 4,096 + y 8,192 + z 4,096 elements x 2 B = 32,768; the peak is x + y at fc0,
    24,576.  The roofline reads each layer's input and output at 2 B and its weights packed:
    2 x ((4,096 + 8,192) x 2 + 65,536) = 180,224.  --dtype fp16 sizes the weights at 2 B too."""
    path = nbits_file(tmp_path)
    out = analyze_json(capsys, path, "--hardware", "t4")
    mem, roof = out["memory"], out["roofline"]
    assert out["totals"]["params"] == 262_144
    assert (mem["dtype"], mem["dtype_bytes"], mem["dtype_source"], mem["weight_dtype"], mem["weight_bytes"]) == ("fp16", 2, "model", "int4", 131_072)
    assert (mem["activation_bytes"], mem["peak_activation_bytes"], mem["peak_layer"], mem["notes"]) == (32_768, 24_576, "fc0", [])
    assert (roof["dtype"], roof["weight_dtype"], roof["bytes"]) == ("fp16", "int4", 180_224)
    assert [r["bytes"] for r in out["layers"]] == [90_112, 90_112]
    out = analyze_json(capsys, path, "--dtype", "fp16")
    assert (out["memory"]["weight_dtype"], out["memory"]["weight_bytes"], out["roofline"]["bytes"]) == ("fp16", 524_288, 2 * (12_288 + 131_072) * 2)
    assert run(["analyze", path]) == 0
    text = capsys.readouterr().out
    assert "Memory (fp16, 2 B per element; weights int4)" in text
    assert "weights int4, packed: the type of most of the weights the model stores; activations fp16: the type of most of its activations" in text
    # check: the weight bytes are the packed ones; a peak limit is at the activations' type
    assert run(["check", path, "--max-weight-bytes", "131072", "--max-peak-activation-bytes", "24576"]) == 0
    assert "weight bytes (int4)" in capsys.readouterr().out
    assert run(["check", path, "--max-weight-bytes", "131071"]) == 1
    assert not dscost.check(path, max_peak_activation_bytes=24_575).passed
    assert dscost.check(path, max_weight_bytes=524_288, dtype="fp16").passed and not dscost.check(path, max_weight_bytes=524_287, dtype="fp16").passed


def test_2_bit_weights_int4_initializers_and_a_4_bit_table(tmp_path, capsys):
    """bits=2: four values a byte, 262,144 weights in 65,536 bytes (int2); bits=8, a byte each.  An int4 initializer
    dequantized for a float32 conv: 216 weights in 108 bytes, activations 11,264 x 4.  A
    GatherBlockQuantized table of 1,000 x 64 values packed in 1,000 x 32 uint8 bytes: 32,000
    bytes at int4, its fp32 lookups 4 B each."""
    mem = analyze_json(capsys, nbits_file(tmp_path, bits=2))["memory"]
    assert (mem["dtype"], mem["weight_dtype"], mem["weight_bytes"]) == ("fp16", "int2", 65_536)
    # bits=8: a byte a weight, and weight-only still: the activations at their float16, not int8
    mem = analyze_json(capsys, nbits_file(tmp_path, bits=8, name="nbits8"))["memory"]
    assert (mem["dtype"], mem["dtype_source"], mem["weight_dtype"], mem["weight_bytes"], mem["activation_bytes"]) == ("fp16", "model", "int8", 262_144, 32_768)
    w_q = helper.make_tensor("w_q", TensorProto.INT4, (8, 3, 3, 3), np.arange(216) % 7 - 3)
    scale = numpy_helper.from_array(np.full(8, 0.1, np.float32), "scale")
    nodes = [helper.make_node("DequantizeLinear", ["w_q", "scale"], ["w"], axis=0, name="dq"),
             helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], name="conv")]  # fmt: skip
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w_q, scale])  # fmt: skip
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 21)]), str(tmp_path / "q4.onnx"))
    out = analyze_json(capsys, str(tmp_path / "q4.onnx"))
    mem = out["memory"]
    assert (out["totals"]["params"], mem["dtype"], mem["dtype_source"], mem["weight_dtype"], mem["weight_bytes"], mem["activation_bytes"]) == (
        216, "fp32", "model", "int4", 108, 45_056)
    # the roofline: the DequantizeLinear of the weight is a constant (folded, or fused into the conv: no bytes of
    # its own), the conv reads x and writes y at 4 B and its 216 weights at half a byte
    out = analyze_json(capsys, str(tmp_path / "q4.onnx"), "--hardware", "t4", "--all")
    assert [(r["name"], r["bytes"]) for r in out["layers"]] == [("dq", 0), ("conv", 45_056 + 108)]
    table = numpy_helper.from_array(np.zeros((1000, 32), np.uint8), "table")
    scales = numpy_helper.from_array(np.ones((1000, 2), np.float32), "scales")
    node = helper.make_node("GatherBlockQuantized", ["table", "ids", "scales"], ["e"], domain="com.microsoft", bits=4, block_size=32, name="embed")
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("ids", TensorProto.INT64, [1, 8])],
                          [helper.make_tensor_value_info("e", TensorProto.FLOAT, [1, 8, 64])], [table, scales])  # fmt: skip
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid("com.microsoft", 1)]), str(tmp_path / "emb.onnx"))
    out = analyze_json(capsys, str(tmp_path / "emb.onnx"))
    mem = out["memory"]
    assert (out["totals"]["params"], mem["dtype"], mem["weight_dtype"], mem["weight_bytes"]) == (64_000, "fp32", "int4", 32_000)


def test_a_tflite_file_of_int4_filters_and_int8_activations(tmp_path, capsys):
    """Two int8 convs whose filters are int4 (TFLite's INT4, two a byte): 3 -> 32 -> 32, 3x3,
    10,080 filter values and 64 int32 biases, 10,144 params: 5,040 + 256 = 5,296 weight bytes, each
    at its own type.  The activations are int8, most of the
    elements of the file's other tensors (int8 1,204,224 against float 551,936): 1 byte each."""
    pytest.importorskip("tflite")
    from dataclasses import replace

    import tflite_models as tm
    from tflite.BuiltinOperator import BuiltinOperator
    from tflite.TensorType import TensorType

    n = tm.Net()
    x = n.input("image", (1, 224, 224, 3))
    q = n.tensor("image_int8", (1, 224, 224, 3), tm.INT8)
    n.op(BuiltinOperator.QUANTIZE, [x], [q])
    y = n.conv(n.conv(q, 32, 3, stride=2, name="conv1", dtype=tm.INT8), 32, 3, name="conv2", dtype=tm.INT8)
    out = n.tensor("out", n.shape(y), tm.FLOAT32)
    n.op(BuiltinOperator.DEQUANTIZE, [y], [out])
    n.output(out)
    for i, t in enumerate(n.tensors):
        if t.name.endswith("/filter"):
            n.tensors[i] = replace(t, dtype=TensorType.INT4)
            n.buffers[t.buffer] = (n.buffers[t.buffer] + 1) // 2
    path = n.save(tmp_path / "q4.tflite")
    out = analyze_json(capsys, str(path))
    mem = out["memory"]
    assert (out["totals"]["params"], mem["dtype"], mem["dtype_source"], mem["weight_dtype"], mem["weight_bytes"]) == (10_144, "int8", "model", "int4", 5_296)
    # every activation at that one type: image and its int8 copy 150,528 each, conv1, conv2 and out 401,408 each
    assert mem["activation_bytes"] == 2 * 150_528 + 3 * 401_408


def test_a_dynamic_range_tflite_file_keeps_float_activations(tmp_path, capsys):
    """Dynamic-range quantization: a float32 image into a 3x3 conv 3 -> 32 whose filter is int8
    (864) and bias float32 (32): int8 weights, float activations.  Weights 864 + 32 x 4 = 992
    bytes; activations 1x224x224x3 + 1x112x112x32 = 551,936 elements at 4 B, not 1."""
    pytest.importorskip("tflite")
    from dataclasses import replace

    import tflite_models as tm

    n = tm.Net()
    x = n.input("image", (1, 224, 224, 3))
    n.output(n.conv(x, 32, 3, stride=2, name="conv1"))
    i = next(i for i, t in enumerate(n.tensors) if t.name == "conv1/filter")
    n.tensors[i] = replace(n.tensors[i], dtype=tm.INT8, quantized=True)
    n.buffers[n.tensors[i].buffer] = 864
    out = analyze_json(capsys, str(n.save(tmp_path / "hybrid.tflite")))
    mem = out["memory"]
    assert (mem["dtype"], mem["dtype_source"], mem["weight_dtype"], mem["weight_types"], mem["weight_bytes"]) == ("fp32", "model", "int8", {"int8": 864, "fp32": 32}, 992)
    assert mem["activation_bytes"] == 551_936 * 4


def test_dynamic_quantization_keeps_float_activations(tmp_path, capsys):
    """onnxruntime's quantize_dynamic forms: int8 weights, activations quantized at run time and
    float between ops -- a DynamicQuantizeLinear + MatMulInteger + Cast + Mul chain, and the fused
    DynamicQuantizeMatMul.  x 1x16x64 float32 times a 64 x 32 int8 weight: 2,048 weights in 2,048
    bytes; the activations at fp32 (not int8), the weights at 1 byte."""
    w = numpy_helper.from_array(np.ones((64, 32), np.int8), "w")
    ws = numpy_helper.from_array(np.full(1, 0.1, np.float32), "w_scale")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 64])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    chain = [helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="dql"),
             helper.make_node("MatMulInteger", ["xq", "w", "xz"], ["acc"], name="mm"),
             helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT, name="cast"),
             helper.make_node("Mul", ["xs", "w_scale"], ["s"], name="scale"),
             helper.make_node("Mul", ["accf", "s"], ["y"], name="rescale")]  # fmt: skip
    fused = [helper.make_node("DynamicQuantizeMatMul", ["x", "w", "w_scale"], ["y"], domain="com.microsoft", name="dqmm")]
    for nodes, name in ((chain, "chain"), (fused, "fused")):
        g = helper.make_graph(nodes, "g", [x], [y], [w, ws])
        save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]), str(tmp_path / f"{name}.onnx"))
        out = analyze_json(capsys, str(tmp_path / f"{name}.onnx"))
        mem = out["memory"]
        assert (out["totals"]["macs"], mem["dtype"], mem["dtype_source"], mem["weight_dtype"], mem["weight_bytes"]) == (32_768, "fp32", "model", "int8", 2_048), name


def test_weight_types_count_the_params_alone(tmp_path, capsys):
    """Round 67's findings.  A MatMulNBits whose K (200) is not a multiple of block_size (128) pads
    its last block: its values are K x N = 12,800, not the 16,384 its bytes hold; beside a 64 x 64
    fp32 MatMul weight (4,096): 6,400 + 16,384 = 22,784 weight bytes, each layer's in the roofline at
    its own type.  BN running statistics are
    buffers, not params: an fp16 conv (216) with fp16 scale and bias (16) and fp32 mean and var
    keeps weight_types at {fp16: 232}, 464 bytes."""
    r = np.random.default_rng(0)
    nodes = [helper.make_node("MatMulNBits", ["x", "B", "S"], ["h"], domain="com.microsoft", K=200, N=64, bits=4, block_size=128, name="q"),
             helper.make_node("MatMul", ["h", "W"], ["y"], name="fc")]  # fmt: skip
    inits = [numpy_helper.from_array(r.integers(0, 256, (64, 2, 64)).astype(np.uint8), "B"), numpy_helper.from_array(np.ones(128, np.float32), "S"),
             numpy_helper.from_array(r.standard_normal((64, 64)).astype(np.float32), "W")]  # fmt: skip
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 200])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]), str(tmp_path / "pad.onnx"))
    out = analyze_json(capsys, str(tmp_path / "pad.onnx"))
    mem = out["memory"]
    assert (out["totals"]["params"], mem["weight_types"], mem["weight_bytes"]) == (16_896, {"int4": 12_800, "fp32": 4_096}, 22_784)
    assert run(["check", str(tmp_path / "pad.onnx"), "--max-weight-bytes", "22784"]) == 0 and "weight bytes (int4 + fp32)" in capsys.readouterr().out
    # the roofline takes each layer's weights at their own type: q (200 + 64) x 4 + 12,800 / 2; fc (64 + 64) x 4 + 4,096 x 4
    out = analyze_json(capsys, str(tmp_path / "pad.onnx"), "--hardware", "t4")
    assert [(r["name"], r["bytes"]) for r in out["layers"]] == [("q", 1_056 + 6_400), ("fc", 512 + 16_384)]
    assert out["roofline"]["bytes"] == 7_456 + 16_896
    h16 = lambda name, *shape: numpy_helper.from_array(np.ones(shape, np.float16), name)  # noqa: E731
    f32 = lambda name, *shape: numpy_helper.from_array(np.ones(shape, np.float32), name)  # noqa: E731
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1], name="conv"),
             helper.make_node("BatchNormalization", ["c", "g", "b", "m", "v"], ["y"], name="bn")]  # fmt: skip
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT16, [1, 3, 32, 32])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT16, None)], [h16("w", 8, 3, 3, 3), h16("g", 8), h16("b", 8), f32("m", 8), f32("v", 8)])  # fmt: skip
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "bn.onnx"))
    out = analyze_json(capsys, str(tmp_path / "bn.onnx"))
    mem = out["memory"]
    assert (out["totals"]["params"], mem["dtype"], mem["weight_types"], mem["weight_bytes"]) == (232, "fp16", {"fp16": 232}, 464)


def test_fp16_weights_cast_to_fp32_size_the_activations_at_fp32(tmp_path, capsys):
    """A half-precision file that computes in float32 (each weight Cast up: what mixed-precision
    converters leave): 216 fp16 weights in 432 bytes, the activations (x 3,072, y 8,192) at 4 B
    -- 45,056 --, not at the weights' 2.  A TFLite file of float16 filters DEQUANTIZEd for float32
    ops likewise."""
    w = numpy_helper.from_array(np.ones((8, 3, 3, 3), np.float16), "w")
    nodes = [helper.make_node("Cast", ["w"], ["w32"], to=TensorProto.FLOAT, name="up"),
             helper.make_node("Conv", ["x", "w32"], ["y"], pads=[1, 1, 1, 1], name="conv")]  # fmt: skip
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w])  # fmt: skip
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "cast.onnx"))
    mem = analyze_json(capsys, str(tmp_path / "cast.onnx"))["memory"]
    assert (mem["dtype"], mem["weight_dtype"], mem["weight_bytes"], mem["activation_bytes"]) == ("fp32", "fp16", 432, 45_056)
    assert run(["analyze", str(tmp_path / "cast.onnx")]) == 0 and "Memory (fp32, 4 B per element; weights fp16)" in capsys.readouterr().out
    pytest.importorskip("tflite")
    from dataclasses import replace

    import tflite_models as tm
    from tflite.BuiltinOperator import BuiltinOperator
    from tflite.TensorType import TensorType

    n = tm.Net()
    x = n.input("image", (1, 32, 32, 3))
    n.output(n.conv(x, 8, 3, name="conv1"))
    i = next(i for i, t in enumerate(n.tensors) if t.name == "conv1/filter")
    half = n.const("conv1/filter_fp16", n.tensors[i].shape, TensorType.FLOAT16)
    n.op(BuiltinOperator.DEQUANTIZE, [half], [i])
    n.tensors[i] = replace(n.tensors[i], buffer=0)  # (the float32 filter: DEQUANTIZE's output, no data of its own)
    out = analyze_json(capsys, str(n.save(tmp_path / "half.tflite")))
    mem = out["memory"]
    assert (mem["dtype"], mem["weight_dtype"]) == ("fp32", "fp16")
