"""The generated parity suite: every exported typed class against NumPyro.

Arguments come from each class's declaration (`tests/helpers/generate.py`), at batch
shapes () and (2,). Each check compares the typed distribution with NumPyro's
own class built from the same promoted arguments (float parameters as float32
JAX arrays, integer parameters as int32): identical arrays where the
computation is the same. A class that cannot take part in a check is listed in
a family's `SKIPS` with the reason, and the list is printed at the end of the
run (see `conftest.py`).
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest

import typed_dists as td
from helpers.built import ONE_BATCH, ONE_BATCH_IDS, built, same
from helpers.generate import (
    GENERATED,
    ROW_IDS,
    ROWS,
    TABLE,
    WITH_FLOATS,
    Generated,
)
from helpers.values import support_rows, support_value

CLASSES = sorted({g.cls for g in GENERATED}, key=lambda c: c.__name__)


def _build(g: Generated, batch: tuple[int, ...]) -> tuple[Any, Any, dict[str, Any]]:
    """(typed distribution, NumPyro's from the promoted arguments, arguments),
    built once per process (`helpers/built.py`)."""
    row = built(g, batch)
    return row.typed, row.plain, row.kwargs


# ---------------------------------------------------------------------------
# Declarations


def test_every_exported_class_is_generated() -> None:
    assert len(CLASSES) >= 17
    assert {g.cls for g in GENERATED} == set(CLASSES)


@pytest.mark.parametrize("cls", CLASSES, ids=[c.__name__ for c in CLASSES])
def test_signature_is_numpyros(cls: type[td.TypedDistribution[Any]]) -> None:
    ours = inspect.signature(cls).parameters
    theirs = inspect.signature(cls.numpyro_class).parameters
    assert list(ours) == list(theirs)
    for key in ours:
        assert ours[key].kind == theirs[key].kind, key
        assert ours[key].default == theirs[key].default, key


FACTORIES = [
    name
    for name in td.__all__
    if inspect.isfunction(getattr(td, name))
    and inspect.isfunction(getattr(nd, name, None))
]


@pytest.mark.parametrize("name", FACTORIES)
def test_factory_signature_is_numpyros(name: str) -> None:
    ours = inspect.signature(getattr(td, name)).parameters
    theirs = inspect.signature(getattr(nd, name)).parameters
    assert list(ours) == list(theirs)
    for key in ours:
        assert ours[key].kind == theirs[key].kind, key
        assert ours[key].default == theirs[key].default, key


# ---------------------------------------------------------------------------
# Parity with NumPyro


def _same_constraint(actual: Any, expected: Any) -> None:
    assert type(actual) is type(expected)
    assert actual.is_discrete == expected.is_discrete
    assert actual.event_dim == expected.event_dim
    for bound in ("lower_bound", "upper_bound"):
        if hasattr(expected, bound):
            same(
                jnp.asarray(getattr(actual, bound)),
                jnp.asarray(getattr(expected, bound)),
            )


@pytest.mark.parametrize(("g", "batch"), ROWS, ids=ROW_IDS)
def test_shapes_support_and_flags(g: Generated, batch: tuple[int, ...]) -> None:
    typed, plain, _ = _build(g, batch)
    assert isinstance(typed, nd.Distribution)
    assert isinstance(typed, td.TypedDistribution)
    assert typed.batch_shape == plain.batch_shape
    assert typed.event_shape == plain.event_shape
    _same_constraint(typed.support, plain.support)
    assert typed.has_enumerate_support == plain.has_enumerate_support
    assert typed.has_rsample == plain.has_rsample
    assert typed.reparametrized_params == list(plain.reparametrized_params)
    assert typed.is_discrete == plain.is_discrete
    assert type(typed.to_numpyro()) is g.cls.numpyro_class


# Sampling, log_prob, cdf/icdf, mode, entropy and enumerate_support of every
# row are compared with NumPyro's as compiled programs, at every batch shape
# (tests/core/test_compiled.py: the same program, so the same results bit for
# bit). Here: the eager path (no trace), on the values that matter.


@pytest.mark.parametrize(("g", "batch"), ROWS, ids=ROW_IDS)
@pytest.mark.parametrize("moment", ["mean", "variance"])
def test_moments(g: Generated, batch: tuple[int, ...], moment: str) -> None:
    g.skip_if_listed(moment)
    typed, plain, _ = _build(g, batch)
    try:
        expected = getattr(plain, moment)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            getattr(typed, moment)
        return
    same(getattr(typed, moment), expected)


def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return "ok", call()
    except Exception as error:  # compared with the typed side's
        return "raises", type(error)


def _same_outcome(typed_call: Any, numpyro_call: Any) -> str:
    """NumPyro's result, or the exception type it raises, from the typed call."""
    kind, expected = _outcome(numpyro_call)
    if kind == "raises":
        with pytest.raises(expected):
            typed_call()
    else:
        same(typed_call(), expected)
    return kind


@pytest.mark.numpyro_eager
@pytest.mark.parametrize("g", TABLE, ids=[g.id for g in TABLE])
def test_eager_methods_on_hand_picked_values(g: Generated) -> None:
    """Eagerly, on four hand-picked in-support values per batch element:
    `log_prob` (finite), `cdf`, `icdf` at quantiles, `mode`, `entropy`
    and `enumerate_support` as NumPyro's, raising what NumPyro raises."""
    assert g.batch is not None
    typed, plain, _ = _build(g, g.batch)
    shape = (*plain.batch_shape, *plain.event_shape)
    dtype = support_value(plain, jax.random.key(0)).dtype
    value = jnp.asarray(support_rows(plain.support, shape), dtype)
    expected = plain.log_prob(value)
    assert bool(jnp.all(jnp.isfinite(expected)))
    same(typed.log_prob(value), expected)
    _same_outcome(
        functools.partial(typed.cdf, value), functools.partial(plain.cdf, value)
    )
    quantiles = jnp.asarray(
        np.linspace(0.05, 0.95, value.size).reshape(value.shape), jnp.float32
    )
    _same_outcome(
        functools.partial(typed.icdf, quantiles),
        functools.partial(plain.icdf, quantiles),
    )
    _same_outcome(lambda: typed.mode, lambda: plain.mode)
    _same_outcome(typed.entropy, plain.entropy)
    for expand in (True, False):
        kind = _same_outcome(
            functools.partial(typed.enumerate_support, expand),
            functools.partial(plain.enumerate_support, expand),
        )
        if kind == "ok":
            assert plain.has_enumerate_support
    if not plain.has_enumerate_support:
        assert kind == "raises"


def test_inhomogeneous_total_count_is_not_enumerable_in_either() -> None:
    """The table's Binomial `total_count` [5, 10, 3]: NumPyro refuses to
    enumerate it, and so does the typed one; a homogeneous one enumerates."""
    total_count = np.array([5, 10, 3])
    probs = np.array([0.2, 0.5, 0.9])
    typed: Any = td.Binomial(total_count=total_count, probs=probs)
    plain: Any = nd.Binomial(
        total_count=jnp.asarray(total_count), probs=jnp.asarray(probs, jnp.float32)
    )
    for call in (typed.enumerate_support, plain.enumerate_support):
        with pytest.raises(NotImplementedError):
            call()
    typed = td.Binomial(total_count=np.full(3, 10), probs=probs)
    plain = nd.Binomial(
        total_count=jnp.full(3, 10), probs=jnp.asarray(probs, jnp.float32)
    )
    same(typed.enumerate_support(), plain.enumerate_support())
    same(typed.enumerate_support(False), plain.enumerate_support(False))


# ---------------------------------------------------------------------------
# Rejection of the seed bug's inputs


def _float0_like(shape: tuple[int, ...]) -> Any:
    def total(x: jax.Array) -> jax.Array:
        return jnp.sum(x).astype(jnp.float32)

    return jax.grad(total, allow_int=True)(jnp.ones(shape, dtype=jnp.int32))


# Distributions with at least one float parameter (DiscreteUniform has none).


@pytest.mark.parametrize("g", WITH_FLOATS, ids=[g.id for g in WITH_FLOATS])
def test_float_parameters_reject_int32_and_float0(g: Generated) -> None:
    _, _, kwargs = _build(g, (2,))
    floats = g.float_params(kwargs)
    assert floats
    for name in floats:
        shape = np.shape(kwargs[name])
        for bad in (jnp.ones(shape, dtype=jnp.int32), _float0_like(shape)):
            with pytest.raises(td.ParameterTypeError, match=f"`{name}`"):
                g.cls(**{**kwargs, name: bad})


# ---------------------------------------------------------------------------
# Transformations


@functools.partial(jax.jit, static_argnums=2)
def _compiled_and_mapped(d: Any, value: jax.Array, with_vmap: bool) -> Any:
    """`log_prob` of a distribution passed into a compiled program (so
    flattened and rebuilt by `jit`), and `vmap`ped over its batch: one
    distribution and one value per element."""
    mapped = jax.vmap(lambda e, x: e.log_prob(x))(d, value[0]) if with_vmap else None
    return d.log_prob(value), mapped


@pytest.mark.slow
@pytest.mark.parametrize(("g", "batch"), ONE_BATCH, ids=ONE_BATCH_IDS)
def test_jit_and_pytree_round_trip(g: Generated, batch: tuple[int, ...]) -> None:
    """A typed distribution flattened and rebuilt is the same module, and as an
    argument of a compiled program (flattened and rebuilt by `jit`) its
    `log_prob` is NumPyro's compiled one with NumPyro's distribution as the
    argument (bit for bit on the table rows; to rounding on the generated
    ones, where rebuilding from different leaves may order an operation
    differently); `vmap`ped over its batch, each element's is the whole
    distribution's (to rounding: a mapped program is another program).

    (Eager `log_prob` is the same delegation outside a trace: it is checked
    on the table rows, `test_eager_methods_on_hand_picked_values`; compiled
    here, a row costs a fifth of an eager call's op-by-op compilations.)"""
    typed, plain, _ = _build(g, batch)
    value = support_value(typed, jax.random.key(7), (2,))
    leaves, treedef = jax.tree_util.tree_flatten(typed)
    rebuilt = jax.tree_util.tree_unflatten(treedef, leaves)
    assert type(rebuilt) is type(typed)
    structure: Any = jax.tree_util.tree_structure(rebuilt)  # unannotated `==`
    assert structure == treedef
    rebuilt_leaves = jax.tree_util.tree_leaves(rebuilt)
    assert all(a is b for a, b in zip(rebuilt_leaves, leaves, strict=True))
    # vmap maps every leaf along its first axis: a row whose stored leaves do
    # not all have the batch axis first (MultivariateNormal stores an
    # unbatched `loc` as (1, n)) cannot be mapped over its batch.
    with_vmap = (
        g.skip_reason("vmap") is None
        and batch != ()
        and all(np.shape(leaf)[:1] == batch[:1] for leaf in leaves)
    )
    compiled, mapped = _compiled_and_mapped(typed, value, with_vmap)
    expected = _compiled_and_mapped(plain, value, False)[0]
    if g.batch is not None:
        same(compiled, expected)
    else:
        assert compiled.dtype == expected.dtype
        np.testing.assert_allclose(compiled, expected, rtol=2e-6, atol=1e-6)
    if with_vmap:
        np.testing.assert_allclose(mapped, compiled[0], rtol=2e-6, atol=1e-6)
