"""Tiny ONNX models built with onnx.helper for the ONNX reader tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from dscost.layers import Model
from dscost.readers.onnx_reader import read_onnx

F = TensorProto.FLOAT


def init(name: str, *dims: int, dtype=np.float32, value=None) -> TensorProto:
    """An initializer of zeros (or ``value``)."""
    arr = np.zeros(dims, dtype=dtype) if value is None else np.asarray(value, dtype=dtype).reshape(dims)
    return numpy_helper.from_array(arr, name)


def vi(name: str, shape, elem=F):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, outputs=None, inits=(), opset: int = 17, name: str = "g", **kw) -> onnx.ModelProto:
    """``inputs``: [(name, shape)]; ``outputs``: names (default: the last node's first output)."""
    ins = [vi(n, s) if not isinstance(s, onnx.ValueInfoProto) else s for n, s in inputs]
    outs = [helper.make_empty_tensor_value_info(o) for o in (outputs or [nodes[-1].output[0]])]
    graph = helper.make_graph(nodes, name, ins, outs, initializer=list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], **kw)


# onnx stamps its own newest IR version on a model it makes, and onnxruntime reads newer ones only
# releases later: on Python 3.10 the newest onnx (1.23, IR 14) meets the newest onnxruntime there (1.23,
# IR up to 11).  The test models use nothing after IR 10 (int4), which onnxruntime 1.18.1, the oldest
# allowed, reads; they are saved at that version, so the tests that run them run on every such pair.
RUNNABLE_IR = 10


def save(tmp_path: Path, mp: onnx.ModelProto, name: str = "m.onnx", **kw) -> Path:
    """``mp`` written to ``tmp_path/name``, at IR version :data:`RUNNABLE_IR` when it is stamped newer."""
    path = Path(tmp_path) / name
    if mp.ir_version > RUNNABLE_IR:
        mp.ir_version = RUNNABLE_IR
    onnx.save(mp, str(path), **kw)
    return path


def read(tmp_path: Path, nodes, inputs, outputs=None, inits=(), opset: int = 17, input_shapes=None) -> Model:
    return read_onnx(save(tmp_path, model(nodes, inputs, outputs, inits, opset)), input_shapes=input_shapes)


def node(op: str, inputs, outputs, name: str | None = None, **attrs):
    outputs = [outputs] if isinstance(outputs, str) else outputs
    return helper.make_node(op, list(inputs), outputs, name=name if name is not None else outputs[0], **attrs)
