"""Resize cross-check: image models exported with dynamic height and width, counted at another size.

A user exports at 224 with ``dynamic_axes={"input": {0: "batch", 2: "height", 3: "width"}}`` and
asks dscost for another resolution (``--input-shape input=1x3x288x288``).  Many models trace a
size of their own into the file (a position table of 197 tokens, a window Reshape of the traced
map); such a file cannot run at the new size.  For each single-image model of the zoo (or the
blind round) of ``crosscheck_torch.py`` this script:

1. exports it at its own size, TorchScript exporter, same settings as the zoo, dynamic batch,
   height and width (into OUT, default /work/resize; never into the repository);
2. counts torch's MACs at SIZE (``torch_reference``; skipped when the module refuses the size);
3. runs the file at SIZE in onnxruntime (random input): it runs, or it fails;
4. runs ``dscost analyze FILE --input-shape NAME=1x3xSIZExSIZE -f json -q``.

``--dynamo``: export with torch's dynamo exporter instead (opset 18, height and width as
``torch.export.Dim``, the batch fixed at 1; into OUT/dynamo-zoo and so on).  It declares the
shape of every tensor (``value_info``), in the symbols of the dynamic sizes where it could keep
them and at the traced size where it could not: the files that test dscost's clearing of
declared shapes once a size is given.  A model that asserts its own input size (timm's TNT)
makes torch.export fix the size: such a file is listed as exported at a fixed size, not counted.

Verdicts: ``exact`` (onnxruntime runs it, dscost's MACs equal torch's, nothing uncounted);
``flagged`` (onnxruntime cannot run it, and dscost lists uncounted nodes or refuses the file);
``CHECK`` otherwise -- a count that is silently wrong.  Exit code 1 when any row is ``CHECK``.
Needs torch, torchvision, timm and onnxruntime (the venv of crosscheck_torch.py).

    python benchmarks/crosscheck_resize.py [--size 288] [--blind | --third] [--dynamo] [--only resnet18,...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import subprocess
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crosscheck_torch import EXPORT_SETTINGS, THIRD_TIMM, blind_zoo, timm_zoo, torch_reference, zoo  # noqa: E402

DEFAULT_OUT = Path("/work/resize")


@contextlib.contextmanager
def quiet_stdout():
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def export(model, sample, path: Path, name: str, dynamo: bool) -> None:
    import torch

    with quiet_stdout():  # (torch's C++ prints its IR when it refuses a module)
        if dynamo:
            dims = {2: torch.export.Dim("height", min=32, max=1024), 3: torch.export.Dim("width", min=32, max=1024)}
            torch.onnx.export(model, (sample,), str(path), dynamo=True, opset_version=18, input_names=[name], dynamic_shapes=(dims,))
        else:
            torch.onnx.export(model, (sample,), str(path), input_names=[name], dynamic_axes={name: {0: "batch", 2: "height", 3: "width"}},
                              **dict(EXPORT_SETTINGS, training=torch.onnx.TrainingMode.PRESERVE))  # fmt: skip


def check(e, size: int, out: Path, dscost_cmd: list[str], dynamo: bool = False) -> dict | None:
    import numpy as np
    import onnxruntime as ort
    import torch

    name, shape, _ = e.inputs[0]
    torch.manual_seed(0)
    model = e.build().eval()
    path = out / f"{e.name}.onnx"
    if not path.exists():
        try:
            export(model, torch.randn(*shape), path, name, dynamo)
        except Exception as err:  # (torch's exporters refuse some modules with dynamic sizes)
            return {"name": e.name, "error": f"export failed: {str(err).splitlines()[0][:100]}"}
    import onnx

    declared = onnx.load(str(path), load_external_data=False).graph.input[0].type.tensor_type.shape.dim
    if all(d.HasField("dim_value") for d in declared[2:]):  # (torch.export specialized the size: the model asserts its own)
        return {"name": e.name, "error": f"exported at a fixed size ({'x'.join(str(d.dim_value) for d in declared)})"}
    big = (1, shape[1], size, size)
    try:
        with torch.no_grad():
            ref = torch_reference(model, (torch.randn(*big),))[0]
    except Exception:  # (the module itself refuses the size)
        ref = None
    try:
        ort.set_default_logger_severity(4)
        sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        sess.run(None, {name: np.random.rand(*big).astype(np.float32)})
        runs = True
    except Exception:
        runs = False
    r = subprocess.run([*dscost_cmd, "analyze", str(path), "--input-shape", f"{name}={'x'.join(map(str, big))}", "-f", "json", "-q"],
                       capture_output=True, text=True)  # fmt: skip
    row = {"name": e.name, "torch": ref, "runs": runs, "exit": r.returncode}
    if r.returncode == 0:
        d = json.loads(r.stdout)
        row["macs"], row["uncounted"] = d["totals"]["macs"], len(d["uncounted"])
        row["reason"] = next((u["reason"] for u in d["uncounted"] if "cannot run" in u["reason"]), d["uncounted"][0]["reason"] if d["uncounted"] else "")
    else:
        row["macs"], row["uncounted"], row["reason"] = None, None, (r.stderr.strip().splitlines() or ["?"])[-1]
    if runs and ref is not None and row["macs"] == ref and row["uncounted"] == 0:
        row["verdict"] = "exact"
    elif not runs and (row["uncounted"] or r.returncode == 2):
        row["verdict"] = "flagged"
    else:
        row["verdict"] = "CHECK"
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=288, help="the height and width counted (default 288)")
    ap.add_argument("--blind", action="store_true", help="the blind round's models instead of the zoo's")
    ap.add_argument("--third", action="store_true", help="the third round's models instead of the zoo's")
    ap.add_argument("--dynamo", action="store_true", help="export with the dynamo exporter (into OUT/dynamo-zoo, ...)")
    ap.add_argument("--only", default="", help="comma-separated model names")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder for the exported files (default {DEFAULT_OUT})")
    ap.add_argument("--dscost", default=f"{sys.executable} -m dscost", help="command that runs dscost (default: this Python's -m dscost)")
    a = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    out = a.out / (("dynamo-" if a.dynamo else "") + ("blind" if a.blind else "third" if a.third else "zoo"))
    out.mkdir(parents=True, exist_ok=True)
    only = {s.strip() for s in a.only.split(",") if s.strip()}
    rows = []
    for e in blind_zoo() if a.blind else timm_zoo(THIRD_TIMM) if a.third else zoo():
        if (only and e.name not in only) or e.big or len(e.inputs) != 1 or len(e.inputs[0][1]) != 4 or e.inputs[0][2] != "float32":
            continue
        row = check(e, a.size, out, shlex.split(a.dscost), a.dynamo)
        print(f"{e.name:<34} {row.get('verdict', row.get('error'))}", file=sys.stderr, flush=True)
        rows.append(row)
    print(f"| model | torch MACs at {a.size} | onnxruntime | dscost MACs | uncounted | verdict | first reason |")
    print("|---|---:|---|---:|---:|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['name']} | | | | | {r['error']} | |")
            continue
        num = lambda v: f"{v:,}" if isinstance(v, int) else "-"  # noqa: E731
        print(f"| {r['name']} | {num(r['torch'])} | {'runs' if r['runs'] else 'fails'} | {num(r['macs'])} | {num(r['uncounted'])} | {r['verdict']} | {r['reason'][:110]} |")
    counts = {v: sum(1 for r in rows if r.get("verdict") == v) for v in ("exact", "flagged", "CHECK")}
    fixed = sum(1 for r in rows if r.get("error", "").startswith("exported at a fixed size"))
    print(f"\n{len(rows)} models at {a.size}x{a.size}: {counts['exact']} exact, {counts['flagged']} flagged (onnxruntime cannot run them either), "
          f"{counts['CHECK']} to check, {len(rows) - sum(counts.values()) - fixed} not exported, {fixed} exported at a fixed size")  # fmt: skip
    return 1 if counts["CHECK"] else 0


if __name__ == "__main__":
    sys.exit(main())
