"""Placeholder: filled in by the mixture family work."""

from __future__ import annotations

__all__: list[str] = []
