"""Thirteenth blind round (2026-12-04, rerun and extended 2026-12-05): model libraries no earlier
round held -- compressai (learned image and point-cloud compression), e3nn (E(3)-equivariant layers),
normflows and zuko (normalizing flows), torchdiffeq (neural ODEs on a fixed-step solver),
pytorch-tcn (temporal conv nets) and segment-anything (SAM) -- each model counted three ways
against torch's own counter, as in crosscheck_timm_sixth.py (the module through ``dscost.analyze``,
the TorchScript and the dynamo exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: compressai's GDN / inverse GDN (a conv of x squared with reparametrized,
lower-bounded gamma and beta), ConvTranspose decoders, the entropy bottleneck in eval (rounding
about its medians, the factorized density's cumulative logits: softplus'd matrices times the
values, tanh gates, a sigmoid difference), the Gaussian conditional's likelihood (erfc of the
scaled residual), masked 5x5 context convs, Cheng2020's attention blocks and sub-pixel
up-sampling, checkerboard context (anchor / non-anchor masks), ELIC's uneven channel groups, the
variable-rate hyperprior (a learned gain, a quantization-offset MLP on the last axis of a 5-D
tensor, sign / abs / straight-through rounding), the PointNet point-cloud codec (a max over points,
a 1-D bottleneck); e3nn's irreps Linear, fully connected tensor products and TensorSquare (Wigner 3j
contractions by einsum / tensordot in fx-generated code), spherical harmonics, Gate, a TFN-style
conv with per-edge weights from a radial MLP and index_add aggregation, e3nn BatchNorm,
S2Activation (to a sphere grid by an rfft) and SO3Activation (D-matrix tables), Wigner-D matrices
built from input angles; normflows' RealNVP coupling, Glow blocks (ActNorm, LU-parametrized 1x1
invertible convs assembled from P, L, U in the forward), MADE autoregressive flows (masked
linears), neural spline couplings (bins found by comparison and gather), circular splines,
planar flows, a Gaussian-mixture base (logsumexp); zuko's MAF with context, NSF, NCSF, NICE /
RealNVP couplings, SOS and Bernstein polynomial flows, Gaussianization flows, NAF / UNAF (monotonic
MLPs, an integral by Gauss-Legendre quadrature), a full-covariance GMM; torchdiffeq's odeint with
rk4 (3/8 rule), euler, midpoint, heun3 on a tuple state and explicit Adams on a fixed grid (the ODE
function unrolled per stage); pytorch-tcn's causal and non-causal dilated TCNs (weight norm, batch
/ layer norm, gated activations, skip connections, conditioning embeddings, streaming inference
with its ring buffers, a causal TemporalConvTranspose1d); SAM's ViT image encoder with decomposed
relative positions in padded windows and its prompt encoder + two-way mask decoder (random
Fourier positional encoding of points and boxes, mask-downscaling convs, transposed-conv
upscaling, hypernetwork MLPs, bilinear upsampling of the mask).

    python3 -m venv /work/hvA
    /work/hvA/bin/pip install torch==2.14.1 torchvision==0.29.1 onnxscript && /work/hvA/bin/pip install -e /work/main
    /work/hvA/bin/pip install compressai e3nn normflows zuko torchdiffeq pytorch-tcn segment-anything && /work/hvA/bin/pip install "numpy>=2"
    /work/hvA/bin/python benchmarks/crosscheck_compression_flows.py [--only a,b] [--json rows.json]

(compressai 1.2.8 pins numpy<2, which breaks onnx's ml_dtypes; numpy 2 is put back after it: the
forward passes used here do not touch compressai's compiled range coder.)  Each model runs in a
child process with a 600 s limit; files go to --out (default /tmp/cf/zoo).

As run (2026-12-05, torch 2.14.1, onnx 1.23.2, onnxscript 0.7.2, onnxruntime 1.32.0, compressai
1.2.8, e3nn 0.6.0, normflows 1.7.3, zuko 1.6.0, torchdiffeq 0.2.5, pytorch-tcn 1.2.3,
segment-anything 1.0; ~10 min on 2 cores): 52 models -- the 35 of the 2026-12-04 run and 17 new
ones, blind (cai_vbr_mean_scale to sam_mask_prompt) -- torch's counter ran on all.  **MACs equal
torch's on 39 of 43 modules, 34 of 38 TorchScript files and 24 of 29 dynamo files** (4, 5 and 3 of
those with nodes left uncounted, none a MAC op: the spline flows' bins chosen through NonZero,
whose sizes depend on the data (normflows' NSF coupling, autoregressive and circular splines);
S2Activation's two DFTs, which torch's counter counts as 0 too; the TorchScript files of zuko's
RealNVP and NICE, whose Adds have the empty name as a required input -- dscost says the graph
cannot run and dscost.analyze takes the dynamo exporter's, which counts all; the circular spline's
TorchScript graph, whose two Reshapes of (16, 2) to (16, 2, 2) cannot run, onnxruntime failing there
too -- said in a note).  The MAC differences, none a miscount:
SAM's mask decoder (-6,400 on every count of the point and box prompts): the IoU head (MLP
32-64-64-4: 2,048 + 4,096 + 256) runs in torch, but only the masks are returned -- dead code the
trace drops (a).  -8,192 more on the dynamo files of the three SAM decoders and on the points
module (which dscost exports by dynamo): the dense positional encoding (16x16 grid x the 2x16
Gaussian matrix), input-independent, folded (b).  The points prompt's TorchScript file (8,288 [165
unc.]) cannot run: the exporter writes ``point_embedding[labels == -1] = 0`` as a Where of a (1, 3)
mask on (1, 3, 32) (onnxruntime refuses it too); dscost says so in one note.  normflows' MADE
flow, dynamo (-860,160): log_prob runs nflows' inverse loop, 8 passes per flow from zeros; each
flow's first pass (16 x (8x64 + 4x64x64 + 64x16) = 286,720, x3) is input-independent and folded
(b).  e3nn Linear + Gate + BatchNorm, TorchScript file (0 of 18,432): the exporter loses e3nn's
Extract (fx code copying narrow slices of the input into a new_zeros tensor in place), so its
graph has no inputs and computes constants (b); dscost's note says so, and dscost.analyze takes
the dynamo exporter's graph, equal.  e3nn TensorSquare, module and TorchScript file (-576): the
TorchScript exporter writes aten::tensordot (an mm in eager torch) as Einsum 'ij,jk->ik'; three
have a contraction of size 1 -- (128,1)x(1,1), (16,1)x(1,8), (80,1)x(1,4): 128 + 128 + 320 -- and
dscost counts an Einsum with nothing to sum as a broadcast multiply (other ops), as torch.einsum
computes it (b, by the documented rule; the dynamo file has MatMuls: equal).  zuko UNAF, module
(by dynamo: TorchScript fails) and dynamo file (77,824 [12 unc.], -20,004,864): the exporter
writes the per-feature integrand MLP, torch.einsum('...ij,...j->...i') of weights (4, 64, k)
against x (32, 16, 4, k), as ONNX Einsums whose ellipses span 1 and 3 (or 2) axes, which ONNX
forbids -- onnx's checker and onnxruntime refuse the file; dscost lists the 12 as "the graph cannot
run at these input shapes": 2 flows x (32x16x4 quadrature points + 16x4) x 64 x (9 + 64 + 1) =
20,004,864 (b: an invalid file).
Params equal torch's on 39 of 43 modules: SAM's box prompt -7,018, the mask prompt -128 and
points +662 (parameters the forward never uses, named in the note: for the box and the points the
IoU head 6,532 and the mask-downscaling convs 390, and unused prompt embeddings 96 / 128 / 64; the
points module, by dynamo, as its dynamo file below), normflows' planar/radial flows -13 (dynamo:
the base distribution's 16 unused in the sampling direction, +1 and +2 scalars folded from u,
alpha and beta).  Files add
buffers stored as initializers (the known convention): compressai's GDN pedestals and lower bounds
(+24: 6 GDNs x 4 one-element buffers; the Vbr model's +23 = 24 less its quantization-offset
MLP's one-element last bias, a literal in a file), e3nn's Wigner-3j tables (+90, +45; TensorSquare +249:
250 less its one-element table), SO3Activation's grids (+138,252: two equal D tables of 69,120,
the second an Identity copy of the first -- a parameter of its own, the documented convention --
and 12 quadrature weights), MADE / MaskedMLP 0-1 masks multiplied into the weights (normflows
+53,760 = 3 x (8x64 + 4x64x64 + 64x16), +13,312, the circular spline +10,756 = 10,752 + its base's 4 scales;
zuko MAF +17,680, NSF +32,784, each with +16 of the base's loc and scale as RealNVP's and NICE's
+16; NCSF +8,200 = 8,192 + the uniform base's 8 bounds), the streaming TCN's ring buffers (+560),
SAM's Gaussian matrix (+32).  The Gate's TorchScript file has no parameters (-488, the graph
without inputs).  Dynamo files are lower by the exporter's rewrite (BatchNorm folded -480, weight
norm folded -192 and -64: the weight_g vectors; fresh LayerNorm ones and zeros merged -160; SAM's
encoder -336 = -640 -64 merged norms +368 for its zero-initialised relative-position tables
gathered at export, 800 -> 144 + 1,024; the autoregressive spline -138, the two flows' equal final
biases merged; the mask prompt -656 = -128 unused - 512 (the decoder's nine LayerNorm(32) ones
and zeros merged into one pair) - 16 (its two LayerNorm2d(8) pairs into one); the Gaussian matrix
is a buffer there, as the program's signature says), or higher by constants folded from
parameters (b): SAM's decoder +662 / +630 (the unused -6,986 / -7,018; the no-mask embedding
expanded to 1x32x16x16, 8,192 for 32; -512 merged LayerNorm ones and zeros), nf_made +295,680
(each of the 7 remaining passes per flow has its own folded weight x mask, equal but not merged: 3 x
6 x 4 x 4,096, and 3 folded 16x16 first-pass outputs), the neural-spline coupling +804 (the
identity features' spline tables and the LU factors, 328 params, folded into batch-expanded tables
of 512 + 576 + 16 + 28).
The 2026-12-04 run's four findings are fixed since (its repro files, /tmp/cf/repro/make.py): a
folded constant named after onnxscript's own values taken for a parameter (zuko's SOSPF +196, now
6,124 as torch; SAM +8,192; the spline flows +97 and +1), an Add with the empty name as a required
input read as shapes unknown (now "an invalid graph", and dscost.analyze takes the dynamo
exporter's), a graph without inputs counted without a note, and an export failure's line that cut
torch's reason ("because it is not constant").  This run found no miscount.  Two files made for
the report (/tmp/cf/repro): einsum_ellipsis_broadcast.onnx (UNAF's Einsum in small: onnx's checker
and onnxruntime refuse it, dscost lists it as a node that cannot run) and einsum_k1_vs_matmul.onnx (one (8,1)x(1,16) product: 0 MACs and 128
other ops as Einsum, 128 MACs as MatMul -- the rule above, a question of convention).
Exports that fail in torch (one line each): the TorchScript exporter on aten::diag (Glow's LU 1x1
conv), aten::slogdet (Glow's plain one), aten::cosh (radial flow), aten::complex (S2Activation),
"Unknown number type: complex" (Wigner-D from angles), aten::diag_embed (zuko's GMM), index_add
with repeated indices (the TFN conv), zuko's NAF, BPF and GF ("unexpected sym_eq"), SOSPF and UNAF
("unordered_map::at"), the checkerboard and ELIC codecs (the entropy bottleneck's axes
permutation, a tensor); the dynamo exporter on every compressai model (the same permutation read as
ints), odeint (its check that t increases, read as a bool), Glow and the Gaussian-mixture flow
(ActNorm's init flag, a buffer, read as a bool), the Wigner-D model (a data-dependent guard), NAF and BPF (a
fake tensor among the program's constants), GF (linalg_matrix_exp), zuko's GMM
(linalg_solve_triangular; torch's counter counts its triangular solves as 0) and the circular
spline (a boolean index_put with None indices).  compressai's erfc is taken as erf for the
TorchScript exporter (``_erfc_as_erf``); ScaleSpaceFlow was dropped (3.9 GMACs, 34 M params at its
smallest input, 128x128).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402
from crosscheck_libraries import _first, _forward  # noqa: E402

DEFAULT_OUT = Path("/tmp/cf/zoo")


# --------------------------------------------------------------------------
# compressai


def _compressai(name: str, **kw):
    """A compressai model's eval forward: x_hat and every likelihood tensor (so the entropy
    models' arithmetic is an output, not dead code)."""
    import compressai.models as cm

    _erfc_as_erf()

    def fwd(m, x):
        out = m(x)
        lk = out["likelihoods"]
        return (out["x_hat"], *[lk[k] for k in sorted(lk)])

    return _forward(getattr(cm, name)(**kw), fwd)


