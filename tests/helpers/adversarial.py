"""The policy tables: every rejected and accepted kind of argument for every
parameter, derived from the declarations (used by
`tests/policy/test_every_parameter.py` and `tests/policy/test_hypothesis.py`).

A rejected kind (`Kind`) is built from the valid value it replaces, keeping
its shape, so that what is rejected is the kind, not the shape; it says what
the message must show about the argument (`shows`) and the fix-it it must
give (`hint`, from `typed_dists._policy._messages`). `targets` says which
parameters of a row are replaced, `place` how a member of an exclusive
parametrisation that the row does not pass is checked in place of the one it
passes.
"""

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
from helpers.generate import EVERY, Generated
from typed_dists._core._record import record_of
from typed_dists._policy import ParameterSpec

Maker = Callable[[npt.NDArray[Any]], object]
Kwargs = dict[str, Any]


# ---------------------------------------------------------------------------
# Stored fields (also used by test_hypothesis.py)


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


def field_names(cls: type[td.TypedDistribution[Any]], kind: str) -> tuple[str, ...]:
    """The stored array fields of `cls` of element kind `kind` ("int", "bool")."""
    kinds = record_of(cls).field_kinds()
    return tuple(name for name, (k, _) in kinds.items() if k == kind)


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


POLICY_ROWS: list[tuple[Generated, tuple[int, ...]]] = [
    (g, g.batch_shapes[0]) for g in EVERY
]
"""One row per parametrisation: batch () for the generated ones (as
test_hypothesis.py), the table rows' own batch shape."""

_ROW_KWARGS: dict[tuple[int, tuple[int, ...]], Kwargs] = {}


def row_kwargs(g: Generated, batch: tuple[int, ...]) -> Kwargs:
    """A valid call of row (`g`, `batch`) (a fresh dict, shared values; each
    row's arguments are generated once)."""
    key = (EVERY.index(g), batch)
    if key not in _ROW_KWARGS:
        _ROW_KWARGS[key] = g.make(jax.random.key(0), batch)
    return dict(_ROW_KWARGS[key])


def valid_kwargs(g: Generated) -> Kwargs:
    """A valid call of `g` at batch shape () (a fresh dict, shared values)."""
    return row_kwargs(g, ())


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


def targets(g: Generated, kwargs: Kwargs) -> tuple[ParameterSpec, ...]:
    """The parameters of every kind a row's rejection checks replace: every
    one the call passes, and every member of an exclusive parametrisation it
    does not pass (checked in place of the member it passes)."""
    members = one_of(g.cls)
    return tuple(
        s
        for s in record_of(g.cls).parameters
        if kwargs.get(s.name) is not None or s.name in members
    )


def assert_names(error: BaseException, owners: tuple[str, ...], *names: str) -> None:
    """`error` is a ParameterTypeError whose first line names one of `owners`
    (as `Owner: ...`) and every one of `names` (as `` `name` ``)."""
    assert isinstance(error, TypeError)
    assert isinstance(error, td.ParameterTypeError), type(error)
    first_line = str(error).splitlines()[0]
    assert any(first_line.startswith(f"{owner}:") for owner in owners), str(error)
    for name in names:
        assert f"`{name}`" in first_line, str(error)


def outcome_failure(
    cls: type[td.TypedDistribution[Any]], names: tuple[str, ...], kwargs: Kwargs
) -> str | None:
    """Why `cls(**kwargs)` is neither accepted with sound float fields nor a
    TypeError/ValueError naming the class and one of `names`."""
    try:
        instance = cls(**kwargs)
    except (TypeError, ValueError) as error:
        message = str(error)
        if cls.__name__ not in message:
            return f"{type(error).__name__} does not name {cls.__name__}: {message!r}"
        if not any(f"`{name}`" in message for name in names):
            return f"{type(error).__name__} names none of {names}: {message!r}"
        return None
    except Exception as error:
        return f"{type(error).__name__} (not a TypeError/ValueError): {error}"
    problems = float_field_problems(instance)
    return "; ".join(problems) or None


# ---------------------------------------------------------------------------
# Rejected kinds


@dataclasses.dataclass(frozen=True)
class Kind:
    """A rejected kind of value for a parameter."""

    id: str
    make: Maker  # from the valid value it replaces
    shows: str  # what the message must report about the argument
    hint: str | None = None  # a fix-it the message must contain
    none: bool = False  # `None`: "not given" for an optional parameter


@functools.cache
def _float0_from_grad(shape: tuple[int, ...]) -> jax.Array:
    """A float0 array as JAX hands it out: the gradient of a function with
    respect to an integer input."""

    def total(x: jax.Array) -> jax.Array:
        return jnp.sum(x).astype(jnp.float32)

    grad: jax.Array = jax.grad(total, allow_int=True)(jnp.ones(shape, jnp.int32))
    assert grad.dtype == jax.dtypes.float0
    assert grad.shape == shape
    return grad


