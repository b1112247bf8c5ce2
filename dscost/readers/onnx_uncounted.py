"""Why an ONNX node is uncounted, said precisely: what an If/Loop/Scan body holds and the
graph's weights it reads (:func:`subgraph_summary`, :func:`outer_refs`), where, up the
graph, shapes were lost for an "unknown shape" reason (:func:`where_lost`), and the notes on
nodes that cannot run (:func:`cannot_run_notes`).

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

from dscost.layers import Uncounted
from dscost.readers.handlers import FFT_REASON, few
from dscost.readers.onnx_node import CANNOT_RUN, GRAPH_CANNOT_RUN, LEARNED_TYPES, TYPE_ERROR


def cannot_run_notes(uncounted: list[Uncounted], refused: list[str], misshapen: list[str] = ()) -> list[str]:
    """The notes on a graph that onnxruntime cannot run: nodes whose shapes contradict each other,
    nodes whose inputs' element types do (both uncounted), and nodes of an element type their op
    does not take (``refused``, "'name' (op: input i ...)") or of a scale of a shape it does not
    (``misshapen``): counted, the arithmetic is the same."""
    notes = []
    if contradicted := [u.name for u in uncounted if CANNOT_RUN in u.reason]:
        notes.append(f"{len(contradicted)} node(s) whose shapes (or indices) contradict each other ({few(map(repr, contradicted))}): the graph cannot run at "
                     f"these input shapes (a size fixed when it was exported?), so the counts after them are not the model's at this size")  # fmt: skip
    if mistyped := [u.name for u in uncounted if TYPE_ERROR in u.reason]:
        notes.append(f"{len(mistyped)} node(s) whose element types contradict each other ({few(map(repr, mistyped))}): {TYPE_ERROR} "
                     f"(onnxruntime refuses to load it), so the counts after them are not the model's")  # fmt: skip
    if refused:
        notes.append(f"{len(refused)} node(s) with inputs of element types their op does not take ({few(refused, '; ')}): onnxruntime refuses to load "
                     "the file as it is (a type error); they are counted as the arithmetic they name")  # fmt: skip
    if misshapen:
        notes.append(f"{len(misshapen)} node(s) with a quantization scale of a shape their op does not take ({few(misshapen, '; ')}): onnxruntime "
                     "refuses to run the file as it is; they are counted as the arithmetic they name")  # fmt: skip
    return notes


def node_bodies(node):
    """Every graph ``node`` holds (If branches, Loop/Scan bodies) and every graph nested in them."""
    for a in node.attribute:
        yield from _bodies(a)


def _bodies(attr):
    """The graphs an attribute holds (``g``, ``graphs``) and every graph nested in them."""
    stack = [attr.g] if attr.HasField("g") else list(attr.graphs)
    while stack:
        g = stack.pop()
        yield g
        for n in g.node:
            for a in n.attribute:
                stack.extend([a.g] if a.HasField("g") else a.graphs)


def subgraph_summary(node) -> str:
    """'subgraph not counted: then_branch: 527 nodes (Constant x185, ...); else_branch: ...'."""
    from collections import Counter

    parts = []
    for a in node.attribute:
        if not a.HasField("g") and not a.graphs:
            continue
        counts = Counter(n.op_type for g in _bodies(a) for n in g.node)
        ops = ", ".join(f"{op} x{c}" for op, c in counts.most_common(4))
        parts.append(f"{a.name}: {sum(counts.values())} nodes ({ops})" if ops else f"{a.name}: empty")
    return "subgraph not counted: " + "; ".join(parts)


def body_params(node) -> int:
    """Elements of the weights the bodies of ``node`` hold themselves (tensors of a learned type
    and more than one element, as initializers or Constant nodes: spox writes a body's weights as
    the latter): params of the node when it is uncounted, as the enclosing graph's tensors it
    reads are (:func:`outer_refs`)."""
    tensors = [t for g in node_bodies(node) for t in g.initializer]
    tensors += [a.t for g in node_bodies(node) for n in g.node if n.op_type == "Constant" for a in n.attribute if a.HasField("t")]
    return sum(prod(t.dims) for t in tensors if t.data_type in LEARNED_TYPES and prod(t.dims) > 1)


def outer_refs(node) -> list[str]:
    """The tensors of the enclosing graph that the subgraphs of ``node`` (If, Loop, Scan, nested
    too) read by name: what their nodes consume that no subgraph makes or declares."""
    made: set[str] = set()
    read: dict[str, None] = {}
    for g in node_bodies(node):
        made.update(t.name for t in g.initializer)
        made.update(vi.name for vi in g.input)
        for n in g.node:
            made.update(n.output)
            read.update(dict.fromkeys(n.input))
    return [t for t in read if t and t not in made]


# Ops whose output size is the data's to say: shapes after them are unknown by nature.
# onnxruntime contrib ops whose work is set by run-time values, not by shapes: why each has no handler.
_PAST_LENGTH = "its keys' length is the run-time value of past_sequence_length, not a shape (the cache is a buffer of the maximum length)"
_PACKED = "its sequences' lengths are the run-time values of cumulative_sequence_length, not a shape"
_REPLAY = "it replays state rows that the run-time values of its metadata input (offsets, geometry, kept_count) choose"
_GENERATION = "a generation loop: how many steps it runs depends on the data; count its decoder's own ONNX file"
_COMPILED = "a compiled blob for one device ({}): its work is inside the blob, not in ONNX ops; count the model it was compiled from"
CONTRIB_RUNTIME = {"DecoderMaskedMultiHeadAttention": _PAST_LENGTH, "DecoderMaskedSelfAttention": _PAST_LENGTH,
                   "PackedAttention": _PACKED, "PackedMultiHeadAttention": _PACKED,
                   "SparseAttention": "its work is set by the values of its block mask (block_row_indices, block_col_indices)",
                   "BeamSearch": _GENERATION, "GreedySearch": _GENERATION, "Sampling": _GENERATION, "WhisperBeamSearch": _GENERATION,
                   "PagedAttention": "its keys' lengths are the run-time values of its block tables and sequence lengths, not shapes",
                   "VarlenCausalConvWithState": _PACKED, "Rfft": FFT_REASON, "Irfft": FFT_REASON,
                   "DecoderAttention": "its work (self or cross attention, with or without its key and value cache) is set by the run-time "
                                       "values of its flag inputs static_kv, use_past and has_layer_state",
                   "LongformerAttention": "its global tokens, which attend to every token and every token to them, are the run-time values "
                                          "of its global attention flags, not a shape",
                   "DynamicSparseAttention": "the keys each query attends to are the run-time values of selected_indices and selected_counts "
                                             "(an external selector's), not a shape",
                   "WordConvEmbedding": "its convolution runs over each word's characters up to the word's length, which the data "
                                        "(its non-zero character ids) sets",
                   "RemovePadding": "its output, the tokens left without padding, has a length that the run-time values of "
                                    "sequence_token_count set",
                   "ConvStateReplay": _REPLAY, "GatedDeltaNetStateReplay": _REPLAY,
                   "SpeculativePrefixCommit": "integer bookkeeping of a speculative decoding step (which draft tokens are accepted and "
                                              "committed depends on the data): no arithmetic to count",
                   "Unique": "its output size depends on the data",
                   "DynamicTimeWarping": "its output, the alignment path, has a length that depends on the data",
                   "SparseToDenseMatMul": "its work is set by the number of nonzeros its sparse A holds (its values), not by a shape",
                   "EPContext": _COMPILED.format("an execution provider's context cache"), "Snpe": _COMPILED.format("a SNPE DLC"),
                   "Tokenizer": "a string op: no arithmetic to count, and its output size depends on the strings",
                   "MurmurHash3": "a hash: bit mixing over each element's bytes, as many as a string holds (the data's)",
                   "BifurcationDetector": "its output's length depends on the data: where the predicted tokens diverge from the source",
                   "QOrderedLongformerAttention": "its global tokens, which attend to every token and every token to them, are the run-time "
                                                  "values of its global attention flags, not a shape",
                   "SparsePagedAttention": "the keys each query attends to are the run-time values of selected_indices and selected_counts, "
                                           "its cache lengths those of past_seqlens and its block table, not shapes",
                   "PackedSparseAttentionIndexer": "its requests' lengths and states are the run-time values of cumulative_sequence_lengths, "
                                                   "past_sequence_lengths and past_state_lengths, not shapes",
                   "PackedSparseAttentionIndexerMerge": "a merge of index lists: no arithmetic to count, and its work is set by the values "
                                                        "of its counts",
                   "SparseAttentionIndexer": "the blocks or entries each query scores are set by the run-time values of its mask and "
                                             "past_sequence_length, and its two policies (qsa, csa) pool, score and select differently: "
                                             "not counted"}  # fmt: skip


def contrib_reason(op: str) -> str:
    """Why a com.microsoft op without a handler is uncounted."""
    why = CONTRIB_RUNTIME.get(op)
    return f"onnxruntime contrib op {op!r}: " + (why if why else "no cost handler")


DATA_SIZED = {"NonZero": "its output size depends on the data", "NonMaxSuppression": "the number of boxes it keeps depends on the data",
              "Unique": "its output size depends on the data", "Compress": "its output size depends on the condition's values",
              "Loop": "its outputs depend on its trip count", "If": "its output shapes depend on the branch taken"}  # fmt: skip
# Standard ops without a handler, and why (said after "no cost handler for op type ...")
NO_HANDLER = {"NonMaxSuppression": DATA_SIZED["NonMaxSuppression"], "Unique": DATA_SIZED["Unique"],
              "DFT": FFT_REASON, "STFT": FFT_REASON.replace("per transform", "per frame"),
              "ImageDecoder": "its work depends on the encoded image: its format and size are the data's",
              "TfIdfVectorizer": "its work depends on which n-grams the data holds",
              **dict.fromkeys(("StringNormalizer", "StringConcat", "StringSplit", "RegexFullMatch"), "a string op: no arithmetic to count")}  # fmt: skip


def no_handler_reason(op: str, node=None) -> str:
    if op == "ATen" and node is not None:
        return aten_reason(node)
    return f"no cost handler for op type {op!r}" + (f" ({NO_HANDLER[op]})" if op in NO_HANDLER else "")


def aten_reason(node) -> str:
    """Why an ATen node (torch.onnx's ONNX_ATEN_FALLBACK, domain "" or org.pytorch.aten) is
    uncounted, naming the PyTorch op of its ``operator`` attribute (and ``overload_name``)."""
    said = {a.name: a.s.decode("utf-8", "replace")[:80] for a in node.attribute if a.name in ("operator", "overload_name") and a.type == 3}
    if not said.get("operator"):
        return "PyTorch ATen fallback op without an 'operator' attribute: which PyTorch op it runs is not said"
    full = f"aten::{said['operator']}" + (f".{said['overload_name']}" if said.get("overload_name") else "")
    return (f"PyTorch ATen fallback op {full!r} (torch.onnx's ONNX_ATEN_FALLBACK: a PyTorch kernel, no ONNX op; only PyTorch or Caffe2 runs it): "
            f"export with a newer opset or register a symbolic")  # fmt: skip


# Ops whose output shape is the value of an input: unknown when that value is computed at run time.
VALUE_SHAPED = ("ConstantOfShape", "Reshape", "Expand", "Tile", "Slice", "Range", "Resize", "Upsample", "Pad", "TopK", "OneHot",
                "Split", "Squeeze", "Unsqueeze", "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ConstantFill", "DynamicSlice")  # fmt: skip


def _as_shape(node) -> bool:
    """A ConstantFill (onnx_legacy) whose input's value is its shape."""
    return any(a.name == "input_as_shape" and a.i for a in node.attribute)


def where_lost(uncounted: list[Uncounted], lost: list[tuple[int, str]], shapes: dict, g, names: list[str], external: set[str] = frozenset()) -> None:
    """Name, in each "unknown shape" reason (``lost``: (index in ``uncounted``, the tensor whose
    shape is unknown)), the node where shape knowledge was lost: up the
    producers of the unknown tensor, the first node whose input shapes are all known (or that
    has none) but whose output shape is not -- a NonZero, a TopK whose k is computed at run
    time, a custom op, a shape stored as external data (``external``: the initializers that are) -- and,
    where the data sized it, that ``--measure-sizes`` counts them."""
    made_by = {}
    consts = {t.name for t in g.initializer} | {o for node in g.node if node.op_type == "Constant" for o in node.output}
    for node, name in zip(g.node, names):
        for t in node.output:
            if t:
                made_by[t] = (name, node.op_type, node.input, node)
    found: dict[str, str | None] = {}
    cannot = {u.name: u.reason.removeprefix("cannot derive cost: ") for u in uncounted if GRAPH_CANNOT_RUN in u.reason}  # (nodes that say why themselves)
    for index, tensor in lost:
        t, seen, origin = tensor, set(), None
        while t in made_by and t not in seen and t not in found:
            seen.add(t)
            name, op, ins, node = made_by[t]
            unknown = next((i for i in ins if i and shapes.get(i) is None), None)
            if unknown is None:
                shaping = ins if op in ("ConstantOfShape", "Range") or (op == "ConstantFill" and _as_shape(node)) else ins[1:]  # (with constants only: onnx's inference gave up)
                computed = op in VALUE_SHAPED and any(i and i not in consts for i in shaping)
                stored = next((i for i in shaping if i in external), None) if op in VALUE_SHAPED else None
                why = DATA_SIZED.get(op) or cannot.get(name) or ("a shape-giving input's value is computed at run time" if computed else
                      f"its shape-giving input {stored!r} is stored as external data, which dscost does not open (nor does onnxruntime's shape inference): "
                      f"saved with onnx's default size_threshold, small tensors stay in the file" if stored
                      else "onnx shape inference left its output open")  # fmt: skip
                origin = f"{name} ({op}: {why})" + ("; --measure-sizes counts them at one run" if op in DATA_SIZED or computed else "")
                break
            t = unknown
        else:
            origin = found.get(t)
        for s in seen:
            found[s] = origin
        found[tensor] = origin
        if origin:
            u = uncounted[index]
            uncounted[index] = replace(u, reason=f"{u.reason}; shapes lost at {origin}")
