"""Forty-third blind round: ONNX files written by Hugging Face optimum's exporter (optimum-onnx), read at given sizes.

What it stresses: the files ``optimum.exporters.onnx.main_export`` writes for transformers models -- encoders
(feature-extraction, text classification, a sentence-transformers BERT with mean pooling and normalization,
image classification, CLIP's zero-shot text + vision graph, Wav2Vec2 CTC), decoder-only models with a KV cache
(``text-generation-with-past``: GPT-2, Llama and Qwen2 with grouped-query attention, Phi with partial rotary;
optimum-onnx 0.1.0 writes one ``model.onnx`` with past inputs and an attention mask of
'past_sequence_length + sequence_length') and without, encoder-decoders with a cache (T5, BART, Whisper:
``encoder_model.onnx``, ``decoder_model.onnx``, ``decoder_with_past_model.onnx`` and ``decoder_model_merged.onnx``,
whose two decoders are the branches of an ``If`` on ``use_cache_branch``), and optimum's post-processing:
``optimize="O2"/"O3"`` (onnxruntime's transformers optimizer) on BERT, GPT-2, Llama, BART and Whisper (fused:
Attention in BERT and in Whisper's encoder and first-step decoder, a causal one there; SkipLayerNormalization,
SimplifiedLayerNormalization, BiasGelu, FastGelu, QuickGelu for Llama's SiLU; GPT-2's, Llama's and BART's attention
left unfused by this optimizer), ``ORTQuantizer`` dynamic int8 (MatMulInteger, quantized
embeddings) on BERT, GPT-2 and all four BART files (the merged one's If branches included), onnxruntime's fp16
converter on BERT and BART, ``slim=True`` (onnxslim) on GPT-2, ``do_constant_folding=False`` on Llama and
``monolith=True`` on T5.  Small configs (2 layers, width 64, 2 heads, vocabulary 500), every parameter N(0, 0.1),
no download: each model built from its config, ``save_pretrained`` to a folder, exported from that folder.
dscost reads each file at the sizes the oracle runs: ``--dim`` for every symbolic name, ``--input-value
use_cache_branch=0/1`` for the merged decoders; and (HINT_CHECKS) the cache length given the way the mask is
shaped, ``--dim sequence_length=1 -i attention_mask=1x16``.

Sizes (batch_size 1 unless said): a file without a cache at 16 tokens (encoder and decoder), a cache file at the
prefill (16 tokens, past 0) and one step (1 token after 15), a merged decoder's branch 0 at 16 tokens and branch 1
at 1 after 15; then every file at a second size "b2": batch 2, 5 tokens (3 after 5 cached for a cache file or
branch 1; CLIP 3 texts and 2 images); images 64 x 64, Wav2Vec2 4,000 samples, Whisper 32 mel frames of 16 bins
(``nb_max_frames=32, feature_size=16`` passed to main_export: its dummy is 3,000 frames).

The oracle (written here, no dscost code): each file run by onnxruntime (CPU, optimizations off) at those sizes with
every node output made a graph output, random inputs (ids 0..499, masks of ones, position ids counting on from the
cache); an If on a given input replaced by the nodes of the branch that runs before the run; MACs from the measured
shapes: MatMul / MatMulInteger / DynamicQuantizeMatMul prod(out) x K; FusedMatMul likewise (K by transA); Gemm
prod(out) x K; Conv prod(out) x prod(W[1:]); ConvTranspose prod(in) x prod(W[1:]); Einsum the product of its index
sizes; com.microsoft Attention B x S x H x W[1] (the QKV projection) + 2 x B x S x L x H (L: past + new, from the
present output); MultiHeadAttention B x S x L x (Dqk + Dv); GroupQueryAttention 2 x B x S x L x D.  Params: the
elements of every float / int8 / uint8 initializer of more than one element that some node reads (after the If is
inlined: the branch that runs), and of Constant nodes of distinct floats that a MatMul / Gemm / Conv / Gather reads.
Also torch: ``FlopCounterMode`` flops / 2 of the eager module (``set_attn_implementation("eager")``: the CPU SDPA
kernel is not counted) at the same size where one forward is the file (no cache, or the prefill; the encoder; the
decoder with given encoder states), and ``sum(p.numel())`` (tied weights once).

Install (a venv of its own on /tmp/r40/venv's torch 2.14.1, onnx, onnxruntime and dscost's dependencies through a
.pth file; optimum-onnx 0.1.0, the newest, pins transformers < 4.58, so a transformers 4.57.6 goes into this venv
ahead of the .pth's 5.25.0):

    python3.11 -m venv /tmp/r43/venv
    echo /tmp/r40/venv/lib/python3.11/site-packages > /tmp/r43/venv/lib/python3.11/site-packages/r40.pth
    uv pip install --python /tmp/r43/venv/bin/python --no-deps optimum==2.1.0 optimum-onnx==0.1.0 \\
        transformers==4.57.6 huggingface-hub==0.36.2 tokenizers==0.22.2 accelerate==1.16.0 onnxslim==0.1.98 \\
        sentence-transformers==5.1.2 datasets==4.4.1 pyflakes
    # (accelerate: optimum's tied-weight deduplication; datasets 4.4.1: the .pth's datasets needs a newer hub)

Run (from the checkout; dscost runs as ``python -m dscost analyze FILE -f json -q --dim ... [--input-value ...]``
with this checkout first on PYTHONPATH; files go to OUT/NAME/onnx, each build + export cached as
OUT/NAME.build.json for --reuse; ``--only hint_checks`` runs the hint part alone on files already there):

    PYTHONPATH=. /tmp/r43/venv/bin/python benchmarks/crosscheck_optimum.py --json /tmp/r43/rows.json \\
        [--out /tmp/r43/files] [--only bert_fe,gpt2_past,...,hint_checks] [--reuse]

Each model's build and export in a child process (900 s), the oracle in another (600 s), torch's count in a third,
dscost in a fourth (300 s), one at a time.  Exit 1 when dscost's MACs or params differ from the oracle's, dscost
exits non-zero or lists an uncounted node on a file that onnxruntime runs, or a hint check fails, unless the
difference is diagnosed in EXPLAINED.  A benchmark: not run in CI.

As run 2026-12-06, Linux x86_64, 2-core VM (shared), Python 3.11.7: optimum 2.1.0, optimum-onnx 0.1.0,
transformers 4.57.6, torch 2.14.1, onnx 1.23.2, onnxruntime 1.32.0, onnxscript 0.7.2, onnxslim 0.1.98,
sentence-transformers 5.1.2, accelerate 1.16.0, numpy 2.4.6.  29 exports, 50 files, 116 (file, size) counts
(three runs with --reuse, ~30 min in all: exports 1-3 s, dscost 0.6-7.8 s a count, oracle and torch 5-10 s each,
most of it importing torch).  One export failed, not dscost's: T5 ``monolith`` with a cache ("not compatible with
--monolith"; without a cache below).  dscost exited 0 on every valid file at every size, no traceback, no hang,
nothing uncounted.

RESULTS (MACs per case left to right; oracle "equal" when equal at every case; torch "equal" at the first case
where it applies, "-" where no one forward is the file (a cache step, a merged decoder, a quantized / fp16 copy);
params: dscost's (weights / biases / norm), buffers 0 everywhere, both branches' for a merged decoder (branch 1 /
branch 0) -- equal to the oracle's on every row; module = the whole model's sum(p.numel())):

| model | file | cases | dscost MACs | oracle | torch | dscost params (w / b / norm) | module | s |
|---|---|---|---:|---|---|---|---|---:|
| bert_fe | model.onnx | full, b2 | 1,114,112 / 668,160 | equal | 1,118,208 | 107,392 (105,856 / 896 / 640) | 111,552 | 2.6 |
| bert_cls | model.onnx | full, b2 | 1,118,400 / 676,736 | equal | equal | 111,747 (110,144 / 963 / 640) | 111,747 | 2.2 |
| mpnet_fe | model.onnx | full, b2 | 1,114,112 / 668,160 | equal | 1,118,208 | 107,456 (105,920 / 896 / 640) | 111,616 | 2.4 |
| vit_cls | model.onnx | full, b2 | 1,974,848 / 3,949,696 | equal | equal | 117,765 (115,072 / 2,053 / 640) | 117,765 | 2.9 |
| clip | model.onnx | full, b2 | 4,208,960 / 4,961,728 | equal | equal | 222,720 (218,432 / 2,880 / 1,408) | 222,721 | 7.8 |
| wav2vec2_ctc | model.onnx | full, b2 | 29,466,048 / 58,932,096 | equal | equal | 94,952 (92,992 / 1,064 / 896) | 95,032 | 2.2 |
| gpt2_past | model.onnx | prefill, step, b2 | 2,150,400 / 134,400 / 794,112 | equal | equal | 140,288 (138,496 / 1,152 / 640) | 140,288 | 6.3 |
| gpt2_nopast | model.onnx | full, b2 | 2,150,400 / 1,315,840 | equal | equal | 140,288 (138,496 / 1,152 / 640) | 140,288 | 2.9 |
| llama_past | model.onnx | prefill, step, b2 | 1,757,440 / 109,840 / 646,752 | equal | equal | 138,048 (138,048 / 0 / 0) | 138,048 | 2.7 |
| qwen2_past | model.onnx | prefill, step, b2 | 1,757,440 / 109,840 / 646,752 | equal | equal | 106,304 (106,048 / 256 / 0) | 106,304 | 3.2 |
| phi_past | model.onnx | prefill, step, b2 | 1,626,240 / 101,640 / 597,552 | equal | equal | 131,316 (129,536 / 1,396 / 384) | 131,316 | 2.7 |
| t5_past | decoder_model.onnx | full, b2 | 2,215,936 / 1,328,640 | equal | equal | 130,816 (130,816 / 0 / 0) | 196,736 | 1.9 |
| t5_past | decoder_model_merged.onnx | branch0, branch1, b2 | 2,215,936 / 122,112 / 720,384 | equal | - | 114,432 (114,432 / 0 / 0) / 130,816 (130,816 / 0 / 0) | 196,736 | 2.9 |
| t5_past | decoder_with_past_model.onnx | step, b2 | 122,112 / 720,384 | equal | - | 114,432 (114,432 / 0 / 0) | 196,736 | 2.7 |
| t5_past | encoder_model.onnx | full, b2 | 1,114,112 / 668,160 | equal | equal | 97,920 (97,920 / 0 / 0) | 196,736 | 3.7 |
| bart_past | decoder_model.onnx | full, b2 | 2,215,936 / 1,328,640 | equal | equal | 173,428 (170,624 / 1,908 / 896) | 216,320 | 2.9 |
| bart_past | decoder_model_merged.onnx | branch0, branch1, b2 | 2,215,936 / 122,112 / 720,384 | equal | - | 156,788 (154,240 / 1,652 / 896) / 173,428 (170,624 / 1,908 / 896) | 216,320 | 3.1 |
| bart_past | decoder_with_past_model.onnx | step, b2 | 122,112 / 720,384 | equal | - | 156,788 (154,240 / 1,652 / 896) | 216,320 | 3.0 |
| bart_past | encoder_model.onnx | full, b2 | 1,114,112 / 668,160 | equal | equal | 107,392 (105,856 / 896 / 640) | 216,320 | 3.3 |
| bert_O2 | model.onnx | full, b2 | 1,114,112 / 668,160 | equal | 1,118,208 | 107,392 (105,856 / 896 / 640) | 111,552 | 3.3 |
| bert_int8 | model_quantized.onnx | full, b2 | 1,114,112 / 668,160 | equal | 1,118,208 | 107,392 (105,856 / 896 / 640) | 111,552 | 3.2 |
| bert_O3 | model.onnx | full, b2 | 1,114,112 / 668,160 | equal | 1,118,208 | 107,392 (105,856 / 896 / 640) | 111,552 | 1.8 |
| bert_fp16 | model_fp16.onnx | full, b2 | 1,114,112 / 668,160 | equal | 1,118,208 | 107,392 (105,856 / 896 / 640) | 111,552 | 2.1 |
| gpt2_O2 | model.onnx | prefill, step, b2 | 2,150,400 / 134,400 / 794,112 | equal | equal | 140,288 (138,496 / 1,152 / 640) | 140,288 | 1.8 |
| gpt2_int8 | model_quantized.onnx | prefill, step, b2 | 2,150,400 / 134,400 / 794,112 | equal | equal | 140,288 (138,496 / 1,152 / 640) | 140,288 | 2.4 |
| llama_O2 | model.onnx | prefill, step, b2 | 1,757,440 / 109,840 / 646,752 | equal | equal | 138,064 (137,744 / 0 / 320) | 138,048 | 3.3 |
| bart_O2 | decoder_model.onnx | full, b2 | 2,215,936 / 1,328,640 | equal | equal | 173,428 (170,624 / 1,908 / 896) | 216,320 | 2.5 |
| bart_O2 | decoder_model_merged.onnx | branch0, branch1, b2 | 2,215,936 / 122,112 / 720,384 | equal | - | 156,788 (154,240 / 1,652 / 896) / 173,428 (170,624 / 1,908 / 896) | 216,320 | 2.6 |
| bart_O2 | decoder_with_past_model.onnx | step, b2 | 122,112 / 720,384 | equal | - | 156,788 (154,240 / 1,652 / 896) | 216,320 | 2.4 |
| bart_O2 | encoder_model.onnx | full, b2 | 1,114,112 / 668,160 | equal | equal | 107,392 (105,856 / 896 / 640) | 216,320 | 2.7 |
| bart_int8 | decoder_model_merged_quantized.onnx | branch0, branch1, b2 | 2,215,936 / 122,112 / 720,384 | equal | - | 156,788 (154,240 / 1,652 / 896) / 173,428 (170,624 / 1,908 / 896) | 216,320 | 4.0 |
| bart_int8 | decoder_model_quantized.onnx | full, b2 | 2,215,936 / 1,328,640 | equal | - | 173,428 (170,624 / 1,908 / 896) | 216,320 | 3.6 |
| bart_int8 | decoder_with_past_model_quantized.onnx | step, b2 | 122,112 / 720,384 | equal | - | 156,788 (154,240 / 1,652 / 896) | 216,320 | 2.8 |
| bart_int8 | encoder_model_quantized.onnx | full, b2 | 1,114,112 / 668,160 | equal | - | 107,392 (105,856 / 896 / 640) | 216,320 | 3.4 |
| whisper_O2 | decoder_model.onnx | full, b2 | 2,215,936 / 1,328,640 | equal | equal | 136,576 (134,400 / 1,280 / 896) | 219,904 | 4.1 |
| whisper_O2 | decoder_model_merged.onnx | branch0, branch1, b2 | 2,215,936 / 122,112 / 720,384 | equal | - | 119,936 (118,016 / 1,024 / 896) / 136,576 (134,400 / 1,280 / 896) | 219,904 | 5.9 |
| whisper_O2 | decoder_with_past_model.onnx | step, b2 | 122,112 / 720,384 | equal | - | 119,936 (118,016 / 1,024 / 896) | 219,904 | 4.6 |
| whisper_O2 | encoder_model.onnx | full, b2 | 1,409,024 / 2,818,048 | equal | equal | 83,584 (80,896 / 2,048 / 640) | 219,904 | 2.1 |
| st_bert | model.onnx | full, b2 | 1,114,112 / 668,160 | equal | 1,118,208 | 107,392 (105,856 / 896 / 640) | 111,552 | 2.0 |
| whisper_past | decoder_model.onnx | full, b2 | 2,215,936 / 1,328,640 | equal | equal | 136,448 (134,400 / 1,152 / 896) | 219,904 | 2.2 |
| whisper_past | decoder_model_merged.onnx | branch0, branch1, b2 | 2,215,936 / 122,112 / 720,384 | equal | - | 119,936 (118,016 / 1,024 / 896) / 136,448 (134,400 / 1,152 / 896) | 219,904 | 4.2 |
| whisper_past | decoder_with_past_model.onnx | step, b2 | 122,112 / 720,384 | equal | - | 119,936 (118,016 / 1,024 / 896) | 219,904 | 2.2 |
| whisper_past | encoder_model.onnx | full, b2 | 1,409,024 / 2,818,048 | equal | equal | 83,456 (80,896 / 1,920 / 640) | 219,904 | 0.7 |
| llama_nofold | model.onnx | prefill, step, b2 | 1,757,440 / 109,840 / 646,752 | equal | equal | 138,048 (138,048 / 0 / 0) | 138,048 | 2.7 |
| gpt2_slim | model.onnx | prefill, step, b2 | 2,150,400 / 134,400 / 794,112 | equal | equal | 140,288 (138,496 / 1,152 / 640) | 140,288 | 2.6 |
| bart_fp16 | decoder_model_fp16.onnx | full, b2 | 2,215,936 / 1,328,640 | equal | - | 173,428 (170,624 / 1,908 / 896) | 216,320 | 2.8 |
| bart_fp16 | decoder_model_merged_fp16.onnx | prefill, step, b2 | exit 2 / exit 2 / exit 2 | n/a (invalid file: ORT refuses it) | - | - | 216,320 | 1.1 |
| bart_fp16 | decoder_with_past_model_fp16.onnx | step, b2 | 122,112 / 720,384 | equal | - | 156,788 (154,240 / 1,652 / 896) | 216,320 | 2.9 |
| bart_fp16 | encoder_model_fp16.onnx | full, b2 | 1,114,112 / 668,160 | equal | - | 107,392 (105,856 / 896 / 640) | 216,320 | 2.5 |
| t5_monolith | model.onnx | full, b2 | 3,330,048 / 1,996,800 | equal | - | 196,736 (196,736 / 0 / 0) | 196,736 | 1.9 |

HINT_CHECKS (the cache length from the mask's --input-shape; expected the --dim count):

| file | args | got | expected |
|---|---|---|---|
| llama_past/model.onnx | --dim sequence_length=1 -i attention_mask=1x16 | 109,840 since the fix (before: **exit 2**: "input 'past_key_values.0.key' has an unresolved dimension 2 ('past_sequence_length'); set it with --input-shape past_key_values.0.key=1x1x224x32 ..., or --dim past_sequence_length=224") | 109,840 (past 15) |
| llama_past/model.onnx | --dim sequence_length=16 -i attention_mask=1x16 | 1,757,440 since the fix (before: **exit 2**, the same) | 1,757,440 (past 0) |
| gpt2_past/model.onnx | --dim sequence_length=1 -i attention_mask=1x16 | 134,400 since the fix (before: **exit 2**, the same, 1x2x224x32) | 134,400 |

Summary: MACs equal to the oracle at all 113 counts onnxruntime can run (49 valid files; the 3 counts of the one
invalid file refused by both), and to torch's FlopCounterMode on every file where one forward is the file; each
equal to the hand count (below).  Params equal to the oracle on every count; against the module, every difference
named below (none dscost's).  One dscost finding, in the input hints (no count wrong): the cache length that an
attention-mask shape fixes was not solved, and the hint printed instead was refused when followed -- fixed
2026-12-06 (the three HINT_CHECKS rerun with --only hint_checks --reuse: all equal to the --dim count).

Hand counts (d 64, 2 layers, vocabulary 500): GPT-2 one step after 15: per layer QKV 64 x 192 + proj 64 x 64 + MLP
2 x 64 x 256 = 49,152, attention 2 x 16 x 64 = 2,048; x 2 + LM head 32,000 = 134,400.  Llama / Qwen2 (1 KV head of
32): per layer q 4,096 + k, v 2 x 2,048 + o 4,096 + gate / up / down 3 x 8,192 + attention 2 x 2 heads x 16 x 32 =
38,912; x 2 + head 32,000 + rotary 16 (the 16 frequencies x 1 position MatMul) = 109,840.  T5 / BART / Whisper
decoder, 16 tokens on 16 encoder states: per layer self 4 x 4,096 x 16 + cross q, o 2 x 4,096 x 16 + cross k, v
2 x 4,096 x 16 + FF 16,384 x 16 + attention 2 x 2 x 16 x 16 x 64 = 851,968; x 2 + head 512,000 = 2,215,936; one step
after 15 (the cross keys / values from the cache): per layer 16,384 (self) + 8,192 (cross q, o) + 16,384 (FF) +
2,048 + 2,048 = 45,056; x 2 + 32,000 = 122,112.

DIAGNOSES (every difference):
- dscost GAP, fixed 2026-12-06 (input hints; dscost/readers/onnx_inputs.py ``bound_names`` now solves an
  expression's one unknown name from an --input-shape; a 4-D input's length-named dimension is hinted 128; test
  ``test_dims.test_a_cache_length_is_solved_from_the_attention_masks_shape``): optimum's cache files declare attention_mask
  [batch_size, 'past_sequence_length + sequence_length'].  Given ``--dim sequence_length=1 -i
  attention_mask=1x16`` (the mask is how a caller knows the cache length), dscost does not solve the expression for
  its one unknown name (past_sequence_length = 16 - 1 = 15): it stops on the first cache input with "or --dim
  past_sequence_length=224" (the example of a rank-4 input, an image size), and following that hint is refused:
  "--input-shape attention_mask=1x16 makes dimension 1 ('past_sequence_length + sequence_length') ... 16, and --dim
  past_sequence_length=224 and --dim sequence_length=1 makes it 225: one name, one size".  A user following the
  printed hints never gets a count; the --dim pair gives it at once (109,840).  Expected: past_sequence_length
  bound to 15 from the mask (as round 42's fix binds a derived dimension from another input's --input-shape, the
  other way), with a note; or at least the hint solved from the mask (--dim past_sequence_length=15), never one
  that contradicts a given input.  Cause: ``bound_names`` keys the whole dim_param string of the --input-shape
  ('past_sequence_length + sequence_length' -> 16) and ``_derived`` only evaluates an expression from names
  already known, never ``_solve``s it for the unknown one; ``_dim_hints`` / ``_example`` then size the cache from
  the rank-4 image guess (224).  Also from no size at all: after ``--dim sequence_length=128`` the mask's hint is
  the --input-shape form alone (``_solve`` rejects the 0 a prefill needs: ``value > 0``), and following it ends in
  the same refusal.  Repro /tmp/r43/repro/past_from_mask_shape.py (a 7-node graph: 192 MACs by --dim, exit 2 by the
  mask).  HINT_CHECKS hold it.
- convention (exporter, tied head): BART's decoder files hold the tied LM head as a transposed copy of the shared
  embedding (``onnx::MatMul_812`` [64, 500], equal to ``model.shared.weight``.T), counted at its stored size, +32,000
  (the "known ambiguity" of docs/onnx.md: a tied embedding's transposed copy); plus ``final_logits_bias`` [1, 500], a
  buffer (zeros) stored as an initializer, +500: 173,428 = 108,928 (decoder) + 32,000 (shared embedding, which the
  decoder reads) + 32,000 + 500.  T5, GPT-2, Qwen2 (tied) and Whisper hold no copy.
- convention (files, not dscost): each encoder-decoder's files each hold the shared embedding (encoder file +
  decoder file > module); a merged decoder's branch 1 leaves the cross-attention k / v projections unread (their
  weights not counted: BART 156,788 = 173,428 - 2 x 2 x (4,096 + 64), T5 114,432 = 130,816 - 2 x 2 x 4,096; equal to
  decoder_with_past_model.onnx).
- exporter (params; MACs equal): BERT, MPNet, the sentence-transformers BERT -4,160 / -4,160 / -4,160: the pooler
  (64 x 64 + 64) not in a feature-extraction graph (torch +4,096 MACs: it runs it); Wav2Vec2 -80 (``masked_spec_embed``
  64, unused in eval, and the positional conv's weight norm folded into one weight: 16); CLIP -1 (``logit_scale``,
  one element: neither counts a scalar).
- convention (optimizer): Llama O2 +16: onnxruntime's optimizer turns the rotary ``inv_freq`` Constant node
  [1, 16, 1] into an initializer, which then counts (docs/onnx.md: a tool that turns Constant nodes into
  initializers); Whisper O2 +128: the fused ``Attention_N_qkv_bias`` [192] holds zeros for the key (Whisper's k_proj
  has no bias), 64 per layer, counted at its stored size.
- exporter (invalid file): onnxruntime.transformers' ``convert_float_to_float16(keep_io_types=True)`` on BART's
  merged decoder drops its integer inputs (input_ids, encoder_attention_mask, use_cache_branch) and writes a Cast
  reading 'graph_output_cast_0', which no node makes; onnxruntime refuses it and dscost exits 2 naming the node
  ("the graph cannot run (onnxruntime refuses it too)").  The fp16 conversions of files without an If count equal.
- exporter (no file): T5 ``monolith=True`` with ``text2text-generation-with-past`` ("not compatible with the
  --monolith argument"); counted above without a cache.  Whisper's default export fails on a small
  ``max_source_positions`` (optimum's dummy mel is 3,000 frames) unless ``nb_max_frames`` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from math import prod
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT = 900
ORACLE_TIMEOUT = 600
DSCOST_TIMEOUT = 300
VOCAB = 500

# sizes: prefill / no-cache files (S tokens, empty cache) and one decode step after P cached tokens
S, P = 16, 15

TXT = dict(vocab_size=VOCAB, hidden_size=64, num_hidden_layers=2, num_attention_heads=2, intermediate_size=128)
DEC = dict(TXT, max_position_embeddings=128)

WHISPER_KW = {"nb_max_frames": 32, "feature_size": 16}  # optimum's dummy mel: 3000 frames by default

# name: (builder, task, extra main_export kwargs, post-processing)
MODELS = {
    "bert_fe": ("bert", "feature-extraction", {}, None),
    "bert_cls": ("bert_cls", "text-classification", {}, None),
    "st_bert": ("st", "feature-extraction", {}, None),
    "mpnet_fe": ("mpnet", "feature-extraction", {}, None),
    "vit_cls": ("vit", "image-classification", {}, None),
    "clip": ("clip", "zero-shot-image-classification", {}, None),
    "wav2vec2_ctc": ("wav2vec2", "automatic-speech-recognition", {}, None),
    "gpt2_past": ("gpt2", "text-generation-with-past", {}, None),
    "gpt2_nopast": ("gpt2", "text-generation", {}, None),
    "llama_past": ("llama", "text-generation-with-past", {}, None),
    "qwen2_past": ("qwen2", "text-generation-with-past", {}, None),
    "phi_past": ("phi", "text-generation-with-past", {}, None),
    "t5_past": ("t5", "text2text-generation-with-past", {}, None),
    "bart_past": ("bart", "text2text-generation-with-past", {}, None),
    "whisper_past": ("whisper", "automatic-speech-recognition-with-past", WHISPER_KW, None),
    "bert_O2": ("bert", "feature-extraction", {"optimize": "O2"}, None),
    "bert_int8": ("bert", "feature-extraction", {}, "int8"),
    "bert_O3": ("bert", "feature-extraction", {"optimize": "O3"}, None),
    "bert_fp16": ("bert", "feature-extraction", {}, "fp16"),
    "gpt2_O2": ("gpt2", "text-generation-with-past", {"optimize": "O2"}, None),
    "gpt2_int8": ("gpt2", "text-generation-with-past", {}, "int8"),
    "llama_O2": ("llama", "text-generation-with-past", {"optimize": "O2"}, None),
    "bart_O2": ("bart", "text2text-generation-with-past", {"optimize": "O2"}, None),
    "bart_int8": ("bart", "text2text-generation-with-past", {}, "int8"),
    "llama_nofold": ("llama", "text-generation-with-past", {"do_constant_folding": False}, None),
    "gpt2_slim": ("gpt2", "text-generation-with-past", {"slim": True}, None),
    "t5_monolith": ("t5", "text2text-generation", {"monolith": True}, None),
    "bart_fp16": ("bart", "text2text-generation-with-past", {}, "fp16"),
    "whisper_O2": ("whisper", "automatic-speech-recognition-with-past", dict(WHISPER_KW, optimize="O2"), None),
}


# --------------------------------------------------------------------------- models (random weights, no download)
def make(builder: str, eager: bool = False):
    import torch
    import transformers as tr

    torch.manual_seed(0)
    kw = {"attn_implementation": "eager"} if eager else {}
    if builder == "bert":
        return tr.BertModel(tr.BertConfig(**TXT, max_position_embeddings=128, **kw))
    if builder == "st":
        return tr.BertModel(tr.BertConfig(**TXT, max_position_embeddings=128, **kw))
    if builder == "bert_cls":
        return tr.BertForSequenceClassification(tr.BertConfig(**TXT, max_position_embeddings=128, num_labels=3,
                                                              **kw))
    if builder == "mpnet":
        return tr.MPNetModel(tr.MPNetConfig(**TXT, max_position_embeddings=130, **kw))
    if builder == "vit":
        return tr.ViTForImageClassification(tr.ViTConfig(**{k: v for k, v in TXT.items() if k != "vocab_size"},
                                                         image_size=64, patch_size=16, num_labels=5, **kw))
    if builder == "clip":
        t = dict(vocab_size=VOCAB, hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                 intermediate_size=128, max_position_embeddings=32)
        v = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=2, intermediate_size=128,
                 image_size=64, patch_size=16)
        return tr.CLIPModel(tr.CLIPConfig(text_config=t, vision_config=v, projection_dim=32, **kw))
    if builder == "wav2vec2":
        return tr.Wav2Vec2ForCTC(tr.Wav2Vec2Config(**{k: v for k, v in TXT.items() if k != "vocab_size"},
                                                   vocab_size=40, conv_dim=(32, 32, 32), conv_stride=(5, 2, 2),
                                                   conv_kernel=(10, 3, 3), num_conv_pos_embeddings=16,
                                                   num_conv_pos_embedding_groups=4, do_stable_layer_norm=True,
                                                   feat_extract_norm="layer", **kw))
    if builder == "gpt2":
        return tr.GPT2LMHeadModel(tr.GPT2Config(vocab_size=VOCAB, n_embd=64, n_layer=2, n_head=2, n_positions=128,
                                                **kw))
    if builder == "llama":
        return tr.LlamaForCausalLM(tr.LlamaConfig(**DEC, num_key_value_heads=1, **kw))
    if builder == "qwen2":
        return tr.Qwen2ForCausalLM(tr.Qwen2Config(**DEC, num_key_value_heads=1, tie_word_embeddings=True, **kw))
    if builder == "phi":
        return tr.PhiForCausalLM(tr.PhiConfig(**DEC, partial_rotary_factor=0.5, **kw))
    if builder == "t5":
        return tr.T5ForConditionalGeneration(tr.T5Config(vocab_size=VOCAB, d_model=64, d_kv=32, d_ff=128,
                                                         num_layers=2, num_heads=2, decoder_start_token_id=0,
                                                         **kw))
    if builder == "bart":
        return tr.BartForConditionalGeneration(tr.BartConfig(vocab_size=VOCAB, d_model=64, encoder_layers=2,
                                                             decoder_layers=2, encoder_attention_heads=2,
                                                             decoder_attention_heads=2, encoder_ffn_dim=128,
                                                             decoder_ffn_dim=128, max_position_embeddings=128,
                                                             **kw))
    if builder == "whisper":
        return tr.WhisperForConditionalGeneration(tr.WhisperConfig(
            vocab_size=VOCAB, d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=2,
            decoder_attention_heads=2, encoder_ffn_dim=128, decoder_ffn_dim=128, num_mel_bins=16,
            max_source_positions=16, max_target_positions=64, pad_token_id=0, bos_token_id=1, eos_token_id=2,
            decoder_start_token_id=1, begin_suppress_tokens=None, suppress_tokens=None, **kw))
    raise KeyError(builder)


def _write_wordpiece_tokenizer(d: Path) -> None:
    """A made-up 500-word WordPiece vocabulary: sentence-transformers loads a tokenizer with the model."""
    from transformers import BertTokenizerFast

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(VOCAB - 5)]
    (d / "vocab.txt").write_text("\n".join(words) + "\n")
    BertTokenizerFast(vocab_file=str(d / "vocab.txt")).save_pretrained(str(d))


def build(name: str, out: Path) -> dict:
    """Child process: save the model (random weights), export with optimum, post-process; torch's counts."""
    import torch
    from optimum.exporters.onnx import main_export

    builder, task, kw, post = MODELS[name]
    m = make(builder).eval()
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():  # random everything, so no exporter merges equal zero biases / unit norms
        for _, t in m.named_parameters():
            t.copy_(torch.randn(t.shape, generator=g) * 0.1)
    src = out / name / "src"
    dst = out / name / "onnx"
    if builder == "st":  # sentence-transformers: the BERT folder wrapped with mean pooling and L2 normalization
        from sentence_transformers import SentenceTransformer, models

        m.save_pretrained(out / name / "bert")
        m.config.save_pretrained(out / name / "bert")
        tok_dir = out / name / "bert"
        _write_wordpiece_tokenizer(tok_dir)
        body = models.Transformer(str(tok_dir), max_seq_length=64)
        st = SentenceTransformer(modules=[body, models.Pooling(64, "mean"), models.Normalize()], device="cpu")
        st.save(str(src))
        kw = dict(kw, library_name="sentence_transformers")
    else:
        m.save_pretrained(src)
    res = {"name": name, "task": task, "params": int(sum(p.numel() for p in m.parameters())),
           "params_all": int(sum(p.numel() for _, p in m.named_parameters(remove_duplicate=False)))}
    enc = getattr(m, "get_encoder", None)
    if builder in ("t5", "bart", "whisper"):
        res["encoder_params"] = int(sum(p.numel() for p in enc().parameters()))
    t0 = time.time()
    main_export(model_name_or_path=str(src), output=str(dst), task=task, opset=17, do_validation=False,
                no_dynamic_axes=False, **kw)
    res["export_s"] = round(time.time() - t0, 1)
    if post == "int8":
        from optimum.onnxruntime import ORTQuantizer
        from optimum.onnxruntime.configuration import AutoQuantizationConfig

        res["post_errors"] = {}
        for f in sorted(dst.glob("*.onnx")):
            try:
                q = ORTQuantizer.from_pretrained(str(dst), file_name=f.name)
                q.quantize(save_dir=str(dst), quantization_config=AutoQuantizationConfig.avx2(
                    is_static=False, per_channel=False))
            except Exception as e:  # noqa: BLE001 -- reported, the float file kept
                res["post_errors"][f.name] = repr(e)[:500]
                continue
            os.remove(f)
    elif post == "fp16":
        from onnxruntime.transformers.onnx_model import OnnxModel
        import onnx

        for f in sorted(dst.glob("*.onnx")):
            om = OnnxModel(onnx.load(str(f)))
            om.convert_float_to_float16(keep_io_types=True)
            onnx.save(om.model, str(f.with_name(f.stem + "_fp16.onnx")))
            os.remove(f)
    res["files"] = sorted(p.name for p in dst.glob("*.onnx"))
    return res


