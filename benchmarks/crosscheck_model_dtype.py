"""Sixty-third blind round: the default element type of memory and roofline bytes (the model's own weight type).

(It checks the rule of its day.  Since 2026-12-07 each weight is sized at its own type and weight-only, dynamic and
4-bit quantization keep their activations' own type: the sixty-seventh round, crosscheck_weight_types.py, checks that.)

What it stresses: dscost's new default dtype.  Without --dtype, memory (weight bytes, activation bytes, input bytes,
peak live activations), roofline bytes and `check`'s byte limits (--max-weight-bytes, --max-peak-activation-bytes,
budget entries without `dtype:`) are sized at the element type that holds the most weight ELEMENTS dscost counts as
parameters: an ONNX file's initializers, Constant nodes and weight graph inputs, a TFLite file's float or quantized
constants of more than one element (each buffer once), mapped fp32 / fp16 / bf16 / int8 (uint8 -> int8); fp32 when
there are none or that type is another (float64, int4: with a note); a Hugging Face config.json at its "dtype" /
"torch_dtype".  (The first run, on dscost 678e444, had the rule of that commit: every initializer of the file, every
constant tensor of the TFLite file; its findings 1, 2 and 4 below led to the rule above, dscost 18be6a4.)  JSON memory.dtype / roofline.dtype give it, *.dtype_source says
option | model | default.  Files (built by this script into OUT, 64x64 inputs, seed 0, random weights):
torchvision mobilenet_v2, resnet18, efficientnet_b0, shufflenet_v2_x0_5, squeezenet1_1 exported by the TorchScript
exporter (dynamo=False, opset 17) in fp32 and .half(), mobilenet_v2 / resnet18 also in bfloat16; the dynamo
exporter's mobilenet_v2 in fp32 / fp16 / bf16 and resnet18 fp16 with external data; onnxruntime.quantization's
quantize_dynamic (int8 and uint8 weights, per-channel off / on) of mobilenet_v2 and resnet18 and quantize_static
QDQ (the same four) of mobilenet_v2 (QOperator: onnxruntime 1.32 fails on this model, "'NoneType' object has no
attribute 'data_type'": n/a); onnxconverter-common 1.16's float16.convert_float_to_float16 (keep_io_types False /
True) of mobilenet_v2 and resnet18; squeezenet1_1 in float64; squeezenet1_1 fp16 with every initializer turned
into a Constant node, and with export_params=False (weights as graph inputs); onnx.helper graphs: fp16 MatMul
weights (8,192) beside an int64 Gather index table (10,000), int4 DequantizeLinear weights (opset 21) with fp32
scales, a 3 x 256x256 MLP through onnxruntime's MatMulNBitsQuantizer (4 bits, block 32: uint8-packed); dscost's own
`convert` of the fp16 resnet18 / squeezenet1_1 (do the new separable weights keep fp16?); TFLite files built with
the `tflite` flatbuffer builders of dscost's tests/tflite_models.py (no converter installed): a conv / depthwise /
pointwise CNN in float32, int8 and uint8 (int32 biases), a float16-weights CNN (fp16 constants + DEQUANTIZE), and
a file whose one fp32 buffer (4,096) is read by three tensors beside 8,192 fp16 elements (each buffer once: fp16;
per tensor it would be fp32); Hugging Face config.json files of tiny Llama (LlamaForCausalLM), BERT (BertModel)
and ViT (ViTForImageClassification) written by transformers 5.25's save_pretrained with dtype float16, bfloat16,
float32, float64, "auto" and none, and a Llama one with the transformers 4 key torch_dtype: float16; PyTorch
factories (path/zoo.py:factory) returning torchvision models .half() / .to(torch.bfloat16) / fp32, given
-i 1x3x64x64:float16 (bfloat16).  Also the API (dscost.analyze(path).to_json(), dscost.check(path,
max_weight_bytes=...)), --format html, several models in one `analyze` / `check` process, and a budget file.

The oracle (written here, no dscost code): the expected dtype from the file itself by the documented rule --
onnx.load(load_external_data=False): the initializers' and Constant nodes' dims x data_type (top graph) of a float,
8-bit or 4-bit type and more than one element, and graph inputs read as a Conv's / Gemm's / MatMul's second input
(weights without values); the TFLite flatbuffer read with the `tflite` package (tensors with a non-empty buffer,
each buffer once, of a float type or with quantization scales, more than one element), the config's
"dtype" / "torch_dtype" -- and its source (model, or default when no sized type wins; a config without a sized dtype
may say either: transformers builds its model in float32).  Then, per file: memory.dtype and roofline.dtype =
expected, dtype_bytes right, weight_bytes = dscost's own totals.params x bytes of that dtype; a second run with
--dtype fp32 (source "option"): weight / activation / input / peak bytes, roofline bytes and every layer's
activation_bytes, live_bytes and bytes exactly proportional (x size/4), the same peak layer; `check` with
--max-weight-bytes and --max-peak-activation-bytes at dscost's own figures passes (exit 0), one byte under either
fails (exit 1), and every check label names the dtype.  As information: the file's actual stored bytes (sum of
initializer / constant-buffer bytes, int4 at 1/2) against weight_bytes.

Install: python3 -m venv /tmp/r63/venv; a .pth in its site-packages with /tmp/tv/lib/python3.11/site-packages
(torch 2.14.1 CPU, torchvision 0.29.1, onnx 1.23.2, onnxruntime 1.32.0, onnxscript, transformers 5.25.0, tflite
2.18.0, pyyaml); `uv pip install onnxconverter-common` (1.16.0).  Run (DSCOST_TREE: the dscost checkout whose
`python -m dscost` runs, and whose tests/tflite_models.py builds the TFLite files):

    DSCOST_TREE=/tmp/r63/dscost /tmp/r63/venv/bin/python benchmarks/crosscheck_model_dtype.py --out /tmp/r63/m --json /tmp/r63/rows.json

Every dscost run is its own CLI process (one at a time, 600 s alarm).  Exit 1 while a row is "DIFF" (a dtype, source
or byte figure other than the expected, a traceback, a timeout) or "refused" and not in EXPLAINED.  A benchmark: not
run in CI.

As run 2026-12-07 (second run 14:55-15:18 UTC, on dscost 18be6a4; the first, 14:20-14:50 on 678e444), Linux x86_64, 2-core VM (shared), Python 3.11: torch 2.14.1 (CPU),
torchvision 0.29.1, onnx 1.23.2, onnxruntime 1.32.0, onnxconverter-common 1.16.0, transformers 5.25.0, tflite
2.18.0; dscost 0.1.0 at the frozen copy of this round (/tmp/r63/dscost).  Both runs: the counts below.  68 targets (40 ONNX files, 5 TFLite, 19
config.json, 4 PyTorch factories), one row each; 83 rows in all with the API, HTML, several-models
and budget rows; 355 dscost runs (5 CLI processes a file: analyze, analyze --dtype fp32, 3 x check; 6 API processes
of 3 calls, 6 HTML runs, 2 several-model runs, 1 budget run of 20 entries).  The file rows were made in one pass
(30 min); the API / HTML rows again with --extras-only after a bug of this script's own (its HTML probe looked for
"weight bytes", its API probe split a module's "-i 1x3x64x64:float16" as NAME=SHAPE) was fixed; EXPLAINED was filled
after the pass and applied with --reuse.  No traceback, no hang, no timeout.

| family | files | rows | equal | explained | DIFF | refused | dtype (source) |
|---|---:|---:|---:|---:|---:|---:|---|
| torchvision TorchScript export fp32 / fp16 / bf16 | 12 | 12 | 12 | 0 | 0 | 0 | fp32 / fp16 / bf16 (model) |
| dynamo export fp32 / fp16 / bf16, fp16 external data | 4 | 4 | 4 | 0 | 0 | 0 | fp32 / fp16 / bf16 (model) |
| quantize_dynamic s8 / u8, per-channel off / on | 8 | 8 | 8 | 0 | 0 | 0 | int8 (model) |
| quantize_static QDQ s8 / u8, per-channel off / on | 4 | 4 | 4 | 0 | 0 | 0 | int8 (model) |
| onnxconverter-common float16, keep_io_types off / on | 4 | 4 | 4 | 0 | 0 | 0 | fp16 (model) |
| dscost convert of fp16 files | 2 | 2 | 2 | 0 | 0 | 0 | fp16 (model) |
| float64; Constant-node weights; graph-input weights | 3 | 3 | 3 | 0 | 0 | 0 | fp32 (default, with a note); fp16, fp16 (model) -- findings 1, 4 (first run: all fp32 default) |
| int64 table beside fp16; int4 DQ; MatMulNBits 4-bit | 3 | 3 | 3 | 0 | 0 | 0 | fp16 (model), fp32 (default, with a note), int8 (model) -- findings 2, 3 (first run: the table's file fp32 default) |
| TFLite fp32 / fp16-weights / int8 / uint8 / shared buffer | 5 | 5 | 5 | 0 | 0 | 0 | fp32 / fp16 / int8 / int8 / fp16 (model) |
| HF config.json fp16 / bf16 / fp32 / none / float64 / torch_dtype | 16 | 16 | 16 | 0 | 0 | 0 | as declared; none: fp32 (model); float64: fp32 (default, with a note; first run: model) -- finding 4 |
| HF config.json dtype "auto" | 3 | 3 | 0 | 3 | 0 | 0 | refused by transformers itself |
| PyTorch factories fp16 / bf16 / fp32 | 4 | 4 | 4 | 0 | 0 | 0 | fp16 / bf16 / fp32 (model) |
| API analyze + check | - | 6 | 6 | 0 | 0 | 0 | = the CLI |
| --format html ("Memory (fp16, 2 B per element)") | - | 6 | 6 | 0 | 0 | 0 | = the CLI |
| several models in one analyze / check process | - | 2 | 2 | 0 | 0 | 0 | each its own |
| budget file (entries with and without dtype) | - | 1 | 1 | 0 | 0 | 0 | 20 entries as expected |
| all | 68 | 83 | 80 | 3 | 0 | 0 | |

n/a: quantize_static QOperator (4 variants): onnxruntime 1.32's quantizer raises "AttributeError: 'NoneType' object
has no attribute 'data_type'" on the shape-inferred mobilenet_v2 export (no file to give dscost).

Every file's dtype and source is what the documented rule gives, every byte figure is exactly params x size (weights)
and exactly proportional to the --dtype fp32 run (weights, activations, inputs, peak, roofline bytes and every layer's
activation / live / roofline bytes; the same peak layer), every `check` passes at dscost's own figures and fails one
byte under them, with labels naming the dtype, in the CLI, the API and a budget file, and several models in one
process are each sized at their own type.  Stored bytes against weight_bytes (information): equal to within 1%
for fp32 / fp16 / bf16 exports (the gap is the BN-folded export storing fewer tensors than params, and zero biases
the TorchScript exporter stores once); int8 files store 0-4% more than params x 1 B (fp32 scales, int32 biases,
per-channel scale and zero-point vectors: 3,623,341 stored vs 3,475,008 for the per-channel QDQ mobilenet_v2); the
TFLite int8 CNN 1,344 vs 1,152 (int32 biases at 4 B); float64 squeezenet stores 2.00x weight_bytes (sized at fp32,
default); int4 DQ stores 0.14x (2,304 vs 16,384: sized at fp32, default); MatMulNBits 0.62x (122,880 vs 196,608:
4-bit weights packed two per uint8, sized at 1 B per param, plus fp32 block scales); the fp16 + int64 table file
5.88x in the second run (16,384 weight bytes at fp16: its int64 table is no parameter; 2.94x at fp32 in the first).

Findings of the first run (none a DIFF against that commit's rule; surprising choices and wording a user may trip
on).  Fixed in dscost 18be6a4: 1 and 2 (the dtype is taken from the tensors the reader counts as parameters,
_Counter.weight_dtype; TFLite: its float or quantized constants), 4 (an unsized type says "sized at fp32: most of the
model's weights are float64, a type dscost does not size" in the Memory table and memory.notes; a float64 config is
"default"; an fp32 from the model adds no line).  3 stands, and the README says it.

1. Weights that are not initializers do not vote.  squeezenet1_1 fp16 with every initializer as a Constant node, and
   with export_params=False (weights as float16 graph inputs), is sized at fp32 "default" (4,926,208 / 4,933,152
   weight bytes) though dscost itself counts those tensors as params and lists the graph inputs as float16.
   paddle2onnx writes its parameters as Constant nodes (README), so its fp16 files are sized at 2x.  Cause:
   readers/onnx_wire.py Stripper fills stored_bytes only for top-graph initializers; onnx_reader.py passes
   weight_dtype=stored_dtype(st).  The vote could take the element types of the tensors the reader counts as
   params (Constant values, the inputs params_in_inputs names).
2. A non-parameter initializer outvotes the weights: fp16 MatMul weights (8,192 elements) beside an int64 Gather
   index table (10,000) are sized at fp32 "default" (32,768 weight bytes for 8,192 fp16 params).  The vote counts
   every initializer, not the ones dscost counts as params (dtypes.main_dtype gets all of Stripper.stored_bytes).
   Rare in real exports (shape constants are small), but the rule "fp32 when that type is another" then ignores
   a float type that holds every weight.
3. 4-bit weights are sized two ways: int4 initializers (DequantizeLinear, opset 21) at fp32 (4 B a param, 7.1x the
   file's bytes), MatMulNBits' uint8-packed nibbles at int8 (1 B a param, 1.6x).  Both as documented (int4 is not
   sized; uint8 -> int8), but the same weights differ 4x by format.  DTYPE_BYTES (dtypes.py) has no 4-bit entry.
4. The text / HTML wording does not say when the fp32 is a default chosen over the model's own type: a float64 ONNX
   file, an int4 one, one whose weights are Constant nodes all print only "Memory (fp32, 4 B per element)" (JSON
   says dtype_source "default"); report/analyze.py DTYPE_SOURCE has a line for "model" only.  And a Hugging Face
   config.json with dtype float64 (or none) says dtype_source "model" and "fp32: the type of most of the weights
   the model stores" though the config declares float64 and the meta model stores no weights at all (hf_config.py
   keeps the meta export's float32 when the declared type is not sized; the ONNX reader calls the same float64
   case "default").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
SIZE = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}
ONNX_MAP = {1: "fp32", 10: "fp16", 16: "bf16", 3: "int8", 2: "int8"}  # ONNX TensorProto codes -> sized name
ONNX_ITEM = {1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2, 21: 0.5, 22: 0.5}
HF_MAP = {"float16": "fp16", "bfloat16": "bf16", "float32": "fp32", "int8": "int8", "uint8": "int8"}

# ---------------------------------------------------------------------------------------------------------------
# model builders (each writes one or more files; a builder that fails is recorded as n/a with its reason)


def _tv(name):
    import torch
    import torchvision

    torch.manual_seed(0)
    return getattr(torchvision.models, name)(weights=None).eval()


def _export(m, x, path, dynamo=False, **kw):
    import torch

    with torch.no_grad():
        if dynamo:
            torch.onnx.export(m, (x,), str(path), dynamo=True, **kw)
        else:
            torch.onnx.export(m, (x,), str(path), dynamo=False, opset_version=17, **kw)


TV = ["mobilenet_v2", "resnet18", "efficientnet_b0", "shufflenet_v2_x0_5", "squeezenet1_1"]


def build_torchvision(out: Path, log):
    import torch

    for name in TV:
        for tag, dt in (("fp32", torch.float32), ("fp16", torch.float16), ("bf16", torch.bfloat16)):
            p = out / f"{name}_ts_{tag}.onnx"
            if p.exists() or (tag == "bf16" and name not in ("mobilenet_v2", "resnet18")):
                continue
            try:
                _export(_tv(name).to(dt), torch.randn(1, 3, 64, 64).to(dt), p)
            except Exception as e:  # noqa: BLE001
                log(p.name, f"export failed: {type(e).__name__}: {str(e).splitlines()[0][:150]}")
    for tag, dt in (("fp32", torch.float32), ("fp16", torch.float16), ("bf16", torch.bfloat16)):
        p = out / f"mobilenet_v2_dynamo_{tag}.onnx"
        if not p.exists():
            try:
                _export(_tv("mobilenet_v2").to(dt), torch.randn(1, 3, 64, 64).to(dt), p, dynamo=True)
            except Exception as e:  # noqa: BLE001
                log(p.name, f"export failed: {type(e).__name__}: {str(e).splitlines()[0][:150]}")
    p = out / "resnet18_dynamo_fp16_external.onnx"  # weights in an external data file
    if not p.exists():
        try:
            _export(_tv("resnet18").half(), torch.randn(1, 3, 64, 64).half(), p, dynamo=True, external_data=True)
        except Exception as e:  # noqa: BLE001
            log(p.name, f"export failed: {type(e).__name__}: {str(e).splitlines()[0][:150]}")
    p = out / "squeezenet1_1_fp64.onnx"  # mostly float64 weights
    if not p.exists():
        _export(_tv("squeezenet1_1").double(), torch.randn(1, 3, 64, 64).double(), p)
    p = out / "squeezenet1_1_fp16_graph_inputs.onnx"  # weights as graph inputs (export_params=False)
    if not p.exists():
        _export(_tv("squeezenet1_1").half(), torch.randn(1, 3, 64, 64).half(), p, export_params=False)


class _Reader:
    def __init__(self, path, n=4):
        import numpy as np
        import onnx

        inp = onnx.load(str(path), load_external_data=False).graph.input[0]
        self.name = inp.name
        rng = np.random.default_rng(0)
        self.data = iter([{self.name: rng.standard_normal((1, 3, 64, 64)).astype("float32")} for _ in range(n)])

    def get_next(self):
        return next(self.data, None)


def build_ort_quant(out: Path, log):
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_dynamic, quantize_static

    for base in ("mobilenet_v2", "resnet18"):
        src = out / f"{base}_ts_fp32.onnx"
        pre = out / f"{base}_ts_fp32_infer.onnx"
        if not pre.exists():
            import onnx

            onnx.save(onnx.shape_inference.infer_shapes(onnx.load(str(src))), str(pre))
        for wt, wtag in ((QuantType.QInt8, "s8"), (QuantType.QUInt8, "u8")):
            for pc in (False, True):
                p = out / f"{base}_qdyn_{wtag}{'_pc' if pc else ''}.onnx"
                if not p.exists():
                    try:
                        quantize_dynamic(str(pre), str(p), weight_type=wt, per_channel=pc)
                    except Exception as e:  # noqa: BLE001
                        log(p.name, f"quantize_dynamic failed: {type(e).__name__}: {str(e).splitlines()[0][:150]}")
        if base != "mobilenet_v2":
            continue
        for fmt, ftag in ((QuantFormat.QDQ, "qdq"), (QuantFormat.QOperator, "qop")):
            for wt, wtag in ((QuantType.QInt8, "s8"), (QuantType.QUInt8, "u8")):
                for pc in (False, True):
                    p = out / f"{base}_qstat_{ftag}_{wtag}{'_pc' if pc else ''}.onnx"
                    if p.exists():
                        continue
                    try:
                        quantize_static(str(pre), str(p), _Reader(pre), quant_format=fmt, weight_type=wt, activation_type=QuantType.QUInt8,
                                        per_channel=pc)
                    except Exception as e:  # noqa: BLE001
                        log(p.name, f"quantize_static failed: {type(e).__name__}: {str(e).splitlines()[0][:150]}")


def build_float16_convert(out: Path, log):
    import onnx

    try:
        from onnxconverter_common import float16
    except ImportError as e:
        log("onnxconverter-common", f"not installed: {e}")
        return
    for base in ("mobilenet_v2", "resnet18"):
        for keep in (False, True):
            p = out / f"{base}_occ_fp16{'_keepio' if keep else ''}.onnx"
            if not p.exists():
                onnx.save(float16.convert_float_to_float16(onnx.load(str(out / f"{base}_ts_fp32.onnx")), keep_io_types=keep), str(p))


def build_handmade_onnx(out: Path, log):
    """Constant-node weights (fp16), an fp16 model with a large int64 table, int4 DequantizeLinear weights, MatMulNBits."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    p = out / "squeezenet1_1_fp16_constant_nodes.onnx"
    if not p.exists():
        m = onnx.load(str(out / "squeezenet1_1_ts_fp16.onnx"))
        g = m.graph
        consts = [helper.make_node("Constant", [], [t.name], value=t, name=f"const_{t.name}") for t in g.initializer]
        names = {t.name for t in g.initializer}
        del g.initializer[:]
        keep = [i for i in g.input if i.name not in names]
        del g.input[:]
        g.input.extend(keep)
        nodes = consts + list(g.node)
        del g.node[:]
        g.node.extend(nodes)
        onnx.checker.check_model(m)
        onnx.save(m, str(p))
    rng = np.random.default_rng(0)
    p = out / "mlp_fp16_big_int64_table.onnx"  # fp16 Linear weights 2x64x64 (8,192) and an int64 Gather index table of 10,000
    if not p.exists():
        w1 = numpy_helper.from_array(rng.standard_normal((64, 64)).astype("float16"), "w1")
        w2 = numpy_helper.from_array(rng.standard_normal((64, 64)).astype("float16"), "w2")
        table = numpy_helper.from_array(rng.integers(0, 64, (100, 100)).astype("int64"), "idx")
        nodes = [helper.make_node("MatMul", ["x", "w1"], ["h"], name="fc1"), helper.make_node("Relu", ["h"], ["r"], name="relu"),
                 helper.make_node("MatMul", ["r", "w2"], ["y"], name="fc2"),
                 helper.make_node("Gather", ["y", "idx"], ["z"], axis=1, name="gather")]
        g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", 10, [1, 64])], [helper.make_tensor_value_info("z", 10, [1, 100, 100])],
                              [w1, w2, table])
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
        onnx.checker.check_model(m)
        onnx.save(m, str(p))
    p = out / "mlp_int4_dq.onnx"  # int4 weights through DequantizeLinear (opset 21), fp32 scales
    if not p.exists():
        w = helper.make_tensor("w_q", 22, [64, 64], rng.integers(-8, 8, 64 * 64).tolist())
        s = numpy_helper.from_array(np.full((64,), 0.01, "float32"), "w_s")
        nodes = [helper.make_node("DequantizeLinear", ["w_q", "w_s"], ["w"], axis=1, name="dq"),
                 helper.make_node("MatMul", ["x", "w"], ["y"], name="fc")]
        g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", 1, [1, 64])], [helper.make_tensor_value_info("y", 1, [1, 64])], [w, s])
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 21)])
        onnx.checker.check_model(m)
        onnx.save(m, str(p))
    p = out / "mlp_matmulnbits4.onnx"  # onnxruntime's MatMulNBitsQuantizer: 4-bit weights packed in uint8
    if not p.exists():
        try:
            from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

            ws = [numpy_helper.from_array(rng.standard_normal((256, 256)).astype("float32"), f"w{i}") for i in range(3)]
            nodes, x = [], "x"
            for i in range(3):
                nodes.append(helper.make_node("MatMul", [x, f"w{i}"], [f"h{i}"], name=f"fc{i}"))
                x = f"h{i}"
            g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", 1, [1, 256])], [helper.make_tensor_value_info(x, 1, [1, 256])], ws)
            src = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
            q = MatMulNBitsQuantizer(src, block_size=32, is_symmetric=True)
            q.process()
            q.model.save_model_to_file(str(p), False)
        except Exception as e:  # noqa: BLE001
            log(p.name, f"MatMulNBits failed: {type(e).__name__}: {str(e).splitlines()[0][:150]}")


