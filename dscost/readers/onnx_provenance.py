"""Where the initializers of a dynamo export came from, as the exporter records it.

torch.onnx's dynamo exporter (torch's default since 2.9) writes, in the metadata of each
initializer's value_info, what it was in the exported program: a parameter or a buffer of the
module (``pkg.torch.export.graph_signature.InputSpec.kind``: ``PARAMETER``, ``BUFFER``...), or,
for a tensor its optimizer computed at export time, the values it was folded from
(``pkg.onnxscript.optimizer.folded_from``).  A folded tensor is a learned parameter when one of
those is a parameter (a weight transposed for a MatMul); else it is a constant the forward
computes -- a causal mask, TAPAS's 65,536 zeros, and given the module a rotary table -- stored,
not learned, as the module's buffers are.  A source the file no longer holds is known by its name
alone: the exporter names its own values after the op that made them (``val_17``, ``arange_3``,
``unsqueeze_7``: :data:`OPS`).  The graph's metadata holds the exported program's signature, which
names every parameter: a source it does not name as one is not learned (onnxscript's own values
are named after the variables of its functions, ``xs_0``, ``threshold``, ``const_3``, and after ops
:data:`OPS` does not list).  In a file without the signature, any name not made by an op
(``layers.0.q_proj.weight``, ``cls_token``) is taken for a parameter.  Exporting a module, dscost
knows every name of its parameters: a source that is none of them (the ``alpha`` of
``torch.addbmm(..., alpha=2)``, a scalar argument) is not learned.  Files without that metadata
are read as before.
"""

from __future__ import annotations

import re
from math import prod

from dscost.readers.handlers import few

KIND = "pkg.torch.export.graph_signature.InputSpec.kind"
FOLDED = "pkg.onnxscript.optimizer.folded_from"
SIGNATURE = "pkg.torch.export.ExportedProgram.graph_signature"  # (the graph's: every input of the program, "p_w: PARAMETER target='w'")
MARKS = (KIND.encode(), FOLDED.encode(), SIGNATURE.encode())
SIGNED = re.compile(r"^\S+: ([A-Z_]+) target='([^'\n]*)'", re.M)
# The ops whose results the exporter folds into constants (torch.export names a value after its op, ``add_2``)
OPS = frozenset(
    "val arange zeros ones full empty new_ones new_zeros new_full zeros_like ones_like full_like empty_like scalar_tensor lift_fresh_copy "
    "expand expand_as unsqueeze squeeze view view_as reshape permute transpose t contiguous clone detach alias slice select getitem index "
    "index_select gather narrow unbind split chunk cat stack repeat tile flatten flip roll pad add sub rsub mul div true_divide floor_divide "
    "remainder neg reciprocal pow sqrt rsqrt square exp log cos sin tanh atan2 erf sigmoid relu abs sign floor ceil round clamp clamp_min "
    "clamp_max minimum maximum max min amax amin sum mean prod cumsum where masked_fill ge gt le lt eq ne logical_and logical_or logical_not "
    "bitwise_and bitwise_or bitwise_not isnan isinf any all triu tril linspace meshgrid outer einsum matmul mm bmm baddbmm addmm fill copy "
    "to to_copy type_as float int long bool sym_size bucketize searchsorted diff embedding softmax topk sort "
    # an in-place write and what it writes (MONAI's SwinUNETR builds its shifted-window mask so: img_mask[..., d, h, w, :] = cnt)
    "slice_scatter select_scatter index_put scatter scatter_add masked_scatter index_fill index_copy shape value "
    # a layer's output, whose shape a constant is made for (an InstanceNorm without affine: ones and zeros of its channels)
    "convolution conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d linear layer_norm group_norm batch_norm "
    "instance_norm native_layer_norm native_group_norm native_batch_norm subtract convert_element_type".split()
)
OVERLOAD = re.compile(r"_(?:default|Tensor|Scalar|tensor|scalar|int|dim|self)(?=(?:_\d+)?$)")  # (aten.scalar_tensor.default: scalar_tensor_default)
ZEROS = frozenset(("zeros", "new_zeros", "zeros_like"))  # (the ops that make a zero tensor: an RNN's h0 when none is given)
# The ops that take a part of a tensor: tensors folded from one parameter through different such values are different parts of it
PARTS = frozenset("select slice index index_select gather narrow unbind split chunk getitem".split())
LIFTED = re.compile(r"(?:^|\.)lifted_tensor_\d+$")
MADE = re.compile(r"_?([a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*?)(?:_\d+)*")  # (an op's name, perhaps numbers: arange_3, _to_copy_1, val_17, value_0_55, conv3d_1)  # (a file without either has no such metadata: nothing is walked)


