"""ONNX handlers of the standard signal front-end ops that make constants of a run: the window
functions (``HannWindow``, ``HammingWindow``, ``BlackmanWindow``, opset 17) and
``MelWeightMatrix`` (a mel filterbank).  Their sizes are input values, which onnx's shape
inference reads when they are constants; a size known only at run time leaves the node
uncounted, saying where.  ``DFT`` and ``STFT`` stay uncounted (their work depends on the FFT
algorithm: :data:`dscost.readers.handlers.FFT_REASON`).  They register in the one table,
:data:`dscost.readers.onnx_node.HANDLERS`.

Nothing here does I/O or imports onnx.
"""

from __future__ import annotations

from math import prod

from dscost.layers import ELEMENTWISE, Cost
from dscost.readers.handlers import Result
from dscost.readers.onnx_node import NodeInfo, handles

# Cosine terms of each window: w[n] = a0 - a1 cos(2 pi n / N) (+ a2 cos(4 pi n / N) for Blackman)
WINDOW_TERMS = {"HannWindow": 1, "HammingWindow": 1, "BlackmanWindow": 2}


def window_cost(terms: int, numel: int) -> Cost:
    """A cosine window of ``terms`` cosine terms: per element the angle 2 pi n / N (1 multiply)
    and per term a cosine, a multiply by its coefficient and an add (3):
    other_ops = (1 + 3 * terms) * numel (Hann and Hamming 4, Blackman 7 per element)."""
    return Cost(other_ops=(1 + 3 * terms) * numel)


def mel_matrix_cost(numel: int) -> Cost:
    """Each element of the (dft_length // 2 + 1, num_mel_bins) filterbank is one point of a
    triangle: a subtract from the triangle's edge and a multiply by its slope,
    other_ops = 2 * numel (elements outside every triangle are written as zeros, counted alike;
    the num_mel_bins + 2 edge frequencies are not counted)."""
    return Cost(other_ops=2 * numel)


@handles(*WINDOW_TERMS)
def window(info: NodeInfo) -> Result:
    """:func:`window_cost` of the output's elements."""
    return Result(ELEMENTWISE, window_cost(WINDOW_TERMS[info.op], prod(info.out())))


@handles("MelWeightMatrix")
def mel_weight_matrix(info: NodeInfo) -> Result:
    """:func:`mel_matrix_cost` of the output's elements."""
    return Result(ELEMENTWISE, mel_matrix_cost(prod(info.out())))
