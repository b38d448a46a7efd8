"""`TypedDistribution`: the one mechanism every typed distribution uses.

A typed distribution is declared like a table:

```python
class Normal(TypedDistribution[numpyro.distributions.Normal]):
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

The generic parameter names the NumPyro class that is wrapped. The `__init__`
signature is the public, statically typed constructor; its jaxtyping
annotations are also read at class creation as the runtime specification.
`_construct` then does everything in one place: it checks the arguments
(kind, dtype, shape, with beartype through jaxtyping), promotes float
parameters to one floating dtype, checks concrete values against NumPyro's
constraints, builds the NumPyro distribution and stores its parameters as
this module's fields. Every method delegates to that NumPyro distribution, so
results are NumPyro's own.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import typing
import warnings
from collections.abc import Callable, Collection, Sequence
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Generic,
    Self,
    TypeGuard,
    TypeVar,
    cast,
    overload,
)

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from jaxtyping import Array
from numpyro.distributions import Distribution, MaskedDistribution, constraints
from numpyro.distributions.distribution import COERCIONS, DistributionMeta
from numpyro.distributions.util import lazy_property

from .._policy import (
    OptionSpec,
    ParameterSpec,
    ParameterTypeError,
    ParameterValueError,
    check_arguments,
    check_stored,
    check_value,
    check_values,
    field_kinds,
    get_validation,
    guard_traced,
    is_tracer,
    numpyro_validation_off,
    parameter_specs,
    validation_enabled,
)
from ._registry import lookup, register

__all__ = [
    "Derived",
    "TypedDistribution",
    "exactly_one",
    "field_names",
    "is_typed",
    "numpyro_field",
    "numpyro_names",
    "to_typed",
]

D = TypeVar("D", bound=Distribution)
T = TypeVar("T")

if TYPE_CHECKING:
    # Equinox does not export its Module metaclass, which this one must extend.
    from equinox._module._module import (
        _ModuleMeta,  # pyright: ignore[reportPrivateUsage]
    )
else:
    _ModuleMeta = type(eqx.Module)

# Equinox's registry of modules inside their `__init__` (which may assign
# fields), and its set of classes with a dataclass-generated `__init__`: read
# by the construction fast path (`_Construction`). In an Equinox version
# without them, typed classes are constructed through Equinox's own `__call__`.
_equinox_module = importlib.import_module("equinox._module._module")
_initialising: Any = getattr(_equinox_module, "_currently_initialising", None)
_has_dataclass_init: Any = getattr(_equinox_module, "_has_dataclass_init", {})


# ignore[override]: `__signature__` is a property on Equinox's metaclass and an
# attribute on NumPyro's; the property is kept (see `__init__` below).
class _TypedDistributionMeta(_ModuleMeta, DistributionMeta):  # type: ignore[override]
    """Equinox's Module metaclass combined with NumPyro's DistributionMeta.

    `DistributionMeta.__init__` only caches `cls.__signature__`, which Equinox's
    metaclass already derives from `__init__` (as a read-only property), so it
    is skipped. `DistributionMeta.__call__` (NumPyro's coercion hook, used by
    its `collapse` handler) runs inside Equinox's `__call__`.

    A class declared as `Base[numpyro.distributions.X]` also gets `X` as its
    last base, so that `isinstance(typed, X)` holds: NumPyro checks specific
    classes in places (a mixture's mixing distribution must be a
    `Categorical`, truncation and KL rules look for `Normal`), and so may user
    code. `TypedDistribution`'s methods come first in the MRO, so every method
    still delegates to a real NumPyro instance.
    """

    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        /,
        **kwargs: Any,
    ) -> type:
        wrapped = _subscripted_numpyro_class(namespace.get("__orig_bases__", ()))
        if wrapped is not None and not any(issubclass(b, wrapped) for b in bases):
            bases = (*bases, wrapped)
        new = cast(Callable[..., type], super().__new__)
        return new(mcs, name, bases, namespace, **kwargs)

    def __init__(cls, *args: Any, **kwargs: Any) -> None:
        super(DistributionMeta, cls).__init__(*args, **kwargs)

    if not TYPE_CHECKING:
        # Hidden from type checkers, which would read the return type of a
        # metaclass `__call__` as the type of every constructor call.

        def __call__(cls, *args: Any, **kwargs: Any) -> Any:
            """Construct an instance: Equinox's `Module.__call__`, with its
            per-class work done once per class (see `_Construction`)."""
            plan = _constructions.get(cls)
            if plan is None:
                plan = _constructions[cls] = _Construction.of(cls)
            if not plan.fast:
                return super().__call__(*args, **kwargs)
            for coerce in COERCIONS:  # NumPyro's hook (its `collapse` handler)
                result = coerce(cls, args, kwargs)
                if result is not None:
                    return result
            self = cls.__new__(cls)  # Equinox's: allows assignments in `__init__`
            try:
                cls.__init__(self, *args, **kwargs)
            finally:
                _initialising.remove(self)
            plan.finish(self)
            return self


class _Construction:
    """What Equinox's `Module.__call__` checks after `__init__`, read once per class.

    Equinox's metaclass looks up, on every construction, whether the class is
    abstract, each field's converter and static flag, and every class of the
    MRO for `__check_init__`: about 60 us per typed construction here, more
    than all of typed_dists' own checks. A typed class reads them once; each
    construction then only checks that every field was set, warns for a JAX
    array in a static field (but `_validate_args`, a bool set by
    `_construct`), and calls the `__check_init__` methods, as Equinox does.
    Classes with converters, `init=False` fields, dataclass-generated
    `__init__` or abstract members take Equinox's own path.
    """

    def __init__(
        self,
        fast: bool,
        fields: tuple[str, ...],
        static: tuple[str, ...],
        check_inits: tuple[Callable[[Any], None], ...],
    ) -> None:
        self.fast, self.fields, self.static = fast, fields, static
        self.check_inits = check_inits

    @classmethod
    def of(cls, module: type) -> _Construction:
        fields = dataclasses.fields(cast(Any, module))
        fast = (
            _initialising is not None
            and not _has_dataclass_init.get(module, True)
            and not inspect.isabstract(module)
            and not getattr(module, "__abstractvars__", ())
            and not getattr(module, "__abstractclassvars__", ())
            and all(f.init and "converter" not in f.metadata for f in fields)
        )
        static = tuple(
            f.name
            for f in fields
            if f.metadata.get("static", False) and f.name != "_validate_args"
        )
        check_inits = tuple(
            klass.__dict__["__check_init__"]
            for klass in module.__mro__
            if "__check_init__" in klass.__dict__
        )
        return cls(fast, tuple(f.name for f in fields), static, check_inits)

    def finish(self, instance: Any) -> None:
        stored = instance.__dict__
        for name in self.fields:
            if name not in stored:
                raise TypeError(f"Field {name!r} was not initialized.")
        for name in self.static:
            if any(eqx.is_array(leaf) for leaf in jax.tree.leaves(stored[name])):
                warnings.warn(
                    "A JAX array is being set as static! This can result "
                    "in unexpected behavior and is usually a mistake to do.",
                    stacklevel=3,
                )
        for check_init in self.check_inits:
            check_init(instance)


_constructions: dict[type, _Construction] = {}


class _UnregisteredDistribution(Distribution):
    """NumPyro's `Distribution` without its pytree registration of subclasses.

    NumPyro registers every subclass as a pytree in `__init_subclass__`;
    Equinox registers every Module the same way, and JAX refuses a second
    registration. Equinox's (the fields of the module) is the one kept.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super(Distribution, cls).__init_subclass__(**kwargs)


