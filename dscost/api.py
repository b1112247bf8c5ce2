"""The Python API: what the command line does, as functions returning typed results.

    import dscost

    a = dscost.analyze("models/mobilenet_v1.yaml")          # or .onnx / .tflite / "pkg.mod:factory" / an nn.Module
    a.totals.macs, a.layers[0], a.what_if, a.to_json(), a.by_module(depth=2), a.by_operator()
    c = dscost.compare(dk=3, m=32, n=64, df=112)             # one conv and its separable replacements
    r = dscost.check("models/mobilenet_v1.yaml", max_macs="600M")   # or budget="budget.yaml"; or dscost.check("budget.yaml")

The names in :data:`__all__` (re-exported by ``dscost/__init__.py``) are the public,
stable surface; everything else here is private.  Arguments are parsed by
:mod:`dscost.options`, as the CLI's flags are.
Bad input of any kind raises :class:`dscost.InputError` with a one-line message.
Nothing heavy is imported at module level: ``import dscost`` stays cheap, and torch
is imported only for a PyTorch target or module.
"""

from __future__ import annotations

import functools
import numbers
import os
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from dscost import cost
from dscost.cost import Comparison
from dscost.errors import InputError
from dscost.layers import Cost
from dscost.options import dims_option, input_dtypes_option, input_shapes, input_values_option, layer_geom, parse_dims

if TYPE_CHECKING:
    from dscost.gate import CheckReport

__all__ = ["analyze", "compare", "check", "Analysis", "Comparison", "CheckReport", "InputError"]

def _in_api_terms(fn):
    """``fn``, its InputError's message naming the options as this API's arguments
    (``input_shape={'x': (1, 3, 224, 224)}`` where the CLI says ``--input-shape x=1x3x224x224``)."""

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InputError as err:
            from dscost.wording import api_terms

            err.args = (api_terms(str(err)),)
            raise

    return call


@dataclass
class Analysis(cost.Analysis):
    """What :func:`analyze` returns: :class:`dscost.cost.Analysis` (``model``, ``totals``,
    ``layers``, ``what_if`` per standard conv, ``blocks``, ``all_separable``, ``all_standard``,
    ``shares``), the result every renderer takes, plus :meth:`to_json`."""

    @_in_api_terms
    def to_json(self, flops: bool = False, dtype: str | None = None, hardware: str | None = None, depth: int | None = None) -> dict[str, Any]:
        """The document of `dscost analyze --format json` (exact integers); with the defaults the
        same dict as the CLI prints.  ``dtype`` sizes the roofline's bytes per layer (fp32, fp16,
        bf16, int8) and the memory figures (default: the model's own weight type); ``hardware`` (a preset such as ``"a100"``, or ``"local"``) adds estimated times;
        ``depth`` adds the ``modules`` list of ``--depth``."""
        from dscost.memory import model_memory
        from dscost.report.analyze import analysis_json
        from dscost.roofline import model_roofline, resolve_hardware

        return analysis_json(self, flops=_flag("flops", flops), roofline=model_roofline(self.model, dtype, resolve_hardware(hardware)),
                             memory=model_memory(self.model, dtype, self.totals.params), depth=_whole("depth", depth))

    def __repr__(self) -> str:  # (the dataclass's would print every layer: 35 KB for MobileNet v1)
        t, lost = self.totals, len(self.model.uncounted)
        return (f"<dscost.Analysis of {self.model.name!r}: {len(self.layers):,} layers, {t.macs:,} MACs, {t.params:,} params"
                + (f", {lost:,} uncounted" if lost else "") + ">")  # fmt: skip

    @_in_api_terms
    def to_text(self, fmt: str = "table", flops: bool = False, depth: int | None = None, top: int | None = None, show_all: bool = False) -> str:
        """The report `dscost analyze` writes, as a string: ``fmt`` ``"table"`` (plain text, every
        column, as when piped), ``"markdown"`` or ``"csv"``; ``depth``, ``top`` and ``show_all`` are
        ``--depth``, ``--top`` and ``--all``."""
        import io

        from dscost.memory import model_memory
        from dscost.report.analyze import View, show_analysis

        if fmt not in ("table", "markdown", "csv"):
            raise InputError(f"fmt: choose one of table, markdown, csv (to_json() gives the JSON), got {fmt!r}")
        out = io.StringIO()
        view = View(show_all=_flag("show_all", show_all), depth=_whole("depth", depth), top=_whole("top", top))
        show_analysis(self, fmt, _flag("flops", flops), memory=model_memory(self.model, None, self.totals.params), view=view, out=out)
        return out.getvalue()

    @_in_api_terms
    def by_module(self, depth: int = 1, show_all: bool = False) -> dict[str, Cost]:
        """The summed :class:`~dscost.layers.Cost` (``macs``, ``params``, ...) of each module at
        ``depth``: the rows of ``--depth`` (fvcore's ``by_module``, torchinfo's ``depth``), in the
        order the modules first appear.  Module paths come from the layers' names: ``features.3``
        from a PyTorch module or a spec, ``/features/features.3`` from an ONNX export's node names.
        As in the table, a module of only shape-only layers and shape arithmetic (an exporter's
        ``Identity`` nodes) is left out unless ``show_all`` (``--all``); its MACs and params are 0,
        so the values' MACs and params add up to ``totals`` either way."""
        from dscost.views import rollup

        groups = rollup(self.layers, self.what_if, _whole("depth", depth, optional=False))
        return {g.name: g.cost for g in groups if _flag("show_all", show_all) or not g.hidden}

    def by_operator(self) -> dict[str, Cost]:
        """The summed :class:`~dscost.layers.Cost` of each operator (ONNX op type, TFLite
        builtin, spec layer type; fvcore's ``by_operator``), costliest first, ops that cost
        nothing included."""
        from dscost.views import by_operator

        return {o.op: o.cost for o in by_operator(self.layers)}


