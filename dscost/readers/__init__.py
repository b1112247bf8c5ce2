"""Readers: turn an input file (YAML spec, ONNX graph) into a dscost.layers.Model."""
