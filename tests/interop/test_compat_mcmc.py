"""MCMC with typed distributions at every site draws what NumPyro's draw.

Each model is written once, as a function of the distributions module, and
run with `numpyro.distributions` and with `typed_dists` under the same PRNG
key and the same kernel settings. A typed distribution delegates every method
to the NumPyro distribution it wraps, so the draws must be bit-identical.

The inputs are float32 JAX arrays and Python floats, which NumPyro and
typed_dists turn into the same float32 computations: no tolerance is needed.

Covered: NUTS; HMC with a diagonal and with a dense mass matrix; two chains
drawn "sequential"ly and "vectorized"; "parallel" on too few devices (NumPyro
falls back to sequential with a warning; several devices are covered by
`test_compat_devices.py`); the `init_to_median`, `init_to_sample` and
`init_to_value` strategies; `DiscreteHMCGibbs` and `MixedHMC` with typed
`Bernoulli` and `Categorical` latent sites.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as nd
import pytest
from numpyro import handlers
from numpyro.infer import (
    HMC as _HMC,
    MCMC as _MCMC,
    NUTS as _NUTS,
    DiscreteHMCGibbs as _DiscreteHMCGibbs,
    MixedHMC as _MixedHMC,
    init_to_median,
    init_to_sample,
    init_to_value,
)
from numpyro.infer.util import initialize_model as _initialize_model

from helpers.compat import MODULES, assert_identical, both

# Slow (inference runs): left out of `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

# NumPyro leaves these unannotated.
MCMC: Any = _MCMC
NUTS: Any = _NUTS
HMC: Any = _HMC
DiscreteHMCGibbs: Any = _DiscreteHMCGibbs
MixedHMC: Any = _MixedHMC
initialize_model: Any = _initialize_model

Model = Callable[..., None]
Samples = dict[str, jax.Array]

NUM_WARMUP = 100
NUM_SAMPLES = 100

# ---------------------------------------------------------------------------
# Data (float32 JAX arrays) and models, each written once


N, D = 100, 3
_kx, _ky, _kd = jax.random.split(jax.random.key(0), 3)
X = jax.random.normal(_kx, (N, D))
_TRUE_W = jnp.array([1.0, -0.5, 0.25])
Y = (jax.random.uniform(_ky, (N,)) < jax.nn.sigmoid(X @ _TRUE_W + 0.3)).astype(
    jnp.float32
)
# Data for the discrete model: Normal draws shifted by an unknown offset.
Y_DISCRETE = jax.random.normal(_kd, (10,)) + 0.5
_SHIFTS = jnp.array([-0.3, 0.0, 0.3])
_CATEGORY_PROBS = jnp.array([0.2, 0.3, 0.5])


def logistic_regression_for(dist: ModuleType) -> Model:
    """Hierarchical logistic regression: a positive scale, a vector of
    weights (`to_event`), an intercept and a Bernoulli likelihood in a plate."""

    def model(x: jax.Array, y: jax.Array | None = None) -> None:
        scale = numpyro.sample("scale", dist.HalfNormal(1.0))
        w = numpyro.sample("w", dist.Normal(jnp.zeros(D), scale).to_event(1))
        b = numpyro.sample("b", dist.Normal(0.0, 1.0))
        with numpyro.plate("data", x.shape[0]):
            numpyro.sample("y", dist.Bernoulli(logits=x @ w + b), obs=y)

    return model


def discrete_model_for(dist: ModuleType) -> Model:
    """A continuous location plus a Bernoulli and a Categorical latent."""

    def model(y: jax.Array) -> None:
        mu = numpyro.sample("mu", dist.Normal(0.0, 2.0))
        z = numpyro.sample("z", dist.Bernoulli(probs=0.3))
        c = numpyro.sample("c", dist.Categorical(probs=_CATEGORY_PROBS))
        with numpyro.plate("data", y.shape[0]):
            numpyro.sample("y", dist.Normal(mu + 0.5 * z + _SHIFTS[c], 1.0), obs=y)

    return model


def _site_distributions(model: Model, *args: Any) -> dict[str, Any]:
    trace = handlers.trace(handlers.seed(model, jax.random.key(3))).get_trace(*args)
    return {n: s["fn"] for n, s in trace.items() if s["type"] == "sample"}


@pytest.mark.parametrize(
    ("model_for", "args"),
    [(logistic_regression_for, (X, Y)), (discrete_model_for, (Y_DISCRETE,))],
    ids=["logistic", "discrete"],
)
def test_models_are_typed_at_every_site(
    model_for: Callable[[ModuleType], Model], args: tuple[Any, ...]
) -> None:
    """The comparison is meaningful: one run has only typed distributions,
    the other only NumPyro's."""
    plain, typed = (_site_distributions(model_for(m), *args) for m in MODULES)
    assert plain.keys() == typed.keys()
    assert len(typed) >= 4
    for name, fn in typed.items():
        assert isinstance(fn, eqx.Module), name
        assert type(fn).__module__.startswith("typed_dists"), name
        assert isinstance(fn, nd.Distribution), name
        assert not isinstance(plain[name], eqx.Module), name


