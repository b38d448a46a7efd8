"""Shared tools of the inference-stack compatibility suites (`test_compat_*.py`).

Each case writes its model once, as a function of the distributions module it
uses (`numpyro.distributions` or `typed_dists`, which have the same names and
signatures), runs it both ways with the same PRNG key, and compares the
results: identical arrays, or equal within a tolerance stated with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

import jax
import numpy as np
import numpyro.distributions as nd

import typed_dists as td

T = TypeVar("T")

MODULES: tuple[ModuleType, ModuleType] = (nd, td)
"""NumPyro's distributions and typed_dists, in that order."""


def both(build: Callable[[ModuleType], T]) -> tuple[T, T]:
    """`build(numpyro.distributions)` and `build(typed_dists)`."""
    return build(nd), build(td)


def assert_identical(numpyro_result: Any, typed_result: Any) -> None:
    """The two results are the same pytree of bitwise-identical arrays."""
    assert str(jax.tree.structure(numpyro_result)) == str(
        jax.tree.structure(typed_result)
    )
    for expected, actual in zip(
        jax.tree.leaves(numpyro_result), jax.tree.leaves(typed_result), strict=True
    ):
        expected, actual = np.asarray(expected), np.asarray(actual)
        assert expected.shape == actual.shape
        np.testing.assert_array_equal(actual, expected)


def assert_close(
    numpyro_result: Any, typed_result: Any, *, rtol: float, atol: float, reason: str
) -> None:
    """The two results agree within a tolerance; `reason` says why they may
    differ at all (it is part of the test, for the reader)."""
    assert reason
    assert str(jax.tree.structure(numpyro_result)) == str(
        jax.tree.structure(typed_result)
    )
    for expected, actual in zip(
        jax.tree.leaves(numpyro_result), jax.tree.leaves(typed_result), strict=True
    ):
        np.testing.assert_allclose(
            np.asarray(actual), np.asarray(expected), rtol=rtol, atol=atol
        )


def sites_of(trace: dict[str, Any], *, kind: str = "sample") -> dict[str, Any]:
    """The values of a trace's sites of one kind, by name."""
    return {name: site["value"] for name, site in trace.items() if site["type"] == kind}
