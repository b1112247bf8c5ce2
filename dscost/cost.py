"""Pure cost arithmetic: formulas, the standard <-> separable what-ifs, totals.

No I/O, no Rich, no third-party imports.  Every number dscost prints comes
from one of the functions here, each a formula stated in its docstring.

Notation of the MobileNet paper: kernel Dk x Dk, M input channels, N output
channels, DF x DF output feature map.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import prod
from typing import Collection

from dscost.layers import BLOCK_THROUGH_TYPES, DEPTHWISE, FC, GROUPED, POINTWISE, STANDARD, ConvGeom, Cost, Layer, Model, Shape

# --------------------------------------------------------------------------
# Shapes


def conv_out_size(size: int, kernel: int, stride: int, dilation: int, pad_begin: int, pad_end: int) -> int:
    """floor((size + pads - dilation*(kernel-1) - 1) / stride) + 1; <= 0 means the kernel does not fit."""
    return (size + pad_begin + pad_end - dilation * (kernel - 1) - 1) // stride + 1


def ceil_pool_out(size: int, kernel: int, stride: int, dilation: int, pad_begin: int, pad_end: int) -> tuple[int, int]:
    """A pool's output size with ceil_mode: (rounded up, and without a last window that would start
    in the end padding).  PyTorch and onnxruntime (since 1.21) drop that window; onnx's inference keeps it."""
    up = conv_out_size(size, kernel, stride, dilation, pad_begin, pad_end + stride - 1)
    return up, (up - 1 if (up - 1) * stride >= size + pad_begin else up)


