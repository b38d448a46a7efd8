"""`TypedDistribution`: the base class every typed distribution declares itself on.

A typed distribution is declared like a table:

```python
class Normal(TypedDistribution[dist.Normal], dist.Normal):
    loc: Float[Array, "*#batch"]        # stored fields, as NumPyro stores them
    scale: Float[Array, "*#batch"]

    def __init__(
        self,
        loc: Float[FloatLike, "*#batch"] = 0.0,   # accepted inputs
        scale: Float[FloatLike, "*#batch"] = 1.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(loc=loc, scale=scale, validate_args=validate_args)
```

The generic parameter names the NumPyro class that is wrapped (`dist` is
`numpyro.distributions`), and the class is listed as a base too, so that type
checkers see a typed `Normal` as a NumPyro `Normal`. The `__init__`
signature is the public, statically typed constructor; its jaxtyping
annotations are also read when the class is created, into the class's record
(`_record`), as the run-time specification. `_construct` (`_construct.py`)
checks, promotes and stores the arguments; every method here delegates to the
NumPyro distribution built from the stored fields, so results are NumPyro's
own.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from types import MethodType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, cast

import equinox as eqx
import jax
import jax.numpy as jnp
from jax.typing import ArrayLike
from jaxtyping import Array
from numpyro.distributions import Distribution, MaskedDistribution, constraints

from .._interop._convert import to_typed
from .._interop._registry import register
from .._policy import check_value
from ._construct import (
    construct,
    frozen_message,
    numpyro_arguments,
    numpyro_attribute,
    numpyro_of,
    set_instance_validation,
)
from ._fields import Derived
from ._meta import (
    TypedDistributionMeta,
    UnregisteredDistribution,
    is_lazy_attribute,
    wrapped_numpyro_class,
)
from ._methods import compiled_call, eager_call, method
from ._record import VALIDATE_FIELD, ClassRecord

__all__ = ["TypedDistribution"]

D = TypeVar("D", bound=Distribution)


def _array(value: Any) -> Array:
    """A NumPyro method's result as a JAX array: itself when it is one (as it
    nearly always is; `jnp.asarray` would cost an eager dispatch)."""
    return value if isinstance(value, jax.Array) else jnp.asarray(value)


class _Constructor:
    """Gives `self._construct` as a plain partial function.

    Equinox wraps every bound method it hands out in a `BoundMethod` module
    (so that methods are pytrees); `_construct` runs once per construction,
    inside `__init__`, where building that wrapper would cost more than the
    checks themselves.
    """

    def __get__(
        self, obj: TypedDistribution[Any] | None, owner: type | None = None
    ) -> Callable[..., None]:
        if obj is None:
            return construct
        return functools.partial(construct, obj)


class TypedDistribution(
    eqx.Module,
    UnregisteredDistribution,
    Generic[D],
    metaclass=TypedDistributionMeta,
):
    """Base class of typed distributions: an Equinox module and a NumPyro distribution.

    Subclass it as `TypedDistribution[numpyro.distributions.X]`, declare the
    parameters NumPyro stores as fields with jaxtyping annotations, and write
    an `__init__` whose annotated parameters mirror NumPyro's and whose body
    calls `self._construct(...)` with every argument (the documentation's
    "Wrapping your own distribution" page works one through).

    Instances are accepted wherever NumPyro's own distributions are
    (`numpyro.sample`, handlers, MCMC, SVI, `Predictive`, wrappers such as
    `.expand`, `.mask` and `.to_event`), and are pytrees whose leaves are the
    stored parameters.
    """

    _validate_args: bool = eqx.field(static=True, repr=False)

    numpyro_class: ClassVar[type[Distribution]]
    """The NumPyro distribution class this typed class wraps."""
    _one_of: ClassVar[tuple[str, ...]] = ()
    """Names of an exclusive parametrisation: exactly one must be given."""
    _record: ClassVar[ClassRecord]
    """What the class declares, read once when it is created (`_record.py`)."""

    @classmethod
    def _finish_class(cls) -> None:
        """Read the class's declaration, once Equinox has made it a dataclass
        (called by the metaclass)."""
        numpyro_class = wrapped_numpyro_class(cls.__dict__.get("__orig_bases__", ()))
        if numpyro_class is None:
            # A subclass without a subscripted base wraps its parent's class.
            numpyro_class = getattr(cls, "numpyro_class", None)
        cls._record = ClassRecord.of(cls, numpyro_class)
        if numpyro_class is None:
            return  # a generic intermediate base that wraps nothing yet
        cls.numpyro_class = numpyro_class
        cls.arg_constraints = numpyro_class.arg_constraints
        # NumPyro computes some attributes lazily and caches them on the
        # instance, which a frozen module cannot hold: read them from the
        # wrapped NumPyro instance instead (declare them with `Derived` too,
        # for static type checkers).
        for name in dir(numpyro_class):
            if (
                is_lazy_attribute(getattr(numpyro_class, name, None))
                and name not in cls._record.names  # stored (Wishart's scale_tril)
                and not isinstance(getattr(cls, name, None), Derived)
            ):
                derived: Derived[Any] = Derived()
                derived.__set_name__(cls, name)
                setattr(cls, name, derived)
        register(numpyro_class, cls)

    # -- construction --------------------------------------------------------

    _construct = _Constructor()
    """`self._construct(**arguments, validate_args=...)`, called from `__init__`.

    Checks, promotes and stores the constructor's arguments.

    **Raises:** `ParameterTypeError` (a `TypeError`) for a rejected kind,
    dtype or shape; `ParameterValueError` (a `ValueError`) for a concrete
    value that violates its constraint while validation is enabled.
    """

    def _rebuilt_arguments(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """NumPyro's constructor arguments for this module rebuilt from its leaves.

        `arguments` are its fields, by NumPyro's names. Shapes are computed
        from the leaves, so leaves that a `vmap` or a `scan` gave new leading
        dimensions give a distribution with those batch dimensions. A class
        whose static fields describe its leaves' shapes adapts them here
        (`ExpandedDistribution`); the default returns `arguments` unchanged.
        """
        return arguments

    # -- NumPyro interop -----------------------------------------------------

    @method
    def to_numpyro(self) -> D:
        """Return the plain NumPyro distribution with this module's parameters.

        The parameters are the promoted JAX arrays stored here. The result is
        built once per instance (at construction, or on first use after a
        module is rebuilt from its leaves, e.g. inside `jax.jit`).
        """
        return cast(D, numpyro_of(self))

    @method
    def replace(self, **changes: object) -> Self:
        """A copy with some parameters replaced, checked like a new instance.

        Takes the constructor's parameter names (`d.replace(loc=jnp.ones(3))`)
        and builds a new instance from this one's parameters and the changes,
        so every check of the constructor applies. Giving one member of an
        exclusive parametrisation replaces the one stored (e.g.
        `mvn.replace(covariance_matrix=c)`). Prefer it to `eqx.tree_at` for
        changing parameters: a module rebuilt from its leaves is only checked
        for dtypes, when it is used.

        **Raises:** `TypeError` for a name the constructor does not take;
        `ParameterTypeError` / `ParameterValueError` as the constructor does.
        """
        cls = type(self)
        record = cls._record
        arguments = numpyro_arguments(self)
        accepted = set(record.declared)
        if record.takes_validate_args:
            accepted.add("validate_args")
        unknown = sorted(set(changes) - accepted)
        if unknown:
            raise TypeError(
                f"{cls.__name__}.replace: unknown parameter(s) {unknown}; "
                f"{cls.__name__} takes {sorted(accepted)}."
            )
        one_of = record.one_of
        if one_of and any(name in changes for name in one_of):
            arguments = {k: v for k, v in arguments.items() if k not in one_of}
        arguments.update(changes)
        if "validate_args" in accepted and "validate_args" not in changes:
            arguments["validate_args"] = self._validate_args
        arguments = {k: v for k, v in arguments.items() if k in accepted}
        return cls(**arguments)

    if not TYPE_CHECKING:  # Equinox's is hidden from type checkers too

        def __setattr__(self, name: str, value: Any) -> None:
            """Fields cannot be reassigned (an Equinox module is immutable);
            NumPyro's `_validate_args` can, as on NumPyro's instances.

            NumPyro's own tests and users switch one distribution's value
            checks with `d._validate_args = True`; it is a static field, not
            a parameter, so no check or promotion is bypassed by it.
            """
            if name == VALIDATE_FIELD and VALIDATE_FIELD in self.__dict__:
                set_instance_validation(self, value)
                return
            try:
                super().__setattr__(name, value)
            except dataclasses.FrozenInstanceError as error:
                raise dataclasses.FrozenInstanceError(
                    frozen_message(type(self), name)
                ) from error

    if not TYPE_CHECKING:  # as Equinox's, which is hidden from checkers too

        def __getattribute__(self, name: str) -> Any:
            """Attribute lookup, as on every Equinox module, minus its cost.

            Equinox's `Module.__getattribute__` (Python code, run on every
            attribute read: about 1 us, 16 reads in building an `Independent`)
            turns methods bound to the module into `BoundMethod` modules. Here
            only what normal lookup returns as a bound method goes through it;
            the delegating methods are `BoundMethod`s of `_methods` already.
            """
            value = object.__getattribute__(self, name)
            if type(value) is MethodType:
                return eqx.Module.__getattribute__(self, name)
            return value

    # Hidden from static checkers: with it, any attribute name (a typo such as
    # `d.scal`) would type-check as `Any`. Declared fields, `Derived`
    # attributes and `Distribution`'s members are what checkers see.
    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            """NumPyro's other attributes, read from the wrapped distribution.

            NumPyro's code reads attributes that its classes set in `__init__`
            (a `LogNormal`'s `base_dist`, a `LeftTruncatedDistribution`'s
            `_support`); a typed instance stores only its declared fields, so
            every other attribute is NumPyro's own. Only called when normal
            lookup fails.
            """
            names = type(self)._record.names
            if name.startswith("__") or name in names:
                raise AttributeError(name)  # not set yet: we are being built
            if "_numpyro" not in self.__dict__ and not all(
                field in self.__dict__ for field in names
            ):
                raise AttributeError(name)
            return numpyro_attribute(self, name)

    # -- NumPyro's wrappers, typed ---------------------------------------------

    @method
    def expand(self, batch_shape: Sequence[int]) -> Distribution:
        """This distribution broadcast to `batch_shape`, as in NumPyro.

        The result is a typed `ExpandedDistribution` (or `self` when nothing
        changes), so it stays an Equinox module with this one as a child.
        """
        return to_typed(super().expand(batch_shape))

    @method
    def to_event(self, reinterpreted_batch_ndims: int | None = None) -> Distribution:
        """Batch dimensions on the right as event dimensions (a typed `Independent`)."""
        return to_typed(super().to_event(reinterpreted_batch_ndims))

    @method
    def mask(self, mask: Array) -> MaskedDistribution:
        """`log_prob` zero where `mask` is False (a typed `MaskedDistribution`).

        `mask` is a bool array or a Python bool, as in NumPyro.
        """
        return cast(MaskedDistribution, to_typed(super().mask(mask)))

    # -- shapes and support ----------------------------------------------------

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(numpyro_of(self).batch_shape)

    @property
    def event_shape(self) -> tuple[int, ...]:
        return tuple(numpyro_of(self).event_shape)

    if not TYPE_CHECKING:
        # NumPyro declares these on each class (as class attributes, properties
        # or cached `lazy_property`s); here they are read from the wrapped
        # instance. Type checkers see NumPyro's declarations: a typed class
        # lists its NumPyro class as a base, and a second, different
        # declaration here would conflict with the first.

        @property
        def support(self) -> constraints.Constraint[Any]:
            support: constraints.Constraint[Any] = numpyro_of(self).support
            return support

        @property
        def has_enumerate_support(self) -> bool:
            return bool(numpyro_of(self).has_enumerate_support)

        @property
        def reparametrized_params(self) -> list[str]:
            return list(numpyro_of(self).reparametrized_params)

    @property
    def has_rsample(self) -> bool:
        return bool(numpyro_of(self).has_rsample)

    # -- sampling and densities -------------------------------------------------
    # Eager calls of these are compiled once per signature (`_methods`);
    # inside a trace they are NumPyro's methods, called directly.

    @method
    def sample(
        self, key: jax.Array | None, sample_shape: tuple[int, ...] = ()
    ) -> Array:
        dist = numpyro_of(self)
        try:
            shape = tuple(int(size) for size in sample_shape)
        except TypeError:  # traced sizes: NumPyro's to judge
            return _array(dist.sample(key, sample_shape))
        if key is None:
            return _array(dist.sample(key, sample_shape))
        return _array(
            compiled_call(
                self, "sample", shape, (key,), lambda: dist.sample(key, sample_shape)
            )
        )

    @method
    def sample_with_intermediates(
        self, key: jax.Array | None, sample_shape: tuple[int, ...] = ()
    ) -> tuple[Array, list[Any]]:
        dist = numpyro_of(self)
        value, intermediates = eager_call(
            lambda: dist.sample_with_intermediates(key, sample_shape)
        )
        return jnp.asarray(value), intermediates

    @method
    def log_prob(
        self, value: ArrayLike, intermediates: list[Any] | None = None
    ) -> Array:
        """The log-density (or log-mass) of `value`, NumPyro's.

        **Raises:** `ValueTypeError` (a `TypeError`) for a value that is not
        a real number or array (a string, `None`, a complex or float0 array).
        """
        check_value(type(self).__name__, "log_prob", value)
        dist = numpyro_of(self)
        if intermediates is not None:
            args = (intermediates,)
            return _array(eager_call(lambda: _eager_log_prob(dist, value, args)))
        return _array(
            compiled_call(
                self, "log_prob", None, (value,), lambda: _eager_log_prob(dist, value)
            )
        )

    @method
    def _validate_sample(self, value: Any) -> Any:
        return numpyro_of(self)._validate_sample(value)

    if not TYPE_CHECKING:  # NumPyro's declarations, for checkers (above)

        @property
        def mean(self) -> Array:
            dist = numpyro_of(self)
            return _array(eager_call(lambda: dist.mean))

        @property
        def variance(self) -> Array:
            dist = numpyro_of(self)
            return _array(eager_call(lambda: dist.variance))

        @property
        def mode(self) -> Array:
            dist = numpyro_of(self)
            return _array(eager_call(lambda: dist.mode))

    @method
    def entropy(self) -> Array:
        dist = numpyro_of(self)
        return _array(compiled_call(self, "entropy", None, (), dist.entropy))

    @method
    def cdf(self, value: ArrayLike) -> Array:
        check_value(type(self).__name__, "cdf", value)
        dist = numpyro_of(self)
        return _array(
            compiled_call(self, "cdf", None, (value,), lambda: dist.cdf(value))
        )

    @method
    def icdf(self, q: ArrayLike) -> Array:
        check_value(type(self).__name__, "icdf", q)
        dist = numpyro_of(self)
        return _array(compiled_call(self, "icdf", None, (q,), lambda: dist.icdf(q)))

    @method
    def enumerate_support(self, expand: bool = True) -> Array:
        dist = numpyro_of(self)
        return _array(eager_call(lambda: dist.enumerate_support(expand)))


def _eager_log_prob(dist: Any, value: Any, args: tuple[Any, ...] = ()) -> Array:
    """NumPyro's `log_prob`, called directly."""
    try:
        return _array(dist.log_prob(value, *args))
    except jax.errors.TracerArrayConversionError:
        if isinstance(value, jax.Array):
            raise
        # NumPyro checks the support of a value that is not a JAX array
        # in NumPy, which fails on a traced bound: a `total_count` given
        # as a Python int is a traced literal inside `jit` here, where
        # NumPyro keeps the int. The same value as a JAX array is checked
        # in JAX, with the same log-density.
        return _array(dist.log_prob(jnp.asarray(value), *args))
