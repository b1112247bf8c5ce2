"""ONNX-ML ops (dscost/readers/onnx_ml.py), as sklearn-onnx writes a scikit-learn pipeline: shapes
carried past them (each checked against onnxruntime's run of the same graph) and their costs,
hand-derived from the formulas of the handlers' docstrings."""

from __future__ import annotations

import json

import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

from dscost.layers import Cost
from dscost.readers.onnx_node import CANNOT_RUN
from dscost.readers.onnx_reader import read_onnx

from conftest import cli_run
from onnx_models import init, save, vi


def ml(op: str, inputs, outputs, **attrs):
    outputs = [outputs] if isinstance(outputs, str) else outputs
    return helper.make_node(op, list(inputs), outputs, name=outputs[0], domain="ai.onnx.ml", **attrs)


def ml_model(nodes, inputs, outputs, inits=()):
    """``outputs``: names whose types the graph does not declare (onnxruntime's run says them)."""
    graph = helper.make_graph(nodes, "g", inputs, [helper.make_empty_tensor_value_info(o) for o in outputs], initializer=list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)])


def runtime_shapes(path, feeds: dict) -> list[tuple]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return [np.asarray(r).shape for r in session.run(None, feeds)]


def test_an_mlp_behind_a_scaler_is_counted(tmp_path):
    """sklearn-onnx's StandardScaler + MLPClassifier: onnx's inference leaves the Scaler's output
    open, which had left every MatMul after it uncounted.  MACs 20x64 + 64x3 = 1,472; the Scaler is
    2 ops per element (2 x 20) and its 20 offsets and 20 scales are buffers."""
    nodes = [ml("Scaler", ["X"], "scaled", offset=[0.5] * 20, scale=[2.0] * 20),
             helper.make_node("Cast", ["scaled"], ["cast"], name="cast", to=TensorProto.FLOAT),
             helper.make_node("MatMul", ["cast", "w1"], ["h"], name="mm1"), helper.make_node("Add", ["h", "b1"], ["hb"], name="add1"),
             helper.make_node("Relu", ["hb"], ["r"], name="relu"), helper.make_node("MatMul", ["r", "w2"], ["o"], name="mm2"),
             helper.make_node("Softmax", ["o"], ["probabilities"], name="softmax", axis=1)]  # fmt: skip
    path = save(tmp_path, ml_model(nodes, [vi("X", ["N", 20])], ["probabilities"], [init("w1", 20, 64), init("b1", 64), init("w2", 64, 3)]))
    m = read_onnx(path)
    assert m.uncounted == []
    by = {layer.name: layer for layer in m.layers}
    assert (by["scaled"].type, by["scaled"].cost.other_ops, by["scaled"].cost.buffers) == ("norm", 40, 40)
    total = Cost.total(layer.cost for layer in m.layers)
    assert (total.macs, total.params) == (20 * 64 + 64 * 3, 20 * 64 + 64 + 64 * 3) == (1472, 1536)
    assert by["softmax"].output_shape == (1, 3) == runtime_shapes(path, {"X": np.zeros((1, 20), np.float32)})[0]


@pytest.mark.parametrize("post, post_ops", [("NONE", 0), ("SOFTMAX", 3), ("LOGISTIC", 3), ("PROBIT", 1)])
def test_a_linear_classifier_is_a_fully_connected_layer(tmp_path, post, post_ops):
    """LinearClassifier, 3 classes x 4 features on 5 rows: MACs 5 x 4 x 3 = 60, weights 12,
    biases 3; other ops 5 x 3 intercept adds + 15 scores x (post_transform ops + 1 argmax compare).
    A Normalizer (L1) after it: 3 ops per element."""
    nodes = [ml("LinearClassifier", ["X"], ["label", "scores"], coefficients=[0.1] * 12, intercepts=[0.0] * 3, classlabels_ints=[0, 1, 2],
                post_transform=post),
             ml("Normalizer", ["scores"], "probabilities", norm="L1")]  # fmt: skip
    path = save(tmp_path, ml_model(nodes, [vi("X", [5, 4])], ["label", "probabilities"]))
    m = read_onnx(path)
    assert m.uncounted == []
    linear, norm = m.layers
    assert (linear.type, linear.cost.macs, linear.cost.weights, linear.cost.biases) == ("fc", 60, 12, 3)
    assert linear.cost.other_ops == 15 + 15 * (post_ops + 1)
    assert norm.cost.other_ops == 3 * 15
    assert [linear.output_shape, norm.output_shape] == runtime_shapes(path, {"X": np.zeros((5, 4), np.float32)}) == [(5,), (5, 3)]