# ---------------------------------------------------------------------------
# Running a kernel both ways


def _run(
    dist: ModuleType,
    kernel_for: Callable[[Model], Any],
    *,
    model_for: Callable[[ModuleType], Model] = logistic_regression_for,
    args: tuple[Any, ...] = (X, Y),
    key: int = 1,
    extra_fields: tuple[str, ...] = ("potential_energy",),
    **mcmc_options: Any,
) -> Any:
    mcmc = MCMC(
        kernel_for(model_for(dist)),
        num_warmup=NUM_WARMUP,
        num_samples=NUM_SAMPLES,
        progress_bar=False,
        **mcmc_options,
    )
    mcmc.run(jax.random.key(key), *args, extra_fields=extra_fields)
    return mcmc


def _run_both(kernel_for: Callable[[Model], Any], **options: Any) -> tuple[Any, Any]:
    return both(lambda dist: _run(dist, kernel_for, **options))


def _nuts(model: Model) -> Any:
    """NUTS with its defaults. The runs that use it with one model share one
    compiled program (the initial point and the key are its inputs), which
    keeps this file fast."""
    return NUTS(model)


def _assert_same_run(plain: Any, typed: Any) -> None:
    """Same draws and the same potential energy at each draw."""
    assert_identical(plain.get_samples(), typed.get_samples())
    assert_identical(plain.get_extra_fields(), typed.get_extra_fields())


def _assert_moved(samples: Samples, name: str = "b") -> None:
    """The chain explored: its draws are finite and not all equal."""
    assert bool(jnp.all(jnp.isfinite(samples[name])))
    assert float(jnp.std(samples[name])) > 0.0


# ---------------------------------------------------------------------------
# Kernels: NUTS, HMC with diagonal and dense mass matrix


@pytest.mark.slow
def test_nuts_identical() -> None:
    plain, typed = _run_both(_nuts)
    samples = typed.get_samples()
    assert samples.keys() == {"scale", "w", "b"}
    assert samples["w"].shape == (NUM_SAMPLES, D)
    assert typed.get_extra_fields()["potential_energy"].shape == (NUM_SAMPLES,)
    _assert_moved(samples)
    _assert_same_run(plain, typed)


@pytest.mark.slow
@pytest.mark.parametrize("dense_mass", [False, True], ids=["diagonal", "dense"])
def test_hmc_identical(dense_mass: bool) -> None:
    plain, typed = _run_both(
        lambda model: HMC(
            model, dense_mass=dense_mass, num_steps=10, trajectory_length=None
        )
    )
    _assert_moved(typed.get_samples())
    _assert_same_run(plain, typed)
    # The adapted mass matrix and step size are the same, and of the kind
    # asked for: one (5,) diagonal or (5, 5) matrix over all 5 latent values.
    adapt_plain, adapt_typed = (
        plain.last_state.adapt_state,
        typed.last_state.adapt_state,
    )
    assert_identical(adapt_plain.inverse_mass_matrix, adapt_typed.inverse_mass_matrix)
    assert_identical(adapt_plain.step_size, adapt_typed.step_size)
    (matrix,) = adapt_typed.inverse_mass_matrix.values()
    assert matrix.shape == ((D + 2, D + 2) if dense_mass else (D + 2,))
    if dense_mass:
        off_diagonal = matrix - jnp.diag(jnp.diag(matrix))
        assert float(jnp.max(jnp.abs(off_diagonal))) > 0.0


# ---------------------------------------------------------------------------
# Chain methods


