"""TFLite's STABLEHLO_* ops (dscost/readers/tflite_stablehlo.py): small flatbuffers built with the
test builder (tests/tflite_models.py, its ``options2``), hand-derived counts, each checked against
the TFLite op that does the same work where there is one.  LiteRT's interpreter runs a few of
these ops (add, multiply, pad, reduce_window): their output shapes are checked by running it.
"""

from __future__ import annotations

import pytest

pytest.importorskip("tflite")

import tflite_models as tm  # noqa: E402
from tflite.BuiltinOperator import BuiltinOperator as OP  # noqa: E402
from tflite.BuiltinOptions import BuiltinOptions as OPTS  # noqa: E402
from tflite.BuiltinOptions2 import BuiltinOptions2 as O2  # noqa: E402

from dscost import cost  # noqa: E402
from dscost.errors import InputError  # noqa: E402
from dscost.layers import ACTIVATION, ADD, CONV_TRANSPOSE, DEPTHWISE, ELEMENTWISE, FC, GLOBAL_POOL, MATMUL, POINTWISE, POOL, RECURRENT, SHAPE, STANDARD, Cost  # noqa: E402
from dscost.readers import load  # noqa: E402

NHWC = dict(InputBatchDimension=0, InputFeatureDimension=3, InputSpatialDimensions=[1, 2], KernelInputFeatureDimension=2,
            KernelOutputFeatureDimension=3, KernelSpatialDimensions=[0, 1], OutputBatchDimension=0, OutputFeatureDimension=3,
            OutputSpatialDimensions=[1, 2])  # fmt: skip  (what TensorFlow's converter writes: NHWC input, HWIO kernel)
NCHW = dict(InputBatchDimension=0, InputFeatureDimension=1, InputSpatialDimensions=[2, 3], KernelInputFeatureDimension=1,
            KernelOutputFeatureDimension=0, KernelSpatialDimensions=[2, 3], OutputBatchDimension=0, OutputFeatureDimension=1,
            OutputSpatialDimensions=[2, 3])  # fmt: skip  (PyTorch's: NCHW input, OIHW kernel)


def _read(net: tm.Net, tmp_path, name: str = "model"):
    return load(net.save(tmp_path / f"{name}.tflite"))


def _by_name(model):
    return {layer.name: layer for layer in model.layers}


def _conv(n: tm.Net, x: int, kernel: tuple, out: tuple, name: str, dims=NHWC, stride=(1, 1), pad=(1, 1, 1, 1), groups: int = 1,
          lhs=(1, 1), rhs=(1, 1), **extra) -> int:  # fmt: skip
    w, y = n.const(f"{name}/kernel", kernel), n.tensor(name, out)
    opts = dict(WindowStrides=list(stride), Padding=list(pad), LhsDilation=list(lhs), RhsDilation=list(rhs), FeatureGroupCount=groups,
                BatchGroupCount=1, **dims, **extra)  # fmt: skip
    n.op(OP.STABLEHLO_CONVOLUTION, [x, w], [y], options2=(O2.StablehloConvolutionOptions, opts))
    return y


def _binary(n: tm.Net, code: int, a: int, b: int, name: str) -> int:
    y = n.tensor(name, n.shape(a))
    n.op(code, [a, b], [y])
    return y


def _body(n: tm.Net, code: int) -> None:
    """A reduction's body: one scalar op of its two arguments."""
    body = n.body()
    a, b = body.input("a", ()), body.input("b", ())
    body.output(_binary(body, code, a, b, "r"))


def _broadcast(n: tm.Net, c: int, shape: tuple, dims: list, name: str) -> int:
    y = n.tensor(name, shape)
    n.op(OP.STABLEHLO_BROADCAST_IN_DIM, [c], [y], options2=(O2.StablehloBroadcastInDimOptions, {"BroadcastDimensions": dims}))
    return y


# --------------------------------------------------------------------------
# Convolution


