"""A dynamo export's own record of where its initializers came from (dscost.readers.onnx_provenance)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
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
    assert learned(FOLDED.encode(), graph, None, {})[0] == {"scaled_self": True, "alpha_cast": True}
    assert learned(FOLDED.encode(), graph, {"m": True}, {})[0] == {"scaled_self": True, "alpha_cast": False, "m": True}
    assert learned(FOLDED.encode(), graph, {"other": True}, {})[0]["scaled_self"] is False


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
    assert learned(FOLDED.encode(), graph, None, {})[0] == {"cos": False, "grid": False, "mask": False, "count": False, "w_t": True, "bias_table": True, "scaled": True}


def test_a_mask_written_in_place_is_no_parameter_of_a_file():
    """Found by the libraries' round: MONAI's SwinUNETR builds each stage's shifted-window mask by
    writing slices in place (``img_mask[:, d, h, w, :] = cnt``), and the dynamo exporter records
    the folded pieces as made from ``slice_scatter_162``, ``shape_55`` and ``value_0_55`` -- names
    of torch.export's values, which dscost took for parameters: 56,009 params more than torch's at
    64^3 (its -100 fill is no infinity, so the values do not tell).  So too an InstanceNorm's ones
    and zeros made for a conv's output (``conv3d_1``, MONAI's 3-D U-Net: 244 params more).
    Parameters' names stay."""
    from dscost.readers.onnx_provenance import FOLDED, learned

    folded = {"piece": "['clone', 'fill', 'shape', 'slice_3', 'swinViT.layers1.0.lifted_tensor_0', 'value_0']",
              "windows": "['shape_55', 'slice_scatter_162', 'select_scatter_2', 'index_put_1', 'value_0_55']",
              "ones": "['conv3d_1', 'val_0', 'val_1', 'val_2']", "zeros": "['convolution_2', 'val_113']",
              "w_t": "['layers.0.value.weight']", "v": "['value_proj']", "p": "['shape_embed']", "c": "['conv3d_weight']"}  # fmt: skip
    graph = helper.make_graph([], "g", [], [], value_info=[_with_metadata(vi(n, [2]), **{FOLDED: v}) for n, v in folded.items()])
    assert learned(FOLDED.encode(), graph, None, {})[0] == {"piece": False, "windows": False, "ones": False, "zeros": False, "w_t": True, "v": True, "p": True, "c": True}


def _scores_plus(tmp_path, mask, name: str, data_type: int = 1, **save_kw):
    """Attention scores (x @ k: 1x4x8 by 8x4) plus a stored 1x4x4 constant, as a causal mask is
    added; ``data_type`` the ONNX element type of all three (``mask``: its bits, for bfloat16)."""
    from onnx import numpy_helper

    def stored(name, arr):
        t = numpy_helper.from_array(np.ascontiguousarray(arr), name)
        t.data_type = data_type  # (the same bytes: bfloat16's as uint16)
        return t

    k = np.arange(32).reshape(8, 4) / 32
    k = np.full((8, 4), 0x3F80, np.uint16) if data_type == 16 else k.astype(mask.dtype)
    graph = helper.make_graph([node("MatMul", ["x", "k"], "s", name="scores"), node("Add", ["s", "mask"], "y", name="masked")], "g",
                              [vi("x", [1, 4, 8], data_type)], [vi("y", [1, 4, 4], data_type)], [stored("k", k), stored("mask", mask.reshape(1, 4, 4))])  # fmt: skip
    return save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), name, **save_kw)


@pytest.mark.parametrize("dtype, blocked", [(np.float32, -np.inf), (np.float32, np.finfo(np.float32).min), (np.float16, -np.inf),
                                            (np.float16, np.finfo(np.float16).min), (np.float64, -np.inf), ("bfloat16", 0xFF80)])  # fmt: skip
