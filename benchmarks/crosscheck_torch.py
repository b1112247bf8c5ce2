"""Zoo cross-check: dscost's ONNX counts against PyTorch's own FLOP counter.

Builds 43 architectures (torchvision, timm, and some written here: a text
transformer with nn.Embedding, the same with a tied output head, an LSTM, a
bidirectional GRU, a U-Net with transposed convs, plus the hand-written
MobileNetV2 / ResNet-style / mixed-op models this script started with), all
with random weights (``pretrained=False``; no network needed).  For each model:

1. torch reference: MACs = FLOPs / 2 from ``torch.utils.flop_counter.FlopCounterMode``
   (see BY_FORMULA for the CPU ops it counts as 0), params = sum(p.numel() for p in
   model.parameters()) (BatchNorm gamma/beta are params; running mean/var are
   buffers, not counted);
2. ``torch.onnx.export`` at a fixed input shape into ``OUT/<name>.onnx``
   (default OUT = /work/zoo; never into the repository);
3. ``python -m dscost analyze OUT/<name>.onnx -f json -q``: ``totals.macs``,
   ``totals.params`` (= weights + biases + norm_params) and the ``uncounted`` rows.

It prints one table, then for each model that differs the uncounted rows by op
and reason and the weights that reach arithmetic only through data-movement ops
(Transpose, Gather, Expand, Reshape, Unsqueeze...), and writes
OUT/reference.json (name, ONNX path, input shapes, torch MACs and params) so
dscost can be re-checked on the files without torch:

    python benchmarks/crosscheck_torch.py --from-reference /work/zoo/reference.json   # imports no torch

Export settings (EXPORT_SETTINGS): ``dynamo=False`` (TorchScript exporter),
``opset_version=17``, ``training=TrainingMode.PRESERVE``, ``do_constant_folding=False``.
What keeps BatchNorm a node of its own (torch 2.14.1, resnet18, 20 BN):
  EVAL + folding on (torch's default)  -> BN fused into the conv (0 BN nodes, conv biases instead of gamma/beta)
  EVAL + folding off                   -> 20 BN nodes
  PRESERVE + folding off or on         -> 20 BN nodes (the BN fusion pass runs only for EVAL)
  TRAINING                             -> 20 BN nodes, but BN in training mode and Dropout live: not an inference graph
PRESERVE exports the module's own (eval) mode.  Folding off keeps every
computation the model does at run time in the graph: TF "SAME" pads and Swin
window shapes computed from Shape, and every nn.Linear applied to a 3-D input
as Transpose(weight) -> MatMul.  ``--constant-folding`` exports with folding on
instead (BN still unfolded under PRESERVE): torch then pre-transposes those
weights into new initializers and folds float Resize scales, but the Shape-based
pad and window computations remain, and a shared weight used by two folded
Transposes becomes an initializer plus an Identity copy (counted twice by
dscost, which takes Identity copies as distinct params).  Run both to see
which differences depend on the exporter's folding.

torch is never a runtime dependency of dscost; it lives in its own venv:

    python3.11 -m venv /work/torchvenv
    /work/torchvenv/bin/pip install torch==2.14.1 torchvision==0.29.1   # x86_64: from this machine's disk
    /work/torchvenv/bin/pip install timm onnx onnxruntime numpy
    /work/torchvenv/bin/pip install -e .          # dscost itself, editable, from the repository root
    /work/torchvenv/bin/python benchmarks/crosscheck_torch.py            # whole zoo: ~3.5 min on 2 cores, ~4 GB in /work/zoo
    /work/torchvenv/bin/python benchmarks/crosscheck_torch.py --only resnet18,vit_tiny_patch16_224 --out /tmp/zoo
    /work/torchvenv/bin/python benchmarks/crosscheck_torch.py --skip-big  # leave out vgg11, vit_base, vit_b_16_tv
    /work/torchvenv/bin/python benchmarks/crosscheck_torch.py --constant-folding --out /work/zoo/folded
    /work/torchvenv/bin/python benchmarks/crosscheck_torch.py --blind      # 75 more (BLIND_*): ~40 min, into /work/zoo/blind
    /work/torchvenv/bin/python benchmarks/crosscheck_torch.py --third      # 48 more timm architectures (THIRD_TIMM): ~2 min, into /work/zoo/third
    /work/torchvenv/bin/python benchmarks/crosscheck_torch.py --fourth     # 48 more (FOURTH_TIMM): ~5 min, into /work/zoo/fourth
    /work/torchvenv/bin/python benchmarks/crosscheck_torch.py --timm rdnet_tiny,fastvit_mci0@320   # any timm models, into /work/zoo/timm
    /work/torchvenv/bin/python benchmarks/crosscheck_torch.py --tasks      # 7 detectors + RAFT: ~4 min, into /work/zoo/tasks
    /work/torchvenv/bin/python benchmarks/crosscheck_torch.py --domains    # speech + diffusion (pip install transformers diffusers): ~15 s

Checked with torch 2.14.1, torchvision 0.29.1, timm 1.0.31, onnx 1.23.2, onnxruntime 1.32.0.

Detectors (``--tasks``): their box decoding and NMS run on as many boxes as the data gives,
so those nodes' shapes are unknown and dscost lists them as uncounted (FlopCounterMode counts
that elementwise work, TopK and NMS as 0); an R-CNN's RoI heads run on however many proposals
the RPN keeps, so their FLOPs are left out of the torch reference (``macs_data_dependent``)
and dscost must list them as uncounted too.

Exit status: 0 when every model matches (MACs, params, no uncounted node but those a detector's
data-dependent shapes explain), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_OUT = Path("/work/zoo")
DSCOST_TIMEOUT_S = 600


@dataclass
class Entry:
    name: str
    source: str  # torchvision / timm / custom
    build: object  # () -> nn.Module
    inputs: list  # [(input name, shape, dtype)]; dtype "float32" or "int64"
    note: str = ""
    big: bool = False
    # Submodules whose work depends on the data (an R-CNN's RoI heads run on however many boxes
    # the RPN keeps): their FLOPs are left out of the torch reference, and dscost must list
    # their nodes as uncounted.  With post_process, uncounted nodes whose shapes depend on the
    # data (a detector's TopK/NMS decoding, which FlopCounterMode counts as 0) are expected.
    data_dependent: tuple = ()
    post_process: bool = False


IMG = [("input", (1, 3, 224, 224), "float32")]


# --------------------------------------------------------------------------
# The zoo (torch is imported here only)


def zoo() -> list[Entry]:
    import timm
    import torch
    import torchvision.models as tv
    import torchvision.models.segmentation as tvseg
    import torchvision.models.video as tvvideo
    from torch import nn
    from torch.nn import functional as F

    # -- the three models the original cross-check had --------------------
    def conv_bn(i, o, k=3, s=1, g=1, act=nn.ReLU6):
        return nn.Sequential(nn.Conv2d(i, o, k, s, (k - 1) // 2, groups=g, bias=False), nn.BatchNorm2d(o), act(inplace=True))

    class InvertedResidual(nn.Module):
        def __init__(self, i, o, stride, t):
            super().__init__()
            h = i * t
            layers = [conv_bn(i, h, 1)] if t != 1 else []
            layers += [conv_bn(h, h, 3, stride, h), nn.Conv2d(h, o, 1, bias=False), nn.BatchNorm2d(o)]
            self.body = nn.Sequential(*layers)
            self.skip = stride == 1 and i == o

        def forward(self, x):
            return x + self.body(x) if self.skip else self.body(x)

    class MobileNetV2(nn.Module):
        def __init__(self):
            super().__init__()
            layers, i = [conv_bn(3, 32, 3, 2)], 32
            for t, c, n, s in [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]:
                for k in range(n):
                    layers.append(InvertedResidual(i, c, s if k == 0 else 1, t))
                    i = c
            layers.append(conv_bn(i, 1280, 1))
            self.features = nn.Sequential(*layers)
            self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, 1000))

        def forward(self, x):
            x = F.adaptive_avg_pool2d(self.features(x), 1)
            return self.classifier(torch.flatten(x, 1))

    class BasicBlock(nn.Module):
        def __init__(self, i, o, stride):
            super().__init__()
            self.a = conv_bn(i, o, 3, stride, act=nn.ReLU)
            self.b = nn.Sequential(nn.Conv2d(o, o, 3, 1, 1, bias=False), nn.BatchNorm2d(o))
            self.proj = nn.Sequential(nn.Conv2d(i, o, 1, stride, bias=False), nn.BatchNorm2d(o)) if stride != 1 or i != o else nn.Identity()

        def forward(self, x):
            return torch.relu(self.b(self.a(x)) + self.proj(x))

    class ResNetish(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
            blocks, i = [], 64
            for o, s in [(64, 1), (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1)]:
                blocks.append(BasicBlock(i, o, s))
                i = o
            self.blocks = nn.Sequential(*blocks)
            self.fc = nn.Linear(512, 1000)

        def forward(self, x):
            x = self.blocks(self.stem(x))
            return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))

    class Mixed(nn.Module):
        """ConvTranspose / Conv3d / dilated Conv1d / LayerNorm / attention matmuls."""

        def __init__(self):
            super().__init__()
            self.up = nn.ConvTranspose2d(16, 32, 4, 2, 1, groups=4)
            self.vol = nn.Conv3d(3, 8, 3, stride=(1, 2, 2), padding=1)
            self.seq = nn.Conv1d(8, 16, 5, dilation=2)
            self.norm = nn.LayerNorm(64)
            self.q, self.k, self.out = nn.Linear(64, 64), nn.Linear(64, 64), nn.Linear(64, 128)

        def forward(self, a, b, c, d):
            h = self.norm(d)
            attn = torch.softmax(self.q(h) @ self.k(h).transpose(-1, -2), -1)
            return self.up(a), self.vol(b), self.seq(c), self.out(attn @ h)

    # -- sequence models ----------------------------------------------------
    class TextTransformer(nn.Module):
        """A small pre-norm encoder: token nn.Embedding (Gather in ONNX), learned position
        embedding (nn.Parameter added), fused q/k/v, F.scaled_dot_product_attention, MLP.
        tie=True: the output projection reuses the embedding table (GPT-style weight tying),
        one parameter consumed by a Gather and by a MatMul."""

        def __init__(self, vocab=1000, seq=64, d=128, heads=4, layers=2, tie=False):
            super().__init__()
            self.heads, self.tie = heads, tie
            self.tok = nn.Embedding(vocab, d)
            self.pos = nn.Parameter(torch.randn(1, seq, d) * 0.02)
            self.blocks = nn.ModuleList(
                nn.ModuleDict({"ln1": nn.LayerNorm(d), "qkv": nn.Linear(d, 3 * d), "proj": nn.Linear(d, d),
                               "ln2": nn.LayerNorm(d), "fc1": nn.Linear(d, 4 * d), "fc2": nn.Linear(4 * d, d)})
                for _ in range(layers))  # fmt: skip
            self.ln = nn.LayerNorm(d)
            self.head = None if tie else nn.Linear(d, vocab)

        def forward(self, ids):
            x = self.tok(ids) + self.pos
            b, n, d = x.shape
            for blk in self.blocks:
                q, k, v = blk["qkv"](blk["ln1"](x)).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
                a = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(b, n, d)
                x = x + blk["proj"](a)
                x = x + blk["fc2"](F.gelu(blk["fc1"](blk["ln2"](x))))
            x = self.ln(x)
            return F.linear(x, self.tok.weight) if self.tie else self.head(x)

    class LSTMNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.LSTM(64, 128, num_layers=2, batch_first=True)
            self.head = nn.Linear(128, 10)

        def forward(self, x):
            return self.head(self.rnn(x)[0][:, -1])

    class BiGRUNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.GRU(40, 96, bidirectional=True, batch_first=True)
            self.head = nn.Linear(192, 12)

        def forward(self, x):
            return self.head(self.rnn(x)[0])

    class TinyUNet(nn.Module):
        """Encoder-decoder with ConvTranspose2d upsampling and skip concatenation."""

        def __init__(self, c=(32, 64, 128)):
            super().__init__()

            def block(i, o):
                return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True),
                                     nn.Conv2d(o, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))  # fmt: skip

            self.e1, self.e2, self.e3 = block(3, c[0]), block(c[0], c[1]), block(c[1], c[2])
            self.u2, self.d2 = nn.ConvTranspose2d(c[2], c[1], 2, 2), block(2 * c[1], c[1])
            self.u1, self.d1 = nn.ConvTranspose2d(c[1], c[0], 2, 2), block(2 * c[0], c[0])
            self.out = nn.Conv2d(c[0], 2, 1)

        def forward(self, x):
            e1 = self.e1(x)
            e2 = self.e2(F.max_pool2d(e1, 2))
            e3 = self.e3(F.max_pool2d(e2, 2))
            d2 = self.d2(torch.cat([self.u2(e3), e2], 1))
            d1 = self.d1(torch.cat([self.u1(d2), e1], 1))
            return self.out(d1)

    def t(name, **kw):
        return lambda: timm.create_model(name, pretrained=False, **kw)

    E = Entry
    return [
        # torchvision classic CNNs
        E("resnet18", "torchvision", lambda: tv.resnet18(), IMG),
        E("resnet50", "torchvision", lambda: tv.resnet50(), IMG),
        E("vgg11", "torchvision", lambda: tv.vgg11(), IMG, big=True),
        E("alexnet", "torchvision", lambda: tv.alexnet(), IMG),
        E("squeezenet1_1", "torchvision", lambda: tv.squeezenet1_1(), IMG),
        E("densenet121", "torchvision", lambda: tv.densenet121(), IMG),
        E("googlenet", "torchvision", lambda: tv.googlenet(aux_logits=False, init_weights=True), IMG, "aux heads off (unused in eval)"),
        E("inception_v3", "torchvision", lambda: tv.inception_v3(aux_logits=False, init_weights=True), [("input", (1, 3, 299, 299), "float32")], "aux head off, 299x299"),
        E("regnet_y_400mf", "torchvision", lambda: tv.regnet_y_400mf(), IMG),
        E("convnext_tiny", "torchvision", lambda: tv.convnext_tiny(), IMG),
        E("efficientnet_b0", "torchvision", lambda: tv.efficientnet_b0(), IMG),
        E("mnasnet1_0", "torchvision", lambda: tv.mnasnet1_0(), IMG),
        E("shufflenet_v2_x1_0", "torchvision", lambda: tv.shufflenet_v2_x1_0(), IMG),
        E("mobilenet_v2", "torchvision", lambda: tv.mobilenet_v2(), IMG),
        E("mobilenet_v3_large", "torchvision", lambda: tv.mobilenet_v3_large(), IMG),
        E("vit_b_16_tv", "torchvision", lambda: tv.vit_b_16(), IMG, "nn.MultiheadAttention", big=True),
        E("swin_t_tv", "torchvision", lambda: tv.swin_t(), IMG),
        # video, segmentation
        E("r3d_18", "torchvision", lambda: tvvideo.r3d_18(), [("input", (1, 3, 16, 112, 112), "float32")], "3-D conv, 16x112x112 clip"),
        E("lraspp_mobilenet_v3_large", "torchvision", lambda: tvseg.lraspp_mobilenet_v3_large(weights_backbone=None), IMG, "bilinear Resize"),
        E("tiny_unet", "custom", TinyUNet, [("input", (1, 3, 128, 128), "float32")], "ConvTranspose2d + concat skips"),
        # mobile nets with TF "SAME" padding (pads computed at run time)
        E("tf_mobilenetv3_large_100", "timm", t("tf_mobilenetv3_large_100"), IMG, "TF SAME pad"),
        E("tf_efficientnet_b0", "timm", t("tf_efficientnet_b0"), IMG, "TF SAME pad"),
        E("mobilenetv4_conv_small", "timm", t("mobilenetv4_conv_small"), IMG),
        E("ghostnet_100", "timm", t("ghostnet_100"), IMG),
        # vision transformers
        E("vit_tiny_patch16_224", "timm", t("vit_tiny_patch16_224"), IMG, "class token via Expand"),
        E("vit_small_patch16_224", "timm", t("vit_small_patch16_224"), IMG),
        E("vit_base_patch16_224", "timm", t("vit_base_patch16_224"), IMG, big=True),
        E("deit_tiny_distilled_patch16_224", "timm", t("deit_tiny_distilled_patch16_224"), IMG, "class + distillation tokens"),
        E("swin_tiny_patch4_window7_224", "timm", t("swin_tiny_patch4_window7_224"), IMG, "window attention, bias table via Gather"),
        E("mobilevit_xs", "timm", t("mobilevit_xs"), [("input", (1, 3, 256, 256), "float32")], "256x256"),
        E("levit_128s", "timm", t("levit_128s"), IMG, "attention biases gathered by index"),
        E("efficientformer_l1", "timm", t("efficientformer_l1"), IMG, "attention biases gathered by index"),
        E("efficientformerv2_s0", "timm", t("efficientformerv2_s0"), IMG, "attention biases gathered by index"),
        E("tiny_vit_5m_224", "timm", t("tiny_vit_5m_224"), IMG, "attention biases gathered by index"),
        E("mixer_s16_224", "timm", t("mixer_s16_224"), IMG),
        E("poolformer_s12", "timm", t("poolformer_s12"), IMG),
        # sequence models and the original hand-written three
        E("text_transformer", "custom", TextTransformer, [("ids", (1, 64), "int64")], "nn.Embedding via Gather"),
        E("text_transformer_tied", "custom", lambda: TextTransformer(tie=True), [("ids", (1, 64), "int64")], "embedding table reused as the output projection"),
        E("lstm_2layer", "custom", LSTMNet, [("input", (1, 50, 64), "float32")]),
        E("bigru", "custom", BiGRUNet, [("input", (1, 100, 40), "float32")]),
        E("mobilenet_v2_handwritten", "custom", MobileNetV2, IMG),
        E("resnet18_like", "custom", ResNetish, IMG),
        E("mixed_ops", "custom", Mixed, [("a", (1, 16, 8, 8), "float32"), ("b", (1, 3, 8, 16, 16), "float32"),
                                         ("c", (2, 8, 50), "float32"), ("d", (2, 10, 64), "float32")]),
    ]


# The blind round: 75 architectures checked after dscost's rules were written from the zoo
# above (python benchmarks/crosscheck_torch.py --blind; ~40 min on 2 cores, ~6 GB).
BLIND_TIMM = {
    224: "beit_base_patch16_224 caformer_s18 cait_xxs24_224 coat_lite_tiny coat_tiny coatnet_nano_rw_224 convit_tiny "
         "convnextv2_atto cspresnet50 davit_tiny deit3_small_patch16_224 dla34 dpn68 efficientvit_b0 efficientvit_m0 "
         "ese_vovnet19b_dw focalnet_tiny_srf gcvit_xxtiny ghostnetv2_100 gmlp_s16_224 hgnetv2_b0 hiera_tiny_224 "
         "hrnet_w18_small inception_next_tiny lcnet_050 mambaout_femto mobilenetv4_hybrid_medium mobileone_s0 mvitv2_tiny "
         "nest_tiny nf_regnet_b0 nfnet_l0 pvt_v2_b0 regnetz_b16 repvgg_a0 repvit_m1 res2net50_14w_8s resmlp_12_224 "
         "resnest14d resnet26d rexnet_100 selecsls42b sequencer2d_s seresnext26d_32x4d skresnet18 starnet_s1 tresnet_m "
         "twins_svt_small vit_relpos_small_patch16_224 xcit_nano_12_p16_224",
    256: "botnet26t_256 edgenext_xx_small fastvit_sa12 fastvit_t8 gcresnet33ts lambda_resnet26t maxvit_nano_rw_256 "
         "mobilevitv2_050 swinv2_tiny_window8_256",
    240: "crossvit_tiny_240",
    192: "tinynet_a",
}  # fmt: skip
# timm's fused attention calls scaled_dot_product_attention in a form the TorchScript exporter refuses
BLIND_UNFUSED = ("eva02_tiny_patch14_224", "vit_small_patch16_rope_224")
BLIND_TORCHVISION = {
    "resnext50_32x4d": 224, "wide_resnet50_2": 224, "mobilenet_v3_small": 224, "efficientnet_v2_s": 224,
    "regnet_x_400mf": 224, "maxvit_t": 224, "swin_v2_t": 256, "deeplabv3_mobilenet_v3_large": 224, "fcn_resnet50": 224,
    "mc3_18": (1, 3, 8, 112, 112), "r2plus1d_18": (1, 3, 8, 112, 112), "s3d": (1, 3, 16, 224, 224),
}  # fmt: skip

# The third round (2026-12-01): 48 timm architectures the zoo and the blind round do not hold, each at
# its own input size (python benchmarks/crosscheck_torch.py --third; ~2 min on 2 cores).
THIRD_TIMM = (
    "rdnet_tiny nextvit_small vitamin_small_224 hgnet_tiny fastvit_mci0 ghostnetv3_100 cspdarknet53 "
    "resnetblur18 volo_d1_224 halonet26t resnetv2_50x1_bit xception41 pit_ti_224 tnt_s_patch16_224 "
    "visformer_tiny gernet_s mixnet_s hardcorenas_a mnasnet_100 fbnetc_100 semnasnet_100 "
    "regnety_002 gmixer_12_224 efficientvit_l1 mobilevit_xxs vit_small_patch16_18x2_224 "
    "levit_conv_128s convmixer_768_32 inception_v4 dm_nfnet_f0 sebotnet33ts_256 haloregnetz_b "
    "shvit_s1 mobilenetv1_100 vit_medium_patch16_gap_256 res2next50 bat_resnext26ts eca_resnet33ts "
    "cs3darknet_s densenetblur121d resnet50_gn convnext_zepto_rms poolformerv2_s12 sam2_hiera_tiny "
    "vit_pe_core_tiny_patch16_384 csatv2 efficientnet_x_b3 mobilenetv3_large_150d"
)  # fmt: skip

# The fourth round (2026-12-01): 48 more timm architectures, the families no earlier round held and
# some variants (anti-aliased, blur-pooled, CondConv, GroupNorm, RMSNorm, register tokens, MAP
# heads), each at its own input size but the three 768-pixel encoders, at 384
# (python benchmarks/crosscheck_torch.py --fourth; ~5 min on 2 cores, ~8 GB into /work/zoo/fourth).
FOURTH_TIMM = (
    "cpubone_b0_bfrobust cspnext_tiny efficientvim_m1 fasternet_t0 iformer_t inception_resnet_v2 lcnetv2_small "
    "lowformer_b0 repghostnet_050 legacy_seresnet18 swiftformer_xs swinv2_cr_tiny_224 vit_small_r26_s32_224 "
    "legacy_xception samvit_base_patch16_224 qwen3_vit_88m_enc@384 gemma4_vit_167m_enc@384 mobilenetv5_300m_enc@384 "
    "efficientnet_cc_b0_4e tf_mixnet_s vit_so150m_patch16_reg4_map_256 convnext_atto_rms mobilenetv4_conv_aa_medium "
    "resnetaa50 efficientnet_b0_g8_gn efficientnet_blur_b0 eca_nfnet_l0 vit_betwixt_patch16_rope_reg4_gap_256 "
    "eva02_small_patch14_224 flexivit_small vit_small_patch14_dinov2@224 darknet53 efficientnet_el "
    "gc_efficientnetv2_rw_t dla60_res2next resnetrs50 coatnet_rmlp_nano_rw_224 maxxvitv2_nano_rw_256 "
    "crossvit_9_dagger_240 convformer_s18 vit_tiny_r_s16_p8_224 ghostnetv3_050 pnasnet5large "
    "naflexvit_base_patch16_gap@224 skresnext50_32x4d vovnet39a semnasnet_050 regnetv_040"
)  # fmt: skip


def blind_zoo() -> list[Entry]:
    import torchvision.models as tv
    import torchvision.models.segmentation as tvseg
    import torchvision.models.video as tvvideo

    def shape(size) -> list:
        return [("input", size if isinstance(size, tuple) else (1, 3, size, size), "float32")]

    def v(name: str):
        module = next(m for m in (tv, tvseg, tvvideo) if hasattr(m, name))
        kw = {"weights_backbone": None} if module is tvseg else {}
        return lambda: getattr(module, name)(**kw)

    entries = [Entry(n, "torchvision", v(n), shape(size)) for n, size in BLIND_TORCHVISION.items()]
    entries += timm_zoo(" ".join(f"{n}@{size}" for size, names in BLIND_TIMM.items() for n in names.split()))
    entries += [Entry(n, "timm", _timm(n, fused=False), shape(224), "fused attention off (export)") for n in BLIND_UNFUSED]
    return entries


def _timm(name: str, fused: bool = True, img_size: int | None = None):
    """``img_size``: built for that size where the model takes one (a ViT's position table, a
    DINOv2 that asserts its 518), else built as it is and run at that size."""

    def build():
        import timm
        from timm.layers import set_fused_attn

        set_fused_attn(fused)
        try:
            if img_size is not None:
                try:
                    return timm.create_model(name, pretrained=False, img_size=img_size)
                except TypeError:  # (a model without the argument: a CNN)
                    pass
            return timm.create_model(name, pretrained=False)
        finally:
            set_fused_attn(True)

    return build


def timm_zoo(names: str) -> list[Entry]:
    """Any timm models, ``NAME`` or ``NAME@SIZE`` separated by commas or spaces: one image of
    SIZE x SIZE (default: the model's own input size)."""
    import timm

    entries = []
    for item in names.replace(",", " ").split():
        name, _, size = item.partition("@")
        if name not in timm.list_models():
            raise SystemExit(f"crosscheck_torch.py: no timm model {name!r}")
        hw = (int(size), int(size)) if size else tuple(timm.get_pretrained_cfg(name).input_size[1:])
        entries.append(Entry(name, "timm", _timm(name, img_size=int(size) if size else None), [("input", (1, 3, *hw), "float32")]))
    return entries


# The tasks round: detection and optical flow (python benchmarks/crosscheck_torch.py --tasks).
# torchvision's detectors take a list of images and return a list of dicts; a wrapper takes a
# batch of one and returns the first image's tensors.  The R-CNNs resize inputs to 800 pixels.
TASK_DETECTORS = {
    "ssdlite320_mobilenet_v3_large": (), "ssd300_vgg16": (), "retinanet_resnet50_fpn_v2": (), "fcos_resnet50_fpn": (),
    "fasterrcnn_mobilenet_v3_large_320_fpn": ("roi_heads",), "maskrcnn_resnet50_fpn": ("roi_heads",),
    "keypointrcnn_resnet50_fpn": ("roi_heads",),
}  # fmt: skip


def tasks_zoo() -> list[Entry]:
    import torchvision.models.detection as tvdet
    import torchvision.models.optical_flow as tvflow
    from torch import nn

    class FirstImage(nn.Module):
        def __init__(self, detector):
            super().__init__()
            self.m = detector

        def forward(self, x):
            return tuple(self.m(list(x))[0].values())

    def det(name: str):
        return lambda: FirstImage(getattr(tvdet, name)(weights=None, weights_backbone=None))

    img = [("input", (1, 3, 320, 320), "float32")]
    entries = [Entry(n, "torchvision", det(n), img, "RoI heads: data-dependent, uncounted" if dd else "", data_dependent=dd, post_process=True)
               for n, dd in TASK_DETECTORS.items()]  # fmt: skip
    pair = [("image1", (1, 3, 128, 128), "float32"), ("image2", (1, 3, 128, 128), "float32")]
    entries.append(Entry("raft_small", "torchvision", lambda: tvflow.raft_small(weights=None), pair, "12 refinement iterations, unrolled"))
    return entries


def domains_zoo() -> list[Entry]:
    """Speech encoders (transformers) and diffusion blocks (diffusers), small configs, random weights."""
    import transformers as T
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from torch import nn

    class Encoder(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            return self.m(x).last_hidden_state

    class Denoiser(nn.Module):  # one UNet step: noisy latent, timestep, text states
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x, t, c):
            return self.m(x, t, c).sample

    class Decoder(nn.Module):  # the VAE's decoding half only (its encoder never runs)
        def __init__(self, vae):
            super().__init__()
            self.post_quant_conv, self.decoder = vae.post_quant_conv, vae.decoder

        def forward(self, z):
            return self.decoder(self.post_quant_conv(z))

    speech = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128, conv_dim=(32,) * 7,
                  num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4)  # fmt: skip
    whisper = T.WhisperConfig(d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4, decoder_attention_heads=4,
                              encoder_ffn_dim=128, decoder_ffn_dim=128, num_mel_bins=80, max_source_positions=1500)  # fmt: skip
    unet = dict(sample_size=16, in_channels=4, out_channels=4, layers_per_block=1, block_out_channels=(32, 64),
                down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
                cross_attention_dim=32, attention_head_dim=8, norm_num_groups=8)  # fmt: skip
    vae = dict(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
               block_out_channels=(32, 64), latent_channels=4, norm_num_groups=8)  # fmt: skip
    wave = [("waveform", (1, 16000), "float32")]
    return [
        Entry("wav2vec2", "transformers", lambda: Encoder(T.Wav2Vec2Model(T.Wav2Vec2Config(**speech))), wave,
              "7 strided conv1d, a grouped positional conv under weight norm; masked_spec_embed (64) is not used at inference"),
        Entry("hubert", "transformers", lambda: Encoder(T.HubertModel(T.HubertConfig(**speech))), wave, "as wav2vec2"),
        Entry("whisper_encoder", "transformers", lambda: Encoder(T.WhisperModel(whisper).encoder), [("mel", (1, 80, 3000), "float32")],
              "two conv1d, 1500 positions"),
        Entry("sd_unet_tiny", "diffusers", lambda: Denoiser(UNet2DConditionModel(**unet)),
              [("latent", (1, 4, 16, 16), "float32"), ("timestep", (1,), "int64"), ("text", (1, 7, 32), "float32")],
              "GroupNorm, self- and cross-attention, timestep embedding, nearest upsampling"),
        Entry("vae_decoder_tiny", "diffusers", lambda: Decoder(AutoencoderKL(**vae)), [("latent", (1, 4, 16, 16), "float32")],
              "mid-block attention over 256 positions"),
    ]


