"""PyTorch modules for tests/test_torch.py, named by targets such as
``tests/torch_models.py:tiny`` (a file) or ``torch_models:tiny`` (a module: tests/ is on
sys.path under pytest).  Imports torch: only the torch tests import this file."""

from __future__ import annotations

import functools

import sys

import torch
from torch import nn
from torch.nn import functional as F

print("torch_models: printed while importing")  # stdout noise the reader must swallow


def conv_bn(i: int, o: int, k: int = 3, s: int = 1, g: int = 1, act=nn.ReLU6) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(i, o, k, s, (k - 1) // 2, groups=g, bias=False), nn.BatchNorm2d(o), act(inplace=True))


class Squeeze(nn.Module):
    """Squeeze-and-excitation: ops of its own (mean, sigmoid, mul) around two 1x1 convs."""

    def __init__(self, c: int, r: int = 4) -> None:
        super().__init__()
        self.fc1 = nn.Conv2d(c, c // r, 1)
        self.fc2 = nn.Conv2d(c // r, c, 1)

    def forward(self, x):
        y = x.mean((2, 3), keepdim=True)
        return x * torch.sigmoid(self.fc2(F.relu(self.fc1(y))))


class Tiny(nn.Module):
    """stem conv 3x3 s2 + BN + ReLU6 | dw 3x3 + BN + ReLU6 | pw 1x1 + BN | SE | GAP | dropout | fc."""

    def __init__(self, num_classes: int = 10, width: int = 8) -> None:
        super().__init__()
        self.stem = conv_bn(3, width, 3, 2)
        self.dw = conv_bn(width, width, 3, 1, width)
        self.pw = nn.Sequential(nn.Conv2d(width, 2 * width, 1, bias=False), nn.BatchNorm2d(2 * width))
        self.se = Squeeze(2 * width)
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(2 * width, num_classes))

    def forward(self, x):
        print("Tiny.forward: printed on every call")
        print("Tiny.forward: and on stderr", file=sys.stderr)
        x = self.se(self.pw(self.dw(self.stem(x))))
        return self.head(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def tiny(num_classes: int = 10, width: int = 8) -> Tiny:
    print(f"tiny(num_classes={num_classes}, width={width})")
    return Tiny(num_classes, width)


tiny_instance = Tiny()  # an nn.Module attribute: no factory call


class Pair(nn.Module):
    """Two inputs, an optional third: named --input-shape values map to forward parameters."""

    def __init__(self) -> None:
        super().__init__()
        self.image = nn.Conv2d(3, 4, 3, padding=1)
        self.extra = nn.Linear(6, 4)

    def forward(self, image, extra, scale=None):
        out = self.image(image).mean((2, 3)) + self.extra(extra)
        return out if scale is None else out * scale


# -- MobileNetV2 as torchvision writes it (torchvision.models.mobilenet_v2: 300,774,272 MACs,
#    3,504,872 params at 1x3x224x224; the zoo table of docs/onnx.md)


class InvertedResidual(nn.Module):
    def __init__(self, i: int, o: int, stride: int, t: int) -> None:
        super().__init__()
        h = i * t
        layers = [conv_bn(i, h, 1)] if t != 1 else []
        layers += [conv_bn(h, h, 3, stride, h), nn.Conv2d(h, o, 1, bias=False), nn.BatchNorm2d(o)]
        self.conv = nn.Sequential(*layers)
        self.use_res_connect = stride == 1 and i == o

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        layers, i = [conv_bn(3, 32, 3, 2)], 32
        for t, c, n, s in [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]:
            for k in range(n):
                layers.append(InvertedResidual(i, c, s if k == 0 else 1, t))
                i = c
        layers.append(conv_bn(i, 1280, 1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, num_classes))

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


def mobilenet_v2(num_classes: int = 1000) -> MobileNetV2:
    return MobileNetV2(num_classes)


# -- error cases


def raises(**kwargs):
    raise ValueError("bad config: depth must be even")


def bad_checkpoint():
    """A checkpoint of another shape: torch's error is a heading line and its reasons after it."""
    m = nn.Linear(4, 4)
    m.load_state_dict({"weight": torch.zeros(4, 3), "bias": torch.zeros(4)})
    return m


def returns_int():
    return 42


NOT_CALLABLE = 3


def _passes_flag(forward):
    """A forward wrapper that passes one argument by keyword, as transformers 5's output-capturing
    decorators pass ``use_cache``; functools.wraps keeps the forward's signature for inspect."""

    @functools.wraps(forward)
    def wrapper(self, *args, **kwargs):
        kwargs["flag"] = False
        return forward(self, *args, **kwargs)

    return wrapper


class KeywordForward(nn.Module):
    """Conv 3->8 3x3 then Linear 8->4 under :func:`_passes_flag`: the TorchScript exporter fills
    in ``flag=None`` positionally, and the call fails with "got multiple values for argument 'flag'"."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.fc = nn.Linear(8, 4)

    @_passes_flag
    def forward(self, x, flag=None):
        return self.fc(self.conv(x).mean((2, 3)))


class KeepLast(nn.Module):
    """A Linear 8 -> 10 (no bias) on the last ``keep`` positions, all of them when ``keep`` is 0,
    as transformers' ``logits_to_keep``."""

    def __init__(self):
        super().__init__()
        self.head = nn.Linear(8, 10, bias=False)

    def forward(self, x, keep: int = 0):
        return self.head(x[:, -keep:, :])


class Cache:
    """Not a tensor: what a decoder returns beside its logits unless ``use_cache=False``."""


class CachingForward(nn.Module):
    """Linear 8->4 that also returns a :class:`Cache` unless called with ``use_cache=False``:
    neither exporter takes that output."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def forward(self, x, use_cache=None):
        return self.fc(x) if use_cache is False else (self.fc(x), Cache())


class CachingThroughKwargs(CachingForward):
    """:class:`CachingForward` taking ``use_cache`` through ``**kwargs``, as transformers 5.24's
    GraniteMoE does (its forward names a ``cache`` parameter instead)."""

    def forward(self, x, cache=None, **kwargs):
        return super().forward(x, kwargs.get("use_cache"))


class AlwaysCaching(CachingForward):
    """:class:`CachingForward` that returns its :class:`Cache` whatever ``**kwargs`` say."""

    def forward(self, x, **kwargs):
        return super().forward(x)


class BiasCache(nn.Module):
    """transformers' LeViT attention: in eval mode, its first forward caches the learned bias
    gathered by index, and later forwards read the cache.  Linear 8->8 plus a (4, 8) bias
    gathered from a (4, 3) table."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.table = nn.Parameter(torch.randn(4, 3))
        self.register_buffer("idx", torch.tensor([0, 1, 2, 1, 0, 1, 2, 0]), persistent=False)
        self.cache: dict[str, torch.Tensor] = {}

    def forward(self, x):
        if self.training or "b" not in self.cache:
            bias = self.table[:, self.idx]
            if not self.training:
                self.cache["b"] = bias
        else:
            bias = self.cache["b"]
        return self.fc(x) + bias


class _MaxNorm(nn.Module):
    """braindecode's MaxNormParametrize: each output filter renormalized to an L2 norm of at most ``limit``."""

    def __init__(self, limit: float):
        super().__init__()
        self.limit = limit

    def forward(self, w):
        return w.renorm(p=2, dim=0, maxnorm=self.limit)


class Regressed(nn.Module):
    """A forward given its target computes a loss (transformers' ViT for masked image modeling: an L1
    loss of the reconstruction): a Linear(6, 4) on 3 rows (72 MACs, 28 params), then l1_loss (mean),
    smooth_l1_loss (sum, beta 0.5) and huber_loss (none, delta 0.7; then its mean).  The
    TorchScript exporter has no symbolic for any of the three; dscost gives them one."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 4)

    def forward(self, x, target):
        h = self.fc(x)
        return (nn.functional.l1_loss(h, target) + nn.functional.smooth_l1_loss(h, target, reduction="sum", beta=0.5)
                + nn.functional.huber_loss(h, target, reduction="none", delta=0.7).mean())  # fmt: skip


class FlexAttended(nn.Module):
    """Attention through torch's flex_attention (transformers' attn_implementation="flex_attention"),
    which neither ONNX exporter translates."""

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(16, 48)

    def forward(self, x):
        from torch.nn.attention.flex_attention import flex_attention

        q, k, v = self.qkv(x).view(1, 8, 3, 2, 8).permute(2, 0, 3, 1, 4)
        return flex_attention(q, k, v)


class MaxNormConv(nn.Module):
    """braindecode's EEGNet, in small: a Conv2d(2, 4, 3) whose weight a parametrization renormalizes
    (Tensor.renorm, max norm 0.1: every filter of random weights is over it) each forward.  On
    1x2x6x6: 9 x 2 x 4 x 16 = 1,152 MACs, 72 + 4 = 76 params.  The TorchScript exporter has no
    symbolic for aten::renorm; dscost gives it one."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3)
        nn.utils.parametrize.register_parametrization(self.conv, "weight", _MaxNorm(0.1))

    def forward(self, x):
        return self.conv(x)


class Kronecker(nn.Module):
    """peft's LoKr, in small: a Linear whose (6, 20) weight is kron(w1 (2, 4), a (3, 2) @ b (2, 5)),
    plus the sum of kron(v (3), ones (2, 1)) (operands of different ranks).  On x (7, 20): 7 x 20 x
    6 = 840 MACs and a @ b's 3 x 2 x 5 = 30; 8 + 6 + 10 + 3 = 27 params.  The TorchScript exporter
    has no symbolic for aten::kron; dscost gives it one."""

    def __init__(self):
        super().__init__()
        self.w1, self.a, self.b, self.v = (nn.Parameter(torch.randn(*s)) for s in ((2, 4), (3, 2), (2, 5), (3,)))

    def forward(self, x):
        return nn.functional.linear(x, torch.kron(self.w1, self.a @ self.b)) + torch.kron(self.v, torch.ones(2, 1)).sum()


class Differences(nn.Module):
    """A Linear(8, 4) over torch.diff of a 1x9 input: 32 MACs, 36 params.  The TorchScript
    exporter has no opset-17 symbolic for aten::diff (transformers 5's masks use it); dscost
    gives it one (slices and a subtraction)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc(torch.diff(x, dim=-1))


class ShapedRootMeanSquare(nn.Module):
    """Linear(8, 8), ``F.rms_norm(x, self.weight.shape, self.weight)`` (transformers' Ergo: the
    normalized shape read from the weight, which the trace computes), torch.expm1 where negative
    (ELU's, xIELU's: Apertus), Linear(8, 4) on 1x5x8: 5 x (64 + 32) = 480 MACs, 72 + 8 + 36 = 116
    params.  The TorchScript exporter has no symbolic for aten::rms_norm nor aten::expm1."""

    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(8, 8), nn.Linear(8, 4)
        self.weight = nn.Parameter(torch.linspace(0.5, 2.0, 8))

    def forward(self, x):
        y = nn.functional.rms_norm(self.a(x), self.weight.shape, self.weight)
        return self.b(torch.where(y > 0, y, torch.expm1(y)))


class RootMeanSquare(nn.Module):
    """Linear(8, 8), nn.RMSNorm(8), Linear(8, 4) on 1x5x8: 5 x (64 + 32) = 480 MACs, 72 + 8 + 36
    = 116 params.  The TorchScript exporter has no symbolic for aten::rms_norm (Flux's and Gemma
    4's norms); dscost gives it one."""

    def __init__(self):
        super().__init__()
        self.a, self.norm, self.b = nn.Linear(8, 8), nn.RMSNorm(8), nn.Linear(8, 4)
        with torch.no_grad():
            self.norm.weight.copy_(torch.linspace(0.5, 2.0, 8))

    def forward(self, x):
        return self.b(self.norm(self.a(x)))


class Folding(nn.Module):
    """A Linear(4, 4) after F.fold of 1x4x4 (four 2x2 blocks of one channel) into 1x1x4x4: 64
    MACs, 20 params.  The TorchScript exporter has no opset-17 symbolic for aten::col2im (it
    has one at 18)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(F.fold(x, (4, 4), (2, 2), stride=2))


class Antialiased(nn.Module):
    """An antialiased resize of 1x2x4x4 to 3x3 (timm's NaFlexViT resizes so), bilinear or
    bicubic, to a size or by a scale, then Linear(18, 2): 36 MACs, 38 params.  The TorchScript
    exporter has no symbolic for aten::_upsample_bilinear2d_aa (or bicubic): dscost has one."""

    def __init__(self, mode: str = "bilinear", scale: float | None = None):
        super().__init__()
        self.fc, self.mode, self.scale = nn.Linear(18, 2), mode, scale

    def forward(self, x):
        size = None if self.scale else (3, 3)
        return self.fc(F.interpolate(x, size=size, scale_factor=self.scale, mode=self.mode, antialias=True).flatten(1))


class PartialParameters(nn.Module):
    """Linear(8, 8) in the forward, and a Linear(100, 100) its ``parameters()`` leaves out and
    the forward does not use (magvit2-pytorch's VideoTokenizer and its discriminator): torch's
    sum(p.numel()) is 72, as the graph's."""

    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(8, 8)
        self.discr = nn.Linear(100, 100)

    def parameters(self, recurse=True):
        return iter(list(self.enc.parameters()))

    def forward(self, x):
        return self.enc(x)


class StateFromConstants(nn.Module):
    """An LSTM (8 -> 16) whose initial hidden and cell states are Linears (4 -> 16) of a fixed
    buffer, as gluonts' TFT computes them from static covariates: torch's sum(p.numel()) is
    1,664 (LSTM) + 2 x 80 = 1,824; MACs 2 x 5 steps x 4 x 16 x (8 + 16) = 15,360 + 2 x 2 x 64 = 15,616."""

    def __init__(self):
        super().__init__()
        self.lstm, self.h, self.c = nn.LSTM(8, 16, batch_first=True), nn.Linear(4, 16), nn.Linear(4, 16)
        self.register_buffer("static", torch.ones(2, 4), persistent=False)

    def forward(self, x):
        return self.lstm(x, (self.h(self.static).unsqueeze(0), self.c(self.static).unsqueeze(0)))[0]


class IntegerParameter(nn.Module):
    """x @ w (w 4x4), then index_select by an int64 nn.Parameter of 4 (hummingbird stores its tree
    tables so): torch's sum(p.numel()) is 20; the graph's learned weights are w's 16."""

    def __init__(self):
        super().__init__()
        self.idx = nn.Parameter(torch.tensor([3, 2, 1, 0]), requires_grad=False)
        self.w = nn.Parameter(torch.randn(4, 4))

    def forward(self, x):
        return torch.index_select(x @ self.w, 1, self.idx)


class SpoiledByTracing(nn.Module):
    """LogAddExp whose forward, once traced by the TorchScript exporter, refuses to run again (as
    torchrl's MultiAgentConvNet, whose failed trace leaves its parameters batched by vmap and their
    tensordict locked): 36 MACs, 38 params, by the dynamo exporter."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(18, 2)
        self.traced = False

    def forward(self, x):
        if self.traced:
            raise RuntimeError("left unusable by an earlier trace")
        self.traced = torch.jit.is_tracing()
        return self.fc(torch.logaddexp(x, x).flatten(1))


class LogAddExp(nn.Module):
    """torch.logaddexp of 1x2x3x3 with itself, then Linear(18, 2): 36 MACs, 38 params.  The
    TorchScript exporter has no symbolic for aten::logaddexp, nor has dscost: the dynamo
    exporter exports it."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(18, 2)

    def forward(self, x):
        return self.fc(torch.logaddexp(x, x).flatten(1))


class EqualNorms(nn.Module):
    """LogAddExp's module with two fresh LayerNorm(18) before its Linear: 36 MACs, 36 + 36 + 38 =
    110 params.  The dynamo exporter (which exports it) keeps one tensor of each equal pair: the
    graph holds 74 params."""

    def __init__(self):
        super().__init__()
        self.ln1, self.ln2, self.fc = nn.LayerNorm(18), nn.LayerNorm(18), nn.Linear(18, 2)

    def forward(self, x):
        return self.fc(self.ln2(self.ln1(torch.logaddexp(x, x).flatten(1))))


class UnreadLogAddExp(LogAddExp):
    """LogAddExp (36 MACs, 38 params) with a head its forward never calls (Linear(18, 4): 76
    params) and a Linear(18, 2) tied to fc's weight, whose bias (2) is never read: torch counts
    38 + 76 + 2 = 116 params, the dynamo exporter's graph holds 38."""

    def __init__(self):
        super().__init__()
        self.head, self.tied = nn.Linear(18, 4), nn.Linear(18, 2)
        self.tied.weight = self.fc.weight


class SparseBuffer(LogAddExp):
    """LogAddExp (36 MACs, 38 params) holding a sparse COO buffer its forward never reads, as
    openai-whisper's Whisper holds ``alignment_heads``: a tensor without storage, so no data
    pointer."""

    def __init__(self):
        super().__init__()
        self.register_buffer("heads", torch.eye(4).to_sparse(), persistent=False)


class DictHeld(nn.Module):
    """A 16x16 weight read through a plain dict (ncps's LTC keeps its parameters so), times x and
    logaddexp'd with it (no TorchScript symbolic: the dynamo exporter exports it): torch counts
    256 params; torch.export lifts the dict's tensor as a constant, which the graph holds as a
    buffer."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.rand(16, 16))
        self._params = {"w": self.w}

    def forward(self, x):
        return torch.logaddexp(x.unsqueeze(-1) * self._params["w"], x.unsqueeze(-1)).sum(1)


class Buffered(nn.Module):
    """(x - mean) / std with persistent buffers of 3 (HiFi-GAN's input normalization), a fixed
    3x3 filter per channel (a non-persistent buffer, as timm's blur pools: a Constant node in the
    TorchScript export), then a 1x1 conv 3 -> 4.  On 1x3x8x8: 9*3*64 + 3*4*64 = 2,496 MACs;
    params 12 + 4 = 16; buffers 3 + 3 + 27 = 33."""

    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(0)
        self.register_buffer("mean", torch.rand(3, generator=g))
        self.register_buffer("std", torch.rand(3, generator=g) + 1)
        self.register_buffer("blur", torch.rand(3, 1, 3, 3, generator=g), persistent=False)
        self.conv = nn.Conv2d(3, 4, 1)

    def forward(self, x):
        x = (x - self.mean[:, None, None]) / self.std[:, None, None]
        return self.conv(F.conv2d(x, self.blur, padding=1, groups=3))


class Scalars(nn.Module):
    """Two 1x1 convs 3 -> 3, each followed by a learned one-element scale and bias (HGNetV2's
    LearnableAffineBlock, StarReLU's): on 1x3x4x4, 2 x 9 x 16 = 288 MACs; params 2 x (9 + 3) +
    4 = 28.  Equal-valued, so the TorchScript exporter writes the second pair as Identity copies."""

    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Conv2d(3, 3, 1), nn.Conv2d(3, 3, 1)
        self.s1, self.b1 = nn.Parameter(torch.ones(1)), nn.Parameter(torch.zeros(1))
        self.s2, self.b2 = nn.Parameter(torch.ones(1)), nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return self.b(self.a(x) * self.s1 + self.b1) * self.s2 + self.b2


class Windows(nn.Module):
    """x.unfold(-2, 8, 8) of 1x64x3 (8 windows of 8 steps on each of 3 channels, as PatchTST
    cuts a series: 1x8x3x8), Linear(8, 4), plus a learned 3x4 table, Linear(4, 2): 8*3 x (8*4 +
    4*2) = 960 MACs, 36 + 12 + 10 = 58 params.  The TorchScript exporter's symbolic of unfold on
    a negative dimension puts the windows on the wrong axis (1x3x8x8): its graph cannot add the
    3x4 table."""

    def __init__(self):
        super().__init__()
        self.a, self.pos, self.b = nn.Linear(8, 4), nn.Parameter(torch.zeros(3, 4)), nn.Linear(4, 2)

    def forward(self, x):
        return self.b(self.a(x.unfold(-2, 8, 8)) + self.pos)


class NotExportable(nn.Module):
    """Runs in eager mode; neither exporter converts linalg_svdvals."""

    def forward(self, x):
        return torch.linalg.svdvals(x)


class ReturnsAnInt(nn.Module):
    """Returns a Python int among its outputs, which neither exporter takes: the TorchScript
    exporter's message opens a bracket on its first line and closes it on the next ("output 1 (3\n[
    torch.LongTensor{} ]) of traced region..."); the dynamo exporter's is a generic "Failed to
    convert", its cause naming the node."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)

    def forward(self, x):
        return {"a": self.fc(x), "b": [self.fc(x), None, 3]}


class NotExportableDataDependent(nn.Module):
    """Neither exporter converts it: ``torch.polar`` (WavTokenizer's ISTFT head) for the
    TorchScript one, a branch on a count of the data (its pad) for torch.export."""

    def forward(self, x):
        if int((x > 0).sum()) <= 3:
            x = x * 2
        return torch.view_as_real(torch.polar(x.abs(), x)).sum(-1)


class ComplexStft(nn.Module):
    """Neither exporter converts it: a complex STFT for the TorchScript one (Hybrid Demucs's
    spectrogram branch), a branch on a count of the data for torch.export."""

    def forward(self, x):
        if int((x > 0).sum()) <= 3:
            x = x * 2
        return torch.view_as_real(torch.stft(x, 16, return_complex=True)).sum(-1)


class ValueSteps(nn.Module):
    """A Linear(8, 8) applied as many times as ten times the input's largest magnitude: the trace
    fixes the count of the input it ran (torch.rand: 9 at most)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        for _ in range(int(x.abs().max() * 10)):
            x = self.fc(x)
        return x


class CopiedIntoZeros(nn.Module):
    """e3nn's ``Extract``: the input copied in place into a new tensor of zeros, then a Linear(8, 4).
    torch 2.14's TorchScript exporter loses the input (its graph has none, and computes constants)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 4)

    def forward(self, x):
        out = x.new_zeros(x.shape[:-1] + (8,))
        out.narrow(-1, 0, 8).copy_(x.narrow(-1, 0, 8))
        return self.lin(out)


class ClassTokenSplit(nn.Module):
    """torchvision MViTv2's class-token split: ``torch.tensor_split(x, indices=(1,), dim=1)``, then
    a Linear(16, 16) on the 9 other tokens of (1, 10, 16): 9 x 16 x 16 = 2,304 MACs, 272 params."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)

    def forward(self, x):
        cls, rest = torch.tensor_split(x, indices=(1,), dim=1)
        return torch.cat((cls, self.fc(rest)), dim=1)


@torch.jit.script
def _first_third(x: torch.Tensor) -> torch.Tensor:
    a, b, c = torch.tensor_split(x, 3, dim=-1)
    return torch.tanh(a) * torch.sigmoid(b[..., :1])


class ScriptedSplit(nn.Module):
    """tsl's gated_tanh: a scripted function cutting with ``torch.tensor_split(x, 3, dim=-1)``
    (a number of pieces: of 7, 3 + 2 + 2, the first 7 % 3 one longer), between Linear(4, 7) and
    Linear(3, 5).  On (2, 4): 2 x 4 x 7 + 2 x 3 x 5 = 86 MACs; 35 + 20 = 55 params."""

    def __init__(self):
        super().__init__()
        self.l, self.o = nn.Linear(4, 7), nn.Linear(3, 5)

    def forward(self, x):
        return self.o(_first_third(self.l(x)))


class PyramidPool(nn.Module):
    """A pyramid pooling module (PSPNet, UperNet): Conv2d(4, 8, 3, padding=1), then adaptive
    average pools to 1, 2, 3 and 6, each resized back and concatenated.  On 1x4x10x10: 9 x 4 x 8
    x 100 = 28,800 MACs, 296 params.  Pools to 3 and 6 do not divide 10, which torch's
    TorchScript symbolic refuses; dscost gives it one."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 8, 3, padding=1)
        self.pools = nn.ModuleList(nn.AdaptiveAvgPool2d(k) for k in (1, 2, 3, 6))

    def forward(self, x):
        y = self.conv(x)
        return torch.cat([F.interpolate(p(y), size=y.shape[-2:], mode="bilinear") for p in self.pools], 1)


class UnevenMaxPools(nn.Module):
    """Conv1d(4, 8, 3, padding=1) over 10 steps, AdaptiveMaxPool1d(3) (bins [0, 4), [3, 7), [6,
    10)); and Conv2d(4, 8, 3, padding=1) over 10x10, AdaptiveMaxPool2d((3, 6)), then Linear(8 x
    (3 + 18), 5).  MACs 8 x 4 x 3 x 10 + 8 x 4 x 9 x 100 + 168 x 5 = 960 + 28,800 + 840 =
    30,600; params 104 + 296 + 845 = 1,245.  Neither exporter takes the pools (round 48)."""

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv1d(4, 8, 3, padding=1), nn.Conv2d(4, 8, 3, padding=1)
        self.pool1, self.pool2 = nn.AdaptiveMaxPool1d(3), nn.AdaptiveMaxPool2d((3, 6))
        self.fc = nn.Linear(8 * 21, 5)

    def forward(self, seq, img):
        return self.fc(torch.cat([self.pool1(self.conv1(seq)).flatten(1), self.pool2(self.conv2(img)).flatten(1)], 1))


class Folded(nn.Module):
    """Conv2d(2, 8, 2, stride=2) on 1x2x8x8 (4 x 2 x 8 x 16 = 1,024 MACs, 72 params), its output
    folded back (F.fold, kernel 2, stride 2) to the input's size, which the trace computes from
    the input's shape, as VOLO and transformers' MobileViTv2 do: torch's Col2Im symbolic fails
    on it; dscost gives it one."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 8, 2, stride=2)

    def forward(self, x):
        return F.fold(self.conv(x).flatten(2), output_size=x.shape[-2:], kernel_size=2, stride=2)


class PaddedWindows(nn.Module):
    """Conv2d(2, 4, 3, padding=1) on 1x2x8x8 (9 x 2 x 4 x 64 = 4,608 MACs), padded by 1, cut into
    3-wide windows of stride 2 along both axes (Tensor.unfold, as HaloNet's halo attention), then
    Linear(3, 5) over each window's last axis (4 x 4 x 4 x 3 x 5 x 3 = 2,880 MACs); 72 + 20 + 4 =
    96 params.  With folding off, the trace does not know the padded map's size, and torch's
    symbolic of unfold refuses it; dscost gives it one."""

    def __init__(self):
        super().__init__()
        self.conv, self.fc = nn.Conv2d(2, 4, 3, padding=1), nn.Linear(3, 5)

    def forward(self, x):
        y = F.pad(self.conv(x), [1, 1, 1, 1])
        return self.fc(y.unfold(-1, 3, 2).unfold(2, 3, 2))[..., 0, :]


class Experts(nn.Module):
    """What transformers 5's ``use_experts_implementation`` decorator makes of an experts module
    (its attributes: ``config`` with ``_experts_implementation``, ``has_gate``, ...): 4 experts,
    each a SiLU-gated feed-forward 8 -> 12 -> 8 (gate and up projections in one (24, 8) weight).
    Its own forward, as transformers' ``eager``, loops over the experts the data picked: the
    trace keeps the example's picks, at sizes computed at run time."""

    def __init__(self, hidden: int = 8, inner: int = 12, experts: int = 4):
        super().__init__()
        from types import SimpleNamespace

        self.config = SimpleNamespace(_experts_implementation="grouped_mm")
        self.has_gate, self.is_concatenated, self.is_transposed, self._is_expert_parallel = True, True, False, False
        self.gate_up_proj = nn.Parameter(torch.randn(experts, 2 * inner, hidden) / 4)
        self.down_proj = nn.Parameter(torch.randn(experts, hidden, inner) / 4)

    def forward(self, hidden, top_k_index, top_k_weights):
        out = torch.zeros_like(hidden)
        for e in range(self.gate_up_proj.shape[0]):
            token, slot = torch.where(top_k_index == e)
            gate, up = F.linear(hidden[token], self.gate_up_proj[e]).chunk(2, dim=-1)
            y = F.linear(F.silu(gate) * up, self.down_proj[e]) * top_k_weights[token, slot, None]
            out = out.index_add(0, token, y)
        return out


def batched_mm_experts_forward(self, hidden, top_k_index, top_k_weights):
    """transformers' ``batched_mm`` experts (transformers.integrations.moe), in short: each token
    through the gathered weights of its top k experts, shapes static."""
    k, dim = top_k_index.shape[-1], hidden.shape[-1]
    x = hidden.unsqueeze(1).expand(-1, k, -1).reshape(-1, dim)
    ids = top_k_index.reshape(-1)
    gate, up = torch.bmm(self.gate_up_proj[ids], x.unsqueeze(-1)).squeeze(-1).chunk(2, dim=-1)
    y = torch.bmm(self.down_proj[ids], (F.silu(gate) * up).unsqueeze(-1)).squeeze(-1)
    return (y * top_k_weights.reshape(-1, 1)).view(-1, k, dim).sum(dim=1)


class RoutedMoE(nn.Module):
    """A router Linear(8, 4, no bias) picks the top 2 of :class:`Experts` for each of the tokens
    of a (tokens, 8) input.  On 6 tokens: router 6 x 8 x 4 = 192 MACs; each of the 12 token-expert
    pairs 24 x 8 + 8 x 12 = 288 MACs (3,456); 3,648 MACs.  Params 32 + 4 x 192 + 4 x 96 = 1,184."""

    def __init__(self):
        super().__init__()
        self.router, self.experts = nn.Linear(8, 4, bias=False), Experts()

    def forward(self, x):
        weights, index = torch.topk(torch.softmax(self.router(x), dim=-1), 2, dim=-1)
        return self.experts(x, index, weights)


class Embedded(nn.Module):
    """Embedding(100, 8) of token ids, then Linear(8, 4): on 16 ids 16 x 8 x 4 = 512 MACs, 800 +
    36 = 836 params.  Its forward wants integer ids: float tensors of a shape fail."""

    def __init__(self):
        super().__init__()
        self.emb, self.fc = nn.Embedding(100, 8), nn.Linear(8, 4)

    def forward(self, input_ids, last_only: bool = False):
        h = self.emb(input_ids)
        return self.fc(h[:, -1:] if last_only else h)


class NegativePermute(nn.Module):
    """``permute(0, -2, -1, 1)`` then a Linear 4 -> 6 on the last axis, as transformers' Mamba-2
    chunk scan permutes: the TorchScript exporter writes the negative axes into the Transpose."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 6, bias=False)

    def forward(self, x):  # (1, 4, 3, 5) -> (1, 3, 5, 4) -> (1, 3, 5, 6)
        return self.fc(x.permute(0, -2, -1, 1))


class Buckets:
    """Not a tensor, and no ``...Cache`` by name: what :class:`OpaqueCaching` returns."""


class OpaqueCaching(CachingForward):
    """:class:`CachingForward` whose cache is a :class:`Buckets`: the TorchScript exporter fails
    on it with an error that names no cache."""

    def forward(self, x, use_cache=None):
        return self.fc(x) if use_cache is False else (self.fc(x), Buckets())


class Unused(nn.Module):
    """Two Linear 8 -> 8 with zero biases (equal tensors: torch.onnx keeps one, and an Identity of
    it named after the other) and a mask token of 16 the forward never uses."""

    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(8, 8), nn.Linear(8, 8)
        nn.init.zeros_(self.a.bias), nn.init.zeros_(self.b.bias)
        self.mask_token = nn.Parameter(torch.zeros(16))

    def forward(self, x):
        return self.b(self.a(x))


class GroupedQuery(nn.Module):
    """Grouped-query attention through ``F.scaled_dot_product_attention(..., enable_gqa=True)``:
    4 query heads share 2 key-value heads; q/k/v projections 32 -> 32, 32 -> 16, 32 -> 16 of 8
    tokens (head size 8), whose SDPA symbolic torch refuses with enable_gqa."""

    def __init__(self):
        super().__init__()
        self.q, self.k, self.v = nn.Linear(32, 32, bias=False), nn.Linear(32, 16, bias=False), nn.Linear(32, 16, bias=False)

    def forward(self, x):  # (1, 8, 32)
        q = self.q(x).view(1, 8, 4, 8).transpose(1, 2)
        k, v = (p(x).view(1, 8, 2, 8).transpose(1, 2) for p in (self.k, self.v))
        return F.scaled_dot_product_attention(q, k, v, enable_gqa=True).transpose(1, 2).reshape(1, 8, 32)


class GroupedQueryUnknownHeads(nn.Module):
    """Grouped-query SDPA (4 query heads, 2 key-value heads, 16 tokens of 16) after a rotary table
    built from the input's traced size, as Sapiens2 builds its own (arange, flatten, tile): the
    TorchScript trace no longer knows the rotated queries' and keys' shapes, so not their head
    counts; then a Linear 16 -> 16."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(16, 16)
        self.register_buffer("inv_freq", torch.rand(4))

    def forward(self, q, k, v):
        pos = torch.arange(q.shape[-2], dtype=torch.float32)[:, None].expand(-1, 2)
        cos = torch.cos((pos[:, :, None] * self.inv_freq[None, None, :]).flatten(1, 2).tile(2))
        return self.proj(F.scaled_dot_product_attention(q * cos, k * cos, v, enable_gqa=True))


class ImageTokens(nn.Module):
    """Embedding(100, 8) of token ids that must hold two image tokens (id 5), as a vision-language
    model's ids hold one per image feature: zeros fail its forward."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 8)

    def forward(self, input_ids):
        if int((input_ids == 5).sum()) != 2:
            raise ValueError(f"Image features and image tokens do not match: tokens: {int((input_ids == 5).sum())}, features 2")
        return self.emb(input_ids)


class NotExportableKwargs(nn.Module):
    """:class:`NotExportable` whose forward takes ``**kwargs`` (ViLT, Grounding DINO) and has no
    cache: a failed export is not retried with ``use_cache=False``."""

    def forward(self, x, **kwargs):
        return torch.linalg.svdvals(x)


class ScaledAttention(nn.Module):
    """One self-attention of 2 heads of 8 over 8 tokens of 16, its scale given to
    scaled_dot_product_attention (as transformers gives its head_dim ** -0.5)."""

    def __init__(self):
        super().__init__()
        self.qkv, self.out = nn.Linear(16, 48), nn.Linear(16, 16)

    def forward(self, x):
        q, k, v = self.qkv(x).view(1, 8, 3, 2, 8).permute(2, 0, 3, 1, 4)
        return self.out(F.scaled_dot_product_attention(q, k, v, scale=8**-0.5).transpose(1, 2).reshape(1, 8, 16))
