"""Cross-check dscost's TFLite reader on small Keras models built from layers no earlier round held.

A 32nd, blind round.  crosscheck_tflite.py converted only Keras applications (MobileNets,
ResNet50, EfficientNets, DenseNet, Xception, NASNet, InceptionV3) and a text encoder, a ViT and
tf_keras LSTMs; this one builds 28 small Keras models (random init: every weight N(0, 0.1),
BatchNorm variances |N| + 0.5, so the converter drops no zero bias and folds nothing away; no
download) from the layers those lacked, and converts each with tf.lite.TFLiteConverter to
float32, float16 weights, dynamic-range int8 and full int8 (a random representative dataset):

* Conv1D (strided 'same', dilated 'valid', dilated 'causal', grouped), Conv3D, Conv2DTranspose
  (strides 2 'same', 3 'valid', no bias), Conv1DTranspose, Conv3DTranspose, dilated Conv2D /
  DepthwiseConv2D / SeparableConv2D, depth_multiplier 2 and 3, grouped Conv2D (groups 2, 4),
  SeparableConv1D, DepthwiseConv1D, odd sizes with 'same'/'valid' strides and pools, 3-D
  padding/cropping/upsampling, an explicit SPACE_TO_BATCH_ND -> conv (batch 4) ->
  BATCH_TO_SPACE_ND, a batch of 3 with a Dense on a 4-D input, a dilated Conv3D (TF writes
  SpaceToBatchND around it, which TFLite has no builtin for at rank 5: only with Flex ops);
* BatchNormalization after an Add or a Dense (cannot fold), LayerNormalization,
  GroupNormalization, UpSampling2D (bilinear, nearest), Resizing, global pools, Embedding, Dense
  on 3-D inputs;
* MultiHeadAttention (causal mask, a cross attention with separate key/value widths,
  value_dim and output_shape, a boolean mask input), Attention (dot, concat, causal, use_scale),
  AdditiveAttention;
* Keras 3 LSTM / GRU / SimpleRNN unrolled (unroll=True: one FULLY_CONNECTED per step) and as
  WHILE loops (Bidirectional GRU / SimpleRNN / LSTM returning sequences, GRU reset_after=False,
  a masked LSTM, ConvLSTM2D), tf_keras (Keras 2) LSTM stacks fused into
  UNIDIRECTIONAL_SEQUENCE_LSTM (Bidirectional merge_mode="sum") and unrolled LSTM / GRU;
* keras-hub 0.32 backbones from a config (no preset): BertBackbone and GPT2Backbone (2 layers,
  hidden 32, 16 tokens) and a ResNetBackbone (basic blocks, 32x32).  from_keras_model fails on
  them in TF 2.21 ("'NoneType' object is not callable" in tflite_keras_util), so they are wrapped
  in a Functional model and converted from a tf.function at batch 1 (no trackable object: the
  variables are frozen to constants).

Expected counts come from each Keras layer's config and weights' shapes, never from dscost
(expected_counts, bert_counts, gpt2_counts: every formula is written there), and are compared
with `python -m dscost analyze FILE.tflite -f json -q`: MACs in all and by op, weights, biases,
and the ops dscost leaves uncounted.

Install (TensorFlow in a venv of its own; dscost is run from this checkout via PYTHONPATH):

    python3.11 -m venv /tmp/r32/venv && /tmp/r32/venv/bin/pip install uv
    /tmp/r32/venv/bin/python -m uv pip install --python /tmp/r32/venv/bin/python tensorflow-cpu tflite typer rich pydantic pyyaml onnx numpy
    /tmp/r32/venv/bin/python -m uv pip install --python /tmp/r32/venv/bin/python tf_keras==2.21.0 --no-deps
    /tmp/r32/venv/bin/python -m uv pip install --python /tmp/r32/venv/bin/python keras-hub==0.32.0 regex --no-deps
    /tmp/r32/venv/bin/python -m uv pip install --python /tmp/r32/venv/bin/python tokenizers sentencepiece kagglehub
    PYTHONPATH=. /tmp/r32/venv/bin/python benchmarks/crosscheck_tflite_layers.py [--only NAME,...] [--variants ...] [--keep DIR] [--ops]

(keras-hub's own requirements pull tensorflow-text, which pins the full `tensorflow` wheel next to
tensorflow-cpu: hence --no-deps.)

As run 2026-12-06, Linux x86_64, 2 cores, Python 3.11.7, tensorflow-cpu 2.21.0, Keras 3.15.1,
tf_keras 2.21.0, keras-hub 0.32.0, tflite 2.18.0: 28 models, 96 conversions, 95 files (the
dilated Conv3D does not convert without Flex ops: the converter's "'tf.SpaceToBatchND' op is
neither a custom op nor a flex op"), 512 s.  MACs equal on 94 of 95 files, weights and biases on
all 95, since the fix below (its first run: 90 and 91; the four loop models rerun after the fix
with --only, 88 s); dscost exited 0 on every file, no traceback, no hang.

    model                                 variant      expected MACs  dscost MACs  exp w/b       dscost w/b    uncounted
    Conv1D strided/dilated/causal/grouped all 4             14,460       14,460    696/31        696/31        -
    Conv3D + Conv3DTranspose              all 4            210,600      210,600    1,350/15      1,350/15      -
    Conv2DTranspose                       all 4          1,602,720    1,602,720    756/11        756/11        -
    Conv1DTranspose                       all 4              7,056        7,056    192/9         192/9         -
    dilated Conv2D/Depthwise/Separable    all 4            955,224      955,224    1,736/56      1,736/56      -
    depth_multiplier + grouped Conv2D     all 4            190,752      190,752    1,770/93      1,770/93      -
    SeparableConv1D + DepthwiseConv1D     all 4              7,728        7,728    684/76        684/76        -
    odd sizes, strides, pools             all 4            227,520      227,520    3,568/35      3,568/35      -
    BN/LN/GN + resize                     all 4             81,616       81,616    648/40        648/40        -
    Embedding + Dense 3-D + BN            all 4              6,928        6,928    1,440/58      1,440/58      -
    MHA causal + cross                    all 4             27,216       27,216    2,156/142     2,156/142     -
    MHA bool mask                         f32, int8 w        4,752        4,752    384/0         384/0         -
    Attention + AdditiveAttention         all 4              2,496        2,496    108/4         108/4         -
    K3 LSTM/GRU/RNN unrolled              all 4              3,340        3,340    616/80        616/80        -
    K3 BiGRU/GRU/BiRNN loops              f32, int8 w        9,900        9,900    1,100/122     1,100/122     -          (720, 1,214/8, WHILE x3 before the fix)
    K2 fused LSTM stack + BiLSTM          f32, int8 w       17,468       17,468    1,588/108     1,588/108     -
    K2 LSTM/GRU unrolled                  f32, int8 w        1,806        1,806    405/39        405/39        -
    K3 BiLSTM seq + LSTM loops            f32, int8 w        5,488        5,488    784/64        784/64        -          (1,792, 832/16, WHILE x2 before the fix)
    SPACE_TO_BATCH_ND + conv              all 4             67,632       67,632    290/10        290/10        -
    Conv3D + pad/crop/upsample 3-D        all 4            199,872      199,872    372/7         372/7         -
    K3 ConvLSTM2D loop                    f32, int8 w      322,560      322,560    1,440/40      1,440/40      -
    K3 masked LSTM loop                   f32, int8 w        4,050        4,050    754/27        754/27        -
    batch 3 conv/depthwise/Dense 4-D      all 4             58,488       58,488    472/29        472/29        -
    Conv3D dilated (Flex S2B)             float32 flex     155,520      172,800    216/4         216/4         FlexSpaceToBatchND, FlexBatchToSpaceND
    Attention concat/causal/scale         all 4              2,016        2,016    0/0           0/0           -
    keras-hub BERT tiny                   all 4            295,936      295,936    20,832/1,152  20,832/1,152  -
    keras-hub GPT-2 tiny                  all 4            294,912      294,912    19,744/1,120  19,744/1,120  -
    keras-hub ResNet tiny                 all 4          8,830,976    8,830,976    304,832/576   304,832/576   -

("all 4": float32, float16, int8 weights and int8 give the same numbers.)

Differences, each diagnosed:

* dscost BUG, fixed (2026-12-06, tflite_loops: ops that only move data cost zero on tensors whose
  size changes from step to step; arithmetic on them leaves the loop uncounted): a Keras 3 LSTM / GRU / SimpleRNN with return_sequences=True (and so any
  stacked or Bidirectional-returning-sequences RNN) converts to a WHILE whose body writes the
  step's output into the (T, 1, units) sequence as SLICE(seq, 0, [i, -1, -1]) ++ h ++
  SLICE(seq, [i + 1, 0, 0], -1) (TensorListSetItem lowered); the slices' stored shapes are
  placeholders ([1, 1, 1] and [1, 1, units], shape_signature -1: they change every step), the
  CONCATENATION handler raises "output shape [9, 1, 4] disagrees with the [3, 1, 1] its input
  and options give", tflite_loops._run_cost returns None and the whole WHILE is uncounted,
  though every body op has a handler and the loop's steps are known (docs/tflite.md says such
  a WHILE is counted).  Minimal repro: `x = keras.Input((9, 6), batch_size=1);
  keras.Model(x, keras.layers.SimpleRNN(4, return_sequences=True)(x))`, float32: dscost 0 MACs,
  WHILE uncounted; hand count 9 x 4 x (6 + 4) = 360 (the same layer with
  return_sequences=False: 360, counted).  Here: BiGRU(8) + GRU(6, reset_after=False) on 9 steps
  miss 2 x 9 x 3 x 8 x 13 + 9 x 3 x 6 x 22 = 5,616 + 3,564 = 9,180 of 9,900 MACs; the BiLSTM(6)
  on 7 steps 2 x 7 x 4 x 6 x 11 = 3,696 of 5,488.  Params total right (the uncounted loop's
  weights are its params) but all as weights: 1,214/8 for 1,100/122.
* converter fact: a dilated Conv3D becomes SpaceToBatchND -> CONV_3D -> BatchToSpaceND, which
  converts only with SELECT_TF_OPS (Flex ops, listed as uncounted as docs/tflite.md says); the
  conv then runs on the block-padded tensor: (8, 9, 10) padded by 2 each side and up to a
  multiple of the rate 2 is (12, 14, 14), 8 blocks of (6, 7, 7), valid 3x3x3 output (4, 5, 5):
  800 positions x 216 = 172,800 MACs, where the Keras layer's 720 output positions give 155,520.
  dscost counts the work the file does.
* convention (docs/tflite.md, a bias after the same kernel counted once): unrolled RNNs (Keras 3
  and tf_keras) add the layer's bias at every step, one op each, all reading one tensor (a fully
  quantized file: a copy requantized for each op), counted once since 2026-12-06 (K3 80 biases,
  K2 39, where count_params has 68 and 39; each op counted it until then: 402 and 195); with
  converter folding of step 0 (h0 is a constant zero: h0 @ U folded away, gates x units^2 MACs
  fewer, as litert-torch's unrolled LSTM in docs/tflite.md), and Keras 3's GRU (reset_after)
  step 0 left as its recurrent bias's z and r parts (2u ADD biases) and r x b_h (u MUL weights).
* convention (a bias for every conv op): ConvLSTM2D's body is 4 input convs with the gates'
  biases and 4 recurrent convs given zero biases: 40 biases for Keras' 20.
* converter fact: TRANSPOSE_CONV's bias is optional and the converter writes none for a
  Conv2DTranspose / Conv3DTranspose with use_bias=False (CONV_2D always gets one).
* convention: one-element constants are not params (Attention's use_scale and score_mode
  "concat" scalars: Keras count_params() 2, dscost 0; dscost counts a MUL/ADD constant operand
  of more than one element, as crosscheck_tflite.py states).
* not in the table: the keras-hub tf.function converted *with* the model as trackable object
  keeps resource variables (VAR_HANDLE / READ_VARIABLE, no weight values in the file): dscost
  gives the MACs and lists the 78 / 60 variable ops as uncounted, params 0 for BERT (matmul
  operands read at run time) and the conv filters for ResNet.  A file that holds no weights.
  Since 2026-12-06 a variable the graph only reads is a weight of its shape (tflite_variables.py):
  BERT 21,984 params = Keras' count_params(); ResNet 307,712 = Keras' 307,136 + the converter's
  zero bias for each of its 6 convs (576, the convention); nothing uncounted in either.

Each model runs in a child process of its own (the tf_keras ones with TF_USE_LEGACY_KERAS=1), one
at a time; dscost on each file in a process of its own.  Exit code 1 when a count differs or an
op is uncounted.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from math import prod
from pathlib import Path

from crosscheck_tflite import _readers, _source  # (a layer's source and readers, as round 1 finds them)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ("float32", "float16", "int8 weights", "int8", "float32 flex")
ALL = VARIANTS[:4]  # float32, float16, int8 weights, int8
FLOAT = ("float32", "int8 weights")


# --------------------------------------------------------------------------
# Models (batch 1, every weight random: N(0, 0.1), BatchNorm variances |N| + 0.5)


def conv1d(keras):
    L = keras.layers
    x = keras.Input((50, 6), batch_size=1)
    h = L.Conv1D(8, 5, strides=2, padding="same")(x)  # 25
    h = L.Conv1D(8, 3, dilation_rate=2, padding="valid")(h)  # 25 - 4 = 21
    h = L.Conv1D(6, 4, dilation_rate=3, padding="causal")(h)  # 21
    h = L.Conv1D(6, 3, strides=3, groups=2, padding="same")(h)  # 7
    h = L.GlobalAveragePooling1D()(h)
    return keras.Model(x, L.Dense(3)(h))


def conv3d(keras):
    L = keras.layers
    x = keras.Input((9, 11, 13, 3), batch_size=1)
    h = L.Conv3D(4, 3, strides=2, padding="same")(x)  # 5, 6, 7
    h = L.Conv3D(6, (2, 3, 3), padding="valid")(h)  # 4, 4, 5
    h = L.Conv3DTranspose(3, 3, strides=2, padding="same")(h)  # 8, 8, 10
    h = L.Conv3DTranspose(2, (2, 3, 3), strides=(1, 2, 2), padding="valid")(h)  # 9, 17, 21
    return keras.Model(x, L.GlobalMaxPooling3D()(h))


def transpose2d(keras):
    L = keras.layers
    x = keras.Input((13, 15, 4), batch_size=1)
    h = L.Conv2DTranspose(6, 3, strides=2, padding="same")(x)  # 26, 30
    h = L.Conv2DTranspose(5, (4, 3), strides=3, padding="valid")(h)  # 79, 90
    h = L.Conv2DTranspose(4, 3, padding="same", use_bias=False)(h)  # stride 1
    return keras.Model(x, h)


def transpose1d(keras):
    L = keras.layers
    x = keras.Input((21, 4), batch_size=1)
    h = L.Conv1DTranspose(6, 5, strides=3, padding="same")(x)  # 63
    h = L.Conv1DTranspose(3, 4, strides=2, padding="valid")(h)  # 128
    return keras.Model(x, h)


def dilated2d(keras):
    L = keras.layers
    x = keras.Input((31, 29, 5), batch_size=1)
    h = L.Conv2D(8, 3, dilation_rate=2, padding="same")(x)  # 31, 29
    h = L.Conv2D(8, (3, 5), dilation_rate=(2, 3), padding="valid")(h)  # 27, 17
    h = L.DepthwiseConv2D(3, dilation_rate=2, depth_multiplier=2, padding="same")(h)  # 27, 17, 16
    h = L.SeparableConv2D(8, 3, dilation_rate=3, padding="same")(h)
    return keras.Model(x, L.GlobalMaxPooling2D()(h))


def depthwise_grouped(keras):
    L = keras.layers
    x = keras.Input((33, 35, 6), batch_size=1)
    h = L.DepthwiseConv2D(5, strides=2, depth_multiplier=3, padding="same")(x)  # 17, 18, 18
    h = L.SeparableConv2D(10, 3, strides=2, depth_multiplier=2, padding="valid")(h)  # 8, 8, 10
    h = L.Conv2D(12, 3, strides=2, groups=2, padding="same")(h)  # 4, 4, 12
    h = L.Conv2D(12, 1, groups=4)(h)
    h = L.GlobalAveragePooling2D()(h)
    return keras.Model(x, L.Dense(5)(h))


def sep1d(keras):
    L = keras.layers
    x = keras.Input((40, 6), batch_size=1)
    h = L.SeparableConv1D(8, 5, strides=2, depth_multiplier=2, padding="same")(x)  # 20
    h = L.DepthwiseConv1D(3, depth_multiplier=3, padding="valid")(h)  # 18, 24
    h = L.SeparableConv1D(4, 3, dilation_rate=2, padding="same")(h)  # 18, 4
    return keras.Model(x, L.Dense(4)(L.Flatten()(h)))


def odd_strides(keras):
    L = keras.layers
    x = keras.Input((37, 41, 3), batch_size=1)
    h = L.Conv2D(8, 3, strides=2, padding="same")(x)  # 19, 21
    h = L.Conv2D(16, (4, 5), strides=(3, 2), padding="valid")(h)  # 6, 9
    h = L.MaxPooling2D(3, strides=2, padding="same")(h)  # 3, 5
    h = L.Conv2D(8, (2, 3), strides=(2, 3), padding="same")(h)  # 2, 2
    h = L.AveragePooling2D(2, padding="valid")(h)
    return keras.Model(x, L.Dense(3)(L.Flatten()(h)))


def norms_resize(keras):
    L = keras.layers
    x = keras.Input((12, 10, 8), batch_size=1)
    c = L.BatchNormalization()(L.Conv2D(8, 3, padding="same", use_bias=False)(x))  # folds into the conv
    h = L.BatchNormalization()(L.Add()([x, c]))  # cannot fold: MUL + ADD
    h = L.LayerNormalization()(h)
    h = L.GroupNormalization(groups=4)(h)
    h = L.UpSampling2D(2, interpolation="bilinear")(h)  # 24, 20
    h = L.Resizing(15, 13, interpolation="bilinear")(h)
    h = L.UpSampling2D((2, 1))(h)  # nearest: 30, 13
    h = L.Conv2D(4, 1)(h)
    h = L.GlobalAveragePooling2D()(h)
    return keras.Model(x, L.Dense(4)(h))


def dense3d_embedding(keras):
    L = keras.layers
    ids = keras.Input((12,), batch_size=1, dtype="int32")
    h = L.Embedding(50, 16)(ids)
    h = L.Dense(24, activation="relu")(h)  # Dense on a 3-D input: 12 rows
    h = L.BatchNormalization()(h)
    h = L.LayerNormalization(center=False)(h)
    h = L.Dense(8)(h)
    h = L.GlobalMaxPooling1D()(h)
    return keras.Model(ids, L.Dense(2)(h))


def mha(keras):
    L = keras.layers
    x = keras.Input((10, 16), batch_size=1)
    ctx = keras.Input((7, 12), batch_size=1)
    keys = keras.Input((7, 9), batch_size=1)
    h = L.MultiHeadAttention(num_heads=3, key_dim=8)(x, x, use_causal_mask=True)  # causal mask
    h = L.Add()([x, h])
    h = L.MultiHeadAttention(num_heads=2, key_dim=6, value_dim=5, output_shape=20)(h, ctx, keys)  # cross: query, value, key
    return keras.Model([x, ctx, keys], h)


def mha_mask(keras):
    L = keras.layers
    x = keras.Input((9, 12), batch_size=1)
    mask = keras.Input((9, 9), batch_size=1, dtype="bool")
    h = L.MultiHeadAttention(num_heads=2, key_dim=4, use_bias=False)(x, x, attention_mask=mask)
    return keras.Model([x, mask], h)


def attention(keras):
    L = keras.layers
    q = keras.Input((8, 12), batch_size=1)
    v = keras.Input((6, 12), batch_size=1)
    a = L.Attention()([q, v])  # dot-product: scores 8x6x12, weighted sum 8x6x12
    b = L.AdditiveAttention()([q, v])  # scores tanh(q + k) . scale (element-wise), weighted sum 8x6x12
    return keras.Model([q, v], L.Dense(4)(L.Concatenate()([a, b])))


def rnn_unrolled(keras):
    L = keras.layers
    x = keras.Input((6, 5), batch_size=1)
    h = L.LSTM(7, unroll=True, return_sequences=True)(x)
    h = L.GRU(6, unroll=True, return_sequences=True)(h)
    h = L.SimpleRNN(4, unroll=True)(h)
    return keras.Model(x, h)


def rnn_loops(keras):
    L = keras.layers
    x = keras.Input((9, 5), batch_size=1)
    h = L.Bidirectional(L.GRU(8, return_sequences=True))(x)  # two WHILE loops
    h = L.GRU(6, reset_after=False, return_sequences=True)(h)
    h = L.Bidirectional(L.SimpleRNN(4), merge_mode="sum")(h)
    return keras.Model(x, h)


def fused_lstm(keras):  # tf_keras (Keras 2): LSTMs fused into UNIDIRECTIONAL_SEQUENCE_LSTM
    L = keras.layers
    x = keras.Input((11, 5), batch_size=1)
    h = L.LSTM(10, return_sequences=True)(x)
    h = L.Bidirectional(L.LSTM(6, return_sequences=True), merge_mode="sum")(h)
    h = L.LSTM(5)(h)
    return keras.Model(x, h)


def keras2_unrolled(keras):  # tf_keras with unroll=True: no fused op, one matmul per step
    L = keras.layers
    x = keras.Input((5, 4), batch_size=1)
    h = L.LSTM(6, unroll=True, return_sequences=True)(x)
    h = L.GRU(5, unroll=True, reset_after=False)(h)
    return keras.Model(x, h)


def rnn_sequences_loop(keras):  # Keras 3 LSTMs returning sequences: WHILE loops writing a (T, 1, units) output
    L = keras.layers
    x = keras.Input((7, 5), batch_size=1)
    h = L.Bidirectional(L.LSTM(6, return_sequences=True))(x)
    h = L.LSTM(4)(h)  # control: the last step only
    return keras.Model(x, h)


def space_to_batch(keras):  # an explicit SPACE_TO_BATCH_ND -> conv -> BATCH_TO_SPACE_ND the converter cannot fuse
    import tensorflow as tf

    L = keras.layers

    class S2B(L.Layer):
        def call(self, t):
            return tf.nn.relu(tf.space_to_batch_nd(t, [2, 2], [[1, 2], [1, 2]]))

    class B2S(L.Layer):
        def call(self, t):
            return tf.batch_to_space(tf.nn.relu(t), [2, 2], [[0, 1], [0, 1]])

    x = keras.Input((15, 17, 4), batch_size=1)
    h = S2B()(x)  # (4, 9, 10, 4)
    h = L.Conv2D(8, 3)(h)  # (4, 7, 8, 8): batch 4
    h = B2S()(h)  # (1, 13, 15, 8)
    h = L.Conv3D(2, 1)(L.Reshape((13, 15, 8, 1))(h))  # a 1x1x1 Conv3D, Cin 1
    return keras.Model(x, h)


def conv3d_more(keras):
    L = keras.layers
    x = keras.Input((8, 9, 10, 2), batch_size=1)
    h = L.Conv3D(4, 3, padding="same")(x)
    h = L.ZeroPadding3D((1, 0, 2))(h)  # 10, 9, 14
    h = L.Conv3D(3, (1, 3, 3), strides=(1, 2, 2), groups=1, padding="valid")(h)  # 10, 4, 6
    h = L.UpSampling3D((1, 2, 2))(h)  # 10, 8, 12
    h = L.Cropping3D((1, 1, 2))(h)  # 8, 6, 8
    h = L.Conv3DTranspose(2, 2, strides=2, use_bias=False)(h)  # 16, 12, 16
    return keras.Model(x, L.GlobalAveragePooling3D()(h))


def conv_lstm(keras):  # Keras 3 ConvLSTM2D: a WHILE whose body holds two CONV_2D per step
    L = keras.layers
    x = keras.Input((4, 9, 10, 3), batch_size=1)
    return keras.Model(x, L.ConvLSTM2D(5, 3, padding="valid")(x))  # (7, 8, 5) per step


def masked_lstm(keras):  # Embedding(mask_zero) -> LSTM: the loop keeps the last state where the mask is 0
    L = keras.layers
    ids = keras.Input((12,), batch_size=1, dtype="int32")
    return keras.Model(ids, L.Dense(3)(L.LSTM(6)(L.Embedding(50, 8, mask_zero=True)(ids))))


def batch3(keras):  # a batch of 3: every MAC count x 3
    L = keras.layers
    x = keras.Input((11, 13, 4), batch_size=3)
    h = L.Conv2D(6, 3, strides=2, padding="same")(x)  # 6, 7
    h = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(h)  # 6, 7, 12
    h = L.Dense(5)(h)  # Dense on a 4-D input: 42 rows per image
    h = L.Conv2DTranspose(4, 2, strides=2)(h)  # 12, 14
    return keras.Model(x, L.Dense(2)(L.GlobalAveragePooling2D()(h)))


def conv3d_dilated(keras):  # TF writes SpaceToBatchND around it, which TFLite has no builtin for at rank 5: Flex ops
    L = keras.layers
    x = keras.Input((8, 9, 10, 2), batch_size=1)
    return keras.Model(x, L.Conv3D(4, 3, dilation_rate=2, padding="same")(x))


def attention_more(keras):
    L = keras.layers
    q = keras.Input((8, 12), batch_size=1)
    v = keras.Input((6, 10), batch_size=1)
    k = keras.Input((6, 12), batch_size=1)
    a = L.Attention(score_mode="concat")([q, v, k])  # scores tanh(q + k) . concat_score_weight (element-wise), weighted sum 8x6x10
    b = L.Attention(use_scale=True)([q, q], use_causal_mask=True)  # self: scores 8x8x12, weighted sum 8x8x12; a 1-element scale
    return keras.Model([q, v, k], L.Concatenate()([a, b]))


def gpt2_tiny(keras):  # keras-hub GPT2Backbone from a config, no preset; wrapped at batch 1 x 16 tokens
    import keras_hub

    bb = keras_hub.models.GPT2Backbone(vocabulary_size=100, num_layers=2, num_heads=2, hidden_dim=32, intermediate_dim=64,
                                       max_sequence_length=16, dropout=0.0)
    ins = {k: keras.Input((16,), batch_size=1, dtype="int32", name=k) for k in ("token_ids", "padding_mask")}
    return keras.Model(ins, bb(ins)), bb


def bert_tiny(keras):  # keras-hub BertBackbone from a config, no preset; wrapped at batch 1 x 16 tokens
    import keras_hub

    bb = keras_hub.models.BertBackbone(vocabulary_size=100, num_layers=2, num_heads=2, hidden_dim=32, intermediate_dim=64,
                                       max_sequence_length=16, num_segments=2, dropout=0.0)
    # (TFLiteConverter.from_keras_model fails on it in TF 2.21 -- "'NoneType' object is not callable" in
    # tflite_keras_util -- so keras-hub models are converted from a tf.function at batch 1: convert())
    ins = {k: keras.Input((16,), batch_size=1, dtype="int32", name=k) for k in ("token_ids", "segment_ids", "padding_mask")}
    out = bb(ins)
    return keras.Model(ins, [out["sequence_output"], out["pooled_output"]]), bb


def resnet_hub(keras):  # keras-hub ResNetBackbone from a config, no preset (its first stack must have 64 filters)
    import keras_hub

    bb = keras_hub.models.ResNetBackbone(input_conv_filters=[64], input_conv_kernel_sizes=[3], stackwise_num_filters=[64, 128],
                                         stackwise_num_blocks=[1, 1], stackwise_num_strides=[1, 2], block_type="basic_block",
                                         use_pre_activation=False, image_shape=(32, 32, 3))
    x = keras.Input((32, 32, 3), batch_size=1)
    return keras.Model(x, bb(x)), bb


# name -> (builder, built with tf_keras, variants, fixed input shapes for keras-hub models)
MODELS = {
    "Conv1D strided/dilated/causal/grouped": ("conv1d", False, ALL),
    "Conv3D + Conv3DTranspose": ("conv3d", False, ALL),
    "Conv2DTranspose": ("transpose2d", False, ALL),
    "Conv1DTranspose": ("transpose1d", False, ALL),
    "dilated Conv2D/Depthwise/Separable": ("dilated2d", False, ALL),
    "depth_multiplier + grouped Conv2D": ("depthwise_grouped", False, ALL),
    "SeparableConv1D + DepthwiseConv1D": ("sep1d", False, ALL),
    "odd sizes, strides, pools": ("odd_strides", False, ALL),
    "BN/LN/GN + resize": ("norms_resize", False, ALL),
    "Embedding + Dense 3-D + BN": ("dense3d_embedding", False, ALL),
    "MHA causal + cross": ("mha", False, ALL),
    "MHA bool mask": ("mha_mask", False, FLOAT),
    "Attention + AdditiveAttention": ("attention", False, ALL),
    "K3 LSTM/GRU/RNN unrolled": ("rnn_unrolled", False, ALL),
    "K3 BiGRU/GRU/BiRNN loops": ("rnn_loops", False, FLOAT),
    "K2 fused LSTM stack + BiLSTM": ("fused_lstm", True, FLOAT),
    "K2 LSTM/GRU unrolled": ("keras2_unrolled", True, FLOAT),
    "K3 BiLSTM seq + LSTM loops": ("rnn_sequences_loop", False, FLOAT),
    "SPACE_TO_BATCH_ND + conv": ("space_to_batch", False, ALL),
    "Conv3D + pad/crop/upsample 3-D": ("conv3d_more", False, ALL),
    "K3 ConvLSTM2D loop": ("conv_lstm", False, FLOAT),
    "K3 masked LSTM loop": ("masked_lstm", False, FLOAT),
    "batch 3 conv/depthwise/Dense 4-D": ("batch3", False, ALL),
    "Conv3D dilated (Flex S2B)": ("conv3d_dilated", False, ("float32", "float32 flex")),
    "Attention concat/causal/scale": ("attention_more", False, ALL),
    "keras-hub BERT tiny": ("bert_tiny", False, ALL),
    "keras-hub GPT-2 tiny": ("gpt2_tiny", False, ALL),
    "keras-hub ResNet tiny": ("resnet_hub", False, ALL),
}


# --------------------------------------------------------------------------
# Expected counts, from each Keras layer's config and weights' shapes (never from dscost)

GATES = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}


def _shape(t):
    return tuple(int(d) for d in tuple(t.shape)[1:])


def _rnn(rnn, steps: int, width: int, unrolled: bool, fused: bool, by_op: Counter) -> tuple[int, int]:
    """One recurrent layer: steps x gates x units x (input + units) MACs (x W and h U every step).
    unrolled: the converter folds step 0's h0 @ U (h0 is a constant zero), so one step's
    gates x units x units fewer.  Weights: kernel + recurrent kernel; biases: the bias vector(s)
    (a GRU with reset_after has two: input and recurrent)."""
    kind = type(rnn).__name__
    g, u = GATES[kind], rnn.units
    macs = steps * g * u * (width + u)
    if unrolled:
        macs -= g * u * u  # step 0: zeros @ U, folded by the converter
    op = "UNIDIRECTIONAL_SEQUENCE_LSTM" if fused else "FULLY_CONNECTED" if unrolled else "WHILE"
    by_op[op] += macs
    ws = rnn.get_weights()
    weights, biases = ws[0].size + ws[1].size, ws[2].size if len(ws) > 2 else 0
    if unrolled and biases:
        # Unrolled, every step adds the layer's bias with an op of its own, all reading one tensor
        # (fully quantized: a copy requantized for each op) after the same kernels: one layer
        # applied again, counted once (docs/tflite.md; steps x the bias before 2026-12-06).
        # A GRU with reset_after (Keras 3's default) has an input bias (3u) and a recurrent bias (3u);
        # at step 0 h0 @ U + b_rec folds to b_rec, split by the converter into the z and r parts
        # (2u, ADDs after no kernel: biases of their own) and r * b_rec_h (u, a MUL by a constant: weights).
        if kind == "GRU" and getattr(rnn, "reset_after", False):
            biases += 2 * u
            weights += u
    return weights, biases


def expected_counts(model) -> dict:
    """MACs (in all and by the TFLite op each layer should become), weights, biases, params of a
    Keras model (batch 1) of random weights.  Formulas, per layer (out = output shape without the
    batch, in = input shape):
    * ConvND (groups g): prod(kernel (k..., Cin/g, Cout)) x prod(out spatial) MACs; a bias per
      output channel (the converter writes one for every conv op).
    * DepthwiseConvND: prod(kernel (k..., Cin, mult)) x prod(out spatial); Cin x mult biases.
    * SeparableConvND: the depthwise kernel at the output positions (strides and dilation are
      the depthwise's) + the pointwise kernel at the output positions; Cin x mult + Cout biases.
    * ConvNDTranspose: every input position scatters the whole kernel:
      prod(kernel (k..., Cout, Cin)) x prod(in spatial); Cout biases when use_bias (the
      converter writes no zero bias for TRANSPOSE_CONV, unlike CONV_2D).
    * Dense: prod(kernel) x rows (the product of the input's leading dims); its units biases.
    * BatchNormalization folded into the conv before it (its only reader) adds nothing; any other
      stays a per-channel MUL (C weights) and ADD (C biases).
    * LayerNormalization / GroupNormalization: gamma a MUL (C weights), beta an ADD (C biases).
    * Embedding: its table (GATHER) weights.
    * MultiHeadAttention: four projections FULLY_CONNECTED (tq dq h kd + tk dk h kd + tk dv h vd
      + tq h vd dout) and BATCH_MATMUL h tq tk (kd + vd).
    * Attention: BATCH_MATMUL tq tk d (scores) + tq tk dv (weighted sum); AdditiveAttention: its
      scores are element-wise (tanh(q + k) . scale, no MACs), its weighted sum tq tk dv; its scale
      (d,) a MUL's weights.
    * LSTM/GRU/SimpleRNN: _rnn; Bidirectional: both.  ConvLSTM2D: steps x output positions x
      (prod(kernel) + prod(recurrent kernel)) (the recurrent conv is 'same', stride 1, on the output).
    * Every count above x the batch (nb: 3 for batch3; 4 for the conv after SPACE_TO_BATCH_ND).
    * Pooling, resize, upsampling, add, concatenate, flatten: no MACs, no params."""
    import numpy as np

    by_op: Counter = Counter()
    weights = biases = 0
    readers = _readers(model)
    convs = ("Conv1D", "Conv2D", "Conv3D", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D")
    for layer in model.layers:
        kind = type(layer).__name__
        ws = layer.get_weights()
        if not ws and kind != "Attention":
            continue
        out = _shape(layer.output) if not isinstance(layer.output, (list, tuple)) else _shape(layer.output[0])
        nb = int(tuple(layer.output.shape)[0] or 1) if not isinstance(layer.output, (list, tuple)) else 1  # batch (4 after SPACE_TO_BATCH_ND)
        if kind in ("Conv1D", "Conv2D", "Conv3D"):
            k = ws[0].shape
            by_op["CONV_3D" if kind == "Conv3D" else "CONV_2D"] += nb * prod(k) * prod(out[:-1])
            weights += prod(k)
            biases += out[-1]
        elif kind in ("DepthwiseConv1D", "DepthwiseConv2D"):
            k = ws[0].shape
            by_op["DEPTHWISE_CONV_2D"] += nb * prod(k) * prod(out[:-1])
            weights += prod(k)
            biases += k[-2] * k[-1]
        elif kind in ("SeparableConv1D", "SeparableConv2D"):
            dw, pw = ws[0].shape, ws[1].shape
            by_op["DEPTHWISE_CONV_2D"] += nb * prod(dw) * prod(out[:-1])
            by_op["CONV_2D"] += nb * prod(pw) * prod(out[:-1])
            weights += prod(dw) + prod(pw)
            biases += dw[-2] * dw[-1] + out[-1]
        elif kind in ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"):
            k = ws[0].shape
            by_op["CONV_3D_TRANSPOSE" if kind == "Conv3DTranspose" else "TRANSPOSE_CONV"] += nb * prod(k) * prod(_shape(layer.input)[:-1])
            weights += prod(k)
            biases += out[-1] if layer.use_bias else 0  # TRANSPOSE_CONV's bias is optional: none written without one
        elif kind == "Dense":
            k = ws[0].shape
            by_op["FULLY_CONNECTED"] += nb * prod(k) * prod(out[:-1])
            weights += prod(k)
            biases += out[-1] if layer.use_bias and np.any(ws[1] != 0) else 0
        elif kind == "BatchNormalization":
            src = _source(layer)
            if not (type(src).__name__ in convs and readers[src.name] == 1):
                weights += out[-1]
                biases += out[-1]
        elif kind in ("LayerNormalization", "GroupNormalization"):
            weights += out[-1] if layer.scale else 0
            biases += out[-1] if layer.center else 0
        elif kind == "Embedding":
            weights += ws[0].size
        elif kind == "MultiHeadAttention":
            ins = [_shape(t) for t in layer.input] if isinstance(layer.input, (list, tuple)) else [_shape(layer.input)]
            query, value = ins[0], ins[1] if len(ins) > 1 else ins[0]
            key = ins[2] if len(ins) > 2 and len(ins[2]) == 2 and ins[2][0] == value[0] and ins[2] != (query[0], value[0]) else value
            (tq, dq), (tk, dk), dv, d_out = query, key, value[-1], out[-1]
            h, kd, vd = layer.num_heads, layer.key_dim, layer.value_dim or layer.key_dim
            weights += h * kd * (dq + dk) + h * vd * (dv + d_out)
            biases += (2 * h * kd + h * vd + d_out) if layer.use_bias else 0
            by_op["FULLY_CONNECTED"] += tq * dq * h * kd + tk * dk * h * kd + tk * dv * h * vd + tq * h * vd * d_out
            by_op["BATCH_MATMUL"] += h * tq * tk * kd + h * tq * tk * vd
        elif kind in ("Attention", "AdditiveAttention"):
            (tq, d), (tk, dv) = (_shape(t) for t in layer.input[:2])
            dot = kind == "Attention" and layer.score_mode == "dot"
            by_op["BATCH_MATMUL"] += (tq * tk * d if dot else 0) + tq * tk * dv
            # AdditiveAttention's scale (d,) is a MUL's weights; Attention's use_scale is one element
            # (a scalar MUL: dscost counts a constant operand of more than one element only), and
            # score_mode="concat" has a one-element concat_score_weight too
            weights += sum(w.size for w in ws if w.size > 1)
        elif kind == "ConvLSTM2D":  # steps x output positions x (input kernel + recurrent kernel), a WHILE
            steps = _shape(layer.input)[0]
            k, r, b = ws
            by_op["WHILE"] += steps * prod(out[:-1]) * (k.size + r.size)
            weights += k.size + r.size
            # the body is 4 input convs (one per gate, with its bias) and 4 recurrent convs, which the
            # converter gives a zero bias each (a bias for every conv op): 4F + 4F
            biases += b.size + b.size
        elif kind in ("Bidirectional", *GATES):
            steps, width = _shape(layer.input[0] if isinstance(layer.input, (list, tuple)) else layer.input)  # (a mask too)
            fused = kind != "SimpleRNN" and type(layer).__module__.startswith("tf_keras")
            for rnn in (layer.forward_layer, layer.backward_layer) if kind == "Bidirectional" else (layer,):
                is_fused = fused and type(rnn).__name__ == "LSTM" and not rnn.unroll
                w, b = _rnn(rnn, steps, width, bool(rnn.unroll), is_fused, by_op)
                weights += w
                biases += b
        else:
            raise ValueError(f"no rule for {kind} {layer.name!r}")
    return {"macs": sum(by_op.values()), "weights": weights, "biases": biases, "macs_by_op": dict(by_op), "params": int(model.count_params())}


def bert_counts(model) -> dict:
    """keras-hub BertBackbone (no functional layers to walk inside its TransformerEncoders): per
    encoder layer, T tokens, hidden H, intermediate I, heads of H / heads: Q, K, V, O projections
    4 T H H, scores and weighted sum 2 T T H (all heads), feed-forward 2 T H I; the pooler
    Dense(H) on the first token, H H.  Weights: token and segment tables (GATHER), the position
    table (added: biases), kernels, LayerNorm gammas; biases: the rest (count_params() split)."""
    T, H, I, n = model.max_sequence_length, model.hidden_dim, model.intermediate_dim, model.num_layers
    by_op = Counter(FULLY_CONNECTED=n * (4 * T * H * H + 2 * T * H * I) + H * H, BATCH_MATMUL=n * 2 * T * T * H)
    weights = model.vocabulary_size * H + model.num_segments * H + n * (4 * H * H + 2 * H * I + 2 * H) + H + H * H
    params = int(model.count_params())
    return {"macs": sum(by_op.values()), "weights": weights, "biases": params - weights, "macs_by_op": dict(by_op), "params": params}


def gpt2_counts(model) -> dict:
    """keras-hub GPT2Backbone: per decoder layer Q, K, V, O 4 T H H, scores and weighted sum 2 T T H
    (causal: the masked half still computed), feed-forward 2 T H I.  Weights: the token table
    (GATHER), kernels, LayerNorm gammas (2 per layer + the final one); the position table (added:
    biases) and the rest are biases."""
    T, H, I, n = model.max_sequence_length, model.hidden_dim, model.intermediate_dim, model.num_layers
    by_op = Counter(FULLY_CONNECTED=n * (4 * T * H * H + 2 * T * H * I), BATCH_MATMUL=n * 2 * T * T * H)
    weights = model.vocabulary_size * H + n * (4 * H * H + 2 * H * I + 2 * H) + H
    params = int(model.count_params())
    return {"macs": sum(by_op.values()), "weights": weights, "biases": params - weights, "macs_by_op": dict(by_op), "params": params}


def randomize(model, keras) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    model.set_weights([(rng.standard_normal(w.shape) * 0.1).astype(w.dtype) for w in model.get_weights()])
    for layer in model._flatten_layers() if hasattr(model, "_flatten_layers") else model.layers:
        if type(layer).__name__ == "BatchNormalization":
            g, b, m, v = layer.get_weights()
            layer.set_weights([g + 1, b, m, np.abs(v) + 0.5])


def representative(model, vocab, as_list: bool = False):
    """Random calibration inputs, one dict per sample keyed by input name (a list in model.inputs
    order is fed to the signature's inputs in another order when there are several); as_list: a
    list in the order of the model's inputs (a tf.function's, which has no signature to key by)."""
    import numpy as np

    def gen():
        rng = np.random.default_rng(0)
        for _ in range(4):
            row = {}
            for t in model.input.values() if isinstance(model.input, dict) else model.inputs:
                shape = (int(t.shape[0] or 1), *[int(d) for d in t.shape[1:]])
                dt, name = str(t.dtype), t.name.split(":")[0]
                if "int" in dt:
                    row[name] = rng.integers(0, vocab or 2, shape).astype(np.int32)
                elif "bool" in dt:
                    row[name] = rng.random(shape) > 0.3
                else:
                    row[name] = rng.standard_normal(shape).astype(np.float32)
            yield row if len(row) > 1 and not as_list else list(row.values())

    return gen


def convert(model, variant: str, path: Path, vocab, concrete: bool = False) -> None:
    import tensorflow as tf

    if concrete:  # a tf.function of the model at its fixed input shapes
        named = model.input if isinstance(model.input, dict) else None
        specs = [tf.TensorSpec(t.shape, t.dtype, name=k) for k, t in (named.items() if named else enumerate(model.inputs))]
        fn = tf.function(lambda *xs: model(dict(zip(named, xs)) if named else list(xs)), input_signature=specs)
        conv = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()])  # (no trackable: variables frozen to constants)
    else:
        conv = tf.lite.TFLiteConverter.from_keras_model(model)
    if variant == "float32 flex":  # TensorFlow ops TFLite has no builtin for kept as Flex custom ops
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS, tf.lite.OpsSet.SELECT_TF_OPS]
    elif variant == "float16":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.target_spec.supported_types = [tf.float16]
    elif variant == "int8 weights":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
    elif variant == "int8":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = representative(model, vocab, as_list=concrete)
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    path.write_bytes(conv.convert())


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:240] if lines else ""


def one(name: str, variants: list[str], folder: Path) -> list[dict]:
    """(In a child process.)  Build, randomize, count and convert one model."""
    builder, legacy, allowed = MODELS[name]
    if legacy:
        import tf_keras as keras
    else:
        import keras
    model = globals()[builder](keras)
    model, inner = model if isinstance(model, tuple) else (model, model)  # a keras-hub backbone in a wrapper
    randomize(model, keras)
    expected = bert_counts(inner) if builder == "bert_tiny" else gpt2_counts(inner) if builder == "gpt2_tiny" else expected_counts(inner)
    vocab = next((layer.input_dim for layer in model.layers if type(layer).__name__ == "Embedding"), None)
    if builder in ("bert_tiny", "gpt2_tiny"):
        vocab = 2  # token ids and segment ids below 2; the padding mask is an int
    rows = []
    for variant in [v for v in variants if v in allowed]:
        row = {"name": name, "variant": variant, "expected": expected}
        path = folder / f"{builder}_{variant.replace(' ', '_')}.tflite"
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                convert(model, variant, path, vocab, concrete=inner is not model)
            row["path"] = str(path)
        except Exception as err:  # noqa: BLE001 -- the converter's failure is reported, not a dscost difference
            row["convert_error"] = f"{type(err).__name__}: {_last_line(str(err))}"
        rows.append(row)
    return rows


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def file_ops(path: Path) -> Counter:
    import tflite

    buf = path.read_bytes()
    m = tflite.Model.GetRootAsModel(buf, 0)
    names = {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")}
    n: Counter = Counter()
    for s in range(m.SubgraphsLength()):
        g = m.Subgraphs(s)
        for i in range(g.OperatorsLength()):
            oc = m.OperatorCodes(g.Operators(i).OpcodeIndex())
            code = max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode())
            n[names.get(code, str(code)) if code != 32 else (oc.CustomCode() or b"CUSTOM").decode()] += 1
    return n


def dscost(path: Path) -> tuple[dict | None, str]:
    p = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), "-f", "json", "-q"], capture_output=True, text=True, env=_env(), timeout=300)
    if p.returncode != 0:
        return None, f"exit {p.returncode}: {_last_line(p.stderr)}"
    return json.loads(p.stdout), ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help=f"comma-separated model names (of {', '.join(MODELS)})")
    ap.add_argument("--variants", help=f"comma-separated variants (default all of {', '.join(VARIANTS)})")
    ap.add_argument("--keep", type=Path, help="write the .tflite files here (default: a temporary folder)")
    ap.add_argument("--ops", action="store_true", help="print each file's op counts")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    variants = args.variants.split(",") if args.variants else list(VARIANTS)  # (each model takes those of MODELS it allows)
    if args.child:
        name, folder = args.child.split("|")
        print(json.dumps(one(name, variants, Path(folder))))
        return 0
    names = args.only.split(",") if args.only else list(MODELS)
    tmp = None
    if args.keep:
        folder = args.keep
        folder.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="dscost-tflite-layers-")
        folder = Path(tmp.name)
    start = time.perf_counter()
    rows = []
    for name in names:  # one model at a time, each in a process of its own
        env = dict(os.environ)
        env.pop("TF_USE_LEGACY_KERAS", None)
        if MODELS[name][1]:
            env["TF_USE_LEGACY_KERAS"] = "1"
        p = subprocess.run([sys.executable, __file__, "--child", f"{name}|{folder}", "--variants", ",".join(variants)], capture_output=True, text=True, env=env)
        try:
            got = json.loads(p.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            rows.append({"name": name, "variant": "-", "convert_error": f"child exit {p.returncode}: {_last_line(p.stderr)}"})
            continue
        for row in got:
            if "path" in row:
                d, err = dscost(Path(row["path"]))
                if d is None:
                    row["dscost_error"] = err
                else:
                    t = d["totals"]
                    by_op: Counter = Counter()
                    for layer in d["layers"]:
                        if layer["macs"]:
                            by_op[layer["op"]] += layer["macs"]
                    row["got"] = {"macs": t["macs"], "weights": t["weights"], "biases": t["biases"], "params": t["params"], "macs_by_op": dict(by_op)}
                    row["uncounted"] = dict(Counter(u["op"] for u in d.get("uncounted", [])))
                    row["ops"] = dict(file_ops(Path(row["path"])))
        rows.extend(got)
        print(f"{name}: done, {time.perf_counter() - start:.0f} s", file=sys.stderr)

    import keras
    import tensorflow as tf
    import tflite

    print(f"dscost TFLite layers cross-check, {date.today()}, {platform.machine()} {platform.system()}, Python {platform.python_version()}, "
          f"TensorFlow {tf.__version__}, Keras {keras.__version__}, tflite {tflite.__version__}")  # fmt: skip
    head = f"{'model':<36} {'variant':<12} {'expected MACs':>13} {'dscost MACs':>12} {'exp params':>10} {'dscost':>8} {'exp w/b':>13} {'dscost w/b':>13}  MACs  params  uncounted"
    print(head)
    print("-" * len(head))
    n_files = n_mac = n_par = 0
    for r in rows:
        lead = f"{r['name']:<36} {r['variant']:<12}"
        if "got" not in r:
            print(f"{lead} {r.get('convert_error') and 'converter failed: ' + r['convert_error'] or 'dscost failed: ' + r.get('dscost_error', '')}")
            continue
        e, g = r["expected"], r["got"]
        n_files += 1
        mac_ok, par_ok = g["macs"] == e["macs"], (g["weights"], g["biases"]) == (e["weights"], e["biases"])
        n_mac += mac_ok
        n_par += par_ok
        unc = ", ".join(f"{k} x{v}" for k, v in sorted(r["uncounted"].items())) or "-"
        print(f"{lead} {e['macs']:>13,} {g['macs']:>12,} {e['weights'] + e['biases']:>10,} {g['params']:>8,} {e['weights']:>7,}/{e['biases']:<5,} "
              f"{g['weights']:>7,}/{g['biases']:<5,}  {'yes' if mac_ok else 'NO':<4}  {'yes' if par_ok else 'NO':<6}  {unc}")  # fmt: skip
        if args.ops or not mac_ok:
            print(f"    by op: expected {e['macs_by_op']}  dscost {g['macs_by_op']}")
        if args.ops:
            print(f"    ops: {r['ops']}")
    print(f"{n_files} files: MACs equal on {n_mac}, weights and biases equal on {n_par}; total run time {time.perf_counter() - start:.0f} s")
    if tmp is not None:
        tmp.cleanup()
    return 0 if n_mac == n_par == n_files and all("got" in r and not r["uncounted"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
