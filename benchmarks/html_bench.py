"""The HTML report of a 5,000-node model: file size (target < 5 MB) and the time headless
Chromium takes to open it with its charts drawn (target < 3 s).

Two ONNX graphs of ~5,000 nodes are written to a temporary folder (deleted afterwards):

* ``vit-5k``: the ViT-like graph of tests/report_models.py with 294 blocks (5,008 nodes) (PyTorch-style node
  names, attention, MLP, shape arithmetic);
* ``conv-5k``: 1,000 x (3x3 conv, BN, ReLU, 1x1 conv, residual Add).

For each: ``dscost analyze MODEL --hardware t4 -f html -o page.html`` (wall time of the whole
process), the page's size, then the page opened in Debian's chromium (tests/headless.py: the
DevTools protocol on a pipe), from navigation to the table's first rows shown and every chart drawn, median of ``--reps`` loads,
with the number of console errors and table rows.

    python benchmarks/html_bench.py [--reps 5]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from headless import Browser  # noqa: E402


def conv_chain_onnx(path: Path, blocks: int = 1000) -> Path:
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper, save

    nodes, inits = [], []
    cur = "x"
    for i in range(blocks):
        p = f"/stages/stages.{i // 100}/blocks.{i}"
        inits += [numpy_helper.from_array(np.zeros((8, 8, 3, 3), np.float32), f"w{i}"), numpy_helper.from_array(np.zeros((8, 8, 1, 1), np.float32), f"v{i}")]
        inits += [numpy_helper.from_array(np.ones(8, np.float32), f"{n}{i}") for n in ("g", "b", "m", "s")]
        nodes += [
            helper.make_node("Conv", [cur, f"w{i}"], [f"{p}/c"], name=f"{p}/conv/Conv", pads=[1, 1, 1, 1]),
            helper.make_node("BatchNormalization", [f"{p}/c", f"g{i}", f"b{i}", f"m{i}", f"s{i}"], [f"{p}/n"], name=f"{p}/bn/BatchNormalization"),
            helper.make_node("Relu", [f"{p}/n"], [f"{p}/r"], name=f"{p}/act/Relu"),
            helper.make_node("Conv", [f"{p}/r", f"v{i}"], [f"{p}/pw"], name=f"{p}/pw/Conv"),
            helper.make_node("Add", [cur, f"{p}/pw"], [f"{p}/out"], name=f"{p}/Add"),
        ]
        cur = f"{p}/out"
    graph = helper.make_graph(nodes, "conv5k", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 16, 16])],
                              [helper.make_tensor_value_info(cur, TensorProto.FLOAT, None)], initializer=inits)  # fmt: skip
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    from report_models import vit_like

    print(f"{platform.system()} {platform.machine()}, {platform.processor() or '?'}, Python {platform.python_version()}")
    print(subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip())
    rows = []
    with tempfile.TemporaryDirectory(prefix="dscost-html-bench-") as tmp:
        tmp = Path(tmp)
        models = {"vit-5k": vit_like(tmp, blocks=294, dim=64, name="vit5k.onnx"), "conv-5k": conv_chain_onnx(tmp / "conv5k.onnx")}
        with Browser() as b:
            for name, path in models.items():
                import onnx

                n_nodes = len(onnx.load(str(path), load_external_data=False).graph.node)
                page = tmp / f"{name}.html"
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), "--hardware", "t4", "-q", "-f", "html", "-o", str(page)], check=True, capture_output=True)
                gen = time.perf_counter() - t0
                loads = []
                for _ in range(args.reps):
                    state = b.open(page, charts=3)
                    loads.append(state["seconds"])
                rows.append((name, n_nodes, page.stat().st_size, gen, statistics.median(loads), max(loads), state["drawn"], state["dataRows"].get("layers"), len(state["errors"])))
    print()
    print("| model | ONNX nodes | HTML size | dscost analyze -f html | open + charts drawn (median) | max | charts drawn | table rows (data) | console errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, n, size, gen, med, worst, drawn, trows, errs in rows:
        print(f"| {name} | {n:,} | {size / 1e6:.2f} MB | {gen:.2f} s | {med:.2f} s | {worst:.2f} s | {drawn} | {trows:,} | {errs} |")
    ok = all(size < 5e6 and med < 3 for _, _, size, _, med, *_ in rows)
    print(f"\ntargets (< 5 MB, < 3 s): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
