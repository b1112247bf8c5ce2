"""The tables of a TFLite flatbuffer as plain Python objects, read without touching weight bytes.

The file is memory-mapped and walked with the flatbuffer accessors of the
``tflite`` package (generated from TensorFlow's own schema; TensorFlow itself
is never imported).  Only the tables are read -- operator codes, operators and
their options, tensor names, shapes and types, and the length word of each
buffer.  Every index and offset is checked (identifier ``TFL3``, no negative
dimension); a problem is an :class:`InputError` naming the file.
"""

from __future__ import annotations

import mmap
import re
import struct
from math import prod
from dataclasses import dataclass, field
from pathlib import Path

from dscost.errors import InputError
from dscost.layers import (
    Shape,
)


IDENTIFIER = b"TFL3"
INSTALL_HINT = "pip install 'dscost[tflite]'"

# TensorType values (schema.fbs)
TYPE_NAMES = {0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 5: "string", 6: "bool", 7: "int16",
              8: "complex64", 9: "int8", 10: "float64", 11: "complex128", 12: "uint64", 13: "resource",
              14: "variant", 15: "uint32", 16: "uint16", 17: "int4", 18: "bfloat16"}  # fmt: skip
FLOAT_TYPES = frozenset({0, 1, 10, 18})
INT_WIDTH = {2: 4, 4: 8}  # int32, int64: bytes per element
FLOAT_FORMAT = {0: "<f", 1: "<e", 10: "<d"}  # float32, float16, float64: their struct format
SMALL = 128  # bytes of a buffer read as integers: 16 int64 values (never a weight's bytes: a file's constants of more are not read)
# TensorType -> bits per element, for the types of a fixed width (a dense constant's buffer holds at least its shape's worth)
TYPE_BITS = {0: 32, 1: 16, 2: 32, 3: 8, 4: 64, 6: 8, 7: 16, 8: 64, 9: 8, 10: 64, 11: 128, 12: 64, 15: 32, 16: 16, 17: 4, 18: 16}

# ActivationFunctionType -> key of cost.ACTIVATION_OPS (SIGN_BIT has none: uncounted)
FUSED_ACTIVATIONS = {1: ("RELU", "relu"), 2: ("RELU_N1_TO_1", "clip"), 3: ("RELU6", "relu6"), 4: ("TANH", "tanh"), 5: ("SIGN_BIT", None)}

