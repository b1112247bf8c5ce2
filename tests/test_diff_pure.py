"""Pure layer matching and deltas of dscost.diff on hand-built models."""

from __future__ import annotations

from fractions import Fraction

from dscost.cost import analyze
from dscost import diff as diff_module
from dscost.diff import ADDED, ALIGN_WORK, CHANGED, REMOVED, UNCHANGED, WINDOW, _align, _lcs, diff, exceeds, match_layers, pct
from dscost.layers import Model
from gate_models import conv, fc, tiny


def test_identical_models_have_no_delta():
    d = diff(tiny(), tiny())
    assert d.d_macs == 0 and d.d_params == 0
    assert [x.status for x in d.layers] == [UNCHANGED] * 4
    assert all(x.matched_by == "name" for x in d.layers)
    assert d.macs_pct == 0.0


def test_wider_stem_changes_three_layers():
    # stem 3->16: 9*3*16*64 = 27648 MACs (+13824), 432 weights (+216)
    # dw x16: 9*16*64 = 9216 (+4608), 144 weights (+72)
    # pw 16->16: 256*64 = 16384 (+8192), 256 weights (+128); fc unchanged
    d = diff(tiny(), tiny(stem_out=16))
    by = {x.name: x for x in d.layers}
    assert (by["stem"].d_macs, by["stem"].d_params) == (13824, 216)
    assert (by["dw"].d_macs, by["dw"].d_params) == (4608, 72)
    assert (by["pw"].d_macs, by["pw"].d_params) == (8192, 128)
    assert by["fc"].status == UNCHANGED
    assert d.d_macs == 13824 + 4608 + 8192 and d.d_params == 216 + 72 + 128
    assert d.summary == {CHANGED: 3, ADDED: 0, REMOVED: 0, UNCHANGED: 1}
    assert d.macs_pct == (13824 + 4608 + 8192) / 26784 * 100


def _model(name, layers):
    return analyze(Model(name, name + ".yaml", layers))


def test_renamed_layers_match_by_position_and_type():
    base = _model("a", [conv("c1", "x", 3, 8, 3, 8), conv("c2", "c1", 8, 8, 3, 8), fc("head", "c2", 8, 2)])
    new = _model("b", [conv("stem", "x", 3, 8, 3, 8), conv("body", "stem", 8, 8, 3, 8), fc("head", "body", 8, 2)])
    d = diff(base, new)
    assert [(x.base.name, x.new.name, x.matched_by, x.status) for x in d.layers] == [
        ("c1", "stem", "position", UNCHANGED),
        ("c2", "body", "position", UNCHANGED),
        ("head", "head", "name", UNCHANGED),
    ]
    assert d.layers[0].renamed and not d.layers[2].renamed


def test_added_and_removed_layers_keep_model_order():
    # base: c1 (std), c2 (std), fc ; new: c1, dw+pw instead of c2, fc
    base = _model("a", [conv("c1", "x", 3, 8, 3, 8), conv("c2", "c1", 8, 8, 3, 8), fc("fc", "c2", 8, 2)])
    new = _model(
        "b",
        [conv("c1", "x", 3, 8, 3, 8), conv("c2_dw", "c1", 8, 8, 3, 8, groups=8), conv("c2_pw", "c2_dw", 8, 8, 1, 8), fc("fc", "c2_pw", 8, 2)],
    )
    d = diff(base, new)
    assert [(x.status, x.name) for x in d.layers] == [
        (UNCHANGED, "c1"),
        (REMOVED, "c2"),
        (ADDED, "c2_dw"),
        (ADDED, "c2_pw"),
        (UNCHANGED, "fc"),
    ]
    # c2: 9*8*8*64 = 36864 MACs, 576 weights; dw 9*8*64 = 4608 / 72; pw 64*64 = 4096 / 64
    assert d.d_macs == 4608 + 4096 - 36864
    assert d.d_params == 72 + 64 - 576
    assert d.layers[1].d_macs == -36864 and d.layers[2].d_macs == 4608


def test_type_change_under_same_name_is_changed():
    base = _model("a", [conv("c", "x", 8, 8, 3, 8)])
    new = _model("b", [conv("c", "x", 8, 8, 3, 8, groups=8)])
    (row,) = diff(base, new).layers
    assert row.status == CHANGED and row.matched_by == "name" and row.type == "depthwise"


def test_duplicate_names_fall_back_to_position():
    base = _model("a", [conv("c", "x", 3, 8, 3, 8), conv("c", "c", 8, 8, 3, 8)])
    new = _model("b", [conv("c", "x", 3, 8, 3, 8), conv("c", "c", 8, 8, 3, 8)])
    assert match_layers(base.layers, new.layers) == {0: (0, "position"), 1: (1, "position")}


