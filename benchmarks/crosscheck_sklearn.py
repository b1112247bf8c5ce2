"""scikit-learn pipelines as sklearn-onnx writes them (ONNX-ML ops, docs/onnx.md "ONNX-ML ops"):
dscost's MACs and params of each file against the multiply-adds of the fitted estimator's own
arrays -- a linear model's ``coef_``, an MLP's ``coefs_`` and ``intercepts_``, PCA's
``components_`` -- at one row, and what stays uncounted.

    python -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-learn skl2onnx onnxruntime -e .
    /tmp/sk/bin/python benchmarks/crosscheck_sklearn.py [--out /tmp/sk/zoo]

As run (2026-12-05, scikit-learn 1.9.1, skl2onnx 1.20.0, onnx 1.23.2, onnxruntime 1.32.0; 15 s):
11 pipelines.  **MACs equal the estimators' own on 10 of 11**; binary logistic regression counts
16, not 8, as sklearn-onnx writes its one coefficient row as two (the class and its negation:
16 coefficients, 2 intercepts), and onnxruntime computes both.  Params equal on 7 of 11 (nothing
to count in k-NN, the forest); the others: the binary logistic regression's doubled row (+9);
MinMaxScaler, written as a Mul and an Add of 8 constants each, +16 (dscost's rule for a learned
float constant that an element-wise op reads; a Scaler op's offset and scale are buffers); the
one-output bias of the binary MLP and of the SGD classifier, a one-element constant, which the
rule reads as a literal (-1 each).  Nothing is uncounted in 8; the random forest's
TreeEnsembleClassifier, the SVC's SVMClassifier (and the 22 nodes after it, whose shapes it leaves
open) and the SGD classifier's ZipMap (its labels to a dictionary) are, each saying so.  k-NN
has no MACs: its distances are a Scan of Sub and ReduceSumSquare, 2 x 200 points x 8 features =
3,200 other ops.  Before ONNX-ML ops were counted (2026-12-05), 7 of the 11 counted 0 MACs
(the linear models, and every node after a Scaler or an Imputer), and 10 listed uncounted nodes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np


def _pipelines():
    from sklearn.decomposition import PCA
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge, SGDClassifier
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Binarizer, MaxAbsScaler, MinMaxScaler, Normalizer, StandardScaler
    from sklearn.svm import SVC

    return {
        "logreg_3class": (LogisticRegression(max_iter=500), "c3"),
        "scaler_logreg_binary": (make_pipeline(StandardScaler(), LogisticRegression()), "c2"),
        "linreg_3targets": (LinearRegression(), "r3"),
        "minmax_ridge": (make_pipeline(MinMaxScaler(), Ridge()), "r1"),
        "maxabs_pca_mlpreg": (make_pipeline(MaxAbsScaler(), PCA(4), MLPRegressor(hidden_layer_sizes=(16,), max_iter=20)), "r3"),
        "imputer_normalizer_sgd": (make_pipeline(SimpleImputer(), Normalizer(), SGDClassifier()), "c2"),
        "binarizer_mlp": (make_pipeline(Binarizer(), MLPClassifier(hidden_layer_sizes=(8,), max_iter=20)), "c2"),
        "scaler_mlp": (make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(64, 32), max_iter=50)), "c3"),
        "knn": (KNeighborsClassifier(3), "c2"),
        "random_forest": (RandomForestClassifier(5, max_depth=4, random_state=0), "c3"),
        "pca_svc": (make_pipeline(PCA(8), SVC()), "c3"),
    }


def _data(kind: str):
    from sklearn.datasets import make_classification, make_regression

    if kind.startswith("c"):
        x, y = make_classification(200, 8, n_classes=int(kind[1]), n_informative=4, random_state=0)
    else:
        x, y = make_regression(200, 8, n_targets=int(kind[1]), random_state=0)
    return x.astype(np.float32), y


def own_counts(estimator) -> tuple[int, int]:
    """(multiply-adds at one row, params) from the fitted arrays: each weight matrix (an MLP's
    ``coefs_``, a linear model's ``coef_``, PCA's ``components_``) one MAC per element, its bias
    vectors (``intercepts_``, ``intercept_``, PCA's ``mean_``) params only; 0 for the estimators
    without such arrays (trees, SVMs, k-NN) and for scalers, whose statistics are not params."""
    steps = estimator.steps if hasattr(estimator, "steps") else [("", estimator)]
    macs = params = 0
    for _, step in steps:
        if hasattr(step, "coefs_"):
            matrices, vectors = step.coefs_, step.intercepts_
        elif getattr(step, "coef_", None) is not None and hasattr(step, "intercept_"):
            matrices, vectors = [step.coef_], [np.atleast_1d(step.intercept_)]
        elif hasattr(step, "components_"):
            matrices, vectors = [step.components_], [step.mean_]
        else:
            continue
        macs += sum(int(np.size(m)) for m in matrices)
        params += sum(int(np.size(m)) for m in matrices) + sum(int(np.size(v)) for v in vectors)
    return macs, params


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/sk/zoo"))
    args = ap.parse_args(argv)
    from skl2onnx import to_onnx

    args.out.mkdir(parents=True, exist_ok=True)
    print("| pipeline | ONNX ops | own MACs | dscost MACs | own params | dscost params | uncounted |")
    print("|---|---|---|---|---|---|---|")
    for name, (estimator, kind) in _pipelines().items():
        x, y = _data(kind)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            estimator.fit(x, y)
            options = {id(estimator): {"zipmap": False}} if hasattr(estimator, "predict_proba") else None
            onx = to_onnx(estimator, x[:1], options=options, target_opset={"": 17, "ai.onnx.ml": 3})
        path = args.out / f"{name}.onnx"
        path.write_bytes(onx.SerializeToString())
        r = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), "-f", "json"], capture_output=True, text=True)
        if r.returncode:
            print(f"| {name} | | | dscost failed: {r.stderr.strip()} | | | |")
            continue
        doc = json.loads(r.stdout)
        macs, params = own_counts(estimator)
        ml_ops = sorted({n.op_type for n in onx.graph.node if n.domain == "ai.onnx.ml"})
        uncounted = {}
        for u in doc["uncounted"]:
            uncounted[u["op"]] = uncounted.get(u["op"], 0) + 1
        print(f"| {name} | {', '.join(ml_ops) or '(standard ops only)'} | {macs:,} | {doc['totals']['macs']:,} | {params:,} | "
              f"{doc['totals']['params']:,} | {', '.join(f'{op} x{n}' for op, n in uncounted.items()) or '-'} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