@pytest.mark.parametrize("layout", ["NHWC", "NCHW"])
def test_a_convolution_is_conv_2d(tmp_path, layout):
    """A 3x3 conv 8 -> 16 on 16x16, SAME: 9*8*16*16*16 = 294,912 MACs and 1,152 weights, as
    CONV_2D's count of the same conv (without its bias, which StableHLO adds after); in either
    layout, which the dimension numbers give."""
    n = tm.Net()
    if layout == "NHWC":
        _conv(n, n.input("x", (1, 16, 16, 8)), (3, 3, 8, 16), (1, 16, 16, 16), "conv")
    else:
        _conv(n, n.input("x", (1, 8, 16, 16)), (16, 8, 3, 3), (1, 16, 16, 16), "conv", dims=NCHW)
    (conv,) = _read(n, tmp_path).layers
    ref = tm.Net()
    ref.conv(ref.input("x", (1, 16, 16, 8)), 16, 3, bias=False)
    (twin,) = _read(ref, tmp_path, "ref").layers
    assert (conv.type, conv.op, conv.kernel) == (STANDARD, "STABLEHLO_CONVOLUTION", (3, 3))
    assert conv.cost == twin.cost == Cost(macs=294_912, weights=1_152)
    assert conv.conv == twin.conv
    # the what-if: dw 3x3 (9*8*256) + pw 8 -> 16 (8*16*256) = 18,432 + 32,768 MACs
    assert cost.analyze(load(tmp_path / "model.tflite")).what_if["conv"].separable_macs == 51_200
    nchw = "shapes as stored in the file: channels first (NCHW), as its StableHLO convolutions' dimension numbers say"
    assert (nchw in load(tmp_path / "model.tflite").notes) == (layout == "NCHW")


def test_strides_padding_and_rhs_dilation(tmp_path):
    """Stride 2 with TF's SAME padding of 16 (0 before, 1 after: [lo, hi] per axis) -> 8x8:
    9*8*16*64 = 73,728 MACs; a dilated 3x3 (rhs_dilation 2, padding 2) keeps 16x16."""
    n = tm.Net()
    x = n.input("x", (1, 16, 16, 8))
    _conv(n, x, (3, 3, 8, 16), (1, 8, 8, 16), "s2", stride=(2, 2), pad=(0, 1, 0, 1))
    _conv(n, x, (3, 3, 8, 16), (1, 16, 16, 16), "d2", pad=(2, 2, 2, 2), rhs=(2, 2))
    s2, d2 = _read(n, tmp_path).layers
    assert s2.cost.macs == 73_728 and (s2.conv.stride, s2.conv.pads) == ((2, 2), (0, 0, 1, 1))
    assert d2.cost.macs == 294_912 and d2.conv.dilation == (2, 2)


def test_depthwise_clamp_pointwise_is_a_separable_block(tmp_path):
    """feature_group_count = the input's 16 channels: depthwise, 9*16*16*16 = 36,864 MACs, as
    DEPTHWISE_CONV_2D; then a CLAMP (ReLU6: an activation) and a 1x1 conv 16 -> 32 (131,072 MACs):
    one dw+pw block, made standard a 3x3 16 -> 32, 9*16*32*256 = 1,179,648 MACs."""
    n = tm.Net()
    x = n.input("x", (1, 16, 16, 16))
    d = _conv(n, x, (3, 3, 1, 16), (1, 16, 16, 16), "dw", groups=16)
    lo, hi, r = n.const("zero", ()), n.const("six", ()), n.tensor("relu6", (1, 16, 16, 16))
    n.op(OP.STABLEHLO_CLAMP, [lo, d, hi], [r])
    _conv(n, r, (1, 1, 16, 32), (1, 16, 16, 32), "pw", pad=(0, 0, 0, 0))
    m = _read(n, tmp_path)
    dw, relu6, pw = m.layers
    assert (dw.type, dw.cost) == (DEPTHWISE, Cost(macs=36_864, weights=144))
    assert (relu6.type, relu6.inputs, relu6.cost) == (ACTIVATION, ("dw",), Cost(other_ops=4_096))
    assert (pw.type, pw.cost.macs) == (POINTWISE, 16 * 32 * 256)
    a = cost.analyze(m)
    assert a.blocks == [cost.Block("dw", ("relu6",), "pw")]
    assert a.all_standard.macs == 1_179_648


def test_lhs_dilation_is_a_transposed_conv(tmp_path):
    """A 2x upsampling conv_transpose 3x3 8 -> 4 on 8x8 written as StableHLO writes it: the input
    dilated by 2, padded 1 before and 2 after -> 16x16.  As TRANSPOSE_CONV: every input pixel
    times the kernel, 64*9*8*4 = 18,432 MACs (not the zeros of the dilated input)."""
    n = tm.Net()
    _conv(n, n.input("x", (1, 8, 8, 8)), (3, 3, 8, 4), (1, 16, 16, 4), "up", pad=(1, 2, 1, 2), lhs=(2, 2))
    (up,) = _read(n, tmp_path).layers
    assert (up.type, up.cost) == (CONV_TRANSPOSE, Cost(macs=18_432, weights=288))
    assert cost.conv_transpose_cost((3, 3), 8, 4, 1, (8, 8), (16, 16), False).macs == 18_432


