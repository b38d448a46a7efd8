"""Method calls: bound methods as pytrees, eager calls compiled once per signature.

Eagerly, `log_prob`, `sample`, `cdf`, `icdf` and `entropy` run NumPyro's
method in one compiled call (`_core/_methods.py`). For every generated row:
the result is the typed distribution's compiled method (`jax.jit` of the same
call, bit for bit), within rounding of NumPyro's eager result (or the same
exception), and with compiled calls off it is NumPyro's eager result bit for
bit. Then the paths that must stay NumPyro's own: values outside the support,
NumPyro's effect handlers, traces, `jax.disable_jit`, and methods that cannot
be compiled.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as nd
import pytest
from jaxtyping import Array, Float
from numpyro import handlers
from numpyro.distributions import constraints

import typed_dists as td
from helpers.built import ONE_BATCH, ONE_BATCH_IDS, Built, built, same
from helpers.generate import Generated
from typed_dists import FloatLike
from typed_dists._core import _methods
from typed_dists._core._record import record_of

METHODS = ("log_prob", "sample", "cdf", "icdf", "entropy")

RTOL, ATOL = 2e-5, 1e-6
"""Compiled against eager float32 results: XLA fuses a compiled method's
operations, which rounds differently (measured: at most 8e-6 relative)."""


def _call(dist: Any, name: str, value: Any, key: Any, q: Any) -> Any:
    if name == "log_prob":
        return dist.log_prob(value)
    if name == "sample":
        return dist.sample(key, (2,))
    if name == "cdf":
        return dist.cdf(value)
    if name == "icdf":
        return dist.icdf(q)
    return dist.entropy()


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """("ok", the result as NumPy) or ("raises", the exception type)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "ok", np.asarray(call())
    except Exception as error:  # compared between the two sides
        return "raises", type(error)


def _inputs(b: Built) -> tuple[Any, Any, Any]:
    value, _ = b.reference
    q = jnp.full(value.shape, 0.3, value.dtype) if value.dtype.kind == "f" else None
    return value, jax.random.key(7), q


@pytest.mark.parametrize(("g", "batch"), ONE_BATCH, ids=ONE_BATCH_IDS)
def test_eager_calls_are_compiled_numpyro(g: Generated, batch: tuple[int, ...]) -> None:
    b = built(g, batch)
    value, key, q = _inputs(b)
    for name in METHODS:
        if name == "icdf" and q is None:
            continue
        expected_kind, expected = _outcome(
            functools.partial(_call, b.plain, name, value, key, q)
        )
        kind, actual = _outcome(functools.partial(_call, b.typed, name, value, key, q))
        if expected_kind == "raises":
            assert kind == "raises", (name, actual)
            assert issubclass(actual, expected), (name, actual, expected)
            continue
        assert kind == "ok", (name, actual)
        np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL, err_msg=name)
        assert actual.dtype == expected.dtype, name

        def compiled(d: Any, v: Any, k: Any, x: Any, name: str = name) -> Any:
            return _call(d, name, v, k, x)

        jitted = jax.jit(compiled)(b.typed, value, key, q)
        if name not in record_of(type(b.typed)).eager_methods:
            same(actual, jitted)  # the compiled call is the compiled method
        with td.compiled_methods(False):
            same(_call(b.typed, name, value, key, q), expected)  # NumPyro's eager


# --- Bound methods -----------------------------------------------------------------


def test_bound_methods_are_pytrees_of_the_distributions_arrays() -> None:
    d = td.Normal(jnp.zeros(3), jnp.ones(3))
    x = jnp.array([0.5, -1.0, 2.0])
    method: Any = d.log_prob
    assert method.__self__ is d
    assert method == d.log_prob
    assert method != td.Normal(jnp.zeros(3), jnp.ones(3)).log_prob
    assert "self" not in inspect.signature(method).parameters
    leaves = jax.tree.leaves(method)
    assert len(leaves) == 2
    assert leaves[0] is d.loc
    assert leaves[1] is d.scale
    expected = np.asarray(d.log_prob(x))
    same(eqx.filter_jit(d.log_prob)(x), expected)
    same(jax.jit(d.log_prob)(x), expected)
    same(td.Normal.log_prob(d, x), expected)
    doubled = jax.tree.map(lambda a: a * 2.0, method)
    assert doubled.__self__.scale[0] == 2.0  # a new distribution's method


