"""What every op handler table shares (ONNX's :mod:`~dscost.readers.onnx_ops`, TFLite's
:mod:`~dscost.readers.tflite_ops`): the :class:`Result` a handler returns, the
:class:`UnknownShape` it raises, and :func:`op_registry`, a table with its decorator."""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod
from typing import Callable

from dscost.layers import ConvGeom, Cost, Shape


# What a handler raises for a node whose attributes or shapes do not fit its op: the reader lists
# the node as uncounted ("cannot derive cost"), never a crash.
HANDLER_ERRORS = (ValueError, TypeError, IndexError, KeyError, AttributeError, ZeroDivisionError)


def cannot_derive(err: Exception) -> str:
    """An uncounted node's reason from a handler's ``err`` (one of HANDLER_ERRORS): its message,
    or for Python's own errors of a malformed node, what they mean."""
    if isinstance(err, (IndexError, KeyError)):  # ("tuple index out of range": fewer axes or inputs than the op reads)
        return f"cannot derive cost: an input has fewer axes, values or attributes than the op reads ({type(err).__name__}: {err})"
    return f"cannot derive cost: {err}"


# Why an FFT op (ONNX's DFT/STFT, onnxruntime's Rfft/Irfft, TFLite's RFFT2D) is uncounted, in both readers
FFT_REASON = "a signal op: its work depends on the FFT algorithm (N log N to N^2 per transform)"


def few(names, sep: str = ", ") -> str:
    """The first three of ``names`` (joined by ``sep``), and how many more: a reader's notes name tensors so."""
    names = list(names)
    return sep.join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


class UnknownShape(Exception):
    """A shape the handler needs was not inferred; the message names the tensor (``tensor``:
    its name, when the reader knows it)."""

    def __init__(self, what: str, tensor: str | None = None) -> None:
        super().__init__(what)
        self.tensor = tensor


@dataclass
class Result:
    type: str
    cost: Cost = field(default_factory=Cost)
    conv: ConvGeom | None = None
    kernel: Shape | None = None
    # input index -> Cost field ("weights", "biases", "norm_params", "buffers")
    # holding that input's element count; lets the reader count a tensor once.
    params: dict[int, str] = field(default_factory=dict)
    # indices of inputs that are data (graph edges); None = every non-constant input
    data_inputs: tuple[int, ...] | None = None
    # data inputs that are run-time state (an RNN's initial hidden and cell state): never
    # parameters, even when a constant (the zero state torch's dynamo exporter stores as an initializer)
    states: tuple[int, ...] = ()
    note: str = ""


Handler = Callable  # (NodeInfo) -> Result


def op_registry() -> tuple[dict[str, Handler], Callable]:
    """A handler table and its ``@handles("Op", ...)`` decorator (this module's, and TFLite's)."""
    table: dict[str, Handler] = {}

    def handles(*ops: str):
        def register(fn: Handler) -> Handler:
            for op in ops:
                table[op] = fn
            return fn

        return register

    return table, handles


def out_numel(info) -> int:
    """Output elements of a node (its first input's when the output shape is unknown); ``info``
    is either reader's NodeInfo (``out_shapes`` and ``shape(i)``)."""
    s = info.out_shapes[0] if info.out_shapes and info.out_shapes[0] is not None else info.shape(0)
    return prod(s)
