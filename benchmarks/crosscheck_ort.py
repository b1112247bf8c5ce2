"""Cross-check dscost on the files onnxruntime itself writes from a model: same counts as the original.

For each ONNX file given (default: the zoo of benchmarks/crosscheck_torch.py, /work/zoo/*.onnx)
it writes, with onnxruntime's own tools:

* ``l2``: the graph onnxruntime saves after its level-2 optimizations
  (``SessionOptions.optimized_model_filepath`` at ``ORT_ENABLE_EXTENDED``: FusedConv, FusedGemm,
  FusedMatMul, Gelu, QuickGelu, SkipLayerNormalization, BatchNorm folded);
* ``qdq`` and ``qop``: ``quantize_static`` (uint8 activations, int8 weights, two random
  calibration inputs) in the QDQ and the QOperator formats;
* ``qdq_ms``: ``quantize_static`` in the QDQ format with 16-bit (uint16) activations and
  ``UseQDQContribOps``: onnxruntime's own ``com.microsoft`` QuantizeLinear / DequantizeLinear;
* ``qop_all``: the QOperator file saved again by onnxruntime at ``ORT_ENABLE_ALL``, its default
  level, whose NHWC transformer makes channels-last ``com.microsoft`` QLinearConv, QLinear pools
  and NhwcMaxPool (params: the file's, onnxruntime merges equal initializers);
* ``qdyn``: ``quantize_dynamic`` (int8 weights; activations quantized at run time by
  DynamicQuantizeLinear: ConvInteger, MatMulInteger), the usual int8 path of transformers on CPU;
* ``qdyn_all``: that file saved again by onnxruntime at ``ORT_ENABLE_ALL`` (``com.microsoft``
  DynamicQuantizeMatMul, MatMulIntegerToFloat, DynamicQuantizeLSTM);

runs ``dscost analyze --format json`` on the original and on each, and prints one table.
Expected: the same MACs as the original with no uncounted node, and for the quantized files the
same params too (``l2`` params are the file's: BatchNorm folded, constant tables precomputed).
A transform onnxruntime itself fails on, or writes a file it cannot run, is shown as such.

    python benchmarks/crosscheck_ort.py                       # the zoo
    python benchmarks/crosscheck_ort.py a.onnx b.onnx --kinds l2

Exit code 1 when a file onnxruntime wrote has other MACs (or, quantized, other params) than its
original, or an uncounted node.
"""

from __future__ import annotations

import argparse
import glob
import json
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

KINDS = ("l2", "qdq", "qdq_ms", "qop", "qop_all", "qdyn", "qdyn_all")


def counts(path: str) -> tuple | str:
    r = subprocess.run([sys.executable, "-m", "dscost", "analyze", path, "-f", "json", "-q"], capture_output=True, text=True)
    if r.returncode:
        return r.stderr.strip().splitlines()[-1][:100] if r.stderr.strip() else f"exit {r.returncode}"
    t = json.loads(r.stdout)
    return t["totals"]["macs"], t["totals"]["params"], len(t["uncounted"])


def write(kind: str, src: str, out: str) -> None:
    import numpy as np
    import onnx
    import onnxruntime as ort

    if kind == "l2":
        so = ort.SessionOptions()
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        so.optimized_model_filepath, so.log_severity_level = out, 3
        ort.InferenceSession(src, so, providers=["CPUExecutionProvider"])
        return
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_dynamic, quantize_static

    inputs = onnx.load(src, load_external_data=False).graph.input
    shapes = {i.name: ([d.dim_value or 1 for d in i.type.tensor_type.shape.dim], onnx.helper.tensor_dtype_to_np_dtype(i.type.tensor_type.elem_type))
              for i in inputs}  # fmt: skip

    def feeds(rng):  # floats in [0, 1), integers (token ids) 0 or 1
        return {n: rng.random(s).astype(t) if np.issubdtype(t, np.floating) else rng.integers(0, 2, s).astype(t) for n, (s, t) in shapes.items()}

    class Reader(CalibrationDataReader):
        def __init__(self):
            rng = np.random.default_rng(0)
            self.feeds = iter([feeds(rng) for _ in range(2)])

        def get_next(self):
            return next(self.feeds, None)

    quantized = out + ".q.onnx" if kind.endswith("_all") else out
    if kind.startswith("qdyn"):  # weights int8 ahead of time, activations quantized at run time (ConvInteger, MatMulInteger)
        quantize_dynamic(src, quantized, weight_type=QuantType.QInt8)
    else:
        fmt = QuantFormat.QDQ if kind.startswith("qdq") else QuantFormat.QOperator
        activations, extra = (QuantType.QUInt16, {"UseQDQContribOps": True}) if kind == "qdq_ms" else (QuantType.QUInt8, {})
        quantize_static(src, quantized, Reader(), quant_format=fmt, activation_type=activations, weight_type=QuantType.QInt8, extra_options=extra)
    if kind.endswith("_all"):
        so = ort.SessionOptions()
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.optimized_model_filepath, so.log_severity_level = out, 3
        ort.InferenceSession(quantized, so, providers=["CPUExecutionProvider"])
        Path(quantized).unlink()
    # a file onnxruntime cannot run is the quantizer's failure, not a count to compare
    # (EfficientFormerV2: the quantized scales of a Resize no longer keep its channels)
    sess = ort.InferenceSession(out, providers=["CPUExecutionProvider"])
    sess.run(None, feeds(np.random.default_rng(1)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", help="ONNX files (default: /work/zoo/*.onnx)")
    ap.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated, of {', '.join(KINDS)}")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    models = args.models or sorted(glob.glob("/work/zoo/*.onnx"))
    kinds = args.kinds.split(",")
    bad = 0
    print("| model | original MACs, params | " + " | ".join(kinds) + " |")
    print("|---|---|" + "---|" * len(kinds))
    with tempfile.TemporaryDirectory(prefix="dscost-ort-") as tmp:
        for src in models:
            base = counts(src)
            cells = []
            for kind in kinds:
                out = str(Path(tmp) / f"{kind}_{Path(src).name}")
                try:
                    write(kind, src, out)
                except Exception as err:  # onnxruntime's own tool fails on this model
                    cells.append(f"onnxruntime failed: {str(err).splitlines()[0][:60]}")
                    continue
                got = counts(out)
                if isinstance(got, str) or isinstance(base, str):
                    bad += 1
                    cells.append(f"dscost failed: {got}")
                    continue
                same = got[0] == base[0] and got[2] == 0 and (kind in ("l2", "qop_all", "qdyn_all") or got[1] == base[1])
                bad += not same
                cells.append(("same" if same else "DIFFERENT") + f" ({got[0]:,}, {got[1]:,}" + (f", {got[2]} uncounted)" if got[2] else ")"))
                Path(out).unlink(missing_ok=True)
            shown = f"{base[0]:,}, {base[1]:,}" if not isinstance(base, str) else base
            print(f"| {Path(src).stem} | {shown} | " + " | ".join(cells) + " |", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
