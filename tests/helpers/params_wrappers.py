"""Argument generators for distributions built from other distributions.

See `generate.py`. A base distribution is given as a NumPyro distribution
built from float32 JAX arrays: the typed wrapper converts it to its typed
counterpart, NumPyro's wrapper keeps it, and the parity suite compares the
two. `BASES` lists the base distributions, so that the suite can also check
that a NumPyro base with integer parameters is rejected.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpyro.distributions as nd
from numpyro.distributions import constraints
from numpyro.distributions.transforms import AffineTransform, ExpTransform

N = 3  # the size of the reinterpreted event dimension


def _normal(key: jax.Array, shape: tuple[int, ...]) -> nd.Normal:
    k1, k2 = jax.random.split(key)
    loc = jax.random.normal(k1, shape)
    scale = jnp.exp(jax.random.normal(k2, shape))
    return nd.Normal(loc, scale)


def _independent(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    return {
        "base_dist": _normal(key, (*batch_shape, N)),
        "reinterpreted_batch_ndims": 1,
    }


def _expanded(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # A base with a size-1 batch dimension, broadcast to the batch shape.
    return {
        "base_dist": _normal(key, (1,)),
        "batch_shape": (*batch_shape, N),
    }


def _masked(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2 = jax.random.split(key)
    mask = jax.random.bernoulli(k2, 0.5, batch_shape)
    return {"base_dist": _normal(k1, batch_shape), "mask": mask}


def _folded(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    return {"base_dist": _normal(key, batch_shape)}


def _transformed(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2 = jax.random.split(key)
    shift = jax.random.normal(k2, batch_shape)
    scale = jnp.full(batch_shape, 2.0)
    return {
        "base_distribution": _normal(k1, batch_shape),
        "transforms": [ExpTransform(), AffineTransform(shift, scale)],
    }


def _improper(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    return {
        "support": constraints.positive,
        "batch_shape": batch_shape,
        "event_shape": (N,),
    }


PARAMS = {
    "Independent": _independent,
    "ExpandedDistribution": _expanded,
    "MaskedDistribution": _masked,
    "FoldedDistribution": _folded,
    "TransformedDistribution": _transformed,
    "ImproperUniform": _improper,
}
SKIPS: dict[tuple[str, str], str] = {
    ("ExpandedDistribution", "vmap"): (
        "its leaves are the base distribution's, whose batch dimension has "
        "size 1 before expansion, so they have no batch axis to map over"
    ),
    ("ImproperUniform", "vmap"): (
        "it has no array leaves (its support and shapes are static), so `vmap` "
        "maps the values only and each element keeps the whole batch shape"
    ),
}
