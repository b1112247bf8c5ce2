"""Messages in the caller's terms: the CLI's say `--input-shape x=1x3x224x224`, the Python API's
`input_shape={'x': (1, 3, 224, 224)}`, a budget file's `input_shapes: {x: [1, 3, 224, 224]}`."""

from __future__ import annotations

import pytest
import dscost
from conftest import ROOT
from dscost.cli import run
from dscost.errors import InputError
from dscost.wording import api_terms, budget_terms
from onnx_models import model, node, save

MOBILENET = str(ROOT / "models" / "mobilenet_v1.yaml")


@pytest.mark.parametrize(
    "cli_words, api, budget",
    [
        ("m.onnx: --input-shape x=1x3: the model declares input 'x' with 4 dimensions, not 2",
         "m.onnx: input_shape={'x': (1, 3)}: the model declares input 'x' with 4 dimensions, not 2",
         "m.onnx: input_shapes: {x: [1, 3]}: the model declares input 'x' with 4 dimensions, not 2"),
        ("give --input-shape input_ids=1x128:int64 or --input-shape 1x3x224x224",
         "give input_shape={'input_ids': '1x128:int64'} or input_shape=(1, 3, 224, 224)",
         "give input_shapes: {input_ids: [1, 128]}, input_dtypes: {input_ids: int64} or input_shapes: [1, 3, 224, 224]"),
        ("--dim batch=4 --input-value use_cache_branch=1", "dims={'batch': 4} input_values={'use_cache_branch': 1}",
         "dims: {batch: 4} input_values: {use_cache_branch: 1}"),
        ("--dim applies to ONNX graphs only; m.yaml is a layer spec (use --resolution)",
         "dims applies to ONNX graphs only; m.yaml is a layer spec (use resolution)",
         "dims applies to ONNX graphs only; m.yaml is a layer spec (use resolution)"),
        ("--kwargs/--arg apply to PyTorch modules only", "kwargs applies to PyTorch modules only", "kwargs applies to PyTorch modules only"),
        ("--measure-sizes counts them", "measure_sizes=True counts them", "measure_sizes: true counts them"),
        # a preset or the two rates: the API takes a preset only; a budget has no hardware (kept)
        ("--hardware 'x': unknown; choose one of a100, local or give --peak-gmacs and --bandwidth-gbs",
         "hardware 'x': unknown; choose one of a100, local",
         "--hardware 'x': unknown; choose one of a100, local or give --peak-gmacs and --bandwidth-gbs"),
        # a command between backticks, a file or an input named like a flag: kept
        ("--hardware local: no profile; run `dscost bench --calibrate --dtype fp16` first",
         "hardware local: no profile; run `dscost bench --calibrate --dtype fp16` first",
         "--hardware local: no profile; run `dscost bench --calibrate --dtype fp16` first"),
        ("a/--dim.onnx: input 'x--meta' has no shape", "a/--dim.onnx: input 'x--meta' has no shape", "a/--dim.onnx: input 'x--meta' has no shape"),
        ("give each input its own --input-shape", "give each input its own input_shape", "give each input its own input_shapes"),
    ],
)  # fmt: skip
def test_a_message_in_each_callers_words(cli_words, api, budget):
    assert api_terms(cli_words) == api
    assert budget_terms(cli_words) == budget


@pytest.fixture
def symbolic(tmp_path):
    """A Relu graph whose input is [batch, 3, 8, 8], batch symbolic."""
    return str(save(tmp_path, model([node("Relu", ["x"], "y")], [("x", ["batch", 3, 8, 8])])))


def test_the_api_names_its_own_arguments(symbolic):
    cases = [
        (dict(dims={"nope": 3}), f"{symbolic}: dims names 'nope', which is not a symbolic dimension of the graph's inputs (symbolic: 'batch')"),
        (dict(input_values={"nope": 1}), f"{symbolic}: input_values nope: the graph has no such input (inputs: 'x')"),
        (dict(input_shape={"x": "1x3"}), f"{symbolic}: input_shape={{'x': (1, 3)}}: the model declares input 'x' with 4 dimensions, not 2"),
    ]
    for options, message in cases:
        with pytest.raises(InputError) as err:
            dscost.analyze(symbolic, **options)
        assert str(err.value) == message
    with pytest.raises(InputError, match=r"^dims applies to ONNX graphs only; .*mobilenet_v1.yaml is a layer spec \(use resolution\)$"):
        dscost.analyze(MOBILENET, dims={"batch": 2})
    with pytest.raises(InputError, match=r"^dtype 'fp64': choose one of fp32, fp16, bf16, int8$"):
        dscost.analyze(MOBILENET).to_json(dtype="fp64")
    with pytest.raises(InputError, match=r"^dtype 'fp64'"):
        dscost.check(symbolic, max_macs="1G", dtype="fp64")
    assert dscost.analyze(symbolic, dims={"batch": 2}).totals.macs == 0  # (the graph itself reads)


def test_the_command_line_keeps_its_flags(capsys, symbolic):
    assert run(["analyze", symbolic, "--dim", "nope=3"]) == 2
    assert capsys.readouterr().err.strip().endswith("--dim names 'nope', which is not a symbolic dimension of the graph's inputs (symbolic: 'batch')")


def test_a_budget_file_names_its_own_keys(capsys, tmp_path, symbolic):
    budget = tmp_path / "budget.yaml"
    budget.write_text(f"budgets:\n  - path: {symbolic}\n    input_shapes: {{x: [1, 3]}}\n    max_macs: 1M\n")
    assert run(["check", "--budget", str(budget)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith(f"{budget}: budgets[0]: {symbolic}: input_shapes: {{x: [1, 3]}}: the model declares input 'x' with 4 dimensions, not 2"), err
    budget.write_text(f"budgets:\n  - path: {MOBILENET}\n    dims: {{batch: 2}}\n    max_macs: 1G\n")
    with pytest.raises(InputError, match=r"budgets\[0\]: dims applies to ONNX graphs only; .* is a layer spec \(use resolution\)$"):
        dscost.check(MOBILENET, budget=budget)


def test_an_example_input_on_the_meta_device_is_counted_at_its_shape():
    """A module with values given an input made under torch.device("meta") (shapes without values):
    torch cannot run the two together, and the exporters' failure named neither."""
    torch = pytest.importorskip("torch")
    conv = torch.nn.Conv2d(3, 8, 3, padding=1)
    x = torch.zeros(1, 3, 16, 16, device="meta")
    a = dscost.analyze(conv, x)
    assert (a.totals.macs, a.totals.params) == (3 * 3 * 3 * 8 * 16 * 16, 3 * 3 * 3 * 8 + 8)
    assert any(n.startswith("1 example input(s) on the meta device, where the module's weights are not") for n in a.model.notes)
    assert x.is_meta  # (the user's tensor is left as it is)
    emb = dscost.analyze(torch.nn.Embedding(10, 4), {"input": torch.zeros(2, 5, dtype=torch.long, device="meta")})
    assert emb.totals.params == 40
