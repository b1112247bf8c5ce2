"""Models for the report tests: a small ViT-like ONNX graph with PyTorch-style node names and the
shape arithmetic exporters write, and a big hand-built conv chain (no reader involved)."""

from __future__ import annotations

import numpy as np
from onnx import TensorProto

from conftest import conv_layer
from dscost import cost
from dscost.layers import ACTIVATION, ADD, BATCHNORM, Layer, Model
from onnx_models import init, model, node, save


def vit_like(tmp_path, blocks: int = 4, dim: int = 32, tokens: int = 16, name: str = "vit.onnx"):
    """patch conv -> flatten/transpose -> ``blocks`` x (LN, qkv MatMul, attention MatMuls, Softmax,
    proj, residual Add, LN, MLP fc1/GELU(Erf)/fc2, Add) -> LN -> head, with a run-time shape subgraph
    (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) and a Sqrt of the head size per block."""
    side = int(tokens**0.5)
    img = side * 4
    nodes, inits = [], [init("pw", dim, 3, 4, 4), init("pb", dim)]
    nodes.append(node("Conv", ["x", "pw", "pb"], "/patch_embed/proj/Conv_out", name="/patch_embed/proj/Conv", kernel_shape=[4, 4], strides=[4, 4]))
    nodes.append(node("Shape", ["/patch_embed/proj/Conv_out"], "/patch_embed/Shape_out", name="/patch_embed/Shape"))
    inits.append(init("idx0", dtype=np.int64, value=0))
    nodes.append(node("Gather", ["/patch_embed/Shape_out", "idx0"], "/patch_embed/Gather_out", name="/patch_embed/Gather", axis=0))
    inits.append(init("axes0", 1, dtype=np.int64, value=[0]))
    nodes.append(node("Unsqueeze", ["/patch_embed/Gather_out", "axes0"], "/patch_embed/Unsqueeze_out", name="/patch_embed/Unsqueeze"))
    inits.append(init("rest", 2, dtype=np.int64, value=[dim, -1]))
    nodes.append(node("Concat", ["/patch_embed/Unsqueeze_out", "rest"], "/patch_embed/Concat_out", name="/patch_embed/Concat", axis=0))
    nodes.append(node("Reshape", ["/patch_embed/proj/Conv_out", "/patch_embed/Concat_out"], "/patch_embed/Reshape_out", name="/patch_embed/Reshape"))
    nodes.append(node("Transpose", ["/patch_embed/Reshape_out"], "t0", name="/patch_embed/Transpose", perm=[0, 2, 1]))
    cur = "t0"
    for b in range(blocks):
        p = f"/blocks/blocks.{b}"
        inits += [init(f"{p}.ln1.w", dim), init(f"{p}.ln1.b", dim), init(f"{p}.qkv.w", dim, 3 * dim), init(f"{p}.proj.w", dim, dim),
                  init(f"{p}.ln2.w", dim), init(f"{p}.ln2.b", dim), init(f"{p}.fc1.w", dim, 2 * dim), init(f"{p}.fc2.w", 2 * dim, dim),
                  init(f"{p}.half", value=0.5), init(f"{p}.hd", value=float(dim))]  # fmt: skip
        nodes += [
            node("LayerNormalization", [cur, f"{p}.ln1.w", f"{p}.ln1.b"], f"{p}/norm1/out", name=f"{p}/norm1/LayerNormalization", axis=-1),
            node("MatMul", [f"{p}/norm1/out", f"{p}.qkv.w"], f"{p}/attn/qkv/out", name=f"{p}/attn/qkv/MatMul"),
            node("Slice", [f"{p}/attn/qkv/out", "s0", "s1", "s2"], f"{p}/attn/q", name=f"{p}/attn/Slice"),
            node("Slice", [f"{p}/attn/qkv/out", "s1", "s3", "s2"], f"{p}/attn/k", name=f"{p}/attn/Slice_1"),
            node("Transpose", [f"{p}/attn/k"], f"{p}/attn/kt", name=f"{p}/attn/Transpose", perm=[0, 2, 1]),
            node("Sqrt", [f"{p}.hd"], f"{p}/attn/sqrt", name=f"{p}/attn/Sqrt"),
            node("MatMul", [f"{p}/attn/q", f"{p}/attn/kt"], f"{p}/attn/s", name=f"{p}/attn/MatMul"),
            node("Softmax", [f"{p}/attn/s"], f"{p}/attn/sm", name=f"{p}/attn/Softmax", axis=-1),
            node("MatMul", [f"{p}/attn/sm", f"{p}/attn/q"], f"{p}/attn/o", name=f"{p}/attn/MatMul_1"),
            node("MatMul", [f"{p}/attn/o", f"{p}.proj.w"], f"{p}/attn/proj/out", name=f"{p}/attn/proj/MatMul"),
            node("Add", [cur, f"{p}/attn/proj/out"], f"{p}/add1", name=f"{p}/Add"),
            node("LayerNormalization", [f"{p}/add1", f"{p}.ln2.w", f"{p}.ln2.b"], f"{p}/norm2/out", name=f"{p}/norm2/LayerNormalization", axis=-1),
            node("MatMul", [f"{p}/norm2/out", f"{p}.fc1.w"], f"{p}/mlp/fc1/out", name=f"{p}/mlp/fc1/MatMul"),
            node("Erf", [f"{p}/mlp/fc1/out"], f"{p}/mlp/act/erf", name=f"{p}/mlp/act/Erf"),
            node("Mul", [f"{p}/mlp/act/erf", f"{p}.half"], f"{p}/mlp/act/mul", name=f"{p}/mlp/act/Mul"),
            node("MatMul", [f"{p}/mlp/act/mul", f"{p}.fc2.w"], f"{p}/mlp/fc2/out", name=f"{p}/mlp/fc2/MatMul"),
            node("Add", [f"{p}/add1", f"{p}/mlp/fc2/out"], f"{p}/add2", name=f"{p}/Add_1"),
        ]
        cur = f"{p}/add2"
    inits += [init("s0", 1, dtype=np.int64, value=[0]), init("s1", 1, dtype=np.int64, value=[dim]), init("s2", 1, dtype=np.int64, value=[2]),
              init("s3", 1, dtype=np.int64, value=[2 * dim]), init("nw", dim), init("nb", dim), init("hw", dim, 10)]  # fmt: skip
    nodes += [
        node("LayerNormalization", [cur, "nw", "nb"], "/norm/out", name="/norm/LayerNormalization", axis=-1),
        node("ReduceMean", ["/norm/out"], "/pool", name="/ReduceMean", axes=[1], keepdims=0),
        node("MatMul", ["/pool", "hw"], "logits", name="/head/MatMul"),
    ]
    return save(tmp_path, model(nodes, [("x", [1, 3, img, img])], ["logits"], inits), name)


def conv_chain(n_blocks: int) -> Model:
    """``n_blocks`` x (3x3 conv, BN, ReLU, 1x1 conv, residual add) on 8 channels at 16x16: 5
    layers a block, so 1,000 blocks make a 5,000-layer model (hand-built, no reader)."""
    layers: list[Layer] = []
    src = "input"
    shape = (1, 8, 16, 16)
    n = 8 * 16 * 16
    for i in range(n_blocks):
        p = f"stage{i // 100}.block{i}"
        c = conv_layer(f"{p}.conv", src, 3, 8, 8, 16)
        bn = Layer(f"{p}.bn", BATCHNORM, "BatchNormalization", (c.name,), shape, shape, cost.batchnorm_cost(8, n))
        act = Layer(f"{p}.relu", ACTIVATION, "Relu", (bn.name,), shape, shape, cost.activation_cost("relu", n))
        pw = conv_layer(f"{p}.pw", act.name, 1, 8, 8, 16)
        add = Layer(f"{p}.add", ADD, "Add", (pw.name, src), shape, shape, cost.elementwise_cost(n))
        layers += [c, bn, act, pw, add]
        src = add.name
    return Model(f"chain{n_blocks}", "hand-built", layers)


F = TensorProto.FLOAT