@pytest.mark.parametrize(("change", "why"), [
    ({"options2": None}, "without its options table"),
    ({"FeatureGroupCount": 3}, "input has 8 channels, the kernel 8 per group of 3"),
    ({"InputSpatialDimensions": [1, 1]}, "are not the axes of"),
    ({"WindowStrides": [0, 1]}, "must be >= 1"),
    ({"WindowStrides": [1, 1, 1]}, "does not have 2 entries"),
    ({"BatchGroupCount": 2}, "batch_group_count 2"),
    ({"Padding": [0, 0, 0, 0]}, "disagrees with"),
])  # fmt: skip
def test_missing_or_garbage_options_are_uncounted_saying_why(tmp_path, change, why):
    n = tm.Net()
    _conv(n, n.input("x", (1, 16, 16, 8)), (3, 3, 8, 16), (1, 16, 16, 16), "conv")
    op = n.ops[0]
    if "options2" in change:
        op.options2 = None
    else:
        op.options2[1].update(change)
    m = _read(n, tmp_path)
    assert not m.layers and [(u.op, u.params) for u in m.uncounted] == [("STABLEHLO_CONVOLUTION", 0)]
    assert why in m.uncounted[0].reason


def test_hostile_options_are_one_input_error(tmp_path):
    """An options vector longer than any rank (here 300 strides) is refused with one line; a
    truncated file too, wherever it is cut."""
    n = tm.Net()
    _conv(n, n.input("x", (1, 16, 16, 8)), (3, 3, 8, 16), (1, 16, 16, 16), "conv", stride=[1] * 300)
    with pytest.raises(InputError) as err:
        _read(n, tmp_path, "bad")
    assert "\n" not in str(err.value) and "operator 0 (STABLEHLO_CONVOLUTION) StablehloConvolutionOptions: WindowStrides has 300 entries" in str(err.value)
    good = tm.Net()
    _conv(good, good.input("x", (1, 16, 16, 8)), (3, 3, 8, 16), (1, 16, 16, 16), "conv")
    data = good.build()
    for cut in range(8, len(data) - 1, 7):
        (tmp_path / "cut.tflite").write_bytes(data[:cut])
        with pytest.raises(InputError) as err:
            load(tmp_path / "cut.tflite")
        assert "\n" not in str(err.value)


# --------------------------------------------------------------------------
# dot_general


def test_dot_general_with_batch_dimensions(tmp_path):
    """Attention scores: q (2, 4, 8, 16) . k (2, 4, 10, 16), batch dims [0, 1], contracting [3]:
    8 heads x 8 x 10 x 16 = 10,240 MACs, as BATCH_MATMUL of (2, 4, 8, 16) by (2, 4, 16, 10)."""
    n = tm.Net()
    q, k = n.input("q", (2, 4, 8, 16)), n.input("k", (2, 4, 10, 16))
    y = n.tensor("scores", (2, 4, 8, 10))
    n.op(OP.STABLEHLO_DOT_GENERAL, [q, k], [y], options2=(O2.StablehloDotGeneralOptions, {
        "LhsBatchingDimensions": [0, 1], "RhsBatchingDimensions": [0, 1], "LhsContractingDimensions": [3], "RhsContractingDimensions": [3]}))  # fmt: skip
    (s,) = _read(n, tmp_path).layers
    assert (s.type, s.cost, s.inputs) == (MATMUL, Cost(macs=10_240), ("q", "k"))
    ref = tm.Net()
    a, b, z = ref.input("q", (2, 4, 8, 16)), ref.input("kt", (2, 4, 16, 10)), ref.tensor("z", (2, 4, 8, 10))
    ref.op(OP.BATCH_MATMUL, [a, b], [z], (OPTS.BatchMatMulOptions, {"AdjX": False, "AdjY": False}))
    assert _read(ref, tmp_path, "ref").layers[0].cost == s.cost


def test_dot_general_with_a_constant_rhs_is_a_linear_layer(tmp_path):
    """x (3, 64) . W (64, 10) contracting [1] / [0]: a linear layer, 3*64*10 = 1,920 MACs, 640
    weights, as FULLY_CONNECTED; rhs (10, 64) contracting its [1] is the same layer."""
    for w_shape, rc in (((64, 10), 0), ((10, 64), 1)):
        n = tm.Net()
        x, w, y = n.input("x", (3, 64)), n.const("w", w_shape), n.tensor("y", (3, 10))
        n.op(OP.STABLEHLO_DOT_GENERAL, [x, w], [y], options2=(O2.StablehloDotGeneralOptions, {
            "LhsContractingDimensions": [1], "RhsContractingDimensions": [rc]}))  # fmt: skip
        (fc,) = _read(n, tmp_path).layers
        assert (fc.type, fc.cost) == (FC, Cost(macs=1_920, weights=640))
    n.ops[0].options2[1]["RhsContractingDimensions"] = [0]  # 64 against 10
    assert "disagree on their batch or contracted sizes" in _read(n, tmp_path).uncounted[0].reason


