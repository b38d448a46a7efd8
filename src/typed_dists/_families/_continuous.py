"""Univariate continuous distributions (NumPyro's `continuous` module)."""

from __future__ import annotations

from typing import TypeVar

import numpyro.distributions as nd
from jaxtyping import Array, Float

from .._core._distribution import TypedDistribution
from .._core._fields import Derived, numpyro_field
from .._policy import FloatLike

__all__ = [
    "AsymmetricLaplace",
    "AsymmetricLaplaceQuantile",
    "Beta",
    "BetaProportion",
    "Cauchy",
    "Chi2",
    "Dagum",
    "DoublyTruncatedPowerLaw",
    "Exponential",
    "Gamma",
    "Gompertz",
    "Gumbel",
    "HalfCauchy",
    "HalfNormal",
    "InverseGamma",
    "Kumaraswamy",
    "Laplace",
    "Levy",
    "LocScale",
    "LogNormal",
    "LogUniform",
    "Logistic",
    "LowerTruncatedPowerLaw",
    "Normal",
    "Pareto",
    "SoftLaplace",
    "StudentT",
    "Uniform",
    "Weibull",
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


class Normal(LocScale[nd.Normal], nd.Normal):
    """Normal distribution with mean `loc` and standard deviation `scale`."""


class HalfNormal(TypedDistribution[nd.HalfNormal], nd.HalfNormal):
    """Absolute value of a zero-mean normal with standard deviation `scale`."""

    scale: Float[Array, "*#batch"]

    def __init__(
        self,
        scale: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(scale=scale, validate_args=validate_args)


class LogNormal(LocScale[nd.LogNormal], nd.LogNormal):
    """Exponential of a normal with mean `loc` and standard deviation `scale`."""


class StudentT(TypedDistribution[nd.StudentT], nd.StudentT):
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


class Cauchy(LocScale[nd.Cauchy], nd.Cauchy):
    """Cauchy distribution with median `loc` and half-width `scale`."""


class Laplace(LocScale[nd.Laplace], nd.Laplace):
    """Laplace (double exponential) distribution with `loc` and `scale`."""


class Beta(TypedDistribution[nd.Beta], nd.Beta):
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


class Gamma(TypedDistribution[nd.Gamma], nd.Gamma):
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


class Exponential(TypedDistribution[nd.Exponential], nd.Exponential):
    """Exponential distribution with inverse scale `rate`."""

    rate: Float[Array, "*#batch"]

    def __init__(
        self,
        rate: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(rate=rate, validate_args=validate_args)


class Uniform(TypedDistribution[nd.Uniform], nd.Uniform):
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


class Gumbel(LocScale[nd.Gumbel], nd.Gumbel):
    """Gumbel (maximum) distribution with location `loc` and scale `scale`."""


class Logistic(LocScale[nd.Logistic], nd.Logistic):
    """Logistic distribution with location `loc` and scale `scale`."""


class Levy(TypedDistribution[nd.Levy], nd.Levy):
    """Lévy distribution on (`loc`, inf) with location `loc` and scale `scale`."""

    loc: Float[Array, "*#batch"]
    scale: Float[Array, "*#batch"]

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch"],
        scale: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(loc=loc, scale=scale, validate_args=validate_args)


class SoftLaplace(TypedDistribution[nd.SoftLaplace], nd.SoftLaplace):
    """Smooth, log-convex distribution with Laplace-like tails, `loc` and `scale`."""

    loc: Float[Array, "*#batch"]
    scale: Float[Array, "*#batch"]

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch"],
        scale: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(loc=loc, scale=scale, validate_args=validate_args)


class AsymmetricLaplace(TypedDistribution[nd.AsymmetricLaplace], nd.AsymmetricLaplace):
    """Laplace distribution with `loc`, `scale` and left/right `asymmetry`."""

    loc: Float[Array, "*#batch"]
    scale: Float[Array, "*#batch"]
    asymmetry: Float[Array, "*#batch"]

    @Derived
    def left_scale(self) -> Float[Array, "*#batch"]: ...

    """`scale * asymmetry`: the scale of the exponential tail left of `loc`."""

    @Derived
    def right_scale(self) -> Float[Array, "*#batch"]: ...

    """`scale / asymmetry`: the scale of the exponential tail right of `loc`."""

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch"] = 0.0,
        scale: Float[FloatLike, "*#batch"] = 1.0,
        asymmetry: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            loc=loc, scale=scale, asymmetry=asymmetry, validate_args=validate_args
        )


class AsymmetricLaplaceQuantile(
    TypedDistribution[nd.AsymmetricLaplaceQuantile], nd.AsymmetricLaplaceQuantile
):
    """Asymmetric Laplace with `quantile` in (0, 1): the probability left of `loc`."""

    loc: Float[Array, "*#batch"]
    scale: Float[Array, "*#batch"]
    quantile: Float[Array, "*#batch"]

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch"] = 0.0,
        scale: Float[FloatLike, "*#batch"] = 1.0,
        quantile: Float[FloatLike, "*#batch"] = 0.5,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            loc=loc, scale=scale, quantile=quantile, validate_args=validate_args
        )


class HalfCauchy(TypedDistribution[nd.HalfCauchy], nd.HalfCauchy):
    """Absolute value of a zero-median Cauchy with half-width `scale`."""

    scale: Float[Array, "*#batch"]

    def __init__(
        self,
        scale: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(scale=scale, validate_args=validate_args)


class Chi2(TypedDistribution[nd.Chi2], nd.Chi2):
    """Chi-squared distribution with `df` degrees of freedom (a positive real)."""

    df: Float[Array, "*#batch"]

    """`df / 2`: the shape of the equivalent Gamma distribution."""
    """`0.5`: the rate of the equivalent Gamma distribution, as NumPyro keeps it.

    A Python float, or a NumPy array with one size-1 dimension per batch
    dimension (NumPyro's `promote_shapes`).
    """

    def __init__(
        self,
        df: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(df=df, validate_args=validate_args)


class InverseGamma(TypedDistribution[nd.InverseGamma], nd.InverseGamma):
    """Inverse-gamma distribution: `1 / Gamma(concentration, rate)`."""

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


class Gompertz(TypedDistribution[nd.Gompertz], nd.Gompertz):
    """Gompertz distribution on (0, inf) with `concentration` and `rate`."""

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


class Kumaraswamy(TypedDistribution[nd.Kumaraswamy], nd.Kumaraswamy):
    """Kumaraswamy distribution on (0, 1) with shapes `concentration1/0`."""

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


class Dagum(TypedDistribution[nd.Dagum], nd.Dagum):
    """Dagum distribution on (0, inf) with `concentration`, `sharpness`, `scale`."""

    concentration: Float[Array, "*#batch"]
    sharpness: Float[Array, "*#batch"]
    scale: Float[Array, "*#batch"]

    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch"],
        sharpness: Float[FloatLike, "*#batch"],
        scale: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            concentration=concentration,
            sharpness=sharpness,
            scale=scale,
            validate_args=validate_args,
        )


class Weibull(TypedDistribution[nd.Weibull], nd.Weibull):
    """Weibull distribution with `scale` and shape `concentration`."""

    scale: Float[Array, "*#batch"]
    concentration: Float[Array, "*#batch"]

    def __init__(
        self,
        scale: Float[FloatLike, "*#batch"],
        concentration: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            scale=scale, concentration=concentration, validate_args=validate_args
        )


class Pareto(TypedDistribution[nd.Pareto], nd.Pareto):
    """Pareto distribution on (`scale`, inf) with tail index `alpha`."""

    scale: Float[Array, "*#batch"]
    alpha: Float[Array, "*#batch"]

    def __init__(
        self,
        scale: Float[FloatLike, "*#batch"],
        alpha: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(scale=scale, alpha=alpha, validate_args=validate_args)


class LogUniform(TypedDistribution[nd.LogUniform], nd.LogUniform):
    """Log-uniform (reciprocal) distribution on [`low`, `high`], 0 < low < high."""

    low: Float[Array, "*#batch"]
    high: Float[Array, "*#batch"]

    def __init__(
        self,
        low: Float[FloatLike, "*#batch"],
        high: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(low=low, high=high, validate_args=validate_args)


class LowerTruncatedPowerLaw(
    TypedDistribution[nd.LowerTruncatedPowerLaw], nd.LowerTruncatedPowerLaw
):
    """Power law `x ** alpha` on [`low`, inf), with index `alpha` < -1."""

    alpha: Float[Array, "*#batch"]
    low: Float[Array, "*#batch"]

    def __init__(
        self,
        alpha: Float[FloatLike, "*#batch"],
        low: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(alpha=alpha, low=low, validate_args=validate_args)


class DoublyTruncatedPowerLaw(
    TypedDistribution[nd.DoublyTruncatedPowerLaw], nd.DoublyTruncatedPowerLaw
):
    """Power law `x ** alpha` on [`low`, `high`], with real index `alpha`."""

    alpha: Float[Array, "*#batch"]
    low: Float[Array, "*#batch"]
    high: Float[Array, "*#batch"]

    def __init__(
        self,
        alpha: Float[FloatLike, "*#batch"],
        low: Float[FloatLike, "*#batch"],
        high: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(alpha=alpha, low=low, high=high, validate_args=validate_args)


class BetaProportion(TypedDistribution[nd.BetaProportion], nd.BetaProportion):
    """Beta distribution given by its `mean` in (0, 1) and a precision `concentration`.

    The shape parameters are `mean * concentration` and `(1 - mean) *
    concentration`. `mean` is also the distribution's own property, so the
    argument is kept as `_given_mean` (NumPyro does not store it); reading
    `.mean` gives NumPyro's mean, computed from the shape parameters, which
    equals the given mean up to rounding.
    """

    _given_mean: Float[Array, "*#batch"] = numpyro_field("mean")
    concentration: Float[Array, "*#batch"]

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
