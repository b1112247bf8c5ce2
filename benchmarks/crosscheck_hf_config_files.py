"""Sixty-second blind round: Hugging Face ``config.json`` FILES through the CLI, and the ``--meta`` flag.

What it stresses: dscost's reader of a Hugging Face ``config.json`` (``dscost/readers/hf_config.py``: transformers reads
the file, builds the class its ``architectures`` names -- ``AutoModel.from_config`` when none -- under
``torch.device("meta")``, and the meta-device path, ``dscost/readers/torch_meta.py``, exports and counts it from its
shapes), always through the CLI, one process per file; and ``--meta`` on PyTorch factories through the CLI.  (Round
61, ``crosscheck_hf_config_options.py``, covered config OPTIONS through modules given to the API; not repeated here.)

(a) 32 config.json files written by ``transformers.<X>Config(**small).to_json_file`` (2 layers, hidden 32-128, few
heads, small vocabularies; ModernBERT keeps its 50,368-token vocabulary), one folder each, ``architectures`` set to a
head class: decoders LlamaForCausalLM, Mistral, Qwen2, Qwen3, Gemma, Gemma2 (sliding window 8), Phi3, Falcon,
GPT-NeoX, OPT, BLOOM, OLMo, Mixtral (4 experts, top-2), Qwen2-MoE (shared expert), DeepSeek-V3 (MLA, 1 dense + 1 MoE
layer); encoders BertForMaskedLM, RoBERTa, DeBERTa-v2, ALBERT, DistilBERT, ModernBERT; encoder-decoders
T5ForConditionalGeneration, BART, WhisperForConditionalGeneration (``input_features`` 1x80x128 and
``decoder_input_ids``); vision ViTForImageClassification, Swin, ConvNeXt, ResNet, Dinov2Model, CLIPVisionModel
(``-i 1x3x64x64``); speech Wav2Vec2ForCTC (``input_values`` 1x4000); and a Llama config WITHOUT ``architectures``
(dscost builds ``AutoModel.from_config``: LlamaModel).  Run: ``python -m dscost analyze DIR/config.json -i
input_ids=1x16:int64 [-i decoder_input_ids=1x8:int64] -f json -q``.
(b) transformers' full-size defaults: ``LlamaConfig()`` (Llama-2-7B) as LlamaForCausalLM at 16 tokens,
``BertConfig()`` as BertModel (bert-base, pooler included) at 16 tokens, ``ViTConfig(num_labels=1000)`` as
ViTForImageClassification (ViT-B/16) at 224 px, each under ``/usr/bin/time -v``: MACs and params against hand formulas
written out in :func:`hand` (matmuls only: tokens x weights, QK^T and AV; BERT's pooler and ViT's head read one
token) and published params (Llama-2-7B 6,738,415,616; bert-base-uncased 109,482,240; timm's vit_base_patch16_224
86,567,656); wall time and peak RSS.
(c) ``--meta`` through the CLI on 6 torchvision factories (``torchvision.models:X``: resnet18, mobilenet_v3_small,
efficientnet_b0, convnext_tiny, swin_t, vit_b_16) and 6 timm ones (``timm:create_model --arg model_name=X``,
pretrained off: resnet18, efficientnet_b0, mobilenetv3_small_100, vit_tiny_patch16_224, convnext_atto, regnetx_002;
run with the timm venv's python), each with ``--meta`` and without, ``-i 1x3x224x224``: equal MACs and params
expected.
(d) 17 misuses and edge cases, each one CLI process: a .json without ``model_type``, invalid JSON, a >1 MB JSON, a
config with ``auto_map``, an unknown ``model_type``, ``architectures`` naming no class (counted: AutoModel, with a
note), no ``-i``, a wrong input name (``-i tokens=...``), a misspelled extra input (``-i atention_mask=...``),
``--measure-sizes`` and ``bench`` on a config, ``--meta`` on a config (accepted, changes nothing), on an ONNX file, on
an nn.Module object built at import and on a factory calling ``.item()``; a budget file (``dscost check --budget``)
with config.json paths, ``meta: true`` (on a config and on a torchvision factory) and a glob of two configs; ``dscost
diff`` of two configs (Llama vs Qwen2: +256 params, the q/k/v biases).  A refusal must be one ``dscost: error:`` line
on stderr and exit 2.

The oracle (written here, no dscost code): transformers builds the same class from the same config.json
(``AutoConfig.from_pretrained``; the class ``architectures`` names, else ``AutoModel.from_config``) under
``torch.device("meta")``, ``set_experts_implementation("batched_mm")`` where the model has experts (as dscost does),
eval mode, one forward on meta zeros of the same shapes and types inside ``torch.utils.flop_counter.FlopCounterMode``
(FLOPs / 2; torch's ``sdpa_flop_count`` registered for ``aten._scaled_dot_product_flash_attention_for_cpu``);
params = sum(p.numel()).  Where transformers' forward reads a value and cannot run on meta (DeBERTa-v2:
``warn_if_padding_and_no_attention_mask``; BART: ``masking_utils._ignore_causal_mask_sdpa``, both ``.item()``), the
same class is built on the CPU at the same small size and counted the same way (``oracle_device`` in the row).  (c)'s
oracle is dscost itself without ``--meta`` (that path was cross-checked against FlopCounterMode by rounds 51 and 59).

Install: /tmp/tv (Python 3.11, torch 2.14.1 CPU use, torchvision 0.29.1, onnx 1.23.2, onnxruntime 1.32.0, onnxscript,
transformers 5.25.0); for timm a venv over it: ``python3 -m venv /tmp/r62/venv``, a .pth file in its site-packages
holding ``/tmp/tv/lib/python3.11/site-packages``, ``uv pip install --python /tmp/r62/venv/bin/python --no-deps timm
huggingface_hub safetensors`` (timm 1.0.31; no pretrained weights).  Run (from the checkout; DSCOST defaults to the
checkout holding this file; TIMM_PY to /tmp/r62/venv/bin/python; OUT gets the config folders, the misuse files and
rows.json; --parts a,b,c,d, --only NAMES, --reuse merges into an earlier rows.json):

    DSCOST=$PWD /tmp/tv/bin/python benchmarks/crosscheck_hf_config_files.py --out /tmp/r62/run2

One dscost process at a time (400 s timeout each; 900 s for (b)), the oracle in this process after each.  Exit 1
while a row is "DIFF" (a count other than the oracle's, anything uncounted, a traceback, a refusal that is not one
line with exit 2, a timeout) and not in EXPLAINED.  A benchmark: not run in CI.

As run 2026-12-07, Linux x86_64, 2-core VM (shared), Python 3.11: torch 2.14.1 (+cu130 build, CPU use), torchvision
0.29.1, transformers 5.25.0, onnx 1.23.2, onnxruntime 1.32.0, timm 1.0.31; dscost 0.1.0 at the frozen copy of this
round (main's HEAD).  A fresh end-to-end run into /tmp/r62/run2 (all four parts, ~15 min), then ``--parts d --only
diff_two_configs --reuse`` after fixing this script's reading of diff's JSON (its totals are ``base`` / ``new`` /
``delta``, not ``totals``).  35 configs + 12 factories + 17 misuse cases; 76 dscost processes (32 + 3 + 24 + 17); no
hang, no timeout, no traceback, nothing uncounted.  9-16 s a config file (the small ones), 6-9 s a factory without
--meta and 9-14 s with it.

| part | rows | equal | explained | DIFF | refused (one line, exit 2, as wanted) |
|---|---:|---:|---:|---:|---:|
| (a) small config.json files, 31 architectures + 1 without `architectures` | 32 | 30 | 2 | 0 | 0 |
| (b) full-size defaults (oracle, hand formula and published params) | 3 | 3 | 0 | 0 | 0 |
| (c) factories, `--meta` vs without (6 torchvision, 6 timm) | 12 (24 runs) | 12 | 0 | 0 | 0 |
| (d) misuse and edge cases | 17 | 5 | 0 | 0 | 12 |
| total | 64 (76 runs) | 50 | 2 | 0 | 12 |

(a) MACs equal FlopCounterMode's on all 32, params on 30; the 2 explained are DINOv2 and Wav2Vec2 (-64 params each:
``embeddings.mask_token`` / ``wav2vec2.masked_spec_embed`` are read only by masked / SpecAugment forwards, so they are
in no graph; dscost names them in a note: the documented convention).  Llama 1,507,328 MACs / 106,816 params at 16
tokens; Mixtral 2,301,952 (top-2 of 4 experts through ``batched_mm``: 2 x the dense MLP per token, plus the router);
Qwen2-MoE 2,304,000; DeepSeek-V3 1,380,352; ModernBERT (vocabulary 50,368) 53,018,624; Whisper 9,977,856; Swin
14,287,488; the Llama config without ``architectures`` counts LlamaModel (1,245,184 / 90,432 = the oracle's
AutoModel).  DeBERTa-v2 (1,441,792 / 96,192) and BART (2,211,840 / 200,704) equal the CPU oracle: transformers'
forward of both reads a value (``.item()``) and cannot run eagerly on meta -- the oracle's problem, not dscost's, whose
dynamo export traces fake tensors.

(b) all equal to the oracle, the hand formula and the published params:

| config | MACs (dscost = oracle = hand) | params (dscost = oracle = hand = published) | wall | peak RSS |
|---|---:|---:|---:|---:|
| LlamaConfig() as LlamaForCausalLM, 16 tokens | 105,780,346,880 | 6,738,415,616 | 28.3 s | 1,148 MB |
| BertConfig() as BertModel, 16 tokens | 1,364,262,912 | 109,482,240 | 12.3 s | 969 MB |
| ViTConfig(num_labels=1000) as ViTForImageClassification, 224 px | 17,563,828,224 | 86,567,656 | 13.9 s | 966 MB |

(ViT's 17,563,828,224 = README's 17,563,061,760 for the default 2-label head + 768 x 998.)

(c) ``--meta`` = without on all 12 (e.g. swin_t 4,490,566,656 / 28,288,354, vit_b_16 17,563,828,224 / 86,567,656,
timm regnetx_002 199,039,872 / 2,684,792), nothing uncounted.

(d) refused in one ``dscost: error:`` line with exit 2, as wanted: not a config (no "model_type"), invalid JSON (the
parser's position), 1,048,610 bytes ("a few KB"), ``auto_map`` (names trust_remote_code and the factory route), an
unknown model_type (transformers' own first line), no ``-i`` (lists forward's parameters, suggests
``input_ids=1x128:int64``), ``--measure-sizes``, ``bench``, ``--meta`` on an ONNX file, on a module object built at
import, on a factory calling ``.item()``, and the wrong input name (finding 1: refused, but said confusingly).  Counted
as wanted: ``architectures: ["NoSuchForCausalLM"]`` (AutoModel.from_config, said in a note; = the oracle's
LlamaModel), ``--meta`` on a config (accepted, the same count), the misspelled extra input (finding 2: counted right,
but silently), the budget file (exit 0: "all 6 limits hold (5 models)": two entries on the Llama config, one with
``meta: true``, a glob of two configs, ``meta: true`` on torchvision.models:resnet18), and ``diff`` Llama -> Qwen2 (0
MACs, +256 params: the oracles' difference, Qwen2's q/k/v biases; "6 added, 533 unchanged").

Findings (nothing counted wrong; two messages):

1. A wrong input name on a transformers config is refused with a misleading reason.  ``python -m dscost analyze
   /tmp/r62/run2/a/llama/config.json -i tokens=1x16:int64 -q`` says ``forward(tokens: 1x16 int64, use_cache: False)
   failed: ValueError: You must specify exactly one of input_ids or inputs_embeds; integer inputs made from shapes are
   zeros (every token id 0): where their values matter (image tokens among the ids), pass real tensors through the
   Python API, ...``.  Right: ``'tokens' is no parameter of forward(input_ids, attention_mask, ...)``, which dscost says
   for a forward without ``**kwargs``.  Cause: ``torch_inputs.inputs_from_shapes`` checks names only ``if unknown and
   not var_kw``, and every transformers forward takes ``**kwargs`` (TransformersKwargs), so the name reaches the
   forward; ``torch_reader._forward`` then appends the zeros hint (``elif zeros:``), which points at the token values.
2. A misspelled extra input is accepted silently.  ``python -m dscost analyze /tmp/r62/run2/a/llama/config.json -i
   input_ids=1x16:int64 -i atention_mask=1x16:int64 -f json -q`` exits 0, lists ``atention_mask`` among the inputs
   (JSON ``inputs`` and the export note ``at forward(input_ids: 1x16 int64, atention_mask: 1x16 int64, ...)``) though
   the forward never reads it (it lands in ``**kwargs``); the count is that of no mask (right here, a mask costs no
   MACs; a user meaning a mask, or ``pixel_values`` to a VLM, is not told).  Same place: a name in no named parameter
   of a ``**kwargs`` forward deserves a note (or, for a transformers model, whose kwargs are attention options, a
   refusal).

Fixed since (2026-12-07): both.  An input name that is no named parameter of a forward taking ``**kwargs`` gets a
note naming it (``'atention_mask': no named parameter of the forward, given to its **kwargs, where a name it does not
read is ignored``), and when the forward then fails, the line says ``'tokens' is no named parameter of the forward,
which passed it to its **kwargs: check the name`` instead of the zeros hint (``torch_inputs.unnamed``).

Not findings: ``--meta`` on a config is accepted and changes nothing (documented); the unknown-model_type line is
transformers' long first line, still one line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

DSCOST = os.environ.get("DSCOST") or str(Path(__file__).resolve().parents[1])
PY = sys.executable
TIMM_PY = os.environ.get("TIMM_PY", "/tmp/r62/venv/bin/python")

D = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
         vocab_size=256, max_position_embeddings=128)
ENC = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, vocab_size=256,
           max_position_embeddings=128)
VIS = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, image_size=64, patch_size=16)
IDS = {"input_ids": ([1, 16], "int64")}
IMG = {"pixel_values": ([1, 3, 64, 64], "float32")}
S2S = {"input_ids": ([1, 16], "int64"), "decoder_input_ids": ([1, 8], "int64")}

# name: (config class, overrides, architectures (None: left out), inputs {name: (shape, dtype)})
ZOO = {
    "llama": ("LlamaConfig", D, "LlamaForCausalLM", IDS),
    "mistral": ("MistralConfig", D, "MistralForCausalLM", IDS),
    "qwen2": ("Qwen2Config", D, "Qwen2ForCausalLM", IDS),
    "qwen3": ("Qwen3Config", dict(D, head_dim=16), "Qwen3ForCausalLM", IDS),
    "gemma": ("GemmaConfig", dict(D, head_dim=16), "GemmaForCausalLM", IDS),
    "gemma2": ("Gemma2Config", dict(D, head_dim=16, sliding_window=8), "Gemma2ForCausalLM", IDS),
    "phi3": ("Phi3Config", dict(D, pad_token_id=0, bos_token_id=1, eos_token_id=2), "Phi3ForCausalLM", IDS),
    "falcon": ("FalconConfig", dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, vocab_size=256), "FalconForCausalLM", IDS),
    "gpt_neox": ("GPTNeoXConfig", dict(ENC), "GPTNeoXForCausalLM", IDS),
    "opt": ("OPTConfig", dict(hidden_size=64, ffn_dim=128, num_hidden_layers=2, num_attention_heads=4, vocab_size=256,
                              word_embed_proj_dim=64, max_position_embeddings=128), "OPTForCausalLM", IDS),
    "bloom": ("BloomConfig", dict(hidden_size=64, n_layer=2, n_head=4, vocab_size=256), "BloomForCausalLM", IDS),
    "olmo": ("OlmoConfig", dict(D), "OlmoForCausalLM", IDS),
    "mixtral": ("MixtralConfig", dict(D, num_local_experts=4, num_experts_per_tok=2), "MixtralForCausalLM", IDS),
    "qwen2_moe": ("Qwen2MoeConfig", dict(D, num_experts=4, num_experts_per_tok=2, moe_intermediate_size=64,
                                         shared_expert_intermediate_size=128), "Qwen2MoeForCausalLM", IDS),
    "deepseek_v3": ("DeepseekV3Config", dict(D, num_key_value_heads=4, moe_intermediate_size=32, n_routed_experts=4, num_experts_per_tok=2,
                                             n_group=1, topk_group=1, first_k_dense_replace=1, q_lora_rank=32, kv_lora_rank=16,
                                             qk_rope_head_dim=8, qk_nope_head_dim=8, v_head_dim=16), "DeepseekV3ForCausalLM", IDS),
    "bert": ("BertConfig", ENC, "BertForMaskedLM", IDS),
    "roberta": ("RobertaConfig", ENC, "RobertaForMaskedLM", IDS),
    "deberta_v2": ("DebertaV2Config", ENC, "DebertaV2ForMaskedLM", IDS),
    "albert": ("AlbertConfig", dict(ENC, embedding_size=32), "AlbertForMaskedLM", IDS),
    "distilbert": ("DistilBertConfig", dict(dim=64, hidden_dim=128, n_layers=2, n_heads=4, vocab_size=256), "DistilBertForMaskedLM", IDS),
    "modernbert": ("ModernBertConfig", dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4),
                   "ModernBertForMaskedLM", IDS),
    "t5": ("T5Config", dict(d_model=64, d_ff=128, num_layers=2, num_heads=4, d_kv=16, vocab_size=256), "T5ForConditionalGeneration", S2S),
    "bart": ("BartConfig", dict(d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4, decoder_attention_heads=4,
                                encoder_ffn_dim=128, decoder_ffn_dim=128, vocab_size=256, max_position_embeddings=128),
             "BartForConditionalGeneration", S2S),
    "whisper": ("WhisperConfig", dict(d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4, decoder_attention_heads=4,
                                      encoder_ffn_dim=128, decoder_ffn_dim=128, vocab_size=256, num_mel_bins=80, max_source_positions=64,
                                      max_target_positions=64, pad_token_id=0, bos_token_id=1, eos_token_id=2, decoder_start_token_id=3),
                "WhisperForConditionalGeneration", {"input_features": ([1, 80, 128], "float32"), "decoder_input_ids": ([1, 8], "int64")}),
    "vit": ("ViTConfig", dict(VIS, num_labels=10), "ViTForImageClassification", IMG),
    "swin": ("SwinConfig", dict(image_size=64, patch_size=4, embed_dim=32, depths=[2, 2], num_heads=[2, 4], window_size=4, num_labels=10),
             "SwinForImageClassification", IMG),
    "convnext": ("ConvNextConfig", dict(hidden_sizes=[16, 32], depths=[1, 1], num_stages=2, num_labels=10), "ConvNextForImageClassification", IMG),
    "resnet": ("ResNetConfig", dict(embedding_size=16, hidden_sizes=[16, 32], depths=[1, 1], num_labels=10), "ResNetForImageClassification", IMG),
    "dinov2": ("Dinov2Config", VIS, "Dinov2Model", IMG),
    "clip_vision": ("CLIPVisionConfig", VIS, "CLIPVisionModel", IMG),
    "wav2vec2": ("Wav2Vec2Config", dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, vocab_size=32,
                                        conv_dim=[32] * 7, num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4),
                 "Wav2Vec2ForCTC", {"input_values": ([1, 4000], "float32")}),
    "llama_noarch": ("LlamaConfig", D, None, IDS),
}

# (b) transformers' own defaults at full size: (config class, overrides, architectures, inputs)
FULL = {
    "full_llama2_7b": ("LlamaConfig", {}, "LlamaForCausalLM", IDS),
    "full_bert_base": ("BertConfig", {}, "BertModel", IDS),
    "full_vit_b16": ("ViTConfig", {"num_labels": 1000}, "ViTForImageClassification", {"pixel_values": ([1, 3, 224, 224], "float32")}),
}
PUBLISHED_PARAMS = {"full_llama2_7b": 6_738_415_616, "full_bert_base": 109_482_240, "full_vit_b16": 86_567_656}


def hand(name):
    """(MACs, params) written out: matmuls only (weights x tokens, plus QK^T and AV), as FlopCounterMode counts."""
    if name == "full_llama2_7b":
        h, f, L, V, T, nh = 4096, 11008, 32, 32000, 16, 32
        layer_p = 4 * h * h + 3 * h * f + 2 * h
        params = 2 * V * h + L * layer_p + h
        macs = L * (T * (4 * h * h + 3 * h * f) + 2 * nh * T * T * (h // nh)) + T * h * V
        return macs, params
    if name == "full_bert_base":
        h, f, L, V, T, nh, P = 768, 3072, 12, 30522, 16, 12, 512
        layer_p = 4 * (h * h + h) + 2 * h + (h * f + f) + (f * h + h) + 2 * h
        params = (V + P + 2) * h + 2 * h + L * layer_p + h * h + h
        macs = L * (T * (4 * h * h + 2 * h * f) + 2 * nh * T * T * (h // nh)) + h * h  # pooler: first token
        return macs, params
    if name == "full_vit_b16":
        h, f, L, nh, C, p, n = 768, 3072, 12, 12, 1000, 16, 196
        T = n + 1
        layer_p = 4 * (h * h + h) + 2 * h + (h * f + f) + (f * h + h) + 2 * h
        params = (3 * p * p * h + h) + h + T * h + L * layer_p + 2 * h + (h * C + C)
        macs = n * 3 * p * p * h + L * (T * (4 * h * h + 2 * h * f) + 2 * nh * T * T * (h // nh)) + h * C  # head: CLS token
        return macs, params
    raise KeyError(name)


TV = ["resnet18", "mobilenet_v3_small", "efficientnet_b0", "convnext_tiny", "swin_t", "vit_b_16"]
TIMM = ["resnet18", "efficientnet_b0", "mobilenetv3_small_100", "vit_tiny_patch16_224", "convnext_atto", "regnetx_002"]

# Diagnosed rows: (group, name) -> reason.  Filled after the first run.
EXPLAINED: dict[tuple[str, str], str] = {
    ("a", "dinov2"): "params -64: embeddings.mask_token (1x64) is in no graph at these inputs (only a masked forward reads it); dscost "
                     "counts the parameters the graph reads and names it in a note -- its documented convention (README: a mask token "
                     "only training uses); the MACs are equal",
    ("a", "wav2vec2"): "params -64: wav2vec2.masked_spec_embed (64) is used only by SpecAugment masking in training; the same documented "
                       "convention and note; MACs equal",
}


def env():
    e = dict(os.environ)
    e["PYTHONPATH"] = DSCOST + os.pathsep + e.get("PYTHONPATH", "")
    return e


def child(argv, timeout=400, cwd=None):
    t = time.time()
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env(), cwd=cwd)
        return p.returncode, p.stdout, p.stderr, round(time.time() - t, 1)
    except subprocess.TimeoutExpired:
        return "timeout", "", "", round(time.time() - t, 1)


def shape_args(inputs, single=False):
    out = []
    for k, (shape, dt) in inputs.items():
        s = "x".join(map(str, shape))
        if single and len(inputs) == 1 and dt == "float32":
            out += ["-i", s]
        else:
            out += ["-i", f"{k}={s}" + (f":{dt}" if dt != "float32" else "")]
    return out


def parse(rc, out, err, secs):
    row = {"rc": rc, "secs": secs, "stderr": err.strip()[-800:]}
    if rc == 0 and out.strip():
        try:
            doc = json.loads(out.strip().splitlines()[0] if out.strip().startswith("{") and "\n{" in out else out)
            row.update(macs=doc["totals"]["macs"], params=doc["totals"]["params"],
                       uncounted=sorted({u.get("op", "?") if isinstance(u, dict) else str(u) for u in doc.get("uncounted") or []}),
                       notes=doc.get("notes") or [])
        except Exception as e:  # noqa: BLE001
            row["error"] = f"unreadable JSON: {e}"
    return row


def one_line(row):
    lines = row.get("stderr", "").splitlines()
    return row.get("rc") == 2 and len(lines) == 1 and lines[0].startswith("dscost: error: ")


def write_config(d: Path, cls, over, arch):
    import transformers
    d.mkdir(parents=True, exist_ok=True)
    cfg = getattr(transformers, cls)(**over)
    if arch:
        cfg.architectures = [arch]
    cfg.to_json_file(str(d / "config.json"))


# ---------------------------------------------------------------- the oracle (no dscost code)
_REG = False


def _register():
    global _REG
    if _REG:
        return
    import torch
    from torch.utils.flop_counter import register_flop_formula, sdpa_flop_count

    @register_flop_formula(torch.ops.aten._scaled_dot_product_flash_attention_for_cpu)
    def _sdpa_cpu(query_shape, key_shape, value_shape, *args, out_shape=None, **kwargs):
        return sdpa_flop_count(query_shape, key_shape, value_shape)

    _REG = True


def oracle(cfg_dir: Path, inputs):
    _register()
    try:
        return _oracle(cfg_dir, inputs, "meta")
    except RuntimeError as e:  # a forward that reads a value (.item()): the same class on the CPU, small models only
        if "meta" not in str(e) or "full_" in str(cfg_dir):
            raise
        r = _oracle(cfg_dir, inputs, "cpu")
        r["oracle_device"] = f"cpu (on meta: {str(e).splitlines()[0][:80]})"
        return r


def _oracle(cfg_dir: Path, inputs, device):
    import torch
    import transformers
    from torch.utils.flop_counter import FlopCounterMode
    cfg = transformers.AutoConfig.from_pretrained(str(cfg_dir))
    arch = (cfg.architectures or [None])[0]
    with torch.device(device):
        m = getattr(transformers, arch)(cfg) if arch and hasattr(transformers, arch) else transformers.AutoModel.from_config(cfg)
    if hasattr(m, "set_experts_implementation"):
        try:
            m.set_experts_implementation("batched_mm")
        except Exception:  # noqa: BLE001  (no experts)
            pass
    m.eval()
    kw = {k: torch.zeros(s, dtype=getattr(torch, dt), device=device) for k, (s, dt) in inputs.items()}
    fc = FlopCounterMode(display=False)
    with fc:
        m(**kw)
    return {"oracle_macs": fc.get_total_flops() // 2, "oracle_params": sum(p.numel() for p in m.parameters()),
            "oracle_class": type(m).__name__}


# ---------------------------------------------------------------- parts
def part_a(out: Path, rows, only=None):
    for name, (cls, over, arch, inputs) in ZOO.items():
        if only and name not in only:
            continue
        d = out / "a" / name
        write_config(d, cls, over, arch)
        r = parse(*child([PY, "-m", "dscost", "analyze", str(d / "config.json"), *shape_args(inputs, True), "-f", "json", "-q"]))
        r.update(part="a", name=name, cls=arch or "(AutoModel)")
        try:
            r.update(oracle(d, inputs))
        except Exception as e:  # noqa: BLE001
            r["oracle_error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
        rows.append(r)
        print(f"a {name}: {r.get('macs')} {r.get('oracle_macs')} | {r.get('params')} {r.get('oracle_params')} rc={r['rc']} {r['secs']}s", flush=True)


def part_b(out: Path, rows, only=None):
    for name, (cls, over, arch, inputs) in FULL.items():
        if only and name not in only:
            continue
        d = out / "b" / name
        write_config(d, cls, over, arch)
        rc, o, e, secs = child(["/usr/bin/time", "-v", PY, "-m", "dscost", "analyze", str(d / "config.json"), *shape_args(inputs, True), "-f", "json", "-q"], 900)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", e)
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", e)
        e2 = "\n".join(l for l in e.splitlines() if not l.startswith("\t") and "Command" not in l)
        r = parse(rc, o, e2, secs)
        r.update(part="b", name=name, cls=arch, peak_rss_mb=int(rss.group(1)) // 1024 if rss else None, wall=wall.group(1) if wall else None)
        hm, hp = hand(name)
        r.update(hand_macs=hm, hand_params=hp, published_params=PUBLISHED_PARAMS[name])
        try:
            r.update(oracle(d, inputs))
        except Exception as ex:  # noqa: BLE001
            r["oracle_error"] = f"{type(ex).__name__}: {str(ex).splitlines()[0][:200]}"
        rows.append(r)
        print(f"b {name}: {r.get('macs')} hand {hm} oracle {r.get('oracle_macs')} | {r.get('params')} hand {hp} pub {PUBLISHED_PARAMS[name]} "
              f"{r['wall']} {r['peak_rss_mb']} MB", flush=True)


def part_c(out: Path, rows, only=None):
    jobs = [("tv", n, PY, [f"torchvision.models:{n}"], ["-i", "1x3x224x224"]) for n in TV]
    jobs += [("timm", n, TIMM_PY, ["timm:create_model", "--arg", f"model_name={n}"], ["-i", "1x3x224x224"]) for n in TIMM]
    for src, n, py, target, shp in jobs:
        if only and n not in only:
            continue
        res = {}
        for meta in (False, True):
            res[meta] = parse(*child([py, "-m", "dscost", "analyze", *target, *shp, *(["--meta"] if meta else []), "-f", "json", "-q"]))
        r = {"part": "c", "name": f"{src}:{n}", "plain": res[False], "meta": res[True], "rc": res[True]["rc"]}
        rows.append(r)
        print(f"c {src}:{n}: {res[False].get('macs')} {res[True].get('macs')} | {res[False].get('params')} {res[True].get('params')} "
              f"{res[False]['secs']}s {res[True]['secs']}s", flush=True)


def part_d(out: Path, rows, only=None):
    d = out / "d"
    d.mkdir(parents=True, exist_ok=True)
    llama = out / "a" / "llama" / "config.json"
    if not llama.exists():
        write_config(llama.parent, *ZOO["llama"][:3])
    qwen = out / "a" / "qwen2" / "config.json"
    if not qwen.exists():
        write_config(qwen.parent, *ZOO["qwen2"][:3])
    (d / "notconfig").mkdir(exist_ok=True)
    (d / "notconfig" / "config.json").write_text(json.dumps({"name": "x", "layers": [1, 2]}))
    (d / "invalid").mkdir(exist_ok=True)
    (d / "invalid" / "config.json").write_text('{"model_type": "llama", ')
    (d / "big").mkdir(exist_ok=True)
    (d / "big" / "config.json").write_text(json.dumps({"model_type": "llama", "pad": "x" * (1 << 20)}))
    (d / "automap").mkdir(exist_ok=True)
    (d / "automap" / "config.json").write_text(json.dumps({"model_type": "my_custom", "architectures": ["MyCustomModel"],
                                                           "auto_map": {"AutoConfig": "configuration_my.MyConfig", "AutoModel": "modeling_my.MyModel"}}))
    (d / "unknown").mkdir(exist_ok=True)
    (d / "unknown" / "config.json").write_text(json.dumps({"model_type": "no_such_model_xyz", "hidden_size": 64}))
    cfg = json.loads(llama.read_text())
    cfg["architectures"] = ["NoSuchForCausalLM"]
    (d / "badarch").mkdir(exist_ok=True)
    (d / "badarch" / "config.json").write_text(json.dumps(cfg))
    # a tiny ONNX file (onnx's helper; not dscost)
    import onnx
    from onnx import TensorProto, helper
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(d / "relu.onnx"))
    (d / "zoo.py").write_text("import torch\nnet = torch.nn.Linear(4, 4)\n\n"
                              "def itemnet():\n    n = int(torch.ones(1).sum().item()) + 3\n    return torch.nn.Linear(n, n)\n")
    (d / "glob" / "m1").mkdir(parents=True, exist_ok=True)
    (d / "glob" / "m2").mkdir(parents=True, exist_ok=True)
    (d / "glob" / "m1" / "config.json").write_text(llama.read_text())
    (d / "glob" / "m2" / "config.json").write_text(qwen.read_text())
    (d / "budget.yaml").write_text(f"""budgets:
  - path: {llama}
    input_shapes: {{input_ids: [1, 16]}}
    input_dtypes: {{input_ids: int64}}
    max_macs: 1G
    max_params: 10M
  - path: {llama}
    name: llama-meta
    meta: true
    input_shapes: {{input_ids: [1, 16]}}
    input_dtypes: {{input_ids: int64}}
    max_macs: 1G
  - path: glob/*/config.json
    input_shapes: {{input_ids: [1, 16]}}
    input_dtypes: {{input_ids: int64}}
    max_params: 10M
  - path: torchvision.models:resnet18
    meta: true
    input_shapes: [1, 3, 64, 64]
    max_macs: 1G
""")
    L, I = str(llama), ["-i", "input_ids=1x16:int64"]
    A = [PY, "-m", "dscost"]
    cases = [
        ("not_a_config", A + ["analyze", str(d / "notconfig" / "config.json"), *I, "-q"], "refuse"),
        ("invalid_json", A + ["analyze", str(d / "invalid" / "config.json"), *I, "-q"], "refuse"),
        ("over_1mb", A + ["analyze", str(d / "big" / "config.json"), *I, "-q"], "refuse"),
        ("auto_map", A + ["analyze", str(d / "automap" / "config.json"), *I, "-q"], "refuse"),
        ("unknown_model_type", A + ["analyze", str(d / "unknown" / "config.json"), *I, "-q"], "refuse"),
        ("architectures_no_class", A + ["analyze", str(d / "badarch" / "config.json"), *I, "-f", "json", "-q"], "count"),
        ("misspelled_extra_input", A + ["analyze", L, *I, "-i", "atention_mask=1x16:int64", "-f", "json", "-q"], "count"),
        ("no_inputs", A + ["analyze", L, "-q"], "refuse"),
        ("wrong_input_name", A + ["analyze", L, "-i", "tokens=1x16:int64", "-q"], "refuse"),
        ("measure_sizes", A + ["analyze", L, *I, "--measure-sizes", "-q"], "refuse"),
        ("bench", A + ["bench", L, *I], "refuse"),
        ("meta_on_config", A + ["analyze", L, *I, "--meta", "-f", "json", "-q"], "count"),
        ("meta_on_onnx", A + ["analyze", str(d / "relu.onnx"), "--meta", "-q"], "refuse"),
        ("meta_on_module_object", A + ["analyze", str(d / "zoo.py") + ":net", "-i", "1x4", "--meta", "-q"], "refuse"),
        ("meta_factory_item", A + ["analyze", str(d / "zoo.py") + ":itemnet", "-i", "1x4", "--meta", "-q"], "refuse"),
        ("budget_meta_configs_glob", A + ["check", "--budget", str(d / "budget.yaml"), "-q"], "pass"),
        ("diff_two_configs", A + ["diff", L, str(qwen), *I, "-f", "json"], "count"),
    ]
    for name, argv, want in cases:
        if only and name not in only:
            continue
        rc, o, e, secs = child(argv, cwd=str(d))
        r = {"part": "d", "name": name, "rc": rc, "secs": secs, "stderr": e.strip()[-1500:], "stdout": o.strip()[-1500:], "want": want,
             "argv": " ".join(a if a != PY else "python" for a in argv)}
        if want == "count" and rc == 0:
            try:
                doc = json.loads(o)
                t = doc.get("totals") or {}
                r.update(macs=t.get("macs"), params=t.get("params"), notes=doc.get("notes") or [])
                if "delta" in doc:  # diff: the two totals and their delta
                    r.update(totals={k: {kk: doc[k].get(kk) for kk in ("macs", "params")} if isinstance(doc[k], dict) else doc[k]
                                     for k in ("base", "new", "delta")})
            except Exception as ex:  # noqa: BLE001
                r["parse_error"] = str(ex)
        rows.append(r)
        print(f"d {name}: rc={rc} {secs}s {e.strip().splitlines()[-1][:200] if e.strip() else o.strip()[:200]}", flush=True)


# ---------------------------------------------------------------- verdicts
# (d) counted cases: the oracle row whose MACs and params they must give (diff: params new - base)
EXPECT = {"architectures_no_class": "llama_noarch", "meta_on_config": "llama", "misspelled_extra_input": "llama"}
ORACLE: dict = {}


def verdict(r):
    key = (r["part"], r["name"])
    if r["part"] in ("a", "b"):
        if "macs" not in r:
            v = "refused" if one_line(r) else "DIFF"
        elif r.get("uncounted") or "oracle_macs" not in r:
            v = "DIFF"
        elif r["macs"] == r["oracle_macs"] and r["params"] == r["oracle_params"]:
            v = "equal"
        else:
            v = "DIFF"
        if r["part"] == "b" and v == "equal" and (r["macs"], r["params"]) != (r["hand_macs"], r["hand_params"]):
            v = "DIFF"
    elif r["part"] == "c":
        p, m = r["plain"], r["meta"]
        if "macs" not in m:
            v = "refused" if one_line(m) else "DIFF"
        elif "macs" not in p:
            v = "DIFF"
        elif (p["macs"], p["params"]) == (m["macs"], m["params"]) and not m.get("uncounted"):
            v = "equal"
        else:
            v = "DIFF"
    else:
        want = r["want"]
        if want == "refuse":
            ok = one_line(r)
        elif want == "pass":
            ok = r["rc"] in (0, 1) and "Traceback" not in r["stderr"]
        else:
            ok = r["rc"] == 0 and "Traceback" not in r["stderr"]
            o = ORACLE.get(EXPECT.get(r["name"]))
            if ok and o:
                ok = (r.get("macs"), r.get("params")) == (o["oracle_macs"], o["oracle_params"])
            b, n = ORACLE.get("llama"), ORACLE.get("qwen2")  # (part (a)'s: without it, the diff is checked for its exit alone)
            if ok and r["name"] == "diff_two_configs" and b and n:  # Llama -> Qwen2: the oracles' difference (Qwen2's q/k/v biases)
                t = r.get("totals") or {}
                ok = t.get("delta", {}).get("macs") == n["oracle_macs"] - b["oracle_macs"] and \
                    t.get("delta", {}).get("params") == n["oracle_params"] - b["oracle_params"]
        v = ("refused" if want == "refuse" else "equal") if ok else "DIFF"
    if v in ("DIFF", "REFUSED") and key in EXPLAINED:
        v = "explained"
    return v


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="/tmp/r62/run")
    ap.add_argument("--json", default=None, help="rows (read with --reuse, written always)")
    ap.add_argument("--parts", default="a,b,c,d")
    ap.add_argument("--only", default="")
    ap.add_argument("--reuse", action="store_true")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    jpath = Path(a.json or out / "rows.json")
    rows = json.loads(jpath.read_text()) if a.reuse and jpath.exists() else []
    only = set(filter(None, a.only.split(",")))
    parts = a.parts.split(",")
    new: list = []
    for p in parts:
        {"a": part_a, "b": part_b, "c": part_c, "d": part_d}[p](out, new, only)
        done = {(r["part"], r["name"]) for r in new}
        merged = [r for r in rows if (r["part"], r["name"]) not in done] + new
        jpath.write_text(json.dumps(merged, indent=1))
    rows = [r for r in rows if (r["part"], r["name"]) not in {(x["part"], x["name"]) for x in new}] + new
    jpath.write_text(json.dumps(rows, indent=1))
    counts: dict = {}
    ORACLE.update({r["name"]: r for r in rows if r["part"] == "a" and "oracle_macs" in r})
    for r in rows:
        v = verdict(r)
        counts.setdefault(r["part"], {}).setdefault(v, 0)
        counts[r["part"]][v] += 1
        if v in ("DIFF",):
            print(f"UNEXPLAINED {r['part']} {r['name']}: {r.get('macs', r.get('meta', {}).get('macs'))} vs {r.get('oracle_macs')} | "
                  f"{r.get('params')} vs {r.get('oracle_params')} {(r.get('stderr') or '')[-300:]}")
    print("| part | equal | explained | DIFF | refused |")
    print("|---|---:|---:|---:|---:|")
    for p, c in sorted(counts.items()):
        print(f"| {p} | {c.get('equal', 0)} | {c.get('explained', 0)} | {c.get('DIFF', 0)} | {c.get('refused', 0)} |")
    return 1 if any(c.get("DIFF") for c in counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
