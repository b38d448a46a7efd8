"""Parity with NumPyro: a typed distribution gives exactly NumPyro's results.

Every test is generated from the `CASES` table. For each case the typed
distribution is built from the case's float64 NumPy parameters, and the NumPyro
distribution from the *promoted* parameters: the same values as float32 JAX
arrays (integer parameters as int32 JAX arrays), which is what the typed
constructor hands to NumPyro under JAX's default 32-bit mode. Both then run the
same NumPyro code on the same arrays, so results are compared for exact
equality (`np.testing.assert_array_equal(..., strict=True)`: same shape, same
dtype, same values, NaN matching NaN).

These tests run with 64-bit mode switched off (see `_float32` below), so that
the promoted dtype is float32 even if the surrounding process enabled x64.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest

import typed_dists as td
from helpers.cases import CASES, Case
from helpers.values import grid, support_rows

_CASES = [pytest.param(c, id=c.id) for c in CASES]
_INT_PARAM_CASES = [pytest.param(c, id=c.id) for c in CASES if c.int_params]
_FLOAT_PARAMS = [
    pytest.param(c, name, id=f"{c.id}-{name}") for c in CASES for name in c.float_params
]


@pytest.fixture(autouse=True)
def _float32() -> Iterator[None]:
    """Run each test with JAX's default 32-bit mode, whatever the process set."""
    with jax.enable_x64(False):
        yield


# ---------------------------------------------------------------------------
# Helpers


def _promoted(params: dict[str, Any], case: Case) -> dict[str, jax.Array]:
    """The parameters as the typed constructor stores them (x64 off)."""
    return {
        name: jnp.asarray(value, jnp.int32)
        if name in case.int_params
        else jnp.asarray(value, jnp.float32)
        for name, value in params.items()
    }


def _pair(case: Case, params: dict[str, Any] | None = None) -> tuple[Any, Any]:
    """(typed distribution, NumPyro distribution from the promoted parameters)."""
    params = case.params if params is None else params
    return case.typed(**params), case.numpyro(**_promoted(params, case))


def _same(actual: object, expected: object) -> None:
    """Identical arrays: shape, dtype and values (NaN == NaN)."""
    assert isinstance(actual, jax.Array), type(actual)
    np.testing.assert_array_equal(np.asarray(actual), np.asarray(expected), strict=True)


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """("ok", result) or ("raises", exception type)."""
    try:
        return "ok", call()
    except Exception as error:
        return "raises", type(error)


def _same_outcome(
    typed_call: Callable[[], Any], numpyro_call: Callable[[], Any]
) -> str:
    """Run NumPyro's method; the typed one must return the same array or raise
    the same exception type. NumPyro raises `NotImplementedError` where it has
    no implementation, and `ImportError` for `icdf`s that need
    tensorflow_probability (StudentT, Beta, Gamma) when it is not installed:
    either way the typed distribution, which delegates, must raise it too.
    """
    kind, expected = _outcome(numpyro_call)
    if kind == "raises":
        with pytest.raises(expected):
            typed_call()
    else:
        _same(typed_call(), expected)
    return kind


def _stored_arrays(dist: Any) -> dict[str, jax.Array]:
    """The typed distribution's stored parameter arrays (its pytree leaves)."""
    return {
        f.name: getattr(dist, f.name)
        for f in dataclasses.fields(dist)
        if isinstance(getattr(dist, f.name), jax.Array)
    }


@functools.cache
def _sample(case_id: str) -> jax.Array:
    """NumPyro's draw of shape (4, *batch, *event) for a case (x64 off)."""
    case = next(c for c in CASES if c.id == case_id)
    with jax.enable_x64(False):
        _, numpyro = _pair(case)
        return jnp.asarray(numpyro.sample(jax.random.key(0), (4,)))


def _hand_picked(case: Case, dist: Any) -> jax.Array:
    """`support_rows` for `dist`, in the dtype of its samples.

    int32 for discrete distributions except Geometric, whose samples are
    float32; one dtype per case keeps eager compilation to one per operation
    (the value dtypes are varied in test_gradients.py).
    """
    shape = tuple(dist.batch_shape) + tuple(dist.event_shape)
    return jnp.asarray(support_rows(dist.support, shape), _sample(case.id).dtype)


# ---------------------------------------------------------------------------
# Densities and sampling


@pytest.mark.parametrize("case", _CASES)
def test_log_prob_on_sample(case: Case) -> None:
    typed, numpyro = _pair(case)
    value = _sample(case.id)
    expected = numpyro.log_prob(value)
    assert bool(jnp.all(jnp.isfinite(expected)))
    _same(typed.log_prob(value), expected)


