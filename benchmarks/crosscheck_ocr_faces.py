"""Twenty-third blind round (2026-12-05): OCR networks (python-doctr) and face-analysis networks
(face-alignment, facexlib), libraries no earlier round held, each model counted three ways against
torch's own counter, as in crosscheck_timm_sixth.py (the module through ``dscost.analyze``, the
TorchScript and the dynamo exporters' files through ``python -m dscost analyze FILE -f json``).

What it stresses: docTR's text detectors (DBNet on ResNet-50 and MobileNetV3-large with its FPN,
LinkNet's transposed-conv decoder, FAST's TextNet as trained and after ``reparameterize``) and
recognizers -- CRNN's 2-layer BiLSTMs (ONNX LSTM nodes), SAR's LSTM encoder and 32-step greedy
LSTMCell decoder with 2-D attention, MASTER's 49-step greedy transformer decoder over a GCNet
ResNet, ViTSTR, PARSeq's 33-step autoregressive decoder plus a refinement pass, VIPTR; the
face-alignment FAN (stacked hourglasses), its ResNetDepth, S3FD (L2Norm), BlazeFace front and
back, RetinaFace; facexlib's RetinaFace (ResNet-50, MobileNet-0.25), BiSeNet and ParseNet face
parsing, AWing's FAN with CoordConv, HopeNet, HyperIQA (a hyper-network: the target net's
weights computed from the image, run by F.linear/conv on them), ArcFace IR-SE-50, MobileFaceNet
and MODNet matting (IBNorm, inference branch).  Random weights everywhere (no checkpoint).

    python3 -m venv /work/hvD   # + a .pth to /work/hvB's site-packages (torch and onnx reused)
    /work/hvD/bin/pip install -c constraints.txt face-alignment facexlib
    /work/hvD/bin/pip install -c constraints.txt --no-deps python-doctr==1.1.0
    /work/hvD/bin/pip install -c constraints.txt pypdfium2 pyclipper shapely langdetect rapidfuzz anyascii validators h5py
    # constraints.txt: /work/hvB's pip freeze (its name==version lines)
    PYTHONPATH=/work/main /work/hvD/bin/python benchmarks/crosscheck_ocr_faces.py [--only a,b] [--json rows.json]

(python-doctr 1.1.0 asks for huggingface-hub<2 where hvB has 2.4.0, so the resolver backtracked
to an old docTR that needs PyMuPDF, which does not build here; 1.1.0 without its dependencies
builds every model, as no checkpoint is fetched.)  Each model runs in a child process with a
600 s limit; files go to --out (default /tmp/r23/zoo).

As run (2026-12-05, torch 2.14.1, torchvision 0.29.1, onnx 1.23.2, onnxscript 0.7.2,
python-doctr 1.1.0, face-alignment 1.5.0, facexlib 0.3.0; 15 min on 2 cores, the docTR models
twice): 28 models (12 docTR, 6 face-alignment, 10 facexlib), torch's counter ran on all (the
LSTMs by the harness's formula for aten.mkldnn_rnn_layer; dscost's ONNX LSTM nodes agree with
4·hidden·(input+hidden) per step and direction: CRNN-VGG's 20,971,520 and 12,582,912, SAR's
encoder 67,108,864 a layer).  docTR's models are built ``exportable=True``: the first run called
them with ``return_model_output=True``, whose eval forward also runs the post-processing, which
reads the logits through numpy, so no docTR model had a dynamo file (``.numpy()`` of a fake
tensor); its MACs were the same.  **Every model exports with the TorchScript exporter and all
but MASTER with the dynamo exporter** (its greedy decoder stops when every sequence has emitted
EOS, ``if (ys == vocab_size).any(-1).all(): break``, a data-dependent guard in torch.export;
PARSeq skips that test when exportable).  **MACs equal torch's on 24 of 28 modules, 24 of 28
TorchScript files and 24 of 27 dynamo files, nothing uncounted.**  The differences, none dscost's:

- SAR -302,447,616 (module and TorchScript file): the decoder runs 32 steps and returns
  ``logits_list[1:]``, so the first step's glimpse (the 3x3 feat_conv over 512 x 4 x 32,
  301,989,888, state_conv 262,144, projector 65,536) and output_dense (130,048) are dead code the
  exports drop (torch counts 32).  The dynamo file -9,363,192,832: also common subexpressions
  merged -- feat_conv of the same features, 31 steps, is computed once (-30 x 301,989,888) and
  the first step's two LSTMCell hidden products of the same zero state with the same W_hh are one
  Gemm (-1,048,576).
- MASTER -9,663,742,464 (module and TorchScript file): each of the 49 greedy steps runs the
  decoder on the full sequence, and its 3 source-attention layers project the same memory (128 x
  512) to keys and values with the same weights; the TorchScript exporter's common-subexpression
  pass keeps one of each (the file: 1 MatMul for each of those 6 weights, 49 for every other
  decoder weight), -48 x 201,326,592; and the last step's next-token Linear (512 x 129 = 66,048)
  is dead code.
- PARSeq -1,245,708,288 (every way): the same for its cross-attention over the 128 image
  tokens (2 x 128 x 384 x 384 = 37,748,736) in 34 decoder passes: both exporters keep one
  (-33 x 37,748,736).
- AWing FAN -147,456 (every way): CoordConv builds its coordinate channels by
  ``torch.matmul(ones, arange)``, input-independent products of constants (256 x 256 twice,
  64 x 64 twice in each of 2 hourglasses) that both exporters fold into constants; torch counts them.

Params equal torch's on 25 of 28 modules: DBNet's threshold head, used only for the training loss
(-164,353, both DBNets), and MODNet's semantic and detail heads, used only in training
(-10,466), named in notes.  The TorchScript files also count MASTER's positional-encoding buffers
stored as initializers (4,096 x 512 and 50 x 512, +2,122,752) and drop HyperIQA's one-element
bias (fc5b_fc, -1).  The dynamo files differ on 24 of 27 by the exporter's rewrite (BatchNorms
folded, zero biases dropped, and the DBNets' and MODNet's unused heads), named in the note on
tensors the file does not hold; S3FD and both
BlazeFaces have no BatchNorm and equal torch's.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r23/zoo")


def _doctr(kind: str):
    """A docTR model, random weights (no checkpoint, no pretrained backbone), built
    ``exportable=True`` (as docTR's own ONNX export does: the forward returns only the logits,
    no post-processing, which reads tensors through numpy) behind a forward that returns them
    (detection: the map before its sigmoid; recognition: the logits, decoded greedily by the
    autoregressive decoders in eval mode)."""
    from torch import nn

    from doctr.models import detection, recognition

    if kind == "fast_tiny_rep":
        from doctr.models.detection.fast import reparameterize

        m = reparameterize(detection.fast_tiny(pretrained=False, pretrained_backbone=False, exportable=True).eval())
    else:
        zoo = detection if kind.split("_")[0] in ("db", "linknet", "fast") else recognition
        m = getattr(zoo, kind)(pretrained=False, pretrained_backbone=False, exportable=True)

    class OutMap(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            return self.m(x)["logits"]

    return OutMap(m)


def _faces(kind: str):
    """A face-alignment or facexlib network, random weights (no checkpoint is loaded)."""
    from torch import nn

    if kind == "fa_fan2":
        from face_alignment.models.fan import FAN

        return FAN(num_modules=2)
    if kind == "fa_resnetdepth":
        from face_alignment.models.resnet import ResNetDepth

        return ResNetDepth()
    if kind == "fa_s3fd":
        from face_alignment.detection.sfd.net_s3fd import s3fd

        return s3fd()
    if kind == "fa_blazeface":
        from face_alignment.detection.blazeface.net_blazeface import BlazeFace

        return BlazeFace()
    if kind == "fa_blazeface_back":
        from face_alignment.detection.blazeface.net_blazeface import BlazeFace

        return BlazeFace(back_model=True)
    if kind == "fa_retinaface":
        from face_alignment.detection.retinaface.net_retinaface import RetinaFace

        return RetinaFace()
    if kind.startswith("xl_retinaface_"):
        from facexlib.detection.retinaface import RetinaFace

        return RetinaFace(network_name=kind.removeprefix("xl_retinaface_"), device="cpu")
    if kind == "xl_bisenet":
        from facexlib.parsing.bisenet import BiSeNet

        return BiSeNet(num_class=19)
    if kind == "xl_parsenet":
        from facexlib.parsing.parsenet import ParseNet

        return ParseNet(in_size=128, out_size=128, parsing_ch=19)
    if kind == "xl_awing":
        from facexlib.alignment.awing_arch import FAN

        return FAN(num_modules=2, num_landmarks=98, device="cpu")
    if kind == "xl_hopenet":
        import torchvision

        from facexlib.headpose.hopenet_arch import HopeNet

        return HopeNet(torchvision.models.resnet.Bottleneck, [3, 4, 6, 3], 66)
    if kind == "xl_hyperiqa":
        from facexlib.assessment.hyperiqa_net import HyperIQA

        return HyperIQA(16, 112, 224, 112, 56, 28, 14, 7)
    if kind == "xl_arcface":
        from facexlib.recognition.arcface_arch import Backbone

        return Backbone(num_layers=50, drop_ratio=0.6, mode="ir_se")
    if kind == "xl_mobilefacenet":
        from facexlib.recognition.arcface_arch import MobileFaceNet

        return MobileFaceNet(512)
    if kind == "xl_modnet":
        from facexlib.matting.modnet import MODNet

        class Infer(nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, x):
                return self.m(x, True)

        return Infer(MODNet(backbone_pretrained=False))
    raise ValueError(kind)


def _entries() -> dict:
    img = lambda h, w=None, c=3: [("image", (1, c, h, w or h), "float32")]  # noqa: E731
    dt = lambda kind, inputs, note: (lambda: _doctr(kind), inputs, note)  # noqa: E731
    fc = lambda kind, inputs, note: (lambda: _faces(kind), inputs, note)  # noqa: E731
    rec = img(32, 128)
    return {
        # docTR: text detection (256 x 256) and recognition (32 x 128)
        "db_resnet50": dt("db_resnet50", img(256), "docTR DBNet, ResNet-50 + FPN, probability map"),
        "db_mobilenet_v3_large": dt("db_mobilenet_v3_large", img(256), "docTR DBNet, MobileNetV3-large (hardswish, SE)"),
        "linknet_resnet18": dt("linknet_resnet18", img(256), "docTR LinkNet, ResNet-18 (transposed-conv decoder)"),
        "fast_tiny": dt("fast_tiny", img(256), "docTR FAST tiny (TextNet, multi-branch convs as trained)"),
        "fast_tiny_rep": dt("fast_tiny_rep", img(256), "docTR FAST tiny after reparameterize() (branches fused)"),
        "crnn_vgg16_bn": dt("crnn_vgg16_bn", rec, "docTR CRNN, VGG-16-BN + 2-layer BiLSTM(128)"),
        "crnn_mobilenet_v3_small": dt("crnn_mobilenet_v3_small", rec, "docTR CRNN, MobileNetV3-small + BiLSTM"),
        "sar_resnet31": dt("sar_resnet31", rec, "docTR SAR, ResNet-31 + LSTM encoder + LSTMCell attention decoder (greedy, 31 steps)"),
        "master": dt("master", rec, "docTR MASTER (GCNet-ResNet + transformer decoder, greedy)"),
        "vitstr_small": dt("vitstr_small", rec, "docTR ViTSTR small"),
        "parseq": dt("parseq", rec, "docTR PARSeq (ViT encoder, autoregressive decoder, greedy + refinement)"),
        "viptr_tiny": dt("viptr_tiny", rec, "docTR VIPTR tiny (visual permutable extractor, CTC)"),
        # face-alignment
        "fa_fan2": fc("fa_fan2", img(256), "face-alignment FAN, 2 stacked hourglasses (68 heatmaps)"),
        "fa_resnetdepth": fc("fa_resnetdepth", img(256, c=71), "face-alignment ResNetDepth (ResNet-152 layout, image + 68 heatmaps)"),
        "fa_s3fd": fc("fa_s3fd", img(256), "face-alignment S3FD (VGG-16, L2Norm, 6 heads)"),
        "fa_blazeface": fc("fa_blazeface", img(128), "face-alignment BlazeFace front model"),
        "fa_blazeface_back": fc("fa_blazeface_back", img(256), "face-alignment BlazeFace back model"),
        "fa_retinaface": fc("fa_retinaface", img(256), "face-alignment RetinaFace, MobileNet-0.25"),
        # facexlib
        "xl_retinaface_resnet50": fc("xl_retinaface_resnet50", img(256), "facexlib RetinaFace, ResNet-50 (softmax scores)"),
        "xl_retinaface_mobile0.25": fc("xl_retinaface_mobile0.25", img(256), "facexlib RetinaFace, MobileNet-0.25"),
        "xl_bisenet": fc("xl_bisenet", img(256), "facexlib BiSeNet face parsing (19 classes, 3 heads)"),
        "xl_parsenet": fc("xl_parsenet", img(128), "facexlib ParseNet (residual encoder-decoder, 128 px)"),
        "xl_awing": fc("xl_awing", img(256), "facexlib AWing FAN, 2 modules (CoordConv, boundary channels, 98 landmarks)"),
        "xl_hopenet": fc("xl_hopenet", img(224), "facexlib HopeNet head pose (ResNet-50, 3 x 66 bins)"),
        "xl_hyperiqa": fc("xl_hyperiqa", img(224), "facexlib HyperIQA (hyper-network: target-net weights computed per image)"),
        "xl_arcface": fc("xl_arcface", img(112), "facexlib ArcFace IR-SE-50 backbone"),
        "xl_mobilefacenet": fc("xl_mobilefacenet", img(112), "facexlib MobileFaceNet"),
        "xl_modnet": fc("xl_modnet", img(256), "facexlib MODNet matting (IBNorm, LR/HR/fusion branches)"),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
