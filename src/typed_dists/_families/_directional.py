"""Directional distributions (NumPyro's `directional` group)."""

from __future__ import annotations

__all__: list[str] = []
