"""Broadcasting variants NumPyro accepts are accepted, for every class.

From each generated parametrisation (batch shape (2,)), every array
parameter in turn is made a 0-d array (its first element) or given size 1 in
one of its dimensions, the others kept. Where NumPyro's own class builds the
variant with the row's batch and event shapes (so that it broadcast the
parameter) and scores values of its support, the typed constructor must
build it too and give NumPyro's log-density, bit for bit: an annotation stricter
than NumPyro's broadcasting (the `GaussianCopulaBeta` and `ZeroSumNormal`
scalars once were) fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jax
import numpy as np
import pytest

import typed_dists as td
from helpers.generate import GENERATED, Generated, jax_arguments, typed_options
from helpers.values import support_value

pytestmark = pytest.mark.slow

BATCH = (2,)
Shapes = tuple[tuple[int, ...], tuple[int, ...]]
ROWS = [g for g in GENERATED if BATCH in g.batch_shapes]

# Variants NumPyro builds only because `jnp` broadcasts inside its formulas:
# each is a matrix cut in one of its own (event) dimensions, which NumPyro
# documents as square. The typed classes reject them on purpose (the
# migration page lists them); the test checks that they do.
NOT_BROADCASTS = {
    ("GaussianStateSpace", "transition_matrix: size 1 at axis 0"): (
        "one row for the n x n transition matrix, broadcast by NumPyro's matmul"
    ),
    ("CAR", "adj_matrix: size 1 at axis 1"): (
        "one column for the n x n adjacency matrix, broadcast by NumPyro's sums"
    ),
}


def variants(arrays: dict[str, jax.Array]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each array parameter with a leading size-1 dimension, as a 0-d array,
    and with each of its dimensions of size > 1 cut to size 1; the other
    parameters unchanged."""
    for name, value in arrays.items():
        yield f"{name}: leading size 1", {**arrays, name: value[None]}
        if value.ndim == 0:
            continue
        yield f"{name}: scalar", {**arrays, name: value.reshape(-1)[0]}
        for axis, size in enumerate(value.shape):
            if size > 1:
                cut = jax.lax.slice_in_dim(value, 0, 1, axis=axis)
                yield f"{name}: size 1 at axis {axis}", {**arrays, name: cut}


def _numpyro_reference(
    g: Generated, arrays: dict[str, Any], others: dict[str, Any], shapes: Shapes
) -> tuple[Any, jax.Array] | None:
    """Values in the support of NumPyro's build of the variant and its
    log-density of them; `None` when NumPyro refuses the variant, or builds
    a distribution of other shapes than the row's (a scalar for a matrix
    parameter is no broadcast of it: NumPyro then builds something else)."""
    try:
        plain = g.cls.numpyro_class(**arrays, **others)
        if (plain.batch_shape, plain.event_shape) != shapes:
            return None
        value = support_value(plain, jax.random.key(5))
        expected: Any = plain.log_prob(value)
    except (ValueError, TypeError, AssertionError, IndexError, AttributeError):
        return None  # refused (AttributeError: NumPyro's own constructor crashed)
    return value, expected


@pytest.mark.numpyro_eager
@pytest.mark.parametrize("g", ROWS, ids=[g.id for g in ROWS])
def test_numpyro_accepted_variants_are_accepted(g: Generated) -> None:
    kwargs = g.make(jax.random.key(11), BATCH)
    arrays, others = jax_arguments(g, kwargs)
    row = g.cls.numpyro_class(**arrays, **others)
    shapes = (row.batch_shape, row.event_shape)
    failures: list[str] = []
    tried = 0
    for label, variant in variants(arrays):
        reference = _numpyro_reference(g, variant, others, shapes)
        if reference is None:
            continue
        tried += 1
        value, expected = reference
        if (g.id, label) in NOT_BROADCASTS:
            with pytest.raises(td.ParameterTypeError, match=label.split(":")[0]):
                g.constructor(**variant, **typed_options(others))
            continue
        try:
            typed = g.constructor(**variant, **typed_options(others))
        except Exception as error:  # any refusal is the failure reported
            failures.append(f"{label}: {type(error).__name__}: {error}")
            continue
        actual = typed.log_prob(value)
        if not np.array_equal(np.asarray(actual), np.asarray(expected), equal_nan=True):
            failures.append(f"{label}: log_prob {actual} != NumPyro's {expected}")
    assert not failures, "\n".join(failures)
    if sum(1 for a in arrays.values() if a.ndim) >= 2:
        # Not vacuous: with two array parameters, a size-1 cut of one's batch
        # dimension broadcasts against the other to the row's shapes.
        assert tried > 0
