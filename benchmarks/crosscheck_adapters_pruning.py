"""Nineteenth blind round (2026-12-05): models that model-editing libraries rewrite -- peft's
adapters (LoRA, LoHa, LoKr, IA3, OFT, BOFT, VeRA) on a small BERT and a ResNet-18, unmerged and
merged, torch-pruning's structured pruning (DepGraph) of torchvision nets, and brevitas'
quantization-aware layers -- each model counted three ways against torch's own counter, as in
crosscheck_timm_sixth.py (the module through ``dscost.analyze``, the TorchScript and the dynamo
exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: low-rank side paths (a LoRA conv is a Dk x Dk conv to r channels, then a 1x1
conv back, scaled and added), Hadamard and Kronecker products of factors built in the forward
(LoHa, LoKr: the adapter's weight is computed, then a conv or a matmul with it), IA3's learned
scalings of keys, values and feed-forward inputs, OFT's and BOFT's orthogonal rotations (a Cayley
transform, a solve or an inverse, per block) of a frozen weight, VeRA's shared frozen random
projections with learned vectors, merged adapters (plain layers again), pruned channel counts that
are no longer powers of two (and pruned ones left at 0 nowhere), brevitas' fake quantization
(scales, rounding, clamps around each conv and linear) under both exporters.

    /work/hvA/bin/pip install -c constraints.txt peft torch-pruning brevitas onnxoptimizer transformers qonnx
    # constraints.txt: torch, torchvision, numpy, onnx, onnxscript and protobuf at the venv's versions
    /work/hvA/bin/python benchmarks/crosscheck_adapters_pruning.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r19b/zoo).
``--qonnx`` instead writes the brevitas nets with brevitas' own exporters (QONNX and QCDQ) and
counts those files.

As run (2026-12-05, torch 2.14.1, torchvision 0.29.1, transformers 5.25.0, onnx 1.23.2, onnxscript
0.7.2, peft 0.21.2, torch-pruning 1.6.1, brevitas 0.13.4; 6 min on 2 cores): 24 models, torch's
counter ran on all.  BOFT exports with neither exporter (``aten::linalg_solve``), nor does the
binary brevitas net (its quantizers under torch's exporters; brevitas' own QONNX export works),
each said in one line; OFT has no TorchScript file at opset 17 (``aten::col2im``), and dscost's module path takes
opset 18 there.  **MACs equal torch's on 21 of 22 modules, 20 of 21 TorchScript files and 14 of
22 dynamo files, nothing uncounted.**  Every difference is the exporters': VeRA's query and value
adapters share their frozen projection A and read the same input, and both exporters compute that
product once (common subexpressions merged: -16,384, onnxruntime runs it once too); the dynamo
exporter folds what the parameters alone compute -- LoKr's Kronecker weights, LoHa's Hadamard
products, DoRA's norms, OFT's rotations -- into stored weights (fewer MACs, more params), and a
recurrence's first step on a zero state (QuantLSTM, -9,216).  Params equal torch's on 18 of 22
modules: the other four are brevitas' one-element learned scales (1 to 11 per net; one-element
tensors are not counted from a file).  Pruned nets (torch-pruning: 50% of ResNet-18's and
MobileNetV2's channels, DenseNet-121, RegNetY-400MF pruned globally, a ViT with half its heads)
equal torch's every way.  Fixed since the first run: LoKr's ``torch.kron`` had no TorchScript
symbolic, so its modules went to the dynamo exporter (ResNet-18 with LoKr: -203,264 MACs,
+694,369 params); dscost registers one now (``torch_symbolics``), and both LoKr modules count
torch's MACs and params (the TorchScript files of this table are written in the same process,
after dscost registered it).  ``--qonnx``: dscost listed every Quant node of brevitas' QONNX files as
uncounted (a custom op) before this round; the MACs were all there, but the weights each Quant
quantizes went to its uncounted row, not to the conv or linear layer.  The QONNX and FINN ops
have handlers since (``dscost/readers/onnx_qonnx.py``): every file of both formats equals torch's
MACs (four QONNX files, the binary net's BipolarQuant and Trunc counted too; three QCDQ files,
brevitas refusing the binary net's), nothing uncounted, each weight counted by its layer, params
but the one-element scales.  The QONNX project's own counter (qonnx 1.0.0's ``inference_cost``)
gives the same MACs but on the transposed-conv net, 55,296 of its 186,368, listing ConvTranspose
as unsupported.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r19b/zoo")


def _hidden(m):
    """A transformers model behind a forward of token ids that returns its last hidden state and
    its pooled output (both: with one, the exporters drop the other's layers as dead code)."""
    from torch import nn

    class Hidden(nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.m = inner

        def forward(self, input_ids):
            out = self.m(input_ids=input_ids)
            return out.last_hidden_state, out.pooler_output

    return Hidden(m)


def _bert():
    from transformers import BertConfig, BertModel

    return BertModel(BertConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128, vocab_size=1000))


def _peft_config(kind: str, targets: list[str], ff: list[str] | None = None):
    import peft

    if kind == "lora":
        return peft.LoraConfig(r=4, lora_alpha=8, target_modules=targets)
    if kind == "dora":
        return peft.LoraConfig(r=4, lora_alpha=8, target_modules=targets, use_dora=True)
    if kind == "loha":
        return peft.LoHaConfig(r=4, alpha=8, target_modules=targets)
    if kind == "lokr":
        return peft.LoKrConfig(r=4, alpha=8, target_modules=targets)
    if kind == "ia3":
        return peft.IA3Config(target_modules=targets + (ff or []), feedforward_modules=ff or [])
    if kind == "oft":
        return peft.OFTConfig(r=0, oft_block_size=16, target_modules=targets)
    if kind == "boft":
        return peft.BOFTConfig(boft_block_size=8, target_modules=targets)
    if kind == "vera":
        return peft.VeraConfig(r=8, target_modules=targets)
    raise ValueError(kind)


def _nonzero(m):
    """Adapters start as the identity (a LoRA's B, LoHa's and LoKr's second factors are zeros):
    every parameter given random values, so nothing the exporters could fold is a zero."""
    import torch

    with torch.no_grad():
        for n, p in m.named_parameters():
            if any(k in n for k in ("lora_", "hada_", "lokr_", "ia3_", "oft_", "boft_", "vera_")):
                p.copy_(torch.randn_like(p) * 0.02 + (1.0 if "ia3_" in n else 0.0))
    return m


def _bert_peft(kind: str, merged: bool = False):
    import peft

    ff = ["output.dense"] if kind == "ia3" else None
    targets = ["key", "value"] if kind == "ia3" else ["query", "value"]
    m = _nonzero(peft.get_peft_model(_bert(), _peft_config(kind, targets, ff)))
    return _hidden(m.merge_and_unload() if merged else m)


def _resnet_peft(kind: str, merged: bool = False):
    import peft
    import torchvision

    targets = ["downsample.0", "fc"] if kind == "oft" else ["conv1", "conv2", "fc"]  # (peft 0.21.2 OFT on a 3x3 conv fails in torch at 64 px)
    m = _nonzero(peft.get_peft_model(torchvision.models.resnet18(weights=None), _peft_config(kind, targets)))
    return m.merge_and_unload() if merged else m.base_model.model


def _pruned(name: str, ratio: float = 0.5, global_: bool = False):
    import torch
    import torch_pruning as tp
    import torchvision

    torch.manual_seed(0)
    m = getattr(torchvision.models, name)(weights=None)
    last = [mod for mod in m.modules() if isinstance(mod, torch.nn.Linear)][-1]
    pr = tp.pruner.MetaPruner(m, torch.randn(1, 3, 64, 64), importance=tp.importance.MagnitudeImportance(p=2),
                              pruning_ratio=ratio, ignored_layers=[last], global_pruning=global_)  # fmt: skip
    pr.step()
    return m


def _pruned_vit():
    """torchvision's ViT-B/16 cut to 2 layers of width 192 at 64 px, its heads and MLP pruned."""
    import torch
    import torch_pruning as tp
    from torchvision.models.vision_transformer import VisionTransformer

    torch.manual_seed(0)
    m = VisionTransformer(image_size=64, patch_size=16, num_layers=2, num_heads=4, hidden_dim=192, mlp_dim=768, num_classes=10)
    x = torch.randn(1, 3, 64, 64)
    heads = {blk.self_attention: blk.self_attention.num_heads for blk in m.encoder.layers}
    pr = tp.pruner.MetaPruner(m, x, importance=tp.importance.MagnitudeImportance(p=2), pruning_ratio=0.5, ignored_layers=[m.heads],
                              num_heads=heads, prune_head_dims=False, prune_num_heads=True, head_pruning_ratio=0.5)  # fmt: skip
    pr.step()
    for blk in m.encoder.layers:  # torchvision's MultiheadAttention keeps its own head count
        a = blk.self_attention
        a.num_heads = pr.num_heads.get(a, a.num_heads)
        a.embed_dim = a.in_proj_weight.shape[1]
        a.head_dim = a.embed_dim // a.num_heads
        a.kdim = a.vdim = a.embed_dim
    return m


def _brevitas(kind: str):
    """Small QAT nets of brevitas layers (4- and 8-bit weights, quantized activations)."""
    import brevitas.nn as qnn
    from torch import nn

    if kind == "cnn":
        return nn.Sequential(
            qnn.QuantIdentity(return_quant_tensor=False),
            qnn.QuantConv2d(3, 16, 3, padding=1, weight_bit_width=4), nn.BatchNorm2d(16), qnn.QuantReLU(),
            qnn.QuantConv2d(16, 16, 3, padding=1, groups=16, weight_bit_width=8), qnn.QuantReLU(),
            qnn.QuantConv2d(16, 32, 1, weight_bit_width=4), qnn.QuantReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), qnn.QuantLinear(32, 10, bias=True, weight_bit_width=8))
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), qnn.QuantLinear(3 * 32 * 32, 256, bias=True, weight_bit_width=2), qnn.QuantReLU(bit_width=2),
                             qnn.QuantLinear(256, 10, bias=False, weight_bit_width=2))
    if kind == "transposed":
        return nn.Sequential(qnn.QuantConv2d(3, 8, 3, stride=2, padding=1), qnn.QuantReLU(), qnn.QuantConvTranspose2d(8, 4, 4, stride=2, padding=1))
    if kind == "binary":  # (QONNX: BipolarQuant for the binary weights and activations, Trunc for the average pool)
        from brevitas.quant import SignedBinaryActPerTensorConst, SignedBinaryWeightPerTensorConst

        return nn.Sequential(
            qnn.QuantIdentity(bit_width=8, return_quant_tensor=True),
            qnn.QuantConv2d(3, 8, 3, padding=1, weight_quant=SignedBinaryWeightPerTensorConst, return_quant_tensor=True),
            qnn.QuantHardTanh(act_quant=SignedBinaryActPerTensorConst, return_quant_tensor=True),
            qnn.TruncAvgPool2d(kernel_size=2, stride=2, bit_width=8, return_quant_tensor=True),
            qnn.QuantConv2d(8, 8, 3, padding=1, weight_bit_width=3, return_quant_tensor=True), qnn.QuantReLU(bit_width=4),
            nn.MaxPool2d(2), nn.Flatten(), qnn.QuantLinear(8 * 8 * 8, 10, bias=True, weight_bit_width=4))
    if kind == "lstm":
        class L(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = qnn.QuantLSTM(32, 48, batch_first=True)
                self.fc = qnn.QuantLinear(48, 5, bias=True)

            def forward(self, x):
                return self.fc(self.lstm(x)[0])

        return L()
    raise ValueError(kind)


def _entries() -> dict:
    img = lambda h: [("input", (1, 3, h, h), "float32")]  # noqa: E731
    ids = [("input_ids", (1, 16), "int64")]
    return {
        # peft 0.21.2 on a 2-layer BERT (width 64) and torchvision's ResNet-18
        "bert_lora": (lambda: _bert_peft("lora"), ids, "BERT + LoRA r=4 on query/value (unmerged)"),
        "bert_lora_merged": (lambda: _bert_peft("lora", merged=True), ids, "BERT + LoRA, merge_and_unload"),
        "bert_dora": (lambda: _bert_peft("dora"), ids, "BERT + DoRA (weight norm of W + BA per output column)"),
        "bert_loha": (lambda: _bert_peft("loha"), ids, "BERT + LoHa (Hadamard product of two low-rank products)"),
        "bert_lokr": (lambda: _bert_peft("lokr"), ids, "BERT + LoKr (Kronecker product)"),
        "bert_ia3": (lambda: _bert_peft("ia3"), ids, "BERT + IA3 (key/value scaled, feed-forward input scaled)"),
        "bert_oft": (lambda: _bert_peft("oft"), ids, "BERT + OFT (block-diagonal Cayley rotation of the weight)"),
        "bert_boft": (lambda: _bert_peft("boft"), ids, "BERT + BOFT (butterfly rotations)"),
        "bert_vera": (lambda: _bert_peft("vera"), ids, "BERT + VeRA (shared frozen random A, B; learned vectors)"),
        "resnet18_lora": (lambda: _resnet_peft("lora"), img(64), "ResNet-18 + LoRA on convs (kxk to r, 1x1 back) and fc"),
        "resnet18_lora_merged": (lambda: _resnet_peft("lora", merged=True), img(64), "ResNet-18 + LoRA, merged"),
        "resnet18_loha": (lambda: _resnet_peft("loha"), img(64), "ResNet-18 + LoHa on convs and fc"),
        "resnet18_lokr": (lambda: _resnet_peft("lokr"), img(64), "ResNet-18 + LoKr on convs and fc"),
        "resnet18_oft": (lambda: _resnet_peft("oft"), img(64), "ResNet-18 + OFT on the 1x1 shortcut convs and fc"),
        # torch-pruning 1.6.1 (DepGraph, L2 magnitude)
        "resnet18_pruned50": (lambda: _pruned("resnet18"), img(64), "ResNet-18, channels pruned 50% (residual groups kept equal)"),
        "mobilenet_v2_pruned50": (lambda: _pruned("mobilenet_v2"), img(64), "MobileNetV2, 50% pruned (depthwise convs follow their inputs)"),
        "densenet121_pruned30": (lambda: _pruned("densenet121", 0.3), img(64), "DenseNet-121, 30% pruned (concatenated growth)"),
        "regnet_y_400mf_pruned_global": (lambda: _pruned("regnet_y_400mf", 0.4, True), img(64), "RegNetY-400MF, 40% pruned globally (grouped convs, SE)"),
        "vit_pruned_heads": (_pruned_vit, img(64), "ViT (2 layers, 192 wide), half its heads and MLP pruned"),
        # brevitas 0.13.4
        "brevitas_cnn": (lambda: _brevitas("cnn"), img(32), "brevitas QAT CNN: 4/8-bit convs, depthwise, BN, QuantReLU, QuantLinear"),
        "brevitas_mlp": (lambda: _brevitas("mlp"), img(32), "brevitas 2-bit MLP"),
        "brevitas_transposed": (lambda: _brevitas("transposed"), img(32), "brevitas QuantConvTranspose2d"),
        "brevitas_binary": (lambda: _brevitas("binary"), img(32), "brevitas binary convs and activations (1-bit), TruncAvgPool2d, 3/4-bit layers"),
        "brevitas_lstm": (lambda: _brevitas("lstm"), [("input", (1, 12, 32), "float32")], "brevitas QuantLSTM (its own gates in Python)"),
    }  # fmt: skip


def qonnx_files(out: Path) -> int:
    """``--qonnx``: the brevitas nets written by brevitas' own exporters, QONNX (``export_qonnx``:
    Quant nodes of domain qonnx.custom_op.general) and QCDQ (``export_onnx_qcdq``: QuantizeLinear,
    Clip, DequantizeLinear), each file counted by ``python -m dscost analyze`` against torch's counter."""
    import warnings

    import torch
    from brevitas.export import export_onnx_qcdq, export_qonnx

    warnings.filterwarnings("ignore")
    out.mkdir(parents=True, exist_ok=True)
    try:  # (the QONNX project's own counter, a peer: its MACs of the QONNX files)
        from qonnx.util.inference_cost import inference_cost
    except ImportError:
        inference_cost = None
    print("| model | format | torch MACs | file MACs | torch params | file params | uncounted | qonnx's inference_cost MACs |\n|---|---|---:|---:|---:|---:|---:|---|")
    for kind in ("cnn", "mlp", "transposed", "binary"):
        torch.manual_seed(0)
        m, x = _brevitas(kind).eval(), torch.randn(1, 3, 32, 32)
        macs, params = S.C.torch_reference(m, (x,))[:2]
        for fmt, export in (("QONNX", export_qonnx), ("QCDQ", export_onnx_qcdq)):
            path = out / f"brevitas_{kind}.{fmt.lower()}.onnx"
            try:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    export(m, x, export_path=str(path))
            except Exception as exc:  # noqa: BLE001  (brevitas' QCDQ export refuses binary quantizers)
                print(f"| brevitas_{kind} | {fmt} | {macs:,} | export fails: {type(exc).__name__}: {str(exc)[:80]} | {params:,} | | | |")
                continue
            got = S.C.run_dscost(path, [sys.executable, "-m", "dscost"])
            peer = "-"
            if inference_cost is not None and fmt == "QONNX":
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    total = inference_cost(str(path), output_json=None, discount_sparsity=False)["total_cost"]
                peer = f"{int(total['total_macs']):,}" + (f" (not supported: {total['unsupported']})" if total["unsupported"] != "set()" else "")
            print(f"| brevitas_{kind} | {fmt} | {macs:,} | {got.get('macs', 'error'):,} | {params:,} | {got.get('params', 'error'):,} | {got.get('uncounted', '-')} | {peer} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--qonnx" in argv:
        return qonnx_files(DEFAULT_OUT)
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
