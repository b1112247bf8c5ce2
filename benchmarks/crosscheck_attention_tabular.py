"""Fourteenth blind round (2026-12-05): attention variants and tabular nets no earlier round held --
lucidrains' perceiver-pytorch, performer-pytorch, reformer-pytorch, linear-attention-transformer,
local-attention, mlp-mixer-pytorch, g-mlp-pytorch, CoCa-pytorch, st-moe-pytorch,
mixture-of-experts, tab-transformer-pytorch, egnn-pytorch and siren-pytorch, and the tabular
pytorch-tabnet and rtdl_revisiting_models -- each model counted three ways against torch's own
counter, as in crosscheck_timm_sixth.py (the module through ``dscost.analyze``, the TorchScript
and the dynamo exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: the Perceiver's Fourier position features and latent cross-attention (weight-tied
layers, an attention residual over block outputs, inverted cross-attention softmaxed over the
queries), PerceiverIO's query decoder; FAVOR+ random-feature attention (a projection-matrix buffer,
the causal prefix-sum form, a ReLU-kernel generalized form with local heads, ScaleNorm, token
shift); LSH attention (random rotations drawn in the forward, argsort, bucketed chunks) in
reversible layers, an axial position embedding; causal cumsum linear attention, Linformer's
sequence projections, a product-key memory (top-k over sub-keys, a weighted EmbeddingBag), a
conv linear attention on images; windowed local attention with look-around, qk RMSNorm, gated
values, a dynamic position-bias MLP and hyper-connections; MLP-Mixer (2-D, 3-D) and the Vision
Permutator; gMLP's spatial gating unit (a causal n x n weight, a circulant weight built in the
forward, a tiny attention); CoCa's parallel blocks and attentional pooler; top-k expert routing
with capacity (st-moe, mixture-of-experts, hierarchical); TabTransformer and two FT-Transformers
(numerical embeddings, a CLS token, rtdl's last block attending from the CLS token only);
E(n)-equivariant GNN layers (dense, kNN by topk, global linear attention); SIREN and its
modulated wrapper over a grid buffer; TabNet's sparsemax and entmax15 attentive transformers,
ghost BatchNorm over virtual batches, embedded categorical columns; rtdl's MLP and ResNet.

    /work/hvB/bin/pip install -c constraints.txt perceiver-pytorch performer-pytorch reformer-pytorch linear-attention-transformer \\
        local-attention mlp-mixer-pytorch g-mlp-pytorch CoCa-pytorch st-moe-pytorch mixture-of-experts tab-transformer-pytorch \\
        egnn-pytorch siren-pytorch pytorch-tabnet rtdl_revisiting_models      # constraints.txt: torch==2.14.1
    /work/hvB/bin/python benchmarks/crosscheck_attention_tabular.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/at/zoo).

As run (2026-12-05, torch 2.14.1, perceiver-pytorch 0.11.0, performer-pytorch 1.1.4,
reformer-pytorch 1.4.4, linear-attention-transformer 0.19.1, local-attention 1.11.2,
mlp-mixer-pytorch 0.3.1, g-mlp-pytorch 0.1.5, CoCa-pytorch 0.1.0, st-moe-pytorch 0.1.8,
mixture-of-experts 0.2.3, tab-transformer-pytorch 0.6.1, egnn-pytorch 0.2.8, siren-pytorch 0.1.7,
pytorch-tabnet 4.1.0, rtdl_revisiting_models 0.0.2; 8 min 14 s on 2 cores): 36 models.  **MACs
equal torch's on 31 of 35 modules, 26 of 29 TorchScript files and 28 of 31 dynamo files; no MAC
difference is a dscost miscount.  Two dscost gaps, neither moving a MAC: a while-Loop stepped by
``CastLike`` left uncounted with a wrong reason (fixed since: a CastLike of a known value folds),
and a note on a module sent to the dynamo exporter that puts unused parameters down to its
rewrite (open).**  The perceiver with weight-tied layers (-475,136 on the module and the TorchScript
file): its tied layers 2 and 3 project the same context with the same to_kv (256 tokens x 29 ->
64 = 475,136); the TorchScript exporter's common-subexpression pass keeps one MatMul (the file has
layers 0 and 1's only; torch's counter and the dynamo file count all three).  The two
mixture-of-experts MoEs (-1,310,720 with 7 nodes uncounted, -2,891,776 with 52): ``safe_one_hot``'s
``max(indexes.max() + 2, capacity)`` is decided in the trace, so the file's one-hot depth is
``ReduceMax + 2`` of the routing positions and every shape after the gate is data; dscost lists
those nodes, naming the OneHot, and ``--measure-sizes`` gives torch's 1,318,912 and 2,895,872
exactly.  LocalTransformer (-75,776; the module goes to the dynamo exporter too): its dynamic
position-bias MLP over 64 distances (64 x (1x32 + 32x32 + 32x4) = 75,776) reads no input, so the
exporter runs it at export time and stores its 4x32x64 bias once per layer (+16,384 params, less
the MLP's 1,252 and 2,023 of equal fresh initializers merged: +13,109).  SirenWrapper's dynamo
file (-131,072): its first layer on the 32x32 grid buffer (1,024 x 2 x 64) folded, the 1,024x64
result stored (+65,536 - 192 = +65,344 params).  PKM's dynamo file (MACs equal, 1 uncounted): the
EmbeddingBag becomes a while-Loop over the 128 bags (counter from 0 stepped by ``Add(i,
CastLike(1, i))``, ``cond = i + 1 < 128``, all constants) that dscost called "its number of
iterations depends on a run-time value": wrong, its counter rule did not see through
``CastLike``; since this round the count is found, and the loop stays uncounted only for its If on
``offsets[i] == offsets[i + 1]``, a constant table read by the counter (the documented limit on an
If whose condition changes from iteration to iteration, which the reason says); the body (a Slice and a ReduceSum in
that If) holds no MACs, and torch counts the bag as 0.  Exports that fail in torch, said in one line: the TorchScript exporter on local-attention's
models (a traced length's ``.is_integer()``: the Performer with local heads, LocalTransformer,
LocalMHA -- the module goes to the dynamo exporter), on both Reformers ("unordered_map::at") and
CoCa (SymbolicValueError, its ``F.layer_norm(x, x.shape[-1:])``); the dynamo exporter on the
MoEs, TabTransformer and TabNet with categories (GuardOnDataDependentSymNode); ST-MoE with both
(it routes the second expert by ``uniform_`` noise in eval too: aten::uniform at opset 17, then a
data-dependent int), so no count.  Torch's counter fails on ReformerLM's reversible layers
("Expected gradient function to be set": its module tracker and the custom autograd Function)
unless the parameters are frozen (``_reformer_lm``).  Params equal torch's on 26 of 35 modules;
the others: parameters no forward reads, named in the note (TabTransformer's special-token
embedding -56, TabNet's initial_bn -32 and -38), and the six modules the dynamo exporter took,
which count its rewrite as their files do; CoCa's -8,640 there is -8,192 of contrastive
to_latents weights its forward never reads (two 64x64, listed as parameters in the exported
program's signature) and -448 of merged LayerNorm gammas, yet the note put all of it down to the
rewrite (since 2026-12-05 it names the 8,257 elements the program never reads).  TorchScript files add buffers stored as initializers (Performer's projection matrices
2 x 32x16 = +1,024; PerformerLM's with its 128x64 and 128x16 position tables +11,264; the SIREN
grid +2,048), count TabNet's group-attention matrix (``torch.eye``, a plain tensor, a Constant
MatMul operand per step: 3 x 16x16 = +768 - 32, 3 x 13x19 = +741 - 38) as weights (since
2026-12-05 a Constant holding an identity matrix is a literal: the first TS file counts 6,680, as
its module), and lose
one-element learned scalars (the tab transformers' -4, EGNN's -1 and -2): the known conventions.
Dynamo files are lower by the equal fresh initializers the exporter merges (norms' ones and
zeros, zero biases: perceiver -1,082, PerceiverIO -896, TabNet -1,088, ...) and higher where it
stores tensors folded from parameters: the axial position embedding as one 1x128x64 table (+8,192
- 2,304 - 512 merged = +5,376 for the linear-attention LM, +8,192 - 1,536 - 512 = +6,144 for
ReformerLM, +8,192 - 8,256 - 512 = -576 for PKM), the CLS token expanded to the batch of 8 (rtdl
+1,024 - 128 - 1,792 merged = -896; lucidrains' +256 - 32, and +5 for a 0.01 hyper-connection
scale expanded to 5 streams, - 1,035 = -806), gMLP's circulant weights (two 4x128x256 expands, +262,144 - 1,024
- 2,048 = +259,072), and the tied perceiver's second copies of its tied block's eight weights
(+30,528, byte-identical to the first) and three more copies of the latents (+6,144), less 1,210
merged: +35,462.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402
from crosscheck_libraries import _first, _forward  # noqa: E402

DEFAULT_OUT = Path("/tmp/at/zoo")


def _perceiver(**kw):
    from perceiver_pytorch import Perceiver

    base = dict(input_channels=3, input_axis=2, num_freq_bands=6, max_freq=10.0, depth=2, num_latents=32, latent_dim=64, cross_heads=1,
                latent_heads=4, cross_dim_head=32, latent_dim_head=16, num_classes=10)  # fmt: skip
    return Perceiver(**{**base, **kw})


def _perceiver_io():
    """PerceiverIO: encode a 64x32 sequence into 32 latents, decode 16 queries (cross-attention
    from the queries to the latents, a decoder feed-forward), logits per query."""
    from perceiver_pytorch import PerceiverIO

    m = PerceiverIO(dim=32, queries_dim=32, logits_dim=10, depth=2, num_latents=32, latent_dim=64, cross_heads=1, latent_heads=4,
                    cross_dim_head=32, latent_dim_head=16, decoder_ff=True)  # fmt: skip
    return _forward(m, lambda m, data, queries: m(data, queries=queries))


def _performer(**kw):
    from performer_pytorch import Performer

    return Performer(dim=64, depth=2, heads=4, dim_head=16, nb_features=32, **kw)


def _performer_lm(**kw):
    from performer_pytorch import PerformerLM

    return PerformerLM(num_tokens=256, max_seq_len=128, dim=64, depth=2, heads=4, dim_head=16, nb_features=32, **kw)


def _reformer(**kw):
    from reformer_pytorch import Reformer

    return Reformer(dim=64, depth=2, heads=4, bucket_size=16, n_hashes=2, **kw)


def _reformer_lm(**kw):
    """ReformerLM with its parameters frozen (requires_grad False, which no count reads): torch's
    FlopCounterMode, whose module tracker hooks autograd, fails on the reversible layers' custom
    autograd Function otherwise ("Expected gradient function to be set")."""
    from reformer_pytorch import ReformerLM

    m = ReformerLM(num_tokens=256, dim=64, depth=2, max_seq_len=128, heads=4, dim_head=16, bucket_size=16, n_hashes=2, **kw)
    return m.requires_grad_(False)


def _lat_lm(**kw):
    from linear_attention_transformer import LinearAttentionTransformerLM

    return LinearAttentionTransformerLM(num_tokens=256, dim=64, heads=4, depth=2, max_seq_len=128, **kw)


def _linformer():
    from linear_attention_transformer import LinearAttentionTransformer, LinformerSettings

    return LinearAttentionTransformer(dim=64, depth=2, max_seq_len=128, heads=4, linformer_settings=LinformerSettings(k=32))


def _image_linear_attention():
    from linear_attention_transformer import ImageLinearAttention

    return ImageLinearAttention(chan=32, heads=4, key_dim=16, value_dim=16, kernel_size=3, padding=1)


def _local_transformer(**kw):
    from local_attention import LocalTransformer

    return LocalTransformer(num_tokens=256, max_seq_len=128, dim=64, depth=2, local_attn_window_size=32, heads=4, dim_head=16, **kw)


def _local_mha(**kw):
    from local_attention import LocalMHA

    return LocalMHA(dim=64, window_size=32, heads=4, dim_head=16, **kw)


def _mixer(name: str, **kw):
    import mlp_mixer_pytorch as m

    return getattr(m, name)(**kw)


def _gmlp(**kw):
    from g_mlp_pytorch import gMLP

    return gMLP(num_tokens=256, dim=64, depth=2, seq_len=128, **kw)


def _gmlp_vision():
    from g_mlp_pytorch import gMLPVision

    return gMLPVision(image_size=64, patch_size=8, num_classes=10, dim=64, depth=2)


def _coca():
    """CoCa with image tokens given (no image encoder): unimodal and multimodal text decoders
    (parallel blocks, rotary, SwiGLU, a causal mask), an attentional pooler (cross-attention of 16
    learned queries to the image tokens), caption logits."""
    from coca_pytorch import CoCa

    m = CoCa(dim=64, num_tokens=256, unimodal_depth=1, multimodal_depth=1, image_dim=64, num_img_queries=16, dim_head=16, heads=4)
    return _forward(m, lambda m, text, image_tokens: m(text, image_tokens=image_tokens))


def _st_moe():
    """st-moe's SparseMoEBlock (a feed-forward before and after, 4 experts, top-2 routing with a
    capacity in eval): the output, not the losses."""
    from st_moe_pytorch import MoE, SparseMoEBlock

    return _first(SparseMoEBlock(MoE(dim=64, num_experts=4, gating_top_n=2), add_ff_before=True, add_ff_after=True))


def _moe(name: str, **kw):
    import mixture_of_experts as m

    return _first(getattr(m, name)(dim=64, second_policy_eval="all", **kw))


def _tab_transformer():
    from torch import nn
    from tab_transformer_pytorch import TabTransformer

    return TabTransformer(categories=(100, 120, 150, 110), num_continuous=6, dim=32, depth=2, heads=4, dim_head=8, dim_out=1,
                          mlp_hidden_mults=(4, 2), mlp_act=nn.ReLU())  # fmt: skip


def _ft_transformer_lucid():
    from tab_transformer_pytorch import FTTransformer

    return FTTransformer(categories=(100, 120, 150), num_continuous=6, dim=32, depth=2, heads=4, dim_head=8, dim_out=1)


def _egnn(**kw):
    from egnn_pytorch import EGNN

    return EGNN(dim=32, m_dim=16, **kw)


def _egnn_network():
    from egnn_pytorch import EGNN_Network

    return EGNN_Network(num_tokens=100, dim=32, depth=2, num_nearest_neighbors=8, global_linear_attn_every=1, global_linear_attn_heads=4,
                        global_linear_attn_dim_head=16, num_global_tokens=4, m_dim=16)  # fmt: skip


def _siren():
    from siren_pytorch import SirenNet

    return SirenNet(dim_in=2, dim_hidden=64, dim_out=3, num_layers=4)


def _siren_wrapper():
    """SirenWrapper: a 32x32 coordinate grid (a buffer) through a SIREN modulated by a latent's
    modulator MLP, the image out."""
    from siren_pytorch import SirenNet, SirenWrapper

    m = SirenWrapper(SirenNet(dim_in=2, dim_hidden=64, dim_out=3, num_layers=3), image_width=32, image_height=32, latent_dim=16)
    return _forward(m, lambda m, z: m(latent=z))


def _tabnet(with_cats: bool = False, **kw):
    """pytorch-tabnet's TabNet (batch 16, ghost batch norm over virtual batches of 8, in eval):
    the output, not the sparsity loss; ``with_cats``: 3 categorical columns (embedded) taken as
    int64 and put before 10 continuous ones, as TabNet's own input is one float matrix."""
    import torch
    from pytorch_tabnet.tab_network import TabNet

    if not with_cats:
        return _first(TabNet(input_dim=16, output_dim=3, n_d=8, n_a=8, n_steps=3, virtual_batch_size=8, group_attention_matrix=torch.eye(16),
                             **kw))
    m = TabNet(input_dim=13, output_dim=3, n_d=8, n_a=8, n_steps=3, virtual_batch_size=8, cat_idxs=[0, 1, 2], cat_dims=[100, 120, 150],
               cat_emb_dim=[2, 3, 4], group_attention_matrix=torch.eye(13), **kw)  # fmt: skip
    return _forward(m, lambda m, cats, cont: m(torch.cat([cats.float(), cont], dim=1))[0])