# Options tables read from the file: class name -> accessor methods (zero-argument getters).
OPTION_FIELDS = {
    "Conv2DOptions": ("Padding", "StrideW", "StrideH", "FusedActivationFunction", "DilationWFactor", "DilationHFactor"),
    "DepthwiseConv2DOptions": ("Padding", "StrideW", "StrideH", "DepthMultiplier", "FusedActivationFunction", "DilationWFactor", "DilationHFactor"),
    "Conv3DOptions": ("Padding", "StrideD", "StrideW", "StrideH", "FusedActivationFunction", "DilationDFactor", "DilationWFactor", "DilationHFactor"),
    "TransposeConvOptions": ("Padding", "StrideW", "StrideH", "FusedActivationFunction"),
    "Pool2DOptions": ("Padding", "StrideW", "StrideH", "FilterWidth", "FilterHeight", "FusedActivationFunction"),
    "FullyConnectedOptions": ("FusedActivationFunction", "KeepNumDims"),
    "BatchMatMulOptions": ("AdjX", "AdjY"),
    "AddOptions": ("FusedActivationFunction",),
    "SubOptions": ("FusedActivationFunction",),
    "MulOptions": ("FusedActivationFunction",),
    "DivOptions": ("FusedActivationFunction",),
    "ConcatenationOptions": ("Axis", "FusedActivationFunction"),
    "L2NormOptions": ("FusedActivationFunction",),
    "LocalResponseNormalizationOptions": ("Radius",),
    "UnidirectionalSequenceLSTMOptions": ("FusedActivationFunction", "TimeMajor"),
    "SequenceRNNOptions": ("FusedActivationFunction", "TimeMajor"),
    "BidirectionalSequenceRNNOptions": ("FusedActivationFunction", "TimeMajor", "MergeOutputs"),
    "SVDFOptions": ("Rank", "FusedActivationFunction"),
    "LSTMOptions": ("FusedActivationFunction",),
    "RNNOptions": ("FusedActivationFunction",),
    "WhileOptions": ("CondSubgraphIndex", "BodySubgraphIndex"),
    "IfOptions": ("ThenSubgraphIndex", "ElseSubgraphIndex"),
    "CallOptions": ("Subgraph",),
    "CallOnceOptions": ("InitSubgraphIndex",),
    "VarHandleOptions": ("Container", "SharedName"),
    "StridedSliceOptions": ("BeginMask", "EndMask", "EllipsisMask", "NewAxisMask", "ShrinkAxisMask", "Offset"),
    "GatherOptions": ("Axis", "BatchDims"),
    "PackOptions": ("ValuesCount", "Axis"),
    "UnpackOptions": ("Num", "Axis"),
    "ReducerOptions": ("KeepDims",),
    "OneHotOptions": ("Axis",),
}
# The options of the StableHLO ops (builtin_options_2), read the same way; a vector field is a tuple
# of at most MAX_OPTION_ENTRIES entries (dimension numbers, strides, paddings: a few per axis).
OPTION2_FIELDS = {
    "StablehloConcatenateOptions": ("Dimension",),
    "StablehloBroadcastInDimOptions": ("BroadcastDimensions",),
    "StablehloSliceOptions": ("StartIndices", "LimitIndices", "Strides"),
    "StablehloConvolutionOptions": ("WindowStrides", "Padding", "LhsDilation", "RhsDilation", "InputBatchDimension", "InputFeatureDimension",
                                    "InputSpatialDimensions", "KernelInputFeatureDimension", "KernelOutputFeatureDimension",
                                    "KernelSpatialDimensions", "OutputBatchDimension", "OutputFeatureDimension", "OutputSpatialDimensions",
                                    "FeatureGroupCount", "BatchGroupCount"),
    "StablehloCustomCallOptions": ("CallTargetName",),
    "StablehloReduceOptions": ("Dimensions", "BodySubgraphIndex"),
    "StablehloScatterOptions": ("UpdateComputationSubgraphIndex",),
    "StablehloCompareOptions": ("ComparisonDirection", "CompareType"),
    "StablehloDynamicSliceOptions": ("SliceSizes",),
    "StablehloPadOptions": ("EdgePaddingLow", "EdgePaddingHigh", "InteriorPadding"),
    "StablehloIotaOptions": ("IotaDimension",),
    "StablehloDotGeneralOptions": ("LhsBatchingDimensions", "RhsBatchingDimensions", "LhsContractingDimensions", "RhsContractingDimensions"),
    "StablehloReduceWindowOptions": ("WindowDimensions", "WindowStrides", "BaseDilations", "WindowDilations", "Padding", "BodySubgraphIndex"),
    "StablehloSortOptions": ("Dimension", "IsStable", "ComparatorSubgraphIndex"),
    "StablehloWhileOptions": ("CondSubgraphIndex", "BodySubgraphIndex"),
    "StablehloGatherOptions": ("SliceSizes",),
    "StablehloTransposeOptions": ("Permutation",),
    "StablehloRngBitGeneratorOptions": ("Algorithm",),
    "StableHLOCompositeOptions": ("Name", "DecompositionSubgraphIndex", "Version"),
}  # fmt: skip
MAX_OPTION_ENTRIES = 256
SAME, VALID = 0, 1  # Padding
CONTROL_FLOW = ("WHILE", "IF", "CALL_ONCE", "CALL", "STABLEHLO_WHILE")
SUBGRAPH_INDEX_FIELDS = frozenset(f for fields in (*OPTION_FIELDS.values(), *OPTION2_FIELDS.values()) for f in fields if f.endswith("SubgraphIndex") or f == "Subgraph")
SUBGRAPH_OPTIONS = ("CondSubgraphIndex", "BodySubgraphIndex", "ThenSubgraphIndex", "ElseSubgraphIndex", "Subgraph", "InitSubgraphIndex")


def subgraph_indices(op) -> list[int]:
    """The subgraphs a control-flow op runs (WHILE's cond and body, IF's branches, CALL's)."""
    return [v for k, v in (op.options or {}).items() if k in SUBGRAPH_OPTIONS and isinstance(v, int)]


PAD_NAME = re.compile(r"(^|/)(Mirror)?Pad(V2)?\d*$")


class _Corrupt(Exception):
    """The flatbuffer is inconsistent; the message says where."""


# --------------------------------------------------------------------------
# First pass: the file's tables as plain objects


@dataclass
class Tensor:
    name: str
    shape: Shape  # () for a scalar
    dtype: int
    buffer: int
    quantized: bool
    signature: Shape | None  # shape_signature (-1 = dynamic), None when absent
    const: bool = False  # its buffer holds data
    value: int | None = None  # a one-element int32/int64 constant's value (a loop's bound, start or step)
    ints: tuple[int, ...] | None = None  # a small int32/int64 constant's values (<= 16: a PAD's paddings, a RESIZE's size)
    number: float | None = None  # a one-element float16/32/64 constant's value (a float loop counter's start, limit or step)


