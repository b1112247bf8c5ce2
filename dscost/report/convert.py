"""`dscost convert`: the converted (or merged) layers, the skipped ones, and the what-if check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dscost.report.document import Doc, Table, Text, emit
from dscost.units import dims

if TYPE_CHECKING:
    from dscost.rewrite import ConversionReport


def conversion_json(rep: ConversionReport) -> dict[str, Any]:
    return {
        "source": rep.source,
        "output": rep.output,
        "direction": _direction(rep),
        "init": rep.init,
        "converted": [
            {
                "name": c.name,
                "kernel": list(c.kernel),
                "cin": c.cin,
                "cout": c.cout,
                "new_nodes": list(c.new_nodes),
                "removed_nodes": list(c.removed_nodes),
                "init_error": None if c.init_error is None else round(c.init_error, 6),
                "exact": (c.init_error == 0.0) if rep.reverse else None,  # (--reverse: whether the merged conv computes what the block did)
                "note": c.note,
            }
            for c in rep.converted
        ],
        "skipped": [{"name": s.name, "reason": s.reason} for s in rep.skipped],
        "what_if": {"predicted": rep.predicted, "actual": rep.actual, "exact": rep.exact},
        "checker_passed": rep.checker_passed,
        "output_shapes_equal": rep.output_shapes_equal,
        "needs_fine_tuning": bool(rep.converted),
        "notes": rep.notes,
    }


def _direction(rep: ConversionReport) -> str:
    return "separable_to_standard" if rep.reverse else "standard_to_separable"


def conversion_doc(rep: ConversionReport) -> Doc:
    direction = "dw+pw blocks -> one standard conv" if rep.reverse else "standard convs -> depthwise + pointwise"
    doc: Doc = [Text(f"dscost convert: {rep.source} -> {rep.output}", "title"), Text(direction, "note")]
    rows = []
    for c in rep.converted:
        err = "n/a" if c.zero_weights and rep.init == "svd" else "-" if c.init_error is None else f"{c.init_error:.1%}"
        rows.append([c.name, dims(c.kernel), f"{c.cin} -> {c.cout}", " + ".join(c.new_nodes), err, c.note])
    err_head = "weight error" if not rep.reverse else "exact"
    if rep.reverse:
        rows = [r[:4] + ["yes" if c.init_error == 0.0 else "no"] + r[5:] for r, c in zip(rows, rep.converted)]
    notes = []
    if not rep.reverse and rep.init == "svd":
        notes.append("weight error = ||W - W_sep|| / ||W|| of the rank-1 SVD initialisation (0% = the original conv was already separable)")
    heads = ["layer", "kernel", "channels", "new nodes", err_head, "note"]
    if len(rows) > 1 and rows[0][5] and all(r[5] == rows[0][5] for r in rows):  # (one note for every row, an exported spec's zeros: said once)
        notes.append(f"every layer: {rows[0][5]}")
        heads, rows = heads[:5], [r[:5] for r in rows]
    doc.append(Table(f"Converted ({len(rep.converted)})", heads, rows, align="llllrl"[: len(heads)], notes=notes, wrap=5 if len(heads) > 5 else None,
                     spill=(4, 5)))
    if rep.skipped:
        doc.append(Table(f"Skipped ({len(rep.skipped)})", ["layer", "reason"], [[s.name, s.reason] for s in rep.skipped], align="ll", wrap=1))
    if rep.predicted is not None and rep.actual is not None:
        ok = "exact match" if rep.exact else "MISMATCH"
        doc.append(
            Table(
                "What-if check (dscost analyze of the result)",
                ["", "MACs", "params"],
                [
                    ["predicted for the original", f"{rep.predicted['macs']:,}", f"{rep.predicted['params']:,}"],
                    ["converted model", f"{rep.actual['macs']:,}", f"{rep.actual['params']:,}"],
                ],
                notes=[ok],
            )
        )
    checks = []
    if rep.checker_passed is not None:
        checks.append("onnx.checker passed" if rep.checker_passed else "onnx.checker failed")
    if rep.output_shapes_equal is not None:
        checks.append("onnxruntime runs it with the same output shapes" if rep.output_shapes_equal else "OUTPUT SHAPES DIFFER in onnxruntime")
    if checks:
        doc.append(Text("; ".join(checks), "note"))
    for n in rep.notes:
        doc.append(Text(f"note: {n}", "note"))
    return doc


CONVERSION_CSV_FIELDS = ["name", "direction", "kernel", "cin", "cout", "new_nodes", "removed_nodes", "init_error", "note", "exact"]


def conversion_csv(rep: ConversionReport) -> list[list[Any]]:
    """A header row, then one row per converted conv (or merged block with --reverse);
    node lists are joined with spaces, init_error is empty when not measured; exact (--reverse
    only) is true or false."""
    direction = _direction(rep)
    rows: list[list[Any]] = [list(CONVERSION_CSV_FIELDS)]
    for c in rep.converted:
        err = "" if c.init_error is None else round(c.init_error, 6)
        exact = ("true" if c.init_error == 0.0 else "false") if rep.reverse else ""
        rows.append([c.name, direction, dims(c.kernel), c.cin, c.cout, " ".join(c.new_nodes), " ".join(c.removed_nodes), err, c.note, exact])
    return rows


def show_conversion(rep: Any, fmt: str) -> None:
    emit(fmt, doc=lambda: conversion_doc(rep), data=lambda: conversion_json(rep), rows=lambda: conversion_csv(rep))

