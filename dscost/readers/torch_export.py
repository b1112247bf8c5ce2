"""Exporting a module to ONNX for the PyTorch reader (:mod:`dscost.readers.torch_reader`): the
TorchScript exporter with dscost's settings and symbolics, a later opset when an op needs one,
a ScriptModule it fails on made a torch.export program first, the dynamo exporter as the fallback."""

from __future__ import annotations

import re
from pathlib import Path

from dscost.errors import message
from dscost.readers.torch_forward import forward_params, positional
from dscost.readers.torch_names import scoped_names
from dscost.readers.torch_run import fail, first_line
from dscost.readers.torch_symbolics import ALWAYS, FIRST_OPSET, REGISTERED, missing_symbolic, register

# torch.onnx.export settings (training=TrainingMode.PRESERVE is added where torch is imported).
EXPORT_SETTINGS = {"dynamo": False, "opset_version": 17, "do_constant_folding": False}
# When that exporter fails on an op dscost has no symbolic for (dscost.readers.torch_symbolics),
# the dynamo exporter (it needs onnxscript, in the torch extra).
DYNAMO_SETTINGS = {"dynamo": True, "opset_version": 18}
# An op whose symbolic starts at a later opset (aten::col2im: 18) is exported at that opset, up to this one.
MAX_TORCHSCRIPT_OPSET = 20
# A module up to this many bytes of tensors is copied before the TorchScript exporter traces it: a
# trace that fails inside the forward can leave the module unusable for the dynamo exporter
# (torchrl's MultiAgentConvNet: its parameters left batched by vmap, their tensordict locked).
SPARE_MAX_BYTES = 256 * 2**20


def input_names(module, args: tuple, kwargs: dict, torch) -> list[str] | None:
    """ONNX input names: the forward parameter names, when every input is one tensor (a flag
    such as ``use_cache=False`` is no input)."""
    params, _, _ = forward_params(module)
    flags = [v for v in kwargs.values() if not isinstance(v, torch.Tensor)]
    if not all(isinstance(v, torch.Tensor) for v in args) or len(args) > len(params) or not all(isinstance(v, (bool, int, float, str, type(None))) for v in flags):
        return None
    return [p.name for p in params[: len(args)]] + [k for k, v in kwargs.items() if isinstance(v, torch.Tensor)]


# TorchScript export failures of an op, not of the call: exporting the module itself cannot help (no second trace)
OP_LEVEL_ERRORS = ("UnsupportedOperatorError", "SymbolicValueError")


class CacheOutput(Exception):
    """The TorchScript export failed and the forward takes ``use_cache``, not given: the caller
    exports again with ``use_cache=False``, which computes the same (the keys and values; only
    the cache object is not made) before the dynamo exporter is tried, which fails on a cache
    too.  Its message: why -- the usual cause, a cache object in the output, which neither
    exporter takes, else the error (Reformer's reversible layers: "unordered_map::at", whose
    dynamo export then needs ``use_cache=False``)."""


