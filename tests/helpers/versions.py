"""What the tests need that differs between supported JAX releases.

One place for each difference, so that the suite runs on the oldest and the
newest supported versions (see `noxfile.py`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import jax
import jax.experimental


@contextlib.contextmanager
def x64() -> Iterator[None]:
    """Float64 by default inside the block (`jax.enable_x64(True)`; before
    JAX had it, `jax.experimental.enable_x64()`)."""
    enable: Any = getattr(jax, "enable_x64", None)
    if enable is None:  # older JAX
        enable = getattr(jax.experimental, "enable_x64")  # noqa: B009 (not in newer stubs)
    with enable(True):
        yield
