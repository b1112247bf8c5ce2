"""Ultralytics cross-check: dscost's ONNX counts against Ultralytics' own model summary.

For each model configuration (YOLOv8, YOLO11 detect/segment/pose/OBB, YOLOv10, YOLO26, RT-DETR;
random weights built from the package's YAML files, no download):

1. reference: ``model.info()`` -- Ultralytics' summary of the fused model (Conv+BN folded), whose
   GFLOPs come from its thop-based counter at 640x640 and whose params are
   ``sum(p.numel() for p in model.parameters())``;
2. ``model.export(format="onnx", imgsz=640, opset=17)`` into ``OUT`` (default /work/ultralytics;
   never into the repository);
3. ``python -m dscost analyze OUT/<name>.onnx -f json -q``: 2 x ``totals.macs`` (a FLOP is half a
   MAC in thop's and Ultralytics' convention) and ``totals.params``.

It prints one table.  Needs ``pip install ultralytics`` (and torch) in the Python that runs it;
dscost runs through ``--dscost`` (default: this Python's ``-m dscost``).

    python benchmarks/crosscheck_ultralytics.py [--out DIR] [--only yolo11n.yaml,...]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

MODELS = ["yolov8n.yaml", "yolo11n.yaml", "yolo11n-seg.yaml", "yolo11n-pose.yaml", "yolo11n-obb.yaml", "yolov10n.yaml", "yolo26n.yaml", "rtdetr-l.yaml"]


def reference(cfg: str, out: Path) -> tuple[float, int, Path]:
    """(GFLOPs, params) of Ultralytics' summary and the exported ONNX file."""
    os.environ.setdefault("YOLO_OFFLINE", "1")
    from ultralytics import RTDETR, YOLO

    from ultralytics.utils.torch_utils import get_flops, get_num_params

    model = (RTDETR if cfg.startswith("rtdetr") else YOLO)(cfg)
    model.model.fuse(verbose=False)  # (what export runs, and what its summary line reports)
    gflops, params = get_flops(model.model, 640), get_num_params(model.model)
    cwd = os.getcwd()
    os.chdir(out)  # (the export is written beside the working directory)
    try:
        path = Path(model.export(format="onnx", imgsz=640, opset=17, simplify=False, dynamic=False, verbose=False)).resolve()
    finally:
        os.chdir(cwd)
    return float(gflops), int(params), path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/work/ultralytics"), help="folder for the ONNX files")
    ap.add_argument("--only", default="", help="comma-separated model configurations")
    ap.add_argument("--dscost", default=f"{sys.executable} -m dscost", help="command that runs dscost")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for cfg in args.only.split(",") if args.only else MODELS:
        gflops, params, path = reference(cfg, args.out)
        run = subprocess.run([*shlex.split(args.dscost), "analyze", str(path), "-f", "json", "-q"], capture_output=True, text=True)
        if run.returncode:
            rows.append((cfg, gflops, params, None, None, run.stderr.strip().splitlines()[-1][:60]))
            continue
        totals = json.loads(run.stdout)
        rows.append((cfg, gflops, params, 2 * totals["totals"]["macs"] / 1e9, totals["totals"]["params"], len(totals["uncounted"])))
    print(f"{'model':<20} {'Ultralytics GFLOPs':>18} {'dscost 2xMACs/1e9':>18} {'Ultralytics params':>19} {'dscost params':>14} {'uncounted':>9}")
    for cfg, gflops, params, flops, ours, uncounted in rows:
        ours_flops = "error" if flops is None else f"{flops:.2f}"
        ours_params = "" if ours is None else f"{ours:,}"
        print(f"{cfg:<20} {gflops:>18.2f} {ours_flops:>18} {params:>19,} {ours_params:>14} {uncounted!s:>9}")

if __name__ == "__main__":
    main()
