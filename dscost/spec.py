"""Pydantic models of the YAML files users write: layer specs and budget files.

Validation only: turning a validated spec into layers (shape propagation) is
the job of :mod:`dscost.readers.spec_reader`.
"""

from __future__ import annotations

# ---------------------------------------------------------------- layer specs
#
# A spec is a mapping {name?, description?, input: [C, *spatial], batch?, layers: [...]}.
# Each layer is a mapping with a `type` (see LAYER_TYPES); a mapping without a
# `type` but with `layers` is a group, repeated `repeat` times.  Every layer may
# have a `name` (default `<type><position>`) and an `input` (default: the previous
# layer's output).  Feature-map sizes are never written: the reader propagates them.
# Strict integers everywhere: 3.5, true and "3" are not dimensions.

from typing import Annotated, Any, Literal, Union  # noqa: E402

from pydantic import (  # noqa: E402
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Strict,
    Tag,
    field_validator,
)

from dscost.cost import ACTIVATION_OPS  # noqa: E402
from dscost.options import DIM_MAX  # noqa: E402  (a size past int32 is a typo; products of such sizes still fit a float)

# `identity` is a zero-cost shape op in specs; `prelu` has learnable slopes the
# activation formula does not count, so it is not offered.
SPEC_ACTIVATIONS: tuple[str, ...] = tuple(k for k in ACTIVATION_OPS if k not in ("identity", "prelu"))
RESERVED_NAMES = ("input", "_in")

Dim = Annotated[int, Strict(), Field(gt=0, le=DIM_MAX)]
NonNeg = Annotated[int, Strict(), Field(ge=0, le=DIM_MAX)]
LayerName = Annotated[str, Strict(), Field(min_length=1, max_length=200, pattern=r"^[^\s]+$")]
Ref = Annotated[str, Strict(), Field(min_length=1, max_length=200, description="Name of an earlier layer, `input` (the model input) or, inside a group, `_in` (the group iteration's input).")]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _spatial(minimum: int):
    """Validator of an int-or-list field (kernel, stride, dilation: minimum 1; padding: minimum 0)."""
    word = "positive" if minimum else "non-negative"

    def check(v: Any) -> int | list[int]:
        if _is_int(v):
            if not minimum <= v <= DIM_MAX:
                raise ValueError(f"must be a {word} integer up to {DIM_MAX}, got {v}")
            return v
        if isinstance(v, list) and 1 <= len(v) <= 3 and all(_is_int(x) for x in v):
            if not minimum <= min(v) <= max(v) <= DIM_MAX:
                raise ValueError(f"must be {word} integers up to {DIM_MAX}, got {v}")
            return list(v)
        raise ValueError(f"expected a {word} integer or a list of 1-3 of them (one per spatial axis), got {v!r}")

    return check


def _padding(v: Any) -> str | int | list[int]:
    if isinstance(v, str):
        if v in ("same", "valid"):
            return v
        raise ValueError(f"expected same, valid, an integer or a list of integers, got {v!r}")
    try:
        return _spatial(0)(v)
    except ValueError:
        raise ValueError(f"expected same, valid, a non-negative integer or a list of them (one per spatial axis), got {v!r}") from None


_DimList = Annotated[list[Dim], Field(min_length=1, max_length=3)]
_NonNegList = Annotated[list[NonNeg], Field(min_length=1, max_length=3)]
Spatial = Annotated[
    Union[int, list[int]],
    PlainValidator(_spatial(1), json_schema_input_type=Union[Dim, _DimList]),
    Field(description="An integer (every spatial axis) or a list with one integer per spatial axis."),
]
Padding = Annotated[
    Union[str, int, list[int]],
    PlainValidator(_padding, json_schema_input_type=Union[Literal["same", "valid"], NonNeg, _NonNegList]),
    Field(description="`same` (output = ceil(input/stride), TF/ONNX SAME_UPPER), `valid` (0), or symmetric padding per side: an integer or one per spatial axis."),
]


