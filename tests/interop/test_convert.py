"""Conversions between typed and NumPyro distributions, for every parametrisation.

Every check runs over every parametrisation of the generated table
(`helpers.generate.EVERY`: every exported typed class and parametrisation,
and the hand-picked table rows called through their factories) at one batch
shape (`helpers.built.ONE_BATCH`: (2,), a table row's own), eagerly. A row is
built once (`helpers.built`) and the checks compare stored arrays, which
compiles nothing; building the rows is what costs (eager JAX compiles each
operation for each shape), and the outcome of these checks does not depend
on the batch shape. NumPyro's own distribution is built from the promoted
arguments (float32 / int32 JAX arrays), so stored parameters compare bitwise.

`log_prob` is compared with NumPyro's on the table rows only, eagerly, at
in-support values (`helpers.values.support_value`): eager JAX compiles each
operation for each shape, about 0.3 s per row, too much for every generated
row. That `log_prob` of every row is NumPyro's is proved by compiled-program
identity in `tests/core/test_compiled.py`.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as nd
import pytest

import typed_dists as td
from helpers.built import (
    EXPECTED_DTYPE,
    ONE_BATCH,
    ONE_BATCH_IDS,
    Built,
    built,
    flat,
    same,
    stored_arrays,
)
from helpers.generate import EVERY, GENERATED, TABLE, WITH_BASES, Generated
from typed_dists._core._record import record_of


def _log_prob_is_numpyros(dist: Any, b: Built) -> None:
    """`dist.log_prob` is NumPyro's, finite, at the row's in-support values
    (for the table rows, see the module docstring)."""
    value, expected = b.reference
    assert bool(jnp.all(jnp.isfinite(expected)))
    same(dist.log_prob(value), expected)


def _kinds(dist: Any) -> dict[str, str]:
    return {
        field: kind for field, (kind, _) in record_of(type(dist)).field_kinds().items()
    }


# ---------------------------------------------------------------------------
# The table


# The first family the project covered: each is called by a table row.
FIRST_FAMILY = {
    "Bernoulli", "Binomial", "Categorical", "Poisson", "Geometric", "Normal",
    "HalfNormal", "LogNormal", "StudentT", "Cauchy", "Laplace", "Beta", "Gamma",
    "Exponential", "Uniform", "Dirichlet", "MultivariateNormal",
}  # fmt: skip


def test_table_rows_call_the_first_family_through_exported_constructors() -> None:
    """The hand-picked rows of the generated table call exactly the first
    family, through what `typed_dists` exports (class or factory), and build
    classes the generated table covers."""
    assert {g.constructor.__name__ for g in TABLE} == FIRST_FAMILY
    generated = {g.cls for g in GENERATED}
    for g in TABLE:
        assert getattr(td, g.constructor.__name__) is g.constructor, g.id
        assert g.cls in generated, g.id


# ---------------------------------------------------------------------------
# to_numpyro


@pytest.mark.numpyro_eager
@pytest.mark.parametrize(("g", "batch"), ONE_BATCH, ids=ONE_BATCH_IDS)
def test_to_numpyro(g: Generated, batch: tuple[int, ...]) -> None:
    """`to_numpyro()` is NumPyro's exact class holding the typed arrays; those
    are NumPyro's own stored parameters, float32 / int32, the promoted
    arguments; a module rebuilt from its leaves (as inside `jit`) builds its
    NumPyro distribution once, from the same arrays."""
    b = built(g, batch)
    # A fresh one: what NumPyro holds right after construction, before any
    # derived (lazy) attribute is read.
    typed = g.constructor(**b.kwargs)
    assert type(typed) is g.cls
    # One isinstance per base: mypy cannot combine Module and Distribution
    # (their metaclasses differ) and would call later checks unreachable.
    for base in (nd.Distribution, eqx.Module, td.TypedDistribution):
        assert isinstance(typed, base), base
    plain = typed.to_numpyro()
    assert type(plain) is g.cls.numpyro_class
    assert not isinstance(plain, td.TypedDistribution)
    held = dict(vars(plain))
    stored = stored_arrays(typed)
    if b.arrays:
        assert stored
    kinds = _kinds(typed)
    names = record_of(g.cls).names
    for field, (attribute, array) in stored.items():
        if attribute in held:  # NumPyro keeps it: the very same array
            assert held[attribute] is array, field
        else:  # NumPyro derives it when read (a property)
            same(getattr(plain, attribute), array)
        same(array, getattr(b.plain, attribute))
        assert array.dtype == EXPECTED_DTYPE[kinds[field]], (field, array.dtype)
        given = b.arrays.get(names[field])
        if given is not None:  # NumPyro may broadcast it (MVN's `loc`)
            same(array, np.broadcast_to(np.asarray(given), array.shape))
    leaves, treedef = jax.tree_util.tree_flatten(typed)
    rebuilt = jax.tree_util.tree_unflatten(treedef, leaves)
    again = rebuilt.to_numpyro()
    assert type(again) is g.cls.numpyro_class
    assert again is rebuilt.to_numpyro()  # built once
    for attribute, array in stored_arrays(rebuilt).values():
        # NumPyro re-derives some parameters from the ones passed (MVN
        # reshapes `loc`): equal values, maybe new arrays.
        same(getattr(again, attribute), array)
    if b.is_table:
        _log_prob_is_numpyros(rebuilt, b)


def test_to_numpyro_bernoulli_classes() -> None:
    assert type(td.Bernoulli(probs=0.3).to_numpyro()) is nd.BernoulliProbs
    assert type(td.Bernoulli(logits=0.3).to_numpyro()) is nd.BernoulliLogits
    assert type(td.Normal(0.0, 1.0).to_numpyro()) is nd.Normal


@pytest.mark.numpyro_eager
@pytest.mark.parametrize(("g", "batch"), ONE_BATCH, ids=ONE_BATCH_IDS)
def test_fields_rebuild_the_numpyro_distribution(
    g: Generated, batch: tuple[int, ...]
) -> None:
    """The invariant the base relies on: the fields, under NumPyro's argument
    names, are NumPyro's constructor arguments, and rebuild its parameters."""
    b = built(g, batch)
    typed = b.typed
    names = record_of(g.cls).names
    rebuilt = g.cls.numpyro_class(
        **{argument: getattr(typed, field) for field, argument in names.items()}
    )
    assert type(rebuilt) is g.cls.numpyro_class
    for attribute, array in stored_arrays(typed).values():
        same(getattr(rebuilt, attribute), array)
    assert rebuilt.batch_shape == typed.batch_shape
    assert rebuilt.event_shape == typed.event_shape
    if b.is_table:
        value, expected = b.reference
        same(rebuilt.log_prob(value), expected)
        same(typed.log_prob(value), expected)


