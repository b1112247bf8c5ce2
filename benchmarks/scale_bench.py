"""Scale: dscost against its floors, measured in one run (issue 12's targets).

Every command runs as a whole process; the commands of a row run interleaved (A B A B ...),
``--repeat`` times each, and the table gives medians (wall time, peak RSS from /usr/bin/time)
and their ratios.  Models are generated in a temporary folder (deleted afterwards):

  conv3x3-100k   100k nodes: 50k blocks of 3x3 conv (8 channels) + ReLU
  chain-10k/100k 1x1 conv / ReLU / residual add blocks (benchmarks/onnx_bench.py)
  mobilenet_v2, resnet18   models/*.yaml exported with zero weights (dscost export)
  --extra PATH   any other ONNX file (e.g. a torchvision resnet50 export)

Rows and targets:
  analyze -f json of a big graph      <= 2x `onnx.load + infer_shapes` (same run), < 5 s at 100k;
                                      peak RSS <= 1.2x the floor's; t(100k) / t(10k) <= 10
  analyze -f json of mobilenet/resnet <= 1.15x `python -c "import onnx"`
  analyze of a YAML spec (piped)      <= 2x a minimal Typer app; two reference rows split it: the
                                      stack the issue keeps (a Typer command reading the spec with
                                      PyYAML into a one-field Pydantic model) against the Typer
                                      app, and dscost against that stack
  bench MODEL                         peak RSS <= 2x the model file (the child process's): resnet18,
                                      a generated 256 MB MLP (its nodes unnamed), the --extra files
  analyze of 8 models, --jobs 2       speed-up over --jobs 1 (small models, and 10k-node graphs)

    python benchmarks/scale_bench.py [--repeat 5] [--skip-100k] [--extra /work/zoo/resnet50.onnx]

Run it with the Python of a regular install (``pip install .``), as users have it: an editable
install (``pip install -e .``) finds each of dscost's modules through setuptools' Python-level
finder, which adds ~25 ms to every start (2026-12-04: a small file's `analyze` 1.33x `import
onnx` editable, 0.92x installed).  The table's first line says which install it measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

FLOOR_INFER = "import sys, onnx; m = onnx.load(sys.argv[1]); onnx.shape_inference.infer_shapes(m, data_prop=True)"
FLOOR_IMPORT = "import onnx"
FLOOR_SESSION = "import sys, onnxruntime as ort; ort.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])"
from startup import FLOOR_APP as TYPER_APP  # noqa: E402  (the same minimal Typer app as the start-up benchmark)

# The stack issue 12 keeps for YAML specs, and nothing of dscost: a Typer command that reads the
# spec with PyYAML and validates it with one Pydantic model of one field.
STACK_APP = """
import typer
import yaml
from pydantic import BaseModel


class Spec(BaseModel):
    layers: list[dict]


app = typer.Typer()


@app.command()
def main(path: str) -> None:
    with open(path) as f:
        print(len(Spec.model_validate(yaml.safe_load(f)).layers), "layers")


app()
"""


def gen_conv3x3(folder: Path, n_nodes: int) -> Path:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits, cur = [], [], "x"
    w = np.zeros((8, 8, 3, 3), np.float32)
    for i in range(n_nodes // 2):
        inits.append(numpy_helper.from_array(w, f"w{i}"))
        nodes += [helper.make_node("Conv", [cur, f"w{i}"], [f"c{i}"], name=f"conv{i}", pads=[1, 1, 1, 1]),
                  helper.make_node("Relu", [f"c{i}"], [f"r{i}"], name=f"relu{i}")]  # fmt: skip
        cur = f"r{i}"
    g = helper.make_graph(nodes, "conv3x3", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 16, 16])],
                          [helper.make_tensor_value_info(cur, TensorProto.FLOAT, None)], inits)  # fmt: skip
    path = folder / f"conv3x3-{n_nodes // 1000}k.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), str(path))
    return path


def gen_mlp(folder: Path, layers: int = 4, width: int = 4096) -> Path:
    """A MatMul + ReLU stack of ``layers`` random width x width weights (4 x 64 MiB), its nodes
    unnamed (as onnx.helper leaves them): the large file of the bench memory rows."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    nodes, inits, cur = [], [], "x"
    for i in range(layers):
        inits.append(numpy_helper.from_array(rng.standard_normal((width, width), np.float32), f"w{i}"))
        nodes += [helper.make_node("MatMul", [cur, f"w{i}"], [f"h{i}"]), helper.make_node("Relu", [f"h{i}"], [f"r{i}"])]
        cur = f"r{i}"
    g = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [8, width])],
                          [helper.make_tensor_value_info(cur, TensorProto.FLOAT, [8, width])], inits)  # fmt: skip
    path = folder / f"mlp{layers * width * width * 4 >> 20}MB.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), str(path))
    return path