# --------------------------------------------------------------------------
# torch reference


def _sdpa_cpu_flops(query_shape, key_shape, value_shape, *args, out_shape=None, **kwargs) -> int:
    """FLOPs of aten._scaled_dot_product_flash_attention_for_cpu, which FlopCounterMode
    (torch 2.13/2.14) has no formula for and counts as 0: q [B,H,L,E], k [B,H,S,E],
    v [B,H,S,Ev]: QK^T is B*H*L*S*E MACs, (softmax) x V is B*H*L*S*Ev MACs; FLOPs = 2 x MACs."""
    b, h, l, e = query_shape
    s, ev = key_shape[-2], value_shape[-1]
    return 2 * (b * h * l * s * e + b * h * l * s * ev)


def _mkldnn_rnn_layer_flops(input_shape, w_ih_shape, w_hh_shape, *args, out_shape=None, **kwargs) -> int:
    """FLOPs of aten.mkldnn_rnn_layer (one layer and direction of nn.LSTM on CPU, oneDNN),
    which FlopCounterMode counts as 0: every time step and batch row multiplies the input by
    W_ih (G*H x I) and the hidden state by W_hh (G*H x H): MACs = steps * (numel(W_ih) + numel(W_hh))."""
    steps = 1
    for d in input_shape[:-1]:
        steps *= d
    return 2 * steps * (w_ih_shape[0] * w_ih_shape[1] + w_hh_shape[0] * w_hh_shape[1])


