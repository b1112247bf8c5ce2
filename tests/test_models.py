"""Reference figures of the shipped model specs (see /work/shared/reference-figures.md).

Every number goes through the product path: read_spec -> cost.analyze.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from dscost import cost
from dscost.layers import ADD, DEPTHWISE, POINTWISE, STANDARD
from dscost.readers import load
from dscost.readers.spec_reader import read_spec

MODELS = Path(__file__).resolve().parent.parent / "models"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@lru_cache(maxsize=None)
def analysis(name: str, width: float = 1.0, resolution: int | None = None) -> cost.Analysis:
    return cost.analyze(read_spec(MODELS / f"{name}.yaml", width=width, resolution=resolution))


# ---------------------------------------------------------------- MobileNet v1


def test_mobilenet_v1_totals():
    t = analysis("mobilenet_v1").totals
    assert t.macs == 568_740_352
    assert t.weights == 4_209_088  # the paper's 4.2M (weights only)
    assert t.biases == 1_000  # FC bias
    assert t.norm_params == 21_888  # BN gamma + beta
    assert t.params == 4_231_976
    assert t.buffers == 21_888  # BN running mean + var
    assert t.params + t.buffers == 4_253_864  # Keras model.summary()


def test_mobilenet_v1_structure():
    a = analysis("mobilenet_v1")
    kinds = [layer.type for layer in a.layers if layer.conv is not None]
    assert kinds.count(STANDARD) == 1
    assert kinds.count(DEPTHWISE) == 13
    assert kinds.count(POINTWISE) == 13
    assert len(a.blocks) == 13  # every dsconv is found as a dw -> BN -> ReLU -> pw block
    last = [layer for layer in a.layers if layer.conv is not None][-1]
    assert last.output_shape == (1, 1024, 7, 7)
    assert a.layers[-1].output_shape == (1, 1000)
    assert read_spec(MODELS / "mobilenet_v1.yaml").name == "mobilenet_v1"


def test_conv_mobilenet_v1_totals():
    t = analysis("conv_mobilenet_v1").totals
    assert t.macs == 4_867_293_184  # paper: 4866M
    assert round(t.macs / 1e6) == 4867
    assert t.weights == 29_281_120  # paper: 29.3M
    assert round(t.weights / 1e5) / 10 == 29.3


def test_reverse_what_if_equals_conv_mobilenet():
    sep, std = analysis("mobilenet_v1"), analysis("conv_mobilenet_v1")
    assert sep.all_standard.macs == std.totals.macs
    assert sep.all_standard.weights == std.totals.weights
    assert sep.all_standard.params == std.totals.params
    # and back: making Conv MobileNet's 3x3 convs separable returns to MobileNet v1, except
    # that the what-if also splits the first conv (3 -> 32), which MobileNet keeps standard
    conv1 = sep.layers[0]
    dw, pw = cost.separable_cost(conv1.conv)
    split = dw + pw - conv1.cost
    assert std.all_separable.macs == sep.totals.macs + split.macs == 559_445_248
    assert std.all_separable.weights == sep.totals.weights + split.weights


@pytest.mark.parametrize(
    ("width", "macs", "paper"),
    [(0.75, 325_400_448, 325.4), (0.5, 149_497_088, 149.5), (0.25, 41_030_272, 41.0)],
)
def test_mobilenet_v1_width(width, macs, paper):
    t = analysis("mobilenet_v1", width=width).totals
    assert t.macs == macs
    assert round(t.macs / 1e5) / 10 == paper


def test_mobilenet_v1_width_075_params():
    assert analysis("mobilenet_v1", width=0.75).totals.weights == 2_568_144  # paper: 2.6M


@pytest.mark.parametrize(
    ("resolution", "macs", "paper"),
    [(192, 418_121_728, 418.1), (160, 290_675_200, 290.7), (128, 186_400_768, 186.4)],
)
def test_mobilenet_v1_resolution(resolution, macs, paper):
    a = analysis("mobilenet_v1", resolution=resolution)
    assert a.totals.macs == macs
    assert round(a.totals.macs / 1e5) / 10 == paper
    assert a.totals.weights == 4_209_088  # resolution does not change params
    assert a.layers[0].input_shape == (1, 3, resolution, resolution)
    assert a.model.notes == [f"input resolution {resolution}x{resolution}"]


def test_mobilenet_v1_width_and_resolution():
    # Table 9 row 0.50 MobileNet-160: 76M mult-adds (76.5 calculated)
    assert round(analysis("mobilenet_v1", width=0.5, resolution=160).totals.macs / 1e5) / 10 == 76.5


def test_mobilenet_v1_table2_shares():
    a = analysis("mobilenet_v1")
    t = a.totals

    def pct(cat: str, field: str) -> float:
        return 100 * getattr(a.shares[cat], field) / getattr(t, field)

    # Table 2 of the paper; params are weights (the paper counts no biases or BN)
    assert pct("1x1 conv", "macs") == pytest.approx(94.86, abs=0.01)
    assert pct("1x1 conv", "weights") == pytest.approx(74.59, abs=0.01)
    assert pct("depthwise conv", "macs") == pytest.approx(3.06, abs=0.01)
    assert pct("depthwise conv", "weights") == pytest.approx(1.06, abs=0.01)
    # printed 1.19%: a digit swap of the real 1.91%
    assert pct("standard conv", "macs") == pytest.approx(1.91, abs=0.01)
    assert pct("standard conv", "weights") == pytest.approx(0.02, abs=0.01)
    assert pct("fully connected", "macs") == pytest.approx(0.18, abs=0.01)
    assert pct("fully connected", "weights") == pytest.approx(24.33, abs=0.01)


# ---------------------------------------------------------------- other models


def test_resnet18():
    a = analysis("resnet18")
    assert a.totals.macs == 1_814_073_344  # torchvision: 1.814 GMACs
    assert 1_814_000_000 <= a.totals.macs < 1_815_000_000
    assert a.totals.params == 11_689_512
    adds = [layer for layer in a.layers if layer.type == ADD]
    assert len(adds) == 8
    names = {layer.name for layer in a.layers}
    assert {"layer2.0.downsample", "layer1.1.conv2", "layer4.1.add", "fc"} <= names
    down = next(layer for layer in a.layers if layer.name == "layer3.0.downsample")
    assert down.inputs == ("layer2.1.relu2",)  # `_in` of the group
    assert down.output_shape == (1, 256, 14, 14)


def test_vgg16():
    t = analysis("vgg16").totals
    assert t.macs == 15_470_264_320  # torchvision: 15.47 GMACs
    assert round(t.macs / 1e7) / 100 == 15.47
    assert t.params == 138_357_544


def test_mobilenet_v2():
    a = analysis("mobilenet_v2")
    assert a.totals.macs == 300_774_272  # torchvision: 0.301 GMACs, paper 300M
    assert round(a.totals.macs / 1e5) / 10 == 300.8
    assert a.totals.params == 3_504_872
    assert sum(layer.type == ADD for layer in a.layers) == 10  # residuals: stride 1 and in == out
    assert len(a.blocks) == 17  # dw -> BN -> ReLU6 -> project of every inverted residual


def test_mobilenet_v2_resolution_matches_tf_slim():
    # TF-slim 1.0 MobileNetV2 MMACs at 192/160/128/96: 221/154/99/56
    got = [round(analysis("mobilenet_v2", resolution=r).totals.macs / 1e6) for r in (192, 160, 128, 96)]
    assert got == [221, 154, 99, 56]


def test_every_shipped_spec_loads_through_the_dispatcher():
    # examples/ also holds budget files and CI configs: only the layer-spec examples here
    for path in sorted(MODELS.glob("*.yaml")) + [EXAMPLES / "residual.yaml"]:
        model = load(path)
        assert model.layers, path
        assert model.source == str(path)


def test_residual_example():
    m = read_spec(EXAMPLES / "residual.yaml")
    by = {layer.name: layer for layer in m.layers}
    assert by["proj"].type == POINTWISE and by["proj"].inputs == ("stem_relu",)
    assert by["merge"].inputs == ("bn_b", "proj_bn")
    assert by["block.1.add"].inputs == ("merge_relu", "block.1.bn2")
    assert by["block.2.add"].inputs == ("block.1.relu2", "block.2.bn2")
