"""Element types of the outputs of the ops onnx has no schema for (onnxruntime's contrib ops,
onnx_legacy's experimental ops), which :func:`dscost.readers.onnx_shapes.infer` gives the tensors
their shape functions size, so that onnx infers the ops after them.

The rule (:func:`output_types`): the type of the input :data:`TYPE_FROM` names; else a type of the
op's own (:data:`FIXED_TYPES`); else the first float input's; and an output of :data:`OUTPUT_TYPES`
has the type given there whatever the inputs'.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dscost.readers.onnx_node import FLOAT_TYPES, NodeInfo

# The output's element type: that of this input (a quantized op's output is quantized like its
# first input, QGemm's like its output zero point; the int8 QOrdered ops'; DequantizeWithOrder's
# scale's) ...
TYPE_FROM = {"QLinearAdd": 0, "QLinearMul": 0, "QLinearConcat": 1, "QLinearGlobalAveragePool": 0, "QLinearAveragePool": 0,
             "QLinearSoftmax": 0, "QLinearSigmoid": 0, "QLinearLeakyRelu": 0, "QGemm": 8, "QLinearConv": 7, "NhwcMaxPool": 0,
             "QuantizeLinear": 2, "DequantizeLinear": 1, "QLinearWhere": 8,
             "QLinearReduceMean": 0, "QOrderedMatMul": 0, "QOrderedGelu": 0, "QOrderedLayerNormalization": 0, "QOrderedAttention": 0,
             "DequantizeWithOrder": 1, "ArrayFeatureExtractor": 0}  # fmt: skip
# ... and when that input is absent (QuantizeLinear without a zero point: uint8); float otherwise
TYPE_ABSENT = {"QuantizeLinear": 2}
# A type of the op's own: int8 (3), int64 (7); an int32 (6) accumulator, or uint32 (12) from
# unsigned inputs (an {input 0's type: output type} table); or the type an attribute names
# ((attribute, its default)); ConstantFill and GivenTensorFill are onnx_legacy's
FIXED_TYPES = {"QuantizeWithOrder": 3, "MulInteger": 6, "MatMulInteger16": {5: 6, 4: 12}, "ReduceSumInteger": {3: 6, 2: 12},
               "QuantizeBFP": 7, "DequantizeBFP": ("dtype", 1), "GemmFloat8": ("dtype", 1), "GatherPacked": ("output_dtype", 16),
               "ConstantFill": ("dtype", 1), "GivenTensorFill": 1, "Scaler": 1, "Normalizer": 1, "LinearRegressor": 1, "FeatureVectorizer": 1}  # fmt: skip
# Outputs of a fixed element type whatever the inputs' (index -> type): masks (bool 9, uint32 bit
# words 12) and EmbedLayerNormalization's int32 mask_index
OUTPUT_TYPES = {"BiasDropout": {1: 9}, "BitmaskDropout": {1: 12}, "BitmaskBiasDropout": {1: 12}, "IsAllFinite": {0: 9},
                "EmbedLayerNormalization": {1: 6}, "QEmbedLayerNormalization": {1: 6}}  # fmt: skip


def _fixed_type(info: NodeInfo) -> int | None:
    """The element type FIXED_TYPES gives the node (None: not there, or a hostile file's attribute)."""
    fixed = FIXED_TYPES.get(info.op)
    if isinstance(fixed, tuple):
        value = info.attr(*fixed)
        return value if isinstance(value, int) and value > 0 else None
    return fixed.get(info.types.get(info.inputs[0]), 6) if isinstance(fixed, dict) else fixed


def output_types(info: NodeInfo) -> list[int | None]:
    """The element type of each output of ``info``'s node (its input types in ``info.types``;
    None when none can be said)."""
    op, ins = info.op, info.inputs
    if op in TYPE_FROM:
        src = TYPE_FROM[op]
        elem = info.types.get(ins[src], 1) if src < len(ins) and ins[src] else TYPE_ABSENT.get(op, 1)
    elif (own := _fixed_type(info)) is not None:
        elem = own
    else:
        known = [info.types[i] for i in ins if i in info.types]
        elem = next((t for t in known if t in FLOAT_TYPES), known[0] if known else None)
    by_index = OUTPUT_TYPES.get(op, {})
    return [by_index.get(i, elem) for i in range(len(info.outputs))]
