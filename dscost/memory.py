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
  its own step; an output the graph declares (ONNX ``graph.output``: ``Model.outputs``) stays
  live until the end even when later layers read it too (a backbone returning its feature
  maps), and so does a graph input the graph returns.  A tensor consumed only by an uncounted
  node looks like an output (its consumer is unknown);
* **peak live activation memory** = the largest sum, over the steps, of the tensors live at
  that step.  It is an upper bound of what a runtime that fuses layers or runs element-wise
  ops in place needs, and a lower bound for one that never frees;
* **activation bytes** of the model = every activation tensor once (a runtime that frees
  nothing); of a layer = its input tensors (its graph edges) + its output;
* **weight bytes** = learnable params x the dtype size (as ``check --max-weight-bytes``); without
  --dtype, each weight at its own type (``Model.weight_types``: an int4 LLM's projections at half a
  byte, packed, and its fp16 embedding table at 2), whatever the activations' dtype.

A graph input's shape is the one the counts assume (``Model.inputs``, what the report lists as
"inputs (as counted)"); for a model that lists none, the input shape of the first layer that
consumes it as its first input (of any consumer otherwise).  (Taken from a consumer, a mask read
as a second operand was sized as the first: a broadcast 1x1x1x128 mask as 1x1x128x128.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod
from typing import NamedTuple, Sequence

from dscost.dtypes import DTYPE_BYTES, resolve_dtype, resolve_weight_dtype, unsized_note, weight_bytes, weight_size
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
    dtype_source: str = "option"  # option (--dtype), model (its weights' type: Model.weight_dtype) or default (fp32)
    weight_dtype: str | None = None  # the weights' (main) dtype where it is not ``dtype``: int4 (packed), fp16 of fp32 activations...
    weight_types: dict[str, int] = field(default_factory=dict)  # the weights' elements by type, each sized at its own (Model.weight_types; {}: all at the dtype)

    @property
    def dtype_bytes(self) -> int:
        return DTYPE_BYTES[self.dtype]

    @property
    def weights_dtype(self) -> str:
        """The dtype of (most of) the weights: ``weight_dtype``, else ``dtype``."""
        return self.weight_dtype or self.dtype

    def by_name(self) -> dict[str, LayerMemory]:
        return {m.name: m for m in self.layers}


def _numel(shape: Sequence[int] | None) -> int:
    return prod(shape) if shape else 0


def model_memory(model: Model, dtype: str | None = None, params: int | None = None) -> ModelMemory:
    """Weight, activation and peak live activation bytes of ``model`` at ``dtype`` (module
    docstring; None: the model's own types, :func:`dscost.dtypes.resolve_dtype` and :func:`dscost.dtypes.weight_size`).  ``params``: the learnable params behind the weight bytes (default: the sum
    over layers and uncounted nodes, i.e. ``cost.totals(model).params``)."""
    dtype, source = resolve_dtype(dtype, model)
    option = dtype if source == "option" else None
    wdtype, wsize = resolve_weight_dtype(option, model), weight_size(option, model)
    size = DTYPE_BYTES[dtype]
    layers = model.layers
    n = len(layers)
    index = {layer.name: i for i, layer in enumerate(layers)}
    uncounted = {u.name for u in model.uncounted}
    if params is None:
        params = sum(layer.cost.params for layer in layers) + model.uncounted_cost().params

    # Tensors: the first output of each activation layer (by layer index: ``out``, its last
    # consumer in ``last``), a later output by (name, port) in ``more`` and each graph input in
    # ``graph``: [elements, birth, last consumer].  100k layers are walked three times, so the
    # common tensor is a list slot, not a dict entry.
    out = [0] * n  # elements of layer i's first output (0: a constant layer, or an unknown shape)
    tensor = [False] * n
    last = [-1] * n
    more: dict[tuple[str, int], list[int]] = {}
    graph: dict[str, list[int]] = {}
    first_shape: dict[str, tuple[int, ...]] = {}  # graph input -> input shape of a consumer reading it first
    any_shape: dict[str, tuple[int, ...]] = {}
    unknown_sources: set[str] = set()
    where = index.get
    for i, layer in enumerate(layers):
        inputs = layer.inputs
        if not inputs:
            continue
        name = layer.name
        if index[name] == i:  # (names are unique; else the last layer of a name is its tensor)
            shape = layer.output_shape
            out[i] = prod(shape) if shape else 0
            tensor[i] = True
        if layer.more_outputs:
            for port, e in enumerate(layer.more_outputs, 1):
                more[name, port] = [e, i, i]  # (freed after its own step unless a consumer says otherwise)
        ports = layer.input_ports
        for k, src in enumerate(inputs):
            j = where(src)
            if j is not None:
                port = ports[k] if ports else 0
                if port == 0:
                    last[j] = i
                elif (src, port) in more:
                    more[src, port][2] = i
            elif src in uncounted:
                unknown_sources.add(src)
            else:
                known = graph.get(src)
                if known is None:
                    graph[src] = [0, -1, i]
                else:
                    known[2] = i
                if layer.input_shape:
                    if k == 0:
                        first_shape.setdefault(src, tuple(layer.input_shape))
                    any_shape.setdefault(src, tuple(layer.input_shape))
    declared = model.input_shapes()
    returned = set(model.outputs)
    for t, known in graph.items():
        shape = declared.get(t)
        known[0] = prod(shape) if shape is not None else _numel(first_shape.get(t) or any_shape.get(t))
        if t in returned:  # (a graph input the graph also returns)
            known[2] = n - 1
    if returned:  # (a model output a later layer reads too stays live to the end: the run returns it)
        for i, layer in enumerate(layers):
            if layer.outputs and tensor[i] and layer.outputs[0] in returned:
                last[i] = n - 1
            for port, t in enumerate(layer.outputs[1:], 1):
                if t in returned and (layer.name, port) in more:
                    more[layer.name, port][2] = n - 1

    # Live elements per step: + at birth (graph inputs at step 0), - after the last consumer
    # (a first output no layer reads: a model output, live until the end).
    delta = [0] * (n + 1)
    for i in range(n):
        if tensor[i]:
            e = out[i]
            delta[i] += e
            delta[(last[i] if last[i] >= 0 else n - 1) + 1] -= e
    for e, b, d in (*more.values(), *graph.values()):
        delta[max(b, 0)] += e
        delta[d + 1] -= e

    def elements(src, port: int = 0) -> int:
        j = where(src)
        if j is None:
            known = graph.get(src)
            return known[0] if known is not None else 0
        if port:
            known = more.get((src, port))
            return known[0] if known is not None else 0
        return out[j] if tensor[j] else 0

    rows: list[LayerMemory] = []
    row = tuple.__new__  # (a LayerMemory without its Python-level __new__: 100k of them)
    live = peak = 0
    peak_layer = None
    for i, layer in enumerate(layers):
        live += delta[i]
        inputs = layer.inputs
        if not inputs:
            ins = produced = 0
        else:
            produced = out[i] + sum(layer.more_outputs) if layer.more_outputs else out[i]
            ports = layer.input_ports
            if ports:
                ins = sum([elements(src, port) for src, port in dict.fromkeys(zip(inputs, ports))])
            elif len(inputs) == 1:
                j = where(inputs[0])
                ins = out[j] if j is not None and tensor[j] else elements(inputs[0])  # (the usual layer: a layer's first output)
            else:
                ins = sum([elements(src) for src in dict.fromkeys(inputs)])
        rows.append(row(LayerMemory, (layer.name, (ins + produced) * size, produced * size, live * size)))
        if live > peak:
            peak, peak_layer = live, layer.name
    inputs_total = sum([g[0] for g in graph.values()])
    notes = [note] if source == "default" and (note := unsized_note(model)) else []
    if unknown_sources:
        notes.append(f"{len(unknown_sources)} tensor(s) come from uncounted nodes: their size is unknown and not in the activation figures")
    return ModelMemory(
        dtype,
        weight_bytes(params, wsize),
        (sum([e for e, t in zip(out, tensor) if t]) + sum([m[0] for m in more.values()]) + inputs_total) * size,
        inputs_total * size,
        peak * size,
        peak_layer,
        rows,
        notes,
        source,
        wdtype if wdtype != dtype else None,
        dict(model.weight_types) if option is None else {},
    )
