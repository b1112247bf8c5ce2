"""How counts are labelled in every report: MACs or FLOPs, the counting
conventions stated with each result, the input shapes counted, and a
:class:`dscost.layers.Cost` as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dscost.dtypes import ONNX_TYPE_NAMES
from dscost.units import dims

if TYPE_CHECKING:
    from dscost.layers import Cost

CONVENTION_MACS = "MACs = multiply-accumulates of conv/FC/matmul; bias, BN, activation, pooling, add counted apart as other ops"
CONVENTION_FLOPS = "FLOPs = 2 x MACs (multiply-accumulates of conv/FC/matmul); bias, BN, activation, pooling, add counted apart as other ops"
PARAMS_CONVENTION = "params = weights + biases + norm params (learnable); BN running mean/var (and a PyTorch module's buffers) are buffers, not params"


def inputs_text(inputs, shown: int = 6) -> str:
    """'input 1x3x224x224 float32, ...': ``Model.inputs`` (name, shape, ONNX element type), the
    first ``shown`` of them and how many more."""
    parts = [f"{name} {dims(shape) if shape else 'scalar'} {ONNX_TYPE_NAMES.get(elem) or '?'}" for name, shape, elem in inputs[:shown]]
    more = len(inputs) - shown
    return ", ".join(parts) + (f", and {more} more (-f json lists them)" if more > 0 else "")


def inputs_line(inputs) -> str:
    """'inputs (as counted): input 1x3x224x224 float32': the input shapes every count assumes."""
    return "inputs (as counted): " + inputs_text(inputs)


def input_json(inputs) -> list[dict]:
    """``Model.inputs`` as JSON: [{"name", "shape", "dtype"}] (dtype: ONNX's name, or null)."""
    return [{"name": name, "shape": list(shape), "dtype": ONNX_TYPE_NAMES.get(elem)} for name, shape, elem in inputs]


def unit(flops: bool) -> str:
    """The name of the headline count: 'FLOPs' with --flops, else 'MACs'."""
    return "FLOPs" if flops else "MACs"


def scale(flops: bool) -> int:
    """FLOPs = 2 x MACs."""
    return 2 if flops else 1


def convention(flops: bool) -> str:
    return CONVENTION_FLOPS if flops else CONVENTION_MACS


def convention_json(flops: bool, shapes: str = "include the batch dimension") -> dict[str, str]:
    return {
        "count": "flops" if flops else "macs",
        "macs": "multiply-accumulates of conv, fully connected and matmul layers",
        "flops": "2 x macs" if flops else "not reported (use --flops)",
        "other_ops": "bias additions, batch norm, activations, pooling, element-wise ops; never included in macs",
        "params": "weights + biases + norm_params (learnable); buffers (BN running mean/var) reported apart",
        "shapes": shapes,
    }


def cost_json(c: Cost, flops: bool) -> dict[str, int]:
    """Every field of a Cost, exact (plus flops = 2 x macs with --flops)."""
    d = {"macs": c.macs}
    if flops:
        d["flops"] = 2 * c.macs
    d.update(
        params=c.params,
        weights=c.weights,
        biases=c.biases,
        norm_params=c.norm_params,
        buffers=c.buffers,
        other_ops=c.other_ops,
    )
    return d


def macs_params_json(c: Cost, flops: bool) -> dict[str, int]:
    """macs (and flops), params."""
    d = {"macs": c.macs}
    if flops:
        d["flops"] = 2 * c.macs
    d["params"] = c.params
    return d


def uncounted_json(uncounted) -> list[dict]:
    """The nodes a model could not count (``Model.uncounted``), as the JSON reports list them."""
    return [{"name": x.name, "op": x.op, "reason": x.reason, "params": x.params} for x in uncounted]
