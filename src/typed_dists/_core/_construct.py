"""The construction pipeline, the body of every typed constructor.

One construction goes: the `__init__` arguments -> `classify` each -> check
its kind and dtype (the policy) and its shape (beartype, through jaxtyping)
-> promote the float parameters to one dtype -> check concrete values
against NumPyro's constraints (when validation is on) -> build the NumPyro
distribution -> store its parameters as this module's fields. Every step
reads the class's record (`_record`), built once per class.

A module rebuilt from its leaves (`jax.tree.map`, `eqx.tree_at`, a gradient,
unflattening inside `jax.jit`) skipped all of that: `numpyro_of` checks its
fields' dtypes and builds its NumPyro instance on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, cast

import jax
import jax.numpy as jnp
import numpy as np
from numpyro.distributions import Distribution

from .._interop._convert import is_typed, to_typed
from .._policy import (
    ParameterAssertionError,
    ParameterTypeError,
    ParameterValueError,
    check_arguments,
    check_stored,
    check_values,
    get_validation,
    guard_traced,
    host_constant,
    is_tracer,
    located,
    numpyro_validation_off,
    validation_enabled,
)
from ._inner import inner_distributions
from ._meta import set_numpyro_instance_validation, trace_state_clean
from ._methods import eager_call
from ._record import VALIDATE_FIELD, ClassRecord, record_of

if TYPE_CHECKING:
    from ._distribution import TypedDistribution

__all__ = [
    "construct",
    "exactly_one",
    "frozen_message",
    "numpyro_arguments",
    "numpyro_attribute",
    "numpyro_of",
    "rebuilt_numpyro",
    "set_instance_validation",
]


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


def construct(
    self: TypedDistribution[Any], *, validate_args: bool | None, **arguments: object
) -> None:
    """The body of every typed constructor (see `TypedDistribution._construct`)."""
    record = record_of(type(self))
    owner = record.owner
    if record.numpyro_class is None:
        raise TypeError(
            f"{owner} wraps no NumPyro class: it is a base to declare "
            f"distributions with (`class X({owner}[numpyro.distributions.X])`)."
        )
    if arguments.keys() != record.declared:
        raise TypeError(
            f"{owner}.__init__ must pass each of its parameters to "
            f"_construct: declares {sorted(record.declared)}, passed "
            f"{sorted(arguments)}."
        )
    if record.one_of:
        exactly_one(owner, **{name: arguments[name] for name in record.one_of})
    for option in record.options:
        value = arguments[option.name]
        if isinstance(value, Distribution | list | tuple):
            # `isinstance` narrows an `object` to `list[Unknown]`; any list is fine.
            arguments[option.name] = _typed_argument(owner, option.name, value)  # pyright: ignore[reportUnknownArgumentType]
    mode = get_validation()
    checked, dtype = check_arguments(
        owner,
        record.parameters,
        record.options,
        arguments,
        record.accepted,
        shapes=mode != "off",
    )
    host = _host_numbers(record, arguments, checked)
    dist = _build_numpyro(record, checked | host, dtype)
    validate = _validates(mode, validate_args)
    numbers: dict[str, np.ndarray[Any, Any]] = {}
    if validate:
        # Python numbers inside a trace are stored as the program's literals
        # (traced values); they are known, and checked as the numbers they are.
        numbers = {
            name: np.asarray(arguments[name], dtype=cast(jax.Array, value).dtype)
            for name, value in checked.items()
            if type(arguments[name]) in _NUMBERS and is_tracer(value)
        }
        values = {
            name: _as_checked(arguments[name], value) for name, value in checked.items()
        }
        _check_values(record, arguments, values | numbers, dist)
    stored = {
        name: _stored(dist, attribute, checked)
        for name, attribute in record.attributes.items()
    }
    rebuild = False
    if host and any(isinstance(v, np.ndarray) for v in stored.values()):
        # NumPyro kept (or reshaped) the NumPy arrays it was given: store JAX.
        stored = {name: _on_device(v) for name, v in stored.items()}
        rebuild = True
    if dtype is not None and any(_other_float(v, dtype) for v in stored.values()):
        # NumPyro derived a field in another float dtype (e.g. `scale_tril`
        # from a precision matrix, in float64 under x64): store one dtype.
        stored = {
            name: v.astype(dtype) if _other_float(v, dtype) else v
            for name, v in stored.items()
        }
        rebuild = True
    if mode == "checked" and validate:
        guarded = _guarded(record, stored, known=numbers.keys())
        rebuild = rebuild or guarded is not stored
        stored = guarded
    kwargs = checked
    if rebuild:
        kwargs = _by_numpyro_name(record, stored)
        dist = new_numpyro(record, kwargs)
    dist = _with_validation(record, dist, validate, kwargs)
    # The fields are known and the values checked: bypass Equinox's
    # `__setattr__` guards (they look for methods and jax-transformed
    # functions being assigned), as its own unflattening does.
    for name, value in stored.items():
        object.__setattr__(self, name, value)
    for name, read in record.bookkeeping.items():
        object.__setattr__(self, name, read(dist))
    object.__setattr__(self, "_validate_args", validate)
    object.__setattr__(self, "_numpyro", dist)


def _host_numbers(
    record: ClassRecord, arguments: dict[str, object], checked: dict[str, Any]
) -> dict[str, np.ndarray[Any, Any]]:
    """Parameters given as Python numbers, as NumPy 0-d arrays of the dtype
    they are stored in, for NumPyro to build from eagerly when other
    parameters are arrays.

    NumPyro's `promote_shapes` gives a parameter with fewer dimensions than
    the others leading 1s: with NumPy when it is a number or a NumPy array,
    with an eager JAX operation (about 40 us) when it is a JAX array, as the
    cached 0-d array of a number is. `Normal(loc, 1.0)` and `Binomial(10,
    probs=p)` therefore build NumPyro's object from NumPy arrays, as NumPyro's
    own construction from the numbers does; `construct` stores the result as
    JAX arrays (`host_constant`). Empty inside a trace (numbers are literals
    of the program there) and when every parameter is a number (nothing is
    reshaped).
    """
    names: list[str] = []
    arrays = False
    for spec in record.parameters:
        given = arguments[spec.name]
        if type(given) in _NUMBERS:
            names.append(spec.name)
        elif given is not None:
            arrays = True
    if not (names and arrays) or trace_state_clean() is not True:
        return {}
    # The cached array's values (NumPy's cast of a number beyond the dtype's
    # range would warn), read once: JAX keeps an array's host copy.
    return {name: np.asarray(checked[name]) for name in names}


def _on_device(value: Any) -> Any:
    """A stored field NumPyro kept as NumPy (see `_host_numbers`) as a JAX
    array; any other value as it is."""
    if isinstance(value, np.ndarray):
        return host_constant(cast(Any, value))  # an `ndarray[Unknown]` here
    return value


def _as_checked(given: object, stored: object) -> object:
    """The values a stored parameter holds, read without waiting for its
    conversion: a NumPy argument converted on the host (NumPy rounds as the
    transfer to JAX does), a JAX argument whose conversion only made it
    strongly typed as it is; else the stored array."""
    if not isinstance(stored, jax.Array):
        return stored
    if type(given) is np.ndarray and given.dtype != stored.dtype:
        return given.astype(stored.dtype)
    if type(given) is np.ndarray or (
        isinstance(given, jax.Array) and given.dtype == stored.dtype
    ):
        return given
    return stored


_NUMBERS = (int, float)
_MAX_NUMBERS = 4096


def _check_values(
    record: ClassRecord,
    arguments: dict[str, object],
    values: dict[str, Any],
    dist: Any,
) -> None:
    """`check_values` of `values`, minus parameters given as Python numbers
    this class has already found valid: the verdict on `scale=1.0` depends
    only on the number and the dtype it is stored in (NumPyro's broadcast of
    it against the others is the same number), and checking it again costs
    more than building the NumPyro object."""
    valid = record.valid_numbers
    numbers = {
        name: (name, given, dtype)
        for name, value in values.items()
        if type(given := arguments.get(name)) in _NUMBERS
        and (dtype := getattr(value, "dtype", None)) is not None
    }
    unknown = {
        k: v for k, v in values.items() if k not in numbers or numbers[k] not in valid
    }
    if unknown:
        check_values(
            record.owner,
            cast("type[Distribution]", record.numpyro_class).arg_constraints,
            unknown,
            dist,
        )
    if len(valid) >= _MAX_NUMBERS:
        valid.clear()
    valid.update(numbers.values())


def numpyro_of(self: TypedDistribution[Any]) -> Any:
    """`self.to_numpyro()`, for the methods that delegate to it.

    A plain function: Equinox wraps every bound method it hands out in a
    `BoundMethod` module (so that methods are pytrees), which costs more than
    a delegated `log_prob` when it happens on every call.

    **Raises:** `ParameterTypeError` for a module rebuilt from its leaves
    whose fields hold the wrong kind (an integer array in a float field).
    """
    dist = object.__getattribute__(self, "__dict__").get("_numpyro")
    if dist is None:
        # Rebuilt from leaves: the constructor did not check these fields.
        record = record_of(type(self))
        fields = _fields(record, self)
        check_stored(record.owner, record.field_kinds(), fields, record.names)
        # The static field, read here by the function every method delegates through.
        validate = self._validate_args  # pyright: ignore[reportPrivateUsage]
        if get_validation() == "checked" and validate:
            fields = _guarded(record, fields)
        dist = rebuilt_numpyro(self, fields)
        object.__setattr__(self, "_numpyro", dist)
    return dist


def rebuilt_numpyro(
    self: TypedDistribution[Any], fields: dict[str, Any] | None = None
) -> Any:
    """A new NumPyro instance built from `fields` (by default the module's
    own), without checking them.

    `numpyro_of` gives it the fields it has checked (and, in mode "checked",
    guarded); the compiled eager methods (`_methods`) trace it from the arrays
    of a module `numpyro_of` has already checked eagerly.
    """
    record = record_of(type(self))
    if fields is None:
        fields = _fields(record, self)
    # The static field and the class's hook, read as plain attributes (no
    # `BoundMethod`).
    validate = self._validate_args  # pyright: ignore[reportPrivateUsage]
    # (the hook adapts the arguments of a class whose static fields describe
    # its leaves)
    rebuilt = type(self)._rebuilt_arguments  # pyright: ignore[reportPrivateUsage]
    kwargs = rebuilt(self, _by_numpyro_name(record, fields))
    return _with_validation(record, new_numpyro(record, kwargs), validate, kwargs)


def numpyro_attribute(self: TypedDistribution[Any], name: str) -> Any:
    """Attribute `name` of the wrapped NumPyro instance, as a typed
    distribution reads it (`Derived`, and `__getattr__` for the rest).

    An inner distribution (a LogNormal's `base_dist`) is converted to its typed
    counterpart, so that code handed it (reparametrisers, users) gets a typed
    one too.
    """
    dist = numpyro_of(self)
    value = eager_call(lambda: getattr(dist, name))
    if isinstance(value, Distribution):
        return to_typed(value)
    return value


def set_instance_validation(self: TypedDistribution[Any], value: object) -> None:
    """`self._validate_args = value`, as NumPyro code sets it on its instances.

    The wrapped NumPyro instance (which copies of `self` share) is left
    alone: `self` drops it and builds its own on next use, with the new
    setting. As in NumPyro, the parameters are not checked again; values
    given to `log_prob` are checked from then on.
    """
    state = object.__getattribute__(self, "__dict__")
    state[VALIDATE_FIELD] = bool(value)
    state.pop("_numpyro", None)


def frozen_message(cls: type, name: str) -> str:
    """Why `d.<name> = ...` fails on a typed distribution, and what to do."""
    record = record_of(cls)
    owner = record.owner
    if name in record.declared:
        fix = f"build a changed copy with `d.replace({name}=...)`"
    else:
        fix = "build a new one, or a changed copy with `d.replace(...)`"
    return (
        f"cannot assign to `{name}` of a {owner}: typed distributions are "
        f"immutable (Equinox modules); {fix}."
    )


def numpyro_arguments(self: TypedDistribution[Any]) -> dict[str, Any]:
    """The NumPyro constructor's keyword arguments, from the stored fields."""
    record = record_of(type(self))
    return _by_numpyro_name(record, _fields(record, self))


def _fields(record: ClassRecord, self: object) -> dict[str, Any]:
    """The stored fields, by field name."""
    return {name: getattr(self, name) for name in record.names}


def _by_numpyro_name(record: ClassRecord, fields: dict[str, Any]) -> dict[str, Any]:
    """Fields keyed by NumPyro's argument names (`_given_mean` -> `mean`)."""
    return {record.names[name]: value for name, value in fields.items()}


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
    record: ClassRecord,
    fields: dict[str, Any],
    known: Collection[str] = (),
) -> dict[str, Any]:
    """`fields` with each traced, constrained one tied to a run-time check
    ("checked" mode); `fields` itself when nothing is traced. The parameters
    named (by NumPyro's names) in `known` were checked at trace time."""
    names = record.names
    traced = {k: v for k, v in fields.items() if is_tracer(v) and names[k] not in known}
    if not traced:
        return fields
    numpyro_class = cast("type[Distribution]", record.numpyro_class)
    guarded = guard_traced(
        record.owner,
        numpyro_class.arg_constraints,
        _by_numpyro_name(record, traced),
    )
    return {k: guarded[names[k]] if k in traced else v for k, v in fields.items()}


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