# --------------------------------------------------------------------------- sizes of a file's inputs
def file_cases(path: Path) -> list[dict]:
    """(label, dims, input values) at which a file is read: a cache file at prefill (S, past 0) and one step
    (1 after P); a merged decoder once per branch; others at S tokens."""
    import onnx

    g = onnx.load(str(path), load_external_data=False).graph
    names = {i.name for i in g.input}
    params = {d.dim_param for i in g.input for d in i.type.tensor_type.shape.dim if d.dim_param}
    past = any("past" in n for n in names)
    base = {"batch_size": 1, "sequence_length": S, "encoder_sequence_length": S, "decoder_sequence_length": S,
            "past_sequence_length": 0, "past_decoder_sequence_length": 0, "num_channels": 3, "height": 64,
            "width": 64, "text_batch_size": 2, "image_batch_size": 1, "feature_size": 16,
            "encoder_sequence_length_out": S}
    if "input_values" in names:
        base["sequence_length"] = 4000
    if "input_features" in names:
        base["encoder_sequence_length"] = 32
    if "encoder_hidden_states" in names and path.parent.parent.name.startswith("whisper"):
        base["encoder_sequence_length"] = 16  # the encoder's output: 32 frames / 2
    step = dict(base, sequence_length=1, decoder_sequence_length=1, past_sequence_length=P,
                past_decoder_sequence_length=P)
    if "whisper" in path.parent.parent.name:
        for d in (base, step):
            if "input_features" not in names:
                d["encoder_sequence_length"] = 16
    cases = []
    if "use_cache_branch" in names:
        cases.append(("branch0", base, {"use_cache_branch": 0}))
        cases.append(("branch1", step, {"use_cache_branch": 1}))
    elif past and "decoder_with_past" in path.name:
        cases.append(("step", step, {}))
    elif past:
        cases.append(("prefill", base, {}))
        cases.append(("step", step, {}))
    else:
        cases.append(("full", base, {}))
    # a second size: batch 2, a chunk of 3 tokens after 5 cached (a merged decoder's cache branch), 5 tokens
    b2 = {k: (v if not isinstance(v, int) else v) for k, v in base.items()}
    b2.update(batch_size=2, text_batch_size=3, image_batch_size=2)
    if past or "use_cache_branch" in names:
        b2.update(sequence_length=3, decoder_sequence_length=3, past_sequence_length=5,
                  past_decoder_sequence_length=5)
        vals = {"use_cache_branch": 1} if "use_cache_branch" in names else {}
    else:
        if "input_ids" in names and "input_features" not in names:
            b2.update(sequence_length=5, encoder_sequence_length=5, decoder_sequence_length=5)
        vals = {}
    cases.append(("b2", b2, vals))
    return [dict(label=lab, dims={k: v for k, v in d.items() if k in params}, values=vals)
            for lab, d, vals in cases]


