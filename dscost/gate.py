"""Budget gates: limits checked against an :class:`~dscost.cost.Analysis`.

Pure: no I/O, no Rich, no third-party imports.  The CLI builds a
:class:`Limits` from flags or a budget-file entry, analyses the model and calls
:func:`evaluate`; the renderers in :mod:`dscost.report` print the result.

Limit keys (the same names as in budget files):

``max_macs``
    Total MACs (or FLOPs = 2 x MACs with the FLOPs convention).
``max_params``
    Learnable parameters (weights + biases + norm params; no BN buffers).
``max_weight_bytes``
    Learnable parameters x bytes per element of ``dtype``
    (fp32 4, fp16/bf16 2, int8 1; default: each weight at its own type, as the model stores it,
    :func:`dscost.dtypes.weight_size`, int4 half a byte).  BN running statistics are not counted.
``max_peak_activation_bytes``
    Peak live activation memory at ``dtype``: the most activation bytes held at one step of a
    sequential run in graph order (:mod:`dscost.memory`; a tensor is freed after its last
    consumer, model outputs stay live to the end).
``max_layer_macs``
    MACs (FLOPs) of the most expensive single layer.
``max_standard_conv_share``
    MACs in standard convs (type ``conv``: groups 1, kernel > 1x1) / total MACs.
``max_remaining_savings``
    ``1 - all_separable.macs / totals.macs``: the share of MACs that converting
    every remaining standard conv to depthwise-separable would still save.

A limit holds when ``actual <= limit`` -- exactly at the limit passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from dscost.dtypes import DTYPE_BYTES, resolve_dtype, resolve_weight_dtype, weight_bytes as packed_bytes, weight_size  # bytes per element of the weight dtypes ``max_weight_bytes`` understands
from dscost.layers import STANDARD

COUNT_UNITS = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
BYTE_UNITS = {**COUNT_UNITS, "KI": 2**10, "MI": 2**20, "GI": 2**30, "TI": 2**40}

# The largest limit accepted (10^30, far beyond any real model): bigger values
# are typos (1e999) and would overflow float formatting downstream.
MAX_QUANTITY = 10**30

_QUANTITY = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)\s*$", re.ASCII)  # (ASCII: no other script's digits)


def parse_quantity(value: object, *, byte_units: bool = False) -> int:
    """A non-negative whole count from ``600M``, ``4.5M``, ``1e9``, ``1_000``, ``12000`` or an int.

    Units K/M/G/T are powers of 1000 (case-insensitive).  With ``byte_units``
    also Ki/Mi/Gi/Ti (powers of 1024) and an optional trailing ``B``
    (``20MB``, ``16MiB``).  Raises ValueError with a short reason otherwise.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a number like 600M, got {value!r}")
    if isinstance(value, int):
        number = Decimal(value)
        unit = ""
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"expected a finite number, got {value!r}")
        number = Decimal(repr(value))
        unit = ""
    elif isinstance(value, str):
        if value.strip().endswith("%"):
            raise ValueError(f"{value!r} is a percentage; this limit takes a count like 600M, 4.5M or 1e9")
        m = _QUANTITY.match(value.replace("_", ""))
        if not m:
            raise ValueError(f"cannot parse {value!r}; expected a number with an optional unit K/M/G/T, like 600M, 4.5M or 1e9")
        if m.group(1).lstrip("+-")[:1] == "0" and m.group(1).lstrip("+-")[1:2].isdigit():  # (YAML 1.1 and C read 0700 as octal 448)
            raise ValueError(f"{value!r} has a leading 0 (octal in YAML 1.1 and C); write the number without it")
        try:
            number = Decimal(m.group(1))
        except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
            raise ValueError(f"cannot parse {value!r}") from None
        given = m.group(2)
        unit = given.upper()
        if byte_units and unit.endswith("B"):
            unit = unit[:-1]
    else:
        raise ValueError(f"expected a number like 600M, got {type(value).__name__}")
    units = BYTE_UNITS if byte_units else COUNT_UNITS
    if unit not in units:
        allowed = "K/M/G/T, Ki/Mi/Gi/Ti, optional B" if byte_units else "K/M/G/T (bytes units are for byte limits)" if unit.rstrip("B") in BYTE_UNITS else "K/M/G/T"
        raise ValueError(f"unknown unit {given!r} in {value!r}; use {allowed}")
    if number < 0:
        raise ValueError(f"{value!r} is negative; limits must be >= 0")
    if number > MAX_QUANTITY:  # checked before scaling, so 1e999999 cannot overflow Decimal
        raise ValueError(f"{value!r} is too large; limits must be at most 1e30")
    total = number * units[unit]
    if total > MAX_QUANTITY:
        raise ValueError(f"{value!r} is too large; limits must be at most 1e30")
    if total != total.to_integral_value() or (number and not total):
        raise ValueError(f"{value!r} is not a whole number")
    return int(total)


