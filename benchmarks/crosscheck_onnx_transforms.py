"""Fiftieth blind round: ONNX-to-ONNX transformations that must not change the work a model does.

What it stresses: invariance of dscost's counts under ONNX-to-ONNX rewrites that must not change the work a model
does.  21 models built in-process with random weights (every all-equal tensor -- BatchNorm / LayerNorm gammas, betas,
running statistics -- made random first, so no optimizer merges equal initializers and a folded BatchNorm's bias is
not zero): torchvision mobilenet_v2, mobilenet_v3_small / large, resnet18, efficientnet_b0, regnet_y_400mf,
convnext_tiny, shufflenet_v2_x0_5, squeezenet1_1, densenet121, mnasnet0_5, a 2-layer VisionTransformer (64 px,
patch 16, width 192), swin_t (112 px), deeplabv3 and lraspp on MobileNetV3 (96 px), a ResNet-18 FPN detection
backbone (FrozenBatchNorm2d), the Mask R-CNN mask head and predictor (ConvTranspose2d); timm mobilevit_xxs and
convnextv2_atto; transformers BERT and GPT-2 (2 layers, width 128, 16 tokens, eager attention).  Exported by
``torch.onnx.export`` as: TorchScript opset 17 (all 21), dynamo (resnet18, mobilenet_v2, BERT), TorchScript opset 11
(11), TorchScript with ``dynamic_axes`` (8: batch, height / width or sequence; dscost given the sizes by
``--input-shape``), TorchScript with ``do_constant_folding=False`` (5: BatchNormalization nodes kept),
``export_modules_as_functions=True`` (5) and ``={Conv2d, Linear, BatchNorm2d, LayerNorm, ConvTranspose2d}`` (4).
Then, per file: (1) ``onnx.version_converter.convert_version`` to opsets 11, 13, 18, 21, 28 (onnx 1.23.2's newest);
(2) the functions exports against the flat export of the same module, and onnx's ``inliner.inline_local_functions``
of them; (3) onnxruntime's offline optimizer at ORT_ENABLE_BASIC / EXTENDED / ALL (``optimized_model_filepath``, CPU);
(4) onnxconverter-common 1.16 ``convert_float_to_float16`` (keep_io_types True / False) and ``auto_convert_mixed_precision``
(2 models); (5) ``onnx.compose.add_prefix``, ``merge_models`` of a classifier chained into a Linear(K, 10) head (6),
``onnx.utils.extract_model`` of input..cut and cut..outputs (the cut: the counted node's output nearest the middle
that every path crosses); (6) ``onnxruntime.transformers.optimizer.optimize_model`` (bert / gpt2 / vit, opt_level 0,
1, 2, 99, and its own float16 conversion of the O2 graph); (7) storage and annotation tools: external data (one file;
one file per tensor), onnxruntime's ``SymbolicShapeInference``, ``quant_pre_process``, ``make_dim_param_fixed`` of the
dynamic-axes files; (8) two in a row (ORT_ENABLE_EXTENDED then float16 / opset 21 / add_prefix; float16 or opset 21
then ORT_ENABLE_EXTENDED; opset 28 then float16; the transformers optimizer's O2 then opset 21) on 8 models.  Each
file: ``dscost analyze FILE -f json -q`` (``-i NAME=SHAPE`` for the dynamic-axes files and, where its input is not
sized, an extracted tail), 120 s limit, one at a time.

The oracle (written here, no dscost code): per node of the ORIGINAL file, Conv = prod(out) x prod(W[1:])
(N x Cout x out spatial x Cin/g x kernel), ConvTranspose = prod(X) x prod(W[1:]) (N x Cin x in spatial x Cout/g x
kernel), Gemm = M x K x N (transA / transB), MatMul = prod(out) x K, every shape from one onnxruntime run of the
original with each such tensor made a graph output (ORT_DISABLE_ALL).  A transformed file must count the original's
total MACs (a merged file + K x 10; an extracted range the sum over the original's nodes it holds -- the head: the
cut's ancestors; the tail: the oracle on the extracted file itself, checked to sum with the head to the whole), the
same multiset of per-layer MACs where no op was fused (onnxruntime's Attention fusion packs Q, K, V and both products
in one layer: only the total is compared there), nothing uncounted, exit 0 with an empty stderr (or 2 with one
``dscost: error:`` line), and the original's params but where a rewrite folds or precomputes tensors (PARAM_CAUSES;
docs/onnx.md: "its params are the file's").  The originals' params are checked too: dscost's params + buffers equal
the file's float initializers of more than one element on all 24, its MACs the oracle's.

Install: a venv over ``/tmp/tv`` (Python 3.11: torch 2.14.1, torchvision 0.29.1, onnx 1.23.2, onnxruntime 1.32.0,
onnxscript 0.7.2) plus ``onnxconverter-common==1.16.0 transformers==5.25.0`` and ``timm==1.0.31 --no-deps``, torch
pinned by a constraint (``uv pip install --python VENV -c torch==2.14.1 ...``).  Run from the checkout:

    VENV/bin/python benchmarks/crosscheck_onnx_transforms.py --out /tmp/r50/out --json /tmp/r50/rows.json \\
        [--only resnet18,bert_small] [--reuse]

One child process exports and transforms everything and computes the oracle (``--make``; ~6 min, 2.3 GB of files),
then dscost runs per file (0.3-5.6 s each, ~20 min).  Exit 1 when a row is neither equal nor explained by
``explain()`` (each rule checks the evidence: the NCHWc reason, the type-error note and onnxruntime's refusal, a
file without its functions...).  A benchmark: not run in CI.

As run 2026-12-07, Linux x86_64, 2-core VM (shared), Python 3.11.7: torch 2.14.1 (+cu130 build, run on the CPU),
torchvision 0.29.1, onnx 1.23.2, onnxruntime 1.32.0, onnxscript 0.7.2, onnxconverter-common 1.16.0, transformers
5.25.0, timm 1.0.31, numpy 2.4.6; dscost 0.1.0 at this checkout.  21 models, 57 exported files (3 exports torch
refuses: ViT at opset 11, ``aten::unflatten``; BERT with functions, a TorchScript scope-tracking TypeError;
EfficientNet with per-type functions, "outstanding annotated attribute"), 745 transformed files, 96 transforms the
tool itself refuses (no file), 793 dscost runs: 629 equal, 164 explained, 0 DIFF; 788 exit 0, 5 exit 2 in one line
(the invalid Swin functions file and the four made from it); no traceback, no hang.  No silent zero: in every file
with uncounted nodes, counted MAC layers + listed conv / gemm / matmul nodes >= the oracle's layers, but where a whole
model-local function call is the listed node (the version-converted functions files, below).

Summary by transform (equal / explained / refused by the tool):

| transform | equal | explained | tool refused | what |
|---|---:|---:|---:|---|
| originals (opset 17 TorchScript, dynamo, opset 11, dynamic axes, no folding) | 48 | 0 | - | MACs = hand oracle on all |
| opset 11 / 13 (down from 17) | 0 / 11 | 5 / 5 | 41 / 41 | onnx has no down-adapters (Relu 14, HardSwish, LayerNormalization 17, Shape 15, BatchNormalization 15, Gelu 20); the 11 up from opset 11 equal |
| opset 18 / 21 / 28 | 47 / 48 / 48 | 9 / 9 / 9 | 1 / 0 / 0 | explained: functions files, which the converter empties |
| functions / per-type functions / inliner | 4 / 4 / 8 | 1 / 0 / 1 | - | Swin's functions file is invalid (below) |
| ORT_ENABLE_BASIC / EXTENDED | 35 / 35 | 10 / 10 | 1 / 1 | MACs equal on all; params: folds (PARAM_CAUSES) |
| ORT_ENABLE_ALL | 2 | 43 | 1 | NCHWc layout ops listed uncounted (documented) |
| float16 keep_io False / True | 35 / 35 | 11 / 11 | - | MACs equal on all; type errors flagged (documented) |
| auto mixed precision | 2 | 0 | - | |
| add_prefix / merge_models / extract head / extract tail | 39 / 6 / 24 / 21 | 2 / 0 / 0 / 0 | - / - / - / 3 | the tail of BERT / GPT-2: no single cut (the mask reaches every layer) |
| transformers optimizer O0 / O1 / O2 / O2 fp16 / O99 | 7 / 4 / 4 / 4 / 2 | 0 / 3 / 3 / 3 / 5 | - | folded embedding lookups; O99 saves NCHWc ops |
| external data (one file / per tensor) | 32 / 32 | 0 | - | |
| symbolic shape inference / quant_pre_process / make_dim_param_fixed | 30 / 24 / 8 | 0 / 6 / 0 | 2 / 2 / 0 | the ViT: SymbolicShapeInference AssertionError |
| two in a row (7 chains) | 30 | 18 | 3 | same causes; fp16 then ORT: onnxruntime refuses the fp16 file it is given |

FINDINGS (open): none.  No transform made dscost miscount a Conv, ConvTranspose, Gemm, MatMul or onnxruntime fused
op (FusedConv with its residual input, FusedGemm, FusedMatMul, Attention, SkipLayerNormalization, BiasGelu...), drop
one silently, or fail other than in one line.  Two observations, not count errors: (1) the one-line error on Swin's
functions file names the node and tensor as onnx's inliner renames them ('Pad_196__18' reads '174__2'), which the
file does not hold (the file has '174' inside function ShiftedWindowAttention.2); naming the function would point the
user at the cause; (2) other_ops are not invariant under fusion: a fused ``Gelu`` costs 8 ops an element where the
TorchScript file's Div / Erf / Add / Mul / Mul cost 5, so ORT_ENABLE_EXTENDED raises other_ops 21-34 % on the ViT,
Swin, ConvNeXt and BERT (a convention of per-op constants; MACs untouched).

EXPLAINED (one line each; the rule in ``explain()``):
- ORT_ENABLE_ALL / transformers O99 (42 files): x86 NCHWc ops listed uncounted with params and the hint to save at
  ORT_ENABLE_EXTENDED; the nodes after them listed "shapes lost at" that node; params the file's padded weights.
- float16 (23): onnxconverter-common's type errors (Cast to float32 declared float16; float16 x float32 attention
  scales, masks, GELU constants; function bodies it leaves float32) -- onnxruntime refuses each; dscost notes them
  and lists the nodes; MACs equal on all.
- version_converter on a functions file (37): onnx drops ``model.functions``; each call is an undefined op, listed
  uncounted with its params ("custom op of domain ..."); onnxruntime refuses the file.
- Swin functions file (5): torch writes ShiftedWindowAttention.2 reading '174' from the caller's scope; onnxruntime
  refuses it; dscost exit 2 in one line.
- add_prefix on ConvNeXt's functions file (1): onnx.compose renames the standard Flatten inside function Flatten to
  'p0_Flatten' (domain ''); onnxruntime refuses; listed, the Gemm after it listed too (768,000 MACs, not silent).
- params, MACs equal (56): BatchNorm folded by onnxruntime into its conv (the no-folding exports: = the exporter's own
  folded file, resnet18 11,689,512 -> 11,684,712); FrozenBatchNorm2d's Mul / Add folded (fpn_resnet18 -4,800); Swin's
  relative-position bias precomputed per block (+48,020; a dynamic-axes Swin through quant_pre_process: +98, constant
  fills of the shifted-window mask ids, in a file onnxruntime then cannot run); embedding lookups of constant ids
  folded (BERT: position 64x128 -> 16x128 -6,144, token type 2x128 -> 16x128 +1,792; GPT-2 -6,144).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DSCOST_TIMEOUT = 120
MAKE_TIMEOUT = 3600
OPSETS = (11, 13, 18, 21, 28)  # 28: the newest onnx 1.23.2 knows
HEAD_OUT = 10                  # the Linear head chained after a classifier by onnx.compose.merge_models

# ----------------------------------------------------------------------------------------------------------------
# models (random weights, eval mode): name -> (builder, [(input name, shape, dtype)])
# ----------------------------------------------------------------------------------------------------------------


def _models():
    import torch
    from torchvision import models as tvm

    torch.manual_seed(0)

    class Out(torch.nn.Module):
        """Dict / tuple outputs to a tuple of tensors (segmentation, FPN backbones, transformers)."""

        def __init__(self, m, key=None):
            super().__init__()
            self.m, self.key = m, key

        def forward(self, *a):
            o = self.m(*a) if self.key != "gpt2" else self.m(input_ids=a[0], attention_mask=a[1])
            if self.key == "gpt2":
                return o.last_hidden_state
            if isinstance(o, dict) or hasattr(o, "keys"):
                if self.key is not None:
                    return o[self.key]
                return tuple(o.values())
            return o

    def tv(name, **kw):
        return lambda: getattr(tvm, name)(weights=None, **kw)

    def img(s, c=3):
        return [("x", [1, c, s, s], "float32")]

    def vit_tiny():
        return tvm.VisionTransformer(image_size=64, patch_size=16, num_layers=2, num_heads=3, hidden_dim=192, mlp_dim=768)

    def deeplab():
        return Out(tvm.segmentation.deeplabv3_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=21, aux_loss=False), "out")

    def lraspp():
        return Out(tvm.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=21), "out")

    def fpn_r18():
        from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
        return Out(resnet_fpn_backbone(backbone_name="resnet18", weights=None, trainable_layers=5))

    def mask_head():
        from torchvision.models.detection.mask_rcnn import MaskRCNNPredictor, MaskRCNNHeads
        return torch.nn.Sequential(MaskRCNNHeads(256, (256, 256), 1), MaskRCNNPredictor(256, 256, 91))

    def timm_m(name):
        def b():
            import timm
            return timm.create_model(name, pretrained=False)
        return b

    def bert():
        from transformers import BertConfig, BertModel
        cfg = BertConfig(vocab_size=1000, hidden_size=128, num_hidden_layers=2, num_attention_heads=4,
                         intermediate_size=512, max_position_embeddings=64, attn_implementation="eager")
        return Out(BertModel(cfg, add_pooling_layer=False), "last_hidden_state")

    def gpt2():
        from transformers import GPT2Config, GPT2Model
        cfg = GPT2Config(vocab_size=1000, n_embd=128, n_layer=2, n_head=4, n_positions=64, use_cache=False,
                         attn_implementation="eager")
        return Out(GPT2Model(cfg), "gpt2")

    tok = [("input_ids", [1, 16], "int64"), ("attention_mask", [1, 16], "int64")]
    return {
        "mobilenet_v2": (tv("mobilenet_v2"), img(64)),
        "mobilenet_v3_small": (tv("mobilenet_v3_small"), img(64)),
        "mobilenet_v3_large": (tv("mobilenet_v3_large"), img(64)),
        "resnet18": (tv("resnet18"), img(64)),
        "efficientnet_b0": (tv("efficientnet_b0"), img(64)),
        "regnet_y_400mf": (tv("regnet_y_400mf"), img(64)),
        "convnext_tiny": (tv("convnext_tiny"), img(64)),
        "shufflenet_v2_x0_5": (tv("shufflenet_v2_x0_5"), img(64)),
        "squeezenet1_1": (tv("squeezenet1_1"), img(64)),
        "densenet121": (tv("densenet121"), img(64)),
        "mnasnet0_5": (tv("mnasnet0_5"), img(64)),
        "vit_tiny_tv": (vit_tiny, img(64)),
        "swin_t": (tv("swin_t"), img(112)),
        "deeplabv3_mbv3": (deeplab, img(96)),
        "lraspp_mbv3": (lraspp, img(96)),
        "fpn_resnet18": (fpn_r18, img(96)),
        "maskrcnn_mask_head": (mask_head, [("x", [2, 256, 14, 14], "float32")]),
        "timm_mobilevit_xxs": (timm_m("mobilevit_xxs"), img(64)),
        "timm_convnextv2_atto": (timm_m("convnextv2_atto"), img(64)),
        "bert_small": (bert, tok),
        "gpt2_small": (gpt2, tok),
    }


DYNAMO = ("resnet18", "mobilenet_v2", "bert_small")
OPSET11 = ("resnet18", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0", "shufflenet_v2_x0_5", "densenet121",
           "deeplabv3_mbv3", "maskrcnn_mask_head", "vit_tiny_tv", "bert_small", "gpt2_small", "fpn_resnet18")
FUNCTIONS = ("resnet18", "mobilenet_v2", "convnext_tiny", "vit_tiny_tv", "bert_small", "swin_t")
CLASSIFIERS_2D = ("mobilenet_v2", "resnet18", "efficientnet_b0", "squeezenet1_1", "vit_tiny_tv", "shufflenet_v2_x0_5")
TRANSFORMERS = {"bert_small": ("bert", 4, 128), "gpt2_small": ("gpt2", 4, 128), "vit_tiny_tv": ("vit", 3, 192)}
AMP = ("squeezenet1_1", "mobilenet_v3_small")
FN_TYPES = ("resnet18", "mobilenet_v2", "efficientnet_b0", "vit_tiny_tv", "maskrcnn_mask_head")  # functions per layer type
DYNAMIC = ("resnet18", "mobilenet_v3_small", "convnext_tiny", "vit_tiny_tv", "swin_t", "bert_small", "gpt2_small",
           "deeplabv3_mbv3")  # exported with dynamic_axes (batch; height / width or sequence)
# which transforms each exported kind gets: ts (TorchScript opset 17), dy (dynamo), t11 (TorchScript opset 11),
# fn / fnt (TorchScript, export_modules_as_functions=True / a set of layer types), dyn (TorchScript, dynamic_axes)
GROUPS = {"ts": {"ver", "ort", "fp16", "amp", "prefix", "merge", "extract", "ortx", "tools"},
          "dy": {"ver", "ort", "fp16", "prefix", "extract", "ortx", "tools"},
          "t11": {"ver"},
          "fn": {"ver", "ort", "fp16", "prefix", "inline"},
          "fnt": {"ver", "ort", "fp16", "prefix", "inline"},
          "dyn": {"ver", "ort", "fp16", "prefix", "ortx", "tools", "fixdims"},
          "nofold": {"ver", "ort", "fp16"}}
CHAIN = ("resnet18", "mobilenet_v3_small", "efficientnet_b0", "vit_tiny_tv", "swin_t", "bert_small", "gpt2_small",
         "maskrcnn_mask_head")  # two transforms in a row
NOFOLD = ("resnet18", "mobilenet_v2", "efficientnet_b0", "densenet121", "regnet_y_400mf")  # BatchNorm kept as nodes


def _distinct(mod):
    """Untrained tensors that are all one value (BatchNorm / LayerNorm gammas, betas, running statistics, zero
    biases) made random, so no optimizer merges equal initializers and a folded BatchNorm's bias is not all zeros."""
    import torch
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for n, t in list(mod.named_parameters()) + list(mod.named_buffers()):
            if t.is_floating_point() and t.numel() > 1 and bool(t.max() == t.min()):
                r = torch.rand(t.shape, generator=g) * 0.5
                t.copy_(r + 0.75 if ("var" in n or float(t.flatten()[0]) == 1.0) else r - 0.25)
    return mod


