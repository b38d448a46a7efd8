"""Compiled code identical to NumPyro's, for every typed distribution.

A model built in a trace (a NUTS or SVI step, any `jax.jit`) constructs its
distributions from traced parameters: the typed constructor's checks and
promotion run at trace time and must add nothing to the program. For every
parametrisation the generated suite knows (`tests/helpers/generate.py`), the lowered
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
import sys
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpyro.distributions as nd
import pytest

import typed_dists as td
from helpers.generate import ROW_IDS, ROWS, Generated, jax_arguments, typed_options

# Slow (lowers and compiles every class's programs): left out of `pytest -m "not slow"`.
pytestmark = pytest.mark.slow


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


def _calls(dist: Any, key: Any, value: Any, q: Any) -> dict[str, Callable[[], Any]]:
    """Every method and property compared, by name."""
    return {
        "sample": lambda: dist.sample(key, (2,)),
        "sample()": lambda: dist.sample(key),
        "log_prob": lambda: dist.log_prob(value),
        "cdf": lambda: dist.cdf(value),
        "icdf": lambda: dist.icdf(q),
        "mean": lambda: dist.mean,
        "variance": lambda: dist.variance,
        "mode": lambda: dist.mode,
        "entropy": lambda: dist.entropy(),
        "enumerate_support": lambda: dist.enumerate_support(True),
        "enumerate_support(False)": lambda: dist.enumerate_support(False),
    }


def _lowered(
    make: Callable[..., Any],
    others: dict[str, Any],
    arrays: dict[str, Any],
    arguments: tuple[Any, Any, Any],
    only: Collection[str] | None = None,
) -> tuple[str, dict[str, str]]:
    """The lowered program computing every method of `make(**arrays, **others)`
    that does not raise while traced, and each method's outcome: "ok" or the
    name of the exception it raised (NumPyro raises `NotImplementedError` where
    it has no implementation, `ImportError` where one needs
    tensorflow_probability, and its own errors for, e.g., the support of a
    traced `total_count`)."""
    outcomes: dict[str, str] = {}

    def program(params: dict[str, Any], key: Any, value: Any, q: Any) -> Any:
        dist = make(**params, **others)
        results = {}
        for name, call in _calls(dist, key, value, q).items():
            if only is not None and name not in only:
                continue
            try:
                results[name] = call()
            except Exception as error:  # compared between the two sides
                outcomes[name] = type(error).__name__
            else:
                outcomes[name] = "ok"
        return results

    text = jax.jit(program).lower(arrays, *arguments).as_text()
    return text, outcomes


_jax: Any = jax  # `ShapeDtypeStruct` and `eval_shape` are not annotated


def _value_shape(plain: nd.Distribution) -> Any:
    """The abstract value `log_prob` is lowered for: the batch and event shape,
    in a sample's dtype. (IntervalCensoredDistribution's sampler returns the
    base's draws, without the event dimension of its (left, right) values.)"""
    shape = plain.batch_shape + plain.event_shape
    try:
        dtype = _jax.eval_shape(plain.sample, jax.random.key(0)).dtype
    # No sampler here (see helpers/generate.py).
    except (NotImplementedError, ImportError):
        dtype = jnp.float32
    return _jax.ShapeDtypeStruct(shape, dtype)


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
    replaced: dict[str, str] = {}
    lines: list[str] = []

    def substitute(line: str) -> str:
        return _NAME.sub(lambda m: replaced.get(m.group(0), m.group(0)), line)

    for line in text.splitlines():
        match = _CONSTANT.match(line)
        if match:  # region-local names are reused: the latest definition holds
            replaced[match.group(1)] = f"const<{match.group(2)}>"
            continue
        lines.append(substitute(line))
    names: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        return names.setdefault(match.group(0), f"%v{len(names)}")

    return "\n".join(_NAME.sub(rename, line) for line in lines)


@pytest.fixture(autouse=True, scope="module")
def _xla_optimisations_on() -> Iterator[None]:
    """Programs compiled as users compile them (the suite turns most of XLA's
    optimisations off, see conftest.py)."""
    config: Any = jax.config
    config.update("jax_disable_most_optimizations", False)
    yield
    config.update("jax_disable_most_optimizations", True)


