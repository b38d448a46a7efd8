"""Promotion: the one floating dtype that float parameters are stored as.

Which arguments a parameter accepts is `_classify`'s; this module turns
accepted ones into what is stored: float parameters as strongly typed JAX
arrays of one common float dtype, integer parameters as JAX arrays of the
default integer dtype. It also holds the static aliases `FloatLike`,
`IntLike` and `BoolLike`, what type checkers see of each parameter.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeAlias, cast

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .._core._meta import trace_state_clean
from ._classify import is_global, is_tracer

__all__ = [
    "NotWholeNumberError",
    "BoolLike",
    "FloatLike",
    "IntLike",
    "as_float_dtype",
    "as_float_dtypes",
    "clear_caches",
    "common_float_dtype",
    "host_constant",
    "standard_float",
    "to_int_array",
]

FloatLike: TypeAlias = ArrayLike
"""What a float parameter accepts, for static type checkers: JAX's `ArrayLike`.

That is what NumPyro annotates its own parameters with, and what
`numpyro.sample` and `numpyro.param` return, so model code that passes a
sampled value on (`Normal(mu, 1.0)`) type-checks as it does with NumPyro. A
string, `None` or a list is a static error. The dtype is a run-time check: an
integer, bool or complex array is rejected at construction.
"""

IntLike: TypeAlias = ArrayLike
"""What an integer parameter (such as `total_count`) accepts, statically
(`ArrayLike`). At run time it takes integers and whole-number floats (as
NumPyro does), stored as the default integer dtype; bool, complex and float0
arrays are rejected."""

BoolLike: TypeAlias = ArrayLike
"""What an indicator parameter (such as a censoring flag or a mask) accepts,
statically (`ArrayLike`); the bool dtype is checked at run time."""


def common_float_dtype(values: list[object]) -> np.dtype[Any]:
    """The one floating dtype that checked float parameters are promoted to.

    Python numbers arrive here as `float`. The common dtype is JAX's promotion
    of the inputs, with Python numbers weakly typed: the default float dtype
    (float32, or float64 under `jax_enable_x64`) unless the user passed a
    float array, in which case its width is kept (two float16 arrays stay
    float16). `as_float_dtype` converts each parameter; the results are
    strongly typed, so later arithmetic does not silently change their width.
    """
    # JAX promotes the 8- and 4-bit floats with nothing else (and NumPyro's
    # math does not run in them): they join the others' dtype, or the default.
    standard = [v for v in values if not _narrow_float(v)]
    if all(isinstance(v, float) for v in standard):
        return jnp.dtype(jnp.result_type(float))
    return jnp.dtype(jnp.result_type(*standard))


_STANDARD_FLOATS = frozenset(
    np.dtype(t) for t in (jnp.float16, jnp.bfloat16, jnp.float32, jnp.float64)
)


def _narrow_float(value: object) -> bool:
    """An array of a float dtype outside float16/bfloat16/float32/float64."""
    dtype = getattr(value, "dtype", None)
    return (
        isinstance(value, jax.Array | np.ndarray)
        and dtype is not None
        and dtype not in _STANDARD_FLOATS
    )


def standard_float(dtype: np.dtype[Any]) -> bool:
    """Whether `dtype` is float16, bfloat16, float32 or float64."""
    return dtype in _STANDARD_FLOATS


def as_float_dtype(value: object, dtype: np.dtype[Any]) -> jax.Array:
    """A checked float parameter (Python numbers as `float`) as a strongly
    typed JAX array of `dtype`; the value itself when it already is one."""
    return as_float_dtypes([value], dtype)[0]


def as_float_dtypes(values: list[object], dtype: np.dtype[Any]) -> list[jax.Array]:
    """`as_float_dtype` of each value, the arrays that need it converted together.

    Eagerly, NumPy arrays and JAX arrays of another dtype or weakly typed
    are converted in one compiled call (a single dispatch, about 8 us, where
    `jnp.asarray` costs 40-60 us per array); the values are those
    `jnp.asarray` gives (the same rounding). Inside a trace each goes through
    `jnp.asarray`, as before, so that the traced program is unchanged.
    """
    out: list[jax.Array | None] = []
    pending: list[int] = []
    for value in values:
        if isinstance(value, float):
            out.append(_constant(value, dtype))
        elif (
            isinstance(value, jax.Array)
            and value.dtype == dtype
            and not cast(Any, value).weak_type
        ):
            out.append(value)  # already what we store: no copy, no dispatch
        else:
            out.append(None)
            pending.append(len(out) - 1)
    if not pending:
        return cast("list[jax.Array]", out)
    todo = [values[i] for i in pending]
    if trace_state_clean() and not any(is_tracer(v) or is_global(v) for v in todo):
        converted = list(_convert(dtype, *todo))
    else:
        converted = [jnp.asarray(v, dtype=dtype) for v in todo]
    for index, array in zip(pending, converted, strict=True):
        out[index] = array
    return cast("list[jax.Array]", out)


def _convert_body(dtype: np.dtype[Any], *values: jax.Array) -> tuple[jax.Array, ...]:
    return tuple(jax.lax.convert_element_type(v, dtype) for v in values)


_convert = cast(
    Callable[..., tuple[jax.Array, ...]], jax.jit(_convert_body, static_argnums=0)
)


def _constant(value: float, dtype: np.dtype[Any]) -> jax.Array:
    # The sign is part of the key: 0.0 == -0.0, but they are different floats.
    return _number_array(value, math.copysign(1.0, value), dtype)


def _number_array(value: float | int, sign: float, dtype: np.dtype[Any]) -> jax.Array:
    """A Python number as a 0-d JAX array of `dtype`.

    Inside `jax.jit` (or any other trace) the number enters the program as a
    literal, as NumPyro's arithmetic on a Python number makes it: a cached
    array would be a captured constant instead, and XLA, given that other
    graph, may fold constants in another order (results off by a rounding,
    whole programs not NumPyro's). Eagerly, the array is cached; when JAX
    cannot tell whether a trace is active, it is made afresh each time.
    """
    if trace_state_clean():  # None when JAX cannot say: never from the cache
        return _cached_constant(value, sign, dtype)
    return jnp.asarray(value, dtype=dtype)


@functools.lru_cache(maxsize=512)
def _cached_constant(
    value: float | int, sign: float, dtype: np.dtype[Any]
) -> jax.Array:
    """A Python number as a 0-d JAX array, shared between distributions.

    JAX arrays are immutable, so `Normal(0.0, 1.0)` can reuse the same `0.0`
    and `1.0` arrays; creating one costs a dispatch (about 0.1 ms eagerly).
    Only asked for eagerly; made concrete all the same, so that a cached
    tracer could never leak out of a trace.
    """
    with jax.ensure_compile_time_eval():
        return jnp.asarray(value, dtype=dtype)


def host_constant(array: np.ndarray[Any, Any]) -> jax.Array:
    """A NumPy array that NumPyro made from a number typed_dists gave it as a
    0-d NumPy array (reshaped by its `promote_shapes`, or kept), as a JAX
    array of the same dtype and shape. One element: shared between
    distributions, as `_cached_constant`'s numbers are; else converted."""
    if array.size == 1:
        return _cached_host(array.tobytes(), array.dtype, array.shape)
    return jnp.asarray(array)


@functools.lru_cache(maxsize=512)
def _cached_host(
    data: bytes, dtype: np.dtype[Any], shape: tuple[int, ...]
) -> jax.Array:
    with jax.ensure_compile_time_eval():
        return jnp.asarray(np.frombuffer(data, dtype=dtype).reshape(shape))


def clear_caches() -> None:
    """Release the JAX arrays typed_dists keeps for Python numbers.

    An eager construction from Python numbers (`Normal(0.0, 1.0)`) reuses one
    0-d JAX array per distinct number and dtype, from a cache of at most 512
    (and, for a number NumPyro reshapes beside array parameters, one array
    per number, dtype and shape, from another such cache):
    making the array afresh costs about 60 us, three times NumPyro's whole
    construction of a `Normal`. Those arrays are listed by
    `jax.live_arrays()`; call this to release them, as `jax.clear_caches()`
    and `equinox.clear_caches()` release JAX's and Equinox's caches (e.g.
    before a check that no arrays leaked). Distributions already built keep
    the arrays they hold.
    """
    _cached_constant.cache_clear()
    _cached_host.cache_clear()


class NotWholeNumberError(ValueError):
    """A float given for an integer parameter holds a value that is not a
    whole number the default integer dtype can hold (the caller names the
    parameter)."""


def to_int_array(value: object) -> jax.Array:
    """Convert a checked integer parameter to the default integer dtype.

    int32, or int64 under `jax_enable_x64`, whatever the input width: NumPyro's
    integer code paths assume it (its binomial sampler fails on an int32
    `total_count` under x64), and counts lose nothing by it. Floats (counts
    read from data often are) are converted too, once their values are known
    to be whole numbers in range; traced floats are converted as they are.

    **Raises:** `NotWholeNumberError` for a concrete float that is not a whole
    number, or is beyond the integer dtype's range.
    """
    dtype = jnp.dtype(jnp.result_type(int))
    if type(value) is int:
        return _number_array(value, 1.0, dtype)
    if isinstance(value, jax.Array) and value.dtype == dtype:
        return value  # already what we store: no copy, no dispatch
    if isinstance(value, float):
        if not value.is_integer() or not _in_range(np.asarray(value), dtype):
            raise NotWholeNumberError(value)
        return _number_array(int(value), 1.0, dtype)
    kind = getattr(value, "dtype", None)
    if kind is not None and jnp.issubdtype(kind, jnp.floating) and not is_tracer(value):
        if is_global(value):
            # Sharded over processes: checked by all of them together.
            # (JAX types a jitted function's results as unknown.)
            check = cast(
                Callable[[jax.Array], jax.Array],
                jax.jit(functools.partial(_whole, dtype=dtype)),
            )
            whole = check(value)
            if not bool(whole):
                raise NotWholeNumberError(value)
        else:
            array = np.asarray(value, dtype=np.float64)
            if not (np.all(np.mod(array, 1.0) == 0.0) and _in_range(array, dtype)):
                raise NotWholeNumberError(value)
    return jnp.asarray(value, dtype=dtype)


def _whole(array: jax.Array, dtype: np.dtype[Any]) -> jax.Array:
    """Whether every element is a whole number `dtype` can hold (in JAX)."""
    info = np.iinfo(dtype)
    return jnp.all(
        (jnp.mod(array, 1.0) == 0.0) & (array >= info.min) & (array <= info.max)
    )


def _in_range(array: np.ndarray[Any, Any], dtype: np.dtype[Any]) -> bool:
    info = np.iinfo(dtype)
    return bool(np.all((array >= info.min) & (array <= info.max)))
