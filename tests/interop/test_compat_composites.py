"""Composite distributions with typed components, against NumPyro's own.

Mixtures, transformed, independent, expanded, masked and truncated
distributions are built once as a function of the distributions module, from
typed components (`typed_dists`) and from NumPyro's (`numpyro.distributions`),
and compared with the same PRNG key: `sample`, `log_prob`, a model that uses
the composite at a latent and at an observed site under `seed`/`trace`, and
the same under `jax.jit`. A typed composite delegates to the NumPyro
distribution it wraps (whose components are the typed ones), so every result
must be bit-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, cast

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as nd
import pytest
from numpyro import handlers
from numpyro.distributions.transforms import AffineTransform, ExpTransform
from numpyro.infer.util import log_density as _log_density

import typed_dists as td
from helpers.compat import assert_close, assert_identical, both, sites_of

# Unannotated in NumPyro.
log_density: Any = _log_density

Trace = dict[str, Any]

KEY = jax.random.key(0)
LOC3 = jnp.asarray([-1.0, 0.5, 2.0], dtype=jnp.float32)
SCALE3 = jnp.asarray([0.5, 1.0, 0.3], dtype=jnp.float32)
WEIGHTS3 = jnp.asarray([0.2, 0.5, 0.3], dtype=jnp.float32)
LOGITS2 = jnp.asarray([0.3, -0.4], dtype=jnp.float32)
MASK3 = jnp.asarray([True, False, True])


@dataclass(frozen=True)
class Composite:
    """A composite distribution built from a distributions module."""

    name: str
    build: Callable[[ModuleType], nd.Distribution]

    def __str__(self) -> str:
        return self.name


CASES = [
    Composite(
        "MixtureSameFamily",
        lambda dist: dist.MixtureSameFamily(
            dist.Categorical(probs=WEIGHTS3), dist.Normal(LOC3, SCALE3)
        ),
    ),
    Composite(
        "MixtureGeneral",
        lambda dist: dist.MixtureGeneral(
            dist.Categorical(probs=WEIGHTS3),
            [
                dist.Normal(0.0, 1.0),
                dist.Laplace(2.0, 0.5),
                dist.Logistic(-1.0, 0.7),
            ],
        ),
    ),
    Composite(
        "TransformedDistribution",
        lambda dist: dist.TransformedDistribution(
            dist.Normal(LOC3, SCALE3), [AffineTransform(1.0, 2.0), ExpTransform()]
        ),
    ),
    Composite(
        "Independent", lambda dist: dist.Independent(dist.Normal(LOC3, SCALE3), 1)
    ),
    Composite("to_event", lambda dist: dist.Normal(LOC3, SCALE3).to_event(1)),
    Composite("expand", lambda dist: dist.Normal(0.5, 2.0).expand((2, 3))),
    Composite("mask", lambda dist: dist.Normal(LOC3, SCALE3).mask(MASK3)),
    Composite(
        "TruncatedNormal",
        lambda dist: dist.TruncatedNormal(LOC3, SCALE3, low=-0.5, high=1.5),
    ),
    Composite(
        "TruncatedDistribution-low",
        lambda dist: dist.TruncatedDistribution(dist.Normal(LOC3, SCALE3), low=0.1),
    ),
]


def is_typed(fn: object) -> bool:
    return isinstance(fn, td.TypedDistribution)


def components(d: nd.Distribution) -> list[nd.Distribution]:
    """The distributions a composite is built from (one level down)."""
    found: list[nd.Distribution] = []
    for attribute in ("base_dist", "mixing_distribution", "component_distribution"):
        inner = getattr(d, attribute, None)
        if isinstance(inner, nd.Distribution):
            found.append(inner)
    found.extend(getattr(d, "component_distributions", None) or [])
    return found


def all_typed(d: nd.Distribution) -> bool:
    """`d` and every distribution it is built from, recursively, are typed."""
    return is_typed(d) and all(all_typed(c) for c in components(d))


def model_for(case: Composite) -> Callable[[ModuleType], Callable[..., Any]]:
    """The composite at a latent site, under a plate, and at an observed site."""

    def model_of(dist: ModuleType) -> Callable[..., Any]:
        def model(obs: jax.Array) -> None:
            d = case.build(dist)
            numpyro.sample("latent", d)
            with numpyro.plate("n", 2, dim=-1 - len(d.batch_shape)):
                numpyro.sample("batch", d)
            numpyro.sample("observed", d, obs=obs)

        return model

    return model_of


def trace_fields(trace: Trace) -> dict[str, Any]:
    return {
        name: {
            "value": site["value"],
            "log_prob": site["fn"].log_prob(site["value"]),
            "fn": type(site["fn"]).__name__,
            "batch_shape": site["fn"].batch_shape,
            "event_shape": site["fn"].event_shape,
            "is_observed": site["is_observed"],
        }
        for name, site in trace.items()
        if site["type"] == "sample"
    }


def run_model(
    model: Callable[..., Any], key: jax.Array, obs: jax.Array
) -> tuple[Trace, Any]:
    tr = cast(Trace, handlers.trace(handlers.seed(model, key)).get_trace(obs))
    params = {"latent": tr["latent"]["value"], "batch": tr["batch"]["value"]}
    joint, _ = log_density(model, (obs,), {}, params)
    return tr, joint


def observation(case: Composite) -> jax.Array:
    """A value in the composite's support (a draw with another key)."""
    return jnp.asarray(case.build(td).sample(jax.random.key(42)))


