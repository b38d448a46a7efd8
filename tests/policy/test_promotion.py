"""Accepted float inputs and the one dtype they are stored as, driven by `CASES`.

Python `int`/`float` literals and NumPy/JAX arrays of every float width are
accepted; the float parameters of one instance are stored as strongly typed
JAX arrays of one floating dtype (JAX's promotion, Python numbers weak);
integer parameters as JAX integer arrays. Checked eagerly, under x64, and
under `jax.jit` / `jax.vmap`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import numpy.typing as npt
import pytest

import typed_dists as td
from helpers.cases import CASES, Case

F16 = np.dtype(np.float16)
BF16 = np.dtype(ml_dtypes.bfloat16)
F32 = np.dtype(np.float32)
F64 = np.dtype(np.float64)

# Stored dtype under x32 (the default): float64 is canonicalised to float32.
STORED_X32 = {F16: F16, BF16: BF16, F32: F32, F64: F32}


def _static(field: dataclasses.Field[Any]) -> bool:
    return bool(field.metadata.get("static", False))


def _float_fields(d: Any, case: Case) -> dict[str, Any]:
    """The stored float parameters of `d`: its non-static fields that are not
    integer parameters (MultivariateNormal stores `loc` and `scale_tril`)."""
    fields = [f for f in dataclasses.fields(d) if not _static(f)]
    names = {f.name for f in fields}
    stored = {
        f.name: getattr(d, f.name) for f in fields if f.name not in case.int_params
    }
    assert stored, f"{type(d).__name__} stores no float field"
    # Every float parameter the case passes and the class stores is included.
    assert {p for p in case.float_params if p in names} <= stored.keys()
    return stored


def _assert_float_fields(d: Any, case: Case, dtype: np.dtype[Any]) -> None:
    for name, value in _float_fields(d, case).items():
        assert not isinstance(value, np.ndarray | float), (name, type(value))
        assert isinstance(value, jax.Array), (name, type(value))
        assert value.dtype == dtype, (name, value.dtype, dtype)
        assert not value.weak_type, name
    _assert_int_fields(d, case)


def _assert_int_fields(d: Any, case: Case) -> None:
    for name in case.int_params:
        value = getattr(d, name)
        assert isinstance(value, jax.Array), (name, type(value))
        assert jnp.issubdtype(value.dtype, jnp.integer), (name, value.dtype)
        assert not value.weak_type, name


def _one_dtype(d: Any, case: Case) -> np.dtype[Any]:
    """All float fields share one dtype; return it."""
    dtypes: set[np.dtype[Any]] = {
        np.dtype(v.dtype) for v in _float_fields(d, case).values()
    }
    assert len(dtypes) == 1, dtypes
    (dtype,) = dtypes
    return dtype


def _with_dtype(case: Case, dtype: np.dtype[Any], lib: str = "numpy") -> dict[str, Any]:
    """The case's arguments with every float parameter cast to `dtype`."""
    convert: Callable[[npt.NDArray[Any]], Any] = (
        (lambda v: v.astype(dtype))
        if lib == "numpy"
        else (lambda v: jnp.asarray(v, dtype=dtype))
    )
    return {
        k: convert(v) if k in case.float_params else v for k, v in case.params.items()
    }


def _default_float() -> np.dtype[Any]:
    dtype: np.dtype[Any] = np.dtype(jnp.asarray(0.0).dtype)
    return dtype


# ---------------------------------------------------------------------------
# Python literals: valid values per parameter name, kept only when NumPyro
# itself accepts them (with validation) in place of the case's array. Matrix
# parameters take no scalars; Uniform's `low`/`high` depend on each other, so
# theirs are chosen against the case's arrays ([-1, 0, 2] and [1, 3, 5]).

LITERALS: dict[str, tuple[int, ...]] = {
    "loc": (0, 1, 2),
    "scale": (1, 2),
    "df": (1, 2),
    "concentration": (1, 2),
    "concentration0": (1, 2),
    "concentration1": (1, 2),
    "rate": (1, 2),
    "low": (0,),
    "high": (3,),
    "probs": (0, 1),
    "logits": (0, 1, 2),
    "total_count": (0, 1, 2),
}


def _numpyro_accepts(case: Case, name: str, value: int) -> bool:
    literal = value if name in case.int_params else float(value)
    try:
        case.numpyro(**{**case.params, name: literal}, validate_args=True)
    except (ValueError, TypeError):
        return False
    return True


