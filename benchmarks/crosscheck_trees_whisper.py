"""Thirty-fourth blind round (2026-12-06): gradient-boosted trees as tensor programs and as ONNX-ML
graphs, and OpenAI's Whisper -- hummingbird-ml on LightGBM and XGBoost (round 28 held only its
scikit-learn trees), onnxmltools, openai-whisper -- each torch module counted three ways against
torch's own counter, as in crosscheck_timm_sixth.py (the module through ``dscost.analyze``, the
TorchScript and the dynamo exporters' files through ``python -m dscost analyze FILE -f json``), the
tree graphs also against a formula from the fitted trees themselves.

What it stresses: hummingbird-ml's three tree strategies on LightGBM (binary, 3-class: one tree per
class and round, regression, LambdaRank), XGBoost (binary, 3-class, regression),
HistGradientBoosting, ExtraTrees (2-output regression) and IsolationForest (path-length scores),
and a few of its linear / preprocessing converters (RobustScaler + PolynomialFeatures + Ridge,
KBinsDiscretizer one-hot + LogisticRegression, MinMaxScaler + PCA + LinearSVR, GaussianNB); for
each, also the file hummingbird's own ``convert(model, "onnx", X)`` writes (a dynamic batch axis,
``Constant`` weights, ``Squeeze`` without axes); onnxmltools' LightGBM / XGBoost files
(``TreeEnsembleClassifier`` / ``TreeEnsembleRegressor`` of ``ai.onnx.ml``, ZipMap), which hold no
multiply-add and must be listed as uncounted, not counted as 0 in silence; Whisper shrunk
(``ModelDimensions``: 80 mels, 128 frames -> 64 audio positions, width 64, 4 heads, 2 + 2 layers,
vocabulary 256, text context 32; random weights, no download): the encoder on a log-mel input (two
Conv1d, GELU, sinusoidal positions), the decoder's first step on 4 tokens and the audio features
(causal mask, cross attention, logits by the tied token embedding ``x @ W.T``), both with and
without ``F.scaled_dot_product_attention`` (``MultiHeadAttention.use_sdpa``), the same with the
audio features a buffer, one KV-cache decode step (whisper's own ``install_kv_cache_hooks``:
forward hooks that concatenate the cached keys, cross keys read from the cache), and the Whisper
module itself, ``forward(mel, tokens)`` (it holds a sparse COO buffer, ``alignment_heads``).

References.  Torch modules: ``crosscheck_torch.torch_reference`` (FlopCounterMode FLOPs / 2, its
BY_FORMULA CPU attention; params = ``sum(p.numel() for p in module.parameters())``).  hummingbird's
GEMM strategy, by hand from the fitted trees (LightGBM ``dump_model``, XGBoost
``trees_to_dataframe``, scikit-learn ``tree_``, HistGradientBoosting's predictor nodes): with T
trees, I = the most internal nodes of a tree, L = the most leaves, F features, C values a leaf holds
(the classes of a random-forest classifier, the outputs of a multi-output regressor, else 1: a
boosted model has one tree per class and round) and N rows,

    MACs = N * T * (I * F + L * I + C * L)

(``mm(W1[T*I, F], x.T)``: which feature each node tests; ``matmul(W2[T, L, I], .)``: the path
matrix; ``matmul(W3[T, C, L], .)``: the leaf values); the traversal strategies hold gathers and
compares only, 0 MACs.  onnxmltools' tree ensembles: 0 MACs (a node is a compare: at most
N x sum of the trees' depths compares, data-dependent), and the ensemble must be uncounted.

    python3.11 -m venv /tmp/r34/venv && /tmp/r34/venv/bin/pip install uv
    /tmp/r34/venv/bin/python -m uv pip install --python /tmp/r34/venv/bin/python -c constraints.txt torch onnx onnxscript \\
        onnxruntime typer rich pydantic pyyaml scikit-learn lightgbm xgboost hummingbird-ml onnxmltools skl2onnx openai-whisper pandas
    # constraints.txt: torch==2.14.1, numpy==2.4.6, onnx==1.23.2, onnxscript==0.7.2, onnxruntime==1.32.0 (round 31's);
    # uv picks hummingbird-ml 0.4.11 and xgboost 3.2.0; pandas: XGBoost's trees_to_dataframe (the hand formula)
    PYTHONPATH=/work/main /tmp/r34/venv/bin/python benchmarks/crosscheck_trees_whisper.py [--only a,b] [--json rows.json]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r34/zoo).
hummingbird models take a (16, 8) feature matrix (``torch.randn``; the trees are fitted on a seeded
200 x 8 problem).  hummingbird-ml 0.4.11's ``convert(model, "onnx", X)`` calls ``torch.onnx.export``
without ``dynamo=``, and torch 2.14 defaults to the dynamo exporter, which fails on every
hummingbird executor (``torch.export`` refuses it, strict and not); the row records that error and
the file is made with ``dynamo=False`` passed in (hummingbird's own settings otherwise: opset 11,
a dynamic batch axis), counted at the batch it was traced with (``--dim NAME=16``) and at dscost's
default of 1.

As run (2026-12-06, torch 2.14.1, onnx 1.23.2, onnxscript 0.7.2, onnxruntime 1.32.0, scikit-learn
1.9.1, LightGBM 4.7.0, XGBoost 3.2.0, hummingbird-ml 0.4.11, onnxmltools 1.16.0, openai-whisper
20250625; about 17 min on 2 cores shared with other work): 36 models (23 hummingbird, 6 onnxmltools,
7 Whisper), torch's counter ran on 28 of 30 torch models.  **MACs equal torch's on 26 of 28 module
counts, 24 of 24 TorchScript files, 25 of 26 dynamo files and all 21 of hummingbird's own files (at
batch 16); the GEMM formula from the fitted trees equals all 9 GEMM rows** (11,520 = 16 x 6 x (7 x 8
+ 8 x 7 + 8) for 6 LightGBM / XGBoost / HistGradientBoosting trees of at most 8 leaves, binary,
regression or LambdaRank; 34,560 for 3-class, 18 trees; ExtraTrees 28,160 = 16 x 5 x (14 x 8 + 15 x
14 + 2 x 15); IsolationForest 33,360 = 16 x 5 x (16 x 8 + 17 x 16 + 17)); the traversal strategies
0 MACs everywhere, nothing uncounted.  The two differences:

- Whisper with its audio features a buffer (``whisper_decoder_buf``), module (dynamo fallback) and
  dynamo file -1,048,576: the dynamo exporter computes the cross-attention keys and values of the
  constant features at export time (2 layers x 2 x 64 positions x 64 x 64); with the features an
  input (``whisper_decoder``) every way is torch's 1,642,496.
- The Whisper module itself, module path: **dscost fails** (InputError "... the dynamo exporter
  too: RuntimeError: Cannot access data pointer of Tensor that doesn't have storage") where
  ``torch.onnx.export(dynamo=True)`` succeeds and its file counts torch's 11,735,040:
  ``torch_export.unread_params`` calls ``data_ptr()`` on every constant the program lifted, and
  Whisper's sparse COO ``alignment_heads`` buffer has no storage.  Fixed the same day (32c4bc8: a
  tensor without storage is no parameter's); rerun with ``--only whisper_whole``, the module counts
  11,735,040, torch's, and 276,352 params (the dynamo file's).  (The TorchScript exporter
  fails first, as for every SDPA row: whisper passes ``is_causal=mask is not None and n_ctx > 1``,
  a tensor when traced: "argument 'is_causal' must be bool, not Tensor"; the ``use_sdpa=False``
  rows export and are equal.)

hummingbird's own files at dscost's default batch of 1 (``--dim`` not given): the 7 GEMM files of
boosted trees count 1/16 of the MACs with 2 to 5 nodes uncounted: hummingbird traces ``squeeze()``,
written as an opset-11 ``Squeeze`` without axes, which at batch 1 drops the batch axis too, so the
next ``Transpose`` (perm [1, 0]) gets a 1-D tensor; onnxruntime fails on that node at batch 1 as
well, dscost says "the graph cannot run at these input shapes" and ``--strict`` exits 1 (the file
cannot run there: not a miscount).  ExtraTrees, IsolationForest and the traversal files run at
batch 1 and count 1/16 exactly.  hummingbird 0.4.11's ``convert(model, "onnx", X)`` fails as is on
all 21 (torch 2.14's default dynamo exporter: ``torch.export`` refuses its executor); the files
here pass ``dynamo=False``.  onnxmltools' 6 files: 0 MACs, 0 params, every TreeEnsembleClassifier
/ TreeEnsembleRegressor (and the LightGBM classifiers' ZipMap) listed as uncounted, "ONNX-ML op
(classical machine learning: linear models, trees, encoders): no cost handler", ``--strict`` exits
1 -- never a silent 0; the ensembles' thresholds and leaf values are attributes, not counted as
params (hummingbird's tensors of the same trees: 180 to 2,430 float params).  onnxruntime warns that
onnxmltools declares the LightGBM classifiers' label shape as {1} (the converter's; the counts do
not read it).

No count (not dscost's): XGBRegressor through hummingbird 0.4.11 (it parses ``base_score`` as a
float, and XGBoost 3 writes a vector: "could not convert string to float: '[-1.2556397E-2]'", also
with ``base_score=0.5``; its classifiers convert); IsolationForest's dynamo files (onnx_ir
"PassError ... after InlinePass"); TorchScript files of the four SDPA Whisper rows (above);
onnxmltools 1.16 converts LightGBM at opset 15 at most.

Params: equal on the GEMM trees every way; the traversal modules and files lower by hummingbird's
integer tables (lefts, rights, features, node offsets: -48 to -828), the linear pipelines' integer
``classes`` (-1, -2) and KBinsDiscretizer's boolean one-hot conditions (-34), each named in dscost's
note; HistGradientBoosting's TorchScript and hummingbird files read its one-element base prediction
as a literal (-1).  Whisper: TorchScript files +4,096 (the encoder's sinusoid buffer stored as an
initializer); dynamo files merge the fresh LayerNorms (-512 encoder, -768 decoder) and fold the
decoder's learned 32 x 64 position table sliced at a constant offset (-1,792: 4 rows kept; -1,984
for the KV step's one row); the KV step never reads the cross-attention key / value weights
(-16,512, named in a note); the buffer row also stores the folded value products without their
biases (-128); the Whisper module's dynamo file -3,200 (12 LayerNorms merged, the position slice).
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r34/zoo")
N, F = 16, 8  # hummingbird: rows, features
FEATS = [("X", (N, F), "float32")]


# ---------------------------------------------------------------- fitted models (scikit-learn 1.9.1, LightGBM 4.7.0, XGBoost 3.2.0)
def _data(task: str):
    import numpy as np

    rng = np.random.RandomState(0)
    X = rng.randn(200, F).astype(np.float32)
    if task == "bin":
        y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(np.int64)
    elif task == "3c":
        y = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] * X[:, 3] > 0.3).astype(np.int64)
    elif task == "reg2":
        y = np.stack([X[:, 0] + X[:, 1] * X[:, 2], X[:, 3] ** 2], 1)
    else:
        y = X[:, 0] + X[:, 1] * X[:, 2]
    return X, y


@functools.lru_cache(maxsize=None)
def fitted(kind: str):
    """(fitted estimator, X) of one model: seeded data, one thread, deterministic."""
    import lightgbm as lgb
    import xgboost as xgb
    from sklearn import ensemble, linear_model, naive_bayes, pipeline, preprocessing, svm
    from sklearn.decomposition import PCA

    task = {"lgbm_3c": "3c", "xgb_3c": "3c", "lgbm_reg": "reg", "xgb_reg": "reg", "lgbm_rank": "rank", "et_reg2": "reg2",
            "robust_poly_ridge": "reg", "minmax_pca_linsvr": "reg", "isoforest": "bin"}.get(kind, "bin")  # fmt: skip
    X, y = _data(task)
    lg = dict(n_estimators=6, num_leaves=8, min_child_samples=5, random_state=0, n_jobs=1, verbose=-1)
    xg = dict(n_estimators=6, max_depth=3, random_state=0, n_jobs=1)
    est = {
        "lgbm_bin": lambda: lgb.LGBMClassifier(**lg),
        "lgbm_3c": lambda: lgb.LGBMClassifier(**lg),
        "lgbm_reg": lambda: lgb.LGBMRegressor(**lg),
        "lgbm_rank": lambda: lgb.LGBMRanker(**lg),
        "xgb_bin": lambda: xgb.XGBClassifier(**xg),
        "xgb_3c": lambda: xgb.XGBClassifier(**xg),
        "xgb_reg": lambda: xgb.XGBRegressor(**xg),
        "hgb_bin": lambda: ensemble.HistGradientBoostingClassifier(max_iter=6, max_leaf_nodes=8, random_state=0),
        "et_reg2": lambda: ensemble.ExtraTreesRegressor(n_estimators=5, max_depth=4, random_state=0),
        "isoforest": lambda: ensemble.IsolationForest(n_estimators=5, max_samples=32, random_state=0),
        "robust_poly_ridge": lambda: pipeline.make_pipeline(preprocessing.RobustScaler(), preprocessing.PolynomialFeatures(2), linear_model.Ridge()),
        "kbins_logreg": lambda: pipeline.make_pipeline(preprocessing.KBinsDiscretizer(4, encode="onehot-dense"), linear_model.LogisticRegression()),
        "minmax_pca_linsvr": lambda: pipeline.make_pipeline(preprocessing.MinMaxScaler(), PCA(4), svm.LinearSVR(random_state=0)),
        "gaussian_nb": lambda: naive_bayes.GaussianNB(),
    }[kind]()
    if kind == "lgbm_rank":
        est.fit(X, (y > 0).astype(int) + (y > 1).astype(int), group=[20] * 10)
    elif kind == "isoforest":
        est.fit(X)
    else:
        est.fit(X, y)
    return est, X


def tree_shapes(kind: str) -> tuple[int, int, int, int] | None:
    """(T, I, L, C) of a tree model, from the fitted trees themselves (module docstring); None for
    the linear / preprocessing ones."""
    import numpy as np

    est, _ = fitted(kind)
    if kind.startswith("lgbm"):
        info = est.booster_.dump_model()["tree_info"]
        leaves = [t["num_leaves"] for t in info]
        return len(leaves), int(max(leaves)) - 1, int(max(leaves)), 1
    if kind.startswith("xgb"):
        df = est.get_booster().trees_to_dataframe()
        per = df.groupby("Tree")["Feature"].agg(lambda s: (int((s == "Leaf").sum()), int((s != "Leaf").sum())))
        return len(per), int(max(i for _, i in per)), int(max(lf for lf, _ in per)), 1
    if kind == "hgb_bin":
        preds = [p for it in est._predictors for p in it]
        leaves = [int(np.sum(p.nodes["is_leaf"])) for p in preds]
        inner = [len(p.nodes) - lf for p, lf in zip(preds, leaves)]
        return len(preds), int(max(inner)), int(max(leaves)), 1
    if kind in ("et_reg2", "isoforest"):
        trees = [e.tree_ for e in est.estimators_]
        return len(trees), int(max(t.node_count - t.n_leaves for t in trees)), int(max(t.n_leaves for t in trees)), int(est.n_outputs_) if kind == "et_reg2" else 1
    return None


def gemm_macs(kind: str) -> int | None:
    s = tree_shapes(kind)
    if s is None:
        return None
    t, i, lf, c = s
    return N * t * (i * F + lf * i + c * lf)


# ---------------------------------------------------------------- hummingbird-ml 0.4.11
def _hb(kind: str, impl: str | None = None):
    """hummingbird's torch backend: ``convert(model, "torch", X[:16]).model`` (its Executor) with
    ``tree_implementation`` = ``impl``; the first output (the label / the prediction; a regressor's
    and the ranker's one tensor whole)."""
    from hummingbird.ml import convert

    est, X = fitted(kind)
    m = convert(est, "torch", X[:N], extra_config={"tree_implementation": impl} if impl else {}).model
    return m if kind in ("lgbm_reg", "xgb_reg", "lgbm_rank", "et_reg2", "robust_poly_ridge", "minmax_pca_linsvr") else S.first_outputs(m)


def hb_file(kind: str, impl: str | None, out: Path, name: str) -> dict:
    """hummingbird's own ONNX file: the plain call's error (torch's default dynamo exporter), then
    the file made with ``dynamo=False``, counted at batch 16 and at 1."""
    import functools as ft

    import torch
    from hummingbird.ml import convert

    est, X = fitted(kind)
    extra = {"tree_implementation": impl} if impl else {}
    res: dict = {}
    try:
        convert(est, "onnx", X[:N], extra_config=extra)
        res["plain"] = "ok"
    except Exception as exc:  # noqa: BLE001
        res["plain"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    real = torch.onnx.export
    torch.onnx.export = ft.partial(real, dynamo=False)
    try:
        onx = convert(est, "onnx", X[:N], extra_config=extra).model
    except Exception as exc:  # noqa: BLE001
        return {**res, "error": f"convert failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
    finally:
        torch.onnx.export = real
    path = out / f"{name}.hb.onnx"
    path.write_bytes(onx.SerializeToString())
    dims = {d.dim_param for i in onx.graph.input for d in i.type.tensor_type.shape.dim if d.dim_param}
    res["ops"] = sorted({n.op_type for n in onx.graph.node})
    res["at16"] = _dscost(path, [a for d in sorted(dims) for a in ("--dim", f"{d}={N}")])
    res["at1"] = _dscost(path, [])
    try:  # onnxruntime at batch 1: can the file run there at all?
        import onnxruntime as ort

        sess = ort.InferenceSession(str(path))
        sess.run(None, {sess.get_inputs()[0].name: X[:1]})
        res["ort_at1"] = "runs"
    except Exception as exc:  # noqa: BLE001
        res["ort_at1"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    res["onnx"] = str(path)
    return res


def _dscost(path: Path, extra: list[str]) -> dict:
    p = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), *extra, "-f", "json", "-q"], capture_output=True, text=True, timeout=300)
    if p.returncode or not p.stdout.strip():
        return {"error": (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1][:300]}
    d = json.loads(p.stdout)
    unc = d.get("uncounted", [])
    strict = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), *extra, "-q", "--strict"], capture_output=True, text=True, timeout=300)
    return {"macs": d["totals"]["macs"], "params": d["totals"]["params"], "other_ops": d["totals"].get("other_ops"), "uncounted": len(unc),
            "uncounted_rows": [{"name": u.get("name"), "op": u.get("op"), "reason": u.get("reason", "")[:200]} for u in unc][:8],
            "notes": [n for n in d.get("notes", []) if "uncount" in n.lower() or "cannot" in n.lower() or "ONNX-ML" in n][:4],
            "strict_exit": strict.returncode}  # fmt: skip