def build_tflite(out: Path, log):
    """With the flatbuffer builders of dscost's tests/tflite_models.py (a builder only; the oracle reads the files with `tflite`)."""
    sys.path.insert(0, str(Path(os.environ.get("DSCOST_TREE", "/tmp/r63/dscost")) / "tests"))
    import tflite_models as tm
    from tflite.BuiltinOperator import BuiltinOperator

    from tflite.TensorType import TensorType

    FP16 = TensorType.FLOAT16

    def small_cnn(dtype=tm.FLOAT32, fp16_weights=False):
        n = tm.Net()
        x = n.input("image", (1, 32, 32, 3))
        if dtype in (tm.INT8, tm.UINT8):
            q = n.tensor("image_q", (1, 32, 32, 3), dtype)
            n.op(BuiltinOperator.QUANTIZE, [x], [q])
            x = q
        if fp16_weights:  # TFLite's float16 quantization: fp16 constants, a DEQUANTIZE each, float32 compute
            def conv(x, cout, k, name, stride=1):
                cin = n.shape(x)[-1]
                w16 = n.const(f"{name}/filter16", (cout, k, k, cin), FP16)
                w = n.tensor(f"{name}/filter", (cout, k, k, cin))
                n.op(BuiltinOperator.DEQUANTIZE, [w16], [w])
                b16 = n.const(f"{name}/bias16", (cout,), FP16)
                b = n.tensor(f"{name}/bias", (cout,))
                n.op(BuiltinOperator.DEQUANTIZE, [b16], [b])
                _, h, wd, _ = n.shape(x)
                y = n.tensor(name, (1, -(-h // stride), -(-wd // stride), cout))
                n.op(BuiltinOperator.CONV_2D, [x, w, b], [y], (tm.BuiltinOptions.Conv2DOptions, {"Padding": tm.Padding.SAME, "StrideW": stride, "StrideH": stride,
                      "FusedActivationFunction": 3, "DilationWFactor": 1, "DilationHFactor": 1}))
                return y
            y = conv(x, 16, 3, "c1", 2)
            y = conv(y, 32, 3, "c2", 2)
            y = conv(y, 64, 3, "c3", 1)
            n.output(y)
            return n
        y = n.conv(x, 16, 3, stride=2, act="RELU6", name="c1", dtype=dtype)
        y = n.depthwise(y, 3, act="RELU6", name="dw", dtype=dtype)
        y = n.conv(y, 32, 1, act="RELU6", name="pw", dtype=dtype)
        if dtype in (tm.INT8, tm.UINT8):
            o = n.tensor("out", n.shape(y))
            n.op(BuiltinOperator.DEQUANTIZE, [y], [o])
            y = o
        n.output(y)
        return n

    for name, make in (("tfl_cnn_fp32", lambda: small_cnn()), ("tfl_cnn_fp16w", lambda: small_cnn(fp16_weights=True)),
                       ("tfl_cnn_int8", lambda: small_cnn(tm.INT8)), ("tfl_cnn_uint8", lambda: small_cnn(tm.UINT8))):
        p = out / f"{name}.tflite"
        if not p.exists():
            make().save(p)
    p = out / "tfl_shared_buffer.tflite"  # one fp32 weight buffer read by 3 FULLY_CONNECTED tensors vs fp16 constants of 2x its elements
    if not p.exists():
        n = tm.Net()
        x = n.input("x", (1, 64))
        w = n.const("w_shared", (64, 64))  # 4,096 fp32 elements, one buffer
        buf = n.tensors[w].buffer
        y = x
        for i in range(3):
            wi = w if i == 0 else len(n.tensors)
            if i:
                n.tensors.append(tm.T(f"w_shared_{i}", (64, 64), tm.FLOAT32, buf, False))
            o = n.tensor(f"fc{i}", (1, 64))
            n.op(BuiltinOperator.FULLY_CONNECTED, [y, wi, -1], [o], (tm.BuiltinOptions.FullyConnectedOptions, {"FusedActivationFunction": 0}))
            y = o
        w16 = n.const("w16", (64, 128), FP16)  # 8,192 fp16 elements
        wd = n.tensor("w16_dq", (64, 128))
        n.op(BuiltinOperator.DEQUANTIZE, [w16], [wd])
        o = n.tensor("fc_last", (1, 64))
        n.op(BuiltinOperator.FULLY_CONNECTED, [y, wd, -1], [o], (tm.BuiltinOptions.FullyConnectedOptions, {"FusedActivationFunction": 0}))
        n.output(o)
        n.save(p)


def build_hf(out: Path, log):
    import transformers as tf

    base = {
        "llama": lambda: tf.LlamaConfig(vocab_size=256, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                                         num_key_value_heads=2, max_position_embeddings=64),
        "bert": lambda: tf.BertConfig(vocab_size=256, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                                       max_position_embeddings=64),
        "vit": lambda: tf.ViTConfig(image_size=32, patch_size=8, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4),
    }
    for arch, make in base.items():
        for tag in ("float16", "bfloat16", "float32", "absent", "auto", "float64"):
            d = out / f"hf_{arch}_{tag}"
            p = d / "config.json"
            if p.exists():
                continue
            d.mkdir(parents=True, exist_ok=True)
            c = make()
            c.architectures = [{"llama": "LlamaForCausalLM", "bert": "BertModel", "vit": "ViTForImageClassification"}[arch]]
            if tag not in ("absent",):
                c.dtype = tag if tag != "auto" else "auto"
            c.save_pretrained(str(d))
            cfg = json.loads(p.read_text())
            if tag == "absent":
                cfg.pop("dtype", None)
                cfg.pop("torch_dtype", None)
            elif cfg.get("dtype") != tag:
                log(p.parent.name, f"transformers wrote dtype={cfg.get('dtype')!r} for {tag!r}")
                cfg["dtype"] = tag  # (written by hand: what a user may find in a hub config)
            p.write_text(json.dumps(cfg, indent=2))
    d = out / "hf_llama_torch_dtype_float16"  # the transformers 4 key
    if not (d / "config.json").exists():
        d.mkdir(exist_ok=True)
        cfg = json.loads((out / "hf_llama_float32" / "config.json").read_text())
        cfg.pop("dtype", None)
        cfg["torch_dtype"] = "float16"
        (d / "config.json").write_text(json.dumps(cfg, indent=2))


def build_convert(out: Path, log):
    """dscost's own `convert` (standard convs -> depthwise + pointwise) of fp16 exports: do the new weights keep the type?"""
    for base in ("resnet18_ts_fp16", "squeezenet1_1_ts_fp16"):
        p = out / f"{base}_separable.onnx"
        if not p.exists():
            rc, so, se, _ = dscost(["convert", str(out / f"{base}.onnx"), "-o", str(p), "--no-verify"])
            if rc:
                log(p.name, f"dscost convert failed: {se.strip()[-200:]}")


ZOO = '''
import torch, torchvision

def _m(name, dt):
    torch.manual_seed(0)
    return getattr(torchvision.models, name)(weights=None).eval().to(dt)

def mnv2_fp16():
    return _m("mobilenet_v2", torch.float16)

def mnv2_bf16():
    return _m("mobilenet_v2", torch.bfloat16)

def sq_fp16():
    return _m("squeezenet1_1", torch.float16)

def sq_fp32():
    return _m("squeezenet1_1", torch.float32)
'''


def build_all(out: Path, builders=None) -> dict:
    """Run each builder (this round's, or ``builders``: another round's) into ``out``; {model: why} of what failed to build."""
    out.mkdir(parents=True, exist_ok=True)
    problems = {}

    def log(name, why):
        problems[name] = why
        print(f"  build: {name}: {why}", flush=True)

    for b in builders or (build_torchvision, build_ort_quant, build_float16_convert, build_handmade_onnx, build_tflite, build_hf, build_convert):
        t = time.time()
        b(out, log)
        print(f"  {b.__name__}: {time.time() - t:.0f}s", flush=True)
    if builders is None:
        (out / "zoo.py").write_text(ZOO)
    return problems


# ---------------------------------------------------------------------------------------------------------------
# the oracle: the expected dtype from the file itself (no dscost code)


def _main(elements: dict) -> str | None:
    """The sized name of the type of most elements (ties: report None-safe max); None when none or unsized."""
    if not elements or not any(elements.values()):
        return None
    top = max(elements.values())
    winners = [k for k, v in elements.items() if v == top]
    return ONNX_MAP.get(winners[0]) if len(winners) == 1 else f"tie:{winners}"


def oracle_onnx(path: Path) -> dict:
    import onnx

    m = onnx.load(str(path), load_external_data=False)
    elements, stored = {}, 0.0
    weighty = {1, 2, 3, 10, 11, 16, 21, 22}  # float and 8/4-bit types: what can be a weight (not int64 index tables, int32 biases)
    for t in m.graph.initializer:
        n = 1
        for d in t.dims:
            n *= d
        if t.data_type in weighty and n > 1:
            elements[t.data_type] = elements.get(t.data_type, 0) + n
        stored += n * ONNX_ITEM.get(t.data_type, 0)
    const_elems = {}
    for node in m.graph.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value":
                    n = 1
                    for d in a.t.dims:
                        n *= d
                    const_elems[a.t.data_type] = const_elems.get(a.t.data_type, 0) + n
                    if a.t.data_type in weighty and n > 1:
                        elements[a.t.data_type] = elements.get(a.t.data_type, 0) + n
    inits = {t.name for t in m.graph.initializer}
    weight_inputs = {node.input[1] for node in m.graph.node if node.op_type in ("Conv", "ConvTranspose", "Gemm", "MatMul") and len(node.input) > 1}
    for vi in m.graph.input:  # weights given as graph inputs (export_params=False): a conv's or matmul's second input
        if vi.name in weight_inputs and vi.name not in inits:
            n = 1
            for d in vi.type.tensor_type.shape.dim:
                n *= d.dim_value or 1
            elements[vi.type.tensor_type.elem_type] = elements.get(vi.type.tensor_type.elem_type, 0) + n
    main = _main(elements)
    names = {1: "float32", 2: "uint8", 3: "int8", 6: "int32", 7: "int64", 10: "float16", 11: "float64", 16: "bfloat16", 22: "int4", 21: "uint4"}
    return {"dtype": main if main in SIZE else "fp32", "source": "model" if main in SIZE else "default", "stored_bytes": int(stored),
            "elements": {names.get(k, str(k)): v for k, v in sorted(elements.items())},
            "constant_node_elements": {names.get(k, str(k)): v for k, v in sorted(const_elems.items())}}


def oracle_tflite(path: Path) -> dict:
    import tflite

    buf = path.read_bytes()
    model = tflite.Model.GetRootAsModel(buf, 0)
    tnames = {v: k for k, v in vars(tflite.TensorType).items() if not k.startswith("_")}
    to_onnx = {"FLOAT32": 1, "FLOAT16": 10, "BFLOAT16": 16, "INT8": 3, "UINT8": 2, "INT32": 6, "INT64": 7, "FLOAT64": 11, "INT16": 5, "INT4": 22}
    item = {"FLOAT32": 4, "FLOAT16": 2, "INT8": 1, "UINT8": 1, "INT32": 4, "INT64": 8, "FLOAT64": 8, "INT16": 2}
    elements, seen, stored = {}, set(), 0
    for gi in range(model.SubgraphsLength()):
        g = model.Subgraphs(gi)
        for ti in range(g.TensorsLength()):
            t = g.Tensors(ti)
            b = t.Buffer()
            if b == 0 or b in seen:
                continue
            bo = model.Buffers(b)
            if bo.DataLength() == 0 and bo.Size() == 0:
                continue
            seen.add(b)
            n = 1
            for d in t.ShapeAsNumpy() if t.ShapeLength() else []:
                n *= int(d)
            name = tnames[t.Type()]
            q = t.Quantization()
            if (name in ("FLOAT32", "FLOAT16", "BFLOAT16", "FLOAT64") or q is not None and q.ScaleLength() > 0) and n > 1:  # (a float or quantized constant: a weight)
                elements[to_onnx.get(name, -1)] = elements.get(to_onnx.get(name, -1), 0) + n
            stored += n * item.get(name, 0)
    main = _main(elements)
    return {"dtype": main if main in SIZE else "fp32", "source": "model" if main in SIZE else "default", "stored_bytes": stored,
            "elements": {str(k): v for k, v in sorted(elements.items())}}


def oracle_hf(path: Path) -> dict:
    cfg = json.loads(path.read_text())
    declared = cfg.get("dtype", cfg.get("torch_dtype"))
    d = HF_MAP.get(declared) if isinstance(declared, str) else None
    # the meta model has no stored weights: a config without a sized dtype is fp32 either way ("default" or "model")
    return {"dtype": d or "fp32", "source": "model" if d else "default|model", "stored_bytes": None, "declared": declared}


# ---------------------------------------------------------------------------------------------------------------
# dscost runs


def dscost(args: list[str], timeout=600) -> tuple[int, str, str, float]:
    t = time.time()
    try:
        r = subprocess.run([sys.executable, "-m", "dscost", *args], capture_output=True, text=True, timeout=timeout, cwd=TREE)
        return r.returncode, r.stdout, r.stderr, time.time() - t
    except subprocess.TimeoutExpired:
        return -9, "", "TIMEOUT", time.time() - t


def models_of(out: Path) -> list[tuple[str, str, list[str], dict]]:
    """(name, target, extra CLI args, oracle) of every file built."""
    rows = []
    for p in sorted(out.glob("*.onnx")):
        if p.name.endswith("_infer.onnx"):
            continue
        rows.append((p.stem, str(p), [], oracle_onnx(p)))
    for p in sorted(out.glob("*.tflite")):
        rows.append((p.stem, str(p), [], oracle_tflite(p)))
    for p in sorted(out.glob("hf_*/config.json")):
        inp = ["-i", "pixel_values=1x3x32x32"] if "_vit_" in p.parent.name else ["-i", "input_ids=1x8:int64"]
        rows.append((p.parent.name, str(p), inp, oracle_hf(p)))
    zoo = str(out / "zoo.py")
    for f, dt, shape in (("mnv2_fp16", "fp16", "1x3x64x64:float16"), ("mnv2_bf16", "bf16", "1x3x64x64:bfloat16"),
                         ("sq_fp16", "fp16", "1x3x64x64:float16"), ("sq_fp32", "fp32", "1x3x64x64")):
        rows.append((f"module_{f}", f"{zoo}:{f}", ["-i", shape], {"dtype": dt, "source": "model", "stored_bytes": None, "elements": "module parameters"}))
    return rows


def compare(name, target, extra, orc) -> dict:
    row = {"model": name, "expected": orc["dtype"], "expected_source": orc["source"], "stored_bytes": orc.get("stored_bytes"),
           "elements": orc.get("elements"), "constant_node_elements": orc.get("constant_node_elements"), "runs": 0, "problems": []}
    rc, so, se, dt = dscost(["analyze", target, *extra, "-f", "json", "-q"])
    row["runs"] += 1
    row["seconds"] = round(dt, 1)
    if rc != 0:
        row["status"] = "refused" if rc == 2 and "Traceback" not in se else "DIFF"
        row["error"] = (se.strip().splitlines() or ["?"])[-1][:300]
        return row
    d = json.loads(so)
    mem, roof, tot = d["memory"], d["roofline"], d["totals"]
    row.update(dtype=mem["dtype"], source=mem["dtype_source"], roofline_dtype=roof["dtype"], roofline_source=roof["dtype_source"],
               params=tot["params"], weight_bytes=mem["weight_bytes"], peak=mem["peak_activation_bytes"], activation_bytes=mem["activation_bytes"],
               uncounted=d.get("uncounted"))
    P = row["problems"]
    if mem["dtype"] != orc["dtype"]:
        P.append(f"memory.dtype {mem['dtype']} != expected {orc['dtype']}")
    if mem["dtype_source"] not in orc["source"].split("|"):
        P.append(f"memory.dtype_source {mem['dtype_source']} != expected {orc['source']}")
    if (roof["dtype"], roof["dtype_source"]) != (mem["dtype"], mem["dtype_source"]):
        P.append(f"roofline dtype {roof['dtype']}/{roof['dtype_source']} != memory's {mem['dtype']}/{mem['dtype_source']}")
    B = SIZE.get(mem["dtype"], 0)
    if mem.get("dtype_bytes") != B:
        P.append(f"dtype_bytes {mem.get('dtype_bytes')} for {mem['dtype']}")
    if mem["weight_bytes"] != tot["params"] * SIZE[orc["dtype"]]:
        P.append(f"weight_bytes {mem['weight_bytes']} != params {tot['params']} x {SIZE[orc['dtype']]}")
    # the --dtype fp32 run: every byte figure exactly proportional
    rc2, so2, se2, _ = dscost(["analyze", target, *extra, "-f", "json", "-q", "--dtype", "fp32"])
    row["runs"] += 1
    if rc2 != 0:
        P.append(f"--dtype fp32 run failed: {(se2.strip().splitlines() or ['?'])[-1][:200]}")
    else:
        f = json.loads(so2)
        if (f["memory"]["dtype"], f["memory"]["dtype_source"], f["roofline"]["dtype_source"]) != ("fp32", "option", "option"):
            P.append(f"--dtype fp32 gives {f['memory']['dtype']}/{f['memory']['dtype_source']}/{f['roofline']['dtype_source']}")
        for key in ("weight_bytes", "activation_bytes", "input_bytes", "peak_activation_bytes"):
            if mem[key] * 4 != f["memory"][key] * B:
                P.append(f"{key}: {mem[key]} at {mem['dtype']} vs {f['memory'][key]} at fp32 (not x{B}/4)")
        if mem["peak_layer"] != f["memory"]["peak_layer"]:
            P.append(f"peak layer {mem['peak_layer']} vs {f['memory']['peak_layer']} at fp32")
        if roof["bytes"] * 4 != f["roofline"]["bytes"] * B:
            P.append(f"roofline bytes {roof['bytes']} vs {f['roofline']['bytes']} at fp32")
        bad = [a["name"] for a, b in zip(d["layers"], f["layers"]) for k in ("activation_bytes", "live_bytes", "bytes")
               if a.get(k) is not None and a[k] * 4 != b[k] * B]
        if bad:
            P.append(f"{len(bad)} per-layer byte figures not proportional, e.g. {bad[0]}")
        row["fp32_weight_bytes"] = f["memory"]["weight_bytes"]
    # check: limits at the figure (pass), one byte under (fail), with the label naming the dtype
    W, PK = mem["weight_bytes"], mem["peak_activation_bytes"]
    for wl, pl, want in ((W, PK, 0), (W - 1, PK, 1), (W, PK - 1, 1)):
        rc3, so3, se3, _ = dscost(["check", target, *extra, "--max-weight-bytes", str(wl), "--max-peak-activation-bytes", str(pl), "-f", "json", "-q"])
        row["runs"] += 1
        if rc3 != want:
            P.append(f"check weight<={wl} peak<={pl}: exit {rc3}, expected {want} {(se3.strip().splitlines() or [''])[-1][:200]}")
            continue
        labels = [c["label"] for c in json.loads(so3)["models"][0]["checks"]]
        if not all(f"({mem['dtype']})" in lab for lab in labels):
            P.append(f"check labels {labels} do not name {mem['dtype']}")
    row["status"] = "DIFF" if P else "equal"
    return row


API = r'''
import json, sys, dscost
target, extra = sys.argv[1], json.loads(sys.argv[2])
kw = {"input_shape": extra[1]} if extra else {}  # (the API takes the CLI's -i text)
a = dscost.analyze(target, **kw).to_json()
W = a["memory"]["weight_bytes"]
r1 = dscost.check(target, max_weight_bytes=W, **kw)
r2 = dscost.check(target, max_weight_bytes=W - 1, **kw)
print(json.dumps({"dtype": a["memory"]["dtype"], "source": a["memory"]["dtype_source"], "weight_bytes": W, "pass_at": r1.passed, "pass_under": r2.passed}))
'''


def api_row(name, target, extra, cli_row) -> dict:
    r = subprocess.run([sys.executable, "-c", API, target, json.dumps(extra)], capture_output=True, text=True, timeout=600, cwd=TREE)
    row = {"model": name, "kind": "api"}
    if r.returncode:
        row.update(status="DIFF", error=(r.stderr.strip().splitlines() or ["?"])[-1][:300])
        return row
    got = json.loads(r.stdout.strip().splitlines()[-1])
    same = (got["dtype"], got["source"], got["weight_bytes"]) == (cli_row.get("dtype"), cli_row.get("source"), cli_row.get("weight_bytes"))
    row.update(got, status="equal" if same and got["pass_at"] and not got["pass_under"] else "DIFF")
    return row


def html_row(name, target, extra, cli_row) -> dict:
    rc, so, se, _ = dscost(["analyze", target, *extra, "--format", "html", "-q"])
    row = {"model": name, "kind": "html"}
    if rc:
        row.update(status="DIFF", error=(se.strip().splitlines() or ["?"])[-1][:300])
        return row
    import re

    text = " ".join(re.sub(r"<[^>]+>", " ", so).split())
    i = text.find("Memory (")
    window = text[i: i + 300] if i >= 0 else ""
    want = f"Memory ({cli_row.get('dtype')}, {SIZE.get(cli_row.get('dtype'))} B per element)"
    row.update(status="equal" if window.startswith(want) and f"{cli_row.get('weight_bytes'):,}" in window else "DIFF", excerpt=window[:300])
    return row


MULTI = ["squeezenet1_1_ts_fp16", "mobilenet_v2_qstat_qdq_s8", "squeezenet1_1_ts_fp32", "tfl_cnn_int8", "mobilenet_v2_ts_bf16"]


def multi_rows(by, out) -> list:
    """Several models in one process: each sized at its own type (analyze's JSON Lines, check's labels)."""
    names = [n for n in MULTI if n in by and "dtype" in by[n]]
    paths = [str(next(out.glob(n + ".*"))) for n in names]
    rows = []
    rc, so, se, _ = dscost(["analyze", *paths, "-f", "json", "-q"])
    got = [(json.loads(line)["memory"]["dtype"], json.loads(line)["memory"]["weight_bytes"]) for line in so.splitlines() if line.strip()] if rc == 0 else se
    want = [(by[n]["dtype"], by[n]["weight_bytes"]) for n in names]
    rows.append({"model": "analyze " + " ".join(names), "kind": "multi", "status": "equal" if got == want else "DIFF", "detail": f"got {got} want {want}"})
    W = max(by[n]["weight_bytes"] for n in names)
    rc, so, se, _ = dscost(["check", *paths, "--max-weight-bytes", str(W), "-f", "json", "-q"])
    labels = [m["checks"][0]["label"] for m in json.loads(so)["models"]] if rc == 0 else se
    want = [f"weight bytes ({by[n]['dtype']})" for n in names]
    rows.append({"model": "check " + " ".join(names), "kind": "multi", "status": "equal" if labels == want else "DIFF", "detail": f"got {labels} want {want}"})
    return rows


def budget_rows(by, out) -> list:
    """A budget file: entries without dtype are sized at the model's own type, entries with dtype: fp32 at fp32."""
    import yaml

    entries, want = [], []
    for n in ("squeezenet1_1_ts_fp16", "mobilenet_v2_qstat_qdq_s8", "tfl_cnn_int8", "mobilenet_v2_ts_bf16"):
        if n not in by or "dtype" not in by[n]:
            continue
        path = str(next(out.glob(n + ".*")))
        W, F, PK = by[n]["weight_bytes"], by[n].get("fp32_weight_bytes"), by[n]["peak"]
        entries += [{"path": path, "name": f"{n}-at", "max_weight_bytes": W, "max_peak_activation_bytes": PK},
                    {"path": path, "name": f"{n}-under", "max_weight_bytes": W - 1},
                    {"path": path, "name": f"{n}-peak-under", "max_peak_activation_bytes": PK - 1},
                    {"path": path, "name": f"{n}-fp32-at", "max_weight_bytes": F, "dtype": "fp32"},
                    {"path": path, "name": f"{n}-fp32-under", "max_weight_bytes": F - 1, "dtype": "fp32"}]
        want += [(f"{n}-at", True), (f"{n}-under", False), (f"{n}-peak-under", False), (f"{n}-fp32-at", True), (f"{n}-fp32-under", False)]
    bf = out / "budget.yaml"
    bf.write_text(yaml.safe_dump({"budgets": entries}, sort_keys=False))
    rc, so, se, _ = dscost(["check", "--budget", str(bf), "-f", "json", "-q"])
    got = [(m["name"], m["passed"]) for m in json.loads(so)["models"]] if so.strip().startswith("{") else se.strip()[-300:]
    return [{"model": "budget.yaml (" + str(len(entries)) + " entries)", "kind": "budget", "status": "equal" if got == want else "DIFF",
             "detail": f"exit {rc}; " + ("all as expected" if got == want else f"got {got} want {want}")}]


# ---------------------------------------------------------------------------------------------------------------

# model -> why its difference is what it is (filled in after the run; a row here counts as "explained")
AUTO = ('refused in one line (exit 2), rightly: transformers 5.25 cannot read a config.json whose dtype is "auto" (AutoConfig.from_pretrained and BertConfig(dtype="auto") raise the same AttributeError: module \'torch\' has no attribute \'auto\'), though its own save_pretrained wrote it when config.dtype was set to "auto"; dscost names transformers as the reader that failed')
EXPLAINED: dict[str, str] = {
    "hf_bert_auto": AUTO,
    "hf_llama_auto": AUTO,
    "hf_vit_auto": AUTO,
}

TREE = os.environ.get("DSCOST_TREE", "/tmp/r63/dscost")


def run_extras(by, out) -> list:
    extras = []
    for name in ("mobilenet_v2_ts_fp16", "mobilenet_v2_qstat_qdq_s8_pc", "tfl_cnn_int8", "hf_llama_bfloat16", "module_mnv2_fp16", "squeezenet1_1_fp64"):
        if name in by and "dtype" in by[name]:
            target, extra = next((t, e) for n, t, e, _ in models_of(out) if n == name)
            for kind, fn in (("api", api_row), ("html", html_row)):
                r = fn(name, target, extra, by[name])
                extras.append(r)
                print(f"{r['status']:9} {name}:{kind:38} {r.get('dtype', '')} {r.get('excerpt', '')[:120]} {r.get('error', '')}", flush=True)
    extras += multi_rows(by, out) + budget_rows(by, out)
    for r in extras[-3:]:
        print(f"{r['status']:9} {r['model']:42} {r.get('detail', '')[:200]}", flush=True)
    return extras


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/r63/m")
    ap.add_argument("--json", default="/tmp/r63/rows.json")
    ap.add_argument("--only", default="")
    ap.add_argument("--extras-only", action="store_true", help="keep the file rows of --json, run the API / HTML / multi / budget rows again")
    ap.add_argument("--reuse", action="store_true", help="re-classify the rows of --json against EXPLAINED, run nothing")
    a = ap.parse_args()
    out = Path(a.out)
    if a.extras_only:  # the rows of --json kept, the API / HTML / several-models / budget runs made again
        data = json.loads(Path(a.json).read_text())
        data["extras"] = run_extras({r["model"]: r for r in data["rows"]}, out)
        Path(a.json).write_text(json.dumps(data, indent=1))
        a.reuse = True
    if a.reuse:
        data = json.loads(Path(a.json).read_text())
        for r in data["rows"] + data["extras"]:
            key = r["model"] if r.get("kind") in (None, "multi", "budget") else f"{r['model']}:{r['kind']}"
            if r["status"] in ("DIFF", "refused", "explained"):
                r["status"], r["why"] = ("explained", EXPLAINED[key]) if key in EXPLAINED else (("refused" if r.get("error", "").startswith("dscost: error") else "DIFF"), None)
        Path(a.json).write_text(json.dumps(data, indent=1))
        return summarize(data["rows"], data["extras"])
    print("building models", flush=True)
    problems = build_all(out)
    rows = []
    for name, target, extra, orc in models_of(out):
        if a.only and a.only not in name:
            continue
        row = compare(name, target, extra, orc)
        if row["status"] != "equal" and name in EXPLAINED:
            row["status"] = "explained"
            row["why"] = EXPLAINED[name]
        rows.append(row)
        print(f"{row['status']:9} {name:42} exp {orc['dtype']}/{orc['source']:8} got {row.get('dtype')}/{row.get('source')} "
              f"wb {row.get('weight_bytes')} stored {row.get('stored_bytes')} {'; '.join(row['problems'])} {row.get('error', '')}", flush=True)
    by = {r["model"]: r for r in rows}
    extras = run_extras(by, out)
    Path(a.json).write_text(json.dumps({"build_problems": problems, "rows": rows, "extras": extras}, indent=1))
    return summarize(rows, extras)


def summarize(rows, extras) -> int:
    allrows = rows + extras
    counts = {s: sum(r["status"] == s for r in allrows) for s in ("equal", "explained", "DIFF", "refused")}
    for r in allrows:
        if r["status"] != "equal":
            print(f"{r['status']:9} {r['model']}: {r.get('why') or r.get('error') or r.get('problems') or r.get('detail')}")
    print(f"files {len(rows)}, rows {len(allrows)}, dscost runs {sum(r.get('runs', 0) for r in rows) + sum(3 if r.get('kind') == 'api' else 1 for r in extras)}, {counts}")
    return 1 if counts["DIFF"] or counts["refused"] else 0


if __name__ == "__main__":
    sys.exit(main())