# --------------------------------------------------------------------------
# Models


def _torch_module(obj: Any) -> tuple[Any, tuple | None]:
    """``obj`` when it is an nn.Module, the module of a torch.export program (and the example
    inputs it stores), else None."""
    import sys

    torch = sys.modules.get("torch")  # an nn.Module exists only once torch is imported
    if torch is None:
        return None, None
    from dscost.readers.torch_forms import program_inputs, program_module

    module = program_module(obj, torch)
    return (module, program_inputs(obj, torch)) if isinstance(module, torch.nn.Module) else (None, None)


def _is_shape(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and bool(value) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)


def load_model(model: Any, inputs: Any = None, *, input_shape: Any = None, width: float | None = None,
               resolution: int | tuple[int, int] | None = None, kwargs: dict | None = None, progress: bool = False,
               dims: dict[str, int] | None = None, input_values: dict[str, int] | None = None, input_dtypes: Any = None, measure_sizes: bool = False,
               meta: bool = False):
    """The :class:`dscost.layers.Model` of any input :func:`analyze` takes."""  # fmt: skip
    measure_sizes, meta = _flag("measure_sizes", measure_sizes), _flag("meta", meta)
    if inputs is not None and input_shape is not None:
        raise InputError("give either inputs (example inputs) or input_shape, not both")
    if _is_shape(inputs) or isinstance(inputs, str):
        input_shape, inputs = inputs, None
    shapes, dtypes = input_shapes(input_shape)
    dtypes = {**(dtypes or {}), **(input_dtypes_option(input_dtypes) or {})} or None
    dims = dims_option(dims)
    input_values = input_values_option(input_values)
    if isinstance(model, (str, os.PathLike)):
        if inputs is not None:
            raise InputError(f"{model}: example inputs apply to a torch.nn.Module object; give a target's input shape with input_shape=")
        from dscost.readers import load

        if width is not None and not (isinstance(width, (int, float)) and width > 0):
            raise InputError(f"width: must be a number > 0, got {width!r}")
        if resolution is not None:
            res = parse_dims("resolution", resolution)
            if len(res) > 2:
                raise InputError(f"resolution: expected R or (H, W), got {resolution!r}")
            resolution = res[0] if len(res) == 1 else res
        if kwargs is not None and not isinstance(kwargs, dict):
            raise InputError(f"kwargs: expected a dict of keyword arguments, got {type(kwargs).__name__}")
        options = {"width": width, "resolution": resolution, "input_shapes": shapes, "input_dtypes": dtypes, "dims": dims, "input_values": input_values, "kwargs": kwargs, "progress": progress,
                   "measure_sizes": measure_sizes or None, "meta": meta or None}
        return load(os.fspath(model), **options)
    module, stored = _torch_module(model)
    if module is not None:
        given = [k for k, v in (("width", width), ("resolution", resolution), ("kwargs", kwargs), ("dims", dims), ("meta", meta or None)) if v is not None]
        if given:
            raise InputError(f"{given[0]} does not apply to an nn.Module object ({type(model).__name__}); width/resolution apply to YAML layer specs, kwargs and meta to a target's factory"
                             + (" (a module built under `with torch.device('meta'):` is counted from its shapes as it is)" if given[0] == "meta" else ""))  # fmt: skip
        if inputs is None and shapes is None and stored is not None:  # (a torch.export program's, as its .pt2 file's)
            inputs = stored
        model = module
        from dscost.readers.torch_reader import read_module

        return read_module(model, inputs=inputs, input_shapes=shapes, input_dtypes=dtypes, input_values=input_values, measure_sizes=measure_sizes)
    raise InputError(f"expected a model file path, a 'package.module:factory' target or a torch.nn.Module, got a {type(model).__name__}")


