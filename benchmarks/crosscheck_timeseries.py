"""Seventeenth blind round (2026-12-05): time-series forecasting and classification libraries no
earlier round held -- neuralforecast, tsai and pytorch-forecasting -- each model counted three ways
against torch's own counter, as in crosscheck_timm_sixth.py (the module through ``dscost.analyze``,
the TorchScript and the dynamo exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: N-BEATS/N-HiTS stacks (backcast subtraction, max-pooled inputs, linear
interpolation of knots, fixed polynomial and Fourier bases), TFT (gated residual networks, GLU,
interpretable multi-head attention with a causal mask, LSTM encoder/decoder), PatchTST (unfold into
patches, RevIN), TimesNet (``torch.fft.rfft`` amplitude, top-k periods, 2-D inception convs on the
folded series), iTransformer/SOFTS/TimeXer (variates as tokens), TSMixer/TimeMixer (time and feature
mixing, series decomposition by moving average), DLinear, TCN/BiTCN (dilated causal Conv1d), RNNs
(LSTM, GRU, DeepAR's LSTM, dilated RNN), KAN (B-spline bases), TiDE, Informer's ProbSparse attention
and distilling convs, Autoformer's auto-correlation (FFT, top-k delays, roll), FEDformer's Fourier
blocks (rfft, complex einsum, irfft), RMoK (KAN experts), and tsai's classifiers: InceptionTime,
XceptionTime (depthwise-separable 1-D convs), ResNet/FCN, TST, LSTM-FCN/GRU-FCN, bidirectional
LSTM, MiniRocket (fixed dilated kernels, PPV features), Hydra and MultiRocket, OmniScaleCNN,
XCM (2-D and 1-D convs), mWDN (wavelet decomposition as linear layers), gMLP, TSPerceiver,
TSiT, PatchTST; pytorch-forecasting's N-BEATS (interpretable: trend and seasonality bases) and N-HiTS
modules, TFT's interpretable attention and gated residual network.

    /work/hvA/bin/pip install -c constraints.txt neuralforecast tsai pytorch-forecasting   # constraints.txt: torch==2.14.1
    /work/hvA/bin/python benchmarks/crosscheck_timeseries.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r17/zoo).

As run (2026-12-05, torch 2.14.1, onnx 1.23.2, onnxscript 0.7.2, neuralforecast 3.3.0, tsai 1.0.1,
pytorch-forecasting 1.8.0; 13 min on 2 cores shared): 46 models, torch's counter ran on all.
**MACs equal torch's on 40 of 43 modules, 38 of 41 TorchScript files and 37 of 41 dynamo files; every
difference is the exporters', none a miscount by dscost.**  Dead code the exporters drop and torch's
counter counts as it runs: N-BEATS' last block's backcast (neuralforecast: the seasonality basis
einsum, 2 x 22 x 48 = -2,112 MACs, and the 22x48 basis parameter, -1,056 params, all three ways);
pytorch-forecasting's N-BEATS the same (12x48 mm, -1,152) plus two identical calls of the shared theta
layer merged (``theta_b_fc is theta_f_fc``: -384 and -1,536), -3,072 in all; tsai's mWDN computes
wavelet levels 2 and 3 its output never reads (-15,360 MACs, -2,656 params).  neuralforecast's TFT
through the dynamo exporter: with no static covariates the context vectors are ``torch.zeros``, so
the three context Linears of the variable-selection GRNs are folded (-6,144 MACs, -3,072 params) and 17
parameter tensors merged (-3,488 in all).  Nodes left uncounted, none holding MACs: Autoformer's 9
``DFT`` (rfft/irfft of its auto-correlation; torch's counter counts FFTs as 0), and pytorch-forecasting
N-HiTS's dynamo file, where ``repeat_interleave(x, torch.tensor([1]))`` becomes CumSum of a constant
with a 1-element 1-D axis that dscost did not fold, so Less, ReduceSum and Sub after a Range lost
their shapes (a real gap, where a MatMul after such a Range would lose its MACs; fixed since: such a
CumSum folds, and the file counts with nothing uncounted).
Exports that fail in torch: TimesNet (rfft at opset 17; torch.export: ``.numpy()`` of the top-k
periods), FEDformer (rfft at opset 17; the dynamo exporter cannot decompose its complex einsum),
Autoformer and Informer with TorchScript (rfft at opset 17; ``Tensor.astype`` on a traced shape),
MiniRocket and Hydra with torch.export (data-dependent guards), MultiRocket both (``aten::nanmean``;
a data-dependent guard).  Params equal torch's on 34 of 43 modules; the rest are parameters no
forward reads (DeepAR's loss quantiles 5, TimeMixer's cross layers 3,424, RMoK's wavelet weight1 576,
TSiT's cls_token 32, tsai PatchTST's RevIN 6) or the dead code above, and merged norms when the
module went to the dynamo exporter (Informer -384, Autoformer -64).  TorchScript files add buffers
stored as initializers (MiniRocket's kernels +2,352, Hydra's +864, KAN's grids +960, TimeXer's 5000x32
positional table +160,000) and lose one-element scalars read by an Add or Mul (-1/-2: output biases
of Linear(...,1), attention scales).  Dynamo files are lower by merged equal norm weights and
biases (LayerNorm/BatchNorm ones and zeros: -64 to -2,240) and higher where parameter-derived tensors
are stored (RMoK's wavelet expert's translation/scale/weights expanded to 8x12x48: +11,520).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402
from crosscheck_libraries import _forward  # noqa: E402

DEFAULT_OUT = Path("/tmp/r17/zoo")
H, L, B = 12, 48, 2  # horizon, input window, batch


# ---------------------------------------------------------------- neuralforecast
def _nf(name: str, **kw):
    """A neuralforecast model (3.x) behind forward(y): y is its ``insample_y`` (batch, window,
    series), the mask all ones, no exogenous inputs."""
    import logging
    import warnings

    import torch
    import neuralforecast.models as M

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    m = getattr(M, name)(h=H, input_size=L, max_steps=1, **kw)
    return _forward(m, lambda m, y: _first_out(m(dict(insample_y=y, insample_mask=torch.ones_like(y), futr_exog=None, hist_exog=None, stat_exog=None))))


def _first_out(o):
    import torch

    return o if torch.is_tensor(o) else o[0]


# ---------------------------------------------------------------- tsai
C_IN, T_LEN, C_OUT = 3, 64, 5


def _tsai(module: str, cls: str, **kw):
    import importlib

    return getattr(importlib.import_module(f"tsai.models.{module}"), cls)(**kw)


def _minirocket():
    """tsai's MiniRocketFeatures (torch): 84 fixed 9-tap kernels over dilations, biases fitted on 8
    random series, PPV features."""
    import torch
    from tsai.models.MINIROCKET_Pytorch import MiniRocketFeatures

    m = MiniRocketFeatures(c_in=C_IN, seq_len=T_LEN, num_features=840)
    m.fit(torch.randn(8, C_IN, T_LEN))
    return m


# ---------------------------------------------------------------- pytorch-forecasting
def _pf_nbeats(stacks, **kw):
    """pytorch-forecasting's NBeats net_blocks, run as its forward does (backcast subtracted, the
    forecasts summed); the model's own forward ends in a dataset's output transformer."""
    import torch
    from pytorch_forecasting.models import NBeats

    n = len(stacks)
    m = NBeats(context_length=L, prediction_length=H, stack_types=stacks, num_blocks=[1] * n, num_block_layers=[2] * n, widths=[64] * n,
               sharing=[False] * n, **kw)  # fmt: skip

    def fwd(m, y):
        backcast, forecast = y, torch.zeros(y.shape[0], H)
        for block in m.net_blocks:
            b, f = block(backcast)
            backcast, forecast = backcast - b, forecast + f
        return forecast

    return _forward(m, fwd)


def _pf_nhits():
    """pytorch-forecasting's NHiTS module (3 stacks, max pooling 4/2/1, linear interpolation, naive
    level), no covariates; encoder mask all ones."""
    import torch
    from pytorch_forecasting.models.nhits.sub_modules import NHiTS

    m = NHiTS(context_length=L, prediction_length=H, output_size=[1], static_size=0, encoder_covariate_size=0, decoder_covariate_size=0,
              static_hidden_size=0, n_blocks=[1, 1, 1], n_layers=[2, 2, 2], hidden_size=3 * [2 * [64]], pooling_sizes=[4, 2, 1],
              downsample_frequencies=[4, 2, 1], pooling_mode="max", interpolation_mode="linear", dropout=0.0, activation="ReLU",
              initialization="lecun_normal", batch_normalization=False, shared_weights=False, naive_level=True)  # fmt: skip
    return _forward(m, lambda m, y: m(y, torch.ones(y.shape[:2]), None, None, None)[0])


def _pf_tft_attention():
    """TFT's InterpretableMultiHeadAttention (4 heads sharing V), self-attention under a causal mask."""
    import torch
    from pytorch_forecasting.models.temporal_fusion_transformer.sub_modules import InterpretableMultiHeadAttention

    m = InterpretableMultiHeadAttention(n_head=4, d_model=32)
    return _forward(m, lambda m, x: m(x, x, x, mask=torch.triu(torch.ones(x.shape[1], x.shape[1], dtype=torch.bool), 1))[0])


