"""The twelfth round of crosscheck_hf.py (2026-12-04): the causal language models of transformers
5.25 that no earlier round (nor docs/) names, each from a small config: decoders with mixtures of
experts routed per token (Aria, Beam, EXAONE-MoE, Ergo, Flint, GraniteMoE-SWA, HY-V3, Kolibri,
Laguna, Mellum, MiMo-V2-Flash, MiniCPM5-MoE, MiniMax-M2, Solar-Open, Inkling 2 and its looped
variant), DeepSeek-V4's and MiniMax-M3's indexed sparse attention (a top-k of keys chosen per
query), Qwen3.5's and Lara-mini's linear attention, Qwen4-exp's n-gram embeddings, xIELU and
ReLU^2 activations (Apertus 1.5, Jais 2), sliding windows (Dory, Granite-SWA) and plain decoders
(HyperCLOVA X, Ministral 3, Gemma 4's unified text model); and six vision models no round named
that build from their configs (PP-OCRv6's and PP-OCRv5-server's recognisers, PP-DocLayoutV3,
TIPSv2's and Chinese-CLIP's vision towers), and five more at their full default sizes (CHMv2's and
TIPSv2's DPT depth heads, MetaCLIP 2's classifier, ModernVBERT and NeoMME masked LMs).  The same comparison as
crosscheck_hf.py, run with the same venv (experts through transformers' ``batched_mm``, as
dscost exports them):

    python benchmarks/crosscheck_hf_twelfth.py [--only a,b] [--measure] [--json rows.json]

As run (2026-12-04, transformers 5.25.0, torch 2.14.1, ~10 min): 41 models (30 language models, 6
small vision models, 5 at full size), all counted, nothing uncounted; MACs equal torch's on 36 -- DeepSeek-V4's
compressor is dead code at 32 tokens with its default windows of 128 (``deepseek_v4_csa``,
windows of 4 and 8, equals torch's), and the four gated DeltaNet models go to the dynamo exporter and its forward substitution (+458,752 per
linear-attention layer; docs/onnx.md) --; params on 28, 37 with the unused ones the note names.
TIPSv2-DPT's depth bins are a matrix-vector product (``x @ bin_centers``, aten.mv), which torch's
counter counts as 0: crosscheck_torch.BY_FORMULA counts it since this round (4,194,304 MACs).
Ergo's ``F.rms_norm(x, self.weight.shape)`` and Apertus' ``torch.expm1`` went to the dynamo
exporter before this round's fixes (dscost/readers/torch_symbolics.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import crosscheck_hf  # noqa: E402
from crosscheck_hf import DECODER, VISION  # noqa: E402

D = dict(DECODER, head_dim=16)  # 64 wide, 2 layers, 4 query heads of 16, 2 key/value heads
MOE = dict(moe_intermediate_size=32, num_experts_per_tok=2)  # 4 experts of 32, 2 per token (each config names its count)

# name -> (config class, its keyword arguments, model class, input kind)
NEW = {
    # mixtures of experts
    "aria_text": ("AriaTextConfig", dict(D, moe_num_experts=4, moe_topk=2, moe_num_shared_experts=1), "AriaTextForCausalLM", "ids"),
    "beam": ("BeamConfig", dict(D, **MOE, num_experts=4, n_group=1, topk_group=1, sliding_window=8), "BeamForCausalLM", "ids"),
    "exaone_moe": ("ExaoneMoeConfig", dict(D, **MOE, num_experts=4, num_shared_experts=1, sliding_window=8), "ExaoneMoeForCausalLM", "ids"),
    "ergo": ("ErgoConfig", dict(D, **MOE, num_experts=4, shared_intermediate_size=64, first_dense_intermediate_size=128, sliding_window=8),
             "ErgoForCausalLM", "ids"),
    "flint": ("FlintConfig", dict(D, **MOE, num_experts=4, shared_expert_intermediate_size=64, sliding_window=8), "FlintForCausalLM", "ids"),
    "granitemoe_swa": ("GraniteMoeSWAConfig", dict(D, num_local_experts=4, num_experts_per_tok=2, sliding_window=8), "GraniteMoeSWAForCausalLM", "ids"),
    "hy_v3": ("HYV3Config", dict(D, **MOE, num_experts=4, num_shared_experts=1), "HYV3ForCausalLM", "ids"),
    "kolibri1": ("Kolibri1Config", dict(D, **MOE, num_local_experts=4, shared_expert_intermediate_size=32, sliding_window=8), "Kolibri1ForCausalLM", "ids"),
    "laguna": ("LagunaConfig", dict(D, **MOE, num_experts=4, shared_expert_intermediate_size=32, sliding_window=8), "LagunaForCausalLM", "ids"),
    "mellum": ("MellumConfig", dict(D, **MOE, num_local_experts=4, sliding_window=8), "MellumForCausalLM", "ids"),
    "mimo_v2_flash": ("MiMoV2FlashConfig", dict(D, **MOE, n_routed_experts=4, n_group=1, topk_group=1, v_head_dim=16, sliding_window=8),
                      "MiMoV2FlashForCausalLM", "ids"),
    "minicpm5_moe": ("MiniCPM5MoeConfig", dict(D, **MOE, n_routed_experts=4, n_shared_experts=1, n_group=1, topk_group=1), "MiniCPM5MoeForCausalLM", "ids"),
    "minimax_m2": ("MiniMaxM2Config", dict(D, num_local_experts=4, num_experts_per_tok=2), "MiniMaxM2ForCausalLM", "ids"),
    "solar_open": ("SolarOpenConfig", dict(D, **MOE, n_routed_experts=4, n_shared_experts=1, n_group=1, topk_group=1), "SolarOpenForCausalLM", "ids"),
    "inkling2_text": ("Inkling2TextConfig", dict(D, **MOE, n_routed_experts=4, swa_num_attention_heads=4, swa_num_key_value_heads=2, swa_head_dim=16,
                                                 sliding_window_size=8, unpadded_vocab_size=1000), "Inkling2ForCausalLM", "ids"),
    "inkling2_loop_text": ("Inkling2LoopTextConfig", dict(D, **MOE, n_routed_experts=4, swa_num_attention_heads=4, swa_num_key_value_heads=2,
                                                          swa_head_dim=16, sliding_window_size=8, unpadded_vocab_size=1000, num_hidden_layers=3,
                                                          n_layers_per_attn_res_block=1, loop_layer_index_start=1, loop_layer_index_end=2,
                                                          loop_num_passes=3, loop_gate_rank=8), "Inkling2LoopForCausalLM", "ids"),
    # indexed sparse attention
    "deepseek_v4": ("DeepseekV4Config", dict(D, **MOE, n_routed_experts=4, n_shared_experts=1, num_key_value_heads=1, head_dim=32, qk_rope_head_dim=8,
                                             q_lora_rank=32, o_groups=2, o_lora_rank=32, index_n_heads=4, index_head_dim=16, index_topk=8,
                                             sliding_window=8), "DeepseekV4ForCausalLM", "ids"),
    # (its default first layers compress windows of 128 tokens: at 32 tokens none closes, dead code; here windows of 4 and 8, the indexer's top 8 of them)
    "deepseek_v4_csa": ("DeepseekV4Config", dict(D, **MOE, n_routed_experts=4, n_shared_experts=1, num_key_value_heads=1, head_dim=32, qk_rope_head_dim=8,
                                                 q_lora_rank=32, o_groups=2, o_lora_rank=32, index_n_heads=4, index_head_dim=16, index_topk=4,
                                                 sliding_window=8, layer_types=["compressed_sparse_attention", "heavily_compressed_attention"],
                                                 compress_rates={"compressed_sparse_attention": 4, "heavily_compressed_attention": 8},
                                                 mlp_layer_types=["hash_moe", "moe"]), "DeepseekV4ForCausalLM", "ids"),
    "minimax_m3_vl_text": ("MiniMaxM3VLTextConfig", dict(D, num_local_experts=4, num_experts_per_tok=2, dense_intermediate_size=128,
                                                         shared_intermediate_size=64, index_n_heads=2, index_head_dim=16, index_block_size=8,
                                                         index_topk_blocks=2, index_local_blocks=1), "MiniMaxM3VLForCausalLM", "ids"),
    # linear attention, n-gram embeddings
    "qwen3_5_text": ("Qwen3_5TextConfig", dict(D, linear_key_head_dim=16, linear_value_head_dim=16, linear_num_key_heads=2, linear_num_value_heads=4),
                     "Qwen3_5ForCausalLM", "ids"),
    "qwen3_5_moe_text": ("Qwen3_5MoeTextConfig", dict(D, **MOE, num_experts=4, shared_expert_intermediate_size=32, linear_key_head_dim=16,
                                                      linear_value_head_dim=16, linear_num_key_heads=2, linear_num_value_heads=4), "Qwen3_5MoeForCausalLM", "ids"),
    "lara_mini": ("LaraMiniConfig", dict(D, **MOE, num_experts=4, shared_expert_intermediate_size=32, linear_key_head_dim=16, linear_value_head_dim=16,
                                         linear_num_key_heads=2, linear_num_value_heads=4, sliding_window=8), "LaraMiniForCausalLM", "ids"),
    "qwen4_exp_text": ("Qwen4ExpTextConfig", dict(D, **MOE, num_experts=4, shared_expert_intermediate_size=32, linear_key_head_dim=16,
                                                  linear_value_head_dim=16, linear_num_key_heads=2, linear_num_value_heads=4, hc_lowrank=16,
                                                  heads_per_ngram=2, ngram_vocab_size_base=1000, make_ngram_vocab_size_divisible_by=8),
                       "Qwen4ExpForCausalLM", "ids"),
    # activations, windows, plain decoders
    "apertus1p5_text": ("Apertus1p5TextConfig", D, "Apertus1p5TextForCausalLM", "ids"),
    "jais2": ("Jais2Config", D, "Jais2ForCausalLM", "ids"),
    "dory": ("DoryConfig", dict(D, sliding_window=8), "DoryForCausalLM", "ids"),
    "granite_swa": ("GraniteSWAConfig", dict(D, sliding_window=8), "GraniteSWAForCausalLM", "ids"),
    "hyperclovax": ("HyperCLOVAXConfig", D, "HyperCLOVAXForCausalLM", "ids"),
    "ministral3": ("Ministral3Config", D, "Ministral3ForCausalLM", "ids"),
    "gemma4_unified_text": ("Gemma4UnifiedTextConfig", dict(D, sliding_window=8), "Gemma4UnifiedForCausalLM", "ids"),
    # and the unnamed vision models that build from their default configs: PP-OCRv6's and PP-OCRv5-server's text-line
    # recognisers, PP-DocLayoutV3's detector, TIPSv2's and Chinese-CLIP's vision towers (shrunk)
    "pp_ocrv6_small_rec": ("PPOCRV6SmallRecConfig", {}, "PPOCRV6SmallRecModel", "text_line"),
    "pp_ocrv6_tiny_rec": ("PPOCRV6TinyRecConfig", {}, "PPOCRV6TinyRecModel", "text_line"),
    "pp_ocrv5_server_rec": ("PPOCRV5ServerRecConfig", {}, "PPOCRV5ServerRecModel", "text_line"),
    "pp_doclayout_v3": ("PPDocLayoutV3Config", {}, "PPDocLayoutV3Model", "image224"),
    "tipsv2_vision_model": ("Tipsv2VisionConfig", VISION, "Tipsv2VisionModel", "image"),
    "chinese_clip_vision_model": ("ChineseCLIPVisionConfig", VISION, "ChineseCLIPVisionModel", "image"),
    # at their default (full) sizes: CHMv2's and TIPSv2's DPT depth heads, MetaCLIP 2's classifier, two masked LMs
    "chmv2": ("CHMv2Config", {}, "CHMv2ForDepthEstimation", "image224"),
    "tipsv2_dpt": ("Tipsv2DptConfig", {}, "Tipsv2DptForDepthEstimation", "image224"),
    "metaclip_2": ("MetaClip2Config", {}, "MetaClip2ForImageClassification", "image224"),
    "modernvbert": ("ModernVBertConfig", {}, "ModernVBertForMaskedLM", "ids"),
    "neomme": ("NeoMMEConfig", {}, "NeoMMEForMaskedLM", "ids"),
}  # fmt: skip


def own_inputs(kind: str, model, torch) -> dict | None:
    """The inputs of the kinds above (None: crosscheck_hf's)."""
    gen = torch.Generator().manual_seed(0)
    if kind == "text_line":  # (a 72x128 text line, as crosscheck_hf_eleventh's PP-OCRv5 recogniser)
        return {"pixel_values": torch.rand(1, 3, 72, 128, generator=gen)}
    if kind == "image224":  # (PP-DocLayoutV3: its encoder's strides need more than 64x64)
        return {"pixel_values": torch.rand(1, 3, 224, 224, generator=gen)}
    return None


if __name__ == "__main__":
    sys.exit(crosscheck_hf.run_round(NEW, own_inputs, sys.argv[1:]))
