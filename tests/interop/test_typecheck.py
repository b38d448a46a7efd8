"""`typed_dists.handlers.typecheck`: typed checks for unchanged NumPyro models.

The models here are written with `numpyro.distributions` only. Under the
handler, each sample site's distribution becomes its typed counterpart: a bad
parameter raises at the site, naming it; a valid model gives the same draws,
log densities and compiled program as without the handler (the optimized
HLO is compared, as text, without its debug metadata).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.contrib.funsor as _contrib_funsor
import numpyro.distributions as dist
import pytest
from numpyro import handlers
from numpyro.contrib.control_flow import scan
from numpyro.infer import (
    HMC as _HMC,
    MCMC as _MCMC,
    NUTS as _NUTS,
    SVI as _SVI,
    DiscreteHMCGibbs as _DiscreteHMCGibbs,
    Predictive as _Predictive,
    Trace_ELBO as _Trace_ELBO,
    TraceEnum_ELBO as _TraceEnum_ELBO,
)
from numpyro.infer.autoguide import AutoNormal as _AutoNormal
from numpyro.infer.util import log_density
from numpyro.optim import Adam

import typed_dists as td
from helpers.compat import assert_identical
from typed_dists.handlers import UncheckedDistributionWarning, typecheck

# NumPyro leaves these unannotated; mypy --strict refuses calls to them.
MCMC: Any = _MCMC
NUTS: Any = _NUTS
HMC: Any = _HMC
DiscreteHMCGibbs: Any = _DiscreteHMCGibbs
SVI: Any = _SVI
Predictive: Any = _Predictive
Trace_ELBO: Any = _Trace_ELBO
TraceEnum_ELBO: Any = _TraceEnum_ELBO
AutoNormal: Any = _AutoNormal
contrib_funsor: Any = _contrib_funsor
config_enumerate: Callable[[Any], Any] = contrib_funsor.config_enumerate

Model = Callable[..., Any]

# ---------------------------------------------------------------------------
# Realistic models, written for NumPyro alone


def regression(x: jax.Array, y: jax.Array | None = None) -> None:
    alpha: Any = numpyro.sample("alpha", dist.Normal(0.0, 10.0))
    beta: Any = numpyro.sample(
        "beta", dist.Normal(jnp.zeros(x.shape[-1]), 1.0).to_event(1)
    )
    sigma: Any = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("y", dist.Normal(alpha + x @ beta, sigma), obs=y)


def hierarchical(group: jax.Array, y: jax.Array | None = None) -> None:
    """Eight-schools style partial pooling, non-centred, with a LogNormal
    likelihood of positive data."""
    mu: Any = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    tau: Any = numpyro.sample("tau", dist.HalfCauchy(1.0))
    with numpyro.plate("groups", 4):
        z: Any = numpyro.sample("z", dist.Normal(0.0, 1.0))
    sigma: Any = numpyro.sample("sigma", dist.Exponential(1.0))
    with numpyro.plate("data", group.shape[0]):
        numpyro.sample("y", dist.LogNormal(mu + tau * z[group], sigma), obs=y)


@config_enumerate
def mixture(y: jax.Array | None = None) -> None:
    weights: Any = numpyro.sample("weights", dist.Dirichlet(jnp.ones(2)))
    locs: Any = numpyro.sample(
        "locs", dist.Normal(jnp.array([-1.0, 1.0]), 1.0).to_event(1)
    )
    with numpyro.plate("data", 6):
        k: Any = numpyro.sample("k", dist.Categorical(weights))
        numpyro.sample("y", dist.Normal(locs[k], 0.5), obs=y)


def hmm(y: jax.Array) -> None:
    """A two-state HMM with `scan` over time, the state enumerated."""
    trans: Any = numpyro.sample("trans", dist.Dirichlet(jnp.ones((2, 2))).to_event(1))
    locs: Any = numpyro.sample("locs", dist.Normal(jnp.zeros(2), 2.0).to_event(1))

    def step(state: Any, y_t: jax.Array) -> tuple[jax.Array, None]:
        state = numpyro.sample(
            "state", dist.Categorical(trans[state]), infer={"enumerate": "parallel"}
        )
        numpyro.sample("obs", dist.Normal(locs[state], 1.0), obs=y_t)
        return state, None

    scan(step, jnp.array(0), y)


X = jnp.linspace(-1.0, 1.0, 12).reshape(6, 2)
Y = jnp.array([0.3, -0.2, 1.1, 0.4, -0.7, 0.9])
GROUP = jnp.array([0, 1, 2, 3, 0, 1])
POSITIVE = jnp.array([1.2, 0.4, 2.5, 0.9, 1.7, 0.6])
SERIES = jnp.array([-1.2, -0.8, 1.1, 0.9, 1.3, -1.0, -0.9, 1.2])

VALID: dict[str, tuple[Model, tuple[Any, ...]]] = {
    "regression": (regression, (X, Y)),
    "hierarchical": (hierarchical, (GROUP, POSITIVE)),
    "mixture": (mixture, (Y,)),
    "hmm": (hmm, (SERIES,)),
}


def _latents(model: Model, args: tuple[Any, ...]) -> dict[str, jax.Array]:
    """The latent sites' values of one seeded prior run (no enumerated ones)."""
    trace = handlers.trace(handlers.seed(model, 0)).get_trace(*args)
    return {
        name: site["value"]
        for name, site in trace.items()
        if site["type"] == "sample"
        and not site["is_observed"]
        and not site["fn"].support.is_discrete
    }


