"""Conversions between typed and NumPyro distributions.

No dispatch registrations are needed: a typed distribution is an instance of
the NumPyro class it wraps, so NumPyro's own `kl_divergence` rules (and its
other `isinstance`-based code paths) apply to it unchanged.
"""

from __future__ import annotations

from typing import Any, cast

from numpyro.distributions import Distribution

from .._core import TypedDistribution, field_names, lookup

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
    if isinstance(dist, TypedDistribution):
        return cast(TypedDistribution[Any], dist)  # type: ignore[redundant-cast]
    typed_class: Any = lookup(type(dist))
    if typed_class is None:
        raise TypeError(
            f"from_numpyro: typed_dists has no typed counterpart of "
            f"{type(dist).__module__}.{type(dist).__qualname__}. Wrap it with "
            "`TypedDistribution` (see the docs, 'Wrapping your own distribution')."
        )
    values = {name: getattr(dist, name) for name in field_names(typed_class)}
    validate = dist._validate_args  # pyright: ignore[reportPrivateUsage]
    typed: TypedDistribution[Any] = typed_class(**values, validate_args=validate)
    return typed
