"""dscost's symbolics for torch's TorchScript exporter: ops it has no symbolic for at opset 17,
or one whose symbolic refuses a case the module runs.  :mod:`dscost.readers.torch_reader`
registers one (``torch.onnx.register_custom_op_symbolic``) when an export fails on its op and
tries again, so the export keeps the TorchScript exporter's parameters (the dynamo exporter, the
fallback, rewrites them).  A symbolic registered stays registered in the process, as one the
user registers would (torch's unregister leaves an empty entry, on which a later export of the
op fails): so each does what torch's own does wherever torch's has one.

* ``aten::diff`` (transformers 5's masks: ``torch.diff(position_ids, prepend=...)``): its
  prepend and append concatenated, then n times a Slice [1:] minus a Slice [:-1];
* ``aten::rms_norm`` (``nn.RMSNorm``: Flux, Gemma 4's vision encoder): x / sqrt(mean(x * x) +
  eps) times the weight, over the normalized dimensions (as many as ``normalized_shape`` has,
  also when the trace does not know their sizes: ``F.rms_norm(x, self.weight.shape, ...)``,
  transformers' Ergo);
* ``aten::expm1`` (``torch.expm1``: the xIELU activation of Apertus): Exp, minus one;
* ``aten::col2im`` (``F.fold``: VOLO's outlook attention, transformers' MobileViTv2), torch's
  own Col2Im (opset 18) but for its number of spatial axes, which torch's takes from the
  output size's shape and so fails (``'NoneType' object is not subscriptable``) when the trace
  computes that size; dscost's takes it from the strides;
* ``aten::unfold`` (``Tensor.unfold``: HaloNet's halo windows) of an axis whose size the trace
  does not know, which torch's symbolic refuses: a Gather of the windows' indices (the window
  starts, ``Range`` of the count computed from ``Shape``, plus the offsets within a window),
  then the window axis moved last; torch's own where the size is known;
* ``aten::adaptive_avg_pool1d/2d/3d`` to an output size that does not divide the input's
  (UperNet's pyramid pooling), or of an input whose size the trace does not know (CSATv2's),
  which torch's symbolic refuses: the mean over each
  bin of PyTorch's (start floor(i * in / out), end ceil((i + 1) * in / out)), axis by axis -- a
  Slice and a ReduceMean per bin, then a Concat (a mean over a box is the mean, along one axis,
  of the means along the others).  Where the size divides, torch's own AveragePool (kernel =
  stride = in / out), or its GlobalAveragePool for an output of 1.  An input size the trace
  does not know gets its bins' bounds computed in the graph (from ``Shape``); an adaptive max
  pool (``aten::adaptive_max_pool1d/2d/3d``) the same with a ReduceMax per bin (torch's MaxPool
  where the size divides), its indices not written (round 48);
* ``aten::_native_batch_norm_legit_no_training`` (a core-ATen program's BatchNorm, torch.export's
  ``run_decompositions()``): BatchNormalization, the saved statistics unwritten (round 51); its
  ``aten::_softmax`` / ``aten::_log_softmax``: Softmax / LogSoftmax over the axis (opset 13);
* ``aten::_upsample_bilinear2d_aa`` and ``aten::_upsample_bicubic2d_aa`` (``F.interpolate(...,
  antialias=True)``: timm's NaFlexViT, torchvision's ``Resize``): torch's Resize of the plain
  op, with ONNX's ``antialias=1`` (opset 18), ``exclude_outside=1`` and, for bicubic, PyTorch's
  cubic coefficient -0.5;
* ``aten::repeat_interleave`` by an int along one axis of a known size (Cohere's rotary embedding),
  whose torch symbolic leaves a shape that the exporter's own inference rejects at a later Expand
  (an internal assert, retried with this one): an axis after it tiled r times, then merged
  (Unsqueeze, Tile, Reshape); torch's own otherwise;
* ``aten::movedim`` with axes counted from the end (``movedim(x, -1, 2)``: Gemma 3n's audio
  attention), whose torch symbolic writes a Transpose perm with -1 in it, which its exporter's
  pass fusing consecutive transposes then reads past the axes (``[0, 1, 49, 2, 4]``): the axes
  counted from the start, then torch's own;
* ``aten::tensor_split`` at cut points or into a number of pieces the trace knows, on an axis of
  a size it knows (torchvision's MViTv2 splits off its class token so; tsl's scripted
  ``gated_tanh`` halves), which torch's symbolic writes as a Loop that builds a sequence, after
  which no shape is known: one Split into the pieces; torch's own otherwise;
* ``aten::kron`` (``torch.kron``: peft's LoKr adapters, LyCORIS' in diffusion models): each
  operand spread over every other axis (Unsqueeze; the one of lower rank given leading axes of 1
  first, as torch does), multiplied (the broadcast puts each of the second's blocks at each of
  the first's elements), then the pairs of axes merged (Reshape to the product of the two shapes);
* ``aten::renorm`` (``Tensor.renorm``: braindecode's max-norm constraint on EEGNet's, EEG-ITNet's
  and EEGNeX's weights, a parametrization the forward applies): each slice along ``dim`` scaled
  by maxnorm / (norm + 1e-7) where its p-norm is over maxnorm, as ATen does (ReduceL2, ReduceL1,
  or the p-th root of the sum of p-th powers over the other axes; Where, Mul);
* ``aten::scaled_dot_product_attention`` with ``enable_gqa=True`` (grouped-query attention:
  transformers' SDPA path when its mask is None, GraniteMoeHybrid, Qwen2-VL's vision tower), which
  torch's symbolic refuses: each key and value head repeated for its group of query heads (as
  ``repeat_interleave`` along the head axis, which is what enable_gqa computes), then torch's own
  (the group computed in the graph when the trace does not know the head counts); torch's own
  when ``enable_gqa`` is False;
* ``aten::vdot`` (``torch.vdot``: ``parametrizations.spectral_norm``'s sigma = u . (W v), in every
  SN-GAN discriminator): torch's own ``dot`` (a MatMul of the two vectors), the same for real
  tensors;
* ``aten::channel_shuffle`` / ``aten::native_channel_shuffle`` (``nn.ChannelShuffle``): the
  channels split into (groups, C / groups), the two axes swapped, merged back (Reshape,
  Transpose, Reshape to the input's shape), as ShuffleNet writes it by hand;
* ``aten::_upsample_nearest_exact1d/2d/3d`` (``mode='nearest-exact'``): torch's nearest Resize
  but for PyTorch's source index floor((i + 0.5) * in / out), which is ONNX's ``half_pixel``
  with ``round_prefer_ceil``;
* ``aten::_convolution_mode`` (a conv of ``padding='same'``), registered before every export
  (:data:`ALWAYS`): torch's own, but where a dilation is over 1 its ``auto_pad=SAME_UPPER``
  becomes the pads it stands for (d x (k - 1) in all, the extra one at the end, as PyTorch pads),
  which onnxruntime refuses with dilations ("Dilation not supported for AutoPadType::SAME_UPPER":
  ``bench`` failed on such a module; round 48).

Imports torch only inside :func:`symbolic`.
"""

