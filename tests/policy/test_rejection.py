"""Rejected constructor arguments, driven by the `CASES` table.

Every float parameter of every case is replaced, one at a time, by each kind
of value the dtype policy rejects (integer, bool, complex and float0 arrays,
NumPy integer scalars, strings, `None`, lists, integer tracers), with the
valid value's shape so that the failure is about the kind, not the shape.
Integer parameters get the mirror image (floats, bools, ...). Shape
mismatches, exclusive parametrisations, value constraints and options are
checked on hand-picked calls.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpy.typing as npt
import numpyro.distributions as nd
import pytest

import typed_dists as td
from helpers.cases import CASES, Case

Maker = Callable[[npt.NDArray[Any]], object]


@functools.cache
def _class_name(case_id: str) -> str:
    """The class a valid call of the case builds (`BernoulliProbs` for
    `Bernoulli(probs=...)`): the name every error message must carry."""
    (case,) = [c for c in CASES if c.id == case_id]
    return type(case.typed(**case.params)).__name__


def _call(case: Case, name: str, value: object) -> Any:
    return case.typed(**{**case.params, name: value})


def _float0_like(valid: npt.NDArray[Any]) -> object:
    """A float0 array of `valid`'s shape, as JAX hands it out: the gradient
    of a function with respect to an integer input."""

    def total(x: jax.Array) -> jax.Array:
        return jnp.sum(x).astype(jnp.float32)

    grad = jax.grad(total, allow_int=True)(jnp.ones(valid.shape, dtype=jnp.int32))
    assert grad.dtype == jax.dtypes.float0
    assert grad.shape == valid.shape
    return grad


def _assert_names(
    error: BaseException, owners: tuple[str, ...], *parameters: str
) -> None:
    """The error is a ParameterTypeError whose first line names one of
    `owners` (as `Owner: ...`) and every one of `parameters`."""
    assert isinstance(error, TypeError)
    assert isinstance(error, td.ParameterTypeError), type(error)
    first_line = str(error).splitlines()[0]
    assert any(first_line.startswith(f"{owner}:") for owner in owners), str(error)
    for parameter in parameters:
        assert f"`{parameter}`" in first_line, str(error)


@dataclasses.dataclass(frozen=True)
class Bad:
    """A rejected kind of argument, built to match a valid value's shape."""

    id: str
    make: Maker
    shows: str  # what the message must report about the argument
    hint: str | None = None  # a fix-it the message must contain


FLOAT_BAD = [
    Bad(
        "int32-jax",
        lambda v: jnp.ones(v.shape, dtype=jnp.int32),
        "int32",
        "astype(float)",
    ),
    Bad(
        "int64-numpy",
        lambda v: np.ones(v.shape, dtype=np.int64),
        "int64",
        "astype(float)",
    ),
    Bad("uint8-numpy", lambda v: np.ones(v.shape, dtype=np.uint8), "uint8"),
    Bad("int64-numpy-scalar", lambda v: np.int64(1), "int64"),
    Bad("bool-jax", lambda v: jnp.ones(v.shape, dtype=bool), "bool"),
    Bad("bool-numpy", lambda v: np.ones(v.shape, dtype=np.bool_), "bool"),
    Bad("bool-python", lambda v: True, "bool"),
    Bad("complex-jax", lambda v: jnp.ones(v.shape, dtype=jnp.complex64), "complex"),
    Bad("complex-python", lambda v: 1.0 + 0.5j, "complex"),
    Bad("float0-grad", _float0_like, "float0", "allow_int"),
    Bad("str", lambda v: "1.0", "str"),
    Bad("none", lambda v: None, "None"),
    Bad("list", lambda v: v.tolist(), "list", "jnp.asarray"),
    Bad("tuple", lambda v: tuple(v.tolist()), "tuple", "jnp.asarray"),
]

INT_BAD = [
    Bad("float32-jax", lambda v: jnp.ones(v.shape, dtype=jnp.float32), "float32"),
    Bad("float64-numpy", lambda v: v.astype(np.float64), "float64"),
    Bad("float-python", lambda v: 1.0, "float"),
    Bad("bool-python", lambda v: True, "bool"),
    Bad("bool-jax", lambda v: jnp.ones(v.shape, dtype=bool), "bool"),
    Bad("complex-jax", lambda v: jnp.ones(v.shape, dtype=jnp.complex64), "complex"),
    Bad("float0-grad", _float0_like, "float0", "allow_int"),
    Bad("str", lambda v: "3", "str"),
    Bad("none", lambda v: None, "None"),
    Bad("list", lambda v: v.tolist(), "list", "jnp.asarray"),
]

