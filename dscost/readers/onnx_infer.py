"""onnx's C++ shape inference with its data propagation, in bounded memory, and what would crash it
refused first (:func:`refuse_crashers`).

Data propagation (``data_prop=True``: the values of the small integer tensors shapes are computed
from) builds each value it propagates in full.  A hostile file of 145 bytes, ``Range(0, 10**12, 1)``
(or a 1-D int64 ``Expand``, ``Tile``, ``ConstantOfShape`` of 10**10 elements), makes it allocate
until the machine has no memory left.  :func:`infer_shapes` runs it under a cap on the process's
address space (``RLIMIT_AS``, raised by none of this: the lower of its soft limit and the size now
plus :data:`INFER_MEMORY` and :data:`NODE_MEMORY` per node of the graph; its weights are stripped); when the cap is hit, inference runs
again without data propagation, and shapes computed from values are left to dscost's own folding,
which evaluates no node of more than its bound.  Where ``resource`` is missing (Windows), there is
no cap.
"""

from __future__ import annotations

import re

INFER_MEMORY = 1 << 30  # bytes inference may add to the process's address space, beside NODE_MEMORY per node
NODE_MEMORY = 8 << 10  # (a 100k-node chain's inference takes ~0.5 GB; a node count costs nothing, the proto's ByteSize 30 ms)
NO_VALUES = (
    "onnx's shape inference ran out of its memory cap propagating values (a tensor of computed values too large "
    "to build): shapes were inferred without them, and those computed from values are dscost's folding's"
)


def infer_shapes(onnx, mp, notes: list[str] | None = None):
    """``onnx.shape_inference.infer_shapes(mp, data_prop=True)`` (types and strictness off) under
    the memory cap; past it, the same without data propagation, with :data:`NO_VALUES` in ``notes``."""
    with _AddressCap(INFER_MEMORY + NODE_MEMORY * len(mp.graph.node)) as cap:
        try:
            return onnx.shape_inference.infer_shapes(mp, check_type=False, strict_mode=False, data_prop=True)
        except Exception as err:  # (a std::bad_alloc, as MemoryError or inside onnx's own error)
            if not (cap.active and (isinstance(err, MemoryError) or "bad_alloc" in str(err))):
                raise
    if notes is not None:
        notes.append(NO_VALUES)
    return onnx.shape_inference.infer_shapes(mp, check_type=False, strict_mode=False, data_prop=False)


class _AddressCap:
    """The process's soft ``RLIMIT_AS`` lowered to its address space now plus ``extra`` bytes
    while the block runs (never raised), restored after it; ``active``: whether it was set."""

    def __init__(self, extra: int):
        self.extra, self.active, self.saved = extra, False, None  # active: a cap applies (this one or a lower one of the user's)

    def __enter__(self):
        try:
            import os
            import resource

            with open("/proc/self/statm") as f:
                size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = size + self.extra
            if soft != resource.RLIM_INFINITY and soft <= cap:
                self.active = True  # (a lower limit of the user's own stands)
                return self
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
            self.saved, self.active = (soft, hard), True
        except (ImportError, OSError, ValueError, AttributeError):  # (no resource module, no /proc: no cap)
            pass
        return self

    def __exit__(self, *exc) -> None:
        if self.saved is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, self.saved)


# A `strides` attribute with a 0 among its ints, as protobuf writes it (the name, then each int as
# field 8 -- b"@" and a varint -- or packed, b"B", a length and the varints): a byte search of the
# stripped file, so that only a file with one walks its nodes.
ZERO_STRIDE = re.compile(rb"\n\x07strides(?:(?:@(?:[\x01-\x7f]|[\x80-\xff]+[\x00-\x7f]))*@\x00|B[\x00-\x7f](?:[\x01-\x7f]|[\x80-\xff]+[\x00-\x7f])*\x00)")


def refuse_crashers(graph, path, scans: bool = False, strides: bool = False, norms: bool = False) -> None:
    """InputError for a node (in ``graph`` or any subgraph) onnx 1.17's shape inference crashes
    the process on, before it runs: with ``scans``, a Scan without its required integer
    ``num_scan_inputs``; with ``strides``, a stride of 0 (SIGFPE: a division by the stride; and
    onnxruntime refuses the node); with ``norms``, a LayerNormalization whose ``axis`` is 2**31 or
    more (onnx 1.23.2 dies of SIGSEGV; onnxruntime refuses the node)."""
    from dscost.errors import InputError
    from dscost.readers.onnx_uncounted import node_bodies

    todo = [graph]
    while todo:
        for n in todo.pop().node:
            if scans and n.op_type == "Scan" and n.domain in ("", "ai.onnx") and not any(a.name == "num_scan_inputs" and a.type == 2 for a in n.attribute):
                raise InputError(f"{path}: Scan node {n.name or '(unnamed)'!r} has no integer num_scan_inputs attribute (ONNX requires one)")
            if norms and n.op_type == "LayerNormalization" and n.domain in ("", "ai.onnx"):
                for a in n.attribute:
                    if a.name == "axis" and a.i >= 2**31:
                        raise InputError(f"{path}: LayerNormalization node {n.name or '(unnamed)'!r}: axis {a.i} is no axis of a tensor "
                                         "(onnxruntime refuses the node, and onnx's shape inference crashes on it)")  # fmt: skip
            for a in n.attribute if strides else ():
                if a.name == "strides" and 0 in a.ints:
                    raise InputError(f"{path}: node {n.name or '(unnamed)'!r} ({n.op_type}): strides {list(a.ints)}: a stride of 0 "
                                     "(onnxruntime refuses the node, and onnx 1.17's shape inference crashes on it)")  # fmt: skip
            todo.extend(node_bodies(n))
