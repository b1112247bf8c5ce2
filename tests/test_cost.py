"""Property tests of the formulas in dscost/cost.py (hypothesis) plus hand-computed cases."""

from __future__ import annotations

from fractions import Fraction
from math import ceil, prod

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dscost import cost
from dscost.layers import DEPTHWISE, GROUPED, POINTWISE, STANDARD

small = st.integers(min_value=1, max_value=64)
kernels = st.integers(min_value=1, max_value=7)
sizes = st.integers(min_value=1, max_value=128)


# ---------------------------------------------------------------- DSC ratio


@given(dk=st.integers(2, 7), m=small, n=small, df=sizes)
def test_separable_ratio_is_closed_form_for_same_padding_stride_1(dk, m, n, df):
    g = cost.make_conv_geom((dk, dk), m, n, (df, df), (1, 1), (1, 1), "same")
    c = cost.compare(g)
    assert g.out_spatial == (df, df)
    assert c.ratio == Fraction(1, n) + Fraction(1, dk * dk)
    assert c.ratio == c.closed_form_ratio
    # and the pieces are the paper's formulas
    assert c.standard.cost.macs == dk * dk * m * n * df * df
    assert c.depthwise.cost.macs == dk * dk * m * df * df
    assert c.pointwise.cost.macs == m * n * df * df
    assert c.separable.cost.params == dk * dk * m + m * n


@given(kh=st.integers(1, 7), kw=st.integers(1, 7), m=small, n=small, h=sizes, w=sizes, s=st.integers(1, 3))
def test_separable_ratio_closed_form_any_stride_rectangular(kh, kw, m, n, h, w, s):
    assume(kh * kw > 1)
    g = cost.make_conv_geom((kh, kw), m, n, (h, w), (s, s), (1, 1), "same")
    c = cost.compare(g)
    assert c.ratio == Fraction(1, n) + Fraction(1, kh * kw)


def test_paper_example_numbers():
    g = cost.make_conv_geom((3, 3), 32, 64, (112, 112), (1, 1), (1, 1), "same")
    c = cost.compare(g)
    assert (c.standard.cost.macs, c.standard.cost.params) == (231_211_008, 18_432)
    assert (c.depthwise.cost.macs, c.depthwise.cost.params) == (3_612_672, 288)
    assert (c.pointwise.cost.macs, c.pointwise.cost.params) == (25_690_112, 2_048)
    assert (c.separable.cost.macs, c.separable.cost.params) == (29_302_784, 2_336)
    assert round(float(c.ratio), 4) == 0.1267


def test_mobilenet_table3_layer():
    """MobileNet Table 3: one 14x14x512 layer, 3x3 conv 462M mult-adds vs 52.3M separable."""
    g = cost.make_conv_geom((3, 3), 512, 512, (14, 14), (1, 1), (1, 1), "same")
    c = cost.compare(g)
    assert round(c.standard.cost.macs / 1e6) == 462
    assert round(c.separable.cost.macs / 1e6, 1) == 52.3


# ---------------------------------------------------------------- conv


@st.composite
def conv_geoms(draw):
    groups = draw(st.integers(1, 8))
    cin = groups * draw(st.integers(1, 8))
    cout = groups * draw(st.integers(1, 8))
    rank = draw(st.integers(1, 3))
    kernel = tuple(draw(kernels) for _ in range(rank))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(rank))
    spatial = tuple(draw(st.integers(1, 40)) for _ in range(rank))
    padding = draw(st.sampled_from(["same", "valid", "ints"]))
    if padding == "ints":
        padding = tuple(draw(st.integers(0, 3)) for _ in range(rank))
    batch = draw(st.integers(1, 4))
    bias = draw(st.booleans())
    try:
        return cost.make_conv_geom(kernel, cin, cout, spatial, stride, dilation, padding, groups=groups, bias=bias, batch=batch)
    except ValueError:
        assume(False)


