"""NumPyro's effect handlers on models whose sample sites use typed distributions.

Each model is written once, as a function of the distributions module, and run
with `numpyro.distributions` and with `typed_dists` under the same handler and
the same PRNG key. A typed distribution delegates every method to the NumPyro
distribution it wraps, so values, log densities and site fields must be
bit-identical (`assert_identical`), and the trace must record typed
distributions where typed ones were used.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, cast

import jax
import jax.numpy as jnp
import numpyro
import pytest
from numpyro import handlers
from numpyro.distributions.transforms import AffineTransform, ExpTransform
from numpyro.infer.reparam import LocScaleReparam, Reparam, TransformReparam
from numpyro.infer.util import log_density as _log_density

import typed_dists as td
from helpers.compat import MODULES, assert_identical, both, sites_of

# Unannotated in NumPyro.
log_density: Any = _log_density

Model = Callable[..., Any]
Trace = dict[str, Any]

KEY = jax.random.key(0)
X = jnp.linspace(-1.0, 1.0, 6, dtype=jnp.float32)
Y = jnp.asarray([0.3, -0.2, 1.1, 0.4, -0.7, 0.9], dtype=jnp.float32)
PARAMS: dict[str, Any] = {
    "a": jnp.float32(0.25),
    "b": jnp.float32(-0.5),
    "sigma": jnp.float32(0.8),
    "z": jnp.asarray([0.1, -0.3, 0.2, 0.0, 0.5, -0.1], dtype=jnp.float32),
}


def regression_for(dist: ModuleType) -> Model:
    """A small regression: global latents, a plate with an expanded latent
    (`z`, broadcast by the plate), a deterministic site and observations."""

    def model(x: jax.Array, y: jax.Array | None = None) -> Any:
        a = numpyro.sample("a", dist.Normal(0.0, 1.0))
        b = numpyro.sample("b", dist.Normal(0.0, 1.0))
        sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
        with numpyro.plate("data", x.shape[0]):
            z = numpyro.sample("z", dist.Normal(0.0, 0.5))
            mu = numpyro.deterministic("mu", a + b * x + z)
            return numpyro.sample("y", dist.Normal(mu, sigma), obs=y)

    return model


def guide_for(dist: ModuleType) -> Model:
    """A guide for `regression_for`'s global latents (for `replay`)."""

    def guide(x: jax.Array, y: jax.Array | None = None) -> None:
        numpyro.sample("a", dist.Normal(0.5, 0.1))
        numpyro.sample("b", dist.Normal(-0.5, 0.2))
        numpyro.sample("sigma", dist.LogNormal(0.0, 0.3))

    return guide


def is_typed(fn: object) -> bool:
    return isinstance(fn, td.TypedDistribution)


def traced(model: Model, *args: Any, key: jax.Array = KEY, **kwargs: Any) -> Trace:
    tr: Trace = handlers.trace(handlers.seed(model, key)).get_trace(*args, **kwargs)
    return tr


def site_fields(trace: Trace) -> dict[str, dict[str, Any]]:
    """The fields of every site that do not depend on the distribution's type
    (the class name is compared: a typed class has NumPyro's class's name)."""
    fields: dict[str, dict[str, Any]] = {}
    for name, site in trace.items():
        entry: dict[str, Any] = {
            "type": site["type"],
            "value": site["value"],
        }
        if site["type"] == "sample":
            fn = site["fn"]
            entry |= {
                "fn": type(fn).__name__,
                "batch_shape": fn.batch_shape,
                "event_shape": fn.event_shape,
                "log_prob": fn.log_prob(site["value"]),
                "is_observed": site["is_observed"],
                "scale": site["scale"],
                "mask": site.get("mask"),
                "intermediates": site.get("intermediates"),
                "cond_indep_stack": [
                    (f.name, f.dim, f.size) for f in site["cond_indep_stack"]
                ],
            }
        if site["type"] == "plate":
            entry["args"] = site["args"]
        fields[name] = entry
    return fields


def assert_typed_where_used(numpyro_trace: Trace, typed_trace: Trace) -> None:
    """Every sample site of the typed run holds a typed distribution (of the
    NumPyro run's class), and no site of the NumPyro run does."""
    for name, site in typed_trace.items():
        if site["type"] != "sample":
            continue
        plain = numpyro_trace[name]["fn"]
        assert is_typed(site["fn"]), (name, type(site["fn"]))
        assert not is_typed(plain), (name, type(plain))
        assert isinstance(site["fn"], type(plain)), (name, type(site["fn"]))


def assert_same_traces(numpyro_trace: Trace, typed_trace: Trace) -> None:
    assert list(numpyro_trace) == list(typed_trace)
    assert_identical(site_fields(numpyro_trace), site_fields(typed_trace))
    assert_typed_where_used(numpyro_trace, typed_trace)


