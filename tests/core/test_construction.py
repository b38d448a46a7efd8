"""What the construction fast paths must keep: no copies, no missed checks.

Timings are not asserted here (the benchmark suite, `python -m benchmarks`,
measures them); these tests pin the behaviour the optimisations rely on:

- the typed module and its NumPyro object share their parameter arrays, and a
  float32 JAX array NumPyro keeps as given is kept as given (no copy);
- NumPyro's global validation switch is set only around NumPyro classes that
  build inner distributions, and which classes do is learnt exactly;
- beartype's verdicts remembered per call signature never accept a call the
  full check would reject;
- a concrete value checked inside a trace by a constraint written with
  `jax.numpy` is still checked;
- construction without Equinox's per-call bookkeeping builds what Equinox
  builds, and keeps its checks (`__check_init__`, unset fields, frozen
  instances) and NumPyro's coercion hook.
"""

from __future__ import annotations

import dataclasses
import types
import warnings
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as nd
import pytest
from numpyro.distributions import distribution as numpyro_distribution

import typed_dists as td
from helpers.generate import GENERATED, Generated, jax_arguments, typed_options
from helpers.versions import x64
from typed_dists._core._record import record_of


def _arguments(g: Generated) -> tuple[dict[str, Any], dict[str, Any]]:
    """(float32 / int32 / bool JAX array parameters, typed other arguments)."""
    arrays, others = jax_arguments(g, g.make(jax.random.key(0), (2,)))
    return arrays, typed_options(others)


@pytest.mark.parametrize("g", GENERATED, ids=[g.id for g in GENERATED])
def test_fields_are_the_numpyro_objects_arrays(g: Generated) -> None:
    arrays, others = _arguments(g)
    typed = g.cls(**arrays, **others)
    dist = typed.to_numpyro()
    for field, attribute in record_of(g.cls).attributes.items():
        if attribute in vars(dist):
            assert getattr(typed, field) is vars(dist)[attribute], field
    # What NumPyro keeps as given, typed_dists keeps as given: no copy.
    plain = g.cls.numpyro_class(**arrays, **others)
    for field, attribute in record_of(g.cls).attributes.items():
        given = arrays.get(attribute)
        if given is not None and vars(plain).get(attribute) is given:
            assert getattr(typed, field) is given, field


def test_a_float32_array_is_stored_without_a_copy() -> None:
    loc, scale = jnp.arange(3.0), jnp.ones(3)
    d = td.Normal(loc, scale)
    assert d.loc is loc
    assert d.scale is scale
    assert d.loc.unsafe_buffer_pointer() == loc.unsafe_buffer_pointer()
    assert d.to_numpyro().loc is loc


@pytest.mark.parametrize("g", GENERATED, ids=[g.id for g in GENERATED])
def test_classes_built_without_the_switch_build_no_inner_distribution(
    g: Generated,
) -> None:
    """NumPyro's global switch is skipped only for classes whose constructor
    builds no other distribution (counted through NumPyro's coercion hook,
    which sees every distribution constructed)."""
    arrays, others = _arguments(g)
    g.cls(**arrays, **others)  # learns the class
    learnt = record_of(g.cls).builds_inner
    built: list[type] = []

    def count(cls: type, args: object, kwargs: object) -> None:
        built.append(cls)

    numpyro_distribution.COERCIONS.append(count)
    try:
        g.cls.numpyro_class(**arrays, **others)
    finally:
        numpyro_distribution.COERCIONS.remove(count)
    typed_built = [c for c in built if issubclass(c, td.TypedDistribution)]
    inner = len(built) - 1 - len(typed_built)
    assert learnt == (inner > 0), (learnt, built)


def test_inner_distributions_get_numpyros_setting() -> None:
    """HalfNormal keeps an inner Normal, built with NumPyro's switch off; it
    then gets the setting NumPyro would have given it (the switch's)."""
    typed = td.HalfNormal(jnp.ones(2))
    plain = nd.HalfNormal(jnp.ones(2))
    assert typed.to_numpyro()._normal._validate_args is True  # pyright: ignore[reportAttributeAccessIssue]
    assert plain._normal._validate_args is True  # pyright: ignore[reportAttributeAccessIssue]
    with numpyro.validation_enabled(False):
        typed = td.HalfNormal(jnp.ones(2), validate_args=True)
        assert typed.to_numpyro()._normal._validate_args is False  # pyright: ignore[reportAttributeAccessIssue]


