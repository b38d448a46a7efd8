"""Distributions built from other distributions (NumPyro's `distribution` module).

Their distribution-valued arguments (`base_dist`, `base_distribution`) accept
typed or NumPyro distributions. A NumPyro distribution that typed_dists wraps
is converted to its typed counterpart, so its parameters are checked and
promoted like any typed distribution's (an integer `loc` is rejected here, not
turned into a float0 gradient later); a NumPyro distribution of a class
typed_dists does not wrap (a user's own) is kept as it is. The base
distribution is a pytree child of the wrapper, so its parameters are the
wrapper's leaves.
"""

from __future__ import annotations

from typing import Any, cast

import equinox as eqx
import jax
import jax.numpy as jnp
import numpyro.distributions as nd
from jaxtyping import Array, Bool
from numpyro.distributions import constraints
from numpyro.distributions.batch_util import promote_batch_shape
from numpyro.distributions.transforms import Transform

from .._core._distribution import TypedDistribution
from .._core._fields import bookkeeping_field, numpyro_field
from .._policy import BoolLike

__all__ = [
    "ExpandedDistribution",
    "FoldedDistribution",
    "ImproperUniform",
    "Independent",
    "MaskedDistribution",
    "TransformedDistribution",
]


class Independent(TypedDistribution[nd.Independent], nd.Independent):
    """Reinterprets the rightmost `reinterpreted_batch_ndims` batch dimensions
    of `base_dist` as event dimensions (what `.to_event(n)` builds)."""

    base_dist: nd.Distribution
    reinterpreted_batch_ndims: int = eqx.field(static=True)

    def __init__(
        self,
        base_dist: nd.Distribution,
        reinterpreted_batch_ndims: int,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            base_dist=base_dist,
            reinterpreted_batch_ndims=reinterpreted_batch_ndims,
            validate_args=validate_args,
        )


class ExpandedDistribution(
    TypedDistribution[nd.ExpandedDistribution], nd.ExpandedDistribution
):
    """`base_dist` broadcast to the larger `batch_shape` (what `.expand` builds).

    As in NumPyro, it takes no `validate_args`: the base distribution's applies.
    """

    base_dist: nd.Distribution
    # `batch_shape` is the distribution's own property; the argument is kept here.
    _given_batch_shape: tuple[int, ...] = numpyro_field("batch_shape", static=True)
    # The base's batch shape when this was built: after a `vmap` or a `scan`
    # stacked the leaves, the base has more leading dimensions than it had.
    _base_batch_shape: tuple[int, ...] = bookkeeping_field(
        lambda dist: tuple(dist.base_dist.batch_shape)
    )

    def __init__(
        self, base_dist: nd.Distribution, batch_shape: tuple[int, ...] = ()
    ) -> None:
        if isinstance(cast(Any, batch_shape), list):  # as NumPyro code often does
            batch_shape = tuple(batch_shape)
        self._construct(
            base_dist=base_dist, batch_shape=batch_shape, validate_args=None
        )

    def _rebuilt_arguments(self, arguments: dict[str, Any]) -> dict[str, Any]:
        return promoted_expansion(
            arguments["base_dist"], arguments["batch_shape"], self._base_batch_shape
        )


def promoted_expansion(
    base: nd.Distribution, batch_shape: tuple[int, ...], built: tuple[int, ...]
) -> dict[str, Any]:
    """The arguments of an expansion of `base` to `batch_shape`, when `base`
    had batch shape `built` at the time and may since have gained leading
    dimensions (its leaves stacked by a `vmap` or a `scan`).

    As NumPyro's `promote_batch_shape` does for its `ExpandedDistribution`:
    the new dimensions go in front of `batch_shape`, and the base gets size-1
    dimensions where the expansion added dimensions in front of its own, so
    that it still broadcasts.
    """
    base = promote_batch_shape(base)  # NumPyro's, for a NumPyro base
    now = tuple(base.batch_shape)
    added = len(now) - len(built)
    if added <= 0:
        return {"base_dist": base, "batch_shape": batch_shape}
    between = len(batch_shape) - len(built)
    if between:
        axes = tuple(range(added, added + between))

        def interstitial(leaf: jax.Array) -> jax.Array:
            return jnp.expand_dims(leaf, axes)

        base = jax.tree.map(interstitial, base)
    return {"base_dist": base, "batch_shape": (*now[:added], *batch_shape)}


class MaskedDistribution(
    TypedDistribution[nd.MaskedDistribution], nd.MaskedDistribution
):
    """`base_dist` whose `log_prob` is zero where `mask` is False (what `.mask` builds).

    `mask` is a Python bool or a bool array that broadcasts to the batch shape.
    As in NumPyro, it takes no `validate_args`.
    """

    base_dist: nd.Distribution
    # `mask` is the `Distribution.mask` method; NumPyro keeps the argument as `_mask`.
    _given_mask: bool | Bool[Array, "*#batch"] = numpyro_field(
        "mask", attribute="_mask"
    )

    def __init__(
        self, base_dist: nd.Distribution, mask: Bool[BoolLike, "*#batch"]
    ) -> None:
        self._construct(base_dist=base_dist, mask=mask, validate_args=None)


class FoldedDistribution(
    TypedDistribution[nd.FoldedDistribution], nd.FoldedDistribution
):
    """The absolute value of a univariate `base_dist` (e.g. a half-Cauchy)."""

    base_dist: nd.Distribution

    def __init__(
        self, base_dist: nd.Distribution, *, validate_args: bool | None = None
    ) -> None:
        self._construct(base_dist=base_dist, validate_args=validate_args)


class TransformedDistribution(
    TypedDistribution[nd.TransformedDistribution], nd.TransformedDistribution
):
    """`base_distribution` pushed through `transforms` (one or a list).

    As in NumPyro, a transformed base is flattened: `base_dist` is the
    innermost distribution and `transforms` every transform, innermost first.
    """

    base_dist: nd.Distribution = numpyro_field(
        "base_distribution", attribute="base_dist"
    )
    transforms: list[Transform[Any]]

    def __init__(
        self,
        base_distribution: nd.Distribution,
        transforms: Transform[Any] | list[Transform[Any]],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            base_distribution=base_distribution,
            transforms=transforms,
            validate_args=validate_args,
        )


class ImproperUniform(TypedDistribution[nd.ImproperUniform], nd.ImproperUniform):
    """An improper flat density (log_prob 0) on `support`; it cannot be sampled.

    For latent sites whose density a model adds itself with `numpyro.factor`.
    """

    _given_support: constraints.Constraint[Any] = numpyro_field("support")
    _given_batch_shape: tuple[int, ...] = numpyro_field("batch_shape", static=True)
    _given_event_shape: tuple[int, ...] = numpyro_field("event_shape", static=True)

    def __init__(
        self,
        support: constraints.Constraint[Any],
        batch_shape: tuple[int, ...],
        event_shape: tuple[int, ...],
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(
            support=support,
            batch_shape=batch_shape,
            event_shape=event_shape,
            validate_args=validate_args,
        )