# --------------------------------------------------------------------------
# Element-wise, data movement, reductions


def test_a_broadcast_bias_counts_as_biases_and_an_average_pool_divisor_does_not(tmp_path):
    """What TensorFlow's converter writes (EXPERIMENTAL_STABLEHLO_OPS): conv, bias (16,) broadcast
    then added (16 biases, 1,024 adds), a scale broadcast then multiplied (16 weights), a
    multiply by a constant of the output's shape (an untrained BatchNorm's scale: a splat the
    converter broadcast; no weights), a 2x2
    average pool as reduce_window(add) (4 adds per output: 1,024) divided by a constant of the
    output's shape (256 divides, no weights), then tanh, exp, rsqrt (one op per element each)."""
    n = tm.Net()
    c = _conv(n, n.input("x", (1, 8, 8, 8)), (3, 3, 8, 16), (1, 8, 8, 16), "conv")
    b = _binary(n, OP.STABLEHLO_ADD, c, _broadcast(n, n.const("bias", (16,)), (1, 8, 8, 16), [3], "bias_b"), "biased")
    s = _binary(n, OP.STABLEHLO_MULTIPLY, b, _broadcast(n, n.const("scale", (16,)), (1, 8, 8, 16), [3], "scale_b"), "scaled")
    s = _binary(n, OP.STABLEHLO_MULTIPLY, s, n.const("splat", (1, 8, 8, 16)), "bn")  # a folded broadcast: no weights
    _body(n, OP.STABLEHLO_ADD)
    p = n.tensor("sum", (1, 4, 4, 16))
    n.op(OP.STABLEHLO_REDUCE_WINDOW, [s, n.const("zero", ())], [p], options2=(O2.StablehloReduceWindowOptions, {
        "WindowDimensions": [1, 2, 2, 1], "WindowStrides": [1, 2, 2, 1], "BodySubgraphIndex": 1}))  # fmt: skip
    avg = _binary(n, OP.STABLEHLO_DIVIDE, p, n.const("count", (1, 4, 4, 16)), "avg")
    t = n.unary(OP.STABLEHLO_TANH, avg, "tanh")
    n.unary(OP.STABLEHLO_RSQRT, n.unary(OP.STABLEHLO_EXPONENTIAL, t, "exp"), "rsqrt")
    m = _read(n, tmp_path)
    layers = _by_name(m)
    assert "1 subgraph(s) of StableHLO reductions, scatters and composites (their bodies, decompositions): counted in those ops" in m.notes
    assert (layers["biased"].type, layers["biased"].cost) == (ADD, Cost(other_ops=1_024, biases=16))
    assert layers["scaled"].cost == Cost(other_ops=1_024, weights=16)
    assert layers["bn"].cost == Cost(other_ops=1_024) and "a folded broadcast, not params" in layers["bn"].note
    assert (layers["sum"].type, layers["sum"].kernel, layers["sum"].cost) == (POOL, (2, 2), Cost(other_ops=1_024))
    assert (layers["avg"].type, layers["avg"].cost) == (ELEMENTWISE, Cost(other_ops=256))
    assert layers["tanh"].type == ACTIVATION and [layers[k].cost.other_ops for k in ("tanh", "exp", "rsqrt")] == [256] * 3
    assert layers["bias_b"].type == SHAPE
    # the same pool as AVERAGE_POOL_2D: 4 per output element (StableHLO adds the divide)
    ref = tm.Net()
    ref.pool(ref.input("x", (1, 8, 8, 16)), 2, 2)
    assert _read(ref, tmp_path, "ref").layers[0].cost == layers["sum"].cost


