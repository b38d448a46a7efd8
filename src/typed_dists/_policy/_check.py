"""Checking arguments, stored fields and values against the policy.

`check_arguments` checks one constructor call: each array argument's kind and
dtype by the policy (`_classify.accepts`), then its shape with beartype
against the parameter's jaxtyping hint, inside one jaxtyping shape memo so
that `*#batch` and `n` bind across all parameters of the call; then it
promotes the float parameters to one dtype (`_dtypes`). `check_stored` checks
the fields of a module rebuilt from its leaves, and `check_value` what
`log_prob`, `cdf` and `icdf` are given. The words of each error are in
`_messages`.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any, cast

import jax
import jax.numpy as jnp
import jaxtyping
import numpy as np
from beartype.door import is_bearable

from ._classify import Kind, accepts, accepts_value, classify, dtype_kind
from ._dtypes import (
    NotWholeNumberError,
    as_float_dtypes,
    common_float_dtype,
    to_int_array,
)
from ._messages import (
    option_error,
    overflow_error,
    shape_error,
    stored_error,
    type_error,
    value_type_error,
    whole_number_error,
)
from ._specs import OptionSpec, ParameterSpec

__all__ = ["Accepted", "check_arguments", "check_stored", "check_value"]

Accepted = MutableMapping[tuple[object, ...], "np.dtype[Any] | None"]
"""Call signatures a class has accepted, and the float dtype of each (see
`check_arguments`); each typed class keeps its own."""

_MAX_SIGNATURES = 4096
_config: Any = jax.config  # its options are attributes unknown to checkers


def check_arguments(
    owner: str,
    specs: tuple[ParameterSpec, ...],
    options: tuple[OptionSpec, ...],
    arguments: Mapping[str, object],
    accepted: Accepted,
    *,
    shapes: bool = True,
) -> tuple[dict[str, object], np.dtype[Any] | None]:
    """Check and promote one constructor call's arguments.

    Returns the arguments to pass to NumPyro, and the common float dtype
    (`None` when there are no float parameters). Float parameters become JAX
    arrays of that dtype, integer parameters JAX integer arrays, bool
    parameters JAX bool arrays (Python bools stay as they are, since NumPyro
    treats them apart); options are unchanged. Optional parameters given as
    `None` are left out.

    With `shapes=False` (validation mode "off") only the kind and dtype of
    each parameter are checked, without beartype, and options are not checked.

    beartype's verdict depends only on each argument's type, dtype and shape
    (and an option's value or type), so it is remembered in `accepted` (the
    class's own) for each such signature (see `_signature`): a call like one
    seen before is promoted without calling beartype again. Only accepted
    signatures are remembered; a rejected call is checked afresh, for its
    message.

    **Raises:** `ParameterTypeError` naming `owner` and the parameter for a
    rejected kind or dtype, or for shapes that do not fit together;
    `ParameterValueError` for a Python int that no float dtype can hold.
    """
    key = _signature(specs, options, arguments, shapes)
    if key is not None and key in accepted:
        common = accepted[key]
        try:
            return _promote_all(specs, options, arguments, common), common
        except (OverflowError, NotWholeNumberError):
            pass  # a Python int beyond the float range, a count 2.5: reported below
    out, common = _check_arguments(owner, specs, options, arguments, shapes=shapes)
    if key is not None:
        if len(accepted) >= _MAX_SIGNATURES:
            accepted.clear()
        accepted[key] = common
    return out, common


_SIMPLE = (int, float, bool, str, type(None))


def _signature(
    specs: tuple[ParameterSpec, ...],
    options: tuple[OptionSpec, ...],
    arguments: Mapping[str, object],
    shapes: bool,
) -> tuple[object, ...] | None:
    """What beartype's verdict on one call, and its promotion, depend on.

    Python numbers by type; arrays (tracers too) by type, dtype, shape and
    JAX weak type; options by value when simple, list elements by type, other
    objects by type (their annotations are classes or `Callable`). `None` for
    anything else (NumPy scalars, strings, lists given as parameters, ...):
    such calls are always checked in full. The key also holds the `shapes`
    flag and JAX's x64 switch, which sets the default float dtype.
    """
    key: list[object] = [shapes, _config.jax_enable_x64]
    for spec in specs:
        value = arguments[spec.name]
        kind = type(value)
        if kind is float or kind is int or kind is bool or value is None:
            key.append(kind)
        elif isinstance(value, jax.Array):
            key.append((kind, value.dtype, value.shape, value.weak_type))
        elif kind is np.ndarray:
            key.append((kind, cast(Any, value).dtype, cast(Any, value).shape))
        else:
            return None
    for option in options:
        value = arguments[option.name]
        if isinstance(value, _SIMPLE):
            key.append((type(value), value))
        elif isinstance(value, tuple) and all(
            type(v) is int for v in cast("tuple[object, ...]", value)
        ):
            key.append((tuple, cast("tuple[int, ...]", value)))
        elif isinstance(value, list):
            key.append((list, *map(type, cast("list[object]", value))))
        elif not isinstance(value, tuple):
            key.append(type(value))
        else:
            return None
    return tuple(key)


def _promotable(kind: Kind, value: object) -> object:
    """An accepted argument as it is promoted: Python numbers as the Python
    number of the parameter's kind (weakly typed), NumPy scalars as 0-d arrays
    (strongly typed), arrays as they are.

    **Raises:** `OverflowError` for a Python int no float dtype can hold.
    """
    if isinstance(value, bool | np.bool_):
        return bool(cast(Any, value))
    if isinstance(value, int):
        return float(value) if kind == "float" else value
    if isinstance(value, float):
        return value
    if isinstance(value, np.generic):
        return np.asarray(cast(Any, value))
    return value


def _promote(kind: Kind, value: object) -> object:
    """A promotable integer or bool argument as stored: integers as JAX arrays
    of the default integer dtype, bools as JAX bool arrays (a Python bool
    stays one: NumPyro treats them apart). Floats: `_promote_floats`."""
    if kind == "int":
        return to_int_array(value)
    if isinstance(value, bool):
        return value
    return jnp.asarray(value, dtype=bool)


def _promote_floats(
    specs: tuple[ParameterSpec, ...],
    promotable: Mapping[str, object],
    dtype: np.dtype[Any] | None,
    out: dict[str, object],
) -> None:
    """Store the float parameters among `promotable` in `out`, as JAX arrays
    of `dtype`, converted together (`as_float_dtypes`)."""
    names = [s.name for s in specs if s.kind == "float" and s.name in promotable]
    if names:
        arrays = as_float_dtypes([promotable[n] for n in names], cast(Any, dtype))
        out.update(zip(names, arrays, strict=True))


def _promote_all(
    specs: tuple[ParameterSpec, ...],
    options: tuple[OptionSpec, ...],
    arguments: Mapping[str, object],
    dtype: np.dtype[Any] | None,
) -> dict[str, object]:
    """The promoted arguments of a call whose signature was accepted before."""
    promotable: dict[str, object] = {}
    for spec in specs:
        value = arguments[spec.name]
        if value is not None:  # optional: a required one was not accepted
            promotable[spec.name] = _promotable(spec.kind, value)
    floats: dict[str, object] = {}
    _promote_floats(specs, promotable, dtype, floats)
    out: dict[str, object] = {}
    for spec in specs:
        if spec.name in promotable:
            out[spec.name] = (
                floats[spec.name]
                if spec.kind == "float"
                else _promote(spec.kind, promotable[spec.name])
            )
    for option in options:
        out[option.name] = arguments[option.name]
    return out


_JAXTYPING_FLOATS = frozenset(cast(Any, jaxtyping.Float).dtypes)


def _checkable(value: object, kind: Kind) -> object:
    """What beartype checks for a promotable argument: Python numbers as 0-d
    NumPy arrays (jaxtyping does not check the dtype of a scalar); a
    stand-in of the same shape where the dtype was accepted by the policy
    but is not the annotation's (a whole-number float for an integer
    parameter, an int32 stand-in; a float dtype that jaxtyping's `Float` does
    not list, some 8-bit floats, a float32 one): its shape is still checked."""
    array = cast(
        Any, value if isinstance(value, jax.Array | np.ndarray) else np.asarray(value)
    )
    element = dtype_kind(array.dtype)
    if kind == "int" and element == "float":
        return np.broadcast_to(np.zeros((), np.int32), array.shape)
    if array.dtype.name in _JAXTYPING_FLOATS or element != "float":
        return array
    return np.broadcast_to(np.zeros((), np.float32), array.shape)


def _check_arguments(
    owner: str,
    specs: tuple[ParameterSpec, ...],
    options: tuple[OptionSpec, ...],
    arguments: Mapping[str, object],
    *,
    shapes: bool,
) -> tuple[dict[str, object], np.dtype[Any] | None]:
    """`check_arguments` in full, with beartype; also returns the float dtype."""
    promotable: dict[str, object] = {}
    checked: list[tuple[ParameterSpec, object]] = []
    with jaxtyping.jaxtyped("context"):
        for spec in specs:
            value = arguments[spec.name]
            if value is None and spec.optional:
                continue
            if not accepts(spec.kind, classify(value)):
                raise type_error(owner, spec, value)
            try:
                promotable[spec.name] = _promotable(spec.kind, value)
            except OverflowError as error:
                raise overflow_error(owner, spec, value, error) from error
            if shapes and not is_bearable(
                _checkable(promotable[spec.name], spec.kind), spec.hint
            ):
                raise shape_error(owner, spec, value, checked)
            checked.append((spec, value))
    for option in options:
        value = arguments[option.name]
        if shapes and not is_bearable(value, option.annotation):
            raise option_error(owner, option.name, option.annotation, value)
    floats = [
        promotable[s.name] for s in specs if s.kind == "float" and s.name in promotable
    ]
    common = common_float_dtype(floats) if floats else None
    promoted: dict[str, object] = {}
    _promote_floats(specs, promotable, common, promoted)
    out: dict[str, object] = {}
    for spec in specs:
        if spec.name in promotable:
            if spec.kind == "float":
                out[spec.name] = promoted[spec.name]
                continue
            try:
                out[spec.name] = _promote(spec.kind, promotable[spec.name])
            except NotWholeNumberError as error:
                raise whole_number_error(owner, spec, arguments[spec.name]) from error
    for option in options:
        out[option.name] = arguments[option.name]
    return out, common


def check_stored(
    owner: str,
    kinds: Mapping[str, tuple[Kind, bool]],
    values: Mapping[str, object],
    names: Mapping[str, str],
) -> None:
    """Check the kind and dtype of a module's array fields before use.

    A module rebuilt from its leaves (`eqx.tree_at`, `jax.tree.map`,
    unflattening, a gradient) was not built by its constructor, so nothing
    checked what its fields hold. `names` gives each field's parameter name
    (as the user passes it).

    **Raises:** `ParameterTypeError` naming `owner` and the parameter.
    """
    for field, (kind, optional) in kinds.items():
        value = values[field]
        if value is None and optional:
            continue
        if not accepts(kind, classify(value)):
            raise stored_error(owner, kind, names.get(field, field), value)


def check_value(owner: str, method: str, value: object) -> None:
    """Check the kind of a value given to `log_prob` (or `cdf`, `icdf`).

    Python numbers and bools, and NumPy or JAX arrays (tracers too) of bool,
    integer or floating dtype are accepted; their values are NumPyro's to
    judge (outside the support, `log_prob` is `-inf`).

    **Raises:** `ValueTypeError` (a `TypeError`) naming `owner.method`, for
    `None`, strings, lists, complex or float0 arrays and other objects.
    """
    if not accepts_value(classify(value)):
        raise value_type_error(owner, method, value)
