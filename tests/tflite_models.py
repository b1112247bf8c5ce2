"""Small TFLite models built in the tests with the flatbuffer builders of the `tflite` package.

:class:`Net` collects tensors, constant buffers (zero-filled: only their size
matters to dscost) and operators, then :meth:`Net.build` writes a ``TFL3``
flatbuffer.  The convenience methods (``conv``, ``depthwise``, ``fc``...)
compute the output shape the way TFLite does (NHWC, SAME/VALID padding), so a
test only states the layer it wants.  Import this module after
``pytest.importorskip("tflite")``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from math import ceil, prod
from pathlib import Path

import flatbuffers
import tflite
from tflite.ActivationFunctionType import ActivationFunctionType
from tflite.BuiltinOperator import BuiltinOperator
from tflite.BuiltinOptions import BuiltinOptions
from tflite.BuiltinOptions2 import BuiltinOptions2
from tflite.Padding import Padding
from tflite.TensorType import TensorType

FLOAT32, INT8, UINT8, INT32, BOOL = TensorType.FLOAT32, TensorType.INT8, TensorType.UINT8, TensorType.INT32, TensorType.BOOL
ITEMSIZE = {TensorType.FLOAT32: 4, TensorType.FLOAT16: 2, TensorType.INT32: 4, TensorType.UINT8: 1, TensorType.INT64: 8,
            TensorType.INT16: 2, TensorType.INT8: 1}  # fmt: skip
ACT = {"NONE": ActivationFunctionType.NONE, "RELU": ActivationFunctionType.RELU, "RELU6": ActivationFunctionType.RELU6,
       "TANH": ActivationFunctionType.TANH, "RELU_N1_TO_1": ActivationFunctionType.RELU_N1_TO_1,
       "SIGN_BIT": ActivationFunctionType.SIGN_BIT}  # fmt: skip


@dataclass
class T:
    name: str
    shape: tuple
    dtype: int
    buffer: int
    quantized: bool
    signature: tuple | None = None
    variable: bool = False  # a state the interpreter keeps between runs (an RNN's, SVDF's)


@dataclass
class Op:
    code: int  # BuiltinOperator value; CUSTOM with custom_code
    inputs: list
    outputs: list
    options: tuple | None = None  # (BuiltinOptions type, {setter suffix: value})
    custom_code: str | None = None
    options2: tuple | None = None  # (BuiltinOptions2 type, {field: int, str, or list of int64}): a StableHLO op's


@dataclass
class Net:
    tensors: list = field(default_factory=list)
    buffers: list = field(default_factory=lambda: [0])  # per buffer: data bytes, or a count of zero bytes; 0 = empty
    ops: list = field(default_factory=list)
    inputs: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    bodies: list = field(default_factory=list)  # more subgraphs (control-flow bodies), numbered from 1
    signatures: list = field(default_factory=list)  # (signature key, subgraph index): the file's SignatureDefs

    def body(self) -> Net:
        """A new subgraph sharing this model's buffers: its index is len(self.bodies)."""
        net = Net(buffers=self.buffers)
        self.bodies.append(net)
        return net

    # -- tensors
    def tensor(self, name: str, shape, dtype: int = FLOAT32, quantized: bool | None = None, signature=None) -> int:
        """An activation tensor (no data)."""
        q = dtype in (INT8, UINT8) if quantized is None else quantized
        self.tensors.append(T(name, tuple(shape), dtype, 0, q, tuple(signature) if signature else None))
        return len(self.tensors) - 1

    def state(self, name: str, shape, dtype: int = FLOAT32) -> int:
        """A variable tensor: a recurrent op's state, which the interpreter keeps between runs."""
        t = self.tensor(name, shape, dtype)
        self.tensors[t].variable = True
        return t

    def input(self, name: str, shape, dtype: int = FLOAT32, signature=None) -> int:
        t = self.tensor(name, shape, dtype, signature=signature)
        self.inputs.append(t)
        return t

    def const(self, name: str, shape, dtype: int = FLOAT32, quantized: bool | None = None, data: bytes | None = None) -> int:
        """A constant tensor with its own buffer: ``data``, or zeros."""
        self.buffers.append(data if data is not None else max(1, prod(shape)) * ITEMSIZE.get(dtype, 4))
        q = dtype in (INT8, UINT8) if quantized is None else quantized
        self.tensors.append(T(name, tuple(shape), dtype, len(self.buffers) - 1, q))
        return len(self.tensors) - 1

    def shape(self, t: int) -> tuple:
        return self.tensors[t].shape

    def op(self, code: int, inputs, outputs, options=None, custom_code: str | None = None, options2=None) -> None:
        self.ops.append(Op(code, list(inputs), list(outputs), options, custom_code, options2))

    def output(self, t: int) -> int:
        self.outputs.append(t)
        return t

    # -- layers
    @staticmethod
    def _out(size: int, k: int, s: int, d: int, padding: str) -> int:
        return ceil(size / s) if padding == "SAME" else (size - d * (k - 1) - 1) // s + 1

    def conv(self, x: int, cout: int, k: int | tuple = 3, stride: int = 1, padding: str = "SAME", act: str = "NONE",
             bias: bool = True, dilation: int = 1, groups: int = 1, name: str = "conv", dtype: int = FLOAT32) -> int:  # fmt: skip
        n, h, w, cin = self.shape(x)
        kh, kw = (k, k) if isinstance(k, int) else k
        wt = self.const(f"{name}/filter", (cout, kh, kw, cin // groups), dtype)
        b = self.const(f"{name}/bias", (cout,), INT32 if dtype in (INT8, UINT8) else FLOAT32, quantized=dtype in (INT8, UINT8)) if bias else -1
        oh, ow = self._out(h, kh, stride, dilation, padding), self._out(w, kw, stride, dilation, padding)
        y = self.tensor(name, (n, oh, ow, cout), dtype)
        opts = {"Padding": getattr(Padding, padding), "StrideW": stride, "StrideH": stride, "FusedActivationFunction": ACT[act],
                "DilationWFactor": dilation, "DilationHFactor": dilation}  # fmt: skip
        self.op(BuiltinOperator.CONV_2D, [x, wt, b], [y], (BuiltinOptions.Conv2DOptions, opts))
        return y

    def depthwise(self, x: int, k: int = 3, multiplier: int = 1, stride: int = 1, padding: str = "SAME", act: str = "NONE",
                  bias: bool = True, name: str = "dw", dtype: int = FLOAT32, option_multiplier: int | None = None) -> int:  # fmt: skip
        n, h, w, cin = self.shape(x)
        cout = cin * multiplier
        wt = self.const(f"{name}/filter", (1, k, k, cout), dtype)
        b = self.const(f"{name}/bias", (cout,), INT32 if dtype in (INT8, UINT8) else FLOAT32, quantized=dtype in (INT8, UINT8)) if bias else -1
        oh, ow = self._out(h, k, stride, 1, padding), self._out(w, k, stride, 1, padding)
        y = self.tensor(name, (n, oh, ow, cout), dtype)
        opts = {"Padding": getattr(Padding, padding), "StrideW": stride, "StrideH": stride,
                "DepthMultiplier": multiplier if option_multiplier is None else option_multiplier,
                "FusedActivationFunction": ACT[act], "DilationWFactor": 1, "DilationHFactor": 1}  # fmt: skip
        self.op(BuiltinOperator.DEPTHWISE_CONV_2D, [x, wt, b], [y], (BuiltinOptions.DepthwiseConv2DOptions, opts))
        return y

    def fc(self, x: int, units: int, bias: bool = True, act: str = "NONE", name: str = "fc", dtype: int = FLOAT32) -> int:
        features = self.shape(x)[-1]
        rows = prod(self.shape(x)) // features
        wt = self.const(f"{name}/weights", (units, features), dtype)
        b = self.const(f"{name}/bias", (units,), INT32 if dtype in (INT8, UINT8) else FLOAT32, quantized=dtype in (INT8, UINT8)) if bias else -1
        y = self.tensor(name, (rows, units), dtype)
        self.op(BuiltinOperator.FULLY_CONNECTED, [x, wt, b], [y], (BuiltinOptions.FullyConnectedOptions, {"FusedActivationFunction": ACT[act]}))
        return y

    def pool(self, x: int, k: int, stride: int, padding: str = "VALID", kind: str = "AVERAGE", name: str = "pool") -> int:
        n, h, w, c = self.shape(x)
        y = self.tensor(name, (n, self._out(h, k, stride, 1, padding), self._out(w, k, stride, 1, padding), c), self.tensors[x].dtype)
        opts = {"Padding": getattr(Padding, padding), "StrideW": stride, "StrideH": stride, "FilterWidth": k, "FilterHeight": k,
                "FusedActivationFunction": 0}  # fmt: skip
        self.op(getattr(BuiltinOperator, f"{kind}_POOL_2D"), [x], [y], (BuiltinOptions.Pool2DOptions, opts))
        return y

    def mean(self, x: int, name: str = "mean") -> int:
        n, _, _, c = self.shape(x)
        axes = self.const(f"{name}/axes", (2,), INT32, quantized=False, data=struct.pack("<2i", 1, 2))
        y = self.tensor(name, (n, c), self.tensors[x].dtype)
        self.op(BuiltinOperator.MEAN, [x, axes], [y], (BuiltinOptions.ReducerOptions, {"KeepDims": False}))
        return y

    def unary(self, code: int, x: int, name: str, shape=None) -> int:
        y = self.tensor(name, shape or self.shape(x), self.tensors[x].dtype)
        self.op(code, [x], [y])
        return y

    def binary(self, code: int, a: int, b: int, name: str, act: str = "NONE") -> int:
        y = self.tensor(name, self.shape(a), self.tensors[a].dtype)
        kind = {BuiltinOperator.ADD: BuiltinOptions.AddOptions, BuiltinOperator.MUL: BuiltinOptions.MulOptions,
                BuiltinOperator.SUB: BuiltinOptions.SubOptions}[code]  # fmt: skip
        self.op(code, [a, b], [y], (kind, {"FusedActivationFunction": ACT[act]}))
        return y

    # -- serialization
    def build(self, description: str = "dscost test") -> bytes:
        b = flatbuffers.Builder(1024)

        def vec(start, items, prepend):
            start(b, len(items))
            for v in reversed(items):
                prepend(v)
            return b.EndVector()

        buffers = []
        for content in self.buffers:
            data = b.CreateByteVector(content if isinstance(content, bytes) else bytes(content)) if content else None
            tflite.BufferStart(b)
            if data is not None:
                tflite.BufferAddData(b, data)
            buffers.append(tflite.BufferEnd(b))

        codes: list[tuple[int, str | None]] = []
        graphs = [self._subgraph(b, vec, codes, "main")] + [body._subgraph(b, vec, codes, f"body{i}") for i, body in enumerate(self.bodies, 1)]

        opcodes = []
        for code, custom in codes:
            cc = b.CreateString(custom) if custom else None
            tflite.OperatorCodeStart(b)
            tflite.OperatorCodeAddDeprecatedBuiltinCode(b, min(code, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES))
            tflite.OperatorCodeAddBuiltinCode(b, code)
            tflite.OperatorCodeAddVersion(b, 1)
            if cc is not None:
                tflite.OperatorCodeAddCustomCode(b, cc)
            opcodes.append(tflite.OperatorCodeEnd(b))

        codes_vec = vec(tflite.ModelStartOperatorCodesVector, opcodes, b.PrependUOffsetTRelative)
        graphs_vec = vec(tflite.ModelStartSubgraphsVector, graphs, b.PrependUOffsetTRelative)
        buffers_vec = vec(tflite.ModelStartBuffersVector, buffers, b.PrependUOffsetTRelative)
        desc = b.CreateString(description)
        sigs = []
        for key, index in self.signatures:
            k = b.CreateString(key)
            tflite.SignatureDefStart(b)
            tflite.SignatureDefAddSignatureKey(b, k)
            tflite.SignatureDefAddSubgraphIndex(b, index)
            sigs.append(tflite.SignatureDefEnd(b))
        sigs_vec = vec(tflite.ModelStartSignatureDefsVector, sigs, b.PrependUOffsetTRelative) if sigs else None
        tflite.ModelStart(b)
        if sigs_vec is not None:
            tflite.ModelAddSignatureDefs(b, sigs_vec)
        tflite.ModelAddVersion(b, 3)
        tflite.ModelAddOperatorCodes(b, codes_vec)
        tflite.ModelAddSubgraphs(b, graphs_vec)
        tflite.ModelAddDescription(b, desc)
        tflite.ModelAddBuffers(b, buffers_vec)
        b.Finish(tflite.ModelEnd(b), file_identifier=b"TFL3")
        return bytes(b.Output())

    def _subgraph(self, b, vec, codes: list, graph_name: str):
        """This net's tensors and operators as a SubGraph table (op codes collected in ``codes``)."""
        tensors = []
        for t in self.tensors:
            name = b.CreateString(t.name)
            shape = vec(tflite.TensorStartShapeVector, list(t.shape), b.PrependInt32)
            sig = vec(tflite.TensorStartShapeSignatureVector, list(t.signature), b.PrependInt32) if t.signature else None
            quant = None
            if t.quantized:
                scale = vec(tflite.QuantizationParametersStartScaleVector, [0.05], b.PrependFloat32)
                zp = vec(tflite.QuantizationParametersStartZeroPointVector, [0], b.PrependInt64)
                tflite.QuantizationParametersStart(b)
                tflite.QuantizationParametersAddScale(b, scale)
                tflite.QuantizationParametersAddZeroPoint(b, zp)
                quant = tflite.QuantizationParametersEnd(b)
            tflite.TensorStart(b)
            tflite.TensorAddShape(b, shape)
            if sig is not None:
                tflite.TensorAddShapeSignature(b, sig)
            tflite.TensorAddType(b, t.dtype)
            tflite.TensorAddBuffer(b, t.buffer)
            tflite.TensorAddName(b, name)
            if t.variable:
                tflite.TensorAddIsVariable(b, True)
            if quant is not None:
                tflite.TensorAddQuantization(b, quant)
            tensors.append(tflite.TensorEnd(b))

        ops = []
        for op in self.ops:
            key = (op.code, op.custom_code)
            if key not in codes:
                codes.append(key)
            ins = vec(tflite.OperatorStartInputsVector, op.inputs, b.PrependInt32)
            outs = vec(tflite.OperatorStartOutputsVector, op.outputs, b.PrependInt32)
            opts = None
            if op.options:
                kind, values = op.options
                cls = next(k for k, v in vars(BuiltinOptions).items() if v == kind and not k.startswith("_"))
                strings = {k: b.CreateString(v) for k, v in values.items() if isinstance(v, str)}  # (made before the table: VarHandleOptions' SharedName)
                getattr(tflite, f"{cls}Start")(b)
                for k, v in values.items():
                    getattr(tflite, f"{cls}Add{k}")(b, strings.get(k, v))
                opts = getattr(tflite, f"{cls}End")(b)
            opts2 = self._options2(b, op.options2) if op.options2 else None
            tflite.OperatorStart(b)
            tflite.OperatorAddOpcodeIndex(b, codes.index(key))
            tflite.OperatorAddInputs(b, ins)
            tflite.OperatorAddOutputs(b, outs)
            if opts is not None:
                tflite.OperatorAddBuiltinOptionsType(b, op.options[0])
                tflite.OperatorAddBuiltinOptions(b, opts)
            if opts2 is not None:
                tflite.OperatorAddBuiltinOptions2Type(b, op.options2[0])
                tflite.OperatorAddBuiltinOptions2(b, opts2)
            ops.append(tflite.OperatorEnd(b))

        t_vec = vec(tflite.SubGraphStartTensorsVector, tensors, b.PrependUOffsetTRelative)
        i_vec = vec(tflite.SubGraphStartInputsVector, self.inputs, b.PrependInt32)
        o_vec = vec(tflite.SubGraphStartOutputsVector, [] if getattr(self, "no_outputs", False) else (self.outputs or [self.ops[-1].outputs[0]]), b.PrependInt32)
        op_vec = vec(tflite.SubGraphStartOperatorsVector, ops, b.PrependUOffsetTRelative)
        g_name = b.CreateString(graph_name)
        tflite.SubGraphStart(b)
        tflite.SubGraphAddTensors(b, t_vec)
        tflite.SubGraphAddInputs(b, i_vec)
        tflite.SubGraphAddOutputs(b, o_vec)
        tflite.SubGraphAddOperators(b, op_vec)
        tflite.SubGraphAddName(b, g_name)
        return tflite.SubGraphEnd(b)

    @staticmethod
    def _options2(b, options2):
        """A builtin_options_2 table: its vectors (int64) and strings first, then the table."""
        kind, values = options2
        cls = next(k for k, v in vars(BuiltinOptions2).items() if v == kind and not k.startswith("_"))
        made = {}
        for k, v in values.items():
            if isinstance(v, (list, tuple)):
                getattr(tflite, f"{cls}Start{k}Vector")(b, len(v))
                for x in reversed(v):
                    b.PrependInt64(x)
                made[k] = b.EndVector()
            elif isinstance(v, str):
                made[k] = b.CreateString(v)
        getattr(tflite, f"{cls}Start")(b)
        for k, v in values.items():
            getattr(tflite, f"{cls}Add{k}")(b, made.get(k, v))
        return getattr(tflite, f"{cls}End")(b)

    def save(self, path: Path) -> Path:
        Path(path).write_bytes(self.build())
        return Path(path)


# --------------------------------------------------------------------------
# The models of the tests


def standard_conv() -> Net:
    """conv 3x3, 3 -> 32, stride 2, SAME, 224 -> 112, fused RELU6.
    MACs = 9*3*32*112*112 = 10,838,016; weights 864, biases 32."""
    n = Net()
    x = n.input("image", (1, 224, 224, 3))
    n.output(n.conv(x, 32, 3, stride=2, act="RELU6", name="conv1"))
    return n


def separable_block(multiplier: int = 1) -> Net:
    """dw 3x3 on 1x56x56x64 (fused RELU6) -> pw 1x1 64*m -> 128 (fused RELU6).
    dw MACs 9*64*m*56*56; pw MACs 64*m*128*56*56."""
    n = Net()
    x = n.input("x", (1, 56, 56, 64))
    d = n.depthwise(x, 3, multiplier=multiplier, act="RELU6", name="dw")
    n.output(n.conv(d, 128, 1, act="RELU6", name="pw"))
    return n


def classifier() -> Net:
    """1x7x7x32 -> MEAN (global pool) -> FC 32 -> 10 (+bias) -> SOFTMAX."""
    n = Net()
    x = n.input("features", (1, 7, 7, 32))
    g = n.mean(x, "gap")
    f = n.fc(g, 10, name="logits")
    n.output(n.unary(BuiltinOperator.SOFTMAX, f, "probs"))
    return n


def int8_conv() -> Net:
    """The standard conv fully quantized: int8 input/filter/output, int32 bias, QUANTIZE in, DEQUANTIZE out."""
    n = Net()
    x = n.input("image", (1, 224, 224, 3))
    q = n.tensor("image_int8", (1, 224, 224, 3), INT8)
    n.op(BuiltinOperator.QUANTIZE, [x], [q])
    y = n.conv(q, 32, 3, stride=2, act="RELU6", name="conv1", dtype=INT8)
    out = n.tensor("out", n.shape(y), FLOAT32)
    n.op(BuiltinOperator.DEQUANTIZE, [y], [out])
    n.output(out)
    return n


def with_custom_op() -> Net:
    """conv 3x3 8->8 on 1x16x16x8, then a custom op 'MyFancyOp', then a RELU."""
    n = Net()
    x = n.input("x", (1, 16, 16, 8))
    c = n.conv(x, 8, 3, name="conv")
    y = n.tensor("fancy", (1, 16, 16, 8))
    n.op(BuiltinOperator.CUSTOM, [c], [y], custom_code="MyFancyOp")
    n.output(n.unary(BuiltinOperator.RELU, y, "relu"))
    return n


def dynamic_rows(where: bool = False, custom: bool = False) -> Net:
    """x [1, 64] -> RESHAPE to a shape the graph computes (SHAPE(x) * 0 + [8, 8]) -> FC 8 -> 16.
    The converter's way with a shape it cannot compute statically: the reshaped tensor is stored
    as [1, 1] with shape_signature [-1, -1], and the FC's output as [1, 16], signature [-1, 16];
    at run time they are [8, 8] and [8, 16]: 8 rows of 8 -> 16, 1,024 MACs.  ``where``: also
    WHERE(x) -> CAST -> FC 2 -> 4, whose rows are the nonzero elements of x (none in a run on
    zeros); ``custom``: a custom op after the FC, which no interpreter knows."""
    net = Net()
    x = net.input("x", (1, 64), signature=(-1, 64))
    s = net.tensor("shape", (2,), INT32)
    net.op(BuiltinOperator.SHAPE, [x], [s], (BuiltinOptions.ShapeOptions, {"OutType": INT32}))
    zero = net.const("zero", (2,), INT32, quantized=False, data=struct.pack("<2i", 0, 0))
    eight = net.const("eight", (2,), INT32, quantized=False, data=struct.pack("<2i", 8, 8))
    new = net.binary(BuiltinOperator.ADD, net.binary(BuiltinOperator.MUL, s, zero, "shape0"), eight, "new_shape")
    y = net.tensor("rows", (1, 1), signature=(-1, -1))
    net.op(BuiltinOperator.RESHAPE, [x, new], [y])
    wt = net.const("fc/weights", (16, 8))
    b = net.const("fc/bias", (16,))
    z = net.tensor("fc", (1, 16), signature=(-1, 16))
    net.op(BuiltinOperator.FULLY_CONNECTED, [y, wt, b], [z], (BuiltinOptions.FullyConnectedOptions, {"FusedActivationFunction": 0}))
    net.output(z)
    if where:
        w, wf, v = net.tensor("where", (1, 2), TensorType.INT64, signature=(-1, 2)), net.tensor("where_f", (1, 2), signature=(-1, 2)), net.tensor("fc2", (1, 4), signature=(-1, 4))
        net.op(BuiltinOperator.WHERE, [x], [w])
        net.op(BuiltinOperator.CAST, [w], [wf])
        net.op(BuiltinOperator.FULLY_CONNECTED, [wf, net.const("fc2/weights", (4, 2)), net.const("fc2/bias", (4,))], [v],
               (BuiltinOptions.FullyConnectedOptions, {"FusedActivationFunction": 0}))  # fmt: skip
        net.output(v)
    if custom:
        net.op(BuiltinOperator.CUSTOM, [z], [net.output(net.tensor("mine", (1, 16), signature=(-1, 16)))], custom_code="MyOp")
    return net


def select_tf_on_a_dynamic_batch() -> Net:
    """Keras 3's LiteRT export of Conv2D(8, 3, padding="same") -> tf.roll -> Dense(16) on a batch-1
    Input (round 41: Swin's FlexRoll, FNet's FlexFFT2D): the batch is declared -1 and the roll
    kept as a Select-TF op ("FlexRoll", custom), which LiteRT runs only with TensorFlow's Flex
    delegate.  The Dense on the 4-D map is Keras' Tensordot: SHAPE -> GATHER the free axes
    [0, 1, 2] and the depth [3] -> REDUCE_PROD each -> PACK -> RESHAPE to rows (stored [1, 1],
    signature [-1, -1]) -> FULLY_CONNECTED -> RESHAPE back to CONCATENATION(free axes, [16]).
    At batch 1: the conv 8 x 8 x 8 x 3 x 3 x 4 = 18,432 MACs, the Dense 64 rows x 8 x 16 = 8,192."""
    net = Net()
    x = net.input("x", (1, 8, 8, 4), signature=(-1, 8, 8, 4))
    c = net.conv(x, 8, 3, name="conv")
    net.tensors[c].signature = (-1, 8, 8, 8)
    r = net.tensor("roll", (1, 8, 8, 8), signature=(-1, 8, 8, 8))
    net.op(BuiltinOperator.CUSTOM, [c, net.const("shift", (1,), INT32, quantized=False, data=struct.pack("<i", 2)),
                                     net.const("axis", (1,), INT32, quantized=False, data=struct.pack("<i", 1))], [r], custom_code="FlexRoll")  # fmt: skip
    s = net.tensor("shape", (4,), INT32)
    net.op(BuiltinOperator.SHAPE, [r], [s], (BuiltinOptions.ShapeOptions, {"OutType": INT32}))
    gather = (BuiltinOptions.GatherOptions, {"Axis": 0, "BatchDims": 0})
    reducer = (BuiltinOptions.ReducerOptions, {"KeepDims": False})
    zero = net.const("axis0", (1,), INT32, quantized=False, data=struct.pack("<i", 0))
    free, depth = net.tensor("free", (3,), INT32), net.tensor("depth", (1,), INT32)
    net.op(BuiltinOperator.GATHER, [s, net.const("free_axes", (3,), INT32, quantized=False, data=struct.pack("<3i", 0, 1, 2))], [free], gather)
    net.op(BuiltinOperator.GATHER, [s, net.const("depth_axis", (1,), INT32, quantized=False, data=struct.pack("<i", 3))], [depth], gather)
    rows, width = net.tensor("rows", (), INT32), net.tensor("width", (), INT32)
    net.op(BuiltinOperator.REDUCE_PROD, [free, zero], [rows], reducer)
    net.op(BuiltinOperator.REDUCE_PROD, [depth, zero], [width], reducer)
    new = net.tensor("new_shape", (2,), INT32)
    net.op(BuiltinOperator.PACK, [rows, width], [new], (BuiltinOptions.PackOptions, {"ValuesCount": 2, "Axis": 0}))
    flat = net.tensor("flat", (1, 1), signature=(-1, -1))
    net.op(BuiltinOperator.RESHAPE, [r, new], [flat])
    y = net.tensor("dense", (1, 16), signature=(-1, 16))
    net.op(BuiltinOperator.FULLY_CONNECTED, [flat, net.const("dense/kernel", (16, 8)), net.const("dense/bias", (16,))], [y],
           (BuiltinOptions.FullyConnectedOptions, {"FusedActivationFunction": 0}))  # fmt: skip
    back = net.tensor("out_shape", (4,), INT32)
    net.op(BuiltinOperator.CONCATENATION, [free, net.const("units", (1,), INT32, quantized=False, data=struct.pack("<i", 16))], [back],
           (BuiltinOptions.ConcatenationOptions, {"Axis": 0, "FusedActivationFunction": 0}))  # fmt: skip
    out = net.tensor("out", (1, 8, 8, 16), signature=(-1, 8, 8, 16))
    net.op(BuiltinOperator.RESHAPE, [y, back], [out])
    net.output(out)
    return net


def dilated_dynamic_batch() -> Net:
    """Keras 3's LiteRT export of Conv2D(8, 3, dilation_rate=2, padding="same") on a dynamic batch
    (round 36, keras-hub's DeepLabV3): SPACE_TO_BATCH_ND (block 2x2, paddings 2) -> CONV_2D 3x3
    VALID -> BATCH_TO_SPACE_ND, every tensor stored at batch 1 with shape_signature -1.  At batch 1
    the conv runs on a batch of 4: x [1, 8, 8, 4] -> [4, 6, 6, 4] -> [4, 4, 4, 8] -> [1, 8, 8, 8]:
    4 x 4 x 4 x 8 outputs x 36 = 18,432 MACs; the stored shapes (1x6x6x4 -> 1x4x4x8) say 4,608."""
    net = Net()
    x = net.input("x", (1, 8, 8, 4), signature=(-1, 8, 8, 4))
    block = net.const("block", (2,), INT32, quantized=False, data=struct.pack("<2i", 2, 2))
    s = net.tensor("stb", (1, 6, 6, 4), signature=(-1, 6, 6, 4))
    net.op(BuiltinOperator.SPACE_TO_BATCH_ND, [x, block, net.const("pads", (2, 2), INT32, quantized=False, data=struct.pack("<4i", 2, 2, 2, 2))], [s])
    c = net.tensor("conv", (1, 4, 4, 8), signature=(-1, 4, 4, 8))
    opts = {"Padding": Padding.VALID, "StrideW": 1, "StrideH": 1, "FusedActivationFunction": 0, "DilationWFactor": 1, "DilationHFactor": 1}
    net.op(BuiltinOperator.CONV_2D, [s, net.const("conv/filter", (8, 3, 3, 4)), net.const("conv/bias", (8,))], [c], (BuiltinOptions.Conv2DOptions, opts))
    y = net.tensor("y", (1, 8, 8, 8), signature=(-1, 8, 8, 8))
    net.op(BuiltinOperator.BATCH_TO_SPACE_ND, [c, block, net.const("crops", (2, 2), INT32, quantized=False, data=struct.pack("<4i", 0, 0, 0, 0))], [y])
    net.output(net.unary(BuiltinOperator.RELU, y, "relu"))
    return net


def streaming_state(init_computes: bool = False) -> Net:
    """A streaming layer as microWakeWord writes it: a CALL_ONCE whose subgraph assigns a
    resource variable its zero initial state (2 x 40); the main graph reads it (VAR_HANDLE ->
    READ_VARIABLE), concatenates the new frames x (1, 3, 40), stores the last two frames back
    (ASSIGN_VARIABLE) and runs a FULLY_CONNECTED 40 -> 8 on the five.  ``init_computes``: the
    init subgraph runs a FULLY_CONNECTED too (16 -> 40)."""
    resource = TensorType.RESOURCE
    n = Net()
    init = n.body()
    init.no_outputs = True  # (it assigns; it returns nothing)
    handle0 = init.tensor("states/handle", (), resource)
    init.op(BuiltinOperator.VAR_HANDLE, [], [handle0], (BuiltinOptions.VarHandleOptions, {"SharedName": "stream/states"}))
    init.op(BuiltinOperator.ASSIGN_VARIABLE, [handle0, init.const("states/zeros", (1, 2, 40))], [])
    if init_computes:
        init.fc(init.const("seed", (1, 16)), 40, name="init_fc")
    x = n.input("x", (1, 3, 40))
    n.op(BuiltinOperator.CALL_ONCE, [], [], (BuiltinOptions.CallOnceOptions, {"InitSubgraphIndex": 1}))
    handle = n.tensor("stream/handle", (), resource)
    n.op(BuiltinOperator.VAR_HANDLE, [], [handle], (BuiltinOptions.VarHandleOptions, {"SharedName": "stream/states"}))
    state = n.tensor("stream/state", (1, 2, 40))
    n.op(BuiltinOperator.READ_VARIABLE, [handle], [state])
    frames = n.tensor("stream/concat", (1, 5, 40))
    n.op(BuiltinOperator.CONCATENATION, [state, x], [frames], (BuiltinOptions.ConcatenationOptions, {"Axis": 1}))
    kept = n.tensor("stream/next", (1, 2, 40))
    n.op(BuiltinOperator.STRIDED_SLICE, [frames, n.const("b", (3,), INT32), n.const("e", (3,), INT32), n.const("s", (3,), INT32)], [kept],
         (BuiltinOptions.StridedSliceOptions, {}))  # fmt: skip
    n.op(BuiltinOperator.ASSIGN_VARIABLE, [handle, kept], [])
    n.output(n.fc(frames, 8))
    return n


def replicated_constants() -> Net:
    """keras-hub's learned tables as Keras 3's LiteRT export writes them (round 36): x [1, 16, 32]
    (a dynamic batch) + BROADCAST_TO(position table [16, 32], SHAPE(x)), twice (one table read by two
    ops), then CONCATENATION of TILE(class token [1, 1, 32], multiples computed from SHAPE(x)) and
    the sum: [1, 17, 32].  Learned: 512 + 32 = 544 elements; a TILE of a constant by constant
    multiples (a literal the converter left unfolded, [1, 1, 32] -> [1, 2, 32]) is no copy to a
    computed shape."""
    net = Net()
    x = net.input("x", (1, 16, 32), signature=(-1, 16, 32))
    shape = net.tensor("shape", (3,), INT32)
    net.op(BuiltinOperator.SHAPE, [x], [shape], (BuiltinOptions.ShapeOptions, {"OutType": INT32}))
    pos = net.const("pos", (16, 32))
    total = x
    for k in range(2):
        b = net.tensor(f"broadcast{k}", (1, 16, 32), signature=(-1, 16, 32))
        net.op(BuiltinOperator.BROADCAST_TO, [pos, shape], [b])
        total = net.binary(BuiltinOperator.ADD, total, b, f"add{k}")
    ones = net.const("ones", (3,), INT32, quantized=False, data=struct.pack("<3i", 1, 1, 1))
    zero = net.const("zero", (3,), INT32, quantized=False, data=struct.pack("<3i", 0, 0, 0))
    mult = net.binary(BuiltinOperator.ADD, net.binary(BuiltinOperator.MUL, shape, zero, "shape0"), ones, "multiples")
    cls = net.tensor("cls_tiled", (1, 1, 32), signature=(-1, 1, 32))
    net.op(BuiltinOperator.TILE, [net.const("cls", (1, 1, 32)), mult], [cls])
    y = net.tensor("joined", (1, 17, 32), signature=(-1, 17, 32))
    net.op(BuiltinOperator.CONCATENATION, [cls, total], [y], (BuiltinOptions.ConcatenationOptions, {"Axis": 1, "FusedActivationFunction": 0}))
    net.output(y)
    lit = net.tensor("lit_tiled", (1, 2, 32))
    net.op(BuiltinOperator.TILE, [net.const("lit", (1, 1, 32)), net.const("two", (3,), INT32, quantized=False, data=struct.pack("<3i", 1, 2, 1))], [lit])
    net.output(lit)
    return net


# Stand-ins for the interpreter's run in its child process (tflite_shapes._run), by import path:
# one that dies on a signal, as a crashing runtime would, and one that never returns.
def crashing_run(path, module, resize):
    import os
    import signal

    os.kill(os.getpid(), signal.SIGSEGV)


def hanging_run(path, module, resize):
    import time

    time.sleep(600)