def test_reduce_mean_max_and_softmax(tmp_path):
    """reduce(add) over H, W of (1, 4, 4, 16), divided by a constant: a mean, a global pool, one op
    per input element (256); reduce(max): another; a reduce whose body has 2 ops costs 2 per element."""
    n = tm.Net()
    x = n.input("x", (1, 4, 4, 16))
    _body(n, OP.STABLEHLO_ADD)
    _body(n, OP.STABLEHLO_MAXIMUM)
    two = n.body()
    a, b = two.input("a", ()), two.input("b", ())
    two.output(_binary(two, OP.STABLEHLO_MULTIPLY, _binary(two, OP.STABLEHLO_ADD, a, b, "s"), a, "r"))
    outs = []
    for body, name in ((1, "sum"), (2, "max"), (3, "odd")):
        y = n.tensor(name, (1, 16))
        n.op(OP.STABLEHLO_REDUCE, [x, n.const(f"{name}/init", ())], [y], options2=(O2.StablehloReduceOptions, {"Dimensions": [1, 2], "BodySubgraphIndex": body}))
        outs.append(y)
    _binary(n, OP.STABLEHLO_DIVIDE, outs[0], n.const("count", (1, 16)), "mean")
    layers = _by_name(_read(n, tmp_path))
    assert [(layers[k].type, layers[k].cost.other_ops) for k in ("sum", "max", "odd", "mean")] == [
        (GLOBAL_POOL, 256), (GLOBAL_POOL, 256), (ELEMENTWISE, 512), (ELEMENTWISE, 16)]  # fmt: skip
    assert layers["mean"].cost.params == 0 and layers["sum"].note == "add"


def test_data_movement_is_shape_only(tmp_path):
    """Reshape, transpose, slice, pad, concatenate, iota, convert: zero cost, the file's output
    shapes; a gather of a learned table at computed ids is an embedding (its weights)."""
    n = tm.Net()
    x = n.input("x", (1, 4, 4, 8))
    ids = n.input("ids", (5,), tm.INT32)
    t = n.tensor("t", (1, 8, 4, 4))
    n.op(OP.STABLEHLO_TRANSPOSE, [x], [t], options2=(O2.StablehloTransposeOptions, {"Permutation": [0, 3, 1, 2]}))
    r = n.unary(OP.STABLEHLO_RESHAPE, t, "r", shape=(1, 128))
    s = n.tensor("s", (1, 64))
    n.op(OP.STABLEHLO_SLICE, [r], [s], options2=(O2.StablehloSliceOptions, {"StartIndices": [0, 0], "LimitIndices": [1, 64], "Strides": [1, 1]}))
    p = n.tensor("p", (1, 66))
    n.op(OP.STABLEHLO_PAD, [s, n.const("pv", ())], [p], options2=(O2.StablehloPadOptions, {"EdgePaddingLow": [0, 1], "EdgePaddingHigh": [0, 1], "InteriorPadding": [0, 0]}))
    io = n.tensor("io", (1, 66))
    n.op(OP.STABLEHLO_IOTA, [], [io], options2=(O2.StablehloIotaOptions, {"IotaDimension": 1}))
    c = n.tensor("c", (2, 66))
    n.op(OP.STABLEHLO_CONCATENATE, [p, io], [c], options2=(O2.StablehloConcatenateOptions, {"Dimension": 0}))
    n.unary(OP.STABLEHLO_CONVERT, c, "half")
    e = n.tensor("emb", (5, 32))
    n.op(OP.STABLEHLO_GATHER, [n.const("table", (100, 32)), ids], [e], options2=(O2.StablehloGatherOptions, {"SliceSizes": [1, 32]}))
    m = _read(n, tmp_path)
    layers = _by_name(m)
    assert not m.uncounted and all(layer.cost.macs == layer.cost.other_ops == 0 for layer in m.layers)
    assert [layers[k].output_shape for k in ("t", "r", "s", "p", "io", "c")] == [(1, 8, 4, 4), (1, 128), (1, 64), (1, 66), (1, 66), (2, 66)]
    assert layers["c"].inputs == ("p", "io") and layers["io"].inputs == ()
    assert (layers["emb"].cost, layers["emb"].inputs) == (Cost(weights=3_200), ("ids",))


