"""The forms a PyTorch user holds a module in, seen through to the module dscost exports:
wrappers that run another module (torch.compile's OptimizedModule, DataParallel), parts compiled in
place, a torch.export program, dynamically quantized layers, a frozen ScriptModule (its weights constants, not parameters), and
a scripted module whose parameters the export writes as Constant nodes.  Found by round 51 (the
forms users hold a model in); split from :mod:`dscost.readers.torch_reader`, which uses them.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from dscost.layers import Model
from dscost.readers.torch_export import param_groups


def held_as_constants(module, path: Path, torch) -> dict[str, str]:
    """A scripted module's parameters the export wrote as Constant nodes, not initializers (a
    scripted nn.LSTM / GRU reads its ``_flat_weights`` list): Constant output -> parameter name,
    matched by value (round 51: they counted as buffers, a tagger's 87,552 LSTM weights, and the
    note called them unused).  Only the parameters no initializer holds are looked for."""
    import numpy as np

    from dscost.readers import onnx_lib
    from dscost.readers.onnx_wire import strip

    stripped, st = strip(path)
    graph = onnx_lib.load().ModelProto.FromString(stripped).graph
    missing = [(names[0], p) for p, names in param_groups(module) if not any(n in st.initializers for n in names)]
    by_shape: dict[tuple, list] = {}
    for name, p in missing:
        by_shape.setdefault(tuple(p.shape), []).append((name, p.detach().cpu().numpy()))
    if not by_shape or not any(node.op_type == "Constant" for node in graph.node):
        return {}
    import onnx
    from onnx import numpy_helper

    found: dict[str, str] = {}
    taken: set[str] = set()
    for node in onnx.load(str(path)).graph.node:  # (the export dscost just wrote: its constants' values)
        if node.op_type != "Constant" or len(node.output) != 1 or not node.attribute or node.attribute[0].name != "value":
            continue
        dims = tuple(node.attribute[0].t.dims)
        for name, value in by_shape.get(dims, ()):
            if name not in taken and np.array_equal(numpy_helper.to_array(node.attribute[0].t), value):
                found[node.output[0]] = name
                taken.add(name)
                break
    return found


@contextlib.contextmanager
def uncompiled(module, torch):
    """The module's compiled parts run as written while it is counted: a submodule compiled in
    place (``m.compile()``: its ``_compiled_call_impl``) and a child torch.compile wrapped (an
    OptimizedModule: its ``_orig_mod`` in its place), which the TorchScript exporter refuses --
    they went to the dynamo exporter, which folds BatchNorm (round 51: resnet18 -4,800 params).
    Put back afterwards."""
    inner = [m for m in module.modules() if getattr(m, "_compiled_call_impl", None) is not None]
    calls = [(m, m._compiled_call_impl) for m in inner]
    swapped = [(parent, key, child) for parent in module.modules() for key, child in parent._modules.items()
               if type(child).__name__ == "OptimizedModule" and isinstance(getattr(child, "_orig_mod", None), torch.nn.Module)]  # fmt: skip
    try:
        for m in inner:
            m._compiled_call_impl = None
        for parent, key, child in swapped:
            parent._modules[key] = child._orig_mod
        yield
    finally:
        for parent, key, child in swapped:
            parent._modules[key] = child
        for m, call in calls:
            m._compiled_call_impl = call


_DYNAMIC = "torch.ao.nn.quantized.dynamic"  # (torch.ao.quantization.quantize_dynamic's layers live there)


def _float_layer(child, torch):
    """The float layer a dynamically quantized one computes as, its weights unpacked and
    dequantized, or None (a dynamic conv, which no default of quantize_dynamic makes)."""
    nn, kind = torch.nn, type(child).__name__
    if kind == "Linear":
        bias = child.bias()
        layer = nn.Linear(child.in_features, child.out_features, bias=bias is not None)
        tensors = {"weight": child.weight(), "bias": bias}
    elif kind in ("LSTM", "GRU"):
        layer = getattr(nn, kind)(child.input_size, child.hidden_size, child.num_layers, bias=child.bias, batch_first=child.batch_first,
                                  dropout=child.dropout, bidirectional=child.bidirectional)  # fmt: skip
        tensors = {**child.get_weight(), **child.get_bias()}
    elif kind in ("LSTMCell", "GRUCell", "RNNCell"):
        unpack = torch.ops.quantized.linear_unpack if child.weight_dtype == torch.qint8 else torch.ops.quantized.linear_unpack_fp16
        (w_ih, b_ih), (w_hh, b_hh) = unpack(child._packed_weight_ih), unpack(child._packed_weight_hh)
        options = {"nonlinearity": child.nonlinearity} if kind == "RNNCell" else {}
        layer = getattr(nn, kind)(child.input_size, child.hidden_size, bias=child.bias, **options)
        tensors = {"weight_ih": w_ih, "weight_hh": w_hh, "bias_ih": b_ih, "bias_hh": b_hh}
    else:
        return None
    with torch.no_grad():
        for key, tensor in tensors.items():
            if getattr(layer, key, None) is not None and tensor is not None:
                getattr(layer, key).copy_((tensor.dequantize() if tensor.is_quantized else tensor).float())
    return layer.train(child.training)


@contextlib.contextmanager
def dequantized(module, torch):
    """A dynamically quantized module (``torch.ao.quantization.quantize_dynamic``: int8 or float16
    Linear, LSTM, GRU and cells) counted as the float module it computes: each such layer is the
    float layer of its unpacked weights while counted -- the same multiply-adds, which torch's
    exporters refuse in their int8 form (round 51: ``quantized::linear_dynamic``) -- and put back
    afterwards.  Yields a note (its packed weights are no nn.Parameters; here they count as
    params), or None when no layer is one."""
    found = [(parent, key, child) for parent in module.modules() for key, child in parent._modules.items()
             if child is not None and type(child).__module__.startswith(_DYNAMIC)]  # fmt: skip
    floats: dict[int, object] = {}
    for _, _, child in found:
        if id(child) not in floats:
            floats[id(child)] = _float_layer(child, torch)
    swapped = [(parent, key, child) for parent, key, child in found if floats[id(child)] is not None]
    try:
        for parent, key, child in swapped:
            parent._modules[key] = floats[id(child)]
        kinds: dict[str, int] = {}
        for child in {id(c): c for _, _, c in swapped}.values():
            kinds[type(child).__name__] = kinds.get(type(child).__name__, 0) + 1
        elements = sum(p.numel() for i in {id(c) for _, _, c in swapped} for p in floats[i].parameters())
        listed = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        types = sorted({str(getattr(c, "weight_dtype", None) or getattr(c, "dtype", None) or c._packed_params.dtype).removeprefix("torch.q").removeprefix("torch.")
                        for _, _, c in swapped})  # fmt: skip
        yield (f"dynamically quantized layers (torch.ao.quantization.quantize_dynamic: {listed}) counted as the float layers they compute: "
               f"the same multiply-adds, on {' and '.join(types)} weights; their packed weights ({elements:,}) are no nn.Parameters "
               f"(torch's sum of parameters counts none of them) and count as params here") if swapped else None  # fmt: skip
    finally:
        for parent, key, child in swapped:
            parent._modules[key] = child


def unwrapped(module, torch):
    """The module a wrapper runs: torch.compile's (an OptimizedModule: exported whole, its layers
    took the compiled graph's names) and DataParallel's or DistributedDataParallel's (their
    ``.module``, which torch's TorchScript exporter asks for: it refuses the wrapper), however nested."""
    parallel = (torch.nn.DataParallel, torch.nn.parallel.DistributedDataParallel)
    while True:
        if type(module).__name__ == "OptimizedModule" and isinstance(getattr(module, "_orig_mod", None), torch.nn.Module):
            module = module._orig_mod
        elif isinstance(module, parallel) and isinstance(getattr(module, "module", None), torch.nn.Module):
            module = module.module
        else:
            return module


