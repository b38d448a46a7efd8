"""`typed_dists.check_model`: the report of an unchanged NumPyro model.

Each model is written with `numpyro.distributions` for this test, with one
kind of problem (or none); the report must name the site, the parameter and
the fix, count the bad elements and give the first index, and never raise for
what it can report.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from numpyro import handlers
from numpyro.contrib.control_flow import scan
from numpyro.infer import MCMC as _MCMC, NUTS as _NUTS, init_to_uniform
from numpyro.infer.util import log_density

import typed_dists as td

MCMC: Any = _MCMC
NUTS: Any = _NUTS

# ---------------------------------------------------------------------------
# Models


def arange_location(y: jax.Array | None = None) -> None:
    """The issue's first model: `jnp.arange(3)` as a location."""
    mu: Any = numpyro.sample("mu", dist.Normal(jnp.arange(3), 1.0))
    sigma: Any = numpyro.sample("sigma", dist.HalfNormal(1.0))
    numpyro.sample("y", dist.Normal(mu, sigma), obs=y)


def positive_data(y: jax.Array) -> None:
    """A LogNormal likelihood given data with zeros: NUTS cannot start."""
    mu: Any = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    sigma: Any = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("data", y.shape[0]):
        numpyro.sample("y", dist.LogNormal(mu, sigma), obs=y)


WITH_ZEROS = jnp.array([1.2, 0.0, 3.1, 0.7, 0.0, 2.2])


def regression(x: jax.Array, y: jax.Array | None = None) -> None:
    alpha: Any = numpyro.sample("alpha", dist.Normal(0.0, 10.0))
    beta: Any = numpyro.sample(
        "beta", dist.Normal(jnp.zeros(x.shape[-1]), 1.0).to_event(1)
    )
    sigma: Any = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("y", dist.Normal(alpha + x @ beta, sigma), obs=y)


X = jnp.linspace(-1.0, 1.0, 12).reshape(6, 2)
Y = jnp.array([0.3, -0.2, 1.1, 0.4, -0.7, 0.9])


def hierarchical(group: jax.Array, y: jax.Array) -> None:
    """Partial pooling whose group scale has a prior of real support."""
    mu: Any = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    tau: Any = numpyro.sample("tau", dist.Normal(0.0, 1.0))  # should be positive
    with numpyro.plate("groups", 3):
        theta: Any = numpyro.sample("theta", dist.Normal(mu, tau))
    with numpyro.plate("data", group.shape[0]):
        numpyro.sample("y", dist.Normal(theta[group], 1.0), obs=y)


GROUP = jnp.array([0, 1, 2, 0, 1, 2])


def mixture(y: jax.Array) -> None:
    weights: Any = numpyro.sample("weights", dist.Dirichlet(jnp.ones(2)))
    locs: Any = numpyro.sample(
        "locs", dist.Normal(jnp.array([-1.0, 1.0]), 1.0).to_event(1)
    )
    with numpyro.plate("data", y.shape[0]):
        k: Any = numpyro.sample(
            "k", dist.Categorical(weights), infer={"enumerate": "parallel"}
        )
        numpyro.sample("y", dist.Normal(locs[k], 0.5), obs=y)


def hmm(y: jax.Array, counts: jax.Array) -> None:
    """An HMM with `scan`, whose emissions are Poisson counts."""
    trans: Any = numpyro.sample("trans", dist.Dirichlet(jnp.ones((2, 2))).to_event(1))
    rates: Any = numpyro.sample("rates", dist.Gamma(2.0, jnp.ones(2)).to_event(1))

    def step(state: Any, t: jax.Array) -> tuple[jax.Array, None]:
        state = numpyro.sample(
            "state", dist.Categorical(trans[state]), infer={"enumerate": "parallel"}
        )
        numpyro.sample("obs", dist.Poisson(rates[state]), obs=counts[t])
        return state, None

    scan(step, jnp.array(0), jnp.arange(y.shape[0]))


