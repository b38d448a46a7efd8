"""Where eager construction spends its time: a profile of one call.

    python -m benchmarks.profile [--mode default|checked|off] [--inputs jax|float|numpy]

Profiles `typed_dists.Normal(loc, scale)` (and NumPyro's, for comparison)
with cProfile over many calls, and prints the functions with the largest
cumulative time per call. cProfile slows Python code down (by about 1.5x
here), so the figures are for the split between stages; the benchmark suite
(`python -m benchmarks`) gives the unprofiled times.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd

import typed_dists as td

from ._harness import environment

CALLS = 2000


def _inputs(kind: str) -> tuple[Any, Any]:
    if kind == "float":
        return 0.0, 1.0
    if kind == "numpy":
        return np.zeros(3), np.ones(3)
    return jnp.zeros(3), jnp.ones(3)


def _profile(label: str, fn: Callable[[], object], top: int) -> None:
    for _ in range(100):
        fn()  # warm caches
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(CALLS):
        fn()
    profiler.disable()
    stats: Any = pstats.Stats(profiler)  # its `stats` table is not annotated
    total = stats.total_tt / CALLS * 1e6
    print(f"\n{label}: {total:.1f} us per call under cProfile")
    print(f"{'cumulative us/call':>18}  {'own us/call':>11}  function")
    entries = stats.stats.items()
    rows = sorted(entries, key=lambda item: -item[1][3])[:top]
    for (path, line, name), (_, _, own, cumulative, _) in rows:
        where = path.split("site-packages/")[-1].split("src/")[-1]
        print(
            f"{cumulative / CALLS * 1e6:18.1f}  {own / CALLS * 1e6:11.1f}  "
            f"{name} ({where}:{line})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--mode", default="default", choices=["default", "checked", "off"]
    )
    parser.add_argument("--inputs", default="jax", choices=["jax", "float", "numpy"])
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    loc, scale = _inputs(args.inputs)
    print(environment())
    mode: td.ValidationMode = args.mode
    with td.validation(mode):
        _profile(
            f"typed_dists.Normal, mode {mode!r}, {args.inputs} inputs",
            lambda: td.Normal(loc, scale),
            args.top,
        )
    validate = mode != "off"
    _profile(
        f"numpyro.distributions.Normal, validate_args={validate}, {args.inputs} inputs",
        lambda: nd.Normal(loc, scale, validate_args=validate),
        args.top,
    )


if __name__ == "__main__":
    main()