def _mv_flops(mat_shape, vec_shape, *args, out_shape=None, **kwargs) -> int:
    """FLOPs of aten.mv (a matrix times a vector: ``x @ v`` with a 1-D ``v``, as TIPSv2-DPT's
    depth bins), which FlopCounterMode has no formula for and counts as 0: n x m MACs."""
    return 2 * mat_shape[0] * mat_shape[1]


def _dot_flops(a_shape, b_shape, *args, out_shape=None, **kwargs) -> int:
    """FLOPs of aten.dot and aten.vdot (two 1-D tensors: spectral norm's sigma = u . (W v), in
    fastai's self-attention, the twenty-first round), which FlopCounterMode counts as 0: n MACs."""
    return 2 * a_shape[0]


# Ops FlopCounterMode (torch 2.13/2.14) counts as 0 on the CPU, and their formulas.  (GRU and
# plain RNN decompose into addmm on the CPU and are counted by FlopCounterMode itself.)
BY_FORMULA = {
    "aten._scaled_dot_product_flash_attention_for_cpu": _sdpa_cpu_flops,
    "aten.mkldnn_rnn_layer": _mkldnn_rnn_layer_flops,
    "aten.mv": _mv_flops,
    "aten.dot": _dot_flops,
    "aten.vdot": _dot_flops,
}


