"""Timing harness shared by the benchmarks: interleaved repeats, paired ratios.

Every measurement times typed_dists and NumPyro in the same process,
alternating within each repeat (and rotating which goes first), so that machine
noise hits both alike. A row reports each side's median and interquartile
range, and the ratio typed/NumPyro as the median and interquartile range of the
per-repeat ratios.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import statistics
import time
from collections.abc import Callable

import equinox
import jax
import jaxtyping
import numpyro
from numpyro.distributions import Distribution

import typed_dists as td


def environment() -> str:
    """The machine, versions and NumPyro's validation setting, for the report."""
    validation = Distribution._validate_args  # pyright: ignore[reportPrivateUsage]
    return (
        f"{platform.machine()}, {os.cpu_count()} CPU cores, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"jax {jax.__version__} ({jax.default_backend()}), numpyro "
        f"{numpyro.__version__}, equinox {equinox.__version__}, jaxtyping "
        f"{jaxtyping.__version__}, typed_dists {td.__version__}; NumPyro "
        f"validation {'on' if validation else 'off'} (its default: on)"
    )


def per_call(fn: Callable[[], object], number: int) -> float:
    """Seconds per call of `number` consecutive calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def interleaved(
    contenders: dict[str, Callable[[], object]], repeats: int, number: int
) -> dict[str, list[float]]:
    """Seconds per call of each contender, `repeats` times, interleaved."""
    for fn in contenders.values():
        fn()  # warm caches (and compile what is jitted)
    names = list(contenders)
    times: dict[str, list[float]] = {name: [] for name in names}
    for repeat in range(repeats):
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(per_call(contenders[name], number))
    return times


@dataclasses.dataclass(frozen=True)
class Row:
    """One measurement: typed and NumPyro times (seconds), paired by repeat."""

    what: str
    typed: list[float]
    numpyro: list[float]
    target: float | None = None  # the ceiling for the ratio, if any

    @property
    def ratios(self) -> list[float]:
        return [t / n for t, n in zip(self.typed, self.numpyro, strict=True)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    def cells(self) -> list[str]:
        low, _, high = _quartiles(self.ratios)
        target = "" if self.target is None else f"{self.target:.2f}"
        met = (
            ""
            if self.target is None
            else ("yes" if self.ratio <= self.target else "**no**")
        )
        return [
            self.what,
            _duration(self.typed),
            _duration(self.numpyro),
            f"{self.ratio:.2f} ({low:.2f}-{high:.2f})",
            target,
            met,
        ]


HEADER = [
    "measurement",
    "typed_dists",
    "NumPyro",
    "ratio (IQR)",
    "target",
    "met",
]


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|---|---:|---:|---:|---:|:---:|"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    low, mid, high = statistics.quantiles(values, n=4)
    return low, mid, high


def _duration(times: list[float]) -> str:
    """Median with unit, e.g. `72.1 us` or `1.02 s`."""
    median = statistics.median(times)
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if median >= scale:
            return f"{median / scale:.3g} {unit}"
    return f"{median / 1e-9:.3g} ns"
