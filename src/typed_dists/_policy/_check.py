"""Checking constructor arguments against their jaxtyping annotations.

A distribution's `__init__` annotates each array parameter with jaxtyping,
e.g. `loc: Float[FloatLike, "*#batch n"]`. Static type checkers read that as
`FloatLike`; at runtime `parameter_specs` reads the dtype (`Float`, `Int`) and
the dimension string, and `check_arguments` checks every argument of one call
with beartype against `Float[Array | np.ndarray, dims]`, inside one jaxtyping
shape memo, so that `*#batch` and `n` bind across all parameters of the call.
Failures become `ParameterTypeError`s that say what was expected, what arrived
and how to fix the call.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Union, cast

import jax
import jax.numpy as jnp
import jaxtyping
import numpy as np
from beartype.door import is_bearable
from jaxtyping import AbstractArray

from ._dtypes import (
    Kind,
    as_float_dtype,
    common_float_dtype,
    describe,
    dtype_kind,
    to_int_array,
)
from ._errors import ParameterTypeError, ParameterValueError, ValueTypeError

__all__ = [
    "OptionSpec",
    "ParameterSpec",
    "check_arguments",
    "check_stored",
    "check_value",
    "field_kinds",
    "parameter_specs",
]


@dataclasses.dataclass(frozen=True)
class ParameterSpec:
    """One array parameter of a distribution's constructor."""

    name: str
    kind: Kind
    dims: tuple[str, ...]  # alternative jaxtyping dimension strings
    optional: bool  # `None` means "not given" (exclusive parametrisations)
    hint: Any  # the runtime hint beartype checks

    @property
    def expected(self) -> str:
        what = {
            "float": "a floating-point array or Python number",
            "int": "an integer array or Python int",
            "bool": "a bool array or Python bool",
        }[self.kind]
        shapes = " or ".join(repr(d) for d in self.dims)
        return f"{what} of shape {shapes}"


@dataclasses.dataclass(frozen=True)
class OptionSpec:
    """A non-array configuration argument (e.g. Poisson's `is_sparse`)."""

    name: str
    annotation: Any


