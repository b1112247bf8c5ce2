"""Eighteenth blind round (2026-12-05): CNN model zoos no earlier round held -- pytorchcv,
pretrainedmodels (Cadene's), facenet-pytorch and lightly -- each model counted three ways against
torch's own counter, as in crosscheck_timm_sixth.py (the module through ``dscost.analyze``, the
TorchScript and the dynamo exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: channel shuffles (ShuffleNet v1's grouped 1x1 convs, v2's split and concat,
CondenseNet's grouped convs with shuffles, IGCv3, MENet), ghost modules (cheap depthwise "ghost"
features concatenated), HarDNet's and PeleeNet's dense links, DLA's tree aggregation, selective
kernels (SKNet's softmax over branches), split attention (ResNeSt), RegNetY's SE, DiracNet's
weight parametrization, octave convs (high and low frequency paths, avg-pool and nearest upsample),
SqueezeNext's separable 1x3/3x1 convs, ESPNetv2's EESP units (grouped dilated convs, hierarchical
adds), FractalNet's joins (a mean of paths), PyramidNet's zero-padded shortcuts, AirNet's
attention, BagNet's small receptive fields, SelecSLS, VoVNet's one-shot aggregation, ProxylessNAS,
MixNet's mixed-kernel depthwise convs (channel splits), DiceNet's dimension-wise convs (convs over
permuted height and width), ChannelNet's channel-wise convs (a Conv3d over channels), iSQRT-COV
pooling (a covariance by bmm and Newton-Schulz iterations), HRNet's multi-resolution fusion, a
SimplePose head (transposed convs), Fast-SCNN's and SINet's upsampling, NASNet-mobile cells (from
Cadene's package), SE-ResNeXt, DPN's dual paths (slice, add and concat), Inception-v4,
Xception, BN-Inception, PolyNet's poly-inception modules; FaceNet's Inception-ResNet-v1 and MTCNN's
P/R/O-Nets (PReLU, softmax), lightly's self-supervised heads (SimCLR, BYOL projection+prediction,
DINO's weight-normed last layer with L2 normalization, SwAV prototypes, Barlow Twins) on a
torchvision ResNet-18 trunk.  Classification nets whose last pool is a fixed AvgPool2d(k >= 7)
get an AdaptiveAvgPool2d(1) in its place so that they run at 32-160 px; random weights only.

    /work/hvB/bin/pip install -c constraints.txt pytorchcv pretrainedmodels lightly six
    /work/hvB/bin/pip install --no-deps facenet-pytorch      # (it pins an old torch)
    # constraints.txt: torch==2.14.1 (pretrainedmodels imports six without declaring it)
    /work/hvB/bin/python benchmarks/crosscheck_cnn_zoos.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r18/zoo).

As run (2026-12-05, torch 2.14.1, torchvision 0.29.1, onnx 1.23.2, onnxscript 0.7.2, pytorchcv
0.0.74, pretrainedmodels 0.7.4, facenet-pytorch 2.6.0, lightly 1.6.0; 16 min on 2 cores): 61 models,
torch's counter ran on all, every export ran (no failure in either exporter).  **MACs equal torch's
on 60 of 61 counts each way (modules, TorchScript files, dynamo files); the one other is
iSQRT-COV ResNet-18**, whose covariance pooling ends in ``torch.ones(n, n).triu().view(-1).nonzero()``
on a 256x256 constant: the file holds it as a float constant (256 KB) whose data dscost does not
read, so the NonZero is taken for data-dependent and the classifier Gemm after it (32,896,000 MACs)
is left uncounted, its reason saying so and pointing to ``--measure-sizes``, which counts the
dynamo file exactly (486,142,976).  The TorchScript file (and so the module, which dscost exports
with that exporter) is lower by 167,772,160 more: ten of the twelve 256^3 products of the
Newton-Schulz iterations are gone from it -- they run inside a ``torch.autograd.Function`` that
writes them into slices of a zeros tensor and reads them back, and the TorchScript exporter bakes
the slices read back into Constants (torch's behaviour, no warning; the dynamo exporter keeps
them).  Params equal torch's on all 61 modules and 61 TorchScript files; the dynamo files are
lower on 59 of 61, each by its rewrite: BatchNorms folded into their convs (and the BNs it keeps
with their fresh ones and zeros merged per shape), all-zero biases dropped (SE convs, DiracNet's
convs, classifier and DINO-head biases), equal fresh initializers merged (PReLU 0.25s of one shape).
What-ifs: grouped convs (ResNeXt, CondenseNet, ShuffleNet v1, SKNet, RegNet, DPN) and depthwise
ones get none and counted in the "other" share; 1-output-channel 7x7 convs (CBAM's spatial gate,
LEDNet's attention) got a separable what-if that costs more (ratio 1 + 1/49, shown as 0.98x).
Fixed since the run: a NonZero computed from stored constants alone reads them (at most 65,536
elements each), so iSQRT-COV's dynamo file counts torch's 486,142,976 and its TorchScript file
318,370,816 (only the exporter's loss left); grouped convs have their own Table-2 share; a conv to
one output channel gets no what-if.  Left open: the TorchScript exporter's loss in the
autograd.Function leaves a MatMul by a literal of zeros, as a hand-written RNN's zero initial state
does too, so nothing in the graph tells dscost to take the dynamo exporter instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r18/zoo")


def _adapt(m):
    """Every AvgPool2d with a kernel of 7 or more (a classifier's last pool, fixed for 224 px)
    replaced by AdaptiveAvgPool2d(1)."""
    from torch import nn

    for mod in list(m.modules()):
        for cn, c in list(mod.named_children()):
            if isinstance(c, nn.AvgPool2d):
                k = c.kernel_size if isinstance(c.kernel_size, int) else c.kernel_size[0]
                if k >= 7:
                    setattr(mod, cn, nn.AdaptiveAvgPool2d(1))
    return m


def _final_adaptive(m):
    """``m.features.final_pool`` (a fixed AvgPool2d) replaced by AdaptiveAvgPool2d(1)."""
    from torch import nn

    m.features.final_pool = nn.AdaptiveAvgPool2d(1)
    return m


def _cv(name: str, adapt: bool = True, **kw):
    from pytorchcv.model_provider import get_model

    m = get_model(name, pretrained=False, **kw)
    return _adapt(m) if adapt else m


def _pm(name: str):
    import pretrainedmodels as P

    m = _adapt(P.__dict__[name](num_classes=1000, pretrained=None))
    if hasattr(m, "test_time_pool"):  # DPN: its eval-time 7x7 pool and conv classifier off
        m.test_time_pool = False
    return m


def _facenet(name: str):
    from facenet_pytorch import InceptionResnetV1
    from facenet_pytorch.models.mtcnn import ONet, PNet, RNet

    if name == "irv1":
        return InceptionResnetV1(pretrained=None)
    return {"pnet": PNet, "rnet": RNet, "onet": ONet}[name](pretrained=False)


def _trunk():
    """torchvision's ResNet-18 without its classifier, flattened to (N, 512)."""
    import torchvision
    from torch import nn

    r = torchvision.models.resnet18(weights=None)
    return nn.Sequential(*list(r.children())[:-1], nn.Flatten(1))


def _ssl(kind: str):
    """A lightly model: the ResNet-18 trunk, then the method's heads (as lightly's examples)."""
    import lightly.models.modules.heads as H
    from torch import nn

    if kind == "simclr":
        return nn.Sequential(_trunk(), H.SimCLRProjectionHead(512, 512, 128))
    if kind == "byol":
        return nn.Sequential(_trunk(), H.BYOLProjectionHead(512, 1024, 256), H.BYOLPredictionHead(256, 1024, 256))
    if kind == "dino":
        return nn.Sequential(_trunk(), H.DINOProjectionHead(512, 512, 64, 2048, batch_norm=True))
    if kind == "swav":
        return nn.Sequential(_trunk(), H.SwaVProjectionHead(512, 512, 128), H.SwaVPrototypes(128, 300))
    if kind == "barlowtwins":
        return nn.Sequential(_trunk(), H.BarlowTwinsProjectionHead(512, 1024, 1024))
    raise ValueError(kind)


def _entries() -> dict:
    img = lambda h, w=None: [("input", (1, 3, h, w or h), "float32")]  # noqa: E731
    cv = lambda n, s, note, **kw: (lambda: _cv(n, **kw), img(*s) if isinstance(s, tuple) else img(s), note)  # noqa: E731
    return {
        # pytorchcv 0.0.74
        "cv_shufflenetv2_wd2": cv("shufflenetv2_wd2", 64, "ShuffleNetV2 x0.5: channel split, concat, shuffle"),
        "cv_shufflenet_g3_wd4": cv("shufflenet_g3_wd4", 64, "ShuffleNet v1 g=3 x0.25: grouped 1x1 convs, shuffle, avg-pool concat"),
        "cv_condensenet74_c4_g4": cv("condensenet74_c4_g4", 64, "CondenseNet-74 (C=G=4): grouped 1x1 convs with index shuffle, dense"),
        "cv_igcv3_wd4": cv("igcv3_wd4", 64, "IGCv3 x0.25: grouped pointwise convs, permutation"),
        "cv_menet108_8x1_g3": cv("menet108_8x1_g3", 64, "MENet: grouped convs, shuffle, merge/evolve narrow branch"),
        "cv_ghostnet": cv("ghostnet", 64, "GhostNet: primary conv + cheap depthwise ghost features, SE"),
        "cv_mnasnet_small": cv("mnasnet_small", 64, "MnasNet small: inverted residuals, SE"),
        "cv_fbnet_cb": cv("fbnet_cb", 64, "FBNet-C: grouped 1x1 convs, shuffle, depthwise k=3/5"),
        "cv_proxylessnas_mobile": cv("proxylessnas_mobile", 64, "ProxylessNAS mobile: MBConv k=3/5/7"),
        "cv_mixnet_s": cv("mixnet_s", 64, "MixNet-S: mixed-kernel depthwise convs over channel splits, grouped 1x1"),
        "cv_hardnet39ds": cv("hardnet39ds", 64, "HarDNet-39DS: harmonic dense links, depthwise-separable"),
        "cv_peleenet": cv("peleenet", 64, "PeleeNet: two-way dense layers, stem with pool branch"),
        "cv_dla34": cv("dla34", 64, "DLA-34: hierarchical tree aggregation"),
        "cv_sknet50": cv("sknet50", 64, "SKNet-50: selective kernels (grouped 3x3 and dilated, softmax over branches)"),
        "cv_resnestabc14": cv("resnestabc14", 64, "ResNeSt-ABC14: split attention (radix 2, rSoftMax)"),
        "cv_regnety002": cv("regnety002", 64, "RegNetY-200MF: group-width convs, SE"),
        "cv_diracnet18v2": cv("diracnet18v2", 64, "DiracNet-18v2: plain convs, no shortcuts, NCReLU-free"),
        "cv_darknet53": cv("darknet53", 64, "DarkNet-53: leaky ReLU, residual"),
        "cv_octresnet10_ad2": cv("octresnet10_ad2", 64, "Octave ResNet-10 (alpha 1/2): high/low paths, avg-pool, nearest upsample"),
        "cv_sqnxt23_w1": cv("sqnxt23_w1", 64, "SqueezeNext-23: 1x3 and 3x1 convs, bottleneck"),
        "cv_espnetv2_wd2": cv("espnetv2_wd2", 64, "ESPNetv2 x0.5: EESP (grouped dilated convs, hierarchical sums), shuffle"),
        "cv_dicenet_wd5": cv("dicenet_wd5", 64, "DiceNet x0.2: dimension-wise convs (over permuted H and W), fixed in_size pools"),
        "cv_channelnet": cv("channelnet", 64, "ChannelNet: channel-wise convs (Conv3d over channels), grouped"),
        "cv_isqrtcovresnet18": cv("isqrtcovresnet18", 64, "iSQRT-COV ResNet-18: covariance pooling (bmm), Newton-Schulz iterations"),
        "cv_fractalnet_cifar10": cv("fractalnet_cifar10", 32, "FractalNet (CIFAR): fractal joins by mean"),
        "cv_pyramidnet110_a48_cifar10": cv("pyramidnet110_a48_cifar10", 32, "PyramidNet-110 a48 (CIFAR): zero-padded shortcut channels"),
        "cv_preresnet10": cv("preresnet10", 64, "PreResNet-10: pre-activation"),
        "cv_airnet50_1x64d_r2": cv("airnet50_1x64d_r2", 64, "AirNet-50: attention branch (pool, convs, upsample, sigmoid)"),
        "cv_bagnet9": cv("bagnet9", 128, "BagNet-9: 1x1-heavy, few 3x3, valid padding"),
        "cv_selecsls42b": (lambda: _final_adaptive(_cv("selecsls42b", adapt=False)), img(128),
                           "SelecSLS-42b: selective skip concatenations (its 4x4 last pool made adaptive)"),
        "cv_vovnet27s": cv("vovnet27s", 64, "VoVNet-27-slim: one-shot aggregation"),
        "cv_hrnet_w18_small_v1": cv("hrnet_w18_small_v1", 64, "HRNet-W18-small-v1: multi-resolution fusion, nearest upsample"),
        "cv_simplepose_resnet18": cv("simplepose_resnet18_coco", (128, 96), "SimplePose ResNet-18 heatmaps: 3 ConvTranspose2d",
                                     adapt=False, in_size=(128, 96), return_heatmap=True),
        "cv_fastscnn": cv("fastscnn_cityscapes", 128, "Fast-SCNN: pyramid pooling, bilinear upsampling, no aux", adapt=False,
                          in_size=(128, 128), aux=False),
        "cv_sinet": cv("sinet_cityscapes", 128, "SINet: S2 modules (avg-pool, depthwise, upsample), channel shuffle", adapt=False,
                       in_size=(128, 128)),
        # pretrainedmodels 0.7.4
        "pm_nasnetamobile": (lambda: _pm("nasnetamobile"), img(96), "NASNet-A mobile: separable-conv cells, ZeroPad and crop, avg pools"),
        "pm_se_resnext50_32x4d": (lambda: _pm("se_resnext50_32x4d"), img(64), "SE-ResNeXt-50 32x4d"),
        "pm_dpn68": (lambda: _pm("dpn68"), img(64), "DPN-68: dual paths (slices, residual add, dense concat), grouped 3x3"),
        "pm_bninception": (lambda: _pm("bninception"), img(96), "BN-Inception"),
        "pm_xception": (lambda: _pm("xception"), img(96), "Xception: separable convs"),
        "pm_inceptionv4": (lambda: _pm("inceptionv4"), img(160), "Inception-v4: 1x7/7x1 factorized convs"),
        # facenet-pytorch 2.6.0
        "fn_inception_resnet_v1": (lambda: _facenet("irv1"), img(96), "FaceNet InceptionResnetV1: scaled residuals, L2-normalized embedding"),
        "fn_pnet": (lambda: _facenet("pnet"), img(48), "MTCNN P-Net: PReLU, box regression and softmax over 2 maps (both outputs)"),
        "fn_rnet": (lambda: _facenet("rnet"), img(24), "MTCNN R-Net (24 px): PReLU, FC, softmax"),
        "fn_onet": (lambda: _facenet("onet"), img(48), "MTCNN O-Net (48 px): PReLU, 3 outputs"),
        # lightly 1.6.0
        "ssl_simclr": (lambda: _ssl("simclr"), img(64), "lightly SimCLR head on ResNet-18"),
        "ssl_byol": (lambda: _ssl("byol"), img(64), "lightly BYOL projection + prediction heads (BatchNorm1d)"),
        "ssl_dino": (lambda: _ssl("dino"), img(64), "lightly DINO head: MLP, L2 normalize, weight-normed last layer"),
        "ssl_swav": (lambda: _ssl("swav"), img(64), "lightly SwAV projection + prototypes"),
        "ssl_barlowtwins": (lambda: _ssl("barlowtwins"), img(64), "lightly Barlow Twins head"),
        # added after the first pass
        "cv_cbam_resnet18": cv("cbam_resnet18", 64, "CBAM ResNet-18: channel (avg+max MLP) and spatial (mean/max over channels, 7x7 conv) attention"),
        "cv_efficientnet_b0b": cv("efficientnet_b0b", 64, "EfficientNet-B0b (TF 'same' padding by F.pad), SE, swish"),
        "cv_fishnet99": cv("fishnet99", 64, "FishNet-99: up-sampling body, channel-wise reduction (sum of neighbouring channels)"),
        "cv_lednet": cv("lednet_cityscapes", 128, "LEDNet: split-shuffle blocks, attention pyramid decoder", adapt=False, in_size=(128, 128)),
        "cv_dabnet": cv("dabnet_cityscapes", 128, "DABNet: depthwise asymmetric dilated convs, input downsampling", adapt=False, in_size=(128, 128)),
        "cv_scnet50": cv("scnet50", 128, "SCNet-50: self-calibrated convs (avg-pool, conv, upsample, sigmoid gate)"),
        "pm_inceptionresnetv2": (lambda: _pm("inceptionresnetv2"), img(160), "Inception-ResNet-v2: scaled residual branches"),
        "cv_nasnet_4a1056": cv("nasnet_4a1056", 64, "pytorchcv NASNet-A 4@1056 (mobile)"),
        # heavy, last
        "cv_xception": cv("xception", 96, "pytorchcv Xception"),
        "cv_wrn16_10_cifar10": cv("wrn16_10_cifar10", 32, "WRN-16-10 (CIFAR)"),
        "pm_polynet": (lambda: _pm("polynet"), img(160), "PolyNet: poly-inception modules (2-way and 3-way polys), scaled residuals"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