def export_module(module, args: tuple, kwargs: dict, path: Path, names, torch, label: str, bar=None) -> tuple[str, tuple | None]:
    """Export ``module(*args, **kwargs)`` to ``path`` with the TorchScript exporter, the
    module's forward taking the tensors positionally for the while (:func:`dscost.readers.torch_forward.positional`).  On
    the forward as written, that exporter fills in its other defaults positionally, as traced
    inputs: an int default becomes a graph input the trace computes with (transformers'
    ``logits_to_keep=0``: OPT's logits for 1 token of 32), and a forward wrapper that passes one
    by keyword refuses them (transformers 5's BertModel: "got multiple values for argument
    'use_cache'").  So the forward keeps its defaults, as in an eager call.  An op the exporter
    has no symbolic for but dscost has (:func:`dscost.readers.torch_symbolics.symbolic`) gets it, registered for the rest of
    the process, and the export is tried again.  Then, when that fails but not on an op, the
    forward as written; then the dynamo exporter.  Returns what exported it, and for the dynamo
    exporter the parameters its program does not read as such (:func:`export_dynamo`).  A forward that
    returns a cache object and takes ``use_cache`` (not given) raises :class:`CacheOutput`."""
    settings = dict(EXPORT_SETTINGS, training=torch.onnx.TrainingMode.PRESERVE)
    spare = _spare(module, torch)
    tensors = [k for k, v in kwargs.items() if isinstance(v, torch.Tensor)]
    # (a TorchScript module, scripted or traced, has its signature fixed: exported as it is)
    ways = ([True] if all(isinstance(a, torch.Tensor) for a in args) and not isinstance(module, torch.jit.ScriptModule) else []) + [False]
    for op in ALWAYS:
        if op not in REGISTERED:
            register(torch, op)
    first, added = "", []  # (the symbolics registered: each tried once)
    # (a symbolic registered stays: torch's unregister leaves an empty entry, on which a later
    #  export of the op fails with "min() arg is an empty sequence")
    for by_position in ways:
        while True:
            try:
                if by_position:
                    with positional(module, len(args), tensors, {k: v for k, v in kwargs.items() if k not in tensors}):
                        torch.onnx.export(module, (*args, *(kwargs[k] for k in tensors)), str(path), input_names=names, **settings)
                else:
                    torch.onnx.export(module, args, str(path), kwargs=kwargs or None, input_names=names, **settings)
                return f"TorchScript exporter, opset {settings['opset_version']}, BatchNorm kept", None
            except Exception as err:
                op, op_level = missing_symbolic(err, added), type(err).__name__ in OP_LEVEL_ERRORS
                later = re.search(r"Support for this operator was added in version (\d+)", message(err))
                at = int(later[1]) if later else FIRST_OPSET.get(op, 0)  # (F.fold: Col2Im, from 18; an antialiased resize: Resize's antialias, 18)
                if settings["opset_version"] < at <= MAX_TORCHSCRIPT_OPSET:
                    first, settings["opset_version"] = first or first_line(err), at
                    if op:  # (dscost's symbolic of it, from that opset: aten::col2im)
                        register(torch, op)
                        added.append(op)
                    continue
                if op is None:
                    at = settings["opset_version"]
                    if at > EXPORT_SETTINGS["opset_version"] and f"; at opset {at}" not in first:  # (first: the failure at 17)
                        first += f"; at opset {at}: {first_line(err)}"
                    first = first or first_line(err)
                    break
            register(torch, op)
            added.append(op)
        if op_level:  # (the forward as written would fail on the same op)
            break
    converted = ""
    if isinstance(module, torch.jit.ScriptModule):  # (which the dynamo exporter refuses: made a torch.export program first)
        program, converted = _converted(module, args, kwargs, torch)
        if program is not None:  # (converted: what it is; else why not, for the error below)
            if bar is not None:
                bar.stage("exporting to ONNX (the ScriptModule converted)")
            exporter, unread = export_module(program, args, kwargs, path, names, torch, label, bar)
            return f"{exporter}, from {converted} (as it is: {first.rstrip('.')})", unread
    if (retry := cache_retry(module, kwargs, torch, first, "the TorchScript exporter")) is not None:
        raise retry
    if bar is not None:
        bar.stage("exporting to ONNX (dynamo exporter)")
    try:  # (torch's default exporter since 2.9: it takes ops the TorchScript one has no symbolic for)
        unread = export_dynamo(module if spare is None else spare, args, kwargs, path, names, torch)
    except Exception as err2:
        why = re.sub(r"\x1b\[[0-9;]*m|\\x1b\[[0-9;]*m", "", first_line(err2)).split(" This is step")[0]  # (its ANSI colours)
        inner = innermost(err2)
        if inner is not err2 and why.startswith("TorchExportError: Failed to export the model with torch.export"):  # (what torch.export said)
            why = f"{why.rstrip('.')}: {first_line(inner)}"
        elif err2.__cause__ is not None and why.startswith("ConversionError: Failed to convert"):  # (the node it could not translate)
            why = f"{why.rstrip('. ')}: {first_line(err2.__cause__)}"
        if "FlexAttention" in why or "flex_attention" in why:  # (its advice, requires_grad=False, does not help: no exporter translates the op)
            why = why.rstrip(". ") + "; flex attention exports with neither exporter: count it with scaled_dot_product_attention (transformers: attn_implementation='sdpa'), which does the same work"
        raise fail(f"{label}: torch.onnx.export failed: {first.rstrip('.')}{converted}; the dynamo exporter too: {why}", err2) from None
    return dynamo_note(f"the TorchScript exporter failed ({first})"), unread


