"""ONNX handlers of sampling ops: Resize (and Upsample), GridSample, AffineGrid, RoiAlign and
MaxRoiPool -- each output element a weighted sum (or a max) of a few input elements whose
positions come from scales, a grid or boxes.  They register in the one table,
:data:`dscost.readers.onnx_node.HANDLERS`.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from math import prod

from dscost import cost as C
from dscost.layers import MATMUL, POOL, RESIZE, Cost
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import NodeInfo, handles, str_attr


@handles("Resize", "Upsample")
def resize(info: NodeInfo) -> Result:
    """Nearest: a copy, no arithmetic.  (Bi/tri)linear and cubic: a weighted sum of 2 or 4 taps
    per resized axis for each output element, i.e. cost.pool_cost((taps,)*axes, out numel).
    ``antialias=1`` (opset 18) when an axis shrinks: :func:`antialiased`."""
    x, y = info.shape(0), info.out()
    mode = info.attr("mode", "nearest")
    mode = mode.decode() if isinstance(mode, bytes) else str(mode)
    axes = sum(1 for a, b in zip(x, y) if a != b)
    if mode == "nearest" or axes == 0:
        return Result(RESIZE, Cost(), data_inputs=(0,), note=mode)
    taps = 4 if mode == "cubic" else 2
    if info.attr("antialias", 0) and any(b < a for a, b in zip(x, y)):
        kernel, ops = antialiased(tuple(x), tuple(y), taps)
        return Result(RESIZE, Cost(other_ops=ops), kernel=kernel, data_inputs=(0,), note=f"{mode}, antialiased: one axis at a time")
    kernel = (taps,) * axes
    return Result(RESIZE, C.pool_cost(kernel, prod(y)), kernel=kernel, data_inputs=(0,), note=mode)


def antialiased(x: tuple[int, ...], y: tuple[int, ...], taps: int) -> tuple[tuple[int, ...], int]:
    """An antialiased resize (ONNX Resize ``antialias=1``; PyTorch's ``antialias=True``; PIL):
    the filter of 2 (linear) or 4 (cubic) taps is stretched by in/out on an axis that shrinks,
    to ceil(taps * in / out) taps.  Runtimes (onnxruntime, PyTorch, PIL) resize such a filter one
    axis at a time, the last axis first: each pass a weighted sum of that axis's taps per element
    of its output (the later axes already resized).  Returns (taps per resized axis, ops)."""
    kernel, ops, shape = [], 0, list(x)
    for axis in reversed(range(len(x))):
        if x[axis] == y[axis]:
            continue
        k = -(-taps * x[axis] // y[axis]) if 0 < y[axis] < x[axis] else taps
        shape[axis] = y[axis]
        ops += k * prod(shape)
        kernel.append(k)
    return tuple(reversed(kernel)), ops


@handles("GridSample")
def grid_sample(info: NodeInfo) -> Result:
    """Sampling X at the grid's points, as Resize: nearest a copy; (bi)linear and (bi)cubic
    2 or 4 taps per spatial axis for each output element, cost.pool_cost((taps,)*axes, out numel).
    The grid is data."""
    x, y = info.shape(0), info.out()
    mode = str_attr(info, "mode", "linear")
    if mode == "nearest":
        return Result(RESIZE, Cost(), data_inputs=(0, 1), note=mode)
    kernel = (4 if mode in ("cubic", "bicubic") else 2,) * (len(x) - 2)
    return Result(RESIZE, C.pool_cost(kernel, prod(y)), kernel=kernel, data_inputs=(0, 1), note=mode)


@handles("AffineGrid")
def affine_grid(info: NodeInfo) -> Result:
    """theta (N, r, r+1) times the homogeneous coordinates of every point of the (N, *spatial, r)
    grid, a batched matmul (torch's affine_grid is one): MACs = N*prod(spatial)*r*(r+1)."""
    theta, grid = info.shape(0), info.out()
    r = theta[1] if len(theta) == 3 else 0
    if r not in (2, 3) or theta[2] != r + 1 or grid[-1] != r:
        raise ValueError(f"theta {tuple(theta)} and grid {tuple(grid)} are not an affine grid")
    return Result(MATMUL, Cost(macs=prod(grid) * (r + 1)), data_inputs=(0,))


@handles("RoiAlign")
def roi_align(info: NodeInfo) -> Result:
    """Y (R, C, oh, ow): each output averages sampling_ratio^2 bilinear samples (4 taps each),
    cost.pool_cost((4, s, s), out numel).  sampling_ratio 0 (adaptive: it depends on each RoI's
    size, known at run time only) is counted as 1 sample per bin, a lower bound, and said."""
    sr = int(info.attr("sampling_ratio", 0))
    note = "" if sr > 0 else "adaptive sampling_ratio: counted as 1 sample per bin (a lower bound)"
    s = max(sr, 1)
    return Result(POOL, C.pool_cost((4, s, s), prod(info.out())), data_inputs=(0, 1, 2), note=note)


@handles("MaxRoiPool")
def max_roi_pool(info: NodeInfo) -> Result:
    """Y (R, C, ph, pw) (Fast R-CNN's RoI pooling): each output the max over its bin of the box,
    whose size is the box's (data, known at run time only): counted as 1 compare per output
    element, cost.pool_cost((1,), out numel), a lower bound, and said."""
    return Result(POOL, C.pool_cost((1,), prod(info.out())), data_inputs=(0, 1), note="bins sized by each RoI at run time: counted as 1 compare per output (a lower bound)")
