"""ONNX reader: an ONNX graph -> :class:`dscost.layers.Model`, without reading weight bytes.

How it stays fast and small on multi-GB models, in stages:

1. :func:`dscost.readers.onnx_wire.strip` memory-maps the file and copies the
   ModelProto without the data of large tensors (kilobytes, whatever the
   weights weigh); onnx parses that copy.
2. :mod:`dscost.readers.onnx_inputs` fixes the input shapes;
   :mod:`dscost.readers.onnx_shapes` infers every tensor's shape (onnx's
   inference with data propagation, plus folding of the shape arithmetic it
   leaves open).  onnx takes the type of a data-less initializer from its
   dims, which is all a shape needs.
3. Each node goes through the op handler table of :mod:`dscost.readers.onnx_ops`
   (:class:`_Counter`); params come from initializer dims, each tensor counted once
   (:mod:`dscost.readers.onnx_claims`: which constants are parameters, and which layer counts each).
"""

from __future__ import annotations

import re
from dataclasses import replace
from math import prod
from pathlib import Path

from dscost.dtypes import main_dtype, weight_types
from dscost.errors import InputError
from dscost.layers import ACTIVATION, ADD, ELEMENTWISE, SHAPE, Layer, Model, Shape, Uncounted
from dscost.readers import onnx_inputs, onnx_lib, onnx_provenance, onnx_runtime_sizes, onnx_shapes
from dscost.readers.handlers import HANDLER_ERRORS, cannot_derive, few
from dscost.readers.onnx_node import CANNOT_RUN, CONTRIB_DOMAIN, DECLARED_CONFLICT, DEQUANTIZERS, QONNX_DOMAINS, TABLE_DOMAINS, node_attrs
from dscost.readers.onnx_order import name_before_inlining, not_utf8, sort_nodes
from dscost.readers.onnx_refusals import QDQ_OPS, SAME_PADS, TYPED_OPS, TypeChecks, dilated_same_notes, load_error, scale_shape_error, schema_error
from dscost.readers.onnx_branches import resolve_branches, resolve_shape_branches
from dscost.readers.onnx_claims import Claims, params_in_constants, params_in_inputs
from dscost.readers.onnx_eval import standard_domain, stored_literal, uniform_constant
from dscost.readers.onnx_functions import inline_functions
from dscost.readers.onnx_infer import ZERO_STRIDE, refuse_crashers
from dscost.readers.onnx_loops import LOOP_OP_TYPES, LOOPS, count_loop
from dscost.readers.onnx_masks import Masks
from dscost.readers.onnx_measure import measure
from dscost.readers.onnx_mend import NEGATIVE_INT_BYTES, POOL_BYTES, imported_note, negative_perms, unbatched_pools
from dscost.readers.onnx_uncounted import aten_reason, body_params, cannot_run_notes, no_handler_reason, outer_refs, subgraph_summary, where_lost
from dscost.readers.onnx_wire import Stripper, strip

INDEX_TYPES = (6, 7)  # TensorProto INT32, INT64
RESULT_CACHE = 50_000  # handler results kept for repeated node signatures
# onnxruntime's blocked-channel layout: what ORT_ENABLE_ALL saves on x86; channels padded to the block size.
NCHWC_REASON = ("onnxruntime NCHWc layout op (saved at ORT_ENABLE_ALL, hardware-specific, channels padded): "
                "count the model saved at ORT_ENABLE_EXTENDED, or the original")  # fmt: skip
# Progress bar from this many nodes (or this many bytes of file).
PROGRESS_NODES = 5000
IF_OP_TYPE = b'"\x02If'  # NodeProto.op_type (field 4, length-delimited) == "If", as written on the wire
PROGRESS_BYTES = 200 * 1024 * 1024


# --------------------------------------------------------------------------
# Attributes and subgraphs


def _first(data_idx, params: dict, in_shapes, type_: str) -> Shape:
    """A layer's input shape: its first data input's (a parameter is not one), else any input's
    (not for a shape op); () when none is known."""
    n_in = len(in_shapes)
    for i in data_idx:
        if i < n_in and i not in params and in_shapes[i] is not None:
            return in_shapes[i]
    if type_ != SHAPE:
        return next((s for s in in_shapes if s is not None), ())
    return ()


# --------------------------------------------------------------------------
# The reader