from __future__ import annotations

import re

from dscost.errors import message

ALWAYS = ("aten::_convolution_mode",)  # (registered before the first export: torch's own but in one case)
NEAREST_EXACT = ("aten::_upsample_nearest_exact1d", "aten::_upsample_nearest_exact2d", "aten::_upsample_nearest_exact3d")
SYMBOLIC_OPSET = 10  # the first opset of dscost's symbolics (Slice takes its bounds as inputs from 10)
ADAPTIVE_MAX = ("aten::adaptive_max_pool1d", "aten::adaptive_max_pool2d", "aten::adaptive_max_pool3d")
LOSSES = ("aten::l1_loss", "aten::smooth_l1_loss", "aten::huber_loss")  # (a forward given labels computes one: transformers' ViT MIM)
SYMBOLIC_OPS = ("aten::diff", "aten::rms_norm", "aten::expm1", "aten::adaptive_avg_pool1d", "aten::adaptive_avg_pool2d", "aten::adaptive_avg_pool3d", *ADAPTIVE_MAX,
                "aten::col2im", "aten::unfold", "aten::_upsample_bilinear2d_aa", "aten::_upsample_bicubic2d_aa", "aten::repeat_interleave",
                "aten::scaled_dot_product_attention", "aten::movedim", "aten::tensor_split", "aten::kron", "aten::renorm",
                "aten::vdot", "aten::channel_shuffle", "aten::native_channel_shuffle", "aten::_native_batch_norm_legit_no_training", "aten::_softmax",
                "aten::_log_softmax", *NEAREST_EXACT, *ALWAYS, *LOSSES)
