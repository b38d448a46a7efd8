"""Discrete distributions (NumPyro's `discrete` module).

NumPyro's `Bernoulli`, `Binomial`, `Categorical` and `Geometric` are factories
that take exactly one of `probs=` / `logits=` and return a `...Probs` or
`...Logits` class; the typed ones do the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, overload

import equinox as eqx
import numpyro.distributions as nd
from jaxtyping import Array, Float, Int

from .._core import Derived, TypedDistribution, exactly_one
from .._policy import FloatLike, IntLike

__all__ = [
    "Bernoulli",
    "BernoulliLogits",
    "BernoulliProbs",
    "Binomial",
    "BinomialLogits",
    "BinomialProbs",
    "Categorical",
    "CategoricalLogits",
    "CategoricalProbs",
    "Geometric",
    "GeometricLogits",
    "GeometricProbs",
    "Poisson",
    "ScalarLogits",
    "ScalarProbs",
]


D = TypeVar("D", bound=nd.Distribution)


class ScalarProbs(TypedDistribution[D]):
    """A distribution parametrised by a batch of success probabilities `probs`."""

    probs: Float[Array, "*#batch"]
    logits = Derived[Float[Array, "*#batch"]]()

    def __init__(
        self,
        probs: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(probs=probs, validate_args=validate_args)


class ScalarLogits(TypedDistribution[D]):
    """A distribution parametrised by a batch of success log-odds `logits`."""

    logits: Float[Array, "*#batch"]
    probs = Derived[Float[Array, "*#batch"]]()

    def __init__(
        self,
        logits: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(logits=logits, validate_args=validate_args)


P = TypeVar("P")
L = TypeVar("L")


def _probs_or_logits(
    owner: str,
    probs_class: Callable[..., P],
    logits_class: Callable[..., L],
    probs: object,
    logits: object,
    **kwargs: object,
) -> P | L:
    """The body of NumPyro's probs/logits factories: exactly one of the two.

    **Raises:** `ParameterTypeError` if neither or both are given.
    """
    if exactly_one(owner, probs=probs, logits=logits) == "probs":
        return probs_class(probs, **kwargs)
    return logits_class(logits, **kwargs)


class BernoulliProbs(ScalarProbs[nd.BernoulliProbs]):
    """Bernoulli distribution with success probability `probs` in [0, 1]."""


class BernoulliLogits(ScalarLogits[nd.BernoulliLogits]):
    """Bernoulli distribution with log-odds `logits`."""


@overload
def Bernoulli(
    probs: FloatLike, logits: None = None, *, validate_args: bool | None = None
) -> BernoulliProbs: ...
@overload
def Bernoulli(
    probs: None = None, *, logits: FloatLike, validate_args: bool | None = None
) -> BernoulliLogits: ...
def Bernoulli(
    probs: FloatLike | None = None,
    logits: FloatLike | None = None,
    *,
    validate_args: bool | None = None,
) -> BernoulliProbs | BernoulliLogits:
    """Bernoulli distribution: pass exactly one of `probs=` or `logits=`.

    **Raises:** `ParameterTypeError` if neither or both are given.
    """
    return _probs_or_logits(
        "Bernoulli",
        BernoulliProbs,
        BernoulliLogits,
        probs,
        logits,
        validate_args=validate_args,
    )


class BinomialProbs(TypedDistribution[nd.BinomialProbs]):
    """Number of successes in `total_count` trials with success probability `probs`.

    `total_count` is an integer parameter: it is stored as an integer array
    and never differentiated.
    """

    probs: Float[Array, "*#batch"]
    total_count: Int[Array, "*#batch"]
    logits = Derived[Float[Array, "*#batch"]]()

    def __init__(
        self,
        probs: Float[FloatLike, "*#batch"],
        total_count: Int[IntLike, "*#batch"] = 1,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            probs=probs, total_count=total_count, validate_args=validate_args
        )


class BinomialLogits(TypedDistribution[nd.BinomialLogits]):
    """Number of successes in `total_count` trials with log-odds `logits`."""

    logits: Float[Array, "*#batch"]
    total_count: Int[Array, "*#batch"]
    probs = Derived[Float[Array, "*#batch"]]()

    def __init__(
        self,
        logits: Float[FloatLike, "*#batch"],
        total_count: Int[IntLike, "*#batch"] = 1,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            logits=logits, total_count=total_count, validate_args=validate_args
        )


@overload
def Binomial(
    total_count: IntLike,
    probs: FloatLike,
    logits: None = None,
    *,
    validate_args: bool | None = None,
) -> BinomialProbs: ...
@overload
def Binomial(
    total_count: IntLike = 1,
    *,
    probs: FloatLike,
    validate_args: bool | None = None,
) -> BinomialProbs: ...
@overload
def Binomial(
    total_count: IntLike = 1,
    probs: None = None,
    *,
    logits: FloatLike,
    validate_args: bool | None = None,
) -> BinomialLogits: ...
def Binomial(
    total_count: IntLike = 1,
    probs: FloatLike | None = None,
    logits: FloatLike | None = None,
    *,
    validate_args: bool | None = None,
) -> BinomialProbs | BinomialLogits:
    """Binomial distribution: `total_count` trials, exactly one of `probs`/`logits`.

    **Raises:** `ParameterTypeError` if neither or both are given.
    """
    return _probs_or_logits(
        "Binomial",
        BinomialProbs,
        BinomialLogits,
        probs,
        logits,
        total_count=total_count,
        validate_args=validate_args,
    )


class CategoricalProbs(TypedDistribution[nd.CategoricalProbs]):
    """Categorical distribution over `k` classes with probabilities `probs`."""

    probs: Float[Array, "*#batch k"]
    logits = Derived[Float[Array, "*#batch k"]]()

    def __init__(
        self,
        probs: Float[FloatLike, "*#batch k"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(probs=probs, validate_args=validate_args)


class CategoricalLogits(TypedDistribution[nd.CategoricalLogits]):
    """Categorical distribution over `k` classes with unnormalised log-probs."""

    logits: Float[Array, "*#batch k"]
    probs = Derived[Float[Array, "*#batch k"]]()

    def __init__(
        self,
        logits: Float[FloatLike, "*#batch k"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(logits=logits, validate_args=validate_args)


@overload
def Categorical(
    probs: FloatLike, logits: None = None, *, validate_args: bool | None = None
) -> CategoricalProbs: ...
@overload
def Categorical(
    probs: None = None, *, logits: FloatLike, validate_args: bool | None = None
) -> CategoricalLogits: ...
def Categorical(
    probs: FloatLike | None = None,
    logits: FloatLike | None = None,
    *,
    validate_args: bool | None = None,
) -> CategoricalProbs | CategoricalLogits:
    """Categorical distribution: pass exactly one of `probs=` or `logits=`.

    **Raises:** `ParameterTypeError` if neither or both are given.
    """
    return _probs_or_logits(
        "Categorical",
        CategoricalProbs,
        CategoricalLogits,
        probs,
        logits,
        validate_args=validate_args,
    )


class Poisson(TypedDistribution[nd.Poisson]):
    """Poisson distribution with mean `rate`.

    `is_sparse=True` is NumPyro's faster `log_prob` for mostly-zero data.
    """

    rate: Float[Array, "*#batch"]
    is_sparse: bool = eqx.field(static=True)

    def __init__(
        self,
        rate: Float[FloatLike, "*#batch"],
        *,
        is_sparse: bool = False,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(rate=rate, is_sparse=is_sparse, validate_args=validate_args)


class GeometricProbs(ScalarProbs[nd.GeometricProbs]):
    """Number of failures before the first success, success probability `probs`."""


class GeometricLogits(ScalarLogits[nd.GeometricLogits]):
    """Number of failures before the first success, success log-odds `logits`."""


@overload
def Geometric(
    probs: FloatLike, logits: None = None, *, validate_args: bool | None = None
) -> GeometricProbs: ...
@overload
def Geometric(
    probs: None = None, *, logits: FloatLike, validate_args: bool | None = None
) -> GeometricLogits: ...
def Geometric(
    probs: FloatLike | None = None,
    logits: FloatLike | None = None,
    *,
    validate_args: bool | None = None,
) -> GeometricProbs | GeometricLogits:
    """Geometric distribution: pass exactly one of `probs=` or `logits=`.

    **Raises:** `ParameterTypeError` if neither or both are given.
    """
    return _probs_or_logits(
        "Geometric",
        GeometricProbs,
        GeometricLogits,
        probs,
        logits,
        validate_args=validate_args,
    )
