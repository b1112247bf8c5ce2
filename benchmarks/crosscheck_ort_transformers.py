r"""Thirty-fifth blind round (2026-12-06): onnxruntime's offline transformer tools -- a
differential test of dscost on the files they write from a transformers model, against the
original export's counts (and torch's own counter on the module).

What it stresses (crosscheck_ort.py holds only the session-level optimizer and the static and
dynamic quantizers): ``onnxruntime.transformers.optimizer.optimize_model`` with the model type
each family has (bert, gpt2, t5, bart, vit, clip, swin, gpt_neox, phi, qwen3), whose Python
fusions can write com.microsoft Attention, MultiHeadAttention, EmbedLayerNormalization,
SkipLayerNormalization, SkipSimplifiedLayerNormalization, SimplifiedLayerNormalization,
BiasGelu, FastGelu, Gelu, QuickGelu, BiasAdd, BiasSplitGelu, RotaryEmbedding, GroupQueryAttention,
RelativePositionBias, FusedMatMul (its ``opt_level`` None: level 1 of onnxruntime's session
optimizer first for bert and gpt2); the optimized file converted to float16
(``convert_float_to_float16(keep_io_types=True)``: Cast nodes at the inputs and outputs, float16
initializers); and int4 weight-only quantization, ``MatMulNBitsQuantizer`` (block size 32,
symmetric and not, QOperator: MatMulNBits with packed uint8 weights, float scales and, when not
symmetric, packed zero points) on the plain and the fused files.  The models are transformers'
BERT, DistilBERT, RoBERTa, GPT-2, ViT, CLIP text and vision, T5 encoder, BART, the Whisper
encoder, Swin, GPT-NeoX, Llama, Phi and Qwen3 from small configs (2 layers, width 64, 4 heads,
hidden 128, vocabulary 256; eager attention), random weights, no download; each exported by the
TorchScript exporter (opset 17, eval, constant folding: the weights as initializers, as
onnxruntime's own export scripts write them) and by the dynamo exporter, both optimized.

For each derived file: dscost's total MACs and params against the export it came from, its
uncounted nodes, the com.microsoft ops it holds, and whether onnxruntime runs it (a file the tool
itself broke is reported as such, not as dscost's).  Expected: MACs equal (MatMulNBits counts
its K x N product as the MatMul it replaces; a fused Attention its projections and both
products); params equal but for what the tool merges or drops (named in the findings).

    python3.11 -m venv /tmp/r35/venv && /tmp/r35/venv/bin/pip install uv
    printf 'numpy==2.4.6\nonnx==1.23.2\nonnx-ir==1.1.0\nonnxruntime==1.32.0\nonnxscript==0.7.2\ntorch==2.14.1\n' > /tmp/r35/constraints.txt
    /tmp/r35/venv/bin/python -m uv pip install --python /tmp/r35/venv/bin/python -c /tmp/r35/constraints.txt \
        torch==2.14.1 onnx onnxscript onnxruntime typer rich pydantic pyyaml transformers sympy packaging
    # transformers 4.46.3 beside it (the *_tf4 rows), and onnxruntime-genai's builder (the genai_llama row), without their deps:
    /tmp/r35/venv/bin/python -m uv pip install --python /tmp/r35/venv/bin/python --target /tmp/r35/tf4 --no-deps \
        transformers==4.46.3 tokenizers==0.20.3 huggingface-hub==0.26.5 requests urllib3 certifi charset-normalizer idna
    /tmp/r35/venv/bin/python -m uv pip install --python /tmp/r35/venv/bin/python --target /tmp/r35/genai --no-deps onnxruntime-genai==0.18.0
    PYTHONPATH=/work/main /tmp/r35/venv/bin/python benchmarks/crosscheck_ort_transformers.py [--only bert,gpt2_tf4] [--json rows.json] [--out DIR]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r35/zoo).
Models ending in ``_tf4`` are the same configs built by transformers 4.46.3 (``--tf4 DIR``, put
first on the child's sys.path): onnxruntime's fusions were written for its graphs, and on
transformers 5's (new mask code, eager attention) none fuses Attention.  ``genai_llama``:
onnxruntime-genai's ``builder.py -p fp32|int4 -e cpu`` on a LlamaForCausalLM saved to a folder
with a word-level tokenizer (the builder loads one), counted with ``--dim`` batch 2, 16 tokens,
an empty cache (past 0), against that model's dynamo file.  Exit code 1 when a derived file's MACs
differ from its source's or it has an uncounted node.

As run (2026-12-06, torch 2.14.1, onnx 1.23.2, onnxscript 0.7.2, onnxruntime 1.32.0,
transformers 5.25.0 and 4.46.3, onnxruntime-genai 0.18.0; 30 models, 19 min on 2 shared
cores): **MACs equal their source's in 167 of the 170 derived files counted, none with an
uncounted node**, the other 3 llama_tf4's optimized files (below); 35 more have no count: 25
from TorchScript files that do not exist, 5 the tool's failures, 5 dscost's (below).  Every TorchScript and dynamo export equals torch's counter but for the dynamo exporter
folding the rotary table's ``inv_freq @ positions`` (a K = 1 MatMul of constants: GPT-NeoX -32,
Phi -64, Llama -128 with transformers 4.46.3; torch counts its ``bmm``).  onnxruntime folds the
same MatMul in the optimized TorchScript file of llama_tf4 (-128, the only MAC difference of a
derived file: the tool changed the arithmetic, as crosscheck_simplifiers.py states).  Contrib ops
met and counted: Attention (BERT and RoBERTa from transformers 4.46.3 only), GroupQueryAttention
with its rotary (genai: its QK and AV products, 65,536 a layer, 98,304 with past 8),
SkipLayerNormalization, SkipSimplifiedLayerNormalization, SimplifiedLayerNormalization, Gelu,
FastGelu, QuickGelu, BiasGelu, MatMulNBits (K x N weights counted as the float MatMul's, so
int4 files keep the params of their source, symmetric or not).  No tool wrote
EmbedLayerNormalization, MultiHeadAttention, RotaryEmbedding, BiasAdd or FusedMatMul on these
graphs.

Two dscost findings:

- (fixed the same day, a58acaa: the domain is read as imported at version 1, as onnxruntime
  imports it, said in a note; the 5 files then count their sources' MACs and params) dscost stops ("shape inference failed: ... No opset import for domain com.microsoft") on the
  files optimize_model writes for GPT-NeoX (both transformers, TorchScript and dynamo sources,
  BiasGelu) and Qwen3 (dynamo, SkipSimplifiedLayerNormalization): they hold com.microsoft nodes
  but no opset_import for the domain, and onnxruntime runs them (5 files).  The same graphs
  quantized to int4 afterwards, re-saved by the quantizer with the import, count equal.
- an all-zero attention mask the optimizer folds (ViT's dynamo file: the Where over an absent
  mask becomes a (1, 1, 17, 17) initializer of zeros added to the scores) counts as 289 learned
  params; the mask check only recognizes infinities and the type's extremes.  Left as it is: a
  stored tensor of zeros over queries x keys may be a fresh model's learned bias too (BEiT's
  relative position table starts at zero, and a file may hold it gathered), which torch counts.

Params: equal in every int4 file (both exporters, symmetric and not) and in the genai files
(106,816 = torch's).  The optimized files differ from their source by onnxruntime's constant
folding of gathers and tables, counted at their folded size as the file holds them (the dynamo
exporter makes the same folds, so the dynamo file's optimized twin is equal to it): learned
position tables sliced to the 16 used rows (BERT, DistilBERT, GPT-2 -3,072, CLIP text -1,024,
BART -5,376 / -4,352 with a row per batch), T5's relative bias gathered to 4 x 16 x 16 (+992),
RoBERTa 4.46's one-row token-type table broadcast to 2 x 16 x 64 (+1,984), Swin's shifted-window
mask (-100s) and relative bias folded into stored tensors (+1,536 / +1,024), Llama's cos and sin
tables (+512).  The TorchScript and dynamo files' own differences from torch are the known
conventions: CLIP vision's post_layernorm, which last_hidden_state does not read (-128), Swin's
gathered relative-position bias (+2,484).

Not dscost's: the TorchScript exporter fails on transformers 5's decoders (GPT-2, GPT-NeoX, Llama,
Phi, Qwen3: ``aten::diff`` in the mask code); optimize_model(model_type="phi") raises TypeError
("'method' object is not iterable", onnx_model_phi.py:450) on both exporters' files; onnxruntime's
own session optimizer fails on optimized BERT-family files ("graph.cc AddInitializedOrtValue
Attempt to replace the existing tensor": DistilBERT's optimized and float16 files, RoBERTa's with
transformers 5, the dynamo sources' of BERT, DistilBERT and RoBERTa), which run with graph
optimizations off (shown as such); MatMulNBitsQuantizer quantizes MatMul only, so the Gemms that
onnxruntime's level 1 makes of MatMul + Add stay float in the opt_int4 files (ViT and CLIP keep
none quantized), and GPT-2 4.46's Conv1D, exported as Gemm, none either.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_OUT = Path("/tmp/r35/zoo")
TIMEOUT_S = 600
DSCOST_TIMEOUT_S = 300
B, T, V = 2, 16, 256  # batch, tokens, vocabulary (token ids drawn in [0, 100))
EXPORT = {"dynamo": False, "opset_version": 17, "do_constant_folding": True}
# the derived files: (name, source variant, how)
VARIANTS = (
    ("opt", "ts", "optimize"),
    ("opt_fp16", "ts", "optimize+fp16"),
    ("int4", "ts", "int4 sym"),
    ("int4_asym", "ts", "int4 asym"),
    ("opt_int4", "ts", "optimize+int4 sym"),
    ("dyn_opt", "dynamo", "optimize"),
    ("dyn_int4", "dynamo", "int4 sym"),
    ("genai_fp32", "dynamo", "genai fp32"),  # (the genai_llama row only)
    ("genai_int4", "dynamo", "genai int4"),
)
GENAI_DIR = Path("/tmp/r35/genai")  # onnxruntime-genai 0.18.0 installed with --target --no-deps (its builder.py)
GENAI_DIMS = {"batch_size": B, "sequence_length": T, "past_sequence_length": 0, "total_sequence_length": T, "kv_cache_dim": 16}


# ---------------------------------------------------------------- the models
def _tok(n: int = 1, mask: bool = False, types: bool = False):
    ins = [("input_ids", (B, T), "int64")]
    if mask:
        ins.append(("attention_mask", (B, T), "int64"))
    if types:
        ins.append(("token_type_ids", (B, T), "int64"))
    return ins


def _build(kind: str):
    """transformers' model for ``kind``, from a small config (eager attention), and a forward that
    takes only the inputs below and returns the last hidden state (plain tensors for the exporters)."""
    import torch
    import transformers as tf
    from torch import nn

    torch.manual_seed(0)
    common = dict(attn_implementation="eager")
    kind = kind.removesuffix("_tf4")
    if kind == "bert":
        m = tf.BertModel(tf.BertConfig(vocab_size=V, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
                                       max_position_embeddings=64, **common), add_pooling_layer=False)  # fmt: skip
    elif kind == "distilbert":
        m = tf.DistilBertModel(tf.DistilBertConfig(vocab_size=V, dim=64, n_layers=2, n_heads=4, hidden_dim=128, max_position_embeddings=64, **common))
    elif kind == "roberta":
        m = tf.RobertaModel(tf.RobertaConfig(vocab_size=V, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
                                             max_position_embeddings=66, pad_token_id=1, type_vocab_size=1, **common), add_pooling_layer=False)  # fmt: skip
    elif kind == "gpt2":
        m = tf.GPT2Model(tf.GPT2Config(vocab_size=V, n_embd=64, n_layer=2, n_head=4, n_positions=64, n_inner=128, use_cache=False, **common))
    elif kind == "vit":
        m = tf.ViTModel(tf.ViTConfig(image_size=32, patch_size=8, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
                                     **common), add_pooling_layer=False)  # fmt: skip
    elif kind == "clip_text":
        m = tf.CLIPTextModel(tf.CLIPTextConfig(vocab_size=V, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                                               max_position_embeddings=32, **common))  # fmt: skip
    elif kind == "clip_vision":
        m = tf.CLIPVisionModel(tf.CLIPVisionConfig(image_size=32, patch_size=8, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                                   num_attention_heads=4, **common))  # fmt: skip
    elif kind == "t5_encoder":
        m = tf.T5EncoderModel(tf.T5Config(vocab_size=V, d_model=64, d_kv=16, d_ff=128, num_layers=2, num_heads=4, relative_attention_num_buckets=8,
                                          use_cache=False, **common))  # fmt: skip
    elif kind == "bart":
        m = tf.BartModel(tf.BartConfig(vocab_size=V, d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                                       decoder_attention_heads=4, encoder_ffn_dim=128, decoder_ffn_dim=128, max_position_embeddings=64,
                                       use_cache=False, **common))  # fmt: skip
    elif kind == "whisper_encoder":
        m = tf.WhisperModel(tf.WhisperConfig(vocab_size=V, d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                                             decoder_attention_heads=4, encoder_ffn_dim=128, decoder_ffn_dim=128, num_mel_bins=16,
                                             max_source_positions=32, max_target_positions=32, use_cache=False, pad_token_id=1, bos_token_id=0,
                                             eos_token_id=2, decoder_start_token_id=0, **common)).get_encoder()  # fmt: skip
    elif kind == "swin":
        m = tf.SwinModel(tf.SwinConfig(image_size=32, patch_size=4, embed_dim=32, depths=[2, 2], num_heads=[2, 4], window_size=4, **common),
                         add_pooling_layer=False)  # fmt: skip
    elif kind == "gpt_neox":
        m = tf.GPTNeoXModel(tf.GPTNeoXConfig(vocab_size=V, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
                                             max_position_embeddings=64, rotary_pct=0.25, use_cache=False, **common))  # fmt: skip
    elif kind == "llama":
        m = tf.LlamaModel(tf.LlamaConfig(vocab_size=V, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                                         intermediate_size=128, max_position_embeddings=64, use_cache=False, **common))  # fmt: skip
    elif kind == "phi":
        m = tf.PhiModel(tf.PhiConfig(vocab_size=V, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
                                     max_position_embeddings=64, partial_rotary_factor=0.5, use_cache=False, **common))  # fmt: skip
    elif kind == "qwen3":
        m = tf.Qwen3Model(tf.Qwen3Config(vocab_size=V, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                                         head_dim=16, intermediate_size=128, max_position_embeddings=64, use_cache=False, **common))  # fmt: skip
    else:
        raise KeyError(kind)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m

        def forward(self, *xs):
            names = [n for n, _, _ in ENTRIES[kind][1]]  # (the same inputs with or without _tf4)
            out = self.m(**dict(zip(names, xs)), return_dict=True)
            return out.last_hidden_state

    torch.manual_seed(0)
    net = Net().eval()
    with torch.no_grad():  # no two weights equal (fresh norms are ones and zeros, biases zeros: tools merge equal initializers)
        for p in net.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    return net


IMG = [("pixel_values", (1, 3, 32, 32), "float32")]
# name -> (model type for optimize_model, inputs, note)
ENTRIES = {
    "bert": ("bert", _tok(mask=True, types=True), "BertModel, no pooler"),
    "distilbert": ("bert", _tok(mask=True), "DistilBertModel"),
    "roberta": ("bert", _tok(mask=True), "RobertaModel (padding-offset positions), no pooler"),
    "gpt2": ("gpt2", _tok(), "GPT2Model, no cache"),
    "vit": ("vit", IMG, "ViTModel 32x32, patch 8, no pooler"),
    "clip_text": ("clip", _tok(), "CLIPTextModel (causal, QuickGELU, EOT pooling)"),
    "clip_vision": ("clip", IMG, "CLIPVisionModel 32x32, patch 8"),
    "t5_encoder": ("t5", _tok(mask=True), "T5EncoderModel (relative position buckets, RMSNorm)"),
    "bart": ("bart", _tok(mask=True), "BartModel encoder-decoder (decoder ids shifted inputs)"),
    "whisper_encoder": ("bart", [("input_features", (1, 16, 64), "float32")], "WhisperEncoder, 16 mel bins x 64 frames"),
    "swin": ("swin", IMG, "SwinModel 32x32, patch 4, window 4, 2 stages"),
    "gpt_neox": ("gpt_neox", _tok(), "GPTNeoXModel (parallel residual, rotary 25%)"),
    "llama": ("gpt2", _tok(), "LlamaModel (GQA 4/2, RMSNorm, RoPE, SwiGLU)"),
    "phi": ("phi", _tok(), "PhiModel (partial rotary 50%, parallel, dense GELU)"),
    "qwen3": ("qwen3", _tok(), "Qwen3Model (GQA 4/2, qk norm)"),
}
# the same models from transformers 4.46.3 (--tf4 DIR, installed apart): the graphs onnxruntime's
# fusions were written for (transformers 5's masks and attention leave Attention unfused)
TF4_DIR = Path("/tmp/r35/tf4")
ENTRIES.update({k + "_tf4": v for k, v in list(ENTRIES.items()) if k != "qwen3"})
ENTRIES["genai_llama"] = ("-", _tok(), "onnxruntime-genai's model builder on LlamaForCausalLM saved to a folder (GroupQueryAttention with its rotary, "
                         "SkipSimplifiedLayerNormalization, MatMulNBits); counted with an empty cache (past 0, --dim); against its dynamo file")


def _genai_hf(folder: Path):
    """LlamaForCausalLM (the llama entry's config, untied head) saved with a word-level tokenizer of
    the tokenizers library (the builder loads one; no download)."""
    import torch
    import transformers as tf
    from tokenizers import Tokenizer, models, pre_tokenizers

    torch.manual_seed(0)
    m = tf.LlamaForCausalLM(tf.LlamaConfig(vocab_size=V, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                                           intermediate_size=128, max_position_embeddings=64, tie_word_embeddings=False)).eval()  # fmt: skip
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    m.save_pretrained(folder)
    vocab = {f"t{i}": i for i in range(V)} | {"<unk>": 0, "<s>": 1, "</s>": 2}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tf.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", bos_token="<s>", eos_token="</s>").save_pretrained(folder)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m

        def forward(self, input_ids):
            return self.m(input_ids=input_ids, use_cache=False).logits

    return Net().eval()


def one_genai(out: Path, genai: Path) -> dict:
    """The genai_llama row: torch's counter, the dynamo file, the builder's fp32 and int4 files."""
    import numpy as np
    import onnxruntime as ort
    import torch

    import crosscheck_torch as C

    row = {"name": "genai_llama", "model_type": "-", "note": ENTRIES["genai_llama"][2], "inputs": [["input_ids", [B, T], "int64"]]}
    hf = out / "genai_llama_hf"
    net = _genai_hf(hf)
    import transformers

    row["transformers"] = transformers.__version__
    args = (torch.randint(2, 100, (B, T)),)
    macs, params, _, _ = C.torch_reference(net, args)
    row.update(torch_macs=macs, torch_params=params)
    path = out / "genai_llama.dynamo.onnx"
    try:
        torch.onnx.export(net, args, str(path), input_names=["input_ids"], output_names=["logits"], dynamo=True, opset_version=18)
        row["dynamo"] = dscost_counts(path) | ort_check(str(path)) | {"ms_ops": ms_ops(str(path))}
    except Exception as exc:  # noqa: BLE001
        row["dynamo"] = {"error": f"export failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"}
    row["ts"] = {"error": "not exported (the builder's row)"}
    builder = genai / "onnxruntime_genai" / "models"
    for precision in ("fp32", "int4"):
        d = out / f"genai_llama_{precision}"
        cmd = [sys.executable, str(builder / "builder.py"), "-i", str(hf), "-o", str(d), "-p", precision, "-e", "cpu", "-c", str(out / "genai_cache")]
        r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(builder)), timeout=TIMEOUT_S)
        key = f"genai_{precision}"
        if r.returncode or not (d / "model.onnx").exists():
            row[key] = {"error": "builder failed: " + ((r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[-1][:300])}
            continue
        f = str(d / "model.onnx")
        row[key] = dscost_counts(Path(f), [a for k, v in GENAI_DIMS.items() for a in ("--dim", f"{k}={v}")]) | {"ms_ops": ms_ops(f), "from": "dynamo"}
        try:  # an empty cache: past 0, the mask all ones
            sess = ort.InferenceSession(f, providers=["CPUExecutionProvider"])
            feeds = {"input_ids": args[0].numpy(), "attention_mask": np.ones((B, T), np.int64)}
            for i in sess.get_inputs():
                if i.name.startswith("past_key_values"):
                    feeds[i.name] = np.zeros((B, i.shape[1], 0, GENAI_DIMS["kv_cache_dim"]), np.float32)
            logits = sess.run(["logits"], feeds)[0]
            ref = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"input_ids": args[0].numpy()})[0]
            row[key] |= {"ort": "ok", "max_abs_diff": float(np.max(np.abs(logits - ref)))}
        except Exception as exc:  # noqa: BLE001
            row[key]["ort"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][-200:] if str(exc) else ''}"
    return row


# ---------------------------------------------------------------- one model, in the child
def _feeds(path: str):
    import numpy as np
    import onnx

    g = onnx.load(path, load_external_data=False).graph
    init = {i.name for i in g.initializer}
    rng = np.random.default_rng(1)
    feeds = {}
    for i in g.input:
        if i.name in init:
            continue
        t = onnx.helper.tensor_dtype_to_np_dtype(i.type.tensor_type.elem_type)
        shape = [d.dim_value or 1 for d in i.type.tensor_type.shape.dim]
        if np.issubdtype(t, np.floating):
            feeds[i.name] = rng.standard_normal(shape).astype(t)
        elif "mask" in i.name:
            feeds[i.name] = np.ones(shape, dtype=t)
        elif "type" in i.name:
            feeds[i.name] = np.zeros(shape, dtype=t)
        else:
            feeds[i.name] = rng.integers(2, 100, shape).astype(t)
    return feeds


def ort_check(path: str, ref_path: str | None = None) -> dict:
    """Whether onnxruntime loads and runs the file; with ``ref_path``, the largest difference of the
    first output from the reference file's on the same inputs."""
    import numpy as np
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    try:
        feeds = _feeds(path)
        out = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"]).run(None, feeds)[0]
        d = {"ort": "ok"}
        if ref_path:
            ref = ort.InferenceSession(ref_path, so, providers=["CPUExecutionProvider"]).run(None, {k: v.astype(np.float32) if v.dtype == np.float16 else v for k, v in feeds.items()})[0]
            if ref.shape == out.shape:
                d["max_abs_diff"] = float(np.max(np.abs(out.astype(np.float32) - ref.astype(np.float32))))
        return d
    except Exception as exc:  # noqa: BLE001
        err = f"{type(exc).__name__}: {str(exc).splitlines()[0][-200:] if str(exc) else ''}"
    try:  # onnxruntime's own session optimizer may be what fails on the tool's file (graph.cc "Attempt to replace the existing tensor")
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        ort.InferenceSession(path, so, providers=["CPUExecutionProvider"]).run(None, feeds)
        return {"ort": "runs only with graph optimizations off", "ort_error": err}
    except Exception:  # noqa: BLE001
        return {"ort": err}


def ms_ops(path: str) -> dict:
    import onnx

    m = onnx.load(path, load_external_data=False)
    return dict(sorted(Counter(n.op_type for n in m.graph.node if n.domain == "com.microsoft").items()))


def dscost_counts(path: Path, extra: list[str] | None = None) -> dict:
    t0 = time.perf_counter()
    try:
        r = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), "-f", "json", "-q", *(extra or [])], capture_output=True, text=True, timeout=DSCOST_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"error": f"dscost timed out after {DSCOST_TIMEOUT_S} s"}
    if r.returncode or not r.stdout.strip():
        return {"error": "dscost: " + ((r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[-1][:300])}
    data = json.loads(r.stdout)
    unc = data.get("uncounted", [])
    return {"macs": data["totals"]["macs"], "params": data["totals"]["params"], "uncounted": len(unc),
            "uncounted_ops": dict(Counter(u.get("op", "?") for u in unc)), "uncounted_rows": unc[:8], "notes": data.get("notes", [])[:6],
            "seconds": round(time.perf_counter() - t0, 1)}  # fmt: skip


def derive(how: str, src: Path, dst: Path, model_type: str, heads: int, hidden: int) -> None:
    import onnx

    if how.startswith("optimize"):
        from onnxruntime.transformers.optimizer import optimize_model

        opt = optimize_model(str(src), model_type=model_type, num_heads=heads, hidden_size=hidden)
        if how == "optimize+fp16":
            opt.convert_float_to_float16(keep_io_types=True)
        model = opt.model
        if how == "optimize+int4 sym":
            model = _int4(model, True)
        onnx.save(model, str(dst))
        return
    onnx.save(_int4(onnx.load(str(src)), how == "int4 sym"), str(dst))


def _int4(model, symmetric: bool):
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    q = MatMulNBitsQuantizer(model, block_size=32, is_symmetric=symmetric)
    q.process()
    return q.model.model


def one(name: str, out: Path, tf4: Path = TF4_DIR, genai: Path = GENAI_DIR) -> dict:
    if name == "genai_llama":
        import logging
        import warnings

        warnings.filterwarnings("ignore")
        logging.disable(logging.WARNING)
        return one_genai(out, genai)
    if name.endswith("_tf4"):
        sys.path.insert(0, str(tf4))
    import logging
    import warnings

    import torch

    import crosscheck_torch as C

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    torch.set_num_threads(1)
    model_type, inputs, note = ENTRIES[name]
    import transformers

    row = {"name": name, "transformers": transformers.__version__, "model_type": model_type, "note": note, "inputs": [[n, list(s), d] for n, s, d in inputs]}
    torch.manual_seed(0)
    args = tuple(torch.randn(*s) if d == "float32" else (torch.ones(*s, dtype=torch.long) if "mask" in n else
                 torch.zeros(*s, dtype=torch.long) if "type" in n else torch.randint(2, 100, s)) for n, s, d in inputs)  # fmt: skip
    model = _build(name)
    cfg = model.m.config
    heads = getattr(cfg, "num_attention_heads", None) or getattr(cfg, "n_heads", 0) or 0
    hidden = getattr(cfg, "hidden_size", None) or getattr(cfg, "dim", 0) or 0
    if name.removesuffix("_tf4") == "swin":
        heads, hidden = 0, 0  # (two stages of other widths: optimize_model reads them from the graph)
    try:
        macs, params, _, _ = C.torch_reference(model, args)
        row.update(torch_macs=macs, torch_params=params)
    except Exception as exc:  # noqa: BLE001
        row["torch_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    names = [n for n, _, _ in inputs]
    files = {}
    for kind in ("ts", "dynamo"):
        path = out / f"{name}.{kind}.onnx"
        t0 = time.perf_counter()
        try:
            if kind == "ts":
                torch.onnx.export(_build(name), args, str(path), input_names=names, output_names=["last_hidden_state"], **EXPORT)
            else:
                torch.onnx.export(_build(name), args, str(path), input_names=names, output_names=["last_hidden_state"], dynamo=True, opset_version=18)
            files[kind] = path
            row[kind] = dscost_counts(path) | ort_check(str(path)) | {"ms_ops": ms_ops(str(path))}
        except Exception as exc:  # noqa: BLE001
            row[kind] = {"error": f"export failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"}
        row[kind]["seconds_total"] = round(time.perf_counter() - t0, 1)
    for var, base, how in VARIANTS:
        if how.startswith("genai"):
            continue
        if base not in files:
            row[var] = {"error": f"no {base} file"}
            continue
        dst = out / f"{name}.{var}.onnx"
        t0 = time.perf_counter()
        try:
            derive(how, files[base], dst, model_type, heads, hidden)
        except Exception as exc:  # noqa: BLE001
            row[var] = {"error": f"tool failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"}
            continue
        row[var] = dscost_counts(dst) | ort_check(str(dst), str(files[base])) | {"ms_ops": ms_ops(str(dst)), "from": base}
        row[var]["seconds_total"] = round(time.perf_counter() - t0, 1)
    return row


# ---------------------------------------------------------------- the table
def _cell(d: dict | None, base: dict | None) -> str:
    if d is None:
        return "-"
    if "error" in d:
        return "error: " + d["error"][:40]
    s = ""
    if base and "macs" in base:
        dm, dp = d["macs"] - base["macs"], d["params"] - base["params"]
        s = ("=" if not dm else f"{dm:+,}") + " / " + ("=" if not dp else f"{dp:+,}")
    else:
        s = f"{d['macs']:,} / {d['params']:,}"
    if d.get("uncounted"):
        s += f" [{d['uncounted']} unc.]"
    if d.get("ort") != "ok":
        s += " (ort: optimizer off)" if d.get("ort", "").startswith("runs only") else " (ort fails)"
    return s


def table(rows: list[dict]) -> str:
    heads = ["model", "torch MACs / params", "TS file", "dynamo file"] + [v for v, _, _ in VARIANTS]
    lines = ["| " + " | ".join(heads) + " |", "|---" * len(heads) + "|"]
    for r in rows:
        if "error" in r and "ts" not in r:
            lines.append(f"| {r['name']} | {r['error'][:80]} |" + " |" * (len(heads) - 2))
            continue
        tm, tp = r.get("torch_macs"), r.get("torch_params")
        cols = [r["name"], f"{tm:,} / {tp:,}" if tm is not None else r.get("torch_error", "-")[:40]]
        for k in ("ts", "dynamo"):
            d = r.get(k, {"error": "-"})
            if "error" in d:
                cols.append("error: " + d["error"][:40])
                continue
            c = f"{d['macs']:,}" + (" (=torch)" if d["macs"] == tm else f" ({d['macs'] - tm:+,})" if tm is not None else "")
            c += f" / {d['params']:,}" + ("" if d["params"] == tp or tp is None else f" ({d['params'] - tp:+,})")
            c += f" [{d['uncounted']} unc.]" if d.get("uncounted") else ""
            cols.append(c)
        for v, base, how in VARIANTS:
            cols.append(_cell(r.get(v, None if how.startswith("genai") or r["name"] == "genai_llama" else {"error": "-"}), r.get(base)))
        lines.append("| " + " | ".join(cols) + " |")
    lines.append("")
    lines.append("Derived files: MACs / params against the file they came from (= equal); [n unc.]: uncounted nodes; (ort fails): onnxruntime cannot run it; (ort: optimizer off): it runs only with onnxruntime's graph optimizations off.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="comma-separated model names")
    ap.add_argument("--json", type=Path, help="write the rows to this file (and resume from it: models already in it are not run again)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder for the ONNX files (default {DEFAULT_OUT})")
    ap.add_argument("--tf4", type=Path, default=TF4_DIR, help=f"transformers 4.46.3 installed with --target (default {TF4_DIR}); the *_tf4 models")
    ap.add_argument("--genai", type=Path, default=GENAI_DIR, help=f"onnxruntime-genai installed with --target (default {GENAI_DIR}); the genai_llama row")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    if a.one:
        print("ROW " + json.dumps(one(a.one, a.out, a.tf4, a.genai)))
        return 0
    only = [s for s in a.only.split(",") if s]
    unknown = set(only) - set(ENTRIES)
    if unknown:
        ap.error(f"unknown model(s): {', '.join(sorted(unknown))}")
    todo = only or list(ENTRIES)
    rows = {r["name"]: r for r in json.loads(a.json.read_text())} if a.json and a.json.exists() else {}
    env = dict(os.environ, OMP_NUM_THREADS="1")
    for name in todo:
        if name in rows and not only:
            continue
        t0 = time.perf_counter()
        try:
            p = subprocess.run([sys.executable, __file__, "--one", name, "--out", str(a.out), "--tf4", str(a.tf4), "--genai", str(a.genai)], capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
            line = next((s for s in p.stdout.splitlines() if s.startswith("ROW ")), None)
            row = json.loads(line[4:]) if line else {"name": name, "error": (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1][:300]}
        except subprocess.TimeoutExpired:
            row = {"name": name, "error": f"timed out after {TIMEOUT_S} s"}
        rows[name] = row
        print(f"{name:<20} {time.perf_counter() - t0:6.1f} s", file=sys.stderr, flush=True)
        if a.json:
            a.json.write_text(json.dumps(list(rows.values()), indent=1) + "\n")
    print(table([rows[n] for n in ENTRIES if n in rows and (not only or n in only)]))
    bad = any(r.get(v, {}).get("uncounted") or ("macs" in r.get(v, {}) and "macs" in r.get(b, {}) and r[v]["macs"] != r[b]["macs"])
              for r in rows.values() for v, b, _ in VARIANTS)  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