# ---------------------------------------------------------------------------
# from_numpyro


@pytest.mark.numpyro_eager
@pytest.mark.parametrize(("g", "batch"), ONE_BATCH, ids=ONE_BATCH_IDS)
def test_from_numpyro_round_trip(g: Generated, batch: tuple[int, ...]) -> None:
    """NumPyro's distribution converts to the typed class holding equal
    arrays; a typed distribution converts to itself."""
    b = built(g, batch)
    converted = td.from_numpyro(b.plain)
    assert type(converted) is g.cls
    assert type(converted.to_numpyro()) is type(b.plain)
    converted_leaves, converted_tree = flat(converted)
    leaves, tree = flat(b.typed)
    if not _distribution_arguments(b.kwargs):
        # (NumPyro may rebuild a base it is given with another `validate_args`,
        # static in the typed base's tree: IntervalCensoredDistribution.)
        assert converted_tree == tree
    assert converted_tree.num_leaves == tree.num_leaves
    for converted_leaf, leaf in zip(converted_leaves, leaves, strict=True):
        same(converted_leaf, leaf)
    assert converted.batch_shape == b.plain.batch_shape
    assert converted.event_shape == b.plain.event_shape
    assert td.from_numpyro(b.typed) is b.typed
    if b.is_table:
        _log_prob_is_numpyros(converted, b)


class _Unwrapped(nd.Normal):
    """A user's NumPyro subclass: no typed counterpart is registered for it
    (the registry is keyed by exact class)."""


def test_from_numpyro_without_counterpart_raises() -> None:
    with pytest.raises(TypeError, match=r"no typed counterpart of .*_Unwrapped"):
        td.from_numpyro(_Unwrapped(1.0, 1.0))


def test_first_declared_class_keeps_the_registry() -> None:
    class MyNormal(td.LocScale[nd.Normal]):
        """A second typed wrapper of NumPyro's Normal, declared after the library's."""

    assert type(td.from_numpyro(nd.Normal(0.0, 1.0))) is td.Normal
    assert isinstance(MyNormal(0.0, 1.0), nd.Distribution)


def _float_parameters(b: Built) -> list[str]:
    """The float parameters given as arrays in the row."""
    return [
        s.name
        for s in record_of(b.g.cls).parameters
        if s.kind == "float" and s.name in b.arrays
    ]


def _is_square(dims: str) -> bool:
    """Whether a parameter's annotation ends in a square matrix (`n n`)."""
    tokens = [t.lstrip("#") for t in dims.split()]
    return len(tokens) >= 2 and tokens[-1] == tokens[-2] and not tokens[-1].isdigit()