MIN_SHARE = Fraction(1, 10**12)


# A count limit written without a unit and below this is almost always a forgotten M or G
# (``--max-macs 600`` meant 600M: no conv net is that small).  It is accepted, with a warning.
UNITLESS_WARN_BELOW = 10**4


def missing_unit(value: object, *, byte_units: bool = False) -> str | None:
    """The warning for a count limit written without a unit and below :data:`UNITLESS_WARN_BELOW`
    (``600`` -> "600 has no unit ...; did you mean 600M? ..."); None for any other value,
    including ones :func:`parse_quantity` refuses (it says why)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, str):
        m = _QUANTITY.match(value.replace("_", ""))
        if not m or m.group(2):
            return None
    try:
        count = parse_quantity(value, byte_units=byte_units)
    except ValueError:
        return None
    if not 0 < count < UNITLESS_WARN_BELOW:
        return None
    text = str(value).strip()
    exact = f"{Decimal(count) / 1000:f}".rstrip("0").rstrip(".") + "K"
    return (
        f"{text} has no unit, so it means {count:,}; a limit below {UNITLESS_WARN_BELOW:,} is almost always "
        f"a forgotten unit: did you mean {count}M? (write {exact} to keep exactly {count:,})"
    )


def parse_share(value: object) -> Fraction:
    """A share in [0, 1] from ``0.25``, ``25%`` or ``"0.25"``, kept exact as a Fraction."""
    if isinstance(value, bool):
        raise ValueError(f"expected a share like 0.25 or 25%, got {value!r}")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise ValueError(f"expected a finite share, got {value!r}")
        share = Fraction(Decimal(repr(value)) if isinstance(value, float) else value)
    elif isinstance(value, str):
        text = value.strip()
        percent = text.endswith("%")
        if percent:
            text = text[:-1].strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"cannot parse {value!r}; this limit takes a share like 0.25 or 25%") from None
        if not number.is_finite():
            raise ValueError(f"expected a finite share, got {value!r}")
        share = Fraction(number) / (100 if percent else 1)
    else:
        raise ValueError(f"expected a share like 0.25 or 25%, got {type(value).__name__}")
    if not 0 <= share <= 1:
        raise ValueError(f"{value!r} is not a share between 0 and 1 (or 0% and 100%)")
    if 0 < share < MIN_SHARE:
        raise ValueError(f"{value!r} is below the smallest share dscost compares ({float(MIN_SHARE):g}); use 0 for none at all")
    return share


def parse_threshold(value: str) -> tuple[str, int | Fraction]:
    """``--fail-on-increase``: ``5%`` -> ("relative", 1/20); ``10M`` -> ("absolute", 10_000_000)."""
    text = value.strip()
    if text.endswith("%"):
        try:
            number = Decimal(text[:-1].strip())
        except InvalidOperation:
            raise ValueError(f"cannot parse {value!r}; expected a percentage like 5% or an amount like 10M") from None
        if not number.is_finite() or number < 0:
            raise ValueError(f"{value!r} must be a non-negative percentage")
        if number > MAX_QUANTITY:
            raise ValueError(f"{value!r} is too large; percentages must be at most 1e30%")
        return "relative", Fraction(number) / 100
    return "absolute", parse_quantity(text)


# --------------------------------------------------------------------------
# Limits and results


@dataclass(frozen=True)
class Limits:
    """The limits of one model; ``None`` means unchecked."""

    max_macs: int | None = None
    max_params: int | None = None
    max_weight_bytes: int | None = None
    max_peak_activation_bytes: int | None = None
    dtype: str | None = None  # None: the model's own weight type (dtypes.resolve_dtype)
    max_layer_macs: int | None = None
    max_standard_conv_share: Fraction | None = None
    max_remaining_savings: Fraction | None = None

    def any(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self) if f.name.startswith("max_"))


# The order results are listed in; ``kind`` tells renderers how to print values.
LIMIT_KEYS = (
    ("max_macs", "count"),
    ("max_params", "count"),
    ("max_weight_bytes", "bytes"),
    ("max_peak_activation_bytes", "bytes"),
    ("max_layer_macs", "count"),
    ("max_standard_conv_share", "share"),
    ("max_remaining_savings", "share"),
)


def unit_warnings(values: dict, label) -> dict[str, str]:
    """``{key: f"{label(key)}: {warning}"}`` for the count and byte limits of ``values`` (raw values
    by limit key, e.g. a budget entry) written without a unit (:func:`missing_unit`)."""
    out = {}
    for key, kind in LIMIT_KEYS:
        warning = missing_unit(values.get(key), byte_units=kind == "bytes") if kind != "share" else None
        if warning:
            out[key] = f"{label(key)}: {warning}"
    return out


def parser(key: str):
    """The parser of limit ``key``'s values (``max_weight_bytes`` -> byte quantities, shares -> :func:`parse_share`)."""
    kind = dict(LIMIT_KEYS)[key]
    if kind == "share":
        return parse_share
    return (lambda t: parse_quantity(t, byte_units=True)) if kind == "bytes" else parse_quantity


