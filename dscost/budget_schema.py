"""The budget file's Pydantic models and JSON Schema (`dscost check --budget`, `dscost schema budget`).

A budget file lists models (files or globs, relative to the budget file) and the limits
each must hold; `dscost check --budget budget.yaml` checks them all, and `dscost check MODEL...
--budget budget.yaml` the models given, each against the entries naming it and those without
a path.  The top level is a mapping {convention?, budgets: [entries]}, the list of entries, or
one entry's keys (beside convention?).  Counts take
units (600M, 4.5M, 1e9), shares take 0.25 or 25%; parsing lives in :mod:`dscost.gate` so the
CLI flags use the same rules.  Kept apart from :mod:`dscost.spec` so that reading a layer spec
builds only the layer models.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, PrivateAttr, WithJsonSchema, model_validator

from dscost import gate
from dscost.options import DIM_MAX, INPUT_DTYPES

# --input-shape's element types and their aliases
_InputDtype = Literal[tuple(name for name, aliases in INPUT_DTYPES.items() for name in (name, *aliases))]  # type: ignore[valid-type]

_COUNT_SCHEMA = {
    "anyOf": [
        {"type": "integer", "minimum": 0},
        {"type": "string", "pattern": r"^\s*[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*[kKmMgGtT]?\s*$"},
    ],
    "description": "A whole non-negative count: 600000000, 600M, 4.5M, 1e9 (units K/M/G/T = 10^3..10^12).",
}
_BYTES_SCHEMA = {
    "anyOf": [
        {"type": "integer", "minimum": 0},
        {"type": "string", "pattern": r"^\s*[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*([kKmMgGtT][iI]?)?[bB]?\s*$"},
    ],
    "description": "Bytes: 17000000, 17M, 17MB (K/M/G/T = 10^3..), 16MiB (Ki/Mi/Gi/Ti = 2^10..).",
}
_SHARE_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "string", "pattern": r"^\s*(\d+(\.\d*)?|\.\d+)\s*%?\s*$"},
    ],
    "description": "A share between 0 and 1, or a percentage: 0.25 or 25%.",
}

CountLimit = Annotated[int, BeforeValidator(gate.parse_quantity), WithJsonSchema(_COUNT_SCHEMA)]
ByteLimit = Annotated[int, BeforeValidator(lambda v: gate.parse_quantity(v, byte_units=True)), WithJsonSchema(_BYTES_SCHEMA)]
ShareLimit = Annotated[
    Any,
    BeforeValidator(gate.parse_share),
    PlainSerializer(float, return_type=float),
    WithJsonSchema(_SHARE_SCHEMA),
]


# A size: a positive integer, strictly (YAML's yes/on/true is no 1, nor 224.0 a size)
_Size = Annotated[int, Field(gt=0, le=DIM_MAX, strict=True)]


class BudgetEntry(BaseModel):
    """One model (or glob of models) and the limits it must hold."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = Field(
        None,
        min_length=1,
        description="Model file (.yaml spec, .onnx, .tflite, a Hugging Face config.json) or glob, relative to the budget file; or a PyTorch target: "
        "path/file.py:factory (relative to the budget file) or package.module:factory. Left out: the entry holds for "
        "the models given on the command line (dscost check MODEL... --budget FILE).",
    )
    name: str | None = Field(None, description="Label shown in reports instead of the model name.")
    width: float | None = Field(None, gt=0, strict=True, description="Width multiplier for YAML specs (as `--width-multiplier`/`-a`).")
    resolution: _Size | Annotated[list[_Size], Field(min_length=2, max_length=2)] | None = Field(
        None, description="Input resolution R or [H, W] for YAML specs (as `--resolution`)."
    )
    input_shapes: dict[str, list[_Size]] | list[_Size] | None = Field(
        None,
        description="Shapes of symbolic ONNX inputs or PyTorch forward parameters, e.g. {input: [1, 3, 224, 224]}, "
        "or one shape [1, 3, 224, 224] for a PyTorch module's single input (as `--input-shape`).",
    )
    input_dtypes: dict[str, _InputDtype] | _InputDtype | None = Field(
        None,
        description="Element types of a PyTorch module's inputs by forward parameter name, e.g. {input_ids: int64}, or one type for its "
        "single input; integer inputs are zeros, float ones random (as `--input-shape input_ids=1x128:int64`).",
    )
    dims: dict[str, Annotated[int, Field(ge=0, strict=True)]] | None = Field(
        None, description="Values of symbolic dimensions of an ONNX graph's inputs by name, e.g. {sequence_length: 128} (as `--dim`)."
    )
    input_values: dict[str, bool | int] | None = Field(
        None,
        description="Values of one-element flag inputs of an ONNX graph by name; an If on one counts the branch that runs, e.g. {use_cache_branch: 1}; "
        "of a PyTorch module: its forward's flags, e.g. {interpolate_pos_encoding: true} (as `--input-value`).",
    )
    kwargs: dict[str, Any] | None = Field(None, description="Keyword arguments of a PyTorch target's factory (as `--kwargs`).")
    measure_sizes: bool | None = Field(
        None, description="ONNX graphs and PyTorch modules: size what depends on the data (NonZero, NMS, R-CNN proposals, experts' rows) by one onnxruntime "
        "run and count it at that run (as `--measure-sizes`).",
    )
    meta: bool | None = Field(
        None, description="PyTorch factories: build the model on the meta device (shapes without values) and count it from its shapes, "
        "its weights never made (as `--meta`).",
    )
    max_macs: CountLimit | None = Field(None, description="Total MACs (FLOPs with `--flops` or convention: flops).")
    max_params: CountLimit | None = Field(None, description="Learnable parameters (weights + biases + norm params).")
    max_weight_bytes: ByteLimit | None = Field(None, description="Learnable parameters x bytes per element of `dtype` (without it, each weight at its own type, as the model stores it).")
    max_peak_activation_bytes: ByteLimit | None = Field(
        None, description="Peak live activation memory of a sequential run in graph order, at `dtype` (see the README's Memory section)."
    )
    dtype: Literal["fp32", "fp16", "bf16", "int8"] | None = Field(
        None,
        description="Element dtype for max_weight_bytes and max_peak_activation_bytes: fp32 4, fp16/bf16 2, int8 1 byte "
        "(default: the model's own types -- each weight at its own, int4 at half a byte; the activations at the type of most of the "
        "weights, or of the activations where the model's weights are of another type: 4-bit, weight-only or dynamically quantized, "
        "fp16 computed in fp32; fp32 when it has none).",
    )
    max_layer_macs: CountLimit | None = Field(None, description="MACs (FLOPs) of any single layer.")
    max_standard_conv_share: ShareLimit | None = Field(None, description="Share of MACs in standard (non-separable) convs.")
    max_remaining_savings: ShareLimit | None = Field(
        None, description="Fail if converting the remaining standard convs to depthwise-separable would still save more than this share of MACs."
    )

    @model_validator(mode="after")
    def _has_a_limit(self) -> BudgetEntry:
        if not self.limits().any():
            raise ValueError(f"{f'entry for {self.path!r}' if self.path else 'the entry'} sets no limit; set at least one max_* key")
        return self

    def limits(self) -> gate.Limits:
        return gate.Limits(
            max_macs=self.max_macs,
            max_params=self.max_params,
            max_weight_bytes=self.max_weight_bytes,
            max_peak_activation_bytes=self.max_peak_activation_bytes,
            dtype=self.dtype,
            max_layer_macs=self.max_layer_macs,
            max_standard_conv_share=self.max_standard_conv_share,
            max_remaining_savings=self.max_remaining_savings,
        )

    def load_options(self) -> dict:
        """Reader options (only the ones set)."""
        res = tuple(self.resolution) if isinstance(self.resolution, list) else self.resolution
        if isinstance(self.input_shapes, list):
            shapes = {"": tuple(self.input_shapes)} if self.input_shapes else None
        else:
            shapes = {k: tuple(v) for k, v in self.input_shapes.items()} if self.input_shapes else None
        dtypes = {"": self.input_dtypes} if isinstance(self.input_dtypes, str) else self.input_dtypes or None
        pairs = (("width", self.width), ("resolution", res), ("input_shapes", shapes), ("input_dtypes", dtypes), ("dims", dict(self.dims) if self.dims else None),
                 ("input_values", dict(self.input_values) if self.input_values else None), ("kwargs", self.kwargs),
                 ("measure_sizes", True if self.measure_sizes else None), ("meta", True if self.meta else None))  # fmt: skip
        return {k: v for k, v in pairs if v is not None}