def _union_members(hint: object) -> tuple[object, ...]:
    if typing.get_origin(hint) in (Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _array_members(members: tuple[object, ...]) -> list[type[AbstractArray]]:
    """The jaxtyping array hints (`Float[...]`, ...) among a union's members."""
    return [m for m in members if isinstance(m, type) and issubclass(m, AbstractArray)]


_KINDS: dict[str, Kind] = {"Float": "float", "Int": "int", "Bool": "bool"}


def _array_kind(arrays: list[type[AbstractArray]]) -> Kind | None:
    """The one kind the array hints declare; None if none, or mixed kinds."""
    names = {m.dtype.__name__ for m in arrays}
    return _KINDS.get(names.pop()) if len(names) == 1 else None


def parameter_specs(
    init: Callable[..., None],
) -> tuple[tuple[ParameterSpec, ...], tuple[OptionSpec, ...]]:
    """Read the array parameters and options from an annotated `__init__`.

    A parameter is an array parameter when its annotation contains a jaxtyping
    `Float[...]`, `Int[...]` or `Bool[...]` hint; `None` in the annotation
    makes it optional. Every other parameter except `self` and `validate_args`
    is an option.

    **Raises:** `TypeError` if an array annotation mixes dtype categories.
    """
    hints = typing.get_type_hints(init, include_extras=True)
    params: list[ParameterSpec] = []
    options: list[OptionSpec] = []
    for name in list(inspect.signature(init).parameters)[1:]:
        if name == "validate_args":
            continue
        hint = hints.get(name, Any)
        members = _union_members(hint)
        arrays = _array_members(members)
        if not arrays:
            options.append(OptionSpec(name, hint))
            continue
        kind = _array_kind(arrays)
        if kind is None:
            raise TypeError(
                f"{init.__qualname__}: parameter {name!r} must be annotated with "
                f"Float[...], Int[...] or Bool[...], not {hint!r}."
            )
        dims = tuple(dict.fromkeys(m.dim_str for m in arrays))
        # Counts may be signed or unsigned: `Int[...]` is checked as `Integer`.
        dtype: Any = {
            "float": jaxtyping.Float,
            "int": jaxtyping.Integer,
            "bool": jaxtyping.Bool,
        }[kind]
        runtime: list[object] = []
        for d in dims:
            runtime += [dtype[jax.Array, d], dtype[np.ndarray, d]]
        params.append(
            ParameterSpec(
                name=name,
                kind=kind,
                dims=dims,
                optional=type(None) in members,
                hint=Union[tuple(runtime)],  # noqa: UP007
            )
        )
    return tuple(params), tuple(options)


# ---------------------------------------------------------------------------
# Messages


_HINTS = {
    "int": (
        "Integer arrays carry no gradient: JAX gives them float0 tangents, so "
        "`jax.grad` refuses them or returns a meaningless float0 'gradient'. "
        "Pass floats, e.g. `{name}.astype(float)` or "
        "`jnp.asarray({name}, dtype=float)`."
    ),
    "bool": (
        "Bool arrays carry no gradient. Pass floats, e.g. `{name}.astype(float)`."
    ),
    "complex": (
        "Complex parameters are not supported; pass the real part explicitly, "
        "e.g. `{name}.real`."
    ),
    "float0": (
        "float0 is the tangent type JAX gives integer inputs (for example the "
        "output of `jax.grad(..., allow_int=True)`); it holds no numbers. Pass "
        "the float parameter itself, not a gradient of an integer input."
    ),
    "numpy-int": (
        "A NumPy integer scalar is an integer array; pass `float({name})` or a "
        "floating array instead."
    ),
    "sequence": (
        "Lists and tuples are not arrays; convert them first, e.g. "
        "`jnp.asarray({name}, dtype=float)`."
    ),
    "none": "`None` is not a value for this parameter; pass a number or an array.",
    "masked": (
        "A masked array's mask would be ignored; pass `{name}.filled(...)`, or "
        "mask the distribution instead (`.mask(...)`)."
    ),
    "longdouble": (
        "NumPy's extended precision (long double) is not a JAX dtype; pass "
        "`{name}.astype(np.float64)`."
    ),
    "other": "Pass a Python number or a NumPy/JAX floating array.",
}

_INT_HINTS = {
    "float": (
        "This parameter counts things and is never differentiated; pass an "
        "integer array, e.g. `jnp.asarray({name}, dtype=int)`, or a Python int."
    ),
    "bool": "Pass a Python int or an integer array, not booleans.",
    "complex": "Pass a Python int or an integer array.",
    "float0": _HINTS["float0"].replace("float parameter", "integer parameter"),
    "sequence": _HINTS["sequence"].replace("dtype=float", "dtype=int"),
    "none": _HINTS["none"],
    "masked": _HINTS["masked"],
    "other": "Pass a Python int or a NumPy/JAX integer array.",
}

_BOOL_HINTS = {
    "float": (
        "This parameter is an indicator (True/False per element); pass a bool "
        "array, e.g. `{name}.astype(bool)` or `{name} > 0`."
    ),
    "int": (
        "This parameter is an indicator (True/False per element); pass a bool "
        "array, e.g. `{name}.astype(bool)`."
    ),
    "numpy-int": "Pass a Python bool or a bool array.",
    "float0": _HINTS["float0"].replace("float parameter", "indicator"),
    "sequence": _HINTS["sequence"].replace("dtype=float", "dtype=bool"),
    "none": _HINTS["none"],
    "masked": _HINTS["masked"],
    "other": "Pass a Python bool or a NumPy/JAX bool array.",
}

_KIND_HINTS = {"float": _HINTS, "int": _INT_HINTS, "bool": _BOOL_HINTS}


def _problem(value: object) -> str:
    """Classify a rejected value for the fix-it hint."""
    if value is None:
        return "none"
    if isinstance(value, np.ma.MaskedArray):
        return "masked"
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, list | tuple):
        return "sequence"
    if isinstance(value, np.integer):
        return "numpy-int"
    if isinstance(value, complex):
        return "complex"
    if isinstance(value, float):
        return "float"
    dtype = getattr(value, "dtype", None)
    if isinstance(value, jax.Array | np.ndarray | np.generic) and dtype is not None:
        return dtype_kind(dtype)
    return "other"


def _type_error(owner: str, spec: ParameterSpec, value: object) -> ParameterTypeError:
    table = _KIND_HINTS[spec.kind]
    hint = table.get(_problem(value), table["other"])
    return ParameterTypeError(
        f"{owner}: parameter `{spec.name}` expected {spec.expected}, "
        f"got {describe(value)}.\n{hint.format(name=spec.name)}"
    )