@given(conv_geoms())
def test_conv_macs_are_weights_times_outputs(g):
    c = cost.conv_cost(g)
    outputs = g.batch * prod(g.out_spatial)
    assert c.weights == prod(g.kernel) * (g.cin // g.groups) * g.cout
    assert c.macs == c.weights * outputs
    if g.bias:
        assert c.biases == g.cout
        assert c.other_ops == g.cout * outputs
    else:
        assert c.biases == 0 and c.other_ops == 0
    assert c.params == c.weights + c.biases
    assert c.buffers == 0 and c.norm_params == 0


@given(conv_geoms())
def test_conv_kind(g):
    expected = (POINTWISE if prod(g.kernel) == 1 else STANDARD) if g.groups == 1 else (DEPTHWISE if g.groups == g.cin else GROUPED)
    assert g.kind == expected


@given(size=st.integers(1, 300), k=kernels, s=st.integers(1, 5), d=st.integers(1, 3), upper=st.booleans())
def test_same_pads_give_ceil_in_over_stride(size, k, s, d, upper):
    begin, end = cost.same_pads(size, k, s, d, upper)
    assert begin >= 0 and end >= 0 and abs(begin - end) <= 1
    assert (begin <= end) if upper else (begin >= end)
    assert cost.conv_out_size(size, k, s, d, begin, end) == ceil(size / s)


def test_kernel_larger_than_input_is_a_value_error():
    with pytest.raises(ValueError, match="larger than the padded input"):
        cost.make_conv_geom((5, 5), 3, 8, (3, 3), (1, 1), (1, 1), "valid")


def test_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match="groups=3"):
        cost.make_conv_geom((3, 3), 8, 8, (8, 8), (1, 1), (1, 1), "same", groups=3)


# ---------------------------------------------------------------- matmul


@st.composite
def broadcastable(draw):
    rank = draw(st.integers(0, 3))
    a, b = [], []
    for _ in range(rank):
        d = draw(st.integers(1, 5))
        which = draw(st.sampled_from(["both", "a1", "b1"]))
        a.append(1 if which == "a1" else d)
        b.append(1 if which == "b1" else d)
    # one side may have fewer batch dims
    cut = draw(st.integers(0, rank))
    if draw(st.booleans()):
        a = a[cut:]
    else:
        b = b[cut:]
    return tuple(a), tuple(b)


@given(broadcastable(), st.integers(1, 9), st.integers(1, 9), st.integers(1, 9))
def test_matmul_broadcast(batches, m, k, n):
    ba, bb = batches
    np = pytest.importorskip("numpy")
    expected_batch = np.broadcast_shapes(ba, bb)
    c = cost.matmul_cost((*ba, m, k), (*bb, k, n))
    assert cost.broadcast_shape(ba, bb) == tuple(expected_batch)
    assert c.macs == prod(expected_batch) * m * k * n
    assert c.params == 0


def test_matmul_vectors_and_mismatch():
    assert cost.matmul_cost((7,), (7, 5)).macs == 35  # (7,) @ (7,5) -> (5,)
    assert cost.matmul_cost((4, 7), (7,)).macs == 28  # (4,7) @ (7,) -> (4,)
    assert cost.matmul_cost((2, 1, 3, 4), (5, 4, 6)).macs == 2 * 5 * 3 * 4 * 6
    with pytest.raises(ValueError, match="do not broadcast"):
        cost.matmul_cost((2, 3, 4), (3, 4, 5))


# ---------------------------------------------------------------- others


def test_conv_transpose_hand_example():
    """ConvTranspose 3x3, stride 2, pads 1, output_padding 1: 16 -> 8 channels, 7x7 -> 14x14.
    Each of the 7*7 input pixels scatters a 3x3 kernel from 16 channels into 8: 49*16*8*9 MACs."""
    assert cost.conv_transpose_out_size(7, 3, 2, 1, 1, 1, 1) == 14
    c = cost.conv_transpose_cost((3, 3), 16, 8, 1, (7, 7), (14, 14), bias=True)
    assert c.weights == 16 * 8 * 9 == 1152
    assert c.macs == 49 * 1152 == 56_448
    assert c.biases == 8 and c.other_ops == 8 * 14 * 14
    grouped = cost.conv_transpose_cost((3, 3), 16, 8, 2, (7, 7), (14, 14), bias=False)
    assert grouped.weights == 576 and grouped.macs == 28_224 and grouped.other_ops == 0


def test_linear_batchnorm_pool():
    fc = cost.linear_cost(1024, 1000, rows=1, bias=True)
    assert (fc.macs, fc.weights, fc.biases, fc.other_ops) == (1_024_000, 1_024_000, 1000, 1000)
    bn = cost.batchnorm_cost(32, 32 * 112 * 112)
    assert (bn.norm_params, bn.buffers, bn.params, bn.macs) == (64, 64, 64, 0)
    assert cost.pool_cost((3, 3), 100).other_ops == 900
    assert cost.global_pool_cost(1024 * 49).other_ops == 50_176


@given(st.integers(1, 2048), st.floats(0.05, 2.0))
def test_scale_channels(c, alpha):
    out = cost.scale_channels(c, alpha)
    assert out >= 1
    assert out <= max(1, c * alpha + 1e-6)
    assert out > c * alpha - 1 - 1e-6


