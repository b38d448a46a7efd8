"""Which typed class wraps which NumPyro class (for `from_numpyro`)."""

from __future__ import annotations

from typing import Any

__all__ = ["lookup", "register"]

_TYPED: dict[type, type] = {}


def register(numpyro_class: type, typed_class: type) -> None:
    """Record `typed_class` as the counterpart of `numpyro_class`.

    The first class declared for a NumPyro class keeps it: typed_dists' own
    classes are declared on import, before any user subclass.
    """
    _TYPED.setdefault(numpyro_class, typed_class)


def lookup(numpyro_class: type) -> Any:
    """The typed class registered for exactly `numpyro_class`, or `None`."""
    return _TYPED.get(numpyro_class)
