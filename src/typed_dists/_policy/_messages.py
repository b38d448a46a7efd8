"""The words of every rejection: what was expected, what arrived, how to fix it.

Each error names the distribution and the parameter, says what the parameter
expected and what arrived (`describe`, in the style `int32[3] (JAX array)`),
then gives the hint for that kind of mistake: the hint tables are keyed by
`problem(classify(value))`, so they follow the one acceptance policy.
"""

from __future__ import annotations

from typing import Any, cast

import jax
import numpy as np

from ._classify import Kind, classify, is_tracer, problem
from ._errors import ParameterTypeError, ParameterValueError, ValueTypeError, located
from ._specs import ParameterSpec

__all__ = [
    "describe",
    "option_error",
    "overflow_error",
    "shape_error",
    "stored_error",
    "type_error",
    "value_type_error",
    "whole_number_error",
]


def _dtype_name(dtype: np.dtype[Any]) -> str:
    return "float0" if dtype == jax.dtypes.float0 else str(dtype)


def describe(value: object) -> str:
    """Say what a value is, in the style `int32[3]`, for error messages."""
    name = type(value).__name__
    if isinstance(value, jax.Array | np.ndarray):
        array = cast(Any, value)
        shape = ",".join(str(n) for n in array.shape)
        where = (
            "a traced value inside jit/vmap/grad"
            if is_tracer(array)
            else "JAX array"
            if isinstance(array, jax.Array)
            else "NumPy array"
        )
        return f"{_dtype_name(array.dtype)}[{shape}] ({where})"
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


_FLOAT0 = (
    "float0 is the tangent type JAX gives integer inputs (for example the "
    "output of `jax.grad(..., allow_int=True)`); it holds no numbers. Pass "
    "the {what} itself, not a gradient of an integer input."
)
_SEQUENCE = (
    "Lists and tuples are not arrays; convert them first, e.g. "
    "`jnp.asarray({{name}}, dtype={dtype})`."
)
_NONE = "`None` is not a value for this parameter; pass a number or an array."
_MASKED = (
    "A masked array's mask would be ignored; pass `{name}.filled(...)`, or "
    "mask the distribution instead (`.mask(...)`)."
)

_HINTS: dict[Kind, dict[str, str]] = {
    "float": {
        "int": (
            "Integer arrays carry no gradient: JAX gives them float0 tangents, so "
            "`jax.grad` refuses them or returns a meaningless float0 'gradient'. "
            "Pass floats, e.g. `{name}.astype(float)` or "
            "`jnp.asarray({name}, dtype=float)`."
        ),
        "bool": (
            "Bool arrays carry no gradient. Pass floats, e.g. `{name}.astype(float)`."
        ),
        "complex": (
            "Complex parameters are not supported; pass the real part explicitly, "
            "e.g. `{name}.real`."
        ),
        "float0": _FLOAT0.format(what="float parameter"),
        "numpy-int": (
            "A NumPy integer scalar is an integer array; pass `float({name})` or a "
            "floating array instead."
        ),
        "sequence": _SEQUENCE.format(dtype="float"),
        "none": _NONE,
        "masked": _MASKED,
        "longdouble": (
            "NumPy's extended precision (long double) is not a JAX dtype; pass "
            "`{name}.astype(np.float64)`."
        ),
        "other": "Pass a Python number or a NumPy/JAX floating array.",
    },
    "int": {
        "bool": "Pass a Python int or an integer array, not booleans.",
        "complex": "Pass a Python int or an integer array.",
        "float0": _FLOAT0.format(what="integer parameter"),
        "sequence": _SEQUENCE.format(dtype="int"),
        "none": _NONE,
        "masked": _MASKED,
        "other": (
            "Pass a Python int, or a NumPy/JAX integer or whole-number float array."
        ),
    },
    "bool": {
        "float": (
            "This parameter is an indicator (True/False per element); pass a bool "
            "array, e.g. `{name}.astype(bool)` or `{name} > 0`."
        ),
        "int": (
            "This parameter is an indicator (True/False per element); pass a bool "
            "array, e.g. `{name}.astype(bool)`."
        ),
        "numpy-int": "Pass a Python bool or a bool array.",
        "float0": _FLOAT0.format(what="indicator"),
        "sequence": _SEQUENCE.format(dtype="bool"),
        "none": _NONE,
        "masked": _MASKED,
        "other": "Pass a Python bool or a NumPy/JAX bool array.",
    },
}

_VALUE_HINTS = {
    "none": "Pass the value whose density you want, as a number or an array.",
    "sequence": "Lists and tuples are not arrays; pass `jnp.asarray(value)`.",
    "complex": "Densities are defined for real values; pass `value.real`.",
    "float0": _FLOAT0.format(what="value"),
    "other": "Pass a Python number or a NumPy/JAX array of real numbers.",
}

