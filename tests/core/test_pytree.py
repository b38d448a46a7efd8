"""Typed distributions are Equinox modules: pytrees of their stored parameters.

Results under `jax.jit`, `jax.vmap`, `eqx.filter_jit`, `eqx.filter_grad` and
tree surgery are compared with the same computation on NumPyro's own
distributions (or eagerly on a freshly built typed distribution).

The leaves and the tree round trip are checked for every parametrisation of
the generated table at one batch shape (`helpers.built.ONE_BATCH`), eagerly;
that a module passed into `jax.jit` or `jax.vmap` computes NumPyro's
`log_prob`, for every row, is shown by compiled-program identity in
`tests/core/test_compiled.py`. The hand-written
tests below are single examples of a path.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest

import typed_dists as td
from helpers.built import ONE_BATCH, ONE_BATCH_IDS, built, same
from helpers.generate import Generated
from typed_dists._core._record import record_of


def _f32(value: Any) -> jax.Array:
    return jnp.asarray(value, dtype=jnp.float32)


LOC = _f32([-1.0, 0.5, 2.0])
SCALE = _f32([1.0, 0.3, 2.5])
VALUE = _f32([0.2, 0.4, 1.0])


# ---------------------------------------------------------------------------
# Leaves


def test_normal_leaves_are_loc_and_scale() -> None:
    d = td.Normal(LOC, SCALE)
    leaves = jax.tree_util.tree_leaves(d)
    assert len(leaves) == 2
    assert leaves[0] is d.loc
    assert leaves[1] is d.scale
    np.testing.assert_array_equal(leaves[0], LOC)
    np.testing.assert_array_equal(leaves[1], SCALE)


def test_multivariate_normal_leaves_are_loc_and_scale_tril() -> None:
    cov = _f32([[2.0, 0.5], [0.5, 1.0]])
    d = td.MultivariateNormal(_f32([0.0, 1.0]), covariance_matrix=cov)
    plain = nd.MultivariateNormal(_f32([0.0, 1.0]), covariance_matrix=cov)
    leaves = jax.tree_util.tree_leaves(d)
    assert len(leaves) == 2
    assert leaves[0] is d.loc
    assert leaves[1] is d.scale_tril
    np.testing.assert_array_equal(leaves[0], plain.loc)
    np.testing.assert_array_equal(leaves[1], plain.scale_tril)
    # The derived matrices are not leaves.
    np.testing.assert_array_equal(d.covariance_matrix, plain.covariance_matrix)


def test_binomial_leaves_are_probs_and_total_count() -> None:
    d = td.Binomial(total_count=jnp.array([5, 10]), probs=_f32([0.2, 0.9]))
    leaves = jax.tree_util.tree_leaves(d)
    assert len(leaves) == 2
    assert leaves[0] is d.probs
    assert leaves[1] is d.total_count
    assert jnp.issubdtype(leaves[0].dtype, jnp.floating)
    assert jnp.issubdtype(leaves[1].dtype, jnp.integer)


def test_poisson_is_sparse_is_not_a_leaf() -> None:
    d = td.Poisson(SCALE, is_sparse=True)
    leaves = jax.tree_util.tree_leaves(d)
    assert len(leaves) == 1
    assert leaves[0] is d.rate


def _dynamic_fields(d: Any) -> list[str]:
    """Field names that are not static (`eqx.field(static=True)`)."""
    return [
        f.name for f in dataclasses.fields(d) if not f.metadata.get("static", False)
    ]


def _check_fields(typed: Any, plain: Any) -> list[Any]:
    """The leaves `typed` must have, in order: each non-static field's. An
    array field is a leaf itself, equal to the attribute NumPyro keeps it in
    (same dtype); a distribution-valued field (a base, mixture components)
    is checked in the same way against NumPyro's."""
    attributes = record_of(type(typed)).attributes
    expected: list[Any] = []
    for name in _dynamic_fields(typed):
        value = getattr(typed, name)
        theirs = getattr(plain, attributes[name])
        if isinstance(value, jax.Array):
            same(value, theirs)
            expected.append(value)
        elif isinstance(value, td.TypedDistribution):
            expected += _check_fields(value, theirs)
        elif isinstance(value, list) and all(
            isinstance(v, td.TypedDistribution) for v in value
        ):
            for mine, other in zip(value, theirs, strict=True):
                expected += _check_fields(mine, other)
        else:  # transforms, a constraint, None: their own pytree leaves
            expected += jax.tree_util.tree_leaves(value)
    return expected