def _subscripted_numpyro_class(
    orig_bases: tuple[Any, ...],
) -> type[Distribution] | None:
    """The NumPyro class named by a subscripted base, e.g. `Base[nd.Normal]`.

    The base may be `TypedDistribution` itself or a generic intermediate such
    as a location-scale family declared once for several distributions.
    """
    for base in orig_bases:
        origin = typing.get_origin(base)
        if isinstance(origin, _TypedDistributionMeta):  # a TypedDistribution
            (arg,) = typing.get_args(base)
            if isinstance(arg, type) and issubclass(arg, Distribution):
                return arg
    return None


def _wrapped_numpyro_class(cls: type) -> type[Distribution] | None:
    """What `cls` wraps; a subclass without a subscripted base wraps its parent's."""
    wrapped = _subscripted_numpyro_class(cls.__dict__.get("__orig_bases__", ()))
    if wrapped is not None:
        return wrapped
    inherited: type[Distribution] | None = getattr(cls, "numpyro_class", None)
    return inherited


def exactly_one(owner: str, **candidates: object) -> str:
    """Return the name of the one candidate that is not `None`.

    Used for NumPyro's exclusive parametrisations (`probs`/`logits`,
    `covariance_matrix`/`precision_matrix`/`scale_tril`).

    **Raises:** `ParameterTypeError` if none or several are given.
    """
    given = [name for name, value in candidates.items() if value is not None]
    if len(given) == 1:
        return given[0]
    names = ", ".join(f"`{n}`" for n in candidates)
    got = "none of them" if not given else " and ".join(f"`{n}`" for n in given)
    raise ParameterTypeError(
        f"{owner}: pass exactly one of {names}; got {got}.\n"
        f"Choose one parametrisation, e.g. `{owner}({next(iter(candidates))}=...)`."
    )


