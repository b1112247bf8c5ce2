"""Which constant tensors are parameters, and which layer counts each: the claiming half of
:class:`dscost.readers.onnx_reader._Counter` (its docstring states the rule), as a mixin over the
counter's state -- ``sources`` (a constant's source tensors), ``claimed`` (source -> the layer
that counted it), ``const``, ``const_node``, ``code_constants`` (whether those are values of the model's code), ``shapes``, ``module_tensors``, ``masks``,
``weighted`` (sources that entered a constant through a parameter input), ``provenance``."""

from __future__ import annotations

import itertools
from dataclasses import replace
from math import prod

from dscost.dtypes import ACTIVATION_TYPES, dtype_bits, main_dtype
from dscost.layers import ADD, ELEMENTWISE, FC, MATMUL
from dscost.readers.onnx_node import FLOAT_TYPES, LEARNED_TYPES

# Element types of learned tensors: floats, and 8- and 4-bit integers (quantized values -- a
# quantized embedding table --, never shapes or indices).


# The ops whose input 1 is a weight, and a learned one whatever holds it: a Constant node's
# tensor there says the file stores its parameters in Constant nodes (see params_in_constants).
WEIGHT_OPS = frozenset(("Conv", "ConvTranspose", "Gemm", "MatMul"))


def params_in_constants(graph, initializers) -> bool:
    """True when a file stores its parameters in Constant nodes, as paddle2onnx does: no
    learned initializer of more than one element (top graph: ``initializers``, the stripped
    ones, and ``graph.initializer``), and a Constant node's tensor is the weight (input 1) of a
    Conv, Gemm or MatMul.  Then a Constant node is no sign of a value of the model's code: the
    bias or norm scale an element-wise op adds or multiplies counts as an initializer's would."""
    stored = [(t.dtype, t.dims) for t in initializers.values()] + [(t.data_type, t.dims) for t in graph.initializer]
    if any(dtype in LEARNED_TYPES and prod(dims) > 1 for dtype, dims in stored):
        return False
    made = {t for n in graph.node if n.op_type == "Constant" for t in n.output}
    return bool(made) and any(n.op_type in WEIGHT_OPS and len(n.input) > 1 and n.input[1] in made for n in graph.node)


# Where a graph input may be a parameter: (op, input index) whatever the other inputs are ...
PARAM_INPUTS = {"Conv": (1, 2), "ConvTranspose": (1, 2), "Gemm": (1, 2), "LSTM": (1, 2, 3), "GRU": (1, 2, 3), "RNN": (1, 2, 3), "PRelu": (1,),
                "BatchNormalization": (1, 2, 3, 4), "InstanceNormalization": (1, 2), "LayerNormalization": (1, 2), "GroupNormalization": (1, 2),
                "Gather": (0,)}  # fmt: skip
# ... and where the other operand is computed, not a graph input itself: a matmul's weights, a bias or scale
PARAM_BESIDE_DATA = {"MatMul": (1,), "Add": (0, 1), "Sub": (0, 1), "Mul": (0, 1)}


