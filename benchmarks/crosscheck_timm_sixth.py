"""Sixth blind round (2026-12-02): timm and torchvision architectures no earlier round covered,
each counted three ways against torch's own counter.

What it stresses: variants with layers the earlier rounds did not hold -- FilterResponseNorm and
EvoNorm, CLIP's attention-pool head, lambda layers with relative positions, learned ("mixed")
RoPE frequencies, DINOv3's RoPE and storage tokens, BEiT-3, PCPVT's conditional position
encoding, PVTv2's linear spatial-reduction attention (adaptive pool), AutoFormer/S3 Swin windows,
Swin v2-CR with extra stage norms, timm's VGG with its ConvMlp pre-logits (an adaptive pool that
*enlarges* the map at a small input), pre-norm MaxViT, CS3 edge-residual nets, NF nets with ECA,
ResNeSt radix 4, MViTv2 with a class token, Hiera with absolute windowed position embeddings,
TF EfficientNetV2, MobileNet-EdgeTPU v2, MobileCLIP's hybrid ViT, ResNet-hybrid ViTs, NaFlexViT's
factorized position embedding, a parallel-block ViT with RMSNorm and qk-norm (one fused in-proj
for attention and MLP), LingBot, DeepSeek's vision encoder, CoAtNet conv-conv, GroupNorm RegNetY,
EfficientNet-H, RepVGG with SE, SE-DarkNet, Qwen3's ViT with its patch merger; from torchvision
MViTv2 and Swin3D video nets (3-D convs, 3-D windows), RAFT-large, DeepLabV3 with its aux head,
three quantized classifiers (fbgemm, counted against their float twins), and a small net with
``torchvision.ops.DeformConv2d``.

For each model (python benchmarks/crosscheck_timm_sixth.py [--only a,b] [--json rows.json]):

1. torch reference (``crosscheck_torch.torch_reference``): MACs = FlopCounterMode FLOPs / 2
   (+ its BY_FORMULA ops), params = sum(p.numel() for p in module.parameters()), on a copy of
   the module built with the same seed (a module that caches at its first forward is then
   exported fresh);
2. ``dscost.analyze(module, inputs)`` (the PyTorch path: dscost's own export);
3. ``torch.onnx.export`` with the TorchScript exporter (``crosscheck_torch.EXPORT_SETTINGS``:
   dynamo=False, opset 17, PRESERVE, no folding) and with the dynamo exporter (its defaults),
   each file through ``python -m dscost analyze FILE -f json -q`` (``crosscheck_torch.run_dscost``).

Each model runs in a child process with a 600 s limit, one thread (torch.set_num_threads(1)).
Files go to --out (default /tmp/timm6/zoo), never into the repository.  Quantized models are
compared with their float twin's torch count (FlopCounterMode counts quantized ops as 0), and
the deformable conv by hand (FlopCounterMode counts torchvision::deform_conv2d as 0).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_torch as C  # noqa: E402

DEFAULT_OUT = Path("/tmp/timm6/zoo")
TIMEOUT_S = 600

SIXTH_TIMM = (
    "resnetv2_50d_frn@160 efficientnet_b0_g16_evos@160 resnet50_clip@224 resnet51q@160 lambda_resnet26rpt_256@256 "
    "vit_small_patch16_rope_mixed_224@224 vit_small_patch16_dinov3@224 beit3_base_patch16_224@224 twins_pcpvt_small@224 "
    "pvt_v2_b2_li@224 swin_s3_tiny_224@224 swinv2_cr_tiny_ns_224@224 vgg11_bn@128 maxvit_tiny_pm_256@256 "
    "cs3se_edgenet_x@160 nf_ecaresnet26@160 resnest50d_4s2x40d@160 mvitv2_small_cls@224 hiera_base_abswin_256@256 "
    "tf_efficientnetv2_b0@192 mobilenet_edgetpu_v2_xs@224 vit_base_mci_224@224 vit_small_resnet26d_224@224 "
    "naflexvit_base_patch16_parfac_gap@224 vit_base_patch16_xp_224@224 vit_small_patch16_lingbot@224 "
    "deepseek_vit_412m_enc@224 coatnet_nano_cc_224@224 regnety_040_sgn@160 efficientnet_h_b5@224 repvgg_d2se@160 "
    "sedarknet21@160 qwen3_vit_88m_merge@224"
)  # fmt: skip


class DeformNet:  # (built lazily: torch is imported in the child only)
    @staticmethod
    def build():
        import torch
        from torch import nn
        from torchvision.ops import DeformConv2d

        class Net(nn.Module):
            """Stem conv, a modulated deformable 3x3 conv (offsets and mask from convs), head."""

            def __init__(self):
                super().__init__()
                self.stem = nn.Conv2d(3, 16, 3, 2, 1)
                self.offset = nn.Conv2d(16, 2 * 9, 3, 1, 1)
                self.mask = nn.Conv2d(16, 9, 3, 1, 1)
                self.dcn = DeformConv2d(16, 32, 3, 1, 1)
                self.fc = nn.Linear(32, 10)

            def forward(self, x):
                x = torch.relu(self.stem(x))
                x = torch.relu(self.dcn(x, self.offset(x), torch.sigmoid(self.mask(x))))
                return self.fc(x.mean((2, 3)))

        return Net()

    @staticmethod
    def extra_macs(shape) -> int:
        """FlopCounterMode's 0 for torchvision::deform_conv2d, replaced by the conv's MACs:
        Cout * Ho * Wo * Cin * 3 * 3 (the bilinear sampling and mask are other ops)."""
        h, w = shape[2] // 2, shape[3] // 2
        return 32 * h * w * 16 * 9


def tv_entries() -> list:
    """The torchvision entries: (name, build, inputs, note, float-twin build or None, extra MACs)."""
    import torchvision.models.optical_flow as tvflow
    import torchvision.models.quantization as tvq
    import torchvision.models.segmentation as tvseg
    import torchvision.models.video as tvvideo
    from torch import nn

    class Pair(nn.Module):  # RAFT returns a list of flows, one per iteration: keep the last
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, a, b):
            return self.m(a, b)[-1]

    class SegOut(nn.Module):  # DeepLab returns a dict {"out", "aux"}: both tensors
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            d = self.m(x)
            return d["out"], d["aux"]

    img = lambda s: [("input", (1, 3, s, s), "float32")]  # noqa: E731
    pair = [("image1", (1, 3, 128, 128), "float32"), ("image2", (1, 3, 128, 128), "float32")]
    return [
        ("mvit_v2_s", lambda: tvvideo.mvit_v2_s(), [("input", (1, 3, 16, 224, 224), "float32")], "video, 16x224x224 (fixed by its rel-pos)", None, 0),
        ("swin3d_t", lambda: tvvideo.swin3d_t(), [("input", (1, 3, 8, 112, 112), "float32")], "video, 3-D windows, 8x112x112", None, 0),
        ("raft_large", lambda: Pair(tvflow.raft_large(weights=None)), pair, "12 refinement iterations, last flow", None, 0),
        ("deeplabv3_resnet50_aux", lambda: SegOut(tvseg.deeplabv3_resnet50(weights=None, weights_backbone=None, aux_loss=True)), img(128),
         "ASPP + aux FCN head, 128x128", None, 0),
        ("quantized_resnet18", lambda: tvq.resnet18(weights=None, quantize=True), img(224), "fbgemm int8; ref: float twin",
         lambda: tvq.resnet18(weights=None, quantize=False), 0),
        ("quantized_shufflenet_v2_x1_0", lambda: tvq.shufflenet_v2_x1_0(weights=None, quantize=True), img(224), "fbgemm int8; ref: float twin",
         lambda: tvq.shufflenet_v2_x1_0(weights=None, quantize=False), 0),
        ("quantized_mobilenet_v3_large", lambda: tvq.mobilenet_v3_large(weights=None, quantize=True), img(224), "fbgemm int8; ref: float twin",
         lambda: tvq.mobilenet_v3_large(weights=None, quantize=False), 0),
        ("deform_net", DeformNet.build, img(64), "torchvision.ops.DeformConv2d with mask; ref adds the conv's MACs by hand", None,
         DeformNet.extra_macs((1, 3, 64, 64))),
    ]  # fmt: skip


def names() -> list[str]:
    return [s.split("@")[0] for s in SIXTH_TIMM.split()] + ["mvit_v2_s", "swin3d_t", "raft_large", "deeplabv3_resnet50_aux", "quantized_resnet18",
                                                            "quantized_shufflenet_v2_x1_0", "quantized_mobilenet_v3_large", "deform_net"]  # fmt: skip


def entry(name: str):
    """(build, inputs, note, float twin build, extra MACs) of one model."""
    for n, build, inputs, note, twin, extra in tv_entries():
        if n == name:
            return build, inputs, note, twin, extra
    return timm_entry(SIXTH_TIMM, name)


def timm_entry(spec: str, name: str):
    """The entry of the timm model ``name`` in a round's ``spec`` (NAME@SIZE ...): no float twin, no extra MACs."""
    item = next(s for s in spec.split() if s.split("@")[0] == name)
    e = C.timm_zoo(item)[0]
    return e.build, e.inputs, e.note, None, 0


