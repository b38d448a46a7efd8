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

import copy
import functools
import inspect
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest
from numpyro.distributions import constraints
from numpyro.distributions.transforms import biject_to

import typed_dists as td
from helpers.generate import (
    BATCH_SHAPES,
    DISCRETE,
    GENERATED,
    WITH_BASES,
    WITH_FLOATS,
    Generated,
)
from typed_dists._core._record import record_of

CASES = [
    pytest.param(g, batch, id=f"{g.id}-batch{len(batch)}")
    for g in GENERATED
    for batch in BATCH_SHAPES
]
CLASSES = sorted({g.cls for g in GENERATED}, key=lambda c: c.__name__)


def _skip_if_listed(g: Generated, check: str) -> None:
    reason = g.skip_reason(check)
    if reason is not None:
        pytest.skip(f"{g.name} is excluded from {check!r}: {reason}")


def _promoted(kwargs: dict[str, Any], g: Generated) -> dict[str, Any]:
    ints = {s.name for s in record_of(g.cls).parameters if s.kind == "int"}  # pyright: ignore[reportPrivateUsage]
    out: dict[str, Any] = {}
    for name, value in kwargs.items():
        if isinstance(value, np.ndarray | np.generic) and name in ints:
            out[name] = jnp.asarray(value, dtype=jnp.int32)
        elif isinstance(value, np.ndarray | np.generic) and np.issubdtype(
            value.dtype, np.floating
        ):
            out[name] = jnp.asarray(value, dtype=jnp.float32)
        else:
            out[name] = value
    return out


@functools.cache
def _built(index: int, batch: tuple[int, ...]) -> tuple[Any, Any, dict[str, Any]]:
    g = GENERATED[index]
    kwargs = g.make(jax.random.key(index), batch)
    typed = g.cls(**kwargs)
    plain = g.cls.numpyro_class(**_promoted(kwargs, g))
    return typed, plain, kwargs


def _build(g: Generated, batch: tuple[int, ...]) -> tuple[Any, Any, dict[str, Any]]:
    return _built(GENERATED.index(g), batch)


def _same(typed: Any, plain: Any) -> None:
    np.testing.assert_array_equal(np.asarray(typed), np.asarray(plain), strict=True)


def _float_names(g: Generated, kwargs: dict[str, Any]) -> list[str]:
    return [
        s.name
        for s in record_of(g.cls).parameters
        if s.kind == "float" and kwargs.get(s.name) is not None
    ]


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


@pytest.mark.parametrize(("g", "batch"), CASES)
def test_shapes_and_support(g: Generated, batch: tuple[int, ...]) -> None:
    typed, plain, _ = _build(g, batch)
    assert typed.batch_shape == plain.batch_shape
    assert typed.event_shape == plain.event_shape
    assert type(typed.support) is type(plain.support)
    assert typed.has_enumerate_support == plain.has_enumerate_support
    assert isinstance(typed.to_numpyro(), g.cls.numpyro_class)


# Eager JAX compiles every operation on its own, which makes NumPyro's
# samplers (loops) slow to run op by op; so both sides run in one compiled
# program per case, which builds the typed and the NumPyro distribution from
# the same promoted arrays, samples and evaluates `log_prob` on the sample.
# Built inside the program on both sides, derived quantities (NumPyro computes
# some at construction) are computed the same way, so the arrays are
# identical. (One program rather than four: compilation dominates the suite.)
_sample = jax.jit(lambda d, key: d.sample(key, (2,)))


def _compiled_both(g: Generated, kwargs: dict[str, Any]) -> Any:
    """`f(arrays, key) -> ((typed sample, log_prob), (NumPyro's ...))`, with
    options (ints, bools, distributions) static, and the arrays."""
    promoted = _promoted(kwargs, g)
    arrays = {k: v for k, v in promoted.items() if isinstance(v, jax.Array)}
    static = {k: v for k, v in promoted.items() if k not in arrays}

    def side(cls: Any, params: dict[str, Any], key: jax.Array) -> Any:
        d = cls(**params, **static)
        value = d.sample(key, (2,))
        return value, d.log_prob(value)

    def both(params: dict[str, Any], key: jax.Array) -> Any:
        return side(g.cls, params, key), side(g.cls.numpyro_class, params, key)

    return jax.jit(both), arrays


