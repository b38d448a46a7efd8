"""Argument generators and exclusions for multivariate distributions.

See `generate.py`: `PARAMS` replaces the automatic generator for a class,
`SKIPS` lists (class name, check) pairs a class cannot take part in, with the
reason (check "*" for all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd

N = 3  # the size of every event dimension


# NumPy ufuncs return scalars (`np.float64`) for 0-d inputs; every generated
# value is wrapped in `np.asarray` so that batch shape () gives 0-d arrays,
# which the parity suite promotes exactly as the typed constructor does.


def _normal(key: jax.Array, shape: tuple[int, ...]) -> np.ndarray:
    return np.asarray(jax.random.normal(key, shape), dtype=np.float64)


def _spd(key: jax.Array, batch_shape: tuple[int, ...]) -> np.ndarray:
    """Well-conditioned symmetric positive definite `N x N` matrices."""
    a = _normal(key, (*batch_shape, N, N))
    spd: np.ndarray = a @ np.swapaxes(a, -1, -2) + N * np.eye(N)
    return spd


def _wishart(matrix: str) -> Callable[[jax.Array, tuple[int, ...]], dict[str, Any]]:
    # `concentration` has a dependent constraint (it must exceed N - 1), which
    # the automatic generator cannot draw from; the matrix parametrisation is
    # varied across the four Wishart classes so that each is exercised.
    def make(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
        k1, k2 = jax.random.split(key)
        concentration = np.asarray(N + np.exp(_normal(k1, batch_shape)))
        spd = _spd(k2, batch_shape)
        value = np.linalg.cholesky(spd) if matrix == "scale_tril" else spd
        return {"concentration": concentration, matrix: value}

    return make


def _lkj(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # `dimension` is a required option (no default) that fixes the event shape.
    concentration = np.asarray(np.exp(_normal(key, batch_shape)))
    return {"dimension": N, "concentration": concentration}


def _circulant_normal(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # `covariance_rfft` has `N // 2 + 1` entries, a size the declaration-driven
    # generator cannot give. The `covariance_row` parametrisation is not used:
    # its constraint (the first row of a positive definite circulant matrix)
    # has no bijection, which the gradient check needs.
    k1, k2 = jax.random.split(key)
    return {
        "loc": _normal(k1, (*batch_shape, N)),
        "covariance_rfft": np.exp(_normal(k2, (*batch_shape, N // 2 + 1))),
    }


def _adjacency(key: jax.Array, batch_shape: tuple[int, ...]) -> np.ndarray:
    """Symmetric 0/1 adjacency matrices in which every site has a neighbour.

    A path through the `N` sites (so no site is isolated) plus random extra
    edges; a float array, as the typed `CAR` requires.
    """
    extra = np.asarray(jax.random.bernoulli(key, 0.5, (*batch_shape, N, N)))
    path = np.eye(N, k=1, dtype=bool)
    upper = np.triu(extra, k=1) | path
    adj: np.ndarray = (upper | np.swapaxes(upper, -1, -2)).astype(np.float64)
    return adj


def _car(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # `adj_matrix` has a dependent constraint (symmetric, 0/1, every site with
    # a neighbour), which the automatic generator cannot draw from.
    k1, k2, k3, k4 = jax.random.split(key, 4)
    return {
        "loc": _normal(k1, (*batch_shape, N)),
        "correlation": np.asarray(0.9 * np.tanh(_normal(k2, batch_shape))),
        "conditional_precision": np.asarray(np.exp(_normal(k3, batch_shape))),
        "adj_matrix": _adjacency(k4, batch_shape),
    }


def _zero_sum_normal(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # `event_shape` is a required option. `scale` is a scalar at every batch
    # shape: NumPyro broadcasts it against the event, so a ZeroSumNormal has
    # no batch shape (see SKIPS).
    return {"scale": np.asarray(np.exp(_normal(key, ()))), "event_shape": (N,)}


def _gaussian_state_space(
    key: jax.Array, batch_shape: tuple[int, ...]
) -> dict[str, Any]:
    # `num_steps` is a required option and `transition_matrix` is one
    # unbatched `N x N` matrix, which the automatic generator (it prefixes
    # every parameter with the batch shape) cannot give. `initial_value` is
    # given, so that it is exercised; the three noise parametrisations are
    # tested in test_structured.py. The transition is scaled to keep the
    # state bounded over the steps.
    k1, k2, k3 = jax.random.split(key, 3)
    return {
        "num_steps": 4,
        "transition_matrix": np.asarray(0.4 * _normal(k1, (N, N))),
        "covariance_matrix": _spd(k2, batch_shape),
        "initial_value": _normal(k3, (*batch_shape, N)),
    }


def ornstein_uhlenbeck(y: jax.Array, t: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Drift and diffusion of an Ornstein-Uhlenbeck process (mean 0.5)."""
    return 1.5 * (0.5 - y), 0.4 * jnp.ones_like(y)


