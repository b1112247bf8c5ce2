"""Terminal output: tables fitted to a fixed width (no line longer than the terminal), names
shortened in the middle, the note on dropped columns, summary first, NO_COLOR; and the new
analyze options (--columns, --depth, --top) and check's peak-activation limit."""

from __future__ import annotations

import io
import json

import pytest
from rich.cells import cell_len

from conftest import ROOT
from dscost import cost
from dscost.cli import run
from dscost.memory import model_memory
from dscost.readers import load
from dscost.report.analyze import show_analysis
from dscost.report.compare import show_comparison
from dscost.report.document import Column, fit_columns, share_bar
from dscost.report.names import collapse_path, shorten_cells, shorten_middle
from dscost.views import hidden_by_default
from report_models import vit_like


class Terminal(io.StringIO):
    """A StringIO that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def on_terminal(fn, *args, width: int, monkeypatch, no_color: bool = True, **kw) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    out = Terminal()
    fn(*args, out=out, **kw)
    return out.getvalue()


def analysis(path):
    m = load(path)
    a = cost.analyze(m)
    return a, model_memory(m, "fp32", a.totals.params)


@pytest.fixture(scope="module")
def vit_path(tmp_path_factory):
    return vit_like(tmp_path_factory.mktemp("vit"), blocks=12, dim=64)


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("which", ["mobilenet_v1", "resnet18", "vit"])
def test_analyze_fits_the_terminal(which, width, monkeypatch, vit_path):
    path = vit_path if which == "vit" else ROOT / "models" / f"{which}.yaml"
    a, mem = analysis(path)
    text = on_terminal(show_analysis, a, "table", memory=mem, width=width, monkeypatch=monkeypatch)
    lines = text.splitlines()
    assert max(cell_len(x) for x in lines) <= width, [x for x in lines if cell_len(x) > width][:3]
    assert "\x1b" not in text  # NO_COLOR: not even bold
    # summary first: totals and the what-if before the long per-layer list
    assert text.index("Totals") < text.index("What if") < text.index("Layers")
    flat = " ".join(text.split())
    assert "hidden to fit" in flat and "pick columns with --columns" in flat and "piped (| cat) or --format markdown shows every column" in flat
    # every visible layer still has a row (names may be shortened, never folded)
    header = next(i for i, x in enumerate(lines) if x.startswith("Layers"))
    visible = [x for x in a.layers if not hidden_by_default(x)]
    rows = lines[header + 3 : header + 3 + len(visible)]
    assert [r.split()[0][-4:] for r in rows] == [shorten_middle(x.name, 200)[-4:] for x in visible]
    assert not lines[header + 3 + len(visible)].startswith(("/", "conv", "dsconv", "layer", "fc"))


def test_long_onnx_names_are_shortened_in_the_middle(monkeypatch, vit_path):
    a, mem = analysis(vit_path)
    text = on_terminal(show_analysis, a, "table", memory=mem, width=80, monkeypatch=monkeypatch)
    assert "/blocks.11/attn/qkv/MatMul" in text  # '/blocks/blocks.11/...' collapsed, nothing lost
    piped = io.StringIO()
    show_analysis(a, "table", memory=mem, out=piped)
    assert "/blocks/blocks.11/attn/qkv/MatMul" in piped.getvalue() and "…" not in piped.getvalue()


def test_roofline_estimate_wraps_its_values_at_80_columns(monkeypatch):
    """The roofline table's values (the hardware's source, the what-if) are word-wrapped to fit,
    never dropped (at 80 columns its value column used to be hidden, leaving the item names);
    and a table with both a shortened and a wrapped column fits."""
    from dscost.roofline import model_roofline, resolve_hardware

    m = load(ROOT / "models" / "mobilenet_v1.yaml")
    a = cost.analyze(m)
    roof = model_roofline(m.layers, "fp32", resolve_hardware("t4"))
    text = on_terminal(show_analysis, a, "table", roofline=roof, memory=model_memory(m, "fp32", a.totals.params), width=80, monkeypatch=monkeypatch)
    lines = text.splitlines()
    assert max(cell_len(x) for x in lines) <= 80, [x for x in lines if cell_len(x) > 80][:3]
    table = lines[lines.index("Roofline estimate") :]
    assert "value" in table[1] and any(x.startswith("source ") and "T4" in x for x in table) and "(value)" not in text
    # --hardware asked for the estimate: the layers table keeps its time and bound (before the shapes)
    header = lines[lines.index("Layers") + 1].split()
    assert header[:2] == ["layer", "type"] and header[-3:] == ["est.", "time", "bound"], header
    assert "dsconv1.dw" in text and any(x.startswith("dsconv1.dw ") and x.rstrip().endswith("memory") for x in lines)
    cols = [Column("name", "name", ["/a/very/long/layer/name/of/a/model/" * 2]), Column("why", "why", ["a few words of prose " * 5], align="l", wrap=True)]
    cols[0].shrink = True
    kept, dropped = fit_columns(cols, 60)
    assert not dropped and kept[1].wrap_at and max(len(c) for c in kept[0].cells) + 2 + kept[1].wrap_at <= 60


def test_schema_keeps_the_descriptions_on_a_narrow_terminal(monkeypatch):
    """`dscost schema budget -f table` at 80 columns: each field's description is word-wrapped
    and kept; the long type column (`integer | list[integer] | null`) does not fit beside it, so
    the types are lines after the table, one per field."""
    from dscost.budget_schema import budget_json_schema
    from dscost.report.document import emit
    from dscost.report.schema import schema_doc

    text = on_terminal(lambda out: emit("table", doc=lambda: schema_doc(budget_json_schema()), out=out), width=80, monkeypatch=monkeypatch)
    lines = text.splitlines()
    assert max(cell_len(x) for x in lines) <= 80
    entry = lines[lines.index("BudgetEntry") + 1]
    assert "description" in entry and "type" not in entry and "hidden to fit" not in text
    assert "\ntype:\n  path: string | null\n  name: string | null\n" in text and "  max_macs: integer | string | null\n" in text
    assert any(x.startswith("max_params ") and "Learnable" in x for x in lines)
    assert "\n\n\n" not in text  # (one blank line between those lines and the next table, not two)


def test_diff_keeps_the_deltas_on_a_narrow_terminal(monkeypatch, vit_path, tmp_path):
    """dscost diff of two ViT-like graphs (long ONNX names) at 80 columns: the layer names are
    shortened in the middle, the delta columns kept; the base and new figures go first."""
    from dscost.diff import diff
    from dscost.report.diff import diff_doc
    from dscost.report.document import emit

    wider = vit_like(tmp_path, blocks=12, dim=96)
    d = diff(cost.analyze(load(vit_path)), cost.analyze(load(wider)))
    text = on_terminal(lambda out: emit("table", doc=lambda: diff_doc(d), out=out), width=80, monkeypatch=monkeypatch)
    lines = text.splitlines()
    assert max(cell_len(x) for x in lines) <= 80
    header = next(x for x in lines if "layer" in x and "type" in x)
    assert "Δ MACs" in header and "Δ params" in header and "…" in text
    hidden = " ".join(lines).split("hidden to fit 80 columns (")[1].split(")")[0]
    assert "base params" in hidden and "Δ" not in hidden


def test_colors_only_on_a_terminal_without_no_color(monkeypatch):
    a, mem = analysis(ROOT / "models" / "mobilenet_v1.yaml")
    assert "\x1b[" in on_terminal(show_analysis, a, "table", memory=mem, width=120, monkeypatch=monkeypatch, no_color=False)
    piped = io.StringIO()
    show_analysis(a, "table", memory=mem, out=piped)
    assert "\x1b" not in piped.getvalue()
    assert "share" not in piped.getvalue().split("\n\n")[1]  # the bar is a terminal column


def test_compare_fits_80_columns_without_rich(monkeypatch):
    from dscost.cost import compare, make_conv_geom

    c = compare(make_conv_geom((3, 3), 32, 64, (112, 112), (1, 1), (1, 1), "same"))
    out = Terminal()
    monkeypatch.setattr("sys.stdout", out)
    text = on_terminal(lambda *a, out: show_comparison(*a, padding="same"), c, "table", width=80, monkeypatch=monkeypatch)
    text = out.getvalue()
    assert max(map(len, text.splitlines())) <= 80
    header = next(x for x in text.splitlines() if x.startswith("variant"))
    assert "substituted" not in header and "hidden to fit" not in text and "\x1b" not in text
    # the formulas that do not fit beside the numbers are lines after the table, one per variant
    assert "formula (MACs) = substituted:\n  standard: Dk^2*M*N*DF^2 = 3^2*32*64*112^2 = 231,211,008\n" in text


def test_shorten_and_bar():
    name = "/features/features.3/block/block.0/block.0.0/Conv"
    assert collapse_path(name) == "/features.3/block.0.0/Conv"
    assert shorten_middle(name, 100) == name
    assert shorten_middle(name, 26) == "/features.3/block.0.0/Conv"
    s = shorten_middle(name, 20)
    assert len(s) == 20 and s.startswith("/features.3/…") and s.endswith(".0/Conv")
    assert shorten_middle("backbone.stage4.block17.expand_conv_with_a_long_name", 21) == "…stage4…h_a_long_name"
    # PyTorch's dotted module paths: the leading names without an index go, the index stays
    rows = [shorten_middle(f"model.layers.{i}.mlp.{p}_proj/MatMul", 29) for i in (0, 11) for p in ("gate", "down")]
    assert rows == ["…layers.0…lp.gate_proj/MatMul", "…layers.0…lp.down_proj/MatMul", "…layers.11…p.gate_proj/MatMul", "…layers.11…p.down_proj/MatMul"]
    assert shorten_middle("model.layers.0.mlp.gate_proj/MatMul", 30) == "…layers.0.mlp.gate_proj/MatMul"
    assert shorten_middle("features.3.block.0.0", 12) == "featu…ck.0.0"
    # a transformer's blocks differ in the indexed segment, not in the model's name before it
    h0, h11 = (shorten_middle(f"/transformer/h.{i}/mlp/c_fc/Gemm", 22) for i in (0, 11))
    assert (h0, h11) == ("…/h.0/mlp/c_fc/Gemm", "…/h.11/mlp/c_fc/Gemm")
    s = shorten_middle("/model/encoder/layers.0/self_attn/q_proj/MatMul", 26)
    assert s == "…/layers.0/s…q_proj/MatMul" and len(s) == 26
    # a diff's renamed layer 'a -> b': each side shortened, the arrow kept
    assert shorten_middle("dsconv1.pw_relu -> stage2.expand_relu6", 34) == "dsconv1.pw_relu -> stage2.…d_relu6"
    assert shorten_middle("dsconv3.pw_bn -> stage2.res.project_bn", 30) == "dsconv3.pw_bn -> stage2…ect_bn"
    assert share_bar(1.0) == "█" * 8 and share_bar(0.5) == "████" and share_bar(0.001) == "▏" and share_bar(0) == ""
    assert share_bar(0.99) == "███████▉"
    # two names that shorten to one text, at a two-digit index: told apart before the op, which stays
    names = [f"model.layers.{i}.{n}_layernorm/ReduceMean" for i in (1, 10) for n in ("input", "post_attention")]
    assert shorten_cells(names, 32) == ["…layers.1…t_layernorm/ReduceMean", "…layers.1…n_layernorm/ReduceMean",
                                        "…layers.10.input_lay…/ReduceMean", "…layers.10.post_atte…/ReduceMean"]  # fmt: skip


def test_a_wrapped_line_of_prose_hangs_under_its_start():
    """The plain renderer on a narrow terminal (compare): a continuation line is indented two more
    than the line it continues, so it does not read as a line of its own (a formula's second half)."""
    from dscost.report.document import Text, fit_doc

    line = "  spatial-separable: Dk0*M*grid0 + Dk1*M*grid1 + M*N*DF^2 = 3*32*112x112 + 3*32*112x112 + 32*64*112^2"
    lines = [x.text for x in fit_doc([Text(line), Text("a " * 30)], 60, 2, wrap=True)]
    assert lines == ["  spatial-separable: Dk0*M*grid0 + Dk1*M*grid1 + M*N*DF^2 =", "    3*32*112x112 + 3*32*112x112 + 32*64*112^2",
                     "a " * 30]  # fmt: skip  (a line that fits is left as it is)
    assert [x.text for x in fit_doc([Text("word " * 20)], 40, 2, wrap=True)][1].startswith("  word")


def test_rich_wraps_prose_and_notes_with_the_same_hang(monkeypatch):
    """Rich on an 80-column terminal: the legend above the tables and a table's notes wrap with
    their continuation lines indented, as the plain renderer's (Rich's own wrapping began them at
    the margin, where they read as lines of their own)."""
    a, memory = analysis(ROOT / "models" / "mobilenet_v1.yaml")
    text = on_terminal(show_analysis, a, "table", memory=memory, width=80, monkeypatch=monkeypatch)
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("MACs = multiply-accumulates"))
    assert len(lines[at]) <= 80 and lines[at + 1].startswith("  ") and not lines[at + 2].startswith(" ")
    peak = next(i for i, line in enumerate(lines) if line.startswith("peak = the most activation bytes"))
    assert lines[peak + 1].startswith("  ") and all(len(line) <= 80 for line in lines)