def _shape_error(
    owner: str,
    spec: ParameterSpec,
    value: object,
    checked: list[tuple[ParameterSpec, object]],
) -> ParameterTypeError:
    shape = getattr(value, "shape", ())
    fixed = min(
        len([d for d in dims.split() if not d.startswith(("*", "#*", "..."))])
        for dims in spec.dims
    )
    if len(shape) < fixed:
        detail = f"it needs at least {fixed} dimension(s)"
    elif checked:
        others = ", ".join(
            f"`{s.name}` {describe(v)} ({' or '.join(map(repr, s.dims))})"
            for s, v in checked
        )
        detail = (
            f"it does not fit the parameters before it: {others}. Batch "
            "dimensions must broadcast against each other and named dimensions "
            "must agree"
        )
    else:
        detail = "its dimensions do not match"
    return ParameterTypeError(
        f"{owner}: parameter `{spec.name}` expected {spec.expected}, "
        f"got {describe(value)}: {detail}.\nCheck the shapes you passed."
    )


# ---------------------------------------------------------------------------
# Checking


def _as_checkable(spec: ParameterSpec, value: object) -> tuple[bool, object, object]:
    """Return (accepted-kind, value-to-check, value-to-promote).

    Python numbers are checked as 0-d NumPy arrays and promoted as Python
    numbers (weakly typed); NumPy scalars become 0-d arrays so that their
    dtype is checked (jaxtyping does not check the dtype of `np.number`).
    """
    if isinstance(value, bool | np.bool_):
        if spec.kind != "bool":
            return False, None, None
        return True, np.asarray(value), bool(cast(Any, value))
    if isinstance(value, int):
        converted = float(value) if spec.kind == "float" else value
        return True, np.asarray(converted), converted
    if isinstance(value, float):
        return spec.kind == "float", np.asarray(value), value
    if isinstance(value, np.generic):
        array: object = np.asarray(cast(Any, value))
        return True, array, array
    if isinstance(value, np.ma.MaskedArray):
        return False, None, None
    if isinstance(value, jax.Array | np.ndarray):
        return True, cast(object, value), cast(object, value)
    return False, None, None


_JAXTYPING_FLOATS = frozenset(cast(Any, jaxtyping.Float).dtypes)


def _shape_stand_in(checkable: object) -> object:
    """A float32 array of the same shape, for a float dtype that jaxtyping's
    `Float` does not list (some 8-bit floats): its shape is still checked."""
    dtype = getattr(checkable, "dtype", None)
    if dtype is None or dtype_kind(dtype) != "float" or dtype.name in _JAXTYPING_FLOATS:
        return checkable
    return np.broadcast_to(np.zeros((), np.float32), cast(Any, checkable).shape)


def check_arguments(
    owner: str,
    specs: tuple[ParameterSpec, ...],
    options: tuple[OptionSpec, ...],
    arguments: Mapping[str, object],
    *,
    shapes: bool = True,
) -> tuple[dict[str, object], np.dtype[Any] | None]:
    """Check and promote one constructor call's arguments.

    Returns the arguments to pass to NumPyro, and the common float dtype
    (`None` when there are no float parameters). Float parameters become JAX
    arrays of that dtype, integer parameters JAX integer arrays, bool
    parameters JAX bool arrays (Python bools stay as they are, since NumPyro
    treats them apart); options are unchanged. Optional parameters given as
    `None` are left out.

    With `shapes=False` (validation mode "off") only the kind and dtype of
    each parameter are checked, without beartype, and options are not checked.

    beartype's verdict depends only on each argument's type, dtype and shape
    (and an option's value or type), so it is remembered per class for each
    such signature (see `_signature`): a call like one seen before is
    converted without calling beartype again. Only accepted signatures are
    remembered; a rejected call is checked afresh, for its message.

    **Raises:** `ParameterTypeError` naming `owner` and the parameter for a
    rejected kind or dtype, or for shapes that do not fit together.
    """
    key = _signature(specs, options, arguments, shapes)
    if key is not None:
        seen = _accepted.get(key)
        if seen is not None and seen[0] is specs:
            out = _convert(specs, options, arguments, seen[1])
            if out is not None:
                return out, seen[1]
    out, common = _check_arguments(owner, specs, options, arguments, shapes=shapes)
    if key is not None:
        if len(_accepted) >= _MAX_SIGNATURES:
            _accepted.clear()
        _accepted[key] = (specs, common)
    return out, common


_config: Any = jax.config  # its options are attributes unknown to checkers
_MAX_SIGNATURES = 4096
_accepted: dict[
    tuple[object, ...],
    tuple[tuple[ParameterSpec, ...], np.dtype[Any] | None],
] = {}
"""Accepted call signatures (see `_signature`): the specs they were accepted
for (the key holds only their `id`, as hashing them is slow) and the common
float dtype."""
_SIMPLE = (int, float, bool, str, type(None))