# ---------------------------------------------------------------------------
# Problems raise at the site, naming it


def test_an_integer_location_raises_at_its_site() -> None:
    def model() -> None:
        numpyro.sample("x", dist.Normal(0.0, 1.0))
        numpyro.sample("y", dist.Normal(jnp.arange(3), 1.0), obs=jnp.zeros(3))

    with pytest.raises(td.ParameterTypeError) as info:
        handlers.seed(typecheck(model), 0)()
    message = str(info.value)
    assert message.startswith("sample site 'y': Normal: parameter `loc`")
    assert "int32[3]" in message
    assert "astype" in message
    error = info.value
    assert (error.site, error.distribution, error.parameter) == ("y", "Normal", "loc")


def test_as_a_context_manager_and_under_jit() -> None:
    def model(counts: jax.Array) -> None:
        numpyro.sample("n", dist.Binomial(total_count=counts > 2, probs=0.3))

    with (
        pytest.raises(td.ParameterTypeError, match=r"sample site 'n'.*`total_count`"),
        typecheck(),
        handlers.seed(rng_seed=0),
    ):
        jax.jit(model)(jnp.arange(4))


def test_a_float0_parameter_raises_at_its_site() -> None:
    tangent = np.zeros(3, dtype=jax.dtypes.float0)

    def model() -> None:
        # (NumPyro's own validation cannot compare float0 values at all)
        loc = dist.Normal(tangent, 1.0, validate_args=False)
        numpyro.sample("y", loc, obs=jnp.zeros(3))

    with pytest.raises(td.ParameterTypeError, match=r"sample site 'y'.*float0") as info:
        handlers.seed(typecheck(model), 0)()
    assert info.value.parameter == "loc"


def test_an_inner_distribution_names_the_path_to_the_parameter() -> None:
    def model() -> None:
        numpyro.sample("y", dist.Normal(jnp.arange(3), 1.0).to_event(1))

    with pytest.raises(td.ParameterTypeError, match="sample site 'y'") as info:
        handlers.seed(typecheck(model), 0)()
    assert info.value.parameter == "base_dist.loc"
    assert info.value.distribution == "Independent"

    def mixture_model() -> None:
        components: list[dist.Distribution] = [
            dist.Normal(0.0, 1.0),
            dist.Normal(jnp.array(2), 1.0),
        ]
        numpyro.sample(
            "y", dist.MixtureGeneral(dist.Categorical(jnp.ones(2) / 2), components)
        )

    with pytest.raises(td.ParameterTypeError) as info:
        handlers.seed(typecheck(mixture_model), 0)()
    assert info.value.parameter == "component_distributions[1].loc"


def test_checked_mode_catches_a_traced_negative_scale_inside_nuts_steps() -> None:
    """NumPyro's validation skips traced parameters; "checked" mode under the
    handler checks them inside the compiled program."""

    def model(log_scale: jax.Array) -> None:
        numpyro.sample("y", dist.Normal(0.0, log_scale - 1.0), obs=0.5)

    density = jax.jit(lambda s: log_density(typecheck(model), (s,), {}, {})[0])
    assert bool(jnp.isfinite(density(jnp.asarray(3.0))))
    with td.validation("checked"):
        checked = jax.jit(lambda s: log_density(typecheck(model), (s,), {}, {})[0])
        assert bool(jnp.isfinite(checked(jnp.asarray(3.0))))
        with pytest.raises(Exception, match="violates its constraint") as info:
            np.asarray(checked(jnp.asarray(0.5)))
    assert "Normal" in str(info.value)
    assert "`scale`" in str(info.value)