def _erfc_as_erf():
    """compressai's Gaussian conditional takes the normal CDF as 0.5 * erfc(-x / sqrt 2), and the
    TorchScript exporter has no aten::erfc: the same value as 0.5 * (1 + erf(x / sqrt 2)), so the
    hyperprior models export (their range coder is not used here)."""
    import torch
    from compressai.entropy_models import GaussianConditional

    def cdf(self, inputs):
        return 0.5 * (1 + torch.erf(inputs * 2**-0.5))

    GaussianConditional._standardized_cumulative = cdf


# --------------------------------------------------------------------------
# e3nn


def _e3nn(kind: str):
    import torch
    from torch import nn
    from e3nn import o3
    from e3nn import nn as enn

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            if kind == "linear":
                self.f = o3.Linear("16x0e+8x1o+4x2e", "8x0e+8x1o+8x2e")
            elif kind == "fctp":
                self.f = o3.FullyConnectedTensorProduct("8x0e+4x1o+2x2e", "4x0e+4x1o", "8x0e+8x1o+4x2e")
            elif kind == "gate":
                self.lin = o3.Linear("16x0e+8x1o", "16x0e+8x0e+8x1o")
                self.gate = enn.Gate("16x0e", [torch.relu], "8x0e", [torch.sigmoid], "8x1o")
                self.bn = enn.BatchNorm("16x0e+8x1o")
            elif kind == "elementwise":
                self.f = o3.ElementwiseTensorProduct("8x0e+8x1o", "8x0e+8x1e")
                self.norm = o3.Norm(self.f.irreps_out)
            elif kind == "tfn":
                self.irreps_in = o3.Irreps("8x0e+4x1o")
                self.irreps_sh = o3.Irreps.spherical_harmonics(2)
                self.tp = o3.FullyConnectedTensorProduct(self.irreps_in, self.irreps_sh, "8x0e+4x1o+2x2e", shared_weights=False)
                self.radial = enn.FullyConnectedNet([8, 32, self.tp.weight_numel], torch.nn.functional.silu)

        def forward(self, *xs):
            if kind in ("linear",):
                return self.f(xs[0])
            if kind == "fctp":
                return self.f(xs[0], xs[1])
            if kind == "gate":
                return self.bn(self.gate(self.lin(xs[0])))
            if kind == "elementwise":
                return self.norm(self.f(xs[0], xs[1]))
            # tfn: a complete graph on the nodes, built in the forward from static sizes
            feats, pos = xs
            n = pos.shape[0]
            src = torch.arange(n).repeat_interleave(n)
            dst = torch.arange(n).repeat(n)
            vec = pos[src] - pos[dst]
            sh = o3.spherical_harmonics(self.irreps_sh, vec, normalize=True, normalization="component")
            emb = soft_one_hot(vec.norm(dim=1))
            msg = self.tp(feats[src], sh, self.radial(emb))
            return torch.zeros(n, msg.shape[1]).index_add(0, dst, msg) / n

    def soft_one_hot(r):
        from e3nn.math import soft_one_hot_linspace

        return soft_one_hot_linspace(r, 0.0, 3.0, 8, basis="smooth_finite", cutoff=True) * 8**0.5

    return M()