def installed() -> str:
    """How the dscost the commands run is installed (editable installs start slower), and the
    versions of onnx and ml_dtypes (whose import is the floor of the small files)."""
    from importlib import metadata

    site = [p for p in sys.path if Path(p or ".").resolve() not in (ROOT, ROOT / "benchmarks")]  # (not the checkout's egg-info)
    dist = next(iter(metadata.distributions(name="dscost", path=site)), None)
    if dist is None:
        return "dscost not installed"
    url = dist.read_text("direct_url.json") or ""
    kind = "editable install" if '"editable": true' in url.replace("'", '"') else "regular install"
    versions = []
    for name in ("onnx", "ml_dtypes"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join([f"dscost: {kind}", *versions])


def run_once(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall s, peak RSS MB) of one process (RSS of the largest process it waited for: /usr/bin/time)."""
    t0 = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "__RSS_KB__ %M", *cmd], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if r.returncode not in (0, 1):
        raise SystemExit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-2000:]}")
    rss = [line for line in r.stderr.splitlines() if line.startswith("__RSS_KB__ ")]
    return wall, int(rss[-1].split()[1]) / 1024


def interleaved(cmds: list[list[str]], repeat: int, cwd: Path) -> list[tuple[float, float]]:
    """Median (wall, RSS) of each command, run A B C A B C ... ``repeat`` times."""
    runs: list[list[tuple[float, float]]] = [[] for _ in cmds]
    for _ in range(repeat):
        for i, cmd in enumerate(cmds):
            runs[i].append(run_once(cmd, cwd))
    return [(statistics.median(w for w, _ in r), statistics.median(m for _, m in r)) for r in runs]


def child_peak_mb(cmd: list[str], cwd: Path) -> float:
    """Peak RSS of bench's onnxruntime child process (GNU time reports the largest process it
    waited for, and the parent is small), MB."""
    return run_once(cmd, cwd)[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-100k", action="store_true")
    ap.add_argument("--extra", action="append", default=[], help="another ONNX file for the small/medium row")
    args = ap.parse_args()
    py = sys.executable
    dscost = [py, "-m", "dscost"]
    tmp = Path(tempfile.mkdtemp(prefix="dscost-scale-"))
    rows: list[tuple[str, ...]] = []
    try:
        from onnx_bench import gen_chain

        print("generating models ...", file=sys.stderr)
        typer_app = tmp / "app.py"
        typer_app.write_text(TYPER_APP)
        stack_app = tmp / "stack_app.py"
        stack_app.write_text(STACK_APP)
        exported = {}
        for name in ("mobilenet_v2", "resnet18"):
            out = tmp / f"{name}.onnx"
            subprocess.run([*dscost, "export", str(ROOT / "models" / f"{name}.yaml"), "-o", str(out)], check=True, capture_output=True)
            exported[name] = out
        big = [("conv3x3-100k", gen_conv3x3(tmp, 100_000))] if not args.skip_100k else []
        chain10k = gen_chain(tmp, 10_000)
        chain100k = gen_chain(tmp, 100_000) if not args.skip_100k else None

        def add(label, a, floor, floor_label, target):
            ratio_t, ratio_m = a[0] / floor[0], a[1] / floor[1]
            rows.append((label, f"{a[0]:.2f} s", f"{a[1]:.0f} MB", floor_label, f"{floor[0]:.2f} s", f"{floor[1]:.0f} MB", f"{ratio_t:.2f}x", f"{ratio_m:.2f}x", target))

        for label, path in big + [("chain-10k", chain10k)] + ([("chain-100k", chain100k)] if chain100k else []):
            print(f"measuring {label} ...", file=sys.stderr)
            a, f = interleaved([[*dscost, "analyze", str(path), "-f", "json", "-q"], [py, "-c", FLOOR_INFER, str(path)]], args.repeat, tmp)
            add(f"analyze {label}", a, f, "onnx.load + infer_shapes", "<= 2x, RSS <= 1.2x" + (", < 5 s" if "100k" in label else ""))
            if label == "chain-10k":
                t10k = a[0]
            if label == "chain-100k":
                rows.append(("t(100k) / t(10k)", f"{a[0] / t10k:.1f}", "", "", "", "", "", "", "<= 10"))
        for name, path in [*exported.items(), *((Path(e).stem, Path(e)) for e in args.extra)]:
            print(f"measuring {name} ...", file=sys.stderr)
            a, f = interleaved([[*dscost, "analyze", str(path), "-f", "json", "-q"], [py, "-c", FLOOR_IMPORT]], args.repeat, tmp)
            add(f"analyze {name}.onnx", a, f, "python -c 'import onnx'", "<= 1.15x")
        print("measuring the YAML spec ...", file=sys.stderr)
        spec = str(ROOT / "models" / "mobilenet_v1.yaml")
        a, f, stack = interleaved([[*dscost, "analyze", spec], [py, str(typer_app)], [py, str(stack_app), spec]], args.repeat, tmp)
        add("analyze mobilenet_v1.yaml", a, f, "minimal Typer app", "<= 2x")
        add("Typer + PyYAML + a one-field Pydantic model", stack, f, "minimal Typer app", "(the kept stack's own cost)")
        add("analyze mobilenet_v1.yaml", a, stack, "Typer + PyYAML + Pydantic", "(dscost's own part)")
        for name, path in [("resnet18", exported["resnet18"]), ("mlp256MB", gen_mlp(tmp)), *((Path(e).stem, Path(e)) for e in args.extra)]:
            print(f"measuring bench {name} ...", file=sys.stderr)
            peak = statistics.median(child_peak_mb([*dscost, "bench", str(path), "--budget", "0.5", "--runs", "20"], tmp) for _ in range(max(1, args.repeat // 2)))
            size = path.stat().st_size / 2**20
            rows.append((f"bench {name}.onnx", "", f"{peak:.0f} MB", "model file", "", f"{size:.0f} MB", "", f"{peak / size:.2f}x", "RSS <= 2x"))
            session = statistics.median(child_peak_mb([py, "-c", FLOOR_SESSION, str(path)], tmp) for _ in range(max(1, args.repeat // 2)))
            rows.append((f"bench {name}.onnx", "", f"{peak:.0f} MB", "one onnxruntime session", "", f"{session:.0f} MB", "", f"{peak / session:.2f}x", "(onnxruntime's own floor)"))
        print("measuring --jobs ...", file=sys.stderr)
        for label, many in (("8 small models (mobilenet_v2, resnet18)", [str(exported[n]) for n in exported] * 4),
                            ("8 chain-10k graphs", [str(chain10k)] * 8)):
            a, f = interleaved([[*dscost, "analyze", *many, "-f", "json", "--jobs", "2"], [*dscost, "analyze", *many, "-f", "json"]], args.repeat, tmp)
            rows.append((f"analyze {label} --jobs 2", f"{a[0]:.2f} s", "", "--jobs 1", f"{f[0]:.2f} s", "", f"{f[0] / a[0]:.2f}x faster", "", "speed-up on 2 cores"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    cpu = platform.processor() or platform.machine()
    print(f"\n{date.today().isoformat()}, {platform.system()} {platform.machine()} ({cpu}), {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {installed()}; medians of {args.repeat} interleaved runs")  # fmt: skip
    head = ("work", "dscost wall", "dscost RSS", "floor", "floor wall", "floor RSS", "wall ratio", "RSS ratio", "target")
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