# ... but from a later opset for an op whose ONNX op starts later (Col2Im: 18), or whose torch
# symbolic has a version of that opset (Tensor.unfold: 12), which a registration of an earlier
# opset would not replace there
FIRST_OPSET = {"aten::col2im": 18, "aten::unfold": 12, "aten::_upsample_bilinear2d_aa": 18, "aten::_upsample_bicubic2d_aa": 18,
               "aten::repeat_interleave": 13, "aten::scaled_dot_product_attention": 14, "aten::tensor_split": 13, "aten::kron": 13,
               "aten::_softmax": 13, "aten::_log_softmax": 13,
               **dict.fromkeys(NEAREST_EXACT, 11)}  # (Resize's coordinate modes: 11)
# torch's symbolic of an adaptive average pool refuses an output size that does not divide the
# input's, and an input size the trace does not know; its Tensor.unfold the latter
UNEVEN_POOL = re.compile(r"ONNX export of operator (adaptive_(?:avg|max)_pool[123]d), (output size that are not factor of input size|input size not accessible)")
UNFOLD = "ONNX export of operator Unfold, input size not accessible"
# torch's repeat_interleave leaves a shape that its exporter's own shape inference then rejects at a
# later Expand (Cohere's rotary embedding), in an internal assert that names no op
EXPAND_ASSERT = "ONNX Expand input shape constraint not satisfied"
# torch's symbolic of scaled_dot_product_attention refuses grouped-query attention
GQA_ASSERT = "scaled_dot_product_attention not implemented if enable_gqa is True"
# torch's cat symbolic on the rank-less output of its repeat_interleave symbolic (transformers' GLM: a partial rotary's cos interleaved)
CAT_RANK_ASSERT = "All tensors must have the same rank"


def missing_symbolic(err: BaseException, added: list[str]) -> str | None:
    """The op an export failed on when dscost has a symbolic for it not tried yet: an
    UnsupportedOperatorError's op, or an adaptive average pool or unfold torch's symbolic refuses;
    repeat_interleave on the asserts its symbolic's shapes lead to, at a later Expand or cat."""
    kind, text = type(err).__name__, message(err)
    m = re.search(r"operator '(aten::\w+)'", text) if kind == "UnsupportedOperatorError" else None
    op = m.group(1) if m else None
    if kind == "RuntimeError" and EXPAND_ASSERT in text:
        op = "aten::repeat_interleave"
    if kind == "AssertionError" and GQA_ASSERT in text:
        op = "aten::scaled_dot_product_attention"
    if kind == "AssertionError" and CAT_RANK_ASSERT in text:
        op = "aten::repeat_interleave"
    if kind == "SymbolicValueError":
        u = UNEVEN_POOL.search(text)
        op = f"aten::{u.group(1)}" if u else "aten::unfold" if UNFOLD in text else None
    return op if op in SYMBOLIC_OPS and op not in added else None


REGISTERED: set[str] = set()  # the ops whose symbolic of dscost's this process registered


