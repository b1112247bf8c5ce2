"""A mutation fuzzer for dscost's file inputs: byte flips, truncations, insertions and
splices of small valid seed files (ONNX graphs, a TFLite file, a YAML spec, a budget file), each run
through the real CLI code (``dscost.cli.run``) in-process under an alarm.

The property checked on every case: exit code 0, 1 or 2; an error is one line
``dscost: error: ...`` (never "internal error", never a traceback); the input file is
byte-identical afterwards and no other file appears.  Used by tests/test_fuzz.py (a few
hundred cases in CI) and benchmarks/fuzz.py (thousands, nightly-style).
"""

from __future__ import annotations

import contextlib
import io
import random
import signal
from pathlib import Path

import numpy as np
from onnx import TensorProto, helper, numpy_helper

SPEC = b"""name: seed
input: [3, 16, 16]
layers:
  - {type: conv, name: stem, channels: 8, kernel: 3, stride: 2}
  - {type: batchnorm}
  - {type: relu6}
  - {type: dsconv, name: block, channels: 16}
  - name: group
    repeat: 2
    layers:
      - {type: depthwise, kernel: 3}
      - {type: pointwise, channels: 16}
  - {type: global_avgpool}
  - {type: fc, units: 10}
"""

BUDGET = b"""budgets:
  - path: seed.yaml
    max_macs: 10M
    max_params: 1M
    max_standard_conv_share: 50%
"""

LIMITS = b"""max_macs: 10M
max_params: 1M
dtype: fp16
max_weight_bytes: 2MB
"""


def seed_tflite() -> bytes | None:
    """A depthwise 3x3 then pointwise 1x1 block in TFLite's flatbuffer (tests/tflite_models.py);
    None without the tflite package (the schema's accessors build it)."""
    try:
        import tflite_models
    except ImportError:
        return None
    return tflite_models.separable_block().build()


def seed_stream() -> bytes | None:
    """A streaming layer whose state is a resource variable, set by a CALL_ONCE's subgraph
    (tflite_models.streaming_state); None without the tflite package."""
    try:
        import tflite_models
    except ImportError:
        return None
    return tflite_models.streaming_state().build()


def seed_onnx() -> bytes:
    rng = np.random.default_rng(0)
    w = lambda name, *dims: numpy_helper.from_array(rng.standard_normal(dims).astype(np.float32), name)  # noqa: E731
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["a"], name="conv1", pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["a"], ["ar"], name="relu1"),
        helper.make_node("Conv", ["ar", "wd"], ["d"], name="dw", pads=[1, 1, 1, 1], group=8),
        helper.make_node("Conv", ["d", "wp"], ["p"], name="pw"),
        helper.make_node("Shape", ["p"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "zero"], ["b"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["b", "ax"], ["batch"], name="unsq"),
        helper.make_node("Concat", ["batch", "minus1"], ["target"], name="concat", axis=0),
        helper.make_node("Reshape", ["p", "target"], ["flat"], name="reshape"),
        helper.make_node("Gemm", ["flat", "wf", "bf"], ["y"], name="fc", transB=1),
    ]
    inits = [w("w1", 8, 3, 3, 3), w("b1", 8), w("wd", 8, 1, 3, 3), w("wp", 16, 8, 1, 1), w("wf", 10, 16 * 8 * 8), w("bf", 10),
             numpy_helper.from_array(np.array(0, np.int64), "zero"), numpy_helper.from_array(np.array([0], np.int64), "ax"),
             numpy_helper.from_array(np.array([-1], np.int64), "minus1")]  # fmt: skip
    g = helper.make_graph(nodes, "seed", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 16, 16])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)  # fmt: skip
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8).SerializeToString()


def seed_modern() -> bytes:
    """A transformer block as onnxruntime's optimizer and quantizers write it: contrib ops
    (com.microsoft), whose shapes dscost's own shape functions carry."""
    rng = np.random.default_rng(1)
    w = lambda name, *dims, dt=np.float32: numpy_helper.from_array(rng.standard_normal(dims).astype(dt), name)  # noqa: E731
    ms = lambda op, ins, out, **kw: helper.make_node(op, ins, [out], name=out, domain="com.microsoft", **kw)  # noqa: E731
    nodes = [
        ms("Attention", ["x", "wqkv", "bqkv"], "att", num_heads=4),
        ms("SkipLayerNormalization", ["att", "x", "g", "beta"], "ln"),
        ms("MatMulNBits", ["ln", "w4", "s4"], "up", K=16, N=32, bits=4, block_size=16),
        ms("BiasGelu", ["up", "b4"], "act"),
        ms("FusedMatMul", ["act", "wdown"], "down", transB=1, alpha=0.5),
        helper.make_node("SimplifiedLayerNormalization", ["down", "g"], ["y"], name="rms"),
    ]
    inits = [w("wqkv", 16, 48), w("bqkv", 48), w("g", 16), w("beta", 16), w("w4", 32, 1, 8, dt=np.uint8), w("s4", 32),
             w("b4", 32), w("wdown", 16, 32)]  # fmt: skip
    g = helper.make_graph(nodes, "modern", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 6, 16])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)  # fmt: skip
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(g, opset_imports=opsets, ir_version=8).SerializeToString()