def test_a_mask_stored_as_an_initializer_is_a_buffer(tmp_path, dtype, blocked):
    """Found by the libraries' round: open_clip's text tower exported by the dynamo exporter
    stores its causal-mask buffer, folded, as 12 initializers of 1x1x77x77 (0 and -inf), and its
    record names a source the file no longer holds (``m.attn_mask``), so dscost counted 71,148
    params torch does not.  A stored constant that an element-wise op applies to activations and
    that holds an infinity or its type's largest value (torch.finfo(dtype).min) is a mask: a
    buffer, not a parameter (its values are read, as no header tells).  The same tensor of
    learned values stays 16 biases; MatMul's 8x4 weights count either way."""
    causal = np.triu(np.ones((4, 4)), 1)
    if dtype == "bfloat16":
        mask, learned, data_type = (causal * blocked).astype(np.uint16), np.full((4, 4), 0x3F80, np.uint16), 16  # (1.0 in bfloat16)
    else:
        mask, learned, data_type = np.where(causal > 0, blocked, 0).astype(dtype), (np.arange(16) / 16 - 0.5).astype(dtype), {np.float32: 1, np.float16: 10, np.float64: 11}[dtype]
    a = dscost.analyze(str(_scores_plus(tmp_path, mask, "mask.onnx", data_type)))
    assert (a.totals.macs, a.totals.params, a.totals.buffers) == (4 * 8 * 4, 32, 16)
    assert next(x for x in a.layers if x.name == "masked").note == "buffers 'mask': infinities or the type's largest value, as a mask holds, not learned parameters"
    assert "1 stored constant(s) that element-wise ops apply to activations hold infinities or their type's largest value, as masks do ('mask'): buffers, not parameters" in " ".join(a.model.notes)
    b = dscost.analyze(str(_scores_plus(tmp_path, learned, "learned.onnx", data_type)))
    assert (b.totals.params, b.totals.buffers) == (32 + 16, 0)
    assert not any("mask" in n for n in b.model.notes)


def test_a_mask_in_external_data_is_read_there_and_one_that_cannot_be_read_counts_as_before(tmp_path):
    """The mask's values in an external-data file (at an offset, after the weights of k) are read
    there; with that file gone they cannot be, and the tensor counts as any stored one (16
    biases), as before this rule.  The model file is never changed."""
    mask = np.where(np.triu(np.ones((4, 4)), 1) > 0, -np.inf, 0).astype(np.float32)
    path = _scores_plus(tmp_path, mask, "ext.onnx", save_as_external_data=True, location="ext.data", size_threshold=0)
    before = path.read_bytes()
    a = dscost.analyze(str(path))
    assert (a.totals.params, a.totals.buffers) == (32, 16)
    assert "external data in 1 file(s), opened only to read the values of constants that may be masks" in a.model.notes
    (tmp_path / "ext.data").unlink()
    a = dscost.analyze(str(path))
    assert (a.totals.params, a.totals.buffers) == (32 + 16, 0)
    assert "external data in 1 file(s), never opened; missing: ext.data" in a.model.notes
    assert path.read_bytes() == before


def test_a_module_s_own_mask_buffer_is_not_read(tmp_path):
    """Exporting a module, which tensors are buffers is known (read_onnx's module_tensors): no
    value is read, and the mask counts as the module's buffer."""
    from dscost.readers.onnx_reader import read_onnx

    mask = np.where(np.triu(np.ones((4, 4)), 1) > 0, -np.inf, 0).astype(np.float32)
    path = _scores_plus(tmp_path, mask, "mod.onnx")
    m = read_onnx(path, module_tensors={"k": True, "mask": False})
    masked = next(x for x in m.layers if x.name == "masked")
    assert (masked.cost.biases, masked.cost.buffers) == (0, 16)
    assert masked.note == "buffers 'mask': the module's buffers or constants, not learned parameters"
    assert not any("as masks do" in n for n in m.notes)


