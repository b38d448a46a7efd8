"""Parameter specifications, read from a typed class's annotations.

A distribution's `__init__` annotates each array parameter with jaxtyping,
e.g. `loc: Float[FloatLike, "*#batch n"]`. Static type checkers read that as
`FloatLike`; at run time `parameter_specs` reads the element kind (`Float`,
`Int`, `Bool`) and the dimension strings into a `ParameterSpec`, with the
hint beartype checks (`Float[Array | np.ndarray, dims]`). `field_kinds` reads
the stored fields' annotations the same way.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any, Union

import jax
import jaxtyping
import numpy as np
from jaxtyping import AbstractArray

from ._classify import Kind

__all__ = ["OptionSpec", "ParameterSpec", "field_kinds", "parameter_specs"]


@dataclasses.dataclass(frozen=True)
class ParameterSpec:
    """One array parameter of a distribution's constructor."""

    name: str
    kind: Kind
    dims: tuple[str, ...]  # alternative jaxtyping dimension strings
    optional: bool  # `None` means "not given" (exclusive parametrisations)
    hint: Any  # the runtime hint beartype checks


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