def params_in_inputs(graph, initializers) -> list[str]:
    """The graph inputs a file without stored weights uses as its weights, as
    ``torch.onnx.export(..., export_params=False)`` writes them: none when the file stores a
    learned initializer of more than one element (``initializers``, the stripped ones, and
    ``graph.initializer``) or its parameters in Constant nodes (:func:`params_in_constants`), or when fewer than two inputs qualify (one, as in onnx's node tests, is
    the existing rule's: counted where a weight goes, see :meth:`Claims._claim_params`).  An input
    qualifies when it is of a float type, of a known shape of more than one element, and every
    node that reads it reads it where a parameter goes (:data:`PARAM_INPUTS`: a Conv's or Gemm's
    weights and bias, an RNN's, a norm's scale, an embedding table; :data:`PARAM_BESIDE_DATA`: a
    MatMul's B, an operand of an Add, Sub or Mul whose other operand the graph computes), and at
    least one other input of the graph does not qualify (the data)."""
    stored = itertools.chain(((t.dtype, t.dims) for t in initializers.values()), ((t.data_type, t.dims) for t in graph.initializer))
    if any(dtype in LEARNED_TYPES and prod(dims) > 1 for dtype, dims in stored) or params_in_constants(graph, initializers):  # (lazily: a big graph's first weight ends it)
        return []  # (a file that stores its weights, as initializers or in Constant nodes: its inputs are data)
    from dscost.readers.onnx_inputs import in_subgraphs

    real = {vi.name for vi in graph.input if vi.name not in initializers}
    computed = {o for n in graph.node if n.op_type != "Constant" for o in n.output}  # (not a literal of the code: x * (1 / 255) keeps x data)
    candidates = set()
    for vi in graph.input:
        tensor = vi.type.tensor_type if vi.type.HasField("tensor_type") else None
        dims = [d.dim_value if d.HasField("dim_value") else 0 for d in tensor.shape.dim] if tensor is not None and tensor.HasField("shape") else [0]
        if vi.name in real and tensor is not None and tensor.elem_type in FLOAT_TYPES and all(d > 0 for d in dims) and prod(dims) > 1:
            candidates.add(vi.name)
    candidates -= in_subgraphs(graph)  # (read by a branch or a loop body too: not judged)
    for node in graph.node:
        op, inputs = node.op_type, node.input
        for k, t in enumerate(inputs):
            if t not in candidates:
                continue
            if node.domain in ("", "ai.onnx") and (k in PARAM_INPUTS.get(op, ()) or k in PARAM_BESIDE_DATA.get(op, ())
                                                    and all(u in computed for j, u in enumerate(inputs[:2]) if j != k)):  # fmt: skip
                continue
            candidates.discard(t)
    weights = [vi.name for vi in graph.input if vi.name in candidates]
    return weights if len(weights) >= 2 and len(weights) < len(real) else []


def add_to(cost, field_name: str, n: int):
    return replace(cost, **{field_name: getattr(cost, field_name) + n}) if n else cost


