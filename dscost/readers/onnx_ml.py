"""ONNX-ML ops (domain ``ai.onnx.ml``, classical machine learning) of the graphs that sklearn-onnx
and onnxmltools write: a scikit-learn pipeline's scalers and linear models, and the
preprocessing in front of an MLP.  onnx's shape inference leaves the outputs of several of them
open (Scaler, ArrayFeatureExtractor), and then every op after them; each op here has a shape
function in the contrib table of :mod:`dscost.readers.onnx_node` (used by
:func:`dscost.readers.onnx_shapes.infer`, output sizes as onnxruntime gives them) and a cost
handler in :data:`ML_HANDLERS`, the reader's table for this domain.

The model's numbers of these ops are attributes, not initializers: a linear model's
coefficients and intercepts count as its weights and biases; a scaler's offsets and scales and an
imputer's values, statistics fitted to data as a BatchNormalization's running mean and variance
are, count as buffers.  Trees, SVMs, encoders and maps (TreeEnsemble*, SVM*, LabelEncoder,
OneHotEncoder, ZipMap, ...) have no handler: they are listed as uncounted.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.layers import ELEMENTWISE, FC, NORM, SHAPE
from dscost.readers.handlers import Result, op_registry
from dscost.readers.onnx_node import CANNOT_RUN, NodeInfo, contrib_shapes, input_0_shape

ML_DOMAIN = "ai.onnx.ml"
ML_HANDLERS, handles = op_registry()
ML_REASON = "ONNX-ML op (classical machine learning: linear models, trees, encoders)"

# Ops per score of a linear classifier's post_transform: softmax's exp, sum and divide, the
# logistic's exp, add and reciprocal (as cost.ACTIVATION_OPS' sigmoid), probit's one inverse erf
POST_TRANSFORM_OPS = {"NONE": 0, "SOFTMAX": 3, "SOFTMAX_ZERO": 3, "LOGISTIC": 3, "PROBIT": 1}
NORMALIZER_OPS = {"MAX": "max_norm", "L1": "lp_norm", "L2": "lp_norm"}


def shapes(*ops: str):
    return contrib_shapes(*ops, domain=ML_DOMAIN)


shapes("Scaler", "Normalizer", "Binarizer", "Imputer", "LabelEncoder")(input_0_shape)


def _rows_features(info: NodeInfo) -> tuple[int, int]:
    """(N, F) of a linear model's or a feature extractor's input, [N, F] or [F] (one row)."""
    x = info.shape(0)
    if len(x) not in (1, 2):
        raise ValueError(f"input of shape {tuple(x)}: {info.op} takes [N, F] or [F]: {CANNOT_RUN}")
    return (1, x[0]) if len(x) == 1 else (x[0], x[1])


def _linear(info: NodeInfo) -> tuple[int, int, int, int]:
    """(N, F, C, intercepts): C the coefficient rows (classes or targets), the coefficients C x F."""
    n, f = _rows_features(info)
    coefficients, intercepts = len(info.attr("coefficients", ())), len(info.attr("intercepts", ()))
    rows = int(info.attr("targets", 1)) if info.op == "LinearRegressor" else (coefficients // f if f else 0)
    if f == 0 or rows < 1 or coefficients != rows * f or intercepts not in (0, rows):
        raise ValueError(f"{coefficients} coefficients and {intercepts} intercepts do not fit {f} features"
                         + (f" and {rows} targets" if info.op == "LinearRegressor" else "") + f": {CANNOT_RUN}")  # fmt: skip
    return n, f, rows, intercepts


def _score_columns(info: NodeInfo, rows: int) -> int:
    """A classifier's score columns: one per coefficient row, two when one row scores two labels
    (onnxruntime adds the other class's score)."""
    labels = len(info.attr("classlabels_ints", ()) or info.attr("classlabels_strings", ()))
    return 2 if rows == 1 and labels == 2 else rows


@shapes("LinearClassifier", "LinearRegressor")
def linear_shape(info: NodeInfo) -> list:
    """A classifier's labels [N] and scores [N, columns]; a regressor's [N, targets]."""
    if info.input_shape(0) is None:
        return [None] * len(info.outputs)
    n, _, rows, _ = _linear(info)
    if info.op == "LinearRegressor":
        return [(n, rows)]
    return [(n,), (n, _score_columns(info, rows))][: len(info.outputs)]


@handles("LinearClassifier", "LinearRegressor")
def linear(info: NodeInfo) -> Result:
    """scores = X coefficients^T + intercepts: cost.linear_cost(F, C, rows=N), the coefficients C x F
    weights, the intercepts C biases.  A classifier adds its post_transform
    (POST_TRANSFORM_OPS per score) and the label's argmax (one compare per score)."""
    n, f, rows, intercepts = _linear(info)
    cost = C.linear_cost(f, rows, rows=n, bias=intercepts > 0)
    if info.op == "LinearRegressor":
        return Result(FC, cost, data_inputs=(0,), note=f"{rows} targets")
    post = str(info.attr("post_transform", b"NONE"), "utf-8", "replace")
    if post not in POST_TRANSFORM_OPS:
        raise ValueError(f"post_transform {post!r} is none of {', '.join(POST_TRANSFORM_OPS)}: {CANNOT_RUN}")
    scores = n * _score_columns(info, rows)
    cost = replace(cost, other_ops=cost.other_ops + scores * (POST_TRANSFORM_OPS[post] + 1))
    return Result(FC, cost, data_inputs=(0,), note=f"{rows} classes" + (f", {post.lower()}" if post != "NONE" else ""))


@handles("Scaler")
def scaler(info: NodeInfo) -> Result:
    """Y = (X - offset) * scale: cost.per_element_cost("scale_shift") = 2 ops per element; offset and
    scale (one value, or one per feature) are buffers."""
    fitted = len(info.attr("offset", ())) + len(info.attr("scale", ()))
    return Result(NORM, replace(C.per_element_cost("scale_shift", prod(info.shape(0))), buffers=fitted), data_inputs=(0,))


@handles("Normalizer")
def normalizer(info: NodeInfo) -> Result:
    """Each row divided by its norm: L1 and L2 as cost's "lp_norm" (3 ops per element), MAX as
    "max_norm" (2)."""
    norm = str(info.attr("norm", b"MAX"), "utf-8", "replace")
    if norm not in NORMALIZER_OPS:
        raise ValueError(f"norm {norm!r} is none of MAX, L1, L2: {CANNOT_RUN}")
    return Result(NORM, C.per_element_cost(NORMALIZER_OPS[norm], prod(info.shape(0))), data_inputs=(0,), note=norm)


@handles("Binarizer")
def binarizer(info: NodeInfo) -> Result:
    """One compare with the threshold per element (cost's "threshold")."""
    return Result(ELEMENTWISE, C.per_element_cost("threshold", prod(info.shape(0))), data_inputs=(0,))


@handles("Imputer")
def imputer(info: NodeInfo) -> Result:
    """A compare with the missing value and a select per element (cost's "impute", 2); the imputed
    values are buffers."""
    fitted = len(info.attr("imputed_value_floats", ()) or info.attr("imputed_value_int64s", ()))
    return Result(ELEMENTWISE, replace(C.per_element_cost("impute", prod(info.shape(0))), buffers=fitted), data_inputs=(0,))


@shapes("ArrayFeatureExtractor")
def array_feature_extractor_shape(info: NodeInfo) -> list:
    """X's shape with its last axis the number of indices ([1, k] from a 1-D X)."""
    x, y = info.input_shape(0), info.input_shape(1)
    if x is None or y is None or not x:
        return [None]
    return [(*(x[:-1] if len(x) > 1 else (1,)), prod(y))]


@shapes("FeatureVectorizer")
def feature_vectorizer_shape(info: NodeInfo) -> list:
    """[N, sum of inputdimensions]: each input's features side by side."""
    x = info.input_shape(0)
    dims = info.attr("inputdimensions", ())
    if x is None or not dims:
        return [None]
    return [(x[0] if len(x) > 1 else 1, sum(int(d) for d in dims))]


@handles("ArrayFeatureExtractor", "FeatureVectorizer")
def select_features(info: NodeInfo) -> Result:
    """A gather of features, or a concatenation: data movement, zero arithmetic (as Gather and Concat)."""
    return Result(SHAPE)
