"""A row of the generated table built once: its typed distribution and NumPyro's.

For a row `(g, batch)` of `helpers.generate.ROWS`, `built(g, batch)` gives the
arguments (`g.make` with a key fixed per parametrisation), the typed
distribution built through the row's constructor (the factory for a table
row), and NumPyro's own class built from the *promoted* arguments: float
parameters as float32 JAX arrays, integer ones as int32 (`jax_arguments`),
other arguments (NumPyro base distributions, options) as given. Both sides
then hold the same arrays, so stored parameters compare bitwise.

The result is cached per row and shared by the modules that use it: a check
must not change it, and a check that needs a distribution nobody has touched
(what NumPyro holds right after construction) builds its own from `kwargs`.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from helpers.generate import EVERY, Generated, jax_arguments
from helpers.values import support_value
from typed_dists._core._record import record_of

ONE_BATCH: list[tuple[Generated, tuple[int, ...]]] = [
    (g, g.batch_shapes[-1]) for g in EVERY
]
"""Every parametrisation once: a generated one at batch shape (2,), a table
row at its own batch shape. For the eager checks of stored parameters, whose
cost is building the row (eager JAX compiles every operation for every shape:
building each row at both batch shapes doubles it) and whose outcome does not
depend on the batch shape: generated arguments share one batch shape, so
NumPyro broadcasts nothing but event dimensions, and the table rows add
batched matrices against an unbatched `loc`."""
ONE_BATCH_IDS = [f"{g.id}-batch{len(batch)}" for g, batch in ONE_BATCH]

EXPECTED_DTYPE = {"float": jnp.float32, "int": jnp.int32, "bool": jnp.bool_}
"""The dtype a stored array field of each kind has (x64 off)."""


@dataclasses.dataclass(frozen=True)
class Built:
    """One row, built (see the module docstring)."""

    g: Generated
    batch: tuple[int, ...]
    kwargs: dict[str, Any]
    """The arguments as generated (float64 NumPy arrays, NumPyro bases)."""
    arrays: dict[str, jax.Array]
    """The array parameters, promoted as the typed constructor promotes them."""
    others: dict[str, Any]
    """Every other argument, as given."""
    typed: Any
    plain: Any
    """NumPyro's own class built from `arrays` and `others`."""

    @property
    def is_table(self) -> bool:
        """Whether the row is a hand-picked table row."""
        return self.g.batch is not None

    @functools.cached_property
    def reference(self) -> tuple[jax.Array, jax.Array]:
        """Values inside the support (`support_value`: shape (4,) + batch +
        event, no sampler run) and NumPyro's `log_prob` of them, computed once
        per row (eagerly: each check that compares `log_prob` reuses them)."""
        value = support_value(self.plain, jax.random.key(3))
        return value, self.plain.log_prob(value)


def row_key(g: Generated) -> jax.Array:
    """The key a parametrisation's arguments are drawn with."""
    return jax.random.key(EVERY.index(g))


@functools.cache
def _built(index: int, batch: tuple[int, ...]) -> Built:
    g = EVERY[index]
    kwargs = g.make(row_key(g), batch)
    arrays, others = jax_arguments(g, kwargs)
    typed = g.constructor(**kwargs)
    plain = g.cls.numpyro_class(**arrays, **others)
    return Built(g, batch, kwargs, arrays, others, typed, plain)


def built(g: Generated, batch: tuple[int, ...]) -> Built:
    """The row `(g, batch)`, built once per process."""
    return _built(EVERY.index(g), batch)


def stored_arrays(dist: Any) -> dict[str, tuple[str, jax.Array]]:
    """A typed distribution's array fields: field -> (NumPyro attribute, array).

    The NumPyro attribute is where NumPyro keeps the same parameter (a field
    may be named differently, e.g. `_given_mean` for NumPyro's `mean`).
    """
    attributes = record_of(type(dist)).attributes
    return {
        field: (attribute, value)
        for field, attribute in attributes.items()
        if isinstance(value := getattr(dist, field), jax.Array)
    }


def flat(tree: Any) -> tuple[list[Any], Any]:
    """`jax.tree_util.tree_flatten`, with the tree structure typed `Any` (mypy
    cannot compare the stub's `PyTreeDef`)."""
    leaves, structure = jax.tree_util.tree_flatten(tree)
    return leaves, structure


def same(actual: Any, expected: Any) -> None:
    """Identical arrays: shape, dtype and values (NaN == NaN)."""
    np.testing.assert_array_equal(np.asarray(actual), np.asarray(expected), strict=True)
