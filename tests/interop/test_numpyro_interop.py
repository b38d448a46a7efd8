"""Typed distributions used where NumPyro's own distributions are expected.

Every test runs the same computation twice, once with typed distributions and
once with the NumPyro distributions they wrap, and compares the results
exactly: a typed distribution delegates to NumPyro, so the numbers must be
bit-identical, not merely close. The few tolerances are explained where they
are used (Python-float parameters, which NumPyro keeps as Python floats).
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as nd
import pytest
from numpyro import handlers
from numpyro.distributions import constraints
from numpyro.distributions.kl import kl_divergence as _kl_divergence
from numpyro.distributions.transforms import ExpTransform
from numpyro.infer import (
    SVI as _SVI,
    Predictive,
    TraceMeanField_ELBO,
)
from numpyro.infer.util import log_density

import typed_dists as td
from helpers.versions import NUMPYRO

# NumPyro leaves these unannotated; mypy --strict refuses calls to them.
SVI: Any = _SVI
kl_divergence: Any = _kl_divergence

# The two "libraries" every model below is written against.
LIBS = [td, nd]
LIB_IDS = ["typed", "numpyro"]

Model = Callable[..., Any]


def _f32(value: Any) -> jax.Array:
    return jnp.asarray(value, dtype=jnp.float32)


def _assert_trees_equal(a: Any, b: Any) -> None:
    structure: Any = jax.tree_util.tree_structure(a)
    assert structure == jax.tree_util.tree_structure(b)
    for x, y in zip(
        jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b), strict=True
    ):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
        assert np.asarray(x).dtype == np.asarray(y).dtype


# ---------------------------------------------------------------------------
# Logistic-regression data and models (fixed synthetic data, fixed key)

N, D = 200, 3
_kx, _kw, _ky = jax.random.split(jax.random.key(0), 3)
X = jax.random.normal(_kx, (N, D))
W_TRUE = jax.random.normal(_kw, (D,))
Y = jax.random.bernoulli(_ky, jax.nn.sigmoid(X @ W_TRUE)).astype(jnp.float32)


def logistic_regression(
    lib: ModuleType, b_prior: tuple[Any, Any] = (0.0, 1.0)
) -> Model:
    """Bayesian logistic regression written against `lib` (typed or NumPyro).

    The prior on `b` uses Python floats by default: typed distributions
    promote them to float32 arrays, NumPyro keeps the Python floats.
    """

    def model(x: jax.Array, y: jax.Array | None = None) -> Any:
        w = numpyro.sample("w", lib.Normal(jnp.zeros(D), jnp.ones(D)).to_event(1))
        b = numpyro.sample("b", lib.Normal(*b_prior))
        with numpyro.plate("N", x.shape[0]):
            return numpyro.sample("y", lib.Bernoulli(logits=x @ w + b), obs=y)

    return model


def mean_field_guide(lib: ModuleType) -> Model:
    """A hand-written mean-field guide for `logistic_regression`."""

    def guide(x: jax.Array, y: jax.Array | None = None) -> None:
        w_loc = numpyro.param("w_loc", jnp.zeros(D))
        w_scale = numpyro.param("w_scale", jnp.ones(D), constraint=constraints.positive)
        b_loc = numpyro.param("b_loc", jnp.array(0.0))
        b_scale = numpyro.param(
            "b_scale", jnp.array(1.0), constraint=constraints.positive
        )
        numpyro.sample("w", lib.Normal(w_loc, w_scale).to_event(1))
        numpyro.sample("b", lib.Normal(b_loc, b_scale))

    return guide


# ---------------------------------------------------------------------------
# numpyro.sample under effect handlers


def test_sample_obs_under_seed_and_trace() -> None:
    w = _f32([0.5, -1.0, 2.0])
    typed = td.Bernoulli(logits=X @ w)
    plain = nd.Bernoulli(logits=X @ w)

    def model(d: nd.Distribution) -> Any:
        return numpyro.sample("y", d, obs=Y)

    tr = handlers.trace(handlers.seed(model, 0)).get_trace(typed)
    site = tr["y"]
    assert site["fn"] is typed
    assert site["is_observed"]
    np.testing.assert_array_equal(site["value"], Y)
    np.testing.assert_array_equal(site["fn"].log_prob(site["value"]), plain.log_prob(Y))


def test_latent_sample_under_seed_and_trace_equals_numpyro() -> None:
    typed = td.Normal(jnp.zeros(D), jnp.ones(D))
    plain = nd.Normal(jnp.zeros(D), jnp.ones(D))

    def model(d: nd.Distribution) -> Any:
        return numpyro.sample("z", d)

    tr_typed = handlers.trace(handlers.seed(model, 3)).get_trace(typed)
    tr_plain = handlers.trace(handlers.seed(model, 3)).get_trace(plain)
    assert tr_typed["z"]["fn"] is typed
    assert not tr_typed["z"]["is_observed"]
    value = tr_typed["z"]["value"]
    np.testing.assert_array_equal(value, tr_plain["z"]["value"])
    np.testing.assert_array_equal(
        tr_typed["z"]["fn"].log_prob(value), plain.log_prob(value)
    )
    # `seed` alone (no trace) returns the same draw.
    np.testing.assert_array_equal(handlers.seed(model, 3)(typed), value)


@pytest.mark.parametrize("lib", LIBS, ids=LIB_IDS)
def test_sample_in_plate_keeps_matching_distribution(lib: ModuleType) -> None:
    w = _f32([0.5, -1.0, 2.0])

    def model() -> Any:
        with numpyro.plate("N", N):
            return numpyro.sample("y", lib.Bernoulli(logits=X @ w), obs=Y)

    tr = handlers.trace(handlers.seed(model, 0)).get_trace()
    assert type(tr["y"]["fn"]) is type(lib.Bernoulli(logits=X @ w))
    assert tr["y"]["cond_indep_stack"][0].name == "N"
    np.testing.assert_array_equal(
        tr["y"]["fn"].log_prob(Y), nd.Bernoulli(logits=X @ w).log_prob(Y)
    )


def _plate_broadcast_trace(lib: ModuleType) -> dict[str, Any]:
    def model() -> Any:
        with numpyro.plate("rows", 4, dim=-2):
            return numpyro.sample("z", lib.Normal(jnp.arange(3.0), 2.0))

    trace: dict[str, Any] = handlers.trace(handlers.seed(model, 7)).get_trace()
    return trace


def test_plate_broadcasts_batch_of_typed_distributions() -> None:
    typed = _plate_broadcast_trace(td)["z"]
    plain = _plate_broadcast_trace(nd)["z"]
    # The plate expands the (3,)-batch to (4, 3) with `.expand`.
    assert isinstance(typed["fn"], nd.ExpandedDistribution)
    assert isinstance(typed["fn"].base_dist, td.Normal)
    assert typed["fn"].batch_shape == plain["fn"].batch_shape == (4, 3)
    assert typed["value"].shape == (4, 3)
    np.testing.assert_array_equal(typed["value"], plain["value"])
    np.testing.assert_array_equal(
        typed["fn"].log_prob(typed["value"]), plain["fn"].log_prob(plain["value"])
    )


def _regression_log_density(model: Model, params: dict[str, Any]) -> jax.Array:
    value, _ = log_density(model, (X, Y), {}, params)
    return jnp.asarray(value)


REG_PARAMS: dict[str, Any] = {"w": _f32([0.3, -0.2, 1.1]), "b": _f32(0.4)}


def _masked_regression(lib: ModuleType, mask: jax.Array) -> Model:
    def model(x: jax.Array, y: jax.Array | None = None) -> Any:
        w = numpyro.sample("w", lib.Normal(jnp.zeros(D), jnp.ones(D)).to_event(1))
        b = numpyro.sample("b", lib.Normal(0.0, 1.0))
        with numpyro.plate("N", x.shape[0]), handlers.mask(mask=mask):
            return numpyro.sample("y", lib.Bernoulli(logits=x @ w + b), obs=y)

    return model


def test_mask_handler() -> None:
    mask = jnp.arange(N) % 3 == 0
    results = []
    for lib in LIBS:
        model = _masked_regression(lib, mask)
        results.append(_regression_log_density(model, REG_PARAMS))
        tr = handlers.trace(handlers.seed(model, 0)).get_trace(X, Y)
        assert isinstance(tr["y"]["fn"], nd.MaskedDistribution)
        assert type(tr["y"]["fn"].base_dist) is type(lib.Bernoulli(logits=X[0]))
        assert not isinstance(tr["w"]["fn"], nd.MaskedDistribution)
    np.testing.assert_array_equal(results[0], results[1])
    unmasked = _regression_log_density(logistic_regression(td), REG_PARAMS)
    assert results[0] != unmasked
    # The masked-out observations contribute nothing: only the kept ones count.
    kept = _regression_log_density(
        lambda x, y: logistic_regression(td)(x[mask], y[mask]), REG_PARAMS
    )
    np.testing.assert_allclose(results[0], kept, rtol=1e-6)  # summation order


def test_mask_method() -> None:
    mask = jnp.array([True, False, True])
    value = _f32([0.3, -0.7, 2.0])
    typed = td.Normal(_f32([0.0, 1.0, 2.0]), _f32([1.0, 0.5, 3.0])).mask(mask)
    plain = nd.Normal(_f32([0.0, 1.0, 2.0]), _f32([1.0, 0.5, 3.0])).mask(mask)
    # The typed wrapper, an instance of NumPyro's too.
    assert isinstance(typed, td.MaskedDistribution)
    assert issubclass(td.MaskedDistribution, nd.MaskedDistribution)
    assert isinstance(typed.base_dist, td.Normal)
    np.testing.assert_array_equal(typed.log_prob(value), plain.log_prob(value))
    assert jnp.asarray(typed.log_prob(value))[1] == 0.0

    def model(lib: ModuleType) -> Any:
        loc, scale = _f32([0.0, 1.0, 2.0]), _f32([1.0, 0.5, 3.0])
        return numpyro.sample("z", lib.Normal(loc, scale).mask(mask), obs=value)

    lds = [log_density(model, (lib,), {}, {})[0] for lib in LIBS]
    np.testing.assert_array_equal(lds[0], lds[1])


def test_condition_handler() -> None:
    traces = []
    for lib in LIBS:
        model = handlers.condition(logistic_regression(lib), data=REG_PARAMS)
        tr = handlers.trace(handlers.seed(model, 0)).get_trace(X, Y)
        assert tr["w"]["is_observed"]
        assert tr["b"]["is_observed"]
        np.testing.assert_array_equal(tr["w"]["value"], REG_PARAMS["w"])
        traces.append(tr)
    typed, plain = traces
    assert isinstance(typed["b"]["fn"], td.Normal)
    for name in ("w", "b", "y"):
        np.testing.assert_array_equal(
            typed[name]["fn"].log_prob(typed[name]["value"]),
            plain[name]["fn"].log_prob(plain[name]["value"]),
        )


def test_substitute_handler() -> None:
    values = []
    for lib in LIBS:
        model = handlers.substitute(logistic_regression(lib), data=REG_PARAMS)
        tr = handlers.trace(handlers.seed(model, 0)).get_trace(X, Y)
        assert not tr["w"]["is_observed"]
        np.testing.assert_array_equal(tr["w"]["value"], REG_PARAMS["w"])
        np.testing.assert_array_equal(tr["b"]["value"], REG_PARAMS["b"])
        values.append(
            sum(
                site["fn"].log_prob(site["value"]).sum()
                for site in (tr["w"], tr["b"], tr["y"])
            )
        )
    np.testing.assert_array_equal(values[0], values[1])


def test_scale_handler() -> None:
    results = [
        _regression_log_density(
            handlers.scale(logistic_regression(lib), scale=2.5), REG_PARAMS
        )
        for lib in LIBS
    ]
    np.testing.assert_array_equal(results[0], results[1])
    unscaled = _regression_log_density(logistic_regression(td), REG_PARAMS)
    # Each site is scaled before the sites are summed: the same number up to
    # float32 rounding.
    np.testing.assert_allclose(results[0], 2.5 * unscaled, rtol=1e-6)


@pytest.mark.parametrize("lib", LIBS, ids=LIB_IDS)
def test_block_handler(lib: ModuleType) -> None:
    model = handlers.block(logistic_regression(lib), hide=["w"])
    tr = handlers.trace(handlers.seed(model, 0)).get_trace(X, Y)
    assert "w" not in tr
    assert "b" in tr
    assert "y" in tr
    assert type(tr["b"]["fn"]) is type(lib.Normal(0.0, 1.0))


def test_replay_handler() -> None:
    traces = []
    for lib in LIBS:
        guide_trace = handlers.trace(
            handlers.seed(mean_field_guide(lib), 11)
        ).get_trace(X, Y)
        model = handlers.replay(logistic_regression(lib), trace=guide_trace)
        tr = handlers.trace(handlers.seed(model, 0)).get_trace(X, Y)
        for name in ("w", "b"):
            assert tr[name]["value"] is guide_trace[name]["value"]
        traces.append(tr)
    typed, plain = traces
    assert isinstance(typed["b"]["fn"], td.Normal)
    for name in ("w", "b", "y"):
        np.testing.assert_array_equal(typed[name]["value"], plain[name]["value"])
        np.testing.assert_array_equal(
            typed[name]["fn"].log_prob(typed[name]["value"]),
            plain[name]["fn"].log_prob(plain[name]["value"]),
        )


def _many_sites_model(lib: ModuleType) -> Model:
    def model(y: jax.Array) -> None:
        mu = numpyro.sample("mu", lib.Normal(0.0, 10.0))
        sigma = numpyro.sample("sigma", lib.HalfNormal(2.0))
        rate = numpyro.sample("rate", lib.Gamma(2.0, 0.5))
        p = numpyro.sample("p", lib.Beta(2.0, 3.0))
        with numpyro.plate("data", y.shape[0]):
            numpyro.sample("y", lib.Normal(mu, sigma), obs=y)
            numpyro.sample("c", lib.Poisson(rate), obs=jnp.floor(jnp.abs(y)))
            numpyro.sample("b", lib.Bernoulli(probs=p), obs=(y > 0).astype(y.dtype))

    return model


def test_log_density_equals_numpyro() -> None:
    y = jax.random.normal(jax.random.key(5), (20,))
    params = {"mu": _f32(0.4), "sigma": _f32(1.3), "rate": _f32(2.2), "p": _f32(0.6)}
    results = [log_density(_many_sites_model(lib), (y,), {}, params) for lib in LIBS]
    (ld_typed, tr_typed), (ld_plain, _) = results
    np.testing.assert_array_equal(ld_typed, ld_plain)
    assert isinstance(tr_typed["sigma"]["fn"], td.HalfNormal)
    assert isinstance(tr_typed["b"]["fn"].base_dist, td.BernoulliProbs)

    lr = [_regression_log_density(logistic_regression(lib), REG_PARAMS) for lib in LIBS]
    np.testing.assert_array_equal(lr[0], lr[1])


# ---------------------------------------------------------------------------
# Inference: the prior predictive with the Python-float prior on `b`. (NUTS,
# SVI with AutoNormal and the posterior predictive are compared in
# test_compat_mcmc.py, test_compat_svi.py and test_compat_predictive.py.)


@pytest.mark.slow
def test_predictive_prior_identical() -> None:
    preds = [
        Predictive(logistic_regression(lib), num_samples=100)(jax.random.key(3), X)
        for lib in LIBS
    ]
    assert preds[0].keys() == {"w", "b", "y"}
    assert preds[0]["y"].shape == (100, N)
    _assert_trees_equal(preds[0], preds[1])


LOC = _f32([-1.0, 0.5, 2.0])
SCALE = _f32([1.0, 0.3, 2.5])
VALUE = _f32([0.2, 0.4, 1.0])


@pytest.mark.numpyro_eager
def test_expand() -> None:
    typed = td.Normal(LOC, SCALE).expand((4, 3))
    plain = nd.Normal(LOC, SCALE).expand((4, 3))
    assert isinstance(typed, td.ExpandedDistribution)
    assert issubclass(td.ExpandedDistribution, nd.ExpandedDistribution)
    assert typed.batch_shape == plain.batch_shape == (4, 3)
    key = jax.random.key(8)
    sample = typed.sample(key)
    np.testing.assert_array_equal(sample, plain.sample(key))
    np.testing.assert_array_equal(typed.log_prob(sample), plain.log_prob(sample))


def test_to_event() -> None:
    typed = td.Normal(LOC, SCALE).to_event(1)
    plain = nd.Normal(LOC, SCALE).to_event(1)
    assert isinstance(typed, td.Independent)
    assert issubclass(td.Independent, nd.Independent)
    assert isinstance(typed.base_dist, td.Normal)
    assert typed.event_shape == plain.event_shape == (3,)
    assert typed.batch_shape == ()
    np.testing.assert_array_equal(typed.log_prob(VALUE), plain.log_prob(VALUE))
    # to_event(0) is the distribution itself, as in NumPyro.
    d = td.Normal(LOC, SCALE)
    assert d.to_event(0) is d


def test_independent() -> None:
    typed = nd.Independent(td.Normal(LOC, SCALE), 1)
    plain = nd.Independent(nd.Normal(LOC, SCALE), 1)
    assert typed.event_shape == plain.event_shape
    np.testing.assert_array_equal(typed.log_prob(VALUE), plain.log_prob(VALUE))
    key = jax.random.key(9)
    np.testing.assert_array_equal(typed.sample(key, (2,)), plain.sample(key, (2,)))


def test_transformed_distribution_equals_lognormal() -> None:
    typed = nd.TransformedDistribution(td.Normal(LOC, SCALE), ExpTransform())
    value = jnp.exp(VALUE)
    np.testing.assert_array_equal(
        typed.log_prob(value), nd.LogNormal(LOC, SCALE).log_prob(value)
    )
    np.testing.assert_array_equal(
        typed.log_prob(value),
        nd.TransformedDistribution(nd.Normal(LOC, SCALE), ExpTransform()).log_prob(
            value
        ),
    )
    np.testing.assert_array_equal(
        typed.log_prob(value), td.LogNormal(LOC, SCALE).log_prob(value)
    )


MIX_VALUE = _f32([-2.0, 0.0, 0.7, 3.0])


def test_mixture_same_family() -> None:
    mixing = nd.Categorical(probs=_f32([0.2, 0.5, 0.3]))
    typed = nd.MixtureSameFamily(mixing, td.Normal(LOC, SCALE))
    plain = nd.MixtureSameFamily(mixing, nd.Normal(LOC, SCALE))
    np.testing.assert_array_equal(typed.log_prob(MIX_VALUE), plain.log_prob(MIX_VALUE))
    key = jax.random.key(10)
    np.testing.assert_array_equal(typed.sample(key, (5,)), plain.sample(key, (5,)))
    # A typed Categorical converted to NumPyro's works as the mixing distribution.
    converted = nd.MixtureSameFamily(
        td.Categorical(probs=_f32([0.2, 0.5, 0.3])).to_numpyro(),
        td.Normal(LOC, SCALE),
    )
    np.testing.assert_array_equal(
        converted.log_prob(MIX_VALUE), plain.log_prob(MIX_VALUE)
    )


def test_mixture_general() -> None:
    mixing = nd.Categorical(probs=_f32([0.3, 0.7]))
    typed = nd.MixtureGeneral(
        mixing, [td.Normal(_f32(-1.0), _f32(1.0)), td.Laplace(_f32(2.0), _f32(0.5))]
    )
    plain = nd.MixtureGeneral(
        mixing, [nd.Normal(_f32(-1.0), _f32(1.0)), nd.Laplace(_f32(2.0), _f32(0.5))]
    )
    np.testing.assert_array_equal(typed.log_prob(MIX_VALUE), plain.log_prob(MIX_VALUE))


def test_mixture_with_typed_categorical_mixing_distribution() -> None:
    # A typed Categorical as the mixing distribution, as the docstring of
    # TypedDistribution promises ("accepted wherever NumPyro's own
    # distributions are").
    probs = _f32([0.2, 0.5, 0.3])
    mixing: Any = td.Categorical(probs=probs)  # NumPyro annotates nd.Categorical*
    typed = nd.MixtureSameFamily(mixing, td.Normal(LOC, SCALE))
    plain = nd.MixtureSameFamily(nd.Categorical(probs=probs), nd.Normal(LOC, SCALE))
    np.testing.assert_array_equal(typed.log_prob(MIX_VALUE), plain.log_prob(MIX_VALUE))


# ---------------------------------------------------------------------------
# KL divergence


KL_P = (_f32([0.3, -1.0]), _f32([1.2, 0.4]))
KL_Q = (_f32([-0.5, 0.0]), _f32([0.7, 2.0]))


@pytest.mark.parametrize(
    ("p_lib", "q_lib"),
    [(td, td), (td, nd), (nd, td)],
    ids=["typed/typed", "typed/numpyro", "numpyro/typed"],
)
def test_kl_divergence_normal(p_lib: ModuleType, q_lib: ModuleType) -> None:
    p, q = p_lib.Normal(*KL_P), q_lib.Normal(*KL_Q)
    result = kl_divergence(p, q)
    assert isinstance(result, jax.Array)
    assert result.shape == (2,)
    np.testing.assert_array_equal(
        result, kl_divergence(nd.Normal(*KL_P), nd.Normal(*KL_Q))
    )


def test_kl_divergence_python_float_parameters() -> None:
    # NumPyro keeps Python-float parameters as Python floats, so
    # kl(Normal(0.3, 1.2), Normal(-0.5, 0.7)) computes `p.scale / q.scale` in
    # float64 Python arithmetic and differs from the float32 result in the
    # last bit. Typed distributions store float32 arrays: their KL equals
    # NumPyro's KL of the same float32 arrays, i.e. of `to_numpyro()`.
    p, q = td.Normal(0.3, 1.2), td.Normal(-0.5, 0.7)
    np.testing.assert_array_equal(
        kl_divergence(p, q), kl_divergence(p.to_numpyro(), q.to_numpyro())
    )
    np.testing.assert_allclose(
        kl_divergence(p, q),
        kl_divergence(nd.Normal(0.3, 1.2), nd.Normal(-0.5, 0.7)),
        rtol=1e-6,  # float64 Python arithmetic vs float32, see above
    )


def test_kl_divergence_of_wrapped_typed_distributions() -> None:
    # Expanded / Independent wrappers dispatch through NumPyro's own rules and
    # reach the typed pair at the bottom.
    base_p, base_q = td.Normal(_f32(0.3), _f32(1.2)), td.Normal(LOC, SCALE)
    plain_p, plain_q = nd.Normal(_f32(0.3), _f32(1.2)), nd.Normal(LOC, SCALE)
    expected = kl_divergence(plain_p.expand((3,)), plain_q)
    np.testing.assert_array_equal(kl_divergence(base_p.expand((3,)), base_q), expected)
    np.testing.assert_array_equal(kl_divergence(plain_p.expand((3,)), base_q), expected)
    np.testing.assert_array_equal(
        kl_divergence(base_p.expand((3,)).to_event(1), base_q.to_event(1)),
        kl_divergence(plain_p.expand((3,)).to_event(1), plain_q.to_event(1)),
    )


def test_kl_divergence_delta_and_typed() -> None:
    delta = nd.Delta(_f32(0.5))
    np.testing.assert_array_equal(
        kl_divergence(delta, td.Normal(_f32(0.0), _f32(1.0))),
        kl_divergence(delta, nd.Normal(_f32(0.0), _f32(1.0))),
    )


def test_kl_divergence_registrations_are_unambiguous() -> None:
    # A typed distribution is an instance of the NumPyro class it wraps, so
    # NumPyro's own multipledispatch rules serve it and typed_dists registers
    # none. Any rule involving TypedDistribution would risk ambiguity with
    # NumPyro's (Expanded, Distribution), (Delta, Distribution), ... rules:
    # multipledispatch then warns at the first KL computation (e.g. the first
    # TraceMeanField_ELBO step) and picks a rule arbitrarily.
    # `reorder()` recomputes the dispatch order and reports ambiguities.
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        kl_divergence.reorder()
    messages = [str(w.message) for w in record]
    assert not [m for m in messages if "TypedDistribution" in m], messages


def _mean_field_svi(
    model_lib: ModuleType, guide_lib: ModuleType, b_prior: tuple[Any, Any]
) -> tuple[jax.Array, dict[str, jax.Array]]:
    svi = SVI(
        logistic_regression(model_lib, b_prior),
        mean_field_guide(guide_lib),
        numpyro.optim.Adam(0.05),
        TraceMeanField_ELBO(),
    )
    result = svi.run(jax.random.key(12), 100, X, Y, progress_bar=False)
    return result.losses, result.params


# Concrete float32 arrays (created outside any trace) for the prior on `b`.
B_PRIOR = (_f32(0.0), _f32(1.0))


@pytest.mark.slow
def test_trace_mean_field_elbo_with_typed_guide() -> None:
    expected_losses, expected_params = _mean_field_svi(nd, nd, B_PRIOR)
    assert expected_losses.shape == (100,)
    for model_lib in (nd, td):  # typed guide with a NumPyro / a typed model
        losses, params = _mean_field_svi(model_lib, td, B_PRIOR)
        np.testing.assert_array_equal(losses, expected_losses)
        _assert_trees_equal(params, expected_params)
    # The typed guide's sites take NumPyro's analytic-KL path (no
    # NotImplementedError fallback to log-prob differences).
    guide_trace = handlers.trace(handlers.seed(mean_field_guide(td), 0)).get_trace(X, Y)
    model_trace = handlers.trace(
        handlers.replay(handlers.seed(logistic_regression(td), 0), trace=guide_trace)
    ).get_trace(X, Y)
    for site in ("w", "b"):
        kl = kl_divergence(guide_trace[site]["fn"], model_trace[site]["fn"])
        assert isinstance(kl, jax.Array)


@pytest.mark.slow
def test_trace_mean_field_elbo_python_float_prior() -> None:
    # With the prior `Normal(0.0, 1.0)` written with Python floats the typed
    # and NumPyro runs are NOT bit-identical (14 of 100 losses differ by 1 ulp,
    # relative difference ~2e-7). Cause: NumPyro keeps the Python floats, which
    # JAX inlines into the jitted SVI step as literals (`div x 1.0`); the typed
    # constructor promotes them to concrete float32 jax.Arrays
    # (`promote_floats` in src/typed_dists/_policy/_dtypes.py), which the trace
    # may hoist as constants (jaxpr constvars, `div x p`). XLA then compiles a
    # different program for the analytic Normal-Normal KL and rounds
    # differently. The same typed model with float32-array priors (previous
    # test) is bit-identical, so this is the float promotion, not a different
    # computation: the tolerance below is float32 rounding only.
    typed_losses, typed_params = _mean_field_svi(td, td, (0.0, 1.0))
    plain_losses, plain_params = _mean_field_svi(nd, nd, (0.0, 1.0))
    np.testing.assert_allclose(typed_losses, plain_losses, rtol=1e-6)
    for name in plain_params:
        np.testing.assert_allclose(
            typed_params[name], plain_params[name], rtol=1e-5, atol=1e-6
        )


# ---------------------------------------------------------------------------
# Validation switches


@pytest.fixture
def restore_validation() -> Iterator[None]:
    saved = nd.distribution._VALIDATION_ENABLED
    saved_default = nd.Distribution._validate_args
    try:
        yield
    finally:
        numpyro.enable_validation(saved)
        nd.Distribution.set_default_validate_args(saved_default)


def test_value_checks_follow_this_numpyros_default() -> None:
    """With no setting of the user's, typed value checks are on exactly when
    NumPyro's are: by default since NumPyro 0.22, not in 0.20 and 0.21. In a
    fresh process, since the suite turns NumPyro's validation on."""
    probe = (
        "import numpyro.distributions as nd, typed_dists as td\n"
        "def rejects(make):\n"
        "    try:\n"
        "        make()\n"
        "    except ValueError:\n"
        "        return True\n"
        "    return False\n"
        "print(rejects(lambda: nd.Normal(0.0, -1.0)), "
        "rejects(lambda: td.Normal(0.0, -1.0)))\n"
    )
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    expected = str(NUMPYRO >= (0, 22))
    assert completed.stdout.split() == [expected, expected]


