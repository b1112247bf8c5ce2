"""Layer names of a PyTorch export: torch.onnx's node names (``/features/features.0/features.0.0/Conv``)
shortened to the module paths they come from (``features.0.0``), as the module's user knows them."""

from __future__ import annotations

import ast
import re
from dataclasses import replace

from dscost.layers import Model


SCOPES = "pkg.torch.onnx.name_scopes"
DYNAMO_ROOT = re.compile(r"^L\['\w+'\](\.|$)")  # (torch 2.5 traces some modules as a function's argument: "L['fn'].stem")
INDEX = re.compile(r"\[(\d+)\]")  # (torch 2.5: "L['fn'].enc.layers[0]")
GETATTR = re.compile(r"getattr\(([^()]+), '([^']+)'\)")  # (torch 2.5: "getattr(L['fn'], 'block1-0')")
MODULE_NAME = re.compile(r"[^/\s'\"\[\]]+")  # (any attribute name a module may have: RegNet's 'block1-0'; no slash, quote or bracket)


def scoped_names(model) -> None:
    """Name each node of the dynamo exporter's program (an onnx IR model) as the TorchScript
    exporter names its nodes: its module scopes, each relative to the one before, and op
    (``/features/0/0/Conv``, ``/model/layers.0/self_attn/q_proj/MatMul``;
    a repeat gets ``_1``, ``_2``...), from the scopes the exporter records in each node's
    metadata (``['', 'features', 'features.0', 'features.0.0', 'conv2d']``: the last, the op's own,
    left out), so that :func:`module_path_names` shortens them to module paths as it does the
    TorchScript exporter's.  Its own names (``node_conv2d_3``) say no module.  A node without
    scopes keeps its name (which starts with ``node_``: none of these)."""
    seen: dict[str, int] = {}
    for node in model.graph:
        try:
            scopes = ast.literal_eval(node.metadata_props.get(SCOPES, "None"))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
        if not isinstance(scopes, list) or len(scopes) < 2 or not all(isinstance(s, str) for s in scopes):
            continue
        scopes = [s for s in (DYNAMO_ROOT.sub("", _plain(s)) for s in scopes[1:-1]) if s]
        if not all(MODULE_NAME.fullmatch(s) for s in scopes):
            continue
        # (each scope is a full path, 'model.layers.0' after 'model' where the ModuleList is never called:
        #  relative to the one before, as the TorchScript exporter writes them, 'layers.0')
        relative = [s[len(before) + 1:] if before and s.startswith(before + ".") else s for before, s in zip(["", *scopes], scopes)]
        base = "/" + "/".join([*relative, node.op_type])
        k = seen[base] = seen.get(base, -1) + 1
        node.name = base if k == 0 else f"{base}_{k}"


def _plain(scope: str) -> str:
    """A torch 2.5 dynamo scope in the dotted form: ``getattr(L['fn'], 'block1-0')`` -> ``L['fn'].block1-0``,
    ``L['fn'].layers[0]`` -> ``L['fn'].layers.0``."""
    for _ in range(8):  # (nested getattr calls, innermost first)
        plain = GETATTR.sub(r"\1.\2", scope)
        if plain == scope:
            break
        scope = plain
    return INDEX.sub(r".\1", scope)


def module_path(scope: list[str]) -> str:
    """The module path of a torch.onnx scope: ``['features', 'features.5', 'block', 'block.0',
    'block.0.0']`` -> ``features.5.block.0.0``.  torch writes a child of a container as its name
    relative to the nearest non-container ancestor (``block.0``): a component whose leading parts
    repeat the end of the path so far adds only its last part."""
    path: list[str] = []
    for comp in scope:
        parts = comp.split(".")
        lead = parts[:-1]
        if lead and path[len(path) - len(lead):] == lead:
            path.append(parts[-1])
        else:
            path.extend(parts)
    return ".".join(path)


def module_path_names(names: list[str]) -> dict[str, str]:
    """Short names for torch.onnx node names ``/features/features.0/features.0.0/Conv``: the
    module path (``features.0.0``) when the node is the only one of that module (not counting
    Constant nodes: a ReLU6's Clip bounds) and the module has no child with nodes, else
    ``<module path>/<op>`` (``layer1.0/Add``; a top-level op keeps its bare name, ``Flatten``).  Names torch did not scope (``Constant_14``) stay as they are,
    and so does any name the rule would make ambiguous."""
    parsed: dict[str, tuple[str, str]] = {}
    for n in names:
        if n.startswith("/") and n.count("/") >= 1:
            comps = n[1:].split("/")
            parsed[n] = (module_path(comps[:-1]), comps[-1])
    per_path: dict[str, int] = {}  # nodes of each module, not counting the Constants of its arguments
    for path, op in parsed.values():
        per_path.setdefault(path, 0)
        if not op.startswith("Constant"):
            per_path[path] += 1
    paths = sorted(p for p, n in per_path.items() if n)
    has_child = set()
    for i, p in enumerate(paths):  # sorted: a child "p.x" follows p (before any sibling "p0")
        for q in paths[i + 1:]:
            if q.startswith(p + "."):
                has_child.add(p)
                break
            if not q.startswith(p):
                break
    if "" in per_path and len(paths) > 1:
        has_child.add("")
    out: dict[str, str] = {}
    for n in names:
        if n not in parsed:
            out[n] = n
            continue
        path, op = parsed[n]
        if path and per_path[path] == 1 and path not in has_child and not op.startswith("Constant"):
            out[n] = path
        else:
            out[n] = f"{path}/{op}" if path else op
    counts: dict[str, int] = {}
    for v in out.values():
        counts[v] = counts.get(v, 0) + 1
    return {n: (v if counts[v] == 1 else n) for n, v in out.items()}


_NODE_NAME = re.compile(r"/[\w.:/-]+")


def rename(model: Model, names: dict[str, str]) -> None:
    """Each layer, its inputs and each uncounted node renamed by ``names`` (old -> new), and so
    are the names the model's notes, the layers' notes and the uncounted reasons mention (the
    reader's "15 parameter tensor(s) come from Transpose node outputs ... (/model/layers.0/...)")."""
    changed = {old: new for old, new in names.items() if old != new}

    def text(s: str) -> str:  # (torch.onnx's node names are '/'-paths of name characters and dots)
        return _NODE_NAME.sub(lambda m: changed.get(m.group(0), m.group(0)), s) if changed and s and "/" in s else s

    for layer in model.layers:
        layer.name = names.get(layer.name, layer.name)
        layer.inputs = tuple(names.get(i, i) for i in layer.inputs)
        layer.note = text(layer.note)
    model.uncounted = [replace(u, name=names.get(u.name, u.name), reason=text(u.reason)) for u in model.uncounted]
    model.notes = [text(n) for n in model.notes]


def write_names(path, names: dict[str, str]) -> None:
    """Write the short names ``names`` (layer name -> module path) into the exported file at
    ``path`` itself, so that what runs it (`bench`: onnxruntime's profile) names its layers as
    the count does; and mend there what the reader mends in its copy (:mod:`dscost.readers.onnx_mend`),
    which onnxruntime would refuse.  External data is neither read nor moved; a file with
    nothing to change is not rewritten."""
    import onnx

    from dscost.readers.onnx_mend import negative_perms
    from dscost.readers.onnx_order import name_nodes

    proto = onnx.load(str(path), load_external_data=False)
    mended = negative_perms(proto.graph)
    if mended or any(old != new for old, new in names.items()):
        name_nodes(proto, names)
        with open(path, "wb") as f:
            f.write(proto.SerializeToString())
