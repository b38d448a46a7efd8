"""Validation modes: how much a typed distribution checks when it is built.

- `"default"`: kind, dtype and shape of every parameter, always (at trace time
  under `jax.jit`); values against their constraints when validation is
  enabled (`validate_args`, or NumPyro's `numpyro.enable_validation`), for
  concrete values only. Traced values are skipped, as NumPyro skips them.
- `"checked"`: as `"default"`, and values are always checked (unless a call
  passes `validate_args=False`), traced ones too: inside compiled code each
  constrained parameter goes through `equinox.error_if`, so a NaN or
  out-of-constraint parameter raises at run time, naming the distribution and
  the parameter, instead of flowing on as NaN.
- `"off"`: the kind and dtype of every parameter only (an integer, bool,
  complex or float0 array is still rejected, and floats are still promoted to
  one dtype); no shape and no value checks.

The mode is read when a distribution is built. Under `jax.jit` that is trace
time: a compiled function keeps the mode it was traced with, as it keeps
NumPyro's `enable_validation` setting.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Generator
from typing import Literal, TypeAlias, cast, get_args

__all__ = ["ValidationMode", "get_validation", "set_validation", "validation"]

ValidationMode: TypeAlias = Literal["default", "checked", "off"]
"""The validation modes. `"default"` checks every argument's kind, dtype and
shape, and concrete values against their constraints while validation is on,
as NumPyro does; `"checked"` also checks traced values inside compiled code at
run time; `"off"` checks only kinds and dtypes (so floats are still promoted
and integer parameters still rejected)."""
_MODES: tuple[str, ...] = get_args(ValidationMode)

_lock = threading.Lock()
_global_mode: ValidationMode = "default"
_context_mode: contextvars.ContextVar[ValidationMode | None] = contextvars.ContextVar(
    "typed_dists_validation", default=None
)


def _checked_mode(mode: object) -> ValidationMode:
    if mode not in _MODES:
        raise ValueError(
            f"typed_dists: unknown validation mode {mode!r}; choose one of "
            f"{', '.join(map(repr, _MODES))}."
        )
    return cast(ValidationMode, mode)


def get_validation() -> ValidationMode:
    """The validation mode in force here: the innermost `validation(...)`
    block of this thread or task, else the global mode."""
    mode = _context_mode.get()
    return _global_mode if mode is None else mode


def set_validation(mode: ValidationMode) -> None:
    """Set the global validation mode (`"default"`, `"checked"` or `"off"`).

    It applies in every thread, except inside `validation(...)` blocks.

    **Raises:** `ValueError` for an unknown mode.
    """
    global _global_mode
    checked = _checked_mode(mode)
    with _lock:
        _global_mode = checked


@contextlib.contextmanager
def validation(mode: ValidationMode) -> Generator[None]:
    """Use validation mode `mode` inside a `with` block (this thread or task).

    ```python
    import jax
    import numpyro
    from numpyro.infer import MCMC, NUTS

    import typed_dists as td


    def model():
        scale = numpyro.sample("scale", td.LogNormal(0.0, 1.0))
        numpyro.sample("x", td.Normal(0.0, scale), obs=1.0)


    mcmc = MCMC(NUTS(model), num_warmup=20, num_samples=20, progress_bar=False)
    with td.validation("checked"):
        mcmc.run(jax.random.key(0))  # traced parameters are checked inside NUTS
    ```

    **Raises:** `ValueError` for an unknown mode.
    """
    token = _context_mode.set(_checked_mode(mode))
    try:
        yield
    finally:
        _context_mode.reset(token)