COUNTS = jnp.array([0.0, 2.0, 5.0, 4.0, 1.0, 0.0])


def _problem(report: td.ModelReport, kind: str, site: str | None) -> td.Problem:
    found = [p for p in report.problems if p.kind == kind and p.site == site]
    assert len(found) == 1, report
    return found[0]


# ---------------------------------------------------------------------------
# The two models of the issue


def test_an_arange_location_is_reported_with_its_site_parameter_and_fix() -> None:
    report = td.check_model(arange_location, y=jnp.zeros(3))
    assert not report.ok
    problem = _problem(report, "parameter-type", "mu")
    assert problem.parameter == "loc"
    assert "int32[3]" in problem.message
    assert "astype(float)" in problem.fix
    assert len(report.problems) == 1
    text = str(report)
    assert "site 'mu', parameter 'loc'" in text
    assert "fix: " in text
    assert report.site("mu").parameters[0] == td.ParameterInfo("loc", "int32", (3,))


def test_the_cause_of_cannot_find_valid_initial_parameters_is_reported() -> None:
    mcmc = MCMC(NUTS(positive_data), num_warmup=5, num_samples=5, progress_bar=False)
    with (
        pytest.raises(RuntimeError, match="Cannot find valid initial parameters"),
        pytest.warns(UserWarning, match="Out-of-support"),  # NumPyro's
    ):
        mcmc.run(jax.random.key(0), WITH_ZEROS)

    for init in (None, init_to_uniform):
        report = td.check_model(positive_data, WITH_ZEROS, init_strategy=init)
        support = _problem(report, "value-support", "y")
        assert "2 of 6 elements, the first at index (1,) (0.0)" in support.message
        assert "Positive" in support.message
        assert "observations" in support.fix
        density = _problem(report, "log-density", "y")
        assert "Cannot find valid initial parameters" in density.message
        assert "problems above" in density.fix
        assert {p.site for p in report.problems} == {"y"}
        assert report.site("y").distribution == "LogNormal"
        assert report.site("y").observed
        assert math.isnan(report.site("y").log_density or 0.0) or (
            report.site("y").log_density == -math.inf
        )


# ---------------------------------------------------------------------------
# Valid models: an ok report whose figures are NumPyro's


@pytest.mark.parametrize(
    ("model", "args"),
    [
        (regression, (X, Y)),
        (mixture, (Y,)),
        (hmm, (COUNTS, COUNTS)),
    ],
    ids=["regression", "mixture", "hmm"],
)
def test_a_valid_model_is_ok_and_its_log_densities_are_numpyros(
    model: Any, args: tuple[Any, ...]
) -> None:
    report = td.check_model(model, *args, rng_seed=3)
    assert report.ok, report
    report.raise_for_problems()  # no problem: nothing raised
    trace = handlers.trace(handlers.seed(model, 3)).get_trace(*args)
    sites = {n: s for n, s in trace.items() if s["type"] == "sample"}
    assert [s.name for s in report.sites] == list(sites)
    for name, site in sites.items():
        expected = float(jnp.sum(site["fn"].log_prob(site["value"])))
        assert report.site(name).log_density == pytest.approx(expected, rel=1e-6)
        assert report.site(name).observed == site["is_observed"]
        assert report.site(name).checked
        shape = tuple(jnp.shape(site["value"]))
        assert report.site(name).value_shape == shape


def test_regression_report_lists_parameters_with_dtypes_and_shapes() -> None:
    report = td.check_model(regression, X, Y)
    beta = report.site("beta")
    assert beta.distribution == "Independent(Normal)"
    assert beta.parameters == (
        td.ParameterInfo("base_dist.loc", "float32", (2,)),
        td.ParameterInfo("base_dist.scale", "float32", (1,)),
    )
    assert report.site("alpha").parameters[0] == td.ParameterInfo(
        "loc", "float (Python)", ()
    )
    # a plate's expansion is left out of the name
    assert report.site("y").distribution == "Normal"
    assert report.site("y").value_shape == (6,)


