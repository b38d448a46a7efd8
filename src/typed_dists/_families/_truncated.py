"""Truncated and censored distributions (NumPyro's `truncated` and `censored` modules).

A truncated distribution restricts a univariate base distribution to
`[low, ∞)`, `(-∞, high]` or `[low, high]` and renormalises it; a censored one
keeps the base distribution and changes what an observation means (a bound
rather than an exact value) wherever a bool indicator says so. Base
distributions may be typed or NumPyro distributions: a NumPyro base of a class
typed_dists wraps is converted to its typed counterpart and checked, so its
parameters are promoted floats like any typed distribution's.

NumPyro's `TruncatedDistribution`, `TruncatedNormal`, `TruncatedCauchy` and
`TruncatedGamma` are factories: which class they return depends on which of
`low` and `high` are given. The typed factories return the matching typed
classes, and their overloads tell static type checkers which one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypeVar, cast, overload

import numpyro.distributions as nd
from jaxtyping import Array, Bool, Float

from .._core._distribution import TypedDistribution
from .._core._fields import numpyro_field
from .._core._versions import HAS_TRUNCATED_GAMMA, available
from .._interop._convert import to_typed
from .._policy import BoolLike, FloatLike, ParameterTypeError, ParameterValueError
from ._continuous import (
    Cauchy,
    Gamma,
    Laplace,
    Logistic,
    Normal,
    SoftLaplace,
    StudentT,
)

__all__ = [
    "IntervalCensoredDistribution",
    "LeftCensoredDistribution",
    "LeftTruncatedDistribution",
    "LeftTruncatedGamma",
    "OneSidedCensored",
    "RightCensoredDistribution",
    "RightTruncatedDistribution",
    "RightTruncatedGamma",
    "TruncatedCauchy",
    "TruncatedDistribution",
    "TruncatedGamma",
    "TruncatedNormal",
    "TruncatedPolyaGamma",
    "TwoSidedTruncatedDistribution",
    "TwoSidedTruncatedGamma",
]


RealBase: TypeAlias = (
    nd.Cauchy
    | nd.Laplace
    | nd.Logistic
    | nd.Normal
    | nd.SoftLaplace
    | nd.StudentT
    | Cauchy
    | Laplace
    | Logistic
    | Normal
    | SoftLaplace
    | StudentT
)
"""The base distributions NumPyro's location-scale truncations accept.

The typed classes are listed next to NumPyro's because static type checkers
do not see that a typed class subclasses the NumPyro class it wraps (that
base is added at class creation).
"""

GammaBase: TypeAlias = nd.Gamma | Gamma
"""The base distribution of the Gamma truncations, NumPyro's or typed."""

_REAL_BASES = (
    nd.Cauchy,
    nd.Laplace,
    nd.Logistic,
    nd.Normal,
    nd.SoftLaplace,
    nd.StudentT,
)

B = TypeVar("B", bound=RealBase)
D = TypeVar("D", bound=nd.Distribution)


# ---------------------------------------------------------------------------
# Truncated location-scale distributions


