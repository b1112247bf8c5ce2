"""Thirty-seventh blind round (2026-12-06): 3-D deep learning -- point clouds, voxels and video,
NeRF-style fields and camera geometry -- which no earlier round held, each model counted three
ways against torch's own counter, as in crosscheck_timm_sixth.py (the module through
``dscost.analyze``, the TorchScript and the dynamo exporters' files through ``python -m dscost
analyze FILE -f json``).

What it stresses: graphs whose indexing depends on the data.  Point-cloud networks written here
from their papers in pure torch (no CUDA extension installs without CUDA): PointNet (T-Nets
applied by ``bmm``), PointNet++ SSG classification and part segmentation (set abstraction by
farthest-point sampling -- a Python loop of ``max``-argmax steps the exporters unroll --, ball
query by ``sort`` of masked indices, grouping by advanced indexing, feature propagation by 3-NN
``topk`` and inverse-distance weights), DGCNN (EdgeConv on a kNN graph re-built from ``topk`` of
pairwise distances at every layer, neighbours gathered through a flattened index), Point
Transformer (vector attention over kNN neighbours, position MLP, ``einsum`` aggregation,
transition down by FPS + kNN + max), PointMLP (geometric affine of grouped neighbours with a
``torch.std`` over the batch), PointNeXt (ball-query set abstraction with normalized offsets and
InvResMLP blocks), a PointPillars-style scatter (``index_add`` pillar means, ``scatter_reduce``
amax -- or an ``index_add`` sum -- of point features into a BEV canvas, a 2-D backbone), a
submanifold sparse 3-D conv (a ``scatter``-written site grid, 27 neighbour lookups, each times an
``unbind`` slice of one (27, Cin, Cout) weight), KPConv (kernel-point correlations, two
``einsum``s, the second with the kernel weights); torch_geometric's PointNetConv,
EdgeConv made dynamic by a pure-torch kNN (``topk``) and PointTransformerConv (its self-loop
removal is a boolean mask, NonZero), all aggregating with ``scatter_reduce`` (torch_cluster and
torch_scatter do not install without CUDA builds, so torch_geometric falls back to torch);
voxel / video nets: VoxNet, a 3-level 3-D UNet (ConvTranspose3d, skip concatenations),
torchvision's r3d_18, mc3_18, r2plus1d_18 (4 x 56 x 56 clip), s3d (16 x 224 x 224, its smallest),
swin3d_t (4 x 64 x 64: padded 3-D windows) and mvit_v2_s built for a 4 x 64 x 64 clip (its
relative-position tables sized for it); NeRF: the 8-layer 256-wide MLP with a skip and
positional encoding, a coarse-to-fine renderer (alpha compositing by ``exp(-cumsum)``, inverse
transform sampling by ``searchsorted`` + ``gather``, ``sort`` of the merged samples), an
instant-ngp multiresolution hash-grid encoder (8 levels, 2^12 entries, trilinear corners, spatial
hash by int64 products and ``bitwise_xor``, dense indexing on the coarse levels; tiny-cuda-nn is
not available) with its density and colour MLPs; kornia 0.9.0's ``depth_to_3d_v2`` / projection /
``depth_to_normals`` and ``warp_frame_depth`` (``grid_sample`` with depth-derived coordinates);
a SpiralNet++ mesh autoencoder (spiral index gathers, pooling by dense transform matrices).
Shapes shrunk (B 2 x 256 points, 512-1024 rays or samples), random weights, no download.

    python3.11 -m venv /tmp/r37/venv && /tmp/r37/venv/bin/pip install uv
    /tmp/r37/venv/bin/python -m uv pip install --python /tmp/r37/venv/bin/python torch==2.14.1 onnx onnxscript onnxruntime typer rich pydantic pyyaml torchvision
    /tmp/r37/venv/bin/python -m uv pip install --python /tmp/r37/venv/bin/python torch==2.14.1 torch_geometric kornia
    PYTHONPATH=/work/main /tmp/r37/venv/bin/python benchmarks/crosscheck_3d.py [--only a,b] [--json rows.json] [--out DIR]

Each model runs in a child process with a 600 s limit; files go to --out (default /tmp/r37/zoo).

As run (2026-12-06, torch 2.14.1, torchvision 0.29.2, onnx 1.23.2, onnxscript 0.7.2, onnxruntime
1.32.0, torch_geometric 2.8.1, kornia 0.9.0; about 18 min of child processes on 2 cores): 29
models, torch's counter ran on all.  **MACs equal torch's on 26 of 28 module counts, 23 of 24
TorchScript files and 26 of 28 dynamo files** (every file equal with ``--measure-sizes``);
every data-dependent gather, ``topk``, ``sort``, FPS argmax loop, ``scatter`` / ``index_add`` /
``scatter_reduce``, ``grid_sample`` and both kinds of ``einsum`` counted as torch counts them:

- torch_geometric PointNetConv -60,293,120 (module and dynamo file) and PointTransformerConv
  -2,359,296 (all three): their default ``add_self_loops`` first drops the graph's self loops with
  ``edge_index[:, edge_index[0] != edge_index[1]]`` (NonZero), so every message after it has a
  size the graph does not fix; dscost lists them as uncounted (12 and 26-27 nodes, "shapes lost at
  NonZero") and names ``--measure-sizes``, with which the dynamo file of PointNetConv and both files
  of PointTransformerConv count torch's 65,737,728 and 10,449,920 exactly.  EdgeConv (no self-loop
  handling) counts all of it.
- Params in dynamo files, the exporter's rewrites, not dscost's: BatchNorms folded into convs or
  dropped (PointNet -3,712 = every BN's weight and bias; PointNet++ -1,792 / -1,408, DGCNN -1,920,
  PointMLP -1,728, PointNeXt -2,880, PointPillars -640, UNet3D -640, r3d_18 / mc3_18 -10,000,
  r2plus1d_18 -25,750, s3d -21,216, torch_geometric MLPs' norms -192 / -384) and fresh LayerNorms
  merged (swin3d_t -31,216, mvit_v2_s -38,992), each named in a note.
- **dscost miscount, dynamo file of sparse_conv3d -3,328**: the exporter's optimizer folds
  ``c1.weight.unbind(0)`` (27 x 4 x 32, 3,456 elements) into 27 initializers ``getitem_*`` of 128
  each and stores no ``c1.weight``; dscost reads them as "folded from parameters counted already
  (getitem_1 from c1.weight ...), counted as buffers: each parameter is counted once", so counts
  128 of the 3,456 (c2.weight, 55,296 elements, is kept whole and split at run time: counted).
  Disjoint slices of one parameter are not copies of it.  Repro: /tmp/r37/repro/unbind_slices.py
  (a (3, 4, 8) parameter, 96: TorchScript file and module 96, dynamo file 32 + 64 buffers).
  Fixed the same day: tensors folded from one parameter with other Slice bounds (``val_N``) and of
  one size are its parts; the dynamo file counts torch's 59,594 (and the repro's 96).  Of 264
  dynamo files of rounds 27-31 and 34-37, no other count changed.
- TorchScript files count constants in weight positions, the stated convention: SpiralNet++'s
  dense pool / unpool buffers +221,616 (162 x 642 x 2 + 42 x 162 x 2), kornia's pose matrix (+16;
  +512 in ``warp_frame_depth``, which broadcasts it to a (32, 4, 4) Constant) and
  ``depth_to_normals``' fixed Sobel kernel (+18); one-element Linear biases read as literals
  (NeRF's density heads -2).  Params equal on 25 of 28 modules (the other three are the dynamo
  exporter's, taken by the module path), 20 of 24 TorchScript and 10 of 28 dynamo files.

No count (torch's exporters, not dscost): nerf_render (``aten::searchsorted``: neither exporter;
the same model with the indices counted as ``(u >= cdf).sum(-1)``, nerf_render_count, is equal every
way); TorchScript files of PointPillars (``scatter_reduce(include_self=False)``: "ONNX does not
support include_self=False"; its ``index_add`` sum-pooled twin is equal every way), instant-ngp
(``aten::bitwise_xor`` at opset 17) and torch_geometric's max aggregation (PointNetConv, EdgeConv:
its ``scatter`` passes a tensor as ``torch.full``'s fill value under tracing); dscost's module path
takes the dynamo exporter for these four, as it says in a note.  Cosmetic: the dynamo files' notes
list one-element slice bounds as "folded from parameters counted already" with an empty source
("val_8 from , val_12 from ", swin3d_t, mvit_v2_s, r2plus1d_18, s3d), counted as buffers (fixed
the same day: a tensor folded from no parameter is in no such note; the counts were right).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crosscheck_timm_sixth as S  # noqa: E402

DEFAULT_OUT = Path("/tmp/r37/zoo")

B, N = 2, 256  # point clouds: batch, points


def _nn():
    import torch
    from torch import nn
    from torch.nn import functional as F

    return torch, nn, F


# ---------------------------------------------------------------- point-cloud helpers (pure torch)
def square_distance(src, dst):
    """(B, N, C), (B, M, C) -> (B, N, M), as PointNet++'s reference: -2 src dst^T + |src|^2 + |dst|^2."""
    torch, _, _ = _nn()
    d = -2 * torch.matmul(src, dst.transpose(1, 2))
    d = d + (src**2).sum(-1, keepdim=True)
    return d + (dst**2).sum(-1).unsqueeze(1)


