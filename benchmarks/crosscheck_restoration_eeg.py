"""Twenty-second blind round (2026-12-05): image-restoration and super-resolution architectures
(spandrel and spandrel-extra-arches) and EEG decoding networks (braindecode), libraries no
earlier round held, each model counted three ways against torch's own counter, as in
crosscheck_timm_sixth.py (the module through ``dscost.analyze``, the TorchScript and the dynamo
exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: super-resolution heads (PixelShuffle, nearest upsampling + conv, one-step
"pixelshuffledirect"), ESRGAN's residual-in-residual dense blocks, Real-ESRGAN's compact VGG with
PReLU, window attention with relative-position bias and shifted windows (SwinIR, Swin2SR's
cosine attention with a log-spaced continuous position bias MLP, HAT's overlapping cross-window
attention and channel attention), DAT's and RGT's axial/rectangle-window attention with
dynamic position bias MLPs, OmniSR's omni self-attention, SPAN's parameter-free attention,
NAFNet's SimpleGate and simplified channel attention, Restormer's transposed (channel) attention,
SCUNet's Swin-conv blocks, DITN's and SAFMN's feature modulation, RCAN's channel attention,
DnCNN and DRUNet, RealPLKSR's large partial kernels, SeemoRe's mixture of experts, ATD's token
dictionary; braindecode's EEG nets: EEGNet (temporal conv, depthwise spatial conv with a max-norm
constraint, depthwise-separable conv), ShallowFBCSPNet (square, log), Deep4Net, EEG-Inception
ERP and MI, ATCNet (sliding windows, multi-head attention, TCN), EEG Conformer, TIDNet, EEG-ITNet,
EEGNeX, EEG-TCNet, SCCNet, TSception, Chambon's sleep stager, U-Sleep, AttnSleep and CTNet.

    python3 -m venv /work/hvC   # + a .pth to /work/hvB's site-packages (torch and onnx reused) and one to /work/main
    /work/hvC/bin/pip install -c constraints.txt spandrel spandrel-extra-arches braindecode
    # constraints.txt: /work/hvB's pip freeze
    /work/hvC/bin/python benchmarks/crosscheck_restoration_eeg.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r22/zoo).

As run (2026-12-05, torch 2.14.1, torchvision 0.29.1, onnx 1.23.2, onnxscript 0.7.2, spandrel 0.4.2,
spandrel-extra-arches 0.2.0, braindecode 1.8.1 with mne 1.13.2; 13 min on 2 cores): 55 models (30
restoration, 25 EEG), torch's counter ran on all (SDPA on the CPU by formula, as before: EEG
Conformer, CTNet, MSVTNet).  **ATD exports with neither exporter** (a torch.sort of an argmax: the
TorchScript exporter has no Sort with an out parameter, the dynamo exporter no aten.sort.stable of
int64), so it has no module count either.  The TorchScript exporter also failed on 7 EEG nets:
aten::renorm (EEGNet, EEG-ITNet, EEGNeX: the max-norm constraint a parametrization applies to the
weights each forward), aten::fft_rfft (FBCNet, IFNet, EEGMiner: FFT filtering) and a complex STFT
(BIOT); their modules went to the dynamo exporter (said in a note).  **Since this round dscost gives
aten::renorm a TorchScript symbolic** (:mod:`dscost.readers.torch_symbolics`), so EEGNet, EEG-ITNet
and EEGNeX keep the TorchScript exporter, and their modules and TorchScript files equal torch's,
MACs and params (rerun with ``--only eegnet,eegitnet,eegnex``; the figures below are the first run's
but for these three).  No dynamo file for SeemoRe (top-1 expert routing: a
data-dependent guard in torch.export) nor SPAN, whose dynamo export kills the process (a
segmentation fault in the decompositions after a strict torch.export), so :data:`NO_DYNAMO`
refuses it.  **MACs equal torch's on 51 of 54 modules, 47 of 50 TorchScript files and 45 of 52
dynamo files**; the only uncounted nodes are FFTs (ONNX DFT, STFT: FBCNet, BIOT, EEGMiner, IFNet),
which torch counts as 0 too.  The differences, none dscost's:

- SPAN -213,075,072 (module and TorchScript file): each Conv3XC re-parameterizes in every eval
  forward (``update_params``: three branches merged into one 3x3 kernel by F.conv2d on the weight
  tensors, 20 times), arithmetic on parameters alone that torch counts and the trace bakes into
  the eval conv's weights (read through .data); with update_params a no-op torch counts
  198,541,312, dscost's.  Params -807,096: the training branches, named in a note.
- AttnSleep -144,000 (every way): its attention computes ``matmul(p_attn, value)`` twice and
  drops the first (dead code, 72,000 a layer), and never uses ``convs[0]`` (-12,660 params, named).
- MSVTNet -4,896 (every way): its four branch heads are computed and returned only with
  ``return_features`` (dead code; -4,912 params, named).
- The dynamo files of Swin2SR (-921,600), GRL (-1,382,400), DAT (-840), RGT (-1,800) and CRAFT
  (-3,472): the exporter computes the first Linear of each position-bias MLP (continuous
  position bias, DynamicPosBias) on its constant coordinate table at export time and stores the
  result (4 x 225 x 2 x 512, 6 x 230,400, 4 x 210, 4 x 450, 8 x 434).

Params equal torch's on 46 of 54 modules: SeemoRe's experts that top-1 routing leaves unused at
this input (-1,304), AttnSleep's, MSVTNet's and SPAN's above (named in notes), and the 4 modules that
go to the dynamo exporter, whose graph's count is said against the module's in a note (in the first
run also EEGNet, EEG-ITNet, EEGNeX -84, -308, -288: BatchNorms folded, zero biases dropped, as their
dynamo files still are; FBCNet +191,850, IFNet
+33,866: FIR taps -- frozen nn.Parameters -- repeated per channel and zero-padded to the FFT
length, stored in their place; EEGMiner +1,491: its Gaussian filter bank computed from its
parameters; BIOT +79,360: the channel-token embedding gathered at each channel's index and
repeated over 19 frames, 18 copies).  The TorchScript files count also the buffers they store
as initializers (attention masks of 0 and -100 -- not a mask's infinity, so read as a bias -- in
SwinIR, Swin2SR, DAT, DRCT and SRFormer, SwinIR's second mask an Identity copy of the first, a
tensor of its own as the module's two buffers are; relative-position tables in Swin2SR, DAT, RGT
and CRAFT; EEGSimpleConv's resampling kernel, +504; SincShallowNet's window, n_pi and ones, +64), and drop one-element
learned scalars (temperature and rescale: DITN -2, Restormer -3, RetinexFormer -2).  The dynamo
files differ on 45 of 52 by the exporter's rewrite, named in the note on tensors the file does
not hold (BatchNorms folded, equal fresh norms and PReLU slopes merged, zero biases dropped) and
values it computes from parameters alone (relative-position biases gathered from their tables:
SwinIR, HAT, OmniSR, SCUNet, DRCT, SRFormer higher by 21,312 to 148,552; the MLP layers above).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r22/zoo")


def _spandrel(kind: str):
    """A spandrel architecture at a small configuration, random weights (no checkpoint)."""
    import spandrel.architectures as A

    if kind == "esrgan":
        return A.ESRGAN.ESRGAN(num_filters=32, num_blocks=2, scale=4)
    if kind == "esrgan_plus":
        return A.ESRGAN.ESRGAN(num_filters=32, num_blocks=2, scale=2, plus=True)
    if kind == "compact":
        return A.Compact.Compact(num_feat=32, num_conv=8, upscale=4, act_type="prelu")
    if kind == "swinir":
        return A.SwinIR.SwinIR(img_size=32, embed_dim=36, depths=[2, 2], num_heads=[6, 6], window_size=8, upscale=2, upsampler="pixelshuffle")
    if kind == "swinir_light":
        return A.SwinIR.SwinIR(img_size=32, embed_dim=36, depths=[2, 2], num_heads=[6, 6], window_size=8, upscale=2, upsampler="pixelshuffledirect")
    if kind == "swin2sr":
        return A.Swin2SR.Swin2SR(img_size=32, embed_dim=48, depths=[2, 2], num_heads=[6, 6], window_size=8, upscale=2, upsampler="pixelshuffle")
    if kind == "hat":
        return A.HAT.HAT(img_size=32, embed_dim=48, depths=(2, 2), num_heads=(6, 6), window_size=8, upscale=2, num_feat=32)
    if kind == "dat":
        return A.DAT.DAT(img_size=32, embed_dim=60, split_size=[4, 8], depth=[2, 2], num_heads=[2, 2], upscale=2)
    if kind == "rgt":
        return A.RGT.RGT(img_size=32, embed_dim=60, depth=[2, 2], num_heads=[2, 2], split_size=[8, 8], upscale=2)
    if kind == "omnisr":
        return A.OmniSR.OmniSR(num_feat=32, window_size=8, res_num=2, up_scale=2)
    if kind == "span":
        return A.SPAN.SPAN(num_in_ch=3, num_out_ch=3, feature_channels=32, upscale=4)
    if kind == "nafnet":
        return A.NAFNet.NAFNet(width=16, middle_blk_num=1, enc_blk_nums=[1, 1], dec_blk_nums=[1, 1])
    if kind == "scunet":
        return A.SCUNet.SCUNet(config=[1, 1, 1, 1, 1, 1, 1], dim=64, input_resolution=64)
    if kind == "grl":
        return A.GRL.GRL(img_size=32, embed_dim=32, depths=[2], num_heads_window=[2], num_heads_stripe=[2], window_size=8, stripe_size=[8, 8],
                         upscale=2, upsampler="pixelshuffle")  # fmt: skip
    if kind == "ditn":
        return A.DITN.DITN(dim=32, ITL_blocks=2, SAL_blocks=2, UFONE_blocks=1, patch_size=8, upscale=2)
    if kind == "safmn":
        return A.SAFMN.SAFMN(dim=32, n_blocks=4, upscaling_factor=4)
    if kind == "rcan":
        return A.RCAN.RCAN(scale=2, n_resgroups=2, n_resblocks=2, n_feats=32, reduction=16)
    if kind == "dncnn":
        return A.DnCNN.DnCNN(in_nc=1, out_nc=1, nc=32, nb=8)
    if kind == "drunet":
        return A.DRUNet.DRUNet(in_nc=1, out_nc=1, nc=[16, 32, 64, 128], nb=2)
    if kind == "realplksr":
        return A.PLKSR.RealPLKSR(dim=32, n_blocks=4, upscaling_factor=2, kernel_size=17)
    if kind == "seemore":
        return A.SeemoRe.SeemoRe(scale=2, num_experts=3, num_layers=2, embedding_dim=32)
    if kind == "atd":
        return A.ATD.ATD(img_size=32, embed_dim=48, depths=(2, 2), num_heads=(4, 4), window_size=8, category_size=64, num_tokens=16, upscale=2,
                         upsampler="pixelshuffledirect")  # fmt: skip
    if kind == "mosr":
        return A.MoSR.MoSR(n_block=4, dim=32, upscale=2)
    if kind == "retinexformer":
        return A.RetinexFormer.RetinexFormer(n_feat=16, stage=1, num_blocks=[1, 1, 1])
    if kind == "restormer":
        from spandrel_extra_arches.architectures.Restormer import Restormer

        return Restormer(dim=16, num_blocks=[1, 1, 1, 1], num_refinement_blocks=1, heads=[1, 2, 4, 8])
    if kind == "drct":
        return A.DRCT.DRCT(img_size=32, embed_dim=48, depths=(2, 2), num_heads=(4, 4), window_size=8, upscale=2, upsampler="pixelshuffle", gc=16)
    if kind == "craft":
        return A.CRAFT.CRAFT(embed_dim=48, depths=[1, 1], num_heads=[6, 6], window_size=16, split_size_0=4, split_size_1=16, upscale=2)
    if kind == "realcugan":
        return A.RealCUGAN.UpCunet2x()
    if kind == "srformer":
        from spandrel_extra_arches.architectures.SRFormer import SRFormer

        return SRFormer(img_size=32, embed_dim=48, depths=[2, 2], num_heads=[6, 6], window_size=8, upscale=2, upsampler="pixelshuffle")
    if kind == "mprnet":
        from spandrel_extra_arches.architectures.MPRNet import MPRNet

        return MPRNet(n_feat=16, scale_unetfeats=8, scale_orsnetfeats=8, num_cab=2)
    raise ValueError(kind)


def _braindecode(kind: str):
    """A braindecode model for 4 s of 22-channel EEG at 250 Hz (BCI IV 2a's shape), 4 classes;
    the sleep stagers on 30 s of 2 channels at 100 Hz, 5 classes."""
    import braindecode.models as M

    mi = dict(n_chans=22, n_outputs=4, n_times=1000)
    if kind == "eegnet":
        return M.EEGNet(**mi)
    if kind == "shallow":
        return M.ShallowFBCSPNet(**mi, final_conv_length="auto")
    if kind == "deep4":
        return M.Deep4Net(**mi, final_conv_length="auto")
    if kind == "inception_erp":
        return M.EEGInceptionERP(n_chans=8, n_outputs=2, n_times=256, sfreq=128)
    if kind == "inception_mi":
        return M.EEGInceptionMI(**mi, sfreq=250)
    if kind == "atcnet":
        return M.ATCNet(n_chans=22, n_outputs=4, n_times=1125, sfreq=250)
    if kind == "conformer":
        return M.EEGConformer(**mi)
    if kind == "tidnet":
        return M.TIDNet(**mi)
    if kind == "eegitnet":
        return M.EEGITNet(**mi)
    if kind == "eegnex":
        return M.EEGNeX(**mi)
    if kind == "eegtcnet":
        return M.EEGTCNet(**mi)
    if kind == "sccnet":
        return M.SCCNet(**mi, sfreq=250)
    if kind == "tsception":
        return M.TSception(**mi, sfreq=250)
    if kind == "chambon":
        return M.SleepStagerChambon2018(n_chans=2, sfreq=100, n_outputs=5, n_times=3000)
    if kind == "usleep":
        return M.USleep(n_chans=2, sfreq=100, n_outputs=5, n_times=3000)
    if kind == "attnsleep":
        return M.AttnSleep(sfreq=100, n_outputs=5, n_times=3000, n_chans=1)
    if kind == "ctnet":
        return M.CTNet(**mi, sfreq=250)
    if kind == "simpleconv":
        return M.EEGSimpleConv(n_chans=22, n_outputs=4, sfreq=250, n_times=1000)
    if kind == "fbcnet":
        return M.FBCNet(**mi, sfreq=250)
    if kind == "sincshallow":
        return M.SincShallowNet(**mi, sfreq=250)
    if kind == "biot":
        return M.BIOT(n_chans=18, n_outputs=2, n_times=2000, sfreq=200)
    if kind == "sparcnet":
        return M.SPARCNet(n_chans=16, n_outputs=6, n_times=2000)
    if kind == "eegminer":
        return M.EEGMiner(**mi, sfreq=250)
    if kind == "ifnet":
        return M.IFNet(**mi, sfreq=250)
    if kind == "msvtnet":
        return M.MSVTNet(**mi)
    raise ValueError(kind)


def _entries() -> dict:
    img = lambda s, c=3: [("image", (1, c, s, s), "float32")]  # noqa: E731
    eeg = lambda c=22, t=1000: [("eeg", (1, c, t), "float32")]  # noqa: E731
    sp = lambda kind, inputs, note: (lambda: _spandrel(kind), inputs, note)  # noqa: E731
    bd = lambda kind, inputs, note: (lambda: _braindecode(kind), inputs, note)  # noqa: E731
    return {
        # spandrel: super-resolution and restoration
        "esrgan": sp("esrgan", img(32), "ESRGAN RRDBNet x4 (32 filters, 2 RRDBs, nearest upsampling + conv)"),
        "esrgan_plus": sp("esrgan_plus", img(32), "ESRGAN+ x2 (RRDB with 1x1 residual convs)"),
        "compact": sp("compact", img(32), "Real-ESRGAN SRVGGNetCompact x4 (PReLU, PixelShuffle, nearest skip)"),
        "swinir": sp("swinir", img(32), "SwinIR x2 (2 RSTBs, window 8, PixelShuffle head)"),
        "swinir_light": sp("swinir_light", img(32), "SwinIR x2 lightweight (pixelshuffledirect)"),
        "swin2sr": sp("swin2sr", img(32), "Swin2SR x2 (cosine attention, log-CPB MLP)"),
        "hat": sp("hat", img(32), "HAT x2 (hybrid channel attention, overlapping cross-attention)"),
        "dat": sp("dat", img(32), "DAT x2 (dual aggregation: spatial-window and channel attention)"),
        "rgt": sp("rgt", img(32), "RGT x2 (recursive-generalization transformer)"),
        "omnisr": sp("omnisr", img(32), "OmniSR x2 (omni self-attention, ESA)"),
        "span": sp("span", img(32), "SPAN x4 (parameter-free attention, Conv3XC)"),
        "nafnet": sp("nafnet", img(64), "NAFNet (SimpleGate, SCA, LayerNorm2d; 2 levels)"),
        "scunet": sp("scunet", img(64), "SCUNet (Swin-conv blocks, 3 levels)"),
        "grl": sp("grl", img(32), "GRL x2 (window + stripe + anchor attention)"),
        "ditn": sp("ditn", img(32), "DITN x2 (inception transformer, UFONE)"),
        "safmn": sp("safmn", img(32), "SAFMN x4 (spatially-adaptive feature modulation)"),
        "rcan": sp("rcan", img(32), "RCAN x2 (residual channel attention, 2 groups x 2 blocks)"),
        "dncnn": sp("dncnn", img(64, 1), "DnCNN (8 conv-BN-ReLU, 1 channel)"),
        "drunet": sp("drunet", img(64, 1), "DRUNet (residual U-Net, strided convs, transposed convs)"),
        "realplksr": sp("realplksr", img(32), "RealPLKSR x2 (17x17 partial large kernels, GroupNorm, EA)"),
        "seemore": sp("seemore", img(32), "SeemoRe x2 (mixture of low-rank experts, top-1 routing)"),
        "atd": sp("atd", img(32), "ATD x2 (adaptive token dictionary, category attention)"),
        "mosr": sp("mosr", img(32), "MoSR x2 (GatedCNN blocks)"),
        "retinexformer": sp("retinexformer", img(64), "RetinexFormer (illumination-guided attention, 1 stage)"),
        "restormer": sp("restormer", img(64), "Restormer (transposed attention, gated-dconv FFN)"),
        "drct": sp("drct", img(32), "DRCT x2 (dense-residual Swin groups)"),
        "craft": sp("craft", img(32), "CRAFT x2 (high-frequency, rectangle-window and frequency attention)"),
        "srformer": sp("srformer", img(32), "SRFormer x2 (permuted self-attention)"),
        "realcugan": sp("realcugan", img(64), "Real-CUGAN 2x (U-Nets with SE, crops)"),
        "mprnet": sp("mprnet", img(64), "MPRNet (multi-stage, supervised attention, 3 outputs)"),
        # braindecode: EEG decoding
        "eegnet": bd("eegnet", eeg(), "EEGNet (v4): temporal conv, depthwise spatial conv, separable conv"),
        "shallow_fbcsp": bd("shallow", eeg(), "ShallowFBCSPNet (square, mean pool, log)"),
        "deep4": bd("deep4", eeg(), "Deep4Net (4 conv-pool blocks)"),
        "eeg_inception_erp": bd("inception_erp", eeg(8, 256), "EEG-Inception ERP (8 channels, 2 s at 128 Hz)"),
        "eeg_inception_mi": bd("inception_mi", eeg(), "EEG-Inception MI"),
        "atcnet": bd("atcnet", eeg(22, 1125), "ATCNet (sliding windows, MHA, TCN; 4.5 s)"),
        "eeg_conformer": bd("conformer", eeg(), "EEG Conformer (conv stem + 6 transformer layers)"),
        "tidnet": bd("tidnet", eeg(), "TIDNet (temporal/spatial dense blocks)"),
        "eegitnet": bd("eegitnet", eeg(), "EEG-ITNet (inception + TCN)"),
        "eegnex": bd("eegnex", eeg(), "EEGNeX (dilated convs)"),
        "eegtcnet": bd("eegtcnet", eeg(), "EEG-TCNet (EEGNet + TCN)"),
        "sccnet": bd("sccnet", eeg(), "SCCNet (spatial component conv, square, log)"),
        "tsception": bd("tsception", eeg(), "TSception (multi-scale temporal and spatial convs)"),
        "sleep_chambon": bd("chambon", eeg(2, 3000), "Chambon 2018 sleep stager (2 channels, 30 s at 100 Hz)"),
        "usleep": bd("usleep", eeg(2, 3000), "U-Sleep (1-D U-Net, 12 levels)"),
        "attnsleep": bd("attnsleep", eeg(1, 3000), "AttnSleep (MRCNN, causal-conv attention)"),
        "ctnet": bd("ctnet", eeg(), "CTNet (EEGNet-style patching + transformer)"),
        "eeg_simpleconv": bd("simpleconv", eeg(), "EEGSimpleConv (resampling to 80 Hz, conv blocks)"),
        "fbcnet": bd("fbcnet", eeg(), "FBCNet (filter bank, depthwise spatial conv, log-variance)"),
        "sincshallow": bd("sincshallow", eeg(), "SincShallowNet (sinc band-pass filters built from parameters)"),
        "biot": bd("biot", eeg(18, 2000), "BIOT (per-channel STFT tokens, linear attention)"),
        "sparcnet": bd("sparcnet", eeg(16, 2000), "SPaRCNet (1-D dense blocks)"),
        "eegminer": bd("eegminer", eeg(), "EEGMiner (learnable generalized-Gaussian filters in the FFT domain)"),
        "ifnet": bd("ifnet", eeg(), "IFNet (interactive frequency convs)"),
        "msvtnet": bd("msvtnet", eeg(), "MSVTNet (multi-scale convs + transformer)"),
    }  # fmt: skip


# Models whose dynamo export kills the child process (a segmentation fault in torch's
# decompositions), so that the row would be lost with it: their dynamo export is refused instead.
NO_DYNAMO = {"span": "SPAN: the dynamo export segfaults (torch.export strict=True, then its decompositions), not tried"}


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__, NO_DYNAMO)


if __name__ == "__main__":
    sys.exit(main())
