"""The metaclass, and every name typed_dists takes from beyond a public API.

Everything here that reads another library's private or unexported names is
feature-detected: when a release removes one, typed_dists still imports and
works through the public fallback written beside it (slower, never wrong).
`UPSTREAM_NAMES` lists each name, why it is used and what replaces it, and the
canary test (`tests/core/test_upstream.py`) fails when one disappears.

This module imports nothing from typed_dists: the policy and the core both
build on it.
"""

from __future__ import annotations

import dataclasses
import importlib
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import equinox as eqx
import numpy as np
import numpyro.distributions as nd
from numpyro.distributions import Distribution

__all__ = [
    "UPSTREAM_NAMES",
    "TypedDistributionMeta",
    "UnregisteredDistribution",
    "coercions",
    "HurdleNegativeBinomial2Base",
    "LazyPropertyBase",
    "is_lazy_attribute",
    "numpyro_default_validation",
    "numpyro_handlers_active",
    "numpyro_instance_validation",
    "set_numpyro_instance_validation",
    "trace_state_clean",
    "wrapped_numpyro_class",
]


class UpstreamName(NamedTuple):
    """One name taken from beyond another library's public API."""

    library: str
    name: str  # dotted, as it is looked up
    why: str
    fallback: str  # what typed_dists does when the name is gone
    present: bool
    # False when the installed release predates what the name serves (see
    # `_versions`): then it is neither used nor expected.
    needed: bool = True


def _lookup(module: str, name: str) -> Any:
    """`module.name`, or `None` when either is gone."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


# --- Equinox ---------------------------------------------------------------

if TYPE_CHECKING:
    # Equinox does not export its Module metaclass, which ours must extend; at
    # run time it is `type(eqx.Module)`, so only type checkers read this name.
    from equinox._module._module import (
        _ModuleMeta,  # pyright: ignore[reportPrivateUsage]
    )
else:
    _ModuleMeta = type(eqx.Module)

# --- NumPyro ---------------------------------------------------------------

if TYPE_CHECKING:
    from numpyro.distributions.distribution import (
        DistributionMeta as _DistributionMeta,
    )
else:
    _DistributionMeta = type(Distribution)  # NumPyro does not export it

_COERCIONS: list[Callable[..., Any]] | None = _lookup(
    "numpyro.distributions.distribution", "COERCIONS"
)


def coercions() -> list[Callable[..., Any]] | None:
    """NumPyro's construction hooks (its `collapse` handler registers one),
    which typed construction must run as NumPyro's metaclass does; `None`
    when NumPyro no longer has the list, and construction then goes through
    NumPyro's own metaclass (and Equinox's), which runs them."""
    return _COERCIONS


_lazy_property: type | None = _lookup("numpyro.distributions.util", "lazy_property")

if TYPE_CHECKING:
    # For type checkers only: NumPyro declares the attributes it computes on
    # first use as `lazy_property`s; `Derived`, which overrides them, is one
    # for checkers (at run time it is a descriptor of its own).
    from numpyro.distributions.util import (
        lazy_property as LazyPropertyBase,  # noqa: N812  (the class is lowercase)
    )
else:

    class LazyPropertyBase:
        """Nothing at run time: `Derived` is a descriptor of its own."""


def is_lazy_attribute(attribute: object) -> bool:
    """Whether a NumPyro class attribute caches its value on the instance
    (NumPyro's `lazy_property`), which a frozen module cannot hold.

    Without NumPyro's class, any non-data descriptor other than a function or
    method is taken for one: reading it through the wrapped instance is
    always right.
    """
    if _lazy_property is not None:
        return isinstance(attribute, _lazy_property)
    kind = type(attribute)
    return (
        hasattr(kind, "__get__")
        and not hasattr(kind, "__set__")
        and not isinstance(attribute, _METHODS)
    )


_METHODS = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    staticmethod,
    classmethod,
)


_VALIDATE = "_validate_args"
_HAS_VALIDATE = _VALIDATE in vars(Distribution)


def numpyro_default_validation() -> bool:
    """NumPyro's global validation switch (`numpyro.enable_validation`).

    NumPyro has a setter and no getter: read its class attribute, or, without
    it, ask NumPyro's behaviour (whether a default-validated distribution
    rejects an invalid parameter).
    """
    if _HAS_VALIDATE:
        return bool(getattr(Distribution, _VALIDATE))
    try:
        nd.Bernoulli(probs=np.float32(2.0))
    except ValueError:
        return True
    return False


def numpyro_instance_validation(dist: Distribution) -> bool | None:
    """A NumPyro instance's own `validate_args` (no public getter), as NumPyro
    uses it: `None` when it was built without one and so follows NumPyro's
    global switch, as a typed distribution given `None` does (`None` too
    where it cannot be read). An instance NumPyro unflattened from one built
    without a setting holds `None` itself, which NumPyro takes as off."""
    if not _HAS_VALIDATE:
        return None
    own = vars(dist)
    if _VALIDATE not in own:
        return None
    return bool(own[_VALIDATE])


def set_numpyro_instance_validation(dist: Distribution, validate: bool) -> bool:
    """Set a NumPyro instance's validation after it was built with
    `validate_args=False`; return whether it could be set. Callers without it
    build the instance with `validate_args=validate` instead."""
    if not _HAS_VALIDATE:
        return False
    setattr(dist, _VALIDATE, validate)
    return True


_HURDLE_NB2: type[Distribution] | None = _lookup(
    "numpyro.distributions.conjugate", "_HurdleNegativeBinomial2"
)


_HAS_HURDLE_NB2 = hasattr(nd, "HurdleNegativeBinomial2")  # NumPyro >= 0.22


def _hurdle_negative_binomial2_class() -> type[Distribution] | None:
    """The count distribution that NumPyro's `HurdleNegativeBinomial2` factory
    puts behind its hurdle (a private class): by name, else the class of what
    the public factory builds; `None` on a NumPyro without the factory."""
    if _HURDLE_NB2 is not None:
        return _HURDLE_NB2
    if not _HAS_HURDLE_NB2:
        return None
    built = nd.HurdleNegativeBinomial2(0.5, 1.0, 1.0, validate_args=False)
    return cast(type[Distribution], type(cast(Any, built).base_dist))


if TYPE_CHECKING:
    # For type checkers only, the private class by name (the base below).
    from numpyro.distributions.conjugate import (
        _HurdleNegativeBinomial2,  # pyright: ignore[reportPrivateUsage]
    )

    # What type checkers see: the class itself at run time (`None` before
    # NumPyro 0.22, which has no hurdle models).
    class HurdleNegativeBinomial2Base(_HurdleNegativeBinomial2): ...

else:
    HurdleNegativeBinomial2Base = _hurdle_negative_binomial2_class()


_PYRO_STACK: list[Any] | None = _lookup("numpyro.primitives", "_PYRO_STACK")


def numpyro_handlers_active() -> bool:
    """Whether a NumPyro effect handler is active (`seed`, `substitute`,
    `trace`, ...: NumPyro's inference machinery running a model eagerly, as
    its initialisation strategies do). Without NumPyro's handler stack, it
    says `True`: callers then take NumPyro's own path."""
    return True if _PYRO_STACK is None else bool(_PYRO_STACK)