def _diff(typed: str, plain: str) -> str:
    """The start of the unified diff from NumPyro's program to the typed one."""
    lines = difflib.unified_diff(
        plain.splitlines(), typed.splitlines(), "numpyro", "typed_dists", lineterm=""
    )
    return "\n".join(lines)[:4000]


def _assert_same_program(typed: str, plain: str, what: str) -> None:
    if typed == plain:
        return
    typed, plain = canonical(typed), canonical(plain)
    if typed == plain:
        return
    pytest.fail(
        f"{what}: the typed program differs from NumPyro's:\n{_diff(typed, plain)}"
    )


# Unbatched rows (batch ()) lower these methods only: the others' programs
# differ from the batched ones' in shapes alone, and lowering is the cost of
# this check (about 0.1 s a method).
_UNBATCHED = ("sample", "sample()", "log_prob")


@pytest.mark.parametrize(("g", "batch"), ROWS, ids=ROW_IDS)
def test_compiled_program_is_numpyros(g: Generated, batch: tuple[int, ...]) -> None:
    """Every row of the generated suite, at every batch shape: one program per
    side with every method (sampling with two sample shapes, `log_prob`,
    `cdf`, `icdf`, moments, `mode`, `entropy`, `enumerate_support`; at batch
    () sampling and `log_prob`), the same methods raising the same exceptions
    on both sides."""
    arrays, others = jax_arguments(g, g.make(jax.random.key(0), batch))
    value = _value_shape(g.cls.numpyro_class(**arrays, **others))
    # Fresh distribution-valued arguments (the same values): NumPyro caches
    # lazily computed attributes (a Categorical's `probs`) on first use, and
    # the programs must both compute them, or both find them.
    arrays, others = jax_arguments(g, g.make(jax.random.key(0), batch))
    q = _jax.ShapeDtypeStruct(value.shape, jnp.float32)
    arguments = (jax.random.key(1), value, q)
    assert td.get_validation() == "default"
    only = None if batch else _UNBATCHED
    plain_text, expected = _lowered(
        g.cls.numpyro_class, _explicit_validation(others), arrays, arguments, only
    )
    typed_text, outcomes = _lowered(
        g.constructor, typed_options(others), arrays, arguments, only
    )
    assert outcomes == expected, g.id
    assert expected["log_prob"] == "ok", g.id
    if typed_text == plain_text or canonical(typed_text) == canonical(plain_text):
        return
    # Name the method whose program differs.
    for name in (n for n, outcome in expected.items() if outcome == "ok"):
        plain_one, _ = _lowered(
            g.cls.numpyro_class,
            _explicit_validation(others),
            arrays,
            arguments,
            (name,),
        )
        typed_one, _ = _lowered(
            g.constructor, typed_options(others), arrays, arguments, (name,)
        )
        _assert_same_program(typed_one, plain_one, f"{g.id}.{name}")
    _assert_same_program(typed_text, plain_text, g.id)


def test_the_comparison_can_fail() -> None:
    """A program with one more operation is told apart (the check is not vacuous)."""
    arrays = {"loc": jnp.zeros(2), "scale": jnp.ones(2)}
    value = _jax.ShapeDtypeStruct((2,), jnp.float32)
    arguments = (jax.random.key(1), value, value)
    same, _ = _lowered(td.Normal, {}, arrays, arguments, ("log_prob",))

    def shifted(loc: jax.Array, scale: jax.Array) -> nd.Normal:
        return nd.Normal(loc + 0.0, scale)

    other, _ = _lowered(shifted, {}, arrays, arguments, ("log_prob",))
    assert same == _lowered(nd.Normal, {}, arrays, arguments, ("log_prob",))[0]
    with pytest.raises(pytest.fail.Exception, match="differs from NumPyro"):
        _assert_same_program(other, same, "Normal.log_prob")


def _benchmarks() -> Any:
    """The benchmark suite's module (`benchmarks/__main__.py`)."""
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)
    import benchmarks.__main__

    return benchmarks.__main__


def _models() -> dict[str, tuple[Any, tuple[Any, ...]]]:
    """The benchmark suite's NUTS and SVI models, with their data."""
    _benchmarks()
    from benchmarks.__main__ import (
        EIGHT_SIGMA,
        EIGHT_Y,
        _eight_schools,
        _logistic,
        _logistic_data,
    )

    x, y = _logistic_data(200, 5)
    return {
        "logistic regression": (_logistic, (x, y)),
        "eight schools": (_eight_schools, (EIGHT_SIGMA, EIGHT_Y)),
    }


