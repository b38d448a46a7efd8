"""`typecheck`: the typed checks for an unchanged NumPyro model.

A NumPyro effect handler that replaces each sample site's distribution by its
typed counterpart (`to_typed`), so that a model written with
`numpyro.distributions` gets the construction checks of typed_dists without
a line of it changed.
"""

from __future__ import annotations

import threading
import warnings
import weakref
from collections.abc import Callable
from typing import Any, cast

from numpyro.primitives import Messenger

from .._policy import ParameterTypeError, ParameterValueError, located
from ._convert import is_typed, to_typed

__all__ = ["UncheckedDistributionWarning", "at_site", "typecheck"]


class UncheckedDistributionWarning(UserWarning):
    """A sample site's distribution has no typed counterpart, so
    `handlers.typecheck` leaves it unchecked (a user's own subclass of a
    NumPyro distribution, say). Given once per class; filter it with
    `warnings.filterwarnings("ignore", category=UncheckedDistributionWarning)`.
    """


_warned: weakref.WeakSet[type] = weakref.WeakSet()
_lock = threading.Lock()


def warn_unchecked(cls: type) -> None:
    """Warn, once per class, that sites of `cls` are not checked."""
    with _lock:
        if cls in _warned:
            return
        _warned.add(cls)
    warnings.warn(
        f"typed_dists.handlers.typecheck: {cls.__module__}.{cls.__qualname__} "
        "has no typed counterpart; its sample sites are used unchanged and "
        "unchecked. Wrap it with `TypedDistribution` to check it (see the "
        "docs, 'Wrapping your own distribution').",
        UncheckedDistributionWarning,
        stacklevel=2,
    )


def at_site(
    error: ParameterTypeError | ParameterValueError, site: str
) -> ParameterTypeError | ParameterValueError:
    """The same error, its message prefixed by the sample site's name."""
    new = type(error)(f"sample site {site!r}: {error}")
    return located(new, error.distribution, error.parameter, site)


class typecheck(Messenger):  # noqa: N801 (named as NumPyro's handlers are)
    """Check every sample site's distribution with typed_dists' checks.

    An effect handler for an unchanged NumPyro model: at each sample site it
    replaces the site's NumPyro distribution by its typed counterpart, so
    that an integer, bool or float0 parameter, or parameters whose shapes do
    not fit, raise at the site, naming it:

    ```python
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist

    from typed_dists.handlers import typecheck


    def model():
        numpyro.sample("y", dist.Normal(jnp.arange(3), 1.0))


    with typecheck():
        model()  # ParameterTypeError: sample site 'y': Normal: parameter `loc` ...
    ```

    It is used as NumPyro's handlers are, around a call (`with typecheck():`)
    or wrapping a model (`typecheck(model)`), and works wherever the model
    does: under `jax.jit` and `jax.vmap`, in MCMC, SVI, `Predictive`,
    enumeration and `scan`. The typed distributions compute with NumPyro's
    code, so draws, log densities and compiled programs are those of the
    unhandled model; under `typed_dists.validation("checked")` the parameters
    are also checked against their constraints inside compiled code.

    Composite distributions (`Independent`, masked, expanded, mixtures,
    transformed and truncated ones) are converted with their components. A
    distribution with no typed counterpart (a user's own subclass) is used
    unchanged, with an `UncheckedDistributionWarning` once per class.
    Sites that already hold typed distributions are left as they are.

    **Raises:** `ParameterTypeError` or `ParameterValueError` from the site's
    typed constructor, its message starting `sample site 'name': `; the
    error's `site`, `distribution` and `parameter` attributes say the same.
    """

    def __init__(self, fn: Callable[..., Any] | None = None) -> None:
        super().__init__(fn)

    def process_message(self, msg: dict[str, Any]) -> None:
        if msg["type"] != "sample":
            return
        fn = msg["fn"]
        try:
            typed = to_typed(fn)
        except (ParameterTypeError, ParameterValueError) as error:
            raise at_site(error, msg["name"]) from None
        if not is_typed(typed):
            warn_unchecked(type(cast(object, fn)))
        msg["fn"] = typed
