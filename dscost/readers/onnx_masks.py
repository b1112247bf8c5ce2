"""Masks among a file's stored constants: which an element-wise op applies to activations, and
hold an infinity or their type's largest magnitude.

An additive attention mask fills the positions it blocks with -inf or torch.finfo(dtype).min;
no learned tensor holds either.  The TorchScript exporter writes a mask buffer as a Constant
node (a value of the model's code: not a parameter); the dynamo exporter folds it into
initializers, one per layer, whose record (``onnx_provenance``) names the buffer when the file
keeps the exported program's signature.  Where nothing tells a mask from a bias -- a file of
another exporter or tool, or without that record -- its values are read: only a float
initializer with two axes over 1 (queries by keys) that an element-wise op applies to
activations and that would count as learned, once, up to :data:`READ_BYTES`; a PyTorch module's
buffers are known without (``read_onnx``'s module_tensors).
"""

from __future__ import annotations

from pathlib import Path

from dscost.readers.handlers import few
from dscost.readers.onnx_stored import stored_values

READ_BYTES = 64 * 1024 * 1024  # a bigger constant is taken for learned, unread
# +-infinity and the largest finite magnitude, as bit patterns of (bytes per element) by ONNX element
# type: float, float16, bfloat16, double
_BITS = {1: (4, (0x7F800000, 0xFF800000, 0x7F7FFFFF, 0xFF7FFFFF)), 10: (2, (0x7C00, 0xFC00, 0x7BFF, 0xFBFF)),
         16: (2, (0x7F80, 0xFF80, 0x7F7F, 0xFF7F)),
         11: (8, (0x7FF0000000000000, 0xFFF0000000000000, 0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF))}  # fmt: skip


def holds_mask_values(dtype: int, values: bytes) -> bool:
    """Whether stored ``values`` (little-endian, of ONNX element type ``dtype``) hold an
    infinity or the largest finite magnitude of their type."""
    size, patterns = _BITS.get(dtype, (0, ()))
    for bits in patterns:
        needle = bits.to_bytes(size, "little")
        at = values.find(needle)
        while at != -1:
            if at % size == 0:
                return True
            at = values.find(needle, at + 1)
    return False


class Masks:
    """The masks of one file (``wire``: its wire scan, :class:`onnx_wire.Stripper`, whose top
    graph's initializers are looked at), by name; ``off`` for a module's export."""

    def __init__(self, path: Path, wire, off: bool = False):
        self.path, self.wire, self.stored, self.off = path, wire, wire.initializers, off
        self.read: set[str] = set()  # the initializers whose values were read
        self.found: dict[str, None] = {}  # those of them that are masks, in the order found

    def __bool__(self) -> bool:
        return bool(self.found)

    def __contains__(self, name: str) -> bool:
        return name in self.found

    def check(self, name: str) -> None:
        """Find whether ``name``, an operand an element-wise op applies to activations, is a mask."""
        if name in self.read or self.off:
            return
        t = self.stored.get(name)
        if t is None or t.dtype not in _BITS or sum(d > 1 for d in t.dims) < 2:
            return
        values = stored_values(self.path, t, READ_BYTES)
        self.read.add(name)
        if values is not None and holds_mask_values(t.dtype, values):
            self.found[name] = None
        if values is not None and t.location is not None:
            self.wire.opened["constants that may be masks"] = None

    def say(self, notes: list[str]) -> None:
        """Add the note on the masks found to the model's ``notes``, and say where values were read."""
        if self.wire.opened:  # (the external data's note said it is never opened; why it was: the folding's reads, the masks')
            notes[:] = [n.replace(", never opened", f", opened only to read the values of {' and of '.join(self.wire.opened)}", 1) if n.startswith("external data in ") else n
                        for n in notes]  # fmt: skip
        if self.found:
            notes.append(f"{len(self.found)} stored constant(s) that element-wise ops apply to activations hold infinities or their type's largest value, as "
                         f"masks do ({few(map(repr, self.found))}): buffers, not parameters (to tell, the values of {len(self.read)} such constant(s) with two "
                         f"axes over 1 were read)")  # fmt: skip
