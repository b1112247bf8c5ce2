"""Cross-check dscost's TFLite counts against the Keras models the files were converted from.

Builds Keras MobileNet (v1, alpha 1.0, 224x224) and MobileNetV2 with
``weights=None``, converts each with ``tf.lite.TFLiteConverter`` to four
files -- float32; float16 weights (DEQUANTIZE ops feed the convs);
dynamic-range int8 weights; full int8 (a representative dataset of random
images) -- runs ``dscost analyze --format json`` on each file, and prints one
table: dscost's MACs, weights and biases against the ones counted from the
Keras layers.

Expected counts come from the Keras model, not from dscost: every Conv2D,
DepthwiseConv2D and Dense layer gives MACs = kernel elements x output
positions, weights = kernel elements, and biases = one per output channel
(the converter folds each BatchNorm into the conv before it and writes a bias
tensor for every conv, all zero where the Keras layer had none; a Dense bias
only when it is not all zero, as the converter drops a zero FULLY_CONNECTED
bias -- MobileNetV2's classifier with weights=None).  MobileNet v1
must give exactly 568,740,352 MACs and 4,221,032 params (4,209,088 weights +
11,944 biases).

TensorFlow is not a dscost dependency: run this in a venv of its own.

    python3 -m venv /work/tfvenv && . /work/tfvenv/bin/activate
    pip install tensorflow-cpu -e '.[tflite]'
    python benchmarks/crosscheck_tflite.py              # all models and variants
    python benchmarks/crosscheck_tflite.py --keep out/  # keep the .tflite files
    python benchmarks/crosscheck_tflite.py --float-only # skip the quantized variants

Exit code 1 when a count differs.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from math import prod
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MOBILENET_V1 = {"macs": 568_740_352, "weights": 4_209_088, "biases": 11_944}


def keras_counts(model) -> dict:
    """MACs, weights and biases of the conv/depthwise/dense layers of a Keras model (batch 1),
    with one bias per output channel of every conv (BatchNorm folded, as the TFLite converter does)."""
    import keras

    macs = weights = biases = 0
    for layer in model.layers:
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.Dense)):
            k = tuple(layer.kernel.shape)
            out = tuple(layer.output.shape)[1:]
            if isinstance(layer, keras.layers.Dense):
                positions = prod(out[:-1]) if len(out) > 1 else 1
            else:
                positions = out[0] * out[1]  # output H x W
            weights += prod(k)
            macs += prod(k) * positions
            if isinstance(layer, keras.layers.Dense):
                # FULLY_CONNECTED's bias is optional: the converter drops an all-zero one
                # (weights=None initializes Dense biases to zero), so the file has none.
                biases += out[-1] if layer.use_bias and bool(keras.ops.any(layer.bias != 0)) else 0
            else:
                biases += out[-1]
    return {"macs": macs, "weights": weights, "biases": biases}


def convert(model, variant: str, path: Path) -> None:
    import numpy as np
    import tensorflow as tf

    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    if variant == "float16":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.target_spec.supported_types = [tf.float16]
    elif variant == "int8 weights":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
    elif variant == "int8":
        shape = (1, *model.input_shape[1:])

        def representative():
            rng = np.random.default_rng(0)
            for _ in range(4):
                yield [rng.standard_normal(shape).astype(np.float32)]

        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = representative
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = tf.int8
        conv.inference_output_type = tf.int8
    path.write_bytes(conv.convert())


def dscost_json(path: Path) -> tuple[dict, float]:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), "--format", "json"], capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"dscost failed on {path}: {p.stderr.strip()}")
    return json.loads(p.stdout), elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="write the .tflite files here (default: a temporary folder)")
    ap.add_argument("--float-only", action="store_true", help="only the float32 conversion")
    args = ap.parse_args()

    import keras
    import tensorflow as tf
    import tflite

    builders = {
        "MobileNet v1": lambda: keras.applications.MobileNet(alpha=1.0, input_shape=(224, 224, 3), weights=None),
        "MobileNetV2": lambda: keras.applications.MobileNetV2(alpha=1.0, input_shape=(224, 224, 3), weights=None),
    }
    variants = ["float32"] if args.float_only else ["float32", "float16", "int8 weights", "int8"]
    tmp = None
    if args.keep:
        folder = args.keep
        folder.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="dscost-tflite-")
        folder = Path(tmp.name)

    rows, ok = [], True
    for name, build in builders.items():
        model = build()
        expected = keras_counts(model)
        if name == "MobileNet v1" and expected != MOBILENET_V1:
            print(f"warning: Keras MobileNet v1 counts {expected} differ from the paper's {MOBILENET_V1}", file=sys.stderr)
        for variant in variants:
            path = folder / f"{name.replace(' ', '_').lower()}_{variant.replace(' ', '_')}.tflite"
            with contextlib.redirect_stdout(io.StringIO()):  # the converter prints the SavedModel's signature
                convert(model, variant, path)
            d, elapsed = dscost_json(path)
            t = d["totals"]
            got = {"macs": t["macs"], "weights": t["weights"], "biases": t["biases"]}
            match = got == expected and t["params"] == expected["weights"] + expected["biases"] and t["norm_params"] == 0
            ok &= match
            rows.append((name, variant, path.stat().st_size, expected, got, t["params"], len(d.get("uncounted", [])), len(d["blocks"]), elapsed, match))

    print(f"dscost TFLite cross-check, {date.today()}, {platform.machine()} {platform.system()}, Python {platform.python_version()}, "
          f"TensorFlow {tf.__version__}, Keras {keras.__version__}, tflite {tflite.__version__}")  # fmt: skip
    head = f"{'model':<13} {'variant':<13} {'file':>8} {'Keras MACs':>13} {'dscost MACs':>13} {'Keras params':>13} {'dscost params':>13} {'weights':>10} {'biases':>7} {'blocks':>6} {'uncounted':>9} {'time s':>6}  match"
    print(head)
    print("-" * len(head))
    for name, variant, size, exp, got, params, unc, blocks, elapsed, match in rows:
        print(f"{name:<13} {variant:<13} {size / 2**20:>6.1f}MB {exp['macs']:>13,} {got['macs']:>13,} {exp['weights'] + exp['biases']:>13,} {params:>13,} "
              f"{got['weights']:>10,} {got['biases']:>7,} {blocks:>6} {unc:>9} {elapsed:>6.2f}  {'yes' if match else 'NO'}")  # fmt: skip
    print("Keras params = conv/depthwise/dense kernels + one bias per conv output channel (BN folded, as in the file) + non-zero Dense biases; "
          "time = `dscost analyze --format json` wall time")
    if tmp is not None:
        tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