# ---------------------------------------------------------------------------


@pytest.mark.numpyro_eager
@pytest.mark.parametrize("case", CASES, ids=str)
def test_sample_and_log_prob(case: Composite) -> None:
    plain, typed = both(case.build)
    assert not is_typed(plain)
    assert all_typed(typed)
    assert isinstance(typed, type(plain))
    assert typed.batch_shape == plain.batch_shape
    assert typed.event_shape == plain.event_shape
    nd_draws, td_draws = plain.sample(KEY, (3,)), typed.sample(KEY, (3,))
    assert_identical(nd_draws, td_draws)
    assert_identical(plain.log_prob(nd_draws), typed.log_prob(td_draws))
    assert jnp.all(jnp.isfinite(typed.log_prob(td_draws)))
    # Each library's distribution on the other's value: the same numbers.
    obs = observation(case)
    assert_identical(plain.log_prob(obs), typed.log_prob(obs))


@pytest.mark.numpyro_eager
@pytest.mark.parametrize("case", CASES, ids=str)
def test_in_model_seed_trace(case: Composite) -> None:
    obs = observation(case)
    (nd_trace, nd_joint), (td_trace, td_joint) = both(
        lambda dist: run_model(model_for(case)(dist), KEY, obs)
    )
    assert list(nd_trace) == list(td_trace)
    assert_identical(trace_fields(nd_trace), trace_fields(td_trace))
    assert_identical(sites_of(nd_trace), sites_of(td_trace))
    assert_identical(nd_joint, td_joint)
    for name in ("latent", "batch", "observed"):
        assert all_typed(td_trace[name]["fn"]), (name, td_trace[name]["fn"])
        assert not is_typed(nd_trace[name]["fn"])
    assert td_trace["batch"]["value"].shape == (2, *td_trace["latent"]["value"].shape)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_under_jit(case: Composite) -> None:
    obs = observation(case)

    def jitted(dist: ModuleType) -> Any:
        def compiled(d: nd.Distribution, key: jax.Array) -> Any:
            """The composite is an argument (a pytree) of the compiled function;
            the model builds its own from the module inside it."""
            draws = d.sample(key, (3,))
            tr, joint = run_model(model_for(case)(dist), key, obs)
            return draws, d.log_prob(draws), sites_of(tr), joint

        return jax.jit(compiled)(case.build(dist), KEY)

    nd_result, td_result = both(jitted)
    assert_identical(nd_result, td_result)
    # The compiled draws are the eager ones, up to XLA's fusion of float ops.
    assert_close(
        td_result[0],
        case.build(td).sample(KEY, (3,)),
        rtol=1e-6,
        atol=1e-6,
        reason="XLA fuses and reorders float32 operations under jit "
        "(differences of 1 ulp were seen, for NumPyro's own distributions too)",
    )


# ---------------------------------------------------------------------------
# typed_dists returns typed wrappers where it documents it