def test_a_binary_classifier_of_one_coefficient_row_has_two_score_columns(tmp_path):
    """One coefficient row for two labels: onnxruntime gives scores [N, 2] (the other class's
    score added), which a Softmax after it sizes: 3 x 10 ops.  The classifier: MACs 5 x 4, other
    ops 5 intercept adds + 10 scores x (3 logistic + 1)."""
    nodes = [ml("LinearClassifier", ["X"], ["label", "scores"], coefficients=[0.1] * 4, intercepts=[0.0], classlabels_ints=[0, 1],
                post_transform="LOGISTIC"),
             helper.make_node("Softmax", ["scores"], ["p"], name="p", axis=1)]  # fmt: skip
    path = save(tmp_path, ml_model(nodes, [vi("X", ["N", 4])], ["label", "p"]))
    m = read_onnx(path, input_shapes={"X": (5, 4)})
    linear, softmax = m.layers
    assert (linear.cost.macs, linear.cost.other_ops, softmax.cost.other_ops) == (20, 5 + 10 * 4, 30)
    assert [linear.output_shape, softmax.output_shape] == runtime_shapes(path, {"X": np.zeros((5, 4), np.float32)}) == [(5,), (5, 2)]


def test_a_regressor_of_one_row_and_the_feature_ops_have_onnxruntimes_shapes(tmp_path):
    """LinearRegressor of a 1-D input (one row: [1, targets]); FeatureVectorizer side by side
    ([N, 4 + 3]); ArrayFeatureExtractor of a 1-D and a 3-D input (the last axis becomes the
    indices'); a Binarizer (1 op per element) and an Imputer (2; its 7 values are buffers).
    Each feeds a Relu, whose output shape says what dscost carried past the op."""
    nodes = [ml("LinearRegressor", ["v"], "reg", coefficients=[1.0] * 8, intercepts=[0.0] * 2, targets=2),
             ml("FeatureVectorizer", ["a", "b"], "fv", inputdimensions=[4, 3]),
             ml("ArrayFeatureExtractor", ["v", "idx"], "afe1"), ml("ArrayFeatureExtractor", ["t", "idx"], "afe3"),
             ml("Binarizer", ["fv"], "bin", threshold=0.5), ml("Imputer", ["fv"], "imp", imputed_value_floats=[0.0] * 7,
                                                               replaced_value_float=float("nan"))]  # fmt: skip
    outs = ["reg", "fv", "afe1", "afe3", "bin", "imp"]
    nodes += [helper.make_node("Relu", [o], [f"r_{o}"], name=f"r_{o}") for o in outs]
    inputs = [vi("v", [4]), vi("a", [5, 4]), vi("b", [5, 3]), vi("t", [2, 5, 4])]
    path = save(tmp_path, ml_model(nodes, inputs, [f"r_{o}" for o in outs], [init("idx", 2, dtype=np.int64, value=[0, 3])]))
    m = read_onnx(path)
    assert m.uncounted == []
    by = {layer.name: layer for layer in m.layers}
    feeds = {"v": np.ones(4, np.float32), "a": np.ones((5, 4), np.float32), "b": np.ones((5, 3), np.float32), "t": np.ones((2, 5, 4), np.float32)}
    assert [by[f"r_{o}"].output_shape for o in outs] == runtime_shapes(path, feeds) == [(1, 2), (5, 7), (1, 2), (2, 5, 2), (5, 7), (5, 7)]
    assert (by["reg"].cost.macs, by["reg"].cost.weights, by["reg"].cost.biases) == (8, 8, 2)
    assert (by["bin"].cost.other_ops, by["imp"].cost.other_ops, by["imp"].cost.buffers) == (35, 70, 7)
    assert by["fv"].cost.other_ops == by["afe3"].cost.other_ops == 0