@settings(max_examples=50)
@given(st.integers(2, 7), st.integers(1, 32), st.integers(1, 32), st.integers(4, 40), st.integers(1, 3))
def test_spatial_separable(dk, m, n, df, s):
    """Dk x 1 then 1 x Dk depthwise: 2*Dk weights per channel instead of Dk^2.  The first 1-D conv
    runs on an (out_h x in_w) grid, the second on the output grid."""
    g = cost.make_conv_geom((dk, dk), m, n, (df, df), (s, s), (1, 1), "same")
    c = cost.compare(g)
    out = -(-df // s)
    assert c.spatial_separable.cost.weights == 2 * dk * m + m * n
    assert c.spatial_separable.cost.macs == dk * m * out * df + dk * m * out * out + m * n * out * out
    if s == 1:
        assert c.spatial_separable.cost.macs <= c.separable.cost.macs


_counts = st.integers(min_value=-(10**12), max_value=10**12)
_costs = st.builds(cost.Cost, _counts, _counts, _counts, _counts, _counts, _counts)


@settings(max_examples=200)
@given(st.lists(_costs, max_size=20), st.none() | _costs)
def test_cost_total_is_the_sum_of_additions(costs, start):
    """Cost.total (one object, field by field) equals adding the costs one by one."""
    expected = start if start is not None else cost.Cost()
    for c in costs:
        expected = expected + c
    assert cost.Cost.total(costs, start) == expected
    assert cost.Cost.total(iter(costs), start) == expected  # a generator works too


def test_cost_total_hand_example():
    a, b = cost.Cost(macs=10, weights=3, biases=1), cost.Cost(macs=5, other_ops=7, norm_params=2, buffers=4)
    assert cost.Cost.total([a, b], cost.Cost(weights=100)) == cost.Cost(15, 7, 103, 1, 2, 4)
    assert cost.Cost.total([]) == cost.Cost()


@pytest.mark.parametrize(("start", "limit", "step", "inclusive", "n"), [
    (0, 10, 1, False, 10),  # 0..9
    (0, 10, 1, True, 11),  # 0..10
    (2, 11, 3, True, 4),  # 2, 5, 8, 11
    (1, 9, 2, False, 4),  # 1, 3, 5, 7
    (5, 3, 1, False, 0),  # none
    (0, 7, 2, False, 4),  # 0, 2, 4, 6
])  # fmt: skip
def test_counter_values(start, limit, step, inclusive, n):
    """The loops of both readers run once per value a counter takes below (or up to) its limit."""
    assert cost.counter_values(start, limit, step, inclusive) == n


def test_hypothesis_examples_have_no_deadline():
    """conftest's profile: Hypothesis never fails a test for time (a 340 ms first example on a loaded
    CI machine failed test_separable_ratio_is_closed_form_for_same_padding_stride_1 once)."""
    from hypothesis import HealthCheck

    assert settings.default.deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check


def test_grouped_convs_have_their_own_table_2_share(tmp_path):
    """Found by the eighteenth round: grouped convs (ResNeXt's, ShuffleNet's, CondenseNet's) fell in
    Table 2's "other", which read like non-conv ops (CondenseNet: other 96.58%).  A 3x3 conv of
    4 groups, 8 -> 16 on 8x8: 9 x 2 x 16 x 64 = 18,432 MACs, 288 weights, all of it grouped, none
    of it other; a standard 3x3 conv beside it keeps its own share."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    nodes = [helper.make_node("Conv", ["x", "wg"], ["g"], name="grouped", group=4, pads=[1, 1, 1, 1]),
             helper.make_node("Conv", ["g", "ws"], ["y"], name="standard", pads=[1, 1, 1, 1])]  # fmt: skip
    inits = [numpy_helper.from_array(np.ones((16, 2, 3, 3), np.float32), "wg"), numpy_helper.from_array(np.ones((4, 16, 3, 3), np.float32), "ws")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", 1, [1, 8, 8, 8])], [helper.make_tensor_value_info("y", 1, None)], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "g.onnx"))
    from dscost.readers import load

    a = cost.analyze(load(str(tmp_path / "g.onnx")))
    assert {k: (c.macs, c.weights) for k, c in a.shares.items()} == {"grouped conv": (18_432, 288), "standard conv": (9 * 16 * 4 * 64, 576)}
    assert cost.category(next(layer for layer in a.layers if layer.name == "grouped")) == "grouped conv" == cost.CATEGORIES[GROUPED]
