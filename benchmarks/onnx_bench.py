"""ONNX reading speed and memory: dscost against the onnx.load floor and onnx-tool.

Generates into a temporary folder (deleted at the end; nothing is committed):

  vgg16-embedded    VGG16 from models/vgg16.yaml with its 138M zero weights embedded (~528 MiB)
  ext-2.5GB         a 2.5 GB stack of 2048x2048 MatMul weights in external data
  chain-10k/100k    synthetic 10k- and 100k-node graphs (1x1 conv, relu, residual add blocks)

and runs, each in a fresh process, ``dscost analyze <model> -f json -q`` (wall
time and peak RSS of the whole process, from /usr/bin/time), the floor
``onnx.load(path, load_external_data=False)``, and onnx-tool's
``model_profile`` when an interpreter with ``onnx_tool`` is available
(``--onnx-tool-python PATH``; onnx-tool is an optional dev dependency, e.g.
``python -m venv /tmp/ot && /tmp/ot/bin/pip install onnx-tool``).

Prints one markdown table.  Targets (issue 3): 528 MiB model wall <= 0.25x
onnx-tool and peak RSS <= 0.25x the file size; 2.5 GB external model < 1 s and
< 200 MB; t(100k) / t(10k) <= 12.

Usage: python benchmarks/onnx_bench.py [--onnx-tool-python /tmp/ot/bin/python] [--skip-100k] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ONNX_TOOL_CODE = "import sys, onnx_tool; onnx_tool.model_profile(sys.argv[1])"
FLOOR_CODE = "import sys, onnx; onnx.load(sys.argv[1], load_external_data=False)"


# --------------------------------------------------------------------------
# Model generators (zero weights, written as file holes: fast, no RAM)


def gen_vgg16(folder: Path) -> Path:
    from dscost.export import export_model
    from dscost.readers.spec_reader import read_spec

    return export_model(read_spec(ROOT / "models" / "vgg16.yaml"), folder / "vgg16.onnx")


def _write_external(folder: Path, name: str, nodes, inputs, outputs, weights: list[tuple[str, tuple[int, ...]]]) -> Path:
    """A model whose float32 weights live in <name>.data (a sparse file of zeros)."""
    from math import prod

    import onnx
    from onnx import TensorProto, helper

    inits = []
    offset = 0
    for wname, dims in weights:
        t = TensorProto(name=wname, dims=list(dims), data_type=TensorProto.FLOAT, data_location=TensorProto.EXTERNAL)
        nbytes = prod(dims) * 4
        for k, v in (("location", f"{name}.data"), ("offset", str(offset)), ("length", str(nbytes))):
            e = t.external_data.add()
            e.key, e.value = k, v
        offset += -(-nbytes // 4096) * 4096
        inits.append(t)
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=inits)
    opsets = [helper.make_opsetid("", 17)]
    mp = helper.make_model(graph, opset_imports=opsets)
    mp.ir_version = helper.find_min_ir_version_for(opsets)
    path = folder / f"{name}.onnx"
    onnx.save(mp, str(path))
    with open(folder / f"{name}.data", "wb") as f:
        f.truncate(offset)
    return path


def gen_external(folder: Path, layers: int = 150, width: int = 2048) -> Path:
    """Transformer-MLP-like stack: MatMul(width x width) + bias Add + Relu per layer; ~2.5 GB of weights."""
    from onnx import TensorProto, helper

    nodes, weights = [], []
    cur = "x"
    for i in range(layers):
        weights += [(f"w{i}", (width, width)), (f"b{i}", (width,))]
        nodes += [
            helper.make_node("MatMul", [cur, f"w{i}"], [f"m{i}"], name=f"fc{i}"),
            helper.make_node("Add", [f"m{i}", f"b{i}"], [f"a{i}"], name=f"bias{i}"),
            helper.make_node("Relu", [f"a{i}"], [f"r{i}"], name=f"relu{i}"),
        ]
        cur = f"r{i}"
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 128, width])]
    outputs = [helper.make_tensor_value_info(cur, TensorProto.FLOAT, None)]
    return _write_external(folder, "ext", nodes, inputs, outputs, weights)


def gen_chain(folder: Path, n_nodes: int) -> Path:
    """Residual blocks of 1x1 conv (8 channels, embedded weights) -> Relu -> Add: 3 nodes each."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    cur = "x"
    w = np.zeros((8, 8, 1, 1), np.float32)
    for i in range(n_nodes // 3):
        inits.append(numpy_helper.from_array(w, f"w{i}"))
        nodes += [
            helper.make_node("Conv", [cur, f"w{i}"], [f"c{i}"], name=f"conv{i}"),
            helper.make_node("Relu", [f"c{i}"], [f"r{i}"], name=f"relu{i}"),
            helper.make_node("Add", [f"r{i}", cur], [f"s{i}"], name=f"add{i}"),
        ]
        cur = f"s{i}"
    graph = helper.make_graph(
        nodes, "chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 16, 16])], [helper.make_tensor_value_info(cur, TensorProto.FLOAT, None)], initializer=inits
    )
    opsets = [helper.make_opsetid("", 17)]
    mp = helper.make_model(graph, opset_imports=opsets)
    mp.ir_version = helper.find_min_ir_version_for(opsets)
    path = folder / f"chain{n_nodes // 1000}k.onnx"
    onnx.save(mp, str(path))
    return path


# --------------------------------------------------------------------------
# Measurement


def measure(cmd: list[str], timeout: float) -> tuple[float, float] | str:
    """(wall seconds, peak RSS MB) of one process, or a reason it has none.

    Peak RSS comes from /usr/bin/time (a small process forking the command), else
    from os.wait4; the benchmark process itself stays small, as a forked child
    starts with its parent's RSS as its high-water mark.
    """
    wrapped = ["/usr/bin/time", "-f", "__RSS_KB__ %M", *cmd] if os.path.exists("/usr/bin/time") else cmd
    start = time.perf_counter()
    proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tempfile.gettempdir(), start_new_session=True)
    try:
        _, err_bytes = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the command and its /usr/bin/time wrapper
        proc.communicate()
        return f"> {timeout:.0f} s"
    wall = time.perf_counter() - start
    err = err_bytes.decode(errors="replace")
    rss_lines = [line for line in err.splitlines() if line.startswith("__RSS_KB__ ")]
    if proc.returncode not in (0, 1):
        print(f"  failed: {' '.join(cmd[:4])}...: {[l for l in err.splitlines() if not l.startswith('__RSS_KB__')][-1:]}", file=sys.stderr)
        return "failed"
    if rss_lines:
        return wall, int(rss_lines[-1].split()[1]) / 1024
    return wall, float("nan")