# ---------------------------------------------------------------- onnxmltools 1.16.0
def ml_file(kind: str, out: Path, name: str, ml_opset: int = 1) -> dict:
    """onnxmltools' ``convert_lightgbm`` / ``convert_xgboost`` (opset 15: the converter's newest, and
    ``ai.onnx.ml`` ``ml_opset``), checked by onnxruntime, then dscost on the file at batch 16."""
    import numpy as np
    import onnxruntime as ort
    from onnxmltools import convert_lightgbm, convert_xgboost
    from onnxmltools.convert.common.data_types import FloatTensorType

    est, X = fitted(kind)
    conv = convert_lightgbm if kind.startswith("lgbm") else convert_xgboost
    opset = 15 if ml_opset == 1 else {"": 15, "ai.onnx.ml": ml_opset}
    onx = conv(est, initial_types=[("input", FloatTensorType([None, F]))], target_opset=opset)
    path = out / f"{name}.onnx"
    path.write_bytes(onx.SerializeToString())
    res: dict = {"ops": [f"{n.domain + '.' if n.domain else ''}{n.op_type}" for n in onx.graph.node], "onnx": str(path)}
    sess = ort.InferenceSession(str(path))
    outs = sess.run(None, {"input": X[:N]})
    res["ort_outputs"] = [list(np.shape(o)) if not isinstance(o, list) else f"list of {len(o)}" for o in outs]
    dims = {d.dim_param for i in onx.graph.input for d in i.type.tensor_type.shape.dim if d.dim_param}
    extra = [a for d in sorted(dims) for a in ("--dim", f"{d}={N}")] if dims else ["-i", f"input={N}x{F}"]
    res["file"] = _dscost(path, extra)
    s = tree_shapes(kind)
    res["trees"] = s[0] if s else None
    return res