FLOAT_PARAMS = [
    pytest.param(case, name, id=f"{case.id}-{name}")
    for case in CASES
    for name in case.float_params
]
INT_PARAMS = [
    pytest.param(case, name, id=f"{case.id}-{name}")
    for case in CASES
    for name in case.int_params
]


def test_table_has_float_and_int_parameters() -> None:
    assert all(case.float_params for case in CASES)
    assert INT_PARAMS


def test_valid_calls_are_accepted() -> None:
    # The rejections below are meaningful only if the unmodified calls work.
    for case in CASES:
        assert isinstance(case.typed(**case.params), td.TypedDistribution)


# ---------------------------------------------------------------------------
# Rejected kinds


@pytest.mark.parametrize("bad", FLOAT_BAD, ids=lambda b: b.id)
@pytest.mark.parametrize(("case", "name"), FLOAT_PARAMS)
def test_float_parameter_rejects(case: Case, name: str, bad: Bad) -> None:
    value = bad.make(case.params[name])
    with pytest.raises(TypeError) as info:
        _call(case, name, value)
    owners: tuple[str, ...] = (_class_name(case.id),)
    if value is None:
        # `None` for one of an exclusive group (`probs`/`logits`, the MVN
        # matrices) means "not given": the factory reports the missing choice.
        owners += (getattr(case.typed, "__name__", ""),)
    _assert_names(info.value, owners, name)
    message = str(info.value)
    if value is not None or "exactly one" not in message:
        assert bad.shows in message, message
    # The valid shape was kept: the kind is rejected, not the shape.
    assert "Check the shapes" not in message, message
    if bad.hint is not None:
        assert bad.hint in message, message


@pytest.mark.parametrize("bad", INT_BAD, ids=lambda b: b.id)
@pytest.mark.parametrize(("case", "name"), INT_PARAMS)
def test_int_parameter_rejects(case: Case, name: str, bad: Bad) -> None:
    with pytest.raises(TypeError) as info:
        _call(case, name, bad.make(case.params[name]))
    _assert_names(info.value, (_class_name(case.id),), name)
    message = str(info.value)
    assert bad.shows in message, message
    assert "Check the shapes" not in message, message
    if bad.hint is not None:
        assert bad.hint in message, message


@pytest.mark.parametrize("transform", ["jit", "vmap"])
@pytest.mark.parametrize(("case", "name"), FLOAT_PARAMS)
def test_float_parameter_rejects_integer_tracer(
    case: Case, name: str, transform: str
) -> None:
    shape = case.params[name].shape

    def build(value: jax.Array) -> Any:
        return _call(case, name, value)

    if transform == "jit":
        run = functools.partial(jax.jit(build), jnp.ones(shape, dtype=jnp.int32))
    else:
        run = functools.partial(jax.vmap(build), jnp.ones((2, *shape), dtype=jnp.int32))
    with pytest.raises(TypeError) as info:
        run()
    _assert_names(info.value, (_class_name(case.id),), name)
    message = str(info.value)
    assert "int32" in message, message
    assert "astype(float)" in message, message


@pytest.mark.parametrize("transform", ["jit", "vmap"])
@pytest.mark.parametrize(("case", "name"), INT_PARAMS)
def test_int_parameter_rejects_float_tracer(
    case: Case, name: str, transform: str
) -> None:
    shape = case.params[name].shape

    def build(value: jax.Array) -> Any:
        return _call(case, name, value)

    if transform == "jit":
        run = functools.partial(jax.jit(build), jnp.ones(shape, dtype=jnp.float32))
    else:
        run = functools.partial(
            jax.vmap(build), jnp.ones((2, *shape), dtype=jnp.float32)
        )
    with pytest.raises(TypeError) as info:
        run()
    _assert_names(info.value, (_class_name(case.id),), name)
    assert "float32" in str(info.value)


