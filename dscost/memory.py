"""Memory: weight bytes, activation bytes, and the peak live activation memory of a
sequential run -- what a phone or MCU runtime must hold at once.

Pure: no I/O, no third-party imports.  The conventions (also in the README):

* **activation tensors** are the graph's inputs and the output of every layer that
  consumes activations (a layer with at least one graph edge, ``Layer.inputs``).  A layer
  computed from constants only (an Identity copy of a weight, folded shape arithmetic) makes
  a constant, not an activation.  Each output of a layer is a tensor (``output_shape``,
  then ``Layer.more_outputs`` of a multi-output op: a Split's pieces, an LSTM's Y_h and
  Y_c); every element takes the ``--dtype`` size, shape vectors included;
* **sequential execution in graph order**: layer *i* runs while its inputs are live and
  writes a new buffer for its output (no in-place ops, no fusion, no views: a Reshape is a
  copy).  A tensor is live from the step that produces it (graph inputs: from the start)
  through the step of its last consumer, then freed.  A first output that no layer consumes
  is a model output and **stays live until the end** (the runtime returns it); a later
  output that no layer consumes (an unused piece of a Split, an LSTM's Y_c) is freed after
  its own step.  A tensor consumed only by an uncounted node looks like an output (its
  consumer is unknown);
* **peak live activation memory** = the largest sum, over the steps, of the tensors live at
  that step.  It is an upper bound of what a runtime that fuses layers or runs element-wise
  ops in place needs, and a lower bound for one that never frees;
* **activation bytes** of the model = every activation tensor once (a runtime that frees
  nothing); of a layer = its input tensors (its graph edges) + its output;
* **weight bytes** = learnable params x the dtype size (as ``check --max-weight-bytes``).

A graph input's shape is the input shape of the first layer that consumes it as its first
input (of any consumer otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod
from typing import Any, NamedTuple, Sequence

from dscost.dtypes import DTYPE_BYTES, check_dtype
from dscost.layers import Model


class LayerMemory(NamedTuple):  # (a tuple: made 100k times in a big graph, 4x faster than a frozen dataclass)
    name: str
    activation_bytes: int  # inputs (graph edges) + output, at the dtype
    output_bytes: int  # 0 for a constant (no graph edge) or an unknown shape
    live_bytes: int  # everything live while this layer runs (its inputs and output included)


@dataclass
class ModelMemory:
    dtype: str
    weight_bytes: int
    activation_bytes: int  # every activation tensor once
    input_bytes: int  # the graph inputs
    peak_bytes: int
    peak_layer: str | None  # the first layer at which the peak is reached
    layers: list[LayerMemory] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def dtype_bytes(self) -> int:
        return DTYPE_BYTES[self.dtype]

    def by_name(self) -> dict[str, LayerMemory]:
        return {m.name: m for m in self.layers}


def _numel(shape: Sequence[int] | None) -> int:
    return prod(shape) if shape else 0


def _tensors(layer) -> Sequence[Any]:
    """The tensors ``layer`` reads: its input layers' names, or (name, port) for a later output."""
    if not layer.input_ports:
        return layer.inputs
    return [src if port == 0 else (src, port) for src, port in zip(layer.inputs, layer.input_ports)]


def model_memory(model: Model, dtype: str = "fp32", params: int | None = None) -> ModelMemory:
    """Weight, activation and peak live activation bytes of ``model`` at ``dtype`` (module
    docstring).  ``params``: the learnable params behind the weight bytes (default: the sum
    over layers and uncounted nodes, i.e. ``cost.totals(model).params``)."""
    dtype = check_dtype(dtype)
    size = DTYPE_BYTES[dtype]
    layers = model.layers
    n = len(layers)
    index = {layer.name: i for i, layer in enumerate(layers)}
    uncounted = {u.name for u in model.uncounted}
    if params is None:
        params = sum(layer.cost.params for layer in layers) + model.uncounted_cost().params

    # Tensors: one per output of an activation layer -- the first keyed by the layer's name,
    # a later one by (name, port) -- and one per graph input.
    elements: dict[Any, int] = {}
    birth: dict[Any, int] = {}
    death: dict[Any, int] = {}
    first_shape: dict[str, tuple[int, ...]] = {}  # graph input -> input shape of a consumer reading it first
    any_shape: dict[str, tuple[int, ...]] = {}
    unknown_sources: set[str] = set()
    for i, layer in enumerate(layers):
        inputs = layer.inputs
        if not inputs:
            continue
        name = layer.name
        shape = layer.output_shape
        elements[name] = prod(shape) if shape else 0
        birth[name] = i
        if layer.more_outputs:
            for port, e in enumerate(layer.more_outputs, 1):
                elements[name, port] = e
                birth[name, port] = death[name, port] = i  # until a consumer says otherwise
        for k, src in enumerate(inputs):
            if src in index:
                continue
            if src in uncounted:
                unknown_sources.add(src)
                continue
            if src not in birth:
                birth[src] = -1
            if layer.input_shape:
                if k == 0:
                    first_shape.setdefault(src, tuple(layer.input_shape))
                any_shape.setdefault(src, tuple(layer.input_shape))
        for src in _tensors(layer):  # (a tensor not in ``elements`` is dropped below)
            death[src] = i
    graph_inputs = [t for t, b in birth.items() if b == -1]
    for t in graph_inputs:
        elements[t] = _numel(first_shape.get(t) or any_shape.get(t))
    for t in elements:
        if t not in death:
            death[t] = n - 1  # an output: live until the end

    # Live bytes per step: +size at birth (graph inputs at step 0), -size after the last consumer.
    delta = [0] * (n + 1)
    for t, e in elements.items():
        delta[max(birth[t], 0)] += e
        delta[death[t] + 1] -= e
    rows: list[LayerMemory] = []
    live = peak = 0
    peak_layer = None
    get = elements.get
    for i, layer in enumerate(layers):
        live += delta[i]
        inputs = layer.inputs
        if not inputs:
            ins = out = 0
        else:
            out = get(layer.name, 0) + sum(layer.more_outputs) if layer.more_outputs else get(layer.name, 0)
            srcs = _tensors(layer)
            ins = get(srcs[0], 0) if len(srcs) == 1 else sum([get(src, 0) for src in dict.fromkeys(srcs)])
        rows.append(LayerMemory(layer.name, (ins + out) * size, out * size, live * size))
        if live > peak:
            peak, peak_layer = live, layer.name
    notes = []
    if unknown_sources:
        notes.append(f"{len(unknown_sources)} tensor(s) come from uncounted nodes: their size is unknown and not in the activation figures")
    return ModelMemory(
        dtype,
        params * size,
        sum(elements.values()) * size,
        sum(elements[t] for t in graph_inputs) * size,
        peak * size,
        peak_layer,
        rows,
        notes,
    )
