"""Conversion between typed and NumPyro distributions.

No dispatch registrations are needed the other way: a typed distribution is
an instance of the NumPyro class it wraps, so NumPyro's own `kl_divergence`
rules (and its other `isinstance`-based code paths) apply to it unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from numpyro.distributions import Distribution

from .._core._meta import TypedDistributionMeta, numpyro_instance_validation
from .._core._record import record_of
from ._registry import lookup

if TYPE_CHECKING:
    from .._core._distribution import TypedDistribution

__all__ = ["from_numpyro", "is_typed", "to_typed"]


def is_typed(dist: object) -> TypeGuard[TypedDistribution[Any]]:
    """Whether `dist` is a typed distribution (of any class)."""
    return isinstance(type(dist), TypedDistributionMeta)


def to_typed(dist: Distribution) -> Distribution:
    """The typed counterpart of a NumPyro distribution, checked; else `dist`.

    A typed distribution, and a NumPyro distribution of a class typed_dists
    does not wrap (a user's own), are returned unchanged.

    **Raises:** `ParameterTypeError` / `ParameterValueError` if the
    distribution's parameters do not pass the typed constructor's checks.
    """
    if is_typed(dist):
        return dist
    typed_class: Any = lookup(type(dist))
    if typed_class is None:
        return dist
    record = record_of(typed_class)
    values = {
        record.names[field]: getattr(dist, attribute)
        for field, attribute in record.attributes.items()
    }
    if record.takes_validate_args:
        values["validate_args"] = numpyro_instance_validation(dist)
    typed: Distribution = typed_class(**values)
    return typed


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
