"""Forty-second blind round: ONNX files exported with symbolic (dynamic) dimensions, read at given sizes.

What it stresses: the files torch writes when a user asks for dynamic dimensions -- the dynamo exporter with
``dynamic_shapes`` of ``torch.export.Dim`` (names "batch", "seq", "height", "width", "samples"; and, in a
small second part, derived dimensions ``2 * seq``, ``32 * h``, ``seq + 1`` and ``Dim.AUTO``'s unnamed "s17") and the
TorchScript exporter with ``dynamic_axes`` (the same names, opset 17) -- read by dscost at 2-3 concrete sizes
each, given as ``--dim NAME=N`` (and once as ``--input-shape x=SHAPE``), and once with no size at all, following
each hint dscost prints until it runs.  16 models, random weights N(0, 0.1) (BN variance |N| + 0.5: no exporter
drops a zero bias or merges equal scales), no download: torchvision ResNet-18, MobileNetV3-small,
EfficientNet-B0, ConvNeXt-T, RegNetY-400MF, a 2-layer ViT (64 px: batch-only dynamic, its position table is one
size); timm EfficientViT-B0 (linear attention), MobileViT-XXS (unfold / fold by reshape), PoolFormer-S12;
transformers 5.25 small configs (2 layers, d 64): BERT, GPT2 (no cache), DistilBERT, T5 encoder, ViT
(batch-only), Wav2Vec2 (conv front end on raw samples), Whisper encoder (batch-only: 2 x max_source_positions
frames).  Round 27's and the TorchScript text rounds read dynamic-axes files at --dim sizes; this one adds the
dynamo exporter's Dim names and derived expressions, and the hints for unresolved dimensions.

The oracle (written here, no dscost code): each file run by onnxruntime (CPU, optimizations off) at the same
size with every node output made a graph output, random inputs (ids 0..499); MACs from measured shapes: Conv
prod(out) x prod(W[1:]); ConvTranspose prod(in) x prod(W[1:]); MatMul prod(out) x K; Gemm prod(out) x K;
Einsum the product of its index sizes.  Also torch's count of the module at that size
(``torch.utils.flop_counter.FlopCounterMode``, flops / 2) and its ``sum(p.numel())`` (and that less each
BatchNorm's C: the BN folded into the conv before it, its scale and shift the conv's bias).  Compared per
(file, size): total MACs against the oracle; the --input-shape run against the --dim run; params against the
module (or its BN-folded count); every uncounted op; traceback, exit code, wall time.  With no size: each
hint's ``--dim`` followed (at most 5 steps) and the input shape it ends at, against the shape the hint's own
``--input-shape`` example gives (HINT_END); six more checks of derived dimensions (HINT_CHECKS).

Install (a venv of its own: /tmp/r40/venv's torch 2.14.1, transformers 5.25.0, onnx, onnxruntime, onnxscript
and dscost's dependencies through a .pth file, plus torchvision and timm without dependencies):

    python3.11 -m venv /tmp/r42/venv
    echo /tmp/r40/venv/lib/python3.11/site-packages > /tmp/r42/venv/lib/python3.11/site-packages/r40.pth
    /tmp/r40/venv/bin/python -m uv pip install --python /tmp/r42/venv/bin/python --no-deps torchvision==0.29.1 \\
        timm==1.0.31
    # or, self-contained: python -m uv pip install torch==2.14.1 torchvision==0.29.1 timm==1.0.31 \\
    #   transformers==5.25.0 onnx==1.23.2 onnxruntime==1.32.0 onnxscript==0.7.2 typer rich pydantic pyyaml numpy

Run (from the checkout; dscost runs as ``python -m dscost analyze FILE -f json -q [--dim ...]`` with this
checkout first on PYTHONPATH; files go to OUT, each model's build + export cached as OUT/NAME.build.json for
--reuse; ``--only hint_cases`` runs the derived-dimension part alone):

    PYTHONPATH=. /tmp/r42/venv/bin/python benchmarks/crosscheck_symbolic.py --json /tmp/r42/rows.json \\
        [--out /tmp/r42/files] [--only resnet18,bert,...,hint_cases] [--reuse]

Each model's build and exports in a child process (900 s), the oracle in another (600 s), dscost in a third
(300 s), one at a time.  Exit 1 when a count differs from the oracle, params from both the module's and its
BN-folded count, dscost fails at a given size, an op is uncounted, or a hint check fails.  A benchmark: not run
in CI.

As run 2026-12-06, Linux x86_64, 2-core VM (shared), Python 3.11.7: torch 2.14.1, torchvision 0.29.1, timm
1.0.31, transformers 5.25.0, onnx 1.23.2, onnxscript 0.7.2, onnxruntime 1.32.0, numpy 2.4.6.  16 models, 30
files: 2 exports failed, neither dscost's -- GPT2 by TorchScript (``aten::diff``, no symbolic at opset 17), T5
by dynamo (torch.export's decomposition: "Cannot view a tensor with shape [s77, s27, 2, 32] and strides ...
as (s77, s27, 64)"); ~14 min in all (exports 1-40 s, dscost 0.5-2.9 s a
count, oracle 1-5 s).  dscost exited 0 at every given size, no traceback, no hang.

RESULTS (MACs at each size, left to right; oracle / torch "equal" when equal at every size; params: dscost's
params (weights / biases / norm), buffers 0 but PoolFormer's dynamo file (2); module = sum(p.numel()), BN-folded in
brackets when it differs; uncounted per size):

| model | exporter | sizes (batch, seq / samples / HxW) | dscost MACs | oracle | torch FlopCounter | dscost params (w / b / norm) | module (BN-folded) | uncounted | s |
|---|---|---|---:|---|---|---|---|---|---:|
| resnet18 | dynamo | b1 128x128, b2 96x96, b1 96x160 | 592,695,296 / 667,230,208 / 555,683,840 | equal | equal | 11,684,712 (11,678,912 / 5,800 / 0) | 11,689,512 (11,684,712) | - | 0.6 |
| resnet18 | torchscript | b1 128x128, b2 96x96, b1 96x160 | 592,695,296 / 667,230,208 / 555,683,840 | equal | equal | 11,684,712 (11,678,912 / 5,800 / 0) | 11,689,512 (11,684,712) | - | 0.7 |
| mobilenet_v3_small | dynamo | b1 128x128, b2 96x96, b1 96x160 | 19,848,192 / 24,142,720 / 18,737,216 | equal | equal | 2,536,800 (2,525,832 / 10,968 / 0) | 2,542,856 (2,536,800) | - | 0.8 |
| mobilenet_v3_small | torchscript | b1 128x128, b2 96x96, b1 96x160 | 19,848,192 / 24,142,720 / 18,737,216 | equal | equal | 2,536,800 (2,525,832 / 10,968 / 0) | 2,542,856 (2,536,800) | - | 0.7 |
| efficientnet_b0 | dynamo | b1 128x128, b2 96x96, b1 96x160 | 127,264,768 / 144,841,664 / 119,429,920 | equal | equal | 5,267,540 (5,236,192 / 31,348 / 0) | 5,288,548 (5,267,540) | - | 0.6 |
| efficientnet_b0 | torchscript | b1 128x128, b2 96x96, b1 96x160 | 127,264,768 / 144,841,664 / 119,429,920 | equal | equal | 5,267,540 (5,236,192 / 31,348 / 0) | 5,288,548 (5,267,540) | - | 0.6 |
| convnext_tiny | dynamo | b1 128x128, b2 96x96 | 1,455,384,576 / 1,637,979,648 | equal | equal | 28,589,128 (28,530,624 / 42,184 / 16,320) | 28,589,128 | - | 1.7 |
| convnext_tiny | torchscript | b1 128x128, b2 96x96 | 1,455,384,576 / 1,637,979,648 | equal | equal | 28,589,128 (28,530,624 / 42,184 / 16,320) | 28,589,128 | - | 0.8 |
| regnet_y_400mf | dynamo | b1 128x128, b2 96x96, b1 96x160 | 131,956,704 / 149,416,256 / 123,778,336 | equal | equal | 4,330,568 (4,310,784 / 19,784 / 0) | 4,344,144 (4,330,568) | - | 0.6 |
| regnet_y_400mf | torchscript | b1 128x128, b2 96x96, b1 96x160 | 131,956,704 / 149,416,256 / 123,778,336 | equal | equal | 4,330,568 (4,310,784 / 19,784 / 0) | 4,344,144 (4,330,568) | - | 0.6 |
| vit_tiny | dynamo | b1, b2, b3 | 1,975,168 / 3,950,336 / 5,925,504 | equal | 1,344,128 / 2,688,256 / 4,032,384 | 118,090 (115,392 / 2,058 / 640) | 118,090 | - | 0.7 |
| vit_tiny | torchscript | b1, b2, b3 | 1,975,168 / 3,950,336 / 5,925,504 | equal | 1,344,128 / 2,688,256 / 4,032,384 | 118,090 (115,392 / 2,058 / 640) | 118,090 | - | 1.8 |
| timm_efficientvit_b0 | dynamo | b1 128x128, b2 96x96, b1 96x160 | 34,473,984 / 41,050,112 / 32,481,280 | equal | equal | 3,407,328 (3,397,248 / 7,520 / 2,560) | 3,410,008 (3,407,328) | - | 2.4 |
| timm_efficientvit_b0 | torchscript | b1 128x128, b2 96x96, b1 96x160 | 34,473,984 / 41,050,112 / 32,481,280 | equal | equal | 3,407,328 (3,397,248 / 7,520 / 2,560) | 3,410,008 (3,407,328) | - | 2.0 |
| timm_mobilevit_xxs | dynamo | b1 128x128, b2 96x96 | 87,421,440 / 99,478,528 | equal / n/a (ORT fails) | 82,534,912 / 96,228,352 | 1,269,968 (1,258,336 / 8,208 / 3,424) | 1,272,024 (1,269,968) | 0 / 2 | 2.0 |
| timm_mobilevit_xxs | torchscript | b1 128x128, b2 96x96 | 87,421,440 / 70,403,584 | equal / n/a (ORT fails) | 82,534,912 / 96,228,352 | 1,269,968 (1,258,336 / 8,208 / 3,424) | 1,272,024 (1,269,968) | 0 / 179 | 1.9 |
| timm_poolformer_s12 | dynamo | b1 128x128, b2 96x96 | 592,105,472 / 666,566,656 | equal | equal | 11,915,176 (11,888,832 / 25,320 / 1,024) | 11,915,176 | - | 0.6 |
| timm_poolformer_s12 | torchscript | b1 128x128, b2 96x96 | 592,105,472 / 666,566,656 | equal | equal | 11,915,176 (11,888,832 / 25,320 / 1,024) | 11,915,176 | - | 0.6 |
| bert | dynamo | b1 16, b2 64, b3 8 | 1,114,112 / 10,485,760 / 1,622,016 | equal | 1,052,672 / 8,396,800 / 1,585,152 | 107,392 (105,856 / 896 / 640) | 111,552 | - | 2.3 |
| bert | torchscript | b1 16, b2 64, b3 8 | 1,114,112 / 10,485,760 / 1,622,016 | equal | 1,052,672 / 8,396,800 / 1,585,152 | 107,392 (105,856 / 896 / 640) | 111,552 | - | 1.8 |
| gpt2 | dynamo | b1 16, b2 64, b3 8 | 1,638,400 / 14,680,064 / 2,408,448 | equal | 1,572,864 / 12,582,912 / 2,359,296 | 140,288 (138,496 / 1,152 / 640) | 140,288 | - | 2.2 |
| distilbert | dynamo | b1 16, b2 64, b3 8 | 1,114,112 / 10,485,760 / 1,622,016 | equal | 1,048,576 / 8,388,608 / 1,572,864 | 107,264 (105,728 / 896 / 640) | 107,264 | - | 1.9 |
| distilbert | torchscript | b1 16, b2 64, b3 8 | 1,114,112 / 10,485,760 / 1,622,016 | equal | 1,048,576 / 8,388,608 / 1,572,864 | 107,264 (105,728 / 896 / 640) | 107,264 | - | 1.8 |
| t5_encoder | torchscript | b1 16, b2 64, b3 8 | 1,114,112 / 10,485,760 / 1,622,016 | equal | 1,048,576 / 8,388,608 / 1,572,864 | 97,920 (97,920 / 0 / 0) | 97,920 | - | 2.3 |
| hf_vit | dynamo | b1, b2, b3 | 1,974,528 / 3,949,056 / 5,923,584 | equal | 1,900,544 / 3,801,088 / 5,701,632 | 117,440 (114,752 / 2,048 / 640) | 117,440 | - | 0.5 |
| hf_vit | torchscript | b1, b2, b3 | 1,974,528 / 3,949,056 / 5,923,584 | equal | 1,900,544 / 3,801,088 / 5,701,632 | 117,440 (114,752 / 2,048 / 640) | 117,440 | - | 2.6 |
| wav2vec2 | dynamo | b1 4000, b2 8000 | 28,956,608 / 156,934,016 | equal | 18,818,752 / 75,423,104 | 92,368 (90,448 / 1,024 / 896) | 92,432 | - | 2.5 |
| wav2vec2 | torchscript | b1 4000, b2 8000 | 28,956,608 / 156,934,016 | equal | 18,818,752 / 75,423,104 | 92,352 (90,432 / 1,024 / 896) | 92,432 | - | 0.5 |
| whisper_encoder | dynamo | b1, b2, b3 | 1,409,024 / 2,818,048 / 4,227,072 | equal | 1,343,488 / 2,686,976 / 4,030,464 | 83,456 (80,896 / 1,920 / 640) | 83,456 | - | 0.8 |
| whisper_encoder | torchscript | b1, b2, b3 | 1,409,024 / 2,818,048 / 4,227,072 | equal | 1,343,488 / 2,686,976 / 4,030,464 | 83,456 (80,896 / 1,920 / 640) | 83,456 | - | 0.8 |

--input-shape x=SHAPE at the first size gave the --dim count on every file.

No size given: every file with a symbolic height / width / seq / samples stops (exit 2) on its first unresolved
dimension, e.g. ``input 'x' has an unresolved dimension 2 ('height'); set it with --input-shape x=1x3x224x224
(symbolic: dim 0 'batch', dim 2 'height', dim 3 'width'), or --dim height=224``; the image files need two runs to
follow the --dim form (height, then width: one name per error), the text / audio files one (``--dim seq=128``,
``--dim samples=128``); each then runs (batch 1, said in a note) -- MobileViT at 224 too, but there (dynamo file checked) with 2
nodes uncounted (7 x 7 cannot be cut in 2 x 2 patches: the graph cannot run at 224, said).  The batch-only files
(both ViTs) run with no size (batch 1, a note).  The derived-dimension files (HINT_CHECKS, HINT_END):

| file | no-size hint (first) | --dim hints followed end at | expected | checks (args -> got) |
|---|---|---|---|---|
| two_2seq (dynamo; x [batch, seq, 16], y [batch, 2*seq, 16]) | x=1x128x16 ... or --dim seq=128 | x [1, 128, 16], y [1, 256, 16] | same | --dim seq=8 --dim batch=2 -> y [2, 16, 16] ok; ``-i x=2x8x16`` -> **error on y** ("or --dim seq=64"); ``-i x=2x8x16 -i y=2x20x16`` -> **taken** (20 != 2 x 8) |
| two_auto (dynamo, Dim.AUTO: 's17', 's27', 's94') | x=1x128x16 ... or --dim s27=128 | [1, 128, 16] x 2 (two runs) | same | - |
| conv_32h (dynamo; [batch, 3, 32*h, 32*w]) | x=1x3x224x224 ... or --dim h=7 (**h=224** before 17:18) | [1, 3, 224, 224] (**7,168 x 7,168** before) | [1, 3, 224, 224] | --dim h=2 --dim w=3 -> [1, 3, 64, 96] ok |
| linear_s1 (dynamo; [batch, seq + 1, 16]) | x=1x128x16 ... or --dim seq=127 (**seq=128**: 129 before) | [1, 128, 16] | same | --dim seq=8 -> [1, 9, 16] ok |
| gru_seq_first (TorchScript; [seq, batch, 16]) | x=128x1x16 ... or --dim seq=128 (**x=1x128x16, --dim seq=1** before) | [128, 1, 16] (**[1, 1, 16]**: one step, before) | [128, 1, 16] | --dim seq=10 -> [10, 1, 16] ok |

Summary: MACs equal to the oracle at all 80 counts that onnxruntime can run (30 files, 2-3 sizes each), the
--dim and --input-shape forms equal, every size scaling as the oracle's (linear layers x batch x tokens, attention
x tokens^2: BERT 1,114,112 at 1 x 16 -> 10,485,760 at 2 x 64); the 2 it cannot (MobileViT at 96 px, both
exporters) said so in a note and per node.  Params equal to the module (or its BN-folded count) on 26 of 30 files;
every difference named below.  No count wrong; three hint / input bugs, all in dscost/readers/onnx_inputs.py, two of them fixed in the tree
while this round ran (17:18; the hint rows above are the re-run's, against that tree), the third the same day after it.

DIAGNOSES (every difference):
- dscost BUG (input shapes): a derived dimension does not take the value another input's --input-shape
  gives its name.  hint_two_2seq (x [batch, seq, 16], y [batch, 2*seq, 16]): ``-i x=2x8x16`` stops on y
  ("unresolved dimension 1 ('2*seq') ... or --dim seq=64"; before 17:18 "--dim seq=128"), and following that
  hint is refused ("--input-shape x=2x8x16 makes dimension 1 ('seq') of input 'x' 8, and --dim seq=64 makes it
  64: one name, one size"); ``-i x=2x8x16 -i y=2x20x16`` is taken without a word (9,216 MACs; 20 != 2 x 8, a
  size the export's own guard rules out); ``--dim seq=8 -i y=1x20x16`` is refused quoting an option nobody
  gave ("--dim 2*seq=16").  Expected: y [2, 16, 16] and 8,192 MACs (what ``--dim seq=8 --dim batch=2`` gives;
  a plain shared name is bound so: "dimension 0 ('batch') of input 'y' set to 2, as in --input-shape x"), a
  conflict said for 20.  Cause: dscost/readers/onnx_inputs.py ``bound_names`` keys whole dim_param strings
  ('seq' from x; '2*seq' is no key) and ``_input_shape`` evaluates an expression (``dim_value``) with the --dim
  values only, not with the names an --input-shape binds; the refusal's text is f"--dim {d.dim_param}={other}".
  Repro /tmp/r42/repro/derived_dim_bound.py.
  FIXED 2026-12-06 (onnx_inputs._derived): a derived dimension takes its names from --dim and from another
  input's --input-shape, with a note ("dimension 1 ('2*seq') of input 'y' set to 16, by --input-shape x
  (seq = 8)"): -i x=2x8x16 gives y [2, 16, 16], 8,192 MACs; y=2x20x16 beside it and --dim seq=8 against
  y=1x20x16 are refused naming what makes '2*seq' 16.  No other of the 1,181 ONNX files of rounds 27-40 changed.
- dscost BUG (hint, fixed the same day, 95a11c1, while this round ran): the --dim hint for a derived
  dimension gave the example size to the NAME: '32*h' -> "--dim h=224", and following both hints (h, then w)
  counted a 7,168 x 7,168 input without a word (the repro's 3x3 conv: 11,098,128,384 MACs for 10,838,016, 1024x;
  'seq + 1' -> "--dim seq=128" = 129 tokens, while the --input-shape form of the same hint says 128).  Cause
  was onnx_inputs.py ``_input_shape``: f", or --dim {missing[0]}={_example(vi).split('x')[i]}".  The tree now
  solves for the name (``_solve``: h=7, seq=127; HINT_END all ok on the re-run).  Repro
  /tmp/r42/repro/hint_derived_dim.py (follows the printed hints: now 224 x 224, 10,838,016).
- dscost BUG (hint, fixed the same day, 95a11c1): an input whose leading dimension is a length
  (GRU [seq, batch, 16], which docs/onnx.md says dscost stops on because "a batch of 1 there would count one
  step") got the hint "--input-shape x=1x128x16 ... or --dim seq=1": the --dim form counted one step (576 of
  73,728 MACs at 128 steps), the --input-shape form a batch of 128 of one step.  Cause was ``_example``
  (``1 if i == 0`` whatever the name).  Now "x=128x1x16 ... or --dim seq=128".  Repro
  /tmp/r42/repro/hint_rnn_length_first.py.
- dscost GAP (hint, small): one unresolved dimension per error, so an image's --dim form takes two runs
  (height, then width; every image file here), a file with derived or unnamed dims one per name (two_auto:
  s27, then s94); the --input-shape form in the same message sets all at once.  FIXED 2026-12-06: the hint names
  every unresolved name of the input ("or --dim height=224 --dim width=224"; "--dim h=7 --dim w=7").
- convention (torch's counter, not dscost's): ``FlopCounterMode`` counts no CPU attention kernel -- every
  text / audio / ViT difference in the torch column is exactly the attention products, 2 x layers x batch x
  heads x S^2 x d_head (BERT 1 x 16: 65,536 - 4,096 for the pooler torch runs and the export drops =
  61,440; GPT2, DistilBERT, T5 65,536; Wav2Vec2 199 frames 10,137,856, 399 frames x 2: 81,510,912; HF ViT
  73,984 per image; Whisper 65,536 per item), torchvision's ViT the whole ``nn.MultiheadAttention`` fast path
  (631,040 per image with its projections), MobileViT 4,886,528 at 128 px (its attention, presumably; not broken down).
- exporter (params; MACs equal): BERT -4,160 on both files: the pooler (64 x 64 + 64), computed by the
  forward but not returned by the wrapper, dropped as dead code; Wav2Vec2 -64 (``masked_spec_embed``,
  unused in eval), the TorchScript file -16 more (the positional conv's weight norm computed into one weight:
  ``original0`` [1, 1, 16] gone).  The CNN files equal the BN-folded count (each BN's scale and shift the
  conv's bias), the others the module.
- exporter (files that cannot run at a size): MobileViT-XXS at 96 px -- timm pads a 3 x 3 map up to its 2 x 2
  patches in torch (96,228,352 MACs), both exports baked the branch taken at 128 px (TorchScript also its patch
  counts: Reshape to (1024, 2, 8, 2) at stage 3); onnxruntime fails, dscost lists the 2 contradicting nodes
  and says "the graph cannot run at these input shapes ... the counts after them are not the model's"
  (dynamo 99,478,528 counted past them on the declared reshape, 2 uncounted; TorchScript 70,403,584, 179
  uncounted).  Not silent.  Likewise at 224 px (7 x 7), where following the no-size hint leads.
- exporter (outside the table, /tmp/r42/probe/p2.py): the dynamo export of nn.GRU with a dynamic seq
  specializes a Reshape after it at the traced 10 steps while the input still declares 'seq' (onnxruntime at
  20 steps returns [10, 6, 8]); dscost counts what onnxruntime computes (same MACs), no note: the file is wrong,
  not the count.
- exporters (no file): GPT2 by TorchScript (``aten::diff``, no symbolic at opset 17), T5 encoder by dynamo
  (torch.export decomposition: "Cannot view a tensor with shape [s77, s27, 2, 32] ... as (s77, s27, 64)").
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections import Counter
from math import prod
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DSCOST_TIMEOUT = 300
BUILD_TIMEOUT = 900
ORACLE_TIMEOUT = 600
ONNX_COMPUTE = {"Conv", "ConvTranspose", "MatMul", "Gemm", "Einsum"}

IMG_SIZES = [dict(batch=1, height=128, width=128), dict(batch=2, height=96, width=96),
             dict(batch=1, height=96, width=160)]
TXT_SIZES = [dict(batch=1, seq=16), dict(batch=2, seq=64), dict(batch=3, seq=8)]
BATCH_SIZES = [dict(batch=1), dict(batch=2), dict(batch=3)]
AUDIO_SIZES = [dict(batch=1, samples=4000), dict(batch=2, samples=8000)]

# name: (family, input kind, sizes); "img" inputs x [batch, 3, height, width], "ids" x [batch, seq] int64,
# "img_fixed" [batch, 3, 64, 64] (position tables of one size), "wave" [batch, samples], "mel" [batch, 16, 32]
MODELS = {
    "resnet18": ("tv", "img", IMG_SIZES),
    "mobilenet_v3_small": ("tv", "img", IMG_SIZES),
    "efficientnet_b0": ("tv", "img", IMG_SIZES),
    "convnext_tiny": ("tv", "img", IMG_SIZES[:2]),
    "regnet_y_400mf": ("tv", "img", IMG_SIZES),
    "vit_tiny": ("tv", "img_fixed", BATCH_SIZES),
    "timm_efficientvit_b0": ("timm", "img", IMG_SIZES),
    "timm_mobilevit_xxs": ("timm", "img", IMG_SIZES[:2]),
    "timm_poolformer_s12": ("timm", "img", IMG_SIZES[:2]),
    "bert": ("hf", "ids", TXT_SIZES),
    "gpt2": ("hf", "ids", TXT_SIZES),
    "distilbert": ("hf", "ids", TXT_SIZES),
    "t5_encoder": ("hf", "ids", TXT_SIZES),
    "hf_vit": ("hf", "img_fixed", BATCH_SIZES),
    "wav2vec2": ("hf", "wave", AUDIO_SIZES),
    "whisper_encoder": ("hf", "mel", BATCH_SIZES),
}


# --------------------------------------------------------------------------- models (random weights, no download)
def make(name: str):
    import torch

    torch.manual_seed(0)
    fam = MODELS[name][0]
    if fam == "tv":
        import torchvision
        if name == "vit_tiny":
            from torchvision.models.vision_transformer import VisionTransformer
            return VisionTransformer(image_size=64, patch_size=16, num_layers=2, num_heads=2, hidden_dim=64,
                                     mlp_dim=128, num_classes=10)
        return getattr(torchvision.models, name)()
    if fam == "timm":
        import timm
        return timm.create_model(name[5:], pretrained=False)
    import transformers as tr
    txt = dict(vocab_size=500, hidden_size=64, num_hidden_layers=2, num_attention_heads=2, intermediate_size=128)

    class Wrap(torch.nn.Module):  # the first output (last hidden state) as a tensor
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            return self.m(x)[0]

    if name == "bert":
        m = tr.BertModel(tr.BertConfig(**txt, max_position_embeddings=128))
    elif name == "gpt2":
        m = tr.GPT2Model(tr.GPT2Config(vocab_size=500, n_embd=64, n_layer=2, n_head=2, n_positions=128,
                                       use_cache=False))
    elif name == "distilbert":
        m = tr.DistilBertModel(tr.DistilBertConfig(vocab_size=500, dim=64, n_layers=2, n_heads=2, hidden_dim=128,
                                                   max_position_embeddings=128))
    elif name == "t5_encoder":
        m = tr.T5EncoderModel(tr.T5Config(vocab_size=500, d_model=64, d_kv=32, d_ff=128, num_layers=2,
                                          num_heads=2))
    elif name == "hf_vit":
        m = tr.ViTModel(tr.ViTConfig(**{k: v for k, v in txt.items() if k != "vocab_size"}, image_size=64,
                                     patch_size=16), add_pooling_layer=False)
    elif name == "wav2vec2":
        m = tr.Wav2Vec2Model(tr.Wav2Vec2Config(**{k: v for k, v in txt.items() if k != "vocab_size"},
                                               conv_dim=(32, 32, 32), conv_stride=(5, 2, 2), conv_kernel=(10, 3, 3),
                                               num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4,
                                               do_stable_layer_norm=True, feat_extract_norm="layer"))
    elif name == "whisper_encoder":
        m = tr.WhisperModel(tr.WhisperConfig(vocab_size=500, d_model=64, encoder_layers=2, decoder_layers=1,
                                             encoder_attention_heads=2, decoder_attention_heads=2,
                                             encoder_ffn_dim=128, decoder_ffn_dim=128, num_mel_bins=16,
                                             max_source_positions=16, max_target_positions=16, pad_token_id=0,
                                             bos_token_id=1, eos_token_id=2, decoder_start_token_id=1)).get_encoder()
    else:
        raise KeyError(name)
    return Wrap(m)


def axes(kind: str) -> dict[int, str]:
    return {"img": {0: "batch", 2: "height", 3: "width"}, "ids": {0: "batch", 1: "seq"},
            "wave": {0: "batch", 1: "samples"}}.get(kind, {0: "batch"})


def example(kind: str, size: dict):
    import torch

    g = torch.Generator().manual_seed(1)
    b = size.get("batch", 2)
    if kind == "img":
        return torch.randn(b, 3, size.get("height", 128), size.get("width", 128), generator=g)
    if kind == "img_fixed":
        return torch.randn(b, 3, 64, 64, generator=g)
    if kind == "ids":
        return torch.randint(0, 500, (b, size.get("seq", 32)), generator=g)
    if kind == "wave":
        return torch.randn(b, size.get("samples", 6000), generator=g)
    return torch.randn(b, 16, 32, generator=g)  # whisper: 2 x max_source_positions frames


def torch_macs(m, x) -> int:
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        m(x)
    return fc.get_total_flops() // 2


def build(name: str, out: Path) -> dict:
    import torch
    from torch.export import Dim

    fam, kind, sizes = MODELS[name]
    m = make(name).eval()
    # every parameter and BN statistic random, so no exporter drops a zero bias or merges equal norm scales
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for k, t in list(m.named_parameters()) + list(m.named_buffers()):
            if t.is_floating_point():
                v = torch.randn(t.shape, generator=g) * 0.1
                t.copy_(v.abs() + 0.5 if k.endswith("running_var") else v)
    res = {"name": name, "params": int(sum(p.numel() for p in m.parameters())),
           "buffers": int(sum(b.numel() for b in m.buffers())), "files": {}, "errors": {}, "torch_macs": {}}
    # every BatchNorm here follows a conv: folded into it, its scale and shift become the conv's bias (2C -> C)
    res["bn_folded"] = res["params"] - sum(mod.weight.numel() for mod in m.modules()
                                           if isinstance(mod, torch.nn.modules.batchnorm._BatchNorm))
    for s in sizes:
        try:
            res["torch_macs"][json.dumps(s)] = int(torch_macs(m, example(kind, s)))
        except Exception as e:  # noqa: BLE001
            res["torch_macs"][json.dumps(s)] = f"{type(e).__name__}: {str(e)[:200]}"
    ex = example(kind, {"batch": 2, "height": 128, "width": 128, "seq": 32, "samples": 6000})
    ax = axes(kind)
    for exp in ("dynamo", "torchscript"):
        f = out / f"{name}_{exp}.onnx"
        t0 = time.time()
        try:
            if exp == "dynamo":
                lim = {"batch": (1, 64), "height": (32, 1024), "width": (32, 1024), "seq": (2, 128),
                       "samples": (1000, 64000)}
                ds = ({i: Dim(n, min=lim[n][0], max=lim[n][1]) for i, n in ax.items()},)
                torch.onnx.export(m, (ex,), str(f), dynamo=True, dynamic_shapes=ds, input_names=["x"],
                                  output_names=["y"], external_data=False)
            else:
                torch.onnx.export(m, (ex,), str(f), dynamo=False, input_names=["x"], output_names=["y"],
                                  dynamic_axes={"x": ax, "y": {0: "batch"}}, opset_version=17)
            res["files"][exp] = str(f)
        except Exception as e:  # noqa: BLE001 - reported as a row
            res["errors"][exp] = f"{type(e).__name__}: {str(e).strip().splitlines()[0][:300] if str(e).strip() else ''}"
        res[f"{exp}_s"] = round(time.time() - t0, 1)
    return res


# --------------------------------------------------------------------------- derived and unnamed dims, an RNN layout
def build_hint_cases(out: Path) -> dict:
    """Three small modules exported by dynamo with derived dims (torch.export's `2 * seq`, `32 * h`, `s + 1`), one
    with Dim.AUTO (names 's17', ...), and a GRU in [seq, batch, features] by the TorchScript exporter."""
    import torch
    from torch.export import Dim

    class Two(torch.nn.Module):  # x [B, S, 16] attends over y [B, 2S, 16]
        def __init__(self):
            super().__init__()
            self.q, self.k = torch.nn.Linear(16, 16), torch.nn.Linear(16, 16)

        def forward(self, x, y):
            return torch.softmax(self.q(x) @ self.k(y).transpose(1, 2), -1) @ y

    class Gru(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.g, self.lin = torch.nn.GRU(16, 32), torch.nn.Linear(32, 8)

        def forward(self, x):
            return self.lin(self.g(x)[0])

    torch.manual_seed(0)
    b, s = Dim("batch", min=1, max=64), Dim("seq", min=2, max=256)
    h, w = Dim("h", min=1, max=32), Dim("w", min=1, max=32)
    two, x, y = Two().eval(), torch.randn(2, 8, 16), torch.randn(2, 16, 16)
    files = {}
    for key, mod, args, ds, names in (
            ("two_2seq", two, (x, y), ({0: b, 1: s}, {0: b, 1: 2 * s}), ["x", "y"]),
            ("two_auto", two, (x, y), ({0: Dim.AUTO, 1: Dim.AUTO}, {0: Dim.AUTO, 1: Dim.AUTO}), ["x", "y"]),
            ("conv_32h", torch.nn.Conv2d(3, 8, 3, padding=1).eval(), (torch.randn(2, 3, 64, 96),),
             ({0: b, 2: 32 * h, 3: 32 * w},), ["x"]),
            ("linear_s1", torch.nn.Linear(16, 16).eval(), (torch.randn(2, 9, 16),), ({0: b, 1: s + 1},), ["x"])):
        f = out / f"hint_{key}.onnx"
        torch.onnx.export(mod, args, str(f), dynamo=True, dynamic_shapes=ds, input_names=names)
        files[key] = str(f)
    f = out / "hint_gru_ts.onnx"
    torch.onnx.export(Gru().eval(), (torch.randn(10, 2, 16),), str(f), dynamo=False, input_names=["x"],
                      dynamic_axes={"x": {0: "seq", 1: "batch"}})
    files["gru_seq_first"] = str(f)
    return {"files": files}


# where following the --dim hints from no sizes should end: the shape the hint's own --input-shape example gives
# (224 pixels, 128 tokens) and, for a leading length, dscost's rule (a length of 128, the batch after it 1)
HINT_END = {"two_2seq": [[1, 128, 16], [1, 256, 16]], "two_auto": [[1, 128, 16], [1, 128, 16]],
            "conv_32h": [[1, 3, 224, 224]], "linear_s1": [[1, 128, 16]], "gru_seq_first": [[128, 1, 16]]}
# (file key, dscost args, expected input shapes, or "error"); the hint runs are follow_hints
HINT_CHECKS = [
    ("two_2seq", ["--dim", "seq=8", "--dim", "batch=2"], [[2, 8, 16], [2, 16, 16]]),
    ("two_2seq", ["-i", "x=2x8x16"], [[2, 8, 16], [2, 16, 16]]),  # y's 2*seq from x's seq
    ("two_2seq", ["-i", "x=2x8x16", "-i", "y=2x20x16"], "error"),  # 20 != 2 * 8
    ("conv_32h", ["--dim", "h=2", "--dim", "w=3"], [[1, 3, 64, 96]]),
    ("linear_s1", ["--dim", "seq=8"], [[1, 9, 16]]),
    ("gru_seq_first", ["--dim", "seq=10"], [[10, 1, 16]]),
]


# --------------------------------------------------------------------------- dscost (a subprocess, JSON out)
def run_dscost(path: str, args: list[str]) -> dict:
    cmd = [sys.executable, "-m", "dscost", "analyze", path, "-f", "json", "-q", *args]
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
                   inputs=[(i["name"], i["shape"]) for i in d["inputs"]],
                   uncounted=[(u.get("name"), u.get("op"), u.get("reason")) if isinstance(u, dict) else u
                              for u in d["uncounted"]])
        by_op = Counter()
        for lay in d["layers"]:
            by_op[lay["op"]] += lay["macs"]
        res["macs_by_op"] = {k: v for k, v in by_op.items() if v}
    return res


def follow_hints(path: str, limit: int = 5) -> dict:
    """dscost with no sizes, then with each hint it prints added (its first suggestion), until it runs."""
    args: list[str] = []
    steps = []
    for _ in range(limit):
        r = run_dscost(path, args)
        line = (r.get("stderr") or "").splitlines()[-1:] or [""]
        steps.append({"args": list(args), "rc": r["rc"], "msg": line[0][:400], "macs": r.get("macs")})
        if r["rc"] == 0:
            break
        hint = re.search(r"or (--dim \S+=\d+)", line[0]) or re.search(r"(--input-shape \S+=[\dx]+)", line[0])
        if not hint:
            break
        new = shlex.split(hint.group(1))
        if " ".join(new) in " ".join(args):
            steps[-1]["loop"] = True
            break
        args += new
    return {"steps": steps}


# --------------------------------------------------------------------------- oracle (no dscost code)
def oracle_onnx(path: str, size: dict) -> dict:
    import numpy as np
    import onnx
    import onnxruntime as ort

    m = onnx.load(path)
    inits = {i.name: tuple(i.dims) for i in m.graph.initializer}
    rng = np.random.default_rng(0)
    feeds = {}
    for i in m.graph.input:
        if i.name in inits:
            continue
        tt = i.type.tensor_type
        shape = [d.dim_value if d.HasField("dim_value") else size[d.dim_param] for d in tt.shape.dim]
        dt = onnx.helper.tensor_dtype_to_np_dtype(tt.elem_type)
        if np.issubdtype(dt, np.integer):
            feeds[i.name] = rng.integers(0, 500, size=shape).astype(dt)
        else:
            feeds[i.name] = (rng.standard_normal(shape) * 0.5).astype(dt)
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
    cshape = {n.output[0]: tuple(n.attribute[0].t.dims) for n in m.graph.node
              if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value"}
    shape.update(cshape)
    shape.update({k: tuple(np.asarray(v).shape) for k, v in zip(names, outs)})
    macs = Counter()
    for n in m.graph.node:
        t = n.op_type
        if t not in ONNX_COMPUTE:
            continue
        out = shape[n.output[0]]
        if t == "Conv":
            macs[t] += prod(out) * prod(shape[n.input[1]][1:])
        elif t == "ConvTranspose":
            macs[t] += prod(shape[n.input[0]]) * prod(shape[n.input[1]][1:])
        elif t == "MatMul":
            macs[t] += prod(out) * shape[n.input[0]][-1]
        elif t == "Gemm":
            ta = next((a.i for a in n.attribute if a.name == "transA"), 0)
            a = shape[n.input[0]]
            macs[t] += prod(out) * (a[0] if ta else a[1])
        elif t == "Einsum":
            eq = next(a.s.decode() for a in n.attribute if a.name == "equation").replace(" ", "")
            lhs = eq.split("->")[0].split(",")
            dims = {}
            for spec, inp in zip(lhs, n.input):
                sh = shape[inp]
                if "..." in spec:
                    pre, post = spec.split("...")
                    ell = len(sh) - len(pre) - len(post)
                    spec = pre + "".join(chr(0x100 + k) for k in range(ell)) + post
                for c, d in zip(spec, sh):
                    dims[c] = max(dims.get(c, 1), d)
            macs[t] += prod(dims.values())
    return {"macs": sum(macs.values()), "by_op": dict(macs), "nodes": len(m.graph.node)}


# --------------------------------------------------------------------------- children, one at a time
def _child(kind: str, arg: str, out: str) -> None:
    t0 = time.time()
    try:
        if kind == "build":
            r = build_hint_cases(Path(out)) if arg == "hint_cases" else build(arg, Path(out))
        else:
            r = oracle_onnx(arg, json.loads(out))
    except Exception as e:  # noqa: BLE001 - reported as a row
        r = {"error": f"{type(e).__name__}: {str(e)[:600]}"}
    r["time"] = round(time.time() - t0, 1)
    print("@@" + json.dumps(r))


def run_child(kind: str, arg: str, out: str, timeout: int) -> dict:
    try:
        p = subprocess.run([sys.executable, __file__, "--child", kind, arg, out], capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"{kind} timeout"}
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("@@"):
            return json.loads(line[2:])
    return {"error": f"{kind} crashed rc={p.returncode}: {p.stderr[-600:]}"}


def dim_args(size: dict) -> list[str]:
    return [a for k, v in size.items() for a in ("--dim", f"{k}={v}")]


def shape_args(kind: str, size: dict) -> list[str]:
    b = size["batch"]
    shp = {"img": [b, 3, size.get("height"), size.get("width")], "ids": [b, size.get("seq")],
           "img_fixed": [b, 3, 64, 64], "wave": [b, size.get("samples")], "mel": [b, 16, 32]}[kind]
    return ["--input-shape", "x=" + "x".join(map(str, shp))]  # (an ONNX input keeps the file's element type)


def compare(row: dict) -> list[str]:
    d, o, diffs = row["dscost"], row["oracle"], []
    if d.get("rc") != 0:
        return [f"dscost rc={d.get('rc')}: {(d.get('stderr') or '').splitlines()[-1:]}"]
    if "Traceback" in d.get("stderr", ""):
        diffs.append("traceback")
    if "error" in o:
        diffs.append(f"oracle: {o['error'][:80]}")
    elif d["macs"] != o["macs"]:
        diffs.append(f"MACs {d['macs'] - o['macs']:+,} vs oracle")
    if d["params"] not in (row["module_params"], row.get("bn_folded")):
        diffs.append(f"params {d['params'] - (row.get('bn_folded') or row['module_params']):+,} vs "
                     f"{'BN-folded' if row.get('bn_folded') != row['module_params'] else 'module'}")
    if d["uncounted"]:
        diffs.append(f"{len(d['uncounted'])} uncounted")
    if row.get("alt_macs") is not None and row["alt_macs"] != d["macs"]:
        diffs.append(f"--input-shape gives {row['alt_macs']:,}")
    return diffs


def hint_cases(out: Path, rows: list) -> int:
    """The derived-dim files: each followed from no sizes by its hints, then HINT_CHECKS."""
    b = run_child("build", "hint_cases", str(out), BUILD_TIMEOUT)
    if "error" in b:
        print(f"hint cases: build failed: {b['error'][:300]}", flush=True)
        return 1
    bad = 0
    for key, path in b["files"].items():
        hints = follow_hints(path)
        last = hints["steps"][-1]
        if last["rc"] == 0:  # the shapes the hints led to
            last["inputs"] = run_dscost(path, last["args"]).get("inputs")
        end = [s_ for _, s_ in last.get("inputs") or []]
        ok = end == HINT_END[key]
        bad += not ok
        print(f"hint {key}: " + " -> ".join(f"[{' '.join(s_['args'])}] rc={s_['rc']} {s_['msg'][-120:]}"
                                            for s_ in hints["steps"]) + f" => {end} {'ok' if ok else 'DIFF'} expected "
              f"{HINT_END[key]}", flush=True)
        rows.append({"model": f"hint_{key}", "no_size": hints, "end": end, "expected": HINT_END[key], "ok": ok})
    for key, args, want in HINT_CHECKS:
        r = run_dscost(b["files"][key], args)
        got = "error" if r["rc"] != 0 else [s_ for _, s_ in r["inputs"]]
        ok = got == want
        bad += not ok
        print(f"hint {key} {' '.join(args)}: {'ok' if ok else 'DIFF'} got {got if got != 'error' else r['stderr'][-200:]}"
              f" expected {want}", flush=True)
        rows.append({"model": f"hint_{key}", "args": args, "expected": want, "got": got, "ok": ok,
                     "stderr": r.get("stderr", "")[-300:]})
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="comma-separated model names")
    ap.add_argument("--json", help="write the rows here")
    ap.add_argument("--out", default="/tmp/r42/files", help="exported files (default /tmp/r42/files)")
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
        if name == "hint_cases":
            continue
        fam, kind, sizes = MODELS[name]
        cache = out / f"{name}.build.json"
        if a.reuse and cache.exists():
            b = json.loads(cache.read_text())
        else:
            b = run_child("build", name, str(out), BUILD_TIMEOUT)
            cache.write_text(json.dumps(b))
        if "error" in b:
            print(f"{name}: build failed: {b['error'][:300]}", flush=True)
            rows.append({"model": name, "build_error": b["error"]})
            continue
        for exp, err in b["errors"].items():
            print(f"{name} {exp}: export failed: {err[:300]}", flush=True)
            rows.append({"model": name, "exporter": exp, "export_error": err})
        for exp, path in b["files"].items():
            hints = follow_hints(path)
            print(f"{name} {exp} no sizes: " + " -> ".join(
                f"[{' '.join(s['args'])}] rc={s['rc']} {s['msg'][:220]}{' LOOP' if s.get('loop') else ''}"
                for s in hints["steps"]), flush=True)
            rows.append({"model": name, "exporter": exp, "file": path, "no_size": hints})
            for k, size in enumerate(sizes):
                row = {"model": name, "exporter": exp, "file": path, "size": size, "module_params": b["params"],
                       "module_buffers": b["buffers"], "bn_folded": b.get("bn_folded"),
                       "torch_macs": b["torch_macs"].get(json.dumps(size))}
                row["dscost"] = run_dscost(path, dim_args(size))
                if k == 0:  # the same size through --input-shape
                    alt = run_dscost(path, shape_args(kind, size))
                    row["alt_macs"] = alt.get("macs")
                    row["alt_rc"] = alt["rc"]
                    row["alt_stderr"] = alt.get("stderr", "")[-300:]
                row["oracle"] = run_child("oracle", path, json.dumps(size), ORACLE_TIMEOUT)
                row["diffs"] = compare(row)
                bad += bool(row["diffs"])
                d, o = row["dscost"], row["oracle"]
                print(f"{name:22s} {exp:11s} {json.dumps(size):42s} dscost {d.get('macs', 0):>13,} | oracle "
                      f"{o.get('macs', 0):>13,} | torch {row['torch_macs']} | p {d.get('params', 0):,} (w "
                      f"{d.get('weights', 0):,} b {d.get('biases', 0):,} n {d.get('norm', 0):,} buf "
                      f"{d.get('buffers', 0):,}) vs {b['params']:,} | {d.get('time')} s | "
                      f"{'; '.join(row['diffs']) or 'equal'}", flush=True)
                rows.append(row)
    if not a.only or "hint_cases" in names:
        bad += hint_cases(out, rows)
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1, default=str))
    versions = {p: importlib.metadata.version(p) for p in ("torch", "torchvision", "timm", "transformers", "onnx",
                                                           "onnxscript", "onnxruntime")}
    print(f"{len(rows)} rows, {bad} with a difference; {versions}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
