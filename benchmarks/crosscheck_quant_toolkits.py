"""Forty-fourth blind round: quantized ONNX files written by toolkits other than onnxruntime's own quantizer.

What it stresses: the QDQ / QOperator / custom-domain files that torch's and third-party quantization toolkits
write (earlier rounds covered onnxruntime's ``quantize_static`` / ``quantize_dynamic`` / 4-bit quantizers on the
zoo exports, and brevitas' QONNX): torchao 0.18's PT2E flow (``prepare_pt2e`` / ``convert_pt2e`` with the
XNNPACK quantizer, per-channel symmetric int8, then ``torch.onnx.export(..., dynamo=True)``); torch's eager
``torch.ao.quantization`` static quantization of torchvision's quantizable models, exported by the TorchScript
exporter (QuantizeLinear / DequantizeLinear with int8 Constant weights); NNCF 3.4 -- ``nncf.quantize`` on a torch
module exported by TorchScript in its default form (OpenVINO's ``org.openvinotoolkit::FakeQuantize``) and in its
``ONNX_QUANTIZE_DEQUANTIZE_PAIRS`` export mode, ``nncf.quantize`` on an ONNX file (its ONNX backend), and
``nncf.compress_weights`` (INT8_ASYM; INT4_SYM group 32, all layers) on ONNX files; Intel's
onnx-neural-compressor 1.0 (the ONNX half of Neural Compressor; neural-compressor 3.10 has no ONNX backend):
static QOperator and QDQ per channel, dynamic, and RTN 4-bit weight-only; AMD Quark 0.13's ONNX quantizer
(XINT8 power-of-two scales, A8W8, A16W8, BF16, BFP16, MX4); and, for comparison, onnxruntime's MatMulNBits
quantizer and ``quantize_static`` QOperator per channel with ``reduce_range``.  Models, random weights
(BatchNorm running stats and affine, conv / linear biases and LayerNorm affine randomized so that no folded bias
is zero and no exporter drops one), 1 x 3 x 64 x 64 or 1 x 16 ids: torchvision ResNet-18, MobileNetV2,
MobileNetV3-small, EfficientNet-B0; timm ViT-Tiny (depth 2, 64 px, 10 classes); transformers 5.25 BERT (2
layers, hidden 64, 2 heads, vocab 500, no pooler, eager attention).  Calibration: 4 random tensors (ids).

The oracle (written here, no dscost code): each file run by onnxruntime (CPU, optimizations off) with every
node output made a graph output; MACs from measured shapes: Conv / ConvInteger / QLinearConv prod(out) x
prod(W[1:]), ConvTranspose prod(in) x prod(W[1:]), MatMul / MatMulInteger / QLinearMatMul / MatMulNBits /
DynamicQuantizeMatMul / MatMulIntegerToFloat prod(out) x K, Gemm / QGemm prod(out) x K.  The quantized file
should count its float twin's MACs (the same module exported the same way without quantization: ``float_dynamo``
for PT2E, ``float_ts`` for the others), so where onnxruntime cannot run the quantized file (custom ops) the twin's
measured count is the reference.  Also torch's ``FlopCounterMode`` flops / 2 and ``sum(p.numel())`` of the float
module (and that less each BatchNorm's C, the BN-folded count).  Params: the file's learned elements -- the
initializers and Constant tensors of more than one element that reach a weight, bias or norm input (Conv, Gemm,
MatMul, Gather tables, LayerNorm / BatchNorm scale and shift, a bias Add after a MatMul, a [1, T, D] class token
or position table) through DequantizeLinear / Cast / Reshape / Transpose / Identity / Expand chains (a quantized
weight counts its elements; scales and zero points do not), MatMulNBits counted as K x N values -- and the float
twin's params, which a quantized file should equal unless the toolkit changed what is stored.

Install (a venv of its own: /tmp/r42/venv's and /tmp/r40/venv's torch 2.14.1, torchvision, timm, transformers,
onnx, onnxruntime, onnxscript and dscost's dependencies through .pth files; the toolkits without their
dependencies, which would pull a second torch or an older onnx, and their small dependencies by hand):

    python3.11 -m venv /tmp/r44/venv
    echo /tmp/r42/venv/lib/python3.11/site-packages > /tmp/r44/venv/lib/python3.11/site-packages/r42.pth
    echo /tmp/r40/venv/lib/python3.11/site-packages > /tmp/r44/venv/lib/python3.11/site-packages/r40.pth
    uv pip install --python /tmp/r44/venv/bin/python --no-deps torchao==0.18.0 nncf==3.4.0 \\
        onnx-neural-compressor==1.0 amd-quark==0.13 ninja openvino-telemetry psutil pydot py-cpuinfo \\
        prettytable wcwidth

Run (from the checkout; dscost runs as ``python -m dscost analyze FILE -f json -q`` with this checkout first on
PYTHONPATH; files go to OUT, each build cached as OUT/MODEL.KIND.build.json for --reuse; --only takes models
and / or kinds):

    PYTHONPATH=. /tmp/r44/venv/bin/python benchmarks/crosscheck_quant_toolkits.py --json /tmp/r44/rows.json \\
        [--out /tmp/r44/files] [--only resnet18,pt2e_xnnpack,...] [--reuse]

Each build (float twin, quantization, export) in a child process (900 s), the oracle in another (600 s), dscost in
a third (300 s), one at a time.  Exit 1 when a file's MACs differ from its twin's measured MACs, its params from
the oracle's learned elements of its float twin, dscost exits non-zero, or a node is uncounted -- i.e. on every
row below that is not "ok", each diagnosed under the table.  A benchmark: not run in CI.

As run 2026-12-06, Linux x86_64, 2-core VM (shared), Python 3.11.7: torch 2.14.1, torchvision 0.29.1, timm
1.0.31, transformers 5.25.0, onnx 1.23.2, onnxscript 0.7.2, onnxruntime 1.32.0, numpy 2.4.6; torchao 0.18.0,
nncf 3.4.0, onnx-neural-compressor 1.0, amd-quark 0.13 (which asks for onnx <= 1.22; it ran on 1.23.2).  76
rows: 11 float twins and 62 quantized files written, 3 builds failed (none dscost's); builds 4-43 s each (~19 min
in all), dscost 0.5-3.0 s a file, oracle 1-5 s; the whole round again with --reuse 3 min 31 s.  dscost exited 0
on every file, no traceback, no hang.  The script exited 1: 18 rows differed unexplained -- the dscost findings
below (PT2E 5, Quark BFP16 / MX4 / BF16 7, NNCF FakeQuantize 5, NNCF INT4 1) -- and 1 explained (Quark A8W8 BERT).
Rerun with --reuse after the fixes of 2026-12-06 (3 min 40 s): every quantized file equals its float twin's MACs,
and its params but the two files the toolkits made so (Quark A8W8 BERT's folded lookups; NNCF INT4 BERT, an
invalid file: both explained); exit 0.

Summary: **MACs equal the float twin's on 55 of 62 quantized files** (every standard QDQ / QOperator / integer /
MatMulNBits file of every toolkit: torch eager, PT2E, NNCF torch-QDQ and ONNX, INC static QOperator / QDQ,
dynamic and RTN-4, Quark XINT8 / A8W8 / A16W8, onnxruntime's); **the other 7 count 0** -- Quark's BFP16, MX4 and
BF16 files, whose `com.amd.quark` quantizers dscost does not read (a GAP: shapes lost after the first one).
**Params equal the twin's (or the module's, BN unfolded) on 55 of 62**: PT2E's 5 count the int8 weights as
buffers (a BUG: 5,800 params for ResNet-18's 11,684,712), NNCF's invalid INT4 BERT counts packed bytes +
scales on 3 nodes it cannot cost, and Quark's A8W8 BERT holds folded lookups (the toolkit's).  Also uncounted:
NNCF's OpenVINO `FakeQuantize` (39-142 per file, MACs right thanks to NNCF's value_info), and one invalid file
(NNCF's 3-D per-axis scale) counted without a word (since 2026-12-06 with a note naming the node and its scale).

RESULTS (MACs: dscost; oracle: onnxruntime-measured on the file / on its float twin ("equal": the twin's measured
count equals dscost's); torch: FlopCounterMode of the float module; params: dscost's (weights / biases / norm;
buffers); twin: the float twin's dscost params ("equal" when the same; the float rows show the module's
``sum(p.numel())``, whose BN-folded count -- each BatchNorm's C less -- the CNN twins equal); uncounted: nodes
dscost lists; s: dscost's wall time):

| model | kind | dscost MACs | oracle (file / float twin) | torch | dscost params (w / b / norm; buffers) | float twin's dscost params | uncounted | s |
|---|---|---:|---|---|---|---|---:|---:|
| resnet18 | float_dynamo | 148,557,824 | 148,557,824 | equal | 11,684,712 (11,678,912 / 5,800 / 0; 0) | module 11,689,512 | 0 | 0.54 |
| mobilenet_v2 | float_dynamo | 25,728,512 | 25,728,512 | equal | 3,487,816 (3,469,760 / 18,056 / 0; 0) | module 3,504,872 | 0 | 0.55 |
| mobilenet_v3_small | float_dynamo | 6,516,480 | 6,516,480 | equal | 2,536,800 (2,525,832 / 10,968 / 0; 0) | module 2,542,856 | 0 | 0.54 |
| efficientnet_b0 | float_dynamo | 33,246,592 | 33,246,592 | equal | 5,267,540 (5,236,192 / 31,348 / 0; 0) | module 5,288,548 | 0 | 0.61 |
| vit_tiny | float_dynamo | 17,623,680 | 17,623,680 | 17,401,728 | 1,043,146 (1,034,304 / 6,922 / 1,920; 0) | module 1,043,146 | 0 | 0.54 |
| resnet18 | float_ts | 148,557,824 | 148,557,824 | equal | 11,684,712 (11,678,912 / 5,800 / 0; 0) | module 11,689,512 | 0 | 0.76 |
| mobilenet_v2 | float_ts | 25,728,512 | 25,728,512 | equal | 3,487,816 (3,469,760 / 18,056 / 0; 0) | module 3,504,872 | 0 | 0.58 |
| mobilenet_v3_small | float_ts | 6,516,480 | 6,516,480 | equal | 2,536,800 (2,525,832 / 10,968 / 0; 0) | module 2,542,856 | 0 | 0.49 |
| efficientnet_b0 | float_ts | 33,246,592 | 33,246,592 | equal | 5,267,540 (5,236,192 / 31,348 / 0; 0) | module 5,288,548 | 0 | 0.62 |
| vit_tiny | float_ts | 17,623,680 | 17,623,680 | 17,401,728 | 1,043,146 (1,034,304 / 6,922 / 1,920; 0) | module 1,043,146 | 0 | 2.12 |
| bert | float_ts | 1,114,112 | 1,114,112 | equal | 103,296 (97,536 / 5,120 / 640; 0) | module 103,296 | 0 | 2.3 |
| resnet18 | pt2e_xnnpack | 148,557,824 | 148,557,824 / equal | equal | 5,800 (0 / 5,800 / 0; 11,678,912) | 11,684,712 | 0 | 0.91 |
| mobilenet_v2 | pt2e_xnnpack | 25,728,512 | 25,728,512 / equal | equal | 18,056 (0 / 18,056 / 0; 3,469,760) | 3,487,816 | 0 | 0.87 |
| mobilenet_v3_small | pt2e_xnnpack | 6,516,480 | 6,516,480 / equal | equal | 10,968 (0 / 10,968 / 0; 2,525,832) | 2,536,800 | 0 | 0.85 |
| efficientnet_b0 | pt2e_xnnpack | 33,246,592 | 33,246,592 / equal | equal | 31,348 (0 / 31,348 / 0; 5,236,192) | 5,267,540 | 0 | 0.72 |
| vit_tiny | pt2e_xnnpack | 17,623,680 | 17,623,680 / equal | 17,401,728 | 5,770 (192 / 3,658 / 1,920; 1,037,376) | 1,043,146 | 0 | 0.76 |
| resnet18 | pt2e_x86 | build failed | | | | | | |
| resnet18 | eager_ts | 148,557,824 | 148,557,824 / equal | equal | 11,684,712 (11,678,912 / 5,800 / 0; 0) | equal | 0 | 0.63 |
| mobilenet_v2 | eager_ts | 25,728,512 | 25,728,512 / equal | equal | 3,487,816 (3,469,760 / 18,056 / 0; 0) | equal | 0 | 0.7 |
| resnet18 | nncf_torch_ts | 148,557,824 | ORT fails / equal | equal | 11,689,512 (11,678,912 / 1,000 / 9,600; 9,600) | 11,684,712 | 51 | 0.68 |
| mobilenet_v2 | nncf_torch_ts | 25,728,512 | ORT fails / equal | equal | 3,504,872 (3,469,760 / 1,000 / 34,112; 34,112) | 3,487,816 | 117 | 0.66 |
| mobilenet_v3_small | nncf_torch_ts | 6,516,480 | ORT fails / equal | equal | 2,542,856 (2,525,832 / 4,912 / 12,112; 12,112) | 2,536,800 | 97 | 0.65 |
| efficientnet_b0 | nncf_torch_ts | 33,246,592 | ORT fails / equal | equal | 5,288,548 (5,236,192 / 10,340 / 42,016; 42,016) | 5,267,540 | 142 | 0.73 |
| vit_tiny | nncf_torch_ts | 17,623,680 | ORT fails / equal | 17,401,728 | 1,043,146 (1,035,264 / 6,922 / 960; 0) | equal | 39 | 2.16 |
| resnet18 | nncf_torch_dq | 148,557,824 | 148,557,824 / equal | equal | 11,689,512 (11,678,912 / 1,000 / 9,600; 9,600) | 11,684,712 | 0 | 0.66 |
| mobilenet_v2 | nncf_torch_dq | 25,728,512 | 25,728,512 / equal | equal | 3,504,872 (3,469,760 / 1,000 / 34,112; 34,112) | 3,487,816 | 0 | 0.74 |
| resnet18 | nncf_onnx | 148,557,824 | 148,557,824 / equal | equal | 11,684,712 (11,678,912 / 5,800 / 0; 0) | equal | 0 | 0.56 |
| mobilenet_v2 | nncf_onnx | 25,728,512 | 25,728,512 / equal | equal | 3,487,816 (3,469,760 / 18,056 / 0; 0) | equal | 0 | 0.64 |
| mobilenet_v3_small | nncf_onnx | 6,516,480 | 6,516,480 / equal | equal | 2,536,800 (2,525,832 / 10,968 / 0; 0) | equal | 0 | 0.62 |
| efficientnet_b0 | nncf_onnx | 33,246,592 | 33,246,592 / equal | equal | 5,267,540 (5,236,192 / 31,348 / 0; 0) | equal | 0 | 0.82 |
| vit_tiny | nncf_onnx | 17,623,680 | 17,623,680 / equal | 17,401,728 | 1,043,146 (1,034,304 / 6,922 / 1,920; 0) | equal | 0 | 2.61 |
| bert | nncf_onnx | 1,114,112 | 1,114,112 / equal | equal | 103,296 (97,536 / 5,120 / 640; 0) | equal | 0 | 2.11 |
| bert | nncf_wc_int8 | 1,114,112 | 1,114,112 / equal | equal | 103,296 (97,536 / 5,120 / 640; 0) | equal | 0 | 2.13 |
| vit_tiny | nncf_wc_int8 | 17,623,680 | ORT fails / equal | 17,401,728 | 1,043,146 (1,034,304 / 6,922 / 1,920; 0) | equal | 0 | 2.23 |
| bert | nncf_wc_int4 | 1,114,112 | ORT fails / equal | equal | 87,660 (86,124 / 896 / 640; 0) | 103,296 | 3 | 2.23 |
| bert | ort_nbits | 1,114,112 | 1,114,112 / equal | equal | 103,296 (97,536 / 5,120 / 640; 0) | equal | 0 | 2.3 |
| vit_tiny | ort_nbits | 17,623,680 | 17,623,680 / equal | 17,401,728 | 1,043,146 (1,034,304 / 6,922 / 1,920; 0) | equal | 0 | 2.25 |
| resnet18 | ort_qop_pc | 148,557,824 | 148,557,824 / equal | equal | 11,684,712 (11,678,912 / 5,800 / 0; 0) | equal | 0 | 2.14 |
| mobilenet_v2 | ort_qop_pc | 25,728,512 | 25,728,512 / equal | equal | 3,487,816 (3,469,760 / 18,056 / 0; 0) | equal | 0 | 2.03 |
| mobilenet_v3_small | ort_qop_pc | 6,516,480 | 6,516,480 / equal | equal | 2,536,800 (2,525,832 / 10,968 / 0; 0) | equal | 0 | 2.31 |
| efficientnet_b0 | ort_qop_pc | 33,246,592 | 33,246,592 / equal | equal | 5,267,540 (5,236,192 / 31,348 / 0; 0) | equal | 0 | 2.2 |
| vit_tiny | ort_qop_pc | 17,623,680 | 17,623,680 / equal | 17,401,728 | 1,043,146 (1,034,304 / 6,922 / 1,920; 0) | equal | 0 | 2.55 |
| resnet18 | inc_static_qop | 148,557,824 | 148,557,824 / equal | equal | 11,684,712 (11,678,912 / 5,800 / 0; 0) | equal | 0 | 2.08 |
| mobilenet_v2 | inc_static_qop | 25,728,512 | 25,728,512 / equal | equal | 3,487,816 (3,469,760 / 18,056 / 0; 0) | equal | 0 | 1.97 |
| mobilenet_v3_small | inc_static_qop | 6,516,480 | 6,516,480 / equal | equal | 2,536,800 (2,525,832 / 10,968 / 0; 0) | equal | 0 | 2.09 |
| efficientnet_b0 | inc_static_qop | 33,246,592 | 33,246,592 / equal | equal | 5,267,540 (5,236,192 / 31,348 / 0; 0) | equal | 0 | 1.93 |
| vit_tiny | inc_static_qop | 17,623,680 | 17,623,680 / equal | 17,401,728 | 1,043,146 (1,034,304 / 6,922 / 1,920; 0) | equal | 0 | 2.59 |
| resnet18 | inc_static_qdq | 148,557,824 | 148,557,824 / equal | equal | 11,684,712 (11,678,912 / 5,800 / 0; 0) | equal | 0 | 0.75 |
| mobilenet_v2 | inc_static_qdq | 25,728,512 | 25,728,512 / equal | equal | 3,487,816 (3,469,760 / 18,056 / 0; 0) | equal | 0 | 0.79 |
| mobilenet_v3_small | inc_static_qdq | 6,516,480 | 6,516,480 / equal | equal | 2,536,800 (2,525,832 / 10,968 / 0; 0) | equal | 0 | 0.58 |
| efficientnet_b0 | inc_static_qdq | 33,246,592 | 33,246,592 / equal | equal | 5,267,540 (5,236,192 / 31,348 / 0; 0) | equal | 0 | 0.98 |
| vit_tiny | inc_static_qdq | 17,623,680 | 17,623,680 / equal | 17,401,728 | 1,043,146 (1,034,304 / 6,922 / 1,920; 0) | equal | 0 | 2.24 |
| bert | inc_static_qdq | 1,114,112 | 1,114,112 / equal | equal | 103,296 (97,536 / 5,120 / 640; 0) | equal | 0 | 2.3 |
| bert | inc_dynamic | 1,114,112 | 1,114,112 / equal | equal | 103,296 (97,536 / 5,120 / 640; 0) | equal | 0 | 2.4 |
| vit_tiny | inc_dynamic | build failed | | | | | | |
| bert | inc_rtn4 | 1,114,112 | 1,114,112 / equal | equal | 103,296 (97,536 / 5,120 / 640; 0) | equal | 0 | 3.01 |
| resnet18 | quark_xint8 | 148,557,824 | 148,557,824 / equal | equal | 11,684,712 (11,678,912 / 5,800 / 0; 0) | equal | 0 | 0.7 |
| mobilenet_v2 | quark_xint8 | 25,728,512 | 25,728,512 / equal | equal | 3,487,816 (3,469,760 / 18,056 / 0; 0) | equal | 0 | 0.86 |
| mobilenet_v3_small | quark_xint8 | 6,516,480 | 6,516,480 / equal | equal | 2,536,800 (2,525,832 / 10,968 / 0; 0) | equal | 0 | 0.67 |
| efficientnet_b0 | quark_xint8 | 33,246,592 | 33,246,592 / equal | equal | 5,267,540 (5,236,192 / 31,348 / 0; 0) | equal | 0 | 0.76 |
| vit_tiny | quark_xint8 | 17,623,680 | 17,623,680 / equal | 17,401,728 | 1,043,146 (1,034,304 / 6,922 / 1,920; 0) | equal | 0 | 0.72 |
| resnet18 | quark_a8w8 | 148,557,824 | 148,557,824 / equal | equal | 11,684,712 (11,678,912 / 5,800 / 0; 0) | equal | 0 | 2.51 |
| mobilenet_v2 | quark_a8w8 | 25,728,512 | 25,728,512 / equal | equal | 3,487,816 (3,469,760 / 18,056 / 0; 0) | equal | 0 | 2.46 |
| mobilenet_v3_small | quark_a8w8 | 6,516,480 | 6,516,480 / equal | equal | 2,536,800 (2,525,832 / 10,968 / 0; 0) | equal | 0 | 2.54 |
| efficientnet_b0 | quark_a8w8 | 33,246,592 | 33,246,592 / equal | equal | 5,267,540 (5,236,192 / 31,348 / 0; 0) | equal | 0 | 2.56 |
| vit_tiny | quark_a8w8 | 17,623,680 | 17,623,680 / equal | 17,401,728 | 1,043,146 (1,034,304 / 6,922 / 1,920; 0) | equal | 0 | 2.34 |
| bert | quark_a8w8 | 1,114,112 | 1,114,112 / equal | equal | 101,120 (97,536 / 2,944 / 640; 0) | 103,296 | 0 | 2.49 |
| resnet18 | quark_bfp16 | 0 | ORT fails / 148,557,824 | 148,557,824 | 11,684,712 (11,684,712 / 0 / 0; 0) | equal | 114 | 1.57 |
| mobilenet_v2 | quark_bfp16 | 0 | ORT fails / 25,728,512 | 25,728,512 | 3,487,816 (3,487,816 / 0 / 0; 0) | equal | 261 | 1.95 |
| vit_tiny | quark_bfp16 | 0 | ORT fails / 17,623,680 | 17,401,728 | 1,043,146 (1,043,146 / 0 / 0; 0) | equal | 142 | 1.54 |
| resnet18 | quark_mx4 | 0 | ORT fails / 148,557,824 | 148,557,824 | 11,684,712 (11,684,712 / 0 / 0; 0) | equal | 114 | 1.64 |
| vit_tiny | quark_mx4 | 0 | ORT fails / 17,623,680 | 17,401,728 | 1,043,146 (1,043,146 / 0 / 0; 0) | equal | 142 | 2.18 |
| resnet18 | quark_a16w8 | 148,557,824 | 148,557,824 / equal | equal | 11,684,712 (11,678,912 / 5,800 / 0; 0) | equal | 0 | 2.31 |
| vit_tiny | quark_a16w8 | 17,623,680 | 17,623,680 / equal | 17,401,728 | 1,043,146 (1,034,304 / 6,922 / 1,920; 0) | equal | 0 | 2.68 |
| resnet18 | quark_bf16 | 0 | ORT fails / 148,557,824 | 148,557,824 | 11,684,712 (11,684,712 / 0 / 0; 0) | equal | 172 | 2.95 |
| vit_tiny | quark_bf16 | 0 | ORT fails / 17,623,680 | 17,401,728 | 1,043,146 (1,043,146 / 0 / 0; 0) | equal | 263 | 2.47 |

DIAGNOSES (every row not "ok"; repros in /tmp/r44/repro, each an onnx.helper script that writes a file and
says what dscost should give):

- dscost BUG, fixed 2026-12-06 (params; onnx_provenance.py: an integer buffer a DequantizeLinear reads is the
  weight it quantizes; test_provenance.test_a_pt2e_quantized_weight_the_signature_calls_a_buffer_is_a_parameter:
  all 5 files now equal their twins), PT2E, all 5 files: torchao's ``convert_pt2e`` (default ``fold_quantize=True``) folds
  each quantized weight into an int8 tensor it registers as a *buffer* (``_frozen_param0`` ...), so torch.export's
  signature, which the dynamo exporter keeps in the graph's metadata (``b__frozen_param0: BUFFER``; the
  initializer's value_info ``InputSpec.kind = BUFFER``), calls every conv / linear weight a buffer, and dscost
  (``dscost/readers/onnx_provenance.py``, ``learned``: a recorded kind other than PARAMETER is not learned)
  counts them as buffers: ResNet-18 5,800 params (the float biases) and 11,678,912 buffers, for its float twin's
  11,684,712 (weights 0).  Hand count: each int8 ``_frozen_paramN`` is the conv's W (e.g. [64, 3, 7, 7] =
  9,408) behind a DequantizeLinear into the Conv's weight input -- the same tensor dscost counts as weights in
  every other QDQ file (the eager TorchScript file, NNCF's, INC's, Quark's, onnxruntime's all give the twin's
  11,684,712).  ViT-Tiny loses its position table too (3,264: XNNPACK quantizes the Add's constant input, so it
  is frozen as well).  dscost's own note says the signature names 41 parameters (``conv1.weight`` ...) the file
  does not hold -- the information to pair them is there.  With ``convert_pt2e(fold_quantize=False)`` (float
  weights, Q/DQ at run time) the same ResNet-18 counts 11,678,912 weights (checked by hand; its conv biases are
  zeros there, literals).  MACs are right on all 5.  Repro /tmp/r44/repro/pt2e_frozen_param_buffer.py (a conv
  whose int8 weight the metadata calls a BUFFER: params 8, buffers 216; expected 224 params).
- dscost GAP, fixed 2026-12-06 (onnx_qonnx.py reads com.amd.quark's BFPQuantizeDequantize and Extended
  Quantize / DequantizeLinear as QONNX's quantizers: all 7 files now count their twins' MACs and params;
  test_onnx_qonnx.test_other_toolkits_fake_quantizers_are_read_as_qonnxs), AMD Quark BFP16 / MX4 / BF16, all 7 files (MACs 0): Quark writes block-floating-point and bfloat16
  quantizers as its own ops, ``com.amd.quark::BFPQuantizeDequantize`` (BFP16 and MX4: one node per input,
  activation, weight and bias, 92 in ResNet-18) and ``ExtendedQuantizeLinear`` / ``ExtendedDequantizeLinear``
  (BF16: 75 pairs, bfloat16 zero points).  dscost has no handler, onnx's shape inference leaves their outputs
  without shapes, and every Conv / Gemm / MatMul after one is uncounted: **0 MACs** for every one of the 7
  (ResNet-18 0 for 148,557,824; ViT-Tiny 0 for 17,623,680), 114-263 nodes listed uncounted, exit 0; the biases
  go to the custom ops' rows as "weights" (biases 0; totals equal the twin's).  Hand derivation: each is
  element-wise, output shape = input shape (BFP: a shared exponent per block of ``block_size`` along ``axis``;
  Extended Q/DQ: QuantizeLinear / DequantizeLinear with a bfloat16 / float16 / int16 zero point), so every
  conv's shapes are the float twin's: 148,557,824 MACs.  onnxruntime runs these files only with Quark's custom-op
  library loaded (``quark.onnx.operators.custom_ops``' ``get_library_path()``), hence "ORT fails" in the oracle column; the twin's
  count is the reference.  Where: ``dscost/readers/onnx_qonnx.py`` (other toolkits' quantizer domains, with
  their shapes) or ``onnx_contrib_quant.py`` (which already reads com.microsoft's QuantizeBFP / DequantizeBFP
  and Q/DQ); Quark also writes ``VitisQuantizeLinear`` / ``VitisDequantizeLinear``, ``MXQuantizeDequantize``
  and ``FPQuantizeDequantize`` in other configurations (not run here).  Repro /tmp/r44/repro/quark_bfp_qdq.py
  (one conv: 0 MACs, 3 + 1 uncounted; expected 55,296).
- dscost GAP, fixed 2026-12-06 (org.openvinotoolkit's FakeQuantize read as QONNX's Quant: nothing uncounted,
  the weights on their convs' rows, the ranges no params), NNCF torch default export, all 5 files (uncounted; params on the wrong rows): NNCF writes each
  quantizer as OpenVINO's ``org.openvinotoolkit::FakeQuantize`` (x, input_low, input_high, output_low,
  output_high; ``levels``): listed uncounted, 39-142 per file ("custom op of domain 'org.openvinotoolkit': no
  cost handler"), and a weight through one counts on the FakeQuantize's row, not its conv's (ViT: the five
  LayerNorm gammas NNCF quantizes move from norm to weights, 960).  MACs are right only because NNCF's
  symbolic sets each output's type and shape (``setType``), so the file's value_info carries them; totals equal
  the module's (BN not folded through the quantizers: 11,689,512 = torch's).  Expected: FakeQuantize read as
  QONNX's ``Quant`` is (4 other ops per element, the weight on the layer that uses it, its ranges no params).
  In the repro its per-channel ranges are initializers, and dscost counts them as params (+16; in NNCF's files
  they are Constant nodes, literals, so the totals hold).  onnxruntime cannot run these files (no such op; they
  are meant for OpenVINO), hence the twin's count as reference.  Without NNCF's value_info the shapes would be
  lost after the first FakeQuantize, as in Quark's files (not tried on a real file).  NNCF's ``ONNX_QUANTIZE_DEQUANTIZE_PAIRS`` export mode (``nncf_torch_dq``) writes standard
  Q/DQ instead: ok.  Repro /tmp/r44/repro/nncf_fakequantize.py.  Where: onnx_qonnx.py (quantizer domains).
- dscost GAP, fixed 2026-12-06 (a note names the node; making the DequantizeLinear uncounted would have put its
  scales among the params, so it stays a count of what the file means), NNCF ``compress_weights`` INT8 on the ViT ONNX file: NNCF compresses
  the patch-embedding Conv's weight with a per-axis DequantizeLinear (axis 0) whose scale and zero point are
  [192, 1, 1]; the spec (opset 13-19: scalar or 1-D; 21+: blocked, the input's rank) allows neither and
  onnxruntime refuses to run the file ("For per axis quantization, scale must be 1D tensor with size 192").
  dscost counts it as if it ran (the twin's MACs and params), exit 0, no note -- where it flags other type and
  shape errors as "the graph cannot run" (a float16 scale before opset 19, for one).  NNCF's bug; dscost's
  miss is only the missing warning.  Repro /tmp/r44/repro/dq_scale_rank.py.  Where: the DequantizeLinear
  handler (``onnx_ops.py``, ``quantize``) or the checks in onnx_claims.py.
- toolkit bug, dscost partly right (params fixed 2026-12-06; an invalid file), NNCF ``compress_weights`` INT4 (all layers) on BERT: NNCF rewrites
  each embedding ``Gather(table, ids)`` as ``MatMulNBits(ids, packed table)`` (K = vocab 500, N = 64), an int64
  A that MatMulNBits does not take; onnxruntime refuses the file.  dscost lists those 3 nodes uncounted ("A (1,
  16) does not fit K=500, N=64" -- the type error is the cause) and counts their packed bytes + float scales as
  weights (17,384 + 1,028 + 2,176 = 20,588, where the K x N values are 36,224 and scales no params): 87,660 for
  the twin's 103,296.  Expected: the nodes named as a type error; their weights in values (docs/onnx.md's
  MatMulNBits convention) or not at all.  The encoder's 12 MatMulNBits (with NNCF's fused biases) count the
  twin's MACs.  Since 2026-12-06 an uncounted MatMulNBits counts its weight in values (K x N), as a counted
  one: 103,296 params, the twin's; the reason stays "does not fit" (dscost has no schema of onnxruntime's ops
  to name the int64 A).  Repro /tmp/r44/repro/nbits_uncosted_params.py.  Where: onnx_contrib_lowbit.py.
- toolkit (file's count, not dscost's): Quark A8W8 BERT 101,120 params for 103,296 -- Quark's preprocessing
  folds the token-type and position lookups of constant ids into constants, so the file holds the 16 rows
  used (1,024 each, quantized) instead of the 2 x 64 and 64 x 64 tables (-2,176); dscost counts the file (the
  known ambiguity of folded constants, docs/onnx.md).  MACs equal.
- convention: every QDQ file's DequantizeLinear of a constant weight counts 2 other ops per weight element
  (ResNet-18 ~23.4M other ops more than its twin), as for onnxruntime's own QDQ files in earlier rounds; not a
  MAC.  NNCF's torch files keep BatchNorm unfolded (norm 9,600 + buffers 9,600): the module's count.
- torch column: FlopCounterMode counts no CPU attention kernel: ViT-Tiny (timm: ``F.scaled_dot_product_attention``)
  17,401,728 = 17,623,680 less 2 layers x 2 products x 3 heads x 17^2 x 64 = 221,952; BERT (eager attention,
  plain matmuls) equal.
- builds that failed (no file, not dscost's): torchao 0.18's X86InductorQuantizer on torch 2.14.1's export of
  ResNet-18 ("Input partition has more than one output node", in its conv-add-relu annotation); NNCF's
  ``strip(..., StripFormat.DQ)`` on a ``quantize``d model ("half_range and narrow_range should be False":
  it strips weight compression only -- the QDQ export mode is used instead); onnx-neural-compressor 1.0's
  dynamic quantization of ViT-Tiny (AttributeError: 'DynamicQuantizer' object has no attribute
  '_dynamic_quantize_bias': the onnxruntime 1.32 class it subclasses has no such method).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT = 900
ORACLE_TIMEOUT = 600
DSCOST_TIMEOUT = 300

IMAGE_MODELS = ["resnet18", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0", "vit_tiny"]
TEXT_MODELS = ["bert"]
# kind -> (float twin kind, models)
KINDS = {
    "float_dynamo": (None, IMAGE_MODELS),
    "float_ts": (None, IMAGE_MODELS + TEXT_MODELS),
    "pt2e_xnnpack": ("float_dynamo", IMAGE_MODELS),
    "pt2e_x86": ("float_dynamo", ["resnet18"]),
    "eager_ts": ("float_ts", ["resnet18", "mobilenet_v2"]),
    "nncf_torch_ts": ("float_ts", IMAGE_MODELS),
    "nncf_torch_dq": ("float_ts", ["resnet18", "mobilenet_v2"]),
    "nncf_onnx": ("float_ts", IMAGE_MODELS + TEXT_MODELS),
    "nncf_wc_int8": ("float_ts", TEXT_MODELS + ["vit_tiny"]),
    "nncf_wc_int4": ("float_ts", TEXT_MODELS),
    "ort_nbits": ("float_ts", TEXT_MODELS + ["vit_tiny"]),
    "ort_qop_pc": ("float_ts", IMAGE_MODELS),
    "inc_static_qop": ("float_ts", IMAGE_MODELS),
    "inc_static_qdq": ("float_ts", IMAGE_MODELS + TEXT_MODELS),
    "inc_dynamic": ("float_ts", TEXT_MODELS + ["vit_tiny"]),
    "inc_rtn4": ("float_ts", TEXT_MODELS),
    "quark_xint8": ("float_ts", IMAGE_MODELS),
    "quark_a8w8": ("float_ts", IMAGE_MODELS + TEXT_MODELS),
    "quark_bfp16": ("float_ts", ["resnet18", "mobilenet_v2", "vit_tiny"]),
    "quark_mx4": ("float_ts", ["resnet18", "vit_tiny"]),
    "quark_a16w8": ("float_ts", ["resnet18", "vit_tiny"]),
    "quark_bf16": ("float_ts", ["resnet18", "vit_tiny"]),
}

# Differences diagnosed as the toolkit's, not dscost's (see the docstring); dscost's own findings stay failures.
EXPLAINED = {
    ("bert", "quark_a8w8"): "Quark folds the constant token-type / position lookups: the file holds 16 rows (-2,176)",
    ("bert", "nncf_wc_int4"): "an invalid file (NNCF's MatMulNBits on int64 token ids; onnxruntime refuses it): 3 nodes uncounted, "
                              "their weights counted in values since 2026-12-06 (the twin's params)",
}

# ---------------------------------------------------------------- build (child process)

BUILD_CODE = r'''
import json, sys, os, warnings
warnings.filterwarnings("ignore")
import numpy as np
import torch
name, kind, out, float_path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
torch.manual_seed(0)

def randomize(m):
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, (torch.nn.BatchNorm2d, torch.nn.BatchNorm1d)):
                mod.running_mean.copy_(torch.randn(mod.running_mean.shape, generator=g) * 0.1)
                mod.running_var.copy_(torch.rand(mod.running_var.shape, generator=g) + 0.5)
                mod.weight.copy_(torch.randn(mod.weight.shape, generator=g) * 0.1 + 1)
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=g) * 0.1)
            elif isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)) and mod.bias is not None:
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=g) * 0.1)
            elif isinstance(mod, torch.nn.LayerNorm) and mod.weight is not None:
                mod.weight.copy_(torch.randn(mod.weight.shape, generator=g) * 0.1 + 1)
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=g) * 0.1)
    return m

class BertWrap(torch.nn.Module):
    def __init__(self, m):
        super().__init__(); self.m = m
    def forward(self, input_ids):
        return self.m(input_ids=input_ids).last_hidden_state

def make(name, quantizable=False):
    import torchvision
    if name == "vit_tiny":
        import timm
        m = timm.create_model("vit_tiny_patch16_224", pretrained=False, img_size=64, depth=2, num_classes=10)
        return randomize(m.eval()), (torch.randn(1, 3, 64, 64),)
    if name == "bert":
        import transformers
        cfg = transformers.BertConfig(vocab_size=500, hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                                      intermediate_size=128, max_position_embeddings=64, attn_implementation="eager")
        m = BertWrap(transformers.BertModel(cfg, add_pooling_layer=False))
        return randomize(m.eval()), (torch.randint(0, 500, (1, 16)),)
    if quantizable:
        from torchvision.models import quantization as tq
        m = getattr(tq, name)(weights=None, quantize=False)
    else:
        m = getattr(torchvision.models, name)(weights=None)
    return randomize(m.eval()), (torch.randn(1, 3, 64, 64),)

def calib(args, n=4):
    if args[0].dtype == torch.int64:
        return [(torch.randint(0, 500, args[0].shape),) for _ in range(n)]
    return [(torch.randn(args[0].shape),) for _ in range(n)]

def torch_counts(m, args):
    from torch.utils.flop_counter import FlopCounterMode
    fc = FlopCounterMode(display=False)
    with torch.no_grad(), fc:
        m(*args)
    params = sum(p.numel() for p in m.parameters())
    bn = sum(mod.num_features for mod in m.modules() if isinstance(mod, torch.nn.BatchNorm2d))
    return dict(torch_macs=fc.get_total_flops() // 2, torch_params=params, torch_params_bn_folded=params - bn)

def input_names(args):
    return ["input_ids"] if args[0].dtype == torch.int64 else ["x"]

def export_ts(m, args, path):
    torch.onnx.export(m, args, path, dynamo=False, opset_version=17, input_names=input_names(args))

def export_dynamo(m, args, path):
    torch.onnx.export(m, args, path, dynamo=True, input_names=input_names(args))

info = {}
if kind in ("float_dynamo", "float_ts"):
    m, args = make(name)
    info.update(torch_counts(m, args))
    (export_dynamo if kind == "float_dynamo" else export_ts)(m, args, out)
elif kind in ("pt2e_xnnpack", "pt2e_x86"):
    from torchao.quantization.pt2e.quantize_pt2e import prepare_pt2e, convert_pt2e
    m, args = make(name)
    info.update(torch_counts(m, args))
    gm = torch.export.export(m, args).module()
    if kind == "pt2e_xnnpack":
        from torchao.testing.pt2e._xnnpack_quantizer import XNNPACKQuantizer, get_symmetric_quantization_config
        q = XNNPACKQuantizer(); q.set_global(get_symmetric_quantization_config(is_per_channel=True))
    else:
        from torchao.quantization.pt2e.quantizer.x86_inductor_quantizer import (
            X86InductorQuantizer, get_default_x86_inductor_quantization_config)
        q = X86InductorQuantizer(); q.set_global(get_default_x86_inductor_quantization_config())
    p = prepare_pt2e(gm, q)
    for a in calib(args):
        p(*a)
    c = convert_pt2e(p)
    export_dynamo(c, args, out)
elif kind == "eager_ts":
    m, args = make(name, quantizable=True)
    info.update(torch_counts(m, args))
    torch.backends.quantized.engine = "x86"
    m.fuse_model()
    m.qconfig = torch.ao.quantization.get_default_qconfig("x86")
    torch.ao.quantization.prepare(m, inplace=True)
    for a in calib(args):
        m(*a)
    torch.ao.quantization.convert(m, inplace=True)
    export_ts(m, args, out)
elif kind in ("nncf_torch_ts", "nncf_torch_dq"):
    import nncf
    m, args = make(name)
    info.update(torch_counts(m, args))
    q = nncf.quantize(m, nncf.Dataset([a[0] for a in calib(args)]), subset_size=4)
    if kind == "nncf_torch_dq":  # NNCF's QuantizeLinear/DequantizeLinear export mode (not its default)
        from nncf.torch.quantization.layers import BaseQuantizer, QuantizerExportMode
        for mod in q.modules():
            if isinstance(mod, BaseQuantizer):
                mod.set_export_mode(QuantizerExportMode.ONNX_QUANTIZE_DEQUANTIZE_PAIRS)
    export_ts(q, args, out)
elif kind == "nncf_onnx":
    import nncf, onnx
    fm = onnx.load(float_path)
    iname = fm.graph.input[0].name
    _, args = make(name)
    ds = nncf.Dataset([{iname: a[0].numpy()} for a in calib(args)])
    q = nncf.quantize(fm, ds, subset_size=4)
    onnx.save(q, out)
elif kind in ("nncf_wc_int8", "nncf_wc_int4"):
    import nncf, onnx
    fm = onnx.load(float_path)
    if kind == "nncf_wc_int8":
        q = nncf.compress_weights(fm)
    else:
        q = nncf.compress_weights(fm, mode=nncf.CompressWeightsMode.INT4_SYM, group_size=32, ratio=1.0,
                                  all_layers=True)
    onnx.save(q, out)
elif kind == "ort_nbits":
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    fm = onnx.load(float_path)
    qz = MatMulNBitsQuantizer(fm, block_size=32, is_symmetric=False)
    qz.process()
    qz.model.save_model_to_file(out, False)
elif kind == "ort_qop_pc":
    from onnxruntime.quantization import quantize_static, QuantFormat, QuantType, CalibrationDataReader
    import onnx
    iname = onnx.load(float_path).graph.input[0].name
    _, args = make(name)
    class R(CalibrationDataReader):
        def __init__(self):
            self.it = iter([{iname: a[0].numpy()} for a in calib(args)])
        def get_next(self):
            return next(self.it, None)
    quantize_static(float_path, out, R(), quant_format=QuantFormat.QOperator, per_channel=True,
                    reduce_range=True, weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8)
elif kind.startswith("inc_"):
    from onnxruntime.quantization import QuantFormat, CalibrationDataReader
    import onnxruntime as ort
    from onnx_neural_compressor.quantization import quantize, config
    import onnx
    iname = onnx.load(float_path).graph.input[0].name
    _, args = make(name)
    class R(CalibrationDataReader):
        def __init__(self):
            self.data = [{iname: a[0].numpy()} for a in calib(args)]; self.it = iter(self.data)
        def get_next(self):
            return next(self.it, None)
        def rewind(self):
            self.it = iter(self.data)
    if kind == "inc_static_qop":
        cfg = config.StaticQuantConfig(R(), quant_format=QuantFormat.QOperator, per_channel=True)
    elif kind == "inc_static_qdq":
        cfg = config.StaticQuantConfig(R(), quant_format=QuantFormat.QDQ, per_channel=True)
    elif kind == "inc_dynamic":
        cfg = config.DynamicQuantConfig()
    else:  # weight-only RTN, 4 bits (quantize() takes static / dynamic configs only: the algorithm's entry)
        from onnx_neural_compressor.quantization.algorithm_entry import rtn_quantize_entry
        q = rtn_quantize_entry(float_path, config.RTNConfig(weight_bits=4, weight_group_size=32))
        onnx.save(getattr(q, "model", q), out)
        cfg = None
    if cfg is not None:
        quantize(float_path, out, cfg, optimization_level=ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
elif kind.startswith("quark_"):
    from onnxruntime.quantization import CalibrationDataReader
    from quark.onnx import ModelQuantizer
    from quark.onnx.quantization.config.config import Config
    from quark.onnx.quantization.config.custom_config import get_default_config
    import onnx
    iname = onnx.load(float_path).graph.input[0].name
    _, args = make(name)
    class R(CalibrationDataReader):
        def __init__(self):
            self.data = [{iname: a[0].numpy()} for a in calib(args)]; self.it = iter(self.data)
        def get_next(self):
            return next(self.it, None)
        def rewind(self):
            self.it = iter(self.data)
    cname = {"quark_xint8": "XINT8", "quark_a8w8": "A8W8", "quark_bfp16": "BFP16", "quark_mx4": "MX4",
             "quark_a16w8": "A16W8", "quark_bf16": "BF16"}[kind]
    ModelQuantizer(Config(global_quant_config=get_default_config(cname))).quantize_model(float_path, out, R())
else:
    raise SystemExit("unknown kind " + kind)
print("BUILDINFO " + json.dumps(info))
'''

# ---------------------------------------------------------------- oracle (child process, no dscost code)

ORACLE_CODE = r'''
import json, sys, collections
from math import prod
import numpy as np
import onnx, onnxruntime as ort
from onnx import numpy_helper
path = sys.argv[1]
m = onnx.load(path)
g = m.graph
inits = {t.name: t for t in g.initializer}
consts = {}
for n in g.node:
    if n.op_type == "Constant":
        for a in n.attribute:
            if a.name == "value":
                consts[n.output[0]] = a.t
shapes = {k: list(t.dims) for k, t in inits.items()}
shapes.update({k: list(t.dims) for k, t in consts.items()})
res = dict(ops=dict(collections.Counter((n.domain + "::" if n.domain else "") + n.op_type for n in g.node)))
# run with every node output a graph output
feeds = {}
for i in g.input:
    if i.name in inits:
        continue
    dims = [d.dim_value if d.dim_value > 0 else 1 for d in i.type.tensor_type.shape.dim]
    et = i.type.tensor_type.elem_type
    feeds[i.name] = (np.random.randint(0, 500, dims).astype(np.int64) if et == onnx.TensorProto.INT64
                     else np.random.randn(*dims).astype(np.float32))
    shapes[i.name] = dims
m2 = onnx.ModelProto(); m2.CopyFrom(m)
have = {o.name for o in m2.graph.output}
for n in m2.graph.node:
    for o in n.output:
        if o and o not in have:
            m2.graph.output.append(onnx.ValueInfoProto(name=o)); have.add(o)
so = ort.SessionOptions(); so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
try:
    with open(path + ".allout.onnx", "wb") as f:
        f.write(m2.SerializeToString())
    sess = ort.InferenceSession(path + ".allout.onnx", so, providers=["CPUExecutionProvider"])
    outs = sess.run(None, feeds)
    for o, v in zip([o.name for o in sess.get_outputs()], outs):
        shapes[o] = list(np.shape(v))
    res["ort"] = "ok"
except Exception as e:
    res["ort"] = "fail: " + str(e).splitlines()[0][:300]
def A(n, i=0):
    return shapes.get(n.input[i])
macs = 0; missing = []
for n in g.node:
    op = n.op_type
    try:
        out = shapes.get(n.output[0]) if n.output else None
        if op in ("Conv", "ConvInteger", "QLinearConv", "NhwcConv", "FusedConv"):
            w = shapes[n.input[3 if op == "QLinearConv" else 1]]
            macs += prod(out) * prod(w[1:])
        elif op == "ConvTranspose":
            macs += prod(A(n)) * prod(shapes[n.input[1]][1:])
        elif op in ("MatMul", "MatMulInteger", "QLinearMatMul", "MatMulNBits", "DynamicQuantizeMatMul",
                    "MatMulIntegerToFloat", "FusedMatMul"):
            macs += prod(out) * A(n)[-1]
        elif op in ("Gemm", "QGemm"):
            a = A(n); ta = [x.i for x in n.attribute if x.name == "transA"]
            macs += prod(out) * (a[0] if ta and ta[0] else a[-1])
    except Exception as e:
        missing.append(f"{n.name or n.output[0]} ({op}): {type(e).__name__}")
res["macs"] = macs; res["missing"] = missing[:20]; res["n_missing"] = len(missing)
# learned elements: constants reaching a weight/bias/norm input through DQ / cast / reshape chains
prod_of = {o: n for n in g.node for o in n.output}
PASS = {"DequantizeLinear": [0], "Identity": [0], "Expand": [0], "Reshape": [0], "Transpose": [0], "Cast": [0],
        "Unsqueeze": [0], "Squeeze": [0], "Sub": [0], "Mul": [0, 1], "Div": [0], "Flatten": [0],
        "Quant": [0], "QuantizeLinear": [0]}
WEIGHTS = {"Conv": [1, 2], "ConvInteger": [1], "QLinearConv": [3, 8], "ConvTranspose": [1, 2], "Gemm": [1, 2],
           "QGemm": [3, 6], "MatMul": [0, 1], "MatMulInteger": [1], "QLinearMatMul": [3],
           "MatMulNBits": [1, 5], "Gather": [0], "LayerNormalization": [1, 2], "BatchNormalization": [1, 2],
           "FakeQuantize": [0]}
def elems(name):
    t = inits.get(name) or consts.get(name)
    return prod(t.dims) if t is not None else 0
def is_float_or_quant(name):
    t = inits.get(name) or consts.get(name)
    return t is not None and prod(t.dims) > 1
learned = {}
def trace(name, depth=0):
    if depth > 8 or not name:
        return
    if name in inits or name in consts:
        if is_float_or_quant(name):
            learned[name] = elems(name)
        return
    p = prod_of.get(name)
    if p is None or p.op_type not in PASS:
        return
    idx = PASS[p.op_type]
    if p.op_type in ("Mul",):  # keep the larger constant side (scale x weight)
        cand = [p.input[i] for i in idx if i < len(p.input)]
        cand.sort(key=lambda x: -(elems(x) or (prod(shapes.get(x, [1])) if x in shapes else 0)))
        idx_names = cand[:1]
    else:
        idx_names = [p.input[i] for i in idx if i < len(p.input)]
    for x in idx_names:
        trace(x, depth + 1)
nbits = 0
for n in g.node:
    if n.op_type == "MatMulNBits":  # K x N values (input 1 holds them packed), its bias (input 5)
        at = {a.name: a.i for a in n.attribute}
        nbits += at["K"] * at["N"]
        if len(n.input) > 5:
            trace(n.input[5])
        continue
    for i in WEIGHTS.get(n.op_type, []):
        if i < len(n.input):
            trace(n.input[i])
    if n.op_type in ("Add", "QLinearAdd"):  # a bias after a MatMul
        srcs = [prod_of.get(x) for x in n.input]
        if any(s is not None and s.op_type in ("MatMul", "MatMulNBits", "MatMulInteger", "QLinearMatMul",
                                               "DequantizeLinear") for s in srcs):
            for x in n.input:
                trace(x)
    if n.op_type in ("Add", "Concat", "QLinearAdd", "QLinearConcat"):  # a class token / position table [1, T, D]
        for x in n.input:
            if len(shapes.get(x, [])) == 3 and shapes[x][0] == 1:
                trace(x)
res["learned_elements"] = sum(learned.values()) + nbits
print("ORACLE " + json.dumps(res))
'''

# ---------------------------------------------------------------- runners


def child(code: str, argv: list[str], timeout: int, tag: str) -> tuple[dict | None, str, float, int | None]:
    t = time.time()
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(code)
    try:
        p = subprocess.run([sys.executable, f.name, *argv], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timeout after {timeout} s", time.time() - t, None
    finally:
        os.unlink(f.name)
    for line in p.stdout.splitlines():  # (a toolkit's progress bar may end without a newline: the tag mid-line)
        if tag + " " in line:
            return json.loads(line[line.index(tag + " ") + len(tag) + 1:]), "", time.time() - t, p.returncode
    err = [ln for ln in p.stderr.splitlines() if ln.strip() and "Warning" not in ln and "warn(" not in ln]
    return None, " | ".join(err[-3:])[:600], time.time() - t, p.returncode


def run_dscost(path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t = time.time()
    try:
        p = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), "-f", "json", "-q"],
                           capture_output=True, text=True, timeout=DSCOST_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return dict(exit=None, error=f"timeout {DSCOST_TIMEOUT} s", seconds=DSCOST_TIMEOUT)
    row = dict(exit=p.returncode, seconds=round(time.time() - t, 2))
    if "Traceback" in p.stderr:
        row["traceback"] = p.stderr.strip().splitlines()[-1][:400]
    try:
        d = json.loads(p.stdout)
    except ValueError:
        row["error"] = (p.stderr.strip().splitlines() or ["no output"])[-1][:400]
        return row
    tot = d["totals"]
    row.update(macs=tot["macs"], params=tot["params"], weights=tot["weights"], biases=tot["biases"],
               norm=tot["norm_params"], buffers=tot["buffers"], other_ops=tot["other_ops"],
               uncounted=[(u["op"], u["reason"][:120]) for u in d.get("uncounted", [])],
               notes=[n[:300] for n in d.get("notes", [])])
    return row


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--out", default="/tmp/r44/files")
    ap.add_argument("--only", default="", help="models or kinds, comma-separated")
    ap.add_argument("--reuse", action="store_true")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    only = set(filter(None, a.only.split(",")))
    rows = []
    jobs = [(k, mdl) for k, (_, mdls) in KINDS.items() for mdl in mdls
            if not only or k in only or mdl in only]
    # float twins first
    jobs.sort(key=lambda j: 0 if KINDS[j[0]][0] is None else 1)
    for kind, model in jobs:
        twin = KINDS[kind][0]
        path = out / f"{model}.{kind}.onnx"
        fpath = out / f"{model}.{twin}.onnx" if twin else Path("")
        bj = out / f"{model}.{kind}.build.json"
        row = dict(model=model, kind=kind, twin=twin)
        if a.reuse and bj.exists() and path.exists():
            row.update(json.loads(bj.read_text()))
        else:
            if twin and not fpath.exists():
                row["build_error"] = "float twin missing"
                rows.append(row)
                continue
            info, err, secs, rc = child(BUILD_CODE, [model, kind, str(path), str(fpath)], BUILD_TIMEOUT, "BUILDINFO")
            row["build_seconds"] = round(secs, 1)
            if info is None:
                row["build_error"] = err
                rows.append(row)
                print(f"{model:20s} {kind:14s} BUILD FAILED: {err[:200]}", flush=True)
                continue
            row.update(info)
            bj.write_text(json.dumps(dict(info, build_seconds=row["build_seconds"])))
        orc, err, _, _ = child(ORACLE_CODE, [str(path)], ORACLE_TIMEOUT, "ORACLE")
        row["oracle"] = orc or dict(error=err)
        row["dscost"] = run_dscost(path)
        rows.append(row)
        d, o = row["dscost"], row["oracle"]
        print(f"{model:20s} {kind:14s} dscost {d.get('macs')!s:>12} params {d.get('params')!s:>10} "
              f"(w {d.get('weights')} b {d.get('biases')} n {d.get('norm')} buf {d.get('buffers')}) "
              f"oracle {o.get('macs')!s:>12} learned {o.get('learned_elements')} ort {o.get('ort', '')[:40]} "
              f"unc {len(d.get('uncounted', []))} exit {d.get('exit')} {d.get('seconds')}s", flush=True)
    # compare with twins
    by = {(r["model"], r["kind"]): r for r in rows}
    bad = 0
    for r in rows:
        if "dscost" not in r:
            continue
        twin = by.get((r["model"], r["twin"])) if r["twin"] else None
        ref = twin["oracle"].get("macs") if twin and "oracle" in twin else r["oracle"].get("macs")
        if not twin and r["twin"]:
            ref = None
        r["expected_macs"] = ref
        ok = r["dscost"].get("macs") == ref and r["dscost"].get("exit") == 0 and not r["dscost"].get("uncounted")
        if twin and "dscost" in twin:  # (the twin's learned elements, or the module's own count: BN left unfolded)
            ok = ok and r["dscost"].get("params") in (twin["oracle"].get("learned_elements"), r.get("torch_params"))
        r["ok"] = ok
        if not ok and (r["model"], r["kind"]) in EXPLAINED:
            r["explained"] = EXPLAINED[(r["model"], r["kind"])]
        elif not ok:
            bad += 1
    Path(a.json).write_text(json.dumps(rows, indent=1))
    print(f"{len(rows)} rows, {bad} differ from the oracle / float twin unexplained, "
          f"{sum('explained' in r for r in rows)} explained (see the docstring's diagnoses)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
