"""The forms a PyTorch user holds a module in, seen through to the module dscost exports:
wrappers that run another module (torch.compile's OptimizedModule, DataParallel), parts compiled in
place, a torch.export program, a frozen ScriptModule (its weights constants, not parameters), and
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


def frozen_note(model: Model) -> str:
    """What a frozen TorchScript module's params are: torch.jit.freeze makes its weights constants
    of its graph -- it has no parameters, nor modes -- which count as buffers, as the constants any
    forward computes do (round 51: its mode, which it lacks, was an internal error)."""
    held = sum(layer.cost.buffers for layer in model.layers) + sum(u.params for u in model.uncounted)
    return (f"a frozen TorchScript module (torch.jit.freeze): its weights are constants of its graph, not parameters (torch counts none), "
            f"so they count as buffers ({held:,}); give dscost the module before freezing for its params")
