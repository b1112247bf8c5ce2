"""onnx for the reader, loaded no heavier than the file needs.

Counting a plain CNN needs three things of onnx: its protobuf classes, its C++ shape inference
and its opset table.  ``import onnx`` also imports numpy, the helpers, the reference evaluator
and more: ~115 ms on the 2-core machine, of a small model's ~0.3 s ``analyze``.  :func:`load`
loads only onnx's generated protobuf module and its C++ extension (~30 ms); everything else
the reader may need (numpy and the reference evaluator to fold shape arithmetic, the version
converter for a 2017 file) imports onnx in full, on first use, through the same object.

How: the two modules are loaded under their own names (``onnx.onnx_ml_pb2``,
``onnx.onnx_cpp2py_export``), and the package ``onnx`` is registered lazily (importlib's
``LazyLoader``): whoever first uses ``onnx`` -- dscost or not -- runs its ``__init__``, which
finds the two modules loaded.  When onnx is already imported, or its package looks any other
way, :func:`load` is ``import onnx``.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import threading

_PROTO, _EXTENSION = "onnx.onnx_ml_pb2", "onnx.onnx_cpp2py_export"
_lib = None
_LOCK = threading.Lock()


class _Part:
    """``onnx.<name>``: the attributes given, and any other of the full module's."""

    def __init__(self, name: str, **own):
        self._name = name
        self.__dict__.update(own)

    def __getattr__(self, attr: str):
        import onnx

        return getattr(getattr(onnx, self._name) if self._name else onnx, attr)


class _Light(_Part):
    """The part of ``onnx`` the reader uses, without importing onnx's package: the protobuf
    classes (``ModelProto``, ``NodeProto``, ``ValueInfoProto``, ``TensorProto``, ``AttributeProto``),
    ``shape_inference.infer_shapes``, ``defs.onnx_opset_version`` and ``defs.get_schema`` (the same
    C++ calls); any other attribute (``helper``, ``numpy_helper``...) is the full module's."""

    def __init__(self, proto, ext):
        def infer_shapes(model, check_type: bool = False, strict_mode: bool = False, data_prop: bool = False):
            out = ext.shape_inference.infer_shapes(model.SerializeToString(), check_type, strict_mode, data_prop)
            return proto.ModelProto.FromString(out)

        def onnx_opset_version() -> int:
            return ext.defs.schema_version_map()[""][1]

        classes = {c: getattr(proto, c) for c in ("ModelProto", "NodeProto", "ValueInfoProto", "TensorProto", "AttributeProto")}
        super().__init__("", **classes, shape_inference=_Part("shape_inference", infer_shapes=infer_shapes),
                         defs=_Part("defs", onnx_opset_version=onnx_opset_version, get_schema=ext.defs.get_schema))  # fmt: skip


def load():
    """The ``onnx`` the reader uses: the module itself when it is imported (or cannot be loaded
    in parts), else :class:`_Light`.  ImportError when onnx is not installed."""
    global _lib
    if _lib is None:
        with _LOCK:  # (two threads reading their first graphs load it once)
            if _lib is None:
                light = _light() if "onnx" not in sys.modules else None
                if light is None:
                    import onnx

                    light = onnx
                _lib = light
    return _lib


def _light():
    spec = importlib.util.find_spec("onnx")
    if spec is None or not spec.submodule_search_locations or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
        return None
    folder = spec.submodule_search_locations[0]
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    ext = next((f for f in sorted(os.listdir(folder)) if f.startswith("onnx_cpp2py_export.") and f.endswith(suffixes)), None)
    proto_file = os.path.join(folder, "onnx_ml_pb2.py")
    if ext is None or not os.path.isfile(proto_file):
        return None
    loaded: dict[str, object] = {}
    for name, file in ((_PROTO, proto_file), (_EXTENSION, os.path.join(folder, ext))):
        if name in sys.modules:
            loaded[name] = sys.modules[name]
            continue
        sub = importlib.util.spec_from_file_location(name, file)
        module = importlib.util.module_from_spec(sub)
        sys.modules[name] = module
        try:
            sub.loader.exec_module(module)
        except Exception:  # (as an import that fails; one that worked stays, for `import onnx` to reuse)
            del sys.modules[name]
            return None
        loaded[name] = module
    try:
        light = _Light(loaded[_PROTO], loaded[_EXTENSION])
        light.shape_inference.infer_shapes(light.ModelProto())  # (the call works, or it is the full module)
    except Exception:
        return None
    # The package, lazily: its __init__ runs when someone first reads an attribute of it.
    spec.loader = importlib.util.LazyLoader(spec.loader)
    package = importlib.util.module_from_spec(spec)
    sys.modules["onnx"] = package
    spec.loader.exec_module(package)
    for name, module in loaded.items():
        setattr(package, name.rpartition(".")[2], module)  # (the attribute `import onnx.x` sets on its parent)
    return light