def test_scatter_rng_sort_and_custom_call(tmp_path):
    """A scatter-add costs one add per update element (5 x 8 = 40); a plain scatter (a body that
    returns the update) is a copy.  rng_bit_generator: one op per generated element.  SORT and
    CUSTOM_CALL are uncounted, saying why (the call's target named)."""
    n = tm.Net()
    x, idx, upd = n.input("x", (10, 8)), n.input("idx", (5, 1), tm.INT32), n.input("upd", (5, 8))
    _body(n, OP.STABLEHLO_ADD)
    copy = n.body()
    copy.input("a", ())
    copy.output(copy.input("b", ()))
    for body, name in ((1, "scatter_add"), (2, "scatter")):
        y = n.tensor(name, (10, 8))
        n.op(OP.STABLEHLO_SCATTER, [x, idx, upd], [y], options2=(O2.StablehloScatterOptions, {"UpdateComputationSubgraphIndex": body}))
    state, bits = n.tensor("state2", (2,), tm.TensorType.UINT64), n.tensor("bits", (4, 8), tm.TensorType.UINT32)
    n.op(OP.STABLEHLO_RNG_BIT_GENERATOR, [n.input("state", (2,), tm.TensorType.UINT64)], [state, bits],
         options2=(O2.StablehloRngBitGeneratorOptions, {"Algorithm": 0}))  # fmt: skip
    n.op(OP.STABLEHLO_SORT, [upd], [n.tensor("sorted", (5, 8))], options2=(O2.StablehloSortOptions, {"Dimension": 1}))
    n.op(OP.STABLEHLO_CUSTOM_CALL, [upd], [n.tensor("called", (5, 8))], options2=(O2.StablehloCustomCallOptions, {"CallTargetName": "my_kernel"}))
    m = _read(n, tmp_path)
    layers = _by_name(m)
    assert (layers["scatter_add"].cost, layers["scatter_add"].inputs) == (Cost(other_ops=40), ("x", "upd"))
    assert layers["scatter"].type == SHAPE and layers["scatter"].cost == Cost()
    assert layers["state2"].cost == Cost(other_ops=32)
    reasons = {u.op: u.reason for u in m.uncounted}
    assert "depend on the sort algorithm" in reasons["STABLEHLO_SORT"]
    assert "STABLEHLO_CUSTOM_CALL to 'my_kernel'" in reasons["STABLEHLO_CUSTOM_CALL"]


# --------------------------------------------------------------------------
# Composite and while: their subgraphs


def test_a_composite_counts_its_decomposition(tmp_path):
    """odml.linear(x, W, b): its decomposition is a dot_general (x (4, 32) . W (32, 8), a linear
    layer: 1,024 MACs, 256 weights, W being the constant the composite is given) and a bias add
    (32 adds; b a constant of the decomposition itself: 8 biases).  A composite within it counts too."""
    n = tm.Net()
    x = n.input("x", (4, 32))
    dec = n.body()
    a, w = dec.input("a", (4, 32)), dec.input("w", (32, 8))
    d = dec.tensor("d", (4, 8))
    dec.op(OP.STABLEHLO_DOT_GENERAL, [a, w], [d], options2=(O2.StablehloDotGeneralOptions, {"LhsContractingDimensions": [1], "RhsContractingDimensions": [0]}))
    dec.output(_binary(dec, OP.STABLEHLO_ADD, d, dec.const("b", (4, 8)), "y"))
    y = n.tensor("y", (4, 8))
    opts = (O2.StableHLOCompositeOptions, {"Name": "odml.linear", "DecompositionSubgraphIndex": 1, "Version": 1})
    n.op(OP.STABLEHLO_COMPOSITE, [x, n.const("W", (32, 8))], [y], options2=opts)
    m = _read(n, tmp_path)
    (layer,) = m.layers
    assert (layer.op, layer.type, layer.cost) == ("STABLEHLO_COMPOSITE", FC, Cost(macs=1_024, other_ops=32, weights=256, biases=32))
    assert layer.note == "composite 'odml.linear': the 2 ops of subgraph 'body1'" and layer.inputs == ("x",)
    # nested: an outer composite whose decomposition calls odml.linear
    outer = n.body()
    ox = outer.input("x", (4, 32))
    oy = outer.tensor("y", (4, 8))
    outer.op(OP.STABLEHLO_COMPOSITE, [ox, outer.const("W", (32, 8))], [oy], options2=opts)
    outer.output(oy)
    n.ops[0].options2 = (O2.StableHLOCompositeOptions, {"Name": "outer", "DecompositionSubgraphIndex": 2, "Version": 1})
    n.ops[0].inputs = [x]
    assert _read(n, tmp_path).layers[0].cost == layer.cost
    # one that calls the main graph: uncounted, saying so; a subgraph that is not there: an invalid file
    n.ops[0].options2[1]["DecompositionSubgraphIndex"] = 0
    assert "subgraph 0 is not in the file" in _read(n, tmp_path).uncounted[0].reason
    n.ops[0].options2[1]["DecompositionSubgraphIndex"] = 9
    with pytest.raises(InputError, match="operator 0 .STABLEHLO_COMPOSITE.: its DecompositionSubgraphIndex is 9, but the file has 3 subgraphs"):
        _read(n, tmp_path)
    outer.ops[0].options2 = (O2.StableHLOCompositeOptions, {"Name": "loop", "DecompositionSubgraphIndex": 2})
    outer.ops[0].inputs = [ox]
    n.ops[0].options2[1]["DecompositionSubgraphIndex"] = 2
    assert "nested more than 16 deep" in _read(n, tmp_path).uncounted[0].reason


