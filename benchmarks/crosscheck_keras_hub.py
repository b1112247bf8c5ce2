"""Forty-first blind round: keras-hub (Keras 3) backbones and task models, exported to TFLite and ONNX.

What it stresses: the files Keras 3's own exporters write for keras-hub models no round held --
``model.export(path, format="litert")`` (TFLiteConverter.from_saved_model of Keras' ExportArchive, which
declares a dynamic batch even for a batch-1 Input) and ``model.export(path, format="onnx")`` (Keras' copy of
tf2onnx 1.17), plus float16-weight (BERT, ResNetV2) and dynamic-range int8 (BERT, GPT2, ResNetV2) LiteRT files and
a batch-1 ``input_signature`` LiteRT file of Swin and FNet (no -1 anywhere).  23 keras-hub 0.32 models from small
configs (random weights N(0, 0.1), BN variance |N| + 0.5, so no exporter drops a zero bias; no preset, no
download), each wrapped in a Functional model at batch 1, 16 tokens or 64x64 (ViTs 32x32) pixels: encoders
BERT, RoBERTa, ELECTRA (embedding projection), ALBERT (one layer group applied twice: tied weights), DeBERTaV3
(disentangled attention: the query/key projections reused on the relative embeddings), XLNet (two-stream
relative attention, einsums), FNet (FFT token mixing); decoders GPT2, Qwen2 (RoPE, RMSNorm, GQA, QKV biases),
Qwen3 (q/k RMSNorms), Mixtral (4 experts, top-2 router); encoder-decoders T5 (relative position buckets), BART,
Whisper (conv front end); vision DeiT, Swin (shifted windows: tf.roll), ResNetV2 (pre-activation bottlenecks),
EfficientNet, MobileNetV3 (depthwise as grouped Conv2D, SE, hard-swish), DenseNet, Xception (separable convs),
a ResNetImageClassifier task model and a SegFormerImageSegmenter (MiT encoder, MLP decoder, BN head).  Round 36
(crosscheck_keras3.py) read these exporters on 8 keras-hub backbones against hand formulas; this round has an
oracle of measured shapes on every file, and keras-hub classes no round built (all but BERT, MiT, ResNet).

The oracle (written here, no dscost code): params -- Keras' ``count_params()`` (trainable and not: BN moving
statistics), and ``folded``: count_params after the converter's BatchNorm folding (a BN after a Conv2D /
DepthwiseConv2D / SeparableConv2D becomes its bias: 4C -> C, or 0 when the conv had one; a BN inside a custom
layer's call, MobileNetV3's blocks, taken as after its bias-less conv; any other BN a scale and a shift: 4C -> 2C).
MACs from measured shapes: TFLite -- the flatbuffer read with the ``tflite`` schema package, shapes as stored,
or, when a shape_signature has -1 (every default LiteRT export here), from one ai-edge-litert interpreter run at
batch 1 WITHOUT the XNNPACK delegate; CONV_2D prod(out) x prod(W[1:]); DEPTHWISE_CONV_2D prod(out) x kh x kw;
FULLY_CONNECTED prod(out) x W[1]; TRANSPOSE_CONV prod(in) x Cout x kh x kw; BATCH_MATMUL prod(out) x K (adj_x
read); compute-op params: their constant weight (once per tensor) and bias (per op) inputs.  ONNX -- every node
output made a graph output, the graph run once by onnxruntime (CPU, optimizations off) on random inputs (ids 0/1);
TF's ``Erfc`` (exact GELU), which tf2onnx leaves in the default domain and onnxruntime refuses, run as
``1 - Erf(x)`` (the file dscost reads is unchanged); Conv prod(out) x prod(W[1:]); MatMul / Gemm prod(out) x K;
Einsum the product of its index sizes.  Hand counts (``analytic``) for BERT, RoBERTa, GPT2: per layer S(4d^2 +
2 d ff) + 2 S^2 d, BERT's pooler d^2.  Compared per file: total MACs against the oracle and the hand count;
dscost's params + buffers against count_params (and ``folded``); dscost's weights + biases of the oracle's
compute ops against the oracle's; every uncounted op with its reason; dscost's TFLite against its ONNX count of
the same model; traceback, exit code, wall time.

Install (a venv of its own; TensorFlow, keras-hub, tf2onnx are not dscost dependencies; uv resolved them together,
protobuf 7.36.2):

    python3.11 -m venv /tmp/r41/venv && /tmp/r41/venv/bin/pip install uv
    /tmp/r41/venv/bin/python -m uv pip install --python /tmp/r41/venv/bin/python keras-hub==0.32.0 \\
        tensorflow-cpu==2.21.0 keras==3.15.1 tf2onnx==1.17.0 onnx==1.23.2 onnxruntime==1.32.0 tflite==2.18.0 \\
        ai-edge-litert==2.3.0 typer rich pydantic pyyaml numpy

Run (from the checkout; dscost runs as ``python -m dscost analyze FILE -f json -q`` with this checkout first on
PYTHONPATH; files go to OUT, each model's build + export cached as OUT/NAME.build.json for --reuse):

    PYTHONPATH=. /tmp/r41/venv/bin/python benchmarks/crosscheck_keras_hub.py --json /tmp/r41/rows.json \\
        [--out /tmp/r41/files] [--only BERT,Swin,...] [--reuse]

Each model's build and export in a child process (900 s), the oracle in another (600 s), dscost in a third
(300 s), one at a time.  Exit 1 when a file's MACs differ from the oracle's or the hand count, its params +
buffers from count_params, its compute-op params from the oracle's, dscost fails or writes a traceback, or an op
is uncounted.  A benchmark: not run in CI.

As run 2026-12-06, Linux x86_64, 2-core VM (shared), Python 3.11.7: tensorflow-cpu 2.21.0, Keras 3.15.1,
keras-hub 0.32.0, tf2onnx 1.17.0, onnx 1.23.2, onnxruntime 1.32.0, tflite 2.18.0, ai-edge-litert 2.3.0, numpy
2.4.6.  23 models, 53 files (23 ONNX, 23 float32 LiteRT, 2 float16, 3 int8, 2 static-batch LiteRT); every
export wrote a file (9 ONNX files invalid, below; Whisper after setting its features to
max_encoder_sequence_length frames: its position table has max // 2 rows); ~11 min in all (build and exports 10-40 s a model, dscost 0.5-2.6 s a file, oracle 1-4 s).
dscost exited 0 on every file, no traceback, no hang, no input shape asked for (free batch dimensions set to 1,
noted).

RESULTS (params: dscost's params (weights / biases / norm; buffers); "folded" = count_params after BN folding,
shown when it differs; diff = dscost's params + buffers - folded; bold = a difference; uncounted = ops dscost
lists as uncounted):

| model | format | KB | dscost MACs | oracle | dscost params (w / b / norm; buffers) | count_params (folded) | diff vs folded | uncounted | s |
|---|---|---:|---:|---|---|---|---|---|---:|
| BERT | TFLite | 181 | 295,936 | equal | 34,784 (34,144 / 640 / 0; 0) | 34,784 | equal | - | 2.6 |
| BERT | ONNX | 209 | 295,936 | equal | 34,784 (34,144 / 640 / 0; 0) | 34,784 | equal | - | 1.1 |
| BERT | TFLite fp16 | 121 | 295,936 | equal | 34,784 (34,144 / 640 / 0; 0) | 34,784 | equal | - | 2.6 |
| BERT | TFLite int8 | 90 | 295,936 | equal | 34,784 (34,144 / 640 / 0; 0) | 34,784 | equal | - | 2.5 |
| RoBERTa | TFLite | 175 | 294,912 | equal | 33,664 (33,056 / 608 / 0; 0) | 33,664 | equal | - | 1.1 |
| RoBERTa | ONNX | 201 | 114,688 | 294,912 (**-180,224**) | 33,664 (33,408 / 256 / 0; 0) | 33,664 | equal | 71 | 1.9 |
| ELECTRA | TFLite | 154 | 304,128 | equal | 27,008 (26,352 / 656 / 0; 0) | 27,008 | equal | - | 1.3 |
| ELECTRA | ONNX | 184 | 304,128 | equal | 27,008 (26,352 / 656 / 0; 0) | 27,008 | equal | - | 0.5 |
| ALBERT | TFLite | 119 | 304,128 | equal | 18,592 (18,160 / 432 / 0; 0) | 18,464 | **+128** | - | 1.3 |
| ALBERT | ONNX | 156 | 304,128 | equal | 18,464 (18,096 / 368 / 0; 0) | 18,464 | equal | - | 1.9 |
| GPT2 | TFLite | 178 | 294,912 | equal | 33,664 (33,056 / 608 / 0; 0) | 33,664 | equal | - | 2.1 |
| GPT2 | ONNX | 206 | 294,912 | equal | 33,664 (33,056 / 608 / 0; 0) | 33,664 | equal | - | 1.1 |
| GPT2 | TFLite int8 | 89 | 294,912 | equal | 33,664 (33,056 / 608 / 0; 0) | 33,664 | equal | - | 2.2 |
| Qwen2 | TFLite | 189 | 327,680 | equal | 35,680 (35,552 / 128 / 0; 0) | 34,720 | **+960** | - | 1.5 |
| Qwen2 | ONNX | 227 | 327,680 | equal | 34,976 (34,848 / 128 / 0; 0) | 34,720 | **+256** | - | 0.9 |
| Qwen3 | TFLite | 193 | 327,680 | equal | 35,584 (35,584 / 0 / 0; 0) | 34,624 | **+960** | - | 1.6 |
| Qwen3 | ONNX | 236 | 327,680 | equal | 34,880 (34,880 / 0 / 0; 0) | 34,624 | **+256** | - | 0.9 |
| T5 | TFLite | 374 | 884,736 | equal | 65,664 (65,664 / 0 / 0; 0) | 65,664 | equal | - | 1.1 |
| T5 | ONNX | 428 | 884,736 | equal | 65,664 (65,664 / 0 / 0; 0) | 65,664 | equal | - | 1.8 |
| BART | TFLite | 342 | 753,664 | equal | 59,904 (58,368 / 1,536 / 0; 0) | 59,904 | equal | - | 1.7 |
| BART | ONNX | 416 | 212,992 | 753,664 (**-540,672**) | 59,904 (59,424 / 480 / 0; 0) | 59,904 | equal | 209 | 2.1 |
| Whisper | TFLite | 362 | 598,016 | equal | 64,128 (62,720 / 1,408 / 0; 0) | 64,128 | equal | - | 1.2 |
| Whisper | ONNX | 440 | 122,880 | 598,016 (**-475,136**) | 64,128 (63,904 / 224 / 0; 0) | 64,128 | equal | 244 | 1.9 |
| FNet | TFLite | 141 | 148,480 | equal (static file; the interpreter cannot run this one) | 27,456 (27,040 / 416 / 0; 0) | 27,456 | equal | 4 | 1.3 |
| FNet | ONNX | 158 | 16,384 | n/a (invalid file) | 27,456 (27,392 / 64 / 0; 0) | 27,456 | equal | 89 | 1.9 |
| FNet | TFLite static | 129 | 148,480 | equal | 27,456 (26,528 / 928 / 0; 0) | 27,456 | equal | 4 | 0.8 |
| XLNet | TFLite | 202 | 395,264 | equal | 36,224 (35,712 / 512 / 0; 0) | 35,232 | **+992** | - | 1.2 |
| XLNet | ONNX | 233 | 197,632 | 395,264 (**-197,632**) | 36,352 (36,160 / 192 / 0; 0) | 35,232 | **+1,120** | 78 | 1.8 |
| DeBERTaV3 | TFLite | 197 | 393,216 | equal | 33,664 (33,056 / 608 / 0; 0) | 33,728 | **-64** | - | 1.2 |
| DeBERTaV3 | ONNX | 243 | 196,608 | 393,216 (**-196,608**) | 33,664 (33,344 / 320 / 0; 0) | 33,728 | **-64** | 77 | 1.7 |
| Mixtral | TFLite | 338 | 921,600 | equal | 72,672 (72,672 / 0 / 0; 0) | 87,712 | **-15,040** | - | 1.6 |
| Mixtral | ONNX | 575 | 921,600 | equal | 121,120 (121,120 / 0 / 0; 0) | 87,712 | **+33,408** | - | 1.7 |
| DeiT | TFLite | 137 | 434,688 | equal | 23,968 (22,752 / 1,216 / 0; 0) | 23,968 | equal | - | 1.6 |
| DeiT | ONNX | 160 | 229,632 | 434,688 (**-205,056**) | 23,968 (23,104 / 864 / 0; 0) | 23,968 | equal | 67 | 2.3 |
| Swin | TFLite | 271 | 966,656 | equal (static file; the interpreter cannot run this one) | 38,096 (33,840 / 4,256 / 0; 0) | 35,612 | **+2,484** | 2 | 1.8 |
| Swin | ONNX | 332 | 212,992 | 966,656 (**-753,664**) | 39,120 (38,416 / 704 / 0; 0) | 35,612 | **+3,508** | 171 | 2.3 |
| Swin | TFLite static | 221 | 966,656 | equal | 38,096 (33,840 / 4,256 / 0; 0) | 35,612 | **+2,484** | - | 1.4 |
| ResNetV2 | TFLite | 1,730 | 47,759,360 | equal | 441,056 (438,336 / 2,720 / 0; 0) | 442,224 (439,504) | **+1,552** | - | 1.1 |
| ResNetV2 | ONNX | 1,726 | 47,759,360 | equal | 439,504 (438,336 / 1,168 / 0; 0) | 442,224 (439,504) | equal | - | 0.7 |
| ResNetV2 | TFLite fp16 | 874 | 47,759,360 | equal | 441,056 (438,336 / 2,720 / 0; 0) | 442,224 (439,504) | **+1,552** | - | 1.1 |
| ResNetV2 | TFLite int8 | 471 | 47,759,360 | equal | 441,056 (438,336 / 2,720 / 0; 0) | 442,224 (439,504) | **+1,552** | - | 0.9 |
| EfficientNet | TFLite | 52 | 1,326,496 | equal | 7,158 (6,496 / 662 / 0; 0) | 8,814 (7,158) | equal | - | 1.3 |
| EfficientNet | ONNX | 49 | 1,326,496 | equal | 7,262 (6,600 / 662 / 0; 0) | 8,814 (7,158) | **+104** | - | 0.8 |
| MobileNetV3 | TFLite | 43 | 566,944 | equal | 4,776 (4,504 / 272 / 0; 0) | 5,424 (4,776) | equal | - | 1.4 |
| MobileNetV3 | ONNX | 53 | 442,368 | n/a (invalid file) | 4,816 (4,800 / 16 / 0; 0) | 5,424 (4,776) | **+40** | 61 | 2.0 |
| DenseNet | TFLite | 130 | 13,221,888 | equal | 29,976 (29,352 / 624 / 0; 0) | 31,200 (29,904) | **+72** | - | 1.0 |
| DenseNet | ONNX | 129 | 13,221,888 | equal | 29,904 (29,352 / 552 / 0; 0) | 31,200 (29,904) | equal | - | 0.6 |
| Xception | TFLite | 58 | 5,699,904 | equal | 12,624 (12,224 / 400 / 0; 0) | 13,248 (12,480) | **+144** | - | 1.2 |
| Xception | ONNX | 56 | 5,699,904 | equal | 12,480 (12,224 / 256 / 0; 0) | 13,248 (12,480) | equal | - | 0.8 |
| ResNetClassifier | TFLite | 1,749 | 47,764,480 | equal | 444,618 (442,672 / 1,946 / 0; 0) | 450,426 (444,618) | equal | - | 1.4 |
| ResNetClassifier | ONNX | 1,747 | 47,764,480 | equal | 444,618 (442,672 / 1,946 / 0; 0) | 450,426 (444,618) | equal | - | 0.8 |
| SegFormer | TFLite | 218 | 4,198,400 | equal | 29,988 (28,992 / 996 / 0; 0) | 30,084 (29,988) | equal | - | 1.5 |
| SegFormer | ONNX | 303 | 4,198,400 | equal | 30,020 (29,024 / 996 / 0; 0) | 30,084 (29,988) | **+32** | - | 0.7 |

Summary: MACs equal to the oracle on 42 of 53 files; the other 11 are the 9 invalid ONNX files (7 the oracle ran
with 1 - Erf, 2 it cannot run: dscost partial, every lost node listed uncounted) and the 2 dynamic-batch Swin and
FNet LiteRT files with Flex ops (the gap below). Equal to the hand count (BERT 295,936; RoBERTa and GPT2 294,912)
and between dscost's TFLite and ONNX readers on every model with two valid files: every CONV_2D (grouped:
MobileNetV3's depthwise), DEPTHWISE_CONV_2D, FULLY_CONNECTED, BATCH_MATMUL, Conv, MatMul and Gemm, also in the
float16 and int8 files (same counts as float32) and in XLNet's einsums and Mixtral's dense-over-experts einsums.
Compute-op params (dscost's weights + biases of the oracle's op types) equal to the oracle's on all 49 files it
ran. Params equal to count_params or its BN-folded form on 31 of 53 files; every other difference is named below.
One dscost bug (ONNX params, fixed the same day), one gap (TFLite MACs, not silent), one convention that is wrong for tied layers.

DIAGNOSES (every difference):
- dscost BUG (ONNX reader, params): a float initializer whose only consumer is a Shape node is counted as
  weights.  tf2onnx writes Mixtral's expert einsums as Gemm / MatMul on one folded copy of the expert weights and
  keeps a second copy (``const_fold_opt__8xx``, [1, 4, 64, 32] / [4, 1, 32, 64]) read only by Shape -> Gather ->
  Concat (a Reshape target) or -> Max.  dscost gives the Shape output the weight as a source
  (onnx_reader.py ``_Counter._derive``: Shape / Size are not excluded) and, where the Concat / Max also has a
  non-constant input, onnx_claims.py ``Claims._claim_rest`` counts it ("a learned tensor consumed here"):
  Mixtral.onnx +49,152 weights (6 x 8,192, every expert weight twice; 121,120 = 87,712 - 16,000 unused
  ``reverse_embeddings`` + 256 RoPE + 49,152), XLNet.onnx +128 (2 x 64, its segment einsum).  Expected: Shape /
  Size outputs have no sources.  Repro /tmp/r41/repro/onnx_shape_of_weight.py (MatMul 8 -> 16 plus Shape of a
  [1, 4, 2, 16] copy into a Reshape target): expected 128 params, got 256.
  FIXED 2026-12-06 (bd22989): a Shape or Size of a constant has no sources.  Re-run (--only Mixtral,XLNet
  --reuse): Mixtral.onnx 71,968 (= 87,712 - 16,000 unused reverse_embeddings + 256 RoPE, the TFLite file's
  account but its per-use RoPE copies), XLNet.onnx 36,224 (= its TFLite file); no other of the 1,181 ONNX files
  of rounds 27-40 changed.
- dscost GAP, closed 2026-12-06 (TFLite reader, MACs): Keras' LiteRT export declares batch -1 even for a batch-1
  Input, so dscost sizes the file by one interpreter run; with a Select-TF op in the file (Swin's FlexRoll, FNet's
  FlexFFT2D / FlexComplex) the interpreter cannot run and every op on a tensor downstream of a -1 stayed unknown
  (tflite_shapes.py ``resolve``; said in a note and each op listed uncounted): Swin 49,152 of 966,656 MACs (316
  uncounted), FNet 0 of 148,480 (85 uncounted).  The static-signature files count in full: Swin 966,656, FNet
  148,480 with its 4 Flex FFT ops uncounted (FFT: no formula, documented).  Repro
  /tmp/r41/repro/tflite_flex_dynamic_batch.py (Conv2D, tf.roll, Dense): expected 26,624 MACs, got 18,432.  Now
  the shapes are propagated op by op from the inputs' where the interpreter cannot run (tflite_propagate.py):
  the repro 26,624, Swin 966,656 (its 2 FlexRoll uncounted), FNet 148,480 (its 4 Flex FFT ops), as the
  static-batch files.
- dscost BUG, fixed 2026-12-06 (TFLite reader, params): the convention for a bias or scale used by several ops
  (docs/tflite.md Params: counted for each, as the converter merges equal zero biases) also counted a genuinely
  tied bias once per use -- the kernel beside it was counted once (KERNEL_OPS).  ALBERT (one layer group run
  twice) +352 (288 biases + 64 LayerNorm scales of the second pass), DeBERTaV3 +128 (the query / key biases
  reused on the relative embeddings); the ONNX reader counts each once.  Repro /tmp/r41/repro/tflite_tied_bias.py
  (one Dense applied twice, random bias): expected 72 params, got 80.  Now a bias or scale applied again after
  the same kernel (fused in the op, or added after it through ops that only move data) is that layer applied
  again, counted once (tflite_reader._kernels): the repro 72, ALBERT +128, DeBERTaV3 -64 as its ONNX file
  (below).  ALBERT's +128 left: the LayerNorm scales and shifts of the second pass follow a normalization, no
  kernel, and a merged equal constant (an untrained model's ones and zeros) looks the same without reading
  the values (convention).  The same rule moves round 32's unrolled RNNs from steps x the bias to the bias
  once (crosscheck_tflite_layers.py, its expectations changed with it).
- convention (a folded constant of more than one element counts, round 36): RoPE cos / sin tables of 16
  positions, Qwen2 and Qwen3 +256 (ONNX, one copy) / +960 (TFLite, a copy per use); XLNet's sinusoid table
  +1,024 (-32: its ``mask_emb``, unused without a permutation mask: +992; ONNX +1,120 = that + the bug's 128);
  Swin's relative position bias gathered by its fixed index to [heads, 16, 16] (49 x heads -> 256 x heads:
  +2,484 in all three files), and in the ONNX file the shifted-window attention mask, computed from shapes but
  folded to a [4, 16, 16] constant (+1,024: +3,508).
- convention (docs/tflite.md, a bias for every conv): TFLite +1,552 (ResNetV2, all three files), +72 (DenseNet),
  +144 (Xception: the separable convs' depthwise halves) biases over the folded count, each an all-zero bias the
  file holds; the ONNX files equal the folded count.
- converters (params; MACs equal): tf2onnx does not fold a BN into a depthwise conv (EfficientNet +104 weights:
  a Mul) nor SegFormer's head BN (+32: Mul and Sub); both converters fold DeBERTaV3's relative-embedding
  LayerNorm into the constant table (-64 in both files).  Mixtral's LiteRT file: -16,000 unused
  untied ``reverse_embeddings`` + 960 RoPE = -15,040.
- not dscost's (Keras' TF-backend ONNX export writes invalid files, silently, as round 36 found): TF's ``Erfc``
  (exact GELU) in the default domain -- RoBERTa, BART, Whisper, XLNet, DeBERTaV3, DeiT, Swin; a grouped Conv2D as
  ``StatefulPartitionedCall`` -- MobileNetV3; ``FFT2D`` / ``Complex`` / ``Real`` -- FNet.  dscost counts up to the
  first such node and lists it and each node whose shapes it loses as uncounted, with the reason: the totals say
  they are partial (the table's ONNX MACs; the oracle, running 1 - Erf, has the full counts; params unaffected).
- exporter: Whisper's features must have ``max_encoder_sequence_length`` frames (the conv front end halves them
  to the position table's max // 2 rows); with 2x that, the LiteRT converter stops on the position Slice and the
  ONNX file fails in onnxruntime (shape error): a model-input error, not a dscost one.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import subprocess
import sys
import time
from collections import Counter
from math import prod
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DSCOST_TIMEOUT = 300
BUILD_TIMEOUT = 900
S = 16  # tokens
IMG = (64, 64, 3)
TFL_COMPUTE = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV", "BATCH_MATMUL"}
ONNX_COMPUTE = {"Conv", "ConvTranspose", "MatMul", "Gemm", "Einsum", "MatMulInteger", "ConvInteger"}
CONST_THROUGH = {"Identity", "Cast", "DequantizeLinear", "Unsqueeze", "Squeeze", "Reshape", "Transpose", "Flatten",
                 "Concat"}

# --------------------------------------------------------------------------- models (small configs, random weights)
TEXT = dict(vocabulary_size=500, num_layers=2, num_heads=2, hidden_dim=32, intermediate_dim=64)
DEC = dict(vocabulary_size=500, num_layers=2, hidden_dim=32, intermediate_dim=64)
MODELS = {
    # name: (keras_hub class, config, per-input shapes without batch {name: shape}, variants)
    "BERT": ("BertBackbone", dict(TEXT, max_sequence_length=S), None, ("fp16", "int8")),
    "RoBERTa": ("RobertaBackbone", dict(TEXT, max_sequence_length=S), None, ()),
    "ELECTRA": ("ElectraBackbone", dict({k: v for k, v in TEXT.items() if k != "vocabulary_size"}, vocab_size=500,
                                        embedding_dim=16, max_sequence_length=S), None, ()),
    "ALBERT": ("AlbertBackbone", dict(TEXT, embedding_dim=16, num_groups=1, num_inner_repetitions=1,
                                      max_sequence_length=S), None, ()),
    "GPT2": ("GPT2Backbone", dict(TEXT, max_sequence_length=S), None, ("int8",)),
    "Qwen2": ("QwenBackbone", dict(DEC, num_query_heads=4, num_key_value_heads=2), None, ()),
    "Qwen3": ("Qwen3Backbone", dict(DEC, num_query_heads=4, num_key_value_heads=2, head_dim=8), None, ()),
    "T5": ("T5Backbone", dict(vocabulary_size=500, num_layers=2, num_heads=2, hidden_dim=32, intermediate_dim=64,
                              key_value_dim=16), None, ()),
    "BART": ("BartBackbone", dict(TEXT, max_sequence_length=S), None, ()),
    "Whisper": ("WhisperBackbone", dict(TEXT, num_mels=16, max_encoder_sequence_length=S,
                                        max_decoder_sequence_length=S),
                {"encoder_features": (S, 16)}, ()),
    "FNet": ("FNetBackbone", dict(vocabulary_size=500, num_layers=2, hidden_dim=32, intermediate_dim=64,
                                  max_sequence_length=S), None, ("static",)),
    "XLNet": ("XLNetBackbone", dict(TEXT), None, ()),
    "DeBERTaV3": ("DebertaV3Backbone", dict(TEXT, max_sequence_length=S, bucket_size=8), None, ()),
    "Mixtral": ("MixtralBackbone", dict(DEC, num_query_heads=4, num_key_value_heads=2, num_experts=4, top_k=2),
                None, ()),
    "DeiT": ("DeiTBackbone", dict(image_shape=(32, 32, 3), patch_size=8, num_layers=2, num_heads=2, hidden_dim=32,
                                  intermediate_dim=64), None, ()),
    "Swin": ("SwinTransformerBackbone", dict(image_shape=(32, 32, 3), patch_size=4, embed_dim=16, depths=(2, 2),
                                             num_heads=(2, 4), window_size=4), None, ("static",)),
    "ResNetV2": ("ResNetBackbone", dict(input_conv_filters=[16], input_conv_kernel_sizes=[7],
                                        stackwise_num_filters=[64, 128], stackwise_num_blocks=[1, 1],
                                        stackwise_num_strides=[1, 2], block_type="bottleneck_block",
                                        use_pre_activation=True, image_shape=IMG), None, ("fp16", "int8")),
    "EfficientNet": ("EfficientNetBackbone", dict(
        width_coefficient=0.25, depth_coefficient=0.25, stackwise_kernel_sizes=[3, 3, 5],
        stackwise_num_repeats=[1, 2, 2], stackwise_input_filters=[32, 16, 24], stackwise_output_filters=[16, 24, 40],
        stackwise_expansion_ratios=[1, 6, 6], stackwise_strides=[1, 2, 2], stackwise_squeeze_and_excite_ratios=[0.25] * 3,
        stackwise_block_types=["v1"] * 3, image_shape=IMG), None, ()),
    "MobileNetV3": ("MobileNetBackbone", dict(
        stackwise_expansion=[[1], [4, 6]], stackwise_num_blocks=[1, 2], stackwise_num_filters=[[16], [24, 40]],
        stackwise_kernel_size=[[3], [3, 5]], stackwise_num_strides=[[2], [2, 2]], stackwise_se_ratio=[[0.25], [None, 0.25]],
        stackwise_activation=[["relu"], ["relu", "hard_swish"]], stackwise_padding=[[1], [1, 2]],
        output_num_filters=64, input_activation="hard_swish", output_activation="hard_swish", input_num_filters=16,
        image_shape=IMG, depthwise_filters=8, depthwise_stride=2, depthwise_residual=False, squeeze_and_excite=0.5,
        last_layer_filter=48), None, ()),
    "DenseNet": ("DenseNetBackbone", dict(stackwise_num_repeats=[2, 2], image_shape=IMG, growth_rate=8), None, ()),
    "Xception": ("XceptionBackbone", None, None, ()),
    "ResNetClassifier": ("ResNetImageClassifier", None, None, ()),
    "SegFormer": ("SegFormerImageSegmenter", None, None, ()),
}


def _xception(kh):
    return kh.models.XceptionBackbone(
        stackwise_conv_filters=[[16, 16], [32, 32], [64, 64]], stackwise_pooling=[False, True, True],
        image_shape=IMG)


def make(name: str, kh):
    cls, cfg = MODELS[name][:2]
    if name == "Xception":
        bb = _xception(kh)
    elif name == "ResNetClassifier":
        rb = kh.models.ResNetBackbone(**MODELS["ResNetV2"][1] | {"use_pre_activation": False})
        bb = kh.models.ResNetImageClassifier(backbone=rb, num_classes=10)
    elif name == "SegFormer":
        enc = kh.models.MiTBackbone(layerwise_depths=[1, 1], num_layers=2, layerwise_num_heads=[1, 2],
                                    layerwise_sr_ratios=[2, 1], max_drop_path_rate=0.0, hidden_dims=[16, 32],
                                    layerwise_patch_sizes=[7, 3], layerwise_strides=[4, 2], image_shape=IMG)
        seg = kh.models.SegFormerBackbone(image_encoder=enc, projection_filters=32)
        bb = kh.models.SegFormerImageSegmenter(backbone=seg, num_classes=4)
    else:
        bb = getattr(kh.models, cls)(**cfg)
    return bb


def build(name: str, out: Path) -> dict:
    os.environ["KERAS_BACKEND"] = "tensorflow"
    import keras
    import keras_hub as kh
    import numpy as np
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    cls, cfg, shapes, variants = MODELS[name]
    bb = make(name, kh)
    # every weight random, so no exporter drops a zero bias / BN shift
    rng = np.random.default_rng(0)
    for w in bb.weights:
        v = rng.standard_normal(tuple(w.shape)).astype("float32") * 0.1
        if "moving_variance" in w.path:
            v = np.abs(v) + 0.5
        w.assign(v.astype(w.dtype) if w.dtype != "int32" else w.numpy())
    shapes = shapes or {}
    ins = {}
    for t in (bb.inputs if isinstance(bb.inputs, list) else [bb.inputs]):
        nm = t.name.split(":")[0]
        dflt = IMG if len(t.shape) == 4 else (S,) * (len(t.shape) - 1)
        shp = shapes.get(nm) or tuple(x if d is None else d for d, x in zip(t.shape[1:], dflt))
        ins[nm] = keras.Input(shp, batch_size=1, dtype=t.dtype, name=nm)
    x = ins if len(ins) > 1 or isinstance(bb.input, dict) else next(iter(ins.values()))
    m = keras.Model(ins, bb(x))
    res = {"name": name, "count_params": int(m.count_params()),
           "trainable": int(sum(int(np.prod(w.shape)) for w in m.trainable_weights)),
           "non_trainable": int(sum(int(np.prod(w.shape)) for w in m.non_trainable_weights)),
           "input_shapes": {k: [1, *v.shape[1:]] for k, v in ins.items()}, "files": {}, "errors": {}}
    res["analytic"] = analytic(name, cfg)
    res["folded"] = folded_params(keras, bb)
    t0 = time.time()
    for fmt, fn, kw in (("tflite", f"{name}.tflite", {"format": "litert"}),
                        ("onnx", f"{name}.onnx", {"format": "onnx"}),
                        ("tflite_fp16", f"{name}_fp16.tflite",
                         {"format": "litert", "optimizations": [tf.lite.Optimize.DEFAULT],
                          "target_spec": {"supported_types": [tf.float16]}}),
                        ("tflite_int8", f"{name}_int8.tflite",
                         {"format": "litert", "optimizations": [tf.lite.Optimize.DEFAULT]}),
                        ("tflite_static", f"{name}_static.tflite",  # batch 1 in the signature, not -1
                         {"format": "litert", "input_signature": [
                             {k: tf.TensorSpec(v.shape, v.dtype, name=k) for k, v in ins.items()} if len(ins) > 1
                             else tf.TensorSpec(next(iter(ins.values())).shape, next(iter(ins.values())).dtype)]})):
        if fmt.startswith("tflite_") and fmt[7:] not in variants:
            continue
        try:
            m.export(str(out / fn), verbose=False, **kw)
            res["files"][fmt] = str(out / fn)
        except Exception as e:  # noqa: BLE001 - the exporter's failure is a row
            res["errors"][fmt] = f"{type(e).__name__}: {str(e)[:300]}"
        res[f"export_s_{fmt}"] = round(time.time() - t0, 1)
        t0 = time.time()
    return res


def folded_params(keras, bb) -> int:
    """count_params after a converter's BatchNorm folding: a BN after a Conv2D / DepthwiseConv2D / SeparableConv2D
    becomes the conv's bias (4C -> C, or -> 0 when the conv had a bias); any other BN a scale and a shift (4C -> 2C)."""
    tot = bb.count_params()
    for lay in bb._flatten_layers(include_self=False, recursive=True):
        if isinstance(lay, keras.layers.BatchNormalization):
            c = lay.moving_mean.shape[0]
            par = [p.operation for p in lay._inbound_nodes[0].parent_nodes] if lay._inbound_nodes else None
            if par is None:  # inside a custom layer's call (MobileNet's blocks): after its bias-less conv
                tot -= 3 * c
            elif par and isinstance(par[0], (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.SeparableConv2D)):
                tot -= 4 * c - (0 if par[0].use_bias else c)
            else:
                tot -= 2 * c
    return int(tot)