VALID_LITERALS: dict[str, dict[str, tuple[int, ...]]] = {
    case.id: {
        name: accepted
        for name in case.params
        if (
            accepted := tuple(
                v for v in LITERALS.get(name, ()) if _numpyro_accepts(case, name, v)
            )
        )
    }
    for case in CASES
}

LITERAL_PARAMS = [
    pytest.param(case, name, value, id=f"{case.id}-{name}={value}")
    for case in CASES
    for name, values in VALID_LITERALS[case.id].items()
    if name in case.float_params
    for value in values
]

# Cases whose float parameters can all be Python numbers.
ALL_LITERAL_IDS = {
    case.id for case in CASES if all(p in VALID_LITERALS[case.id] for p in case.params)
}
ALL_LITERAL_CASES = [
    pytest.param(case, id=case.id) for case in CASES if case.id in ALL_LITERAL_IDS
]


def _all_literals(case: Case) -> dict[str, int]:
    return {name: VALID_LITERALS[case.id][name][0] for name in case.params}


def test_literal_table_covers_batch_only_parameters() -> None:
    # Every float parameter shaped like the batch of a distribution with a
    # scalar event (no `k` or `n` dimension) gets a Python literal, and cases
    # made only of such parameters are tried with Python numbers throughout.
    for case in CASES:
        reference = case.typed(**case.params)
        batch_only = [
            reference.event_shape == () and value.shape == reference.batch_shape
            for value in case.params.values()
        ]
        for name, scalar in zip(case.params, batch_only, strict=True):
            if scalar and name in case.float_params:
                assert name in VALID_LITERALS[case.id], (case.id, name)
        if all(batch_only):
            assert case.id in ALL_LITERAL_IDS, case.id


def test_default_float_is_float32() -> None:
    assert _default_float() == F32
    assert td.Normal(0, 1).loc.dtype == jnp.float32


@pytest.mark.parametrize("as_float", [False, True], ids=["int", "float"])
@pytest.mark.parametrize(("case", "name", "value"), LITERAL_PARAMS)
def test_python_literal_accepted(
    case: Case, name: str, value: int, as_float: bool
) -> None:
    literal: int | float = float(value) if as_float else value
    d = case.typed(**{**case.params, name: literal})
    # A Python number and float64 NumPy arrays: the default float dtype.
    _assert_float_fields(d, case, F32)
    if name in _float_fields(d, case):
        stored = np.asarray(getattr(d, name))
        np.testing.assert_array_equal(stored, np.broadcast_to(value, stored.shape))


@pytest.mark.parametrize("case", ALL_LITERAL_CASES)
def test_all_python_numbers(case: Case) -> None:
    d = case.typed(**_all_literals(case))
    _assert_float_fields(d, case, F32)


# ---------------------------------------------------------------------------
# Float arrays of every width

ARRAY_KINDS = [
    pytest.param(dtype, lib, id=f"{lib}-{dtype.name}")
    for lib in ("numpy", "jax")
    for dtype in (F16, BF16, F32, F64)
    # Under x32 a JAX float64 array cannot exist; see the x64 tests below.
    if not (lib == "jax" and dtype == F64)
]


def _half_precision_factorisation(case: Case, dtype: np.dtype[Any]) -> bool:
    """A covariance or precision matrix in float16/bfloat16: XLA has no
    half-precision Cholesky on CPU, so NumPyro cannot factorise it."""
    matrices = {"covariance_matrix", "precision_matrix"} & case.params.keys()
    return bool(matrices) and dtype.itemsize < 4


