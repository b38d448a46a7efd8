"""Conjugate distributions (NumPyro's `conjugate` group).

Compound distributions whose mixing distribution is integrated out:
beta-binomial, beta-negative-binomial, Dirichlet-multinomial and
gamma-Poisson (negative binomial). NumPyro's `NegativeBinomial` is a factory
that takes exactly one of `probs=` / `logits=`; the typed one does the same.

NumPyro's `NegativeBinomial2(mean, concentration)` has no typed counterpart:
NumPyro does not store `mean` (it keeps `concentration` and
`rate = concentration / mean`, and `mean` is the distribution's mean
property), so the distribution cannot be rebuilt from stored parameters that
its constructor accepts.
"""

from __future__ import annotations

from typing import overload

import equinox as eqx
import numpyro.distributions as nd
from jaxtyping import Array, Float, Int

from .._core import Derived, TypedDistribution
from .._policy import FloatLike, IntLike
from ._discrete import _probs_or_logits  # pyright: ignore[reportPrivateUsage]

__all__ = [
    "BetaBinomial",
    "BetaNegativeBinomial",
    "DirichletMultinomial",
    "GammaPoisson",
    "NegativeBinomial",
    "NegativeBinomialLogits",
    "NegativeBinomialProbs",
]


class BetaBinomial(TypedDistribution[nd.BetaBinomial]):
    """Binomial with `total_count` trials and a Beta-distributed success probability.

    The Beta has `concentration1` (alpha) and `concentration0` (beta).
    `total_count` is an integer parameter: it is stored as an integer array
    and never differentiated.
    """

    concentration1: Float[Array, "*#batch"]
    concentration0: Float[Array, "*#batch"]
    total_count: Int[Array, "*#batch"]

    def __init__(
        self,
        concentration1: Float[FloatLike, "*#batch"],
        concentration0: Float[FloatLike, "*#batch"],
        total_count: Int[IntLike, "*#batch"] = 1,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            concentration1=concentration1,
            concentration0=concentration0,
            total_count=total_count,
            validate_args=validate_args,
        )


class BetaNegativeBinomial(TypedDistribution[nd.BetaNegativeBinomial]):
    """Negative binomial with `n` successes and a Beta-distributed success probability.

    The Beta has `concentration1` (alpha) and `concentration0` (beta). `n` is
    a positive real parameter (NumPyro's negative binomial allows non-integer
    `n`), so it is a float parameter.
    """

    concentration1: Float[Array, "*#batch"]
    concentration0: Float[Array, "*#batch"]
    n: Float[Array, "*#batch"]

    def __init__(
        self,
        concentration1: Float[FloatLike, "*#batch"],
        concentration0: Float[FloatLike, "*#batch"],
        n: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            concentration1=concentration1,
            concentration0=concentration0,
            n=n,
            validate_args=validate_args,
        )


class DirichletMultinomial(TypedDistribution[nd.DirichletMultinomial]):
    """Multinomial with `total_count` draws and Dirichlet-distributed probabilities.

    The Dirichlet has `concentration` (of `k` classes). `total_count` is an
    integer parameter stored as an integer array (a pytree leaf), as in
    `MultinomialProbs`: NumPyro keeps it as static pytree data, which a typed
    module cannot hold for an array. Sampling with a traced `total_count`
    (inside `jax.jit`) needs `total_count_max`.
    """

    concentration: Float[Array, "*#batch k"]
    total_count: Int[Array, "*#batch"]
    total_count_max: int | None = eqx.field(static=True)

    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch k"],
        total_count: Int[IntLike, "*#batch"] = 1,
        *,
        total_count_max: int | None = None,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            concentration=concentration,
            total_count=total_count,
            total_count_max=total_count_max,
            validate_args=validate_args,
        )


class GammaPoisson(TypedDistribution[nd.GammaPoisson]):
    """Poisson with a Gamma(`concentration`, `rate`)-distributed mean."""

    concentration: Float[Array, "*#batch"]
    rate: Float[Array, "*#batch"]

    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch"],
        rate: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            concentration=concentration, rate=rate, validate_args=validate_args
        )


class NegativeBinomialProbs(TypedDistribution[nd.NegativeBinomialProbs]):
    """Number of failures before `total_count` successes, success probability `probs`.

    `total_count` is a positive real parameter (a float parameter). NumPyro
    implements the distribution as `GammaPoisson(total_count, 1 / probs - 1)`;
    that `concentration` and `rate` are read from the NumPyro distribution.
    """

    total_count: Float[Array, "*#batch"]
    probs: Float[Array, "*#batch"]
    concentration = Derived[Float[Array, "*#batch"]]()
    rate = Derived[Float[Array, "*#batch"]]()

    def __init__(
        self,
        total_count: Float[FloatLike, "*#batch"],
        probs: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            total_count=total_count, probs=probs, validate_args=validate_args
        )


class NegativeBinomialLogits(TypedDistribution[nd.NegativeBinomialLogits]):
    """Number of failures before `total_count` successes, success log-odds `logits`.

    `total_count` is a positive real parameter (a float parameter). NumPyro
    implements the distribution as `GammaPoisson(total_count, exp(-logits))`;
    that `concentration` and `rate` are read from the NumPyro distribution.
    """

    total_count: Float[Array, "*#batch"]
    logits: Float[Array, "*#batch"]
    concentration = Derived[Float[Array, "*#batch"]]()
    rate = Derived[Float[Array, "*#batch"]]()

    def __init__(
        self,
        total_count: Float[FloatLike, "*#batch"],
        logits: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            total_count=total_count, logits=logits, validate_args=validate_args
        )


@overload
def NegativeBinomial(
    total_count: FloatLike,
    probs: FloatLike,
    logits: None = None,
    *,
    validate_args: bool | None = None,
) -> NegativeBinomialProbs: ...
@overload
def NegativeBinomial(
    total_count: FloatLike,
    probs: None = None,
    *,
    logits: FloatLike,
    validate_args: bool | None = None,
) -> NegativeBinomialLogits: ...
def NegativeBinomial(
    total_count: FloatLike,
    probs: FloatLike | None = None,
    logits: FloatLike | None = None,
    *,
    validate_args: bool | None = None,
) -> NegativeBinomialProbs | NegativeBinomialLogits:
    """Negative binomial: `total_count` successes, exactly one of `probs`/`logits`.

    **Raises:** `ParameterTypeError` if neither or both are given.
    """
    return _probs_or_logits(
        "NegativeBinomial",
        NegativeBinomialProbs,
        NegativeBinomialLogits,
        probs,
        logits,
        total_count=total_count,
        validate_args=validate_args,
    )
