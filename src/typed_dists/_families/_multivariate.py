"""Multivariate distributions (NumPyro's multivariate continuous classes)."""

from __future__ import annotations

from typing import ClassVar, Literal

import equinox as eqx
import numpyro.distributions as nd
from jaxtyping import Array, Float

from .._core import Derived, TypedDistribution
from .._policy import FloatLike

__all__ = [
    "CirculantNormal",
    "Dirichlet",
    "GaussianRandomWalk",
    "InverseWishart",
    "InverseWishartCholesky",
    "LKJ",
    "LKJCholesky",
    "LowRankMultivariateNormal",
    "MatrixNormal",
    "MultivariateNormal",
    "MultivariateStudentT",
    "Wishart",
    "WishartCholesky",
]


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
    `(*batch, n, n)`; `loc` has shape `(*batch, n)`, `(*batch, 1)` or is a
    scalar, broadcast as in NumPyro (which then stores it with size 1). As in
    NumPyro the distribution stores `loc` and `scale_tril`; the other
    two matrices are derived from `scale_tril` when read.
    """

    loc: Float[Array, "*#batch #n"]
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
        loc: Float[FloatLike, "*#batch #n"] | Float[FloatLike, ""] = 0.0,
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


class LowRankMultivariateNormal(TypedDistribution[nd.LowRankMultivariateNormal]):
    """Multivariate normal with covariance `cov_factor @ cov_factor.T + diag(cov_diag)`.

    `loc` and `cov_diag` have shape `(*batch, n)`, `cov_factor` `(*batch, n, m)`
    for a rank-`m` factor. The scale, covariance and precision matrices are
    derived from them when read.
    """

    loc: Float[Array, "*#batch n"]
    cov_factor: Float[Array, "*#batch n m"]
    cov_diag: Float[Array, "*#batch n"]
    scale_tril = Derived[Float[Array, "*#batch n n"]]()
    covariance_matrix = Derived[Float[Array, "*#batch n n"]]()
    precision_matrix = Derived[Float[Array, "*#batch n n"]]()

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch n"],
        cov_factor: Float[FloatLike, "*#batch n m"],
        cov_diag: Float[FloatLike, "*#batch n"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            loc=loc,
            cov_factor=cov_factor,
            cov_diag=cov_diag,
            validate_args=validate_args,
        )


class MultivariateStudentT(TypedDistribution[nd.MultivariateStudentT]):
    """Multivariate Student's t with `df` degrees of freedom, `loc` and `scale_tril`.

    `scale_tril` (a lower Cholesky factor, `(*batch, n, n)`) is required, as in
    NumPyro; its `None` default only mirrors NumPyro's signature. `loc` has
    shape `(*batch, n)`, `(*batch, 1)` or is a scalar; NumPyro stores a scalar
    with a last dimension of 1, and that stored value is accepted back.
    """

    df: Float[Array, "*#batch"]
    loc: Float[Array, "*#batch #n"]
    scale_tril: Float[Array, "*#batch n n"]
    covariance_matrix = Derived[Float[Array, "*#batch n n"]]()
    precision_matrix = Derived[Float[Array, "*#batch n n"]]()

    # NumPyro defaults `scale_tril` to None and asserts it is given: a
    # one-member exclusive parametrisation makes that a `ParameterTypeError`.
    _one_of: ClassVar[tuple[str, ...]] = ("scale_tril",)

    def __init__(
        self,
        df: Float[FloatLike, "*#batch"],
        loc: Float[FloatLike, "*#batch #n"] | Float[FloatLike, ""] = 0.0,
        scale_tril: Float[FloatLike, "*#batch n n"] | None = None,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            df=df, loc=loc, scale_tril=scale_tril, validate_args=validate_args
        )


class MatrixNormal(TypedDistribution[nd.MatrixNormal]):
    """Normal distribution on `n x p` matrices with row and column scale factors.

    `loc` has shape `(*batch, n, p)`; `scale_tril_row` `(*batch, n, n)` and
    `scale_tril_column` `(*batch, p, p)` are lower Cholesky factors of the row
    and column covariances.
    """

    loc: Float[Array, "*#batch n p"]
    scale_tril_row: Float[Array, "*#batch n n"]
    scale_tril_column: Float[Array, "*#batch p p"]

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch n p"],
        scale_tril_row: Float[FloatLike, "*#batch n n"],
        scale_tril_column: Float[FloatLike, "*#batch p p"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            loc=loc,
            scale_tril_row=scale_tril_row,
            scale_tril_column=scale_tril_column,
            validate_args=validate_args,
        )


class CirculantNormal(TypedDistribution[nd.CirculantNormal]):
    """Multivariate normal with a circulant covariance matrix.

    `loc` has shape `(*batch, n)`. Pass exactly one of `covariance_row` (the
    first row of the covariance, `(*batch, n)`) or `covariance_rfft` (the real
    part of its real FFT, `(*batch, n // 2 + 1)`). As in NumPyro the
    distribution stores `loc` and `covariance_rfft`; `covariance_row` and
    `covariance_matrix` are derived when read.
    """

    loc: Float[Array, "*#batch n"]
    covariance_rfft: Float[Array, "*#batch n//2+1"]
    covariance_row = Derived[Float[Array, "*#batch n"]]()
    covariance_matrix = Derived[Float[Array, "*#batch n n"]]()

    _one_of: ClassVar[tuple[str, ...]] = ("covariance_row", "covariance_rfft")

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch n"],
        covariance_row: Float[FloatLike, "*#batch n"] | None = None,
        covariance_rfft: Float[FloatLike, "*#batch n//2+1"] | None = None,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            loc=loc,
            covariance_row=covariance_row,
            covariance_rfft=covariance_rfft,
            validate_args=validate_args,
        )


_WISHART_ONE_OF = ("scale_matrix", "rate_matrix", "scale_tril")


class Wishart(TypedDistribution[nd.Wishart]):
    """Wishart distribution on `n x n` positive definite matrices.

    `concentration` (degrees of freedom, greater than `n - 1`) has shape
    `(*batch,)`; pass exactly one of `scale_matrix`, `rate_matrix` or
    `scale_tril`, each `(*batch, n, n)`. As in NumPyro the distribution stores
    `concentration` and `scale_tril`; the other matrices are derived when read.
    """

    concentration: Float[Array, "*#batch"]
    scale_tril: Float[Array, "*#batch n n"]
    scale_matrix = Derived[Float[Array, "*#batch n n"]]()
    rate_matrix = Derived[Float[Array, "*#batch n n"]]()

    _one_of: ClassVar[tuple[str, ...]] = _WISHART_ONE_OF

    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch"],
        scale_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        rate_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        scale_tril: Float[FloatLike, "*#batch n n"] | None = None,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            concentration=concentration,
            scale_matrix=scale_matrix,
            rate_matrix=rate_matrix,
            scale_tril=scale_tril,
            validate_args=validate_args,
        )


class WishartCholesky(TypedDistribution[nd.WishartCholesky]):
    """Lower Cholesky factor of a Wishart-distributed `n x n` matrix.

    Parameters as for `Wishart`: `concentration` and exactly one of
    `scale_matrix`, `rate_matrix` or `scale_tril`; `concentration` and
    `scale_tril` are stored, the other matrices derived when read.
    """

    concentration: Float[Array, "*#batch"]
    scale_tril: Float[Array, "*#batch n n"]
    scale_matrix = Derived[Float[Array, "*#batch n n"]]()
    rate_matrix = Derived[Float[Array, "*#batch n n"]]()

    _one_of: ClassVar[tuple[str, ...]] = _WISHART_ONE_OF

    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch"],
        scale_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        rate_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        scale_tril: Float[FloatLike, "*#batch n n"] | None = None,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            concentration=concentration,
            scale_matrix=scale_matrix,
            rate_matrix=rate_matrix,
            scale_tril=scale_tril,
            validate_args=validate_args,
        )


class InverseWishart(TypedDistribution[nd.InverseWishart]):
    """Inverse Wishart distribution on `n x n` positive definite matrices.

    `concentration` (degrees of freedom, greater than `n - 1`) has shape
    `(*batch,)`; pass exactly one of `scale_matrix`, `rate_matrix` or
    `scale_tril`, each `(*batch, n, n)`. As in NumPyro the distribution stores
    `concentration` and `scale_tril`; the other matrices are derived when read.
    """

    concentration: Float[Array, "*#batch"]
    scale_tril: Float[Array, "*#batch n n"]
    scale_matrix = Derived[Float[Array, "*#batch n n"]]()
    rate_matrix = Derived[Float[Array, "*#batch n n"]]()

    _one_of: ClassVar[tuple[str, ...]] = _WISHART_ONE_OF

    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch"],
        scale_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        rate_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        scale_tril: Float[FloatLike, "*#batch n n"] | None = None,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            concentration=concentration,
            scale_matrix=scale_matrix,
            rate_matrix=rate_matrix,
            scale_tril=scale_tril,
            validate_args=validate_args,
        )


class InverseWishartCholesky(TypedDistribution[nd.InverseWishartCholesky]):
    """Lower Cholesky factor of an inverse-Wishart-distributed `n x n` matrix.

    Parameters as for `InverseWishart`: `concentration` and exactly one of
    `scale_matrix`, `rate_matrix` or `scale_tril`; `concentration` and
    `scale_tril` are stored, the other matrices derived when read.
    """

    concentration: Float[Array, "*#batch"]
    scale_tril: Float[Array, "*#batch n n"]
    scale_matrix = Derived[Float[Array, "*#batch n n"]]()
    rate_matrix = Derived[Float[Array, "*#batch n n"]]()

    _one_of: ClassVar[tuple[str, ...]] = _WISHART_ONE_OF

    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch"],
        scale_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        rate_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        scale_tril: Float[FloatLike, "*#batch n n"] | None = None,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            concentration=concentration,
            scale_matrix=scale_matrix,
            rate_matrix=rate_matrix,
            scale_tril=scale_tril,
            validate_args=validate_args,
        )


class LKJ(TypedDistribution[nd.LKJ]):
    """LKJ distribution on `dimension x dimension` correlation matrices.

    `concentration` (> 0, shape `(*batch,)`) is the shape parameter; the
    density is proportional to `det(M) ** (concentration - 1)`.
    `sample_method` is `"onion"` or `"cvine"`.
    """

    dimension: int = eqx.field(static=True)
    concentration: Float[Array, "*#batch"]
    sample_method: Literal["onion", "cvine"] = eqx.field(static=True)

    def __init__(
        self,
        dimension: int,
        concentration: Float[FloatLike, "*#batch"] = 1.0,
        sample_method: Literal["onion", "cvine"] = "onion",
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            dimension=dimension,
            concentration=concentration,
            sample_method=sample_method,
            validate_args=validate_args,
        )


class LKJCholesky(TypedDistribution[nd.LKJCholesky]):
    """LKJ distribution on lower Cholesky factors of correlation matrices.

    As `LKJ`, for the Cholesky factor of a `dimension x dimension`
    correlation matrix.
    """

    dimension: int = eqx.field(static=True)
    concentration: Float[Array, "*#batch"]
    sample_method: Literal["onion", "cvine"] = eqx.field(static=True)

    def __init__(
        self,
        dimension: int,
        concentration: Float[FloatLike, "*#batch"] = 1.0,
        sample_method: Literal["onion", "cvine"] = "onion",
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            dimension=dimension,
            concentration=concentration,
            sample_method=sample_method,
            validate_args=validate_args,
        )


class GaussianRandomWalk(TypedDistribution[nd.GaussianRandomWalk]):
    """Gaussian random walk of `num_steps` steps with increments of scale `scale`."""

    scale: Float[Array, "*#batch"]
    num_steps: int = eqx.field(static=True)

    def __init__(
        self,
        scale: Float[FloatLike, "*#batch"] = 1.0,
        num_steps: int = 1,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(scale=scale, num_steps=num_steps, validate_args=validate_args)
