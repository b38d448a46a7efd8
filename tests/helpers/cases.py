"""One table of valid constructor calls for every typed distribution.

Each case names a typed constructor (class or factory), the NumPyro
constructor it mirrors, and valid float64 NumPy arguments with batch shape
(3,) or (2,): tests derive rejection, promotion, parity and gradient checks
from it rather than writing a case per distribution.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import numpyro.distributions as nd

import typed_dists as td


def _spd(n: int, batch: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


@dataclasses.dataclass(frozen=True)
class Case:
    """A valid call: `typed(**params)` and `numpyro(**params)` agree."""

    id: str
    typed: Callable[..., Any]
    numpyro: Callable[..., Any]
    params: dict[str, Any]
    int_params: tuple[str, ...] = ()
    discrete: bool = False

    @property
    def float_params(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in self.int_params)


_LOC = np.array([0.1, -0.3, 0.5])
_SCALE = np.array([1.0, 2.0, 0.5])
_PROBS = np.array([0.2, 0.5, 0.9])
_LOGITS = np.array([-1.0, 0.0, 2.0])
_COV = _spd(3, 2, seed=0)

CASES: list[Case] = [
    Case("Normal", td.Normal, nd.Normal, {"loc": _LOC, "scale": _SCALE}),
    Case("HalfNormal", td.HalfNormal, nd.HalfNormal, {"scale": _SCALE}),
    Case("LogNormal", td.LogNormal, nd.LogNormal, {"loc": _LOC, "scale": _SCALE}),
    Case(
        "StudentT",
        td.StudentT,
        nd.StudentT,
        {"df": np.array([3.0, 5.0, 10.0]), "loc": _LOC, "scale": _SCALE},
    ),
    Case("Cauchy", td.Cauchy, nd.Cauchy, {"loc": _LOC, "scale": _SCALE}),
    Case("Laplace", td.Laplace, nd.Laplace, {"loc": _LOC, "scale": _SCALE}),
    Case(
        "Beta",
        td.Beta,
        nd.Beta,
        {
            "concentration1": np.array([2.0, 0.5, 1.0]),
            "concentration0": np.array([3.0, 1.0, 0.7]),
        },
    ),
    Case(
        "Gamma",
        td.Gamma,
        nd.Gamma,
        {"concentration": np.array([2.0, 0.5, 1.5]), "rate": np.array([1.0, 2.0, 0.3])},
    ),
    Case("Exponential", td.Exponential, nd.Exponential, {"rate": _SCALE}),
    Case(
        "Uniform",
        td.Uniform,
        nd.Uniform,
        {"low": np.array([-1.0, 0.0, 2.0]), "high": np.array([1.0, 3.0, 5.0])},
    ),
    Case(
        "BernoulliProbs", td.Bernoulli, nd.Bernoulli, {"probs": _PROBS}, discrete=True
    ),
    Case(
        "BernoulliLogits",
        td.Bernoulli,
        nd.Bernoulli,
        {"logits": _LOGITS},
        discrete=True,
    ),
    Case(
        "BinomialProbs",
        td.Binomial,
        nd.Binomial,
        {"total_count": np.array([5, 10, 3]), "probs": _PROBS},
        int_params=("total_count",),
        discrete=True,
    ),
    Case(
        "BinomialLogits",
        td.Binomial,
        nd.Binomial,
        {"total_count": np.array([5, 10, 3]), "logits": _LOGITS},
        int_params=("total_count",),
        discrete=True,
    ),
    Case(
        "CategoricalProbs",
        td.Categorical,
        nd.Categorical,
        # Dyadic probabilities: exactly representable at every float width, so
        # the simplex check (tolerance 1e-6) holds for float16 and bfloat16 too.
        {"probs": np.array([[0.25, 0.25, 0.5], [0.125, 0.125, 0.75]])},
        discrete=True,
    ),
    Case(
        "CategoricalLogits",
        td.Categorical,
        nd.Categorical,
        {"logits": np.array([[0.2, -1.3, 0.5], [1.0, 0.1, -0.8]])},
        discrete=True,
    ),
    Case("Poisson", td.Poisson, nd.Poisson, {"rate": _SCALE}, discrete=True),
    Case(
        "GeometricProbs", td.Geometric, nd.Geometric, {"probs": _PROBS}, discrete=True
    ),
    Case(
        "GeometricLogits",
        td.Geometric,
        nd.Geometric,
        {"logits": _LOGITS},
        discrete=True,
    ),
    Case(
        "Dirichlet",
        td.Dirichlet,
        nd.Dirichlet,
        {"concentration": np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]])},
    ),
    Case(
        "MultivariateNormal-covariance",
        td.MultivariateNormal,
        nd.MultivariateNormal,
        {
            "loc": np.array([[0.0, 1.0, -1.0], [0.5, 0.5, 0.5]]),
            "covariance_matrix": _COV,
        },
    ),
    Case(
        "MultivariateNormal-precision",
        td.MultivariateNormal,
        nd.MultivariateNormal,
        {"loc": np.array([0.0, 1.0, -1.0]), "precision_matrix": _COV},
    ),
    Case(
        "MultivariateNormal-scale_tril",
        td.MultivariateNormal,
        nd.MultivariateNormal,
        {"loc": np.array([0.0, 1.0, -1.0]), "scale_tril": np.linalg.cholesky(_COV)},
    ),
]

CASE_IDS = [c.id for c in CASES]

# Every distribution of this first family must have a case.
DISTRIBUTIONS = {
    "Bernoulli", "Binomial", "Categorical", "Poisson", "Geometric", "Normal",
    "HalfNormal", "LogNormal", "StudentT", "Cauchy", "Laplace", "Beta", "Gamma",
    "Exponential", "Uniform", "Dirichlet", "MultivariateNormal",
}  # fmt: skip
