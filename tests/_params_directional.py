"""Argument generators and exclusions for directional distributions.

See `_generate.py`: `PARAMS` replaces the automatic generator for a class,
`SKIPS` lists (class name, check) pairs a class cannot take part in, with the
reason (check "*" for all).
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np


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


PARAMS = {"SineBivariateVonMises": _sine_bivariate_von_mises}
SKIPS: dict[tuple[str, str], str] = {}
