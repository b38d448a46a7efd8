"""Hand-picked constructor calls whose values matter.

The generated arguments (`helpers/generate.py`) are normal draws mapped onto
each constraint; these rows add values a draw never gives: `logits` exactly 0
(the kink of NumPyro's softplus), an inhomogeneous Binomial `total_count`
(NumPyro's `enumerate_support` refuses it), dyadic Categorical
probabilities (exact at every float width, so the simplex check passes in
float16), concentrations below 1, an unbatched `loc` against a batched
precision matrix. Each row names the typed constructor it is called through
(class or factory) and NumPyro's, with float64 NumPy arguments of batch shape
(3,) or (2,). `helpers.generate.TABLE` turns them into rows of the generated
suite, so every generated check also runs on them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

import typed_dists as td


def _spd(n: int, batch: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


@dataclasses.dataclass(frozen=True)
class Row:
    """A valid call `typed(**params)`. The NumPyro class it mirrors, its
    integer parameters and its support come from the class it returns."""

    id: str
    typed: Callable[..., Any]
    params: dict[str, Any]


_LOC = np.array([0.1, -0.3, 0.5])
_SCALE = np.array([1.0, 2.0, 0.5])
_PROBS = np.array([0.2, 0.5, 0.9])
_LOGITS = np.array([-1.0, 0.0, 2.0])
_COV = _spd(3, 2, seed=0)

ROWS: list[Row] = [
    Row("Normal", td.Normal, {"loc": _LOC, "scale": _SCALE}),
    Row("HalfNormal", td.HalfNormal, {"scale": _SCALE}),
    Row("LogNormal", td.LogNormal, {"loc": _LOC, "scale": _SCALE}),
    Row(
        "StudentT",
        td.StudentT,
        {"df": np.array([3.0, 5.0, 10.0]), "loc": _LOC, "scale": _SCALE},
    ),
    Row("Cauchy", td.Cauchy, {"loc": _LOC, "scale": _SCALE}),
    Row("Laplace", td.Laplace, {"loc": _LOC, "scale": _SCALE}),
    Row(
        "Beta",
        td.Beta,
        {
            "concentration1": np.array([2.0, 0.5, 1.0]),
            "concentration0": np.array([3.0, 1.0, 0.7]),
        },
    ),
    Row(
        "Gamma",
        td.Gamma,
        {"concentration": np.array([2.0, 0.5, 1.5]), "rate": np.array([1.0, 2.0, 0.3])},
    ),
    Row("Exponential", td.Exponential, {"rate": _SCALE}),
    Row(
        "Uniform",
        td.Uniform,
        {"low": np.array([-1.0, 0.0, 2.0]), "high": np.array([1.0, 3.0, 5.0])},
    ),
    Row("BernoulliProbs", td.Bernoulli, {"probs": _PROBS}),
    Row("BernoulliLogits", td.Bernoulli, {"logits": _LOGITS}),
    Row(
        "BinomialProbs",
        td.Binomial,
        {"total_count": np.array([5, 10, 3]), "probs": _PROBS},
    ),
    Row(
        "BinomialLogits",
        td.Binomial,
        {"total_count": np.array([5, 10, 3]), "logits": _LOGITS},
    ),
    Row(
        "CategoricalProbs",
        td.Categorical,
        # Dyadic probabilities: exactly representable at every float width, so
        # the simplex check (tolerance 1e-6) holds for float16 and bfloat16 too.
        {"probs": np.array([[0.25, 0.25, 0.5], [0.125, 0.125, 0.75]])},
    ),
    Row(
        "CategoricalLogits",
        td.Categorical,
        {"logits": np.array([[0.2, -1.3, 0.5], [1.0, 0.1, -0.8]])},
    ),
    Row("Poisson", td.Poisson, {"rate": _SCALE}),
    Row("GeometricProbs", td.Geometric, {"probs": _PROBS}),
    Row("GeometricLogits", td.Geometric, {"logits": _LOGITS}),
    Row(
        "Dirichlet",
        td.Dirichlet,
        {"concentration": np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]])},
    ),
    Row(
        "MultivariateNormal-covariance",
        td.MultivariateNormal,
        {
            "loc": np.array([[0.0, 1.0, -1.0], [0.5, 0.5, 0.5]]),
            "covariance_matrix": _COV,
        },
    ),
    Row(
        "MultivariateNormal-precision",
        td.MultivariateNormal,
        {"loc": np.array([0.0, 1.0, -1.0]), "precision_matrix": _COV},
    ),
    Row(
        "MultivariateNormal-scale_tril",
        td.MultivariateNormal,
        {"loc": np.array([0.0, 1.0, -1.0]), "scale_tril": np.linalg.cholesky(_COV)},
    ),
]