@pytest.mark.parametrize("attrs, reason", [
    ({"coefficients": [0.1] * 7, "classlabels_ints": [0, 1]}, "7 coefficients and 0 intercepts do not fit 4 features: the graph cannot run"),
    ({"coefficients": [0.1] * 8, "intercepts": [0.0] * 3, "classlabels_ints": [0, 1]}, "8 coefficients and 3 intercepts do not fit 4 features"),
    ({"coefficients": [0.1] * 8, "classlabels_ints": [0, 1], "post_transform": "CUBE"}, "post_transform 'CUBE' is none of NONE, SOFTMAX"),
])  # fmt: skip
def test_a_linear_classifier_that_cannot_run_is_uncounted_saying_why(tmp_path, attrs, reason):
    path = save(tmp_path, ml_model([ml("LinearClassifier", ["X"], ["label", "scores"], **attrs)], [vi("X", [5, 4])], ["label", "scores"]))
    (u,) = read_onnx(path).uncounted
    assert reason in u.reason


def test_the_cli_counts_a_pipeline_and_lists_a_tree_ensemble_as_uncounted(tmp_path):
    """`dscost analyze -f json`: the classifier's row, and the tree ensemble (no handler) uncounted."""
    nodes = [ml("Scaler", ["X"], "s", offset=[0.0], scale=[1.0]),
             ml("LinearRegressor", ["s"], "y", coefficients=[1.0] * 4, targets=1),
             ml("TreeEnsembleRegressor", ["s"], "t", n_targets=1, nodes_treeids=[0], nodes_nodeids=[0], nodes_featureids=[0],
                nodes_modes=["LEAF"], nodes_values=[0.0], target_treeids=[0], target_nodeids=[0], target_ids=[0], target_weights=[1.0])]  # fmt: skip
    path = save(tmp_path, ml_model(nodes, [vi("X", [3, 4])], ["y", "t"]))
    r = cli_run("analyze", str(path), "-f", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [(layer["name"], layer["macs"], layer["params"]) for layer in doc["layers"]] == [("s", 0, 0), ("y", 12, 4)]
    assert [(u["op"], u["reason"]) for u in doc["uncounted"]] == [
        ("TreeEnsembleRegressor", "ONNX-ML op (classical machine learning: linear models, trees, encoders): no cost handler")]


@pytest.mark.parametrize("norm, per_element", [("MAX", 2), ("L1", 3), ("L2", 3)])
def test_a_normalizer_counts_its_norm_per_element(tmp_path, norm, per_element):
    """Normalizer on [4, 5]: MAX is a compare and a divide per element (cost's "max_norm"), L1 and
    L2 as LpNormalization (|x|^p, accumulate, divide: "lp_norm"); an unknown norm cannot run."""
    path = save(tmp_path, ml_model([ml("Normalizer", ["X"], "n", norm=norm)], [vi("X", [4, 5])], ["n"]))
    (layer,) = read_onnx(path).layers
    assert (layer.cost.other_ops, layer.output_shape) == (per_element * 20, (4, 5))
    bad = save(tmp_path, ml_model([ml("Normalizer", ["X"], "n", norm="L3")], [vi("X", [4, 5])], ["n"]), "bad.onnx")
    assert [u.reason for u in read_onnx(bad).uncounted] == ["cannot derive cost: norm 'L3' is none of MAX, L1, L2: " + CANNOT_RUN]
