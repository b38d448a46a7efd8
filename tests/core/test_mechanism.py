"""The shared mechanism: declarations, signatures, caching, registry."""

from __future__ import annotations

import re
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpyro.distributions as nd
import pytest
from jaxtyping import Array, Float, Int

import typed_dists as td
from typed_dists import FloatLike, IntLike
from typed_dists._policy import parameter_specs


def test_numpyro_distribution_is_built_once_per_instance() -> None:
    d = td.Normal(0.0, 1.0)
    assert d.to_numpyro() is d.to_numpyro()
    moved = eqx.tree_at(lambda m: m.loc, d, jnp.asarray(2.0))
    assert moved.to_numpyro() is not d.to_numpyro()
    assert moved.to_numpyro().loc == 2.0
    assert moved.mean == 2.0


def test_derived_attributes_are_numpyros() -> None:
    d = td.Bernoulli(logits=jnp.array([-1.0, 2.0]))
    assert jnp.array_equal(d.probs, nd.BernoulliLogits(d.logits).probs)
    cov = jnp.array([[2.0, 0.5], [0.5, 1.0]])
    mvn = td.MultivariateNormal(jnp.zeros(2), covariance_matrix=cov)
    assert jnp.allclose(mvn.covariance_matrix, cov, rtol=1e-6)
    assert jnp.array_equal(
        mvn.precision_matrix,
        nd.MultivariateNormal(covariance_matrix=cov).precision_matrix,
    )


def test_parameter_specs_read_the_signature() -> None:
    specs, options = parameter_specs(td.MultivariateNormal.__init__)
    by_name = {s.name: s for s in specs}
    assert list(by_name) == [
        "loc",
        "covariance_matrix",
        "precision_matrix",
        "scale_tril",
    ]
    assert by_name["loc"].dims == ("*#batch #n", "")
    assert not by_name["loc"].optional
    assert by_name["scale_tril"].optional
    assert by_name["scale_tril"].dims == ("*#batch n n",)
    assert options == ()
    specs, options = parameter_specs(td.BinomialProbs.__init__)
    assert [(s.name, s.kind) for s in specs] == [
        ("probs", "float"),
        ("total_count", "int"),
    ]
    _, options = parameter_specs(td.Poisson.__init__)
    assert [o.name for o in options] == ["is_sparse"]


class _OwnGumbel(nd.Gumbel):
    """A user's NumPyro subclass: declaring typed wrappers of it in tests
    leaves the registry entries of NumPyro's own classes alone."""


class _OwnLogistic(nd.Logistic):
    """Another user's NumPyro subclass (see `_OwnGumbel`)."""


def test_init_that_forgets_a_parameter_is_a_declaration_error() -> None:
    class Forgetful(td.TypedDistribution[_OwnGumbel]):
        loc: Float[Array, "*#batch"]
        scale: Float[Array, "*#batch"]

        def __init__(
            self,
            loc: Float[FloatLike, "*#batch"] = 0.0,
            scale: Float[FloatLike, "*#batch"] = 1.0,
            *,
            validate_args: bool | None = None,
        ) -> None:
            self._construct(loc=loc, validate_args=validate_args)

    with pytest.raises(TypeError, match="must pass each of its parameters"):
        Forgetful(0.0, 1.0)


def test_mixed_float_and_int_annotation_is_a_declaration_error() -> None:
    def init(self: Any, x: Float[FloatLike, ""] | Int[IntLike, ""]) -> None: ...

    with pytest.raises(TypeError, match=re.escape("Float[...], Int[...] or Bool[...]")):
        parameter_specs(init)


def test_validate_args_is_kept_for_log_prob() -> None:
    """As in NumPyro, validation also warns for out-of-support values."""
    d = td.Exponential(1.0, validate_args=True)
    with pytest.warns(UserWarning, match="Out-of-support"):
        d.log_prob(-1.0)
    quiet = td.Exponential(1.0, validate_args=False)
    assert quiet.to_numpyro()._validate_args is False


def test_shared_family_base_declares_a_distribution_in_one_line() -> None:
    class TypedLogistic(td.LocScale[_OwnLogistic]):
        """Logistic distribution, from the shared location-scale declaration."""

    d = TypedLogistic(0, jnp.array([1.0, 2.0]))
    assert TypedLogistic.numpyro_class is _OwnLogistic
    assert isinstance(d.to_numpyro(), _OwnLogistic)
    assert d.loc.dtype == d.scale.dtype == jnp.float32
    expected = nd.Logistic(jnp.asarray(0.0), jnp.array([1.0, 2.0])).log_prob(0.3)
    assert jnp.array_equal(d.log_prob(0.3), expected)
    assert type(td.from_numpyro(_OwnLogistic(0.0, 1.0))) is TypedLogistic
    with pytest.raises(td.ParameterTypeError, match="TypedLogistic: parameter `scale`"):
        TypedLogistic(0.0, jnp.array([1, 2]))


def test_python_number_constants_never_leak_tracers() -> None:
    """Python numbers are cached as arrays; one first met inside `jax.jit` must
    be cached as a concrete array, not as that trace's tracer."""
    unusual = 0.123456789  # a literal no other test uses

    @jax.jit
    def inside(x: jax.Array) -> jax.Array:
        return td.Normal(unusual, 1.0).log_prob(x)

    traced = inside(jnp.asarray(0.5))
    eager = td.Normal(unusual, 1.0)
    assert not isinstance(eager.loc, jax.core.Tracer)
    assert jnp.allclose(eager.log_prob(0.5), traced, rtol=1e-6)
    # and reusable in a second, different trace
    assert jnp.isfinite(jax.jit(lambda s: td.Normal(unusual, s).mean)(2.0))


def test_typed_classes_list_the_class_they_wrap_as_a_base() -> None:
    """Every typed class names its NumPyro class as a base (what type
    checkers read); the MRO puts the typed methods first."""
    for name in td.__all__:
        cls = getattr(td, name)
        if isinstance(cls, type) and issubclass(cls, td.TypedDistribution):
            wrapped = getattr(cls, "numpyro_class", None)
            if wrapped is None:
                continue  # a generic intermediate base
            assert issubclass(cls, wrapped), name
            written = [
                base
                for klass in cls.__mro__
                for base in vars(klass).get("__orig_bases__", ())
            ]
            assert wrapped in written, f"{name} does not write {wrapped.__name__}"
            mro = cls.__mro__
            assert mro.index(td.TypedDistribution) < mro.index(wrapped), name


def test_a_numpyro_base_other_than_the_wrapped_class_is_a_declaration_error() -> None:
    with pytest.raises(TypeError, match="wraps Normal but lists Cauchy"):

        class Wrong(td.TypedDistribution[nd.Normal], nd.Cauchy):
            loc: Float[Array, "*#batch"]