def test_remembered_signatures_do_not_accept_other_shapes_or_dtypes() -> None:
    td.Normal(jnp.zeros(3), jnp.ones(3))  # accepted, remembered
    with pytest.raises(td.ParameterTypeError, match="`scale`"):
        td.Normal(jnp.zeros(3), jnp.ones(2))
    with pytest.raises(td.ParameterTypeError, match="`loc`"):
        td.Normal(jnp.zeros(3, dtype=jnp.int32), jnp.ones(3))
    td.MultivariateNormal(jnp.zeros(3), scale_tril=jnp.eye(3))
    with pytest.raises(td.ParameterTypeError, match="`scale_tril`"):
        td.MultivariateNormal(jnp.zeros(3), scale_tril=jnp.eye(2))
    td.Binomial(3, probs=jnp.full(3, 0.5))
    with pytest.raises(td.ParameterTypeError, match="`total_count`"):
        td.Binomial(jnp.full(3, True), probs=jnp.full(3, 0.5))
    # Whole-number floats are accepted; the signature remembered does not
    # skip the check of the next call's values.
    td.Binomial(jnp.full(3, 3.0), probs=jnp.full(3, 0.5))
    with pytest.raises(td.ParameterValueError, match="`total_count`"):
        td.Binomial(jnp.full(3, 2.5), probs=jnp.full(3, 0.5))
    td.Binomial(3.0, probs=0.5)
    with pytest.raises(td.ParameterValueError, match="`total_count`"):
        td.Binomial(2.5, probs=0.5)


def test_remembered_dtype_follows_the_x64_switch() -> None:
    assert td.Normal(0.0, 1.0).loc.dtype == jnp.float32
    with x64():
        assert td.Normal(0.0, 1.0).loc.dtype == jnp.float64
    assert td.Normal(0.0, 1.0).loc.dtype == jnp.float32


def test_weak_and_strong_arrays_promote_as_before() -> None:
    half = jnp.ones(3, dtype=jnp.float16)
    assert td.Normal(half, half).loc.dtype == jnp.float16
    assert td.Normal(half, 1.0).scale.dtype == jnp.float16
    assert td.Normal(half, jnp.ones(3)).scale.dtype == jnp.float32


def test_python_int_beyond_float_range_after_a_remembered_call() -> None:
    td.Normal(0, 1)
    with pytest.raises(td.ParameterValueError, match="`loc`"):
        td.Normal(10**400, 1)


def test_concrete_values_in_a_trace_are_checked_by_jax_numpy_constraints() -> None:
    """The simplex constraint uses `jax.numpy`; inside `jax.jit` its result on
    a concrete (closed-over) array is computed at trace time, not skipped."""
    bad = jnp.asarray([0.5, 0.6])

    @jax.jit
    def build() -> jax.Array:
        return td.Categorical(probs=bad).log_prob(0)

    with pytest.raises(td.ParameterValueError, match="`probs`"):
        build()


# ---------------------------------------------------------------------------
# Construction without Equinox's per-call bookkeeping (the class record)


@pytest.mark.parametrize("g", GENERATED, ids=[g.id for g in GENERATED])
def test_fast_construction_builds_what_equinox_builds(g: Generated) -> None:
    arrays, others = _arguments(g)
    fast = g.cls(**arrays, **others)
    assert record_of(g.cls).own_construction
    # Equinox's own `Module.__call__`, which the typed metaclass skips.
    slow = type(eqx.Module).__call__(g.cls, **arrays, **others)
    assert type(fast) is type(slow)
    assert str(jax.tree.structure(fast)) == str(jax.tree.structure(slow))
    assert bool(eqx.tree_equal(fast, slow))
    assert vars(fast).keys() == vars(slow).keys()
    field = next(iter(record_of(g.cls).names))
    with pytest.raises(dataclasses.FrozenInstanceError, match=field):
        fast.__setattr__(field, None)


def test_fast_construction_calls_check_init_and_checks_fields() -> None:
    seen: list[tuple[int, ...]] = []

    class Checked(td.Normal):
        def __check_init__(self) -> None:
            seen.append(self.loc.shape)
            if bool((self.loc > 5).any()):
                raise ValueError("loc is too large")

    Checked(jnp.zeros(2), jnp.ones(2))
    assert seen == [(2,)]
    with pytest.raises(ValueError, match="loc is too large"):
        Checked(jnp.full(2, 9.0), jnp.ones(2))

    class Forgetful(td.Normal):
        def __init__(self) -> None:  # does not call `self._construct`
            pass

    with pytest.raises(TypeError, match="was not initialized"):
        Forgetful()


def test_fast_construction_keeps_numpyro_coercions() -> None:
    """NumPyro's coercion hook (used by its `collapse` handler) still sees
    every typed construction, and can replace the result."""
    sentinel = nd.Normal(0.0, 1.0)

    def coerce(cls: type, args: object, kwargs: object) -> object:
        return sentinel if cls is td.Normal else None

    numpyro_distribution.COERCIONS.append(coerce)
    try:
        built: object = td.Normal(jnp.zeros(2), jnp.ones(2))
        assert built is sentinel
    finally:
        numpyro_distribution.COERCIONS.remove(coerce)