def test_the_program_signature_names_the_buffers_the_exporter_folded_away():
    """Found by the graph networks' round: a buffer the dynamo exporter folds away entirely (a
    rotary table's inv_freq, ALiBi's slopes, PNA's avg_deg_log) leaves no record of its own,
    only its name among a folded tensor's sources, which dscost took for a parameter's (rotary
    x_transformers decoder: +1,024).  The graph's metadata holds the exported program's
    signature, which names every input of the program with its kind: a buffer there is stored,
    not learned, and so is a source it does not name as a parameter (the thirteenth round:
    normflows' and zuko's files fold zeros from onnxscript's own ``xs_0``, ``threshold`` and
    ``const_3``, which had been taken for parameters: +196 params in zuko's SoSPF).  Without the
    signature, a name not made by an op is taken for a parameter, as before."""
    from dscost.readers.onnx_provenance import FOLDED, SIGNATURE, learned

    folded = {"cos": "['arange', 'm.rotary.inv_freq', 'outer']", "slopes": "['convert_element_type_default', 'm.rel_pos.slopes', 'subtract']",
              "w_t": "['m.lin.weight']", "kept": "['m.other.scale']", "zeros": "['val_46', 'val_47', 'xs_0']"}  # fmt: skip
    graph = helper.make_graph([], "g", [], [], value_info=[_with_metadata(vi(n, [2]), **{FOLDED: v}) for n, v in folded.items()])
    assert learned(FOLDED.encode(), graph, None, {})[0] == {"cos": True, "slopes": True, "w_t": True, "kept": True, "zeros": True}  # (no signature: names guessed)
    signature = ("\n# inputs\np_m_lin_weight: PARAMETER target='m.lin.weight'\nb_m_rotary_inv_freq: BUFFER target='m.rotary.inv_freq' persistent=True\n"
                 "b_m_rel_pos_slopes: BUFFER target='m.rel_pos.slopes' persistent=False\nx: USER_INPUT\n\n# outputs\nlinear: USER_OUTPUT\n")  # fmt: skip
    _with_metadata(graph, **{SIGNATURE: signature})
    assert learned(SIGNATURE.encode(), graph, None, {})[0] == {"cos": False, "slopes": False, "w_t": True, "kept": False, "zeros": False}


def test_a_dynamo_file_says_which_initializers_are_constants_torch_export_lifted(tmp_path):
    """ncps's LTC (the fifteenth round) reads its parameters through a plain dict: torch.export
    lifts each as a constant (``lifted_tensor_0``: CONSTANT_TENSOR in the program's signature and
    in the initializer's record), so its dynamo file counts 0 params and 256 buffers.  The file
    cannot tell such a parameter from a tensor the forward builds; the note names the constant
    and says both.  A module's own export says which it was (test_torch), so gives no such note."""
    from dscost.readers.onnx_provenance import KIND, SIGNATURE, learned

    signature = "\n# inputs\np_w: PARAMETER target='w'\nc_lifted_tensor_0: CONSTANT_TENSOR target='lifted_tensor_0'\nx: USER_INPUT\n\n# outputs\nmul: USER_OUTPUT\n"
    graph = helper.make_graph([node("Mul", ["x", "lifted_tensor_0"], "y", name="mul")], "g", [vi("x", [1, 16])], [vi("y", [16, 16])],
                              [init("lifted_tensor_0", 16, 16)], value_info=[_with_metadata(vi("lifted_tensor_0", [16, 16]), **{KIND: "CONSTANT_TENSOR"})])  # fmt: skip
    _with_metadata(graph, **{SIGNATURE: signature})
    a = dscost.analyze(str(save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), "lifted.onnx")))
    assert (a.totals.params, a.totals.buffers, a.totals.other_ops) == (0, 256, 256)
    note = ("1 initializer(s) are constants torch.export lifted out of the forward (lifted_tensor_0: 256 elements), counted as buffers, not parameters: "
            "a tensor the forward builds, or a parameter it reaches other than as a module attribute (through a plain dict or list), which the file "
            "cannot tell apart; dscost.analyze on the module names such parameters")  # fmt: skip
    assert [n for n in a.model.notes if "lifted" in n] == [note]
    held = {"lifted_tensor_0": graph.initializer[0]}  # (a record with dims, as the reader's own)
    assert learned(SIGNATURE.encode(), graph, {"w": True}, held)[1] == []  # (a module's export: its own note)
    graph.ClearField("value_info")  # (the signature alone names it)
    unheld = ("the exported program's signature names 1 parameter tensor(s) this file does not hold (w): the exporter folded them into others "
              "(a BatchNorm into its conv's weights) or merged equal ones, or the forward does not read them, or reads them by another name "
              "(a module registered under two, as the signature lists it); torch's sum(p.numel()) counts each tensor once whatever its names, "
              "dscost counts the file's")  # fmt: skip
    assert a.model.notes[-1] == unheld
    assert learned(SIGNATURE.encode(), graph, None, held)[1] == [note, unheld]
    assert learned(SIGNATURE.encode(), graph, None, {})[1] == [unheld]  # (the constant not held by the file: nothing said of it)
    graph.ClearField("metadata_props")  # (no record: nothing said)
    assert learned(SIGNATURE.encode(), graph, None, held) == (None, [])


