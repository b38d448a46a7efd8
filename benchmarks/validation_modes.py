"""The cost of each validation mode, as ratios against the default mode.

    python -m benchmarks.validation_modes [--repeats N]

Measures, in one process and interleaved (modes alternate within each
repeat, so machine noise hits them alike):

- eager construction of a `Normal` and of a `MultivariateNormal` (from a
  covariance), and the same with NumPyro's class for reference;
- a compiled step: `jax.jit` of the gradient of a logistic-regression log
  density (N=1000, D=5) built from typed distributions inside the function,
  traced once per mode.

Prints a markdown table of medians, spread (interquartile range) and ratios
against the default mode.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import timeit
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as nd

import typed_dists as td

MODES: tuple[td.ValidationMode, ...] = ("default", "checked", "off")


def _time(fn: Callable[[], object], number: int) -> float:
    """Seconds per call: the best of 3 runs of `number` calls."""
    return min(timeit.repeat(fn, number=number, repeat=3)) / number


def _construction(mode: td.ValidationMode) -> dict[str, Callable[[], object]]:
    loc, scale = jnp.zeros(3), jnp.ones(3)
    mean, covariance = jnp.zeros(3), jnp.eye(3) * 2.0

    def normal() -> object:
        with td.validation(mode):
            return td.Normal(loc, scale)

    def mvn() -> object:
        with td.validation(mode):
            return td.MultivariateNormal(mean, covariance_matrix=covariance)

    return {"Normal(loc, scale)": normal, "MultivariateNormal(loc, cov)": mvn}


def _step(mode: td.ValidationMode) -> Callable[[], object]:
    key_x, key_y = jax.random.split(jax.random.key(0))
    x = jax.random.normal(key_x, (1000, 5))
    y = (jax.random.uniform(key_y, (1000,)) < 0.5).astype(jnp.float32)
    params = (jnp.zeros(5), jnp.asarray(0.0), jnp.asarray(1.0))

    def log_density(p: tuple[jax.Array, jax.Array, jax.Array]) -> jax.Array:
        beta, alpha, log_sigma = p
        prior = td.Normal(0.0, jnp.exp(log_sigma)).log_prob(beta).sum()
        prior += td.Normal(0.0, 10.0).log_prob(alpha)
        likelihood = td.Bernoulli(logits=x @ beta + alpha).log_prob(y).sum()
        return prior + likelihood

    with td.validation(mode):
        step = jax.jit(jax.grad(log_density))
        np.asarray(step(params)[0])  # trace and compile in this mode

    # Reading a result waits for the whole compiled program.
    return lambda: np.asarray(step(params)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    results: dict[tuple[str, str], list[float]] = {}
    numpyro_results: dict[str, list[float]] = {}
    steps = {mode: _step(mode) for mode in MODES}
    for _ in range(args.repeats):
        for mode in MODES:
            for name, fn in _construction(mode).items():
                results.setdefault((name, mode), []).append(_time(fn, 200))
            results.setdefault(("compiled step", mode), []).append(
                _time(steps[mode], 50)
            )
        numpyro_results.setdefault("Normal(loc, scale)", []).append(
            _time(lambda: nd.Normal(jnp.zeros(3), jnp.ones(3)), 200)
        )
        numpyro_results.setdefault("MultivariateNormal(loc, cov)", []).append(
            _time(
                lambda: nd.MultivariateNormal(
                    jnp.zeros(3), covariance_matrix=jnp.eye(3) * 2.0
                ),
                200,
            )
        )

    print(
        f"Machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, jax {jax.__version__}, numpyro "
        f"{numpyro.__version__}, repeats {args.repeats}; NumPyro validation "
        f"{'on' if nd.Distribution._validate_args else 'off'} by default.\n"
    )
    print("| measurement | mode | median (us) | IQR (us) | ratio to default |")
    print("|---|---|---:|---:|---:|")
    names = ["Normal(loc, scale)", "MultivariateNormal(loc, cov)", "compiled step"]
    for name in names:
        base = statistics.median(results[(name, "default")])
        for mode in MODES:
            times = results[(name, mode)]
            median = statistics.median(times)
            quartiles = statistics.quantiles(times, n=4)
            print(
                f"| {name} | {mode} | {median * 1e6:.1f} | "
                f"{(quartiles[2] - quartiles[0]) * 1e6:.1f} | {median / base:.2f} |"
            )
        if name in numpyro_results:
            median = statistics.median(numpyro_results[name])
            print(
                f"| {name} | NumPyro's class | {median * 1e6:.1f} | | "
                f"{median / base:.2f} |"
            )


if __name__ == "__main__":
    main()