@dataclass
class Op:
    index: int
    opname: str  # builtin name, or the custom code of a custom op
    custom: bool
    inputs: list[int]  # -1: omitted optional input
    outputs: list[int]
    options_type: str | None  # name of the options table (None: no options)
    options: dict


@dataclass
class Subgraph:
    name: str
    tensors: list[Tensor]
    ops: list[Op]
    inputs: list[int]
    outputs: list[int]


@dataclass
class TFLiteFile:
    version: int
    graphs: list[Subgraph]
    n_buffers: int
    weight_bytes: int
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # a subgraph's cost, once per way it is called
    signatures: list = field(default_factory=list)  # (signature key, subgraph index) of each SignatureDef: the file's entry points


# Vtable slots of the int32 vectors read at once (the schema's field ids, fixed for good): a
# Tensor's shape and shape_signature, an Operator's and a SubGraph's inputs and outputs.
TENSOR_SHAPE, TENSOR_SHAPE_SIGNATURE, INPUTS, OUTPUTS = 4, 18, 6, 8


def _int32s(obj, slot: int, n: int) -> tuple[int, ...]:
    """The ``n`` int32 entries of the vector at vtable ``slot`` of the generated table ``obj``,
    read in one call (its generated accessor reads one entry a call: ~4 us each, which a file of
    tensors with thousands of dimensions multiplies)."""
    tab = obj._tab
    o = tab.Offset(slot)
    return struct.unpack_from(f"<{n}i", tab.Bytes, tab.Vector(o)) if o and n else ()


