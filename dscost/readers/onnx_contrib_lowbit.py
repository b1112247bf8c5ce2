"""onnxruntime's contrib ops of low-bit weights: MatMulNBits (its 2-, 4- and 8-bit weight-only
quantizer's: K x N values in blocks of uint8 bytes), MatMulBnb4 (its bitsandbytes-style FP4 /
NF4 quantizer's), GatherBlockQuantized (onnxruntime-genai's block-quantized embedding tables),
MatMulFpQ4 (a pre-packed 4-bit blob), MatMulBlockQuantizedFp4Weight and MatMulBlockQuantizedFp8Weight (NVFP4 and FP8 weights
in blocks), the MatMulNBits fusions of its WebGPU provider (MatMulNBitsMlp: an RMS norm then
gate and up projections; MatMulNBitsQkv: an RMS norm then the Q, K and V projections) and
MatMulNBitsQLoRA (a base projection plus a low-rank adapter), GemmFloat8; and the block
floating point QuantizeBFP and DequantizeBFP.  A weight counts in values, not bytes (K x N of a
matrix, whatever its packing), its scales are not params, and an op costs what its unfused float
graph costs.  A MatMulNBits, MatMulBnb4 or GatherBlockQuantized node whose attributes and packed
weight onnxruntime refuses (:func:`nbits_error`, :func:`block_table_error`: bits it does not run,
a block size that is not a power of two of at least 16, a B or a table of another shape than
the attributes give) is uncounted, its weight the bytes it stores: a count of the attributes
would be of work that cannot run.  Registered in the contrib
table of :mod:`dscost.readers.onnx_node` when :mod:`dscost.readers.onnx_contrib` is imported.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost import cost as C
from dscost.dtypes import PACKED_CODE
from dscost.layers import ELEMENTWISE, FC, SHAPE, Cost
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import NodeInfo, contrib_handles as handles, contrib_shapes as shapes, str_attr
from dscost.readers.onnx_ops import gemm


def packed_bits(op: str, attrs: dict) -> dict[int, tuple[int, int]]:
    """Of an op that packs low-bit weights into (u)int8 bytes: input index -> (bits per value, the
    ONNX element type of a value: INT4 22, FLOAT4E2M1 23, INT8 3, else ``dtypes.PACKED_CODE + bits``) --
    MatMulNBits and its fusions: ``bits``, default 4; MatMulBnb4: 4; a QLoRA adapter: ``lora_bits``,
    default 8; GatherBlockQuantized's table: ``bits``, default 4; QMoE's experts: ``quant_type``
    fp4/nvfp4/wfp4afp8 4-bit floats, int its ``fc<j>_expert_weight_bits`` or ``expert_weight_bits``
    (default 4).  {} for another op.  ``Model.weight_types`` counts them as values of that type, and
    a model whose weights are mostly such (weight-only quantized: the op dequantizes them on the
    fly) sizes its activations at their own type (``Model.activation_dtype``)."""
    def of(bits, kind: str = "int") -> tuple[int, int] | None:
        if not isinstance(bits, int) or not 1 <= bits <= 8:
            return None
        return bits, 23 if kind == "float" else 22 if bits == 4 else 3 if bits == 8 else PACKED_CODE + bits

    bits = attrs.get("bits", 4)
    if op == "QMoE":
        quant = attrs.get("quant_type", "int")
        quant = quant.decode() if isinstance(quant, bytes) else quant
        if quant in ("fp4", "nvfp4", "wfp4afp8"):
            found = dict.fromkeys((2, 5, 8), of(4, "float"))
        else:
            default = attrs.get("expert_weight_bits", 4) if quant == "int" else 8
            found = {i: of(attrs.get(f"fc{j}_expert_weight_bits", default) if quant == "int" else default) for i, j in ((2, 1), (5, 2), (8, 3))}
    elif op in ("MatMulNBits", "MatMulBnb4"):
        found = {1: of(bits if op == "MatMulNBits" else 4)}
    elif op == "MatMulNBitsQLoRA":
        found = {1: of(bits), 3: of(attrs.get("lora_bits", 8)), 5: of(attrs.get("lora_bits", 8))}
    else:
        found = {i: of(bits) for i in {"MatMulNBitsMlp": (3, 6), "MatMulNBitsQkv": (3, 6, 9), "GatherBlockQuantized": (0,)}.get(op, ())}
    return {i: v for i, v in found.items() if v is not None}


# The bits onnxruntime (1.32) runs MatMulNBits at, and a GatherBlockQuantized table of uint8 bytes
ORT_BITS = (2, 4, 8)


def _block_error(block_size, zero_ok: bool = False) -> str:
    """Why onnxruntime refuses this ``block_size`` attribute: not a power of two of at least 16
    (0 allowed where ``zero_ok``: GatherBlockQuantized's FP8 / FP4 tables); '' when it does not."""
    if not isinstance(block_size, int):
        return "no block_size attribute" if block_size is None else f"block_size={block_size!r} is not an integer"
    if block_size == 0 and zero_ok or block_size >= 16 and not block_size & (block_size - 1):
        return ""
    return f"block_size={block_size} is not a power of two of at least 16"


def nbits_error(op: str, attrs: dict, b_shape) -> str:
    """Why onnxruntime refuses a MatMulNBits or MatMulBnb4 node of these attributes and packed
    weight B (its shape; None: unknown), '' when it does not: K or N not positive, a block size
    that is not a power of two of at least 16, MatMulNBits' ``bits`` other than 2, 4 or 8, a B
    other than (N, ceil(K / block_size), block_size x bits / 8) bytes (MatMulBnb4: blocks of 16
    to 256, a B of at least ceil(N x K / 2) bytes)."""
    k, n = attrs.get("K", 0), attrs.get("N", 0)
    if not isinstance(k, int) or not isinstance(n, int) or k <= 0 or n <= 0:
        return f"K={k} and N={n} are not both positive"
    if why := _block_error(attrs.get("block_size")):
        return why
    if op == "MatMulBnb4":  # (its kernel takes blocks of 16 to 256 and reads the first ceil(N x K / 2) bytes of B)
        if attrs["block_size"] > 256:
            return f"block_size={attrs['block_size']}: onnxruntime runs blocks of 16 to 256"
        if b_shape is not None and prod(b_shape) < (n * k + 1) // 2:
            return f"its packed weight B {tuple(b_shape)} holds fewer than the {(n * k + 1) // 2} bytes of K={k} x N={n} 4-bit values"
        return ""
    bits = attrs.get("bits", 4)
    if bits not in ORT_BITS:
        return f"bits={bits}: onnxruntime runs 2, 4 and 8"
    bs = attrs["block_size"]
    want = (n, -(-k // bs), bs * bits // 8)
    if b_shape is not None and tuple(b_shape) != want:
        return f"its packed weight B {tuple(b_shape)} is not {want} bytes, what K={k}, N={n} and the blocks store"
    return ""


# The ops whose packed weights packed_params counts in values
PACKED_OPS = ("MatMulNBits", "MatMulBnb4", "GatherBlockQuantized")


def packed_params(op: str, attrs: dict, in_shapes=(), table_type: int | None = None) -> dict[int, int] | None:
    """Of a MatMulNBits, MatMulBnb4 or GatherBlockQuantized node (``in_shapes``: its inputs'
    shapes, None where unknown; ``table_type``: the ONNX type of its input 0): input index -> its
    params as the handler counts them -- K x N values for a packed B, a table's values, none for
    scales, zero points and g_idx; a bias (MatMulNBits' input 5) counts its elements --, for one
    left uncounted (its A's shape lost, or not fitting K) and for the values its weights pack
    (``Claims._weight_op``).  None for another op, or one that onnxruntime refuses
    (:func:`nbits_error`, :func:`block_table_error`) or a table of unknown shape: the stored
    elements count."""
    shape = lambda i: in_shapes[i] if i < len(in_shapes) else None  # noqa: E731
    if op == "GatherBlockQuantized":
        data = shape(0)
        if data is None or block_table_error(attrs, data, shape(2), table_type):
            return None
        return {0: prod(data) * _unpacked(table_type, attrs.get("bits", 4)), 2: 0, 3: 0}
    if op not in ("MatMulNBits", "MatMulBnb4") or nbits_error(op, attrs, shape(1)):
        return None
    return {1: attrs["K"] * attrs["N"], 2: 0, 3: 0, 4: 0}


@handles("MatMulNBits")
def matmul_nbits(info: NodeInfo) -> Result:
    """A (..., K) times a K x N weight stored in ``bits``-bit blocks: as a linear layer,
    cost.linear_cost(K, N, rows) with K*N weights (elements, not bytes); the optional bias
    (input 5) counts as biases; scales, zero points and g_idx are not params.  A ValueError (the
    node uncounted) where onnxruntime refuses the node (:func:`nbits_error`)."""
    if why := nbits_error(info.op, info.attrs, info.input_shape(1)):
        raise ValueError(f"onnxruntime refuses it: {why}")
    k, n, a = info.attrs["K"], info.attrs["N"], info.shape(0)
    if a[-1] != k:
        raise ValueError(f"A {tuple(a)} does not fit K={k}, N={n}")
    rows = prod(a[:-1])
    bias = info.op == "MatMulNBits" and info.has(5)
    params = {1: "weights", 5: "biases"} if bias else {1: "weights"}
    return Result(FC, C.linear_cost(k, n, rows=rows, bias=bias), params=params, data_inputs=(0,),
                  note=f"{info.attr('bits', 4) if info.op == 'MatMulNBits' else 4}-bit weights")  # fmt: skip


# Its bitsandbytes-style quantizer (onnxruntime.quantization.matmul_bnb4_quantizer: FP4 or NF4
# weights in blocks, an absmax per block): MatMulBnb4(A, B, absmax), K and N attributes, no bias
handles("MatMulBnb4")(matmul_nbits)


def _unpacked(dtype: int | None, bits: int) -> int:
    """Values per stored element of a block-quantized table: 8 // bits in (u)int8 bytes, 1 in (u)int4."""
    return 8 // bits if dtype in (2, 3) and bits in (2, 4) else 1


def block_table_error(attrs: dict, data, scales, dtype: int | None) -> str:
    """Why onnxruntime refuses a GatherBlockQuantized node of these attributes, table (``data``'s
    shape, of ONNX type ``dtype``) and scales (their shape; None: unknown), '' when it does not
    (what its shape inference and kernel check): a block size that is not a power of two of at least 16 (0 for
    FP8 / FP4 tables), scales of another rank than the table or of other dims than one per block
    along ``quantize_axis``; of a table of uint8 bytes, ``bits`` other than 2, 4 or 8, a
    ``gather_axis`` other than 0 or a ``quantize_axis`` other than the last."""
    bits, bs = attrs.get("bits", 4), attrs.get("block_size", 128)
    if why := _block_error(bs, zero_ok=dtype in (17, 18, 19, 20, 23)):
        return why
    if data is None:
        return ""
    rank = len(data)
    gather, quant = attrs.get("gather_axis", 0), attrs.get("quantize_axis", 1)
    if not (isinstance(gather, int) and isinstance(quant, int) and -rank <= gather < rank and -rank <= quant < rank):
        return f"gather_axis={gather} or quantize_axis={quant} is not an axis of its table {tuple(data)}"
    gather, quant = gather % rank, quant % rank
    if dtype == 2:
        if bits not in ORT_BITS:
            return f"bits={bits}: onnxruntime runs a table of bytes at 2, 4 and 8"
        if gather != 0 or quant != rank - 1:
            return f"a table of uint8 bytes is gathered on axis 0 and quantized on its last (gather_axis={gather}, quantize_axis={quant})"
    if scales is not None and bs:
        values = list(data)
        values[quant] *= _unpacked(dtype, bits)
        want = tuple(-(-v // bs) if i == quant else v for i, v in enumerate(values))
        if tuple(scales) != want:
            return f"its scales {tuple(scales)} are not {want}, one per block of {bs} of its table {tuple(data)}"
    return ""


@shapes("GatherBlockQuantized")
def gather_block_quantized_shape(info: NodeInfo) -> list:
    data, ids = info.input_shape(0), info.input_shape(1)
    if data is None or ids is None:
        return [None]
    axis = int(info.attr("gather_axis", 0)) % len(data)
    shape = list(data[:axis]) + list(ids) + list(data[axis + 1 :])
    shape[-1] *= _unpacked(info.types.get(info.inputs[0]), int(info.attr("bits", 4)))
    return [tuple(shape)]


@handles("GatherBlockQuantized")
def gather_block_quantized(info: NodeInfo) -> Result:
    """An embedding lookup in a block-quantized table (onnxruntime-genai's 4-bit embeddings):
    zero cost, as Gather; the table counts as weights in values, not bytes (two 4-bit values
    per uint8); scales and zero points are not params.  A ValueError (the node uncounted) where
    onnxruntime refuses the node (:func:`block_table_error`)."""
    table = info.types.get(info.inputs[0]) or info.const.get(info.inputs[0])
    if why := block_table_error(info.attrs, info.input_shape(0), info.input_shape(2), table):
        raise ValueError(f"onnxruntime refuses it: {why}")
    n = prod(info.shape(0)) * _unpacked(table, int(info.attr("bits", 4)))
    return Result(SHAPE, Cost(weights=n), params={0: "weights"}, data_inputs=(1,), note=f"{info.attr('bits', 4)}-bit table")


def _rows(info: NodeInfo, k: int) -> int:
    """The rows of A (..., K): the product of its leading dims; a ValueError when its last is not K."""
    a = info.shape(0)
    if not a or a[-1] != k or k <= 0:
        raise ValueError(f"A {tuple(a)} does not end in K={k}")
    return prod(a[:-1])


def _linear(info: NodeInfo, k: int, n: int, weight: int, bias: int | None, note: str) -> Result:
    """A (..., K) times a K x N weight (input ``weight``) with an optional bias: cost.linear_cost,
    K*N weights in values."""
    has_bias = bias is not None and info.has(bias)
    params = {weight: "weights", bias: "biases"} if has_bias else {weight: "weights"}
    return Result(FC, C.linear_cost(k, n, rows=_rows(info, k), bias=has_bias), params=params, data_inputs=(0,), note=note)


# --------------------------------------------------------------------------
# One weight matrix


@shapes("MatMulFpQ4")
def matmul_fpq4_shape(info: NodeInfo) -> list:
    """A (..., K) times B of shape B_shape (K, N), the value of input 2."""
    a, b = info.input_shape(0), info.value(2)
    return [a[:-1] + (b[1],) if a and b and len(b) == 2 and a[-1] == b[0] else None]


@handles("MatMulFpQ4")
def matmul_fpq4(info: NodeInfo) -> Result:
    """MatMulFpQ4(A, B, B_shape): B a 1-D blob of 4-bit blocks of a (K, N) matrix: as a linear
    layer, K*N weights (values, not the blob's bytes); K from A, N from the output."""
    return _linear(info, info.shape(0)[-1], info.out()[-1], 1, None, "4-bit weights")


@shapes("MatMulBlockQuantizedFp4Weight", "MatMulBlockQuantizedFp8Weight")
def block_quantized_shape(info: NodeInfo) -> list:
    """A (..., K) times B^T, B (N, K/2) packed two FP4 values a byte, or (N, K) FP8: (..., N)."""
    a, b = info.input_shape(0), info.input_shape(1)
    return [a[:-1] + (b[0],) if a and b and len(b) == 2 else None]


@handles("MatMulBlockQuantizedFp4Weight", "MatMulBlockQuantizedFp8Weight")
def block_quantized(info: NodeInfo) -> Result:
    """A (..., K) times the transpose of an (N, K) weight of FP4 E2M1 values two a byte
    (MatMulBlockQuantizedFp4Weight(A, B, weight_scale, weight_scale_2, [input_scale], [bias])) or
    FP8 E4M3 (MatMulBlockQuantizedFp8Weight(A, B, b_scale, [a_scale], [bias])): a linear layer,
    K*N weights, the optional bias as biases; block and global scales are not params."""
    n, kb = info.shape(1)
    fp4 = info.op == "MatMulBlockQuantizedFp4Weight"
    return _linear(info, 2 * kb if fp4 else kb, n, 1, 5 if fp4 else 4, "NVFP4 weights" if fp4 else "FP8 weights")


@shapes("GemmFloat8")
def gemm_float8_shape(info: NodeInfo) -> list:
    a, b = info.input_shape(0), info.input_shape(1)
    if a is None or b is None or len(a) != 2 or len(b) != 2:
        return [None]
    return [(a[1] if info.attr("transA", 0) else a[0], b[0] if info.attr("transB", 0) else b[1])]


# GemmFloat8's activation -> key of cost.ACTIVATION_OPS
FLOAT8_ACTIVATIONS = {"NONE": "identity", "RELU": "relu", "GELU": "gelu"}


@handles("GemmFloat8")
def gemm_float8(info: NodeInfo) -> Result:
    """GemmFloat8(A, B, [C], [scaleA], [scaleB], [scaleY]): Gemm's cost (onnx_ops.gemm: B weights,
    C biases with an add per output element, read only when ``beta`` (default 0) is not 0), plus
    the ``activation``'s ops (RELU 1, GELU 8 per output element); scales are not params."""
    act = str_attr(info, "activation", "NONE").upper()
    if act not in FLOAT8_ACTIVATIONS:
        raise ValueError(f"activation {act!r} has no op count")
    c = info.has(2) and float(info.attr("beta", 0.0)) != 0.0
    res = gemm(replace(info, inputs=info.inputs[: 3 if c else 2], in_shapes=info.in_shapes[: 3 if c else 2]))
    ops = C.activation_cost(FLOAT8_ACTIVATIONS[act], prod(info.out())).other_ops
    return replace(res, cost=replace(res.cost, other_ops=res.cost.other_ops + ops), note="" if act == "NONE" else act.lower())


# --------------------------------------------------------------------------
# MatMulNBits fusions (WebGPU)


def _norm(info: NodeInfo, skip: int, scale: int) -> Cost:
    """The (Skip)SimplifiedLayerNormalization before the projections: cost.norm_cost over A with
    the scale's norm params, plus an add per element of A for the skip."""
    if not info.has(scale):
        if info.has(skip):
            raise ValueError("a skip input without norm_scale")
        return Cost()
    numel = prod(info.shape(0))
    cost = C.norm_cost(numel, prod(info.shape(scale)))
    return replace(cost, other_ops=cost.other_ops + (numel if info.has(skip) else 0))


def _projections(info: NodeInfo, k: int, widths: dict[int, tuple[int, int]]) -> tuple[Cost, dict[int, str]]:
    """Projections of A: {weight input: (N, bias input)}, each cost.linear_cost(K, N, rows) with its bias."""
    rows, cost, params = _rows(info, k), Cost(), {}
    for w, (n, b) in widths.items():
        cost = cost + C.linear_cost(k, n, rows=rows, bias=info.has(b))
        params.update({w: "weights", **({b: "biases"} if info.has(b) else {})})
    return cost, params


@shapes("MatMulNBitsMlp")
def matmul_nbits_mlp_shape(info: NodeInfo) -> list:
    a = info.input_shape(0)
    return [a[:-1] + (int(info.attr("N", 0)),) if a else None, a][: len(info.outputs)]


@handles("MatMulNBitsMlp")
def matmul_nbits_mlp(info: NodeInfo) -> Result:
    """MatMulNBitsMlp(A, [skip], [norm_scale], gate_B, gate_scales, [gate_bias], up_B, up_scales,
    [up_bias]): Y = activation(A' W_gate + b) * (A' W_up + b), A' the optional (Skip)Simplified
    layer norm of A: the norm's cost, two linear layers K x N (2 K N weights in values, ``bits``
    a weight), and per output element the activation's ops (cost.ACTIVATION_OPS) and a multiply."""
    k, n = int(info.attr("K", 0)), int(info.attr("N", 0))
    act = str_attr(info, "activation", "")
    if act not in C.ACTIVATION_OPS:
        raise ValueError(f"activation {act!r} has no op count")
    cost, params = _projections(info, k, {3: (n, 5), 6: (n, 8)})
    gated = prod(info.out())
    cost = cost + _norm(info, 1, 2) + Cost(other_ops=(C.ACTIVATION_OPS[act] + 1) * gated)
    params.update({2: "norm_params"} if info.has(2) else {})
    return Result(FC, cost, params=params, data_inputs=(0, 1), note=f"{info.attr('bits', 4)}-bit gate and up, {act}")


@shapes("MatMulNBitsQkv")
def matmul_nbits_qkv_shape(info: NodeInfo) -> list:
    a = info.input_shape(0)
    if not a:
        return [None] * len(info.outputs)
    q, kv = a[:-1] + (int(info.attr("Nq", 0)),), a[:-1] + (int(info.attr("Nkv", 0)),)
    return [q, kv, kv, a][: len(info.outputs)]


@handles("MatMulNBitsQkv")
def matmul_nbits_qkv(info: NodeInfo) -> Result:
    """MatMulNBitsQkv(A, [skip], norm_scale, q_B, q_scales, [q_bias], k_B, k_scales, [k_bias],
    v_B, v_scales, [v_bias]): the (Skip)SimplifiedLayerNormalization of A, then three linear
    layers, K x Nq and twice K x Nkv (weights in values, ``bits`` a weight), with their biases."""
    k, nq, nkv = int(info.attr("K", 0)), int(info.attr("Nq", 0)), int(info.attr("Nkv", 0))
    cost, params = _projections(info, k, {3: (nq, 5), 6: (nkv, 8), 9: (nkv, 11)})
    params.update({2: "norm_params"} if info.has(2) else {})
    return Result(FC, cost + _norm(info, 1, 2), params=params, data_inputs=(0, 1), note=f"{info.attr('bits', 4)}-bit Q, K, V")


@shapes("MatMulNBits", "MatMulBnb4", "MatMulNBitsQLoRA")
def matmul_nbits_shape(info: NodeInfo) -> list:
    """A (..., K) times a K x N weight given by the ``N`` attribute: (..., N)."""
    a = info.input_shape(0)
    return [a[:-1] + (int(info.attr("N", 0)),) if a else None]


@handles("MatMulNBitsQLoRA")
def matmul_nbits_qlora(info: NodeInfo) -> Result:
    """MatMulNBitsQLoRA(X, W, scales, lora_A, lora_A_scales, lora_B, lora_B_scales):
    X W + (X A) B: the base K x N linear layer, the adapter's K x R down and R x N up projections
    (R the rows of lora_A_scales, kept when the adapter is empty) and an add per output element.
    An empty lora_B is the base projection alone; an empty lora_A, a zero down projection (no
    MACs) that the up projection still reads.  Weights in values: K N + K R + R N."""
    k, n = int(info.attr("K", 0)), int(info.attr("N", 0))
    rows = _rows(info, k)
    cost, params = C.linear_cost(k, n, rows=rows, bias=False), {1: "weights"}
    if prod(info.shape(5)):
        r = info.shape(4)[0]
        down = k * r if prod(info.shape(3)) else 0
        cost = cost + Cost(macs=rows * (down + r * n), other_ops=rows * n, weights=down + r * n)
        params.update({3: "weights", 5: "weights"})
    note = f"{info.attr('bits', 4)}-bit weights, {info.attr('lora_bits', 8)}-bit adapter"
    return Result(FC, cost, params=params, data_inputs=(0,), note=note)


# --------------------------------------------------------------------------
# Block floating point


@shapes("QuantizeBFP")
def quantize_bfp_shape(info: NodeInfo) -> list:
    """y: the BFP bytes, of a length its bfp_type's layout gives (left open); shape and strides:
    one per axis of x."""
    x = info.input_shape(0)
    return [None, (len(x),) if x is not None else None, (len(x),) if x is not None else None][: len(info.outputs)]


@handles("QuantizeBFP")
def quantize_bfp(info: NodeInfo) -> Result:
    """QuantizeBFP(x): a shared exponent per block and a mantissa per value, QuantizeLinear's 2
    ops per element of x (cost.per_element_cost("quantize"))."""
    return Result(ELEMENTWISE, C.per_element_cost("quantize", prod(info.shape(0))), data_inputs=(0,))


@shapes("DequantizeBFP")
def dequantize_bfp_shape(info: NodeInfo) -> list:
    """y: the value of input 1, the original tensor's shape."""
    shape = info.value(1)
    return [tuple(shape) if shape is not None and min(shape, default=0) >= 0 else None]


@handles("DequantizeBFP")
def dequantize_bfp(info: NodeInfo) -> Result:
    """DequantizeBFP(x, shape, strides): DequantizeLinear's 2 ops per output element (cost.per_element_cost("dequantize"))."""
    return Result(ELEMENTWISE, C.per_element_cost("dequantize", prod(info.out())), data_inputs=(0,))
