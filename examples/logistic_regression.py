"""Bayesian logistic regression with NUTS, on simulated data.

The model is written exactly as with NumPyro, with `typed_dists` imported in
place of `numpyro.distributions`: every distribution's parameters are checked
and promoted to float32 when it is built, so an integer array passed as a
parameter by mistake fails at once instead of giving `float0` gradients.

    python examples/logistic_regression.py          # N=1000, D=5, 500+500 draws
    python examples/logistic_regression.py --smoke  # tiny sizes, ~15 s (compiling)
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
from numpyro.infer import MCMC, NUTS

import typed_dists as dist


@dataclass(frozen=True)
class Config:
    num_data: int
    num_features: int
    num_warmup: int
    num_samples: int


FULL = Config(num_data=1000, num_features=5, num_warmup=500, num_samples=500)
SMOKE = Config(num_data=100, num_features=2, num_warmup=100, num_samples=100)


def model(x: jax.Array, y: jax.Array | None = None) -> None:
    """y[n] ~ Bernoulli(logits = x[n] @ w + b), standard normal priors."""
    num_features = x.shape[1]
    w = jnp.asarray(
        numpyro.sample("w", dist.Normal(jnp.zeros(num_features), 1.0).to_event(1))
    )
    b = jnp.asarray(numpyro.sample("b", dist.Normal(0.0, 1.0)))
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("y", dist.Bernoulli(logits=x @ w + b), obs=y)


def simulate(
    key: jax.Array, config: Config
) -> tuple[jax.Array, jax.Array, jax.Array, float]:
    """Features, labels (as float32, which Bernoulli's `obs` accepts), and the
    true weights and intercept."""
    key_x, key_w, key_y = jax.random.split(key, 3)
    x = jax.random.normal(key_x, (config.num_data, config.num_features))
    true_w = jax.random.normal(key_w, (config.num_features,))
    true_b = 0.5
    y = dist.Bernoulli(logits=x @ true_w + true_b).sample(key_y)
    return x, y, true_w, true_b


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
    key_data, key_mcmc = jax.random.split(jax.random.key(args.seed))
    x, y, true_w, true_b = simulate(key_data, config)

    mcmc = MCMC(
        NUTS(model),
        num_warmup=config.num_warmup,
        num_samples=config.num_samples,
        progress_bar=False,
    )
    mcmc.run(key_mcmc, x, y, extra_fields=("diverging",))
    samples = mcmc.get_samples()
    w = np.asarray(samples["w"])
    b = np.asarray(samples["b"])
    divergences = int(np.asarray(mcmc.get_extra_fields()["diverging"]).sum())

    w_mean, b_mean = w.mean(axis=0), float(b.mean())
    predicted = (np.asarray(x) @ w_mean + b_mean) > 0
    accuracy = float((predicted == np.asarray(y).astype(bool)).mean())

    np.set_printoptions(precision=3, suppress=True)
    print(f"== logistic_regression summary ({'smoke' if args.smoke else 'full'}) ==")
    print(f"data: N={config.num_data}, D={config.num_features}")
    print(f"posterior mean w: {w_mean}  (true {np.asarray(true_w)})")
    print(f"posterior sd   w: {w.std(axis=0)}")
    print(f"posterior mean b: {b_mean:.3f}  (true {true_b:.3f})")
    print(f"training accuracy of the posterior mean: {accuracy:.3f}")
    print(f"divergences: {divergences}")
    print(f"wall time: {time.perf_counter() - start:.1f} s")

    if args.smoke:
        assert w.shape == (config.num_samples, config.num_features), w.shape
        assert b.shape == (config.num_samples,), b.shape
        assert np.all(np.isfinite(w))
        assert np.all(np.isfinite(b))
        # The posterior mean is within a few posterior sds of the truth.
        error = np.abs(w_mean - np.asarray(true_w))
        assert np.all(error < 4 * w.std(axis=0) + 0.1), (w_mean, true_w)
        assert accuracy > 0.6, accuracy
        print("smoke checks passed")


if __name__ == "__main__":
    main()
