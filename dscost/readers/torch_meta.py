"""A module on the meta device (``with torch.device("meta"): model = ...``): tensors with shapes and
no values, the way a large model is built without its memory (transformers' ``from_config`` under
``torch.device("meta")``, accelerate's ``init_empty_weights``).

Counting needs only the shapes.  The dynamo exporter traces such a module on fake tensors; its
optimizer is left out (it folds constants, which have no values here, so BatchNorm stays a node of
its own), and the program is written with each initializer as external data in a file that does
not exist (:data:`WEIGHTS`): the ONNX reader reads a tensor's shape and type, never its bytes.  The
forward's inputs go to the meta device too.  What needs values is refused: ``--measure-sizes``
and ``bench`` (a run).  A module with some tensors on the meta device and some not is counted on a
copy with all of them there (:func:`on_meta`)."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

from dscost.errors import InputError
from dscost.readers.handlers import few
from dscost.readers.torch_export import cache_retry, innermost
from dscost.readers.torch_names import scoped_names
from dscost.readers.torch_run import fail, first_line

# The external-data file each initializer of the exported program names; never written, never read
WEIGHTS = "meta-device-weights.bin"
OPSET = 18
# At most this many bytes of values are copied to count a module partly on the meta device
COPY_BYTES = 256 << 20


def on_meta(module, label: str) -> tuple[object, str | None] | None:
    """None when none of ``module``'s tensors is on the meta device; else the module to count and a
    note: ``module`` itself when all are; when some are not (transformers builds a few with an
    explicit device: Wav2Vec2's ``masked_spec_embed`` on the CPU under ``torch.device("meta")``),
    a copy of it with those moved to the meta device too (torch traces a module on one device;
    the user's module is left as it is), said in the note -- or an InputError naming one of each
    where that copy would hold more than :data:`COPY_BYTES` of values, or cannot be made."""
    meta, other = [], []
    for name, t in (*module.named_parameters(), *module.named_buffers()):
        (meta if t.is_meta else other).append((name, t))
    if not meta:
        return None
    if not other:
        return module, None
    held = sum(t.numel() * t.element_size() for _, t in other)
    refused = (f"{label}: some of its tensors are on the meta device ({meta[0][0]!r}) and some are not ({other[0][0]!r} on {other[0][1].device}); "
               f"torch traces a module on one device: move them all to the meta device or give them all memory")  # fmt: skip
    if held > COPY_BYTES:
        raise InputError(refused)
    try:
        copy = deepcopy(module).to("meta")
    except Exception:  # (a module that cannot be copied: said as the mix it is)
        raise InputError(refused) from None
    names = [name for name, _ in other]
    return copy, f"{len(names)} of the module's tensors were not on the meta device ({few(map(repr, names))}): counted on a copy with them there too"


def to_meta(value, torch, depth: int = 0):
    """``value`` with each tensor in it (in tuples, lists and dicts, 8 deep) on the meta device."""
    if isinstance(value, torch.Tensor):
        return value if value.is_meta else value.to("meta")
    if depth < 8 and type(value) in (tuple, list):
        return type(value)(to_meta(v, torch, depth + 1) for v in value)
    if depth < 8 and type(value) is dict:
        return {k: to_meta(v, torch, depth + 1) for k, v in value.items()}
    return value


def export_meta(module, args: tuple, kwargs: dict, path: Path, names, torch, label: str, bar=None) -> tuple[str, None]:
    """Export the meta-device module to ``path`` (see the module docstring), as
    :func:`~dscost.readers.torch_export.export_module` does a module with values: returns the
    exporter's description (and None: the parameters a program does not read are found by name)."""
    try:
        program = torch.onnx.export(module, args, kwargs=kwargs or None, input_names=names, dynamo=True, opset_version=OPSET, optimize=False)
    except Exception as err:
        why = first_line(innermost(err))
        if (retry := cache_retry(module, kwargs, torch, why, "the dynamo exporter")) is not None:
            raise retry from None
        raise fail(f"{label}: torch.onnx.export on the meta device (dynamo exporter) failed: {why}", err) from None
    model = program.model
    ir = _ir(model)
    scoped_names(model)
    for name, value in model.graph.initializers.items():
        nbytes = value.const_value.nbytes if value.const_value is not None else 0
        value.const_value = ir.ExternalTensor(location=WEIGHTS, offset=0, length=nbytes, dtype=value.dtype, shape=value.shape, name=name)
    _drop_zero_biases(model.graph)
    for node in ir.traversal.RecursiveGraphIterator(model.graph):  # (torch 2.5's, left unoptimized, holds keepdims=True: INT attributes as ints)
        for key, attr in list(node.attributes.items()):
            if isinstance(attr.value, bool) and attr.type == ir.AttributeType.INT:
                node.attributes[key] = ir.AttrInt64(key, int(attr.value))
    Path(path).write_bytes(ir.serde.serialize_model(model).SerializeToString())
    return f"dynamo exporter, opset {OPSET}, on the meta device, without its optimizer, which folds values that meta tensors lack: BatchNorm kept", None


def _drop_zero_biases(graph) -> None:
    """A bias-less conv's bias, which the optimizer would fold away, dropped with the nodes that
    made it and nothing else (:func:`_zeros`): the conv has none, as the module's has, and its
    layer is named after its module alone, as with values."""
    outputs = {id(v) for v in graph.outputs}
    for node in list(graph):
        if node.op_type in ("Conv", "ConvTranspose") and node.domain in ("", "ai.onnx") and len(node.inputs) == 3 and _zeros(node.inputs[2]):
            made = [node.inputs[2].producer()]
            node.replace_input_with(2, None)
            while made:
                maker = made.pop()
                if maker is None or maker.graph is not graph or any(v.uses() or id(v) in outputs for v in maker.outputs):
                    continue
                made.extend(v.producer() for v in maker.inputs if v is not None)
                graph.remove(maker, safe=True)


def _zeros(value, depth: int = 0) -> bool:
    """Whether ``value`` is zeros the program makes at run time: a scalar Constant of 0 through
    ``CastLike``, ``Cast`` and ``Expand`` (the exporter's bias for a conv that has none:
    ``Expand(CastLike(0.0, x), Shape(W)[:1])``), which only the optimizer would fold away."""
    node = value.producer() if value is not None else None
    if node is None or depth > 4 or node.domain not in ("", "ai.onnx"):
        return False
    if node.op_type in ("CastLike", "Cast", "Expand"):
        return _zeros(node.inputs[0], depth + 1)
    if node.op_type != "Constant" or "value" not in node.attributes:
        return False
    try:
        array = node.attributes["value"].value.numpy()
    except Exception:  # (a tensor without values: not known to be zero)
        return False
    return array.size == 1 and not array.any()


def _ir(model):
    """The onnx IR package of the exporter's model (``onnx_ir``; ``onnxscript.ir`` before it was one)."""
    import importlib

    return importlib.import_module(type(model).__module__.split("._", 1)[0])


def meta_notes(notes: list[str]) -> list[str]:
    """The reader's notes, its line on the missing external data replaced by what it means here."""
    said = "the module is on the meta device: its tensors have shapes and no values, so it is counted from the shapes (nothing was run)"
    return [said if note.startswith("external data in ") and WEIGHTS in note else note for note in notes]


def built_on_meta(factory, torch, /, *args, **kwargs):
    """What ``factory(*args, **kwargs)`` returns, called under ``torch.device("meta")`` (``--meta``, a
    Hugging Face config's model): the tensors it creates -- those of modules it imports for the first
    time too -- have shapes and no values, and no memory is given to its weights."""
    with torch.device("meta"):
        return factory(*args, **kwargs)


def off_meta_note(module) -> str | None:
    """``--meta``: the note for a module none of whose tensors the factory put on the meta device
    (it gives them a device of its own, or loads them): counted as built.  None otherwise."""
    tensors = [t for _, t in (*module.named_parameters(), *module.named_buffers())]
    if not tensors or any(t.is_meta for t in tensors):
        return None
    return (f"--meta: the factory built none of the module's tensors on the meta device (they are on {tensors[0].device}: it chooses their device itself, "
            "or loads them); counted as built, with their values")