def test_a_stablehlo_while_with_a_counter_is_its_body_times_the_steps(tmp_path):
    """while (i < 8) { i = i + 1; h = tanh(h . W) }: compare LT (direction 5) with a constant,
    the body adding 1: 8 steps of 12 x 12 = 144 MACs, 12 tanh and 1 add each; W counted once."""
    n = tm.Net()
    cond, body = n.body(), n.body()
    i32 = lambda net, name, v: net.const(name, (), tm.INT32, quantized=False, data=int(v).to_bytes(4, "little", signed=True))  # noqa: E731
    ci, _ = cond.input("i", (), tm.INT32), cond.input("h", (1, 12))
    ok = cond.tensor("ok", (), tm.BOOL)
    cond.op(OP.STABLEHLO_COMPARE, [ci, i32(cond, "limit", 8)], [ok], options2=(O2.StablehloCompareOptions, {"ComparisonDirection": 5}))
    cond.output(ok)
    bi, bh = body.input("i", (), tm.INT32), body.input("h", (1, 12))
    i2 = _binary(body, OP.STABLEHLO_ADD, bi, i32(body, "one", 1), "i2")
    d = body.tensor("d", (1, 12))
    body.op(OP.STABLEHLO_DOT_GENERAL, [bh, body.const("W", (12, 12))], [d],
            options2=(O2.StablehloDotGeneralOptions, {"LhsContractingDimensions": [1], "RhsContractingDimensions": [0]}))  # fmt: skip
    body.output(i2)
    body.output(body.unary(OP.STABLEHLO_TANH, d, "h2"))
    outs = [n.tensor("i_out", (), tm.INT32), n.tensor("h_out", (1, 12))]
    n.op(OP.STABLEHLO_WHILE, [i32(n, "start", 0), n.input("h0", (1, 12))], outs, options2=(O2.StablehloWhileOptions, {"CondSubgraphIndex": 1, "BodySubgraphIndex": 2}))
    n.output(outs[1])
    m = _read(n, tmp_path)
    (loop,) = m.layers
    assert (loop.op, loop.type, loop.cost) == ("STABLEHLO_WHILE", RECURRENT, Cost(macs=144 * 8, other_ops=13 * 8, weights=144))
    cond.ops[0].options2[1]["ComparisonDirection"] = 0  # EQ: not a counter's bound
    m = _read(n, tmp_path)
    assert not m.layers and [(u.op, u.params) for u in m.uncounted] == [("STABLEHLO_WHILE", 144)]


# --------------------------------------------------------------------------
# LiteRT's interpreter runs some StableHLO ops: the shapes the file declares are the ones it makes


def test_the_interpreter_makes_the_declared_shapes(tmp_path):
    """pad -> add -> multiply -> reduce_window(max) run by LiteRT (skipped without it, or when its
    version has no kernel for one of them): each output has the file's shape, which dscost counts."""
    interpreter = pytest.importorskip("ai_edge_litert.interpreter")
    import numpy as np

    n = tm.Net()
    x = n.input("x", (1, 6, 6, 8))
    p = n.tensor("p", (1, 8, 8, 8))
    n.op(OP.STABLEHLO_PAD, [x, n.const("pv", ())], [p], options2=(O2.StablehloPadOptions, {"EdgePaddingLow": [0, 1, 1, 0], "EdgePaddingHigh": [0, 1, 1, 0], "InteriorPadding": [0, 0, 0, 0]}))
    s = _binary(n, OP.STABLEHLO_MULTIPLY, _binary(n, OP.STABLEHLO_ADD, p, p, "a"), p, "m")
    _body(n, OP.STABLEHLO_MAXIMUM)
    y = n.tensor("pool", (1, 3, 3, 8))
    n.op(OP.STABLEHLO_REDUCE_WINDOW, [s, n.const("init", ())], [y], options2=(O2.StablehloReduceWindowOptions, {
        "WindowDimensions": [1, 3, 3, 1], "WindowStrides": [1, 2, 2, 1], "BaseDilations": [1, 1, 1, 1], "WindowDilations": [1, 1, 1, 1],
        "Padding": [0] * 8, "BodySubgraphIndex": 1}))  # fmt: skip
    for t in (p, s, y):
        n.output(t)
    path = n.save(tmp_path / "run.tflite")
    try:
        it = interpreter.Interpreter(str(path))
        it.allocate_tensors()
        it.set_tensor(it.get_input_details()[0]["index"], np.ones((1, 6, 6, 8), np.float32))
        it.invoke()
    except (RuntimeError, ValueError) as err:  # (an older LiteRT without these kernels)
        pytest.skip(f"this LiteRT does not run these StableHLO ops: {(str(err).splitlines() or [''])[0]}")
    ran = [tuple(int(d) for d in it.get_tensor(o["index"]).shape) for o in it.get_output_details()]
    layers = _by_name(load(path))
    assert ran == [layers[k].output_shape for k in ("p", "m", "pool")] == [(1, 8, 8, 8), (1, 8, 8, 8), (1, 3, 3, 8)]
    assert layers["pool"].cost == Cost(other_ops=9 * 72)  # 3x3 window per output element


