"""Prediction and diagnostics with typed distributions: the same as NumPyro's.

`Predictive` (prior and posterior predictive, from MCMC samples or an SVI
guide), `log_likelihood`, `log_density` and the model inspection behind
`numpyro.render_model` run on one model, written once as a function of the
distributions module and run with `numpyro.distributions` and `typed_dists`
from the same PRNG keys. All parameters are concrete float32 JAX arrays, which
typed_dists stores unchanged, so every result must be bitwise identical.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, cast

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import pytest
from numpyro import handlers
from numpyro.distributions import constraints
from numpyro.infer import (
    MCMC as _MCMC,
    NUTS as _NUTS,
    SVI as _SVI,
    Predictive,
    Trace_ELBO,
)
from numpyro.infer.inspect import (
    generate_graph_specification as _generate_graph_specification,
    get_model_relations as _get_model_relations,
)
from numpyro.infer.util import log_density, log_likelihood as _log_likelihood

import typed_dists as td
from helpers.compat import assert_identical, both, sites_of

# Slow (inference runs): left out of `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

# NumPyro leaves these unannotated; mypy --strict refuses calls to them.
MCMC: Any = _MCMC
NUTS: Any = _NUTS
SVI: Any = _SVI
log_likelihood: Any = _log_likelihood
get_model_relations: Any = _get_model_relations
generate_graph_specification: Any = _generate_graph_specification

Model = Callable[..., None]
Samples = dict[str, jax.Array]


def _f32(value: Any) -> jax.Array:
    return jnp.asarray(value, dtype=jnp.float32)


# ---------------------------------------------------------------------------
# Data and model. Concrete float32 arrays, created once outside any trace.

N, D = 30, 2
_KX, _KY, _KC = jax.random.split(jax.random.key(0), 3)
X = jax.random.normal(_KX, (N, D), dtype=jnp.float32)
_MU = X @ _f32([1.5, -1.0]) + 0.2
Y = _MU + 0.5 * jax.random.normal(_KY, (N,))
C = jax.random.bernoulli(_KC, jax.nn.sigmoid(_MU)).astype(jnp.int32)

W_LOC, W_SCALE = jnp.zeros(D, dtype=jnp.float32), jnp.ones(D, dtype=jnp.float32)
ZERO, ONE, HALF = _f32(0.0), _f32(1.0), _f32(0.5)
W_SCALE_INIT = jnp.full(D, 0.5, dtype=jnp.float32)

NUM_SAMPLES = 100
LATENT = {"w", "b", "sigma"}
ALL_SITES = LATENT | {"mu", "y", "c"}


def model_for(dist: ModuleType) -> Model:
    """A regression with a Normal and a Bernoulli(logits) observation."""

    def model(
        x: jax.Array, y: jax.Array | None = None, c: jax.Array | None = None
    ) -> None:
        w = numpyro.sample("w", dist.Normal(W_LOC, W_SCALE).to_event(1))
        b = numpyro.sample("b", dist.Normal(ZERO, ONE))
        sigma = numpyro.sample("sigma", dist.HalfNormal(ONE))
        mu = numpyro.deterministic("mu", x @ w + b)
        with numpyro.plate("data", x.shape[0]):
            numpyro.sample("y", dist.Normal(mu, sigma), obs=y)
            numpyro.sample("c", dist.Bernoulli(logits=mu), obs=c)

    return model


def guide_for(dist: ModuleType) -> Model:
    """A hand-written mean-field guide; scales are positive-constrained params."""

    def guide(
        x: jax.Array, y: jax.Array | None = None, c: jax.Array | None = None
    ) -> None:
        w_loc = numpyro.param("w_loc", W_LOC)
        w_scale = numpyro.param(
            "w_scale", W_SCALE_INIT, constraint=constraints.positive
        )
        numpyro.sample("w", dist.Normal(w_loc, w_scale).to_event(1))
        b_loc = numpyro.param("b_loc", ZERO)
        b_scale = numpyro.param("b_scale", HALF, constraint=constraints.positive)
        numpyro.sample("b", dist.Normal(b_loc, b_scale))
        s_loc = numpyro.param("sigma_loc", ZERO)
        s_scale = numpyro.param("sigma_scale", HALF, constraint=constraints.positive)
        numpyro.sample("sigma", dist.LogNormal(s_loc, s_scale))

    return guide


def test_typed_model_has_typed_sites_only() -> None:
    """The typed runs below really use typed distributions at every site."""
    for fn in (model_for(td), guide_for(td)):
        trace = handlers.trace(handlers.seed(fn, 0)).get_trace(X, Y, C)
        fns = {n: s["fn"] for n, s in trace.items() if s["type"] == "sample"}
        assert fns.keys() >= LATENT
        for name, site_fn in fns.items():
            assert isinstance(site_fn, td.TypedDistribution), (name, type(site_fn))


# ---------------------------------------------------------------------------
# Prior predictive


@pytest.mark.slow
@pytest.mark.parametrize("parallel", [False, True], ids=["map", "vmap"])
def test_prior_predictive_identical(parallel: bool) -> None:
    expected, actual = (
        Predictive(model, num_samples=NUM_SAMPLES, parallel=parallel)(
            jax.random.key(3), X
        )
        for model in both(model_for)
    )
    assert expected.keys() == ALL_SITES
    assert expected["y"].shape == expected["c"].shape == (NUM_SAMPLES, N)
    assert expected["c"].dtype == actual["c"].dtype
    assert_identical(expected, actual)
    assert float(jnp.std(actual["b"])) > 0.0


# ---------------------------------------------------------------------------
# Posterior predictive: from NUTS samples and from an SVI guide


@pytest.fixture(scope="module")
def nuts_samples() -> tuple[Samples, Samples]:
    def run(model: Model) -> Samples:
        mcmc = MCMC(
            NUTS(model), num_warmup=100, num_samples=NUM_SAMPLES, progress_bar=False
        )
        mcmc.run(jax.random.key(1), X, Y, C)
        return cast(Samples, mcmc.get_samples())

    expected, actual = both(lambda dist: run(model_for(dist)))
    return expected, actual


@pytest.fixture(scope="module")
def svi_params() -> tuple[Samples, Samples]:
    def run(dist: ModuleType) -> Samples:
        svi = SVI(
            model_for(dist), guide_for(dist), numpyro.optim.Adam(0.05), Trace_ELBO()
        )
        result = svi.run(jax.random.key(2), 100, X, Y, C, progress_bar=False)
        return cast(Samples, result.params)

    return both(run)


@pytest.mark.slow
def test_nuts_samples_identical(nuts_samples: tuple[Samples, Samples]) -> None:
    expected, actual = nuts_samples
    assert expected.keys() == LATENT | {"mu"}
    assert expected["w"].shape == (NUM_SAMPLES, D)
    assert_identical(expected, actual)
    assert float(jnp.std(actual["b"])) > 0.0


@pytest.mark.slow
def test_posterior_predictive_from_nuts_identical(
    nuts_samples: tuple[Samples, Samples],
) -> None:
    expected, actual = (
        Predictive(model, posterior_samples=samples)(jax.random.key(4), X)
        for model, samples in zip(both(model_for), nuts_samples, strict=True)
    )
    assert expected.keys() == {"mu", "y", "c"}
    assert expected["y"].shape == (NUM_SAMPLES, N)
    assert_identical(expected, actual)


@pytest.mark.slow
def test_svi_params_identical(svi_params: tuple[Samples, Samples]) -> None:
    expected, actual = svi_params
    assert expected.keys() == {
        "w_loc",
        "w_scale",
        "b_loc",
        "b_scale",
        "sigma_loc",
        "sigma_scale",
    }
    assert_identical(expected, actual)


@pytest.mark.slow
def test_posterior_predictive_from_guide_identical(
    svi_params: tuple[Samples, Samples],
) -> None:
    expected, actual = (
        Predictive(model, guide=guide, params=params, num_samples=NUM_SAMPLES)(
            jax.random.key(5), X
        )
        for model, guide, params in zip(
            both(model_for), both(guide_for), svi_params, strict=True
        )
    )
    assert expected.keys() == {"mu", "y", "c"}  # the latents are the guide's
    assert expected["y"].shape == (NUM_SAMPLES, N)
    assert_identical(expected, actual)


@pytest.mark.slow
def test_guide_predictive_identical(svi_params: tuple[Samples, Samples]) -> None:
    """Posterior samples drawn from the fitted guide alone."""
    expected, actual = (
        Predictive(guide, params=params, num_samples=NUM_SAMPLES)(jax.random.key(6), X)
        for guide, params in zip(both(guide_for), svi_params, strict=True)
    )
    assert expected.keys() == LATENT
    assert_identical(expected, actual)


# ---------------------------------------------------------------------------
# log_likelihood and log_density


@pytest.mark.slow
@pytest.mark.parametrize("parallel", [False, True], ids=["map", "vmap"])
def test_log_likelihood_nuts_identical(
    nuts_samples: tuple[Samples, Samples], parallel: bool
) -> None:
    expected, actual = (
        cast(Samples, log_likelihood(model, samples, X, Y, C, parallel=parallel))
        for model, samples in zip(both(model_for), nuts_samples, strict=True)
    )
    assert expected.keys() == {"y", "c"}
    assert expected["y"].shape == expected["c"].shape == (NUM_SAMPLES, N)
    assert_identical(expected, actual)
    assert np.all(np.isfinite(actual["y"]))


@pytest.mark.slow
def test_log_likelihood_of_guide_samples_identical(
    svi_params: tuple[Samples, Samples],
) -> None:
    samples = (
        Predictive(guide, params=params, num_samples=NUM_SAMPLES)(jax.random.key(6), X)
        for guide, params in zip(both(guide_for), svi_params, strict=True)
    )
    expected, actual = (
        cast(Samples, log_likelihood(model, s, X, Y, C))
        for model, s in zip(both(model_for), samples, strict=True)
    )
    assert expected.keys() == {"y", "c"}
    assert_identical(expected, actual)


POINT = {"w": _f32([1.2, -0.8]), "b": _f32(0.1), "sigma": _f32(0.6)}


@pytest.mark.parametrize(
    "params",
    [POINT, {}],
    ids=["given-latents", "sampled-latents"],
)
def test_log_density_identical(params: Samples) -> None:
    results = [
        log_density(handlers.seed(model, 8), (X,), {"y": Y, "c": C}, params)
        for model in both(model_for)
    ]
    (expected_joint, expected_trace), (joint, trace) = results
    assert_identical(expected_joint, joint)
    assert np.isfinite(float(joint))
    assert sites_of(trace).keys() == ALL_SITES - {"mu"}
    assert_identical(sites_of(expected_trace), sites_of(trace))
    assert_identical(
        sites_of(expected_trace, kind="deterministic"),
        sites_of(trace, kind="deterministic"),
    )
    # Each site's log-probability, not only their sum.
    for name in sites_of(trace):
        site, expected_site = trace[name], expected_trace[name]
        assert isinstance(site["fn"], td.TypedDistribution)
        assert_identical(
            expected_site["fn"].log_prob(expected_site["value"]),
            site["fn"].log_prob(site["value"]),
        )


def test_log_density_jitted_gradient_identical() -> None:
    """The potential as MCMC and SVI use it: jitted and differentiated."""

    def joint(model: Model) -> Callable[[Samples], jax.Array]:
        def f(params: Samples) -> jax.Array:
            value, _ = log_density(model, (X,), {"y": Y, "c": C}, params)
            return jnp.asarray(value)

        return f

    expected, actual = (
        jax.jit(jax.value_and_grad(joint(model)))(POINT) for model in both(model_for)
    )
    assert_identical(expected, actual)


# ---------------------------------------------------------------------------
# render_model and the inspection behind it


def test_model_relations_identical() -> None:
    """`get_model_relations` and `generate_graph_specification`: what
    `render_model` draws, computed without graphviz."""
    expected, actual = (
        get_model_relations(model, model_args=(X,), model_kwargs={"y": Y, "c": C})
        for model in both(model_for)
    )
    assert expected == actual
    assert actual["sample_dist"] == {
        "w": "Normal",
        "b": "Normal",
        "sigma": "HalfNormal",
        "mu": "Deterministic",
        "y": "Normal",
        "c": "BernoulliLogits",
    }
    assert set(actual["sample_sample"]["mu"]) == {"w", "b"}
    assert set(actual["sample_sample"]["y"]) == {"mu", "sigma"}
    assert actual["observed"] == ["y", "c"]
    assert generate_graph_specification(expected) == generate_graph_specification(
        actual
    )


def test_render_model_identical() -> None:
    pytest.importorskip("graphviz")  # optional dependency of render_model
    expected, actual = (
        numpyro.render_model(
            model,
            model_args=(X,),
            model_kwargs={"y": Y, "c": C},
            render_distributions=True,
        )
        for model in both(model_for)
    )
    assert cast(Any, expected).source == cast(Any, actual).source
    assert "HalfNormal" in cast(Any, actual).source
