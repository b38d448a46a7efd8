"""Eager construction time of typed_dists.Normal against numpyro's Normal.

Run with `python -m benchmarks.construction`. Both constructors are timed in
the same process, interleaved (typed, NumPyro, typed, ...), so that machine
noise hits both alike; the report gives medians and the spread over repeats,
and the ratio of the medians. NumPyro validates arguments by default (as
typed_dists does), and the validation mode is printed.
"""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as nd
from numpyro.distributions import Distribution

import typed_dists as td


def _time_per_call(fn: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def compare(
    typed: Callable[[], object],
    plain: Callable[[], object],
    repeats: int = 31,
    number: int = 200,
) -> tuple[list[float], list[float]]:
    """Interleaved timings in seconds per call: (typed, NumPyro)."""
    typed(), plain()  # warm up caches and compilation of the constraint checks
    typed_times: list[float] = []
    plain_times: list[float] = []
    for _ in range(repeats):
        typed_times.append(_time_per_call(typed, number))
        plain_times.append(_time_per_call(plain, number))
    return typed_times, plain_times


def _summary(times: list[float]) -> str:
    low, _, high = (t * 1e6 for t in statistics.quantiles(times, n=4))
    median = statistics.median(times) * 1e6
    return f"median {median:7.1f} us (IQR {low:.1f}-{high:.1f})"


def main() -> None:
    loc, scale = jnp.zeros(3), jnp.ones(3)
    cases: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
        "Normal(loc, scale), JAX float32 arrays": (
            lambda: td.Normal(loc, scale),
            lambda: nd.Normal(loc, scale),
        ),
        "Normal(0.0, 1.0), Python floats": (
            lambda: td.Normal(0.0, 1.0),
            lambda: nd.Normal(0.0, 1.0),
        ),
    }
    print(
        f"python {platform.python_version()}, {platform.machine()}, "
        f"jax {jax.__version__}, numpyro {numpyro.__version__}, "
        f"typed_dists {td.__version__}, backend {jax.default_backend()}"
    )
    print(f"NumPyro validation enabled: {Distribution._validate_args}")
    for name, (typed, plain) in cases.items():
        typed_times, plain_times = compare(typed, plain)
        ratio = statistics.median(typed_times) / statistics.median(plain_times)
        print(f"\n{name}")
        print(f"  typed_dists: {_summary(typed_times)}")
        print(f"  numpyro:     {_summary(plain_times)}")
        print(f"  ratio typed/numpyro: {ratio:.2f}")


if __name__ == "__main__":
    main()
