"""Pydantic models of the YAML files users write: layer specs and budget files.

Validation only: turning a validated spec into layers (shape propagation) is
the job of :mod:`dscost.readers.spec_reader`.
"""

from __future__ import annotations

# ---------------------------------------------------------------- layer specs


# --------------------------------------------------------------- budget files
#
# A budget file lists models (files or globs, relative to the budget file) and
# the limits each must hold; `dscost check --budget budget.yaml` checks them all.
# The top level is either a mapping {convention?, budgets: [entries]} or just
# the list of entries.  Counts take units (600M, 4.5M, 1e9), shares take 0.25
# or 25%; parsing lives in dscost.gate so the CLI flags use the same rules.

from typing import Annotated, Any, Literal  # noqa: E402

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema, model_validator  # noqa: E402

from dscost import gate  # noqa: E402

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


class BudgetEntry(BaseModel):
    """One model (or glob of models) and the limits it must hold."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, description="Model file (.yaml spec or .onnx) or glob, relative to the budget file.")
    name: str | None = Field(None, description="Label shown in reports instead of the model name.")
    width: float | None = Field(None, gt=0, description="Width multiplier for YAML specs (as `--width`).")
    resolution: int | None = Field(None, gt=0, description="Input resolution for YAML specs (as `--resolution`).")
    max_macs: CountLimit | None = Field(None, description="Total MACs (FLOPs with `--flops` or convention: flops).")
    max_params: CountLimit | None = Field(None, description="Learnable parameters (weights + biases + norm params).")
    max_weight_bytes: ByteLimit | None = Field(None, description="Learnable parameters x bytes per element of `dtype`.")
    dtype: Literal["fp32", "fp16", "bf16", "int8"] = Field("fp32", description="Weight dtype for max_weight_bytes: fp32 4, fp16/bf16 2, int8 1 byte.")
    max_layer_macs: CountLimit | None = Field(None, description="MACs (FLOPs) of any single layer.")
    max_standard_conv_share: ShareLimit | None = Field(None, description="Share of MACs in standard (non-separable) convs.")
    max_remaining_savings: ShareLimit | None = Field(
        None, description="Fail if converting the remaining standard convs to depthwise-separable would still save more than this share of MACs."
    )

    @model_validator(mode="after")
    def _has_a_limit(self) -> BudgetEntry:
        if not self.limits().any():
            raise ValueError(f"entry for {self.path!r} sets no limit; set at least one max_* key")
        return self

    def limits(self) -> gate.Limits:
        return gate.Limits(
            max_macs=self.max_macs,
            max_params=self.max_params,
            max_weight_bytes=self.max_weight_bytes,
            dtype=self.dtype,
            max_layer_macs=self.max_layer_macs,
            max_standard_conv_share=self.max_standard_conv_share,
            max_remaining_savings=self.max_remaining_savings,
        )

    def load_options(self) -> dict:
        """Reader options (only the ones set)."""
        return {k: v for k, v in (("width", self.width), ("resolution", self.resolution)) if v is not None}


class Budget(BaseModel):
    """A budget file: `dscost check --budget budget.yaml`."""

    model_config = ConfigDict(extra="forbid")

    convention: Literal["macs", "flops"] | None = Field(
        None, description="Unit of max_macs/max_layer_macs: macs (default) or flops (2 x MACs); must agree with `--flops` if both are given."
    )
    budgets: list[BudgetEntry] = Field(min_length=1, description="The models and their limits.")


def budget_json_schema() -> dict:
    """JSON Schema of budget files (`dscost schema budget`): a mapping with `budgets`, or the bare list of entries."""
    schema = Budget.model_json_schema()
    defs = schema.pop("$defs", {})
    mapping = dict(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "dscost budget file",
        "description": "Limits checked by `dscost check --budget FILE`.",
        "anyOf": [mapping, {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/BudgetEntry"}}],
        "$defs": defs,
    }