def analytic(name: str, cfg: dict | None) -> int | None:
    """Hand MACs from the config at batch 1, S tokens (encoders with a dense FFN only)."""
    if name in ("BERT", "RoBERTa", "GPT2"):
        d, f, n = cfg["hidden_dim"], cfg["intermediate_dim"], cfg["num_layers"]
        extra = d * d if name == "BERT" else 0  # BERT's pooler: one token
        return n * (S * (4 * d * d + 2 * d * f) + 2 * S * S * d) + extra
    return None


# --------------------------------------------------------------------------- dscost
def run_dscost(path: str, shapes: dict) -> dict:
    cmd = [sys.executable, "-m", "dscost", "analyze", path, "-f", "json", "-q"]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t0 = time.time()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=DSCOST_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return {"rc": "timeout", "time": DSCOST_TIMEOUT}
    res = {"rc": p.returncode, "time": round(time.time() - t0, 1), "stderr": p.stderr.strip()[-1500:]}
    if p.returncode == 0:
        d = json.loads(p.stdout)
        t = d["totals"]
        res.update(macs=t["macs"], params=t["params"], weights=t["weights"], biases=t["biases"],
                   norm=t["norm_params"], buffers=t["buffers"], notes=d["notes"],
                   uncounted=[(u.get("name"), u.get("op"), u.get("reason")) if isinstance(u, dict) else u
                              for u in d["uncounted"]])
        by_op, par_op = Counter(), Counter()
        for lay in d["layers"]:
            by_op[lay["op"]] += lay["macs"]
            par_op[lay["op"]] += lay["params"]
        for u in d["uncounted"]:  # (an uncounted node keeps its params)
            if isinstance(u, dict):
                par_op[u.get("op")] += u.get("params") or 0
        res["macs_by_op"] = {k: v for k, v in by_op.items() if v}
        res["params_by_op"] = {k: v for k, v in par_op.items() if v}
    return res


