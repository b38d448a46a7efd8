"""Property tests: typed constructors fed arbitrary objects, dtypes and shapes.

A generated valid call (`helpers.generate.GENERATED`, batch shape ()) has one or
several of its float parameters replaced by a drawn value: a NumPy or JAX
array (or NumPy scalar) of any dtype NumPy, JAX or ml_dtypes knows, of the
scalar shape, the valid value's shape or a random small shape, holding valid
values or arbitrary ones (NaN and infinities included); or a Python object.

The property: construction raises a `TypeError` or a `ValueError` (any
subclass), or returns an instance whose float fields (the dataclass fields
annotated `Float[Array, ...]`) are JAX arrays of one floating dtype, never an
integer, bool, complex or float0 array. Any other exception fails.

Settings are derandomized (no example database), so a run is reproducible.
"""

from __future__ import annotations

import inspect
import math
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

import typed_dists as td
from helpers.adversarial import (
    float_field_names,
    float_field_problems,
    float_specs,
    one_of,
    valid_kwargs,
)
from helpers.generate import GENERATED, Generated

Kwargs = dict[str, Any]

# Slow (3,200 examples, about 20 s): left out of `pytest -m "not slow"`; the
# generated `test_every_parameter.py` checks every input kind of every
# parameter in the everyday loop.
pytestmark = pytest.mark.slow

ONE_PARAMETER_EXAMPLES = 2000
SEVERAL_PARAMETERS_EXAMPLES = 1200
SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ---------------------------------------------------------------------------
# Dtypes


def _jnp_dtypes(*prefixes: str) -> list[np.dtype[Any]]:
    names = sorted(n for n in dir(jnp) if n.startswith(prefixes))
    return [np.dtype(getattr(jnp, n)) for n in names]


# Every dtype JAX arrays can have (64-bit ones become 32-bit under x32).
JAX_DTYPES: list[np.dtype[Any]] = [
    np.dtype(d)
    for d in (
        np.bool_,
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.uint16,
        np.uint32,
        np.uint64,
        np.float16,
        np.float32,
        np.float64,
        jnp.bfloat16,
        np.complex64,
        np.complex128,
    )
] + _jnp_dtypes("float8_", "float4_", "int4", "uint4", "int2", "uint2")
# Dtypes only NumPy arrays have.
NUMPY_ONLY_DTYPES: list[np.dtype[Any]] = [
    np.dtype(jax.dtypes.float0),
    np.dtype(np.longdouble),
    np.dtype(np.clongdouble),
    np.dtype("datetime64[s]"),
    np.dtype("timedelta64[s]"),
    np.dtype(object),
    np.dtype("U8"),
]
JAX_DTYPE_SET = frozenset(JAX_DTYPES)
ALL_DTYPES = JAX_DTYPES + NUMPY_ONLY_DTYPES
FLOATING = [d for d in JAX_DTYPES if jnp.issubdtype(d, jnp.floating)]


def test_dtype_table() -> None:
    names = {d.name for d in JAX_DTYPES + NUMPY_ONLY_DTYPES}
    assert {"bool", "int8", "uint64", "bfloat16", "complex128"} <= names
    assert jax.dtypes.float0 in NUMPY_ONLY_DTYPES
    assert {"float8_e4m3fn", "float8_e5m2"} <= names
    assert len(JAX_DTYPE_SET) == len(JAX_DTYPES)
    assert {"float16", "float32", "float64", "bfloat16", "float8_e5m2"} <= {
        d.name for d in FLOATING
    }