def _flag(name: str, value: Any) -> bool:
    """A yes/no option: True or False (None: False) only (``bias="no"`` would be truthy: a bias counted)."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InputError(f"{name}: expected True or False, got {value!r}")
    return value


def _whole(name: str, value: Any, optional: bool = True) -> int | None:
    """A count option (``depth``, ``top``): a whole number >= 1, or None where ``optional``."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise InputError(f"{name}: expected a whole number >= 1, got {value!r}")
    return int(value)


def _is_layer_spec(path: str) -> bool:
    """Whether a YAML file that is no valid budget reads as a layer spec (a mapping with layers)."""
    from dscost.yamlfile import load_yaml

    try:
        data = load_yaml(path)
    except InputError:
        return False
    return isinstance(data, dict) and "layers" in data and "budgets" not in data


# --------------------------------------------------------------------------
# The public functions


@_in_api_terms
def analyze(model: Any, inputs: Any = None, *, input_shape: Any = None, width: float | None = None,
            resolution: int | tuple[int, int] | None = None, kwargs: dict | None = None, dims: dict[str, int] | None = None,
            input_values: dict[str, int] | None = None, input_dtypes: Any = None, measure_sizes: bool = False, meta: bool = False) -> Analysis:
    """Per-layer MACs and params of a model, its totals, Table-2 shares and separable what-ifs.

    ``model``: a YAML layer spec, ONNX or TFLite file path; a PyTorch target
    ``"package.module:factory"`` or ``"path/file.py:factory"`` (``kwargs`` are the factory's
    keyword arguments); or a ``torch.nn.Module`` object.
    ``inputs`` (nn.Module objects): an example input -- a tensor, a tuple of positional
    inputs, a dict of keyword inputs -- or a shape such as ``(1, 3, 224, 224)``.
    ``input_shape``: a shape for a PyTorch module's single forward input, or
    ``{name: shape}`` (ONNX graph inputs, forward parameters); a shape may be ``"1x3x224x224"``.
    ``input_dtypes`` (PyTorch): element types of those inputs, ``{"input_ids": "int64"}``
    (or ``"1x128:int64"`` as the shape); integer inputs are zeros, float ones ``torch.rand``.
    ``dims`` (ONNX): symbolic input dimensions by name, ``{"sequence_length": 128}``.
    ``input_values``: one-element flag inputs of an ONNX graph by name, ``{"use_cache_branch": 1}``
    (an If on one counts the branch that runs); a PyTorch module's forward flags,
    ``{"interpolate_pos_encoding": True}``, given with ``input_shape``.
    ``width`` / ``resolution``: the MobileNet multipliers of a YAML spec.
    ``measure_sizes`` (ONNX, PyTorch): what depends on the data (a ``NonZero``'s rows, the boxes
    after NMS, an R-CNN's proposals, the tokens each expert gets) is sized by one onnxruntime run
    (random inputs; a module's: the inputs it is traced with) and counted at that run.
    ``meta`` (PyTorch targets): the factory is called under ``torch.device("meta")``, so a model
    too big for memory is counted from its shapes, its weights never made (what it imports for the
    first time meanwhile makes its tensors there too).

    Returns :class:`Analysis` (``.totals.macs``, ``.layers``, ``.what_if``, ``.to_json()``):
    the result the CLI renders.  Raises :class:`InputError`.
    """  # fmt: skip
    a = cost.analyze(load_model(model, inputs, input_shape=input_shape, width=width, resolution=resolution, kwargs=kwargs, dims=dims,
                                  input_values=input_values, input_dtypes=input_dtypes, measure_sizes=measure_sizes, meta=meta))  # fmt: skip
    return Analysis(**{f.name: getattr(a, f.name) for f in fields(a)})


@_in_api_terms
def compare(dk: Any = 3, m: int = 32, n: int = 64, df: Any = 112, *, stride: Any = 1, padding: Any = "same",
            dilation: Any = 1, bias: bool = False) -> Comparison:
    """One standard conv (kernel ``dk``, ``m`` -> ``n`` channels, input ``df``) against its
    depthwise, pointwise, separable and spatially separable replacements (MobileNet notation).
    Sizes are an int, a tuple (``dk=(3, 5)``) or a string (``"3x5"``); ``padding`` is
    ``"same"``, ``"valid"`` or pixels per side.  Returns :class:`dscost.cost.Comparison`
    (``.standard.cost.macs``, ``.separable``, ``.ratio``...)."""  # fmt: skip
    return cost.compare(layer_geom(dk, m, n, df, stride, padding, dilation, _flag("bias", bias), prefix=""))