def _euler_maruyama(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # `t` must be increasing (an ordered vector), `sde_fn` is a function and
    # `init_dist` a distribution: none can be generated from a constraint.
    k1, k2, k3 = jax.random.split(key, 3)
    steps = 0.05 + 0.2 * np.exp(_normal(k1, (*batch_shape, 5)))
    loc = jax.random.normal(k2, batch_shape)
    scale = jnp.exp(jax.random.normal(k3, batch_shape))
    return {
        "t": np.asarray(np.cumsum(steps, axis=-1)),
        "sde_fn": ornstein_uhlenbeck,
        "init_dist": nd.Normal(loc, scale),
    }


def _correlation(key: jax.Array, batch_shape: tuple[int, ...]) -> np.ndarray:
    """Well-conditioned `N x N` correlation matrices."""
    spd = _spd(key, batch_shape)
    d = np.sqrt(np.diagonal(spd, axis1=-2, axis2=-1))
    corr: np.ndarray = spd / (d[..., :, None] * d[..., None, :])
    return corr


def _gaussian_copula(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # `marginal_dist` is a distribution, with batch shape (*batch, N); its
    # last batch axis is the one coupled.
    k1, k2, k3 = jax.random.split(key, 3)
    loc = jax.random.normal(k1, (*batch_shape, N))
    scale = jnp.exp(jax.random.normal(k2, (*batch_shape, N)))
    return {
        "marginal_dist": nd.Normal(loc, scale),
        "correlation_matrix": _correlation(k3, batch_shape),
    }


PARAMS = {
    "CAR": _car,
    "ZeroSumNormal": _zero_sum_normal,
    "GaussianStateSpace": _gaussian_state_space,
    "EulerMaruyama": _euler_maruyama,
    "GaussianCopula": _gaussian_copula,
    "CirculantNormal": _circulant_normal,
    "Wishart": _wishart("scale_matrix"),
    "WishartCholesky": _wishart("rate_matrix"),
    "InverseWishart": _wishart("scale_tril"),
    "InverseWishartCholesky": _wishart("scale_matrix"),
    "LKJ": _lkj,
    "LKJCholesky": _lkj,
}
SKIPS: dict[tuple[str, str], str] = {
    ("ZeroSumNormal", "vmap"): (
        "it has no batch shape: NumPyro broadcasts `scale` against the event's "
        "rotated coordinates, not a batch, so `scale` is a scalar with no axis "
        "to map over (batch shape (2,) builds the same unbatched distribution)"
    ),
    ("GaussianStateSpace", "vmap"): (
        "NumPyro requires one unbatched `transition_matrix` (a 2-D array), so "
        "that leaf has no batch axis to map over"
    ),
    ("GaussianCopulaBeta", "grad"): (
        "log_prob has no gradient in the concentrations: the Beta CDF is JAX's "
        "betainc, which is not differentiable in its shape parameters (NumPyro's "
        "own class raises the same error); test_structured.py checks the "
        "gradient in the correlation factor"
    ),
}