# --- JAX -------------------------------------------------------------------

_trace_state_clean: Callable[[], bool] | None = _lookup(
    "jax._src.core", "trace_state_clean"
)


def trace_state_clean() -> bool | None:
    """Whether no JAX trace is active (eager code), or `None` when JAX no
    longer says: callers then convert Python numbers afresh each time."""
    return None if _trace_state_clean is None else _trace_state_clean()


UPSTREAM_NAMES: tuple[UpstreamName, ...] = (
    UpstreamName(
        "equinox",
        "equinox._module._module._ModuleMeta",
        "the Module metaclass our metaclass extends, named for type checkers "
        "only (at run time it is type(eqx.Module))",
        "none needed at run time",
        _lookup("equinox._module._module", "_ModuleMeta") is type(eqx.Module),
    ),
    UpstreamName(
        "numpyro",
        "numpyro.distributions.distribution.COERCIONS",
        "NumPyro's construction hooks, run by typed construction",
        "construction through NumPyro's and Equinox's metaclasses",
        _COERCIONS is not None,
    ),
    UpstreamName(
        "numpyro",
        "numpyro.distributions.util.lazy_property",
        "attributes NumPyro caches on its instances, which typed classes read "
        "from the wrapped instance instead",
        "every non-data descriptor of the NumPyro class",
        _lazy_property is not None,
    ),
    UpstreamName(
        "numpyro",
        "numpyro.distributions.Distribution._validate_args",
        "NumPyro's global validation switch and each instance's setting "
        "(no public getter)",
        "ask NumPyro's behaviour; build instances with validate_args",
        _HAS_VALIDATE,
    ),
    UpstreamName(
        "numpyro",
        "numpyro.distributions.conjugate._HurdleNegativeBinomial2",
        "the class typed HurdleNegativeBinomial2 wraps",
        "the class NumPyro's public factory builds",
        _HURDLE_NB2 is not None,
        needed=_HAS_HURDLE_NB2,
    ),
    UpstreamName(
        "numpyro",
        "numpyro.primitives._PYRO_STACK",
        "whether NumPyro's effect handlers are running a model (then eager "
        "methods are NumPyro's own, operation by operation, so that inference "
        "gives NumPyro's figures bit for bit)",
        "eager methods always run operation by operation",
        _PYRO_STACK is not None,
    ),
    UpstreamName(
        "jax",
        "jax._src.core.trace_state_clean",
        "whether a Python number may come from the cache of constant arrays "
        "(eager) or must be a literal of the program being traced",
        "convert Python numbers afresh each time",
        _trace_state_clean is not None,
    ),
)


