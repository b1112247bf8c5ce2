"""`dscost export`: what was written (nodes, bytes, zero weights) and the spec's totals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dscost.report.counts import cost_json
from dscost.report.document import Doc, Table, Text, emit
from dscost.units import human, nbytes

if TYPE_CHECKING:
    from pathlib import Path

    from dscost.cost import Analysis


def export_json(a: Analysis, path: Path | str, info: dict[str, Any]) -> dict[str, Any]:
    m = a.model
    return {
        "model": m.name,
        "source": m.source,
        "output": str(path),
        "nodes": info["nodes"],
        "layers": len(m.layers),
        "bytes": info["bytes"],
        "weight_bytes": info["weight_bytes"],
        "data_file": info["data_file"],
        "data_bytes": info["data_bytes"],
        "weights": "zeros",
        "totals": cost_json(a.totals, False),
    }


EXPORT_CSV_FIELDS = ["model", "output", "nodes", "layers", "bytes", "weight_bytes", "data_file", "data_bytes", "macs", "params", "weights", "biases", "norm_params", "buffers", "other_ops"]


def export_csv(a: Analysis, path: Path | str, info: dict[str, Any]) -> list[list[Any]]:
    d = export_json(a, path, info)
    t = d["totals"]
    row = [d["model"], d["output"], d["nodes"], d["layers"], d["bytes"], d["weight_bytes"], d["data_file"] or "", "" if d["data_bytes"] is None else d["data_bytes"]]
    row += [t[k] for k in EXPORT_CSV_FIELDS[8:]]
    return [list(EXPORT_CSV_FIELDS), row]


def export_doc(a: Analysis, path: Path | str, info: dict[str, Any]) -> Doc:
    m, t = a.model, a.totals
    rows = [
        ["ONNX nodes", f"{info['nodes']:,}", ""],
        ["spec layers", f"{len(m.layers):,}", ""],
        ["file size", nbytes(info["bytes"]), f"{info['bytes']:,} bytes"],
    ]
    if info["data_file"]:
        rows.append(["external data", nbytes(info["data_bytes"]), f"{info['data_bytes']:,} bytes in {info['data_file']}"])
    rows += [
        ["initializers (fp32 zeros)", nbytes(info["weight_bytes"]), f"{info['weight_bytes']:,} bytes"],
        ["MACs", human(t.macs), f"{t.macs:,}"],
        ["learnable params", human(t.params), f"{t.params:,}"],
    ]
    return [
        Text(f"dscost export: {m.source} -> {path}", "title"),
        Table("", ["", "value", "exact"], rows, align="lrl", notes=["the weights are all zeros; `dscost analyze` of the file gives the same MACs and params"]),
    ]


def show_export(a: Analysis, path: Path | str, info: dict[str, Any], fmt: str) -> None:
    emit(fmt, doc=lambda: export_doc(a, path, info), data=lambda: export_json(a, path, info), rows=lambda: export_csv(a, path, info))

