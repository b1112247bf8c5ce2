"""What can be evaluated before the graph runs: small constant values (initializers and Constant
nodes whose data the file holds) and single nodes run by onnx's reference evaluator on them, with
the size of their output bounded first.  Shared by the folding pass
(:mod:`dscost.readers.onnx_shapes`) and the If conditions of :mod:`dscost.readers.onnx_branches`;
and whether a Constant node holds one repeated value or an identity matrix (:func:`uniform_constant`).

Nothing here does I/O; onnx and numpy are given or imported when a value is evaluated.
"""

from __future__ import annotations

import struct
from array import array
from math import prod

FOLD_MAX_ELEMENTS = 1 << 16  # largest tensor the folding evaluates or keeps
# Ops whose value changes from run to run: never folded into a constant (a shape, an If's condition).
NONDETERMINISTIC = ("RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli")


def small_value(t, np, numpy_helper):
    """The value of an initializer or Constant tensor whose data is present and small, else None."""
    n = prod(t.dims)
    if n > FOLD_MAX_ELEMENTS or t.data_location == 1:  # external data is never opened
        return None
    try:
        arr = numpy_helper.to_array(t)
    except Exception:
        return None
    return arr if arr.size == n else None


def input_arrays(input_values: dict[str, int] | None, graph_inputs) -> dict:
    """The ``--input-value`` of ``graph_inputs`` (value infos) as arrays of the input's element
    type and rank, one element (what ``onnx_branches.check_values`` allows)."""
    if not input_values:
        return {}
    import numpy as np
    from onnx import helper

    out = {}
    for vi in graph_inputs:
        elem = vi.type.tensor_type.elem_type
        if vi.name in input_values and elem:
            out[vi.name] = np.full([1] * len(vi.type.tensor_type.shape.dim), input_values[vi.name], dtype=helper.tensor_dtype_to_np_dtype(elem))
    return out


def empty_inputs(graph_inputs) -> dict:
    """The graph inputs of a static shape with a 0 in it as their one value, an empty array (an
    empty list of axes, an empty cache: what ReduceSum's output shape follows)."""
    out = {}
    for vi in graph_inputs:
        tt = vi.type.tensor_type
        dims = [d.dim_value if d.HasField("dim_value") else -1 for d in tt.shape.dim]
        if tt.elem_type and 0 in dims and -1 not in dims:
            import numpy as np
            from onnx import helper

            try:
                out[vi.name] = np.zeros(dims, dtype=helper.tensor_dtype_to_np_dtype(tt.elem_type))
            except (KeyError, TypeError, ValueError):  # (a type numpy lacks: left unknown)
                pass
    return out


def constant_value(node, np, numpy_helper):
    """The value of a Constant node, when its data is present (not stripped) and small, else None."""
    if len(node.attribute) != 1:
        return None
    a = node.attribute[0]
    name = a.name
    if name == "value":
        return small_value(a.t, np, numpy_helper)
    if name == "value_int":
        return np.array(a.i, dtype=np.int64)
    if name == "value_ints":
        return np.array(list(a.ints), dtype=np.int64) if len(a.ints) <= FOLD_MAX_ELEMENTS else None
    if name == "value_float":
        return np.array(a.f, dtype=np.float32)
    if name == "value_floats":
        return np.array(list(a.floats), dtype=np.float32) if len(a.floats) <= FOLD_MAX_ELEMENTS else None
    return None  # sparse_value, strings: left to the evaluator


# onnxruntime's own ops that are the standard ones of the same name: evaluated, and read, as
# those.  Its quantizer's QuantizeLinear and DequantizeLinear (UseQDQContribOps; 0: the newest
# version, for their 16- and 4-bit types; shapes from onnx_contrib's functions), and the ops of
# its PyTorch export helper (onnxruntime.tools.pytorch_export_contrib_ops: GridSample, Trilu)
# and of older converters (Pad, Range, GatherND), each the standard op of this opset, which
# infers their shapes too (GridSample-16 takes the contrib op's mode names, "bilinear", "bicubic")
CONTRIB_TWINS = {"QuantizeLinear": 0, "DequantizeLinear": 0, "GridSample": 16, "Trilu": 14, "Pad": 11, "Range": 11, "GatherND": 11}