def read_onnx(path: str | Path, input_shapes: dict[str, tuple] | None = None, progress: bool = False, dims: dict[str, int] | None = None,
              input_values: dict[str, int] | None = None, module_tensors: dict[str, bool] | None = None, measure_sizes: bool = False,
              feeds: dict | list | None = None) -> Model:
    """Read an ONNX graph into a Model; weight bytes are never read (but a mask's: :mod:`onnx_masks`).

    ``input_shapes`` overrides graph input shapes (``{"input": (1, 3, 224, 224)}``);
    ``dims`` gives symbolic dimensions a value by name (``{"sequence_length": 128}``);
    ``input_values`` the value of one-element flag inputs (``{"use_cache_branch": 1}``): an If
    on one counts the branch that runs (:mod:`onnx_branches`), a Loop whose trip count is one runs
    that many times (:mod:`onnx_loops`).
    ``measure_sizes``: the sizes no shape inference gives (a ``NonZero``'s, what follows NMS) are
    those of one onnxruntime run (:mod:`onnx_measure`), on ``feeds`` when given.
    ``progress`` shows a progress bar on stderr for big graphs (only on a TTY).
    ``module_tensors``, for the export of a PyTorch module: its parameters (True) and buffers (False) by name, completed from
    a dynamo export's record (:mod:`onnx_provenance`).  Its buffers and the graph's Constant nodes (the forward computed
    them) count as buffers; its one-element parameters as params (a file's are taken for literals).

    A graph in which some node's shapes contradict each other (:mod:`onnx_declared`: a file
    inferred at one size, then its input edited) is read again with its declared shapes
    forgotten, as onnxruntime runs it, taken with fewer such nodes and fewer uncounted ones, or as many of each (a Reshape
    fixed at the old batch: it names that Reshape, not the first node after the input); so is a graph whose declared shapes onnx's inference refuses."""
    args = (path, input_shapes, progress, dims, input_values, module_tensors, measure_sizes, feeds)
    try:
        model = _read(*args)
    except InputError as err:  # (onnx's inference refuses a declared shape that contradicts an initializer's; onnxruntime ignores it)
        if "shape inference failed" not in str(err):
            raise
        try:
            return _read(*args, forget=True)
        except InputError:
            raise err from None
    if _conflicts(model):
        again = _read(*args, forget=True)
        (c1, n1), (c2, n2) = ((_conflicts(m), len(m.uncounted)) for m in (model, again))
        if (c2 < c1 and n2 < n1) or (c2 == c1 and n2 <= n1):
            return again
    return model


def _conflicts(model: Model) -> int:
    return sum(1 for u in model.uncounted if CANNOT_RUN in u.reason or DECLARED_CONFLICT in u.reason)


