"""Value checks on hand-picked calls the constraint-derived table does not make.

`tests/policy/test_every_parameter.py::test_value_violations` derives a
violating value of every float parameter from its NumPyro constraint. Here:
an integer parameter (Binomial `total_count`), an array violating in one
element only, a circulant covariance row (positive definiteness is not an
element-wise bound), non-finite matrices, and NumPyro's own argument checks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import typed_dists as td


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
        """Build under `jax.jit` with the bad argument traced (`eval_shape`:
        traced only)."""
        others = {k: v for k, v in self.kwargs.items() if k != self.name}

        def build(value: jax.Array) -> Any:
            return self.build(**others, **{self.name: value})

        return jax.eval_shape(build, self.kwargs[self.name])


VIOLATIONS = [
    pytest.param(
        Violation(
            td.Normal,
            {"loc": 0.0, "scale": jnp.array([1.0, -1.0, 2.0])},
            "scale",
            "Normal",
        ),
        id="scale-one-element",
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
    pytest.param(
        Violation(
            td.CirculantNormal,
            # rfft of [1, 2, 1, 2] is [6, 0, -2]: not positive definite.
            {"loc": jnp.zeros(4), "covariance_row": jnp.array([1.0, 2.0, 1.0, 2.0])},
            "covariance_row",
            "CirculantNormal",
        ),
        id="circulant-row",
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


def test_sine_skewed_empty_skewness_names_the_parameter() -> None:
    """NumPyro checks SineSkewed's `skewness` against its base's event shape
    with an `assert`; an empty skewness (d = 0, which jaxtyping's `d` accepts)
    gave a bare AssertionError (found by the hypothesis suite)."""
    base = td.SineBivariateVonMises(0.0, 0.0, 1.0, 1.0, correlation=0.1)
    with pytest.raises(td.ParameterValueError, match="`skewness`"):
        td.SineSkewed(base, np.array([], dtype=np.float16))
