"""Compatibility corpus: realistic models, in NumPyro's style, that exercise
what NumPyro's inference stack does to distribution objects.

`scan` stacks the distributions of its steps and promotes their batch shapes
(`promote_batch_shape`, which copies and changes them), enumeration adds
dimensions to them, autoguides with subsampling and batched autoguides read
their shapes, `Predictive` vectorises over them, and results are pickled.
Each model is written once, as a function of the distributions module, and
run with `numpyro.distributions` and with `typed_dists` under the same PRNG
key; the results must be bit-identical.
"""

from __future__ import annotations

import functools
import importlib
import pickle
from collections.abc import Callable
from types import ModuleType
from typing import Any

import jax
import jax.numpy as jnp
import numpyro
import pytest
from numpyro import handlers
from numpyro.contrib.control_flow import scan
from numpyro.infer import (
    MCMC as _MCMC,
    NUTS as _NUTS,
    SVI as _SVI,
    Predictive as _Predictive,
    Trace_ELBO as _Trace_ELBO,
    TraceEnum_ELBO as _TraceEnum_ELBO,
)
from numpyro.infer.autoguide import (
    AutoBatchedLowRankMultivariateNormal as _AutoBatchedLowRank,
    AutoBatchedMultivariateNormal as _AutoBatchedMVN,
    AutoNormal as _AutoNormal,
)
from numpyro.optim import Adam

from helpers.compat import assert_identical, both

pytestmark = pytest.mark.slow

# NumPyro leaves these unannotated; mypy --strict refuses calls to them.
MCMC: Any = _MCMC
NUTS: Any = _NUTS
SVI: Any = _SVI
Predictive: Any = _Predictive
Trace_ELBO: Any = _Trace_ELBO
TraceEnum_ELBO: Any = _TraceEnum_ELBO
AutoNormal: Any = _AutoNormal
AUTO_BATCHED: dict[str, Any] = {
    "mvn": _AutoBatchedMVN,
    "low-rank": _AutoBatchedLowRank,
}

Model = Callable[..., Any]
KEY = jax.random.key(0)

# --- hidden Markov models with `scan` and enumeration ------------------------

# Four series of six steps, from three well separated states.
SERIES = jnp.array(
    [
        [-2.1, -1.9, 0.1, 2.0, 2.2, 0.0],
        [0.1, 0.0, -2.0, -2.2, 1.9, 2.1],
        [2.0, 0.2, -0.1, -1.8, -2.0, 0.1],
        [-1.8, 2.1, 2.0, 0.0, -0.2, -2.1],
    ],
    dtype=jnp.float32,
).T  # (time, series)
STATES = 3


def hmm(m: ModuleType, history: int) -> Model:
    """A Gaussian HMM over several series (a plate inside the scanned step),
    whose state depends on the last `history` states."""

    def model(data: jax.Array) -> None:
        _, series = data.shape
        trans: Any = numpyro.sample(
            "trans", m.Dirichlet(0.5 + 2.0 * jnp.eye(STATES)).to_event(1)
        )
        locs: Any = numpyro.sample("locs", m.Normal(jnp.zeros(STATES), 2.0).to_event(1))
        scale: Any = numpyro.sample("scale", m.HalfNormal(1.0))

        def step(carry: Any, y: jax.Array) -> tuple[Any, None]:
            if history == 1:
                probs = trans[carry]
            else:
                probs = 0.5 * (trans[carry[0]] + trans[carry[1]])
            with numpyro.plate("series", series, dim=-1):
                x: Any = numpyro.sample(
                    "x", m.Categorical(probs), infer={"enumerate": "parallel"}
                )
                numpyro.sample("y", m.Normal(locs[x], scale), obs=y)
            return (x if history == 1 else (x, carry[0])), None

        start = jnp.zeros(series, dtype=jnp.int32)
        scan(step, start if history == 1 else (start, start), data, history=history)

    return model


HMM_PARAMS = {
    "trans": jnp.array(
        [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]], dtype=jnp.float32
    ),
    "locs": jnp.array([-2.0, 0.0, 2.0], dtype=jnp.float32),
    "scale": jnp.asarray(0.5, dtype=jnp.float32),
}


@pytest.mark.parametrize("history", [1, 2])
def test_scan_hmm_enumerated_elbo_and_gradient(history: int) -> None:
    def run(m: ModuleType) -> Any:
        model = hmm(m, history)

        def loss(params: dict[str, jax.Array]) -> jax.Array:
            conditioned = handlers.substitute(model, data=params)
            out: jax.Array = TraceEnum_ELBO().loss(
                KEY, {}, conditioned, lambda data: None, SERIES
            )
            return out

        return jax.value_and_grad(loss)(HMM_PARAMS)

    assert_identical(*both(run))


def test_scan_hmm_enumerated_nuts() -> None:
    def run(m: ModuleType) -> Any:
        mcmc = MCMC(NUTS(hmm(m, 1)), num_warmup=15, num_samples=15, progress_bar=False)
        mcmc.run(KEY, SERIES)
        return mcmc.get_samples()

    assert_identical(*both(run))


# --- subsampling, scan and an autoguide -----------------------------------


