"""Argument generators and exclusions for continuous distributions.

See `_generate.py`: `PARAMS` replaces the automatic generator for a class,
`SKIPS` lists (class name, check) pairs a class cannot take part in, with the
reason (check "*" for all).
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np


def _uniform(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # `low` and `high` have dependent constraints: only low < high is valid.
    k1, k2 = jax.random.split(key)
    low = np.asarray(jax.random.normal(k1, batch_shape), dtype=np.float64)
    width = np.exp(np.asarray(jax.random.normal(k2, batch_shape), dtype=np.float64))
    return {"low": low, "high": low + width}


PARAMS = {"Uniform": _uniform}
SKIPS: dict[tuple[str, str], str] = {}
