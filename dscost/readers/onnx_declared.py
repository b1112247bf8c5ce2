"""A node's declared output shape against the one its inputs and attributes give.

A file shape-inferred at one size whose input was then edited (the usual recipe for another
batch or sequence length) still declares the old sizes in its value_info; onnx's inference
keeps a declared dimension, onnxruntime computes it.  Each check here raises a ValueError
ending in :data:`~dscost.readers.onnx_node.CANNOT_RUN` when the two differ: the handler's node
is uncounted saying why, and the reader then reads the file again with its declared shapes
forgotten (:func:`dscost.readers.onnx_reader.read_onnx`).  A shape not known (None) is never a
contradiction.  Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from math import prod

from dscost import cost as C
from dscost.readers.onnx_node import CANNOT_RUN, NodeInfo, broadcasts_to


def _in_out(info: NodeInfo) -> tuple:
    """Input 0's and output 0's known shapes (None each when not known)."""
    x = info.in_shapes[0] if info.in_shapes and info.has(0) else None
    y = info.out_shapes[0] if info.out_shapes else None
    return (tuple(x) if x is not None else None), (tuple(y) if y is not None else None)


def declared_output(info: NodeInfo, shape: tuple) -> None:
    """A first output the file declares at another shape than its inputs give."""
    y = info.out_shapes[0] if info.out_shapes else None
    if y is not None and tuple(y) != tuple(shape):
        raise ValueError(f"its output is declared {tuple(y)}, its inputs give {tuple(shape)}: {CANNOT_RUN}")


def same_shape(info: NodeInfo) -> None:
    """An op that makes its (first) input's shape: element-wise ops of one tensor, norms,
    softmax, Identity, Dropout, Cast."""
    x, y = _in_out(info)
    if x is not None and y is not None and x != y:
        raise ValueError(f"its input is {x}, its output is declared {y}: {CANNOT_RUN}")


def same_numel(info: NodeInfo) -> None:
    """Reshape, Squeeze, Unsqueeze: as many elements out as in."""
    x, y = _in_out(info)
    if x is not None and y is not None and prod(x) != prod(y):
        raise ValueError(f"{x} ({prod(x):,} elements) cannot be reshaped to {y} ({prod(y):,}): {CANNOT_RUN}")


def broadcast(info: NodeInfo) -> None:
    """The inputs' known shapes broadcast (numpy's rule) to the output's known shape.  A graph
    exported at one input size can fix a size that depends on it (a position table of 197
    tokens); at another size it cannot run, and the shapes declared after such a node are stale."""
    shapes = [info.in_shapes[i] for i in range(len(info.inputs)) if info.has(i)]
    if not shapes or None in shapes:
        return
    both = shapes[0]
    try:
        for s in shapes[1:]:
            both = C.broadcast_shape(both, s)
    except ValueError as err:
        raise ValueError(f"{err}: {CANNOT_RUN}") from None
    out = info.out_shapes[0] if info.out_shapes else None
    if out is not None and both != tuple(out):
        raise ValueError(f"its inputs broadcast to {both}, its output is declared {tuple(out)}: {CANNOT_RUN}")


def _axis(info: NodeInfo, rank: int, default: int) -> int | None:
    a = int(info.attr("axis", default))
    return a + rank if -rank <= a < 0 else (a if 0 <= a < rank else None)


def _given(info: NodeInfo, x: tuple, y: tuple, want: tuple) -> None:
    if y != want:
        raise ValueError(f"its input is {x}, its output is declared {y}, its attributes give {want}: {CANNOT_RUN}")


def transpose(info: NodeInfo) -> None:
    """Transpose: the input's axes in ``perm``'s order (reversed without it)."""
    x, y = _in_out(info)
    if x is None:
        return
    perm = [int(p) for p in info.attr("perm", range(len(x) - 1, -1, -1))]
    if sorted(perm) != list(range(len(x))):  # (torch's TorchScript exporter fuses movedim(x, -1, d) after a transpose into a perm past the axes)
        raise ValueError(f"its perm {perm} is no permutation of the {len(x)} axes of its input: {CANNOT_RUN}")
    if y is not None:
        _given(info, x, y, tuple(x[p] for p in perm))


def flatten(info: NodeInfo) -> None:
    """Flatten: (prod of the axes before ``axis``, prod of the rest)."""
    x, y = _in_out(info)
    a = int(info.attr("axis", 1)) if x is not None else 0
    a = a + len(x) if x is not None and a < 0 else a  # (in [-r, r]: -1 flattens all but the last axis)
    if x is not None and y is not None and 0 <= a <= len(x):
        _given(info, x, y, (prod(x[:a]), prod(x[a:])))


def global_pool(info: NodeInfo) -> None:
    """GlobalAveragePool and its kin: (N, C, 1, ...)."""
    x, y = _in_out(info)
    if x is not None and y is not None and len(x) >= 2:
        _given(info, x, y, (*x[:2], *(1,) * (len(x) - 2)))


def gather(info: NodeInfo) -> None:
    """Gather: data's axes before ``axis``, the indices' shape, data's axes after it (an
    embedding's token ids (B, S) give (B, S, hidden))."""
    x, y = _in_out(info)
    idx = info.input_shape(1)
    if x is not None and y is not None and idx is not None and (a := _axis(info, len(x), 0)) is not None:
        _given(info, x, y, (*x[:a], *idx, *x[a + 1 :]))


