"""The adversarial table: every rejected input kind for every float parameter,
derived from the declarations (used by the adversarial and property tests)."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpy.typing as npt
from jaxtyping import AbstractArray

import typed_dists as td
from helpers.generate import GENERATED, Generated
from typed_dists._core._record import record_of
from typed_dists._policy import ParameterSpec

Maker = Callable[[npt.NDArray[Any]], object]
Kwargs = dict[str, Any]


# ---------------------------------------------------------------------------
# Helpers shared with test_hypothesis.py


def _union_members(hint: object) -> tuple[object, ...]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _is_float_array_hint(hint: object) -> bool:
    return any(
        isinstance(m, type)
        and issubclass(m, AbstractArray)
        and m.dtype.__name__ == "Float"
        for m in _union_members(hint)
    )


_FLOAT_FIELDS: dict[type, tuple[tuple[str, ...], frozenset[str]]] = {}


def _float_fields(cls: type) -> tuple[tuple[str, ...], frozenset[str]]:
    """The float fields of `cls`, and those of them that may be `None`."""
    if cls not in _FLOAT_FIELDS:
        hints = typing.get_type_hints(cls, include_extras=True)
        names = tuple(
            f.name
            for f in dataclasses.fields(cls)
            if _is_float_array_hint(hints.get(f.name))
        )
        optional = frozenset(n for n in names if type(None) in _union_members(hints[n]))
        _FLOAT_FIELDS[cls] = names, optional
    return _FLOAT_FIELDS[cls]


def float_field_names(cls: type) -> tuple[str, ...]:
    """The dataclass fields of `cls` annotated `Float[Array, ...]` (the stored
    float parameters), possibly `| None`."""
    return _float_fields(cls)[0]


def float_field_problems(instance: object) -> list[str]:
    """What is wrong with the stored float fields of `instance`: [] when every
    one is a JAX array of a floating dtype (not float0), all of one dtype."""
    cls = type(instance)
    problems: list[str] = []
    dtypes: dict[str, np.dtype[Any]] = {}
    for name in float_field_names(cls):
        value = getattr(instance, name)
        if value is None and name in _float_fields(cls)[1]:
            continue
        if not isinstance(value, jax.Array):
            problems.append(
                f"field `{name}` is a {type(value).__name__}, not a jax.Array"
            )
            continue
        dtype = np.dtype(value.dtype)
        if dtype == jax.dtypes.float0 or not jnp.issubdtype(dtype, jnp.floating):
            problems.append(f"field `{name}` has dtype {dtype}, not a floating dtype")
            continue
        dtypes[name] = dtype
    if len(set(dtypes.values())) > 1:
        problems.append(f"float fields have several dtypes: {dtypes}")
    return problems


def float_specs(cls: type[td.TypedDistribution[Any]]) -> tuple[ParameterSpec, ...]:
    """The declared float parameters of `cls`."""
    specs = record_of(cls).parameters
    return tuple(s for s in specs if s.kind == "float")


def one_of(cls: type[td.TypedDistribution[Any]]) -> tuple[str, ...]:
    return cls._one_of  # pyright: ignore[reportPrivateUsage]


@functools.cache
def _valid_kwargs(index: int) -> Kwargs:
    kwargs: Kwargs = GENERATED[index].make(jax.random.key(0), ())
    return kwargs


def valid_kwargs(g: Generated) -> Kwargs:
    """A valid call of `g` at batch shape () (a fresh dict, shared values)."""
    return dict(_valid_kwargs(GENERATED.index(g)))


def place(g: Generated, kwargs: Kwargs, name: str) -> tuple[Kwargs, npt.NDArray[Any]]:
    """`kwargs` without the value that parameter `name` replaces, and that value.

    For a parameter the call passes, its own value. For a member of an
    exclusive parametrisation that the call does not pass, the member it does
    pass (so that exactly one member stays given).
    """
    if kwargs.get(name) is not None:
        base = {k: v for k, v in kwargs.items() if k != name}
        return base, np.asarray(kwargs[name])
    members = one_of(g.cls)
    present = [m for m in members if kwargs.get(m) is not None]
    if name in members and len(present) == 1:
        (used,) = present
        base = {k: v for k, v in kwargs.items() if k != used}
        return base, np.asarray(kwargs[used])
    raise LookupError(
        f"{g.id}: the generated call neither passes `{name}` nor a member"
    )


# ---------------------------------------------------------------------------
# The table


@dataclasses.dataclass(frozen=True)
class Kind:
    """A rejected kind of value for a float parameter."""

    id: str
    make: Maker  # from the valid value it replaces
    none: bool = False  # `None`: only rejected for required parameters


def _float0(v: npt.NDArray[Any]) -> object:
    return np.zeros(v.shape, dtype=jax.dtypes.float0)


REJECTED: tuple[Kind, ...] = (
    Kind("int32-jax", lambda v: jnp.ones(v.shape, dtype=jnp.int32)),
    Kind("int64-numpy", lambda v: np.ones(v.shape, dtype=np.int64)),
    Kind("uint8-numpy", lambda v: np.ones(v.shape, dtype=np.uint8)),
    Kind("bool-jax", lambda v: jnp.ones(v.shape, dtype=jnp.bool_)),
    Kind("complex64-jax", lambda v: jnp.ones(v.shape, dtype=jnp.complex64)),
    Kind("float0-numpy", _float0),
    Kind("int64-numpy-scalar", lambda v: np.int64(1)),
    Kind("str", lambda v: "1.0"),
    Kind("list-of-floats", lambda v: [float(x) for x in np.ravel(v)]),
    Kind("tuple-of-floats", lambda v: tuple(float(x) for x in np.ravel(v))),
    Kind("object", lambda v: object()),
    Kind("dict", lambda v: {"value": 1.0}),
    Kind("None", lambda v: None, none=True),
)


def kinds_for(g: Generated, spec: ParameterSpec) -> tuple[Kind, ...]:
    """The kinds `spec` rejects: all, but `None` only for a required parameter."""
    none_means_not_given = spec.optional or spec.name in one_of(g.cls)
    return tuple(k for k in REJECTED if not (k.none and none_means_not_given))


def _owner(cls: type[td.TypedDistribution[Any]], name: str) -> Generated:
    """The parametrisation that checks exclusive member `name`: the one
    generated for it, else the class's first."""
    entries = [g for g in GENERATED if g.cls is cls]
    return next((g for g in entries if g.parametrisation == name), entries[0])


def targets(g: Generated) -> tuple[ParameterSpec, ...]:
    """The float parameters checked on `g`: every non-exclusive one, and each
    exclusive member once per class (on `_owner`)."""
    members = one_of(g.cls)
    return tuple(
        s
        for s in float_specs(g.cls)
        if s.name not in members or _owner(g.cls, s.name) is g
    )


@functools.cache
def rejection_cases() -> tuple[tuple[str, str, str], ...]:
    """Every (parametrisation id, float parameter, rejected kind) checked."""
    return tuple(
        (g.id, spec.name, kind.id)
        for g in GENERATED
        for spec in targets(g)
        for kind in kinds_for(g, spec)
    )


def adversarial_case_count() -> int:
    """The number of (class, parameter, kind) rejection cases (for conftest)."""
    return len(rejection_cases())
