"""Gradients through typed distributions (the bug of NumPyro issue #1876).

An integer parameter or value gets a `float0` tangent in JAX, which supports no
arithmetic; NumPyro stores integer parameters as passed, so `jax.grad` then
refuses them, returns a meaningless float0 "gradient", or crashes inside a
custom JVP rule such as `xlogy`'s. typed_dists rejects integer parameters at
construction and promotes float ones, so every gradient with respect to a
parameter is a real float array.

Every test is generated from the `CASES` table and runs in float64 (see
`_float64` below) so that gradients can be compared with central finite
differences. Values are the parity tests' hand-picked in-support values, as
int32, float64 and (Bernoulli) bool arrays for discrete cases.

Tolerances:

- finite differences: step `_EPS` = 1e-6, compared with `rtol=_FD_RTOL` (1e-5)
  and `atol=_FD_ATOL` (1e-6, for gradients that are exactly zero, such as
  those of the upper triangle of `scale_tril`). The round-off of a central
  difference is about 1e-16 * |log density| / 1e-6, below 2e-7 here (the
  largest summed log density is about -1300); the truncation error, about
  1e-12 * |third derivative|, is smaller still;
- the same gradient computed two ways (eager, under `jax.jit`, under
  `jax.vmap`) agrees to `rtol=_SAME_RTOL` (1e-9): XLA may fuse and reorder
  float64 operations differently, nothing more.

Runtime: eager JAX compiles every operation separately, which costs several
times more than one `jax.jit` of a whole gradient (seconds per distribution for
a reverse-mode gradient). So gradients are checked under `jax.jit` for every
case and value dtype, `jax.vmap` inside `jax.jit`, and the plain eager
`jax.grad` (the setting of the bug report) for the discrete cases with int32
values.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest
from numpyro.distributions import constraints

import typed_dists as td
from helpers.cases import CASES, Case
from helpers.values import support_rows

_EPS = 1e-6
_FD_RTOL = 1e-5
_FD_ATOL = 1e-6
_SAME_RTOL = 1e-9
_SAME_ATOL = 1e-12
_SHIFT = 0.125

Params = dict[str, Any]
LogDensity = Callable[[Params, Params, Any], jax.Array]
_Args = tuple[Params, Params, Any]  # floats, ints, value


def _is_boolean(case: Case) -> bool:
    with jax.enable_x64(False):
        dist = case.typed(**case.params, validate_args=False)
        return dist.support is constraints.boolean


def _value_kinds(case: Case) -> list[str]:
    """The value dtypes to differentiate with: the native one first."""
    if not case.discrete:
        return ["float64"]
    return ["int32", "float64"] + (["bool"] if _is_boolean(case) else [])


_CASES = [pytest.param(c, id=c.id) for c in CASES]
_CASE_KINDS = [
    pytest.param(c, kind, id=f"{c.id}-{kind}")
    for c in CASES
    for kind in _value_kinds(c)
]
_INTEGER_KINDS = [
    pytest.param(c, kind, id=f"{c.id}-{kind}")
    for c in CASES
    for kind in _value_kinds(c)
    if kind in ("int32", "bool")
]
_FLOAT_PARAMS = [
    pytest.param(c, name, id=f"{c.id}-{name}") for c in CASES for name in c.float_params
]


@pytest.fixture(autouse=True)
def _float64() -> Iterator[None]:
    """Enable float64 for one test only.

    `jax.enable_x64` is a context manager over JAX's (thread-local) config
    state: the previous value is restored on exit, and the setting is part of
    JAX's tracing and compilation cache keys, so nothing leaks to other tests.
    """
    with jax.enable_x64(True):
        assert jnp.zeros(()).dtype == jnp.float64
        yield


# ---------------------------------------------------------------------------
# Helpers


@functools.cache
def _real_params(case_id: str) -> tuple[str, ...]:
    """The case's float parameters constrained only to be real (loc, logits)."""
    case = next(c for c in CASES if c.id == case_id)
    with jax.enable_x64(False):
        dist = case.typed(**case.params, validate_args=False)
    arg_constraints = type(dist).arg_constraints
    unconstrained = (constraints.real, constraints.real_vector)
    return tuple(n for n in case.float_params if arg_constraints[n] in unconstrained)


