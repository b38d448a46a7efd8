"""A model file written the way a user would write one, clean in strict mode.

Typed distributions at every sample site, NumPyro's handlers, and NUTS. mypy
and pyright check it in CI with the settings `docs/typing.md` recommends; the
test suite also runs it (`tests/typing/test_typing_model.py`).
"""

from __future__ import annotations

from typing import cast

import jax
import jax.numpy as jnp
import numpyro
from jax.typing import ArrayLike
from numpyro import handlers
from numpyro.infer import MCMC, NUTS

import typed_dists as dist


def model(x: jax.Array, y: jax.Array | None = None) -> None:
    """Bayesian logistic regression."""
    coefficients = numpyro.sample(
        "coefficients", dist.Normal(jnp.zeros(x.shape[-1]), 1.0).to_event(1)
    )
    intercept = numpyro.sample("intercept", dist.Normal(0.0, 10.0))
    logits = x @ coefficients + intercept
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("y", dist.Bernoulli(logits=logits), obs=y)


def prior_trace(key: jax.Array, x: jax.Array) -> dict[str, jax.Array]:
    """Sample the prior with handlers; return each site's value."""
    trace = handlers.trace(handlers.seed(model, key)).get_trace(x)
    return {
        name: site["value"] for name, site in trace.items() if site["type"] == "sample"
    }


def conditioned_log_density(x: jax.Array, y: jax.Array) -> jax.Array:
    """log p(y, coefficients = 0, intercept = 0 | x) through `condition`."""
    values: dict[str, ArrayLike] = {
        "coefficients": jnp.zeros(x.shape[-1]),
        "intercept": 0.0,
    }
    conditioned = handlers.condition(model, data=values)
    trace = handlers.trace(handlers.seed(conditioned, 0)).get_trace(x, y)
    total = jnp.zeros(())
    for site in trace.values():
        if site["type"] == "sample":
            total = total + jnp.sum(site["fn"].log_prob(site["value"]))
    return total


def fit(key: jax.Array, x: jax.Array, y: jax.Array) -> dict[str, jax.Array]:
    """Posterior draws from NUTS."""
    mcmc = MCMC(NUTS(model), num_warmup=50, num_samples=50, progress_bar=False)
    mcmc.run(key, x, y)
    return cast(dict[str, jax.Array], mcmc.get_samples())


def hierarchical(y: jax.Array) -> None:
    """A sampled value passed on to a typed constructor (`numpyro.sample`
    returns `ArrayLike`, which typed parameters accept statically)."""
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
    with numpyro.plate("groups", y.shape[0]):
        theta = numpyro.sample("theta", dist.Normal(mu, tau))
        numpyro.sample("y", dist.Normal(theta, 1.0), obs=y)