def learned(stripped: bytes, graph, module_tensors: dict[str, bool] | None, initializers: dict,
            uniform=None) -> tuple[dict[str, bool] | None, list[str]]:
    """``module_tensors`` (a PyTorch module's parameters, True, and buffers, False, by name;
    None for a file) completed with what the metadata of ``graph``'s value_info says: each
    recorded parameter True, each buffer or constant False, each folded tensor True when folded
    from a parameter -- but one also folded from a zero tensor (``zeros``, ``new_zeros``) whose
    values are one repeated number (``uniform(name)``, read from the file): the product of a zero
    state (a bias-free RNN's first step without h0: 0 @ W_hh^T), computed, not learned (round
    48: +B x H params a layer).  What ``module_tensors`` says of a name wins.  With it, for a file, notes
    on the ``initializers`` that are constants torch.export lifted (:func:`lifted_note`) and on the
    parameters of the program the file does not hold (:func:`unheld_note`)."""
    if not any(mark in stripped for mark in MARKS):
        return module_tensors, []
    import ast

    kinds: dict[str, str] = {}
    folded: dict[str, str] = {}
    signed: dict[tuple[str, str], None] = {}  # (target, kind) of the program's inputs, in its order
    for vi in (*graph.input, *graph.value_info):
        for p in vi.metadata_props:
            if p.key == KIND:
                kinds[vi.name] = p.value
            elif p.key == FOLDED:
                folded[vi.name] = p.value
    for p in getattr(graph, "metadata_props", ()):  # (the program's signature names the buffers folded away too: a rotary table's inv_freq)
        if p.key == SIGNATURE and isinstance(p.value, str):
            signed.update(dict.fromkeys((target, kind) for kind, target in SIGNED.findall(p.value)))
    params = {n for n, k in (*kinds.items(), *signed) if k == "PARAMETER"} | {n for n, v in (module_tensors or {}).items() if v}
    stored = {n for n, k in (*kinds.items(), *signed) if k != "PARAMETER"} | {n for n, v in (module_tensors or {}).items() if not v}
    out = {n: k == "PARAMETER" for n, k in kinds.items()}
    guess = module_tensors is None and not signed  # (no list of the parameters: a name not made by an op is taken for one)
    sourced: set[str] = set()  # (every tensor a folded one came from)
    # (a parameter, the parts taken on the way) -> the tensors folded from it alone so (log_std: log(exp(.)) and 2 * exp(.) ** 2;
    #  a rotary table's cos and sin of the same slice of positions x freqs; not crossnet's kernels, each its own select of one)
    singles: dict[tuple[str, frozenset], list[str]] = {}
    held = {n for n, k in kinds.items() if k == "PARAMETER" and n in initializers}
    copies: dict[str, str] = {}  # a folded tensor counted as a buffer -> the parameters it comes from, counted otherwise
    several: dict[str, set[str]] = {}  # a tensor folded from several parameters -> those
    bounds: dict[str, frozenset] = {}  # a tensor folded from one parameter -> the exporter's own values it was folded with (val_N)
    zero_state: dict[str, str] = {}  # a tensor folded from parameters and a zero tensor, of one value -> those parameters
    for name, text in folded.items():
        try:
            sources = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):  # (not the exporter's list: left as a file's)
            continue
        if isinstance(sources, (list, tuple)):
            learned_from = {s for s in sources if isinstance(s, str) and (s in params or (guess and s not in stored and not _made_by_an_op(s)))}
            if learned_from and uniform is not None and name in initializers and any(isinstance(s, str) and _made_by(s) in ZEROS for s in sources) \
                    and uniform(name):  # fmt: skip
                zero_state[name] = ", ".join(sorted(learned_from))
                out[name] = False
                continue
            out[name] = bool(learned_from)
            if learned_from and learned_from <= held:  # (of parameters the file holds: a tied head's transposed embedding, snntorch's first recurrent step)
                copies[name] = ", ".join(sorted(learned_from))
            elif len(learned_from) == 1:
                parts = frozenset(s for s in sources if isinstance(s, str) and _made_by(s) in PARTS)
                singles.setdefault((next(iter(learned_from)), parts), []).append(name)
                bounds[name] = frozenset(s for s in sources if isinstance(s, str) and _made_by(s) == "val")
            elif learned_from:
                several[name] = learned_from
            sourced.update(s for s in sources if isinstance(s, str))
    copies.update(_copies(singles, bounds, initializers))
    # of several parameters each held or folded whole into a tensor of its own (round 26: block-recurrent-transformer's
    # (1 - sigmoid(beta)) * init_state, beside sigmoid(beta) and the init_state a state's Add reads)
    whole = held | {param for param, parts in singles if not parts}
    copies.update((name, ", ".join(sorted(sources))) for name, sources in several.items() if sources <= whole)
    out.update(dict.fromkeys(copies, False))
    note = [] if module_tensors is not None else (  # (a module's export says this its own way: torch_reader)
        lifted_note([n for n, k in (*kinds.items(), *signed) if k == "CONSTANT_TENSOR"], initializers)
        + unheld_note([t for t, k in signed if k == "PARAMETER" and t not in initializers and t not in sourced])
        + copies_note(copies) + zero_state_note(zero_state))
    if not out:
        return module_tensors, note
    merged = {**out, **(module_tensors or {})}
    quantized = _quantized_buffers(graph, merged, initializers)
    merged.update(dict.fromkeys(quantized, True))
    return merged, note + quantized_note(quantized)