def seed_lowbit() -> bytes:
    """Weights at their own types, as today's quantized LLM exports hold them: an int4 embedding
    table in ``GatherBlockQuantized``, 2-bit weights packed by ``MatMulNBits``, an fp16 graph
    around them, and an int4 ``DequantizeLinear`` conv weight (opset 21) with an fp16 scale."""
    h = TensorProto.FLOAT16
    rng = np.random.default_rng(2)
    u8 = lambda name, *dims: numpy_helper.from_array(rng.integers(0, 256, dims).astype(np.uint8), name)  # noqa: E731
    f16 = lambda name, *dims: numpy_helper.from_array(rng.standard_normal(dims).astype(np.float16), name)  # noqa: E731
    ms = lambda op, ins, out, **kw: helper.make_node(op, ins, [out], name=out, domain="com.microsoft", **kw)  # noqa: E731
    nodes = [
        ms("GatherBlockQuantized", ["table", "ids", "tscale"], "emb", block_size=16, bits=4, gather_axis=0, quantize_axis=1),
        ms("MatMulNBits", ["emb", "w2", "s2"], "up", K=16, N=32, bits=2, block_size=16),
        helper.make_node("DequantizeLinear", ["w4", "s4"], ["wq"], name="dq", axis=0),
        helper.make_node("Conv", ["x", "wq"], ["y"], name="conv", pads=[1, 1, 1, 1]),
    ]
    inits = [u8("table", 100, 8), f16("tscale", 100, 1), u8("w2", 32, 1, 4), f16("s2", 32), f16("s4", 8),
             helper.make_tensor("w4", TensorProto.INT4, [8, 4, 3, 3], rng.integers(-8, 8, 288).tolist())]  # fmt: skip
    g = helper.make_graph(nodes, "lowbit", [helper.make_tensor_value_info("ids", TensorProto.INT64, [1, 5]), helper.make_tensor_value_info("x", h, [1, 4, 8, 8])],
                          [helper.make_tensor_value_info("up", h, None), helper.make_tensor_value_info("y", h, None)], inits)  # fmt: skip
    opsets = [helper.make_opsetid("", 21), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(g, opset_imports=opsets, ir_version=10).SerializeToString()


def seed_branches() -> bytes:
    """Two Ifs, on a flag input (given with --input-value) and on a Constant, inlined by the reader."""
    body = lambda name, op, *ins: helper.make_graph([helper.make_node(op, list(ins), [name], name=name)], name, [],  # noqa: E731
                                                    [helper.make_tensor_value_info(name, TensorProto.FLOAT, None)])  # fmt: skip
    w = numpy_helper.from_array(np.ones((4, 4, 3, 3), np.float32), "w")
    nodes = [
        helper.make_node("If", ["flag"], ["a"], name="by_flag", then_branch=body("t", "Conv", "x", "w"), else_branch=body("e", "Relu", "x")),
        helper.make_node("Constant", [], ["c"], name="c", value=helper.make_tensor("v", TensorProto.BOOL, [1], [True])),
        helper.make_node("If", ["c"], ["y"], name="by_const", then_branch=body("t2", "Sigmoid", "a"), else_branch=body("e2", "Tanh", "a")),
    ]
    g = helper.make_graph(nodes, "branches", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8, 8]),
                                              helper.make_tensor_value_info("flag", TensorProto.BOOL, [1])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w])  # fmt: skip
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8).SerializeToString()