def test_float0_from_grad_is_what_jax_hands_out() -> None:
    # The float0 input above is the real thing: the gradient of an integer
    # input.
    value: Any = _float0_like(np.zeros((2, 3)))
    with pytest.raises(TypeError) as info:
        td.Normal(value, 1.0)
    _assert_names(info.value, ("Normal",), "loc")
    assert "allow_int" in str(info.value)
    # Also when the float0 array arrives inside a structure jax.grad returns.
    grads = jax.grad(
        lambda p: jnp.sum(p["x"]) * jnp.sum(p["n"]).astype(jnp.float32),
        allow_int=True,
    )({"x": jnp.ones(3), "n": jnp.arange(3)})
    with pytest.raises(td.ParameterTypeError, match="`scale`"):
        td.Normal(grads["x"], grads["n"])


# ---------------------------------------------------------------------------
# Shapes

_EYE3 = np.eye(3)


def _eye_batch(n: int, batch: int) -> npt.NDArray[np.float64]:
    return np.broadcast_to(np.eye(n), (batch, n, n)).copy()


SHAPE_MISMATCHES: list[Any] = [
    pytest.param(
        lambda: td.Normal(jnp.zeros(2), jnp.ones(3)), "Normal", "scale", id="normal"
    ),
    pytest.param(
        lambda: td.MultivariateNormal(jnp.zeros(3), covariance_matrix=jnp.eye(4)),
        "MultivariateNormal",
        "covariance_matrix",
        id="mvn-n",
    ),
    pytest.param(
        lambda: td.MultivariateNormal(jnp.zeros(3), scale_tril=jnp.ones((3, 4))),
        "MultivariateNormal",
        "scale_tril",
        id="mvn-not-square",
    ),
    pytest.param(
        lambda: td.MultivariateNormal(
            jnp.zeros((2, 3)), covariance_matrix=_eye_batch(3, 5)
        ),
        "MultivariateNormal",
        "covariance_matrix",
        id="mvn-batch",
    ),
    pytest.param(
        lambda: td.Categorical(probs=jnp.asarray(0.5)),
        "CategoricalProbs",
        "probs",
        id="categorical-probs-0d",
    ),
    pytest.param(
        lambda: td.Categorical(logits=0.5),
        "CategoricalLogits",
        "logits",
        id="categorical-logits-python",
    ),
    pytest.param(
        lambda: td.Dirichlet(jnp.asarray(1.0)),
        "Dirichlet",
        "concentration",
        id="dirichlet-0d",
    ),
    pytest.param(
        lambda: td.Binomial(total_count=np.array([1, 2]), probs=np.full(3, 0.5)),
        "BinomialProbs",
        "total_count",
        id="binomial-batch",
    ),
]


@pytest.mark.parametrize(("build", "owner", "name"), SHAPE_MISMATCHES)
def test_shape_mismatch_rejected(
    build: Callable[[], object], owner: str, name: str
) -> None:
    with pytest.raises(TypeError) as info:
        build()
    _assert_names(info.value, (owner,), name)
    assert "Check the shapes" in str(info.value)


def test_shape_mismatch_rejected_under_jit() -> None:
    with pytest.raises(td.ParameterTypeError, match="`scale`"):
        jax.jit(td.Normal)(jnp.zeros(2), jnp.ones(3))


BROADCASTS: list[Any] = [
    pytest.param(
        lambda: td.Normal(jnp.zeros((2, 1)), jnp.ones(3)),
        np.broadcast_shapes((2, 1), (3,)),
        (),
        id="normal",
    ),
    pytest.param(
        lambda: td.MultivariateNormal(0.0, covariance_matrix=_EYE3),
        _EYE3.shape[:-2],
        _EYE3.shape[-1:],
        id="mvn-scalar-loc",
    ),
    pytest.param(
        lambda: td.MultivariateNormal(jnp.zeros(3), covariance_matrix=_eye_batch(3, 5)),
        np.broadcast_shapes((), _eye_batch(3, 5).shape[:-2]),
        (3,),
        id="mvn-batched-matrix",
    ),
    pytest.param(
        lambda: td.MultivariateNormal(
            jnp.zeros((2, 1, 3)), scale_tril=_eye_batch(3, 5)
        ),
        np.broadcast_shapes((2, 1), (5,)),
        (3,),
        id="mvn-batch-broadcast",
    ),
]


