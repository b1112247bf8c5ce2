"""YAML layer spec -> :class:`dscost.layers.Model`.

The spec (validated by :class:`dscost.spec.LayerSpecFile`) lists layers; this
module expands shorthands (``dsconv``, ``repeat``, groups), resolves names,
propagates shapes from the input and computes every cost with the formulas of
:mod:`dscost.cost`.  Shapes in the produced layers include the batch axis.

Naming: a layer's default name is ``<type><position>`` (1-based, within its
list).  ``repeat: n`` on a layer makes ``name.1`` .. ``name.n``; a group makes
``group.i.inner`` (``group.inner`` when repeat is 1); a ``dsconv`` makes
``name.dw``, ``name.dw_bn``, ``name.dw_<act>``, ``name.pw``, ``name.pw_bn``,
``name.pw_<act>``.  A reference to a repeated layer, a dsconv or a group
means its last output.  Inside a group, references resolve to the same
iteration first and ``_in`` is the iteration's input.
"""

from __future__ import annotations

import difflib
from collections import ChainMap
from math import prod
from pathlib import Path
from typing import Any

from dscost import cost as C
from dscost.errors import InputError
from dscost.layers import (
    ACTIVATION,
    ADD,
    BATCHNORM,
    CONCAT,
    FC,
    FLATTEN,
    GLOBAL_POOL,
    POOL,
    SHAPE,
    SOFTMAX,
    Layer,
    Model,
    Shape,
)

MAX_LAYERS = 100_000
MAX_WIDTH = 1000.0
MODEL_INPUT = "input"
GROUP_INPUT = "_in"


def _x(shape: Shape) -> str:
    return "x".join(map(str, shape))


def _fmt_shape(shape: Shape) -> str:
    """Shape without the batch axis, as the user wrote the input: 64x56x56."""
    return _x(shape[1:])