# --------------------------------------------------------------------------- oracles (no dscost code)
def oracle_onnx(path: str) -> dict:
    import numpy as np
    import onnx
    import onnxruntime as ort

    m = onnx.load(path)
    # tf2onnx leaves TF's Erfc (exact GELU) in the default domain, which onnxruntime refuses: the oracle runs
    # 1 - Erf(x) in its place (no MAC moves; dscost reads the file as written)
    for k, n in enumerate(list(m.graph.node)):
        if n.op_type == "Erfc" and n.domain in ("", "ai.onnx"):
            one = onnx.helper.make_tensor(n.output[0] + "_one", onnx.TensorProto.FLOAT, [], [1.0])
            m.graph.initializer.append(one)
            idx = list(m.graph.node).index(n)
            m.graph.node.remove(n)
            m.graph.node.insert(idx, onnx.helper.make_node("Sub", [one.name, n.output[0] + "_erf"], list(n.output)))
            m.graph.node.insert(idx, onnx.helper.make_node("Erf", list(n.input), [n.output[0] + "_erf"]))
    inits = {i.name: tuple(i.dims) for i in m.graph.initializer}
    rng = np.random.default_rng(0)
    feeds = {}
    for i in m.graph.input:
        if i.name in inits:
            continue
        tt = i.type.tensor_type
        shape = [d.dim_value or 1 for d in tt.shape.dim]
        dt = onnx.helper.tensor_dtype_to_np_dtype(tt.elem_type)
        if np.issubdtype(dt, np.integer) or dt == np.bool_:
            feeds[i.name] = rng.integers(0, 2, size=shape).astype(dt)
        else:
            feeds[i.name] = (rng.standard_normal(shape) * 0.5).astype(dt)
    producer = {o: n for n in m.graph.node for o in n.output}
    cvals = {n.output[0]: tuple(n.attribute[0].t.dims) for n in m.graph.node
             if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value"}

    def sources(name, depth=0):
        if name in inits:
            return {name: inits[name]}
        if name in cvals:
            return {name: cvals[name]}
        n = producer.get(name)
        if n is None or depth > 40 or n.op_type not in CONST_THROUGH:
            return None
        out = {}
        for i in (n.input if n.op_type == "Concat" else n.input[:1]):
            s_ = sources(i, depth + 1)
            if s_ is None:
                return None
            out.update(s_)
        return out

    have = {o.name for o in m.graph.output}
    for n in m.graph.node:
        for o in n.output:
            if o and o not in have:
                m.graph.output.append(onnx.ValueInfoProto(name=o))
                have.add(o)
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(m.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    outs = sess.run(None, feeds)
    shape = {k: tuple(v.shape) for k, v in feeds.items()}
    shape.update(inits)
    shape.update({k: tuple(np.asarray(v).shape) for k, v in zip(names, outs)})
    macs, par = Counter(), Counter()
    seen: set[str] = set()
    w_b = [0, 0]

    def take(name, is_bias=False):
        src = sources(name) if name else None
        if not src:
            return 0
        k = sum(prod(dims) for s_, dims in src.items() if s_ not in seen)
        seen.update(src)
        w_b[is_bias] += k
        return k

    for n in m.graph.node:
        t, ins = n.op_type, list(n.input)
        if t not in ONNX_COMPUTE:
            continue
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        y = shape[n.output[0]]
        if t in ("Conv", "ConvInteger"):
            mac, p = prod(y) * prod(shape[ins[1]][1:]), take(ins[1]) + (take(ins[2], True) if len(ins) > 2 else 0)
        elif t == "ConvTranspose":
            mac, p = prod(shape[ins[0]]) * prod(shape[ins[1]][1:]), take(ins[1]) + (take(ins[2], True) if len(ins) > 2 else 0)
        elif t in ("MatMul", "MatMulInteger"):
            mac, p = prod(y) * shape[ins[0]][-1], take(ins[0]) + take(ins[1])
        elif t == "Gemm":
            a = shape[ins[0]]
            mac = prod(y) * (a[0] if attrs.get("transA", 0) else a[1])
            p = take(ins[0]) + take(ins[1]) + (take(ins[2], True) if len(ins) > 2 else 0)
        else:  # Einsum: product of every index's size
            eq = attrs["equation"].decode() if isinstance(attrs["equation"], bytes) else attrs["equation"]
            size = {}
            for term, i in zip(eq.split("->")[0].split(","), ins):
                for c, d in zip(term.strip()[-len(shape[i]):], shape[i]):
                    size[c] = d
            mac, p = prod(size.values()), sum(take(i) for i in ins)
        macs[t] += mac
        par[t] += p
    return {"macs": sum(macs.values()), "macs_by_op": dict(macs), "params": sum(w_b), "weights": w_b[0],
            "biases": w_b[1], "params_by_op": dict(par), "nodes": len(m.graph.node)}


def oracle_tflite(path: str) -> dict:
    import numpy as np
    import tflite
    from tflite.BatchMatMulOptions import BatchMatMulOptions
    from tflite.BuiltinOperator import BuiltinOperator

    names = {v: k for k, v in BuiltinOperator.__dict__.items() if not k.startswith("_")}
    buf = Path(path).read_bytes()
    m = tflite.Model.GetRootAsModel(buf, 0)
    sg = m.Subgraphs(0)
    shape, dynamic = {}, False
    for i in range(sg.TensorsLength()):
        t = sg.Tensors(i)
        shape[i] = tuple(t.ShapeAsNumpy().tolist()) if t.ShapeLength() else ()
        if t.ShapeSignatureLength() and -1 in t.ShapeSignatureAsNumpy().tolist():
            dynamic = True
    note = "stored shapes"
    if dynamic:  # one interpreter run at batch 1, without the XNNPACK delegate (stale sizes inside its partitions)
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        it = Interpreter(model_content=buf, num_threads=1, experimental_preserve_all_tensors=True,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        for d in it.get_input_details():
            it.resize_tensor_input(d["index"], [1 if s < 0 else s for s in d["shape_signature"]])
        it.allocate_tensors()
        rng = np.random.default_rng(0)
        for d in it.get_input_details():
            v = rng.integers(0, 2, d["shape"]) if np.issubdtype(d["dtype"], np.integer) else rng.standard_normal(d["shape"])
            it.set_tensor(d["index"], v.astype(d["dtype"]))
        it.invoke()
        for d in it.get_tensor_details():
            shape[d["index"]] = tuple(d["shape"].tolist())
        note = "interpreter shapes"
    const = set()
    for i in range(sg.TensorsLength()):
        b = m.Buffers(sg.Tensors(i).Buffer())
        if b is not None and (b.DataLength() > 0 or b.Size() > 0):
            const.add(i)
    ops = []
    for k in range(sg.OperatorsLength()):
        op = sg.Operators(k)
        oc = m.OperatorCodes(op.OpcodeIndex())
        name = names.get(max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode()), "?")
        ins = op.InputsAsNumpy().tolist() if op.InputsLength() else []
        outs = op.OutputsAsNumpy().tolist() if op.OutputsLength() else []
        ops.append((name, ins, outs, op))
        if name in ("DEQUANTIZE", "DENSIFY") and ins and ins[0] in const:
            const.add(outs[0])
    macs, par, w_b = Counter(), Counter(), [0, 0]

    kernels: set[int] = set()

    def take(i, is_bias=False):  # a kernel used by several ops once (tied weights), a bias per op
        if i < 0 or i not in const or (not is_bias and i in kernels):
            return 0
        if not is_bias:
            kernels.add(i)
        w_b[is_bias] += prod(shape[i])
        return prod(shape[i])

    for name, ins, outs, op in ops:
        if name not in TFL_COMPUTE:
            continue
        y = shape[outs[0]]
        if name == "CONV_2D":
            mac, p = prod(y) * prod(shape[ins[1]][1:]), take(ins[1]) + (take(ins[2], True) if len(ins) > 2 else 0)
        elif name == "DEPTHWISE_CONV_2D":
            w = shape[ins[1]]
            mac, p = prod(y) * w[1] * w[2], take(ins[1]) + (take(ins[2], True) if len(ins) > 2 else 0)
        elif name == "FULLY_CONNECTED":
            mac, p = prod(y) * shape[ins[1]][1], take(ins[1]) + (take(ins[2], True) if len(ins) > 2 else 0)
        elif name == "TRANSPOSE_CONV":
            mac, p = prod(shape[ins[2]]) * prod(shape[ins[1]][:3]), take(ins[1]) + (take(ins[3], True) if len(ins) > 3 else 0)
        else:  # BATCH_MATMUL: K from adj_x
            o = BatchMatMulOptions()
            tab = op.BuiltinOptions()
            o.Init(tab.Bytes, tab.Pos)
            a = shape[ins[0]]
            mac, p = prod(y) * (a[-2] if o.AdjX() else a[-1]), take(ins[0]) + take(ins[1])
        macs[name] += mac
        par[name] += p
    return {"macs": sum(macs.values()), "macs_by_op": dict(macs), "params": sum(w_b), "weights": w_b[0],
            "biases": w_b[1], "params_by_op": dict(par), "shapes_from": note, "ops": sg.OperatorsLength()}


def _child(kind: str, arg: str, out: str) -> None:
    t0 = time.time()
    try:
        r = build(arg, Path(out)) if kind == "build" else (oracle_onnx if arg.endswith(".onnx") else oracle_tflite)(arg)
    except Exception as e:  # noqa: BLE001 - reported as a row
        r = {"error": f"{type(e).__name__}: {str(e)[:600]}"}
    r["time"] = round(time.time() - t0, 1)
    print("@@" + json.dumps(r))


def run_child(kind: str, arg: str, out: Path, timeout: int) -> dict:
    try:
        p = subprocess.run([sys.executable, __file__, "--child", kind, arg, str(out)], capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"{kind} timeout"}
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("@@"):
            return json.loads(line[2:])
    return {"error": f"{kind} crashed rc={p.returncode}: {p.stderr[-600:]}"}


# --------------------------------------------------------------------------- compare
def compare(row: dict) -> list[str]:
    d, o, diffs = row["dscost"], row["oracle"], []
    if d.get("rc") != 0:
        return [f"dscost rc={d.get('rc')}"]
    if "Traceback" in d.get("stderr", ""):
        diffs.append("traceback")
    if "error" in o:
        diffs.append(f"oracle: {o['error'][:80]}")
    elif d["macs"] != o["macs"]:
        diffs.append(f"MACs {d['macs'] - o['macs']:+,} vs oracle")
    if row.get("analytic") is not None and d["macs"] != row["analytic"]:
        diffs.append(f"MACs {d['macs'] - row['analytic']:+,} vs analytic")
    if "error" not in o:  # weights + biases dscost gives the oracle's compute ops, against the oracle's
        mine = sum(v for k, v in d["params_by_op"].items() if k in TFL_COMPUTE | ONNX_COMPUTE)
        row["compute_params"] = mine
        if mine != o["params"]:
            diffs.append(f"compute-op params {mine - o['params']:+,} vs oracle")
    tot = d["params"] + d["buffers"]
    if tot != row["count_params"]:
        diffs.append(f"params+buffers {tot - row['count_params']:+,} vs count_params")
    if d["uncounted"]:
        diffs.append(f"{len(d['uncounted'])} uncounted")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="comma-separated model names")
    ap.add_argument("--json", help="write the rows here")
    ap.add_argument("--out", default="/tmp/r41/files", help="exported files (default /tmp/r41/files)")
    ap.add_argument("--reuse", action="store_true", help="reuse OUT/NAME.build.json when present")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        _child(*a.child)
        return 0
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    names = a.only.split(",") if a.only else list(MODELS)
    rows, bad = [], 0
    for name in names:
        cache = out / f"{name}.build.json"
        if a.reuse and cache.exists():
            b = json.loads(cache.read_text())
        else:
            b = run_child("build", name, out, BUILD_TIMEOUT)
            cache.write_text(json.dumps(b))
        if "error" in b:
            print(f"{name}: build failed: {b['error'][:300]}", flush=True)
            rows.append({"model": name, "build_error": b["error"]})
            continue
        for fmt, err in b["errors"].items():
            print(f"{name} {fmt}: export failed: {err[:200]}", flush=True)
            rows.append({"model": name, "format": fmt, "export_error": err})
        per_model = {}
        for fmt, path in b["files"].items():
            row = {"model": name, "format": fmt, "file": path, "kb": round(Path(path).stat().st_size / 1024),
                   "count_params": b["count_params"], "trainable": b["trainable"],
                   "non_trainable": b["non_trainable"], "analytic": b.get("analytic"),
                   "folded": b.get("folded")}
            row["dscost"] = run_dscost(path, b["input_shapes"])
            row["oracle"] = run_child("oracle", path, out, 600)
            row["diffs"] = compare(row)
            per_model[fmt] = row
            d, o = row["dscost"], row["oracle"]
            bad += bool(row["diffs"])
            print(f"{name:16s} {fmt:12s} {row['kb']:>6} KB dscost {d.get('macs', 0):>12,} MACs {d.get('params', 0):>9,} "
                  f"p (w {d.get('weights', 0):,} b {d.get('biases', 0):,} n {d.get('norm', 0):,} buf "
                  f"{d.get('buffers', 0):,}) {d.get('time')} s | oracle {o.get('macs', 0):>12,} | keras "
                  f"{b['count_params']:,} | {'; '.join(row['diffs']) or 'equal'}", flush=True)
            rows.append(row)
        if "tflite" in per_model and "onnx" in per_model:
            t, x = per_model["tflite"]["dscost"], per_model["onnx"]["dscost"]
            if t.get("macs") != x.get("macs"):
                print(f"{name}: dscost TFLite {t.get('macs')} vs ONNX {x.get('macs')} MACs", flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1, default=str))
    versions = {p: importlib.metadata.version(p) for p in ("keras", "keras-hub", "tensorflow", "tf2onnx", "onnx",
                                                           "onnxruntime", "tflite", "ai-edge-litert")}
    print(f"{len(rows)} rows, {bad} with a difference; {versions}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