def _read(path, input_shapes, progress, dims, input_values, module_tensors, measure_sizes, feeds, forget: bool = False) -> Model:
    """:func:`read_onnx`, once (``forget``: the file's declared shapes)."""
    from dscost.files import regular_file
    from dscost.progress import Progress

    path = regular_file(path, "model file")
    stripped, st = strip(path)
    mp, onnx = _parse(path, stripped)
    from_module = module_tensors is not None  # (a module's export: which tensors are learned is known, not guessed)
    module_tensors, lifted = onnx_provenance.learned(stripped, mp.graph, module_tensors, st.initializers,
                                                     lambda name: stored_literal(st, st.initializers[name], "tensors folded from a zero state"))
    maybe_if = IF_OP_TYPE in stripped  # (a byte search, no walk over 100k nodes; a false hit only costs that walk)
    maybe_loop = any(t in stripped for t in LOOP_OP_TYPES)  # (Loop/Scan bodies are inferred: onnx_loops)
    maybe_dynamic = onnx_inputs.DYNAMIC_DIM_BYTES in stripped  # (paddle2onnx's -1 dims)
    maybe_negative = NEGATIVE_INT_BYTES in stripped and b"Transpose" in stripped  # (onnx_mend: perm from the end)
    maybe_pool = POOL_BYTES in stripped  # (onnx_mend: a pool without its batch axis)
    maybe_checked = onnx_shapes.VALUE_CHECKED in stripped  # (a Col2Im: its blocks are checked)
    maybe_resized = onnx_runtime_sizes.may_differ(stripped)  # (sizes onnx's inference gets other than onnxruntime)
    maybe_same = any(p in stripped for p in SAME_PADS)  # (a Conv onnxruntime refuses: dilated_same_notes)
    zero_stride = ZERO_STRIDE.search(stripped) is not None  # (onnx 1.17's inference dies of one: refused before it runs)
    maybe_norm = b"LayerNormalization" in stripped  # (and onnx 1.23's of a LayerNormalization axis of 2**31 or more)
    del stripped
    show = progress and (st.n_nodes >= PROGRESS_NODES or path.stat().st_size >= PROGRESS_BYTES)
    with Progress(show, st.n_nodes, "inferring shapes") as bar:
        notes = onnx_lib.check_opsets(path, mp, st, onnx)
        has_if = maybe_if and any(n.op_type == "If" for n in mp.graph.node)
        named = name_before_inlining(path, mp) if has_if or mp.functions else 0
        if mp.functions:
            mp = inline_functions(path, mp, notes)
            has_if = any(n.op_type == "If" for n in mp.graph.node)
        onnx_inputs.densify_sparse(mp.graph)
        declared = {o.domain for o in mp.opset_import}  # (a domain the nodes use and the file does not import: imported by the inference, said)
        real_inputs = onnx_inputs.real_inputs(path, mp, st.initializers, notes)
        resolve_branches(path, mp, real_inputs, input_values, notes, has_if)
        names, made = sort_nodes(path, mp.graph)
        onnx_inputs.fix_inputs(mp.graph, real_inputs, input_shapes, path, notes, dims, forget)
        weights_in = params_in_inputs(mp.graph, st.initializers)  # (a file written without its weights: they are inputs)
        if weights_in:
            notes.append(f"{len(weights_in)} graph inputs are weights the file does not store, by where the graph reads them (as torch.onnx.export(..., "
                         f"export_params=False) writes a model): counted as parameters from their shapes, not as inputs ({few(map(repr, weights_in))})")  # fmt: skip
            real_inputs = [vi for vi in real_inputs if vi.name not in weights_in]  # (a few names: a list looked through is fine)
        if maybe_loop or zero_stride or maybe_norm:  # (what onnx's inference would crash on)
            refuse_crashers(mp.graph, path, scans=maybe_loop, strides=zero_stride, norms=maybe_norm)
        if maybe_negative:
            notes += negative_perms(mp.graph, names)
        opened = onnx_inputs.open_dynamic_dims(mp.graph) if maybe_dynamic else 0
        if opened:
            notes.append(f"{opened} declared dimension(s) of -1 (dynamic) in the graph's outputs and value_info are inferred")
        infer = lambda m=mp, outputs=None, seeds=None: onnx_shapes.infer(m, path, onnx, st, maybe_loop, input_values=input_values, node_outputs=outputs,  # noqa: E731
                                                                          seeds=seeds, checks=maybe_checked)  # fmt: skip
        inferred = infer(outputs=made)
        if has_if:  # Ifs on tensor shapes: the shapes of this inference fold their conditions; inlined, the graph is inferred again
            first = [inferred.shapes]
            if resolve_shape_branches(mp.graph, lambda: first.pop() if first else infer().shapes, notes, mp.opset_import):
                names, made = sort_nodes(path, mp.graph)
                if maybe_loop or zero_stride or maybe_norm:
                    refuse_crashers(mp.graph, path, scans=maybe_loop, strides=zero_stride, norms=maybe_norm)
                inferred = infer(outputs=made)
        while maybe_pool and unbatched_pools(mp.graph, inferred.shapes, mp.opset_import, notes):  # (each inference: the next pools' ranks)
            names, made = sort_nodes(path, mp.graph)
            inferred = infer(outputs=made)
        if maybe_resized:
            inferred = onnx_runtime_sizes.runtime_sizes(mp.graph, inferred, lambda m=made: infer(outputs=m), notes, mp.opset_import)
        untaken = []  # (the If branches a measured run did not take that hold work: listed as uncounted)
        if measure_sizes:
            inferred, names, made, untaken = measure(path, mp, inferred, infer, notes, (onnx_inputs.input_list(real_inputs), input_values, feeds), names, made, maybe_loop,
                                                     st.external_files)  # fmt: skip
        notes += imported_note(mp, declared)
        del mp, made
        notes += inferred.notes
        g = inferred.graph
        bar.stage("counting nodes")
        counter = _Counter(inferred, st, path, weights_in)
        counter.module_tensors, counter.masks.off = module_tensors, from_module  # (a module's export: its masks are its buffers)
        for index, (node, name) in enumerate(zip(g.node, names)):
            if index % 1000 == 999:
                bar.advance(1000)
            counter.visit(node, name)
        for name, reason, refs in untaken:
            counter._uncounted(name, "If", reason, refs, [], False)
        notes += lifted + onnx_provenance.notes(counter.provenance, counter.literal_weights)
        counter.masks.say(notes)
        notes += cannot_run_notes(counter.uncounted, counter.typing.refused, counter.misshapen) + (dilated_same_notes(g) if maybe_same else [])
        if counter.lost:
            where_lost(counter.uncounted, counter.lost, counter.shapes, g, names, {n for n, t in st.initializers.items() if t.location})
    for cost in {id(layer.cost): layer.cost for layer in counter.layers}.values():  # (each distinct one: repeated blocks share theirs)
        if min(cost.__dict__.values()) < 0:  # impossible after the checks above; a count must never pass a gate by being negative
            layer = next(layer for layer in counter.layers if layer.cost is cost)
            raise InputError(f"{path}: node {layer.name!r} gives a negative count ({layer.cost}); its tensors' dimensions are inconsistent")
    renamed = named + sum(1 for node, name in zip(g.node, names) if node.name != name)
    if len(types := weight_types(elements := counter.weight_types())) > 1:
        counter.layer_weight_bits()
    return Model(name=path.stem, source=str(path), layers=counter.layers, uncounted=counter.uncounted, notes=notes,
                 inputs=onnx_inputs.input_list(real_inputs), renamed_nodes=renamed, input_values=dict(input_values or {}),
                 outputs=tuple(o.name for o in g.output), weight_dtype=(own := main_dtype(elements)),
                 activation_dtype=counter.activation_dtype(own), weight_types=types)  # fmt: skip


