"""Pydantic models of the YAML files users write: layer specs and budget files.

Validation only: turning a validated spec into layers (shape propagation) is
the job of :mod:`dscost.readers.spec_reader`.
"""

from __future__ import annotations

# ---------------------------------------------------------------- layer specs


# --------------------------------------------------------------- budget files
