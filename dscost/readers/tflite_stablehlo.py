"""Handlers of TFLite's ``STABLEHLO_*`` builtin ops: StableHLO kept as it is in a TFLite file.

TensorFlow's converter writes them with ``target_spec.supported_ops =
[tf.lite.OpsSet.EXPERIMENTAL_STABLEHLO_OPS]``, and LiteRT's StableHLO path (JAX, PyTorch through
litert-torch) keeps some -- ``STABLEHLO_COMPOSITE`` above all.  Their options are in the
operator's ``builtin_options_2`` (:data:`dscost.readers.tflite_file.OPTION2_FIELDS`).  Broadcasts
are explicit ops: a conv's bias is a constant (C,) broadcast to the conv's output, then added.

How each is counted:

* ``CONVOLUTION``: its dimension numbers say which axes of the input, the kernel and the output
  are batch, feature and spatial, whatever the layout; ``feature_group_count`` is the groups
  (depthwise when it is the input's channels).  A :class:`ConvGeom` and ``cost.conv_cost``, as
  ``CONV_2D``; an lhs dilation above 1 is a transposed conv, ``cost.conv_transpose_cost`` as
  ``TRANSPOSE_CONV``.  A ``batch_group_count`` above 1 (a weight gradient) is not counted.
* ``DOT_GENERAL``: batch x free lhs x free rhs x contracted, ``cost.matmul_cost``; a constant
  rhs without batch dimensions is a linear layer, as ``BATCH_MATMUL``.
* Element-wise ops as their TFLite twins (:data:`TWINS`); ``CLAMP`` as a clip.  A learned
  constant broadcast into an ``ADD``/``SUBTRACT`` (biases) or ``MULTIPLY``/``DIVIDE`` (weights)
  counts its own elements, as the twin counts a constant operand; the constant a reduction is
  divided by (an average pool's, a mean's element count) is not a weight, nor a constant of the
  output's (rank 4 or more) shape: the converter folds a broadcast of a splat (the BatchNorm
  scale of an untrained model) into one, the value repeated over the feature map.
* Data movement (reshape, transpose, broadcast, slices, pad, gather, scatter, iota, convert):
  zero cost, the output tensors' shapes.  A ``SCATTER`` whose update computation does
  arithmetic costs its ops per update element.
* ``REDUCE_WINDOW`` (pooling) and ``REDUCE``: one run of the body subgraph (its ops, one each)
  per window element of each output (``cost.pool_cost``), per input element
  (``cost.global_pool_cost``).
* ``COMPOSITE``: the ops of its decomposition subgraph, each by its handler (constants passed as
  operands are constants there); ``WHILE``: as TFLite's ``WHILE`` (:mod:`tflite_loops`).
* ``RNG_BIT_GENERATOR``: one op per generated element, as the random ops; ``SORT`` and
  ``CUSTOM_CALL`` are uncounted, saying why (:func:`no_handler_reason`).

Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.layers import ACTIVATION, CONV_TRANSPOSE, ELEMENTWISE, FC, GLOBAL_POOL, MATMUL, POOL, SHAPE, ConvGeom, Cost
from dscost.readers.handlers import HANDLER_ERRORS, Result, UnknownShape
from dscost.readers.tflite_file import CONTROL_FLOW, FLOAT_TYPES, FUSED_ACTIVATIONS, TFLiteFile
from dscost.readers.tflite_ops import HANDLERS, NodeInfo, fused_activation, handles

# StableHLO op -> the TFLite builtin whose handler counts it
TWINS = {"STABLEHLO_ADD": "ADD", "STABLEHLO_SUBTRACT": "SUB", "STABLEHLO_MULTIPLY": "MUL", "STABLEHLO_DIVIDE": "DIV",
         "STABLEHLO_MAXIMUM": "MAXIMUM", "STABLEHLO_MINIMUM": "MINIMUM", "STABLEHLO_POWER": "POW", "STABLEHLO_REMAINDER": "FLOOR_MOD",
         "STABLEHLO_AND": "LOGICAL_AND", "STABLEHLO_OR": "LOGICAL_OR", "STABLEHLO_SHIFT_LEFT": "RIGHT_SHIFT",
         "STABLEHLO_COMPARE": "LESS", "STABLEHLO_SELECT": "SELECT",
         "STABLEHLO_ABS": "ABS", "STABLEHLO_NEGATE": "NEG", "STABLEHLO_EXPONENTIAL": "EXP", "STABLEHLO_LOG": "LOG",
         "STABLEHLO_RSQRT": "RSQRT", "STABLEHLO_CBRT": "SQRT", "STABLEHLO_COSINE": "COS", "STABLEHLO_FLOOR": "FLOOR",
         "STABLEHLO_LOGISTIC": "LOGISTIC", "STABLEHLO_TANH": "TANH",
         "STABLEHLO_CONVERT": "CAST", "STABLEHLO_RESHAPE": "RESHAPE", "STABLEHLO_TRANSPOSE": "TRANSPOSE",
         "STABLEHLO_BROADCAST_IN_DIM": "BROADCAST_TO", "STABLEHLO_SLICE": "SLICE", "STABLEHLO_DYNAMIC_SLICE": "SLICE",
         "STABLEHLO_DYNAMIC_UPDATE_SLICE": "DYNAMIC_UPDATE_SLICE", "STABLEHLO_PAD": "PAD", "STABLEHLO_GATHER": "GATHER",
         "STABLEHLO_CONCATENATE": "CONCATENATION"}  # fmt: skip
# Ops through which a constant still is that constant, for the op it feeds (broadcasts are explicit)
_PASS_CONST = ("STABLEHLO_BROADCAST_IN_DIM", "STABLEHLO_RESHAPE", "STABLEHLO_CONVERT")
_PARAM_KIND = {"ADD": "biases", "SUB": "biases", "MUL": "weights", "DIV": "weights"}
_REDUCTIONS = ("STABLEHLO_REDUCE", "STABLEHLO_REDUCE_WINDOW")
_BODIED = (*_REDUCTIONS, "STABLEHLO_SCATTER", "STABLEHLO_SORT")
MAX_BODY_OPS = 64
MAX_DEPTH = 16
# Ops whose "weights" input is a kernel (the reader counts one used by several ops once)
KERNEL_OPS = ("STABLEHLO_CONVOLUTION", "STABLEHLO_DOT_GENERAL", "STABLEHLO_GATHER")


def annotate(f: TFLiteFile) -> None:
    """What a handler needs from other ops, added to each StableHLO op's options: the op names of
    a reduction's body subgraph (``BodyOps``), the learned constant a broadcast feeds an
    element-wise op (``ConstOf``: input index -> tensor), and for a ``DIVIDE`` of a reduction by
    a constant (a mean, an average pool) ``DividesReduction`` (the reduction: ``Mean``)."""
    for g in f.graphs:
        producer = {t: op for op in g.ops for t in op.outputs}
        for op in g.ops:
            if not op.opname.startswith("STABLEHLO_"):
                continue
            body = op.options.get("BodySubgraphIndex", op.options.get("UpdateComputationSubgraphIndex", op.options.get("ComparatorSubgraphIndex")))
            if op.opname in _BODIED and isinstance(body, int) and 0 < body < len(f.graphs) and len(f.graphs[body].ops) <= MAX_BODY_OPS:
                op.options["BodyOps"] = tuple(o.opname for o in f.graphs[body].ops)
            if TWINS.get(op.opname) in _PARAM_KIND:
                found = {k: _source(g, producer, t) for k, t in enumerate(op.inputs) if t >= 0 and not g.tensors[t].const}
                op.options["ConstOf"] = {k: t for k, t in found.items() if t is not None}
            if op.opname == "STABLEHLO_DIVIDE" and len(op.inputs) == 2 and op.inputs[1] >= 0:
                src = producer.get(op.inputs[0])
                if src is not None and src.opname in _REDUCTIONS and (g.tensors[op.inputs[1]].const or _source(g, producer, op.inputs[1]) is not None):
                    op.options["DividesReduction"] = True
                    src.options["Mean"] = True


def inner_subgraphs(f: TFLiteFile) -> set[int]:
    """The subgraphs that are a StableHLO reduction's or scatter's body or a composite's decomposition."""
    keys = ("BodySubgraphIndex", "UpdateComputationSubgraphIndex", "DecompositionSubgraphIndex")
    return {s for g in f.graphs for op in g.ops if op.opname in (*_REDUCTIONS, "STABLEHLO_SCATTER", "STABLEHLO_COMPOSITE") for s in (op.options.get(k) for k in keys)
            if isinstance(s, int) and 0 < s < len(f.graphs)}  # fmt: skip