def test_legends_are_those_of_the_columns_shown(monkeypatch):
    """`--columns all` on an 80-column terminal: the columns that do not fit are hidden, the
    first listed kept, and the legends under the table are only the shown columns' (share,
    other ops and sep MACs were explained under a table that no longer had them)."""
    from dscost.report.analyze import View

    a, memory = analysis(ROOT / "models" / "mobilenet_v1.yaml")
    view = View.from_options(False, None, 2, "all", None)
    text = on_terminal(show_analysis, a, "table", memory=memory, view=view, width=80, monkeypatch=monkeypatch)
    layers = text.split("\nLayers\n", 1)[1].split("\n\n", 1)[0]
    assert layers.splitlines()[0].split() == ["layer", "type", "kernel", "input", "->", "output", "MACs", "params"]
    assert "8 columns hidden to fit 80 columns (% MACs, share, other ops, sep MACs, sep" in layers and "--columns" not in layers
    assert not any(legend in layers for legend in ("share: MACs as a bar", "other ops: bias", "sep MACs / sep params:", "act bytes ="))


def test_a_status_line_wraps_on_a_terminal_only(monkeypatch):
    """`convert`'s and `export`'s 'wrote ...' line on stderr: word-wrapped with a hanging indent on
    a terminal (it was cut mid-word by the terminal at 80 columns), one line when redirected."""
    from dscost.report.document import status

    monkeypatch.setenv("COLUMNS", "40")
    line = "wrote cv_separable.onnx (1 conv converted; the new weights need fine-tuning before use)"
    tty, piped = Terminal(), io.StringIO()
    status(line, tty)
    status(line, piped)
    assert tty.getvalue().splitlines() == ["wrote cv_separable.onnx (1 conv", "  converted; the new weights need", "  fine-tuning before use)"]
    assert piped.getvalue() == line + "\n"