def index_points(points, idx):
    """points (B, N, C), idx (B, S) or (B, S, K) -> (B, S[, K], C) by advanced indexing."""
    torch, _, _ = _nn()
    b = points.shape[0]
    batch = torch.arange(b).view(b, *([1] * (idx.dim() - 1))).expand_as(idx)
    return points[batch, idx]


def farthest_point_sample(xyz, npoint: int):
    """FPS from point 0 (the reference starts at a random point): npoint steps of min / argmax."""
    torch, _, _ = _nn()
    b, n, _ = xyz.shape
    batch = torch.arange(b)
    distance = torch.full((b, n), 1e10)
    farthest = torch.zeros(b, dtype=torch.long)
    out = []
    for _ in range(npoint):
        out.append(farthest)
        centroid = xyz[batch, farthest].unsqueeze(1)
        distance = torch.minimum(distance, ((xyz - centroid) ** 2).sum(-1))
        farthest = distance.max(-1)[1]
    return torch.stack(out, 1)


def query_ball_point(radius: float, nsample: int, xyz, new_xyz):
    """Ball query as PointNet++'s reference: indices past the radius set to N, sorted, the first
    nsample kept, the missing ones replaced by the first found."""
    torch, _, _ = _nn()
    b, n, _ = xyz.shape
    s = new_xyz.shape[1]
    sqr = square_distance(new_xyz, xyz)
    idx = torch.arange(n).view(1, 1, n).expand(b, s, n)
    idx = torch.where(sqr > radius**2, torch.full_like(idx, n), idx)
    idx = idx.sort(dim=-1)[0][:, :, :nsample]
    first = idx[:, :, :1].expand(-1, -1, nsample)
    return torch.where(idx == n, first, idx)


def knn_idx(xyz, new_xyz, k: int):
    return square_distance(new_xyz, xyz).topk(k, dim=-1, largest=False)[1]


def _mlp2d(cin: int, widths: list[int]):
    _, nn, _ = _nn()
    layers = []
    for w in widths:
        layers += [nn.Conv2d(cin, w, 1), nn.BatchNorm2d(w), nn.ReLU()]
        cin = w
    return nn.Sequential(*layers)


def _mlp1d(cin: int, widths: list[int]):
    _, nn, _ = _nn()
    layers = []
    for w in widths:
        layers += [nn.Conv1d(cin, w, 1), nn.BatchNorm1d(w), nn.ReLU()]
        cin = w
    return nn.Sequential(*layers)


# ---------------------------------------------------------------- PointNet, PointNet++
def pointnet():
    """PointNet classification (Qi et al. 2017) at widths 64-128-256: input and feature T-Nets
    (a 3 x 3 and a 64 x 64 transform regressed and applied by ``bmm``), max pool, 3 FCs; (B, 3, N)."""
    torch, nn, F = _nn()

    class TNet(nn.Module):
        def __init__(self, k):
            super().__init__()
            self.k = k
            self.feat = _mlp1d(k, [64, 128, 256])
            self.fc = nn.Sequential(nn.Linear(256, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, k * k))

        def forward(self, x):
            y = self.fc(self.feat(x).max(2)[0])
            return y.view(-1, self.k, self.k) + torch.eye(self.k)

    class PointNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.stn, self.fstn = TNet(3), TNet(64)
            self.c1 = _mlp1d(3, [64])
            self.c2 = _mlp1d(64, [128, 256])
            self.head = nn.Sequential(nn.Linear(256, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.4), nn.Linear(128, 40))

        def forward(self, x):
            x = torch.bmm(x.transpose(1, 2), self.stn(x)).transpose(1, 2)
            x = self.c1(x)
            x = torch.bmm(x.transpose(1, 2), self.fstn(x)).transpose(1, 2)
            return self.head(self.c2(x).max(2)[0])

    return PointNet()


def _sa_fp():
    torch, nn, F = _nn()

    class SetAbstraction(nn.Module):
        def __init__(self, npoint, radius, nsample, cin, widths, group_all=False):
            super().__init__()
            self.npoint, self.radius, self.nsample, self.group_all = npoint, radius, nsample, group_all
            self.mlp = _mlp2d(cin + 3, widths)

        def forward(self, xyz, points):
            if self.group_all:
                new_xyz = xyz.new_zeros(xyz.shape[0], 1, 3)
                g = torch.cat([xyz, points], -1).unsqueeze(1) if points is not None else xyz.unsqueeze(1)  # (B, 1, N, C)
            else:
                new_xyz = index_points(xyz, farthest_point_sample(xyz, self.npoint))
                idx = query_ball_point(self.radius, self.nsample, xyz, new_xyz)
                g = index_points(xyz, idx) - new_xyz.unsqueeze(2)
                if points is not None:
                    g = torch.cat([g, index_points(points, idx)], -1)
            x = self.mlp(g.permute(0, 3, 2, 1)).max(2)[0]  # (B, C, S)
            return new_xyz, x.transpose(1, 2)

    class FeaturePropagation(nn.Module):
        def __init__(self, cin, widths):
            super().__init__()
            self.mlp = _mlp1d(cin, widths)

        def forward(self, xyz1, xyz2, points1, points2):
            d, idx = square_distance(xyz1, xyz2).topk(3, dim=-1, largest=False)
            w = 1.0 / (d + 1e-8)
            w = w / w.sum(-1, keepdim=True)
            x = (index_points(points2, idx) * w.unsqueeze(-1)).sum(2)
            if points1 is not None:
                x = torch.cat([points1, x], -1)
            return self.mlp(x.transpose(1, 2)).transpose(1, 2)

    return SetAbstraction, FeaturePropagation