@dataclass(frozen=True)
class LimitResult:
    key: str  # e.g. "max_macs"
    label: str  # e.g. "MACs", "FLOPs", "weight bytes (fp16)"
    kind: str  # "count" | "bytes" | "share"
    limit: int | Fraction
    actual: int | Fraction
    detail: str = ""  # e.g. the layer behind max_layer_macs

    @property
    def passed(self) -> bool:
        return self.actual <= self.limit

    @property
    def headroom(self) -> int | Fraction:
        """limit - actual (negative when exceeded)."""
        return self.limit - self.actual

    @property
    def headroom_pct(self) -> float | None:
        """Headroom as a percentage of the limit; None for a zero limit."""
        if self.limit == 0:
            return None
        return float(Fraction(self.headroom) / Fraction(self.limit) * 100)


@dataclass
class ModelResult:
    name: str  # model name
    path: str  # the file as given/matched
    results: list[LimitResult] = field(default_factory=list)
    # Ops dscost could not count (Model.uncounted): the counts are then lower bounds.
    uncounted: list[str] = field(default_factory=list)  # op types, sorted, unique
    uncounted_nodes: int = 0
    inputs: list[tuple] = field(default_factory=list)  # the input shapes counted (Model.inputs)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> list[LimitResult]:
        return [r for r in self.results if not r.passed]


@dataclass
class CheckReport:
    convention: str  # "macs" | "flops"
    models: list[ModelResult] = field(default_factory=list)
    budget: str | None = None  # the budget file, if any
    warnings: list[str] = field(default_factory=list)  # one line each: an exceeded limit written without its unit
    strict: bool = False  # uncounted ops fail the check

    @property
    def passed(self) -> bool:
        return all(m.passed for m in self.models) and not (self.strict and self.has_uncounted)

    def model_passed(self, m: ModelResult) -> bool:
        """``m`` holds its limits and, under ``strict``, every op of it was counted."""
        return m.passed and not (self.strict and m.uncounted_nodes)

    @property
    def has_uncounted(self) -> bool:
        return any(m.uncounted_nodes for m in self.models)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1


