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

from typing import Any, Literal, TypeAlias

import jax
import jax.numpy as jnp
import numpy as np
import numpy.typing as npt

__all__ = [
    "FloatLike",
    "IntLike",
    "Kind",
    "describe",
    "dtype_kind",
    "promote_floats",
    "to_int_array",
]

FloatLike: TypeAlias = (
    float | np.floating[Any] | npt.NDArray[np.floating[Any]] | jax.Array
)
"""What a float parameter accepts, for static type checkers.

Python `int` is accepted too (PEP 484's numeric tower). At runtime the dtype
is checked as well: a `jax.Array` of integers is rejected at construction.
"""

IntLike: TypeAlias = int | np.integer[Any] | npt.NDArray[np.integer[Any]] | jax.Array
"""What an integer parameter (such as `total_count`) accepts."""

Kind = Literal["float", "int"]


def dtype_kind(dtype: np.dtype[Any]) -> str:
    """Classify a dtype as 'float', 'int', 'bool', 'complex', 'float0' or 'other'."""
    if dtype == jax.dtypes.float0:
        return "float0"
    if dtype == np.bool_:
        return "bool"
    if jnp.issubdtype(dtype, jnp.floating):
        return "float"
    if jnp.issubdtype(dtype, jnp.integer):
        return "int"
    if jnp.issubdtype(dtype, jnp.complexfloating):
        return "complex"
    return "other"


def _dtype_name(dtype: np.dtype[Any]) -> str:
    return "float0" if dtype == jax.dtypes.float0 else str(dtype)


def describe(value: object) -> str:
    """Say what a value is, in the style `int32[3]`, for error messages."""
    if isinstance(value, jax.core.Tracer):
        aval = value.aval
        shape = ",".join(map(str, getattr(aval, "shape", ())))
        dtype = getattr(aval, "dtype", None)
        name = _dtype_name(dtype) if dtype is not None else type(value).__name__
        return f"{name}[{shape}] (a traced value inside jit/vmap/grad)"
    if isinstance(value, jax.Array):
        shape = ",".join(map(str, value.shape))
        return f"{_dtype_name(value.dtype)}[{shape}] (JAX array)"
    if isinstance(value, np.ndarray):
        shape = ",".join(map(str, value.shape))
        return f"{_dtype_name(value.dtype)}[{shape}] (NumPy array)"
    if isinstance(value, np.generic):
        return f"NumPy scalar {type(value).__name__}({value!r})"
    if value is None:
        return "None"
    if isinstance(value, bool | int | float | complex):
        return f"Python {type(value).__name__} {value!r}"
    if isinstance(value, str):
        text = value if len(value) <= 20 else value[:17] + "..."
        return f"str {text!r}"
    if isinstance(value, list | tuple):
        return f"{type(value).__name__} of length {len(value)}"
    return f"object of type {type(value).__module__}.{type(value).__qualname__}"


def promote_floats(values: list[object]) -> list[jax.Array]:
    """Convert checked float parameters to JAX arrays of one common dtype.

    Python numbers arrive here as `float`. The common dtype is JAX's promotion
    of the inputs, with Python numbers weakly typed: the default float dtype
    (float32, or float64 under `jax_enable_x64`) unless the user passed a
    float array, in which case its width is kept (two float16 arrays stay
    float16). The results are strongly typed, so later arithmetic does not
    silently change their width.
    """
    if not values:
        return []
    dtype = jnp.result_type(*values)
    return [jnp.asarray(v, dtype=dtype) for v in values]


def to_int_array(value: object) -> jax.Array:
    """Convert a checked integer parameter to a strongly typed JAX integer array."""
    if isinstance(value, int):
        return jnp.asarray(value, dtype=jnp.result_type(int))
    return jnp.asarray(value)
