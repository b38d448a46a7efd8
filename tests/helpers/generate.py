"""Valid constructor arguments generated from each distribution's declaration.

For every typed class (every concrete `TypedDistribution` subclass exported by
`typed_dists`), each array parameter gets a value of its declared shape (the
batch shape plus the named dimensions of its jaxtyping annotation, each named
dimension of size `SIZE` unless it is a number) drawn from its NumPyro
constraint: `biject_to(constraint)` applied to standard normal draws. Integer
parameters get `INT_VALUE`. Exclusive parametrisations (`_one_of`) give one
parametrisation per member.

Where a declaration is not enough (dependent constraints such as Uniform's
`low < high`, parameters whose valid values depend on each other) a family's
`tests/helpers/params_<family>.py` module gives an explicit generator in `PARAMS`, and
a check that a distribution cannot take part in is listed in `SKIPS` with the
reason. Everything here is derived from the code, so a new distribution is
covered as soon as it is declared.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import typing
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest
from numpyro.distributions import Distribution, constraints
from numpyro.distributions.transforms import biject_to

import typed_dists as td
from helpers.tables import ROWS as ROWS_OF_TABLE
from typed_dists._core._record import record_of
from typed_dists._interop._convert import to_typed
from typed_dists._policy import ParameterSpec

SIZE = 3  # the size of every named dimension (`n`, `k`, ...)
INT_VALUE = 4  # every integer parameter (counts)
BATCH_SHAPES: tuple[tuple[int, ...], ...] = ((), (2,))

ParamsFn = Callable[[jax.Array, tuple[int, ...]], dict[str, Any]]

FAMILY_MODULES = (
    "helpers.params_continuous",
    "helpers.params_discrete",
    "helpers.params_multivariate",
    "helpers.params_directional",
    "helpers.params_conjugate",
    "helpers.params_wrappers",
    "helpers.params_truncated",
    "helpers.params_mixture",
)


def _family_modules() -> Iterator[ModuleType]:
    for name in FAMILY_MODULES:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise


PARAMS: dict[str, ParamsFn] = {}
OPTIONS: dict[str, dict[str, Any]] = {}  # options added to generated arguments
SKIPS: dict[tuple[str, str], str] = {}
for _module in _family_modules():
    PARAMS.update(getattr(_module, "PARAMS", {}))
    OPTIONS.update(getattr(_module, "OPTIONS", {}))
    SKIPS.update(getattr(_module, "SKIPS", {}))


def typed_classes() -> list[type[td.TypedDistribution[Any]]]:
    """Every concrete typed class the package exports, in `__all__` order."""
    out = []
    for name in td.__all__:
        obj = getattr(td, name)
        if (
            isinstance(obj, type)
            and issubclass(obj, td.TypedDistribution)
            and "numpyro_class" in vars(obj)
        ):
            out.append(obj)
    return out


def _event_shape(dims: str) -> tuple[int, ...]:
    shape = []
    for token in dims.split():
        if token.startswith(("*", "#*", "...")):
            continue
        token = token.lstrip("#")
        shape.append(int(token) if token.isdigit() else SIZE)
    return tuple(shape)


def _value(
    spec: ParameterSpec,
    constraint: constraints.Constraint[Any] | None,
    key: jax.Array,
    batch_shape: tuple[int, ...],
) -> np.ndarray:
    shape = batch_shape + _event_shape(spec.dims[0])
    if spec.kind == "int":
        return np.full(shape, INT_VALUE, dtype=np.int32)
    if constraint is None or constraints.is_dependent(constraint):  # type: ignore[no-untyped-call]
        raise LookupError(f"no generator for {spec.name}: constraint {constraint!r}")
    transform = biject_to(constraint)
    unconstrained = jax.random.normal(key, transform.inverse_shape(shape))
    return np.asarray(transform(unconstrained), dtype=np.float64)


@dataclasses.dataclass(frozen=True)
class Generated:
    """One parametrisation of one typed class, with its argument generator.

    A row of the hand-picked table (`TABLE`, from `helpers/tables.py`) has
    fixed arguments and one batch shape (`batch`), and names the typed
    constructor it is called through (`factory`: `td.Bernoulli` for
    `BernoulliProbs`, or the class itself).
    """

    cls: type[td.TypedDistribution[Any]]
    parametrisation: str  # "" or the `_one_of` member used, or "table-<row>"
    make: ParamsFn
    batch: tuple[int, ...] | None = None  # a table row's only batch shape
    factory: Callable[..., Any] | None = None

    @property
    def id(self) -> str:
        if self.batch is not None:
            return self.parametrisation
        name = self.cls.__name__
        return f"{name}-{self.parametrisation}" if self.parametrisation else name

    @property
    def batch_shapes(self) -> tuple[tuple[int, ...], ...]:
        return BATCH_SHAPES if self.batch is None else (self.batch,)

    @property
    def constructor(self) -> Callable[..., Any]:
        """What a user calls: the factory for a table row, else the class."""
        return self.cls if self.factory is None else self.factory

    @property
    def name(self) -> str:
        return self.cls.__name__

    def skip_reason(self, check: str) -> str | None:
        return SKIPS.get((self.name, check)) or SKIPS.get((self.name, "*"))

    def skip_if_listed(self, check: str) -> None:
        """Skip the running test if `SKIPS` excludes this class from `check`."""
        reason = self.skip_reason(check)
        if reason is not None:
            pytest.skip(f"{self.name} is excluded from {check!r}: {reason}")

    def float_params(self, kwargs: dict[str, Any]) -> list[str]:
        """The float parameters a call with `kwargs` passes, in declaration order."""
        return [
            s.name
            for s in record_of(self.cls).parameters
            if s.kind == "float" and kwargs.get(s.name) is not None
        ]


def _automatic(cls: type[td.TypedDistribution[Any]], chosen: str) -> ParamsFn:
    specs = record_of(cls).parameters
    arg_constraints = cls.numpyro_class.arg_constraints
    options = OPTIONS.get(cls.__name__, {})

    def make(key: jax.Array, batch_shape: tuple[int, ...]) -> dict[str, Any]:
        keys = jax.random.split(key, len(specs))
        out: dict[str, Any] = dict(options)
        for spec, k in zip(specs, keys, strict=True):
            if spec.optional and spec.name != chosen:
                continue
            out[spec.name] = _value(
                spec, arg_constraints.get(spec.name), k, batch_shape
            )
        return out

    return make


def generated() -> list[Generated]:
    """Every typed class, once per parametrisation."""
    out = []
    for cls in typed_classes():
        if cls.__name__ in PARAMS:
            out.append(Generated(cls, "", PARAMS[cls.__name__]))
            continue
        members = cls._one_of or ("",)  # pyright: ignore[reportPrivateUsage]
        out.extend(Generated(cls, m, _automatic(cls, m)) for m in members)
    return out


GENERATED = generated()
GENERATED_IDS = [g.id for g in GENERATED]


def _table_row(row: Any) -> Generated:
    params = dict(row.params)
    cls = type(row.typed(**params))
    batch = tuple(cls(**params).batch_shape)
    return Generated(
        cls, f"table-{row.id}", lambda key, shape: dict(params), batch, row.typed
    )


# The hand-picked rows (values that matter: logits exactly 0, an
# inhomogeneous `total_count`, dyadic probabilities, concentrations below 1,
# an unbatched `loc` against a batched matrix), called through the factories.
TABLE = [_table_row(row) for row in ROWS_OF_TABLE]

EVERY = GENERATED + TABLE
"""Every generated parametrisation and every table row."""

ROWS = [(g, batch) for g in EVERY for batch in g.batch_shapes]
"""(parametrisation, batch shape): what a generated check runs over."""
ROW_IDS = [f"{g.id}-batch{len(batch)}" for g, batch in ROWS]


def jax_arguments(
    g: Generated, kwargs: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(array parameters as float32 / bool / int32 JAX arrays, other arguments).

    The arguments a typed class and NumPyro's are both given, for the
    comparisons that need identical inputs on both sides (compiled programs,
    construction times, shared buffers).
    """
    names = {s.name for s in record_of(g.cls).parameters}  # pyright: ignore[reportPrivateUsage]
    arrays: dict[str, Any] = {}
    others: dict[str, Any] = {}
    for name, value in kwargs.items():
        if name in names and isinstance(value, np.ndarray | np.generic | jax.Array):
            dtype = (
                jnp.float32
                if jnp.issubdtype(value.dtype, jnp.floating)
                else jnp.bool_
                if value.dtype == bool
                else jnp.int32
            )
            arrays[name] = jnp.asarray(value, dtype=dtype)
        else:
            others[name] = value
    return arrays, others