class _Builder:
    def __init__(self, path: str, data: Any, spec: Any, width: float, resolution: Any):
        from dscost.spec import SPEC_ACTIVATIONS

        self.path = path
        self.data = data
        self.spec = spec
        self.width = width
        self.activations = set(SPEC_ACTIVATIONS)
        self.layers: list[Layer] = []
        self.batch = spec.batch
        dims = tuple(spec.input)
        if resolution is not None:
            dims = (dims[0], *self._resolution(resolution, dims[1:]))
        self.input_shape: Shape = (self.batch, *dims)
        self.shapes: dict[str, Shape] = {MODEL_INPUT: self.input_shape}
        self.taken: set[str] = {MODEL_INPUT, GROUP_INPUT}
        self.aliases: dict[str, str] = {}

    # ------------------------------------------------------------------ errors

    def fail(self, loc: tuple, name: str | None, message: str) -> InputError:
        from dscost.yamlfile import where

        head = where(self.path, self.data, loc)
        who = f"layer {name!r}: " if name else ""
        return InputError(f"{head}: {who}{message}")

    def _resolution(self, resolution: Any, spatial: Shape) -> Shape:
        sizes = (resolution,) if isinstance(resolution, int) else tuple(resolution)
        if not spatial:
            raise InputError(f"{self.path}: resolution given, but the input {list(self.spec.input)} has no spatial axes")
        if not sizes or any(not isinstance(s, int) or isinstance(s, bool) or s <= 0 for s in sizes):
            raise InputError(f"{self.path}: resolution must be positive integers, got {resolution!r}")
        if len(sizes) == 1:
            return sizes * len(spatial)
        if len(sizes) != len(spatial):
            raise InputError(f"{self.path}: resolution has {len(sizes)} sizes but the input has {len(spatial)} spatial axes")
        return sizes

    # ------------------------------------------------------------------ names

    def resolve(self, ref: str, scope: ChainMap, loc: tuple, name: str, field: str = "input") -> str:
        if ref in scope:
            return scope[ref]
        if ref == GROUP_INPUT:
            raise self.fail(loc, name, f"{field}: {GROUP_INPUT!r} is only defined inside a group")
        if ref == MODEL_INPUT or ref in self.shapes:
            return ref
        if ref in self.aliases:
            return self.aliases[ref]
        known = list(self.shapes) + list(self.aliases) + [k for k in scope if k != GROUP_INPUT]
        close = difflib.get_close_matches(ref, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise self.fail(loc, name, f"{field}: {ref!r} is not the name of an earlier layer{hint}")

    def alias(self, scope: ChainMap, prefix: str, local: str, target: str) -> None:
        """``local`` (and its full name) now means layer ``target`` (the last output of a group, dsconv or repeat)."""
        scope[local] = target
        if prefix + local != target:
            self.aliases[prefix + local] = target

    def claim(self, full: str, loc: tuple) -> None:
        if full in self.taken:
            if full in (MODEL_INPUT, GROUP_INPUT):
                raise self.fail(loc, full, "this name is reserved")
            raise self.fail(loc, full, "duplicate layer name (names must be unique; set `name:` on one of them)")
        self.taken.add(full)

    def add(self, layer: Layer, loc: tuple) -> str:
        if len(self.layers) >= MAX_LAYERS:
            raise self.fail(loc, layer.name, f"the spec expands to more than {MAX_LAYERS:,} layers")
        self.claim(layer.name, loc)
        self.layers.append(layer)
        self.shapes[layer.name] = layer.output_shape
        return layer.name

    # ------------------------------------------------------------------ helpers

    def axes(self, value: Any, rank: int, field: str, loc: tuple, name: str) -> Shape:
        if isinstance(value, int):
            return (value,) * rank
        if len(value) != rank:
            raise self.fail(loc, name, f"{field} has {len(value)} values but the input has {rank} spatial axes")
        return tuple(value)

    def feature_map(self, src: str, loc: tuple, name: str, what: str) -> Shape:
        shape = self.shapes[src]
        if len(shape) < 3:
            raise self.fail(loc, name, f"{what} needs a feature map (C, *spatial) input, but {src!r} gives {_fmt_shape(shape)}")
        return shape

    def channels(self, channels: int, scaled: bool) -> int:
        return C.scale_channels(channels, self.width) if scaled and self.width != 1.0 else channels

    # ------------------------------------------------------------------ layers

    def conv(self, full: str, op: str, src: str, cout: int, kernel: Any, stride: Any, padding: Any, dilation: Any, groups: int, bias: bool, loc: tuple, note: str = "") -> str:
        shape = self.feature_map(src, loc, full, "a convolution")
        spatial = shape[2:]
        rank = len(spatial)
        k = self.axes(kernel, rank, "kernel", loc, full)
        s = self.axes(stride, rank, "stride", loc, full)
        d = self.axes(dilation, rank, "dilation", loc, full)
        pad = padding if isinstance(padding, str) else self.axes(padding, rank, "padding", loc, full)
        try:
            g = C.make_conv_geom(k, shape[1], cout, spatial, s, d, pad, groups=groups, bias=bias, batch=self.batch)
        except ValueError as err:
            scaled = f" (channels scaled by the width multiplier {self.width:g})" if self.width != 1.0 and "groups" in str(err) else ""
            raise self.fail(loc, full, f"{err}{scaled}") from None
        out = (self.batch, cout, *g.out_spatial)
        return self.add(Layer(full, g.kind, op, (src,), shape, out, C.conv_cost(g), conv=g, kernel=g.kernel, note=note), loc)

    def batchnorm(self, full: str, src: str, loc: tuple, note: str = "") -> str:
        shape = self.shapes[src]
        return self.add(Layer(full, BATCHNORM, "batchnorm", (src,), shape, shape, C.batchnorm_cost(shape[1], prod(shape)), note=note), loc)

    def activation(self, full: str, fn: str, src: str, loc: tuple, note: str = "") -> str:
        shape = self.shapes[src]
        return self.add(Layer(full, ACTIVATION, fn, (src,), shape, shape, C.activation_cost(fn, prod(shape)), note=note), loc)

    def pool(self, full: str, item: Any, src: str, loc: tuple) -> str:
        shape = self.feature_map(src, loc, full, "pooling")
        spatial = shape[2:]
        rank = len(spatial)
        k = self.axes(item.kernel, rank, "kernel", loc, full)
        s = self.axes(item.stride, rank, "stride", loc, full) if item.stride is not None else k
        pad = item.padding if isinstance(item.padding, str) else self.axes(item.padding, rank, "padding", loc, full)
        if not isinstance(pad, str) and any(2 * p > kk for p, kk in zip(pad, k)):
            raise self.fail(loc, full, f"padding {_x(pad)} is more than half the kernel {_x(k)}")
        try:
            g = C.make_conv_geom(k, shape[1], shape[1], spatial, s, (1,) * rank, pad, groups=shape[1], batch=self.batch)
        except ValueError as err:
            raise self.fail(loc, full, str(err)) from None
        out = (self.batch, shape[1], *g.out_spatial)
        return self.add(Layer(full, POOL, item.type, (src,), shape, out, C.pool_cost(k, prod(out)), kernel=k), loc)

    def global_pool(self, full: str, item: Any, src: str, loc: tuple) -> str:
        shape = self.feature_map(src, loc, full, "global pooling")
        out = (*shape[:2], *(1 for _ in shape[2:]))
        return self.add(Layer(full, GLOBAL_POOL, item.type, (src,), shape, out, C.global_pool_cost(prod(shape)), kernel=tuple(shape[2:])), loc)

    def fc(self, full: str, item: Any, src: str, loc: tuple) -> str:
        shape = self.shapes[src]
        features = prod(shape[1:])
        units = self.channels(item.units, item.width_scaled)
        note = f"input {_fmt_shape(shape)} flattened to {features}" if len(shape) > 2 else ""
        out = (self.batch, units)
        return self.add(Layer(full, FC, "fc", (src,), shape, out, C.linear_cost(features, units, rows=self.batch, bias=item.bias), note=note), loc)

    def merge(self, full: str, item: Any, scope: ChainMap, loc: tuple) -> str:
        srcs = tuple(self.resolve(r, scope, loc, full, "inputs") for r in item.inputs)
        shapes = [self.shapes[s] for s in srcs]
        first = shapes[0]
        if item.type == "add":
            for s, sh in zip(srcs[1:], shapes[1:]):
                if sh != first:
                    raise self.fail(loc, full, f"cannot add {srcs[0]!r} ({_fmt_shape(first)}) and {s!r} ({_fmt_shape(sh)}): shapes differ")
            return self.add(Layer(full, ADD, "add", srcs, first, first, C.elementwise_cost(prod(first), len(srcs))), loc)
        for s, sh in zip(srcs[1:], shapes[1:]):
            if len(sh) != len(first) or len(first) < 2 or sh[2:] != first[2:]:
                raise self.fail(
                    loc, full, f"cannot concat {srcs[0]!r} ({_fmt_shape(first)}) and {s!r} ({_fmt_shape(sh)}) along channels: other axes differ"
                )
        out = (first[0], sum(sh[1] for sh in shapes), *first[2:])
        return self.add(Layer(full, CONCAT, "concat", srcs, first, out, C.Cost()), loc)

    # ------------------------------------------------------------------ expansion

    def expand(self, items: list, loc0: tuple, scope: ChainMap, prefix: str, current: str) -> str:
        for i, item in enumerate(items):
            loc = (*loc0, "layers", i)
            local = item.name or f"{item.type}{i + 1}"
            base = prefix + local
            if item.type == "group":
                src = self.resolve(item.input, scope, loc, base) if item.input else current
                self.claim(base, loc)
                for k in range(1, item.repeat + 1):
                    inner = f"{base}.{k}." if item.repeat > 1 else f"{base}."
                    child = scope.new_child({GROUP_INPUT: src})
                    src = self.expand(item.layers, loc, child, inner, src)
                    if item.repeat > 1:
                        self.alias(scope, prefix, f"{local}.{k}", src)
                current = src
                self.alias(scope, prefix, local, current)
                continue
            src = self.resolve(item.input, scope, loc, base) if getattr(item, "input", None) else current
            repeat = getattr(item, "repeat", 1)
            if repeat > 1:
                self.claim(base, loc)
            for k in range(1, repeat + 1):
                full = f"{base}.{k}" if repeat > 1 else base
                src = self.one(item, full, src, scope, loc)
                if repeat > 1:
                    self.alias(scope, prefix, f"{local}.{k}", src)
            current = src
            self.alias(scope, prefix, local, current)
        return current

    def one(self, item: Any, full: str, src: str, scope: ChainMap, loc: tuple) -> str:
        t = item.type
        if t == "conv":
            cout = self.channels(item.channels, item.width_scaled)
            return self.conv(full, "conv", src, cout, item.kernel, item.stride, item.padding, item.dilation, item.groups, item.bias, loc)
        if t == "pointwise":
            cout = self.channels(item.channels, item.width_scaled)
            return self.conv(full, "pointwise", src, cout, 1, item.stride, "valid", 1, 1, item.bias, loc)
        if t == "depthwise":
            cin = self.feature_map(src, loc, full, "a depthwise convolution")[1]
            return self.conv(full, "depthwise", src, cin * item.multiplier, item.kernel, item.stride, item.padding, item.dilation, cin, item.bias, loc)
        if t == "dsconv":
            return self.dsconv(full, item, src, loc)
        if t == "batchnorm":
            return self.batchnorm(full, src, loc)
        if t in self.activations:
            return self.activation(full, t, src, loc)
        if t in ("maxpool", "avgpool"):
            return self.pool(full, item, src, loc)
        if t in ("global_avgpool", "global_maxpool"):
            return self.global_pool(full, item, src, loc)
        if t == "flatten":
            shape = self.shapes[src]
            return self.add(Layer(full, FLATTEN, "flatten", (src,), shape, (shape[0], prod(shape[1:]))), loc)
        if t == "fc":
            return self.fc(full, item, src, loc)
        if t in ("add", "concat"):
            return self.merge(full, item, scope, loc)
        if t in ("dropout", "identity"):
            shape = self.shapes[src]
            return self.add(Layer(full, SHAPE, t, (src,), shape, shape), loc)
        if t == "softmax":
            shape = self.shapes[src]
            return self.add(Layer(full, SOFTMAX, "softmax", (src,), shape, shape, C.softmax_cost(prod(shape))), loc)
        raise self.fail(loc, full, f"unsupported layer type {t!r}")  # unreachable: the schema lists the types

    def dsconv(self, full: str, item: Any, src: str, loc: tuple) -> str:
        note = f"dsconv {full}"
        self.claim(full, loc)
        cin = self.feature_map(src, loc, full, "a depthwise-separable convolution")[1]
        cur = self.conv(f"{full}.dw", "depthwise", src, cin, item.kernel, item.stride, item.padding, item.dilation, cin, False, loc, note)
        for part in ("dw", "pw"):
            if part == "pw":
                cout = self.channels(item.channels, item.width_scaled)
                cur = self.conv(f"{full}.pw", "pointwise", cur, cout, 1, 1, "valid", 1, 1, False, loc, note)
            if item.batchnorm:
                cur = self.batchnorm(f"{full}.{part}_bn", cur, loc, note)
            if item.activation != "none":
                cur = self.activation(f"{full}.{part}_{item.activation}", item.activation, cur, loc, note)
        return cur


def read_spec(path: str | Path, width: float = 1.0, resolution: int | tuple[int, ...] | None = None) -> Model:
    """Read a YAML layer spec into a Model.

    ``width``: MobileNet width multiplier alpha -- output channels of conv,
    pointwise and dsconv layers become ``cost.scale_channels(c, alpha)``
    (layers with ``width_scaled: false`` and FC units keep their size).
    ``resolution``: replaces the input's spatial size (an int for every axis,
    or one per axis).  Any problem raises InputError naming the file and layer.
    """
    from dscost.spec import LayerSpecFile
    from dscost.yamlfile import load_yaml, validate

    shown = str(path)
    if isinstance(width, bool) or not isinstance(width, (int, float)) or not width > 0 or width != width or width == float("inf"):
        raise InputError(f"{shown}: width multiplier must be a positive number, got {width!r}")
    if width > MAX_WIDTH:
        raise InputError(f"{shown}: width multiplier {width:g} is too large (at most {MAX_WIDTH:g}; MobileNet uses 0.25 to 1.4)")
    # a layer is a mapping (groups add a few): refused before anything is built
    data = load_yaml(path, max_mappings=MAX_LAYERS + MAX_LAYERS // 10, too_many=f"layers and groups (a spec holds at most {MAX_LAYERS:,} layers)")
    spec = validate(path, LayerSpecFile, data, what="layer spec")
    b = _Builder(shown, data, spec, float(width), resolution)
    b.expand(list(spec.layers), (), ChainMap({}), "", MODEL_INPUT)
    notes = []
    if width != 1.0:
        notes.append(f"width multiplier {width:g}")
    if resolution is not None:
        notes.append(f"input resolution {_x(b.input_shape[2:])}")
    return Model(spec.name or Path(path).stem, shown, b.layers, notes=notes, inputs=[(MODEL_INPUT, b.input_shape, 1)])  # (float32, as `dscost export` writes it)
