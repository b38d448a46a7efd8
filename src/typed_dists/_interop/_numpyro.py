"""Conversions between typed and NumPyro distributions.

No dispatch registrations are needed: a typed distribution is an instance of
the NumPyro class it wraps, so NumPyro's own `kl_divergence` rules (and its
other `isinstance`-based code paths) apply to it unchanged.
"""

from __future__ import annotations

from typing import Any

from numpyro.distributions import Distribution

from .._core import TypedDistribution, is_typed, to_typed

__all__ = ["from_numpyro"]


def from_numpyro(dist: Distribution) -> TypedDistribution[Any]:
    """Convert a NumPyro distribution to its typed counterpart, checking it.

    The NumPyro distribution's parameters go through the typed constructor, so
    an integer, bool or float0 parameter that NumPyro stored as passed is
    rejected here; `validate_args` is carried over. A typed distribution is
    returned unchanged.

    **Raises:** `TypeError` if typed_dists has no counterpart of `type(dist)`;
    `ParameterTypeError` / `ParameterValueError` if its parameters do not pass
    the typed constructor's checks.
    """
    typed = to_typed(dist)
    if not is_typed(typed):
        raise TypeError(
            f"from_numpyro: typed_dists has no typed counterpart of "
            f"{type(dist).__module__}.{type(dist).__qualname__}. Wrap it with "
            "`TypedDistribution` (see the docs, 'Wrapping your own distribution')."
        )
    return typed