QUANTIZED_TYPES = frozenset({2, 3, 4, 5, 6, 17, 21, 22})  # TensorProto UINT8, INT8, UINT16, INT16, INT32, FLOAT8E4M3FN, UINT4, INT4


def _quantized_buffers(graph, learned: dict[str, bool], initializers: dict) -> list[str]:
    """The buffers of integer (or float8) type that a DequantizeLinear reads: torch's
    ``convert_pt2e`` folds each quantized weight (and bias) into such a buffer (``_frozen_param0``),
    so the exported program's signature says BUFFER of what its float twin calls a parameter."""
    stored = {n for n, v in learned.items() if v is False and getattr(initializers.get(n), "dtype", None) in QUANTIZED_TYPES}
    if not stored:  # (a float file's buffers: no walk over its nodes)
        return []
    return sorted({n.input[0] for n in graph.node if n.op_type == "DequantizeLinear" and n.input and n.input[0] in stored})


def quantized_note(names: list[str]) -> list[str]:
    if not names:
        return []
    return [f"{len(names)} quantized tensor(s) the exported program calls buffers ({few(names)}) are read by DequantizeLinear "
            f"as weights: torch's convert_pt2e folds each quantized weight into a buffer; counted as the parameters they quantize"]  # fmt: skip


def unheld_note(names: list[str]) -> list[str]:
    """A note on the parameters the program's signature names that the file neither holds nor
    records a tensor folded from: dscost counts fewer params than torch (a BatchNorm folded into
    its conv leaves no record; nor do equal tensors merged into one, or a parameter never read)."""
    names = list(dict.fromkeys(names))
    if not names:
        return []
    return [f"the exported program's signature names {len(names)} parameter tensor(s) this file does not hold ({few(names)}): the exporter folded "
            f"them into others (a BatchNorm into its conv's weights) or merged equal ones, or the forward does not read them, or reads them "
            f"by another name (a module registered under two, as the signature lists it); torch's sum(p.numel()) counts each tensor once "
            f"whatever its names, dscost counts the file's"]  # fmt: skip


def _copies(singles: dict[tuple[str, frozenset], list[str]], bounds: dict[str, frozenset], initializers: dict) -> dict[str, str]:
    """Of the tensors folded from one parameter the file does not hold through the same parts of
    it (the same ``select`` and ``slice`` values, or none), all but the largest, each with that
    parameter: torch counts the parameter once.  Where every one of them was folded with values of
    the exporter's own (``val_N``: the starts and ends of the Slices ``unbind`` and ``split``
    become) and all are of one size, those tell the parts apart: a (27, 4, 32) weight unbound into
    27 slices is 27 parts, not one part and 26 copies (round 37, a sparse 3-D conv); a table and
    its copy expanded over the batch differ in their values (the shape) and in size (round 30,
    pyro's spline: a copy).  A tensor the exporter named after the op taking a part (``select_2``,
    ``slice_1``: :data:`PARTS`) is a part of its own, whatever values it shares with the others:
    PC-DARTS' scalars ``w[0]`` and ``w[2]`` of ``cat(softmax(b[0:2]), softmax(b[2:5]))`` share every
    value once the optimizer merged index 2 with the bound 2 (round 39).  (A tensor folded from several is a copy only when each of them is
    held or folded whole on its own, :func:`learned`: else it holds a part no other does -- DoRA's
    weight norm beside its lora_A; brevitas' LSTM weights, each folded from both through the scale
    their statistics share.)"""
    size = lambda n: prod(getattr(initializers.get(n), "dims", ()) or ())  # noqa: E731
    copies = {}
    for (param, _), names in singles.items():
        if len(names) > 1 and all(bounds.get(n) for n in names) and len({size(n) for n in names}) == 1:  # (a copy of one part has the same bounds: cos and sin of one slice)
            groups: dict[frozenset, list[str]] = {}
            for n in names:
                groups.setdefault(bounds[n], []).append(n)
        else:
            groups = {frozenset(): names}
        for group in groups.values():
            takes = {n for n in group if _made_by(n) in PARTS}  # (each its own part: the exporter leaves no two equal takes)
            kept = takes or {max(group, key=size)}
            copies.update((n, param) for n in group if n not in kept)
    return copies


