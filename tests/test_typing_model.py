"""The typing suite's model file runs, and gives NumPyro's numbers."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest

MODEL_FILE = Path(__file__).resolve().parent / "typing" / "model.py"


@pytest.fixture(scope="module")
def user_model() -> ModuleType:
    spec = importlib.util.spec_from_file_location("typing_model", MODEL_FILE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data() -> tuple[jax.Array, jax.Array]:
    x = jax.random.normal(jax.random.key(0), (20, 3))
    y = (x[:, 0] > 0).astype(jnp.float32)
    return x, y


def test_prior_trace_has_every_site(user_model: ModuleType) -> None:
    x, _ = _data()
    values = user_model.prior_trace(jax.random.key(1), x)
    assert set(values) == {"coefficients", "intercept", "y"}
    assert values["coefficients"].shape == (3,)
    assert values["y"].shape == (20,)


def test_conditioned_log_density_is_numpyros(user_model: ModuleType) -> None:
    x, y = _data()
    expected = (
        nd.Normal(jnp.zeros(3), 1.0).log_prob(jnp.zeros(3)).sum()
        + nd.Normal(0.0, 10.0).log_prob(0.0)
        + nd.Bernoulli(logits=jnp.zeros(20)).log_prob(y).sum()
    )
    actual = user_model.conditioned_log_density(x, y)
    np.testing.assert_allclose(actual, expected, rtol=1e-6)


@pytest.mark.slow
def test_nuts_fit_runs(user_model: ModuleType) -> None:
    x, y = _data()
    samples = user_model.fit(jax.random.key(2), x, y)
    assert samples["coefficients"].shape == (50, 3)
    assert samples["intercept"].shape == (50,)
    assert bool(jnp.all(jnp.isfinite(samples["coefficients"])))
    # The first feature decides y: its coefficient's posterior is positive.
    assert float(samples["coefficients"][:, 0].mean()) > 0
