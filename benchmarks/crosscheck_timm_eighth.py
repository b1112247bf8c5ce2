"""Eighth blind round (2026-12-04): the timm families no earlier round held, each counted three
ways against torch's own counter.

timm 1.0.31 lists 161 model families (a name up to its first digit or underscore); 25 had no
model in any earlier round (crosscheck_torch.py's ZOO, --blind, --third, --fourth, the fifth
round's --timm list, crosscheck_timm_sixth.py and crosscheck_timm_seventh.py).  This round takes
one model of each that timm can build without weights: the 18 ``test_*`` models (timm's own
small instances of ByobNet, CoAtNet, ConvNeXt, EfficientNet with EvoNorm, GroupNorm and
LayerNorm, MambaOut, MaxViT, NFNet, ResNet and five ViTs, one with RMSNorm and one with
relative positions), Hiera-Det (SAM 2's encoder), the lambda and halo attention ResNets
(``Tensor.unfold`` of sizes the trace does not know), MaxxViT, CoAtNeXt, BEiT v2, CSPResNeXt,
DarkNet with anti-aliased downsampling, the ECA ResNets and ResNeXt, the global-context
ResNeXt, EfficientNetV2-rw, FBNetV3, RegNetX, ReXNet-r, SE-ResNet, SE-ResNet-AA, SE-ResNeXt-AA,
SENet-154, SPNASNet, NASNet-A large and AIMv2 (SwiGLU, RMSNorm): 42 models.

For each model (python benchmarks/crosscheck_timm_eighth.py [--only a,b] [--json rows.json]),
as in crosscheck_timm_seventh.py: the torch reference (FlopCounterMode FLOPs / 2, plus its
BY_FORMULA ops; params = sum of ``parameters()``), ``dscost.analyze(module, inputs)``, and the
TorchScript and dynamo exports through ``python -m dscost analyze FILE -f json -q``.  Each
model runs in a child process with a 600 s limit; files go to --out (default /tmp/timm8/zoo).

As run (2026-12-04, torch 2.14.1, timm 1.0.31, ~9 min on 2 cores): MACs and params equal torch's
on all 42 modules and all 42 TorchScript files, nothing uncounted in any count.  The dynamo
exporter fails in torch on 4 (test_maxvit, test_vit_relpos, MaxxViT, BEiT v2: "Failed to
decompose the FX graph"); its 38 files equal torch's MACs, and their params are its rewrite's:
lower by what its optimizer folds or drops (BatchNorm folded into the convs, all-zero biases:
SE-ResNet-18 exactly its 9,600 BatchNorm parameters), and CoAtNeXt's higher by 49,472 (the
last stage's relative-position bias gathered at export time into per-position initializers,
8x49x49 and 16x49x49 instead of tables of 13x13 per head, +89,280, less 39,808 of dropped zero
biases).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/timm8/zoo")

EIGHTH_TIMM = (
    # timm's own small test instances (their default input sizes)
    "test_byobnet test_coatnet test_convnext test_convnext2 test_convnext3 test_efficientnet test_efficientnet_evos "
    "test_efficientnet_gn test_efficientnet_ln test_mambaout test_maxvit test_nfnet test_resnet test_vit test_vit2 "
    "test_vit3 test_vit4 test_vit_relpos "
    # transformers and hybrids
    "hieradet_small@224 maxxvit_rmlp_nano_rw_256@256 coatnext_nano_rw_224@224 beitv2_base_patch16_224@224 "
    "aimv2_large_patch14_224@224 lamhalobotnet50ts_256@256 halo2botnet50ts_256@256 sehalonet33ts@256 "
    # CNNs
    "cspresnext50@160 darknetaa53@160 ecaresnet26t@160 ecaresnetlight@160 gcresnext26ts@160 efficientnetv2_rw_t@160 "
    "fbnetv3_b@160 regnetx_002@160 rexnetr_100@160 seresnet18@160 spnasnet_100@160 seresnextaa101d_32x8d@160 "
    "ecaresnext26t_32x4d@160 seresnetaa50d@160 senet154@160 nasnetalarge@224"
)  # fmt: skip


def names() -> list[str]:
    return [s.split("@")[0] for s in EIGHTH_TIMM.split()]


def main(argv: list[str] | None = None) -> int:
    entry = functools.partial(S.timm_entry, EIGHTH_TIMM)
    return S.run(argv, __doc__, names, S.dumping(entry), S.table, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
