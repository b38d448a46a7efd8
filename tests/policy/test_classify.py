"""What a float parameter accepts, on the kinds the generated tables do not
derive: float0 as `jax.grad` hands it out (also inside a gradient pytree),
8-bit and 4-bit floats, every floating dtype NumPy and JAX know (including
NumPy's long double), masked arrays. The generated tables
(`tests/policy/test_every_parameter.py`) check every parameter against the
kinds of `helpers.adversarial`.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import jaxtyping
import numpy as np
import pytest

import typed_dists as td
from helpers.adversarial import (
    assert_names,
    float0_from_grad,
    float_field_problems,
    outcome_failure,
)


def test_float0_from_grad_is_what_jax_hands_out() -> None:
    # The float0 input of the tables is the real thing: the gradient of an
    # integer input.
    value: Any = float0_from_grad((2, 3))
    with pytest.raises(TypeError) as info:
        td.Normal(value, 1.0)
    assert_names(info.value, ("Normal",), "loc")
    assert "allow_int" in str(info.value)
    # Also when the float0 array arrives inside a structure jax.grad returns.
    grads = jax.grad(
        lambda p: jnp.sum(p["x"]) * jnp.sum(p["n"]).astype(jnp.float32),
        allow_int=True,
    )({"x": jnp.ones(3), "n": jnp.arange(3)})
    with pytest.raises(td.ParameterTypeError, match="`scale`"):
        td.Normal(grads["x"], grads["n"])


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
        failure = outcome_failure(td.Normal, ("loc", "scale"), kwargs)
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


def test_masked_array_is_rejected_naming_the_parameter() -> None:
    masked = np.ma.masked_array([1.0, 2.0], mask=[False, True])
    with pytest.raises(td.ParameterTypeError, match="Normal: parameter `loc`") as info:
        td.Normal(masked, 1.0)
    assert "mask" in str(info.value)
