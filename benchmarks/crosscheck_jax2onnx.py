"""dscost on ONNX files written by jax2onnx (JAX, Flax NNX, Flax Linen, Equinox), against a count
of the same function's jaxpr (2026-12-02).

jax2onnx ships its own example models (a CNN, MLPs, ViTs, GPT, CLIP, DINOv3, an autoencoder, a
GRU cell, MaxText and MaxDiffusion blocks...), each with the input shapes of its test cases.
For each example whose inputs are all of fixed size, this script

* counts the MACs of the function's jaxpr, the way torch's ``FlopCounterMode`` counts a torch
  program: ``dot_general`` (the product of the output's size and of the contracted dims) and
  ``conv_general_dilated`` (the output's size times the kernel's size over its output features;
  a transposed conv, written as a conv over a dilated input, counts the zeros it multiplies,
  so those rows are marked), walking into ``pjit``, ``custom_jvp``/``custom_vjp`` calls,
  ``remat``, ``cond`` (the largest branch) and ``scan``/``fori_loop`` (times its length);
* exports it with ``jax2onnx.to_onnx`` (its default opset) and runs ``dscost analyze -f json``
  on the file;
* prints one row per example: both MAC counts, the uncounted nodes, and whether they agree.

Run it in a venv with jax, flax, equinox (optional) and jax2onnx; dscost from this checkout:

    PYTHONPATH=. python benchmarks/crosscheck_jax2onnx.py [--only cnn,vit] [--keep DIR] [--json rows.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DSCOST_TIMEOUT_S = 600
SYMBOLIC = {"B": 2}  # a test case's symbolic dims at these sizes (any other name: 8)


def jaxpr_macs(jaxpr) -> tuple[int, bool]:
    """(MACs of ``dot_general`` and ``conv_general_dilated`` in a (closed) jaxpr, whether a conv
    over a dilated input -- a transposed conv -- was counted at its dilated size)."""
    inner = getattr(jaxpr, "jaxpr", jaxpr)
    total, dilated = 0, False
    for eqn in inner.eqns:
        name = eqn.primitive.name
        if name == "dot_general":
            (lc, _rc), _batch = eqn.params["dimension_numbers"]
            lhs = eqn.invars[0].aval.shape
            total += math.prod(eqn.outvars[0].aval.shape) * math.prod(lhs[d] for d in lc)
        elif name == "conv_general_dilated":
            rhs = eqn.invars[1].aval.shape
            out_feature = eqn.params["dimension_numbers"].rhs_spec[0]
            total += math.prod(eqn.outvars[0].aval.shape) * math.prod(rhs) // rhs[out_feature] // eqn.params.get("batch_group_count", 1)
            dilated |= any(d != 1 for d in (eqn.params.get("lhs_dilation") or ()))
        else:
            subs = _sub_jaxprs(eqn)
            if name == "cond":
                counted = [jaxpr_macs(s) for s in subs]
                total += max((c for c, _ in counted), default=0)
                dilated |= any(d for _, d in counted)
                continue
            times = eqn.params.get("length", 1) if name == "scan" else 1
            for s in subs:
                c, d = jaxpr_macs(s)
                total, dilated = total + times * c, dilated or d
    return total, dilated


def _sub_jaxprs(eqn) -> list:
    out = []
    for value in eqn.params.values():
        for v in value if isinstance(value, (tuple, list)) else (value,):
            if hasattr(v, "eqns") or hasattr(getattr(v, "jaxpr", None), "eqns"):
                out.append(v)
    return out


def examples(only: set[str]) -> list[tuple[str, object, list[tuple]]]:
    """(name, callable factory, input shapes, dtypes) of jax2onnx's registered examples: the
    first test case of each that takes no keyword parameters, its symbolic dims at
    :data:`SYMBOLIC` (the batch "B" 2, any other 8), or the shapes of its input values."""
    from jax2onnx.plugins.plugin_system import EXAMPLE_REGISTRY, import_all_plugins

    import_all_plugins()
    found = []
    for key, meta in sorted(EXAMPLE_REGISTRY.items()):
        if not key.startswith("examples."):
            continue
        name = key.split("::")[-1]
        if only and name.lower() not in only and key.lower() not in only:
            continue
        for case in meta.get("testcases", []):
            values = case.get("input_values")
            if case.get("input_params"):
                continue
            if values is not None:
                shapes, dtypes = [tuple(getattr(v, "shape", ())) for v in values], [getattr(v, "dtype", type(v)) for v in values]
            else:
                shapes, dtypes = [tuple(SYMBOLIC.get(d, 8) if isinstance(d, str) else d for d in s) for s in case.get("input_shapes") or []], list(case.get("input_dtypes") or [])
            if shapes and all(isinstance(d, int) for s in shapes for d in s):
                found.append((f"{key.split('::')[0].removeprefix('examples.')}.{name}:{case['testcase']}", case["callable"], shapes, dtypes))
                break
    return found


def run_dscost(path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), "-f", "json", "-q"], capture_output=True, text=True,
                          timeout=DSCOST_TIMEOUT_S, cwd=tempfile.gettempdir(), env=dict(os.environ))  # fmt: skip
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout)


def check(name: str, factory, shapes: list[tuple], dtypes: list, folder: Path) -> dict:
    import jax
    import jax.numpy as jnp

    from jax2onnx import to_onnx

    fn = factory.instantiate() if hasattr(factory, "instantiate") else factory
    types = [jnp.dtype(d) for d in dtypes] if len(dtypes) == len(shapes) else [jnp.float32] * len(shapes)
    args = [jax.ShapeDtypeStruct(s, t) for s, t in zip(shapes, types)]
    row: dict = {"name": name, "inputs": "; ".join("x".join(map(str, s)) for s in shapes)}
    try:
        row["jax_macs"], row["dilated"] = jaxpr_macs(jax.make_jaxpr(fn)(*args))
    except Exception as err:  # noqa: BLE001 (a row, not a crash)
        row["error"] = f"jaxpr: {type(err).__name__}: {str(err).splitlines()[0][:160]}"
        return row
    path = folder / (name.replace(":", "_").replace("/", "_") + ".onnx")
    try:
        to_onnx(fn, args, return_mode="file", output_path=str(path))
    except Exception as err:  # noqa: BLE001
        row["error"] = f"to_onnx: {type(err).__name__}: {str(err).splitlines()[0][:160] if str(err) else ''}"
        return row
    d = run_dscost(path)
    if "error" in d:
        row["error"] = f"dscost: {d['error'][:200]}"
        return row
    row["dscost_macs"] = d["totals"]["macs"]
    row["uncounted"] = sorted({u["op"] for u in d.get("uncounted", [])})
    row["n_uncounted"] = len(d.get("uncounted", []))
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="comma-separated example names (case-insensitive)")
    ap.add_argument("--keep", type=Path, help="folder to keep the .onnx files in")
    ap.add_argument("--json", type=Path, help="write the rows here")
    args = ap.parse_args(argv)
    only = {s.strip().lower() for s in args.only.split(",") if s.strip()}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for name, factory, shapes, dtypes in examples(only):
            row = check(name, factory, shapes, dtypes, folder)
            rows.append(row)
            status = row.get("error") or ("equal" if row["dscost_macs"] == row["jax_macs"] and not row["n_uncounted"] else "DIFF")
            if "error" not in row and row["dilated"] and status == "DIFF":
                status = "DIFF (transposed conv: jaxpr counts the dilated input)"
            print(f"{name:60} {row['inputs']:24} {row.get('jax_macs', ''):>14} {row.get('dscost_macs', ''):>14} "
                  f"{row.get('n_uncounted', '')!s:>3} {status}", flush=True)  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