def best(cmd: list[str], repeat: int, timeout: float) -> tuple[float, float] | str:
    runs = [measure(cmd, timeout) for _ in range(repeat)]
    ok = [r for r in runs if isinstance(r, tuple)]
    return min(ok) if ok else runs[0]


def fmt(r) -> tuple[str, str]:
    return (r, "n/a") if isinstance(r, str) else (f"{r[0]:.2f} s", f"{r[1]:.0f} MB")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--onnx-tool-python", default=os.environ.get("ONNX_TOOL_PYTHON"), help="Python with onnx_tool installed (optional).")
    ap.add_argument("--repeat", type=int, default=3, help="Runs per measurement; the fastest is reported.")
    ap.add_argument("--skip-100k", action="store_true", help="Skip the 100k-node graph.")
    ap.add_argument("--timeout", type=float, default=600, help="Seconds before a dscost or onnx.load run is abandoned.")
    ap.add_argument("--tool-timeout", type=float, default=300, help="Seconds before an onnx-tool run is abandoned.")
    ap.add_argument("--keep", action="store_true", help="Keep the generated models (prints the folder).")
    args = ap.parse_args()

    tool = args.onnx_tool_python
    if tool is None:
        try:
            import onnx_tool  # noqa: F401

            tool = sys.executable
        except ImportError:
            pass

    folder = Path(tempfile.mkdtemp(prefix="dscost-bench-"))
    try:
        print(f"generating models in {folder} ...", file=sys.stderr)
        models = [("vgg16-embedded", gen_vgg16(folder)), ("ext-2.5GB", gen_external(folder)), ("chain-10k", gen_chain(folder, 10_000))]
        if not args.skip_100k:
            models.append(("chain-100k", gen_chain(folder, 100_000)))
        rows = []
        walls = {}
        from dscost.readers.onnx_wire import strip as _strip

        for label, path in models:
            n_nodes = _strip(path)[1].n_nodes  # counts nodes without loading the weights
            data = path.with_suffix(".data")
            size = path.stat().st_size + (data.stat().st_size if data.exists() else 0)
            print(f"measuring {label} ...", file=sys.stderr)
            ds = best([sys.executable, "-m", "dscost", "analyze", str(path), "-f", "json", "-q"], args.repeat, args.timeout)
            fl = best([sys.executable, "-c", FLOOR_CODE, str(path)], args.repeat, args.timeout)
            ot = best([tool, "-c", ONNX_TOOL_CODE, str(path)], 1, args.tool_timeout) if tool else "not installed"
            ok_ds, ok_ot = isinstance(ds, tuple), isinstance(ot, tuple)
            walls[label] = ds[0] if ok_ds else None
            ratio_t = f"{ds[0] / ot[0]:.3f}" if ok_ds and ok_ot else "n/a"
            ratio_m = f"{ds[1] / ot[1]:.3f}" if ok_ds and ok_ot else "n/a"
            rss_size = f"{ds[1] / (size / 2**20):.3f}" if ok_ds else "n/a"
            rows.append((label, f"{size / 2**20:,.0f} MiB", f"{n_nodes:,}", *fmt(ds), *fmt(fl), *fmt(ot), ratio_t, ratio_m, rss_size))
        head = ("model", "file + data", "nodes", "dscost wall", "dscost peak RSS", "onnx.load wall", "onnx.load RSS",
                "onnx-tool wall", "onnx-tool RSS", "wall / onnx-tool", "RSS / onnx-tool", "RSS / file size")  # fmt: skip
        cpu = platform.processor() or platform.machine()
        print(f"\n{date.today().isoformat()}, {platform.system()} {platform.machine()} ({cpu}), {os.cpu_count()} cores, Python {platform.python_version()}")
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        if walls.get("chain-10k") and walls.get("chain-100k"):
            print(f"\nt(100k) / t(10k) = {walls['chain-100k'] / walls['chain-10k']:.1f} (target <= 12)")
    finally:
        if args.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
