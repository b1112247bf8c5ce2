"""Twenty-sixth blind round (2026-12-05): lucidrains' pure-PyTorch transformer libraries no earlier
round held -- PaLM, CoLT5's conditionally routed attention and feedforward, the recurrent memory
transformer, the block-recurrent transformer, point transformer layers, the hourglass transformer,
H-Transformer-1D, E2-TTS's backbone and Titans' neural memory -- each model counted three ways against torch's own counter, as in
crosscheck_timm_sixth.py (the module through ``dscost.analyze``, the TorchScript and the dynamo
exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: PaLM's parallel block (one fused projection split into queries, a single
shared key and value (multi-query attention) and the SwiGLU input; rotary; tied logits); CoLT5's
conditional routing (a coordinate-descent router unrolled over its iterations, top-k tokens
gathered into heavy attention / FF branches and scattered back, a learned null query token,
local light attention); the recurrent memory transformer over two segments (read/write memory
tokens and XL memories carried from the first into the second; hyper-connections' residual
streams and 0-d learned scales; SDPA); the block-recurrent transformer (4 blocks of 16 in one
forward, 8 state vectors read and written each block through cross-attention and a learned EMA
gate, XL memories, optional strided-conv compressed memories); point transformer layers
(relative-position MLP over all point pairs, vector attention, top-k nearest neighbours and
gathers, a multi-head variant); the hourglass transformer (mean/linear shortening, repeat/linear
upsampling, attention resampling, nested valleys); H-Transformer-1D's hierarchical attention; E2-TTS's
Transformer (audio and text streams, time conditioning, registers, hyper-connections); Titans' neural memory (a gradient step on a memory MLP inside the forward).  Random weights
everywhere (no checkpoint, no download).

    python3 -m venv /work/hvG   # + a .pth to /work/hvB's site-packages (torch, onnx, CoLT5-attention,
                                #   local-attention, hyper-connections, einops, beartype reused)
    /work/hvG/bin/pip install -c constraints.txt --no-deps PaLM-pytorch recurrent-memory-transformer-pytorch \
        block-recurrent-transformer-pytorch point-transformer-pytorch hourglass-transformer-pytorch h-transformer-1d \
        rotary-embedding-torch==0.9.1 titans-pytorch tensordict assoc-scan x-transformers==2.31.10 loguru pyvers cloudpickle orjson \
        e2-tts-pytorch accelerate==1.16.0 ema-pytorch==0.8.3 jaxtyping==0.3.11 wadler-lindig adam-atan2-pytorch hl-gauss-pytorch torchdiffeq
    # constraints.txt: /work/hvB's pip freeze (its name==version lines)
    HF_HUB_OFFLINE=1 PYTHONPATH=/work/main /work/hvG/bin/python benchmarks/crosscheck_transformers_lucid.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r26/zoo).

As run (2026-12-05, torch 2.14.1, onnx 1.23.2, onnxscript 0.7.2, PaLM-pytorch 0.2.2,
CoLT5-attention 0.11.2 with local-attention 1.11.2, recurrent-memory-transformer-pytorch 0.7.0,
block-recurrent-transformer-pytorch 0.4.4, point-transformer-pytorch 0.1.5,
hourglass-transformer-pytorch 0.0.6, h-transformer-1d 0.1.9 with rotary-embedding-torch 0.9.1,
e2-tts-pytorch 2.2.2 (g2p_en, its text front end, stubbed: it fetches NLTK data), titans-pytorch
0.5.5 with tensordict 0.15.3; about 6 min on 2 cores): 19 models, torch's counter ran on all.
**MACs equal torch's on 15 of 17 module counts, 11 of 13 TorchScript files and 15 of 17 dynamo
files; no file has an uncounted node.**  Hand checks: palm 4,587,520 (per layer
32 x 64 x 608 fused + 2 x 4 x 32 x 32 x 16 attention + 32 x 64 x 64 + 32 x 256 x 64, x 2, + the
32 x 64 x 256 logits); colt5_ff 395,264 (light FF on 32 tokens 131,072, router 2,048, heavy FF
on the 8 routed tokens 262,144); point_tf 2,301,952 (qkv 98,304, position MLP on all 32 x 32
pairs 1,146,880, attention MLP on 32 x 8 neighbours 1,048,576, aggregation 8,192).  CoLT5's
routing: both exporters unroll the router's 8 coordinate-descent iterations (ReduceLogSumExp),
keep its TopK, gather the 8 routed tokens (Gather / GatherND) and ScatterND the heavy output
back, so the heavy branch is counted at 8 tokens every way, as torch counts it.  The differences:

- brt -188,416 and brt_compressed -204,800 (every way): the exporters' doing -- the forward
  returns (logits, memories, states) and this script keeps the logits; the last block's state
  write (q_from_state 8 x 64 x 64, state_to_q 32,768, state self-attention 2 x 4 x 8 x 8 x 16 =
  8,192, cross-attention from the state 2 x 4 x 8 x 16 x 16 = 16,384, to_state_out 8 x 128 x 64 =
  65,536, the gate 32,768; the compressed variant also the last block's memory compression, mem_manager's
  strided convs, 2 layers x 8,192) feeds only the
  dropped states, so both exporters prune it while torch's counter counts every op run.  With
  the memories and states returned too, dscost's module count equals torch's (8,404,992 and
  8,519,680).
- titans_mem and titans_mac: no count -- the TorchScript exporter stops at "The stateless API
  can't be used with Jitted modules" (the neural memory's torch.func.functional_call) and
  torch.export at "'Tensor' object has no attribute 'constant'"; dscost's module path says both.
- colt5_attn, colt5_block, hourglass, hourglass_linear: the TorchScript trace stops in the
  libraries' ``pad_to_multiple`` (``(seqlen / multiple).is_integer()`` on a traced size);
  dscost's module path falls back to the dynamo exporter and counts them (MACs equal).

Params equal torch's on 13 of 17 module counts (the four dynamo fallbacks differ as their
dynamo files do), 7 of 13 TorchScript files and 3 of 17 dynamo files.  TorchScript files: the
LayerNorm beta buffers (zeros) counted (palm +192, palm_wide_ff +192, brt +384) and PaLM's rotary
inv_freq (2 x 8, 2 x 16); rmt -8, its eight 0-d learned hyper-connection scales (the known
one-element-scalar convention); e2tts +24 = its random-Fourier time buffer (32) and two rotary
inv_freq (2 x 8) less its 24 0-d hyper-connection scales.  Dynamo files: equal ones/zeros merged (LayerNorm weights and
biases, RMSNorm gammas, q/k scales, zero dynamic-alpha weights), exactly the tensors dscost's
note names (palm -128, colt5_ff -64, rmt -1,703, rmt_one_stream -256, hourglass -2,304,
hourglass_linear -1,280, brt -432, htr1d -512, e2tts -4,367: 85 tensors); e2tts also -2,048: the
exporter folds the absolute position embedding's gather at the fixed length into the 32 rows read
(32 x 64), where torch counts the 64-row table.  Three are dscost's: CoLT5's 64-element
null_q_token expanded over the 32 positions and folded, counted as 2,048 with no note although
the file records its source (colt5_attn +1,984, colt5_block +1,984;
/work/notes/round26_folded_expand_param_sourced.py: torch 4,224, dscost 6,208); the
block-recurrent EMA's first-block term ``(1 - sigmoid(beta)) * init_state`` folded into an 8 x 64
initializer from two parameters both counted where they are read, counted again (brt and
brt_compressed +512; /work/notes/round26_folded_two_sources.py: torch 4,736, dscost 5,248); and
H-Transformer-1D's rotary cos table (64 x 16) counted as 1,024 parameters in place of the 8
frequencies it is folded from (+1,016, the round-25 rotary case; the sin table is a buffer, noted).

Fixed after the round, in dscost: a tensor folded from several parameters, each held or folded
whole into a tensor of its own, is a buffer (brt's and brt_compressed's dynamo files now -432,
the merged norms alone).  Left: a parameter expanded before the fold (CoLT5's null_q_token,
MagViT2's memory key/values) is counted at the expanded size, and a rotary table at its own: the
file records the source, not its size, and an expand of a batch of 1 (a ViT's cls token) looks
the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r26/zoo")


# ---------------------------------------------------------------- PaLM-pytorch


def _palm(kind: str):
    from palm_pytorch import PaLM

    if kind == "palm_wide_ff":
        return PaLM(num_tokens=256, dim=64, depth=2, dim_head=32, heads=2, ff_mult=8)
    return PaLM(num_tokens=256, dim=64, depth=2, dim_head=16, heads=4)


# ---------------------------------------------------------------- CoLT5-attention


def _colt5(kind: str):
    import colt5_attention as c

    rk = dict(n_iters=8)
    if kind == "colt5_ff":
        return c.ConditionalRoutedFeedForward(64, num_heavy_tokens=8, router_kwargs=rk)
    attn_kw = dict(light_dim_head=16, light_heads=2, light_window_size=16, heavy_dim_head=16, heavy_heads=2, router_kwargs=rk)
    if kind == "colt5_attn":
        return c.ConditionalRoutedAttention(64, num_heavy_tokens_q=8, num_heavy_tokens_kv=8, **attn_kw)
    return c.ConditionalRoutedTransformerBlock(64, num_heavy_attn_tokens_q=8, num_heavy_attn_tokens_kv=8, num_heavy_ff_tokens=8, **attn_kw)


# ---------------------------------------------------------------- recurrent-memory-transformer-pytorch


def _rmt(kind: str):
    """The recurrent memory transformer run on two 32-token segments, the write memories and the
    XL memories of the first carried into the second; both segments' logits returned."""
    from torch import nn

    from recurrent_memory_transformer_pytorch import RecurrentMemoryTransformer

    streams = 1 if kind == "rmt_one_stream" else 4
    m = RecurrentMemoryTransformer(64, num_tokens=256, depth=2, num_memory_tokens=4, seq_len=32, dim_head=16, heads=4,
                                   num_residual_streams=streams)  # fmt: skip

    class TwoSegments(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m

        def forward(self, x1, x2):
            logits1, mem, xl = self.m(x1)
            logits2, _, _ = self.m(x2, mem, xl_memories=xl)
            return logits1, logits2

    return TwoSegments()


# ---------------------------------------------------------------- block-recurrent-transformer-pytorch


def _brt(kind: str):
    from block_recurrent_transformer_pytorch import BlockRecurrentTransformer

    kw = dict(num_tokens=256, dim=64, depth=2, dim_head=16, heads=4, max_seq_len=64, block_width=16, num_state_vectors=8)
    if kind == "brt_compressed":
        kw.update(use_compressed_mem=True, compressed_mem_factor=2)
    return S.first_outputs(BlockRecurrentTransformer(**kw))


# ---------------------------------------------------------------- point-transformer-pytorch


def _point(kind: str):
    from point_transformer_pytorch import MultiheadPointTransformerLayer, PointTransformerLayer

    if kind == "point_tf_mh":
        return MultiheadPointTransformerLayer(dim=32, heads=4, dim_head=8, pos_mlp_hidden_dim=32, attn_mlp_hidden_mult=2, num_neighbors=8)
    knn = None if kind == "point_tf_dense" else 8
    return PointTransformerLayer(dim=32, pos_mlp_hidden_dim=32, attn_mlp_hidden_mult=2, num_neighbors=knn)


# ---------------------------------------------------------------- hourglass / h-transformer-1d


def _hourglass(kind: str):
    from hourglass_transformer_pytorch import HourglassTransformerLM

    if kind == "hourglass_linear":
        return HourglassTransformerLM(num_tokens=256, dim=64, max_seq_len=64, depth=(1, 1, 1), shorten_factor=4, heads=4, dim_head=16,
                                      updown_sample_type="linear")  # fmt: skip
    return HourglassTransformerLM(num_tokens=256, dim=64, max_seq_len=64, depth=(1, (1, 1, 1), 1), shorten_factor=(2, 2), heads=4, dim_head=16)


def _htransformer(kind: str):
    from h_transformer_1d import HTransformer1D

    return HTransformer1D(num_tokens=256, dim=64, depth=2, max_seq_len=64, heads=4, dim_head=16, block_size=8, causal=kind == "htr1d_causal")


# ---------------------------------------------------------------- titans-pytorch


def _titans(kind: str):
    """titans-pytorch 0.5.5: its neural memory stores each chunk by a gradient step on the memory
    MLP's weights inside the forward (torch.func grad + vmap over chunks), then retrieves."""
    from titans_pytorch import MemoryAsContextTransformer, NeuralMemory

    if kind == "titans_mem":
        return S.first_outputs(NeuralMemory(dim=64, chunk_size=8, heads=2))
    return MemoryAsContextTransformer(num_tokens=256, dim=64, depth=2, segment_len=16, num_persist_mem_tokens=4, num_longterm_mem_tokens=4,
                                      neural_memory_layers=(2,), dim_head=16, heads=4)  # fmt: skip


# ---------------------------------------------------------------- e2-tts-pytorch


def _e2tts():
    """e2-tts-pytorch 2.2.2's Transformer (the flow-matching backbone), small; g2p_en (its text
    front end, which fetches NLTK data) is stubbed."""
    import importlib.machinery
    import types

    from torch import nn

    if "g2p_en" not in sys.modules:
        g = sys.modules["g2p_en"] = types.ModuleType("g2p_en")
        g.__spec__, g.G2p = importlib.machinery.ModuleSpec("g2p_en", None), object
    from e2_tts_pytorch import Transformer

    m = Transformer(dim=64, depth=2, heads=4, dim_head=16, num_registers=4, max_seq_len=64, kernel_size=7, dropout=0.0)

    class Cond(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m

        def forward(self, x, times, text_embed):
            return self.m(x, times=times, text_embed=text_embed)

    return Cond()


def _entries() -> dict:
    tok = lambda n: [("tokens", (1, n), "int64")]  # noqa: E731
    seq = lambda *s: [("input", s, "float32")]  # noqa: E731
    pts = [("x", (1, 32, 32), "float32"), ("pos", (1, 32, 3), "float32")]
    return {
        # PaLM-pytorch 0.2.2
        "palm": (lambda: _palm("palm"), tok(32), "PaLM 64 x 2 layers: parallel attention + SwiGLU FF from one fused projection, "
                                                 "multi-query attention (4 heads x 16), rotary, tied logits"),
        "palm_wide_ff": (lambda: _palm("palm_wide_ff"), tok(32), "PaLM with 2 heads x 32 and ff_mult 8"),
        # CoLT5-attention 0.11.2
        "colt5_ff": (lambda: _colt5("colt5_ff"), seq(1, 32, 64), "CoLT5 routed FF: light FF on all 32 tokens, coordinate-descent "
                                                                 "router (8 iterations) picks 8 for the heavy FF, scattered back"),
        "colt5_attn": (lambda: _colt5("colt5_attn"), seq(1, 32, 64), "CoLT5 routed attention: local light attention (window 8), "
                                                                     "8 routed queries attend 8 routed keys/values (heavy)"),
        "colt5_block": (lambda: _colt5("colt5_block"), seq(1, 32, 64), "CoLT5 transformer block: routed attention + routed FF"),
        # recurrent-memory-transformer-pytorch 0.7.0
        "rmt": (lambda: _rmt("rmt"), [("x1", (1, 32), "int64"), ("x2", (1, 32), "int64")],
                "RMT 64 x 2 layers, 4 memory tokens, 2 segments of 32 (write memories + XL memories carried), hyper-connections x 4"),
        "rmt_one_stream": (lambda: _rmt("rmt_one_stream"), [("x1", (1, 32), "int64"), ("x2", (1, 32), "int64")], "rmt with one residual stream"),
        # block-recurrent-transformer-pytorch 0.4.4
        "brt": (lambda: _brt("brt"), tok(64), "Block-recurrent transformer 64 x 2 layers, 4 blocks of 16, 8 state vectors "
                                              "carried (recurrent layer: state cross-attention + gates), XL memories"),
        "brt_compressed": (lambda: _brt("brt_compressed"), tok(64), "brt with compressed memories (factor 2, a strided conv)"),
        # point-transformer-pytorch 0.1.5
        "point_tf": (lambda: _point("point_tf"), pts, "Point transformer layer, 32 points x 32, vector attention over 8 nearest neighbours (topk + gathers)"),
        "point_tf_dense": (lambda: _point("point_tf_dense"), pts, "point_tf over all 32 points (no kNN)"),
        "point_tf_mh": (lambda: _point("point_tf_mh"), pts, "multi-head point transformer layer (4 heads x 8), 8 nearest neighbours"),
        # hourglass-transformer-pytorch 0.0.6 / h-transformer-1d 0.1.9
        "hourglass": (lambda: _hourglass("hourglass"), tok(64), "Hourglass LM 64: (1, (1, 1, 1), 1) layers, shortening 2 x 2, "
                                                                "naive mean down / repeat up, attention resampling"),
        "hourglass_linear": (lambda: _hourglass("hourglass_linear"), tok(64), "Hourglass LM 64: (1, 1, 1), shortening 4, linear down/up sampling"),
        "htr1d": (lambda: _htransformer("htr1d"), tok(64), "H-Transformer-1D 64 x 2 layers, block 8 (hierarchical attention, 3 levels), rotary"),
        "htr1d_causal": (lambda: _htransformer("htr1d_causal"), tok(64), "htr1d causal"),
        # e2-tts-pytorch 2.2.2
        "e2tts": (_e2tts, [("x", (1, 32, 64), "float32"), ("times", (1,), "float32"), ("text_embed", (1, 32, 32), "float32")],
                  "E2-TTS Transformer 64 x 2: audio and text streams, time conditioning, 4 registers, conv position, hyper-connections"),
        # titans-pytorch 0.5.5
        "titans_mem": (lambda: _titans("titans_mem"), seq(1, 32, 64), "Titans NeuralMemory 64, 2 heads, chunks of 8: a gradient "
                                                                      "step on a 2-layer memory MLP per chunk (torch.func), retrieval"),
        "titans_mac": (lambda: _titans("titans_mac"), tok(32), "Titans memory-as-context transformer 64 x 2 layers, segments of 16, "
                                                               "4 persistent + 4 long-term memory tokens, neural memory at layer 2"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
