"""Behaviour specific to the structured distributions.

The generated suite (`test_every_class.py`) checks every class against NumPyro
on generated arguments. This file checks what it cannot: the `RelaxedBernoulli`
factory (which class it returns, its exactly-one rule, its `probs` checks);
`BetaProportion` keeping the mean it was given; `CAR`'s adjacency policy and
its unsupported sparse form; `GaussianStateSpace`'s three noise
parametrisations and optional initial value; rebuilding inside `jax.jit`;
and `GaussianCopulaBeta`'s density and gradients on given values (its sampler
needs tensorflow_probability, which is not installed).

Tolerances: results computed by the same operations as NumPyro's, eagerly on
both sides, are compared exactly; compiled against eager code allows
rtol 2e-6 / atol 1e-6 (about 1 ulp of float32 rounding differences); results
computed along different routes (different parametrisations of the same
distribution) allow rtol 1e-4 in float32; finite differences follow the
suite's one regime (`helpers/gradients.py`).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest
import scipy.sparse

import typed_dists as td
from helpers.gradients import (
    assert_matches_differences,
    check_float_grads,
    finite_differences,
    unconstrained,
)
from helpers.params_multivariate import ornstein_uhlenbeck
from helpers.versions import x64

JIT_RTOL, JIT_ATOL = 2e-6, 1e-6  # compiled against eager float32
ROUTE_RTOL = 1e-4  # one quantity along two computational routes, float32


def _same(a: Any, b: Any) -> None:
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b), strict=True)


def _jit_close(a: Any, b: Any) -> None:
    np.testing.assert_allclose(
        np.asarray(a), np.asarray(b), rtol=JIT_RTOL, atol=JIT_ATOL
    )


# ---------------------------------------------------------------------------
# RelaxedBernoulli (a factory: NumPyro has no RelaxedBernoulliProbs class)

PROBS = jnp.array([0.2, 0.5, 0.9])
LOGITS = jnp.array([-1.0, 0.0, 2.0])
TEMPERATURE = jnp.array(0.7)
UNIT_VALUES = jnp.array([0.1, 0.4, 0.95])


def test_numpyro_has_no_relaxed_bernoulli_probs_class() -> None:
    assert not hasattr(nd, "RelaxedBernoulliProbs")
    assert not hasattr(td, "RelaxedBernoulliProbs")
    assert type(nd.RelaxedBernoulli(TEMPERATURE, probs=PROBS)) is (
        nd.RelaxedBernoulliLogits
    )


@pytest.mark.numpyro_eager
@pytest.mark.parametrize("form", ["probs", "logits"])
def test_relaxed_bernoulli_dispatch_and_parity(form: str) -> None:
    if form == "probs":
        typed = td.RelaxedBernoulli(TEMPERATURE, probs=PROBS)
        plain = nd.RelaxedBernoulli(TEMPERATURE, probs=PROBS)
    else:
        typed = td.RelaxedBernoulli(TEMPERATURE, logits=LOGITS)
        plain = nd.RelaxedBernoulli(TEMPERATURE, logits=LOGITS)
    assert type(typed) is td.RelaxedBernoulliLogits
    instance: Any = typed  # a typed class is a subclass of NumPyro's
    assert isinstance(instance, nd.RelaxedBernoulliLogits)
    # The same operations on the same float32 arrays: identical.
    _same(typed.logits, plain.logits)
    _same(typed.temperature, plain.temperature)
    _same(typed.log_prob(UNIT_VALUES), plain.log_prob(UNIT_VALUES))
    if form == "logits":
        _same(typed.logits, LOGITS)


def test_relaxed_bernoulli_positional_probs() -> None:
    typed = td.RelaxedBernoulli(TEMPERATURE, PROBS)
    _same(typed.logits, nd.RelaxedBernoulli(TEMPERATURE, PROBS).logits)


@pytest.mark.parametrize(
    ("kwargs", "got"),
    [
        ({}, "none of them"),
        ({"probs": PROBS, "logits": LOGITS}, "`probs` and `logits`"),
    ],
    ids=["neither", "both"],
)
def test_relaxed_bernoulli_exactly_one(kwargs: dict[str, Any], got: str) -> None:
    with pytest.raises(td.ParameterTypeError, match="exactly one of") as info:
        td.RelaxedBernoulli(TEMPERATURE, **kwargs)
    assert got in str(info.value)
    assert str(info.value).startswith("RelaxedBernoulli:")


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("probs", {"probs": jnp.array([0, 1, 1])}),
        ("logits", {"logits": jnp.array([0, 1, 1])}),
        ("temperature", {"temperature": jnp.array(1), "probs": PROBS}),
        ("temperature", {"temperature": jnp.array(1), "logits": LOGITS}),
    ],
)
def test_relaxed_bernoulli_rejects_int32(name: str, kwargs: dict[str, Any]) -> None:
    kwargs = {"temperature": TEMPERATURE, **kwargs}
    with pytest.raises(td.ParameterTypeError, match=f"parameter `{name}`") as info:
        td.RelaxedBernoulli(**kwargs)
    assert f"{name}.astype(float)" in str(info.value)


def test_relaxed_bernoulli_probs_values() -> None:
    bad = jnp.array([0.2, 1.5, 0.3])
    with pytest.raises(td.ParameterValueError, match="`probs`"):
        td.RelaxedBernoulli(TEMPERATURE, probs=bad, validate_args=True)
    with pytest.raises(td.ParameterValueError, match="`temperature`"):
        td.RelaxedBernoulli(-1.0, probs=PROBS, validate_args=True)
    # Without validation NumPyro's behaviour is kept: probs are clamped.
    typed = td.RelaxedBernoulli(TEMPERATURE, probs=bad, validate_args=False)
    _same(typed.logits, nd.RelaxedBernoulli(TEMPERATURE, probs=bad).logits)


def test_relaxed_bernoulli_probs_under_jit_and_grad() -> None:
    def typed_lp(p: jax.Array) -> jax.Array:
        return jnp.sum(td.RelaxedBernoulli(TEMPERATURE, probs=p).log_prob(UNIT_VALUES))

    def plain_lp(p: jax.Array) -> jax.Array:
        return jnp.sum(nd.RelaxedBernoulli(TEMPERATURE, probs=p).log_prob(UNIT_VALUES))

    _jit_close(jax.jit(typed_lp)(PROBS), plain_lp(PROBS))
    _jit_close(jax.jit(jax.grad(typed_lp))(PROBS), jax.jit(jax.grad(plain_lp))(PROBS))


# ---------------------------------------------------------------------------
# BetaProportion: `mean` is a Distribution property; the argument is kept


def test_beta_proportion_stores_the_given_mean() -> None:
    mean = np.array([0.25, 0.5, 0.7], dtype=np.float64)
    typed = td.BetaProportion(mean, 5.0)
    plain = nd.BetaProportion(jnp.asarray(mean, dtype=jnp.float32), 5.0)
    assert typed._given_mean.dtype == jnp.float32  # pyright: ignore[reportPrivateUsage]
    _same(typed._given_mean, jnp.asarray(mean, dtype=jnp.float32))  # pyright: ignore[reportPrivateUsage]
    assert "mean" not in vars(plain)  # NumPyro does not keep it
    # `.mean` is NumPyro's, from the shape parameters: the given mean up to
    # float32 rounding.
    _same(typed.mean, plain.mean)
    np.testing.assert_allclose(typed.mean, mean, rtol=1e-6)
    values = jnp.array([0.1, 0.5, 0.8])
    _same(typed.log_prob(values), plain.log_prob(values))
    # Rebuilt from its leaves inside jit, the mean is passed back as `mean`.
    _jit_close(
        jax.jit(lambda d, x: d.log_prob(x))(typed, values), plain.log_prob(values)
    )
    leaves = jax.tree_util.tree_leaves(typed)
    assert len(leaves) == 2


def test_beta_proportion_rejects_int_mean_and_bad_values() -> None:
    with pytest.raises(td.ParameterTypeError, match="parameter `mean`"):
        td.BetaProportion(jnp.array([0, 1]), 5.0)
    with pytest.raises(td.ParameterValueError, match="`mean`"):
        td.BetaProportion(1.0, 5.0, validate_args=True)  # open interval


def test_beta_proportion_from_numpyro() -> None:
    plain = nd.BetaProportion(jnp.array([0.3, 0.6]), jnp.array(4.0))
    typed = td.from_numpyro(plain)
    assert type(typed) is td.BetaProportion
    np.testing.assert_allclose(typed._given_mean, [0.3, 0.6], rtol=1e-6)  # pyright: ignore[reportAttributeAccessIssue]
    np.testing.assert_allclose(
        typed.log_prob(0.4), plain.log_prob(0.4), rtol=1e-6, atol=0
    )


# ---------------------------------------------------------------------------
# CAR


ADJ = jnp.array(
    [
        [0.0, 1.0, 0.0, 1.0],
        [1.0, 0.0, 1.0, 0.0],
        [0.0, 1.0, 0.0, 1.0],
        [1.0, 0.0, 1.0, 0.0],
    ]
)
CAR_LOC = jnp.array([0.1, -0.2, 0.3, 0.0])
CAR_VALUE = jnp.array([0.5, -1.0, 0.2, 0.7])


def _car_kwargs(**changes: Any) -> dict[str, Any]:
    return {
        "loc": CAR_LOC,
        "correlation": 0.6,
        "conditional_precision": 2.0,
        "adj_matrix": ADJ,
        **changes,
    }


@pytest.mark.parametrize(
    "adj",
    [
        ADJ.astype(jnp.int32),
        np.asarray(ADJ, dtype=np.int64),
        np.asarray(ADJ, dtype=bool),
    ],
    ids=["jax-int32", "numpy-int64", "numpy-bool"],
)
def test_car_rejects_integer_adjacency(adj: Any) -> None:
    with pytest.raises(td.ParameterTypeError, match="parameter `adj_matrix`") as info:
        td.CAR(**_car_kwargs(adj_matrix=adj))
    assert "adj_matrix.astype(float)" in str(info.value)


def test_car_float_adjacency_matches_numpyro() -> None:
    typed = td.CAR(**_car_kwargs())
    plain = nd.CAR(**_car_kwargs())
    assert typed.adj_matrix.dtype == jnp.float32
    _same(typed.log_prob(CAR_VALUE), plain.log_prob(CAR_VALUE))
    _same(typed.precision_matrix, plain.precision_matrix)
    # A NumPy float64 adjacency is promoted to the common float32 and used
    # as a JAX array.
    from_numpy = td.CAR(**_car_kwargs(adj_matrix=np.asarray(ADJ, dtype=np.float64)))
    _same(from_numpy.adj_matrix, ADJ)


def test_car_sparse_form_is_refused() -> None:
    for adj in (np.asarray(ADJ), scipy.sparse.csr_matrix(np.asarray(ADJ))):
        with pytest.raises(td.ParameterTypeError, match="`is_sparse`") as info:
            td.CAR(**_car_kwargs(adj_matrix=adj), is_sparse=True)
        assert "numpyro.distributions.CAR" in str(info.value)


def test_car_checks_the_adjacency_values() -> None:
    asymmetric = ADJ.at[0, 2].set(1.0)
    isolated = ADJ.at[0, :].set(0.0).at[:, 0].set(0.0)
    for bad, what in ((asymmetric, "symmetric"), (isolated, "neighbour")):
        with pytest.raises(td.ParameterValueError, match="`adj_matrix`") as info:
            td.CAR(**_car_kwargs(adj_matrix=bad), validate_args=True)
        assert what in str(info.value)
        td.CAR(**_car_kwargs(adj_matrix=bad), validate_args=False)  # not checked
    with pytest.raises(td.ParameterValueError, match="`correlation`"):
        td.CAR(**_car_kwargs(correlation=1.0), validate_args=True)


def test_car_rebuilds_inside_jit() -> None:
    typed = td.CAR(**_car_kwargs())
    expected = nd.CAR(**_car_kwargs()).log_prob(CAR_VALUE)
    # Leaves (including adj_matrix) become tracers; NumPyro's CAR is rebuilt
    # from them.
    _jit_close(jax.jit(lambda d, x: d.log_prob(x))(typed, CAR_VALUE), expected)

    # Built inside jit from traced arguments (the value checks are skipped).
    @jax.jit
    def build(adj: jax.Array, corr: jax.Array) -> jax.Array:
        d = td.CAR(**_car_kwargs(adj_matrix=adj, correlation=corr), validate_args=True)
        return d.log_prob(CAR_VALUE)

    _jit_close(build(ADJ, jnp.array(0.6)), expected)
    grads = jax.jit(jax.grad(build, argnums=(0, 1)))(ADJ, jnp.array(0.6))
    for g in grads:
        assert g.dtype == jnp.float32
        assert bool(jnp.all(jnp.isfinite(g)))


def test_car_batched_adjacency() -> None:
    adj = jnp.stack([ADJ, jnp.ones((4, 4)) - jnp.eye(4)])
    typed = td.CAR(**_car_kwargs(adj_matrix=adj))
    assert typed.batch_shape == (2,)
    plain = nd.CAR(**_car_kwargs(adj_matrix=adj))
    _same(typed.log_prob(CAR_VALUE), plain.log_prob(CAR_VALUE))
    # NumPyro stores the unbatched `loc` with a size-1 batch axis (and so does
    # the typed class); rebuilt inside jit, the result is the same.
    assert typed.loc.shape == (1, 4)
    _jit_close(
        jax.jit(lambda d: d.log_prob(CAR_VALUE))(typed), plain.log_prob(CAR_VALUE)
    )


# ---------------------------------------------------------------------------
# GaussianStateSpace

TRANSITION = jnp.array([[0.8, 0.1], [-0.2, 0.7]])
COVARIANCE = jnp.array([[1.0, 0.3], [0.3, 0.5]])
NOISE = {
    "covariance_matrix": COVARIANCE,
    "precision_matrix": jnp.linalg.inv(COVARIANCE),
    "scale_tril": jnp.linalg.cholesky(COVARIANCE),
}
INITIAL = jnp.array([[1.0, -0.5], [0.0, 2.0], [0.3, 0.3]])  # batch (3,)
STATES = jnp.array([[0.9, -0.2], [0.5, 0.4], [0.1, 0.1], [-0.3, 0.2]])  # 4 steps
# With a batched initial value NumPyro's transform needs values of the full
# batch shape (it does not broadcast an unbatched path against the batch).
BATCHED_STATES = jnp.broadcast_to(STATES, (3, 4, 2))


@pytest.mark.parametrize("initial", [None, INITIAL], ids=["no-initial", "initial"])
@pytest.mark.parametrize("parametrisation", list(NOISE))
def test_gaussian_state_space_parametrisations(
    parametrisation: str, initial: jax.Array | None
) -> None:
    kwargs = {parametrisation: NOISE[parametrisation], "initial_value": initial}
    typed = td.GaussianStateSpace(4, TRANSITION, **kwargs)
    plain = nd.GaussianStateSpace(4, TRANSITION, **kwargs)
    assert typed.batch_shape == plain.batch_shape == (() if initial is None else (3,))
    assert typed.event_shape == plain.event_shape == (4, 2)
    _same(typed.scale_tril, plain.scale_tril)
    stored = typed._given_initial_value  # pyright: ignore[reportPrivateUsage]
    if initial is None:
        assert stored is None
        _same(typed.initial_value, jnp.zeros(2))
    else:
        _same(stored, initial)
        _same(typed.initial_value, initial)
    states = STATES if initial is None else BATCHED_STATES
    _same(typed.log_prob(states), plain.log_prob(states))
    _same(typed.mean, plain.mean)
    # The three parametrisations describe the same noise.
    reference = nd.GaussianStateSpace(4, TRANSITION, COVARIANCE, initial_value=initial)
    np.testing.assert_allclose(
        typed.log_prob(states), reference.log_prob(states), rtol=ROUTE_RTOL
    )
    # Rebuilt from its leaves inside jit (initial_value None stays None).
    _jit_close(
        jax.jit(lambda d, x: d.log_prob(x))(typed, states), plain.log_prob(states)
    )


def test_gaussian_state_space_built_inside_jit() -> None:
    @jax.jit
    def log_prob(a: jax.Array, cov: jax.Array, z0: jax.Array) -> jax.Array:
        d = td.GaussianStateSpace(4, a, covariance_matrix=cov, initial_value=z0)
        return d.log_prob(BATCHED_STATES)

    expected = nd.GaussianStateSpace(4, TRANSITION, COVARIANCE, initial_value=INITIAL)
    _jit_close(
        log_prob(TRANSITION, COVARIANCE, INITIAL), expected.log_prob(BATCHED_STATES)
    )


@pytest.mark.parametrize(
    ("kwargs", "got"),
    [
        ({}, "none of them"),
        (
            {"covariance_matrix": COVARIANCE, "scale_tril": NOISE["scale_tril"]},
            "`covariance_matrix` and `scale_tril`",
        ),
    ],
    ids=["neither", "two"],
)
def test_gaussian_state_space_exactly_one(kwargs: dict[str, Any], got: str) -> None:
    with pytest.raises(td.ParameterTypeError, match="exactly one of") as info:
        td.GaussianStateSpace(4, TRANSITION, **kwargs)
    assert got in str(info.value)


def test_gaussian_state_space_rejections() -> None:
    batched = jnp.stack([TRANSITION, TRANSITION])
    with pytest.raises(td.ParameterTypeError, match="`transition_matrix`"):
        td.GaussianStateSpace(4, batched, COVARIANCE)
    with pytest.raises(td.ParameterTypeError, match="`initial_value`"):
        td.GaussianStateSpace(4, TRANSITION, COVARIANCE, initial_value=jnp.ones(2, int))
    with pytest.raises(td.ParameterTypeError, match="`num_steps`"):
        td.GaussianStateSpace(4.0, TRANSITION, COVARIANCE)  # type: ignore[call-overload]
    with pytest.raises(td.ParameterTypeError, match="`initial_value`"):
        td.GaussianStateSpace(4, TRANSITION, COVARIANCE, initial_value=jnp.ones(3))


# ---------------------------------------------------------------------------
# ZeroSumNormal, EulerMaruyama, SineSkewed, GaussianCopula


def test_zero_sum_normal() -> None:
    # A list, as NumPyro code often passes, is accepted and stored as a tuple.
    typed = td.ZeroSumNormal(1.5, [4, 3])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert typed._given_event_shape == (4, 3)  # pyright: ignore[reportPrivateUsage]
    assert typed.event_shape == (4, 3)
    assert typed.batch_shape == ()
    x = typed.sample(jax.random.key(0), (5,))
    np.testing.assert_allclose(x.sum(-1), 0.0, atol=1e-5)
    np.testing.assert_allclose(x.sum(-2), 0.0, atol=1e-5)
    plain = nd.ZeroSumNormal(jnp.asarray(1.5), (4, 3))
    _same(typed.log_prob(x), plain.log_prob(x))


@pytest.mark.numpyro_eager
def test_euler_maruyama_static_sde_fn() -> None:
    t = jnp.array([0.0, 0.2, 0.5, 0.6, 1.0])
    init = nd.Normal(jnp.zeros(2), jnp.ones(2))
    typed = td.EulerMaruyama(t, ornstein_uhlenbeck, init)
    assert typed.sde_fn is ornstein_uhlenbeck
    assert isinstance(typed.init_dist, td.Normal)  # converted and checked
    leaves = jax.tree_util.tree_leaves(typed)
    assert len(leaves) == 3  # t and the initial distribution's loc and scale
    x = typed.sample(jax.random.key(1))
    plain = nd.EulerMaruyama(t, ornstein_uhlenbeck, init)
    _same(typed.log_prob(x), plain.log_prob(x))
    _jit_close(jax.jit(lambda d, v: d.log_prob(v))(typed, x), plain.log_prob(x))
    with pytest.raises(td.ParameterTypeError, match="`init_dist`"):
        td.EulerMaruyama(t, ornstein_uhlenbeck, nd.Normal(jnp.zeros(2, int), 1.0))


@pytest.mark.numpyro_eager
def test_sine_skewed_expands_its_base() -> None:
    base = nd.SineBivariateVonMises(
        jnp.array(0.1),
        jnp.array(-0.3),
        jnp.array(2.0),
        jnp.array(1.0),
        weighted_correlation=jnp.array(0.4),
    )
    skewness = jnp.array([[0.3, -0.2], [0.1, 0.5]])
    typed = td.SineSkewed(base, skewness)
    plain = nd.SineSkewed(base, skewness)
    assert typed.batch_shape == plain.batch_shape == (2,)
    value = jnp.array([[0.5, -1.0], [2.0, 3.0]])
    _same(typed.log_prob(value), plain.log_prob(value))
    _jit_close(jax.jit(lambda d, v: d.log_prob(v))(typed, value), plain.log_prob(value))
    with pytest.raises(td.ParameterValueError, match="`skewness`"):
        td.SineSkewed(base, jnp.array([0.8, 0.8]), validate_args=True)  # |.|_1 > 1


CORR = jnp.array([[1.0, 0.3, -0.2], [0.3, 1.0, 0.4], [-0.2, 0.4, 1.0]])
COPULA_VALUES = jnp.array([[0.2, 0.5, 0.7], [0.9, 0.1, 0.4]])


def test_gaussian_copula_stores_the_cholesky_factor() -> None:
    marginal = nd.Normal(jnp.zeros(3), jnp.ones(3))
    by_matrix = td.GaussianCopula(marginal, correlation_matrix=CORR)
    by_cholesky = td.GaussianCopula(
        marginal, correlation_cholesky=jnp.linalg.cholesky(CORR)
    )
    _same(by_matrix.correlation_cholesky, jnp.linalg.cholesky(CORR))
    np.testing.assert_allclose(by_matrix.correlation_matrix, CORR, rtol=0, atol=1e-6)
    assert isinstance(by_matrix.base_dist, nd.MultivariateNormal)
    plain = nd.GaussianCopula(marginal, CORR)
    _same(by_matrix.log_prob(COPULA_VALUES), plain.log_prob(COPULA_VALUES))
    np.testing.assert_allclose(
        by_cholesky.log_prob(COPULA_VALUES),
        plain.log_prob(COPULA_VALUES),
        rtol=ROUTE_RTOL,
    )
    with pytest.raises(td.ParameterTypeError, match="exactly one of"):
        td.GaussianCopula(marginal)  # type: ignore[call-overload]


# ---------------------------------------------------------------------------
# GaussianCopulaBeta (its sampler needs tensorflow_probability)

CONCENTRATION1 = jnp.array([2.0, 3.0, 1.5])
CONCENTRATION0 = jnp.array([4.0, 1.2, 2.5])


@pytest.mark.numpyro_eager
@pytest.mark.parametrize(
    "parametrisation", ["correlation_matrix", "correlation_cholesky"]
)
def test_gaussian_copula_beta_log_prob(parametrisation: str) -> None:
    if parametrisation == "correlation_matrix":
        typed = td.GaussianCopulaBeta(CONCENTRATION1, CONCENTRATION0, CORR)
        plain = nd.GaussianCopulaBeta(CONCENTRATION1, CONCENTRATION0, CORR)
    else:
        chol = jnp.linalg.cholesky(CORR)
        typed = td.GaussianCopulaBeta(
            CONCENTRATION1, CONCENTRATION0, correlation_cholesky=chol
        )
        plain = nd.GaussianCopulaBeta(
            CONCENTRATION1, CONCENTRATION0, correlation_cholesky=chol
        )
    assert typed._validate_args is False  # NumPyro's default  # pyright: ignore[reportPrivateUsage]
    assert isinstance(typed.marginal_dist, nd.Beta)
    _same(typed.log_prob(COPULA_VALUES), plain.log_prob(COPULA_VALUES))
    _jit_close(
        jax.jit(lambda d, v: d.log_prob(v))(typed, COPULA_VALUES),
        plain.log_prob(COPULA_VALUES),
    )


@pytest.mark.parametrize("concentration", [2.0, jnp.float32(2.0), jnp.full(1, 2.0)])
def test_gaussian_copula_beta_broadcasts_scalar_concentrations(
    concentration: Any,
) -> None:
    """NumPyro broadcasts a scalar (or size-1) concentration over the `n`
    marginals given by the correlation matrix; so does the typed class,
    storing the promoted float32 argument as given."""
    typed = td.GaussianCopulaBeta(concentration, concentration, CORR)
    plain = nd.GaussianCopulaBeta(
        jnp.asarray(concentration, jnp.float32),
        jnp.asarray(concentration, jnp.float32),
        CORR,
    )
    assert typed.concentration1.dtype == jnp.float32
    assert typed.concentration1.shape == np.shape(concentration)
    assert (typed.batch_shape, typed.event_shape) == (plain.batch_shape, (3,))
    _same(typed.log_prob(COPULA_VALUES), plain.log_prob(COPULA_VALUES))
    _jit_close(
        jax.jit(lambda d, v: d.log_prob(v))(typed, COPULA_VALUES),
        plain.log_prob(COPULA_VALUES),
    )
    with pytest.raises(td.ParameterTypeError, match="`concentration1`"):
        td.GaussianCopulaBeta(jnp.array(2, dtype=jnp.int32), concentration, CORR)


def test_gaussian_copula_beta_gradients() -> None:
    """d log_prob / d(correlation factor), in NumPyro's unconstrained
    coordinates of `corr_cholesky`, against central differences (the one
    regime of `helpers/gradients.py`: float64, every coordinate and a random
    unit direction, one compiled program). The concentrations have no
    gradient: the Beta CDF is JAX's `betainc`, which is not differentiable in
    its shape parameters; NumPyro's own class raises the same error."""
    with x64():
        values = jnp.asarray(COPULA_VALUES, dtype=jnp.float64)
        c1 = jnp.asarray(CONCENTRATION1, dtype=jnp.float64)
        c0 = jnp.asarray(CONCENTRATION0, dtype=jnp.float64)
        chol = jnp.linalg.cholesky(jnp.asarray(CORR, dtype=jnp.float64))
        to_chol = unconstrained(nd.GaussianCopulaBeta, "correlation_cholesky")

        @jax.jit
        def value_and_grad(u: dict[str, jax.Array]) -> Any:
            def log_density(u: dict[str, jax.Array]) -> jax.Array:
                factor = to_chol(u["correlation_cholesky"])
                d = td.GaussianCopulaBeta(c1, c0, correlation_cholesky=factor)
                return jnp.sum(d.log_prob(values))

            return jax.value_and_grad(log_density)(u)

        point = {"correlation_cholesky": np.asarray(to_chol.inv(chol))}
        _, grad = value_and_grad(point)
        check_float_grads(grad, point)
        differences = finite_differences(lambda u: value_and_grad(u)[0], point)
        assert_matches_differences(grad, differences, "GaussianCopulaBeta")

        for cls in (td.GaussianCopulaBeta, nd.GaussianCopulaBeta):

            def in_c1(c: jax.Array, cls: Any = cls) -> jax.Array:
                return jnp.sum(cls(c, c0, correlation_cholesky=chol).log_prob(values))

            with pytest.raises(ValueError, match="Betainc gradient"):
                jax.eval_shape(jax.grad(in_c1), c1)  # traced only