def find_cut(path: str, nodes: list[dict]) -> str | None:
    """The counted node's output nearest the middle that every path from the graph inputs to the outputs crosses
    (onnx.utils.extract_model of the tail needs such a tensor: no skip connection around it)."""
    import onnx
    g = onnx.load(path, load_external_data=False).graph
    inits = {t.name for t in g.initializer}
    gin = {i.name for i in g.input} - inits
    prod = {o: n for n in g.node for o in n.output}

    def crosses(cut):
        seen, todo = set(), [o.name for o in g.output]
        while todo:
            t = todo.pop()
            if t == cut or t in seen or t in inits:
                continue
            seen.add(t)
            if t in gin:
                return False
            n = prod.get(t)
            if n is not None:
                todo.extend(x for x in n.input if x)
                for a in n.attribute:
                    if a.g and a.g.node:
                        return False
        return True
    order = sorted(range(len(nodes)), key=lambda i: abs(i - len(nodes) // 2))
    for i in order[:120]:
        if crosses(nodes[i]["output"]):
            return nodes[i]["output"]
    return None


def _inputs(spec):
    import numpy as np
    rng = np.random.default_rng(1)
    out = {}
    for n, s, d in spec:
        if d == "int64":
            out[n] = np.ones(s, dtype=np.int64) if n == "attention_mask" else rng.integers(0, 1000, s).astype(np.int64)
        else:
            out[n] = rng.standard_normal(s).astype(np.float32)
    return out


# ----------------------------------------------------------------------------------------------------------------
# the oracle: hand formulas on the ORIGINAL file, shapes measured by onnxruntime (every tensor made an output)
# ----------------------------------------------------------------------------------------------------------------

MAC_OPS = ("Conv", "ConvTranspose", "Gemm", "MatMul")


def hand_count(path: str, feeds: dict) -> dict:
    """Per-node MACs of Conv / ConvTranspose / Gemm / MatMul from the formulas, shapes from one onnxruntime run."""
    import numpy as np
    import onnx
    import onnxruntime as ort
    m = onnx.load(path)
    g = m.graph
    inits = {t.name: list(t.dims) for t in g.initializer}
    init_types = {t.name: t.data_type for t in g.initializer}
    want = set()
    for n in g.node:
        if n.op_type in MAC_OPS:
            want.update(x for x in n.input if x and x not in inits)
            want.update(n.output)
    have = {o.name for o in g.output}
    for name in sorted(want - have - {i.name for i in g.input}):
        g.output.append(onnx.helper.make_empty_tensor_value_info(name))
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    s = ort.InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])
    names = [o.name for o in s.get_outputs()]
    vals = s.run(None, {k: v for k, v in feeds.items() if k in {i.name for i in s.get_inputs()}})
    shp = {n: list(v.shape) for n, v in zip(names, vals)}
    shp.update({k: list(v.shape) for k, v in feeds.items()})
    shp.update(inits)
    nodes, params_layer, used = [], 0, set()
    for i, n in enumerate(g.node):
        if n.op_type not in MAC_OPS:
            continue
        name = n.name or f"{n.op_type}_{i}"
        a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
        if n.op_type == "Conv":
            w, y = shp[n.input[1]], shp[n.output[0]]
            macs = int(np.prod(y)) * int(np.prod(w[1:]))           # N*Cout*prod(out) * (Cin/g)*prod(k)
        elif n.op_type == "ConvTranspose":
            x, w = shp[n.input[0]], shp[n.input[1]]
            macs = int(np.prod(x)) * int(np.prod(w[1:]))           # N*Cin*prod(in) * (Cout/g)*prod(k)
        elif n.op_type == "Gemm":
            A, B = shp[n.input[0]], shp[n.input[1]]
            M, K = (A[1], A[0]) if a.get("transA", 0) else (A[0], A[1])
            N = B[0] if a.get("transB", 0) else B[1]
            macs = M * K * N
        else:  # MatMul: prod(output) * K
            A, y = shp[n.input[0]], shp[n.output[0]]
            macs = int(np.prod(y)) * A[-1]
        nodes.append({"node": name, "op": n.op_type, "macs": macs,
                      "inputs": [x for x in n.input if x], "output": n.output[0]})
        for x in n.input:
            if x in inits and init_types[x] in (1, 10, 11, 16) and x not in used:
                used.add(x)
                params_layer += int(np.prod(inits[x]))
    floats = sum(int(np.prod(d)) for k, d in inits.items() if init_types[k] in (1, 10, 11, 16) and int(np.prod(d)) > 1)
    return {"macs": sum(x["macs"] for x in nodes), "layers": sorted(x["macs"] for x in nodes), "nodes": nodes,
            "params_layers": params_layer, "float_initializer_elems": floats}


