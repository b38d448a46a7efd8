"""Static types users get from typed_dists: checked by mypy and pyright (strict).

Nothing here runs; each `assert_type` is a claim a checker verifies.
"""

from __future__ import annotations

from typing import assert_type, cast

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as nd

import typed_dists as td
from typed_dists.handlers import typecheck


def constructors() -> None:
    assert_type(td.Normal(0, 1), td.Normal)
    assert_type(td.Normal(0.0, jnp.ones(3)), td.Normal)
    assert_type(td.Normal(np.zeros(3), np.ones(3)), td.Normal)
    assert_type(td.Bernoulli(probs=0.3), td.BernoulliProbs)
    assert_type(td.Bernoulli(logits=jnp.zeros(2)), td.BernoulliLogits)
    assert_type(td.Categorical(probs=jnp.ones(3) / 3), td.CategoricalProbs)
    assert_type(td.Binomial(10, probs=0.5), td.BinomialProbs)
    assert_type(td.TruncatedNormal(0.0, 1.0, low=0.0), td.LeftTruncatedDistribution)
    assert_type(
        td.TruncatedNormal(0.0, 1.0, low=0.0, high=1.0),
        td.TwoSidedTruncatedDistribution,
    )
    assert_type(td.Independent(td.Normal(jnp.zeros(3), 1.0), 1), td.Independent)


def attributes_and_methods(key: jax.Array) -> None:
    d = td.Normal(0.0, 1.0)
    assert_type(d.loc, jax.Array)
    assert_type(d.scale, jax.Array)
    assert_type(d.log_prob(0.5), jax.Array)
    assert_type(d.sample(key, (3,)), jax.Array)
    assert_type(d.mean, jax.Array)
    assert_type(d.variance, jax.Array)
    assert_type(d.batch_shape, tuple[int, ...])
    assert_type(d.event_shape, tuple[int, ...])
    assert_type(td.Bernoulli(probs=0.3).logits, jax.Array)


def _log_density(loc: jax.Array, value: jax.Array) -> jax.Array:
    return td.Normal(loc, 1.0).log_prob(value).sum()


def _build(loc: jax.Array) -> td.Normal:
    return td.Normal(loc, 1.0)


def transformations(x: jax.Array) -> None:
    # `jax.vmap` keeps the wrapped function's types for both checkers.
    assert_type(jax.vmap(_log_density)(x, x), jax.Array)
    assert_type(jax.vmap(_build)(x), td.Normal)
    # JAX types the results of `jax.jit` and `jax.grad` as `Any` (mypy) or
    # unknown (pyright): `cast` restores the type for the code that follows.
    assert_type(cast(jax.Array, jax.jit(_log_density)(x, x)), jax.Array)
    assert_type(cast(td.Normal, jax.jit(_build)(x)), td.Normal)
    assert_type(cast(jax.Array, jax.grad(_log_density)(x, x)), jax.Array)


def _numpyro_normal_mean(d: nd.Normal) -> jax.Array:
    """A function written for NumPyro's class."""
    return jnp.asarray(d.loc)


def numpyro_annotated_code(probs: jax.Array, locs: jax.Array) -> None:
    # A typed distribution is its NumPyro class, for checkers too: NumPyro's
    # own annotated signatures, and user code written for NumPyro, take it.
    _numpyro_normal_mean(td.Normal(0.0, 1.0))
    mixture = nd.MixtureSameFamily(td.Categorical(probs=probs), td.Normal(locs, 1.0))
    plain: nd.BernoulliProbs = td.Bernoulli(probs=0.5)
    print(mixture, plain)


def _plain_model(y: jax.Array) -> None:
    """A model written for NumPyro."""
    numpyro.sample("y", nd.Normal(0.0, 1.0), obs=y)


def model_checking(y: jax.Array) -> None:
    # The report of an unchanged model is typed, to its problems' fields.
    report = td.check_model(_plain_model, y, rng_seed=1)
    assert_type(report, td.ModelReport)
    assert_type(report.ok, bool)
    assert_type(report.site("y"), td.SiteInfo)
    assert_type(report.site("y").log_density, float | None)
    for problem in report.problems:
        assert_type(problem, td.Problem)
        assert_type(problem.kind, td.ProblemKind)
        assert_type(problem.site, str | None)
    try:
        report.raise_for_problems()
    except td.ModelCheckError as error:
        assert_type(error.report, td.ModelReport)
    # The handler, as NumPyro's are used: around a call, or wrapping a model.
    with typecheck():
        _plain_model(y)
    assert_type(typecheck(_plain_model), typecheck)
    try:
        typecheck(_plain_model)(y)
    except td.ParameterTypeError as error:
        assert_type(error.site, str | None)
        assert_type(error.parameter, str | None)
