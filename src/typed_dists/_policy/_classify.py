"""The acceptance policy: what an argument is, and whether a parameter takes it.

Every path that accepts or rejects a value asks this module, so that the
policy is written once:

- a constructor's arguments (`check_arguments`);
- the fields of a module rebuilt from its leaves (`check_stored`);
- the value given to `log_prob`, `cdf` or `icdf` (`check_value`);
- the hint an error message gives (`problem`).

`classify` says what an argument is (its *source*: a Python number, a NumPy
scalar, an array, a masked array, a sequence, ...) and the kind of its
elements (float, int, bool, complex, float0, ...). `accepts` is the policy
itself, for a parameter of a given kind:

- a float parameter takes Python `float` and `int` (weakly typed, PEP 484's
  numeric tower) and NumPy/JAX floating arrays and scalars of any width,
  tracers of those included;
- an integer parameter (a count, never differentiated) takes Python `int`
  and `float` and NumPy/JAX integer and floating arrays and scalars, as
  NumPyro does (counts loaded from data are often floats); its values must
  be whole numbers, which the promotion checks where they are concrete;
- a bool parameter takes Python and NumPy bools and bool arrays.

Everything else is rejected: bool, complex and float0 arrays where they are
not the parameter's kind, NumPy's extended precision, masked arrays,
strings, `None`, lists and tuples, and other objects.
"""

from __future__ import annotations

import functools
from typing import Any, Literal, NamedTuple, TypeAlias, TypeGuard, cast

import jax
import jax.core
import jax.numpy as jnp
import numpy as np

__all__ = [
    "Argument",
    "Kind",
    "accepts",
    "accepts_value",
    "classify",
    "dtype_kind",
    "is_global",
    "is_tracer",
    "problem",
]

Kind: TypeAlias = Literal["float", "int", "bool"]
"""The element kind a parameter declares (`Float[...]`, `Int[...]`, `Bool[...]`)."""

Source: TypeAlias = Literal[
    "number",  # a Python bool, int, float or complex (np.float64 is a float)
    "numpy-scalar",  # any other NumPy scalar (np.int64(1), np.float32(1.0))
    "array",  # a JAX array (tracers too) or a NumPy array
    "masked",  # a NumPy masked array
    "sequence",  # a list or tuple
    "none",
    "string",
    "other",
]


class Argument(NamedTuple):
    """What `classify` says of an argument."""

    source: Source
    kind: str
    """'float', 'int', 'bool', 'complex', 'float0', 'longdouble' (NumPy's
    extended precision, which JAX cannot hold) or 'other'."""


@functools.cache
def dtype_kind(dtype: np.dtype[Any]) -> str:
    """The kind of a dtype's elements (see `Argument.kind`)."""
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


def is_tracer(value: object) -> bool:
    """Whether `value` is a JAX tracer (inside `jit`, `vmap`, `grad`, ...)."""
    return isinstance(value, jax.core.Tracer)


def is_global(value: object) -> TypeGuard[jax.Array]:
    """Whether `value` is a JAX array with shards on other processes' devices
    (a globally sharded array of a multi-process program): its values cannot
    be read here, only computed on by every process together."""
    return isinstance(value, jax.Array) and not value.is_fully_addressable


_NUMBERS: dict[type, Argument] = {
    bool: Argument("number", "bool"),
    int: Argument("number", "int"),
    float: Argument("number", "float"),
    complex: Argument("number", "complex"),
}


def classify(value: object) -> Argument:
    """Say what `value` is: its source and the kind of its elements."""
    number = _NUMBERS.get(type(value))
    if number is not None:
        return number
    if isinstance(value, bool | np.bool_):
        source: Source = "number" if isinstance(value, bool) else "numpy-scalar"
        return Argument(source, "bool")
    if isinstance(value, int):  # an int subclass
        return _NUMBERS[int]
    if isinstance(value, float):  # np.float64 too: NumPy makes it a float
        return _NUMBERS[float]
    if isinstance(value, np.generic):
        return Argument("numpy-scalar", dtype_kind(cast(Any, value).dtype))
    if isinstance(value, np.ma.MaskedArray):
        return Argument("masked", dtype_kind(cast(Any, value).dtype))
    if isinstance(value, jax.Array | np.ndarray):
        return Argument("array", dtype_kind(cast(Any, value).dtype))
    if value is None:
        return Argument("none", "other")
    if isinstance(value, list | tuple):
        return Argument("sequence", "other")
    if isinstance(value, complex):
        return _NUMBERS[complex]
    if isinstance(value, str):
        return Argument("string", "other")
    return Argument("other", "other")


def accepts(kind: Kind, argument: Argument) -> bool:
    """Whether a parameter of element kind `kind` takes `argument`.

    The one statement of the dtype policy (see the module docstring); the
    constructor, the check of rebuilt modules and the error hints all ask it.
    Shapes are checked separately, against the parameter's annotation.
    """
    if argument.source not in ("number", "numpy-scalar", "array"):
        return False
    if kind == "int":
        return argument.kind in ("int", "float")
    if argument.source == "number":
        return argument.kind == kind or (kind == "float" and argument.kind == "int")
    return argument.kind == kind


def accepts_value(argument: Argument) -> bool:
    """Whether `log_prob`, `cdf` or `icdf` takes `argument` as its value.

    Real numbers and arrays of any real or bool dtype: their values are
    NumPyro's to judge (outside the support, `log_prob` is `-inf`).
    """
    return argument.source in ("number", "numpy-scalar", "array", "masked") and (
        argument.kind in ("float", "int", "bool")
    )


def problem(argument: Argument) -> str:
    """The name of the fix-it hint for a rejected argument (see `_messages`)."""
    source, kind = argument
    if source in ("none", "masked", "sequence"):
        return source
    if source == "number":
        return kind if kind in ("bool", "float", "complex") else "other"
    if source == "numpy-scalar" and kind == "int":
        return "numpy-int"
    if source in ("numpy-scalar", "array"):
        return kind
    return "other"
