"""Argument generators and exclusions for directional distributions.

See `generate.py`: `PARAMS` replaces the automatic generator for a class,
`SKIPS` lists (class name, check) pairs a class cannot take part in, with the
reason (check "*" for all).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd


def _sine_bivariate_von_mises(
    key: jax.Array, batch_shape: tuple[int, ...]
) -> dict[str, Any]:
    # `weighted_correlation` has no NumPyro constraint to draw from (it should
    # lie in [-1, 1]); it is the parametrisation used here, since the stored
    # `correlation` is derived from it and the concentrations.
    k1, k2, k3, k4, k5 = jax.random.split(key, 5)

    def normal(k: jax.Array) -> np.ndarray:
        return np.asarray(jax.random.normal(k, batch_shape), dtype=np.float64)

    # `np.asarray`: NumPy ufuncs return scalars for 0-d inputs (batch shape ()),
    # and the parity suite promotes only arrays as the typed constructor does.
    return {
        "phi_loc": np.asarray(np.tanh(normal(k1)) * np.pi),
        "psi_loc": np.asarray(np.tanh(normal(k2)) * np.pi),
        "phi_concentration": np.asarray(np.exp(normal(k3))),
        "psi_concentration": np.asarray(np.exp(normal(k4))),
        "weighted_correlation": np.asarray(np.tanh(normal(k5)) * 0.9),
    }


def _sine_skewed(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # `base_dist` is a distribution on the 2-torus (a NumPyro
    # SineBivariateVonMises built from float32 JAX arrays) and `skewness`
    # must lie in the l1 ball: each of its two entries is below 0.45 in
    # absolute value, so their absolute sum is below 0.9.
    k1, k2, k3, k4, k5, k6 = jax.random.split(key, 6)
    base = nd.SineBivariateVonMises(
        phi_loc=jnp.tanh(jax.random.normal(k1, batch_shape)) * jnp.pi,
        psi_loc=jnp.tanh(jax.random.normal(k2, batch_shape)) * jnp.pi,
        phi_concentration=jnp.exp(jax.random.normal(k3, batch_shape)),
        psi_concentration=jnp.exp(jax.random.normal(k4, batch_shape)),
        weighted_correlation=jnp.tanh(jax.random.normal(k5, batch_shape)) * 0.9,
    )
    skewness = 0.45 * np.tanh(np.asarray(jax.random.normal(k6, (*batch_shape, 2))))
    return {"base_dist": base, "skewness": np.asarray(skewness, dtype=np.float64)}


PARAMS = {
    "SineBivariateVonMises": _sine_bivariate_von_mises,
    "SineSkewed": _sine_skewed,
}
SKIPS: dict[tuple[str, str], str] = {}
