"""Forty-sixth blind round: Ultralytics' export options (ONNX and LiteRT), which the older
``crosscheck_ultralytics.py`` (the default ``simplify=False`` ONNX export at 640 px) did not reach.

What it stresses: ``model.export(format="onnx", ...)`` of Ultralytics 8.4.190 with ``simplify`` True (onnxslim,
Ultralytics' default) and False, ``opset`` 11 / 13 / 17 / default (18), ``batch=4``, a non-square ``imgsz=(320, 480)``,
``half=True`` (fp16 initializers behind Casts; it works on CPU), ``dynamic=True`` (symbolic batch, height and width,
read at 2-3 sizes by ``--input-shape`` and by following dscost's own hint both ways), ``nms=True`` (NMS inside the
graph: NonZero + NonMaxSuppression per image, a loop unrolled over ``batch``; OBB's TopK + fast-NMS path), the
NMS-free heads (``nms=False`` = end2end: YOLOv10 / YOLO26 one-to-one branch + TopK; ``nms=None`` the one-to-many
branch); tasks detect, segment, pose, OBB, classify; YOLOv8-WorldV2 and YOLOE-11-seg (built offline with their
default class embeddings); RT-DETR-L static and dynamic; and the LiteRT exports (``format="litert"``, the former
``tflite``, through litert_torch 0.10: float32, ``quantize="w8a32"`` dynamic int8; ``quantize=16`` is refused by
Ultralytics for LiteRT, and full int8 needs calibration images, which need a download: not run).  Random weights from
the package's YAML files, 320 px; before export every BatchNorm gets random statistics and affine and every learned
tensor a small random nudge, so that no two tensors are equal: with the raw initialization onnxslim / torch share
Detect's three equal box biases (``bias_init``) and even merge RT-DETR's six identical decoder value projections
(common-subexpression elimination: 5 x 137,625,600 MACs fewer), which no trained model would show.

The oracle (written here, no dscost code): each ONNX file run by onnxruntime (CPU, ``ORT_DISABLE_ALL``) with every
node output made a graph output, on a seeded random input of the case's concrete shape; MACs from measured shapes:
Conv prod(out) x prod(W[1:]), ConvTranspose prod(in) x prod(W[1:]), MatMul prod(out) x K, Gemm prod(out) x K, Einsum
by its equation (none occurs).  Each LiteRT file read by ai_edge_litert's interpreter without delegates (static
shapes): CONV_2D prod(out) x prod(W[1:]), DEPTHWISE_CONV_2D prod(out) x H x W, TRANSPOSE_CONV, FULLY_CONNECTED,
BATCH_MATMUL.  Params: the file's learned elements -- initializers and Constants reaching a Conv / Gemm weight or bias,
a MatMul operand, a norm's scale / shift, a Gather table or a bias Add after a MatMul (through Cast / Reshape /
Transpose / Identity chains; for LiteRT the constant weight and bias tensors of those ops).  Also Ultralytics' own
``get_flops`` (thop, stride-aware) / 2 at the export size (scaled by the batch) and the module's params after
``fuse()`` (Conv + BN folded: what the export stores), and, for RT-DETR / YOLO-World / YOLOE, torch's
FlopCounterMode on the fused module (by hand, below).

Install (a venv of its own; torch 2.14.1, torchvision, onnx, onnxruntime, numpy, opencv, matplotlib, pandas, scipy,
psutil, ai-edge-litert and litert-torch from /tmp/r45/venv and /tmp/r27/venv through .pth files; Ultralytics without
its dependencies):

    python3.11 -m venv /tmp/r46/venv
    echo /tmp/r45/venv/lib/python3.11/site-packages > /tmp/r46/venv/lib/python3.11/site-packages/r45.pth
    echo /tmp/r27/venv/lib/python3.11/site-packages > /tmp/r46/venv/lib/python3.11/site-packages/r27.pth
    uv pip install --python /tmp/r46/venv/bin/python --no-deps ultralytics==8.4.190 onnxslim==0.1.98 \\
        ultralytics-thop==2.2.3 polars

Run (from the checkout; nothing is downloaded: ``YOLO_OFFLINE=1`` and a settings folder of its own; files go to OUT,
each build cached as OUT/CASE.build.json for --reuse; --only takes case names):

    YOLO_OFFLINE=1 YOLO_CONFIG_DIR=/tmp/r46/cfg PYTHONPATH=. /tmp/r46/venv/bin/python \\
        benchmarks/crosscheck_ultralytics_exports.py --json /tmp/r46/rows.json [--out /tmp/r46/files] [--only y11_nms,...] [--reuse]

Each build + export in a child process (900 s), the oracle in another (600 s), dscost (``python -m dscost analyze
FILE -f json -q [--input-shape images=...]``) in a third (300 s), one at a time.  A dynamic file is first given to
dscost with no shape: it must stop with a hint naming ``--input-shape`` and ``--dim``, and both, followed, must give
the oracle's count at the hint's size.  Exit 1 when a count's MACs differ from the oracle's, dscost exits non-zero,
a hint is missing or fails, or its params equal neither the oracle's learned elements nor the fused module's (less
what ``EXPLAINED`` lists) -- i.e. on every row below whose result is "params +N", each diagnosed under the table.  A
benchmark: not run in CI.

As run 2026-12-06, Linux x86_64, 2-core VM (shared), Python 3.11.7: torch 2.14.1, onnx 1.23.2, onnxruntime 1.32.0,
numpy 2.4.6, ultralytics 8.4.190, ultralytics-thop 2.2.3, onnxslim 0.1.98, litert-torch 0.10.0, ai-edge-litert 2.3.0.
47 cases: 46 files (41 ONNX, 5 LiteRT) and 1 export Ultralytics refuses (LiteRT fp16), 77 counts; builds 7-43 s (the
whole round ~17 min; again with --reuse 3 min 49 s), dscost 0.2-3.0 s a file.  dscost exited 0 on every file given a
shape, no traceback, no hang; with no shape it exited 2 with the hint on all 11 dynamic files, and the hint worked
both ways on all 11.  The script exited 1: the 30 "params +N" rows (findings 1 and 2).  Rerun with --reuse after
dscost's fixes of 2026-12-06 (4 min): every ONNX file's params equal the file's learned elements (the 25 rows "ok
since 2026-12-06" below); the 5 LiteRT files keep the grid (a convention: nothing in the file tells it from a learned
tensor), listed in ``EXPLAINED`` with RT-DETR's folded table and YOLO-World's 18 attention biases the oracle misses;
exit 0.

Summary: **MACs equal the oracle's at all 77 counts** (every option, task, opset, batch, size, the NMS graphs, the
end2end TopK heads, RT-DETR static and dynamic, LiteRT float and int8) and thop's at the export size for every YOLO
detect / segment / pose / OBB file; the same model gives the same MACs under every option (x4 with batch=4, x1.5 at
320 x 480, x4.03 at 640 px: C2PSA's attention is quadratic).  The ``nms=True`` files list 5 nodes per image
uncounted (NonMaxSuppression and 4 element-wise nodes after NonZero: none bears MACs; OBB's TopK path none), never a
Conv or MatMul.  **Params equal the file's learned elements on every ``simplify=False`` and every ``dynamic=True``
file and the classifiers (and the BN-folded module, but for the exporter's own differences in 3), and, as first run, on none
of the 30 static simplified or LiteRT files with a YOLO head**: dscost counted the anchor-point and stride grids that
the static export folds from the image size (finding 1: 10,500 at 320 px, 15,750 at 320 x 480, 42,000 at 640 px) and
NMS's all-zero output buffer (finding 2, a bug: 1,800 per image) as parameters -- as initializers (onnxslim's form)
and in LiteRT; torch's own form of the same tensors, Constant nodes, is not counted.  Fixed for ONNX 2026-12-06: an
initializer named as torch's Constant-node output is that Constant node still, and a stored buffer of one value a
scatter writes into is a literal; every ONNX file now equals its learned elements.

RESULTS (MACs: dscost's; oracle: onnxruntime- / LiteRT-measured ("equal": dscost's); thop: Ultralytics'
``get_flops`` / 2 at the export size, "-" at other sizes (it extrapolates in pixels); params: dscost's; module:
``sum(p.numel())`` after ``fuse()``; learned: the oracle's count of the file; uncounted: nodes dscost lists; "grid":
the folded anchor / stride tables, "zero buffer": NMS's ScatterND target):

| case | options | input | dscost MACs | oracle MACs | thop GFLOPs/2 | dscost params | module (BN-folded) | file's learned (oracle) | uncounted | result |
|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|
| y11_default | defaults | 1x3x320x320 | 812,052,800 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok since 2026-12-06 (was 2,626,748: +10,500: grid 10,500) |
| y11_nosimplify | simplify=False | 1x3x320x320 | 812,052,800 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_opset11 | opset=11 | 1x3x320x320 | 812,052,800 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok since 2026-12-06 (was 2,626,748: +10,500: grid 10,500) |
| y11_opset13 | opset=13 | 1x3x320x320 | 812,052,800 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok since 2026-12-06 (was 2,626,748: +10,500: grid 10,500) |
| y11_opset17_nosimplify | opset=17, simplify=False | 1x3x320x320 | 812,052,800 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_batch4 | batch=4 | 4x3x320x320 | 3,248,211,200 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok since 2026-12-06 (was 2,626,748: +10,500: grid 10,500) |
| y11_640 | imgsz=640 | 1x3x640x640 | 3,271,251,200 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok since 2026-12-06 (was 2,658,248: +42,000: grid 42,000) |
| y11_rect | imgsz=(320, 480) | 1x3x320x480 | 1,219,519,200 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok since 2026-12-06 (was 2,631,998: +15,750: grid 15,750) |
| y11_half | half=True | 1x3x320x320 | 812,052,800 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok since 2026-12-06 (was 2,626,748: +10,500: grid 10,500) |
| y11_dynamic | dynamic=True | 1x3x320x320 | 812,052,800 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_dynamic | dynamic=True | 2x3x256x384 | 1,558,993,920 | equal | - | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_dynamic | dynamic=True | hint --input-shape images=1x3x224x224 | 397,426,064 | equal | - | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_dynamic | dynamic=True | hint --dim height=224 --dim width=224 | 397,426,064 | equal | - | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_dynamic_nosimplify | dynamic=True, simplify=False | 1x3x320x320 | 812,052,800 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_dynamic_nosimplify | dynamic=True, simplify=False | 2x3x256x384 | 1,558,993,920 | equal | - | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_dynamic_nosimplify | dynamic=True, simplify=False | hint --input-shape images=1x3x224x224 | 397,426,064 | equal | - | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_dynamic_nosimplify | dynamic=True, simplify=False | hint --dim height=224 --dim width=224 | 397,426,064 | equal | - | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_dynamic_opset11 | dynamic=True, opset=11 | 1x3x320x320 | 812,052,800 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_dynamic_opset11 | dynamic=True, opset=11 | hint --input-shape images=1x3x224x224 | 397,426,064 | equal | - | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_dynamic_opset11 | dynamic=True, opset=11 | hint --dim height=224 --dim width=224 | 397,426,064 | equal | - | 2,616,248 | 2,616,248 | 2,616,248 | 0 | ok |
| y11_nms | nms=True | 1x3x320x320 | 812,052,800 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 5 | ok since 2026-12-06 (was 2,628,548: +12,300: grid 10,500 + zero buffer 1,800) |
| y11_nms_nosimplify | nms=True, simplify=False | 1x3x320x320 | 812,052,800 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 5 | ok |
| y11_batch4_nms | batch=4, nms=True | 4x3x320x320 | 3,248,211,200 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 20 | ok since 2026-12-06 (was 2,633,948: +17,700: grid 10,500 + zero buffer 7,200) |
| y11_rect_nms | imgsz=(320, 480), nms=True, simplify=False | 1x3x320x480 | 1,219,519,200 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 5 | ok |
| y11_dynamic_nms_b2 | dynamic=True, nms=True, batch=2 | 1x3x320x320 | 812,052,800 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 10 | ok |
| y11_dynamic_nms_b2 | dynamic=True, nms=True, batch=2 | 2x3x320x320 | 1,624,105,600 | equal | equal | 2,616,248 | 2,616,248 | 2,616,248 | 10 | ok |
| y11_dynamic_nms_b2 | dynamic=True, nms=True, batch=2 | hint --input-shape images=1x3x224x224 | 397,426,064 | equal | - | 2,616,248 | 2,616,248 | 2,616,248 | 10 | ok |
| y11_dynamic_nms_b2 | dynamic=True, nms=True, batch=2 | hint --dim height=224 --dim width=224 | 397,426,064 | equal | - | 2,616,248 | 2,616,248 | 2,616,248 | 10 | ok |
| y11seg_default | defaults | 1x3x320x320 | 1,219,400,000 | equal | equal | 2,868,664 | 2,868,664 | 2,868,664 | 0 | ok since 2026-12-06 (was 2,879,164: +10,500: grid 10,500) |
| y11seg_nms | nms=True | 1x3x320x320 | 1,219,400,000 | equal | equal | 2,868,664 | 2,868,664 | 2,868,664 | 5 | ok since 2026-12-06 (was 2,890,564: +21,900: grid 10,500 + zero buffer 11,400) |
| y11seg_dynamic | dynamic=True | 1x3x320x320 | 1,219,400,000 | equal | equal | 2,868,664 | 2,868,664 | 2,868,664 | 0 | ok |
| y11seg_dynamic | dynamic=True | 1x3x256x384 | 1,170,550,272 | equal | - | 2,868,664 | 2,868,664 | 2,868,664 | 0 | ok |
| y11seg_dynamic | dynamic=True | hint --input-shape images=1x3x224x224 | 597,026,192 | equal | - | 2,868,664 | 2,868,664 | 2,868,664 | 0 | ok |
| y11seg_dynamic | dynamic=True | hint --dim height=224 --dim width=224 | 597,026,192 | equal | - | 2,868,664 | 2,868,664 | 2,868,664 | 0 | ok |
| y11pose_default | defaults | 1x3x320x320 | 948,926,600 | equal | equal | 2,900,369 | 2,900,369 | 2,900,369 | 0 | ok since 2026-12-06 (was 2,917,169: +16,800: grid 16,800) |
| y11pose_nms | nms=True | 1x3x320x320 | 948,926,600 | equal | equal | 2,900,369 | 2,900,369 | 2,900,369 | 5 | ok since 2026-12-06 (was 2,934,269: +33,900: grid 16,800 + zero buffer 17,100) |
| y11obb_default | defaults | 1x3x320x320 | 842,729,600 | equal | equal | 2,687,819 | 2,687,819 | 2,687,819 | 0 | ok since 2026-12-06 (was 2,694,119: +6,300: grid 6,300) |
| y11obb_nms | nms=True | 1x3x320x320 | 842,729,600 | equal | equal | 2,687,819 | 2,687,819 | 2,687,819 | 0 | ok since 2026-12-06 (was 2,696,219: +8,400: grid 6,300 + zero buffer 2,100) |
| y11obb_dynamic_nms | dynamic=True, nms=True | 1x3x320x320 | 842,729,600 | equal | equal | 2,687,819 | 2,687,819 | 2,687,819 | 0 | ok |
| y11obb_dynamic_nms | dynamic=True, nms=True | hint --input-shape images=1x3x224x224 | 412,457,696 | equal | - | 2,687,819 | 2,687,819 | 2,687,819 | 0 | ok |
| y11obb_dynamic_nms | dynamic=True, nms=True | hint --dim height=224 --dim width=224 | 412,457,696 | equal | - | 2,687,819 | 2,687,819 | 2,687,819 | 0 | ok |
| y11cls_default | defaults | 1x3x320x320 | 399,398,400 | equal | 399,527,680 | 2,807,024 | 2,807,024 | 2,807,024 | 0 | ok |
| y11cls_dynamic | dynamic=True | 1x3x320x320 | 399,398,400 | equal | 399,527,680 | 2,807,024 | 2,807,024 | 2,807,024 | 0 | ok |
| y11cls_dynamic | dynamic=True | 3x3x224x224 | 587,634,624 | equal | - | 2,807,024 | 2,807,024 | 2,807,024 | 0 | ok |
| y11cls_dynamic | dynamic=True | hint --input-shape images=1x3x224x224 | 195,878,208 | equal | - | 2,807,024 | 2,807,024 | 2,807,024 | 0 | ok |
| y11cls_dynamic | dynamic=True | hint --dim height=224 --dim width=224 | 195,878,208 | equal | - | 2,807,024 | 2,807,024 | 2,807,024 | 0 | ok |
| v10_default | defaults | 1x3x320x320 | 838,920,000 | equal | equal | 2,299,264 | 2,299,264 | 2,299,264 | 0 | ok since 2026-12-06 (was 2,309,764: +10,500: grid 10,500) |
| v10_end2end | nms=False | 1x3x320x320 | 838,920,000 | equal | equal | 2,299,264 | 2,299,264 | 2,299,264 | 0 | ok since 2026-12-06 (was 2,309,764: +10,500: grid 10,500) |
| v10_end2end_dynamic | nms=False, dynamic=True | 1x3x320x320 | 838,920,000 | equal | equal | 2,299,264 | 2,299,264 | 2,299,264 | 0 | ok |
| v10_end2end_dynamic | nms=False, dynamic=True | 2x3x256x384 | 1,610,578,944 | equal | - | 2,299,264 | 2,299,264 | 2,299,264 | 0 | ok |
| v10_end2end_dynamic | nms=False, dynamic=True | hint --input-shape images=1x3x224x224 | 410,590,992 | equal | - | 2,299,264 | 2,299,264 | 2,299,264 | 0 | ok |
| v10_end2end_dynamic | nms=False, dynamic=True | hint --dim height=224 --dim width=224 | 410,590,992 | equal | - | 2,299,264 | 2,299,264 | 2,299,264 | 0 | ok |
| y26_default | defaults | 1x3x320x320 | 673,518,400 | equal | equal | 2,408,932 | 2,408,932 | 2,408,932 | 0 | ok since 2026-12-06 (was 2,419,432: +10,500: grid 10,500) |
| y26_end2end | nms=False | 1x3x320x320 | 673,518,400 | equal | equal | 2,408,932 | 2,408,932 | 2,408,932 | 0 | ok since 2026-12-06 (was 2,419,432: +10,500: grid 10,500) |
| y26_end2end_dynamic | nms=False, dynamic=True | 1x3x320x320 | 673,518,400 | equal | equal | 2,408,932 | 2,408,932 | 2,408,932 | 0 | ok |
| y26_end2end_dynamic | nms=False, dynamic=True | 2x3x256x384 | 1,292,860,416 | equal | - | 2,408,932 | 2,408,932 | 2,408,932 | 0 | ok |
| y26_end2end_dynamic | nms=False, dynamic=True | hint --input-shape images=1x3x224x224 | 329,064,400 | equal | - | 2,408,932 | 2,408,932 | 2,408,932 | 0 | ok |
| y26_end2end_dynamic | nms=False, dynamic=True | hint --dim height=224 --dim width=224 | 329,064,400 | equal | - | 2,408,932 | 2,408,932 | 2,408,932 | 0 | ok |
| y26_nms | nms=True | 1x3x320x320 | 673,518,400 | equal | equal | 2,408,932 | 2,408,932 | 2,408,932 | 5 | ok since 2026-12-06 (was 2,421,232: +12,300: grid 10,500 + zero buffer 1,800) |
| y26seg_end2end (yolo26n-seg) | nms=False | 1x3x320x320 | 1,144,763,200 | equal | equal | 2,722,980 | 2,722,980 | 2,722,980 | 0 | ok since 2026-12-06 (was 2,733,480: +10,500: grid 10,500) |
| y26pose_end2end (yolo26n-pose) | nms=False | 1x3x320x320 | 956,262,400 | equal | equal | 2,960,395 | 2,960,395 | 2,960,395 | 0 | ok since 2026-12-06 (was 2,977,195: +16,800: grid 16,800) |
| y26obb_end2end (yolo26n-obb) | nms=False | 1x3x320x320 | 704,195,200 | equal | equal | 2,480,503 | 2,480,503 | 2,480,503 | 0 | ok since 2026-12-06 (was 2,486,803: +6,300: grid 6,300) |
| y8_dynamic_opset11_nosimplify (yolov8n) | dynamic=True, opset=11, simplify=False | 1x3x320x320 | 1,092,998,400 | equal | equal | 3,151,904 | 3,151,904 | 3,151,904 | 0 | ok |
| y8_dynamic_opset11_nosimplify (yolov8n) | dynamic=True, opset=11, simplify=False | hint --input-shape images=1x3x224x224 | 535,569,216 | equal | - | 3,151,904 | 3,151,904 | 3,151,904 | 0 | ok |
| y8_dynamic_opset11_nosimplify (yolov8n) | dynamic=True, opset=11, simplify=False | hint --dim height=224 --dim width=224 | 535,569,216 | equal | - | 3,151,904 | 3,151,904 | 3,151,904 | 0 | ok |
| rtdetr_default (rtdetr-l) | defaults | 1x3x320x320 | 15,034,547,200 | equal | 15,057,780,000 | 32,723,692 | 32,148,140 | 32,698,092 | 0 | explained: +25,600 folded sin-cos table |
| rtdetr_dynamic (rtdetr-l) | dynamic=True | 1x3x320x320 | 15,034,560,000 | equal | 15,057,780,000 | 32,689,756 | 32,148,140 | 32,689,756 | 0 | ok |
| rtdetr_dynamic (rtdetr-l) | dynamic=True | 1x3x384x384 | 20,568,016,896 | equal | - | 32,689,756 | 32,148,140 | 32,689,756 | 0 | ok |
| rtdetr_dynamic (rtdetr-l) | dynamic=True | hint --input-shape images=1x3x224x224 | 8,623,261,056 | equal | - | 32,689,756 | 32,148,140 | 32,689,756 | 0 | ok |
| rtdetr_dynamic (rtdetr-l) | dynamic=True | hint --dim height=224 --dim width=224 | 8,623,261,056 | equal | - | 32,689,756 | 32,148,140 | 32,689,756 | 0 | ok |
| y11_litert | format=litert | 1x3x320x320 | 812,052,800 | equal | equal | 2,626,749 | 2,616,248 | 2,616,249 | 0 | params +10,500: grid 10,500 |
| y11_litert_fp16 | format=litert, quantize=16 | | build failed: AssertionError: ERROR ❌️ quantize=16 (FP16) is not supported; format='litert' su | | | | | | | |
| y11_litert_w8a32 | format=litert, quantize=w8a32 | 1x3x320x320 | 812,052,800 | equal | equal | 2,626,749 | 2,616,248 | 2,616,249 | 0 | params +10,500: grid 10,500 |
| y11seg_litert | format=litert | 1x3x320x320 | 1,219,400,000 | equal | equal | 2,879,165 | 2,868,664 | 2,868,669 | 0 | params +10,496: grid 10,500 (module + 10,501: the grid and the converter's one-element DFL bias; the oracle counts 5 one-element elements over the module) |
| y26_litert_end2end | format=litert, nms=False | 1x3x320x320 | 673,518,400 | equal | equal | 2,419,432 | 2,408,932 | 2,408,932 | 0 | params +10,500: grid 10,500 |
| y11_litert_nms | format=litert, nms=True | 1x3x320x320 | 812,052,800 | equal | equal | 2,626,749 | 2,616,248 | 2,616,249 | 0 | params +10,500: grid 10,500 |
| worldv2_default (yolov8s-worldv2) | defaults | 1x3x320x320 | 4,084,256,000 | equal | 4,112,149,760 | 12,537,762 | 12,749,288 | 12,537,744 | 0 | ok since 2026-12-06 (was +10,518: grid 10,500; the 18 are MaxSigmoidAttnBlock's per-head bias, a module parameter the oracle misses: explained) |
| yoloe11_default (yoloe-11s-seg) | defaults | 1x3x320x320 | 4,324,780,800 | equal | 4,329,081,600 | 10,305,920 | 13,693,398 | 10,305,920 | 0 | ok since 2026-12-06 (was 10,316,420: +10,500: grid 10,500) |

Diagnosis.

1. Folded anchor / stride grids counted as parameters (dscost; every static simplified ONNX file and every LiteRT
   file of a YOLO head, 30 of 46 files; fixed for the 25 ONNX files 2026-12-06 by the name rule below, the LiteRT
   ones a convention).  Detect's decode is ``(anchor_points -/+ dist) * stride_tensor``; the anchor
   points (1 x 2 x A, A = sum of (H/s)(W/s) = 2,100 at 320 px) and strides (1 x A) come from ``make_anchors`` on the
   feature-map sizes.  A static export folds them: torch writes Constant nodes (dscost: code constants, not counted:
   the ``simplify=False`` rows are exact), onnxslim turns every Constant into an initializer named after the node
   (``/model.23/Constant_12_output_0``), and LiteRT stores every constant as a buffer.  dscost then takes each for a
   learned tensor of the element-wise op that reads it: ``/model.23/Sub`` 4,200 biases, ``/model.23/Add_1`` 4,200
   biases (a second copy of the grid), ``/model.23/Mul_2`` 2,100 weights = 10,500 at 320 px (OBB 6,300: one grid
   copy; pose 16,800: + the keypoint decode's ``anchor - 0.5`` and strides).  Not learned: the values are k + 0.5 and
   8 / 16 / 32, they scale with the image (15,750 at 320 x 480, 42,000 at 640 px), and the same model counts
   2,616,248 with ``simplify=False`` or ``dynamic=True`` and 2,626,748 with the default options.  Who is right: the
   module (2,616,248 BN-folded) and the oracle.  Repro: /tmp/r46/repro/anchors_initializer.py (an 8-element grid and
   6 strides as initializers: dscost 22 params, 4 expected -- the same graph with Constant nodes: 4).  The rule taken
   (2026-12-06): an initializer named as a Constant node's output (``.../Constant_N_output_0``: onnxslim's folded
   Constant) is a code constant as the Constant was; for LiteRT (and unnamed folds) only the values would tell (an
   arithmetic grid): counted, a convention.  RT-DETR's
   static file shows the same family, folded by torch itself: its anchors (1 x 2100 x 4, read by a Gather: counted
   as a table, by the oracle too) and AIFI's 2-D sin-cos position table (1 x 100 x 256 on ``/model.11/Add``: +25,600;
   the dynamic file computes it, 2 x 6,400 MACs of outer products more): the README's "tables the converters fold"
   convention, listed in ``EXPLAINED``.

2. NMS's all-zero output buffer counted as weights (a dscost bug; every static simplified ``nms=True`` file; fixed
   2026-12-06: a stored buffer of one value that a ScatterND / ScatterElements writes into is a literal).  The
   embedded NMS writes ``out = pred.new_zeros(B, max_det, 6 + extra); out[i] = dets`` -> ScatterND whose data input is
   that zero tensor; onnxslim makes it an initializer, and dscost's ScatterND (a shape op) leaves it to the claiming
   rule, which counts it as 1,800 weights per image (detect; seg 11,400 = 300 x 38, pose 17,100 = 300 x 57, OBB 2,100
   = 300 x 7; batch=4 7,200).  All zeros, overwritten: not a parameter (dscost already makes infinity masks buffers).
   Repro: /tmp/r46/repro/scatternd_zero_buffer.py (a 1 x 4 x 3 zero target: dscost 16 params, 4 expected; as a
   Constant node: 4).

3. Not dscost's: thop at other sizes (it extrapolates from proxies; the thop column is only given at the export
   size) and its small excess on classify (+129,280 MACs), YOLO-World (+27,893,760: the text projection of the
   constant class embeddings, folded out of the export -- torch's FlopCounterMode on the fused module gives
   4,107,848,960 of which 23,592,960 addmm on the embeddings) and RT-DETR (15,057,780,000; FlopCounterMode:
   15,034,560,000 = the dynamic file).  Module vs file params: RT-DETR stores a transposed copy of the shared
   ``query_pos_head`` weights per decoder call (5 x 133,120 more) and drops the unused denoising embedding and 5
   auxiliary score heads (123,280); YOLO-World / YOLOE drop their prompt encoders (YOLOE's ``savpe`` / ``reprta``:
   3,425,360) and fold the text path into constants; LiteRT adds a zero one-element bias to DFL's bias-free conv
   (+1).  dscost equals the oracle's learned elements on all of those.

Also seen: ``--measure-sizes`` on the NMS files runs and says the data-dependent sizes were empty at its random
input (nothing passes conf 0.25 on random weights); ``--strict`` exits 1 on them, naming the 10 nodes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time
from copy import deepcopy
from pathlib import Path

HERE = Path(__file__).resolve()
IMG = 320

# name -> (cfg, export kwargs, [concrete input shapes]); a None shape means "the file's own static shape"
CASES: dict[str, tuple[str, dict, list]] = {
    # YOLO11n detect: the options one at a time
    "y11_default": ("yolo11n.yaml", {}, [None]),
    "y11_nosimplify": ("yolo11n.yaml", {"simplify": False}, [None]),
    "y11_opset11": ("yolo11n.yaml", {"opset": 11}, [None]),
    "y11_opset13": ("yolo11n.yaml", {"opset": 13}, [None]),
    "y11_opset17_nosimplify": ("yolo11n.yaml", {"opset": 17, "simplify": False}, [None]),
    "y11_batch4": ("yolo11n.yaml", {"batch": 4}, [None]),
    "y11_640": ("yolo11n.yaml", {"imgsz": 640}, [None]),
    "y11_rect": ("yolo11n.yaml", {"imgsz": (320, 480)}, [None]),
    "y11_half": ("yolo11n.yaml", {"half": True}, [None]),
    "y11_dynamic": ("yolo11n.yaml", {"dynamic": True}, ["1x3x320x320", "2x3x256x384"]),
    "y11_dynamic_nosimplify": ("yolo11n.yaml", {"dynamic": True, "simplify": False}, ["1x3x320x320", "2x3x256x384"]),
    "y11_dynamic_opset11": ("yolo11n.yaml", {"dynamic": True, "opset": 11}, ["1x3x320x320"]),
    "y11_nms": ("yolo11n.yaml", {"nms": True}, [None]),
    "y11_nms_nosimplify": ("yolo11n.yaml", {"nms": True, "simplify": False}, [None]),
    "y11_batch4_nms": ("yolo11n.yaml", {"batch": 4, "nms": True}, [None]),
    "y11_rect_nms": ("yolo11n.yaml", {"imgsz": (320, 480), "nms": True, "simplify": False}, [None]),
    "y11_dynamic_nms_b2": ("yolo11n.yaml", {"dynamic": True, "nms": True, "batch": 2}, ["1x3x320x320", "2x3x320x320"]),
    # the other tasks
    "y11seg_default": ("yolo11n-seg.yaml", {}, [None]),
    "y11seg_nms": ("yolo11n-seg.yaml", {"nms": True}, [None]),
    "y11seg_dynamic": ("yolo11n-seg.yaml", {"dynamic": True}, ["1x3x320x320", "1x3x256x384"]),
    "y11pose_default": ("yolo11n-pose.yaml", {}, [None]),
    "y11pose_nms": ("yolo11n-pose.yaml", {"nms": True}, [None]),
    "y11obb_default": ("yolo11n-obb.yaml", {}, [None]),
    "y11obb_nms": ("yolo11n-obb.yaml", {"nms": True}, [None]),
    "y11obb_dynamic_nms": ("yolo11n-obb.yaml", {"dynamic": True, "nms": True}, ["1x3x320x320"]),
    "y11cls_default": ("yolo11n-cls.yaml", {}, [None]),
    "y11cls_dynamic": ("yolo11n-cls.yaml", {"dynamic": True}, ["1x3x320x320", "3x3x224x224"]),
    # NMS-free heads: YOLOv10 and YOLO26, one-to-many (nms=None, default) and one-to-one (nms=False: end2end)
    "v10_default": ("yolov10n.yaml", {}, [None]),
    "v10_end2end": ("yolov10n.yaml", {"nms": False}, [None]),
    "v10_end2end_dynamic": ("yolov10n.yaml", {"nms": False, "dynamic": True}, ["1x3x320x320", "2x3x256x384"]),
    "y26_default": ("yolo26n.yaml", {}, [None]),
    "y26_end2end": ("yolo26n.yaml", {"nms": False}, [None]),
    "y26_end2end_dynamic": ("yolo26n.yaml", {"nms": False, "dynamic": True}, ["1x3x320x320", "2x3x256x384"]),
    "y26_nms": ("yolo26n.yaml", {"nms": True}, [None]),
    "y26seg_end2end": ("yolo26n-seg.yaml", {"nms": False}, [None]),
    "y26pose_end2end": ("yolo26n-pose.yaml", {"nms": False}, [None]),
    "y26obb_end2end": ("yolo26n-obb.yaml", {"nms": False}, [None]),
    "y8_dynamic_opset11_nosimplify": ("yolov8n.yaml", {"dynamic": True, "opset": 11, "simplify": False}, ["1x3x320x320"]),
    # RT-DETR
    "rtdetr_default": ("rtdetr-l.yaml", {}, [None]),
    "rtdetr_dynamic": ("rtdetr-l.yaml", {"dynamic": True}, ["1x3x320x320", "1x3x384x384"]),
    # LiteRT (litert_torch): float32, float16 weights, int8 weights with float activations (no calibration data)
    "y11_litert": ("yolo11n.yaml", {"format": "litert"}, [None]),
    "y11_litert_fp16": ("yolo11n.yaml", {"format": "litert", "quantize": 16}, [None]),
    "y11_litert_w8a32": ("yolo11n.yaml", {"format": "litert", "quantize": "w8a32"}, [None]),
    "y11seg_litert": ("yolo11n-seg.yaml", {"format": "litert"}, [None]),
    "y26_litert_end2end": ("yolo26n.yaml", {"format": "litert", "nms": False}, [None]),
    "y11_litert_nms": ("yolo11n.yaml", {"format": "litert", "nms": True}, [None]),
    # open-vocabulary
    "worldv2_default": ("yolov8s-worldv2.yaml", {}, [None]),
    "yoloe11_default": ("yoloe-11s-seg.yaml", {}, [None]),
}


# Params differences diagnosed as conventions (not dscost findings): case -> elements dscost counts beyond the oracle's
# learned elements.  The findings of ONNX files (the folded anchor / stride grids and NMS's zero scatter buffer, fixed
# 2026-12-06) are not listed here: those rows would fail again.
EXPLAINED = {
    "rtdetr_default": 25_600,  # AIFI's 2-D sin-cos position table (1 x 100 x 256) folded by the static export: a folded table, the README's convention
    # LiteRT stores the folded grids as buffers with nothing to tell them from learned tensors (docs/onnx.md): counted
    "y11_litert": 10_500, "y11_litert_w8a32": 10_500, "y11_litert_nms": 10_500, "y26_litert_end2end": 10_500,
    "y11seg_litert": 10_496,  # (the grid, less the 4 one-element tensors the oracle counts over the module)
    "worldv2_default": 18,  # MaxSigmoidAttnBlock's per-head bias (4 + 2 + 4 + 8): module parameters the oracle misses
}

# ---------------------------------------------------------------- child: build + export
def child_build(name: str, out: Path) -> dict:
    os.environ.setdefault("YOLO_OFFLINE", "1")
    import torch
    from ultralytics import RTDETR, YOLO
    from ultralytics.utils.torch_utils import get_flops

    cfg, kw, _ = CASES[name]
    kw = dict(kw)
    imgsz = kw.pop("imgsz", IMG)
    fmt = kw.pop("format", "onnx")
    torch.manual_seed(0)
    model = (RTDETR if cfg.startswith("rtdetr") else YOLO)(cfg)
    with torch.no_grad():  # BN statistics and affine randomized: no folded bias is zero (two equal ones would be deduplicated)
        for x in model.model.modules():
            if isinstance(x, (torch.nn.BatchNorm2d, torch.nn.BatchNorm1d)):
                x.weight.uniform_(0.5, 1.5)
                x.bias.normal_()
                x.running_mean.normal_(0, 0.1)
                x.running_var.uniform_(0.5, 1.5)
        for q in model.model.parameters():  # (and every learned tensor nudged: Detect's bias_init makes equal biases)
            if q.requires_grad:
                q.add_(torch.randn_like(q) * 0.01)
    m = deepcopy(model.model)  # (fused here for the reference only: fusing an end-to-end head drops a branch before export)
    params = sum(p.numel() for p in m.parameters())
    bn = sum(2 * x.num_features for x in m.modules() if isinstance(x, (torch.nn.BatchNorm2d, torch.nn.BatchNorm1d)))
    m.fuse(verbose=False)
    fused = sum(p.numel() for p in m.parameters())
    gflops = get_flops(m, list(imgsz) if isinstance(imgsz, tuple) else imgsz)
    d = out / name
    d.mkdir(parents=True, exist_ok=True)
    cwd = os.getcwd()
    os.chdir(d)
    t = time.time()
    try:
        path = Path(model.export(format=fmt, imgsz=imgsz, verbose=False, **kw)).resolve()
    finally:
        os.chdir(cwd)
    return {"path": str(path), "gflops": gflops, "params": params, "bn": bn, "fused": fused, "imgsz": imgsz, "export_s": round(time.time() - t, 1)}


# ---------------------------------------------------------------- child: oracle
def _shape_from(s: str) -> list[int]:
    return [int(v) for v in s.split("x")]


def child_oracle(path: str, shape: str | None) -> dict:
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import helper

    model = onnx.load(path)
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    inp = next(i for i in g.input if i.name not in inits)
    dims = [d.dim_value if d.HasField("dim_value") else None for d in inp.type.tensor_type.shape.dim]
    sh = _shape_from(shape) if shape else dims
    assert None not in sh, (inp.name, dims)
    elem = inp.type.tensor_type.elem_type
    dtype = helper.tensor_dtype_to_np_dtype(elem)
    sub = [n.op_type for n in g.node if any(a.type == onnx.AttributeProto.GRAPH or a.type == onnx.AttributeProto.GRAPHS for a in n.attribute)]
    have = {o.name for o in g.output}
    for n in g.node:
        for o in n.output:
            if o and o not in have:
                g.output.append(onnx.ValueInfoProto(name=o))
                have.add(o)
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.log_severity_level = 3
    sess = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    x = rng.random(sh).astype(dtype)
    names = [o.name for o in sess.get_outputs()]
    vals = dict(zip(names, sess.run(None, {inp.name: x})))
    shp = {k: list(np.asarray(v).shape) for k, v in vals.items()}
    shp[inp.name] = sh
    const = {}
    for i in g.initializer:
        shp[i.name] = list(i.dims)
        const[i.name] = i
    for n in g.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    shp[n.output[0]] = list(a.t.dims)
                    const[n.output[0]] = a.t

    def prod(v):
        r = 1
        for e in v:
            r *= int(e)
        return r

    macs, per_op = 0, {}
    for n in g.node:
        op = n.op_type
        c = 0
        if op == "Conv":
            c = prod(shp[n.output[0]]) * prod(shp[n.input[1]][1:])
        elif op == "ConvTranspose":
            c = prod(shp[n.input[0]]) * prod(shp[n.input[1]][1:])
        elif op == "MatMul":
            c = prod(shp[n.output[0]]) * shp[n.input[0]][-1]
        elif op == "Gemm":
            ta = next((a.i for a in n.attribute if a.name == "transA"), 0)
            a = shp[n.input[0]]
            c = prod(shp[n.output[0]]) * (a[0] if ta else a[1])
        elif op == "Einsum":
            eq = next(a.s.decode() for a in n.attribute if a.name == "equation").replace(" ", "")
            lhs = eq.split("->")[0].split(",")
            size = {}
            for term, t in zip(lhs, n.input):
                for ch, dim in zip(term.replace("...", ""), shp[t][-len(term.replace("...", "")):] if term.replace("...", "") else []):
                    size[ch] = dim
            c = prod(size.values())
        if c:
            macs += c
            per_op[op] = per_op.get(op, 0) + c
    # learned elements: initializers / Constants (> 1 element) reaching a weight / bias / norm input
    consumers: dict[str, list] = {}
    for n in g.node:
        for k, i in enumerate(n.input):
            consumers.setdefault(i, []).append((n, k))
    producer = {o: n for n in g.node for o in n.output}
    passthrough = {"Cast", "Identity", "Reshape", "Transpose", "Unsqueeze", "Squeeze", "DequantizeLinear", "Expand", "Flatten"}

    def is_learned(name, depth=0):
        for n, k in consumers.get(name, []):
            op = n.op_type
            if op in passthrough and k == 0:
                if is_learned(n.output[0], depth + 1):
                    return True
            elif op in ("Conv", "ConvTranspose") and k in (1, 2):
                return True
            elif op == "Gemm" and k in (1, 2):
                return True
            elif op == "MatMul":
                return True
            elif op in ("LayerNormalization", "BatchNormalization", "InstanceNormalization", "GroupNormalization") and k in (1, 2):
                return True
            elif op == "Gather" and k == 0:
                return True
            elif op == "Add":
                other = n.input[1 - k]
                p = producer.get(other)
                if p is not None and p.op_type in ("MatMul", "Gemm"):
                    return True
        return False

    direct = {n.input[k] for n in g.node for k in (1, 2) if n.op_type in ("Conv", "ConvTranspose", "Gemm") and len(n.input) > k}
    learned = sum(prod(shp[k]) for k in const if (prod(shp[k]) > 1 or k in direct) and is_learned(k))
    ops = {}
    for n in g.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    return {"macs": macs, "per_op": per_op, "learned": learned, "shape": sh, "input": inp.name, "subgraph_ops": sub,
            "opset": next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None), "nodes": len(g.node), "ops": ops,
            "dims": dims}


def child_oracle_tflite(path: str) -> dict:
    """MACs from the tensors' static shapes of each builtin op (no delegate): CONV_2D prod(out) x prod(W[1:])
    (W is O x H x W x I), DEPTHWISE_CONV_2D prod(out) x H x W, TRANSPOSE_CONV prod(in) x O x H x W,
    FULLY_CONNECTED prod(out) x W[1], BATCH_MATMUL prod(out) x K; params: elements of the constant (buffer-backed)
    tensors read as a weight or bias by those ops, each tensor once (a DEQUANTIZE'd fp16 weight counted as its float output)."""
    from math import prod

    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    it = Interpreter(path, experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    it.allocate_tensors()
    td = {t["index"]: t for t in it.get_tensor_details()}
    ops = it._get_ops_details()
    produced = {int(o): op for op in ops for o in op["outputs"]}
    shp = {i: [int(v) for v in t["shape"]] for i, t in td.items()}
    macs, per_op, learned = 0, {}, set()
    for op in ops:
        name, ins, outs = op["op_name"], [int(i) for i in op["inputs"]], [int(i) for i in op["outputs"]]
        c = 0
        if name == "CONV_2D":
            c = prod(shp[outs[0]]) * prod(shp[ins[1]][1:])
        elif name == "DEPTHWISE_CONV_2D":
            c = prod(shp[outs[0]]) * prod(shp[ins[1]][1:3])
        elif name == "TRANSPOSE_CONV":
            c = prod(shp[ins[2]]) * prod(shp[ins[1]][:3])
        elif name == "FULLY_CONNECTED":
            c = prod(shp[outs[0]]) * shp[ins[1]][1]
        elif name == "BATCH_MATMUL":
            c = prod(shp[outs[0]]) * shp[ins[0]][-1]
        if name in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "BATCH_MATMUL", "TRANSPOSE_CONV"):
            for k in ins:
                if k < 0:
                    continue
                src = produced.get(k)
                if src is not None and src["op_name"] == "DEQUANTIZE":
                    learned.add(k)
                elif src is None and k in td and k not in [d["index"] for d in it.get_input_details()]:
                    learned.add(k)
        if c:
            macs += c
            per_op[name] = per_op.get(name, 0) + c
    counts = {}
    for op in ops:
        counts[op["op_name"]] = counts.get(op["op_name"], 0) + 1
    inp = it.get_input_details()[0]
    return {"macs": macs, "per_op": per_op, "learned": sum(prod(shp[k]) for k in learned), "shape": [int(v) for v in inp["shape"]],
            "input": inp["name"], "ops": counts, "dims": [int(v) for v in inp["shape"]]}


# ---------------------------------------------------------------- driver
def run_child(args: list[str], timeout: int) -> dict:
    p = subprocess.run([sys.executable, str(HERE), *args], capture_output=True, text=True, timeout=timeout)
    if p.returncode:
        return {"error": (p.stderr.strip().splitlines() or ["?"])[-1][:160]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def run_dscost(dscost: str, path: str, shape: str | None, inp: str, extra: list[str] | None = None) -> dict:
    cmd = [*shlex.split(dscost), "analyze", path, "-f", "json", "-q", *(extra or [])]
    if shape:
        cmd += ["--input-shape", f"{inp}={shape}"]
    t = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    dt = round(time.time() - t, 2)
    if p.returncode:
        return {"error": p.stderr.strip()[-400:], "rc": p.returncode, "s": dt}
    d = json.loads(p.stdout)
    return {"macs": d["totals"]["macs"], "params": d["totals"]["params"], "buffers": d["totals"]["buffers"],
            "uncounted": [(u["op"], u["name"]) for u in d["uncounted"]], "s": dt,
            "by_op": {b["op"]: b["macs"] for b in d["by_operator"] if b["macs"]}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/r46/files"))
    ap.add_argument("--only", default="")
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--dscost", default=f"{sys.executable} -m dscost")
    ap.add_argument("--child", nargs="+")
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "build":
            res = child_build(rest[0], Path(rest[1]))
        elif rest[0].endswith(".tflite"):
            res = child_oracle_tflite(rest[0])
        else:
            res = child_oracle(rest[0], rest[1] if rest[1] != "-" else None)
        print(json.dumps(res))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    rows, bad = [], 0
    names = args.only.split(",") if args.only else list(CASES)
    for name in names:
        cache = args.out / f"{name}.build.json"
        if args.reuse and cache.exists():
            b = json.loads(cache.read_text())
        else:
            t = time.time()
            try:
                b = run_child(["--child", "build", name, str(args.out)], 900)
            except subprocess.TimeoutExpired:
                b = {"error": "build timed out"}
            b["build_s"] = round(time.time() - t, 1)
            cache.write_text(json.dumps(b))
        if "error" in b:
            rows.append({"case": name, "build_error": b["error"]})
            print(name, "BUILD FAILED", b["error"], flush=True)
            continue
        runs = [(shape, None) for shape in CASES[name][2]]
        if CASES[name][2][0] is not None:  # a dynamic file: with no shape, dscost must stop with a hint that works when followed
            d0 = run_dscost(args.dscost, b["path"], None, "")
            hint = d0.get("error", "")
            m_i = re.search(r"--input-shape (\S+?)=(\S+)", hint)
            m_d = re.findall(r"--dim (\S+=\d+)", hint)
            if "error" not in d0 or not m_i or not m_d:
                rows.append({"case": name, "shape": "no shape", "hint_error": hint or "dscost ran without a shape", "ok": False})
                bad += 1
                print(name, "HINT PROBLEM", hint[-200:], flush=True)
            else:
                runs.append((m_i.group(2), ["--input-shape", f"{m_i.group(1)}={m_i.group(2)}"]))
                runs.append((m_i.group(2), [a for x in m_d for a in ("--dim", x)]))
        for shape, extra in runs:
            o = run_child(["--child", "oracle", b["path"], shape or "-"], 600)
            inp = o.get("input", "images")
            d = run_dscost(args.dscost, b["path"], None if extra else shape, inp, extra)
            label = shape if not extra else ("hint " + " ".join(extra))
            row = {"case": name, "shape": label, "build": b, "oracle": o, "dscost": d}
            # thop reference at this shape: GFLOPs at the build's imgsz, scaled by batch and pixels
            sh = o.get("shape") or ([1, 3, IMG, IMG])
            imgsz = b["imgsz"] if isinstance(b["imgsz"], list) else [b["imgsz"], b["imgsz"]]
            row["thop_macs"] = b["gflops"] * 1e9 / 2 * sh[0] * (sh[2] * sh[3]) / (imgsz[0] * imgsz[1])
            ok_m = "macs" in d and "macs" in o and d["macs"] == o["macs"]
            ok_p = "params" in d and d["params"] - EXPLAINED.get(name, 0) in (o.get("learned"), b["fused"])
            row["ok"] = ok_m and ok_p
            bad += not row["ok"]
            rows.append(row)
            print(f"{name:<30} {label or 'static':<12} dscost {d.get('macs', d.get('error', '')[-80:])!s:>14} oracle {o.get('macs', o.get('error'))!s:>14} "
                  f"thop {row['thop_macs']:>14,.0f} params {d.get('params')!s:>9} learned {o.get('learned')!s:>9} fused {b['fused']:>9} "
                  f"unc {len(d.get('uncounted', []))} {'ok' if row['ok'] else 'DIFF'}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
