"""Twelfth blind round (2026-12-04): model libraries no earlier round held -- asteroid (speech
separation), speechbrain (speaker and ASR lobes), denoising_diffusion_pytorch, efficientnet_pytorch
and vector_quantize_pytorch -- each model counted three ways against torch's own counter, as in
crosscheck_timm_sixth.py (the module through ``dscost.analyze``, the TorchScript and the dynamo
exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: asteroid's learned filterbanks (1-D conv encoder, ConvTranspose1d decoder),
dual-path chunking (unfold / fold by overlap-add), DPRNN's intra/inter-chunk LSTMs, DPTNet's
transformer with an LSTM in its feed-forward, DCCRN's and DCUNet's complex convs (real and imaginary
parts as pairs of real convs, a complex LSTM) behind an STFT filterbank, SuDO-RM-RF's U-ConvBlocks
(strided depthwise convs, nearest upsampling); speechbrain's TDNNs (dilated 1-D convs, Res2Net
splits, SE, attentive statistics pooling with a mean and a std over time), CRDNN's LiGRU (a
Python loop over frames), a Conformer encoder with RelPosMHAXL (relative-position shift);
denoising_diffusion_pytorch's U-Nets (sinusoidal time embedding from an int timestep, linear
attention, GroupNorm / RMSNorm), KarrasUnet's magnitude-preserving layers (weights normalised in
the forward), GaussianDiffusion's ``model_predictions`` (schedule buffers gathered by t);
efficientnet_pytorch's TF-same padding computed from static sizes and its memory-efficient swish
(a custom autograd Function); vector_quantize_pytorch's quantizers in eval (distance to a codebook,
argmin, a gather of the codebook by the indices; FSQ's rounding with bounds, LFQ's sign
quantization with a codebook of bits).

    /work/torchvenv/bin/pip install asteroid speechbrain denoising_diffusion_pytorch efficientnet_pytorch vector_quantize_pytorch
    /work/torchvenv/bin/python benchmarks/crosscheck_audio_diffusion.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/ad/zoo).

As run (2026-12-04, torch 2.14.1, asteroid 0.7.0, speechbrain 1.1.2, denoising_diffusion_pytorch
2.3.4, efficientnet_pytorch 0.7.1, vector_quantize_pytorch 1.32.0; ~4 min on 2 cores): 23 models.
**MACs equal torch's on 20 of 21 modules, 18 of 19 TorchScript files and 12 of 14 dynamo files,
nothing uncounted anywhere; no difference is a dscost miscount.**  Conv-TasNet (-1,021,952 on the
module and the TorchScript file): the last TCN block's residual 1x1 conv (64 -> 32 over 499
frames = 1,021,952 MACs, 2,080 params) runs in torch but its output is never used, so the trace
drops it; dscost's note names the two unused parameter tensors.  Dynamo files: the exporter
constant-folds input-independent subgraphs -- the Conformer's RelPosMHAXL linear_pos applied to the
shape-only relative position table (2 x 99x64x64 = -811,008; the folded 1x4x16x99 products counted
as weights, +2,944 net of merged LayerNorm initializers), and CRDNN's first LiGRU step, the zero
h_init buffer times U (2x32x64 = -4,096; a 2x64 zero constant left as an Add operand, +128 params).
Exports that fail in torch, said in one line: DCCRNet and DCUNet with both exporters and in
dscost.analyze (view_as_complex); DPRNN and DPTNet with the TorchScript exporter at opset 17
(aten::col2im needs 18; dscost.analyze retries at 18 and counts them equal); the dynamo exporter
on Conv-TasNet, DPRNN, DPTNet, LSTM-TasNet (asteroid's gLN reads torch.arange(...).tolist():
GuardOnDataDependentSymNode) and on the three VectorQuantize models (the ``initted`` buffer read
as a bool).  Params equal torch's on every module but Conv-TasNet's (its note).  TorchScript files
add buffers stored as initializers (the known convention): VectorQuantize's codebooks (+2,048,
+512 for the 8-dim one, +6,144 for three), GaussianDiffusion's two 100-step schedule tables gathered
by t (+200), CRDNN's h_init (+32), the Conformer's inv_freq (+32); KarrasUnet's file loses its 16
one-element learned gains (-16, literals in a file).  Dynamo files are lower by the exporter's
rewrite (BatchNorm folded, equal initializers merged) but for the two folds above; KarrasUnet's
(-13) holds its magnitude-preserving weights normalised at export time.  asteroid 0.7.0's DCCRNet
needs its LSTM size made an int (``_dccrnet``) to be built at all under torch 2.14.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402
from crosscheck_libraries import _first, _forward  # noqa: E402

DEFAULT_OUT = Path("/tmp/ad/zoo")


def _asteroid(name: str, *args, **kw):
    import asteroid.models as am

    return getattr(am, name)(*args, **kw)


def _dccrnet(**kw):
    """DCCRNet("DCCRN-CL"): asteroid 0.7.0 passes its LSTM a numpy int64 input size, which torch 2.14
    refuses ("input_size should be of type int"); the size is made an int here."""
    import asteroid.masknn.recurrent as r

    init = r.DCCRMaskNetRNN.__init__
    if not getattr(init, "_int_size", False):
        def fixed(self, in_size, *args, **kwargs):
            init(self, int(in_size), *args, **kwargs)

        fixed._int_size = True
        r.DCCRMaskNetRNN.__init__ = fixed
    return _asteroid("DCCRNet", "DCCRN-CL", **kw)


def _conformer():
    """speechbrain's ConformerEncoder with RelPosMHAXL: the relative position embeddings made in
    the forward from the input (RelPosEncXL), the encoder's output (not its attention maps)."""
    from torch import nn
    from speechbrain.lobes.models.transformer.Conformer import ConformerEncoder
    from speechbrain.nnet.attention import RelPosEncXL

    class C(nn.Module):
        def __init__(self):
            super().__init__()
            self.pos = RelPosEncXL(64)
            self.enc = ConformerEncoder(num_layers=2, d_model=64, d_ffn=128, nhead=4, kernel_size=15)

        def forward(self, x):
            return self.enc(x, pos_embs=self.pos(x))[0]

    return C()