def joint(model: Model, params: dict[str, Any], *args: Any) -> tuple[Any, Trace]:
    result = log_density(model, args, {}, params)
    return cast(tuple[Any, Trace], result)


# ---------------------------------------------------------------------------
# seed and trace


def test_seed() -> None:
    results = [
        (
            handlers.seed(regression_for(dist), KEY)(X),
            handlers.seed(regression_for(dist), jax.random.key(7))(X),
        )
        for dist in MODULES
    ]
    assert_identical(*results)
    # Different keys give different draws (the comparison is not vacuous).
    assert not jnp.array_equal(results[1][0], results[1][1])


@pytest.mark.parametrize("observed", [False, True], ids=["prior", "observed"])
def test_trace(observed: bool) -> None:
    y = Y if observed else None
    nd_trace, td_trace = both(lambda dist: traced(regression_for(dist), X, y))
    assert_same_traces(nd_trace, td_trace)
    # Values, then each site's log density as `fn.log_prob(value)`.
    assert_identical(sites_of(nd_trace), sites_of(td_trace))
    assert_identical(
        sites_of(nd_trace, kind="deterministic"),
        sites_of(td_trace, kind="deterministic"),
    )
    for name in ("a", "b", "sigma", "z", "y"):
        assert_identical(
            nd_trace[name]["fn"].log_prob(nd_trace[name]["value"]),
            td_trace[name]["fn"].log_prob(td_trace[name]["value"]),
        )
    # The plate expanded `z`'s scalar Normal with the typed `.expand`.
    assert isinstance(td_trace["z"]["fn"], td.ExpandedDistribution)
    assert isinstance(td_trace["z"]["fn"].base_dist, td.Normal)
    assert type(td_trace["a"]["fn"]) is td.Normal
    assert type(td_trace["sigma"]["fn"]) is td.HalfNormal
    assert td_trace["y"]["is_observed"] is observed


# ---------------------------------------------------------------------------
# substitute, condition, block, mask, scale, replay


def test_substitute() -> None:
    data = {"a": PARAMS["a"], "z": PARAMS["z"]}
    nd_trace, td_trace = both(
        lambda dist: traced(handlers.substitute(regression_for(dist), data=data), X)
    )
    assert_same_traces(nd_trace, td_trace)
    assert_identical(td_trace["a"]["value"], PARAMS["a"])
    assert_identical(td_trace["z"]["value"], PARAMS["z"])
    # substitute_fn: a value computed from the site (its distribution's mean).
    nd_trace, td_trace = both(
        lambda dist: traced(
            handlers.substitute(
                regression_for(dist),
                substitute_fn=lambda site: (
                    site["fn"].mean if site["name"] in ("b", "sigma") else None
                ),
            ),
            X,
        )
    )
    assert_same_traces(nd_trace, td_trace)


def test_condition() -> None:
    data = {"a": PARAMS["a"], "y": Y}
    nd_trace, td_trace = both(
        lambda dist: traced(handlers.condition(regression_for(dist), data=data), X)
    )
    assert_same_traces(nd_trace, td_trace)
    assert td_trace["a"]["is_observed"]
    assert td_trace["y"]["is_observed"]
    assert not td_trace["b"]["is_observed"]
    assert_identical(td_trace["y"]["value"], Y)
    nd_joint, td_joint = both(
        lambda dist: joint(
            handlers.condition(regression_for(dist), data=data), PARAMS, X
        )[0]
    )
    assert_identical(nd_joint, td_joint)


@pytest.mark.parametrize(
    "how", [{"hide": ["a", "z"]}, {"expose": ["b", "y"]}], ids=["hide", "expose"]
)
def test_block(how: dict[str, list[str]]) -> None:
    nd_trace, td_trace = both(
        lambda dist: traced(
            handlers.block(
                regression_for(dist), hide=how.get("hide"), expose=how.get("expose")
            ),
            X,
            Y,
        )
    )
    assert_same_traces(nd_trace, td_trace)
    if "hide" in how:
        assert not {"a", "z"} & set(td_trace)
        assert {"b", "sigma", "y"} <= set(td_trace)
    else:
        assert {n for n, s in td_trace.items() if s["type"] == "sample"} == {"b", "y"}


def test_mask() -> None:
    mask = jnp.asarray([True, False, True, True, False, True])
    nd_trace, td_trace = both(
        lambda dist: traced(handlers.mask(regression_for(dist), mask=mask), X, Y)
    )
    assert_same_traces(nd_trace, td_trace)
    nd_joint, td_joint = both(
        lambda dist: joint(handlers.mask(regression_for(dist), mask=mask), PARAMS, X, Y)
    )
    assert_identical(nd_joint[0], td_joint[0])
    unmasked = joint(regression_for(td), PARAMS, X, Y)[0]
    assert not jnp.array_equal(unmasked, td_joint[0])


