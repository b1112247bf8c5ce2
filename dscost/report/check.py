"""`dscost check`: a table per model (limit, actual, headroom, ✓/✗); JSON with exact ints
(shares as floats); CSV (model x limit); Markdown; JUnit XML (a testcase per limit);
GitHub (``::error file=...::`` workflow commands, the plain report for the log, and a
Markdown summary appended to ``$GITHUB_STEP_SUMMARY``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from dscost.report.counts import input_json, inputs_line, inputs_text
from dscost.report.document import FAIL_MARK, PASS_MARK, CHECK_FORMATS, FORMATS, Doc, Table, Text, emit, emit_markdown, emit_plain, output_file
from dscost.units import clean, human, plural

if TYPE_CHECKING:
    from dscost.gate import CheckReport, LimitResult, ModelResult



def _limit_value(kind: str, v: Any) -> str:
    """Human form of a limit/actual value: 600.0M, 16.8MB, 12.34%."""
    if kind == "share":
        return f"{float(v) * 100:.2f}%"
    return human(v) + ("B" if kind == "bytes" else "")


def _limit_exact(kind: str, v: Any) -> str:
    if kind == "share":
        return f"{float(v) * 100:.4f}%"
    return f"{v:,}" + (" bytes" if kind == "bytes" else "")


def _headroom(r: LimitResult) -> tuple[str, str]:
    if r.kind == "share":
        absolute = f"{float(r.headroom) * 100:+.2f} pp"
    else:
        absolute = ("+" if r.headroom >= 0 else "") + _limit_value(r.kind, r.headroom)
    rel = "-" if r.headroom_pct is None else f"{r.headroom_pct:+.1f}%"
    return absolute, rel


def _check_label(r: LimitResult) -> str:
    return f"{r.label} ({r.detail})" if r.detail else r.label


def check_message(m: ModelResult, r: LimitResult) -> str:
    """One line for a limit: 'mobilenet_v1: MACs 568.7M exceeds the limit 500.0M by 68.7M (13.7%)'."""
    if r.passed:
        return f"{m.name}: {_check_label(r)} {_limit_value(r.kind, r.actual)} within {r.key} {_limit_value(r.kind, r.limit)}"
    over = _limit_value(r.kind, -r.headroom) if r.kind != "share" else f"{float(-r.headroom) * 100:.2f} pp"
    rel = f" ({-r.headroom_pct:.1f}% over)" if r.headroom_pct is not None else ""
    return f"{m.name}: {_check_label(r)} {_limit_value(r.kind, r.actual)} exceeds {r.key} {_limit_value(r.kind, r.limit)} by {over}{rel}"


def uncounted_message(m: ModelResult) -> str:
    n = m.uncounted_nodes
    return f"{m.name}: {n} node{'s' if n != 1 else ''} could not be counted ({', '.join(m.uncounted)}); its MACs and params are lower bounds"


def _strict_check(rep: CheckReport, m: ModelResult) -> dict[str, Any] | None:
    """Under --strict, a model with uncounted ops fails one check more, as JUnit's testcase
    ``all_ops_counted``: its JSON check and CSV row (None otherwise)."""
    if not (rep.strict and m.uncounted_nodes):
        return None
    n = m.uncounted_nodes
    return {"key": "all_ops_counted", "label": "all ops counted (--strict)", "kind": "count", "limit": 0, "actual": n, "headroom": -n,
            "headroom_pct": None, "passed": False, "detail": uncounted_message(m)}  # fmt: skip


def _status(rep: CheckReport, m: ModelResult) -> str:
    return "OVER BUDGET" if not m.passed else "ok" if rep.model_passed(m) else "FAILED (--strict: some ops could not be counted)"


def _check_summary(rep: CheckReport) -> str:
    n = sum(len(m.results) for m in rep.models)
    failed = sum(len(m.failures) for m in rep.models)
    models = plural(len(rep.models), "model")
    hold = "the limit holds" if n == 1 else f"all {n} limits hold"
    if failed:
        bad = sum(1 for m in rep.models if not m.passed)
        text = f"{FAIL_MARK} {failed} of {plural(n, 'limit')} exceeded ({bad} of {models} over budget)"
    elif rep.strict and rep.has_uncounted:
        text = f"{FAIL_MARK} {hold} ({models}), but --strict: some ops could not be counted"
    else:
        text = f"{PASS_MARK} {hold} ({models})"
    return text


def check_doc(rep: CheckReport) -> Doc:
    title = f"dscost check: limits from {rep.budget}" if rep.budget else "dscost check: limits from the command line"
    doc: Doc = [Text(title, "title")]
    for m in rep.models:
        rows = []
        for r in m.results:
            absolute, rel = _headroom(r)
            rows.append([
                _check_label(r),
                _limit_value(r.kind, r.limit),
                _limit_value(r.kind, r.actual),
                absolute,
                rel,
                PASS_MARK if r.passed else FAIL_MARK,
            ])
        status = _status(rep, m)
        notes = ([inputs_line(m.inputs)] if m.inputs else []) + ([f"warning: {uncounted_message(m)}"] if m.uncounted_nodes else [])
        doc.append(Table(f"{m.name} ({m.path}): {status}", ["check", "limit", "actual", "headroom", "headroom %", ""], rows, align="lrrrrl", notes=notes,
                         shrink=None, wrap=0))  # (a label is wrapped, never cut: "peak activations (fp16) (at a layer)")
    doc.append(Text(_check_summary(rep)))
    if rep.convention == "flops":
        doc.append(Text("MAC limits count FLOPs = 2 x MACs.", "note"))
    return doc


def _json_num(kind: str, v: Any) -> Any:
    return float(v) if kind == "share" else v


def check_json(rep: CheckReport) -> dict[str, Any]:
    models = []
    for m in rep.models:
        checks = []
        for r in m.results:
            checks.append({
                "key": r.key,
                "label": r.label,
                "kind": r.kind,
                "limit": _json_num(r.kind, r.limit),
                "actual": _json_num(r.kind, r.actual),
                "headroom": _json_num(r.kind, r.headroom),
                "headroom_pct": r.headroom_pct,
                "passed": r.passed,
                "detail": r.detail or None,
            })
        if strict := _strict_check(rep, m):
            checks.append(strict)
        models.append({
            "name": m.name,
            "path": m.path,
            "inputs": input_json(m.inputs),
            "passed": rep.model_passed(m),
            "checks": checks,
            "uncounted": {"nodes": m.uncounted_nodes, "ops": list(m.uncounted)},
        })
    return {
        "convention": rep.convention,
        "budget": rep.budget,
        "strict": rep.strict,
        "passed": rep.passed,
        "summary": {
            "models": len(rep.models),
            "limits": sum(len(m.results) + (_strict_check(rep, m) is not None) for m in rep.models),
            "failed": sum(len(m.failures) + (_strict_check(rep, m) is not None) for m in rep.models),
            "models_failed": sum(1 for m in rep.models if not rep.model_passed(m)),
        },
        "models": models,
    }


CHECK_CSV_FIELDS = ["model", "path", "limit", "label", "kind", "limit_value", "actual", "headroom", "headroom_pct", "passed", "detail"]


def _csv_bool(v: bool | None) -> str:
    return "" if v is None else ("true" if v else "false")


def check_csv(rep: CheckReport) -> list[list[Any]]:
    """A header row, then one row per model x limit (exact ints; shares as fractions, like the JSON)."""
    rows: list[list[Any]] = [list(CHECK_CSV_FIELDS)]
    for m in rep.models:
        for r in m.results:
            rows.append([
                m.name,
                m.path,
                r.key,
                r.label,
                r.kind,
                _json_num(r.kind, r.limit),
                _json_num(r.kind, r.actual),
                _json_num(r.kind, r.headroom),
                "" if r.headroom_pct is None else r.headroom_pct,
                _csv_bool(r.passed),
                r.detail,
            ])
        if strict := _strict_check(rep, m):
            rows.append([m.name, m.path, *(strict[k] for k in ("key", "label", "kind", "limit", "actual", "headroom")), "", "false", strict["detail"]])
    return rows


def check_junit(rep: CheckReport) -> str:
    """JUnit XML: a testsuite per model, a testcase per limit (GitLab, Jenkins)."""
    import xml.etree.ElementTree as ET

    strict_fail = [m for m in rep.models if rep.strict and m.uncounted_nodes]
    total = sum(len(m.results) for m in rep.models) + len(strict_fail)
    failed = sum(len(m.failures) for m in rep.models) + len(strict_fail)
    root = ET.Element("testsuites", name="dscost check", tests=str(total), failures=str(failed), errors="0")
    for m in rep.models:
        extra = 1 if m in strict_fail else 0
        suite = ET.SubElement(
            root,
            "testsuite",
            name=clean(f"{m.name} ({m.path})"),
            tests=str(len(m.results) + extra),
            failures=str(len(m.failures) + extra),
            errors="0",
            skipped="0",
        )
        if m.inputs:  # the shapes counted, as JUnit's suite properties
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="inputs", value=clean(inputs_text(m.inputs)))
        if extra:
            case = ET.SubElement(suite, "testcase", name="all_ops_counted", classname=clean(f"dscost.check.{m.name}"), file=clean(m.path))
            ET.SubElement(case, "failure", message=clean(uncounted_message(m)), type="uncounted").text = clean(uncounted_message(m))
        elif m.uncounted_nodes:
            ET.SubElement(suite, "system-out").text = clean(f"warning: {uncounted_message(m)}")
        for r in m.results:
            case = ET.SubElement(suite, "testcase", name=r.key, classname=clean(f"dscost.check.{m.name}"), file=clean(m.path))
            if not r.passed:
                failure = ET.SubElement(case, "failure", message=clean(check_message(m, r)), type="budget")
                absolute, rel = _headroom(r)
                failure.text = clean(
                    f"{_check_label(r)}: actual {_limit_exact(r.kind, r.actual)} > limit {_limit_exact(r.kind, r.limit)} "
                    f"(headroom {absolute}, {rel})"
                )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _gh_data(s: str) -> str:
    return clean(s).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


def check_github(rep: CheckReport) -> str:
    """GitHub Actions workflow commands: one ``::error`` per exceeded limit, then the plain report."""
    import io

    lines = []
    for m in rep.models:
        if m.uncounted_nodes:
            level = "error" if rep.strict else "warning"
            lines.append(f"::{level} file={_gh_prop(m.path)},title={_gh_prop('dscost check uncounted ops')}::{_gh_data(uncounted_message(m))}")
        for r in m.failures:
            lines.append(f"::error file={_gh_prop(m.path)},title={_gh_prop(f'dscost check {r.key}')}::{_gh_data(check_message(m, r))}")
    buf = io.StringIO()
    emit_plain(check_doc(rep), buf)
    return "\n".join(lines + [buf.getvalue().rstrip("\n")]) + "\n"


def check_markdown(rep: CheckReport) -> str:
    import io

    buf = io.StringIO()
    emit_markdown(check_doc(rep), buf)
    return buf.getvalue()


def check_page(rep: CheckReport) -> str:
    """`--format html`: the verdict, then per model its limits as a table and as a chart of
    actual / limit (100% is the limit)."""
    from dscost.report import html as H

    ok = rep.passed
    body = ["<h1>dscost check" + (f" &mdash; budget {H.esc(rep.budget)}" if rep.budget else "") + "</h1>",
            f'<p class="{"pass" if ok else "fail"}">{H.esc(_check_summary(rep))}</p>']  # fmt: skip
    if rep.convention == "flops":
        body.append('<p class="note">MAC limits count FLOPs = 2 x MACs.</p>')
    charts = {}
    for i, m in enumerate(rep.models):
        status = _status(rep, m)
        body.append(f'<h2>{H.esc(m.name)} <span class="sub">({H.esc(m.path)})</span>: <span class="{"pass" if rep.model_passed(m) else "fail"}">{status}</span></h2>')
        rows = [[_check_label(r), _limit_value(r.kind, r.limit), _limit_value(r.kind, r.actual), *_headroom(r), PASS_MARK if r.passed else FAIL_MARK] for r in m.results]
        body.append(H.static_table(["check", "limit", "actual", "headroom", "headroom %", ""], rows, "lrrrrl"))
        if m.inputs:
            body.append(f'<p class="note">{H.esc(inputs_line(m.inputs))}</p>')
        if m.uncounted_nodes:
            body.append(f'<p class="note">warning: {H.esc(uncounted_message(m))}</p>')
        usable = [r for r in m.results if r.limit]
        if usable:
            pcts = [float(r.actual / r.limit * 100) if r.kind != "share" else float(r.actual) / float(r.limit) * 100 for r in usable]
            charts[f"m{i}"] = H.hbar_chart(
                "actual as a share of the limit (the dashed line is the limit)", [_check_label(r) for r in usable],
                [("actual / limit", H.PALETTE["current"], pcts)], "% of the limit", reference=100,
                hover={"check": [_check_label(r) for r in usable], "actual": [_limit_value(r.kind, r.actual) for r in usable], "limit": [_limit_value(r.kind, r.limit) for r in usable]},
            )  # fmt: skip
            body.append(f"{{{{chart:m{i}}}}}")
    return H.page("dscost check", "\n".join(body), charts)


def show_check(rep: CheckReport, fmt: str, out=None, output: str | None = None) -> None:
    """Print a CheckReport (to the file ``output`` if given); with ``github``, also append Markdown to $GITHUB_STEP_SUMMARY when set."""
    with output_file(output, fmt) as f:
        _show_check(rep, fmt, f or out)


def _show_check(rep: CheckReport, fmt: str, out=None) -> None:
    """Print a CheckReport; with ``github``, also append Markdown to $GITHUB_STEP_SUMMARY when set."""
    import os

    out = out or sys.stdout
    if fmt == "junit":
        out.write(check_junit(rep))
    elif fmt == "github":
        out.write(check_github(rep))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            from dscost.files import append_text

            append_text(summary, check_markdown(rep) + "\n", "$GITHUB_STEP_SUMMARY")
    elif fmt == "html":
        from dscost.report.html import write_page

        write_page(check_page(rep), out)
    elif fmt in FORMATS:
        emit(fmt, doc=lambda: check_doc(rep), data=lambda: check_json(rep), rows=lambda: check_csv(rep), out=out)
    else:
        from dscost.errors import InputError

        raise InputError(f"--format {fmt} is not available for check; use one of {', '.join(CHECK_FORMATS)}")