@pytest.mark.slow
@pytest.mark.parametrize("chain_method", ["sequential", "vectorized"])
def test_two_chains_identical(chain_method: str) -> None:
    plain, typed = _run_both(_nuts, num_chains=2, chain_method=chain_method)
    grouped = typed.get_samples(group_by_chain=True)
    assert grouped["w"].shape == (2, NUM_SAMPLES, D)
    # Two chains, two different sequences of draws.
    assert not bool(jnp.array_equal(grouped["b"][0], grouped["b"][1]))
    assert_identical(plain.get_samples(group_by_chain=True), grouped)
    _assert_same_run(plain, typed)


@pytest.mark.slow
def test_parallel_falls_back_on_too_few_devices() -> None:
    """More chains than devices: NumPyro warns and draws them sequentially,
    with typed distributions as with its own."""
    num_chains = jax.local_device_count() + 1
    runs = []
    for dist in MODULES:
        with pytest.warns(UserWarning, match="not enough devices to run parallel"):
            runs.append(
                _run(dist, _nuts, num_chains=num_chains, chain_method="parallel")
            )
    plain, typed = runs
    grouped = typed.get_samples(group_by_chain=True)
    assert grouped["w"].shape == (num_chains, NUM_SAMPLES, D)
    _assert_moved(typed.get_samples())
    assert_identical(plain.get_samples(group_by_chain=True), grouped)
    _assert_same_run(plain, typed)


# ---------------------------------------------------------------------------
# Initialisation strategies

_INIT_VALUES = {"scale": 0.7, "w": jnp.array([0.5, -0.25, 0.125]), "b": -0.5}

STRATEGIES: dict[str, Callable[..., Any]] = {
    "median": init_to_median(num_samples=15),
    "sample": init_to_sample,
    "value": init_to_value(values=_INIT_VALUES),
}


@pytest.mark.slow
@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_init_strategy_identical(strategy: str) -> None:
    """The initial point (with its potential energy and gradient) and the
    NUTS draws that start from it."""

    def initialize(dist: ModuleType) -> Any:
        info = initialize_model(
            jax.random.key(4),
            logistic_regression_for(dist),
            init_strategy=STRATEGIES[strategy],
            model_args=(X, Y),
        )
        return info.param_info

    plain_init, typed_init = both(initialize)
    assert_identical(tuple(plain_init), tuple(typed_init))
    z = typed_init.z
    assert z.keys() == {"scale", "w", "b"}
    if strategy == "value":
        # The given values, in the unconstrained space (log for the scale).
        np.testing.assert_array_equal(z["w"], _INIT_VALUES["w"])
        assert float(z["b"]) == -0.5
        np.testing.assert_allclose(float(z["scale"]), np.log(0.7), rtol=1e-6)

    def nuts(model: Model) -> Any:
        return NUTS(model, init_strategy=STRATEGIES[strategy])

    plain, typed = _run_both(nuts, key=5)
    _assert_moved(typed.get_samples())
    _assert_same_run(plain, typed)


# ---------------------------------------------------------------------------
# Discrete latent sites: DiscreteHMCGibbs and MixedHMC

DISCRETE_KERNELS: dict[str, Callable[[Model], Any]] = {
    "DiscreteHMCGibbs": lambda model: DiscreteHMCGibbs(NUTS(model)),
    "MixedHMC": lambda model: MixedHMC(
        HMC(model, trajectory_length=1.2), num_discrete_updates=10
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("kernel", list(DISCRETE_KERNELS))
def test_discrete_latent_identical(kernel: str) -> None:
    plain, typed = _run_both(
        DISCRETE_KERNELS[kernel],
        model_for=discrete_model_for,
        args=(Y_DISCRETE,),
        key=6,
        # The continuous part's state.
        extra_fields=("hmc_state.potential_energy",),
    )
    samples = typed.get_samples()
    assert samples.keys() == {"mu", "z", "c"}
    assert samples["z"].shape == samples["c"].shape == (NUM_SAMPLES,)
    _assert_moved(samples, "mu")
    # The discrete sites were updated: both of z's values were visited, and
    # more than one of c's.
    assert set(np.unique(samples["z"]).tolist()) == {0, 1}
    assert len(np.unique(samples["c"])) >= 2
    _assert_same_run(plain, typed)