# --------------------------------------------------------------------------
# normflows


def _nf(kind: str):
    import torch
    import normflows as nf

    torch.manual_seed(0)
    if kind == "realnvp":
        flows = []
        for _ in range(4):
            flows += [nf.flows.AffineCouplingBlock(nf.nets.MLP([4, 64, 64, 8], init_zeros=False)), nf.flows.Permute(8, mode="swap")]
        m = nf.NormalizingFlow(nf.distributions.DiagGaussian(8), flows)
    elif kind == "made":
        flows = [nf.flows.MaskedAffineAutoregressive(8, 64, num_blocks=2) for _ in range(3)]
        m = nf.NormalizingFlow(nf.distributions.DiagGaussian(8), flows)
    elif kind == "nsf":
        flows = []
        for _ in range(2):
            flows += [nf.flows.CoupledRationalQuadraticSpline(8, 2, 32), nf.flows.LULinearPermute(8)]
        m = nf.NormalizingFlow(nf.distributions.DiagGaussian(8), flows)
    elif kind == "ar_spline":
        flows = [nf.flows.AutoregressiveRationalQuadraticSpline(6, 1, 32) for _ in range(2)]
        m = nf.NormalizingFlow(nf.distributions.DiagGaussian(6), flows)
    elif kind == "planar":
        flows = [nf.flows.Planar((8,)) for _ in range(4)] + [nf.flows.Radial((8,)) for _ in range(2)]
        m = nf.NormalizingFlow(nf.distributions.DiagGaussian(8), flows)
    elif kind in ("glow", "glow_nolu"):
        # (flows run z -> x: log_prob goes through them backwards, x (4, 16, 16) squeezed to (16, 8, 8))
        flows = [nf.flows.GlowBlock(16, 32, split_mode="checkerboard", scale=True, use_lu=kind == "glow") for _ in range(2)]
        flows += [nf.flows.Squeeze()]
        flows += [nf.flows.GlowBlock(4, 32, split_mode="channel", scale=True, use_lu=kind == "glow") for _ in range(3)]
        m = nf.NormalizingFlow(nf.distributions.DiagGaussian((16, 8, 8)), flows)
        with torch.no_grad():  # ActNorm initializes from its first batch: done here, before counting
            m.log_prob(torch.randn(4, 4, 16, 16))
    elif kind == "gmm":
        flows = []
        for _ in range(3):
            flows += [nf.flows.MaskedAffineFlow(torch.tensor([1, 0] * 4), nf.nets.MLP([8, 32, 8], init_zeros=False),
                                                nf.nets.MLP([8, 32, 8], init_zeros=False)), nf.flows.ActNorm(8), nf.flows.LULinearPermute(8)]  # fmt: skip
        m = nf.NormalizingFlow(nf.distributions.GaussianMixture(4, 8), flows)
        with torch.no_grad():  # (ActNorm initializes from its first batch)
            m.log_prob(torch.randn(16, 8))
    elif kind == "circular":
        flows = [nf.flows.CircularAutoregressiveRationalQuadraticSpline(4, 1, 32, [1, 3]) for _ in range(2)]
        bound = torch.tensor([1.0, 3.14159, 1.0, 3.14159])
        m = nf.NormalizingFlow(nf.distributions.UniformGaussian(4, [1, 3], bound), flows)
    else:
        raise KeyError(kind)
    if kind == "planar":  # (no algebraic inverse, so no log_prob: the sampling direction z -> x and its log-det)
        return _forward(m, lambda m, z: m.forward_and_log_det(z))
    return _forward(m, lambda m, x: m.log_prob(x))