def _pf_grn():
    """TFT's GatedResidualNetwork with a static context (ELU, GLU gate, add & LayerNorm, resampled skip)."""
    from pytorch_forecasting.models.temporal_fusion_transformer.sub_modules import GatedResidualNetwork

    m = GatedResidualNetwork(input_size=16, hidden_size=32, output_size=24, dropout=0.0, context_size=8)
    return _forward(m, lambda m, x, c: m(x, c))


def _entries() -> dict:
    y1 = [("input", (B, L, 1), "float32")]
    y4 = [("input", (B, L, 4), "float32")]
    ts = [("input", (B, C_IN, T_LEN), "float32")]
    mlp3 = [[64, 64]] * 3
    xf = dict(hidden_size=32, n_head=4, conv_hidden_size=32, encoder_layers=1, decoder_layers=1)
    return {
        # neuralforecast 3.3.0
        "nf_nhits": (lambda: _nf("NHITS", mlp_units=mlp3, n_pool_kernel_size=[4, 2, 1], n_freq_downsample=[4, 2, 1]), y1,
                     "NHITS: max-pooled input, MLP blocks, linear interpolation of knots"),
        "nf_nbeats": (lambda: _nf("NBEATS", mlp_units=mlp3), y1, "NBEATS: identity, trend (polynomial) and seasonality (Fourier) bases"),
        "nf_tft": (lambda: _nf("TFT", hidden_size=32, n_head=4), y1, "TFT: variable selection, GRNs, LSTM, interpretable attention"),
        "nf_patchtst": (lambda: _nf("PatchTST", hidden_size=32, n_heads=4, linear_hidden_size=64, encoder_layers=2, patch_len=8, stride=4), y1,
                        "PatchTST: RevIN, unfold into patches, transformer encoder, flatten head"),
        "nf_timesnet": (lambda: _nf("TimesNet", hidden_size=16, conv_hidden_size=16, top_k=2, num_kernels=3, encoder_layers=1), y1,
                        "TimesNet: rfft amplitudes, top-2 periods, Inception 2-D convs on the folded series"),
        "nf_itransformer": (lambda: _nf("iTransformer", n_series=4, hidden_size=32, n_heads=4, e_layers=2, d_ff=64), y4,
                            "iTransformer: each of 4 series a token"),
        "nf_tsmixer": (lambda: _nf("TSMixer", n_series=4, n_block=2, ff_dim=32), y4, "TSMixer: time and feature mixing MLPs, RevIN"),
        "nf_dlinear": (lambda: _nf("DLinear"), y1, "DLinear: moving-average decomposition (AvgPool1d with replicate ends), two linears"),
        "nf_tcn": (lambda: _nf("TCN", encoder_hidden_size=32, context_size=8, decoder_hidden_size=32), y1, "TCN: dilated causal Conv1d encoder"),
        "nf_lstm": (lambda: _nf("LSTM", encoder_hidden_size=32, encoder_n_layers=2, context_size=8, decoder_hidden_size=32), y1,
                    "LSTM: 2-layer LSTM encoder, MLP decoder"),
        "nf_gru": (lambda: _nf("GRU", encoder_hidden_size=32, encoder_n_layers=2, context_size=8, decoder_hidden_size=32), y1, "GRU: 2-layer GRU encoder"),
        "nf_deepar": (lambda: _nf("DeepAR", lstm_hidden_size=32, lstm_n_layers=2), y1, "DeepAR: 2-layer LSTM, distribution parameters"),
        "nf_bitcn": (lambda: _nf("BiTCN", hidden_size=16), y1, "BiTCN: forward and backward dilated temporal convs"),
        "nf_kan": (lambda: _nf("KAN", hidden_size=32), y1, "KAN: B-spline basis expansion, spline and base weights"),
        "nf_tide": (lambda: _nf("TiDE", hidden_size=64, decoder_output_dim=8, temporal_decoder_dim=16), y1, "TiDE: dense residual encoder/decoder"),
        "nf_informer": (lambda: _nf("Informer", **xf), y1, "Informer: ProbSparse attention, distilling conv, decoder"),
        "nf_autoformer": (lambda: _nf("Autoformer", **xf), y1, "Autoformer: auto-correlation by rfft/irfft, top-k delays, decomposition"),
        "nf_fedformer": (lambda: _nf("FEDformer", **{**xf, "n_head": 8}, modes=8), y1, "FEDformer: Fourier blocks (rfft, complex weights, irfft)"),
        "nf_timemixer": (lambda: _nf("TimeMixer", n_series=4, d_model=16, d_ff=32, e_layers=2, down_sampling_layers=1), y4,
                         "TimeMixer: multiscale decomposable mixing"),
        "nf_softs": (lambda: _nf("SOFTS", n_series=4, hidden_size=32, d_core=16, e_layers=2, d_ff=64), y4, "SOFTS: STAR core aggregation"),
        "nf_dilated_rnn": (lambda: _nf("DilatedRNN", encoder_hidden_size=32, context_size=8, decoder_hidden_size=32), y1,
                           "DilatedRNN: LSTM cells over dilated sequences"),
        "nf_timexer": (lambda: _nf("TimeXer", n_series=4, hidden_size=32, n_heads=4, e_layers=1, d_ff=64, patch_len=8), y4,
                       "TimeXer: patch tokens and variate tokens, cross attention"),
        "nf_rmok": (lambda: _nf("RMoK", n_series=4), y4, "RMoK: mixture of KAN experts (Taylor, wavelet, Jacobi, rational)"),
        # tsai 1.0.1
        "tsai_inceptiontime": (lambda: _tsai("InceptionTime", "InceptionTime", c_in=C_IN, c_out=C_OUT, seq_len=T_LEN, nf=16), ts,
                               "InceptionTime: 1-D convs k=39/19/9, max-pool branch, residual"),
        "tsai_xceptiontime": (lambda: _tsai("XceptionTime", "XceptionTime", c_in=C_IN, c_out=C_OUT, nf=8), ts,
                              "XceptionTime: depthwise-separable 1-D convs, adaptive pooling"),
        "tsai_resnet": (lambda: _tsai("ResNet", "ResNet", c_in=C_IN, c_out=C_OUT), ts, "ResNet 1-D: k=7/5/3 convs, BatchNorm"),
        "tsai_fcn": (lambda: _tsai("FCN", "FCN", c_in=C_IN, c_out=C_OUT), ts, "FCN: 3 convs, global average pooling"),
        "tsai_tst": (lambda: _tsai("TST", "TST", c_in=C_IN, c_out=C_OUT, seq_len=T_LEN, d_model=32, n_heads=4, d_ff=64, n_layers=2), ts,
                     "TST: transformer with BatchNorm, GELU"),
        "tsai_lstm_fcn": (lambda: _tsai("RNN_FCN", "LSTM_FCN", c_in=C_IN, c_out=C_OUT, seq_len=T_LEN, hidden_size=32), ts,
                          "LSTM-FCN: LSTM branch over the shuffled input, FCN branch"),
        "tsai_gru_fcn_bi": (lambda: _tsai("RNN_FCN", "GRU_FCN", c_in=C_IN, c_out=C_OUT, seq_len=T_LEN, hidden_size=32, bidirectional=True), ts,
                            "GRU-FCN with a bidirectional GRU"),
        "tsai_lstm_bi": (lambda: _tsai("RNN", "LSTM", c_in=C_IN, c_out=C_OUT, hidden_size=32, n_layers=2, bidirectional=True), ts,
                         "2-layer bidirectional LSTM classifier"),
        "tsai_minirocket": (_minirocket, ts, "MiniRocket features: fixed dilated 9-tap kernels, cumulative sums, PPV"),
        "tsai_hydra": (lambda: _tsai("HydraPlus", "HydraPlus", c_in=C_IN, c_out=C_OUT, seq_len=T_LEN, k=4, g=8), ts,
                       "Hydra: random kernel groups over dilations, diff input, argmax/argmin counts"),
        "tsai_multirocket": (lambda: _tsai("MultiRocketPlus", "MultiRocketPlus", c_in=C_IN, c_out=C_OUT, seq_len=T_LEN, num_features=1000), ts,
                             "MultiRocket: fixed kernels, PPV/MPV/MIPV/LSPV pooling"),
        "tsai_tsit": (lambda: _tsai("TSiTPlus", "TSiTPlus", c_in=C_IN, c_out=C_OUT, seq_len=T_LEN, d_model=32, n_heads=4, d_ff=64, depth=2), ts,
                      "TSiT: ViT-like transformer over time steps"),
        "tsai_patchtst": (lambda: _tsai("PatchTST", "PatchTST", c_in=C_IN, c_out=C_IN, seq_len=T_LEN, pred_dim=12, n_layers=2, d_model=32,
                                        n_heads=4, d_ff=64, patch_len=8, stride=4), ts, "tsai PatchTST: RevIN, unfold, residual attention"),  # fmt: skip
        "tsai_tcn": (lambda: _tsai("TCN", "TCN", c_in=C_IN, c_out=C_OUT, layers=[16] * 4, ks=5), ts, "TCN: weight-normed dilated causal convs, chomp"),
        "tsai_omniscale": (lambda: _tsai("OmniScaleCNN", "OmniScaleCNN", c_in=C_IN, c_out=C_OUT, seq_len=T_LEN), ts,
                           "OmniScaleCNN: prime-size kernels masked into one conv"),
        "tsai_xcm": (lambda: _tsai("XCM", "XCM", c_in=C_IN, c_out=C_OUT, seq_len=T_LEN, nf=16), ts, "XCM: 2-D and 1-D conv branches"),
        "tsai_mwdn": (lambda: _tsai("mWDN", "mWDN", c_in=C_IN, c_out=C_OUT, seq_len=T_LEN), ts,
                      "mWDN: wavelet decomposition as linear layers, InceptionTime heads"),
        "tsai_gmlp": (lambda: _tsai("gMLP", "gMLP", c_in=C_IN, c_out=C_OUT, seq_len=T_LEN, d_model=32, d_ffn=64, depth=2), ts, "gMLP: spatial gating unit"),
        "tsai_tsperceiver": (lambda: _tsai("TSPerceiver", "TSPerceiver", c_in=C_IN, c_out=C_OUT, seq_len=T_LEN, n_latents=16, d_latent=32, n_layers=2),
                             ts, "TSPerceiver: latent cross attention"),
        # pytorch-forecasting 1.8.0
        "pf_nbeats_interpretable": (lambda: _pf_nbeats(["trend", "seasonality"], expansion_coefficient_lengths=[3, 7]),
                                    [("input", (B, L), "float32")], "N-BEATS interpretable: polynomial trend and Fourier seasonality bases"),
        "pf_nhits": (_pf_nhits, y1, "N-HiTS module: max pooling, MLPs, linear interpolation, naive level"),
        "pf_tft_attention": (_pf_tft_attention, [("input", (B, 24, 32), "float32")], "TFT interpretable multi-head attention, causal mask"),
        "pf_tft_grn": (_pf_grn, [("input", (B, 24, 16), "float32"), ("context", (B, 1, 8), "float32")], "TFT gated residual network with context"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