def test_a_dynamo_file_names_the_parameters_of_the_program_it_does_not_hold():
    """torchvision's resnet18 through the dynamo exporter: onnxscript's optimizer folds each
    BatchNorm into its conv, and the file holds 9,600 params fewer than torch's 11,689,512
    (11,679,912: the BatchNorms' 40 weights and biases), with nothing said.  The program's
    signature names every parameter: those the file neither holds nor records a folded tensor
    as made from are named, in the program's order (a weight transposed for a MatMul, recorded
    as folded from it, is held)."""
    from dscost.readers.onnx_provenance import FOLDED, SIGNATURE, learned

    signature = ("\n# inputs\np_conv1_weight: PARAMETER target='conv1.weight'\np_bn1_weight: PARAMETER target='bn1.weight'\n"
                 "p_bn1_bias: PARAMETER target='bn1.bias'\np_fc_weight: PARAMETER target='fc.weight'\n"
                 "b_bn1_running_mean: BUFFER target='bn1.running_mean' persistent=True\nx: USER_INPUT\n\n# outputs\nlinear: USER_OUTPUT\n")  # fmt: skip
    graph = helper.make_graph([], "g", [], [], value_info=[_with_metadata(vi("fc_t", [4, 3]), **{FOLDED: "['fc.weight']"})])
    _with_metadata(graph, **{SIGNATURE: signature})
    found, notes = learned(SIGNATURE.encode(), graph, None, {"conv1.weight": None, "fc_t": None})
    assert found == {"fc_t": True} and len(notes) == 1
    assert notes[0].startswith("the exported program's signature names 2 parameter tensor(s) this file does not hold (bn1.weight, bn1.bias): ")
    assert learned(SIGNATURE.encode(), graph, {"conv1.weight": True}, {"conv1.weight": None})[1] == []  # (a module's export: said its own way)


