"""Twenty-ninth blind round (2026-12-06): image-quality metrics with networks inside (piq's LPIPS,
DISTS, PieAPP; torchmetrics' LPIPS nets; torch-fidelity's FID InceptionV3), audiolm-pytorch's
SoundStream, gluonts' torch forecasting networks, neural SDEs / CDEs solved with fixed steps
(torchsde, torchcde) and routing-transformer, no earlier round held -- each model counted three
ways against torch's own counter, as in crosscheck_timm_sixth.py (the module through
``dscost.analyze``, the TorchScript and the dynamo exporters' files through ``python -m dscost
analyze FILE -f json``).

What it stresses: VGG / AlexNet / SqueezeNet feature stacks behind metric heads (channel-normalized
features, L2 pooling in DISTS, 1x1 "lin" heads, PieAPP's patch cropping with ``unfold`` and its
per-patch weighting MLP), torch-fidelity's InceptionV3 FID extractor (its own resize, 2048-d pool);
SoundStream's causal 1-D convs (left padding), dilated residual units, causal transposed convs,
local windowed attention and a residual VQ (codebook distances); gluonts' SimpleFeedForward, DLinear
(moving-average decomposition as AvgPool1d over a padded series), PatchTST (``unfold`` patches),
LagTST (lagged-value gathering), iTransformer, TiDE, TFT (variable selection, GRNs, LSTM encoder /
decoder, interpretable multi-head attention) and DeepAR (an LSTM unrolled over the context, then a
Python loop over the prediction steps drawing samples); torchsde's Euler-Maruyama and Milstein
(diagonal noise) and torchcde's RK4 / Euler over a cubic spline -- Python loops over solver steps;
routing-transformer's LM (k-means routed attention next to local attention, reversible layers off).
Random weights (no checkpoint, no download: where a class fetches its weights,
``torch.hub.load_state_dict_from_url`` is replaced by random tensors of the shapes it would read).

    /tmp/r29/venv/bin/uv pip install torch==2.14.1 piq torchmetrics torch-fidelity audiolm-pytorch gluonts lightning torchsde torchcde routing-transformer
    /tmp/r29/venv/bin/python benchmarks/crosscheck_quality_forecasting.py [--only a,b] [--json rows.json]

Float inputs are randn (image metrics map them into [0, 1] with a sigmoid, as piq validates the
range); integer inputs would be drawn in [0, 100).  audiolm-pytorch imports fairseq at package
import (its HuBERT / vq-wav2vec wrappers only, unused here) and fairseq does not import on Python
3.11, so an empty ``fairseq`` module is put in its place.

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r29/zoo).

Not covered: piq's CLIP-IQA (it downloads its prompt tokens and the CLIP weights at build time),
torchmetrics' own InceptionV3 (it is torch-fidelity's, counted here), gluonts' WaveNet / MQF2 /
DeepNPTS (not reached before the deadline).

As run (2026-12-06, torch 2.14.1, onnx, onnxscript from /tmp/r29/venv, piq 0.8.0, torchmetrics 1.9.0,
torch-fidelity 0.4.0, audiolm-pytorch 2.4.0 with vector-quantize-pytorch 1.32.0, gluonts 0.17.0,
torchsde 0.2.6, torchcde 0.2.5 with torchdiffeq 0.2.5, routing-transformer 1.6.1; about 12 min on
2 cores): 27 models, torch's counter ran on all.  **MACs equal torch's on 14 of 22 module counts,
14 of 22 TorchScript files and 9 of 12 dynamo files, nothing uncounted.**  Every difference is work
torch runs that the graph does not hold:

- routing-transformer, causal -655,360 / non-causal -1,310,720 (module, TorchScript file), and
  SoundStream without attention -2,621,440: the k-means codebooks initialise on the first forward
  (routing's ``Kmeans.init``, vector-quantize-pytorch's ``kmeans_init``: 10 iterations of an
  einsum / cdist-as-bmm distance, (2, 64, 64) x (2, 64, 4) per layer in routing (x 2 when keys
  are clustered too), (1, 64, 32) x (1, 32, 64) per quantizer in SoundStream), and write the means
  with ``.data.copy_`` / in-place buffer updates the tracer does not follow: the file holds only the
  distances to the stored means.  soundstream_no_attn_warm (one forward at build time) is equal.
- torchcde, RK4 and Euler, -8,192 (module, TorchScript file): ``cdeint``'s compatibility check calls
  ``func(t[0], z0)`` once and reads only its shape (16 x 32 + 32 x 48 per row, 4 rows); the exporter
  prunes the dead call.  torchsde with a grid Brownian path, Euler and Milstein, -4,096: the same in
  ``check_contract`` (one drift and one diffusion evaluation, read for ``.size()``).
- piq DISTS -36,864 (all three): DISTS runs VGG16's whole feature stack with the max pools replaced
  by L2 pools; the last L2 pool (depthwise 3x3, stride 2, on the two 512 x 4 x 4 relu5_3 maps: 2 x
  512 x 2 x 2 x 9) feeds nothing, so every exporter drops it.
- gluonts TiDE, dynamo file -4,608 and TFT -147,520: the wrapper's fixed covariates (ones / zeros
  buffers) make the feature projection (TiDE: 2,048 + 2,048 + 512) and TFT's static encoders and
  context GRNs (40,512) and its variable-selection work on the constant dynamic feature (107,008)
  constants, which the dynamo exporter folds.

No count: torchsde with its own BrownianInterval (a seeded ``torch.Generator`` constant, which the
TorchScript exporter cannot write; ``is_strictly_increasing(ts)`` a data-dependent branch for
torch.export), SoundStream with local attention (local-attention's ``(n / window).is_integer()`` on
a traced tensor; the same for its encoded latents), dynamo files wherever Python branches on tensor
values: k-means ``if self.initted`` (SoundStream, routing-transformer), torch.distributions'
argument validation (DeepAR's sampling), torchcde's ``validate_input_path``, torchsde's time check,
piq PieAPP's ``_validate_input`` range assert.  Params: equal on 18 of 22 modules (19 with the fix below); TorchScript files
read one-element biases of Linear(32, 1) heads as constants (gluonts' distribution projections: -2;
round 28's one-element base prediction), count buffers reached by computed weights (DISTS' L2-pool
kernel +9, SoundStream's codebooks +4,096, routing's k-means means and position tables +5,184);
parameters the forward never reads are not in any file (SoundStream's FiLM conditioners, -384;
torch-fidelity's fc bias, unused by its ``logits_unbiased``, -1,008); **a dscost miss, fixed since
9f3b4a2: TFT -4,480 (module, TorchScript file -4,483)** -- its state_h / state_c GRNs (2 x 2,240)
run on the fixed static covariates and feed the encoder LSTM's initial_h / initial_c; their Gemms'
MACs were counted, but the weights of a subgraph computed from initializers alone are counted by
the node that consumes its output, and an RNN's initial states were never read for parameters (a
stored zero state is state), so those weights were counted nowhere (``nn.LSTM(8, 16)`` with
``h0, c0 = Linear(4, 16)(buffer)``: 1,664 params, torch 1,824; now 1,824, tests/test_torch.py's
``tm.StateFromConstants``).  With the fix the module counts torch's 48,946 and the TorchScript file
48,943 (-3: one-element biases read as constants, as above); the dynamo file 49,487 (+4,352: state_c's layer norm is merged with
state_h's).  Dynamo files merge equal fresh tensors and drop all-zero Gemm biases (gluonts and
torchvision zero-initialise biases; norms' ones and zeros), named.
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r29/zoo")
os.environ.setdefault("WANDB_MODE", "disabled")


def _no_download():
    """``torch.hub.load_state_dict_from_url`` answering with random tensors of the shapes piq
    reads (LPIPS: five (1, C, 1, 1) layer weights; DISTS: alpha / beta (1, 1475, 1, 1); PieAPP:
    a fresh PieAPPModel's state dict) and torchvision's ``vgg16(pretrained=True)`` building the
    net with weights=None."""
    import torch
    import torchvision

    def fake(url, *a, **k):
        g = torch.Generator().manual_seed(1)
        if "lpips" in url:
            return [torch.rand(1, c, 1, 1, generator=g) for c in (64, 128, 256, 512, 512)]
        if "dists" in url:
            return {"alpha": torch.rand(1, 1475, 1, 1, generator=g), "beta": torch.rand(1, 1475, 1, 1, generator=g)}
        if "PieAPP" in url:
            from piq.pieapp import PieAPPModel

            sd = PieAPPModel().state_dict()
            sd["ref_score_subtract.weight"] = sd["ref_score_subtract.weight"].squeeze(1)
            return sd
        raise RuntimeError(f"download refused: {url}")

    torch.hub.load_state_dict_from_url = fake
    import piq.perceptual

    piq.perceptual.vgg16 = lambda *a, **k: torchvision.models.vgg16(weights=None)
    piq.perceptual.vgg19 = lambda *a, **k: torchvision.models.vgg19(weights=None)


def _pair(m, squash: str):
    """A full-reference metric ``m`` on squash(x), squash(y): ``sigmoid`` for piq (it checks the
    [0, 1] range), ``tanh`` for torchmetrics' LPIPS (images in [-1, 1])."""
    import torch
    from torch import nn

    f = getattr(torch, squash)

    class Pair(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m

        def forward(self, x, y):
            return self.m(f(x), f(y))

    return Pair()


# ---------------------------------------------------------------- piq / torchmetrics / torch-fidelity


def _piq(kind: str):
    """piq 0.8.0's LPIPS (VGG16, 5 layers, channel-normalized MSE), DISTS (VGG16 with L2 pooling,
    structure + texture terms) and PieAPP (64 x 64 patches at stride 27, 11 convs, two MLP heads),
    random weights; reduction 'none'."""
    _no_download()
    import piq

    m = {"lpips": lambda: piq.LPIPS(reduction="none"), "dists": lambda: piq.DISTS(reduction="none"),
         "pieapp": lambda: piq.PieAPP(reduction="none", stride=32)}[kind]()  # fmt: skip
    return _pair(m, "sigmoid")


def _tm_lpips(net: str):
    """torchmetrics 1.9.0's LPIPS network (``_LPIPS``, net alex / squeeze / vgg) without the
    pretrained backbone or linear heads (random); the two images in [-1, 1] (tanh of the input)."""
    from torchmetrics.functional.image.lpips import _LPIPS

    return _pair(_LPIPS(pretrained=False, net=net, pnet_rand=True), "tanh")


def _fidelity_inception():
    """torch-fidelity 0.4.0's FeatureExtractorInceptionV3 (the FID net: its own bilinear resize
    to 299, 2048-d pool features and logits), random weights (a zero-byte weights file is refused,
    so the state dict is the fresh module's own)."""
    import torch
    from torch import nn

    import torch_fidelity.feature_extractor_inceptionv3 as fi

    real = fi.load_state_dict_from_url
    fi.load_state_dict_from_url = lambda *a, **k: None
    orig_load = fi.FeatureExtractorInceptionV3.load_state_dict
    fi.FeatureExtractorInceptionV3.load_state_dict = lambda self, sd, *a, **k: None
    try:
        m = fi.FeatureExtractorInceptionV3("inception-v3-compat", ["2048", "logits_unbiased"])
    finally:
        fi.load_state_dict_from_url = real
        fi.FeatureExtractorInceptionV3.load_state_dict = orig_load

    class U8(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m

        def forward(self, x):  # (it expects uint8 images: sigmoid * 255, rounded, cast)
            return tuple(self.m((torch.sigmoid(x) * 255).to(torch.uint8)))  # (2048-d features, logits)

    return U8()


# ---------------------------------------------------------------- audiolm-pytorch


def _soundstream(local_attn: bool = True, encoded: bool = False, warm: bool = False):
    """audiolm-pytorch 2.4.0's SoundStream (channels 8, strides 2, 4, mults 2, 4, codebook 64 x 32,
    2 residual quantizers, local attention window 16, 2 heads of 16) on 1 x 1 x 512 samples: the
    reconstruction, or (``encoded``) the quantized latents; ``warm``: one forward at build time, so
    the codebooks' k-means initialisation (10 iterations on the first batch) is done before counting."""
    sys.modules.setdefault("fairseq", types.ModuleType("fairseq"))
    from torch import nn

    from audiolm_pytorch import SoundStream

    m = SoundStream(channels=8, strides=(2, 4), channel_mults=(2, 4), codebook_dim=32, codebook_size=64,
                    rq_num_quantizers=2, attn_window_size=16, attn_dim_head=16, attn_heads=2,
                    use_local_attn=local_attn, rq_rotation_trick=False)  # fmt: skip
    m.discriminators = nn.ModuleList()  # (the multi-scale and STFT discriminators: training only)
    m.stft_discriminator = None

    class Codec(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m

        def forward(self, x):
            return self.m(x, return_encoded=True)[0] if encoded else self.m(x, return_recons_only=True)

    c = Codec()
    if warm:
        import torch

        with torch.no_grad():
            c.eval()(torch.randn(1, 1, 512, generator=torch.Generator().manual_seed(1)))
    return c


# ---------------------------------------------------------------- gluonts

CTX, PRED, LAGS = 24, 8, [1, 2, 3, 7]


def _gluonts(kind: str):
    """gluonts 0.17.0's torch network modules (context 24, prediction 8, batch 4, Normal output
    where there is a choice), behind a forward that takes past_target only: the observed mask is
    ones, other features zeros (static cat) / ones; the output is every distribution
    argument, loc and scale -- all the tensors it returns (DeepAR: its samples, 4 per series)."""
    from gluonts.torch.distributions import NormalOutput

    if kind == "sff":
        from gluonts.torch.model.simple_feedforward.module import SimpleFeedForwardModel as M

        m = M(prediction_length=PRED, context_length=CTX, hidden_dimensions=[32, 32], distr_output=NormalOutput(), batch_norm=True)
    elif kind == "dlinear":
        from gluonts.torch.model.d_linear.module import DLinearModel as M

        m = M(prediction_length=PRED, context_length=CTX, hidden_dimension=32, distr_output=NormalOutput(), kernel_size=7)
    elif kind == "patchtst":
        from gluonts.torch.model.patch_tst.module import PatchTSTModel as M

        m = M(prediction_length=PRED, context_length=CTX, patch_len=8, stride=4, padding_patch="end", d_model=32, nhead=4,
              dim_feedforward=64, num_feat_dynamic_real=0, dropout=0.0, activation="gelu", norm_first=False,
              num_encoder_layers=2, scaling="mean", distr_output=NormalOutput())  # fmt: skip
    elif kind == "lagtst":
        from gluonts.torch.model.lag_tst.module import LagTSTModel as M

        m = M(prediction_length=PRED, context_length=CTX, freq="h", d_model=32, nhead=4, dim_feedforward=64, dropout=0.0,
              activation="gelu", norm_first=False, num_encoder_layers=2, scaling="mean", lags_seq=LAGS,
              distr_output=NormalOutput())  # fmt: skip
    elif kind == "itransformer":
        from gluonts.torch.model.i_transformer.module import ITransformerModel as M

        m = M(prediction_length=PRED, context_length=CTX, d_model=32, nhead=4, dim_feedforward=64, dropout=0.0,
              activation="relu", norm_first=True, num_encoder_layers=2, scaling="std", distr_output=NormalOutput())  # fmt: skip
    elif kind == "tide":
        from gluonts.torch.model.tide.module import TiDEModel as M

        m = M(context_length=CTX, prediction_length=PRED, num_feat_dynamic_real=2, num_feat_dynamic_proj=2, num_feat_static_real=1,
              num_feat_static_cat=1, cardinality=[3], embedding_dimension=[4], feat_proj_hidden_dim=8, encoder_hidden_dim=32,
              decoder_hidden_dim=32, temporal_hidden_dim=16, distr_hidden_dim=8, decoder_output_dim=8, dropout_rate=0.0,
              num_layers_encoder=2, num_layers_decoder=2, layer_norm=True, distr_output=NormalOutput(), scaling="mean")  # fmt: skip
    elif kind == "tft":
        from gluonts.torch.model.tft.module import TemporalFusionTransformerModel as M

        m = M(context_length=CTX, prediction_length=PRED, d_feat_static_real=[1], c_feat_static_cat=[3], d_feat_dynamic_real=[2],
              num_heads=4, d_hidden=32, d_var=16, dropout_rate=0.0)  # fmt: skip
    elif kind == "deepar":
        from gluonts.torch.model.deepar.module import DeepARModel as M

        m = M(freq="h", context_length=CTX, prediction_length=PRED, num_feat_dynamic_real=2, num_feat_static_real=1,
              num_feat_static_cat=1, cardinality=[3], num_layers=2, hidden_size=32, dropout_rate=0.0, distr_output=NormalOutput(),
              lags_seq=LAGS, num_parallel_samples=4)  # fmt: skip
    else:
        raise KeyError(kind)
    return gluonts_net(m)


def gluonts_net(m):
    """gluonts network ``m`` behind a forward that takes past_target only: its other inputs
    (``m.describe_inputs(4)``) fixed -- zeros (an integer input: static cat) or ones (the observed
    mask, features; a (B, T, -1) input: ones like the past target) --, its output every tensor it
    returns, flattened (also round 30's MQF2)."""
    import torch
    from torch import nn

    spec = m.describe_inputs(4)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m
            for k, inp in spec.items():
                if k != "past_target" and -1 not in inp.shape:
                    t = torch.zeros(inp.shape, dtype=inp.dtype) if inp.dtype == torch.long else torch.ones(inp.shape, dtype=inp.dtype)
                    self.register_buffer("in_" + k, t, persistent=False)

        def forward(self, past_target):
            kw = {k: (past_target if k == "past_target" else torch.ones_like(past_target) if -1 in spec[k].shape
                      else getattr(self, "in_" + k)) for k in spec}  # (iTransformer: multivariate, (B, T, -1))
            flat, todo = [], [self.m(**kw)]
            while todo:  # (every tensor output: distribution arguments, loc, scale)
                o = todo.pop(0)
                flat += [o] if isinstance(o, torch.Tensor) else []
                todo[:0] = list(o) if isinstance(o, (tuple, list)) else []
            return tuple(flat)

    return Net()


def _past(kind: str) -> int:
    return CTX + max(LAGS) if kind in ("deepar", "lagtst") else CTX


# ---------------------------------------------------------------- torchsde / torchcde


def _sde(method: str, steps: int = 10, fixed_bm: bool = False):
    """A torchsde 0.2.6 neural SDE (diagonal noise, Ito): drift MLP 8 -> 32 -> 8 (tanh), diffusion
    MLP 8 -> 32 -> 8 (sigmoid); sdeint from t = 0 to 1 over 5 output times with dt = 1 / ``steps``
    and ``method`` (euler, milstein: derivative-free, srk), a fixed Brownian path (seeded
    BrownianInterval built inside the forward); ``fixed_bm``: a (4, 8) Brownian path drawn at build
    time on the step grid, its increments read by index (torchsde's BaseBrownian interface)."""
    import torch
    import torchsde
    from torch import nn

    class SDE(nn.Module):
        noise_type, sde_type = "diagonal", "ito"

        def __init__(self):
            super().__init__()
            self.f_net = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 8))
            self.g_net = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 8), nn.Sigmoid())

        def f(self, t, y):
            return self.f_net(y)

        def g(self, t, y):
            return self.g_net(y)

    class FixedBM(torchsde.BrownianInterval.__mro__[1]):  # (torchsde's BaseBrownian)
        def __init__(self, w, n):
            self.w, self.n = w, n

        def __call__(self, ta, tb=None, return_U=False, return_A=False):
            i, j = round(float(ta) * self.n), round(float(tb) * self.n)
            return self.w[j] - self.w[i]

        dtype = property(lambda self: self.w.dtype)
        device = property(lambda self: self.w.device)
        shape = property(lambda self: self.w.shape[1:])
        levy_area_approximation = property(lambda self: "none")
        __repr__ = lambda self: "FixedBM()"  # noqa: E731

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.sde = SDE()
            self.register_buffer("ts", torch.linspace(0, 1, 5), persistent=False)
            dw = torch.randn(steps, 4, 8, generator=torch.Generator().manual_seed(0)) / steps**0.5
            self.register_buffer("w", torch.cat([torch.zeros(1, 4, 8), dw.cumsum(0)]), persistent=False)

        def forward(self, y0):
            kw = {"options": {"grad_free": True}} if method == "milstein" else {}
            if fixed_bm:  # (a Brownian path drawn once at build time, increments read off a grid: no generator in the graph)
                return torchsde.sdeint(self.sde, y0, self.ts, bm=FixedBM(self.w, steps), method=method, dt=1.0 / steps, **kw)
            bm = torchsde.BrownianInterval(t0=0.0, t1=1.0, size=y0.shape, entropy=0, levy_area_approximation="space-time" if method == "srk" else "none")
            return torchsde.sdeint(self.sde, y0, self.ts, bm=bm, method=method, dt=1.0 / steps, **kw)

    return Net()