def _construct(
    self: TypedDistribution[Any], *, validate_args: bool | None, **arguments: object
) -> None:
    """The body of every typed constructor (see `TypedDistribution._construct`)."""
    cls = type(self)
    owner = cls.__name__
    # The class's declaration, read at class creation: protected class
    # attributes, read here by the one function that constructs every class.
    parameters, options, one_of, declared = (
        cls._parameters,  # pyright: ignore[reportPrivateUsage]
        cls._options,  # pyright: ignore[reportPrivateUsage]
        cls._one_of,  # pyright: ignore[reportPrivateUsage]
        # Every name the class's `__init__` must pass on (read as above).
        cls._declared,  # pyright: ignore[reportPrivateUsage]
    )
    if arguments.keys() != declared:
        raise TypeError(
            f"{owner}.__init__ must pass each of its parameters to "
            f"_construct: declares {sorted(declared)}, passed {sorted(arguments)}."
        )
    if one_of:
        exactly_one(owner, **{name: arguments[name] for name in one_of})
    for option in options:
        value = arguments[option.name]
        if isinstance(value, Distribution | list | tuple):
            # `isinstance` narrows an `object` to `list[Unknown]`; any list is fine.
            arguments[option.name] = _typed_argument(owner, option.name, value)  # pyright: ignore[reportUnknownArgumentType]
    mode = get_validation()
    checked, dtype = check_arguments(
        owner, parameters, options, arguments, shapes=mode != "off"
    )
    dist = _build_numpyro(owner, cls, checked, dtype)
    validate = _validates(mode, validate_args)
    numbers: dict[str, np.ndarray[Any, Any]] = {}
    if validate:
        # Python numbers inside a trace are stored as the program's literals
        # (traced values); they are known, and checked as the numbers they are.
        numbers = {
            name: np.asarray(arguments[name], dtype=cast(jax.Array, value).dtype)
            for name, value in checked.items()
            if type(arguments[name]) in (int, float) and is_tracer(value)
        }
        check_values(owner, cls.numpyro_class.arg_constraints, checked | numbers, dist)
    stored = {
        name: _stored(dist, attribute, checked)
        for name, attribute in _numpyro_attributes(cls).items()
    }
    rebuild = False
    if dtype is not None and any(_other_float(v, dtype) for v in stored.values()):
        # NumPyro derived a field in another float dtype (e.g. `scale_tril`
        # from a precision matrix, in float64 under x64): store one dtype.
        stored = {
            name: v.astype(dtype) if _other_float(v, dtype) else v
            for name, v in stored.items()
        }
        rebuild = True
    if mode == "checked" and validate:
        guarded = _guarded(cls, stored, known=numbers.keys())
        rebuild = rebuild or guarded is not stored
        stored = guarded
    if rebuild:
        dist = _new_numpyro(cls, _by_numpyro_name(cls, stored))
    dist._validate_args = validate
    # The fields are known and the values checked: bypass Equinox's
    # `__setattr__` guards (they look for methods and jax-transformed
    # functions being assigned), as its own unflattening does.
    for name, value in stored.items():
        object.__setattr__(self, name, value)
    object.__setattr__(self, "_validate_args", validate)
    object.__setattr__(self, "_numpyro", dist)