@pytest.mark.parametrize(("dtype", "lib"), ARRAY_KINDS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_float_arrays_accepted(case: Case, dtype: np.dtype[Any], lib: str) -> None:
    arguments = _with_dtype(case, dtype, lib)
    if _half_precision_factorisation(case, dtype):
        # Accepted by the dtype check, but NumPyro cannot build it: a clear
        # ParameterTypeError saying what to pass, not a backend error.
        with pytest.raises(td.ParameterTypeError, match="float32") as info:
            case.typed(**arguments)
        assert case.typed.__name__ in str(info.value)
        return
    d = case.typed(**arguments)
    _assert_float_fields(d, case, STORED_X32[dtype])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_float64_numpy_gives_default_float(case: Case) -> None:
    d = case.typed(**case.params)
    assert all(case.params[p].dtype == F64 for p in case.float_params)
    assert _one_dtype(d, case) == _default_float() == F32


# (first float parameter, the other float parameters, stored dtype)
MIXES: list[tuple[str, str, np.dtype[Any]]] = [
    ("f16", "python", F16),
    ("python", "f16", F16),
    ("bf16", "python", BF16),
    ("f16", "f32", F32),
    ("f32", "f16", F32),
    ("bf16", "f16", F32),
    ("f16", "bf16", F32),
    ("f16", "f64", F32),  # float64 NumPy: canonicalised to float32 under x32
]
_KIND_DTYPES = {"f16": F16, "bf16": BF16, "f32": F32}


def _mixed_value(case: Case, name: str, kind: str) -> object:
    if kind == "python":
        return float(VALID_LITERALS[case.id][name][0])
    if kind == "f64":
        return np.asarray(case.params[name], dtype=F64)
    return jnp.asarray(case.params[name], dtype=_KIND_DTYPES[kind])


def _python_possible(case: Case, first: str, rest: str) -> bool:
    """A Python number only where the parameter takes a scalar."""
    kinds = [first] + [rest] * (len(case.float_params) - 1)
    return all(
        kind != "python" or name in VALID_LITERALS[case.id]
        for name, kind in zip(case.float_params, kinds, strict=True)
    )


MIXED_CASES = [
    pytest.param(case, first, rest, stored, id=f"{case.id}-{first}+{rest}")
    for case in CASES
    if len(case.float_params) >= 2
    for first, rest, stored in MIXES
    if _python_possible(case, first, rest)
]


@pytest.mark.parametrize(("case", "first", "rest", "stored"), MIXED_CASES)
def test_mixed_float_inputs_promote(
    case: Case, first: str, rest: str, stored: np.dtype[Any]
) -> None:
    head, *tail = case.float_params
    arguments = dict(case.params)
    arguments[head] = _mixed_value(case, head, first)
    for name in tail:
        arguments[name] = _mixed_value(case, name, rest)
    if _half_precision_factorisation(case, stored):
        with pytest.raises(td.ParameterTypeError, match="float32"):
            case.typed(**arguments)
        return
    d = case.typed(**arguments)
    _assert_float_fields(d, case, stored)


def test_mixed_promotion_examples() -> None:
    half = jnp.zeros(3, jnp.float16)
    d = td.Normal(half, 1.0)
    assert d.loc.dtype == d.scale.dtype == jnp.float16
    d = td.Normal(half, jnp.ones(3, jnp.float32))
    assert d.loc.dtype == d.scale.dtype == jnp.float32
    d = td.Normal(jnp.zeros(3, jnp.bfloat16), jnp.ones(3, jnp.float16))
    assert d.loc.dtype == d.scale.dtype == jnp.float32
    assert not d.loc.weak_type
    assert not d.scale.weak_type


# ---------------------------------------------------------------------------
# Integer parameters

INT_INPUTS: list[Any] = [
    pytest.param(lambda v: v, id="numpy-int64"),
    pytest.param(lambda v: v.astype(np.int16), id="numpy-int16"),
    pytest.param(lambda v: v.astype(np.uint8), id="numpy-uint8"),
    pytest.param(lambda v: jnp.asarray(v, dtype=jnp.int32), id="jax-int32"),
    pytest.param(lambda v: int(v.flat[0]), id="python-int"),
    pytest.param(lambda v: np.int64(v.flat[0]), id="numpy-scalar"),
]
INT_CASES = [
    pytest.param(case, name, id=f"{case.id}-{name}")
    for case in CASES
    for name in case.int_params
]


@pytest.mark.parametrize("make", INT_INPUTS)
@pytest.mark.parametrize(("case", "name"), INT_CASES)
def test_int_parameter_stored_as_jax_integer(
    case: Case, name: str, make: Callable[[npt.NDArray[Any]], Any]
) -> None:
    given = make(case.params[name])
    d = case.typed(**{**case.params, name: given})
    _assert_float_fields(d, case, F32)  # also checks the integer fields
    stored = getattr(d, name)
    np.testing.assert_array_equal(
        np.asarray(stored), np.broadcast_to(np.asarray(given), stored.shape)
    )
    # Integer parameters do not take part in float promotion.
    d16 = case.typed(**{**_with_dtype(case, F16), name: given})
    _assert_float_fields(d16, case, F16)


def test_int_parameters_exist() -> None:
    assert INT_CASES


# ---------------------------------------------------------------------------
# x64: jax.enable_x64 is a context manager; it restores the flag on exit, so
# nothing leaks into other tests (checked after each block).


def _assert_x32() -> None:
    assert _default_float() == F32
    assert jnp.asarray(0).dtype == jnp.int32


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_x64_float64_inputs_stay_float64(case: Case) -> None:
    with jax.enable_x64(True):
        assert _default_float() == F64
        d = case.typed(**case.params)  # float64 NumPy arrays
        _assert_float_fields(d, case, F64)
        d = case.typed(**_with_dtype(case, F64, "jax"))
        _assert_float_fields(d, case, F64)
    _assert_x32()


@pytest.mark.parametrize("lib", ["numpy", "jax"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_x64_float32_inputs_stay_float32(case: Case, lib: str) -> None:
    with jax.enable_x64(True):
        d = case.typed(**_with_dtype(case, F32, lib))
        _assert_float_fields(d, case, F32)
    _assert_x32()


@pytest.mark.parametrize("case", ALL_LITERAL_CASES)
def test_x64_python_numbers_give_float64(case: Case) -> None:
    with jax.enable_x64(True):
        d = case.typed(**_all_literals(case))
        _assert_float_fields(d, case, F64)
    _assert_x32()


def test_x64_defaults_and_mixes() -> None:
    with jax.enable_x64(True):
        d = td.Normal()
        assert d.loc.dtype == d.scale.dtype == jnp.float64
        d = td.Normal(0, jnp.ones(3, jnp.float32))
        assert d.loc.dtype == d.scale.dtype == jnp.float32
        d = td.Normal(np.zeros(3, np.float32), np.ones(3))
        assert d.loc.dtype == d.scale.dtype == jnp.float64
    _assert_x32()
    assert td.Normal().loc.dtype == jnp.float32


# ---------------------------------------------------------------------------
# jit and vmap


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_construct_inside_jit(case: Case) -> None:
    floats = {p: jnp.asarray(case.params[p], dtype=F32) for p in case.float_params}
    ints = {p: case.params[p] for p in case.int_params}

    def build(f: dict[str, jax.Array]) -> Any:
        return case.typed(**f, **ints)

    d = jax.jit(build)(floats)
    assert type(d) is type(case.typed(**case.params))
    _assert_float_fields(d, case, F32)
    for name, value in floats.items():
        if name in _float_fields(d, case):
            stored = np.asarray(getattr(d, name))
            np.testing.assert_array_equal(np.broadcast_to(value, stored.shape), stored)


def test_construct_inside_jit_from_python_floats() -> None:
    d = jax.jit(td.Normal)(1.0, 2.0)
    assert isinstance(d, td.Normal)
    (normal,) = [c for c in CASES if c.id == "Normal"]
    _assert_float_fields(d, normal, F32)
    assert float(d.loc) == 1.0
    assert float(d.scale) == 2.0


def test_construct_inside_jit_keeps_narrow_float() -> None:
    d = jax.jit(lambda loc: td.Normal(loc, 1.0))(jnp.zeros(3, jnp.float16))
    assert d.loc.dtype == d.scale.dtype == jnp.float16
    assert not d.scale.weak_type


def test_construct_inside_vmap() -> None:
    loc = jnp.arange(3.0)
    d = jax.vmap(lambda x: td.Normal(x, 1.0))(loc)
    assert isinstance(d, td.Normal)
    assert d.batch_shape == loc.shape
    np.testing.assert_array_equal(np.asarray(d.loc), np.asarray(loc))
    assert d.loc.dtype == d.scale.dtype == jnp.float32
    assert not d.loc.weak_type
    assert not d.scale.weak_type


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_construct_inside_vmap_per_case(case: Case) -> None:
    # Traced with jax.eval_shape (nothing is compiled): the stored fields of
    # the vmapped module carry the mapped axis, one float dtype, strong types.
    copies = 2
    floats = {
        p: jnp.stack([jnp.asarray(case.params[p], dtype=F32)] * copies)
        for p in case.float_params
    }
    ints = {p: case.params[p] for p in case.int_params}

    def build(f: dict[str, jax.Array]) -> Any:
        return case.typed(**f, **ints)

    shapes = jax.eval_shape(jax.vmap(build), floats)
    reference = case.typed(**case.params)
    assert type(shapes) is type(reference)
    for name, value in _float_fields(shapes, case).items():
        expected = np.shape(getattr(reference, name))
        assert value.shape == (copies, *expected), name
        assert value.dtype == F32, name
        assert not value.weak_type, name
    for name in case.int_params:
        value = getattr(shapes, name)
        assert jnp.issubdtype(value.dtype, jnp.integer), name
