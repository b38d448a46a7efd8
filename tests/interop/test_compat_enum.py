"""Compatibility: discrete latent variables enumerated by NumPyro's funsor
backend (`config_enumerate`, `TraceEnum_ELBO`, NUTS with an enumerated site,
`infer_discrete`).

Each model is written once, as a function of the distributions module, and run
with `numpyro.distributions` and with `typed_dists` under the same PRNG key.
The data are float32 JAX arrays and the constants Python floats, so the typed
run promotes nothing and the results must be bit-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.contrib.funsor as _contrib_funsor
import pytest
from numpyro import handlers
from numpyro.distributions import constraints
from numpyro.infer import (
    MCMC as _MCMC,
    NUTS as _NUTS,
    SVI as _SVI,
    TraceEnum_ELBO as _TraceEnum_ELBO,
)
from numpyro.optim import Adam

import typed_dists as td
from helpers.compat import MODULES, assert_identical, both

# Slow (inference runs): left out of `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

# NumPyro leaves these unannotated; mypy --strict refuses calls to them.
MCMC: Any = _MCMC
NUTS: Any = _NUTS
SVI: Any = _SVI
TraceEnum_ELBO: Any = _TraceEnum_ELBO
contrib_funsor: Any = _contrib_funsor

Model = Callable[..., Any]

# Two well separated clusters (around 0 and 11); the true assignments.
DATA = jnp.array([0.0, 1.0, -1.0, 0.5, 10.0, 11.0, 12.0, 11.5], dtype=jnp.float32)
TRUE_Z = np.array([0, 0, 0, 0, 1, 1, 1, 1])
K = 2


def _is_typed(fn: Any) -> bool:
    return type(fn).__module__.startswith("typed_dists")


# --- config_enumerate + TraceEnum_ELBO ------------------------------------


def svi_model_for(dist: ModuleType) -> Model:
    """A Gaussian mixture whose assignments `z` are enumerated in parallel by
    `config_enumerate`."""

    def model(data: jax.Array) -> None:
        weights = numpyro.sample("weights", dist.Dirichlet(0.5 * jnp.ones(K)))
        scale = numpyro.sample("scale", dist.LogNormal(0.0, 2.0))
        with numpyro.plate("components", K):
            locs: Any = numpyro.sample("locs", dist.Normal(0.0, 10.0))
        with numpyro.plate("data", data.shape[0]):
            z: Any = numpyro.sample("z", dist.Categorical(probs=weights))
            numpyro.sample("obs", dist.Normal(locs[z], scale), obs=data)

    enumerated: Model = contrib_funsor.config_enumerate(model)
    return enumerated


def svi_guide_for(dist: ModuleType) -> Model:
    """A MAP guide for the global sites (the assignments are enumerated)."""

    def guide(data: jax.Array) -> None:
        weights = numpyro.param(
            "weights_map", 0.5 * jnp.ones(K), constraint=constraints.simplex
        )
        scale = numpyro.param("scale_map", 1.0, constraint=constraints.positive)
        locs = numpyro.param("locs_map", jnp.array([1.0, 9.0], dtype=jnp.float32))
        numpyro.sample("weights", dist.Delta(weights, event_dim=1))
        numpyro.sample("scale", dist.Delta(scale))
        with numpyro.plate("components", K):
            numpyro.sample("locs", dist.Delta(locs))

    return guide


def test_config_enumerate_marks_typed_sites() -> None:
    """`config_enumerate` marks the typed `Categorical` site for parallel
    enumeration exactly as NumPyro's, and the enumerated trace (values and
    log densities) is the same."""

    def enumerated_trace(dist: ModuleType) -> dict[str, Any]:
        model = contrib_funsor.enum(
            handlers.seed(svi_model_for(dist), 0), first_available_dim=-2
        )
        trace: dict[str, Any] = handlers.trace(model).get_trace(DATA)
        return trace

    numpyro_trace, typed_trace = both(enumerated_trace)
    for trace in (numpyro_trace, typed_trace):
        assert trace["z"]["infer"]["enumerate"] == "parallel"
        assert trace["z"]["value"].shape == (K, 1)  # the enumerated support
    assert all(_is_typed(typed_trace[name]["fn"]) for name in ("weights", "z", "obs"))
    # The plate expands the assignment's distribution (typed, like its base).
    assert isinstance(typed_trace["z"]["fn"], td.ExpandedDistribution)
    assert isinstance(typed_trace["z"]["fn"].base_dist, td.CategoricalProbs)
    for name in ("weights", "scale", "locs", "z", "obs"):
        assert_identical(numpyro_trace[name]["value"], typed_trace[name]["value"])
        assert_identical(
            numpyro_trace[name]["fn"].log_prob(numpyro_trace[name]["value"]),
            typed_trace[name]["fn"].log_prob(typed_trace[name]["value"]),
        )


@pytest.mark.slow
def test_trace_enum_elbo_svi() -> None:
    """SVI with `TraceEnum_ELBO` on the mixture: same losses and params."""

    def fit(dist: ModuleType) -> Any:
        svi = SVI(
            svi_model_for(dist),
            svi_guide_for(dist),
            Adam(0.1),
            TraceEnum_ELBO(max_plate_nesting=1),
        )
        return svi.run(jax.random.key(0), 100, DATA, progress_bar=False)

    numpyro_result, typed_result = both(fit)
    assert_identical(numpyro_result.losses, typed_result.losses)
    assert_identical(numpyro_result.params, typed_result.params)
    losses = np.asarray(typed_result.losses)
    assert np.all(np.isfinite(losses))
    assert losses[-10:].mean() < losses[:10].mean()
    locs = np.sort(np.asarray(typed_result.params["locs_map"]))
    np.testing.assert_allclose(locs, [0.125, 11.125], atol=1.0)


# --- NUTS with an enumerated discrete site ---------------------------------


def nuts_model_for(dist: ModuleType) -> Model:
    """A Gaussian mixture with known scale whose assignments are enumerated
    through the site's own `infer` dict (no `config_enumerate`)."""

    def model(data: jax.Array) -> None:
        weights = numpyro.sample("weights", dist.Dirichlet(jnp.ones(K)))
        with numpyro.plate("components", K):
            locs: Any = numpyro.sample("locs", dist.Normal(0.0, 10.0))
        with numpyro.plate("data", data.shape[0]):
            z: Any = numpyro.sample(
                "z",
                dist.Categorical(probs=weights),
                infer={"enumerate": "parallel"},
            )
            numpyro.sample("obs", dist.Normal(locs[z], 1.0), obs=data)

    return model


