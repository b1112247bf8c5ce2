"""Hugging Face cross-check: transformers models given to ``dscost.analyze(model, inputs)`` as
they are, against torch's own count.

For each architecture below this script builds the model from a small config (2 layers, random
weights, seed 0; nothing is downloaded) and compares:

* torch: ``FlopCounterMode`` FLOPs / 2 of one forward, plus by formula the CPU ops it counts as
  0 (``scaled_dot_product_attention``: the BY_FORMULA table of ``crosscheck_torch.py``), and
  ``sum(p.numel() for p in model.parameters())``;
* dscost: ``dscost.analyze(model, inputs)`` -- what a user types, no wrapper, no export by
  hand -- and which exporter its note says ran (the TorchScript exporter, or the dynamo
  exporter, whose graph rewrites params).

Inputs: 32 token ids for text models (with ``use_cache=False`` where the forward takes it: a
cache object is no tensor; 32 decoder ids too for encoder-decoders that take them), one 3x64x64
image for vision models (their configs are set to 64), 4,000 samples for speech (2,048 for the
codecs), 4 frames for video, a 20x80 mel spectrogram for the vocoder (16x64 for Whisper's
encoder, 64x32 for AST), 64 steps of 3 series, 32 bytes for Perceiver, one point prompt for SAM.  Needs torch, transformers and onnxscript (the venv of
crosscheck_torch.py plus ``pip install transformers``):

    python benchmarks/crosscheck_hf.py [--only bert,gpt2] [--json rows.json]

``--dynamic``: the text models exported by hand instead, as a user does for a file to ship:
``torch.onnx.export`` (TorchScript exporter, opset 17, folding off) at 16 tokens with a dynamic
batch and sequence (``dynamic_axes``), every tensor output of the model kept; then
``dscost analyze FILE`` at SIZES (``--dim seq=32``, ``--input-shape x=1x48``, ``--dim seq=24
--dim batch=4``) against torch's count at each.  The models of OTHER_SIZES (vocoder, codecs,
speech, vision, video, series) likewise, each with its own dynamic axes (samples, frames, height
and width, batch), counted with ``--input-shape`` at their sizes:

    python benchmarks/crosscheck_hf.py --dynamic [--out /tmp/hf-dynamic]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crosscheck_torch import BY_FORMULA  # noqa: E402

TEXT = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128, vocab_size=1000, max_position_embeddings=128)
DECODER = dict(TEXT, num_key_value_heads=2)
VISION = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128, image_size=64, patch_size=16)
SPEECH = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128, conv_dim=[32] * 3, conv_stride=[5, 2, 2],
              conv_kernel=[10, 3, 3], num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4)
SEQ2SEQ = dict(d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=128,
               decoder_ffn_dim=128, vocab_size=1000, max_position_embeddings=128)
MAMBA2 = dict(mamba_d_state=8, mamba_d_conv=4, mamba_expand=2, mamba_n_heads=8, mamba_d_head=16, mamba_n_groups=1, mamba_chunk_size=16)
MAMBA = dict(use_mamba_kernels=False)
RESNET = dict(model_type="resnet", hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1], embedding_size=16)
DETR_SMALL = dict(use_timm_backbone=False, use_pretrained_backbone=False, d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=4,
                  decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64, num_queries=10)
TS = dict(prediction_length=8, context_length=24, lags_sequence=[1, 2, 3], num_time_features=1, d_model=32, encoder_layers=2, decoder_layers=2,
          encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64)
# name -> (config class, its keyword arguments, model class, input kind)
ARCHS = {
    "bert": ("BertConfig", TEXT, "BertModel", "ids"),
    "roberta": ("RobertaConfig", dict(TEXT, pad_token_id=1), "RobertaModel", "ids"),
    "distilbert": ("DistilBertConfig", dict(dim=64, n_layers=2, n_heads=4, hidden_dim=128, vocab_size=1000), "DistilBertModel", "ids"),
    "electra": ("ElectraConfig", dict(TEXT, embedding_size=32), "ElectraModel", "ids"),
    "albert": ("AlbertConfig", dict(TEXT, embedding_size=32), "AlbertModel", "ids"),
    "deberta_v2": ("DebertaV2Config", TEXT, "DebertaV2Model", "ids"),
    "mpnet": ("MPNetConfig", TEXT, "MPNetModel", "ids"),
    "xlm_roberta": ("XLMRobertaConfig", dict(TEXT, pad_token_id=1), "XLMRobertaModel", "ids"),
    "modernbert": ("ModernBertConfig", dict(TEXT, global_attn_every_n_layers=2, local_attention=8, pad_token_id=0, bos_token_id=1,
                                            eos_token_id=2, cls_token_id=1, sep_token_id=2), "ModernBertModel", "ids"),
    "t5_encoder": ("T5Config", dict(d_model=64, d_kv=16, d_ff=128, num_layers=2, num_heads=4, vocab_size=1000), "T5EncoderModel", "ids"),
    "bart": ("BartConfig", dict(d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4, decoder_attention_heads=4,
                                encoder_ffn_dim=128, decoder_ffn_dim=128, vocab_size=1000, max_position_embeddings=128), "BartModel", "ids"),
    "gpt2": ("GPT2Config", dict(n_embd=64, n_layer=2, n_head=4, vocab_size=1000, n_positions=128), "GPT2LMHeadModel", "ids"),
    "gpt_neox": ("GPTNeoXConfig", TEXT, "GPTNeoXForCausalLM", "ids"),
    "opt": ("OPTConfig", dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, ffn_dim=128, vocab_size=1000,
                              max_position_embeddings=128, word_embed_proj_dim=64), "OPTForCausalLM", "ids"),
    "bloom": ("BloomConfig", dict(hidden_size=64, n_layer=2, n_head=4, vocab_size=1000), "BloomForCausalLM", "ids"),
    "llama": ("LlamaConfig", DECODER, "LlamaForCausalLM", "ids"),
    "mistral": ("MistralConfig", DECODER, "MistralForCausalLM", "ids"),
    "qwen2": ("Qwen2Config", DECODER, "Qwen2ForCausalLM", "ids"),
    "qwen3": ("Qwen3Config", dict(DECODER, head_dim=16), "Qwen3ForCausalLM", "ids"),
    "gemma": ("GemmaConfig", dict(DECODER, head_dim=16), "GemmaForCausalLM", "ids"),
    "phi": ("PhiConfig", DECODER, "PhiForCausalLM", "ids"),
    "vit": ("ViTConfig", VISION, "ViTModel", "image"),
    "deit": ("DeiTConfig", VISION, "DeiTModel", "image"),
    "dinov2": ("Dinov2Config", dict(VISION, mlp_ratio=2), "Dinov2Model", "image"),
    "convnext": ("ConvNextConfig", dict(hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1]), "ConvNextModel", "image"),
    "resnet": ("ResNetConfig", dict(hidden_sizes=[32, 64, 128, 256], depths=[1, 1, 1, 1], embedding_size=32), "ResNetModel", "image"),
    "mobilenet_v2": ("MobileNetV2Config", dict(depth_multiplier=0.35, image_size=64), "MobileNetV2Model", "image"),
    "swin": ("SwinConfig", dict(image_size=64, patch_size=4, embed_dim=32, depths=[1, 1], num_heads=[2, 4], window_size=4), "SwinModel", "image"),
    "segformer": ("SegformerConfig", dict(num_encoder_blocks=2, depths=[1, 1], sr_ratios=[2, 1], hidden_sizes=[16, 32], num_attention_heads=[1, 2],
                                          decoder_hidden_size=32, strides=[4, 2], patch_sizes=[7, 3]), "SegformerModel", "image"),
    "wav2vec2": ("Wav2Vec2Config", SPEECH, "Wav2Vec2Model", "audio"),
    # the second round (2026-12-01): newer decoders, two mixtures of experts, two state-space/RNN models, more vision
    "gemma2": ("Gemma2Config", dict(DECODER, head_dim=16), "Gemma2ForCausalLM", "ids"),
    "gemma3_text": ("Gemma3TextConfig", dict(DECODER, head_dim=16, sliding_window=8), "Gemma3ForCausalLM", "ids"),
    "mixtral": ("MixtralConfig", dict(DECODER, num_local_experts=4, num_experts_per_tok=2), "MixtralForCausalLM", "ids"),
    "qwen3_moe": ("Qwen3MoeConfig", dict(DECODER, head_dim=16, num_experts=4, num_experts_per_tok=2, moe_intermediate_size=32),
                  "Qwen3MoeForCausalLM", "ids"),
    "olmo2": ("Olmo2Config", DECODER, "Olmo2ForCausalLM", "ids"),
    "phi3": ("Phi3Config", dict(DECODER, pad_token_id=0), "Phi3ForCausalLM", "ids"),
    "starcoder2": ("Starcoder2Config", DECODER, "Starcoder2ForCausalLM", "ids"),
    "granite": ("GraniteConfig", DECODER, "GraniteForCausalLM", "ids"),
    "cohere": ("CohereConfig", DECODER, "CohereForCausalLM", "ids"),
    "stablelm": ("StableLmConfig", DECODER, "StableLmForCausalLM", "ids"),
    "mamba": ("MambaConfig", dict(hidden_size=64, num_hidden_layers=2, vocab_size=1000, state_size=8, expand=2, conv_kernel=4), "MambaModel", "ids"),
    "rwkv": ("RwkvConfig", dict(hidden_size=64, num_hidden_layers=2, vocab_size=1000, attention_hidden_size=64, intermediate_size=128,
                                context_length=64), "RwkvModel", "ids"),
    "siglip_vision": ("SiglipVisionConfig", VISION, "SiglipVisionModel", "image"),
    "dinov3": ("DINOv3ViTConfig", dict(VISION, num_register_tokens=2), "DINOv3ViTModel", "image"),
    "convnextv2": ("ConvNextV2Config", dict(hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1]), "ConvNextV2Model", "image"),
    "efficientnet": ("EfficientNetConfig", dict(image_size=64, width_coefficient=1.0, depth_coefficient=1.0, hidden_dim=1280), "EfficientNetModel", "image"),
    "regnet": ("RegNetConfig", dict(hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1], groups_width=8, embedding_size=16), "RegNetModel", "image"),
    "pvt_v2": ("PvtV2Config", dict(hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1], num_attention_heads=[1, 1, 2, 4], image_size=64),
               "PvtV2Model", "image"),
    "focalnet": ("FocalNetConfig", dict(image_size=64, embed_dim=16, depths=[1, 1], focal_levels=[2, 2]), "FocalNetModel", "image"),
    "levit": ("LevitConfig", dict(image_size=64), "LevitModel", "image"),
    "hiera": ("HieraConfig", dict(image_size=[64, 64], embed_dim=16, depths=[1, 1, 1, 1], num_heads=[1, 1, 2, 2]), "HieraModel", "image"),
    # the third round (2026-12-01): audio codecs and vocoders, speech encoders, video, dense prediction, detection, others
    "speecht5_hifigan": ("SpeechT5HifiGanConfig", dict(upsample_initial_channel=64, upsample_rates=[4, 4], upsample_kernel_sizes=[8, 8],
                         resblock_kernel_sizes=[3, 7], resblock_dilation_sizes=[[1, 3], [1, 3]]), "SpeechT5HifiGan", "mel"),
    "encodec": ("EncodecConfig", dict(num_filters=8, hidden_size=32, upsampling_ratios=[4, 4], codebook_size=64, num_lstm_layers=1), "EncodecModel", "wave"),
    "dac": ("DacConfig", dict(encoder_hidden_size=8, downsampling_ratios=[2, 4], decoder_hidden_size=32, hidden_size=32, n_codebooks=2,
                              codebook_size=64, codebook_dim=4, upsampling_ratios=[4, 2]), "DacModel", "wave"),
    "wav2vec2_conformer": ("Wav2Vec2ConformerConfig", dict(SPEECH, conv_depthwise_kernel_size=7), "Wav2Vec2ConformerModel", "audio"),
    "hubert": ("HubertConfig", SPEECH, "HubertModel", "audio"),
    "sew": ("SEWConfig", dict(SPEECH, squeeze_factor=2), "SEWModel", "audio"),
    "data2vec_audio": ("Data2VecAudioConfig", dict(SPEECH, num_conv_pos_embeddings=5), "Data2VecAudioModel", "audio"),
    "videomae": ("VideoMAEConfig", dict(VISION, num_frames=4, tubelet_size=2), "VideoMAEModel", "video"),
    "timesformer": ("TimesformerConfig", dict(VISION, num_frames=4), "TimesformerModel", "video"),
    "vivit": ("VivitConfig", dict(VISION, num_frames=4, tubelet_size=[2, 16, 16]), "VivitModel", "video"),
    "dpt": ("DPTConfig", dict(VISION, backbone_out_indices=[0, 1], neck_hidden_sizes=[16, 32], reassemble_factors=[4, 2], fusion_hidden_size=16,
                              head_in_index=-1), "DPTForDepthEstimation", "image"),
    "glpn": ("GLPNConfig", dict(num_encoder_blocks=2, depths=[1, 1], sr_ratios=[2, 1], hidden_sizes=[16, 32], num_attention_heads=[1, 2],
                                decoder_hidden_size=16, patch_sizes=[7, 3], strides=[4, 2], mlp_ratios=[2, 2]), "GLPNForDepthEstimation", "image"),
    "swin2sr": ("Swin2SRConfig", dict(image_size=32, patch_size=1, embed_dim=16, depths=[1, 1], num_heads=[2, 2], window_size=8, upscale=2),
                "Swin2SRForImageSuperResolution", "image"),
    "upernet": ("UperNetConfig", dict(backbone_config=dict(model_type="convnext", hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1],
                                      out_features=["stage1", "stage2", "stage3", "stage4"]), hidden_size=32, auxiliary_in_channels=64,
                                      use_auxiliary_head=False), "UperNetForSemanticSegmentation", "image"),
    "sam": ("SamConfig", dict(vision_config=dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, mlp_dim=64, image_size=64, patch_size=16,
                                                 output_channels=32, window_size=2, global_attn_indexes=[1], num_pos_feats=16),
                              prompt_encoder_config=dict(hidden_size=32, image_size=64, patch_size=16, image_embedding_size=4),
                              mask_decoder_config=dict(hidden_size=32, num_hidden_layers=2, mlp_dim=64, iou_head_hidden_dim=32)), "SamModel", "points"),
    "yolos": ("YolosConfig", dict(VISION, num_detection_tokens=10, image_size=[64, 64]), "YolosModel", "image"),
    "rt_detr": ("RTDetrConfig", dict(backbone_config=dict(model_type="rt_detr_resnet", hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1],
                                                          embedding_size=16, layer_type="basic", out_features=["stage2", "stage3", "stage4"]),
                                     encoder_in_channels=[32, 64, 128], d_model=32, encoder_hidden_dim=32, encode_proj_layers=[2],
                                     decoder_in_channels=[32, 32, 32], decoder_attention_heads=4, encoder_attention_heads=4, encoder_ffn_dim=64,
                                     decoder_ffn_dim=64, decoder_layers=1, num_queries=20, num_labels=5), "RTDetrModel", "image"),
    "vitdet": ("VitDetConfig", dict(VISION, pretrain_image_size=64, window_block_indices=[0], window_size=2, use_relative_position_embeddings=True),
               "VitDetModel", "image"),
    "beit": ("BeitConfig", dict(VISION, use_relative_position_bias=True), "BeitModel", "image"),
    "vit_mae": ("ViTMAEConfig", dict(VISION, mask_ratio=0.0), "ViTMAEModel", "image"),
    "bit": ("BitConfig", dict(hidden_sizes=[32, 64, 128, 256], depths=[1, 1, 1, 1], embedding_size=32, num_groups=8), "BitModel", "image"),
    "cvt": ("CvtConfig", dict(embed_dim=[16, 32, 64], num_heads=[1, 2, 4], depth=[1, 2, 3]), "CvtModel", "image"),
    "mobilevitv2": ("MobileViTV2Config", dict(image_size=64, width_multiplier=0.5), "MobileViTV2Model", "image"),
    "mobilenet_v1": ("MobileNetV1Config", dict(depth_multiplier=0.25, image_size=64), "MobileNetV1Model", "image"),
    "convbert": ("ConvBertConfig", dict(TEXT, embedding_size=64), "ConvBertModel", "ids"),
    "squeezebert": ("SqueezeBertConfig", dict(TEXT, embedding_size=64, q_groups=2, k_groups=2, v_groups=2, post_attention_groups=2,
                                              intermediate_groups=4, output_groups=4), "SqueezeBertModel", "ids"),
    "perceiver": ("PerceiverConfig", dict(num_latents=16, d_latents=64, d_model=64, num_blocks=1, num_self_attends_per_block=2,
                                          num_self_attention_heads=4, num_cross_attention_heads=1, vocab_size=262, max_position_embeddings=64),
                  "PerceiverForMaskedLM", "bytes"),
    "patchtst": ("PatchTSTConfig", dict(num_input_channels=3, context_length=64, patch_length=8, patch_stride=8, d_model=32, num_attention_heads=4,
                                        num_hidden_layers=2, ffn_dim=64), "PatchTSTModel", "series"),
    # the fourth round (2026-12-02): mixtures of experts, which dscost exports with transformers' batched_mm experts
    "qwen2_moe": ("Qwen2MoeConfig", dict(DECODER, num_experts=4, num_experts_per_tok=2, moe_intermediate_size=32, shared_expert_intermediate_size=64),
                  "Qwen2MoeForCausalLM", "ids"),
    "olmoe": ("OlmoeConfig", dict(DECODER, num_experts=4, num_experts_per_tok=2), "OlmoeForCausalLM", "ids"),
    "deepseek_v3": ("DeepseekV3Config", dict(DECODER, moe_intermediate_size=32, n_shared_experts=1, n_routed_experts=8, kv_lora_rank=16, q_lora_rank=32,
                                             qk_rope_head_dim=8, v_head_dim=16, qk_nope_head_dim=16, n_group=2, topk_group=1, num_experts_per_tok=2,
                                             first_k_dense_replace=1, num_key_value_heads=4), "DeepseekV3ForCausalLM", "ids"),
    "gpt_oss": ("GptOssConfig", dict(DECODER, num_local_experts=4, num_experts_per_tok=2, head_dim=16, sliding_window=8), "GptOssForCausalLM", "ids"),
    "granitemoe": ("GraniteMoeConfig", dict(DECODER, num_local_experts=4, num_experts_per_tok=2), "GraniteMoeForCausalLM", "ids"),
    "phimoe": ("PhimoeConfig", dict(DECODER, num_local_experts=4, num_experts_per_tok=2), "PhimoeForCausalLM", "ids"),
    "glm4_moe": ("Glm4MoeConfig", dict(DECODER, head_dim=16, moe_intermediate_size=32, n_routed_experts=4, n_shared_experts=1, num_experts_per_tok=2,
                                       first_k_dense_replace=1), "Glm4MoeForCausalLM", "ids"),
    "ernie4_5_moe": ("Ernie4_5_MoeConfig", dict(DECODER, moe_num_experts=4, moe_k=2, moe_intermediate_size=32, moe_num_shared_experts=1),
                     "Ernie4_5_MoeForCausalLM", "ids"),
    # the fifth round (2026-12-02), 37 families no earlier round held: text encoders, encoder-decoders
    # (decoder ids given), decoders, hybrids and state-space models, vision, speech
    # text encoders
    "clip_text": ("CLIPTextConfig", TEXT, "CLIPTextModel", "ids"),
    "funnel": ("FunnelConfig", dict(block_sizes=[1, 1], num_decoder_layers=1, d_model=64, n_head=4, d_head=16, d_inner=128, vocab_size=1000),
               "FunnelModel", "ids"),
    "xlnet": ("XLNetConfig", dict(d_model=64, n_layer=2, n_head=4, d_inner=128, vocab_size=1000), "XLNetModel", "ids"),
    "longformer": ("LongformerConfig", dict(TEXT, attention_window=8, pad_token_id=1), "LongformerModel", "ids"),
    "big_bird": ("BigBirdConfig", dict(TEXT, attention_type="block_sparse", block_size=2, num_random_blocks=1), "BigBirdModel", "ids"),
    "nystromformer": ("NystromformerConfig", dict(TEXT, num_landmarks=8, segment_means_seq_len=32), "NystromformerModel", "ids"),
    "fnet": ("FNetConfig", dict(hidden_size=64, num_hidden_layers=2, intermediate_size=128, vocab_size=1000, max_position_embeddings=128),
             "FNetModel", "ids"),
    # encoder-decoders (decoder ids given: these do not shift input_ids themselves)
    "pegasus": ("PegasusConfig", dict(SEQ2SEQ, pad_token_id=0, decoder_start_token_id=0), "PegasusModel", "ids2"),
    "marian": ("MarianConfig", dict(SEQ2SEQ, pad_token_id=0, decoder_start_token_id=0), "MarianModel", "ids2"),
    "mbart": ("MBartConfig", SEQ2SEQ, "MBartModel", "ids2"),
    "led": ("LEDConfig", dict(SEQ2SEQ, max_encoder_position_embeddings=128, max_decoder_position_embeddings=128, attention_window=8),
            "LEDModel", "ids2"),
    # decoders
    "falcon": ("FalconConfig", dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, vocab_size=1000), "FalconForCausalLM", "ids"),
    "gptj": ("GPTJConfig", dict(n_embd=64, n_layer=2, n_head=4, vocab_size=1000, n_positions=128, rotary_dim=8), "GPTJForCausalLM", "ids"),
    "codegen": ("CodeGenConfig", dict(n_embd=64, n_layer=2, n_head=4, vocab_size=1000, n_positions=128, n_ctx=128, rotary_dim=8),
                "CodeGenForCausalLM", "ids"),
    "gpt_bigcode": ("GPTBigCodeConfig", dict(n_embd=64, n_layer=2, n_head=4, vocab_size=1000, n_positions=128), "GPTBigCodeForCausalLM", "ids"),
    "gpt_neo": ("GPTNeoConfig", dict(hidden_size=64, num_layers=2, num_heads=4, attention_types=[[["global", "local"], 1]], window_size=8,
                                     vocab_size=1000, max_position_embeddings=128), "GPTNeoForCausalLM", "ids"),
    "persimmon": ("PersimmonConfig", TEXT, "PersimmonForCausalLM", "ids"),
    "nemotron": ("NemotronConfig", DECODER, "NemotronForCausalLM", "ids"),
    "helium": ("HeliumConfig", dict(DECODER, head_dim=16), "HeliumForCausalLM", "ids"),
    "exaone4": ("Exaone4Config", dict(DECODER, sliding_window=8), "Exaone4ForCausalLM", "ids"),
    "diffllama": ("DiffLlamaConfig", DECODER, "DiffLlamaForCausalLM", "ids"),
    "recurrent_gemma": ("RecurrentGemmaConfig", dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=1,
                                                     head_dim=16, lru_width=64, attention_window_size=16, intermediate_size=128,
                                                     vocab_size=1000, block_types=["recurrent", "attention"]),
                        "RecurrentGemmaForCausalLM", "ids"),
    # hybrids and state-space
    "jamba": ("JambaConfig", dict(DECODER, num_experts=4, num_experts_per_tok=2, expert_layer_period=2, expert_layer_offset=1, attn_layer_period=2,
                                  attn_layer_offset=1, mamba_d_state=8, mamba_d_conv=4, mamba_expand=2, mamba_dt_rank=8, use_mamba_kernels=False),
              "JambaForCausalLM", "ids"),
    "bamba": ("BambaConfig", dict(DECODER, **MAMBA2, attn_layer_indices=[1]), "BambaForCausalLM", "ids"),
    "falcon_mamba": ("FalconMambaConfig", dict(hidden_size=64, num_hidden_layers=2, vocab_size=1000, state_size=8, expand=2, conv_kernel=4),
                     "FalconMambaModel", "ids"),
    "mamba2": ("Mamba2Config", dict(hidden_size=64, num_hidden_layers=2, vocab_size=1000, state_size=8, expand=2, head_dim=16, num_heads=8, n_groups=1,
                                    chunk_size=16, conv_kernel=4), "Mamba2Model", "ids"),
    "lfm2": ("Lfm2Config", dict(DECODER, layer_types=["conv", "full_attention"], conv_L_cache=3, block_auto_adjust_ff_dim=False), "Lfm2ForCausalLM", "ids"),
    # vision
    "clip_vision": ("CLIPVisionConfig", VISION, "CLIPVisionModel", "image"),
    "swinv2": ("Swinv2Config", dict(image_size=64, patch_size=4, embed_dim=32, depths=[1, 1], num_heads=[2, 4], window_size=4), "Swinv2Model", "image"),
    "swiftformer": ("SwiftFormerConfig", dict(image_size=64, depths=[1, 1, 1, 1], embed_dims=[16, 32, 48, 64]), "SwiftFormerModel", "image"),
    "poolformer": ("PoolFormerConfig", dict(hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1]), "PoolFormerModel", "image"),
    "mobilevit": ("MobileViTConfig", dict(image_size=64, hidden_sizes=[32, 48, 64], neck_hidden_sizes=[8, 16, 24, 32, 40, 48, 160],
                                          num_attention_heads=4), "MobileViTModel", "image"),
    "detr": ("DetrConfig", dict(use_timm_backbone=False, use_pretrained_backbone=False,
                                backbone_config=dict(model_type="resnet", hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1], embedding_size=16,
                                                     out_features=["stage4"]),
                                d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=4, decoder_attention_heads=4,
                                encoder_ffn_dim=64, decoder_ffn_dim=64, num_queries=10), "DetrModel", "image"),
    "depth_anything": ("DepthAnythingConfig", dict(backbone_config=dict(model_type="dinov2", hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                                                        image_size=64, patch_size=16, mlp_ratio=2, out_features=["stage1", "stage2"],
                                                                        reshape_hidden_states=False),
                                                   use_pretrained_backbone=False, reassemble_hidden_size=32, neck_hidden_sizes=[16, 32],
                                                   reassemble_factors=[2, 1], fusion_hidden_size=16, head_hidden_size=16),
                       "DepthAnythingForDepthEstimation", "image"),
    # speech
    "whisper_encoder": ("WhisperConfig", dict(d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4, decoder_attention_heads=4,
                                              encoder_ffn_dim=128, decoder_ffn_dim=128, num_mel_bins=16, max_source_positions=32, vocab_size=1000),
                        "models.whisper.modeling_whisper.WhisperEncoder", "feats"),
    "wavlm": ("WavLMConfig", dict(SPEECH, num_buckets=32, max_bucket_distance=64), "WavLMModel", "audio"),
    "ast": ("ASTConfig", dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128, max_length=64, num_mel_bins=32,
                              patch_size=16, frequency_stride=10, time_stride=10), "ASTModel", "spectro"),
    # the sixth round (2026-12-02), 35 more: Mamba hybrids, text encoders, encoder-decoders (two mixtures of
    # experts among them), decoders, detection, audio, time series
    # hybrids (Mamba / Mamba-2 + attention)
    "zamba2": ("Zamba2Config", dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4, intermediate_size=128,
                                    vocab_size=1000, max_position_embeddings=128, layers_block_type=["linear_attention", "hybrid"],
                                    mamba_d_state=8, mamba_d_conv=4, mamba_expand=2, mamba_ngroups=1, n_mamba_heads=8, chunk_size=16,
                                    adapter_rank=8, num_mem_blocks=1, **MAMBA), "Zamba2ForCausalLM", "ids"),
    "falcon_h1": ("FalconH1Config", dict(DECODER, head_dim=16, mamba_d_ssm=128, mamba_n_heads=8, mamba_d_head=16, mamba_n_groups=1, mamba_d_state=8,
                                         mamba_d_conv=4, mamba_expand=2, mamba_chunk_size=16), "FalconH1ForCausalLM", "ids"),
    "granitemoehybrid": ("GraniteMoeHybridConfig", dict(DECODER, layer_types=["linear_attention", "full_attention"], mamba_n_heads=8, mamba_d_head=16,
                                                        mamba_n_groups=1, mamba_d_state=8, mamba_d_conv=4, mamba_expand=2, mamba_chunk_size=16,
                                                        num_local_experts=4, num_experts_per_tok=2, shared_intermediate_size=64),
                         "GraniteMoeHybridForCausalLM", "ids"),
    "nemotron_h": ("NemotronHConfig", dict(DECODER, head_dim=16, layers_block_type=["linear_attention", "moe", "full_attention", "mlp"],
                                           ssm_state_size=8, mamba_num_heads=8, mamba_head_dim=16, n_groups=1, conv_kernel=4, expand=2, chunk_size=16,
                                           n_routed_experts=4, num_experts_per_tok=2, n_shared_experts=1, moe_intermediate_size=32,
                                           moe_shared_expert_intermediate_size=32, **MAMBA), "NemotronHForCausalLM", "ids"),
    "zamba": ("ZambaConfig", dict(hidden_size=64, attention_hidden_size=128, attention_head_dim=32, num_hidden_layers=2, num_attention_heads=4,
                                  num_key_value_heads=4, intermediate_size=128, vocab_size=1000, max_position_embeddings=128, n_mamba_heads=2,
                                  mamba_d_state=8, mamba_d_conv=4, mamba_expand=2, mamba_dt_rank=8, layers_block_type=["hybrid", "hybrid"],
                                  **MAMBA), "ZambaForCausalLM", "ids"),
    # text encoders
    "reformer": ("ReformerConfig", dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, attention_head_size=16, feed_forward_size=128,
                                        attn_layers=["local", "lsh"], axial_pos_shape=[4, 8], axial_pos_embds_dim=[16, 48], vocab_size=1000,
                                        max_position_embeddings=32, local_attn_chunk_length=8, lsh_attn_chunk_length=8, num_buckets=4,
                                        num_hashes=1, is_decoder=False, hash_seed=0), "ReformerModel", "ids"),
    "yoso": ("YosoConfig", dict(TEXT, use_expectation=True, use_fast_hash=False), "YosoModel", "ids"),
    "mra": ("MraConfig", dict(TEXT, block_per_row=2, approx_mode="full"), "MraModel", "ids"),
    "rembert": ("RemBertConfig", dict(TEXT, input_embedding_size=32, output_embedding_size=48), "RemBertModel", "ids"),
    "canine": ("CanineConfig", dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128, num_hash_buckets=512,
                                    num_hash_functions=4, local_transformer_stride=8, max_position_embeddings=128), "CanineModel", "ids"),
    "roformer": ("RoFormerConfig", dict(TEXT, embedding_size=64), "RoFormerModel", "ids"),
    "layoutlm": ("LayoutLMConfig", TEXT, "LayoutLMModel", "layout"),
    # encoder-decoders (decoder ids given)
    "blenderbot_small": ("BlenderbotSmallConfig", dict(SEQ2SEQ, pad_token_id=0, decoder_start_token_id=0), "BlenderbotSmallModel", "ids2"),
    "prophetnet": ("ProphetNetConfig", dict(hidden_size=64, encoder_ffn_dim=128, decoder_ffn_dim=128, num_encoder_layers=2, num_decoder_layers=2,
                                            num_encoder_attention_heads=4, num_decoder_attention_heads=4, vocab_size=1000, max_position_embeddings=128,
                                            ngram=2, num_buckets=32, relative_max_distance=128), "ProphetNetModel", "ids2"),
    "m2m_100": ("M2M100Config", dict(SEQ2SEQ, pad_token_id=1, decoder_start_token_id=2), "M2M100Model", "ids2"),
    "nllb_moe": ("NllbMoeConfig", dict(SEQ2SEQ, num_experts=4, expert_capacity=32, encoder_sparse_step=2, decoder_sparse_step=2, pad_token_id=1,
                                       decoder_start_token_id=2), "NllbMoeModel", "ids2"),
    "switch_transformers": ("SwitchTransformersConfig", dict(d_model=64, d_kv=16, d_ff=128, num_layers=2, num_decoder_layers=2, num_heads=4,
                                                             vocab_size=1000, num_experts=4, expert_capacity=32, num_sparse_encoder_layers=1,
                                                             num_sparse_decoder_layers=1, encoder_sparse_step=2, decoder_sparse_step=2,
                                                             decoder_start_token_id=0, pad_token_id=0), "SwitchTransformersModel", "ids2"),
    "umt5": ("UMT5Config", dict(d_model=64, d_kv=16, d_ff=128, num_layers=2, num_decoder_layers=2, num_heads=4, vocab_size=1000,
                                decoder_start_token_id=0, pad_token_id=0), "UMT5Model", "ids2"),
    # decoders
    "olmo3": ("Olmo3Config", dict(DECODER, sliding_window=8, layer_types=["sliding_attention", "full_attention"]), "Olmo3ForCausalLM", "ids"),
    "cohere2": ("Cohere2Config", dict(DECODER, head_dim=16, sliding_window=8, layer_types=["sliding_attention", "full_attention"]),
                "Cohere2ForCausalLM", "ids"),
    "glm4": ("Glm4Config", dict(DECODER, head_dim=16, pad_token_id=0), "Glm4ForCausalLM", "ids"),
    "smollm3": ("SmolLM3Config", dict(DECODER, no_rope_layers=[1, 0], pad_token_id=0), "SmolLM3ForCausalLM", "ids"),
    "apertus": ("ApertusConfig", dict(DECODER, rope_parameters=dict(rope_type="default", rope_theta=10000.0)), "ApertusForCausalLM", "ids"),
    "dots1": ("Dots1Config", dict(DECODER, moe_intermediate_size=32, n_routed_experts=4, n_shared_experts=1, num_experts_per_tok=2,
                                  first_k_dense_replace=1, layer_types=["full_attention", "full_attention"]), "Dots1ForCausalLM", "ids"),
    # vision
    "conditional_detr": ("ConditionalDetrConfig", dict(DETR_SMALL, backbone_config=dict(RESNET, out_features=["stage4"])), "ConditionalDetrModel", "image"),
    "deformable_detr": ("DeformableDetrConfig", dict(DETR_SMALL, backbone_config=dict(RESNET, out_features=["stage2", "stage3", "stage4"]),
                                                     num_feature_levels=3, encoder_n_points=2, decoder_n_points=2, disable_custom_kernels=True),
                        "DeformableDetrModel", "image"),
    "pvt": ("PvtConfig", dict(image_size=64, hidden_sizes=[16, 32, 64, 128], depths=[1, 1, 1, 1], num_attention_heads=[1, 1, 2, 4],
                              sequence_reduction_ratios=[8, 4, 2, 1], mlp_ratios=[2, 2, 2, 2]), "PvtModel", "image"),
    "textnet": ("TextNetConfig", dict(image_size=[64, 64], stem_out_channels=16, hidden_sizes=[16, 16, 32, 64, 128]), "TextNetModel", "image"),
    # audio
    "speech_to_text": ("Speech2TextConfig", dict(SEQ2SEQ, conv_channels=64, input_feat_per_channel=16, max_source_positions=64,
                                                 max_target_positions=64, pad_token_id=1, decoder_start_token_id=2), "Speech2TextModel", "feats_s2t"),
    "wav2vec2_bert": ("Wav2Vec2BertConfig", dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
                                                 feature_projection_input_dim=32, conv_depthwise_kernel_size=7, left_max_position_embeddings=16,
                                                 right_max_position_embeddings=4, output_hidden_size=64), "Wav2Vec2BertModel", "feats_w2vbert"),
    "mimi": ("MimiConfig", dict(hidden_size=32, num_filters=8, upsampling_ratios=[4, 4], codebook_size=64, codebook_dim=16, num_quantizers=2,
                                vector_quantization_hidden_dimension=16, num_hidden_layers=2, intermediate_size=64, num_attention_heads=4,
                                num_key_value_heads=4, head_dim=8, sliding_window=16, upsample_groups=32, sampling_rate=1600,
                                max_position_embeddings=256), "MimiModel", "wave"),
    "clap_audio": ("ClapAudioConfig", dict(spec_size=64, num_mel_bins=16, window_size=4, patch_size=4, patch_stride=[4, 4], depths=[1, 1],
                                           num_attention_heads=[2, 4], patch_embeds_hidden_size=32, hidden_size=64, projection_dim=32),
                   "ClapAudioModel", "clap"),
    # time series
    "time_series_transformer": ("TimeSeriesTransformerConfig", TS, "TimeSeriesTransformerModel", "tsf"),
    "patchtsmixer": ("PatchTSMixerConfig", dict(context_length=64, patch_length=8, patch_stride=8, num_input_channels=3, d_model=32, num_layers=2,
                                                self_attn=True, self_attn_heads=4), "PatchTSMixerModel", "series"),
    "timesfm": ("TimesFmConfig", dict(patch_length=8, context_length=64, horizon_length=16, hidden_size=64, intermediate_size=128, head_dim=16,
                                      num_attention_heads=4, num_hidden_layers=2), "TimesFmModel", "timesfm"),
}  # fmt: skip


def generators(torch, image_token: int):
    """(gen, ids, rand) for the later rounds' inputs: a generator seeded 0; ``ids(n, image_tokens)``,
    n token ids from 10..999 with ``image_tokens`` image tokens after the first; ``rand(*shape)``, uniform."""
    gen = torch.Generator().manual_seed(0)

    def ids(n, image_tokens=0, low=10, high=1000):
        x = torch.randint(low, high, (1, n), generator=gen)
        x[0, 1 : 1 + image_tokens] = image_token
        return x

    def rand(*shape):
        return torch.rand(*shape, generator=gen)

    return gen, ids, rand


def without_cache(model, out: dict) -> dict:
    """``out`` with ``use_cache=False`` where the forward takes it (the later rounds' inputs)."""
    import inspect

    if "use_cache" in inspect.signature(model.forward).parameters:
        out["use_cache"] = False
    return out


def run_round(archs: dict, own_inputs, argv: list[str]) -> int:
    """:func:`main` over a later round's ``archs``: the inputs of a kind of its own from
    ``own_inputs(kind, model, torch)`` (None for the kinds above), without the model's cache."""
    global ARCHS, inputs_for
    shared = inputs_for

    def either(kind: str, model, torch) -> dict:
        out = own_inputs(kind, model, torch)
        return shared(kind, model, torch) if out is None else without_cache(model, out)

    ARCHS, inputs_for = archs, either
    return main(argv)


def inputs_for(kind: str, model, torch) -> dict:
    import inspect

    gen = torch.Generator().manual_seed(0)
    if kind in ("ids", "ids2"):
        out = {"input_ids": torch.randint(0, 1000, (1, 32), generator=gen)}
        if kind == "ids2":  # (encoder-decoders that do not shift input_ids themselves)
            out["decoder_input_ids"] = torch.randint(0, 1000, (1, 32), generator=gen)
    elif kind == "feats":  # (Whisper's encoder: mel bins x 2 * max_source_positions)
        out = {"input_features": torch.rand(1, 16, 64, generator=gen)}
    elif kind == "spectro":  # (AST: frames x mel bins)
        out = {"input_values": torch.rand(1, 64, 32, generator=gen)}
    elif kind == "layout":  # (LayoutLM: ids and one box per token, x0 <= x1, y0 <= y1 in 0..1000)
        xy, wh = torch.randint(0, 500, (1, 32, 2), generator=gen), torch.randint(0, 500, (1, 32, 2), generator=gen)
        out = {"input_ids": torch.randint(0, 1000, (1, 32), generator=gen), "bbox": torch.cat([xy, xy + wh], -1)}
    elif kind == "feats_s2t":  # (Speech2Text: 64 frames x 16 features, 32 decoder ids)
        out = {"input_features": torch.rand(1, 64, 16, generator=gen), "decoder_input_ids": torch.randint(0, 1000, (1, 32), generator=gen)}
    elif kind == "feats_w2vbert":  # (Wav2Vec2-BERT: 50 frames x 32 features)
        out = {"input_features": torch.rand(1, 50, 32, generator=gen)}
    elif kind == "clap":  # (CLAP audio: 1 channel, 256 frames x 16 mel bins = spec_size x freq_ratio)
        out = {"input_features": torch.rand(1, 1, 256, 16, generator=gen)}
    elif kind == "tsf":  # (TimeSeriesTransformer: context 24 + largest lag 3 past steps, 8 future steps, 1 time feature)
        n, f = 24 + 3, 8
        out = {"past_values": torch.rand(1, n, generator=gen) + 0.5, "past_time_features": torch.rand(1, n, 1, generator=gen),
               "past_observed_mask": torch.ones(1, n), "future_values": torch.rand(1, f, generator=gen) + 0.5,
               "future_time_features": torch.rand(1, f, 1, generator=gen)}
    elif kind == "timesfm":  # (TimesFM: 64 steps, no padding, frequency 0)
        out = {"past_values": torch.rand(1, 64, generator=gen), "past_values_padding": torch.zeros(1, 64, dtype=torch.long),
               "freq": torch.zeros(1, 1, dtype=torch.long)}
    elif kind in ("image", "points"):
        out = {"pixel_values": torch.rand(1, 3, 64, 64, generator=gen)}
        if kind == "points":  # (SAM: one point prompt)
            out["input_points"] = torch.rand(1, 1, 1, 2, generator=gen) * 64
    elif kind == "video":
        out = {"pixel_values": torch.rand(1, 4, 3, 64, 64, generator=gen)}
    elif kind == "mel":
        out = {"spectrogram": torch.rand(1, 20, 80, generator=gen)}
    elif kind == "wave":
        out = {"input_values": torch.rand(1, 1, 2048, generator=gen)}
    elif kind == "series":
        out = {"past_values": torch.rand(1, 64, 3, generator=gen)}
    elif kind == "bytes":
        out = {"inputs": torch.randint(0, 262, (1, 32), generator=gen)}
    else:
        out = {"input_values": torch.rand(1, 4000, generator=gen)}
    if "use_cache" in inspect.signature(model.forward).parameters or kind.startswith("ids") and "cache" in inspect.signature(model.forward).parameters:  # fmt: skip
        out["use_cache"] = False  # (transformers 5.24's GraniteMoE takes it through **kwargs: its forward has `cache`)
    return out


def hf_class(transformers, name: str):
    """A transformers class by name, or by its module path where the package does not export it
    (``models.whisper.modeling_whisper.WhisperEncoder``)."""
    import importlib

    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(f"transformers.{module}"), attr) if module else getattr(transformers, name)


