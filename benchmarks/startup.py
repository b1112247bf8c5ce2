"""Start-up cost of `dscost compare` against the floor: a minimal Typer app.

One run measures, interleaved (A B C A B C ...), the whole-process wall time of

* floor:   a one-command Typer app that prints a line (written to a temp file),
* compare: `dscost compare --dk 3 --m 32 --n 64 --df 112` (the console script
           next to this interpreter, else `python -m dscost`) with stdout piped
           (plain-text table, the path scripts and CI take),
* compare (tty): the same on a pseudo-terminal (plain layout with ANSI bold, no Rich),
* --help:  `python -m dscost --help`, for information,

and prints medians and the ratio compare / floor (target <= 1.3).

    python benchmarks/startup.py [--reps 15]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR_APP = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


app()
'''

COMPARE = ["compare", "--dk", "3", "--m", "32", "--n", "64", "--df", "112"]
# Measure what users get: cached bytecode.  With PYTHONDONTWRITEBYTECODE set (as in
# some sandboxes) an editable install recompiles every dscost module on every run,
# which alone adds ~60 ms; the warm-up round below writes the .pyc files.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], tty: bool = False) -> float:
    if tty:
        import pty

        master, slave = pty.openpty()
        try:
            t0 = time.perf_counter()
            p = subprocess.run(cmd, stdout=slave, stderr=subprocess.PIPE, env=ENV)
            dt = time.perf_counter() - t0
        finally:
            os.close(slave)
            os.close(master)
    else:
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
        dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode()[-500:]}")
    return dt


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=15)
    args = ap.parse_args()
    py = sys.executable
    script = Path(py).with_name("dscost")
    dscost = [str(script)] if script.exists() else [py, "-m", "dscost"]
    with tempfile.TemporaryDirectory() as tmp:
        floor = Path(tmp) / "floor_app.py"
        floor.write_text(FLOOR_APP)
        cases = {
            "floor: minimal Typer app": ([py, str(floor)], False),
            "dscost compare (piped)": ([*dscost, *COMPARE], False),
            "dscost compare (tty)": ([*dscost, *COMPARE], True),
            "dscost --help": ([*dscost, "--help"], False),
        }
        for cmd, tty in cases.values():  # warm-up: page cache, .pyc files
            timed(cmd, tty)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.reps):
            for name, (cmd, tty) in cases.items():
                times[name].append(timed(cmd, tty))
    floor_ms = statistics.median(times["floor: minimal Typer app"]) * 1000
    print(f"{' '.join(dscost)}; typer {_version('typer')}, rich {_version('rich')}")
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, {args.reps} interleaved repetitions, median wall time")
    print()
    print(f"| {'command':<28} | {'median ms':>9} | {'min ms':>7} | {'vs floor':>8} |")
    print(f"|{'-' * 30}|{'-' * 10}:|{'-' * 8}:|{'-' * 9}:|")
    for name, ts in times.items():
        med = statistics.median(ts) * 1000
        print(f"| {name:<28} | {med:>9.1f} | {min(ts) * 1000:>7.1f} | {med / floor_ms:>7.2f}x |")
    ratio = statistics.median(times["dscost compare (piped)"]) * 1000 / floor_ms
    ratio_min = min(times["dscost compare (piped)"]) / min(times["floor: minimal Typer app"])
    print()
    print(f"compare / floor = {ratio:.2f} by medians, {ratio_min:.2f} by minima (target <= 1.3): {'OK' if max(ratio, ratio_min) <= 1.3 else 'ABOVE TARGET'}")


if __name__ == "__main__":
    main()