def test_gaussian_copula_beta_rejects_int_concentration() -> None:
    with pytest.raises(td.ParameterTypeError, match="parameter `concentration1`"):
        td.GaussianCopulaBeta(jnp.array([2, 3, 1]), CONCENTRATION0, CORR)


@pytest.mark.numpyro_eager
@pytest.mark.parametrize(
    ("scale_shape", "event_shape"),
    [((), (3,)), ((1,), (3,)), ((2,), (3,)), ((1, 1), (2, 3)), ((2,), (2, 3))],
)
def test_zero_sum_normal_takes_scales_that_broadcast_to_its_rotation(
    scale_shape: tuple[int, ...], event_shape: tuple[int, ...]
) -> None:
    """NumPyro broadcasts `scale` against the `n - 1` rotated coordinates of
    each event axis; the typed class takes the same shapes, stores `scale` as
    given (float32), and has NumPyro's shapes and log-density."""
    scale = jnp.full(scale_shape, 1.5)
    typed = td.ZeroSumNormal(scale, event_shape)
    plain = nd.ZeroSumNormal(scale, event_shape)
    assert typed.scale.shape == scale_shape
    assert (typed.batch_shape, typed.event_shape) == (
        plain.batch_shape,
        plain.event_shape,
    )
    value = plain.sample(jax.random.key(0), (2,))
    _same(typed.log_prob(value), plain.log_prob(value))


def test_zero_sum_normal_rejects_a_scale_per_coordinate_as_numpyro_does() -> None:
    with pytest.raises(ValueError, match="Cannot broadcast"):
        nd.ZeroSumNormal(jnp.ones(3), (3,))
    with pytest.raises(td.ParameterValueError, match="`scale`"):
        td.ZeroSumNormal(jnp.ones(3), (3,))
