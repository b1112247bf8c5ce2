"""What every ONNX op handler works on: :class:`NodeInfo` (a node's attributes and inferred
shapes), the handler table :data:`HANDLERS` with its ``@handles`` decorator, and the attribute
helpers handlers share (pads, kernel, conv geometry).  The handlers live in
:mod:`dscost.readers.onnx_ops` and :mod:`dscost.readers.onnx_sequence_ops`.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod
from typing import Callable

from dscost import cost as C
from dscost.layers import ConvGeom, Shape
from dscost.readers.handlers import Result, UnknownShape, op_registry

# ONNX TensorProto.DataType values of floating-point tensors.
FLOAT_TYPES = frozenset({1, 10, 11, 16, 17, 18, 19, 20, 23, 24, 25})
LEARNED_TYPES = FLOAT_TYPES | {2, 3, 4, 5, 21, 22}  # + UINT8, INT8, UINT16, INT16 (16-bit QDQ), UINT4, INT4: a weight's types

# Why a node whose known shapes contradict each other is uncounted (a size fixed at export, met at another)
CANNOT_RUN = "the graph cannot run at these input shapes"
# ... and of a node whose element types contradict each other: inputs of two types where its op
# takes one (onnx_refusals.types_differ), a Cast to another type than its declared output (onnx_reader)
TYPE_ERROR = "a type error, the graph cannot run"
# ... and of a node that lacks an input its op requires (onnx's checker and onnxruntime refuse the file)
INVALID = "an invalid graph, the graph cannot run"
# What the three say: the nodes after them are uncounted because of them (onnx_uncounted.where_lost)
GRAPH_CANNOT_RUN = "the graph cannot run"
# ... and of a conv whose output the file declares at a size its attributes do not give
DECLARED_CONFLICT = "does not follow from its attributes"
# An attribute list longer than this is handed to handlers as the proto's own sequence, not a list.
BIG_LIST = 4096


@dataclass
class NodeInfo:
    """What a handler may look at.  Shapes include the batch dimension; a shape is
    ``None`` when shape inference could not resolve every dimension."""

    name: str
    op: str
    attrs: dict
    inputs: list[str]  # tensor names; "" for an omitted optional input
    outputs: list[str]
    in_shapes: list[Shape | None]
    out_shapes: list[Shape | None]
    const: dict[str, int] = field(default_factory=dict)  # constant tensor name -> ONNX data type
    types: dict[str, int] = field(default_factory=dict)  # input name -> ONNX data type (given to contrib shape functions)
    values: dict[str, object] = field(default_factory=dict)  # input name -> its value (numpy) when folding knows it (contrib shape functions)

    def value(self, i: int) -> list[int] | None:
        """The known value of input ``i`` as a flat list of ints, None when absent, not known or
        not integers (a float axis: a graph that cannot run)."""
        v = self.values.get(self.inputs[i]) if self.has(i) else None
        return None if v is None or v.dtype.kind not in "iub" else [int(x) for x in v.reshape(-1)]

    def has(self, i: int) -> bool:
        return i < len(self.inputs) and self.inputs[i] != ""

    def input_shape(self, i: int) -> Shape | None:
        """Inferred shape of input ``i``, None when absent or unresolved (contrast :meth:`shape`)."""
        return self.in_shapes[i] if i < len(self.in_shapes) and self.has(i) else None

    def is_const(self, i: int) -> bool:
        return self.has(i) and self.inputs[i] in self.const

    def is_float_const(self, i: int) -> bool:
        return self.is_const(i) and self.const[self.inputs[i]] in FLOAT_TYPES

    def shape(self, i: int) -> Shape:
        """Inferred shape of input ``i``; UnknownShape when missing."""
        s = self.in_shapes[i] if i < len(self.in_shapes) else None
        if s is None:
            raise UnknownShape(f"input {i} ({self.inputs[i]!r})", self.inputs[i]) if i < len(self.inputs) else UnknownShape(f"input {i}")
        return s

    def out(self, i: int = 0) -> Shape:
        s = self.out_shapes[i] if i < len(self.out_shapes) else None
        if s is None:
            raise UnknownShape(f"output {i} ({self.outputs[i]!r})", self.outputs[i]) if i < len(self.outputs) else UnknownShape(f"output {i}")
        return s

    def attr(self, key: str, default=None):
        return self.attrs.get(key, default)


HANDLERS, handles = op_registry()
Handler = Callable[[NodeInfo], Result]

# onnxruntime's contrib ops (domain com.microsoft) have a table of their own, filled by
# onnx_contrib and onnx_contrib_layout (imported only for a graph that holds such ops), and
# shape functions: (domain, op) -> function of a NodeInfo (input shapes known, outputs not)
# giving the output shapes (onnx's shape inference knows none of these ops); the default
# domain's ops that onnx does not know have theirs there too (onnx_legacy).
CONTRIB_DOMAIN = "com.microsoft"
# The fake-quantization domains (onnx_qonnx's): QONNX / FINN / brevitas; AMD Quark's; OpenVINO's, as NNCF exports it
QONNX_DOMAINS = ("qonnx.custom_op.general", "finn.custom_op.general", "onnx.brevitas", "com.amd.quark", "org.openvinotoolkit")
QONNX_QUANTIZERS = ("Quant", "IntQuant", "FloatQuant", "BipolarQuant", "Trunc", "BFPQuantizeDequantize", "ExtendedQuantizeLinear",
                    "ExtendedDequantizeLinear", "FakeQuantize")  # fmt: skip
DEQUANTIZERS = frozenset({"DequantizeLinear", *QONNX_QUANTIZERS})  # ops whose constant input 0 is a quantized weight, however stored
PREVIEW_DOMAINS = ("ai.onnx.preview", "ai.onnx.preview.training")  # (onnx's own preview ops: FlexAttention; Adam, Gradient...)
TABLE_DOMAINS = frozenset({CONTRIB_DOMAIN, "ai.onnx.ml", *PREVIEW_DOMAINS, *QONNX_DOMAINS})  # the domains with a handler table (onnx_contrib.domain_table)
CONTRIB_HANDLERS, contrib_handles = op_registry()
PREVIEW_HANDLERS, preview_handles = op_registry()
CONTRIB_SHAPES: dict[tuple[str, str], Callable[[NodeInfo], list]] = {}


def contrib_shapes(*ops: str, domain: str = CONTRIB_DOMAIN):
    """Register a shape function for these contrib ops (``domain`` "": SimplifiedLayerNormalization, onnx_legacy's ops)."""

    def register(fn):
        for op in ops:
            CONTRIB_SHAPES[(domain, op)] = fn
        return fn

    return register


def input_0_shape(info: NodeInfo) -> list:
    """The shape function of an op whose one output has its first input's shape."""
    return [info.input_shape(0)]


# The least value of a per-axis attribute onnxruntime runs (a stride or dilation of 0 divides by
# it; negative pads crop, which a conv or pool refuses), and the most: past int64, its sizes overflow.
LEAST = {"strides": 1, "dilations": 1, "kernel_shape": 1, "pads": 0, "output_padding": 0}
INT64_MAX = (1 << 63) - 1


def ints_attr(value, n: int, default: int, name: str = "an attribute") -> tuple[int, ...]:
    """A per-axis attribute's values (``default`` for each of ``n`` axes when absent); another
    number of values than ``n``, or a value below its :data:`LEAST` or past int64, makes a node
    onnxruntime refuses."""
    if not value:
        return (default,) * n
    if len(value) != n:
        raise ValueError(f"{name} has {len(value)} values where its input's axes take {n}: {CANNOT_RUN}")
    values = tuple(int(v) for v in value)
    least = LEAST.get(name)
    if least is not None and min(values) < least:
        raise ValueError(f"{name} {list(values)}: each must be at least {least}: {INVALID}")
    if least is not None and max(values) > INT64_MAX // 4:  # (padded and dilated sizes past int64: onnxruntime's integer overflow)
        raise ValueError(f"{name} {list(values)}: a value too large for the sizes it makes to fit int64: {INVALID}")
    return values


AUTO_PADS = ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")


def auto_pad(info: NodeInfo) -> str:
    v = info.attr("auto_pad", "NOTSET")
    mode = v.decode() if isinstance(v, bytes) else str(v)
    if mode not in AUTO_PADS:
        raise ValueError(f"auto_pad {mode!r} is none of {', '.join(AUTO_PADS)}: {INVALID}")
    return mode


def explicit_pads(info: NodeInfo, spatial: Shape, kernel: Shape, stride: Shape, dilation: Shape) -> tuple[int, ...]:
    """Explicit pads (all begins, then all ends), resolving auto_pad SAME_UPPER/SAME_LOWER/VALID."""
    r = len(spatial)
    mode = auto_pad(info)
    if mode in ("SAME_UPPER", "SAME_LOWER"):
        pairs = [C.same_pads(spatial[i], kernel[i], stride[i], dilation[i], upper=mode == "SAME_UPPER") for i in range(r)]
        return tuple(p[0] for p in pairs) + tuple(p[1] for p in pairs)
    if mode == "VALID":
        return (0,) * (2 * r)
    return ints_attr(info.attr("pads"), 2 * r, 0, "pads")


def runtime_same_pool(info: NodeInfo, spatial: Shape, kernel: Shape, stride: Shape, dilation: Shape, spec: Shape, declared: Shape) -> tuple[str, bool]:
    """A note for a pool with auto_pad SAME and a dilation, whose output onnxruntime sizes other than
    the spec (and onnx), ceil(n/s): it pads for the undilated kernel, (ceil(n/s) - 1)*s + k - n,
    then slides the dilated one, truncating the division as C does; and whether ``declared`` is
    onnxruntime's size.  ("", False) for any other pool."""
    if auto_pad(info) not in ("SAME_UPPER", "SAME_LOWER") or all(d == 1 for d in dilation):
        return "", False
    ceil, run = info.attr("ceil_mode", 0), []
    for n, k, s, d in zip(spatial, kernel, stride, dilation):
        num = n + (-(-n // s) - 1) * s + k - n - (k - 1) * d - 1
        run.append(-(-num // s) + 1 if ceil else (num // s if num >= 0 else -(-num // s)) + 1)
    if tuple(run) == tuple(spec):
        return "", False
    runtime = tuple(run) == tuple(declared)
    return (f"auto_pad SAME with dilations {list(dilation)}: onnxruntime pads for the undilated kernel and outputs {'x'.join(map(str, run))}, "
            f"not the spec's {'x'.join(map(str, spec))} (counted at {'the runtime' if runtime else 'the spec'}'s size)"), runtime  # fmt: skip


def weight_kernel(info: NodeInfo, x: Shape, w: Shape) -> Shape:
    """The kernel from the weight's dims (params come from them); a kernel_shape attribute
    that disagrees, or a weight of the wrong rank, makes the node uncounted."""
    r = len(x) - 2
    kernel = tuple(w[2:])
    if len(kernel) != r:
        raise ValueError(f"weight {tuple(w)} does not fit a {r}-D input {tuple(x)}")
    if info.attr("kernel_shape") and ints_attr(info.attr("kernel_shape"), r, 1, "kernel_shape") != kernel:
        raise ValueError(f"kernel_shape {ints_attr(info.attr('kernel_shape'), r, 1)} disagrees with the weight's kernel {kernel}")
    return kernel


def broadcasts_to(a: tuple, b: tuple) -> bool:
    """Whether ``a`` broadcasts to ``b`` one way (Gemm's C to its output)."""
    try:
        return C.broadcast_shape(a, b) == b
    except ValueError:
        return False


def no_output(out: Shape, spatial: Shape) -> None:
    """A conv whose output has a spatial size of 0 (its kernel larger than its padded input):
    onnxruntime refuses to run it, so the node is uncounted, saying why."""
    if min(out, default=1) <= 0:
        raise ValueError(f"its output would have spatial size {tuple(out)} from an input of {tuple(spatial)} (the kernel is larger than the padded input): {CANNOT_RUN}")


def conv_geom(info: NodeInfo, x_i: int = 0, w_i: int = 1, b_i: int | None = 2) -> ConvGeom:
    """Geometry of a Conv-like node (input ``x_i``, weight ``w_i`` of shape (Cout, Cin/g, *kernel),
    optional bias ``b_i``), shared by Conv, ConvInteger and QLinearConv."""
    x, w = info.shape(x_i), info.shape(w_i)
    n, cin, spatial = x[0], x[1], tuple(x[2:])
    r = len(spatial)
    kernel = weight_kernel(info, x, w)
    groups = int(info.attr("group", 1))
    stride = ints_attr(info.attr("strides"), r, 1, "strides")
    dilation = ints_attr(info.attr("dilations"), r, 1, "dilations")
    if cin != w[1] * groups:
        raise ValueError(f"input has {cin} channels but weight {tuple(w)} with group={groups} expects {w[1] * groups}: {CANNOT_RUN}")
    if groups < 1 or w[0] % groups:
        raise ValueError(f"its {w[0]} output channels are not a multiple of group={groups}: {CANNOT_RUN}")
    if b_i is not None and info.input_shape(b_i) is not None and prod(info.input_shape(b_i)) != w[0]:
        raise ValueError(f"its bias {tuple(info.input_shape(b_i))} is not one value for each of its {w[0]} output channels: {CANNOT_RUN}")
    pads = explicit_pads(info, spatial, kernel, stride, dilation)
    out = tuple(C.conv_out_size(spatial[i], kernel[i], stride[i], dilation[i], pads[i], pads[r + i]) for i in range(r))
    no_output(out, spatial)
    y = info.out_shapes[0] if info.out_shapes else None
    if y is not None and len(y) == r + 2 and tuple(y[2:]) != out:  # (a shape declared in the file that its attributes contradict)
        raise ValueError(f"its output {tuple(y)} {DECLARED_CONFLICT} (spatial {out} with pads {list(pads)}, strides {list(stride)})")
    if y is not None and len(y) == r + 2 and (y[0], y[1]) != (n, w[0]):  # (a batch or channels declared in the file that its input and weight contradict)
        raise ValueError(f"its output {tuple(y)} does not follow from its input {tuple(x)} and weight {tuple(w)}: {CANNOT_RUN}")
    bias = b_i is not None and info.has(b_i)
    return ConvGeom(kernel, cin, w[0], groups, stride, dilation, pads, spatial, out, bias, n)


def str_attr(info: NodeInfo, key: str, default: str) -> str:
    """A string attribute (onnx gives bytes)."""
    value = info.attr(key, default)
    return value.decode() if isinstance(value, bytes) else str(value)


def node_attrs(node) -> dict:
    """A node's attribute values by name, as ``onnx.helper.get_attribute_value`` gives them
    (tensor and graph attributes stay protos; None for an undefined type or a function's reference)."""
    out = {}
    for a in node.attribute:
        t = a.type
        if t == 7:  # INTS (a hostile file's huge list stays the proto's: no Python int for each)
            out[a.name] = list(a.ints) if len(a.ints) <= BIG_LIST else a.ints
        elif t == 2:  # INT
            out[a.name] = a.i
        elif t == 1:  # FLOAT
            out[a.name] = a.f
        elif t == 3:  # STRING
            out[a.name] = a.s
        elif t in (4, 5, 9, 10, 11, 12):  # tensors and graphs: not needed by handlers
            out[a.name] = a
        elif a.ref_attr_name:
            out[a.name] = None
        elif t == 6:  # FLOATS
            out[a.name] = list(a.floats) if len(a.floats) <= BIG_LIST else a.floats
        elif t == 8:  # STRINGS
            out[a.name] = list(a.strings)
        elif t == 13:  # TYPE_PROTO
            out[a.name] = a.tp
        elif t == 14:  # TYPE_PROTOS
            out[a.name] = list(a.type_protos)
        else:
            out[a.name] = None
    return out


def einsum_sizes(eq: str, shapes: list) -> tuple[dict[str, int], tuple[int, ...], str]:
    """(each index letter's size, the broadcast shape of the ellipsis, the output term) of an
    Einsum ``eq`` (spaces removed) over operands of ``shapes``: sizes broadcast as numpy and
    onnxruntime broadcast them (a letter of size 1 in one operand takes the other's).  The
    output term of an implicit equation is the ellipsis, then the letters seen once, sorted.
    ValueError when an operand's term does not fit its shape, a letter has two sizes, or the
    ellipses of two operands span different ranks (which onnxruntime refuses)."""
    from dscost.cost import broadcast_shape

    terms = eq.split("->")[0].split(",")
    sizes: dict[str, int] = {}
    batch: tuple[int, ...] = ()
    spans = set()
    for i, (term, shape) in enumerate(zip(terms, shapes)):
        letters = term.replace("...", "")
        n_ell = len(shape) - len(letters) if "..." in term else 0
        if n_ell < 0 or len(letters) + n_ell != len(shape):
            raise ValueError(f"term {term!r} does not match input {i} of shape {tuple(shape)}")
        if "..." in term:
            spans.add(n_ell)
        start = term.index("...") if "..." in term else len(letters)
        batch = broadcast_shape(batch, tuple(shape[start : start + n_ell]))
        for letter, d in zip(letters, shape[:start] + shape[start + n_ell :]):
            if sizes.get(letter, d) not in (d, 1) and d != 1:
                raise ValueError(f"index {letter!r} has sizes {sizes[letter]} and {d}")
            sizes[letter] = max(sizes.get(letter, d), d)
    if len(spans) > 1:
        raise ValueError(f"the ellipses of {eq!r} span {' and '.join(map(str, sorted(spans)))} axes: {CANNOT_RUN}")
    out = eq.split("->")[1] if "->" in eq else "..." * ("..." in eq) + "".join(sorted(x for x in sizes if eq.count(x) == 1))
    return sizes, batch, out


def einsum_shape(sizes: dict[str, int], batch: tuple[int, ...], out: str) -> tuple[int, ...]:
    """The output shape of an Einsum (:func:`einsum_sizes`)."""
    before, ell, after = out.partition("...")
    return (*(sizes[c] for c in before), *(batch if ell else ()), *(sizes[c] for c in after))


def einsum_lone(eq: str, sizes: dict[str, int], shapes: list) -> tuple[set[str], int]:
    """The indices of an Einsum that one operand alone holds and the output does not
    (``bhnd,bhmd->bhn``: m), which torch and onnxruntime sum out of that operand before any
    product, and the elements of the operands so summed (one add each; a size-1 index sums nothing)."""
    terms = eq.split("->")[0].split(",")
    out = eq.split("->")[1] if "->" in eq else None  # (an implicit output keeps every index seen once)
    holders: dict[str, set[int]] = {}
    for i, term in enumerate(terms):
        for x in term.replace("...", ""):
            holders.setdefault(x, set()).add(i)
    lone = {x for x, held in holders.items() if out is not None and len(held) == 1 and x not in out}
    summed = sum(prod(shapes[i]) for i, term in enumerate(terms) if prod(sizes[x] for x in set(term) & lone) > 1)
    return lone, summed


def einsum_pairs(eq: str, shapes: list) -> list[tuple[int, int]]:
    """The pairwise products of an Einsum of any number of operands (of ``shapes``), contracted
    left to right as onnxruntime runs it: the running result times the next operand, an index
    summed at the last operand holding it when the output does not, one that a single operand
    holds summed out of it first (:func:`einsum_lone`: its elements, 1).  For each pair, (the product
    of the sizes of every index of either side, the product of the sizes summed there): a pair
    summing nothing (1) is a broadcast multiply.  An index (or the ellipsis) of size 1 in the
    operands so far takes a larger size only at the pair that brings it (``...ij,...jk,...kl`` of
    batches 1, 1 and 5: 1 x i j k, then 5 x i k l).  Two operands give one pair,
    :func:`dscost.cost.einsum_cost`'s."""
    from dscost.cost import broadcast_shape

    raw = eq.split("->")[0].split(",")
    every, _, implicit = einsum_sizes(eq, shapes)
    out = eq.split("->")[1] if "->" in eq else implicit
    own = []  # each operand's index sizes, its ellipsis as a shape
    for term, shape in zip(raw, shapes):
        letters = term.replace("...", "")
        start, n_ell = (term.index("..."), len(shape) - len(letters)) if "..." in term else (len(shape), 0)
        sizes: dict = dict(zip(letters, (*shape[:start], *shape[start + n_ell :])))
        if "..." in term:
            sizes["..."] = tuple(shape[start : start + n_ell])
        own.append(sizes)
    lone, _ = einsum_lone(eq, every, shapes)
    reductions = [(prod(shape), 1) for shape, sizes in zip(shapes, own) if prod(d for x, d in sizes.items() if x in lone) > 1]
    own = [{x: d for x, d in sizes.items() if x not in lone} for sizes in own]
    kept = set(out.replace("...", "")) | ({"..."} if "..." in out else set())
    last = {x: k for k, sizes in enumerate(own) for x in sizes}  # (the last operand holding each index: linear in the operands)
    running, pairs = own[0], []
    for k in range(1, len(own)):
        both = dict(running)
        for x, d in own[k].items():
            if x not in both:
                both[x] = d
            else:  # (an index of size 1 so far takes this operand's size)
                both[x] = broadcast_shape(both[x], d) if x == "..." else max(both[x], d)
        size = {x: prod(d) if x == "..." else d for x, d in both.items()}
        summed = [x for x in both if last[x] <= k and x not in kept]
        pairs.append((prod(size.values()), prod(size[x] for x in summed)))
        running = {x: d for x, d in both.items() if last[x] > k or x in kept}
    return reductions + pairs
