"""Argument generators for mixtures, zero-inflated and hurdle distributions.

See `generate.py`. Component and base distributions are NumPyro
distributions built from float32 JAX arrays (as in `helpers/params_wrappers.py`) at
the generated batch shape, so that every leaf of the typed distribution has
the batch axis (the vmap check maps over it): the typed class converts them
to typed distributions, NumPyro's class keeps them, and the parity suite
compares the two. Mixing distributions are Categoricals over `K` components.

The hurdle and zero-inflated classes with their own parameters (HurdlePoisson,
HurdleGamma, HurdleLogNormal) have independent, one-by-one constraints, so
the automatic generator covers them.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd

K = 3  # the number of mixture components
N = 2  # the event size of the multivariate components


def _positive(key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    return jnp.exp(jax.random.normal(key, shape))


def _normal(key: jax.Array, shape: tuple[int, ...]) -> nd.Normal:
    k1, k2 = jax.random.split(key)
    return nd.Normal(jax.random.normal(k1, shape), _positive(k2, shape))


def _laplace(key: jax.Array, shape: tuple[int, ...]) -> nd.Laplace:
    k1, k2 = jax.random.split(key)
    return nd.Laplace(jax.random.normal(k1, shape), _positive(k2, shape))


def _mvn(key: jax.Array, shape: tuple[int, ...]) -> nd.MultivariateNormal:
    k1, k2 = jax.random.split(key)
    loc = jax.random.normal(k1, (*shape, N))
    a = jax.random.normal(k2, (*shape, N, N))
    scale_tril = jnp.tril(a, -1) + jnp.eye(N) * (1.0 + jnp.abs(a))
    return nd.MultivariateNormal(loc, scale_tril=scale_tril)


def _mixing_probs(key: jax.Array, batch_shape: tuple[int, ...]) -> nd.CategoricalProbs:
    return nd.CategoricalProbs(
        jax.nn.softmax(jax.random.normal(key, (*batch_shape, K)))
    )


def _mixing_logits(
    key: jax.Array, batch_shape: tuple[int, ...]
) -> nd.CategoricalLogits:
    return nd.CategoricalLogits(jax.random.normal(key, (*batch_shape, K)))


def _gate(key: jax.Array, batch_shape: tuple[int, ...]) -> np.ndarray:
    return np.asarray(jax.random.uniform(key, batch_shape, minval=0.1, maxval=0.9))


def _mixture_same_family(
    key: jax.Array, batch_shape: tuple[int, ...]
) -> dict[str, Any]:
    # A multivariate component: K bivariate normals along the last batch axis.
    k1, k2 = jax.random.split(key)
    return {
        "mixing_distribution": _mixing_probs(k1, batch_shape),
        "component_distribution": _mvn(k2, (*batch_shape, K)),
    }


def _mixture_general(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # Components of two families with the same (real) support.
    k1, k2, k3, k4 = jax.random.split(key, 4)
    return {
        "mixing_distribution": _mixing_logits(k1, batch_shape),
        "component_distributions": [
            _normal(k2, batch_shape),
            _laplace(k3, batch_shape),
            _normal(k4, batch_shape),
        ],
    }


def _zero_inflated_probs(
    key: jax.Array, batch_shape: tuple[int, ...]
) -> dict[str, Any]:
    k1, k2 = jax.random.split(key)
    return {
        "base_dist": nd.Poisson(_positive(k1, batch_shape)),
        "gate": _gate(k2, batch_shape),
    }


def _zero_inflated_logits(
    key: jax.Array, batch_shape: tuple[int, ...]
) -> dict[str, Any]:
    k1, k2, k3 = jax.random.split(key, 3)
    base = nd.GammaPoisson(_positive(k1, batch_shape), _positive(k2, batch_shape))
    gate_logits = np.asarray(jax.random.normal(k3, batch_shape))
    return {"base_dist": base, "gate_logits": gate_logits}


# The generic hurdle classes get discrete bases: with a continuous base on the
# positive reals their support (the base's) excludes the hurdle's zeros, so
# NumPyro's default sample validation gives log_prob -inf there (HurdleGamma
# and HurdleLogNormal, generated automatically, cover continuous bases).
def _hurdle_probs(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2, k3 = jax.random.split(key, 3)
    base = nd.GammaPoisson(_positive(k1, batch_shape), _positive(k2, batch_shape))
    return {"base_dist": base, "gate": _gate(k3, batch_shape)}


def _hurdle_logits(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    k1, k2 = jax.random.split(key)
    gate_logits = np.asarray(jax.random.normal(k2, batch_shape))
    return {
        "base_dist": nd.Poisson(_positive(k1, batch_shape)),
        "gate_logits": gate_logits,
    }


PARAMS = {
    "MixtureSameFamily": _mixture_same_family,
    "MixtureGeneral": _mixture_general,
    "ZeroInflatedProbs": _zero_inflated_probs,
    "ZeroInflatedLogits": _zero_inflated_logits,
    "HurdleProbs": _hurdle_probs,
    "HurdleLogits": _hurdle_logits,
}
SKIPS: dict[tuple[str, str], str] = {}
