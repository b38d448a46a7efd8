"""Conjugate distributions (NumPyro's `conjugate` group)."""

from __future__ import annotations

__all__: list[str] = []