def test_every_stablehlo_op_of_the_schema_is_counted_or_says_why():
    """The 45 STABLEHLO_* builtins of the tflite schema: a handler, WHILE's loop, or a reason."""
    from tflite.utils import BUILTIN_OPCODE2NAME

    from dscost.readers import tflite_stablehlo
    from dscost.readers.tflite_file import CONTROL_FLOW
    from dscost.readers.tflite_ops import HANDLERS

    ops = [name for name in BUILTIN_OPCODE2NAME.values() if name.startswith("STABLEHLO_")]
    assert len(ops) >= 45
    fake = lambda name: type("Op", (), {"opname": name, "options": {}})  # noqa: E731
    left = [op for op in ops if op not in HANDLERS and op not in CONTROL_FLOW and tflite_stablehlo.no_handler_reason(fake(op)) is None]
    assert left == []


def test_composites_calling_composites_many_times_stay_linear(tmp_path):
    """15 levels, each calling the next 8 times (8^14 runs of the innermost, were each counted
    again): each subgraph is counted once per way it is called, in a moment; 8^15 x 4 adds."""
    n = tm.Net()
    x = n.input("x", (1, 4))
    opts = lambda s: (O2.StableHLOCompositeOptions, {"Name": f"level{s}", "DecompositionSubgraphIndex": s})  # noqa: E731
    levels = 15
    for s in range(1, levels + 1):
        g = n.body()
        a = g.input("a", (1, 4))
        for j in range(8):
            y = g.tensor(f"y{j}", (1, 4))
            if s < levels:
                g.op(OP.STABLEHLO_COMPOSITE, [a], [y], options2=opts(s + 1))
            else:
                g.op(OP.STABLEHLO_ADD, [a, a], [y])
        g.output(y)
    y = n.tensor("y", (1, 4))
    n.op(OP.STABLEHLO_COMPOSITE, [x], [y], options2=opts(1))
    (layer,) = _read(n, tmp_path).layers
    assert layer.cost == Cost(other_ops=4 * 8**levels)


def test_corrupted_bytes_never_crash(tmp_path):
    """Any single corrupted byte of a StableHLO file's tables (options_2, bodies, a composite's
    decomposition) gives a Model or a one-line InputError, never a traceback or a hang."""
    n = tm.Net()
    c = _conv(n, n.input("x", (1, 4, 4, 2)), (3, 3, 2, 2), (1, 4, 4, 2), "conv")
    _body(n, OP.STABLEHLO_MAXIMUM)
    p = n.tensor("pool", (1, 2, 2, 2))
    n.op(OP.STABLEHLO_REDUCE_WINDOW, [c, n.const("init", ())], [p], options2=(O2.StablehloReduceWindowOptions, {
        "WindowDimensions": [1, 2, 2, 1], "WindowStrides": [1, 2, 2, 1], "BodySubgraphIndex": 1}))  # fmt: skip
    dec = n.body()
    a = dec.input("a", (1, 2, 2, 2))
    dec.output(_binary(dec, OP.STABLEHLO_MULTIPLY, a, a, "sq"))
    y = n.tensor("y", (1, 2, 2, 2))
    n.op(OP.STABLEHLO_COMPOSITE, [p], [y], options2=(O2.StableHLOCompositeOptions, {"Name": "odml.square", "DecompositionSubgraphIndex": 2}))
    good = n.build()
    assert load(n.save(tmp_path / "good.tflite")).layers[-1].cost == Cost(other_ops=8)
    for pos in range(8, len(good), 3):
        for value in (0xFF, 0x7F):
            data = bytearray(good)
            data[pos] = value
            (tmp_path / "bad.tflite").write_bytes(bytes(data))
            try:
                load(tmp_path / "bad.tflite")
            except InputError as err:
                assert "\n" not in str(err)
