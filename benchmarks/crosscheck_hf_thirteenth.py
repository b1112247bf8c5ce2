"""The thirteenth round of crosscheck_hf.py (2026-12-04): transformers 5.25 architectures that no
earlier round (nor docs/) names and that build from a small config or their default one --
multi-head latent attention (Youtu, AXK1), with an indexer of sparse attention (AXK2, GLM-MoE-DSA),
a mixture of experts in a sliding-window decoder (Muse Spark's text model), EoMT's segmenting ViT,
and at full size the PP-LCNet v3 and v4 backbones and the PP-DocLayoutV4 detector.  The same comparison as
crosscheck_hf.py, run with the same venv:

    python benchmarks/crosscheck_hf_thirteenth.py [--only a,b] [--measure] [--json rows.json]

As run (2026-12-04, transformers 5.25.0, torch 2.14.1, ~1 min; scipy installed for EoMT): 9 models,
nothing uncounted; MACs equal torch's on 8.  EoMT is 3,072 below: in eval its forward runs its class
head on each of its 3 query blocks and returns the last block's class logits only (the others feed
the training loss), so the trace drops two of the three 8x64x3 heads as dead code that torch's
counter, counting what runs, counts.  Params equal on 5, on 7 with the unused ones the note names
(8 of PP-LCNetV3, 661,002 of PP-DocLayoutV4); AXK2 and GLM-MoE-DSA take the dynamo exporter (the
TorchScript exporter fails in torch's alias analysis on ``aten::scatter`` with a bool value)
and their graphs hold 352 fewer params (the fresh norms' equal ones kept once, as the note says).  Not built, and so not here: Kolibri 1.1 (its config's validator refuses
a 2-layer layout: "index_layers must be increasing indexed-attention layers"), UVDoc and the
PP-OCRv5-server / PP-OCRv6 text detectors (their default configs leave blocks' settings empty,
which the hub's configs fill).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import crosscheck_hf  # noqa: E402
from crosscheck_hf import DECODER  # noqa: E402
from crosscheck_hf_twelfth import own_inputs  # noqa: E402

D = dict(DECODER, head_dim=16)  # 64 wide, 2 layers, 4 query heads of 16, 2 key/value heads
MOE = dict(moe_intermediate_size=32, num_experts_per_tok=2)
MLA = dict(kv_lora_rank=16, q_lora_rank=32, qk_rope_head_dim=8, qk_nope_head_dim=8, v_head_dim=16, head_dim=8, num_key_value_heads=4)
INDEX = dict(index_topk=8, index_head_dim=16, index_n_heads=2)

# name -> (config class, its keyword arguments, model class, input kind)
NEW = {
    # multi-head latent attention (DeepSeek-V3's), some with an indexer of sparse attention
    "youtu": ("YoutuConfig", dict(D, **MLA), "YoutuForCausalLM", "ids"),
    "axk1": ("AXK1Config", dict(D, **MLA, **MOE, n_routed_experts=4, n_group=1, topk_group=1, first_k_dense_replace=1), "AXK1ForCausalLM", "ids"),
    "axk2": ("AXK2Config", dict(D, **MLA, **MOE, **INDEX, n_routed_experts=4, n_group=1, topk_group=1, first_k_dense_replace=1, gated_norm_rank=8),
             "AXK2ForCausalLM", "ids"),
    "glm_moe_dsa": ("GlmMoeDsaConfig", dict(D, **MLA, **MOE, **INDEX, n_routed_experts=4, n_group=1, topk_group=1, first_k_dense_replace=1,
                                            indexer_types=["full", "full"]), "GlmMoeDsaForCausalLM", "ids"),
    # experts in a window-attention decoder
    "muse_spark_text": ("MuseSparkTextConfig", dict(D, num_local_experts=4, num_experts_per_tok=2, moe_intermediate_size=32, moe_hidden_size=32,
                                                    sliding_window=8), "MuseSparkTextModel", "ids"),
    # vision at the default (full) sizes: the PP-LCNet v3 and v4 backbones, the PP-DocLayoutV4 detector
    "pp_lcnet_v3": ("PPLCNetV3Config", {}, "PPLCNetV3Backbone", "image224"),
    "pp_lcnet_v4": ("PPLCNetV4Config", {}, "PPLCNetV4Backbone", "image224"),
    "pp_doclayout_v4": ("PPDocLayoutV4Config", {}, "PPDocLayoutV4Model", "image224"),
    # EoMT: a ViT whose last blocks carry the segmentation queries (small; its loss needs scipy, imported when it is built)
    "eomt": ("EomtConfig", dict(hidden_size=64, num_hidden_layers=4, num_attention_heads=4, intermediate_size=128, image_size=64, patch_size=16,
                                num_blocks=2, num_queries=8), "EomtForUniversalSegmentation", "image"),
}  # fmt: skip


if __name__ == "__main__":
    sys.exit(crosscheck_hf.run_round(NEW, own_inputs, sys.argv[1:]))