def ancestors_macs(path: str, nodes: list[dict], tensor: str, stop: set[str] = frozenset()) -> tuple[int, list[int]]:
    """MACs of the counted nodes that `tensor` depends on (not through `stop`), from the original's per-node table."""
    import onnx
    g = onnx.load(path, load_external_data=False).graph
    prod = {o: n for n in g.node for o in n.output}
    seen, todo = set(), [tensor]
    while todo:
        t = todo.pop()
        if t in stop or t not in prod:
            continue
        n = prod[t]
        key = id(n)
        if key in seen:
            continue
        seen.add(key)
        todo.extend(x for x in n.input if x)
    outs = {n.output[0] for n in g.node if id(n) in seen}
    got = [x["macs"] for x in nodes if x["output"] in outs]
    return sum(got), sorted(got)


def ancestors_macs_from(path: str, nodes: list[dict], start: str, tensor: str) -> tuple[int, list[int]]:
    full, fl = ancestors_macs(path, nodes, tensor)
    first, ff = ancestors_macs(path, nodes, start)
    rest = list(fl)
    for v in ff:
        rest.remove(v)
    return full - first, sorted(rest)


# ----------------------------------------------------------------------------------------------------------------
# the make stage (one child process): export, transform, oracle
# ----------------------------------------------------------------------------------------------------------------


