"""Pure budget-gate logic: unit parsing and limit evaluation on a hand-built model."""

from __future__ import annotations

from fractions import Fraction

import pytest

from dscost import gate
from gate_models import tiny

# tiny(): stem 3x3 3->8 on 8x8: 9*3*8 = 216 weights, 216*64 = 13824 MACs
#         dw 3x3 x8: 72 weights, 4608 MACs; pw 8->16: 128 weights, 8192 MACs
#         fc 16->10: 160 weights + 10 bias, 160 MACs
TOTAL_MACS = 13824 + 4608 + 8192 + 160  # 26784
TOTAL_PARAMS = 216 + 72 + 128 + 170  # 586
# stem as separable: dw 3*9*64 = 1728 + pw 3*8*64 = 1536
ALL_SEPARABLE_MACS = TOTAL_MACS - 13824 + 1728 + 1536  # 16224


@pytest.mark.parametrize(
    "text, value",
    [
        ("600M", 600_000_000),
        ("4.5M", 4_500_000),
        ("1e9", 10**9),
        ("1.5e3", 1500),
        ("12000", 12000),
        ("1_000", 1000),
        ("2k", 2000),
        ("0.5G", 500_000_000),
        ("1T", 10**12),
        (42, 42),
        (4.5e6, 4_500_000),
        (" 3 M ", 3_000_000),
    ],
)
def test_parse_quantity(text, value):
    assert gate.parse_quantity(text) == value


@pytest.mark.parametrize(
    "text, value",
    [("16MiB", 16 * 2**20), ("17MB", 17_000_000), ("1Ki", 1024), ("2kB", 2000), ("100", 100)],
)
def test_parse_byte_quantity(text, value):
    assert gate.parse_quantity(text, byte_units=True) == value


@pytest.mark.parametrize("bad, why", [("12Q", "unknown unit"), ("-5", "negative"), ("1.5", "whole"), ("abc", "cannot parse"), ("30%", "percentage"), (True, "600M"), ("", "cannot parse"), ("16MiB", r"^unknown unit 'MiB' in '16MiB'; use K/M/G/T \(bytes units are for byte limits\)$"),
                                      ("١٠٠٠M", "cannot parse"), ("1e999", "too large"), ("1e9999999", "too large"), ("1.1e30", "too large"), ("1e21T", "too large"), (1e300, "too large"), (float("inf"), "finite"), ("1e-9999999", "whole")])
def test_parse_quantity_rejects(bad, why):
    with pytest.raises(ValueError, match=why):
        gate.parse_quantity(bad)


@pytest.mark.parametrize("text, value", [("25%", Fraction(1, 4)), ("0.3", Fraction(3, 10)), (0.3, Fraction(3, 10)), (1, Fraction(1)), ("0", Fraction(0)), ("100%", Fraction(1))])
def test_parse_share(text, value):
    assert gate.parse_share(text) == value


@pytest.mark.parametrize("bad", ["600M", "1.5", "-0.1", "150%", True, "nan"])
def test_parse_share_rejects(bad):
    with pytest.raises(ValueError):
        gate.parse_share(bad)


def test_parse_threshold():
    assert gate.parse_threshold("5%") == ("relative", Fraction(1, 20))
    assert gate.parse_threshold("10M") == ("absolute", 10_000_000)
    assert gate.parse_threshold("0") == ("absolute", 0)
    with pytest.raises(ValueError):
        gate.parse_threshold("x%")
    with pytest.raises(ValueError):
        gate.parse_threshold("-1%")
    assert gate.parse_threshold("1e30") == ("absolute", 10**30)
    for huge in ("1e999", "1e999%"):
        with pytest.raises(ValueError, match="too large"):
            gate.parse_threshold(huge)


def test_actual_values_match_hand_derivation():
    a = tiny()
    assert a.totals.macs == TOTAL_MACS
    assert a.totals.params == TOTAL_PARAMS
    assert a.all_separable.macs == ALL_SEPARABLE_MACS
    assert gate.standard_conv_share(a) == Fraction(13824, TOTAL_MACS)
    assert gate.remaining_savings(a) == 1 - Fraction(ALL_SEPARABLE_MACS, TOTAL_MACS)
    assert gate.weight_bytes(a, "fp16") == 2 * TOTAL_PARAMS


BOUNDARIES = [
    # key, exact actual value (MACs convention), extra limit kwargs
    ("max_macs", TOTAL_MACS, {}),
    ("max_params", TOTAL_PARAMS, {}),
    ("max_weight_bytes", 4 * TOTAL_PARAMS, {}),
    ("max_weight_bytes", 1 * TOTAL_PARAMS, {"dtype": "int8"}),
    ("max_weight_bytes", 2 * TOTAL_PARAMS, {"dtype": "bf16"}),
    ("max_layer_macs", 13824, {}),
    ("max_standard_conv_share", Fraction(13824, TOTAL_MACS), {}),
    ("max_remaining_savings", Fraction(TOTAL_MACS - ALL_SEPARABLE_MACS, TOTAL_MACS), {}),
]


@pytest.mark.parametrize("key, actual, extra", BOUNDARIES)
def test_each_limit_passes_at_and_fails_past_its_boundary(key, actual, extra):
    a = tiny()
    eps = 1 if isinstance(actual, int) else Fraction(1, 10**9)
    at = gate.evaluate(a, gate.Limits(**{key: actual}, **extra))
    assert at.passed and at.results[0].actual == actual and at.results[0].headroom == 0
    below = gate.evaluate(a, gate.Limits(**{key: actual - eps}, **extra))
    assert not below.passed and below.results[0].headroom == -eps
    assert [r.key for r in below.failures] == [key]


def test_flops_doubles_mac_limits_only():
    a = tiny()
    r = gate.evaluate(a, gate.Limits(max_macs=2 * TOTAL_MACS, max_layer_macs=2 * 13824, max_standard_conv_share=Fraction(13824, TOTAL_MACS)), flops=True)
    assert r.passed
    assert [x.actual for x in r.results] == [2 * TOTAL_MACS, 2 * 13824, Fraction(13824, TOTAL_MACS)]
    assert r.results[0].label == "FLOPs"
    r = gate.evaluate(a, gate.Limits(max_macs=2 * TOTAL_MACS - 1), flops=True)
    assert not r.passed


def test_layer_limit_names_the_layer_and_headroom_pct():
    r = gate.evaluate(tiny(), gate.Limits(max_layer_macs=20000, max_macs=0))
    layer, macs = r.results[1], r.results[0]
    assert layer.detail == "stem"
    assert layer.headroom == 20000 - 13824
    assert layer.headroom_pct == pytest.approx((20000 - 13824) / 20000 * 100)
    assert macs.headroom_pct is None  # zero limit


def test_limits_any_and_unknown_dtype():
    assert not gate.Limits().any()
    assert not gate.Limits(dtype="fp16").any()
    assert gate.Limits(max_params=1).any()
    with pytest.raises(ValueError, match="dtype"):
        gate.evaluate(tiny(), gate.Limits(max_params=1, dtype="fp64"))


def test_check_report_exit_code():
    ok = gate.evaluate(tiny(), gate.Limits(max_macs=TOTAL_MACS))
    bad = gate.evaluate(tiny(), gate.Limits(max_macs=1))
    assert gate.CheckReport("macs", [ok]).exit_code == 0
    assert gate.CheckReport("macs", [ok, bad]).exit_code == 1