def pointnet2(task: str):
    """PointNet++ SSG (Qi et al. 2017b): SA(64 centroids, r 0.5, 16) -> SA(16, r 1.0, 16) ->
    group-all SA, 3 FCs ("cls"); or the two SAs, two feature propagations (3-NN inverse-distance
    interpolation) and a per-point head of 13 classes ("seg"); xyz (B, N, 3)."""
    torch, nn, F = _nn()
    SA, FP = _sa_fp()

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.sa1 = SA(64, 0.5, 16, 0, [32, 32, 64])
            self.sa2 = SA(16, 1.0, 16, 64, [64, 64, 128])
            if task == "cls":
                self.sa3 = SA(None, None, None, 128, [128, 256], group_all=True)
                self.head = nn.Sequential(nn.Linear(256, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 40))
            else:
                self.fp2 = FP(128 + 64, [128, 64])
                self.fp1 = FP(64 + 3, [64, 64])
                self.head = nn.Conv1d(64, 13, 1)

        def forward(self, xyz):
            l1_xyz, l1 = self.sa1(xyz, None)
            l2_xyz, l2 = self.sa2(l1_xyz, l1)
            if task == "cls":
                return self.head(self.sa3(l2_xyz, l2)[1].flatten(1))
            l1 = self.fp2(l1_xyz, l2_xyz, l1, l2)
            l0 = self.fp1(xyz, l1_xyz, xyz, l1)
            return self.head(l0.transpose(1, 2))

    return Net()


# ---------------------------------------------------------------- DGCNN
def dgcnn():
    """DGCNN (Wang et al. 2019) at k 16: four EdgeConvs, each on a kNN graph re-built from the
    features (``topk`` of -|xi - xj|^2 written as a matmul), neighbours gathered through a
    flattened index, [xj - xi, xi] -> Conv2d -> max over k; Conv1d 256 embedding, max + mean
    pool, 3 FCs; (B, 3, N)."""
    torch, nn, F = _nn()
    K = 16

    def knn(x, k):
        inner = -2 * torch.matmul(x.transpose(2, 1), x)
        xx = (x**2).sum(1, keepdim=True)
        return (-xx - inner - xx.transpose(2, 1)).topk(k, dim=-1)[1]

    def graph_feature(x, k):
        b, c, n = x.shape
        idx = (knn(x, k) + torch.arange(b).view(-1, 1, 1) * n).view(-1)
        xt = x.transpose(2, 1).contiguous()
        f = xt.view(b * n, -1)[idx, :].view(b, n, k, c)
        xc = xt.view(b, n, 1, c).expand(-1, -1, k, -1)
        return torch.cat((f - xc, xc), 3).permute(0, 3, 1, 2).contiguous()

    def block(cin, cout):
        return nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(0.2))

    class DGCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.e = nn.ModuleList([block(6, 64), block(128, 64), block(128, 64), block(128, 128)])
            self.emb = nn.Sequential(nn.Conv1d(320, 256, 1, bias=False), nn.BatchNorm1d(256), nn.LeakyReLU(0.2))
            self.head = nn.Sequential(nn.Linear(512, 256, bias=False), nn.BatchNorm1d(256), nn.LeakyReLU(0.2), nn.Dropout(0.5),
                                      nn.Linear(256, 128), nn.BatchNorm1d(128), nn.LeakyReLU(0.2), nn.Linear(128, 40))  # fmt: skip

        def forward(self, x):
            outs = []
            for e in self.e:
                x = e(graph_feature(x, K)).max(-1)[0]
                outs.append(x)
            x = self.emb(torch.cat(outs, 1))
            return self.head(torch.cat([x.max(-1)[0], x.mean(-1)], 1))

    return DGCNN()


# ---------------------------------------------------------------- Point Transformer, PointMLP, PointNeXt
def point_transformer():
    """Point Transformer (Zhao et al. 2021), small: Linear stem 3 -> 32, blocks of vector
    self-attention over 16 kNN neighbours (q - k + pos-MLP(pi - pj) -> gamma MLP -> softmax over the
    neighbours -> ``einsum`` with v + pos), transition down (FPS to N/4, kNN 16, [xyz_j - xyz_i, f_j]
    -> Linear + BN -> max), 3 stages 32 / 64 / 128, mean pool, head; xyz (B, N, 3)."""
    torch, nn, F = _nn()
    K = 16

    class PTLayer(nn.Module):
        def __init__(self, d):
            super().__init__()
            self.q, self.k, self.v = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
            self.pos = nn.Sequential(nn.Linear(3, d), nn.ReLU(), nn.Linear(d, d))
            self.gamma = nn.Sequential(nn.Linear(d, d), nn.ReLU(), nn.Linear(d, d))
            self.scale = d**-0.5

        def forward(self, xyz, x):
            idx = knn_idx(xyz, xyz, K)
            q, k, v = self.q(x), index_points(self.k(x), idx), index_points(self.v(x), idx)
            pos = self.pos(xyz.unsqueeze(2) - index_points(xyz, idx))
            a = (self.gamma(q.unsqueeze(2) - k + pos) * self.scale).softmax(dim=2)
            return torch.einsum("bnkc,bnkc->bnc", a, v + pos)

    class PTBlock(nn.Module):
        def __init__(self, d):
            super().__init__()
            self.fc1, self.attn, self.fc2 = nn.Linear(d, d), PTLayer(d), nn.Linear(d, d)

        def forward(self, xyz, x):
            return x + self.fc2(F.relu(self.attn(xyz, self.fc1(x))))

    class TransitionDown(nn.Module):
        def __init__(self, cin, cout, ratio=4):
            super().__init__()
            self.ratio = ratio
            self.fc = nn.Linear(cin + 3, cout, bias=False)
            self.bn = nn.BatchNorm2d(cout)

        def forward(self, xyz, x):
            new_xyz = index_points(xyz, farthest_point_sample(xyz, xyz.shape[1] // self.ratio))
            idx = knn_idx(xyz, new_xyz, K)
            g = torch.cat([index_points(xyz, idx) - new_xyz.unsqueeze(2), index_points(x, idx)], -1)
            g = F.relu(self.bn(self.fc(g).permute(0, 3, 1, 2)))
            return new_xyz, g.max(-1)[0].transpose(1, 2)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Linear(3, 32), nn.ReLU())
            self.b1 = PTBlock(32)
            self.t1, self.b2 = TransitionDown(32, 64), PTBlock(64)
            self.t2, self.b3 = TransitionDown(64, 128), PTBlock(128)
            self.head = nn.Sequential(nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 40))

        def forward(self, xyz):
            x = self.b1(xyz, self.stem(xyz))
            xyz, x = self.t1(xyz, x)
            x = self.b2(xyz, x)
            xyz, x = self.t2(xyz, x)
            return self.head(self.b3(xyz, x).mean(1))

    return Net()


