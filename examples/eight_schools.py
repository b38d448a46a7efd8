"""The eight schools hierarchical model (Rubin 1981), non-centred, with NUTS.

Each school's treatment effect is `theta = mu + tau * theta_tilde` with a
standard normal `theta_tilde`: this non-centred form removes the funnel
between `tau` and the effects that makes the centred model hard to sample.
The model is written as with NumPyro, with `typed_dists` imported in place of
`numpyro.distributions`.

    python examples/eight_schools.py          # 4 chains of 1000 + 1000 draws
    python examples/eight_schools.py --smoke  # 1 short chain, ~15 s (compiling)
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
from numpyro.diagnostics import effective_sample_size, split_gelman_rubin
from numpyro.infer import MCMC, NUTS

import typed_dists as dist

# The treatment effects estimated in each school and their standard errors.
Y = jnp.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = jnp.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])


@dataclass(frozen=True)
class Config:
    num_chains: int
    num_warmup: int
    num_samples: int


FULL = Config(num_chains=4, num_warmup=1000, num_samples=1000)
SMOKE = Config(num_chains=1, num_warmup=100, num_samples=100)


def model(sigma: jax.Array, y: jax.Array | None = None) -> None:
    """mu ~ N(0, 5), tau ~ HalfCauchy(5), theta_j = mu + tau * theta_tilde_j,
    y_j ~ N(theta_j, sigma_j)."""
    mu = jnp.asarray(numpyro.sample("mu", dist.Normal(0.0, 5.0)))
    tau = jnp.asarray(numpyro.sample("tau", dist.HalfCauchy(5.0)))
    with numpyro.plate("schools", sigma.shape[0]):
        theta_tilde = jnp.asarray(numpyro.sample("theta_tilde", dist.Normal(0.0, 1.0)))
        theta = mu + tau * theta_tilde
        numpyro.deterministic("theta", theta)
        numpyro.sample("obs", dist.Normal(theta, sigma), obs=y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="one short chain, for CI (about 15 s, mostly compilation)",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    config = SMOKE if args.smoke else FULL

    start = time.perf_counter()
    mcmc = MCMC(
        NUTS(model),
        num_warmup=config.num_warmup,
        num_samples=config.num_samples,
        num_chains=config.num_chains,
        chain_method="sequential",
        progress_bar=False,
    )
    mcmc.run(jax.random.key(args.seed), SIGMA, Y, extra_fields=("diverging",))
    samples = {k: np.asarray(v) for k, v in mcmc.get_samples().items()}
    by_chain = {
        k: np.asarray(v) for k, v in mcmc.get_samples(group_by_chain=True).items()
    }
    divergences = int(np.asarray(mcmc.get_extra_fields()["diverging"]).sum())
    mu, tau, theta = samples["mu"], samples["tau"], samples["theta"]

    np.set_printoptions(precision=2, suppress=True)
    mode = "smoke" if args.smoke else "full"
    print(f"== eight_schools summary ({mode}) ==")
    print(f"draws: {config.num_chains} chain(s) x {config.num_samples}")
    print(f"posterior mean mu:    {mu.mean():.2f}  (sd {mu.std():.2f})")
    print(f"posterior mean tau:   {tau.mean():.2f}  (sd {tau.std():.2f})")
    print(f"posterior mean theta: {theta.mean(axis=0)}")
    print(f"divergences: {divergences}")
    if config.num_chains > 1:
        for name in ("mu", "tau"):
            r_hat = float(split_gelman_rubin(by_chain[name]))
            n_eff = float(effective_sample_size(by_chain[name]))
            print(f"{name}: r_hat {r_hat:.3f}, n_eff {n_eff:.0f}")
    print(f"wall time: {time.perf_counter() - start:.1f} s")

    if args.smoke:
        num_draws = config.num_chains * config.num_samples
        assert theta.shape == (num_draws, 8), theta.shape
        assert all(np.all(np.isfinite(v)) for v in samples.values())
        assert np.all(tau > 0)
        # The pooled estimate is about 8 (sd about 4-5): a sane range for mu.
        assert -5.0 < mu.mean() < 20.0, mu.mean()
        assert 0.0 < tau.mean() < 20.0, tau.mean()
        print("smoke checks passed")


if __name__ == "__main__":
    main()