def _typed_wrappers() -> list[tuple[str, Callable[[], Any], type, dict[str, type]]]:
    def normal3() -> td.Normal:
        return td.Normal(LOC3, SCALE3)

    return [
        (
            "to_event",
            lambda: normal3().to_event(1),
            td.Independent,
            {"base_dist": td.Normal},
        ),
        (
            "expand",
            lambda: td.Normal(0.0, 1.0).expand((3,)),
            td.ExpandedDistribution,
            {"base_dist": td.Normal},
        ),
        (
            "mask",
            lambda: normal3().mask(MASK3),
            td.MaskedDistribution,
            {"base_dist": td.Normal},
        ),
        (
            "expand-to_event",
            lambda: td.Normal(0.0, 1.0).expand((2, 3)).to_event(1),
            td.Independent,
            {"base_dist": td.ExpandedDistribution},
        ),
        (
            "to_event-of-mixture",
            lambda: td.MixtureSameFamily(
                td.Categorical(probs=WEIGHTS3),
                td.Normal(jnp.zeros((2, 3)), 1.0),
            ).to_event(1),
            td.Independent,
            {"base_dist": td.MixtureSameFamily},
        ),
        (
            "Independent-of-numpyro",
            lambda: td.Independent(nd.Normal(LOC3, SCALE3), 1),
            td.Independent,
            {"base_dist": td.Normal},
        ),
        (
            "TransformedDistribution",
            lambda: td.TransformedDistribution(normal3(), ExpTransform()),
            td.TransformedDistribution,
            {"base_dist": td.Normal},
        ),
        (
            "MixtureSameFamily",
            lambda: td.MixtureSameFamily(td.Categorical(probs=WEIGHTS3), normal3()),
            td.MixtureSameFamily,
            {
                "mixing_distribution": td.CategoricalProbs,
                "component_distribution": td.Normal,
            },
        ),
        (
            "MixtureGeneral-numpyro-parts",
            lambda: td.MixtureGeneral(
                nd.Categorical(logits=LOGITS2), [nd.Normal(0.0, 1.0), nd.Laplace(2.0)]
            ),
            td.MixtureGeneral,
            {"mixing_distribution": td.CategoricalLogits},
        ),
        (
            "Mixture-factory-list",
            lambda: td.Mixture(
                td.Categorical(logits=LOGITS2), [td.Normal(), td.Normal(1.0)]
            ),
            td.MixtureGeneral,
            {},
        ),
        (
            "Mixture-factory-batched",
            lambda: td.Mixture(td.Categorical(probs=WEIGHTS3), normal3()),
            td.MixtureSameFamily,
            {},
        ),
        (
            "TruncatedNormal-two-sided",
            lambda: td.TruncatedNormal(LOC3, SCALE3, low=-0.5, high=1.5),
            td.TwoSidedTruncatedDistribution,
            {"base_dist": td.Normal},
        ),
        (
            "TruncatedNormal-low",
            lambda: td.TruncatedNormal(low=0.2),
            td.LeftTruncatedDistribution,
            {"base_dist": td.Normal},
        ),
        (
            "TruncatedNormal-high",
            lambda: td.TruncatedNormal(high=0.2),
            td.RightTruncatedDistribution,
            {"base_dist": td.Normal},
        ),
        ("TruncatedNormal-unbounded", lambda: td.TruncatedNormal(), td.Normal, {}),
        (
            "TruncatedDistribution-low",
            lambda: td.TruncatedDistribution(normal3(), low=0.1),
            td.LeftTruncatedDistribution,
            {"base_dist": td.Normal},
        ),
        (
            "TruncatedDistribution-numpyro-base",
            lambda: td.TruncatedDistribution(nd.Normal(LOC3, SCALE3), low=0.1),
            td.LeftTruncatedDistribution,
            {"base_dist": td.Normal},
        ),
    ]


WRAPPERS = _typed_wrappers()


@pytest.mark.parametrize(
    ("build", "expected", "parts"),
    [(build, expected, parts) for _, build, expected, parts in WRAPPERS],
    ids=[name for name, *_ in WRAPPERS],
)
def test_returns_typed_wrappers(
    build: Callable[[], Any], expected: type, parts: dict[str, type]
) -> None:
    d = build()
    assert type(d) is expected, type(d)
    assert isinstance(d, expected.numpyro_class)
    for attribute, kind in parts.items():
        part = getattr(d, attribute)
        assert type(part) is kind, (attribute, type(part))
    assert all_typed(d)
    # A pytree whose leaves are the typed components' parameters.
    leaves = jax.tree.leaves(d)
    assert leaves
    assert all(isinstance(leaf, jax.Array) for leaf in leaves)