def _cde(method: str):
    """A torchcde 0.2.5 neural CDE (the package's example): a (4, 16, 3) path (time as a channel
    is the caller's: here 3 raw channels), Hermite cubic coefficients with backward differences,
    hidden 16, vector field MLP 16 -> 32 -> 16 x 3 (tanh), cdeint over the whole interval with a
    fixed step 0.5 (``method`` rk4 / euler, torchdiffeq), a linear readout of the final state."""
    import torch
    import torchcde
    from torch import nn

    class Func(nn.Module):
        def __init__(self):
            super().__init__()
            self.l1, self.l2 = nn.Linear(16, 32), nn.Linear(32, 16 * 3)

        def forward(self, t, z):
            return torch.tanh(self.l2(torch.relu(self.l1(z)))).view(z.shape[0], 16, 3)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.func, self.initial, self.readout = Func(), nn.Linear(3, 16), nn.Linear(16, 2)

        def forward(self, x):
            coeffs = torchcde.hermite_cubic_coefficients_with_backward_differences(x)
            X = torchcde.CubicSpline(coeffs)
            z0 = self.initial(X.evaluate(X.interval[0]))
            z = torchcde.cdeint(X=X, func=self.func, z0=z0, t=X.interval, adjoint=False, method=method, options={"step_size": 0.5})
            return self.readout(z[:, 1])

    return Net()