def same_pads(size: int, kernel: int, stride: int, dilation: int, upper: bool = True) -> tuple[int, int]:
    """Padding so that out = ceil(size / stride) (TF/ONNX SAME_UPPER; SAME_LOWER puts the odd pixel first)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    small, big = total // 2, total - total // 2
    return (small, big) if upper else (big, small)


def conv_transpose_out_size(size: int, kernel: int, stride: int, dilation: int, pad_begin: int, pad_end: int, output_padding: int = 0) -> int:
    """stride*(size-1) + output_padding + dilation*(kernel-1) + 1 - pads."""
    return stride * (size - 1) + output_padding + dilation * (kernel - 1) + 1 - pad_begin - pad_end


# --------------------------------------------------------------------------
# Per-layer formulas


def conv_cost(g: ConvGeom) -> Cost:
    """Conv of any rank: weights = prod(kernel)*(Cin/g)*Cout; MACs = batch*weights*prod(out spatial).
    Bias: Cout params and batch*Cout*prod(out spatial) additions (other_ops)."""
    weights = prod(g.kernel) * (g.cin // g.groups) * g.cout
    out = g.batch * prod(g.out_spatial)
    return Cost(
        macs=weights * out,
        other_ops=g.cout * out if g.bias else 0,
        weights=weights,
        biases=g.cout if g.bias else 0,
    )


def conv_transpose_cost(kernel: Shape, cin: int, cout: int, groups: int, in_spatial: Shape, out_spatial: Shape, bias: bool, batch: int = 1) -> Cost:
    """Transposed conv: every input pixel scatters a kernel into Cout/g channels.
    weights = Cin*(Cout/g)*prod(kernel); MACs = batch*prod(in spatial)*weights.
    Bias: Cout params, batch*Cout*prod(out spatial) additions."""
    weights = cin * (cout // groups) * prod(kernel)
    return Cost(
        macs=batch * prod(in_spatial) * weights,
        other_ops=batch * cout * prod(out_spatial) if bias else 0,
        weights=weights,
        biases=cout if bias else 0,
    )


def linear_cost(in_features: int, out_features: int, rows: int = 1, bias: bool = True) -> Cost:
    """Fully connected: weights = in*out; MACs = rows*in*out; bias: out params, rows*out additions."""
    return Cost(
        macs=rows * in_features * out_features,
        other_ops=rows * out_features if bias else 0,
        weights=in_features * out_features,
        biases=out_features if bias else 0,
    )


def matmul_cost(a: Shape, b: Shape) -> Cost:
    """numpy-style matmul, batched with broadcasting: MACs = prod(broadcast batch dims)*m*k*n.
    1-D operands are promoted as numpy does.  No params (weights, if any, are counted by the reader)."""
    a2 = (1, a[0]) if len(a) == 1 else tuple(a)
    b2 = (b[0], 1) if len(b) == 1 else tuple(b)
    m, k = a2[-2], a2[-1]
    n = b2[-1]
    batch = broadcast_shape(a2[:-2], b2[:-2])
    return Cost(macs=prod(batch) * m * k * n)


def attention_cost(batch: int, heads: int, q_len: int, kv_len: int, head_size: int, v_head_size: int,
                   masked: bool = False, softcap: bool = False) -> Cost:
    """Scaled dot-product attention (ONNX ``Attention``) for each batch and query head: the
    scores Q K^T (q_len*kv_len*head_size MACs) and the weighted sum P V (q_len*kv_len*v_head_size
    MACs), the MACs of the two MatMuls of the unfused graph (a causal mask is not taken as
    sparsity, as it is not there).  other_ops per score: scale (1), mask or causal bias (1 when
    ``masked``), soft cap (3: divide, tanh, multiply), softmax (3, as softmax_cost).  No params;
    kv_len includes the past keys of a KV cache.  Grouped-query heads: ``heads`` are the query heads."""
    scores = batch * heads * q_len * kv_len
    return Cost(macs=scores * (head_size + v_head_size), other_ops=scores * (1 + int(masked) + 3 * int(softcap) + 3))


# update rule -> (state MACs per token and kv head in units of dk*dv, decay multiplies in those
# units, other ops per value element)
LINEAR_ATTENTION_RULES = {"linear": (1, 0, 0), "gated": (1, 1, 0), "delta": (2, 0, 2), "gated_delta": (2, 1, 2)}


def linear_attention_cost(batch: int, tokens: int, q_heads: int, kv_heads: int, dk: int, dv: int, rule: str, decay_numel: int = 0) -> Cost:
    """Linear attention (ONNX ``LinearAttention``) as the recurrence its specification defines,
    token by token.  Per token and kv head, on the state S (dk x dv): ``linear`` adds k v^T (dk*dv
    MACs); ``gated`` first decays S by exp(g) (dk*dv multiplies); ``delta`` reads u = S^T k (dk*dv
    MACs), takes beta * (v - u) (2 ops per value element) and adds k times it (dk*dv MACs);
    ``gated_delta`` does both.  Per token and output head (the query heads; the kv heads when there
    are more of them), the output scale * q^T S: dk*dv MACs and dv multiplies.  exp(g): one op per
    element of the decay input.  No params.  (A chunk-parallel kernel gets the same outputs with
    other arithmetic.)"""
    macs_per, decay_per, value_ops = LINEAR_ATTENTION_RULES[rule]
    steps = batch * tokens
    state = dk * dv
    readouts = max(q_heads, kv_heads)
    return Cost(macs=steps * (kv_heads * macs_per * state + readouts * state),
                other_ops=steps * (kv_heads * (decay_per * state + value_ops * dv) + readouts * dv) + decay_numel)  # fmt: skip


def moe_cost(tokens: int, k: int, experts: int, expert_weights: int, expert_biases: int, inter: int, hidden: int, act_ops: int) -> Cost:
    """Mixture of experts: each of ``tokens`` runs the feed-forward of its top ``k`` experts.
    Per token and selected expert: ``expert_weights`` MACs (one per weight of the expert's fc1,
    fc2 and fc3, whatever their layout), one add per bias element, ``act_ops`` per element of
    the ``inter``-wide hidden layer, and 2 per output element to weigh and sum the k outputs;
    per token and expert, a softmax (3) and a top-k compare (1) over the router's logits.
    Params: every expert's weights and biases."""
    selected = tokens * k
    return Cost(macs=selected * expert_weights, other_ops=selected * (expert_biases + act_ops * inter + 2 * hidden) + 4 * tokens * experts,
                weights=experts * expert_weights, biases=experts * expert_biases)  # fmt: skip


