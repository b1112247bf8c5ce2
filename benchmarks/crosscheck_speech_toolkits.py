"""Fortieth blind round (2026-12-06): speech toolkits no earlier round held -- pyannote.audio,
espnet, NeMo, funasr (3D-Speaker's CAM++ and ERes2Net, SenseVoice's SANM, FSMN-VAD) and the k2
Zipformer -- each model counted three ways against torch's own counter, as in
crosscheck_timm_sixth.py and crosscheck_3d.py (the module through ``dscost.analyze``, the
TorchScript and the dynamo exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: pyannote's SincNet (80 band-pass filters computed in the forward from two learned
(40, 1) parameters by outer-product matmuls, sin / cos, a window, a flip and a cat, then used as a
conv weight), instance norms, a 4-layer BiLSTM and a powerset head; x-vector TDNNs with statistics
pooling; torchaudio's MFCC and kaldi fbank inside a forward (STFT); WeSpeaker's ResNet34 with
temporal statistics pooling; espnet2's Conformer (relative-position MHSA with "latest" rel-shift,
macaron FFNs, a conv module), E-Branchformer and Branchformer (cgMLP's convolutional gating,
depthwise merge), Transformer, the RNNEncoder (BLSTMs over packed sequences, projections,
subsampling by slicing), FastSpeech2 teacher-forced (variance predictors, a length regulator
repeating by durations, a conv postnet), a weight-normed HiFiGAN generator (ConvTranspose1d,
dilated multi-receptive-field blocks); NeMo's ConformerEncoder and FastConformer (dw-striding
subsampling by 8), its ConvASREncoder as QuartzNet, Citrinet (SE with global context, stride_add
residuals) and MarbleNet (with masked convs from the lengths), TitaNet (attentive statistics
pooling, an angular head), ECAPA-TDNN; funasr's CAM++ (context-aware masking D-TDNN), ERes2Net
(attentional feature fusion), SANM (SenseVoice's / Paraformer's self-attention with an FSMN memory
conv) and FSMN-VAD; the k2 / icefall Zipformer2 (stacks at several frame rates, BiasNorm, SwooshL/R,
bypass modules, shared attention weights, compact relative positions).  Random weights, built from
configs, no checkpoint; 2 s of 16 kHz audio or 100 frames of features.

    python3.11 -m venv /tmp/r40/venv && /tmp/r40/venv/bin/pip install uv torch==2.14.1   # (pip takes torch from this disk)
    echo torch==2.14.1 > /tmp/r40/cons.txt; U="/tmp/r40/venv/bin/python -m uv pip install --python /tmp/r40/venv/bin/python -c /tmp/r40/cons.txt"
    $U torchaudio onnx onnxscript onnxruntime typer rich pydantic pyyaml numpy
    $U pyannote.audio "nemo_toolkit[asr]" funasr zipformer
    $U --no-deps espnet==202511 && $U typeguard humanfriendly configargparse
    PYTHONPATH=/work/main /tmp/r40/venv/bin/python benchmarks/crosscheck_speech_toolkits.py [--only a,b] [--json rows.json] [--out DIR]

espnet: 202611 and 202609 need Python >= 3.12, 202412-202511 pin setuptools < 74 (torch 2.14.1
needs >= 77.0.3), so the resolver falls back to 202402, whose sentencepiece 0.1.97 does not build;
202511 installed without its dependencies imports and builds every module used here.  NeMo 3.0.0
installed in under 2 minutes (it lowers lightning to 2.4.0; pyannote.audio 4.0.7 still runs).
Not held: 3D-Speaker's own ``speakerlab`` (it would lower numpy to 1.26; CAM++ and ERes2Net are
taken from funasr, which ships them), wespeaker (pyannote's WeSpeaker ResNet34 is held), espnet's
VITS end to end (monotonic alignment and sampled durations: data-dependent), pyannote's
ToTaToNet (a WavLM from transformers' hub).

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r40/zoo).
Exit status 1 on a MACs difference from torch's count, a dscost failure or an uncounted node,
other than the diagnosed ones in KNOWN_MACS / KNOWN_UNCOUNTED.

As run (2026-12-06, torch 2.14.1, torchaudio 2.11.1, onnx 1.23.2, onnxscript 0.7.2, onnxruntime
1.32.0, pyannote.audio 4.0.7, espnet 202511, nemo_toolkit 3.0.0, funasr 1.4.16, zipformer 0.1.2;
about 16 min of child processes on 2 cores): 24 models, torch's counter ran on all.  **MACs equal
torch's on 20 of 23 module counts, 19 of 22 TorchScript files and 16 of 17 dynamo files; every
difference is an exporter's rewrite of work torch's counter counts twice or counts dead (SincNet's
repeated filter matmuls, TitaNet's repeated embedding conv and unused head), none a dscost
miscount.**  One dscost finding, no MAC moved: a node uncounted after a type error the
TorchScript exporter wrote (espnet's RNNEncoder, below).  Uncounted elsewhere only the STFT of
torchaudio's MFCC (a signal op, the stated convention).  Params equal on 20 of 23 modules (the
rest named below), 12 of 22 TorchScript files and 1 of 17 dynamo files (the files' conventions).

| model | torch MACs | module MACs | TorchScript file MACs | dynamo file MACs | torch params | module params | TS file params | dynamo file params | status |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---|
| pyannet | 168,430,240 | 168,420,240 (-10,000) | 168,420,240 (-10,000) | error | 682,737 | 682,737 | 682,987 (+250) | error | MACs differ; error: dynamo |
| pa_xvector_sincnet | 381,524,000 | 381,514,000 (-10,000) | 381,514,000 (-10,000) | error | 4,346,366 | 4,346,366 | 4,346,616 (+250) | error | MACs differ; error: dynamo |
| pa_xvector_mfcc | 409,940,096 | 409,940,096 [1 unc.] | error | 409,940,096 [1 unc.] | 4,252,564 | 4,249,492 (-3,072) | error | 4,249,492 (-3,072) | MACs differ; error: ts |
| pa_wespeaker_resnet34 | 4,511,939,040 | error | error | error | 6,634,336 | error | error | error | MACs differ; error: module,ts,dynamo |
| pa_wespeaker_resnet34_fbank | 2,280,990,720 | 2,280,990,720 | 2,280,990,720 | 2,280,990,720 | 6,634,336 | 6,634,336 | 6,634,336 | 6,625,824 (-8,512) | MACs= module,ts,dynamo |
| espnet_conformer | 463,367,936 | 463,367,936 | 463,367,936 | 463,367,936 | 8,194,560 | 8,194,560 | 8,242,688 (+48,128) | 8,182,272 (-12,288) | MACs= module,ts,dynamo |
| espnet_e_branchformer | 396,447,488 | 396,447,488 | 396,447,488 | 396,447,488 | 5,400,064 | 5,400,064 | 5,448,192 (+48,128) | 5,390,848 (-9,216) | MACs= module,ts,dynamo |
| espnet_branchformer | 394,923,776 | 394,923,776 | 394,923,776 | 394,923,776 | 5,334,528 | 5,334,528 | 5,382,656 (+48,128) | 5,325,312 (-9,216) | MACs= module,ts,dynamo |
| espnet_transformer | 379,924,224 | 379,924,224 | 379,924,224 | 379,924,224 | 4,997,632 | 4,997,632 | 4,997,632 | 4,993,536 (-4,096) | MACs= module,ts,dynamo |
| espnet_fastspeech2 | 185,948,160 | 185,948,160 | 185,948,160 | error | 5,007,477 | 5,007,477 | 5,007,472 (-5) | error | MACs= module,ts; error: dynamo |
| espnet_hifigan | 385,105,920 | 385,105,920 | 385,105,920 | 385,105,920 | 928,514 | 928,514 | 928,514 | 927,649 (-865) | MACs= module,ts,dynamo |
| espnet_rnn | 160,563,200 | 160,563,200 [1 unc.] | 160,563,200 [1 unc.] | error | 3,191,552 | 3,191,552 | 3,191,552 | error | MACs differ; error: dynamo |
| nemo_conformer | 237,652,096 | 237,652,096 | 237,652,096 | 237,652,096 | 3,918,464 | 3,918,464 | 3,952,960 (+34,496) | 3,909,136 (-9,328) | MACs= module,ts,dynamo |
| nemo_fastconformer | 68,401,696 | 68,401,696 | 68,401,696 | 68,401,696 | 3,380,080 | 3,380,080 | 3,397,680 (+17,600) | 3,370,752 (-9,328) | MACs= module,ts,dynamo |
| nemo_quartznet | 334,249,600 | 334,249,600 | 334,249,600 | 334,249,600 | 6,713,181 | 6,713,181 | 6,713,181 | 6,685,021 (-28,160) | MACs= module,ts,dynamo |
| nemo_citrinet | 103,128,512 | 103,128,512 | 103,128,512 | 103,128,512 | 3,079,441 | 3,079,441 | 3,079,441 | 3,059,217 (-20,224) | MACs= module,ts,dynamo |
| nemo_titanet | 203,068,608 | 202,459,584 (-609,024) | 202,459,584 (-609,024) | 202,459,584 (-609,024) | 3,294,512 | 3,275,312 (-19,200) | 3,275,312 (-19,200) | 3,265,584 (-28,928) | MACs differ |
| nemo_ecapa | 443,580,416 | 443,580,416 | 443,580,416 | 443,580,416 | 4,847,744 | 4,847,744 | 4,847,744 | 4,838,016 (-9,728) | MACs= module,ts,dynamo |
| nemo_marblenet | 8,697,856 | 8,697,856 | 8,697,856 | 8,697,856 | 89,154 | 89,154 | 89,154 | 87,234 (-1,920) | MACs= module,ts,dynamo |
| funasr_campplus | 563,038,208 | 563,038,208 | 563,038,208 | 563,038,208 | 6,848,544 | 6,848,544 | 6,848,544 | 6,795,168 (-53,376) | MACs= module,ts,dynamo |
| funasr_eres2net | 1,696,819,200 | 1,696,819,200 | 1,696,819,200 | 1,696,819,200 | 6,610,688 | 6,610,688 | 6,610,688 | 6,589,440 (-21,248) | MACs= module,ts,dynamo |
| funasr_sanm | 359,526,400 | 359,526,400 | 359,526,400 | error | 3,404,896 | 3,404,896 | 3,404,896 | error | MACs= module,ts; error: dynamo |
| funasr_fsmn_vad | 42,696,000 | 42,696,000 | 42,696,000 | 42,696,000 | 428,738 | 428,738 | 428,738 | 428,738 | MACs= module,ts,dynamo |
| zipformer | 237,298,464 | 237,298,464 | 237,298,464 | error | 4,928,127 | 4,927,359 (-768) | 4,937,146 (+9,019) | error | MACs= module,ts; error: dynamo |

Diagnoses, every difference:

- **dscost: one node uncounted after a type error it found (espnet_rnn, module and TorchScript
  file; MACs equal).**  The TorchScript exporter writes espnet's make_pad_mask with a ``Clip`` of an
  int32 input and an int64 max (a traced size); onnxruntime refuses the file ("Type parameter (T) of
  Optype (Clip) bound to different types").  dscost says so in a note and counts the Clip "as the
  arithmetic it names" (input (1, 256) known, 256 other ops) but gives it no output shape, so the
  ``Sub`` after it (a 0-MAC mask op) is uncounted with the reason "shapes lost at m/Clip (Clip: onnx
  shape inference left its output open)": neither the type error nor that a Clip has its input's
  shape.  Repro /tmp/r40/repro/rnn_clip_type_error.py (espnet's RNNEncoder, 1 BLSTM of 8 on
  (1, 10, 4)): torch 8,960 MACs, dscost 8,960 with 1 node uncounted; expected nothing uncounted, or
  the reason naming the Clip's type error.  (A hand-written graph with the same mixed-type Clip,
  clip_type_error.py there, is counted whole: the loss needs the exporter's Expand pattern around it.)
  The dynamo exporter cannot take the model (``torch.tensor`` of lengths: a data-dependent guard), so
  the module path has no other file to fall back on.
  FIXED 2026-12-06: the Clip's output shape is what onnx's inference gives with its inputs of one
  type (onnx_shapes._one_type); the Sub counts, nothing uncounted, the type-error note stays.
- SincNet, -10,000 MACs on pyannet and pa_xvector_sincnet (module and TorchScript file): the
  filters are built twice, ``make_filters(low, high, "cos")`` and ``"sin"``, each computing
  ``matmul(low, n_)`` and ``matmul(high, n_)`` ((40, 1) x (1, 125) = 5,000 MACs each): torch counts
  four, the TorchScript exporter's ``_jit_pass_cse`` merges the repeated two (2 MatMul nodes in the
  file, 10,000), the exporter's rewrite as in rounds 23 and 30.  No dynamo file: asteroid_filterbanks'
  ``torch.clamp(x, self.min_low_hz, sr / 2)`` reaches the decomposition as ``aten::clamp`` with a
  tensor min and a float max, which no overload takes ("Failed to decompose the FX graph").
- TitaNet, -609,024 MACs in all three: NeMo's SpeakerDecoder computes ``layer(pool)`` and
  ``layer[:emb_id](pool)`` -- the embedding's BatchNorm and 1x1 conv (3,072 -> 192, 589,824 MACs) twice
  -- and the angular classifier (192 x 100 = 19,200) whose logits the wrapper does not return: both
  exporters merge the repeat and drop the dead head; torch's counter counts both.  Params -19,200
  there (the classifier's weight, named in the module's note).
- pa_xvector_mfcc: torchaudio's MFCC is a complex STFT (``torch.stft(return_complex=True)``): the
  TorchScript exporter refuses ("STFT does not currently support complex types"), so the module path
  takes the dynamo exporter, whose ``STFT`` node dscost lists as uncounted (a signal op, the stated
  convention; torch's counter counts the FFT as 0): MACs equal.  pa_wespeaker_resnet34 (kaldi fbank in
  its forward): neither exporter takes it (TorchScript "Unsupported value kind: Tensor"; dynamo
  cannot translate ``aten::hamming_window``), and dscost.analyze says both exporters failed; its
  ResNet34 on fbank features (pa_wespeaker_resnet34_fbank) is equal every way.
- Dynamo exports that fail in torch.export: data-dependent guards in funasr SANM (its
  ``make_pad_mask`` reads ``max(lengths)``), zipformer (Conv2dSubsampling asserts ``x.size(1) ==
  x_lens.max().item()``) and FastSpeech2's length regulator (``if ds.sum() == 0``); espnet's
  RNNEncoder (its packed sequences: a ``zeros()`` sized by a tensor, "type must be tuple of ints,
  but got FakeTensor").
- Params: the module path equals torch's on every model but TitaNet (above), pa_xvector_mfcc
  (-3,072: through the dynamo exporter, three fresh BatchNorms' ones and zeros, 3 x 2 x 512, merged
  into one tensor per shape and value, said in the note) and zipformer (-768:
  each Zipformer2EncoderLayer's own ``bypass_scale`` parameter, read by no forward -- the layer
  uses its BypassModules' -- named in the note).  TorchScript files add constants in weight
  positions, the stated convention: SincNet's ``n_`` and window buffers (+250), the relative position
  embeddings traced as one Constant per layer into ``linear_pos`` (espnet's rel-pos models 4 x 47 x
  256 = +48,128; NeMo Conformer 4 x 49 x 176 = +34,496, FastConformer 4 x 25 x 176 = +17,600;
  zipformer's compact ones +9,792, its file +9,019 = that less the unused 768 and 5 one-element
  BiasNorm scales), and read one-element parameters as literals (FastSpeech2 -5: three predictors'
  one-output biases and two positional-encoding alphas).  Dynamo files are lower by BatchNorm folds and merged norm
  initializers, each named in a note.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402
from crosscheck_libraries import _forward  # noqa: E402

DEFAULT_OUT = Path("/tmp/r40/zoo")
SR = 16000
WAVE = [("waveform", (1, 1, 2 * SR), "float32")]  # 2 s of 16 kHz audio, (batch, channel, samples)
FEATS = [("feats", (1, 100, 80), "float32")]  # 100 frames of 80 log-mel, (batch, time, feature)
FEATS_CT = [("feats", (1, 80, 100), "float32")]  # the same, channels first (NeMo)


# ---------------------------------------------------------------- pyannote.audio
def _pyannet():
    """PyanNet (pyannote's segmentation-3.0 layout): SincNet front end (80 learned sinc band-pass
    filters, abs, max pool, instance norms, two 1-D convs), 4-layer bidirectional LSTM of 128,
    two Linear layers, a powerset classifier of 3 speakers (7 classes) with log-softmax."""
    from pyannote.audio.core.task import Problem, Resolution, Specifications
    from pyannote.audio.models.segmentation import PyanNet

    m = PyanNet(sample_rate=SR)
    m.specifications = Specifications(problem=Problem.MONO_LABEL_CLASSIFICATION, resolution=Resolution.FRAME, duration=2.0,
                                      classes=["a", "b", "c"], powerset_max_classes=2)  # fmt: skip
    m.build()
    return m


def _pa_embedding(name: str):
    from pyannote.audio.models import embedding

    return getattr(embedding, name)(sample_rate=SR)


# ---------------------------------------------------------------- espnet2
def _espnet(kind: str):
    """An espnet2 ASR encoder (conv2d subsampling by 4, 4 blocks of 256, 4 heads), behind a
    forward(feats) that passes every length as the full 100 frames and keeps the encoded tensor."""
    import torch

    common = dict(input_size=80, output_size=256, attention_heads=4, linear_units=1024, num_blocks=4, input_layer="conv2d",
                  dropout_rate=0.0, positional_dropout_rate=0.0, attention_dropout_rate=0.0)  # fmt: skip
    if kind == "conformer":
        from espnet2.asr.encoder.conformer_encoder import ConformerEncoder

        enc = ConformerEncoder(**common, pos_enc_layer_type="rel_pos", selfattention_layer_type="rel_selfattn", rel_pos_type="latest",
                               activation_type="swish", macaron_style=True, use_cnn_module=True, cnn_module_kernel=31)  # fmt: skip
    elif kind == "e_branchformer":
        from espnet2.asr.encoder.e_branchformer_encoder import EBranchformerEncoder

        enc = EBranchformerEncoder(**common, attention_layer_type="rel_selfattn", pos_enc_layer_type="rel_pos", rel_pos_type="latest",
                                   cgmlp_linear_units=1024, cgmlp_conv_kernel=31, use_linear_after_conv=False, gate_activation="identity",
                                   merge_conv_kernel=31, layer_drop_rate=0.0)  # fmt: skip
    elif kind == "branchformer":
        from espnet2.asr.encoder.branchformer_encoder import BranchformerEncoder

        c = {k: v for k, v in common.items() if k not in ("linear_units", "num_blocks")}
        enc = BranchformerEncoder(**c, num_blocks=4, attn_branch_drop_rate=0.0, cgmlp_linear_units=1024, cgmlp_conv_kernel=31,
                                  use_linear_after_conv=False, gate_activation="identity", merge_method="concat")  # fmt: skip
    elif kind == "transformer":
        from espnet2.asr.encoder.transformer_encoder import TransformerEncoder

        enc = TransformerEncoder(**common)
    else:
        raise ValueError(kind)

    def fwd(m, x):
        return m(x, torch.full((x.shape[0],), x.shape[1], dtype=torch.long))[0]

    return _forward(enc, fwd)


def _fastspeech2():
    """espnet2 FastSpeech2 (2 + 2 transformer blocks of 192, a 5-layer postnet), teacher-forced as
    in training: every token 3 frames long (the durations a constant of the forward, so the
    length regulator's repeat is fixed), zero pitch and energy targets (token-averaged); tokens
    (1, 20) -> mel (1, 60, 80) and the duration, pitch and energy predictions."""
    import torch
    from espnet2.tts.fastspeech2 import FastSpeech2

    tts = FastSpeech2(idim=100, odim=80, adim=192, aheads=2, elayers=2, eunits=768, dlayers=2, dunits=768, postnet_layers=5,
                      postnet_chans=256, transformer_enc_dropout_rate=0.0, transformer_enc_positional_dropout_rate=0.0,
                      transformer_enc_attn_dropout_rate=0.0, transformer_dec_dropout_rate=0.0,
                      transformer_dec_positional_dropout_rate=0.0, transformer_dec_attn_dropout_rate=0.0,
                      duration_predictor_dropout_rate=0.0, pitch_predictor_dropout=0.0, energy_predictor_dropout=0.0,
                      postnet_dropout_rate=0.0)  # fmt: skip

    def fwd(m, tokens):
        b, t = tokens.shape
        ilens = torch.full((b,), t, dtype=torch.long)
        ds = torch.full((b, t), 3, dtype=torch.long)
        zeros = torch.zeros(b, t, 1)
        _, after, d_outs, p_outs, e_outs = m._forward(tokens, ilens, ds=ds, ps=zeros, es=zeros)
        return after, d_outs, p_outs, e_outs  # (the predictors' outputs kept: else the trace drops them)

    return _forward(tts, fwd)


def _hifigan():
    """espnet2's HiFiGAN generator (VITS' decoder) at 128 channels: weight-normed convs, ConvTranspose1d
    upsampling 8-8-2-2, multi-receptive-field residual blocks (kernels 3, 7, 11, dilations 1-3-5);
    mel (1, 80, 20) -> 5,120 samples."""
    from espnet2.gan_tts.hifigan import HiFiGANGenerator

    return HiFiGANGenerator(in_channels=80, out_channels=1, channels=128, upsample_scales=[8, 8, 2, 2], upsample_kernel_sizes=[16, 16, 4, 4])


def _espnet_rnn():
    """espnet2's RNNEncoder: 3 BLSTM layers of 256 with a projection after each, frames subsampled
    2-2-1 between them; the lengths go through pack_padded_sequence; feats (1, 100, 80)."""
    import torch
    from espnet2.asr.encoder.rnn_encoder import RNNEncoder

    enc = RNNEncoder(input_size=80, rnn_type="lstm", bidirectional=True, use_projection=True, num_layers=3, hidden_size=256,
                     output_size=256, subsample=(2, 2, 1))  # fmt: skip
    return _forward(enc, lambda m, x: m(x, torch.full((x.shape[0],), x.shape[1], dtype=torch.long))[0])


# ---------------------------------------------------------------- NeMo
def _jb(filters, repeat, kernel, stride=1, dilation=1, residual=True, separable=True, **kw):
    """One block of a NeMo ConvASREncoder ``jasper`` list."""
    return dict(filters=filters, repeat=repeat, kernel=[kernel], stride=[stride], dilation=[dilation], dropout=0.0,
                residual=residual, separable=separable, **kw)  # fmt: skip


def _nemo_lengths(x):
    import torch

    return torch.full((x.shape[0],), x.shape[2], dtype=torch.long)


def _nemo(kind: str):
    """NeMo ASR modules built from their model configs (shrunk where said), random weights; NeMo's
    typed forwards take keyword arguments only, so each sits behind a forward(feats) that passes
    the full 100 frames as every length and keeps the first output."""
    import torch
    from nemo.collections.asr.modules import (ConformerEncoder, ConvASRDecoder, ConvASRDecoderClassification, ConvASREncoder,
                                              SpeakerDecoder)  # fmt: skip

    if kind in ("conformer", "fastconformer"):
        if kind == "conformer":  # Conformer-CTC small, 4 of its 16 layers
            enc = ConformerEncoder(feat_in=80, n_layers=4, d_model=176, n_heads=4, subsampling="striding", subsampling_factor=4,
                                   conv_kernel_size=31, dropout=0.0, dropout_pre_encoder=0.0, dropout_emb=0.0)  # fmt: skip
        else:  # FastConformer: depthwise-striding subsampling by 8, conv kernel 9, 4 layers of 176
            enc = ConformerEncoder(feat_in=80, n_layers=4, d_model=176, n_heads=4, subsampling="dw_striding", subsampling_factor=8,
                                   subsampling_conv_channels=176, conv_kernel_size=9, dropout=0.0, dropout_pre_encoder=0.0,
                                   dropout_emb=0.0)  # fmt: skip
        return _forward(enc, lambda m, x: m(audio_signal=x, length=_nemo_lengths(x))[0])
    if kind == "quartznet":  # QuartzNet 5x5 (15x5's blocks at one repeat of each), 29 characters
        jasper = [_jb(256, 1, 33, 2, residual=False), _jb(256, 5, 33), _jb(256, 5, 39), _jb(512, 5, 51), _jb(512, 5, 63), _jb(512, 5, 75),
                  _jb(512, 1, 87, dilation=2, residual=False), _jb(1024, 1, 1, residual=False, separable=False)]  # fmt: skip
        enc, dec = ConvASREncoder(jasper=jasper, activation="relu", feat_in=64), ConvASRDecoder(feat_in=1024, num_classes=28)
        return _forward(torch.nn.ModuleList([enc, dec]), lambda m, x: m[1](encoder_output=m[0](audio_signal=x, length=_nemo_lengths(x))[0]))
    if kind == "citrinet":  # Citrinet-256 layout, 3 of its 21 blocks per stage: SE with global context, stride-2 stages, stride_add residuals
        se = dict(se=True, se_context_size=-1, stride_last=True, residual_mode="stride_add")
        jasper = [_jb(256, 1, 5, residual=False, se=True, se_context_size=-1), _jb(256, 5, 11, 2, **se), _jb(256, 5, 13, **se),
                  _jb(256, 5, 15, 2, **se), _jb(256, 5, 17, **se), _jb(256, 5, 19, 2, **se), _jb(256, 5, 21, **se),
                  _jb(640, 1, 41, residual=False, se=True, se_context_size=-1)]  # fmt: skip
        enc, dec = ConvASREncoder(jasper=jasper, activation="relu", feat_in=80), ConvASRDecoder(feat_in=640, num_classes=256)
        return _forward(torch.nn.ModuleList([enc, dec]), lambda m, x: m[1](encoder_output=m[0](audio_signal=x, length=_nemo_lengths(x))[0]))
    if kind == "titanet":  # TitaNet-S layout: SE blocks with global context, attentive statistics pooling, 192-d embedding
        jasper = [_jb(256, 1, 3, residual=False, se=True, se_context_size=-1), _jb(256, 3, 7, se=True, se_context_size=-1),
                  _jb(256, 3, 11, se=True, se_context_size=-1), _jb(256, 3, 15, se=True, se_context_size=-1),
                  _jb(1536, 1, 1, residual=False, separable=False, se=True, se_context_size=-1)]  # fmt: skip
        enc = ConvASREncoder(jasper=jasper, activation="relu", feat_in=80)
        dec = SpeakerDecoder(feat_in=1536, num_classes=100, emb_sizes=192, pool_mode="attention", angular=True)

        def fwd(m, x):
            length = _nemo_lengths(x)
            h, hl = m[0](audio_signal=x, length=length)
            return m[1](encoder_output=h, length=hl)[1]  # the embedding

        return _forward(torch.nn.ModuleList([enc, dec]), fwd)
    if kind == "marblenet":  # MarbleNet 3x2x64 VAD, frame-level classifier on average pooling
        jasper = [_jb(128, 1, 11, residual=False), _jb(64, 2, 13), _jb(64, 2, 15), _jb(64, 2, 17),
                  _jb(128, 1, 29, dilation=2, residual=False), _jb(128, 1, 1, residual=False, separable=False)]  # fmt: skip
        enc = ConvASREncoder(jasper=jasper, activation="relu", feat_in=64)
        dec = ConvASRDecoderClassification(feat_in=128, num_classes=2, return_logits=True, pooling_type="avg")
        return _forward(torch.nn.ModuleList([enc, dec]), lambda m, x: m[1](encoder_output=m[0](audio_signal=x, length=_nemo_lengths(x))[0]))
    if kind == "ecapa":  # NeMo's ECAPA-TDNN encoder (Res2Net TDNN blocks with SE, multi-layer aggregation)
        from nemo.collections.asr.modules.conv_asr import ECAPAEncoder

        enc = ECAPAEncoder(feat_in=80, filters=[512, 512, 512, 512, 1536], kernel_sizes=[5, 3, 3, 3, 1], dilations=[1, 2, 3, 4, 1], scale=8)
        return _forward(enc, lambda m, x: m(audio_signal=x, length=_nemo_lengths(x))[0])
    raise ValueError(kind)


# ---------------------------------------------------------------- funasr, zipformer
def _funasr(kind: str):
    """funasr 1.4.16 models at their published sizes (SANM shrunk to 4 blocks), random weights."""
    import torch

    if kind == "campplus":  # CAM++ (3D-Speaker's speaker embedding), fbank (B, T, 80) -> 192
        from funasr.models.campplus.model import CAMPPlus

        return CAMPPlus(feat_dim=80, embedding_size=192)
    if kind == "eres2net":  # ERes2Net (3D-Speaker): Res2Net blocks with attentional feature fusion
        from funasr.models.eres2net.eres2net import ERes2Net

        return ERes2Net(feat_dim=80, embedding_size=192, m_channels=32)
    if kind == "sanm":  # SenseVoice / Paraformer's SANM encoder (memory-equipped self-attention): LFR 560-dim input
        from funasr.models.sanm.encoder import SANMEncoder

        enc = SANMEncoder(input_size=560, output_size=256, attention_heads=4, linear_units=1024, num_blocks=4, dropout_rate=0.0,
                          positional_dropout_rate=0.0, attention_dropout_rate=0.0, input_layer="pe", kernel_size=11, sanm_shfit=0)  # fmt: skip
        return _forward(enc, lambda m, x: m(x, torch.full((x.shape[0],), x.shape[1], dtype=torch.long))[0])
    if kind == "fsmn_vad":  # FSMN-VAD (funasr's fsmn-vad model): 4 FSMN memory blocks (causal depthwise conv, lorder 20)
        from funasr.models.fsmn_vad_streaming.encoder import FSMN

        vad = FSMN(input_dim=400, input_affine_dim=140, fsmn_layers=4, linear_dim=250, proj_dim=128, lorder=20, rorder=0, lstride=1,
                   rstride=0, output_affine_dim=140, output_dim=248)  # fmt: skip
        return _forward(vad, lambda m, x: m(x, {}))
    raise ValueError(kind)


def _zipformer():
    """The k2/icefall Zipformer2 encoder (``zipformer`` 0.1.2 on PyPI) at a small size: Conv2dSubsampling
    (ConvNeXt layer, to 1/2), 4 stacks of 1 layer at downsampling 1, 2, 4, 2 (dims 128-192-256-192),
    BypassModules, SwooshL/R, the nonlinear-attention and relative-position attention weights shared
    within a layer, output downsampled by 2; feats (1, 100, 80)."""
    import torch
    from zipformer.modules.subsampling import Conv2dSubsampling
    from zipformer.modules.zipformer import Zipformer

    embed = Conv2dSubsampling(in_channels=80, out_channels=128, dropout=0.0)
    enc = Zipformer(output_downsampling_factor=2, downsampling_factor=(1, 2, 4, 2), encoder_dim=(128, 192, 256, 192),
                    num_encoder_layers=(1, 1, 1, 1), encoder_unmasked_dim=(128, 128, 128, 128), query_head_dim=32, pos_head_dim=4,
                    value_head_dim=12, num_heads=(4, 4, 4, 4), feedforward_dim=(384, 512, 768, 512), cnn_module_kernel=(31, 31, 15, 15),
                    pos_dim=48, dropout=0.0)  # fmt: skip

    def fwd(m, x):
        lens = torch.full((x.shape[0],), x.shape[1], dtype=torch.long)
        h, hl = m[0](x, lens)
        mask = torch.arange(h.shape[1]).unsqueeze(0) >= hl.unsqueeze(1)
        return m[1](h.permute(1, 0, 2), hl, mask)[0]

    return _forward(torch.nn.ModuleList([embed, enc]), fwd)


def _entries() -> dict:
    return {
        # pyannote.audio
        "pyannet": (_pyannet, WAVE, "pyannote PyanNet: SincNet + 4 x BiLSTM 128 + 2 Linear, powerset classifier"),
        "pa_xvector_sincnet": (lambda: _pa_embedding("XVectorSincNet"), WAVE, "pyannote x-vector on SincNet: TDNNs, stats pooling"),
        "pa_xvector_mfcc": (lambda: _pa_embedding("XVectorMFCC"), WAVE, "pyannote x-vector on torchaudio MFCC (STFT)"),
        "pa_wespeaker_resnet34": (lambda: _pa_embedding("WeSpeakerResNet34"), WAVE, "pyannote WeSpeaker ResNet34: kaldi fbank, ResNet34, TSTP pooling"),
        "pa_wespeaker_resnet34_fbank": (lambda: _forward(_pa_embedding("WeSpeakerResNet34").resnet, lambda m, x: m(x)[1]), FEATS,
                                        "its ResNet34 + TSTP on 100 frames of fbank (the fbank kept out)"),
        # espnet2
        "espnet_conformer": (lambda: _espnet("conformer"), FEATS, "espnet2 Conformer: rel-pos MHSA, macaron FFN, conv module 31"),
        "espnet_e_branchformer": (lambda: _espnet("e_branchformer"), FEATS, "espnet2 E-Branchformer: cgMLP branch, depthwise merge"),
        "espnet_branchformer": (lambda: _espnet("branchformer"), FEATS, "espnet2 Branchformer: attention || cgMLP, concat merge"),
        "espnet_transformer": (lambda: _espnet("transformer"), FEATS, "espnet2 Transformer encoder, abs pos enc"),
        "espnet_fastspeech2": (_fastspeech2, [("tokens", (1, 20), "int64")], "espnet2 FastSpeech2, teacher-forced durations / pitch / energy"),
        "espnet_hifigan": (_hifigan, [("mel", (1, 80, 20), "float32")], "espnet2 HiFiGAN generator 128 ch: weight norm, ConvTranspose1d x4, MRF"),
        "espnet_rnn": (_espnet_rnn, FEATS, "espnet2 RNNEncoder: 3 BLSTM 256 + projections, subsampling, packed sequences"),
        # NeMo
        "nemo_conformer": (lambda: _nemo("conformer"), FEATS_CT, "NeMo ConformerEncoder, striding subsampling 4, rel-pos, 4 x 176"),
        "nemo_fastconformer": (lambda: _nemo("fastconformer"), FEATS_CT, "NeMo FastConformer: dw-striding subsampling 8, conv kernel 9"),
        "nemo_quartznet": (lambda: _nemo("quartznet"), [("feats", (1, 64, 100), "float32")], "NeMo QuartzNet 5x5 + CTC decoder (masked separable convs)"),
        "nemo_citrinet": (lambda: _nemo("citrinet"), FEATS_CT, "NeMo Citrinet-256 layout, 3 blocks a stage: SE, stride_add"),
        "nemo_titanet": (lambda: _nemo("titanet"), FEATS_CT, "NeMo TitaNet-S layout: SE blocks, attentive stats pooling"),
        "nemo_ecapa": (lambda: _nemo("ecapa"), FEATS_CT, "NeMo ECAPA-TDNN encoder: Res2Net TDNN + SE, aggregation conv"),
        "nemo_marblenet": (lambda: _nemo("marblenet"), [("feats", (1, 64, 100), "float32")], "NeMo MarbleNet 3x2x64 VAD classifier"),
        # funasr 1.4.16 (3D-Speaker's and SenseVoice's models), zipformer 0.1.2
        "funasr_campplus": (lambda: _funasr("campplus"), FEATS, "CAM++: FCM head, context-aware masking D-TDNN, stats pool"),
        "funasr_eres2net": (lambda: _funasr("eres2net"), FEATS, "ERes2Net: Res2Net + attentional feature fusion, TSTP"),
        "funasr_sanm": (lambda: _funasr("sanm"), [("feats", (1, 100, 560), "float32")], "SANM encoder (SenseVoice / Paraformer), 4 x 256, FSMN memory"),
        "funasr_fsmn_vad": (lambda: _funasr("fsmn_vad"), [("feats", (1, 100, 400), "float32")], "FSMN-VAD: 4 FSMN memory blocks, softmax"),
        "zipformer": (_zipformer, FEATS, "k2 Zipformer2 encoder, small: 4 stacks at downsampling 1,2,4,2"),
    }  # fmt: skip


ROWS: list[dict] = []


def _table(rows: list[dict]) -> str:
    ROWS[:] = rows
    return S.table(rows)


# Differences diagnosed as not dscost's (the DIAGNOSES above): model -> (MACs - torch's MACs, why),
# and model -> ops dscost lists as uncounted by its stated convention.
KNOWN_MACS = {
    "pyannet": (-10_000, "the TorchScript exporter's CSE merges SincNet's repeated matmul(low, n_) / matmul(high, n_)"),
    "pa_xvector_sincnet": (-10_000, "the same SincNet CSE"),
    "nemo_titanet": (-609_024, "SpeakerDecoder: the dead angular classifier (19,200) and the emb conv run twice (589,824), merged"),
}
KNOWN_UNCOUNTED = {"pa_xvector_mfcc": {"STFT"}}


def _export_failed(err: str) -> bool:
    """An export that failed in torch (the round's own, or both of dscost.analyze's), not in dscost."""
    return err.startswith("export failed") or "torch.onnx.export failed" in err


def failed(rows: list[dict]) -> list[str]:
    """Why the round fails: a MACs difference from torch's count, a dscost failure (not an export
    that failed in torch) or an uncounted node, other than the diagnosed ones in KNOWN_*."""
    bad = []
    for r in rows:
        name, tm = r["name"], r.get("torch_macs")
        if "error" in r or tm is None:
            bad.append(f"{name}: {r.get('error') or r.get('torch_error')}")
            continue
        for k in ("module", "ts", "dynamo"):
            d = r.get(k, {})
            err = d.get("error", "")
            if err:
                if not _export_failed(err):
                    bad.append(f"{name} {k}: dscost failed: {err[:120]}")
                continue
            if d.get("macs") != tm and d.get("macs") - tm != KNOWN_MACS.get(name, (None,))[0]:
                bad.append(f"{name} {k}: MACs {d.get('macs'):,} vs torch {tm:,}")
            ops = {u.get("op") if isinstance(u, dict) else str(u) for u in d.get("uncounted_rows") or []}
            if d.get("uncounted") and not ops <= KNOWN_UNCOUNTED.get(name, set()):
                bad.append(f"{name} {k}: {d['uncounted']} uncounted ({', '.join(sorted(map(str, ops)))})")
    return bad


def main(argv: list[str] | None = None) -> int:
    rc = S.run(argv, __doc__, lambda: list(_entries()), S.dumping(lambda name: (*_entries()[name], None, 0)), _table, DEFAULT_OUT, __file__)
    bad = failed(ROWS)
    for b in bad:
        print("FAIL", b, file=sys.stderr)
    return 1 if bad else rc


if __name__ == "__main__":
    sys.exit(main())