def _cast(data: npt.NDArray[np.float64], dtype: np.dtype[Any]) -> npt.NDArray[Any]:
    """`data` (float64, NaN and infinities included) as an array of `dtype`."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # overflowing and invalid casts
        if dtype == jax.dtypes.float0:
            return np.zeros(data.shape, dtype=dtype)
        if dtype == np.bool_:
            return np.not_equal(data, 0.0)
        if dtype.kind in "mM":
            return np.zeros(data.shape, dtype=dtype)
        if dtype.kind == "c":
            return (data - 0.5j * data).astype(dtype)
        if dtype.kind in "fOU" or jnp.issubdtype(dtype, jnp.floating):
            return data.astype(dtype)
        # Integers: finite, rounded; out-of-range values wrap.
        finite = np.nan_to_num(data, nan=0.0, posinf=1e6, neginf=-1e6)
        return np.clip(np.round(finite), -1e6, 1e6).astype(np.int64).astype(dtype)


# ---------------------------------------------------------------------------
# Strategies

FLOATS = st.floats(allow_nan=True, allow_infinity=True)
SHAPES = st.lists(st.integers(0, 3), max_size=3).map(tuple)


def _broadcastable(valid: npt.NDArray[Any], shape: tuple[int, ...]) -> bool:
    try:
        return np.broadcast_shapes(valid.shape, shape) == shape
    except ValueError:
        return False


@st.composite
def arrays(draw: st.DrawFn, valid: npt.NDArray[Any]) -> object:
    """An array (or NumPy scalar) of a drawn dtype, shape and library."""
    # A floating dtype at least half of the time, and the valid shape and
    # values often: what is accepted is what the property constrains most.
    dtype = draw(
        st.one_of(st.sampled_from(FLOATING), st.sampled_from(ALL_DTYPES)),
        label="dtype",
    )
    shape: tuple[int, ...] = draw(
        st.one_of(st.just(valid.shape), st.just(()), SHAPES), label="shape"
    )
    from_valid = draw(st.integers(0, 2), label="from valid") > 0
    if from_valid and _broadcastable(valid, shape):
        data = np.broadcast_to(valid.astype(np.float64), shape).copy()
    else:
        size = math.prod(shape)
        values = draw(st.lists(FLOATS, min_size=size, max_size=size))
        data = np.asarray(values, dtype=np.float64).reshape(shape)
    array = _cast(data, dtype)
    forms = ["numpy"]
    if dtype in JAX_DTYPE_SET:
        forms.append("jax")
    if shape == ():
        forms.append("numpy scalar")
    form = draw(st.sampled_from(forms), label="form")
    if form == "jax":
        # `jax.device_put`, not `jnp.asarray`, which compiles a copy per shape
        # and dtype; both canonicalise 64-bit dtypes to 32-bit under x32.
        on_device: jax.Array = jax.device_put(array)
        return on_device
    if form == "numpy scalar":
        scalar: object = array[()]
        return scalar
    return array


PYTHON_OBJECTS: st.SearchStrategy[object] = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.booleans(),
    # Ints beyond float range (|n| > ~1.8e308) raise OverflowError: a known
    # bug, tested by test_every_parameter.py::test_huge_python_int_names_the_parameter
    st.integers(min_value=-(2**1000), max_value=2**1000),
    FLOATS,
    st.complex_numbers(),
    st.lists(st.one_of(FLOATS, st.integers(-3, 3)), max_size=4),
    st.lists(st.lists(FLOATS, max_size=3), max_size=3),
    st.tuples(FLOATS, FLOATS),
    st.tuples(),
    st.dictionaries(st.text(max_size=3), FLOATS, max_size=3),
    st.builds(object),
    st.binary(max_size=4),
    st.sampled_from([Ellipsis, NotImplemented, int, range(3), slice(1)]),
    st.builds(lambda: td.Normal(0.0, 1.0)),
)


@st.composite
def replacements(draw: st.DrawFn, valid: npt.NDArray[Any]) -> object:
    """An array three times in four, else a Python object (`st.one_of` would
    flatten `PYTHON_OBJECTS` into as many branches as it has members)."""
    if draw(st.integers(0, 3), label="python object") == 0:
        return draw(PYTHON_OBJECTS)
    return draw(arrays(valid))


# ---------------------------------------------------------------------------
# The property

WITH_FLOATS = [g for g in GENERATED if float_specs(g.cls)]
WITH_SEVERAL = [g for g in WITH_FLOATS if len(float_specs(g.cls)) >= 2]


def _takes_validate_args(g: Generated) -> bool:
    return "validate_args" in inspect.signature(g.cls).parameters


def _reference(g: Generated, kwargs: Kwargs, name: str) -> npt.NDArray[Any]:
    """The valid value a replacement for `name` stands in for: its own, or
    (for an exclusive member the call does not pass) the member it passes."""
    for candidate in (name, *one_of(g.cls)):
        if kwargs.get(candidate) is not None:
            return np.asarray(kwargs[candidate])
    return np.zeros(())


def _replaced(
    g: Generated, kwargs: Kwargs, values: dict[str, object], validate: bool | None
) -> Kwargs:
    """`kwargs` with `values` in place; giving an exclusive member drops the
    members not given, so that a single one can stay given."""
    members = one_of(g.cls)
    out = dict(kwargs)
    if set(values) & set(members):
        out = {k: v for k, v in out.items() if k not in members or k in values}
    out.update(values)
    if _takes_validate_args(g):
        out["validate_args"] = validate
    return out


def _check_property(g: Generated, kwargs: Kwargs) -> None:
    try:
        instance = g.cls(**kwargs)
    except (TypeError, ValueError) as error:
        event("rejected", type(error).__name__)
        return
    dtypes = sorted({str(getattr(instance, f).dtype) for f in _stored(instance)})
    event("accepted", ",".join(dtypes))
    problems = float_field_problems(instance)
    assert not problems, f"{g.id} accepted {kwargs!r}: {problems}"


def _stored(instance: object) -> list[str]:
    names = float_field_names(type(instance))
    return [n for n in names if hasattr(getattr(instance, n), "dtype")]


VALIDATE = st.sampled_from([None, True, False])


@settings(SETTINGS, max_examples=ONE_PARAMETER_EXAMPLES)
@given(data=st.data())
def test_one_float_parameter_replaced(data: st.DataObject) -> None:
    g = data.draw(st.sampled_from(WITH_FLOATS), label="case")
    name = data.draw(st.sampled_from([s.name for s in float_specs(g.cls)]))
    kwargs = valid_kwargs(g)
    value = data.draw(replacements(_reference(g, kwargs, name)), label=name)
    validate = data.draw(VALIDATE, label="validate_args")
    _check_property(g, _replaced(g, kwargs, {name: value}, validate))


@settings(SETTINGS, max_examples=SEVERAL_PARAMETERS_EXAMPLES)
@given(data=st.data())
def test_several_float_parameters_replaced(data: st.DataObject) -> None:
    g = data.draw(st.sampled_from(WITH_SEVERAL), label="case")
    specs = [s.name for s in float_specs(g.cls)]
    order = data.draw(st.permutations(specs), label="order")
    names = order[: data.draw(st.integers(2, len(specs)), label="how many")]
    kwargs = valid_kwargs(g)
    values = {
        name: data.draw(replacements(_reference(g, kwargs, name)), label=name)
        for name in names
    }
    validate = data.draw(VALIDATE, label="validate_args")
    _check_property(g, _replaced(g, kwargs, values, validate))
