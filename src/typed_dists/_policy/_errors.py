"""The exceptions typed_dists raises for bad constructor arguments."""

from __future__ import annotations

from typing import TypeVar

from jaxtyping import TypeCheckError

__all__ = [
    "located",
    "ParameterAssertionError",
    "ParameterTypeError",
    "ParameterValueError",
    "ValueTypeError",
]


class _Located:
    """Where a parameter error was found, for tools that report it (the
    model checks of `typed_dists.check_model`); `None` where not known."""

    distribution: str | None = None
    """The distribution's class name, e.g. `"Normal"`."""
    parameter: str | None = None
    """The parameter's name, dotted through inner distributions
    (`"base_dist.loc"`)."""
    site: str | None = None
    """The NumPyro sample site, when raised under `handlers.typecheck`."""


class ParameterTypeError(_Located, TypeCheckError):
    """A constructor argument has the wrong kind, dtype or shape.

    Raised at construction (at trace time under `jax.jit`), before NumPyro sees
    the argument. It subclasses `jaxtyping.TypeCheckError` and so `TypeError`:
    code that catches either keeps working. The message names the distribution,
    the parameter, what was expected and what arrived, then says how to fix
    the call. The attributes `distribution`, `parameter` and `site` say the
    same for tools.
    """


class ParameterValueError(_Located, ValueError):
    """A concrete constructor argument violates its parameter's constraint.

    For example `probs=1.5` (outside the unit interval) or `scale=-1.0`. Like
    NumPyro's own validation it is checked only for concrete values and only
    while validation is enabled (`validate_args`, or
    `numpyro.enable_validation`); traced values inside `jax.jit` are skipped.
    The attributes `distribution`, `parameter` and `site` name where it was
    found.
    """


class ParameterAssertionError(ParameterValueError, AssertionError):
    """A `ParameterValueError` for an argument check NumPyro makes with `assert`.

    Some NumPyro constructors check their arguments with `assert` statements
    (a mixture's component support, `SineSkewed`'s skewness against its base).
    typed_dists reports them like its other value errors, naming the
    distribution and its arguments; being also an `AssertionError`, the error
    is still caught by code written against NumPyro (`except AssertionError`,
    `pytest.raises(AssertionError)`).
    """


class ValueTypeError(TypeError):
    """A value given to `log_prob`, `cdf` or `icdf` is of the wrong kind.

    For example a string, `None`, a complex or a float0 array. Values of the
    right kind outside the support are not errors: as in NumPyro, their
    log-density is `-inf` (with a warning when validation is on and the value
    is concrete).
    """


_E = TypeVar("_E", bound=_Located)


def located(
    error: _E,
    distribution: str | None = None,
    parameter: str | None = None,
    site: str | None = None,
) -> _E:
    """`error`, with the given parts of where it was found set on it."""
    if distribution is not None:
        error.distribution = distribution
    if parameter is not None:
        error.parameter = parameter
    if site is not None:
        error.site = site
    return error