class _Layer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: LayerName | None = Field(None, description="Unique layer name; default `<type><position>` (1-based position in its list).")
    input: Ref | None = Field(None, description="Producer of this layer's input; default the previous layer (or the model/group input).")

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, v: str | None) -> str | None:
        if v in RESERVED_NAMES:
            raise ValueError(f"{v!r} is reserved (it names the model or group input)")
        return v


class _Repeatable(_Layer):
    repeat: Dim = Field(1, description="Stack this layer `repeat` times (every copy identical, stride included); names get `.1`, `.2`, ...")


class _Scaled(_Repeatable):
    width_scaled: bool = Field(True, description="Apply the width multiplier (alpha) to `channels`.")


class ConvSpec(_Scaled):
    """Convolution of any rank (kind -- standard, pointwise, depthwise, grouped -- follows from kernel and groups)."""

    type: Literal["conv"]
    channels: Dim = Field(description="Output channels.")
    kernel: Spatial
    stride: Spatial = 1
    padding: Padding = "same"
    dilation: Spatial = 1
    groups: Dim = 1
    bias: bool = False


class PointwiseSpec(_Scaled):
    """1x1 convolution, groups 1."""

    type: Literal["pointwise"]
    channels: Dim
    stride: Spatial = 1
    bias: bool = False


class DepthwiseSpec(_Repeatable):
    """Depthwise convolution: one filter per input channel (groups = input channels); output = input channels x multiplier."""

    type: Literal["depthwise"]
    kernel: Spatial = 3
    stride: Spatial = 1
    padding: Padding = "same"
    dilation: Spatial = 1
    multiplier: Dim = Field(1, description="Depth multiplier: output channels per input channel.")
    bias: bool = False


class DSConvSpec(_Scaled):
    """Depthwise-separable block (MobileNet v1): depthwise kxk -> BN -> act -> pointwise 1x1 -> BN -> act.
    Layers are named `<name>.dw`, `<name>.dw_bn`, `<name>.dw_<act>`, `<name>.pw`, `<name>.pw_bn`, `<name>.pw_<act>`."""

    type: Literal["dsconv"]
    channels: Dim = Field(description="Output channels of the pointwise conv.")
    kernel: Spatial = 3
    stride: Spatial = Field(1, description="Stride of the depthwise conv.")
    padding: Padding = "same"
    dilation: Spatial = 1
    activation: Literal[SPEC_ACTIVATIONS + ("none",)] = "relu"  # type: ignore[valid-type]
    batchnorm: bool = True


class BatchNormSpec(_Layer):
    """Batch normalization over the channel axis (gamma, beta learnable; running mean/var buffers)."""

    type: Literal["batchnorm"]


class ActivationSpec(_Layer):
    """Element-wise activation."""

    type: Literal[SPEC_ACTIVATIONS]  # type: ignore[valid-type]


class PoolSpec(_Layer):
    """Max or average pooling."""

    type: Literal["maxpool", "avgpool"]
    kernel: Spatial
    stride: Spatial | None = Field(None, description="Default: the kernel size.")
    padding: Padding = 0


class GlobalPoolSpec(_Layer):
    """Pool every spatial axis to 1 (output keeps the axes, size 1)."""

    type: Literal["global_avgpool", "global_maxpool"]


class FlattenSpec(_Layer):
    """(N, C, *spatial) -> (N, C*prod(spatial))."""

    type: Literal["flatten"]


class FCSpec(_Layer):
    """Fully connected (linear) layer; its input is flattened (all non-batch axes)."""

    type: Literal["fc"]
    units: Dim
    bias: bool = True
    width_scaled: bool = Field(False, description="Apply the width multiplier to `units` (off by default: classifier outputs keep their size).")


class MergeSpec(_Layer):
    """`add`: element-wise sum of same-shaped inputs (residuals); `concat`: along the channel axis."""

    type: Literal["add", "concat"]
    inputs: Annotated[list[Ref], Field(min_length=2, description="Names of the merged layers (`input`, `_in` allowed).")]

    @field_validator("input", mode="before")
    @classmethod
    def _no_input(cls, v: Any) -> None:
        if v is not None:
            raise ValueError("add/concat take `inputs: [a, b, ...]`, not `input`")
        return None


