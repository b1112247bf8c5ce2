"""Thirty-sixth, blind round: Keras 3's own exporters, ONNX and LiteRT (TFLite), counted by both readers.

What it stresses: files no round held -- the ones Keras 3 writes itself.  ``model.export(path,
format="onnx")`` (TensorFlow backend: Keras' patched tf2onnx on a tf.function of the model; torch
backend, with ``--torch``: torch.onnx.export, the dynamo exporter first and TorchScript when it
fails) and ``model.export(path, format="litert")`` (TFLiteConverter.from_saved_model of Keras'
ExportArchive), as float32 and as dynamic-range int8 (``optimizations=[tf.lite.Optimize.DEFAULT]``,
passed through to the converter).  Models: keras.applications (MobileNet, MobileNetV2,
MobileNetV3Small, EfficientNetB0, ResNet50, DenseNet121, NASNetMobile, ConvNeXtTiny, Xception;
weights=None, small inputs) and keras-hub 0.32 backbones built from small configs (no preset, no
download: ViT, BERT, DistilBERT, Gemma, Llama, CSPNet, MiT (SegFormer's encoder), DeepLabV3 on a
small ResNet), each wrapped in a Functional model at batch 1.  Every weight is random (N(0, 0.1),
BatchNorm gamma 1 + N, variance |N| + 0.5), so no exporter drops a zero bias or a zero BN shift.

References: Keras' own ``count_params()`` (trainable and not); hand MAC formulas from each layer's
config (expected_apps: every Conv2D / DepthwiseConv2D / SeparableConv2D / Dense of the model,
output positions x kernel x input channels per group x filters; vit_counts, bert_counts,
decoder_counts for the transformers); and the differential: dscost on the ONNX file against dscost
on the TFLite files of the same model (MACs must be equal; params differ by the exporters'
folding, which is named).  Nothing may be silently zero: every uncounted op is listed.

Install (a venv of its own; TensorFlow, tf2onnx, keras-hub are not dscost dependencies;
tf2onnx pins protobuf 3, hence --no-deps, as keras-hub pins tensorflow-text):

    python3.11 -m venv /tmp/r36/venv && /tmp/r36/venv/bin/pip install uv
    /tmp/r36/venv/bin/python -m uv pip install --python /tmp/r36/venv/bin/python tensorflow-cpu==2.21.0 keras==3.15.1 \
        onnx==1.23.2 onnxruntime==1.32.0 tflite==2.18.0 ai-edge-litert==2.3.0 "typer<0.29" rich pydantic pyyaml
    /tmp/r36/venv/bin/python -m uv pip install --python /tmp/r36/venv/bin/python keras-hub==0.32.0 regex tf2onnx --no-deps
    # the torch backend (--torch): a second venv, no TensorFlow in it
    python3.11 -m venv /tmp/r36/venvt && /tmp/r36/venvt/bin/pip install uv
    /tmp/r36/venvt/bin/python -m uv pip install --python /tmp/r36/venvt/bin/python torch==2.14.1 keras==3.15.1 \
        keras-hub==0.32.0 onnx==1.23.2 onnxscript numpy h5py ml_dtypes namex optree rich absl-py packaging regex

Run (from the checkout; dscost runs as ``python -m dscost analyze FILE -f json -q`` with PYTHONPATH=.):

    PYTHONPATH=. /tmp/r36/venv/bin/python benchmarks/crosscheck_keras3.py --out /tmp/r36/out --json /tmp/r36/rows.json \\
        [--torch /tmp/r36/venvt/bin/python [--torch-only]] [--only MobileNetV2,ViT ...] [--table | --recount]

Each model's build and export runs in a child process with a time limit (--timeout, 900 s), one at
a time; dscost on each file in a process of its own (300 s).  Exit 1 when a file's MACs differ from the hand count (without one: from the
model's first file), when dscost fails, when an op is uncounted or a computing op has zero cost.

As run 2026-12-06, Linux x86_64, 2-core VM, Python 3.11.7: tensorflow-cpu 2.21.0, Keras 3.15.1,
keras-hub 0.32.0, tf2onnx 1.17.0 (what Keras' TF-backend ONNX export calls), onnx 1.23.2, onnxruntime
1.32.0, tflite 2.18.0, ai-edge-litert 2.3.0; torch 2.14.1 and onnxscript 0.7.2 in the torch venv.
17 models, 51 TensorFlow-backend files (17 ONNX, 17 float32 and 17 dynamic-range int8 TFLite), 5 of
10 torch-backend ONNX files (``--torch --only`` of 10 models); TF run 1,199 s (CSPNet and DeepLabV3 rerun
with --only after a config fix, 56 s), torch run 295 s, --recount of the 56 files ~180 s.  dscost
exited 0 on every file, no traceback, no hang.

RESULTS (MACs / weights / biases; norm params 0 everywhere: every exporter folds or decomposes the
norms; "int8" = the dynamic-range file, always the float32 file's numbers):

| model | Keras params | hand MACs | ONNX (tf2onnx) | TFLite fp32 = int8 | ONNX (torch backend) |
|---|---:|---:|---|---|---|
| MobileNet 96 | 4,253,864 | 105,298,432 | equal; 4,214,048 / 11,944 | equal; 4,209,088 / 11,944 | not run |
| MobileNetV2 96 | 3,538,984 | 56,289,152 | equal; 3,476,896 / 18,056 | equal; 3,469,760 / 18,056 | equal; 3,486,816 / 35,112 |
| MobileNetV3Small 96 | 2,554,968 | 12,071,360 | equal; 2,528,288 / 10,968 | equal; 2,525,832 / 10,968 | not run |
| EfficientNetB0 96 | 5,330,571 | 72,420,832 | equal; 5,245,155 / 31,351 | equal; 5,236,192 / 31,348 | equal; 5,257,200 / 52,356 |
| ResNet50 64 | 25,636,712 | 316,817,408 | equal; 25,529,472 / 54,120 | equal; 25,502,912 / 27,560 | equal; 25,529,472 / 80,680 |
| DenseNet121 64 | 8,062,504 | 232,300,544 | equal; 7,928,544 / 42,824 | equal; 7,928,544 / 45,576 | not run |
| NASNetMobile 96 | 5,326,716 | 104,321,824 | equal; 5,252,570 / 19,369 | equal; 5,252,570 / 35,052 | not run |
| ConvNeXtTiny 64 | 28,589,128 | 364,422,144 | **invalid file**: 1,179,648, 527 nodes uncounted | equal; 28,538,787 / 50,347 | exporter fails |
| Xception 96 | 22,910,480 | 827,908,576 | equal; 22,800,424 / 28,264 | equal; 22,800,424 / 51,312 | not run |
| ViT (32x32, patch 8, 2 x 32) | 23,904 | 413,824 | **invalid file**: 221,248, 67 nodes uncounted | equal; 22,688 / 1,184 (**-32**) | exporter fails |
| BERT (2 x 32, 16 tokens) | 21,984 | 295,936 | equal; 21,344 / 640 | equal; 20,832 / 640 (**-512**) | exporter fails |
| DistilBERT (2 x 32) | 20,864 | 294,912 | **invalid file**: 114,688, 72 nodes uncounted | equal; 19,744 / 608 (**-512**) | not run |
| Gemma (2 x 32, GQA 2/1) | 15,648 | 229,376 | equal; 16,160 / 0 | equal; 17,632 / 0 | equal; 15,648 / 0 |
| Llama (2 x 32, GQA 4/2) | 24,992 | 327,680 | equal; 22,048 / 0 | equal; 22,752 / 0 | equal; 21,792 / 0 |
| CSPNet (csp, 64x64) | 51,632 | 5,423,104 | equal; 49,072 / 640 | equal; 49,072 / 640 | not run |
| MiT (SegFormer, 2 stages) | 33,440 | -- | 2,797,568; 32,480 / 960 | equal to the ONNX file's | exporter fails |
| DeepLabV3 (ResNet 64-128, rates 2, 4) | 1,306,592 | 117,276,672 | equal; 1,298,624 / 2,120 | **85,426,176** (-31,850,496); 1,298,624 / 2,632 | exporter fails |

MACs: equal to the hand count and between the readers on every valid file but DeepLabV3's TFLite
files (the dscost bug below); nothing uncounted in any TFLite file or valid ONNX file; no computing op
given zero cost (``zero_cost``: every op with neither MACs nor other ops, data movement aside).

DIAGNOSES (every difference):
- dscost BUG (TFLite reader, MACs): DeepLabV3's TFLite files -31,850,496.  Keras' LiteRT export
  keeps a dynamic batch (shape_signature -1, stored 1; dscost notes "dynamic batch ... set to 1"),
  and a dilated Conv2D becomes SPACE_TO_BATCH_ND -> CONV_2D -> BATCH_TO_SPACE_ND whose stored shapes
  have batch 1, where at batch 1 the conv runs on batch rate^2 (block 2: 4; block 4: 16).  dscost
  counts the stored batch: the rate-2 ASPP conv 4,718,592 for 18,874,368, the rate-4 one 1,179,648
  for 18,874,368 (3 x 4,718,592 + 15 x 1,179,648 = the difference).  Expected: the output batch of
  SPACE_TO_BATCH_ND is the input's x prod(block_shape) (the ONNX file: dilated Conv, 117,276,672).
  Repro /tmp/r36/repro/dilated_dynbatch.py (Conv2D(8, 3, dilation_rate=2) on Input((8, 8, 4))):
  .tflite 4,608 MACs, .onnx 18,432.  (crosscheck_tflite_layers.py's dilated convs had a static batch.)
  Fixed the same day (e604da6): tensors from a SPACE_TO_BATCH_ND to its BATCH_TO_SPACE_ND on a
  dynamic batch are placeholders the interpreter's run sizes; both DeepLabV3 files count 117,276,672.
- dscost GAP (TFLite reader, params): a learned constant that reaches compute only through data
  movement is not counted in TFLite files, where the ONNX reader counts it ("a class token in an
  Expand/Concat", docs/onnx.md): keras-hub's PositionEmbedding, a [16, 32] table -> BROADCAST_TO (to a
  SHAPE of the dynamic batch) -> ADD: BERT and DistilBERT -512; ViT's class token [1, 1, 32] ->
  BROADCAST_TO -> CONCATENATION: -32.  Repro /tmp/r36/repro/tflite_const_params.py: .onnx 800 params,
  .tflite 256.  (BERT via from_concrete_functions in crosscheck_tflite_layers.py had the table folded
  into an ADD constant, counted.)  Fixed the same day: a BROADCAST_TO or TILE of a learned constant
  to a computed shape counts the constant, once; BERT 21,984, DistilBERT 20,864 and ViT 23,904
  params in both TFLite files, Keras' count_params().
- not dscost's: Keras' TF-backend ONNX export writes invalid files, silently (tf2onnx only logs
  "Tensorflow op ... is not supported"; onnx.checker and onnxruntime refuse them): an exact GELU
  (keras.activations.gelu, approximate=False: ViT, DistilBERT, ConvNeXt) becomes a TF ``Erfc`` node
  in the default domain (repro /tmp/r36/repro/gelu_erfc.py), and a grouped Conv2D (ConvNeXt's 7x7
  depthwise, ``groups=C``, which Keras runs as a jit-compiled tf.function) a ``StatefulPartitionedCall``
  (repro /tmp/r36/repro/grouped_conv.py).  dscost counts up to the first one and lists it and every
  node whose shapes it loses as uncounted, with the reason ("no cost handler for op type 'Erfc'";
  "shapes lost at ..."): not silent, the totals say they are partial.  BERT's GELU is the tanh form: valid.
- not dscost's: the torch backend's ONNX export (dynamo first, its failure swallowed; then
  TorchScript) fails on every model with a LayerNormalization (ViT, BERT, ConvNeXt, MiT:
  SymbolicValueError on a Gather of ``x.shape`` in keras/src/ops/nn.py _layer_normalization) and on
  DeepLabV3 ("only one element tensors can be converted to Python scalars").
- converters (params; MACs equal): tf2onnx folds a BatchNorm into a plain conv's kernel and bias but
  not into a depthwise conv nor into a conv that has its own bias: it stays a Mul (weights) and Add
  (biases): ONNX +4,960 weights (MobileNet), +7,136 (V2), +2,456 (V3Small), +8,960 (EfficientNetB0:
  the sums of their depthwise channels), ResNet50 +26,560 weights and +26,560 biases (its 53 biased
  convs' BN channels).  The TFLite converter folds all of them.  EfficientNetB0's Normalization
  (3-channel Mul and Add, +3 / +3 in ONNX) is folded by the TFLite converter into the stem conv
  through its ZeroPadding (the pad made SAME padding).  ConvNeXtTiny's TFLite 28,589,134 = Keras'
  28,589,128 + its fixed ImageNet normalization (3 + 3 constants, not Keras variables).
- convention (docs/tflite.md, a bias for every conv): TFLite +2,752 (DenseNet121, as
  crosscheck_onnx2tf.py), +15,683 (NASNetMobile), +23,048 (Xception: separable convs' depthwise
  halves), +512 (DeepLabV3) biases, each the file's all-zero bias elements (counted in the file).
  DenseNet121 34,336 and NASNetMobile 330 weights in both readers: BatchNorms after a
  concatenation, a per-channel multiply (their shift an Add, counted as biases).
- convention (a folded constant of more than one element counts): Gemma +512 (ONNX) / +1,984
  (TFLite), Llama +256 / +960: the RoPE cos and sin tables of 16 positions (16 x head_dim x 2: Gemma
  head_dim 16, Llama 8), which both converters compute at export (ONNX one shared copy, TFLite a copy
  per use); the torch backend's file computes them at run time: Gemma equal to Keras.  Llama's
  ``reverse_embeddings`` (3,200, the untied LM head) is in no file: the backbone never reads it
  (24,992 - 3,200 = 21,792, the torch file's).
- Keras' torch-backend BatchNormalization is element-wise ops, not a torch BatchNorm: its files count
  the BN scale as weights and the mean and beta as two biases (MobileNetV2 +17,056 / +2 x 17,056 + 1,000).
- Keras params vs files generally: BN moving statistics and gammas fold; a zero-initialised Dense bias
  would be dropped (here every weight is random, so none is).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from math import prod
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent.parent

# name -> (builder, input size for applications or None)
APPS = {
    "MobileNet": 96, "MobileNetV2": 96, "MobileNetV3Small": 96, "EfficientNetB0": 96, "ResNet50": 64,
    "DenseNet121": 64, "NASNetMobile": 96, "ConvNeXtTiny": 64, "Xception": 96,
}  # fmt: skip
HUB = ["ViT", "BERT", "DistilBERT", "Gemma", "Llama", "CSPNet", "MiT", "DeepLabV3"]
T = 16  # tokens for the text backbones


# --------------------------------------------------------------------------
# Models (batch 1; every weight random)


def build(name: str, keras):
    """-> (Functional model at batch 1, the inner model whose layers the formulas read)."""
    if name in APPS:
        s = APPS[name]
        kw = {"include_preprocessing": False} if name == "MobileNetV3Small" else {}
        inner = getattr(keras.applications, name)(weights=None, input_shape=(s, s, 3), **kw)
        x = keras.Input((s, s, 3), batch_size=1, name="image")
        return keras.Model(x, inner(x)), inner
    import keras_hub as kh

    M = kh.models
    if name == "ViT":
        bb = M.ViTBackbone(image_shape=(32, 32, 3), patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64)
    elif name == "BERT":
        bb = M.BertBackbone(vocabulary_size=100, num_layers=2, num_heads=2, hidden_dim=32, intermediate_dim=64,
                            max_sequence_length=T, num_segments=2, dropout=0.0)  # fmt: skip
    elif name == "DistilBERT":
        bb = M.DistilBertBackbone(vocabulary_size=100, num_layers=2, num_heads=2, hidden_dim=32, intermediate_dim=64,
                                  max_sequence_length=T, dropout=0.0)  # fmt: skip
    elif name == "Gemma":
        bb = M.GemmaBackbone(vocabulary_size=100, num_layers=2, num_query_heads=2, num_key_value_heads=1, hidden_dim=32,
                             intermediate_dim=64, head_dim=16)  # fmt: skip
    elif name == "Llama":
        bb = M.LlamaBackbone(vocabulary_size=100, num_layers=2, num_query_heads=4, hidden_dim=32, intermediate_dim=64,
                             num_key_value_heads=2)  # fmt: skip
    elif name == "CSPNet":
        bb = M.CSPNetBackbone(stem_filters=16, stem_kernel_size=3, stem_strides=2, stackwise_depth=[1, 1],
                              stackwise_strides=[2, 2], stackwise_num_filters=[32, 64], stage_type="csp",
                              block_type="bottleneck_block", bottle_ratio=[0.5, 0.5], block_ratio=[1.0, 1.0],
                              expand_ratio=[2.0, 2.0], image_shape=(64, 64, 3))  # fmt: skip
    elif name == "MiT":
        bb = M.MiTBackbone(layerwise_depths=[1, 1], num_layers=2, layerwise_num_heads=[1, 2], layerwise_sr_ratios=[4, 2],
                           max_drop_path_rate=0.0, layerwise_patch_sizes=[7, 3], layerwise_strides=[4, 2],
                           image_shape=(64, 64, 3), hidden_dims=[16, 32])  # fmt: skip
    elif name == "DeepLabV3":
        enc = M.ResNetBackbone(input_conv_filters=[64], input_conv_kernel_sizes=[7], stackwise_num_filters=[64, 128],
                               stackwise_num_blocks=[1, 1], stackwise_num_strides=[1, 2], block_type="basic_block",
                               use_pre_activation=False, image_shape=(64, 64, 3))  # fmt: skip
        bb = M.DeepLabV3Backbone(image_encoder=enc, spatial_pyramid_pooling_key="P3", low_level_feature_key="P2",
                                 upsampling_size=2, dilation_rates=[2, 4], projection_filters=8, image_shape=(64, 64, 3))  # fmt: skip
    else:
        raise KeyError(name)
    if name in ("BERT", "DistilBERT", "Gemma", "Llama"):
        keys = ["token_ids", "padding_mask"] + (["segment_ids"] if name == "BERT" else [])
        ins = {k: keras.Input((T,), batch_size=1, dtype="int32", name=k) for k in keys}
        out = bb(ins)
        outs = [out["sequence_output"], out["pooled_output"]] if isinstance(out, dict) else out
        return keras.Model(ins, outs), bb
    shape = tuple(int(d) for d in bb.inputs[0].shape[1:])
    x = keras.Input(shape, batch_size=1, name="image")
    y = bb(x)
    if isinstance(y, dict):
        y = list(y.values())
    return keras.Model(x, y), bb


def randomize(model) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    vals = []
    for v in model.weights:
        a = (rng.standard_normal(tuple(v.shape)) * 0.1).astype("float32")
        n = v.path.rsplit("/", 1)[-1]
        if n in ("moving_variance", "variance"):
            a = np.abs(a) + 0.5
        elif n == "gamma":
            a = a + 1
        elif n == "count":  # Normalization's sample count (an int)
            a = np.asarray(v)
        vals.append(a.astype(str(v.dtype).replace("torch.", "")))
    for v, a in zip(model.weights, vals):
        v.assign(a)


def inputs_of(model):
    import numpy as np

    rng = np.random.default_rng(1)
    ins = model.input if isinstance(model.input, dict) else {t.name: t for t in model.inputs}
    out = {}
    for k, t in ins.items():
        shape = tuple(int(d) for d in t.shape)
        if "int" in str(t.dtype):
            out[k] = np.ones(shape, "int32") if k == "padding_mask" else rng.integers(0, 2, shape).astype("int32")
        else:
            out[k] = rng.standard_normal(shape).astype("float32")
    return out if isinstance(model.input, dict) else list(out.values())


# --------------------------------------------------------------------------
# Expected MACs from the layers' configs (never from dscost)


def expected_apps(inner) -> dict:
    """Sum over every Conv2D / DepthwiseConv2D / SeparableConv2D / Dense (nested models flattened):
    output positions x kernel area x input channels per group x filters (depthwise: x depth
    multiplier per input channel; separable: depthwise + 1x1 pointwise); Dense: positions x in x units."""
    by = Counter()
    for layer in inner._flatten_layers(include_self=False):
        cls = type(layer).__name__
        if cls not in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense"):
            continue
        out = tuple(layer.output.shape[1:])
        cin = int(layer.input.shape[-1])
        if cls == "Dense":
            by[cls] += prod(out[:-1]) * cin * layer.units
            continue
        k = prod(layer.kernel_size)
        pos = prod(out[:-1])
        if cls == "Conv2D":
            by[cls] += pos * k * cin // layer.groups * layer.filters
        elif cls == "DepthwiseConv2D":
            by[cls] += pos * k * cin * layer.depth_multiplier
        else:
            by[cls] += pos * k * cin * layer.depth_multiplier + pos * cin * layer.depth_multiplier * layer.filters
    return {"macs": sum(by.values()), "by": dict(by)}


def vit_counts(bb) -> dict:
    """ViT: patch conv P x (p p 3) x H; N = P + 1 tokens (class token); per layer Q, K, V, O 4 N H H,
    scores and weighted sum 2 N N H, MLP 2 N H M."""
    ph, pw = bb.patch_size if isinstance(bb.patch_size, (tuple, list)) else (bb.patch_size,) * 2
    H, M, n = bb.hidden_dim, bb.mlp_dim, bb.num_layers
    P = (bb.image_shape[0] // ph) * (bb.image_shape[1] // pw)
    N = P + 1
    return {"macs": P * ph * pw * 3 * H + n * (4 * N * H * H + 2 * N * N * H + 2 * N * H * M)}


def bert_counts(bb, pooler: bool) -> dict:
    """BERT / DistilBERT: per layer 4 T H H + 2 T T H + 2 T H I; BERT's pooler Dense(H) on the first token, H H."""
    H, I, n = bb.hidden_dim, bb.intermediate_dim, bb.num_layers
    return {"macs": n * (4 * T * H * H + 2 * T * T * H + 2 * T * H * I) + (H * H if pooler else 0)}