def test_a_grad_through_a_bound_method() -> None:
    d = td.Normal(jnp.zeros(3), jnp.ones(3))
    x = jnp.array([0.5, -1.0, 2.0])

    def total(m: Any) -> jax.Array:
        return jnp.sum(m(x))

    grads: Any = eqx.filter_grad(total)(d.log_prob)
    assert grads.__self__.loc.dtype == jnp.float32
    np.testing.assert_allclose(grads.__self__.loc, x, rtol=1e-6)


# --- The eager paths that stay NumPyro's own ------------------------------------------


def test_out_of_support_values_get_numpyros_warning_and_result() -> None:
    probs = jnp.array([0.2, 0.5, 0.9])
    value = jnp.array([0.0, 1.0, 2.0])
    with pytest.warns(UserWarning, match="Out-of-support"):
        expected = nd.Bernoulli(probs=probs).log_prob(value)
    with pytest.warns(UserWarning, match="Out-of-support"):
        actual = td.Bernoulli(probs=probs).log_prob(value)
    same(actual, expected)
    assert np.isneginf(np.asarray(actual)[2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # in the support: no warning
        td.Bernoulli(probs=probs).log_prob(jnp.array([0.0, 1.0, 1.0]))


def test_without_validation_out_of_support_values_are_numpyros() -> None:
    value = jnp.array([-1.0, 0.5, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither warns
        expected = nd.Exponential(2.0, validate_args=False).log_prob(value)
        actual = td.Exponential(2.0, validate_args=False).log_prob(value)
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)


def test_inside_numpyros_handlers_methods_are_numpyros_eager_ones() -> None:
    x = jnp.linspace(-2.0, 2.0, 7)

    def model(dist: Any) -> None:
        d = dist.Normal(0.3, 1.7)
        numpyro.sample("x", d, obs=x)
        numpyro.factor("f", d.log_prob(x).sum())
        numpyro.sample("y", dist.Gamma(2.0, 3.0).expand([4]))

    def run(dist: Any) -> Any:
        return handlers.trace(handlers.seed(model, 5)).get_trace(dist)

    typed, plain = run(td), run(nd)
    for site in ("f", "y"):
        same(typed[site]["value"], plain[site]["value"])
    with handlers.seed(rng_seed=0):
        same(typed["x"]["fn"].log_prob(x), plain["x"]["fn"].log_prob(x))
        same(td.Normal(0.3, 1.7).log_prob(x), nd.Normal(0.3, 1.7).log_prob(x))


def test_calls_from_numpyros_eager_code_are_eager() -> None:
    """A typed distribution that NumPyro's code, run eagerly for another one,
    calls in turn (a hurdle's base, asked for its `log_prob` by the hurdle's
    `mean`) runs NumPyro's method directly: the whole is NumPyro's eager
    computation, bit for bit."""
    x = jnp.linspace(-2.0, 2.0, 7)
    d = td.Normal(0.3, 1.7)
    inner = _methods.eager_call(lambda: d.log_prob(x))
    same(inner, nd.Normal(0.3, 1.7).log_prob(x))
    base = nd.Poisson(jnp.array([2.0, 5.0]))
    same(
        td.HurdleProbs(base, jnp.array([0.3, 0.6])).mean,
        nd.HurdleProbs(base, jnp.array([0.3, 0.6])).mean,
    )


def test_without_compilation_results_are_numpyros_eager_ones() -> None:
    x = jnp.linspace(0.1, 3.0, 9)
    expected = nd.Gamma(2.0, 3.0).log_prob(x)
    with td.compiled_methods(False):
        same(td.Gamma(2.0, 3.0).log_prob(x), expected)
    with jax.disable_jit():
        same(td.Gamma(2.0, 3.0).log_prob(x), expected)
    td.set_compiled_methods(False)
    try:
        same(td.Gamma(2.0, 3.0).log_prob(x), expected)
    finally:
        td.set_compiled_methods(True)
    with pytest.raises(TypeError, match="True or False"):
        td.set_compiled_methods("no")  # type: ignore[arg-type]  # the wrong type, on purpose
    with pytest.raises(TypeError, match="True or False"), td.compiled_methods(1):  # type: ignore[arg-type]  # the wrong type, on purpose
        pass


def test_traced_calls_are_numpyros_methods_inline() -> None:
    """Inside a trace nothing is compiled apart: the program holds NumPyro's
    operations, not a call of another compiled function."""
    d = td.Normal(jnp.zeros(3), jnp.ones(3))
    x = jnp.ones(3)
    for program in (
        jax.make_jaxpr(lambda d, x: d.log_prob(x))(d, x),
        jax.make_jaxpr(lambda d, k: d.sample(k, (2,)))(d, jax.random.key(0)),
        jax.make_jaxpr(jax.grad(lambda d, x: d.log_prob(x).sum()))(d, x),
    ):
        assert "_compiled_body" not in str(program)


# --- Methods that cannot be compiled ----------------------------------------------


class _Concrete(nd.Distribution):
    """A NumPyro distribution whose `log_prob` needs concrete values (a Python
    float of its input), as some user-written ones do."""

    arg_constraints = {"loc": constraints.real}  # noqa: RUF012  (NumPyro's own form)
    support = constraints.real

    def __init__(self, loc: Any = 0.0, *, validate_args: bool | None = None) -> None:
        self.loc = loc
        super().__init__(jnp.shape(loc), validate_args=validate_args)

    def log_prob(self, value: Any, intermediates: Any = None) -> Any:
        shift = float(jnp.sum(value))  # concrete only
        return -((value - self.loc) ** 2) + shift * 0.0


D = TypeVar("D", bound=nd.Distribution)


class _TypedLoc(td.TypedDistribution[D]):
    """The typed declaration both test distributions share (`loc` only)."""

    loc: Float[Array, "*batch"]

    def __init__(
        self,
        loc: Float[FloatLike, "*batch"] = 0.0,
        *,
        validate_args: bool | None = None,
    ) -> None:
        self._construct(loc=loc, validate_args=validate_args)


class _TypedConcrete(_TypedLoc[_Concrete], _Concrete):
    pass


class _Warning(_Concrete):
    def log_prob(self, value: Any, intermediates: Any = None) -> Any:
        warnings.warn("computed the slow way", UserWarning, stacklevel=2)
        return -((value - self.loc) ** 2)


class _TypedWarning(_TypedLoc[_Warning], _Warning):
    pass


def test_a_method_that_needs_concrete_values_runs_eagerly() -> None:
    x = jnp.array([0.5, 1.0])
    d = _TypedConcrete(jnp.zeros(2))
    same(d.log_prob(x), _Concrete(jnp.zeros(2)).log_prob(x))
    assert "log_prob" in record_of(_TypedConcrete).eager_methods
    same(d.log_prob(x), _Concrete(jnp.zeros(2)).log_prob(x))  # eager from now on


def test_a_method_that_warns_warns_on_every_call() -> None:
    x = jnp.array([0.5, 1.0])
    d = _TypedWarning(jnp.zeros(2))
    for _ in range(2):
        with pytest.warns(UserWarning, match="the slow way"):
            same(d.log_prob(x), _Warning(jnp.zeros(2)).log_prob(x))
    assert "log_prob" in record_of(_TypedWarning).eager_methods


def test_numpyros_errors_are_raised_as_numpyro_raises_them() -> None:
    d = td.Normal(jnp.zeros(3), jnp.ones(3))
    with pytest.raises(Exception) as expected:  # noqa: PT011  (NumPyro's type, below)
        nd.Normal(jnp.zeros(3), jnp.ones(3)).log_prob(jnp.ones(4))
    with pytest.raises(type(expected.value)) as actual:
        d.log_prob(jnp.ones(4))
    assert str(actual.value) == str(expected.value)
    assert actual.value.__context__ is None  # no compiled attempt chained on
    assert "log_prob" not in record_of(td.Normal).eager_methods
    with pytest.raises(NotImplementedError):
        td.Bernoulli(probs=0.3).cdf(0.5)