def register(torch, op: str) -> None:
    """Register dscost's symbolic of ``op`` with torch, from the opset where it takes over."""
    torch.onnx.register_custom_op_symbolic(op, symbolic(op), FIRST_OPSET.get(op, SYMBOLIC_OPSET))
    REGISTERED.add(op)


def pool_bins(size: int, out: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive pooling bins of an axis of ``size`` into ``out``: [start, end) with
    start = floor(i * size / out), end = ceil((i + 1) * size / out)."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def symbolic(op: str):
    """The symbolic of ``op`` (module docstring)."""
    import torch
    from torch.onnx import symbolic_helper

    def const(g, values):  # (an int: a 0-D constant, as Range and a Gather's index take)
        return g.op("Constant", value_t=torch.tensor(values, dtype=torch.int64))

    def number(g, x, value):  # (a constant of x's float type: float32 where the trace does not know it)
        kind = symbolic_helper._try_get_scalar_type(x)
        return g.op("Constant", value_t=torch.tensor(value, dtype=kind.dtype() if kind is not None else torch.float32))

    def reduce(g, name: str, x, axes: list[int]):  # (a reduction's axes an attribute until opset 18; ReduceSum's until 13)
        if g.opset < (13 if name == "ReduceSum" else 18):
            return g.op(name, x, axes_i=axes, keepdims_i=1)
        return g.op(name, x, const(g, axes), keepdims_i=1)

    def reduce_mean(g, x, axes: list[int]):
        return reduce(g, "ReduceMean", x, axes)

    @symbolic_helper.parse_args("v", "i", "i", "v", "v")
    def diff(g, x, n, dim, prepend, append):
        if not prepend.node().mustBeNone():
            x = g.op("Concat", prepend, x, axis_i=dim)
        if not append.node().mustBeNone():
            x = g.op("Concat", x, append, axis_i=dim)
        axes = const(g, [dim])
        for _ in range(n):
            x = g.op("Sub", g.op("Slice", x, const(g, [1]), const(g, [2**62]), axes), g.op("Slice", x, const(g, [0]), const(g, [-1]), axes))
        return x

    def rms_norm(g, x, normalized_shape, weight, eps):
        if symbolic_helper._is_packed_list(normalized_shape):  # (sizes the trace computed: `self.weight.shape`)
            n = len(symbolic_helper._unpack_list(normalized_shape))
        else:
            n = len(symbolic_helper._get_const(normalized_shape, "is", "normalized_shape"))
        eps = torch.finfo(torch.float32).eps if symbolic_helper._is_none(eps) else symbolic_helper._get_const(eps, "f", "eps")
        mean = reduce_mean(g, g.op("Mul", x, x), list(range(-n, 0)))
        y = g.op("Div", x, g.op("Sqrt", g.op("Add", mean, g.op("Constant", value_t=torch.tensor(eps, dtype=torch.float32)))))
        return y if symbolic_helper._is_none(weight) else g.op("Mul", y, weight)

    def expm1(g, x):
        return g.op("Sub", g.op("Exp", x), number(g, x, 1))

    def adaptive_pool(g, x, output_size, largest: bool = False):
        out = symbolic_helper._parse_arg(output_size, "is")  # (not a constant: the export fails, as with torch's)
        if out == [1] * len(out):
            return g.op("GlobalMaxPool" if largest else "GlobalAveragePool", x)
        sizes = symbolic_helper._get_tensor_sizes(x)
        if not sizes or len(sizes) < len(out):
            return symbolic_helper._unimplemented(op, "input rank not accessible", x)
        spatial = sizes[-len(out):]
        if None not in spatial and all(s % o == 0 for s, o in zip(spatial, out)):  # (torch's own symbolic)
            k = [s // o for s, o in zip(spatial, out)]
            return g.op("MaxPool" if largest else "AveragePool", x, kernel_shape_i=k, strides_i=k)
        for axis, (size, n) in enumerate(zip(spatial, out), start=len(sizes) - len(out)):
            if size == n:
                continue
            axes = const(g, [axis])
            if size is not None:
                bounds = [(const(g, [a]), const(g, [b])) for a, b in pool_bins(size, n)]
            else:  # (a size the trace does not know: the bins' bounds computed in the graph, as pool_bins does)
                dim = g.op("Slice", g.op("Shape", x), const(g, [axis]), const(g, [axis + 1]))
                edge = [g.op("Mul", dim, const(g, [i])) for i in range(n + 1)]
                bounds = [(g.op("Div", edge[i], const(g, [n])), g.op("Div", g.op("Add", edge[i + 1], const(g, [n - 1])), const(g, [n]))) for i in range(n)]
            means = [reduce(g, "ReduceMax" if largest else "ReduceMean", g.op("Slice", x, a, b, axes), [axis]) for a, b in bounds]
            x = means[0] if n == 1 else g.op("Concat", *means, axis_i=axis)
        return x

    def adaptive_max_pool(g, x, output_size):  # (values and indices: the indices only where nothing reads them, as torch's GlobalMaxPool)
        return adaptive_pool(g, x, output_size, largest=True), None

    pools = {**dict.fromkeys(("aten::adaptive_avg_pool1d", "aten::adaptive_avg_pool2d", "aten::adaptive_avg_pool3d"), adaptive_pool),
             **dict.fromkeys(ADAPTIVE_MAX, adaptive_max_pool)}
    @symbolic_helper.parse_args("v", "v", "v", "is", "is", "is")
    def col2im(g, x, output_size, kernel_size, dilation, padding, stride):
        axes = len(stride) or len(dilation) or len(padding) or symbolic_helper._get_tensor_sizes(kernel_size)[0]
        return g.op("Col2Im", x, output_size, kernel_size, dilations_i=dilation or [1] * axes,
                    pads_i=[p for p in padding for _ in range(2)] or [0, 0] * axes, strides_i=stride or [1] * axes)

    def unfold(g, x, dimension, size, step):
        from torch.onnx import symbolic_opset12

        own = symbolic_opset12.unfold  # (registered from opset 12: FIRST_OPSET)
        rank = symbolic_helper._get_tensor_rank(x)
        dim, k, s = (symbolic_helper._maybe_get_const(v, "i") for v in (dimension, size, step))
        if rank is None or any(symbolic_helper._is_value(v) for v in (dim, k, s)) or symbolic_helper._get_tensor_dim_size(x, dim) is not None:
            # (torch's own, given a negative axis as the positive one: given -1 it puts the windows on the wrong axis)
            return own(g, x, dim % rank if rank and not symbolic_helper._is_value(dim) else dimension, size, step)
        dim %= rank
        length = g.op("Gather", g.op("Shape", x), const(g, dim), axis_i=0)
        windows = g.op("Add", g.op("Div", g.op("Sub", length, const(g, k)), const(g, s)), const(g, 1))
        starts = g.op("Mul", g.op("Range", const(g, 0), windows, const(g, 1)), const(g, s))
        column = g.op("Unsqueeze", starts, axes_i=[1]) if g.opset < 13 else g.op("Unsqueeze", starts, const(g, [1]))  # (axes an input from 13)
        index = g.op("Add", column, const(g, [list(range(k))]))
        y = g.op("Gather", x, index, axis_i=dim)
        return g.op("Transpose", y, perm_i=[*range(dim + 1), *range(dim + 2, rank + 1), dim + 1])

    def resized(rank: int, mode: str, **attrs):
        """torch's Resize of upsample_{mode} (``_interpolate_helper``), with ``attrs`` set on it."""
        own = symbolic_helper._interpolate_helper(op, rank, mode)

        def resize(g, x, output_size, *args):
            y = own(g, x, output_size, *args)
            node = y.node()
            for key, value in attrs.items():
                (node.s_ if isinstance(value, str) else node.f_ if isinstance(value, float) else node.i_)(key, value)
            return y

        return resize

    # (antialiased: the filter renormalized at the borders, as PyTorch's; its bicubic is PIL's, Keys' a = -0.5.
    #  nearest-exact: PyTorch's source index floor((i + 0.5) * in / out))
    antialiased = dict(antialias=1, exclude_outside=1)
    exact = dict(coordinate_transformation_mode="half_pixel", nearest_mode="round_prefer_ceil")

    def repeat_interleave(g, x, repeats, dim=None, output_size=None):
        from torch.onnx import symbolic_opset13

        try:
            r, d = (symbolic_helper._maybe_get_const(v, "i") for v in (repeats, dim))
        except ValueError:  # (repeats a tensor of several)
            r = d = None
        sizes = symbolic_helper._get_tensor_sizes(x)
        if r.__class__ is not int or d.__class__ is not int or not sizes or None in sizes:  # (torch's own: tensor repeats, no dim, a size not known)
            return symbolic_opset13.repeat_interleave(g, x, repeats, dim, output_size)
        d %= len(sizes)  # each element r times in a row: a new axis after d, tiled r times, merged into d
        tiled = g.op("Tile", g.op("Unsqueeze", x, const(g, [d + 1])), const(g, [r if i == d + 1 else 1 for i in range(len(sizes) + 1)]))
        return g.op("Reshape", tiled, const(g, [*sizes[:d], sizes[d] * r, *sizes[d + 1 :]]))

    def sdpa(g, query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
        from torch.onnx import symbolic_opset14

        gqa = symbolic_helper._maybe_get_const(enable_gqa, "b") if enable_gqa is not None else False
        q, k = symbolic_helper._get_tensor_sizes(query), symbolic_helper._get_tensor_sizes(key)
        rank = symbolic_helper._get_tensor_rank(key)
        if gqa and q and k and len(q) == len(k) >= 3 and q[-3] and k[-3] and q[-3] % k[-3] == 0:
            group = q[-3] // k[-3]  # (query heads per key-value head)
            key, value = (repeat_interleave(g, t, const(g, group), const(g, len(k) - 3)) for t in (key, value))
            enable_gqa = g.op("Constant", value_t=torch.tensor(False))
        elif gqa and rank is not None and rank >= 3 and symbolic_helper._get_tensor_rank(query) == rank:
            key, value = (heads_like(g, t, query, rank) for t in (key, value))
            enable_gqa = g.op("Constant", value_t=torch.tensor(False))
        return symbolic_opset14.scaled_dot_product_attention(g, query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)

    def heads_like(g, x, query, rank: int):
        """Each head of ``x`` [..., Hk, S, D] repeated for its group of the query's Hq heads
        (repeat_interleave by Hq / Hk along axis -3), the head counts computed in the graph (from
        Shape): a trace that does not know them (Sapiens2's rotary table from an If)."""
        shape, q_heads = g.op("Shape", x), g.op("Slice", g.op("Shape", query), const(g, [rank - 3]), const(g, [rank - 2]))
        part = lambda a, b: g.op("Slice", shape, const(g, [a]), const(g, [b]))  # noqa: E731
        group = g.op("Div", q_heads, part(rank - 3, rank - 2))
        spread = g.op("Expand", g.op("Unsqueeze", x, const(g, [rank - 2])), g.op("Concat", part(0, rank - 2), group, part(rank - 2, rank), axis_i=0))
        return g.op("Reshape", spread, g.op("Concat", part(0, rank - 3), q_heads, part(rank - 2, rank), axis_i=0))

    def movedim(g, x, source, destination):
        from torch.onnx import symbolic_opset9

        rank = symbolic_helper._get_tensor_rank(x)
        ends = [symbolic_helper._maybe_get_const(v, "t") for v in (source, destination)]
        if rank and all(isinstance(t, torch.Tensor) for t in ends):  # (axes counted from the end, from the start: torch's then fuses transposes right)
            source, destination = (g.op("Constant", value_t=t.reshape(-1).to(torch.int64) % rank) for t in ends)
        return symbolic_opset9.movedim(g, x, source, destination)

    def tensor_split(g, x, indices_or_sections, dim, _outputs=None):
        from torch.onnx import symbolic_opset13

        sizes = symbolic_helper._get_tensor_sizes(x)
        given, d = symbolic_helper._maybe_get_const(indices_or_sections, "t"), symbolic_helper._maybe_get_const(dim, "i")
        n = sizes[d % len(sizes)] if sizes and d.__class__ is int else None
        parts = []
        if n and isinstance(given, torch.Tensor) and given.dim() <= 1 and not given.is_floating_point():
            if given.dim() == 0:  # (a number of pieces, tsl's gated_tanh: the first n % k one longer, as torch cuts them)
                k = int(given)
                parts = [n // k + 1] * (n % k) + [n // k] * (k - n % k) if k > 0 else []
            else:
                bounds = [0, *(min(max(c + n if c < 0 else c, 0), n) for c in given.tolist()), n]
                if bounds == sorted(bounds):  # (cut points in order: consecutive pieces, what Split writes)
                    parts = [b - a for a, b in zip(bounds, bounds[1:])]
        if parts:
            pieces = g.op("Split", x, const(g, parts), axis_i=d % len(sizes), outputs=len(parts))
            return g.op("prim::ListConstruct", *pieces) if len(parts) > 1 else g.op("prim::ListConstruct", pieces)  # (a Tensor[], as the trace has it)
        return symbolic_opset13.tensor_split(g, x, indices_or_sections, dim, _outputs)

    def kron(g, a, b):
        ra, rb = symbolic_helper._get_tensor_rank(a), symbolic_helper._get_tensor_rank(b)
        if ra is None or rb is None:
            return symbolic_helper._unimplemented(op, "operands of unknown rank", a)
        n = max(ra, rb)
        a, b = (g.op("Unsqueeze", t, const(g, list(range(n - r)))) if r < n else t for t, r in ((a, ra), (b, rb)))
        spread = g.op("Mul", g.op("Unsqueeze", a, const(g, list(range(1, 2 * n, 2)))), g.op("Unsqueeze", b, const(g, list(range(0, 2 * n, 2)))))
        return g.op("Reshape", spread, g.op("Mul", g.op("Shape", a), g.op("Shape", b)))

    @symbolic_helper.parse_args("v", "f", "i", "f")
    def renorm(g, x, p, dim, maxnorm):
        rank = symbolic_helper._get_tensor_rank(x)
        if rank is None:
            return symbolic_helper._unimplemented(op, "input of unknown rank", x)
        axes = [a for a in range(rank) if a != dim % rank]  # (torch refuses a 1-D input: there are other axes)
        if p in (1.0, 2.0):
            norm = reduce(g, "ReduceL1" if p == 1.0 else "ReduceL2", x, axes)
        else:
            norm = g.op("Pow", reduce(g, "ReduceSum", g.op("Pow", g.op("Abs", x), number(g, x, p)), axes), number(g, x, 1.0 / p))
        limit = number(g, x, maxnorm)
        scale = g.op("Where", g.op("Greater", norm, limit), g.op("Div", limit, g.op("Add", norm, number(g, x, 1e-7))), number(g, x, 1.0))
        return g.op("Mul", x, scale)

    @symbolic_helper.parse_args("v", "v", "i", "f")
    def loss(g, x, y, reduction, limit=0.0):
        """|x - y| (l1_loss; smooth_l1_loss's beta, huber_loss's delta: quadratic below ``limit``), then
        reduction 0 none, 1 mean, 2 sum."""
        d = g.op("Abs", g.op("Sub", x, y))
        if limit > 0:
            smooth = op == "aten::smooth_l1_loss"  # (smooth L1: 0.5 d^2 / beta, else d - 0.5 beta; Huber: 0.5 d^2, else delta (d - 0.5 delta))
            half_square = g.op("Mul", g.op("Mul", d, d), number(g, x, 0.5 / limit if smooth else 0.5))
            linear = g.op("Sub", d, number(g, x, 0.5 * limit))
            d = g.op("Where", g.op("Less", d, number(g, x, limit)), half_square, linear if smooth else g.op("Mul", linear, number(g, x, limit)))
        if reduction == 0:
            return d
        return g.op("ReduceMean" if reduction == 1 else "ReduceSum", d, keepdims_i=0)

    def vdot(g, a, b):
        from torch.onnx import symbolic_opset9

        return symbolic_opset9.dot(g, a, b)

    @symbolic_helper.parse_args("v", "i")
    def channel_shuffle(g, x, groups):
        sizes = symbolic_helper._get_tensor_sizes(x)
        if not sizes or len(sizes) < 2 or sizes[1] is None:
            return symbolic_helper._unimplemented(op, "channels not known", x)
        split = g.op("Reshape", x, const(g, [0, groups, sizes[1] // groups, -1]))
        return g.op("Reshape", g.op("Transpose", split, perm_i=[0, 2, 1, 3]), g.op("Shape", x))

    def convolution_mode(g, x, weight, bias, stride, padding, dilation, groups):
        from torch.onnx import symbolic_opset9

        y = symbolic_opset9._convolution_mode(g, x, weight, bias, stride, padding, dilation, groups)
        node, sizes, dilations = y.node(), symbolic_helper._get_tensor_sizes(weight), symbolic_helper._get_const(dilation, "is", "dilation")
        if node.kind() == "onnx::Conv" and node.hasAttribute("auto_pad") and node.s("auto_pad") == "SAME_UPPER" and any(d > 1 for d in dilations) \
                and sizes and None not in sizes[2:]:  # fmt: skip
            total = [d * (k - 1) for d, k in zip(dilations, sizes[2:])]
            node.removeAttribute("auto_pad")
            node.is_("pads", [t // 2 for t in total] + [t - t // 2 for t in total])
        return y

    @symbolic_helper.parse_args("v", "v", "v", "v", "v", "f", "f")
    def batch_norm_no_training(g, x, weight, bias, mean, var, momentum, eps):  # (values, and the saved mean and rstd nothing reads)
        if symbolic_helper._is_none(weight) or symbolic_helper._is_none(bias):
            return symbolic_helper._unimplemented(op, "a BatchNorm without affine parameters", x), None, None
        return g.op("BatchNormalization", x, weight, bias, mean, var, epsilon_f=eps, momentum_f=1 - momentum), None, None

    def core_softmax(name: str):  # (core ATen's _softmax / _log_softmax: the axis softmax of opset 13, half_to_float not written)
        @symbolic_helper.parse_args("v", "i", "b")
        def fn(g, x, dim, half_to_float):
            return g.op(name, x, axis_i=dim)

        return fn

    return {"aten::vdot": vdot, "aten::channel_shuffle": channel_shuffle, "aten::_native_batch_norm_legit_no_training": batch_norm_no_training,
            "aten::_softmax": core_softmax("Softmax"), "aten::_log_softmax": core_softmax("LogSoftmax"), "aten::native_channel_shuffle": channel_shuffle,
            "aten::_convolution_mode": convolution_mode, **{o: resized(int(o[-2]) + 2, "nearest", **exact) for o in NEAREST_EXACT}, "aten::diff": diff, "aten::kron": kron, "aten::renorm": renorm, "aten::rms_norm": rms_norm, "aten::expm1": expm1, **pools, "aten::col2im": col2im, "aten::unfold": unfold, "aten::movedim": movedim,
            "aten::tensor_split": tensor_split,
            "aten::_upsample_bilinear2d_aa": resized(4, "linear", **antialiased), "aten::_upsample_bicubic2d_aa": resized(4, "cubic", **antialiased, cubic_coeff_a=-0.5),
            "aten::repeat_interleave": repeat_interleave, "aten::scaled_dot_product_attention": sdpa, **dict.fromkeys(LOSSES, loss)}[op]