def cache_retry(module, kwargs: dict, torch, first: str, exporter: str) -> CacheOutput | None:
    """The :class:`CacheOutput` to raise when ``exporter`` failed (``first``: why) on a forward that
    takes ``use_cache``, not given; else None."""
    saved = (torch.fx.GraphModule, *(c for c in (getattr(torch.export, "UnflattenedModule", None),) if c))  # (a .pt2's: *args, **kwargs)
    if "use_cache" in kwargs or isinstance(module, saved):
        return None
    params, _, var_kw = forward_params(module)  # (a forward may take use_cache through **kwargs)
    cache = re.search(r"unsupported type: (\w*Cache)\b|<class '(?:[\w.]*\.)?(\w*Cache)'>", first)  # (the dynamo exporter: "Found <class '...DynamicCache'> in output")
    takes = var_kw and (cache or hasattr(getattr(module, "config", None), "use_cache"))  # (through **kwargs: a model with a cache, not ViLT's)
    if not (takes or any(p.name == "use_cache" for p in params)):
        return None
    return CacheOutput(f"it returned a cache object ({cache[1] or cache[2]}), which torch's exporters do not take" if cache else
                       f"{exporter} failed without it ({first})")  # fmt: skip


def _converted(module, args: tuple, kwargs: dict, torch) -> tuple[object | None, str]:
    """A module that computes as the ScriptModule ``module`` does at these inputs, its parameters
    under their names, and what it is; or None and why not, for the error.  First the module of
    the torch.export program torch's TorchScript converter (``torch._export.converter.
    TS2EPConverter``) makes of it: a traced or loaded module whose graph the TorchScript exporter
    cannot lower without shapes (nn.MultiheadAttention: "transpose for tensor of unknown rank"; a
    dict output) counts so (round 51: refused); then, where the converter refuses its control flow
    (a scripted module's ``if``: prim::If), :func:`_traced_through` one run of it."""
    try:
        from torch._export.converter import TS2EPConverter

        return TS2EPConverter(module, tuple(args), dict(kwargs) or None).convert().module(), "the torch.export program torch's TorchScript converter made of it"
    except Exception as err:  # (ImportError: not in this torch)
        why = f"; as a torch.export program made by torch's TorchScript converter: {first_line(err)}"
    try:
        return _traced_through(module, args, kwargs, torch), "the aten ops one run of it makes at these inputs (make_fx: its ifs and loops decided by them)"
    except Exception as err:
        return None, f"{why}; traced through one run of it (make_fx): {first_line(err)}"


def _traced_through(module, args: tuple, kwargs: dict, torch):
    """A GraphModule of the aten ops one run of the ScriptModule ``module`` makes at these inputs
    (``make_fx``: its ``if``s and loops decided by them, as a trace decides a module's), its
    constants renamed to the module's parameters and buffers of the same storage, and two ops
    the TorchScript exporter has no symbolic for written as ones it has (``_unsafe_view`` as
    ``reshape``, an eval ``native_batch_norm`` as core ATen's).  A scripted nn.MultiheadAttention,
    whose ``if``s the converter refuses (round 51).  A tensor of more than one element that is
    none of them (a frozen module's weights, which the TorchScript exporter writes as constants
    of the graph, buffers) is refused: it would count as a parameter."""
    from torch.fx.experimental.proxy_tensor import make_fx

    if any(isinstance(v, torch.Tensor) for v in kwargs.values()):
        raise ValueError("tensors given by keyword")
    graph = make_fx(lambda *a: module(*a, **kwargs))(*args)
    held = {}
    for kind, tensors in ((False, module.named_buffers()), (True, module.named_parameters())):
        for name, t in tensors:
            held[(t.data_ptr(), tuple(t.shape), t.dtype)] = (name, kind)
    aten, root = torch.ops.aten, {}
    for node in graph.graph.nodes:
        if node.op == "get_attr":
            t = getattr(graph, node.target)
            name, learned = held.get((t.data_ptr(), tuple(t.shape), t.dtype), (node.target, False)) if isinstance(t, torch.Tensor) else (node.target, False)
            if name == node.target and isinstance(t, torch.Tensor) and t.numel() > 1:  # (a frozen module's weights: constants of its graph)
                raise ValueError(f"a tensor of its run ({tuple(t.shape)}) is none of its parameters or buffers")
            node.target = name
            root[name] = torch.nn.Parameter(t, requires_grad=False) if learned else t
        elif node.op == "call_function" and node.target is aten._unsafe_view.default:
            node.target = aten.reshape.default
        elif node.op == "call_function" and node.target is aten.native_batch_norm.default and len(node.args) == 8 and node.args[5] is False:
            node.target, node.args = aten._native_batch_norm_legit_no_training.default, (*node.args[:5], *node.args[6:])
    return torch.fx.GraphModule(root, graph.graph)