def _signature(
    specs: tuple[ParameterSpec, ...],
    options: tuple[OptionSpec, ...],
    arguments: Mapping[str, object],
    shapes: bool,
) -> tuple[object, ...] | None:
    """What beartype's verdict on one call, and its promotion, depend on.

    Python numbers by type; arrays (tracers too) by type, dtype, shape and
    JAX weak type; options by value when simple, list elements by type, other
    objects by type (their annotations are classes or `Callable`). `None` for
    anything else (NumPy scalars, strings, lists given as parameters, ...):
    such calls are always checked in full. The key also holds the specs' `id`
    (one tuple per class), the `shapes` flag and JAX's x64 switch, which sets
    the default float dtype.
    """
    key: list[object] = [id(specs), shapes, _config.jax_enable_x64]
    for spec in specs:
        value = arguments[spec.name]
        kind = type(value)
        if kind is float or kind is int or kind is bool or value is None:
            key.append(kind)
        elif isinstance(value, jax.Array):
            key.append((kind, value.dtype, value.shape, value.weak_type))
        elif kind is np.ndarray:
            key.append((kind, cast(Any, value).dtype, cast(Any, value).shape))
        else:
            return None
    for option in options:
        value = arguments[option.name]
        if isinstance(value, _SIMPLE):
            key.append((type(value), value))
        elif isinstance(value, tuple) and all(
            type(v) is int for v in cast(tuple[object, ...], value)
        ):
            key.append((tuple, cast(tuple[int, ...], value)))
        elif isinstance(value, list):
            key.append((list, *map(type, cast(list[object], value))))
        elif not isinstance(value, tuple):
            key.append(type(value))
        else:
            return None
    return tuple(key)


def _convert(
    specs: tuple[ParameterSpec, ...],
    options: tuple[OptionSpec, ...],
    arguments: Mapping[str, object],
    dtype: np.dtype[Any] | None,
) -> dict[str, object] | None:
    """`check_arguments`' result for a call whose signature was accepted
    before; `None` when a value needs the full path (a Python int beyond the
    float range, reported there)."""
    out: dict[str, object] = {}
    for spec in specs:
        value = arguments[spec.name]
        if value is None:
            continue  # optional: a required one would not have been accepted
        if spec.kind == "float":
            if type(value) is int:
                try:
                    value = float(value)
                except OverflowError:
                    return None
            out[spec.name] = as_float_dtype(value, cast(Any, dtype))
        elif spec.kind == "int":
            out[spec.name] = to_int_array(value)
        elif type(value) is bool:
            out[spec.name] = value  # NumPyro treats Python bools apart
        else:
            out[spec.name] = jnp.asarray(value, dtype=bool)
    for option in options:
        out[option.name] = arguments[option.name]
    return out


def _check_arguments(
    owner: str,
    specs: tuple[ParameterSpec, ...],
    options: tuple[OptionSpec, ...],
    arguments: Mapping[str, object],
    *,
    shapes: bool,
) -> tuple[dict[str, object], np.dtype[Any] | None]:
    """`check_arguments` in full, with beartype; also returns the float dtype."""
    out: dict[str, object] = {}
    floats: list[tuple[str, object]] = []
    checked: list[tuple[ParameterSpec, object]] = []
    with jaxtyping.jaxtyped("context"):
        for spec in specs:
            value = arguments[spec.name]
            if value is None and spec.optional:
                continue
            try:
                ok, checkable, promotable = _as_checkable(spec, value)
            except OverflowError as error:  # a Python int beyond float range
                raise ParameterValueError(
                    f"{owner}: parameter `{spec.name}` got {describe(value)}, "
                    f"which no floating-point dtype can hold ({error})."
                ) from error
            if not ok:
                raise _type_error(owner, spec, value)
            checkable = _shape_stand_in(checkable)
            if not shapes:
                dtype = getattr(checkable, "dtype", None)
                if dtype is None or dtype_kind(dtype) != spec.kind:
                    raise _type_error(owner, spec, value)
            elif not is_bearable(checkable, spec.hint):
                dtype = getattr(checkable, "dtype", None)
                if dtype is None or dtype_kind(dtype) != spec.kind:
                    raise _type_error(owner, spec, value)
                raise _shape_error(owner, spec, value, checked)
            checked.append((spec, value))
            if spec.kind == "float":
                floats.append((spec.name, promotable))
            elif spec.kind == "int":
                out[spec.name] = to_int_array(promotable)
            elif isinstance(promotable, bool):
                out[spec.name] = promotable  # NumPyro treats Python bools apart
            else:
                out[spec.name] = jnp.asarray(promotable, dtype=bool)
    for option in options:
        value = arguments[option.name]
        if shapes and not is_bearable(value, option.annotation):
            raise ParameterTypeError(
                f"{owner}: option `{option.name}` expected "
                f"{_annotation_text(option.annotation)}, got {describe(value)}."
            )
        out[option.name] = value
    if not floats:
        return out, None
    common = common_float_dtype([v for _, v in floats])
    for name, value in floats:
        out[name] = as_float_dtype(value, common)
    return out, common