def test_scale() -> None:
    nd_trace, td_trace = both(
        lambda dist: traced(handlers.scale(regression_for(dist), scale=2.5), X, Y)
    )
    assert_same_traces(nd_trace, td_trace)
    assert td_trace["y"]["scale"] == 2.5
    nd_joint, td_joint = both(
        lambda dist: joint(
            handlers.scale(regression_for(dist), scale=2.5), PARAMS, X, Y
        )
    )
    assert_identical(nd_joint[0], td_joint[0])


def test_replay() -> None:
    def run(dist: ModuleType) -> tuple[Trace, Trace]:
        guide_trace = traced(guide_for(dist), X, key=jax.random.key(3))
        replayed = handlers.replay(regression_for(dist), trace=cast(Any, guide_trace))
        return guide_trace, traced(replayed, X, Y)

    (nd_guide, nd_model), (td_guide, td_model) = both(run)
    assert_same_traces(nd_guide, td_guide)
    assert_same_traces(nd_model, td_model)
    for name in ("a", "b", "sigma"):
        assert_identical(td_guide[name]["value"], td_model[name]["value"])


# ---------------------------------------------------------------------------
# plates


def nested_plates_for(dist: ModuleType) -> Model:
    def model(y: jax.Array | None = None) -> None:
        with numpyro.plate("groups", 3, dim=-2):
            group = numpyro.sample("group", dist.Normal(0.0, 1.0))
            with numpyro.plate("items", 4, dim=-1):
                item = numpyro.sample("item", dist.Normal(group, 0.5))
                numpyro.sample("y", dist.Poisson(jnp.exp(item)), obs=y)
        with numpyro.plate("outer", 2), numpyro.plate("inner", 5, dim=-2):
            numpyro.sample("w", dist.Gamma(2.0, jnp.ones(2, dtype=jnp.float32)))

    return model


@pytest.mark.numpyro_eager
def test_nested_plates() -> None:
    y = jnp.arange(12, dtype=jnp.float32).reshape(3, 4) % 4
    nd_trace, td_trace = both(lambda dist: traced(nested_plates_for(dist), y))
    assert_same_traces(nd_trace, td_trace)
    assert td_trace["group"]["value"].shape == (3, 1)
    assert td_trace["item"]["value"].shape == (3, 4)
    assert td_trace["w"]["value"].shape == (5, 2)
    assert td_trace["y"]["fn"].batch_shape == (3, 4)
    params = {"group": jnp.zeros((3, 1)), "item": jnp.full((3, 4), 0.1)}
    params["w"] = jnp.ones((5, 2))
    nd_joint, td_joint = both(lambda dist: joint(nested_plates_for(dist), params, y)[0])
    assert_identical(nd_joint, td_joint)


def subsampled_for(dist: ModuleType) -> Model:
    def model(x: jax.Array, y: jax.Array) -> Any:
        b = numpyro.sample("b", dist.Normal(0.0, 1.0))
        with numpyro.plate("data", x.shape[0], subsample_size=3) as idx:
            numpyro.sample("y", dist.Normal(b * x[idx], 1.0), obs=y[idx])
        return idx

    return model


def test_subsampled_plate() -> None:
    nd_trace, td_trace = both(lambda dist: traced(subsampled_for(dist), X, Y))
    assert_same_traces(nd_trace, td_trace)
    idx = td_trace["data"]["value"]
    assert idx.shape == (3,)
    assert_identical(nd_trace["data"]["value"], idx)
    assert td_trace["y"]["scale"] == pytest.approx(6 / 3)

    def density(dist: ModuleType) -> tuple[Any, Trace]:
        seeded = handlers.seed(subsampled_for(dist), jax.random.key(11))
        return joint(seeded, {"b": PARAMS["b"]}, X, Y)

    (nd_joint, nd_tr), (td_joint, td_tr) = both(density)
    assert_identical(nd_tr["data"]["value"], td_tr["data"]["value"])
    assert_identical(nd_joint, td_joint)
    # The subsample's log-likelihood is scaled by size / subsample_size.
    idx = td_tr["data"]["value"]
    expected = td.Normal(0.0, 1.0).log_prob(PARAMS["b"]) + 2.0 * jnp.sum(
        td.Normal(PARAMS["b"] * X[idx], 1.0).log_prob(Y[idx])
    )
    assert jnp.allclose(td_joint, expected, rtol=1e-6)


# ---------------------------------------------------------------------------
# reparam and do


