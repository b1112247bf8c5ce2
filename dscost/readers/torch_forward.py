"""How a module's forwards run while it is exported (:mod:`dscost.readers.torch_reader`).

Each change is an instance attribute ``forward`` that shadows the class's for the while, set and
restored in the instance's own ``__dict__``: the module and its parameters are the user's own,
untouched, and nothing of the class changes.

- :func:`positional`: the module's forward takes every tensor positionally (no defaults for the
  TorchScript exporter to fill in as traced inputs).
- :func:`batched_experts`: transformers' mixture-of-experts layers run their ``batched_mm``
  implementation: each token through the gathered weights of its top k experts, the work
  inference does, in ops of static shapes.  Their default, ``grouped_mm``, groups the tokens by
  expert at run time (``aten::histc``, which neither torch exporter takes), and ``eager`` loops
  over the experts the data picked (the trace keeps the ones the example input picked, at sizes
  of its own).

Nothing here imports torch or transformers at import time.
"""

from __future__ import annotations

import contextlib

# What transformers' ``use_experts_implementation`` decorator sets on an experts module (5.x)
EXPERTS_ATTRS = ("config", "has_gate", "is_concatenated", "is_transposed", "_is_expert_parallel")


@contextlib.contextmanager
def _shadowed(modules: list, forwards: list):
    """Each module's ``forward`` is the matching function for the while."""
    saved = []
    try:
        for module, forward in zip(modules, forwards):
            own = module.__dict__  # (no __setattr__ or __delattr__ of the class runs)
            saved.append((own, own.get("forward", own)))
            own["forward"] = forward
        yield
    finally:
        for own, before in reversed(saved):
            if before is own:
                del own["forward"]
            else:
                own["forward"] = before


def positional(module, n_args: int, tensor_kwargs: list[str], fixed: dict):
    """For the while, ``module.forward`` takes every tensor positionally (``*inputs``: no
    defaults for an exporter to fill in) and calls the forward as written with the first
    ``n_args`` positionally, the rest by their names, and the non-tensor keyword values
    ``fixed``.  The module itself is exported, so its parameter and scope names stay its own."""
    written = module.forward

    def forward(*inputs):
        return written(*inputs[:n_args], **dict(zip(tensor_kwargs, inputs[n_args:])), **fixed)

    return _shadowed([module], [forward])


def experts_modules(module) -> list:
    """transformers' experts modules in ``module`` that do not run ``batched_mm`` already."""
    found = []
    for m in module.modules():
        if all(hasattr(m, a) for a in EXPERTS_ATTRS) and getattr(m.config, "_experts_implementation", None) != "batched_mm":
            found.append(m)
    return found


def batched_experts(module) -> tuple[contextlib.AbstractContextManager, str]:
    """A context in which transformers' experts modules run ``batched_mm``, and the note that
    says so ('' and no change when there are none, or transformers has no such function)."""
    experts = experts_modules(module)
    if not experts:
        return contextlib.nullcontext(), ""
    try:
        from transformers.integrations.moe import batched_mm_experts_forward
    except ImportError:
        return contextlib.nullcontext(), ""
    was = sorted({str(getattr(m.config, "_experts_implementation", None)) for m in experts})

    def batched(m):
        return lambda *args, **kwargs: batched_mm_experts_forward(m, *args, **kwargs)

    layers = f"{len(experts)} mixture-of-experts layer{'s' * (len(experts) != 1)}"
    note = (f"{layers} exported with transformers' batched_mm experts (each token through its top-k experts' weights), "
            f"not {' / '.join(was)}, whose expert grouping happens at run time")
    return _shadowed(experts, [batched(m) for m in experts]), note


def forward_params(module):
    """The named parameters of ``module.forward`` (no *args/**kwargs), and whether it takes
    *args and **kwargs."""
    import inspect

    P = inspect.Parameter
    schema = getattr(getattr(module, "forward", None), "schema", None)  # (a TorchScript module's forward: no Python signature)
    if schema is not None:
        try:
            return [P(a.name, P.POSITIONAL_OR_KEYWORD, **({"default": a.default_value} if a.has_default_value() else {}))
                    for a in schema.arguments if a.name != "self"], False, False  # fmt: skip
        except (AttributeError, TypeError, ValueError):  # (a name that is no identifier, 'x.1')
            return [], True, True
    try:
        sig = inspect.signature(module.forward)
    except (TypeError, ValueError):
        return [], True, True
    params = [p for p in sig.parameters.values() if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY)]
    var_pos = any(p.kind == P.VAR_POSITIONAL for p in sig.parameters.values())
    var_kw = any(p.kind == P.VAR_KEYWORD for p in sig.parameters.values())
    return params, var_pos, var_kw