_Convention = Annotated[
    Literal["macs", "flops"] | None,
    Field(description="Unit of max_macs/max_layer_macs: macs (default) or flops (2 x MACs); must agree with `--flops` if both are given."),
]


class Budget(BaseModel):
    """A budget file: `dscost check --budget budget.yaml`."""

    model_config = ConfigDict(extra="forbid")

    convention: _Convention = None
    budgets: list[BudgetEntry] = Field(min_length=1, description="The models and their limits.")
    _single: bool = PrivateAttr(False)  # (written as OneBudget: no budgets[i] to name in messages)


class OneBudget(BudgetEntry):
    """A budget file that is one entry, its keys at the top level: `max_macs: 600M` alone checks
    the models given on the command line."""

    convention: _Convention = None

    def budget(self) -> Budget:
        entry = BudgetEntry.model_construct(**{k: getattr(self, k) for k in BudgetEntry.model_fields})  # (validated as self)
        budget = Budget(convention=self.convention, budgets=[entry])
        budget._single = True
        return budget


def budget_json_schema() -> dict:
    """JSON Schema of budget files (`dscost schema budget`): a mapping with `budgets`, or the bare list of entries."""
    schema = Budget.model_json_schema()
    defs = {"Budget": schema, **schema.pop("$defs", {}), "OneBudget": OneBudget.model_json_schema()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "dscost budget file",
        "description": "Limits checked by `dscost check --budget FILE`: a mapping with `budgets`, the bare list of entries, or one entry's keys.",
        "anyOf": [{"$ref": "#/$defs/Budget"}, {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/BudgetEntry"}}, {"$ref": "#/$defs/OneBudget"}],
        "$defs": defs,
    }