def _annotation_text(annotation: object) -> str:
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


# ---------------------------------------------------------------------------
# Stored fields (the back door: modules rebuilt from their leaves)


def field_kinds(cls: type) -> dict[str, tuple[Kind, bool]]:
    """Each array field of a typed class: its kind and whether `None` is allowed.

    Read from the field annotations (`Float[Array, ...]`, `Int[...]`,
    `Bool[...]`, optionally `| None`); other fields are left out.
    """
    hints = typing.get_type_hints(cls, include_extras=True)
    kinds: dict[str, tuple[Kind, bool]] = {}
    for field in dataclasses.fields(cls):
        members = _union_members(hints.get(field.name, Any))
        kind = _array_kind(_array_members(members))
        if kind is not None:
            kinds[field.name] = (kind, type(None) in members)
    return kinds


def _stored_kind_ok(kind: Kind, value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return kind == "bool"
    if isinstance(value, int):
        return kind in ("float", "int")
    if isinstance(value, float):
        return kind == "float"
    dtype = getattr(value, "dtype", None)
    if not isinstance(value, jax.Array | np.ndarray | np.generic) or dtype is None:
        return False
    return dtype_kind(dtype) == kind


def check_stored(
    owner: str,
    kinds: Mapping[str, tuple[Kind, bool]],
    values: Mapping[str, object],
    names: Mapping[str, str],
) -> None:
    """Check the kind and dtype of a module's array fields before use.

    A module rebuilt from its leaves (`eqx.tree_at`, `jax.tree.map`,
    unflattening, a gradient) was not built by its constructor, so nothing
    checked what its fields hold. `names` gives each field's parameter name
    (as the user passes it).

    **Raises:** `ParameterTypeError` naming `owner` and the parameter.
    """
    for field, (kind, optional) in kinds.items():
        value = values[field]
        if value is None and optional:
            continue
        if _stored_kind_ok(kind, value):
            continue
        name = names.get(field, field)
        table = _KIND_HINTS[kind]
        hint = table.get(_problem(value), table["other"]).format(name=name)
        what = {
            "float": "a floating-point array",
            "int": "an integer array",
            "bool": "a bool array",
        }[kind]
        raise ParameterTypeError(
            f"{owner}: parameter `{name}` holds {describe(value)}, but {owner} "
            f"stores {what} there.\nThis module was rebuilt from its leaves "
            "(`eqx.tree_at`, `jax.tree.map`, unflattening, a gradient), which "
            f"skips the constructor's checks; use `.replace({name}=...)` to "
            f"change a parameter with the checks. {hint}"
        )


# ---------------------------------------------------------------------------
# Values given to log_prob, cdf, icdf

_VALUE_HINTS = {
    "none": "Pass the value whose density you want, as a number or an array.",
    "sequence": "Lists and tuples are not arrays; pass `jnp.asarray(value)`.",
    "complex": "Densities are defined for real values; pass `value.real`.",
    "float0": _HINTS["float0"].replace("the float parameter", "the value"),
    "other": "Pass a Python number or a NumPy/JAX array of real numbers.",
}


def check_value(owner: str, method: str, value: object) -> None:
    """Check the kind of a value given to `log_prob` (or `cdf`, `icdf`).

    Python numbers and bools, and NumPy or JAX arrays (tracers too) of bool,
    integer or floating dtype are accepted; their values are NumPyro's to
    judge (outside the support, `log_prob` is `-inf`).

    **Raises:** `ValueTypeError` (a `TypeError`) naming `owner.method`, for
    `None`, strings, lists, complex or float0 arrays and other objects.
    """
    if isinstance(value, bool | int | float):
        return
    dtype = getattr(value, "dtype", None)
    array = isinstance(value, jax.Array | np.ndarray | np.generic)
    if array and dtype is not None and dtype_kind(dtype) in ("float", "int", "bool"):
        return
    hint = _VALUE_HINTS.get(_problem(value), _VALUE_HINTS["other"])
    raise ValueTypeError(
        f"{owner}.{method}: `value` expected a real number or array, got "
        f"{describe(value)}.\n{hint}"
    )