def zero_state_note(folded: dict[str, str]) -> list[str]:
    """A note on the tensors :func:`learned` found folded from parameters and a zero tensor, of one value."""
    if not folded:
        return []
    return [f"{len(folded)} initializer(s) the exporter folded from parameters and a zero tensor hold one repeated value "
            f"({few(f'{n} from {s}' for n, s in folded.items())}): the product of a zero state (a recurrence's first step without an "
            f"initial state), computed at export, not learned; counted as buffers"]  # fmt: skip


def copies_note(copies: dict[str, str]) -> list[str]:
    """A note on the folded tensors :func:`learned` counts as buffers, each with the parameters it
    comes from, counted otherwise (held, or folded into another tensor): torch counts each parameter once."""
    if not copies:
        return []
    return [f"{len(copies)} initializer(s) the exporter folded from parameters counted already ({few(f'{n} from {s}' for n, s in copies.items())}), "
            f"counted as buffers: each parameter is counted once"]


def lifted_note(constants: list[str], initializers: dict) -> list[str]:
    """A note on the ``constants`` (the program's CONSTANT_TENSOR inputs) that the file holds as
    initializers: torch.export lifts a tensor the forward builds (Swin's shifted-window mask) so,
    and a parameter the forward reaches other than as a module attribute (through a plain dict) --
    the file cannot tell the two apart; the module's own export can (``unread_params``)."""
    held = [n for n in dict.fromkeys(constants) if n in initializers]
    if not held:
        return []
    size = lambda n: prod(initializers[n].dims)  # noqa: E731
    return [f"{len(held)} initializer(s) are constants torch.export lifted out of the forward ({few(f'{n}: {size(n):,} elements' for n in held)}), "
            f"counted as buffers, not parameters: a tensor the forward builds, or a parameter it reaches other than as a module attribute "
            f"(through a plain dict or list), which the file cannot tell apart; dscost.analyze on the module names such parameters"]  # fmt: skip


def notes(provenance: dict[str, list[str]], literal_weights: list[str]) -> list[str]:
    """The reader's notes on where parameters came from: ``provenance``, the layers counting
    parameter tensors that are not initializers by where those come from (Constant nodes, a
    node's outputs, graph inputs); ``literal_weights``, the layers whose weights are literals."""
    out = []
    for kind, names in provenance.items():
        how = "counted once, by the initializers they are computed from" if kind.endswith("node outputs") else "counted from their inferred shapes"
        out.append(f"{len(names)} parameter tensor(s) come from {kind}, not initializers; {how} ({few(dict.fromkeys(names))}; JSON layer notes name each tensor)")
    if literal_weights:
        out.append(f"the weights of {len(literal_weights)} layer(s) ({few(literal_weights)}) are literals (one repeated value, or computed from shapes only: "
                   f"ConstantOfShape), not parameters, so not counted; a file whose weights were stripped this way counts none")  # fmt: skip
    return out


def _made_by(name: str) -> str | None:
    """The op a name the exporter gave a value it computed names (``select_2``: select), else None."""
    for n in (name, OVERLOAD.sub("", name)):
        if (m := MADE.fullmatch(n)) is not None and m.group(1) in OPS:
            return m.group(1)
    return None


def _made_by_an_op(name: str) -> bool:
    """Whether ``name`` is one the exporter gives a value it computed: an op's name, perhaps with
    its overload and a number (``arange_3``, ``_to_copy_1``, ``val_17``, ``scalar_tensor_default_6``);
    or a tensor literal of the forward, which torch.export lifts (``features.1.attn.lifted_tensor_0``:
    Swin's shifted-window mask)."""
    return LIFTED.search(name) is not None or _made_by(name) is not None