@_in_api_terms
def check(models: Any, *, max_macs: Any = None, max_params: Any = None, max_weight_bytes: Any = None,
          max_peak_activation_bytes: Any = None, dtype: str | None = None,
          max_layer_macs: Any = None, max_standard_conv_share: Any = None, max_remaining_savings: Any = None,
          flops: bool = False, strict: bool = False, input_shape: Any = None, width: float | None = None,
          resolution: int | tuple[int, int] | None = None, kwargs: dict | None = None, dims: dict[str, int] | None = None,
          input_values: dict[str, int] | None = None, input_dtypes: Any = None, measure_sizes: bool = False, meta: bool = False,
          budget: str | os.PathLike | None = None) -> CheckReport:
    """Budget gate.  With limits: check each of ``models`` (one or a list of what :func:`analyze`
    takes) against them.  With ``budget`` (a budget file): check ``models`` (files or PyTorch
    targets) against its entries for them and its entries without a path, as ``dscost check
    MODEL... --budget FILE``.  Without either: ``models`` is a budget file (``dscost check --budget``).

    Counts are ints or strings (``"600M"``, ``4.5e9``), bytes ``"17MB"``/``"16MiB"``, shares
    ``0.05`` or ``"5%"``; ``dtype`` sizes the byte limits (default: each model's own weight
    type, fp32 when it has none).  Returns :class:`dscost.gate.CheckReport` (``.passed``,
    ``.models[i].failures``); it does not raise for a failed limit."""  # fmt: skip
    from dscost import budget as _budget
    from dscost import gate
    from dscost.dtypes import check_dtype
    from dscost.options import limit_option

    flops, strict, measure_sizes, meta = _flag("flops", flops), _flag("strict", strict), _flag("measure_sizes", measure_sizes), _flag("meta", meta)
    texts = dict(max_macs=max_macs, max_params=max_params, max_weight_bytes=max_weight_bytes, max_peak_activation_bytes=max_peak_activation_bytes,
                 max_layer_macs=max_layer_macs, max_standard_conv_share=max_standard_conv_share, max_remaining_savings=max_remaining_savings)  # fmt: skip
    limits = gate.Limits(dtype=check_dtype(dtype) if dtype is not None else None, **{k: limit_option(k, v, gate.parser(k)) for k, v in texts.items()})
    options = {"input_shape": input_shape, "width": width, "resolution": resolution, "kwargs": kwargs, "dims": dims, "input_values": input_values,
               "input_dtypes": input_dtypes, "measure_sizes": measure_sizes or None, "meta": meta or None}  # fmt: skip
    if budget is not None and not isinstance(budget, (str, os.PathLike)):
        raise InputError(f"budget: expected a budget file's path, got a {type(budget).__name__}")
    if budget is not None:
        items = list(models) if isinstance(models, (list, tuple)) else [models]
        if limits.any() or any(v is not None for v in options.values()):
            raise InputError("check: give either budget= or limits (max_macs=...), not both; a budget file sets its own per-model options")
        if not items or not all(isinstance(m, (str, os.PathLike)) for m in items):
            raise InputError("check: with budget=, models are model files or PyTorch targets (paths, strings)")
        report = _budget.check_budget(os.fspath(budget), flops=flops or None, models=[os.fspath(m) for m in items])
    elif not limits.any():
        if not isinstance(models, (str, os.PathLike)):
            raise InputError("check: give limits (max_macs=..., max_params=...) for models, or a budget file path")
        if any(v is not None for v in options.values()):
            raise InputError("check: a budget file sets its own per-model options; input_shape/input_dtypes/width/resolution/kwargs/dims/input_values/measure_sizes/meta apply with limits")
        path = os.fspath(models)
        from dscost.files import regular_file
        from dscost.readers import kind_of, torch_target

        if torch_target(path) is None:
            regular_file(path, "model file")  # (a FIFO, a directory, a missing or empty name: said as such, not "give limits")
        if kind_of(path).name != "spec":
            raise InputError(f"check: {path} is {kind_of(path).label}; give limits (max_macs=..., max_params=...) to check it, or a budget file")
        try:
            report = _budget.check_budget(path, flops=flops or None)
        except InputError:
            if _is_layer_spec(path):
                raise InputError(f"check: {path} is a layer spec, not a budget file; give limits (max_macs=..., max_params=...) to check it") from None
            raise
    else:
        items = list(models) if isinstance(models, (list, tuple)) and not _is_shape(models) else [models]
        if not items:
            raise InputError("check: no models given")
        report = gate.CheckReport("flops" if flops else "macs")
        for item in items:
            label = os.fspath(item) if isinstance(item, (str, os.PathLike)) else type(item).__name__
            try:
                analysis = analyze(item, **options)
            except InputError as err:
                msg = str(err)
                raise InputError(msg if label in msg else f"cannot check {label}: {msg}") from None
            report.models.append(gate.evaluate(analysis, limits, flops=flops, path=_budget.shown_path(label) if isinstance(item, (str, os.PathLike)) else label))
    report.strict = strict
    return report