# --------------------------------------------------------------------------
# zuko


def _zuko(name: str, conditional: bool = False, **kw):
    import zuko

    flow = getattr(zuko.flows, name)(**kw)
    if conditional:
        return _forward(flow, lambda m, x, c: m(c).log_prob(x))
    return _forward(flow, lambda m, x: m().log_prob(x))


# --------------------------------------------------------------------------
# torchdiffeq


def _ode(kind: str):
    import torch
    from torch import nn
    from torchdiffeq import odeint

    class MLPFunc(nn.Module):
        def __init__(self):
            super().__init__()
            self.l1, self.l2, self.l3 = nn.Linear(17, 64), nn.Linear(64, 64), nn.Linear(64, 16)

        def forward(self, t, y):
            h = torch.cat([y, t.expand(y.shape[0], 1)], 1)
            return self.l3(torch.tanh(self.l2(torch.tanh(self.l1(h)))))

    class ConvFunc(nn.Module):
        """The torchdiffeq MNIST example's ODEfunc: GroupNorm, ReLU, a conv taking t as an extra channel."""

        def __init__(self, c=16):
            super().__init__()
            self.n1, self.c1 = nn.GroupNorm(4, c), nn.Conv2d(c + 1, c, 3, 1, 1)
            self.n2, self.c2 = nn.GroupNorm(4, c), nn.Conv2d(c + 1, c, 3, 1, 1)
            self.n3 = nn.GroupNorm(4, c)

        def cat_t(self, t, x):
            return torch.cat([t.expand(x.shape[0], 1, *x.shape[2:]), x], 1)

        def forward(self, t, x):
            x = self.c1(self.cat_t(t, torch.relu(self.n1(x))))
            x = self.c2(self.cat_t(t, torch.relu(self.n2(x))))
            return self.n3(x)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            if kind == "mlp_rk4":
                self.func, self.method, self.n, self.opts = MLPFunc(), "rk4", 5, None
            elif kind == "conv_euler":
                self.stem = nn.Conv2d(1, 16, 3, 2, 1)
                self.func, self.method, self.n, self.opts = ConvFunc(), "euler", 6, None
                self.head = nn.Linear(16, 10)
            elif kind == "mlp_midpoint":
                self.func, self.method, self.n, self.opts = MLPFunc(), "midpoint", 2, {"step_size": 0.25}

        def forward(self, x):
            t = torch.linspace(0.0, 1.0, self.n)
            if kind == "conv_euler":
                h = odeint(self.func, self.stem(x), t, method=self.method)[-1]
                return self.head(h.mean((2, 3)))
            return odeint(self.func, x, t, method=self.method, options=self.opts)[-1]

    return Net()