@pytest.mark.parametrize(("g", "batch"), ONE_BATCH, ids=ONE_BATCH_IDS)
def test_leaves_are_numpyros_stored_parameters(
    g: Generated, batch: tuple[int, ...]
) -> None:
    """The leaves are the non-static fields (count, order, identity), each
    equal to NumPyro's own stored parameter, with the same dtype."""
    b = built(g, batch)
    expected = _check_fields(b.typed, b.plain)
    leaves = jax.tree_util.tree_leaves(b.typed)
    assert len(leaves) == len(expected)
    for leaf, field in zip(leaves, expected, strict=True):
        assert leaf is field
    if b.arrays:
        assert leaves


# ---------------------------------------------------------------------------
# tree_map / flatten round trips


@pytest.mark.numpyro_eager
@pytest.mark.parametrize(("g", "batch"), ONE_BATCH, ids=ONE_BATCH_IDS)
def test_tree_map_identity_round_trips(g: Generated, batch: tuple[int, ...]) -> None:
    """`tree_map(identity)` and flatten/unflatten give a new, equal module of
    the same class and shapes. On the table rows (eagerly, see
    tests/interop/test_convert.py) both give NumPyro's `log_prob` exactly."""
    b = built(g, batch)
    d = b.typed
    copy = jax.tree_util.tree_map(lambda x: x, d)
    assert type(copy) is type(d)
    assert copy is not d
    assert bool(copy == d)
    leaves, treedef = jax.tree_util.tree_flatten(d)
    rebuilt = jax.tree_util.tree_unflatten(treedef, leaves)
    assert type(rebuilt) is type(d)
    assert bool(rebuilt == d)
    assert copy.batch_shape == rebuilt.batch_shape == b.plain.batch_shape
    assert copy.event_shape == rebuilt.event_shape == b.plain.event_shape
    if b.is_table:
        value, expected = b.reference
        same(copy.log_prob(value), expected)
        same(rebuilt.log_prob(value), expected)


def test_tree_map_changes_the_parameters_used() -> None:
    d = td.Normal(LOC, SCALE)
    d.log_prob(VALUE)  # build (and cache) the wrapped NumPyro distribution
    doubled = jax.tree_util.tree_map(lambda x: 2 * x, d)
    np.testing.assert_array_equal(
        doubled.log_prob(VALUE), nd.Normal(2 * LOC, 2 * SCALE).log_prob(VALUE)
    )
    np.testing.assert_array_equal(doubled.to_numpyro().scale, 2 * SCALE)


# ---------------------------------------------------------------------------
# jit


def test_construct_inside_jit_and_return() -> None:
    @jax.jit
    def build(loc: float, scale: float) -> td.Normal:
        return td.Normal(loc, scale)

    d = build(0.5, 2.0)
    assert isinstance(d, td.Normal)
    assert d.loc.dtype == d.scale.dtype == jnp.float32
    assert d.batch_shape == ()
    plain = nd.Normal(_f32(0.5), _f32(2.0))
    np.testing.assert_array_equal(d.log_prob(VALUE), plain.log_prob(VALUE))
    # The returned distribution is usable in another jitted function.
    np.testing.assert_array_equal(
        jax.jit(lambda d: d.log_prob(VALUE))(d),
        jax.jit(lambda d: d.log_prob(VALUE))(plain),
    )


def test_construct_inside_jit_rejects_integer_arguments() -> None:
    with pytest.raises(TypeError, match="`loc`"):
        jax.jit(lambda loc: td.Normal(loc, 1.0))(jnp.arange(3))


# ---------------------------------------------------------------------------
# vmap


def test_vmap_over_batch_of_distributions() -> None:
    d = td.Normal(LOC, SCALE)
    plain = nd.Normal(LOC, SCALE)
    result = jax.vmap(lambda d: d.log_prob(0.0))(d)
    assert result.shape == (3,)
    np.testing.assert_array_equal(result, jax.vmap(lambda d: d.log_prob(0.0))(plain))
    np.testing.assert_array_equal(result, plain.log_prob(0.0))