def reduce(info: NodeInfo) -> None:
    """A reduction with its axes an attribute (or all axes): each reduced axis kept as 1
    (``keepdims``, the default) or dropped.  With the axes an input (opset 18), whose values
    are not read, only that a kept rank leaves every axis its size or 1."""
    x, y = _in_out(info)
    if x is None or y is None:
        return
    keep = bool(info.attr("keepdims", 1))
    if info.op in ("ArgMax", "ArgMin"):
        axes = [info.attr("axis", 0)]
    elif "axes" in info.attrs:
        axes = list(info.attr("axes"))
    elif info.has(1):
        if keep and (len(y) != len(x) or any(b not in (a, 1) for a, b in zip(x, y))):
            raise ValueError(f"its input is {x}, its output is declared {y}: {CANNOT_RUN}")
        return
    else:
        axes = [] if info.attr("noop_with_empty_axes", 0) else list(range(len(x)))
    axes = {a + len(x) if a < 0 else a for a in axes}
    want = tuple(1 if i in axes else d for i, d in enumerate(x)) if keep else tuple(d for i, d in enumerate(x) if i not in axes)
    _given(info, x, y, want)


def expand(info: NodeInfo) -> None:
    """Expand: the input broadcasts to the output (the shape it is given is not read)."""
    x, y = _in_out(info)
    if x is not None and y is not None and not broadcasts_to(x, y):
        raise ValueError(f"its input {x} does not broadcast to its declared output {y}: {CANNOT_RUN}")


def split(info: NodeInfo) -> None:
    """Split: the outputs' sizes along ``axis`` add up to the input's, every other axis as the input's."""
    x = info.in_shapes[0] if info.in_shapes and info.has(0) else None
    ys = [info.out_shapes[i] for i in range(len(info.outputs)) if info.outputs[i]]
    if x is None or not ys or None in ys or (a := _axis(info, len(x), 0)) is None:
        return
    if not _joins(ys, tuple(x), a):
        raise ValueError(f"its input {tuple(x)} does not split on axis {a} into {', '.join(str(tuple(s)) for s in ys)}: {CANNOT_RUN}")


def concat(info: NodeInfo) -> None:
    """Concat: the inputs joined on ``axis`` (Concat-1's axis defaults to 1; later ones have one).
    What onnxruntime's kernel checks when it runs, whatever the output's shape is known to be:
    inputs of one rank, ``axis`` within it, the same sizes off it (onnx's inference of the whole
    graph passes over such a node and leaves its output open: gluonts' WaveNet, TorchScript file,
    ``torch.cat(dim=-1)`` of two rank-2 tensors written as Concat(axis=2))."""
    ins = [info.in_shapes[i] for i in range(len(info.inputs)) if info.has(i)]
    out = info.out_shapes[0] if info.out_shapes else None
    if not ins or None in ins or "axis" not in info.attrs:
        return
    axis, rank, listed = info.attr("axis"), len(ins[0]), ", ".join(str(tuple(s)) for s in ins)
    if any(len(s) != rank for s in ins):
        raise ValueError(f"inputs {listed} differ in rank: {CANNOT_RUN}")
    if not -rank <= axis < rank:
        raise ValueError(f"axis {axis} is outside [{-rank}, {rank - 1}] for its inputs {listed}: {CANNOT_RUN}")
    axis = axis + rank if axis < 0 else axis
    if len({tuple(s[:axis]) + tuple(s[axis + 1 :]) for s in ins}) > 1:
        raise ValueError(f"inputs {listed} differ off axis {axis}: {CANNOT_RUN}")
    if out is not None and not _joins(ins, tuple(out), axis):
        raise ValueError(f"inputs {listed} do not concatenate on axis {axis} to {tuple(out)}: {CANNOT_RUN}")


def _joins(parts: list, whole: tuple, axis: int) -> bool:
    """Whether ``parts``, of the rank of ``whole`` and its sizes off ``axis``, add up to it on ``axis``."""
    rest = lambda s: tuple(s[:axis]) + tuple(s[axis + 1 :])  # noqa: E731  (every axis but the joined one)
    return all(len(s) == len(whole) and rest(s) == rest(whole) for s in parts) and sum(s[axis] for s in parts) == whole[axis]


def blocks(info: NodeInfo) -> None:
    """DepthToSpace: (N, C / b^2, H b, W b); SpaceToDepth: (N, C b^2, H / b, W / b).  Channels
    (or a map) not a multiple of the blocksize make a graph onnxruntime refuses, as does a declared
    output of another shape."""
    x, y = _in_out(info)
    b = info.attr("blocksize", 0)
    if x is None or len(x) != 4 or not isinstance(b, int) or b < 1:
        return
    n, c, h, w = x
    if info.op == "DepthToSpace" and c % (b * b):
        raise ValueError(f"its input's {c} channels are not a multiple of blocksize^2 = {b * b}: {CANNOT_RUN}")
    if info.op == "SpaceToDepth" and (h % b or w % b):
        raise ValueError(f"its input's {h}x{w} map is not a multiple of blocksize {b} on each side: {CANNOT_RUN}")
    if y is not None:
        _given(info, x, y, (n, c // (b * b), h * b, w * b) if info.op == "DepthToSpace" else (n, c * b * b, h // b, w // b))


# Shape-only ops (zero cost) and the check each gets: ops whose outputs the data decides
# (Slice, Pad, Tile, Resize...) are left to the next op that checks.
SHAPE_CHECKS = {"Identity": same_shape, "Dropout": same_shape, "Cast": same_shape, "CastLike": same_shape,
                "Reshape": same_numel, "Squeeze": same_numel, "Unsqueeze": same_numel, "Transpose": transpose,
                "Gather": gather, "Expand": expand, "Split": split, "DepthToSpace": blocks, "SpaceToDepth": blocks}  # fmt: skip