def broadcast_shape(a: Shape, b: Shape) -> Shape:
    """numpy broadcasting of two shapes; ValueError when they do not broadcast."""
    out = []
    for x, y in zip(reversed((1,) * (len(b) - len(a)) + tuple(a)), reversed((1,) * (len(a) - len(b)) + tuple(b))):
        if x != y and 1 not in (x, y):
            raise ValueError(f"shapes {tuple(a)} and {tuple(b)} do not broadcast")
        out.append(y if x == 1 else x)  # (a 0 broadcast against a 1 is 0)
    return tuple(reversed(out))


def batchnorm_cost(channels: int, numel: int) -> Cost:
    """Inference BN = one scale and one shift per element: other_ops = 2*numel;
    gamma/beta = 2*C learnable, running mean/var = 2*C buffers."""
    return Cost(other_ops=2 * numel, norm_params=2 * channels, buffers=2 * channels)


def norm_cost(numel: int, affine_params: int) -> Cost:
    """Instance/layer/group norm: mean, variance, normalise, scale, shift ~ 5 ops per element;
    affine_params = gamma + beta elements."""
    return Cost(other_ops=5 * numel, norm_params=affine_params)


# Arithmetic ops per output element for element-wise functions.  Comparisons
# and clamps count as one op; transcendental functions as one op each.
ACTIVATION_OPS = {
    "relu": 1,
    "relu6": 1,
    "leaky_relu": 2,
    "prelu": 2,
    "elu": 3,
    "clip": 1,
    "sigmoid": 3,  # exp, add, reciprocal
    "hard_sigmoid": 3,  # mul, add, clamp
    "tanh": 1,
    "swish": 4,  # sigmoid + mul
    "silu": 4,
    "hard_swish": 4,  # hard_sigmoid + mul
    "gelu": 8,
    "softplus": 2,
    "mish": 4,  # softplus, tanh, mul
    "softsign": 2,  # x / (1 + |x|): abs+add, divide
    "identity": 0,
}


def activation_cost(fn: str, numel: int) -> Cost:
    """other_ops = ACTIVATION_OPS[fn] * numel."""
    return Cost(other_ops=ACTIVATION_OPS[fn] * numel)


# Arithmetic ops per element for element-wise functions that are not
# activations (kept apart from ACTIVATION_OPS, whose keys are YAML spec layer types).
ELEMENT_OPS = {
    "quantize": 2,  # QuantizeLinear: x / scale then round + zero point (shift), saturate folded in
    "dequantize": 2,  # DequantizeLinear: (x - zero point) * scale
    "dynamic_quantize": 4,  # min and max over the tensor (1 op each per element) + quantize (2)
    "fake_quantize": 4,  # QONNX's IntQuant and FloatQuant: quantize (2, the clamp folded in), then dequantize (2)
    "bipolar_quantize": 2,  # QONNX's BipolarQuant: the sign, times the scale
    "truncate": 6,  # QONNX's Trunc: quantize (2), divide by a power of two and round (2), dequantize (2)
    "hardmax": 1,  # one compare per element along the axis (argmax), then a one-hot write
    "lp_norm": 3,  # |x|^p (1), accumulate along the axis (1), divide by the norm (1)
    "max_norm": 2,  # ONNX-ML's Normalizer MAX: the row's maximum (1 compare), divide by it (1)
    "threshold": 1,  # ONNX-ML's Binarizer: one compare
    "impute": 2,  # ONNX-ML's Imputer: compare with the missing value, select
    "rotary": 3,  # per rotated element: x1*cos - x2*sin (2 multiplies, 1 add)
    "topk": 1,  # one compare per input element (a selection; ordering the k results is not counted)
    "shrink": 2,  # compare with lambd, then add or subtract the bias
    "swiglu": 5,  # swish of the gate (4, as ACTIVATION_OPS) times the value (1)
    "random": 1,  # one generated value (or draw) per element
    "scale_shift": 2,  # ONNX's removed ImageScaler and Affine: a multiply and an add
    "scale": 1,  # ONNX's removed Scale
    "complex_abs": 4,  # TFLite's COMPLEX_ABS, |re + i im| = sqrt(re^2 + im^2): two multiplies, an add, a square root
    "scaled_tanh": 3,  # ONNX's removed ScaledTanh: tanh (1, as ACTIVATION_OPS) and two multiplies
    "parametric_softplus": 4,  # ONNX's removed ParametricSoftplus: softplus (2) and two multiplies
}


