"""Seventh blind round (2026-12-03): timm variants and torchvision models no earlier round held,
each counted three ways against torch's own counter.

Every timm module had at least one model in an earlier round (crosscheck_torch.py's ZOO,
--blind, --third, --fourth, the fifth round's --timm list and crosscheck_timm_sixth.py), so this
round takes the variants whose layers differ from the covered ones: differential attention
(``attn_layer='diff'``, alone and in a parallel-scaling block), grouped-query attention with
RMSNorm, qk-norm, SwiGLU and attention-only layer scale (Sapiens2, shrunk so that it has GQA
blocks), DINOv3-plus (SwiGLU), RoPE plus an absolute position table, Perception Encoder
"spatial", TIPSv2 (a register token, no class-token position), shared ("srelpos") and
res-post-norm relative-position ViTs, a class-token relpos ViT, CLIP's pre-norm and QuickGELU
ViTs, LeViT with the stride-8 stem and SiLU, XCiT with the 8-pixel conv patch embed, the
distilled PiT, NesT-jx, SwiftFormer-L1, MaxViT with relative-position MLPs, Swin v2 with 16x16
windows, EdgeNeXt-rw, EfficientViM's distilled head, FocalNet with three focal levels; from the
CNNs ConvNeXt's overlapping stem and head-norm-first head, CS3-DarkNet's Focus stem (space to
depth by strided slices), CS3-SE-DarkNet-dw, DPN-b, DLA-x-c, HRNet-small-v2, CPUBone with
depthwise norms, RegNetZ-h, ResNet61q, CLIP ResNet-x4 without its attention pool, the
ResNet-MLP head, ECA-BoTNeXt, grouped RepVGG, EvoNorm ResNetV2, the pruned EfficientNet (odd
channel counts), MobileNetV3-small-minimal, pre-activation Xception65, DenseNet-264d,
StarNet-s050 and InceptionNeXt-atto; from torchvision MViT v1 (video) and quantized GoogLeNet,
MobileNetV2 and Inception v3; and a second batch of 20 timm variants (res-post-norm ViT-B, LeViT-256d,
CoAtNet with BatchNorm, CrossViT-15-dagger at 408, MambaOut-kobe, FastViT-MCi1, LowFormer-E1,
CPUBone-S0, HaloNet-H1, RegNetZ-EvoNorm, MobileNetV1-h, TF CondConv with 8 experts, HRNet-W18, NF-SE-ResNet,
legacy SE-ResNeXt, SelecSLS-60, ResNetV2-18d, Res2Net-50d, MobileNetV3-rw, EfficientNet-lite0).

For each model (python benchmarks/crosscheck_timm_seventh.py [--only a,b] [--json rows.json]):

1. torch reference (``crosscheck_torch.torch_reference``): MACs = FlopCounterMode FLOPs / 2
   (+ its BY_FORMULA ops), params = sum(p.numel() for p in module.parameters()), on a copy of
   the module built with the same seed;
2. ``dscost.analyze(module, inputs)`` (the PyTorch path: dscost's own export);
3. ``torch.onnx.export`` with the TorchScript exporter (``crosscheck_torch.EXPORT_SETTINGS``:
   dynamo=False, opset 17, PRESERVE, no folding) and with the dynamo exporter (its defaults),
   each file through ``python -m dscost analyze FILE -f json -q`` (``crosscheck_torch.run_dscost``).

Each model runs in a child process with a 600 s limit, one thread (torch.set_num_threads(1)).
Files go to --out (default /tmp/timm7/zoo), never into the repository.  Quantized models are
compared with their float twin's torch count (FlopCounterMode counts quantized ops as 0).

As run (2026-12-03, 67 models, ~17 min): MACs equal torch's on all 67 modules and 66 TorchScript
files (the CondConv net's TorchScript export fails: a kernel of unknown shape; dscost's module path
falls back to the dynamo exporter), nothing uncounted anywhere; params equal on 62 modules and
files.  The quantized files miss every bias (the TorchScript exporter quantizes a float bias
Constant in the graph: DequantizeLinear(Cast(Div(bias, scales))), which dscost does not follow);
EfficientViM's six one-element D scalars are literals in a file; the dynamo file of Swin v2
window16 lacks 460,800 MACs of position-bias MLP computed at export time.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/timm7/zoo")

SEVENTH_TIMM = (
    # transformers and hybrids
    "vit_dwee_patch16_reg1_gap_256@256 vit_dpwee_patch16_reg1_gap_256@256 vit_small_plus_patch16_dinov3@256 "
    "vit_small_patch16_rope_ape_224@224 vit_pe_spatial_tiny_patch16_512@256 vit_base_patch14_reg1_tipsv2@224 "
    "vit_srelpos_small_patch16_224@224 vit_relpos_small_patch16_rpn_224@224 vit_relpos_medium_patch16_cls_224@224 "
    "vit_xsmall_patch16_clip_224@224 vit_base_patch16_clip_quickgelu_224@224 levit_384_s8@224 xcit_nano_12_p8_224@224 "
    "pit_ti_distilled_224@224 nest_tiny_jx@224 swiftformer_l1@224 maxvit_rmlp_pico_rw_256@256 swinv2_tiny_window16_256@256 "
    "edgenext_small_rw@256 efficientvim_m1_dist@224 focalnet_tiny_lrf@224 "
    # CNNs
    "convnext_atto_ols@160 convnext_tiny_hnf@160 cs3darknet_focus_s@160 cs3sedarknet_xdw@160 dpn48b@160 dla46x_c@160 "
    "hrnet_w18_small_v2@160 cpubone_b1_dwnorm@160 regnetz_040_h@160 resnet61q@160 resnet50x4_clip_gap@160 resnet50_mlp@160 "
    "eca_botnext26ts_256@256 repvgg_b1g4@160 resnetv2_50d_evos@160 efficientnet_b1_pruned@160 "
    "tf_mobilenetv3_small_minimal_100@160 xception65p@160 densenet264d@160 starnet_s050@160 inception_next_atto@160 "
    # a second batch (the first ran in 10 minutes): more variants
    "vit_base_patch16_rpn_224@224 levit_256d@224 coatnet_bn_0_rw_224@224 crossvit_15_dagger_408@408 mambaout_kobe@160 "
    "fastvit_mci1@256 lowformer_e1@160 cpubone_s0@160 halonet_h1@256 regnetz_c16_evos@160 mobilenetv1_100h@160 "
    "tf_efficientnet_cc_b0_8e@160 hrnet_w18@160 nf_seresnet26@160 legacy_seresnext26_32x4d@160 selecsls60@160 resnetv2_18d@160 "
    "res2net50d@160 mobilenetv3_rw@160 efficientnet_lite0@160"
)  # fmt: skip

# Sapiens2-base (depth 12) keeps full attention in its first and last 8 blocks, so it has no
# grouped-query block at all: a 6-block 384-wide instance with 2 key/value heads in the middle 4.
SAPIENS_GQA = dict(embed_dim=384, depth=6, num_heads=6, num_kv_heads=(6, 2, 2, 2, 2, 6), img_size=224)


def tv_entries() -> list:
    """(name, build, inputs, note, float-twin build or None, extra MACs): torchvision and custom."""
    import timm
    import torchvision.models as tv
    import torchvision.models.quantization as tvq
    import torchvision.models.video as tvvideo

    img = lambda s: [("input", (1, 3, s, s), "float32")]  # noqa: E731
    return [
        ("sapiens2_gqa_small", lambda: timm.create_model("vit_base_patch16_sapiens2", pretrained=False, **SAPIENS_GQA), img(224),
         "Sapiens2 shrunk: 6 blocks, 384 wide, GQA (6 q heads, 2 kv heads) in blocks 1-4", None, 0),
        ("mvit_v1_b", lambda: tvvideo.mvit_v1_b(), [("input", (1, 3, 16, 224, 224), "float32")], "MViT v1 video, 16x224x224 (fixed)", None, 0),
        ("quantized_googlenet", lambda: tvq.googlenet(weights=None, quantize=True, aux_logits=False, init_weights=True), img(224),
         "fbgemm int8; ref: float twin", lambda: tv.googlenet(weights=None, aux_logits=False, init_weights=True), 0),
        ("quantized_mobilenet_v2", lambda: tvq.mobilenet_v2(weights=None, quantize=True), img(224), "fbgemm int8; ref: float twin",
         lambda: tv.mobilenet_v2(weights=None), 0),
        ("quantized_inception_v3", lambda: tvq.inception_v3(weights=None, quantize=True, aux_logits=False, init_weights=True), img(299),
         "fbgemm int8, 299x299; ref: float twin", lambda: tv.inception_v3(weights=None, aux_logits=False, init_weights=True), 0),
    ]  # fmt: skip


TV_NAMES = ("sapiens2_gqa_small", "mvit_v1_b", "quantized_googlenet", "quantized_mobilenet_v2", "quantized_inception_v3")


def names() -> list[str]:
    return [s.split("@")[0] for s in SEVENTH_TIMM.split()] + list(TV_NAMES)


def entry(name: str):
    """(build, inputs, note, float twin build, extra MACs) of one model."""
    if name in TV_NAMES:
        for n, build, inputs, note, twin, extra in tv_entries():
            if n == name:
                return build, inputs, note, twin, extra
    return S.timm_entry(SEVENTH_TIMM, name)


def main(argv: list[str] | None = None) -> int:
    return S.run(argv, __doc__, names, S.dumping(entry), S.table, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