@pytest.mark.parametrize("case", _CASES)
def test_log_prob_on_hand_picked_values(case: Case) -> None:
    typed, numpyro = _pair(case)
    value = _hand_picked(case, numpyro)
    expected = numpyro.log_prob(value)
    assert bool(jnp.all(jnp.isfinite(expected))), (value, expected)
    _same(typed.log_prob(value), expected)


@pytest.mark.parametrize("case", _CASES)
def test_sample(case: Case) -> None:
    typed, numpyro = _pair(case)
    key = jax.random.key(0)
    for sample_shape in ((), (4,)):
        actual = typed.sample(key, sample_shape)
        expected = numpyro.sample(key, sample_shape)
        full = sample_shape + tuple(numpyro.batch_shape) + tuple(numpyro.event_shape)
        assert actual.shape == full
        _same(actual, expected)
    # Other keys give other draws: the comparison above is not vacuous.
    other = typed.sample(jax.random.key(1), (4,))
    assert not np.array_equal(np.asarray(other), np.asarray(_sample(case.id)))


# ---------------------------------------------------------------------------
# Moments, entropy, cdf/icdf


@pytest.mark.parametrize("case", _CASES)
def test_mean_variance_mode(case: Case) -> None:
    typed, numpyro = _pair(case)
    # NaN and inf positions are compared too (Cauchy's mean and variance are
    # NaN).
    _same(typed.mean, numpyro.mean)
    _same(typed.variance, numpyro.variance)
    _same_outcome(lambda: typed.mode, lambda: numpyro.mode)


@pytest.mark.parametrize("case", _CASES)
def test_entropy(case: Case) -> None:
    typed, numpyro = _pair(case)
    _same_outcome(typed.entropy, numpyro.entropy)


@pytest.mark.parametrize("case", _CASES)
def test_cdf_icdf(case: Case) -> None:
    typed, numpyro = _pair(case)
    values = [_hand_picked(case, numpyro), _sample(case.id)]
    for value in values:
        _same_outcome(
            functools.partial(typed.cdf, value), functools.partial(numpyro.cdf, value)
        )
    shape = (4, *numpyro.batch_shape, *numpyro.event_shape)
    for q in (grid(shape), 1.0 - grid(shape)):
        q32 = jnp.asarray(q, jnp.float32)
        _same_outcome(
            functools.partial(typed.icdf, q32), functools.partial(numpyro.icdf, q32)
        )


# ---------------------------------------------------------------------------
# Support, shapes and flags


def _same_constraint(actual: Any, expected: Any) -> None:
    assert type(actual) is type(expected)
    assert actual.is_discrete == expected.is_discrete
    assert actual.event_dim == expected.event_dim
    for bound in ("lower_bound", "upper_bound"):
        if hasattr(expected, bound):
            _same(
                jnp.asarray(getattr(actual, bound)),
                jnp.asarray(getattr(expected, bound)),
            )
    if not hasattr(expected, "lower_bound"):  # parameter-free: the same singleton
        assert actual is expected


@pytest.mark.parametrize("case", _CASES)
def test_support_shapes_and_flags(case: Case) -> None:
    typed, numpyro = _pair(case)
    _same_constraint(typed.support, numpyro.support)
    assert typed.support.is_discrete is case.discrete
    assert typed.batch_shape == tuple(numpyro.batch_shape)
    assert typed.event_shape == tuple(numpyro.event_shape)
    assert typed.has_enumerate_support == numpyro.has_enumerate_support
    assert typed.has_rsample == numpyro.has_rsample
    assert typed.has_rsample is not case.discrete
    assert typed.reparametrized_params == list(numpyro.reparametrized_params)
    assert typed.is_discrete == numpyro.is_discrete


def _check_enumerate_support(typed: Any, numpyro: Any) -> None:
    for expand in (True, False):
        kind = _same_outcome(
            functools.partial(typed.enumerate_support, expand),
            functools.partial(numpyro.enumerate_support, expand),
        )
        if kind == "ok":
            assert numpyro.has_enumerate_support


@pytest.mark.parametrize("case", _CASES)
def test_enumerate_support(case: Case) -> None:
    # Non-enumerable distributions raise NotImplementedError in both; so does
    # NumPyro's Binomial for an inhomogeneous `total_count` (the table's), see
    # the homogeneous variant below.
    _check_enumerate_support(*_pair(case))