def torch_counts(model, inputs: dict, torch) -> tuple[int, int]:
    from torch.utils.flop_counter import FlopCounterMode

    custom = {getattr(torch.ops.aten, k.split(".")[1]): f for k, f in BY_FORMULA.items()}
    # (a mixture of experts counted with transformers' batched_mm experts, as dscost exports it:
    #  the counter does not count grouped_mm's experts, the default on CPU)
    experts = model.get_experts_implementation() if hasattr(model, "set_experts_implementation") else None
    if experts is not None:
        model.set_experts_implementation("batched_mm")
    try:
        try:
            with torch.enable_grad(), FlopCounterMode(display=False, custom_mapping=custom) as counter:
                model(**inputs)
        except AssertionError as err:  # (Reformer's reversible layers: the counter's module tracker fails under grad)
            if "Expected gradient function" not in str(err):
                raise
            with torch.no_grad(), FlopCounterMode(display=False, custom_mapping=custom) as counter:
                model(**inputs)
    finally:
        if experts is not None:
            model.set_experts_implementation(experts)
    return counter.get_total_flops() // 2, sum(p.numel() for p in model.parameters())


# (batch, tokens) -> the options that give dscost that size
SIZES = {(1, 32): ["--dim", "seq=32"], (1, 48): ["--input-shape", "x=1x48"], (4, 24): ["--dim", "seq=24", "--dim", "batch=4"]}
# Other models of ARCHS exported with dynamic axes: (forward keyword, export shape, dynamic axes, the shapes counted)
OTHER_SIZES = {
    "speecht5_hifigan": ("spectrogram", (1, 20, 80), {1: "frames"}, [(1, 20, 80), (1, 57, 80)]),
    "encodec": ("input_values", (1, 1, 2048), {2: "samples"}, [(1, 1, 2048), (1, 1, 4800)]),
    "dac": ("input_values", (1, 1, 2048), {2: "samples"}, [(1, 1, 2048), (1, 1, 4096)]),
    "wav2vec2_conformer": ("input_values", (1, 4000), {0: "batch", 1: "samples"}, [(1, 4000), (1, 8000), (2, 6000)]),
    "hubert": ("input_values", (1, 4000), {0: "batch", 1: "samples"}, [(1, 4000), (2, 9000)]),
    "sew": ("input_values", (1, 4000), {1: "samples"}, [(1, 4000), (1, 7000)]),
    "glpn": ("pixel_values", (1, 3, 64, 64), {2: "h", 3: "w"}, [(1, 3, 64, 64), (1, 3, 96, 128)]),
    "swin2sr": ("pixel_values", (1, 3, 64, 64), {2: "h", 3: "w"}, [(1, 3, 64, 64), (1, 3, 48, 80)]),
    "dpt": ("pixel_values", (1, 3, 64, 64), {0: "batch"}, [(1, 3, 64, 64), (3, 3, 64, 64)]),
    "mobilenet_v1": ("pixel_values", (1, 3, 64, 64), {0: "batch", 2: "h", 3: "w"}, [(1, 3, 64, 64), (2, 3, 96, 96)]),
    "bit": ("pixel_values", (1, 3, 64, 64), {2: "h", 3: "w"}, [(1, 3, 64, 64), (1, 3, 128, 96)]),
    "cvt": ("pixel_values", (1, 3, 64, 64), {2: "h", 3: "w"}, [(1, 3, 64, 64), (1, 3, 96, 96)]),
    "videomae": ("pixel_values", (1, 4, 3, 64, 64), {0: "batch"}, [(1, 4, 3, 64, 64), (2, 4, 3, 64, 64)]),
    "patchtst": ("past_values", (1, 64, 3), {0: "batch"}, [(1, 64, 3), (4, 64, 3)]),
}  # fmt: skip


