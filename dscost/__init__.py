"""dscost: what your convolutions cost, and what they would cost depthwise-separable.

The public Python API (``__all__``) is :func:`analyze`, :func:`compare`, :func:`check`, their
result types and :class:`InputError`; see :mod:`dscost.api`.  The names are resolved lazily
(module ``__getattr__``), so ``import dscost`` -- and the CLI's start-up -- imports nothing else.
"""

__version__ = "0.1.0"

__all__ = ["analyze", "compare", "check", "Analysis", "Comparison", "CheckReport", "InputError", "__version__"]

# public name -> the module that defines it
_LAZY = {
    "analyze": "dscost.api",
    "compare": "dscost.api",
    "check": "dscost.api",
    "Analysis": "dscost.api",
    "Comparison": "dscost.api",
    "CheckReport": "dscost.gate",
    "InputError": "dscost.errors",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dscost' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
