"""Cross-check dscost's TFLite counts against the Keras models the files were converted from.

Builds Keras MobileNet (v1, alpha 1.0, 224x224) and MobileNetV2 with
``weights=None`` -- and with ``--apps`` nine more Keras applications (APPS:
MobileNetV3Small/Large, ResNet50, EfficientNetB0, EfficientNetV2B0,
DenseNet121, Xception, NASNetMobile, InceptionV3) -- converts each with
``tf.lite.TFLiteConverter`` to four files -- float32; float16 weights
(DEQUANTIZE ops feed the convs); dynamic-range int8 weights; full int8 (a
representative dataset of random images) -- runs ``dscost analyze --format
json`` on each file, and prints one table: dscost's MACs, weights and biases
against the ones counted from the Keras layers, and the ops dscost left
uncounted.

Expected counts come from the Keras model, never from dscost (keras_counts):

* MACs come only from Conv2D, DepthwiseConv2D, SeparableConv2D and Dense:
  kernel elements x output positions (output H x W for the convs; the rows of
  a Dense's input); a SeparableConv2D is its depthwise kernel plus its
  pointwise kernel.  Weights = kernel elements.  MACs are compared in all
  and by the op each layer becomes (column "by op"): Conv2D -> CONV_2D (also
  the 1x1 convs on the 1x1 maps of squeeze-excite blocks), DepthwiseConv2D
  -> DEPTHWISE_CONV_2D, SeparableConv2D -> both, Dense -> FULLY_CONNECTED.
* The converter folds each BatchNorm into the conv before it and writes a
  bias tensor for every conv op, all zero where the Keras layer had none: one
  bias per output channel of every Conv2D and DepthwiseConv2D, and of both
  convs a SeparableConv2D becomes (depthwise: its C_in x multiplier channels;
  pointwise: its filters).
* A Dense bias only when it is not all zero: the converter drops a zero
  FULLY_CONNECTED bias (every Dense of a ``weights=None`` model).
* A BatchNormalization the converter cannot fold -- its input is not the
  output of a conv read by nothing else (DenseNet's BN after a
  concatenation or a pool, NASNet's after a concatenation) -- stays as a
  per-channel MUL by scale = gamma / sqrt(var + eps) and ADD of offset =
  beta - mean x scale: C weights + C biases, the counting convention dscost
  applies to a MUL/ADD with a constant operand of more than one element.
  The converter drops a multiply by all ones and an add of all zeros, so an
  untrained BN (beta = 0, moving mean = 0) keeps only its C weights.
* A Normalization layer is (x - mean) / sqrt(variance) per channel, written
  as SUB (C biases, dropped when mean is all zero) and MUL by 1 / std (C
  weights, dropped when variance is all one): EfficientNetV2B0's ImageNet
  mean and variance give 3 + 3, EfficientNetB0's unadapted layer nothing.
  Rescaling by scalars has no params.

MobileNet v1 must give exactly 568,740,352 MACs and 4,221,032 params
(4,209,088 weights + 11,944 biases).

``--text`` adds the seven text and sequence models of TEXT, every weight
random (standard normal x 0.1, so the converter drops no zero bias and no
LayerNorm gamma of ones):

* two Keras 3 transformers, in float32, dynamic-range int8 and full int8 (the
  token ids stay int32; the representative dataset is random ids): a text
  encoder -- Embedding(1000, 64) on 16 int32 ids, two blocks of
  [LayerNormalization, MultiHeadAttention(4 heads, key_dim 16), residual add,
  LayerNormalization, Dense(128, gelu), Dense(64), residual add], the mean
  over tokens, Dense(10) -- and a ViT: a 32x32x3 image, Conv2D(64, 4,
  strides 4) to 64 tokens plus a learned (64, 64) position embedding, the
  same two blocks, GlobalAveragePooling1D, Dense(10);
* five Keras 2 (``tf_keras``) recurrent models, in float32 and dynamic-range
  int8, each converted in a process run with TF_USE_LEGACY_KERAS=1 (Keras 3's
  LSTM converts to a WHILE loop; tf_keras's the converter fuses into
  UNIDIRECTIONAL_SEQUENCE_LSTM): Embedding(1000, 32) on 16 ids -> LSTM(24) ->
  Dense(10); LSTM(12, return_sequences=True), Bidirectional(LSTM(12)) and
  GRU(12) on a (16, 8) sequence; SimpleRNN(16, relu) on (10, 8).  When
  tf_keras is not importable they are skipped, with a line saying so.

Their expected counts come from the layers too (text_counts), MACs from the
layer sizes:

* Dense and Conv2D as above.  MultiHeadAttention's four projections are
  FULLY_CONNECTED -- query: tokens_q x d_q x heads x key_dim, key: tokens_k x
  d_k x heads x key_dim, value: tokens_k x d_v x heads x value_dim, output:
  tokens_q x heads x value_dim x d_out -- and its two products BATCH_MATMUL:
  heads x tokens_q x tokens_k x key_dim for the scores, x value_dim for the
  weighted sum.  Embedding (a GATHER), LayerNormalization, the position
  embedding's ADD, the mean and the residual adds have no MACs.
* An LSTM is UNIDIRECTIONAL_SEQUENCE_LSTM: steps x 4 gates x units x (input
  + units); a Bidirectional one is two of them.
* A SimpleRNN or GRU, and Keras 3's LSTM (the same LSTM on ids, built
  without tf_keras), become a WHILE loop, which dscost counts as its body
  times the steps its condition allows: steps x gates x units x (input +
  units), 1 gate for SimpleRNN, 3 for GRU, 4 for LSTM.
* Params are Keras ``count_params()``.  The split: kernels, embedding tables
  and LayerNorm gamma (a MUL) are weights; biases, LayerNorm beta (an ADD)
  and the position embedding (an ADD) are biases; an LSTM's kernel and
  recurrent kernel are weights, its gate biases biases; the same for the
  SimpleRNN and GRU a WHILE's body runs.

Text encoder: 1,114,752 MACs, 131,594 params; ViT: 5,440,128 and 74,826;
LSTM(24) on ids: 86,256 and 37,722; LSTM(12) returning sequences: 15,360 and
1,008; Bidirectional: 30,720 and 2,016; SimpleRNN: 3,840 and 400; GRU: 11,520
and 792; Keras 3's LSTM(24) on ids, a WHILE loop: 86,256 and 37,722 as above.

Each model runs in a child process of its own (a converter crash on one
model loses only that model; memory is freed between models), one model at
a time.  dscost is run as ``python -m dscost`` with this checkout first on
PYTHONPATH, so the counts are this checkout's, whatever dscost the venv has.

TensorFlow is not a dscost dependency: run this in a venv of its own.

    python3 -m venv /work/tfvenv && . /work/tfvenv/bin/activate
    pip install tensorflow-cpu -e '.[tflite]'
    python benchmarks/crosscheck_tflite.py              # MobileNet v1 and v2, all variants
    python benchmarks/crosscheck_tflite.py --apps       # and the nine APPS: 44 files, ~20 min on 2 cores
    pip install tf_keras                                # for --text's recurrent models (Keras 2)
    python benchmarks/crosscheck_tflite.py --text       # and the seven TEXT models: 16 files more
    python benchmarks/crosscheck_tflite.py --only ResNet50,Xception --variants float32,int8
    python benchmarks/crosscheck_tflite.py --keep out/  # keep the .tflite files
    python benchmarks/crosscheck_tflite.py --float-only # skip the quantized variants

Exit code 1 when a count differs or dscost leaves an op uncounted; a model or variant the converter
itself cannot convert is reported, not counted as a difference.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import importlib.util
import io
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from math import prod
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
MOBILENET_V1 = {"macs": 568_740_352, "weights": 4_209_088, "biases": 11_944}

# name -> (keras.applications constructor, input size, extra keyword arguments)
MODELS = {
    "MobileNet v1": ("MobileNet", 224, {"alpha": 1.0}),
    "MobileNetV2": ("MobileNetV2", 224, {"alpha": 1.0}),
}
APPS = {
    "MobileNetV3Small": ("MobileNetV3Small", 224, {}),
    "MobileNetV3Large": ("MobileNetV3Large", 224, {}),
    "ResNet50": ("ResNet50", 224, {}),
    "EfficientNetB0": ("EfficientNetB0", 224, {}),
    "EfficientNetV2B0": ("EfficientNetV2B0", 224, {}),
    "DenseNet121": ("DenseNet121", 224, {}),
    "Xception": ("Xception", 299, {}),
    "NASNetMobile": ("NASNetMobile", 224, {}),
    "InceptionV3": ("InceptionV3", 299, {}),
}
VARIANTS = ("float32", "float16", "int8 weights", "int8")
# --text: name -> (builder, built with tf_keras (Keras 2) under TF_USE_LEGACY_KERAS=1, variants)
TEXT = {
    "Text encoder": ("text_encoder", False, ("float32", "int8 weights", "int8")),
    "ViT 32x32": ("vit", False, ("float32", "int8 weights", "int8")),
    "LSTM(24) on ids": ("lstm_on_ids", True, ("float32", "int8 weights")),
    "LSTM(12) seq": ("lstm_sequences", True, ("float32", "int8 weights")),
    "BiLSTM(12)": ("bidirectional_lstm", True, ("float32", "int8 weights")),
    "SimpleRNN(16)": ("simple_rnn", True, ("float32", "int8 weights")),
    "GRU(12)": ("gru", True, ("float32", "int8 weights")),
    "Keras 3 LSTM(24)": ("lstm_on_ids", False, ("float32", "int8 weights")),  # a WHILE loop, not the fused op
}


def _source(layer):
    """The layer whose output ``layer`` reads (its first input), or None."""
    history = getattr(layer.input, "_keras_history", None)
    return history[0] if history else None


def _readers(model) -> Counter:
    """layer name -> how many layers read its output."""
    n: Counter = Counter()
    for layer in model.layers:
        ins = layer.input if isinstance(layer.input, (list, tuple)) else [layer.input]
        for t in ins:
            history = getattr(t, "_keras_history", None)
            if history:
                n[history[0].name] += 1
    return n


def keras_counts(model) -> dict:
    """MACs (in all and by the TFLite op each layer becomes), weights and biases of a Keras model
    (batch 1) as the TFLite converter writes it: the conventions in the module docstring
    (BatchNorm folded into the conv before it, a bias for every conv, zero Dense biases dropped,
    unfolded BatchNorm and Normalization as a per-channel multiply and add)."""
    import keras
    import numpy as np

    L = keras.layers
    convs = (L.Conv2D, L.DepthwiseConv2D, L.SeparableConv2D)
    readers = _readers(model)
    weights = biases = 0
    by_op: Counter = Counter()  # TFLite op -> MACs
    for layer in model.layers:
        out = tuple(layer.output.shape)[1:]
        if isinstance(layer, L.SeparableConv2D):  # DEPTHWISE_CONV_2D then a 1x1 CONV_2D
            dw, pw = tuple(layer.depthwise_kernel.shape), tuple(layer.pointwise_kernel.shape)
            weights += prod(dw) + prod(pw)
            by_op["DEPTHWISE_CONV_2D"] += prod(dw) * out[0] * out[1]
            by_op["CONV_2D"] += prod(pw) * out[0] * out[1]
            biases += dw[2] * dw[3] + out[-1]  # DEPTHWISE_CONV_2D (C_in x multiplier) + CONV_2D 1x1 biases
        elif isinstance(layer, (L.Conv2D, L.DepthwiseConv2D)):
            k = tuple(layer.kernel.shape)
            weights += prod(k)
            by_op["DEPTHWISE_CONV_2D" if isinstance(layer, L.DepthwiseConv2D) else "CONV_2D"] += prod(k) * out[0] * out[1]  # output H x W
            biases += out[-1]
        elif isinstance(layer, L.Dense):
            k = tuple(layer.kernel.shape)
            weights += prod(k)
            by_op["FULLY_CONNECTED"] += prod(k) * (prod(out[:-1]) if len(out) > 1 else 1)
            # FULLY_CONNECTED's bias is optional: the converter drops an all-zero one
            # (weights=None initializes Dense biases to zero), so the file has none.
            biases += out[-1] if layer.use_bias and bool(np.any(keras.ops.convert_to_numpy(layer.bias) != 0)) else 0
        elif isinstance(layer, L.BatchNormalization):
            src = _source(layer)
            if not (isinstance(src, convs) and readers[src.name] == 1):  # not folded: x * scale + offset
                mean, var = (keras.ops.convert_to_numpy(w).astype(np.float32) for w in (layer.moving_mean, layer.moving_variance))
                gamma = keras.ops.convert_to_numpy(layer.gamma) if layer.scale else np.float32(1)
                beta = keras.ops.convert_to_numpy(layer.beta) if layer.center else np.float32(0)
                scale = gamma / np.sqrt(var + np.float32(layer.epsilon))
                offset = beta - mean * scale
                # the converter drops a multiply by all ones and an add of all zeros (the offset of an
                # untrained BN: beta = 0, moving mean = 0), as it drops a zero Dense bias
                weights += out[-1] if np.any(scale != 1) else 0  # MUL
                biases += out[-1] if np.any(offset != 0) else 0  # ADD
        elif isinstance(layer, L.Normalization):
            mean, var = (keras.ops.convert_to_numpy(w) for w in (layer.mean, layer.variance))
            biases += out[-1] if np.any(mean != 0) else 0  # SUB mean (dropped when all zero)
            weights += out[-1] if np.any(var != 1) else 0  # DIV (or MUL) by the standard deviation (dropped when all one)
    return {"macs": sum(by_op.values()), "weights": weights, "biases": biases, "macs_by_op": dict(by_op)}


def _block(keras, x, heads: int = 4, key_dim: int = 16, hidden: int = 128):
    """A pre-norm transformer block: x + attention(LN(x)), then + Dense(Dense(LN(x), gelu))."""
    L = keras.layers
    h = L.LayerNormalization()(x)
    x = L.Add()([x, L.MultiHeadAttention(num_heads=heads, key_dim=key_dim)(h, h)])
    h = L.LayerNormalization()(x)
    h = L.Dense(x.shape[-1])(L.Dense(hidden, activation="gelu")(h))
    return L.Add()([x, h])


def text_encoder(keras):
    L = keras.layers
    ids = keras.Input((16,), batch_size=1, dtype="int32")
    x = L.Embedding(1000, 64)(ids)
    for _ in range(2):
        x = _block(keras, x)
    return keras.Model(ids, L.Dense(10)(L.GlobalAveragePooling1D()(x)))


def vit(keras):
    L = keras.layers

    class PositionEmbedding(L.Layer):  # a learned (tokens, width) table added to the tokens
        def build(self, shape):
            self.table = self.add_weight(shape=tuple(shape[1:]), initializer="random_normal", name="table")

        def call(self, x):
            return x + self.table

    image = keras.Input((32, 32, 3), batch_size=1)
    x = L.Conv2D(64, 4, strides=4)(image)  # 8 x 8 patches of 4 x 4
    x = PositionEmbedding()(L.Reshape((64, 64))(x))
    for _ in range(2):
        x = _block(keras, x)
    return keras.Model(image, L.Dense(10)(L.GlobalAveragePooling1D()(x)))


def lstm_on_ids(keras):
    L = keras.layers
    ids = keras.Input((16,), batch_size=1, dtype="int32")
    return keras.Model(ids, L.Dense(10)(L.LSTM(24)(L.Embedding(1000, 32)(ids))))


def lstm_sequences(keras):
    x = keras.Input((16, 8), batch_size=1)
    return keras.Model(x, keras.layers.LSTM(12, return_sequences=True)(x))


def bidirectional_lstm(keras):
    x = keras.Input((16, 8), batch_size=1)
    return keras.Model(x, keras.layers.Bidirectional(keras.layers.LSTM(12))(x))


def simple_rnn(keras):
    x = keras.Input((10, 8), batch_size=1)
    return keras.Model(x, keras.layers.SimpleRNN(16, activation="relu")(x))


def gru(keras):
    x = keras.Input((16, 8), batch_size=1)
    return keras.Model(x, keras.layers.GRU(12)(x))


GATES = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}


def text_counts(model) -> dict:
    """Expected counts of a TEXT model (batch 1), from its layers' sizes and weights, for Keras 3 and
    tf_keras alike (layers are told apart by class name): the conventions in the module docstring.
    A layer with weights that no rule covers is an error, so nothing goes uncounted in silence."""
    import numpy as np

    weights = biases = 0
    by_op: Counter = Counter()  # TFLite op -> MACs
    for layer in model.layers:
        kind, ws = type(layer).__name__, layer.get_weights()
        if not ws:  # Input, Add, Reshape, pooling
            continue
        out = tuple(layer.output.shape)[1:]
        if kind == "Embedding":  # the table GATHER reads
            weights += ws[0].size
        elif kind == "PositionEmbedding":  # ADD of a constant table
            biases += ws[0].size
        elif kind == "LayerNormalization":  # x_hat * gamma (MUL) + beta (ADD); a multiply by ones or add of zeros is dropped
            gamma, beta = ws if layer.scale and layer.center else (ws[0], None) if layer.scale else (None, ws[0])
            weights += gamma.size if gamma is not None and np.any(gamma != 1) else 0
            biases += beta.size if beta is not None and np.any(beta != 0) else 0
        elif kind == "Conv2D":
            k = tuple(layer.kernel.shape)
            weights += prod(k)
            by_op["CONV_2D"] += prod(k) * out[0] * out[1]
            biases += out[-1]
        elif kind == "Dense":
            k = tuple(layer.kernel.shape)
            weights += prod(k)
            by_op["FULLY_CONNECTED"] += prod(k) * (prod(out[:-1]) if len(out) > 1 else 1)
            biases += out[-1] if layer.use_bias and np.any(ws[1] != 0) else 0
        elif kind == "MultiHeadAttention":
            query, value = (tuple(t.shape)[1:] for t in layer.input[:2])
            key = tuple(layer.input[2].shape)[1:] if len(layer.input) > 2 else value
            (tq, dq), (tk, dk), dv, d_out = query, key, value[-1], out[-1]
            h, kd, vd = layer.num_heads, layer.key_dim, layer.value_dim or layer.key_dim
            weights += h * kd * (dq + dk) + h * vd * (dv + d_out)  # query, key, value, output kernels
            biases += (2 * h * kd + h * vd + d_out) if layer.use_bias else 0
            by_op["FULLY_CONNECTED"] += tq * dq * h * kd + tk * dk * h * kd + tk * dv * h * vd + tq * h * vd * d_out
            by_op["BATCH_MATMUL"] += h * tq * tk * kd + h * tq * tk * vd  # scores, weighted sum
        elif kind in ("Bidirectional", *GATES):
            steps, width = tuple(layer.input.shape)[1:]
            for rnn in (layer.forward_layer, layer.backward_layer) if kind == "Bidirectional" else (layer,):
                rkind, rws = type(rnn).__name__, rnn.get_weights()
                macs = steps * GATES[rkind] * rnn.units * (width + rnn.units)
                kernel, recurrent, bias = rws
                # tf_keras's LSTM is fused into UNIDIRECTIONAL_SEQUENCE_LSTM; Keras 3's, and any SimpleRNN or GRU, is a WHILE loop
                fused = rkind == "LSTM" and type(rnn).__module__.startswith("tf_keras")
                by_op["UNIDIRECTIONAL_SEQUENCE_LSTM" if fused else "WHILE"] += macs
                weights += kernel.size + recurrent.size
                biases += bias.size
        else:
            raise ValueError(f"text_counts has no rule for {kind} {layer.name!r}")
    return {"macs": sum(by_op.values()), "weights": weights, "biases": biases, "macs_by_op": dict(by_op),
            "params": int(model.count_params())}


def convert(model, variant: str, path: Path, vocab: int | None = None) -> None:
    """``vocab``: the model's input is int token ids below it (a representative dataset of random ids; they stay int32)."""
    import numpy as np
    import tensorflow as tf

    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    if variant == "float16":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.target_spec.supported_types = [tf.float16]
    elif variant == "int8 weights":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
    elif variant == "int8":
        shape = (1, *model.input_shape[1:])

        def representative():
            rng = np.random.default_rng(0)
            for _ in range(4):
                yield [rng.integers(0, vocab, shape, dtype=np.int32) if vocab else rng.standard_normal(shape).astype(np.float32)]

        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = representative
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if not vocab:
            conv.inference_input_type = tf.int8
        conv.inference_output_type = tf.int8
    path.write_bytes(conv.convert())