def test_a_distribution_without_typed_counterpart_passes_with_one_warning() -> None:
    class Shifted(dist.Normal):  # a user's own subclass
        pass

    def model() -> None:
        numpyro.sample("a", Shifted(0.0, 1.0))
        numpyro.sample("b", Shifted(1.0, 1.0))

    with pytest.warns(UncheckedDistributionWarning, match="Shifted") as record:
        handled = handlers.trace(handlers.seed(typecheck(model), 0)).get_trace()
    assert len([w for w in record if w.category is UncheckedDistributionWarning]) == 1
    assert type(handled["a"]["fn"]) is Shifted
    plain = handlers.trace(handlers.seed(model, 0)).get_trace()
    assert_identical(plain["a"]["value"], handled["a"]["value"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UncheckedDistributionWarning)
        handlers.seed(typecheck(model), 1)()  # no second warning for the class


# ---------------------------------------------------------------------------
# Composites are converted with their components


COMPOSITES: dict[str, Callable[[], dist.Distribution]] = {
    "Independent": lambda: dist.Normal(jnp.zeros(3), 1.0).to_event(1),
    "Masked": lambda: dist.Normal(jnp.zeros(3), 1.0).mask(
        jnp.array([True, False, True])
    ),
    "Expanded": lambda: dist.Normal(0.0, 1.0).expand([3]),
    "MixtureSameFamily": lambda: dist.MixtureSameFamily(
        dist.Categorical(jnp.ones(2) / 2), dist.Normal(jnp.zeros(2), 1.0)
    ),
    "MixtureGeneral": lambda: dist.MixtureGeneral(
        dist.Categorical(jnp.ones(2) / 2),
        [dist.Normal(0.0, 1.0), dist.StudentT(3.0, 0.0, 1.0)],
    ),
    "Transformed": lambda: dist.TransformedDistribution(
        dist.Normal(0.0, 1.0), dist.transforms.ExpTransform()
    ),
    "LogNormal": lambda: dist.LogNormal(0.0, 1.0),
    "TruncatedNormal": lambda: dist.TruncatedNormal(0.0, 1.0, low=-1.0, high=2.0),
    "LeftTruncated": lambda: dist.TruncatedDistribution(dist.Cauchy(0.0, 1.0), low=0.0),
}


def _distributions(fn: Any) -> list[Any]:
    """`fn` and every distribution inside it (not the NumPyro instance a
    typed distribution keeps to compute with, `_numpyro`)."""
    found = [fn]
    for name, value in vars(fn).items():
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if isinstance(item, dist.Distribution) and name != "_numpyro":
                found += _distributions(item)
    return found


@pytest.mark.numpyro_eager
@pytest.mark.parametrize("name", sorted(COMPOSITES))
def test_composites_are_converted_with_their_components(name: str) -> None:
    build = COMPOSITES[name]

    def model() -> None:
        numpyro.sample("x", build())

    plain = handlers.trace(handlers.seed(model, 3)).get_trace()
    handled = handlers.trace(handlers.seed(typecheck(model), 3)).get_trace()
    fn = handled["x"]["fn"]
    inner = _distributions(fn)
    if name not in ("LogNormal", "Expanded"):  # (these store no inner one)
        assert len(inner) > 1, name
    for each in inner:
        assert td.TypedDistribution in type(each).__mro__, (name, type(each))
    assert_identical(plain["x"]["value"], handled["x"]["value"])
    value = plain["x"]["value"]
    assert_identical(plain["x"]["fn"].log_prob(value), fn.log_prob(value))


# ---------------------------------------------------------------------------
# A valid model's numbers and programs are unchanged


_SECTIONS = ("FileNames", "FunctionNames", "FileLocations", "StackFrames")


def optimized_hlo(jitted: Any, *args: Any) -> str:
    """The optimized HLO of a jitted function, without its debug metadata
    (source locations and stack frames, which name the handler's frames)."""
    text: str = jitted.lower(*args).compile().as_text()
    blocks = [b for b in text.split("\n\n") if not b.lstrip().startswith(_SECTIONS)]
    return re.sub(r",? metadata=\{[^}]*\}", "", "\n\n".join(blocks))


@pytest.mark.parametrize("name", sorted(VALID))
def test_compiled_log_density_is_unchanged(name: str) -> None:
    model, args = VALID[name]
    latents = _latents(model, args)
    enumerated = name in ("mixture", "hmm")

    def density(fn: Model) -> Callable[[dict[str, jax.Array]], jax.Array]:
        if enumerated:  # the discrete sites summed out, as NUTS does
            summed = contrib_funsor.enum(fn, first_available_dim=-2)
            return lambda p: contrib_funsor.log_density(summed, args, {}, p)[0]
        return lambda p: log_density(fn, args, {}, p)[0]

    plain = jax.jit(density(model))
    handled = jax.jit(density(typecheck(model)))
    assert_identical(plain(latents), handled(latents))
    assert optimized_hlo(plain, latents) == optimized_hlo(handled, latents)
    # and the handler did convert: the traced model holds typed distributions
    trace = handlers.trace(handlers.seed(typecheck(model), 0)).get_trace(*args)
    assert all(
        td.TypedDistribution in type(site["fn"]).__mro__
        for site in trace.values()
        if site["type"] == "sample"
    )


@pytest.mark.parametrize("name", ["regression", "hierarchical"])
def test_compiled_prior_draws_are_unchanged(name: str) -> None:
    model, args = VALID[name]
    prior_args = (*args[:-1], None)  # the observed site drawn too

    def draws(fn: Model) -> Any:
        return jax.jit(lambda key: Predictive(fn, num_samples=2)(key, *prior_args))

    key = jax.random.key(0)
    assert_identical(draws(model)(key), draws(typecheck(model))(key))
    assert optimized_hlo(draws(model), key) == optimized_hlo(
        draws(typecheck(model)), key
    )


@pytest.mark.parametrize("name", ["regression", "hierarchical"])
def test_vmapped_log_density_is_unchanged(name: str) -> None:
    model, args = VALID[name]
    latents = _latents(model, args)
    stacked = jax.tree.map(lambda v: jnp.stack([v, v * 0.5]), latents)

    def density(fn: Model) -> Callable[[dict[str, jax.Array]], jax.Array]:
        return jax.vmap(lambda p: log_density(fn, args, {}, p)[0])

    assert_identical(density(model)(stacked), density(typecheck(model))(stacked))


@pytest.mark.slow
@pytest.mark.parametrize("kernel", ["NUTS", "HMC"])
@pytest.mark.parametrize("name", ["regression", "hierarchical"])
def test_mcmc_draws_are_unchanged(kernel: str, name: str) -> None:
    model, args = VALID[name]
    draws = []
    for fn in (model, typecheck(model)):
        inner = NUTS(fn) if kernel == "NUTS" else HMC(fn, trajectory_length=1.0)
        mcmc = MCMC(inner, num_warmup=30, num_samples=30, progress_bar=False)
        mcmc.run(jax.random.key(1), *args)
        draws.append(mcmc.get_samples())
    assert_identical(*draws)


@pytest.mark.slow
def test_enumerated_nuts_and_discrete_hmc_gibbs_are_unchanged() -> None:
    draws = []
    for fn in (mixture, typecheck(mixture)):
        mcmc = MCMC(NUTS(fn), num_warmup=20, num_samples=20, progress_bar=False)
        mcmc.run(jax.random.key(2), Y)
        draws.append(mcmc.get_samples())
    assert_identical(*draws)

    def discrete(y: jax.Array) -> None:
        weights: Any = numpyro.sample("weights", dist.Dirichlet(jnp.ones(2)))
        with numpyro.plate("data", 6):
            k: Any = numpyro.sample("k", dist.Categorical(weights))
            numpyro.sample("y", dist.Normal(jnp.array([-1.0, 1.0])[k], 0.5), obs=y)

    gibbs = []
    for fn in (discrete, typecheck(discrete)):
        mcmc = MCMC(
            DiscreteHMCGibbs(NUTS(fn)),
            num_warmup=20,
            num_samples=20,
            progress_bar=False,
        )
        mcmc.run(jax.random.key(3), Y)
        gibbs.append(mcmc.get_samples())
    assert_identical(*gibbs)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["regression", "hierarchical", "mixture", "hmm"])
def test_svi_with_an_autoguide_is_unchanged(name: str) -> None:
    model, args = VALID[name]
    enumerated = name in ("mixture", "hmm")
    results = []
    for fn in (model, typecheck(model)):
        hidden = handlers.block(fn, hide=["k", "state"]) if enumerated else fn
        guide = AutoNormal(hidden)
        elbo = TraceEnum_ELBO() if enumerated else Trace_ELBO()
        svi = SVI(fn, guide, Adam(0.05), elbo)
        result = svi.run(jax.random.key(4), 25, *args, progress_bar=False)
        results.append((result.losses, result.params))
    assert_identical(*results)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(VALID))
def test_predictive_draws_are_unchanged(name: str) -> None:
    model, args = VALID[name]
    prior_args = tuple(None if a is args[-1] and name != "hmm" else a for a in args)
    draws = [
        Predictive(fn, num_samples=5)(jax.random.key(5), *prior_args)
        for fn in (model, typecheck(model))
    ]
    assert_identical(*draws)
