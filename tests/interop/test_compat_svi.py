"""SVI and KL divergences with typed distributions: the same as with NumPyro's.

Every model and hand-written guide below is written once, as a function of the
distributions module it uses, and run with `numpyro.distributions` and with
`typed_dists` from the same PRNG key. A typed distribution delegates every
method to the NumPyro distribution it wraps, and all parameters here are
concrete float32 JAX arrays (which typed_dists stores unchanged), so the losses
of `svi.run(...)`, the fitted parameters and the KL divergences must be
bitwise identical.
"""

from __future__ import annotations

from collections.abc import Callable
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
from numpyro.infer import (
    SVI as _SVI,
    Trace_ELBO,
    TraceGraph_ELBO,
    TraceMeanField_ELBO,
)
from numpyro.infer.autoguide import (
    AutoDelta,
    AutoLowRankMultivariateNormal,
    AutoMultivariateNormal,
    AutoNormal,
)

import typed_dists as td
from helpers.compat import MODULES, assert_identical, both

# Slow (inference runs): left out of `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

# NumPyro leaves these unannotated; mypy --strict refuses calls to them.
SVI: Any = _SVI
kl_divergence: Any = td.kl_divergence

Model = Callable[..., None]


def _f32(value: Any) -> jax.Array:
    return jnp.asarray(value, dtype=jnp.float32)


# ---------------------------------------------------------------------------
# Data and models. Concrete float32 arrays, created once outside any trace.

N, D = 40, 3
_KX, _KN = jax.random.split(jax.random.key(0))
X = jax.random.normal(_KX, (N, D), dtype=jnp.float32)
Y = X @ _f32([1.0, -2.0, 0.5]) + 0.3 + 0.5 * jax.random.normal(_KN, (N,))

W_LOC, W_SCALE = jnp.zeros(D, dtype=jnp.float32), jnp.ones(D, dtype=jnp.float32)
ZERO, ONE, TWO, HALF = _f32(0.0), _f32(1.0), _f32(2.0), _f32(0.5)
W_SCALE_INIT = jnp.full(D, 0.5, dtype=jnp.float32)

STEPS = 100


def model_for(dist: ModuleType) -> Model:
    """Bayesian linear regression; every site's distribution from `dist`."""

    def model(x: jax.Array, y: jax.Array | None = None) -> None:
        w = numpyro.sample("w", dist.Normal(W_LOC, W_SCALE).to_event(1))
        b = numpyro.sample("b", dist.Normal(ZERO, ONE))
        sigma = numpyro.sample("sigma", dist.Gamma(TWO, TWO))
        with numpyro.plate("data", x.shape[0]):
            numpyro.sample("y", dist.Normal(x @ w + b, sigma), obs=y)

    return model


def guide_for(dist: ModuleType) -> Model:
    """A hand-written mean-field guide; scales are positive-constrained params.

    Each site's guide distribution is of the prior's family, so that
    `TraceMeanField_ELBO` takes NumPyro's analytic KL rules:
    Independent(Normal)/Independent(Normal), Normal/Normal and Gamma/Gamma.
    """

    def guide(x: jax.Array, y: jax.Array | None = None) -> None:
        w_loc = numpyro.param("w_loc", W_LOC)
        w_scale = numpyro.param(
            "w_scale", W_SCALE_INIT, constraint=constraints.positive
        )
        numpyro.sample("w", dist.Normal(w_loc, w_scale).to_event(1))
        b_loc = numpyro.param("b_loc", ZERO)
        b_scale = numpyro.param("b_scale", HALF, constraint=constraints.positive)
        numpyro.sample("b", dist.Normal(b_loc, b_scale))
        concentration = numpyro.param(
            "sigma_concentration", TWO, constraint=constraints.positive
        )
        rate = numpyro.param("sigma_rate", TWO, constraint=constraints.positive)
        numpyro.sample("sigma", dist.Gamma(concentration, rate))

    return guide