def dim_value(d, dims: dict) -> int:
    if d.dim_param:
        expr = d.dim_param
        if expr in dims:
            return int(dims[expr])
        return int(eval(re.sub(r"[A-Za-z_][A-Za-z_0-9.]*", lambda m: str(dims[m.group(0)]), expr)))
    return int(d.dim_value)


# --------------------------------------------------------------------------- the oracle (onnxruntime, measured shapes)
def inline_ifs(model, values: dict) -> int:
    """Replace each If whose condition is a given graph input by the nodes of the branch that runs."""
    from onnx import helper

    g = model.graph
    n_inlined = 0
    new_nodes = []
    for node in g.node:
        if node.op_type == "If" and node.input[0] in values:
            br = [a for a in node.attribute if a.name == ("then_branch" if values[node.input[0]] else
                                                           "else_branch")][0].g
            new_nodes.extend(br.node)
            g.initializer.extend(br.initializer)
            for o_out, b_out in zip(node.output, br.output):
                if o_out != b_out.name:
                    new_nodes.append(helper.make_node("Identity", [b_out.name], [o_out]))
            n_inlined += 1
        else:
            new_nodes.append(node)
    del g.node[:]
    g.node.extend(new_nodes)
    return n_inlined


def feeds_for(g, dims: dict, values: dict):
    import numpy as np

    rng = np.random.default_rng(1)
    feeds = {}
    types = {1: np.float32, 10: np.float16, 6: np.int32, 7: np.int64, 9: np.bool_}
    for i in g.input:
        tt = i.type.tensor_type
        shape = [dim_value(d, dims) for d in tt.shape.dim]
        dt = types[tt.elem_type]
        if i.name in values:
            feeds[i.name] = np.array(values[i.name], dtype=dt).reshape(shape)
        elif "mask" in i.name:
            feeds[i.name] = np.ones(shape, dtype=dt)
        elif "position_ids" in i.name:
            past = dims.get("past_sequence_length", 0)
            feeds[i.name] = np.broadcast_to(np.arange(past, past + shape[-1]), shape).astype(dt)
        elif "token_type" in i.name:
            feeds[i.name] = np.zeros(shape, dtype=dt)
        elif dt in (np.int64, np.int32):
            feeds[i.name] = rng.integers(0, 40 if "wav" in g.name else VOCAB, shape).astype(dt)
        else:
            feeds[i.name] = (rng.standard_normal(shape) * 0.5).astype(dt)
    return feeds


