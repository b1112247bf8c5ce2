"""Cross-check dscost's ONNX counts on a third exporter: Keras applications through tf2onnx.

Builds Keras applications with ``weights=None`` (batch 1), converts each with
``tf2onnx.convert.from_keras`` (opset 17), runs ``dscost analyze --format json`` on the file and
prints one table: the MACs counted from the Keras layers (Conv2D, DepthwiseConv2D,
SeparableConv2D, Dense: kernel elements x output positions) against dscost's, and the uncounted
nodes.  Params are printed, not compared: tf2onnx folds BatchNorm into the convs and drops the
zero biases of an untrained model, so the file holds fewer than Keras' trainable weights.

TensorFlow and tf2onnx are not dscost dependencies: run this in a venv of its own.

    python3 -m venv /work/tfvenv && . /work/tfvenv/bin/activate
    pip install tensorflow-cpu tf2onnx -e .
    python benchmarks/crosscheck_tf2onnx.py                 # every model
    python benchmarks/crosscheck_tf2onnx.py --only resnet50 --keep out/

Each model is converted in a process of its own (tf2onnx can crash on one).  Exit code 1 when
dscost's MACs differ from the Keras count on a converted model.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from math import prod
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# name -> (keras.applications constructor, input size)
APPS = {
    "mobilenet": ("MobileNet", 224), "mobilenet_v2": ("MobileNetV2", 224), "mobilenet_v3_small": ("MobileNetV3Small", 224),
    "resnet50": ("ResNet50", 224), "efficientnet_b0": ("EfficientNetB0", 224), "densenet121": ("DenseNet121", 224),
    "xception": ("Xception", 299), "nasnet_mobile": ("NASNetMobile", 224), "inception_v3": ("InceptionV3", 299),
    "convnext_tiny": ("ConvNeXtTiny", 224), "vgg16": ("VGG16", 224),
}  # fmt: skip


def keras_macs(model) -> int:
    macs = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind not in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense"):
            continue
        out = tuple(layer.output.shape)[1:]
        positions = prod(out[:-1]) if len(out) > 1 else 1
        if kind == "SeparableConv2D":
            macs += (prod(layer.depthwise_kernel.shape) + prod(layer.pointwise_kernel.shape)) * positions
        else:
            macs += prod(layer.kernel.shape) * positions
    return macs


def one(name: str, out_dir: Path) -> dict:
    """(In a child process.)  Build, count, convert, analyze one model."""
    import numpy as np
    import tensorflow as tf
    import tf2onnx

    ctor, size = APPS[name]
    model = getattr(tf.keras.applications, ctor)(weights=None, input_shape=(size, size, 3))
    row = {"name": name, "keras_macs": keras_macs(model), "keras_params": int(sum(np.prod(w.shape) for w in model.trainable_weights))}
    path = out_dir / f"{name}.onnx"
    spec = (tf.TensorSpec((1, size, size, 3), tf.float32, name="input"),)
    tf2onnx.convert.from_keras(model, input_signature=spec, opset=17, output_path=str(path))
    r = subprocess.run([sys.executable, "-m", "dscost", "analyze", str(path), "-f", "json", "-q"], capture_output=True, text=True)
    if r.returncode:
        row["error"] = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"
        return row
    doc = json.loads(r.stdout)
    row.update(macs=doc["totals"]["macs"], params=doc["totals"]["params"], uncounted=sorted({u["op"] for u in doc["uncounted"]}),
               n_uncounted=len(doc["uncounted"]))  # fmt: skip
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="comma-separated model names")
    ap.add_argument("--keep", help="folder to keep the .onnx files in")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        name, out = args.child.split(",")
        print(json.dumps(one(name, Path(out))))
        return 0
    names = args.only.split(",") if args.only else list(APPS)
    bad = 0
    with tempfile.TemporaryDirectory(prefix="dscost-tf2onnx-") as tmp:
        out = Path(args.keep or tmp)
        out.mkdir(parents=True, exist_ok=True)
        print("| model | Keras MACs | dscost MACs | diff | Keras trainable params | dscost params | uncounted |")
        print("|---|---|---|---|---|---|---|")
        for name in names:
            r = subprocess.run([sys.executable, __file__, "--child", f"{name},{out}"], capture_output=True, text=True)
            try:
                row = json.loads(r.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"
                print(f"| {name} | conversion failed: {last[:100]} | | | | | |")
                continue
            if "error" in row:
                bad += 1
                print(f"| {name} | {row['keras_macs']:,} | dscost failed: {row['error'][:80]} | | | | |")
                continue
            diff = row["macs"] - row["keras_macs"]
            bad += diff != 0 and not row["n_uncounted"]
            unc = f"{row['n_uncounted']} ({', '.join(row['uncounted'])})" if row["n_uncounted"] else "0"
            print(f"| {name} | {row['keras_macs']:,} | {row['macs']:,} | {diff:+,} | {row['keras_params']:,} | {row['params']:,} | {unc} |")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