# --- The metaclass ---------------------------------------------------------


class UnregisteredDistribution(Distribution):
    """NumPyro's `Distribution` without its pytree registration of subclasses.

    NumPyro registers every subclass as a pytree in `__init_subclass__`;
    Equinox registers every Module the same way, and JAX refuses a second
    registration. Equinox's (the fields of the module) is the one kept.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super(Distribution, cls).__init_subclass__(**kwargs)


# ignore[override]: `__signature__` is a property on Equinox's metaclass and an
# attribute on NumPyro's; the property is kept (see `__init__` below).
class TypedDistributionMeta(_ModuleMeta, _DistributionMeta):  # type: ignore[override]
    """Equinox's Module metaclass combined with NumPyro's.

    `DistributionMeta.__init__` only caches `cls.__signature__`, which
    Equinox's metaclass already derives from `__init__` (as a read-only
    property), so it is skipped; once Equinox has made the class a dataclass,
    the class's `_finish_class` hook reads its declaration.

    A class declared as `Base[numpyro.distributions.X]` also gets `X` as its
    last base, so that `isinstance(typed, X)` holds: NumPyro checks specific
    classes in places (a mixture's mixing distribution must be a
    `Categorical`, truncation and KL rules look for `Normal`), and so may user
    code. `TypedDistribution`'s methods come first in the MRO, so every method
    still delegates to a real NumPyro instance.

    Construction (`__call__`) runs NumPyro's coercion hooks, then the class's
    `__init__` on a new instance, whose `_construct` sets every field; then the
    class's `__check_init__` methods. Equinox's own `Module.__call__` does the
    same for a module that assigns its fields itself, with per-construction
    checks (was each field set, a converter to run, a JAX array in a static
    field) that a typed class answers once, in its record. A class the record
    cannot vouch for (converters, a dataclass-generated `__init__`, an
    abstract class) goes through Equinox's and NumPyro's metaclasses.
    """

    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        /,
        **kwargs: Any,
    ) -> type:
        wrapped = wrapped_numpyro_class(namespace.get("__orig_bases__", ()))
        if wrapped is not None:
            _check_numpyro_bases(name, wrapped, bases)
            if not any(issubclass(b, wrapped) for b in bases):
                bases = (*bases, wrapped)
        if "__init__" in namespace:
            # Which `__init__` a typed class wrote (not one dataclasses made).
            namespace["_written_init"] = namespace["__init__"]
        new = cast(Callable[..., type], super().__new__)
        return new(mcs, name, bases, namespace, **kwargs)

    def __init__(cls, *args: Any, **kwargs: Any) -> None:
        super(_DistributionMeta, cls).__init__(*args, **kwargs)
        cast(Any, cls)._finish_class()

    if not TYPE_CHECKING:
        # Hidden from type checkers, which would read the return type of a
        # metaclass `__call__` as the type of every constructor call.

        def __call__(cls, *args: Any, **kwargs: Any) -> Any:
            record = cls._record
            hooks = _COERCIONS
            if not record.own_construction or hooks is None:
                return super().__call__(*args, **kwargs)
            for coerce in hooks:
                result = coerce(cls, args, kwargs)
                if result is not None:
                    return result
            self = object.__new__(cls)
            try:
                cls.__init__(self, *args, **kwargs)
            except dataclasses.FrozenInstanceError as error:
                raise dataclasses.FrozenInstanceError(
                    f"{cls.__name__}.__init__ assigns to `self`: typed "
                    "distributions set their fields through "
                    f"`self._construct(...)` ({error})."
                ) from error
            record.finish(self)
            return self


def _check_numpyro_bases(
    name: str, wrapped: type[Distribution], bases: tuple[type, ...]
) -> None:
    """A NumPyro class listed as a base (so that type checkers see the typed
    class as one) must be the wrapped class, or one of its bases.

    **Raises:** `TypeError` naming both classes.
    """
    for base in bases:
        if (
            isinstance(base, TypedDistributionMeta)
            or not issubclass(base, Distribution)
            or issubclass(wrapped, base)
        ):
            continue
        raise TypeError(
            f"{name} wraps {wrapped.__name__} but lists {base.__name__} as a "
            f"base: list the class it wraps, `class {name}(..., "
            f"{wrapped.__name__})`."
        )


def wrapped_numpyro_class(orig_bases: tuple[Any, ...]) -> type[Distribution] | None:
    """The NumPyro class named by a subscripted base, e.g. `Base[nd.Normal]`.

    The base may be `TypedDistribution` itself or a generic intermediate such
    as a location-scale family declared once for several distributions.
    """
    for base in orig_bases:
        if isinstance(typing.get_origin(base), TypedDistributionMeta):
            (arg,) = typing.get_args(base)
            if isinstance(arg, type) and issubclass(arg, Distribution):
                return arg
    return None
