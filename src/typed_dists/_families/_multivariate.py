"""Multivariate distributions (NumPyro's multivariate continuous classes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Literal, TypeAlias, TypeVar, cast, overload

import equinox as eqx
import jax
import numpy as np
import numpyro.distributions as nd
from jaxtyping import Array, Float

from .._core._distribution import TypedDistribution
from .._core._fields import Derived, numpyro_field
from .._policy import FloatLike, ParameterTypeError, ParameterValueError, is_tracer

# Shorthands for the overloads below, which spell out each exclusive
# parametrisation for static type checkers (the runtime reads `__init__`).
_Matrix: TypeAlias = Float[FloatLike, "*#batch n n"]
_Loc: TypeAlias = Float[FloatLike, "*#batch #n"] | Float[FloatLike, ""]

__all__ = [
    "CAR",
    "CirculantNormal",
    "Dirichlet",
    "EulerMaruyama",
    "GaussianCopula",
    "GaussianCopulaBeta",
    "GaussianRandomWalk",
    "GaussianStateSpace",
    "InverseWishart",
    "InverseWishartCholesky",
    "LKJ",
    "LKJCholesky",
    "LowRankMultivariateNormal",
    "MatrixNormal",
    "MultivariateNormal",
    "MultivariateStudentT",
    "Wishart",
    "WishartFamily",
    "WishartCholesky",
    "ZeroSumNormal",
]


class Dirichlet(TypedDistribution[nd.Dirichlet], nd.Dirichlet):
    """Dirichlet distribution on the `k`-simplex with `concentration` > 0."""

    concentration: Float[Array, "*#batch k"]

    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch k"],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(concentration=concentration, validate_args=validate_args)


class MultivariateNormal(
    TypedDistribution[nd.MultivariateNormal], nd.MultivariateNormal
):
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

    @Derived
    def covariance_matrix(self) -> Float[Array, "*#batch n n"]: ...

    @Derived
    def precision_matrix(self) -> Float[Array, "*#batch n n"]: ...

    _one_of: ClassVar[tuple[str, ...]] = (
        "covariance_matrix",
        "precision_matrix",
        "scale_tril",
    )

    @overload
    def __init__(
        self,
        loc: _Loc,
        covariance_matrix: _Matrix,
        *,
        validate_args: bool | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        loc: _Loc = 0.0,
        *,
        covariance_matrix: _Matrix,
        validate_args: bool | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        loc: _Loc = 0.0,
        *,
        precision_matrix: _Matrix,
        validate_args: bool | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self, loc: _Loc = 0.0, *, scale_tril: _Matrix, validate_args: bool | None = None
    ) -> None: ...
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


class LowRankMultivariateNormal(
    TypedDistribution[nd.LowRankMultivariateNormal], nd.LowRankMultivariateNormal
):
    """Multivariate normal with covariance `cov_factor @ cov_factor.T + diag(cov_diag)`.

    `loc` and `cov_diag` have shape `(*batch, n)`, `cov_factor` `(*batch, n, m)`
    for a rank-`m` factor. The scale, covariance and precision matrices are
    derived from them when read.
    """

    # NumPyro computes these on first use (`lazy_property`), overriding
    # `Distribution`'s properties as its own classes do.
    @Derived
    def variance(self) -> Float[Array, "*batch n"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]

    loc: Float[Array, "*#batch n"]
    cov_factor: Float[Array, "*#batch n m"]
    cov_diag: Float[Array, "*#batch n"]

    @Derived
    def scale_tril(self) -> Float[Array, "*#batch n n"]: ...

    @Derived
    def covariance_matrix(self) -> Float[Array, "*#batch n n"]: ...

    @Derived
    def precision_matrix(self) -> Float[Array, "*#batch n n"]: ...

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


class MultivariateStudentT(
    TypedDistribution[nd.MultivariateStudentT], nd.MultivariateStudentT
):
    """Multivariate Student's t with `df` degrees of freedom, `loc` and `scale_tril`.

    `scale_tril` (a lower Cholesky factor, `(*batch, n, n)`) is required, as in
    NumPyro; its `None` default only mirrors NumPyro's signature. `loc` has
    shape `(*batch, n)`, `(*batch, 1)` or is a scalar; NumPyro stores a scalar
    with a last dimension of 1, and that stored value is accepted back.
    """

    df: Float[Array, "*#batch"]
    loc: Float[Array, "*#batch #n"]
    scale_tril: Float[Array, "*#batch n n"]

    @Derived
    def covariance_matrix(self) -> Float[Array, "*#batch n n"]: ...

    @Derived
    def precision_matrix(self) -> Float[Array, "*#batch n n"]: ...

    # NumPyro defaults `scale_tril` to None and asserts it is given: a
    # one-member exclusive parametrisation makes that a `ParameterTypeError`.
    _one_of: ClassVar[tuple[str, ...]] = ("scale_tril",)

    @overload
    def __init__(
        self,
        df: Float[FloatLike, "*#batch"],
        loc: _Loc,
        scale_tril: _Matrix,
        *,
        validate_args: bool | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        df: Float[FloatLike, "*#batch"],
        loc: _Loc = 0.0,
        *,
        scale_tril: _Matrix,
        validate_args: bool | None = None,
    ) -> None: ...
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


# NumPyro's `MatrixNormal.log_prob` names its argument `values`, the typed one
# (as every other distribution's) `value`.
class MatrixNormal(  # pyright: ignore[reportIncompatibleMethodOverride]
    TypedDistribution[nd.MatrixNormal], nd.MatrixNormal
):
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


class CirculantNormal(TypedDistribution[nd.CirculantNormal], nd.CirculantNormal):
    """Multivariate normal with a circulant covariance matrix.

    `loc` has shape `(*batch, n)`. Pass exactly one of `covariance_row` (the
    first row of the covariance, `(*batch, n)`) or `covariance_rfft` (the real
    part of its real FFT, `(*batch, n // 2 + 1)`). As in NumPyro the
    distribution stores `loc` and `covariance_rfft`; `covariance_row` and
    `covariance_matrix` are derived when read.
    """

    # NumPyro computes these on first use (`lazy_property`), overriding
    # `Distribution`'s properties as its own classes do.
    @Derived
    def variance(self) -> Float[Array, "*batch n"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]

    loc: Float[Array, "*#batch n"]
    covariance_rfft: Float[Array, "*#batch n//2+1"]

    @Derived
    def covariance_row(self) -> Float[Array, "*#batch n"]: ...

    @Derived
    def covariance_matrix(self) -> Float[Array, "*#batch n n"]: ...

    _one_of: ClassVar[tuple[str, ...]] = ("covariance_row", "covariance_rfft")

    @overload
    def __init__(
        self,
        loc: Float[FloatLike, "*#batch n"],
        covariance_row: Float[FloatLike, "*#batch n"],
        *,
        validate_args: bool | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        loc: Float[FloatLike, "*#batch n"],
        *,
        covariance_rfft: Float[FloatLike, "*#batch n//2+1"],
        validate_args: bool | None = None,
    ) -> None: ...
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


D = TypeVar("D", bound=nd.Distribution)
_WISHART_ONE_OF = ("scale_matrix", "rate_matrix", "scale_tril")


class WishartFamily(TypedDistribution[D]):
    """A (inverse) Wishart matrix or its Cholesky factor: `concentration` and
    exactly one of `scale_matrix`, `rate_matrix` or `scale_tril`.

    As in NumPyro, `concentration` and `scale_tril` are stored; the other
    matrices are derived when read.
    """

    # NumPyro computes these on first use (`lazy_property`), overriding
    # `Distribution`'s properties as its own classes do.
    @Derived
    def mean(self) -> Float[Array, "*batch n n"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]
    @Derived
    def variance(self) -> Float[Array, "*batch n n"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]

    concentration: Float[Array, "*#batch"]
    scale_tril: Float[Array, "*#batch n n"]

    @Derived
    def scale_matrix(self) -> Float[Array, "*#batch n n"]: ...

    @Derived
    def rate_matrix(self) -> Float[Array, "*#batch n n"]: ...

    _one_of: ClassVar[tuple[str, ...]] = _WISHART_ONE_OF

    @overload
    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch"],
        scale_matrix: _Matrix,
        *,
        validate_args: bool | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch"],
        *,
        rate_matrix: _Matrix,
        validate_args: bool | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        concentration: Float[FloatLike, "*#batch"],
        *,
        scale_tril: _Matrix,
        validate_args: bool | None = None,
    ) -> None: ...
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


# NumPyro declares `concentration` and `scale_tril` mutable; the typed fields
# (declared once, on the shared base) are narrower, frozen arrays.
class Wishart(  # pyright: ignore[reportIncompatibleVariableOverride]
    WishartFamily[nd.Wishart], nd.Wishart
):
    """Wishart distribution on `n x n` positive definite matrices.

    `concentration` (degrees of freedom, greater than `n - 1`) has shape
    `(*batch,)`; pass exactly one of `scale_matrix`, `rate_matrix` or
    `scale_tril`, each `(*batch, n, n)`. As in NumPyro the distribution stores
    `concentration` and `scale_tril`; the other matrices are derived when read.
    """


# NumPyro declares `concentration` and `scale_tril` mutable; the typed fields
# (declared once, on the shared base) are narrower, frozen arrays.
class WishartCholesky(  # type: ignore[misc]
    WishartFamily[nd.WishartCholesky], nd.WishartCholesky
):
    """Lower Cholesky factor of a Wishart-distributed `n x n` matrix.

    Parameters as for `Wishart`: `concentration` and exactly one of
    `scale_matrix`, `rate_matrix` or `scale_tril`; `concentration` and
    `scale_tril` are stored, the other matrices derived when read.
    """


# NumPyro declares `concentration` and `scale_tril` mutable; the typed fields
# (declared once, on the shared base) are narrower, frozen arrays.
class InverseWishart(  # pyright: ignore[reportIncompatibleVariableOverride]
    WishartFamily[nd.InverseWishart], nd.InverseWishart
):
    """Inverse Wishart distribution on `n x n` positive definite matrices.

    `concentration` (degrees of freedom, greater than `n - 1`) has shape
    `(*batch,)`; pass exactly one of `scale_matrix`, `rate_matrix` or
    `scale_tril`, each `(*batch, n, n)`. As in NumPyro the distribution stores
    `concentration` and `scale_tril`; the other matrices are derived when read.
    """

    # NumPyro computes these on first use (`lazy_property`), overriding
    # `Distribution`'s properties as its own classes do.
    @Derived
    def mode(self) -> Float[Array, "*batch n n"]: ...  # pyright: ignore[reportIncompatibleMethodOverride]


# NumPyro declares `concentration` and `scale_tril` mutable; the typed fields
# (declared once, on the shared base) are narrower, frozen arrays.
class InverseWishartCholesky(  # type: ignore[misc]
    WishartFamily[nd.InverseWishartCholesky], nd.InverseWishartCholesky
):
    """Lower Cholesky factor of an inverse-Wishart-distributed `n x n` matrix.

    Parameters as for `InverseWishart`: `concentration` and exactly one of
    `scale_matrix`, `rate_matrix` or `scale_tril`; `concentration` and
    `scale_tril` are stored, the other matrices derived when read.
    """


class LKJ(TypedDistribution[nd.LKJ], nd.LKJ):
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


class LKJCholesky(TypedDistribution[nd.LKJCholesky], nd.LKJCholesky):
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


class GaussianRandomWalk(
    TypedDistribution[nd.GaussianRandomWalk], nd.GaussianRandomWalk
):
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


def _check_adjacency(adj_matrix: jax.Array) -> None:
    """NumPyro's checks of a dense CAR adjacency matrix, for concrete values.

    NumPyro makes them only for a NumPy `adj_matrix` (as assertions); the typed
    class stores a JAX array, so it makes them itself, as value errors.
    """
    if is_tracer(adj_matrix):
        return
    adj = np.asarray(adj_matrix)
    if not np.array_equal(adj, np.swapaxes(adj, -2, -1)):
        raise ParameterValueError(
            "CAR: parameter `adj_matrix` must be symmetric (an undirected "
            "adjacency: `adj_matrix[..., i, j] == adj_matrix[..., j, i]`)."
        )
    if not (adj.sum(axis=-1) > 0).all():
        raise ParameterValueError(
            "CAR: parameter `adj_matrix` must give every site at least one "
            "neighbour (every row sums to more than 0)."
        )


class CAR(TypedDistribution[nd.CAR], nd.CAR):
    """Conditional autoregressive distribution over `n` areal sites.

    A multivariate normal with mean `loc` (`(*batch, n)` or a scalar) whose
    precision is `conditional_precision * (D - correlation * adj_matrix)`,
    `D` the diagonal of neighbour counts; `correlation` is in (-1, 1) and
    `conditional_precision` > 0. `adj_matrix` (`(*batch, n, n)`) is the
    symmetric 0/1 adjacency of the sites, every site with a neighbour. It is a
    float parameter, since NumPyro computes with it in floating point (degree
    square roots, a matrix product, eigenvalues): give an integer adjacency
    as `adj_matrix.astype(float)`. Only the dense form is supported:
    `is_sparse=True` raises `ParameterTypeError` (NumPyro's sparse form keeps
    a SciPy matrix and precomputes on the host, which cannot be rebuilt from
    traced fields); use `numpyro.distributions.CAR` for it.
    """

    loc: Float[Array, "*#batch #n"]
    correlation: Float[Array, "*#batch"]
    conditional_precision: Float[Array, "*#batch"]
    adj_matrix: Float[Array, "*#batch n n"]
    is_sparse: bool = eqx.field(static=True)

    @Derived
    def precision_matrix(self) -> Float[Array, "*#batch n n"]: ...

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch #n"] | Float[FloatLike, ""],
        correlation: Float[FloatLike, "*#batch"],
        conditional_precision: Float[FloatLike, "*#batch"],
        adj_matrix: Float[FloatLike, "*#batch n n"],
        *,
        is_sparse: bool = False,
        validate_args: bool | None = None,
    ) -> None:
        if is_sparse is not False:
            raise ParameterTypeError(
                f"CAR: option `is_sparse` must be False, got {is_sparse!r}.\n"
                "The sparse form keeps a host SciPy matrix and precomputes on "
                "the host, which a typed distribution cannot rebuild from its "
                "traced fields; pass a dense `adj_matrix`, or use "
                "`numpyro.distributions.CAR(..., is_sparse=True)` for the "
                "sparse form."
            )
        self._construct(
            loc=loc,
            correlation=correlation,
            conditional_precision=conditional_precision,
            adj_matrix=adj_matrix,
            is_sparse=is_sparse,
            validate_args=validate_args,
        )
        if self._validate_args:
            _check_adjacency(self.adj_matrix)


class ZeroSumNormal(TypedDistribution[nd.ZeroSumNormal], nd.ZeroSumNormal):
    """Normal distribution constrained to sum to zero along its event axes.

    `event_shape` gives the event, every axis of which sums to zero; `scale`
    (> 0) is the standard deviation of the normal before the constraint is
    imposed. NumPyro broadcasts `scale` against the event's rotated
    coordinates (`n - 1` per event axis), not against a batch: it is a scalar
    or an array that broadcasts to them (for an event `(n,)`, shape `()`,
    `(1,)` or `(n - 1,)`; NumPyro rejects others), and its distributions have
    no batch shape (use `.expand` for one). `event_shape` is also the
    distribution's own property, so the argument is kept as
    `_given_event_shape`; both always hold the same value.
    """

    scale: Float[Array, "*#rotated"]
    _given_event_shape: tuple[int, ...] = numpyro_field("event_shape", static=True)

    def __init__(
        self,
        scale: Float[FloatLike, "*#rotated"],
        event_shape: tuple[int, ...],
        *,
        validate_args: bool | None = None,
    ) -> None:
        if isinstance(cast(Any, event_shape), list):  # as NumPyro code often does
            event_shape = tuple(event_shape)
        self._construct(
            scale=scale, event_shape=event_shape, validate_args=validate_args
        )


class GaussianStateSpace(
    TypedDistribution[nd.GaussianStateSpace], nd.GaussianStateSpace
):
    """Linear Gaussian state space model over `num_steps` steps of an `n`-vector.

    `z_t = transition_matrix @ z_{t-1} + noise_t`, with `z_0 = initial_value`
    (`(*batch, n)`, or `None` for zero) and normal noise given by exactly one
    of `covariance_matrix`, `precision_matrix` or `scale_tril` (each
    `(*batch, n, n)`). As in NumPyro, `transition_matrix` is one `n x n`
    matrix (it cannot be batched), the noise is stored as `scale_tril`, and
    `initial_value` is kept as `_initial_value` (NumPyro's `initial_value`
    property reads zeros for `None`).
    """

    num_steps: int = eqx.field(static=True)
    transition_matrix: Float[Array, "n n"]
    scale_tril: Float[Array, "*#batch n n"]
    _given_initial_value: Float[Array, "*#batch n"] | None = numpyro_field(
        "initial_value", attribute="_initial_value"
    )

    _one_of: ClassVar[tuple[str, ...]] = (
        "covariance_matrix",
        "precision_matrix",
        "scale_tril",
    )

    @overload
    def __init__(
        self,
        num_steps: int,
        transition_matrix: Float[FloatLike, "n n"],
        covariance_matrix: _Matrix,
        precision_matrix: None = None,
        scale_tril: None = None,
        initial_value: Float[FloatLike, "*#batch n"] | None = None,
        *,
        validate_args: bool | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        num_steps: int,
        transition_matrix: Float[FloatLike, "n n"],
        *,
        precision_matrix: _Matrix,
        initial_value: Float[FloatLike, "*#batch n"] | None = None,
        validate_args: bool | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        num_steps: int,
        transition_matrix: Float[FloatLike, "n n"],
        *,
        scale_tril: _Matrix,
        initial_value: Float[FloatLike, "*#batch n"] | None = None,
        validate_args: bool | None = None,
    ) -> None: ...
    def __init__(
        self,
        num_steps: int,
        transition_matrix: Float[FloatLike, "n n"],
        covariance_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        precision_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        scale_tril: Float[FloatLike, "*#batch n n"] | None = None,
        initial_value: Float[FloatLike, "*#batch n"] | None = None,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            num_steps=num_steps,
            transition_matrix=transition_matrix,
            covariance_matrix=covariance_matrix,
            precision_matrix=precision_matrix,
            scale_tril=scale_tril,
            initial_value=initial_value,
            validate_args=validate_args,
        )


class EulerMaruyama(TypedDistribution[nd.EulerMaruyama], nd.EulerMaruyama):
    """Euler-Maruyama discretisation of a stochastic differential equation.

    `t` (`(*batch, T)`, increasing) are the time points; `sde_fn(y, t)`
    returns the drift and the diffusion at state `y` and time `t`; the state
    at `t[0]` is drawn from `init_dist` (typed or NumPyro, converted and
    checked), and the event is `(T, *init_dist.event_shape)`. `sde_fn` is a
    static field: keep the same function object across calls so that compiled
    code is reused.
    """

    t: Float[Array, "*#batch T"]
    sde_fn: Callable[[Array, Array], tuple[Array, Array]] = eqx.field(static=True)
    init_dist: nd.Distribution

    def __init__(
        self,
        t: Float[FloatLike, "*#batch T"],
        sde_fn: Callable[[Array, Array], tuple[Array, Array]],
        init_dist: nd.Distribution,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            t=t, sde_fn=sde_fn, init_dist=init_dist, validate_args=validate_args
        )


class GaussianCopula(TypedDistribution[nd.GaussianCopula], nd.GaussianCopula):
    """Couples the last batch axis of `marginal_dist` through a Gaussian copula.

    `marginal_dist` is a univariate distribution (typed or NumPyro, converted
    and checked) with batch shape `(*batch, n)` and a `cdf` and `icdf`; pass
    exactly one of `correlation_matrix` or `correlation_cholesky` (its lower
    Cholesky factor), each `(*batch, n, n)`. NumPyro keeps the correlation as
    an inner multivariate normal, `base_dist`, whose constructor argument it
    cannot take back: the distribution stores `correlation_cholesky`, and
    `correlation_matrix` and `base_dist` are derived when read.
    """

    marginal_dist: nd.Distribution
    # NumPyro computes `correlation_cholesky` on first use (a `lazy_property`);
    # the typed class stores it, as a field.
    correlation_cholesky: Float[Array, "*#batch n n"]  # pyright: ignore[reportIncompatibleVariableOverride]

    @Derived
    def correlation_matrix(self) -> Float[Array, "*#batch n n"]: ...

    _one_of: ClassVar[tuple[str, ...]] = ("correlation_matrix", "correlation_cholesky")

    @overload
    def __init__(
        self,
        marginal_dist: nd.Distribution,
        correlation_matrix: _Matrix,
        *,
        validate_args: bool | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        marginal_dist: nd.Distribution,
        *,
        correlation_cholesky: _Matrix,
        validate_args: bool | None = None,
    ) -> None: ...
    def __init__(
        self,
        marginal_dist: nd.Distribution,
        correlation_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        correlation_cholesky: Float[FloatLike, "*#batch n n"] | None = None,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            marginal_dist=marginal_dist,
            correlation_matrix=correlation_matrix,
            correlation_cholesky=correlation_cholesky,
            validate_args=validate_args,
        )


class GaussianCopulaBeta(
    TypedDistribution[nd.GaussianCopulaBeta], nd.GaussianCopulaBeta
):
    """Beta marginals on the unit interval coupled by a Gaussian copula.

    The marginals are `Beta(concentration1, concentration0)` (both > 0, shape
    `(*batch, n)`, size 1 in the last axis, or scalars, which NumPyro
    broadcasts over the `n` marginals); pass exactly one of
    `correlation_matrix` or `correlation_cholesky`, each `(*batch, n, n)`.
    The distribution stores the concentrations and `correlation_cholesky`;
    `correlation_matrix`, `marginal_dist` and `base_dist` are derived when
    read. As in NumPyro, `validate_args` defaults to `False`.
    """

    concentration1: Float[Array, "*#batch #n"]
    concentration0: Float[Array, "*#batch #n"]
    # As for `GaussianCopula` (a `lazy_property` in NumPyro, a field here).
    correlation_cholesky: Float[Array, "*#batch n n"]  # pyright: ignore[reportIncompatibleVariableOverride]

    @Derived
    def correlation_matrix(self) -> Float[Array, "*#batch n n"]: ...

    _one_of: ClassVar[tuple[str, ...]] = ("correlation_matrix", "correlation_cholesky")

    @overload
    def __init__(
        self,
        concentration1: Float[FloatLike, "*#batch #n"] | Float[FloatLike, ""],
        concentration0: Float[FloatLike, "*#batch #n"] | Float[FloatLike, ""],
        correlation_matrix: _Matrix,
        *,
        validate_args: bool = False,
    ) -> None: ...
    @overload
    def __init__(
        self,
        concentration1: Float[FloatLike, "*#batch #n"] | Float[FloatLike, ""],
        concentration0: Float[FloatLike, "*#batch #n"] | Float[FloatLike, ""],
        *,
        correlation_cholesky: _Matrix,
        validate_args: bool = False,
    ) -> None: ...
    def __init__(
        self,
        concentration1: Float[FloatLike, "*#batch #n"] | Float[FloatLike, ""],
        concentration0: Float[FloatLike, "*#batch #n"] | Float[FloatLike, ""],
        correlation_matrix: Float[FloatLike, "*#batch n n"] | None = None,
        correlation_cholesky: Float[FloatLike, "*#batch n n"] | None = None,
        *,
        validate_args: bool = False,
    ) -> None:
        self._construct(
            concentration1=concentration1,
            concentration0=concentration0,
            correlation_matrix=correlation_matrix,
            correlation_cholesky=correlation_cholesky,
            validate_args=validate_args,
        )
