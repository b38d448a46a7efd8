"""Timing harness shared by the benchmarks: interleaved repeats, paired ratios.

Every measurement times typed_dists and NumPyro in the same process,
alternating within each repeat (and rotating which goes first), so that machine
noise hits both alike. A row reports each side's median and interquartile
range, and the ratio typed/NumPyro as the median and interquartile range of the
per-repeat ratios. A row may carry a third library's times, measured in the
same interleaved repeats (`Row.other`): its table then has a column more, the
ratio typed/other, computed the same way.

A construction row may also carry a floor (`Row.floor`): the time, measured
in the same repeats, that any wrapper building NumPyro's object from strongly
typed JAX arrays must spend (NumPyro's constructor without its checks, plus
the conversion of the inputs that need one). Its table then shows the floor
as a ratio to NumPyro, the least ratio such a design can reach, and
typed_dists' own time above it.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
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
    try:
        distrax = f", distrax {importlib.metadata.version('distrax')}"
    except importlib.metadata.PackageNotFoundError:
        distrax = ""
    return (
        f"{platform.machine()}, {os.cpu_count()} CPU cores, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"jax {jax.__version__} ({jax.default_backend()}), numpyro "
        f"{numpyro.__version__}, equinox {equinox.__version__}, jaxtyping "
        f"{jaxtyping.__version__}, typed_dists {td.__version__}{distrax}; NumPyro "
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
    """One measurement: typed and NumPyro times (seconds), paired by repeat.

    `other`, if given, holds a third library's times (`other_label`, e.g.
    "distrax") from the same repeats, paired with `typed` likewise.
    """

    what: str
    typed: list[float]
    numpyro: list[float]
    target: float | None = None  # the ceiling for the ratio, if any
    other: list[float] | None = None
    other_label: str = "other"
    floor: list[float] | None = None  # see the module docstring

    @property
    def floor_ratio(self) -> float | None:
        """The median per-repeat ratio floor/NumPyro, if the row has a floor."""
        if self.floor is None:
            return None
        return statistics.median(
            f / n for f, n in zip(self.floor, self.numpyro, strict=True)
        )

    @property
    def own(self) -> float | None:
        """typed_dists' own time (seconds): the median per-repeat time above
        the floor, if the row has one."""
        if self.floor is None:
            return None
        return statistics.median(
            t - f for t, f in zip(self.typed, self.floor, strict=True)
        )

    @property
    def ratios(self) -> list[float]:
        return [t / n for t, n in zip(self.typed, self.numpyro, strict=True)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def other_ratios(self) -> list[float] | None:
        """Per-repeat ratios typed/other, if the row has a third library."""
        if self.other is None:
            return None
        return [t / o for t, o in zip(self.typed, self.other, strict=True)]

    def cells(self) -> list[str]:
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
            _ratio(self.ratios),
            target,
            met,
        ]

    def other_cell(self) -> str:
        """The ratio typed/other (IQR), or empty without a third library."""
        ratios = self.other_ratios
        return "" if ratios is None else _ratio(ratios)


HEADER = [
    "measurement",
    "typed_dists",
    "NumPyro",
    "ratio (IQR)",
    "target",
    "met",
]


def table(rows: list[Row]) -> str:
    """A Markdown table; with a "vs <other>" column if some row has `other`,
    and "floor" and "typed_dists' own" columns if some row has a floor."""
    labels = {row.other_label for row in rows if row.other is not None}
    if len(labels) > 1:
        raise ValueError(f"one third library per table, not {sorted(labels)}")
    header, align = list(HEADER), "|---|---:|---:|---:|---:|:---:|"
    other = bool(labels)
    if other:
        header.append(f"vs {labels.pop()}")
        align += "---:|"
    floors = any(row.floor is not None for row in rows)
    if floors:
        header += ["floor", "typed_dists' own"]
        align += "---:|---:|"
    lines = ["| " + " | ".join(header) + " |", align]
    for row in rows:
        cells = row.cells() + ([row.other_cell()] if other else [])
        if floors:
            cells += _floor_cells(row)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _floor_cells(row: Row) -> list[str]:
    floor, own = row.floor_ratio, row.own
    if floor is None or own is None:
        return ["", ""]
    return [f"{floor:.2f}", _duration([own])]


def _ratio(ratios: list[float]) -> str:
    """Median and interquartile range, e.g. `0.91 (0.83-0.97)`."""
    low, _, high = _quartiles(ratios)
    return f"{statistics.median(ratios):.2f} ({low:.2f}-{high:.2f})"


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    low, mid, high = statistics.quantiles(values, n=4)
    return low, mid, high


def _duration(times: list[float]) -> str:
    """Median with unit, e.g. `72.1 us` or `1.02 s`."""
    median = statistics.median(times)
    if median < 0:
        return "-" + _duration([-median])
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if median >= scale:
            return f"{median / scale:.3g} {unit}"
    return f"{median / 1e-9:.3g} ns"