def einsum_macs(eq: str, shapes: list) -> int:
    lhs = eq.replace(" ", "").split("->")[0].split(",")
    size = {}
    for term, sh in zip(lhs, shapes):
        letters = term.replace("...", "")
        off = len(sh) - len(letters)
        for k, c in enumerate(letters):
            size[c] = sh[off + k] if term.startswith("...") else sh[k]
    return prod(size.values())


def oracle(path: str, dims: dict, values: dict) -> dict:
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import helper, numpy_helper

    model = onnx.load(path)
    inlined = inline_ifs(model, values)
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    # params: float initializers of more than one element, read by some node (weights, biases, norms, tables);
    # Constant nodes holding float tensors of more than one element with distinct values, likewise
    consumers = {}
    for n in g.node:
        for x in n.input:
            consumers.setdefault(x, []).append(n.op_type)
    params = 0
    const_params = 0
    for t in g.initializer:
        if t.data_type in (1, 2, 3, 10, 11, 16) and prod(t.dims) > 1 and t.name in consumers:
            params += prod(t.dims)
    for n in g.node:
        if n.op_type == "Constant" and n.attribute[0].name == "value":
            a = numpy_helper.to_array(n.attribute[0].t)
            if a.dtype.kind == "f" and a.size > 1 and len(np.unique(a)) > 1 and \
                    set(consumers.get(n.output[0], [])) & {"MatMul", "Gemm", "Conv", "Gather"}:
                const_params += a.size
    # every node output a graph output; types from inference where known
    try:
        inferred = onnx.shape_inference.infer_shapes(model)
        vi = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    except Exception:
        vi = {}
    have = {o.name for o in g.output}
    for n in g.node:
        for o in n.output:
            if o and o not in have:
                have.add(o)
                if o in vi and vi[o].type.tensor_type.elem_type:
                    v = helper.make_tensor_value_info(o, vi[o].type.tensor_type.elem_type, None)
                else:
                    v = onnx.ValueInfoProto(name=o)
                g.output.append(v)
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.log_severity_level = 3
    sess = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
    feeds = feeds_for(g, dims, values)
    outs = sess.run(None, feeds)
    shapes = {o.name: list(v.shape) for o, v in zip(sess.get_outputs(), outs)}
    for k, v in feeds.items():
        shapes[k] = list(v.shape)
    for k, t in inits.items():
        shapes[k] = list(t.dims)
    macs = 0
    per_op = {}
    unknown = {}
    for n in g.node:
        op = n.op_type
        ins = [shapes.get(x) for x in n.input]
        out = shapes.get(n.output[0]) if n.output else None
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        c = None
        if op in ("MatMul", "MatMulInteger", "DynamicQuantizeMatMul", "MatMulIntegerToFloat"):
            c = prod(out) * ins[0][-1]
        elif op == "FusedMatMul":
            c = prod(out) * (ins[0][-2] if attrs.get("transA") else ins[0][-1])
        elif op == "Gemm":
            c = prod(out) * (ins[0][0] if attrs.get("transA") else ins[0][1])
        elif op in ("Conv", "ConvInteger"):
            c = prod(out) * prod(ins[1][1:])
        elif op == "ConvTranspose":
            c = prod(ins[0]) * prod(ins[1][1:])
        elif op == "Einsum":
            c = einsum_macs(attrs["equation"].decode() if isinstance(attrs["equation"], bytes)
                            else attrs["equation"], ins)
        elif op == "Attention":  # com.microsoft: QKV projection + QK^T + AV over the past and new keys
            b, s_, h = ins[0]
            c = b * s_ * h * ins[1][1]
            outs = [shapes.get(x) for x in n.output]
            L = outs[1][3] if len(outs) > 1 and outs[1] else s_
            c += 2 * b * s_ * L * out[2]
        elif op == "MultiHeadAttention":  # projected q [B, S, D]; keys from key or present_key [B, N, L, d]
            b, s_, dq = ins[0]
            outs = [shapes.get(x) for x in n.output]
            if len(outs) > 1 and outs[1]:
                L = outs[1][2]
            else:
                L = ins[1][1] if len(ins[1]) == 3 else ins[1][2]
            c = b * s_ * L * (dq + out[2])
        elif op == "GroupQueryAttention":  # every query head over L keys: QK^T + AV
            b, s_, dq = ins[0]
            L = shapes.get(n.output[1])[2]
            c = 2 * b * s_ * L * out[2]
        elif op in ("QAttention", "QOrderedAttention", "DecoderMaskedMultiHeadAttention"):
            unknown[op] = unknown.get(op, 0) + 1
        if c is not None:
            macs += int(c)
            per_op[op] = per_op.get(op, 0) + int(c)
    return {"macs": macs, "per_op": per_op, "params": params, "const_params": const_params,
            "oracle_unknown": unknown, "inlined_ifs": inlined, "ops": sorted({n.op_type for n in g.node})}