def _share(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def standard_conv_share(analysis) -> Fraction:
    """MACs in standard (type ``conv``) layers / total MACs; 0 for a model without MACs."""
    std = sum(layer.cost.macs for layer in analysis.layers if layer.type == STANDARD)
    return _share(std, analysis.totals.macs)


def remaining_savings(analysis) -> Fraction:
    """1 - all_separable.macs / totals.macs; 0 for a model without MACs."""
    if not analysis.totals.macs:
        return Fraction(0)
    return 1 - Fraction(analysis.all_separable.macs, analysis.totals.macs)


def weight_bytes(analysis, dtype: str | None) -> int:
    """Learnable params x bytes per element of ``dtype``; None: each weight at its own type
    (:func:`dscost.dtypes.weight_size`; low-bit ones, int4, packed)."""
    return packed_bytes(analysis.totals.params, weight_size(dtype, analysis.model))


def evaluate(analysis, limits: Limits, *, flops: bool = False, path: str = "") -> ModelResult:
    """Check every set limit of ``limits`` against ``analysis``.

    With ``flops`` the MAC limits (max_macs, max_layer_macs) count FLOPs = 2 x MACs;
    shares are the same in both conventions.
    """
    if limits.dtype is not None and limits.dtype not in DTYPE_BYTES:
        raise ValueError(f"unknown dtype {limits.dtype!r}; expected one of {', '.join(DTYPE_BYTES)}")
    dtype = resolve_dtype(limits.dtype, analysis.model)[0]
    types = list(analysis.model.weight_types) if limits.dtype is None else []  # (each weight at its own type: int4 and fp16 ones)
    wdtype = " + ".join(types) if len(types) > 1 else resolve_weight_dtype(limits.dtype, analysis.model)
    factor = 2 if flops else 1
    unit = "FLOPs" if flops else "MACs"
    out = ModelResult(analysis.model.name, path or analysis.model.source)
    out.uncounted = sorted({u.op for u in analysis.model.uncounted})
    out.uncounted_nodes = len(analysis.model.uncounted)
    out.inputs = list(analysis.model.inputs)
    if limits.max_macs is not None:
        out.results.append(LimitResult("max_macs", unit, "count", limits.max_macs, factor * analysis.totals.macs))
    if limits.max_params is not None:
        out.results.append(LimitResult("max_params", "params", "count", limits.max_params, analysis.totals.params))
    if limits.max_weight_bytes is not None:
        out.results.append(
            LimitResult(
                "max_weight_bytes",
                f"weight bytes ({wdtype})",
                "bytes",
                limits.max_weight_bytes,
                weight_bytes(analysis, limits.dtype),
            )
        )
    if limits.max_peak_activation_bytes is not None:
        from dscost.memory import model_memory

        mem = model_memory(analysis.model, dtype, analysis.totals.params)
        out.results.append(
            LimitResult(
                "max_peak_activation_bytes", f"peak activations ({dtype})", "bytes", limits.max_peak_activation_bytes, mem.peak_bytes, f"at {mem.peak_layer}" if mem.peak_layer else ""
            )
        )
    if limits.max_layer_macs is not None:
        top = max(analysis.layers, key=lambda layer: layer.cost.macs, default=None)
        actual = factor * top.cost.macs if top is not None else 0
        out.results.append(
            LimitResult("max_layer_macs", f"largest layer {unit}", "count", limits.max_layer_macs, actual, top.name if top is not None else "")
        )
    if limits.max_standard_conv_share is not None:
        out.results.append(
            LimitResult("max_standard_conv_share", "standard conv share", "share", limits.max_standard_conv_share, standard_conv_share(analysis))
        )
    if limits.max_remaining_savings is not None:
        out.results.append(
            LimitResult("max_remaining_savings", "remaining separable savings", "share", limits.max_remaining_savings, remaining_savings(analysis))
        )
    return out