def drift(m: ModuleType) -> tuple[Model, Model]:
    """A random walk per subject, observed as Bernoulli outcomes over time;
    subjects are subsampled (NumPyro's easyguide tutorial, reduced)."""

    def plate(size: int, subsample: jax.Array) -> Any:
        with handlers.substitute(data={"subjects": subsample}):
            return numpyro.plate("subjects", size, subsample_size=subsample.shape[0])

    def model(outcomes: jax.Array | None, subsample: jax.Array, size: int) -> Any:
        sigma: Any = numpyro.sample("sigma", m.LogNormal(-1.0, 0.5))
        subjects = plate(size, subsample)

        def step(z: jax.Array, y: jax.Array | None) -> tuple[jax.Array, jax.Array]:
            with subjects:
                z_next: Any = numpyro.sample("z", m.Normal(z, sigma))
                y_next: Any = numpyro.sample("y", m.Bernoulli(logits=z_next), obs=y)
            return z_next, y_next

        _, ys = scan(step, jnp.zeros(subsample.shape[0]), outcomes, length=5)
        return ys

    def create_plates(outcomes: Any, subsample: jax.Array, size: int) -> Any:
        return plate(size, subsample)

    return model, create_plates


def test_subsampled_scan_with_autonormal() -> None:
    def run(m: ModuleType) -> Any:
        model, create_plates = drift(m)
        size, batch = 12, 4
        with handlers.seed(rng_seed=0):
            outcomes = model(None, jnp.arange(size), size)
        svi = SVI(
            model,
            AutoNormal(model, create_plates=create_plates),
            Adam(0.05),
            Trace_ELBO(),
        )
        state = svi.init(KEY, outcomes[:, :batch], jnp.arange(batch), size)
        losses = []
        for start in range(0, size, batch):
            subsample = jnp.arange(start, start + batch)
            state, loss = svi.update(state, outcomes[:, subsample], subsample, size)
            losses.append(loss)
        return outcomes, jnp.stack(losses), svi.get_params(state)

    assert_identical(*both(run))


# --- batched autoguides ---------------------------------------------------


@pytest.mark.parametrize("guide", sorted(AUTO_BATCHED))
def test_batched_autoguide(guide: str) -> None:
    """Three independent 2-vectors in a plate, fit by a batched guide whose
    shapes come from the model's distributions."""

    def run(m: ModuleType) -> Any:
        def model() -> None:
            with numpyro.plate("groups", 3):
                numpyro.sample("x", m.Normal(jnp.array([0.0, 1.0]), 1.0).to_event(1))

        auto = AUTO_BATCHED[guide](model, batch_ndim=1)
        result = SVI(model, auto, Adam(0.05), Trace_ELBO()).run(
            KEY, 20, progress_bar=False
        )
        draws = Predictive(auto, params=result.params, num_samples=3)(KEY)
        return result.losses, result.params, draws

    assert_identical(*both(run))


# --- counts from data, Python numbers under NUTS -----------------------------


@pytest.mark.parametrize("logits", [False, True])
def test_binomial_counts_given_as_python_ints(logits: bool) -> None:
    """NumPyro's Binomial stability example: the counts are Python ints in a
    data dict, which NUTS closes over."""

    def run(m: ModuleType) -> Any:
        def model(data: dict[str, int]) -> None:
            p: Any = numpyro.sample("p", m.Beta(1.0, 1.0))
            likelihood = (
                m.Binomial(data["n"], logits=jnp.log(p) - jnp.log1p(-p))
                if logits
                else m.Binomial(data["n"], probs=p)
            )
            numpyro.sample("obs", likelihood, obs=data["x"])

        mcmc = MCMC(NUTS(model), num_warmup=20, num_samples=20, progress_bar=False)
        mcmc.run(KEY, {"n": 5_000_000, "x": 3849})
        return mcmc.get_samples()

    assert_identical(*both(run))


# --- Predictive with batch dimensions, pickled inference results ------------


def regression_model(module: str, x: jax.Array, y: jax.Array | None = None) -> None:
    """A linear regression; module-level (with the distributions module by
    name), so that the MCMC and SVI objects holding it can be pickled."""
    m = importlib.import_module(module)
    w: Any = numpyro.sample("w", m.Normal(0.0, 1.0))
    b: Any = numpyro.sample("b", m.Normal(0.0, 1.0))
    sigma: Any = numpyro.sample("sigma", m.HalfNormal(1.0))
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("y", m.Normal(w * x + b, sigma), obs=y)


def regression(m: ModuleType) -> Model:
    return functools.partial(regression_model, m.__name__)


X = jnp.linspace(-1.0, 1.0, 8, dtype=jnp.float32)
Y = 0.5 * X - 0.2 + 0.1 * jnp.sin(7.0 * X)


def test_predictive_with_two_batch_dimensions() -> None:
    def run(m: ModuleType) -> Any:
        mcmc = MCMC(
            NUTS(regression(m)),
            num_warmup=20,
            num_samples=10,
            num_chains=2,
            chain_method="sequential",
            progress_bar=False,
        )
        mcmc.run(KEY, X, Y)
        samples = mcmc.get_samples(group_by_chain=True)
        predictive = Predictive(regression(m), samples, batch_ndims=2)
        return samples, predictive(KEY, X)

    numpyro_result, typed_result = both(run)
    assert typed_result[1]["y"].shape == (2, 10, 8)
    assert_identical(numpyro_result, typed_result)


def test_pickled_mcmc_and_svi_results() -> None:
    def run(m: ModuleType) -> Any:
        mcmc = MCMC(
            NUTS(regression(m)), num_warmup=20, num_samples=10, progress_bar=False
        )
        mcmc.run(KEY, X, Y)
        restored = pickle.loads(pickle.dumps(mcmc))
        guide = AutoNormal(regression(m))
        svi = SVI(regression(m), guide, Adam(0.05), Trace_ELBO())
        result = pickle.loads(pickle.dumps(svi.run(KEY, 20, X, Y, progress_bar=False)))
        guide = pickle.loads(pickle.dumps(guide))
        draws = Predictive(guide, params=result.params, num_samples=3)(KEY, X)
        return restored.get_samples(), result.losses, result.params, draws

    assert_identical(*both(run))