@pytest.mark.parametrize("case", _INT_PARAM_CASES)
def test_enumerate_support_homogeneous_integer_parameters(case: Case) -> None:
    params = {
        name: np.full_like(value, np.max(value)) if name in case.int_params else value
        for name, value in case.params.items()
    }
    typed, numpyro = _pair(case, params)
    assert numpyro.has_enumerate_support
    expected = numpyro.enumerate_support()
    _same(typed.enumerate_support(), expected)
    _check_enumerate_support(typed, numpyro)


# ---------------------------------------------------------------------------
# to_numpyro / from_numpyro


@pytest.mark.parametrize("case", _CASES)
def test_to_numpyro(case: Case) -> None:
    typed, numpyro = _pair(case)
    plain = typed.to_numpyro()
    assert type(plain) is type(numpyro)  # e.g. nd.BernoulliProbs, exactly
    assert type(plain) is type(typed).numpyro_class
    assert not isinstance(plain, td.TypedDistribution)
    stored = _stored_arrays(typed)
    assert stored
    for name, array in stored.items():
        assert getattr(plain, name) is array, name
        _same(array, getattr(numpyro, name))
        expected_dtype = jnp.int32 if name in case.int_params else jnp.float32
        assert array.dtype == expected_dtype, (name, array.dtype)
    promoted = _promoted(case.params, case)
    for name in set(stored) & set(promoted):  # the promoted constructor arguments
        # (NumPyro may broadcast them: MultivariateNormal's `loc`)
        _same(stored[name], jnp.broadcast_to(promoted[name], stored[name].shape))
    # Rebuilt from its pytree leaves (as inside jit), it rebuilds an equal
    # NumPyro distribution from those same leaves.
    leaves, treedef = jax.tree_util.tree_flatten(typed)
    rebuilt = jax.tree_util.tree_unflatten(treedef, leaves)
    value = _sample(case.id)
    again = rebuilt.to_numpyro()
    assert type(again) is type(numpyro)
    assert again is rebuilt.to_numpyro()  # built once
    for name, array in _stored_arrays(rebuilt).items():
        # NumPyro re-derives some parameters from the ones passed
        # (MultivariateNormal reshapes `loc`): equal values, maybe new arrays.
        _same(getattr(again, name), array)
    _same(rebuilt.log_prob(value), numpyro.log_prob(value))


@pytest.mark.parametrize("case", _CASES)
def test_from_numpyro_round_trip(case: Case) -> None:
    typed, numpyro = _pair(case)
    converted = td.from_numpyro(numpyro)
    assert type(converted) is type(typed)
    for name, array in _stored_arrays(typed).items():
        _same(getattr(converted, name), array)
    value = _sample(case.id)
    _same(converted.log_prob(value), numpyro.log_prob(value))
    assert td.from_numpyro(typed) is typed


@pytest.mark.parametrize(("case", "name"), _FLOAT_PARAMS)
def test_from_numpyro_rejects_integer_parameter(case: Case, name: str) -> None:
    params = _promoted(case.params, case)
    params[name] = jnp.asarray(np.ceil(case.params[name]), jnp.int32)
    # Without validation NumPyro stores the integers as passed (an integer
    # `probs` is not on the simplex, but NumPyro does not check that here).
    numpyro = case.numpyro(**params, validate_args=False)
    stored = _stored_arrays(case.typed(**case.params))
    if name in stored:
        assert jnp.issubdtype(getattr(numpyro, name).dtype, jnp.integer)
        with pytest.raises(TypeError, match=f"`{name}`"):
            td.from_numpyro(numpyro)
    else:
        # NumPyro derives the stored parameter (MultivariateNormal's
        # `scale_tril` from an integer covariance or precision matrix) as
        # floats: nothing integer is left to reject.
        converted = td.from_numpyro(numpyro)
        for array_name, array in _stored_arrays(converted).items():
            _same(array, getattr(numpyro, array_name))
            assert array.dtype == jnp.float32


@pytest.mark.parametrize(
    ("make", "name"),
    [
        pytest.param(
            lambda: nd.BernoulliProbs(jnp.array([0, 1])), "probs", id="BernoulliProbs"
        ),
        pytest.param(lambda: nd.Normal(jnp.array([0, 1]), 1.0), "loc", id="Normal"),
    ],
)
def test_from_numpyro_rejects_integer_parameter_examples(
    make: Callable[[], Any], name: str
) -> None:
    with pytest.raises(TypeError, match=f"`{name}`"):
        td.from_numpyro(make())