@pytest.mark.parametrize(("build", "batch_shape", "event_shape"), BROADCASTS)
def test_broadcasting_shapes_accepted(
    build: Callable[[], Any],
    batch_shape: tuple[int, ...],
    event_shape: tuple[int, ...],
) -> None:
    d = build()
    assert d.batch_shape == batch_shape
    assert d.event_shape == event_shape
    assert d.mean.shape == batch_shape + event_shape


# ---------------------------------------------------------------------------
# Exclusive parametrisations

_P = 0.3
_L = 0.1
_CAT = np.array([0.2, 0.8])

# The factories' overloads reject these calls statically too (hence the
# `type: ignore`s); at runtime they raise ParameterTypeError.
EXCLUSIVE: list[Any] = [
    pytest.param(
        lambda: td.Bernoulli(),  # type: ignore[call-overload]
        "Bernoulli",
        ("probs", "logits"),
        id="bernoulli-none",
    ),
    pytest.param(
        lambda: td.Bernoulli(probs=_P, logits=_L),  # type: ignore[call-overload]
        "Bernoulli",
        ("probs", "logits"),
        id="bernoulli-both",
    ),
    pytest.param(
        lambda: td.Binomial(),  # type: ignore[call-overload]
        "Binomial",
        ("probs", "logits"),
        id="binomial-none",
    ),
    pytest.param(
        lambda: td.Binomial(3, probs=_P, logits=_L),  # type: ignore[call-overload]
        "Binomial",
        ("probs", "logits"),
        id="binomial-both",
    ),
    pytest.param(
        lambda: td.Categorical(),  # type: ignore[call-overload]
        "Categorical",
        ("probs", "logits"),
        id="categorical-none",
    ),
    pytest.param(
        lambda: td.Categorical(probs=_CAT, logits=_CAT),  # type: ignore[call-overload]
        "Categorical",
        ("probs", "logits"),
        id="categorical-both",
    ),
    pytest.param(
        lambda: td.Geometric(),  # type: ignore[call-overload]
        "Geometric",
        ("probs", "logits"),
        id="geometric-none",
    ),
    pytest.param(
        lambda: td.Geometric(probs=_P, logits=_L),  # type: ignore[call-overload]
        "Geometric",
        ("probs", "logits"),
        id="geometric-both",
    ),
    pytest.param(
        lambda: td.MultivariateNormal(jnp.zeros(3)),  # type: ignore[call-overload]
        "MultivariateNormal",
        ("covariance_matrix", "precision_matrix", "scale_tril"),
        id="mvn-none",
    ),
    pytest.param(
        lambda: td.MultivariateNormal(  # type: ignore[call-overload]
            jnp.zeros(3), covariance_matrix=_EYE3, precision_matrix=_EYE3
        ),
        "MultivariateNormal",
        ("covariance_matrix", "precision_matrix"),
        id="mvn-two",
    ),
    pytest.param(
        lambda: td.MultivariateNormal(  # type: ignore[call-overload]
            jnp.zeros(3), covariance_matrix=_EYE3, scale_tril=_EYE3
        ),
        "MultivariateNormal",
        ("covariance_matrix", "scale_tril"),
        id="mvn-two-other",
    ),
    pytest.param(
        lambda: td.MultivariateNormal(  # type: ignore[call-overload]
            jnp.zeros(3),
            covariance_matrix=_EYE3,
            precision_matrix=_EYE3,
            scale_tril=_EYE3,
        ),
        "MultivariateNormal",
        ("covariance_matrix", "precision_matrix", "scale_tril"),
        id="mvn-three",
    ),
]


@pytest.mark.parametrize(("build", "owner", "names"), EXCLUSIVE)
def test_exclusive_parametrisation(
    build: Callable[[], object], owner: str, names: tuple[str, ...]
) -> None:
    with pytest.raises(TypeError) as info:
        build()
    _assert_names(info.value, (owner,), *names)


# ---------------------------------------------------------------------------
# Value constraints