def torch_reference(model, args, data_dependent: tuple = ()) -> tuple[int, int, int, int]:
    """(MACs, params, MACs of the BY_FORMULA ops, added by hand, MACs of the data-dependent
    submodules, left out of the first)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    custom = {getattr(torch.ops.aten, k.split(".")[1]): f for k, f in BY_FORMULA.items()}
    # Grad stays enabled: under no_grad an eval nn.MultiheadAttention / TransformerEncoderLayer
    # takes its fast path, aten._native_multi_head_attention, which FlopCounterMode counts as 0
    # (torchvision vit_b_16: 11.27 G instead of 17.56 G MACs); the export traces the slow path.
    with torch.enable_grad(), FlopCounterMode(display=False, custom_mapping=custom) as counter:
        model(*args)
    flops = counter.get_total_flops()
    counts = counter.get_flop_counts()
    added = sum(v for k, v in counts.get("Global", {}).items() if str(k) in BY_FORMULA)
    left_out = sum(sum(v.values()) for k, v in counts.items() if any(k.endswith("." + m) for m in data_dependent))
    params = sum(p.numel() for p in model.parameters())
    return (flops - left_out) // 2, params, added // 2, left_out // 2


EXPORT_SETTINGS = {"dynamo": False, "opset_version": 17, "training": "PRESERVE", "do_constant_folding": False}


def export(model, args, names, path: Path, settings: dict) -> None:
    import torch

    kw = dict(settings, training=getattr(torch.onnx.TrainingMode, settings["training"]))
    torch.onnx.export(model, args, str(path), input_names=names, **kw)


# --------------------------------------------------------------------------
# dscost


def run_dscost(path: Path, dscost_cmd: list[str]) -> dict:
    """Totals and uncounted rows of `dscost analyze PATH -f json -q`."""
    t0 = time.perf_counter()
    try:
        out = subprocess.run([*dscost_cmd, "analyze", str(path), "-f", "json", "-q"], check=False, capture_output=True, text=True, timeout=DSCOST_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"error": f"dscost timed out after {DSCOST_TIMEOUT_S} s"}
    seconds = time.perf_counter() - t0
    if out.returncode != 0 or not out.stdout.strip():
        return {"error": (out.stderr.strip().splitlines() or [f"exit {out.returncode}"])[-1], "seconds": seconds}
    data = json.loads(out.stdout)
    tot = data["totals"]
    unc = data.get("uncounted", [])
    return {
        "macs": tot["macs"],
        "params": tot["params"],
        "uncounted": len(unc),
        "unknown_shape": sum(1 for u in unc if "unknown shape" in u.get("reason", "")),
        "uncounted_rows": unc,
        "seconds": seconds,
    }


# --------------------------------------------------------------------------
# Where params go missing (onnx only, no torch)

# Ops that move or reshape a tensor without arithmetic: a weight reaching a conv/FC/norm/Add
# only through them is what dscost (before issue 10's fix) does not count as a param.
PASS_THROUGH = {"Transpose", "Unsqueeze", "Reshape", "Squeeze", "Cast", "Expand", "Gather", "Slice", "Concat", "Split",
                "Flatten", "Tile", "Pad"}  # fmt: skip
# Inputs dscost counts as params whatever produced them (it takes their inferred shape).
COUNTED_ANYHOW = {"Conv[1]", "Conv[2]", "ConvTranspose[1]", "ConvTranspose[2]", "Gemm[1]", "Gemm[2]", "BatchNormalization[1]",
                  "BatchNormalization[2]", "LayerNormalization[1]", "LayerNormalization[2]", "InstanceNormalization[1]",
                  "InstanceNormalization[2]", "LSTM[1]", "LSTM[2]", "LSTM[3]", "LSTM[7]", "GRU[1]", "GRU[2]", "GRU[3]",
                  "RNN[1]", "RNN[2]", "RNN[3]"}  # fmt: skip
RECURRENT_STATES = {"LSTM[5]", "LSTM[6]", "GRU[5]", "RNN[5]"}


def weight_chains(path: Path) -> dict[str, tuple[int, int, str]]:
    """Float tensors with more than one element (initializers, Constant nodes; an Identity copy of
    one is its own tensor, as dscost counts it) whose every path to an arithmetic op goes through
    PASS_THROUGH ops and ends in an input dscost does not count whatever its producer, grouped by the op chain ("Transpose[0]->MatMul[1]": input 0 of a Transpose
    whose output is input 1 of a MatMul): chain -> (elements, tensors, an example name)."""
    import onnx

    g = onnx.load(str(path), load_external_data=False).graph
    consumers: dict[str, list] = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    tensors = {t.name: (t.dims, t.data_type) for t in g.initializer}
    for n in g.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    tensors[n.output[0]] = (a.t.dims, a.t.data_type)
    for n in g.node:
        if n.op_type == "Identity" and n.input and n.input[0] in tensors:
            tensors[n.output[0]] = tensors[n.input[0]]

    def walk(t: str, depth: int) -> list[str]:
        out = []
        for c in consumers.get(t, []):
            pos = list(c.input).index(t)
            if c.op_type in PASS_THROUGH and depth < 8 and c.output:
                out += [f"{c.op_type}[{pos}]->{s}" for s in walk(c.output[0], depth + 1)] or [f"{c.op_type}[{pos}]"]
            elif c.op_type != "Identity":
                out.append(f"{c.op_type}[{pos}]")
        return out

    found: dict[str, tuple[int, int, str]] = {}
    for name, (dims, dtype) in tensors.items():
        numel = 1
        for d in dims:
            numel *= d
        if dtype not in (1, 10, 11, 16) or numel <= 1:  # float, float16, double, bfloat16
            continue
        chains = sorted(set(walk(name, 0)))
        ends = {c.rsplit("->", 1)[-1] for c in chains}
        if ends <= RECURRENT_STATES:  # zero initial states of an RNN: data, not params
            continue
        if chains and all("->" in c and c.rsplit("->", 1)[1] not in COUNTED_ANYHOW for c in chains):
            key = " | ".join(chains)
            n, k, ex = found.get(key, (0, 0, name))
            found[key] = (n + numel, k + 1, ex)
    return found


# --------------------------------------------------------------------------
# Table


def _num(v) -> str:
    return "-" if v is None else f"{v:,}"


def _diff(a, b) -> str:
    if a is None or b is None:
        return "-"
    return "0" if a == b else f"{b - a:+,} ({(b - a) / a:+.1%})" if a else f"{b - a:+,}"


def _data_dependent_row(u: dict) -> bool:
    return "unknown shape" in u["reason"] or any(w in u["reason"] for w in ("is decided at run time", "depends on a run-time value"))


def _uncounted_as_expected(r: dict, d: dict) -> bool:
    """No uncounted node; or, for a detector (post_process), only nodes whose shapes depend on
    the data -- and, when the entry names data-dependent submodules, at least one of them."""
    rows = d.get("uncounted_rows") or []
    if not r.get("post_process"):
        return not rows
    if not all(_data_dependent_row(u) for u in rows):
        return False
    return not r.get("data_dependent") or any(any(f"/{m}/" in u["name"] for m in r["data_dependent"]) for u in rows)


def print_table(rows: list[dict]) -> bool:
    head = ("model", "torch MACs", "dscost MACs", "MAC diff", "torch params", "dscost params", "param diff", "uncounted")
    lines = []
    ok = True
    for r in rows:
        d = r.get("dscost", {})
        unc = d.get("uncounted")
        unc_s = "-" if unc is None else str(unc) + (f" ({d['unknown_shape']} unk. shape)" if d.get("unknown_shape") else "")
        match = "error" not in d and d.get("macs") == r["torch_macs"] and d.get("params") == r["torch_params"] and _uncounted_as_expected(r, d)
        ok &= match
        lines.append((r["name"], _num(r["torch_macs"]), _num(d.get("macs")), _diff(r["torch_macs"], d.get("macs")),
                      _num(r["torch_params"]), _num(d.get("params")), _diff(r["torch_params"], d.get("params")), unc_s))  # fmt: skip
    widths = [max(len(x[i]) for x in [head, *lines]) for i in range(len(head))]
    fmt = lambda row: "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))) + " |"
    print(fmt(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        print(fmt(line))
    # Why, for each model that differs: the uncounted rows grouped by op and reason kind, and
    # the weights that reach arithmetic only through data-movement ops
    for r in rows:
        d = r.get("dscost", {})
        if "error" in d:
            print(f"\n{r['name']}: dscost failed: {d['error']}")
            continue
        if d.get("params") != r["torch_params"] and Path(r["onnx"]).exists():
            chains = weight_chains(Path(r["onnx"]))
            if chains:
                total = sum(n for n, _, _ in chains.values())
                print(f"\n{r['name']}: param diff {d['params'] - r['torch_params']:+,}; {total:,} elements of weights reach arithmetic only through data-movement ops:")
                for key, (n, k, ex) in sorted(chains.items(), key=lambda kv: -kv[1][0])[:6]:
                    print(f"    {n:>12,} in {k:3d} tensor(s)  {key[:110]}  (e.g. {ex})")
        if d.get("uncounted_rows"):
            from collections import Counter

            kinds = Counter((u["op"], u["reason"].split(" (")[0].split(" '")[0]) for u in d["uncounted_rows"])
            first = d["uncounted_rows"][0]
            print(f"\n{r['name']}: {d['uncounted']} uncounted; first: {first['name']} ({first['op']}): {first['reason']}")
            for (op, why), n in kinds.most_common(6):
                print(f"    {n:4d} x {op}: {why}")
    return ok


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder for the ONNX files and reference.json (default {DEFAULT_OUT})")
    ap.add_argument("--only", default="", help="comma-separated model names")
    ap.add_argument("--skip-big", action="store_true", help="leave out the models over 80M params (vgg11, vit_base_patch16_224, vit_b_16_tv)")
    ap.add_argument("--reuse", action="store_true", help="do not re-export a model whose ONNX file and reference entry exist")
    ap.add_argument("--from-reference", type=Path, metavar="JSON", help="no torch: re-run dscost on the files a reference.json lists")
    ap.add_argument("--dscost", default=f"{sys.executable} -m dscost", help="command that runs dscost (default: this Python's -m dscost)")
    ap.add_argument("--constant-folding", action="store_true",
                    help="export with do_constant_folding=True (BN still unfolded under PRESERVE; weight Transposes and shape arithmetic on constants are folded)")
    ap.add_argument("--opset", type=int, default=EXPORT_SETTINGS["opset_version"],
                    help="opset_version of the export (default 17; 11 and 13 are what many deployment toolchains still ask for)")
    ap.add_argument("--json", type=Path, help="also write the rows (reference + dscost results) to this file")
    ap.add_argument("--blind", action="store_true", help="the 75 architectures of the blind round instead (default --out /work/zoo/blind)")
    ap.add_argument("--domains", action="store_true",
                    help="speech encoders (wav2vec2, HuBERT, Whisper) and diffusion blocks (UNet, VAE decoder) instead; needs transformers and diffusers (default --out /work/zoo/domains)")
    ap.add_argument("--third", action="store_true", help="the 48 timm architectures of the third round instead (default --out /work/zoo/third)")
    ap.add_argument("--fourth", action="store_true", help="the 48 timm architectures of the fourth round instead (default --out /work/zoo/fourth)")
    ap.add_argument("--timm", metavar="NAMES", help="any timm models instead: NAME or NAME@SIZE, comma-separated (default --out /work/zoo/timm)")
    ap.add_argument("--tasks", action="store_true", help="detection (7 torchvision detectors) and optical flow (RAFT) instead (default --out /work/zoo/tasks)")
    a = ap.parse_args(argv)
    if (a.blind or a.tasks or a.domains or a.third or a.fourth or a.timm) and a.out == DEFAULT_OUT:
        a.out = DEFAULT_OUT / ("blind" if a.blind else "tasks" if a.tasks else "domains" if a.domains else "third" if a.third else
                               "fourth" if a.fourth else "timm")  # fmt: skip
    dscost_cmd = a.dscost.split()
    only = {s.strip() for s in a.only.split(",") if s.strip()}
    settings = dict(EXPORT_SETTINGS, do_constant_folding=a.constant_folding, opset_version=a.opset)
    t_start = time.perf_counter()
    rows: list[dict] = []

    if a.from_reference:
        ref = json.loads(a.from_reference.read_text())
        for r in ref["models"]:
            if only and r["name"] not in only:
                continue
            r = dict(r)
            r["dscost"] = run_dscost(Path(r["onnx"]), dscost_cmd)
            rows.append(r)
            print(f"{r['name']:<34} dscost {r['dscost'].get('seconds', 0):5.1f} s", file=sys.stderr)
    else:
        import torch

        torch.manual_seed(0)
        torch.set_num_threads(os.cpu_count() or 1)
        a.out.mkdir(parents=True, exist_ok=True)
        ref_path = a.out / "reference.json"
        old = {}
        if ref_path.exists():  # keep the other models' entries (same export settings only)
            prev = json.loads(ref_path.read_text())
            if prev.get("export") == settings:
                old = {r["name"]: r for r in prev.get("models", [])}
        entries = blind_zoo() if a.blind else timm_zoo(THIRD_TIMM) if a.third else timm_zoo(FOURTH_TIMM) if a.fourth else timm_zoo(a.timm) if a.timm else tasks_zoo() if a.tasks else domains_zoo() if a.domains else zoo()
        unknown = only - {e.name for e in entries}
        if unknown:
            ap.error(f"unknown model(s): {', '.join(sorted(unknown))}")
        import timm
        import torchvision

        versions = {"torch": torch.__version__, "torchvision": torchvision.__version__, "timm": timm.__version__}
        import warnings

        warnings.filterwarnings("ignore")
        for e in entries:
            if only and e.name not in only:
                continue
            if a.skip_big and e.big:
                print(f"{e.name:<34} skipped (--skip-big)", file=sys.stderr)
                continue
            path = a.out / f"{e.name}.onnx"
            t0 = time.perf_counter()
            if a.reuse and path.exists() and e.name in old:
                r = dict(old[e.name])
            else:
                torch.manual_seed(0)
                model = e.build().eval()
                args = tuple(torch.randn(*s) if dt == "float32" else torch.randint(0, 100, s) for _, s, dt in e.inputs)
                macs, params, by_formula, left_out = torch_reference(model, args, e.data_dependent)
                try:
                    export(model, args, [n for n, _, _ in e.inputs], path, settings)
                    err = None
                except Exception as exc:  # noqa: BLE001 -- report it in the table and go on
                    err = f"export failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                del model
                r = {"name": e.name, "source": e.source, "onnx": str(path), "inputs": [{"name": n, "shape": list(s), "dtype": dt} for n, s, dt in e.inputs],
                     "torch_macs": macs, "torch_params": params, "macs_by_formula": by_formula, "note": e.note}  # fmt: skip
                if e.data_dependent or e.post_process:
                    r.update(data_dependent=list(e.data_dependent), macs_data_dependent=left_out, post_process=e.post_process)
                if err:
                    r["error"] = err
            t_ref = time.perf_counter() - t0
            r["dscost"] = run_dscost(path, dscost_cmd) if "error" not in r else {"error": r["error"]}
            rows.append(r)
            print(f"{e.name:<34} torch+export {t_ref:5.1f} s, dscost {r['dscost'].get('seconds', 0):5.1f} s", file=sys.stderr)
            old[e.name] = {k: v for k, v in r.items() if k != "dscost"}
            ref = {"generated_by": "benchmarks/crosscheck_torch.py", "versions": versions, "export": settings,
                   "macs": "torch FlopCounterMode FLOPs / 2, plus, by formula, the CPU ops it counts as 0: scaled_dot_product_attention (flash CPU kernel), mkldnn_rnn_layer (LSTM) and mv (a matrix times a vector) (macs_by_formula)",
                   "params": "sum(p.numel() for p in model.parameters()); BN running stats are buffers, not params",
                   "models": list(old.values())}  # fmt: skip
            ref_path.write_text(json.dumps(ref, indent=1) + "\n")

    print()
    ok = print_table(rows)
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1) + "\n")
    exact = sum(1 for r in rows if 'error' not in r.get('dscost', {}) and _uncounted_as_expected(r, r['dscost']) and r['dscost'].get('macs') == r['torch_macs'] and r['dscost'].get('params') == r['torch_params'])
    print(f"\n{len(rows)} models, {exact} exact; total run time {time.perf_counter() - t_start:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
