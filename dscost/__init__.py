"""dscost: what your convolutions cost, and what they would cost depthwise-separable."""

__version__ = "0.1.0"
