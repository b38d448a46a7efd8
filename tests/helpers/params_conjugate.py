"""Argument generators and exclusions for conjugate distributions.

See `generate.py`: `PARAMS` replaces the automatic generator for a class,
`SKIPS` lists (class name, check) pairs a class cannot take part in, with the
reason (check "*" for all).

The conjugate distributions' parameters are independent and constrained one
by one (positive concentrations, a unit-interval `probs`, a nonnegative
integer `total_count`), so the automatic generator covers them; only
DirichletMultinomial needs an option (below).
"""

from __future__ import annotations

from typing import Any

PARAMS: dict[str, Any] = {}
SKIPS: dict[tuple[str, str], str] = {}


# Sampling a multinomial count inside `jax.jit` needs a static bound on
# `total_count` (NumPyro's `total_count_max`): the generated counts are 4.
_COUNTS = {"total_count_max": 4}
OPTIONS = {"DirichletMultinomial": _COUNTS}