GUIDES: dict[str, Callable[[ModuleType, Model], Any]] = {
    "hand-written": lambda dist, model: guide_for(dist),
    "AutoNormal": lambda dist, model: AutoNormal(model),
    "AutoDelta": lambda dist, model: AutoDelta(model),
    "AutoMultivariateNormal": lambda dist, model: AutoMultivariateNormal(model),
    "AutoLowRankMultivariateNormal": lambda dist, model: AutoLowRankMultivariateNormal(
        model, rank=2
    ),
}

ELBOS: dict[str, Callable[[], Any]] = {
    "Trace_ELBO": Trace_ELBO,
    "TraceMeanField_ELBO": TraceMeanField_ELBO,
    "TraceGraph_ELBO": TraceGraph_ELBO,
}


def _run_svi(
    model: Model, guide: Any, elbo: Any, *args: Any
) -> tuple[jax.Array, dict[str, jax.Array]]:
    svi = SVI(model, guide, numpyro.optim.Adam(0.05), elbo)
    result = svi.run(jax.random.key(7), STEPS, *args, progress_bar=False)
    return result.losses, result.params


def _assert_all_typed(model: Model, *args: Any) -> None:
    """Every sample site of `model` draws from a typed distribution."""
    trace = handlers.trace(handlers.seed(model, 0)).get_trace(*args)
    fns = {n: s["fn"] for n, s in trace.items() if s["type"] == "sample"}
    assert fns
    for name, fn in fns.items():
        assert isinstance(fn, td.TypedDistribution), (name, type(fn))


# ---------------------------------------------------------------------------
# SVI


