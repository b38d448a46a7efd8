"""Truncated and censored distributions: factories and family-specific behaviour.

The generated suite (`test_every_class.py`) covers every class of the family
against NumPyro's class. This file covers the factories (`TruncatedDistribution`,
`TruncatedNormal`, `TruncatedCauchy`, `TruncatedGamma`): which typed class each
call returns, log_prob parity with NumPyro's own factory result, rejection of
integer bounds and indicators, and gradients in the bounds.

Parity tolerance: both sides are built from the same float32 arrays and run
NumPyro's code eagerly, so log densities are compared exactly (rtol=0, atol=0)
and gradients to rtol=1e-6 (the same computation; the tolerance only allows
for a different fusion order).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, assert_type, cast

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest

import typed_dists as td
from helpers.versions import needs_numpyro
from typed_dists._core._versions import HAS_TRUNCATED_GAMMA

LOC = jnp.array([-0.5, 0.0, 1.0], dtype=jnp.float32)
SCALE = jnp.array([0.5, 1.0, 2.0], dtype=jnp.float32)
LOW = jnp.array([-1.0, -0.3, 0.5], dtype=jnp.float32)
HIGH = jnp.array([0.2, 1.0, 3.0], dtype=jnp.float32)
# Inside [LOW, HIGH] elementwise, so inside every truncation's support.
VALUE = jnp.array([-0.4, 0.4, 1.5], dtype=jnp.float32)

CONCENTRATION = jnp.array([1.5, 2.0, 4.0], dtype=jnp.float32)
RATE = jnp.array([1.0, 0.5, 2.0], dtype=jnp.float32)
GAMMA_LOW = jnp.array([0.5, 1.0, 1.0], dtype=jnp.float32)
GAMMA_HIGH = jnp.array([3.0, 6.0, 2.5], dtype=jnp.float32)
GAMMA_VALUE = jnp.array([1.0, 3.0, 2.0], dtype=jnp.float32)

BOUNDS: dict[str, dict[str, Any]] = {
    "neither": {},
    "low": {"low": LOW},
    "high": {"high": HIGH},
    "both": {"low": LOW, "high": HIGH},
}
GAMMA_BOUNDS: dict[str, dict[str, Any]] = {
    "neither": {},
    "low": {"low": GAMMA_LOW},
    "high": {"high": GAMMA_HIGH},
    "both": {"low": GAMMA_LOW, "high": GAMMA_HIGH},
}
TRUNCATED: dict[str, type[td.TypedDistribution[Any]]] = {
    "low": td.LeftTruncatedDistribution,
    "high": td.RightTruncatedDistribution,
    "both": td.TwoSidedTruncatedDistribution,
}
# By name: the truncated Gamma classes need NumPyro 0.22 (`needs_numpyro`).
TRUNCATED_GAMMA: dict[str, str] = {
    "low": "LeftTruncatedGamma",
    "high": "RightTruncatedGamma",
    "both": "TwoSidedTruncatedGamma",
}

# NumPyro base distributions `TruncatedDistribution` accepts, with their
# typed counterparts (Normal, Cauchy and the generic location-scale ones).
BASES: dict[str, tuple[Callable[[], Any], type[Any]]] = {
    "Normal": (lambda: nd.Normal(LOC, SCALE), td.Normal),
    "Cauchy": (lambda: nd.Cauchy(LOC, SCALE), td.Cauchy),
    "Laplace": (lambda: nd.Laplace(LOC, SCALE), td.Laplace),
    "Logistic": (lambda: nd.Logistic(LOC, SCALE), td.Logistic),
    "SoftLaplace": (lambda: nd.SoftLaplace(LOC, SCALE), td.SoftLaplace),
    "StudentT": (lambda: nd.StudentT(3.0, LOC, SCALE), td.StudentT),
}


def _exact(typed: object, plain: object) -> None:
    np.testing.assert_allclose(
        np.asarray(typed), np.asarray(plain), rtol=0, atol=0, strict=True
    )


# ---------------------------------------------------------------------------
# Which class each factory returns


@pytest.mark.parametrize("bounds", list(BOUNDS))
@pytest.mark.parametrize("base_name", list(BASES))
def test_truncated_distribution_dispatch(base_name: str, bounds: str) -> None:
    make_base, typed_base = BASES[base_name]
    base = make_base()
    typed: Any = td.TruncatedDistribution(base, **BOUNDS[bounds])
    plain = nd.TruncatedDistribution(base, **BOUNDS[bounds])
    expected = TRUNCATED.get(bounds, typed_base)
    assert type(typed) is expected
    assert type(typed.to_numpyro()) is type(plain)
    if bounds != "neither":
        assert type(typed.base_dist) is typed_base  # the NumPyro base, converted


def test_truncated_distribution_without_bounds_returns_a_typed_base_as_is() -> None:
    base = td.Normal(LOC, SCALE)
    assert td.TruncatedDistribution(base) is base


@pytest.mark.parametrize("bounds", list(BOUNDS))
@pytest.mark.parametrize(
    ("name", "base"), [("TruncatedNormal", td.Normal), ("TruncatedCauchy", td.Cauchy)]
)
def test_location_scale_factory_dispatch(name: str, base: type, bounds: str) -> None:
    typed: Any = getattr(td, name)(LOC, SCALE, **BOUNDS[bounds])
    plain = getattr(nd, name)(LOC, SCALE, **BOUNDS[bounds])
    assert type(typed) is TRUNCATED.get(bounds, base)
    assert type(typed.to_numpyro()) is type(plain)
    if bounds != "neither":
        assert type(cast(Any, typed).base_dist) is base


@needs_numpyro("TruncatedGamma")
@pytest.mark.parametrize("bounds", list(GAMMA_BOUNDS))
def test_truncated_gamma_dispatch(bounds: str) -> None:
    given = GAMMA_BOUNDS[bounds]
    typed = td.TruncatedGamma(
        CONCENTRATION, RATE, low=given.get("low"), high=given.get("high")
    )
    plain = nd.TruncatedGamma(CONCENTRATION, RATE, **GAMMA_BOUNDS[bounds])
    assert type(typed) is getattr(td, TRUNCATED_GAMMA.get(bounds, "Gamma"))
    assert type(typed.to_numpyro()) is type(plain)
    if bounds != "neither":
        assert type(cast(Any, typed).base_dist) is td.Gamma


def test_factory_return_types_are_precise() -> None:
    """The overloads give the class for None / given bounds (checked by mypy;
    the runtime assertions check that the static types are the real ones)."""
    normal = td.Normal(0.0, 1.0)
    checks: list[tuple[object, type]] = [
        (assert_type(td.TruncatedDistribution(normal), td.Normal), td.Normal),
        (
            assert_type(
                td.TruncatedDistribution(normal, 0.0), td.LeftTruncatedDistribution
            ),
            td.LeftTruncatedDistribution,
        ),
        (
            assert_type(
                td.TruncatedDistribution(normal, None, 1.0),
                td.RightTruncatedDistribution,
            ),
            td.RightTruncatedDistribution,
        ),
        (
            assert_type(
                td.TruncatedDistribution(normal, high=1.0),
                td.RightTruncatedDistribution,
            ),
            td.RightTruncatedDistribution,
        ),
        (
            assert_type(
                td.TruncatedDistribution(normal, 0.0, 1.0),
                td.TwoSidedTruncatedDistribution,
            ),
            td.TwoSidedTruncatedDistribution,
        ),
        (assert_type(td.TruncatedNormal(0.0, 1.0), td.Normal), td.Normal),
        (
            assert_type(td.TruncatedNormal(low=0.0), td.LeftTruncatedDistribution),
            td.LeftTruncatedDistribution,
        ),
        (
            assert_type(td.TruncatedCauchy(high=0.0), td.RightTruncatedDistribution),
            td.RightTruncatedDistribution,
        ),
        (
            assert_type(
                td.TruncatedCauchy(low=0.0, high=1.0), td.TwoSidedTruncatedDistribution
            ),
            td.TwoSidedTruncatedDistribution,
        ),
    ]
    for value, cls in checks:
        assert type(value) is cls
    # Unknown at type-check time: the union of what may come back.
    maybe: float | None = 0.5 if checks else None
    either: (
        td.Normal
        | td.LeftTruncatedDistribution
        | td.RightTruncatedDistribution
        | td.TwoSidedTruncatedDistribution
    ) = td.TruncatedNormal(low=maybe)
    assert type(either) is td.LeftTruncatedDistribution


@needs_numpyro("TruncatedGamma")
def test_truncated_gamma_return_types_are_precise() -> None:
    checks: list[tuple[object, type]] = [
        (assert_type(td.TruncatedGamma(2.0), td.Gamma), td.Gamma),
        (
            assert_type(td.TruncatedGamma(2.0, low=0.5), td.LeftTruncatedGamma),
            td.LeftTruncatedGamma,
        ),
        (
            assert_type(td.TruncatedGamma(2.0, high=3.0), td.RightTruncatedGamma),
            td.RightTruncatedGamma,
        ),
        (
            assert_type(
                td.TruncatedGamma(2.0, low=0.5, high=3.0), td.TwoSidedTruncatedGamma
            ),
            td.TwoSidedTruncatedGamma,
        ),
    ]
    for value, cls in checks:
        assert type(value) is cls


# ---------------------------------------------------------------------------
# Parity with NumPyro's factories


@pytest.mark.numpyro_eager
@pytest.mark.parametrize("bounds", list(BOUNDS))
@pytest.mark.parametrize("base_name", list(BASES))
def test_truncated_distribution_log_prob_parity(base_name: str, bounds: str) -> None:
    base = BASES[base_name][0]()
    typed: Any = td.TruncatedDistribution(base, **BOUNDS[bounds])
    plain = nd.TruncatedDistribution(base, **BOUNDS[bounds])
    _exact(typed.log_prob(VALUE), plain.log_prob(VALUE))
    _exact(typed.cdf(VALUE), plain.cdf(VALUE))


@pytest.mark.numpyro_eager
@pytest.mark.parametrize("bounds", list(BOUNDS))
@pytest.mark.parametrize("name", ["TruncatedNormal", "TruncatedCauchy"])
def test_location_scale_factory_log_prob_parity(name: str, bounds: str) -> None:
    typed: Any = getattr(td, name)(LOC, SCALE, **BOUNDS[bounds])
    plain = getattr(nd, name)(LOC, SCALE, **BOUNDS[bounds])
    _exact(typed.log_prob(VALUE), plain.log_prob(VALUE))
    for moment in ("mean", "variance"):
        try:
            expected = getattr(plain, moment)
        except NotImplementedError:
            # NumPyro 0.20 and 0.21 have no moments of truncated
            # distributions (0.22 added them): the typed class raises alike.
            with pytest.raises(NotImplementedError):
                getattr(typed, moment)
            continue
        _exact(getattr(typed, moment), expected)


@needs_numpyro("TruncatedGamma")
@pytest.mark.parametrize("bounds", list(GAMMA_BOUNDS))
def test_truncated_gamma_log_prob_parity(bounds: str) -> None:
    given = GAMMA_BOUNDS[bounds]
    typed = td.TruncatedGamma(
        CONCENTRATION, RATE, low=given.get("low"), high=given.get("high")
    )
    plain = nd.TruncatedGamma(CONCENTRATION, RATE, **GAMMA_BOUNDS[bounds])
    _exact(typed.log_prob(GAMMA_VALUE), plain.log_prob(GAMMA_VALUE))
    _exact(typed.cdf(GAMMA_VALUE), plain.cdf(GAMMA_VALUE))
    _exact(typed.mean, plain.mean)


def test_python_float_bounds_are_promoted_like_numpyros() -> None:
    """Python-float bounds become float32 arrays; NumPyro keeps them as Python
    floats, which JAX treats as weakly typed float32: the same numbers."""
    typed: Any = td.TruncatedNormal(LOC, SCALE, low=-0.5, high=2.0)
    plain = nd.TruncatedNormal(LOC, SCALE, low=-0.5, high=2.0)
    assert typed.low.dtype == typed.high.dtype == jnp.float32
    _exact(typed.log_prob(VALUE), plain.log_prob(VALUE))


CENSORED = jnp.array([True, False, True])


@pytest.mark.parametrize(
    "name", ["LeftCensoredDistribution", "RightCensoredDistribution"]
)
def test_censored_log_prob_parity(name: str) -> None:
    base = nd.Normal(LOC, SCALE)
    typed: Any = getattr(td, name)(base, CENSORED)
    # NumPyro also takes 0/1 integers; it stores the indicator as bools.
    plain = getattr(nd, name)(base, CENSORED.astype(jnp.int32))
    assert typed.censored.dtype == jnp.bool_
    _exact(typed.censored, plain.censored)
    _exact(typed.log_prob(VALUE), plain.log_prob(VALUE))
    # The default (nothing censored) is the base's log density.
    uncensored = getattr(td, name)(base)
    assert uncensored.censored.dtype == jnp.bool_
    _exact(uncensored.log_prob(VALUE), base.log_prob(VALUE))


def test_interval_censored_log_prob_parity() -> None:
    """Rows: interval, right-censored (upper = inf), left-censored, point."""
    base = nd.Weibull(jnp.float32(2.0), jnp.float32(3.0))
    left = jnp.array([False, False, True, False])
    right = jnp.array([False, True, False, False])
    value = jnp.array(
        [[2.0, 5.0], [4.0, jnp.inf], [0.0, 6.0], [2.5, 2.5]], dtype=jnp.float32
    )
    typed = td.IntervalCensoredDistribution(base, left, right)
    plain = nd.IntervalCensoredDistribution(base, left, right)
    assert typed.batch_shape == (4,)
    assert typed.event_shape == (2,)
    result = typed.log_prob(value)
    _exact(result, plain.log_prob(value))
    assert bool(jnp.all(jnp.isfinite(result)))


def test_truncated_polya_gamma_keeps_its_batch_shape() -> None:
    typed: Any = td.TruncatedPolyaGamma((3,))
    plain = nd.TruncatedPolyaGamma((3,))
    assert typed.batch_shape == (3,)
    value = jnp.array([0.2, 1.0, 2.0], dtype=jnp.float32)
    _exact(typed.log_prob(value), plain.log_prob(value))
    assert jax.tree_util.tree_leaves(typed) == []


# ---------------------------------------------------------------------------
# Rejection


def _truncated_normal_base(
    low: jax.Array | None = None, high: jax.Array | None = None
) -> td.Distribution:
    return td.TruncatedDistribution(nd.Normal(LOC, SCALE), low=low, high=high)


def _truncated_normal(
    low: jax.Array | None = None, high: jax.Array | None = None
) -> td.Distribution:
    return td.TruncatedNormal(LOC, SCALE, low=low, high=high)


def _truncated_cauchy(
    low: jax.Array | None = None, high: jax.Array | None = None
) -> td.Distribution:
    return td.TruncatedCauchy(LOC, SCALE, low=low, high=high)


def _truncated_gamma(
    low: jax.Array | None = None, high: jax.Array | None = None
) -> td.Distribution:
    return td.TruncatedGamma(CONCENTRATION, RATE, low=low, high=high)


FACTORIES: dict[str, Callable[..., Any]] = {
    "TruncatedDistribution": _truncated_normal_base,
    "TruncatedNormal": _truncated_normal,
    "TruncatedCauchy": _truncated_cauchy,
    "TruncatedGamma": _truncated_gamma,
}


FACTORY_ROWS = [pytest.param(name, marks=needs_numpyro(name)) for name in FACTORIES]


@pytest.mark.parametrize("other", [None, "high"])
@pytest.mark.parametrize("factory", FACTORY_ROWS)
def test_int32_low_is_rejected_naming_low(factory: str, other: str | None) -> None:
    kwargs: dict[str, Any] = {"low": jnp.array([0, 1, 1], dtype=jnp.int32)}
    if other is not None:
        kwargs[other] = jnp.full(3, 5.0, dtype=jnp.float32)
    with pytest.raises(td.ParameterTypeError, match="parameter `low`"):
        FACTORIES[factory](**kwargs)


@pytest.mark.parametrize("factory", FACTORY_ROWS)
def test_int32_high_is_rejected_naming_high(factory: str) -> None:
    with pytest.raises(td.ParameterTypeError, match="parameter `high`"):
        FACTORIES[factory](high=jnp.array([3, 4, 5], dtype=jnp.int32))


@pytest.mark.parametrize("bad", [jnp.array([1, 0, 1], dtype=jnp.int32), 1])
@pytest.mark.parametrize(
    ("name", "parameter"),
    [
        ("LeftCensoredDistribution", "censored"),
        ("RightCensoredDistribution", "censored"),
        ("IntervalCensoredDistribution", "left_censored"),
        ("IntervalCensoredDistribution", "right_censored"),
    ],
)
def test_int_censoring_indicator_is_rejected(
    name: str, parameter: str, bad: object
) -> None:
    kwargs: dict[str, object] = {"base_dist": nd.Normal(LOC, SCALE)}
    if name == "IntervalCensoredDistribution":
        kwargs |= {"left_censored": CENSORED, "right_censored": ~CENSORED}
    kwargs[parameter] = bad
    with pytest.raises(td.ParameterTypeError, match=f"parameter `{parameter}`") as info:
        getattr(td, name)(**kwargs)
    assert "astype(bool)" in str(info.value) or "bool" in str(info.value)


@pytest.mark.parametrize("bounds", ["low", "high", "both"])
def test_gamma_base_is_rejected_pointing_to_truncated_gamma(bounds: str) -> None:
    """NumPyro fails an `assert` here; the typed factory says what to use
    (`TruncatedGamma`, on a NumPyro that has it: 0.22 and newer)."""
    base: Any = nd.Gamma(CONCENTRATION, RATE)  # statically rejected, too
    with pytest.raises(AssertionError):
        nd.TruncatedDistribution(base, **BOUNDS[bounds])
    with pytest.raises(td.ParameterTypeError, match="`base_dist`") as info:
        td.TruncatedDistribution(base, **BOUNDS[bounds])
    assert ("TruncatedGamma" in str(info.value)) == HAS_TRUNCATED_GAMMA


def test_gamma_base_without_bounds_is_returned_as_numpyro_does() -> None:
    base: Any = nd.Gamma(CONCENTRATION, RATE)  # statically rejected, too
    assert nd.TruncatedDistribution(base) is base
    typed: Any = td.TruncatedDistribution(base)
    assert type(typed) is td.Gamma


def test_classes_reject_a_base_of_the_wrong_family() -> None:
    gamma: Any = nd.Gamma(2.0, 1.0)  # both statically rejected, too
    normal: Any = nd.Normal(0.0, 1.0)
    with pytest.raises(td.ParameterTypeError, match="`base_dist`"):
        td.LeftTruncatedDistribution(gamma, 0.5)
    if HAS_TRUNCATED_GAMMA:
        with pytest.raises(td.ParameterTypeError, match="`base_dist`"):
            td.LeftTruncatedGamma(normal, 0.5)


def test_numpyro_base_with_int_parameter_is_rejected_by_the_factory() -> None:
    base = nd.Normal(jnp.array([0, 1, 2], dtype=jnp.int32), SCALE)
    for bounds in BOUNDS.values():
        with pytest.raises(td.ParameterTypeError, match="`base_dist`") as info:
            td.TruncatedDistribution(base, **bounds)
        assert "`loc`" in str(info.value)


@needs_numpyro("TruncatedGamma")
def test_gamma_bounds_are_checked_against_numpyros_constraints() -> None:
    with pytest.raises(td.ParameterValueError, match="parameter `low`"):
        td.TruncatedGamma(2.0, 1.0, low=-0.5, validate_args=True)
    with pytest.raises(td.ParameterValueError, match="parameter `high`"):
        td.TruncatedGamma(2.0, 1.0, high=0.0, validate_args=True)
    # Not checked without validation, as in NumPyro.
    td.TruncatedGamma(2.0, 1.0, low=-0.5, validate_args=False)


# ---------------------------------------------------------------------------
# Gradients in the bounds


GRADIENT_CASES: dict[str, tuple[Callable[..., Any], Callable[..., Any], jax.Array]] = {
    "TruncatedNormal": (td.TruncatedNormal, nd.TruncatedNormal, VALUE),
    "TruncatedCauchy": (td.TruncatedCauchy, nd.TruncatedCauchy, VALUE),
    # Looked up when called: NumPyro 0.22 added the truncated Gamma.
    "TruncatedGamma": (
        lambda *a, **k: td.TruncatedGamma(*a, **k),
        lambda *a, **k: nd.TruncatedGamma(*a, **k),
        GAMMA_VALUE,
    ),
}


@pytest.mark.parametrize("bounds", ["low", "high", "both"])
@pytest.mark.parametrize(
    "name", [pytest.param(name, marks=needs_numpyro(name)) for name in GRADIENT_CASES]
)
def test_gradient_in_the_bounds_is_a_float_array(name: str, bounds: str) -> None:
    """d log_prob / d(low, high), compiled (the distribution is rebuilt from
    traced bounds), is a finite float32 array equal to NumPyro's (rtol 1e-6)."""
    typed_factory, numpyro_factory, value = GRADIENT_CASES[name]
    given = (GAMMA_BOUNDS if name == "TruncatedGamma" else BOUNDS)[bounds]
    first, second = (CONCENTRATION, RATE) if name == "TruncatedGamma" else (LOC, SCALE)

    def log_density(factory: Callable[..., Any]) -> Callable[..., jax.Array]:
        def f(params: dict[str, jax.Array]) -> jax.Array:
            return jnp.sum(factory(first, second, **params).log_prob(value))

        return f

    grads = cast(
        dict[str, jax.Array], jax.jit(jax.grad(log_density(typed_factory)))(given)
    )
    expected = cast(
        dict[str, jax.Array], jax.jit(jax.grad(log_density(numpyro_factory)))(given)
    )
    assert set(grads) == set(given)
    for key, grad in grads.items():
        assert grad.dtype == jnp.float32, key
        assert grad.shape == given[key].shape, key
        assert bool(jnp.all(jnp.isfinite(grad))), key
        np.testing.assert_allclose(grad, expected[key], rtol=1e-6, err_msg=key)


def test_gradient_of_python_float_bound_is_float() -> None:
    def f(low: float) -> jax.Array:
        return jnp.sum(td.TruncatedNormal(LOC, SCALE, low=low).log_prob(VALUE))

    grad = cast(jax.Array, jax.grad(f)(-0.5))
    assert jnp.issubdtype(jnp.result_type(grad), jnp.floating)
    assert bool(jnp.isfinite(grad))