def _source(g, producer: dict, t: int) -> int | None:
    """The constant tensor ``t`` is a broadcast or reshape of (a few steps back), or None."""
    for _ in range(4):
        p = producer.get(t)
        if p is None or p.opname not in _PASS_CONST or not p.inputs or p.inputs[0] < 0:
            return None
        t = p.inputs[0]
        if g.tensors[t].const:
            return t
    return None


def layout_note(g) -> str | None:
    """The reader's note on the layout when the graph's StableHLO convolutions say channels first
    (PyTorch's NCHW; TFLite's own ops are NHWC), else None."""
    if any(op.opname == "STABLEHLO_CONVOLUTION" and op.options.get("InputFeatureDimension") == 1 for op in g.ops):
        return "shapes as stored in the file: channels first (NCHW), as its StableHLO convolutions' dimension numbers say"
    return None


def no_handler_reason(op) -> str | None:
    """Why a StableHLO op without a handler is uncounted (None: not one of those)."""
    if op.opname == "STABLEHLO_SORT":
        return "STABLEHLO_SORT: its compares depend on the sort algorithm and the data (N log N to N^2)"
    if op.opname == "STABLEHLO_CUSTOM_CALL":
        target = op.options.get("CallTargetName") or "?"
        return f"STABLEHLO_CUSTOM_CALL to {target!r}: a function of the runtime's, no cost handler"
    return None