def _other_float(value: object, dtype: np.dtype[Any]) -> bool:
    return (
        isinstance(value, jax.Array)
        and value.dtype != dtype
        and jnp.issubdtype(value.dtype, jnp.floating)
    )


def new_numpyro(record: ClassRecord, kwargs: dict[str, Any]) -> Any:
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
    if record.builds_inner is False:
        # Setting NumPyro's switch (a class attribute) costs more than
        # building a Normal; classes that build nothing inside do without.
        return _call_numpyro(record, kwargs, validate=False)
    with numpyro_validation_off():
        dist = _call_numpyro(record, kwargs, validate=False)
        setting = validation_enabled(None)  # the user's, saved while off
    inner = _inner_distributions(dist, kwargs)
    if record.builds_inner is None:
        record.builds_inner = bool(inner)
    for built in inner:
        # What NumPyro gives them: its global setting. With it on, their
        # `log_prob` returns -inf outside the support, as in NumPyro.
        set_numpyro_instance_validation(built, setting)
    return dist


def _with_validation(
    record: ClassRecord, dist: Any, validate: bool, kwargs: dict[str, Any]
) -> Any:
    """`dist` (built from `kwargs`) with its own validation switched to
    `validate`; where NumPyro's instance setting cannot be written, it is
    built again with `validate_args=True` (NumPyro checks the values again)."""
    if set_numpyro_instance_validation(dist, validate) or not validate:
        return dist
    if not record.numpyro_takes_validate_args:
        return dist
    return _call_numpyro(record, kwargs, validate=True)