def standard_domain(node) -> str:
    """The node's domain, or the default one for an onnxruntime op that is a standard op's twin."""
    if node.domain == "com.microsoft" and node.op_type in CONTRIB_TWINS and (node.op_type != "Range" or len(node.input) == 3):
        return ""  # (a contrib Range's delta is optional, the standard one's is not)
    return node.domain


class Evaluators:
    """One ReferenceEvaluator per op signature (op, attributes, arity): building one costs ~1 ms,
    running it ~50 us, and shape arithmetic repeats a few signatures many times.  Each runs a
    one-node model of the graph's opset: given a bare node, onnx's evaluator takes the newest
    version of its op whatever ``opsets`` says (an opset-11 ``Unsqueeze`` with its ``axes``
    attribute then fails as Unsqueeze-13)."""

    def __init__(self, opset: int):
        self.opset = opset
        self.cache: dict[bytes, object] = {}

    def run(self, node, feeds: list):
        from onnx import ValueInfoProto, defs, helper
        from onnx.reference import ReferenceEvaluator

        ins, outs, domain = [f"i{k}" if name else "" for k, name in enumerate(node.input)], [f"o{k}" for k in range(len(node.output))], standard_domain(node)
        generic = helper.make_node(node.op_type, ins, outs, domain=domain)
        generic.attribute.extend(node.attribute)
        key = generic.SerializeToString()
        ev = self.cache.get(key)
        if ev is None:
            graph = helper.make_graph([generic], "fold", [ValueInfoProto(name=i) for i in ins if i], [ValueInfoProto(name=o) for o in outs])
            # The graph's opset; the newest when onnx has no implementation that old (DequantizeLinear
            # before 19), and for an onnxruntime twin (16- and 4-bit types at any opset)
            newest = defs.onnx_opset_version()
            ev = None
            for opset in dict.fromkeys((self.opset if domain == node.domain else CONTRIB_TWINS[node.op_type] or newest, newest)):
                opsets = [helper.make_opsetid("", opset)] + ([helper.make_opsetid(domain, 1)] if domain not in ("", "ai.onnx") else [])
                try:
                    ev = ReferenceEvaluator(helper.make_model(graph, opset_imports=opsets))
                    break
                except RuntimeError:  # "No implementation for operator ..."
                    if opset == newest:
                        raise
            self.cache[key] = ev
        import warnings

        import numpy as np

        if node.op_type == "CumSum" and len(feeds) > 1 and getattr(feeds[1], "shape", None) == (1,):  # (onnxruntime runs a one-element axis,
            feeds = [feeds[0], feeds[1].reshape(()), *feeds[2:]]  # the dynamo exporter's repeat_interleave writes one; onnx's evaluator takes 0-D)
        with warnings.catch_warnings(), np.errstate(all="ignore"):  # log(0) of T5's position buckets: not the user's concern
            warnings.simplefilter("ignore")
            return ev.run(None, {f"i{k}": v for k, v in enumerate(feeds) if v is not None})


# Ops whose output size follows from their input values' shapes without running them, so a fold
# of small inputs is bounded before it runs (most shape arithmetic of an export).
_SAME_SIZE = frozenset("Identity Cast Reshape Squeeze Unsqueeze Flatten Transpose Neg Abs Floor Ceil Round Sqrt Reciprocal "
                       "Sign Not Relu Exp Log Sin Cos Tanh Sigmoid Erf IsNaN IsInf Slice ReduceSum ReduceMean ReduceMax "
                       "ReduceMin ReduceProd ArgMax ArgMin QuantizeLinear DequantizeLinear CumSum".split())  # fmt: skip
_BROADCAST = frozenset("Add Sub Mul Div Pow Mod Equal Less Greater LessOrEqual GreaterOrEqual And Or Xor Max Min Where".split())


