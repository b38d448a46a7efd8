"""Mixtures, zero-inflated and hurdle distributions, and NegativeBinomial2.

The generated suite (`test_every_class.py`, arguments from
`helpers/params_mixture.py`)
checks each class against NumPyro's; this file checks the factories (which
typed class each call returns, log_prob parity with NumPyro's own factory),
the exclusive gate parametrisations, the rejection of integer parameters and
of NumPyro components with integer parameters, and that a typed mixture's
gradients are NumPyro's (`eqx.filter_grad` over every float leaf of every
mixture, hurdle and zero-inflated class is in `test_gradients.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest
from numpyro.distributions import constraints

import typed_dists as td
from helpers.versions import needs_numpyro

# log_prob of the same computation on typed and NumPyro distributions: equal
# up to rounding (both sides run NumPyro's code on the same float32 arrays).
RTOL = 1e-6
ATOL = 1e-6


def _f32(value: Any) -> jax.Array:
    return jnp.asarray(value, dtype=jnp.float32)


def _close(actual: Any, expected: Any) -> None:
    np.testing.assert_allclose(
        np.asarray(actual), np.asarray(expected), rtol=RTOL, atol=ATOL
    )


PROBS = _f32([0.2, 0.5, 0.3])
LOGITS = _f32([0.3, -1.0, 0.8])
LOC = _f32([-1.0, 0.5, 2.0])
SCALE = _f32([1.0, 0.3, 2.5])
MIX_VALUE = _f32([-2.0, 0.0, 0.7, 3.0])
RATE = _f32([0.5, 2.0, 4.0])
COUNTS = jnp.arange(6, dtype=jnp.int32)[:, None]  # (6, 1) against batch (3,)
GATE = _f32([0.1, 0.4, 0.7])
GATE_LOGITS = _f32([-1.5, 0.0, 1.2])
MEAN = _f32([0.8, 2.0, 5.0])
CONCENTRATION = _f32([0.5, 1.5, 3.0])


def _components() -> list[nd.Distribution]:
    return [
        nd.Normal(_f32(-1.0), _f32(1.0)),
        nd.Laplace(_f32(0.5), _f32(0.7)),
        nd.Normal(_f32(2.0), _f32(0.4)),
    ]


# ---------------------------------------------------------------------------
# Mixture: dispatch and parity


def test_mixture_of_one_batched_component_is_mixture_same_family() -> None:
    typed = td.Mixture(nd.CategoricalProbs(PROBS), nd.Normal(LOC, SCALE))
    plain = nd.Mixture(nd.CategoricalProbs(PROBS), nd.Normal(LOC, SCALE))
    assert type(typed) is td.MixtureSameFamily
    assert type(plain) is nd.MixtureSameFamily
    # The NumPyro arguments were converted to typed distributions.
    assert type(typed.mixing_distribution) is td.CategoricalProbs
    assert type(typed.component_distribution) is td.Normal
    assert typed.mixture_size == 3
    _close(typed.log_prob(MIX_VALUE), plain.log_prob(MIX_VALUE))
    _close(typed.mean, plain.mean)
    _close(typed.variance, plain.variance)


def test_mixture_of_a_list_is_mixture_general() -> None:
    mixing = nd.CategoricalLogits(LOGITS)
    typed = td.Mixture(mixing, _components())
    plain = nd.Mixture(mixing, _components())
    assert type(typed) is td.MixtureGeneral
    assert type(plain) is nd.MixtureGeneral
    assert type(typed.mixing_distribution) is td.CategoricalLogits
    assert [type(c) for c in typed.component_distributions] == [
        td.Normal,
        td.Laplace,
        td.Normal,
    ]
    _close(typed.log_prob(MIX_VALUE), plain.log_prob(MIX_VALUE))
    _close(typed.cdf(MIX_VALUE), plain.cdf(MIX_VALUE))


def test_typed_arguments_are_kept() -> None:
    mixing = td.Categorical(logits=LOGITS)
    component = td.Normal(LOC, SCALE)
    typed = td.Mixture(mixing, component)
    assert typed.mixing_distribution is mixing
    assert typed.component_distribution is component
    plain = nd.MixtureSameFamily(nd.CategoricalLogits(LOGITS), nd.Normal(LOC, SCALE))
    _close(typed.log_prob(MIX_VALUE), plain.log_prob(MIX_VALUE))


def test_mixture_general_support_option() -> None:
    # A real-valued and a positive component: their supports differ, so NumPyro
    # requires `support`, and masks each component outside its own support.
    mixing = nd.CategoricalProbs(_f32([0.4, 0.6]))
    components = [
        nd.Normal(_f32(0.0), _f32(1.0), validate_args=False),
        nd.HalfNormal(_f32(0.5), validate_args=False),
    ]
    typed = td.MixtureGeneral(mixing, components, support=constraints.real)
    plain = nd.MixtureGeneral(mixing, components, support=constraints.real)
    assert typed.support is constraints.real
    assert typed._given_support is constraints.real  # pyright: ignore[reportPrivateUsage]
    _close(typed.log_prob(MIX_VALUE), plain.log_prob(MIX_VALUE))
    # Inside jit, the mixture is rebuilt from its leaves with the same option.
    _close(jax.jit(lambda d: d.log_prob(MIX_VALUE))(typed), plain.log_prob(MIX_VALUE))


def test_mixture_same_family_with_multivariate_components() -> None:
    loc = _f32([[0.0, 1.0], [2.0, -1.0], [-2.0, 0.5]])
    scale_tril = jnp.broadcast_to(_f32([[1.0, 0.0], [0.3, 0.8]]), (3, 2, 2))
    mixing = nd.CategoricalProbs(PROBS)
    typed = td.Mixture(mixing, nd.MultivariateNormal(loc, scale_tril=scale_tril))
    plain = nd.Mixture(mixing, nd.MultivariateNormal(loc, scale_tril=scale_tril))
    assert type(typed.component_distribution) is td.MultivariateNormal
    assert typed.event_shape == (2,)
    value = _f32([[0.0, 0.0], [1.5, -0.5]])
    _close(typed.log_prob(value), plain.log_prob(value))


def test_mixing_distribution_must_be_categorical() -> None:
    with pytest.raises(td.ParameterTypeError, match="`mixing_distribution`"):
        td.MixtureSameFamily(
            nd.Normal(0.0, 1.0),  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
            nd.Normal(LOC, SCALE),
        )


def test_from_numpyro_converts_a_mixture_and_its_components() -> None:
    plain = nd.MixtureGeneral(nd.CategoricalProbs(PROBS), _components())
    typed = td.from_numpyro(plain)
    assert type(typed) is td.MixtureGeneral
    assert all(
        isinstance(c, td.TypedDistribution) for c in typed.component_distributions
    )
    _close(typed.log_prob(MIX_VALUE), plain.log_prob(MIX_VALUE))


# ---------------------------------------------------------------------------
# Zero-inflated and hurdle factories: dispatch and parity


GateFactory = Callable[..., Any]
# The typed classes by name: hurdle models need NumPyro 0.22 (`needs_numpyro`).
GATE_FACTORIES = [
    pytest.param(
        "ZeroInflatedDistribution",
        lambda **kw: td.ZeroInflatedDistribution(nd.Poisson(RATE), **kw),
        lambda **kw: nd.ZeroInflatedDistribution(nd.Poisson(RATE), **kw),
        "ZeroInflatedProbs",
        "ZeroInflatedLogits",
        id="ZeroInflatedDistribution",
    ),
    pytest.param(
        "HurdleDistribution",
        lambda **kw: td.HurdleDistribution(nd.Poisson(RATE), **kw),
        lambda **kw: nd.HurdleDistribution(nd.Poisson(RATE), **kw),
        "HurdleProbs",
        "HurdleLogits",
        id="HurdleDistribution",
        marks=needs_numpyro("HurdleDistribution"),
    ),
    pytest.param(
        "ZeroInflatedNegativeBinomial2",
        lambda **kw: td.ZeroInflatedNegativeBinomial2(MEAN, CONCENTRATION, **kw),
        lambda **kw: nd.ZeroInflatedNegativeBinomial2(MEAN, CONCENTRATION, **kw),
        "ZeroInflatedProbs",
        "ZeroInflatedLogits",
        id="ZeroInflatedNegativeBinomial2",
    ),
]


@pytest.mark.parametrize(
    ("name", "typed", "plain", "probs_class", "logits_class"), GATE_FACTORIES
)
@pytest.mark.parametrize("gate_name", ["gate", "gate_logits"])
def test_gate_factory_dispatch_and_parity(
    name: str,
    typed: GateFactory,
    plain: GateFactory,
    probs_class: str,
    logits_class: str,
    gate_name: str,
) -> None:
    value = GATE if gate_name == "gate" else GATE_LOGITS
    ours = typed(**{gate_name: value})
    theirs = plain(**{gate_name: value})
    expected = probs_class if gate_name == "gate" else logits_class
    assert type(ours) is getattr(td, expected)
    assert isinstance(ours, type(theirs))
    assert isinstance(ours.base_dist, td.TypedDistribution)
    _close(ours.log_prob(COUNTS), theirs.log_prob(COUNTS))
    _close(ours.mean, theirs.mean)
    _close(ours.gate, theirs.gate)


@needs_numpyro("HurdleNegativeBinomial2")
def test_hurdle_negative_binomial2() -> None:
    typed = td.HurdleNegativeBinomial2(GATE, MEAN, CONCENTRATION)
    plain = nd.HurdleNegativeBinomial2(GATE, MEAN, CONCENTRATION)
    assert type(typed) is td.HurdleProbs
    # The base is the typed counterpart of NumPyro's private hurdle NB2.
    assert isinstance(typed.base_dist, td.TypedDistribution)
    assert type(typed.base_dist.to_numpyro()) is type(plain.base_dist)
    assert isinstance(typed.base_dist, nd.NegativeBinomial2)
    _close(typed.log_prob(COUNTS), plain.log_prob(COUNTS))
    _close(typed.mean, plain.mean)
    _close(typed.variance, plain.variance)
    converted = td.from_numpyro(plain)
    assert type(converted) is td.HurdleProbs
    assert type(converted.base_dist) is type(typed.base_dist)
    _close(converted.log_prob(COUNTS), plain.log_prob(COUNTS))


@needs_numpyro("HurdleNegativeBinomial2")
def test_hurdle_negative_binomial2_needs_a_positive_mean() -> None:
    # As in NumPyro, the hurdle's base requires `mean > 0`; NegativeBinomial2
    # alone accepts `mean >= 0`.
    with pytest.raises(td.ParameterValueError, match="`mean`"):
        td.HurdleNegativeBinomial2(0.3, 0.0, 2.0, validate_args=True)
    td.NegativeBinomial2(0.0, 2.0, validate_args=True)


@pytest.mark.parametrize(
    ("name", "typed", "plain", "probs_class", "logits_class"), GATE_FACTORIES
)
def test_gate_factories_take_exactly_one_parametrisation(
    name: str,
    typed: GateFactory,
    plain: GateFactory,
    probs_class: str,
    logits_class: str,
) -> None:
    with pytest.raises(td.ParameterTypeError, match="got none of them") as info:
        typed()
    assert str(info.value).startswith(name)
    assert "`gate`, `gate_logits`" in str(info.value)
    with pytest.raises(td.ParameterTypeError, match="`gate` and `gate_logits`"):
        typed(gate=GATE, gate_logits=GATE_LOGITS)


# ---------------------------------------------------------------------------
# Integer parameters are rejected, naming the parameter or argument


INT_GATE = jnp.array([0, 1, 0], dtype=jnp.int32)

INT_GATE_CALLS: list[tuple[str, Callable[[], Any], str]] = [
    (
        "ZeroInflatedDistribution-gate",
        lambda: td.ZeroInflatedDistribution(nd.Poisson(RATE), gate=INT_GATE),
        "gate",
    ),
    (
        "ZeroInflatedDistribution-gate_logits",
        lambda: td.ZeroInflatedDistribution(nd.Poisson(RATE), gate_logits=INT_GATE),
        "gate_logits",
    ),
    (
        "HurdleDistribution-gate",
        lambda: td.HurdleDistribution(nd.Poisson(RATE), gate=INT_GATE),
        "gate",
    ),
    (
        "HurdleDistribution-gate_logits",
        lambda: td.HurdleDistribution(nd.Poisson(RATE), gate_logits=INT_GATE),
        "gate_logits",
    ),
    (
        "ZeroInflatedNegativeBinomial2-gate",
        lambda: td.ZeroInflatedNegativeBinomial2(MEAN, CONCENTRATION, gate=INT_GATE),
        "gate",
    ),
    (
        "ZeroInflatedNegativeBinomial2-mean",
        lambda: td.ZeroInflatedNegativeBinomial2(
            jnp.array([1, 2, 3]), CONCENTRATION, gate=GATE
        ),
        "mean",
    ),
    (
        "HurdleNegativeBinomial2-gate",
        lambda: td.HurdleNegativeBinomial2(INT_GATE, MEAN, CONCENTRATION),
        "gate",
    ),
    (
        "HurdleNegativeBinomial2-concentration",
        lambda: td.HurdleNegativeBinomial2(GATE, MEAN, jnp.array([1, 2, 3])),
        "concentration",
    ),
    ("HurdlePoisson-gate", lambda: td.HurdlePoisson(INT_GATE, RATE), "gate"),
    ("HurdleGamma-gate", lambda: td.HurdleGamma(INT_GATE, RATE, RATE), "gate"),
    ("HurdleLogNormal-gate", lambda: td.HurdleLogNormal(INT_GATE, LOC), "gate"),
]


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        pytest.param(c, p, id=i, marks=needs_numpyro(i.split("-")[0]))
        for i, c, p in INT_GATE_CALLS
    ],
)
def test_int32_parameter_is_rejected(call: Callable[[], Any], parameter: str) -> None:
    with pytest.raises(td.ParameterTypeError, match=f"parameter `{parameter}`"):
        call()


NUMPYRO_INT_ARGUMENTS: list[tuple[str, Callable[[], Any], str, str]] = [
    (
        "Mixture-component_distribution",
        lambda: td.Mixture(
            nd.CategoricalProbs(PROBS), nd.Normal(jnp.array([0, 1, 2]), SCALE)
        ),
        "component_distribution",
        "loc",
    ),
    (
        "Mixture-component_distributions",
        lambda: td.Mixture(
            nd.CategoricalProbs(PROBS),
            [*_components()[:2], nd.Normal(jnp.array(2), _f32(1.0))],
        ),
        "component_distributions",
        "loc",
    ),
    (
        "Mixture-mixing_distribution",
        lambda: td.Mixture(
            nd.CategoricalLogits(jnp.array([0, 1, 2])), nd.Normal(LOC, SCALE)
        ),
        "mixing_distribution",
        "logits",
    ),
    (
        "ZeroInflatedDistribution-base_dist",
        lambda: td.ZeroInflatedDistribution(
            nd.Poisson(jnp.array([1, 2, 3])), gate=GATE
        ),
        "base_dist",
        "rate",
    ),
    (
        "HurdleDistribution-base_dist",
        lambda: td.HurdleDistribution(
            nd.Gamma(jnp.array([1, 2, 3]), RATE), gate_logits=GATE_LOGITS
        ),
        "base_dist",
        "concentration",
    ),
]


@pytest.mark.parametrize(
    ("call", "argument", "parameter"),
    [
        pytest.param(c, a, p, id=i, marks=needs_numpyro(i.split("-")[0]))
        for i, c, a, p in NUMPYRO_INT_ARGUMENTS
    ],
)
def test_numpyro_argument_with_int_parameter_is_rejected(
    call: Callable[[], Any], argument: str, parameter: str
) -> None:
    with pytest.raises(td.ParameterTypeError, match=f"argument `{argument}`") as info:
        call()
    assert f"`{parameter}`" in str(info.value)


# ---------------------------------------------------------------------------
# NegativeBinomial2


def test_negative_binomial2_stores_its_mean_argument() -> None:
    typed = td.NegativeBinomial2(MEAN, CONCENTRATION)
    plain = nd.NegativeBinomial2(MEAN, CONCENTRATION)
    np.testing.assert_array_equal(typed._given_mean, MEAN)  # pyright: ignore[reportPrivateUsage]
    np.testing.assert_array_equal(typed.rate, plain.rate)
    np.testing.assert_array_equal(typed.concentration, plain.concentration)
    _close(typed.mean, MEAN)
    np.testing.assert_array_equal(typed.log_prob(COUNTS), plain.log_prob(COUNTS))
    # Rebuilt from its leaves inside jit, with the same `mean`.
    _close(jax.jit(lambda d: d.log_prob(COUNTS))(typed), plain.log_prob(COUNTS))
    converted = td.from_numpyro(plain)
    assert type(converted) is td.NegativeBinomial2
    _close(converted.log_prob(COUNTS), plain.log_prob(COUNTS))


# ---------------------------------------------------------------------------
# Gradients equal NumPyro's


def test_mixture_gradients_equal_numpyros() -> None:
    """d log_prob / d(component loc, scale, mixing logits) of the typed mixture
    equals that of NumPyro's mixture built from the same arrays."""
    dist = td.Mixture(nd.CategoricalLogits(LOGITS), nd.Normal(LOC, SCALE))

    def loss(d: td.MixtureSameFamily) -> jax.Array:
        return jnp.sum(d.log_prob(MIX_VALUE))

    grads = eqx.filter_grad(loss)(dist)

    def plain(logits: jax.Array, loc: jax.Array, scale: jax.Array) -> jax.Array:
        mixture = nd.MixtureSameFamily(
            nd.CategoricalLogits(logits), nd.Normal(loc, scale)
        )
        return jnp.sum(mixture.log_prob(MIX_VALUE))

    g_logits, g_loc, g_scale = jax.grad(plain, (0, 1, 2))(LOGITS, LOC, SCALE)
    # The gradient is a module of the same structure.
    g_mixing: Any = grads.mixing_distribution
    g_component: Any = grads.component_distribution
    _close(g_mixing.logits, g_logits)
    _close(g_component.loc, g_loc)
    _close(g_component.scale, g_scale)


def test_numpyros_assert_on_components_is_still_an_assertion_error() -> None:
    """NumPyro checks a mixture's components with `assert`; the typed error
    names the distribution and is caught as NumPyro's would be."""
    mixing = td.Categorical(probs=jnp.array([0.5, 0.5]))
    # A support that depends on the parameters: NumPyro refuses it.
    components = td.Uniform(jnp.array([0.0, 5.0]), jnp.array([1.0, 10.0]))
    with pytest.raises(AssertionError, match="Invalid component distribution"):
        nd.MixtureSameFamily(mixing.to_numpyro(), components.to_numpyro())
    with pytest.raises(
        AssertionError, match="Invalid component distribution"
    ) as caught:
        td.MixtureSameFamily(mixing, components)
    assert isinstance(caught.value, td.ParameterAssertionError)
    assert isinstance(caught.value, td.ParameterValueError)
    assert "MixtureSameFamily" in str(caught.value)