def _scan(buf, size: int, tfl) -> TFLiteFile:
    """Read the model's tables out of ``buf``; _Corrupt on anything out of range."""
    from tflite.BuiltinOptions import BuiltinOptions
    from tflite.BuiltinOptions2 import BuiltinOptions2
    from tflite.utils import BUILTIN_OPCODE2NAME

    option_names = {v: k for k, v in vars(BuiltinOptions).items() if not k.startswith("_") and isinstance(v, int)}
    option2_names = {v: k for k, v in vars(BuiltinOptions2).items() if not k.startswith("_") and isinstance(v, int)}

    read = [0]  # entries (and words of text) read in all: tables shared by many references must not multiply the work
    limit = 4 * size + (1 << 20)

    def spend(n: int) -> None:
        read[0] += n
        if read[0] > limit:
            raise _Corrupt(f"its tables hold more than {limit:,} entries for a {size}-byte file: one table referenced many times "
                           "(a flatbuffer that multiplies the work of reading it)")

    def count(n: int, width: int, what: str) -> int:
        if n < 0 or n * width > size:
            raise _Corrupt(f"{what}: {n} entries cannot fit in a {size}-byte file")
        spend(n)
        return n

    def text(raw) -> str:
        if raw:
            spend(len(raw) // 4)
        return raw.decode("utf-8", errors="replace") if raw else ""

    root = struct.unpack_from("<I", buf, 0)[0]
    if root + 4 > size:
        raise _Corrupt(f"root table offset {root} is past the end of the file")
    model = tfl.Model.GetRootAs(buf, 0)
    version = model.Version()

    # Buffers: only their sizes (the vector length, or offset/size of data stored after the flatbuffer)
    n_buffers = count(model.BuffersLength(), 4, "buffers")
    has_data: list[bool] = []
    buffer_bytes: list[int] = []
    small: dict[int, bytes] = {}  # buffers of at most SMALL bytes: small integer constants are read
    weight_bytes = 0
    for b in range(n_buffers):
        buffer = model.Buffers(b)
        offset, nbytes = buffer.Offset(), buffer.Size()
        if offset > 1:  # data outside the flatbuffer (models over 2 GB)
            if offset + nbytes > size:
                raise _Corrupt(f"buffer {b}: data at bytes {offset}..{offset + nbytes} is past the end of the file ({size} bytes)")
        else:  # the data vector: its length word only (the generated class has no accessor for its start)
            o = buffer._tab.Offset(4)
            nbytes = 0
            if o:
                start = buffer._tab.Vector(o)
                nbytes = buffer._tab.VectorLen(o)
                if start + nbytes > size:
                    raise _Corrupt(f"buffer {b}: {nbytes} bytes of data at byte {start} run past the end of the file ({size} bytes)")
                if 0 < nbytes <= SMALL:
                    small[b] = bytes(buf[start : start + nbytes])
        has_data.append(nbytes > 0)
        buffer_bytes.append(nbytes)
        weight_bytes += nbytes

    codes: list[tuple[str, bool]] = []
    for i in range(count(model.OperatorCodesLength(), 4, "operator codes")):
        oc = model.OperatorCodes(i)
        code = _builtin_code(oc)
        if code == 32:  # CUSTOM
            codes.append((text(oc.CustomCode()) or "?", True))
        else:
            codes.append((BUILTIN_OPCODE2NAME.get(code, f"builtin op code {code}"), False))

    graphs: list[Subgraph] = []
    for s in range(count(model.SubgraphsLength(), 4, "subgraphs")):
        g = model.Subgraphs(s)
        tensors: list[Tensor] = []
        n_tensors = count(g.TensorsLength(), 4, f"subgraph {s} tensors")
        for t in range(n_tensors):
            tensor = g.Tensors(t)
            name = text(tensor.Name())
            shape = _int32s(tensor, TENSOR_SHAPE, count(tensor.ShapeLength(), 4, f"tensor {t} shape"))  # () = scalar
            neg = [d for d in shape if d < 0]
            if neg:
                raise _Corrupt(f"tensor {t} ({name!r}) has negative dimension {neg[0]} in shape {list(shape)}")
            sig = None if tensor.ShapeSignatureIsNone() else _int32s(tensor, TENSOR_SHAPE_SIGNATURE, count(tensor.ShapeSignatureLength(), 4, f"tensor {t} shape_signature"))
            b = tensor.Buffer()
            if b >= n_buffers and not (b == 0 and n_buffers == 0):
                raise _Corrupt(f"tensor {t} ({name!r}) refers to buffer {b}, but the file has {n_buffers} buffers")
            if b < n_buffers and has_data[b] and tensor.Type() in TYPE_BITS and tensor.Sparsity() is None:
                need = -(-prod(shape) * TYPE_BITS[tensor.Type()] // 8)
                if buffer_bytes[b] < need:  # (LiteRT refuses it: "Tensor ... is invalidly specified in schema")
                    raise _Corrupt(f"tensor {t} ({name!r}) of shape {list(shape)} needs {need:,} bytes, but its buffer {b} holds {buffer_bytes[b]:,}")
            q = tensor.Quantization()
            quantized = q is not None and q.ScaleLength() > 0
            dtype = tensor.Type()
            data = small.get(b) if dtype in INT_WIDTH and (len(shape) <= 2 or prod(shape) == 1) else None
            width = INT_WIDTH.get(dtype, 0)
            ints = tuple(int.from_bytes(data[i : i + width], "little", signed=True) for i in range(0, prod(shape) * width, width)) \
                if data is not None and len(data) >= prod(shape) * width else None  # fmt: skip
            value = ints[0] if ints is not None and len(ints) == 1 else None
            number = None
            if dtype in FLOAT_FORMAT and prod(shape) == 1 and len(small.get(b, b"")) >= struct.calcsize(FLOAT_FORMAT[dtype]):
                number = struct.unpack_from(FLOAT_FORMAT[dtype], small[b])[0]
            tensors.append(Tensor(name, shape, dtype, b, quantized, sig, b < n_buffers and has_data[b], value, ints, number))

        def index(t: int, what: str, optional: bool = True) -> int:
            if t == -1 and optional:
                return -1
            if not 0 <= t < n_tensors:
                raise _Corrupt(f"{what} refers to tensor {t}, but subgraph {s} has {n_tensors} tensors")
            return t

        ops: list[Op] = []
        for i in range(count(g.OperatorsLength(), 4, f"subgraph {s} operators")):
            op = g.Operators(i)
            oc = op.OpcodeIndex()
            if oc >= len(codes):
                raise _Corrupt(f"operator {i} has opcode index {oc}, but the file has {len(codes)} operator codes")
            opname, custom = codes[oc]
            where = f"operator {i} ({opname})"
            inputs = [index(t, f"{where} input {j}") for j, t in enumerate(_int32s(op, INPUTS, count(op.InputsLength(), 4, f"{where} inputs")))]
            outputs = [index(t, f"{where} output {j}", optional=False) for j, t in enumerate(_int32s(op, OUTPUTS, count(op.OutputsLength(), 4, f"{where} outputs")))]
            kind = op.BuiltinOptionsType()
            options_type = option_names.get(kind) if kind else None
            options: dict = {}
            if options_type in OPTION_FIELDS:
                table = op.BuiltinOptions()
                if table is not None:
                    obj = getattr(tfl, options_type)()
                    obj.Init(table.Bytes, table.Pos)
                    options = {f: getattr(obj, f)() for f in OPTION_FIELDS[options_type]}
            kind2 = op.BuiltinOptions2Type()
            if kind2 and not kind:
                options_type = option2_names.get(kind2)
                table = op.BuiltinOptions2() if options_type in OPTION2_FIELDS else None
                if table is not None:
                    options = _options2(tfl, options_type, table, f"{where} {options_type}", text)
            ops.append(Op(i, opname, custom, inputs, outputs, options_type, options))
        g_inputs = [index(t, f"subgraph {s} input {j}", optional=False) for j, t in enumerate(_int32s(g, INPUTS, count(g.InputsLength(), 4, "subgraph inputs")))]
        g_outputs = [index(t, f"subgraph {s} output {j}", optional=False) for j, t in enumerate(_int32s(g, OUTPUTS, count(g.OutputsLength(), 4, "subgraph outputs")))]
        graphs.append(Subgraph(text(g.Name()), tensors, ops, g_inputs, g_outputs))
    signatures = [(text(d.SignatureKey()), d.SubgraphIndex()) for d in map(model.SignatureDefs, range(count(model.SignatureDefsLength(), 4, "signature defs")))]
    for key, index in signatures:  # (LiteRT refuses a file whose signature or control-flow op names a subgraph it does not have)
        if not 0 <= index < len(graphs):
            raise _Corrupt(f"signature {key!r} refers to subgraph {index}, but the file has {len(graphs)} subgraphs")
    for s, graph in enumerate(graphs):
        for op in graph.ops:
            for option in SUBGRAPH_INDEX_FIELDS.intersection(op.options):
                if not 0 <= op.options[option] < len(graphs):
                    raise _Corrupt(f"subgraph {s} operator {op.index} ({op.opname}): its {option} is {op.options[option]}, but the file has {len(graphs)} subgraphs")
    return TFLiteFile(version, graphs, n_buffers, weight_bytes, signatures=signatures)


def _options2(tfl, options_type: str, table, where: str, text) -> dict:
    """A StableHLO op's options table as {field: value}: a vector field as a tuple, a string as text."""
    cls = getattr(tfl, options_type)
    obj = cls()
    obj.Init(table.Bytes, table.Pos)
    options: dict = {}
    for f in OPTION2_FIELDS[options_type]:
        if hasattr(cls, f + "Length"):
            n = getattr(obj, f + "Length")()
            if not 0 <= n <= MAX_OPTION_ENTRIES:
                raise _Corrupt(f"{where}: {f} has {n} entries (at most {MAX_OPTION_ENTRIES}: a few per axis)")
            options[f] = tuple(int(getattr(obj, f)(j)) for j in range(n))
        else:
            v = getattr(obj, f)()
            options[f] = text(v) if isinstance(v, bytes) or v is None else v
    return options


def open_file(path: Path, tfl) -> TFLiteFile:
    try:
        size = path.stat().st_size
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    if size == 0:
        raise InputError(f"{path}: empty file, not a TFLite model")
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            if size < 8:
                raise InputError(f"{path}: not a TFLite model: {size} bytes is too short for a flatbuffer")
            ident = bytes(buf[4:8])
            if ident != IDENTIFIER:
                raise InputError(f"{path}: not a TFLite model: file identifier {ident!r} at bytes 4-7, expected {IDENTIFIER.decode()!r}")
            try:
                return _scan(buf, size, tfl)
            except _Corrupt as err:
                raise InputError(f"{path}: not a valid TFLite model: {err}") from None
            except (struct.error, IndexError, ValueError, TypeError, OverflowError, AttributeError) as err:
                raise InputError(f"{path}: not a valid TFLite model: truncated or corrupt flatbuffer ({type(err).__name__}: {err})") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None


def _builtin_code(oc) -> int:
    """An OperatorCode's op, as TFLite's runtime reads it (``schema_utils``' ``GetBuiltinCode``):
    the larger of ``builtin_code`` and ``deprecated_builtin_code`` -- a writer may set either
    alone (the ``tflite`` package's ``BuiltinCode()`` returns the deprecated field, 0 = ADD when
    unset, whenever ``builtin_code`` is below 127)."""
    from flatbuffers.number_types import Int32Flags, UOffsetTFlags

    o = UOffsetTFlags.py_type(oc._tab.Offset(10))  # (field builtin_code, its raw value)
    raw = oc._tab.Get(Int32Flags, o + oc._tab.Pos) if o else 0
    return max(raw, oc.DeprecatedBuiltinCode())