# ---------------------------------------------------------------- openai-whisper 20250625
def _whisper_model(sdpa: bool = True):
    import torch
    from whisper.model import ModelDimensions, MultiHeadAttention, Whisper

    MultiHeadAttention.use_sdpa = sdpa
    dims = ModelDimensions(n_mels=80, n_audio_ctx=64, n_audio_state=64, n_audio_head=4, n_audio_layer=2, n_vocab=256, n_text_ctx=32,
                           n_text_state=64, n_text_head=4, n_text_layer=2)  # fmt: skip
    torch.manual_seed(0)
    return Whisper(dims).eval()


def _whisper(kind: str):
    """Whisper's encoder (mel (1, 80, 128) -> (1, 64, 64)), the decoder's first step on 4 tokens
    and the audio features (an input; or, ``decoder_buf``, those of a fixed mel as a buffer), a
    KV-cache step (the audio features and the cache buffers), or the whole model.
    ``use_sdpa`` is a class attribute, read at each forward: the non-SDPA rows set it in the
    wrapper's forward so that every export of the row sees it."""
    import torch
    from torch import nn
    from whisper.model import MultiHeadAttention

    sdpa = not kind.endswith("_nosdpa")
    m = _whisper_model(sdpa)
    if kind == "whole":  # the Whisper module itself: forward(mel, tokens) = decoder(tokens, encoder(mel)), its sparse alignment_heads buffer
        return m
    gen = torch.Generator().manual_seed(1)
    mel = torch.randn(1, 80, 128, generator=gen)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            if kind.startswith("encoder"):
                self.enc = m.encoder
            else:
                self.dec = m.decoder
                if kind in ("decoder_buf", "decoder_kv"):
                    with torch.no_grad():
                        self.register_buffer("xa", m.encoder(mel), persistent=False)
            if kind == "decoder_kv":
                self.whisper = [m]  # (a list: not a submodule, so neither the encoder nor the sparse buffer is the wrapper's)
                prompt = torch.randint(0, 100, (1, 4), generator=gen)
                cache, hooks = m.install_kv_cache_hooks()
                with torch.no_grad():
                    m.decoder(prompt, self.xa, kv_cache=cache)
                for h in hooks:
                    h.remove()
                self.mods = list(cache)
                for i, t in enumerate(cache.values()):
                    self.register_buffer(f"cache{i}", t.detach().clone(), persistent=False)

        def forward(self, *xs):
            MultiHeadAttention.use_sdpa = sdpa
            if kind.startswith("encoder"):
                return self.enc(xs[0])
            if kind == "decoder_kv":
                cache, hooks = self.whisper[0].install_kv_cache_hooks({mod: getattr(self, f"cache{i}") for i, mod in enumerate(self.mods)})
                try:
                    return self.dec(xs[0], self.xa, kv_cache=cache)
                finally:
                    for h in hooks:
                        h.remove()
            if kind == "decoder_buf":
                return self.dec(xs[0], self.xa)
            return self.dec(xs[0], xs[1])  # (tokens, audio features)

    return Net()