# ---------------------------------------------------------------------------
# Each kind of problem


def test_a_negative_scale_names_the_latent_site_it_comes_from() -> None:
    report = td.check_model(
        hierarchical,
        GROUP,
        Y,
        params={"mu": jnp.asarray(0.0), "tau": jnp.asarray(-0.5)},
    )
    problem = _problem(report, "parameter-constraint", "theta")
    assert problem.parameter == "scale"
    assert "(-0.5)" in problem.message
    assert "site 'tau'" in problem.fix
    assert "HalfNormal" in problem.fix
    # NaN log density at theta, caused by the scale
    assert "problems above" in _problem(report, "log-density", "theta").fix


def test_the_origin_is_found_after_numpyro_reshapes_the_parameter() -> None:
    def model() -> None:
        mu: Any = numpyro.sample("mu", dist.Normal(jnp.zeros(3), 1.0))
        s: Any = numpyro.sample("s", dist.Normal(0.0, 1.0))
        numpyro.sample("x", dist.Normal(mu, s))  # NumPyro makes `s` shape (1,)

    report = td.check_model(model, params={"s": jnp.asarray(-1.0)})
    problem = _problem(report, "parameter-constraint", "x")
    assert report.site("x").parameters[1] == td.ParameterInfo("scale", "float32", (1,))
    assert "1 of 1 elements, the first at index (0,) (-1.0)" in problem.message
    assert "It is the value of site 's'." in problem.fix


def test_non_finite_parameters_are_counted_with_the_first_index() -> None:
    def model() -> None:
        loc = jnp.array([0.0, jnp.nan, 1.0, jnp.inf])
        numpyro.sample("x", dist.Normal(loc, 1.0))

    problem = _problem(td.check_model(model), "non-finite-parameter", "x")
    assert problem.parameter == "loc"
    assert "2 of 4 elements, the first at index (1,) (nan)" in problem.message
    assert "jax_debug_nans" in problem.fix


def test_a_given_value_outside_the_support_is_reported() -> None:
    report = td.check_model(
        positive_data, jnp.ones(6), params={"sigma": jnp.asarray(-1.0)}
    )
    problem = _problem(report, "value-support", "sigma")
    assert "given value" in problem.message
    assert "params" in problem.fix
    assert not report.site("sigma").observed


def test_a_masked_out_element_is_not_a_problem() -> None:
    def model() -> None:
        with handlers.mask(mask=jnp.array([True, False, True])):
            numpyro.sample(
                "y", dist.Exponential(jnp.ones(3)), obs=jnp.array([1.0, -1.0, 2.0])
            )

    report = td.check_model(model)
    assert [p.kind for p in report.problems] == ["value-support"]
    assert report.site("y").log_density == pytest.approx(-3.0)


def test_mixed_float_widths_between_sites_are_reported() -> None:
    data = jnp.array([1.0, 2.0], dtype=jnp.float16)

    def model() -> None:
        loc: Any = numpyro.sample("loc", dist.Normal(0.0, 1.0))
        numpyro.sample("y", dist.Normal(loc, 1.0), obs=data)

    problem = _problem(td.check_model(model), "float-widths", None)
    assert "float16 at 'y'" in problem.message
    assert "float32 at 'loc'" in problem.message
    assert "astype" in problem.fix


def test_bool_and_fractional_counts_are_reported() -> None:
    def model() -> None:
        numpyro.sample(
            "a", dist.Binomial(total_count=jnp.array([True]), probs=0.5), obs=1
        )
        numpyro.sample("b", dist.Binomial(total_count=2.5, probs=0.5), obs=1)

    report = td.check_model(model)
    assert _problem(report, "parameter-type", "a").parameter == "total_count"
    value = _problem(report, "parameter-value", "b")
    assert value.parameter == "total_count"
    assert "whole" in value.message


