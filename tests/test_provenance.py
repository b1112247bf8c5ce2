"""A dynamo export's own record of where its initializers came from (dscost.readers.onnx_provenance)."""

from __future__ import annotations

from onnx import helper

import dscost
from onnx_models import init, node, save, vi


def _with_metadata(vi_, **props):
    for k, v in props.items():
        p = vi_.metadata_props.add()
        p.key, p.value = k, v
    return vi_


def test_a_dynamo_exports_own_record_tells_folded_weights_from_computed_constants(tmp_path):
    """The dynamo exporter records where each initializer came from: `W_t`, folded from the
    parameter lin.weight (transposed for the MatMul), is a param (4 x 3); `mask`, folded from
    its own values (arange...), is a constant the forward computes: a buffer, not a param, said
    so.  Without the record both are params, as in any file."""
    from dscost.readers.onnx_provenance import FOLDED, KIND

    nodes = [node("MatMul", ["x", "W_t"], "h", name="mm"), node("Add", ["h", "lin.bias"], "b", name="bias"), node("Add", ["b", "mask"], "y", name="masked")]
    inits = [init("W_t", 4, 3), init("lin.bias", 3, value=[1, 2, 3]), init("mask", 2, 3, value=[0, -1, -1, 0, 0, -1])]
    record = [_with_metadata(vi("W_t", [4, 3]), **{FOLDED: "['lin.weight']"}), _with_metadata(vi("lin.bias", [3]), **{KIND: "PARAMETER"}),
              _with_metadata(vi("mask", [2, 3]), **{FOLDED: "['arange', 'val_3', 'unsqueeze_7']"})]  # fmt: skip
    for recorded in (False, True):
        graph = helper.make_graph(nodes, "g", [vi("x", [2, 4])], [vi("y", [2, 3])], inits, value_info=record if recorded else [])
        path = save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), f"m{recorded}.onnx")
        a = dscost.analyze(str(path))
        assert a.totals.macs == 24
        assert (a.totals.params, a.totals.buffers) == ((12 + 3, 6) if recorded else (12 + 3 + 6, 0))
    assert "buffers 'mask': the module's buffers or constants, not learned parameters" in next(x for x in a.layers if x.name == "masked").note


def test_a_scalar_argument_the_exporter_folds_is_no_parameter_of_a_module():
    """Found by the fourth red team: `torch.addbmm(self.m, a, b, beta=0.5, alpha=2)` exported by
    the dynamo exporter stores `alpha_cast`, folded from `['alpha']`, and `scaled_self`, folded
    from `['beta', 'beta_cast', 'm']`.  In a file, `alpha` is taken for a parameter (any name
    not made by an op); exporting the module, whose parameters are known (`m`), it is none of
    them: `alpha_cast` is not learned, and the module counted 25 params for torch's 24."""
    from dscost.readers.onnx_provenance import FOLDED, learned

    record = [_with_metadata(vi("scaled_self", [4, 6]), **{FOLDED: "['beta', 'beta_cast', 'm']"}), _with_metadata(vi("alpha_cast", []), **{FOLDED: "['alpha']"})]
    graph = helper.make_graph([], "g", [], [], value_info=record)
    assert learned(FOLDED.encode(), graph, None) == {"scaled_self": True, "alpha_cast": True}
    assert learned(FOLDED.encode(), graph, {"m": True}) == {"scaled_self": True, "alpha_cast": False, "m": True}
    assert learned(FOLDED.encode(), graph, {"other": True})["scaled_self"] is False


def test_op_overloads_and_lifted_literals_are_no_parameters_of_a_file():
    """Found by the seventh red team on torch 2.14 dynamo files: a rotary table folded from
    ``scalar_tensor_default`` (aten.scalar_tensor.default: the op with its overload) and Swin's
    shifted-window mask folded from ``features.1.1.attn.lifted_tensor_0`` (a tensor literal of the
    forward, lifted by torch.export) had been counted as learned (a Linear(16, 16) with a RoPE
    table: 656 params for torch's 272; swin_t: 4,018 too many).  Names of parameters stay."""
    from dscost.readers.onnx_provenance import FOLDED, learned

    folded = {"cos": "['arange', 'scalar_tensor_default', 'pow_1', 'val_3']", "grid": "['add_13', 'scalar_tensor_default_6']",
              "mask": "['features.1.1.attn.lifted_tensor_0', 'val_262']", "count": "['scalar_tensor_1']",
              "w_t": "['blocks.0.attn.qkv.weight']", "bias_table": "['rel_pos_h', 'index_3']", "scaled": "['mean_default', 'layer_scale']"}  # fmt: skip
    graph = helper.make_graph([], "g", [], [], value_info=[_with_metadata(vi(n, [2]), **{FOLDED: v}) for n, v in folded.items()])
    assert learned(FOLDED.encode(), graph, None) == {"cos": False, "grid": False, "mask": False, "count": False, "w_t": True, "bias_table": True, "scaled": True}
