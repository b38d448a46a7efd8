"""Argument generators and exclusions for truncated and censored distributions.

See `generate.py`. Base distributions are NumPyro distributions built from
float32 JAX arrays at the batch shape (as in `helpers/params_wrappers.py`): the typed
class converts them to their typed counterparts, NumPyro's keeps them. The
location-scale truncations use a Normal base at batch shape () (the shape of
the gradient and base-rejection checks) and another supported base at (2,),
so that more than one base class goes through the parity checks (StudentT
is not among them: sampling it truncated needs `betaincinv`, which NumPyro
takes from TensorFlow Probability, not installed here). Bounds are
drawn within a few scales of the base's location (or around a Gamma's mean),
where the retained mass is far from 0 in float32, with `low < high`.
Censoring indicators are random bools.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd


def _between(
    key: jax.Array, shape: tuple[int, ...], low: float, high: float
) -> jax.Array:
    return jax.random.uniform(key, shape, minval=low, maxval=high)


def _real_base(
    key: jax.Array,
    batch_shape: tuple[int, ...],
    family: Callable[[jax.Array, jax.Array], nd.Distribution],
) -> tuple[nd.Distribution, jax.Array, jax.Array]:
    """A location-scale base (`loc` around 0, `scale` in [0.5, 2]), `loc`, `scale`."""
    k1, k2 = jax.random.split(key)
    loc = jax.random.normal(k1, batch_shape)
    scale = _between(k2, batch_shape, 0.5, 2.0)
    return family(loc, scale), loc, scale


def _bound(
    loc: jax.Array, scale: jax.Array, key: jax.Array, lo: float, hi: float
) -> np.ndarray:
    """`loc + scale * u`, u uniform in [lo, hi], as a float64 NumPy array."""
    u = _between(key, jnp.shape(loc), lo, hi)
    return np.asarray(loc + scale * u, dtype=np.float64)


def _left(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2 = jax.random.split(key)
    family = nd.SoftLaplace if batch_shape else nd.Normal
    base, loc, scale = _real_base(k1, batch_shape, family)
    return {"base_dist": base, "low": _bound(loc, scale, k2, -1.5, 1.5)}


def _right(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2 = jax.random.split(key)
    family = nd.Cauchy if batch_shape else nd.Normal
    base, loc, scale = _real_base(k1, batch_shape, family)
    return {"base_dist": base, "high": _bound(loc, scale, k2, -1.5, 1.5)}


def _two_sided(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2, k3 = jax.random.split(key, 3)
    family = nd.Logistic if batch_shape else nd.Normal
    base, loc, scale = _real_base(k1, batch_shape, family)
    low = _bound(loc, scale, k2, -2.0, 0.0)
    width = np.asarray(scale * _between(k3, batch_shape, 0.5, 2.0), dtype=np.float64)
    return {"base_dist": base, "low": low, "high": np.asarray(low + width)}


def _gamma(key: jax.Array, batch_shape: tuple[int, ...]) -> tuple[nd.Gamma, Any]:
    """A Gamma base (concentration in [1, 4], rate in [0.5, 2]) and its mean."""
    k1, k2 = jax.random.split(key)
    concentration = _between(k1, batch_shape, 1.0, 4.0)
    rate = _between(k2, batch_shape, 0.5, 2.0)
    return nd.Gamma(concentration, rate), np.asarray(concentration / rate)


def _left_gamma(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2 = jax.random.split(key)
    base, mean = _gamma(k1, batch_shape)
    low = mean * np.asarray(_between(k2, batch_shape, 0.2, 1.0))
    return {"base_dist": base, "low": np.asarray(low, dtype=np.float64)}


def _right_gamma(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2 = jax.random.split(key)
    base, mean = _gamma(k1, batch_shape)
    high = mean * np.asarray(_between(k2, batch_shape, 0.8, 2.0))
    return {"base_dist": base, "high": np.asarray(high, dtype=np.float64)}


def _two_sided_gamma(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2, k3 = jax.random.split(key, 3)
    base, mean = _gamma(k1, batch_shape)
    low = mean * np.asarray(_between(k2, batch_shape, 0.2, 0.8))
    high = mean * np.asarray(_between(k3, batch_shape, 1.2, 2.5))
    return {
        "base_dist": base,
        "low": np.asarray(low, dtype=np.float64),
        "high": np.asarray(high, dtype=np.float64),
    }


def _polya_gamma(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    return {"batch_shape": batch_shape}


def _left_censored(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2 = jax.random.split(key)
    return {
        "base_dist": _real_base(k1, batch_shape, nd.Normal)[0],
        "censored": jax.random.bernoulli(k2, 0.5, batch_shape),
    }


def _right_censored(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2 = jax.random.split(key)
    return {
        "base_dist": nd.Exponential(_between(k1, batch_shape, 0.5, 2.0)),
        "censored": jax.random.bernoulli(k2, 0.5, batch_shape),
    }


def _interval_censored(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2, k3, k4 = jax.random.split(key, 4)
    base = nd.Weibull(
        _between(k1, batch_shape, 1.0, 3.0), _between(k2, batch_shape, 1.0, 3.0)
    )
    return {
        "base_dist": base,
        "left_censored": jax.random.bernoulli(k3, 0.5, batch_shape),
        "right_censored": jax.random.bernoulli(k4, 0.5, batch_shape),
    }


PARAMS = {
    "LeftTruncatedDistribution": _left,
    "RightTruncatedDistribution": _right,
    "TwoSidedTruncatedDistribution": _two_sided,
    "LeftTruncatedGamma": _left_gamma,
    "RightTruncatedGamma": _right_gamma,
    "TwoSidedTruncatedGamma": _two_sided_gamma,
    "TruncatedPolyaGamma": _polya_gamma,
    "LeftCensoredDistribution": _left_censored,
    "RightCensoredDistribution": _right_censored,
    "IntervalCensoredDistribution": _interval_censored,
}
SKIPS: dict[tuple[str, str], str] = {
    ("TruncatedPolyaGamma", "vmap"): (
        "it has no parameters, hence no leaves: its batch shape is static "
        "configuration, so there is no batch axis to map over"
    ),
}