def pointmlp():
    """PointMLP (Ma et al. 2022), elite-like and small: Conv1d embedding 3 -> 32, two stages of
    (local grouper: FPS to N/2 and N/4, kNN 16, anchor normalization by one ``torch.std`` over each
    cloud, learnable alpha / beta affine, concat anchor) -> pre-extraction (transfer Conv1d + a
    residual ConvBNReLURes1D block on (B S, C, K), max over K) -> pos-extraction (a residual block),
    max pool, classifier; xyz (B, N, 3)."""
    torch, nn, F = _nn()
    K = 16

    class CBR(nn.Sequential):
        def __init__(self, cin, cout):
            super().__init__(nn.Conv1d(cin, cout, 1, bias=False), nn.BatchNorm1d(cout), nn.ReLU())

    class Res(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.net1 = CBR(c, c // 2)
            self.net2 = nn.Sequential(nn.Conv1d(c // 2, c, 1, bias=False), nn.BatchNorm1d(c))

        def forward(self, x):
            return F.relu(self.net2(self.net1(x)) + x)

    class Grouper(nn.Module):
        def __init__(self, c, groups):
            super().__init__()
            self.groups = groups
            self.alpha = nn.Parameter(torch.ones(1, 1, 1, c + 3))
            self.beta = nn.Parameter(torch.zeros(1, 1, 1, c + 3))

        def forward(self, xyz, f):  # f (B, N, C)
            b = xyz.shape[0]
            fps = farthest_point_sample(xyz, self.groups)
            new_xyz, new_f = index_points(xyz, fps), index_points(f, fps)
            idx = knn_idx(xyz, new_xyz, K)
            g = torch.cat([index_points(f, idx), index_points(xyz, idx)], -1)
            mean = torch.cat([new_f, new_xyz], -1).unsqueeze(2)
            std = torch.std((g - mean).reshape(b, -1), dim=-1, keepdim=True).unsqueeze(-1).unsqueeze(-1)
            g = self.alpha * ((g - mean) / (std + 1e-5)) + self.beta
            return new_xyz, torch.cat([g, new_f.unsqueeze(2).expand(-1, -1, K, -1)], -1)  # (B, S, K, 2C + 3)

    class Stage(nn.Module):
        def __init__(self, cin, cout, groups):
            super().__init__()
            self.grouper = Grouper(cin, groups)
            self.transfer = CBR(2 * cin + 3, cout)
            self.pre = Res(cout)
            self.pos = Res(cout)

        def forward(self, xyz, f):
            xyz, g = self.grouper(xyz, f)
            b, s, k, c = g.shape
            x = self.pre(self.transfer(g.reshape(b * s, k, c).transpose(1, 2)))  # (B S, C', K)
            x = x.max(-1)[0].view(b, s, -1).transpose(1, 2)
            return xyz, self.pos(x).transpose(1, 2)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = CBR(3, 32)
            self.s1, self.s2 = Stage(32, 64, N // 2), Stage(64, 128, N // 4)
            self.head = nn.Sequential(nn.Linear(128, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 40))

        def forward(self, xyz):
            f = self.emb(xyz.transpose(1, 2)).transpose(1, 2)
            xyz, f = self.s1(xyz, f)
            xyz, f = self.s2(xyz, f)
            return self.head(f.max(1)[0])

    return Net()


def pointnext():
    """PointNeXt-S-like (Qian et al. 2022): Conv1d stem 3 -> 32, two stages of set abstraction
    (FPS to N/4, ball query 16 with radius r, offsets divided by r, [dp, f_j] -> Conv2d + BN -> max)
    followed by an InvResMLP block (ball-query local aggregation of the stage's own points, then a
    pointwise 4x inverted bottleneck, residual); radius doubling per stage, max pool, head."""
    torch, nn, F = _nn()

    class SA(nn.Module):
        def __init__(self, cin, cout, radius, stride):
            super().__init__()
            self.r, self.stride = radius, stride
            self.mlp = _mlp2d(cin + 3, [cout])

        def forward(self, xyz, f):  # f (B, C, N)
            new_xyz = xyz if self.stride == 1 else index_points(xyz, farthest_point_sample(xyz, xyz.shape[1] // self.stride))
            idx = query_ball_point(self.r, 16, xyz, new_xyz)
            dp = (index_points(xyz, idx) - new_xyz.unsqueeze(2)) / self.r
            g = torch.cat([dp, index_points(f.transpose(1, 2), idx)], -1).permute(0, 3, 1, 2)
            return new_xyz, self.mlp(g).max(-1)[0]

    class InvRes(nn.Module):
        def __init__(self, c, radius):
            super().__init__()
            self.la = SA(c, c, radius, 1)
            self.pw = nn.Sequential(nn.Conv1d(c, 4 * c, 1, bias=False), nn.BatchNorm1d(4 * c), nn.ReLU(), nn.Conv1d(4 * c, c, 1, bias=False), nn.BatchNorm1d(c))

        def forward(self, xyz, f):
            return F.relu(self.pw(self.la(xyz, f)[1]) + f)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv1d(3, 32, 1), nn.BatchNorm1d(32), nn.ReLU())
            self.sa1, self.ir1 = SA(32, 64, 0.3, 4), InvRes(64, 0.6)
            self.sa2, self.ir2 = SA(64, 128, 0.6, 4), InvRes(128, 1.2)
            self.head = nn.Sequential(nn.Linear(128, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 40))

        def forward(self, xyz):
            f = self.stem(xyz.transpose(1, 2))
            xyz, f = self.sa1(xyz, f)
            f = self.ir1(xyz, f)
            xyz, f = self.sa2(xyz, f)
            f = self.ir2(xyz, f)
            return self.head(f.max(-1)[0])

    return Net()


def pointpillars(pool: str = "amax"):
    """A PointPillars-style encoder (Lang et al. 2019): 1024 points (x, y, z, r) binned into a
    32 x 32 pillar grid (floor, clamp, flat index), per-pillar means by ``index_add`` of coordinates
    and counts, point features [p, p - mean[pillar]] -> Linear + BN + ReLU (64), pillar max by
    ``scatter_reduce(amax)`` into the BEV canvas, then a 2-D backbone (two stride-2 conv blocks, a
    transposed conv back up, a 1 x 1 head); points (1024, 4).  ``pool`` "sum": the canvas by
    ``index_add`` (a sum pool, which the TorchScript exporter can write: ScatterND add) instead of
    ``scatter_reduce(amax, include_self=False)``, which it refuses."""
    torch, nn, F = _nn()
    G = 32

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.pfn = nn.Linear(7, 64, bias=False)
            self.bn = nn.BatchNorm1d(64)
            self.b1 = nn.Sequential(nn.Conv2d(64, 64, 3, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU())
            self.b2 = nn.Sequential(nn.Conv2d(64, 128, 3, 2, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU())
            self.up = nn.Sequential(nn.ConvTranspose2d(128, 64, 2, 2, bias=False), nn.BatchNorm2d(64), nn.ReLU())
            self.head = nn.Conv2d(128, 14, 1)

        def forward(self, pts):
            xyz = pts[:, :3]
            cell = ((xyz[:, :2] + 3.0) / 6.0 * G).floor().long().clamp(0, G - 1)
            flat = cell[:, 1] * G + cell[:, 0]
            counts = torch.zeros(G * G).index_add(0, flat, torch.ones(pts.shape[0]))
            sums = torch.zeros(G * G, 3).index_add(0, flat, xyz)
            mean = sums / counts.clamp(min=1).unsqueeze(1)
            f = torch.cat([pts, xyz - mean[flat]], 1)
            f = F.relu(self.bn(self.pfn(f)))
            if pool == "amax":
                canvas = torch.zeros(G * G, 64).scatter_reduce(0, flat.unsqueeze(1).expand(-1, 64), f, "amax", include_self=False)
            else:
                canvas = torch.zeros(G * G, 64).index_add(0, flat, f)
            x = canvas.t().reshape(1, 64, G, G)
            y = self.b1(x)
            return self.head(torch.cat([y, self.up(self.b2(y))], 1))

    return Net()


def sparse_conv3d():
    """Submanifold sparse 3-D convolution (as MinkowskiEngine / torchsparse compute it) in pure
    torch: 1024 points (x, y, z, r) voxelized to a 16^3 grid, every point a site (duplicates kept:
    no ``unique``), a dense grid of site indices written by ``scatter`` (-1 where empty), then per
    3 x 3 x 3 offset: neighbour lookup in the grid, ``index_select`` of the neighbours' features,
    zeroed where empty, times that offset's slice of a (27, Cin, Cout) weight (``matmul``), summed;
    two layers 4 -> 32 -> 64 with BatchNorm, a global max and a Linear head."""
    torch, nn, F = _nn()
    G = 16
    offs = [(i, j, k) for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)]

    class SubMConv(nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.weight = nn.Parameter(torch.randn(27, cin, cout) / math.sqrt(27 * cin))
            self.bn = nn.BatchNorm1d(cout)

        def forward(self, f, coords, grid):
            out = 0
            for w, (i, j, k) in zip(self.weight.unbind(0), offs):
                c = coords + torch.tensor([i, j, k])
                inside = ((c >= 0) & (c < G)).all(-1)
                c = c.clamp(0, G - 1)
                nb = grid[(c[:, 0] * G + c[:, 1]) * G + c[:, 2]]
                nb = torch.where(inside, nb, torch.full_like(nb, -1))
                g = f.index_select(0, nb.clamp(min=0)) * (nb >= 0).unsqueeze(1).to(f.dtype)
                out = out + torch.matmul(g, w)
            return F.relu(self.bn(out))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1, self.c2 = SubMConv(4, 32), SubMConv(32, 64)
            self.head = nn.Linear(64, 10)

        def forward(self, pts):
            coords = ((pts[:, :3] + 3.0) / 6.0 * G).floor().long().clamp(0, G - 1)
            flat = (coords[:, 0] * G + coords[:, 1]) * G + coords[:, 2]
            grid = torch.full((G**3,), -1, dtype=torch.long).scatter(0, flat, torch.arange(pts.shape[0]))
            f = self.c2(self.c1(pts, coords, grid), coords, grid)
            return self.head(f.max(0)[0])

    return Net()


def kpconv():
    """KPConv (Thomas et al. 2019), rigid, small: kNN 16 neighbours (``topk``), 15 kernel points (a
    fixed buffer) with linear correlation ``relu(1 - |p_j - p_i - x_k| / sigma)``, features
    weighted by ``einsum("bnkp,bnkc->bnpc")`` then ``einsum("bnpc,pcd->bnd")`` with the (15, Cin,
    Cout) kernel weights; two layers 3 -> 32 -> 64 (BatchNorm, LeakyReLU), the second after FPS to
    N / 4, a global max and a Linear head; xyz (B, N, 3)."""
    torch, nn, F = _nn()
    K, P = 16, 15

    class KPConv(nn.Module):
        def __init__(self, cin, cout, sigma):
            super().__init__()
            self.sigma = sigma
            self.register_buffer("kp", torch.randn(P, 3, generator=torch.Generator().manual_seed(2)) * sigma, persistent=False)
            self.weight = nn.Parameter(torch.randn(P, cin, cout) / math.sqrt(P * cin))
            self.bn = nn.BatchNorm1d(cout)

        def forward(self, xyz, new_xyz, f):
            idx = knn_idx(xyz, new_xyz, K)
            rel = index_points(xyz, idx) - new_xyz.unsqueeze(2)  # (B, S, K, 3)
            d = (rel.unsqueeze(3) - self.kp).norm(dim=-1)  # (B, S, K, P)
            infl = F.relu(1.0 - d / self.sigma)
            w = torch.einsum("bnkp,bnkc->bnpc", infl, index_points(f, idx))
            out = torch.einsum("bnpc,pcd->bnd", w, self.weight)
            return F.leaky_relu(self.bn(out.transpose(1, 2)), 0.1).transpose(1, 2)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.k1, self.k2 = KPConv(3, 32, 0.5), KPConv(32, 64, 1.0)
            self.head = nn.Linear(64, 40)

        def forward(self, xyz):
            f = self.k1(xyz, xyz, xyz)
            new_xyz = index_points(xyz, farthest_point_sample(xyz, xyz.shape[1] // 4))
            return self.head(self.k2(xyz, new_xyz, f).max(1)[0])

    return Net()


# ---------------------------------------------------------------- torch_geometric (pure-torch kNN)
def _knn_edges(pos, k: int, loop: bool = True):
    """(2, N k) edge_index (source = neighbour j, target = i) from ``topk`` of pairwise distances of
    one cloud (N, C): torch_cluster's ``knn_graph`` without torch_cluster."""
    torch, _, _ = _nn()
    n = pos.shape[0]
    d = square_distance(pos.unsqueeze(0), pos.unsqueeze(0))[0]
    if not loop:
        d = d + torch.eye(n) * 1e10
    j = d.topk(k, dim=-1, largest=False)[1].reshape(-1)
    i = torch.arange(n).repeat_interleave(k)
    return torch.stack([j, i], 0)


def pyg(kind: str):
    """torch_geometric 2.8.1 point layers on one cloud of 256 points (pos (N, 3)) with a
    pure-torch kNN graph (k 16): PointNetConv (local MLP [6, 32, 64] of [x_j, pos_j - pos_i], max,
    global MLP 64 -> 64; two layers, the second on a FPS-free stride-1 graph), EdgeConv made dynamic
    (the graph rebuilt from the features before the second layer: DynamicEdgeConv without
    torch_cluster) and PointTransformerConv (its default ``add_self_loops`` removes the graph's self
    loops by a boolean mask, then adds them back); a global max pool and a Linear head."""
    torch, nn, F = _nn()
    from torch_geometric.nn import MLP, EdgeConv, PointNetConv, PointTransformerConv

    K = 16

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            if kind == "pointnetconv":
                self.c1 = PointNetConv(MLP([3 + 3, 32, 64]), MLP([64, 64]))
                self.c2 = PointNetConv(MLP([64 + 3, 64, 128]), MLP([128, 128]))
                cout = 128
            elif kind == "edgeconv":
                self.c1 = EdgeConv(MLP([2 * 3, 64, 64]), aggr="max")
                self.c2 = EdgeConv(MLP([2 * 64, 128, 128]), aggr="max")
                cout = 128
            else:
                self.lin = nn.Linear(3, 32)
                self.c1 = PointTransformerConv(32, 64)
                self.c2 = PointTransformerConv(64, 128)
                cout = 128
            self.head = nn.Linear(cout, 40)

        def forward(self, pos):
            e = _knn_edges(pos, K)
            if kind == "pointnetconv":
                x = self.c1(pos, pos, e)
                x = self.c2(x, pos, e)
            elif kind == "edgeconv":
                x = self.c1(pos, e)
                x = self.c2(x, _knn_edges(x, K))  # dynamic: kNN in feature space
            else:
                x = self.c1(self.lin(pos), pos, e)
                x = self.c2(x, pos, e)
            return self.head(x.max(0)[0])

    return Net()


# ---------------------------------------------------------------- voxels and video
def voxnet():
    """VoxNet (Maturana and Scherer 2015): Conv3d(1, 32, 5, stride 2) -> Conv3d(32, 32, 3) ->
    MaxPool3d(2) -> FC 128 -> FC 10, on 2 occupancy grids of 32^3."""
    _, nn, _ = _nn()
    return nn.Sequential(nn.Conv3d(1, 32, 5, 2), nn.LeakyReLU(0.1), nn.Dropout(0.2), nn.Conv3d(32, 32, 3), nn.LeakyReLU(0.1),
                         nn.MaxPool3d(2), nn.Dropout(0.3), nn.Flatten(), nn.Linear(32 * 6 * 6 * 6, 128), nn.ReLU(), nn.Linear(128, 10))  # fmt: skip


def unet3d():
    """A 3-D UNet (Cicek et al. 2016), 3 levels 16 / 32 / 64: double Conv3d + BN + ReLU blocks,
    MaxPool3d, ConvTranspose3d(2, stride 2) up, skip concatenation, a 1 x 1 x 1 head of 3 classes;
    one 32^3 volume."""
    torch, nn, F = _nn()

    def dbl(cin, cout):
        return nn.Sequential(nn.Conv3d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm3d(cout), nn.ReLU(),
                             nn.Conv3d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm3d(cout), nn.ReLU())  # fmt: skip

    class UNet3D(nn.Module):
        def __init__(self):
            super().__init__()
            self.e1, self.e2, self.bott = dbl(1, 16), dbl(16, 32), dbl(32, 64)
            self.u2, self.d2 = nn.ConvTranspose3d(64, 32, 2, 2), dbl(64, 32)
            self.u1, self.d1 = nn.ConvTranspose3d(32, 16, 2, 2), dbl(32, 16)
            self.head = nn.Conv3d(16, 3, 1)

        def forward(self, x):
            a = self.e1(x)
            b = self.e2(F.max_pool3d(a, 2))
            c = self.bott(F.max_pool3d(b, 2))
            b = self.d2(torch.cat([self.u2(c), b], 1))
            return self.head(self.d1(torch.cat([self.u1(b), a], 1)))

    return UNet3D()


def tv_video(name: str):
    """torchvision 0.29's video classifiers, random weights; mvit_v2_s built for a 4 x 64 x 64
    clip (``_mvit``'s spatial_size / temporal_size: its relative-position tables sized for it)."""
    import torchvision.models.video as V

    if name == "mvit_v2_s":
        import torchvision.models.video.mvit as M

        real = M._mvit

        def small(**kw):
            kw.update(spatial_size=(64, 64), temporal_size=4)
            return real(**kw)

        M._mvit = small
        try:
            return M.mvit_v2_s()
        finally:
            M._mvit = real
    return getattr(V, name)()


# ---------------------------------------------------------------- NeRF
def _posenc(x, L: int):
    """NeRF's positional encoding: [x, sin(2^k x), cos(2^k x)] for k < L."""
    torch, _, _ = _nn()
    out = [x]
    for k in range(L):
        out += [torch.sin((2.0**k) * x), torch.cos((2.0**k) * x)]
    return torch.cat(out, -1)


def _nerf_mlp(D: int, W: int, skip: int, Lx: int, Ld: int):
    torch, nn, F = _nn()
    cx, cd = 3 + 6 * Lx, 3 + 6 * Ld

    class NeRF(nn.Module):
        def __init__(self):
            super().__init__()
            self.pts = nn.ModuleList([nn.Linear(cx, W)] + [nn.Linear(W + cx if i == skip else W, W) for i in range(1, D)])
            self.sigma, self.feat = nn.Linear(W, 1), nn.Linear(W, W)
            self.views = nn.Linear(W + cd, W // 2)
            self.rgb = nn.Linear(W // 2, 3)

        def forward(self, x, d):
            ex, ed = _posenc(x, Lx), _posenc(d / d.norm(dim=-1, keepdim=True), Ld)
            h = ex
            for i, l in enumerate(self.pts):
                if i == skip:
                    h = torch.cat([ex, h], -1)
                h = F.relu(l(h))
            rgb = torch.sigmoid(self.rgb(F.relu(self.views(torch.cat([self.feat(h), ed], -1)))))
            return torch.cat([rgb, self.sigma(h)], -1)

    return NeRF()


def nerf_mlp():
    """The NeRF MLP (Mildenhall et al. 2020): 8 layers of 256, the input re-concatenated at layer
    4, density head, 256 feature, view-direction layer of 128, RGB; positional encoding L 10 for
    points, 4 for (normalised) directions; 1024 samples."""
    return _nerf_mlp(8, 256, 4, 10, 4)


def nerf_render(search: str = "searchsorted"):
    """A coarse-to-fine NeRF renderer: 512 rays (origins, directions), 32 stratified (fixed)
    depths in [2, 6], a coarse MLP (4 x 64, skip at 2, L 6 / 2), alpha compositing with
    transmittance ``exp(-cumsum)``, 32 fine depths by inverse transform sampling of the coarse
    weights (``cumsum`` cdf, ``searchsorted``, ``gather`` of bins, linear interpolation at fixed u),
    ``sort`` of the 64 merged depths, the fine MLP, compositing again: RGB and depth.  ``search``
    "count": the sampling indices as ``(u >= cdf).sum(-1)`` instead of ``searchsorted``, which
    neither exporter converts."""
    torch, nn, F = _nn()
    NC, NF = 32, 32

    def composite(raw, z, d):
        delta = torch.cat([z[:, 1:] - z[:, :-1], torch.full_like(z[:, :1], 1e10)], -1) * d.norm(dim=-1, keepdim=True)
        sd = F.relu(raw[..., 3]) * delta
        alpha = 1.0 - torch.exp(-sd)
        trans = torch.exp(-torch.cat([torch.zeros_like(sd[:, :1]), torch.cumsum(sd, -1)[:, :-1]], -1))
        w = alpha * trans
        return (w.unsqueeze(-1) * raw[..., :3]).sum(1), (w * z).sum(1), w

    def sample_pdf(bins, weights, n):
        weights = weights + 1e-5
        cdf = torch.cumsum(weights / weights.sum(-1, keepdim=True), -1)
        cdf = torch.cat([torch.zeros_like(cdf[:, :1]), cdf], -1)
        u = torch.linspace(0.0, 1.0, n).expand(cdf.shape[0], n).contiguous()
        if search == "searchsorted":
            inds = torch.searchsorted(cdf, u, right=True)
        else:  # the same indices by counting (u >= cdf): what exportable NeRF code writes
            inds = (u.unsqueeze(-1) >= cdf.unsqueeze(1)).sum(-1)
        g = torch.stack([(inds - 1).clamp(min=0), inds.clamp(max=cdf.shape[-1] - 1)], -1)
        shape = [cdf.shape[0], n, cdf.shape[-1]]
        cdf_g = torch.gather(cdf.unsqueeze(1).expand(shape), 2, g)
        bins_g = torch.gather(bins.unsqueeze(1).expand(shape), 2, g)
        denom = cdf_g[..., 1] - cdf_g[..., 0]
        denom = torch.where(denom < 1e-5, torch.ones_like(denom), denom)
        return bins_g[..., 0] + (u - cdf_g[..., 0]) / denom * (bins_g[..., 1] - bins_g[..., 0])

    class Renderer(nn.Module):
        def __init__(self):
            super().__init__()
            self.coarse, self.fine = _nerf_mlp(4, 64, 2, 6, 2), _nerf_mlp(4, 64, 2, 6, 2)
            self.register_buffer("t", torch.linspace(2.0, 6.0, NC), persistent=False)

        def run(self, mlp, o, d, z):
            pts = o.unsqueeze(1) + d.unsqueeze(1) * z.unsqueeze(-1)
            return mlp(pts, d.unsqueeze(1).expand_as(pts))

        def forward(self, rays_o, rays_d):
            z = self.t.expand(rays_o.shape[0], NC)
            _, _, w = composite(self.run(self.coarse, rays_o, rays_d, z), z, rays_d)
            mids = 0.5 * (z[:, 1:] + z[:, :-1])
            zf = sample_pdf(mids, w[:, 1:-1], NF).detach()
            z = torch.sort(torch.cat([z, zf], -1), -1)[0]
            rgb, depth, _ = composite(self.run(self.fine, rays_o, rays_d, z), z, rays_d)
            return torch.cat([rgb, depth.unsqueeze(-1)], -1)

    return Renderer()


def hashgrid():
    """instant-ngp (Mueller et al. 2022) in pure torch (tiny-cuda-nn is not available): 8 levels
    from 16 to 16 x 1.5^7 cells, 2^12 entries of 2 features a level (one Embedding table each),
    points squashed to [0, 1] by a sigmoid, the 8 corners of each cell indexed densely where
    (res+1)^3 fits the table and by the spatial hash (x * 1) ^ (y * 2654435761) ^ (z * 805459861)
    mod 2^12 elsewhere, trilinear weights; density MLP 16 -> 64 -> 16 (SH-free: the colour MLP
    takes the 15 geometry features and the encoded direction, 64 -> 64 -> 3); 2048 points."""
    torch, nn, F = _nn()
    L, T, FE, BASE, SCALE = 8, 2**12, 2, 16, 1.5

    class HashGrid(nn.Module):
        def __init__(self):
            super().__init__()
            self.tables = nn.ModuleList([nn.Embedding(T, FE) for _ in range(L)])
            for t in self.tables:
                nn.init.uniform_(t.weight, -1e-4, 1e-4)
            self.res = [int(math.floor(BASE * SCALE**i)) for i in range(L)]
            self.register_buffer("corners", torch.tensor([[i >> 2 & 1, i >> 1 & 1, i & 1] for i in range(8)]), persistent=False)

        def forward(self, x):  # x in [0, 1]^3, (P, 3)
            outs = []
            for res, table in zip(self.res, self.tables):
                pos = x * res
                p0 = pos.floor()
                frac = pos - p0
                c = p0.long().unsqueeze(1) + self.corners  # (P, 8, 3)
                if (res + 1) ** 3 <= T:
                    idx = c[..., 0] + c[..., 1] * (res + 1) + c[..., 2] * (res + 1) ** 2
                else:
                    idx = torch.bitwise_xor(torch.bitwise_xor(c[..., 0], c[..., 1] * 2654435761), c[..., 2] * 805459861) % T
                w = torch.where(self.corners.bool(), frac.unsqueeze(1), 1.0 - frac.unsqueeze(1)).prod(-1)  # (P, 8)
                outs.append((table(idx) * w.unsqueeze(-1)).sum(1))
            return torch.cat(outs, -1)

    class NGP(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = HashGrid()
            self.density = nn.Sequential(nn.Linear(L * FE, 64), nn.ReLU(), nn.Linear(64, 16))
            self.color = nn.Sequential(nn.Linear(15 + 3 + 6 * 4, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))

        def forward(self, x, d):
            h = self.density(self.enc(torch.sigmoid(x)))
            rgb = torch.sigmoid(self.color(torch.cat([h[:, 1:], _posenc(d / d.norm(dim=-1, keepdim=True), 4)], -1)))
            return torch.cat([rgb, torch.exp(h[:, :1])], -1)

    return NGP()


# ---------------------------------------------------------------- kornia geometry
def kornia_geom(kind: str):
    """kornia 0.9.0 camera geometry around a small conv: "depth": depth (made positive, softplus
    + 1) -> ``depth_to_3d_v2`` with fixed intrinsics -> rigid transform (a fixed 4 x 4 pose) ->
    ``project_points`` -> ``depth_to_normals``, the three maps concatenated into a Conv2d(8, 16, 3);
    "warp": ``warp_frame_depth`` (unproject the target depth, transform, project, ``grid_sample``
    the source image) after a Conv2d(3, 8, 3) on the source; 1 x 32 x 32."""
    torch, nn, F = _nn()
    import kornia.geometry as KG
    from kornia.geometry.depth import depth_to_3d_v2, depth_to_normals, warp_frame_depth

    H = W = 32
    K = torch.tensor([[[30.0, 0.0, 16.0], [0.0, 30.0, 16.0], [0.0, 0.0, 1.0]]])
    R = KG.conversions.axis_angle_to_rotation_matrix(torch.tensor([[0.05, -0.1, 0.02]]))
    pose = torch.eye(4).unsqueeze(0).clone()
    pose[:, :3, :3] = R
    pose[:, :3, 3] = torch.tensor([0.1, 0.0, 0.05])

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("K", K, persistent=False)
            self.register_buffer("pose", pose, persistent=False)
            if kind == "depth":
                self.conv = nn.Conv2d(8, 16, 3, padding=1)
            else:
                self.pre = nn.Conv2d(3, 8, 3, padding=1)
                self.post = nn.Conv2d(8, 8, 3, padding=1)

        def forward(self, *xs):
            if kind == "depth":
                depth = F.softplus(xs[0]) + 1.0  # (1, 1, H, W)
                p = depth_to_3d_v2(depth[:, 0], self.K)  # (1, H, W, 3)
                q = KG.transform_points(self.pose, p.reshape(1, -1, 3))
                uv = KG.project_points(q, self.K.unsqueeze(1)).reshape(1, H, W, 2).permute(0, 3, 1, 2)
                n = depth_to_normals(depth, self.K)
                return self.conv(torch.cat([p.permute(0, 3, 1, 2), uv, n], 1))
            image, depth = xs
            depth = F.softplus(depth) + 1.0
            return self.post(warp_frame_depth(self.pre(image), depth, self.pose, self.K))

    return Net()


# ---------------------------------------------------------------- meshes
def spiralnet():
    """A SpiralNet++ mesh autoencoder (Gong et al. 2019), small: 642 vertices (an icosphere's
    count), spiral sequences of 9 vertex indices a vertex (a fixed index buffer; random here, as
    only their sizes matter to a count), SpiralConv = gather ``x[:, spirals.view(-1)]`` ->
    reshape (B, V, 9 C) -> Linear; vertex pooling and unpooling by dense transform matrices (642 ->
    162 -> 42 and back, ``matmul`` with fixed buffers, as torch_geometric's sparse ``spmm`` written
    dense); encoder 3 -> 16 -> 32, a latent Linear of 16, decoder back to 3; (2, 642, 3)."""
    torch, nn, F = _nn()
    Vs, S = [642, 162, 42], 9
    g = torch.Generator().manual_seed(1)

    class SpiralConv(nn.Module):
        def __init__(self, cin, cout, v):
            super().__init__()
            self.register_buffer("spirals", torch.randint(0, v, (v, S), generator=g), persistent=False)
            self.lin = nn.Linear(cin * S, cout)

        def forward(self, x):
            b, v, _ = x.shape
            return self.lin(x[:, self.spirals.reshape(-1)].reshape(b, v, -1))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("down0", torch.rand(Vs[1], Vs[0], generator=g), persistent=False)
            self.register_buffer("down1", torch.rand(Vs[2], Vs[1], generator=g), persistent=False)
            self.register_buffer("up1", torch.rand(Vs[1], Vs[2], generator=g), persistent=False)
            self.register_buffer("up0", torch.rand(Vs[0], Vs[1], generator=g), persistent=False)
            self.e0, self.e1 = SpiralConv(3, 16, Vs[0]), SpiralConv(16, 32, Vs[1])
            self.enc, self.dec = nn.Linear(Vs[2] * 32, 16), nn.Linear(16, Vs[2] * 32)
            self.d1, self.d0 = SpiralConv(32, 16, Vs[1]), SpiralConv(16, 16, Vs[0])
            self.out = SpiralConv(16, 3, Vs[0])

        def forward(self, x):
            x = torch.matmul(self.down0, F.elu(self.e0(x)))
            x = torch.matmul(self.down1, F.elu(self.e1(x)))
            z = self.enc(x.flatten(1))
            x = self.dec(z).view(-1, Vs[2], 32)
            x = F.elu(self.d1(torch.matmul(self.up1, x)))
            x = F.elu(self.d0(torch.matmul(self.up0, x)))
            return self.out(x)

    return Net()


def _entries() -> dict:
    pc = lambda build, note: (build, [("xyz", (B, N, 3), "float32")], note)
    return {
        # point clouds, written here (pure torch)
        "pointnet": (pointnet, [("points", (B, 3, N), "float32")], "PointNet cls with input / feature T-Nets (bmm)"),
        "pointnet2_ssg_cls": pc(lambda: pointnet2("cls"), "PointNet++ SSG cls: FPS loop, ball query (sort), group-all"),
        "pointnet2_ssg_seg": pc(lambda: pointnet2("seg"), "PointNet++ SSG seg: + 3-NN feature propagation (topk)"),
        "dgcnn": (dgcnn, [("points", (B, 3, N), "float32")], "DGCNN: 4 EdgeConvs on topk kNN graphs of the features"),
        "point_transformer": pc(point_transformer, "Point Transformer: kNN vector attention, einsum, FPS transition down"),
        "pointmlp": pc(pointmlp, "PointMLP: FPS + kNN grouper, std-normalized geometric affine, residual MLPs"),
        "pointnext": pc(pointnext, "PointNeXt-S-like: ball-query SA, InvResMLP local aggregation"),
        "pointpillars": (pointpillars, [("points", (1024, 4), "float32")], "PointPillars-style: index_add means, scatter_reduce amax canvas, 2-D backbone"),
        "pointpillars_sum": (lambda: pointpillars("sum"), [("points", (1024, 4), "float32")], "PointPillars-style, sum-pooled canvas by index_add"),
        "sparse_conv3d": (sparse_conv3d, [("points", (1024, 4), "float32")], "submanifold sparse conv: scatter grid, 27 neighbour gathers x weight slices"),
        "kpconv": (kpconv, [("xyz", (B, N, 3), "float32")], "KPConv rigid: kernel-point correlation, two einsums, FPS"),
        # torch_geometric 2.8.1
        "pyg_pointnetconv": (lambda: pyg("pointnetconv"), [("pos", (N, 3), "float32")], "torch_geometric PointNetConv x2, topk kNN graph"),
        "pyg_dynamic_edgeconv": (lambda: pyg("edgeconv"), [("pos", (N, 3), "float32")], "torch_geometric EdgeConv x2, graph rebuilt on features"),
        "pyg_point_transformer": (lambda: pyg("pt"), [("pos", (N, 3), "float32")], "torch_geometric PointTransformerConv x2 (self-loop mask)"),
        # voxels and video
        "voxnet": (voxnet, [("voxels", (2, 1, 32, 32, 32), "float32")], "VoxNet on 32^3 occupancy"),
        "unet3d": (unet3d, [("volume", (1, 1, 32, 32, 32), "float32")], "3-D UNet 16/32/64, ConvTranspose3d, skips"),
        "r3d_18": (lambda: tv_video("r3d_18"), [("clip", (1, 3, 4, 56, 56), "float32")], "torchvision r3d_18, 4 x 56 x 56"),
        "mc3_18": (lambda: tv_video("mc3_18"), [("clip", (1, 3, 4, 56, 56), "float32")], "torchvision mc3_18, 4 x 56 x 56"),
        "r2plus1d_18": (lambda: tv_video("r2plus1d_18"), [("clip", (1, 3, 4, 56, 56), "float32")], "torchvision r2plus1d_18, 4 x 56 x 56"),
        "swin3d_t": (lambda: tv_video("swin3d_t"), [("clip", (1, 3, 4, 64, 64), "float32")], "torchvision swin3d_t, 4 x 64 x 64 (padded windows)"),
        "mvit_v2_s": (lambda: tv_video("mvit_v2_s"), [("clip", (1, 3, 4, 64, 64), "float32")], "torchvision mvit_v2_s built for 4 x 64 x 64"),
        "s3d": (lambda: tv_video("s3d"), [("clip", (1, 3, 16, 224, 224), "float32")], "torchvision s3d, 16 x 224 x 224 (its smallest)"),
        # NeRF
        "nerf_mlp": (nerf_mlp, [("x", (1024, 3), "float32"), ("d", (1024, 3), "float32")], "NeRF 8 x 256 MLP, skip, positional encoding"),
        "nerf_render": (nerf_render, [("rays_o", (512, 3), "float32"), ("rays_d", (512, 3), "float32")],
                        "NeRF coarse + fine: exp(-cumsum) compositing, searchsorted / gather sampling, sort"),  # fmt: skip
        "nerf_render_count": (lambda: nerf_render("count"), [("rays_o", (512, 3), "float32"), ("rays_d", (512, 3), "float32")],
                              "NeRF coarse + fine, sampling indices by counting (u >= cdf) instead of searchsorted"),  # fmt: skip
        "instant_ngp": (hashgrid, [("x", (2048, 3), "float32"), ("d", (2048, 3), "float32")], "instant-ngp hash grid (bitwise_xor hash, 8 corners) + MLPs"),
        # meshes and kornia 0.9.0
        "spiralnet": (spiralnet, [("verts", (2, 642, 3), "float32")], "SpiralNet++ mesh AE: spiral gathers, dense pool / unpool matmuls"),
        "kornia_depth": (lambda: kornia_geom("depth"), [("depth", (1, 1, 32, 32), "float32")], "kornia depth_to_3d_v2, transform / project, depth_to_normals"),
        "kornia_warp": (lambda: kornia_geom("warp"), [("image", (1, 3, 32, 32), "float32"), ("depth", (1, 1, 32, 32), "float32")],
                        "kornia warp_frame_depth (grid_sample)"),  # fmt: skip
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return S.run_entries(argv, __doc__, _entries, DEFAULT_OUT, __file__)


if __name__ == "__main__":
    sys.exit(main())
