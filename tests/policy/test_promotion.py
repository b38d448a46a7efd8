"""Promotion examples: the default float, mixes of widths, x64, and
construction inside `jax.jit` / `jax.vmap`, on single calls.

The same rules are checked for every parameter of every class in
`tests/policy/test_every_parameter.py` (accepted kinds, `MIXES`, integer
inputs, x64, construction inside jit and vmap); these examples show them
on Normal, including the paths the generated checks do not take (a jitted
program executed, a narrow float kept through jit, the sign of zero).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

import typed_dists as td
from helpers.versions import x64

F32 = np.dtype(np.float32)


def _assert_x32() -> None:
    assert jnp.asarray(0.0).dtype == jnp.float32
    assert jnp.asarray(0).dtype == jnp.int32


def test_default_float_is_float32() -> None:
    assert np.dtype(jnp.asarray(0.0).dtype) == F32
    assert td.Normal(0, 1).loc.dtype == jnp.float32


def test_mixed_promotion_examples() -> None:
    half = jnp.zeros(3, jnp.float16)
    d = td.Normal(half, 1.0)
    assert d.loc.dtype == d.scale.dtype == jnp.float16
    d = td.Normal(half, jnp.ones(3, jnp.float32))
    assert d.loc.dtype == d.scale.dtype == jnp.float32
    d = td.Normal(jnp.zeros(3, jnp.bfloat16), jnp.ones(3, jnp.float16))
    assert d.loc.dtype == d.scale.dtype == jnp.float32
    assert not d.loc.weak_type
    assert not d.scale.weak_type


def test_x64_defaults_and_mixes() -> None:
    with x64():
        d = td.Normal()
        assert d.loc.dtype == d.scale.dtype == jnp.float64
        d = td.Normal(0, jnp.ones(3, jnp.float32))
        assert d.loc.dtype == d.scale.dtype == jnp.float32
        d = td.Normal(np.zeros(3, np.float32), np.ones(3))
        assert d.loc.dtype == d.scale.dtype == jnp.float64
    _assert_x32()
    assert td.Normal().loc.dtype == jnp.float32


def test_construct_inside_jit_from_python_floats() -> None:
    d = jax.jit(td.Normal)(1.0, 2.0)
    assert isinstance(d, td.Normal)
    for value in (d.loc, d.scale):
        assert isinstance(value, jax.Array)
        assert value.dtype == jnp.float32
        assert not value.weak_type
    assert float(d.loc) == 1.0
    assert float(d.scale) == 2.0


def test_construct_inside_jit_keeps_narrow_float() -> None:
    d = jax.jit(lambda loc: td.Normal(loc, 1.0))(jnp.zeros(3, jnp.float16))
    assert d.loc.dtype == d.scale.dtype == jnp.float16
    assert not d.scale.weak_type


def test_construct_inside_vmap() -> None:
    loc = jnp.arange(3.0)
    d = jax.vmap(lambda x: td.Normal(x, 1.0))(loc)
    assert isinstance(d, td.Normal)
    assert d.batch_shape == loc.shape
    np.testing.assert_array_equal(np.asarray(d.loc), np.asarray(loc))
    assert d.loc.dtype == d.scale.dtype == jnp.float32
    assert not d.loc.weak_type
    assert not d.scale.weak_type


def test_python_float_sign_of_zero_is_kept() -> None:
    first = td.Normal(0.0, 1.0)
    second = td.Normal(-0.0, 1.0)
    signs = (bool(jnp.signbit(first.loc)), bool(jnp.signbit(second.loc)))
    assert signs == (False, True), signs
