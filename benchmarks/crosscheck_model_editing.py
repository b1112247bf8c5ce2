"""Nineteenth blind round, second half (2026-12-05): models that model-editing libraries rewrite,
in the forms crosscheck_adapters_pruning.py did not hold -- peft's AdaLoRA, FourierFT, HRA, C3A,
RandLoRA, VB-LoRA, LN tuning, LoRA on embeddings and on GPT-2's Conv1D (fan_in_fan_out), prompt
tuning, P-tuning and prefix tuning, LoRA/DoRA/IA3/LoHa on CNNs with depthwise and grouped convs
(MobileNetV2, RegNetY), merged and not; torch-pruning's DepGraph on nets with SE, hard-swish,
a VGG classifier, squeeze/expand concats and channel shuffles; brevitas' QAT layers (int32 bias
quant, quantized residual adds, Conv1d, average pools, multi-head attention) -- each model counted
three ways against torch's own counter, as in crosscheck_timm_sixth.py (the module through
``dscost.analyze``, the TorchScript and the dynamo exporters' files through ``python -m dscost
analyze FILE -f json``).

What it stresses: low-rank paths around depthwise convs (peft gives a grouped LoRA conv),
spectral adapters (FourierFT: a sparse spectrum scattered into a matrix and an inverse 2-D FFT
built in the forward; C3A: circular convolutions by FFT), Householder reflections (HRA: products
of I - 2uu^T), shared random bases (RandLoRA, VB-LoRA's top-k mixture over a vector bank),
embedding LoRA (a gather of A's rows, then a matmul by B), prompt tokens concatenated in front of
the input embeddings and prefix key/value caches, pruned channel counts through SE gates, channel
shuffles and concatenations, fake quantization around each layer.  Random weights only; every
adapter parameter set to random values so that nothing is a foldable zero.

    /work/hvA/bin/pip install -c constraints.txt peft torch-pruning brevitas transformers
    # constraints.txt: torch==2.14.1 and the venv's numpy, onnx, onnxscript, protobuf
    /work/hvA/bin/python benchmarks/crosscheck_model_editing.py [--only a,b] [--json rows.json] [--md table.md]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r19/zoo).

As run (2026-12-05, torch 2.14.1, torchvision 0.29.1, transformers 5.25.0, onnx 1.23.2, onnxscript
0.7.2, peft 0.21.2, torch-pruning 1.6.1, brevitas 0.13.4; 6 min of model time on 2 cores): 34
models, torch's counter ran on all.  Exports that failed: C3A with both exporters (``aten::size``
in its FFT path; the dynamo exporter's einsum), so its module too, said in one line; FourierFT's
``aten::fft_ifft2`` with the TorchScript exporter (dscost's module path took the dynamo one);
HRA, prefix tuning on BERT and brevitas' residual block and QuantMultiheadAttention with the
dynamo exporter.  **MACs equal torch's on 33 of 33 modules, 32 of 32 TorchScript files and 27 of
29 dynamo files, nothing uncounted anywhere.**  The two others are the dynamo exporter's folding of
what parameters alone compute: P-tuning's prompt-encoder MLP (-40,960) and DoRA's per-channel
norms on ResNet-18 (-2,691,840, +682,176 params).  Params equal torch's on 25 of 33 modules and
23 of 32 TorchScript files; the others: brevitas' one-element learned scales (2 to 6 per net) and
AdaLoRA's one-element ``ranknum`` (TS file -4), parameters in no graph (GoogLeNet's aux heads
-6,379,984, LN tuning's frozen LayerNorm copies -640, HRA's base weights read through ``.data``
-16,384, each named in a module note), RandLoRA's frozen random bases (buffers, stored as
constants: TS file +4,608) and HRA's ``torch.eye`` (a Constant its weight is computed from,
counted as a parameter of the TS file: +16,384; since then a Constant holding an identity matrix is
a literal of the model's code, not a parameter, and the TS file's params equal torch's).
Pruned nets (EfficientNet-B0, MobileNetV3-small, VGG-11-BN, SqueezeNet 1.1, ResNet-50 rounded to
8, GoogLeNet) equal torch's every way; torch-pruning 1.6.1 fails on ShuffleNetV2
(ZeroDivisionError), and peft 0.21.2 refuses a LoRA on a conv whose groups do not divide the
rank (depthwise and grouped convs stay plain).  brevitas' own exporters, by hand on the four
brevitas nets (``export_qonnx``, ``export_onnx_qcdq``): the 5 files written count torch's MACs,
nothing uncounted, params but the one-element scales; QCDQ refuses int32-quantized biases
(residual block, MHA) and QONNX fails in torch.export on QuantMultiheadAttention.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_adapters_pruning as R  # noqa: E402
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r19/zoo")
_ADAPTER_KEYS = ("lora_", "hada_", "lokr_", "ia3_", "oft_", "hra_", "fourierft_", "c3a_", "randlora_", "vblora_", "ln_tuning", "prompt_encoder")


def _nonzero(m):
    """Every adapter parameter given random values (IA3's and LN tuning's around 1)."""
    import torch

    with torch.no_grad():
        for n, p in m.named_parameters():
            if any(k in n for k in _ADAPTER_KEYS):
                one = any(k in n for k in ("ia3_", "ln_tuning")) and "bias" not in n
                p.copy_(torch.randn_like(p) * 0.02 + (1.0 if one else 0.0))
    return m


def _cfg(kind: str, targets):
    import peft

    return {
        "lora": lambda: peft.LoraConfig(r=4, lora_alpha=8, target_modules=targets),
        "dora": lambda: peft.LoraConfig(r=4, lora_alpha=8, target_modules=targets, use_dora=True),
        "loha": lambda: peft.LoHaConfig(r=4, alpha=8, target_modules=targets),
        "adalora": lambda: peft.AdaLoraConfig(init_r=8, target_r=4, total_step=100, target_modules=targets),
        "fourierft": lambda: peft.FourierFTConfig(n_frequency=100, target_modules=targets),
        "hra": lambda: peft.HRAConfig(r=4, target_modules=targets),
        "c3a": lambda: peft.C3AConfig(block_size=16, target_modules=targets),
        "randlora": lambda: peft.RandLoraConfig(r=8, target_modules=targets),
        "vblora": lambda: peft.VBLoRAConfig(r=4, num_vectors=16, vector_length=16, topk=2, target_modules=targets),
        "lntuning": lambda: peft.LNTuningConfig(target_modules=targets),
    }[kind]()


def _bert_peft(kind: str, targets=("query", "value"), merged: bool = False):
    import peft

    m = _nonzero(peft.get_peft_model(R._bert(), _cfg(kind, list(targets))))
    return R._hidden(m.merge_and_unload() if merged else m.base_model.model)


def _gpt2():
    from transformers import GPT2Config, GPT2Model

    return GPT2Model(GPT2Config(n_embd=64, n_layer=2, n_head=4, n_positions=64, vocab_size=1000))


class _Last:
    @staticmethod
    def wrap(m):
        """A forward of token ids that returns the last hidden state only (GPT-2 has no pooler)."""
        from torch import nn

        class Last(nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.m = inner

            def forward(self, input_ids):
                return self.m(input_ids=input_ids, use_cache=False).last_hidden_state

        return Last(m)


def _gpt2_lora(merged: bool = False):
    import peft

    cfg = peft.LoraConfig(r=4, lora_alpha=8, target_modules=["c_attn", "c_proj"], fan_in_fan_out=True)
    m = _nonzero(peft.get_peft_model(_gpt2(), cfg))
    return _Last.wrap(m.merge_and_unload() if merged else m.base_model.model)


def _prompt(kind: str, base: str = "bert"):
    """peft's prompt learning on a feature-extraction model: the PeftModel's own forward (it
    prepends the virtual tokens' embeddings, or passes prefix key/values)."""
    import peft
    from torch import nn

    tt = "FEATURE_EXTRACTION"
    cfg = {
        "prompt": lambda: peft.PromptTuningConfig(task_type=tt, num_virtual_tokens=8),
        "ptuning": lambda: peft.PromptEncoderConfig(task_type=tt, num_virtual_tokens=8, encoder_hidden_size=32),
        "prefix": lambda: peft.PrefixTuningConfig(task_type=tt, num_virtual_tokens=8),
    }[kind]()
    m = _nonzero(peft.get_peft_model(R._bert() if base == "bert" else _gpt2(), cfg))

    class P(nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.m = inner

        def forward(self, input_ids):  # (BERT's pooled output too: with one, the exporters drop the other's layers)
            out = self.m(input_ids=input_ids)
            return (out.last_hidden_state, out.pooler_output) if base == "bert" else out.last_hidden_state

    return P(m)


def _tv_peft(net: str, kind: str, targets, merged: bool = False):
    """``targets``: module names, or None for every ungrouped Conv2d and Linear (peft 0.21.2 refuses
    a LoRA conv whose groups do not divide the rank: depthwise and grouped convs stay plain)."""
    import peft
    import torchvision
    from torch import nn

    base = getattr(torchvision.models, net)(weights=None)
    if targets is None:
        targets = [n for n, mod in base.named_modules() if isinstance(mod, nn.Linear) or (isinstance(mod, nn.Conv2d) and mod.groups == 1)]
    m = _nonzero(peft.get_peft_model(base, _cfg(kind, targets)))
    return m.merge_and_unload() if merged else m.base_model.model


def _resnet_ia3(merged: bool = False):
    import peft
    import torchvision

    cfg = peft.IA3Config(target_modules=["conv1", "conv2", "fc"], feedforward_modules=["conv1"])
    m = _nonzero(peft.get_peft_model(torchvision.models.resnet18(weights=None), cfg))
    return m.merge_and_unload() if merged else m.base_model.model


def _pruned(name: str, ratio: float = 0.5, round_to=None, importance: str = "l2"):
    import torch
    import torch_pruning as tp
    import torchvision

    torch.manual_seed(0)
    m = getattr(torchvision.models, name)(weights=None)
    last = [mod for mod in m.modules() if isinstance(mod, torch.nn.Linear)][-1:]
    if name.startswith("squeezenet"):
        last = [m.classifier[1]]
    imp = {"l2": lambda: tp.importance.MagnitudeImportance(p=2), "l1": lambda: tp.importance.MagnitudeImportance(p=1),
           "bn": lambda: tp.importance.BNScaleImportance(), "lamp": lambda: tp.importance.LAMPImportance(p=2)}[importance]()  # fmt: skip
    pr = tp.pruner.MetaPruner(m, torch.randn(1, 3, 64, 64), importance=imp, pruning_ratio=ratio, ignored_layers=last, round_to=round_to)
    pr.step()
    return m


def _brevitas(kind: str):
    import brevitas.nn as qnn
    import torch
    from brevitas.quant import Int8ActPerTensorFloat, Int32Bias
    from torch import nn

    if kind == "resblock":
        class Res(nn.Module):
            """A residual block with a quantized add (QuantEltwiseAdd) and int32 bias quantization."""

            def __init__(self):
                super().__init__()
                self.inp = qnn.QuantIdentity(return_quant_tensor=True)
                self.c1 = qnn.QuantConv2d(3, 16, 3, padding=1, bias=True, bias_quant=Int32Bias, return_quant_tensor=True)
                self.r1 = qnn.QuantReLU(return_quant_tensor=True)
                self.c2 = qnn.QuantConv2d(16, 16, 3, padding=1, bias=True, bias_quant=Int32Bias, return_quant_tensor=True)
                self.r2 = qnn.QuantReLU(return_quant_tensor=True)
                self.c3 = qnn.QuantConv2d(16, 16, 3, padding=1, bias=False, return_quant_tensor=True)
                self.add = qnn.QuantEltwiseAdd(return_quant_tensor=True)
                self.pool = qnn.TruncAvgPool2d(kernel_size=8, stride=8, return_quant_tensor=False) if hasattr(qnn, "TruncAvgPool2d") else nn.AvgPool2d(8)
                self.fc = qnn.QuantLinear(16 * 4 * 4, 10, bias=True)

            def forward(self, x):
                x = self.r1(self.c1(self.inp(x)))
                x = self.r2(self.add(self.c3(self.r2(self.c2(x))), x))
                return self.fc(torch.flatten(self.pool(x), 1))

        return Res()
    if kind == "conv1d":
        return nn.Sequential(qnn.QuantIdentity(act_quant=Int8ActPerTensorFloat), qnn.QuantConv1d(8, 16, 5, padding=2, weight_bit_width=4),
                             qnn.QuantHardTanh(max_val=1.0, min_val=-1.0), qnn.QuantConv1d(16, 16, 3, stride=2, groups=16),
                             qnn.QuantReLU(), nn.AdaptiveAvgPool1d(1), nn.Flatten(), qnn.QuantLinear(16, 4, bias=True))  # fmt: skip
    if kind == "mha":
        class A(nn.Module):
            def __init__(self):
                super().__init__()
                self.mha = qnn.QuantMultiheadAttention(32, 4, batch_first=True)
                self.fc = qnn.QuantLinear(32, 8, bias=True)

            def forward(self, x):
                return self.fc(self.mha(x, x, x, need_weights=False)[0])

        return A()
    if kind == "sigmoid_tanh":
        return nn.Sequential(nn.Flatten(), qnn.QuantLinear(3 * 16 * 16, 64, bias=True, weight_bit_width=3), qnn.QuantSigmoid(),
                             qnn.QuantLinear(64, 32, bias=True), qnn.QuantTanh(), qnn.QuantLinear(32, 10, bias=False))  # fmt: skip
    raise ValueError(kind)


def _entries() -> dict:
    img = lambda h: [("input", (1, 3, h, h), "float32")]  # noqa: E731
    ids = [("input_ids", (1, 16), "int64")]
    cnn_t = ["conv1", "conv2", "fc"]
    return {
        # peft 0.21.2, transformers 5.25.0: a 2-layer BERT (width 64), a 2-layer GPT-2 (width 64)
        "bert_adalora": (lambda: _bert_peft("adalora"), ids, "BERT + AdaLoRA (SVD-form P diag(E) Q, ranks 8) on query/value"),
        "bert_adalora_merged": (lambda: _bert_peft("adalora", merged=True), ids, "BERT + AdaLoRA, merged"),
        "bert_fourierft": (lambda: _bert_peft("fourierft"), ids, "BERT + FourierFT (100 spectral coefficients, ifft2 to a weight delta)"),
        "bert_hra": (lambda: _bert_peft("hra"), ids, "BERT + HRA (4 Householder reflections of the weight)"),
        "bert_c3a": (lambda: _bert_peft("c3a"), ids, "BERT + C3A (block circular convolution by FFT)"),
        "bert_randlora": (lambda: _bert_peft("randlora"), ids, "BERT + RandLoRA (shared random bases, learned diagonals)"),
        "bert_vblora": (lambda: _bert_peft("vblora"), ids, "BERT + VB-LoRA (top-2 mixture over a bank of 16 vectors)"),
        "bert_lntuning": (lambda: _bert_peft("lntuning", ("LayerNorm",)), ids, "BERT + LN tuning (LayerNorms copied and trained)"),
        "bert_lora_embedding": (lambda: _bert_peft("lora", ("word_embeddings", "query", "dense")), ids,
                                "BERT + LoRA on the word embedding (gather of A, matmul by B), query and every dense"),
        "bert_lora_embedding_merged": (lambda: _bert_peft("lora", ("word_embeddings", "query", "dense"), merged=True), ids,
                                       "BERT + LoRA on embedding/query/dense, merged"),
        "gpt2_lora": (lambda: _gpt2_lora(), ids, "GPT-2 (Conv1D layers) + LoRA fan_in_fan_out on c_attn/c_proj"),
        "gpt2_lora_merged": (lambda: _gpt2_lora(merged=True), ids, "GPT-2 + LoRA, merged"),
        "bert_prompt_tuning": (lambda: _prompt("prompt"), ids, "BERT + prompt tuning (8 virtual token embeddings prepended)"),
        "bert_ptuning": (lambda: _prompt("ptuning"), ids, "BERT + P-tuning (an MLP prompt encoder, 8 tokens)"),
        "bert_prefix_tuning": (lambda: _prompt("prefix"), ids, "BERT + prefix tuning (8 prefix keys/values per layer)"),
        "gpt2_prefix_tuning": (lambda: _prompt("prefix", "gpt2"), ids, "GPT-2 + prefix tuning"),
        # peft on torchvision CNNs
        "mobilenet_v2_lora": (lambda: _tv_peft("mobilenet_v2", "lora", None), img(64),
                              "MobileNetV2 + LoRA on every ungrouped conv (1x1s, stem) and the classifier"),
        "mobilenet_v2_lora_merged": (lambda: _tv_peft("mobilenet_v2", "lora", None, merged=True), img(64), "MobileNetV2 + LoRA, merged"),
        "regnet_y_400mf_lora": (lambda: _tv_peft("regnet_y_400mf", "lora", None), img(64),
                                "RegNetY-400MF + LoRA on its ungrouped convs (1x1s, SE convs, stem) and fc"),
        "resnet18_dora": (lambda: _tv_peft("resnet18", "dora", cnn_t), img(64), "ResNet-18 + DoRA on convs (per-channel weight norm) and fc"),
        "resnet18_dora_merged": (lambda: _tv_peft("resnet18", "dora", cnn_t, merged=True), img(64), "ResNet-18 + DoRA, merged"),
        "resnet18_ia3": (lambda: _resnet_ia3(), img(64), "ResNet-18 + IA3 on convs (feed-forward: input scaled) and fc"),
        "resnet18_ia3_merged": (lambda: _resnet_ia3(merged=True), img(64), "ResNet-18 + IA3, merged"),
        "resnet18_loha_merged": (lambda: _tv_peft("resnet18", "loha", cnn_t, merged=True), img(64), "ResNet-18 + LoHa, merged"),
        # torch-pruning 1.6.1
        "efficientnet_b0_pruned40": (lambda: _pruned("efficientnet_b0", 0.4), img(64), "EfficientNet-B0, 40% pruned (SE, depthwise, swish)"),
        "mobilenet_v3_small_pruned50": (lambda: _pruned("mobilenet_v3_small", 0.5, importance="l1"), img(64),
                                        "MobileNetV3-small, 50% pruned, L1 (SE, hard-swish)"),
        "vgg11_bn_pruned50": (lambda: _pruned("vgg11_bn", 0.5, importance="bn"), img(64),
                              "VGG-11-BN, 50% pruned by BN scale (the 7x7-pooled flatten into the classifier pruned with it)"),
        "squeezenet1_1_pruned50": (lambda: _pruned("squeezenet1_1", 0.5), img(64), "SqueezeNet 1.1, 50% pruned (expand 1x1/3x3 concat)"),
        "resnet50_pruned_round8": (lambda: _pruned("resnet50", 0.5, round_to=8, importance="lamp"), img(64),
                                   "ResNet-50, 50% pruned by LAMP, channels rounded to multiples of 8"),
        "googlenet_pruned30": (lambda: _pruned("googlenet", 0.3), img(64), "GoogLeNet, 30% pruned (inception concats)"),
        # brevitas 0.13.4
        "brevitas_resblock": (lambda: _brevitas("resblock"), img(32), "brevitas: int32 bias quant, QuantEltwiseAdd residual, TruncAvgPool2d"),
        "brevitas_conv1d": (lambda: _brevitas("conv1d"), [("input", (1, 8, 64), "float32")], "brevitas QuantConv1d (depthwise too), QuantHardTanh"),
        "brevitas_mha": (lambda: _brevitas("mha"), [("input", (1, 10, 32), "float32")], "brevitas QuantMultiheadAttention (4 heads)"),
        "brevitas_sigmoid_tanh": (lambda: _brevitas("sigmoid_tanh"), img(16), "brevitas 3-bit MLP, QuantSigmoid, QuantTanh"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