_EXPECTED: dict[Kind, str] = {
    "float": "a floating-point array or Python number",
    "int": "an integer or whole-number array or Python number",
    "bool": "a bool array or Python bool",
}


def _hint(kind: Kind, name: str, value: object) -> str:
    table = _HINTS[kind]
    return table.get(problem(classify(value)), table["other"]).format(name=name)


def _expected(spec: ParameterSpec) -> str:
    shapes = " or ".join(repr(d) for d in spec.dims)
    return f"{_EXPECTED[spec.kind]} of shape {shapes}"


def type_error(owner: str, spec: ParameterSpec, value: object) -> ParameterTypeError:
    """A constructor argument of a kind or dtype the parameter does not take."""
    error = ParameterTypeError(
        f"{owner}: parameter `{spec.name}` expected {_expected(spec)}, "
        f"got {describe(value)}.\n{_hint(spec.kind, spec.name, value)}"
    )
    return located(error, owner, spec.name)


def shape_error(
    owner: str,
    spec: ParameterSpec,
    value: object,
    checked: list[tuple[ParameterSpec, object]],
) -> ParameterTypeError:
    """A constructor argument whose shape does not fit (`checked`: the
    parameters accepted before it, in the same call)."""
    shape = getattr(value, "shape", ())
    fixed = min(
        len([d for d in dims.split() if not d.startswith(("*", "#*", "..."))])
        for dims in spec.dims
    )
    if len(shape) < fixed:
        detail = f"it needs at least {fixed} dimension(s)"
    elif checked:
        others = ", ".join(
            f"`{s.name}` {describe(v)} ({' or '.join(map(repr, s.dims))})"
            for s, v in checked
        )
        detail = (
            f"it does not fit the parameters before it: {others}. Batch "
            "dimensions must broadcast against each other and named dimensions "
            "must agree"
        )
    else:
        detail = "its dimensions do not match"
    error = ParameterTypeError(
        f"{owner}: parameter `{spec.name}` expected {_expected(spec)}, "
        f"got {describe(value)}: {detail}.\nCheck the shapes you passed."
    )
    return located(error, owner, spec.name)


def overflow_error(
    owner: str, spec: ParameterSpec, value: object, error: OverflowError
) -> ParameterValueError:
    """A Python int beyond the range of every floating-point dtype."""
    return located(
        ParameterValueError(
            f"{owner}: parameter `{spec.name}` got {describe(value)}, "
            f"which no floating-point dtype can hold ({error})."
        ),
        owner,
        spec.name,
    )


def whole_number_error(
    owner: str, spec: ParameterSpec, value: object
) -> ParameterValueError:
    """A float for an integer parameter that is not a whole number in range."""
    error = ParameterValueError(
        f"{owner}: parameter `{spec.name}` counts things and takes whole "
        f"numbers; got {describe(value)} with a value that is not a whole "
        "number the default integer dtype can hold.\nRound it first, e.g. "
        f"`jnp.round({spec.name})`, if that is what you mean."
    )
    return located(error, owner, spec.name)


def option_error(
    owner: str, name: str, annotation: object, value: object
) -> ParameterTypeError:
    """A configuration argument (not an array) of the wrong type."""
    if isinstance(annotation, type):
        expected = annotation.__name__
    else:
        expected = str(annotation).replace("typing.", "")
    return ParameterTypeError(
        f"{owner}: option `{name}` expected {expected}, got {describe(value)}."
    )


def stored_error(
    owner: str, kind: Kind, name: str, value: object
) -> ParameterTypeError:
    """A field of a module rebuilt from its leaves that holds the wrong kind."""
    what = {
        "float": "a floating-point array",
        "int": "an integer array",
        "bool": "a bool array",
    }[kind]
    error = ParameterTypeError(
        f"{owner}: parameter `{name}` holds {describe(value)}, but {owner} "
        f"stores {what} there.\nThis module was rebuilt from its leaves "
        "(`eqx.tree_at`, `jax.tree.map`, unflattening, a gradient), which "
        f"skips the constructor's checks; use `.replace({name}=...)` to "
        f"change a parameter with the checks. {_hint(kind, name, value)}"
    )
    return located(error, owner, name)


def value_type_error(owner: str, method: str, value: object) -> ValueTypeError:
    """A value given to `log_prob`, `cdf` or `icdf` that is not real."""
    hint = _VALUE_HINTS.get(problem(classify(value)), _VALUE_HINTS["other"])
    return ValueTypeError(
        f"{owner}.{method}: `value` expected a real number or array, got "
        f"{describe(value)}.\n{hint}"
    )