def _ddpm_unet(**kw):
    from denoising_diffusion_pytorch import Unet

    return Unet(dim=16, dim_mults=(1, 2), **kw)


def _gaussian_diffusion():
    """GaussianDiffusion's ``model_predictions(x, t)`` (one denoising step's x0 prediction, pred_v
    objective: the U-Net, then the schedule buffers gathered by t), not the sampling loop."""
    from denoising_diffusion_pytorch import GaussianDiffusion

    d = GaussianDiffusion(_ddpm_unet(), image_size=32, timesteps=100)
    return _forward(d, lambda m, x, t: m.model_predictions(x, t).pred_x_start)


def _effnet(name: str, image_size: int, memory_efficient: bool = True):
    from efficientnet_pytorch import EfficientNet

    m = EfficientNet.from_name(name, image_size=image_size)
    m.set_swish(memory_efficient=memory_efficient)
    return m


def _vq(name: str, **kw):
    import vector_quantize_pytorch as v

    return _first(getattr(v, name)(**kw))


def _entries() -> dict:
    img = lambda *s: [("input", s, "float32")]  # noqa: E731
    wav = img(1, 4000)
    feats = img(1, 50, 80)
    step = [("input", (1, 3, 32, 32), "float32"), ("time", (1,), "int64")]
    return {
        # asteroid 0.7.0
        "ast_convtasnet": (lambda: _asteroid("ConvTasNet", n_src=2, n_blocks=2, n_repeats=2, bn_chan=32, hid_chan=64, skip_chan=32, n_filters=64),
                           wav, "Conv-TasNet: learned filterbank, depthwise dilated 1-D convs, gLN"),
        "ast_dprnn": (lambda: _asteroid("DPRNNTasNet", n_src=2, n_filters=32, bn_chan=32, hid_size=32, chunk_size=20, n_repeats=2),
                      wav, "DPRNN: chunking by unfold, intra/inter-chunk BiLSTMs, overlap-add by fold"),
        "ast_dptnet": (lambda: _asteroid("DPTNet", n_src=2, n_heads=2, ff_hid=32, chunk_size=20, n_repeats=2, n_filters=32),
                       wav, "DPTNet: dual-path transformer, LSTM inside the feed-forward"),
        "ast_dccrnet": (lambda: _dccrnet(stft_n_filters=256, stft_kernel_size=256, stft_stride=64),
                        wav, "DCCRN-CL: complex 2-D convs and transposed convs, complex LSTM, STFT filterbank"),
        "ast_dcunet": (lambda: _asteroid("DCUNet", "DCUNet-10", stft_n_filters=256, stft_kernel_size=256, stft_stride=64,
                                        fix_length_mode="pad"),
                       wav, "DCUNet-10: complex 2-D convs, complex BatchNorm, STFT filterbank"),
        "ast_sudormrf": (lambda: _asteroid("SuDORMRFNet", n_src=2, bn_chan=32, num_blocks=2, upsampling_depth=3, n_filters=64),
                         wav, "SuDO-RM-RF: U-ConvBlocks, strided depthwise convs, upsampling"),
        "ast_lstmtasnet": (lambda: _asteroid("LSTMTasNet", n_src=2, n_layers=1, hid_size=32, n_filters=32), wav, "LSTM-TasNet: a BiLSTM mask net"),
        # speechbrain 1.1.2
        "sb_ecapa_tdnn": (lambda: _speechbrain("ECAPA_TDNN", "ECAPA_TDNN", input_size=80, channels=[64, 64, 64, 64, 192], lin_neurons=32,
                                               attention_channels=16, se_channels=16), feats,
                          "ECAPA-TDNN: Res2Net TDNN blocks, SE, attentive statistics pooling (global context)"),
        "sb_xvector": (lambda: _speechbrain("Xvector", "Xvector", in_channels=80, tdnn_channels=[64, 64, 64, 64, 192], lin_neurons=32), feats,
                       "x-vector: dilated TDNN, statistics pooling"),
        "sb_crdnn": (lambda: _speechbrain("CRDNN", "CRDNN", input_shape=[1, 50, 80], cnn_channels=[16, 32], rnn_neurons=32, rnn_layers=1,
                                          dnn_neurons=32, dropout=0.0), feats, "CRDNN: 2-D CNN blocks, a bidirectional LiGRU (Python loop), DNN"),
        "sb_resnet_tdnn": (lambda: _speechbrain("ResNet", "ResNet", input_size=80, channels=[16, 16, 32, 32], block_sizes=[1, 1, 1, 1],
                                                lin_neurons=32), feats, "ResNet TDNN speaker embedding: 2-D ResNet, attentive pooling"),
        "sb_conformer": (_conformer, img(1, 50, 64), "Conformer encoder, RelPosMHAXL attention (relative shift), conv module"),
        # denoising_diffusion_pytorch 2.3.4
        "ddpm_unet": (lambda: _ddpm_unet(), step, "Unet(dim=16, dim_mults=(1, 2)): int timestep, sinusoidal embedding, linear attention"),
        "ddpm_unet1d": (lambda: _unet1d(), [("input", (1, 1, 64), "float32"), ("time", (1,), "int64")], "Unet1D(dim=16, dim_mults=(1, 2)), 1 channel"),
        "ddpm_gaussian_diffusion": (_gaussian_diffusion, step, "GaussianDiffusion.model_predictions: U-Net + schedule buffers gathered by t"),
        "ddpm_karras_unet": (lambda: _karras(), [("input", (1, 4, 32, 32), "float32"), ("time", (1,), "float32")],
                             "KarrasUnet: magnitude-preserving convs (weights normalised in the forward), float time"),
        # efficientnet_pytorch 0.7.1
        "effnet_b0_224": (lambda: _effnet("efficientnet-b0", 224), img(1, 3, 224, 224), "EfficientNet-B0, TF-same static padding, memory-efficient swish"),
        "effnet_b3_128": (lambda: _effnet("efficientnet-b3", 128, memory_efficient=False), img(1, 3, 128, 128),
                          "EfficientNet-B3 at 128, plain swish (set_swish(False))"),
        # vector_quantize_pytorch 1.32.0
        "vq_vector_quantize": (lambda: _vq("VectorQuantize", dim=32, codebook_size=64), img(1, 16, 32),
                               "VectorQuantize in eval: distances, argmin, a gather of the codebook (a buffer)"),
        "vq_vector_quantize_proj": (lambda: _vq("VectorQuantize", dim=32, codebook_size=64, codebook_dim=8), img(1, 16, 32),
                                    "VectorQuantize with codebook_dim=8: project in and out"),
        "vq_residual_vq": (lambda: _vq("ResidualVQ", dim=32, num_quantizers=3, codebook_size=64), img(1, 16, 32), "ResidualVQ: 3 quantizers on residuals"),
        "vq_fsq": (lambda: _vq("FSQ", levels=[8, 5, 5, 5], dim=32), img(1, 16, 32), "FSQ: project to 4 dims, bounded rounding, project back"),
        "vq_lfq": (lambda: _vq("LFQ", dim=32, codebook_size=64), img(1, 16, 32), "LFQ: project to 6 bits, sign quantization, project back"),
    }  # fmt: skip


def _speechbrain(module: str, name: str, **kw):
    import importlib

    return getattr(importlib.import_module(f"speechbrain.lobes.models.{module}"), name)(**kw)


def _unet1d():
    from denoising_diffusion_pytorch import Unet1D

    return Unet1D(dim=16, dim_mults=(1, 2), channels=1)


def _karras():
    from denoising_diffusion_pytorch import KarrasUnet

    return KarrasUnet(image_size=32, dim=16, dim_max=32, channels=4, num_downsamples=2, num_blocks_per_stage=1, attn_res=(8,),
                      attn_dim_head=8, dropout=0.0)


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