@dataclasses.dataclass(frozen=True)
class Violation:
    """A call whose argument `name` has the right kind but a bad value."""

    build: Callable[..., Any]
    kwargs: dict[str, Any]
    name: str
    owner: str

    def call(self, **extra: Any) -> Any:
        return self.build(**self.kwargs, **extra)

    def traced(self) -> Any:
        """Build under `jax.jit`, with the bad argument a jit argument."""
        others = {k: v for k, v in self.kwargs.items() if k != self.name}

        def build(value: jax.Array) -> Any:
            return self.build(**others, **{self.name: value})

        return jax.jit(build)(self.kwargs[self.name])


VIOLATIONS = [
    pytest.param(
        Violation(td.Bernoulli, {"probs": 1.5}, "probs", "BernoulliProbs"), id="probs"
    ),
    pytest.param(
        Violation(td.Normal, {"loc": 0.0, "scale": -1.0}, "scale", "Normal"),
        id="scale",
    ),
    pytest.param(
        Violation(
            td.Normal,
            {"loc": 0.0, "scale": jnp.array([1.0, -1.0, 2.0])},
            "scale",
            "Normal",
        ),
        id="scale-array",
    ),
    pytest.param(
        Violation(
            td.Dirichlet,
            {"concentration": jnp.array([1.0, -1.0])},
            "concentration",
            "Dirichlet",
        ),
        id="dirichlet",
    ),
    pytest.param(
        Violation(
            td.MultivariateNormal,
            {"loc": jnp.zeros(2), "covariance_matrix": -jnp.eye(2)},
            "covariance_matrix",
            "MultivariateNormal",
        ),
        id="mvn",
    ),
    pytest.param(
        Violation(
            td.Binomial,
            {"total_count": -1, "probs": 0.5},
            "total_count",
            "BinomialProbs",
        ),
        id="total_count",
    ),
]


@pytest.mark.parametrize("violation", VIOLATIONS)
def test_value_violation_raises(violation: Violation) -> None:
    with pytest.raises(ValueError, match=f"`{violation.name}`") as info:
        violation.call()
    error = info.value
    assert isinstance(error, td.ParameterValueError), type(error)
    message = str(error)
    assert message.startswith(f"{violation.owner}:"), message
    assert f"`{violation.name}`" in message, message


@pytest.mark.parametrize("violation", VIOLATIONS)
def test_value_violation_not_checked_without_validation(
    violation: Violation,
) -> None:
    d = violation.call(validate_args=False)
    assert type(d).__name__ == violation.owner


@pytest.mark.parametrize("violation", VIOLATIONS)
def test_value_violation_skipped_when_traced(violation: Violation) -> None:
    # NumPyro's behaviour: constraints are checked on concrete values only.
    d = violation.traced()
    assert type(d).__name__ == violation.owner


def test_value_check_matches_numpyro() -> None:
    # The same calls are invalid for NumPyro itself.
    with pytest.raises(ValueError, match="probs"):
        nd.Bernoulli(probs=1.5, validate_args=True)
    with pytest.raises(ValueError, match="scale"):
        nd.Normal(0.0, -1.0, validate_args=True)


@pytest.mark.parametrize(
    "scale",
    [
        [1.0, -1.0, 2.0],
        [-1.0, 2.0, -3.0, -4.0],
        [[1.0, 1.0], [1.0, -1.0]],
        [[0.5, 0.0, 2.0], [-1.0, 1.0, 0.0]],
    ],
    ids=["1d-middle", "1d-first", "2d-last", "2d-zero"],
)
def test_violation_message_reports_count_and_first_index(scale: list[Any]) -> None:
    array = np.asarray(scale)
    bad = np.argwhere(~(array > 0))  # scale must be positive
    with pytest.raises(td.ParameterValueError) as info:
        td.Normal(0.0, jnp.asarray(array))
    message = str(info.value)
    assert f"{len(bad)} of {array.size}" in message, message
    assert str(tuple(int(i) for i in bad[0])) in message, message


# ---------------------------------------------------------------------------
# Options


@pytest.mark.parametrize("is_sparse", ["yes", None, 1])
def test_option_rejects_wrong_type(is_sparse: object) -> None:
    with pytest.raises(TypeError) as info:
        td.Poisson(1.0, is_sparse=is_sparse)  # type: ignore[arg-type]
    _assert_names(info.value, ("Poisson",), "is_sparse")


def test_option_accepts_bool() -> None:
    assert td.Poisson(1.0, is_sparse=True).is_sparse is True