def test_a_parameter_the_exporter_folds_into_two_tensors_is_counted_once(tmp_path):
    """Found by round 24 (SB3's Gaussian policy): the forward reads ``log_std`` as log(exp(.)) and
    as 2 * exp(.) ** 2; the dynamo exporter folds both into initializers and drops ``log_std``.
    Each folded tensor was counted as params, 12 where torch counts 6.  A folded tensor whose
    parameters are all counted already -- held by the file, or folded into a tensor counted first
    -- is a buffer, said so; one that adds a parameter of its own (a BatchNorm folded into a conv:
    its bias brings conv.bias and bn.bias) stays params, and so does a part of a parameter
    (deepctr's CrossNetMix: one layer's kernel selected out of a stacked parameter; a rotary
    table's cos and sin of the same slice are two tensors of one, found by round 25), and a tensor
    of one parameter that a tensor of several covers only in part (peft's DoRA: the norm of
    W + B @ A, then A transposed).  A tensor of several parameters each held or folded whole into
    a tensor of its own is a buffer (round 26, block-recurrent-transformer: (1 - sigmoid(beta)) *
    init_state beside sigmoid(beta) and init_state)."""
    from dscost.readers.onnx_provenance import FOLDED, KIND, SIGNATURE, learned

    signature = ("\n# inputs\np_log_std: PARAMETER target='log_std'\np_emb: PARAMETER target='emb'\np_a: PARAMETER target='a'\n"
                 "p_b: PARAMETER target='b'\np_f: PARAMETER target='f'\n"
                 "p_c_weight: PARAMETER target='c.weight'\n"
                 "p_c_bias: PARAMETER target='c.bias'\np_bn_weight: PARAMETER target='bn.weight'\np_bn_bias: PARAMETER target='bn.bias'\n"
                 "b_bn_running_mean: BUFFER target='bn.running_mean'\nb_bn_running_var: BUFFER target='bn.running_var'\nx: USER_INPUT\n")  # fmt: skip
    record = [_with_metadata(vi("mul", [6]), **{FOLDED: "['exp', 'log_std', 'pow_2', 'scalar_tensor_default']"}),
              _with_metadata(vi("log", [6]), **{FOLDED: "['exp', 'log_std']"}),
              _with_metadata(vi("emb", [6, 6]), **{KIND: "PARAMETER"}),
              _with_metadata(vi("permute", [6, 6]), **{FOLDED: "['emb']"}),  # (a tied head's transposed copy of the held embedding)
              _with_metadata(vi("w_fused", [6, 6]), **{FOLDED: "['c.weight', 'bn.weight', 'bn.running_var']"}),
              _with_metadata(vi("b_fused", [6]), **{FOLDED: "['c.bias', 'bn.bias', 'bn.weight', 'bn.running_mean', 'bn.running_var']"}),
              _with_metadata(vi("view_2", [6, 1]), **{FOLDED: "['c.weight', 'permute_1', 'select', 'val_0']"}),
              _with_metadata(vi("view_5", [6, 1]), **{FOLDED: "['c.weight', 'permute_3', 'select_2', 'val_4']"}),
              _with_metadata(vi("cos", [8, 4]), **{FOLDED: "['arange', 'f', 'mul', 'slice_1']"}),  # (a rotary table: the same slice, twice)
              _with_metadata(vi("sin", [8, 4]), **{FOLDED: "['arange', 'f', 'mul', 'slice_1']"}),
              _with_metadata(vi("norm", [1, 6]), **{FOLDED: "['a', 'b', 'linalg_vector_norm', 'linear_1']"}),  # (DoRA: the norm of W + B @ A)
              _with_metadata(vi("a_t", [6, 2]), **{FOLDED: "['a']"}),
              _with_metadata(vi("decayed", [6, 6]), **{FOLDED: "['emb', 'log_std', 'sigmoid', 'sub']"})]  # fmt: skip
    graph = helper.make_graph([], "g", [], [], value_info=record)
    _with_metadata(graph, **{SIGNATURE: signature})
    held = {n: None for n in ("mul", "log", "emb", "permute", "w_fused", "b_fused", "view_2", "view_5", "cos", "sin", "norm", "a_t", "decayed")}
    said, notes = learned(SIGNATURE.encode(), graph, None, held)
    assert said == {"mul": True, "log": False, "emb": True, "permute": False, "w_fused": True, "b_fused": True, "view_2": True, "view_5": True,
                    "cos": True, "sin": False, "norm": True, "a_t": True, "decayed": False}  # fmt: skip
    assert notes[-1] == ("4 initializer(s) the exporter folded from parameters counted already (permute from emb, log from log_std, sin from f "
                         "and 1 more), counted as buffers: each parameter is counted once")  # fmt: skip
    # the whole file: x (1x6) * mul - log, then @ permute: params 6 (mul) + 36 (emb, read by a Gather), as torch's log_std and emb
    nodes = [node("Mul", ["x", "mul"], "a", name="scale"), node("Sub", ["a", "log"], "b", name="shift"), node("MatMul", ["b", "permute"], "y", name="head"),
             node("Gather", ["emb", "ids"], "e", name="embed")]  # fmt: skip
    inits = [init("mul", 6), init("log", 6), init("emb", 6, 6), init("permute", 6, 6)]
    file_graph = helper.make_graph(nodes, "g", [vi("x", [1, 6]), vi("ids", [2], elem=7)], [vi("y", [1, 6]), vi("e", [2, 6])], inits, value_info=record[:4])
    _with_metadata(file_graph, **{SIGNATURE: signature})
    a = dscost.analyze(str(save(tmp_path, helper.make_model(file_graph, opset_imports=[helper.make_opsetid("", 17)]), "folded_twice.onnx")))
    assert (a.totals.params, a.totals.buffers, a.totals.macs) == (6 + 36, 6 + 36, 36)


