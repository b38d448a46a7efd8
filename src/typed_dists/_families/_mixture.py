"""Mixtures, zero-inflated and hurdle distributions.

NumPyro's `mixtures` module (`MixtureSameFamily`, `MixtureGeneral` and the
`Mixture` factory) and its zero-inflated and hurdle distributions
(`ZeroInflatedProbs`/`ZeroInflatedLogits`, `HurdleProbs`/`HurdleLogits`, the
`ZeroInflatedDistribution` and `HurdleDistribution` factories, and the
hurdle Poisson, Gamma and log-normal).

Distribution-valued arguments (`mixing_distribution`,
`component_distribution`, the list `component_distributions`, `base_dist`)
accept typed or NumPyro distributions. A NumPyro distribution that
typed_dists wraps is converted to its typed counterpart, so that its
parameters are checked and promoted like any typed distribution's (a NumPyro
component with an integer `loc` is rejected here, naming the argument); a
NumPyro distribution of a class typed_dists does not wrap is kept as it is.
These arguments are pytree children, so their parameters are the mixture's
leaves.

NumPyro keeps a mixture's arguments under private names and exposes them as
read-only properties of the same names (`mixing_distribution`,
`component_distribution`, `component_distributions`), so the typed classes
store them as `_given_<name>` fields, and the properties of those names
return them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, overload

import numpyro.distributions as nd
from jaxtyping import Array, Float
from numpyro.distributions import constraints, discrete

from .._core._construct import exactly_one
from .._core._distribution import TypedDistribution
from .._core._fields import Derived, numpyro_field
from .._core._versions import HAS_HURDLE, available
from .._policy import FloatLike
from ._discrete import CategoricalLogits, CategoricalProbs, GateRate

__all__ = [
    "GateLogits",
    "GateProbs",
    "HurdleDistribution",
    "HurdleGamma",
    "HurdleLogNormal",
    "HurdleLogits",
    "HurdlePoisson",
    "HurdleProbs",
    "Mixture",
    "MixtureGeneral",
    "MixtureSameFamily",
    "ZeroInflatedDistribution",
    "ZeroInflatedLogits",
    "ZeroInflatedProbs",
]


# ---------------------------------------------------------------------------
# Finite mixtures

Mixing: TypeAlias = (
    nd.CategoricalProbs | nd.CategoricalLogits | CategoricalProbs | CategoricalLogits
)
"""A mixing distribution: NumPyro's Categorical classes or the typed ones.

