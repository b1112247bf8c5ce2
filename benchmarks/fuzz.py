"""Nightly-style fuzzing: thousands of mutated inputs (tests/fuzzing.py) through analyze, check and
convert in-process, and a sample through `dscost bench` and `dscost convert --verify` as real
processes (onnxruntime in a child process that --timeout stops).  Prints one table of counts
and exits 1 on the first violation (a traceback, an internal error, a multi-line error, a hang,
a changed input or a stray file), with the case saved to --keep for replay.

    python benchmarks/fuzz.py                 # 5,000 in-process cases + 100 bench/convert processes
    python benchmarks/fuzz.py --cases 20000 --processes 300 --seed 7 --keep /tmp/fuzz-failures
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from fuzzing import SPEC, cases, mutate, run_case, seed_onnx  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=5000)
    ap.add_argument("--processes", type=int, default=100, help="bench / convert --verify cases run as processes")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", default=None, help="folder to save a failing case into")
    args = ap.parse_args()
    counts = {"in-process": {0: 0, 1: 0, 2: 0}, "process": {0: 0, 1: 0, 2: 0}}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dscost-fuzz-") as tmp:
        folder = Path(tmp)
        os.chdir(folder)
        for i, (name, data, argv) in enumerate(cases(args.cases, seed=args.seed)):
            (folder / "seed.yaml").write_bytes(SPEC)
            (folder / "out.onnx").unlink(missing_ok=True)
            try:
                code, _ = run_case(folder, name, data, argv)
            except AssertionError as err:
                return fail(args, i, name, data, argv, err)
            counts["in-process"][code] += 1
            (folder / "out.onnx").unlink(missing_ok=True)
        rng = random.Random(args.seed)
        seed = seed_onnx()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for i in range(args.processes):
            data = mutate(seed, rng)
            (folder / "m.onnx").write_bytes(data)
            argv = rng.choice([["bench", "m.onnx", "--budget", "0.05", "--runs", "5", "--timeout", "30"],
                               ["convert", "m.onnx", "-o", "out.onnx", "--timeout", "30"]])  # fmt: skip
            r = subprocess.run([sys.executable, "-m", "dscost", *argv], capture_output=True, text=True, cwd=folder, env=env, timeout=120)
            bad = "Traceback" in r.stderr or "internal error" in r.stderr or r.returncode not in (0, 1, 2)
            bad = bad or (r.returncode == 2 and len(r.stderr.strip().splitlines()) != 1)
            bad = bad or (folder / "m.onnx").read_bytes() != data
            if bad:
                return fail(args, i, "m.onnx", data, argv, r.stderr)
            counts["process"][r.returncode] += 1
            (folder / "out.onnx").unlink(missing_ok=True)
    took = time.perf_counter() - start
    print("| cases | exit 0 | exit 1 | exit 2 |\n|---|---:|---:|---:|")
    for kind, c in counts.items():
        print(f"| {kind} | {c[0]:,} | {c[1]:,} | {c[2]:,} |")
    print(f"\nno violation in {args.cases + args.processes:,} cases, {took:.0f} s (seed {args.seed})")
    return 0


def fail(args, i, name, data, argv, err) -> int:
    print(f"VIOLATION in case {i}: dscost {' '.join(argv)} on a mutated {name}: {err}", file=sys.stderr)
    if args.keep:
        keep = Path(args.keep)
        keep.mkdir(parents=True, exist_ok=True)
        (keep / name).write_bytes(data)
        print(f"saved to {keep / name}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
