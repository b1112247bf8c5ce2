"""Thirty-ninth blind round (2026-12-06): OpenMMLab models and neural-architecture-search networks,
which no earlier round held, each counted three ways against torch's own counter, as in
crosscheck_timm_sixth.py and crosscheck_3d.py (the module through ``dscost.analyze``, the
TorchScript and the dynamo exporters' files through ``python -m dscost analyze FILE -f json``;
torch: FlopCounterMode FLOPs / 2, params = sum(p.numel() for p in module.parameters())).

What it stresses: searched and searchable networks.  DARTS (Liu et al. 2019) written here from
the paper's code: the search network, every edge a MixedOp -- the sum of all 8 primitives (Zero as
``x.mul(0.)``, strided Zero, pools followed by non-affine BatchNorms, skip / FactorizedReduce,
separable and dilated convs) weighted by ``softmax`` of architecture parameters (nn.Parameters
here, so torch counts them) --, PC-DARTS (Xu et al. 2020: partial channels, ``channel_shuffle``,
edge-normalisation betas softmaxed node by node over slices), the CIFAR network of the DARTS_V2
genotype and a NAS-Bench-201 / NATS cell network from an arch string; pytorchcv 0.0.74's DARTS
(ImageNet), NASNet-A mobile, ProxylessNAS, FBNet-C, MnasNet-A1 and Single-Path NAS; Once-for-All
(``ofa``): OFAMobileNetV3, OFAProxylessNASNets and OFAResNets with a sub-network made active, both
the supernet itself (its dynamic layers slice the largest weights at run time and OFA's kernel
transforms run ``F.linear`` on the weights) and the static sub-network ``get_active_subnet()``
copies out; nni 3.0's NAS hub: ``load_searched_model(..., pretrained=False)`` of ProxylessNAS
(AceNAS-M1), MobileNetV3Space, ShuffleNetSpace (SPOS), DARTS (DARTS-V2, C 36, 20 cells) and
AutoFormer-tiny, and frozen random samples of the ProxylessNAS and NasBench201 spaces; OpenMMLab:
mmcv's attention bricks (NonLocal2d, ContextBlock, GeneralizedAttention) and mmpretrain 1.2.0
ImageClassifiers built from config dicts (RepLKNet-31B's 31 x 31 kernels, VAN, PoolFormer,
EfficientFormer-L1 and LeViT-128S with distillation heads and cached attention biases, MobileOne
unfused, EdgeNeXt, Conformer, T2T-ViT, TinyViT, HorNet, DaViT padded to its window, HRNet-W18 with
HRFuseScales, RIFormer, XCiT, MobileViT).  Inputs shrunk (32 x 32 CIFAR nets, 64-128 for most
mmpretrain nets, 224 where a net fixes it), random weights, no download.

mmdet 3.3.0, mmsegmentation 1.2.2 and mmpose 1.3.2 install but do not import: each imports
``mmcv.ops`` (RoIAlign, NMS, deformable and point-sample ops) from its model package, which needs
mmcv's compiled ``mmcv._ext``; mmcv-lite has no ops and PyPI has only mmcv's source, whose C++ ops
would take about an hour to compile on 2 cores.  Dropped; mmcv-lite's own bricks are counted.
(mmpretrain 1.2.0 asserts mmcv < 2.2.0: mmcv-lite 2.1.0.)

    python3.11 -m venv /tmp/r39/venv && /tmp/r39/venv/bin/pip install uv
    /tmp/r39/venv/bin/pip install torch==2.14.1 torchvision==0.29.1
    /tmp/r39/venv/bin/python -m uv pip install --python /tmp/r39/venv/bin/python onnx onnxscript onnxruntime typer rich pydantic pyyaml mmengine
    /tmp/r39/venv/bin/python -m uv pip install --python /tmp/r39/venv/bin/python mmcv-lite==2.1.0 mmpretrain==1.2.0 pytorchcv ofa nni==3.0 "pytorch-lightning<2.1" "setuptools<70"
    PYTHONPATH=/work/main /tmp/r39/venv/bin/python benchmarks/crosscheck_openmmlab_nas.py [--only a,b] [--json rows.json] [--out DIR]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r39/zoo).
Exits 1 on a MACs difference from torch's, a dscost failure (not an exporter's) or an uncounted op.
Not run in CI.

As run (2026-12-06, torch 2.14.1, torchvision 0.29.1, onnx 1.23.2, onnxscript 0.7.2, onnxruntime
1.32.0, mmengine 0.10.7, mmcv-lite 2.1.0, mmpretrain 1.2.0, pytorchcv 0.0.74, ofa
0.1.0.post202307202001, nni 3.0; about 30 min of child processes on 2 shared cores, darts_search
the slowest at 341 s -- its dynamo export of 5,937 nodes): 42 models, torch's counter ran on all.
**MACs equal torch's on 40 of 42 module counts, all 40 TorchScript files and 38 of 41 dynamo
files, nothing uncounted but in one invalid file; one dscost miscount (params, a dynamo file)**;
every MixedOp sum, strided Zero, channel shuffle, OFA weight slice and kernel transform kept in the
file, nni frozen choice, large kernel, distillation head and padded window counted as torch counts
it.  Params equal on 36 of 42 modules and 34 of 40 TorchScript files (cached attention biases,
inactive supernet blocks, stated conventions); no dynamo file equals torch (BatchNorm folds, norm
and layer-scale merges: the exporter's).  Exit 1, for the exporter's three MACs differences below.

RESULTS (differences from torch's in brackets):

    | model | torch MACs | module MACs | TorchScript file MACs | dynamo file MACs | torch params | module params | TS file params | dynamo file params | status |
    |---|---:|---:|---:|---:|---:|---:|---:|---:|---|
    | darts_search | 61,629,696 | 61,629,696 | 61,629,696 | 61,629,696 | 394,434 | 394,434 | 394,434 | 394,385 (-49) | MACs= module,ts,dynamo |
    | pc_darts_search | 12,907,776 | 12,907,776 | 12,907,776 | 12,907,776 | 66,838 | 66,838 | 66,838 | 66,784 (-54) | MACs= module,ts,dynamo |
    | darts_v2_cifar | 43,444,736 | 43,444,736 | 43,444,736 | 43,444,736 | 246,106 | 246,106 | 246,106 | 239,994 (-6,112) | MACs= module,ts,dynamo |
    | nasbench201_best | 117,883,520 | 117,883,520 | 117,883,520 | 117,883,520 | 830,426 | 830,426 | 830,426 | 825,530 (-4,896) | MACs= module,ts,dynamo |
    | pcv_proxylessnas_mobile | 320,427,584 | 320,427,584 | 320,427,584 | 320,427,584 | 4,080,512 | 4,080,512 | 4,080,512 | 4,046,016 (-34,496) | MACs= module,ts,dynamo |
    | pcv_fbnet_cb | 384,960,160 | 384,960,160 | 384,960,160 | 384,960,160 | 5,572,200 | 5,572,200 | 5,572,200 | 5,527,832 (-44,368) | MACs= module,ts,dynamo |
    | pcv_mnasnet_a1 | 311,579,072 | 311,579,072 | 311,579,072 | 311,579,072 | 3,887,038 | 3,887,038 | 3,887,038 | 3,849,312 (-37,726) | MACs= module,ts,dynamo |
    | pcv_spnasnet | 333,467,072 | 333,467,072 | 333,467,072 | 333,467,072 | 4,421,616 | 4,421,616 | 4,421,616 | 4,382,112 (-39,504) | MACs= module,ts,dynamo |
    | ofa_mbv3_sub | 82,121,216 | 82,121,216 | 82,121,216 | 82,121,216 | 3,599,876 | 3,599,876 | 3,599,876 | 3,576,980 (-22,896) | MACs= module,ts,dynamo |
    | ofa_mbv3_dyn | 84,090,640 | 83,925,088 (-165,552) | error | 83,925,088 (-165,552) | 6,525,980 | 4,310,654 (-2,215,326) | error | 4,310,654 (-2,215,326) | MACs differ; error: ts |
    | ofa_proxyless_sub | 94,580,736 | 94,580,736 | 94,580,736 | 94,580,736 | 2,373,820 | 2,373,820 | 2,373,820 | 2,345,068 (-28,752) | MACs= module,ts,dynamo |
    | ofa_proxyless_dyn | 96,402,384 | 96,236,832 (-165,552) | error | 96,236,832 (-165,552) | 3,965,262 | 2,687,350 (-1,277,912) | error | 2,687,350 (-1,277,912) | MACs differ; error: ts |
    | nni_proxylessnas_acenas_m1 | 107,752,448 | 107,752,448 | 107,752,448 | 107,752,448 | 4,093,864 | 4,093,864 | 4,093,864 | 4,058,672 (-35,192) | MACs= module,ts,dynamo |
    | nni_proxylessnas_random | 127,600,640 | 127,600,640 | 127,600,640 | 127,600,640 | 3,858,856 | 3,858,856 | 3,858,856 | 3,825,624 (-33,232) | MACs= module,ts,dynamo |
    | nni_mobilenetv3_large | 73,427,840 | 73,427,840 | 73,427,840 | 73,427,840 | 5,483,032 | 5,483,032 | 5,483,032 | 5,457,632 (-25,400) | MACs= module,ts,dynamo |
    | nni_spos_shufflenet | 106,132,480 | 106,132,480 | 106,132,480 | 106,132,480 | 3,558,464 | 3,558,464 | 3,558,464 | 3,531,152 (-27,312) | MACs= module,ts,dynamo |
    | nni_nasbench201_random | 125,747,840 | 125,747,840 | 125,747,840 | 125,747,840 | 886,426 | 886,426 | 886,426 | 879,290 (-7,136) | MACs= module,ts,dynamo |
    | mmcv_nonlocal | 16,089,088 | 16,089,088 | 16,089,088 | 16,089,088 | 7,696 | 7,696 | 7,696 | 7,552 (-144) | MACs= module,ts,dynamo |
    | mmcv_context_block | 5,669,888 | 5,669,888 | 5,669,888 | 5,669,888 | 6,737 | 6,737 | 6,737 | 6,336 (-401) | MACs= module,ts,dynamo |
    | mmcv_generalized_attention | 26,574,848 | 26,574,848 | 26,574,848 | 26,050,560 (-524,288) [7 unc.] | 10,785 | 10,785 | 10,784 (-1) | 10,691 (-94) | MACs= module,ts |
    | mmpre_van_b0 | 158,713,600 | 158,713,600 | 158,713,600 | 158,713,600 | 3,874,500 | 3,874,500 | 3,874,500 | 3,864,388 (-10,112) | MACs= module,ts,dynamo |
    | mmpre_poolformer_s12 | 332,822,528 | 332,822,528 | 332,822,528 | 332,822,528 | 11,453,476 | 11,453,476 | 11,453,476 | 11,435,556 (-17,920) | MACs= module,ts,dynamo |
    | mmpre_efficientformer_l1 | 1,290,478,336 | 1,290,478,336 | 1,290,478,336 | 1,290,478,336 | 11,481,728 | 11,481,336 (-392) | 11,481,336 (-392) | 11,441,104 (-40,624) | MACs= module,ts,dynamo |
    | mmpre_mobileone_s0 | 193,126,912 | 193,126,912 | 193,126,912 | 193,126,912 | 4,370,772 | 4,370,772 | 4,370,772 | 4,283,444 (-87,328) | MACs= module,ts,dynamo |
    | mmpre_levit_128s | 303,969,632 | 303,969,632 | 303,969,632 | 303,969,632 | 7,084,058 | 7,078,744 (-5,314) | 7,078,744 (-5,314) | 7,047,032 (-37,026) | MACs= module,ts,dynamo |
    | mmpre_edgenext_xs | 74,972,352 | 74,972,352 | 74,972,352 | 74,972,352 | 2,163,104 | 2,163,104 | 2,163,104 | 2,157,416 (-5,688) | MACs= module,ts,dynamo |
    | mmpre_tinyvit_5m | 216,046,400 | 216,046,400 | 216,046,400 | 216,046,400 | 5,097,944 | 5,096,612 (-1,332) | 5,096,612 (-1,332) | 5,079,908 (-18,036) | MACs= module,ts,dynamo |
    | mmpre_hornet_tiny | 323,959,552 | 323,959,552 | 323,959,552 | 323,959,552 | 21,947,812 | 21,947,812 | 21,947,812 | 21,914,660 (-33,152) | MACs= module,ts,dynamo |
    | mmpre_riformer_s12 | 333,011,456 | 333,011,456 | 333,011,456 | 333,011,456 | 11,460,132 | 11,460,132 | 11,460,132 | 11,442,212 (-17,920) | MACs= module,ts,dynamo |
    | mmpre_xcit_t12 | 226,650,624 | 226,650,624 | 226,650,624 | 226,650,624 | 6,542,572 | 6,542,572 | 6,542,572 | 6,509,360 (-33,212) | MACs= module,ts,dynamo |
    | mmpre_mobilevit_xs | 133,601,856 | 133,601,856 | 133,601,856 | 133,601,856 | 1,971,348 | 1,971,348 | 1,971,348 | 1,958,484 (-12,864) | MACs= module,ts,dynamo |
    | pcv_darts | 529,911,552 | 529,911,552 | 529,911,552 | 529,911,552 | 4,718,752 | 4,718,752 | 4,718,752 | 4,683,088 (-35,664) | MACs= module,ts,dynamo |
    | pcv_nasnet_4a1056 | 568,234,858 | 568,234,858 | 568,234,858 | 568,234,858 | 5,289,978 | 5,289,978 | 5,289,978 | 5,253,900 (-36,078) | MACs= module,ts,dynamo |
    | ofa_resnet_sub | 1,086,867,616 | 1,086,867,616 | 1,086,867,616 | 1,086,867,616 | 23,821,708 | 23,821,708 | 23,821,708 | 23,772,620 (-49,088) | MACs= module,ts,dynamo |
    | ofa_resnet_dyn | 1,086,867,616 | 1,086,867,616 | 1,086,867,616 | 1,086,867,616 | 46,261,892 | 44,114,212 (-2,147,680) | 44,114,212 (-2,147,680) | 44,067,852 (-2,194,040) | MACs= module,ts,dynamo |
    | mmpre_replknet | 1,259,716,608 | 1,259,716,608 | 1,259,716,608 | 1,259,716,608 | 78,941,668 | 78,941,668 | 78,941,668 | 78,670,564 (-271,104) | MACs= module,ts,dynamo |
    | mmpre_conformer_tiny | 924,069,376 | 924,069,376 | 924,069,376 | 924,069,376 | 22,946,904 | 22,946,904 | 22,946,904 | 22,907,064 (-39,840) | MACs= module,ts,dynamo |
    | mmpre_t2t_vit_t14 | 872,693,760 | 872,693,760 | 872,693,760 | 872,693,760 | 21,118,922 | 21,118,922 | 21,133,130 (+14,208) | 21,097,290 (-21,632) | MACs= module,ts,dynamo |
    | mmpre_davit_t | 1,845,206,592 | 1,845,206,592 | 1,845,206,592 | 1,845,206,592 | 27,668,068 | 27,668,068 | 27,668,068 | 27,650,212 (-17,856) | MACs= module,ts,dynamo |
    | mmpre_hrnet_w18 | 349,714,112 | 349,714,112 | 349,714,112 | 349,714,112 | 19,451,064 | 19,451,064 | 19,451,064 | 19,399,848 (-51,216) | MACs= module,ts,dynamo |
    | nni_darts_v2 | 528,359,040 | 528,359,040 | 528,359,040 | 528,359,040 | 3,349,342 | 3,349,342 | 3,349,342 | 3,309,382 (-39,960) | MACs= module,ts,dynamo |
    | nni_autoformer_tiny | 1,481,938,432 | 1,481,938,432 | 1,481,938,432 | error | 5,867,944 | 5,867,944 | 5,867,944 | error | MACs= module,ts; error: dynamo |

DIAGNOSES of every difference:

- **dscost miscount, params of pc_darts_search's dynamo file, -6 of the -54** (the other -48 the
  stem BatchNorm folded into its conv, the exporter's): the exporter folds PC-DARTS' edge weights
  ``cat([softmax(betas[0:2]), softmax(betas[2:5]), ...])[j]`` into 14 scalar initializers per cell
  type (select, select_2, ...), each recorded as folded from ``betas_normal`` and from the
  exporter's own values (val_N: the slice bounds and the select index).  The optimizer merges
  equal constants, so the index of some selects is a slice bound already listed: 4 selects of each
  betas have the same set of val_N, and ``_copies`` (readers/onnx_provenance.py) takes one set of
  bounds for "a copy of one part" and counts 3 of them as buffers ("6 initializer(s) the exporter
  folded from parameters counted already (select_4 from betas_normal ...)").  They are different
  elements of betas, with different values.  Repro: /tmp/r39/repro/slice_select_scalars.py (a
  5-element parameter softmaxed over [0:2] and [2:5], each element weighting a bias-free
  Linear(4, 4): torch and the TorchScript file 85, the dynamo file 84, select_2 taken for a copy).
  FIXED 2026-12-06: a folded tensor the exporter named after a part-taking op (select, slice, ...)
  is a part of its own (onnx_provenance._copies): the repro 85, pc_darts_search's dynamo file
  -48 (the BatchNorm fold alone); no other of the 1,181 ONNX files of rounds 27-40 changed.
  darts_search's dynamo file, -49 (alphas softmaxed whole, unbound by iteration: no slices): its
  stem BatchNorm folded (-48), and 223 of its 224 folded scalars counted: the 224th is an equal value the
  exporter merged (softmax(alphas_reduce) holds 111 distinct values of 112), not dscost's.
- Misleading note (cosmetic): the module path's "the trace read tensor values as Python numbers
  at 1 place(s) (crosscheck_openmmlab_nas.py:NNN)" on DARTS' ``zip(weights, self.ops)``: torch's
  TracerWarning there is "Iterating over a tensor might cause the trace to be incorrect. Passing a
  tensor of different shape won't change the number of iterations executed" -- only the length of
  dim 0 is read, no value; dscost's VALUE_WARNING matches every "might cause the trace to be
  incorrect".  Counts are right.  Repro: /tmp/r39/repro/iter_note.py (torch 32, dscost 32, the note).
- ofa_mbv3_dyn and ofa_proxyless_dyn, -165,552 MACs (module and dynamo file), the exporter's: OFA's
  kernel transform (``F.linear`` of a 7 x 7 kernel's centre, 25 x 25 and 9 x 9 matrices, on
  weights only) runs at every forward, so torch counts 1,969,424 MACs of it; the dynamo exporter
  computes the smaller ones at export time and keeps 9 as Gemm nodes (1,803,872 MACs, counted):
  1,969,424 - 1,803,872 = 165,552 folded.  Their TorchScript export fails in OFA's code
  ("type Tensor doesn't define __round__": ``round()`` of a traced size), so dscost's module path
  takes the dynamo exporter, as its note says.  Their params: the supernet's unused blocks and
  kernel sizes (2,153,554 and 1,218,364 elements, named in a note: "not read by the exported
  program"), BatchNorms folded.  ofa_resnet_dyn exports with both: equal MACs; params -2,147,680
  (module, TorchScript file: the inactive blocks, named) and -2,194,040 (dynamo file: + BNs).
- mmcv_generalized_attention, dynamo file -524,288 MACs, 7 uncounted: the file is invalid --
  onnxruntime refuses it ("Type parameter (T) of Optype (Mul) bound to different types
  (tensor(int64) and tensor(float) in node (node_mul_6)"): the exporter's, in the
  position-embedding code (an int64 operand of a float Mul).  dscost says so ("its inputs have different element types
  (float32, int64): a type error, the graph cannot run") and lists the 7 nodes after it; not silent.
  Since 2026-12-06 the Mul's output has the shape onnx's inference gives it with its inputs of one
  type (round 40's Clip), so only the Mul is listed and the 6 after it count: MACs equal.
  Its TorchScript file is -1 param: the learned one-element ``gamma``, the stated file convention.
- Params in dynamo files, the exporter's rewrites (each equal to the module's BatchNorm, norm,
  layer-scale or zero-bias parameters the file does not hold, less the merged copies it keeps):
  BatchNorms folded into convs (darts_v2 -6,112 of 6,304: the two FactorizedReduce BNs after a
  Concat stay; nasbench201 -4,896, the head BN stays; the pytorchcv, ofa sub-network, nni DARTS /
  NasBench201 / random ProxylessNAS, RepLKNet and HRNet rows exactly their BN parameters, e.g.
  pcv_fbnet_cb -44,368; MobileOne -87,328 of 88,192, its identity-branch BNs on no conv stay), zero
  biases dropped (MnasNet-A1's SE convs 4,238; nni's classifiers 1,000; mmcv's zero-initialised
  convs), fresh LayerNorms / GroupNorms and layer scales initialised equal (a constant x ones) merged,
  one kept per size (PoolFormer / RIFormer -17,920, VAN -10,112, HorNet -33,152, XCiT -33,212 with
  its 12 equal temperatures, EdgeNeXt -5,688, DaViT -17,856, T2T-ViT -21,632, Conformer -39,840),
  ContextBlock's two zero-initialised (32, 8) convs merged (-256); nni SPOS keeps 1,840 folded
  non-zero BN biases.  The note names the parameters the file does not hold.
- Cached attention biases: mmpretrain's EfficientFormer (-392), LeViT (-5,314) and TinyViT
  (-1,332) compute ``attention_biases[:, idxs]`` once in ``train(False)`` and read that tensor, so
  the trace holds it as a constant; dscost names the parameters "in no graph" (module, both files).
- No dynamo file for nni_autoformer_tiny: torch.export fails in nni's frozen module ("'ClassToken'
  object has no attribute 'trace_args'"); its module and TorchScript file are equal.  No
  TorchScript file for the two OFA supernets (above).
- T2T-ViT's TorchScript file +14,208: its fixed sinusoid ``pos_embed`` (1 x 37 x 384) buffer, a
  constant in a weight position -- the stated TorchScript-file convention (the dynamo file marks it
  a buffer).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r39/zoo")


def _nn():
    import torch
    from torch import nn
    from torch.nn import functional as F

    return torch, nn, F


# ---------------------------------------------------------------- DARTS (Liu et al. 2019), from the paper's code
PRIMITIVES = ["none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"]

# The genotype DARTS found on CIFAR-10 (second order), as published.
DARTS_V2 = {
    "normal": [("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 1), ("skip_connect", 0),
               ("skip_connect", 0), ("dil_conv_3x3", 2)],
    "normal_concat": [2, 3, 4, 5],
    "reduce": [("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 1), ("max_pool_3x3", 0), ("skip_connect", 2),
               ("skip_connect", 2), ("max_pool_3x3", 1)],
    "reduce_concat": [2, 3, 4, 5],
}  # fmt: skip


def _darts_ops():
    """The DARTS operations (darts/cnn/operations.py): ReLU-conv-BN, dilated and separable convs
    (depthwise then pointwise), FactorizedReduce (two stride-2 1x1 convs, the second on the map
    shifted by one pixel), Zero (``x.mul(0.)``, strided when reducing), the two pools."""
    torch, nn, F = _nn()

    class ReLUConvBN(nn.Sequential):
        def __init__(self, cin, cout, k, stride, pad, affine=True):
            super().__init__(nn.ReLU(), nn.Conv2d(cin, cout, k, stride, pad, bias=False), nn.BatchNorm2d(cout, affine=affine))

    class DilConv(nn.Sequential):
        def __init__(self, cin, cout, k, stride, pad, dil, affine=True):
            super().__init__(nn.ReLU(), nn.Conv2d(cin, cin, k, stride, pad, dilation=dil, groups=cin, bias=False),
                             nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout, affine=affine))  # fmt: skip

    class SepConv(nn.Sequential):
        def __init__(self, cin, cout, k, stride, pad, affine=True):
            super().__init__(DilConv(cin, cin, k, stride, pad, 1, affine), DilConv(cin, cout, k, 1, pad, 1, affine))

    class Zero(nn.Module):
        def __init__(self, stride):
            super().__init__()
            self.stride = stride

        def forward(self, x):
            return x.mul(0.0) if self.stride == 1 else x[:, :, :: self.stride, :: self.stride].mul(0.0)

    class FactorizedReduce(nn.Module):
        def __init__(self, cin, cout, affine=True):
            super().__init__()
            self.relu = nn.ReLU()
            self.c1 = nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
            self.c2 = nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
            self.bn = nn.BatchNorm2d(cout, affine=affine)

        def forward(self, x):
            x = self.relu(x)
            return self.bn(torch.cat([self.c1(x), self.c2(x[:, :, 1:, 1:])], 1))

    ops = {
        "none": lambda C, s, a: Zero(s),
        "avg_pool_3x3": lambda C, s, a: nn.AvgPool2d(3, s, 1, count_include_pad=False),
        "max_pool_3x3": lambda C, s, a: nn.MaxPool2d(3, s, 1),
        "skip_connect": lambda C, s, a: nn.Identity() if s == 1 else FactorizedReduce(C, C, a),
        "sep_conv_3x3": lambda C, s, a: SepConv(C, C, 3, s, 1, a),
        "sep_conv_5x5": lambda C, s, a: SepConv(C, C, 5, s, 2, a),
        "dil_conv_3x3": lambda C, s, a: DilConv(C, C, 3, s, 2, 2, a),
        "dil_conv_5x5": lambda C, s, a: DilConv(C, C, 5, s, 4, 2, a),
    }
    return ops, ReLUConvBN, FactorizedReduce


def darts_search(partial: int = 1, C: int = 8, layers: int = 5, classes: int = 10):
    """The DARTS search network (model_search.py): every edge a MixedOp, the weighted sum of all 8
    primitives by ``softmax`` of the architecture parameters (alphas: here nn.Parameters, so torch
    counts them; pools followed by a non-affine BN), 4 steps of 2-5 edges a cell, the last 4
    states concatenated; C 8, 5 cells (reductions at 1 and 3), 32 x 32.  ``partial`` k > 1:
    PC-DARTS (Xu et al. 2020): each edge runs the ops on C/k of the channels, concatenates the
    rest (max-pooled when reducing) and shuffles channels in k groups; the edges into a node are
    weighted by a second softmax (edge normalisation, betas)."""
    torch, nn, F = _nn()
    OPS, ReLUConvBN, FactorizedReduce = _darts_ops()
    k = partial

    def channel_shuffle(x, groups):
        b, c, h, w = x.shape
        return x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous().view(b, c, h, w)

    class MixedOp(nn.Module):
        def __init__(self, C, stride):
            super().__init__()
            self.stride = stride
            self.ops = nn.ModuleList()
            for p in PRIMITIVES:
                op = OPS[p](C // k, stride, False)
                if "pool" in p:
                    op = nn.Sequential(op, nn.BatchNorm2d(C // k, affine=False))
                self.ops.append(op)
            self.mp = nn.MaxPool2d(2, 2)

        def forward(self, x, weights):
            if k == 1:
                return sum(w * op(x) for w, op in zip(weights, self.ops))
            c = x.shape[1] // k
            xa, xb = x[:, :c], x[:, c:]
            t = sum(w * op(xa) for w, op in zip(weights, self.ops))
            ans = torch.cat([t, xb if self.stride == 1 else self.mp(xb)], 1)
            return channel_shuffle(ans, k)

    class Cell(nn.Module):
        def __init__(self, steps, mult, cpp, cp, C, reduction, reduction_prev):
            super().__init__()
            self.reduction, self.steps, self.mult = reduction, steps, mult
            self.pre0 = FactorizedReduce(cpp, C, False) if reduction_prev else ReLUConvBN(cpp, C, 1, 1, 0, False)
            self.pre1 = ReLUConvBN(cp, C, 1, 1, 0, False)
            self.ops = nn.ModuleList([MixedOp(C, 2 if reduction and j < 2 else 1) for i in range(steps) for j in range(2 + i)])

        def forward(self, s0, s1, weights, weights2):
            states = [self.pre0(s0), self.pre1(s1)]
            off = 0
            for i in range(self.steps):
                if weights2 is None:
                    s = sum(self.ops[off + j](h, weights[off + j]) for j, h in enumerate(states))
                else:
                    s = sum(weights2[off + j] * self.ops[off + j](h, weights[off + j]) for j, h in enumerate(states))
                off += len(states)
                states.append(s)
            return torch.cat(states[-self.mult :], 1)

    class Network(nn.Module):
        def __init__(self, steps=4, mult=4, stem_mult=3):
            super().__init__()
            self.steps = steps
            cc = stem_mult * C
            self.stem = nn.Sequential(nn.Conv2d(3, cc, 3, padding=1, bias=False), nn.BatchNorm2d(cc))
            cpp, cp, cc = cc, cc, C
            self.cells = nn.ModuleList()
            rp = False
            for i in range(layers):
                red = i in (layers // 3, 2 * layers // 3)
                if red:
                    cc *= 2
                self.cells.append(Cell(steps, mult, cpp, cp, cc, red, rp))
                rp = red
                cpp, cp = cp, mult * cc
            self.gap = nn.AdaptiveAvgPool2d(1)
            self.classifier = nn.Linear(cp, classes)
            n = sum(2 + i for i in range(steps))
            self.alphas_normal = nn.Parameter(1e-3 * torch.randn(n, len(PRIMITIVES)))
            self.alphas_reduce = nn.Parameter(1e-3 * torch.randn(n, len(PRIMITIVES)))
            if k > 1:
                self.betas_normal = nn.Parameter(1e-3 * torch.randn(n))
                self.betas_reduce = nn.Parameter(1e-3 * torch.randn(n))

        def edge_weights(self, betas):
            # PC-DARTS: softmax over the edges into each node, node by node
            out, start = [], 0
            for i in range(self.steps):
                out.append(F.softmax(betas[start : start + 2 + i], -1))
                start += 2 + i
            return torch.cat(out)

        def forward(self, x):
            s0 = s1 = self.stem(x)
            for cell in self.cells:
                w = F.softmax(self.alphas_reduce if cell.reduction else self.alphas_normal, -1)
                w2 = self.edge_weights(self.betas_reduce if cell.reduction else self.betas_normal) if k > 1 else None
                s0, s1 = s1, cell(s0, s1, w, w2)
            return self.classifier(self.gap(s1).flatten(1))

    return Network()


def darts_eval(genotype=None, C: int = 16, layers: int = 8, classes: int = 10):
    """The network DARTS trains from a derived genotype (model.py NetworkCIFAR), DARTS_V2 by
    default: 2 ops a node picked by the genotype, summed; reduction cells of max pools and
    FactorizedReduce skips; C 16, 8 cells, 32 x 32, eval (no drop path, no auxiliary head)."""
    torch, nn, F = _nn()
    OPS, ReLUConvBN, FactorizedReduce = _darts_ops()
    g = genotype or DARTS_V2

    class Cell(nn.Module):
        def __init__(self, cpp, cp, C, reduction, reduction_prev):
            super().__init__()
            self.pre0 = FactorizedReduce(cpp, C) if reduction_prev else ReLUConvBN(cpp, C, 1, 1, 0)
            self.pre1 = ReLUConvBN(cp, C, 1, 1, 0)
            ops = g["reduce"] if reduction else g["normal"]
            self.concat = g["reduce_concat"] if reduction else g["normal_concat"]
            self.steps = len(ops) // 2
            self.idx = [i for _, i in ops]
            self.ops = nn.ModuleList([OPS[name](C, 2 if reduction and i < 2 else 1, True) for name, i in ops])

        def forward(self, s0, s1):
            states = [self.pre0(s0), self.pre1(s1)]
            for i in range(self.steps):
                states.append(self.ops[2 * i](states[self.idx[2 * i]]) + self.ops[2 * i + 1](states[self.idx[2 * i + 1]]))
            return torch.cat([states[i] for i in self.concat], 1)

    class NetworkCIFAR(nn.Module):
        def __init__(self):
            super().__init__()
            cc = 3 * C
            self.stem = nn.Sequential(nn.Conv2d(3, cc, 3, padding=1, bias=False), nn.BatchNorm2d(cc))
            cpp, cp, cc = cc, cc, C
            self.cells = nn.ModuleList()
            rp = False
            for i in range(layers):
                red = i in (layers // 3, 2 * layers // 3)
                if red:
                    cc *= 2
                cell = Cell(cpp, cp, cc, red, rp)
                self.cells.append(cell)
                rp = red
                cpp, cp = cp, len(cell.concat) * cc
            self.gap = nn.AdaptiveAvgPool2d(1)
            self.classifier = nn.Linear(cp, classes)

        def forward(self, x):
            s0 = s1 = self.stem(x)
            for cell in self.cells:
                s0, s1 = s1, cell(s0, s1)
            return self.classifier(self.gap(s1).flatten(1))

    return NetworkCIFAR()


def nasbench201(arch: str = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|", C: int = 16, N: int = 5):
    """A NAS-Bench-201 / NATS topology network (Dong & Yang 2020) from an arch string (the best
    CIFAR-10 cell of the benchmark by default): stem conv, 3 stages of N cells (4 nodes, each the
    sum of ops on earlier nodes: none, skip, ReLU-conv(1x1/3x3)-BN, avg pool), residual reduction
    blocks between stages, BN-ReLU, GAP, Linear; C 16, N 5, 32 x 32."""
    torch, nn, F = _nn()

    def relu_conv_bn(cin, cout, k, s, p):
        return nn.Sequential(nn.ReLU(), nn.Conv2d(cin, cout, k, s, p, bias=False), nn.BatchNorm2d(cout))

    ops = {
        "none": lambda C: None,
        "skip_connect": lambda C: nn.Identity(),
        "nor_conv_1x1": lambda C: relu_conv_bn(C, C, 1, 1, 0),
        "nor_conv_3x3": lambda C: relu_conv_bn(C, C, 3, 1, 1),
        "avg_pool_3x3": lambda C: nn.AvgPool2d(3, 1, 1, count_include_pad=False),
    }
    nodes = [[(t.split("~")[0], int(t.split("~")[1])) for t in n.strip("|").split("|")] for n in arch.split("+")]

    class InferCell(nn.Module):
        def __init__(self, C):
            super().__init__()
            self.edges = nn.ModuleList()
            self.plan = []
            for node in nodes:
                plan = []
                for name, j in node:
                    m = ops[name](C)
                    if m is not None:
                        plan.append((len(self.edges), j))
                        self.edges.append(m)
                self.plan.append(plan)

        def forward(self, x):
            states = [x]
            for plan in self.plan:
                states.append(sum(self.edges[e](states[j]) for e, j in plan) if plan else states[0] * 0.0)
            return states[-1]

    class ResBlock(nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.a = relu_conv_bn(cin, cout, 3, 2, 1)
            self.b = relu_conv_bn(cout, cout, 3, 1, 1)
            self.down = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(cin, cout, 1, bias=False))

        def forward(self, x):
            return self.down(x) + self.b(self.a(x))

    class TinyNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, C, 3, padding=1, bias=False), nn.BatchNorm2d(C))
            cells, c = [], C
            for stage in range(3):
                if stage:
                    cells.append(ResBlock(c, 2 * c))
                    c *= 2
                cells += [InferCell(c) for _ in range(N)]
            self.cells = nn.Sequential(*cells)
            self.head = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU())
            self.classifier = nn.Linear(c, 10)

        def forward(self, x):
            return self.classifier(self.head(self.cells(self.stem(x))).mean((2, 3)))

    return TinyNetwork()


# ---------------------------------------------------------------- pytorchcv's NAS-found nets
def pcv(name: str):
    from pytorchcv.model_provider import get_model

    return get_model(name, pretrained=False)


# ---------------------------------------------------------------- Once-for-All (ofa)
def ofa_net(kind: str):
    """ofa's supernets with a fixed sub-network made active (``set_active_subnet``): "mbv3" the
    OFAMobileNetV3 (ks 3/5/7, expand 3/4/6, depth 2/3/4), "proxyless" OFAProxylessNASNets,
    "resnet" OFAResNets; "...-dyn" counts the supernet itself (its dynamic layers slice the
    largest weights at run time), "...-sub" the static net ``get_active_subnet()`` copies out."""
    import random

    base, mode = kind.split("-")
    if base == "mbv3":
        from ofa.imagenet_classification.elastic_nn.networks import OFAMobileNetV3

        net = OFAMobileNetV3(n_classes=100, dropout_rate=0, width_mult=1.0, ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4])
        cfg = dict(ks=[random.Random(i).choice([3, 5, 7]) for i in range(20)], e=[[3, 4, 6][i % 3] for i in range(20)], d=[2, 3, 4, 3, 2])
    elif base == "proxyless":
        from ofa.imagenet_classification.elastic_nn.networks import OFAProxylessNASNets

        net = OFAProxylessNASNets(n_classes=100, dropout_rate=0, width_mult=1.0, ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4])
        cfg = dict(ks=[random.Random(i).choice([3, 5, 7]) for i in range(21)], e=[[3, 4, 6][i % 3] for i in range(21)], d=[2, 3, 4, 3, 2, 3])
    else:
        from ofa.imagenet_classification.elastic_nn.networks import OFAResNets

        net = OFAResNets(n_classes=100, dropout_rate=0, depth_list=[0, 1, 2], expand_ratio_list=[0.2, 0.25, 0.35], width_mult_list=[0.65, 0.8, 1.0])
        cfg = dict(d=[1, 0, 2, 1, 2], e=[[0.2, 0.25, 0.35][i % 3] for i in range(18)], w=[1, 2, 0, 1, 2, 1])
    net.set_active_subnet(**cfg)
    return net if mode == "dyn" else net.get_active_subnet(preserve_weight=True)


# ---------------------------------------------------------------- nni's NAS spaces
def nni_model(space: str, searched: str | None):
    """A fixed network of nni 3.0's NAS hub: ``load_searched_model(name, pretrained=False)`` (a
    published architecture, random weights) or, with ``searched`` None, ``space.random()`` with
    numpy seed 0 (a frozen random sample of the space)."""
    import numpy as np
    from nni.nas.hub import pytorch as hub

    cls = getattr(hub, space)
    if searched:
        return cls.load_searched_model(searched, pretrained=False)
    return cls().random(random_state=np.random.RandomState(0))


# ---------------------------------------------------------------- OpenMMLab
def mmpre(backbone: dict, neck: dict | None, head: dict | None):
    """An mmpretrain ImageClassifier built from a config dict; ``forward(inputs)`` in its default
    mode "tensor" returns the head's logits (or the neck's features without a head)."""
    from mmpretrain.models import build_classifier  # noqa: F401  (registers the models)
    from mmpretrain.registry import MODELS

    cfg = dict(type="ImageClassifier", backbone=backbone)
    if neck:
        cfg["neck"] = neck
    if head:
        cfg["head"] = head
    return MODELS.build(cfg)


def _cls_head(c, n=100):
    return dict(type="LinearClsHead", num_classes=n, in_channels=c)


def mmcv_bricks(kind: str):
    """mmcv's attention bricks on a small conv stem: "nonlocal" NonLocal2d (embedded gaussian,
    sub-sampled), "context" ContextBlock (GCNet, channel_add and channel_mul), "genattn"
    GeneralizedAttention (attention_type '1111': query-key, query-position, key and position
    terms, no spatial range: mmcv sizes its local mask only for 256 or 512 channels); 1 x 3 x 32 x 32."""
    torch, nn, F = _nn()
    from mmcv.cnn import ContextBlock, ConvModule, GeneralizedAttention, NonLocal2d

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = ConvModule(3, 32, 3, padding=1, norm_cfg=dict(type="BN"))
            if kind == "nonlocal":
                self.att = NonLocal2d(32, reduction=2, mode="embedded_gaussian", sub_sample=True, use_scale=True)
            elif kind == "context":
                self.att = ContextBlock(32, 0.25, pooling_type="att", fusion_types=("channel_add", "channel_mul"))
            else:
                self.att = GeneralizedAttention(32, spatial_range=-1, num_heads=4, attention_type="1111", kv_stride=2, q_stride=1)
            self.out = ConvModule(32, 16, 3, padding=1, norm_cfg=dict(type="GN", num_groups=4), act_cfg=dict(type="Swish"))

        def forward(self, x):
            return self.out(self.att(self.stem(x)))

    return Net()


def _img(s, b=1):
    return [("input", (b, 3, s, s), "float32")]


def _entries() -> dict:
    gap = dict(type="GlobalAveragePooling")
    E = {
        # NAS networks written from the papers (pure torch)
        "darts_search": (darts_search, _img(32), "DARTS search net: MixedOps of 8 primitives weighted by softmax(alphas), C 8, 5 cells"),
        "pc_darts_search": (lambda: darts_search(partial=4), _img(32), "PC-DARTS: partial channels (1/4), channel shuffle, edge-normalisation betas"),
        "darts_v2_cifar": (darts_eval, _img(32), "DARTS_V2 genotype, NetworkCIFAR C 16, 8 cells"),
        "nasbench201_best": (nasbench201, _img(32), "NAS-Bench-201 TinyNetwork, the best CIFAR-10 cell, C 16, N 5"),
        # pytorchcv's NAS-found nets
        "pcv_darts": (lambda: pcv("darts"), _img(224), "pytorchcv DARTS (ImageNet genotype, 224)"),
        "pcv_nasnet_4a1056": (lambda: pcv("nasnet_4a1056"), _img(224), "pytorchcv NASNet-A mobile 4@1056, 224"),
        "pcv_proxylessnas_mobile": (lambda: pcv("proxylessnas_mobile"), _img(224), "pytorchcv ProxylessNAS mobile, 224"),
        "pcv_fbnet_cb": (lambda: pcv("fbnet_cb"), _img(224), "pytorchcv FBNet-C, 224"),
        "pcv_mnasnet_a1": (lambda: pcv("mnasnet_a1"), _img(224), "pytorchcv MnasNet-A1 (SE), 224"),
        "pcv_spnasnet": (lambda: pcv("spnasnet"), _img(224), "pytorchcv Single-Path NAS, 224"),
        # Once-for-All
        "ofa_mbv3_sub": (lambda: ofa_net("mbv3-sub"), _img(128), "ofa OFAMobileNetV3 sub-network copied out, 128"),
        "ofa_mbv3_dyn": (lambda: ofa_net("mbv3-dyn"), _img(128), "ofa OFAMobileNetV3 supernet, active subnet (weights sliced at run time), 128"),
        "ofa_proxyless_sub": (lambda: ofa_net("proxyless-sub"), _img(128), "ofa OFAProxylessNASNets sub-network, 128"),
        "ofa_proxyless_dyn": (lambda: ofa_net("proxyless-dyn"), _img(128), "ofa OFAProxylessNASNets supernet, active subnet, 128"),
        "ofa_resnet_sub": (lambda: ofa_net("resnet-sub"), _img(128), "ofa OFAResNets sub-network, 128"),
        "ofa_resnet_dyn": (lambda: ofa_net("resnet-dyn"), _img(128), "ofa OFAResNets supernet, active subnet, 128"),
        # nni 3.0's NAS hub
        "nni_proxylessnas_acenas_m1": (lambda: nni_model("ProxylessNAS", "acenas-m1"), _img(128), "nni ProxylessNAS space, AceNAS-M1 searched, 128"),
        "nni_proxylessnas_random": (lambda: nni_model("ProxylessNAS", None), _img(128), "nni ProxylessNAS space, a random frozen sample, 128"),
        "nni_mobilenetv3_large": (lambda: nni_model("MobileNetV3Space", "mobilenetv3-large-100"), _img(128), "nni MobileNetV3Space, MobileNetV3-large-100, 128"),
        "nni_spos_shufflenet": (lambda: nni_model("ShuffleNetSpace", "spos"), _img(128), "nni ShuffleNetSpace (SPOS searched: ShuffleNet / Xception blocks), 128"),
        "nni_darts_v2": (lambda: nni_model("DARTS", "darts-v2"), _img(32), "nni DARTS space (C 36, 20 cells), DARTS-V2 cells, 32"),
        "nni_nasbench201_random": (lambda: nni_model("NasBench201", None), _img(32), "nni NasBench201 space, a random frozen cell, 32"),
        "nni_autoformer_tiny": (lambda: nni_model("AutoFormer", "autoformer-tiny"), _img(224), "nni AutoFormer-tiny searched ViT (elastic dims frozen), 224"),
        # mmcv bricks
        "mmcv_nonlocal": (lambda: mmcv_bricks("nonlocal"), _img(32), "mmcv NonLocal2d embedded gaussian, sub-sampled"),
        "mmcv_context_block": (lambda: mmcv_bricks("context"), _img(32), "mmcv ContextBlock (GCNet) add + mul"),
        "mmcv_generalized_attention": (lambda: mmcv_bricks("genattn"), _img(32), "mmcv GeneralizedAttention '1111', kv stride 2"),
        # mmpretrain backbones in ImageClassifiers
        "mmpre_replknet": (lambda: mmpre(dict(type="RepLKNet", arch="31B", small_kernel_merged=False), gap, _cls_head(1024)), _img(64), "mmpretrain RepLKNet-31B (31x31 kernels), 64"),
        "mmpre_van_b0": (lambda: mmpre(dict(type="VAN", arch="tiny"), gap, _cls_head(256)), _img(96), "mmpretrain VAN-tiny (large-kernel attention), 96"),
        "mmpre_poolformer_s12": (lambda: mmpre(dict(type="PoolFormer", arch="s12"), gap, _cls_head(512)), _img(96), "mmpretrain PoolFormer-S12, 96"),
        "mmpre_efficientformer_l1": (lambda: mmpre(dict(type="EfficientFormer", arch="l1", drop_path_rate=0, reshape_last_feat=False),
                                                    dict(type="GlobalAveragePooling", dim=1), dict(type="EfficientFormerClsHead", num_classes=100, in_channels=448, distillation=True)),
                                      _img(224), "mmpretrain EfficientFormer-L1 (Meta4D + Meta3D, distillation head), 224"),  # fmt: skip
        "mmpre_mobileone_s0": (lambda: mmpre(dict(type="MobileOne", arch="s0"), gap, _cls_head(1024)), _img(96), "mmpretrain MobileOne-S0 unfused branches, 96"),
        "mmpre_levit_128s": (lambda: mmpre(dict(type="LeViT", arch="128s", img_size=224, patch_size=16, drop_path_rate=0, attn_ratio=2, mlp_ratio=2, out_indices=(2,)), gap,
                                            dict(type="LeViTClsHead", num_classes=100, in_channels=384, distillation=True)), _img(224),
                              "mmpretrain LeViT-128S (attention biases, distillation head), 224"),  # fmt: skip
        "mmpre_edgenext_xs": (lambda: mmpre(dict(type="EdgeNeXt", arch="xsmall", gap_before_final_norm=True), None,
                                             dict(type="LinearClsHead", num_classes=100, in_channels=192)), _img(96), "mmpretrain EdgeNeXt-XS (SDTA, split depthwise), 96"),  # fmt: skip
        "mmpre_conformer_tiny": (lambda: mmpre(dict(type="Conformer", arch="tiny", patch_size=16, base_channels=64),
                                                None, dict(type="ConformerHead", num_classes=100, in_channels=[256, 384])), _img(96),
                                  "mmpretrain Conformer-Ti (CNN + ViT branches, feature coupling), 96"),  # fmt: skip
        "mmpre_t2t_vit_t14": (lambda: mmpre(dict(type="T2T_ViT", img_size=96, embed_dims=384, num_layers=14), None,
                                             dict(type="VisionTransformerClsHead", num_classes=100, in_channels=384)), _img(96), "mmpretrain T2T-ViT-14 (nn.Unfold tokens-to-token), 96"),  # fmt: skip
        "mmpre_tinyvit_5m": (lambda: mmpre(dict(type="TinyViT", arch="5m", img_size=(96, 96), window_size=[3, 3, 6, 3], out_indices=(3,), drop_path_rate=0,
                                                 gap_before_final_norm=True), None, _cls_head(320)), _img(96), "mmpretrain TinyViT-5M, 96"),  # fmt: skip
        "mmpre_hornet_tiny": (lambda: mmpre(dict(type="HorNet", arch="tiny", drop_path_rate=0), None, _cls_head(512)), _img(64), "mmpretrain HorNet-T (gnconv, recursive gating), 64"),
        "mmpre_davit_t": (lambda: mmpre(dict(type="DaViT", arch="t", pad_small_map=True), gap, _cls_head(768)), _img(128), "mmpretrain DaViT-T (spatial + channel attention), 128, last stage padded to its 7 x 7 window"),
        "mmpre_hrnet_w18": (lambda: mmpre(dict(type="HRNet", arch="w18"), [dict(type="HRFuseScales", in_channels=(18, 36, 72, 144)), gap], _cls_head(2048)), _img(64),
                             "mmpretrain HRNet-W18 + HRFuseScales, 64"),  # fmt: skip
        "mmpre_riformer_s12": (lambda: mmpre(dict(type="RIFormer", arch="s12"), gap, _cls_head(512)), _img(96), "mmpretrain RIFormer-S12, 96"),
        "mmpre_xcit_t12": (lambda: mmpre(dict(type="XCiT", patch_size=16, embed_dims=192, depth=12, num_heads=4, mlp_ratio=4, img_size=96, tokens_norm=True,
                                             out_type="cls_token"), None, dict(type="LinearClsHead", num_classes=100, in_channels=192)), _img(96),
                           "mmpretrain XCiT-T12 (cross-covariance attention, Fourier position encoding), 96"),  # fmt: skip
        "mmpre_mobilevit_xs": (lambda: mmpre(dict(type="MobileViT", arch="x_small"), gap, _cls_head(384)), _img(96), "mmpretrain MobileViT-XS, 96"),
    }
    heavy = ["pcv_darts", "pcv_nasnet_4a1056", "ofa_resnet_sub", "ofa_resnet_dyn", "mmpre_replknet", "mmpre_conformer_tiny", "mmpre_t2t_vit_t14",
             "mmpre_davit_t", "mmpre_hrnet_w18", "nni_darts_v2", "nni_autoformer_tiny"]  # run last: the slowest exports
    return {k: v for k, v in E.items() if k not in heavy} | {k: E[k] for k in heavy}


def failures(rows: list[dict]) -> list[str]:
    """Why this round exits 1: a MACs difference, a dscost failure (not an exporter's) or an uncounted op."""
    out = []
    for r in rows:
        tm = r.get("torch_macs")
        if "error" in r:
            out.append(f"{r['name']}: child: {r['error']}")
            continue
        for k in ("module", "ts", "dynamo"):
            d = r.get(k, {})
            if "error" in d:
                if not str(d["error"]).startswith("export failed"):
                    out.append(f"{r['name']} {k}: {d['error']}")
            elif tm is not None and d.get("macs") != tm:
                out.append(f"{r['name']} {k}: MACs {d.get('macs'):,} vs torch {tm:,}")
            elif d.get("uncounted"):
                out.append(f"{r['name']} {k}: {d['uncounted']} uncounted")
    return out


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--one" in argv:
        return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)
    tmp = None
    if "--json" not in argv:
        tmp = tempfile.NamedTemporaryFile(suffix=".json", delete=False)
        tmp.close()
        Path(tmp.name).unlink()
        argv += ["--json", tmp.name]
    S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)
    path = Path(argv[argv.index("--json") + 1])
    only = set(argv[argv.index("--only") + 1].split(",")) if "--only" in argv else set(_entries())
    rows = [r for r in json.loads(path.read_text()) if r["name"] in only] if path.exists() else []
    if tmp:
        path.unlink(missing_ok=True)
    bad = failures(rows)
    for b in bad:
        print("FAIL " + b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
