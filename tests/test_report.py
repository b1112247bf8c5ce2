"""Renderers on a hand-built model (tests/conftest.py): JSON contract, CSV, Markdown, tables."""

from __future__ import annotations

import csv
import io
import json

import pytest

import sys

from dscost import cost
from dscost.report.analyze import analysis_doc, show_analysis
from dscost.report.compare import show_comparison
from dscost.report.document import emit, emit_rich
from dscost.report.jsontext import dumps
from dscost.units import human
from dscost.layers import Layer, Model
from conftest import conv_layer, make_tiny_model, tiny_layers


def render(fn, *args, **kw) -> str:
    out = io.StringIO()
    old = sys.stdout
    sys.stdout = out
    try:
        fn(*args, **kw)
    finally:
        sys.stdout = old
    return out.getvalue()


@pytest.mark.parametrize(
    "n, text",
    [(0, "0"), (288, "288"), (999, "999"), (1000, "1.00K"), (18_432, "18.4K"), (4_209_088, "4.21M"), (231_211_008, "231.2M"), (4_866_000_000, "4.87G"), (-2_500, "-2.50K"), (1.5, "1.50"), pytest.param(10**999, "1.00e+999", id="1e999"), pytest.param(-(10**400), "-1.00e+400", id="-1e400"), (2 * 10**30, "2.00e+30"), (1.5e300, "1.50e+300"),
     # (found by the fifth red team: a value that rounds up to the next unit takes it)
     (999_950, "1.00M"), (999_949, "999.9K"), (9_999, "10.0K"), (9_994, "9.99K"), (999_999_999_999, "1.00T"), (10**18 - 1, "1.00e+18")],
)
def test_human(n, text):
    assert human(n) == text


def test_analysis_json_contract(tiny_analysis):
    d = json.loads(render(show_analysis, tiny_analysis, "json"))
    assert set(d) >= {"model", "convention", "layers", "totals", "what_if", "uncounted", "notes", "blocks"}
    assert d["model"] == "tiny"
    assert d["convention"]["count"] == "macs"
    assert d["notes"] == ["symbolic batch set to 1"]
    assert d["totals"] == {"macs": 106_656, "params": 618, "weights": 576, "biases": 10, "norm_params": 32, "buffers": 32, "other_ops": 20_490}
    names = [layer["name"] for layer in d["layers"]]
    assert names[0] == "conv1" and "flatten" in names and len(names) == 11  # JSON keeps shape-only layers
    conv1 = d["layers"][0]
    for key in ("name", "type", "input_shape", "output_shape", "macs", "params", "what_if"):
        assert key in conv1
    assert conv1["input_shape"] == [1, 3, 32, 32] and conv1["output_shape"] == [1, 8, 16, 16]
    assert (conv1["macs"], conv1["params"]) == (55_296, 216)
    # conv1 as dw 3x3 s2 (3 ch) + pw 3->8 on 16x16: 9*3*256 + 3*8*256 MACs, 27 + 24 params
    assert conv1["what_if"] == {"separable_macs": 13_056, "separable_params": 51}
    assert all(layer["what_if"] is None for layer in d["layers"][1:])
    assert d["what_if"]["all_separable"]["macs"] == 106_656 - 55_296 + 13_056
    assert d["what_if"]["all_separable"]["params"] == 618 - 216 + 51
    # dw1+bn2+relu2+pw1 -> one 3x3 conv 8->16 on 16x16: 9*8*16*256 MACs, 1152 weights (BN2 gone)
    assert d["what_if"]["all_standard"]["macs"] == 106_656 - (18_432 + 32_768) + 294_912
    assert d["what_if"]["all_standard"]["params"] == 618 - (72 + 128 + 16) + 1152
    assert d["blocks"] == [{"depthwise": "dw1", "middle": ["bn2", "relu2"], "pointwise": "pw1"}]
    assert d["uncounted"] == []
    assert all(isinstance(v, int) for v in d["totals"].values())


