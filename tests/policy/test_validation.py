"""Validation modes, the back door (modules rebuilt from leaves), `replace`,
and the kind of values given to `log_prob`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import pytest
from numpyro.infer import MCMC, NUTS, SVI, Trace_ELBO, init_to_value
from numpyro.infer.autoguide import AutoDelta
from numpyro.infer.svi import SVIState

import typed_dists as td
from helpers.generate import GENERATED, Generated

# ---------------------------------------------------------------------------
# Modes: switching


def test_default_mode_and_switching() -> None:
    assert td.get_validation() == "default"
    with td.validation("checked"):
        assert td.get_validation() == "checked"
        with td.validation("off"):
            assert td.get_validation() == "off"
        assert td.get_validation() == "checked"
    assert td.get_validation() == "default"
    td.set_validation("off")
    try:
        assert td.get_validation() == "off"
        with td.validation("default"):
            assert td.get_validation() == "default"
    finally:
        td.set_validation("default")


def test_unknown_mode_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="'strict'"):
        td.set_validation("strict")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'strict'"), td.validation("strict"):  # type: ignore[arg-type]
        pass


def test_context_is_per_thread_and_global_is_shared() -> None:
    seen: dict[str, str] = {}

    def read(name: str) -> None:
        seen[name] = td.get_validation()

    with td.validation("checked"):
        thread = threading.Thread(target=read, args=("inside",))
        thread.start()
        thread.join()
    td.set_validation("off")
    try:
        thread = threading.Thread(target=read, args=("global",))
        thread.start()
        thread.join()
    finally:
        td.set_validation("default")
    assert seen == {"inside": "default", "global": "off"}


# ---------------------------------------------------------------------------
# Modes: what each checks


def test_default_mode_skips_traced_values_like_numpyro() -> None:
    @jax.jit
    def log_density(scale: jax.Array) -> jax.Array:
        return td.Normal(0.0, scale).log_prob(1.0)

    assert bool(jnp.isnan(log_density(jnp.asarray(-1.0))))
    with pytest.raises(td.ParameterValueError, match="`scale`"):
        td.Normal(0.0, -1.0)


def test_python_numbers_inside_jit_are_checked_at_trace_time() -> None:
    # Inside a trace, Python numbers are stored as the program's literals
    # (tracers), as NumPyro's arithmetic on them makes them; their values are
    # known, so they are checked when traced, as NumPyro checks its numbers.
    with pytest.raises(td.ParameterValueError, match="`scale`"):
        jax.jit(lambda x: td.Normal(0.0, -1.0).log_prob(x))(1.0)
    with pytest.raises(td.ParameterValueError, match="`total_count`"):
        jax.jit(lambda x: td.Binomial(-3, probs=0.5).log_prob(x))(1.0)

    @jax.jit
    def stored(x: jax.Array) -> jax.Array:
        d = td.Normal(0.0, 2.0)
        assert isinstance(d.scale, jax.core.Tracer)
        assert d.scale.dtype == jnp.float32
        return d.log_prob(x)

    assert bool(jnp.isfinite(stored(jnp.asarray(1.0))))


def test_checked_mode_adds_no_check_of_python_numbers() -> None:
    # Checked at trace time: no run-time check of a known number, while a
    # traced parameter gets one. (A new function per mode: JAX caches traces
    # by function.)
    def numbers() -> Callable[[jax.Array], jax.Array]:
        return lambda x: td.Normal(0.0, 2.0).log_prob(x)

    def traced() -> Callable[[jax.Array], jax.Array]:
        return lambda scale: td.Normal(0.0, scale).log_prob(1.0)

    plain = [len(jax.make_jaxpr(f())(2.0).eqns) for f in (numbers, traced)]
    with td.validation("checked"):
        checked = [len(jax.make_jaxpr(f())(2.0).eqns) for f in (numbers, traced)]
    assert checked[0] == plain[0]
    assert checked[1] > plain[1]


def _runtime_error_names(error: BaseException, *names: str) -> None:
    text = str(error)
    for name in names:
        assert name in text, text


def test_checked_mode_raises_inside_jit() -> None:
    with td.validation("checked"):

        @jax.jit
        def log_density(scale: jax.Array) -> jax.Array:
            return td.Normal(0.0, scale).log_prob(1.0)

        assert bool(jnp.isfinite(log_density(jnp.asarray(2.0))))
        with pytest.raises(Exception, match="violates its constraint") as info:
            np.asarray(log_density(jnp.asarray(-1.0)))
        _runtime_error_names(info.value, "Normal", "`scale`")
        with pytest.raises(Exception, match="violates its constraint") as info:
            np.asarray(log_density(jnp.asarray(jnp.nan)))
        _runtime_error_names(info.value, "Normal", "`scale`")


def test_checked_mode_raises_inside_vmap_and_filter_jit() -> None:
    with td.validation("checked"):

        @eqx.filter_jit
        def log_density(probs: jax.Array) -> jax.Array:
            return jax.vmap(lambda p: td.Bernoulli(probs=p).log_prob(1.0))(probs)

        assert log_density(jnp.array([0.2, 0.7])).shape == (2,)
        with pytest.raises(eqx.EquinoxRuntimeError, match="violates") as info:
            log_density(jnp.array([0.2, 1.5]))
        _runtime_error_names(info.value, "BernoulliProbs", "`probs`")


def test_checked_mode_checks_matrices() -> None:
    with td.validation("checked"):

        @eqx.filter_jit
        def log_density(covariance: jax.Array) -> jax.Array:
            return td.MultivariateNormal(jnp.zeros(2), covariance).log_prob(jnp.ones(2))

        assert bool(jnp.isfinite(log_density(jnp.eye(2))))
        not_positive_definite = jnp.array([[1.0, 2.0], [2.0, 1.0]])
        with pytest.raises(eqx.EquinoxRuntimeError) as info:
            log_density(not_positive_definite)
        _runtime_error_names(info.value, "MultivariateNormal", "`scale_tril`")


def test_checked_mode_leaves_gradients_alone() -> None:
    def log_density(scale: jax.Array) -> jax.Array:
        return td.Normal(0.0, scale).log_prob(1.0)

    expected = jax.grad(log_density)(jnp.asarray(2.0))
    with td.validation("checked"):
        actual = jax.jit(jax.grad(log_density))(jnp.asarray(2.0))
    assert float(actual) == pytest.approx(float(expected), rel=1e-6)


def _bad_scale_model() -> None:
    x = numpyro.sample("x", td.Normal(0.0, 1.0))
    # A scale that goes negative for x < 0: a modelling bug checked mode names.
    numpyro.sample("y", td.Normal(0.0, jnp.asarray(x)), obs=1.0)


@pytest.mark.slow
def test_checked_mode_raises_inside_nuts() -> None:
    """NUTS starts at a valid x = 1; inside the compiled sampler x goes
    negative, which default mode lets through as NaN and checked mode stops."""
    kernel = NUTS(_bad_scale_model, init_strategy=init_to_value(values={"x": 1.0}))
    default = MCMC(kernel, num_warmup=20, num_samples=20, progress_bar=False)
    default.run(jax.random.key(0))  # silently wrong: no error
    with td.validation("checked"):
        kernel = NUTS(_bad_scale_model, init_strategy=init_to_value(values={"x": 1.0}))
        mcmc = MCMC(kernel, num_warmup=20, num_samples=20, progress_bar=False)
        with pytest.raises(Exception, match="violates its constraint") as info:
            mcmc.run(jax.random.key(0))
    _runtime_error_names(info.value, "Normal", "`scale`")


@pytest.mark.slow
def test_checked_mode_raises_inside_an_svi_step() -> None:
    """The SVI step is compiled: starting it from a bad point (x = -1) gives a
    NaN loss in default mode, and an error naming the parameter when checked."""

    def run_step() -> float:
        guide = AutoDelta(_bad_scale_model)
        svi = SVI(_bad_scale_model, guide, numpyro.optim.Adam(0.1), Trace_ELBO())
        state = svi.init(
            jax.random.key(0), init_params={"x_auto_loc": jnp.asarray(1.0)}
        )
        bad = svi.optim.init({"x_auto_loc": jnp.asarray(-1.0)})
        _, loss = svi.update(SVIState(bad, state.mutable_state, state.rng_key))
        return float(loss)

    assert np.isnan(run_step())
    checked = td.validation("checked")
    with checked, pytest.raises(Exception, match="violates its constraint") as info:
        run_step()
    _runtime_error_names(info.value, "Normal", "`scale`")


def test_off_mode_checks_dtypes_only() -> None:
    with td.validation("off"):
        d = td.Normal(0.0, -1.0)  # value not checked
        assert float(d.scale) == -1.0
        with pytest.raises(td.ParameterTypeError, match="`loc`"):
            td.Normal(jnp.arange(3), 1.0)  # integer dtype: still rejected
        with pytest.raises(td.ParameterTypeError, match="`loc`"):
            td.Normal(np.zeros(3, dtype=jax.dtypes.float0), 1.0)
        promoted = td.Normal(np.float16(0.0), np.ones(3, dtype=np.float64))
        assert promoted.loc.dtype == promoted.scale.dtype


def test_explicit_validate_args_wins_over_the_mode() -> None:
    with td.validation("off"), pytest.raises(td.ParameterValueError, match="`scale`"):
        td.Normal(0.0, -1.0, validate_args=True)
    with td.validation("checked"):
        assert float(td.Normal(0.0, -1.0, validate_args=False).scale) == -1.0


# ---------------------------------------------------------------------------
# The back door: modules rebuilt from their leaves


def _float0(shape: tuple[int, ...]) -> Any:
    return np.zeros(shape, dtype=jax.dtypes.float0)


BACK_DOORS = [
    pytest.param(
        lambda d: eqx.tree_at(lambda m: m.loc, d, jnp.arange(3)), id="tree_at-int"
    ),
    pytest.param(
        lambda d: eqx.tree_at(lambda m: m.scale, d, _float0((3,))), id="tree_at-float0"
    ),
    pytest.param(
        lambda d: jax.tree.map(lambda x: jnp.asarray(x, dtype=jnp.int32), d),
        id="tree_map-int",
    ),
    pytest.param(
        lambda d: jax.tree_util.tree_unflatten(
            jax.tree_util.tree_structure(d), [jnp.arange(3), jnp.ones(3)]
        ),
        id="unflatten-int",
    ),
]


@pytest.mark.parametrize("rebuild", BACK_DOORS)
def test_rebuilt_module_is_checked_when_used(
    rebuild: Callable[[td.Normal], td.Normal],
) -> None:
    d = td.Normal(jnp.zeros(3), jnp.ones(3))
    bad = rebuild(d)
    uses: list[Callable[[], object]] = [
        lambda: bad.log_prob(0.0),
        lambda: bad.sample(jax.random.key(0)),
        lambda: bad.to_numpyro(),
        lambda: bad.mean,
        lambda: numpyro.handlers.seed(lambda: numpyro.sample("x", bad), 0)(),
        lambda: jax.jit(lambda m: m.log_prob(0.0))(bad),
    ]
    for use in uses:
        with pytest.raises(
            td.ParameterTypeError, match=r"Normal: parameter `(loc|scale)`"
        ):
            use()


def test_gradient_module_is_checked_when_used() -> None:
    """A gradient with respect to a distribution is a module of the same class;
    its integer field gets JAX's float0 tangent. Using it as a distribution
    is an error naming that parameter."""
    d = td.Binomial(jnp.asarray([3, 4]), probs=jnp.asarray([0.2, 0.5]))
    gradient = jax.grad(lambda m: m.log_prob(1).sum(), allow_int=True)(d)
    assert gradient.total_count.dtype == jax.dtypes.float0
    with pytest.raises(td.ParameterTypeError, match="parameter `total_count`"):
        gradient.log_prob(1)


def test_rebuilt_module_with_floats_works() -> None:
    d = td.Normal(jnp.zeros(3), jnp.ones(3))
    doubled = jax.tree.map(lambda x: 2 * x, d)
    assert jnp.array_equal(doubled.scale, 2 * jnp.ones(3))
    np.testing.assert_allclose(
        doubled.log_prob(0.0), td.Normal(jnp.zeros(3), 2.0).log_prob(0.0), rtol=1e-6
    )


def test_rebuilt_module_error_names_the_numpyro_parameter() -> None:
    d = td.BetaProportion(0.5, 2.0)  # `mean` is stored as `_given_mean`
    bad = eqx.tree_at(lambda m: m._given_mean, d, jnp.asarray(1))
    with pytest.raises(td.ParameterTypeError, match="parameter `mean`"):
        bad.log_prob(0.3)


# ---------------------------------------------------------------------------
# replace


def test_replace_checks_like_the_constructor() -> None:
    d = td.Normal(jnp.zeros(3), 1.0)
    moved = d.replace(loc=jnp.ones(3))
    assert isinstance(moved, td.Normal)
    assert jnp.array_equal(moved.loc, jnp.ones(3))
    assert jnp.array_equal(moved.scale, d.scale)
    with pytest.raises(td.ParameterTypeError, match="Normal: parameter `loc`"):
        d.replace(loc=jnp.arange(3))
    with pytest.raises(td.ParameterValueError, match="`scale`"):
        d.replace(scale=-1.0)
    with pytest.raises(TypeError, match="unknown parameter"):
        d.replace(locc=0.0)


def test_replace_switches_an_exclusive_parametrisation() -> None:
    d = td.MultivariateNormal(jnp.zeros(2), covariance_matrix=jnp.eye(2))
    wider = d.replace(covariance_matrix=4.0 * jnp.eye(2))
    np.testing.assert_allclose(wider.scale_tril, 2.0 * jnp.eye(2), rtol=1e-6)
    assert jnp.array_equal(wider.loc, d.loc)
    logits = td.Bernoulli(probs=0.3).replace(probs=0.6)
    assert float(logits.probs) == pytest.approx(0.6)


def test_replace_keeps_validate_args() -> None:
    d = td.Normal(0.0, 1.0, validate_args=False)
    assert float(d.replace(scale=-1.0).scale) == -1.0


# ---------------------------------------------------------------------------
# Values given to log_prob


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("a", "str"),
        (None, "None"),
        ([0.0, 1.0], "list"),
        (jnp.array(1j), "complex64"),
        (1j, "complex"),
        (_float0((2,)), "float0"),
        (object(), "object"),
    ],
    ids=["str", "None", "list", "complex-array", "complex", "float0", "object"],
)
def test_log_prob_rejects_values_of_the_wrong_kind(value: Any, problem: str) -> None:
    d = td.Normal(0.0, 1.0)
    with pytest.raises(td.ValueTypeError, match=r"Normal\.log_prob: `value`") as info:
        d.log_prob(value)
    assert problem in str(info.value)
    assert isinstance(info.value, TypeError)


def test_log_prob_outside_the_support_is_numpyros() -> None:
    d = td.Exponential(1.0)
    with pytest.warns(UserWarning, match="Out-of-support"):
        assert float(d.log_prob(-1.0)) == -np.inf
    assert float(td.Bernoulli(probs=0.3).log_prob(True)) == pytest.approx(np.log(0.3))
    assert float(td.Poisson(2.0).log_prob(np.int64(1))) == pytest.approx(
        float(numpyro.distributions.Poisson(2.0).log_prob(1))
    )


def test_union_annotation_keeps_the_reason() -> None:
    """`MultivariateNormal.loc` accepts two shapes (a union for jaxtyping, whose
    own message would only say that no member matched): the dtype that arrived
    and the fix are still what the message says."""
    with pytest.raises(td.ParameterTypeError) as info:
        td.MultivariateNormal(jnp.arange(3), jnp.eye(3))
    message = str(info.value)
    assert message.startswith("MultivariateNormal: parameter `loc`")
    assert "int32[3]" in message
    assert "'*#batch #n' or ''" in message
    assert "loc.astype(float)" in message


@pytest.mark.parametrize("g", GENERATED, ids=[g.id for g in GENERATED])
def test_every_class_checks_the_kind_of_log_prob_values(g: Generated) -> None:
    d = g.cls(**g.make(jax.random.key(0), ()))
    wrong: list[Any] = ["a", None, _float0(d.event_shape), np.ones((), np.complex64)]
    for value in wrong:
        with pytest.raises(td.ValueTypeError, match=rf"{g.name}\.log_prob: `value`"):
            d.log_prob(value)


def test_concurrent_construction_leaves_numpyros_switch_alone() -> None:
    """Building a NumPyro object turns NumPyro's global validation off for a
    moment; threads doing it at once must restore it, and a typed
    construction in another thread must still see the user's setting."""
    saved = bool(numpyro.distributions.Distribution._validate_args)
    barrier = threading.Barrier(8)
    escaped: list[str] = []

    def build() -> None:
        barrier.wait()
        for _ in range(200):
            td.NegativeBinomialProbs(3.0, 0.4)
            try:
                td.Normal(0.0, -1.0)
            except td.ParameterValueError:
                continue
            escaped.append("a negative scale was accepted")

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert escaped == []
    assert bool(numpyro.distributions.Distribution._validate_args) == saved