@pytest.mark.slow
def test_nuts_enumerated_site() -> None:
    """NUTS marginalises the enumerated `z`: same draws and extra fields."""

    def run(dist: ModuleType) -> tuple[Any, Any]:
        mcmc = MCMC(
            NUTS(nuts_model_for(dist)),
            num_warmup=100,
            num_samples=100,
            progress_bar=False,
        )
        mcmc.run(
            jax.random.key(1), DATA, extra_fields=("potential_energy", "diverging")
        )
        return mcmc.get_samples(), mcmc.get_extra_fields()

    (numpyro_draws, numpyro_extra), (typed_draws, typed_extra) = both(run)
    assert set(typed_draws) == {"weights", "locs"}  # z is marginalised out
    assert_identical(numpyro_draws, typed_draws)
    assert_identical(numpyro_extra, typed_extra)
    assert typed_draws["locs"].shape == (100, K)
    locs = np.sort(np.asarray(typed_draws["locs"]).mean(axis=0))
    np.testing.assert_allclose(locs, [0.125, 11.125], atol=1.5)


# --- infer_discrete --------------------------------------------------------

PARAMS: dict[str, Any] = {
    "weights": jnp.array([0.5, 0.5], dtype=jnp.float32),
    "locs": jnp.array([0.0, 11.0], dtype=jnp.float32),
}


def discrete_posterior(dist: ModuleType, temperature: int) -> dict[str, Any]:
    """The trace of the NUTS model with the globals fixed and `z` drawn by
    `infer_discrete` (MAP at temperature 0, a posterior sample at 1)."""
    model = contrib_funsor.infer_discrete(
        handlers.condition(nuts_model_for(dist), data=PARAMS),
        first_available_dim=-2,
        temperature=temperature,
        rng_key=jax.random.key(2),
    )
    trace: dict[str, Any] = handlers.trace(handlers.seed(model, 3)).get_trace(DATA)
    return trace


@pytest.mark.parametrize("temperature", [0, 1])
def test_infer_discrete_recovers_assignments(temperature: int) -> None:
    """`infer_discrete` gives the same assignments for both modules, and they
    are the true clusters (the clusters are far apart, so even a posterior
    sample recovers them)."""
    numpyro_trace, typed_trace = (
        discrete_posterior(dist, temperature) for dist in MODULES
    )
    assert _is_typed(typed_trace["z"]["fn"])
    assert _is_typed(typed_trace["obs"]["fn"])
    assert_identical(numpyro_trace["z"]["value"], typed_trace["z"]["value"])
    assert typed_trace["z"]["value"].shape == DATA.shape
    np.testing.assert_array_equal(np.asarray(typed_trace["z"]["value"]), TRUE_Z)
    assert_identical(
        numpyro_trace["obs"]["fn"].log_prob(DATA),
        typed_trace["obs"]["fn"].log_prob(DATA),
    )