# ---------------------------------------------------------------- the table of models
HB = [  # (name, fitted kind, tree implementation or None, note)
    ("hb_lgbm_bin_gemm", "lgbm_bin", "gemm", "LightGBM binary, 6 trees <= 8 leaves, GEMM"),
    ("hb_lgbm_bin_tree_trav", "lgbm_bin", "tree_trav", "LightGBM binary, tree traversal (gathers)"),
    ("hb_lgbm_bin_perf_tree_trav", "lgbm_bin", "perf_tree_trav", "LightGBM binary, perf tree traversal"),
    ("hb_lgbm_3c_gemm", "lgbm_3c", "gemm", "LightGBM 3-class (18 trees), GEMM"),
    ("hb_lgbm_3c_tree_trav", "lgbm_3c", "tree_trav", "LightGBM 3-class, tree traversal"),
    ("hb_lgbm_reg_perf_tree_trav", "lgbm_reg", "perf_tree_trav", "LightGBM regressor, perf tree traversal"),
    ("hb_lgbm_reg_gemm", "lgbm_reg", "gemm", "LightGBM regressor, GEMM"),
    ("hb_lgbm_rank_gemm", "lgbm_rank", "gemm", "LightGBM LambdaRank, GEMM"),
    ("hb_xgb_bin_gemm", "xgb_bin", "gemm", "XGBoost binary, 6 trees depth 3, GEMM"),
    ("hb_xgb_bin_tree_trav", "xgb_bin", "tree_trav", "XGBoost binary, tree traversal"),
    ("hb_xgb_bin_perf_tree_trav", "xgb_bin", "perf_tree_trav", "XGBoost binary, perf tree traversal"),
    ("hb_xgb_3c_gemm", "xgb_3c", "gemm", "XGBoost 3-class (18 trees), GEMM"),
    ("hb_xgb_3c_perf_tree_trav", "xgb_3c", "perf_tree_trav", "XGBoost 3-class, perf tree traversal"),
    ("hb_xgb_reg_gemm", "xgb_reg", "gemm", "XGBoost regressor, GEMM"),
    ("hb_xgb_reg_tree_trav", "xgb_reg", "tree_trav", "XGBoost regressor, tree traversal"),
    ("hb_hgb_bin_gemm", "hgb_bin", "gemm", "HistGradientBoostingClassifier, GEMM"),
    ("hb_et_reg2_gemm", "et_reg2", "gemm", "ExtraTreesRegressor, 2 outputs, GEMM"),
    ("hb_isoforest_gemm", "isoforest", "gemm", "IsolationForest 5 trees (path-length scores), GEMM"),
    ("hb_isoforest_tree_trav", "isoforest", "tree_trav", "IsolationForest, tree traversal"),
    ("hb_robust_poly_ridge", "robust_poly_ridge", None, "RobustScaler + PolynomialFeatures(2) + Ridge"),
    ("hb_kbins_logreg", "kbins_logreg", None, "KBinsDiscretizer(4, one-hot) + LogisticRegression"),
    ("hb_minmax_pca_linsvr", "minmax_pca_linsvr", None, "MinMaxScaler + PCA(4) + LinearSVR"),
    ("hb_gaussian_nb", "gaussian_nb", None, "GaussianNB (log-likelihoods)"),
]
ML = [  # (name, fitted kind, ai.onnx.ml opset, note)
    ("ml_lgbm_bin", "lgbm_bin", 1, "onnxmltools LightGBM binary: TreeEnsembleClassifier + ZipMap"),
    ("ml_lgbm_3c", "lgbm_3c", 1, "onnxmltools LightGBM 3-class"),
    ("ml_lgbm_reg", "lgbm_reg", 1, "onnxmltools LightGBM regressor: TreeEnsembleRegressor"),
    ("ml_xgb_bin", "xgb_bin", 1, "onnxmltools XGBoost binary"),
    ("ml_xgb_3c", "xgb_3c", 1, "onnxmltools XGBoost 3-class"),
    ("ml_xgb_reg", "xgb_reg", 1, "onnxmltools XGBoost regressor"),
]
AUDIO_TOK = [("tokens", (1, 4), "int64"), ("audio_features", (1, 64, 64), "float32")]
WH = [  # (name, kind, inputs, note)
    ("whisper_encoder", "encoder", [("mel", (1, 80, 128), "float32")], "Whisper encoder, SDPA (2 convs, 2 blocks)"),
    ("whisper_encoder_nosdpa", "encoder_nosdpa", [("mel", (1, 80, 128), "float32")], "Whisper encoder, explicit qk softmax"),
    ("whisper_decoder", "decoder", AUDIO_TOK, "Whisper decoder, first step on 4 tokens and the audio features, SDPA"),
    ("whisper_decoder_nosdpa", "decoder_nosdpa", AUDIO_TOK, "Whisper decoder, 4 tokens, explicit qk"),
    ("whisper_decoder_buf", "decoder_buf", [("tokens", (1, 4), "int64")], "Whisper decoder, 4 tokens, the audio features a buffer"),
    ("whisper_decoder_kv", "decoder_kv", [("tokens", (1, 1), "int64")], "Whisper decoder, 1 step on a KV cache of 4 (hooks)"),
    ("whisper_whole", "whole", [("mel", (1, 80, 128), "float32"), ("tokens", (1, 4), "int64")], "Whisper itself: forward(mel, tokens), a sparse COO buffer"),
]