def _numpyro_of(self: TypedDistribution[Any]) -> Any:
    """`self.to_numpyro()`, for the methods that delegate to it.

    A plain function: Equinox wraps every bound method it hands out in a
    `BoundMethod` module (so that methods are pytrees), which costs more than
    a delegated `log_prob` when it happens on every call.
    """
    dist = object.__getattribute__(self, "__dict__").get("_numpyro")
    if dist is None:
        # Rebuilt from leaves: the constructor did not check these fields.
        cls = type(self)
        fields = _fields(self)
        check_stored(cls.__name__, _field_kinds(cls), fields, numpyro_names(cls))
        # The static field, read here by the function every method delegates through.
        validate = self._validate_args  # pyright: ignore[reportPrivateUsage]
        if get_validation() == "checked" and validate:
            fields = _guarded(cls, fields)
        dist = _new_numpyro(cls, _by_numpyro_name(cls, fields))
        dist._validate_args = validate
        object.__setattr__(self, "_numpyro", dist)
    return dist


def _array(value: Any) -> Array:
    """A NumPyro method's result as a JAX array: itself when it is one (as it
    nearly always is; `jnp.asarray` would cost an eager dispatch)."""
    return value if isinstance(value, jax.Array) else jnp.asarray(value)


def _validates(mode: str, validate_args: bool | None) -> bool:
    """Whether values are checked: an explicit `validate_args` decides; else
    the mode ("checked": always, "off": never, "default": NumPyro's switch)."""
    if validate_args is not None:
        return validate_args
    if mode == "checked":
        return True
    if mode == "off":
        return False
    return validation_enabled(None)


def _guarded(
    cls: type[TypedDistribution[Any]],
    fields: dict[str, Any],
    known: Collection[str] = (),
) -> dict[str, Any]:
    """`fields` with each traced, constrained one tied to a run-time check
    ("checked" mode); `fields` itself when nothing is traced. The parameters
    named (by NumPyro's names) in `known` were checked at trace time."""
    names = numpyro_names(cls)
    traced = {k: v for k, v in fields.items() if is_tracer(v) and names[k] not in known}
    if not traced:
        return fields
    guarded = guard_traced(
        cls.__name__, cls.numpyro_class.arg_constraints, _by_numpyro_name(cls, traced)
    )
    return {k: guarded[names[k]] if k in traced else v for k, v in fields.items()}


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
            return _construct
        return functools.partial(_construct, obj)


