"""`dscost compare`: one standard conv against its depthwise-separable replacements, with the formulas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dscost.report.counts import convention, convention_json, cost_json, scale, unit
from dscost.report.document import Doc, Table, Text, emit
from dscost.units import dims, human

if TYPE_CHECKING:
    from dscost.cost import Comparison, Variant


def closed_form_text(c: Comparison) -> str:
    """'1/64 + 1/9': 1/N + 1/Dk^2 (1/N + 1/(Dk_h*Dk_w) for rectangular kernels)."""
    area = 1
    for k in c.geom.kernel:
        area *= k
    return f"1/{c.geom.cout} + 1/{area}"


def _variants(c: Comparison) -> list[Variant]:
    return [c.standard, c.depthwise, c.pointwise, c.separable, c.spatial_separable]


def comparison_doc(c: Comparison, flops: bool = False, padding: str = "") -> Doc:
    g = c.geom
    k = scale(flops)
    u = unit(flops)
    pads = g.pads[: len(g.kernel)], g.pads[len(g.kernel) :]
    pad_s = dims(pads[0]) if pads[0] == pads[1] else f"{dims(pads[0])} begin, {dims(pads[1])} end"
    if padding in ("same", "valid"):
        pad_s = f"{padding} ({pad_s})"
    head = (
        f"Conv {dims(g.kernel)}, M={g.cin} -> N={g.cout}, input {g.cin}x{dims(g.in_spatial)}, "
        f"stride {dims(g.stride)}, dilation {dims(g.dilation)}, padding {pad_s}, bias {'yes' if g.bias else 'no'}"
    )
    doc: Doc = [Text(head, "title"), Text(convention(flops), "note")]
    std = c.standard.cost
    rows = []
    for v in _variants(c):
        rows.append(
            [
                v.name.replace("_", "-"),
                dims(v.output_shape),
                f"{k * v.cost.macs:,}",
                human(k * v.cost.macs),
                f"{v.cost.params:,}",
                f"{v.cost.macs / std.macs:.3f}x",
                v.formula,
                v.substituted,
            ]
        )
    # The formulas count MACs; with --flops the substituted numbers stay MACs (FLOPs = 2 x them).
    notes = ["formula and substituted count MACs; FLOPs = 2 x MACs"] if flops else None
    doc.append(
        Table("", ["variant", "output", u, "~", "params", f"{u} vs std", "formula (MACs)", "substituted (MACs)" if flops else "substituted"], rows, align="llrrrrll", notes=notes,
              spill=(6, 7), spill_sep=" = ")
    )
    share = c.depthwise_share
    ratio = c.ratio
    eq = "=" if ratio == c.closed_form_ratio else "vs closed form"
    doc += [
        Text(f"separable = depthwise {float(share) * 100:.1f}% + pointwise {float(1 - share) * 100:.1f}% of its {u}"),
        Text(f"ratio separable / standard = {float(ratio):.4f} {eq} {closed_form_text(c)}   (1/N + 1/Dk^2" + (")" if eq == "=" else f" = {float(c.closed_form_ratio):.4f})")),
        Text(reduction_text(c, u)),
    ]
    if g.cin == 1:  # (the formulas hold; as a replacement the pair is no match for the conv)
        doc.append(Text("M = 1: the depthwise half is one filter, so every output channel of the pair is a multiple of one filtered map "
                        "(a rank-1 conv); analyze and convert give such a conv no separable what-if", "note"))
    return doc


def _times(new: int, old: int, what: str) -> str:
    """'7.89x fewer MACs', '1.25x more params', 'the same params'."""
    if new < old:
        return f"{old / new:.2f}x fewer {what}"
    if new > old:
        return f"{new / old:.2f}x more {what}"
    return f"the same {what}"


def reduction_text(c: Comparison, unit: str = "MACs") -> str:
    """'reduction: 7.89x fewer MACs, 7.89x fewer params'; when the separable pair costs more
    MACs (a 1x1 kernel, or N = 1), says so and why instead of a reduction below 1x."""
    std, sep = c.standard.cost, c.separable.cost
    if sep.macs <= std.macs:
        return f"reduction: {_times(sep.macs, std.macs, unit)}, {_times(sep.params, std.params, 'params')}"
    area = 1
    for k in c.geom.kernel:
        area *= k
    if area == 1:
        why = "a 1x1 conv has no spatial kernel to factorize"
    elif c.geom.cout == 1:
        why = "with N = 1 the depthwise conv alone does the standard conv's work"
    else:
        why = "1/N + 1/Dk^2 >= 1"
    return f"separable costs {_times(sep.macs, std.macs, unit)}, {_times(sep.params, std.params, 'params')} ({why})"


def comparison_json(c: Comparison, flops: bool = False) -> dict[str, Any]:
    g = c.geom
    d: dict[str, Any] = {
        "geometry": {
            "kernel": list(g.kernel),
            "m": g.cin,
            "n": g.cout,
            "input": list(g.in_spatial),
            "output": list(g.out_spatial),
            "stride": list(g.stride),
            "dilation": list(g.dilation),
            "pads": list(g.pads),
            "bias": g.bias,
        },
        "convention": convention_json(flops, shapes="output_shape is [channels, *spatial] of one sample, without the batch dimension"),
    }
    for v in _variants(c):
        d[v.name] = {**cost_json(v.cost, flops), "output_shape": list(v.output_shape), "formula": v.formula, "substituted": v.substituted}
    d["ratio"] = float(c.ratio)
    d["ratio_exact"] = f"{c.ratio.numerator}/{c.ratio.denominator}"
    d["closed_form_ratio"] = float(c.closed_form_ratio)
    d["closed_form"] = closed_form_text(c)
    d["reduction"] = float(1 / c.ratio)
    d["depthwise_share"] = float(c.depthwise_share)
    return d


def comparison_csv(c: Comparison, flops: bool = False) -> list[list[Any]]:
    header = ["variant", "output_shape", "macs"] + (["flops"] if flops else []) + ["params", "weights", "biases", "other_ops", "formula"]
    rows: list[list[Any]] = [header]
    for v in _variants(c):
        rows.append([v.name, dims(v.output_shape), v.cost.macs] + ([2 * v.cost.macs] if flops else []) + [v.cost.params, v.cost.weights, v.cost.biases, v.cost.other_ops, v.formula])
    return rows


def show_comparison(c: Comparison, fmt: str, flops: bool = False, padding: str = "") -> None:
    emit(fmt, doc=lambda: comparison_doc(c, flops, padding), data=lambda: comparison_json(c, flops), rows=lambda: comparison_csv(c, flops), rich=False)

