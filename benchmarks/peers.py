"""Peers comparison: dscost's MACs and parameters beside fvcore, ptflops (both backends), thop, torchinfo, torch's FlopCounterMode and onnx-tool.

What it compares: 17 PyTorch models (eval mode, batch 1, CPU, weights=None, seed 0) -- torchvision resnet18, mobilenet_v2,
mobilenet_v3_small, efficientnet_b0, shufflenet_v2_x0_5, squeezenet1_1, convnext_tiny, vit_b_16, swin_t, regnet_y_400mf,
densenet121, googlenet (224 x 224); an Embedding(1000, 64) + 2-layer nn.LSTM(64, 128) + Linear(128, 10) tagger (32 tokens); a
2-layer nn.TransformerEncoder (d 128, 4 heads, ff 512, 64 tokens); transformers' BertModel of a small BertConfig (2 layers, hidden
128, 2 heads, ff 512, 64 tokens, with the pooler); timm's mobilevit_xxs (256 x 256) and efficientformer_l1 -- plus dscost's bundled
MobileNet v1 spec (models/mobilenet_v1.yaml, its ONNX written by `dscost export`).  Each model goes to dscost's PyTorch path
(``dscost.analyze(module, input_shape=...)``; the example tensor for token ids), to dscost on the model's own ONNX export
(``torch.onnx.export(m, x, dynamo=False, opset_version=17)``), and to every peer as its users call it: fvcore
``FlopCountAnalysis(m, (x,)).total()`` and ``parameter_count(m)[""]``; ptflops ``get_model_complexity_info(m, ...,
as_strings=False, backend="pytorch" | "aten")``; thop ``profile(m, inputs=(x,))``; torchinfo ``summary(m, input_data=[x])``
(total_mult_adds, total_params); ``torch.utils.flop_counter.FlopCounterMode`` (total FLOPs); onnx-tool 1.0.1 on the same ONNX
file (``Graph.shape_infer(); Graph.profile()``, as ``onnx_tool.model_profile`` does: forward MACs, params).
Conversions: FlopCounterMode gives FLOPs = 2 x MACs: halved here (the only conversion).  fvcore's "flops", ptflops' "MACs", thop's
"MACs", torchinfo's "mult-adds" and onnx-tool's "MACs" are taken as given (each means one multiply-add per MAC; the extras they add
are below).

The check (written here, no dscost or peer code): one eval forward of each model counted at the ATen level (``components``):
conv / mm / addmm / bmm MACs per innermost module, the two products of every F.scaled_dot_product_attention (B H L S (E + Ev)),
each nn.LSTM by hand (4 H (in + H) per layer, step and row), bias additions, BatchNorm / LayerNorm / adaptive-avg-pool input
elements.  Their sum must equal dscost's MACs (it does on all 17), and each peer's number must follow from it by that peer's
convention (CONVENTION, exact to the unit), with every nonzero dscost-vs-peer difference listed with its exact value in EXPLAINED.
Exit 1 on any difference that is not (a new peer version, torch or dscost change shows up there); differences are documented, not
failures.

Install: a venv over /tmp/tv (Python 3.11, torch 2.14.1 on the CPU, torchvision 0.29.1, onnx 1.23.2, onnxruntime 1.32.0; a .pth
line puts /tmp/tv's site-packages on the path) with ``uv pip install fvcore ptflops thop torchinfo onnx-tool timm transformers``
(then uninstall the torch / torchvision / nvidia-* / triton / numpy / onnx copies that pulls in, so /tmp/tv's are used).  Run
(dscost from DSCOST_ROOT, else ./dscost beside this file, else the checkout above it, else the working directory):

    /tmp/r58/venv/bin/python benchmarks/peers.py --out /tmp/r58/run3          # ~25 min on 2 shared cores
    /tmp/r58/venv/bin/python benchmarks/peers.py --out /tmp/r58/run3 --reuse  # the table and the check again, from OUT/rows.jsonl

One process per model (all tools, one at a time), OUT gets the ONNX files and rows.jsonl; then the one-op experiments.

As run 2026-12-07, Linux x86_64, 2-core VM (shared), Python 3.11.7: torch 2.14.1 (+cu130 build, CPU), torchvision 0.29.1, onnx
1.23.2, fvcore 0.1.5.post20221221, ptflops 0.7.5, thop 0.1.1.post2209072238, torchinfo 1.8.0, onnx-tool 1.0.1, timm 1.0.31,
transformers 5.25.0; dscost 0.1.0 at the frozen copy /tmp/r58/dscost.  Exit 0: 0 unexplained.  MACs / params (MACs: multiply-adds;
FlopCounterMode's FLOPs halved; params of FlopCounterMode: none):

| model | dscost | dscost (ONNX) | FlopCounterMode | fvcore | ptflops pytorch | ptflops aten | thop | torchinfo | onnx-tool |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| resnet18 | 1,814,073,344 / 11,689,512 | 1,814,073,344 / 11,684,712 | 1,814,073,344 / - | 1,819,065,856 / 11,689,512 | 1,825,313,768 / 11,689,512 | 1,814,074,344 / 11,689,512 | 1,824,033,792 / 11,689,512 | 1,814,083,944 / 11,689,512 | 1,821,452,264 / 11,680,872 |
| mobilenet_v2 | 300,774,272 / 3,504,872 | 300,774,272 / 3,487,816 | 300,774,272 / - | 314,193,216 / 3,504,872 | 320,300,008 / 3,504,872 | 300,775,272 / 3,504,872 | 327,486,720 / 3,504,872 | 300,809,384 / 3,504,872 | 319,949,192 / 3,475,008 |
| mobilenet_v3_small | 56,510,400 / 2,542,856 | 56,510,400 / 2,536,800 | 56,510,400 / - | 59,649,536 / 2,542,856 | 60,910,032 / 2,542,856 | 56,515,312 / 2,542,856 | 62,477,944 / 2,542,856 | 56,527,424 / 2,542,856 | 63,067,712 / 2,529,712 |
| efficientnet_b0 | 385,814,752 / 5,288,548 | 385,814,752 / 5,267,540 | 385,814,752 / - | 401,659,392 / 5,288,548 | 410,196,896 / 5,288,548 | 385,825,092 / 5,288,548 | 415,145,024 / 5,288,548 | 385,867,108 / 5,288,548 | 600,987,584 / 5,242,196 |
| shufflenet_v2_x0_5 | 40,476,448 / 1,366,792 | 40,476,448 / 1,362,816 | 40,476,448 / - | 42,524,256 / 1,366,792 | 44,770,632 / 1,366,792 | 40,477,448 / 1,366,792 | 44,572,064 / 1,366,792 | 40,485,400 / 1,366,792 | 43,050,627 / 1,360,032 |
| squeezenet1_1 | 349,151,936 / 1,235,496 | 349,151,936 / 1,235,496 | 349,151,936 / - | 349,320,936 / 1,235,496 | 359,982,728 / 1,235,496 | 351,741,288 / 1,235,496 | 349,321,936 / 1,235,496 | 351,741,288 / 1,235,496 | 357,475,224 / 1,233,288 |
| convnext_tiny | 4,455,531,264 / 28,589,128 | 4,455,531,264 / 28,589,128 | 4,455,531,264 / - | 4,470,437,376 / 28,589,128 | 4,488,347,368 / 28,589,128 | 4,468,966,888 / 28,589,128 | 4,464,149,760 / 28,579,432 | 322,371,592 / 28,589,128 | 4,554,780,980 / 28,533,928 |
| vit_b_16 | 17,563,828,224 / 86,567,656 | 17,563,828,224 / 86,567,656 | 16,848,500,736 / - | 16,867,412,736 / 86,567,656 | 17,606,030,584 / 86,567,656 | 16,864,992,232 / 86,567,656 | 11,286,254,592 / 58,067,176 | 173,232,616 / 86,567,656 | 17,866,375,103 / 86,495,464 |
| swin_t | 4,490,566,656 / 28,288,354 | 4,490,566,656 / 28,596,370 | 4,490,566,656 / - | 4,509,232,128 / 28,288,354 | 3,128,183,416 / 28,288,354 | 4,503,738,856 / 28,288,354 | 2,978,099,712 / 19,621,192 | 34,368,232 / 28,288,354 | 4,657,784,877 / 28,545,202 |
| regnet_y_400mf | 401,842,848 / 4,344,144 | 401,842,848 / 4,330,568 | 401,842,848 / - | 410,406,088 / 4,344,144 | 418,388,672 / 4,344,144 | 401,849,056 / 4,344,144 | 418,183,352 / 4,344,144 | 401,876,208 / 4,344,144 | 411,811,760 / 4,317,824 |
| densenet121 | 2,834,161,664 / 7,978,856 | 2,834,161,664 / 7,971,368 | 2,834,161,664 / - | 2,865,546,752 / 7,978,856 | 2,899,843,048 / 7,978,856 | 2,834,162,664 / 7,978,856 | 2,897,007,104 / 7,978,856 | 2,834,246,312 / 7,978,856 | 3,184,545,768 / 7,928,936 |
| googlenet | 1,498,376,192 / 6,624,904 | 1,498,376,192 / 6,617,624 | 1,498,376,192 / - | 1,504,878,688 / 13,004,888 | 1,513,907,448 / 13,004,888 | 1,498,377,192 / 13,004,888 | 1,511,332,032 / 6,624,904 | 1,498,391,752 / 13,004,888 | 1,517,437,192 / 6,613,040 |
| lstm_tagger | 7,380,992 / 296,714 | 7,380,992 / 296,714 | 40,960 / - | 40,960 / 296,714 | 7,528,768 / 296,714 | 41,280 / 296,714 | 7,512,064 / 232,714 | 7,470,858 / 296,714 | 8,921,408 / 232,714 |
| transformer_encoder | 27,262,976 / 396,544 | 27,262,976 / 396,544 | 25,165,824 / - | 25,329,664 / 396,544 | 27,492,352 / 396,544 | 25,313,280 / 396,544 | 16,908,288 / 264,448 | 264,448 / 396,544 | 28,958,108 / 197,888 |
| bert_tiny | 27,279,360 / 557,952 | 27,279,360 / 557,952 | 25,182,208 / - | 25,387,008 / 557,952 | 25,370,752 / 557,952 | 25,329,792 / 557,952 | 25,346,048 / 413,312 | 557,952 / 557,952 | 28,863,176 / 410,368 |
| mobilevit_xxs | 407,364,096 / 1,272,024 | 407,364,096 / 1,269,968 | 329,179,648 / - | 340,019,712 / 1,272,024 | 348,269,032 / 1,272,024 | 330,800,616 / 1,272,024 | 331,420,480 / 1,267,912 | 197,487,592 / 1,272,024 | 631,199,060 / 1,260,112 |
| efficientformer_l1 | 1,291,284,736 / 12,289,928 | 1,291,284,736 / 12,258,008 | 1,291,284,736 / - | 1,302,113,344 / 12,289,928 | 1,314,627,984 / 12,289,928 | 1,296,743,376 / 12,289,928 | 1,310,404,928 / 12,282,592 | 1,161,381,376 / 12,289,928 | 1,338,237,999 / 12,248,248 |
| mobilenet_v1 (dscost spec; export) | 568,740,352 / 4,231,976 | 568,740,352 / 4,231,976 | - | - | - | - | - | - | 730,197,640 / 4,253,864 |

dscost (PyTorch) equals the ATen-level count of this file on all 17 models and equals dscost (ONNX) in MACs on all 17 and the spec;
FlopCounterMode (with SDPA registered, below) equals dscost on every model without an LSTM.  Every other difference is a
convention of the peer, each shown below on one-op modules (the right count by hand; dscost gets every one right):

| one-op module | by hand | dscost | flopcounter | fvcore | ptflops_pytorch | ptflops_aten | thop | torchinfo | onnx_tool |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| conv3x3 4->8 bias, 8x8 | 10,368 | 10,368 | 10,368 | 10,368 | 10,656 | 10,656 | 10,368 | 10,656 | 10,656 |
| linear 16->8 bias, 1x4x16 | 512 | 512 | 512 | 512 | 544 | 544 | 512 | 136 | 544 |
| linear subclass 16->8 | 512 | 512 | 512 | 512 | 0 | 544 | 0 | 136 | 544 |
| F.linear in forward | 512 | 512 | 512 | 512 | 0 | 512 | 0 | 0 | 512 |
| x @ W (operator) | 512 | 512 | 512 | 512 | 0 | 512 | 0 | 0 | 512 |
| torch.matmul(x, W) | 512 | 512 | 512 | 512 | 512 | 512 | 0 | 0 | 512 |
| batchnorm2d(8), 8x4x4 | 0 | 0 | 0 | 256 | 256 | 0 | 512 | 16 | 3,968 |
| layernorm(16), 1x4x16 | 0 | 0 | 0 | 320 | 64 | 0 | 256 | 32 | 564 |
| relu + maxpool2 (modules), 8x4x4 | 0 | 0 | 0 | 0 | 512 | 0 | 0 | 0 | 256 |
| F.adaptive_avg_pool2d, 8x4x4 | 0 | 0 | 0 | 128 | 128 | 0 | 0 | 0 | 160 |
| nn.AdaptiveAvgPool2d, 8x4x4 | 0 | 0 | 0 | 128 | 256 | 0 | 136 | 0 | 160 |
| F.sdpa q,k,v 1x2x4x8 | 512 | 512 | 0 | 0 | 0 | 0 | 0 | 0 | 1,868 |
| nn.MultiheadAttention(16,2), 1x4x16 | 4,608 | 4,608 | 4,096 | 4,096 | 4,960 | 4,352 | 0 | 0 | 6,222 |
| nn.LSTM(8,16), 1x5x8 | 7,680 | 7,680 | 0 | 0 | 9,120 | 0 | 8,960 | 8,320 | 22,720 |

CONVENTIONS (each verified on the 17 models by CONVENTION, exact):

- FlopCounterMode (torch 2.14.1): conv / mm / addmm / bmm only, FLOPs = 2 x MACs, no bias, nothing else.  Misses F.scaled_dot_
  product_attention on the CPU (its kernel aten._scaled_dot_product_flash_attention_for_cpu has no formula: the one-op SDPA 0 of 512;
  vit_b_16 -715,327,488 = 12 layers x 2 x 197^2 x 768, exactly the SDPA products; transformer_encoder and bert_tiny -2,097,152;
  mobilevit_xxs -78,184,448) and nn.LSTM (aten.lstm is opaque: 0 of 7,680; lstm_tagger 40,960 = only the head).  Registering torch's
  own ``sdpa_flop_count`` for the CPU kernel gives dscost's MACs on every model but the LSTM tagger (the flopcounter_sdpa row).
  Convention: D - sdpa - lstm.
- fvcore 0.1.5: one "flop" per MAC (no conversion), conv / linear / matmul / bmm / einsum without bias, but adds BatchNorm 2 per element
  in eval (BN on 128 elements: 256; resnet18 +4,967,424), LayerNorm 5 per element (64 elements: 320; vit_b_16 +18,912,000) and
  adaptive_avg_pool2d 1 per input element (128; resnet18 +25,088); skips (as "unsupported") aten::scaled_dot_product_attention (0),
  aten::lstm (0), max_pool, mean (shufflenet's global pool), every element-wise op.  Params: sum(p.numel()).
  Convention: D - sdpa - lstm + 2 bn + 5 ln + gap.
- ptflops 0.7.5, backend "aten": aten mm / matmul / addmm / bmm / convolution only, MACs plus the bias additions (conv 10,656 =
  10,368 + 288; linear 544 = 512 + 32; squeezenet1_1 +2,589,352 = its conv biases); BN, pools, activations 0; misses SDPA (0) and
  nn.LSTM (0; lstm_tagger 41,280 = head + its bias).  Convention: D - sdpa - lstm + bias.
- ptflops 0.7.5, backend "pytorch" (the default): hooks on modules of an exact type: Conv / Linear MACs + bias, BatchNorm 2 per
  element (affine), LayerNorm 1 per element, ReLU / GELU 1 per output element, pools 1 per input element, its own formulas for
  nn.MultiheadAttention (4,960 for 4,608), timm's Attention and nn.LSTM (9,120 for 7,680: gate biases and element-wise terms); plus
  patched functionals (F.relu, F.gelu, F.silu, pools, F.softmax, F.interpolate) and torch.matmul / Tensor.matmul / mm / bmm / addmm.
  So: an activation or pool held as a module is counted twice (the hook and the patched F.* it calls: ReLU + MaxPool 512 for
  256; nn.AdaptiveAvgPool2d 256 for 128); F.linear is not patched in 0.7.5 (commented out in patch_functional: 0 of 512), nor the
  ``@`` operator (0), nor SDPA (0), nor a Linear subclass (exact type: MultiheadAttention's NonDynamicallyQuantizableLinear 0).
  swin_t: -1,362,383,240 (its attention's qkv / proj go through F.linear: -1,527,407,616 missed; its q @ k matmuls counted);
  vit_b_16 +42,202,360 (the MHA formula replaces in_proj + SDPA + out_proj).  Convention: D - MACs outside its Conv / Linear
  modules + their bias + its own count of every other hooked module and functional (checked: its Conv / Linear entries equal our
  MACs + bias of those modules on every model).
- thop 0.1.1.post2209072238: hooks on leaf modules of an exact type: Conv MACs (no bias), Linear in_features x output elements,
  BatchNorm and LayerNorm 4 per element (calculate_norm's 2, doubled when affine: BN 128 elements -> 512; resnet18 +9,934,848),
  nn.AdaptiveAvgPool2d (kernel + 1) per output element (136 for 8 outputs of 16), ReLU / MaxPool 0, its own nn.LSTM formula (8,960
  for 7,680); functionals are not seen (F.linear, @, F.adaptive_avg_pool2d -- mobilenet_v2's pool --, SDPA: 0), nor a Linear subclass
  or nn.MultiheadAttention (0: vit_b_16 -6,292,703,232, its in_proj / out_proj and SDPA; transformer_encoder -10,485,760).  Params:
  sum(p.numel()) of the ruled leaf modules THAT RAN (a forward hook): vit_b_16 58,067,176 (-28,500,480: MHA in_proj / out_proj,
  class token, position embedding), swin_t 19,621,192 (-8,667,162: qkv / proj read through F.linear, the bias tables), Embedding
  tables (lstm_tagger -64,000), googlenet's unused aux heads (as dscost).  Convention: D - MACs outside its ruled Conv / Linear
  leaves + its count of every other ruled module (checked: its Conv / Linear entries equal our MACs of those modules).
- torchinfo 1.8.0 "Total mult-adds": per leaf module that ran and per parameter, not per operation: Conv: (weight + bias) numel x
  N x output H x W (10,656: bias included); any other module: its parameter count x output_size[0], i.e. x batch (Linear 136 =
  its 136 params, whatever the number of tokens; BatchNorm 16); RNN weights x N x T (LSTM 8,320 = 1,664 x 5).  So a Linear on 3-D /
  4-D activations counts its params once: convnext_tiny 322,371,592 (-4,133,159,672), vit_b_16 173,232,616, bert_tiny 557,952 =
  its parameter count; functional ops and parameters of non-leaf modules (MHA's in_proj) count 0.  Params: every nn.Parameter.
  Convention: torchinfo_rule (its calculate_macs re-written here), exact on all 17.
- onnx-tool 1.0.1 (on torch.onnx's export, BatchNorm folded into the convs): Conv / Gemm / MatMul = dscost's MACs + bias additions
  (checked on every model), then a weighted count for every other node, added to MACs: Relu 1 / element, BatchNormalization 31 /
  element (3,968 for 128; densenet121's unfoldable BNs +327,034,624), LayerNormalization ~8.8 / element, Softmax 36 / element
  (1,152 for 32), Sigmoid (efficientnet_b0 197,340,032: +215,172,832 in all, 56% over dscost), MaxPool k^2 per output, Add / Mul 1,
  LSTM its own (22,720 for 7,680).  Params: each initializer once, when a node outside its NoMacsOps reads it: BatchNorm running
  mean / var included (MobileNet v1 +21,888), Embedding tables (Gather) and weights read only through Slice / Reshape (the encoder's
  MHA in_proj) excluded (lstm_tagger -64,000, transformer_encoder 197,888 of 396,544), equal tensors torch.onnx stored once counted
  once.  Convention: D + bias + its other nodes (+ its LSTM formula).
- dscost on the ONNX export: the same MACs as its PyTorch path on all 17 models.  Params are the file's: torch.onnx folds each
  BatchNorm after a conv into it (gamma, beta gone, a bias of C added: -C per BN, resnet18 -4,800); swin_t +308,016: the export
  constant-folds relative_position_bias_table[index] (169 x heads, a parameter) into a 49 x 49 x heads initializer per block (331,338
  values for 23,322); torch.onnx writes equal tensors once (fresh zero biases) with Identity nodes for the other users, each counted
  by dscost as its own parameter tensor (resnet18 11,684,712 where the file stores 11,680,872 values; onnx-tool counts the stored).
- MobileNet v1 (dscost's spec): dscost 568,740,352 MACs / 4,231,976 params -- the published 569M mult-adds / 4.2M -- on the YAML and
  on its `dscost export` file alike; onnx-tool on that file 730,197,640 (+1,000 Gemm bias, +156,323,328 BatchNormalization at 31 per
  element, +5,042,688 Relu, +4,096 GlobalAveragePool over its input count, +36,000 Softmax) and 4,253,864 params (+21,888 BN running
  statistics).

FINDINGS: none.  No dscost count was wrong and nothing crashed: its MACs equal the independent ATen count on all 17 models, its
ONNX path agrees with its PyTorch path, the spec matches the paper, and every one-op module is counted as by hand (the depthwise-
separable what-if of resnet18's 17 standard convs also checked against Dk^2 M DF^2 + M N DF^2, outside this file).  Notes for users
(not errors): dscost's params of googlenet (6,624,904) leave out the aux heads the eval forward never runs, where fvcore / ptflops /
torchinfo report 13,004,888 (dscost's note names the 14 tensors); dscost on swin_t's ONNX counts the export's folded bias tables
(+308,016 over the module); the ONNX of a freshly initialized model shares equal bias tensors, which dscost counts per user.
Export note: transformers 5's BertModel refuses torch.onnx's positional call ("BertModel.forward() got multiple values for argument
'use_cache'"), so it is exported through a wrapper calling model(input_ids=ids)[:2] (dscost's own PyTorch path handled it as is).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import os
import subprocess
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
_UP = os.path.dirname(HERE)
DSCOST_ROOT = os.environ.get("DSCOST_ROOT") or (os.path.join(HERE, "dscost") if os.path.exists(os.path.join(HERE, "dscost", "dscost", "__init__.py")) else
                                                 _UP if os.path.exists(os.path.join(_UP, "dscost", "__init__.py")) else os.getcwd())

PEERS = ["flopcounter", "fvcore", "ptflops_pytorch", "ptflops_aten", "thop", "torchinfo", "onnx_tool"]
TOOLS = ["dscost", "dscost_onnx"] + PEERS

# ----------------------------------------------------------------------------------------------------- models


def _models():
    import torch.nn as nn

    class LSTMTagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(1000, 64)
            self.lstm = nn.LSTM(64, 128, num_layers=2, batch_first=True)
            self.head = nn.Linear(128, 10)

        def forward(self, ids):
            h, _ = self.lstm(self.emb(ids))
            return self.head(h)

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            layer = nn.TransformerEncoderLayer(128, 4, 512, dropout=0.1, batch_first=True)
            self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

        def forward(self, x):
            return self.enc(x)

    def tv(name):
        def make():
            import torchvision
            return getattr(torchvision.models, name)(weights=None)
        return make

    def bert():
        from transformers import BertConfig, BertModel
        cfg = BertConfig(vocab_size=1000, hidden_size=128, num_hidden_layers=2, num_attention_heads=2, intermediate_size=512, max_position_embeddings=128)
        m = BertModel(cfg)
        m.config.return_dict = False
        return m

    def timm_(name):
        def make():
            import timm
            return timm.create_model(name, pretrained=False)
        return make

    img = ((1, 3, 224, 224), "float32")
    return {
        "resnet18": (tv("resnet18"), img), "mobilenet_v2": (tv("mobilenet_v2"), img), "mobilenet_v3_small": (tv("mobilenet_v3_small"), img),
        "efficientnet_b0": (tv("efficientnet_b0"), img), "shufflenet_v2_x0_5": (tv("shufflenet_v2_x0_5"), img), "squeezenet1_1": (tv("squeezenet1_1"), img),
        "convnext_tiny": (tv("convnext_tiny"), img), "vit_b_16": (tv("vit_b_16"), img), "swin_t": (tv("swin_t"), img),
        "regnet_y_400mf": (tv("regnet_y_400mf"), img), "densenet121": (tv("densenet121"), img), "googlenet": (tv("googlenet"), img),
        "lstm_tagger": (LSTMTagger, ((1, 32), "int64")), "transformer_encoder": (Encoder, ((1, 64, 128), "float32")),
        "bert_tiny": (bert, ((1, 64), "int64")), "mobilevit_xxs": (timm_("mobilevit_xxs"), ((1, 3, 256, 256), "float32")),
        "efficientformer_l1": (timm_("efficientformer_l1"), img),
    }


MODEL_NAMES = ["resnet18", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0", "shufflenet_v2_x0_5", "squeezenet1_1", "convnext_tiny", "vit_b_16",
               "swin_t", "regnet_y_400mf", "densenet121", "googlenet", "lstm_tagger", "transformer_encoder", "bert_tiny", "mobilevit_xxs",
               "efficientformer_l1"]


@contextlib.contextmanager
def quiet():
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


# ----------------------------------------------------------------------------------------------------- the tools


def run_dscost(target, x=None):
    sys.path.insert(0, DSCOST_ROOT)
    import dscost
    import torch

    if isinstance(target, str):
        a = dscost.analyze(target)
    elif x.dtype == torch.float32:
        a = dscost.analyze(target, input_shape="x".join(map(str, x.shape)))
    else:
        a = dscost.analyze(target, x)
    j = a.to_json()
    return {"macs": j["totals"]["macs"], "params": j["totals"]["params"], "other_ops": j["totals"].get("other_ops"), "uncounted": j.get("uncounted"),
            "by_operator": {o["op"]: [o["macs"], o["other_ops"], o["params"]] for o in j.get("by_operator") or []}, "notes": j.get("notes")}


def run_fvcore(m, x):
    from fvcore.nn import FlopCountAnalysis, parameter_count
    with quiet():
        f = FlopCountAnalysis(m, (x,)).unsupported_ops_warnings(False).uncalled_modules_warnings(False)
        tot = f.total()
        byop, uns = dict(f.by_operator()), dict(f.unsupported_ops())
    return {"macs": int(tot), "params": int(parameter_count(m)[""]), "by_operator": byop, "unsupported": uns}


def run_ptflops(m, x, backend):
    from ptflops import get_model_complexity_info
    with quiet():
        macs, params = get_model_complexity_info(m, tuple(x.shape[1:]), as_strings=False, print_per_layer_stat=False, backend=backend,
                                                 input_constructor=lambda _: x, verbose=False)
    return {"macs": None if macs is None else int(macs), "params": None if params is None else int(params)}


def ptflops_breakdown(m, x):
    """ptflops' pytorch backend run as get_flops_pytorch runs it, keeping each hooked module's own count."""
    import ptflops.pytorch_engine as pe
    flops_model = pe.add_flops_counting_methods(m)
    flops_model.eval()
    with quiet():
        flops_model.start_flops_count(ost=io.StringIO(), verbose=False, ignore_list=[])
    fn, tn = [], []
    pe.patch_functional(fn)
    pe.patch_tensor_ops(tn)
    try:
        flops_model(x)
        by_module, per = {}, {}

        def acc(mod, prefix):  # as ptflops' accumulate_flops: a supported module's own count, else its children's
            for n, ch in mod.named_children():
                name = prefix + n
                if pe.is_supported_instance(ch):
                    by_module[name] = int(getattr(ch, "__flops__", 0))
                    per[type(ch).__name__] = per.get(type(ch).__name__, 0) + by_module[name]
                else:
                    acc(ch, name + ".")
        acc(m, "")
    finally:
        flops_model.stop_flops_count()
        pe.unpatch_functional()
        pe.unpatch_tensor_ops()
    return {"by_type": per, "functional": int(sum(fn)), "tensor_ops": int(sum(tn)), "by_module": by_module}


def run_thop(m, x):
    from thop import profile
    with quiet():
        macs, params, info = profile(m, inputs=(x,), verbose=False, ret_layer_info=True)
    flat = {}

    def walk(d, prefix):
        for k, (ops, prm, ch) in d.items():
            name = prefix + k
            if ch:
                walk(ch, name + ".")
            else:
                flat[name] = (int(ops), int(prm))
    walk(info, "")
    types = {n: type(mod).__name__ for n, mod in m.named_modules()}
    by_type = {}
    for n, (ops, prm) in flat.items():
        t = types.get(n, "?")
        a = by_type.setdefault(t, [0, 0])
        a[0] += ops
        a[1] += prm
    return {"macs": int(macs), "params": int(params), "by_type": by_type, "by_module": {n: v[0] for n, v in flat.items()}}


def run_torchinfo(m, x):
    from torchinfo import summary
    with quiet():
        s = summary(m, input_data=[x], verbose=0, device="cpu")
    return {"macs": int(s.total_mult_adds), "params": int(s.total_params)}


def run_flopcounter(m, x, sdpa=False):
    import torch
    from torch.utils.flop_counter import FlopCounterMode, sdpa_flop_count
    mode = FlopCounterMode(display=False)
    if sdpa:  # torch's own SDPA formula, registered for the CPU kernel the counter lacks
        aten = torch.ops.aten

        def cpu_sdpa(query, key, value, *args, out_shape=None, **kw):
            return sdpa_flop_count(query.shape, key.shape, value.shape)
        mode.flop_registry[aten._scaled_dot_product_flash_attention_for_cpu] = lambda *a, **k: cpu_sdpa(*a[:3], **k)
    with mode:
        m(x)
    return {"macs": mode.get_total_flops() // 2, "params": None, "by_operator": {str(k): v // 2 for k, v in mode.get_flop_counts()["Global"].items()}}


def run_onnx_tool(path):
    import onnx_tool
    with quiet():
        mod = onnx_tool.Model(path, {"verbose": False})
        g = mod.graph
        g.graph_reorder_nodes()
        g.shape_infer(None)
        g.profile(exclude_ops=set(onnx_tool.NoMacsOps))
    byop = {}
    for n in g.nodemap.values():
        if n.op_type not in onnx_tool.NoMacsOps and getattr(n, "macs", None) is not None:
            byop[n.op_type] = byop.get(n.op_type, 0) + n.macs[0]
    return {"macs": int(round(g.macs[0])), "params": int(g.params), "by_operator": {k: int(round(v)) for k, v in byop.items() if v}}


# ----------------------------------------------------------------------------------------------------- components


def components(m, x):
    """One eval forward, counted here (no dscost, no peer code): MACs of every conv / matmul op at the ATen level, each attributed
    to the innermost module running it; SDPA's two products (B H L S (E + Ev)); each LSTM by the hand formula 4 H (in + H) per
    layer, step and row; bias additions (output elements of an addmm / biased convolution); BatchNorm, LayerNorm and adaptive
    average pool input elements."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.overrides import TorchFunctionMode
    aten = torch.ops.aten
    names = {id(mod): n for n, mod in m.named_modules()}
    stack = [""]
    c = {"conv": 0, "mm": 0, "sdpa": 0, "lstm": 0, "bias": 0, "bn": 0, "ln": 0, "gap": 0}
    per_module = {}  # name -> [macs, bias]
    in_sdpa = [0]
    import math

    def prod(s):
        return math.prod(s)

    def add(k, macs, bias=0):
        c[k] += macs
        c["bias"] += bias
        a = per_module.setdefault(stack[-1], [0, 0])
        a[0] += macs
        a[1] += bias

    class D(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            out = func(*args, **kwargs)
            p = func.overloadpacket
            if in_sdpa[0] and p in (aten.mm, aten.bmm, aten.addmm, aten.baddbmm, aten.matmul):
                return out
            if p is aten._scaled_dot_product_flash_attention_for_cpu or p is aten._scaled_dot_product_attention_math:
                q, k, v = args[:3]
                c["sdpa"] += prod(q.shape[:-1]) * k.shape[-2] * (q.shape[-1] + v.shape[-1])
            elif p is aten.mm:
                add("mm", prod(args[0].shape) * args[1].shape[-1])
            elif p is aten.bmm:
                add("mm", prod(args[0].shape) * args[1].shape[-1])
            elif p is aten.addmm:
                add("mm", prod(args[1].shape) * args[2].shape[-1], out.numel())
            elif p is aten.baddbmm:
                add("mm", prod(args[1].shape) * args[2].shape[-1], out.numel())
            elif p is aten.convolution:
                w = args[1]
                add("conv", out.numel() * prod(w.shape[1:]), out.numel() if args[2] is not None else 0)
            elif p in (aten._native_batch_norm_legit_no_training, aten.native_batch_norm, aten._native_batch_norm_legit):
                c["bn"] += args[0].numel()
            elif p is aten.native_layer_norm:
                c["ln"] += args[0].numel()
            elif p is aten._adaptive_avg_pool2d:
                c["gap"] += args[0].numel()
            return out

    class S(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            if func is torch.nn.functional.adaptive_avg_pool2d:  # (decomposed to aten.mean below the dispatcher for output 1)
                c["gap"] += args[0].numel()
            if func is torch.nn.functional.scaled_dot_product_attention:
                in_sdpa[0] += 1
                try:
                    return func(*args, **(kwargs or {}))
                finally:
                    in_sdpa[0] -= 1
            return func(*args, **(kwargs or {}))

    def pre(mod, inp):
        stack.append(names.get(id(mod), "?"))
        if isinstance(mod, torch.nn.LSTM):
            x0 = inp[0]
            T, B = (x0.shape[1], x0.shape[0]) if mod.batch_first else (x0.shape[0], x0.shape[1])
            dirs = 2 if mod.bidirectional else 1
            tot = 0
            for layer in range(mod.num_layers):
                i = mod.input_size if layer == 0 else mod.hidden_size * dirs
                tot += 4 * mod.hidden_size * (i + mod.hidden_size) * dirs
            c["lstm"] += tot * T * B

    def post(mod, inp, out):
        stack.pop()

    h1 = torch.nn.modules.module.register_module_forward_pre_hook(pre)
    h2 = torch.nn.modules.module.register_module_forward_hook(post)
    try:
        with S(), D():
            m(x)
    finally:
        h1.remove()
        h2.remove()
    c["total"] = c["conv"] + c["mm"] + c["sdpa"] + c["lstm"]
    c["per_module"] = per_module
    c["types"] = {n: type(mod).__name__ for n, mod in m.named_modules()}
    c["sum_numel"] = sum(p.numel() for p in m.parameters())
    return c


def torchinfo_rule(m, x):
    """torchinfo 1.8's LayerInfo.calculate_macs, rewritten here: for every leaf module that ran, per parameter: weight / bias of a
    class named *Conv*: numel x N x spatial output; weight / bias of any other: numel x output_size[0] (the batch, 1 here); other
    names holding "weight" / "bias" (LSTM's weight_ih_l0 ...): numel x output_size[0] x output_size[1]."""
    import math
    import torch
    tot = [0]

    def first(o):
        while isinstance(o, (list, tuple)):
            o = o[0]
        return o

    def hook(mod, inp, out):
        o = first(out)
        if not isinstance(o, torch.Tensor):
            return
        size = list(o.shape)
        for name, prm in mod.named_parameters():
            if name in ("weight", "bias"):
                tot[0] += prm.numel() * (math.prod(size[:1] + size[2:]) if "Conv" in type(mod).__name__ else size[0])
            elif "weight" in name or "bias" in name:
                tot[0] += prm.numel() * math.prod(size[:2])
    hs = [mod.register_forward_hook(hook) for mod in m.modules() if not list(mod.children())]
    try:
        m(x)
    finally:
        for h in hs:
            h.remove()
    return {"macs": tot[0], "params": None}


def thop_rule_params(m, x):
    """thop.profile's parameter total, re-written: its count_parameters is a forward hook, so it is sum(p.numel()) of each module
    whose type (exactly) has a thop rule and that RAN as a module, reached by thop's dfs (a ruled leaf; other modules are entered);
    parameters of a module with children (MultiheadAttention's in_proj_weight, ViT's class_token) and of layers whose weights a parent
    reads itself (swin's qkv / proj through F.linear, an unused aux head) are never counted."""
    from thop.profile import register_hooks
    import torch.nn as nn
    ran = set()
    hs = [mod.register_forward_hook(lambda mod, i, o: ran.add(id(mod))) for mod in m.modules()]
    try:
        m(x)
    finally:
        for h in hs:
            h.remove()

    def dfs(mod):
        tot = 0
        for ch in mod.children():
            if type(ch) in register_hooks and not isinstance(ch, (nn.Sequential, nn.ModuleList)) and not list(ch.children()):
                tot += sum(p.numel() for p in ch.parameters()) if id(ch) in ran else 0
            else:
                tot += dfs(ch)
        return tot
    return {"macs": None, "params": dfs(m)}


# ----------------------------------------------------------------------------------------------------- worker


def _FirstOutput(mod):
    import torch

    class FirstOutput(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, ids):
            out = self.inner(input_ids=ids)
            return out[0], out[1]
    return FirstOutput(mod)


def worker(name, out_dir):
    warnings.filterwarnings("ignore")
    import logging
    logging.disable(logging.CRITICAL)
    import torch
    builder, (shape, dtype) = _models()[name]
    torch.manual_seed(0)
    m0 = builder().eval()
    torch.manual_seed(0)
    x = torch.rand(*shape) if dtype == "float32" else torch.randint(0, 1000, shape)
    onnx_path = os.path.join(out_dir, name + ".onnx")
    rows = []

    def rec(tool, fn):
        t = time.time()
        try:
            r = fn()
        except Exception as e:  # a tool's failure is a row
            msg = str(e).strip().splitlines()
            r = {"error": f"{type(e).__name__}: {msg[0][:300] if msg else ''}"}
        r.update(model=name, tool=tool, seconds=round(time.time() - t, 1))
        rows.append(r)
        print(json.dumps({k: r.get(k) for k in ("model", "tool", "macs", "params", "error", "seconds")}), file=sys.stderr, flush=True)

    def export():
        mod = copy.deepcopy(m0)
        if name == "bert_tiny":  # transformers 5's forward wrappers refuse the tracer's positional call ("multiple values for argument
            mod = _FirstOutput(mod)  # 'use_cache'"): exported through a wrapper calling model(input_ids=ids)[:2]
        with quiet():
            torch.onnx.export(mod, (x,), onnx_path, dynamo=False, opset_version=17)
        return run_dscost(onnx_path)

    rec("dscost", lambda: run_dscost(copy.deepcopy(m0), x))
    rec("dscost_onnx", export)
    rec("components", lambda: components(copy.deepcopy(m0), x))
    rec("flopcounter", lambda: run_flopcounter(copy.deepcopy(m0), x))
    rec("flopcounter_sdpa", lambda: run_flopcounter(copy.deepcopy(m0), x, sdpa=True))
    rec("fvcore", lambda: run_fvcore(copy.deepcopy(m0), x))
    rec("ptflops_pytorch", lambda: run_ptflops(copy.deepcopy(m0), x, "pytorch"))
    rec("ptflops_pytorch_parts", lambda: ptflops_breakdown(copy.deepcopy(m0), x))
    rec("ptflops_aten", lambda: run_ptflops(copy.deepcopy(m0), x, "aten"))
    rec("thop", lambda: run_thop(copy.deepcopy(m0), x))
    rec("torchinfo", lambda: run_torchinfo(copy.deepcopy(m0), x))
    rec("torchinfo_rule", lambda: torchinfo_rule(copy.deepcopy(m0), x))
    rec("thop_rule", lambda: thop_rule_params(copy.deepcopy(m0), x))
    rec("onnx_tool", lambda: run_onnx_tool(onnx_path) if os.path.exists(onnx_path) else {"error": "no ONNX file (the export failed)"})
    with open(os.path.join(out_dir, "rows.jsonl"), "a") as f:
        for r in rows:
            f.write(json.dumps(r, default=str) + "\n")


def rules_only(name, out_dir):
    """Only the rule rows (torchinfo_rule, thop_rule) and the components of a module, appended to rows.jsonl (the last row of a
    (model, tool) wins when read)."""
    warnings.filterwarnings("ignore")
    import torch
    builder, (shape, dtype) = _models()[name]
    torch.manual_seed(0)
    m0 = builder().eval()
    torch.manual_seed(0)
    x = torch.rand(*shape) if dtype == "float32" else torch.randint(0, 1000, shape)
    with open(os.path.join(out_dir, "rows.jsonl"), "a") as f:
        for tool, fn in (("torchinfo_rule", lambda: torchinfo_rule(copy.deepcopy(m0), x)), ("thop_rule", lambda: thop_rule_params(copy.deepcopy(m0), x)),
                         ("components", lambda: components(copy.deepcopy(m0), x)), ("ptflops_pytorch_parts", lambda: ptflops_breakdown(copy.deepcopy(m0), x))):
            r = fn()
            r.update(model=name, tool=tool)
            f.write(json.dumps(r) + "\n")


def spec_worker(out_dir):
    """MobileNet v1 as dscost's bundled spec: dscost on the YAML, `dscost export` to ONNX, dscost and onnx-tool on that file."""
    spec = os.path.join(DSCOST_ROOT, "models", "mobilenet_v1.yaml")
    path = os.path.join(out_dir, "mobilenet_v1_spec.onnx")
    env = dict(os.environ, PYTHONPATH=DSCOST_ROOT)
    subprocess.run([sys.executable, "-m", "dscost", "export", spec, "-o", path, "--force"], env=env, check=True, capture_output=True)
    rows = []
    for tool, fn in (("dscost", lambda: run_dscost(spec)), ("dscost_onnx", lambda: run_dscost(path)), ("onnx_tool", lambda: run_onnx_tool(path))):
        r = fn()
        r.update(model="mobilenet_v1_spec", tool=tool)
        rows.append(r)
    with open(os.path.join(out_dir, "rows.jsonl"), "a") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "--spec":
    spec_worker(sys.argv[2])
    sys.exit(0)

if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "--rules":
    rules_only(sys.argv[2], sys.argv[3])
    sys.exit(0)

if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "--worker":
    worker(sys.argv[2], sys.argv[3])
    sys.exit(0)


# ----------------------------------------------------------------------------------------------------- experiments


def experiments():
    """Each peer on one-op modules: what it counts per op (the conventions below)."""
    warnings.filterwarnings("ignore")
    import logging
    logging.disable(logging.CRITICAL)
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class Fn(nn.Module):
        def __init__(self, f, mods=()):
            super().__init__()
            self.f = f
            self.mods = nn.ModuleList(mods)

        def forward(self, x):
            return self.f(self, x)

    class Lin(nn.Linear):  # a subclass, as MultiheadAttention's out_proj (NonDynamicallyQuantizableLinear)
        pass

    torch.manual_seed(0)
    cases = {  # name: (module, input, the right MACs by hand)
        "conv3x3 4->8 bias, 8x8": (nn.Conv2d(4, 8, 3, bias=True), torch.rand(1, 4, 8, 8), 8 * 6 * 6 * 4 * 9),
        "linear 16->8 bias, 1x4x16": (nn.Linear(16, 8), torch.rand(1, 4, 16), 4 * 16 * 8),
        "linear subclass 16->8": (Lin(16, 8), torch.rand(1, 4, 16), 4 * 16 * 8),
        "F.linear in forward": (Fn(lambda s, x: F.linear(x, s.mods[0].weight), [nn.Linear(16, 8, bias=False)]), torch.rand(1, 4, 16), 4 * 16 * 8),
        "x @ W (operator)": (Fn(lambda s, x: x @ s.mods[0].weight.t(), [nn.Linear(16, 8, bias=False)]), torch.rand(1, 4, 16), 4 * 16 * 8),
        "torch.matmul(x, W)": (Fn(lambda s, x: torch.matmul(x, s.mods[0].weight.t()), [nn.Linear(16, 8, bias=False)]), torch.rand(1, 4, 16), 4 * 16 * 8),
        "batchnorm2d(8), 8x4x4": (nn.BatchNorm2d(8), torch.rand(1, 8, 4, 4), 0),
        "layernorm(16), 1x4x16": (nn.LayerNorm(16), torch.rand(1, 4, 16), 0),
        "relu + maxpool2 (modules), 8x4x4": (nn.Sequential(nn.ReLU(), nn.MaxPool2d(2)), torch.rand(1, 8, 4, 4), 0),
        "F.adaptive_avg_pool2d, 8x4x4": (Fn(lambda s, x: F.adaptive_avg_pool2d(x, 1)), torch.rand(1, 8, 4, 4), 0),
        "nn.AdaptiveAvgPool2d, 8x4x4": (nn.AdaptiveAvgPool2d(1), torch.rand(1, 8, 4, 4), 0),
        "F.sdpa q,k,v 1x2x4x8": (Fn(lambda s, x: F.scaled_dot_product_attention(x, x, x)), torch.rand(1, 2, 4, 8), 2 * 4 * 4 * (8 + 8)),
        "nn.MultiheadAttention(16,2), 1x4x16": (Fn(lambda s, x: s.mods[0](x, x, x, need_weights=False)[0], [nn.MultiheadAttention(16, 2, batch_first=True)]),
                                                torch.rand(1, 4, 16), 3 * 4 * 16 * 16 + 4 * 4 * 16 * 2 + 4 * 16 * 16),
        "nn.LSTM(8,16), 1x5x8": (Fn(lambda s, x: s.mods[0](x)[0], [nn.LSTM(8, 16, batch_first=True)]), torch.rand(1, 5, 8), 4 * 16 * (8 + 16) * 5),
    }
    out = {}
    for name, (mod, x, right) in cases.items():
        mod.eval()
        r = {"right": right, "params": sum(p.numel() for p in mod.parameters())}
        for tool, fn in (("dscost", lambda: run_dscost(copy.deepcopy(mod), x)), ("flopcounter", lambda: run_flopcounter(copy.deepcopy(mod), x)),
                         ("fvcore", lambda: run_fvcore(copy.deepcopy(mod), x)), ("ptflops_pytorch", lambda: run_ptflops(copy.deepcopy(mod), x, "pytorch")),
                         ("ptflops_aten", lambda: run_ptflops(copy.deepcopy(mod), x, "aten")), ("thop", lambda: run_thop(copy.deepcopy(mod), x)),
                         ("torchinfo", lambda: run_torchinfo(copy.deepcopy(mod), x))):
            try:
                v = fn()
                r[tool] = [v["macs"], v["params"]]
            except Exception as e:
                r[tool] = [f"{type(e).__name__}", None]
        path = os.path.join(HERE, "exp_onnx", name.split(",")[0].replace(" ", "_").replace("/", "_").replace("@", "at") + ".onnx")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            with quiet():
                torch.onnx.export(copy.deepcopy(mod), (x,), path, dynamo=False, opset_version=17)
            v = run_onnx_tool(path)
            r["onnx_tool"] = [v["macs"], v["params"], v["by_operator"]]
        except Exception as e:
            r["onnx_tool"] = [type(e).__name__, None]
        out[name] = r
    return out


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--experiments":
    print(json.dumps(experiments()))
    sys.exit(0)


# ----------------------------------------------------------------------------------------------------- conventions and the check

# Each peer's convention as a formula of the counted parts of the model (the worker's "components" row, counted here without dscost
# or the peer): D = dscost's MACs (PyTorch path), sdpa = the two products of every F.scaled_dot_product_attention, lstm = every
# nn.LSTM by hand, bias = bias additions (output elements of each addmm / biased convolution), bn / ln / gap = BatchNorm,
# LayerNorm, adaptive-average-pool input elements; ti = torchinfo's rule re-written (torchinfo_rule), thop_* / pt_* / ot_* = the
# peer's own per-layer breakdown split into its MAC layers (checked equal to our count on the same layers) and the rest.
CONVENTION = {
    "flopcounter": "D - sdpa - lstm",
    "fvcore": "D - sdpa - lstm + 2*bn + 5*ln + gap",
    "ptflops_aten": "D - sdpa - lstm + bias",
    "torchinfo": "ti",
    "thop": "D - thop_missing + thop_extra",
    "ptflops_pytorch": "D - pt_missing + pt_core_bias + pt_extra",
    "onnx_tool": "D + ot_bias + ot_extra + ot_lstm",
}
PARAMS_CONVENTION = {"fvcore": "N", "ptflops_aten": "N", "ptflops_pytorch": "N", "torchinfo": "N", "thop": "thop_p", "onnx_tool": "onnx_unique", "dscost_onnx": "onnx_used"}

# Why dscost's PyTorch-path parameter count differs from sum(p.numel()) of the module (checked: P != N needs an entry here).
PARAM_NOTES = {
    "googlenet": "dscost counts the parameters the eval forward reads (6,624,904); googlenet's two aux classifiers (6,379,984) run only in "
                 "training (dscost's note names them); fvcore / ptflops / torchinfo sum every nn.Parameter, thop those of the layers that ran",
}

# (model, tool) -> (tool MACs - dscost MACs, tool params - dscost params, the terms of CONVENTION[tool] that make it), as run (see the
# docstring).  Every nonzero difference must be here with these exact numbers, and CONVENTION must hold: a new peer version, a new
# torch or a dscost change that moves a number shows up as UNEXPLAINED (exit 1).  dscost_onnx: MACs always equal; params = the ONNX
# file's (torch.onnx folds BatchNorm into the conv: -C per BN; swin_t: +308,016, see the docstring).
EXPLAINED: dict[tuple[str, str], tuple[int, int | None, str]] = {
    ('resnet18', 'dscost_onnx'): (0, -4800, ''),
    ('resnet18', 'fvcore'): (4992512, 0, '+2*bn 4,967,424 +gap 25,088'),
    ('resnet18', 'ptflops_pytorch'): (11240424, 0, '+bias 1,000 +BatchNorm2d 4,967,424 +ReLU 2,308,096 +MaxPool2d 802,816 +AdaptiveAvgPool2d 25,088 +functional 3,136,000'),
    ('resnet18', 'ptflops_aten'): (1000, 0, '+bias 1,000'),
    ('resnet18', 'thop'): (9960448, 0, '+BatchNorm2d 9,934,848 +AdaptiveAvgPool2d 25,600'),
    ('resnet18', 'torchinfo'): (10600, 0, 'torchinfo rule (see docstring)'),
    ('resnet18', 'onnx_tool'): (7378920, -8640, '+bias 2,484,712 +Relu 2,308,096 +MaxPool 1,806,336 +Add 752,640 +GlobalAveragePool 27,136'),
    ('mobilenet_v2', 'dscost_onnx'): (0, -17056, ''),
    ('mobilenet_v2', 'fvcore'): (13418944, 0, '+2*bn 13,356,224 +gap 62,720'),
    ('mobilenet_v2', 'ptflops_pytorch'): (19525736, 0, '+bias 1,000 +BatchNorm2d 13,356,224 +ReLU6 6,105,792 +functional 62,720'),
    ('mobilenet_v2', 'ptflops_aten'): (1000, 0, '+bias 1,000'),
    ('mobilenet_v2', 'thop'): (26712448, 0, '+BatchNorm2d 26,712,448'),
    ('mobilenet_v2', 'torchinfo'): (35112, 0, 'torchinfo rule (see docstring)'),
    ('mobilenet_v2', 'onnx_tool'): (19174920, -29864, '+bias 6,679,112 +Clip 12,211,584 +Add 216,384 +GlobalAveragePool 67,840'),
    ('mobilenet_v3_small', 'dscost_onnx'): (0, -6056, ''),
    ('mobilenet_v3_small', 'fvcore'): (3139136, 0, '+2*bn 2,825,536 +gap 313,600'),
    ('mobilenet_v3_small', 'ptflops_pytorch'): (4399632, 0, '+bias 4,912 +BatchNorm2d 2,825,536 +ReLU 470,992 +AdaptiveAvgPool2d 313,600 +functional 784,592'),
    ('mobilenet_v3_small', 'ptflops_aten'): (4912, 0, '+bias 4,912'),
    ('mobilenet_v3_small', 'thop'): (5967544, 0, '+BatchNorm2d 5,651,072 +AdaptiveAvgPool2d 316,472'),
    ('mobilenet_v3_small', 'torchinfo'): (17024, 0, 'torchinfo rule (see docstring)'),
    ('mobilenet_v3_small', 'onnx_tool'): (6557312, -13144, '+bias 1,417,680 +HardSwish 3,995,680 +Relu 470,992 +GlobalAveragePool 325,088 +HardSigmoid 9,184 +Mul 285,376 +Add 53,312'),
    ('efficientnet_b0', 'dscost_onnx'): (0, -21008, ''),
    ('efficientnet_b0', 'fvcore'): (15844640, 0, '+2*bn 13,475,392 +gap 2,369,248'),
    ('efficientnet_b0', 'ptflops_pytorch'): (24382144, 0, '+bias 10,340 +BatchNorm2d 13,475,392 +AdaptiveAvgPool2d 2,369,248 +functional 8,527,164'),
    ('efficientnet_b0', 'ptflops_aten'): (10340, 0, '+bias 10,340'),
    ('efficientnet_b0', 'thop'): (29330272, 0, '+BatchNorm2d 26,950,784 +AdaptiveAvgPool2d 2,379,488'),
    ('efficientnet_b0', 'torchinfo'): (52356, 0, 'torchinfo rule (see docstring)'),
    ('efficientnet_b0', 'onnx_tool'): (215172832, -46352, '+bias 6,748,036 +Sigmoid 197,340,032 +Mul 8,464,444 +GlobalAveragePool 2,410,208 +Add 210,112'),
    ('shufflenet_v2_x0_5', 'dscost_onnx'): (0, -3976, ''),
    ('shufflenet_v2_x0_5', 'fvcore'): (2047808, 0, '+2*bn 2,047,808'),
    ('shufflenet_v2_x0_5', 'ptflops_pytorch'): (4294184, 0, '+bias 1,000 +BatchNorm2d 2,047,808 +ReLU 821,632 +MaxPool2d 301,056 +functional 1,122,688'),
    ('shufflenet_v2_x0_5', 'ptflops_aten'): (1000, 0, '+bias 1,000'),
    ('shufflenet_v2_x0_5', 'thop'): (4095616, 0, '+BatchNorm2d 4,095,616'),
    ('shufflenet_v2_x0_5', 'torchinfo'): (8952, 0, 'torchinfo rule (see docstring)'),
    ('shufflenet_v2_x0_5', 'onnx_tool'): (2574179, -6760, '+bias 1,024,904 +Relu 821,632 +MaxPool 677,376 +Add 13 +Div 52 +Mul 26 +ReduceMean 50,176'),
    ('squeezenet1_1', 'fvcore'): (169000, 0, '+gap 169,000'),
    ('squeezenet1_1', 'ptflops_pytorch'): (10830792, 0, '+bias 2,589,352 +ReLU 2,589,352 +MaxPool2d 1,362,368 +AdaptiveAvgPool2d 169,000 +functional 4,120,720'),
    ('squeezenet1_1', 'ptflops_aten'): (2589352, 0, '+bias 2,589,352'),
    ('squeezenet1_1', 'thop'): (170000, 0, '+AdaptiveAvgPool2d 170,000'),
    ('squeezenet1_1', 'torchinfo'): (2589352, 0, 'torchinfo rule (see docstring)'),
    ('squeezenet1_1', 'onnx_tool'): (8323288, -2208, '+bias 2,589,352 +Relu 2,589,352 +MaxPool 2,971,584 +GlobalAveragePool 173,000'),
    ('convnext_tiny', 'fvcore'): (14906112, 0, '+5*ln 14,868,480 +gap 37,632'),
    ('convnext_tiny', 'ptflops_pytorch'): (32816104, 0, '+bias 13,435,624 +LayerNorm 2,145,024 +GELU 8,580,096 +AdaptiveAvgPool2d 37,632 +functional 8,617,728'),
    ('convnext_tiny', 'ptflops_aten'): (13435624, 0, '+bias 13,435,624'),
    ('convnext_tiny', 'thop'): (8618496, -9696, '+LayerNorm 8,580,096 +AdaptiveAvgPool2d 38,400'),
    ('convnext_tiny', 'torchinfo'): (-4133159672, 0, 'torchinfo rule (see docstring)'),
    ('convnext_tiny', 'onnx_tool'): (99249716, -55200, '+bias 2,710,504 +LayerNormalization 21,422,668 +Add 21,450,240 +Div 34,320,384 +Mul 19,305,216 +GlobalAveragePool 40,704'),
    ('vit_b_16', 'flopcounter'): (-715327488, None, '-sdpa 715,327,488'),
    ('vit_b_16', 'fvcore'): (-696415488, 0, '-sdpa 715,327,488 +5*ln 18,912,000'),
    ('vit_b_16', 'ptflops_pytorch'): (42202360, 0, '-missing 6,292,703,232 +bias 9,229,288 +LayerNorm 3,782,400 +MultiheadAttention 6,307,369,488 +GELU 7,262,208 +functional 7,262,208'),
    ('vit_b_16', 'ptflops_aten'): (-698835992, 0, '-sdpa 715,327,488 +bias 16,491,496'),
    ('vit_b_16', 'thop'): (-6277573632, -28500480, '-missing 6,292,703,232 +LayerNorm 15,129,600'),
    ('vit_b_16', 'torchinfo'): (-17390595608, 0, 'torchinfo rule (see docstring)'),
    ('vit_b_16', 'onnx_tool'): (302546879, -72192, '+bias 1,967,080 +Mod 12 +Mul 18,155,523 +Add 25,569,036 +Equal 3 +LayerNormalization 26,619,625 +Sqrt 864 +Div 29,048,880 +Softmax 201,185,856'),
    ('swin_t', 'dscost_onnx'): (0, 308016, ''),
    ('swin_t', 'fvcore'): (18665472, 0, '+5*ln 18,627,840 +gap 37,632'),
    ('swin_t', 'ptflops_pytorch'): (-1362383240, 0, '-missing 1,527,407,616 +bias 7,452,136 +LayerNorm 3,725,568 +GELU 5,720,064 +AdaptiveAvgPool2d 37,632 +functional 7,947,408 +tensor_ops 140,141,568'),
    ('swin_t', 'ptflops_aten'): (13172200, 0, '+bias 13,172,200'),
    ('swin_t', 'thop'): (-1512466944, -8667162, '-missing 1,527,407,616 +LayerNorm 14,902,272 +AdaptiveAvgPool2d 38,400'),
    ('swin_t', 'torchinfo'): (-4456198424, 0, 'torchinfo rule (see docstring)'),
    ('swin_t', 'onnx_tool'): (167218221, 256848, '+bias 302,056 +LayerNormalization 26,729,794 +Sub 220,907 +Div 22,880,256 +Mul 12,870,324 +Add 24,681,692 +Softmax 78,829,632 +Equal 441,964 +Not 220,892 +GlobalAveragePool 40,704'),
    ('regnet_y_400mf', 'dscost_onnx'): (0, -13576, ''),
    ('regnet_y_400mf', 'fvcore'): (8563240, 0, '+2*bn 7,772,576 +gap 790,664'),
    ('regnet_y_400mf', 'ptflops_pytorch'): (16545824, 0, '+bias 6,208 +BatchNorm2d 7,772,576 +ReLU 3,592,856 +AdaptiveAvgPool2d 790,664 +functional 4,383,520'),
    ('regnet_y_400mf', 'ptflops_aten'): (6208, 0, '+bias 6,208'),
    ('regnet_y_400mf', 'thop'): (16340504, 0, '+BatchNorm2d 15,545,152 +AdaptiveAvgPool2d 795,352'),
    ('regnet_y_400mf', 'torchinfo'): (33360, 0, 'torchinfo rule (see docstring)'),
    ('regnet_y_400mf', 'onnx_tool'): (9968912, -26320, '+bias 3,892,496 +Relu 3,592,856 +GlobalAveragePool 809,416 +Sigmoid 135,936 +Mul 769,104 +Add 769,104'),
    ('densenet121', 'dscost_onnx'): (0, -7488, ''),
    ('densenet121', 'fvcore'): (31385088, 0, '+2*bn 31,334,912 +gap 50,176'),
    ('densenet121', 'ptflops_pytorch'): (65681384, 0, '+bias 1,000 +BatchNorm2d 31,334,912 +ReLU 15,617,280 +MaxPool2d 802,816 +AvgPool2d 702,464 +functional 17,222,912'),
    ('densenet121', 'ptflops_aten'): (1000, 0, '+bias 1,000'),
    ('densenet121', 'thop'): (62845440, 0, '+BatchNorm2d 62,669,824 +AvgPool2d 175,616'),
    ('densenet121', 'torchinfo'): (84648, 0, 'torchinfo rule (see docstring)'),
    ('densenet121', 'onnx_tool'): (350384104, -49920, '+bias 5,118,952 +Relu 15,667,456 +MaxPool 1,806,336 +BatchNormalization 327,034,624 +AveragePool 702,464 +GlobalAveragePool 54,272'),
    ('googlenet', 'dscost_onnx'): (0, -7280, ''),
    ('googlenet', 'fvcore'): (6502496, 6379984, '+2*bn 6,452,320 +gap 50,176'),
    ('googlenet', 'ptflops_pytorch'): (15531256, 6379984, '+bias 1,000 +BatchNorm2d 6,452,320 +MaxPool2d 2,875,712 +AdaptiveAvgPool2d 50,176 +functional 6,152,048'),
    ('googlenet', 'ptflops_aten'): (1000, 6379984, '+bias 1,000'),
    ('googlenet', 'thop'): (12955840, 0, '+BatchNorm2d 12,904,640 +AdaptiveAvgPool2d 51,200'),
    ('googlenet', 'torchinfo'): (15560, 6379984, 'torchinfo rule (see docstring)'),
    ('googlenet', 'onnx_tool'): (19061000, -11864, '+bias 3,227,160 +Relu 3,226,160 +MaxPool 12,553,408 +GlobalAveragePool 54,272'),
    ('lstm_tagger', 'flopcounter'): (-7340032, None, '-lstm 7,340,032'),
    ('lstm_tagger', 'fvcore'): (-7340032, 0, '-lstm 7,340,032'),
    ('lstm_tagger', 'ptflops_pytorch'): (147776, 0, '-missing 7,340,032 +bias 320 +LSTM 7,487,488'),
    ('lstm_tagger', 'ptflops_aten'): (-7339712, 0, '-lstm 7,340,032 +bias 320'),
    ('lstm_tagger', 'thop'): (131072, -64000, '-missing 7,340,032 +LSTM 7,471,104'),
    ('lstm_tagger', 'torchinfo'): (89866, 0, 'torchinfo rule (see docstring)'),
    ('lstm_tagger', 'onnx_tool'): (1540416, -64000, '+LSTM 1,540,096 +Add 320'),
    ('transformer_encoder', 'flopcounter'): (-2097152, None, '-sdpa 2,097,152'),
    ('transformer_encoder', 'fvcore'): (-1933312, 0, '-sdpa 2,097,152 +5*ln 163,840'),
    ('transformer_encoder', 'ptflops_pytorch'): (229376, 0, '-missing 10,485,760 +bias 81,920 +MultiheadAttention 10,600,448 +LayerNorm 32,768'),
    ('transformer_encoder', 'ptflops_aten'): (-1949696, 0, '-sdpa 2,097,152 +bias 147,456'),
    ('transformer_encoder', 'thop'): (-10354688, -132096, '-missing 10,485,760 +LayerNorm 131,072'),
    ('transformer_encoder', 'torchinfo'): (-26998528, 0, 'torchinfo rule (see docstring)'),
    ('transformer_encoder', 'onnx_tool'): (1695132, -198656, '+bias 16,384 +Mod 2 +Add 163,842 +Sqrt 144 +Div 8 +Mul 32,768 +Softmax 1,179,648 +LayerNormalization 236,800 +Relu 65,536'),
    ('bert_tiny', 'flopcounter'): (-2097152, None, '-sdpa 2,097,152'),
    ('bert_tiny', 'fvcore'): (-1892352, 0, '-sdpa 2,097,152 +5*ln 204,800'),
    ('bert_tiny', 'ptflops_pytorch'): (-1908608, 0, '-missing 2,097,152 +bias 147,584 +LayerNorm 40,960'),
    ('bert_tiny', 'ptflops_aten'): (-1949568, 0, '-sdpa 2,097,152 +bias 147,584'),
    ('bert_tiny', 'thop'): (-1933312, -144640, '-missing 2,097,152 +LayerNorm 163,840'),
    ('bert_tiny', 'torchinfo'): (-26721408, 0, 'torchinfo rule (see docstring)'),
    ('bert_tiny', 'onnx_tool'): (1583816, -147584, '+bias 128 +Mul 163,844 +Equal 4 +Add 262,144 +LayerNormalization 296,000 +Softmax 589,824 +Div 262,144 +Tanh 9,728'),
    ('mobilevit_xxs', 'dscost_onnx'): (0, -2056, ''),
    ('mobilevit_xxs', 'flopcounter'): (-78184448, None, '-sdpa 78,184,448'),
    ('mobilevit_xxs', 'fvcore'): (-67344384, 0, '-sdpa 78,184,448 +2*bn 8,044,544 +5*ln 2,775,040 +gap 20,480'),
    ('mobilevit_xxs', 'ptflops_pytorch'): (-59095064, 0, '-missing 145,031,168 +bias 695,272 +LayerNorm 555,008 +Attention 80,787,456 +AdaptiveAvgPool2d 20,480 +functional 3,877,888'),
    ('mobilevit_xxs', 'ptflops_aten'): (-76563480, 0, '-sdpa 78,184,448 +bias 1,620,968'),
    ('mobilevit_xxs', 'thop'): (-75943616, -4112, '-missing 78,184,448 +LayerNorm 2,220,032 +AdaptiveAvgPool2d 20,800'),
    ('mobilevit_xxs', 'torchinfo'): (-209876504, 0, 'torchinfo rule (see docstring)'),
    ('mobilevit_xxs', 'onnx_tool'): (223834964, -11912, '+bias 4,023,272 +Sigmoid 123,437,056 +Mul 4,320,256 +Add 2,541,568 +LayerNormalization 4,113,344 +Sqrt 648 +Div 36 +Softmax 85,377,024 +GlobalAveragePool 21,760'),
    ('efficientformer_l1', 'dscost_onnx'): (0, -31920, ''),
    ('efficientformer_l1', 'fvcore'): (10828608, 0, '+2*bn 10,499,328 +5*ln 329,280'),
    ('efficientformer_l1', 'ptflops_pytorch'): (23343248, 0, '-missing 3,073,280 +bias 5,458,640 +BatchNorm2d 10,499,328 +ReLU 451,584 +AvgPool2d 931,392 +GELU 3,813,376 +LayerNorm 65,856 +functional 5,196,352'),
    ('efficientformer_l1', 'ptflops_aten'): (5458640, 0, '+bias 5,458,640'),
    ('efficientformer_l1', 'thop'): (19120192, -7336, '-missing 3,073,280 +BatchNorm2d 20,998,656 +AvgPool2d 931,392 +LayerNorm 263,424'),
    ('efficientformer_l1', 'torchinfo'): (-129903360, 0, 'torchinfo rule (see docstring)'),
    ('efficientformer_l1', 'onnx_tool'): (46953263, -41680, '+bias 5,251,664 +Relu 451,584 +AveragePool 8,382,528 +Sub 931,392 +Mul 9,552,648 +Add 5,947,248 +Div 15,257,504 +LayerNormalization 465,255 +Softmax 691,488 +ReduceMean 21,952'),
}


def load_rows(path):
    R = {}
    if os.path.exists(path):
        for line in open(path):
            r = json.loads(line)
            R[(r["model"], r["tool"])] = r
    return R


def namespace(R, model):
    g = lambda t: R.get((model, t)) or {}
    d, c = g("dscost"), g("components")
    ns = {k: c.get(k, 0) for k in ("sdpa", "lstm", "bias", "bn", "ln", "gap", "total")}
    ns.update(D=d.get("macs"), P=d.get("params"), N=c.get("sum_numel"), ti=g("torchinfo_rule").get("macs"), thop_p=g("thop_rule").get("params"))
    per, types = c.get("per_module", {}), c.get("types", {})
    mac_types = ("Conv1d", "Conv2d", "Conv3d", "Linear")
    # thop: its Conv / Linear leaves (exact types) must hold our MACs of those layers (no bias); the rest of our MACs it misses
    th = g("thop")
    if th.get("by_module") is not None:
        core = {n: v for n, v in th["by_module"].items() if types.get(n) in mac_types}
        ns["thop_core"], ns["thop_core_ours"] = sum(core.values()), sum(per.get(n, [0, 0])[0] for n in core)
        ns["thop_missing"] = ns["D"] - ns["thop_core_ours"]
        ns["thop_extra"] = th["macs"] - ns["thop_core"]
        ns["thop_extra_by_type"] = {t: v[0] for t, v in th["by_type"].items() if t not in mac_types and v[0]}
    pp = g("ptflops_pytorch_parts")
    if pp.get("by_module") is not None:
        core = {n: v for n, v in pp["by_module"].items() if types.get(n) in mac_types}
        ns["pt_core"] = sum(core.values())
        ns["pt_core_ours"] = sum(per.get(n, [0, 0])[0] for n in core)
        ns["pt_core_bias"] = sum(per.get(n, [0, 0])[1] for n in core)
        ns["pt_missing"] = ns["D"] - ns["pt_core_ours"]
        tot = sum(pp["by_module"].values()) + pp["functional"] + pp["tensor_ops"]
        ns["pt_extra"] = tot - ns["pt_core"]
        ns["pt_parts_total"] = tot
        ns["pt_extra_by_type"] = {t: v for t, v in pp["by_type"].items() if t not in mac_types and v}
        ns["pt_extra_by_type"].update({"functional": pp["functional"], "tensor_ops": pp["tensor_ops"]})
    ot, do = g("onnx_tool"), g("dscost_onnx")
    if ot.get("by_operator") is not None and do.get("by_operator") is not None:
        mac_ops = ("Conv", "Gemm", "MatMul")
        dob = do["by_operator"]
        ns["ot_mac"] = sum(v for k, v in ot["by_operator"].items() if k in mac_ops)
        ns["ot_bias"] = sum(dob.get(k, [0, 0])[1] for k in ("Conv", "Gemm"))
        ns["ot_mac_ours"] = sum(dob.get(k, [0, 0])[0] for k in mac_ops) + ns["ot_bias"]
        ns["ot_lstm"] = ot["by_operator"].get("LSTM", 0) - dob.get("LSTM", [0, 0])[0]
        ns["ot_extra"] = sum(v for k, v in ot["by_operator"].items() if k not in mac_ops + ("LSTM",)) + (ns["ot_mac"] - ns["ot_mac_ours"])
        ns["ot_extra_by_op"] = {k: v for k, v in ot["by_operator"].items() if k not in mac_ops + ("LSTM",)}
    return ns


def onnx_counts(path):
    """Two parameter counts of an ONNX file. onnx-tool's: each initializer once, if a node outside its NoMacsOps (Identity, Gather,
    Reshape ...) reads it -- so an Embedding's table (Gather) is not counted, BatchNorm's running mean / var are. dscost's: float
    initializers but BatchNorm's mean / var (buffers), plus one more copy per Identity node on an initializer (torch.onnx writes
    equal tensors once -- fresh zero biases of folded BatchNorms -- and gives each further user an Identity: one parameter tensor each)."""
    import math
    import onnx
    import onnx_tool
    m = onnx.load(path)
    inits = {t.name: t for t in m.graph.initializer}
    size = {k: math.prod(t.dims) for k, t in inits.items()}
    ot = {i for n in m.graph.node if n.op_type not in onnx_tool.NoMacsOps for i in n.input if i in size}
    floats = {k for k, t in inits.items() if t.data_type in (1, 10, 11, 16)}

    def param_slot(n, j):
        return not (n.op_type == "BatchNormalization" and j >= 3)
    direct = {i for n in m.graph.node if n.op_type != "Identity" for j, i in enumerate(n.input) if i in floats and param_slot(n, j)}
    copies = {n.output[0]: n.input[0] for n in m.graph.node if n.op_type == "Identity" and n.input and n.input[0] in floats}
    read = {i for n in m.graph.node if n.op_type != "Identity" for j, i in enumerate(n.input) if param_slot(n, j)}
    return sum(size[k] for k in ot), sum(size[k] for k in direct) + sum(size[src] for out, src in copies.items() if out in read)


def fmt(n):
    return "-" if n is None else f"{n:,}"


def main() -> int:
    ap = argparse.ArgumentParser(description="dscost against fvcore, ptflops, thop, torchinfo, FlopCounterMode and onnx-tool")
    ap.add_argument("--out", default=os.path.join(HERE, "run"))
    ap.add_argument("--only", help="comma-separated model names")
    ap.add_argument("--reuse", action="store_true", help="keep the models already in OUT/rows.jsonl")
    ap.add_argument("--no-experiments", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rows_path = os.path.join(a.out, "rows.jsonl")
    names = a.only.split(",") if a.only else MODEL_NAMES
    R = load_rows(rows_path) if a.reuse else {}
    if not a.reuse and os.path.exists(rows_path):
        os.remove(rows_path)
    for name in names:  # one process per model, one at a time
        if (name, "onnx_tool") not in R:
            subprocess.run([sys.executable, __file__, "--worker", name, a.out], timeout=900, stderr=subprocess.DEVNULL)
        if (name, "torchinfo_rule") not in R:
            subprocess.run([sys.executable, __file__, "--rules", name, a.out], timeout=600, stderr=subprocess.DEVNULL)
    if ("mobilenet_v1_spec", "onnx_tool") not in R:
        subprocess.run([sys.executable, __file__, "--spec", a.out], timeout=600, stderr=subprocess.DEVNULL)
    R = load_rows(rows_path)
    bad = []
    print("| model | dscost | dscost (ONNX) | FlopCounterMode | fvcore | ptflops pytorch | ptflops aten | thop | torchinfo | onnx-tool |")
    print("|---|" + "---:|" * 9)
    for name in names:
        cells = []
        for t in TOOLS:
            r = R.get((name, t), {})
            cells.append("error" if r.get("error") else f"{fmt(r.get('macs'))} / {fmt(r.get('params'))}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    # MobileNet v1, dscost's spec: the published 569M mult-adds / 4.2M params; onnx-tool on the file `dscost export` writes
    s, so, st = (R.get(("mobilenet_v1_spec", t), {}) for t in ("dscost", "dscost_onnx", "onnx_tool"))
    if s.get("macs") is None or so.get("macs") is None or st.get("macs") is None:
        bad.append(f"mobilenet_v1_spec: {s.get('error') or so.get('error') or st.get('error') or 'no rows'}")
    else:
        print(f"| mobilenet_v1 (dscost spec; export) | {fmt(s['macs'])} / {fmt(s['params'])} | {fmt(so['macs'])} / {fmt(so['params'])} | "
              + " | ".join(["-"] * 6) + f" | {fmt(st['macs'])} / {fmt(st['params'])} |")
        bias = sum(so["by_operator"].get(k, [0, 0])[1] for k in ("Conv", "Gemm"))
        ot_mac = sum(v for k, v in st["by_operator"].items() if k in ("Conv", "Gemm", "MatMul"))
        extra = sum(v for k, v in st["by_operator"].items() if k not in ("Conv", "Gemm", "MatMul"))
        unique, _ = onnx_counts(os.path.join(a.out, "mobilenet_v1_spec.onnx"))
        checks = [(round(s["macs"] / 1e6), 569, "published 569M mult-adds"), (round(s["params"] / 1e5), 42, "published 4.2M params"),
                  (so["macs"], s["macs"], "dscost on its own export"), (so["params"], s["params"], "params of its export"),
                  (ot_mac, so["by_operator"]["Conv"][0] + so["by_operator"]["Gemm"][0] + bias, "onnx-tool Conv + Gemm = MACs + bias"),
                  (st["macs"], s["macs"] + bias + extra, "onnx-tool = MACs + bias + its other ops"), (st["params"], unique, "onnx-tool params = every initializer")]
        for got, want, what in checks:
            if got != want:
                bad.append(f"mobilenet_v1_spec: {what}: {got:,} != {want:,}")
        print(f"mobilenet_v1_spec: onnx-tool extra {dict((k, v) for k, v in st['by_operator'].items() if k not in ('Conv',))}, bias {bias:,}, "
              f"params {st['params']:,} = {s['params']:,} + BN running stats {st['params'] - s['params']:,}")
    for name in names:
        ns = namespace(R, name)
        d = R.get((name, "dscost"), {})
        if d.get("error") or d.get("uncounted"):
            bad.append(f"{name}: dscost {d.get('error') or d.get('uncounted')}")
            continue
        if ns["total"] != ns["D"]:
            bad.append(f"{name}: dscost MACs {ns['D']:,} != counted here {ns['total']:,}")
        fs = R.get((name, "flopcounter_sdpa"), {}).get("macs")
        if fs is not None and fs != ns["D"] - ns["lstm"]:
            bad.append(f"{name}: FlopCounterMode with SDPA registered {fs:,} != D - lstm {ns['D'] - ns['lstm']:,}")
        onnx_path = os.path.join(a.out, name + ".onnx")
        if os.path.exists(onnx_path) and not R.get((name, "dscost_onnx"), {}).get("error"):
            ns["onnx_unique"], ns["onnx_used"] = onnx_counts(onnx_path)
        for t in ["dscost_onnx"] + PEERS:
            r = R.get((name, t), {})
            if r.get("error") or r.get("macs") is None:
                bad.append(f"{name} {t}: {r.get('error') or 'no row'}")
                continue
            want = ns["D"] if t == "dscost_onnx" else eval(CONVENTION[t], {}, ns)
            if r["macs"] != want:
                bad.append(f"{name} {t}: MACs {r['macs']:,} != convention {want:,} ({CONVENTION.get(t, 'D')})")
            if t == "thop" and ns.get("thop_core") != ns.get("thop_core_ours"):
                bad.append(f"{name} thop: its Conv/Linear layers {ns['thop_core']:,} != ours {ns['thop_core_ours']:,}")
            if t == "ptflops_pytorch" and ns.get("pt_core") != ns.get("pt_core_ours", 0) + ns.get("pt_core_bias", 0):
                bad.append(f"{name} ptflops_pytorch: its Conv/Linear layers {ns['pt_core']:,} != ours + bias {ns['pt_core_ours'] + ns['pt_core_bias']:,}")
            if t == "onnx_tool" and ns.get("ot_mac") != ns.get("ot_mac_ours"):
                bad.append(f"{name} onnx_tool: its Conv/Gemm/MatMul {ns['ot_mac']:,} != dscost's + bias {ns['ot_mac_ours']:,} (in ot_extra)")
            pf = PARAMS_CONVENTION.get(t)
            if pf and r.get("params") is not None:
                pw = eval(pf, {}, ns)
                if r["params"] != pw:
                    bad.append(f"{name} {t}: params {r['params']:,} != {pf} {pw:,}")
        for t in ["dscost_onnx"] + PEERS:
            r = R.get((name, t), {})
            if r.get("macs") is None:
                continue
            dm, dp = r["macs"] - ns["D"], None if r.get("params") is None else r["params"] - ns["P"]
            e = EXPLAINED.get((name, t))
            if (dm or dp) and (e is None or (e[0], e[1]) != (dm, dp)):
                bad.append(f"{name} {t}: MACs {dm:+,}, params {dp if dp is None else format(dp, '+,')} vs dscost; EXPLAINED has {e and (e[0], e[1])}")
            elif not (dm or dp) and e is not None:
                bad.append(f"{name} {t}: now equal to dscost; EXPLAINED still has {e[:2]}")
        if ns["P"] != ns["N"] and name not in PARAM_NOTES:
            bad.append(f"{name}: dscost params {ns['P']:,} != sum(p.numel()) {ns['N']:,}")
        parts = {k: ns[k] for k in ("sdpa", "lstm", "bias", "bn", "ln", "gap") if ns[k]}
        print(f"{name}: D={ns['D']:,} parts={parts} thop_missing={ns.get('thop_missing', 0):,} thop_extra={ns.get('thop_extra_by_type')} "
              f"pt_missing={ns.get('pt_missing', 0):,} pt_extra={ns.get('pt_extra_by_type')} ot_extra={ns.get('ot_extra_by_op')} ot_lstm={ns.get('ot_lstm')}")
    if not a.no_experiments:
        out = subprocess.run([sys.executable, __file__, "--experiments"], capture_output=True, text=True, timeout=600).stdout
        exp = json.loads(out)
        print("\n| one-op module | by hand | " + " | ".join(t for t in TOOLS if t != "dscost_onnx") + " |")
        print("|---|---:|" + "---:|" * (len(TOOLS) - 1))
        for k, v in exp.items():
            print(f"| {k} | {v['right']:,} | " + " | ".join((lambda c: f"{c:,}" if isinstance(c, int) else str(c))(v.get(t, ['-'])[0])
                                                            for t in TOOLS if t != "dscost_onnx") + " |")
            if v["dscost"][0] != v["right"]:
                bad.append(f"experiment {k}: dscost {v['dscost'][0]} != {v['right']}")
    print()
    for b in bad:
        print("UNEXPLAINED:", b)
    print(f"{len(bad)} unexplained")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
