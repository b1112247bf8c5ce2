"""Sixteenth blind round (2026-12-05): neural audio codecs, vocoders and recommender models no earlier
round held -- encodec, descript-audio-codec, vocos, demucs, nnAudio, deepctr-torch, pytorch-widedeep
and torchfm -- each model counted three ways against torch's own counter, as in
crosscheck_timm_sixth.py (the module through ``dscost.analyze``, the TorchScript and the dynamo
exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: SEANet encoders and decoders (weight-normed 1-D convs with reflect padding,
strided and transposed, ELU residual units, a 2-layer LSTM, causal padding and trimming); residual
vector quantization (squared distances to a codebook by matmul, argmax, an embedding lookup per
stage, the residual carried); DAC's Snake activation (a scripted function, x + sin(a x)^2 / a),
factorized codebooks with L2-normalized lookups; SEANet with time_group_norm; Vocos' ConvNeXt
backbone (depthwise 7-tap convs, LayerNorm, layer scale) and its iSTFT head (an inverse real FFT and
an overlap-add by ``F.fold`` with "same" padding), nnAudio's iSTFT (inverse Fourier kernels as
conv2d, ``F.fold``, a window-sum division under a boolean mask); the waveform Demucs (strided convs,
GLU, a BiLSTM); nnAudio's spectrogram front-ends computed as 1-D convs with fixed Fourier, mel and
DCT kernels (buffers); FM's sum-square interactions, field-aware FM, compressed interaction networks
(xDeepFM's outer products by einsum), cross networks (DCN, DCN-M's mixture of low-rank experts,
gated cross layers), AutoInt's self-attention over fields, DIN's attention over a behaviour sequence
with Dice activations and a length mask (deepctr's and widedeep's), a mean-pooled sequence field
(mask, sum, division), NFM's bi-interaction pooling, AFM's pairwise attention, PNN's inner products,
AFN's logarithmic neurons, FiBiNET's SENET and bilinear layers.

    /work/hvB/bin/pip install -c constraints.txt encodec descript-audio-codec vocos nnAudio deepctr-torch pytorch-widedeep torchfm demucs
    # constraints.txt: torch==2.14.1; then put back what the resolver lowered:
    /work/hvB/bin/pip install --no-deps protobuf==7.36.2 numpy==2.4.6   # (descript-audiotools pins protobuf<3.20, widedeep numpy<2)
    /work/hvB/bin/python benchmarks/crosscheck_codecs_recsys.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r16/zoo).

As run (2026-12-05, torch 2.14.1, torchaudio 2.11.1, onnx 1.23.2, onnxscript 0.7.2, encodec 0.1.1,
descript-audio-codec 1.0.0, vocos 0.1.0, demucs 4.1.0, nnAudio 0.3.4, deepctr-torch 0.3.0,
pytorch-widedeep 1.7.0, torchfm 0.7.0; 8 min on 2 cores): 40 models, torch's counter ran on all.
**MACs equal torch's on every count made: 37 of 37 modules, 34 of 34 TorchScript files and 36 of 36
dynamo files; no MAC difference, so no miscount by dscost.**  Nodes left uncounted, none a MAC op,
each saying why: nnAudio's MFCC (the module and the dynamo file) computes its DCT by
``torch.fft.fft``, a ``DFT`` node dscost lists as a signal op (torch's counter counts the FFT as 0
too); nnAudio's iSTFT divides by the window sum where it is non-zero (a boolean index: ``NonZero``),
so a Div and an Add after it have data-dependent sizes (no MACs in them either). One gap, not moving
a MAC, fixed since: ``Col2Im`` (``F.fold``, here the iSTFT's overlap-add) was among dscost's shape-only ops
and cost nothing, though with overlapping blocks it sums them -- the same overlap-add written as a
ScatterElements with ``reduction="add"`` counts one op per update element (3,200 "other ops" for 50
frames of 64 at hop 16, against Col2Im's 0); Col2Im now counts the same.  Exports that fail in torch, said in one line: both
exporters on Vocos' iSTFT head and Vocos end to end ("Unknown number type: complex": the head builds
``mag * (cos + 1j * sin)``; the dynamo exporter cannot translate the complex ``mul``) and on
HTDemucs (a complex STFT in TorchScript; a data-dependent guard in torch.export); nnAudio's iSTFT
with the dynamo exporter (a boolean ``index_put`` with several indices; the TorchScript exporter
needs opset 18 for its col2im, which ``dscost.analyze`` takes, the round's opset-17 file fails); the
TorchScript exporter on the waveform Demucs ("Kernel size can't be greater than actual input size":
in the trace ``x.shape[-1]`` is a tensor, and ``valid_length`` does ``length *= 2`` on it, so the
padding is computed from a changed length -- the module goes to the dynamo exporter, which counts
torch's MACs) and on nnAudio's MFCC (aten::fft_fft at opset 17: to the dynamo exporter too).  Params
equal torch's on 34 of 37 modules; the others are parameters no forward reads, named in the note
(pytorch-widedeep's field-aware FM keeps a shared ``cat_embed`` of 401x8 = 3,208 it never uses,
torchfm's PNN a ``FeaturesLinear`` of 3,208), and the waveform Demucs through the dynamo exporter
(-308: its GroupNorms' ones and zeros and its LayerScales' 1e-4 scales merged into one tensor per
shape and value, as the note says). TorchScript files add buffers stored as initializers (encodec's
codebooks 4 x 64x32 = +8,192; nnAudio's Fourier kernels 2 x 129x1x256 = +66,048, +4,128 of mel
basis, the CQT's +196,632), and lose one-element learned scalars read by an ``Add`` (the output bias
of every deepctr-torch model and of torchfm's, -1; deepctr DIN's attention-unit output bias too, -2;
WideDeep's wide bias and widedeep DIN's, -1): the known conventions.  Dynamo files are lower by
weight norm and merges: each weight-normed conv's ``g * v / ||v||`` is folded into one weight of v's
size, so the g's are gone (SEANet's 196 and 189 output channels; the encodec model's -385 is the
two), equal fresh initializers are merged (the time_group_norm SEANet's GroupNorm ones and zeros,
-224; widedeep DIN's Dice alpha and BatchNorm bias zeros, -8; Snake alphas of ones, zero biases:
DAC's encoder -488 of g's - 272 merged = -760; Vocos' norms and layer scales -896; deepctr's
cross-network biases -34, widedeep's DCN-v2 and gated DCN -32), all-zero biases dropped (widedeep's
AutoInt -40: one in_proj bias merged, both out_proj biases gone), BatchNorm folded (deepctr's AFN
-112, torchfm's xDeepFM -96, its AutoInt+ -96 - 80 merged = -176), and higher where the exporter
stores tensors derived from parameters: DAC's quantizer stores each codebook L2-normalized and
transposed (64x8) and its squared norms (1x64), +2,304 - 160 g's = +2,144 for the RVQ alone. Vocos'
AdaLayerNorm backbone (-1,920): the bandwidth id is a constant of the wrapper's forward, so the
exporter looks up its scale and shift rows at export time and keeps two 1x64 tensors (ones and
zeros) of the six 4x64 tables: -1,536 + 128, and -512 merged as in the plain backbone.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402
from crosscheck_libraries import _first, _forward  # noqa: E402

DEFAULT_OUT = Path("/tmp/r16/zoo")


# ---------------------------------------------------------------- audio codecs and vocoders
def _seanet(kind: str, **kw):
    from encodec.modules import SEANetDecoder, SEANetEncoder

    base = dict(channels=1, dimension=32, n_filters=8, n_residual_layers=1, ratios=[4, 4, 2], lstm=2)
    return (SEANetEncoder if kind == "enc" else SEANetDecoder)(**{**base, **kw})


def _encodec_rvq():
    """encodec's ResidualVectorQuantizer (4 stages of 64 codes, kmeans_init off so no k-means runs
    at the first forward): encode to codes, decode back."""
    from encodec.quantization import ResidualVectorQuantizer

    m = ResidualVectorQuantizer(dimension=32, n_q=4, bins=64, kmeans_init=False)
    return _forward(m, lambda m, x: m.decode(m.encode(x, sample_rate=100)))


def _encodec_model():
    """A tiny EncodecModel (SEANet encoder/decoder, 4-stage RVQ, normalize=True: the input scaled
    by its RMS and the scale multiplied back), decode(encode(x))."""
    from encodec.model import EncodecModel
    from encodec.quantization import ResidualVectorQuantizer

    enc, dec = _seanet("enc"), _seanet("dec")
    q = ResidualVectorQuantizer(dimension=32, n_q=4, bins=64, kmeans_init=False)
    return EncodecModel(enc, dec, q, target_bandwidths=[1.5], sample_rate=3200, channels=1, normalize=True, segment=None)


def _dac(**kw):
    """descript-audio-codec's DAC, tiny: Snake activations, weight norm, 4 factorized codebooks;
    the reconstructed audio only."""
    import torch
    from dac.model import DAC

    m = DAC(encoder_dim=8, encoder_rates=[2, 4, 4], latent_dim=32, decoder_dim=64, decoder_rates=[4, 4, 2], n_codebooks=4, codebook_size=64,
            codebook_dim=8, sample_rate=16000, **kw)  # fmt: skip
    return _forward(m, lambda m, x: m(x, 16000)["audio"]) if torch else m


def _dac_encoder():
    from dac.model.dac import Encoder

    return Encoder(d_model=8, strides=[2, 4, 4], d_latent=32)


def _dac_rvq():
    from dac.nn.quantize import ResidualVectorQuantize

    return _first(ResidualVectorQuantize(input_dim=32, n_codebooks=4, codebook_size=64, codebook_dim=8))


def _vocos_backbone(**kw):
    from vocos.models import VocosBackbone

    return VocosBackbone(input_channels=32, dim=64, intermediate_dim=128, num_layers=2, **kw)


def _vocos_adanorm():
    """VocosBackbone with AdaLayerNorm (scale and shift looked up per bandwidth id; id 1 given)."""
    import torch

    m = _vocos_backbone(adanorm_num_embeddings=4)
    return _forward(m, lambda m, x: m(x, bandwidth_id=torch.tensor([1])))


def _vocos_head(padding: str):
    from vocos.heads import ISTFTHead

    return ISTFTHead(dim=64, n_fft=64, hop_length=16, padding=padding)


def _vocos(padding: str = "center"):
    """Vocos end to end: a mel front-end (torchaudio's, an STFT), ConvNeXt backbone, iSTFT head."""
    from vocos.feature_extractors import MelSpectrogramFeatures
    from vocos.heads import ISTFTHead
    from vocos.pretrained import Vocos

    fe = MelSpectrogramFeatures(sample_rate=16000, n_fft=256, hop_length=64, n_mels=32, padding=padding)
    return _forward(Vocos(fe, _vocos_backbone(), ISTFTHead(dim=64, n_fft=256, hop_length=64, padding=padding)), lambda m, x: m(x))


def _demucs():
    """The waveform Demucs (v2 layout): strided 1-D convs with GLU, a BiLSTM, transposed convs."""
    from demucs.demucs import Demucs

    return Demucs(sources=["drums", "vocals"], audio_channels=1, channels=8, depth=3, lstm_layers=1, samplerate=8000, segment=1)


def _htdemucs():
    from demucs.htdemucs import HTDemucs

    return HTDemucs(sources=["drums", "vocals"], audio_channels=1, channels=8, depth=2, nfft=256, t_layers=1, t_heads=4, bottom_channels=0,
                    samplerate=8000, segment=1)  # fmt: skip


def _nnaudio(name: str, **kw):
    import nnAudio.features as f

    return getattr(f, name)(verbose=False, **kw)


# ---------------------------------------------------------------- recommender models
N_SPARSE, VOCAB, EMB = 4, 100, 8


def _ctr_columns(dense: int = 2):
    from deepctr_torch.inputs import DenseFeat, SparseFeat

    return [SparseFeat(f"c{i}", VOCAB, embedding_dim=EMB) for i in range(N_SPARSE)] + [DenseFeat(f"d{i}", 1) for i in range(dense)]


def _ctr(name: str, linear: bool = True, **kw):
    """A deepctr-torch model over 4 sparse fields (vocabulary 100, dim 8) and 2 dense ones; its
    forward takes one float matrix, so the ids (int64) are cast and put before the dense values."""
    import torch
    import deepctr_torch.models as M

    cols = _ctr_columns()
    m = getattr(M, name)(*((cols, cols) if linear else (cols,)), device="cpu", **kw)
    return _forward(m, lambda m, ids, dense: m(torch.cat([ids.float(), dense], dim=1)))


def _ctr_din():
    """deepctr-torch's DIN: a user field, a target item, a dense score, 5 behaviour items sharing
    the item embedding, their length (5, given in the forward); Dice attention units."""
    import torch
    from deepctr_torch.inputs import DenseFeat, SparseFeat, VarLenSparseFeat
    from deepctr_torch.models import DIN

    cols = [SparseFeat("user", VOCAB, embedding_dim=EMB), SparseFeat("item_id", VOCAB, embedding_dim=EMB), DenseFeat("score", 1),
            VarLenSparseFeat(SparseFeat("hist_item_id", VOCAB, embedding_dim=EMB, embedding_name="item_id"), maxlen=5, length_name="seq_length")]  # fmt: skip
    m = DIN(cols, ["item_id"], device="cpu", att_hidden_size=(16, 8), dnn_hidden_units=(32, 16))
    return _forward(m, lambda m, ids, dense: m(torch.cat([ids[:, :2].float(), dense, ids[:, 2:].float(),
                                                          torch.full((ids.shape[0], 1), 5.0)], dim=1)))  # fmt: skip


def _wd(name: str, **kw):
    """A pytorch-widedeep rec model over 4 categorical columns of 100 values (int64 in)."""
    import pytorch_widedeep.models.rec as R

    col = {f"c{i}": i for i in range(N_SPARSE)}
    cats = [(f"c{i}", VOCAB) for i in range(N_SPARSE)]
    return getattr(R, name)(column_idx=col, cat_embed_input=cats, **kw)


def _wd_dcn(name: str, **kw):
    import pytorch_widedeep.models.rec as R

    col = {f"c{i}": i for i in range(N_SPARSE)}
    cats = [(f"c{i}", VOCAB, EMB) for i in range(N_SPARSE)]
    return getattr(R, name)(column_idx=col, cat_embed_input=cats, mlp_hidden_dims=[32, 16], **kw)


def _wide_deep():
    """pytorch-widedeep's WideDeep: a Wide (linear over one-hot ids, an Embedding) and a TabMlp
    (categorical embeddings, 2 continuous columns with batchnorm), inputs as its dict."""
    import torch
    from pytorch_widedeep.models import TabMlp, WideDeep, Wide

    col = {**{f"c{i}": i for i in range(N_SPARSE)}, "d0": 4, "d1": 5}
    tab = TabMlp(column_idx=col, cat_embed_input=[(f"c{i}", VOCAB, EMB) for i in range(N_SPARSE)], continuous_cols=["d0", "d1"],
                 cont_norm_layer="batchnorm", mlp_hidden_dims=[32, 16])  # fmt: skip
    m = WideDeep(wide=Wide(input_dim=N_SPARSE * VOCAB, pred_dim=1), deeptabular=tab)
    return _forward(m, lambda m, ids, dense: m({"wide": ids + torch.arange(N_SPARSE) * VOCAB, "deeptabular": torch.cat([ids.float(), dense], 1)}))


def _wd_din():
    """pytorch-widedeep's DeepInterestNetwork: user, target item, context, 5 behaviour items (the
    item embedding shared), Dice attention units (batchnorm in eval), a 16-8 MLP."""
    import pytorch_widedeep.models.rec as R

    col = {"user_id": 0, "target_item": 1, "context": 2, **{f"item_{i}": 3 + i for i in range(5)}}
    return R.DeepInterestNetwork(column_idx=col, target_item_col="target_item", user_behavior_confiq=([f"item_{i}" for i in range(5)], VOCAB, EMB),
                                 attention_unit_activation="dice", cat_embed_input=[("user_id", VOCAB, EMB), ("context", VOCAB, 4)],
                                 mlp_hidden_dims=[16, 8])  # fmt: skip


def _ctr_varlen():
    """deepctr-torch's DeepFM with a mean-pooled sequence field (5 ids, length given): the
    SequencePoolingLayer's mask, sum and division."""
    import torch
    from deepctr_torch.inputs import SparseFeat, VarLenSparseFeat
    from deepctr_torch.models import DeepFM

    cols = _ctr_columns() + [VarLenSparseFeat(SparseFeat("hist", VOCAB, embedding_dim=EMB), maxlen=5, combiner="mean", length_name="hist_len")]
    m = DeepFM(cols, cols, device="cpu", dnn_hidden_units=(32, 16))
    return _forward(m, lambda m, ids, dense: m(torch.cat([ids[:, :4].float(), dense, ids[:, 4:].float(), torch.full((ids.shape[0], 1), 3.0)], 1)))


def _tfm(module: str, cls: str, *args, **kw):
    """A torchfm model over 4 fields of 100 values each (the ids per field; torchfm adds offsets)."""
    import importlib

    return getattr(importlib.import_module(f"torchfm.model.{module}"), cls)([VOCAB] * N_SPARSE, *args, **kw)


def _entries() -> dict:
    wav = lambda n, c=1: [("input", (1, c, n), "float32")]  # noqa: E731
    img = lambda *s: [("input", s, "float32")]  # noqa: E731
    ctr = [("ids", (8, N_SPARSE), "int64"), ("dense", (8, 2), "float32")]
    din = [("ids", (8, 7), "int64"), ("dense", (8, 1), "float32")]
    tab = [("input", (8, N_SPARSE), "int64")]
    return {
        # encodec 0.1.1
        "encodec_seanet_encoder": (lambda: _seanet("enc"), wav(3200), "SEANet encoder: weight-normed strided 1-D convs, reflect padding, ELU, 2-layer LSTM"),
        "encodec_seanet_decoder_causal": (lambda: _seanet("dec", causal=True), img(1, 32, 100),
                                          "SEANet decoder, causal: LSTM, weight-normed ConvTranspose1d, right trimming"),
        "encodec_seanet_encoder_tgn": (lambda: _seanet("enc", channels=2, norm="time_group_norm", true_skip=True), wav(3200, 2),
                                       "SEANet encoder as in the 48 kHz model: time_group_norm (GroupNorm(1)), stereo, identity skips"),
        "encodec_rvq": (_encodec_rvq, img(1, 32, 100), "RVQ: 4 stages of codebook distances (matmul), argmax, embedding lookups"),
        "encodec_model": (_encodec_model, wav(3200), "EncodecModel tiny: RMS normalization, encoder, RVQ codes, decoder"),
        # descript-audio-codec 1.0.0
        "dac_encoder": (_dac_encoder, wav(2048), "DAC encoder: Snake activations (scripted), weight norm, dilated residual units"),
        "dac_rvq": (_dac_rvq, img(1, 32, 64), "DAC RVQ: factorized codes (project to 8), L2-normalized distance, lookups"),
        "dac": (_dac, wav(2048), "DAC tiny end to end: encoder, 4 codebooks, decoder with transposed convs"),
        # vocos 0.1.0
        "vocos_backbone": (lambda: _vocos_backbone(), img(1, 32, 50), "Vocos ConvNeXt backbone: depthwise k=7 convs, LayerNorm, layer scale"),
        "vocos_backbone_adanorm": (_vocos_adanorm, img(1, 32, 50), "Vocos backbone with AdaLayerNorm (per-bandwidth scale/shift embeddings)"),
        "vocos_istft_head_same": (lambda: _vocos_head("same"), img(1, 50, 64), "iSTFT head, 'same' padding: irfft, window, F.fold overlap-add"),
        "vocos_mel": (lambda: _vocos("center"), [("input", (1, 4096), "float32")], "Vocos end to end: mel STFT front-end, backbone, torch.istft"),
        # demucs 4.1.0
        "demucs_wave": (_demucs, wav(4000), "Demucs (waveform): strided convs with GLU, BiLSTM, transposed convs, 2 sources"),
        "htdemucs": (_htdemucs, wav(4096), "HTDemucs tiny: spectrogram and waveform branches, cross-domain transformer"),
        # nnAudio 0.3.4
        "nnaudio_stft": (lambda: _nnaudio("STFT", n_fft=256, hop_length=64, output_format="Magnitude"), [("input", (1, 4000), "float32")],
                         "nnAudio STFT: Fourier kernels as Conv1d, magnitude"),
        "nnaudio_mel": (lambda: _nnaudio("MelSpectrogram", sr=16000, n_fft=256, hop_length=64, n_mels=32), [("input", (1, 4000), "float32")],
                        "nnAudio MelSpectrogram: STFT conv, power, mel matmul"),
        "nnaudio_mfcc": (lambda: _nnaudio("MFCC", sr=16000, n_mfcc=13, n_fft=256, hop_length=64, n_mels=32), [("input", (1, 4000), "float32")],
                         "nnAudio MFCC: mel, log (top_db), DCT as matmul"),
        "nnaudio_cqt": (lambda: _nnaudio("CQT1992v2", sr=16000, hop_length=128, fmin=100, n_bins=24, bins_per_octave=12),
                        [("input", (1, 4000), "float32")], "nnAudio CQT1992v2: one long complex conv kernel bank"),
        "nnaudio_istft": (lambda: _forward(_nnaudio("iSTFT", n_fft=256, hop_length=64, freq_bins=129), lambda m, x: m(x, onesided=True)),
                          img(1, 129, 63, 2), "nnAudio iSTFT: inverse Fourier kernels as conv_transpose1d, window-sum division"),
        # deepctr-torch 0.3.0
        "ctr_deepfm": (lambda: _ctr("DeepFM", dnn_hidden_units=(32, 16)), ctr, "deepctr DeepFM: linear part, FM sum-square, DNN"),
        "ctr_dcn": (lambda: _ctr("DCN", cross_num=2, dnn_hidden_units=(32, 16)), ctr, "deepctr DCN: vector cross layers"),
        "ctr_dcnmix": (lambda: _ctr("DCNMix", cross_num=2, low_rank=4, num_experts=2, dnn_hidden_units=(32, 16)), ctr,
                       "deepctr DCN-M: mixture of low-rank cross experts"),
        "ctr_xdeepfm": (lambda: _ctr("xDeepFM", cin_layer_size=(16, 16), dnn_hidden_units=(32, 16)), ctr, "deepctr xDeepFM: CIN (einsum outer products, conv1d)"),
        "ctr_autoint": (lambda: _ctr("AutoInt", att_layer_num=2, att_head_num=2, dnn_hidden_units=(32, 16)), ctr, "deepctr AutoInt: field self-attention"),
        "ctr_pnn": (lambda: _ctr("PNN", linear=False, dnn_hidden_units=(32, 16), use_inner=True, use_outter=True), ctr, "deepctr PNN: inner and outer products"),
        "ctr_fibinet": (lambda: _ctr("FiBiNET", bilinear_type="interaction", dnn_hidden_units=(32, 16)), ctr, "deepctr FiBiNET: SENET, bilinear interaction"),
        "ctr_afn": (lambda: _ctr("AFN", ltl_hidden_size=16, afn_dnn_hidden_units=(32, 16)), ctr, "deepctr AFN: logarithmic transformation layer"),
        "ctr_deepfm_varlen": (_ctr_varlen, [("ids", (8, 9), "int64"), ("dense", (8, 2), "float32")],
                              "deepctr DeepFM with a mean-pooled 5-id sequence field (length 3)"),
        "ctr_din": (_ctr_din, din, "deepctr DIN: Dice attention over 5 behaviour items, length mask"),
        # pytorch-widedeep 1.7.0
        "wd_wide_deep": (_wide_deep, ctr, "WideDeep: Wide (an Embedding as a linear) + TabMlp with batchnorm continuous"),
        "wd_din": (_wd_din, [("input", (8, 8), "int64")], "widedeep DeepInterestNetwork: Dice attention units over 5 behaviour items"),
        "wd_deepffm": (lambda: _wd("DeepFieldAwareFactorizationMachine", num_factors=8, mlp_hidden_dims=[32, 16]), tab, "widedeep field-aware FM"),
        "wd_xdeepfm": (lambda: _wd("ExtremeDeepFactorizationMachine", input_dim=8, cin_layer_dims=[16, 16], mlp_hidden_dims=[32, 16]), tab,
                       "widedeep xDeepFM: CIN"),
        "wd_autoint": (lambda: _wd("AutoInt", input_dim=8, num_heads=2, num_layers=2), tab, "widedeep AutoInt"),
        "wd_dcnv2": (lambda: _wd_dcn("DeepCrossNetworkV2", num_cross_layers=2, low_rank=4, num_experts=2), tab, "widedeep DCN-v2, mixture of low-rank experts"),
        "wd_gdcn": (lambda: _wd_dcn("GatedDeepCrossNetwork", num_cross_layers=2), tab, "widedeep gated DCN"),
        # torchfm 0.7.0
        "tfm_ffm": (lambda: _tfm("ffm", "FieldAwareFactorizationMachineModel", 8), tab, "torchfm FFM: one embedding table per field"),
        "tfm_xdfm": (lambda: _tfm("xdfm", "ExtremeDeepFactorizationMachineModel", 8, (32, 16), 0.0, (16, 16)), tab, "torchfm xDeepFM"),
        "tfm_afi": (lambda: _tfm("afi", "AutomaticFeatureInteractionModel", 8, 16, 2, 2, (32, 16), (0.0, 0.0, 0.0)), tab, "torchfm AutoInt+"),
        "tfm_pnn_outer": (lambda: _tfm("pnn", "ProductNeuralNetworkModel", 8, (32, 16), 0.0, method="outer"), tab, "torchfm PNN outer product kernel"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