class LeftTruncatedDistribution(
    TypedDistribution[nd.LeftTruncatedDistribution], nd.LeftTruncatedDistribution
):
    """A real-valued `base_dist` restricted to `[low, ∞)` and renormalised.

    `base_dist` is a Cauchy, Laplace, Logistic, Normal, SoftLaplace or StudentT
    distribution (use `TruncatedGamma` for a Gamma base); another class is
    rejected with `ParameterTypeError`. `mean` and `variance` exist for Normal
    and Cauchy bases only, as in NumPyro.
    """

    base_dist: RealBase
    low: Float[Array, "*#batch"]

    def __init__(
        self,
        base_dist: RealBase,
        low: Float[FloatLike, "*#batch"] = 0.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(base_dist=base_dist, low=low, validate_args=validate_args)


class RightTruncatedDistribution(
    TypedDistribution[nd.RightTruncatedDistribution], nd.RightTruncatedDistribution
):
    """A real-valued `base_dist` restricted to `(-∞, high]` and renormalised.

    `base_dist` is a Cauchy, Laplace, Logistic, Normal, SoftLaplace or StudentT
    distribution (use `TruncatedGamma` for a Gamma base); another class is
    rejected with `ParameterTypeError`. `mean` and `variance` exist for Normal
    and Cauchy bases only, as in NumPyro.
    """

    base_dist: RealBase
    high: Float[Array, "*#batch"]

    def __init__(
        self,
        base_dist: RealBase,
        high: Float[FloatLike, "*#batch"] = 0.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(base_dist=base_dist, high=high, validate_args=validate_args)


class TwoSidedTruncatedDistribution(
    TypedDistribution[nd.TwoSidedTruncatedDistribution],
    nd.TwoSidedTruncatedDistribution,
):
    """A real-valued `base_dist` restricted to `[low, high]` and renormalised.

    `base_dist` is a Cauchy, Laplace, Logistic, Normal, SoftLaplace or StudentT
    distribution (use `TruncatedGamma` for a Gamma base); another class is
    rejected with `ParameterTypeError`. `low < high` is not checked (NumPyro
    declares both bounds as dependent on each other and does not check it
    either). `mean` and `variance` exist for Normal and Cauchy bases only.
    """

    base_dist: RealBase
    low: Float[Array, "*#batch"]
    high: Float[Array, "*#batch"]

    def __init__(
        self,
        base_dist: RealBase,
        low: Float[FloatLike, "*#batch"] = 0.0,
        high: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            base_dist=base_dist, low=low, high=high, validate_args=validate_args
        )


def _check_real_base(owner: str, base_dist: object) -> None:
    """Reject a base NumPyro's location-scale truncations do not support.

    NumPyro fails an `assert` in that case; this says which classes are
    supported and where a Gamma base goes instead.

    **Raises:** `ParameterTypeError` naming `base_dist`.
    """
    if isinstance(base_dist, _REAL_BASES):
        return
    names = ", ".join(c.__name__ for c in _REAL_BASES)
    gamma = (
        " For a Gamma base use `TruncatedGamma(concentration, rate, low=..., "
        "high=...)`."
        if HAS_TRUNCATED_GAMMA and isinstance(base_dist, nd.Gamma)
        else ""
    )
    raise ParameterTypeError(
        f"{owner}: argument `base_dist` must be one of {names} (typed or "
        f"NumPyro), got {type(base_dist).__module__}."
        f"{type(base_dist).__qualname__}.{gamma}"
    )


@overload
def TruncatedDistribution(
    base_dist: B,
    low: None = None,
    high: None = None,
    *,
    validate_args: bool | None = None,
) -> B: ...
@overload
def TruncatedDistribution(
    base_dist: RealBase,
    low: FloatLike,
    high: None = None,
    *,
    validate_args: bool | None = None,
) -> LeftTruncatedDistribution: ...
@overload
def TruncatedDistribution(
    base_dist: RealBase,
    low: None,
    high: FloatLike,
    *,
    validate_args: bool | None = None,
) -> RightTruncatedDistribution: ...
@overload
def TruncatedDistribution(
    base_dist: RealBase,
    low: None = None,
    *,
    high: FloatLike,
    validate_args: bool | None = None,
) -> RightTruncatedDistribution: ...
@overload
def TruncatedDistribution(
    base_dist: RealBase,
    low: FloatLike,
    high: FloatLike,
    *,
    validate_args: bool | None = None,
) -> TwoSidedTruncatedDistribution: ...
@overload
def TruncatedDistribution(
    base_dist: B,
    low: FloatLike | None = None,
    high: FloatLike | None = None,
    *,
    validate_args: bool | None = None,
) -> (
    B
    | LeftTruncatedDistribution
    | RightTruncatedDistribution
    | TwoSidedTruncatedDistribution
): ...
def TruncatedDistribution(
    base_dist: RealBase,
    low: FloatLike | None = None,
    high: FloatLike | None = None,
    *,
    validate_args: bool | None = None,
) -> (
    RealBase
    | LeftTruncatedDistribution
    | RightTruncatedDistribution
    | TwoSidedTruncatedDistribution
):
    """`base_dist` truncated below at `low` and/or above at `high` (`None`: not).

    Returns a `LeftTruncatedDistribution` (only `low`), a
    `RightTruncatedDistribution` (only `high`), a
    `TwoSidedTruncatedDistribution` (both) or, as NumPyro does, the base
    itself when neither is given (as its typed counterpart).

    **Raises:** `ParameterTypeError` if a bound is given and `base_dist` is not
    a Cauchy, Laplace, Logistic, Normal, SoftLaplace or StudentT distribution,
    or if a bound or a base parameter has a rejected kind or dtype.
    """
    return _truncate(base_dist, low, high, validate_args)


def _typed_base(base_dist: RealBase) -> RealBase:
    """`base_dist` as a typed distribution, as the truncated classes store it.

    **Raises:** `ParameterTypeError` / `ParameterValueError` naming `base_dist`
    if it is a NumPyro distribution whose typed counterpart rejects it.
    """
    try:
        return cast(RealBase, to_typed(base_dist))
    except (ParameterTypeError, ParameterValueError) as error:
        raise type(error)(
            "TruncatedDistribution: argument `base_dist` holds a NumPyro "
            f"distribution that its typed counterpart rejects:\n{error}"
        ) from error


def _truncate(
    base_dist: RealBase,
    low: FloatLike | None,
    high: FloatLike | None,
    validate_args: bool | None,
) -> (
    RealBase
    | LeftTruncatedDistribution
    | RightTruncatedDistribution
    | TwoSidedTruncatedDistribution
):
    """The body of `TruncatedDistribution` (without its overloads)."""
    if high is None:
        if low is None:
            return _typed_base(base_dist)
        _check_real_base("TruncatedDistribution", base_dist)
        return LeftTruncatedDistribution(
            base_dist, low=low, validate_args=validate_args
        )
    _check_real_base("TruncatedDistribution", base_dist)
    if low is None:
        return RightTruncatedDistribution(
            base_dist, high=high, validate_args=validate_args
        )
    return TwoSidedTruncatedDistribution(
        base_dist, low=low, high=high, validate_args=validate_args
    )


@overload
def TruncatedNormal(
    loc: FloatLike = 0.0,
    scale: FloatLike = 1.0,
    *,
    low: None = None,
    high: None = None,
    validate_args: bool | None = None,
) -> Normal: ...
@overload
def TruncatedNormal(
    loc: FloatLike = 0.0,
    scale: FloatLike = 1.0,
    *,
    low: FloatLike,
    high: None = None,
    validate_args: bool | None = None,
) -> LeftTruncatedDistribution: ...
@overload
def TruncatedNormal(
    loc: FloatLike = 0.0,
    scale: FloatLike = 1.0,
    *,
    low: None = None,
    high: FloatLike,
    validate_args: bool | None = None,
) -> RightTruncatedDistribution: ...
@overload
def TruncatedNormal(
    loc: FloatLike = 0.0,
    scale: FloatLike = 1.0,
    *,
    low: FloatLike,
    high: FloatLike,
    validate_args: bool | None = None,
) -> TwoSidedTruncatedDistribution: ...
@overload
def TruncatedNormal(
    loc: FloatLike = 0.0,
    scale: FloatLike = 1.0,
    *,
    low: FloatLike | None = None,
    high: FloatLike | None = None,
    validate_args: bool | None = None,
) -> (
    Normal
    | LeftTruncatedDistribution
    | RightTruncatedDistribution
    | TwoSidedTruncatedDistribution
): ...
def TruncatedNormal(
    loc: FloatLike = 0.0,
    scale: FloatLike = 1.0,
    *,
    low: FloatLike | None = None,
    high: FloatLike | None = None,
    validate_args: bool | None = None,
) -> (
    Normal
    | LeftTruncatedDistribution
    | RightTruncatedDistribution
    | TwoSidedTruncatedDistribution
):
    """A `Normal(loc, scale)` truncated below at `low` and/or above at `high`.

    Returns the class `TruncatedDistribution` returns for that base: left,
    right or two-sided truncated, or the `Normal` itself when neither bound is
    given. As in NumPyro, `validate_args` applies to the truncation.

    **Raises:** `ParameterTypeError` if `loc`, `scale`, `low` or `high` has a
    rejected kind or dtype.
    """
    truncated = _truncate(Normal(loc, scale), low, high, validate_args)
    return cast(
        Normal
        | LeftTruncatedDistribution
        | RightTruncatedDistribution
        | TwoSidedTruncatedDistribution,
        truncated,
    )


@overload
def TruncatedCauchy(
    loc: FloatLike = 0.0,
    scale: FloatLike = 1.0,
    *,
    low: None = None,
    high: None = None,
    validate_args: bool | None = None,
) -> Cauchy: ...
@overload
def TruncatedCauchy(
    loc: FloatLike = 0.0,
    scale: FloatLike = 1.0,
    *,
    low: FloatLike,
    high: None = None,
    validate_args: bool | None = None,
) -> LeftTruncatedDistribution: ...
@overload
def TruncatedCauchy(
    loc: FloatLike = 0.0,
    scale: FloatLike = 1.0,
    *,
    low: None = None,
    high: FloatLike,
    validate_args: bool | None = None,
) -> RightTruncatedDistribution: ...
@overload
def TruncatedCauchy(
    loc: FloatLike = 0.0,
    scale: FloatLike = 1.0,
    *,
    low: FloatLike,
    high: FloatLike,
    validate_args: bool | None = None,
) -> TwoSidedTruncatedDistribution: ...
@overload
def TruncatedCauchy(
    loc: FloatLike = 0.0,
    scale: FloatLike = 1.0,
    *,
    low: FloatLike | None = None,
    high: FloatLike | None = None,
    validate_args: bool | None = None,
) -> (
    Cauchy
    | LeftTruncatedDistribution
    | RightTruncatedDistribution
    | TwoSidedTruncatedDistribution
): ...
def TruncatedCauchy(
    loc: FloatLike = 0.0,
    scale: FloatLike = 1.0,
    *,
    low: FloatLike | None = None,
    high: FloatLike | None = None,
    validate_args: bool | None = None,
) -> (
    Cauchy
    | LeftTruncatedDistribution
    | RightTruncatedDistribution
    | TwoSidedTruncatedDistribution
):
    """A `Cauchy(loc, scale)` truncated below at `low` and/or above at `high`.

    Returns the class `TruncatedDistribution` returns for that base: left,
    right or two-sided truncated, or the `Cauchy` itself when neither bound is
    given. As in NumPyro, `validate_args` applies to the truncation.

    **Raises:** `ParameterTypeError` if `loc`, `scale`, `low` or `high` has a
    rejected kind or dtype.
    """
    truncated = _truncate(Cauchy(loc, scale), low, high, validate_args)
    return cast(
        Cauchy
        | LeftTruncatedDistribution
        | RightTruncatedDistribution
        | TwoSidedTruncatedDistribution,
        truncated,
    )


# ---------------------------------------------------------------------------
# Truncated Gamma distributions


# NumPyro 0.22 and newer (`_core._versions`): on older releases these names
# are not defined, and reading them says which NumPyro they need.
if TYPE_CHECKING or HAS_TRUNCATED_GAMMA:

    class LeftTruncatedGamma(
        TypedDistribution[nd.LeftTruncatedGamma], nd.LeftTruncatedGamma
    ):
        """A Gamma `base_dist` restricted to `[low, ∞)` and renormalised.

        `low` must be non-negative (checked while validation is enabled); a base
        that is not a Gamma distribution is rejected with `ParameterTypeError`.
        """

        base_dist: GammaBase
        low: Float[Array, "*#batch"]

        def __init__(
            self,
            base_dist: GammaBase,
            low: Float[FloatLike, "*#batch"] = 0.0,
            *,
            validate_args: bool | None = None,
        ) -> None:
            self._construct(base_dist=base_dist, low=low, validate_args=validate_args)

    class RightTruncatedGamma(
        TypedDistribution[nd.RightTruncatedGamma], nd.RightTruncatedGamma
    ):
        """A Gamma `base_dist` restricted to `(0, high]` and renormalised.

        `high` must be positive (checked while validation is enabled); a base that
        is not a Gamma distribution is rejected with `ParameterTypeError`.
        """

        base_dist: GammaBase
        high: Float[Array, "*#batch"]

        def __init__(
            self,
            base_dist: GammaBase,
            high: Float[FloatLike, "*#batch"] = 1.0,
            *,
            validate_args: bool | None = None,
        ) -> None:
            self._construct(base_dist=base_dist, high=high, validate_args=validate_args)

    class TwoSidedTruncatedGamma(
        TypedDistribution[nd.TwoSidedTruncatedGamma], nd.TwoSidedTruncatedGamma
    ):
        """A Gamma `base_dist` restricted to `[low, high]` and renormalised.

        A base that is not a Gamma distribution is rejected with
        `ParameterTypeError`. `0 <= low < high` is not checked (NumPyro declares
        both bounds as dependent on each other and does not check them either).
        """

        base_dist: GammaBase
        low: Float[Array, "*#batch"]
        high: Float[Array, "*#batch"]

        def __init__(
            self,
            base_dist: GammaBase,
            low: Float[FloatLike, "*#batch"] = 0.0,
            high: Float[FloatLike, "*#batch"] = 1.0,
            *,
            validate_args: bool | None = None,
        ) -> None:
            self._construct(
                base_dist=base_dist, low=low, high=high, validate_args=validate_args
            )

    @overload
    def TruncatedGamma(
        concentration: FloatLike = 1.0,
        rate: FloatLike = 1.0,
        *,
        low: None = None,
        high: None = None,
        validate_args: bool | None = None,
    ) -> Gamma: ...
    @overload
    def TruncatedGamma(
        concentration: FloatLike = 1.0,
        rate: FloatLike = 1.0,
        *,
        low: FloatLike,
        high: None = None,
        validate_args: bool | None = None,
    ) -> LeftTruncatedGamma: ...
    @overload
    def TruncatedGamma(
        concentration: FloatLike = 1.0,
        rate: FloatLike = 1.0,
        *,
        low: None = None,
        high: FloatLike,
        validate_args: bool | None = None,
    ) -> RightTruncatedGamma: ...
    @overload
    def TruncatedGamma(
        concentration: FloatLike = 1.0,
        rate: FloatLike = 1.0,
        *,
        low: FloatLike,
        high: FloatLike,
        validate_args: bool | None = None,
    ) -> TwoSidedTruncatedGamma: ...
    @overload
    def TruncatedGamma(
        concentration: FloatLike = 1.0,
        rate: FloatLike = 1.0,
        *,
        low: FloatLike | None = None,
        high: FloatLike | None = None,
        validate_args: bool | None = None,
    ) -> Gamma | LeftTruncatedGamma | RightTruncatedGamma | TwoSidedTruncatedGamma: ...
    def TruncatedGamma(
        concentration: FloatLike = 1.0,
        rate: FloatLike = 1.0,
        *,
        low: FloatLike | None = None,
        high: FloatLike | None = None,
        validate_args: bool | None = None,
    ) -> Gamma | LeftTruncatedGamma | RightTruncatedGamma | TwoSidedTruncatedGamma:
        """A `Gamma(concentration, rate)` truncated below at `low` and/or above
        at `high`.

        Returns a `LeftTruncatedGamma` (only `low`), a `RightTruncatedGamma` (only
        `high`), a `TwoSidedTruncatedGamma` (both) or, as NumPyro does, the
        `Gamma` itself when neither is given. As in NumPyro, `validate_args`
        applies to the truncation.

        **Raises:** `ParameterTypeError` if a parameter has a rejected kind or
        dtype; `ParameterValueError` for a negative `low` or a non-positive `high`
        of a one-sided truncation while validation is enabled.
        """
        base_dist = Gamma(concentration, rate)
        if high is None:
            if low is None:
                return base_dist
            return LeftTruncatedGamma(base_dist, low=low, validate_args=validate_args)
        if low is None:
            return RightTruncatedGamma(
                base_dist, high=high, validate_args=validate_args
            )
        return TwoSidedTruncatedGamma(
            base_dist, low=low, high=high, validate_args=validate_args
        )


class TruncatedPolyaGamma(
    TypedDistribution[nd.TruncatedPolyaGamma], nd.TruncatedPolyaGamma
):
    """The Pólya-Gamma distribution PG(1, 0), truncated to `[0, 2.5]`.

    It has no parameters: `batch_shape` (a tuple) only sets the shape of the
    batch. As in NumPyro, the density is a truncated series, samples are
    clipped at the truncation point, and `sample(key, sample_shape)` returns
    shape `batch_shape + sample_shape` (NumPyro's order, not the usual one).
    """

    # `batch_shape` is the distribution's own property; the argument is kept here.
    _given_batch_shape: tuple[int, ...] = numpyro_field("batch_shape", static=True)

    def __init__(
        self, batch_shape: tuple[int, ...] = (), *, validate_args: bool | None = None
    ) -> None:
        self._construct(batch_shape=batch_shape, validate_args=validate_args)


# ---------------------------------------------------------------------------
# Censored distributions


class OneSidedCensored(TypedDistribution[D]):
    """A `base_dist` whose observations are bounds where `censored` is True.

    `censored` is a Python bool or a bool array over the batch (NumPyro stores
    it as a bool array); integer 0/1 arrays are rejected with
    `ParameterTypeError`. As in NumPyro, `validate_args` defaults to False,
    and sampling draws from the uncensored base.
    """

    base_dist: nd.Distribution
    censored: Bool[Array, "*#batch"]

    def __init__(
        self,
        base_dist: nd.Distribution,
        censored: Bool[BoolLike, "*#batch"] = False,
        *,
        validate_args: bool | None = False,
    ) -> None:
        self._construct(
            base_dist=base_dist, censored=censored, validate_args=validate_args
        )


class LeftCensoredDistribution(
    OneSidedCensored[nd.LeftCensoredDistribution], nd.LeftCensoredDistribution
):
    """`base_dist` with left-censored observations where `censored` is True.

    A censored observation is an upper bound of the true value, so it
    contributes the base's `log cdf(value)` to `log_prob`; the others
    contribute the base's log density (see `OneSidedCensored`).
    """


class RightCensoredDistribution(
    OneSidedCensored[nd.RightCensoredDistribution], nd.RightCensoredDistribution
):
    """`base_dist` with right-censored observations where `censored` is True.

    A censored observation is a lower bound of the true value, so it
    contributes the base's log survival function `log(1 - cdf(value))` to
    `log_prob`; the others contribute the base's log density (see
    `OneSidedCensored`).
    """


class IntervalCensoredDistribution(
    TypedDistribution[nd.IntervalCensoredDistribution], nd.IntervalCensoredDistribution
):
    """`base_dist` observed as intervals `(lower, upper)`, the last value axis.

    `left_censored` and `right_censored` (Python bools or bool arrays over the
    batch; integer 0/1 arrays are rejected with `ParameterTypeError`) say
    whether each interval is open to the left, to the right, both (the value
    lies outside it) or neither; a point interval contributes the base's log
    density. As in NumPyro, `validate_args` defaults to False, and `sample`
    draws uncensored values of the base, without the interval axis.
    """

    base_dist: nd.Distribution
    left_censored: Bool[Array, "*#batch"]
    right_censored: Bool[Array, "*#batch"]

    def __init__(
        self,
        base_dist: nd.Distribution,
        left_censored: Bool[BoolLike, "*#batch"],
        right_censored: Bool[BoolLike, "*#batch"],
        *,
        validate_args: bool | None = False,
    ) -> None:
        self._construct(
            base_dist=base_dist,
            left_censored=left_censored,
            right_censored=right_censored,
            validate_args=validate_args,
        )


if not TYPE_CHECKING:
    __all__ = available(__all__, globals())
