"""TFLite reader: a ``.tflite`` flatbuffer -> :class:`dscost.layers.Model`, without reading weight bytes.

The file is memory-mapped and walked with the flatbuffer accessors of the
``tflite`` package (generated from TensorFlow's own schema; TensorFlow itself
is never imported).  Only the tables are read -- operator codes, operators and
their options, tensor names, shapes and types, and the length word of each
buffer -- never the bytes of a weight buffer, so those pages of the file are
not touched.  A first pass copies what the counting needs into plain Python
objects and checks the file (identifier ``TFL3``, every index and offset in
range, no negative dimension); any problem there is an :class:`InputError`
naming the file.  Then each operator of the main subgraph goes through the op
handler table :data:`HANDLERS`, which computes costs with the formulas of
:mod:`dscost.cost`, mirroring the ONNX reader's handlers
(:mod:`dscost.readers.onnx_ops`) op for op.

Conventions:

* **Shapes are shown as the file stores them: NHWC** (batch, height, width,
  channels).  Costs do not depend on the layout: the conv geometry
  (:class:`ConvGeom`) is built from the NHWC shapes and the OHWI filters
  (depthwise filters are 1HWC, TRANSPOSE_CONV filters OHWI, CONV_3D DHWIO).
  The batch is the file's batch (1 when the converter wrote a dynamic batch).
* **Params** = the elements of the weight and bias tensors of every counted
  op.  A bias or scale used by several ops is counted for each (said in a note):
  the converter merges equal-valued constants -- such as the all-zero biases of an
  untrained model -- into one tensor, where the source model had one per layer
  (the same convention as the ONNX reader's Identity copies).  A kernel (conv
  filter, matmul weight, embedding table, recurrent weights, a table BROADCAST_TO or TILE copies
  to a computed shape; :data:`KERNEL_OPS`)
  used by several ops is counted once: random in an untrained model, it is
  merged only when the source applies one weight several times (litert-torch
  unrolls an LSTM into one FULLY_CONNECTED per step) -- or when the untrained
  source deep-copied a layer, as ``nn.TransformerEncoder`` does, whose copies
  then count once.  The TFLite converter folds BatchNorm into the conv
  weights and biases and writes a bias tensor for every conv (all zero where
  the source layer had none), so a TFLite model has no BN layers and counts
  one bias per output channel of every conv; weights and biases are split in
  :class:`Cost` (``weights`` / ``biases``).  A weight a DEQUANTIZE, DENSIFY, RESHAPE or TRANSPOSE
  makes of a constant (:data:`CONST_THROUGH`) is a weight of the op reading it.  Scales and zero points of
  quantized tensors are not params.  Quantized models (int8/uint8/int16
  tensors, int32 biases) use the same op codes and give the same counts.
* **Fused activations** (``fused_activation_function`` of CONV_2D,
  DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, pooling...) become a layer of
  their own right after the op, of type ``activation``, as a separate Relu
  node of an ONNX graph does: its other ops are the activation's, and a
  depthwise -> fused ReLU6 -> 1x1 conv chain is a separable block.
* **Names**: a layer is named after its output tensor.  TensorFlow's converter
  names a fused op's output ``act;bn;conv`` (the fused TF ops joined by
  ``;``): the activation layer takes the first entry, the op the last one
  that is not a fused Pad (so a MobileNet reads ``.../conv_dw_1_1/depthwise``
  then ``.../conv_dw_1_relu_1/Relu6``).  Unnamed tensors give ``OPCODE_index``.
* Only the main subgraph (0) is counted.  Custom ops (but MediaPipe's
  Convolution2DTransposeBias), control flow (WHILE,
  IF, CALL_ONCE: their subgraphs) and builtin ops without a handler are listed
  as uncounted with the reason, never counted as zero.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod
from pathlib import Path

from dscost import cost as C
from dscost.dtypes import ACTIVATION_TYPES, LOW_BITS, ONNX_TYPES, main_dtype, weight_types
from dscost.errors import InputError
from dscost.units import nbytes
from dscost.layers import (
    ACTIVATION,
    RECURRENT,
    SHAPE,
    Cost,
    Layer,
    Model,
    Uncounted,
)
from dscost.readers.handlers import FFT_REASON, HANDLER_ERRORS, UnknownShape, cannot_derive, few
from dscost.readers.tflite_file import (PAD_NAME, CONTROL_FLOW, FLOAT_TYPES, FUSED_ACTIVATIONS, INSTALL_HINT, TYPE_NAMES, TFLiteFile,
                                        open_file, subgraph_indices)  # fmt: skip
from dscost.readers.tflite_loops import counted_loop, loop_shapes, shape_scalars
from dscost.readers.tflite_shapes import DATA_SIZED_OPS, fix_inputs, resolve
from dscost.readers.tflite_ops import HANDLERS, NodeInfo, fused_activation
from dscost.readers import tflite_recurrent  # (registers the recurrent and segment ops' handlers)
from dscost.readers import tflite_stablehlo  # (registers the STABLEHLO_* ops' handlers)
from dscost.readers import tflite_variables  # (registers the resource-variable ops' handlers)

# Why a custom op without a handler is uncounted, when more can be said than "no cost handler"
CUSTOM_REASONS = {"TFLite_Detection_PostProcess": "box decoding and non-max suppression: the boxes it keeps depend on the data",
                  "Landmarks2TransformMatrix": "MediaPipe's estimate of a 4x4 transform from the landmarks its options (a flexbuffer dscost does "
                                               "not read) select: a few arithmetic ops per selected landmark, no formula here",
                  "edgetpu-custom-op": "a graph compiled for the Edge TPU runs inside it: count the model as it was before edgetpu_compiler"}  # fmt: skip

# Ops whose "weights" input is a kernel (random in an untrained model, so never merged with another by
# chance): one used by several ops is counted once
KERNEL_OPS = frozenset({"CONV_2D", "DEPTHWISE_CONV_2D", "CONV_3D", "TRANSPOSE_CONV", "Convolution2DTransposeBias", "FULLY_CONNECTED",
                        "BATCH_MATMUL", "GATHER", "GATHER_ND", "EMBEDDING_LOOKUP", "BROADCAST_TO", "TILE", *tflite_recurrent.KERNEL_OPS,
                        *tflite_stablehlo.KERNEL_OPS})  # fmt: skip

# Builtins without a handler, and why: the output size is set by the data, not the shapes; the work by the FFT algorithm
NO_HANDLER_REASONS = {op: f"{op}: its output size depends on the data" for op in DATA_SIZED_OPS}
NO_HANDLER_REASONS["RFFT2D"] = FFT_REASON

# Ops whose output is a constant when their first input is (a weight stored in another layout)
CONST_THROUGH = ("DEQUANTIZE", "DENSIFY", "RESHAPE", "TRANSPOSE", "SQUEEZE", "EXPAND_DIMS")
COPIES = ("BROADCAST_TO", "TILE")  # (of constants: a constant, counted as the table it copies)


# Ops that only move data: the kernels that computed their input computed their output (a Dense
# on a 3-D input: FULLY_CONNECTED, RESHAPE, then the ADD of its bias)
MOVES_ONLY = ("RESHAPE", "SQUEEZE", "EXPAND_DIMS", "TRANSPOSE")
Carried = tuple[frozenset[int], bool]  # (kernels, computed by them directly: not yet summed)


def _kernels(op, res, const: set[int], kernels_of: dict[int, Carried]) -> tuple[frozenset[int], Carried | None]:
    """(the kernels behind ``op``, what its outputs carry on to the ops after them).  A bias or
    scale of ``op`` follows its own kernels (a conv's filter, a matmul's weight), carried through
    ops that only move data; an element-wise op's, those of its data inputs when every one was
    computed by kernels.  A sum of kernels' outputs (x W + h U) carries them on, once: a sum of
    sums (a residual stream) would gather every kernel before it."""
    if op.opname in KERNEL_OPS:
        own = frozenset(op.inputs[k] for k, field in res.params.items() if field == "weights")
        if own:
            return own, (own, True)
    if op.opname in MOVES_ONLY:
        carried = kernels_of.get(op.inputs[0]) if op.inputs else None
        return (carried[0] if carried else frozenset()), carried
    if op.opname not in ("ADD", "SUB", "MUL", "ADD_N"):
        return frozenset(), None
    found = [kernels_of.get(t) for k, t in enumerate(op.inputs) if t >= 0 and t not in const and k not in res.params]
    if not found or None in found:
        return frozenset(), None
    kernels = frozenset().union(*(k for k, _ in found))
    summed = not res.params and op.opname != "MUL" and all(direct for _, direct in found)
    return kernels, ((kernels, False) if summed else None)


QUANTIZED_INTS = (2, 3, 4, 7, 9)  # int32, uint8, int64, int16, int8 (tflite_file.TYPE_NAMES)


def _requantized(tensor, field_name: str, kernels: frozenset[int], biases_of: dict[tuple, str], name: str) -> str | None:
    """The layer whose bias ``tensor`` copies at another scale, if it is a quantized bias (an
    int32 one fused in the op, an int8 operand of an ADD) of the same shape after one of the
    same kernels at another op than ``name`` (the four gate biases of one int8 LSTM are four
    biases); else None."""
    if field_name != "biases" or not tensor.quantized or tensor.dtype not in QUANTIZED_INTS:
        return None
    return next((biases_of[k, tensor.shape] for k in kernels if biases_of.get((k, tensor.shape), name) != name), None)


def _uncount(cost: Cost, field_name: str, n: int) -> Cost:
    """``cost`` less ``n`` of its ``field_name`` (weights, biases): a tensor counted at another op."""
    return replace(cost, **{field_name: getattr(cost, field_name) - n})


def _custom_reason(code: str) -> str:
    if code in CUSTOM_REASONS:
        return CUSTOM_REASONS[code]
    if code.startswith("Flex") and len(code) > 4:
        return f"TensorFlow's {code[4:]} kept by the converter (Select TF ops, run by the Flex delegate): no cost handler"
    return "no cost handler"


# --------------------------------------------------------------------------
# Second pass: layers


def _names(tensor_name: str, fused: bool) -> tuple[str, str]:
    """(op layer name, fused activation layer name) from an output tensor name ``act;bn;conv``."""
    parts = [p for p in tensor_name.split(";") if p and not p.isdigit()]
    if not parts:
        return "", ""
    if len(parts) == 1:
        return parts[0], parts[0]
    rest = parts[1:] if fused else parts
    op_parts = [p for p in rest if not PAD_NAME.search(p)] or rest
    return op_parts[-1], parts[0]


def _learned(tensors, indices, const: set[int] | None = None) -> int:
    """Elements of the learned constants among ``indices`` (float or quantized, more than one
    element; a constant: in ``const`` when given, else a tensor with data)."""
    return sum(prod(tensors[t].shape) for t in indices if t >= 0 and (t in const if const is not None else tensors[t].const) and _learnable(tensors[t]))


def _learnable(t) -> bool:
    """A tensor that can be a parameter: float or quantized, more than one element."""
    return (t.dtype in FLOAT_TYPES or t.quantized) and bool(t.shape) and prod(t.shape) > 1


def _subgraph_params(f: TFLiteFile, op, const: set[int]) -> int:
    """Elements of the learned constants held by the subgraphs a control-flow op runs, and by
    theirs (a Keras LSTM's WHILE body holds its weights), and of those it passes them as operands
    (an IF converted from ONNX by onnx-tf: its branch's weights are the IF's inputs; a WHILE's
    operand only when its body passes it on unchanged, a captured weight, not a state); an
    operand is a constant of the main graph (``const``: with data, or a DEQUANTIZE of one...)."""
    stack = subgraph_indices(op)
    seen: set[int] = set()
    operands = op.inputs
    if op.opname in ("WHILE", "STABLEHLO_WHILE"):  # (a loop's operand is a state -- an RNN's zero h0 -- unless the body passes it on unchanged)
        body = f.graphs[op.options.get("BodySubgraphIndex", -1)] if 0 < op.options.get("BodySubgraphIndex", -1) < len(f.graphs) else None
        operands = [t for k, t in enumerate(op.inputs) if body is not None and k < min(len(body.inputs), len(body.outputs)) and body.inputs[k] == body.outputs[k]]
    total = _learned(f.graphs[0].tensors, operands, const)
    while stack:
        s = stack.pop()
        if not isinstance(s, int) or not 0 < s < len(f.graphs) or s in seen:
            continue
        seen.add(s)
        g = f.graphs[s]
        total += _learned(g.tensors, range(len(g.tensors)))
        stack += [s for o in g.ops if o.opname in CONTROL_FLOW for s in subgraph_indices(o)]
    return total


def read_tflite(path: str | Path, progress: bool = False, input_shapes: dict[str, tuple] | None = None) -> Model:
    """Read a TFLite flatbuffer into a Model; weight bytes are never read.

    Shapes are the file's (NHWC); params = the elements of every weight and bias tensor of the
    counted ops, weights and biases apart (the converter folds BatchNorm into conv biases and writes a
    bias for every conv).  ``input_shapes`` gives inputs' dynamic dimensions (shape_signature -1)
    a size (``{"waveform": (15600,)}``); the shapes that follow come from one run of LiteRT's
    interpreter (:mod:`tflite_shapes`).  ``progress``: a progress line on a terminal while that
    interpreter runs on a big file (the tables are read in a moment).  Bad files raise InputError naming the file.
    """
    from dscost.files import regular_file

    path = regular_file(path, "model file")
    try:
        import tflite as tfl
    except ImportError:
        raise InputError(f"{path}: reading TFLite files needs the tflite package: {INSTALL_HINT}") from None
    f = open_file(path, tfl)
    tflite_stablehlo.annotate(f)
    if not f.graphs:
        raise InputError(f"{path}: not a valid TFLite model: no subgraph")
    return _build(path, f, input_shapes or {}, progress)


def _build(path: Path, f: TFLiteFile, overrides: dict[str, tuple], progress: bool = False) -> Model:
    g = f.graphs[0]
    tensors = g.tensors
    notes: list[str] = []
    notes.append(f"TFLite schema version {f.version}, {len(g.ops)} operators, {len(tensors)} tensors, {f.n_buffers} buffers "
                 f"({nbytes(f.weight_bytes)} of weights, not read)")  # fmt: skip
    notes.append(tflite_stablehlo.layout_note(g) or "shapes are NHWC, as stored in the file")
    inner = tflite_stablehlo.inner_subgraphs(f)  # a StableHLO reduction's body, a composite's decomposition
    subgraphs_note = len(notes)  # (where the note on the subgraphs not counted goes, once the loops counted are known)
    if inner:
        notes.append(f"{len(inner)} subgraph(s) of StableHLO reductions, scatters and composites (their bodies, decompositions): counted in those ops")
    resize = fix_inputs(path, g, overrides, notes)
    for t in g.inputs:
        tensor = tensors[t]
        sig = tensor.signature
        if t in resize:
            continue
        if sig and tensor.shape is not None and len(sig) == len(tensor.shape):
            dynamic = [i for i, d in enumerate(sig) if d < 0]
            batched = len(sig) > 1  # (a rank-1 input's -1 is its length -- a waveform's samples --, not a batch)
            if 0 in dynamic and batched:
                notes.append(f"dynamic batch dimension of input {tensor.name!r} set to {tensor.shape[0]} (the file's shape)")
            rest = [i for i in dynamic if i != 0 or not batched]
            if rest:
                example = "x".join(str(1 if i == 0 and batched else d if d > 0 else 128) for i, d in enumerate(sig))
                raise InputError(f"{path}: input {tensor.name!r} has dynamic dimension(s) {', '.join(map(str, rest))} "
                                 f"(shape_signature {list(sig)}); set them with --input-shape {tensor.name}={example}")  # fmt: skip

    unknown = resolve(path, g, notes, resize, progress, lambda op, shapes, values: loop_shapes(f, g, op, shapes, values))  # tensors with dynamic dimensions: their run-time shapes, or unknown
    first = next((f" (signature {key!r})" for key, i in f.signatures if i == 0), "")
    const: set[int] = {i for i, t in enumerate(tensors) if t.const}
    graph_inputs = set(g.inputs)
    layers: list[Layer] = []
    uncounted: list[Uncounted] = [Uncounted(f"signature {key!r}", "SIGNATURE", f"the entry point of another signature (subgraph {i}, {f.graphs[i].name!r}): not counted; "
                                            f"dscost counts subgraph 0{first}") for key, i in f.signatures if 0 < i < len(f.graphs)]  # fmt: skip
    producer: dict[int, str] = {}  # tensor -> layer name
    producer_op: dict[int, str] = {}
    ports: dict[int, int] = {}  # a later output of a multi-output op -> its index
    claimed: dict[int, str] = {}  # param tensor -> first layer counting it
    origin: dict[int, int] = {}  # a constant copy of a table (BROADCAST_TO, TILE of constants) -> the table
    shared: set[int] = set()  # param tensors (but kernels) used by more than one op
    shared_kernels: set[int] = set()  # kernels used by more than one op
    tied: set[int] = set()  # biases and scales applied again with the kernel they follow: one layer applied several times
    kernels_of: dict[int, Carried] = {}  # tensor -> the kernels that computed it (_kernels)
    biases_of: dict[tuple, str] = {}  # (kernel, bias shape) -> the layer that counted a bias after that kernel
    requantized: set[int] = set()  # quantized biases that copy one after the same kernel at another scale
    followed: dict[int, frozenset[int]] = {}  # bias or scale tensor -> the kernels of the ops using it so far
    used: set[str] = {tensors[t].name for t in g.inputs if 0 <= t < len(tensors)}  # (a layer never takes a graph input's name)
    dtypes: dict[str, int] = {}

    def unique(name: str, index: int) -> str:
        if name in used:
            name = f"{name}_{index}"
        used.add(name)
        return name

    read = None  # (the tensors an op or the graph's outputs read: made when a loop is counted)
    looped: set[int] = set()  # the cond and body subgraphs of the loops counted
    scalars: dict[int, int] | None = None  # integers computed from shapes (a loop's limit): found at the first loop
    initialised: set[int] = set()  # the subgraphs of the CALL_ONCEs that only initialise resource variables
    held, held_keys = tflite_variables.read_only(f)  # the handles of the variables the graph only reads (weights), and those variables
    held_read: set[int] = set()  # the values read from them
    for op in g.ops:
        i = op.index
        act = fused_activation(op)
        out_name = tensors[op.outputs[0]].name if op.outputs else ""
        base, act_base = _names(out_name, bool(act))
        name = unique(base or f"{op.opname}_{i}", i)
        for port, t in enumerate(op.outputs):
            producer[t] = name
            producer_op[t] = op.opname
            if port:
                ports[t] = port
        if op.custom and op.opname not in HANDLERS:
            uncounted.append(Uncounted(name, op.opname, f"custom op {op.opname!r}: " + _custom_reason(op.opname)))
            continue
        loop = None
        if op.opname in ("WHILE", "STABLEHLO_WHILE"):
            scalars = shape_scalars(g) if scalars is None else scalars
            loop = counted_loop(f, g, op, const, values=scalars)
        if loop is not None:
            looped.update(loop.subgraphs)
            steps, run = loop.steps, loop.run
            data = [t for t in op.inputs if t >= 0 and t not in const]
            edges = list(dict.fromkeys(producer.get(t, tensors[t].name) for t in data))
            biggest = lambda ts: max((tensors[t].shape for t in ts if tensors[t].shape is not None), key=prod, default=())  # noqa: E731
            if read is None:
                read = {t for o in g.ops for t in o.inputs} | set(g.outputs)
            results = [t for t in op.outputs if t in read] or op.outputs  # (its result: a loop variable passed through unread is not)
            layers.append(Layer(name=name, type=RECURRENT, op=op.opname, inputs=tuple(edges), input_shape=biggest(data),
                                output_shape=biggest(results), cost=replace(run, macs=run.macs * steps, other_ops=run.other_ops * steps),
                                note=f"a loop of {steps} steps, each the {loop.ops} ops of subgraph {loop.body!r}"))  # fmt: skip
            continue
        if op.opname == "CALL_ONCE" and (init := tflite_variables.initialisation(f, op, held_keys)) is not None:
            initialised.update(subgraph_indices(op))
            layers.append(Layer(name=name, type=SHAPE, op=op.opname, inputs=(), input_shape=(), output_shape=(), note=init))
            notes.append(f"{name} (CALL_ONCE) {init}")  # (a shape-only row is hidden: the note says it where the table does)
            continue
        if op.opname in CONTROL_FLOW:
            uncounted.append(Uncounted(name, op.opname, "control flow: its subgraph(s) are not counted (the weights they hold are its params)",
                                       _subgraph_params(f, op, const)))  # fmt: skip
            continue
        handler = HANDLERS.get(op.opname)
        if handler is None:
            why = NO_HANDLER_REASONS.get(op.opname) or tflite_stablehlo.no_handler_reason(op) or f"no cost handler for op {op.opname!r}"
            uncounted.append(Uncounted(name, op.opname, why))
            continue
        dynamic = next((t for t in (*op.inputs, *op.outputs) if t in unknown), None)
        if dynamic is not None:
            uncounted.append(Uncounted(name, op.opname, f"unknown shape of {tensors[dynamic].name!r}: a dynamic dimension "
                                       f"(shape_signature {list(tensors[dynamic].signature or ())}) that the file stores as 1",
                                       _learned(tensors, op.inputs, const)))  # fmt: skip
            continue
        info = NodeInfo(name, op.opname, op.options, op.inputs, tensors, const,
                        out_shapes=[tensors[t].shape for t in op.outputs], file=f)  # fmt: skip
        try:
            res = handler(info)
        except UnknownShape as err:
            uncounted.append(Uncounted(name, op.opname, f"unknown shape of {err}"))
            continue
        except HANDLER_ERRORS as err:
            uncounted.append(Uncounted(name, op.opname, cannot_derive(err)))
            continue
        if op.opname in CONST_THROUGH and info.is_const(0):  # (their other inputs: a shape, a perm)
            const.update(op.outputs)  # dequantized (float16, int8), densified, reshaped or transposed weights are weights of the next op
            origin.update((t, origin.get(op.inputs[0], op.inputs[0])) for t in op.outputs if op.inputs[0] in origin)
        elif op.opname in COPIES and op.inputs and all(t < 0 or t in const for t in op.inputs):
            # A learned table copied to a constant shape (a class token to a fixed batch of 2: round 53) is
            # a constant of more elements, counted as its table where it meets activations
            const.update(op.outputs)
            origin.update((t, origin.get(op.inputs[0], op.inputs[0])) for t in op.outputs)
        elif op.opname == "READ_VARIABLE" and op.inputs and op.inputs[0] in held:  # (a variable the graph never assigns: a weight)
            const.update(op.outputs)
            held_read.update(op.outputs)
        cost = res.cost
        notes_here: list[str] = [res.note] if res.note else []
        kernels, carried = _kernels(op, res, const, kernels_of)
        for k, field_name in res.params.items():
            t = op.inputs[k]
            if t in origin:  # (a copy of a table: the table's elements, once)
                cost, t = _uncount(cost, field_name, prod(tensors[t].shape) - prod(tensors[origin[t]].shape)), origin[t]
            if t in claimed and (field_name == "weights" and op.opname in KERNEL_OPS or t in held_read):  # (a variable's value: one tensor)
                # A kernel is random in an untrained model: one tensor for several ops is one tensor
                # of the source model too (an unrolled RNN's weights, tied weights): counted once.
                cost = _uncount(cost, field_name, prod(tensors[t].shape))
                notes_here.append(f"{field_name} {tensors[t].name!r} also used by {claimed[t]}: counted there")
                if t not in held_read:
                    shared_kernels.add(t)
            elif t in claimed and kernels & followed.get(t, frozenset()):
                # The same bias (or scale) after the same kernel: one layer of the source applied
                # again (an unrolled recurrence -- step 0 folds h0 @ U away, so x W + b there and
                # x W + h U + b after --, a tied layer group): counted once.
                cost = _uncount(cost, field_name, prod(tensors[t].shape))
                notes_here.append(f"{field_name} {tensors[t].name!r} also used by {claimed[t]} after the same kernel: counted there")
                tied.add(t)
            elif t in claimed:
                # The converter merges equal constants (the zero biases of an untrained model) into
                # one tensor; in the source model each layer had its own: counted for each op.
                notes_here.append(f"{field_name} {tensors[t].name!r} also used by {claimed[t]}: counted for each op")
                shared.add(t)
            elif (copy := _requantized(tensors[t], field_name, kernels, biases_of, name)) is not None:
                # A fully quantized file requantizes a bias for each op (a fused int32 bias's scale
                # is the input's times the kernel's): one per step of an unrolled recurrence.
                cost = _uncount(cost, field_name, prod(tensors[t].shape))
                notes_here.append(f"{field_name} {tensors[t].name!r}: {copy}'s bias after the same kernel, requantized: counted there")
                claimed[t] = name
                requantized.add(t)
            else:
                claimed[t] = name
                if field_name == "biases":
                    biases_of.update(((k, tensors[t].shape), name) for k in kernels)
                type_name = TYPE_NAMES.get(tensors[t].dtype, str(tensors[t].dtype))
                dtypes[type_name] = dtypes.get(type_name, 0) + 1
            if field_name != "weights" or op.opname not in KERNEL_OPS:
                followed[t] = followed.get(t, frozenset()) | kernels
            if not tensors[t].const:
                src = f"computed by {producer[t]} ({producer_op[t]})" if t in producer else "from graph input" if t in graph_inputs else "without data"
                notes_here.append(f"{field_name} {tensors[t].name!r} {src}")
        if carried:
            kernels_of.update((t, carried) for t in op.outputs)
        data_idx = res.data_inputs if res.data_inputs is not None else range(len(op.inputs))
        edges: list[str] = []
        in_ports: list[int] = []
        for k in data_idx:
            if k >= len(op.inputs) or op.inputs[k] < 0 or k in res.params:
                continue
            t = op.inputs[k]
            if t in const:
                continue
            src, port = producer.get(t, tensors[t].name), ports.get(t, 0)
            if (src, port) not in zip(edges, in_ports):  # (two outputs of one Split are two edges)
                edges.append(src)
                in_ports.append(port)
        in_shapes = [tensors[t].shape if t >= 0 else None for t in op.inputs]
        first = next((in_shapes[k] for k in data_idx if k < len(op.inputs) and k not in res.params and op.inputs[k] >= 0 and op.inputs[k] not in const and in_shapes[k] is not None), None)
        if first is None and res.type != SHAPE:
            first = next((s for s in in_shapes if s is not None), None)
        out_shape = tensors[op.outputs[0]].shape if op.outputs and tensors[op.outputs[0]].shape is not None else ()
        more = tuple(prod(tensors[t].shape) if tensors[t].shape is not None else 0 for t in op.outputs[1:])
        layers.append(Layer(name=name, type=res.type, op=op.opname, inputs=tuple(edges), input_shape=first or (),
                            output_shape=out_shape, cost=cost, conv=res.conv, kernel=res.kernel,
                            note="; ".join(notes_here), more_outputs=more, input_ports=tuple(in_ports) if any(in_ports) else ()))  # fmt: skip
        if act:
            act_op, fn = FUSED_ACTIVATIONS.get(act, (f"activation {act}", None))
            act_name = unique(act_base if act_base and act_base != base else f"{name}/{act_op.lower()}", i)
            if fn is None:
                uncounted.append(Uncounted(act_name, act_op, f"fused activation {act_op} of {op.opname}: no cost handler"))
                continue
            layers.append(Layer(name=act_name, type=ACTIVATION, op=act_op, inputs=(name,), input_shape=out_shape,
                                output_shape=out_shape, cost=C.activation_cost(fn, prod(out_shape)),
                                note=f"fused into {op.opname}"))  # fmt: skip
            for t in op.outputs:
                producer[t] = act_name
    if dtypes:
        notes.append("params = elements of the weight and bias tensors of every counted op (TFLite converters fold BatchNorm "
                     "into conv weights and biases); tensors: " + ", ".join(f"{n} {d}" for d, n in sorted(dtypes.items(), key=lambda kv: -kv[1])))  # fmt: skip
    for found, what, why in (
        (requantized, "quantized bias(es) requantized copies of one after the same kernel",
         ", counted once: one layer of the source model applied several times, its bias rescaled for each op"),
        (tied, "bias or scale tensor(s) applied again after the same kernel",
         ", counted once: one layer of the source model applied several times (an unrolled recurrence, a tied layer group)"),
        (shared, "bias or scale tensor(s) used by several ops",
         ": the converter merges equal constants, such as the zero biases of an untrained model, so each op counts its own copy"),
        (held_read, "tensor(s) read from resource variables the graph never assigns",
         ": the model's weights, held outside the ops (a model converted with its variables), taken as constants of their shapes"),
        (shared_kernels, "kernel(s) used by several ops",
         ", counted once: one weight of the source model applied several times (an unrolled recurrence, tied weights)"),
    ):  # fmt: skip
        if found:
            notes.append(f"{len(found)} {what} ({few(repr(tensors[t].name) for t in sorted(found))}){why}")
    inputs = [(tensors[t].name, tuple(tensors[t].shape or ()), ONNX_TYPES.get(TYPE_NAMES.get(tensors[t].dtype), 0)) for t in g.inputs]
    left = len(f.graphs) - 1 - len(inner) - len((looped | initialised) - set(inner))
    if left > 0:
        notes.insert(subgraphs_note, f"{left} more subgraph(s) (bodies of control-flow ops or other signatures) not counted"
                     + (f"; the {len(looped)} of the loop(s) counted are" if looped else ""))
    return Model(name=path.stem, source=str(path), layers=layers, uncounted=uncounted, notes=notes, inputs=inputs,
                 weight_dtype=(own := main_dtype(elements := _weight_elements(f))),
                 activation_dtype=_activation_dtype(f) if own in LOW_BITS or own in ("fp16", "bf16") or own == "int8" and _weight_only(f) else None,
                 weight_types=weight_types(elements))  # fmt: skip


def _weight_only(f: TFLiteFile) -> bool:
    """Whether most of the file's learned constants are integers that ops of float data read
    (dynamic-range quantization: int8 weights, float activations), each buffer once."""
    seen: set[int] = set()
    hybrid = total = 0
    for g in f.graphs:
        tensors = g.tensors
        for op in g.ops:
            ins = [tensors[i] for i in op.inputs if i >= 0]
            if not ins or ins[0].const:
                continue
            for t in ins[1:]:
                if t.const and t.buffer not in seen and _learnable(t):
                    seen.add(t.buffer)
                    total += prod(t.shape)
                    hybrid += prod(t.shape) if ins[0].dtype in FLOAT_TYPES and t.dtype not in FLOAT_TYPES else 0
    return 2 * hybrid > total


def _activation_dtype(f: TFLiteFile) -> str | None:
    """Of a file of low-bit weights (int4), weight-only int8 ones (:func:`_weight_only`) or
    float16 ones (DEQUANTIZEd to float32), the dtype of most of the elements of its other tensors
    (activations: int8 in a fully quantized file, float32 in a weight-only one)."""
    elements: dict[int, int] = {}
    for g in f.graphs:
        for t in g.tensors:
            code = ONNX_TYPES.get(TYPE_NAMES.get(t.dtype), -1)
            if not t.const and code in ACTIVATION_TYPES and t.shape:
                elements[code] = elements.get(code, 0) + prod(abs(d) for d in t.shape)
    return main_dtype(elements)


def _weight_elements(f: TFLiteFile) -> dict[int, int]:
    """The elements of the file's constants that can be parameters (:func:`_learnable`) by ONNX
    element type, each buffer once: their main_dtype is ``Model.weight_dtype``."""
    elements: dict[int, int] = {}
    seen: set[int] = set()
    for g in f.graphs:
        for t in g.tensors:
            if t.const and t.buffer not in seen and _learnable(t):
                seen.add(t.buffer)
                code = ONNX_TYPES.get(TYPE_NAMES.get(t.dtype), -1)
                elements[code] = elements.get(code, 0) + prod(t.shape)
    return elements
