"""onnxruntime's per-node profile of a model, and its join with dscost's layers (`dscost bench MODEL`).

:func:`profile_times` runs models with onnxruntime's profiler on and takes each node's median
kernel time (:func:`parse_profile`), with where each node sits in the graph onnxruntime runs
(:func:`optimized_wiring`: it writes that graph beside the profile).  :func:`join_profile` gives
each dscost layer the time of the onnxruntime nodes that run it: by node name, by the fusion
onnxruntime names after a node, by the tensors a node it made writes or feeds.  Runs in
:mod:`dscost.bench`'s child process; onnxruntime is imported by :mod:`dscost.runtime`.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from math import fsum
from pathlib import Path

from dscost.errors import InputError
from dscost.runtime import make_session, run
from dscost.timing import percentile

# onnxruntime writes the graph it runs (its weights too) for :func:`optimized_wiring` up to this size of weights
WIRING_MAX_BYTES = 1 << 30


@dataclass
class NodeTime:
    """Median kernel time of one onnxruntime node across the profiled runs."""

    name: str
    op: str
    ms: float
    outputs: tuple[str, ...] = ()  # in the graph onnxruntime runs (optimized_wiring)
    readers: tuple[str, ...] = ()  # the nodes there that read them


def parse_profile(events: list[dict], skip_runs: int = 0) -> tuple[dict[str, NodeTime], int]:
    """Per-node median kernel time (ms) over the ``model_run``s after the first ``skip_runs``.
    Returns (times by onnxruntime node name, number of runs used)."""
    runs = sorted((e["ts"], e["ts"] + e["dur"]) for e in events if e.get("name") == "model_run")
    runs = runs[skip_runs:]
    per_node: dict[str, list[float]] = {}
    ops: dict[str, str] = {}
    for e in events:
        if e.get("cat") != "Node" or not str(e.get("name", "")).endswith("_kernel_time"):
            continue
        ts = e["ts"]
        idx = next((i for i, (a, b) in enumerate(runs) if a <= ts <= b), None)
        if idx is None:
            continue
        name = e["name"][: -len("_kernel_time")]
        ops[name] = e.get("args", {}).get("op_name", "?")
        per_node.setdefault(name, [0.0] * len(runs))[idx] += e["dur"] / 1000.0
    return {n: NodeTime(n, ops[n], percentile(v, 50)) for n, v in per_node.items()}, len(runs)


def profile_times(models: dict[str, tuple], threads: int, optimization: str, runs: int = 10, warmup: int = 2, progress=None) -> dict[str, dict[str, NodeTime]]:
    """Run every model with onnxruntime's profiler on, in alternating rounds (so machine load hits
    them alike); per model, per-node median kernel time, and where onnxruntime's own nodes sit in
    the graph it runs.  ``models``: key -> (path, feeds, label, whether to write that graph: its
    weights are written too)."""
    with tempfile.TemporaryDirectory(prefix="dscost-prof-") as tmp:
        sessions, subs = {}, {}
        for key, (path, feeds, label, wiring) in models.items():
            sub = Path(tmp) / str(len(sessions))
            sub.mkdir()
            sessions[key] = make_session(path, label, threads, optimization, profile_dir=str(sub), optimized_path=str(sub / "optimized.onnx") if wiring else None)
            subs[key] = sub
        for i in range(warmup + runs):
            if progress is not None:
                progress.stage(f"profiling each node: run {i + 1} of {warmup + runs}", total=warmup + runs, completed=i)
            for key, sess in sessions.items():
                run(sess, models[key][1], models[key][2])
        out = {}
        for key, sess in sessions.items():
            path = sess.end_profiling()
            try:
                events = json.loads(Path(path).read_text())
            except (OSError, ValueError) as exc:
                raise InputError(f"{models[key][2]}: could not read onnxruntime's profile ({exc})") from None
            out[key], _ = parse_profile(events, skip_runs=warmup)
            wiring = optimized_wiring(subs[key] / "optimized.onnx", execution_order(events))
            for name, nt in out[key].items():
                nt.outputs, nt.readers = wiring.get(name, ((), ()))
    return out


def execution_order(events: list[dict]) -> list[str]:
    """The node names of the first profiled run, in the order they ran."""
    first = min(((e["ts"], e["ts"] + e["dur"]) for e in events if e.get("name") == "model_run"), default=None)
    if first is None:
        return []
    ran = [e for e in events if e.get("cat") == "Node" and str(e.get("name", "")).endswith("_kernel_time") and first[0] <= e["ts"] <= first[1]]
    return [e["name"][: -len("_kernel_time")] for e in sorted(ran, key=lambda e: e["ts"])]


def optimized_wiring(path: Path, order: list[str] = ()) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Node name -> (its outputs, the nodes reading them) in the graph onnxruntime wrote ({} when
    it did not): its fused nodes (``SkipLayerNormalization_token_3``) write the tensors of the
    file's nodes they replace, or feed a node that does (``gemm_input_reshape``).  A node it left
    unnamed (the parts of an inlined function: HardSwish's HardSigmoid and Mul) has the name its
    profiler gives it (``HardSigmoid_195``) when ``order``, the profiled run's, is the graph's own
    node for node (every named node in its place)."""
    from dscost.readers import onnx_lib

    try:
        graph = onnx_lib.load().ModelProto.FromString(path.read_bytes()).graph
    except Exception:  # (not written: an onnxruntime that cannot save this graph)
        return {}
    names = [n.name for n in graph.node]
    if len(order) == len(names) and all(not g or g == o for g, o in zip(names, order)):
        names = list(order)
    readers: dict[str, list[str]] = {}
    for name, t in ((name, t) for name, node in zip(names, graph.node) for t in node.input):
        readers.setdefault(t, []).append(name)
    return {name: (tuple(n.output), tuple(r for t in n.output for r in readers.get(t, ()))) for name, n in zip(names, graph.node)}


