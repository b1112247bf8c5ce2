"""Ways to look at a model's layers: which rows a table hides by default, the roll-up by
module path (``--depth``), totals by operator, and the costliest rows (``--top``).

Pure: no I/O, no third-party imports; only sums of the costs :mod:`dscost.cost` computed.

**Hidden by default** (:func:`hidden_by_default`; ``--all`` shows them): zero-cost shape-only
layers (Reshape, Transpose, Identity, Constant...), and *shape arithmetic*: a layer without
MACs or params whose input and output are scalars or short 1-D vectors (at most
:data:`SHAPE_VECTOR_MAX` elements) -- the ``Shape -> Gather -> Concat`` and ``Sqrt(head_dim)``
subgraphs exporters write to compute shapes at run time.  Their few other ops stay in every
total.

**Module paths** (:func:`module_path`): a name with a ``/`` is an exporter's node name
(ONNX from PyTorch: ``/features/features.3/block/block.0/Conv``, TFLite ``model/conv/Conv2D``):
its segments but the last (the node) are the module path.  Any other name (spec layers,
PyTorch module paths) groups by dots: ``dsconv3.dw`` is the layer ``dw`` of ``dsconv3``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from dscost.layers import SHAPE, Cost, Layer

if TYPE_CHECKING:
    from dscost.cost import LayerWhatIf

# Shape vectors have one entry per tensor axis: never more than this (ONNX tensors of rank > 16 do not occur).
SHAPE_VECTOR_MAX = 16
_ZERO = Cost()


def _small_vector(shape: Sequence[int] | None) -> bool:
    """Unknown, scalar, or 1-D with at most SHAPE_VECTOR_MAX elements."""
    return not shape or (len(shape) == 1 and prod(shape) <= SHAPE_VECTOR_MAX)


def is_shape_arithmetic(layer: Layer) -> bool:
    """No MACs, no params, and scalar or short 1-D input and output (see the module docstring)."""
    c = layer.cost
    return not c.macs and not c.params and layer.type != SHAPE and _small_vector(layer.output_shape) and _small_vector(layer.input_shape)


def is_shape_only(layer: Layer) -> bool:
    """A shape-only layer (reshape, transpose, identity...) that costs nothing."""
    return layer.type == SHAPE and layer.cost == _ZERO


def hidden_by_default(layer: Layer) -> bool:
    return is_shape_only(layer) or is_shape_arithmetic(layer)


# --------------------------------------------------------------------------
# Module roll-up


def _dotted_op(name: str) -> bool:
    """``model.layers.0.mlp/Mul``: a PyTorch module path and one op of that module (the PyTorch
    reader's name for an op that is not alone in its module)."""
    head, slash, op = name.partition("/")
    return bool(slash and head and "." in head and op and "/" not in op)


def module_path(name: str) -> tuple[str, ...]:
    """The modules a layer sits in, outermost first; for a dotted name, the layer itself is the
    last entry (``dsconv3.dw`` -> ``("dsconv3", "dw")``); for a ``/`` name the node is left out
    (``/blocks/blocks.0/attn/qkv/MatMul`` -> ``("blocks", "blocks.0", "attn", "qkv")``), and so
    is the op of a dotted module path (``layers.0.mlp/Mul`` -> ``("layers", "0", "mlp")``)."""
    if _dotted_op(name):
        return tuple(p for p in name.partition("/")[0].split(".") if p)
    if "/" in name:
        parts = [p for p in name.split("/") if p]
        return tuple(parts[:-1])
    return tuple(p for p in name.split(".") if p) or (name,)


def module_at(name: str, depth: int) -> str:
    """The row a layer rolls up into at ``depth`` (>= 1): its module path cut at ``depth``
    segments, written as the name is (``/blocks/blocks.0``, ``dsconv3``, ``layers.0``); a layer
    of the graph's root (``/Concat``) is a row of its own."""
    path = module_path(name)
    if "/" in name and not _dotted_op(name):
        if not path:
            return name
        return ("/" if name.startswith("/") else "") + "/".join(path[:depth])
    return ".".join(path[:depth])


@dataclass
class Group:
    """One row of a rolled-up table: the layers of one module, summed.

    ``separable_macs``/``separable_params`` sum the what-ifs of the standard convs in the
    module (each conv as depthwise + pointwise), ``candidates`` sums those convs' own costs, so
    ``candidates.macs / separable_macs`` is the module's saving, and the sums over all groups
    equal the sums over all layers."""

    name: str
    layers: list[Layer] = field(default_factory=list)
    cost: Cost = _ZERO
    candidates: Cost = _ZERO
    separable_macs: int = 0
    separable_params: int = 0
    converts: int = 0  # standard convs in the module (each with a separable what-if)
    hidden: bool = True  # every layer is hidden by default

    @property
    def type(self) -> str:
        """The layer's type for a one-layer row, else 'module'."""
        return self.layers[0].type if len(self.layers) == 1 and self.layers[0].name == self.name else "module"


def rollup(layers: Iterable[Layer], what_if: dict[str, LayerWhatIf], depth: int) -> list[Group]:
    """One :class:`Group` per module at ``depth``, in order of first appearance."""
    if depth < 1:
        raise ValueError(f"depth must be >= 1, got {depth}")
    groups: dict[str, Group] = {}
    for layer in layers:
        key = module_at(layer.name, depth)
        g = groups.get(key)
        if g is None:
            g = groups[key] = Group(key)
        g.layers.append(layer)
        g.cost = g.cost + layer.cost
        g.hidden = g.hidden and hidden_by_default(layer)
        w = what_if.get(layer.name)
        if w is not None:
            g.candidates = g.candidates + layer.cost
            g.separable_macs += w.separable_macs
            g.separable_params += w.separable_params
            g.converts += 1
    return list(groups.values())


def group_each(layers: Iterable[Layer], what_if: dict[str, LayerWhatIf]) -> list[Group]:
    """Every layer as a group of its own (the flat table, in the same currency as a roll-up)."""
    out = []
    for layer in layers:
        w = what_if.get(layer.name)
        g = Group(layer.name, [layer], layer.cost, hidden=hidden_by_default(layer))
        if w is not None:
            g.candidates, g.separable_macs, g.separable_params, g.converts = layer.cost, w.separable_macs, w.separable_params, 1
        out.append(g)
    return out


# --------------------------------------------------------------------------
# By operator


@dataclass
class OpTotal:
    op: str
    count: int = 0
    cost: Cost = _ZERO


def by_operator(layers: Iterable[Layer]) -> list[OpTotal]:
    """Count and summed cost per operator (ONNX op type, spec layer type), costliest first
    (MACs, then params, then other ops, then count)."""
    costs: dict[str, list[Cost]] = {}
    for layer in layers:
        costs.setdefault(layer.op, []).append(layer.cost)
    ops = {op: OpTotal(op, len(cs), Cost.total(cs)) for op, cs in costs.items()}
    return sorted(ops.values(), key=lambda t: (-t.cost.macs, -t.cost.params, -t.cost.other_ops, -t.count, t.op))


# --------------------------------------------------------------------------
# Top N


def top(items: Sequence, n: int, key: Callable) -> tuple[list, list]:
    """(the ``n`` items of largest ``key``, ties in their original order; the rest, in order)."""
    if n < 0:
        raise ValueError(f"top must be >= 0, got {n}")
    order = sorted(range(len(items)), key=lambda i: (-key(items[i]), i))
    keep = set(order[:n])
    return [items[i] for i in order[:n]], [x for i, x in enumerate(items) if i not in keep]