def test_slices_the_exporter_folds_out_of_one_parameter_are_its_parts(tmp_path):
    """Found by round 37 (a sparse 3-D conv reading its (27, 4, 32) weight as ``weight.unbind(0)``):
    the dynamo exporter stores 27 slices, each folded from the weight and the Slice bounds it made
    (``val_N``), and not the weight; dscost took 26 of them for copies of the first, counting 128
    params where torch counts 3,456.  Slices with other bounds are other parts of the parameter;
    a tensor folded with the same bounds as another (the cos and sin of one slice) is a copy, and
    one folded with none beside one with bounds stays the round-24 case (log_std): a copy.  The
    whole file: x (10x4) @ each of the three (4, 8) slices of a (3, 4, 8) parameter, as torch
    exports ``sum(x @ w for w in self.w.unbind(0))``: 960 MACs, 96 params."""
    from dscost.readers.onnx_provenance import FOLDED, SIGNATURE, learned

    signature = "\n# inputs\np_w: PARAMETER target='w'\np_v: PARAMETER target='v'\np_u: PARAMETER target='u'\nx: USER_INPUT\n"
    record = [_with_metadata(vi("getitem", [4, 8]), **{FOLDED: "['val_0', 'val_1', 'val_2', 'val_3', 'val_4', 'w']"}),
              _with_metadata(vi("getitem_1", [4, 8]), **{FOLDED: "['val_4', 'val_5', 'val_6', 'val_7', 'val_8', 'w']"}),
              _with_metadata(vi("getitem_2", [4, 8]), **{FOLDED: "['val_10', 'val_11', 'val_12', 'val_4', 'val_9', 'w']"}),
              _with_metadata(vi("cos", [2, 8]), **{FOLDED: "['v', 'val_20', 'val_21']"}),  # (one slice of v, twice)
              _with_metadata(vi("sin", [2, 8]), **{FOLDED: "['v', 'val_20', 'val_21']"}),
              _with_metadata(vi("tab", [8, 9]), **{FOLDED: "['u', 'val_30']"}),  # (a table, and the same expanded over a batch of 4: round 30)
              _with_metadata(vi("tab_x", [4, 8, 9]), **{FOLDED: "['u', 'val_31', 'val_32']"}),
              _with_metadata(vi("val_72", []), **{FOLDED: "['val_8']"})]  # (of no parameter: a constant, in no note; it was "val_72 from ")  # fmt: skip
    graph = helper.make_graph([], "g", [], [], value_info=record)
    _with_metadata(graph, **{SIGNATURE: signature})
    held = {n: SimpleNamespace(dims=d) for n, d in (("getitem", [4, 8]), ("getitem_1", [4, 8]), ("getitem_2", [4, 8]), ("cos", [2, 8]),
                                                    ("sin", [2, 8]), ("tab", [8, 9]), ("tab_x", [4, 8, 9]), ("val_72", []))}  # (the file's initializers: their dims)
    said, notes = learned(SIGNATURE.encode(), graph, None, held)
    assert said == {"getitem": True, "getitem_1": True, "getitem_2": True, "cos": True, "sin": False, "tab": False, "tab_x": True, "val_72": False}
    assert notes[-1] == ("2 initializer(s) the exporter folded from parameters counted already (sin from v, tab from u), counted as buffers: "
                         "each parameter is counted once")
    nodes = [node("MatMul", ["x", f"getitem{s}"], f"m{i}", name=f"mm{i}") for i, s in enumerate(("", "_1", "_2"))]
    nodes += [node("Add", ["m0", "m1"], "s", name="add"), node("Add", ["s", "m2"], "y", name="add_1")]
    inits = [init(n, 4, 8, value=np.arange(32) + k) for k, n in enumerate(("getitem", "getitem_1", "getitem_2"))]
    file_graph = helper.make_graph(nodes, "g", [vi("x", [10, 4])], [vi("y", [10, 8])], inits, value_info=record[:3])
    _with_metadata(file_graph, **{SIGNATURE: "\n# inputs\np_w: PARAMETER target='w'\nx: USER_INPUT\n"})
    a = dscost.analyze(str(save(tmp_path, helper.make_model(file_graph, opset_imports=[helper.make_opsetid("", 18)]), "unbound.onnx")))
    assert (a.totals.macs, a.totals.params, a.totals.buffers) == (3 * 10 * 4 * 8, 96, 0)