class TypedDistribution(
    eqx.Module,
    _UnregisteredDistribution,
    Generic[D],
    metaclass=_TypedDistributionMeta,
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
    _parameters: ClassVar[tuple[ParameterSpec, ...]] = ()
    _options: ClassVar[tuple[OptionSpec, ...]] = ()
    _one_of: ClassVar[tuple[str, ...]] = ()
    _declared: ClassVar[frozenset[str]] = frozenset()
    """Names of an exclusive parametrisation: exactly one must be given."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        numpyro_class = _wrapped_numpyro_class(cls)
        if numpyro_class is None:
            return  # a generic intermediate base that wraps nothing yet
        cls.numpyro_class = numpyro_class
        cls.arg_constraints = numpyro_class.arg_constraints
        cls._parameters, cls._options = parameter_specs(cls.__init__)
        cls._declared = frozenset(
            [s.name for s in cls._parameters] + [o.name for o in cls._options]
        )
        # NumPyro computes some attributes lazily and caches them on the
        # instance, which a frozen module cannot hold: read them from the
        # wrapped NumPyro instance instead (declare them with `Derived` too,
        # for static type checkers).
        fields = {
            name
            for klass in cls.__mro__
            if isinstance(klass, _TypedDistributionMeta)
            for name in vars(klass).get("__annotations__", {})
        }
        for name in dir(numpyro_class):
            if (
                isinstance(getattr(numpyro_class, name, None), lazy_property)
                and name not in fields  # stored (e.g. Wishart's scale_tril)
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

    # -- NumPyro interop -----------------------------------------------------

    def to_numpyro(self) -> D:
        """Return the plain NumPyro distribution with this module's parameters.

        The parameters are the promoted JAX arrays stored here. The result is
        built once per instance (at construction, or on first use after a
        module is rebuilt from its leaves, e.g. inside `jax.jit`).
        """
        return cast(D, _numpyro_of(self))

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
        arguments = _numpyro_arguments(self)
        accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
        unknown = sorted(set(changes) - accepted)
        if unknown:
            raise TypeError(
                f"{cls.__name__}.replace: unknown parameter(s) {unknown}; "
                f"{cls.__name__} takes {sorted(accepted)}."
            )
        one_of = cls._one_of
        if one_of and any(name in changes for name in one_of):
            arguments = {k: v for k, v in arguments.items() if k not in one_of}
        arguments.update(changes)
        if "validate_args" in accepted and "validate_args" not in changes:
            arguments["validate_args"] = self._validate_args
        arguments = {k: v for k, v in arguments.items() if k in accepted}
        return cls(**arguments)

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
            if name.startswith("__") or name in numpyro_names(type(self)):
                raise AttributeError(name)  # not set yet: we are being built
            if "_numpyro" not in self.__dict__ and not _has_fields(self):
                raise AttributeError(name)
            return getattr(_numpyro_of(self), name)

    # -- NumPyro's wrappers, typed ---------------------------------------------

    def expand(self, batch_shape: Sequence[int]) -> Distribution:
        """This distribution broadcast to `batch_shape`, as in NumPyro.

        The result is a typed `ExpandedDistribution` (or `self` when nothing
        changes), so it stays an Equinox module with this one as a child.
        """
        return to_typed(super().expand(batch_shape))

    def to_event(self, reinterpreted_batch_ndims: int | None = None) -> Distribution:
        """Batch dimensions on the right as event dimensions (a typed `Independent`)."""
        return to_typed(super().to_event(reinterpreted_batch_ndims))

    def mask(self, mask: Array) -> MaskedDistribution:
        """`log_prob` zero where `mask` is False (a typed `MaskedDistribution`).

        `mask` is a bool array or a Python bool, as in NumPyro.
        """
        return cast(MaskedDistribution, to_typed(super().mask(mask)))

    # -- shapes and support ----------------------------------------------------

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(_numpyro_of(self).batch_shape)

    @property
    def event_shape(self) -> tuple[int, ...]:
        return tuple(_numpyro_of(self).event_shape)

    @property
    def support(self) -> constraints.Constraint[Any]:
        support: constraints.Constraint[Any] = _numpyro_of(self).support
        return support

    # NumPyro declares these as class attributes; here they are read from the
    # wrapped instance, hence properties (an override both checkers report).
    @property
    def has_enumerate_support(self) -> bool:  # type: ignore[override]  # pyright: ignore[reportIncompatibleVariableOverride]
        return bool(_numpyro_of(self).has_enumerate_support)

    # Likewise (a class attribute in NumPyro, read from the instance here).
    @property
    def reparametrized_params(self) -> list[str]:  # type: ignore[override]  # pyright: ignore[reportIncompatibleVariableOverride]
        return list(_numpyro_of(self).reparametrized_params)

    @property
    def has_rsample(self) -> bool:
        return bool(_numpyro_of(self).has_rsample)

    # -- sampling and densities -------------------------------------------------

    def sample(
        self, key: jax.Array | None, sample_shape: tuple[int, ...] = ()
    ) -> Array:
        return _array(_numpyro_of(self).sample(key, sample_shape))

    def sample_with_intermediates(
        self, key: jax.Array | None, sample_shape: tuple[int, ...] = ()
    ) -> tuple[Array, list[Any]]:
        value, intermediates = _numpyro_of(self).sample_with_intermediates(
            key, sample_shape
        )
        return jnp.asarray(value), intermediates

    def log_prob(
        self, value: ArrayLike, intermediates: list[Any] | None = None
    ) -> Array:
        """The log-density (or log-mass) of `value`, NumPyro's.

        **Raises:** `ValueTypeError` (a `TypeError`) for a value that is not
        a real number or array (a string, `None`, a complex or float0 array).
        """
        check_value(type(self).__name__, "log_prob", value)
        dist = _numpyro_of(self)
        if intermediates is None:
            return _array(dist.log_prob(value))
        return _array(dist.log_prob(value, intermediates))

    def _validate_sample(self, value: Any) -> Any:
        return _numpyro_of(self)._validate_sample(value)

    @property
    def mean(self) -> Array:
        return _array(_numpyro_of(self).mean)

    @property
    def variance(self) -> Array:
        return _array(_numpyro_of(self).variance)

    @property
    def mode(self) -> Array:
        return _array(_numpyro_of(self).mode)

    def entropy(self) -> Array:
        return _array(_numpyro_of(self).entropy())

    def cdf(self, value: ArrayLike) -> Array:
        check_value(type(self).__name__, "cdf", value)
        return _array(_numpyro_of(self).cdf(value))

    def icdf(self, q: ArrayLike) -> Array:
        check_value(type(self).__name__, "icdf", q)
        return _array(_numpyro_of(self).icdf(q))

    def enumerate_support(self, expand: bool = True) -> Array:
        return _array(_numpyro_of(self).enumerate_support(expand))


def _stored(dist: Distribution, name: str, checked: dict[str, Any]) -> Any:
    """The value to store for NumPyro's constructor argument `name`.

    What NumPyro stored under that name (after its own broadcasting or
    conversion, e.g. MVN's `scale_tril` from a covariance), or, where NumPyro
    keeps no attribute of that name (ExpandedDistribution's `batch_shape`,
    BetaProportion's `mean`), the checked argument itself.
    """
    stored = dist.__dict__
    if name in stored:
        return stored[name]
    if name in checked:
        return checked[name]
    return getattr(dist, name)


def _fields(self: TypedDistribution[Any]) -> dict[str, Any]:
    """The stored fields, by field name."""
    return {name: getattr(self, name) for name in numpyro_names(type(self))}


def _by_numpyro_name(cls: type, fields: dict[str, Any]) -> dict[str, Any]:
    """Fields keyed by NumPyro's argument names (`_given_mean` -> `mean`)."""
    names = numpyro_names(cls)
    return {names[name]: value for name, value in fields.items()}


def _numpyro_arguments(self: TypedDistribution[Any]) -> dict[str, Any]:
    """The NumPyro constructor's keyword arguments, from the stored fields."""
    return _by_numpyro_name(type(self), _fields(self))


def _new_numpyro(cls: type[TypedDistribution[Any]], kwargs: dict[str, Any]) -> Any:
    """Build the wrapped NumPyro distribution without NumPyro's value checks.

    The typed constructor checks the values itself (when validation is on), so
    that a violation is a `ParameterValueError` naming the typed parameter;
    rebuilding from stored, already-checked fields needs no check. NumPyro
    classes that build an inner distribution (NegativeBinomialProbs builds a
    Gamma, Pareto an Exponential) do not pass `validate_args` on, so NumPyro's
    global switch is turned off for the duration of their build as well, and
    the inner distributions then get the setting NumPyro would have given
    them. A class's first build tells which classes those are: they keep the
    inner distribution as an attribute.
    """
    numpyro_class = cls.numpyro_class
    if _builds_inner.get(numpyro_class) is False:
        # Setting NumPyro's switch (a class attribute) costs more than
        # building a Normal; classes that build nothing inside do without.
        return _call_numpyro(numpyro_class, kwargs)
    with numpyro_validation_off():
        dist = _call_numpyro(numpyro_class, kwargs)
        setting = validation_enabled(None)  # the user's, saved while off
    inner = _inner_distributions(dist, kwargs)
    _builds_inner.setdefault(numpyro_class, bool(inner))
    for built in inner:
        # What NumPyro gives them: its global setting. With it on, their
        # `log_prob` returns -inf outside the support, as in NumPyro.
        built._validate_args = setting
    return dist


_builds_inner: dict[type, bool] = {}
"""Whether a NumPyro class builds inner distributions (learnt on first build)."""


def _inner_distributions(dist: Distribution, given: dict[str, Any]) -> list[Any]:
    """The NumPyro distributions a NumPyro instance built and keeps, at any
    depth (NumPyro's HalfNormal keeps a Normal, StudentT a Chi2, LogNormal its
    base); not those it was given, nor typed ones (a typed base's `.expand`),
    which their own constructor set up."""
    seen = {id(v) for v in given.values()}
    for value in given.values():
        if isinstance(value, list):
            seen |= {id(item) for item in cast(list[object], value)}
    found: list[Any] = []
    stack: list[object] = [dist]
    while stack:
        for value in vars(stack.pop()).values():
            items = cast(
                "list[object] | tuple[object, ...]",
                value if isinstance(value, list | tuple) else (value,),
            )
            for item in items:
                if (
                    isinstance(item, Distribution)
                    and not isinstance(item, TypedDistribution)
                    and id(item) not in seen
                ):
                    seen.add(id(item))
                    found.append(item)
                    stack.append(item)
    return found


def _call_numpyro(numpyro_class: type[Distribution], kwargs: dict[str, Any]) -> Any:
    new = cast(Callable[..., Distribution], numpyro_class)
    if _takes_validate_args(numpyro_class):
        return new(**kwargs, validate_args=False)
    return new(**kwargs)  # e.g. ExpandedDistribution, MaskedDistribution


@functools.cache
def _takes_validate_args(numpyro_class: type) -> bool:
    return "validate_args" in inspect.signature(numpyro_class).parameters


def _has_fields(self: TypedDistribution[Any]) -> bool:
    return all(name in self.__dict__ for name in numpyro_names(type(self)))


def _other_float(value: object, dtype: np.dtype[Any]) -> bool:
    return (
        isinstance(value, jax.Array)
        and value.dtype != dtype
        and jnp.issubdtype(value.dtype, jnp.floating)
    )


def _build_numpyro(
    owner: str,
    cls: type[TypedDistribution[Any]],
    checked: dict[str, Any],
    dtype: np.dtype[Any] | None,
) -> Any:
    """Build the NumPyro distribution; explain half-precision failures.

    XLA has no float16/bfloat16 Cholesky on CPU, so NumPyro cannot build a
    `MultivariateNormal` from a half-precision covariance: say so, and how to
    fix the call, instead of surfacing a backend error.
    """
    try:
        return _new_numpyro(cls, checked)
    except (ValueError, AssertionError) as error:
        # NumPyro's own argument checks (Delta's `event_dim` beyond `v`, an
        # `assert` on SineSkewed's `skewness` against its base's event shape).
        given = ", ".join(f"`{name}`" for name in checked)
        raise ParameterValueError(
            f"{owner}: NumPyro rejected the arguments {given}: {error}"
        ) from error
    except (TypeError, NotImplementedError) as error:
        if dtype is None or dtype.itemsize >= 4:
            raise
        raise ParameterTypeError(
            f"{owner}: NumPyro cannot build this distribution from {dtype} "
            f"parameters ({type(error).__name__}: {error}).\nPass float32 or "
            "float64 arrays, e.g. `x.astype(jnp.float32)`."
        ) from error


_NUMPYRO_NAMES: dict[type, dict[str, str]] = {}
_ATTRIBUTES: dict[type, dict[str, str]] = {}
_NAME_KEY = "typed_dists.numpyro_name"
_ATTRIBUTE_KEY = "typed_dists.numpyro_attribute"


def numpyro_names(cls: type) -> dict[str, str]:
    """Each stored field of a typed class and NumPyro's argument name for it.

    In declaration order. The names are the same unless a field is declared
    with `numpyro_field`.
    """
    try:
        return _NUMPYRO_NAMES[cls]
    except KeyError:
        names = {
            f.name: f.metadata.get(_NAME_KEY, f.name)
            for f in dataclasses.fields(cls)
            if f.name != "_validate_args"
        }
        _NUMPYRO_NAMES[cls] = names
        return names


_FIELD_KINDS: dict[type, dict[str, tuple[Any, bool]]] = {}


def _field_kinds(cls: type) -> dict[str, tuple[Any, bool]]:
    """Each array field's kind, read once per class (annotations resolve late)."""
    kinds = _FIELD_KINDS.get(cls)
    if kinds is None:
        kinds = _FIELD_KINDS[cls] = field_kinds(cls)
    return kinds


def _numpyro_attributes(cls: type) -> dict[str, str]:
    """Each stored field and the NumPyro attribute it is read from."""
    try:
        return _ATTRIBUTES[cls]
    except KeyError:
        names = {
            f.name: f.metadata.get(_ATTRIBUTE_KEY, f.metadata.get(_NAME_KEY, f.name))
            for f in dataclasses.fields(cls)
            if f.name != "_validate_args"
        }
        _ATTRIBUTES[cls] = names
        return names


def field_names(cls: type) -> tuple[str, ...]:
    """The stored parameters and options of a typed class, in declaration order."""
    return tuple(numpyro_names(cls))


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
    metadata = {_NAME_KEY: name}
    if attribute is not None:
        metadata[_ATTRIBUTE_KEY] = attribute
    return eqx.field(static=static, metadata=metadata)


def is_typed(dist: object) -> TypeGuard[TypedDistribution[Any]]:
    """Whether `dist` is a typed distribution (of any class)."""
    return isinstance(dist, TypedDistribution)


def to_typed(dist: Distribution) -> Distribution:
    """The typed counterpart of a NumPyro distribution, checked; else `dist`.

    A typed distribution, and a NumPyro distribution of a class typed_dists
    does not wrap (a user's own), are returned unchanged.

    **Raises:** `ParameterTypeError` / `ParameterValueError` if the
    distribution's parameters do not pass the typed constructor's checks.
    """
    if is_typed(dist):
        return dist
    typed_class: Any = lookup(type(dist))
    if typed_class is None:
        return dist
    names = numpyro_names(typed_class)
    values = {
        names[field]: getattr(dist, attribute)
        for field, attribute in _numpyro_attributes(typed_class).items()
    }
    if _takes_validate_args(typed_class):
        # NumPyro keeps an instance's setting private, with no public getter.
        values["validate_args"] = dist._validate_args  # pyright: ignore[reportPrivateUsage]
    typed: Distribution = typed_class(**values)
    return typed


def _typed_argument(owner: str, name: str, value: object) -> object:
    """Convert NumPyro distributions given as an argument (or in a list) to typed.

    So that a NumPyro base distribution with integer parameters is rejected
    as its typed counterpart would be, instead of reintroducing the float0
    gradients typed_dists exists to prevent.
    """
    try:
        if isinstance(value, Distribution):
            return to_typed(value)
        items = cast(list[object] | tuple[object, ...], value)
        if not any(isinstance(v, Distribution) for v in items):
            return value
        converted = [to_typed(v) if isinstance(v, Distribution) else v for v in items]
        return type(items)(converted)
    except (ParameterTypeError, ParameterValueError) as error:
        raise type(error)(
            f"{owner}: argument `{name}` holds a NumPyro distribution that its "
            f"typed counterpart rejects:\n{error}"
        ) from error


class Derived(Generic[T]):
    """A read-only attribute that NumPyro derives from the stored parameters.

    For example `MultivariateNormal.covariance_matrix` when the distribution
    stores `scale_tril`, or `BernoulliProbs.logits`. Reading it asks the NumPyro
    distribution, so the value is exactly NumPyro's.

    ```python
    import numpyro.distributions as dist
    from jaxtyping import Array, Float

    import typed_dists as td


    class Probs(td.TypedDistribution[dist.BernoulliProbs]):
        probs: Float[Array, "*#batch"]
        logits = td.Derived[Float[Array, "*#batch"]]()  # NumPyro computes it

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
        value = getattr(_numpyro_of(obj), self.name)
        if isinstance(value, Distribution):
            # An inner distribution (a LogNormal's `base_dist`): typed, so that
            # code handed it (reparametrisers, users) gets a typed one too.
            value = to_typed(value)
        return cast(T, value)