def _split(case: Case, *, shift: bool = True) -> tuple[Params, Params]:
    """The case's float parameters (float64) and integer parameters.

    With `shift`, real-valued parameters are moved by `_SHIFT` off the table's
    values: NumPyro's Bernoulli and Binomial log densities with `logits`
    compute `softplus` as `clip(x, 0) + log1p(exp(-abs(x)))`, whose JAX
    derivative at exactly `logits == 0` (a table value) is wrong by 1/2 per
    draw (`clip` and `abs` both get derivative 0 there), although the function
    is smooth. That is NumPyro's, not typed_dists': at the table's exact
    values the gradients are compared with NumPyro's own instead
    (`test_grad_is_numpyros_at_table_values`).
    """
    real = _real_params(case.id) if shift else ()
    floats = {
        n: np.asarray(case.params[n], np.float64) + (_SHIFT if n in real else 0.0)
        for n in case.float_params
    }
    ints = {n: np.asarray(case.params[n]) for n in case.int_params}
    return floats, ints


@functools.cache
def _rows(case_id: str) -> np.ndarray:
    """Four hand-picked in-support values per batch element (the parity
    tests' values), float64 of shape (4, *batch, *event)."""
    case = next(c for c in CASES if c.id == case_id)
    floats, ints = _split(case)
    dist = case.typed(**floats, **ints, validate_args=False)
    shape = (*dist.batch_shape, *dist.event_shape)
    return support_rows(dist.support, shape)


def _value(case: Case, kind: str) -> jax.Array:
    rows = _rows(case.id)
    if kind == "float64":
        return jnp.asarray(rows, jnp.float64)
    if kind == "int32":
        return jnp.asarray(rows, jnp.int32)
    assert kind == "bool"
    return jnp.asarray(rows, bool)


def _log_density(case: Case) -> LogDensity:
    def log_density(floats: Params, ints: Params, value: Any) -> jax.Array:
        return jnp.sum(case.typed(**floats, **ints).log_prob(value))

    return log_density


@functools.cache
def _finite_differences(case_id: str) -> dict[str, np.ndarray]:
    """Central differences of the summed log density, element by element.

    Taken at values of the native dtype (the gradient does not depend on the
    value's dtype) without validation (a perturbed `probs` leaves the simplex
    by `_EPS`), with one jitted evaluation compiled once per case.
    """
    case = next(c for c in CASES if c.id == case_id)
    floats, ints = _split(case)
    value = _value(case, _value_kinds(case)[0])

    @jax.jit
    def f(params: Params) -> jax.Array:
        dist = case.typed(**params, **ints, validate_args=False)
        return jnp.sum(dist.log_prob(value))

    grads: dict[str, np.ndarray] = {}
    for name, x in floats.items():
        grad = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[index] += _EPS
            down[index] -= _EPS
            difference = f({**floats, name: up}) - f({**floats, name: down})
            grad[index] = float(difference) / (2 * _EPS)
        grads[name] = grad
    return grads


@functools.cache
def _jitted_grad(case_id: str) -> Callable[..., Any]:
    """`jax.jit(jax.grad(log density))` for a case, compiled once per dtype."""
    case = next(c for c in CASES if c.id == case_id)
    return jax.jit(jax.grad(_log_density(case)))