def _rtdl(name: str, **kw):
    import rtdl_revisiting_models as r

    return getattr(r, name)(**kw)


def _rtdl_ft():
    import rtdl_revisiting_models as r

    kw = r.FTTransformer.get_default_kwargs(n_blocks=2)
    return r.FTTransformer(n_cont_features=6, cat_cardinalities=[100, 120, 150], d_out=3, **kw)


def _entries() -> dict:
    img = lambda *s: [("input", s, "float32")]  # noqa: E731
    ids = [("input", (1, 128), "int64")]
    seq = img(1, 128, 64)
    tab_ids_cont = lambda n_cat, n_cont: [("x_categ", (8, n_cat), "int64"), ("x_cont", (8, n_cont), "float32")]  # noqa: E731
    graph = [("feats", (1, 32, 32), "float32"), ("coors", (1, 32, 3), "float32")]
    return {
        # perceiver-pytorch 0.11.0
        "perceiver": (lambda: _perceiver(), img(1, 16, 16, 3), "Perceiver: Fourier position features, latent cross-attention, GEGLU"),
        "perceiver_tied_resid": (lambda: _perceiver(depth=3, weight_tie_layers=True, attn_residual=True, inverted_cross_attn=(True, False, False)),
                                 img(1, 16, 16, 3), "Perceiver: layers 2-3 weight-tied, attention residual over blocks, inverted cross-attention"),
        "perceiver_io": (_perceiver_io, [("data", (1, 64, 32), "float32"), ("queries", (1, 16, 32), "float32")],
                         "PerceiverIO: latent encoder, query decoder with a feed-forward"),
        # performer-pytorch 1.1.4
        "performer": (lambda: _performer(), seq, "Performer: FAVOR+ softmax kernel (random features, a buffer), bidirectional"),
        "performer_lm_causal": (lambda: _performer_lm(causal=True), ids, "PerformerLM causal: prefix-sum linear attention, rotary"),
        "performer_generalized_local": (lambda: _performer(generalized_attention=True, local_attn_heads=2, local_window_size=32, ff_glu=True,
                                                           use_scalenorm=True, shift_tokens=True),
                                        seq, "Performer: ReLU-kernel generalized attention, 2 local heads, GLU, ScaleNorm, token shift"),
        # reformer-pytorch 1.4.4
        "reformer": (lambda: _reformer(), seq, "Reformer: LSH attention (random rotations, argsort, chunks), reversible layers in eval"),
        "reformer_lm_axial": (lambda: _reformer_lm(causal=True, axial_position_emb=True, axial_position_shape=(8, 16), n_local_attn_heads=1),
                              ids, "ReformerLM causal: axial position embedding, a local head"),
        # linear-attention-transformer 0.19.1
        "lat_lm_causal_local": (lambda: _lat_lm(causal=True, n_local_attn_heads=2, local_attn_window_size=32), ids,
                                "LinearAttentionTransformerLM causal: cumsum linear attention, 2 local heads"),
        "lat_pkm": (lambda: _lat_lm(pkm_layers=(1,), pkm_num_keys=32, ff_glu=True), ids,
                    "LinearAttentionTransformerLM: product-key memory layer (top-k over sub-keys, EmbeddingBag), GLU"),
        "lat_linformer": (_linformer, seq, "Linformer settings: keys and values projected along the sequence (k=32)"),
        "lat_image_linear_attention": (_image_linear_attention, img(1, 32, 16, 16), "ImageLinearAttention: 3x3 conv q/k/v, linear attention"),
        # local-attention 1.11.2
        "local_transformer": (lambda: _local_transformer(use_dynamic_pos_bias=True), ids,
                              "LocalTransformer: windowed causal attention, dynamic position bias MLP, hyper-connections"),
        "local_mha": (lambda: _local_mha(prenorm=True, qk_rmsnorm=True, gate_values_per_head=True), seq,
                      "LocalMHA bidirectional: look-around windows, qk RMSNorm, gated values"),
        # mlp-mixer-pytorch 0.3.1
        "mlp_mixer": (lambda: _mixer("MLPMixer", image_size=64, channels=3, patch_size=8, dim=64, depth=2, num_classes=10), img(1, 3, 64, 64),
                      "MLP-Mixer: token mixing by Conv1d(k=1), channel mixing"),
        "permutator": (lambda: _mixer("Permutator", image_size=64, patch_size=8, dim=64, depth=2, num_classes=10, segments=4), img(1, 3, 64, 64),
                       "Vision Permutator: height/width/channel permute-MLPs"),
        "mlp_mixer_3d": (lambda: _mixer("MLPMixer3D", image_size=32, time_size=4, channels=3, patch_size=8, time_patch_size=2, dim=64, depth=2,
                                        num_classes=10), img(1, 3, 4, 32, 32), "MLP-Mixer 3-D: video patches"),
        # g-mlp-pytorch 0.1.5
        "gmlp_causal_attn": (lambda: _gmlp(causal=True, attn_dim=16), ids, "gMLP causal: spatial gating unit with a masked n x n weight, tiny attention"),
        "gmlp_circulant": (lambda: _gmlp(heads=4, circulant_matrix=True, shift_tokens=1), ids,
                           "gMLP: circulant spatial weights built in the forward, 4 heads, token shift"),
        "gmlp_vision": (_gmlp_vision, img(1, 3, 64, 64), "gMLPVision"),
        # CoCa-pytorch 0.1.0
        "coca": (_coca, [("text", (1, 32), "int64"), ("image_tokens", (1, 49, 64), "float32")], "CoCa: text decoders, attentional pooler"),
        # st-moe-pytorch 0.1.8, mixture-of-experts 0.2.3
        "st_moe_block": (_st_moe, img(1, 32, 64), "ST-MoE block: top-2 routing of 32 tokens to 4 experts, capacity, dispatch/combine einsums"),
        "moe": (lambda: _moe("MoE", num_experts=4, hidden_dim=128), img(1, 32, 64), "mixture-of-experts: top-2 gating, experts as batched einsums"),
        "hmoe": (lambda: _moe("HeirarchicalMoE", num_experts=(2, 2), hidden_dim=128), img(1, 32, 64), "hierarchical MoE: 2x2 experts"),
        # tab-transformer-pytorch 0.6.1
        "tab_transformer": (_tab_transformer, tab_ids_cont(4, 6), "TabTransformer: shared category embeddings, hyper-connections, MLP head"),
        "ft_transformer_lucid": (_ft_transformer_lucid, tab_ids_cont(3, 6), "FTTransformer (lucidrains): numerical embeddings, CLS token"),
        # egnn-pytorch 0.2.8
        "egnn": (lambda: _egnn(), graph, "EGNN layer, dense: pairwise distances, edge MLP, coordinate update"),
        "egnn_knn": (lambda: _egnn(num_nearest_neighbors=8, norm_feats=True, norm_coors=True, fourier_features=4), graph,
                     "EGNN layer: 8 nearest neighbours (topk), Fourier distance features, CoorsNorm"),
        "egnn_network": (_egnn_network, [("feats", (1, 32), "int64"), ("coors", (1, 32, 3), "float32")],
                         "EGNN_Network: token embedding, kNN, global linear attention with 4 global tokens"),
        # siren-pytorch 0.1.7
        "siren": (_siren, img(1, 1024, 2), "SIREN: sine activations (w0 scaling)"),
        "siren_wrapper": (_siren_wrapper, img(16), "SirenWrapper: 32x32 grid buffer, latent modulator"),
        # pytorch-tabnet 4.1.0
        "tabnet_sparsemax": (lambda: _tabnet(), img(16, 16), "TabNet: sparsemax attentive transformer, GLU blocks, ghost BatchNorm"),
        "tabnet_entmax_cats": (lambda: _tabnet(with_cats=True, mask_type="entmax"), [("cats", (16, 3), "int64"), ("cont", (16, 10), "float32")],
                               "TabNet: entmax15 masks, 3 embedded categorical columns"),
        # rtdl_revisiting_models 0.0.2
        "rtdl_mlp": (lambda: _rtdl("MLP", d_in=16, d_out=3, n_blocks=2, d_block=64, dropout=0.0), img(8, 16), "rtdl MLP"),
        "rtdl_resnet": (lambda: _rtdl("ResNet", d_in=16, d_out=3, n_blocks=2, d_block=64, d_hidden_multiplier=2.0, dropout1=0.0, dropout2=0.0),
                        img(8, 16), "rtdl ResNet: BatchNorm1d blocks"),
        "rtdl_ft_transformer": (_rtdl_ft, [("x_cont", (8, 6), "float32"), ("x_cat", (8, 3), "int64")],
                                "rtdl FT-Transformer (default config, 2 blocks): last block attends from the CLS token only"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
