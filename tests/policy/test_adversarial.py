"""Every rejected input kind against every float parameter, from the declarations.

The table is derived from the code: every generated parametrisation
(`helpers.generate.GENERATED`) and, per class, every `ParameterSpec` of kind
"float". One float parameter of a valid call (`g.make(key, ())`) is replaced
by a value of a rejected kind; an array keeps the valid value's shape, so that
its dtype, not its shape, is what is rejected. Every rejection must be a
`TypeError` whose message names the distribution class and the parameter (as
"`name`"). Members of an exclusive parametrisation (`_one_of`) that a
generated call does not use are checked in place of the member it uses.

One pytest item per parametrisation loops over its parameters and kinds and
reports every failure at once; `adversarial_case_count()` is the number of
(parametrisation, parameter, kind) cases, printed by `conftest.py`.

The accepted side: float16 and float64 NumPy arrays and (for 0-d parameters)
Python ints are accepted, and the stored float fields are JAX arrays of one
floating dtype.

The end of the module keeps, as regression tests, the bugs this suite and
`test_hypothesis.py` found (huge Python ints, the sign of zero, 8-bit floats,
dtypes jaxtyping does not list, NumPyro's own argument errors, non-finite and
empty values in the value checks), and one documented limitation (a float16
`GaussianCopula` correlation, which XLA cannot factorise on CPU) as a strict
xfail. A masked NumPy array is rejected too (its mask would be dropped).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import jaxtyping
import numpy as np
import numpy.typing as npt
import pytest

import typed_dists as td
from helpers.adversarial import (
    Kwargs,
    adversarial_case_count,
    float_field_names,
    float_field_problems,
    float_specs,
    kinds_for,
    one_of,
    place,
    rejection_cases,
    targets,
    valid_kwargs,
)
from helpers.generate import GENERATED, Generated

Maker = Callable[[npt.NDArray[Any]], object]

WITH_TARGETS = [g for g in GENERATED if targets(g)]


def test_table_covers_every_float_parameter() -> None:
    # Every declared float parameter of every class is checked somewhere.
    declared = {(g.cls, s.name) for g in GENERATED for s in float_specs(g.cls)}
    checked = {(g.cls, s.name) for g in GENERATED for s in targets(g)}
    assert declared == checked
    assert len(declared) >= 150
    # ... and every one of its rejected kinds, with no duplicate case.
    cases = rejection_cases()
    assert len(cases) == len(set(cases)) == adversarial_case_count()
    checks = [(g, s) for g in GENERATED for s in targets(g)]
    required = [
        (g, s) for g, s in checks if not s.optional and s.name not in one_of(g.cls)
    ]
    assert len(cases) == 12 * len(checks) + len(required)
    assert required


def _rejection_failure(g: Generated, name: str, kwargs: Kwargs) -> str | None:
    """Why `g.cls(**kwargs)` is not a TypeError naming the class and `name`."""
    owner = g.cls.__name__
    try:
        with pytest.raises(TypeError) as info:
            g.cls(**kwargs)
    except (pytest.fail.Exception, Exception) as error:  # accepted, or not a TypeError
        return f"{type(error).__name__}: {str(error)[:300]}"
    message = str(info.value)
    missing = [text for text in (owner, f"`{name}`") if text not in message]
    if missing:
        return f"message does not name {missing}: {message!r}"
    if "Check the shapes" in message:
        return f"rejected for its shape, which was kept valid: {message!r}"
    return None


@pytest.mark.parametrize("g", WITH_TARGETS, ids=[g.id for g in WITH_TARGETS])
def test_float_parameters_reject_every_bad_kind(g: Generated) -> None:
    kwargs = valid_kwargs(g)
    # The rejections mean something only if the unmodified call is accepted.
    assert not float_field_problems(g.cls(**kwargs))
    failures: list[str] = []
    count = 0
    for spec in targets(g):
        base, valid = place(g, kwargs, spec.name)
        for kind in kinds_for(g, spec):
            count += 1
            bad = kind.make(valid)
            if isinstance(bad, np.ndarray | jax.Array):
                assert bad.shape == valid.shape
            failure = _rejection_failure(g, spec.name, {**base, spec.name: bad})
            if failure is not None:
                failures.append(f"{g.id}(`{spec.name}`={kind.id}): {failure}")
    assert count == sum(1 for case in rejection_cases() if case[0] == g.id)
    assert not failures, f"{len(failures)} of {count} cases:\n" + "\n".join(failures)


# ---------------------------------------------------------------------------
# Accepted kinds and promotion


@dataclasses.dataclass(frozen=True)
class Accepted:
    """An accepted kind of value for a float parameter."""

    id: str
    make: Maker
    scalar_only: bool = False  # a Python number stands for a 0-d array only


ACCEPTED: tuple[Accepted, ...] = (
    Accepted("float16-numpy", lambda v: v.astype(np.float16)),
    Accepted("float64-numpy", lambda v: v.astype(np.float64)),
    Accepted("python-int", lambda v: int(np.round(v)), scalar_only=True),
)

# Accepted kinds a class cannot build, with the reason; checked (strict xfail)
# by `test_known_acceptance_failures` instead.
ACCEPTANCE_XFAIL: dict[tuple[str, str, str], str] = {
    ("GaussianCopula", "correlation_matrix", "float16-numpy"): (
        "GaussianCopula(Normal(0.0, 1.0), correlation_matrix=np.eye(3, "
        "dtype=np.float16)) raises ParameterTypeError 'NumPyro cannot build this "
        "distribution from float16 parameters' (XLA has no float16 Cholesky on "
        "CPU; a documented limitation of _build_numpyro): a float16 array, an "
        "accepted kind, is rejected when it is the only float parameter"
    ),
}


def _float_inputs(g: Generated, kwargs: Kwargs) -> list[object]:
    return [
        kwargs[s.name] for s in float_specs(g.cls) if kwargs.get(s.name) is not None
    ]


def _expected_dtype(inputs: list[object]) -> np.dtype[Any]:
    """float16 when every float input is float16, else the default float."""
    if all(isinstance(v, np.ndarray) and v.dtype == np.float16 for v in inputs):
        return np.dtype(np.float16)
    return np.dtype(jnp.result_type(float))


def _acceptance_failure(g: Generated, name: str, kind: Accepted) -> str | None:
    kwargs = valid_kwargs(g)
    kwargs[name] = kind.make(np.asarray(kwargs[name]))
    # The dtype policy is under test, not the values: a float16 rounding of a
    # simplex, or an integer probability, may violate its constraint.
    kwargs["validate_args"] = False
    try:
        instance = g.cls(**kwargs)
    except Exception as error:
        return f"rejected: {type(error).__name__}: {str(error)[:300]}"
    problems = float_field_problems(instance)
    expected = _expected_dtype(_float_inputs(g, kwargs))
    for field in float_field_names(g.cls):
        value = getattr(instance, field)
        if isinstance(value, jax.Array) and value.dtype != expected:
            problems.append(f"field `{field}` is {value.dtype}, expected {expected}")
        if isinstance(value, jax.Array) and getattr(value, "weak_type", False):
            problems.append(f"field `{field}` is weakly typed")
    if not any(getattr(instance, f) is not None for f in float_field_names(g.cls)):
        problems.append("no float field stored")
    return "; ".join(problems) or None


def _acceptance_cases(g: Generated) -> list[tuple[str, Accepted]]:
    kwargs = valid_kwargs(g)
    return [
        (s.name, kind)
        for s in float_specs(g.cls)
        if kwargs.get(s.name) is not None
        for kind in ACCEPTED
        if not kind.scalar_only or np.ndim(kwargs[s.name]) == 0
    ]


@pytest.mark.parametrize("g", WITH_TARGETS, ids=[g.id for g in WITH_TARGETS])
def test_float_parameters_accept_and_promote(g: Generated) -> None:
    cases = _acceptance_cases(g)
    assert cases
    failures = [
        f"{g.id}(`{name}`={kind.id}): {failure}"
        for name, kind in cases
        if (g.id, name, kind.id) not in ACCEPTANCE_XFAIL
        and (failure := _acceptance_failure(g, name, kind)) is not None
    ]
    assert not failures, "\n".join(failures)


ACCEPTED_BY_ID = {kind.id: kind for kind in ACCEPTED}
GENERATED_BY_ID = {g.id: g for g in GENERATED}


@pytest.mark.parametrize(
    ("gid", "name", "kind_id"),
    [
        pytest.param(
            *key,
            id="-".join(key),
            marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason),
        )
        for key, reason in ACCEPTANCE_XFAIL.items()
    ],
)
def test_known_acceptance_failures(gid: str, name: str, kind_id: str) -> None:
    g = GENERATED_BY_ID[gid]
    assert (name, ACCEPTED_BY_ID[kind_id]) in _acceptance_cases(g)
    failure = _acceptance_failure(g, name, ACCEPTED_BY_ID[kind_id])
    assert failure is None, failure


# ---------------------------------------------------------------------------
# Regressions: bugs this suite and test_hypothesis.py found, now fixed.


def _outcome_failure(
    cls: type[td.TypedDistribution[Any]], names: tuple[str, ...], kwargs: Kwargs
) -> str | None:
    """Why `cls(**kwargs)` is neither accepted with sound float fields nor a
    TypeError/ValueError naming the class and one of `names`."""
    try:
        instance = cls(**kwargs)
    except (TypeError, ValueError) as error:
        message = str(error)
        if cls.__name__ not in message:
            return f"{type(error).__name__} does not name {cls.__name__}: {message!r}"
        if not any(f"`{name}`" in message for name in names):
            return f"{type(error).__name__} names none of {names}: {message!r}"
        return None
    except Exception as error:
        return f"{type(error).__name__} (not a TypeError/ValueError): {error}"
    problems = float_field_problems(instance)
    return "; ".join(problems) or None


def test_huge_python_int_is_rejected_naming_the_parameter() -> None:
    failures = []
    for g in WITH_TARGETS:
        kwargs = valid_kwargs(g)
        for spec in targets(g):
            if kwargs.get(spec.name) is None or np.ndim(kwargs[spec.name]) != 0:
                continue
            failure = _outcome_failure(
                g.cls, (spec.name,), {**kwargs, spec.name: 10**400}
            )
            if failure is not None:
                failures.append(f"{g.id}(`{spec.name}`=10**400): {failure}")
    assert not failures, "\n".join(failures)


def test_python_float_sign_of_zero_is_kept() -> None:
    first = td.Normal(0.0, 1.0)
    second = td.Normal(-0.0, 1.0)
    signs = (bool(jnp.signbit(first.loc)), bool(jnp.signbit(second.loc)))
    assert signs == (False, True), signs


def _narrow_floats() -> list[np.dtype[Any]]:
    names = [n for n in dir(jnp) if n.startswith(("float8_", "float4_"))]
    return [np.dtype(getattr(jnp, n)) for n in sorted(names)]


_FLOAT: Any = jaxtyping.Float  # its `dtypes` are not in its static type
NARROW_ACCEPTED = [d for d in _narrow_floats() if d.name in _FLOAT.dtypes]


def test_narrow_float_with_float32_names_the_parameter() -> None:
    assert NARROW_ACCEPTED
    failures = []
    for dtype in NARROW_ACCEPTED:
        kwargs = {"loc": np.ones((), dtype), "scale": np.ones((), np.float32)}
        failure = _outcome_failure(td.Normal, ("loc", "scale"), kwargs)
        if failure is not None:
            failures.append(f"{dtype}: {failure}")
    assert not failures, "\n".join(failures)


def _floating_dtypes() -> list[np.dtype[Any]]:
    names = ["float16", "float32", "float64", "bfloat16"]
    names += [n for n in dir(jnp) if n.startswith(("float8_", "float4_"))]
    dtypes = [np.dtype(getattr(jnp, n)) for n in sorted(names)]
    return [*dtypes, np.dtype(np.longdouble)]


@pytest.mark.parametrize("dtype", _floating_dtypes(), ids=lambda d: d.name)
def test_floating_dtype_is_not_reported_as_a_shape_error(dtype: np.dtype[Any]) -> None:
    assert jnp.issubdtype(dtype, jnp.floating) or dtype == np.longdouble
    try:
        instance = td.Normal(np.ones((), dtype), 1.0)
    except TypeError as error:
        message = str(error)
        assert "Normal" in message, message
        assert "`loc`" in message, message
        assert "Check the shapes" not in message, message
        return
    assert not float_field_problems(instance)


def test_delta_event_dim_beyond_v_names_the_parameter() -> None:
    kwargs: Kwargs = {"v": np.ones((), np.float32), "event_dim": 1}
    failure = _outcome_failure(td.Delta, ("v", "event_dim"), kwargs)
    assert failure is None, failure


def test_sine_skewed_empty_skewness_names_the_parameter() -> None:
    """NumPyro checks SineSkewed's `skewness` against its base's event shape
    with an `assert`; an empty skewness (d = 0, which jaxtyping's `d` accepts)
    gave a bare AssertionError (found by the hypothesis suite)."""
    base = td.SineBivariateVonMises(0.0, 0.0, 1.0, 1.0, correlation=0.1)
    with pytest.raises(td.ParameterValueError, match="`skewness`"):
        td.SineSkewed(base, np.array([], dtype=np.float16))


def test_non_finite_covariance_is_a_value_error_naming_the_parameter() -> None:
    failures = []
    for fill in (np.nan, np.inf):
        try:
            td.MultivariateNormal(
                np.zeros(3), covariance_matrix=np.full((3, 3), fill), validate_args=True
            )
        except td.ParameterValueError as error:
            if "`covariance_matrix`" not in str(error):
                failures.append(f"{fill}: {error}")
        except Exception as error:
            failures.append(f"{fill}: {type(error).__name__}: {error}")
        else:
            failures.append(f"{fill}: accepted with validation on")
    assert not failures, "\n".join(failures)


def test_empty_batch_is_accepted_or_rejected_naming_the_parameter() -> None:
    failures = []
    for shape in [(0, 3), (2, 0, 3)]:
        kwargs: Kwargs = {"concentration": np.ones(shape)}
        failure = _outcome_failure(td.Dirichlet, ("concentration",), kwargs)
        if failure is not None:
            failures.append(f"{shape}: {failure}")
    assert not failures, "\n".join(failures)


def test_masked_array_is_rejected_naming_the_parameter() -> None:
    masked = np.ma.masked_array([1.0, 2.0], mask=[False, True])
    with pytest.raises(td.ParameterTypeError, match="Normal: parameter `loc`") as info:
        td.Normal(masked, 1.0)
    assert "mask" in str(info.value)
