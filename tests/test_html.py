"""`--format html`: a self-contained page (no network), its size, and what a browser shows:
the page rendered in headless Chromium (Debian's `chromium`; .ci/run installs it), charts drawn
(canvases with pixels), the layer count in the table, no console errors."""

from __future__ import annotations

import json
import os
import re

import pytest

from conftest import ROOT
from dscost import cost
from dscost.cli import run
from dscost.memory import model_memory
from dscost.report.analyze import View
from dscost.report.html import analysis_page
from headless import Browser, find_chromium
from report_models import conv_chain

MOBILENET = str(ROOT / "models" / "mobilenet_v1.yaml")

needs_browser = pytest.mark.skipif(
    find_chromium() is None and not os.environ.get("CI"), reason="no chromium (apt-get install -y chromium; .ci/run installs it)"
)


def table_rows(page: str, table_id: str = "layers") -> list:
    data = re.search(rf'<script type="application/json" id="{table_id}-data">(.*?)</script>', page, re.S).group(1)
    return json.loads(data)["rows"]


def assert_offline(page: str) -> None:
    """Nothing is fetched: no external script, stylesheet, image or font."""
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//', page)
    assert "@import" not in page and "url(http" not in page
    assert "Bokeh" in page  # BokehJS inlined


def test_analyze_page_is_self_contained(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert run(["analyze", MOBILENET, "--hardware", "t4", "-f", "html", "-o", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().err
    page = out.read_text()
    assert_offline(page)
    assert page.startswith("<!DOCTYPE html>") and "<title>dscost: mobilenet_v1</title>" in page
    rows = table_rows(page)
    assert len(rows) == 85  # every layer of the spec (none hidden)
    assert rows[0][0] == "conv1" and rows[0][4] == ["10.8M", 10838016]
    assert "Roofline" in page and "568.7M" in page and "6.42MB" in page
    assert '<p class="note">inputs (as counted): input 1x3x224x224 float32</p>' in page
    assert len(page) < 2_000_000


def test_names_cannot_bend_the_json_element_of_a_table(tmp_path, capsys):
    """Found by the third red team: a layer named "<!--<script>" put the HTML parser into its
    "script data double escaped" state, so the table's JSON element ran past its own </script>
    and swallowed the charts' script (an empty table, no charts).  No "<" is left in the JSON
    (it is written \\u003c, which JSON reads as "<"), and the names come back exact."""
    spec = tmp_path / "s.yaml"
    spec.write_text('input: [3, 8, 8]\nlayers:\n  - {type: conv, name: "<!--<script>", channels: 4, kernel: 3}\n'
                    '  - {type: conv, name: "</script><b>x", channels: 4, kernel: 1}\n')  # fmt: skip
    out = tmp_path / "r.html"
    assert run(["analyze", str(spec), "-f", "html", "-o", str(out)]) == 0
    page = out.read_text()
    elements = re.findall(r'<script type="application/json" id="[^"]*">(.*?)</script>', page, re.S)
    assert elements and not any("<" in e for e in elements)
    assert [r[0] for r in table_rows(page)] == ["<!--<script>", "</script><b>x"]


def test_counts_past_2_to_the_53_draw_without_a_warning(tmp_path, capsys):
    """Found by the third red team: a layer of 9*8,192*8,192*16,384^2 = 1.6e17 MACs (past the
    2**53 a float holds exactly) made Bokeh print 'out of range integer' warnings on stderr."""
    import warnings

    spec = tmp_path / "big.yaml"
    spec.write_text("input: [8192, 16384, 16384]\nlayers:\n  - {type: conv, name: c1, channels: 8192, kernel: 3}\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert run(["analyze", str(spec), "-f", "html", "-o", str(tmp_path / "b.html")]) == 0
    assert not [w for w in caught if "out of range" in str(w.message)]
    assert capsys.readouterr().err == f"wrote {tmp_path / 'b.html'}\n"


def test_big_model_page_is_under_5mb(tmp_path):
    model = conv_chain(1000)
    a = cost.analyze(model)
    page = analysis_page(a, False, None, model_memory(model), View())
    assert len(rows := table_rows(page)) == 5000 and rows[-1][0] == "stage9.block999.add"
    assert len(page.encode()) < 5_000_000
    assert_offline(page)


def test_html_needs_a_file_or_a_pipe_and_bokeh(tmp_path, capsys, monkeypatch):
    assert run(["analyze", MOBILENET, "-f", "html", "-o", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    import builtins

    real = builtins.__import__

    def no_bokeh(name, *a, **kw):
        if name == "bokeh" or name.startswith("bokeh."):
            raise ImportError(name)
        return real(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_bokeh)
    assert run(["analyze", MOBILENET, "-f", "html", "-o", str(tmp_path / "x.html")]) == 2
    assert "pip install 'dscost[html]'" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists() and not list(tmp_path.glob("*.tmp-*"))


@needs_browser
def test_pages_in_a_real_browser(tmp_path):
    """analyze (with a roofline), diff and check pages, and a 5,000-layer model, as a user sees them."""
    pages = {}
    pages["analyze"] = tmp_path / "analyze.html"
    assert run(["analyze", MOBILENET, "--hardware", "t4", "-f", "html", "-o", str(pages["analyze"])]) == 0
    pages["diff"] = tmp_path / "diff.html"
    assert run(["diff", MOBILENET, str(ROOT / "models" / "mobilenet_v2.yaml"), "-f", "html", "-o", str(pages["diff"])]) == 0
    pages["check"] = tmp_path / "check.html"
    assert run(["check", MOBILENET, "--max-macs", "500M", "--max-peak-activation-bytes", "8MB", "-f", "html", "-o", str(pages["check"])]) == 1
    big = conv_chain(1000)
    pages["big"] = tmp_path / "big.html"
    pages["big"].write_text(analysis_page(cost.analyze(big), False, None, model_memory(big), View()))
    expect = {"analyze": (3, 85), "diff": (1, None), "check": (1, None), "big": (2, 5000)}
    with Browser() as b:
        for name, path in pages.items():
            charts, rows = expect[name]
            state = b.open(path, charts=charts)
            assert state["errors"] == [], (name, state["errors"])
            assert state["drawn"] >= charts, (name, state)  # canvases with drawn pixels
            if rows is not None:  # every row is in the table's data; the first 250 are laid out at once
                assert state["dataRows"]["layers"] == rows and state["tables"]["layers"] == min(rows, 250), (name, state)
            if name == "big":  # the rest come as the table scrolls, or all at once
                b.evaluate("document.getElementById('layers-all').click()")
                assert b.evaluate("document.querySelector('#layers tbody').rows.length") == 5000
                b.evaluate("var f=document.getElementById('layers-filter'); f.value='block999.'; f.dispatchEvent(new Event('input'))")
                assert b.evaluate("document.querySelector('#layers tbody').rows.length") == 5
                assert "5 rows matching (of 5000)" in b.evaluate("document.getElementById('layers-info').textContent")
            if name == "analyze":
                png = b.screenshot()
                assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
                # sorting by MACs puts the costliest layer first
                b.evaluate("document.querySelectorAll('#layers th')[4].click()")
                first = b.evaluate("document.querySelector('#layers tbody tr td').textContent")
                assert first.endswith(".pw") and "dsconv" in first
    assert state["seconds"] < 30  # the 5,000-layer page (benchmarks/html_bench.py measures it: < 3 s)


def test_a_limit_line_is_inside_the_chart_when_every_bar_is_short_of_it():
    """`check`'s chart: bars at 95% and 76% of their limits still show the dashed line at 100
    (the x axis ends past it), and the legend sits above the plot, not over the bars."""
    pytest.importorskip("bokeh")
    from dscost.report.html import hbar_chart

    p = hbar_chart("t", ["MACs", "params"], [("actual / limit", "#4C72B0", [95.0, 76.0])], "% of the limit", reference=100)
    assert p.x_range.start == 0 and p.x_range.end > 100 and p.above and p.above[-1] is p.legend[0]


def test_page_tables_are_the_text_reports(tmp_path, capsys):
    """The page's memory and by-operator tables are the text report's, notes included: an op
    that costs nothing (the spec's flatten) has no row but the text's note, and --all gives it
    its row (until 2026-12-07 the page listed every op, those at 0 too, and no note)."""
    import html

    out = tmp_path / "a.html"
    assert run(["analyze", MOBILENET, "-f", "html", "-o", str(out)]) == 0
    page = out.read_text()
    ops = page[page.index("<h2>By operator</h2>") :]
    table, rest = ops[: ops.index("</table>")], ops[ops.index("</table>") :]
    assert re.findall(r'<tr><td class="l">(\w+)</td>', table) == ["pointwise", "depthwise", "conv", "fc", "batchnorm", "relu", "global_avgpool", "softmax"]
    assert '<td class="r">539.5M</td>' in table
    note = "1 layer of 1 op that cost nothing (flatten) has no row here; --all gives them rows"
    assert rest.startswith(f'</table><p class="note">{html.escape(note)}</p>')
    assert run(["analyze", MOBILENET, "-f", "table"]) == 0
    assert note in capsys.readouterr().out  # the same words as the text report
    assert "<h2>Memory (fp32, 4 B per element)</h2>" in page and "peak = the most activation bytes live" in page
    assert run(["analyze", MOBILENET, "-f", "html", "--all", "-o", str(out)]) == 0
    ops = out.read_text()[out.read_text().index("<h2>By operator</h2>") :]
    assert '<td class="l">flatten</td>' in ops[: ops.index("</table>")] and "cost nothing" not in ops
