"""Placeholder: filled in by the truncated family work."""

from __future__ import annotations

__all__: list[str] = []
