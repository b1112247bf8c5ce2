"""Twenty-seventh blind round (2026-12-06): knowledge-graph embedding models (pykeen), sequential and
general recommenders (RecBole), person re-identification CNNs (torchreid) and metric-learning
losses with learned class weights (pytorch-metric-learning), no earlier round held -- each model
counted three ways against torch's own counter, as in crosscheck_timm_sixth.py (the module through
``dscost.analyze``, the TorchScript and the dynamo exporters' files through
``python -m dscost analyze FILE -f json``).

What it stresses: embedding tables read by index (entities and relations, items and users) and
scored against every entity / item (a broadcast interaction over the whole table, a matmul with
the transposed item table); complex and quaternion products written on real views (ComplEx,
RotatE, QuatE); HolE's circular correlation by rFFT; ConvE's reshaped 2-D convolution with
BatchNorm and ConvKB's 1 x 3 convolution; TuckER's core tensor (a three-way einsum with BatchNorm);
NTN's bilinear slices; TransR's per-relation projection matrices; R-GCN's basis-decomposed message
passing over the training triples (index_select / index_add); SASRec and BERT4Rec transformer
encoders, LightSANs' low-rank item-to-interest aggregation and decoupled positions, GRU4Rec and
NARM's GRU (with NARM's attention), NextItNet's dilated causal residual convs, SINE's sparse
interest extraction (top-k concepts), RepeatNet's repeat/explore mixture (scatter onto the item
catalogue), SR-GNN's session graph (built with numpy from the input), Caser's horizontal and
vertical convs, NeuMF; OSNet's omni-scale gated aggregation (and its instance-norm variants),
MLFN's factor modules, PCB's part pooling, torchreid's ShuffleNet v1 (group convs and channel
shuffle), NASNet-A mobile; ArcFace-style margins (normalized weight matmul, acos / cos), SoftTriple's
multi-center similarities and large-margin softmax's Chebyshev cos(m theta).  Random weights
everywhere (no checkpoint, no download).

    python3 -m venv /tmp/r27/venv && /tmp/r27/venv/bin/pip install torch==2.14.1 torchvision==0.29.1 onnxscript
    /tmp/r27/venv/bin/pip install -e '/work/main[test]'
    /tmp/r27/venv/bin/pip install -c constraints.txt pykeen recbole torchreid pytorch-metric-learning opencv-python-headless gdown
    # constraints.txt: the venv's pip freeze (torch 2.14.1 kept); torchreid imports cv2 and gdown
    /tmp/r27/venv/bin/python benchmarks/crosscheck_embeddings_reid.py [--only a,b] [--json rows.json]

RecBole 1.2.1 still reads ``np.float_`` (gone in NumPy 2): the builders put the NumPy 1 names
back before importing it.  Integer inputs are drawn in [0, 100) by the harness: every table here
has 128 rows (pykeen's entities and relations, RecBole's items and users, 100 classes for the
losses); a sequence's length is computed inside the wrapper (its non-zero items).

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r27/zoo).

As run (2026-12-06, torch 2.14.1, onnx 1.23.2, onnxscript 0.7.2, pykeen 1.11.1, recbole 1.2.1,
torchreid 0.2.5, pytorch-metric-learning 2.9.0; about 9 min on 2 cores): 32 models, torch's counter
ran on all.  **MACs equal torch's on 29 of 29 module counts, 28 of 28 TorchScript files and 25 of
25 dynamo files** since the fix this round found (39ed235, 50c18de).  The miss was dscost's:
NextItNet through the TorchScript exporter (the module path takes the same file) counted
1,105,920 of 2,467,840 -- its ``squeeze(2)`` after each of 10 blocks' two dilated convs is written
as ``If(Shape(conv)[2] == 1, Squeeze, Identity)``, a chain of 20 Ifs each on the shape the last
one gives; ``resolve_shape_branches`` resolves one link per inference round and stopped at 8
rounds, so block 4 on was uncounted, with the reason "decided at run time".  Rounds now go on
while one inlines an If (within a bound on the nodes inferred); rerun with the fix: 2,467,840 on
the module and both files (tests/test_branches.py holds a 12-If chain).  Uncounted nodes with no MAC in
them: HolE's two DFTs (torch counts its FFTs as 0 too) and the elementwise tail of ArcFace and
L-Softmax after ``cosine[mask == 1]`` (a NonZero).  No count: ComplEx and RotatE (both exporters
refuse ``view_as_complex``), R-GCN (``sparse_coo_tensor``), HolE's TorchScript file (``fft_rfft``);
dynamo files: SR-GNN (``.numpy()`` in its forward), the metric-learning losses ("a set_ on a
graph input"; L-Softmax's export dies in torch with a segmentation fault, refused: NO_DYNAMO).
Params: equal on 22 of 29 modules, the rest parameters the forward does not read (torchreid's
identity classifiers, PCB's training-only conv5 and part classifiers, BERT4Rec's output_bias);
TorchScript files count QuatE's multiplication-table buffer (+64) and drop one-element output
biases (ConvKB, ER-MLP, RepeatNet); dynamo files drop zero biases and merge equal norm tensors,
named in dscost's notes.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r27/zoo")
N = 128  # rows of every embedding table (entities, relations, items, users)


# ---------------------------------------------------------------- pykeen


def _pykeen(name: str, mode: str = "t"):
    """pykeen 1.11.1's ``name`` with 32-dim embeddings on a random graph of 128 entities and 128
    relations (256 training triples: R-GCN passes messages over them); the forward scores 4
    (head, relation) pairs against every tail (``score_t``), or 4 triples (``score_hrt``)."""
    import torch
    from torch import nn

    import pykeen.models as M
    from pykeen.triples import CoreTriplesFactory

    g = torch.Generator().manual_seed(1)
    tf = CoreTriplesFactory.create(torch.randint(0, N, (256, 3), generator=g), num_entities=N, num_relations=N)
    m = getattr(M, name)(triples_factory=tf, embedding_dim=32, random_seed=0)

    class Score(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m

        def forward(self, batch):
            return self.m.score_t(batch) if mode == "t" else self.m.score_hrt(batch)

    return Score()


# ---------------------------------------------------------------- RecBole


def _recbole(name: str, user: bool = False, score: bool = True):
    """RecBole 1.2.1's ``name`` (hidden 32, 2 layers, 2 heads, sequences of 20, 128 items and
    users): the forward gets the item sequence (and the user), the length is its non-zero items,
    and the sequence representation is scored against every item (``@ item_embedding.weight.T``,
    as full_sort_predict does) when ``score``."""
    import numpy as np

    for a, b in (("float_", np.float64), ("complex_", np.complex128), ("unicode_", np.str_)):
        if not hasattr(np, a):
            setattr(np, a, b)
    import logging

    from torch import nn

    from recbole.config import Config
    from recbole.utils import get_model

    logging.disable(logging.CRITICAL)

    class Data:  # what the models' __init__ reads of a dataset
        user_num = item_num = N

        def num(self, field):
            return N

    cfg = Config(model=name, dataset="ml-100k", config_dict={
        "device": "cpu", "use_gpu": False, "state": "ERROR", "MAX_ITEM_LIST_LENGTH": 20, "hidden_size": 32, "embedding_size": 32,
        "inner_size": 64, "n_layers": 2, "n_heads": 2, "train_neg_sample_args": None, "loss_type": "CE"})  # fmt: skip
    m = get_model(name)(cfg, Data())

    class Seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = m

        def forward(self, *xs):
            if name == "NeuMF":
                return self.m(*xs)
            seq = xs[-1]
            n = (seq > 0).sum(1)
            if name in ("Caser", "HGN"):
                out = self.m(xs[0], seq)
            elif name in ("BERT4Rec", "NextItNet"):
                out = self.m(seq)
                out = out[:, -1] if out.dim() == 3 else out
            else:
                out = self.m(seq, n)
            return out @ self.m.item_embedding.weight.t() if score else out

    return Seq()


# ---------------------------------------------------------------- torchreid


def _reid(name: str):
    """torchreid 0.2.5's ``name`` (10 identities, no pretrained weights); in eval mode it returns
    the embedding, so the identity classifier is a parameter no forward reads."""
    from torchreid.reid import models

    return models.build_model(name, num_classes=10, loss="softmax", pretrained=False)


# ---------------------------------------------------------------- pytorch-metric-learning


def _pml(name: str):
    """pytorch-metric-learning 2.9.0's ``name`` over 8 embeddings of 32 and their labels, 100
    classes (the learned class weights / proxies / centers are the parameters)."""
    from pytorch_metric_learning import losses

    return getattr(losses, name)(num_classes=100, embedding_size=32)


def _entries() -> dict:
    hr = [("hr", (4, 2), "int64")]
    seq = [("item_seq", (2, 20), "int64")]
    useq = [("user", (2,), "int64"), ("item_seq", (2, 20), "int64")]
    img = lambda h, w: [("input", (1, 3, h, w), "float32")]  # noqa: E731
    emb = [("embeddings", (8, 32), "float32"), ("labels", (8,), "int64")]
    pk = lambda n, note, mode="t": (lambda: _pykeen(n, mode), hr if mode == "t" else [("hrt", (4, 3), "int64")], note)  # noqa: E731
    rb = lambda n, note, inputs=seq, score=True: (lambda: _recbole(n, score=score), inputs, note)  # noqa: E731
    return {
        # pykeen 1.11.1: 4 (head, relation) pairs scored against all 128 tails
        "pk_transe": pk("TransE", "TransE: -||h + r - t||, 128 tails"),
        "pk_complex": pk("ComplEx", "ComplEx: Re<h, r, conj t> on real views"),
        "pk_rotate": pk("RotatE", "RotatE: complex rotation, distance to every tail"),
        "pk_quate": pk("QuatE", "QuatE: Hamilton product of quaternions (einsum with a fixed 4x4x4 table)"),
        "pk_hole": pk("HolE", "HolE: circular correlation by rfft / irfft"),
        "pk_conve": pk("ConvE", "ConvE: h, r stacked 2-D, BN, 3x3 conv, BN, FC, dot with every tail + entity bias"),
        "pk_convkb": pk("ConvKB", "ConvKB: 1x3 conv over (h, r, t), linear; every tail"),
        "pk_tucker": pk("TuckER", "TuckER: core tensor 32x32x32 (einsum), BN, dropout off"),
        "pk_ermlp": pk("ERMLP", "ER-MLP: MLP on [h; r; t] for every tail"),
        "pk_ntn": pk("NTN", "NTN: 4 bilinear slices per relation + linear, tanh, u"),
        "pk_transr": pk("TransR", "TransR: per-relation 32x32 projection of h and every tail"),
        "pk_rgcn": pk("RGCN", "R-GCN encoder (2 layers, basis decomposition) over 256 triples, DistMult decoder"),
        # RecBole 1.2.1: 2 sequences of 20 items, scored against all 128 items
        "rb_sasrec": rb("SASRec", "SASRec: 2-layer transformer, last position, x item table"),
        "rb_bert4rec": rb("BERT4Rec", "BERT4Rec: bidirectional 2-layer transformer, last position, x item table (129 rows: mask token)"),
        "rb_gru4rec": rb("GRU4Rec", "GRU4Rec: GRU, dense, gather at length - 1"),
        "rb_narm": rb("NARM", "NARM: GRU + attention over the sequence, bilinear B"),
        "rb_nextitnet": rb("NextItNet", "NextItNet: dilated causal 1-D conv residual blocks (1, 4) x 2"),
        "rb_lightsans": rb("LightSANs", "LightSANs: low-rank (k interests) aggregation, decoupled position attention"),
        "rb_sine": rb("SINE", "SINE: sparse interest extraction (top-k of 10 prototypes), intention assignment"),
        "rb_repeatnet": rb("RepeatNet", "RepeatNet: GRU, repeat and explore decoders scattered onto the 128 items", score=False),
        "rb_srgnn": rb("SRGNN", "SR-GNN: session graph from the input (numpy), gated GNN step, soft attention"),
        "rb_caser": rb("Caser", "Caser: horizontal (1..L) and vertical convs, max pools, user embedding", inputs=useq),
        "rb_neumf": (lambda: _recbole("NeuMF"), [("user", (4,), "int64"), ("item", (4,), "int64")], "NeuMF: GMF + MLP towers, 4 pairs"),
        # torchreid 0.2.5: 128 x 64 crops, the embedding out
        "reid_osnet_x0_25": (lambda: _reid("osnet_x0_25"), img(128, 64), "OSNet x0.25: omni-scale streams + unified aggregation gate"),
        "reid_osnet_ain_x0_25": (lambda: _reid("osnet_ain_x0_25"), img(128, 64), "OSNet-AIN x0.25: instance norm in the blocks"),
        "reid_mlfn": (lambda: _reid("mlfn"), img(128, 64), "MLFN: multi-level factorisation net (factor selection gates, grouped convs)"),
        "reid_pcb_p4": (lambda: _reid("pcb_p4"), img(128, 64), "PCB with 4 parts: ResNet-50, part pooling, per-part 1x1 conv"),
        "reid_shufflenet": (lambda: _reid("shufflenet"), img(128, 64), "ShuffleNet v1 (3 groups): group 1x1 convs, channel shuffle"),
        "reid_nasnetmobile": (lambda: _reid("nasnsetmobile"), img(128, 64), "NASNet-A mobile: separable convs, avg/max pools, many branches"),
        # pytorch-metric-learning 2.9.0
        "pml_arcface": (lambda: _pml("ArcFaceLoss"), emb, "ArcFace loss: normalized W (32 x 100), acos + margin, cross-entropy"),
        "pml_softtriple": (lambda: _pml("SoftTripleLoss"), emb, "SoftTriple loss: 10 centers per class (32 x 1000), softmax over centers"),
        "pml_large_margin": (lambda: _pml("LargeMarginSoftmaxLoss"), emb, "L-Softmax: cos(m theta) by the Chebyshev expansion, m = 4"),
    }  # fmt: skip


NO_DYNAMO = {
    "pml_large_margin": "not run: torch.onnx.export(dynamo=True) dies with a segmentation fault in torch (run_decompositions, "
                        "a fake-tensor dispatch), taking the child process and the row with it",
}


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__, no_dynamo=NO_DYNAMO)


if __name__ == "__main__":
    sys.exit(main())
