"""Value checks: concrete parameters against their NumPyro constraints."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Generator, Mapping
from typing import Any, cast

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import multihost_utils
from numpyro.distributions import Distribution, constraints

from .._core._meta import numpyro_default_validation
from ._classify import dtype_kind, is_global, is_tracer
from ._errors import ParameterValueError, located

__all__ = [
    "check_values",
    "evaluate_constraint",
    "is_dependent",
    "guard_traced",
    "numpyro_validation_off",
    "validation_enabled",
]


def validation_enabled(validate_args: bool | None) -> bool:
    """Resolve `validate_args=None` to NumPyro's global default.

    NumPyro keeps that default on `Distribution` and changes it with
    `numpyro.enable_validation`; typed distributions follow the same switch.
    While `numpyro_validation_off()` holds it off (in any thread), the user's
    setting is the one it saved.
    """
    if validate_args is None:
        with _lock:
            if _depth:
                return _saved
            return numpyro_default_validation()
    return validate_args


_lock = threading.Lock()
_depth = 0
_saved = True


@contextlib.contextmanager
def numpyro_validation_off() -> Generator[None]:
    """Turn NumPyro's global validation off while a NumPyro object is built.

    Some NumPyro constructors build an inner distribution without passing
    `validate_args` on, so only the global switch stops it validating values
    typed_dists has already checked. The switch is global (a class attribute
    of NumPyro's `Distribution`): threads building at the same time share one
    off period, counted, and the first one's saved setting is restored by the
    last one out, so that concurrent constructions cannot leave it off.
    """
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = numpyro_default_validation()
            Distribution.set_default_validate_args(False)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                Distribution.set_default_validate_args(_saved)


def check_values(
    owner: str,
    arg_constraints: Mapping[str, constraints.Constraint[Any]],
    arguments: Mapping[str, object],
    built: object,
) -> None:
    """Check concrete arguments against their constraints, as NumPyro does.

    Traced values (inside `jax.jit`, `jax.vmap`, ...) are skipped, like NumPyro's
    own validation; dependent constraints (such as Uniform's `low < high`)
    cannot be checked on one parameter alone and are skipped too. An argument
    with fewer dimensions than its constraint's event (a scalar `loc` of a
    `MultivariateNormal`) is checked as NumPyro broadcast it: the attribute of
    the same name on `built`, the NumPyro distribution. Half-precision values
    are checked in float32, so that the constraints' tolerances (1e-6 for a
    simplex) are not rounded away.

    **Raises:** `ParameterValueError` naming `owner`, the parameter, the
    constraint, how many elements violate it and the index of the first.
    """
    for name, value in arguments.items():
        constraint = arg_constraints.get(name)
        if constraint is None or is_dependent(constraint):
            continue
        if is_tracer(value):
            continue
        if getattr(value, "ndim", 0) < constraint.event_dim:
            # NumPyro's broadcast of it, traced when another parameter is.
            value = getattr(built, name)
            if is_tracer(value):
                continue
        valid: np.ndarray | None
        if is_global(value):
            valid = _global_valid(constraint, value)
        else:
            # Concrete values are checked in NumPy: the same constraint,
            # without a JAX dispatch per operation (about 5 us, not 80 us).
            array = np.asarray(value)
            if array.size == 0:
                continue  # nothing to violate
            valid = evaluate_constraint(owner, name, constraint, array)
        if valid is None or valid.all():
            continue
        bad = np.argwhere(~valid)
        first = tuple(int(i) for i in bad[0])
        where = (
            f"{len(bad)} of {valid.size} elements violate it, the first at "
            f"index {first}"
            if valid.ndim
            else "the value violates it"
        )
        raise located(
            ParameterValueError(
                f"{owner}: parameter `{name}` must satisfy the constraint "
                f"{constraint!r}; {where}."
            ),
            owner,
            name,
        )


def _global_valid(
    constraint: constraints.Constraint[Any], value: jax.Array
) -> np.ndarray:
    """`constraint(value)` for an array sharded over several processes.

    Every process builds the distribution (the program is the same in each),
    so every process computes the constraint on the global array with the
    others and gathers the whole result: each then raises the same error, or
    none, and no process is left waiting for another in a later collective.
    """
    if value.dtype.itemsize < 4 and dtype_kind(value.dtype) == "float":
        value = value.astype(jnp.float32)

    def evaluate(array: jax.Array) -> jax.Array:
        return jnp.asarray(constraint(array), dtype=bool)

    # (JAX types a jitted function's results as unknown.)
    jitted = cast(Callable[[jax.Array], jax.Array], jax.jit(evaluate))
    valid = jitted(value)
    return np.asarray(multihost_utils.process_allgather(valid, tiled=True))


def is_dependent(constraint: constraints.Constraint[Any]) -> bool:
    """Whether a NumPyro constraint depends on other parameters (Uniform's
    `low < high`), and so cannot be checked on one value alone."""
    # NumPyro leaves `is_dependent` unannotated.
    return bool(constraints.is_dependent(constraint))  # type: ignore[no-untyped-call]


_STAGED = (
    jax.errors.ConcretizationTypeError,
    jax.errors.TracerArrayConversionError,
    jax.errors.TracerIntegerConversionError,
)


def evaluate_constraint(
    owner: str, name: str, constraint: constraints.Constraint[Any], array: np.ndarray
) -> np.ndarray | None:
    """`constraint(array)` as a NumPy bool array; None if it cannot be known.

    Some constraints use `jax.numpy`, whose operations on constants are staged
    into the program inside a trace: those are evaluated again at compile
    time (entering that mode costs about 5 us, so only when needed).

    Half-precision values are evaluated in float32, so that the constraints'
    tolerances (1e-6 for a simplex) are not rounded away.

    **Raises:** `ParameterValueError` when the constraint cannot be evaluated.
    """
    if array.dtype.itemsize < 4 and dtype_kind(array.dtype) == "float":
        array = array.astype(np.float32)
    try:
        try:
            valid = constraint(array)
        except _STAGED:
            valid = None  # it converted a staged result to a Python value
        if valid is None or is_tracer(valid):
            with jax.ensure_compile_time_eval():
                valid = constraint(array)
    except (ValueError, ArithmeticError) as error:
        # e.g. NumPy's eigenvalue solver, given NaN or inf entries.
        finite = "" if np.isfinite(array).all() else "; it has NaN or inf"
        raise located(
            ParameterValueError(
                f"{owner}: parameter `{name}` must satisfy the constraint "
                f"{constraint!r}, which could not be evaluated ({error}){finite}."
            ),
            owner,
            name,
        ) from error
    if is_tracer(valid):
        return None
    return np.asarray(valid)


def guard_traced(
    owner: str,
    arg_constraints: Mapping[str, constraints.Constraint[Any]],
    values: Mapping[str, Any],
) -> dict[str, Any]:
    """Tie each traced value to a run-time check of its constraint.

    The "checked" validation mode's check inside compiled code: each traced
    value with a (non-dependent) constraint is returned through
    `equinox.error_if`, so computing anything from it raises, naming `owner`
    and the parameter, when an element violates the constraint (NaN violates
    every constraint). Concrete values and unconstrained ones are returned
    unchanged; they are checked eagerly by `check_values`.

    In a multi-process program the check raises in every process: see
    `_check_in_every_process`.
    """
    guarded = dict(values)
    processes = jax.process_count()
    for name, value in values.items():
        constraint = arg_constraints.get(name)
        if constraint is None or is_dependent(constraint):
            continue
        if not is_tracer(value):
            continue
        bad = ~jnp.asarray(constraint(value), dtype=bool)
        message = (
            f"{owner}: parameter `{name}` violates its constraint "
            f"{constraint!r} (typed_dists validation mode 'checked')."
        )
        if processes > 1:
            _check_in_every_process(
                bad, located(ParameterValueError(message), owner, name)
            )
        else:
            guarded[name] = eqx.error_if(value, bad, message)
    return guarded


def _check_in_every_process(bad: jax.Array, error: ParameterValueError) -> None:
    """Raise `error` in every process of the program when an element is bad.

    `equinox.error_if` raises through a host callback that runs on one device
    only: in a program of several processes, that process stops and the
    others wait for it in their next collective, for ever. Here the verdict
    is reduced over every shard (a collective: the same in each process) and
    a callback on each device raises it, so every process stops at the same
    point of the same program.
    """

    def raise_if(any_bad: np.ndarray) -> None:
        if np.any(any_bad):
            raise error

    jax.debug.callback(raise_if, jnp.any(bad), partitioned=True)