def test_analysis_json_flops_and_uncounted():
    a = cost.analyze(make_tiny_model(uncounted=True))
    d = json.loads(render(show_analysis, a, "json", flops=True))
    assert d["convention"]["count"] == "flops"
    assert d["totals"]["flops"] == 2 * d["totals"]["macs"] == 213_312
    assert d["layers"][0]["flops"] == 110_592 and d["layers"][0]["what_if"]["separable_flops"] == 26_112
    assert d["what_if"]["all_separable"]["flops"] == 2 * d["what_if"]["all_separable"]["macs"]
    assert d["uncounted"] == [
        {"name": "nms_1", "op": "NonMaxSuppression", "reason": "data-dependent output size", "params": 0},
        {"name": "loop_7", "op": "Loop", "reason": "control flow", "params": 0},
    ]


@pytest.mark.parametrize("options", [{}, {"flops": True}, {"memory": True}, {"memory": True, "hardware": True}])
def test_analysis_json_lines_equal_the_dicts(options):
    """The CLI writes layers as lines filled into templates (one per distinct layer content);
    they must be exactly what json.dumps writes for each layer's dict."""
    from dscost.memory import model_memory
    from dscost.report.analyze import analysis_json
    from dscost.roofline import model_roofline, resolve_hardware

    layers = tiny_layers()
    base = layers[-1].name  # read by every block's add: live through them all (live_bytes > activation_bytes)
    for i in range(3):  # a repeated block: the same content under other names, with 1 and 2 inputs
        prev = layers[-1].name
        layers += [conv_layer(f"blk{i}.conv", prev, 3, 16, 16, 8), Layer(f"blk{i}.add", "add", "Add", (f"blk{i}.conv", base), (1, 16, 8, 8), (1, 16, 8, 8), cost.Cost(other_ops=1024))]
    odd = 'blöck/ünïcode "quoted"'
    layers[-2].name, layers[-1].inputs = odd, (odd, base)  # blk2.conv renamed
    layers[-1].note = "a note with \x00name and \x00inputs in it"  # the slots' text: this line is encoded whole
    a = cost.analyze(Model("rep", "hand-built", layers))
    flops = options.get("flops", False)
    mem = model_memory(a.model, "fp32", a.totals.params) if options.get("memory") else None
    roof = model_roofline(a.layers, "fp16", resolve_hardware("t4")) if options.get("hardware") else None
    fast = dumps(analysis_json(a, flops, roof, mem, lazy=True))
    assert fast == dumps(analysis_json(a, flops, roof, mem, lazy=False))
    d = json.loads(fast)["layers"]
    assert [x["name"] for x in d[-4:]] == ["blk1.conv", "blk1.add", odd, "blk2.add"]
    assert d[-1]["inputs"] == [odd, base] and d[-2]["inputs"] == ["blk1.add"]
    assert d[-1]["note"] == "a note with \x00name and \x00inputs in it"
    assert d[-2]["macs"] == d[-4]["macs"] == 9 * 16 * 16 * 64  # 3x3 conv 16->16 on 8x8, as in blk1
    if mem is not None:  # the slots hold each layer's own memory figures
        assert d[-2]["activation_bytes"] == d[-4]["activation_bytes"] == 2 * 16 * 64 * 4
        assert d[-2]["live_bytes"] == d[-4]["live_bytes"] == d[-2]["activation_bytes"] + 10 * 4  # + base (fc's 1x10)
    if roof is not None:
        assert d[-2]["estimated_time_s"] == d[-4]["estimated_time_s"] > 0


def test_analysis_csv(tiny_analysis):
    rows = list(csv.DictReader(io.StringIO(render(show_analysis, tiny_analysis, "csv"))))
    assert len(rows) == 11
    assert rows[0]["name"] == "conv1" and rows[0]["macs"] == "55296" and rows[0]["separable_macs"] == "13056"
    assert rows[0]["input_shape"] == "1x3x32x32" and rows[0]["kernel"] == "3x3"
    assert sum(int(r["macs"]) for r in rows) == 106_656
    assert sum(int(r["params"]) for r in rows) == 618
    flops_rows = list(csv.DictReader(io.StringIO(render(show_analysis, tiny_analysis, "csv", flops=True))))
    assert flops_rows[0]["flops"] == "110592"


