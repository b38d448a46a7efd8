"""What a typed class's declaration is written with, besides annotations.

- `numpyro_field`: a field whose NumPyro argument has another name;
- `bookkeeping_field`: a static field a class keeps about its own
  construction (not a NumPyro argument);
- `Derived`: a read-only attribute NumPyro derives from the parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, cast, overload

import equinox as eqx

from ._construct import numpyro_attribute
from ._meta import LazyPropertyBase
from ._record import ATTRIBUTE_KEY, BOOKKEEPING_KEY, NAME_KEY

if TYPE_CHECKING:
    from ._distribution import TypedDistribution

__all__ = ["Derived", "bookkeeping_field", "numpyro_field"]

T = TypeVar("T")


def numpyro_field(
    name: str, *, attribute: str | None = None, static: bool = False
) -> Any:
    """Declare a field whose NumPyro constructor argument is called `name`.

    For an argument whose NumPyro name is taken by a `Distribution` member
    (`mean`, `batch_shape`, `event_shape`, `support`): the field holds the
    argument, which is passed back to NumPyro's constructor as `name`. Where
    NumPyro keeps the argument, after its own processing, as an attribute of
    another name, `attribute` names it (TransformedDistribution's
    `base_distribution` is stored as `base_dist`).

    ```python
    import numpyro.distributions as dist

    import typed_dists as td


    class Expanded(td.TypedDistribution[dist.ExpandedDistribution]):
        base_dist: dist.Distribution
        # NumPyro's argument `batch_shape` is a `Distribution` property.
        given_batch_shape: tuple[int, ...] = td.numpyro_field(
            "batch_shape", static=True
        )

        def __init__(
            self, base_dist: dist.Distribution, batch_shape: tuple[int, ...] = ()
        ) -> None:
            # As in NumPyro, no `validate_args`: the base's applies.
            self._construct(
                base_dist=base_dist, batch_shape=batch_shape, validate_args=None
            )


    assert Expanded(td.Normal(0.0, 1.0), (3,)).batch_shape == (3,)
    ```
    """
    metadata = {NAME_KEY: name}
    if attribute is not None:
        metadata[ATTRIBUTE_KEY] = attribute
    return eqx.field(static=static, metadata=metadata)


def bookkeeping_field(read: Callable[[Any], Any]) -> Any:
    """Declare a static field that records something about the construction.

    Not a NumPyro argument: `read` takes the NumPyro instance just built and
    returns the value kept (a shape, never an array). Like NumPyro's own
    pytree auxiliary data, it is kept unchanged when the module is rebuilt
    from its leaves, which is what makes it useful: `ExpandedDistribution`
    keeps its base's batch shape, to tell which leading dimensions a `vmap`
    or a `scan` added to the leaves since.
    """
    return eqx.field(static=True, repr=False, metadata={BOOKKEEPING_KEY: read})


class Derived(LazyPropertyBase, Generic[T]):
    """A read-only attribute that NumPyro derives from the stored parameters.

    For example `MultivariateNormal.covariance_matrix` when the distribution
    stores `scale_tril`, or `BernoulliProbs.logits`. Reading it asks the NumPyro
    distribution, so the value is exactly NumPyro's. Declared as a decorator
    on a method whose return annotation is the attribute's type (its body is
    never run); the older form `name = Derived[T]()` works too, but type
    checkers then read NumPyro's declaration of `name` where it has one.

    ```python
    import numpyro.distributions as dist
    from jaxtyping import Array, Float

    import typed_dists as td


    class Probs(td.TypedDistribution[dist.BernoulliProbs], dist.BernoulliProbs):
        probs: Float[Array, "*#batch"]

        @td.Derived  # NumPyro computes it on first use
        def logits(self) -> Float[Array, "*#batch"]: ...

        def __init__(
            self,
            probs: Float[td.FloatLike, "*#batch"],
            *,
            validate_args: bool | None = None,
        ) -> None:
            self._construct(probs=probs, validate_args=validate_args)


    assert Probs(0.5).logits == 0.0
    ```
    """

    name: str
    fget: Callable[[Any], T] | None
    """The method it decorates (its return annotation is the attribute's type
    for checkers and documentation; its body is never run)."""

    def __init__(self, fget: Callable[[Any], T] | None = None) -> None:
        self.fget = fget
        if fget is not None:
            self.__doc__ = fget.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: TypedDistribution[Any], owner: type | None = None) -> T: ...
    def __get__(
        self, obj: TypedDistribution[Any] | None, owner: type | None = None
    ) -> T | Self:
        if obj is None:
            return self
        return cast(T, numpyro_attribute(obj, self.name))
