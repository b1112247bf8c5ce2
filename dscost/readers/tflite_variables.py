"""TFLite resource variables: the state a streaming model keeps from one inference to the next
(microWakeWord's ring buffers of the frames its convs still need).  The main graph reads each
variable (``VAR_HANDLE`` -> ``READ_VARIABLE``), computes with it, and stores the new state
(``ASSIGN_VARIABLE``); a ``CALL_ONCE`` runs, before the first inference only, a subgraph that
gives each variable its initial value.  Their handlers register in
:mod:`dscost.readers.tflite_ops`' table; the TFLite reader imports this module."""

from __future__ import annotations

from math import prod

from dscost.layers import SHAPE
from dscost.readers.handlers import Result, few
from dscost.readers.tflite_file import TFLiteFile, subgraph_indices
from dscost.readers.tflite_ops import NodeInfo, handles

VARIABLE_OPS = ("VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE")
_DATA = {"VAR_HANDLE": (), "READ_VARIABLE": (0,), "ASSIGN_VARIABLE": (1,)}  # (the handle an op reads is an edge from its VAR_HANDLE too)


@handles(*VARIABLE_OPS)
def variable(info: NodeInfo) -> Result:
    """A handle to a variable, the value read from it, a new value stored in it: data movement,
    zero cost by design.  The value read is state, data as an RNN's state is, not a parameter."""
    return Result(SHAPE, data_inputs=_DATA[info.op])


def _key(op) -> tuple:
    """The variable a VAR_HANDLE names: its (container, shared name), as LiteRT finds it, in
    whichever subgraph (no name is a name too: every handle without one is one variable)."""
    options = op.options or {}
    return (options.get("Container") or b"", options.get("SharedName") or b"")


def read_only(f: TFLiteFile) -> tuple[set[int], set]:
    """The handles of the main graph's variables it reads but never assigns, and those variables:
    parameters held in resource variables (a model converted with its variables: keras-hub's
    backbones), not state.  A READ_VARIABLE of one is a constant of its shape, as a weight is."""
    g = f.graphs[0]
    keys = {o.outputs[0]: _key(o) for o in g.ops if o.opname == "VAR_HANDLE" and o.outputs}
    assigned = {keys.get(o.inputs[0]) for o in g.ops if o.opname == "ASSIGN_VARIABLE" and o.inputs}
    handles = {h for h, k in keys.items() if k not in assigned}
    return handles, {keys[h] for h in handles}


def initialisation(f: TFLiteFile, op, held: set = frozenset()) -> str | None:
    """The note of a ``CALL_ONCE`` whose subgraph only gives resource variables their values
    (``VAR_HANDLE`` and ``ASSIGN_VARIABLE`` alone): a one-time initialisation, no cost per
    inference, and the values it assigns are initial states (a zero state, as an RNN's h0), not
    parameters -- but those of the variables ``held`` (:func:`read_only`: the main graph only
    reads them), which are the model's weights, counted where the graph reads them.  None for
    any other subgraph (it stays an uncounted control-flow op)."""
    indices = subgraph_indices(op)
    if not indices or not all(isinstance(s, int) and 0 < s < len(f.graphs) for s in indices):
        return None
    values: list[tuple[str, int]] = []
    weights = 0
    for s in indices:
        g = f.graphs[s]
        if not g.ops or any(o.opname not in ("VAR_HANDLE", "ASSIGN_VARIABLE") for o in g.ops):
            return None
        keys = {o.outputs[0]: _key(o) for o in g.ops if o.opname == "VAR_HANDLE" and o.outputs}
        for o in g.ops:
            if o.opname == "ASSIGN_VARIABLE" and len(o.inputs) > 1 and 0 <= o.inputs[1] < len(g.tensors):
                t = g.tensors[o.inputs[1]]
                if keys.get(o.inputs[0]) in held:
                    weights += 1
                else:
                    values.append((t.name, prod(t.shape) if t.shape is not None else 0))
    names = ", ".join(repr(f.graphs[s].name) if f.graphs[s].name else str(s) for s in indices)
    said = [f"{len(values)} resource variable(s) their initial values ({few(n for n, _ in values)}: {sum(k for _, k in values):,} elements of state, not parameters)"] if values else []
    if weights:
        said.append(f"{weights} variable(s) the graph only reads their values, the model's weights (counted where the graph reads them)")
    return f"runs subgraph {names} once, before the first inference: it gives {' and '.join(said) or 'no variable a value'}; no cost per inference"