def test_analysis_csv_lists_the_uncounted_nodes(tiny_analysis):
    """A CSV reader sees what the totals miss: a row of type "uncounted" per node, with its params
    (in the totals) and no MACs (not in them)."""
    from dataclasses import replace

    from dscost.layers import Uncounted

    m = replace(tiny_analysis.model, uncounted=[Uncounted("odd", "FusedLinear", "custom op of domain 'com.acme': no cost handler", params=12)])
    for flops in (False, True):
        rows = list(csv.DictReader(io.StringIO(render(show_analysis, cost.analyze(m), "csv", flops=flops))))
        assert len(rows) == 12 and {k: v for k, v in rows[-1].items() if v} == {"name": "odd", "type": "uncounted", "op": "FusedLinear", "params": "12"}


def _md_tables(text: str) -> list[list[list[str]]]:
    tables, cur = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            cur.append([c.strip() for c in line.strip().strip("|").split(" | ")])
        elif cur:
            tables.append(cur)
            cur = []
    if cur:
        tables.append(cur)
    return tables


def test_analysis_markdown(tiny_analysis):
    text = render(show_analysis, tiny_analysis, "markdown")
    tables = _md_tables(text)
    layers = tables[0]
    assert layers[0][:6] == ["layer", "type", "kernel", "input -> output", "MACs", "params"]
    assert set(layers[1][0]) <= set("-:|")
    assert {len(r) for r in layers[2:]} == {len(layers[0])}  # every row has the header's column count
    body = {r[0]: r for r in layers[2:]}
    assert "flatten" not in body  # shape-only layer hidden without --all
    assert body["conv1"][4] == "55.3K" and body["conv1"][10] == "4.24x"
    assert layers[0][7] == "other ops" and body["conv1"][7] == ""  # no bias: no other ops
    totals = {r[0]: r for r in tables[1][2:]}
    assert totals["MACs"][2] == "106,656"


def test_markdown_keeps_code_spans_and_escapes_the_rest():
    """Backtick pairs stay code spans (inert in Markdown: the schema's "default `<type><position>`"
    renders as code, not as an escaped "\\<type>" with its backslashes showing), a ``|`` in
    them escaped so the cell does not end; outside them, and for a lone backtick, HTML, emphasis,
    cell ends and links are escaped as before."""
    from dscost.report.document import _md_cell

    assert _md_cell("default `<type><position>` (1-based)") == "default `<type><position>` (1-based)"
    assert _md_cell("x`|`y <b>") == "x`\\|`y \\<b>"
    assert _md_cell("a``b`c`") == "a\\``b`c\\`"
    assert _md_cell("one` <i>*x*</i>|[a](b)") == "one\\` \\<i>\\*x\\*\\</i>\\|[a]\\(b)"
    out = io.StringIO()
    from dscost.report.schema import schema_doc
    from dscost.report.document import emit_markdown
    from dscost.spec import spec_json_schema

    emit_markdown(schema_doc(spec_json_schema()), out)
    assert "| name | string \\| null |  | null | Unique layer name; default `<type><position>` (1-based position in its list). |" in out.getvalue()


def test_table_plain_hides_shape_layers_unless_all(tiny_analysis):
    text = render(show_analysis, tiny_analysis, "table")
    rows = {line.split()[0] for line in text.splitlines() if line.strip()}
    assert "fc" in rows and "flatten" not in rows and "1 shape-only layer (Flatten) hidden; --all shows them" in text
    rows_all = {line.split()[0] for line in render(show_analysis, tiny_analysis, "table", show_all=True).splitlines() if line.strip()}
    assert "flatten" in rows_all
    # Table 2 shares: standard conv 55,296 / 106,656 MACs
    assert "51.85%" in text
    assert "symbolic batch set to 1" in text
    assert "Uncounted" not in text


def test_table_lists_uncounted_ops():
    text = render(show_analysis, cost.analyze(make_tiny_model(uncounted=True)), "table")
    assert "Uncounted ops (2 nodes" in text
    assert "NonMaxSuppression" in text and "loop_7" in text