def seed_loops() -> bytes:
    """A Loop of constant trip count and a Scan, each counted as its body times its steps (onnx_loops)."""
    f = TensorProto.FLOAT
    w = numpy_helper.from_array(np.ones((8, 8), np.float32), "w")
    loop_body = helper.make_graph(
        [helper.make_node("Identity", ["c_in"], ["c_out"]), helper.make_node("MatMul", ["h_in", "w"], ["h_out"])], "loop_body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []), helper.make_tensor_value_info("c_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("h_in", f, None)],
        [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []), helper.make_tensor_value_info("h_out", f, None)])  # fmt: skip
    scan_body = helper.make_graph(
        [helper.make_node("MatMul", ["x_t", "w"], ["m"]), helper.make_node("Add", ["m", "s_in"], ["s_out"]), helper.make_node("Relu", ["s_out"], ["y_t"])],
        "scan_body", [helper.make_tensor_value_info("s_in", f, None), helper.make_tensor_value_info("x_t", f, None)],
        [helper.make_tensor_value_info("s_out", f, None), helper.make_tensor_value_info("y_t", f, None)])  # fmt: skip
    nodes = [
        helper.make_node("Constant", [], ["m"], name="m", value=helper.make_tensor("v", TensorProto.INT64, [], [3])),
        helper.make_node("Constant", [], ["t"], name="t", value=helper.make_tensor("v", TensorProto.BOOL, [], [True])),
        helper.make_node("Loop", ["m", "t", "h"], ["h_final"], name="loop", body=loop_body),
        helper.make_node("Scan", ["h_final", "x"], ["s", "y"], name="scan", num_scan_inputs=1, body=scan_body),
    ]
    g = helper.make_graph(nodes, "loops", [helper.make_tensor_value_info("h", f, [1, 8]), helper.make_tensor_value_info("x", f, [5, 1, 8])],
                          [helper.make_tensor_value_info("y", f, None)], [w])  # fmt: skip
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8).SerializeToString()


def seed_classical() -> bytes:
    """A scikit-learn pipeline as sklearn-onnx writes it (ONNX-ML ops, onnx_ml): an imputer and a
    scaler, an MLP layer, a linear classifier and regressor, feature ops; every node counted."""
    f = TensorProto.FLOAT
    ml = lambda op, ins, out, **kw: helper.make_node(op, ins, out if isinstance(out, list) else [out], name=op, domain="ai.onnx.ml", **kw)  # noqa: E731
    nodes = [
        ml("Imputer", ["x"], "imp", imputed_value_floats=[0.5] * 6, replaced_value_float=0.0),
        ml("Scaler", ["imp"], "sc", offset=[0.1] * 6, scale=[2.0] * 6),
        helper.make_node("MatMul", ["sc", "w"], ["h"], name="mm"), helper.make_node("Relu", ["h"], ["hr"], name="relu"),
        ml("LinearClassifier", ["hr"], ["label", "scores"], coefficients=[0.25] * 24, intercepts=[0.0] * 3, classlabels_ints=[0, 1, 2],
           post_transform="SOFTMAX"),
        ml("Normalizer", ["scores"], "norm", norm="L2"), ml("Binarizer", ["norm"], "bin", threshold=0.3),
        ml("FeatureVectorizer", ["bin", "hr"], "fv", inputdimensions=[3, 8]),
        ml("ArrayFeatureExtractor", ["fv", "idx"], "afe"),
        ml("LinearRegressor", ["afe"], "y", coefficients=[1.0] * 8, intercepts=[0.0, 0.0], targets=2),
    ]  # fmt: skip
    inits = [numpy_helper.from_array(np.full((6, 8), 0.5, np.float32), "w"), numpy_helper.from_array(np.array([0, 2, 5, 9], np.int64), "idx")]
    g = helper.make_graph(nodes, "classical", [helper.make_tensor_value_info("x", f, ["N", 6])],
                          [helper.make_tensor_value_info("y", f, None), helper.make_tensor_value_info("label", TensorProto.INT64, None)], inits)  # fmt: skip
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)]
    return helper.make_model(g, opset_imports=opsets, ir_version=8).SerializeToString()


def mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 8))):
        op = rng.random()
        if not b:
            b = bytearray(rng.randbytes(rng.randint(1, 16)))
        elif op < 0.35:  # flip bits
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif op < 0.55:  # set an interesting byte
            b[rng.randrange(len(b))] = rng.choice((0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0A, 0x3A, 0x2D, 0x5B, 0x26, 0x2A))
        elif op < 0.7:  # truncate
            del b[rng.randrange(len(b)) :]
        elif op < 0.85:  # insert bytes
            i = rng.randrange(len(b) + 1)
            b[i:i] = rng.randbytes(rng.randint(1, 8))
        else:  # splice: copy a run of the file elsewhere
            i, j = sorted(rng.randrange(len(b) + 1) for _ in range(2))
            k = rng.randrange(len(b) + 1)
            b[k:k] = b[i:j][:64]
    return bytes(b)


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout


def run_case(folder: Path, name: str, data: bytes, args: list[str], seconds: int = 20) -> tuple[int, str]:
    """Write ``data`` as ``name`` in ``folder``, run ``dscost args`` in-process, check the property;
    returns (exit code, stderr).  AssertionError says what was violated.  A file named by ``-o``
    may appear, on success only."""
    from dscost.cli import run

    path = folder / name
    path.write_bytes(data)
    before = sorted(p.name for p in folder.iterdir())
    out, err = io.StringIO(), io.StringIO()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(args)
    except Timeout:
        raise AssertionError(f"no answer within {seconds} s: dscost {' '.join(args)}") from None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    e = err.getvalue()
    assert code in (0, 1, 2), (code, e)
    assert "Traceback" not in e and "internal error" not in e, e
    if code == 2:
        lines = e.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("dscost: error: "), e
    assert path.read_bytes() == data, "the input file changed"
    written = {args[args.index("-o") + 1]} if "-o" in args and code == 0 else set()
    after = sorted(p.name for p in folder.iterdir() if p.name not in written)
    assert after == before, f"files appeared or vanished: {sorted(set(after) ^ set(before))}"
    return code, e


def cases(n: int, seed: int = 0):
    """``n`` (file name, bytes, argv) cases over analyze, check and convert (bench is exercised
    by benchmarks/fuzz.py: each case starts an onnxruntime process)."""
    rng = random.Random(seed)
    onnx_seed, modern_seed, branch_seed, loop_seed, tflite_seed = seed_onnx(), seed_modern(), seed_branches(), seed_loops(), seed_tflite()
    classical_seed, lowbit_seed = seed_classical(), seed_lowbit()
    kinds = [] if tflite_seed is None else [
        ("seed.tflite", tflite_seed, lambda: ["analyze", "seed.tflite", "-f", rng.choice(["json", "table"])]),
        ("seed.tflite", tflite_seed, lambda: ["check", "seed.tflite", "--max-macs", "10M"]),
        ("stream.tflite", seed_stream(), lambda: ["analyze", "stream.tflite", "-f", rng.choice(["json", "table"])]),
    ]
    kinds += [
        ("loops.onnx", loop_seed, lambda: ["analyze", "loops.onnx", "-f", rng.choice(["json", "table"])]),
        ("branch.onnx", branch_seed, lambda: ["analyze", "branch.onnx", "--input-value", f"flag={rng.choice([0, 1])}", "-f", "json"]),
        ("modern.onnx", modern_seed, lambda: ["analyze", "modern.onnx", "-f", rng.choice(["json", "table"])]),
        ("lowbit.onnx", lowbit_seed, lambda: ["analyze", "lowbit.onnx", "-f", rng.choice(["json", "table", "html"]), "--hardware", "t4"]),
        ("lowbit.onnx", lowbit_seed, lambda: ["check", "lowbit.onnx", "--max-weight-bytes", rng.choice(["1K", "2K"])]),
        ("classical.onnx", classical_seed, lambda: ["analyze", "classical.onnx", "-f", rng.choice(["json", "table"])]),
        ("seed.onnx", onnx_seed, lambda: ["analyze", "seed.onnx", "-f", rng.choice(["json", "table", "csv"])]),
        ("seed.onnx", onnx_seed, lambda: ["check", "seed.onnx", "--max-macs", "1G", "--max-params", "10M"]),
        ("seed.onnx", onnx_seed, lambda: ["convert", "seed.onnx", "-o", "out.onnx", "--no-verify", rng.choice(["--reverse", "--min-kernel=2"])]),
        ("seed.yaml", SPEC, lambda: ["analyze", "seed.yaml", "-f", rng.choice(["json", "markdown"])]),
        ("seed.yaml", SPEC, lambda: ["check", "seed.yaml", "--max-macs", "10M"]),
        ("budget.yaml", BUDGET, lambda: ["check", "--budget", "budget.yaml", "-f", rng.choice(["junit", "github", "table"])]),
        ("limits.yaml", LIMITS, lambda: ["check", "seed.yaml", "--budget", "limits.yaml", "-f", rng.choice(["json", "csv", "table"])]),
    ]
    for _ in range(n):
        name, data, argv = rng.choice(kinds)
        yield name, mutate(data, rng), argv()