def decoder_counts(bb) -> dict:
    """Gemma / Llama: per layer Q (q d), K and V (kv d each), O from q d, T H of each; scores and weighted
    sum 2 T T q d (grouped heads: each query head reads its group's K/V; causal mask still computed);
    gated MLP 3 T H I (Gemma's intermediate_dim is halved into gate and up: I / 2 each)."""
    H, n, q, kv = bb.hidden_dim, bb.num_layers, bb.num_query_heads, bb.num_key_value_heads
    d = getattr(bb, "head_dim", None) or H // q
    inter = bb.intermediate_dim // 2 if type(bb).__name__ == "GemmaBackbone" else bb.intermediate_dim
    return {"macs": n * (T * H * (2 * q * d + 2 * kv * d) + 2 * T * T * q * d + 3 * T * H * inter)}


def expected(name: str, bb) -> dict | None:
    if name in APPS:
        return expected_apps(bb)
    if name == "ViT":
        return vit_counts(bb)
    if name in ("BERT", "DistilBERT"):
        return bert_counts(bb, name == "BERT")
    if name in ("Gemma", "Llama"):
        return decoder_counts(bb)
    if name == "MiT":
        return None  # its convs and Dense layers sit inside subclassed layers (no symbolic outputs): the differential only
    return expected_apps(bb)  # CSPNet, DeepLabV3: their Conv2D / Dense layers