def _with_integer(b: Built, name: str) -> nd.Distribution:
    """NumPyro's distribution holding an int32 array for parameter `name`.

    Where NumPyro keeps the parameter as passed (an instance attribute): a
    copy of NumPyro's own with it replaced by int32 ones, as NumPyro's
    constructor keeps them (computing nothing, so compiling nothing). Where
    it derives what it stores (MVN's `scale_tril` from a covariance, a
    property): NumPyro's constructor given an int32 array, the identity for a
    matrix, else the values rounded up, with validation off.
    """
    record = record_of(b.g.cls)
    field = next((f for f, n in record.names.items() if n == name), None)
    attribute = None if field is None else record.attributes[field]
    given = b.arrays[name]
    numpyro_class: Any = b.g.cls.numpyro_class
    if attribute is not None and not hasattr(
        inspect.getattr_static(numpyro_class, attribute, None), "__get__"
    ):
        plain: nd.Distribution = copy.copy(b.plain)
        shape = np.shape(vars(b.plain)[attribute])  # as NumPyro stores it
        plain.__dict__[attribute] = jnp.asarray(np.ones(shape, np.int32))
        return plain
    spec = next(s for s in record.parameters if s.name == name)
    if _is_square(spec.dims[0]):
        eye = np.eye(given.shape[-1], dtype=np.int32)
        value = jnp.asarray(np.broadcast_to(eye, given.shape))
    else:
        value = jnp.asarray(np.ceil(np.asarray(given)).astype(np.int32))
    options = dict(b.others)
    if "validate_args" in inspect.signature(numpyro_class).parameters:
        options["validate_args"] = False
    with numpyro.validation_enabled(False):
        plain = numpyro_class(**{**b.arrays, name: value}, **options)
    return plain


@pytest.mark.parametrize(("g", "batch"), ONE_BATCH, ids=ONE_BATCH_IDS)
def test_from_numpyro_rejects_an_integer_parameter(
    g: Generated, batch: tuple[int, ...]
) -> None:
    """A NumPyro distribution holding an int32 array for a float parameter
    (NumPyro keeps it; its gradient would be float0) is rejected, naming the
    class and the parameter. Where NumPyro derives the stored parameters from
    it as floats (MVN's `scale_tril` from an integer covariance), nothing
    integer is left: the conversion holds NumPyro's float32 arrays."""
    b = built(g, batch)
    record = record_of(g.cls)
    kinds = _kinds(b.typed)
    names = _float_parameters(b)
    assert names or not any(s.kind == "float" for s in record.parameters)
    for name in names:
        plain = _with_integer(b, name)
        held = {
            record.names[field]: getattr(plain, attribute)
            for field, attribute in record.attributes.items()
            if kinds.get(field) == "float"
        }
        integer = [
            n
            for n, value in held.items()
            if isinstance(value, jax.Array) and jnp.issubdtype(value.dtype, jnp.integer)
        ]
        if integer:
            # The parameter itself, or (Wishart's `concentration`, derived
            # when read) what NumPyro derives from it.
            assert name in integer or name not in held, (name, integer)
            with pytest.raises(td.ParameterTypeError) as info:
                td.from_numpyro(plain)
            message = str(info.value)
            assert message.startswith(f"{g.name}: parameter `"), message
            assert any(f"`{n}`" in message for n in integer), message
        else:  # NumPyro derived floats (MVN's `scale_tril`, BetaProportion's `mean`)
            converted = td.from_numpyro(plain)
            assert type(converted) is g.cls
            for field, (attribute, array) in stored_arrays(converted).items():
                same(array, getattr(plain, attribute))
                assert array.dtype == EXPECTED_DTYPE[kinds[field]], field


@pytest.mark.parametrize(
    ("make", "name"),
    [
        pytest.param(
            lambda: nd.BernoulliProbs(jnp.array([0, 1])), "probs", id="BernoulliProbs"
        ),
        pytest.param(lambda: nd.Normal(jnp.array([0, 1]), 1.0), "loc", id="Normal"),
    ],
)
def test_from_numpyro_rejects_an_integer_parameter_examples(
    make: Any, name: str
) -> None:
    """NumPyro's own constructor keeps the integers (validation on)."""
    with pytest.raises(td.ParameterTypeError, match=f"`{name}`"):
        td.from_numpyro(make())


# Distribution-valued arguments (base distributions, mixture components)


def _distribution_arguments(kwargs: dict[str, Any]) -> list[tuple[str, int | None]]:
    """(argument, index in a list or None) of every NumPyro distribution given."""
    out: list[tuple[str, int | None]] = []
    for name, value in kwargs.items():
        if isinstance(value, nd.Distribution):
            out.append((name, None))
        elif isinstance(value, list | tuple):
            out += [
                (name, i) for i, v in enumerate(value) if isinstance(v, nd.Distribution)
            ]
    return out


