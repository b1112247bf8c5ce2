"""Hand-built Analyses for the gate/diff unit tests (no reader involved)."""

from __future__ import annotations

from dscost.cost import analyze, conv_cost, linear_cost, make_conv_geom
from dscost.layers import Layer, Model


def conv(name, src, cin, cout, k, hw, groups=1, bias=False):
    g = make_conv_geom((k, k), cin, cout, (hw, hw), (1, 1), (1, 1), "same", groups=groups, bias=bias)
    return Layer(name, g.kind, "Conv", (src,), (1, cin, hw, hw), (1, cout, hw, hw), conv_cost(g), conv=g, kernel=(k, k))


def fc(name, src, fin, fout):
    return Layer(name, "fc", "Gemm", (src,), (1, fin), (1, fout), linear_cost(fin, fout))


def tiny(name="tiny", stem_out=8, fc_out=10):
    """stem 3x3 3->C std conv, dw 3x3 C, pw 1x1 C->16, fc 16->fc_out, all on 8x8."""
    c = stem_out
    layers = [
        conv("stem", "input", 3, c, 3, 8),
        conv("dw", "stem", c, c, 3, 8, groups=c),
        conv("pw", "dw", c, 16, 1, 8),
        fc("fc", "pw", 16, fc_out),
    ]
    return analyze(Model(name, f"{name}.yaml", layers))