# --------------------------------------------------------------------------- torch at the same sizes
def torch_count(name: str, fname: str, dims: dict) -> dict:
    """FlopCounterMode flops / 2 of the eager module at the file's sizes (no cache); None where not meaningful."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    builder, task, _, _ = MODELS[name]
    m = make(builder, eager=True).eval()
    if hasattr(m, "set_attn_implementation"):  # CLIP's sub-configs keep sdpa, which FlopCounterMode does not count
        m.set_attn_implementation("eager")
    b = dims.get("batch_size", 1)
    g = torch.Generator().manual_seed(1)

    def ids(n):
        return torch.randint(0, VOCAB, (b, n), generator=g)

    s = dims.get("sequence_length", S)
    kw = None
    fn = m
    if builder in ("t5", "bart", "whisper"):
        es = dims.get("encoder_sequence_length", S)
        if fname == "encoder_model.onnx":
            fn = m.get_encoder()
            kw = ({"input_features": torch.randn(b, 16, 32, generator=g)} if builder == "whisper"
                  else {"input_ids": ids(es), "attention_mask": torch.ones(b, es, dtype=torch.long)})
        elif fname == "decoder_model.onnx":
            h = torch.randn(b, es, 64, generator=g)
            kw = {"encoder_outputs": (h,), "decoder_input_ids": ids(dims.get("decoder_sequence_length", S)),
                  "use_cache": False}
            if builder != "whisper":
                kw["attention_mask"] = torch.ones(b, es, dtype=torch.long)
    elif "past" in dims and dims.get("past_sequence_length", 0) != 0:
        kw = None
    elif builder == "vit":
        kw = {"pixel_values": torch.randn(b, 3, 64, 64, generator=g)}
    elif builder == "clip":
        kw = {"input_ids": torch.randint(0, VOCAB, (2, s), generator=g),
              "attention_mask": torch.ones(2, s, dtype=torch.long),
              "pixel_values": torch.randn(1, 3, 64, 64, generator=g)}
    elif builder == "wav2vec2":
        kw = {"input_values": torch.randn(b, s, generator=g)}
    elif dims.get("past_sequence_length", 0) == 0:
        kw = {"input_ids": ids(s), "attention_mask": torch.ones(b, s, dtype=torch.long)}
        if builder in ("gpt2", "llama", "qwen2", "phi"):
            kw["use_cache"] = False
    if kw is None:
        return {}
    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        fn(**kw)
    return {"torch_macs": fc.get_total_flops() // 2}


# --------------------------------------------------------------------------- dscost
def run_dscost(path: str, dims: dict, values: dict) -> dict:
    cmd = [sys.executable, "-m", "dscost", "analyze", path, "-f", "json", "-q"]
    for k, v in dims.items():
        cmd += ["--dim", f"{k}={v}"]
    for k, v in values.items():
        cmd += ["--input-value", f"{k}={v}"]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t0 = time.time()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=DSCOST_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return {"rc": "timeout", "s": DSCOST_TIMEOUT, "cmd": cmd[2:]}
    r = {"rc": p.returncode, "s": round(time.time() - t0, 1), "cmd": " ".join(cmd[2:])}
    if "Traceback" in p.stderr:
        r["traceback"] = p.stderr[-2000:]
    try:
        d = json.loads(p.stdout)
    except json.JSONDecodeError:
        r["stderr"] = p.stderr[-1500:]
        return r
    t = d["totals"]
    r.update(macs=t["macs"], params=t["params"], weights=t["weights"], biases=t["biases"],
             norm=t["norm_params"], buffers=t["buffers"],
             uncounted=[(u.get("name"), u.get("op"), u.get("reason", "")[:120]) for u in d.get("uncounted", [])],
             notes=d.get("notes", []))
    return r


# --------------------------------------------------------------------------- hints on a file with a KV cache
# (model, file, args, expected MACs): the attention mask [batch_size, 'past_sequence_length + sequence_length']
# given by --input-shape with --dim sequence_length fixes the cache length; expected the --dim count
HINT_CHECKS = [
    ("llama_past", "model.onnx", ["--dim", "sequence_length=1", "-i", "attention_mask=1x16"], 109_840),
    ("llama_past", "model.onnx", ["--dim", "sequence_length=16", "-i", "attention_mask=1x16"], 1_757_440),
    ("gpt2_past", "model.onnx", ["--dim", "sequence_length=1", "-i", "attention_mask=1x16"], 134_400),
]


def hint_checks(out: Path) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    rows = []
    for name, fname, args, want in HINT_CHECKS:
        path = out / name / "onnx" / fname
        if not path.exists():
            continue
        p = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), "-f", "json", "-q", *args],
                           capture_output=True, text=True, timeout=DSCOST_TIMEOUT, env=env)
        got = json.loads(p.stdout)["totals"]["macs"] if p.returncode == 0 else None
        rows.append({"name": name, "file": fname, "args": " ".join(args), "rc": p.returncode, "macs": got,
                     "want": want, "ok": got == want, "stderr": p.stderr.strip().splitlines()[-1:]})
        print(f"hint {name}/{fname} {' '.join(args)}: rc {p.returncode} macs {got} (want {want})"
              f" {'ok' if got == want else 'OPEN: ' + (p.stderr.strip().splitlines() or [''])[-1][:300]}",
              flush=True)
    return rows


# --------------------------------------------------------------------------- driver
def child(fn: str, args: list, timeout: int) -> dict:
    code = ("import json,sys; sys.path.insert(0, %r); from crosscheck_optimum import *; "
            "from pathlib import Path; a = json.loads(sys.argv[1]); "
            "r = %s(*a); print('@@' + json.dumps(r))") % (str(Path(__file__).parent), fn)
    if fn == "build":
        code = code.replace("(*a)", "(a[0], Path(a[1]))")
    t0 = time.time()
    try:
        p = subprocess.run([sys.executable, "-c", code, json.dumps(args)], capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout {timeout}s"}
    for line in p.stdout.splitlines():
        if line.startswith("@@"):
            r = json.loads(line[2:])
            r["_s"] = round(time.time() - t0, 1)
            return r
    return {"error": (p.stderr or p.stdout)[-2500:]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--out", default="/tmp/r43/files")
    ap.add_argument("--only", default="")
    ap.add_argument("--reuse", action="store_true")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    names = [n for n in MODELS if not a.only or n in a.only.split(",")]  # --only hint_checks: the hint part
    rows = []
    bad = 0
    t_all = time.time()
    for name in names:
        cache = out / f"{name}.build.json"
        if a.reuse and cache.exists():
            b = json.loads(cache.read_text())
        else:
            b = child("build", [name, str(out)], BUILD_TIMEOUT)
            cache.write_text(json.dumps(b))
        if "error" in b:
            print(f"{name}: export failed: {b['error'][-400:]}", flush=True)
            rows.append({"name": name, "export_error": b["error"]})
            continue
        for fname in b["files"]:
            path = str(out / name / "onnx" / fname)
            for case in file_cases(Path(path)):
                row = {"name": name, "file": fname, "case": case["label"], "dims": case["dims"],
                       "values": case["values"], "module_params": b["params"],
                       "encoder_params": b.get("encoder_params")}
                row["dscost"] = run_dscost(path, case["dims"], case["values"])
                row["oracle"] = child("oracle", [path, case["dims"], case["values"]], ORACLE_TIMEOUT)
                row["torch"] = (child("torch_count", [name, fname, case["dims"]], ORACLE_TIMEOUT)
                                if case["label"] != "b2" else {})
                d, o = row["dscost"], row["oracle"]
                row["macs_equal"] = d.get("macs") is not None and d.get("macs") == o.get("macs")
                row["params_equal"] = d.get("params") is not None and d.get("params") == o.get("params")
                if not row["macs_equal"] or not row["params_equal"] or d.get("rc") != 0 or d.get("uncounted"):
                    key = f"{name}/{fname}/{case['label']}"
                    row["explained"] = EXPLAINED.get(key, "")
                    if not row["explained"]:
                        bad += 1
                rows.append(row)
                print(f"{name:14s} {fname:32s} {case['label']:8s} dscost {d.get('macs')!s:>12} "
                      f"oracle {o.get('macs')!s:>12} torch {row['torch'].get('torch_macs')!s:>12} | "
                      f"params {d.get('params')!s:>8} oracle {o.get('params')!s:>8} (+const "
                      f"{o.get('const_params')}) module {b['params']} | rc {d.get('rc')} {d.get('s')}s "
                      f"unc {len(d.get('uncounted') or [])} {o.get('error', '')[-200:]}", flush=True)
    hints = hint_checks(out) if not a.only or "hint_checks" in a.only.split(",") else []
    bad += sum(not h["ok"] for h in hints)
    Path(a.json).write_text(json.dumps({"rows": rows, "hints": hints, "wall_s": round(time.time() - t_all)},
                                       indent=1))
    print(f"{len(rows)} rows, {bad} unexplained differences, {time.time() - t_all:.0f} s")
    return 1 if bad else 0


# file/case -> diagnosis of a difference (filled in from the as-run diagnoses below)
_FP16_MERGED = ("exporter (the file, not dscost): onnxruntime.transformers' convert_float_to_float16(keep_io_types=True) "
                "on the merged decoder drops its integer inputs (input_ids, encoder_attention_mask, "
                "use_cache_branch) and writes a Cast reading 'graph_output_cast_0', which no node makes; "
                "onnxruntime refuses it, dscost exits 2 saying so")
EXPLAINED: dict[str, str] = {f"bart_fp16/decoder_model_merged_fp16.onnx/{c}": _FP16_MERGED
                             for c in ("prefill", "step", "b2")}

if __name__ == "__main__":
    sys.exit(main())