# --------------------------------------------------------------------------
# pytorch-tcn


def _tcn(inference: bool = False, embedding: bool = False, **kw):
    """pytorch-tcn's TCN; ``inference``: its streaming forward (ring buffers of past frames, as
    registered buffers, read and written); ``embedding``: one conditioning vector per sequence."""
    from pytorch_tcn import TCN

    m = TCN(**kw)
    if inference:
        return _forward(m, lambda m, x: m(x, inference=True))
    if embedding:
        return _forward(m, lambda m, x, e: m(x, embeddings=[e]))
    return m


# --------------------------------------------------------------------------
# segment-anything


def _sam_encoder():
    """A tiny SAM ViT image encoder: 128x128 input, 8x8 patch grid, windows of 3 (padded to 9x9),
    decomposed relative positions, one global-attention block, the conv + LayerNorm2d neck."""
    from segment_anything.modeling import ImageEncoderViT

    return ImageEncoderViT(img_size=128, patch_size=16, embed_dim=64, depth=3, num_heads=4, out_chans=32, use_rel_pos=True,
                           window_size=3, global_attn_indexes=(2,))


def _sam_decoder(boxes: bool = False):
    """SAM's prompt encoder + mask decoder (TwoWayTransformer) on a given image embedding: two
    points (labels 1 and 0, labels used through masks), or a box; multimask output."""
    from torch import nn
    from segment_anything.modeling import MaskDecoder, PromptEncoder, TwoWayTransformer

    class D(nn.Module):
        def __init__(self):
            super().__init__()
            self.pe = PromptEncoder(embed_dim=32, image_embedding_size=(16, 16), input_image_size=(256, 256), mask_in_chans=8)
            self.md = MaskDecoder(transformer_dim=32, transformer=TwoWayTransformer(depth=2, embedding_dim=32, mlp_dim=64, num_heads=2),
                                  num_multimask_outputs=3, iou_head_depth=3, iou_head_hidden_dim=64)

        def forward(self, emb, pts):
            import torch

            if boxes:
                sparse, dense = self.pe(points=None, boxes=pts, masks=None)
            else:
                labels = torch.tensor([[1, 0]]).expand(pts.shape[0], 2)
                sparse, dense = self.pe(points=(pts, labels), boxes=None, masks=None)
            return self.md(emb, self.pe.get_dense_pe(), sparse, dense, multimask_output=True)

    return D()


# --------------------------------------------------------------------------
# Models new in the 2026-12-05 run (blind: no earlier run held them)


def _compressai_vbr():
    """compressai's MeanScaleHyperpriorVbr (variable rate), stage 2 at rate index 1: y scaled by a
    learned gain, the quantization offset from a 3-layer MLP applied on the last axis of a 5-D
    tensor of (stdev, gain) pairs, sign / abs / straight-through rounding."""
    import compressai.models as cm

    _erfc_as_erf()

    def fwd(m, x):
        out = m(x)
        lk = out["likelihoods"]
        return (out["x_hat"], *[lk[k] for k in sorted(lk)])

    return _forward(cm.MeanScaleHyperpriorVbr(N=32, M=48), fwd)


def _compressai_pointnet():
    """compressai's PointNet point-cloud codec (sfu2023-pcc-rec-pointnet), 256 points: pointwise
    1-D convs, a max over points, the entropy bottleneck on a 1-D latent, an MLP decoder."""
    from compressai.models.pointcloud.sfu_pointnet import PointNetReconstructionPccModel

    m = PointNetReconstructionPccModel(num_points=256, num_channels={"g_a": [3, 32, 32, 64, 128], "g_s": [128, 256, 768]},
                                       groups={"g_a": [1, 1, 1, 1]})  # fmt: skip

    def fwd(m, x):
        out = m({"pos": x})
        return out["x_hat"], out["likelihoods"]["y"]

    return _forward(m, fwd)


