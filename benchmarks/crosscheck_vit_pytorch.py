"""Tenth blind round (2026-12-04): lucidrains' vit-pytorch, vision transformers written apart
from timm (einops rearranges, its own attention and position code), each counted three ways
against torch's own counter as in crosscheck_timm_sixth.py (the module through
``dscost.analyze``, the TorchScript and the dynamo exporters' files through
``python -m dscost analyze FILE -f json``).

    /work/torchvenv/bin/pip install --no-deps vit-pytorch && /work/torchvenv/bin/pip install einops
    /work/torchvenv/bin/python benchmarks/crosscheck_vit_pytorch.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/vitp/zoo).

As run (2026-12-04, vit-pytorch 1.26.14, torch 2.14.1, ~6 min on 2 cores): 38 models.  The N-d
ViT with rotary positions runs FlexAttention, which torch's counter (grad on) and both exporters
refuse on CPU: one line.  **MACs equal torch's on 36 of the 37 modules** (the FFT ViT's two DFT
nodes listed as uncounted; torch's counter counts an FFT as 0 too), 35 of 36 TorchScript files
and 35 of 37 dynamo files; the exception in all three is Jumbo ViT, whose last layer computes a
feed-forward of the patch tokens that nothing reads (dead code, which every export drops and
torch's counter counts: 67,108,864 MACs, its 1,056,960 params named in dscost's note), and the
dynamo file of CrossFormer, whose dynamic position-bias MLP the exporter runs at export time
(-44,992 MACs; its output stored, +19,296 params).  Params equal torch's on 33 modules (the rest:
parameters the forward never uses, named in the note); the TorchScript files count one-element
learned scalars as literals (-1 to -8) and rotary-frequency buffers stored as initializers as
parameters (RvT +4, ViT-5 +12: a buffer cannot be told from a weight in a file).  The dynamo files'
params are the exporter's rewrite: lower, but for RegionViT's relative-position bias gathered to
every window (+47,104) and CrossFormer's above; the rotary tables folded from those buffers had
counted too (RvT +1,536, ViT-5 +1,680) until dscost read the exported program's signature, which
names the buffers the exporter folded away (a fix of the graph networks' round, the next).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/vitp/zoo")
# a small ViT's arguments, shared by most models
VIT = dict(image_size=64, patch_size=8, num_classes=10, dim=64, depth=2, heads=4, mlp_dim=128, dim_head=16)


def _vp(module: str, cls: str, **kw):
    import importlib

    return lambda: getattr(importlib.import_module(f"vit_pytorch.{module}"), cls)(**kw)


def _entries() -> dict:
    img = lambda *s: [("img", s, "float32")]  # noqa: E731
    i64, i224 = img(1, 3, 64, 64), img(1, 3, 224, 224)
    return {
        "vit": (_vp("vit", "ViT", **VIT), i64, "ViT, class token"),
        "simple_vit": (_vp("simple_vit", "SimpleViT", **VIT), i64, "SimpleViT: 2-D sin-cos positions, mean pool"),
        "cait": (_vp("cait", "CaiT", **VIT, cls_depth=1), i64, "CaiT: talking heads, class attention, layer scale"),
        "deepvit": (_vp("deepvit", "DeepViT", **VIT), i64, "DeepViT: re-attention (a learned mix of heads)"),
        "vit_small_dataset": (_vp("vit_for_small_dataset", "ViT", **VIT), i64, "shifted patch tokenization, locality self-attention (learned temperature, diagonal masked)"),
        "parallel_vit": (_vp("parallel_vit", "ViT", **VIT), i64, "parallel attention and MLP branches"),
        "xcit": (_vp("xcit", "XCiT", **VIT, cls_depth=1), i64, "XCiT: cross-covariance attention, local patch interaction"),
        "rvt": (_vp("rvt", "RvT", **VIT), i64, "RvT: rotary positions, depthwise-conv projections, GLU"),
        "jumbo_vit": (_vp("jumbo_vit", "JumboViT", **VIT, jumbo_cls_k=2), i64, "Jumbo ViT: a wide class token split across heads"),
        "vit_5": (_vp("vit_5", "ViT", **VIT), i64, "ViT with register tokens"),
        "simple_vit_registers": (_vp("simple_vit_with_register_tokens", "SimpleViT", **VIT), i64, "register tokens"),
        "simple_vit_qk_norm": (_vp("simple_vit_with_qk_norm", "SimpleViT", **VIT), i64, "query-key RMSNorm"),
        "simple_vit_value_residual": (_vp("simple_vit_with_value_residual", "SimpleViT", **VIT), i64, "value residual learning"),
        "simple_vit_fft": (_vp("simple_vit_with_fft", "SimpleViT", **VIT, freq_patch_size=8), i64, "FFT patches beside pixel patches"),
        "simple_vit_rel_proj_bias": (_vp("simple_vit_with_relative_proj_pos_bias", "SimpleViT", **VIT), i64, "relative position bias from a projected distance basis"),
        "simple_uvit": (_vp("simple_uvit", "SimpleUViT", **VIT), i64, "U-ViT: long skips between blocks"),
        "vit_patch_merger": (_vp("vit_with_patch_merger", "ViT", **VIT, patch_merge_layer=1, patch_merge_num_tokens=8), i64, "a learned token merger mid-way"),
        "pit": (_vp("pit", "PiT", **{**VIT, "depth": (1, 1, 1)}), i64, "PiT: depthwise-conv pooling between stages"),
        "levit": (_vp("levit", "LeViT", image_size=64, num_classes=10, dim=(32, 48, 64), depth=1, heads=(2, 3, 4), mlp_mult=2, stages=3),
                  i64, "LeViT: conv stem, attention bias by offsets, shrinking attention"),
        "cvt": (_vp("cvt", "CvT", num_classes=10, s1_emb_dim=32, s2_emb_dim=64, s3_emb_dim=96, s3_depth=2, s3_heads=2), i64,
                "CvT: conv token embedding, depthwise-separable conv projections"),
        "twins_svt": (_vp("twins_svt", "TwinsSVT", num_classes=10, s1_emb_dim=32, s2_emb_dim=64, s3_emb_dim=96, s3_depth=1, s4_emb_dim=128, s4_depth=1),
                      i224, "Twins-SVT: locally grouped and global sub-sampled attention, PEG"),
        "regionvit": (_vp("regionvit", "RegionViT", dim=(32, 64, 96, 128), depth=(1, 1, 1, 1), window_size=7, num_classes=10), i224, "RegionViT: regional and local tokens"),
        "crossformer": (_vp("crossformer", "CrossFormer", dim=(32, 64, 96, 128), depth=(1, 1, 1, 1), num_classes=10), i224,
                        "CrossFormer: cross-scale embedding (several kernel sizes), long and short distance attention"),
        "sep_vit": (_vp("sep_vit", "SepViT", num_classes=10, dim=32, depth=(1, 1, 1, 1), heads=(1, 2, 4, 8), window_size=7), i224,
                    "SepViT: depthwise-separable self-attention with window tokens"),
        "scalable_vit": (_vp("scalable_vit", "ScalableViT", num_classes=10, dim=32, depth=(1, 1, 1, 1), heads=(1, 2, 4, 8), reduction_factor=(8, 4, 2, 1),
                             window_size=(7, 7, 7, None)), i224, "ScalableViT: scalable self-attention and interactive window attention"),
        "max_vit": (_vp("max_vit", "MaxViT", num_classes=10, dim=32, depth=(1, 1), dim_conv_stem=32, window_size=4), i64,
                    "MaxViT: MBConv, block and grid attention"),
        "nest": (_vp("nest", "NesT", image_size=64, patch_size=4, num_classes=10, dim=32, heads=2, num_hierarchies=3, block_repeats=(1, 1, 1)), i64,
                 "NesT: nested blocks, conv-pool aggregation"),
        "mobile_vit": (_vp("mobile_vit", "MobileViT", image_size=(64, 64), dims=[48, 64, 80], channels=[16, 16, 24, 24, 48, 48, 64, 64, 80, 80, 320],
                           num_classes=10), i64, "MobileViT: MobileNetV2 blocks with transformer unfold/fold"),
        "cct": (_vp("cct", "CCT", img_size=64, embedding_dim=64, n_conv_layers=2, kernel_size=3, stride=1, padding=1, pooling_kernel_size=3,
                    pooling_stride=2, pooling_padding=1, num_layers=2, num_heads=2, mlp_ratio=2.0, num_classes=10, positional_embedding="learnable"),
                i64, "Compact Convolutional Transformer: conv tokenizer, sequence pooling"),
        "t2t": (_vp("t2t", "T2TViT", image_size=224, num_classes=10, dim=64, depth=2, heads=2, mlp_dim=128, t2t_layers=((7, 4), (3, 2), (3, 2))),
                i224, "Tokens-to-Token: unfold soft splits"),
        "cross_vit": (_vp("cross_vit", "CrossViT", image_size=64, num_classes=10, sm_dim=32, lg_dim=64, sm_patch_size=8, sm_enc_depth=1, sm_enc_heads=2,
                          sm_enc_mlp_dim=64, lg_patch_size=16, lg_enc_depth=1, lg_enc_heads=2, lg_enc_mlp_dim=128, cross_attn_depth=1, cross_attn_heads=2,
                          depth=2), i64, "CrossViT: two patch sizes, cross attention"),
        "look_vit": (_vp("look_vit", "LookViT", dim=64, image_size=64, num_classes=10, depth=2, patch_size=16, heads=2, dim_head=16, highres_patch_size=8,
                         cross_attn_heads=2, cross_attn_dim_head=16), i64, "LookViT: a low-resolution stream looking into high-resolution patches"),
        "vit_1d": (_vp("vit_1d", "ViT", seq_len=256, patch_size=16, num_classes=10, dim=64, depth=2, heads=4, mlp_dim=128, dim_head=16), img(1, 3, 256),
                   "1-D ViT over a sequence"),
        "vit_3d": (_vp("vit_3d", "ViT", image_size=32, image_patch_size=8, frames=8, frame_patch_size=2, num_classes=10, dim=64, depth=2, heads=4,
                       mlp_dim=128, dim_head=16), img(1, 3, 8, 32, 32), "3-D ViT over video"),
        "vivit": (_vp("vivit", "ViViT", image_size=32, image_patch_size=8, frames=8, frame_patch_size=2, num_classes=10, dim=64, spatial_depth=1,
                      temporal_depth=1, heads=4, mlp_dim=128, dim_head=16), img(1, 3, 8, 32, 32), "ViViT, factorized encoder"),
        "vit_nd_rotary": (_vp("vit_nd_rotary", "ViTND", ndim=2, input_shape=(64, 64), patch_size=8, num_classes=10, dim=64, depth=2, heads=4, mlp_dim=128,
                              dim_head=16), i64, "N-d ViT with rotary positions"),
        "dca_simple_vit": (_vp("attn_residual_with_dca_simple_vit", "SimpleViT", **{k: v for k, v in VIT.items()}), i64,
                           "dynamic cross-layer aggregation of residuals"),
        "hyper_connections_vit": (_vp("simple_vit_with_hyper_connections", "SimpleViT", **VIT, num_residual_streams=2), i64,
                                  "hyper-connections: several residual streams"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