# --------------------------------------------------------------------------
# Convolution, dot_general


def _dims(info: NodeInfo, key: str, rank: int, default: int | None = None) -> tuple[int, ...]:
    v = info.opt(key)
    if not v and default is not None:
        return (default,) * rank
    v = tuple(v) if isinstance(v, tuple) else (v,)
    if len(v) != rank:
        raise ValueError(f"{key} {list(v)} does not have {rank} entries")
    return v


def _axes(shape, *dims) -> None:
    """``dims`` (ints and tuples) are each axis of ``shape`` once."""
    flat = [d for x in dims for d in (x if isinstance(x, tuple) else (x,))]
    if sorted(flat) != list(range(len(shape))):
        raise ValueError(f"dimension numbers {flat} are not the axes of {list(shape)}")


@handles("STABLEHLO_CONVOLUTION")
def convolution(info: NodeInfo) -> Result:
    """StableHLO's convolution(lhs, rhs) of any layout (its dimension numbers): a conv of
    ``feature_group_count`` groups, cost.conv_cost (lhs_dilation > 1: a transposed conv,
    cost.conv_transpose_cost); its bias, if any, is an ADD after it."""
    if not info.options:
        raise ValueError("STABLEHLO_CONVOLUTION without its options table")
    x, w, y = info.shape(0), info.shape(1), info.out()
    r = len(x) - 2
    if r < 1 or len(w) != r + 2 or len(y) != r + 2:
        raise ValueError(f"input {list(x)}, kernel {list(w)} and output {list(y)} are not of one rank >= 3")
    isp, ksp, osp = (_dims(info, k, r) for k in ("InputSpatialDimensions", "KernelSpatialDimensions", "OutputSpatialDimensions"))
    ib, ifd, kin_d, kout_d, ob, ofd = (int(info.opt(k, 0)) for k in ("InputBatchDimension", "InputFeatureDimension", "KernelInputFeatureDimension",
                                                                      "KernelOutputFeatureDimension", "OutputBatchDimension", "OutputFeatureDimension"))  # fmt: skip
    _axes(x, ib, ifd, isp), _axes(w, kin_d, kout_d, ksp), _axes(y, ob, ofd, osp)
    stride, lhs, rhs = (_dims(info, k, r, 1) for k in ("WindowStrides", "LhsDilation", "RhsDilation"))
    pad = _dims(info, "Padding", 2 * r, 0)
    groups, batch_groups = int(info.opt("FeatureGroupCount", 1)) or 1, int(info.opt("BatchGroupCount", 1)) or 1
    if min(stride + lhs + rhs) < 1 or groups < 1:
        raise ValueError(f"strides {list(stride)}, dilations {list(lhs)} / {list(rhs)} and {groups} groups must be >= 1")
    if batch_groups != 1:
        raise ValueError(f"batch_group_count {batch_groups} (a weight gradient's conv) is not counted")
    n, cin, spatial = x[ib], x[ifd], tuple(x[d] for d in isp)
    kin, cout, kernel = w[kin_d], w[kout_d], tuple(w[d] for d in ksp)
    if cin != kin * groups or cout % groups:
        raise ValueError(f"input has {cin} channels, the kernel {kin} per group of {groups} ({cout} out)")
    out = tuple(y[d] for d in osp)
    begins, ends = pad[0::2], pad[1::2]
    expected = tuple(C.conv_out_size((spatial[i] - 1) * lhs[i] + 1, kernel[i], stride[i], rhs[i], begins[i], ends[i]) for i in range(r))
    if (y[ob], y[ofd], out) != (n, cout, expected):
        raise ValueError(f"output {list(y)} disagrees with the batch {n}, {cout} channels and spatial {list(expected)} its input and options give")
    if max(lhs) > 1:
        cost = C.conv_transpose_cost(kernel, cin, cout, groups, spatial, out, False, n)
        return Result(CONV_TRANSPOSE, cost, kernel=kernel, params={1: "weights"}, data_inputs=(0,), note=f"lhs_dilation {list(lhs)}")
    geom = ConvGeom(kernel, cin, cout, groups, stride, rhs, tuple(begins) + tuple(ends), spatial, out, False, n)
    return Result(geom.kind, C.conv_cost(geom), conv=geom, kernel=kernel, params={1: "weights"}, data_inputs=(0,))


