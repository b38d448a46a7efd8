"""Argument generators and exclusions for multivariate distributions.

See `_generate.py`: `PARAMS` replaces the automatic generator for a class,
`SKIPS` lists (class name, check) pairs a class cannot take part in, with the
reason (check "*" for all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import numpy as np

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


PARAMS = {
    "CirculantNormal": _circulant_normal,
    "Wishart": _wishart("scale_matrix"),
    "WishartCholesky": _wishart("rate_matrix"),
    "InverseWishart": _wishart("scale_tril"),
    "InverseWishartCholesky": _wishart("scale_matrix"),
    "LKJ": _lkj,
    "LKJCholesky": _lkj,
}
SKIPS: dict[tuple[str, str], str] = {}