def float0_from_grad(shape: tuple[int, ...]) -> jax.Array:
    """A float0 array of `shape`, as `jax.grad(..., allow_int=True)` gives it."""
    return _float0_from_grad(shape)


def _float0_grad(v: npt.NDArray[Any]) -> object:
    return _float0_from_grad(tuple(v.shape))


def _list(v: npt.NDArray[Any]) -> object:
    return np.atleast_1d(v).tolist()


def _tuple(v: npt.NDArray[Any]) -> object:
    return tuple(np.atleast_1d(v).tolist())


_COMMON: tuple[Kind, ...] = (
    Kind("complex64-jax", lambda v: jnp.ones(v.shape, jnp.complex64), "complex"),
    Kind(
        "float0-numpy",
        lambda v: np.zeros(v.shape, jax.dtypes.float0),
        "float0",
        "allow_int",
    ),
    Kind("float0-grad", _float0_grad, "float0", "allow_int"),
    Kind("str", lambda v: "1", "str"),
    Kind("list", _list, "list", "jnp.asarray"),
    Kind("tuple", _tuple, "tuple", "jnp.asarray"),
    Kind("object", lambda v: object(), "object"),
    Kind("dict", lambda v: {"value": 1.0}, "dict"),
    Kind("None", lambda v: None, "None", none=True),
)

FLOAT_REJECTED: tuple[Kind, ...] = (
    Kind("int32-jax", lambda v: jnp.ones(v.shape, jnp.int32), "int32", "astype(float)"),
    Kind("int64-numpy", lambda v: np.ones(v.shape, np.int64), "int64", "astype(float)"),
    Kind("uint8-numpy", lambda v: np.ones(v.shape, np.uint8), "uint8", "astype(float)"),
    Kind("int64-numpy-scalar", lambda v: np.int64(1), "int64", "float("),
    Kind("bool-jax", lambda v: jnp.ones(v.shape, bool), "bool", "astype(float)"),
    Kind("bool-numpy", lambda v: np.ones(v.shape, np.bool_), "bool", "astype(float)"),
    Kind("bool-python", lambda v: True, "bool", "astype(float)"),
    Kind("complex-python", lambda v: 1.0 + 0.5j, "complex", ".real"),
    *_COMMON,
)
"""What a float parameter rejects."""

INT_REJECTED: tuple[Kind, ...] = (
    Kind("bool-python", lambda v: True, "bool"),
    Kind("bool-jax", lambda v: jnp.ones(v.shape, bool), "bool"),
    Kind("bool-numpy", lambda v: np.ones(v.shape, np.bool_), "bool"),
    Kind("complex-python", lambda v: 1.0 + 0.5j, "complex"),
    *_COMMON,
)
"""What an integer parameter rejects (whole-number floats it takes, as
NumPyro does: `tests/policy/test_every_parameter.py` checks them)."""

BOOL_REJECTED: tuple[Kind, ...] = (
    Kind("int32-jax", lambda v: jnp.ones(v.shape, jnp.int32), "int32", "astype(bool)"),
    Kind("int64-numpy", lambda v: np.ones(v.shape, np.int64), "int64", "astype(bool)"),
    Kind("int-python", lambda v: 1, "int"),
    Kind(
        "float32-jax",
        lambda v: jnp.ones(v.shape, jnp.float32),
        "float32",
        "astype(bool)",
    ),
    Kind("float-python", lambda v: 1.0, "float", "astype(bool)"),
    *_COMMON,
)
"""What a bool parameter rejects."""

REJECTED: dict[str, tuple[Kind, ...]] = {
    "float": FLOAT_REJECTED,
    "int": INT_REJECTED,
    "bool": BOOL_REJECTED,
}


def kinds_for(g: Generated, spec: ParameterSpec) -> tuple[Kind, ...]:
    """The kinds `spec` rejects: all of its kind's table; `None` only where it
    is not "not given" (a required parameter, or a member of an exclusive
    parametrisation, whose `None` the exactly-one check reports)."""
    none_means_not_given = spec.optional and spec.name not in one_of(g.cls)
    return tuple(
        k for k in REJECTED[spec.kind] if not (k.none and none_means_not_given)
    )


@functools.cache
def rejection_cases() -> tuple[tuple[str, str, str], ...]:
    """Every (row id, parameter, rejected kind) checked."""
    return tuple(
        (f"{g.id}-batch{len(batch)}", spec.name, kind.id)
        for g, batch in POLICY_ROWS
        for spec in targets(g, row_kwargs(g, batch))
        for kind in kinds_for(g, spec)
    )


def adversarial_case_count() -> int:
    """The number of (row, parameter, kind) rejection cases (for conftest)."""
    return len(rejection_cases())