def test_two_names_are_never_shortened_to_one_text():
    """Found by a README check at 80 columns: each block's two LayerNorms of a timm ViT export,
    '/blocks/blocks.0/norm1/LayerNormalization' and '.../norm2/...', were both shown as
    '/blocks.0/…LayerNormalization' (12 pairs); they are cut at the end instead, and once one
    name is too long every path of the column loses its repeated segments alike."""
    from dscost.report.names import shorten_cells

    cells = [f"/blocks/blocks.{i}/{n}" for i in (0, 11) for n in ("norm1/LayerNormalization", "attn/qkv/MatMul", "attn/qkv/Add", "norm2/LayerNormalization")]
    assert shorten_middle(cells[0], 29) == shorten_middle(cells[3], 29) == "/blocks.0/…LayerNormalization"
    assert shorten_cells(cells, 29) == ["/blocks.0/norm1/LayerNormali…", "/blocks.0/attn/qkv/MatMul", "/blocks.0/attn/qkv/Add", "/blocks.0/norm2/LayerNormali…",
                                        "/blocks.11/norm1/LayerNormal…", "/blocks.11/attn/qkv/MatMul", "/blocks.11/attn/qkv/Add", "/blocks.11/norm2/LayerNormal…"]  # fmt: skip
    assert shorten_cells(["/a/a.0/Conv", "/b/Relu"], 40) == ["/a/a.0/Conv", "/b/Relu"]  # (all fit: as they are)