def _with_int_parameter(dist: nd.Distribution) -> tuple[nd.Distribution, str]:
    """A copy of `dist` with its first float parameter as an int32 array, as
    NumPyro itself would store it, and that parameter's name."""
    typed_class = type(td.from_numpyro(dist))
    name = next(s.name for s in record_of(typed_class).parameters if s.kind == "float")
    bad = copy.copy(dist)
    bad.__dict__[name] = jnp.asarray(np.ones(np.shape(getattr(dist, name)), np.int32))
    return bad, name


@pytest.mark.parametrize("g", WITH_BASES, ids=[g.id for g in WITH_BASES])
def test_numpyro_bases_are_converted_and_checked(g: Generated) -> None:
    """A NumPyro base distribution becomes its typed counterpart; one with an
    integer parameter (NumPyro keeps it, and its gradient is float0) is
    rejected, by the constructor and by `from_numpyro`, naming the argument
    and the base's parameter. At one batch shape, (2,): the check is about
    the argument, not the batch."""
    b = built(g, (2,))
    given = _distribution_arguments(b.kwargs)
    assert given, "the generator gives no NumPyro distribution argument"
    fields = {argument: field for field, argument in record_of(g.cls).names.items()}
    for argument, index in given:
        value = b.kwargs[argument]
        base = value if index is None else value[index]
        kept = getattr(b.typed, fields[argument])
        kept = kept if index is None else kept[index]
        assert isinstance(kept, td.TypedDistribution), (argument, type(kept))
        assert isinstance(kept, type(base)), (argument, type(kept))
        bad, parameter = _with_int_parameter(base)
        if index is None:
            replaced: Any = bad
        else:
            replaced = type(value)(
                bad if i == index else v for i, v in enumerate(value)
            )
        with pytest.raises(td.ParameterTypeError, match=f"`{argument}`") as info:
            g.cls(**{**b.kwargs, argument: replaced})
        assert f"`{parameter}`" in str(info.value)
        # NumPyro's own class keeps the base as given; converting it rejects it.
        plain = g.cls.numpyro_class(**{**b.arrays, **b.others, argument: replaced})
        with pytest.raises(td.ParameterTypeError, match=f"`{argument}`") as info:
            td.from_numpyro(plain)
        assert f"`{parameter}`" in str(info.value)
    leaves = jax.tree_util.tree_leaves(b.typed)
    assert leaves
    for leaf in leaves:
        assert not jnp.issubdtype(jnp.result_type(leaf), jnp.integer), leaf


# ---------------------------------------------------------------------------
# Factories


FACTORIES = [
    name
    for name in td.__all__
    if inspect.isfunction(getattr(td, name))
    and inspect.isfunction(getattr(nd, name, None))
]


WITHOUT_ROWS = {
    "HurdleNegativeBinomial2": "test_mixture.py::test_hurdle_negative_binomial2",
    "ZeroInflatedNegativeBinomial2": (
        "test_mixture.py::test_gate_factory_dispatch_and_parity"
    ),
}
"""Factories no generated row is a call of (the rows build the classes they
return with other bases), with where they are tested."""


def _binds(function: Any, kwargs: dict[str, Any]) -> bool:
    try:
        inspect.signature(function).bind(**kwargs)
    except TypeError:
        return False
    return True


@pytest.mark.parametrize("name", FACTORIES)
def test_factory_returns_the_class(name: str) -> None:
    """For every row NumPyro's factory `nd.<name>` builds as the row's NumPyro
    class (from the promoted arguments), `td.<name>` builds exactly the
    row's typed class, with leaves equal to the class's own."""
    typed_factory, numpyro_factory = getattr(td, name), getattr(nd, name)
    matched = []
    for g, batch in ONE_BATCH:
        b = built(g, batch)
        if not _binds(numpyro_factory, b.kwargs):
            continue
        try:
            plain = numpyro_factory(**b.arrays, **b.others)
        except (TypeError, ValueError, AssertionError):
            continue  # not a valid call of this factory (NumPyro refuses it)
        if type(plain) is not g.cls.numpyro_class:
            continue
        matched.append(g.id)
        typed = typed_factory(**b.kwargs)
        assert type(typed) is g.cls, (g.id, type(typed))
        leaves, tree = flat(typed)
        expected_leaves, expected_tree = flat(b.typed)
        assert tree == expected_tree, g.id
        for leaf, expected in zip(leaves, expected_leaves, strict=True):
            same(leaf, expected)
    assert bool(matched) == (name not in WITHOUT_ROWS), matched
    table = {g.id for g in EVERY if g.factory is typed_factory}
    assert table <= set(matched)