def _check_float_grads(grads: Any, shapes: Params, batch: tuple[int, ...] = ()) -> None:
    """Real float64 gradients, one per float parameter, finite."""
    assert isinstance(grads, dict)
    assert set(grads) == set(shapes)
    for name, grad in grads.items():
        assert isinstance(grad, jax.Array), (name, type(grad))
        assert grad.dtype == jnp.float64, (name, grad.dtype)
        assert grad.shape == batch + np.shape(shapes[name]), name
        assert bool(jnp.all(jnp.isfinite(grad))), (name, grad)


def _assert_fd(grads: Params, expected: dict[str, np.ndarray]) -> None:
    """Gradients equal to finite differences; a broadcast stored parameter
    (MultivariateNormal stores `loc` of shape (n,) as (1, n)) is compared
    element by element."""
    assert set(grads) == set(expected)
    for name, fd in expected.items():
        grad = np.asarray(grads[name])
        assert grad.size == fd.size, name
        np.testing.assert_allclose(
            grad.reshape(fd.shape), fd, rtol=_FD_RTOL, atol=_FD_ATOL, err_msg=name
        )


def _assert_same(actual: Params, expected: Params) -> None:
    assert set(actual) == set(expected)
    for name in expected:
        np.testing.assert_allclose(
            np.asarray(actual[name]),
            np.asarray(expected[name]),
            rtol=_SAME_RTOL,
            atol=_SAME_ATOL,
            err_msg=name,
        )


def _rolled(floats: Params, ints: Params, value: Any) -> _Args:
    """Another valid set of arguments: batch elements in another order.

    Every parameter is rolled along its first axis (a batch axis, or the event
    axis of an unconstrained `loc`) and the values along their first batch
    axis (after the four rows), so each batch element keeps a matching
    parameter set and value (`test_grad_under_vmap` checks the support).
    """

    def roll(x: Any, axis: int) -> np.ndarray:
        return np.roll(np.asarray(x), 1, axis=axis)

    rolled_floats = {n: roll(x, 0) for n, x in floats.items()}
    rolled_ints = {n: roll(x, 0) for n, x in ints.items()}
    return rolled_floats, rolled_ints, jnp.asarray(roll(value, 1), value.dtype)


def _stack(*trees: Any) -> Any:
    return jax.tree_util.tree_map(lambda *xs: jnp.stack(xs), *trees)


def _first(tree: Any, index: int) -> Any:
    return jax.tree_util.tree_map(lambda x: x[index], tree)


def _tangents(floats: Params) -> Params:
    return {
        name: jnp.asarray(np.linspace(-1.0, 1.0, np.size(x)).reshape(np.shape(x)))
        for name, x in floats.items()
    }


def _directional(grads: Params, tangents: Params) -> float:
    return float(sum(np.sum(np.asarray(grads[n]) * tangents[n]) for n in tangents))


def _numpyro_rejects(case: Case, floats: Params, ints: Params, value: Any) -> bool:
    """Whether NumPyro's own log_prob refuses `value` (traced, not compiled)."""

    def log_prob(floats: Params, ints: Params, value: Any) -> jax.Array:
        return jnp.asarray(case.numpyro(**floats, **ints).log_prob(value))

    try:
        jax.eval_shape(log_prob, floats, ints, value)
    except TypeError:
        return True
    return False


# ---------------------------------------------------------------------------
# jax.grad with respect to every float parameter, under jit and vmap


@pytest.mark.parametrize(("case", "kind"), _CASE_KINDS)
def test_grad_matches_finite_differences(case: Case, kind: str) -> None:
    floats, ints = _split(case)
    value = _value(case, kind)
    if _numpyro_rejects(case, floats, ints, value):
        # Categorical indexes with its values: NumPyro refuses float ones,
        # and so does the typed distribution, which delegates.
        assert kind == "float64"
        with pytest.raises(TypeError):
            jax.eval_shape(jax.grad(_log_density(case)), floats, ints, value)
        return
    grads = _jitted_grad(case.id)(floats, ints, value)
    _check_float_grads(grads, floats)
    _assert_fd(grads, _finite_differences(case.id))


