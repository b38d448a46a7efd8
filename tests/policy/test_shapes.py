"""Argument shapes: hand-picked mismatches rejected, broadcasting accepted.

Each mismatch is a ParameterTypeError whose first line names the owner and
the parameter and whose message says "Check the shapes" (the dtype side, "a
dtype problem is never reported as a shape error", is checked for every
parameter in test_every_parameter.py). Empty arrays and NumPyro's own shape
checks are accepted soundly or rejected naming the parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpy.typing as npt
import pytest

import typed_dists as td
from helpers.adversarial import Kwargs, assert_names, outcome_failure

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
    assert_names(info.value, (owner,), name)
    assert "Check the shapes" in str(info.value)


def test_shape_mismatch_rejected_under_jit() -> None:
    # Raised while tracing: nothing is compiled.
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


def test_empty_batch_is_accepted_or_rejected_naming_the_parameter() -> None:
    failures = []
    for shape in [(0, 3), (2, 0, 3)]:
        kwargs: Kwargs = {"concentration": np.ones(shape)}
        failure = outcome_failure(td.Dirichlet, ("concentration",), kwargs)
        if failure is not None:
            failures.append(f"{shape}: {failure}")
    assert not failures, "\n".join(failures)


def test_delta_event_dim_beyond_v_names_the_parameter() -> None:
    """NumPyro's own check of Delta's `event_dim` against `v`'s shape is
    reported naming the parameters (or the call is accepted soundly)."""
    kwargs: Kwargs = {"v": np.ones((), np.float32), "event_dim": 1}
    failure = outcome_failure(td.Delta, ("v", "event_dim"), kwargs)
    assert failure is None, failure
