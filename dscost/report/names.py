"""Names fitted to a terminal's column: a layer's name shortened in the middle, keeping what tells
the rows apart (a path's indexed segment, a module path's index, both sides of a diff's 'a -> b'),
and cells shortened together so that two names never become one text."""

from __future__ import annotations

from dscost.units import cell_width, cut_to_width


def collapse_path(text: str) -> str:
    """Drop the path segments that the next one repeats (PyTorch exports write a module's
    qualified name at every level): '/layer1/layer1.0/conv1/Conv' -> '/layer1.0/conv1/Conv'."""
    parts = text.split("/")
    keep = [p for i, p in enumerate(parts) if not (p and i + 1 < len(parts) and parts[i + 1].startswith(p + "."))]
    return "/".join(keep)


def _drop_plain_head(text: str, width: int) -> str:
    """'/transformer/h.0/mlp/c_fc/Gemm' -> '…/h.0/mlp/c_fc/Gemm': leading path segments without a
    digit (a model's or a container's name, the same in every row) are dropped while the text
    is too long; the first segment with an index (h.0, layer1.0, features.3), which tells the rows
    apart, and the last segment are kept."""
    parts = text.split("/")
    k = 1 if parts[0] == "" else 0
    while len(text) > width and k < len(parts) - 1 and parts[k] and not any(ch.isdigit() for ch in parts[k]):
        k += 1
        text = "…/" + "/".join(parts[k:])
    return text


def _drop_plain_names(text: str, width: int) -> str:
    """'model.layers.0.mlp.gate_proj/MatMul' -> '…layers.0.mlp.gate_proj/MatMul': a module path's
    (PyTorch's dotted names) leading names without a digit are dropped while the text is too
    long, as :func:`_drop_plain_head` drops path segments; a name followed by its index (layers.0)
    or with one (stage4) stays."""
    head, slash, rest = text.partition("/")
    names = head.split(".")
    k = 0
    while len(text) > width and k + 1 < len(names) and not any(ch.isdigit() for ch in names[k]) and not names[k + 1].isdigit():
        k += 1
        text = "…" + ".".join(names[k:]) + slash + rest
    return text


def _indexed_head(text: str) -> str:
    """'…layers.0.mlp.gate_proj/MatMul' -> '…layers.0': up to the first name with a digit (and its index)."""
    names = text[1:].partition("/")[0].split(".")
    i = 0 if any(ch.isdigit() for ch in names[0]) or len(names) == 1 else 1
    if i + 1 < len(names) and names[i + 1].isdigit():
        i += 1
    return "…" + ".".join(names[: i + 1])


def shorten_middle(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters: a path first loses the segments the next one
    repeats (:func:`collapse_path`) and its leading segments without an index
    (:func:`_drop_plain_head`), then the middle is cut with '…', keeping the first segment
    and as much of the end as fits: '/features/features.3/block/block.0/block.0.0/Conv' ->
    '/features.3/block.0.0/Conv' -> '/features.3/…0.0/Conv' (20 characters).  A dotted module
    path loses its leading names without an index (:func:`_drop_plain_names`) and is cut after
    the first with one: 'model.layers.11.mlp.down_proj/MatMul' -> '…layers.11…down_proj/MatMul'.
    A text of wide characters (CJK, emoji: two cells each) is cut in the middle by cells.  A pair
    'a -> b' (a layer that `diff` matched under another name) is shortened side by side, so the
    arrow that tells base from new stays: 'dsconv1.pw_relu -> …age2.expand_relu6'."""
    if len(text) <= width and cell_width(text) <= width:
        return text
    if " -> " in text and width >= 9:
        a, _, b = text.partition(" -> ")
        room, wa, wb = width - 4, cell_width(a), cell_width(b)
        left = min(wa, max(room - wb, room // 2))
        return shorten_middle(a, left) + " -> " + shorten_middle(b, room - left)
    if cell_width(text) != len(text):
        if width <= 1:
            return "…"[:width]
        head = cut_to_width(text, (width - 1) // 2)
        return head + "…" + cut_to_width(text, width - 1 - cell_width(head), end=True)
    if "/" in text:
        text = collapse_path(text)
        if len(text) <= width:
            return text
        text = _drop_plain_head(text, width)
        if len(text) <= width:
            return text
    if not text.startswith(("/", "…")) and "." in text.partition("/")[0]:
        text = _drop_plain_names(text, width)
        if len(text) <= width:
            return text
        head = _indexed_head(text) if text.startswith("…") else ""
        if head and len(head) <= 0.6 * width:  # the rows differ in the index: keep it, cut after it
            return head + "…" + text[len(text) - (width - 1 - len(head)) :]
    if width <= 1:
        return "…"[:width]
    if text.startswith("…/"):  # leading segments already dropped: cut the middle of the rest
        half = (width - 1) // 2
        return text[:half] + "…" + text[len(text) - (width - 1 - half) :]
    cut = text.find("/", 1)
    if "/" in text[cut + 1 :] and 0 < cut + 1 <= 0.6 * width:
        head = text[: cut + 1]
        return head + "…" + text[len(text) - (width - 1 - len(head)) :]
    half = (width - 1) // 2
    return text[:half] + "…" + text[len(text) - (width - 1 - half) :]


def shorten_cells(cells: list[str], width: int) -> list[str]:
    """Each cell by :func:`shorten_middle`; cells it shortens to one text that were two (ViT's
    '/blocks.0/norm1/LayerNormalization' and '.../norm2/...' both '/blocks.0/…LayerNormalization'
    at 80 columns) are cut at the end instead when that tells them apart ('/blocks.0/norm1/Layer…').
    When one cell is too long, every path loses the segments the next one repeats, so that the
    rows read alike ('/blocks.0/attn/qkv/Add' under '/blocks.0/attn/qkv/MatMul')."""
    if any(cell_width(x) > width for x in cells):
        cells = [collapse_path(x) if "/" in x else x for x in cells]
    short = [shorten_middle(x, width) for x in cells]
    sources: dict[str, set[str]] = {}
    for x, s in zip(cells, short):
        sources.setdefault(s, set()).add(x)
    for s, group in sources.items():
        if len(group) < 2:
            continue
        for cut in (_cut_before_op, _cut_end):  # (the op kept where that tells them apart)
            ends = {x: cut(x, width) for x in group}
            if len(set(ends.values())) == len(group):
                short = [ends[x] if y == s else y for x, y in zip(cells, short)]
                break
    return short


def _cut_before_op(text: str, width: int) -> str:
    """``text`` cut at the end of what comes before its last path segment (the op), which is
    kept: 'model.layers.10.post_attention_layernorm/ReduceMean' -> '…layers.10.post_atte…/ReduceMean' in 32
    columns (shortened in the middle, it read as its input_layernorm's twin, '…layers.10…_layernorm/ReduceMean')."""
    text = collapse_path(text) if "/" in text else text
    if not text.startswith(("/", "…")) and "." in text.partition("/")[0]:
        text = _drop_plain_names(text, width)
    head, slash, op = text.rpartition("/")
    room = width - len(op) - 2  # (for '…/')
    if len(text) <= width or not slash or room < 8 or cell_width(text) != len(text):
        return _cut_end(text, width)
    return head[:room] + "…/" + op


def _cut_end(text: str, width: int) -> str:
    """``text`` (a path without the segments the next one repeats) cut at the end to ``width``."""
    text = collapse_path(text) if "/" in text else text
    return text if cell_width(text) <= width else cut_to_width(text, max(width - 1, 0)) + "…"
