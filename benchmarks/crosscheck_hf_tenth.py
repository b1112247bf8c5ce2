"""The tenth round of crosscheck_hf.py (2026-12-02): 50 transformers architectures no earlier round
held, chosen to stress a counter -- RoBERTa-family and BERT-family text encoders with their own
twists (pre-layer-norm, XL's pre-norm, Megatron's pre-norm, RoCBERT's shape and pronunciation
ids, Splinter's question tokens, Flaubert's layer dropout, DPR's pooled encoder), encoder-decoders
(PLBart, MVP with prompts, Blenderbot), decoders (TrOCR, Bark's coarse model, Arcee's ReLU^2,
VaultGemma, Seed-OSS, FlexOlmo's experts), dual encoders (CLIP, SigLIP, AltCLIP,
Chinese-CLIP), vision backbones (ViT-MSN, I-JEPA, Donut-Swin, RT-DETR's ResNet, DINOv3's
ConvNeXt, AIMv2, MLCD), an offline RL decision transformer, and speech (Qwen2-Audio's encoder,
FastSpeech2-Conformer's HiFi-GAN) -- with the inputs they need (RoCBERT's extra ids, the decision
transformer's states, actions, returns and timesteps...).  The same comparison as
crosscheck_hf.py, run with the same venv:

    python benchmarks/crosscheck_hf_tenth.py [--only a,b] [--shapes] [--measure] [--json rows.json]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import crosscheck_hf  # noqa: E402
from crosscheck_hf import DECODER, SEQ2SEQ, TEXT, VISION  # noqa: E402

IMG_TOK = 5  # (VipLLaVA's image token: ids drawn from 10..999)
SWIN = dict(model_type="swin", image_size=64, patch_size=4, embed_dim=16, depths=[1, 1, 1, 1], num_heads=[1, 2, 2, 4], window_size=2,
            out_features=["stage1", "stage2", "stage3", "stage4"])
CLIP_V = dict(model_type="clip_vision_model", **VISION)
MLA = dict(kv_lora_rank=16, q_lora_rank=32, qk_rope_head_dim=8, v_head_dim=16, qk_nope_head_dim=16)
M4T = dict(vocab_size=1000, t2u_vocab_size=100, hidden_size=64, max_position_embeddings=128, encoder_layers=2, encoder_ffn_dim=128,
           encoder_attention_heads=4, decoder_layers=2, decoder_ffn_dim=128, decoder_attention_heads=4, speech_encoder_layers=2,
           speech_encoder_attention_heads=4, speech_encoder_intermediate_size=128, feature_projection_input_dim=32, num_conv_pos_embeddings=16,
           num_conv_pos_embedding_groups=4, adaptor_kernel_size=4, adaptor_stride=4, conv_depthwise_kernel_size=7, max_source_positions=256,
           t2u_encoder_layers=1, t2u_encoder_ffn_dim=64, t2u_encoder_attention_heads=4, t2u_decoder_layers=1, t2u_decoder_ffn_dim=64,
           t2u_decoder_attention_heads=4, t2u_max_position_embeddings=128, upsample_initial_channel=32, unit_embed_dim=32, lang_embed_dim=16,
           spkr_embed_dim=16, pad_token_id=0, decoder_start_token_id=2)
RESNET = dict(hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1], embedding_size=16)

# name -> (config class, its keyword arguments, model class, input kind)
NEW = {
    # text encoders
    "camembert": ("CamembertConfig", dict(TEXT, pad_token_id=1), "CamembertModel", "ids"),
    "data2vec_text": ("Data2VecTextConfig", dict(TEXT, pad_token_id=1), "Data2VecTextModel", "ids"),
    "roberta_prelayernorm": ("RobertaPreLayerNormConfig", dict(TEXT, pad_token_id=1), "RobertaPreLayerNormModel", "ids"),
    "xlm_roberta_xl": ("XLMRobertaXLConfig", dict(TEXT, pad_token_id=1), "XLMRobertaXLModel", "ids"),
    "megatron_bert": ("MegatronBertConfig", TEXT, "MegatronBertModel", "ids"),
    "roc_bert": ("RoCBertConfig", dict(TEXT, shape_vocab_size=64, pronunciation_vocab_size=64, shape_embed_dim=16, pronunciation_embed_dim=16),
                 "RoCBertModel", "rocbert"),
    "splinter": ("SplinterConfig", dict(TEXT, question_token_id=104), "SplinterForQuestionAnswering", "splinter"),
    "flaubert": ("FlaubertConfig", dict(emb_dim=64, n_layers=2, n_heads=4, vocab_size=1000, max_position_embeddings=128),
                 "FlaubertModel", "ids"),
    "dpr": ("DPRConfig", dict(TEXT, projection_dim=32), "DPRQuestionEncoder", "ids"),
    "bert_generation": ("BertGenerationConfig", TEXT, "BertGenerationEncoder", "ids"),
    # encoder-decoders (decoder ids given)
    "plbart": ("PLBartConfig", dict(SEQ2SEQ, pad_token_id=1), "PLBartModel", "ids2"),
    "mvp": ("MvpConfig", dict(SEQ2SEQ, use_prompt=True, prompt_length=4, prompt_mid_dim=32), "MvpModel", "ids2"),
    "blenderbot": ("BlenderbotConfig", dict(SEQ2SEQ, pad_token_id=0, decoder_start_token_id=0), "BlenderbotModel", "ids2"),
    # decoders
    "trocr": ("TrOCRConfig", dict(d_model=64, decoder_layers=2, decoder_attention_heads=4, decoder_ffn_dim=128, vocab_size=1000,
                                  max_position_embeddings=128, layernorm_embedding=True), "TrOCRForCausalLM", "ids"),
    "bark_coarse": ("BarkCoarseConfig", dict(hidden_size=64, num_layers=2, num_heads=4, block_size=128, input_vocab_size=1000, output_vocab_size=1000),
                    "BarkCoarseModel", "ids"),
    "arcee": ("ArceeConfig", DECODER, "ArceeForCausalLM", "ids"),
    "vaultgemma": ("VaultGemmaConfig", dict(DECODER, head_dim=16, sliding_window=8), "VaultGemmaForCausalLM", "ids"),
    "seed_oss": ("SeedOssConfig", dict(DECODER, head_dim=16), "SeedOssForCausalLM", "ids"),
    "flex_olmo": ("FlexOlmoConfig", dict(DECODER, num_experts=4, num_experts_per_tok=2, pad_token_id=0), "FlexOlmoForCausalLM", "ids"),
    # dual encoders
    "clip": ("CLIPConfig", dict(text_config=dict(TEXT, max_position_embeddings=16), vision_config=dict(VISION), projection_dim=32),
             "CLIPModel", "image_text"),
    "siglip": ("SiglipConfig", dict(text_config=dict(TEXT, max_position_embeddings=16), vision_config=dict(VISION)), "SiglipModel", "image_text"),
    "altclip": ("AltCLIPConfig", dict(text_config=dict(TEXT, max_position_embeddings=32, project_dim=32, pad_token_id=1), vision_config=dict(VISION),
                                      projection_dim=32), "AltCLIPModel", "image_text"),
    "chinese_clip": ("ChineseCLIPConfig", dict(text_config=dict(TEXT), vision_config=dict(VISION), projection_dim=32), "ChineseCLIPModel",
                     "image_text"),
    # vision
    "vit_msn": ("ViTMSNConfig", VISION, "ViTMSNModel", "image"),
    "ijepa": ("IJepaConfig", VISION, "IJepaModel", "image"),
    "donut_swin": ("DonutSwinConfig", dict(image_size=64, patch_size=4, embed_dim=32, depths=[1, 1], num_heads=[2, 4], window_size=4),
                   "DonutSwinModel", "image"),
    "rt_detr_resnet": ("RTDetrResNetConfig", dict(RESNET, layer_type="bottleneck", out_features=["stage2", "stage3", "stage4"]),
                       "RTDetrResNetBackbone", "image"),
    "dinov3_convnext": ("DINOv3ConvNextConfig", dict(hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1]), "DINOv3ConvNextModel", "image"),
    "aimv2_vision": ("Aimv2VisionConfig", VISION, "Aimv2VisionModel", "image"),
    "mlcd_vision": ("MLCDVisionConfig", VISION, "MLCDVisionModel", "image"),
    # reinforcement learning
    "decision_transformer": ("DecisionTransformerConfig", dict(state_dim=11, act_dim=3, hidden_size=64, n_layer=2, n_head=4, max_ep_len=64),
                             "DecisionTransformerModel", "decision"),
    # speech
    "qwen2_audio_encoder": ("Qwen2AudioEncoderConfig", dict(num_mel_bins=16, encoder_layers=2, encoder_attention_heads=4, encoder_ffn_dim=128,
                                                            d_model=64, max_source_positions=32), "Qwen2AudioEncoder", "feats"),
    "fastspeech2_hifigan": ("FastSpeech2ConformerHifiGanConfig", dict(model_in_dim=80, upsample_initial_channel=64, upsample_rates=[4, 4],
                                                                      upsample_kernel_sizes=[8, 8], resblock_kernel_sizes=[3, 7],
                                                                      resblock_dilation_sizes=[[1, 3], [1, 3]]),
                            "FastSpeech2ConformerHifiGan", "mel_fs2"),
    # the second batch: embedding encoders, visual regions, more decoders (MLA experts, linear attention, depth decoders), codebooks,
    # universal segmentation, cross-modal towers, audio-text, vision-language, speech translation, melody-conditioned music
    "gte": ("GteConfig", dict(TEXT, pad_token_id=1), "GteModel", "ids"),
    "nomic_bert": ("NomicBertConfig", dict(TEXT, head_dim=16), "NomicBertModel", "ids"),
    "euro_bert": ("EuroBertConfig", dict(DECODER, pad_token_id=0), "EuroBertModel", "ids"),
    "visual_bert": ("VisualBertConfig", dict(TEXT, visual_embedding_dim=32), "VisualBertModel", "visual_bert"),
    "emu3_text": ("Emu3TextConfig", dict(DECODER, pad_token_id=0), "Emu3ForCausalLM", "ids"),
    "glm4_moe_lite": ("Glm4MoeLiteConfig", dict(DECODER, num_key_value_heads=4, moe_intermediate_size=32, n_shared_experts=1, n_routed_experts=4,
                                                num_experts_per_tok=2, n_group=1, topk_group=1, first_k_dense_replace=1, **MLA),
                      "Glm4MoeLiteForCausalLM", "ids"),
    "kimi_linear": ("KimiLinearConfig", dict(DECODER, num_key_value_heads=4, moe_intermediate_size=32, num_experts=4, num_experts_per_tok=2,
                                             num_shared_experts=1, mlp_layer_types=["dense", "sparse"], layer_types=["linear_attention", "full_attention"],
                                             kv_lora_rank=16, q_lora_rank=None, qk_rope_head_dim=8, v_head_dim=16, qk_nope_head_dim=16, pad_token_id=0),
                    "KimiLinearForCausalLM", "ids"),
    "moshi": ("MoshiConfig", dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4, head_dim=16, ffn_dim=256,
                                  vocab_size=1000, audio_vocab_size=64, num_codebooks=2, max_position_embeddings=128, sliding_window=64,
                                  depth_decoder_config=dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2,
                                                            head_dim=16, ffn_dim=128, audio_vocab_size=64, vocab_size=1000, input_size=64, num_codebooks=2)),
              "MoshiForCausalLM", "ids"),
    "bark_fine": ("BarkFineConfig", dict(hidden_size=64, num_layers=2, num_heads=4, block_size=128, input_vocab_size=128, output_vocab_size=128,
                                         n_codes_total=4, n_codes_given=1), "BarkFineModel", "bark_fine"),
    "maskformer_swin": ("MaskFormerSwinConfig", dict(image_size=64, patch_size=4, embed_dim=32, depths=[1, 1], num_heads=[2, 4], window_size=4),
                        "MaskFormerSwinModel", "image"),
    "oneformer": ("OneFormerConfig", dict(backbone_config=SWIN, hidden_dim=32, conv_dim=32, mask_dim=32, encoder_feedforward_dim=64, encoder_layers=1,
                                          decoder_layers=2, num_attention_heads=4, dim_feedforward=64, num_queries=10, text_encoder_width=32,
                                          text_encoder_context_length=16, text_encoder_num_layers=1, text_encoder_vocab_size=1000,
                                          text_encoder_proj_layers=1, text_encoder_n_ctx=4, task_seq_len=16, max_seq_len=16,
                                          query_dec_layers=1), "OneFormerModel", "oneformer"),
    "bridgetower": ("BridgeTowerConfig", dict(text_config=dict(TEXT, max_position_embeddings=32, pad_token_id=1),
                                              vision_config=dict(hidden_size=64, num_hidden_layers=2, image_size=64, patch_size=16),
                                              hidden_size=64, num_attention_heads=4, num_hidden_layers=2), "BridgeTowerModel", "image_text"),
    "clap": ("ClapConfig", dict(text_config=dict(TEXT, max_position_embeddings=32, pad_token_id=1),
                                audio_config=dict(spec_size=64, num_mel_bins=16, window_size=4, patch_size=4, patch_stride=[4, 4], depths=[1, 1],
                                                  num_attention_heads=[2, 4], patch_embeds_hidden_size=32, hidden_size=64),
                                projection_dim=32), "ClapModel", "clap_text"),
    "vipllava": ("VipLlavaConfig", dict(vision_config=CLIP_V, text_config=dict(DECODER, model_type="llama"), image_token_index=5,
                                        vision_feature_layers=[-2, -1], image_seq_length=16), "VipLlavaForConditionalGeneration", "vlm16"),
    "seamless_m4t_t2t": ("SeamlessM4TConfig", M4T, "SeamlessM4TForTextToText", "ids2"),
    "seamless_m4t_v2_s2t": ("SeamlessM4Tv2Config", dict(M4T, char_vocab_size=100), "SeamlessM4Tv2ForSpeechToText", "m4t_speech"),
    "musicgen_melody": ("MusicgenMelodyConfig", dict(text_encoder=dict(model_type="t5", d_model=32, d_kv=8, d_ff=64, num_layers=1, num_heads=4,
                                                                       vocab_size=1000),
                                                     audio_encoder=dict(model_type="encodec", num_filters=8, hidden_size=32, upsampling_ratios=[4, 4],
                                                                        codebook_size=64, num_lstm_layers=1),
                                                     decoder=dict(model_type="musicgen_melody_decoder", vocab_size=64, max_position_embeddings=128,
                                                                  num_hidden_layers=2, ffn_dim=128, num_attention_heads=4, hidden_size=64,
                                                                  num_codebooks=2, pad_token_id=64, bos_token_id=64), num_chroma=12, chroma_length=16),
                        "MusicgenMelodyForConditionalGeneration", "musicgen_melody"),
}  # fmt: skip


def own_inputs(kind: str, model, torch) -> dict | None:
    """The inputs of RoCBERT, Splinter, the dual encoders, the decision transformer, the vocoder and the second batch of NEW (None: crosscheck_hf's)."""
    gen, ids, rand = crosscheck_hf.generators(torch, IMG_TOK)

    if kind == "rocbert":  # (RoCBERT: 32 ids, each with a glyph-shape id and a pronunciation id)
        out = {"input_ids": ids(32), "input_shape_ids": torch.randint(0, 64, (1, 32), generator=gen),
               "input_pronunciation_ids": torch.randint(0, 64, (1, 32), generator=gen)}
    elif kind == "splinter":  # (Splinter: 32 ids with 2 question tokens)
        out = {"input_ids": ids(32)}
        out["input_ids"][0, [3, 17]] = 104
    elif kind == "image_text":  # (one 3x64x64 image, one query of 16 ids)
        out = {"pixel_values": rand(1, 3, 64, 64), "input_ids": ids(16)}
    elif kind == "decision":  # (decision transformer: 20 steps of 11 states, 3 actions, a reward and a return to go)
        out = {"states": rand(1, 20, 11), "actions": rand(1, 20, 3), "rewards": rand(1, 20, 1), "returns_to_go": rand(1, 20, 1),
               "timesteps": torch.arange(20).unsqueeze(0), "attention_mask": torch.ones(1, 20, dtype=torch.long)}
    elif kind == "mel_fs2":  # (FastSpeech2-Conformer's HiFi-GAN: 20 frames x 80 mel bins)
        out = {"spectrogram": rand(1, 20, 80)}
    elif kind == "visual_bert":  # (VisualBERT: 32 ids, 10 region features of 32)
        out = {"input_ids": ids(32), "visual_embeds": rand(1, 10, 32)}
    elif kind == "bark_fine":  # (Bark's fine model: 32 steps of 4 codebooks, predicting codebook 2)
        out = {"codebook_idx": 2, "input_ids": torch.randint(0, 128, (1, 32, 4), generator=gen)}
    elif kind == "oneformer":  # (OneFormer: one 3x64x64 image, the task as 16 ids)
        out = {"pixel_values": rand(1, 3, 64, 64), "task_inputs": ids(16)}
    elif kind == "clap_text":  # (CLAP: 16 ids, 1 channel of 256 frames x 16 mel bins)
        out = {"input_ids": ids(16), "input_features": rand(1, 1, 256, 16)}
    elif kind == "vlm16":  # (one 3x64x64 image as 16 image tokens among 32 ids)
        out = {"pixel_values": rand(1, 3, 64, 64), "input_ids": ids(32, 16)}
    elif kind == "m4t_speech":  # (SeamlessM4T-v2 speech: 64 frames of 32 features, 16 decoder ids)
        out = {"input_features": rand(1, 64, 32), "decoder_input_ids": ids(16)}
    elif kind == "musicgen_melody":  # (MusicGen-Melody: 8 text ids, 2 codebooks x 16 steps)
        out = {"input_ids": ids(8), "decoder_input_ids": torch.randint(0, 64, (2, 16), generator=gen)}
    else:
        return None
    return out


if __name__ == "__main__":
    sys.exit(crosscheck_hf.run_round(NEW, own_inputs, sys.argv[1:]))