@pytest.mark.usefixtures("restore_validation")
def test_validation_on_rejects_invalid_value() -> None:
    numpyro.enable_validation(True)
    with pytest.raises(ValueError, match="scale"):
        td.Normal(0.0, -1.0)
    with pytest.raises(ValueError, match="scale"):
        nd.Normal(0.0, -1.0)  # NumPyro does the same


@pytest.mark.usefixtures("restore_validation")
def test_enable_validation_false_is_honoured() -> None:
    numpyro.enable_validation(False)
    d = td.Normal(0.0, -1.0)
    assert float(d.scale) == -1.0
    assert not d.to_numpyro()._validate_args
    # NumPyro skips its log_prob support check too.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        td.HalfNormal(1.0).log_prob(-1.0)
    # Explicit validate_args=True overrides the global switch.
    with pytest.raises(ValueError, match="scale"):
        td.Normal(0.0, -1.0, validate_args=True)


@pytest.mark.usefixtures("restore_validation")
def test_validate_args_false_is_honoured() -> None:
    numpyro.enable_validation(True)
    d = td.Normal(0.0, -1.0, validate_args=False)
    assert float(d.scale) == -1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        td.HalfNormal(1.0, validate_args=False).log_prob(-1.0)
    # From NumPyro, validate_args is carried over.
    converted = td.from_numpyro(nd.Normal(0.0, -1.0, validate_args=False))
    assert isinstance(converted, td.Normal)
    assert float(converted.scale) == -1.0


@pytest.mark.usefixtures("restore_validation")
def test_validation_on_warns_out_of_support_like_numpyro() -> None:
    numpyro.enable_validation(True)
    with pytest.warns(UserWarning, match="Out-of-support") as typed_record:
        typed = td.HalfNormal(1.0).log_prob(-1.0)
    with pytest.warns(UserWarning, match="Out-of-support"):
        plain = nd.HalfNormal(1.0).log_prob(-1.0)
    assert len(typed_record) >= 1
    np.testing.assert_array_equal(typed, plain)