# Trace_ELBO with every guide; the other two ELBOs with the hand-written guide,
# whose sites take TraceMeanField_ELBO's analytic KL rules
# (Independent(Normal), Normal and Gamma pairs; each rule is also tested
# directly below, in every typed/NumPyro order). The full 3 x 5 grid of ELBOs
# and guides was run once and is bit-identical too; it is trimmed here to keep
# the file fast (each SVI case compiles two programs).
SVI_CASES = [
    *(("Trace_ELBO", guide) for guide in GUIDES),
    ("TraceMeanField_ELBO", "hand-written"),
    ("TraceGraph_ELBO", "hand-written"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("elbo_name", "guide_name"), SVI_CASES)
def test_svi_identical(elbo_name: str, guide_name: str) -> None:
    models = both(model_for)
    guides = [
        GUIDES[guide_name](dist, m) for dist, m in zip(MODULES, models, strict=True)
    ]
    _assert_all_typed(models[1], X, Y)
    if guide_name == "hand-written":
        _assert_all_typed(guides[1], X, Y)
    (np_losses, np_params), (td_losses, td_params) = (
        _run_svi(m, g, ELBOS[elbo_name](), X, Y)
        for m, g in zip(models, guides, strict=True)
    )
    assert np_losses.shape == (STEPS,)
    assert np_params  # the guide has parameters
    assert_identical(np_losses, td_losses)
    assert_identical(np_params, td_params)
    # The optimisation made progress (so the runs compared are not trivial).
    assert float(td_losses[-10:].mean()) < float(td_losses[:10].mean())


def test_mean_field_guide_sites_take_analytic_kl() -> None:
    """TraceMeanField_ELBO's KL terms for the hand-written guide: each site's
    pair resolves to an analytic rule of kl.py, with NumPyro's value."""

    def kl_terms(dist: ModuleType) -> dict[str, jax.Array]:
        guide_trace = handlers.trace(handlers.seed(guide_for(dist), 0)).get_trace(X, Y)
        model_trace = handlers.trace(
            handlers.replay(handlers.seed(model_for(dist), 0), trace=guide_trace)
        ).get_trace(X, Y)
        return {
            site: kl_divergence(guide_trace[site]["fn"], model_trace[site]["fn"])
            for site in ("w", "b", "sigma")
        }

    expected, actual = both(kl_terms)
    assert_identical(expected, actual)
    assert all(float(kl) >= 0 for kl in actual.values())
    assert float(actual["w"]) > 0  # guide scale 0.5, prior scale 1
    assert float(actual["sigma"]) == 0  # the guide starts at the prior


# A latent site without a reparametrised sampler: TraceGraph_ELBO uses the
# score-function estimator there, which relies on `has_rsample` and
# `reparametrized_params` delegating to NumPyro's.
COUNT_OBS = _f32([2.0, 4.0, 3.0, 5.0])
RATE_INIT = _f32(1.0)


def count_model_for(dist: ModuleType) -> Model:
    def model(y: jax.Array) -> None:
        rate = numpyro.sample("rate", dist.Gamma(TWO, HALF))
        k = numpyro.sample("k", dist.Poisson(rate))
        with numpyro.plate("data", y.shape[0]):
            # The int32 count is cast for both modules: typed_dists rejects an
            # integer `loc` by design (it would carry no gradient).
            numpyro.sample("y", dist.Normal(jnp.asarray(k, dtype=y.dtype), ONE), obs=y)

    return model


def count_guide_for(dist: ModuleType) -> Model:
    def guide(y: jax.Array) -> None:
        a = numpyro.param("a", TWO, constraint=constraints.positive)
        b = numpyro.param("b", HALF, constraint=constraints.positive)
        numpyro.sample("rate", dist.Gamma(a, b))
        k_rate = numpyro.param("k_rate", RATE_INIT, constraint=constraints.positive)
        numpyro.sample("k", dist.Poisson(k_rate))

    return guide


@pytest.mark.slow
def test_trace_graph_elbo_score_function_site_identical() -> None:
    models, guides = both(count_model_for), both(count_guide_for)
    _assert_all_typed(guides[1], COUNT_OBS)
    (np_losses, np_params), (td_losses, td_params) = (
        _run_svi(m, g, TraceGraph_ELBO(), COUNT_OBS)
        for m, g in zip(models, guides, strict=True)
    )
    assert np_losses.shape == (STEPS,)
    assert_identical(np_losses, td_losses)
    assert_identical(np_params, td_params)
    # The score-function gradient moved the Poisson rate.
    assert float(td_params["k_rate"]) != float(RATE_INIT)


# ---------------------------------------------------------------------------
# kl_divergence: NumPyro's rules (numpyro/distributions/kl.py) serve typed
# distributions, in every combination with NumPyro's.

LOC_P, LOC_Q = _f32([[-1.0, 0.5, 2.0], [0.0, 0.3, -0.7]]), _f32([0.2, -0.4, 1.1])
SCALE_P, SCALE_Q = _f32([[0.5, 1.0, 2.0], [1.5, 0.7, 0.9]]), _f32([1.2, 0.8, 1.0])
CONC_P, CONC_Q = _f32([[0.7, 2.0, 3.5], [1.2, 0.4, 5.0]]), _f32([1.5, 1.1, 2.2])
SCALE_TRIL = _f32([[1.0, 0.0, 0.0], [0.3, 0.8, 0.0], [-0.2, 0.1, 1.4]])
COVARIANCE = _f32([[2.0, 0.5, 0.1], [0.5, 1.0, -0.3], [0.1, -0.3, 1.5]])
PROBS_P = _f32([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
PROBS_Q = _f32([0.25, 0.25, 0.5])
CIRCULANT_ROW = _f32([1.0, 0.4, 0.1, 0.4])
LOC_4 = _f32([[0.1, -0.3, 0.5, 0.0], [1.0, 0.2, -0.2, 0.4]])
SCALE_4 = _f32([[0.9, 1.1, 0.5, 1.3], [0.6, 0.8, 1.2, 1.0]])

Pair = tuple[
    Callable[[ModuleType], nd.Distribution], Callable[[ModuleType], nd.Distribution]
]

KL_CASES: dict[str, Pair] = {
    # The pairs of the task.
    "Normal/Normal": (
        lambda d: d.Normal(LOC_P, SCALE_P),
        lambda d: d.Normal(LOC_Q, SCALE_Q),
    ),
    "Independent(Normal)/Independent(Normal)": (
        lambda d: d.Independent(d.Normal(LOC_P, SCALE_P), 1),
        lambda d: d.Independent(d.Normal(LOC_Q, SCALE_Q), 1),
    ),
    "Beta/Beta": (
        lambda d: d.Beta(CONC_P, SCALE_P),
        lambda d: d.Beta(CONC_Q, SCALE_Q),
    ),
    "Gamma/Gamma": (
        lambda d: d.Gamma(CONC_P, SCALE_P),
        lambda d: d.Gamma(CONC_Q, SCALE_Q),
    ),
    "Dirichlet/Dirichlet": (
        lambda d: d.Dirichlet(CONC_P),
        lambda d: d.Dirichlet(CONC_Q),
    ),
    "MultivariateNormal/MultivariateNormal": (
        lambda d: d.MultivariateNormal(LOC_P, scale_tril=SCALE_TRIL),
        lambda d: d.MultivariateNormal(LOC_Q, covariance_matrix=COVARIANCE),
    ),
    # NumPyro's other rules in kl.py.
    "Categorical/Categorical": (
        lambda d: d.Categorical(probs=PROBS_P),
        lambda d: d.Categorical(probs=PROBS_Q),
    ),
    "Weibull/Gamma": (
        lambda d: d.Weibull(SCALE_P, CONC_P),
        lambda d: d.Gamma(CONC_Q, SCALE_Q),
    ),
    "Kumaraswamy/Beta": (
        lambda d: d.Kumaraswamy(CONC_P, SCALE_P),
        lambda d: d.Beta(CONC_Q, SCALE_Q),
    ),
    "Independent(Normal)/CirculantNormal": (
        lambda d: d.Independent(d.Normal(LOC_4, SCALE_4), 1),
        lambda d: d.CirculantNormal(LOC_4[0], covariance_row=CIRCULANT_ROW),
    ),
    "Expanded(Normal)/Normal": (
        lambda d: d.Normal(LOC_Q, SCALE_Q).expand((2, 3)),
        lambda d: d.Normal(LOC_P, SCALE_P),
    ),
    "Masked(Normal)/Masked(Normal)": (
        lambda d: d.Normal(LOC_P, SCALE_P).mask(jnp.array([True, False, True])),
        lambda d: d.Normal(LOC_Q, SCALE_Q).mask(jnp.array([True, True, False])),
    ),
    "Delta/Normal": (
        lambda d: d.Delta(LOC_P),
        lambda d: d.Normal(LOC_Q, SCALE_Q),
    ),
}

ORDERS = {
    "typed/typed": (td, td),
    "typed/numpyro": (td, nd),
    "numpyro/typed": (nd, td),
}


@pytest.mark.parametrize("order", list(ORDERS))
@pytest.mark.parametrize("pair", list(KL_CASES))
def test_kl_divergence_identical(pair: str, order: str) -> None:
    build_p, build_q = KL_CASES[pair]
    p_dist, q_dist = ORDERS[order]
    p, q = build_p(p_dist), build_q(q_dist)
    for d, dist in ((p, p_dist), (q, q_dist)):
        assert isinstance(d, td.TypedDistribution) == (dist is td)
    expected = kl_divergence(build_p(nd), build_q(nd))
    # The same rule of kl.py serves the typed classes as NumPyro's.
    assert kl_divergence.dispatch(type(p), type(q)) is kl_divergence.dispatch(
        type(build_p(nd)), type(build_q(nd))
    )
    result = kl_divergence(p, q)
    assert_identical(expected, result)
    assert np.asarray(result).dtype == np.float32
    assert np.asarray(result).shape == jnp.broadcast_shapes(
        p.batch_shape, q.batch_shape
    )
    assert np.all(np.isfinite(result))
    assert np.any(np.asarray(result) > 0)


def test_kl_divergence_is_numpyros() -> None:
    assert td.kl_divergence is nd.kl_divergence