def read_input_shapes(path: str | Path, input_shapes: dict[str, tuple] | None = None, dims: dict[str, int] | None = None) -> list[tuple]:
    """(name, shape, element type) of every real input of the ONNX graph at ``path``, as
    :func:`read_onnx` fixes them (``input_shapes``, ``dims``, symbolic batch -> 1), without
    inferring or counting the graph: what onnxruntime runs of it are fed (bench, convert)."""
    from dscost.files import regular_file

    path = regular_file(path, "model file")
    stripped, st = strip(path)
    mp, _ = _parse(path, stripped)
    real_inputs = onnx_inputs.real_inputs(path, mp, st.initializers)
    onnx_inputs.fix_inputs(mp.graph, real_inputs, input_shapes, path, [], dims)
    return onnx_inputs.input_list(real_inputs)


def _parse(path: Path, stripped: bytes):
    from google.protobuf.message import DecodeError

    onnx = onnx_lib.load()

    try:
        return onnx.ModelProto.FromString(stripped), onnx
    except (DecodeError, RuntimeError, ValueError) as err:
        raise InputError(f"{path}: not a valid ONNX model ({str(err).splitlines()[0] if str(err) else 'protobuf parse error'})") from None


# torch's TorchScript exporter names a Constant node's output ``/scope/Constant_12_output_0``; onnxslim and
# onnx-simplifier (ultralytics' export) keep that name when they store it as an initializer
FOLDED_CONSTANT = re.compile(r"(?:^|/)Constant(?:_\d+)?_output_0$")
# Ops that write into their first input: a stored buffer of one value there is a literal, not a parameter
SCATTERS = frozenset({"ScatterND", "ScatterElements", "Scatter", "TensorScatter"})


