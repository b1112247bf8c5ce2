"""Readers: turn an input file (YAML spec, ONNX graph) into a :class:`dscost.layers.Model`.

Each reader module is imported only when a file of its kind is read, so that
`dscost --help` and `dscost compare` never import onnx.
"""

from __future__ import annotations

from pathlib import Path

from dscost.errors import InputError

SPEC_SUFFIXES = (".yaml", ".yml")
ONNX_SUFFIXES = (".onnx",)


def load(path: str | Path, **options):
    """Read a YAML spec or an ONNX graph into a Model.

    ``options`` are passed to the reader: for specs ``width`` and ``resolution``;
    for ONNX ``input_shapes``, ``progress``.  An option the reader does not
    support raises InputError.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, not a model file")
    suffix = p.suffix.lower()
    if suffix in SPEC_SUFFIXES:
        from dscost.readers.spec_reader import read_spec

        return read_spec(p, **options)
    if suffix in ONNX_SUFFIXES:
        from dscost.readers.onnx_reader import read_onnx

        return read_onnx(p, **options)
    if suffix == ".tflite":
        from dscost.readers.tflite_reader import read_tflite
        return read_tflite(p, **options)
    raise InputError(f"{path}: unknown model format {suffix or '(no suffix)'!r}; expected .yaml/.yml (layer spec) or .onnx")