def _spare(module, torch):
    """A deep copy of ``module`` for the dynamo exporter, taken before the TorchScript exporter
    traces it (:data:`SPARE_MAX_BYTES`); None when it is larger, holds tensors off the CPU, or
    cannot be copied."""
    import copy

    size = 0
    for t in (*module.parameters(), *module.buffers()):
        if t.device.type != "cpu":
            return None
        size += t.numel() * t.element_size()
    if size > SPARE_MAX_BYTES:
        return None
    try:
        return copy.deepcopy(module)
    except Exception:  # (an attribute that cannot be copied: a lock, an open file, a C++ handle)
        return None


def innermost(err: BaseException) -> BaseException:
    """The exception at the bottom of ``err``'s chain of causes (``raise ... from``).  Not what an
    exception was raised while handling: that may be an unrelated one (torch 2.5's torch.export,
    handling an IndexError of its own, raises the reason it could not export; the use_cache retry)."""
    seen = {id(err)}
    while (below := err.__cause__) is not None and id(below) not in seen:
        seen.add(id(below))
        err = below
    return err


def export_dynamo(module, args: tuple, kwargs: dict, path: Path, names, torch) -> tuple[list, list]:
    """Export with the dynamo exporter; returns the module's parameters its program never reads and
    those it reads as lifted constants (:func:`unread_params`)."""
    program = torch.onnx.export(module, args, kwargs=kwargs or None, input_names=names, **DYNAMO_SETTINGS)
    scoped_names(program.model)
    program.save(str(path))
    return unread_params(module, getattr(program, "exported_program", None))


def unread_params(module, exported) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(name, elements) of each parameter tensor of ``module`` that the ``torch.export`` program
    ``exported`` never reads as a parameter: no input of its signature names it (torch 2.5 lifts
    only what the forward uses), or its placeholder has no users (torch 2.14 lifts them all); a
    shared tensor is read when any of its names is.  Split in two: those it never reads, and those
    it reads as a constant it lifted (``lifted_tensor_N``: the forward reached them through a plain
    dict or list, not the module's attribute), which share a constant's storage.  The ONNX file
    cannot tell the first from the parameters the exporter merges (one tensor kept of equal ones),
    nor the second from buffers.  Both [] when the program's names are not the module's."""
    if exported is None:
        return [], []
    users = {node.name: len(node.users) for node in exported.graph.nodes if node.op == "placeholder"}
    specs = [(spec.target, users.get(spec.arg.name, 0)) for spec in exported.graph_signature.input_specs if spec.kind.name == "PARAMETER"]
    groups = param_groups(module)
    if not {target for target, _ in specs} <= {name for _, names in groups for name in names}:
        return [], []
    read = {target for target, used in specs if used}
    lifted = {_stored(t) for t in (getattr(exported, "constants", None) or {}).values() if hasattr(t, "data_ptr")} - {None}
    unread, as_constants = [], []
    for p, names in groups:
        if not read.intersection(names):
            (as_constants if _stored(p) in lifted else unread).append((names[0], p.numel()))
    return unread, as_constants


def _stored(t) -> tuple | None:
    """(data pointer, shape) of a tensor; None for one without storage, which has no pointer (a
    sparse COO tensor: openai-whisper's ``alignment_heads`` buffer)."""
    try:
        return t.data_ptr(), tuple(t.shape)
    except RuntimeError:  # ("Cannot access data pointer of Tensor that doesn't have storage")
        return None


def param_groups(module) -> list[tuple]:
    """(tensor, its names) of each parameter tensor of ``module``: a shared one once, under all its
    names; only those its ``parameters()`` gives, which torch's ``sum(p.numel())`` counts (a module
    may leave some out: magvit2-pytorch's VideoTokenizer, its GAN discriminator)."""
    groups: dict[int, tuple] = {}
    for name, p in module.named_parameters(remove_duplicate=False):
        groups.setdefault(id(p), (p, []))[1].append(name)
    try:
        counted = {id(p) for p in module.parameters()}
    except Exception:  # (an override that fails: every parameter)
        counted = set(groups)
    return [group for key, group in groups.items() if key in counted]


def dynamo_note(why: str) -> str:
    return f"dynamo exporter, opset {DYNAMO_SETTINGS['opset_version']}, as {why}: it folds BatchNorm into the convs and rewrites parameters, see the README"