def typed_options(others: dict[str, Any]) -> dict[str, Any]:
    """Distribution-valued arguments as typed ones, converted before use (as a
    user's model holds them); other arguments unchanged."""

    def convert(value: Any) -> Any:
        if isinstance(value, Distribution):
            return to_typed(value)
        if isinstance(value, list):
            return [convert(v) for v in value]  # pyright: ignore[reportUnknownVariableType]
        return value

    return {name: convert(value) for name, value in others.items()}


# Subsets of the generated parametrisations, by what the checks need.

WITH_FLOATS = [
    g
    for g in GENERATED
    if any(s.kind == "float" for s in record_of(g.cls).parameters)  # pyright: ignore[reportPrivateUsage]
]


def _is_discrete(g: Generated) -> bool:
    """From the NumPyro class's declared support (a constraint, or a
    `dependent_property` that declares `is_discrete`), without building one."""
    support = inspect.getattr_static(g.cls.numpyro_class, "support", None)
    try:
        return bool(getattr(support, "is_discrete", False))
    except NotImplementedError:  # depends on the parameters (e.g. Delta)
        return False


DISCRETE = [g for g in WITH_FLOATS if _is_discrete(g)]


def _mentions_distribution(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, nd.Distribution):
        return True
    return any(_mentions_distribution(a) for a in typing.get_args(annotation))


def _takes_distributions(g: Generated) -> bool:
    """Whether the class has a distribution-valued argument (from its declaration)."""
    return any(
        _mentions_distribution(option.annotation) for option in record_of(g.cls).options
    )


WITH_BASES = [g for g in GENERATED if _takes_distributions(g)]
