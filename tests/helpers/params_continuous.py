"""Argument generators and exclusions for continuous distributions.

See `generate.py`: `PARAMS` replaces the automatic generator for a class,
`SKIPS` lists (class name, check) pairs a class cannot take part in, with the
reason (check "*" for all).

The automatic generator draws a positive parameter as `exp(normal)`, so about
one draw in a hundred is below 0.1. For the distributions below whose tails
or shapes degenerate there (in float32: samples overflowing to inf,
underflowing to 0 or to the edge of the support, log densities of -inf or
NaN), the generators draw from a bounded range in which sampling and
`log_prob` are finite and the mean and variance exist.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np


def _between(
    key: jax.Array, shape: tuple[int, ...], low: float, high: float
) -> np.ndarray:
    """Uniform draws in [low, high], as float64 NumPy arrays.

    Arithmetic on 0-d arrays gives NumPy scalars, not arrays: generators wrap
    derived values in `np.asarray` so that every argument is an array.
    """
    u = jax.random.uniform(key, shape, minval=low, maxval=high)
    return np.asarray(u, dtype=np.float64)


def _uniform(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # `low` and `high` have dependent constraints: only low < high is valid.
    k1, k2 = jax.random.split(key)
    low = np.asarray(jax.random.normal(k1, batch_shape), dtype=np.float64)
    width = np.exp(np.asarray(jax.random.normal(k2, batch_shape), dtype=np.float64))
    return {"low": low, "high": np.asarray(low + width)}


def _log_uniform(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # Both bounds are only constrained positive; the support needs low < high.
    k1, k2 = jax.random.split(key)
    low = _between(k1, batch_shape, 0.5, 2.0)
    high = low * np.exp(_between(k2, batch_shape, 0.5, 3.0))
    return {"low": low, "high": np.asarray(high)}


def _doubly_truncated_power_law(
    key: jax.Array, batch_shape: tuple[int, ...]
) -> dict[str, Any]:
    # The bounds need 0 < low < high (their constraints are independent; with
    # low = 0 and alpha <= -1 the density cannot be normalised), and near
    # alpha = -1 the normaliser (1 + alpha) / (high**(1 + alpha) -
    # low**(1 + alpha)) loses precision in float32 (1e-3 relative error at
    # alpha = -0.999): keep 1 + alpha in [0.5, 3].
    k1, k2, k3 = jax.random.split(key, 3)
    low = _between(k2, batch_shape, 0.5, 1.5)
    return {
        "alpha": _between(k1, batch_shape, -0.5, 2.0),
        "low": low,
        "high": np.asarray(low + _between(k3, batch_shape, 0.5, 3.0)),
    }


def _lower_truncated_power_law(
    key: jax.Array, batch_shape: tuple[int, ...]
) -> dict[str, Any]:
    # alpha < -1 is valid, but samples are low * u**(1 / (1 + alpha)): for
    # alpha near -1 they overflow float32 (alpha = -1.06 gives inf).
    k1, k2 = jax.random.split(key)
    return {
        "alpha": _between(k1, batch_shape, -4.0, -2.0),
        "low": _between(k2, batch_shape, 0.5, 2.0),
    }


def _pareto(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # Samples are scale * exp(Exponential(alpha)): a small alpha (0.04) sends
    # them to inf in float32. alpha > 2 also makes the mean and variance finite.
    k1, k2 = jax.random.split(key)
    return {
        "scale": _between(k1, batch_shape, 0.5, 2.0),
        "alpha": _between(k2, batch_shape, 2.5, 5.0),
    }


def _weibull(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # A small concentration (0.02) draws samples of 0 and inf in float32,
    # where log_prob is -inf.
    k1, k2 = jax.random.split(key)
    return {
        "scale": _between(k1, batch_shape, 0.5, 2.0),
        "concentration": _between(k2, batch_shape, 0.5, 3.0),
    }


def _chi2(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # A small df (0.1) draws Gamma(df / 2) samples that underflow to 0, outside
    # the support, where log_prob is -inf.
    return {"df": _between(key, batch_shape, 1.0, 8.0)}


def _inverse_gamma(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # 1 / Gamma(concentration): a small concentration (0.1) draws samples up
    # to 1e27, whose log_prob is -inf in float32. concentration > 2 also makes
    # the mean and variance finite.
    k1, k2 = jax.random.split(key)
    return {
        "concentration": _between(k1, batch_shape, 2.5, 6.0),
        "rate": _between(k2, batch_shape, 0.5, 2.0),
    }


def _dagum(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # Samples are scale * (u**(-1 / concentration) - 1)**(-1 / sharpness): a
    # small sharpness (0.02) or concentration (0.1) sends them to 0 or inf in
    # float32, where log_prob is -inf or NaN. sharpness > 2 also makes the
    # mean and variance finite.
    k1, k2, k3 = jax.random.split(key, 3)
    return {
        "concentration": _between(k1, batch_shape, 0.5, 3.0),
        "sharpness": _between(k2, batch_shape, 2.5, 5.0),
        "scale": _between(k3, batch_shape, 0.5, 2.0),
    }


def _beta_proportion(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
    # As for Beta: shape parameters `mean * concentration` near 0 draw samples
    # of exactly 0 or 1 in float32, where log_prob is infinite.
    k1, k2 = jax.random.split(key)
    return {
        "mean": _between(k1, batch_shape, 0.2, 0.8),
        "concentration": _between(k2, batch_shape, 2.0, 10.0),
    }


PARAMS = {
    "BetaProportion": _beta_proportion,
    "Uniform": _uniform,
    "LogUniform": _log_uniform,
    "DoublyTruncatedPowerLaw": _doubly_truncated_power_law,
    "LowerTruncatedPowerLaw": _lower_truncated_power_law,
    "Pareto": _pareto,
    "Weibull": _weibull,
    "Chi2": _chi2,
    "InverseGamma": _inverse_gamma,
    "Dagum": _dagum,
}
SKIPS: dict[tuple[str, str], str] = {
    ("DoublyTruncatedPowerLaw", "grad"): (
        "NumPyro's custom JVP of log_prob is wrong for `low` and `high`: it "
        "gives pdf * d(log_prob)/d(low) and -pdf * d(log_prob)/d(high) (the "
        "derivative of the density, with the wrong sign for `high`), not the "
        "derivative of log_prob (NumPyro 0.22; the `alpha` and value tangents "
        "are right)"
    ),
}
