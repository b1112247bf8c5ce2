"""Forty-fifth blind round: TFLite files written by the converter's quantization / optimization modes and TFMOT.

What it stresses: the TFLite files that TF 2.21's converter writes in its quantization / optimization modes, and
those the TensorFlow Model Optimization toolkit (tfmot 0.8.1) and Google's ai-edge-quantizer 0.10 make, which
earlier TFLite rounds (crosscheck_tflite.py, crosscheck_tflite_layers.py: float32, float16 weights, dynamic-range
int8 and full int8 with float I/O) did not cover: ``fp16`` (DEFAULT + supported_types float16, a reference
row), ``dyn_int8`` and ``dyn_int8_old`` (dynamic range, new and old ``experimental_new_dynamic_range_quantizer``),
full integer with a representative dataset of 4 random inputs: ``int8_fio`` (float I/O), ``int8_io`` /
``uint8_io`` (TFLITE_BUILTINS_INT8, int8 / uint8 inference_input/output_type), ``int8_pertensor``
(``_experimental_disable_per_channel``), ``int8_dense_pertensor``
(``_experimental_disable_per_channel_quantization_for_dense_layers``), ``int8_oldquant``
(``experimental_new_quantizer=False``: the legacy tflite/tools/optimize quantizer), ``a16w8``
(EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8: int16 activations, int64 biases) and ``a16w8_b32``
(``_experimental_full_integer_quantization_bias_type=tf.int32``), ``buffer_offset``
(``_experimental_use_buffer_offset``: weights appended after the flatbuffer, each Buffer an offset / size);
tfmot: ``qat`` (``quantize_model``, one epoch of 4 samples, converted with DEFAULT), ``prune`` (
``prune_low_magnitude`` ConstantSparsity 0.5, one epoch with UpdatePruningStep, ``strip_pruning``: 49 % of the
kernels zero, converted float), ``prune_sparse`` / ``prune_sparse_int8`` (the same converted with
EXPERIMENTAL_SPARSITY: sparse-encoded kernels behind DENSIFY ops, and the full-int8 version, whose sparse FC
kernel is read directly), ``prune_2by4_sparse`` (``sparsity_m_by_n=(2, 4)``, EXPERIMENTAL_SPARSITY), ``cluster`` /
``cluster_dyn`` (``cluster_weights`` 8 clusters k-means++, ``strip_clustering``: 8 distinct values per kernel,
float and dynamic int8); ai-edge-quantizer recipes on the float file: ``aeq_dynamic_wi8_afp32``,
``aeq_dynamic_wi4_afp32`` (INT4 tensors), ``aeq_dynamic_wi4b32_afp32`` (blockwise 32), ``aeq_dynamic_wi2c_afp32``
(INT2 tensors, TensorType 19), ``aeq_weight_only_wi4/wi8_afp32`` (DEQUANTIZE'd weights), ``aeq_static_wi8_ai8`` /
``_ai16`` (its own full-integer calibration); ``select_tf`` / ``select_tf_dyn`` (SELECT_TF_OPS: a
``tf.linalg.inv`` kept as FlexMatrixInverse) and ``resvar`` / ``resvar_dyn`` (``experimental_enable_resource_
variables`` on a ``tf.Module`` whose state variable is assigned each call: VAR_HANDLE / READ_VARIABLE /
ASSIGN_VARIABLE and a CALL_ONCE initializer).  Models (tf_keras 2.21 with TF_USE_LEGACY_KERAS=1, as tfmot needs;
random weights, every bias, BatchNorm statistic and affine randomized so nothing folds to zero): Keras
applications MobileNet v1 (alpha 0.25, 96 px, 10 classes), MobileNetV2 (alpha 0.35, 96 px), EfficientNetB0
(96 px), ResNet50 (64 px); ``mix`` (Conv2D stride 2, DepthwiseConv2D, Conv2DTranspose stride 2, 1x1 Conv2D, a
Reshape to (64, 64), Conv1D stride 2, Dense on a 3-D input, Dense); ``seq`` (int32 ids -> Embedding(100, 16),
LayerNormalization, Dense on 3-D, Add, BatchNormalization after the Add (cannot fold), LSTM(12) returning
sequences -- the fused UNIDIRECTIONAL_SEQUENCE_LSTM --, GRU(8, unroll=True), Dense(4)); ``flex`` (Conv2D,
Permute, inverse, Dense); ``stateful`` (x @ W + b + state; state := result).

The oracle (written here, no dscost code): each file run by TF 2.21's ``tf.lite.Interpreter`` (builtin
reference kernels, no XNNPACK, ``experimental_preserve_all_tensors=True``, random inputs), every tensor's shape read
after ``invoke``; MACs from measured shapes: CONV_2D prod(out) x kh x kw x Cin/groups (the filter's last dim),
DEPTHWISE_CONV_2D prod(out) x kh x kw, CONV_3D prod(out) x kd x kh x kw x Cin, TRANSPOSE_CONV prod(in) x kh x kw x
Cout, FULLY_CONNECTED prod(out) x K, BATCH_MATMUL prod(out) x K, UNIDIRECTIONAL_SEQUENCE_LSTM steps x the 8
input / recurrent matrices' elements.  Where the interpreter cannot run a file -- the 4 a16w8_b32 files (TF 2.21's 16x8 DEPTHWISE_CONV_2D
kernel wants an int64 bias: "depthwise_conv.cc:159 bias->type != kTfLiteInt64 (INT32 != INT64)") and the 2 Flex
files (no Flex delegate with the reference op resolver) -- the stored shapes, all static in these files.  Params: the
elements of each distinct constant tensor (through DEQUANTIZE / DENSIFY, a sparse kernel at its dense shape) that
is a conv / FC / LSTM weight or bias, a GATHER table, or a MUL / ADD / SUB / PRELU operand of more than one
element (dscost's stated convention).  The quantized file should count its float twin's measured MACs
(quantization changes no MAC) and the twin's params (pruning keeps zeros as stored values, clustering keeps the
shapes); Keras' ``count_params()`` is recorded too (it holds BatchNorm's 4 x C, which the converter folds into
the conv's C bias: MobileNet v1 221,114 - 3 x 2,736 = 212,906; MobileNetV2 423,018 - 3 x 7,040 = 401,898;
EfficientNetB0 4,062,381 - 3 x 21,008 - 7 (an identity Normalization, dropped) = 3,999,350; ResNet50 23,608,202
- 4 x 26,560 (its convs had a bias already) = 23,501,962; mix 6,152 = 6,152).  The oracle's per-op count keeps
every requantized copy of a bias (the unrolled GRU's 29 copies in a full-int8 file: 4,596 for ``seq``), so a
quantized file is judged by its twin's count.

Install (a venv of its own; /tmp/r32/venv's TensorFlow 2.21 / tf_keras / tflite through a .pth file; tfmot and
ai-edge-quantizer without their dependencies, which would pull a second TensorFlow):

    python3.11 -m venv /tmp/r45b/venv
    echo /tmp/r32/venv/lib/python3.11/site-packages > /tmp/r45b/venv/lib/python3.11/site-packages/r32.pth
    uv pip install --python /tmp/r45b/venv/bin/python tensorflow-model-optimization==0.8.1 typer rich pydantic pyyaml
    uv pip install --python /tmp/r45b/venv/bin/python --no-deps onnx ai-edge-quantizer==0.10.0 ai-edge-litert==2.3.0 \\
        immutabledict

(tfmot's own requirements resolved against the .pth's TensorFlow: it added nothing heavy.)  ai-edge-litert is
also the interpreter dscost itself uses for shapes when it is installed.

Run (from the checkout; files go to OUT with OUT/MODEL.build.json; --reuse keeps built files, --only takes
models, --kinds kinds):

    PYTHONPATH=. /tmp/r45b/venv/bin/python benchmarks/crosscheck_tflite_quant_modes.py --json /tmp/r45b/rows.json \\
        [--out /tmp/r45b/files] [--only mix,seq,...] [--kinds int8_fio,...] [--reuse]

Each model's conversions in one child process (1,500 s), the ai-edge-quantizer recipes in another, the oracle
for all of a model's files in a third (900 s), dscost per file in its own (300 s), one at a time.  Exit 1 when a
file's MACs differ from its twin's measured MACs or its own, its params from both the twin's oracle count and
the twin's dscost count, dscost exits non-zero, or an op other than a Flex op is uncounted (the oracle's Flex /
CUSTOM / WHILE / IF ops must be dscost's uncounted ones) -- i.e. on every row below that is not "equal",
each diagnosed under the table.  A benchmark: not run in CI.

As run 2026-12-06, Linux x86_64, 2-core VM (shared), Python 3.11.7: tensorflow-cpu 2.21.0 (its converter and
``tf.lite.Interpreter``), tf_keras 2.21.0, tensorflow-model-optimization 0.8.1, ai-edge-quantizer 0.10.0,
ai-edge-litert 2.3.0, numpy 2.4.6, flatbuffers 25.12.19; dscost 0.1.0 at this checkout.  117 rows: 8 models, 111
files written (6 conversions failed, none dscost's: below), builds 0.1-77 s each (~28 min of conversions in all on the shared
machine), dscost 0.6-4.7 s a file, the oracle 5-40 s a model; the whole round again with --reuse 204 s.  dscost
exited 0 on every file, no traceback, no hang; the same totals (MACs, params, uncounted) on all 111 files with
ai-edge-litert installed and without it (its own shape propagation: /tmp/r32/venv, no interpreter).  First full run:
exit 1, 8 rows differed: ``seq``'s 6 full-integer files (the LSTM gate-bias BUG below) and the 2 ``stateful``
files, whose CALL_ONCE this oracle then listed as not costed (an oracle error: it initializes the variables
once, no per-inference cost, as dscost's note says; fixed here); after dscost's fix (2026-12-06, 45a8877) the
--reuse run exits 0: every file equals its float twin.

Summary: **MACs equal the float twin's measured count on all 111 files** (every mode: float16, dynamic range
new / old, full int8 with float / int8 / uint8 I/O, per-tensor, per-tensor dense, the old quantizer, 16x8 with
int64 and int32 biases, buffer offsets, QAT, pruned dense / sparse-encoded / 2:4 / sparse int8, clustered, the
ai-edge-quantizer INT8 / INT4 / blockwise / INT2 / weight-only / static files, Flex, resource variables).
**Params equal the twin's on all 111 since the fix** (before it, 105: a full-integer LSTM's 4 gate biases were
counted as one).  Uncounted: only the Flex op, by name (FlexMatrixInverse), as docs/tflite.md says.

RESULTS (MACs: dscost; oracle: interpreter-measured on the file / on its float twin ("equal": the twin's
measured count is the same); params: dscost's (weights / biases; no norm or buffers in any file); twin: the float
twin's oracle params and Keras' ``count_params()`` of the source model (BatchNorm unfolded, see above); kinds with
the same numbers on one row):

| model | kinds | dscost MACs | oracle (file / float twin) | dscost params (w / b) | twin's params (oracle) / count_params | uncounted | equal |
|---|---|---:|---|---|---|---|---|
| mix | float, fp16, dyn_int8, dyn_int8_old, int8_fio, int8_io, uint8_io, a16w8, a16w8_b32, int8_pertensor, int8_dense_pertensor, int8_oldquant, buffer_offset, prune, prune_sparse, prune_sparse_int8, cluster, cluster_dyn, aeq_dynamic_wi8_afp32, aeq_dynamic_wi4_afp32, aeq_dynamic_wi2c_afp32, aeq_weight_only_wi4_afp32, aeq_weight_only_wi8_afp32, aeq_static_wi8_ai8, aeq_static_wi8_ai16 (25) | 263,208 | 263,208 / equal | 6,152 (6,096 / 56) | 6,152 / 6,152 | - | yes |
| mobilenet_v1 | float, fp16, dyn_int8, dyn_int8_old, int8_fio, int8_io, uint8_io, a16w8, a16w8_b32, int8_pertensor, int8_dense_pertensor, int8_oldquant, buffer_offset, qat, prune, prune_sparse, prune_sparse_int8, prune_2by4_sparse, cluster, cluster_dyn, aeq_dynamic_wi8_afp32, aeq_dynamic_wi4_afp32, aeq_dynamic_wi4b32_afp32, aeq_dynamic_wi2c_afp32, aeq_weight_only_wi4_afp32, aeq_weight_only_wi8_afp32, aeq_static_wi8_ai8, aeq_static_wi8_ai16 (28) | 7,491,712 | 7,491,712 / equal | 212,906 (210,160 / 2,746) | 212,906 / 221,114 | - | yes |
| mobilenet_v2 | float, fp16, dyn_int8, dyn_int8_old, int8_fio, int8_io, uint8_io, a16w8, a16w8_b32, int8_pertensor, int8_dense_pertensor, int8_oldquant, buffer_offset, qat, prune, cluster (16) | 10,666,928 | 10,666,928 / equal | 401,898 (394,848 / 7,050) | 401,898 / 423,018 | - | yes |
| efficientnet_b0 | float, fp16, dyn_int8, dyn_int8_old, int8_fio, int8_io, uint8_io, a16w8, a16w8_b32, int8_pertensor, int8_dense_pertensor, int8_oldquant, buffer_offset (13) | 71,153,632 | 71,153,632 / equal | 3,999,350 (3,968,992 / 30,358) | 3,999,350 / 4,062,381 | - | yes |
| resnet50 | float, fp16, dyn_int8, int8_fio, a16w8, int8_pertensor, buffer_offset (7) | 314,789,888 | 314,789,888 / equal | 23,501,962 (23,475,392 / 26,570) | 23,501,962 / 23,608,202 | - | yes |
| seq | float, fp16, dyn_int8, dyn_int8_old, int8_fio, int8_io, uint8_io, int8_pertensor, int8_dense_pertensor, int8_oldquant, buffer_offset, prune, cluster, aeq_dynamic_wi8_afp32, aeq_dynamic_wi4_afp32, aeq_dynamic_wi2c_afp32, aeq_weight_only_wi4_afp32, aeq_weight_only_wi8_afp32 (18) | 33,120 | 33,120 / equal | 3,900 (3,736 / 164) | 3,900 / 3,924 | - | yes |
| flex | select_tf, select_tf_dyn (2) | 5,328 | 5,328 / equal | 1,598 (1,548 / 50) | 1,598 / 1,562 | FlexMatrixInverse | yes |
| stateful | resvar, resvar_dyn (2) | 128 | 128 / equal | 136 (128 / 8) | 136 / 136 | - | yes |

Not built (the toolkits' and converter's limits, not dscost's): ``mix`` qat (tfmot has no default QuantizeConfig
for Conv1D / Conv2DTranspose), ``mix`` prune_2by4_sparse (tfmot's m-by-n pruning fails inside ``fit`` on the
Conv1D / 3-D Dense), ``mix`` and ``seq`` aeq_dynamic_wi4b32_afp32 (a dimension of 8 / 16 not divisible by the
block of 32; on MobileNet v1 the same recipe left every tensor float32 and succeeded), ``seq`` a16w8 /
a16w8_b32 ("Quantization to 16x8-bit not yet supported for op: 'UNIDIRECTIONAL_SEQUENCE_LSTM'").

DIAGNOSES (repros in /tmp/r45b/repro):

- dscost BUG, fixed 2026-12-06 (45a8877, tflite_reader._requantized: a bias counted at the same op is not a
  requantized copy), ``seq`` int8_fio / int8_io / uint8_io / int8_pertensor / int8_dense_pertensor /
  int8_oldquant (params 3,864 for the twin's 3,900; MACs right): a fully-integer UNIDIRECTIONAL_SEQUENCE_LSTM
  holds its 4 gate biases as 4 int32 tensors of shape [units] (inputs 12-15), all after the same 8 kernels;
  dscost's rule for the requantized bias copies of an unrolled recurrence (an int32 bias of the same shape after
  the same kernel, counted once) matched the op's own first gate bias, so the LSTM counted 12 biases for 48
  ("3 quantized bias(es) requantized copies of one after the same kernel").  The float and dynamic-range files
  (float32 biases) were right.  Hand count for the repro (tf_keras LSTM(12) on (1, 16, 16), full int8): MACs 16
  x (4 x 12 x 16 + 4 x 12 x 12) = 21,504, weights 1,344, biases 4 x 12 = 48, params 1,392 = count_params();
  dscost gave 1,356 (biases 12), now 1,392.  A Bidirectional LSTM(5) + LSTM(4) in full int8 (three LSTM ops,
  735 params) also counts 735 after the fix.  Repro /tmp/r45b/repro/lstm_int8_gate_biases.py.
- convention (docs/tflite.md), ``seq``: the file holds 3,900 params where the BN-folded Keras model has 3,892:
  tf_keras computes LayerNormalization through a FusedBatchNormV3 with unit scale and a constant zero offset,
  then its gamma and beta, which the converter folds into the next Dense's kernel and bias (the fused tensor
  "model/layer_normalization/mul;model/layer_normalization/add;model/dense/Tensordot;model/dense/BiasAdd": -32),
  and leaves the offset as a SUB from ``model/layer_normalization/zeros``, a [16] constant of zeros that dscost
  (and this oracle) count as 16 biases (+16: a constant operand of more than one element; arguably not a learned
  value -- a quirk of the rule, not of this round's modes); and the unrolled GRU's step 0 (h0 = 0) leaves its recurrent bias's z / r parts and r x b_h as
  ADD / MUL constants (+24, as crosscheck_tflite_layers.py states); the full-integer files requantize the GRU's
  bias for every step (29 copies, which dscost counts once and this oracle for each op: 4,596), so those files
  are judged by the twin's 3,900.
- convention, ``flex``: 1,598 params for Keras' 1,562: the Lambda's 3 x eye(6) is a [6, 6] constant operand of
  an ADD, counted (a MUL / ADD constant of more than one element is a param in dscost, and in this oracle).
- not a difference, ``stateful``: with resource variables the converter still freezes the variables the
  function only reads (W, b: constants of a FULLY_CONNECTED) and keeps the assigned state as a variable with a
  CALL_ONCE initializer; dscost counts W and b (136) and calls the state's 8 elements state, not params (its
  note), and lists nothing uncounted; a ``tf.Module`` with an assigned variable does not convert without
  ``experimental_enable_resource_variables`` (so no float twin: resvar is its own).
- converter / toolkit facts seen (no difference): ``_experimental_full_integer_quantization_bias_type=tf.int32``
  with 16x8 writes int32 biases (a16w8_b32) that TF 2.21's own interpreter refuses to prepare for a
  DEPTHWISE_CONV_2D (int64 wanted; CONV_2D and FULLY_CONNECTED accept int32) -- a file LiteRT cannot run, which
  dscost counts from its stored static shapes as the oracle does, without a note (it runs no interpreter when
  every shape is static); EXPERIMENTAL_SPARSITY stores pruned kernels sparse (mix's conv 432 bytes for 216 float32 values) behind
  DENSIFY ops in float files and feeds a sparse int8 FULLY_CONNECTED kernel directly in int8 files -- dscost
  counts each at its dense shape, as pruning keeps zeros as values; ``_experimental_use_buffer_offset`` moves every
  weight after the flatbuffer (Buffer.offset / size, data_length 0) -- dscost's totals are the twin's;
  ai-edge-quantizer writes INT4 (TensorType 17) and INT2 (19) weights, read at their element counts.
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

ROOT = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT = 1500
ORACLE_TIMEOUT = 900
DSCOST_TIMEOUT = 300

# model -> kinds built for it ("float" is every other kind's twin)
PTQ = ["float", "fp16", "dyn_int8", "dyn_int8_old", "int8_fio", "int8_io", "uint8_io", "a16w8", "a16w8_b32",
       "int8_pertensor", "int8_dense_pertensor", "int8_oldquant", "buffer_offset"]
# ai-edge-quantizer 0.10 recipes applied to the float file (int4 / int2 / blockwise weights, static 8x8 / 16x8)
AEQ = ["aeq_dynamic_wi8_afp32", "aeq_dynamic_wi4_afp32", "aeq_dynamic_wi4b32_afp32", "aeq_dynamic_wi2c_afp32",
       "aeq_weight_only_wi4_afp32", "aeq_weight_only_wi8_afp32", "aeq_static_wi8_ai8", "aeq_static_wi8_ai16"]
TOOLKIT = ["qat", "prune", "prune_sparse", "prune_sparse_int8", "prune_2by4_sparse", "cluster", "cluster_dyn"]
MODELS = {
    "mix": PTQ + TOOLKIT + AEQ,
    "mobilenet_v1": PTQ + TOOLKIT + AEQ,
    "mobilenet_v2": PTQ + ["qat", "prune", "cluster"],
    "efficientnet_b0": PTQ,
    "resnet50": ["float", "fp16", "dyn_int8", "int8_fio", "a16w8", "int8_pertensor", "buffer_offset"],
    "seq": PTQ + ["prune", "cluster"] + AEQ[:6],
    "flex": ["select_tf", "select_tf_dyn"],     # (MatrixInverse converts only with Flex ops: select_tf is the twin)
    "stateful": ["resvar", "resvar_dyn"],      # (an assigned variable converts only with resource variables)
}

EXPLAINED: dict[tuple[str, str], str] = {}

BUILD_CODE = r'''
import os, sys, json, time
os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
keras = tf.keras
model_name, out_dir, kinds = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
rng = np.random.default_rng(0)
tf.random.set_seed(0)
L = keras.layers


def randomize(m):
    for layer in m.layers:
        ws = layer.get_weights()
        if not ws:
            continue
        new = []
        for w, v in zip(layer.weights, ws):
            n = w.name.split("/")[-1]
            if "moving_variance" in n:
                v = np.abs(rng.normal(0, 0.3, v.shape)) + 0.5
            elif "moving_mean" in n or "bias" in n or "beta" in n:
                v = rng.normal(0, 0.1, v.shape)
            elif "gamma" in n:
                v = 1 + rng.normal(0, 0.1, v.shape)
            new.append(v.astype(np.float32) if v.dtype.kind == "f" else v)
        layer.set_weights(new)
    return m


def build(name):
    A = keras.applications
    if name == "mobilenet_v1":
        return A.MobileNet(input_shape=(96, 96, 3), alpha=0.25, weights=None, classes=10), (96, 96, 3)
    if name == "mobilenet_v2":
        return A.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10), (96, 96, 3)
    if name == "efficientnet_b0":
        return A.EfficientNetB0(input_shape=(96, 96, 3), weights=None, classes=10), (96, 96, 3)
    if name == "resnet50":
        return A.ResNet50(input_shape=(64, 64, 3), weights=None, classes=10), (64, 64, 3)
    if name == "mix":
        x = keras.Input((32, 32, 3), batch_size=1)
        h = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)          # 16x16x8
        h = L.DepthwiseConv2D(3, padding="same", activation="relu")(h)              # 16x16x8
        h = L.Conv2DTranspose(6, 3, strides=2, padding="same")(h)                    # 32x32x6
        h = L.Conv2D(4, 1, activation="relu")(h)                                     # 32x32x4
        h = L.Reshape((64, 64))(h)
        h = L.Conv1D(8, 3, strides=2, activation="relu")(h)                         # 31x8
        h = L.Dense(12, activation="relu")(h)                                        # 31x12 (3-D Dense)
        h = L.Flatten()(h)
        y = L.Dense(10)(h)
        return keras.Model(x, y), (32, 32, 3)
    if name == "seq":
        x = keras.Input((16,), batch_size=1, dtype="int32")
        e = L.Embedding(100, 16)(x)                                                  # 16x16
        h = L.LayerNormalization()(e)
        h = L.Dense(16)(h)
        h = L.Add()([h, e])
        h = L.BatchNormalization()(h)                                                # after an Add: cannot fold
        h = L.LSTM(12, return_sequences=True)(h)                                     # fused UNIDIRECTIONAL_SEQUENCE_LSTM
        h = L.GRU(8, unroll=True)(h)                                                 # unrolled: FULLY_CONNECTED per step
        y = L.Dense(4)(h)
        return keras.Model(x, y), (16,)
    if name == "flex":
        x = keras.Input((8, 8, 3), batch_size=1)
        h = L.Conv2D(4, 3)(x)                                                        # 6x6x4
        h = L.Permute((3, 1, 2))(h)                                                  # 4x6x6
        h = L.Lambda(lambda t: tf.linalg.inv(t + 3.0 * tf.eye(6)))(h)              # FlexMatrixInverse
        h = L.Flatten()(h)
        y = L.Dense(10)(h)
        return keras.Model(x, y), (8, 8, 3)
    raise SystemExit("unknown model " + name)


def rep_data(shape, dtype="float32"):
    def gen():
        r = np.random.default_rng(1)
        for _ in range(4):
            if dtype == "int32":
                yield [r.integers(0, 100, (1,) + shape).astype(np.int32)]
            else:
                yield [r.normal(0, 1, (1,) + shape).astype(np.float32)]
    return gen


def convert(m, kind, shape, dtype):
    c = tf.lite.TFLiteConverter.from_keras_model(m)
    O = tf.lite.Optimize
    full = ["int8_fio", "int8_io", "uint8_io", "int8_pertensor", "int8_dense_pertensor", "int8_oldquant",
            "prune_sparse_int8"]
    if kind in ("float", "prune", "cluster", "buffer_offset"):
        if kind == "buffer_offset":
            c._experimental_use_buffer_offset = True
    elif kind == "fp16":
        c.optimizations = [O.DEFAULT]
        c.target_spec.supported_types = [tf.float16]
    elif kind in ("dyn_int8", "cluster_dyn", "qat"):
        c.optimizations = [O.DEFAULT]
    elif kind == "dyn_int8_old":
        c.optimizations = [O.DEFAULT]
        c.experimental_new_dynamic_range_quantizer = False
    elif kind in full:
        c.optimizations = [O.DEFAULT, O.EXPERIMENTAL_SPARSITY] if kind == "prune_sparse_int8" else [O.DEFAULT]
        c.representative_dataset = rep_data(shape, dtype)
        if kind in ("int8_io", "uint8_io"):
            c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            c.inference_input_type = c.inference_output_type = tf.int8 if kind == "int8_io" else tf.uint8
        if kind == "int8_pertensor":
            c._experimental_disable_per_channel = True
        if kind == "int8_dense_pertensor":
            c._experimental_disable_per_channel_quantization_for_dense_layers = True
        if kind == "int8_oldquant":
            c.experimental_new_quantizer = False
    elif kind in ("a16w8", "a16w8_b32"):
        c.optimizations = [O.DEFAULT]
        c.representative_dataset = rep_data(shape, dtype)
        c.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        if kind == "a16w8_b32":
            c._experimental_full_integer_quantization_bias_type = tf.int32
    elif kind in ("prune_sparse", "prune_2by4_sparse"):
        c.optimizations = [O.EXPERIMENTAL_SPARSITY]
    elif kind in ("select_tf", "select_tf_dyn"):
        c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]
        if kind == "select_tf_dyn":
            c.optimizations = [O.DEFAULT]
    else:
        raise ValueError(kind)
    return c.convert()


def stateful_files(kinds):
    class M(tf.Module):
        def __init__(self):
            self.w = tf.Variable(rng.normal(0, 0.3, (16, 8)).astype(np.float32))
            self.b = tf.Variable(rng.normal(0, 0.1, (8,)).astype(np.float32))
            self.state = tf.Variable(tf.zeros((1, 8)))

        @tf.function(input_signature=[tf.TensorSpec((1, 16), tf.float32)])
        def __call__(self, x):
            y = tf.matmul(x, self.w) + self.b + self.state
            self.state.assign(y)
            return y
    m = M()
    info = {"count_params": 16 * 8 + 8, "keras_buffers": 8}
    for kind in kinds:
        t = time.time()
        try:
            if kind == "float":
                c = tf.lite.TFLiteConverter.from_concrete_functions([m.__call__.get_concrete_function()])
            else:
                c = tf.lite.TFLiteConverter.from_concrete_functions([m.__call__.get_concrete_function()], m)
                c.experimental_enable_resource_variables = True
                if kind == "resvar_dyn":
                    c.optimizations = [tf.lite.Optimize.DEFAULT]
            data = c.convert()
            open(os.path.join(out_dir, f"{model_name}.{kind}.tflite"), "wb").write(data)
            info[kind] = {"seconds": round(time.time() - t, 1), "bytes": len(data)}
        except Exception as e:
            info[kind] = {"error": (type(e).__name__ + ": " + str(e)).replace("\n", " ")[:500]}
    return info


def toolkit_model(m, kind, shape, dtype):
    import tensorflow_model_optimization as tfmot
    if kind == "qat":
        q = tfmot.quantization.keras.quantize_model(m)
        q.compile("sgd", "mse")
        x = np.random.default_rng(2).normal(0, 1, (4,) + shape).astype(np.float32)
        q.fit(x, np.zeros((4,) + tuple(q.output_shape[1:]), np.float32), batch_size=1, epochs=1, verbose=0)
        return q
    if kind.startswith("prune"):
        sched = tfmot.sparsity.keras.ConstantSparsity(0.5, begin_step=0, frequency=1)
        if kind == "prune_2by4_sparse":  # (structured 2:4: every 4 consecutive input-channel values keep 2)
            p = tfmot.sparsity.keras.prune_low_magnitude(m, sparsity_m_by_n=(2, 4))
        else:
            p = tfmot.sparsity.keras.prune_low_magnitude(m, pruning_schedule=sched)
        p.compile("sgd", "mse")
        if dtype == "int32":
            x = np.random.default_rng(2).integers(0, 100, (2,) + shape).astype(np.int32)
        else:
            x = np.random.default_rng(2).normal(0, 1, (2,) + shape).astype(np.float32)
        p.fit(x, np.zeros((2,) + tuple(p.output_shape[1:]), np.float32), batch_size=1, epochs=1, verbose=0,
              callbacks=[tfmot.sparsity.keras.UpdatePruningStep()])
        return tfmot.sparsity.keras.strip_pruning(p)
    if kind.startswith("cluster"):
        C = tfmot.clustering.keras
        c = C.cluster_weights(m, number_of_clusters=8,
                              cluster_centroids_init=C.CentroidInitialization.KMEANS_PLUS_PLUS)
        return C.strip_clustering(c)
    return m


info = {}
if model_name == "stateful":
    info = stateful_files(kinds)
else:
    m, shape = build(model_name)
    m = randomize(m)
    dtype = "int32" if model_name == "seq" else "float32"
    info["count_params"] = int(m.count_params())
    info["trainable_params"] = int(sum(np.prod(w.shape) for w in m.trainable_weights))
    info["keras_version"] = keras.__version__ if hasattr(keras, "__version__") else ""
    w0 = m.get_weights()
    for kind in kinds:
        t = time.time()
        try:
            m.set_weights(w0)
            mm = m
            if kind.split("_")[0] in ("qat", "prune", "cluster"):  # (the toolkits clone / mutate: a fresh copy)
                fresh, _ = build(model_name)
                fresh.set_weights(w0)
                mm = toolkit_model(fresh, kind, shape, dtype)
            extra = {}
            if kind.startswith("prune") or kind.startswith("cluster"):
                ws = [w for w in mm.get_weights() if w.ndim >= 2]
                extra["zero_fraction_kernels"] = round(float(sum((w == 0).sum() for w in ws) / sum(w.size for w in ws)), 3)
                extra["distinct_values_first_kernel"] = int(len(np.unique(ws[0])))
                extra["count_params_after"] = int(mm.count_params())
            if kind == "qat":
                extra["count_params_after"] = int(mm.count_params())
            data = convert(mm, "dyn_int8" if kind == "qat" else kind, shape, dtype)
            open(os.path.join(out_dir, f"{model_name}.{kind}.tflite"), "wb").write(data)
            info[kind] = dict(seconds=round(time.time() - t, 1), bytes=len(data), **extra)
        except Exception as e:
            info[kind] = {"error": (type(e).__name__ + ": " + str(e)).replace("\n", " ")[:500]}
        print("BUILT", kind, json.dumps(info[kind])[:300], file=sys.stderr, flush=True)
print("BUILDINFO " + json.dumps(info))
'''

AEQ_CODE = r'''
import os, sys, json, time
import numpy as np
from ai_edge_quantizer import quantizer, recipe
src, out_dir, model_name, kinds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
info = {}
for kind in kinds:
    t = time.time()
    try:
        name = kind[4:]
        qt = quantizer.Quantizer(src, getattr(recipe, name)())
        if name.startswith("static"):
            from ai_edge_litert import interpreter as I
            it = I.Interpreter(model_path=src)
            key = list(it.get_signature_list())[0]
            inp = it.get_signature_runner(key).get_input_details()
            rng = np.random.default_rng(0)
            data = {key: [{k: rng.normal(0, 1, v["shape"]).astype(np.float32) for k, v in inp.items()}
                          for _ in range(4)]}
            res = qt.quantize(qt.calibrate(data))
        else:
            res = qt.quantize()
        open(os.path.join(out_dir, f"{model_name}.{kind}.tflite"), "wb").write(res.quantized_model)
        info[kind] = dict(seconds=round(time.time() - t, 1), bytes=len(res.quantized_model))
    except Exception as e:
        info[kind] = {"error": (type(e).__name__ + ": " + str(e)).replace("\n", " ")[:500]}
print("BUILDINFO " + json.dumps(info))
'''

ORACLE_CODE = r'''
import os, sys, json
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf

res = {}
for path in sys.argv[1:]:
    r = {}
    try:
        it = tf.lite.Interpreter(model_path=path, experimental_preserve_all_tensors=True,
                                 experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        ran = True
        try:
            it.allocate_tensors()
        except Exception as e:  # (a file the reference kernels reject: static shapes only)
            ran = False
            r["run_error"] = (type(e).__name__ + ": " + str(e)).replace("\n", " ")[:300]
        rng = np.random.default_rng(3)
        for d in it.get_input_details():
            dt = d["dtype"]
            if np.issubdtype(dt, np.integer):
                lo, hi = (0, 100) if dt in (np.int32, np.int64) else (np.iinfo(dt).min, np.iinfo(dt).max)
                v = rng.integers(lo, hi, d["shape"]).astype(dt)
            else:
                v = rng.normal(0, 1, d["shape"]).astype(dt)
            if ran:
                it.set_tensor(d["index"], v)
        if ran:
            it.invoke()
        ops = it._get_ops_details()
        tdet = {d["index"]: d for d in it.get_tensor_details()}
        inputs = {d["index"] for d in it.get_input_details()}
        producer = {}
        for op in ops:
            for o in op["outputs"]:
                producer[int(o)] = op

        def shape(i):
            if i not in producer and i not in inputs or not ran:  # a constant: its stored (dense) shape
                return tuple(int(s) for s in tdet[i]["shape"])
            try:
                return tuple(int(s) for s in it.get_tensor(i).shape)
            except Exception:
                return tuple(int(s) for s in tdet[i]["shape"])


        def source(i):
            """the constant a weight operand comes from (through DEQUANTIZE / DENSIFY), else None"""
            i = int(i)
            for _ in range(4):
                if i < 0:
                    return None
                if i not in producer:
                    return None if i in inputs else i
                p = producer[i]
                if p["op_name"] in ("DEQUANTIZE", "DENSIFY"):
                    i = int(p["inputs"][0])
                    continue
                return None
            return None

        P = lambda s: int(np.prod(s)) if len(s) else 1
        macs, by_op, learned, uncosted = 0, {}, {}, []
        for op in ops:
            n, ins, outs = op["op_name"], [int(i) for i in op["inputs"]], [int(o) for o in op["outputs"]]
            out = shape(outs[0]) if outs else ()
            m = 0
            wi = []
            if n == "CONV_2D":
                w = shape(ins[1]); m = P(out) * w[1] * w[2] * w[3]; wi = ins[1:3]
            elif n == "DEPTHWISE_CONV_2D":
                w = shape(ins[1]); m = P(out) * w[1] * w[2]; wi = ins[1:3]
            elif n == "CONV_3D":
                w = shape(ins[1]); m = P(out) * w[0] * w[1] * w[2] * w[3]; wi = ins[1:3]
            elif n == "TRANSPOSE_CONV":
                w = shape(ins[1]); m = P(shape(ins[2])) * w[0] * w[1] * w[2]; wi = [ins[1]] + ins[3:4]
            elif n == "FULLY_CONNECTED":
                w = shape(ins[1]); m = P(out) * w[1]; wi = ins[1:3]
            elif n == "BATCH_MATMUL":
                a = shape(ins[0]); m = P(out) * a[-1]; wi = [ins[1]]
            elif n == "UNIDIRECTIONAL_SEQUENCE_LSTM":
                x = shape(ins[0]); steps = P(x[:-1])
                m = steps * sum(P(shape(ins[k])) for k in range(1, 9) if ins[k] >= 0)
                wi = [ins[k] for k in list(range(1, 18)) + list(range(20, min(24, len(ins))))]
            elif n in ("GATHER", "EMBEDDING_LOOKUP"):
                wi = [ins[0] if n == "GATHER" else ins[1]]
            elif n in ("MUL", "ADD", "SUB", "PRELU"):
                wi = [i for i in ins if i >= 0 and P(shape(i)) > 1]
            elif n.startswith("Flex") or n == "CUSTOM" or n in ("WHILE", "IF"):  # (CALL_ONCE: initialization, not per inference)
                uncosted.append(n)
            macs += m
            by_op[n] = by_op.get(n, 0) + m
            for i in wi:
                s = source(i) if i >= 0 else None
                if s is not None and s not in learned:
                    learned[s] = P(shape(s))
        r.update(macs=macs, by_op={k: v for k, v in by_op.items() if v}, learned_elements=sum(learned.values()),
                 n_ops=len(ops), op_types=sorted({o["op_name"] for o in ops}), not_costed=uncosted,
                 io=[str(np.dtype(d["dtype"])) for d in it.get_input_details()], measured=ran)
    except Exception as e:
        r["error"] = (type(e).__name__ + ": " + str(e)).replace("\n", " ")[:400]
    res[os.path.basename(path)] = r
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
    for line in p.stdout.splitlines():
        if line.startswith(tag + " "):
            return json.loads(line[len(tag) + 1:]), "", time.time() - t, p.returncode
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
    by_op: dict[str, int] = {}
    for ly in d.get("layers", []):
        if ly.get("macs"):
            k = ly.get("op") or ly.get("type") or "?"
            by_op[k] = by_op.get(k, 0) + ly["macs"]
    row.update(macs=tot["macs"], params=tot["params"], weights=tot["weights"], biases=tot["biases"],
               norm=tot.get("norm_params"), buffers=tot.get("buffers"), other_ops=tot.get("other_ops"),
               by_op=by_op,
               uncounted=[(u.get("op"), u.get("reason", "")[:160]) for u in d.get("uncounted", [])],
               notes=[n[:300] for n in d.get("notes", [])])
    return row


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--out", default="/tmp/r45b/files")
    ap.add_argument("--only", default="", help="models, comma-separated")
    ap.add_argument("--kinds", default="", help="kinds, comma-separated (default: all of each model's)")
    ap.add_argument("--reuse", action="store_true")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    only = set(filter(None, a.only.split(",")))
    want = set(filter(None, a.kinds.split(",")))
    rows = []
    for model, kinds in MODELS.items():
        if only and model not in only:
            continue
        kinds = [k for k in kinds if not want or k in want or k == MODELS[model][0]]
        bj = out / f"{model}.build.json"
        binfo = json.loads(bj.read_text()) if bj.exists() else {}
        todo = [k for k in kinds if not (a.reuse and k in binfo and (out / f"{model}.{k}.tflite").exists())]
        builds = ((BUILD_CODE, [k for k in todo if not k.startswith("aeq_")], [model, str(out)]),
                  (AEQ_CODE, [k for k in todo if k.startswith("aeq_")], [str(out / f"{model}.float.tflite"), str(out), model]))
        for code, part, args in builds:
            if not part:
                continue
            info, err, secs, rc = child(code, args + [",".join(part)], BUILD_TIMEOUT, "BUILDINFO")
            if info is None:
                print(f"{model:16s} BUILD FAILED ({secs:.0f} s): {err[:300]}", flush=True)
                info = {k: {"error": err[:300]} for k in part}
            binfo.update(info)
            bj.write_text(json.dumps(binfo, indent=1))
        files = [out / f"{model}.{k}.tflite" for k in kinds if "error" not in binfo.get(k, {"error": 1})]
        orc, err, _, _ = child(ORACLE_CODE, [str(f) for f in files], ORACLE_TIMEOUT, "ORACLE") if files else ({}, "", 0, 0)
        orc = orc or {}
        for k in kinds:
            row = dict(model=model, kind=k, count_params=binfo.get("count_params"), build=binfo.get(k, {}))
            f = out / f"{model}.{k}.tflite"
            if "error" in row["build"] or not f.exists():
                rows.append(row)
                print(f"{model:16s} {k:20s} BUILD FAILED: {row['build'].get('error', '')[:200]}", flush=True)
                continue
            row["oracle"] = orc.get(f.name) or dict(error=err or "no oracle output")
            row["dscost"] = run_dscost(f)
            rows.append(row)
            d, o = row["dscost"], row["oracle"]
            print(f"{model:16s} {k:20s} dscost {d.get('macs')!s:>12} params {d.get('params')!s:>10} "
                  f"(w {d.get('weights')} b {d.get('biases')} n {d.get('norm')} buf {d.get('buffers')}) "
                  f"oracle {o.get('macs')!s:>12} learned {o.get('learned_elements')} {o.get('error', '')[:80]} "
                  f"unc {[u[0] for u in d.get('uncounted', [])]} exit {d.get('exit')} {d.get('seconds')}s", flush=True)
    by = {(r["model"], r["kind"]): r for r in rows}
    bad = 0
    for r in rows:
        if "dscost" not in r:
            continue
        twin = by.get((r["model"], MODELS[r["model"]][0]))
        tw_o = (twin or {}).get("oracle", {})
        ref = tw_o.get("macs", r["oracle"].get("macs"))
        r["expected_macs"] = ref
        flex = [u for u in r["dscost"].get("uncounted", []) if str(u[0]).startswith("Flex")]
        ok = (r["dscost"].get("macs") == ref == r["oracle"].get("macs", ref) and r["dscost"].get("exit") == 0
              and len(flex) == len(r["dscost"].get("uncounted", [])) == len(r["oracle"].get("not_costed", [])))
        tw_p = (twin or {}).get("dscost", {}).get("params")
        ok = ok and r["dscost"].get("params") in (tw_o.get("learned_elements"), tw_p)
        r["ok"] = ok
        if not ok and (r["model"], r["kind"]) in EXPLAINED:
            r["explained"] = EXPLAINED[(r["model"], r["kind"])]
        elif not ok:
            bad += 1
    Path(a.json).write_text(json.dumps(rows, indent=1))
    print(f"{len(rows)} rows, {sum('dscost' in r for r in rows)} files, {bad} differ unexplained, "
          f"{sum('explained' in r for r in rows)} explained (see the docstring's diagnoses)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