def test_fit_columns_by_priority_and_alternative():
    cols = [
        Column("name", "layer", ["a-very-long-layer-name-indeed"] * 2, "l", 0, shrink=True),
        Column("shape", "input -> output", ["1x3x224x224 -> 1x32x112x112"] * 2, "l", 5),
        Column("output", "output", ["1x32x112x112"] * 2, "l", 5.5, alt_of="shape"),
        Column("macs", "MACs", ["10.8M"] * 2, "r", 1),
    ]
    kept, dropped = fit_columns(cols, 45, 2)
    assert [c.key for c in kept] == ["name", "output", "macs"] and [c.key for c in dropped] == []
    assert sum(c.width for c in kept) + 2 * 2 <= 45
    kept, dropped = fit_columns([Column("a", "a", ["x"]), Column("b", "b", ["y"])], None)
    assert len(kept) == 2 and not dropped


@pytest.mark.parametrize("rich", [True, False])
def test_prose_column_wraps_instead_of_being_dropped(rich, monkeypatch):
    """The uncounted-ops table on an 80-column terminal: the reason (a wrap column) is kept and
    word-wrapped onto continuation rows, the node list goes first; a title longer than the
    fitted table stays on one line (Rich would wrap a table title to the table's width)."""
    from dscost.report.document import Table, emit

    reason = "unknown shape of output 0 ('/roi_heads/box_roi_pool/RoiAlign_output_0'): the number of boxes depends on the data"
    nodes = ", ".join(f"/roi_heads/box_roi_pool/RoiAlign_{i}" for i in range(5))
    title = "Uncounted ops (2 nodes; their MACs are NOT in the totals above)"
    rows = [["RoiAlign", "2", nodes, "", reason], ["Gemm", "4", "/fc6/Gemm", "14.4M", "short reason"]]
    table = Table(title, ["op", "count", "nodes", "params", "reason"], rows, "lrlrl", priority=[0, 1, 4, 2, 3], shrink=None, wrap=4)
    text = on_terminal(lambda out: emit("table", doc=lambda: [table], out=out, rich=rich), width=80, monkeypatch=monkeypatch)
    lines = text.splitlines()
    assert max(map(cell_len, lines)) <= 80
    assert title in lines
    header = next(x for x in lines if x.startswith("op"))
    assert header.split() == ["op", "count", "params", "reason"]
    assert "hidden to fit 80 columns (nodes)" in text
    start = lines.index(next(x for x in lines if x.startswith("RoiAlign")))
    at = header.index("reason")
    pieces = [lines[start][at:].strip()]
    for x in lines[start + 1 :]:
        if x.startswith("Gemm"):
            break
        assert not x[:at].strip()  # a continuation row: the other cells blank
        pieces.append(x[at:].strip())
    assert len(pieces) >= 2 and " ".join(pieces) == reason
    assert any(x.startswith("Gemm") and x.rstrip().endswith("short reason") and "14.4M" in x for x in lines)