def fold_bound(node, op: str, vals: list, np) -> int | None:
    """At most how many elements the single output of ``op`` on these input values holds; None
    when it does not follow from the inputs' shapes alone (the node is then inferred first)."""
    if not vals or any(v is None for v in vals):
        return None
    if op in _SAME_SIZE:
        return int(vals[0].size)
    if op == "Concat":
        return sum(int(v.size) for v in vals)
    if op in _BROADCAST:
        try:
            return prod(np.broadcast_shapes(*(v.shape for v in vals)))
        except ValueError:
            return None
    if op == "Gather" and len(vals) == 2 and vals[0].ndim:
        axis = next((a.i for a in node.attribute if a.name == "axis"), 0)
        if not -vals[0].ndim <= axis < vals[0].ndim or vals[0].shape[axis] == 0:
            return None
        return int(vals[0].size // vals[0].shape[axis] * vals[1].size)
    return None


def fold_small(node, feeds: list, evaluators: Evaluators, np, limit: int = FOLD_MAX_ELEMENTS):
    """The single output of ``node`` on the input values ``feeds``, when :func:`fold_bound` says it
    holds at most ``limit`` elements and onnx's evaluator runs it; else None."""
    bound = fold_bound(node, node.op_type, feeds, np)
    if bound is None or bound > limit:
        return None
    try:
        return np.asarray(evaluators.run(node, feeds)[0])
    except Exception:
        return None


# Ops whose output size their input's values decide: computed from stored constants alone, those are read (onnx_shapes)
DATA_SIZED = ("NonZero", "Unique")
SOURCES_MAX = 64  # nodes walked back from one of them
READ_MAX_ELEMENTS = 1 << 22  # elements read from the file for them in all (each at most FOLD_MAX_ELEMENTS)


def stored_sources(nodes, values: dict, stored: dict) -> list[str]:
    """The tensors of ``stored`` (whose data the stripped copy left out) without a value that the
    input of a NonZero or Unique is computed from, when it is computed from constants alone, by
    standard deterministic ops, at most :data:`SOURCES_MAX` nodes back: the values that decide its size
    (each of at most :data:`FOLD_MAX_ELEMENTS` elements, :data:`READ_MAX_ELEMENTS` in all)."""
    wanted = [n for n in nodes if n.op_type in DATA_SIZED and n.input and n.input[0] not in values] if stored else []
    if not wanted:
        return []
    made = {o: n for n in nodes for o in n.output if o}
    found: dict[str, None] = {}
    for node in wanted:
        todo, seen, need = [node.input[0]], set(), []
        while todo:
            t = todo.pop()
            if not t or t in seen or t in values:
                continue
            seen.add(t)
            p = made.get(t)
            if t in stored:
                need.append(t)
                if prod(stored[t].dims) > FOLD_MAX_ELEMENTS:
                    break  # (too big to fold)
            elif (len(seen) > SOURCES_MAX or p is None or p.op_type in NONDETERMINISTIC or standard_domain(p) not in ("", "ai.onnx")
                  or any(a.type in (5, 10) for a in p.attribute)):  # fmt: skip
                break  # (a graph input, a random or custom op, a subgraph, too far: not from constants alone)
            else:
                todo.extend(p.input)
        else:
            if sum(prod(stored[t].dims) for t in {*found, *need}) <= READ_MAX_ELEMENTS:
                found.update(dict.fromkeys(need))
    return list(found)


def uniform_constant(attr) -> bool:
    """A Constant node's value is one number (repeated): torch.zeros/ones written in forward --
    the zero initial state of an RNN, the identity affine of GroupNorm exported as
    InstanceNorm -- or a scalar; or an identity matrix (torch.eye in forward: peft's HRA builds
    its Householder product from one).  False when the data is not at hand (stripped: see
    :func:`stored_literal`)."""
    if attr.name in ("value_float", "value_int"):
        return True
    if attr.name in ("value_floats", "value_ints"):
        vals = array("f", attr.floats) if attr.name == "value_floats" else array("q", attr.ints)  # (4 or 8 bytes a number)
        return len(vals) <= 1 or vals.count(vals[0]) == len(vals)
    if not attr.HasField("t"):
        return False
    t = attr.t
    n = prod(t.dims)
    vals = tensor_numbers(t, n)
    if vals is None:  # (another element type, or data elsewhere: numpy's view of it, as onnx gives it)
        from onnx import numpy_helper

        try:
            arr = numpy_helper.to_array(t)
        except Exception:
            return False
        return arr.size == n and (arr.size == 0 or bool((arr == arr.flat[0]).all()))
    return len(vals) == n and _literal(t.dims, vals)


def _literal(dims, vals) -> bool:
    """``vals`` (all of a tensor of ``dims``) are one repeated number or an identity matrix."""
    first = vals[0] if vals else None
    if all(v == first for v in vals):  # (numbers as numpy compares them: -0.0 == 0.0, NaN equal to nothing)
        return True
    if len(dims) != 2 or dims[0] != dims[1] or dims[0] < 2:
        return False
    step, vals = dims[0] + 1, tuple(vals)
    return vals.count(1) == dims[0] and vals.count(0) == len(vals) - dims[0] and all(vals[i] == 1 for i in range(0, len(vals), step))


STORED_LITERAL_ELEMENTS = 1 << 22  # (16 MB of float32: a stripped Constant read whole to see it is a literal, at most)


def stored_literal(wire, t, why: str | None = None) -> bool:
    """:func:`uniform_constant` for a Constant node's tensor ``t`` whose data the stripped copy
    left out (an onnx_wire._Tensor of ``wire``'s file): its first row is read first, and the whole
    (up to STORED_LITERAL_ELEMENTS) only when that row could begin a literal -- a learned
    weight's first row is neither one repeated number nor (1, 0, ..., 0).  With ``why``, also
    from external data (said in ``wire.opened``)."""
    from dscost.readers.onnx_stored import stored_values

    n, dims = prod(t.dims), t.dims
    if t.dtype not in (1, 10, 11) or t.location is not None and why is None or not 1 < n <= STORED_LITERAL_ELEMENTS:  # (float32, float16, double: what is learned)
        return False
    code = _FORMATS[t.dtype][0]
    size = struct.calcsize(code)
    row = min(n, max(dims[-1], 2))
    head = stored_values(wire.path, t, n * size, head=row * size)
    if head is None:
        return False
    if t.location is not None:
        wire.opened[why] = None
    first = struct.unpack(f"<{row}{code}", head)
    square = len(dims) == 2 and dims[0] == dims[1]
    if not (all(v == first[0] for v in first) or square and first[0] == 1 and first.count(0) == row - 1):
        return False
    whole = stored_values(wire.path, t, n * size)
    return whole is not None and _literal(t.dims, struct.unpack(f"<{n}{code}", whole))


# An element type's struct format (little-endian, as raw_data stores it), and the TensorProto
# field that holds its values when they are not raw: the usual types of a Constant node's tensor
_FORMATS = {1: ("f", "float_data"), 2: ("B", "int32_data"), 3: ("b", "int32_data"), 4: ("H", "int32_data"), 5: ("h", "int32_data"),
            6: ("i", "int32_data"), 7: ("q", "int64_data"), 9: ("?", "int32_data"), 10: ("e", "int32_data"), 11: ("d", "double_data"),
            12: ("I", "uint64_data"), 13: ("Q", "uint64_data")}  # fmt: skip


def small_numbers(t, types: tuple[int, ...], limit: int) -> list | None:
    """The values of TensorProto ``t``, of one of the element ``types`` and at most ``limit``
    elements, when the (stripped) file kept its data; else None (a Slice's starts, a Resize's scales)."""
    n = prod(t.dims)
    if t.data_type not in types or n > limit:
        return None
    vals = tensor_numbers(t, n)
    return list(vals) if vals is not None and len(vals) == n else None


def tensor_numbers(t, n: int):
    """The values of TensorProto ``t`` (of ``n`` elements) as Python numbers, read with struct
    (onnx's numpy_helper imports the whole onnx package, and with it ml_dtypes: 0.5 s in
    ml_dtypes 0.7); None for another element type or data stored elsewhere."""
    fmt = _FORMATS.get(t.data_type)
    if fmt is None or t.data_location == 1:
        return None
    code, field = fmt
    raw = t.raw_data
    if raw:
        return struct.unpack(f"<{n}{code}", raw) if len(raw) == n * struct.calcsize(code) else ()  # (a size the dims contradict: not uniform)
    vals = getattr(t, field)
    if code == "e":  # (float16 as its bits in int32_data)
        return struct.unpack(f"<{len(vals)}e", struct.pack(f"<{len(vals)}H", *[v & 0xFFFF for v in vals]))
    return vals