@pytest.mark.parametrize("case", _CASES)
def test_grad_under_vmap(case: Case) -> None:
    """vmap over a batch of two parameter sets (with their values)."""
    floats, ints = _split(case)
    value = _value(case, _value_kinds(case)[0])
    rolled = _rolled(floats, ints, value)
    grad = jax.grad(_log_density(case))

    def grad_and_support(floats: Params, ints: Params, value: Any) -> Any:
        in_support = case.typed(**floats, **ints).support(value)
        return grad(floats, ints, value), jnp.all(in_support)

    batched, in_support = jax.jit(jax.vmap(grad_and_support))(
        *_stack((floats, ints, value), rolled)
    )
    assert in_support.tolist() == [True, True]
    _check_float_grads(batched, floats, batch=(2,))
    _assert_same(_first(batched, 0), _jitted_grad(case.id)(floats, ints, value))
    rolled_grads = _jitted_grad(case.id)(*rolled)
    _check_float_grads(rolled_grads, floats)
    _assert_same(_first(batched, 1), rolled_grads)


def _has_zero_real_param(case: Case) -> bool:
    return any(np.any(case.params[n] == 0.0) for n in _real_params(case.id))


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id) for c in CASES if _has_zero_real_param(c)]
)
def test_grad_is_numpyros_at_table_values(case: Case) -> None:
    """At the table's exact values, the gradient is NumPyro's own.

    Run for the cases with a real parameter equal to 0, where the other tests
    shift it (see `_split`). NumPyro gets the promoted parameters (float64 JAX
    arrays, x64 being on) and the same value; both gradients are computed in
    one jitted function, a program of the same operations twice.
    """
    floats, ints = _split(case, shift=False)
    value = _value(case, _value_kinds(case)[0])
    promoted = {n: jnp.asarray(x, jnp.float64) for n, x in floats.items()}

    def numpyro_log_density(floats: Params) -> jax.Array:
        return jnp.sum(case.numpyro(**floats, **ints).log_prob(value))

    typed_log_density = _log_density(case)

    @jax.jit
    def both(floats: Params, promoted: Params) -> tuple[Params, Params]:
        typed = jax.grad(typed_log_density)(floats, ints, value)
        return typed, jax.grad(numpyro_log_density)(promoted)

    grads, expected = both(floats, promoted)
    _check_float_grads(grads, floats)
    for name in floats:
        np.testing.assert_array_equal(
            np.asarray(grads[name]), np.asarray(expected[name]), strict=True
        )


# ---------------------------------------------------------------------------
# Integer values: allow_int gradients and float0 tangents


def _check_allow_int(
    result: Any, floats: Params, value: jax.Array, batch: tuple[int, ...] = ()
) -> Params:
    param_grads, value_grad = result
    _check_float_grads(param_grads, floats, batch)
    assert value_grad.dtype == jax.dtypes.float0
    assert value_grad.shape == batch + value.shape
    return dict(param_grads)


def _jvp(
    log_density: LogDensity, floats: Params, ints: Params, value: Any, tangents: Params
) -> tuple[jax.Array, jax.Array]:
    """jvp with float tangents for the parameters and float0 for the value."""

    def f(floats: Params, value: Any) -> jax.Array:
        return log_density(floats, ints, value)

    value_tangent = np.zeros(np.shape(value), dtype=jax.dtypes.float0)
    out: tuple[jax.Array, jax.Array] = jax.jvp(
        f, (floats, value), (tangents, value_tangent)
    )
    return out


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id) for c in CASES if c.discrete]
)
def test_eager_grad_allow_int_and_jvp_with_integer_value(case: Case) -> None:
    """The bug's own setting, without jit: int32 values of a discrete case."""
    floats, ints = _split(case)
    value = _value(case, "int32")
    log_density = _log_density(case)
    grads = jax.grad(log_density)(floats, ints, value)
    _check_float_grads(grads, floats)
    _assert_fd(grads, _finite_differences(case.id))

    allow_int = jax.grad(log_density, argnums=(0, 2), allow_int=True)
    _assert_same(_check_allow_int(allow_int(floats, ints, value), floats, value), grads)

    tangents = _tangents(floats)
    _, tangent = _jvp(log_density, floats, ints, value, tangents)
    assert tangent.dtype == jnp.float64
    assert bool(jnp.isfinite(tangent))
    np.testing.assert_allclose(
        float(tangent), _directional(grads, tangents), rtol=_SAME_RTOL
    )


