"""NumPyro's code paths that copy a distribution and change the copy:
`promote_batch_shape`, `vmap_over`, and assignment of `_validate_args`.

Each NumPyro result is the reference: the typed distribution gives the same
shapes and bit-identical densities. Parameters stay immutable.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from types import ModuleType
from typing import Any

import jax
import jax.numpy as jnp
import pytest
from numpyro.distributions.batch_util import (
    promote_batch_shape as _promote_batch_shape,
    vmap_over as _vmap_over,
)

import typed_dists as td
from helpers.compat import assert_identical, both

# NumPyro leaves these unannotated.
promote_batch_shape: Any = _promote_batch_shape
vmap_over: Any = _vmap_over

T = 4  # the leading dimension a `vmap` (or a `scan`) adds

# Distributions built per step, as a scan body builds them; `loc` is the
# per-step input. Each is a function of the distributions module.
STEPS: dict[str, Callable[[ModuleType, jax.Array], Any]] = {
    "leaf": lambda m, loc: m.Normal(loc, 1.0),
    # A plate of 2 around a base of batch (3,): expanded dims in front.
    "expanded": lambda m, loc: m.Normal(loc, 1.0).expand([2, 3]),
    # Size-1 base dims broadcast in place (interstitial), and dims in front.
    "expanded-interstitial": lambda m, loc: m.Normal(loc[:1], 1.0).expand([5, 3]),
    "independent": lambda m, loc: m.Normal(loc, 1.0).expand([2, 3]).to_event(1),
    "masked": lambda m, loc: (
        m.Normal(loc, 1.0).expand([2, 3]).mask(jnp.array([True, False])[:, None])
    ),
    "categorical": lambda m, loc: m.Categorical(logits=jnp.stack([loc, -loc], -1)),
}

LOCS = jnp.linspace(-1.0, 1.0, T * 3, dtype=jnp.float32).reshape(T, 3)


def _stacked(m: ModuleType, step: str) -> Any:
    """The step's distribution with its leaves stacked over `T` steps, as
    NumPyro's `scan` hands it to `promote_batch_shape`."""
    return jax.vmap(lambda loc: STEPS[step](m, loc))(LOCS)


@pytest.mark.parametrize("step", sorted(STEPS))
def test_promote_batch_shape_is_numpyros(step: str) -> None:
    expected, actual = both(lambda m: promote_batch_shape(_stacked(m, step)))
    assert type(actual).__module__.startswith("typed_dists")
    assert actual.batch_shape == expected.batch_shape
    assert actual.event_shape == expected.event_shape
    dtype = jnp.int32 if step == "categorical" else jnp.float32
    value = jnp.zeros(expected.batch_shape + expected.event_shape, dtype)
    assert_identical(expected.log_prob(value), actual.log_prob(value))
    key = jax.random.key(0)
    sample = actual.sample(key, (2,))
    assert sample.shape == (2, *expected.batch_shape, *expected.event_shape)
    if step in ("leaf", "categorical"):
        assert_identical(expected.sample(key, (2,)), sample)
    # NumPyro's promoted expansion keeps the expanded sizes it was built with
    # and samples another shape ((2, 2, T, 1, 3) for "expanded"); the typed
    # one is rebuilt, and samples its batch shape.


def test_promoted_expansion_keeps_numpyros_base_shape() -> None:
    expected, actual = both(
        lambda m: promote_batch_shape(_stacked(m, "expanded-interstitial"))
    )
    assert actual.batch_shape == expected.batch_shape == (T, 5, 3)
    assert actual.base_dist.batch_shape == expected.base_dist.batch_shape


def test_stacked_typed_expansion_is_usable_before_promotion() -> None:
    """Its shapes follow its leaves: the promotion is already made."""
    stacked = _stacked(td, "expanded")
    assert stacked.batch_shape == (T, 2, 3)
    assert promote_batch_shape(stacked).batch_shape == (T, 2, 3)