# --------------------------------------------------------------------------
# Child: build, export


def child(name: str, out: Path, backend: str) -> dict:
    import keras

    res: dict = {"name": name, "backend": backend, "files": {}, "errors": {}, "times": {}}
    t0 = time.time()
    model, inner = build(name, keras)
    randomize(model)
    x = inputs_of(model)
    model(x)
    res["keras_params"] = int(model.count_params())
    res["keras_trainable"] = int(sum(prod(v.shape) for v in model.trainable_weights))
    kinds = Counter()  # Keras' variables by their last path element (kernel, bias, gamma, moving_mean, embeddings, ...)
    for v in model.weights:
        kinds[v.path.rsplit("/", 1)[-1]] += int(prod(v.shape))
    res["keras_by_kind"] = dict(kinds)
    try:
        res["expected"] = expected(name, inner)
    except Exception as err:  # noqa: BLE001
        res["expected_error"] = f"{type(err).__name__}: {err}"
    res["times"]["build"] = round(time.time() - t0, 1)
    tag = "" if backend == "tensorflow" else "_torch"
    jobs = [("onnx", f"{name}{tag}.onnx", {"format": "onnx"})]
    if backend == "tensorflow":
        import tensorflow as tf

        jobs += [("tflite_fp32", f"{name}.tflite", {"format": "litert"}),
                 ("tflite_int8", f"{name}_int8.tflite", {"format": "litert", "optimizations": [tf.lite.Optimize.DEFAULT]})]  # fmt: skip
    for key, fname, kw in jobs:
        t1 = time.time()
        path = out / fname
        try:
            model.export(str(path), verbose=False, **kw)
            res["files"][key] = str(path)
        except Exception as err:  # noqa: BLE001 -- the exporter's failure is reported, not a dscost difference
            lines = [ln for ln in f"{type(err).__name__}: {err}".splitlines() if ln.strip()]
            res["errors"][key] = " | ".join(lines[:1] + lines[-2:])[:400]
        res["times"][key] = round(time.time() - t1, 1)
    if "onnx" in res["files"]:
        import onnx

        m = onnx.load(res["files"]["onnx"], load_external_data=False)
        res["onnx_producer"] = f"{m.producer_name} {m.producer_version} opset {max(o.version for o in m.opset_import if o.domain in ('', 'ai.onnx'))}"
    return res


