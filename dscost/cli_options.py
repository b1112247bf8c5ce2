"""The command-line options several commands share, declared once (Typer ``Annotated`` types):
:mod:`dscost.cli`'s commands take them; what a value means is parsed in :mod:`dscost.options`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from dscost.report.document import writable_output

WidthOpt = Annotated[Optional[float], typer.Option("--width-multiplier", "-a", help="Width multiplier alpha (layer specs only).", show_default=False)]
ResolutionOpt = Annotated[Optional[str], typer.Option("--resolution", "-r", help="Input resolution R or HxW (layer specs only).", show_default=False)]
InputShapeOpt = Annotated[
    Optional[list[str]],
    typer.Option("--input-shape", "-i", help="NAME=1x3x224x224: an ONNX/TFLite input or PyTorch forward parameter; 1x3x224x224: a module's single input; ids=1x128:int64: a PyTorch input of that type, zeros (repeatable).", show_default=False),
]
DimOpt = Annotated[
    Optional[list[str]],
    typer.Option("--dim", help="NAME=N: the value of a symbolic dimension of an ONNX graph's inputs, wherever it appears (sequence_length=128; repeatable).", show_default=False),
]
InputValueOpt = Annotated[
    Optional[list[str]],
    typer.Option("--input-value", help="NAME=VALUE: the value of a one-element input of an ONNX graph: an If on it counts the branch that runs (use_cache_branch=1), a Loop with it as trip count that many steps; of a PyTorch module: a flag of its forward (interpolate_pos_encoding=true). Repeatable.", show_default=False),
]
MeasureOpt = Annotated[bool, typer.Option("--measure-sizes", help="ONNX graphs and PyTorch modules: size what depends on the data (NonZero, NMS, R-CNN proposals, experts' rows) by one onnxruntime run on random inputs (a module: on its traced inputs), and count it at that run.")]
MetaOpt = Annotated[bool, typer.Option("--meta", help="PyTorch factories: build the model on the meta device (torch.device('meta'): shapes without values) and count it from its shapes: a model too big for memory, its weights never made.")]
# A PyTorch factory's keyword arguments (package.module:factory targets)
KwargsOpt = Annotated[Optional[str], typer.Option("--kwargs", help='PyTorch factory keyword arguments as a JSON object: \'{"num_classes": 10}\'.', show_default=False)]
ArgOpt = Annotated[Optional[list[str]], typer.Option("--arg", help="PyTorch factory keyword argument KEY=VALUE (VALUE as JSON, else a string; repeatable; overrides --kwargs).", show_default=False)]
FlopsOpt = Annotated[bool, typer.Option("--flops", help="Report FLOPs = 2 x MACs instead of MACs.")]
# The one-layer flags shared by `compare` and `bench` (MobileNet notation).
DkOpt = Annotated[str, typer.Option("--dk", help="Kernel size Dk (3) or Dk_h x Dk_w (3x5).")]
MOpt = Annotated[int, typer.Option("--m", "-m", min=1, help="Input channels M.")]
NOpt = Annotated[int, typer.Option("--n", "-n", min=1, help="Output channels N.")]
StrideOpt = Annotated[str, typer.Option("--stride", "-s", help="Stride (2 or 2x1).")]
PaddingOpt = Annotated[str, typer.Option("--padding", "-p", help="same | valid | pixels per side (1 or 1x2).")]
DilationOpt = Annotated[str, typer.Option("--dilation", "-d", help="Dilation (1 or 2x2).")]
BiasOpt = Annotated[bool, typer.Option("--bias/--no-bias", help="The standard conv (and so the pointwise conv) has a bias.")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Several models: analyze them in this many processes (output stays in input order).")]
# Child processes of onnxruntime runs (bench, convert --verify)
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="Seconds an onnxruntime run may take in all before it is stopped.")]
MaxMemoryOpt = Annotated[str, typer.Option("--max-memory", help="Tensor memory a run may use (4GiB, 500MB); a larger estimate is refused before allocating.")]
# Roofline
DtypeOpt = Annotated[Optional[str], typer.Option("--dtype", help="Roofline and memory element size: fp32 (4 B), fp16/bf16 (2 B), int8 (1 B); default: the model's own types (weights each at its own, int4 at half a byte; fp32 if none).", show_default=False)]
HardwareOpt = Annotated[
    Optional[str],
    typer.Option("--hardware", help="Roofline hardware: a100, t4, jetson-nano, apple-m1-gpu, rpi4, xeon-8380, or local (saved by `dscost bench --calibrate`).", show_default=False),
]
PeakOpt = Annotated[Optional[float], typer.Option("--peak-gmacs", help="Roofline: peak compute in GMAC/s (with --bandwidth-gbs).", show_default=False)]
BandwidthOpt = Annotated[Optional[float], typer.Option("--bandwidth-gbs", help="Roofline: memory bandwidth in GB/s (with --peak-gmacs).", show_default=False)]
OutputOpt = Annotated[Optional[str], typer.Option("--output", "-o", help="Write the report to this file instead of stdout (e.g. -f html -o report.html).", show_default=False,
                                                  callback=writable_output)]  # fmt: skip
DepthOpt = Annotated[Optional[int], typer.Option("--depth", min=1, help="Roll layers up by module path to this depth (ONNX node-name prefixes, spec groups).", show_default=False)]
TopOpt = Annotated[Optional[int], typer.Option("--top", min=1, help="Show only the N costliest layers (or modules) and one row for the rest.", show_default=False)]
ColumnsOpt = Annotated[Optional[str], typer.Option("--columns", help="Per-layer columns, comma-separated (name, type, shape, macs, params, pct, share, sep_macs, ...) or all.", show_default=False)]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output (shown on stderr when it is a terminal).")]
