"""A user's own NumPyro distribution and its typed wrapper, strict-clean.

The wrapper uses only the public mechanism (`TypedDistribution[...]`,
jaxtyping fields, `FloatLike`, `self._construct`), as `docs/wrapping.md`
describes; mypy and pyright check it in strict mode, and
`tests/typing/test_typing_model.py` runs it.
"""

from __future__ import annotations

from typing import Any, assert_type

import jax
import jax.numpy as jnp
import numpyro.distributions as nd
from jax.typing import ArrayLike
from jaxtyping import Array, Float
from numpyro.distributions import constraints

import typed_dists as td
from typed_dists import FloatLike


class ShiftedExponential(nd.Distribution):
    """Exponential with rate `rate`, shifted to start at `loc` (NumPyro style)."""

    # NumPyro declares these as (mutable) instance attribute types.
    arg_constraints = {"loc": constraints.real, "rate": constraints.positive}  # noqa: RUF012
    reparametrized_params = ["loc", "rate"]  # noqa: RUF012

    def __init__(
        self,
        loc: FloatLike = 0.0,
        rate: FloatLike = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self.loc = jnp.asarray(loc)
        self.rate = jnp.asarray(rate)
        batch_shape = jnp.broadcast_shapes(jnp.shape(self.loc), jnp.shape(self.rate))
        super().__init__(batch_shape, validate_args=validate_args)

    @property
    def support(self) -> constraints.Constraint[Any]:
        return constraints.greater_than(self.loc)

    # NumPyro's base class annotates these two; the overrides match it.
    def sample(
        self, key: jax.Array | None, sample_shape: tuple[int, ...] = ()
    ) -> jax.Array:
        assert key is not None
        shape = sample_shape + self.batch_shape
        return self.loc + jax.random.exponential(key, shape) / self.rate

    def log_prob(
        self, value: ArrayLike, intermediates: list[Any] | None = None
    ) -> jax.Array:
        return jnp.log(self.rate) - self.rate * (jnp.asarray(value) - self.loc)


class TypedShiftedExponential(
    td.TypedDistribution[ShiftedExponential], ShiftedExponential
):
    """The typed wrapper: a declaration, as for the built-in distributions."""

    loc: Float[Array, "*#batch"]
    rate: Float[Array, "*#batch"]

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch"] = 0.0,
        rate: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(loc=loc, rate=rate, validate_args=validate_args)


def use(key: jax.Array) -> jax.Array:
    d = TypedShiftedExponential(1.0, jnp.array([0.5, 2.0]))
    assert_type(d.loc, Array)
    assert_type(d.to_numpyro(), ShiftedExponential)
    plain: ShiftedExponential = d  # the typed class is the NumPyro class
    print(plain)
    value = d.sample(key)
    assert_type(value, Array)
    return d.log_prob(value)