def names() -> list[str]:
    return [n for n, *_ in HB] + [n for n, *_ in ML] + [n for n, *_ in WH]


def one(name: str, out: Path) -> dict:
    import warnings

    warnings.filterwarnings("ignore")
    for n, kind, opset, note in ML:
        if n == name:
            t0 = time.perf_counter()
            row = {"name": name, "note": note, "kind": "onnxml", "hand_macs": 0}
            try:
                row.update(ml_file(kind, out, name, opset))
            except Exception as exc:  # noqa: BLE001
                row["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
            row["seconds"] = round(time.perf_counter() - t0, 1)
            return row
    for n, kind, impl, note in HB:
        if n == name:
            row = S.one(name, out, entry_of=lambda _n: (lambda: _hb(kind, impl), FEATS, note, None, 0), dump=True)
            row["kind"] = "hummingbird"
            row["hand_macs"] = gemm_macs(kind) if impl == "gemm" else (0 if impl else None)
            row["tree_shapes"] = tree_shapes(kind)
            try:
                row["hb"] = hb_file(kind, impl, out, name)
            except Exception as exc:  # noqa: BLE001
                row["hb"] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"}
            return row
    for n, kind, inputs, note in WH:
        if n == name:
            row = S.one(name, out, entry_of=lambda _n: (lambda: _whisper(kind), inputs, note, None, 0), dump=True)
            row["kind"] = "whisper"
            return row
    raise KeyError(name)


def table(rows: list[dict]) -> str:
    lines = ["| model | torch MACs | hand MACs | module | TorchScript file | dynamo file | own file (hummingbird / onnxmltools) | torch params | module | TS file | dynamo file | own file |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in rows:
        tm, tp, hand = r.get("torch_macs"), r.get("torch_params"), r.get("hand_macs")
        ref = tm if tm is not None else hand
        own = r.get("hb", {}).get("at16") if r.get("kind") == "hummingbird" else r.get("file") if r.get("kind") == "onnxml" else None
        if r.get("kind") == "hummingbird" and "error" in r.get("hb", {}):
            own = {"error": 1}
        cols = [r["name"], f"{tm:,}" if tm is not None else ("-" if r.get("kind") == "onnxml" else r.get("torch_error", r.get("error", "-"))[:60])]
        cols.append(f"{hand:,}" if hand is not None else "-")
        if r.get("kind") == "onnxml":
            cols += ["-", "-", "-"]
        else:
            cols += [S._cell(r.get(k, {"error": 1}), "macs", ref) for k in ("module", "ts", "dynamo")]
        cols.append(S._cell(own, "macs", ref) if own is not None else ("error" if r.get("error") else "-"))
        cols.append(f"{tp:,}" if tp is not None else "-")
        if r.get("kind") == "onnxml":
            cols += ["-", "-", "-"]
        else:
            cols += [S._cell(r.get(k, {"error": 1}), "params", tp) for k in ("module", "ts", "dynamo")]
        cols.append(S._cell(own, "params", tp) if own is not None else "-")
        lines.append("| " + " | ".join(cols) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return S.run(argv, __doc__, names, one, table, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