@functools.cache
def _pair(index: int, batch: tuple[int, ...]) -> Any:
    """The typed and NumPyro (sample, log_prob) of one case, computed once."""
    g = GENERATED[index]
    _, _, kwargs = _built(index, batch)
    both, arrays = _compiled_both(g, kwargs)
    return both(arrays, jax.random.key(7))


@pytest.mark.slow
@pytest.mark.parametrize(("g", "batch"), CASES)
def test_sample_and_log_prob(g: Generated, batch: tuple[int, ...]) -> None:
    _skip_if_listed(g, "sample")
    (value, log_prob), (expected_value, expected_log_prob) = _pair(
        GENERATED.index(g), batch
    )
    _same(value, expected_value)
    _same(log_prob, expected_log_prob)


@pytest.mark.parametrize(("g", "batch"), CASES)
@pytest.mark.parametrize("moment", ["mean", "variance"])
def test_moments(g: Generated, batch: tuple[int, ...], moment: str) -> None:
    _skip_if_listed(g, moment)
    typed, plain, _ = _build(g, batch)
    try:
        expected = getattr(plain, moment)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            getattr(typed, moment)
        return
    _same(getattr(typed, moment), expected)


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
    floats = _float_names(g, kwargs)
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
@pytest.mark.parametrize("g", GENERATED, ids=[g.id for g in GENERATED])
def test_jit_and_pytree_round_trip(g: Generated) -> None:
    _skip_if_listed(g, "sample")
    typed, _, _ = _build(g, (2,))
    (value, _), _ = _pair(GENERATED.index(g), (2,))
    eager = typed.log_prob(value)
    leaves, treedef = jax.tree_util.tree_flatten(typed)
    rebuilt = jax.tree_util.tree_unflatten(treedef, leaves)
    _same(rebuilt.log_prob(value), eager)
    with_vmap = g.skip_reason("vmap") is None
    compiled, mapped = _compiled_and_mapped(typed, value, with_vmap)
    # Eager and compiled code may round differently (about 1 ulp).
    np.testing.assert_allclose(compiled, eager, rtol=2e-6, atol=1e-6)
    if with_vmap:
        expected = typed.log_prob(value[0])
        np.testing.assert_allclose(mapped, expected, rtol=2e-6, atol=1e-6)


# ---------------------------------------------------------------------------
# Gradients (float64): every float parameter, and the NumPyro #1876 scenario


def _unconstrained(g: Generated, name: str) -> Any:
    """The bijection onto a parameter's constraint (identity if dependent)."""
    constraint = g.cls.numpyro_class.arg_constraints.get(name)
    if constraint is None or constraints.is_dependent(constraint):  # type: ignore[no-untyped-call]
        return biject_to(constraints.real)
    return biject_to(constraint)


@pytest.mark.slow
@pytest.mark.parametrize("g", WITH_FLOATS, ids=[g.id for g in WITH_FLOATS])
def test_gradients_match_finite_differences(g: Generated) -> None:
    """d log_prob / d(parameter) along a random direction, in the parameter's
    unconstrained coordinates (so the perturbed parameter stays valid),
    against central differences: eps 1e-5, rtol 1e-4, atol 1e-6."""
    _skip_if_listed(g, "grad")
    with jax.enable_x64(True):
        kwargs = g.make(jax.random.key(11), ())
        typed = g.cls(**kwargs)
        value = _sample(typed, jax.random.key(5))[0]
        names = _float_names(g, kwargs)
        transforms = [_unconstrained(g, n) for n in names]
        points = [
            t.inv(jnp.asarray(kwargs[n]))
            for t, n in zip(transforms, names, strict=True)
        ]

        def log_density(*unconstrained: jax.Array) -> jax.Array:
            params = {
                n: t(u)
                for n, t, u in zip(names, transforms, unconstrained, strict=True)
            }
            return jnp.sum(g.cls(**{**kwargs, **params}).log_prob(value))

        # One compiled program, also used for the differences.
        value_and_grad = jax.jit(
            jax.value_and_grad(log_density, argnums=tuple(range(len(names))))
        )
        _, grads = value_and_grad(*points)

        def f(*unconstrained: jax.Array) -> jax.Array:
            result: jax.Array = value_and_grad(*unconstrained)[0]
            return result

        for i, (name, grad) in enumerate(zip(names, grads, strict=True)):
            assert grad.dtype == jnp.float64, name
            assert bool(jnp.all(jnp.isfinite(grad))), name
            direction = jax.random.normal(jax.random.key(i), points[i].shape)
            eps = 1e-5
            shifted = [list(points), list(points)]
            shifted[0][i] = points[i] + eps * direction
            shifted[1][i] = points[i] - eps * direction
            numeric = (f(*shifted[0]) - f(*shifted[1])) / (2 * eps)
            analytic = jnp.sum(grad * direction)
            np.testing.assert_allclose(
                analytic, numeric, rtol=1e-4, atol=1e-6, err_msg=name
            )


