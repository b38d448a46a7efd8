"""typed_dists: typed, validated NumPyro distributions as Equinox modules.

Every distribution checks its arguments at construction (kind, dtype and
shape, with beartype through jaxtyping), promotes float parameters to one
floating dtype, and delegates its behaviour to NumPyro.
"""

from importlib.metadata import version as _version

from ._core import Derived, TypedDistribution, exactly_one
from ._families._continuous import (
    Beta,
    Cauchy,
    Exponential,
    Gamma,
    HalfNormal,
    Laplace,
    LocScale,
    LogNormal,
    Normal,
    StudentT,
    Uniform,
)
from ._families._discrete import (
    Bernoulli,
    BernoulliLogits,
    BernoulliProbs,
    Binomial,
    BinomialLogits,
    BinomialProbs,
    Categorical,
    CategoricalLogits,
    CategoricalProbs,
    Geometric,
    GeometricLogits,
    GeometricProbs,
    Poisson,
    ScalarLogits,
    ScalarProbs,
)
from ._families._multivariate import Dirichlet, MultivariateNormal
from ._interop import from_numpyro
from ._policy import FloatLike, IntLike, ParameterTypeError, ParameterValueError

__version__ = _version("typed_dists")

__all__ = [
    # mechanism
    "TypedDistribution",
    "Derived",
    "exactly_one",
    "FloatLike",
    "IntLike",
    "ParameterTypeError",
    "ParameterValueError",
    "from_numpyro",
    # shared family bases, for wrapping your own
    "LocScale",
    "ScalarProbs",
    "ScalarLogits",
    # continuous
    "Beta",
    "Cauchy",
    "Exponential",
    "Gamma",
    "HalfNormal",
    "Laplace",
    "LogNormal",
    "Normal",
    "StudentT",
    "Uniform",
    # discrete
    "Bernoulli",
    "BernoulliLogits",
    "BernoulliProbs",
    "Binomial",
    "BinomialLogits",
    "BinomialProbs",
    "Categorical",
    "CategoricalLogits",
    "CategoricalProbs",
    "Geometric",
    "GeometricLogits",
    "GeometricProbs",
    "Poisson",
    # multivariate
    "Dirichlet",
    "MultivariateNormal",
]
