"""Rewriting an ONNX graph in memory: standard convs -> depthwise + pointwise, and back (reverse).

Forward (:func:`convert_model`): every Conv node with groups 1, a kernel
larger than 1x1 and a constant weight becomes

* a depthwise Conv (groups = M, same kernel, strides, pads/auto_pad and
  dilations as the original, no bias), then
* a pointwise 1x1 Conv (M -> N, stride 1, no padding) carrying the original
  bias and writing the original output tensor,

so every output shape is unchanged and the MACs and params of the result are
exactly what :func:`dscost.cost.separable_cost` predicts.

Weight initialisation (``init``):

* ``svd`` (default): for every input channel m, the N x (kh*kw) slice
  ``W[:, m]`` of the original weights is replaced by its best rank-1
  approximation ``sigma_1 u v^T`` (truncated SVD, Eckart-Young): the depthwise
  filter of channel m is ``sqrt(sigma_1) v``, the pointwise column m is
  ``sqrt(sigma_1) u``.  This is the least-squares closest separable conv to
  the original; it is exact only when every slice already has rank 1.  The
  relative error ``||W - W_sep||_F / ||W||_F`` is reported per layer.
* ``random``: He-normal weights (std sqrt(2 / fan_in)), seeded.

Either way the converted model computes a different function: it needs
fine-tuning (or training) before its outputs mean anything.

Reverse (:func:`reverse_model`): every depthwise -> (BN | activation)* ->
pointwise block that :func:`dscost.cost.find_blocks` recognises becomes one
standard conv with the depthwise kernel, strides, pads and dilations, M -> N
channels, and a bias exactly when the pointwise had one (as the
``all_standard`` what-if counts it).  Weights: ``W[n, m] = pw[n, m] * a_m *
dw[m]``, where ``a_m`` is the product of the BN scales in between; the BN
shifts and a depthwise bias become the merged bias (or, when the pointwise
has no bias, are folded into the running mean of a following
BatchNormalization, else dropped -- reported).  Activations between the two
convs cannot be folded and are removed (reported): that result too needs
fine-tuning.  A block without activations and with a folded shift is exact.

onnx and numpy are imported inside the functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod

from dscost.cost import is_separable_candidate
from dscost.errors import InputError
from dscost.layers import ADD, ELEMENTWISE

INITS = ("svd", "random")


@dataclass(frozen=True)
class Converted:
    name: str  # original node name (forward) / merged node name (reverse)
    kernel: tuple[int, ...]
    cin: int
    cout: int
    new_nodes: tuple[str, ...]
    removed_nodes: tuple[str, ...]
    init_error: float | None = None  # relative Frobenius error of the initialisation (svd / exact reverse)
    note: str = ""
    zero_weights: bool = False  # the original weights are all zero: no error to measure (0 / 0)


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str


@dataclass
class ConversionReport:
    source: str
    output: str | None
    reverse: bool
    init: str
    converted: list[Converted] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # what-if check: MACs/params predicted for the original and found in the result (None: not checked)
    predicted: dict | None = None
    actual: dict | None = None
    output_shapes_equal: bool | None = None
    checker_passed: bool | None = None

    @property
    def exact(self) -> bool | None:
        if self.predicted is None or self.actual is None:
            return None
        return self.predicted == self.actual


FINE_TUNE_NOTE = (
    "the new weights are an initialisation, not a trained model: fine-tune (or retrain) the converted model before using its outputs"
)

# --------------------------------------------------------------------------
# Graph helpers


class BadWeight(InputError):
    """A weight the rewrite needs cannot be decoded (undefined type, data that does not fit its
    dims); the caller adds the file's name."""


