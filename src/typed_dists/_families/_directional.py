"""Directional distributions (NumPyro's `directional` group)."""

from __future__ import annotations

from typing import ClassVar, overload

import numpyro.distributions as nd
from jaxtyping import Array, Float

from .._core._distribution import TypedDistribution
from .._policy import FloatLike

__all__ = ["ProjectedNormal", "SineBivariateVonMises", "SineSkewed", "VonMises"]


class VonMises(TypedDistribution[nd.VonMises], nd.VonMises):
    """Von Mises distribution on the circle: mean `loc`, concentration > 0."""

    loc: Float[Array, "*#batch"]
    concentration: Float[Array, "*#batch"]

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch"],
        concentration: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            loc=loc, concentration=concentration, validate_args=validate_args
        )


class ProjectedNormal(TypedDistribution[nd.ProjectedNormal], nd.ProjectedNormal):
    """Isotropic normal with mean `concentration` projected onto the unit sphere."""

    concentration: Float[Array, "*#batch n"]

    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch n"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(concentration=concentration, validate_args=validate_args)


class SineBivariateVonMises(
    TypedDistribution[nd.SineBivariateVonMises], nd.SineBivariateVonMises
):
    """Two dependent angles on the torus: locations, concentrations and a correlation.

    Pass exactly one of `correlation` or `weighted_correlation` (in [-1, 1],
    giving `correlation = weighted_correlation * sqrt(phi_concentration *
    psi_concentration)`). As in NumPyro the distribution stores `correlation`.
    """

    phi_loc: Float[Array, "*#batch"]
    psi_loc: Float[Array, "*#batch"]
    phi_concentration: Float[Array, "*#batch"]
    psi_concentration: Float[Array, "*#batch"]
    correlation: Float[Array, "*#batch"]

    _one_of: ClassVar[tuple[str, ...]] = ("correlation", "weighted_correlation")

    @overload
    def __init__(
        self,
        phi_loc: Float[FloatLike, "*#batch"],
        psi_loc: Float[FloatLike, "*#batch"],
        phi_concentration: Float[FloatLike, "*#batch"],
        psi_concentration: Float[FloatLike, "*#batch"],
        correlation: Float[FloatLike, "*#batch"],
        *,
        validate_args: bool | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        phi_loc: Float[FloatLike, "*#batch"],
        psi_loc: Float[FloatLike, "*#batch"],
        phi_concentration: Float[FloatLike, "*#batch"],
        psi_concentration: Float[FloatLike, "*#batch"],
        *,
        weighted_correlation: Float[FloatLike, "*#batch"],
        validate_args: bool | None = None,
    ) -> None: ...
    def __init__(
        self,
        phi_loc: Float[FloatLike, "*#batch"],
        psi_loc: Float[FloatLike, "*#batch"],
        phi_concentration: Float[FloatLike, "*#batch"],
        psi_concentration: Float[FloatLike, "*#batch"],
        correlation: Float[FloatLike, "*#batch"] | None = None,
        weighted_correlation: Float[FloatLike, "*#batch"] | None = None,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            phi_loc=phi_loc,
            psi_loc=psi_loc,
            phi_concentration=phi_concentration,
            psi_concentration=psi_concentration,
            correlation=correlation,
            weighted_correlation=weighted_correlation,
            validate_args=validate_args,
        )


class SineSkewed(TypedDistribution[nd.SineSkewed], nd.SineSkewed):
    """A symmetric distribution on the `d`-torus skewed by the weights `skewness`.

    `base_dist` has event shape `(d,)` on the torus (e.g. a
    `SineBivariateVonMises`, `d = 2`); `skewness` has shape `(*batch, d)` and
    its absolute values must sum to at most 1 (NumPyro's `l1_ball`), so that
    the density stays normalised. A NumPyro `base_dist` is converted to its
    typed counterpart and checked. As in NumPyro, the stored `base_dist` is
    expanded to the batch shape of `skewness` when that is larger.
    """

    base_dist: nd.Distribution
    skewness: Float[Array, "*#batch d"]

    def __init__(
        self,
        base_dist: nd.Distribution,
        skewness: Float[FloatLike, "*#batch d"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            base_dist=base_dist, skewness=skewness, validate_args=validate_args
        )
