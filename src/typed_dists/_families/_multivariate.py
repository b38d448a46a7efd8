"""Multivariate distributions (NumPyro's multivariate continuous classes)."""

from __future__ import annotations

from typing import ClassVar

import numpyro.distributions as nd
from jaxtyping import Array, Float

from .._core import Derived, TypedDistribution
from .._policy import FloatLike

__all__ = ["Dirichlet", "MultivariateNormal"]


class Dirichlet(TypedDistribution[nd.Dirichlet]):
    """Dirichlet distribution on the `k`-simplex with `concentration` > 0."""

    concentration: Float[Array, "*#batch k"]

    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch k"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(concentration=concentration, validate_args=validate_args)


class MultivariateNormal(TypedDistribution[nd.MultivariateNormal]):
    """Multivariate normal with mean `loc` and one of three matrix parametrisations.

    Pass exactly one of `covariance_matrix`, `precision_matrix` or
    `scale_tril` (a lower Cholesky factor of the covariance), each of shape
    `(*batch, n, n)`; `loc` has shape `(*batch, n)` or is a scalar broadcast to
    it. As in NumPyro the distribution stores `loc` and `scale_tril`; the other
    two matrices are derived from `scale_tril` when read.
    """

    loc: Float[Array, "*#batch n"]
    scale_tril: Float[Array, "*#batch n n"]
    covariance_matrix = Derived[Float[Array, "*#batch n n"]]()
    precision_matrix = Derived[Float[Array, "*#batch n n"]]()

    _one_of: ClassVar[tuple[str, ...]] = (
        "covariance_matrix",
        "precision_matrix",
        "scale_tril",
    )

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch n"] | Float[FloatLike, ""] = 0.0,
        covariance_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        precision_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        scale_tril: Float[FloatLike, "*#batch n n"] | None = None,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            loc=loc,
            covariance_matrix=covariance_matrix,
            precision_matrix=precision_matrix,
            scale_tril=scale_tril,
            validate_args=validate_args,
        )
