"""`dscost schema`: the JSON Schema of layer specs and budget files, or a table of their fields."""

from __future__ import annotations

from typing import Any

from dscost.report.document import Doc, Table, Text, emit


def schema_doc(schema: dict[str, Any]) -> Doc:
    """Flattened view of a JSON Schema: one row per property of each object definition."""
    doc: Doc = [Text(schema.get("title", "schema"), "title")]
    if schema.get("description"):
        doc.append(Text(schema["description"], "note"))
    for i, (name, rows) in enumerate(_schema_objects(schema)):
        name = "top level" if i == 0 and "properties" in schema else name  # (the heading above already names the file kind)
        # (on a narrow terminal the description, word-wrapped, then required and default; the type,
        # often the widest, is written after the table when it does not fit)
        doc.append(Table(name, ["field", "type", "required", "default", "description"], rows, align="lllll", priority=[0, 4, 2, 3, 1], wrap=4, spill=(1,)))
    return doc


def _schema_objects(schema: dict[str, Any]) -> list[tuple[str, list[list[str]]]]:
    """(object name, [[field, type, required, default, description], ...]) for the root and each $defs object."""
    import json

    out = []
    objects = [(schema.get("title", "root"), schema)] + list(schema.get("$defs", {}).items())
    for name, obj in objects:
        props = obj.get("properties")
        if not props:
            continue
        required = set(obj.get("required", ()))
        rows = []
        for pname, p in props.items():
            rows.append([pname, _schema_type(p), "yes" if pname in required else "", json.dumps(p["default"]) if "default" in p else "", (p.get("description") or "").split("\n")[0]])
        out.append((name, rows))
    return out


def schema_rows(schema: dict[str, Any]) -> list[list[str]]:
    """CSV form of the schema: one row per property, the object it belongs to first."""
    rows = [["object", "field", "type", "required", "default", "description"]]
    for name, fields in _schema_objects(schema):
        rows.extend([name, *r] for r in fields)
    return rows


def _schema_type(p: dict[str, Any]) -> str:
    import json

    if "$ref" in p:
        return p["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in p:
        return " | ".join(_schema_type(x) for x in p["anyOf"])
    if "oneOf" in p:
        return " | ".join(_schema_type(x) for x in p["oneOf"])
    if "enum" in p:
        return " | ".join(map(json.dumps, p["enum"]))
    if "const" in p:
        return json.dumps(p["const"])
    t = p.get("type", "any")
    if t == "array" and "items" in p:
        return f"list[{_schema_type(p['items'])}]"
    return str(t)


def show_schema(schema: dict[str, Any], fmt: str) -> None:
    emit(fmt, doc=lambda: schema_doc(schema), data=lambda: schema, rows=lambda: schema_rows(schema))

