"""Compiled code identical to NumPyro's, for every typed distribution.

A model built in a trace (a NUTS or SVI step, any `jax.jit`) constructs its
distributions from traced parameters: the typed constructor's checks and
promotion run at trace time and must add nothing to the program. For every
parametrisation the generated suite knows (`_generate.py`), the lowered
StableHLO of

    jit(lambda params, x: Cls(**params).log_prob(x))
    jit(lambda params, key: Cls(**params).sample(key, (2,)))

is compared, as text, with the same function built on NumPyro's class, with
the same float32 / int32 parameters and NumPyro's validation on (its default;
typed_dists' mode "default"). Array parameters are arguments of the program
(traced); options and distribution-valued arguments are constants.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest

import typed_dists as td
from _generate import GENERATED, Generated
from typed_dists._core import to_typed

BATCH = (2,)


def _split(
    g: Generated, kwargs: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(array parameters as float32/int32/bool JAX arrays, other arguments)."""
    names = {s.name for s in g.cls._parameters}  # pyright: ignore[reportPrivateUsage]
    arrays: dict[str, Any] = {}
    others: dict[str, Any] = {}
    for name, value in kwargs.items():
        if name in names and isinstance(value, np.ndarray | jax.Array):
            dtype = (
                jnp.float32
                if jnp.issubdtype(value.dtype, jnp.floating)
                else jnp.bool_
                if value.dtype == bool
                else jnp.int32
            )
            arrays[name] = jnp.asarray(value, dtype=dtype)
        else:
            others[name] = value
    return arrays, others


def _explicit_validation(others: dict[str, Any]) -> dict[str, Any]:
    """Distribution-valued arguments with their validation setting made explicit.

    A typed distribution resolves `validate_args` when it is built and keeps
    it through pytree operations (it is a static field). A NumPyro
    distribution built without `validate_args` reads NumPyro's global switch
    when used, and loses the setting when it is unflattened (NumPyro's
    `tree_unflatten` sets it to `None`): the truncated and censored
    distributions tree-map their base in `__init__`, after which NumPyro's base
    no longer checks its support. The NumPyro side gets bases with the setting
    stored, as the typed ones have it.
    """

    def explicit(value: Any) -> Any:
        if isinstance(value, nd.Distribution) and "_validate_args" not in vars(value):
            value = copy.copy(value)
            value._validate_args = bool(value._validate_args)  # pyright: ignore[reportPrivateUsage]
            return value
        if isinstance(value, list):
            return [explicit(v) for v in value]  # pyright: ignore[reportUnknownVariableType]
        return value

    return {name: explicit(value) for name, value in others.items()}


def _typed_options(others: dict[str, Any]) -> dict[str, Any]:
    """Distribution-valued arguments as typed ones, converted before tracing
    (as a user's model holds them), so that both programs take them as built."""

    def convert(value: Any) -> Any:
        if isinstance(value, nd.Distribution):
            return to_typed(value)
        if isinstance(value, list):
            return [convert(v) for v in value]  # pyright: ignore[reportUnknownVariableType]
        return value

    return {name: convert(value) for name, value in others.items()}


def _lowered(
    make: Callable[..., nd.Distribution],
    others: dict[str, Any],
    method: str,
    arrays: dict[str, Any],
    argument: Any,
) -> str:
    def program(params: dict[str, Any], x: Any) -> Any:
        dist = make(**params, **others)
        if method == "sample":
            return dist.sample(x, (2,))
        return dist.log_prob(x)

    return jax.jit(program).lower(arrays, argument).as_text()


_jax: Any = jax  # `ShapeDtypeStruct` and `eval_shape` are not annotated


def _value_shape(plain: nd.Distribution) -> Any:
    """The abstract value `log_prob` is lowered for: a sample's shape and dtype."""
    try:
        return _jax.eval_shape(plain.sample, jax.random.key(0))
    except (NotImplementedError, ImportError):  # no sampler here (see _generate)
        shape = plain.batch_shape + plain.event_shape
        return _jax.ShapeDtypeStruct(shape, jnp.float32)


_CONSTANT = re.compile(r"^\s*(%c\w*) = stablehlo\.constant (.*)$")
_NAME = re.compile(r"%[\w]+")


def canonical(text: str) -> str:
    """A lowered program with its value names canonicalised.

    JAX numbers values and places a function's constants in the order it met
    them while tracing, which can differ between two traces of the same
    computation (a closed-over array touched first in one of them). Each
    constant is written in place as its literal, and the other names are
    renumbered in order of appearance; the operations, their operands and
    their order are compared as they are.
    """
    constants: dict[str, str] = {}
    lines: list[str] = []
    for line in text.splitlines():
        match = _CONSTANT.match(line)
        if match:  # region-local names are reused: the latest definition holds
            constants[match.group(1)] = f"const<{match.group(2)}>"
            continue
        lines.append(_NAME.sub(lambda m: constants.get(m.group(0), m.group(0)), line))
    names: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        return names.setdefault(match.group(0), f"%v{len(names)}")

    return "\n".join(_NAME.sub(rename, line) for line in lines)


def _assert_same_program(typed: str, plain: str, what: str) -> None:
    if typed == plain:
        return
    typed, plain = canonical(typed), canonical(plain)
    if typed == plain:
        return
    diff = "\n".join(
        difflib.unified_diff(
            plain.splitlines(),
            typed.splitlines(),
            "numpyro",
            "typed_dists",
            lineterm="",
        )
    )
    pytest.fail(f"{what}: the typed program differs from NumPyro's:\n{diff[:4000]}")


@pytest.mark.parametrize("method", ["log_prob", "sample"])
@pytest.mark.parametrize("g", GENERATED, ids=[g.id for g in GENERATED])
def test_compiled_program_is_numpyros(g: Generated, method: str) -> None:
    kwargs = g.make(jax.random.key(0), BATCH)
    arrays, others = _split(g, kwargs)
    plain = g.cls.numpyro_class(**arrays, **others)
    argument = jax.random.key(1) if method == "sample" else _value_shape(plain)
    assert td.get_validation() == "default"
    try:
        plain_text = _lowered(
            g.cls.numpyro_class, _explicit_validation(others), method, arrays, argument
        )
    except (NotImplementedError, ImportError) as error:
        # ImproperUniform has no sampler; GaussianCopulaBeta's needs
        # tensorflow_probability, which is not installed.
        pytest.skip(f"NumPyro's {g.name}.{method} cannot be lowered here: {error}")
    typed_text = _lowered(g.cls, _typed_options(others), method, arrays, argument)
    _assert_same_program(typed_text, plain_text, f"{g.id}.{method}")


def test_the_comparison_can_fail() -> None:
    """A program with one more operation is told apart (the check is not vacuous)."""
    arrays = {"loc": jnp.zeros(2), "scale": jnp.ones(2)}
    value = _jax.ShapeDtypeStruct((2,), jnp.float32)
    same = _lowered(td.Normal, {}, "log_prob", arrays, value)

    def shifted(loc: jax.Array, scale: jax.Array) -> nd.Normal:
        return nd.Normal(loc + 0.0, scale)

    other = _lowered(shifted, {}, "log_prob", arrays, value)
    assert same == _lowered(nd.Normal, {}, "log_prob", arrays, value)
    with pytest.raises(pytest.fail.Exception, match="differs from NumPyro"):
        _assert_same_program(other, same, "Normal.log_prob")