def test_vmap_over_batch_of_multivariate_normals() -> None:
    cov = jnp.stack([jnp.eye(2), _f32([[2.0, 0.3], [0.3, 1.0]])])
    loc = _f32([[0.0, 1.0], [1.0, -1.0]])
    d = td.MultivariateNormal(loc, covariance_matrix=cov)
    plain = nd.MultivariateNormal(loc, covariance_matrix=cov)
    x = _f32([0.5, 0.5])
    result = jax.vmap(lambda d: d.log_prob(x))(d)
    assert result.shape == (2,)
    np.testing.assert_array_equal(result, jax.vmap(lambda d: d.log_prob(x))(plain))


def test_construct_inside_vmap() -> None:
    locs = jnp.arange(3.0)
    result = jax.vmap(lambda loc: td.Normal(loc, 1.0).log_prob(0.0))(locs)
    expected = jax.vmap(lambda loc: nd.Normal(loc, 1.0).log_prob(0.0))(locs)
    np.testing.assert_array_equal(result, expected)
    np.testing.assert_array_equal(result, nd.Normal(locs, 1.0).log_prob(0.0))


def test_return_distribution_from_vmap() -> None:
    d = jax.vmap(lambda loc: td.Normal(loc, 1.0))(jnp.arange(3.0))
    assert isinstance(d, td.Normal)
    assert d.loc.shape == d.scale.shape == (3,)
    plain = nd.Normal(jnp.arange(3.0), jnp.ones(3))
    # The typed batch shape is read from the parameters: (3,), like a NumPyro
    # distribution built from the batched parameters. (A NumPyro distribution
    # returned from vmap keeps the batch_shape it had inside: ().)
    assert d.batch_shape == plain.batch_shape == (3,)
    np.testing.assert_array_equal(d.log_prob(VALUE), plain.log_prob(VALUE))


def test_batch_shape_inside_vmap_is_unbatched() -> None:
    shapes: dict[str, Any] = {}

    def typed_fn(d: td.Normal) -> jax.Array:
        shapes["typed"] = d.batch_shape
        return d.log_prob(0.0)

    def plain_fn(d: nd.Normal) -> jax.Array:
        shapes["numpyro"] = d.batch_shape
        return jnp.asarray(d.log_prob(0.0))

    def typed_built(loc: jax.Array) -> jax.Array:
        shapes["typed-built"] = td.Normal(loc, 1.0).batch_shape
        return loc

    def plain_built(loc: jax.Array) -> jax.Array:
        shapes["numpyro-built"] = nd.Normal(loc, 1.0).batch_shape
        return loc

    jax.vmap(typed_fn)(td.Normal(LOC, SCALE))
    jax.vmap(plain_fn)(nd.Normal(LOC, SCALE))
    jax.vmap(typed_built)(LOC)
    jax.vmap(plain_built)(LOC)
    # Typed: batch_shape is derived from the (per-example) parameters, so it
    # is the unbatched shape inside vmap.
    assert shapes["typed"] == ()
    assert shapes["typed-built"] == ()
    # NumPyro agrees for a distribution built inside vmap, but a NumPyro
    # distribution passed *into* vmap keeps the batch_shape stored in its
    # pytree aux data, (3,): a documented NumPyro behaviour (pyro-ppl/numpyro
    # PR #1529, issues #1684, #2271), which typed distributions differ from.
    assert shapes["numpyro-built"] == ()
    assert shapes["numpyro"] == (3,)


# ---------------------------------------------------------------------------
# Equinox filtered transformations


def test_filter_jit_with_distribution_argument() -> None:
    d = td.Binomial(total_count=jnp.array([5, 10, 3]), probs=_f32([0.2, 0.5, 0.9]))
    plain = nd.Binomial(total_count=jnp.array([5, 10, 3]), probs=_f32([0.2, 0.5, 0.9]))
    x = _f32([1.0, 2.0, 3.0])
    result = eqx.filter_jit(lambda d, x: d.log_prob(x))(d, x)
    np.testing.assert_array_equal(
        result, eqx.filter_jit(lambda d, x: d.log_prob(x))(plain, x)
    )
    np.testing.assert_array_equal(result, plain.log_prob(x))


def test_filter_jit_returning_distribution() -> None:
    @eqx.filter_jit
    def build(loc: jax.Array, scale: jax.Array) -> td.Normal:
        return td.Normal(loc, 2 * scale)

    d = build(LOC, SCALE)
    assert isinstance(d, td.Normal)
    assert d.batch_shape == (3,)
    np.testing.assert_array_equal(d.scale, 2 * SCALE)
    np.testing.assert_array_equal(
        d.log_prob(VALUE), nd.Normal(LOC, 2 * SCALE).log_prob(VALUE)
    )
    # Static fields survive the round trip.
    p = eqx.filter_jit(lambda r: td.Poisson(r, is_sparse=True))(SCALE)
    assert p.is_sparse is True


