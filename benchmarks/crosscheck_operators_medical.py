"""Twenty-first blind round (2026-12-05): neural operators (neuraloperator), medical-imaging
networks (nnU-Net's dynamic-network-architectures, torchxrayvision), perceptual metrics (lpips) and
fastai's own architectures, libraries no earlier round held, each model counted three ways against
torch's own counter, as in crosscheck_timm_sixth.py (the module through ``dscost.analyze``, the
TorchScript and the dynamo exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: spectral convolutions (FNO, TFNO, UNO: rfft over the last 1-3 dims, a complex
per-mode channel mixing by einsum on a truncated corner of the spectrum, irfft back; Tucker- and
CP-factorized spectral weights in TFNO), each exporter's handling of complex FFTs; nnU-Net's
PlainConvUNet and ResidualEncoderUNet in 2-D and 3-D (InstanceNorm, LeakyReLU, strided convs,
transposed-conv upsampling, deep supervision heads); torchxrayvision's single-channel DenseNet-121
(a resize to 224 in its forward) and its ResNet autoencoder (transposed-conv bottlenecks); LPIPS
on alex, vgg and squeeze backbones (two inputs, a fixed scaling layer, channel-normalized features,
1x1 linear heads, spatial averages); fastai's xresnet variants (ResNet-D stems, SE, ResNeXt
groups), DynamicUnet over a ResNet-18 (PixelShuffle_ICNR upsampling, self-attention option) and
TabularModel (embeddings, BatchNorm1d over continuous columns).

    /work/hvB/bin/pip install -c constraints.txt neuraloperator dynamic-network-architectures lpips torchxrayvision fastai
    # constraints.txt: torch, torchvision, numpy, onnx, onnxscript and protobuf at the venv's versions
    /work/hvB/bin/python benchmarks/crosscheck_operators_medical.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r21/zoo).

As run (2026-12-05, torch 2.14.1, torchvision 0.29.1, onnx 1.23.2, onnxscript 0.7.2, neuraloperator
2.0.0, dynamic-network-architectures 0.4.4, torchxrayvision 1.5.7, lpips 0.1.4, fastai 2.8.12 with
fastcore 2.2.41; 7 min on 2 cores): 24 models, torch's counter ran on all.  **No neural operator
exports either way** (FNO 1/2/3-D, TFNO Tucker/CP, UNO: 6 models, so no module count either, an
InputError naming both exporters' failures): the TorchScript exporter stops on neuralop's state_dict
metadata (a dict) and, past that, has no aten::fft_rfft at opset 17-20; the dynamo exporter cannot
decompose the complex slice assignment of the kept modes (slice_scatter on complex) nor a complex
einsum.  A real-valued rfft/irfft filter does export by dynamo, as ONNX DFT nodes, which dscost
lists as uncounted with a reason (torch counts FFTs as 0 too).  fastai's DynamicUnet (both) fails
torch.export, so it has no dynamo file.  Of the rest, **MACs equal torch's on 18 of 18 modules,
18 of 18 TorchScript files and 16 of 16 dynamo files, nothing uncounted** -- with the reference
counting aten.dot and aten.vdot by formula since this round: its first run had DynamicUnet with
self-attention +480 over torch (module and TorchScript file), whose spectral-normed query, key and
value recompute sigma = dot(u, W v) each forward; the 1-D x 1-D MatMul (48 + 48 + 384 MACs) is
arithmetic dscost counts and torch's counter has no formula for (as aten.mv, which the reference
already added by hand).  Params equal torch's
on 14 of 18 modules: nnU-Net's 4 without deep supervision hold 150 values of seg heads the forward
never uses (named in a note).  The TorchScript files differ also by LPIPS's scaling-layer shift and
scale (6 buffer values stored as initializers) and DynamicUnet-SA's spectral-norm u and v buffers
(1,632) less its one-element gamma (-1).  The dynamo files are lower on 14 of 16, all named in
the note on tensors the file does not hold: BatchNorms folded into convs (DenseNet, xresnets,
ResNet autoencoder), and values the exporter merged or dropped because they coincide at random
initialization -- nnU-Net's fresh InstanceNorms (weight 1s, bias 0s) share one pair of
initializers per width, and LPIPS's random VGG/SqueezeNet backbones lose their all-zero conv
biases (the Conv keeps 2 inputs).  cellpose and darts were not tried (no time left in the round).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r21/zoo")


def _neuralop(kind: str):
    from neuralop import models as M

    if kind == "fno1d":
        return M.FNO(n_modes=(8,), hidden_channels=16, in_channels=2, out_channels=1, n_layers=2)
    if kind == "fno2d":
        return M.FNO(n_modes=(8, 8), hidden_channels=16, in_channels=3, out_channels=1, n_layers=4)
    if kind == "fno3d":
        return M.FNO(n_modes=(4, 4, 4), hidden_channels=8, in_channels=1, out_channels=1, n_layers=2)
    if kind == "tfno_tucker":
        return M.TFNO(n_modes=(8, 8), hidden_channels=16, in_channels=3, out_channels=1, n_layers=2, factorization="tucker", rank=0.5)
    if kind == "tfno_cp":
        return M.TFNO(n_modes=(8, 8), hidden_channels=16, in_channels=3, out_channels=1, n_layers=2, factorization="cp", rank=0.5)
    if kind == "uno":
        return M.UNO(in_channels=3, out_channels=1, hidden_channels=16, lifting_channels=32, projection_channels=32, n_layers=3, uno_out_channels=[16, 32, 16],
                     uno_n_modes=[[8, 8], [4, 4], [8, 8]], uno_scalings=[[1.0, 1.0], [0.5, 0.5], [2.0, 2.0]], channel_mlp_skip="linear")  # fmt: skip
    raise ValueError(kind)


def _nnunet(kind: str, dim: int):
    from dynamic_network_architectures.architectures.unet import PlainConvUNet, ResidualEncoderUNet
    from torch import nn

    conv = nn.Conv2d if dim == 2 else nn.Conv3d
    norm = nn.InstanceNorm2d if dim == 2 else nn.InstanceNorm3d
    kw = dict(input_channels=1, n_stages=4, features_per_stage=(8, 16, 32, 64), conv_op=conv, kernel_sizes=3, strides=(1, 2, 2, 2),
              num_classes=3, n_conv_per_stage_decoder=(1, 1, 1), conv_bias=True, norm_op=norm, norm_op_kwargs={"eps": 1e-5, "affine": True},
              nonlin=nn.LeakyReLU, nonlin_kwargs={"inplace": True}, deep_supervision=kind.endswith("_ds"))  # fmt: skip
    if kind.startswith("plain"):
        return PlainConvUNet(n_conv_per_stage=(2, 2, 2, 2), **kw)
    return ResidualEncoderUNet(n_blocks_per_stage=(1, 2, 2, 2), **kw)


def _xrv(kind: str):
    import torchxrayvision as xrv

    if kind == "densenet":
        return xrv.models.DenseNet(weights=None)
    if kind == "resnetae":
        ae = xrv.autoencoders._ResNetAE(xrv.autoencoders.Bottleneck, xrv.autoencoders.DeconvBottleneck, [3, 4, 6, 3], 1)
        ae.weights = None  # (its __repr__ reads it; ResNetAE(weights=...) sets it after a download)
        return ae
    raise ValueError(kind)


def _lpips(net: str):
    """LPIPS (version 0.1: its shipped 1x1 linear heads) on a random backbone (no download)."""
    import lpips

    return lpips.LPIPS(net=net, pretrained=True, pnet_rand=True, verbose=False)


def _fastai(kind: str):
    from fastai.vision.models import xresnet as X

    if kind in ("xresnet18", "xresnet34_deep", "xse_resnext18", "xresnext18", "xresnet50"):
        return getattr(X, kind)(n_out=10)
    if kind.startswith("unet"):
        from fastai.vision.learner import create_body
        from fastai.vision.models.unet import DynamicUnet
        from torchvision.models import resnet18

        body = create_body(resnet18(), n_in=3, pretrained=False)
        return DynamicUnet(body, n_out=4, img_size=(64, 64), self_attention=kind.endswith("_sa"))
    if kind == "tabular":
        from fastai.tabular.model import TabularModel
        from torch import nn

        class Tab(nn.Module):
            def __init__(self):
                super().__init__()
                self.m = TabularModel(emb_szs=[(10, 6), (20, 8)], n_cont=5, out_sz=2, layers=[64, 32])

            def forward(self, cat, cont):
                return self.m(cat % 10, cont)

        return Tab()
    raise ValueError(kind)


def _entries() -> dict:
    img = lambda s, c=3: [("image", (1, c, s, s), "float32")]  # noqa: E731
    pair = lambda s: [("x0", (1, 3, s, s), "float32"), ("x1", (1, 3, s, s), "float32")]  # noqa: E731
    no = lambda kind, inputs, note: (lambda: _neuralop(kind), inputs, note)  # noqa: E731
    nn_ = lambda kind, dim, inputs, note: (lambda: _nnunet(kind, dim), inputs, note)  # noqa: E731
    fa = lambda kind, inputs, note: (lambda: _fastai(kind), inputs, note)  # noqa: E731
    return {
        # neuraloperator: spectral convolutions (complex FFTs)
        "fno1d": no("fno1d", [("u", (1, 2, 64), "float32")], "FNO 1-D (2 layers, 8 modes): rfft, complex mode mixing, irfft"),
        "fno2d": no("fno2d", [("u", (1, 3, 32, 32), "float32")], "FNO 2-D (4 layers, 8x8 modes)"),
        "fno3d": no("fno3d", [("u", (1, 1, 16, 16, 16), "float32")], "FNO 3-D (2 layers, 4x4x4 modes)"),
        "tfno_tucker": no("tfno_tucker", [("u", (1, 3, 32, 32), "float32")], "TFNO 2-D, Tucker-factorized spectral weights"),
        "tfno_cp": no("tfno_cp", [("u", (1, 3, 32, 32), "float32")], "TFNO 2-D, CP-factorized spectral weights"),
        "uno": no("uno", [("u", (1, 3, 32, 32), "float32")], "U-shaped neural operator (spectral convs that resample)"),
        # dynamic-network-architectures (nnU-Net)
        "nnunet_plain2d": nn_("plain", 2, img(64, 1), "PlainConvUNet 2-D (4 stages, InstanceNorm, LeakyReLU)"),
        "nnunet_plain2d_ds": nn_("plain_ds", 2, img(64, 1), "PlainConvUNet 2-D with deep supervision heads"),
        "nnunet_plain3d": nn_("plain", 3, [("volume", (1, 1, 32, 32, 32), "float32")], "PlainConvUNet 3-D"),
        "nnunet_resenc2d": nn_("resenc", 2, img(64, 1), "ResidualEncoderUNet 2-D"),
        "nnunet_resenc3d": nn_("resenc", 3, [("volume", (1, 1, 32, 32, 32), "float32")], "ResidualEncoderUNet 3-D"),
        # torchxrayvision
        "xrv_densenet": (lambda: _xrv("densenet"), img(224, 1), "torchxrayvision DenseNet-121, 1 channel, 18 pathologies"),
        "xrv_densenet_128": (lambda: _xrv("densenet"), img(128, 1), "the same on 128 px (no input_resolution without weights: no resize)"),
        "xrv_resnetae": (lambda: _xrv("resnetae"), img(224, 1), "torchxrayvision ResNet autoencoder (transposed-conv bottlenecks)"),
        # lpips: two images, a scaling layer, 1x1 linear heads
        "lpips_alex": (lambda: _lpips("alex"), pair(64), "LPIPS on AlexNet features"),
        "lpips_vgg": (lambda: _lpips("vgg"), pair(64), "LPIPS on VGG-16 features"),
        "lpips_squeeze": (lambda: _lpips("squeeze"), pair(64), "LPIPS on SqueezeNet features"),
        # fastai
        "fa_xresnet18": fa("xresnet18", img(64), "xresnet18 (ResNet-D stem, avg-pool shortcuts)"),
        "fa_xresnet34_deep": fa("xresnet34_deep", img(64), "xresnet34_deep (extra stages)"),
        "fa_xresnet50": fa("xresnet50", img(64), "xresnet50 (bottlenecks)"),
        "fa_xse_resnext18": fa("xse_resnext18", img(64), "xse_resnext18 (SE, grouped convs)"),
        "fa_unet": fa("unet", img(64), "DynamicUnet over ResNet-18 (PixelShuffle_ICNR)"),
        "fa_unet_sa": fa("unet_sa", img(64), "DynamicUnet with self-attention"),
        "fa_tabular": fa("tabular", [("cat", (4, 2), "int64"), ("cont", (4, 5), "float32")], "TabularModel: 2 embeddings, BatchNorm1d, 2 layers"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
