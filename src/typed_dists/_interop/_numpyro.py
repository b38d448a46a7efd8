"""Conversions between typed and NumPyro distributions, and KL dispatch."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
from jaxtyping import Array
from numpyro.distributions import Distribution
from numpyro.distributions.kl import kl_divergence

from .._core import TypedDistribution, lookup
from .._core._base import _field_names

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
        return dist
    typed_class = lookup(type(dist))
    if typed_class is None:
        raise TypeError(
            f"from_numpyro: typed_dists has no typed counterpart of "
            f"{type(dist).__module__}.{type(dist).__qualname__}. Wrap it with "
            "`TypedDistribution` (see the docs, 'Wrapping your own distribution')."
        )
    values = {name: getattr(dist, name) for name in _field_names(typed_class)}
    return typed_class(**values, validate_args=dist._validate_args)  # type: ignore[no-any-return]


def _plain(d: Distribution) -> Distribution:
    return d.to_numpyro() if isinstance(d, TypedDistribution) else d


def _kl_unwrapped(p: Distribution, q: Distribution) -> Array:
    """KL divergence of typed distributions: NumPyro's rule for the wrapped ones."""
    return jnp.asarray(_kl(_plain(p), _plain(q)))


# NumPyro dispatches `kl_divergence` on the argument types (multipledispatch);
# typed distributions unwrap to the NumPyro ones. The typed/typed pair is
# registered too, to resolve the ambiguity between the two mixed pairs.
_kl: Any = kl_divergence
for _pair in [
    (TypedDistribution, Distribution),
    (Distribution, TypedDistribution),
    (TypedDistribution, TypedDistribution),
]:
    _kl.register(*_pair)(_kl_unwrapped)
