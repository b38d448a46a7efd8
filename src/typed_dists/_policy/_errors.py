"""The exceptions typed_dists raises for bad constructor arguments."""

from __future__ import annotations

from jaxtyping import TypeCheckError

__all__ = ["ParameterTypeError", "ParameterValueError"]


class ParameterTypeError(TypeCheckError):
    """A constructor argument has the wrong kind, dtype or shape.

    Raised at construction (at trace time under `jax.jit`), before NumPyro sees
    the argument. It subclasses `jaxtyping.TypeCheckError` and so `TypeError`:
    code that catches either keeps working. The message names the distribution,
    the parameter, what was expected and what arrived, then says how to fix
    the call.
    """


class ParameterValueError(ValueError):
    """A concrete constructor argument violates its parameter's constraint.

    For example `probs=1.5` (outside the unit interval) or `scale=-1.0`. Like
    NumPyro's own validation it is checked only for concrete values and only
    while validation is enabled (`validate_args`, or
    `numpyro.enable_validation`); traced values inside `jax.jit` are skipped.
    """
