"""Hand-picked values inside a distribution's support, for parity checks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpyro.distributions import constraints


def grid(shape: tuple[int, ...]) -> np.ndarray:
    """Distinct numbers in [0.1, 0.9], one per element of `shape`."""
    n = math.prod(shape)
    return np.linspace(0.1, 0.9, n).reshape(shape) if n > 1 else np.full(shape, 0.4)


def support_rows(
    support: constraints.Constraint[Any], shape: tuple[int, ...]
) -> np.ndarray:
    """Four hand-picked values inside `support`, stacked: shape `(4, *shape)`.

    Four, like the `(4,)`-shaped samples below, so that every array reaching
    NumPyro has the same shape (eager JAX compiles each operation once per
    shape and dtype).
    """
    t = grid(shape)
    rows: list[np.ndarray]
    if support is constraints.real or support is constraints.real_vector:
        rows = [4.0 * t - 2.0, 1.5 - 5.0 * t, np.zeros(shape), np.full(shape, -7.0)]
    elif support is constraints.positive:
        rows = [0.2 + 3.0 * t, 5.0 - 4.0 * t, np.ones(shape), np.full(shape, 0.01)]
    elif isinstance(support, constraints.interval):  # also unit_interval
        low = np.asarray(support.lower_bound)
        high = np.asarray(support.upper_bound)
        fractions = (t, 1.0 - t, np.full(shape, 0.5), np.full(shape, 0.99))
        rows = [low + f * (high - low) for f in fractions]
    elif support is constraints.boolean:
        alternating = np.arange(math.prod(shape)).reshape(shape) % 2
        rows = [alternating, 1 - alternating, np.ones(shape), np.zeros(shape)]
    elif isinstance(support, constraints.integer_interval):
        low = np.broadcast_to(np.asarray(support.lower_bound), shape)
        high = np.broadcast_to(np.asarray(support.upper_bound), shape)
        middle = np.minimum(low + np.floor(t * (high - low + 1)), high)
        rows = [low, high, middle, np.maximum(high - 1, low)]
    elif support is constraints.nonnegative_integer:
        count = np.arange(math.prod(shape)).reshape(shape)
        rows = [count, np.zeros(shape), np.full(shape, 7), count + 12]
    elif support is constraints.simplex:
        weights = np.exp(3.0 * t)
        weights /= weights.sum(-1, keepdims=True)
        flat = np.ones(shape) / shape[-1]
        rows = [weights, flat, weights[..., ::-1], 0.5 * (weights + flat)]
    else:
        raise AssertionError(f"no hand-picked values for support {support!r}")
    return np.stack([np.broadcast_to(r, shape) for r in rows]).astype(np.float64)


def support_value(dist: Any, key: Any, sample_shape: tuple[int, ...] = (4,)) -> Any:
    """Values inside `dist.support`, of shape `sample_shape + batch + event`,
    without running the distribution's sampler (compiling a sampler costs far
    more than anything else in a check).

    Continuous supports: standard normal draws through `biject_to(support)`.
    Discrete ones: `support_rows` (the first `sample_shape` rows), and for a
    Multinomial support all of `total_count` in one category. The dtype is the
    one `dist.sample` returns (read with `jax.eval_shape`, which only traces),
    or float32 where there is no sampler.
    """
    import jax
    import jax.numpy as jnp
    from numpyro.distributions.transforms import biject_to

    support = dist.support
    shape = tuple(sample_shape) + tuple(dist.batch_shape) + tuple(dist.event_shape)
    try:
        dtype = jax.eval_shape(dist.sample, jax.random.key(0)).dtype
    except (NotImplementedError, ImportError):
        dtype = jnp.float32
    if isinstance(support, constraints.multinomial):
        count = np.broadcast_to(np.asarray(support.upper_bound), shape[:-1])
        value = np.zeros(shape)
        value[..., 0] = count
        return jnp.asarray(value, dtype)
    if isinstance(support, type(constraints.sphere)):
        draws = np.asarray(jax.random.normal(key, shape))
        return jnp.asarray(draws / np.linalg.norm(draws, axis=-1, keepdims=True), dtype)
    if support.is_discrete:
        event = tuple(dist.batch_shape) + tuple(dist.event_shape)
        rows = support_rows(support, event)
        picked = np.resize(rows, (math.prod(sample_shape), *event)).reshape(shape)
        return jnp.asarray(picked, dtype)
    transform = biject_to(support)
    unconstrained = jax.random.normal(key, transform.inverse_shape(shape))
    return jnp.asarray(transform(unconstrained), dtype)