def test_promote_batch_shape_of_a_typed_leaf_is_itself() -> None:
    d = _stacked(td, "leaf")
    assert promote_batch_shape(d) is d


# --- vmap_over ----------------------------------------------------------------

VMAPPED: dict[str, tuple[Callable[[ModuleType], Any], dict[str, Any]]] = {
    "normal": (
        lambda m: m.Normal(LOCS, 2.0 * jnp.ones_like(LOCS)),
        {"loc": 0, "scale": 0},
    ),
    # A parameter not mapped: NumPyro keeps `scale` broadcast to (1, 1).
    "normal-loc-only": (lambda m: m.Normal(LOCS, 2.0), {"loc": 0}),
    "beta": (
        lambda m: m.Beta(1.0 + LOCS**2, 2.0 * jnp.ones_like(LOCS)),
        {"concentration1": 0, "concentration0": 0},
    ),
    # NumPyro's name `mean` for the field typed_dists keeps as `_given_mean`.
    "beta-proportion": (
        lambda m: m.BetaProportion(0.5 + 0.1 * LOCS, 3.0 * jnp.ones_like(LOCS)),
        {"mean": 0, "concentration": 0},
    ),
}


@pytest.mark.parametrize("case", sorted(VMAPPED))
def test_vmap_over_is_numpyros(case: str) -> None:
    build, axes = VMAPPED[case]

    def run(m: ModuleType) -> jax.Array:
        d = build(m)
        in_axes = vmap_over(d, **axes)
        out: jax.Array = jax.vmap(lambda d: d.log_prob(0.25), in_axes=(in_axes,))(d)
        return out

    expected, actual = both(run)
    assert expected.shape[0] == T
    assert_identical(expected, actual)


def test_vmap_over_takes_a_base_distributions_axes() -> None:
    def run(m: ModuleType) -> jax.Array:
        d = m.Normal(LOCS, 1.0).to_event(1)
        in_axes = vmap_over(d, base_dist=vmap_over(d.base_dist, loc=0))
        out: jax.Array = jax.vmap(
            lambda d: d.log_prob(jnp.zeros(3)), in_axes=(in_axes,)
        )(d)
        return out

    assert_identical(*both(run))


def test_vmap_over_rejects_an_unknown_parameter() -> None:
    with pytest.raises(TypeError, match="lok"):
        vmap_over(td.Normal(LOCS, 1.0), lok=0)


# --- _validate_args and immutability -----------------------------------------


def test_assigning_validate_args_switches_value_checks_as_in_numpyro() -> None:
    def out_of_support(m: ModuleType) -> list[str]:
        d = m.HalfNormal(1.0, validate_args=False)
        d._validate_args = True
        with pytest.warns(UserWarning, match="Out-of-support") as caught:
            d.log_prob(-1.0)
        return [str(w.message) for w in caught]

    expected, actual = both(out_of_support)
    assert expected == actual


def test_assigning_validate_args_on_a_copy_leaves_the_original() -> None:
    d = td.HalfNormal(1.0, validate_args=False)
    d.log_prob(1.0)  # its NumPyro instance is built
    c = copy.copy(d)
    c._validate_args = True
    assert c._validate_args is True
    assert d._validate_args is False
    assert d.to_numpyro()._validate_args is False
    assert c.to_numpyro()._validate_args is True


@pytest.mark.parametrize("name", ["loc", "scale", "_batch_shape", "batch_shape"])
def test_fields_and_shapes_cannot_be_assigned(name: str) -> None:
    d = td.Normal(0.0, 1.0)
    with pytest.raises((dataclasses.FrozenInstanceError, AttributeError), match=name):
        setattr(d, name, jnp.ones(2))
    assert d.batch_shape == ()


def test_frozen_error_says_how_to_change_a_parameter() -> None:
    d = td.Normal(0.0, 1.0)
    with pytest.raises(
        dataclasses.FrozenInstanceError, match=r"d\.replace\(loc=\.\.\.\)"
    ):
        d.loc = jnp.ones(())