@pytest.mark.parametrize(("case", "kind"), _INTEGER_KINDS)
def test_allow_int_and_jvp_under_jit_and_vmap(case: Case, kind: str) -> None:
    floats, ints = _split(case)
    value = _value(case, kind)
    log_density = _log_density(case)
    tangents = _tangents(floats)
    fd = _finite_differences(case.id)
    allow_int = jax.grad(log_density, argnums=(0, 2), allow_int=True)

    def both(
        floats: Params, ints: Params, value: Any, tangents: Params
    ) -> tuple[Any, tuple[jax.Array, jax.Array]]:
        return allow_int(floats, ints, value), _jvp(
            log_density, floats, ints, value, tangents
        )

    rolled = _rolled(floats, ints, value)

    @jax.jit
    def jitted_and_batched(args: _Args, stacked: _Args, tangents: Params) -> Any:
        batched = jax.vmap(both, in_axes=(0, 0, 0, None))(
            stacked[0], stacked[1], stacked[2], tangents
        )
        return both(args[0], args[1], args[2], tangents), batched

    (
        (grads_and_float0, (_, tangent)),
        (batched_grads_and_float0, (_, batched_tangent)),
    ) = jitted_and_batched(
        (floats, ints, value), _stack((floats, ints, value), rolled), tangents
    )
    grads = _check_allow_int(grads_and_float0, floats, value)
    _assert_fd(grads, fd)
    assert tangent.dtype == jnp.float64
    assert bool(jnp.isfinite(tangent))
    np.testing.assert_allclose(
        float(tangent), _directional(fd, tangents), rtol=_FD_RTOL, atol=_FD_ATOL
    )

    # The second batch element against the jitted gradient at its arguments.
    rolled_grads = _jitted_grad(case.id)(*rolled)
    batched = _check_allow_int(batched_grads_and_float0, floats, value, batch=(2,))
    _assert_same(_first(batched, 0), grads)
    _assert_same(_first(batched, 1), rolled_grads)
    assert batched_tangent.shape == (2,)
    assert bool(jnp.all(jnp.isfinite(batched_tangent)))
    np.testing.assert_allclose(
        np.asarray(batched_tangent),
        [float(tangent), _directional(rolled_grads, tangents)],
        rtol=_SAME_RTOL,
    )


# ---------------------------------------------------------------------------
# eqx.filter_grad over the module


def _constructor_fields(dist: Any) -> dict[str, Any]:
    """The stored fields: `type(dist)(**fields)` rebuilds the distribution."""
    return {
        f.name: getattr(dist, f.name)
        for f in dataclasses.fields(dist)
        if f.name != "_validate_args"
    }