def program_module(obj, torch):
    """``obj``, or the module of a torch.export program (``ExportedProgram.module()``, as its
    ``.pt2`` file is counted; round 51: the object was refused, and a target naming one called it)."""
    program = getattr(getattr(torch, "export", None), "ExportedProgram", None)
    return obj.module() if program is not None and isinstance(obj, program) else obj


def program_inputs(obj, torch) -> tuple | None:
    """The positional example inputs a torch.export program was exported with (None: ``obj`` is
    no program, or it stored none, or keyword ones), at which its module is counted when no
    shape is given, as its ``.pt2`` file is."""
    program = getattr(getattr(torch, "export", None), "ExportedProgram", None)
    stored = getattr(obj, "example_inputs", None) if program is not None and isinstance(obj, program) else None
    return tuple(stored[0]) if stored and stored[0] and not stored[1] else None


def frozen_note(model: Model) -> str:
    """What a frozen TorchScript module's params are: torch.jit.freeze makes its weights constants
    of its graph -- it has no parameters, nor modes -- which count as buffers, as the constants any
    forward computes do (round 51: its mode, which it lacks, was an internal error)."""
    held = sum(layer.cost.buffers for layer in model.layers) + sum(u.params for u in model.uncounted)
    return (f"a frozen TorchScript module (torch.jit.freeze): its weights are constants of its graph, not parameters (torch counts none), "
            f"so they count as buffers ({held:,}); give dscost the module before freezing for its params")
