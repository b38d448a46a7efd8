"""Argument generators and exclusions for discrete distributions.

See `generate.py`: `PARAMS` replaces the automatic generator for a class,
`SKIPS` lists (class name, check) pairs a class cannot take part in, with the
reason (check "*" for all).
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

EVENT = 3  # the size of `Delta`'s event dimension


def _discrete_uniform(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # `low` and `high` have dependent constraints (low <= high), and the
    # automatic integer value gives low == high: a one-point support, on which
    # every sample and log-density agree trivially. Draw distinct bounds.
    k1, k2 = jax.random.split(key)
    low = np.asarray(jax.random.randint(k1, batch_shape, -3, 3), dtype=np.int32)
    width = np.asarray(jax.random.randint(k2, batch_shape, 1, 6), dtype=np.int32)
    return {"low": low, "high": low + width}


def _delta(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # `v` has a dependent constraint (its event shape depends on the option
    # `event_dim`). Use a vector event, so that the option is exercised.
    k1, k2 = jax.random.split(key)
    v = np.asarray(jax.random.normal(k1, (*batch_shape, EVENT)), dtype=np.float64)
    log_density = np.asarray(jax.random.normal(k2, batch_shape), dtype=np.float64)
    return {"v": v, "log_density": log_density, "event_dim": 1}


PARAMS = {"DiscreteUniform": _discrete_uniform, "Delta": _delta}
SKIPS: dict[tuple[str, str], str] = {
    ("Delta", "grad"): (
        "log_prob is 0 where value == v and -inf elsewhere, so it has no "
        "derivative in `v`: any perturbation of `v` gives -inf and central "
        "differences give nan (NumPyro's gradient is 0); the gradient in "
        "`log_density` is the constant 1"
    ),
}


# Sampling a multinomial count inside `jax.jit` needs a static bound on
# `total_count` (NumPyro's `total_count_max`): the generated counts are 4.
_COUNTS = {"total_count_max": 4}
OPTIONS = {"MultinomialProbs": _COUNTS, "MultinomialLogits": _COUNTS}