def _env() -> dict:
    """This checkout first on PYTHONPATH: `python -m dscost` runs its code, not an installed copy."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def dscost_json(path: Path, *more: str) -> tuple[dict, float]:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), "--format", "json", *more], capture_output=True, text=True, env=_env())
    elapsed = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"dscost failed on {path}: {p.stderr.strip()}")
    return json.loads(p.stdout), elapsed


# --spectrogram: a tf.function over a waveform of any length, as audio front-ends are written
# (tf.signal.stft with 400-sample frames every 160 and a 512-point FFT, a 257 -> 64 mel matmul, a
# 3x3 conv to 16 channels with a bias, a mean and a 16 -> 10 head).  The converter leaves the
# frame count dynamic; at 16,000 samples there are 1 + (16000 - 400) // 160 = 98 frames and the
# hand count is 98*257*64 + 98*64*9*16 + 16*10 MACs (RFFT2D uncounted: its work depends on the
# FFT algorithm).
SPECTROGRAM_SAMPLES = 16_000
SPECTROGRAM_MACS = 98 * 257 * 64 + 98 * 64 * 9 * 16 + 16 * 10


def spectrogram_check(folder: Path) -> bool:
    """Convert the --spectrogram model, count it at --input-shape 1x16000, print one line."""
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(0)

    class Spectrogram(tf.Module):
        def __init__(self):
            self.mel = tf.Variable(rng.standard_normal((257, 64)).astype(np.float32))
            self.kernel = tf.Variable(rng.standard_normal((3, 3, 1, 16)).astype(np.float32))
            self.bias = tf.Variable(rng.standard_normal((16,)).astype(np.float32))
            self.head = tf.Variable(rng.standard_normal((16, 10)).astype(np.float32))

        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32, name="waveform")])
        def __call__(self, wav):
            mag = tf.abs(tf.signal.stft(wav, frame_length=400, frame_step=160, fft_length=512))
            x = tf.nn.relu(tf.nn.conv2d(tf.expand_dims(tf.matmul(mag, self.mel), -1), self.kernel, 1, "SAME") + self.bias)
            return tf.matmul(tf.reduce_mean(x, axis=[1, 2]), self.head)

    model = Spectrogram()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([model.__call__.get_concrete_function()], model)
    path = folder / "spectrogram.tflite"
    with contextlib.redirect_stdout(io.StringIO()):
        path.write_bytes(converter.convert())
    d, _ = dscost_json(path, "--input-shape", f"serving_default_waveform:0=1x{SPECTROGRAM_SAMPLES}")
    macs, uncounted = d["totals"]["macs"], sorted(u["op"] for u in d["uncounted"])
    ok = macs == SPECTROGRAM_MACS and uncounted == ["RFFT2D"]
    print(f"spectrogram front-end at {SPECTROGRAM_SAMPLES} samples: hand count {SPECTROGRAM_MACS:,} MACs, dscost {macs:,}, uncounted {uncounted}: "
          f"{'match' if ok else 'DIFFERENT'}")  # fmt: skip
    return ok


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def one(name: str, variants: list[str], folder: Path) -> list[dict]:
    """(In a child process.)  Build one model, count it, convert it to each variant, analyze each file."""
    vocab = None
    if name in TEXT:
        builder, legacy, allowed = TEXT[name]
        if legacy:  # Keras 2, in a process with TF_USE_LEGACY_KERAS=1 (so tf.keras and the converter use it too)
            import tf_keras as keras
        else:
            import keras
        import numpy as np

        model = globals()[builder](keras)
        rng = np.random.default_rng(0)  # every weight random: the converter drops no zero bias, no multiply by ones
        model.set_weights([(rng.standard_normal(w.shape) * 0.1).astype(w.dtype) for w in model.get_weights()])
        expected = text_counts(model)
        variants = [v for v in variants if v in allowed]
        vocab = next((layer.input_dim for layer in model.layers if type(layer).__name__ == "Embedding"), None)
    else:
        import keras

        ctor, size, kwargs = {**MODELS, **APPS}[name]
        model = getattr(keras.applications, ctor)(input_shape=(size, size, 3), weights=None, **kwargs)
        expected = keras_counts(model)
    rows = []
    for variant in variants:
        row = {"name": name, "variant": variant, "expected": expected}
        path = folder / f"{re.sub('[^a-z0-9]+', '_', name.lower()).strip('_')}_{variant.replace(' ', '_')}.tflite"
        t = time.perf_counter()
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # the converter prints the SavedModel's signature
                convert(model, variant, path, vocab)
        except Exception as err:  # noqa: BLE001 -- the converter's own failure is reported, not a dscost difference
            row["convert_error"] = f"{type(err).__name__}: {_last_line(str(err))}"
            rows.append(row)
            continue
        row["convert_s"] = time.perf_counter() - t
        row["size"] = path.stat().st_size
        try:
            d, row["dscost_s"] = dscost_json(path)
        except RuntimeError as err:
            row["dscost_error"] = _last_line(str(err))
            rows.append(row)
            continue
        t = d["totals"]
        by_op: Counter = Counter()
        for layer in d["layers"]:
            if layer["macs"]:
                by_op[layer["op"]] += layer["macs"]
        row.update(got={"macs": t["macs"], "weights": t["weights"], "biases": t["biases"], "macs_by_op": dict(by_op)}, params=t["params"],
                   norm_params=t["norm_params"], blocks=len(d["blocks"]),
                   uncounted=dict(Counter(u["op"] for u in d.get("uncounted", []))))  # fmt: skip
        rows.append(row)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--apps", action="store_true", help=f"also the {len(APPS)} Keras applications of APPS")
    ap.add_argument("--text", action="store_true", help=f"also the {len(TEXT)} transformer and recurrent models of TEXT (random weights; the recurrent ones need tf_keras)")
    ap.add_argument("--only", help=f"comma-separated model names (of {', '.join([*MODELS, *APPS, *TEXT])})")
    ap.add_argument("--variants", help=f"comma-separated variants (default: all of {', '.join(VARIANTS)})")
    ap.add_argument("--keep", type=Path, help="write the .tflite files here (default: a temporary folder)")
    ap.add_argument("--float-only", action="store_true", help="only the float32 conversion")
    ap.add_argument("--spectrogram", action="store_true", help="only the tf.signal.stft model over a waveform of any length, counted at --input-shape (needs ai-edge-litert)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.spectrogram:
        with tempfile.TemporaryDirectory(prefix="dscost-tflite-") as tmp:
            return 0 if spectrogram_check(args.keep or Path(tmp)) else 1

    variants = ["float32"] if args.float_only else args.variants.split(",") if args.variants else list(VARIANTS)
    bad_variants = [v for v in variants if v not in VARIANTS]
    if bad_variants:
        ap.error(f"unknown variant(s) {', '.join(bad_variants)}; choose from {', '.join(VARIANTS)}")
    if args.child:
        name, folder = args.child.split("|")
        print(json.dumps(one(name, variants, Path(folder))))
        return 0
    names = args.only.split(",") if args.only else [*MODELS, *(APPS if args.apps else ()), *(TEXT if args.text else ())]
    unknown = [n for n in names if n not in MODELS and n not in APPS and n not in TEXT]
    if unknown:
        ap.error(f"unknown model(s) {', '.join(unknown)}")
    has_tf_keras = importlib.util.find_spec("tf_keras") is not None
    skipped = [] if has_tf_keras else [n for n in names if n in TEXT and TEXT[n][1]]
    skip_note = (f"skipped {', '.join(skipped)}: tf_keras is not importable (pip install tf_keras); Keras 3's LSTM "
                 "converts to a WHILE loop, not UNIDIRECTIONAL_SEQUENCE_LSTM") if skipped else ""  # fmt: skip
    if skipped:
        print(skip_note, file=sys.stderr)
        names = [n for n in names if n not in skipped]

    start = time.perf_counter()
    tmp = None
    if args.keep:
        folder = args.keep
        folder.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="dscost-tflite-")
        folder = Path(tmp.name)

    rows, ok = [], True
    for name in names:  # one model at a time, each in a process of its own
        cmd = [sys.executable, __file__, "--child", f"{name}|{folder}", "--variants", ",".join(variants)]
        env = dict(os.environ)
        env.pop("TF_USE_LEGACY_KERAS", None)
        if name in TEXT and TEXT[name][1]:
            env["TF_USE_LEGACY_KERAS"] = "1"  # tf.keras is tf_keras, whose models the converter takes
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        try:
            got = json.loads(p.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            rows.append({"name": name, "variant": ",".join(variants), "convert_error": f"child exit {p.returncode}: {_last_line(p.stderr)}"})
            print(f"{name}: failed ({rows[-1]['convert_error']})", file=sys.stderr)
            continue
        for row in got:
            if row["name"] == "MobileNet v1" and {k: row["expected"][k] for k in MOBILENET_V1} != MOBILENET_V1:
                print(f"warning: Keras MobileNet v1 counts {row['expected']} differ from the paper's {MOBILENET_V1}", file=sys.stderr)
            e = row["expected"]
            if e.get("params", e["weights"] + e["biases"]) != e["weights"] + e["biases"] and row is got[0]:  # once per model
                print(f"warning: {name}: weights {e['weights']:,} + biases {e['biases']:,} != Keras count_params() {e['params']:,}", file=sys.stderr)
            if "got" in row:
                g = row["got"]
                row["match"] = (all(g[k] == e[k] for k in g) and row["params"] == e.get("params", e["weights"] + e["biases"])
                                and row["norm_params"] == 0 and row["uncounted"] == e.get("uncounted", {}))  # fmt: skip
                ok &= row["match"]
            elif "dscost_error" in row:
                ok = False
        rows.extend(got)
        print(f"{name}: done, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    total = time.perf_counter() - start

    import keras
    import tensorflow as tf
    import tflite

    probe = subprocess.run([sys.executable, "-c", "import dscost; print(dscost.__file__)"], capture_output=True, text=True, env=_env())
    tf_keras = f", tf_keras {importlib.metadata.version('tf_keras')}" if has_tf_keras else ""
    print(f"dscost TFLite cross-check, {date.today()}, {platform.machine()} {platform.system()}, Python {platform.python_version()}, "
          f"TensorFlow {tf.__version__}, Keras {keras.__version__}{tf_keras}, tflite {tflite.__version__}; dscost from {probe.stdout.strip()}")  # fmt: skip
    head = (f"{'model':<17} {'variant':<13} {'file':>8} {'Keras MACs':>14} {'dscost MACs':>14} {'Keras params':>12} {'dscost params':>13} "
            f"{'weights':>10} {'biases':>7} {'w/b':>4} {'by op':>5} {'blocks':>6} {'conv s':>6} {'dscost s':>8}  match  uncounted")  # fmt: skip
    print(head)
    print("-" * len(head))
    for r in rows:
        exp = r.get("expected")
        lead = f"{r['name']:<17} {r['variant']:<13}"
        if "convert_error" in r or "dscost_error" in r:
            what = f"converter failed: {r['convert_error']}" if "convert_error" in r else f"dscost failed: {r['dscost_error']}"
            print(f"{lead} {'':>8} {exp['macs']:>14,} {what}" if exp else f"{lead} {what}")
            continue
        got, unc = r["got"], r["uncounted"]
        wb = "yes" if (got["weights"], got["biases"]) == (exp["weights"], exp["biases"]) else "NO"
        split = "yes" if got["macs_by_op"] == exp["macs_by_op"] else "NO"
        unc_text = ", ".join(f"{op} x{n}" for op, n in sorted(unc.items())) or "-"
        print(f"{lead} {r['size'] / 2**20:>6.1f}MB {exp['macs']:>14,} {got['macs']:>14,} {exp.get('params', exp['weights'] + exp['biases']):>12,} {r['params']:>13,} "
              f"{got['weights']:>10,} {got['biases']:>7,} {wb:>4} {split:>5} {r['blocks']:>6} {r['convert_s']:>6.1f} {r['dscost_s']:>8.2f}  "
              f"{'yes' if r['match'] else 'NO':<5}  {unc_text}")  # fmt: skip
    print("Keras params = conv/depthwise/separable/dense kernels + one bias per output channel of every conv op (BN folded, as in the file) "
          "+ non-zero Dense biases + unfolded BN and Normalization scale and offset; w/b = weights and biases both equal; "
          "by op = MACs of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED each equal to the Keras layers that become them; "
          "conv s = conversion time; dscost s = `dscost analyze --format json` wall time")  # fmt: skip
    if args.text or any(n in TEXT for n in names):
        print("TEXT models: Keras params = count_params() (random weights, nothing dropped); MACs from the layer sizes: Dense, "
              "MultiHeadAttention's projections -> FULLY_CONNECTED, its scores and weighted sum -> BATCH_MATMUL, LSTM -> "
              "UNIDIRECTIONAL_SEQUENCE_LSTM (steps x 4 x units x (input + units)); a SimpleRNN, GRU or Keras 3 LSTM -> "
              "a WHILE loop (steps x gates x units x (input + units))")  # fmt: skip
    if skip_note:
        print(skip_note)
    print(f"total run time {total:.0f} s")
    if tmp is not None:
        tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