def loc_scale_for(dist: ModuleType) -> Model:
    def model() -> None:
        mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
        tau = numpyro.sample("tau", dist.HalfCauchy(1.0))
        with numpyro.plate("schools", 4):
            numpyro.sample("theta", dist.Normal(mu, tau))

    return model


def test_reparam_loc_scale() -> None:
    config: dict[str, Reparam] = {"theta": LocScaleReparam(centered=0)}
    nd_trace, td_trace = both(
        lambda dist: traced(handlers.reparam(loc_scale_for(dist), config=config))
    )
    assert_same_traces(nd_trace, td_trace)
    # The decentered site is a standard Normal, built as the site's own class.
    decentered = td_trace["theta_decentered"]["fn"]
    assert is_typed(decentered)
    assert td_trace["theta"]["type"] == "deterministic"
    assert_identical(
        td_trace["theta"]["value"],
        td_trace["mu"]["value"]
        + td_trace["tau"]["value"] * td_trace["theta_decentered"]["value"],
    )
    params = {
        "mu": PARAMS["a"],
        "tau": PARAMS["sigma"],
        "theta_decentered": jnp.asarray([0.1, -0.2, 0.3, 0.0]),
    }
    nd_joint, td_joint = both(
        lambda dist: joint(
            handlers.reparam(loc_scale_for(dist), config=config), params
        )[0]
    )
    assert_identical(nd_joint, td_joint)


def transformed_for(dist: ModuleType, kind: str) -> Model:
    def model() -> None:
        if kind == "LogNormal":
            site = dist.LogNormal(0.5, 0.7)
        else:
            site = dist.TransformedDistribution(
                dist.Normal(0.5, 0.7), [AffineTransform(1.0, 2.0), ExpTransform()]
            )
        with numpyro.plate("n", 3):
            numpyro.sample("x", site)

    return model


@pytest.mark.parametrize("kind", ["LogNormal", "TransformedDistribution"])
def test_reparam_transform(kind: str) -> None:
    config: dict[str, Reparam] = {"x": TransformReparam()}
    nd_trace, td_trace = both(
        lambda dist: traced(
            handlers.reparam(transformed_for(dist, kind), config=config)
        )
    )
    assert list(td_trace) == ["n", "x_base", "x"]
    assert_identical(site_fields(nd_trace), site_fields(td_trace))
    assert td_trace["x"]["type"] == "deterministic"
    assert jnp.all(td_trace["x"]["value"] > 0)
    params = {"x_base": jnp.asarray([0.1, -0.2, 0.3], dtype=jnp.float32)}
    nd_joint, td_joint = both(
        lambda dist: joint(
            handlers.reparam(transformed_for(dist, kind), config=config), params
        )[0]
    )
    assert_identical(nd_joint, td_joint)


@pytest.mark.parametrize("kind", ["LogNormal", "TransformedDistribution"])
def test_reparam_transform_base_is_typed(kind: str) -> None:
    """The base site of a reparametrised typed site holds a typed distribution."""
    config: dict[str, Reparam] = {"x": TransformReparam()}
    tr = traced(handlers.reparam(transformed_for(td, kind), config=config))
    fn = tr["x_base"]["fn"]
    assert is_typed(fn), type(fn)
    assert isinstance(fn.base_dist, td.Normal), type(fn.base_dist)


def intervened(dist: ModuleType) -> tuple[Trace, Trace]:
    """`do` traced from outside (the trace of the split, sampled sites) and
    from inside (which also records the intervened `__CF` sites)."""
    data = {"a": PARAMS["a"], "z": PARAMS["z"]}
    outer = traced(handlers.do(regression_for(dist), data=data), X)
    inner = handlers.trace(regression_for(dist))
    handlers.seed(handlers.do(inner, data=data), KEY)(X)
    return outer, cast(Trace, inner.trace)


def test_do() -> None:
    (nd_outer, nd_inner), (td_outer, td_inner) = both(intervened)
    assert_same_traces(nd_outer, td_outer)
    assert_same_traces(nd_inner, td_inner)
    assert not {"a__CF", "z__CF"} & set(td_outer)
    assert {"a__CF", "z__CF"} <= set(td_inner)
    # The intervened sites are observed at the intervention...
    assert td_inner["a__CF"]["is_observed"]
    assert_identical(td_inner["a__CF"]["value"], PARAMS["a"])
    assert_identical(td_inner["z__CF"]["value"], PARAMS["z"])
    # ...the split sites are still sampled...
    assert not td_outer["a"]["is_observed"]
    assert not jnp.array_equal(td_outer["a"]["value"], PARAMS["a"])
    # ...and downstream sites see the intervention.
    assert_identical(
        td_outer["mu"]["value"],
        PARAMS["a"] + td_outer["b"]["value"] * X + PARAMS["z"],
    )
