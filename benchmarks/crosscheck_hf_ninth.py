"""The ninth round of crosscheck_hf.py (2026-12-02): 37 transformers architectures no earlier
round held, chosen to stress a counter -- text encoders with extra inputs (task types, float layout
boxes, XPath tags and subscripts, languages that pick adapters), integer-only BERT, decoders with
T5-style buckets and prompts, low-rank attention with a top-k sparse indexer, a VQ image
tokenizer among the ids, encoder-decoders with block-sparse attention, layout with pixels and a
Gemma encoder, vision with grouping by Gumbel assignment, multi-scale patches, text recognition
heads, prompted segmentation, keypoint matching by Sinkhorn and with pruning, vision-language
models with windowed vision attention, tiles and cross-attention, any-resolution patches, and
speech and text-to-speech -- with the inputs they need (MarkupLM's XPath ids, LXMERT's regions,
Mllama's tiles and masks, Dia's codebook channels, CSM's codebook frames...).  The
same comparison as crosscheck_hf.py, run with the same venv:

    python benchmarks/crosscheck_hf_ninth.py [--only a,b] [--shapes] [--measure] [--json rows.json]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import crosscheck_hf  # noqa: E402
from crosscheck_hf import DECODER, SEQ2SEQ, SPEECH, TEXT, VISION  # noqa: E402

IMG_TOK = 5  # (the image token of the vision-language models: ids drawn from 10..999)
HGNET = dict(embedding_size=16, hidden_sizes=[32, 64, 128, 256], stem_channels=[3, 8, 16], stage_in_channels=[16, 32, 64, 128],
             stage_mid_channels=[8, 16, 32, 64], stage_out_channels=[32, 64, 128, 256], stage_num_blocks=[1, 1, 1, 1],
             stage_numb_of_layers=[2, 2, 2, 2], stage_downsample=[False, True, True, True], stage_light_block=[False, False, True, True],
             stage_kernel_size=[3, 3, 5, 5], depths=[1, 1, 1, 1])
CLIP_V = dict(model_type="clip_vision_model", **VISION)
MLA = dict(kv_lora_rank=16, q_lora_rank=32, qk_rope_head_dim=8, v_head_dim=16, qk_nope_head_dim=16)
DINO_TINY = dict(model_type="dinov2", hidden_size=32, num_hidden_layers=2, num_attention_heads=2, mlp_ratio=2, image_size=32, patch_size=8)
# (Chameleon: 64 VQ codes, each an "IMGIMG<digits as letters>Z" token at ids 900..963; the image token 5)
CHAMELEON_VOCAB = {"<image>": IMG_TOK, **{"IMGIMG" + "".join(chr(ord("A") + int(d)) for d in str(i)) + "Z": 900 + i for i in range(64)}}

# name -> (config class, its keyword arguments, model class, input kind)
NEW = {
    # text encoders: task types, float boxes, layout flow, XPath, languages, adapters per language, integer-only
    "ernie": ("ErnieConfig", dict(TEXT, use_task_id=True, task_type_vocab_size=3), "ErnieModel", "ernie"),
    "bros": ("BrosConfig", TEXT, "BrosModel", "bros"),
    "lilt": ("LiltConfig", dict(TEXT, hidden_size=48, channel_shrink_ratio=4, max_2d_position_embeddings=1024), "LiltModel", "layout"),
    "markuplm": ("MarkupLMConfig", dict(TEXT, max_depth=8, xpath_unit_hidden_size=16, max_xpath_tag_unit_embeddings=64,
                                        max_xpath_subs_unit_embeddings=128), "MarkupLMModel", "markup"),
    "xlm": ("XLMConfig", dict(emb_dim=64, n_layers=2, n_heads=4, vocab_size=1000, max_position_embeddings=128, n_langs=2, use_lang_emb=True,
                              sinusoidal_embeddings=True), "XLMModel", "xlm"),
    "xmod": ("XmodConfig", dict(TEXT, pad_token_id=1, languages=["en_XX", "de_DE"], default_language="en_XX", adapter_reduction_factor=2),
             "XmodModel", "xmod"),
    "ibert": ("IBertConfig", dict(TEXT, pad_token_id=1, quant_mode=True), "IBertModel", "ids"),
    # decoders: post-LN GPT, sinusoidal positions, Japanese NeoX, T5 buckets with prompts, low-rank attention, a top-k indexer, VQ images
    "openai_gpt": ("OpenAIGPTConfig", dict(n_embd=64, n_layer=2, n_head=4, vocab_size=1000, n_positions=128), "OpenAIGPTLMHeadModel", "ids"),
    "xglm": ("XGLMConfig", dict(d_model=64, num_layers=2, attention_heads=4, ffn_dim=128, vocab_size=1000, max_position_embeddings=128),
             "XGLMForCausalLM", "ids"),
    "gpt_neox_japanese": ("GPTNeoXJapaneseConfig", dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_multiple_size=2,
                                                        vocab_size=1000, max_position_embeddings=128), "GPTNeoXJapaneseForCausalLM", "ids"),
    "cpmant": ("CpmAntConfig", dict(vocab_size=1000, hidden_size=64, num_attention_heads=4, dim_head=16, dim_ff=128, num_hidden_layers=2,
                                    prompt_types=4, prompt_length=4, segment_types=4, position_bias_num_buckets=32, position_bias_max_distance=64),
               "CpmAntForCausalLM", "ids"),
    "minicpm3": ("MiniCPM3Config", dict(DECODER, num_key_value_heads=4, **MLA), "MiniCPM3ForCausalLM", "ids"),
    "deepseek_v32": ("DeepseekV32Config", dict(DECODER, num_key_value_heads=4, moe_intermediate_size=32, n_shared_experts=1, n_routed_experts=4,
                                               n_group=2, topk_group=1, num_experts_per_tok=2, mlp_layer_types=["dense", "sparse"], index_topk=8,
                                               index_head_dim=16, index_n_heads=2, **MLA), "DeepseekV32ForCausalLM", "ids"),
    "modernbert_decoder": ("ModernBertDecoderConfig", dict(TEXT, local_attention=8, layer_types=["sliding_attention", "full_attention"],
                                                           pad_token_id=0, bos_token_id=1, eos_token_id=2, cls_token_id=1, sep_token_id=2),
                           "ModernBertDecoderForCausalLM", "ids"),
    "chameleon": ("ChameleonConfig", dict(DECODER, vocabulary_map=CHAMELEON_VOCAB,
                                          vq_config=dict(embed_dim=8, num_embeddings=64, latent_channels=8, resolution=64, base_channels=32,
                                                         channel_multiplier=[1, 1, 1, 1, 1], num_res_blocks=1, attn_resolutions=[4])),
                  "ChameleonForConditionalGeneration", "chameleon"),
    # encoder-decoders (decoder ids given): two vocabularies, block-sparse attention, a Gemma encoder-decoder, layout with pixels
    "fsmt": ("FSMTConfig", dict(langs=["en", "de"], src_vocab_size=1000, tgt_vocab_size=1000, d_model=64, encoder_layers=2, decoder_layers=2,
                                encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=128, decoder_ffn_dim=128,
                                max_position_embeddings=128, pad_token_id=1, decoder_start_token_id=2), "FSMTModel", "ids2"),
    "bigbird_pegasus": ("BigBirdPegasusConfig", dict(SEQ2SEQ, attention_type="block_sparse", block_size=2, num_random_blocks=1, pad_token_id=0,
                                                     decoder_start_token_id=0), "BigBirdPegasusModel", "ids2"),
    "t5gemma": ("T5GemmaConfig", dict(encoder=dict(DECODER, head_dim=16, sliding_window=8), decoder=dict(DECODER, head_dim=16, sliding_window=8),
                                      vocab_size=1000), "T5GemmaModel", "ids2"),
    "udop": ("UdopConfig", dict(d_model=64, d_kv=16, d_ff=128, num_layers=2, num_decoder_layers=2, num_heads=4, vocab_size=1000, image_size=64,
                                patch_size=16, pad_token_id=0), "UdopModel", "udop"),
    # vision: light stem blocks, text recognition heads, grouping by assignment, multi-scale patches, queries in the encoder, prompts, matching
    "hgnet_v2": ("HGNetV2Config", HGNET, "HGNetV2ForImageClassification", "image"),
    "mgp_str": ("MgpstrConfig", dict(image_size=[32, 128], patch_size=4, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, mlp_ratio=2,
                                     max_token_length=27, num_character_labels=38, num_bpe_labels=100, num_wordpiece_labels=100),
                "MgpstrForSceneTextRecognition", "text_image"),
    "groupvit": ("GroupViTConfig", dict(text_config=dict(TEXT, max_position_embeddings=16),
                                        vision_config=dict(hidden_size=64, intermediate_size=128, num_hidden_layers=3, depths=[1, 1, 1],
                                                           num_group_tokens=[8, 4, 0], num_output_groups=[8, 4, 4], num_attention_heads=4,
                                                           image_size=64, patch_size=16), projection_dim=32, projection_intermediate_dim=64),
                 "GroupViTModel", "image_text"),
    "depth_pro": ("DepthProConfig", dict(patch_size=32, fusion_hidden_size=16, intermediate_hook_ids=[1, 0], intermediate_feature_dims=[16, 16],
                                         scaled_images_ratios=[0.25, 0.5, 1], scaled_images_overlap_ratios=[0.0, 0.25, 0.5],
                                         scaled_images_feature_dims=[32, 32, 16], use_fov_model=True, num_fov_head_layers=1,
                                         image_model_config=DINO_TINY, patch_model_config=DINO_TINY, fov_model_config=DINO_TINY),
                  "DepthProForDepthEstimation", "image128"),
    "sam_hq": ("SamHQConfig", dict(vision_config=dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, mlp_dim=64, image_size=64,
                                                      patch_size=16, output_channels=32, window_size=2, global_attn_indexes=[1], num_pos_feats=16),
                                   prompt_encoder_config=dict(hidden_size=32, image_size=64, patch_size=16, image_embedding_size=4),
                                   mask_decoder_config=dict(hidden_size=32, num_hidden_layers=2, mlp_dim=64, iou_head_hidden_dim=32, vit_dim=32)),
               "SamHQModel", "points"),
    "superglue": ("SuperGlueConfig", dict(keypoint_detector_config=dict(model_type="superpoint", encoder_hidden_sizes=[16, 16, 32, 32],
                                                                        decoder_hidden_size=64, keypoint_decoder_dim=65, descriptor_decoder_dim=64,
                                                                        max_keypoints=16),
                                          hidden_size=64, keypoint_encoder_sizes=[16, 32], gnn_layers_types=["self", "cross"], num_attention_heads=4,
                                          sinkhorn_iterations=5), "SuperGlueForKeypointMatching", "pair"),
    "lightglue": ("LightGlueConfig", dict(keypoint_detector_config=dict(model_type="superpoint", encoder_hidden_sizes=[16, 16, 32, 32],
                                                                        decoder_hidden_size=64, keypoint_decoder_dim=65, descriptor_decoder_dim=64,
                                                                        max_keypoints=16),
                                          descriptor_dim=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4),
                  "LightGlueForKeypointMatching", "pair"),
    # vision-language: segmentation from a prompt, regions, three encoders, captioning, windowed vision attention, tiles, any resolution
    "clipseg": ("CLIPSegConfig", dict(text_config=dict(TEXT, max_position_embeddings=16), vision_config=dict(VISION), projection_dim=32,
                                      extract_layers=[0, 1], reduce_dim=32, decoder_num_attention_heads=2, decoder_intermediate_size=64),
                "CLIPSegForImageSegmentation", "image_text"),
    "lxmert": ("LxmertConfig", dict(hidden_size=64, num_attention_heads=4, intermediate_size=128, vocab_size=1000, l_layers=1, x_layers=1, r_layers=1,
                                    visual_feat_dim=32, visual_pos_dim=4), "LxmertModel", "lxmert"),
    "flava": ("FlavaConfig", dict(image_config=dict(VISION), text_config=dict(TEXT), multimodal_config=dict(hidden_size=64, num_hidden_layers=1,
                                                                                                         num_attention_heads=4, intermediate_size=128),
                                  hidden_size=64, projection_dim=32), "FlavaModel", "image_text"),
    "git": ("GitConfig", dict(TEXT, vision_config=dict(VISION)), "GitForCausalLM", "vlm:0"),
    "qwen2_5_vl": ("Qwen2_5_VLConfig", dict(text_config=dict(DECODER, model_type="qwen2_5_vl_text", rope_parameters=dict(rope_type="default",
                                                             rope_theta=10000.0, mrope_section=[2, 3, 3])),
                                            vision_config=dict(depth=2, hidden_size=32, intermediate_size=64, num_heads=2, patch_size=8,
                                                               temporal_patch_size=2, spatial_merge_size=2, window_size=32, out_hidden_size=64,
                                                               fullatt_block_indexes=[1]),
                                            image_token_id=IMG_TOK, video_token_id=6, vision_start_token_id=7, vision_end_token_id=8),
                   "Qwen2_5_VLForConditionalGeneration", "qwen2vl"),
    "mllama": ("MllamaConfig", dict(vision_config=dict(hidden_size=64, num_hidden_layers=2, num_global_layers=1, attention_heads=4,
                                                       intermediate_size=128, vision_output_dim=128, image_size=32, patch_size=16, max_num_tiles=2,
                                                       intermediate_layers_indices=[0], supported_aspect_ratios=[[1, 1], [1, 2], [2, 1]]),
                                    text_config=dict(DECODER, cross_attention_layers=[1], pad_token_id=0), image_token_index=IMG_TOK),
               "MllamaForConditionalGeneration", "mllama"),
    "llava_next": ("LlavaNextConfig", dict(vision_config=CLIP_V, text_config=dict(DECODER, model_type="llama"), image_token_index=IMG_TOK,
                                           image_grid_pinpoints=[[64, 64], [64, 128], [128, 64]], vision_feature_layer=-1),
                   "LlavaNextForConditionalGeneration", "llava_next"),
    # speech and text to speech
    "unispeech": ("UniSpeechConfig", SPEECH, "UniSpeechModel", "audio"),
    "dia": ("DiaConfig", dict(encoder_config=dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4, head_dim=16,
                                                  intermediate_size=128, vocab_size=256, max_position_embeddings=128),
                              decoder_config=dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=16,
                                                  intermediate_size=128, cross_num_attention_heads=4, cross_head_dim=16, cross_num_key_value_heads=4,
                                                  cross_hidden_size=64, num_channels=4, vocab_size=128, max_position_embeddings=128,
                                                  pad_token_id=125, eos_token_id=126, bos_token_id=127),
                              delay_pattern=[0, 1, 2, 3], pad_token_id=125, eos_token_id=126, bos_token_id=127), "DiaModel", "dia"),
    "csm": ("CsmConfig", dict(DECODER, num_codebooks=4, vocab_size=64, text_vocab_size=1000, head_dim=16, codebook_pad_token_id=63,
                              codebook_eos_token_id=0, audio_token_id=IMG_TOK, audio_eos_token_id=6, pad_token_id=0,
                              depth_decoder_config=dict(num_codebooks=4, backbone_hidden_size=64, vocab_size=64, hidden_size=32, intermediate_size=64,
                                                        num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2, head_dim=16,
                                                        max_position_embeddings=8)),
            "CsmForConditionalGeneration", "csm"),
    "clvp": ("ClvpConfig", dict(text_config=dict(vocab_size=256, hidden_size=64, intermediate_size=128, projection_dim=32, num_hidden_layers=2,
                                                 num_attention_heads=2),
                                speech_config=dict(vocab_size=128, hidden_size=64, intermediate_size=128, projection_dim=32, num_hidden_layers=2,
                                                   num_attention_heads=2),
                                decoder_config=dict(vocab_size=128, max_position_embeddings=64, max_text_tokens=64, hidden_size=64, num_hidden_layers=2,
                                                    num_attention_heads=4, num_mel_attn_blocks=1, feature_size=16, bos_token_id=126,
                                                    eos_token_id=127),
                                projection_dim=32), "ClvpModelForConditionalGeneration", "clvp"),
}  # fmt: skip


def own_inputs(kind: str, model, torch) -> dict | None:
    """The inputs of the layout, markup, vision-language, speech and other models of NEW (None: crosscheck_hf's)."""
    gen, ids, rand = crosscheck_hf.generators(torch, IMG_TOK)

    if kind.startswith("vlm"):  # (vlm:N: one 3x64x64 image, 32 ids with N image tokens)
        out = {"pixel_values": rand(1, 3, 64, 64), "input_ids": ids(32, int(kind.split(":")[1]))}
    elif kind == "ernie":  # (ERNIE: 32 ids, task type 1)
        out = {"input_ids": ids(32), "task_type_ids": torch.ones(1, 32, dtype=torch.long)}
    elif kind == "bros":  # (BROS: 32 ids, one box per token as 4 floats in 0..1, x0 <= x1, y0 <= y1)
        xy = rand(1, 32, 2) * 0.5
        out = {"input_ids": ids(32), "bbox": torch.cat([xy, xy + rand(1, 32, 2) * 0.5], -1)}
    elif kind == "markup":  # (MarkupLM: 32 ids, each with an XPath of 8 tags and 8 subscripts)
        out = {"input_ids": ids(32), "xpath_tags_seq": torch.randint(0, 64, (1, 32, 8), generator=gen),
               "xpath_subs_seq": torch.randint(0, 128, (1, 32, 8), generator=gen)}
    elif kind == "xlm":  # (XLM: 32 ids, language 1)
        out = {"input_ids": ids(32), "langs": torch.ones(1, 32, dtype=torch.long)}
    elif kind == "xmod":  # (X-MOD: 32 ids, language 1's adapters)
        out = {"input_ids": ids(32), "lang_ids": torch.tensor([1])}
    elif kind == "chameleon":  # (Chameleon: one 3x64x64 image as 16 VQ tokens among 32 ids)
        out = {"pixel_values": rand(1, 3, 64, 64) * 2 - 1, "input_ids": ids(32, 16, high=900)}
    elif kind == "udop":  # (UDOP: 32 ids with boxes in 0..1, one 3x64x64 page, 32 decoder ids)
        xy = rand(1, 32, 2) * 0.5
        out = {"input_ids": ids(32), "bbox": torch.cat([xy, xy + rand(1, 32, 2) * 0.5], -1), "pixel_values": rand(1, 3, 64, 64),
               "decoder_input_ids": ids(32)}
    elif kind == "text_image":  # (MGP-STR: one 3x32x128 word image)
        out = {"pixel_values": rand(1, 3, 32, 128)}
    elif kind == "image128":  # (DepthPro: one 3x128x128 image, 4x the patch)
        out = {"pixel_values": rand(1, 3, 128, 128)}
    elif kind == "image_text":  # (one 3x64x64 image, one query of 16 ids)
        out = {"pixel_values": rand(1, 3, 64, 64), "input_ids": ids(16)}
    elif kind == "pair":  # (SuperGlue: a pair of 3x64x64 images)
        out = {"pixel_values": rand(1, 2, 3, 64, 64)}
    elif kind == "lxmert":  # (LXMERT: 32 ids, 10 regions of 32 features with their boxes)
        out = {"input_ids": ids(32), "visual_feats": rand(1, 10, 32), "visual_pos": rand(1, 10, 4)}
    elif kind == "qwen2vl":  # (Qwen2.5-VL: a 1x8x8 grid of 8x8 patches (2 frames each), merged 2x2: 16 image tokens)
        out = {"input_ids": ids(32, 16), "pixel_values": rand(64, 3 * 2 * 8 * 8), "image_grid_thw": torch.tensor([[1, 8, 8]]),
               "mm_token_type_ids": torch.zeros(1, 32, dtype=torch.int32)}
        out["mm_token_type_ids"][0, 1:17] = 1
    elif kind == "mllama":  # (Mllama: one image as 1 of 2 tiles of 3x32x32, aspect ratio 1x1, 32 ids with the image token, cross-attending it)
        out = {"input_ids": ids(32, 1), "pixel_values": rand(1, 1, 2, 3, 32, 32), "aspect_ratio_ids": torch.tensor([[1]]),
               "aspect_ratio_mask": torch.tensor([[[1, 0]]]), "cross_attention_mask": torch.zeros(1, 32, 1, 2, dtype=torch.long)}
        out["cross_attention_mask"][0, 1:, 0, 0] = 1
    elif kind == "llava_next":  # (LLaVA-NeXT: one 64x64 image as its base view and 1 tile of 3x64x64: 16 + 4x(4+1) = 36 image tokens among 48 ids)
        out = {"pixel_values": rand(1, 2, 3, 64, 64), "image_sizes": torch.tensor([[64, 64]]), "input_ids": ids(48, 36)}
    elif kind == "dia":  # (Dia: 32 byte ids, 16 decoder steps of 4 codebook channels)
        out = {"input_ids": ids(32, low=0, high=256), "decoder_input_ids": torch.randint(0, 125, (1, 16, 4), generator=gen)}
    elif kind == "csm":  # (CSM: 32 frames of 4 codebook ids)
        out = {"input_ids": torch.randint(0, 63, (1, 32, 4), generator=gen)}
    elif kind == "clvp":  # (CLVP: 16 text ids, 64 frames of 16 mel bins)
        out = {"input_ids": ids(16, low=0, high=250), "input_features": rand(1, 16, 64)}
    else:
        return None
    return out


if __name__ == "__main__":
    sys.exit(crosscheck_hf.run_round(NEW, own_inputs, sys.argv[1:]))
