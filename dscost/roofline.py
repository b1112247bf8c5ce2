"""Roofline estimate: what a layer's MACs and bytes say about its latency.

Pure arithmetic, no measurement (Williams, Waterman, Patterson, "Roofline: an
insightful visual performance model", CACM 2009):

* bytes moved = (input elements + stored parameter elements + output elements)
  x bytes per element of the dtype.  Stored parameters are everything the
  layer reads from memory: weights, biases, BN gamma/beta and running
  mean/var.  A layer of a model computed from constants alone (a DequantizeLinear
  of a weight, folded shape arithmetic) moves its stored params only: a runtime
  folds it at load or fuses it into its consumer (Memory counts its output as a
  constant, not an activation).  Without --dtype the weights at their own type (``Layer.weight_bits``
  of an ONNX model of several weight types: an int4 projection's packed, half a
  byte, an fp16 embedding table's 2 bytes; else the type of most of the model's
  weights, ``Model.weight_dtype``).  Each layer is assumed to read its input from and write its
  output to memory once (no fusion, no cache reuse across layers) -- the
  classic per-layer roofline model;
* arithmetic intensity = MACs / bytes (FLOPs per byte is twice that);
* compute time = MACs / peak MAC rate, memory time = bytes / bandwidth;
* estimated time = max(compute, memory); the larger term names the bound.

Depthwise convolutions do ~Dk^2 MACs per output element while moving about
one input and one output element: at fp32 a 3x3 depthwise conv has an
intensity of ~1.1 MACs/byte (~2.2 FLOP/byte) at any size, far below the
ridge point of any CPU or GPU, so it is memory-bound and its MAC count
overstates its speed.

Only the standard library is imported here; the saved calibration profile
(``--hardware local``) is JSON in the user's config directory.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field, replace
from math import fsum, prod
from pathlib import Path
from typing import NamedTuple

from dscost.dtypes import DTYPE_BYTES, dtype_bits, resolve_dtype, resolve_weight_dtype
from dscost.errors import InputError
from dscost.layers import ADD, CONCAT, ELEMENTWISE, ConvGeom, Layer, Model

# --------------------------------------------------------------------------
# Hardware


@dataclass(frozen=True)
class Hardware:
    """A machine for the roofline: peak MAC rate (GMAC/s, per dtype) and memory bandwidth (GB/s, 1 GB = 1e9 bytes).

    ``peak_gmacs`` maps a dtype to its peak; a dtype missing from the map falls
    back to the fp32 figure (said in ``notes_for``).  ``source`` documents where
    each number comes from."""

    name: str
    kind: str  # "cpu" | "gpu" | "soc" | "custom" | "calibrated"
    description: str
    peak_gmacs: dict[str, float]
    bandwidth_gbs: float
    source: str

    def peak(self, dtype: str) -> float:
        return self.peak_gmacs.get(dtype, self.peak_gmacs["fp32"])

    def note_for(self, dtype: str) -> str:
        if dtype in self.peak_gmacs:
            return ""
        return f"{self.name}: no {dtype} peak known, using the fp32 peak ({self.peak_gmacs['fp32']:g} GMAC/s)"

    def ridge(self, dtype: str) -> float:
        """Intensity (MACs/byte) above which a layer is compute-bound: peak / bandwidth."""
        return self.peak(dtype) / self.bandwidth_gbs


# Peak MAC rates are vendor peak FLOP/s divided by 2 (one MAC = 2 FLOPs), dense
# (no structured-sparsity figures).  Bandwidths are the vendor's theoretical
# DRAM figure; where a vendor gives only the memory type, the derivation is
# spelled out.  Real layers reach a fraction of both: use `dscost bench
# --calibrate` and `--hardware local` for this machine's achievable numbers.
PRESETS: dict[str, Hardware] = {
    h.name: h
    for h in (
        Hardware(
            "a100",
            "gpu",
            "NVIDIA A100 SXM4 40GB",
            {"fp32": 9750.0, "fp16": 156000.0, "bf16": 156000.0, "int8": 312000.0},
            1555.0,
            "NVIDIA A100 Tensor Core GPU datasheet (2020): FP32 19.5 TFLOPS, FP16 and BF16 Tensor Core 312 TFLOPS, "
            "INT8 Tensor Core 624 TOPS (dense), HBM2 1,555 GB/s",
        ),
        Hardware(
            "t4",
            "gpu",
            "NVIDIA T4 (Turing, 70 W)",
            {"fp32": 4050.0, "fp16": 32500.0, "int8": 65000.0},
            320.0,
            "NVIDIA T4 Tensor Core GPU datasheet: FP32 8.1 TFLOPS, mixed FP16/FP32 65 TFLOPS, INT8 130 TOPS, GDDR6 320 GB/s",
        ),
        Hardware(
            "jetson-nano",
            "soc",
            "NVIDIA Jetson Nano (Tegra X1, 128-core Maxwell GPU)",
            {"fp32": 236.0, "fp16": 236.0},
            25.6,
            "NVIDIA Jetson Nano Developer Kit specifications: 472 GFLOPS (FP16), 4 GB 64-bit LPDDR4 25.6 GB/s; "
            "FP32 = 128 cores x 2 FLOP x 921.6 MHz = 236 GFLOPS",
        ),
        Hardware(
            "apple-m1-gpu",
            "soc",
            "Apple M1 GPU (8-core)",
            {"fp32": 1300.0},
            68.25,
            "Apple M1 announcement (Nov 2020): 2.6 TFLOPS; unified LPDDR4X-4266 on a 128-bit bus = 4266e6 x 16 B = 68.25 GB/s",
        ),
        Hardware(
            "rpi4",
            "soc",
            "Raspberry Pi 4 Model B (BCM2711, 4x Cortex-A72 @ 1.5 GHz)",
            {"fp32": 24.0},
            12.8,
            "Raspberry Pi 4 Model B product brief: 4x Cortex-A72 @ 1.5 GHz, LPDDR4-3200; derived: 4 cores x 1.5 GHz x "
            "4 fp32 FMA/cycle (one 128-bit NEON FMA per cycle) = 24 GMAC/s; 3200 MT/s x 32-bit bus = 12.8 GB/s",
        ),
        Hardware(
            "xeon-8380",
            "cpu",
            "Intel Xeon Platinum 8380 (Ice Lake-SP, 40 cores, one socket)",
            {"fp32": 2944.0},
            204.8,
            "Intel ARK: 40 cores, 2.3 GHz base, 8 channels DDR4-3200; derived: 40 x 2.3 GHz x 32 fp32 FMA/cycle "
            "(two AVX-512 FMA units) = 2,944 GMAC/s; 8 x 3200 MT/s x 8 B = 204.8 GB/s",
        ),
    )
}

LOCAL = "local"
PROFILE_FILE = "hardware-local.json"


def config_dir() -> Path:
    """The user's dscost config directory: $DSCOST_CONFIG_DIR, else $XDG_CONFIG_HOME/dscost,
    else ~/.config/dscost (%APPDATA%\\dscost on Windows, ~/Library/Application Support/dscost on macOS)."""
    env = os.environ.get("DSCOST_CONFIG_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if xdg:
        return Path(xdg) / "dscost"
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "dscost"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "dscost"
    return Path.home() / ".config" / "dscost"


def profile_path() -> Path:
    return config_dir() / PROFILE_FILE


def save_profile(profile: dict, path: Path | None = None) -> Path:
    """Write a calibration profile (``peak_gmacs``, ``bandwidth_gbs`` and provenance) as JSON."""
    from dscost.files import temp_beside

    path = path or profile_path()
    if path.parent.exists() and not path.parent.is_dir():
        raise InputError(f"{path.parent}: the config folder is a file; set DSCOST_CONFIG_DIR to a writable folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = temp_beside(path, ".tmp")
        try:
            with os.fdopen(fd, "w") as f:
                f.write(json.dumps(profile, indent=2) + "\n")
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as err:
        raise InputError(f"{path}: cannot save the calibration profile: {err.strerror or err} (set DSCOST_CONFIG_DIR to a writable folder)") from None
    return path


def load_local(path: Path | None = None) -> Hardware:
    """The calibrated profile written by `dscost bench --calibrate`."""
    path = path or profile_path()
    if not path.exists():
        raise InputError(f"--hardware local: no calibration profile at {path}; run `dscost bench --calibrate` first")
    from dscost.files import read_bytes

    try:
        data = json.loads(read_bytes(path, 1 << 20, "calibration profile"))
        peak = float(data["peak_gmacs"])
        bw = float(data["bandwidth_gbs"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a valid calibration profile ({exc.__class__.__name__}: {exc}); run `dscost bench --calibrate` again") from None
    if peak <= 0 or bw <= 0:
        raise InputError(f"{path}: peak_gmacs and bandwidth_gbs must be positive; run `dscost bench --calibrate` again")
    when = data.get("measured_at", "?")
    return Hardware(
        LOCAL,
        "calibrated",
        f"this machine, calibrated {when} with {data.get('threads', '?')} thread(s)",
        {"fp32": peak},
        bw,
        f"measured by `dscost bench --calibrate` ({data.get('method', 'onnxruntime')}), saved in {path}",
    )


MIN_RATE = 1e-6  # GMAC/s or GB/s (a thousand a second): below it an estimated time can overflow to infinity


def resolve_hardware(name: str | None = None, peak_gmacs: float | None = None, bandwidth_gbs: float | None = None) -> Hardware | None:
    """``--hardware NAME`` (a preset or ``local``) or ``--peak-gmacs X --bandwidth-gbs Y``; None when neither is given."""
    custom = peak_gmacs is not None or bandwidth_gbs is not None
    if name is not None and custom:
        raise InputError("use either --hardware or --peak-gmacs/--bandwidth-gbs, not both")
    if custom:
        if peak_gmacs is None or bandwidth_gbs is None:
            raise InputError("--peak-gmacs and --bandwidth-gbs go together: give both")
        if not (MIN_RATE <= peak_gmacs < float("inf") and MIN_RATE <= bandwidth_gbs < float("inf")):  # (nan fails too; inf, or a time of inf, is no JSON number)
            raise InputError(f"--peak-gmacs ({peak_gmacs:g}) and --bandwidth-gbs ({bandwidth_gbs:g}) must be finite numbers of at least {MIN_RATE:g}")
        return Hardware(
            "custom",
            "custom",
            f"{peak_gmacs:g} GMAC/s, {bandwidth_gbs:g} GB/s",
            {dtype: float(peak_gmacs) for dtype in DTYPE_BYTES},
            float(bandwidth_gbs),
            "given on the command line",
        )
    if name is None:
        return None
    if not isinstance(name, str):
        raise InputError(f"--hardware {name!r}: a preset's name ({', '.join([*PRESETS, LOCAL])}) or --peak-gmacs and --bandwidth-gbs")
    key = name.lower()
    if key == LOCAL:
        return load_local()
    if key not in PRESETS:
        raise InputError(f"--hardware {name!r}: unknown; choose one of {', '.join([*PRESETS, LOCAL])} or give --peak-gmacs and --bandwidth-gbs")
    return PRESETS[key]


# --------------------------------------------------------------------------
# Traffic and estimates


@dataclass(frozen=True, slots=True)
class Traffic:
    """Elements a layer reads and writes, and the bytes that makes at one dtype."""

    input_elements: int
    param_elements: int
    output_elements: int
    dtype_bytes: int
    apart: int = 0  # of param_elements, the weights sized at weight_bits each instead (int4 ones: packed)
    weight_bits: int = 0

    @property
    def elements(self) -> int:
        return self.input_elements + self.param_elements + self.output_elements

    @property
    def bytes(self) -> int:
        if self.apart:
            return (self.elements - self.apart) * self.dtype_bytes - (-self.apart * self.weight_bits // 8)
        return self.elements * self.dtype_bytes

    def __add__(self, other: Traffic) -> Traffic:
        assert self.dtype_bytes == other.dtype_bytes and (self.weight_bits == other.weight_bits or not (self.apart and other.apart))
        return Traffic(
            self.input_elements + other.input_elements,
            self.param_elements + other.param_elements,
            self.output_elements + other.output_elements,
            self.dtype_bytes,
            self.apart + other.apart,
            self.weight_bits if self.apart else other.weight_bits,
        )


def intensity(macs: int, nbytes: int) -> float:
    """Arithmetic intensity in MACs per byte (0 for a layer that moves no bytes)."""
    return macs / nbytes if nbytes else 0.0


def layer_traffic(layer: Layer, dtype: str = "fp32", inputs: int | None = None, weight_bits: int = 0) -> Traffic:
    """Input + stored params (weights, biases, BN gamma/beta and running stats) + output elements.

    ``inputs``: the elements of every tensor the layer reads (:func:`input_elements`); without
    it, ``prod(input_shape)``, and an element-wise layer with k inputs reads k inputs of that
    shape (an upper bound).  A concat reads as many elements as it writes (constants included).
    ``weight_bits``: the bits of a weight where they are not ``dtype``'s (int4 ones: 4; 0: ``dtype``'s)."""
    size = DTYPE_BYTES[dtype]
    c = layer.cost
    params = c.weights + c.biases + c.norm_params + c.buffers
    out = layer.activations
    low = (c.weights, weight_bits) if weight_bits and weight_bits != 8 * size else ()
    if inputs is not None:
        return Traffic(out if layer.type == CONCAT else inputs, params, out, size, *low)
    inp = prod(layer.input_shape) if layer.input_shape else 0
    if layer.type in (ADD, ELEMENTWISE) and len(layer.inputs) > 1:
        inp *= len(layer.inputs)
    elif layer.type == CONCAT:
        inp = out
    return Traffic(inp, params, out, size, *low)


def input_elements(layers: list[Layer], graph_inputs: dict | None = None) -> list[int]:
    """For each layer, the elements of the tensors it reads, each once: a layer's output by its
    producer (the output port it reads), a graph input by ``graph_inputs`` (name -> shape); one
    whose size is not known (an uncounted node's output) counts as the layer's ``input_shape``.
    A layer that reads no tensor (a copy of a constant) reads its ``input_shape``."""
    made: dict[str, Layer] = {layer.name: layer for layer in layers}
    given = {name: prod(shape) for name, shape in (graph_inputs or {}).items() if shape is not None and all(isinstance(d, int) for d in shape)}
    out = []
    for layer in layers:
        first = prod(layer.input_shape) if layer.input_shape else 0
        inputs = layer.inputs
        if not inputs:
            out.append(first)
            continue
        if len(inputs) == 1 and not layer.input_ports:  # (the usual layer: one tensor, a layer's first output)
            p = made.get(inputs[0])
            out.append(given.get(inputs[0], first) if p is None else prod(p.output_shape) if p.output_shape else 0)
            continue
        ports = layer.input_ports or (0,) * len(inputs)
        total = 0
        for src, port in dict.fromkeys(zip(layer.inputs, ports)):
            p = made.get(src)
            if p is not None:
                total += (prod(p.output_shape) if p.output_shape else 0) if port == 0 else (p.more_outputs[port - 1] if port - 1 < len(p.more_outputs) else first)
            else:
                total += given.get(src, first)
        out.append(total)
    return out


def conv_traffic(g: ConvGeom, dtype: str = "fp32") -> Traffic:
    """Traffic of one convolution from its geometry: input map, weights (+ bias), output map."""
    from dscost.cost import conv_cost

    c = conv_cost(g)
    return Traffic(g.batch * g.cin * prod(g.in_spatial), c.weights + c.biases, g.batch * g.cout * prod(g.out_spatial), DTYPE_BYTES[dtype])


@dataclass(frozen=True, slots=True)
class Estimate:
    compute_s: float
    memory_s: float

    @property
    def time_s(self) -> float:
        return max(self.compute_s, self.memory_s)

    @property
    def bound(self) -> str:
        return "compute" if self.compute_s >= self.memory_s else "memory"


def estimate(macs: int, nbytes: int, hw: Hardware, dtype: str = "fp32") -> Estimate:
    """compute = MACs / (peak GMAC/s x 1e9), memory = bytes / (bandwidth GB/s x 1e9)."""
    return Estimate(macs / (hw.peak(dtype) * 1e9), nbytes / (hw.bandwidth_gbs * 1e9))


class LayerRoofline(NamedTuple):  # (a tuple: made once per layer, 4x faster than a frozen dataclass)
    name: str
    type: str
    macs: int
    traffic: Traffic
    estimate: Estimate | None
    bytes: int = 0  # traffic.bytes, kept (read per layer by every report)

    @property
    def intensity(self) -> float:
        return intensity(self.macs, self.bytes)


@dataclass
class ModelRoofline:
    dtype: str
    hardware: Hardware | None
    layers: list[LayerRoofline]
    notes: list[str] = field(default_factory=list)
    # per standard conv (with hardware): estimated time of its depthwise + pointwise replacement
    separable_s: dict[str, float] = field(default_factory=dict)
    dtype_source: str = "option"  # option (--dtype), model (its weights' type: Model.weight_dtype) or default (fp32)
    weight_dtype: str | None = None  # the weights' (main) dtype where it is not ``dtype``: low-bit weights (int4), packed
    weight_types: dict[str, int] = field(default_factory=dict)  # the weights' elements by type (Model.weight_types; {}: --dtype)
    per_layer_weights: bool = False  # each layer's weights at their own type (Layer.weight_bits: an ONNX model of several), not weight_dtype's

    @property
    def all_separable_time_s(self) -> float | None:
        """Estimated time with every standard conv replaced by dw + pw (the what-if, on the roofline)."""
        t = self.time_s
        if t is None:
            return None
        by = self.by_name()
        return t + fsum([sep - by[name].estimate.time_s for name, sep in self.separable_s.items()])

    @property
    def macs(self) -> int:
        return sum(r.macs for r in self.layers)

    @property
    def bytes(self) -> int:
        return sum(r.bytes for r in self.layers)

    @property
    def time_s(self) -> float | None:
        """Sum of per-layer estimates (layers run one after another).  Float sums here are
        ``math.fsum``, correctly rounded: Python 3.12's ``sum`` compensates its rounding and 3.11's
        does not, and the same model must give the same figures on every Python."""
        if self.hardware is None:
            return None
        return fsum([r.estimate.time_s for r in self.layers if r.estimate])

    def by_name(self) -> dict[str, LayerRoofline]:
        return {r.name: r for r in self.layers}


def model_roofline(model: Model | list[Layer], dtype: str | None = None, hw: Hardware | None = None) -> ModelRoofline:
    """Per-layer bytes, intensity and (with hardware) estimated time and bound, at ``dtype``
    (None: the model's own weight type, :func:`dscost.dtypes.resolve_dtype`; fp32 for a list of layers).  A layer's bytes
    are every tensor it reads (:func:`input_elements`: of a Model, its graph inputs at the shapes
    the counts assume), its stored params and its outputs."""
    layers, graph_inputs = (model.layers, model.input_shapes()) if isinstance(model, Model) else (model, None)
    dtype, source = resolve_dtype(dtype, model if isinstance(model, Model) else None)
    own = model if isinstance(model, Model) else None
    wdtype = resolve_weight_dtype(dtype if source == "option" else None, own)
    # a layer's weights at the type of most of the model's (a TFLite file's int8 filters: its int32 biases are biases, at
    # the activations' size), or at their own (Layer.weight_bits, below)
    main_bits = dtype_bits(wdtype) or 0
    rows = []
    known: dict[tuple, tuple] = {}  # what layer_traffic reads -> (traffic, estimate): repeated blocks once
    row = tuple.__new__  # (a LayerRoofline without its Python-level __new__: one per layer)
    own_bits = source != "option" and own is not None and len(own.weight_types) > 1  # (each layer's weights at their own type: Layer.weight_bits)
    for layer, inp in zip(layers, input_elements(layers, graph_inputs)):
        c = layer.cost
        bits = layer.weight_bits if own_bits else 0
        key = (layer.type, c, inp, layer.output_shape, layer.more_outputs, bits, not layer.inputs)
        hit = known.get(key)
        if hit is None:
            if len(known) >= 4096:
                known.clear()
            t = layer_traffic(layer, dtype, inp, bits or main_bits)
            if own is not None and not layer.inputs:  # (computed from constants alone: folded at load or fused, as Memory has it)
                t = replace(t, input_elements=0, output_elements=0)
            hit = known[key] = (t, estimate(c.macs, t.bytes, hw, dtype) if hw is not None else None)
        t = hit[0]
        rows.append(row(LayerRoofline, (layer.name, layer.type, c.macs, t, hit[1], t.bytes)))
    notes = []
    sep: dict[str, float] = {}
    if hw is not None:
        if hw.note_for(dtype):
            notes.append(hw.note_for(dtype))
        from dscost.cost import is_separable_candidate

        for layer in layers:
            if is_separable_candidate(layer):
                _, e_dw, e_pw = separable_estimate(layer.conv, hw, dtype)
                sep[layer.name] = sequential_time(e_dw, e_pw)
    types = dict(own.weight_types) if own is not None and source != "option" else {}
    per_layer = own_bits and any(layer.weight_bits for layer in layers)
    return ModelRoofline(dtype, hw, rows, notes, sep, source, wdtype if wdtype != dtype else None, types, per_layer)


def separable_estimate(g: ConvGeom, hw: Hardware, dtype: str = "fp32") -> tuple[Estimate, Estimate, Estimate]:
    """(standard, depthwise, pointwise) estimates of one conv geometry: the roofline what-if.
    The separable pair runs one layer after the other: its time is
    ``sequential_time(dw, pw)``."""
    from dscost.cost import conv_cost, depthwise_geom, pointwise_geom

    out = []
    for geom in (g, depthwise_geom(g), pointwise_geom(g)):
        out.append(estimate(conv_cost(geom).macs, conv_traffic(geom, dtype).bytes, hw, dtype))
    return out[0], out[1], out[2]


def sequential_time(*estimates: Estimate) -> float:
    """Layers run one after another: sum of each layer's max(compute, memory)."""
    return fsum([e.time_s for e in estimates])


def separable_traffic(g: ConvGeom, dtype: str = "fp32") -> tuple[int, int]:
    """(MACs, bytes) of the depthwise + pointwise replacement of conv ``g``, both layers
    counted as the per-layer model does (each reads its input and writes its output)."""
    from dscost.cost import conv_cost, depthwise_geom, pointwise_geom

    dw, pw = depthwise_geom(g), pointwise_geom(g)
    return conv_cost(dw).macs + conv_cost(pw).macs, conv_traffic(dw, dtype).bytes + conv_traffic(pw, dtype).bytes