# --------------------------------------------------------------------------
# analyze options through the CLI


def test_columns_option(capsys):
    assert run(["analyze", str(ROOT / "models" / "mobilenet_v1.yaml"), "--columns", "name,macs,sep_macs,act_bytes,share"]) == 0
    out = capsys.readouterr().out
    header = out.split("Layers\n")[1].splitlines()[0].split()
    assert header == ["layer", "MACs", "sep", "MACs", "act", "bytes", "share"]
    assert "█" in out
    assert run(["analyze", str(ROOT / "models" / "mobilenet_v1.yaml"), "--columns", "name,flux"]) == 2
    assert "unknown column 'flux'" in capsys.readouterr().err
    assert run(["analyze", str(ROOT / "models" / "mobilenet_v1.yaml"), "--columns", "name,est_time"]) == 2
    assert "needs --hardware" in capsys.readouterr().err


def test_depth_and_top(capsys, vit_path):
    assert run(["analyze", str(vit_path), "--depth", "2", "-f", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    mods = d["modules"]
    assert sum(x["macs"] for x in mods) == d["totals"]["macs"] and sum(x["params"] for x in mods) == d["totals"]["params"]
    assert len([x for x in mods if not x["hidden_by_default"]]) == 12 + 4  # patch_embed/proj, 12 blocks, norm, ReduceMean, head
    assert run(["analyze", str(vit_path), "--depth", "2"]) == 0
    out = capsys.readouterr().out
    table = out.split("Modules\n")[1].split("\n\n")[0].splitlines()
    assert table[0].split()[:3] == ["module", "type", "layers"] and len([x for x in table[2:] if x.startswith("/")]) == 12 + 4
    assert run(["analyze", str(ROOT / "models" / "mobilenet_v1.yaml"), "--top", "3"]) == 0
    out = capsys.readouterr().out
    rows = out.split("Layers\n")[1].splitlines()[2:6]
    assert [r.split()[0] for r in rows[:3]] == ["dsconv6.1.pw", "dsconv6.2.pw", "dsconv6.3.pw"] or all("pw" in r.split()[0] for r in rows[:3])
    assert rows[3].startswith("… 82 more layers")


def test_module_what_ifs_in_flops_as_layer_ones(capsys):
    """Found by the fifth red team: with --flops a layer's JSON what-if has separable_flops, a
    module's had none.  Each module's is twice its MACs, and they sum to the layers' own."""
    assert run(["analyze", str(ROOT / "models" / "conv_mobilenet_v1.yaml"), "--depth", "1", "--flops", "-f", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    w = next(m["what_if"] for m in d["modules"] if m["what_if"])
    assert w["flops"] == 2 * w["macs"] and w["separable_flops"] == 2 * w["separable_macs"]
    assert sum(m["what_if"]["separable_flops"] for m in d["modules"] if m["what_if"]) == sum(x["what_if"]["separable_flops"] for x in d["layers"] if x["what_if"])


def test_csv_at_depth_is_one_row_per_module(capsys):
    assert run(["analyze", str(ROOT / "models" / "mobilenet_v1.yaml"), "--depth", "1", "-f", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("name,type,layers,macs")
    assert sum(int(x.split(",")[3]) for x in lines[1:]) == 568_740_352


def test_memory_in_json_and_table(capsys):
    assert run(["analyze", str(ROOT / "models" / "mobilenet_v1.yaml"), "-f", "json", "--dtype", "fp16"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["memory"]["peak_activation_bytes"] == 6_422_528 // 2 and d["memory"]["peak_layer"] == "dsconv1.pw_bn"
    assert d["memory"]["weight_bytes"] == 2 * d["totals"]["params"]
    assert d["layers"][0]["activation_bytes"] == (3 * 224 * 224 + 32 * 112 * 112) * 2
    assert {o["op"] for o in d["by_operator"]} >= {"pointwise", "depthwise", "conv", "fc"}
    assert run(["analyze", str(ROOT / "models" / "mobilenet_v1.yaml")]) == 0
    out = capsys.readouterr().out
    assert "peak live activations            6.42MB   6,422,528  dsconv1.pw_bn" in out and "By operator" in out


def test_check_peak_activation_limit(capsys, tmp_path):
    spec = str(ROOT / "models" / "mobilenet_v1.yaml")
    assert run(["check", spec, "--max-peak-activation-bytes", "6422528"]) == 0
    capsys.readouterr()
    assert run(["check", spec, "--max-peak-activation-bytes", "6MB", "-f", "json"]) == 1
    d = json.loads(capsys.readouterr().out)
    c = d["models"][0]["checks"][0]
    assert c["key"] == "max_peak_activation_bytes" and c["actual"] == 6_422_528 and c["detail"] == "at dsconv1.pw_bn"
    budget = tmp_path / "budget.yaml"
    budget.write_text(f"budgets:\n  - path: {spec}\n    max_peak_activation_bytes: 3.3MB\n    dtype: fp16\n")
    assert run(["check", "--budget", str(budget)]) == 0
    assert "peak activations (fp16)" in capsys.readouterr().out


# --------------------------------------------------------------------------
# bench progress


class FakeSession:
    def run(self, outputs, feeds):
        return [0]


class Recorder:
    def __init__(self) -> None:
        self.stages: list[tuple] = []

    def stage(self, label, total=None, completed=None):
        self.stages.append((label, total, completed))


def test_bench_timing_reports_progress():
    from dscost.progress import Progress
    from dscost.progress import progress_bar
    from dscost.timing import time_sessions

    rec = Recorder()
    t = time_sessions({"standard": (FakeSession(), {}), "separable": (FakeSession(), {})}, budget_s=0.05, max_runs=50, progress=rec).timings
    assert t["standard"].runs == t["separable"].runs
    assert rec.stages[0][0] == "warming up standard and separable"
    assert rec.stages[-1][0].startswith("timing standard and separable: ") and rec.stages[-1][1] == 100
    assert [s[2] for s in rec.stages[1:]] == sorted(s[2] for s in rec.stages[1:])  # never goes back
    with progress_bar(True, "x") as bar:  # stderr is not a terminal under pytest: a silent bar
        assert isinstance(bar, Progress) and bar.bar is None
    with progress_bar(False, "x") as bar:
        assert bar.bar is None
        with progress_bar(bar, "y") as inner:  # a bar handed down is reused, not reopened
            assert inner is bar


def test_terminal_width_of_a_zero_sized_pty(monkeypatch):
    """A pseudo-terminal nobody sized (0 x 0, as scripts open them) is laid out for 80 columns."""
    import os as _os

    from dscost.report.document import terminal_width

    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr(_os, "get_terminal_size", lambda fd: _os.terminal_size((0, 0)))
    assert terminal_width(Terminal()) == 80
    monkeypatch.setenv("COLUMNS", "12")
    assert terminal_width(Terminal()) == 40


WIDE = """\
name: wide
input: [3, 16, 16]
layers:
  - {type: conv, name: "骨干网络.第一阶段.卷积层一.非常长的名字", channels: 8, kernel: 3}
  - {type: conv, name: "😀😀😀😀.emoji_layer_name_long", channels: 8, kernel: 3}
  - {type: conv, name: normal_name_conv3, channels: 8, kernel: 3}
"""


@pytest.mark.parametrize("width", [None, 60, 80])
def test_wide_characters_take_two_cells(width, monkeypatch, tmp_path, capsys):
    """Tables were measured with len(): a CJK or emoji name (two cells a character) pushed its
    row's columns right when piped, and an 80-column table came out 90 cells wide (red team 7).
    They are measured and cut by cells, as the terminal draws them."""
    (tmp_path / "wide.yaml").write_text(WIDE, encoding="utf-8")
    a, mem = analysis(tmp_path / "wide.yaml")
    if width is None:  # piped: plain text, every column
        show_analysis(a, "table", memory=mem)
        text = capsys.readouterr().out
    else:
        text = on_terminal(show_analysis, a, "table", memory=mem, width=width, monkeypatch=monkeypatch)
    lines = text.splitlines()
    assert width is None or max(cell_len(x) for x in lines) <= width, [x for x in lines if cell_len(x) > width]
    header = next(i for i, x in enumerate(lines) if x.startswith("Layers"))
    rows = lines[header + 3 : header + 6]
    assert [r[:2] for r in rows] == ["骨干", "😀😀", "no"]
    # every row's second column (type: conv) starts at the same cell
    starts = {cell_len(r[: r.index("  conv") + 2]) for r in rows}
    assert len(starts) == 1, rows


def test_a_check_label_is_wrapped_not_cut(monkeypatch):
    """At 80 columns the label "peak activations (fp16) (at dsconv1.pw_bn)" had been cut in its
    middle to "peak activations (f… (at dsconv1.pw_bn)", losing the dtype the limit is checked
    at (red team 7): it is wrapped onto a second line instead, every word kept."""
    from dscost import gate
    from dscost.budget import check_models
    from dscost.report.check import show_check

    limits = gate.Limits(dtype="fp16", max_macs=600_000_000, max_peak_activation_bytes=3_500_000, max_layer_macs=60_000_000)
    rep = check_models([str(ROOT / "models" / "mobilenet_v1.yaml")], limits)
    text = on_terminal(show_check, rep, "table", width=80, monkeypatch=monkeypatch)
    assert max(cell_len(x) for x in text.splitlines()) <= 80
    assert "peak activations (fp16) (at" in text and "dsconv1.pw_bn)" in text and "…" not in text
