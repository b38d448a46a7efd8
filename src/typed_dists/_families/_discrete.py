"""Discrete distributions (NumPyro's `discrete` module), with `Delta` and `Unit`.

NumPyro's `Bernoulli`, `Binomial`, `Categorical`, `Geometric` and `Multinomial`
are factories that take exactly one of `probs=` / `logits=` and return a
`...Probs` or `...Logits` class; the typed ones do the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

import equinox as eqx
import jax.numpy as jnp
import numpyro.distributions as nd
from jaxtyping import Array, Float, Int
from numpyro.distributions import constraints
from numpyro.distributions.util import clamp_probs

from .._core._construct import exactly_one
from .._core._distribution import TypedDistribution
from .._core._fields import Derived
from .._policy import (
    Accepted,
    FloatLike,
    IntLike,
    check_arguments,
    check_values,
    parameter_specs,
    validation_enabled,
)

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
    "Delta",
    "DiscreteUniform",
    "GateRate",
    "Geometric",
    "GeometricLogits",
    "GeometricProbs",
    "Multinomial",
    "MultinomialLogits",
    "MultinomialProbs",
    "OrderedLogistic",
    "Poisson",
    "RelaxedBernoulli",
    "RelaxedBernoulliLogits",
    "ZeroInflatedPoisson",
    "Unit",
    "ScalarLogits",
    "ScalarProbs",
]


D = TypeVar("D", bound=nd.Distribution)


class ScalarProbs(TypedDistribution[D]):
    """A distribution parametrised by a batch of success probabilities `probs`."""

    probs: Float[Array, "*#batch"]

    @Derived
    def logits(self) -> Float[Array, "*#batch"]: ...

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

    @Derived
    def probs(self) -> Float[Array, "*#batch"]: ...

    def __init__(
        self,
        logits: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(logits=logits, validate_args=validate_args)


P = TypeVar("P")
L = TypeVar("L")


def probs_or_logits(
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
    if logits is None and probs is not None:
        return probs_class(probs=probs, **kwargs)
    if probs is None and logits is not None:
        return logits_class(logits=logits, **kwargs)
    exactly_one(owner, probs=probs, logits=logits)  # raises, naming both
    raise AssertionError("unreachable")


# NumPyro declares `probs` a mutable `ArrayLike`; the typed field (declared
# once, on the shared base) is the narrower, frozen array mypy compares it with.
class BernoulliProbs(  # type: ignore[misc]
    ScalarProbs[nd.BernoulliProbs], nd.BernoulliProbs
):
    """Bernoulli distribution with success probability `probs` in [0, 1]."""


# NumPyro declares `logits` a mutable `ArrayLike`; the typed field (declared
# once, on the shared base) is the narrower, frozen array mypy compares it with.
class BernoulliLogits(  # type: ignore[misc]
    ScalarLogits[nd.BernoulliLogits], nd.BernoulliLogits
):
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
    return probs_or_logits(
        "Bernoulli",
        BernoulliProbs,
        BernoulliLogits,
        probs,
        logits,
        validate_args=validate_args,
    )


class BinomialProbs(TypedDistribution[nd.BinomialProbs], nd.BinomialProbs):
    """Number of successes in `total_count` trials with success probability `probs`.

    `total_count` is an integer parameter: it is stored as an integer array
    and never differentiated.
    """

    probs: Float[Array, "*#batch"]
    total_count: Int[Array, "*#batch"]

    @Derived
    def logits(self) -> Float[Array, "*#batch"]: ...

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


class BinomialLogits(TypedDistribution[nd.BinomialLogits], nd.BinomialLogits):
    """Number of successes in `total_count` trials with log-odds `logits`."""

    logits: Float[Array, "*#batch"]
    total_count: Int[Array, "*#batch"]

    @Derived
    def probs(self) -> Float[Array, "*#batch"]: ...

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
    return probs_or_logits(
        "Binomial",
        BinomialProbs,
        BinomialLogits,
        probs,
        logits,
        total_count=total_count,
        validate_args=validate_args,
    )


class CategoricalProbs(TypedDistribution[nd.CategoricalProbs], nd.CategoricalProbs):
    """Categorical distribution over `k` classes with probabilities `probs`."""

    probs: Float[Array, "*#batch k"]

    @Derived
    def logits(self) -> Float[Array, "*#batch k"]: ...

    def __init__(
        self,
        probs: Float[FloatLike, "*#batch k"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(probs=probs, validate_args=validate_args)


class CategoricalLogits(TypedDistribution[nd.CategoricalLogits], nd.CategoricalLogits):
    """Categorical distribution over `k` classes with unnormalised log-probs."""

    logits: Float[Array, "*#batch k"]

    @Derived
    def probs(self) -> Float[Array, "*#batch k"]: ...

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
    return probs_or_logits(
        "Categorical",
        CategoricalProbs,
        CategoricalLogits,
        probs,
        logits,
        validate_args=validate_args,
    )


class Poisson(TypedDistribution[nd.Poisson], nd.Poisson):
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


# NumPyro declares `probs` a mutable `ArrayLike`; the typed field (declared
# once, on the shared base) is the narrower, frozen array mypy compares it with.
class GeometricProbs(  # type: ignore[misc]
    ScalarProbs[nd.GeometricProbs], nd.GeometricProbs
):
    """Number of failures before the first success, success probability `probs`."""


# NumPyro declares `logits` a mutable `ArrayLike`; the typed field (declared
# once, on the shared base) is the narrower, frozen array mypy compares it with.
class GeometricLogits(  # type: ignore[misc]
    ScalarLogits[nd.GeometricLogits], nd.GeometricLogits
):
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
    return probs_or_logits(
        "Geometric",
        GeometricProbs,
        GeometricLogits,
        probs,
        logits,
        validate_args=validate_args,
    )


class DiscreteUniform(TypedDistribution[nd.DiscreteUniform], nd.DiscreteUniform):
    """Uniform distribution over the integers `low`, `low + 1`, ..., `high`.

    `low` and `high` are integer parameters (the inclusive bounds of the
    support): they are stored as integer arrays and never differentiated.
    """

    low: Int[Array, "*#batch"]
    high: Int[Array, "*#batch"]

    def __init__(
        self,
        low: Int[IntLike, "*#batch"] = 0,
        high: Int[IntLike, "*#batch"] = 1,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(low=low, high=high, validate_args=validate_args)


class MultinomialProbs(TypedDistribution[nd.MultinomialProbs], nd.MultinomialProbs):
    """Counts of `total_count` draws from `k` classes with probabilities `probs`.

    `total_count` is an integer parameter, stored as an integer array (a
    pytree leaf). NumPyro keeps it as static pytree data instead, so that it
    stays concrete under `jax.jit`; a typed module cannot hold an array as a
    static field (Equinox hashes static fields and warns on arrays), so here
    it is traced like every other parameter. Sampling with a traced
    `total_count` then needs `total_count_max`, as NumPyro documents for array
    `total_count`s; `log_prob`, `mean` and `variance` do not.
    """

    probs: Float[Array, "*#batch k"]
    total_count: Int[Array, "*#batch"]
    total_count_max: int | None = eqx.field(static=True)

    @Derived
    def logits(self) -> Float[Array, "*#batch k"]: ...

    def __init__(
        self,
        probs: Float[FloatLike, "*#batch k"],
        total_count: Int[IntLike, "*#batch"] = 1,
        *,
        total_count_max: int | None = None,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            probs=probs,
            total_count=total_count,
            total_count_max=total_count_max,
            validate_args=validate_args,
        )


class MultinomialLogits(TypedDistribution[nd.MultinomialLogits], nd.MultinomialLogits):
    """Counts of `total_count` draws from `k` classes with unnormalised log-probs.

    `total_count` is stored as in `MultinomialProbs` (an integer pytree leaf).
    """

    logits: Float[Array, "*#batch k"]
    total_count: Int[Array, "*#batch"]
    total_count_max: int | None = eqx.field(static=True)

    @Derived
    def probs(self) -> Float[Array, "*#batch k"]: ...

    def __init__(
        self,
        logits: Float[FloatLike, "*#batch k"],
        total_count: Int[IntLike, "*#batch"] = 1,
        *,
        total_count_max: int | None = None,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            logits=logits,
            total_count=total_count,
            total_count_max=total_count_max,
            validate_args=validate_args,
        )


@overload
def Multinomial(
    total_count: IntLike,
    probs: FloatLike,
    logits: None = None,
    *,
    total_count_max: int | None = None,
    validate_args: bool | None = None,
) -> MultinomialProbs: ...
@overload
def Multinomial(
    total_count: IntLike = 1,
    *,
    probs: FloatLike,
    total_count_max: int | None = None,
    validate_args: bool | None = None,
) -> MultinomialProbs: ...
@overload
def Multinomial(
    total_count: IntLike = 1,
    probs: None = None,
    *,
    logits: FloatLike,
    total_count_max: int | None = None,
    validate_args: bool | None = None,
) -> MultinomialLogits: ...
def Multinomial(
    total_count: IntLike = 1,
    probs: FloatLike | None = None,
    logits: FloatLike | None = None,
    *,
    total_count_max: int | None = None,
    validate_args: bool | None = None,
) -> MultinomialProbs | MultinomialLogits:
    """Multinomial distribution: `total_count` draws, exactly one of `probs`/`logits`.

    **Raises:** `ParameterTypeError` if neither or both are given.
    """
    return probs_or_logits(
        "Multinomial",
        MultinomialProbs,
        MultinomialLogits,
        probs,
        logits,
        total_count=total_count,
        total_count_max=total_count_max,
        validate_args=validate_args,
    )


class OrderedLogistic(TypedDistribution[nd.OrderedLogistic], nd.OrderedLogistic):
    """Ordered categorical outcome of a real `predictor`, with `k` ordered `cutpoints`.

    There are `k + 1` categories. As in NumPyro the distribution stores
    `predictor` and `cutpoints`; the category probabilities `probs` are
    derived from them.
    """

    predictor: Float[Array, "*#batch"]
    cutpoints: Float[Array, "*#batch k"]

    @Derived
    def logits(self) -> Float[Array, "*#batch c"]: ...

    def __init__(
        self,
        predictor: Float[FloatLike, "*#batch"],
        # A scalar is one cutpoint (two categories), as NumPyro takes it.
        cutpoints: Float[FloatLike, "*#batch k"] | Float[FloatLike, ""],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            predictor=predictor, cutpoints=cutpoints, validate_args=validate_args
        )


class Delta(TypedDistribution[nd.Delta], nd.Delta):
    """Point mass at `v`, whose rightmost `event_dim` dimensions form one event.

    `log_density` (of the batch shape) is added to `log_prob`.
    """

    v: Float[Array, "*batch_and_event"]
    log_density: Float[Array, "*#batch"]
    # NumPyro's `event_dim` is `Distribution.event_dim`, a read-only property
    # (the length of `event_shape`). The default, NumPyro's, is a class
    # attribute of this class, which hides that property so that the stored
    # option can be set on the instance; both always hold the same value.
    event_dim: int = eqx.field(  # pyright: ignore[reportIncompatibleMethodOverride]
        static=True, default=0
    )

    def __init__(
        self,
        v: Float[FloatLike, "*batch_and_event"] = 0.0,
        log_density: Float[FloatLike, "*#batch"] = 0.0,
        event_dim: int = 0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            v=v,
            log_density=log_density,
            event_dim=event_dim,
            validate_args=validate_args,
        )


class Unit(TypedDistribution[nd.Unit], nd.Unit):
    """The unit type's trivial distribution, with log-density `log_factor`.

    Its only value is empty (event shape `(0,)`); `numpyro.factor` uses it.
    As in NumPyro, `validate_args` defaults to `False`.
    """

    log_factor: Float[Array, "*#batch"]

    def __init__(
        self,
        log_factor: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool = False,
    ) -> None:
        self._construct(log_factor=log_factor, validate_args=validate_args)


class GateRate(TypedDistribution[D]):
    """A count from a Poisson of mean `rate` and a zero of probability `gate`.

    Shared by `ZeroInflatedPoisson` and `HurdlePoisson`. NumPyro builds the
    Poisson component, `base_dist`, from `rate`; it is read from the NumPyro
    distribution.
    """

    # NumPyro computes these on first use (`lazy_property`), overriding
    # `Distribution`'s properties as its own classes do.
    @Derived
    def mean(self) -> Float[Array, "*batch"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]
    @Derived
    def variance(self) -> Float[Array, "*batch"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]

    gate: Float[Array, "*#batch"]
    rate: Float[Array, "*#batch"]

    @Derived
    def base_dist(self) -> nd.Distribution: ...

    def __init__(
        self,
        gate: Float[FloatLike, "*#batch"],
        rate: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(gate=gate, rate=rate, validate_args=validate_args)


class ZeroInflatedPoisson(GateRate[nd.ZeroInflatedPoisson], nd.ZeroInflatedPoisson):
    """Poisson distribution with mean `rate`, with extra zeros of probability `gate`."""


class RelaxedBernoulliLogits(
    TypedDistribution[nd.RelaxedBernoulliLogits], nd.RelaxedBernoulliLogits
):
    """Continuous relaxation on (0, 1) of a Bernoulli with log-odds `logits`.

    `temperature` > 0 controls the relaxation. NumPyro builds it as a
    transformed logistic distribution; `base_dist` and `transforms` are read
    from the NumPyro distribution.
    """

    temperature: Float[Array, "*#batch"]
    logits: Float[Array, "*#batch"]

    def __init__(
        self,
        temperature: Float[FloatLike, "*#batch"],
        logits: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            temperature=temperature, logits=logits, validate_args=validate_args
        )


def _relaxed_bernoulli_probs(
    self: object,
    temperature: Float[FloatLike, "*#batch"],
    probs: Float[FloatLike, "*#batch"],
) -> None:
    """The `probs` form of `RelaxedBernoulli`, declared for its checks.

    NumPyro has no `RelaxedBernoulliProbs` class: its factory turns `probs`
    into `logits` and returns a `RelaxedBernoulliLogits`. The factory checks
    and promotes `temperature` and `probs` from these annotations first, so
    that an integer `probs` is rejected under its own name. (`self` is there
    because `parameter_specs` reads an `__init__`'s parameters after it.)
    """


_RELAXED_PROBS_SPECS, _ = parameter_specs(_relaxed_bernoulli_probs)
_RELAXED_PROBS_ACCEPTED: Accepted = {}  # the call signatures it accepted
_RELAXED_PROBS_CONSTRAINTS: dict[str, constraints.Constraint[Any]] = {
    "temperature": constraints.positive,
    "probs": constraints.unit_interval,
}


@overload
def RelaxedBernoulli(
    temperature: FloatLike,
    probs: FloatLike,
    logits: None = None,
    *,
    validate_args: bool | None = None,
) -> RelaxedBernoulliLogits: ...
@overload
def RelaxedBernoulli(
    temperature: FloatLike,
    probs: None = None,
    *,
    logits: FloatLike,
    validate_args: bool | None = None,
) -> RelaxedBernoulliLogits: ...
def RelaxedBernoulli(
    temperature: FloatLike,
    probs: FloatLike | None = None,
    logits: FloatLike | None = None,
    *,
    validate_args: bool | None = None,
) -> RelaxedBernoulliLogits:
    """Relaxed Bernoulli: `temperature` and exactly one of `probs=` or `logits=`.

    As in NumPyro, both forms return a `RelaxedBernoulliLogits` (NumPyro has
    no probs class): `probs` is checked (a float array in [0, 1] while
    validation is enabled), promoted with `temperature`, clamped away from 0
    and 1 and converted to log-odds as NumPyro does.

    **Raises:** `ParameterTypeError` if neither or both of `probs`/`logits`
    are given, or for a rejected kind, dtype or shape; `ParameterValueError`
    for a concrete `probs` outside [0, 1] while validation is enabled.
    """
    owner = "RelaxedBernoulli"
    if exactly_one(owner, probs=probs, logits=logits) == "logits":
        return RelaxedBernoulliLogits(
            temperature, cast(FloatLike, logits), validate_args=validate_args
        )
    checked, _ = check_arguments(
        owner,
        _RELAXED_PROBS_SPECS,
        (),
        {"temperature": temperature, "probs": probs},
        _RELAXED_PROBS_ACCEPTED,
    )
    if validation_enabled(validate_args):
        check_values(owner, _RELAXED_PROBS_CONSTRAINTS, checked, None)
    clamped = clamp_probs(cast(Array, checked["probs"]))
    return RelaxedBernoulliLogits(
        cast(FloatLike, checked["temperature"]),
        jnp.log(clamped) - jnp.log1p(-clamped),
        validate_args=validate_args,
    )