# --------------------------------------------------------------------------
# Parent: run the children and dscost


def _env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.update(extra or {})
    return env


def _tail(text: str, n: int = 400) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return (" | ".join(lines[-3:]))[-n:]


def run_child(py: str, name: str, out: Path, backend: str, timeout: int) -> dict:
    cmd = [py, str(Path(__file__).resolve()), "--child", name, "--out", str(out), "--backend", backend]
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"name": name, "backend": backend, "child_error": f"timeout {timeout}s"}
    for line in reversed(p.stdout.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {"name": name, "backend": backend, "child_error": f"exit {p.returncode}: {_tail(p.stderr)}"}


# ops that only move, view or describe data (ONNX and TFLite names): zero cost is right for them
MOVES = {"Transpose", "Reshape", "Squeeze", "Unsqueeze", "Flatten", "Identity", "Shape", "Gather", "Concat", "Slice", "Split",
         "Cast", "Pad", "Tile", "Expand", "ConstantOfShape", "Constant", "Dropout", "Range", "Size", "GatherElements",
         "GatherND", "ScatterND", "Where", "Not", "Equal", "Less", "Greater", "And", "Or", "NonZero", "TopK", "ArgMax",
         "TRANSPOSE", "RESHAPE", "SQUEEZE", "EXPAND_DIMS", "GATHER", "GATHER_ND", "CONCATENATION", "SLICE", "STRIDED_SLICE",
         "SPLIT", "SPLIT_V", "CAST", "PAD", "PADV2", "MIRROR_PAD", "TILE", "BROADCAST_TO", "SHAPE", "PACK", "UNPACK",
         "QUANTIZE", "DEQUANTIZE", "SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND", "BROADCAST_ARGS", "FILL", "RANGE", "SELECT", "SELECT_V2", "EQUAL", "LESS", "GREATER", "LOGICAL_AND",
         "LOGICAL_NOT", "NOT_EQUAL", "ARG_MAX", "ONE_HOT", "ZEROS_LIKE", "ONES_LIKE"}  # fmt: skip


def dscost(path: str, timeout: int = 300) -> dict:
    cmd = [sys.executable, "-m", "dscost", "analyze", path, "-f", "json", "-q"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env(), check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout {timeout}s"}
    if p.returncode != 0:
        return {"error": f"exit {p.returncode}: {_tail(p.stderr)}"}
    d = json.loads(p.stdout)
    by, zero = Counter(), Counter()
    for layer in d["layers"]:
        if layer.get("macs"):
            by[layer["op"]] += layer["macs"]
        elif not layer.get("other_ops") and layer["op"] not in MOVES:
            zero[layer["op"]] += 1  # an op that computes but was given no cost at all: "silently zero"
    return {"totals": d["totals"], "uncounted": [u.get("op") for u in d.get("uncounted", [])], "macs_by_op": dict(by),
            "zero_cost": dict(zero), "traceback": "Traceback" in p.stderr}  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help=f"comma-separated names (of {', '.join([*APPS, *HUB])})")
    ap.add_argument("--out", type=Path, default=Path("/tmp/r36/out"), help="folder for the exported files")
    ap.add_argument("--json", type=Path, help="write the rows here")
    ap.add_argument("--torch", help="a Python with torch + keras: also export with KERAS_BACKEND=torch")
    ap.add_argument("--torch-only", action="store_true", help="with --torch: only the torch backend's exports")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--table", action="store_true", help="only print the table of --json's rows")
    ap.add_argument("--recount", action="store_true", help="count --json's files again, then print the table")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--backend", default="tensorflow", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child, a.out, a.backend)), flush=True)
        return 0
    if a.table or a.recount:
        rows = json.loads(a.json.read_text())
        for r in rows if a.recount else []:
            r["counts"] = {key: dscost(f) for key, f in r.get("files", {}).items()}
            a.json.write_text(json.dumps(rows, indent=1))
        return table(rows)
    a.out.mkdir(parents=True, exist_ok=True)
    names = a.only.split(",") if a.only else [*APPS, *HUB]
    start = time.time()
    rows = []
    for name in names:
        backends = ([] if a.torch_only else [(sys.executable, "tensorflow")]) + ([(a.torch, "torch")] if a.torch else [])
        for py, backend in backends:
            r = run_child(py, name, a.out, backend, a.timeout)
            for key, f in r.get("files", {}).items():
                r.setdefault("counts", {})[key] = dscost(f)
            rows.append(r)
            print(f"{name} [{backend}]: {len(r.get('files', {}))} files, errors {list(r.get('errors', {})) or r.get('child_error', '-')} "
                  f"({time.time() - start:.0f} s)", file=sys.stderr, flush=True)  # fmt: skip
            if a.json:
                a.json.write_text(json.dumps(rows, indent=1))
    print(f"total run time {time.time() - start:.0f} s", file=sys.stderr)
    return table(rows)


def _num(v) -> str:
    return f"{v:,}" if isinstance(v, int) else "--"


def _wbn(t: dict) -> str:
    return f"{t['weights']:,}/{t['biases']:,}/{t['norm_params']:,}" + (f" +{t['buffers']:,}buf" if t["buffers"] else "")


def table(rows: list[dict]) -> int:
    import keras

    print(f"Keras 3 exporters cross-check, {time.strftime('%Y-%m-%d')}, {platform.machine()}, Python {platform.python_version()}, Keras {keras.__version__}")
    cols = [("onnx", "ONNX (tf2onnx)"), ("tflite_fp32", "TFLite fp32"), ("tflite_int8", "TFLite int8 dyn"), ("onnx", "ONNX (torch)")]
    print("| model | backend | keras params (trainable) | expected MACs | file | MACs | W/B/N | uncounted |")
    print("|---|---|---:|---:|---|---:|---|---|")
    bad = 0
    by_name: dict = {}
    for r in rows:
        by_name.setdefault(r["name"], []).append(r)
    for name, rs in by_name.items():
        ref = None
        for r in rs:
            head = f"| {name} | {r['backend']} | {r.get('keras_params', 0):,} ({r.get('keras_trainable', 0):,}) | {_num((r.get('expected') or {}).get('macs'))} "
            if "child_error" in r:
                print(head + f"| -- | child failed: {r['child_error'][:200]} | | |")
                bad += 1
                continue
            for key, err in r.get("errors", {}).items():
                print(head + f"| {key} | exporter failed: {err[:200]} | | |")
            for key, c in r.get("counts", {}).items():
                label = "ONNX (torch)" if r["backend"] == "torch" else dict(cols[:3])[key]
                if "error" in c:
                    print(head + f"| {label} | dscost failed: {c['error'][:200]} | | |")
                    bad += 1
                    continue
                t = c["totals"]
                exp = (r.get("expected") or {}).get("macs")
                ref = exp if exp is not None else (t["macs"] if ref is None else ref)  # the hand count, else the first file's
                flag = "" if t["macs"] == ref else f" (DIFFERS: {t['macs'] - ref:+,})"
                bad += bool(flag) + bool(c["uncounted"]) + bool(c.get("traceback"))
                unc = ", ".join(f"{k} x{v}" for k, v in Counter(c["uncounted"]).items()) or "-"
                zero = {k: v for k, v in c.get("zero_cost", {}).items() if k not in MOVES}
                bad += bool(zero)
                if zero:
                    unc += "; zero cost: " + ", ".join(f"{k} x{v}" for k, v in zero.items())
                print(head + f"| {label} | {t['macs']:,}{flag} | {_wbn(t)} | {unc} |")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