class ShapeOpSpec(_Layer):
    """Zero-cost layers: dropout and identity."""

    type: Literal["dropout", "identity"]
    rate: Annotated[float, Field(ge=0, lt=1)] | None = Field(None, description="Dropout probability (documentation only).")


class SoftmaxSpec(_Layer):
    type: Literal["softmax"]


class GroupSpec(_Layer):
    """A list of layers repeated `repeat` times.  Inside, names are local: `<group>.<i>.<name>`
    (`<group>.<name>` when repeat is 1), a reference resolves to this iteration's layer first,
    and `_in` is the iteration's input (so identity shortcuts are `{type: add, inputs: [_in, bn2]}`)."""

    type: Literal["group"] = "group"
    repeat: Dim = 1
    layers: Annotated[list["LayerSpec"], Field(min_length=1)]


_TAGS: dict[str, str] = {
    "conv": "conv",
    "pointwise": "pointwise",
    "depthwise": "depthwise",
    "dsconv": "dsconv",
    "batchnorm": "batchnorm",
    **{a: "activation" for a in SPEC_ACTIVATIONS},
    "maxpool": "pool",
    "avgpool": "pool",
    "global_avgpool": "global_pool",
    "global_maxpool": "global_pool",
    "flatten": "flatten",
    "fc": "fc",
    "add": "merge",
    "concat": "merge",
    "dropout": "shape",
    "identity": "shape",
    "softmax": "softmax",
    "group": "group",
}
LAYER_TYPES: tuple[str, ...] = tuple(_TAGS)


def _layer_tag(v: Any) -> str | None:
    if isinstance(v, dict):
        kind = v.get("type")
        if kind is None and "layers" in v:
            return "group"
        return _TAGS.get(kind) if isinstance(kind, str) else None
    kind = getattr(v, "type", None)
    return _TAGS.get(kind) if isinstance(kind, str) else None


LayerSpec = Annotated[
    Union[
        Annotated[ConvSpec, Tag("conv")],
        Annotated[PointwiseSpec, Tag("pointwise")],
        Annotated[DepthwiseSpec, Tag("depthwise")],
        Annotated[DSConvSpec, Tag("dsconv")],
        Annotated[BatchNormSpec, Tag("batchnorm")],
        Annotated[ActivationSpec, Tag("activation")],
        Annotated[PoolSpec, Tag("pool")],
        Annotated[GlobalPoolSpec, Tag("global_pool")],
        Annotated[FlattenSpec, Tag("flatten")],
        Annotated[FCSpec, Tag("fc")],
        Annotated[MergeSpec, Tag("merge")],
        Annotated[ShapeOpSpec, Tag("shape")],
        Annotated[SoftmaxSpec, Tag("softmax")],
        Annotated[GroupSpec, Tag("group")],
    ],
    Discriminator(
        _layer_tag,
        custom_error_type="unknown_layer_type",
        custom_error_message="unknown layer type; valid types: " + ", ".join(LAYER_TYPES),
    ),
]
GroupSpec.model_rebuild()


class LayerSpecFile(BaseModel):
    """A network as a list of layers; dscost propagates the shapes."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="dscost layer spec")

    name: Annotated[str, Strict(), Field(min_length=1, max_length=200)] | None = Field(None, description="Model name; default the file name.")
    description: str | None = Field(None, description="Free text: source, paper, notes.")
    input: Annotated[list[Dim], Field(min_length=1, max_length=4)] = Field(
        description="Input shape without the batch: [C, *spatial] (1-3 spatial axes), or [features] for a flat input."
    )
    batch: Dim = 1
    layers: Annotated[list[LayerSpec], Field(min_length=1)]


def spec_json_schema() -> dict:
    """JSON Schema of a layer-spec file (`dscost schema`)."""
    return LayerSpecFile.model_json_schema()