@pytest.mark.slow
@pytest.mark.parametrize("g", DISCRETE, ids=[g.id for g in DISCRETE])
def test_integer_value_gradient_allow_int_and_float0_jvp(g: Generated) -> None:
    """NumPyro #1876: an integer `value` gets a float0 tangent, which custom JVP
    rules such as xlogy's cannot multiply. With float parameters (guaranteed
    at construction) both `allow_int` and a float0 JVP tangent work."""
    _skip_if_listed(g, "grad")
    _, _, kwargs = _build(g, ())
    (sample, _), _ = _pair(GENERATED.index(g), ())
    value = jnp.asarray(sample[0], dtype=jnp.int32)
    name = _float_names(g, kwargs)[0]
    param = jnp.asarray(kwargs[name], dtype=jnp.float32)

    def log_density(p: jax.Array, v: jax.Array) -> jax.Array:
        return jnp.sum(g.cls(**{**kwargs, name: p}).log_prob(v))

    dparam, dvalue = jax.jit(jax.grad(log_density, argnums=(0, 1), allow_int=True))(
        param, value
    )
    assert dparam.dtype == jnp.float32
    assert bool(jnp.all(jnp.isfinite(dparam)))
    assert dvalue.dtype == jax.dtypes.float0
    tangent_value = np.zeros(value.shape, dtype=jax.dtypes.float0)
    _, tangent = jax.jvp(
        log_density, (param, value), (jnp.ones_like(param), tangent_value)
    )
    assert bool(jnp.isfinite(tangent))


# ---------------------------------------------------------------------------
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
    typed_class = td.from_numpyro(dist).__class__
    name = next(s.name for s in record_of(typed_class).parameters if s.kind == "float")  # pyright: ignore[reportPrivateUsage]
    bad = copy.copy(dist)
    bad.__dict__[name] = jnp.ones(jnp.shape(getattr(dist, name)), dtype=jnp.int32)
    return bad, name


@pytest.mark.parametrize("g", WITH_BASES, ids=[g.id for g in WITH_BASES])
def test_numpyro_bases_are_converted_and_checked(g: Generated) -> None:
    """A NumPyro base distribution becomes its typed counterpart; one with an
    integer parameter (NumPyro keeps it, and its gradient is float0) is
    rejected, naming the argument and the base's parameter."""
    typed, _, kwargs = _build(g, ())
    given = _distribution_arguments(kwargs)
    assert given, "the generator gives no NumPyro distribution argument"
    for argument, index in given:
        value = kwargs[argument]
        base = value if index is None else value[index]
        bad, parameter = _with_int_parameter(base)
        if index is None:
            replaced: Any = bad
        else:
            replaced = type(value)(
                bad if i == index else v for i, v in enumerate(value)
            )
        with pytest.raises(td.ParameterTypeError, match=f"`{argument}`") as info:
            g.cls(**{**kwargs, argument: replaced})
        assert f"`{parameter}`" in str(info.value)
    leaves = jax.tree_util.tree_leaves(typed)
    assert leaves
    for leaf in leaves:
        assert not jnp.issubdtype(jnp.result_type(leaf), jnp.integer), leaf