def _e3nn_more(kind: str):
    import torch
    from torch import nn
    from e3nn import o3
    from e3nn import nn as enn

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            if kind == "square":
                self.f = o3.TensorSquare("8x0e+4x1o+2x2e", "8x0e+4x1o+4x2e")
            elif kind == "s2act":
                self.f = enn.S2Activation("1x0e+1x1o+1x2e", torch.tanh, res=12)
            elif kind == "so3act":
                self.f = enn.SO3Activation(1, 1, torch.tanh, 6)
            elif kind == "rotate":
                self.irreps = o3.Irreps("8x0e+4x1o+2x2e")
                self.act = enn.NormActivation(self.irreps, torch.sigmoid, bias=True)

        def forward(self, *xs):
            if kind == "rotate":  # a Wigner-D block matrix per sample from its three angles, then a norm activation
                x, ang = xs
                d = self.irreps.D_from_angles(ang[:, 0], ang[:, 1], ang[:, 2])
                return self.act(torch.einsum("nij,nj->ni", d, x))
            return self.f(xs[0])

    return M()


def _ode_more(kind: str):
    """odeint on a tuple state (y, v) with heun3 (a second-order system), or explicit_adams (Adams-
    Bashforth: the history of f values kept across steps)."""
    import torch
    from torch import nn
    from torchdiffeq import odeint

    class Second(nn.Module):
        def __init__(self):
            super().__init__()
            self.l1, self.l2 = nn.Linear(16, 64), nn.Linear(64, 8)

        def forward(self, t, state):
            y, v = state
            return v, self.l2(nn.functional.softplus(self.l1(torch.cat([y, v], 1)))) - 0.1 * v

    class First(nn.Module):
        def __init__(self):
            super().__init__()
            self.l1, self.l2 = nn.Linear(16, 64), nn.Linear(64, 16)

        def forward(self, t, y):
            return self.l2(torch.tanh(self.l1(y)))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.f = Second() if kind == "tuple_heun3" else First()

        def forward(self, x):
            t = torch.linspace(0.0, 1.0, 4)
            if kind == "tuple_heun3":
                y, v = odeint(self.f, (x[:, :8], x[:, 8:]), t, method="heun3")
                return torch.cat([y[-1], v[-1]], 1)
            return odeint(self.f, x, t, method="explicit_adams")[-1]

    return Net()


def _tcn_transpose():
    """A causal TCN, then pytorch-tcn's TemporalConvTranspose1d (causal, stride 2: its own padding
    and trimming of the transposed conv's output)."""
    from torch import nn
    from pytorch_tcn import TCN
    from pytorch_tcn.conv import TemporalConvTranspose1d

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = TCN(num_inputs=8, num_channels=[16, 16], kernel_size=3)
            self.up = TemporalConvTranspose1d(16, 8, kernel_size=4, stride=2)

        def forward(self, x):
            return self.up(self.enc(x))

    return M()


def _sam_mask_prompt():
    """SAM's prompt encoder with a box and a low-resolution mask (mask-downscaling convs with
    LayerNorm2d and GELU), single-mask output, upsampled bilinearly to 256x256; IoU returned too."""
    from torch import nn
    from segment_anything.modeling import MaskDecoder, PromptEncoder, TwoWayTransformer

    class D(nn.Module):
        def __init__(self):
            super().__init__()
            self.pe = PromptEncoder(embed_dim=32, image_embedding_size=(16, 16), input_image_size=(256, 256), mask_in_chans=8)
            self.md = MaskDecoder(transformer_dim=32, transformer=TwoWayTransformer(depth=2, embedding_dim=32, mlp_dim=64, num_heads=2),
                                  num_multimask_outputs=3, iou_head_depth=3, iou_head_hidden_dim=64)

        def forward(self, emb, box, mask):
            sparse, dense = self.pe(points=None, boxes=box, masks=mask)
            masks, iou = self.md(emb, self.pe.get_dense_pe(), sparse, dense, multimask_output=False)
            return nn.functional.interpolate(masks, (256, 256), mode="bilinear", align_corners=False), iou

    return D()