def test_scalars_selected_out_of_one_folded_parameter_are_its_parts():
    """Found by round 39 (PC-DARTS' edge betas): ``w = cat(softmax(b[0:2]), softmax(b[2:5]))`` and
    each ``w[i]`` folded into scalars select .. select_4, all from ``b`` through the same slices,
    and -- the optimizer having merged the select index 2 with the slice bound 2, and 0 with 0 --
    with the same values (val_N) for w[0] and w[2]: dscost took select_2 for a copy of select (84
    params of 85).  A tensor the exporter named after the op taking a part is a part of its own:
    all five count, no copies note.  The cos and sin of one slice stay a copy (the test above)."""
    from dscost.readers.onnx_provenance import FOLDED, SIGNATURE, learned

    signature = "\n# inputs\np_b: PARAMETER target='b'\nx: USER_INPUT\n"
    vals = ["val_0", "val_1", "val_2", "val_3"]  # (0, 2, 5, -1: the bounds and the axis; index 0 is val_0, index 2 val_1)
    index = {"select": None, "select_1": "val_4", "select_2": None, "select_3": "val_5", "select_4": "val_6"}
    record = [_with_metadata(vi(n, []), **{FOLDED: str(sorted(["b", "cat", "slice_1", "slice_2", "softmax", "softmax_1", *vals, *([k] if k else [])]))})
              for n, k in index.items()]  # fmt: skip
    graph = helper.make_graph([], "g", [], [], value_info=record)
    _with_metadata(graph, **{SIGNATURE: signature})
    said, notes = learned(SIGNATURE.encode(), graph, None, {n: SimpleNamespace(dims=[]) for n in index})
    assert said == dict.fromkeys(index, True)
    assert not any("counted already" in n for n in notes)


def test_a_pt2e_quantized_weight_the_signature_calls_a_buffer_is_a_parameter(tmp_path):
    """Found by round 44 (torchao's PT2E on ResNet-18, dynamo export: 5,800 params for
    11,684,712, 11,678,912 buffers): ``convert_pt2e`` folds each quantized weight into an int8
    buffer (``_frozen_param0``), so the program's signature, which dscost trusts, says BUFFER of
    what the float twin calls conv1.weight.  An integer buffer a DequantizeLinear reads is the
    weight it quantizes: 8 x 3 x 3 x 3 = 216 weights + 8 biases, 55,296 MACs, as the float conv;
    a float buffer (a BatchNorm's running mean, read by no DequantizeLinear) stays a buffer."""
    from onnx import TensorProto

    from dscost.readers.onnx_provenance import KIND, SIGNATURE

    nodes = [node("DequantizeLinear", ["_frozen_param0", "w_scale", "w_zp"], "wd", axis=0), node("Conv", ["x", "wd", "conv1.bias"], "c", pads=[1, 1, 1, 1]),
             node("Add", ["c", "shift"], "y")]  # fmt: skip
    inits = [init("_frozen_param0", 8, 3, 3, 3, dtype=np.int8), init("w_scale", 8, value=[0.01] * 8), init("w_zp", 8, dtype=np.int8),
             init("conv1.bias", 8, value=range(8)), init("shift", 8, 1, 1, value=range(8))]  # fmt: skip
    record = [_with_metadata(helper.make_tensor_value_info("_frozen_param0", TensorProto.INT8, [8, 3, 3, 3]), **{KIND: "BUFFER"}),
              _with_metadata(vi("conv1.bias", [8]), **{KIND: "PARAMETER"}), _with_metadata(vi("shift", [8, 1, 1]), **{KIND: "BUFFER"})]  # fmt: skip
    graph = helper.make_graph(nodes, "g", [vi("x", [1, 3, 16, 16])], [vi("y", [1, 8, 16, 16])], inits, value_info=record)
    _with_metadata(graph, **{SIGNATURE: "\n# inputs\np_conv1_weight: PARAMETER target='conv1.weight'\np_conv1_bias: PARAMETER target='conv1.bias'\n"
                                        "b__frozen_param0: BUFFER target='_frozen_param0' persistent=True\nb_shift: BUFFER target='shift'\n"})  # fmt: skip
    a = dscost.analyze(str(save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)]))))
    assert (a.totals.macs, a.totals.weights, a.totals.biases, a.totals.buffers) == (55_296, 216, 8, 8)
    assert any(n.startswith("1 quantized tensor(s) the exported program calls buffers (_frozen_param0) are read by DequantizeLinear as weights") for n in a.model.notes)