def dumping(entry_of, no_dynamo: dict[str, str] | None = None):
    """A later round's ``one``: :func:`one` over its model table ``entry_of``, with dscost's
    per-layer JSON of the module written next to the files; the dynamo export of a model in
    ``no_dynamo`` (name -> why: one that kills the child process, a segmentation fault in torch,
    and its row with it) refused, an error in its row, rather than run."""

    def one_model(name: str, out: Path) -> dict:
        if name in (no_dynamo or {}):
            import torch

            real = torch.onnx.export

            def export(*args, **kwargs):
                if kwargs.get("dynamo", True):
                    raise RuntimeError(no_dynamo[name])
                return real(*args, **kwargs)

            torch.onnx.export = export
        return one(name, out, entry_of=entry_of, dump=True)

    return one_model


def first_outputs(m, n: int = 1):
    """``m`` behind a forward that keeps the first ``n`` outputs of a tuple (losses, codes,
    memories and states left out: rounds 25 and 26)."""
    from torch import nn

    class First(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, *xs):
            out = self.m(*xs)
            return out[0] if n == 1 else tuple(out[:n])

    return First(m)


def Wrapper(model):
    """``model`` behind a forward that takes only the tensors, so the TorchScript exporter leaves
    the inner forward's other defaults alone (as dscost's own export does)."""
    from torch import nn

    class W(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, *xs):
            return self.m(*xs)

    return W(model)