def _lcs_length(a: list, b: list) -> int:
    """The textbook dynamic programme, to check against."""
    row = [0] * (len(b) + 1)
    for x in a:
        prev, row = row, [0]
        for j, y in enumerate(b):
            row.append(prev[j] + 1 if x == y else max(prev[j + 1], row[j]))
    return row[-1]


def test_the_alignment_is_a_longest_common_subsequence():
    import random

    rng = random.Random(7)
    for _ in range(500):
        a = [rng.choice("abc") for _ in range(rng.randint(0, 12))]
        b = [rng.choice("abc") for _ in range(rng.randint(0, 12))]
        pairs, whole = _lcs(a, b, 10**9)
        assert whole
        assert all(a[i] == b[j] for i, j in pairs) and len(pairs) == _lcs_length(a, b)
        assert all(p < q and r < t for (p, r), (q, t) in zip(pairs, pairs[1:]))
    assert _lcs(list("xaby"), list("xbay"), 0) == ([(0, 0), (3, 3)], False)  # (no steps left: the common ends only)
    assert _lcs(list("xaby"), list("xbay"), 10) == ([(0, 0), (2, 1), (3, 3)], True)  # (one of its two longest: b)


def _spy(monkeypatch) -> list[tuple[int, int, int]]:
    """(len a, len b, budget) of every alignment :func:`_align` runs."""
    seen: list[tuple[int, int, int]] = []
    real = diff_module._lcs

    def lcs(a, b, budget):
        seen.append((len(a), len(b), budget))
        return real(a, b, budget)

    monkeypatch.setattr(diff_module, "_lcs", lcs)
    return seen


def test_a_big_model_with_folded_norms_and_new_names_aligns_in_one_run(monkeypatch):
    """conv/bn/relu x 1,300 against conv/relu x 1,300 (norms folded, every name new): each conv
    and relu pairs with its own (difflib's SequenceMatcher took cubic time on such alternations:
    1,000 layers of conv/relu against 1,000 convs, 12 s)."""
    seen = _spy(monkeypatch)
    base, new = ["conv", "bn", "relu"] * 1300, ["conv", "relu"] * 1300
    pairs = _align(base, new)
    assert len(seen) == 1 and pairs == [(3 * (j // 2) + 2 * (j % 2), j) for j in range(2600)]


def test_models_too_different_to_align_at_once_are_aligned_in_windows(monkeypatch):
    """40,000 conv/relu against 40,000 convs is over ALIGN_WORK: windows of WINDOW layers at the
    same relative place, each aligned within WINDOW^2 steps; every conv of the window pairs."""
    seen = _spy(monkeypatch)
    base, new = ["conv", "relu"] * 20_000, ["conv"] * 40_000
    pairs = _align(base, new)
    assert seen[0] == (40_000, 40_000, ALIGN_WORK) and len(seen) == 1 + 40_000 // WINDOW
    assert all(budget >= WINDOW * WINDOW for _, _, budget in seen[1:])
    assert len(pairs) == 20_000 and all(base[i] == new[j] for i, j in pairs) and pairs == sorted(pairs)


def test_a_removed_layer_of_a_big_renamed_model_stands_where_it_stood():
    """diff's rows: a removed base layer is listed before the new layer that follows it (each
    base layer looked at once: the rows of 10,000 layers were a loop over all before each)."""
    kinds = (lambda n: conv(n, "x", 8, 8, 1, 8), lambda n: conv(n, "x", 8, 8, 3, 8, groups=8), lambda n: fc(n, "x", 8, 8))
    layers = lambda prefix, drop=None: [kinds[i % 3](f"{prefix}{i}") for i in range(3000) if i != drop]  # noqa: E731
    d = diff(_model("a", layers("a")), _model("b", layers("b", drop=1500)))
    assert d.summary == {CHANGED: 0, ADDED: 0, REMOVED: 1, UNCHANGED: 2999}
    assert [x.status for x in d.layers].index(REMOVED) == 1500 and d.layers[1500].base.name == "a1500"
    assert [x.base.name for x in d.layers] == [f"a{i}" for i in range(3000)]


def test_exceeds_thresholds():
    rel = ("relative", Fraction(5, 100))
    assert not exceeds(5, 100, rel)  # exactly 5% passes
    assert exceeds(6, 100, rel)
    assert not exceeds(-50, 100, rel)
    assert exceeds(1, 0, rel)
    assert not exceeds(0, 0, rel)
    ab = ("absolute", 1000)
    assert not exceeds(1000, 1, ab) and exceeds(1001, 1, ab)
    assert exceeds(1, 10, ("absolute", 0)) and not exceeds(0, 10, ("absolute", 0))


def test_pct():
    assert pct(5, 100) == 5.0 and pct(0, 0) == 0.0 and pct(3, 0) is None