# ---------------------------------------------------------------- routing-transformer


def _routing(causal: bool = True):
    """routing-transformer 1.6.1's RoutingTransformerLM (vocab 256, dim 64, depth 2, 4 heads of which
    2 local (window 16), k-means routed attention over 64 tokens, eval mode: no k-means update);
    the logits (the auxiliary loss left out)."""
    from routing_transformer import RoutingTransformerLM

    m = RoutingTransformerLM(num_tokens=256, dim=64, depth=2, max_seq_len=64, heads=4, window_size=16, n_local_attn_heads=2,
                             causal=causal, ff_chunks=1, attn_layer_dropout=0.0, attn_dropout=0.0, layer_dropout=0.0)  # fmt: skip
    return S.first_outputs(m)


def _entries() -> dict:
    pair = lambda s: [("x", (1, 3, s, s), "float32"), ("y", (1, 3, s, s), "float32")]  # noqa: E731
    g = lambda k, note, c=(): (lambda: _gluonts(k), [("past_target", (4, _past(k), *c), "float32")], note)  # noqa: E731
    return {
        # piq 0.8.0, torchmetrics 1.9.0, torch-fidelity 0.4.0
        "piq_lpips_vgg": (lambda: _piq("lpips"), pair(64), "piq LPIPS: VGG16 5 taps, normalized MSE, 64x64"),
        "piq_dists": (lambda: _piq("dists"), pair(64), "piq DISTS: VGG16 with L2 pooling, structure/texture, 64x64"),
        "piq_pieapp": (lambda: _piq("pieapp"), pair(96), "piq PieAPP: 64x64 patches at stride 32 (4 patches), 96x96"),
        "tm_lpips_alex": (lambda: _tm_lpips("alex"), pair(64), "torchmetrics _LPIPS alex (random)"),
        "tm_lpips_squeeze": (lambda: _tm_lpips("squeeze"), pair(64), "torchmetrics _LPIPS squeeze (fire modules)"),
        "fidelity_inception_fid": (_fidelity_inception, [("x", (1, 3, 64, 64), "float32")], "torch-fidelity FID InceptionV3 (resize to 299)"),
        # audiolm-pytorch 2.4.0
        "soundstream_local_attn": (lambda: _soundstream(True), [("x", (1, 1, 512), "float32")], "SoundStream causal convs + local attn + RVQ, recon"),
        "soundstream_no_attn": (lambda: _soundstream(False), [("x", (1, 1, 512), "float32")], "SoundStream without attention, recon"),
        "soundstream_no_attn_warm": (lambda: _soundstream(False, warm=True), [("x", (1, 1, 512), "float32")], "SoundStream without attention, codebooks k-means-initialised at build"),
        "soundstream_encoded": (lambda: _soundstream(True, True), [("x", (1, 1, 512), "float32")], "SoundStream quantized latents"),
        # gluonts 0.17.0: batch 4
        "gluonts_sff": g("sff", "SimpleFeedForward 32-32, batch norm"),
        "gluonts_dlinear": g("dlinear", "DLinear, moving average k=7"),
        "gluonts_patchtst": g("patchtst", "PatchTST patch 8 stride 4, 2 layers"),
        "gluonts_lagtst": g("lagtst", "LagTST lags 1,2,3,7, 2 layers"),
        "gluonts_itransformer": g("itransformer", "iTransformer 2 layers (pre-norm), 3 variates", (3,)),
        "gluonts_tide": g("tide", "TiDE 2+2 layers, dynamic / static features"),
        "gluonts_tft": g("tft", "Temporal Fusion Transformer d 32"),
        "gluonts_deepar": g("deepar", "DeepAR LSTM 2x32, 8-step sampling loop, 4 samples"),
        # torchsde 0.2.6 / torchcde 0.2.5
        "sde_euler": (lambda: _sde("euler"), [("y0", (4, 8), "float32")], "neural SDE, Euler-Maruyama, 10 steps"),
        "sde_milstein": (lambda: _sde("milstein"), [("y0", (4, 8), "float32")], "neural SDE, derivative-free Milstein, 10 steps"),
        "sde_euler_fixed_bm": (lambda: _sde("euler", 10, True), [("y0", (4, 8), "float32")], "neural SDE, Euler-Maruyama, 10 steps, path on a grid buffer"),
        "sde_milstein_fixed_bm": (lambda: _sde("milstein", 10, True), [("y0", (4, 8), "float32")], "derivative-free Milstein, 10 steps, grid path"),
        "sde_srk": (lambda: _sde("srk", 5), [("y0", (4, 8), "float32")], "neural SDE, strong Runge-Kutta (diagonal), 5 steps"),
        "cde_rk4": (lambda: _cde("rk4"), [("x", (4, 16, 3), "float32")], "neural CDE, cubic spline, RK4 step 0.5"),
        "cde_euler": (lambda: _cde("euler"), [("x", (4, 16, 3), "float32")], "neural CDE, Euler step 0.5"),
        # routing-transformer 1.6.1
        "routing_lm_causal": (lambda: _routing(True), [("ids", (1, 64), "int64")], "RoutingTransformerLM causal, 2 local + 2 routed heads"),
        "routing_lm_bidir": (lambda: _routing(False), [("ids", (1, 64), "int64")], "RoutingTransformerLM non-causal"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