def test_a_model_that_raises_is_reported_with_the_sites_before_it() -> None:
    def model() -> None:
        numpyro.sample("a", dist.Normal(0.0, 1.0))
        numpyro.sample("b", dist.Normal(jnp.zeros(3), jnp.ones(2)))

    report = td.check_model(model)
    problem = _problem(report, "model-error", None)
    assert "after site 'a'" in problem.message
    assert "ValueError" in problem.message
    assert [s.name for s in report.sites] == ["a"]


def test_a_typed_distribution_the_model_builds_is_reported() -> None:
    def model() -> None:
        numpyro.sample("a", td.Normal(0.0, 1.0))
        numpyro.sample("b", td.Normal(jnp.arange(2), 1.0))

    report = td.check_model(model)
    problem = _problem(report, "parameter-type", None)
    assert problem.parameter == "loc"
    assert "after site 'a'" in problem.message


def test_a_user_distribution_is_listed_unchecked() -> None:
    class Shifted(dist.Normal):
        pass

    def model() -> None:
        numpyro.sample("x", Shifted(0.0, 1.0))

    report = td.check_model(model)
    assert report.ok
    assert not report.site("x").checked
    assert "Shifted (unchecked)" in str(report)


# ---------------------------------------------------------------------------
# The report's surface


def test_raise_for_problems_raises_with_the_report() -> None:
    report = td.check_model(arange_location, y=jnp.zeros(3))
    with pytest.raises(td.ModelCheckError, match="site 'mu', parameter 'loc'") as info:
        report.raise_for_problems()
    assert info.value.report is report


def test_text_and_html_show_every_site_and_problem() -> None:
    report = td.check_model(positive_data, WITH_ZEROS)
    text = str(report)
    lines = text.splitlines()
    assert lines[0] == "check_model(positive_data): 3 sample sites, 2 problems"
    header = lines[2].split()
    assert header[:3] == ["site", "distribution", "observed"]
    assert [line.split()[0] for line in lines[4:7]] == ["mu", "sigma", "y"]
    assert "1. site 'y' [value-support]" in text
    page = report._repr_html_()
    assert page.count("<tr>") == 1 + 3
    assert "<th>parameters</th>" in page
    assert "Positive(lower_bound=0.0)" in page
    assert page.count("<li>") == 2


def test_html_escapes_what_the_model_names() -> None:
    def model() -> None:
        numpyro.sample("<b>", dist.Normal(jnp.arange(2), 1.0))

    page = td.check_model(model)._repr_html_()
    assert "&lt;b&gt;" in page
    assert "<b>'" not in page


def test_the_run_is_seeded_and_leaves_numpyro_validation_as_it_was() -> None:
    before = numpyro.distributions.Distribution._validate_args  # pyright: ignore[reportPrivateUsage]
    first = td.check_model(regression, X, Y, rng_seed=7)
    second = td.check_model(regression, X, Y, rng_seed=7)
    assert first == second
    assert numpyro.distributions.Distribution._validate_args == before  # pyright: ignore[reportPrivateUsage]


def test_model_arguments_with_option_names_go_through_partial() -> None:
    def model(params: jax.Array) -> None:
        numpyro.sample("x", dist.Normal(params, 1.0))

    report = td.check_model(functools.partial(model, params=jnp.zeros(2)))
    assert report.site("x").parameters[0].shape == (2,)
    assert report.model == "partial"


def test_the_handler_and_the_report_agree_with_numpyros_log_density() -> None:
    latents = {"mu": jnp.asarray(0.2), "sigma": jnp.asarray(0.7)}
    data = jnp.array([1.2, 0.4, 3.1])
    report = td.check_model(positive_data, data, params=latents)
    expected, _ = log_density(positive_data, (data,), {}, latents)
    total = sum(s.log_density or 0.0 for s in report.sites)
    np.testing.assert_allclose(total, float(expected), rtol=1e-6)
