"""ONNX handlers of matrix algebra: the standard ``Det`` and onnxruntime's contrib ``Inverse``
(which its PyTorch export helper writes for ``torch.inverse``), counted as Gaussian elimination
on each (..., n, n) matrix, and onnxruntime's contrib ``CDist`` (pairwise distances, which
skl2onnx writes for nearest neighbours).  They register in the one table,
:data:`dscost.readers.onnx_node.HANDLERS` (the contrib ops in the contrib table, with their shapes).

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from math import prod

from dscost.layers import ELEMENTWISE, MATMUL, Cost, Shape
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import NodeInfo, contrib_handles, contrib_shapes, handles, input_0_shape, str_attr


def _matrices(x: Shape) -> tuple[int, int]:
    """(how many matrices, n) of a (..., n, n) input."""
    if len(x) < 2 or x[-1] != x[-2]:
        raise ValueError(f"input {tuple(x)} is not a batch of square matrices (..., n, n)")
    return prod(x[:-2]), x[-1]


def elimination_cost(n: int) -> Cost:
    """Gaussian elimination of one n x n matrix to triangular form: with m rows left below the
    pivot, each of them takes one division (its factor) and m multiply-adds, so
    MACs = sum(m^2, m = 1..n-1) = (n-1)n(2n-1)/6 and divisions = n(n-1)/2."""
    return Cost(macs=(n - 1) * n * (2 * n - 1) // 6, other_ops=n * (n - 1) // 2)


@handles("Det")
def det(info: NodeInfo) -> Result:
    """Each matrix's elimination (:func:`elimination_cost`) and the product of its n diagonal
    entries (n-1 multiplications)."""
    batch, n = _matrices(info.shape(0))
    one = elimination_cost(n)
    return Result(MATMUL, Cost(macs=batch * one.macs, other_ops=batch * (one.other_ops + max(n - 1, 0))), data_inputs=(0,))


contrib_shapes("Inverse")(input_0_shape)


@contrib_handles("Inverse")
def inverse(info: NodeInfo) -> Result:
    """Gauss-Jordan elimination of [A | I]: n^3 multiply-adds per matrix (the textbook count;
    LAPACK's getrf + getri: 2n^3 flops)."""
    batch, n = _matrices(info.shape(0))
    return Result(MATMUL, Cost(macs=batch * n**3), data_inputs=(0,))


@contrib_shapes("CDist")
def cdist_shape(info: NodeInfo) -> list:
    a, b = info.input_shape(0), info.input_shape(1)
    return [(a[0], b[0]) if a is not None and b is not None and len(a) == len(b) == 2 and a[1] == b[1] else None]


@contrib_handles("CDist")
def cdist(info: NodeInfo) -> Result:
    """Pairwise distances of the M rows of A (M, K) to the N rows of B (N, K), counted as the
    unfused graph it replaces (skl2onnx's ``Sub`` then ``ReduceSumSquare``, in a Scan over B's
    rows): per pair K differences and K squares summed, as other ops like any reduction, and
    for ``euclidean`` a square root: other ops = 2*M*N*K (+ M*N).  A constant B (the stored
    points of a nearest-neighbours model) counts as weights."""
    a, b = info.shape(0), info.shape(1)
    if len(a) != 2 or len(b) != 2 or a[1] != b[1]:
        raise ValueError(f"inputs {tuple(a)} and {tuple(b)} are not (M, K) and (N, K)")
    metric = str_attr(info, "metric", "sqeuclidean")
    if metric not in ("sqeuclidean", "euclidean"):
        raise ValueError(f"metric {metric!r} is neither 'sqeuclidean' nor 'euclidean'")
    pairs = a[0] * b[0]
    return Result(ELEMENTWISE, Cost(other_ops=2 * pairs * a[1] + pairs * (metric == "euclidean")))