The typed classes are subclasses of NumPyro's at runtime (so the check is
NumPyro's); they are listed for static type checkers, which do not see that.
"""


class MixtureSameFamily(TypedDistribution[nd.MixtureSameFamily], nd.MixtureSameFamily):
    """Finite mixture of the components along the last batch dimension of one
    distribution, weighted by a Categorical `mixing_distribution`.

    `component_distribution`'s last batch dimension must equal the number of
    categories, and its support must not depend on its parameters (NumPyro
    checks both, with assertions). A non-Categorical mixing distribution is
    rejected with `ParameterTypeError`.
    """

    _given_mixing_distribution: Mixing = numpyro_field("mixing_distribution")
    _given_component_distribution: nd.Distribution = numpyro_field(
        "component_distribution"
    )

    def __init__(
        self,
        mixing_distribution: Mixing,
        component_distribution: nd.Distribution,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            mixing_distribution=mixing_distribution,
            component_distribution=component_distribution,
            validate_args=validate_args,
        )

    @property
    def mixing_distribution(self) -> Mixing:
        """The Categorical distribution over the components."""
        return self._given_mixing_distribution

    @property
    def component_distribution(self) -> nd.Distribution:
        """The batched distribution of the components (last batch dimension)."""
        return self._given_component_distribution


class MixtureGeneral(TypedDistribution[nd.MixtureGeneral], nd.MixtureGeneral):
    """Finite mixture of a list of `component_distributions`, possibly of
    different families, weighted by a Categorical `mixing_distribution`.

    The list has one distribution per category; all share one event shape
    and, unless `support` is given, one type of support (NumPyro raises
    `ValueError` otherwise). With `support`, each component's density is taken
    as zero outside its own support. A non-Categorical mixing distribution is
    rejected with `ParameterTypeError`.
    """

    _given_mixing_distribution: Mixing = numpyro_field("mixing_distribution")
    _given_component_distributions: list[nd.Distribution] = numpyro_field(
        "component_distributions"
    )
    # `support` is the distribution's own property; the option is kept here.
    _given_support: constraints.Constraint[Any] | None = numpyro_field("support")

    def __init__(
        self,
        mixing_distribution: Mixing,
        component_distributions: list[nd.Distribution],
        *,
        support: constraints.Constraint[Any] | None = None,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            mixing_distribution=mixing_distribution,
            component_distributions=component_distributions,
            support=support,
            validate_args=validate_args,
        )

    @property
    def mixing_distribution(self) -> Mixing:
        """The Categorical distribution over the components."""
        return self._given_mixing_distribution

    @property
    def component_distributions(self) -> list[nd.Distribution]:
        """The component distributions, one per category."""
        return self._given_component_distributions


@overload
def Mixture(
    mixing_distribution: Mixing,
    component_distributions: nd.Distribution,
    *,
    validate_args: bool | None = None,
) -> MixtureSameFamily: ...
@overload
def Mixture(
    mixing_distribution: Mixing,
    component_distributions: list[nd.Distribution],
    *,
    validate_args: bool | None = None,
) -> MixtureGeneral: ...
def Mixture(
    mixing_distribution: Mixing,
    component_distributions: list[nd.Distribution] | nd.Distribution,
    *,
    validate_args: bool | None = None,
) -> MixtureSameFamily | MixtureGeneral:
    """Finite mixture: a `MixtureSameFamily` for one batched component
    distribution, a `MixtureGeneral` for a list of components.

    **Raises:** as the class it returns.
    """
    if isinstance(component_distributions, nd.Distribution):
        return MixtureSameFamily(
            mixing_distribution, component_distributions, validate_args=validate_args
        )
    return MixtureGeneral(
        mixing_distribution, component_distributions, validate_args=validate_args
    )


# ---------------------------------------------------------------------------
# Zero-inflated and hurdle distributions

P = TypeVar("P")
L = TypeVar("L")
D = TypeVar("D", bound=nd.Distribution)


def gate_or_logits(
    owner: str,
    probs_class: Callable[..., P],
    logits_class: Callable[..., L],
    base_dist: nd.Distribution,
    gate: object,
    gate_logits: object,
    validate_args: bool | None,
) -> P | L:
    """The body of NumPyro's gate/gate_logits factories: exactly one of the two.

    **Raises:** `ParameterTypeError` if neither or both are given.
    """
    if exactly_one(owner, gate=gate, gate_logits=gate_logits) == "gate":
        return probs_class(base_dist, gate, validate_args=validate_args)
    return logits_class(base_dist, gate_logits, validate_args=validate_args)


class GateProbs(TypedDistribution[D]):
    """A `base_dist` mixed with a point mass at zero of probability `gate`."""

    # NumPyro computes these on first use (`lazy_property`), overriding
    # `Distribution`'s properties as its own classes do.
    @Derived
    def mean(self) -> Float[Array, "*batch"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]
    @Derived
    def variance(self) -> Float[Array, "*batch"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]

    base_dist: nd.Distribution
    gate: Float[Array, "*#batch"]

    def __init__(
        self,
        base_dist: nd.Distribution,
        gate: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(base_dist=base_dist, gate=gate, validate_args=validate_args)


class GateLogits(TypedDistribution[D]):
    """A `base_dist` mixed with a point mass at zero of log-odds `gate_logits`."""

    # NumPyro computes these on first use (`lazy_property`), overriding
    # `Distribution`'s properties as its own classes do.
    @Derived
    def mean(self) -> Float[Array, "*batch"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]
    @Derived
    def variance(self) -> Float[Array, "*batch"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]

    base_dist: nd.Distribution
    gate_logits: Float[Array, "*#batch"]

    @Derived
    def gate(self) -> Float[Array, "*#batch"]: ...

    def __init__(
        self,
        base_dist: nd.Distribution,
        gate_logits: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            base_dist=base_dist, gate_logits=gate_logits, validate_args=validate_args
        )


class ZeroInflatedProbs(
    GateProbs[discrete.ZeroInflatedProbs], discrete.ZeroInflatedProbs
):
    """A discrete `base_dist` with extra zeros of probability `gate`.

    As in NumPyro, `base_dist` must be univariate with a discrete support, and
    is stored expanded to the batch shape (`base_dist.expand(batch_shape)`: an
    `ExpandedDistribution` around it when `gate` has more batch dimensions).
    """


class ZeroInflatedLogits(
    GateLogits[discrete.ZeroInflatedLogits], discrete.ZeroInflatedLogits
):
    """A discrete `base_dist` with extra zeros of log-odds `gate_logits`.

    As `ZeroInflatedProbs`; the probability `gate` is derived from
    `gate_logits`.
    """


@overload
def ZeroInflatedDistribution(
    base_dist: nd.Distribution,
    *,
    gate: FloatLike,
    gate_logits: None = None,
    validate_args: bool | None = None,
) -> ZeroInflatedProbs: ...
@overload
def ZeroInflatedDistribution(
    base_dist: nd.Distribution,
    *,
    gate: None = None,
    gate_logits: FloatLike,
    validate_args: bool | None = None,
) -> ZeroInflatedLogits: ...
def ZeroInflatedDistribution(
    base_dist: nd.Distribution,
    *,
    gate: FloatLike | None = None,
    gate_logits: FloatLike | None = None,
    validate_args: bool | None = None,
) -> ZeroInflatedProbs | ZeroInflatedLogits:
    """Zero-inflated `base_dist`: pass exactly one of `gate=` or `gate_logits=`.

    **Raises:** `ParameterTypeError` if neither or both are given.
    """
    return gate_or_logits(
        "ZeroInflatedDistribution",
        ZeroInflatedProbs,
        ZeroInflatedLogits,
        base_dist,
        gate,
        gate_logits,
        validate_args,
    )


# NumPyro 0.22 and newer (`_core._versions`): on older releases these names
# are not defined, and reading them says which NumPyro they need.
if TYPE_CHECKING or HAS_HURDLE:

    class HurdleProbs(GateProbs[nd.HurdleProbs], nd.HurdleProbs):
        """Zero with probability `gate`, otherwise a draw from `base_dist` given
        that it is positive (zero-truncated if `base_dist` is discrete).

        As in NumPyro, `base_dist` must be univariate, and is stored expanded to
        the batch shape (as in `ZeroInflatedProbs`). The support is the base's:
        with a continuous base on the positive reals, NumPyro's sample validation
        (on by default) makes `log_prob(0)` `-inf`; `HurdleGamma` and
        `HurdleLogNormal` declare a support that includes zero.
        """

    class HurdleLogits(GateLogits[nd.HurdleLogits], nd.HurdleLogits):
        """Zero with log-odds `gate_logits`, otherwise a positive draw from `base_dist`.

        As `HurdleProbs`; the probability `gate` is derived from `gate_logits`.
        """

    @overload
    def HurdleDistribution(
        base_dist: nd.Distribution,
        *,
        gate: FloatLike,
        gate_logits: None = None,
        validate_args: bool | None = None,
    ) -> HurdleProbs: ...
    @overload
    def HurdleDistribution(
        base_dist: nd.Distribution,
        *,
        gate: None = None,
        gate_logits: FloatLike,
        validate_args: bool | None = None,
    ) -> HurdleLogits: ...
    def HurdleDistribution(
        base_dist: nd.Distribution,
        *,
        gate: FloatLike | None = None,
        gate_logits: FloatLike | None = None,
        validate_args: bool | None = None,
    ) -> HurdleProbs | HurdleLogits:
        """Hurdle model on `base_dist`: pass exactly one of `gate=` or `gate_logits=`.

        **Raises:** `ParameterTypeError` if neither or both are given.
        """
        return gate_or_logits(
            "HurdleDistribution",
            HurdleProbs,
            HurdleLogits,
            base_dist,
            gate,
            gate_logits,
            validate_args,
        )

    class HurdlePoisson(GateRate[nd.HurdlePoisson], nd.HurdlePoisson):
        """Zero with probability `gate`, otherwise a zero-truncated Poisson count."""

    class HurdleGamma(TypedDistribution[nd.HurdleGamma], nd.HurdleGamma):
        """Zero with probability `gate`, otherwise a value from
        Gamma(`concentration`, `rate`).

        NumPyro builds the Gamma, `base_dist`, from the parameters; it is read
        from the NumPyro distribution.
        """

        # NumPyro computes these on first use (`lazy_property`), overriding
        # `Distribution`'s properties as its own classes do.
        @Derived
        def mean(self) -> Float[Array, "*batch"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]
        @Derived
        def variance(self) -> Float[Array, "*batch"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]

        gate: Float[Array, "*#batch"]
        concentration: Float[Array, "*#batch"]
        rate: Float[Array, "*#batch"]

        def __init__(
            self,
            gate: Float[FloatLike, "*#batch"],
            concentration: Float[FloatLike, "*#batch"],
            rate: Float[FloatLike, "*#batch"] = 1.0,
            *,
            validate_args: bool | None = None,
        ) -> None:
            self._construct(
                gate=gate,
                concentration=concentration,
                rate=rate,
                validate_args=validate_args,
            )

    class HurdleLogNormal(TypedDistribution[nd.HurdleLogNormal], nd.HurdleLogNormal):
        """Zero with probability `gate`, otherwise a LogNormal(`loc`, `scale`) value.

        NumPyro builds the log-normal, `base_dist`, from the parameters; it is
        read from the NumPyro distribution.
        """

        # NumPyro computes these on first use (`lazy_property`), overriding
        # `Distribution`'s properties as its own classes do.
        @Derived
        def mean(self) -> Float[Array, "*batch"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]
        @Derived
        def variance(self) -> Float[Array, "*batch"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]

        gate: Float[Array, "*#batch"]
        loc: Float[Array, "*#batch"]
        scale: Float[Array, "*#batch"]

        def __init__(
            self,
            gate: Float[FloatLike, "*#batch"],
            loc: Float[FloatLike, "*#batch"] = 0.0,
            scale: Float[FloatLike, "*#batch"] = 1.0,
            *,
            validate_args: bool | None = None,
        ) -> None:
            self._construct(
                gate=gate, loc=loc, scale=scale, validate_args=validate_args
            )


if not TYPE_CHECKING:
    __all__ = available(__all__, globals())