class _Counter(Claims):
    """Walks the inferred graph's nodes in order and builds the layers: the op handler's cost,
    parameters counted once each, and the graph edges.

    Parameters.  A constant is an initializer, a Constant node's output, or the output of a
    node whose inputs are all constants (a Transpose, Reshape, Gather or DequantizeLinear of
    weights, a Conv or Mul of constants); each constant knows the *source* tensors
    (initializers, Constant nodes) that flow into it through data inputs (the handler's
    ``data_inputs``: a Gather's table, not its indices) and parameter inputs (the weight and
    bias of a Conv on a constant grid, the bias Added to a constant table; not BatchNorm's
    running stats).  A tensor in a handler's parameter input counts the elements of its
    sources not counted yet (a graph input used as a weight counts itself, once); one computed from
    activations is data, not a parameter.  Any other float (or 16-, 8- or 4-bit quantized) constant
    source with more than one element that reaches a node mixing it with activations -- an Embedding table in a Gather, a
    class token in an Expand or Concat, an attention-bias table -- is a parameter too, counted
    as weights by the first layer (or uncounted node) consuming it.  There, and in the constant
    operand of an element-wise op (a bias or scale), only initializers count: a Constant node
    is a value of the model's code (Swin's attention mask), while frameworks store learned
    tensors as initializers; a Constant node in a weight input (Conv, Gemm, MatMul, norm) counts,
    and so does every one in a file that stores its parameters in Constant nodes (paddle2onnx:
    ``onnx_claims.params_in_constants``).  A constant divided by a run-time quantization scale is
    still that constant (the old dynamic quantizer's int32 conv bias).  Other integer tensors and
    constants that only feed shape arithmetic are not parameters, nor is a Constant node filled
    with one repeated value or an identity matrix (a literal of the model's code, like the zero initial
    state of an RNN; torch.onnx writes parameters as initializers).  An Identity of a stored constant is a
    source of its own (torch.onnx writes equal weights as Identity copies of one: distinct
    parameters); of a computed one (a resolved If's branch output), it has that one's sources.
    """

    def __init__(self, inferred, st: Stripper, path: Path, weights_in: list[str] = ()):
        from dscost.readers import onnx_ops

        g = inferred.graph
        self.path = path
        self.ops = onnx_ops
        self.shapes: dict[str, Shape | None] = inferred.shapes
        self.types: dict[str, int] = inferred.types
        self.opset = inferred.opset
        self.bodies = inferred.bodies  # Loop/Scan: onnx_loops.Body by onnx_loops.key
        self.bad = inferred.bad  # nodes that cannot run, by first output (onnx_refusals.VALUE_CHECKS, types_differ)
        self.const: dict[str, int] = {}  # constant tensor -> ONNX data type
        self.sources: dict[str, tuple[str, ...]] = {}  # constant tensor -> its source tensors
        for t in st.initializers.values():
            self.const[t.name], self.sources[t.name] = t.dtype, (t.name,)
        for t in g.initializer:  # nested duplicates are fine
            self.const.setdefault(t.name, t.data_type)
            self.sources.setdefault(t.name, (t.name,))
        self.weights_in = frozenset(weights_in)  # graph inputs that are weights (onnx_claims.params_in_inputs): constants without values
        for t in weights_in:
            self.const[t], self.sources[t] = self.types.get(t, 1), (t,)
        self.const_node: dict[str, str] = {}  # Constant-node output -> node name
        for t in st.initializers:  # a Constant node a simplifier stored as an initializer, under its output's name: one still
            if "Constant" in t and FOLDED_CONSTANT.search(t):
                self.const_node[t] = t[: -len("_output_0")]
        self.weight_only = False  # most weights packed by a weight-only quantizer's ops (Claims.weight_types)
        self.dynamic = False  # activations quantized at run time (DynamicQuantizeLinear, DynamicQuantizeMatMul): float between ops
        self.packed: dict[str, tuple] = {}  # (u)int8 sources of low-bit weights packed into bytes -> (bits, value type, values or None) (Claims._weight_op)
        self.not_params: set[str] = set()  # claimed sources counted as buffers (BN statistics, a module's buffers, masks): not in weight_types
        self.held: dict[str, tuple[str, ...]] = {}  # derived constant -> Constant-node sources left out on its way (see _derive)
        self.literals: set[str] = set()  # Constant nodes filled with one value: literals, not parameters
        # whether a Constant node an element-wise op meets is a value of the model's code, not a parameter: yes,
        # but in a file that stores its parameters in Constant nodes (paddle2onnx: onnx_claims.params_in_constants)
        self.code_constants = not params_in_constants(g, st.initializers)
        self.real_inputs = {vi.name for vi in g.input if vi.name not in st.initializers and vi.name not in self.weights_in}
        self.layers: list[Layer] = []
        self.uncounted: list[Uncounted] = []
        self.producer: dict[str, str] = {}  # tensor -> layer/node name
        self.producer_op: dict[str, str] = {}
        self.port: dict[str, int] = {}  # a later output of a multi-output node -> its index
        self.claimed: dict[str, str] = {}  # source (or graph input) tensor -> first layer counting it
        self.provenance: dict[str, list[str]] = {}  # source of params that are not initializers -> layers
        self.results: dict[tuple, object] = {}  # handler results by node signature (see visit)
        self.lost: list[tuple[int, str]] = []  # (index in uncounted, the tensor whose shape is unknown)
        self.literal_weights: list[str] = []  # convs and matmuls whose weight input is a literal (the onnx package's "light" models)
        self.module_tensors: dict[str, bool] | None = None  # a PyTorch module's export: read_onnx's module_tensors (or a dynamo file's record)
        self.scales: set[str] = set()  # run-time quantization scales (DynamicQuantizeLinear's y_scale) and their products
        self.weighted: set[str] = set()  # sources that entered a constant through a parameter input (a Gemm's weights on a constant input)
        self.masks, self.wire = Masks(path, st), st  # (read_onnx turns masks off for a module's export)
        self.typing = TypeChecks(self.types, self.opset)
        self.misshapen: list[str] = []  # "'name' (op: why)": nodes of a shape onnxruntime refuses that still count (scale_shape_error)

    def _numel(self, t: str) -> int:
        return prod(self.shapes.get(t) or ())

    def visit(self, node, name: str) -> None:
        op, domain, inputs, outputs = node.op_type, node.domain, node.input[:], node.output[:]  # (a slice of a repeated field: a list, made faster than by list())
        try:
            "".join((op, domain, *inputs, *outputs))  # (a TypeError at a field protobuf gave as bytes)
        except TypeError:
            field, value = next((f, v) for f, v in (("op type", op), ("domain", domain), *(("input name", t) for t in inputs),
                                                    *(("output name", t) for t in outputs)) if v.__class__ is bytes)  # fmt: skip
            raise InputError(f"{self.path}: node {name!r}: {not_utf8(field, value)}") from None
        producer, producer_op, const = self.producer, self.producer_op, self.const
        for t in outputs:
            if t:
                producer[t] = name
                producer_op[t] = op
        for port, t in enumerate(outputs[1:], 1):
            if t:
                self.port[t] = port
        if op == "Constant" or op == "Identity" or not inputs or not inputs[0] or inputs[0] in const:
            derived = self._constants(node, name, op, domain, inputs, outputs)
        else:  # (its first input is an activation: not a constant)
            derived = False
        if op in SCATTERS and inputs and inputs[0] in self.wire.initializers and inputs[0] not in self.claimed and inputs[0] not in self.literals \
                and stored_literal(self.wire, self.wire.initializers[inputs[0]]):  # fmt: skip
            self.sources[inputs[0]] = ()  # a buffer of one value to scatter into (torch's new_zeros, stored by a simplifier): a literal
            self.literals.add(inputs[0])
        if self.bad and outputs and outputs[0] in self.bad:
            return self._uncounted(name, op, self.bad[outputs[0]], inputs, outputs, derived)
        if ((op in TYPED_OPS or "" in inputs or not inputs) and domain in ("", "ai.onnx") and (why := load_error(op, node, inputs, outputs, self.types, self.opset))
                or self.typing.fit.get(op) is not True and domain in ("", "ai.onnx") and (why := self.typing.error(op, name, inputs))):  # fmt: skip
            return self._uncounted(name, op, why, inputs, outputs, derived)
        if op in QDQ_OPS and len(inputs) > 1 and domain in ("", "ai.onnx") and (why := scale_shape_error(node, inputs, self.shapes)):
            self.misshapen.append(f"{name!r} ({op}: {why})")
        ops = self.ops
        sig = op
        if domain in ("", "ai.onnx"):
            if op in ops.CONTROL_FLOW:
                refs = outer_refs(node)
                derived = derived and all(t in const for t in refs)  # (a body reading activations makes none)
                why = count_loop(self, node, name, refs) if op in LOOPS and not derived else ""
                if why is None:  # a Loop/Scan counted as its body times its iterations
                    return
                why = f"{why}; {subgraph_summary(node)}" if why else subgraph_summary(node)
                if op == "If" and inputs and inputs[0] in self.real_inputs:  # optimum's merged decoders: use_cache_branch
                    why += f"; which branch runs depends on the graph input {inputs[0]!r} (give it: --input-value {inputs[0]}=0 or 1)"
                elif op == "If" and inputs and inputs[0]:  # (an If that folding or the shapes decide was inlined before the count)
                    why = f"If: which branch runs is decided at run time (its condition {inputs[0]!r} is not a constant of the graph); {why}"
                # the weights its bodies use from the graph exist whichever branch runs: its params
                return self._uncounted(name, op, why, inputs + refs, outputs, derived, own=body_params(node))
            handler = ops.HANDLERS.get(op)
            if handler is None:
                return self._uncounted(name, op, no_handler_reason(op, node), inputs, outputs, derived)
        elif domain in TABLE_DOMAINS:
            from dscost.readers.onnx_contrib import domain_table  # (imported when a graph has such ops; it registers their shapes)

            table, why = domain_table(domain)
            handler, sig = table.get(op), (domain, op)
            if handler is None:
                return self._uncounted(name, op, why(op), inputs, outputs, derived)
        elif domain == "com.microsoft.nchwc":
            return self._uncounted(name, op, NCHWC_REASON, inputs, outputs, derived)
        else:
            return self._uncounted(name, op, aten_reason(node) if op == "ATen" else f"custom op of domain {domain!r}: no cost handler", inputs, outputs, derived)
        get = self.shapes.get
        in_shapes = tuple([get(t) if t else None for t in inputs])
        out_shapes = tuple([get(t) if t else None for t in outputs])
        # A handler's result depends on the op, its attributes, the shapes, and which inputs are
        # present ("": absent) and constant (of which type; None: not a constant): repeated blocks are computed once.
        attributes = node.attribute
        key = (sig, tuple([a.SerializeToString() for a in attributes]) if attributes else (), in_shapes, out_shapes,
               tuple([const.get(t) if t else "" for t in inputs]))  # fmt: skip
        known = self.results.get(key)
        if known is None:
            known = self._handle(node, name, op, handler, inputs, outputs, in_shapes, out_shapes, key)
            if known.__class__ is list:  # (not counted: the reason)
                lost, why = known
                if lost:
                    self.lost.append((len(self.uncounted), lost))
                packed = None
                if domain == CONTRIB_DOMAIN:  # (its low-bit weights count in values, as when counted)
                    from dscost.readers.onnx_contrib_lowbit import packed_params

                    packed = packed_params(op, attrs := node_attrs(node) if node.attribute else {}, in_shapes, const.get(inputs[0]) if inputs else None)
                    self._weight_op(op, attrs, inputs)
                return self._uncounted(name, op, why, inputs, outputs, derived, packed)
        res, data_idx, has_const, first, edge_idx, out0, more = known
        if op == "DynamicQuantizeLinear":
            self.scales.add(outputs[1] if len(outputs) > 1 else "")  # its y_scale, which onnxruntime's quantize_dynamic multiplies
            self.dynamic = True
        elif self.scales and op in ("Mul", "Div") and not self.scales.isdisjoint(inputs) and all(t in self.scales or t in const for t in inputs):
            if op == "Div" and inputs[0] not in self.scales:  # a constant divided by a run-time scale: that constant in its units, still
                derived, data_idx = True, [0]  # a constant of its sources (onnx.quantize 0.1.0's conv bias: Floor(Div(B, x_scale * w_scale)))
            else:
                self.scales.update(outputs)  # by the weights' scale per channel: a scale too, no params
                res, data_idx = replace(res, params={}, cost=replace(res.cost, weights=0)), [i for i, t in enumerate(inputs) if t in self.scales]
                edge_idx = data_idx
        if derived:  # constants in, a constant out: its sources (data and parameter inputs, not BN's running stats) flow on
            # -- but not through Shape or Size, whose value is the input's shape, none of its elements (tf2onnx's measured copy of a weight)
            self._derive(outputs, [] if op in ("Shape", "Size") else [t for i, t in enumerate(inputs) if i in data_idx or res.params.get(i, "buffers") != "buffers"],
                         stored_only=res.type in (ADD, ELEMENTWISE, ACTIVATION), quantized=op in DEQUANTIZERS)  # fmt: skip
            if res.params and res.type not in (ADD, ELEMENTWISE):
                self.weighted.update(s for i, kind in res.params.items() if kind != "buffers" and i < len(inputs) for s in self.sources.get(inputs[i], ()))
            cost, params, notes = replace(res.cost, weights=0, biases=0, norm_params=0, buffers=0), {}, None
        elif res.params or has_const:
            notes = [res.note] if res.note else []
            cost, params = res.cost, res.params
            if params:
                cost, notes, params = self._claim_params(name, res, inputs, cost, notes)
                first = _first(data_idx, params, in_shapes, res.type)
                if domain == CONTRIB_DOMAIN:
                    self._weight_op(op, node_attrs(node) if node.attribute else {}, inputs)
            if has_const:
                cost = self._claim_rest(name, inputs, [i for i in data_idx if i not in params and i not in res.states], cost, notes, res.type in (ADD, ELEMENTWISE),
                                         "biases" if op in ("Add", "Sub") else "weights")  # fmt: skip
                if res.states and self.weighted:
                    cost = self._claim_states(name, [inputs[i] for i in res.states if i < len(inputs)], cost, notes)
        else:  # (the usual node: activations in, no parameters)
            cost, params, notes = res.cost, res.params, None
        edges, ports = self._edges(inputs, edge_idx, params)
        self.layers.append(Layer(name, res.type, op, edges, first, out0, cost, res.conv, res.kernel,
                                 "; ".join(notes) if notes is not None else res.note, tuple(outputs), more, ports))  # fmt: skip

    def _handle(self, node, name: str, op: str, handler, inputs: list[str], outputs: list[str], in_shapes: tuple, out_shapes: tuple, key: tuple):
        """The handler's result for a node signature not seen yet, with what :meth:`visit` derives
        from it alone (cached by ``key``); or [the tensor whose shape is unknown or "", reason] when
        it cannot be counted."""
        ops, n_in = self.ops, len(inputs)
        if key[0].__class__ is str and (why := schema_error(op, node, n_in, len(outputs), self.opset)):  # (the default domain: sig is the op)
            return ["", why]
        info = ops.NodeInfo(name, op, node_attrs(node) if node.attribute else {}, inputs, outputs, list(in_shapes), list(out_shapes), self.const)
        try:
            res = handler(info)
        except ops.UnknownShape as err:
            return [err.tensor, f"unknown shape of {err}"]
        except HANDLER_ERRORS as err:
            return ["", cannot_derive(err)]
        if len(self.results) >= RESULT_CACHE:
            self.results.clear()
        data_idx = res.data_inputs if res.data_inputs is not None else [i for i in range(n_in) if i not in res.params]
        # With no parameter inputs (``params`` stays {}), where a layer's edges and input shape come from is the key's too
        edge_idx = data_idx if not res.params else [i for i in range(n_in) if i in data_idx or i in res.params]
        has_const = any(c.__class__ is int for c in key[4])
        more = tuple([prod(s) if s is not None else 0 for s in out_shapes[1:]]) if len(out_shapes) > 1 else ()
        out0 = out_shapes[0] if out_shapes and out_shapes[0] is not None else ()
        known = self.results[key] = (res, data_idx, has_const, _first(data_idx, {}, in_shapes, res.type), edge_idx, out0, more)
        return known

    def _constants(self, node, name: str, op: str, domain: str, inputs: list[str], outputs: list[str]) -> bool:
        """Record the constants this node makes; True when its outputs are derived constants."""
        if op in ("Constant", "GivenTensorFill") and domain in ("", "ai.onnx"):  # (Caffe2's GivenTensorFill: onnx_legacy)
            for a in node.attribute:
                dtype = a.t.data_type if a.HasField("t") else (7 if a.name.startswith("value_int") else 1)
                literal = uniform_constant(a) or bool(outputs) and outputs[0] in self.wire.constants and stored_literal(self.wire, self.wire.constants[outputs[0]])
                for t in outputs:
                    self.const[t], self.sources[t] = dtype, () if literal else (t,)
                    self.const_node[t] = name
                    if literal:
                        self.literals.add(t)
                    if a.HasField("t"):
                        if any(d < 0 for d in a.t.dims):
                            raise InputError(f"{self.path}: Constant node {name!r} has a negative dimension (dims {list(a.t.dims)})")
                        self.shapes[t] = tuple(a.t.dims)
            return False
        const = self.const
        if op == "Identity" and inputs and inputs[0] in const:
            src = self.sources.get(inputs[0], ())  # a copy of a stored tensor: a parameter of its own (the class docstring); of a computed one, its sources
            for t in outputs:
                const[t], self.sources[t] = const[inputs[0]], (t,) if src == (inputs[0],) else src
            return True
        present = False
        for t in inputs:
            if t:
                if t not in const:
                    return False
                present = True
        return present and (standard_domain(node) in ("", "ai.onnx") or domain in QONNX_DOMAINS)

    def _derive(self, outputs: list[str], data_inputs: list[str], stored_only: bool = False, quantized: bool = False) -> None:
        """Outputs of a node with constant inputs are constants; their sources are those of
        the data inputs, int32/int64 ones left out (shapes and indices, never parameters) unless
        ``quantized`` (a DequantizeLinear: its int32 input is a quantized bias, and its constant
        input a quantized weight however it is stored); with ``stored_only`` (an element-wise op,
        but DequantizeLinear) Constant nodes left out too (values of the model's code: a sinusoid
        table through Sin and Cos)."""
        const_node = self.const_node if stored_only and not quantized and self.code_constants else ()
        ints = () if quantized else INDEX_TYPES
        every = [s for t in data_inputs if t for s in self.sources.get(t, ())] + list(self.held.get(data_inputs[0], ()) if quantized and data_inputs else ())
        srcs = tuple(dict.fromkeys(s for s in every if self.const.get(s) not in ints and s not in const_node))
        # Constant-node sources of its first input an element-wise op left out, held back for a DequantizeLinear further on
        # (torch's quantized conv bias: Constant -> Div by the scales -> Cast to int32 -> DequantizeLinear: a bias, not code)
        first = data_inputs[0] if data_inputs and data_inputs[0] else ""  # (the value quantized: a Div's numerator, not the scales)
        held = tuple(dict.fromkeys([*(s for s in self.sources.get(first, ()) if s in const_node), *self.held.get(first, ())])) if first else ()
        for t in outputs:
            if t and t not in self.sources:  # (an Identity copy is its own source)
                self.const[t] = self.types.get(t, 1)
                self.sources[t] = srcs
                if held and not quantized:
                    self.held[t] = held

    def _uncounted(self, name: str, op: str, reason: str, inputs: list[str], outputs: list[str], derived: bool, packed: dict[int, int] | None = None,
                   own: int = 0) -> None:  # fmt: skip
        """List a node as uncounted, with the params of its learned constant inputs (their elements;
        ``packed``: input index -> its params instead, for a low-bit weight op's inputs) and ``own``
        (the weights its subgraphs hold)."""
        if derived:  # (constants in: its outputs are constants, whose sources a later layer counts)
            self._derive(outputs, inputs)
            weights = 0
        elif packed:
            rest = [i for i in range(len(inputs)) if i not in packed]
            weights = self._claim_rest(name, inputs, rest, None, [])
            for i, count in packed.items():  # (a count of 0, its scales and zero points: not params, left unclaimed as when counted)
                if count and i < len(inputs) and inputs[i] in self.const and self._unclaimed(inputs[i], name, learned_only=False)[1]:
                    weights += count
        else:
            weights = self._claim_rest(name, inputs, range(len(inputs)), None, [])
        self.uncounted.append(Uncounted(name, op, reason, params=weights + (own if not derived else 0)))

    def _edges(self, inputs: list[str], data_idx, params: dict) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The layers (or graph inputs) the data inputs come from, and which output of each
        (``Layer.input_ports``: () when every one is a first output)."""
        edges: list[str] = []
        ports: list[int] = []
        const, get, port, n = self.const, self.producer.get, self.port, len(inputs)
        seen: set = set()  # (a set: a Sum or Concat of 50,000 inputs must not compare each with every other)
        for i in data_idx:
            if i >= n or i in params:
                continue
            t = inputs[i]
            if not t or t in const:
                continue
            src = get(t, t)
            if not port:  # (no multi-output node so far: every edge reads a first output)
                if src not in seen:
                    seen.add(src)
                    edges.append(src)
                continue
            k = port.get(t, 0)  # (a graph with multi-output nodes: two outputs of one Split are two edges)
            if (src, k) not in seen:
                seen.add((src, k))
                edges.append(src)
                ports.append(k)
        return tuple(edges), tuple(ports) if port and any(ports) else ()

