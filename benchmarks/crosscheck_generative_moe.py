"""Twenty-fifth blind round (2026-12-05): GAN generators and discriminators (stylegan2-pytorch,
lightweight-gan), text-conditioned diffusion Unets (imagen-pytorch, x-unet), soft mixture of
experts (soft-moe-pytorch), residual lookup-free and finite scalar quantizers and a video
tokenizer (vector-quantize-pytorch's ResidualLFQ / ResidualFSQ / LatentQuantize, magvit2-pytorch),
rotary attention (rotary-embedding-torch), Perceiver AR and Mega, libraries no earlier round held,
each model counted three ways against torch's own counter, as in crosscheck_timm_sixth.py (the
module through ``dscost.analyze``, the TorchScript and the dynamo exporters' files through
``python -m dscost analyze FILE -f json``).

What it stresses: StyleGAN2's modulated/demodulated convs (the weights computed from the style
vector every forward and run as a grouped conv: a Conv whose weight is an activation, not an
initializer), its noise injection, RGB skips and kornia's blur (a depthwise 3x3 conv with a
buffer kernel, reflect padding), linear attention blocks; lightweight-gan's generator (a
transposed-conv stem, GLU upsampling, skip-layer excitation, linear + windowed attention) and
discriminator (two blur branches summed, a 32x32 shape head); Imagen's Unet (cross-embed stem,
learned sinusoidal time MLP and time tokens, attention-pooled text conditioning, cross-attention,
text-conditioned self-attention, global-context attention, pixel-shuffle upsampling, linear
attention variants); X-Unet with nested Unets; Soft MoE (dispatch and combine softmaxes over
slots, per-expert FFNs as einsums; dynamic slots); ResidualLFQ, (grouped) ResidualFSQ and
LatentQuantize in eval; MagViT2's video tokenizer (causal 3-D convs, space and time compression,
Taylor-series linear attention, softmax attention with memory key/values, gate-loop time layer,
LFQ or FSQ, decoder); rotary embeddings (plain, xpos, axial pixel frequencies); Perceiver AR
(a prefix cross-attended by the latents, rotary, causal); Mega (damped multi-headed EMA as an
FFT long convolution, gated single-head attention, T5 relative position bias, Laplace attention).
Random weights everywhere (no checkpoint, no download).

    python3 -m venv /work/hvF   # + a .pth to /work/hvB's site-packages (torch and onnx reused)
    /work/hvF/bin/pip install -c constraints.txt --no-deps stylegan2-pytorch lightweight-gan soft-moe-pytorch \
        magvit2-pytorch vector-quantize-pytorch x-unet imagen-pytorch rotary-embedding-torch perceiver-ar-pytorch mega-pytorch
    /work/hvF/bin/pip install -c constraints.txt --no-deps loguru adabelief-pytorch colorama gateloop-transformer \
        taylor-series-linear-attention ema-pytorch pytorch-custom-utils accelerate pytorch-warmup x-transformers jaxtyping
    # constraints.txt: /work/hvB's pip freeze (its name==version lines)
    HF_HUB_OFFLINE=1 PYTHONPATH=/work/main /work/hvF/bin/python benchmarks/crosscheck_generative_moe.py [--only a,b] [--json rows.json]

Import workarounds (in the builders): stylegan2-pytorch and lightweight-gan assert a CUDA GPU at
import (passed by a temporary ``torch.cuda.is_available = lambda: True``; nothing runs on CUDA);
stylegan2-pytorch imports ``aim`` (its Trainer's logger: stubbed); imagen-pytorch reads a T5
config from the hub at import (the Unet's default text_embed_dim: replaced by a local T5Config)
and imports ``datasets`` (its Trainer's web loader: stubbed).  Each model runs in a child process
with a 600 s limit; files go to --out (default /tmp/r25/zoo).

As run (2026-12-05, torch 2.14.1, torchvision 0.29.1, onnx 1.23.2, onnxscript 0.7.2, kornia
0.9.0, stylegan2-pytorch 1.9.0, lightweight-gan 1.2.1, imagen-pytorch 2.1.0, x-unet 0.5.0,
soft-moe-pytorch 0.1.9, vector-quantize-pytorch 1.32.0, magvit2-pytorch 0.5.1 with
taylor-series-linear-attention 0.2.0 and gateloop-transformer 0.2.5, rotary-embedding-torch 0.9.1,
perceiver-ar-pytorch 0.0.10, mega-pytorch 0.1.0; about 9 min on 2 cores): 26 models, torch's
counter ran on all.  **MACs equal torch's on 24 of 26 module counts, 21 of 23 TorchScript files
and 23 of 26 dynamo files** (Mega's two counts each way leave its rfft/irfft DFT nodes uncounted,
4 and 8, which torch counts as 0 too, so their totals are equal).  StyleGAN2's modulated convs
(activation weights) are counted every way (sg2_gen by hand: 7,233,984).  The differences:

- magvit2_lfq and magvit2_fsq +57,185,280 (every way): a dscost miscount.  The Taylor-series
  linear attention's denominator ``einsum('b h n d, b h m d -> b h n', q, k)`` (3 x 2 x 256 x 73
  with m = 256) sums m, which only k holds; torch.einsum sums k over m first and contracts d, 3 x
  2 x 256 x 73 = 112,128 MACs (its counter: the bmm), dscost's Einsum rule multiplies every index,
  x 256 = 28,704,768; two such einsums (encoder and decoder): +2 x 28,592,640
  (/work/notes/round25_einsum_single_operand_sum.py: torch 256, dscost 4,096).
- lwgan_disc -1,437,696 (dynamo file): lightweight-gan's SumBranches run ``Blur()`` on the same
  input in both branches; the dynamo exporter merges the identical depthwise blur convs (3 x 64 x
  64 x 9 = 110,592, 64 x 16 x 16 x 9 = 147,456, 2 x 64 x 32 x 32 x 9 = 1,179,648), torch counts both.

Failures (export, not dscost): soft_moe_dynamic's TorchScript trace stops in the library's
``pad_to_multiple`` (``(seqlen / multiple).is_integer()`` on a traced tensor size); Mega's
TorchScript export has no ``aten::fft_rfft`` at opset 17, and mega_laplace's fails first with
"Integers to negative integer powers are not allowed".  dscost's module path falls back to the
dynamo exporter for all three and counts them.

Params equal torch's on 18 of 26 module counts: lightweight-gan's auxiliary decoders (training
only, -71,174), Imagen's linear cross-attention's inherited q_scale/k_scale, which it never reads
(-128), and MagViT2's final encoder LayerNorm (-128: the forward zips the layers with a one-shorter list, so it never runs) named in
dscost's notes; Mega and soft_moe_dynamic come from the dynamo file.  The TorchScript files also
count the blur kernels' buffers (3 each: +9, +12, lightweight-gan +8/+24 with its one-element
noise weights dropped), soft MoE's LayerNorm beta buffers (+128) and Perceiver AR's rotary
inv_freq (+16).  The dynamo files differ by the exporter's rewrite: zero biases dropped and equal
ones/zeros merged (xunet -528, soft MoE -64, Perceiver AR -768, LatentQuantize's two equal
5-value tables -5, exactly the merged counts), and tensors folded from parameters counted in
their place (Mega's EMA kernel FFT, 2 x 33 x 8, and relative-position bias, 32 x 32, a layer;
the rotary cos/sin tables).  Two of those last are dscost issues: MagViT2's memory key/values
(2 x 2 x 4 x 8 a layer) expanded over 256 positions and folded, 4 x 16,384 counted for 256
params with no note (magvit2_gateloop +64,592; /work/notes/round25_folded_expand_param.py: torch
64, dscost 16,384); and rotary_attn's cos and sin tables both counted as parameters, because
their recorded sources include a ``slice`` (/work/notes/round25_rotary_slice_folds.py: torch 4,
dscost 512 with the slice, 256 + a note without).  MagViT2's module note on tensors "in no graph"
counts 72 tensors (26,709,203 elements) and says torch counts them, but VideoTokenizer overrides
``parameters()`` to leave out its discriminator (70 of them), which torch's sum then skips
(/work/notes/round25_parameters_override_note.py).

Fixed after the round, in dscost: an Einsum index one operand alone holds is summed out of that
operand first (magvit2_lfq and magvit2_fsq now equal every way: 522,494,976 and 522,101,760);
a rotary table's cos and sin folded through the same slice are two tensors of one parameter, one
counted (rotary_attn's dynamo file +764 -> +508, rotary_xpos +508 -> +252, the rest the tables'
size over the 4 frequencies); the notes on unused parameters leave out those a module's
``parameters()`` leaves out.  Left: MagViT2's expanded memory key/values, which the file
records no source for (magvit2_gateloop's dynamo file +64,592).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r25/zoo")


# ---------------------------------------------------------------- stylegan2-pytorch


def _stylegan2(kind: str):
    """stylegan2-pytorch 1.9.0 (aim, its experiment logger, is only used by the Trainer: stubbed; its
    CUDA assertion at import passed as in :func:`_lightweight_gan`)."""
    import importlib.machinery
    import types

    import torch
    from torch import nn

    if "aim" not in sys.modules:
        aim = sys.modules["aim"] = types.ModuleType("aim")
        aim.__spec__ = importlib.machinery.ModuleSpec("aim", None)
    real = torch.cuda.is_available
    torch.cuda.is_available = lambda: True  # (its module asserts a CUDA GPU at import, as lightweight-gan's)
    try:
        from stylegan2_pytorch.stylegan2_pytorch import Discriminator, Generator, StyleVectorizer
    finally:
        torch.cuda.is_available = real

    if kind.startswith("sg2_gen"):
        attn = [1] if kind.endswith("_attn") else []
        S_, G = StyleVectorizer(64, 4), Generator(32, 64, network_capacity=4, attn_layers=attn)

        class Gen(nn.Module):
            """Mapping net on z (1, 64), the style repeated for every layer, the synthesis net on a
            noise image (1, 32, 32, 1), as the Trainer's generate does."""

            def __init__(self):
                super().__init__()
                self.S, self.G = S_, G

            def forward(self, z, noise):
                w = self.S(z)
                styles = w[:, None, :].expand(-1, self.G.num_layers, -1)
                return self.G(styles, noise)

        return Gen()
    attn = [1] if kind.endswith("_attn") else []
    return S.first_outputs(Discriminator(32, network_capacity=4, attn_layers=attn))


