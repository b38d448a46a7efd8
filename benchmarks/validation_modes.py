"""The cost of each validation mode, as ratios against the default mode.

    python -m benchmarks.validation_modes [--repeats N] [--write docs/errors.md]

Measures, in one process and interleaved (modes alternate within each
repeat, so machine noise hits them alike):

- eager construction of a `Normal` and of a `MultivariateNormal` (from a
  covariance), and the same with NumPyro's class for reference;
- a compiled step: `jax.jit` of the gradient of a logistic-regression log
  density (N=20,000, D=20) built from typed distributions inside the function,
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
from pathlib import Path

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


LOC, SCALE = jnp.zeros(3), jnp.ones(3)
MEAN, COVARIANCE = jnp.zeros(3), jnp.eye(3) * 2.0


def _construction(mode: td.ValidationMode | None) -> dict[str, Callable[[], object]]:
    """The constructions timed (None: NumPyro's own classes); the caller sets
    the mode around the timing, so the block's own cost is not measured."""
    if mode is None:
        return {
            "Normal(loc, scale)": lambda: nd.Normal(LOC, SCALE),
            "MultivariateNormal(loc, cov)": lambda: nd.MultivariateNormal(
                MEAN, covariance_matrix=COVARIANCE
            ),
        }

    def normal() -> object:
        return td.Normal(LOC, SCALE)

    def mvn() -> object:
        return td.MultivariateNormal(MEAN, covariance_matrix=COVARIANCE)

    return {"Normal(loc, scale)": normal, "MultivariateNormal(loc, cov)": mvn}


def _step(mode: td.ValidationMode) -> Callable[[], object]:
    key_x, key_y = jax.random.split(jax.random.key(0))
    x = jax.random.normal(key_x, (20_000, 20))
    y = (jax.random.uniform(key_y, (20_000,)) < 0.5).astype(jnp.float32)
    params = (jnp.zeros(20), jnp.asarray(0.0), jnp.asarray(1.0))

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
    parser.add_argument(
        "--write",
        type=Path,
        help="also put the table between the validation-costs markers of this file",
    )
    args = parser.parse_args()

    results: dict[tuple[str, str], list[float]] = {}
    steps = {mode: _step(mode) for mode in MODES}
    labels: list[td.ValidationMode | None] = [*MODES, None]
    for repeat in range(args.repeats):
        # Rotate the order, so that no mode always runs first.
        order = labels[repeat % len(labels) :] + labels[: repeat % len(labels)]
        for mode in order:
            label = mode or "NumPyro's class"
            for name, fn in _construction(mode).items():
                if mode is None:
                    results.setdefault((name, label), []).append(_time(fn, 200))
                    continue
                with td.validation(mode):
                    results.setdefault((name, label), []).append(_time(fn, 200))
            if mode is not None:
                results.setdefault(("compiled step", label), []).append(
                    _time(steps[mode], 200)
                )

    lines: list[str] = []
    print_ = lines.append
    print_(
        f"Machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, jax {jax.__version__}, numpyro "
        f"{numpyro.__version__}, repeats {args.repeats}; NumPyro validation "
        f"{'on' if nd.Distribution._validate_args else 'off'} by default.\n"
    )
    print_("| measurement | mode | median (us) | IQR (us) | ratio to default |")
    print_("|---|---|---:|---:|---:|")
    names = ["Normal(loc, scale)", "MultivariateNormal(loc, cov)", "compiled step"]
    for name in names:
        base = statistics.median(results[(name, "default")])
        for row in [*MODES, "NumPyro's class"]:
            times = results.get((name, row))
            if times is None:
                continue
            median = statistics.median(times)
            quartiles = statistics.quantiles(times, n=4)
            print_(
                f"| {name} | {row} | {median * 1e6:.1f} | "
                f"{(quartiles[2] - quartiles[0]) * 1e6:.1f} | {median / base:.2f} |"
            )
    table = "\n".join(lines)
    print(table)
    if args.write is not None:
        text = args.write.read_text()
        start, end = "<!-- validation-costs:start -->", "<!-- validation-costs:end -->"
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        args.write.write_text(f"{before}{start}\n{table}\n{end}{after}")


if __name__ == "__main__":
    main()