class Claims:
    """Mixed into the ONNX reader's counter: the methods that claim parameters for a layer, and
    the element types of what they claimed (:meth:`weight_types`)."""

    def _weight_op(self, op: str, attrs: dict, inputs: list[str]) -> None:
        """Of a contrib op with weights: note the (u)int8 sources of a low-bit weight op's packed inputs
        (``packed``: source -> (bits per value, the values' ONNX element type): onnx_contrib_lowbit.packed_bits),
        and whether it quantizes its activations at run time (``dynamic``)."""
        from dscost.readers.onnx_contrib_lowbit import PACKED_OPS, packed_bits, packed_params

        if op in ("DynamicQuantizeMatMul", "MatMulIntegerToFloat", "DynamicQuantizeLSTM"):
            self.dynamic = True
        known = packed_params(op, attrs, [self.shapes.get(t) for t in inputs], self.const.get(inputs[0]) if inputs else None)
        if known is None and op in PACKED_OPS:
            return  # (a node onnxruntime refuses, or a table of unknown shape, uncounted: its weights count as the bytes they store)
        kn = (known or {}).get(1)  # (MatMulNBits' K x N values, whatever its blocks pad)
        for i, (bits, code) in packed_bits(op, attrs).items():
            if i < len(inputs):
                self.packed.update((s, (bits, code, kn if i == 1 else None)) for s in self.sources.get(inputs[i], ()) if self.const.get(s) in (2, 3))

    def _typed_params(self):
        """(source, ONNX element type, elements) of each tensor counted as parameters (initializers,
        Constant nodes, weight graph inputs; not those claimed as buffers); a packed source's
        elements are its values, of ``int<bits>`` (int4), and its type theirs."""
        const, types, packed, not_params, numel = self.const, self.types, self.packed, self.not_params, self._numel
        for s in self.claimed:
            if s in not_params:
                continue
            if s in packed:
                bits, k, kn = packed[s]
                yield s, k, kn or numel(s) * 8 // bits
            else:
                yield s, const.get(s) or types.get(s), numel(s)

    def weight_types(self) -> dict:
        """The elements of the tensors counted as parameters by ONNX element type
        (:meth:`_typed_params`).  Its main_dtype is ``Model.weight_dtype``."""
        elements: dict = {}
        values = 0  # (of packed sources)
        packed = self.packed
        for s, k, n in self._typed_params():
            elements[k] = elements.get(k, 0) + n
            if s in packed:
                values += n
        self.weight_only = 2 * values > sum(elements.values())
        return elements

    def layer_weight_bits(self) -> None:
        """Of a model of weights of several types: each layer's ``weight_bits``, the size of the type
        of most of the weight elements it counts (an int4 projection's 4 beside an fp16 embedding
        table's 16), for the roofline's bytes of each layer."""
        by_layer: dict[str, dict] = {}
        claimed = self.claimed
        for s, k, n in self._typed_params():
            el = by_layer.setdefault(claimed[s], {})
            el[k] = el.get(k, 0) + n
        for layer in self.layers:
            el = by_layer.get(layer.name)
            if el and layer.cost.weights:
                layer.weight_bits = dtype_bits(main_dtype(el)) or 0

    def activation_dtype(self, weight_dtype: str | None) -> str | None:
        """The type of most of the elements of the graph's other tensors of a type dscost sizes
        (main_dtype), where it may not be the weights': weights of a type other than fp32 (an
        fp16 model that computes in fp32 after a Cast of each weight; low-bit weights, int4), but
        not a graph that quantizes its activations itself (int8 weights with int8 or uint8
        tensors between ops: a static quantizer's QDQ or QOperator file, sized at int8 throughout)
        unless they are quantized at run time (``dynamic``: onnxruntime's quantize_dynamic, float
        between ops) or its weights are mostly a weight-only quantizer's (``weight_only``:
        MatMulNBits at 8 bits).  None: the weights' type sizes the activations."""
        if weight_dtype in (None, "fp32"):
            return None
        elements: dict = {}
        for t, k in self.types.items():
            if k in ACTIVATION_TYPES and t not in self.const:
                elements[k] = elements.get(k, 0) + self._numel(t)
        if weight_dtype == "int8" and (elements.get(2) or elements.get(3)) and not self.weight_only and not self.dynamic:
            return None
        return main_dtype(elements)

    def _unclaimed(self, t: str, name: str, learned_only: bool, stored_only: bool = False, masks: bool = False, among=None) -> tuple[int, list[str]]:
        """Elements of ``t``'s sources not counted yet (claimed for ``name`` now); with
        ``learned_only`` only sources of LEARNED_TYPES with more than one element (or a module's parameters); with ``stored_only``
        no Constant node's and no 0-d one (but a module's); ``masks`` (an element-wise op's operands): find which are masks (``onnx_masks``);
        ``among``: only sources in that set."""
        count, taken = 0, []
        for s in self.sources.get(t, ()):
            if s in self.claimed or among is not None and s not in among:
                continue
            module_param = (self.module_tensors or {}).get(s)
            if learned_only and (self.const.get(s) not in LEARNED_TYPES or self._numel(s) <= 1 and not module_param):
                continue
            if stored_only and (s in self.const_node and self.code_constants or self.shapes.get(s) == () and not module_param):  # (0-d: a literal, as deg ** -0.5's)
                continue
            if masks and self._learned(s):  # (not known for a buffer otherwise: read its values)
                self.masks.check(s)
            self.claimed[s] = name
            count += self._numel(s)
            taken.append(s)
            if s in self.weights_in:
                self.provenance.setdefault("graph inputs", []).append(name)
        return count, taken

    def _claim_params(self, name: str, res, inputs: list[str], cost, notes: list[str]):
        """Count the handler's parameter inputs once each; returns (cost, notes, the inputs that are parameters)."""
        params = dict(res.params)
        for i, field_name in res.params.items():
            t = inputs[i]
            numel = self._numel(t)
            if t in self.const:
                elementwise = res.type in (ADD, ELEMENTWISE)
                count, taken = self._unclaimed(t, name, learned_only=False, stored_only=elementwise, masks=elementwise)
                if field_name == "buffers":  # (BN's running statistics: claimed, not params)
                    self.not_params.update(taken)
                stored = self._stored(taken, notes) if self.module_tensors is not None or self.masks else 0
                cost = add_to(add_to(cost, field_name, count - stored - numel), "buffers", stored)
                if not taken:
                    first = next((self.claimed[s] for s in self.sources.get(t, ()) if s in self.claimed), None)
                    if first:
                        notes.append(f"{t!r} shared with {first}, counted there")
                    elif t in self.literals:
                        notes.append(f"{t!r} is a literal (a Constant node of one repeated value, or an identity matrix): not a parameter")
                    else:
                        notes.append(f"{t!r} is computed from literals and shapes only: not a parameter")
                    if not first and field_name == "weights" and (res.conv is not None or res.type in (FC, MATMUL)):
                        self.literal_weights.append(name)
                    continue
                if stored and stored == count:  # (the module's buffers or constants, said so)
                    continue
                if t in self.const_node:
                    notes.append(f"{field_name} {t!r} from Constant node {self.const_node[t]}")
                    self.provenance.setdefault("Constant nodes", []).append(name)
                elif taken != [t]:
                    op = self.producer_op.get(t, "?")
                    notes.append(f"{field_name} {t!r} computed by node {self.producer.get(t, '?')} ({op}) from {', '.join(repr(x) for x in taken)}")
                    self.provenance.setdefault(f"{op} node outputs", []).append(name)
            elif t in self.real_inputs:
                if t in self.claimed:
                    cost = add_to(cost, field_name, -numel)
                    notes.append(f"{t!r} shared with {self.claimed[t]}, counted there")
                    continue
                self.claimed[t] = name
                notes.append(f"{field_name} {t!r} from graph input")
                self.provenance.setdefault("graph inputs", []).append(name)
            else:  # computed from activations: data, not a parameter
                cost = add_to(cost, field_name, -numel)
                del params[i]
        return cost, notes, params

    def _claim_rest(self, name: str, inputs: list[str], indices, cost, notes: list[str], elementwise: bool = False, field_name: str = "weights"):
        """Learned float constants among the other inputs, counted as weights (the class docstring's rule), or as
        ``field_name`` (an Add's or Sub's: biases, as its float operands are -- a learned bias quantized to int32).
        ``cost`` None: return the count alone (an uncounted node); ``elementwise``: an element-wise op's, whose masks are buffers (``onnx_masks``)."""
        total = buffered = 0
        for i in indices:
            t = inputs[i] if i < len(inputs) else ""
            if not t or t not in self.const:
                continue
            count, taken = self._unclaimed(t, name, learned_only=True, stored_only=True, masks=elementwise)
            stored = self._stored(taken, notes) if self.module_tensors is not None or self.masks else 0
            if count > stored:
                total += count - stored
                notes.append(f"{field_name} {', '.join(repr(x) for x in taken if self._learned(x))}: a learned tensor consumed here")
            buffered += stored
        if cost is None:
            return total
        return add_to(add_to(cost, field_name, total), "buffers", buffered)

    def _claim_states(self, name: str, states: list[str], cost, notes: list[str]):
        """An RNN's initial states are state, not parameters, even when stored (a zero state);
        but one computed by a layer on constants (TFT's state networks: a Linear on a fixed
        vector) holds that layer's weights, counted here, where the computed state is used."""
        total = 0
        for t in states:
            if not t or t not in self.const:
                continue
            count, learned = self._unclaimed(t, name, learned_only=False, among=self.weighted)
            stored = self._stored(learned, notes) if self.module_tensors is not None or self.masks else 0
            if count > stored:
                total += count - stored
                notes.append(f"weights {', '.join(repr(x) for x in learned if self._learned(x))}: computed into the initial state {t!r}")
                self.provenance.setdefault(f"{self.producer_op.get(t, '?')} node outputs", []).append(name)
            cost = add_to(cost, "buffers", stored)
        return add_to(cost, "weights", total)

    def _learned(self, t: str) -> bool:
        if t in self.masks:
            return False
        return self.module_tensors is None or self.module_tensors.get(t, t not in self.const_node)

    def _stored(self, taken: list[str], notes: list[str]) -> int:
        """Elements of ``taken`` that are a PyTorch module's buffers or constants (read_onnx's
        ``module_tensors``) or masks (``onnx_masks``), said in a note."""
        stored = [t for t in taken if not self._learned(t)]
        self.not_params.update(stored)
        masks = [t for t in stored if t in self.masks]
        if masks:
            notes.append(f"buffers {', '.join(map(repr, masks))}: infinities or the type's largest value, as a mask holds, not learned parameters")
        if len(masks) < len(stored):
            notes.append(f"buffers {', '.join(repr(t) for t in stored if t not in masks)}: the module's buffers or constants, not learned parameters")
        return sum(self._numel(t) for t in stored)