def _quiet(fn, *a, **kw):
    import contextlib
    import io
    import warnings
    f = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(f), contextlib.redirect_stderr(f):
        warnings.simplefilter("ignore")
        return fn(*a, **kw)


def _err(e: BaseException) -> str:
    s = str(e).strip().splitlines()
    return (type(e).__name__ + (": " + s[0] if s else ""))[:300]


def make(out: Path, only: list[str], reuse: bool) -> None:
    import numpy as np
    import onnx
    import onnxruntime as ort
    import torch
    from onnx import compose, version_converter

    torch.set_num_threads(2)
    d = out / "onnx"
    d.mkdir(parents=True, exist_ok=True)
    res_path = out / "made.json"
    res = json.loads(res_path.read_text()) if reuse and res_path.exists() else {}
    zoo = _models()

    def save():
        res_path.write_text(json.dumps(res, indent=1))

    def ort_ok(p):
        try:
            s = ort.InferenceSession(p, providers=["CPUExecutionProvider"])
            feeds = {}
            for i in s.get_inputs():
                n0 = i.name[3:] if i.name.startswith("p0_") else i.name  # add_prefix's renamed inputs
                spec = base_feeds.get(n0)
                if spec is None:
                    continue
                want = {"tensor(float16)": np.float16, "tensor(float)": np.float32}.get(i.type)
                feeds[i.name] = spec.astype(want) if want is not None and spec.dtype != np.int64 else spec
            s.run(None, feeds)
            return "ok"
        except Exception as e:  # noqa: BLE001
            return "FAIL " + _err(e)

    for name in only or list(zoo):
        build, spec = zoo[name]
        feeds_np = _inputs(spec)
        base_feeds = feeds_np
        r = res.setdefault(name, {"spec": spec, "files": {}})
        files = r["files"]
        try:
            torch.manual_seed(0)
            mod = _distinct(build().eval())
        except Exception as e:  # noqa: BLE001
            r["build_error"] = _err(e)
            save()
            continue
        args = tuple(torch.from_numpy(feeds_np[n]) for n, _, _ in spec)
        names = [n for n, _, _ in spec]
        bases = {"ts": f"{d}/{name}.ts.onnx"}
        if name in DYNAMO:
            bases["dy"] = f"{d}/{name}.dy.onnx"
        if name in FUNCTIONS:
            bases["fn"] = f"{d}/{name}.fn.onnx"
        if name in OPSET11:
            bases["t11"] = f"{d}/{name}.t11.onnx"  # exported at opset 11, then converted up
        if name in FN_TYPES:
            bases["fnt"] = f"{d}/{name}.fnt.onnx"
        if name in DYNAMIC:
            bases["dyn"] = f"{d}/{name}.dyn.onnx"
        if name in NOFOLD:
            bases["nofold"] = f"{d}/{name}.nofold.onnx"  # do_constant_folding=False: BatchNormalization nodes stay
        # functions exports last: a failed one leaves the TorchScript exporter's scope hooks on the module
        bases = dict(sorted(bases.items(), key=lambda kv: kv[0] in ("fn", "fnt")))
        for kind, p in bases.items():
            if reuse and kind in r.get("exported", {}) and (os.path.exists(p) or r["exported"][kind] != "ok"):
                continue  # made before (or refused before: a failed export can leave torch unable to export again)
            t = time.time()
            try:
                with torch.no_grad():
                    if kind == "dy":
                        _quiet(torch.onnx.export, mod, args, p, dynamo=True, input_names=names)
                    elif kind == "fnt":
                        nn = torch.nn
                        _quiet(torch.onnx.export, mod, args, p, dynamo=False, opset_version=17, input_names=names,
                               export_modules_as_functions={nn.Conv2d, nn.Linear, nn.BatchNorm2d, nn.LayerNorm,
                                                            nn.ConvTranspose2d})
                    elif kind == "nofold":
                        _quiet(torch.onnx.export, mod, args, p, dynamo=False, opset_version=17, input_names=names,
                               do_constant_folding=False)
                    elif kind == "dyn":
                        axes = {n: ({0: "batch", 1: "sequence"} if dt == "int64" else {0: "batch", 2: "height", 3: "width"})
                                for n, _, dt in spec}
                        _quiet(torch.onnx.export, mod, args, p, dynamo=False, opset_version=17, input_names=names,
                               dynamic_axes=axes)
                    else:
                        _quiet(torch.onnx.export, mod, args, p, dynamo=False, opset_version=11 if kind == "t11" else 17,
                               input_names=names,
                               export_modules_as_functions=(kind == "fn"))
                r.setdefault("exported", {})[kind] = "ok"
            except Exception as e:  # noqa: BLE001
                r.setdefault("exported", {})[kind] = "FAIL " + _err(e)
                if os.path.exists(p):
                    os.remove(p)
            print(name, kind, r["exported"][kind], round(time.time() - t, 1), flush=True)
        # the oracle of each original (flat) file; the functions file is compared with the flat TorchScript one
        for kind in ("ts", "dy", "t11", "dyn", "nofold"):
            p = bases.get(kind)
            if not p or not os.path.exists(p):
                continue
            try:
                r.setdefault("oracle", {})[kind] = hand_count(p, feeds_np)
            except Exception as e:  # noqa: BLE001
                r.setdefault("oracle", {})[kind] = {"error": _err(e)}
        for kind in ("fn", "fnt"):  # compared with the flat TorchScript export of the same module
            if kind in bases and os.path.exists(bases[kind]) and "ts" in r.get("oracle", {}):
                r["oracle"][kind] = r["oracle"]["ts"]
        shapes = {}
        for kind in ("ts", "dy", "t11", "fn", "fnt", "dyn", "nofold"):
            p = bases.get(kind)
            if not p or not os.path.exists(p):
                continue
            g = GROUPS[kind]
            files[f"{name}.{kind}"] = {"base": kind, "transform": "original" if kind in ("ts", "dy") else
                                       {"t11": "original (opset 11)", "fn": "functions", "fnt": "functions (layer types)",
                                        "dyn": "original (dynamic axes)",
                                        "nofold": "original (no constant folding)"}[kind], "path": p, "ort": ort_ok(p)}
            if kind == "dyn":  # dscost is given the oracle's input sizes
                shapes = {n: "x".join(map(str, s_)) for n, s_, dt in spec}  # an ONNX file's types are its own
                files[f"{name}.{kind}"]["input_shapes"] = [f"{n}={v}" for n, v in shapes.items()]
            model = onnx.load(p)
            stem = f"{d}/{name}.{kind}"
            # 1. version converter
            for v in (OPSETS if "ver" in g else ()):
                if kind == "t11" and v <= 11:
                    continue
                q, key = f"{stem}.op{v}.onnx", f"{name}.{kind}.op{v}"
                try:
                    cm = _quiet(version_converter.convert_version, model, v)
                    onnx.save(cm, q)
                    files[key] = {"base": kind, "transform": f"opset{v}", "path": q, "ort": ort_ok(q)}
                except Exception as e:  # noqa: BLE001
                    files[key] = {"base": kind, "transform": f"opset{v}", "refused": "onnx: " + _err(e)}
            # 7. storage and annotation tools that must not change the graph's work: external data (one file, one file
            # per tensor), onnxruntime's symbolic shape inference (value_info written), quant_pre_process (symbolic
            # shapes + onnxruntime basic optimization + onnx shapes, what users run before quantizing), onnx's inliner
            # of model-local functions, onnxruntime's make_dim_param_fixed (a dynamic-axes file made static)
            def tool(tag, fn, transform, **extra):
                q, key = f"{stem}.{tag}.onnx", f"{name}.{kind}.{tag}"
                try:
                    _quiet(fn, q)
                    files[key] = {"base": kind, "transform": transform, "path": q, "ort": ort_ok(q), **extra}
                    if shapes and "fixdims" not in tag:
                        files[key]["input_shapes"] = [f"{n}={v}" for n, v in shapes.items()]
                except Exception as e:  # noqa: BLE001
                    files[key] = {"base": kind, "transform": transform, "refused": _err(e)}
            if "tools" in g:
                os.makedirs(f"{stem}.ext1", exist_ok=True)
                os.makedirs(f"{stem}.extn", exist_ok=True)
                tool("ext1/m", lambda q: onnx.save(onnx.load(p), q, save_as_external_data=True,
                                                   all_tensors_to_one_file=True, location="w.bin", size_threshold=0),
                     "external data (one file)")
                tool("extn/m", lambda q: onnx.save(onnx.load(p), q, save_as_external_data=True,
                                                   all_tensors_to_one_file=False, size_threshold=0),
                     "external data (per tensor)")
                from onnxruntime.tools.symbolic_shape_infer import SymbolicShapeInference
                tool("symshape", lambda q: onnx.save(SymbolicShapeInference.infer_shapes(onnx.load(p), auto_merge=True), q),
                     "ort symbolic shape inference")
                from onnxruntime.quantization.shape_inference import quant_pre_process
                tool("preproc", lambda q: quant_pre_process(p, q, auto_merge=True), "quant_pre_process")
            if "inline" in g:
                from onnx import inliner
                tool("inlined", lambda q: onnx.save(inliner.inline_local_functions(onnx.load(p)), q), "onnx inliner")
            if "fixdims" in g:
                from onnxruntime.tools.onnx_model_utils import make_dim_param_fixed, fix_output_shapes

                def fixdims(q):
                    fm = onnx.load(p)
                    (n0, s0, dt0) = spec[0]
                    dims = {"batch": s0[0]}
                    dims.update({"sequence": s0[1]} if dt0 == "int64" else {"height": s0[2], "width": s0[3]})
                    for dp, v in dims.items():
                        make_dim_param_fixed(fm.graph, dp, v)
                    fix_output_shapes(fm)
                    onnx.save(fm, q)
                tool("fixdims", fixdims, "make_dim_param_fixed")
            # 3. onnxruntime offline optimization
            for lvl, tag in ((ort.GraphOptimizationLevel.ORT_ENABLE_BASIC, "ort_basic"),
                             (ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED, "ort_extended"),
                             (ort.GraphOptimizationLevel.ORT_ENABLE_ALL, "ort_all")) if "ort" in g else ():
                q, key = f"{stem}.{tag}.onnx", f"{name}.{kind}.{tag}"
                try:
                    so = ort.SessionOptions()
                    so.graph_optimization_level = lvl
                    so.optimized_model_filepath = q
                    ort.InferenceSession(p, so, providers=["CPUExecutionProvider"])
                    files[key] = {"base": kind, "transform": tag, "path": q, "ort": ort_ok(q)}
                except Exception as e:  # noqa: BLE001
                    files[key] = {"base": kind, "transform": tag, "refused": "onnxruntime: " + _err(e)}
            # 4. float16
            from onnxconverter_common import float16
            for keep in ((True, False) if "fp16" in g else ()):
                tag = "fp16_keepio" if keep else "fp16"
                q, key = f"{stem}.{tag}.onnx", f"{name}.{kind}.{tag}"
                try:
                    fm = _quiet(float16.convert_float_to_float16, onnx.load(p), keep_io_types=keep)
                    onnx.save(fm, q)
                    files[key] = {"base": kind, "transform": tag, "path": q, "ort": ort_ok(q)}
                except Exception as e:  # noqa: BLE001
                    files[key] = {"base": kind, "transform": tag, "refused": "onnxconverter_common: " + _err(e)}
            if kind == "ts" and name in AMP:
                from onnxconverter_common import auto_mixed_precision
                q, key = f"{stem}.amp.onnx", f"{name}.{kind}.amp"
                try:
                    am = _quiet(auto_mixed_precision.auto_convert_mixed_precision, onnx.load(p), dict(feeds_np),
                                rtol=0.1, atol=0.1, keep_io_types=True)
                    onnx.save(am, q)
                    files[key] = {"base": kind, "transform": "amp", "path": q, "ort": ort_ok(q)}
                except Exception as e:  # noqa: BLE001
                    files[key] = {"base": kind, "transform": "amp", "refused": "onnxconverter_common: " + _err(e)}
            # 5. compose: add_prefix; merge with a Linear head; extract_model of the first half and of the rest
            q, key = f"{stem}.prefix.onnx", f"{name}.{kind}.prefix"
            try:
                if "prefix" not in g:
                    raise StopIteration
                pm = compose.add_prefix(onnx.load(p), prefix="p0_")
                onnx.save(pm, q)
                files[key] = {"base": kind, "transform": "add_prefix", "path": q, "ort": ort_ok(q)}
                if shapes:
                    files[key]["input_shapes"] = [f"p0_{n}={v}" for n, v in shapes.items()]
            except StopIteration:
                pass
            except Exception as e:  # noqa: BLE001
                files[key] = {"base": kind, "transform": "add_prefix", "refused": "onnx: " + _err(e)}
            if kind == "ts" and name in CLASSIFIERS_2D:
                q, key = f"{stem}.merged.onnx", f"{name}.{kind}.merged"
                try:
                    outname = model.graph.output[0].name
                    k = [dd.dim_value for dd in model.graph.output[0].type.tensor_type.shape.dim][-1]
                    hp = f"{d}/{name}.head.onnx"
                    torch.manual_seed(1)
                    head = torch.nn.Linear(k, HEAD_OUT).eval()
                    with torch.no_grad():
                        _quiet(torch.onnx.export, head, (torch.randn(1, k),), hp, dynamo=False, opset_version=17,
                               input_names=["h_in"], output_names=["h_out"])
                    hm = onnx.load(hp)
                    mm = compose.merge_models(onnx.load(p), hm, io_map=[(outname, "h_in")])
                    onnx.save(mm, q)
                    files[key] = {"base": kind, "transform": "merge_models", "path": q, "ort": ort_ok(q),
                                  "extra_macs": k * HEAD_OUT, "extra_params": k * HEAD_OUT + HEAD_OUT}
                except Exception as e:  # noqa: BLE001
                    files[key] = {"base": kind, "transform": "merge_models", "refused": "onnx: " + _err(e)}
            orc = r.get("oracle", {}).get(kind, {})
            if "nodes" in orc and orc["nodes"] and "extract" in g:
                mid = find_cut(p, orc["nodes"]) or orc["nodes"][len(orc["nodes"]) // 2]["output"]
                gin = [i.name for i in model.graph.input if i.name not in {t.name for t in model.graph.initializer}]
                gout = [o.name for o in model.graph.output]
                q, key = f"{stem}.extract_head.onnx", f"{name}.{kind}.extract_head"
                try:
                    _quiet(onnx.utils.extract_model, p, q, gin, [mid])
                    tot, lay = ancestors_macs(p, orc["nodes"], mid)
                    files[key] = {"base": kind, "transform": "extract 0..mid", "path": q, "ort": ort_ok(q),
                                  "oracle_macs": tot, "oracle_layers": lay, "mid": mid}
                except Exception as e:  # noqa: BLE001
                    files[key] = {"base": kind, "transform": "extract 0..mid", "refused": "onnx: " + _err(e)}
                q, key = f"{stem}.extract_tail.onnx", f"{name}.{kind}.extract_tail"
                try:
                    _quiet(onnx.utils.extract_model, p, q, [mid], gout)
                    files[key] = {"base": kind, "transform": "extract mid..out", "path": q, "ort": "n/a",
                                  "mid": mid}
                    if len(gout) == 1:  # the original's nodes after the cut, to check the hand count below against
                        files[key]["original_nodes_macs"] = ancestors_macs_from(p, orc["nodes"], mid, gout[0])[0]
                    # the oracle of the tail: hand count on the extracted file itself (its input sized as measured)
                    sub = onnx.load(q)
                    inp = sub.graph.input[0]
                    files[key]["oracle"] = "hand count of the extracted file"
                    mshape = _shape_of(p, mid, feeds_np)
                    ho = hand_count(q, {inp.name: np.random.default_rng(2).standard_normal(mshape).astype(np.float32)})
                    files[key]["oracle_macs"], files[key]["oracle_layers"] = ho["macs"], ho["layers"]
                    declared = [dd.dim_value for dd in inp.type.tensor_type.shape.dim]
                    if not declared or 0 in declared:
                        files[key]["input_shape"] = f"{inp.name}=" + "x".join(map(str, mshape))
                except Exception as e:  # noqa: BLE001
                    files[key] = {"base": kind, "transform": "extract mid..out", "refused": "onnx: " + _err(e)}
            # 6. onnxruntime.transformers optimizer
            if name in TRANSFORMERS and "ortx" in g:
                from onnxruntime.transformers import optimizer
                mt, heads, hidden = TRANSFORMERS[name]
                for lvl in (0, 1, 2, 99):
                    q, key = f"{stem}.ortx{lvl}.onnx", f"{name}.{kind}.ortx{lvl}"
                    try:
                        om = _quiet(optimizer.optimize_model, p, model_type=mt, num_heads=heads, hidden_size=hidden,
                                    opt_level=lvl, use_gpu=False)
                        om.save_model_to_file(q)
                        files[key] = {"base": kind, "transform": f"ortx_{mt}_O{lvl}", "path": q, "ort": ort_ok(q),
                                      "fused": om.get_fused_operator_statistics()}
                        if lvl == 2:  # and onnxruntime.transformers' own float16 conversion of the fused graph
                            q, key = f"{stem}.ortx2_fp16.onnx", f"{name}.{kind}.ortx2_fp16"
                            _quiet(om.convert_float_to_float16, keep_io_types=True)
                            om.save_model_to_file(q)
                            # loaded in a child: onnxruntime 1.32 segfaults creating a session of the ViT's one
                            c = subprocess.run([sys.executable, "-c", "import sys, onnxruntime as o; "
                                                "o.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])", q],
                                               capture_output=True, text=True, timeout=300)
                            files[key] = {"base": kind, "transform": f"ortx_{mt}_O2_fp16", "path": q,
                                          "ort": "loads" if c.returncode == 0 else f"FAIL rc {c.returncode} "
                                          + (c.stderr.strip().splitlines() or [""])[-1][:200]}
                    except Exception as e:  # noqa: BLE001
                        files[key] = {"base": kind, "transform": f"ortx_{mt}_O{lvl}", "refused": "ort.transformers: " + _err(e)}
        # 8. two transforms in a row, on the TorchScript file: onnxruntime's fused graph through the other tools, and
        # the float16 / version-converted files through onnxruntime's optimizer
        stem = f"{d}/{name}.ts"
        if name in CHAIN and os.path.exists(f"{stem}.onnx"):
            from onnxconverter_common import float16

            def chain(tag, src, fn, transform):
                q, key = f"{stem}.{tag}.onnx", f"{name}.ts.{tag}"
                if not os.path.exists(src):
                    files[key] = {"base": "ts", "transform": transform, "refused": "no input file"}
                    return
                try:
                    fn(src, q)
                    files[key] = {"base": "ts", "transform": transform, "path": q, "ort": ort_ok(q)}
                except Exception as e:  # noqa: BLE001
                    files[key] = {"base": "ts", "transform": transform, "refused": _err(e)}

            def ort_opt(src, q, lvl=ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED):
                so = ort.SessionOptions()
                so.graph_optimization_level = lvl
                so.optimized_model_filepath = q
                ort.InferenceSession(src, so, providers=["CPUExecutionProvider"])
            ext = f"{stem}.ort_extended.onnx"
            chain("ortext_fp16", ext, lambda a, q: onnx.save(_quiet(float16.convert_float_to_float16, onnx.load(a),
                                                                      keep_io_types=True), q), "ort_extended > fp16_keepio")
            chain("ortext_op21", ext, lambda a, q: onnx.save(_quiet(version_converter.convert_version, onnx.load(a), 21), q),
                  "ort_extended > opset21")
            chain("ortext_prefix", ext, lambda a, q: onnx.save(compose.add_prefix(onnx.load(a), prefix="p0_"), q),
                  "ort_extended > add_prefix")
            chain("fp16_ortext", f"{stem}.fp16_keepio.onnx", ort_opt, "fp16_keepio > ort_extended")
            chain("op21_ortext", f"{stem}.op21.onnx", ort_opt, "opset21 > ort_extended")
            chain("op28_fp16", f"{stem}.op28.onnx", lambda a, q: onnx.save(_quiet(float16.convert_float_to_float16,
                                                                                   onnx.load(a), keep_io_types=True), q),
                  "opset28 > fp16_keepio")
            if name in TRANSFORMERS:
                chain("ortx2_op21", f"{stem}.ortx2.onnx",
                      lambda a, q: onnx.save(_quiet(version_converter.convert_version, onnx.load(a), 21), q), "ortx O2 > opset21")
        save()
        print(name, "made", sum(1 for f in files.values() if "path" in f), "files", flush=True)


def _shape_of(path, tensor, feeds):
    import onnx
    import onnxruntime as ort
    m = onnx.load(path)
    m.graph.output.append(onnx.helper.make_empty_tensor_value_info(tensor))
    s = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    return list(s.run([tensor], {k: v for k, v in feeds.items() if k in {i.name for i in s.get_inputs()}})[0].shape)


# ----------------------------------------------------------------------------------------------------------------
# dscost, one file at a time
# ----------------------------------------------------------------------------------------------------------------


def child(argv: list[str], timeout: int, env: dict | None = None) -> tuple[int | str, str, str]:
    try:
        p = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def run_dscost(path: str, shapes: list[str]) -> dict:
    cmd = [sys.executable, "-m", "dscost", "analyze", path, *[a for s in shapes for a in ("-i", s)], "-f", "json", "-q"]
    t = time.time()
    rc, out, err = child(cmd, DSCOST_TIMEOUT)
    r = {"cmd": " ".join(cmd), "rc": rc, "stderr": err.strip()[-3000:], "secs": round(time.time() - t, 1)}
    try:
        d = json.loads(out)
        r["totals"], r["uncounted"], r["notes"] = d["totals"], d["uncounted"], d["notes"]
        r["layers"] = sorted(x["macs"] for x in d["layers"] if x.get("macs"))
        r["mac_ops"] = sorted({x["op"] for x in d["layers"] if x.get("macs")})
    except (ValueError, KeyError) as e:
        r["json_error"] = repr(e)[:200]
    return r


def m_shapes(model: dict, f: dict) -> list[str]:
    """Input sizes for a transformed file of a dynamic-axes export (its original's), none for static files."""
    if f["base"] != "dyn":
        return []
    return [f"{n}=" + "x".join(map(str, s)) for n, s, dt in model["spec"]]


def clean_exit(r: dict) -> bool:
    err = r.get("stderr", "").strip()
    if r.get("rc") == 0:
        return not err
    return r.get("rc") == 2 and len(err.splitlines()) == 1 and err.startswith("dscost: error:")


def expected(model: dict, f: dict) -> tuple[int | None, list[int] | None]:
    """The oracle's MACs and per-layer list for a file: its original's (+ the chained head's; an extracted range's own)."""
    orc = model.get("oracle", {}).get(f["base"], {})
    if "oracle_macs" in f:
        return f["oracle_macs"], f.get("oracle_layers")
    if "macs" not in orc:
        return None, None
    return orc["macs"] + f.get("extra_macs", 0), orc["layers"] + ([f["extra_macs"]] if f.get("extra_macs") else [])


# Params a rewrite legitimately changes (MACs equal, nothing uncounted): the optimizer folds or precomputes tensors, so
# the file holds other tensors than the original -- dscost counts the file's (docs/onnx.md), one line per cause.
PARAM_CAUSES: dict[str, str] = {
    "nofold": "BatchNorm folded into the preceding conv by onnxruntime (gamma, beta -> one bias per channel: -C per "
              "BatchNorm; the result equals the TorchScript exporter's own folded file, e.g. resnet18 11,689,512 -> "
              "11,684,712); densenet121's pre-activation BatchNorms fold into the conv after them",
    "fpn_resnet18": "torchvision's FrozenBatchNorm2d is exported as Mul / Add of stored tensors; onnxruntime folds them into "
                    "the conv (-4,800: one scale per channel)",
    "swin_t": "onnxruntime precomputes Swin's relative-position bias (a Gather of the learned table by constant indices) "
              "and stores it per block (+48,020); a dynamic-axes file through quant_pre_process: 8 constant fills of the "
              "shifted-window mask ids folded to initializers (+98, all-equal values 4 / 5 / 7 / 8), and the file "
              "onnxruntime then fails to run (a Slice in stage 4)",
    "bert_small": "onnxruntime constant-folds the embedding lookups whose indices are constants: position_ids[:16] "
                  "(64x128 table -> 16x128 rows: -6,144) and token_type_ids = 0 (2x128 -> 16x128: +1,792); "
                  "the dynamo file had already folded the first",
    "gpt2_small": "onnxruntime constant-folds the position-embedding lookup of the constant positions 0..15 "
                  "(64x128 -> 16x128: -6,144)",
    "ort_all": "the NCHWc reorder pads weights to multiples of the vector width (params are the file's)",
}
OPTIMIZERS = ("ort_basic", "ort_extended", "ort_all", "quant_pre_process")


def explain(mname: str, f: dict, r: dict, why: list[str]) -> str | None:
    """Why a row that is not equal is not a miscount of dscost's, or None (a finding)."""
    unc = r.get("uncounted") or []
    reasons = " ".join(u.get("reason", "") for u in unc)
    t, base = f["transform"], f["base"]
    ort_refuses = str(f.get("ort", "")).startswith("FAIL")
    macs_ok = not any(w.startswith("MACs") for w in why)
    if r.get("rc") == 2 and "which no node makes" in r.get("stderr", "") and mname == "swin_t" and base == "fn":
        return ("invalid file (torch's exporter): export_modules_as_functions writes function ShiftedWindowAttention.2 "
                "whose Pad reads '174', a tensor of the caller's scope that is not among the function's inputs; "
                "onnxruntime refuses it too ('failed validating the check: !(it.GetName().empty())'); dscost exit 2 in "
                "one line, and so for every file made from it (fp16, prefix, onnx's inliner, which leaves '174__2' dangling)")
    if "NCHWc layout op" in reasons:
        return ("documented (docs/onnx.md): ORT_ENABLE_ALL saves x86-specific NCHWc ops (com.microsoft.nchwc Conv, "
                "ReorderInput / ReorderOutput, padded channels); each is listed uncounted with its params and the hint "
                "to save at ORT_ENABLE_EXTENDED, the nodes after them 'shapes lost at' that node -- never silent")
    if "fp16" in t and ort_refuses and "a type error, the graph cannot run" in reasons and macs_ok:
        return ("documented (docs/onnx.md): onnxconverter-common writes a type error (a Cast to float32 declared float16, "
                "float16 x float32 inputs: attention scales, masks, GELU constants; in a functions file the bodies it does "
                "not convert), onnxruntime refuses the file; dscost names those nodes uncounted and notes it; MACs equal")
    if t.startswith("opset") and base in ("fn", "fnt") and "custom op of domain" in reasons and ort_refuses:
        return ("onnx's version_converter drops model.functions (1.23.2: the converted file holds no FunctionProto), so "
                "every call of a model-local function is an undefined op; onnxruntime refuses the file; dscost lists each "
                "call uncounted with its params ('custom op of domain ...')")
    if t == "add_prefix" and base in ("fn", "fnt") and any(u["op"].startswith("p0_") for u in unc):
        return ("onnx.compose.add_prefix renames the model-local function Flatten and also the standard Flatten op "
                "inside it (op_type 'p0_Flatten', domain ''), an op no opset has; onnxruntime refuses the file; dscost "
                "lists it uncounted and the Gemm after it ('shapes lost at' it: -768,000 MACs listed, not silent)")
    if macs_ok and not unc and all(w.startswith("params") for w in why):
        if base == "nofold" and t in OPTIMIZERS:
            return PARAM_CAUSES["nofold"]
        if (any(o in t for o in OPTIMIZERS) or "ortx" in t) and mname in PARAM_CAUSES:
            return PARAM_CAUSES[mname]
    return None


def verdict(mname: str, key: str, model: dict, f: dict, r: dict, orig: dict | None) -> tuple[str, str]:
    """(verdict, why): equal / explained / DIFF, on MACs against the oracle, params against the original's count."""
    t = r.get("totals") or {}
    em, el = expected(model, f)
    why = []
    if not clean_exit(r):
        return "DIFF", f"exit {r.get('rc')}: {r.get('stderr', '')[-200:]}"
    if r.get("rc") != 0:
        why.append("exit 2: " + r.get("stderr", "")[:160])
    elif em is not None and t.get("macs") != em:
        why.append(f"MACs {t.get('macs'):,} vs oracle {em:,}")
    if r.get("uncounted"):
        why.append("uncounted: " + ", ".join(sorted({u['op'] for u in r['uncounted']})))
    elif (el is not None and r.get("layers") is not None and "Attention" not in r.get("mac_ops", [])
          and sorted(r["layers"]) != sorted(x for x in el if x)):
        why.append("per-layer MACs differ from the oracle's")  # onnxruntime's Attention packs 4 layers in one
    if orig and orig.get("totals") and t and f["transform"] not in ("extract 0..mid", "extract mid..out"):
        want = orig["totals"]["params"] + f.get("extra_params", 0)
        if t.get("params") != want:
            why.append(f"params {t.get('params'):,} vs original's {want:,}")
    if not why:
        return "equal", ""
    e = explain(mname, f, r, why)
    return ("explained", "; ".join(why) + " -- " + e) if e else ("DIFF", "; ".join(why))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "r50"))
    ap.add_argument("--json", help="write every row here")
    ap.add_argument("--only", help="comma-separated model names")
    ap.add_argument("--reuse", action="store_true", help="keep the files, the oracle and dscost's rows already made")
    ap.add_argument("--make", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    only = a.only.split(",") if a.only else []
    if a.make:
        make(out, only, a.reuse)
        return 0
    made = out / "made.json"
    if not (a.reuse and made.exists()):
        rc, so, se = child([sys.executable, __file__, "--make", "--out", str(out), *(["--only", a.only] if a.only else [])],
                           MAKE_TIMEOUT)
        if rc != 0:
            print(f"make child failed ({rc}): {se[-2000:]}", file=sys.stderr)
            return 1
    models = json.loads(made.read_text())
    rows_path = out / "dscost.json"
    rows = json.loads(rows_path.read_text()) if a.reuse and rows_path.exists() else {}
    names = only or list(models)
    for mname in names:
        for key, f in models[mname]["files"].items():
            if key in rows or "path" not in f:
                continue
            rows[key] = run_dscost(f["path"], [f["input_shape"]] if f.get("input_shape") else
                                   f.get("input_shapes") or m_shapes(models[mname], f))
            rows_path.write_text(json.dumps(rows, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps({"made": models, "dscost": rows}, indent=1))
    counts = {"equal": 0, "explained": 0, "DIFF": 0, "refused": 0}
    print("| file | transform | oracle MACs | dscost MACs | dscost params | orig params | uncounted | ort | verdict |")
    print("|---|---|---:|---:|---:|---:|---|---|---|")
    for mname in names:
        m = models[mname]
        for key, f in m["files"].items():
            if "path" not in f:
                counts["refused"] += 1
                print(f"| {key} | {f['transform']} | | | | | | | refused by the tool: {f['refused'][:90]} |")
                continue
            r = rows.get(key, {})
            orig = rows.get(f"{mname}.{f['base']}")
            v, why = verdict(mname, key, m, f, r, orig)
            counts[v] += 1
            t = r.get("totals") or {}
            em, _ = expected(m, f)
            unc = ", ".join(sorted({u["op"] for u in r.get("uncounted", [])})) or "-"
            print(f"| {key} | {f['transform']} | {em if em is None else format(em, ',')} | "
                  f"{format(t['macs'], ',') if t else 'exit ' + str(r.get('rc'))} | {format(t['params'], ',') if t else '-'} | "
                  f"{format(orig['totals']['params'], ',') if orig and orig.get('totals') else '-'} | {unc[:60]} | "
                  f"{f.get('ort', '')[:40]} | {v}{': ' + why if why else ''} |")
    print(f"\n{counts}", file=sys.stderr)
    return 1 if counts["DIFF"] else 0


if __name__ == "__main__":
    sys.exit(main())