def _inner_distributions(dist: Distribution, given: dict[str, Any]) -> list[Any]:
    """The NumPyro distributions a NumPyro instance built and keeps, at any
    depth (NumPyro's HalfNormal keeps a Normal, StudentT a Chi2, LogNormal its
    base); not those it was given, nor typed ones (a typed base's `.expand`),
    which their own constructor set up."""
    passed = {id(v) for v in given.values()}
    for value in given.values():
        if isinstance(value, list):
            passed |= {id(item) for item in cast("list[object]", value)}
    return list(
        inner_distributions(
            dist, lambda item: not is_typed(item) and id(item) not in passed
        )
    )


def _call_numpyro(
    record: ClassRecord, kwargs: dict[str, Any], *, validate: bool
) -> Any:
    new = cast("Callable[..., Distribution]", record.numpyro_class)
    if record.numpyro_takes_validate_args:
        return new(**kwargs, validate_args=validate)
    return new(**kwargs)  # e.g. ExpandedDistribution, MaskedDistribution


def _build_numpyro(
    record: ClassRecord, checked: dict[str, Any], dtype: np.dtype[Any] | None
) -> Any:
    """Build the NumPyro distribution; explain half-precision failures.

    XLA has no float16/bfloat16 Cholesky on CPU, so NumPyro cannot build a
    `MultivariateNormal` from a half-precision covariance: say so, and how to
    fix the call, instead of surfacing a backend error.
    """
    owner = record.owner
    try:
        return new_numpyro(record, checked)
    except (ValueError, AssertionError) as error:
        # NumPyro's own argument checks (Delta's `event_dim` beyond `v`, an
        # `assert` on SineSkewed's `skewness` against its base's event shape).
        given = ", ".join(f"`{name}`" for name in checked)
        kind = (
            ParameterAssertionError
            if isinstance(error, AssertionError)
            else ParameterValueError
        )
        raise located(
            kind(f"{owner}: NumPyro rejected the arguments {given}: {error}"), owner
        ) from error
    except (TypeError, NotImplementedError) as error:
        if dtype is None or dtype.itemsize >= 4:
            raise
        raise ParameterTypeError(
            f"{owner}: NumPyro cannot build this distribution from {dtype} "
            f"parameters ({type(error).__name__}: {error}).\nPass float32 or "
            "float64 arrays, e.g. `x.astype(jnp.float32)`."
        ) from error


def _typed_argument(owner: str, name: str, value: object) -> object:
    """Convert NumPyro distributions given as an argument (or in a list) to typed.

    So that a NumPyro base distribution with integer parameters is rejected
    as its typed counterpart would be, instead of reintroducing the float0
    gradients typed_dists exists to prevent.
    """
    where = name
    try:
        if isinstance(value, Distribution):
            return to_typed(value)
        items = cast(list[object] | tuple[object, ...], value)
        if not any(isinstance(v, Distribution) for v in items):
            return value
        converted: list[object] = []
        for index, item in enumerate(items):
            where = f"{name}[{index}]"
            converted.append(to_typed(item) if isinstance(item, Distribution) else item)
        return type(items)(converted)
    except (ParameterTypeError, ParameterValueError) as error:
        inner = f"{where}.{error.parameter}" if error.parameter else where
        raise located(
            type(error)(
                f"{owner}: argument `{name}` holds a NumPyro distribution that "
                f"its typed counterpart rejects:\n{error}"
            ),
            owner,
            inner,
        ) from error