def test_fast_construction_warns_for_an_array_in_a_static_field() -> None:
    """As Equinox does: a JAX array stored in a static field is usually a
    mistake (it is hashed and compared as configuration under `jax.jit`).
    Typed fields are NumPyro's attributes, whose static ones are options such
    as shapes, so the plan's check is exercised on a stand-in instance."""
    plan = dataclasses.replace(
        record_of(td.Normal), names={"shape": "shape"}, static=("shape",)
    )
    with pytest.warns(UserWarning, match="JAX array is being set as static"):
        plan.finish(types.SimpleNamespace(shape=jnp.zeros(2)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan.finish(types.SimpleNamespace(shape=(2, 3)))
    with pytest.raises(TypeError, match="'shape' was not initialized"):
        plan.finish(types.SimpleNamespace())


def test_a_generic_base_says_it_wraps_no_numpyro_class() -> None:
    with pytest.raises(TypeError, match="LocScale wraps no NumPyro class"):
        td.LocScale(0.0, 1.0)


def test_an_init_that_assigns_to_self_is_told_to_use_construct() -> None:
    class Assigning(td.Normal):
        def __init__(self, loc: td.FloatLike, scale: td.FloatLike) -> None:
            self.loc = jnp.asarray(loc)  # a frozen field: raises

    with pytest.raises(dataclasses.FrozenInstanceError, match="_construct"):
        Assigning(0.0, 1.0)


def test_clear_caches_releases_the_arrays_of_python_numbers() -> None:
    number = 0.123456789  # no other test builds a distribution from it

    live_arrays: Any = jax.live_arrays  # unannotated

    def held() -> bool:
        return any(
            a.shape == ()
            and a.dtype == jnp.float32
            and float(a) == float(jnp.float32(number))
            for a in live_arrays()
        )

    d = td.Normal(number, 1.0)
    del d
    assert held()  # kept for the next construction from the same number
    td.clear_caches()
    assert not held()
    assert td.Normal(number, 1.0).loc == jnp.float32(number)


@pytest.mark.parametrize(
    ("build", "field", "dtype"),
    [
        (lambda m: m.Normal(jnp.zeros(3), 1.0), "scale", jnp.float32),
        (lambda m: m.Normal(-0.5, jnp.ones((2, 3))), "loc", jnp.float32),
        (lambda m: m.Binomial(10, probs=jnp.full(3, 0.5)), "total_count", jnp.int32),
        (lambda m: m.Gamma(2.0, jnp.ones((4, 1))), "concentration", jnp.float32),
    ],
)
def test_numbers_beside_arrays_are_stored_as_numpyro_shapes_them(
    build: Any, field: str, dtype: Any
) -> None:
    """A Python number given beside arrays reaches NumPyro as a NumPy 0-d
    array (so that its reshape is NumPy's, not an eager JAX operation); what
    is stored is a JAX array of the common dtype, of the shape NumPyro gives
    it, shared with the NumPyro object and between distributions."""
    typed, plain = build(td), build(nd)
    stored = getattr(typed, field)
    assert isinstance(stored, jax.Array)
    assert stored.dtype == dtype
    assert not stored.weak_type
    assert stored.shape == jnp.shape(getattr(plain, field))
    assert (stored == jnp.asarray(getattr(plain, field), dtype=dtype)).all()
    assert getattr(typed.to_numpyro(), field) is stored
    assert getattr(build(td), field) is stored  # one array per number and shape
    assert typed.batch_shape == plain.batch_shape
    value = typed.sample(jax.random.key(0))
    np.testing.assert_allclose(typed.log_prob(value), plain.log_prob(value), rtol=1e-6)


def test_numbers_beside_arrays_are_released_by_clear_caches() -> None:
    number = 0.987654321  # no other test builds a distribution from it
    first = td.Normal(jnp.zeros(2), number).scale
    assert td.Normal(jnp.zeros(2), number).scale is first
    td.clear_caches()
    again = td.Normal(jnp.zeros(2), number).scale
    assert again is not first
    assert (again == first).all()


def test_numbers_beside_arrays_in_a_trace_are_literals() -> None:
    """Inside `jax.jit` the number is not taken from the cache (a captured
    constant would change NumPyro's program): the stored field is traced."""
    seen: list[object] = []

    def f(loc: jax.Array) -> jax.Array:
        d = td.Normal(loc, 2.0)
        seen.append(d.scale)
        return d.log_prob(loc)

    out = jax.jit(f)(jnp.zeros(3))
    assert isinstance(seen[0], jax.core.Tracer)
    assert out == pytest.approx(nd.Normal(jnp.zeros(3), 2.0).log_prob(0.0))


def test_a_broadcast_of_a_traced_parameter_is_not_checked_in_numpy() -> None:
    """A Python-number `loc` that NumPyro broadcasts against a traced
    `scale_tril` is traced too: it is left to run time, not converted."""

    def log_prob(m: Any, s: jax.Array) -> jax.Array:
        d = m.MultivariateNormal(0.0, scale_tril=s * jnp.eye(2))
        out: jax.Array = d.log_prob(jnp.ones(2))
        return out

    expected = jax.jit(lambda s: log_prob(nd, s))(2.0)
    assert jax.jit(lambda s: log_prob(td, s))(2.0) == expected
