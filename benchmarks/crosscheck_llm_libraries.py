"""Thirty-first blind round (2026-12-06): LLM libraries outside Hugging Face transformers --
torchtune's model builders and litgpt's ``GPT(Config)`` -- no earlier round held, each model
counted three ways against torch's own counter, as in crosscheck_timm_sixth.py (the module
through ``dscost.analyze``, the TorchScript and the dynamo exporters' files through ``python -m
dscost analyze FILE -f json``).

What it stresses: torchtune's TransformerDecoder for llama2 / code llama / llama3 / 3.1 (scaled
RoPE) / 3.2 (TiedLinear output), qwen2 / 2.5 (q/k/v biases, tied), gemma (MQA, GeGLU, scaled
embeddings), gemma2 (sliding-window mask, soft-capping, four norms a layer), phi3, mistral, a
mistral reward model, LoRA and DoRA (``lora_b(lora_a(eye(in)))`` inside the forward, the weight
norm), QLoRA on NF4 tensors, one KV-cache decode step, the T5 encoder (relative position
buckets), CLIP text (EOT pooling by ``take_along_dim``) and vision encoders (tiles, gated tile /
token position embeddings, CLS projection), Llama 3.2 Vision's encoder and the whole
DeepFusionModel (cross-attention fusion layers, FusionEmbedding); litgpt's GPT for pythia
(parallel residual, 25 % rotary), Llama 2 / 3.2, Gemma 1 / 2 / 3 (soft-capping, sliding windows,
local / global RoPE, qk norm), phi-2, Phi-3, falcon-7b (MQA, shared norm), Mistral, OLMo / OLMo-2,
Qwen2.5 / Qwen3, the MoE of Mixtral and Qwen3-30B-A3B (``torch.where`` of the routing mask per
expert), a KV-cache decode step, and litgpt's LoRA (every linear and the head), adapter (prompt
and gating) and adapter v2.  Every config shrunk (2 layers, width 64, 4 heads, hidden 128,
vocabulary 256, 2 x 16 tokens drawn in [0, 100)); random weights, no download.  torchtune 0.6.1
has no MoE (llama4 came later); litgpt 0.5.13 has no DeepSeek config.

    python3.11 -m venv /tmp/r31/venv && /tmp/r31/venv/bin/pip install uv
    /tmp/r31/venv/bin/python -m uv pip install --python /tmp/r31/venv/bin/python torch==2.14.1 onnx onnxscript onnxruntime typer rich pydantic pyyaml
    /tmp/r31/venv/bin/python -m uv pip install --python /tmp/r31/venv/bin/python -c constraints.txt torchtune torchao==0.17.0 litgpt torchvision
    # constraints.txt: torch==2.14.1 and the numpy / onnx the first line installed.  torchao 0.18.0 (the
    # newest) dropped torchao.dtypes.nf4tensor, which torchtune 0.6.1 imports; 0.12.0 fails on torch 2.14.1
    # (torch._inductor.kernel.flex_attention); 0.14.1, 0.16.0 and 0.17.0 import.  torchvision: torchtune's CLIP.
    PYTHONPATH=/work/main /tmp/r31/venv/bin/python benchmarks/crosscheck_llm_libraries.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r31/zoo).

As run (2026-12-06, torch 2.14.1, onnx 1.23.2, onnxscript 0.7.2, onnxruntime 1.32.0, torchtune
0.6.1 with torchao 0.17.0 and torchvision 0.29.1, litgpt 0.5.13; about 21 min on 2 cores): 44
models, torch's counter ran on 43.  **MACs equal torch's on 40 of 42 module counts, 37 of 39
TorchScript files and 38 of 41 dynamo files** (Llama 3.2 Vision's module and TorchScript counts are
equal with one 0-MAC Sub listed as uncounted).  No dscost miscount: every difference is work
whose size the graph does not fix, or work the dynamo exporter computes at export time:

- litgpt Mixtral -3,145,728 and Qwen3 MoE -786,432 (all three ways): LLaMAMoE takes each expert's
  tokens with ``torch.where(mask)`` (NonZero), so the expert MLPs' row counts depend on the data;
  dscost lists them as uncounted (80 nodes in the TorchScript files, 64 in the dynamo files: "shapes
  lost at NonZero") and names ``--measure-sizes``, with which all four files count torch's
  4,603,904 and 2,244,608 exactly (every token picks 2 distinct experts of 4: 64 token-expert rows
  a layer, x 3 x 64 x 128 = 1,572,864 a layer for Mixtral; Qwen3's experts are 32 wide).
- torchtune DoRA, dynamo file -507,904: ``lora_b(lora_a(eye(in_dim)))`` in every DoRA linear is
  parameters only (in^2 r + in r out a linear); the dynamo exporter folds it where the eye has
  64 rows (q, k, v, o, w1, w3 and the output head: 2 x 212,992 + 81,920) and keeps it for w2 (eye of
  128: 2 x 98,304).  The module and the TorchScript file count all 704,512, as torch does.
- torchtune Llama 3.2 Vision: the FusionEmbedding's NonZero leaves one Sub (token ids minus the
  vocabulary size, 0 MACs) uncounted; the MACs are torch's.

No count (torch's exporters, not dscost): torchtune QLoRA (NF4 tensor subclass: "Cannot insert a
Tensor that requires grad as a constant" in the TorchScript exporter, "Failed to decompose the FX
graph" in the dynamo one; ``dscost.analyze`` raises InputError naming both); TorchScript files of
CLIP text (``aten::take_along_dim``), litgpt Gemma-2 (``aten::mT``: its soft-capped attention) and
torchtune's KV-cache decode step ("!v.requires_grad() INTERNAL ASSERT FAILED" in python_ir.cpp):
dscost's module path takes the dynamo exporter for all three, equal; the dynamo file of Llama 3.2
Vision ("Failed to convert the exported program").  litgpt's decode step: the child process dies
(exit -11, no row).  Run apart, torch counts 196,608 MACs, ``dscost.analyze`` 196,608 (through the
dynamo exporter, as the TorchScript exporter fails with the same internal assert) and the dynamo
file 196,608; the crash is the next TorchScript export in the process: after a failed TorchScript
trace of litgpt's KV-cache model, a later trace of any litgpt GPT (even one without a cache) fails
in plain torch ("0 INTERNAL ASSERT FAILED at alias_analysis.cpp: We don't have an op for
aten::slice" after two failed traces) and segfaults after ``dscost.analyze`` (whose export tries
the TorchScript exporter twice before the dynamo one); an ``nn.Linear`` still exports.  A tiny
module with an ``index_copy_`` cache fails the same way without the crash.

Params: equal on 39 of 42 modules and 37 of 39 TorchScript files; the rest the dynamo exporter's
files (the module path of CLIP text and Gemma-2 is one) and one-element parameters.  The dynamo
exporter keeps one tensor of equal ones: fresh RMSNorm / LayerNorm ones and zeros (-256 a model of
five norms, -512 with LayerNorm biases or Gemma-2's four norms a layer, Qwen3's and Gemma-3's qk
norms -48), LoRA's zero-initialised B matrices of a shape (torchtune LoRA -3,200 beside the norms),
adapter gates and adapter-v2 scales and biases, and torchtune's cloned layers (``_get_clones``:
every layer starts equal: CLIP text -1,088 is the second layer's six biases, 576, and the norms'
ones and zeros, 512); it stores T5's relative-position bias gathered for 16 x 16 positions (4 x 16
x 16 = 1,024 for the 32-element table: +736 with the norms), CLIP's gated tile and token position
tables computed at the fixed aspect ratio (the vision rows -3,587 / -3,588 with the merges: 36
parameter tensors the file does not hold by name, products stored in their place, named in
dscost's notes) and DoRA's folded products.  TorchScript files read one-element parameters fed only to a
Tanh (Llama 3.2 Vision's TanhGate scales: -2 for the projection head, -6 with the fusion layers;
the TorchScript exporter also merges the equal zero gates into one initializer with Identity
copies) as constants, the convention earlier rounds state; the module path counts them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crosscheck_timm_sixth as S

DEFAULT_OUT = Path("/tmp/r31/zoo")
os.environ.setdefault("WANDB_MODE", "disabled")

B, T, V = 2, 16, 256  # batch, tokens, vocabulary (token ids are drawn in [0, 100))
TOK = [("tokens", (B, T), "int64")]


# ---------------------------------------------------------------- torchtune 0.6.1
def _tt(kind: str):
    """torchtune's component builders, shrunk: 2 layers, width 64, 4 heads (2 KV heads where the
    family has GQA), 128 hidden, vocabulary 256, max_seq_len 64; TransformerDecoder's forward(tokens)
    (full causal mask, no KV cache) returns the logits."""
    common = dict(vocab_size=V, num_layers=2, num_heads=4, embed_dim=64, max_seq_len=64)
    if kind == "llama2":
        from torchtune.models.llama2 import llama2

        return llama2(num_kv_heads=2, intermediate_dim=128, **common)
    if kind == "code_llama2":  # code_llama2_7b: llama2 with MHA, max_seq_len 16384
        from torchtune.models.llama2 import llama2

        return llama2(num_kv_heads=4, intermediate_dim=128, **common)
    if kind == "llama3":
        from torchtune.models.llama3 import llama3

        return llama3(num_kv_heads=2, intermediate_dim=128, **common)
    if kind == "llama3_1":
        from torchtune.models.llama3_1 import llama3_1

        return llama3_1(num_kv_heads=2, intermediate_dim=128, **common)
    if kind == "llama3_2":
        from torchtune.models.llama3_2 import llama3_2

        return llama3_2(num_kv_heads=2, intermediate_dim=128, **common)
    if kind == "qwen2":
        from torchtune.models.qwen2 import qwen2

        return qwen2(num_kv_heads=2, intermediate_dim=128, **common)
    if kind == "qwen2_5":  # qwen2_5_0_5b: qwen2 with tied embeddings
        from torchtune.models.qwen2 import qwen2

        return qwen2(num_kv_heads=2, intermediate_dim=128, tie_word_embeddings=True, **common)
    if kind == "gemma":
        from torchtune.models.gemma import gemma

        return gemma(num_kv_heads=1, head_dim=16, intermediate_dim=128, **common)
    if kind == "gemma2":
        from torchtune.models.gemma2 import gemma2

        return gemma2(num_kv_heads=2, head_dim=16, intermediate_dim=128, sliding_window_size=8, query_pre_attn_scalar=16, **common)
    if kind == "phi3":
        from torchtune.models.phi3 import phi3

        return phi3(num_kv_heads=4, intermediate_dim=128, **common)
    if kind == "mistral":
        from torchtune.models.mistral import mistral

        return mistral(num_kv_heads=2, intermediate_dim=128, **common)
    if kind in ("lora_llama3", "dora_llama3"):
        from torchtune.models.llama3 import lora_llama3

        return lora_llama3(["q_proj", "k_proj", "v_proj", "output_proj"], apply_lora_to_mlp=True, apply_lora_to_output=True,
                           num_kv_heads=2, intermediate_dim=128, lora_rank=4, lora_alpha=8.0, use_dora=kind == "dora_llama3", **common)  # fmt: skip
    if kind == "lora_llama3_2":
        from torchtune.models.llama3_2 import lora_llama3_2

        return lora_llama3_2(["q_proj", "v_proj"], apply_lora_to_mlp=True, num_kv_heads=2, intermediate_dim=128, lora_rank=4,
                             lora_alpha=8.0, **common)  # fmt: skip
    if kind == "t5":
        from torchtune.models.t5._component_builders import t5_encoder

        return t5_encoder(embed_dim=64, mlp_dim=128, num_heads=4, head_dim=16, num_layers=2, rel_pos_num_buckets=8, rel_pos_max_dist=16,
                          vocab_size=V, norm_eps=1e-6, max_seq_len=T)  # fmt: skip
    if kind == "clip_text":
        from torchtune.models.clip import clip_text_encoder

        return clip_text_encoder(embed_dim=64, num_heads=4, num_layers=2, vocab_size=V, max_seq_len=T)
    raise KeyError(kind)


def _tt_vision(kind: str):
    """torchtune's CLIP vision encoder (tiles of 32 x 32, patches of 8, width 64, 2 layers, up to 2
    tiles: an image of aspect ratio (2, 1) as 2 tiles, tile and token position embeddings) and
    Llama 3.2 Vision's encoder (CLIP with hidden states of layers 0 and 1 + a 1-layer projection head);
    the aspect ratio is fixed (the position embeddings loop over it in Python)."""
    import torch
    from torch import nn

    if kind == "clip_vision":
        from torchtune.models.clip import clip_vision_encoder

        m = clip_vision_encoder(tile_size=32, patch_size=8, embed_dim=64, num_layers=2, num_heads=4, cls_output_dim=32,
                                max_num_tiles=2, output_cls_projection=False, out_indices=None)  # fmt: skip
    elif kind == "clip_vision_cls":
        from torchtune.models.clip import clip_vision_encoder

        m = clip_vision_encoder(tile_size=32, patch_size=8, embed_dim=64, num_layers=2, num_heads=4, cls_output_dim=32,
                                max_num_tiles=2, output_cls_projection=True)  # fmt: skip
    elif kind == "llama3_2_vision_encoder":
        from torchtune.models.llama3_2_vision import llama3_2_vision_encoder

        m = llama3_2_vision_encoder(patch_size=8, num_heads=4, clip_embed_dim=64, clip_num_layers=2, clip_hidden_states=[0, 1],
                                    num_layers_projection=1, decoder_embed_dim=64, tile_size=32, max_num_tiles=2)  # fmt: skip
    else:
        raise KeyError(kind)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m
            self.register_buffer("ar", torch.tensor([[2, 1]]), persistent=False)

        def forward(self, images):
            out = self.m(images, self.ar) if kind != "llama3_2_vision_encoder" else self.m(images, aspect_ratio=self.ar)
            return out[0] if isinstance(out, tuple) else out

    return Net()


# ---------------------------------------------------------------- litgpt 0.5.13
def _lit(name: str, flavour: str = "model", **extra):
    """litgpt's ``GPT(Config.from_name(name))`` shrunk: 2 layers, width 64, 4 heads of 16 (the
    config's MQA / GQA / MHA kept: 1, 2 or 4 query groups), 128 hidden, vocabulary 256, block 32;
    sliding windows of 8 (the config's local / global pattern as [1, 0]); MoE: 4 experts, 2 a
    token.  ``flavour``: model, lora (litgpt.lora, r 4 on q, k, v, projection, MLP and head),
    adapter (litgpt.adapter, prompt 4 from layer 0) or adapter_v2."""
    import importlib

    from litgpt.config import name_to_config

    mod = importlib.import_module("litgpt." + flavour)
    orig = name_to_config[name]
    nh = orig.get("n_head", 32)
    nq = orig.get("n_query_groups") or nh
    kw = dict(n_layer=2, n_embd=64, n_head=4, head_size=16, n_query_groups=4 if nq == nh else 1 if nq == 1 else 2, vocab_size=V,
              padded_vocab_size=V, block_size=32, intermediate_size=128)  # fmt: skip
    if orig.get("sliding_window_size"):
        kw.update(sliding_window_size=8, sliding_window_indices=[1, 0] if orig.get("sliding_window_indices") else None)
    if orig.get("rope_local_base_freq"):
        kw.update(rope_indices=[1, 0])
    if orig.get("n_expert"):
        kw.update(n_expert=4, n_expert_per_token=2)
        if orig.get("moe_intermediate_size"):
            kw.update(moe_intermediate_size=32)
    if flavour == "lora":
        kw.update(lora_r=4, lora_alpha=8, lora_dropout=0.0, lora_query=True, lora_key=True, lora_value=True, lora_projection=True,
                  lora_mlp=True, lora_head=True)  # fmt: skip
    if flavour in ("adapter", "adapter_v2"):
        kw.update(adapter_prompt_length=4, adapter_start_layer=0)
    kw.update(extra)
    return mod.GPT(mod.Config.from_name(name, **kw))


def _tt_more(kind: str):
    """torchtune beyond the plain decoders: a reward model (mistral_classifier, 1 class: the head on
    every position), QLoRA (quantize_base: the frozen weights as torchao NF4 tensors, dequantized in
    linear_nf4), one decode step with the KV cache (llama3, cache of 32, the token at position 8,
    a fixed mask row), and Llama 3.2 Vision as a whole: DeepFusionModel of the encoder above and a
    2-layer decoder with a cross-attention fusion layer every layer (16 tokens on 34 image tokens)."""
    import torch
    from torch import nn

    common = dict(vocab_size=V, num_layers=2, num_heads=4, embed_dim=64, max_seq_len=64)
    if kind == "mistral_classifier":
        from torchtune.models.mistral import mistral_classifier

        return mistral_classifier(num_classes=1, num_kv_heads=2, intermediate_dim=128, **common)
    if kind == "qlora_llama3":
        from torchtune.models.llama3 import lora_llama3

        # (NF4 needs weights of a multiple of 64 x 256 elements: width 128, MHA, hidden 256)
        return lora_llama3(["q_proj", "v_proj"], apply_lora_to_mlp=True, vocab_size=V, num_layers=2, num_heads=4, num_kv_heads=4,
                           embed_dim=128, max_seq_len=64, intermediate_dim=256, lora_rank=4, lora_alpha=8.0, quantize_base=True)  # fmt: skip
    if kind == "llama3_decode":
        from torchtune.models.llama3 import llama3

        m = llama3(num_kv_heads=2, intermediate_dim=128, **common)
        m.setup_caches(batch_size=B, dtype=torch.float32, decoder_max_seq_len=32)

        class Step(nn.Module):
            def __init__(self):
                super().__init__()
                self.m = m
                self.register_buffer("pos", torch.full((B, 1), 8), persistent=False)
                self.register_buffer("mask", (torch.arange(32) <= 8).expand(B, 1, 32).clone(), persistent=False)

            def forward(self, tokens):
                return self.m(tokens, mask=self.mask, input_pos=self.pos)

        return Step()
    if kind == "llama3_2_vision":
        from torchtune.models.llama3_2_vision import llama3_2_vision_decoder, llama3_2_vision_encoder
        from torchtune.modules.model_fusion import DeepFusionModel

        enc = llama3_2_vision_encoder(patch_size=8, num_heads=4, clip_embed_dim=64, clip_num_layers=2, clip_hidden_states=[0, 1],
                                      num_layers_projection=1, decoder_embed_dim=64, tile_size=32, max_num_tiles=2)  # fmt: skip
        dec = llama3_2_vision_decoder(vocab_size=V, num_layers=2, fusion_interval=1, num_special_tokens=8, num_heads=4, num_kv_heads=2,
                                      embed_dim=64, max_seq_len=64, encoder_max_seq_len=34, intermediate_dim=128)  # fmt: skip
        fm = DeepFusionModel(encoder=enc, decoder=dec)

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.m = fm
                self.register_buffer("ar", torch.tensor([[2, 1]]), persistent=False)

            def forward(self, tokens, images):
                return self.m(tokens, encoder_input={"images": images, "aspect_ratio": self.ar})

        return Net()
    raise KeyError(kind)


def _lit_decode(name: str):
    """litgpt's one decode step with its KV cache: ``set_kv_cache(batch 2, 32)``, the token at
    position 8 (``input_pos`` fixed, no ``input_pos_maxp1``: attention over the whole cache with the
    cached mask).  torch's TorchScript exporter fails on it ("!v.requires_grad() INTERNAL ASSERT FAILED"
    in python_ir.cpp, with or without requires_grad on the parameters) and, after dscost's module
    path has tried it twice, the next TorchScript trace in the process crashes (exit -11): the
    child's row is lost (module docstring)."""
    import torch
    from torch import nn

    m = _lit(name)
    m.max_seq_length = 32
    m.set_kv_cache(batch_size=B, max_seq_length=32)

    class Step(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m
            self.register_buffer("pos", torch.tensor([8]), persistent=False)

        def forward(self, idx):
            return self.m(idx, input_pos=self.pos)

    return Step()


def _entries() -> dict:
    tt = lambda k, note: (lambda: _tt(k), TOK, note)
    tv = lambda k, note: (lambda: _tt_vision(k), [("images", (1, 1, 2, 3, 32, 32), "float32")], note)
    lit = lambda n, note, fl="model": (lambda: _lit(n, fl), TOK, note)
    return {
        # torchtune 0.6.1
        "tt_llama2": tt("llama2", "torchtune llama2 (GQA 4/2, SwiGLU, RoPE)"),
        "tt_code_llama2": tt("code_llama2", "torchtune code_llama2 shape (llama2, MHA)"),
        "tt_llama3": tt("llama3", "torchtune llama3 (rope base 500k)"),
        "tt_llama3_1": tt("llama3_1", "torchtune llama3_1 (scaled RoPE)"),
        "tt_llama3_2": tt("llama3_2", "torchtune llama3_2 (tied output, TiedLinear)"),
        "tt_qwen2": tt("qwen2", "torchtune qwen2 (q/k/v biases)"),
        "tt_qwen2_5": tt("qwen2_5", "torchtune qwen2.5 shape (qwen2, tied)"),
        "tt_gemma": tt("gemma", "torchtune gemma (MQA, GeGLU tanh, scaled embeddings, tied)"),
        "tt_gemma2": tt("gemma2", "torchtune gemma2 (sliding window 8, soft-capping, 4 norms)"),
        "tt_phi3": tt("phi3", "torchtune phi3 (MHA)"),
        "tt_mistral": tt("mistral", "torchtune mistral"),
        "tt_lora_llama3": tt("lora_llama3", "torchtune lora_llama3 r4: q,k,v,o, MLP, output"),
        "tt_dora_llama3": tt("dora_llama3", "torchtune lora_llama3 use_dora (magnitude / weight norm)"),
        "tt_lora_llama3_2": tt("lora_llama3_2", "torchtune lora_llama3_2 r4: q,v, MLP"),
        "tt_mistral_classifier": (lambda: _tt_more("mistral_classifier"), TOK, "torchtune mistral_classifier (reward head, 1 class)"),
        "tt_qlora_llama3": (lambda: _tt_more("qlora_llama3"), TOK, "torchtune QLoRA llama3 (NF4 base weights, linear_nf4)"),
        "tt_llama3_decode": (lambda: _tt_more("llama3_decode"), [("tokens", (B, 1), "int64")], "torchtune llama3, 1 decode step, KV cache 32"),
        "tt_t5_encoder": tt("t5", "torchtune T5 encoder (relative position buckets)"),
        "tt_clip_text": tt("clip_text", "torchtune CLIP text encoder (EOT pooling by argmax)"),
        "tt_clip_vision": tv("clip_vision", "torchtune CLIP vision, 2 tiles (aspect 2x1), tile pos. emb."),
        "tt_clip_vision_cls": tv("clip_vision_cls", "torchtune CLIP vision, CLS projection"),
        "tt_llama3_2_vision_enc": tv("llama3_2_vision_encoder", "torchtune Llama 3.2 Vision encoder + projection head"),
        "tt_llama3_2_vision": (lambda: _tt_more("llama3_2_vision"), [("tokens", (1, T), "int64"), ("images", (1, 1, 2, 3, 32, 32), "float32")],
                               "torchtune Llama 3.2 Vision DeepFusionModel (cross-attention fusion)"),
        # litgpt 0.5.13
        "lit_pythia": lit("pythia-14m", "litgpt pythia (parallel residual, rotary 25%)"),
        "lit_llama3_2": lit("Llama-3.2-1B", "litgpt Llama-3.2 (GQA, rope adjustments)"),
        "lit_llama2": lit("Llama-2-7b-hf", "litgpt Llama-2"),
        "lit_gemma": lit("Gemma-2b", "litgpt Gemma (MQA, GeGLU, scaled embeddings)"),
        "lit_gemma2": lit("Gemma-2-2b", "litgpt Gemma-2 (softcapping, sliding window, post norms)"),
        "lit_gemma3": lit("Gemma-3-1b-it", "litgpt Gemma-3 (qk norm, local/global rope)"),
        "lit_phi2": lit("phi-2", "litgpt phi-2 (parallel, shared norm, partial rotary)"),
        "lit_phi3": lit("Phi-3-mini-4k-instruct", "litgpt Phi-3 (fused qkv, sliding window)"),
        "lit_falcon": lit("falcon-7b", "litgpt falcon-7b (MQA, parallel, shared norm)"),
        "lit_mistral": lit("Mistral-7B-v0.1", "litgpt Mistral (sliding window 8)"),
        "lit_mixtral": lit("Mixtral-8x7B-v0.1", "litgpt Mixtral MoE 4 experts top-2"),
        "lit_olmo": lit("OLMo-1B-hf", "litgpt OLMo"),
        "lit_olmo2": lit("OLMo-2-1124-7B", "litgpt OLMo-2 (olmo2 qk norm, post norms)"),
        "lit_qwen2_5": lit("Qwen2.5-0.5B", "litgpt Qwen2.5 (qkv bias)"),
        "lit_qwen3": lit("Qwen3-0.6B", "litgpt Qwen3 (qk norm)"),
        "lit_qwen3_moe": lit("Qwen3-30B-A3B", "litgpt Qwen3 MoE 4 experts top-2"),
        "lit_llama3_2_decode": (lambda: _lit_decode("Llama-3.2-1B"), [("idx", (B, 1), "int64")], "litgpt Llama-3.2, 1 decode step, KV cache 32"),
        "lit_lora_llama3_2": lit("Llama-3.2-1B", "litgpt LoRA r4 everywhere, Llama-3.2", "lora"),
        "lit_lora_phi2": lit("phi-2", "litgpt LoRA r4 everywhere, phi-2", "lora"),
        "lit_adapter_llama2": lit("Llama-2-7b-hf", "litgpt adapter (prompt 4, gated)", "adapter"),
        "lit_adapter_v2_llama2": lit("Llama-2-7b-hf", "litgpt adapter v2 (scale/bias on every linear)", "adapter_v2"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
