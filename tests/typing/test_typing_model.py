"""The typing suite's model and wrapper files run, and give NumPyro's numbers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest

import typed_dists as td

TYPING = Path(__file__).resolve().parent


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"typing_{name}", TYPING / name)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def user_model() -> ModuleType:
    return _load("model.py")


@pytest.fixture(scope="module")
def user_wrapper() -> ModuleType:
    return _load("wrapper.py")


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


def test_user_wrapper_checks_promotes_and_delegates(user_wrapper: ModuleType) -> None:
    typed = user_wrapper.TypedShiftedExponential
    d = typed(1, jnp.array([0.5, 2.0]))
    assert d.loc.dtype == d.rate.dtype == jnp.float32
    assert isinstance(d.to_numpyro(), user_wrapper.ShiftedExponential)
    value = jnp.array([1.5, 3.0])
    np.testing.assert_array_equal(
        d.log_prob(value), user_wrapper.ShiftedExponential(1.0, d.rate).log_prob(value)
    )
    assert user_wrapper.use(jax.random.key(0)).shape == (2,)
    with pytest.raises(td.ParameterTypeError, match="`rate`"):
        typed(0.0, jnp.array([1, 2]))