@handles("STABLEHLO_DOT_GENERAL")
def dot_general(info: NodeInfo) -> Result:
    """dot_general(lhs, rhs) with batch and contracting dimensions: batch x free(lhs) x free(rhs)
    x contracted MACs, cost.matmul_cost; as BATCH_MATMUL, a constant rhs without batch
    dimensions is a linear layer (cost.linear_cost), a constant operand otherwise weights."""
    if not info.options:
        raise ValueError("STABLEHLO_DOT_GENERAL without its options table")
    a, b = info.shape(0), info.shape(1)
    lb, rb, lc, rc = (tuple(info.opt(k) or ()) for k in ("LhsBatchingDimensions", "RhsBatchingDimensions", "LhsContractingDimensions", "RhsContractingDimensions"))
    if len(lb) != len(rb) or len(lc) != len(rc) or len(set(lb + lc)) != len(lb + lc) or len(set(rb + rc)) != len(rb + rc):
        raise ValueError(f"batch {list(lb)} / {list(rb)} and contracting {list(lc)} / {list(rc)} dimensions do not pair up")
    if any(not 0 <= d < len(a) for d in lb + lc) or any(not 0 <= d < len(b) for d in rb + rc):
        raise ValueError(f"dimension numbers out of range for {list(a)} and {list(b)}")
    if [a[d] for d in lb + lc] != [b[d] for d in rb + rc]:
        raise ValueError(f"{list(a)} and {list(b)} disagree on their batch or contracted sizes")
    batch, k = prod(a[d] for d in lb), prod(a[d] for d in lc)
    m = prod(a[d] for d in range(len(a)) if d not in lb + lc)
    n = prod(b[d] for d in range(len(b)) if d not in rb + rc)
    if prod(info.out()) != batch * m * n:
        raise ValueError(f"output {list(info.out())} is not {batch} x {m} x {n} elements")
    if info.is_const(1) and not lb and not info.is_const(0):
        return Result(FC, C.linear_cost(k, n, rows=m, bias=False), params={1: "weights"}, data_inputs=(0,))
    cost = C.matmul_cost((batch, m, k), (batch, k, n))
    for w, data in ((0, 1), (1, 0)):
        if info.is_const(w) and not info.is_const(data):
            return Result(MATMUL, replace(cost, weights=prod(info.shape(w))), params={w: "weights"}, data_inputs=(data,))
    return Result(MATMUL, cost, data_inputs=(0, 1))


# --------------------------------------------------------------------------
# Element-wise and data movement: the TFLite twins' handlers


@handles(*TWINS)
def twin(info: NodeInfo) -> Result:
    """As the TFLite twin (:data:`TWINS`): one op per element for each binary or unary op
    (LOGISTIC, TANH as those activations), zero for data movement; a learned constant operand of
    ADD/SUBTRACT (biases) or MULTIPLY/DIVIDE (weights) counts its elements -- the constant a
    broadcast makes of it, its own elements; a reduction's divisor is no weight, nor a constant
    of the output's shape of rank 4 or more: a broadcast of a splat (BatchNorm's scale in an
    untrained model, ReLU's zeros) that the converter folded, one value over a feature map."""
    op = TWINS[info.op]
    const, note = info.const, ""
    if info.opt("DividesReduction") and info.has(1):
        const = const - {info.inputs[1]}
    folded = {t for k, t in enumerate(info.inputs) if t in const and len(info.out()) >= 4 and info.tensor(k).shape == tuple(info.out())}
    if folded and op in _PARAM_KIND:
        const, note = const - folded, f"a constant of the output's shape {list(info.out())}: a folded broadcast, not params"
    res = HANDLERS[op](replace(info, op=op, const=const))
    res = replace(res, note=note) if note else res
    if op in _PARAM_KIND and not info.opt("DividesReduction"):
        kind, cost, params = _PARAM_KIND[op], res.cost, dict(res.params)
        for k, t in (info.opt("ConstOf") or {}).items():
            src = info.tensors[t]
            if k not in params and (src.dtype in FLOAT_TYPES or src.quantized) and prod(src.shape) > 1:
                params[k] = kind
                cost = replace(cost, **{kind: getattr(cost, kind) + prod(src.shape)})
        res = replace(res, cost=cost, params=params, note=f"{kind}: a broadcast constant" if params != res.params else res.note)
    return res


