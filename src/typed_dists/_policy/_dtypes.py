"""The dtype policy: what a parameter accepts, and the one dtype it is stored as.

Accepted for a float parameter: Python `float` and `int` literals (weakly typed
constants, as in PEP 484's numeric tower), NumPy and JAX floating arrays and
scalars of any float width, and tracers of those. Rejected: integer, unsigned,
bool, complex and `float0` arrays, NumPy integer scalars, integer tracers,
strings, `None`, lists and any other object.

Accepted for an integer parameter (such as Binomial's `total_count`): Python
`int`, NumPy integer scalars and arrays, JAX integer arrays and tracers.
"""

from __future__ import annotations

import functools
import importlib
import math
from collections.abc import Callable
from typing import Any, Literal, TypeAlias, cast

import jax
import jax.core
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

__all__ = [
    "BoolLike",
    "FloatLike",
    "IntLike",
    "Kind",
    "as_float_dtype",
    "common_float_dtype",
    "describe",
    "dtype_kind",
    "is_tracer",
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
(`ArrayLike`); the integer dtype is checked at run time."""

BoolLike: TypeAlias = ArrayLike
"""What an indicator parameter (such as a censoring flag or a mask) accepts,
statically (`ArrayLike`); the bool dtype is checked at run time."""

Kind = Literal["float", "int", "bool"]


def dtype_kind(dtype: np.dtype[Any]) -> str:
    """Classify a dtype as 'float', 'int', 'bool', 'complex', 'float0',
    'longdouble' (NumPy's extended precision, which JAX cannot hold) or
    'other'."""
    if dtype == jax.dtypes.float0:
        return "float0"
    if dtype == np.bool_:
        return "bool"
    if dtype == np.longdouble and np.dtype(np.longdouble) != np.float64:
        return "longdouble"
    if jnp.issubdtype(dtype, jnp.floating):
        return "float"
    if jnp.issubdtype(dtype, jnp.integer):
        return "int"
    if jnp.issubdtype(dtype, jnp.complexfloating):
        return "complex"
    return "other"


def _dtype_name(dtype: np.dtype[Any]) -> str:
    return "float0" if dtype == jax.dtypes.float0 else str(dtype)


def _shape_text(shape: tuple[int, ...]) -> str:
    return ",".join(str(n) for n in shape)


def is_tracer(value: object) -> bool:
    """Whether `value` is a JAX tracer (inside `jit`, `vmap`, `grad`, ...)."""
    return isinstance(value, jax.core.Tracer)


def describe(value: object) -> str:
    """Say what a value is, in the style `int32[3]`, for error messages."""
    name = type(value).__name__
    if isinstance(value, jax.Array | np.ndarray):
        array = cast(Any, value)
        shape: tuple[int, ...] = tuple(array.shape)
        dtype: np.dtype[Any] = array.dtype
        where = (
            "a traced value inside jit/vmap/grad"
            if is_tracer(array)
            else "JAX array"
            if isinstance(array, jax.Array)
            else "NumPy array"
        )
        return f"{_dtype_name(dtype)}[{_shape_text(shape)}] ({where})"
    if isinstance(value, np.generic):
        return f"NumPy scalar {name}({cast(Any, value)!r})"
    if value is None:
        return "None"
    if isinstance(value, bool | int | float | complex):
        text = repr(value)
        text = text if len(text) <= 20 else f"{text[:17]}... ({len(text)} digits)"
        return f"Python {name} {text}"
    if isinstance(value, str):
        text = value if len(value) <= 20 else value[:17] + "..."
        return f"str {text!r}"
    if isinstance(value, list | tuple):
        return f"{name} of length {len(cast(Any, value))}"
    return f"object of type {type(value).__module__}.{type(value).__qualname__}"


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
    if isinstance(value, float):
        return _constant(value, dtype)
    if (
        isinstance(value, jax.Array)
        and value.dtype == dtype
        and not cast(Any, value).weak_type
    ):
        return value  # already what we store: no copy, no dispatch
    return jnp.asarray(value, dtype=dtype)


def _constant(value: float, dtype: np.dtype[Any]) -> jax.Array:
    # The sign is part of the key: 0.0 == -0.0, but they are different floats.
    return _number_array(value, math.copysign(1.0, value), dtype)


# JAX has no public test for "no trace is active"; without this private one
# (a later JAX may move it), Python numbers are always cached constants.
_trace_state_clean: Callable[[], bool] | None = getattr(
    importlib.import_module("jax._src.core"), "trace_state_clean", None
)


def _number_array(value: float | int, sign: float, dtype: np.dtype[Any]) -> jax.Array:
    """A Python number as a 0-d JAX array of `dtype`.

    Inside `jax.jit` (or any other trace) the number enters the program as a
    literal, as NumPyro's arithmetic on a Python number makes it: a cached
    array would be a captured constant instead, and XLA, given that other
    graph, may fold constants in another order (results off by a rounding,
    whole programs not NumPyro's). Eagerly, the array is cached.
    """
    if _trace_state_clean is not None and not _trace_state_clean():
        return jnp.asarray(value, dtype=dtype)
    return _cached_constant(value, sign, dtype)


@functools.lru_cache(maxsize=512)
def _cached_constant(
    value: float | int, sign: float, dtype: np.dtype[Any]
) -> jax.Array:
    """A Python number as a 0-d JAX array, shared between distributions.

    JAX arrays are immutable, so `Normal(0.0, 1.0)` can reuse the same `0.0`
    and `1.0` arrays; creating one costs a dispatch (about 0.1 ms eagerly).
    The array is always concrete, also when JAX cannot say whether a trace is
    active and it is first asked for inside `jax.jit` (a cached tracer would
    leak out of its trace); inside a trace it then enters the program as a
    constant.
    """
    with jax.ensure_compile_time_eval():
        return jnp.asarray(value, dtype=dtype)


def to_int_array(value: object) -> jax.Array:
    """Convert a checked integer parameter to the default integer dtype.

    int32, or int64 under `jax_enable_x64`, whatever the input width: NumPyro's
    integer code paths assume it (its binomial sampler fails on an int32
    `total_count` under x64), and counts lose nothing by it.
    """
    dtype = jnp.dtype(jnp.result_type(int))
    if type(value) is int:
        return _number_array(value, 1.0, dtype)
    if isinstance(value, jax.Array) and value.dtype == dtype:
        return value  # already what we store: no copy, no dispatch
    return jnp.asarray(value, dtype=dtype)