FLOAT, BFLOAT16 = 1, 16  # (TensorProto's element types)

# Protos built as onnx.helper builds them, without importing it: onnx.helper imports ml_dtypes,
# whose release 0.7.0 spends ~1 s loading -- in every onnxruntime child (--measure-sizes) again.


def value_info(name: str, elem: int | None = None, shape=None):
    """``helper.make_tensor_value_info(name, elem, shape)`` (int sizes), or with ``elem`` None
    ``helper.make_empty_tensor_value_info(name)``."""
    vi = load().ValueInfoProto(name=name)
    if elem is not None:
        tensor = vi.type.tensor_type
        tensor.elem_type = elem
        if shape is not None:
            tensor.shape.SetInParent()  # (an empty shape is a scalar's, not an unknown one)
            for d in shape:
                tensor.shape.dim.add().dim_value = int(d)
    return vi


def node(op: str, inputs, outputs, name: str, **attrs):
    """``helper.make_node(op, inputs, outputs, name=name, **attrs)`` for int, float and int-list attributes."""
    lib = load()
    made = lib.NodeProto(op_type=op, input=inputs, output=outputs, name=name)
    for key, v in sorted(attrs.items()):  # (sorted, as onnx.helper sorts them)
        a = made.attribute.add()
        a.name = key
        if isinstance(v, int):
            a.type, a.i = lib.AttributeProto.INT, v
        elif isinstance(v, float):
            a.type, a.f = lib.AttributeProto.FLOAT, v
        else:
            a.type = lib.AttributeProto.INTS
            a.ints.extend(v)
    return made


def int64_tensor(name: str, values: list[int]):
    """``helper.make_tensor(name, TensorProto.INT64, [len(values)], values)``."""
    lib = load()
    return lib.TensorProto(name=name, data_type=lib.TensorProto.INT64, dims=[len(values)], int64_data=values)


def float_scalar(name: str, value: float):
    """``helper.make_tensor(name, TensorProto.FLOAT, [], [value])``."""
    lib = load()
    return lib.TensorProto(name=name, data_type=lib.TensorProto.FLOAT, dims=[], float_data=[value])


def float_tensor(name: str, array):
    """``numpy_helper.from_array(array, name)`` of a float32 array (its bytes as raw data)."""
    lib = load()
    return lib.TensorProto(name=name, data_type=lib.TensorProto.FLOAT, dims=array.shape, raw_data=array.astype("<f4").tobytes())


def model(nodes, inputs, outputs, initializers, name: str, opset: int, ir_version: int, producer: str):
    """``helper.make_model(helper.make_graph(nodes, name, inputs, outputs, initializers),
    opset_imports=[helper.make_opsetid("", opset)], ir_version=ir_version, producer_name=producer)``."""
    made = load().ModelProto(ir_version=ir_version, producer_name=producer)
    made.opset_import.add(domain="", version=opset)
    g = made.graph
    g.name = name
    g.node.extend(nodes)
    g.input.extend(inputs)
    g.output.extend(outputs)
    g.initializer.extend(initializers)
    return made


def check_opsets(path, mp, st, onnx) -> list[str]:
    """Refuse opsets this onnx cannot infer (``onnx``: :func:`load`'s); the file's first notes
    (opset, size, external data: ``st``, its :class:`onnx_wire.Stripper`)."""
    from dscost.errors import InputError
    from dscost.units import nbytes

    default = [o.version for o in mp.opset_import if o.domain in ("", "ai.onnx")]
    if not mp.opset_import:
        raise InputError(f"{path}: model declares no opset_import")
    newest = onnx.defs.onnx_opset_version()
    if default and default[0] > newest:
        raise InputError(f"{path}: opset {default[0]} is newer than this onnx supports (up to {newest}); upgrade onnx")
    if default and default[0] < 1:
        raise InputError(f"{path}: invalid opset version {default[0]}")
    notes = [f"ONNX opset {default[0] if default else '?'}, {st.n_nodes} nodes, {len(st.initializers)} initializers "
             f"({nbytes(st.weight_bytes)} of weights, not read)"]  # fmt: skip
    missing = sorted(f for f in st.external_files if not os.path.exists(f))
    if st.external_files:
        notes.append(f"external data in {len(st.external_files)} file(s), never opened" + (f"; missing: {', '.join(os.path.basename(m) for m in missing)}" if missing else ""))
    return notes
