"""A TFLite graph's shapes at its inputs' sizes, propagated op by op: where LiteRT's interpreter
cannot give the shapes the file leaves dynamic (not installed, or it cannot run the file: a
Select-TF op, a custom op it has no kernel for).

The converter stores a dimension it cannot compute as 1 (shape_signature -1): a reshape to rows
computed from ``SHAPE`` (Keras 3's Dense on a 3-D input) is stored as [1, 1].  Here each op's
output shape follows from its inputs' shapes, its options and the small integer values a shape
computation carries (``SHAPE`` -> ``GATHER`` / ``STRIDED_SLICE`` -> ``REDUCE_PROD`` -> ``PACK`` ->
``RESHAPE``), as LiteRT's kernels size them (tensorflow/lite/kernels).  An op with no rule here
keeps its file's shape only when that shape is certain: no dimension is dynamic, or the output
declares exactly its first input's shape signature (a Select-TF ``Roll``, ``FFT2D``) and takes
its shape.  An output that disagrees with what the file declares (a fixed dimension, the rank)
stays unknown, and so does everything computed from an unknown shape.
"""

from __future__ import annotations

from math import prod

from dscost.readers.tflite_file import INT_WIDTH, SAME

Shape = tuple[int, ...]
MAX_VALUES = 64  # elements of an integer tensor whose values are followed (a shape, an index)

ELEMENTWISE = frozenset({"ADD", "SUB", "MUL", "DIV", "ADD_N", "MAXIMUM", "MINIMUM", "POW", "SQUARED_DIFFERENCE", "FLOOR_DIV", "FLOOR_MOD",
                         "EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "LOGICAL_AND", "LOGICAL_OR", "SELECT",
                         "SELECT_V2", "ATAN2", "RIGHT_SHIFT", "BITWISE_XOR", "PRELU"})  # fmt: skip
SAME_SHAPE = frozenset({"ABS", "NEG", "EXP", "LOG", "SQRT", "RSQRT", "SQUARE", "SIN", "COS", "FLOOR", "CEIL", "ROUND", "SIGN", "LOGICAL_NOT",
                        "CUMSUM", "RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1", "LEAKY_RELU", "ELU", "LOGISTIC", "TANH", "HARD_SWISH",
                        "GELU", "SOFTMAX", "LOG_SOFTMAX", "L2_NORMALIZATION", "LOCAL_RESPONSE_NORMALIZATION", "CAST", "QUANTIZE",
                        "DEQUANTIZE", "FAKE_QUANT", "ZEROS_LIKE", "ONES_LIKE", "REAL", "IMAG", "COMPLEX_ABS", "REVERSE_V2",
                        "DYNAMIC_UPDATE_SLICE"})  # fmt: skip