def per_element_cost(fn: str, numel: int) -> Cost:
    """other_ops = ELEMENT_OPS[fn] * numel."""
    return Cost(other_ops=ELEMENT_OPS[fn] * numel)


def lrn_cost(size: int, numel: int) -> Cost:
    """Local response normalization (AlexNet), y = x / (bias + alpha/size * sum_{size channels} x^2)^beta:
    per element ``size`` multiply-adds for the windowed sum of squares, then scale by alpha/size,
    add bias, pow beta and divide (4): other_ops = (size + 4) * numel.  No params."""
    return Cost(other_ops=(size + 4) * numel)


def einsum_cost(index_sizes: dict[str, int]) -> Cost:
    """Two-operand einsum: one multiply-accumulate per point of the joint index space,
    MACs = product of the sizes of all distinct index letters ("bij,bjk->bik" = b*i*j*k).
    No params (a constant operand is counted by the reader)."""
    return Cost(macs=prod(index_sizes.values()))


# Recurrent cells (ONNX RNN/GRU/LSTM): gates per cell, and the element-wise work per
# hidden element and time step besides the gate activations.
RNN_GATES = {"rnn": 1, "gru": 3, "lstm": 4}
RNN_UPDATE_OPS = {
    "rnn": 0,  # h = f(gate): the activation only
    "gru": 5,  # r * (h or Rh h) (1); h = (1 - z) * h~ + z * h (4)
    "lstm": 4,  # c = f * c + i * g (3); h = o * h(c) (1)
}


def rnn_cost(cell: str, directions: int, seq: int, batch: int, input_size: int, hidden: int, bias: bool = False,
             activation_ops: int | None = None, peephole: bool = False) -> Cost:  # fmt: skip
    """ONNX RNN/GRU/LSTM with W (dirs, G*H, I), R (dirs, G*H, H), B (dirs, 2*G*H), G = RNN_GATES[cell].
    MACs = dirs*seq*batch*G*H*(I + H) (Wx and Rh of every gate per step).
    weights = dirs*G*H*(I + H) (+ peephole P: dirs*3*H); biases = dirs*2*G*H.
    other_ops per step, batch row and direction, per hidden element: the gate activations
    (``activation_ops``; defaults: RNN tanh 1, GRU 2 sigmoid + tanh = 7, LSTM 3 sigmoid + 2 tanh = 11),
    RNN_UPDATE_OPS[cell], 2*G bias adds (Wb and Rb) with a bias, 6 with LSTM peepholes (P*c, add for i, f, o)."""
    gates = RNN_GATES[cell]
    if activation_ops is None:
        s, t = ACTIVATION_OPS["sigmoid"], ACTIVATION_OPS["tanh"]
        activation_ops = {"rnn": t, "gru": 2 * s + t, "lstm": 3 * s + 2 * t}[cell]
    per_hidden = activation_ops + RNN_UPDATE_OPS[cell] + (2 * gates if bias else 0) + (6 if peephole else 0)
    steps = directions * seq * batch
    weights = directions * gates * hidden * (input_size + hidden) + (directions * 3 * hidden if peephole else 0)
    return Cost(
        macs=steps * gates * hidden * (input_size + hidden),
        other_ops=steps * hidden * per_hidden,
        weights=weights,
        biases=directions * 2 * gates * hidden if bias else 0,
    )