_METADATA = re.compile(r", metadata=\{[^}]*\}")
_TABLES = ("FileNames", "FunctionNames", "FileLocations", "StackFrames")
# Instruction names (`%add.3`) and the parameter names of computations'
# signatures (`param_0.214: f32[8]`, `wide.wide.arg_tuple.16: (...)`; XLA's
# loop passes prefix a name with `wide.` each time they rewrite its loop).
_HLO_NAME = re.compile(
    r"%[\w.\-]+|(?<![%\w.])[A-Za-z_][\w\-]*(?:\.[A-Za-z_][\w\-]*)*\.\d+\b"
)


def optimized(text: str) -> str:
    """An XLA-compiled program without its source locations, names renumbered.

    The compiled text records where each operation was traced (file names,
    functions and lines, which differ between typed_dists' and NumPyro's
    code paths) and numbers instructions in the order they were created.
    """
    lines: list[str] = []
    skipping = False
    for line in _METADATA.sub("", text).splitlines():
        if line in _TABLES:
            skipping = True
        elif skipping and not line.strip():
            skipping = False
        elif not skipping:
            lines.append(line)
    names: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        return names.setdefault(match.group(0), f"%n{len(names)}")

    return "\n".join(_HLO_NAME.sub(rename, line) for line in lines)


@pytest.mark.parametrize("name", ["logistic regression", "eight schools"])
def test_model_potential_energy_compiles_to_numpyros_program(name: str) -> None:
    """The program NUTS and SVI run: a model's potential energy and its
    gradient, compiled by XLA, with typed distributions and with NumPyro's.

    The models pass Python floats (`Normal(0.0, 10.0)`), which NumPyro keeps
    as weakly typed numbers and typed_dists stores as float32: the lowered
    programs differ by where dtype conversions sit and in the order of some
    operations, which XLA's compilation removes; the compiled ones are the
    same.
    """
    from numpyro.infer.util import initialize_model

    build, args = _models()[name]
    programs = []
    for module in (td, nd):
        info = initialize_model(jax.random.key(0), build(module), model_args=args)
        step = jax.jit(jax.value_and_grad(info.potential_fn))
        programs.append(
            optimized(str(step.lower(info.param_info.z).compile().as_text()))
        )
    assert programs[0].count("\n") > 100
    if programs[0] != programs[1]:
        pytest.fail(f"{name}: the compiled programs differ:\n{_diff(*programs)}")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["logistic regression", "eight schools"])
def test_whole_nuts_chain_is_numpyros(name: str) -> None:
    """A NUTS chain, compiled whole (`jit` of a `fori_loop` of the kernel's
    step), is the same XLA program with typed distributions as with
    NumPyro's, and gives the same draws bit for bit.

    "The same program": the same text, or (logistic regression) the same
    instructions with the same operands where XLA lists some independent
    instructions (`get-tuple-element`s feeding one fusion) in another order.
    Each side's text is the same from one compilation to the next.

    The models pass Python numbers (`Normal(0.0, 5.0)`). Inside a trace
    typed_dists stores them as the program's literals, as NumPyro's
    arithmetic on a Python number does; stored as captured constants, XLA
    folded constants in another order in the chain (`(x * 0.2) * -0.2`
    where NumPyro's program has `x * -0.04`), and the draws differed by
    rounding.
    """
    build, args = _models()[name]
    programs, states = [], []
    for module in (td, nd):
        chain, state = _benchmarks().nuts_chain(
            build(module), args, 10, 100, jax.random.key(0)
        )
        compiled = chain.lower(state).compile()
        programs.append(optimized(str(compiled.as_text())))
        states.append(compiled(state))
    assert programs[0].count("\n") > 1000
    typed_lines, plain_lines = (
        sorted(re.sub(r"%n\d+", "%", line) for line in p.splitlines()) for p in programs
    )
    if typed_lines != plain_lines:
        pytest.fail(f"{name}: the compiled chains differ:\n{_diff(*programs)}")
    typed, plain = (jax.tree.leaves(s.z) for s in states)
    assert all(bool(jnp.array_equal(a, b)) for a, b in zip(typed, plain, strict=True))