def test_filter_grad_over_distribution() -> None:
    d = td.Normal(LOC, SCALE)

    def loss(d: td.Normal) -> jax.Array:
        return -d.log_prob(VALUE).sum()

    grads = eqx.filter_grad(loss)(d)
    assert type(grads) is td.Normal
    structure: Any = jax.tree_util.tree_structure(grads)
    assert structure == jax.tree_util.tree_structure(d)
    assert grads.loc.dtype == grads.scale.dtype == jnp.float32
    assert grads.loc.shape == grads.scale.shape == (3,)
    g_loc, g_scale = jax.grad(
        lambda loc, scale: -nd.Normal(loc, scale).log_prob(VALUE).sum(), (0, 1)
    )(LOC, SCALE)
    np.testing.assert_array_equal(grads.loc, g_loc)
    np.testing.assert_array_equal(grads.scale, g_scale)


def test_filter_grad_skips_integer_total_count() -> None:
    d = td.Binomial(total_count=jnp.array([5, 10, 3]), probs=_f32([0.2, 0.5, 0.9]))
    x = _f32([1.0, 2.0, 3.0])

    def loss(d: td.BinomialProbs) -> jax.Array:
        return d.log_prob(x).sum()

    grads = eqx.filter_grad(loss)(d)
    assert grads.total_count is None
    g_probs = jax.grad(
        lambda p: (
            nd.Binomial(total_count=jnp.array([5, 10, 3]), probs=p).log_prob(x).sum()
        )
    )(_f32([0.2, 0.5, 0.9]))
    np.testing.assert_array_equal(grads.probs, g_probs)


# ---------------------------------------------------------------------------
# Tree surgery, equality, hashing


def test_tree_at_replaces_scale() -> None:
    d = td.Normal(LOC, SCALE)
    d.log_prob(VALUE)  # the wrapped NumPyro distribution exists before surgery
    new_scale = _f32([0.5, 4.0, 1.5])
    updated = eqx.tree_at(lambda d: d.scale, d, new_scale)
    assert isinstance(updated, td.Normal)
    assert updated.scale is new_scale
    fresh = td.Normal(LOC, new_scale)
    np.testing.assert_array_equal(updated.log_prob(VALUE), fresh.log_prob(VALUE))
    np.testing.assert_array_equal(updated.to_numpyro().scale, new_scale)
    np.testing.assert_array_equal(updated.variance, fresh.variance)
    # The original is unchanged.
    np.testing.assert_array_equal(d.scale, SCALE)
    np.testing.assert_array_equal(
        d.log_prob(VALUE), nd.Normal(LOC, SCALE).log_prob(VALUE)
    )


def test_equality_is_equinox_tree_equality() -> None:
    d = td.Normal(LOC, SCALE)
    same = td.Normal(_f32([-1.0, 0.5, 2.0]), _f32([1.0, 0.3, 2.5]))
    other = td.Normal(LOC, 2 * SCALE)
    assert type(d).__eq__ is eqx.Module.__eq__
    assert bool(d == same)
    assert not bool(d == other)
    assert bool(d == same) == bool(eqx.tree_equal(d, same))
    assert not bool(td.Normal(0.0, 1.0) == td.HalfNormal(1.0))


def test_hash_is_equinox_hash() -> None:
    assert td.Normal.__hash__ is eqx.Module.__hash__
    # Equinox hashes the leaves: modules with array leaves are unhashable,
    # exactly as for any other Equinox module holding arrays...
    with pytest.raises(TypeError):
        hash(td.Normal(LOC, SCALE))

    class Plain(eqx.Module):
        x: jax.Array

    with pytest.raises(TypeError):
        hash(Plain(LOC))
    # ...and equal hashable leaves give equal hashes.
    a = jax.tree_util.tree_map(float, td.Normal(0.5, 2.0))
    b = jax.tree_util.tree_map(float, td.Normal(0.5, 2.0))
    c = jax.tree_util.tree_map(float, td.Normal(0.5, 3.0))
    assert hash(a) == hash(b)
    assert hash(a) != hash(c)