def test_long_names_are_not_truncated():
    name = "backbone.stage4.block17.expand_conv_with_a_really_long_descriptive_name"
    layers = [conv_layer(name, "input", 3, 16, 32, 56)]
    a = cost.analyze(Model("long", "hand-built", layers))
    text = render(show_analysis, a, "table")
    assert name in text and "…" not in text
    rich_out = io.StringIO()
    emit_rich(analysis_doc(a), rich_out)
    assert name in rich_out.getvalue()  # not folded over lines even on an 80-column console
    assert "…" not in rich_out.getvalue()


def test_comparison_renderers():
    g = cost.make_conv_geom((3, 3), 32, 64, (112, 112), (1, 1), (1, 1), "same")
    c = cost.compare(g)
    d = json.loads(render(show_comparison, c, "json"))
    assert d["standard"]["macs"] == 231_211_008 and d["separable"]["params"] == 2_336
    assert d["closed_form"] == "1/64 + 1/9" and d["ratio"] == pytest.approx(73 / 576)
    text = render(show_comparison, c, "table", padding="same")
    assert "0.1267 = 1/64 + 1/9" in text and "7.89x" in text and "padding same (1x1)" in text
    rows = list(csv.DictReader(io.StringIO(render(show_comparison, c, "csv"))))
    assert [r["variant"] for r in rows] == ["standard", "depthwise", "pointwise", "separable", "spatial_separable"]
    assert rows[3]["macs"] == "29302784"


def test_dumps_matches_json():
    data = {"a": [1, 2, [3]], "b": {"c": [], "d": {}}, "e": [{"f": None, "g": "x\"y"}], "h": 1.5}
    assert json.loads(dumps(data)) == data
    assert '"shape": [1, 3, 224, 224]' in dumps({"shape": [1, 3, 224, 224]})


def test_unknown_format_is_input_error(tiny_analysis):
    from dscost.errors import InputError

    with pytest.raises(InputError, match="--format csv"):
        emit("csv", doc=lambda: [])


def test_layer_without_shapes_renders():
    layers = [Layer("x", "shape", "Identity", ("input",), (), ())]
    a = cost.analyze(Model("empty", "hand-built", layers))
    assert "empty" in render(show_analysis, a, "table", show_all=True)
    assert json.loads(render(show_analysis, a, "json"))["totals"]["macs"] == 0


def test_other_ops_column_mobilenet(capsys):
    """BN = 2 ops per element, ReLU = 1: conv1's 32x112x112 output gives 802,816 and 401,408."""
    from pathlib import Path

    from dscost.readers import load

    a = cost.analyze(load(Path(__file__).resolve().parents[1] / "models" / "mobilenet_v1.yaml"))
    text = render(show_analysis, a, "markdown")
    layers = _md_tables(text)[0]
    col = layers[0].index("other ops")
    body = {r[0]: r for r in layers[2:]}
    assert body["conv1_bn"][col] == "802.8K" and body["conv1_relu"][col] == "401.4K" and body["conv1"][col] == ""


def test_a_report_file_that_cannot_be_written_is_named_and_left_as_it_was(tmp_path):
    """A full disk while `-o` is written: one error naming the file (it said only "cannot write the
    output: No space left on device"), the old file whole, no temp file left."""
    import errno

    from dscost.errors import InputError
    from dscost.report.document import output_file

    target = tmp_path / "r.html"
    target.write_text("old")
    with pytest.raises(InputError, match=r"^--output .*r\.html: cannot write \(No space left on device\); the file is left as it was$"):
        with output_file(str(target), "html") as f:
            f.write("<html>")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_a_speedup_below_one_reads_as_slower():
    """The roofline's what-if said '0.75x faster' of a model the separable form makes slower (round 68)."""
    from dscost.units import faster_or_slower

    assert (faster_or_slower(2.0), faster_or_slower(1.0), faster_or_slower(0.75), faster_or_slower(0)) == ("2.00x faster", "1.00x faster", "1.33x slower", "-")
