"""Ninth blind round (2026-12-04): model libraries no earlier round held -- torchaudio, MONAI,
segmentation_models_pytorch, open_clip and kornia -- each model counted three ways against
torch's own counter, as in crosscheck_timm_sixth.py (the module through ``dscost.analyze``, the
TorchScript and the dynamo exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: 1-D convs (depthwise and transposed: Conv-TasNet, the Conformer's convolution
module, wav2vec 2.0's feature extractor), 3-D convs and transposed convs (MONAI's U-Nets, UNETR,
SwinUNETR's 3-D windows, MedNeXt's depthwise 3-D convs with large kernels, VNet, DenseNet 3-D),
atrous depthwise-separable decoders (DeepLabV3+), U-Net++ dense skips, Segformer's mix
transformer, CLIP's towers (ModifiedResNet's attention pool, a ViT with a class token), and
kornia's local-feature descriptors (HardNet, SOSNet, TFeat, HyNet's filter response norm).

    /work/torchvenv/bin/pip install --no-deps torchaudio==2.11.1 monai segmentation-models-pytorch open_clip_torch kornia
    /work/torchvenv/bin/pip install ftfy kornia-rs
    /work/torchvenv/bin/python benchmarks/crosscheck_libraries.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/libs/zoo).

As run (2026-12-04, torch 2.14.1, torchaudio 2.11.1, MONAI 1.6.1, segmentation_models_pytorch
0.6.0, open_clip 3.3.0, kornia 0.9.0; ~13 min on 2 cores): 44 models.  **MACs equal torch's on
every count made, nothing uncounted**: 43 modules, 42 TorchScript files, 42 dynamo files.  Hybrid
Demucs exports with neither exporter (a complex STFT; a `view_as_complex` the dynamo exporter
cannot translate), said in one line; Emformer's TorchScript export fails in torch ("nonempty_tensors
must not be empty": the module goes to the dynamo exporter, -800 params of its rewrite), and
WavLM's dynamo export fails in torch ("Failed to decompose the FX graph").  Params equal torch's
on 36 modules; the others are parameters the forward never uses, which dscost's note names
(UNETR's and the 3-D ViT's cross-attention norms, FlexibleUNet's classifier head, PSPNet's
encoder stages past its depth of 3, DPT's ViT head, the CLIP text tower's image tower).  The
TorchScript files count as the modules, but HyNet's file (-3: its one-channel
FilterResponseNorm's learned one-element scalars, taken for literals in a file).  No dynamo file
counts more params than torch since this round's three fixes: open_clip's text tower (a causal
mask stored as 12 initializers of 0 and -inf: +71,148; a mask is known by its values now),
SwinUNETR (shifted-window masks written in place: +56,009) and MONAI's U-Nets (an InstanceNorm's
ones and zeros made for a conv's output: +244, +240, +48), the last two by names of torch.export's
values in the exporter's record; the rest are lower by the exporter's rewrite (BatchNorm folded,
equal initializers merged).  And a failed export's line no longer carries a SymbolicValueError's
"[Caused by the value ...]" dump.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/libs/zoo")


def _forward(model, fn):
    """``model`` behind the forward ``fn(model, *inputs)``."""
    from torch import nn

    class W(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, *xs):
            return fn(self.m, *xs)

    return W(model)


def _fixed_lengths(model):
    """A torchaudio model whose forward takes (input, lengths): every sequence whole, the first output."""
    import torch

    return _forward(model, lambda m, x: m(x, torch.full((x.shape[0],), x.shape[1], dtype=torch.int64))[0])


def _first_tensor(out):
    if isinstance(out, dict):
        return next(iter(out.values()))
    return out[0] if isinstance(out, (tuple, list)) else out


def _first(model):
    """A model returning a tuple, a list or a dict of tensors: its first tensor."""
    return _forward(model, lambda m, *xs: _first_tensor(m(*xs)))


def _text_tower(model):
    return _forward(model, lambda m, ids: m.encode_text(ids))


def _ta(name: str, **kw):
    import torchaudio.models as m

    return getattr(m, name)(**kw)


def _monai(name: str, **kw):
    import monai.networks.nets as m

    return getattr(m, name)(**kw)


def _smp(name: str, **kw):
    import segmentation_models_pytorch as smp

    return getattr(smp, name)(encoder_weights=None, **kw)


def _clip(name: str):
    import open_clip

    return open_clip.create_model(name, pretrained=None)


def _kornia(name: str):
    import kornia.feature as kf

    return getattr(kf, name)(pretrained=False)


def _entries() -> dict:
    img = lambda *s: [("input", s, "float32")]  # noqa: E731
    vol = img(1, 1, 32, 32, 32)
    return {
        # torchaudio 2.11.1
        "ta_conv_tasnet": (lambda: _ta("conv_tasnet_base", num_sources=2), img(1, 1, 4000), "Conv-TasNet: depthwise 1-D convs, ConvTranspose1d decoder"),
        "ta_wav2vec2_base": (lambda: _first(_ta("wav2vec2_base")), img(1, 4000), "wav2vec 2.0 base: 1-D conv feature extractor, grouped positional conv"),
        "ta_hubert_base": (lambda: _first(_ta("hubert_base")), img(1, 4000), "HuBERT base"),
        "ta_conformer": (lambda: _fixed_lengths(_ta("Conformer", input_dim=80, num_heads=4, ffn_dim=128, num_layers=2, depthwise_conv_kernel_size=31)),
                         img(1, 50, 80), "Conformer: depthwise 1-D conv module, lengths all whole"),
        "ta_wav2letter": (lambda: _ta("Wav2Letter", num_classes=40, input_type="waveform"), img(1, 1, 4000), "Wav2Letter on waveforms: strided 1-D convs"),
        "ta_deepspeech": (lambda: _ta("DeepSpeech", n_feature=80, n_hidden=256), img(1, 1, 50, 80), "DeepSpeech: FC layers and a bidirectional RNN"),
        "ta_wavlm_base": (lambda: _first(_ta("wavlm_base")), img(1, 4000), "WavLM base: gated relative position bias"),
        "ta_hdemucs_low": (lambda: _ta("hdemucs_low", sources=["drums", "vocals"]), img(1, 2, 8192), "Hybrid Demucs: STFT branch and waveform branch"),
        "ta_emformer": (lambda: _fixed_lengths(_ta("Emformer", input_dim=80, num_heads=4, ffn_dim=128, num_layers=2, segment_length=4)),
                        img(1, 52, 80), "Emformer: segment-wise attention with memory"),
        # MONAI 1.6.1
        "monai_unet3d": (lambda: _monai("UNet", spatial_dims=3, in_channels=1, out_channels=2, channels=(8, 16, 32, 64), strides=(2, 2, 2), num_res_units=2),
                         vol, "3-D residual U-Net, strided ConvTranspose3d"),
        "monai_basicunet": (lambda: _monai("BasicUNet", spatial_dims=3, features=(8, 8, 16, 32, 64, 8)), vol, "BasicUNet 3-D"),
        "monai_segresnet": (lambda: _monai("SegResNet", spatial_dims=3, init_filters=8, in_channels=1, out_channels=2), vol, "SegResNet 3-D, GroupNorm"),
        "monai_dynunet": (lambda: _monai("DynUNet", spatial_dims=3, in_channels=1, out_channels=2, kernel_size=[3, 3, 3, 3], strides=[1, 2, 2, 2],
                                         upsample_kernel_size=[2, 2, 2], filters=[8, 16, 32, 64]), vol, "DynUNet (nnU-Net), InstanceNorm"),
        "monai_attention_unet": (lambda: _monai("AttentionUnet", spatial_dims=2, in_channels=1, out_channels=2, channels=(8, 16, 32), strides=(2, 2)),
                                 img(1, 1, 64, 64), "2-D attention U-Net (attention gates)"),
        "monai_unetr": (lambda: _monai("UNETR", in_channels=1, out_channels=2, img_size=(32, 32, 32), feature_size=8, hidden_size=96, mlp_dim=192,
                                       num_heads=4), vol, "UNETR: 3-D ViT encoder, deconv decoder"),
        "monai_swinunetr": (lambda: _monai("SwinUNETR", in_channels=1, out_channels=2, feature_size=12, spatial_dims=3, depths=(2, 2, 2, 2),
                                           num_heads=(3, 6, 12, 24)), img(1, 1, 64, 64, 64), "SwinUNETR: 3-D shifted windows, 64^3"),
        "monai_vnet": (lambda: _monai("VNet", spatial_dims=3, in_channels=1, out_channels=2), vol, "VNet: 5x5x5 convs, PReLU"),
        "monai_densenet121_3d": (lambda: _monai("DenseNet121", spatial_dims=3, in_channels=1, out_channels=2), vol, "DenseNet-121 3-D"),
        "monai_highresnet": (lambda: _monai("HighResNet", spatial_dims=3, in_channels=1, out_channels=2), img(1, 1, 24, 24, 24), "HighResNet: dilated 3-D convs"),
        "monai_mednext_s": (lambda: _monai("MedNeXt", spatial_dims=3, in_channels=1, out_channels=2, init_filters=8, kernel_size=5),
                            vol, "MedNeXt-S: depthwise 5x5x5 convs, GroupNorm, transposed-conv up blocks"),
        "monai_segresnetds": (lambda: _monai("SegResNetDS", spatial_dims=3, init_filters=8, in_channels=1, out_channels=2), vol, "SegResNetDS 3-D"),
        "monai_flexible_unet": (lambda: _monai("FlexibleUNet", in_channels=3, out_channels=2, backbone="efficientnet-b0", pretrained=False),
                                img(1, 3, 64, 64), "FlexibleUNet, EfficientNet-B0 encoder"),
        "monai_seresnet50_3d": (lambda: _monai("SEResNet50", spatial_dims=3, in_channels=1, num_classes=2), vol, "SE-ResNet-50 3-D"),
        "monai_efficientnet_b0": (lambda: _monai("EfficientNetBN", model_name="efficientnet-b0", spatial_dims=2, in_channels=3, num_classes=10,
                                                 pretrained=False), img(1, 3, 64, 64), "EfficientNet-B0 (MONAI's, TF same padding)"),
        "monai_vit3d": (lambda: _first(_monai("ViT", in_channels=1, img_size=(32, 32, 32), patch_size=(8, 8, 8), hidden_size=96, mlp_dim=192,
                                              num_heads=4, classification=True)), vol, "3-D ViT with a class token"),
        "monai_resnet18_3d": (lambda: _monai("resnet18", spatial_dims=3, n_input_channels=1, num_classes=2), vol, "ResNet-18 3-D"),
        # segmentation_models_pytorch 0.6.0
        "smp_unet_resnet34": (lambda: _smp("Unet", encoder_name="resnet34"), img(1, 3, 64, 64), "U-Net, ResNet-34 encoder"),
        "smp_unetpp_resnet18": (lambda: _smp("UnetPlusPlus", encoder_name="resnet18"), img(1, 3, 64, 64), "U-Net++ dense skips"),
        "smp_fpn_mobilenet_v2": (lambda: _smp("FPN", encoder_name="mobilenet_v2"), img(1, 3, 64, 64), "FPN, MobileNetV2 encoder"),
        "smp_deeplabv3plus_resnet18": (lambda: _smp("DeepLabV3Plus", encoder_name="resnet18"), img(1, 3, 64, 64),
                                       "DeepLabV3+: atrous depthwise-separable ASPP and decoder"),
        "smp_pspnet_resnet18": (lambda: _smp("PSPNet", encoder_name="resnet18"), img(1, 3, 64, 64), "PSPNet pyramid pooling"),
        "smp_pan_resnet18": (lambda: _smp("PAN", encoder_name="resnet18"), img(1, 3, 128, 128), "PAN: feature pyramid attention, 128x128"),
        "smp_linknet_resnet18": (lambda: _smp("Linknet", encoder_name="resnet18"), img(1, 3, 64, 64), "LinkNet: transposed-conv decoder"),
        "smp_manet_resnet18": (lambda: _smp("MAnet", encoder_name="resnet18"), img(1, 3, 64, 64), "MA-Net: position attention"),
        "smp_upernet_resnet18": (lambda: _smp("UPerNet", encoder_name="resnet18"), img(1, 3, 64, 64), "UPerNet"),
        "smp_dpt_vit_small": (lambda: _smp("DPT", encoder_name="tu-vit_small_patch16_224"), img(1, 3, 224, 224), "DPT, timm ViT-S/16 encoder"),
        "smp_segformer_mit_b0": (lambda: _smp("Segformer", encoder_name="mit_b0"), img(1, 3, 64, 64), "Segformer: mix transformer, efficient attention"),
        # open_clip 3.3.0
        "clip_rn50_visual": (lambda: _clip("RN50").visual, img(1, 3, 224, 224), "CLIP RN50 image tower: ModifiedResNet, attention pool"),
        "clip_vit_b32_visual": (lambda: _clip("ViT-B-32").visual, img(1, 3, 224, 224), "CLIP ViT-B/32 image tower"),
        "clip_vit_b32_text": (lambda: _text_tower(_clip("ViT-B-32")), [("ids", (1, 77), "int64")], "CLIP ViT-B/32 text tower, causal mask, argmax pooling"),
        # kornia 0.9.0
        "kornia_hardnet": (lambda: _kornia("HardNet"), img(4, 1, 32, 32), "HardNet patch descriptor"),
        "kornia_sosnet": (lambda: _kornia("SOSNet"), img(4, 1, 32, 32), "SOSNet patch descriptor"),
        "kornia_tfeat": (lambda: _kornia("TFeat"), img(4, 1, 32, 32), "TFeat patch descriptor"),
        "kornia_hynet": (lambda: _kornia("HyNet"), img(4, 1, 32, 32), "HyNet: filter response norm, TLU"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
