"""Conjugate distributions (NumPyro's `conjugate` group).

Compound distributions whose mixing distribution is integrated out:
beta-binomial, beta-negative-binomial, Dirichlet-multinomial and
gamma-Poisson (negative binomial). NumPyro's `NegativeBinomial` is a factory
that takes exactly one of `probs=` / `logits=`; the typed one does the same.

NumPyro's `NegativeBinomial2(mean, concentration)` does not store `mean` (it
keeps `concentration` and `rate = concentration / mean`, and `mean` is the
distribution's mean property), so the typed class stores the `mean` argument
itself, as `_given_mean`. Its zero-inflated and hurdle versions are NumPyro
factories returning the generic zero-inflated and hurdle classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, overload

import equinox as eqx
import numpyro.distributions as nd
from jaxtyping import Array, Float, Int

from .._core._distribution import TypedDistribution
from .._core._fields import Derived, numpyro_field
from .._core._meta import HurdleNegativeBinomial2Base
from .._core._versions import HAS_HURDLE, available
from .._policy import FloatLike, IntLike
from ._discrete import probs_or_logits
from ._mixture import (
    ZeroInflatedLogits,
    ZeroInflatedProbs,
    gate_or_logits,
)

__all__ = [
    "BetaBinomial",
    "BetaNegativeBinomial",
    "DirichletMultinomial",
    "GammaPoisson",
    "HurdleNegativeBinomial2",
    "NegativeBinomial",
    "NegativeBinomial2",
    "NegativeBinomialLogits",
    "NegativeBinomialProbs",
    "ZeroInflatedNegativeBinomial2",
]


class BetaBinomial(TypedDistribution[nd.BetaBinomial], nd.BetaBinomial):
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


class BetaNegativeBinomial(
    TypedDistribution[nd.BetaNegativeBinomial], nd.BetaNegativeBinomial
):
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


class DirichletMultinomial(
    TypedDistribution[nd.DirichletMultinomial], nd.DirichletMultinomial
):
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


class GammaPoisson(TypedDistribution[nd.GammaPoisson], nd.GammaPoisson):
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


class NegativeBinomialProbs(
    TypedDistribution[nd.NegativeBinomialProbs], nd.NegativeBinomialProbs
):
    """Number of failures before `total_count` successes, success probability `probs`.

    `total_count` is a positive real parameter (a float parameter). NumPyro
    implements the distribution as `GammaPoisson(total_count, 1 / probs - 1)`;
    that `concentration` and `rate` are read from the NumPyro distribution.
    """

    total_count: Float[Array, "*#batch"]
    probs: Float[Array, "*#batch"]

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


class NegativeBinomialLogits(
    TypedDistribution[nd.NegativeBinomialLogits], nd.NegativeBinomialLogits
):
    """Number of failures before `total_count` successes, success log-odds `logits`.

    `total_count` is a positive real parameter (a float parameter). NumPyro
    implements the distribution as `GammaPoisson(total_count, exp(-logits))`;
    that `concentration` and `rate` are read from the NumPyro distribution.
    """

    total_count: Float[Array, "*#batch"]
    logits: Float[Array, "*#batch"]

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
    return probs_or_logits(
        "NegativeBinomial",
        NegativeBinomialProbs,
        NegativeBinomialLogits,
        probs,
        logits,
        total_count=total_count,
        validate_args=validate_args,
    )


D = TypeVar("D", bound=nd.NegativeBinomial2)


class _MeanConcentration(TypedDistribution[D]):
    """A negative binomial parametrised by its `mean` and `concentration`."""

    # `mean` is the distribution's own property, and NumPyro keeps only
    # `concentration` and `rate`: the argument is kept here.
    _given_mean: Float[Array, "*#batch"] = numpyro_field("mean")
    concentration: Float[Array, "*#batch"]

    @Derived
    def rate(self) -> Float[Array, "*#batch"]: ...

    def __init__(
        self,
        mean: Float[FloatLike, "*#batch"],
        concentration: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            mean=mean, concentration=concentration, validate_args=validate_args
        )


class NegativeBinomial2(_MeanConcentration[nd.NegativeBinomial2], nd.NegativeBinomial2):
    """Negative binomial with mean `mean` and dispersion `concentration`.

    It is `GammaPoisson(concentration, concentration / mean)`: NumPyro keeps
    `concentration` and `rate`, and the typed class also stores the `mean`
    argument (as `_given_mean`; `.mean` is NumPyro's moment, computed from
    `concentration` and `rate`). `from_numpyro` recovers `mean` from that
    moment, which may differ from the original argument in the last bit.
    """


@overload
def ZeroInflatedNegativeBinomial2(
    mean: FloatLike,
    concentration: FloatLike,
    *,
    gate: FloatLike,
    gate_logits: None = None,
    validate_args: bool | None = None,
) -> ZeroInflatedProbs: ...
@overload
def ZeroInflatedNegativeBinomial2(
    mean: FloatLike,
    concentration: FloatLike,
    *,
    gate: None = None,
    gate_logits: FloatLike,
    validate_args: bool | None = None,
) -> ZeroInflatedLogits: ...
def ZeroInflatedNegativeBinomial2(
    mean: FloatLike,
    concentration: FloatLike,
    *,
    gate: FloatLike | None = None,
    gate_logits: FloatLike | None = None,
    validate_args: bool | None = None,
) -> ZeroInflatedProbs | ZeroInflatedLogits:
    """`NegativeBinomial2(mean, concentration)` with extra zeros: pass exactly
    one of `gate=` (their probability) or `gate_logits=` (their log-odds).

    **Raises:** `ParameterTypeError` if neither or both are given.
    """
    return gate_or_logits(
        "ZeroInflatedNegativeBinomial2",
        ZeroInflatedProbs,
        ZeroInflatedLogits,
        NegativeBinomial2(mean, concentration, validate_args=validate_args),
        gate,
        gate_logits,
        validate_args,
    )


# NumPyro 0.22 and newer (`_core._versions`): on older releases these names
# are not defined, and reading them says which NumPyro they need.
if TYPE_CHECKING or HAS_HURDLE:
    from ._mixture import HurdleProbs

    class _HurdleNegativeBinomial2(
        _MeanConcentration[HurdleNegativeBinomial2Base], HurdleNegativeBinomial2Base
    ):
        """The base of `HurdleNegativeBinomial2`: as `NegativeBinomial2`, but
        `mean` must be positive (a zero-truncated count needs some mass above 0)."""

    def HurdleNegativeBinomial2(
        gate: FloatLike,
        mean: FloatLike,
        concentration: FloatLike,
        *,
        validate_args: bool | None = None,
    ) -> HurdleProbs:
        """Zero with probability `gate`, otherwise a zero-truncated
        `NegativeBinomial2(mean, concentration)` count.

        A `HurdleProbs` whose base is a negative binomial that, as in NumPyro,
        requires `mean > 0`.
        """
        return HurdleProbs(
            _HurdleNegativeBinomial2(mean, concentration, validate_args=validate_args),
            gate,
            validate_args=validate_args,
        )


if not TYPE_CHECKING:
    __all__ = available(__all__, globals())