def _entries() -> dict:
    img = lambda *s: [("input", s, "float32")]  # noqa: E731
    pic = img(1, 3, 64, 64)
    vec8 = img(16, 8)
    return {
        # compressai 1.2.8
        "cai_factorized_prior": (lambda: _compressai("FactorizedPrior", N=32, M=48), pic,
                                 "bmshj2018 factorized: GDN / IGDN, ConvTranspose decoder, entropy bottleneck (eval)"),
        "cai_scale_hyperprior": (lambda: _compressai("ScaleHyperprior", N=32, M=48), pic, "bmshj2018 hyperprior: abs, Gaussian conditional (erfc)"),
        "cai_mean_scale_hyperprior": (lambda: _compressai("MeanScaleHyperprior", N=32, M=48), pic, "mbt2018-mean: LeakyReLU hyper-synthesis, means"),
        "cai_joint_autoregressive": (lambda: _compressai("JointAutoregressiveHierarchicalPriors", N=32, M=48), pic,
                                     "mbt2018: masked 5x5 context conv, entropy-parameter 1x1 convs"),
        "cai_cheng2020_attention": (lambda: _compressai("Cheng2020Attention", N=32), pic,
                                    "cheng2020-attn: attention blocks, sub-pixel conv up-sampling, GDN residual blocks"),
        "cai_cheng2020_checkerboard": (lambda: _compressai("Cheng2020AnchorCheckerboard", N=32), pic, "checkerboard context (anchor / non-anchor masks)"),
        "cai_elic_chandelier": (lambda: _compressai("Elic2022Chandelier", N=32, M=64, groups=[8, 8, 16, 32]), pic,
                                "ELIC: uneven channel groups, checkerboard, residual bottlenecks"),
        # e3nn 0.6.0
        "e3nn_linear": (lambda: _e3nn("linear"), img(32, 16 + 24 + 20), "o3.Linear 16x0e+8x1o+4x2e -> 8x0e+8x1o+8x2e"),
        "e3nn_fctp": (lambda: _e3nn("fctp"), [("x1", (32, 8 + 12 + 10), "float32"), ("x2", (32, 4 + 12), "float32")],
                      "FullyConnectedTensorProduct (Wigner 3j contractions)"),
        "e3nn_gate_bn": (lambda: _e3nn("gate"), img(32, 16 + 24), "o3.Linear, Gate (scalars gate vectors), e3nn BatchNorm (eval)"),
        "e3nn_elementwise_norm": (lambda: _e3nn("elementwise"), [("x1", (32, 32), "float32"), ("x2", (32, 32), "float32")],
                                  "ElementwiseTensorProduct, o3.Norm"),
        "e3nn_tfn_conv": (lambda: _e3nn("tfn"), [("feats", (12, 20), "float32"), ("pos", (12, 3), "float32")],
                          "TFN conv on a complete graph of 12 nodes: spherical harmonics, radial MLP weights, index_add"),
        # normflows 1.7.3
        "nf_realnvp": (lambda: _nf("realnvp"), vec8, "RealNVP: 4 affine couplings (MLP), swaps; log_prob"),
        "nf_made": (lambda: _nf("made"), vec8, "MAF of MADE blocks (masked linears); log_prob (one pass)"),
        "nf_nsf_coupling": (lambda: _nf("nsf"), vec8, "rational-quadratic spline couplings, LU linear permutes; log_prob"),
        "nf_ar_spline": (lambda: _nf("ar_spline"), img(16, 6), "autoregressive rational-quadratic spline (MADE); log_prob"),
        "nf_planar_radial": (lambda: _nf("planar"), vec8, "4 planar + 2 radial flows; forward_and_log_det (no inverse)"),
        "nf_glow": (lambda: _nf("glow"), img(2, 4, 16, 16), "Glow blocks: ActNorm, LU 1x1 invertible convs (W = P L U), coupling convs, squeeze"),
        "nf_glow_nolu": (lambda: _nf("glow_nolu"), img(2, 4, 16, 16), "Glow blocks with a plain 1x1 invertible conv (log-det by slogdet)"),
        # zuko 1.6.0
        "zuko_maf_context": (lambda: _zuko("MAF", conditional=True, features=8, context=4, transforms=3, hidden_features=(64, 64)),
                             [("x", (16, 8), "float32"), ("c", (16, 4), "float32")], "MAF with context: masked MLPs; log_prob"),
        "zuko_nsf": (lambda: _zuko("NSF", features=8, transforms=2, bins=8, hidden_features=(64, 64)), vec8, "neural spline flow (MAF of splines)"),
        "zuko_realnvp": (lambda: _zuko("RealNVP", features=8, transforms=3, hidden_features=(64, 64)), vec8, "RealNVP couplings"),
        "zuko_sospf": (lambda: _zuko("SOSPF", features=6, transforms=2, degree=3, polynomials=2, hidden_features=(32, 32)), img(16, 6),
                       "sum-of-squares polynomial flow"),
        "zuko_gf": (lambda: _zuko("GF", features=6, transforms=2, components=8), img(16, 6), "Gaussianization flow (erf kernels, rotations)"),
        "zuko_naf": (lambda: _zuko("NAF", features=4, transforms=2, signal=8, hidden_features=(32, 32)), img(16, 4),
                     "neural autoregressive flow: monotonic MLPs"),
        # torchdiffeq 0.2.5
        "ode_mlp_rk4": (lambda: _ode("mlp_rk4"), img(8, 16), "odeint rk4 (3/8 rule), 5-point grid: 16 MLP calls"),
        "ode_conv_euler": (lambda: _ode("conv_euler"), img(2, 1, 28, 28), "ODE-Net: stem conv, conv ODE func (GroupNorm, t channel), euler 6 points"),
        "ode_mlp_midpoint": (lambda: _ode("mlp_midpoint"), img(8, 16), "odeint midpoint, step_size 0.25 on [0, 1]: 8 MLP calls"),
        # pytorch-tcn 1.2.3
        "tcn_causal_weightnorm": (lambda: _tcn(num_inputs=8, num_channels=[16, 16, 32, 32], kernel_size=3, use_skip_connections=True),
                                  img(1, 8, 200), "causal dilated TCN, weight norm, skip connections"),
        "tcn_noncausal_bn_gate": (lambda: _tcn(num_inputs=8, num_channels=[16, 32, 32], kernel_size=5, causal=False, use_norm="batch_norm",
                                               use_gate=True, activation="gelu", output_projection=4), img(1, 8, 200),
                                  "non-causal TCN, batch norm, gated activations, output projection"),
        "tcn_layernorm_embed": (lambda: _tcn(embedding=True, num_inputs=8, num_channels=[16, 16, 16], kernel_size=3, use_norm="layer_norm",
                                             input_shape="NLC", embedding_shapes=[(6,)], embedding_mode="concat"),
                                [("input", (1, 200, 8), "float32"), ("emb", (1, 6), "float32")], "NLC TCN, layer norm, concatenated conditioning"),
        "tcn_streaming": (lambda: _tcn(inference=True, num_inputs=8, num_channels=[16, 16, 32], kernel_size=3, use_norm=None), img(1, 8, 16),
                          "streaming inference: ring buffers of past frames, 16 new frames"),
        # segment-anything 1.0
        "sam_tiny_encoder": (_sam_encoder, img(1, 3, 128, 128), "SAM ViT encoder: windowed attention (padding), decomposed rel-pos, neck"),
        "sam_prompt_decoder_points": (lambda: _first(_sam_decoder()), [("emb", (1, 32, 16, 16), "float32"), ("points", (1, 2, 2), "float32")],
                                      "prompt encoder (random Fourier PE of 2 points) + two-way mask decoder"),
        "sam_prompt_decoder_box": (lambda: _first(_sam_decoder(boxes=True)), [("emb", (1, 32, 16, 16), "float32"), ("box", (1, 4), "float32")],
                                   "prompt encoder of a box + mask decoder"),
        # new in the 2026-12-05 run
        "cai_vbr_mean_scale": (_compressai_vbr, pic, "MeanScaleHyperpriorVbr: learned gain, quantization-offset MLP on 5-D (stdev, gain) pairs, STE"),
        "cai_pointnet_pcc": (_compressai_pointnet, img(1, 256, 3), "PointNet point-cloud codec: pointwise convs, max over points, 1-D bottleneck"),
        "e3nn_tensor_square": (lambda: _e3nn_more("square"), img(16, 8 + 12 + 10), "o3.TensorSquare with weights (symmetric products)"),
        "e3nn_s2_activation": (lambda: _e3nn_more("s2act"), img(16, 9), "S2Activation: to a sphere grid, tanh, back (einsums with buffers)"),
        "e3nn_so3_activation": (lambda: _e3nn_more("so3act"), img(16, 10), "SO3Activation: to an SO(3) grid (D matrices), tanh, back"),
        "e3nn_rotate_normact": (lambda: _e3nn_more("rotate"), [("x", (16, 30), "float32"), ("angles", (16, 3), "float32")],
                                "Wigner-D matrices from input angles (block diagonal), einsum, NormActivation with bias"),
        "nf_gmm_masked_affine": (lambda: _nf("gmm"), vec8, "MaskedAffineFlow (RealNVP masks), ActNorm, LU permutes, Gaussian-mixture base"),
        "nf_circular_spline": (lambda: _nf("circular"), img(16, 4), "circular autoregressive splines, uniform x Gaussian base"),
        "zuko_nice": (lambda: _zuko("NICE", features=8, transforms=3, hidden_features=(64, 64)), vec8, "NICE additive couplings"),
        "zuko_bpf": (lambda: _zuko("BPF", features=6, transforms=2, degree=8, hidden_features=(32, 32)), img(16, 6), "Bernstein polynomial flow"),
        "zuko_gmm": (lambda: _zuko("GMM", features=8, components=5), vec8, "Gaussian mixture (full covariances: triangular solves, logsumexp)"),
        "zuko_ncsf": (lambda: _zuko("NCSF", features=4, transforms=2, bins=8, hidden_features=(32, 32)), img(16, 4), "neural circular spline flow"),
        "zuko_unaf": (lambda: _zuko("UNAF", features=4, transforms=2, signal=8, hidden_features=(32, 32)), img(16, 4),
                      "unconstrained monotonic NAF: an integral by Gauss-Legendre quadrature of an MLP"),
        "ode_tuple_heun3": (lambda: _ode_more("tuple_heun3"), img(8, 16), "odeint heun3 on a tuple state (y, v), 4-point grid: 9 calls"),
        "ode_explicit_adams": (lambda: _ode_more("explicit_adams"), img(8, 16), "odeint explicit_adams, 4-point grid"),
        "tcn_conv_transpose": (_tcn_transpose, img(1, 8, 100), "causal TCN + TemporalConvTranspose1d stride 2"),
        "sam_mask_prompt": (_sam_mask_prompt, [("emb", (1, 32, 16, 16), "float32"), ("box", (1, 4), "float32"), ("mask", (1, 1, 64, 64), "float32")],
                            "prompt encoder with a box and a mask (downscaling convs), single mask, bilinear upsampling, IoU"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