@pytest.mark.parametrize("external", [False, True])
def test_a_zero_state_the_exporter_folds_with_a_weight_is_no_parameter(tmp_path, external):
    """Found by the forty-eighth round: a bias-free nn.RNN(6, 8) run without h0, exported by the
    dynamo exporter, holds its first step's 0 @ W_hh^T folded into ``linear_1`` (3 x 8 zeros,
    recorded as folded from ``weight_hh_l0``, ``zeros`` and the ``getitem`` of h0's unbind),
    beside ``val_29``, W_hh^T itself: dscost counted both, 48 + 64 + 24 = 136 params for torch's
    112 (+B x H a layer; an LSTMCell +4 x B x H).  A tensor folded from parameters and a zero
    tensor whose values are one repeated number is computed, not learned: a buffer, said in a
    note; read from external data too.  The same record over values that are not one number
    (a zero state plus a bias: the bias broadcast) stays learned."""
    from dscost.readers.onnx_provenance import FOLDED

    rng = np.random.default_rng(0)
    zero_fold = "['getitem', 'unsqueeze', 'val_0', 'val_10', 'weight_hh_l0', 'zeros']"
    for state, params, buffers in ((np.zeros((3, 8)), 48 + 64, 24), (np.tile(rng.normal(size=8), (3, 1)), 48 + 64 + 24, 0)):
        nodes = [node("MatMul", ["x", "val_11"], "lin", name="ih"), node("Add", ["lin", "linear_1"], "h0", name="step0"), node("Relu", ["h0"], "r0", name="relu0"),
                 node("MatMul", ["r0", "val_29"], "hh", name="hh1"), node("Relu", ["hh"], "y", name="relu1")]  # fmt: skip
        inits = [init("val_11", 6, 8, value=rng.normal(size=48)), init("linear_1", 3, 8, value=state), init("val_29", 8, 8, value=rng.normal(size=64))]
        record = [_with_metadata(vi("val_11", [6, 8]), **{FOLDED: "['weight_ih_l0']"}), _with_metadata(vi("val_29", [8, 8]), **{FOLDED: "['weight_hh_l0']"}),
                  _with_metadata(vi("linear_1", [3, 8]), **{FOLDED: zero_fold})]  # fmt: skip
        graph = helper.make_graph(nodes, "g", [vi("x", [3, 6])], [vi("y", [3, 8])], inits, value_info=record)
        kw = {"save_as_external_data": True, "location": "m.data", "size_threshold": 0} if external else {}
        path = save(tmp_path, helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), **kw)
        a = dscost.analyze(str(path))
        assert (a.totals.macs, a.totals.params, a.totals.buffers) == (3 * 6 * 8 + 3 * 8 * 8, params, buffers)
        said = [n for n in a.model.notes if "zero tensor hold one repeated value (linear_1 from weight_hh_l0)" in n]
        assert len(said) == (buffers > 0)
        if external and buffers:
            assert any("opened only to read the values of tensors folded from a zero state" in n for n in a.model.notes)