@handles("STABLEHLO_CLAMP")
def clamp(info: NodeInfo) -> Result:
    """clamp(min, x, max): a clip, cost.activation_cost("clip", numel) (ReLU6 is a clamp to 0, 6)."""
    return Result(ACTIVATION, C.activation_cost("clip", prod(info.out())), data_inputs=(1,), note="clip")


@handles("STABLEHLO_IOTA")
def iota(info: NodeInfo) -> Result:
    """Indices along one axis: data made from nothing, zero cost."""
    return Result(SHAPE, data_inputs=())


@handles("STABLEHLO_RNG_BIT_GENERATOR")
def rng_bit_generator(info: NodeInfo) -> Result:
    """(state) -> (new state, random bits): cost.per_element_cost("random", numel of the bits)."""
    return Result(ELEMENTWISE, C.per_element_cost("random", prod(info.out(1))), data_inputs=(0,))


# --------------------------------------------------------------------------
# Reductions (their body subgraph is the reducing function), scatter


def _body_ops(info: NodeInfo) -> int:
    body = info.opt("BodyOps")
    if body is None:
        raise ValueError("its body subgraph is not in the file")
    return len(body)


def _body_name(info: NodeInfo) -> str:
    body = info.opt("BodyOps") or ()
    return ", ".join(o.removeprefix("STABLEHLO_").lower() for o in body) or "no op"


@handles("STABLEHLO_REDUCE_WINDOW")
def reduce_window(info: NodeInfo) -> Result:
    """reduce_window(operands..., init values...) with a body (max: a max pool; add: an average
    pool's sum, divided after): one run of the body per window element of each output,
    cost.pool_cost(window, out numel) times the body's ops."""
    n = len(info.inputs) // 2
    window = _dims(info, "WindowDimensions", len(info.shape(0)))
    ops = _body_ops(info)
    kernel = tuple(k for k in window if k != 1) or (1,)
    cost = C.pool_cost(window, sum(prod(info.out(i)) for i in range(max(n, 1))))
    return Result(POOL, replace(cost, other_ops=cost.other_ops * ops), kernel=kernel, data_inputs=tuple(range(max(n, 1))), note=_body_name(info))


