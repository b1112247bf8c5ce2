"""The Memory section of `dscost analyze`: weight, activation and peak live activation bytes
(:mod:`dscost.memory`) as a table and as JSON, with the types they are sized at."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dscost.dtypes import LOW_BITS
from dscost.report.document import Table
from dscost.units import human, nbytes

if TYPE_CHECKING:
    from dscost.memory import ModelMemory


def _type_notes(memory: ModelMemory) -> list[str]:
    """Where the types no --dtype gave come from (fp32, the default, says nothing), and the weights'
    own types when there are several."""
    if memory.weight_dtype:  # (weights of a type of their own: int4, packed; float64)
        act = f"; activations {memory.dtype}: the type of most of its activations" if memory.dtype_source == "model" else ""
        packed = ", packed" if memory.weight_dtype in LOW_BITS else ""
        out = [f"weights {memory.weight_dtype}{packed}: the type of most of the weights the model stores{act} (--dtype sizes both)"]
    elif memory.dtype_source == "model" and memory.dtype != "fp32":
        out = [f"{memory.dtype}: the type of most of the weights the model stores (--dtype sizes another)"]
    else:
        out = []
    if len(memory.weight_types) > 1:
        out.append("weight bytes: each weight at its own type (" + ", ".join(f"{human(n)} {t}" for t, n in memory.weight_types.items()) + ")")
    return out


def memory_table(memory: ModelMemory) -> Table:
    rows = [
        ["weights (learnable params)", nbytes(memory.weight_bytes), f"{memory.weight_bytes:,}", ""],
        ["activations (every tensor once)", nbytes(memory.activation_bytes), f"{memory.activation_bytes:,}", ""],
        ["peak live activations", nbytes(memory.peak_bytes), f"{memory.peak_bytes:,}", memory.peak_layer or ""],
    ]
    notes = [f"note: {n}" for n in memory.notes] + _type_notes(memory) + [
        "peak = the most activation bytes live at one step of a sequential run in graph order (inputs included; a tensor "
        "is freed after its last consumer, model outputs stay live to the end; no in-place ops, no fusion)"
    ]
    title = f"Memory ({memory.dtype}, {memory.dtype_bytes} B per element" + (f"; weights {memory.weight_dtype})" if memory.weight_dtype else ")")
    return Table(title, ["", "bytes", "exact", "at layer"], rows, "lrrl", notes, priority=[0, 1, 3, 2], shrink=3)


def memory_json(memory: ModelMemory) -> dict[str, Any]:
    return {
        "dtype": memory.dtype,
        "dtype_bytes": memory.dtype_bytes,
        "dtype_source": memory.dtype_source,
        "weight_dtype": memory.weights_dtype,
        "weight_types": memory.weight_types,
        "weight_bytes": memory.weight_bytes,
        "activation_bytes": memory.activation_bytes,
        "input_bytes": memory.input_bytes,
        "peak_activation_bytes": memory.peak_bytes,
        "peak_layer": memory.peak_layer,
        "convention": "sequential run in graph order; a tensor is freed after its last consumer, model outputs stay live to the end; no in-place ops, no fusion",
        "notes": list(memory.notes),
    }