REDUCE = frozenset({"MEAN", "SUM", "REDUCE_PROD", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_ANY", "REDUCE_ALL"})
INT_OPS = {"ADD": lambda a, b: a + b, "SUB": lambda a, b: a - b, "MUL": lambda a, b: a * b, "MAXIMUM": max, "MINIMUM": min,
           "FLOOR_DIV": lambda a, b: a // b if b else None, "FLOOR_MOD": lambda a, b: a % b if b else None,
           "DIV": lambda a, b: a // b if b and a >= 0 and b > 0 else None}  # fmt: skip


class _Unknown(Exception):
    """An input's shape or a value the rule needs is not known."""


def propagate(graph, sizes: dict[int, Shape], data_sized: tuple[str, ...] = (), values: dict[int, tuple[int, ...]] | None = None,
              loops=None) -> dict[int, Shape]:  # fmt: skip
    """tensor index -> shape, for each tensor of ``graph`` (a :class:`tflite_file.Subgraph`) whose
    shape follows from its inputs': ``sizes`` for the inputs given one, the file's for the
    others (a dynamic batch stored as 1) and for constants.  Ops of ``data_sized`` (WHERE,
    UNIQUE) size their outputs by the data: unknown.  ``values`` gets the values of the small
    integer tensors followed (constants, and what is computed from shapes; an input's value may
    be given in it).  ``loops``: ``loops(op, shapes, values)``, a WHILE's output shapes (None
    each where not known: :func:`tflite_loops.loop_shapes`)."""
    tensors = graph.tensors
    shapes: dict[int, Shape] = {}
    values = {} if values is None else values
    made = {t for op in graph.ops for t in op.outputs} | set(graph.inputs)
    for i, t in enumerate(tensors):
        if t.shape is not None and (t.const or (0 in t.shape and i not in made)):  # (an empty constant holds no data: [])
            shapes[i] = tuple(t.shape)
            if t.ints is not None and len(t.ints) == prod(t.shape):
                values[i] = tuple(t.ints)
            elif not prod(t.shape) and t.dtype in INT_WIDTH:
                values[i] = ()
    for i in graph.inputs:
        if tensors[i].shape is not None:
            shapes[i] = tuple(sizes.get(i, tensors[i].shape))
    for op in graph.ops:
        if op.opname in data_sized:
            continue
        try:
            made = _RULES[op.opname](op, shapes, values) if op.opname in _RULES and not op.custom else None
        except (_Unknown, ValueError, IndexError, ZeroDivisionError, TypeError):
            made = None
        if made is None and loops is not None and op.opname == "WHILE":
            made = [(shape, None) if shape is not None else (_kept(op, k, tensors, shapes), None) for k, shape in enumerate(loops(op, shapes, values))]
        if made is None:
            made = [(_kept(op, k, tensors, shapes), None) for k in range(len(op.outputs))]
        for t, (shape, value) in zip(op.outputs, made):
            if shape is None or t < 0 or not _declared(tensors[t], shape):
                continue
            shapes[t] = tuple(shape)
            if value is not None and tensors[t].dtype in INT_WIDTH and len(value) == prod(shape) <= MAX_VALUES:  # (a shape's values: int32, int64)
                values[t] = tuple(value)
    return shapes


def output_shape(op, shapes: dict[int, Shape], values: dict[int, tuple[int, ...]]) -> Shape | None:
    """The shape of the first output of ``op`` (its ``op`` name, inputs and options) that its rule
    here gives from the known ``shapes`` and integer ``values`` by tensor index; None when the op
    has no rule, a shape or value it needs is not known, or the rule refuses them (paddings of
    another rank, a slice out of range, a shape the input does not broadcast to)."""
    rule = _RULES.get(op.op)
    try:
        return tuple(rule(op, shapes, values)[0][0]) if rule is not None else None
    except (_Unknown, ValueError, IndexError, ZeroDivisionError, TypeError):
        return None


def _declared(tensor, shape: Shape) -> bool:
    """``shape`` fits what the file declares of the tensor: its rank, and every dimension its
    shape_signature fixes (the stored shape when it has none)."""
    stored = tensor.shape
    if stored is None or len(stored) != len(shape) or min(shape, default=0) < 0:
        return False
    sig = tensor.signature if tensor.signature and len(tensor.signature) == len(stored) else stored
    return all(d < 0 or d == s for d, s in zip(sig, shape))


def _kept(op, k: int, tensors, shapes: dict[int, Shape]) -> Shape | None:
    """The shape of output ``k`` of an op with no rule here, when the file's is certain: fully
    static, or (the op's one output) exactly the shape signature of its first input, whose shape
    it then takes."""
    out = tensors[op.outputs[k]]
    if out.shape is None:
        return None
    sig = out.signature if out.signature and len(out.signature) == len(out.shape) else None
    if sig is None or min(sig, default=0) >= 0:
        return tuple(out.shape)
    first = next((t for t in op.inputs if t >= 0 and not tensors[t].const), None)
    if len(op.outputs) > 1 or first is None or first not in shapes or len(sig) < 2 or tensors[first].signature is None or tuple(tensors[first].signature) != tuple(sig):
        return None
    return shapes[first]


# --------------------------------------------------------------------------
# Rules: op -> [(output shape, output values or None)] per output


def _shape(op, shapes: dict[int, Shape], i: int) -> Shape:
    if i >= len(op.inputs) or op.inputs[i] < 0 or op.inputs[i] not in shapes:
        raise _Unknown
    return shapes[op.inputs[i]]


def _values(op, values: dict[int, tuple[int, ...]], i: int) -> tuple[int, ...]:
    if i >= len(op.inputs) or op.inputs[i] not in values:
        raise _Unknown
    return values[op.inputs[i]]


def _axis(a: int, rank: int) -> int:
    if not -rank <= a < rank:
        raise ValueError(f"axis {a} of rank {rank}")
    return a % rank


def broadcast(*shapes: Shape) -> Shape:
    """numpy's broadcasting of ``shapes``; ValueError when they do not broadcast."""
    rank = max(map(len, shapes))
    out = []
    for k in range(rank):
        dims = {s[k - rank + len(s)] for s in shapes if k - rank + len(s) >= 0} - {1}
        if len(dims) > 1:
            raise ValueError(f"shapes {list(map(list, shapes))} do not broadcast")
        out.append(dims.pop() if dims else 1)
    return tuple(out)


def _elementwise(op, shapes, values):
    ins = [k for k in range(len(op.inputs)) if op.inputs[k] >= 0]
    out = broadcast(*(_shape(op, shapes, k) for k in ins))
    fn = INT_OPS.get(op.opname)
    value = None
    if fn is not None and len(ins) == 2 and all(op.inputs[k] in values for k in ins) and prod(out) <= MAX_VALUES:
        a, b = (_values(op, values, k) for k in ins)
        if len(a) in (1, prod(out)) and len(b) in (1, prod(out)):
            pairs = [(a[j if len(a) > 1 else 0], b[j if len(b) > 1 else 0]) for j in range(prod(out))]
            value = tuple(fn(x, y) for x, y in pairs)
            value = None if None in value else value
    return [(out, value)]


def _same_shape(op, shapes, values):
    x = _shape(op, shapes, 0)
    if op.opname == "CAST" and op.inputs[0] in values:
        return [(x, values[op.inputs[0]])]
    return [(x, None)]


def _shape_of(op, shapes, values):
    x = _shape(op, shapes, 0)
    return [((len(x),), x)]


def _rank(op, shapes, values):
    return [((), (len(_shape(op, shapes, 0)),))]


def _reshape(op, shapes, values):
    x = _shape(op, shapes, 0)
    new = list(_values(op, values, 1))
    if new.count(-1) > 1:
        raise ValueError("two -1 in a new shape")
    if -1 in new:
        rest = prod(d for d in new if d != -1)
        if not rest or prod(x) % rest:
            raise ValueError("new shape does not divide the elements")
        new[new.index(-1)] = prod(x) // rest
    if prod(new) != prod(x):
        raise ValueError("new shape holds another number of elements")
    return [(tuple(new), values.get(op.inputs[0]))]


def _transpose(op, shapes, values):
    x, perm = _shape(op, shapes, 0), _values(op, values, 1)
    if sorted(perm) != list(range(len(x))):
        raise ValueError("not a permutation")
    return [(tuple(x[p] for p in perm), None)]


def _expand_dims(op, shapes, values):
    x, (a,) = _shape(op, shapes, 0), _values(op, values, 1)
    a = _axis(a, len(x) + 1)
    return [(x[:a] + (1,) + x[a:], values.get(op.inputs[0]))]


def _squeeze(op, shapes, values):
    x = _shape(op, shapes, 0)
    return [(tuple(d for d in x if d != 1), values.get(op.inputs[0]))]  # (checked against the declared rank)


def strided_slice(x: Shape, begin, end, strides, options: dict) -> tuple[Shape, list[range]] | None:
    """STRIDED_SLICE's output shape and the indices it takes per axis, as LiteRT's kernel sizes
    it: per axis a start and a stop (a mask bit: the whole axis; negative: from the end; clamped
    to the axis), ceil((stop - start) / stride) elements, an axis of ``ShrinkAxisMask`` taking one
    and dropped.  None with an ellipsis or a new axis, ``Offset``, or a stride of 0."""
    if not len(begin) == len(end) == len(strides) <= len(x) or 0 in strides or options.get("EllipsisMask", 0) \
            or options.get("NewAxisMask", 0) or options.get("Offset", False):  # fmt: skip
        return None
    out, taken = [], []
    for k, d in enumerate(x):
        b, e, s = (begin[k], end[k], strides[k]) if k < len(begin) else (0, d, 1)
        lo, hi = (0, d) if s > 0 else (-1, d - 1)
        full = k >= len(begin)
        start = (lo if s > 0 else hi) if full or options.get("BeginMask", 0) >> k & 1 else min(max(b + d if b < 0 else b, lo), hi)
        if not full and options.get("ShrinkAxisMask", 0) >> k & 1:
            taken.append(range(start, start + 1))
            continue
        stop = (hi if s > 0 else lo) if full or options.get("EndMask", 0) >> k & 1 else min(max(e + d if e < 0 else e, lo), hi)
        r = range(start, stop, s)
        taken.append(r)
        out.append(len(r))
    return tuple(out), taken


def _strided_slice(op, shapes, values):
    x = _shape(op, shapes, 0)
    found = strided_slice(x, _values(op, values, 1), _values(op, values, 2), _values(op, values, 3), op.options)
    if found is None:
        raise _Unknown
    out, taken = found
    value = None
    if len(x) == 1 and op.inputs[0] in values:
        value = tuple(values[op.inputs[0]][j] for j in taken[0])
    return [(out, value)]


def _slice(op, shapes, values):
    x, begin, size = _shape(op, shapes, 0), _values(op, values, 1), _values(op, values, 2)
    if not len(x) == len(begin) == len(size) or min(begin) < 0:
        raise ValueError("SLICE's begin and size do not fit")
    out = tuple(d - b if s == -1 else s for d, b, s in zip(x, begin, size))
    if any(b + s > d for d, b, s in zip(x, begin, out)):
        raise ValueError("SLICE out of range")
    value = values[op.inputs[0]][begin[0] : begin[0] + out[0]] if len(x) == 1 and op.inputs[0] in values else None
    return [(out, value)]


def _gather(op, shapes, values):
    params, ids = _shape(op, shapes, 0), _shape(op, shapes, 1)
    a, batch = _axis(op.options.get("Axis", 0), len(params)), op.options.get("BatchDims", 0)
    out = params[:a] + ids[batch:] + params[a + 1 :]
    value = None
    if len(params) == 1 and op.inputs[0] in values and op.inputs[1] in values:
        table = values[op.inputs[0]]
        value = tuple(table[j] for j in values[op.inputs[1]])
    return [(out, value)]


def _pack(op, shapes, values):
    ins = [_shape(op, shapes, k) for k in range(len(op.inputs))]
    if any(s != ins[0] for s in ins):
        raise ValueError("PACK of different shapes")
    a = _axis(op.options.get("Axis", 0), len(ins[0]) + 1)
    value = tuple(values[t][0] for t in op.inputs) if not ins[0] and all(t in values for t in op.inputs) else None
    return [(ins[0][:a] + (len(ins),) + ins[0][a:], value)]


def _unpack(op, shapes, values):
    x = _shape(op, shapes, 0)
    a = _axis(op.options.get("Axis", 0), len(x))
    if x[a] != len(op.outputs):
        raise ValueError("UNPACK into another number of outputs")
    vals = values.get(op.inputs[0])
    return [(x[:a] + x[a + 1 :], (vals[j],) if vals is not None and len(x) == 1 else None) for j in range(len(op.outputs))]


def _concatenation(op, shapes, values):
    ins = [_shape(op, shapes, k) for k in range(len(op.inputs)) if op.inputs[k] >= 0]
    a = _axis(op.options.get("Axis", 0), len(ins[0]))
    if any(len(s) != len(ins[0]) or s[:a] + s[a + 1 :] != ins[0][:a] + ins[0][a + 1 :] for s in ins):
        raise ValueError("CONCATENATION of shapes that do not fit")
    value = sum((values[t] for t in op.inputs), ()) if len(ins[0]) == 1 and all(t in values for t in op.inputs) else None
    return [(ins[0][:a] + (sum(s[a] for s in ins),) + ins[0][a + 1 :], value)]


def _reduce(op, shapes, values):
    x = _shape(op, shapes, 0)
    axes = {_axis(a, len(x)) for a in _values(op, values, 1)} if x else set()
    keep = op.options.get("KeepDims", False)
    out = tuple(1 if k in axes else d for k, d in enumerate(x)) if keep else tuple(d for k, d in enumerate(x) if k not in axes)
    value = None
    if op.opname in ("REDUCE_PROD", "SUM") and len(x) == 1 and axes == {0} and op.inputs[0] in values:
        v = values[op.inputs[0]]
        value = (prod(v) if op.opname == "REDUCE_PROD" else sum(v),)
    return [(out, value)]


def _arg(op, shapes, values):
    x, (a,) = _shape(op, shapes, 0), _values(op, values, 1)
    a = _axis(a, len(x))
    return [(x[:a] + x[a + 1 :], None)]


def _fully_connected(op, shapes, values):
    x, w = _shape(op, shapes, 0), _shape(op, shapes, 1)
    units, k = w
    if op.options.get("KeepNumDims"):
        if x[-1] != k:
            raise ValueError("FULLY_CONNECTED's input depth is not the weights'")
        return [(x[:-1] + (units,), None)]
    if prod(x) % k:
        raise ValueError("FULLY_CONNECTED's input does not divide into rows")
    return [((prod(x) // k, units), None)]


def _batch_matmul(op, shapes, values):
    a, b = list(_shape(op, shapes, 0)), list(_shape(op, shapes, 1))
    if len(a) < 2 or len(b) < 2:
        raise _Unknown
    if op.options.get("AdjX"):
        a[-2], a[-1] = a[-1], a[-2]
    if op.options.get("AdjY"):
        b[-2], b[-1] = b[-1], b[-2]
    if a[-1] != b[-2]:
        raise ValueError("BATCH_MATMUL's inner dimensions differ")
    return [(broadcast(tuple(a[:-2]), tuple(b[:-2])) + (a[-2], b[-1]), None)]


def _spatial(size: int, k: int, stride: int, dilation: int, padding: int) -> int:
    """One output dimension of a conv or pool (LiteRT's ComputeOutSize)."""
    if padding == SAME:
        return -(-size // stride)
    return -(-(size - (k - 1) * dilation) // stride)


def _conv(op, shapes, values):
    x, w = _shape(op, shapes, 0), _shape(op, shapes, 1)
    if len(x) != 4 or len(w) != 4:
        raise _Unknown
    o = op.options
    h = _spatial(x[1], w[1], o.get("StrideH", 1), o.get("DilationHFactor", 1), o.get("Padding", SAME))
    wd = _spatial(x[2], w[2], o.get("StrideW", 1), o.get("DilationWFactor", 1), o.get("Padding", SAME))
    return [((x[0], h, wd, w[0] if op.opname == "CONV_2D" else w[3]), None)]


def _pool(op, shapes, values):
    x, o = _shape(op, shapes, 0), op.options
    if len(x) != 4:
        raise _Unknown
    h = _spatial(x[1], o.get("FilterHeight", 1), o.get("StrideH", 1), 1, o.get("Padding", SAME))
    w = _spatial(x[2], o.get("FilterWidth", 1), o.get("StrideW", 1), 1, o.get("Padding", SAME))
    return [((x[0], h, w, x[3]), None)]


def _pad(op, shapes, values):
    x, p = _shape(op, shapes, 0), _values(op, values, 1)
    if len(p) != 2 * len(x):
        raise ValueError("paddings do not fit the rank")
    return [(tuple(d + p[2 * k] + p[2 * k + 1] for k, d in enumerate(x)), None)]


def _tile(op, shapes, values):
    x, m = _shape(op, shapes, 0), _values(op, values, 1)
    if len(m) != len(x):
        raise ValueError("multiples do not fit the rank")
    return [(tuple(d * k for d, k in zip(x, m)), None)]


def _broadcast_to(op, shapes, values):
    x, to = _shape(op, shapes, 0), tuple(_values(op, values, 1))
    if broadcast(x, to) != to:
        raise ValueError("BROADCAST_TO a shape the input does not broadcast to")
    return [(to, None)]


def _fill(op, shapes, values):
    dims = tuple(_values(op, values, 0))
    v = values.get(op.inputs[1]) if len(op.inputs) > 1 else None
    return [(dims, v * prod(dims) if v is not None and len(v) == 1 and prod(dims) <= MAX_VALUES else None)]


def _split(op, shapes, values):
    (a,), x = _values(op, values, 0), _shape(op, shapes, 1)
    a, n = _axis(a, len(x)), len(op.outputs)
    if x[a] % n:
        raise ValueError("SPLIT into unequal parts")
    return [(x[:a] + (x[a] // n,) + x[a + 1 :], None)] * n


def _split_v(op, shapes, values):
    x, sizes, (a,) = _shape(op, shapes, 0), list(_values(op, values, 1)), _values(op, values, 2)
    a = _axis(a, len(x))
    if -1 in sizes:
        sizes[sizes.index(-1)] = x[a] - sum(s for s in sizes if s != -1)
    if sum(sizes) != x[a] or len(sizes) != len(op.outputs):
        raise ValueError("SPLIT_V's sizes do not fit")
    return [(x[:a] + (s,) + x[a + 1 :], None) for s in sizes]


def _resize(op, shapes, values):
    x, size = _shape(op, shapes, 0), _values(op, values, 1)
    if len(x) != 4 or len(size) != 2:
        raise _Unknown
    return [((x[0], *size, x[3]), None)]


def _space_to_batch(op, shapes, values):
    x, block, pads = _shape(op, shapes, 0), _values(op, values, 1), _values(op, values, 2)
    n = len(block)
    padded = [x[1 + k] + pads[2 * k] + pads[2 * k + 1] for k in range(n)]
    if any(p % b for p, b in zip(padded, block)):
        raise ValueError("padded size not a multiple of the block")
    return [((x[0] * prod(block), *(p // b for p, b in zip(padded, block)), *x[1 + n :]), None)]


def _batch_to_space(op, shapes, values):
    x, block, crops = _shape(op, shapes, 0), _values(op, values, 1), _values(op, values, 2)
    n = len(block)
    if x[0] % prod(block):
        raise ValueError("batch not a multiple of the block")
    spatial = (x[1 + k] * block[k] - crops[2 * k] - crops[2 * k + 1] for k in range(n))
    return [((x[0] // prod(block), *spatial, *x[1 + n :]), None)]


def _transpose_conv(op, shapes, values):
    return [(tuple(_values(op, values, 0)), None)]


def _range(op, shapes, values):
    (start,), (limit,), (delta,) = (_values(op, values, k) for k in range(3))
    n = max(0, -(-(limit - start) // delta))
    return [((n,), tuple(range(start, limit, delta)) if n <= MAX_VALUES else None)]


def _topk(op, shapes, values):
    x, (k,) = _shape(op, shapes, 0), _values(op, values, 1)
    if not x or not 0 <= k <= x[-1]:
        raise ValueError("TOPK_V2's k does not fit")
    return [(x[:-1] + (k,), None)] * 2


def _one_hot(op, shapes, values):
    ids, (depth,) = _shape(op, shapes, 0), _values(op, values, 1)
    a = _axis(op.options.get("Axis", -1), len(ids) + 1)
    return [(ids[:a] + (depth,) + ids[a:], None)]


def _broadcast_args(op, shapes, values):
    out = broadcast(_values(op, values, 0), _values(op, values, 1))  # (two shapes: the one both broadcast to)
    return [((len(out),), out)]


def _embedding_lookup(op, shapes, values):
    ids, table = _shape(op, shapes, 0), _shape(op, shapes, 1)
    return [(ids + table[1:], None)]


_RULES = {
    **dict.fromkeys(ELEMENTWISE, _elementwise),
    **dict.fromkeys(SAME_SHAPE, _same_shape),
    **dict.fromkeys(REDUCE, _reduce),
    "SHAPE": _shape_of, "RANK": _rank, "RESHAPE": _reshape, "TRANSPOSE": _transpose, "EXPAND_DIMS": _expand_dims,
    "SQUEEZE": _squeeze, "STRIDED_SLICE": _strided_slice, "SLICE": _slice, "GATHER": _gather, "PACK": _pack,
    "UNPACK": _unpack, "CONCATENATION": _concatenation, "ARG_MAX": _arg, "ARG_MIN": _arg,
    "FULLY_CONNECTED": _fully_connected, "BATCH_MATMUL": _batch_matmul, "CONV_2D": _conv, "DEPTHWISE_CONV_2D": _conv,
    "AVERAGE_POOL_2D": _pool, "MAX_POOL_2D": _pool, "L2_POOL_2D": _pool, "PAD": _pad, "PADV2": _pad, "MIRROR_PAD": _pad,
    "TILE": _tile, "BROADCAST_TO": _broadcast_to, "FILL": _fill, "SPLIT": _split, "SPLIT_V": _split_v,
    "RESIZE_BILINEAR": _resize, "RESIZE_NEAREST_NEIGHBOR": _resize, "SPACE_TO_BATCH_ND": _space_to_batch,
    "BATCH_TO_SPACE_ND": _batch_to_space, "TRANSPOSE_CONV": _transpose_conv, "RANGE": _range,
    "EMBEDDING_LOOKUP": _embedding_lookup, "TOPK_V2": _topk, "ONE_HOT": _one_hot,
    "BROADCAST_ARGS": _broadcast_args,
}  # fmt: skip