@dataclass
class LayerTime:
    name: str
    type: str
    macs: int
    ms: float | None  # None: no kernel of its own (fused into a neighbour or elided)
    nodes: tuple[str, ...] = ()  # onnxruntime nodes whose time is attributed here


_NCHWC_SUFFIX = "_nchwc"
# onnxruntime's layout changes around its blocked-channel convs: the layout's cost, no layer's (kept apart)
LAYOUT_OPS = ("ReorderInput", "ReorderOutput")


def join_profile(producer: dict[str, str], layers, times: dict[str, NodeTime]) -> tuple[list[LayerTime], list[NodeTime]]:
    """Attribute onnxruntime node times to dscost layers by node name.

    Optimization level "all" renames convs to ``<output tensor>_nchwc``; such a
    node is attributed to the layer producing that tensor, walking back through
    activation/BN layers to the conv they were fused into.  A fusion names its node
    ``<first node>/<...>Fusion`` (``/dense/MatMul/MatMulAddFusion``: a MatMul and its bias Add
    made one Gemm): attributed to that first node's layer.  Any other node of onnxruntime's own
    naming (``SkipLayerNormalization_token_3``: an Add and a LayerNormalization made one) is
    attributed to the layer whose output tensor it writes in the graph onnxruntime runs
    (:attr:`NodeTime.outputs`), else to that of the node it feeds (``gemm_input_reshape`` feeds
    its Gemm); its layout reorders stay apart."""
    names = {layer.name for layer in layers}
    by_name = {layer.name: layer for layer in layers}
    from dscost.layers import PASS_THROUGH_TYPES

    def by_node_name(nt: NodeTime) -> str | None:
        if nt.name in names:
            return nt.name
        first, _, fusion = nt.name.rstrip("/").rpartition("/")
        if fusion.endswith("Fusion") and first in names:
            return first
        if nt.name.endswith(_NCHWC_SUFFIX):
            cand = producer.get(nt.name[: -len(_NCHWC_SUFFIX)])
            while cand in by_name and by_name[cand].type in PASS_THROUGH_TYPES and by_name[cand].inputs and by_name[cand].inputs[0] in by_name:
                cand = by_name[cand].inputs[0]
            return cand if cand in names else None
        return None

    targets = {nt.name: by_node_name(nt) for nt in times.values()}
    for nt in times.values():  # (by the tensors it writes)
        if targets[nt.name] is None and nt.op not in LAYOUT_OPS:
            targets[nt.name] = next((producer[t] for t in nt.outputs if producer.get(t) in names), None)
    got: dict[str, list[NodeTime]] = {}
    unattributed = []
    for nt in times.values():
        target = targets[nt.name]
        if target is None and nt.op not in LAYOUT_OPS:  # (by the node it feeds)
            target = next((targets[r] for r in nt.readers if targets.get(r)), None)
        if target is None:
            unattributed.append(nt)
        else:
            got.setdefault(target, []).append(nt)
    rows = []
    for layer in layers:
        nts = got.get(layer.name, [])
        ms = fsum([n.ms for n in nts]) if nts else None
        rows.append(LayerTime(layer.name, layer.type, layer.cost.macs, ms, tuple(n.name for n in nts)))
    unattributed.sort(key=lambda n: -n.ms)
    return rows, unattributed