class _Graph:
    """Name bookkeeping over a ModelProto's main graph."""

    def __init__(self, model):
        self.model = model
        self.g = model.graph
        self.inits = {t.name: t for t in self.g.initializer}
        self.constants = {n.output[0]: n for n in self.g.node if n.op_type == "Constant" and n.output}
        # Identity of a constant (torch.onnx's deduplicated weights): output -> source name
        self.identities = {n.output[0]: n.input[0] for n in self.g.node if n.op_type == "Identity" and n.input and n.output}
        self.names = {n.name for n in self.g.node} | set(self.inits)
        for n in self.g.node:
            self.names.update(n.input)
            self.names.update(n.output)
        self.names.update(v.name for v in self.g.input)
        self.names.update(v.name for v in self.g.output)
        for n in self.g.node:  # (a name made here must not be one a subgraph uses: SSA holds across scopes)
            for a in n.attribute:
                if a.HasField("g"):
                    self.names.update(_subgraph_names(a.g, every=True))
                for sg in a.graphs:
                    self.names.update(_subgraph_names(sg, every=True))

    def unique(self, base: str) -> str:
        name, i = base, 1
        while name in self.names:
            name = f"{base}_{i}"
            i += 1
        self.names.add(name)
        return name

    def const(self, name: str):
        """numpy array of an initializer or Constant-node tensor (also through Identity nodes), None otherwise."""
        from onnx import numpy_helper

        seen = set()
        while name in self.identities and name not in seen:
            seen.add(name)
            name = self.identities[name]
        node = self.constants.get(name)
        tensor = self.inits.get(name)
        if tensor is None and node is not None:
            tensor = next((a.t for a in node.attribute if a.name == "value"), None)
        if tensor is None:
            return None
        try:
            return numpy_helper.to_array(tensor)
        except Exception as err:  # a hostile or corrupt tensor: whatever numpy or onnx raise
            msg = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise BadWeight(f"weight {name!r} cannot be read ({msg})") from None

    def add_init(self, array, base: str) -> str:
        """Append an initializer built in place (no intermediate TensorProto copy)."""
        import numpy as np
        from onnx import helper

        name = self.unique(base)
        arr = np.ascontiguousarray(array)
        t = self.g.initializer.add()
        t.name = name
        t.data_type = helper.np_dtype_to_tensor_dtype(arr.dtype)
        t.dims.extend(arr.shape)
        t.raw_data = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
        self.inits[name] = t
        return name

    def consumers(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for n in self.g.node:
            for i in n.input:
                if i:
                    out.setdefault(i, []).append(n)
        return out

    def prune(self) -> None:
        """Drop Constant and Identity nodes nobody reads any more (a merged block's
        deduplicated biases), then initializers and value_info no longer referenced."""

        def used_names() -> set[str]:
            used = {i for n in self.g.node for i in n.input} | {o.name for o in self.g.output}
            for n in self.g.node:
                for a in n.attribute:  # subgraph inputs captured from the outer scope
                    if a.g is not None and a.HasField("g"):
                        used.update(_subgraph_names(a.g))
                    for sg in a.graphs:
                        used.update(_subgraph_names(sg))
            return used

        while True:
            used = used_names()
            nodes = [n for n in self.g.node if not (n.op_type in ("Constant", "Identity") and n.output and n.output[0] not in used)]
            if len(nodes) == len(self.g.node):
                break
            del self.g.node[:]
            self.g.node.extend(nodes)
        dropped = {t.name for t in self.g.initializer if t.name not in used}
        if dropped:  # delete in place: copying big tensors around is what makes rewrites slow
            for i in reversed(range(len(self.g.initializer))):
                if self.g.initializer[i].name in dropped:
                    del self.g.initializer[i]
            for i in reversed(range(len(self.g.input))):
                if self.g.input[i].name in dropped:
                    del self.g.input[i]
        produced = {o for n in self.g.node for o in n.output} | {v.name for v in self.g.input} | {t.name for t in self.g.initializer}
        vis = [v for v in self.g.value_info if v.name in produced]
        if len(vis) != len(self.g.value_info):
            del self.g.value_info[:]
            self.g.value_info.extend(vis)


def _subgraph_names(graph, every: bool = False) -> set[str]:
    """The tensor names the nodes of ``graph`` (and of their subgraphs) read; with ``every``, all
    the names it holds: tensors, nodes, initializers, its inputs and outputs."""
    names = set()
    if every:
        names.update(t.name for t in graph.initializer)
        names.update(v.name for v in (*graph.input, *graph.output))
    for n in graph.node:
        names.update(n.input)
        if every:
            names.update(n.output)
            names.add(n.name)
        for a in n.attribute:
            if a.HasField("g"):
                names.update(_subgraph_names(a.g, every))
            for sg in a.graphs:
                names.update(_subgraph_names(sg, every))
    return names


def _attrs(node) -> dict:
    """Attribute values by name; an empty list (``strides=[]``) is the same as absent."""
    from onnx import helper

    values = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    return {k: v for k, v in values.items() if not (isinstance(v, list) and not v)}


def _is_conv(node) -> bool:
    return node.op_type == "Conv" and node.domain in ("", "ai.onnx")


def _check_names(model, only, skip, kind: str) -> None:
    convs = {n.name for n in model.graph.node if _is_conv(n)}
    for flag, names in (("--only", only), ("--skip", skip)):
        missing = [n for n in names or () if n not in convs]
        if missing:
            raise InputError(f"{flag}: no Conv node named {', '.join(repr(m) for m in missing)} in the model ({kind})")
    if both := [n for n in only or () if n in set(skip or ())]:  # (it converted nothing and said only "0 convs")
        raise InputError(f"--only and --skip both name {', '.join(repr(n) for n in both)}; name a conv in one of them")


# --------------------------------------------------------------------------
# Forward: standard -> depthwise + pointwise


def rank1_factors(w, init: str = "svd", seed: int = 0):
    """(dw (M,1,*k), pw (N,M,1..), relative error) initialising the separable pair from standard weights ``w`` (N,M,*k).

    The error is None when not measured: random init, or all-zero weights (0 / 0; the factors are zero too)."""
    import numpy as np

    n, m = w.shape[:2]
    k = w.shape[2:]
    kk = prod(k)
    ones = (1,) * len(k)
    if init == "random":
        rng = np.random.default_rng(seed)
        dw = rng.standard_normal((m, 1, *k)) * np.sqrt(2.0 / kk)
        pw = rng.standard_normal((n, m, *ones)) * np.sqrt(2.0 / m)
        return dw.astype(w.dtype), pw.astype(w.dtype), None
    a = np.asarray(w, dtype=np.float64).reshape(n, m, kk).transpose(1, 0, 2)  # (M, N, K)
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    root = np.sqrt(s[:, 0])  # (M,)
    pw_cols = u[:, :, 0] * root[:, None]  # (M, N)
    dw_rows = vt[:, 0, :] * root[:, None]  # (M, K)
    approx = pw_cols[:, :, None] * dw_rows[:, None, :]
    norm = np.linalg.norm(a)
    err = float(np.linalg.norm(a - approx) / norm) if norm > 0 else None
    dw = dw_rows.reshape(m, 1, *k)
    pw = pw_cols.T.reshape(n, m, *ones)
    return dw.astype(w.dtype), pw.astype(w.dtype), err


def _start(model, only, skip, kind: str, copy: bool):
    """(model or a copy of it with every node named, its _Graph, only set, skip set); checks --only/--skip names."""
    from onnx import ModelProto

    if copy:
        new = ModelProto()
        new.CopyFrom(model)
    else:
        new = model
    from dscost.readers.onnx_order import name_nodes

    name_nodes(new)
    _check_names(new, only, skip, kind)
    return new, _Graph(new), set(only or ()), set(skip or ())


def convert_model(model, min_kernel: int = 2, only=None, skip=None, init: str = "svd", seed: int = 0, copy: bool = True,
                  counted=None):
    """Rewrite eligible standard convs of ``model`` (a ModelProto; copied unless ``copy=False``) into dw + pw.
    ``counted``: the reader's :class:`dscost.layers.Model` of the same file.  A Conv it lists as
    uncounted (a weight that does not fit its input) is skipped, as its separable form has no
    prediction to check; a standard conv of another op type it counts (QLinearConv,
    ConvInteger, onnxruntime's FusedConv and NhwcConv) is listed as skipped, with why, and so is
    one it counted in an If's branch or a model-local function (the reader inlines them; here
    they stay where they are).
    Returns (new ModelProto, ConversionReport)."""
    import numpy as np
    from onnx import helper

    if init not in INITS:
        raise InputError(f"--init {init!r}: choose one of {', '.join(INITS)}")
    if min_kernel < 1:
        raise InputError(f"--min-kernel {min_kernel}: must be >= 1")
    new, gr, only_set, skip_set = _start(model, only, skip, "convert", copy)
    uncounted = {u.name: u.reason for u in counted.uncounted} if counted is not None else {}
    other_convs = {layer.name: layer.op for layer in counted.layers if layer.op != "Conv" and is_separable_candidate(layer)} if counted is not None else {}
    report = ConversionReport("", None, False, init)
    out_nodes = []
    for node in list(gr.g.node):
        if not _is_conv(node):
            op = other_convs.get(node.name)
            if op is not None and not only_set:  # (--only/--skip name Conv nodes: _check_names)
                report.skipped.append(Skipped(node.name, f"{op}: convert rewrites float Conv nodes (ONNX's own op) only"))
            out_nodes.append(node)
            continue
        if only_set and node.name not in only_set:
            out_nodes.append(node)
            continue
        if node.name in skip_set:
            report.skipped.append(Skipped(node.name, "--skip"))
            out_nodes.append(node)
            continue
        if node.name in uncounted:
            report.skipped.append(Skipped(node.name, f"not counted by dscost ({uncounted[node.name]})"))
            out_nodes.append(node)
            continue
        garbled = next((a.name for a in node.attribute if a.name.__class__ is bytes), None)  # (protobuf gives a name not valid UTF-8 as bytes)
        if garbled is not None:
            report.skipped.append(Skipped(node.name, f"an attribute name is not valid UTF-8 ({garbled!r}): what the conv does is not known"))
            out_nodes.append(node)
            continue
        attrs = _attrs(node)
        group = attrs.get("group", 1)
        w = gr.const(node.input[1]) if len(node.input) > 1 else None
        if group != 1:
            out_nodes.append(node)
            if only_set:
                report.skipped.append(Skipped(node.name, f"groups={group}: not a standard conv"))
            continue
        if w is None:
            report.skipped.append(Skipped(node.name, f"weight {node.input[1]!r} is not a constant (initializer or Constant node)"))
            out_nodes.append(node)
            continue
        if w.ndim < 3:
            report.skipped.append(Skipped(node.name, f"weight of rank {w.ndim}: not a conv kernel"))
            out_nodes.append(node)
            continue
        kernel = tuple(int(d) for d in w.shape[2:])
        if prod(kernel) <= 1:
            if only_set:
                report.skipped.append(Skipped(node.name, "1x1 kernel: already pointwise"))
            out_nodes.append(node)
            continue
        if w.shape[1] == 1 or w.shape[0] == 1:
            report.skipped.append(Skipped(node.name, "one input channel: its depthwise half would be a single filter (cost.is_separable_candidate)" if w.shape[1] == 1 else
                                          "one output channel: its pointwise half would only scale each filtered map, at more cost (cost.is_separable_candidate)"))  # fmt: skip
            out_nodes.append(node)
            continue
        if max(kernel) < min_kernel:
            report.skipped.append(Skipped(node.name, f"kernel {'x'.join(map(str, kernel))} below --min-kernel {min_kernel}"))
            out_nodes.append(node)
            continue
        if not str(w.dtype).startswith("float"):
            report.skipped.append(Skipped(node.name, f"weight dtype {w.dtype}: only float convs are converted"))
            out_nodes.append(node)
            continue
        if not np.isfinite(w).all():
            report.skipped.append(Skipped(node.name, "weights hold NaN or infinity: no separable factorization"))
            out_nodes.append(node)
            continue
        n_out, m_in = int(w.shape[0]), int(w.shape[1])
        dw, pw, err = rank1_factors(w, init, seed)
        base = node.name
        w_dw = gr.add_init(dw, f"{base}_dw.weight")
        w_pw = gr.add_init(pw, f"{base}_pw.weight")
        mid = gr.unique(f"{base}_dw_out")
        dw_attrs = {k: v for k, v in attrs.items() if k != "group"}
        dw_attrs["group"] = m_in
        dw_name, pw_name = gr.unique(f"{base}_dw"), gr.unique(f"{base}_pw")
        dw_node = helper.make_node("Conv", [node.input[0], w_dw], [mid], name=dw_name, **dw_attrs)
        r = len(kernel)
        pw_inputs = [mid, w_pw] + ([node.input[2]] if len(node.input) > 2 and node.input[2] else [])
        pw_node = helper.make_node(
            "Conv", pw_inputs, list(node.output), name=pw_name,
            kernel_shape=[1] * r, strides=[1] * r, dilations=[1] * r, pads=[0] * (2 * r), group=1,
        )
        out_nodes.extend([dw_node, pw_node])
        zero = not w.any()
        note = "the original weights are all zero (an exported spec?): no weight error to measure" if zero else ""
        report.converted.append(Converted(node.name, kernel, m_in, n_out, (dw_name, pw_name), (node.name,), err, note, zero))
    if counted is not None and not only_set:  # convs the reader counted from an If's branch or a function it inlined
        own = {node.name for node in gr.g.node}
        report.skipped += [Skipped(layer.name, "in an If branch or a model-local function: convert rewrites the graph's own nodes only")
                           for layer in counted.layers if layer.name not in own and is_separable_candidate(layer)]  # fmt: skip
    del gr.g.node[:]
    gr.g.node.extend(out_nodes)
    gr.prune()
    if report.converted:
        report.notes.append(
            FINE_TUNE_NOTE
            + (" (initialised from the rank-1 SVD of each input channel's filters: the closest separable conv in least squares)" if init == "svd" else " (He-normal random initialisation)")
        )
    return new, report


# --------------------------------------------------------------------------
# Reverse: depthwise + pointwise -> standard


def _bn_affine(gr: _Graph, node):
    """(scale, shift) per channel of an inference BatchNormalization, None when its params are not constant."""
    import numpy as np

    vals = [gr.const(i) for i in node.input[1:5]]
    if any(v is None for v in vals):
        return None
    gamma, beta, mean, var = (np.asarray(v, dtype=np.float64) for v in vals)
    eps = _attrs(node).get("epsilon", 1e-5)
    scale = gamma / np.sqrt(var + eps)
    return scale, beta - mean * scale


def _channel_affine(gr: _Graph, node, data: str, m: int, rank: int):
    """(scale, shift) per channel of ``node`` on ``data``: a Mul, Div, Add or Sub (data first for
    the last two) by a constant that is one value per channel (a scalar, (m, 1, ...) or (1, m, 1,
    ...) for a tensor of ``rank`` axes): an unfolded BatchNorm's.  None otherwise."""
    import numpy as np

    op, ins = node.op_type, list(node.input)
    if op not in ("Mul", "Div", "Add", "Sub") or len(ins) != 2 or data not in ins or (op in ("Sub", "Div") and ins[0] != data):
        return None
    c = gr.const(ins[1] if ins[0] == data else ins[0])
    if c is None or np.asarray(c).ndim > rank:
        return None
    c = np.asarray(c, np.float64)
    shape = (1,) * (rank - c.ndim) + c.shape
    if c.size != 1 and (shape[0] != 1 or shape[1] != m or any(d != 1 for d in shape[2:])):
        return None
    c = np.broadcast_to(c.reshape(-1), (m,)) if c.size == 1 else c.reshape(m)
    one, zero = np.ones(m), np.zeros(m)
    return {"Mul": (c, zero), "Div": (1.0 / c, zero), "Add": (one, c), "Sub": (one, -c)}[op]


def reverse_model(model, layers, only=None, skip=None, copy: bool = True):
    """Merge every dw -> (BN|activation|a constant's per-channel scale or shift)* -> pw block found by
    :func:`dscost.cost.find_blocks` on ``layers`` (the dscost layers of ``model``, e.g. from
    ``read_onnx``) into one standard conv.  Returns (new ModelProto, ConversionReport)."""
    import numpy as np
    from onnx import helper

    from dscost.cost import find_blocks

    new, gr, only_set, skip_set = _start(model, only, skip, "reverse", copy)
    report = ConversionReport("", None, True, "product")
    nodes = {n.name: n for n in gr.g.node}
    graph_outputs = {o.name for o in gr.g.output}
    consumers = gr.consumers()
    replace: dict[str, object] = {}  # pw node name -> merged node
    remove: set[str] = set()
    kinds = {layer.name: layer.type for layer in layers}
    for b in find_blocks(layers):
        if only_set and b.depthwise not in only_set and b.pointwise not in only_set:
            continue
        if b.depthwise in skip_set or b.pointwise in skip_set:
            report.skipped.append(Skipped(b.depthwise, "--skip"))
            continue
        dw, pw = nodes.get(b.depthwise), nodes.get(b.pointwise)
        mids = [nodes.get(n) for n in b.middle]
        if dw is None or pw is None or any(m is None for m in mids) or not (_is_conv(dw) and _is_conv(pw)):
            report.skipped.append(Skipped(b.depthwise, "block layers do not map one-to-one onto Conv nodes"))
            continue
        chain = [dw, *mids]
        if any(o in graph_outputs for n in chain for o in n.output):
            report.skipped.append(Skipped(b.depthwise, "an intermediate tensor of the block is a graph output"))
            continue
        if any(len(consumers.get(n.output[0], [])) != 1 for n in chain):
            report.skipped.append(Skipped(b.depthwise, "an intermediate tensor of the block has other consumers"))
            continue
        pa = _attrs(pw)
        wd, wp = gr.const(dw.input[1]), gr.const(pw.input[1])
        if wd is None or wp is None:
            report.skipped.append(Skipped(b.depthwise, "a weight of the block is not a constant"))
            continue
        r = wd.ndim - 2
        if any(s != 1 for s in pa.get("strides", [1] * r)) or any(p != 0 for p in pa.get("pads", [0] * 2 * r)) or pa.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET", b"VALID", "VALID"):
            report.skipped.append(Skipped(b.depthwise, f"pointwise {pw.name!r} is strided or padded: no single equivalent conv"))
            continue
        m = wd.shape[0]
        n_out = wp.shape[0]
        scale = np.ones(m)
        shift = np.zeros(m)
        bd = gr.const(dw.input[2]) if len(dw.input) > 2 and dw.input[2] else None
        if bd is not None:
            shift = shift + np.asarray(bd, np.float64)
        dropped = []
        why = ""
        for prev, mid in zip(chain, mids):  # (a BN, or a Mul/Div/Add/Sub of a constant, folds into the merged conv's scale and shift)
            if mid.op_type == "BatchNormalization":
                aff = _bn_affine(gr, mid)
                why = "" if aff is not None else "a BatchNormalization in the block has non-constant parameters"
            elif kinds.get(mid.name) in (ELEMENTWISE, ADD):  # (activations are dropped, said; these would change every value)
                aff = _channel_affine(gr, mid, prev.output[0], m, wd.ndim)
                why = "" if aff is not None else f"{mid.op_type} {mid.name!r} in the block is not a scale or shift by one constant per channel"
            else:
                dropped.append(f"{mid.op_type} {mid.name!r}")
                continue
            if why:
                break
            scale, shift = scale * aff[0], shift * aff[0] + aff[1]
        if why:
            report.skipped.append(Skipped(b.depthwise, why))
            continue
        k = wd.shape[2:]
        pw2 = np.asarray(wp, np.float64).reshape(n_out, m)
        dw2 = np.asarray(wd, np.float64).reshape(m, -1) * scale[:, None]
        merged = (pw2[:, :, None] * dw2[None, :, :]).reshape(n_out, m, *k).astype(wd.dtype)
        bias_shift = pw2 @ shift  # (N,)
        bp = gr.const(pw.input[2]) if len(pw.input) > 2 and pw.input[2] else None
        notes = []
        bias_name = None
        if bp is not None:
            bias_name = gr.add_init((np.asarray(bp, np.float64) + bias_shift).astype(np.asarray(bp).dtype), f"{pw.name}.merged_bias")
        elif np.any(bias_shift != 0):
            nxt = consumers.get(pw.output[0], [])
            bn_next = nxt[0] if len(nxt) == 1 and nxt[0].op_type == "BatchNormalization" and pw.output[0] not in graph_outputs else None
            mean_name = bn_next.input[3] if bn_next is not None else None
            mean = gr.const(mean_name) if mean_name else None
            if mean is not None and len(consumers.get(mean_name, [])) == 1 and mean_name in gr.inits:
                new_mean = (np.asarray(mean, np.float64) - bias_shift).astype(mean.dtype)
                fresh = gr.add_init(new_mean, f"{mean_name}.folded")
                bn_next.input[3] = fresh
                notes.append(f"shift folded into the running mean of {bn_next.name!r}")
            else:
                notes.append("dropped a per-channel shift (BN/depthwise bias): the pointwise had no bias to carry it")
        if dropped:
            notes.append("removed " + ", ".join(dropped) + ": not equivalent, fine-tune")
        da = {k2: v for k2, v in _attrs(dw).items() if k2 != "group"}
        da["group"] = 1
        da.setdefault("kernel_shape", list(k))
        w_name = gr.add_init(merged, f"{_merged_name(dw.name, pw.name)}.weight")
        mname = _merged_name(dw.name, pw.name)
        if mname in nodes and mname not in (dw.name, pw.name):
            mname = gr.unique(mname)
        inputs = [dw.input[0], w_name] + ([bias_name] if bias_name else [])
        merged_node = helper.make_node("Conv", inputs, list(pw.output), name=mname, **da)
        replace[pw.name] = merged_node
        remove.update(n.name for n in chain)
        exact = not dropped and not any(n.startswith("dropped") for n in notes)
        report.converted.append(
            Converted(mname, tuple(int(x) for x in k), int(m), int(n_out), (mname,), tuple(n.name for n in [*chain, pw]), 0.0 if exact else None, "; ".join(notes))
        )
    out_nodes = []
    for node in gr.g.node:
        if node.name in replace:
            out_nodes.append(replace[node.name])
        elif node.name not in remove:
            out_nodes.append(node)
    del gr.g.node[:]
    gr.g.node.extend(out_nodes)
    gr.prune()
    if report.converted:
        report.notes.append(
            "merged weights are pw x BN scale x dw (exact for blocks without activations); " + FINE_TUNE_NOTE
        )
    return new, report


def _merged_name(dw: str, pw: str) -> str:
    """``conv1`` when the block is ``conv1_dw`` + ``conv1_pw`` (also ``.``/``/`` separators, ``depthwise``/``pointwise``),
    as after a forward conversion; else ``<dw>+<pw>``."""
    for sep in ("_", ".", "/"):
        for a, b in (("dw", "pw"), ("depthwise", "pointwise")):
            if dw.endswith(sep + a) and pw.endswith(sep + b) and dw[: -len(a) - 1] == pw[: -len(b) - 1] and len(dw) > len(a) + 1:
                return dw[: -len(a) - 1]
    return f"{dw}+{pw}"
