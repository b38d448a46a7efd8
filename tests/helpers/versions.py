"""What the tests need that differs between supported JAX and NumPyro releases.

One place for each difference, so that the suite runs on the oldest and the
newest supported versions (see `noxfile.py`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jax
import jax.experimental
import numpyro
import pytest

import typed_dists as td
from typed_dists._core._versions import NUMPYRO_FEATURES, needs_numpyro as needs

NUMPYRO = tuple(int(part) for part in numpyro.__version__.split(".")[:2])
"""The installed NumPyro's (major, minor) release."""

OLDEST = Path(__file__).resolve().parents[2] / "constraints" / "oldest.txt"


def oldest_pins() -> dict[str, str]:
    """The versions the "oldest" nox session pins (`constraints/oldest.txt`)."""
    pins = {}
    for line in OLDEST.read_text().splitlines():
        requirement = line.split("#")[0].strip()
        if requirement:
            name, version = requirement.split("==")
            pins[name] = version
    return pins


VALUE_KINDS_RTOL = 1e-9 if NUMPYRO >= (0, 22) else 2e-6
"""How close gradients with the same values given as int32 and as float64
are. NumPyro 0.20 and 0.21 compute a Poisson's log density of an integer
value partly in float32 (`gammaln(value + 1)` and `log(rate) * value` on the
int32 array: `Poisson(1.3).log_prob(0)` is -1.3000004768 for an int32 0 and
-1.3 for a float64 one, in float64 mode), so the gradients of distributions
built on a Poisson differ by about 3e-7 relative; NumPyro 0.22 casts the
value to float first, and they agree to `SAME_RTOL` (1e-9)."""

LATER_NAMES: tuple[str, ...] = tuple(
    name for feature in NUMPYRO_FEATURES for name in feature.typed_names
)
"""The typed names that need a NumPyro newer than the oldest supported one.
The generated docs (API reference, coverage page) describe them all: they are
generated, and checked, with a NumPyro that has them."""


@contextlib.contextmanager
def x64() -> Iterator[None]:
    """Float64 by default inside the block (`jax.enable_x64(True)`; before
    JAX had it, `jax.experimental.enable_x64()`)."""
    enable: Any = getattr(jax, "enable_x64", None)
    if enable is None:  # older JAX
        enable = getattr(jax.experimental, "enable_x64")  # noqa: B009 (not in newer stubs)
    with enable(True):
        yield


@contextlib.contextmanager
def duration_listener(listener: Callable[..., None]) -> Iterator[None]:
    """`listener` receives JAX's duration events inside the block
    (`jax.monitoring`). JAX 0.7 has no public way to unregister one: there the
    listener stays registered and ignores what comes after the block."""
    active = True

    def forward(event: str, duration_secs: float, **kwargs: Any) -> None:
        if active:
            listener(event, duration_secs, **kwargs)

    jax.monitoring.register_event_duration_secs_listener(forward)
    try:
        yield
    finally:
        active = False
        unregister: Any = getattr(
            jax.monitoring, "unregister_event_duration_listener", None
        )
        if unregister is not None:
            unregister(forward)


def needs_numpyro(*names: str) -> pytest.MarkDecorator:
    """Skip a test or row of typed names the installed NumPyro predates (they
    wrap distributions NumPyro added later: `typed_dists._core._versions`),
    saying which release they need. On a NumPyro that has them, the test
    runs; a name that is not typed_dists' at all is an error, not a skip."""
    unknown = [n for n in names if n not in td.__all__ and needs(n) is None]
    assert not unknown, f"not typed_dists names: {unknown}"
    missing = [n for n in names if n not in td.__all__]
    since = sorted({str(needs(n)) for n in missing})
    return pytest.mark.skipif(
        bool(missing),
        reason=f"{', '.join(missing)} need{'s' if len(missing) == 1 else ''} "
        f"NumPyro >= {', '.join(since)}; "
        f"this is NumPyro {numpyro.__version__}",
    )


def needs_numpyro_for(text: str) -> pytest.MarkDecorator:
    """`needs_numpyro` for the later names a text (a docs page) uses."""
    return needs_numpyro(*(n for n in LATER_NAMES if re.search(rf"\b{n}\b", text)))
