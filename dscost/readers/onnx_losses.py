"""ONNX handlers of the standard training losses, which a graph holds when a model's forward
computes its loss (a Hugging Face model given ``labels``, a module returning
``F.cross_entropy``): ``NegativeLogLikelihoodLoss`` and ``SoftmaxCrossEntropyLoss``.  They
register in the one table, :data:`dscost.readers.onnx_node.HANDLERS`.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from math import prod

from dscost import cost as C
from dscost.layers import ELEMENTWISE, SOFTMAX, Cost
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import CANNOT_RUN, NodeInfo, handles, str_attr


def nll_cost(targets: int, weighted: bool, reduction: str, ignore: bool) -> Cost:
    """Negative log-likelihood over ``targets`` target elements (N x d1 x ... x dk): per target
    the picked log-probability negated (1), times its class weight when there are weights (1),
    and with an ``ignore_index`` a compare of its label with it (1); a ``sum`` or ``mean``
    reduction adds each term (1), a weighted ``mean`` also sums the weights (1) before its one
    division (1)."""
    per = 1 + weighted + ignore + (reduction != "none") + (weighted and reduction == "mean")
    return Cost(other_ops=per * targets + (reduction == "mean"))


def _reduction(info: NodeInfo) -> str:
    r = str_attr(info, "reduction", "mean")
    if r not in ("none", "sum", "mean"):
        raise ValueError(f"reduction {r!r} is none of 'none', 'sum', 'mean'")
    return r


def _nll(info: NodeInfo) -> Cost:
    """:func:`nll_cost` of the node's labels (input 1), and its optional class weights (input 2)
    as buffers: fixed, not learned."""
    x, t = info.shape(0), info.shape(1)
    if len(x) < 2 or tuple(t) != (x[0], *x[2:]):
        raise ValueError(f"its labels {tuple(t)} are not its input {tuple(x)} without the class axis: {CANNOT_RUN}")
    if info.has(2) and tuple(info.shape(2)) != (x[1],):
        raise ValueError(f"its class weights {tuple(info.shape(2))} are not one per class ({x[1]}): {CANNOT_RUN}")
    cost = nll_cost(prod(t), info.has(2), _reduction(info), info.attr("ignore_index") is not None)
    return cost + Cost(buffers=prod(info.shape(2))) if info.has(2) else cost


@handles("NegativeLogLikelihoodLoss")
def nll_loss(info: NodeInfo) -> Result:
    """:func:`nll_cost` of the target's elements (:func:`_nll`)."""
    return Result(ELEMENTWISE, _nll(info), params={2: "buffers"} if info.has(2) else {}, data_inputs=(0, 1))


@handles("SoftmaxCrossEntropyLoss")
def softmax_cross_entropy(info: NodeInfo) -> Result:
    """As its specification defines it: a LogSoftmax over the scores' classes
    (:func:`dscost.cost.softmax_cost` of the scores' elements, as the LogSoftmax handler), then
    :func:`nll_cost` of the labels' elements; class weights (input 2) are buffers."""
    cost = C.softmax_cost(prod(info.shape(0))) + _nll(info)
    return Result(SOFTMAX, cost, params={2: "buffers"} if info.has(2) else {}, data_inputs=(0, 1))