def weights_per_step_cost(steps: int, weights: int, biases: int, ops_per_step: int) -> Cost:
    """A recurrent op known by its weight tensors (TFLite's fused LSTM and RNN, whose gates may be
    coupled, peepholed or projected): every weight element is one MAC per step (``steps`` = time
    steps x batch rows), and ``ops_per_step`` element-wise ops (activations, the cell update,
    bias adds) are done each step."""
    return Cost(macs=steps * weights, other_ops=steps * ops_per_step, weights=weights, biases=biases)


def counter_values(start: int, limit: int, step: int, inclusive: bool = False) -> int:
    """How many of start, start + step, start + 2 step ... (step > 0) are below ``limit`` (at most
    ``limit`` when ``inclusive``): the runs of a loop whose condition compares such a counter
    with a constant, ceil((limit - start + inclusive) / step), at least 0."""
    return max(0, -(-(limit - start + int(inclusive)) // step))


def elementwise_cost(numel: int, n_inputs: int = 2) -> Cost:
    """Add/Mul/Sub/... of n inputs: (n-1) ops per output element."""
    return Cost(other_ops=(n_inputs - 1) * numel)


def pool_cost(kernel: Shape, out_numel: int) -> Cost:
    """Max/average pooling: prod(kernel) ops (compare or add) per output element."""
    return Cost(other_ops=prod(kernel) * out_numel)


def global_pool_cost(in_numel: int) -> Cost:
    """Global average/max pool: one op per input element."""
    return Cost(other_ops=in_numel)


def softmax_cost(numel: int) -> Cost:
    """exp, sum, divide: 3 ops per element."""
    return Cost(other_ops=3 * numel)


# --------------------------------------------------------------------------
# Standard <-> separable what-ifs


def is_separable_candidate(layer: Layer) -> bool:
    """A standard conv (groups 1), kernel > 1x1, more than one input and output channel: on one input channel
    the depthwise half is a single filter, every output channel a multiple of one filtered map (a rank-1
    conv, no replacement for the layer); to one output channel the pointwise half only scales each
    filtered map, as expressive as the conv at more cost (1/N + 1/Dk^2 > 1: CBAM's 7x7 gate, 2 -> 1)."""
    return layer.conv is not None and layer.type == STANDARD and layer.conv.cin > 1 and layer.conv.cout > 1


def depthwise_geom(g: ConvGeom) -> ConvGeom:
    """The depthwise half of a standard conv: same kernel, stride, dilation, padding; M -> M, no bias."""
    return ConvGeom(g.kernel, g.cin, g.cin, g.cin, g.stride, g.dilation, g.pads, g.in_spatial, g.out_spatial, False, g.batch)


def pointwise_geom(g: ConvGeom) -> ConvGeom:
    """The pointwise half: 1x1, M -> N on the output grid, carrying the original bias."""
    n = len(g.kernel)
    return ConvGeom((1,) * n, g.cin, g.cout, 1, (1,) * n, (1,) * n, (0,) * (2 * n), g.out_spatial, g.out_spatial, g.bias, g.batch)


def separable_cost(g: ConvGeom) -> tuple[Cost, Cost]:
    """(depthwise, pointwise) costs of replacing standard conv ``g`` by dw Dk x Dk + pw 1x1."""
    return conv_cost(depthwise_geom(g)), conv_cost(pointwise_geom(g))


def standard_geom(dw: ConvGeom, pw: ConvGeom) -> ConvGeom:
    """The one standard conv a dw+pw block stands for: dw's kernel/stride/padding, M -> N, pw's bias."""
    return ConvGeom(dw.kernel, dw.cin, pw.cout, 1, dw.stride, dw.dilation, dw.pads, dw.in_spatial, pw.out_spatial, pw.bias, dw.batch)


@dataclass(frozen=True)
class Block:
    """A depthwise conv followed (through BN/activation layers only) by a pointwise conv."""

    depthwise: str
    middle: tuple[str, ...]
    pointwise: str


def find_blocks(layers: list[Layer], through: tuple = BLOCK_THROUGH_TYPES) -> list[Block]:
    """dw -> (BN|activation|a constant's scale or shift)* -> pw chains (``through``: the layer types
    between) where every intermediate output feeds only the next layer, the multiplier is 1 and
    the pw is neither strided nor padded (what `convert --reverse` merges)."""
    if all(layer.type != DEPTHWISE for layer in layers):  # (no block can start: spare a big graph's consumer map)
        return []
    by_name = {layer.name: layer for layer in layers}
    consumers: dict[str, list[str]] = {}
    for layer in layers:
        for src in layer.inputs:
            consumers.setdefault(src, []).append(layer.name)
    blocks = []
    for layer in layers:
        if layer.type != POINTWISE or layer.conv is None or len(layer.inputs) != 1 or any(x != 1 for x in layer.conv.stride) or any(layer.conv.pads):
            continue
        middle: list[str] = []
        cur = by_name.get(layer.inputs[0])
        while cur is not None and cur.type in through and len(cur.inputs) == 1 and len(consumers.get(cur.name, ())) == 1:
            middle.append(cur.name)
            cur = by_name.get(cur.inputs[0])
        if cur is not None and cur.type == DEPTHWISE and cur.conv is not None and cur.conv.cout == cur.conv.cin and len(consumers.get(cur.name, ())) == 1:
            blocks.append(Block(cur.name, tuple(reversed(middle)), layer.name))
    return blocks


# --------------------------------------------------------------------------
# Whole-model analysis

# Table 2 of the MobileNet paper groups costs by these categories (and grouped convs, ResNeXt's and ShuffleNet's, apart from "other").
CATEGORIES = {POINTWISE: "1x1 conv", DEPTHWISE: "depthwise conv", STANDARD: "standard conv", GROUPED: "grouped conv", FC: "fully connected"}


def category(layer: Layer) -> str:
    return CATEGORIES.get(layer.type, "other")


@dataclass(frozen=True)
class LayerWhatIf:
    separable_macs: int
    separable_params: int


@dataclass
class Analysis:
    model: Model
    totals: Cost
    what_if: dict[str, LayerWhatIf]  # per standard conv
    blocks: list[Block]
    all_separable: Cost  # every candidate standard conv made separable
    all_standard: Cost  # every dw+pw block made one standard conv
    shares: dict[str, Cost] = field(default_factory=dict)  # by category

    @property
    def layers(self) -> list[Layer]:
        return self.model.layers


def _separable_delta(layers: list[Layer], only: Collection[str] | None = None) -> tuple[Cost, dict[str, LayerWhatIf]]:
    """Change of the totals when every standard conv > 1x1 (those named in ``only``) becomes
    depthwise + pointwise, and each one's separable cost."""
    per: dict[str, LayerWhatIf] = {}
    added: list[Cost] = []
    removed: list[Cost] = []
    by_geom: dict[ConvGeom, tuple[Cost, LayerWhatIf]] = {}  # repeated blocks share a geometry
    for layer in layers:
        if is_separable_candidate(layer) and (only is None or layer.name in only):
            known = by_geom.get(layer.conv)
            if known is None:
                dw, pw = separable_cost(layer.conv)
                sep = dw + pw
                known = by_geom[layer.conv] = (sep, LayerWhatIf(sep.macs, sep.params))
            per[layer.name] = known[1]
            added.append(known[0])
            removed.append(layer.cost)
    return Cost.total(added) - Cost.total(removed), per


def _standard_delta(layers: list[Layer], blocks: list[Block], only: Collection[str] | None = None) -> Cost:
    """Change of the totals when every dw -> (BN|act)* -> pw block (those whose depthwise is
    named in ``only``) becomes one standard conv: the block's layers are replaced by
    ``conv_cost(standard_geom(dw, pw))``."""
    by_name = {layer.name: layer for layer in layers}
    delta = Cost()
    for b in blocks:
        if only is not None and b.depthwise not in only:
            continue
        dw, pw = by_name[b.depthwise], by_name[b.pointwise]
        removed = dw.cost + pw.cost
        for name in b.middle:
            removed = removed + by_name[name].cost
        delta = delta + conv_cost(standard_geom(dw.conv, pw.conv)) - removed
    return delta


def totals(model: Model) -> Cost:
    """The sum of every layer's cost, plus the parameters of uncounted nodes."""
    return Cost.total((layer.cost for layer in model.layers), model.uncounted_cost())


def what_if(model: Model, to: str, only: Collection[str] | None = None) -> Cost:
    """Model totals after the what-if: ``to="separable"`` makes the standard convs named in
    ``only`` (all when None) depthwise-separable; ``to="standard"`` merges the dw+pw blocks
    whose depthwise layer is named in ``only`` (all when None) into one standard conv each."""
    layers = model.layers
    if to == "separable":
        return totals(model) + _separable_delta(layers, only)[0]
    if to == "standard":
        return totals(model) + _standard_delta(layers, find_blocks(layers), only)
    raise ValueError(f"what_if: to must be 'separable' or 'standard', not {to!r}")


def analyze(model: Model) -> Analysis:
    """Totals, per-layer and whole-model what-ifs, Table-2 shares (the parameters of
    uncounted nodes are in the totals and in the "other" share)."""
    total = totals(model)
    to_separable, per_layer = _separable_delta(model.layers)
    blocks = find_blocks(model.layers)
    to_standard = _standard_delta(model.layers, blocks)
    by_category: dict[str, list[Cost]] = {}
    for layer in model.layers:
        by_category.setdefault(category(layer), []).append(layer.cost)
    shares = {cat: Cost.total(costs) for cat, costs in by_category.items()}
    extra = model.uncounted_cost()
    if extra.params:
        shares["other"] = shares.get("other", Cost()) + extra
    return Analysis(model, total, per_layer, blocks, total + to_separable, total + to_standard, shares)


# --------------------------------------------------------------------------
# `dscost compare`: one layer, every variant


@dataclass(frozen=True)
class Variant:
    name: str
    cost: Cost
    output_shape: Shape  # (C, *spatial)
    formula: str  # symbolic
    substituted: str  # with numbers


@dataclass(frozen=True)
class Comparison:
    geom: ConvGeom
    standard: Variant
    depthwise: Variant
    pointwise: Variant
    separable: Variant
    spatial_separable: Variant

    @property
    def ratio(self) -> Fraction:
        """separable / standard MACs (exact)."""
        return Fraction(self.separable.cost.macs, self.standard.cost.macs)

    @property
    def closed_form_ratio(self) -> Fraction:
        """1/N + 1/Dk^2 (1/N + 1/(kh*kw) for rectangular kernels)."""
        return Fraction(1, self.geom.cout) + Fraction(1, prod(self.geom.kernel))

    @property
    def depthwise_share(self) -> Fraction:
        return Fraction(self.depthwise.cost.macs, self.separable.cost.macs)


def make_conv_geom(kernel: Shape, cin: int, cout: int, in_spatial: Shape, stride: Shape, dilation: Shape, padding: str | Shape, groups: int = 1, bias: bool = False, batch: int = 1) -> ConvGeom:
    """Resolve padding ('same' | 'valid' | per-axis ints, symmetric) and the output size.
    ValueError names the problem when the kernel does not fit or channels do not divide."""
    n = len(kernel)
    if cin % groups or cout % groups:
        raise ValueError(f"channels {cin} -> {cout} are not divisible by groups={groups}")
    if padding == "same":
        pairs = [same_pads(in_spatial[i], kernel[i], stride[i], dilation[i]) for i in range(n)]
    elif padding == "valid":
        pairs = [(0, 0)] * n
    else:
        pairs = [(p, p) for p in padding]
    pads = tuple(p[0] for p in pairs) + tuple(p[1] for p in pairs)
    out = tuple(conv_out_size(in_spatial[i], kernel[i], stride[i], dilation[i], *pairs[i]) for i in range(n))
    if min(out) <= 0:
        raise ValueError(
            f"kernel {'x'.join(map(str, kernel))} (dilation {'x'.join(map(str, dilation))}) is larger than the padded input "
            f"{'x'.join(str(in_spatial[i] + pairs[i][0] + pairs[i][1]) for i in range(n))}"
        )
    return ConvGeom(tuple(kernel), cin, cout, groups, tuple(stride), tuple(dilation), pads, tuple(in_spatial), out, bias, batch)


def _x(shape: Shape) -> str:
    return "x".join(map(str, shape))


def _sq(shape: Shape, sym: str) -> tuple[str, str]:
    """('Dk^2', '3^2') for a square shape, ('Dk_h*Dk_w', '3*5') otherwise."""
    if len(set(shape)) == 1:
        return (f"{sym}^{len(shape)}" if len(shape) > 1 else sym), (f"{shape[0]}^{len(shape)}" if len(shape) > 1 else str(shape[0]))
    return "*".join(f"{sym}{i}" for i in range(len(shape))), "*".join(map(str, shape))


def compare(g: ConvGeom) -> Comparison:
    """Standard conv ``g`` against its depthwise, pointwise, separable and spatially
    factorized separable (Dk x 1 then 1 x Dk depthwise, then pointwise) replacements."""
    m, n = g.cin, g.cout
    ks, kn = _sq(g.kernel, "Dk")
    fs, fn = _sq(g.out_spatial, "DF")
    dwg, pwg = depthwise_geom(g), pointwise_geom(g)
    std, dw, pw = conv_cost(g), conv_cost(dwg), conv_cost(pwg)
    out = (n, *g.out_spatial)
    standard = Variant("standard", std, out, f"{ks}*M*N*{fs}", f"{kn}*{m}*{n}*{fn} = {std.macs:,}")
    depthwise = Variant("depthwise", dw, (m, *g.out_spatial), f"{ks}*M*{fs}", f"{kn}*{m}*{fn} = {dw.macs:,}")
    pointwise = Variant("pointwise", pw, out, f"M*N*{fs}", f"{m}*{n}*{fn} = {pw.macs:,}")
    sep = dw + pw
    separable = Variant("separable", sep, out, f"{ks}*M*{fs} + M*N*{fs}", f"{dw.macs:,} + {pw.macs:,} = {sep.macs:,}")
    # Spatial factorization of the depthwise kernel: one 1-D depthwise conv per
    # axis, each applying that axis's kernel, stride, dilation and padding.
    cost = Cost()
    spatial = list(g.in_spatial)
    rank = len(g.kernel)
    parts: list[tuple[str, str, int]] = []
    for axis in range(rank):
        k = tuple(g.kernel[i] if i == axis else 1 for i in range(rank))
        s = tuple(g.stride[i] if i == axis else 1 for i in range(rank))
        d = tuple(g.dilation[i] if i == axis else 1 for i in range(rank))
        pads = tuple(g.pads[i] if i == axis else 0 for i in range(rank)) + tuple(g.pads[rank + i] if i == axis else 0 for i in range(rank))
        new = list(spatial)
        new[axis] = g.out_spatial[axis]
        part = conv_cost(ConvGeom(k, m, m, m, s, d, pads, tuple(spatial), tuple(new), False, g.batch))
        parts.append((f"Dk{axis}*M*grid{axis}", f"{g.kernel[axis]}*{m}*{_x(new)}", part.macs))
        cost = cost + part
        spatial = new
    cost = cost + pw
    spatial_separable = Variant(
        "spatial_separable",
        cost,
        out,
        " + ".join(p[0] for p in parts) + f" + M*N*{fs}",
        " + ".join(p[1] for p in parts) + f" + {m}*{n}*{fn} = " + " + ".join(f"{p[2]:,}" for p in parts) + f" + {pw.macs:,} = {cost.macs:,}",
    )
    return Comparison(g, standard, depthwise, pointwise, separable, spatial_separable)


# --------------------------------------------------------------------------
# MobileNet global hyper-parameters


def scale_channels(channels: int, alpha: float) -> int:
    """Width multiplier: floor(alpha * channels), at least 1 (the paper's alpha*M, alpha*N)."""
    return max(1, int(channels * alpha + 1e-9))

