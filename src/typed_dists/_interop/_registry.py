"""Which typed class wraps which NumPyro class (for `to_typed`, `from_numpyro`)."""

from __future__ import annotations

import weakref
from typing import Any

__all__ = ["lookup", "register"]

# Held weakly: a typed class defined in a function goes when the function's
# last reference to it does; NumPyro's classes are imported, and stay.
_TYPED: weakref.WeakValueDictionary[type, type] = weakref.WeakValueDictionary()


def register(numpyro_class: type, typed_class: type) -> None:
    """Record `typed_class` as the counterpart of `numpyro_class`.

    The first class declared for a NumPyro class keeps it while it lives:
    typed_dists' own classes are declared on import, before any user subclass.
    """
    _TYPED.setdefault(numpyro_class, typed_class)


def lookup(numpyro_class: type) -> Any:
    """The typed class registered for exactly `numpyro_class`, or `None`."""
    return _TYPED.get(numpyro_class)
