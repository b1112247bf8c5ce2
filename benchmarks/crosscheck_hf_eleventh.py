"""The eleventh round of crosscheck_hf.py (2026-12-02): transformers architectures no earlier round
held, chosen to stress a counter in new ways -- decoders with unusual layers (CTRL's sinusoid
table, OLMo's parameter-free LayerNorm, nanochat's ReLU^2 and soft-capping, Gemma 4's per-layer
inputs, LFM3's short convolutions with gated attention, ZAYA's compressed convolutional
attention, OLMo-Hybrid's and Bailing's linear attention, the recurrent cycles of HRM, Afmoe's and
GraniteMoeShared's experts), encoders (Jina v3, ESM C, UltraBERT, BioGPT, mT5), vision backbones
(Data2Vec-Vision's relative bias, DINOv2 with registers, Pixio, RADIO, Sapiens2, SAM 3's windowed
ViT, the PP-LCNet depthwise CNN, PP-OCRv5's detector and recogniser), detection (Table
Transformer, RF-DETR, DEIMv2), 3-D convolutions (Emu3's VQ-VAE encoder), video (VideoPrism's
factorised space-time), audio codecs and vocoders (WavTokenizer, X-Codec, VibeVoice's tokenizer,
Qwen2.5-Omni's BigVGAN), speech encoders (Gemma 3n's conformer, Granite Speech's Shaw relative
positions, LASR, UniSpeech-SAT, PE-Audio), the Parakeet TDT transducer (an LSTM predictor and a
joint network) and ALIGN's EfficientNet-BERT dual encoder.  The same comparison as
crosscheck_hf.py, run with the same venv:

    python benchmarks/crosscheck_hf_eleventh.py [--only a,b] [--shapes] [--measure] [--json rows.json]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import crosscheck_hf  # noqa: E402
from crosscheck_hf import DECODER, SPEECH, TEXT, VISION  # noqa: E402

RESNET = dict(model_type="resnet", hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1], embedding_size=16)
DETR_SMALL = dict(use_timm_backbone=False, use_pretrained_backbone=False, d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=4,
                  decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64, num_queries=10)
CONFORMER = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128)

# name -> (config class, its keyword arguments, model class, input kind)
NEW = {
    # decoders
    "ctrl": ("CTRLConfig", dict(n_embd=64, dff=128, n_layer=2, n_head=4, vocab_size=1000, n_positions=128), "CTRLLMHeadModel", "ids"),
    "biogpt": ("BioGptConfig", TEXT, "BioGptForCausalLM", "ids"),
    "olmo": ("OlmoConfig", DECODER, "OlmoForCausalLM", "ids"),
    "nanochat": ("NanoChatConfig", DECODER, "NanoChatForCausalLM", "ids"),
    "cwm": ("CwmConfig", dict(DECODER, head_dim=16, sliding_window=8, layer_types=["full_attention", "sliding_attention"]), "CwmForCausalLM", "ids"),
    "gemma4_text": ("Gemma4TextConfig", dict(DECODER, head_dim=16, sliding_window=8, layer_types=["sliding_attention", "full_attention"],
                                             vocab_size_per_layer_input=1000, hidden_size_per_layer_input=16), "Gemma4ForCausalLM", "ids"),
    "lfm3": ("Lfm3Config", dict(DECODER, head_dim=16, sliding_window=8, conv_L_cache=3, layer_types=["conv", "sliding_attention"], pad_token_id=0),
             "Lfm3ForCausalLM", "ids"),
    "zaya": ("ZayaConfig", dict(DECODER, head_dim=16, moe_intermediate_size=32, num_experts=4, num_experts_per_tok=1, router_hidden_size=16,
                                layer_types=["hybrid", "hybrid"]), "ZayaForCausalLM", "ids"),
    "olmo_hybrid": ("OlmoHybridConfig", dict(DECODER, layer_types=["linear_attention", "full_attention"], linear_num_key_heads=4,
                                             linear_num_value_heads=4, linear_key_head_dim=16, linear_value_head_dim=16, pad_token_id=0), "OlmoHybridForCausalLM", "ids"),
    "bailing_hybrid": ("BailingHybridConfig", dict(DECODER, num_key_value_heads=4, head_dim=16, moe_intermediate_size=32, num_experts=4,
                                                   num_experts_per_token=2, num_shared_experts=1, num_expert_group=1, topk_group=1,
                                                   first_k_dense_replace=1, kv_lora_rank=16, q_lora_rank=None, qk_rope_head_dim=8, v_head_dim=16,
                                                   qk_nope_head_dim=16, linear_head_dim=16, linear_num_heads=4, layer_group_size=2,
                                                   layer_types=["linear_attention", "full_attention"], mlp_layer_types=["dense", "sparse"],
                                                   num_nextn_predict_layers=0, pad_token_id=0), "BailingHybridForCausalLM", "ids"),
    "hrm_text": ("HrmTextConfig", dict(DECODER, head_dim=16, num_layers_per_stack=1, H_cycles=2, L_cycles=2, L_bp_cycles=[1]),
                 "HrmTextForCausalLM", "ids"),
    "afmoe": ("AfmoeConfig", dict(DECODER, head_dim=16, moe_intermediate_size=32, num_dense_layers=1, num_experts=4, num_experts_per_tok=2,
                                  num_shared_experts=1, sliding_window=8, global_attn_every_n_layers=2,
                                  layer_types=["sliding_attention", "full_attention"]), "AfmoeForCausalLM", "ids"),
    "granitemoeshared": ("GraniteMoeSharedConfig", dict(DECODER, num_local_experts=4, num_experts_per_tok=2, shared_intermediate_size=64),
                         "GraniteMoeSharedForCausalLM", "ids"),
    # encoders and an encoder-decoder
    "jina_embeddings_v3": ("JinaEmbeddingsV3Config", dict(TEXT, pad_token_id=1), "JinaEmbeddingsV3Model", "ids"),
    "esmc": ("EsmcConfig", dict(DECODER, num_key_value_heads=4, head_dim=16), "EsmcModel", "ids"),
    "ultrabert": ("UltrabertConfig", dict(DECODER, head_dim=16, sliding_window=8, layer_types=["sliding_attention", "full_attention"],
                                          prediction_head_size=32), "UltrabertModel", "ids"),
    "mt5": ("MT5Config", dict(d_model=64, d_kv=16, d_ff=128, num_layers=2, num_decoder_layers=2, num_heads=4, vocab_size=1000,
                              decoder_start_token_id=0, pad_token_id=0), "MT5Model", "ids2"),
    # vision
    "data2vec_vision": ("Data2VecVisionConfig", dict(VISION, use_relative_position_bias=True), "Data2VecVisionModel", "image"),
    "dinov2_with_registers": ("Dinov2WithRegistersConfig", dict(VISION, mlp_ratio=2, num_register_tokens=2), "Dinov2WithRegistersModel", "image"),
    "pixio": ("PixioConfig", dict(VISION, mlp_ratio=2, n_cls_tokens=2), "PixioModel", "image"),
    "radio": ("RadioConfig", dict(VISION, mlp_ratio=2.0, num_cls_tokens=2, num_registers=2, max_img_size=128), "RadioModel", "image"),
    "sapiens2": ("Sapiens2Config", dict(VISION, num_register_tokens=2, num_key_value_attention_heads=2, num_first_full_attention_layers=1,
                                        num_last_full_attention_layers=1, num_key_value_heads_per_layer=[4, 2]), "Sapiens2Model", "image"),
    "sam3_vit": ("Sam3ViTConfig", dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2, image_size=56, patch_size=14,
                                       window_size=2, global_attn_indexes=[1], pretrain_image_size=56), "Sam3ViTModel", "image56"),
    "pp_lcnet": ("PPLCNetConfig", dict(scale=0.25), "models.pp_lcnet.modeling_pp_lcnet.PPLCNetBackbone", "image"),
    "pp_ocrv5_mobile_det": ("PPOCRV5MobileDetConfig", dict(), "models.pp_ocrv5_mobile_det.modeling_pp_ocrv5_mobile_det.PPOCRV5MobileDetModel",
                            "image_hs"),
    "pp_ocrv5_mobile_rec": ("PPOCRV5MobileRecConfig", dict(hidden_size=32, num_attention_heads=4, head_out_channels=100), "PPOCRV5MobileRecModel",
                            "text_line"),
    "table_transformer": ("TableTransformerConfig", dict(DETR_SMALL, backbone_config=dict(RESNET, out_features=["stage4"])), "TableTransformerModel",
                          "image"),
    "rf_detr": ("RfDetrConfig", dict(backbone_config=dict(model_type="rf_detr_dinov2", hidden_size=32, num_hidden_layers=4, num_attention_heads=2,
                                                          image_size=64, patch_size=16, num_windows=2, window_block_indexes=[0, 2],
                                                          out_features=["stage1", "stage2", "stage3", "stage4"]),
                                     d_model=32, decoder_ffn_dim=64, decoder_layers=1, decoder_self_attention_heads=4, decoder_cross_attention_heads=4,
                                     num_queries=10, group_detr=1, intermediate_size=64, c2f_num_blocks=1), "RfDetrModel", "image"),
    "deimv2": ("Deimv2Config", dict(backbone_config=dict(model_type="hgnet_v2", embedding_size=16, stem_channels=[3, 16, 16],
                                                        stage_in_channels=[16, 32, 64, 128], stage_mid_channels=[16, 16, 32, 64],
                                                        stage_out_channels=[32, 64, 128, 256], stage_num_blocks=[1, 1, 1, 1],
                                                        stage_numb_of_layers=[2, 2, 2, 2], hidden_sizes=[32, 64, 128, 256], depths=[1, 1, 1, 1],
                                                        out_features=["stage2", "stage3", "stage4"]), encoder_in_channels=[64, 128, 256],
                                    encoder_hidden_dim=32, encoder_ffn_dim=64, encoder_attention_heads=4, d_model=32, num_queries=10,
                                    decoder_in_channels=[32, 32, 32], decoder_ffn_dim=64, decoder_layers=1, decoder_attention_heads=4,
                                    num_denoising=0, lqe_hidden_dim=16), "Deimv2Model", "image"),
    "emu3_vqvae_encoder": ("Emu3VQVAEConfig", dict(base_channels=32, channel_multiplier=[1, 2], num_res_blocks=1, attn_resolutions=[1],
                                                   codebook_size=64, embed_dim=4, latent_channels=4, temporal_downsample_factor=2, hidden_size=64),
                           "models.emu3.modeling_emu3.Emu3VQVAEEncoder", "video_frames"),
    # video
    "videoprism": ("VideoPrismVisionConfig", dict(image_size=64, num_frames=4, tubelet_size=[1, 16, 16], hidden_size=64, num_attention_heads=4,
                                                  intermediate_size=128, num_spatial_layers=2, num_temporal_layers=1, num_auxiliary_layers=1),
                   "VideoPrismVisionModel", "video_prism"),
    # audio
    "wavtokenizer": ("WavTokenizerConfig", dict(num_filters=8, upsampling_ratios=[4, 4], hidden_size=32, codebook_size=64, codebook_dim=32,
                                                decoder_hidden_size=32, decoder_intermediate_size=64, decoder_num_layers=2, decoder_attention_num_groups=4,
                                                num_lstm_layers=1), "WavTokenizerModel", "wave"),
    "xcodec": ("XcodecConfig", dict(acoustic_model_config=dict(model_type="dac", encoder_hidden_size=8, downsampling_ratios=[2, 4], decoder_hidden_size=32,
                                                               hidden_size=32, n_codebooks=2, codebook_size=64, codebook_dim=4, upsampling_ratios=[4, 2]),
                                    semantic_model_config=dict(SPEECH, model_type="hubert", conv_stride=[2, 2, 2], conv_kernel=[2, 2, 2]), codebook_size=64, codebook_dim=96, sample_rate=1600, target_bandwidths=[2.4]),
               "XcodecModel", "wave"),
    "vibevoice_tokenizer": ("VibeVoiceAcousticTokenizerConfig", dict(hidden_size=16, num_filters=8, downsampling_ratios=[2, 4], depths=[1, 1, 1]),
                            "VibeVoiceAcousticTokenizerModel", "wave"),
    "qwen2_5_omni_bigvgan": ("Qwen2_5OmniBigVGANConfig", dict(mel_dim=80, upsample_initial_channel=64, resblock_kernel_sizes=[3, 7],
                                                              resblock_dilation_sizes=[[1, 3, 5], [1, 3, 5]], upsample_rates=[4, 4], upsample_kernel_sizes=[8, 8]),
                             "models.qwen2_5_omni.modeling_qwen2_5_omni.Qwen2_5OmniToken2WavBigVGANModel", "mel_bigvgan"),
    "gemma3n_audio": ("Gemma3nAudioConfig", dict(input_feat_size=32, hidden_size=64, conf_num_attention_heads=4, conf_num_hidden_layers=2,
                                                 sscp_conv_channel_size=[16, 8], conf_attention_chunk_size=4, conf_attention_context_left=5),
                      "Gemma3nAudioEncoder", "gemma3n_audio"),
    "granite_speech_encoder": ("GraniteSpeechEncoderConfig", dict(input_dim=32, num_layers=2, hidden_dim=64, feedforward_mult=2, num_heads=4, dim_head=16,
                                                                  context_size=16, max_pos_emb=32, conv_kernel_size=7),
                               "models.granite_speech.modeling_granite_speech.GraniteSpeechCTCEncoder", "granite_speech"),
    "lasr_encoder": ("LasrEncoderConfig", dict(CONFORMER, num_key_value_heads=4, conv_kernel_size=8, subsampling_conv_channels=16, num_mel_bins=16),
                     "LasrEncoder", "feats_lasr"),
    "unispeech_sat": ("UniSpeechSatConfig", SPEECH, "UniSpeechSatModel", "audio"),
    "pe_audio_encoder": ("PeAudioEncoderConfig", dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                                                      num_key_value_heads=4, head_dim=16,
                                                      dac_config=dict(encoder_hidden_size=8, downsampling_ratios=[2, 4], decoder_hidden_size=32,
                                                                      hidden_size=32, n_codebooks=2, codebook_size=64, codebook_dim=4,
                                                                      upsampling_ratios=[4, 2])), "PeAudioEncoder", "wave"),
    "parakeet_tdt": ("ParakeetTDTConfig", dict(encoder_config=dict(CONFORMER, num_mel_bins=16, subsampling_conv_channels=16, conv_kernel_size=9),
                                               vocab_size=64, blank_token_id=63, decoder_hidden_size=32, num_decoder_layers=1), "ParakeetForTDT", "tdt"),
    # dual encoder
    "align": ("AlignConfig", dict(text_config=dict(TEXT), vision_config=dict(image_size=64, width_coefficient=0.25, depth_coefficient=0.25, hidden_dim=64),
                                  projection_dim=80), "AlignModel", "image_text"),
}  # fmt: skip


def own_inputs(kind: str, model, torch) -> dict | None:
    """The inputs of the kinds above (None: crosscheck_hf's)."""
    gen, ids, rand = crosscheck_hf.generators(torch, 5)

    if kind == "image56":  # (SAM 3's ViT: 56x56, 4x4 patches of 14)
        out = {"pixel_values": rand(1, 3, 56, 56)}
    elif kind == "image_hs":  # (PP-OCRv5's detector: the image as `hidden_states`)
        out = {"hidden_states": rand(1, 3, 64, 64)}
    elif kind == "text_line":  # (PP-OCRv5's recogniser: one 72x128 text line: its last pool needs 3 rows)
        out = {"pixel_values": rand(1, 3, 72, 128)}
    elif kind == "video_frames":  # (Emu3's VQ-VAE encoder: 4 frames of 3x32x32)
        out = {"pixel_values": rand(1, 4, 3, 32, 32)}
    elif kind == "video_prism":  # (VideoPrism: 4 frames of 3x64x64)
        out = {"pixel_values_videos": rand(1, 4, 3, 64, 64)}
    elif kind == "mel_bigvgan":  # (BigVGAN: 80 mel bins x 20 frames)
        out = {"mel_spectrogram": rand(1, 80, 20)}
    elif kind == "gemma3n_audio":  # (Gemma 3n's audio encoder: 64 frames of 32 mel bins, none masked)
        out = {"audio_mel": rand(1, 64, 32), "audio_mel_mask": torch.zeros(1, 64, dtype=torch.bool)}
    elif kind == "granite_speech":  # (Granite Speech's encoder: 32 frames of 32 features)
        out = {"hidden_states": rand(1, 32, 32)}
    elif kind == "feats_lasr":  # (LASR: 64 frames of 16 mel bins)
        out = {"input_features": rand(1, 64, 16)}
    elif kind == "tdt":  # (Parakeet TDT: 64 frames of 16 mel bins, one decoder step)
        out = {"input_features": rand(1, 64, 16), "decoder_input_ids": torch.tensor([[63]])}
    elif kind == "image_text":  # (one 3x64x64 image, one query of 16 ids)
        out = {"pixel_values": rand(1, 3, 64, 64), "input_ids": ids(16)}
    else:
        return None
    return out


if __name__ == "__main__":
    sys.exit(crosscheck_hf.run_round(NEW, own_inputs, sys.argv[1:]))
