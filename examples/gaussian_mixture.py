"""A Gaussian mixture fitted by SVI, with its assignments enumerated.

Each point's cluster assignment `z` is a discrete latent variable. Rather than
sampling it, `config_enumerate` marks it for parallel enumeration, and
`TraceEnum_ELBO` sums it out exactly, so only the global parameters (weights,
locations, a shared scale) need a guide: here a MAP (point-mass) guide. The
assignments are then recovered with `infer_discrete`. The model is written as
with NumPyro, with `typed_dists` imported in place of
`numpyro.distributions`.

    python examples/gaussian_mixture.py          # 1000 points, 1500 SVI steps
    python examples/gaussian_mixture.py --smoke  # 90 points, 200 steps
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
from jax.typing import ArrayLike
from numpyro import handlers
from numpyro.contrib.funsor import (
    config_enumerate as _config_enumerate,
    infer_discrete as _infer_discrete,
)
from numpyro.distributions import constraints
from numpyro.infer import SVI, TraceEnum_ELBO
from numpyro.optim import Adam

import typed_dists as dist

# NumPyro's funsor helpers are unannotated; strict mypy refuses calls to them.
config_enumerate: Any = _config_enumerate
infer_discrete: Any = _infer_discrete

TRUE_WEIGHTS = jnp.array([0.4, 0.35, 0.25])
TRUE_LOCS = jnp.array([-6.0, 0.0, 5.0])
TRUE_SCALE = 1.0
K = 3


@dataclass(frozen=True)
class Config:
    num_data: int
    num_steps: int


FULL = Config(num_data=1000, num_steps=1500)
SMOKE = Config(num_data=90, num_steps=200)


def mixture(data: jax.Array) -> None:
    """weights ~ Dirichlet(1), locs_k ~ N(0, 10), scale ~ LogNormal(0, 1),
    z_n ~ Categorical(weights), data_n ~ N(locs[z_n], scale)."""
    weights = jnp.asarray(numpyro.sample("weights", dist.Dirichlet(jnp.ones(K))))
    scale = jnp.asarray(numpyro.sample("scale", dist.LogNormal(0.0, 1.0)))
    with numpyro.plate("components", K):
        locs = jnp.asarray(numpyro.sample("locs", dist.Normal(0.0, 10.0)))
    with numpyro.plate("data", data.shape[0]):
        z = jnp.asarray(numpyro.sample("z", dist.Categorical(probs=weights)))
        numpyro.sample("obs", dist.Normal(locs[z], scale), obs=data)


# Mark every discrete site of the model (here `z`) for parallel enumeration.
model: Callable[[jax.Array], None] = config_enumerate(mixture)


def guide_for(data: jax.Array) -> Callable[[jax.Array], None]:
    """A MAP guide for the global sites, its locations started at quantiles of
    the data (the assignments `z` are enumerated, so need no guide)."""
    initial_locs = jnp.quantile(data, (jnp.arange(K) + 0.5) / K)

    def guide(data: jax.Array) -> None:
        weights = jnp.asarray(
            numpyro.param(
                "weights_map", jnp.ones(K) / K, constraint=constraints.simplex
            )
        )
        scale = jnp.asarray(
            numpyro.param("scale_map", 1.0, constraint=constraints.positive)
        )
        locs = jnp.asarray(numpyro.param("locs_map", initial_locs))
        numpyro.sample("weights", dist.Delta(weights, event_dim=1))
        numpyro.sample("scale", dist.Delta(scale))
        with numpyro.plate("components", K):
            numpyro.sample("locs", dist.Delta(locs))

    return guide


def simulate(key: jax.Array, num_data: int) -> tuple[jax.Array, jax.Array]:
    """Points drawn from the true mixture, and their true assignments."""
    key_z, key_x = jax.random.split(key)
    z = dist.Categorical(probs=TRUE_WEIGHTS).sample(key_z, (num_data,))
    x = dist.Normal(TRUE_LOCS[z], TRUE_SCALE).sample(key_x)
    return x, z


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes, for CI (about 15 s, mostly compilation)",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    config = SMOKE if args.smoke else FULL

    start = time.perf_counter()
    key_data, key_svi, key_discrete = jax.random.split(jax.random.key(args.seed), 3)
    data, true_z = simulate(key_data, config.num_data)

    svi = SVI(model, guide_for(data), Adam(0.1), TraceEnum_ELBO(max_plate_nesting=1))
    result = svi.run(key_svi, config.num_steps, data, progress_bar=False)
    losses = np.asarray(result.losses)
    params: dict[str, ArrayLike] = {
        name.removesuffix("_map"): jnp.asarray(value)
        for name, value in result.params.items()
    }

    # The most probable assignment of each point, given the fitted globals.
    map_model = infer_discrete(
        handlers.condition(model, data=params),
        first_available_dim=-2,
        temperature=0,
        rng_key=key_discrete,
    )
    trace = handlers.trace(handlers.seed(map_model, key_discrete)).get_trace(data)
    z = np.asarray(trace["z"]["value"])

    # Components are exchangeable: match them to the true ones by location.
    order = np.argsort(np.asarray(params["locs"]))
    relabel = np.empty(K, dtype=int)
    relabel[order] = np.arange(K)
    accuracy = float((relabel[z] == np.asarray(true_z)).mean())
    weights = np.asarray(params["weights"])[order]
    locs = np.asarray(params["locs"])[order]
    scale = float(np.asarray(params["scale"]))

    np.set_printoptions(precision=3, suppress=True)
    mode = "smoke" if args.smoke else "full"
    print(f"== gaussian_mixture summary ({mode}) ==")
    print(f"data: N={config.num_data}, K={K}; SVI steps: {config.num_steps}")
    print(f"loss: first {losses[0]:.2f}, final {losses[-1]:.2f}")
    print(f"weights: {weights}  (true {np.asarray(TRUE_WEIGHTS)})")
    print(f"locs:    {locs}  (true {np.asarray(TRUE_LOCS)})")
    print(f"scale:   {scale:.3f}  (true {TRUE_SCALE:.3f})")
    print(f"assignment accuracy (infer_discrete, MAP): {accuracy:.3f}")
    print(f"wall time: {time.perf_counter() - start:.1f} s")

    if args.smoke:
        assert losses.shape == (config.num_steps,), losses.shape
        assert np.all(np.isfinite(losses))
        assert losses[-1] < losses[0], (losses[0], losses[-1])
        assert z.shape == (config.num_data,), z.shape
        np.testing.assert_allclose(weights.sum(), 1.0, rtol=1e-5)
        # Well separated clusters: the locations and the labels are recovered.
        np.testing.assert_allclose(locs, np.asarray(TRUE_LOCS), atol=1.0)
        assert 0.5 < scale < 2.0, scale
        assert accuracy > 0.9, accuracy
        print("smoke checks passed")


if __name__ == "__main__":
    main()