def dynamic(names: set[str], out: Path) -> int:
    """The text models exported at 16 tokens with a dynamic batch and sequence, counted at SIZES;
    the models of OTHER_SIZES with theirs."""
    import inspect
    import subprocess

    import torch
    import transformers

    from dscost.readers.torch_symbolics import register

    register(torch, "aten::diff")  # (transformers 5's masks, as dscost's own export)

    class Outputs(torch.nn.Module):  # the model from one input (token ids, pixels, samples), every tensor it returns
        def __init__(self, model, key: str):
            super().__init__()
            self.model, self.key = model, key
            self.kw = {"use_cache": False} if {"use_cache", "cache"} & set(inspect.signature(model.forward).parameters) else {}

        def forward(self, x):
            out = self.model(**{self.key: x}, **self.kw)  # (a ModelOutput; HiFi-GAN's is a tensor)
            return out if isinstance(out, torch.Tensor) else tuple(t for t in out.to_tuple() if isinstance(t, torch.Tensor))

    def example(key: str, shape: tuple):
        return torch.randint(0, 1000, shape) if key == "input_ids" else torch.rand(*shape)

    out.mkdir(parents=True, exist_ok=True)
    print("| model | size | torch MACs | dscost MACs | uncounted |\n|---|---|---:|---:|---:|")
    same = total = 0
    for name, (cfg_cls, cfg_kw, model_cls, kind) in ARCHS.items():
        if (kind != "ids" and name not in OTHER_SIZES) or (names and name not in names):
            continue
        if kind == "ids":
            key, shape, axes, sizes = "input_ids", (1, 16), {0: "batch", 1: "seq"}, SIZES
        else:
            key, shape, axes, shapes = OTHER_SIZES[name]
            sizes = {s: ["--input-shape", "x=" + "x".join(map(str, s))] for s in shapes}
        torch.manual_seed(0)
        inner = hf_class(transformers, model_cls)(getattr(transformers, cfg_cls)(**cfg_kw)).eval()
        if inner.get_experts_implementation()[""] not in (None, "eager"):  # (a mixture of experts: exported as its batched_mm
            inner.set_experts_implementation("batched_mm")  # experts, as a user must; grouped_mm exports with neither exporter)
        model = Outputs(inner, key)
        path = out / f"{name}.onnx"
        try:
            torch.onnx.export(model, (example(key, shape),), str(path), dynamo=False, opset_version=17, input_names=["x"],
                              dynamic_axes={"x": axes}, do_constant_folding=False)  # fmt: skip
        except Exception as err:
            print(f"| {name} | export failed: {str(err).splitlines()[0][:100]} | | | |")
            continue
        for size, options in sizes.items():
            ref = torch_counts(model, {"x": example(key, size)}, torch)[0]
            r = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), *options, "-f", "json", "-q"], capture_output=True, text=True)
            d = json.loads(r.stdout) if r.returncode == 0 else {"totals": {"macs": None}, "uncounted": [r.stderr.strip()[-80:]]}
            total += 1
            same += d["totals"]["macs"] == ref and not d["uncounted"]
            macs = d["totals"]["macs"]
            print(f"| {name} | {'x'.join(map(str, size))} | {ref:,} | {f'{macs:,}' if macs is not None else d['uncounted'][0]} | {len(d['uncounted'])} |", flush=True)
    print(f"\n{total} counts: {same} equal torch's with nothing uncounted")
    return 0 if same == total else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="comma-separated names")
    ap.add_argument("--json", type=Path, help="also write the rows to this file")
    ap.add_argument("--shapes", action="store_true", help="also count each model from its inputs' shapes and element types alone, as the CLI does "
                    "(--input-shape input_ids=1x32:int64: zeros; use_cache=False given by dscost), and compare")
    ap.add_argument("--measure", action="store_true", help="dscost.analyze(..., measure_sizes=True): what depends on the data (experts' rows, "
                    "boolean indexing) sized by one onnxruntime run on the same inputs")
    ap.add_argument("--dynamic", action="store_true", help="text models exported by hand with a dynamic batch and sequence, counted at other sizes")
    ap.add_argument("--out", type=Path, default=Path("/tmp/hf-dynamic"), help="folder for --dynamic's files (default /tmp/hf-dynamic)")
    a = ap.parse_args(argv)
    if a.dynamic:
        import transformers

        warnings.filterwarnings("ignore")
        transformers.logging.set_verbosity_error()
        return dynamic({s for s in a.only.split(",") if s}, a.out)
    import torch
    import transformers

    import dscost

    warnings.filterwarnings("ignore")
    transformers.logging.set_verbosity_error()
    only = {s for s in a.only.split(",") if s}
    rows = []
    for name, (cfg_cls, cfg_kw, model_cls, kind) in ARCHS.items():
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        torch.manual_seed(0)
        row = {"name": name, "model": model_cls}
        try:
            model = hf_class(transformers, model_cls)(getattr(transformers, cfg_cls)(**cfg_kw)).eval()
            inputs = inputs_for(kind, model, torch)
            row["torch_macs"], row["torch_params"] = torch_counts(model, inputs, torch)
            a_ = dscost.analyze(model, inputs, measure_sizes=a.measure)
            note = a_.model.notes[0]
            unused = next((re.search(r"\(([\d,]+) elements\) are in no graph", n) for n in a_.model.notes if "are in no graph" in n), None)
            row.update(macs=a_.totals.macs, params=a_.totals.params, uncounted=len(a_.model.uncounted),
                       exporter="dynamo" if "dynamo exporter" in note else "TorchScript",
                       unused=int(unused[1].replace(",", "")) if unused else 0)  # (the parameters dscost's note names: the forward does not use them)
            if a.shapes:  # (what `dscost analyze file.py:build -i NAME=SHAPE[:DTYPE]` makes of it)
                shapes = {k: "x".join(map(str, v.shape)) + ("" if v.is_floating_point() else ":" + str(v.dtype).removeprefix("torch."))
                          for k, v in inputs.items() if isinstance(v, torch.Tensor)}  # fmt: skip
                try:  # (zeros as ids can fail where the tensors do not: a vision-language model's image tokens)
                    row["shape_macs"] = dscost.analyze(model, input_shape=shapes).totals.macs
                except Exception as err:
                    row["shape_macs"], row["shape_error"] = None, f"{type(err).__name__}: {str(err).splitlines()[0][:120] if str(err) else ''}"
        except Exception as err:  # (a config this transformers rejects, an export both exporters refuse)
            row["error"] = f"{type(err).__name__}: {str(err).splitlines()[0][:160] if str(err) else ''}"
        print(f"{name:<14} {time.perf_counter() - t0:5.1f} s  {row.get('exporter', row.get('error', ''))}", file=sys.stderr, flush=True)
        rows.append(row)
    print(f"transformers {transformers.__version__}, torch {torch.__version__}\n")
    print("| model | exported by | torch MACs | dscost MACs | MAC diff | torch params | dscost params | param diff | named unused | uncounted |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if "error" in r:
            print(f"| {r['name']} | {r['error']} | | | | | | | | |")
            continue
        print(f"| {r['name']} | {r['exporter']} | {r['torch_macs']:,} | {r['macs']:,} | {r['macs'] - r['torch_macs']:+,} | "
              f"{r['torch_params']:,} | {r['params']:,} | {r['params'] - r['torch_params']:+,} | {r['unused']:,} | {r['uncounted']} |")  # fmt: skip
    ok = [r for r in rows if "error" not in r]
    print(f"\n{len(rows)} models: {len(ok)} counted; MACs equal torch's on {sum(r['macs'] == r['torch_macs'] for r in ok)}, "
          f"params on {sum(r['params'] == r['torch_params'] for r in ok)} (with the unused ones the note names, "
          f"{sum(r['params'] + r['unused'] == r['torch_params'] for r in ok)}), nothing uncounted on {sum(r['uncounted'] == 0 for r in ok)}")  # fmt: skip
    if a.shapes:
        differ = [f"{r['name']} ({r['shape_macs'] - r['macs']:+,})" if r["shape_macs"] is not None else f"{r['name']} ({r['shape_error']})"
                  for r in ok if r["shape_macs"] != r["macs"]]  # fmt: skip
        print(f"from shapes and element types alone, as the CLI counts: MACs equal those from the tensors on {len(ok) - len(differ)} of {len(ok)}"
              + (f"; differ: {', '.join(differ)}" if differ else ""))  # fmt: skip
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