def one(name: str, out: Path, entry_of=None, dump: bool = False) -> dict:
    """Everything for one model, in this (child) process; ``entry_of``: another round's model
    table (crosscheck_timm_seventh.py); ``dump``: dscost's per-layer JSON of the module too, next to the files."""
    import warnings

    import torch

    import dscost

    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    build, inputs, note, twin, extra = (entry_of or entry)(name)
    row = {"name": name, "inputs": [[n, list(s), d] for n, s, d in inputs], "note": note}

    def make(b):
        torch.manual_seed(0)
        return b().eval()

    torch.manual_seed(0)
    args = tuple(torch.randn(*s) if dt == "float32" else torch.randint(0, 100, s) for _, s, dt in inputs)
    t0 = time.perf_counter()
    try:
        macs, params, by_formula, _ = C.torch_reference(make(twin or build), args)
        row.update(torch_macs=macs + extra, torch_params=params, by_formula=by_formula, extra_macs=extra)
        if twin:
            row["quantized_torch_macs"] = C.torch_reference(make(build), args)[0]
    except Exception as exc:  # noqa: BLE001
        row["torch_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    row["t_torch"] = round(time.perf_counter() - t0, 1)

    # 2. the PyTorch path
    t0 = time.perf_counter()
    try:
        a = dscost.analyze(make(build), args)
        notes = list(a.model.notes)
        row["module"] = {"macs": a.totals.macs, "params": a.totals.params, "uncounted": len(a.model.uncounted),
                         "uncounted_rows": [{"name": u.name, "op": u.op, "reason": u.reason} for u in a.model.uncounted][:20]
                         if a.model.uncounted and hasattr(a.model.uncounted[0], "op") else [str(u)[:200] for u in a.model.uncounted][:20],
                         "exporter": "dynamo" if notes and "dynamo exporter" in notes[0] else "TorchScript", "notes": notes[:6]}  # fmt: skip
        if dump:
            (out / f"{name}.module.json").write_text(json.dumps(a.to_json()))
    except Exception as exc:  # noqa: BLE001
        row["module"] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"}
    row["module"]["seconds"] = round(time.perf_counter() - t0, 1)

    # 3. the two exporters' files
    names_ = [n for n, _, _ in inputs]
    for kind in ("ts", "dynamo"):
        path = out / f"{name}.{kind}.onnx"
        t0 = time.perf_counter()
        try:
            model = make(build)
            if kind == "ts":
                try:
                    C.export(model, args, names_, path, C.EXPORT_SETTINGS)
                except TypeError as err:  # (timm's EVA: the exporter fills in forward defaults; a tensor is_causal)
                    row["ts_wrapped"] = f"{type(err).__name__}: {str(err)[:120]}; exported through a wrapper forward(*inputs)"
                    C.export(Wrapper(model), args, names_, path, C.EXPORT_SETTINGS)
            else:
                torch.onnx.export(model, args, str(path), dynamo=True, input_names=names_)
            del model
            row[kind] = C.run_dscost(path, [sys.executable, "-m", "dscost"])
            row[kind]["onnx"] = str(path)
        except Exception as exc:  # noqa: BLE001
            row[kind] = {"error": f"export failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"}
        row[kind]["export_seconds"] = round(time.perf_counter() - t0, 1)
    return row


def _cell(d: dict, key: str, ref) -> str:
    if "error" in d:
        return "error"
    v = d.get(key)
    if v is None:
        return "-"
    s = f"{v:,}"
    if ref is not None and v != ref:
        s += f" ({v - ref:+,})"
    if key == "macs" and d.get("uncounted"):
        s += f" [{d['uncounted']} unc.]"
    return s


def table(rows: list[dict]) -> str:
    lines = ["| model | torch MACs | module MACs | TorchScript file MACs | dynamo file MACs | torch params | module params | TS file params | dynamo file params | status |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]  # fmt: skip
    for r in rows:
        tm, tp = r.get("torch_macs"), r.get("torch_params")
        cols = [r["name"], f"{tm:,}" if tm is not None else r.get("torch_error", r.get("error", "-"))]
        cols += [_cell(r.get(k, {"error": 1}), "macs", tm) for k in ("module", "ts", "dynamo")]
        cols += [f"{tp:,}" if tp is not None else "-"] + [_cell(r.get(k, {"error": 1}), "params", tp) for k in ("module", "ts", "dynamo")]
        same = [k for k in ("module", "ts", "dynamo") if "error" not in r.get(k, {"error": 1}) and r[k]["macs"] == tm and not r[k].get("uncounted")]
        errs = [k for k in ("module", "ts", "dynamo") if "error" in r.get(k, {"error": 1})]
        cols.append(("MACs= " + ",".join(same) if same else "MACs differ") + (f"; error: {','.join(errs)}" if errs else ""))
        lines.append("| " + " | ".join(cols) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__, names, one, table, DEFAULT_OUT, __file__)


def run_entries(argv: list[str] | None, doc: str, entries, default_out: Path, script: str, no_dynamo: dict[str, str] | None = None) -> int:
    """:func:`run` for a round whose models are ``entries()``: name -> (build, inputs, note), with
    no float twin and no extra MACs (crosscheck_libraries.py, crosscheck_vit_pytorch.py);
    ``no_dynamo``: :func:`dumping`'s."""
    return run(argv, doc, lambda: list(entries()), dumping(lambda name: (*entries()[name], None, 0), no_dynamo), table, default_out, script)


def run(argv: list[str] | None, doc: str, names, one, table, default_out: Path, script: str) -> int:
    """The command line of a blind round (this one, crosscheck_timm_seventh.py): each model in a
    child process (``--one NAME``) with a time limit, rows resumed from ``--json``, one table."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--only", default="", help="comma-separated model names")
    ap.add_argument("--json", type=Path, help="write the rows to this file (and resume from it: models already in it are not run again)")
    ap.add_argument("--out", type=Path, default=default_out, help=f"folder for the ONNX files (default {default_out})")
    ap.add_argument("--md", type=Path, help="also write the table to this Markdown file")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # (the child: one model, its row as JSON on stdout)
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    if a.one:
        print("ROW " + json.dumps(one(a.one, a.out)))
        return 0
    only = [s for s in a.only.split(",") if s]
    todo = only or names()
    unknown = set(todo) - set(names())
    if unknown:
        ap.error(f"unknown model(s): {', '.join(sorted(unknown))}")
    rows = {r["name"]: r for r in json.loads(a.json.read_text())} if a.json and a.json.exists() else {}
    env = dict(os.environ, OMP_NUM_THREADS="1")
    for name in todo:
        if name in rows and not only:
            continue
        t0 = time.perf_counter()
        cmd = [sys.executable, script, "--one", name, "--out", str(a.out)]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
            line = next((s for s in p.stdout.splitlines() if s.startswith("ROW ")), None)
            row = json.loads(line[4:]) if line else {"name": name, "error": (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1][:300]}
        except subprocess.TimeoutExpired:
            row = {"name": name, "error": f"timed out after {TIMEOUT_S} s"}
        rows[name] = row
        print(f"{name:<36} {time.perf_counter() - t0:6.1f} s", file=sys.stderr, flush=True)
        if a.json:
            a.json.write_text(json.dumps(list(rows.values()), indent=1) + "\n")
    text = table([rows[n] for n in names() if n in rows and (not only or n in only)])
    print(text)
    if a.md:
        a.md.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
