"""Univariate continuous distributions (NumPyro's `continuous` module)."""

from __future__ import annotations

from typing import TypeVar

import numpyro.distributions as nd
from jaxtyping import Array, Float

from .._core import TypedDistribution
from .._policy import FloatLike

__all__ = [
    "Beta",
    "Cauchy",
    "Exponential",
    "Gamma",
    "HalfNormal",
    "Laplace",
    "LocScale",
    "LogNormal",
    "Normal",
    "StudentT",
    "Uniform",
]


D = TypeVar("D", bound=nd.Distribution)


class LocScale(TypedDistribution[D]):
    """A location-scale family: real `loc` and positive `scale`, batched scalars.

    Declared once for every NumPyro distribution with the signature
    `(loc=0.0, scale=1.0, *, validate_args=None)`; a member is one line, e.g.
    `class Normal(LocScale[numpyro.distributions.Normal])`.
    """

    loc: Float[Array, "*#batch"]
    scale: Float[Array, "*#batch"]

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch"] = 0.0,
        scale: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(loc=loc, scale=scale, validate_args=validate_args)


class Normal(LocScale[nd.Normal]):
    """Normal distribution with mean `loc` and standard deviation `scale`."""


class HalfNormal(TypedDistribution[nd.HalfNormal]):
    """Absolute value of a zero-mean normal with standard deviation `scale`."""

    scale: Float[Array, "*#batch"]

    def __init__(
        self,
        scale: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(scale=scale, validate_args=validate_args)


class LogNormal(LocScale[nd.LogNormal]):
    """Exponential of a normal with mean `loc` and standard deviation `scale`."""


class StudentT(TypedDistribution[nd.StudentT]):
    """Student's t with `df` degrees of freedom (a real number), `loc`, `scale`."""

    df: Float[Array, "*#batch"]
    loc: Float[Array, "*#batch"]
    scale: Float[Array, "*#batch"]

    def __init__(
        self,
        df: Float[FloatLike, "*#batch"],
        loc: Float[FloatLike, "*#batch"] = 0.0,
        scale: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(df=df, loc=loc, scale=scale, validate_args=validate_args)


class Cauchy(LocScale[nd.Cauchy]):
    """Cauchy distribution with median `loc` and half-width `scale`."""


class Laplace(LocScale[nd.Laplace]):
    """Laplace (double exponential) distribution with `loc` and `scale`."""


class Beta(TypedDistribution[nd.Beta]):
    """Beta distribution on (0, 1) with shape parameters `concentration1/0`."""

    concentration1: Float[Array, "*#batch"]
    concentration0: Float[Array, "*#batch"]

    def __init__(
        self,
        concentration1: Float[FloatLike, "*#batch"],
        concentration0: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            concentration1=concentration1,
            concentration0=concentration0,
            validate_args=validate_args,
        )


class Gamma(TypedDistribution[nd.Gamma]):
    """Gamma distribution with shape `concentration` and inverse scale `rate`."""

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


class Exponential(TypedDistribution[nd.Exponential]):
    """Exponential distribution with inverse scale `rate`."""

    rate: Float[Array, "*#batch"]

    def __init__(
        self,
        rate: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(rate=rate, validate_args=validate_args)


class Uniform(TypedDistribution[nd.Uniform]):
    """Uniform distribution on the interval [`low`, `high`)."""

    low: Float[Array, "*#batch"]
    high: Float[Array, "*#batch"]

    def __init__(
        self,
        low: Float[FloatLike, "*#batch"] = 0.0,
        high: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(low=low, high=high, validate_args=validate_args)