@pytest.mark.parametrize("case", _CASES)
def test_filter_grad(case: Case) -> None:
    floats, ints = _split(case)
    value = _value(case, _value_kinds(case)[0])
    dist = case.typed(**floats, **ints)

    def loss(dist: Any) -> jax.Array:
        return jnp.sum(dist.log_prob(value))

    @eqx.filter_jit
    def filter_grad(dist: Any) -> Any:
        return eqx.filter_grad(loss)(dist)

    grads = filter_grad(dist)
    assert type(grads) is type(dist)

    leaves = jax.tree_util.tree_leaves(grads)
    assert leaves
    for leaf in leaves:
        assert isinstance(leaf, jax.Array), type(leaf)
        assert leaf.dtype == jnp.float64, leaf.dtype  # never float0
        assert bool(jnp.all(jnp.isfinite(leaf)))

    fields = _constructor_fields(dist)
    float_fields = {
        name: x
        for name, x in fields.items()
        if isinstance(x, jax.Array) and jnp.issubdtype(x.dtype, jnp.floating)
    }
    assert len(leaves) == len(float_fields)
    for name, x in fields.items():
        if name in float_fields:
            assert getattr(grads, name).shape == x.shape
        elif isinstance(x, jax.Array):  # Binomial's `total_count`
            assert name in case.int_params
            assert getattr(grads, name) is None
        else:  # static options (Poisson's `is_sparse`)
            assert getattr(grads, name) == x

    # The same values as jax.grad with respect to the parameters, for the
    # stored fields that are constructor parameters ...
    expected = _jitted_grad(case.id)(floats, ints, value)
    shared = {n: getattr(grads, n) for n in float_fields if n in expected}
    assert shared
    for name, grad in shared.items():
        np.testing.assert_allclose(
            np.asarray(grad).reshape(np.shape(expected[name])),
            np.asarray(expected[name]),
            rtol=_SAME_RTOL,
            atol=_SAME_ATOL,
            err_msg=name,
        )
    # ... and with respect to the stored fields themselves for the others
    # (MultivariateNormal stores `scale_tril` whatever it was given).
    derived = {n: x for n, x in float_fields.items() if n not in expected}
    if derived:
        others = {n: x for n, x in fields.items() if n not in derived}

        def by_fields(derived: Params) -> jax.Array:
            return jnp.sum(type(dist)(**derived, **others).log_prob(value))

        by_field_grads = jax.jit(jax.grad(by_fields))(derived)
        _assert_same({n: getattr(grads, n) for n in derived}, by_field_grads)


# ---------------------------------------------------------------------------
# Integer parameters: NumPyro's float0 gradient, typed_dists' rejection


def test_numpyro_integer_probs_gives_float0_gradient() -> None:
    probs = jnp.array([0, 1])
    value = jnp.array([0, 1])

    def numpyro_loss(p: jax.Array) -> jax.Array:
        return jnp.sum(nd.BernoulliProbs(p).log_prob(value))

    grad = jax.grad(numpyro_loss, allow_int=True)(probs)
    assert grad.dtype == jax.dtypes.float0  # the bug: no gradient at all

    def typed_loss(p: jax.Array) -> jax.Array:
        return td.Bernoulli(probs=p).log_prob(value).sum()

    with pytest.raises(TypeError, match="`probs`"):
        td.Bernoulli(probs=probs)
    with pytest.raises(TypeError, match="`probs`"):
        jax.grad(typed_loss, allow_int=True)(probs)
    # With float probs the typed gradient is a real one (jitted: cheaper).
    real = jax.jit(jax.grad(typed_loss))(probs.astype(jnp.float64) * 0.5 + 0.25)
    assert real.dtype == jnp.float64
    assert bool(jnp.all(real != 0))


@pytest.mark.parametrize(("case", "name"), _FLOAT_PARAMS)
def test_integer_parameter_rejected_under_grad_and_jit(case: Case, name: str) -> None:
    floats, ints = _split(case)
    integer = jnp.asarray(np.ceil(floats[name]), jnp.int32)
    value = _value(case, _value_kinds(case)[0])

    def loss(p: jax.Array) -> jax.Array:
        return jnp.sum(case.typed(**{**floats, name: p}, **ints).log_prob(value))

    with pytest.raises(TypeError, match=f"`{name}`"):
        case.typed(**{**floats, name: integer}, **ints)
    with pytest.raises(TypeError, match=f"`{name}`"):
        jax.grad(loss, allow_int=True)(integer)
    with pytest.raises(TypeError, match=f"`{name}`"):
        jax.jit(loss)(integer)
