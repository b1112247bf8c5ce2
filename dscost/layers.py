"""The one currency every reader produces and every report consumes.

A reader (YAML spec, ONNX graph) turns its input into a :class:`Model`: an
ordered list of :class:`Layer` objects whose costs were computed with the
formulas in :mod:`dscost.cost`.  Nothing here does I/O or arithmetic beyond
trivial sums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod
from typing import Iterable

Shape = tuple[int, ...]

# Layer types.  Convolution kinds follow the MobileNet vocabulary.
STANDARD = "conv"  # groups 1, kernel larger than 1x1
POINTWISE = "pointwise"  # groups 1, 1x1 kernel
DEPTHWISE = "depthwise"  # groups == Cin (Cin > 1)
GROUPED = "grouped"  # any other grouping
CONV_TYPES = (STANDARD, POINTWISE, DEPTHWISE, GROUPED)
CONV_TRANSPOSE = "conv_transpose"
FC = "fc"
MATMUL = "matmul"
BATCHNORM = "batchnorm"
NORM = "norm"  # instance/layer/group norm
ACTIVATION = "activation"
POOL = "pool"
GLOBAL_POOL = "global_pool"
ADD = "add"
ELEMENTWISE = "elementwise"
CONCAT = "concat"
FLATTEN = "flatten"
SOFTMAX = "softmax"
RESIZE = "resize"
RECURRENT = "recurrent"  # RNN / GRU / LSTM
SHAPE = "shape"  # shape-only ops (reshape, transpose, identity, dropout...): zero by design

# Layers that may sit between a depthwise and a pointwise conv of one
# separable block (dw -> BN -> ReLU -> pw).
PASS_THROUGH_TYPES = (BATCHNORM, ACTIVATION)
# ... and a scale or shift by a constant (one data input): a BatchNorm left as a multiply and an
# add (TFLite's StableHLO files, tf2onnx's unfolded BatchNorms); dscost.rewrite folds it as a BN
BLOCK_THROUGH_TYPES = (*PASS_THROUGH_TYPES, ELEMENTWISE, ADD)


@dataclass(frozen=True)
class Cost:
    """Counts of one layer (or a sum of layers).

    ``macs``: multiply-accumulates of conv/linear/matmul -- the headline figure
    papers quote.  ``other_ops``: every other arithmetic op (bias additions, BN,
    activations, pooling, element-wise adds), reported apart, never mixed in.
    Params: ``weights`` + ``biases`` + ``norm_params`` (BN gamma/beta) are the
    learnable params; ``buffers`` (BN running mean/var; a PyTorch module's buffers) are not learnable.
    """

    macs: int = 0
    other_ops: int = 0
    weights: int = 0
    biases: int = 0
    norm_params: int = 0
    buffers: int = 0

    @property
    def params(self) -> int:
        """Learnable parameters."""
        return self.weights + self.biases + self.norm_params

    @staticmethod
    def total(costs: Iterable[Cost], start: Cost | None = None) -> Cost:
        """The sum of ``costs`` (and ``start``), field by field: one object built, not one per
        term (a 100k-layer model is summed several times)."""
        m = o = w = b = n = f = 0
        if start is not None:
            m, o, w, b, n, f = start.macs, start.other_ops, start.weights, start.biases, start.norm_params, start.buffers
        for c in costs:
            m += c.macs
            o += c.other_ops
            w += c.weights
            b += c.biases
            n += c.norm_params
            f += c.buffers
        return Cost(m, o, w, b, n, f)

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.macs + other.macs,
            self.other_ops + other.other_ops,
            self.weights + other.weights,
            self.biases + other.biases,
            self.norm_params + other.norm_params,
            self.buffers + other.buffers,
        )

    def __sub__(self, other: Cost) -> Cost:
        return Cost(
            self.macs - other.macs,
            self.other_ops - other.other_ops,
            self.weights - other.weights,
            self.biases - other.biases,
            self.norm_params - other.norm_params,
            self.buffers - other.buffers,
        )


@dataclass(frozen=True)
class ConvGeom:
    """Everything needed to re-derive a convolution's cost or rewrite it.

    Spatial tuples have one entry per spatial axis (1D, 2D, 3D).  ``pads`` is
    in ONNX order: all begins, then all ends.
    """

    kernel: Shape
    cin: int
    cout: int
    groups: int
    stride: Shape
    dilation: Shape
    pads: Shape
    in_spatial: Shape
    out_spatial: Shape
    bias: bool
    batch: int = 1

    @property
    def kind(self) -> str:
        if self.groups == 1:
            return POINTWISE if prod(self.kernel) == 1 else STANDARD
        if self.groups == self.cin:
            return DEPTHWISE
        return GROUPED


@dataclass(slots=True)
class Layer:
    """One counted node.  ``inputs`` names the producing layers (graph edges);
    a name that is not a layer is a model input."""

    name: str
    type: str
    op: str
    inputs: tuple[str, ...]
    input_shape: Shape
    output_shape: Shape
    cost: Cost = field(default_factory=Cost)
    conv: ConvGeom | None = None
    kernel: Shape | None = None
    note: str = ""
    outputs: tuple[str, ...] = ()  # tensor names, where the input has them (ONNX)
    # Multi-output ops (Split, TopK, LSTM): the elements of the outputs after the first
    # (0 for an absent or unknown one), and for each of ``inputs`` which output of that
    # layer it reads (the first when a layer reads several); both () in the usual case.
    more_outputs: tuple[int, ...] = ()
    input_ports: tuple[int, ...] = ()
    weight_bits: int = 0  # of a model of weights of several types, its weights' own bits (0: the type of most of the model's, Model.weight_dtype)

    @property
    def activations(self) -> int:
        """Elements of every output (the first's, ``output_shape``, and :attr:`more_outputs`)."""
        return (prod(self.output_shape) if self.output_shape else 0) + sum(self.more_outputs)


@dataclass(frozen=True)
class Uncounted:
    """A node whose cost dscost cannot derive; listed, never counted as zero.  ``params``: the
    learned tensors it consumes first (they exist whatever their consumer is), counted in the
    model's totals as weights."""

    name: str
    op: str
    reason: str
    params: int = 0


@dataclass
class Model:
    name: str
    source: str
    layers: list[Layer]
    uncounted: list[Uncounted] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # the graph inputs with the shapes the counts assume: (name, shape, ONNX element type)
    inputs: list[tuple[str, Shape, int]] = field(default_factory=list)
    renamed_nodes: int = 0  # nodes named by dscost (no name in the file, a repeated one, or a graph input's)
    input_values: dict[str, int] = field(default_factory=dict)  # flag inputs given a value (an If's branch): fed as such
    outputs: tuple[str, ...] = ()  # the graph's output tensors, where the input names them (ONNX): live to the end of a run
    # the element type of most of the weights counted as parameters, where the input says
    # (dtypes.main_dtype: a DTYPE_BYTES name, or float64, int4...); memory and roofline bytes
    # are sized at it when no --dtype is given and dscost sizes it (dtypes.resolve_dtype)
    weight_dtype: str | None = None
    # the element type of most of its activations, where the input says and it may not be the weights'
    # (fp16 weights computed in fp32, low-bit or weight-only quantized weights, dynamic quantization; a
    # DTYPE_BYTES name): what its activation and roofline bytes are sized at (dtypes.resolve_dtype); None: the weights' type
    activation_dtype: str | None = None
    # the elements of the weights counted as parameters by type (dtypes.weight_types: {"int4": ..., "fp16": ...},
    # the most first), where the input says: weight bytes take each at its own (dtypes.weight_size)
    weight_types: dict[str, int] = field(default_factory=dict)

    def input_shapes(self) -> dict[str, Shape]:
        """The graph inputs' shapes the counts assume, by name (those whose every size is known; a scalar's is ())."""
        return {name: tuple(shape) for name, shape, *_ in self.inputs if shape is not None and all(isinstance(d, int) for d in shape)}

    def uncounted_cost(self) -> Cost:
        """The parameters of uncounted nodes (weights; their arithmetic is unknown)."""
        return Cost(weights=sum(u.params for u in self.uncounted))