# ---------------------------------------------------------------- lightweight-gan


def _lightweight_gan(kind: str):
    """lightweight-gan 1.2.1: its module asserts a CUDA GPU at import; the assertion is passed by a
    temporary ``torch.cuda.is_available = lambda: True`` (nothing runs on CUDA here)."""
    import torch

    real = torch.cuda.is_available
    torch.cuda.is_available = lambda: True
    try:
        from lightweight_gan.lightweight_gan import Discriminator, Generator
    finally:
        torch.cuda.is_available = real
    if kind == "lwgan_gen":
        return Generator(image_size=64, latent_dim=64, fmap_max=64, attn_res_layers=[32])
    return S.first_outputs(Discriminator(image_size=64, fmap_max=64, attn_res_layers=[32]), 2)


# ---------------------------------------------------------------- imagen-pytorch / x-unet


def _imagen(kind: str):
    """imagen-pytorch 2.1.0's Unet (small), text embeddings (1, 8, 64) given as an input; the T5
    config the Unet's default text_embed_dim reads at import is replaced by a local T5Config (no
    download); its data module imports the ``datasets`` package (only for its Trainer's web loader),
    which is stubbed."""
    import importlib.machinery
    import types

    import transformers

    for name in ("datasets", "datasets.utils", "datasets.utils.file_utils"):
        if name not in sys.modules:
            mod = sys.modules[name] = types.ModuleType(name)
            mod.__spec__, mod.__path__ = importlib.machinery.ModuleSpec(name, None), []
    sys.modules["datasets.utils.file_utils"].get_datasets_user_agent = lambda: ""
    real = transformers.T5Config.from_pretrained
    transformers.T5Config.from_pretrained = classmethod(lambda cls, *a, **k: cls(d_model=64))
    try:
        from imagen_pytorch import Unet
    finally:
        transformers.T5Config.from_pretrained = real
    from torch import nn

    kw = dict(dim=32, dim_mults=(1, 2), text_embed_dim=64, num_resnet_blocks=1, attn_dim_head=16, attn_heads=2,
              layer_attns=(False, True), layer_cross_attns=(False, True), attn_pool_num_latents=4, max_text_len=8)  # fmt: skip
    if kind == "imagen_unet_linear":
        kw.update(use_linear_attn=True, use_linear_cross_attn=True)
    m = Unet(**kw)

    class Cond(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m

        def forward(self, x, time, text_embeds):
            return self.m(x, time, text_embeds=text_embeds)

    return Cond()


def _xunet(kind: str):
    from x_unet import XUnet

    if kind == "xunet_nested":
        return XUnet(dim=16, dim_mults=(1, 2, 4), num_blocks_per_stage=(1, 1, 1), num_self_attn_per_stage=(0, 0, 1),
                     nested_unet_depths=(2, 1, 0), nested_unet_dim=16, attn_dim_head=8, attn_heads=2)  # fmt: skip
    return XUnet(dim=16, dim_mults=(1, 2, 4), num_blocks_per_stage=(1, 1, 1), num_self_attn_per_stage=(0, 0, 1), nested_unet_depths=(0, 0, 0),
                 attn_dim_head=8, attn_heads=2)


# ---------------------------------------------------------------- soft-moe-pytorch


def _soft_moe(kind: str):
    from soft_moe_pytorch import DynamicSlotsSoftMoE, SoftMoE

    if kind == "soft_moe":
        return SoftMoE(dim=64, seq_len=32, num_experts=4, is_distributed=False)
    if kind == "soft_moe_geglu_ln":
        return SoftMoE(dim=64, num_slots=2, num_experts=8, geglu=True, use_layernorm=True, is_distributed=False)
    return DynamicSlotsSoftMoE(dim=64, num_experts=4)


# ---------------------------------------------------------------- vector-quantize-pytorch / magvit2


def _vq(kind: str):
    import vector_quantize_pytorch as v

    if kind == "vq_residual_lfq":
        m = v.ResidualLFQ(dim=32, codebook_size=256, num_quantizers=3)
    elif kind == "vq_residual_fsq":
        m = v.ResidualFSQ(dim=32, levels=[8, 5, 5, 3], num_quantizers=3)
    elif kind == "vq_grouped_residual_fsq":
        m = v.GroupedResidualFSQ(dim=32, levels=[8, 5, 5, 3], num_quantizers=2, groups=2)
    else:
        m = v.LatentQuantize(levels=[5, 5, 8], dim=32, commitment_loss_weight=0.1, quantization_loss_weight=0.1)
    return S.first_outputs(m)


def _magvit2(kind: str):
    """magvit2-pytorch 0.5.1's VideoTokenizer, small, no GAN and no perceptual loss (so no VGG
    download); eval forward: encode, LFQ (or FSQ), decode -> the reconstruction."""
    from magvit2_pytorch import VideoTokenizer

    layers = ("residual", "compress_space", ("consecutive_residual", 2), "compress_time", "linear_attend_space", "attend_space")
    kw = dict(image_size=32, init_dim=16, max_dim=64, layers=layers, codebook_size=2**8, attn_dim_head=8, attn_heads=2,
              linear_attn_dim_head=8, linear_attn_heads=2, use_gan=False, perceptual_loss_weight=0.0, flash_attn=False)  # fmt: skip
    if kind == "magvit2_fsq":
        kw.update(use_fsq=True, fsq_levels=[8, 5, 5, 5], codebook_size=None)
    if kind == "magvit2_gateloop":
        kw["layers"] = ("residual", "compress_space", "gateloop_time", "compress_time", "attend_time")
    return VideoTokenizer(**kw)


# ---------------------------------------------------------------- rotary-embedding-torch


def _rotary(kind: str):
    """A small attention block with rotary-embedding-torch's RotaryEmbedding applied to q and k."""
    import torch
    from torch import nn

    from rotary_embedding_torch import RotaryEmbedding

    class Attn(nn.Module):
        def __init__(self, dim=64, heads=4):
            super().__init__()
            self.heads = heads
            self.qkv = nn.Linear(dim, 3 * dim, bias=False)
            self.out = nn.Linear(dim, dim)
            if kind == "rotary_xpos":
                self.rot = RotaryEmbedding(dim=8, use_xpos=True)
            elif kind == "rotary_pixel":
                self.rot = RotaryEmbedding(dim=4, freqs_for="pixel", max_freq=64)
            else:
                self.rot = RotaryEmbedding(dim=8)

        def forward(self, x):
            b, n, d = x.shape
            q, k, v = (t.reshape(b, n, self.heads, -1).transpose(1, 2) for t in self.qkv(x).chunk(3, dim=-1))
            if kind == "rotary_xpos":
                q, k = self.rot.rotate_queries_and_keys(q, k)
            elif kind == "rotary_pixel":
                side = int(n**0.5)
                freqs = self.rot.get_axial_freqs(side, side)
                q, k = (self.rot_apply(t, freqs, side) for t in (q, k))
            else:
                q, k = self.rot.rotate_queries_or_keys(q), self.rot.rotate_queries_or_keys(k)
            a = torch.softmax(q @ k.transpose(-1, -2) * q.shape[-1] ** -0.5, dim=-1)
            return self.out((a @ v).transpose(1, 2).reshape(b, n, d))

        def rot_apply(self, t, freqs, side):
            from rotary_embedding_torch import apply_rotary_emb

            b, h, n, dh = t.shape
            t = apply_rotary_emb(freqs, t.reshape(b, h, side, side, dh))
            return t.reshape(b, h, n, dh)

    return Attn()


# ---------------------------------------------------------------- perceiver-ar-pytorch / mega-pytorch


def _perceiver_ar():
    from perceiver_ar_pytorch import PerceiverAR

    return PerceiverAR(num_tokens=256, dim=64, depth=2, max_seq_len=64, cross_attn_seq_len=48, dim_head=32, heads=2)


def _mega(kind: str):
    from mega_pytorch import Mega

    kw = dict(laplacian_attn_fn=True, causal=False) if kind == "mega_laplace" else {}
    return Mega(num_tokens=256, dim=64, depth=2, ema_heads=8, attn_dim_qk=32, attn_dim_value=128, **kw)


def _entries() -> dict:
    img = lambda *s: [("input", s, "float32")]  # noqa: E731
    sg = lambda kind, inputs, note: (lambda: _stylegan2(kind), inputs, note)  # noqa: E731
    gen_in = [("z", (1, 64), "float32"), ("noise", (1, 32, 32, 1), "float32")]
    unet_in = [("x", (1, 3, 32, 32), "float32"), ("time", (1,), "float32"), ("text_embeds", (1, 8, 64), "float32")]
    return {
        # stylegan2-pytorch 1.9.0
        "sg2_gen": sg("sg2_gen", gen_in, "StyleGAN2 32x32, capacity 4: mapping net (4 x 64) + modulated/demodulated convs "
                                         "(weights from the style: a grouped conv with activation weights), noise, RGB skips, blur"),
        "sg2_gen_attn": sg("sg2_gen_attn", gen_in, "sg2_gen with linear attention + FF at the first block"),
        "sg2_disc": sg("sg2_disc", img(1, 3, 32, 32), "StyleGAN2 discriminator 32x32, capacity 4 (residual blocks, blur downsample)"),
        "sg2_disc_attn": sg("sg2_disc_attn", img(1, 3, 32, 32), "sg2_disc with linear attention at the first block"),
        # lightweight-gan 1.2.1
        "lwgan_gen": (lambda: _lightweight_gan("lwgan_gen"), [("latent", (1, 64), "float32")],
                      "lightweight-gan generator 64x64 (transposed-conv init, GLU upsampling, skip-layer excitation, linear attention at 32)"),
        "lwgan_disc": (lambda: _lightweight_gan("lwgan_disc"), img(1, 3, 64, 64),
                       "lightweight-gan discriminator 64x64 (+ its 32x32 shape head; no aux decoders in eval)"),
        # imagen-pytorch 2.1.0 / x-unet 0.5.0
        "imagen_unet": (lambda: _imagen("imagen_unet"), unet_in,
                        "Imagen Unet dim 32 x (1, 2): cross-embed stem, time MLP + tokens, attention-pooled text, "
                        "cross-attention and text-conditioned self-attention, global-context attention, pixel-shuffle up"),
        "imagen_unet_linear": (lambda: _imagen("imagen_unet_linear"), unet_in, "imagen_unet with linear attention and linear cross-attention"),
        "xunet": (lambda: _xunet("xunet"), img(1, 3, 32, 32), "X-Unet dim 16 x (1, 2, 4), self-attention at the bottom, consolidated up-sample maps"),
        "xunet_nested": (lambda: _xunet("xunet_nested"), img(1, 3, 32, 32), "xunet with nested Unets (depths 2, 1) in the first stages"),
        # soft-moe-pytorch 0.1.9
        "soft_moe": (lambda: _soft_moe("soft_moe"), img(1, 32, 64), "Soft MoE: 4 experts x 8 slots, dispatch/combine softmaxes, einsums"),
        "soft_moe_geglu_ln": (lambda: _soft_moe("soft_moe_geglu_ln"), img(1, 32, 64), "Soft MoE, 8 experts x 2 slots, GEGLU experts, LayerNorm"),
        "soft_moe_dynamic": (lambda: _soft_moe("soft_moe_dynamic"), img(1, 32, 64), "Soft MoE with dynamic slots (slot embeddings from token pairs)"),
        # vector-quantize-pytorch 1.32.0
        "vq_residual_lfq": (lambda: _vq("vq_residual_lfq"), img(1, 16, 32), "ResidualLFQ: 3 LFQs (8 bits) on residuals, project in and out"),
        "vq_residual_fsq": (lambda: _vq("vq_residual_fsq"), img(1, 16, 32), "ResidualFSQ: 3 FSQs (8,5,5,3) on scaled residuals"),
        "vq_grouped_residual_fsq": (lambda: _vq("vq_grouped_residual_fsq"), img(1, 16, 32), "GroupedResidualFSQ: 2 groups x 2 FSQs"),
        "vq_latent_quantize": (lambda: _vq("vq_latent_quantize"), img(1, 32, 16), "LatentQuantize (channels first, 1 x 32 x 16) (levels 5,5,8; learned per-dim value tables)"),
        # magvit2-pytorch 0.5.1
        "magvit2_lfq": (lambda: _magvit2("magvit2_lfq"), img(1, 3, 5, 32, 32),
                        "MagViT2 VideoTokenizer 5 x 32 x 32: causal 3-D convs, space and time compression, linear + softmax "
                        "space attention, LFQ 8 bits, decoder"),
        "magvit2_fsq": (lambda: _magvit2("magvit2_fsq"), img(1, 3, 5, 32, 32), "magvit2_lfq with FSQ (8,5,5,5)"),
        "magvit2_gateloop": (lambda: _magvit2("magvit2_gateloop"), img(1, 3, 5, 32, 32), "MagViT2 with a gate-loop time layer and time attention"),
        # rotary-embedding-torch 0.9.1
        "rotary_attn": (lambda: _rotary("rotary_attn"), img(1, 32, 64), "attention (4 heads x 16) with rotary embeddings on 8 of 16 dims"),
        "rotary_xpos": (lambda: _rotary("rotary_xpos"), img(1, 32, 64), "the same with xpos (length-extrapolatable scaling)"),
        "rotary_pixel": (lambda: _rotary("rotary_pixel"), img(1, 16, 64), "the same over a 4 x 4 grid with axial pixel frequencies"),
        # perceiver-ar-pytorch 0.0.10 / mega-pytorch 0.1.0
        "perceiver_ar": (_perceiver_ar, [("tokens", (1, 64), "int64")],
                         "Perceiver AR 64 x 2 layers: 48-token prefix cross-attended by 16 latents (rotary, causal), then causal self-attention"),
        "mega": (lambda: _mega("mega"), [("tokens", (1, 32), "int64")],
                 "Mega 64 x 2 layers: multi-headed damped EMA as an FFT long convolution (rfft/irfft), gated single-head attention"),
        "mega_laplace": (lambda: _mega("mega_laplace"), [("tokens", (1, 32), "int64")], "Mega bidirectional with the Laplace attention function"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