@handles("STABLEHLO_REDUCE")
def reduce(info: NodeInfo) -> Result:
    """reduce(operands..., init values...) over some axes with a body: one run of the body per
    input element, cost.global_pool_cost(in numel) times the body's ops; a sum divided by a
    constant after (a mean) or a max is a global pool, as TFLite's MEAN and REDUCE_MAX."""
    n = max(len(info.inputs) // 2, 1)
    ops = _body_ops(info)
    body = info.opt("BodyOps") or ()
    kind = GLOBAL_POOL if body in (("STABLEHLO_MAXIMUM",), ("MAXIMUM",)) or (info.opt("Mean") and len(body) == 1) else ELEMENTWISE
    cost = C.global_pool_cost(prod(info.shape(0)))
    return Result(kind, replace(cost, other_ops=cost.other_ops * ops), data_inputs=tuple(range(n)), note=_body_name(info))


@handles("STABLEHLO_SCATTER")
def scatter(info: NodeInfo) -> Result:
    """scatter(operands..., indices, updates...): a copy, or the update computation's ops per
    update element (a scatter-add: one)."""
    n = max((len(info.inputs) - 1) // 2, 1)
    ops = _body_ops(info)
    numel = sum(prod(info.shape(i)) for i in range(n + 1, len(info.inputs)) if info.has(i))
    return Result(ELEMENTWISE if ops else SHAPE, Cost(other_ops=numel * ops), data_inputs=(*range(n), *range(n + 1, len(info.inputs))),
                  note=_body_name(info) if ops else "")  # fmt: skip


# --------------------------------------------------------------------------
# Composite: the decomposition subgraph


@handles("STABLEHLO_COMPOSITE")
def composite(info: NodeInfo) -> Result:
    """A named composite (``odml.rms_norm``...): the ops of its decomposition subgraph, each by its
    handler, summed; the constants it is given are constants there (their weights count).  The
    layer takes the type of its costliest op, and the conv geometry when that conv is its only cost."""
    if info.file is None:
        raise ValueError("a composite inside a loop body is not counted")
    flags = [info.is_const(k) for k in range(len(info.inputs))]
    res, n_ops, graph = _decomposition(info.file, info.opt("DecompositionSubgraphIndex"), flags, 0)
    return replace(res, note=f"composite {info.opt('Name') or '?'!r}: the {n_ops} ops of subgraph {graph!r}")


def _summary(total: Cost, results: list[Result]) -> Result:
    """The results of a decomposition's ops as one: the type of the costliest, the conv geometry
    when that conv is the only cost."""
    costly = [r for r in results if r.cost.macs or r.cost.other_ops]
    main = max(costly, key=lambda r: (r.cost.macs, r.cost.other_ops), default=None)
    conv = main.conv if main is not None and len(costly) == 1 else None
    return Result(main.type if main is not None else SHAPE, total, conv=conv, kernel=main.kernel if conv is not None else None)


def _decomposition(f: TFLiteFile, s, const_flags: list[bool], depth: int) -> tuple[Result, int, str]:
    """(its ops' results as one, op count, name) of subgraph ``s`` run once on operands of which
    those flagged are constants; a ValueError names what cannot be counted.  Each (subgraph,
    flags) is computed once (``f.memo``): composites calling composites many times over stay linear."""
    key = ("composite", s, tuple(const_flags))
    if key not in f.memo:
        try:
            f.memo[key] = _run(f, s, const_flags, depth)
        except ValueError as err:
            if depth:  # (a failure deep inside may be depth's: only the outermost answer is kept)
                raise
            f.memo[key] = err
    found = f.memo[key]
    if isinstance(found, ValueError):
        raise ValueError(str(found))
    return found


def _run(f: TFLiteFile, s, const_flags: list[bool], depth: int) -> tuple[Result, int, str]:
    if not isinstance(s, int) or not 0 < s < len(f.graphs):
        raise ValueError(f"its decomposition subgraph {s} is not in the file")
    if depth >= MAX_DEPTH:
        raise ValueError(f"composites nested more than {MAX_DEPTH} deep")
    g = f.graphs[s]
    if len(g.inputs) != len(const_flags):
        raise ValueError(f"its decomposition takes {len(g.inputs)} operands, the composite gives {len(const_flags)}")
    const = {i for i, t in enumerate(g.tensors) if t.const} | {t for t, c in zip(g.inputs, const_flags) if c}
    total, results = Cost(), []
    for op in g.ops:
        where = f"its decomposition's {op.opname}"
        if op.opname == "STABLEHLO_COMPOSITE":
            sub, _, _ = _decomposition(f, op.options.get("DecompositionSubgraphIndex"), [t in const for t in op.inputs], depth + 1)
            results.append(sub)
            total = total + sub.cost
            continue
        handler = HANDLERS.get(op.opname)
        if op.custom or op.opname in CONTROL_FLOW or handler is None:
            raise ValueError(f"{where} is not counted")
        info = NodeInfo(op.opname, op.opname, op.options, op.inputs, g.tensors, const, out_shapes=[g.tensors[t].shape for t in op.outputs])
        try:
            res = handler(info)
        except UnknownShape as err:
            raise ValueError(f"{where}: unknown shape of {err}") from None
        except HANDLER_ERRORS as err:
            raise ValueError(f"{where}: {err}") from None
        if op.opname in ("DEQUANTIZE", "DENSIFY") and info.is_const(0):
            const.update(op.outputs)
        results.append(res)
        total = total + res.cost
        act = fused_activation(op)
        if act:
            fn = FUSED_ACTIVATIONS.get(act, (None, None))[1]
            if fn is None or not op.outputs:
                raise ValueError(f"{where}'s fused activation is not counted")
            total = total + C.activation_cost(fn, prod(g.tensors[op.outputs[0]].shape))
    return _summary(total, results), len(g.ops), g.name
