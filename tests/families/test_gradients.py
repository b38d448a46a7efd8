"""Gradients through every typed class (the bug of NumPyro issue #1876).

An integer parameter or value gets a `float0` tangent in JAX, which supports no
arithmetic; NumPyro stores integer parameters as passed, so `jax.grad` then
refuses them, returns a meaningless float0 "gradient", or crashes inside a
custom JVP rule such as `xlogy`'s. typed_dists rejects integer parameters at
construction and promotes float ones, so every gradient with respect to a
parameter is a real float array. This module checks that for every row of the
generated table (`helpers.generate.EVERY`: every class with a float parameter,
the mixture classes for their components' leaves, and the hand-picked table
rows), in float64, honouring `SKIPS` "grad" (the whole row) and "vmap":

- G1 `test_gradients_match_finite_differences`: the gradient with respect to
  every float parameter (float64, its shape, finite; the same for every value
  kind) equals central differences in unconstrained coordinates (the one
  regime of `helpers/gradients.py`, rtol 1e-5), for every kind of value
  (float64; int32, float64 and, for a boolean support, bool for a discrete
  class); a value kind NumPyro's own `log_prob` refuses (Categorical's float
  values) is refused too;
- G2 `test_gradient_is_numpyros`: bitwise NumPyro's gradient (its class built
  from the same float64 parameters), also at the table's `logits` exactly 0
  (the kink of NumPyro's softplus, where its derivative is off by 1/2 and
  finite differences cannot go);
- G3 `test_grad_under_vmap`: `jax.vmap` over two parameter sets gives each
  set's own jitted gradient;
- G4 `test_integer_values_allow_int_and_float0_jvp` (and the eager
  `test_eager_grad_allow_int_and_jvp_with_integer_value` on the table's
  discrete rows, the bug report's setting): with int32 and bool values,
  `allow_int` gradients and a float0 JVP tangent for the value work, under
  `jax.jit` and `jax.jit(jax.vmap)`;
- G5 `test_filter_grad`: `eqx.filter_grad` under `eqx.filter_jit` over the
  module, nested distributions included;
- integer parameters rejected when traced under `jax.grad` and `jax.jit`.

Runtime: compiling (and tracing) dominates. Each row gets ONE compiled
program (`_program`), which computes everything the row needs: the typed log
density and its gradients for every value kind, NumPyro's gradient, the
vmapped gradients, the allow_int gradients and JVP tangents,
`eqx.filter_grad`. It is compiled once and evaluated again at the other
points the checks need: the second parameter set of the vmap check and the
finite-difference points, where a traced flag (`lax.cond`) skips everything
but the log density (`test_one_compile_per_row` counts the compilations). A
table row evaluates the program of its class's generated row, built at the
table row's batch shape, without compiling it again. Rows are built at batch
(2,) (or their table batch shape), not (): the second parameter set of the
vmap check is the first with its batch elements rolled, which keeps every
dependent constraint (Uniform's `low < high`, a truncation bound and its
base) and the value in the support.

Values: an in-support value per row (`helpers.values.support_value`, moved
into the bulk of a real support by `_in_the_bulk`; the table rows take
`support_rows`, as their parity checks). Finite differences are taken at the
row's parameters except where a real parameter (`logits`, `loc`) is exactly 0:
there it is moved by 0.125 off NumPyro's softplus kink (a table value), and
G2 covers the kink itself.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
from collections.abc import Iterator
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest
from numpyro.distributions import constraints

import typed_dists as td
from helpers.generate import EVERY, Generated
from helpers.gradients import (
    FD_ATOL,
    FD_RTOL,
    SAME_ATOL,
    SAME_RTOL,
    Point,
    assert_matches_differences,
    assert_same,
    check_float_grads,
    directional,
    directions,
    finite_differences,
    unconstrained,
)
from helpers.values import support_rows, support_value
from helpers.versions import VALUE_KINDS_RTOL, duration_listener, x64
from typed_dists._core._record import record_of

pytestmark = pytest.mark.slow

Params = dict[str, Any]

_SHIFT = 0.125  # off NumPyro's softplus kink at logits == 0, for differences
_INTEGER_KINDS = ("int32", "bool")
_DTYPES = {"int32": jnp.int32, "float64": jnp.float64, "bool": jnp.bool_}


def _kinds_of(g: Generated) -> dict[str, str]:
    return {s.name: s.kind for s in record_of(g.cls).parameters}  # pyright: ignore[reportPrivateUsage]


def _has_floats(g: Generated) -> bool:
    return "float" in _kinds_of(g).values()


def _declares_discrete(g: Generated) -> bool:
    """From the NumPyro class's declared support, without building one."""
    support = inspect.getattr_static(g.cls.numpyro_class, "support", None)
    try:
        return bool(getattr(support, "is_discrete", False))
    except NotImplementedError:
        return False


def _is_mixture(g: Generated) -> bool:
    return issubclass(g.cls, td.MixtureGeneral | td.MixtureSameFamily)


# Rows with something to differentiate: a float parameter, or (mixtures) the
# float leaves of component distributions. The other wrappers' leaves are
# their base's parameters, whose class has its own rows.
GRAD_ROWS = [g for g in EVERY if _has_floats(g) or _is_mixture(g)]
FLOAT_ROWS = [g for g in GRAD_ROWS if _has_floats(g)]
DISCRETE_ROWS = [g for g in FLOAT_ROWS if _declares_discrete(g)]
TABLE_DISCRETE_ROWS = [g for g in DISCRETE_ROWS if g.batch is not None]


def _params(rows: list[Generated]) -> list[Any]:
    return [pytest.param(g, id=g.id) for g in rows]


def row_order(item: pytest.Item) -> tuple[str, int]:
    """Where `conftest.py` puts this module's tests: a row's checks side by
    side, so that one pytest-xdist worker runs them and computes the row's
    compiled program (`_result`, cached per process) once; a table row's
    beside its class's generated row, whose program it shares."""
    callspec = getattr(item, "callspec", None)
    if callspec is None:  # not a row's check
        return "", -1
    g: Generated = callspec.params["g"]
    return g.cls.__name__, _index(g)


def _roll(x: Any, axis: int = 0) -> np.ndarray:
    """Batch elements in another order (a 0-d array stays as it is)."""
    x = np.asarray(x)
    return np.roll(x, 1, axis=axis) if x.ndim > axis else x


# ---------------------------------------------------------------------------
# One row: its arguments, values and compiled program


@dataclasses.dataclass
class _Row:
    g: Generated
    floats: dict[str, np.ndarray]  # float64, as generated (constrained)
    ints: dict[str, np.ndarray]
    others: dict[str, Any]  # options, distribution-valued arguments
    dist: Any  # built from the arguments (float64)
    point: Point  # unconstrained coordinates of `floats`
    fd_point: Point  # where differences are taken (off the softplus kink)
    kinds: tuple[str, ...]  # value kinds, native first
    refused: tuple[str, ...]  # value kinds NumPyro's log_prob refuses
    values: dict[str, np.ndarray]
    refused_values: dict[str, np.ndarray]
    with_vmap: bool
    derived: tuple[str, ...]  # float fields not named by a given parameter

    @property
    def native(self) -> str:
        return self.kinds[0]

    def build(self, floats: Params, ints: Params) -> Any:
        return self.g.constructor(**floats, **ints, **self.others)

    def log_density(self, floats: Params, ints: Params, value: Any) -> jax.Array:
        return jnp.sum(self.build(floats, ints).log_prob(value))

    def numpyro_log_density(
        self, floats: Params, ints: Params, value: Any
    ) -> jax.Array:
        plain = self.g.cls.numpyro_class(**floats, **ints, **self.others)
        return jnp.sum(plain.log_prob(value))

    def constrained(self, point: Params) -> Params:
        return {
            n: unconstrained(self.g.cls.numpyro_class, n)(u) for n, u in point.items()
        }


# A generated row of a class with a table row takes the table row's batch
# shape, so that both evaluate one compiled program (see `_program`).
_TABLE_BATCH = {g.cls: g.batch for g in EVERY if g.batch is not None}


def _batch(g: Generated) -> tuple[int, ...]:
    return g.batch if g.batch is not None else _TABLE_BATCH.get(g.cls, (2,))


@functools.cache
def _kwargs(index: int) -> dict[str, Any]:
    g = EVERY[index]
    with x64():
        return g.make(jax.random.key(index), _batch(g))


def _numpyro_refuses(row: _Row, value: Any) -> bool:
    """Whether NumPyro's own log_prob refuses `value` (traced, not compiled)."""
    try:
        jax.eval_shape(row.numpyro_log_density, row.floats, row.ints, value)
    except TypeError:
        return True
    return False


def _off_kink(g: Generated, point: Point) -> Point:
    real = (constraints.real, constraints.real_vector)
    arg_constraints = g.cls.numpyro_class.arg_constraints
    return {
        n: u + _SHIFT if arg_constraints.get(n) in real and np.any(u == 0.0) else u
        for n, u in point.items()
    }


def _in_the_bulk(dist: Any, value: Any) -> np.ndarray:
    """Standard normal draws on a real support, moved to `mean + stddev *
    draw` where both are finite: a draw several scales out in a light tail
    (Gumbel's `exp(-z)`) would make the log density too ill-conditioned for
    finite differences."""
    draws: np.ndarray = np.asarray(value)
    if dist.support not in (constraints.real, constraints.real_vector):
        return draws
    try:
        mean, variance = np.asarray(dist.mean), np.asarray(dist.variance)
    except NotImplementedError:
        return draws
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(variance))):
        return draws
    return np.asarray(mean + np.sqrt(variance) * draws, draws.dtype)


@functools.cache
def _row(index: int) -> _Row:
    """A row's arguments (float64), distribution, values and points."""
    g = EVERY[index]
    kinds_of = _kinds_of(g)
    kwargs = _kwargs(index)
    floats = {
        n: np.asarray(x, np.float64)
        for n, x in kwargs.items()
        if kinds_of.get(n) == "float" and x is not None
    }
    ints = {
        n: np.asarray(x, np.int32)
        for n, x in kwargs.items()
        if kinds_of.get(n) == "int"
    }
    others = {n: x for n, x in kwargs.items() if n not in floats and n not in ints}
    with x64():
        dist = g.constructor(**kwargs)
        if g.batch is None:
            value = _in_the_bulk(dist, support_value(dist, jax.random.key(index)))
        else:  # the hand-picked rows of the table
            shape = (*dist.batch_shape, *dist.event_shape)
            value = support_rows(dist.support, shape)
        point = {
            n: np.asarray(unconstrained(g.cls.numpyro_class, n).inv(jnp.asarray(x)))
            for n, x in floats.items()
        }
    try:
        discrete = bool(dist.support.is_discrete)
    except NotImplementedError:
        discrete = False
    if discrete:
        kinds = ["int32", "float64"]
        if dist.support is constraints.boolean:
            kinds.append("bool")
    else:
        kinds = ["float64"]
    values = {k: np.asarray(value).astype(_DTYPES[k]) for k in kinds}
    record = record_of(g.cls)
    derived = tuple(
        f
        for f in record.names
        if eqx.is_inexact_array(getattr(dist, f)) and record.names[f] not in floats
    )
    row = _Row(
        g,
        floats,
        ints,
        others,
        dist,
        point,
        _off_kink(g, point),
        tuple(kinds),
        (),
        values,
        {},
        g.skip_reason("vmap") is None,
        derived if floats else (),
    )
    with x64():
        refused = tuple(k for k in kinds[1:] if _numpyro_refuses(row, values[k]))
    row.refused = refused
    row.kinds = tuple(k for k in kinds if k not in refused)
    row.values = {k: values[k] for k in row.kinds}
    row.refused_values = {k: values[k] for k in refused}
    return row


_PROGRAMS: dict[Any, Any] = {}


def _program(row: _Row) -> tuple[Any, bool]:
    """The row's compiled program, and whether an earlier row made it.

    Rows of one class and parametrisation with no distribution-valued
    arguments (a table row and the generated row) share a program, built
    with the class (a table row's factory returns it); one of the same
    shapes is not compiled again.
    """
    key: Any = (
        row.g.cls,
        tuple(row.floats),
        tuple(row.ints),
        row.kinds,
        row.derived,
        row.with_vmap,
        id(row) if row.others else None,
    )
    shared = key in _PROGRAMS
    if not shared:
        _PROGRAMS[key] = _new_program(row)
    return _PROGRAMS[key], shared


def _new_program(row: _Row) -> Any:
    """Everything a row's checks need, as one compiled program.

    `point` is (unconstrained parameters, int parameters, {kind: value});
    `other` is a second such set (mapped over together with `point`), or
    None without the vmap check; `direction` is the JVP tangent.
    """
    native = row.native

    def build(floats: Params, ints: Params) -> Any:
        return row.g.cls(**floats, **ints, **row.others)

    def log_density(floats: Params, ints: Params, value: Any) -> jax.Array:
        return jnp.sum(build(floats, ints).log_prob(value))

    integer_kinds = [k for k in row.kinds if k in _INTEGER_KINDS]
    mapped_kinds = list(dict.fromkeys([native, *integer_kinds]))

    def in_u(u: Params, ints: Params, value: Any) -> jax.Array:
        return log_density(row.constrained(u), ints, value)

    def jvp(u: Params, ints: Params, value: Any, direction: Params) -> jax.Array:
        """The derivative along `direction`, with a float0 value tangent."""

        def f(u: Params, value: Any) -> jax.Array:
            return in_u(u, ints, value)

        float0 = np.zeros(np.shape(value), dtype=jax.dtypes.float0)
        tangent: jax.Array = jax.jvp(f, (u, value), (direction, float0))[1]
        return tangent

    def per_set(u: Params, ints: Params, values: Params, direction: Params) -> Any:
        """What the vmap check maps over: gradients (allow_int, value's
        float0 for integer kinds) and JVP tangents, and the support check."""
        out: dict[str, Any] = {"grad_u": {}, "float0": {}, "jvp": {}}
        for kind in mapped_kinds:
            if kind in _INTEGER_KINDS:
                grads = jax.grad(in_u, argnums=(0, 2), allow_int=True)
                out["grad_u"][kind], out["float0"][kind] = grads(u, ints, values[kind])
                out["jvp"][kind] = jvp(u, ints, values[kind], direction)
            else:
                out["grad_u"][kind] = jax.grad(in_u)(u, ints, values[kind])
        dist = build(row.constrained(u), ints)
        out["in_support"] = jnp.all(dist.support(values[native]))
        return out

    def checks(operands: Any) -> Any:
        """Everything but the log density (skipped at difference points)."""
        point, other, direction, dist = operands
        u, ints, values = point
        out: dict[str, Any] = {"grad_x": {}, "grad_u": {}, "float0": {}, "jvp": {}}
        if row.floats:
            x, pullback = jax.vjp(lambda u: _barrier(row.constrained(u)), u)
            for kind in row.kinds:
                if kind in _INTEGER_KINDS:
                    grad_x, out["float0"][kind] = jax.grad(
                        log_density, argnums=(0, 2), allow_int=True
                    )(x, ints, values[kind])
                    out["jvp"][kind] = jvp(u, ints, values[kind], direction)
                else:
                    grad_x = jax.grad(log_density)(x, ints, values[kind])
                out["grad_x"][kind] = grad_x
                out["grad_u"][kind] = pullback(grad_x)[0]
            out["numpyro"] = jax.grad(row.numpyro_log_density)(x, ints, values[native])
            if other is not None:
                u2, ints2, values2 = jax.tree.map(
                    lambda a, b: jnp.stack([a, b]), point, other
                )
                out["vmap"] = jax.vmap(per_set, in_axes=(0, 0, 0, None))(
                    u2, ints2, values2, direction
                )

        def loss(dist: Any) -> jax.Array:
            return jnp.sum(dist.log_prob(values[native]))

        out["filter_grad"] = eqx.filter_grad(loss)(dist)
        if row.derived:
            names = record_of(type(dist)).names

            def by_fields(fields: Params) -> jax.Array:
                given = {names[f]: getattr(dist, f) for f in names}
                given.update({names[f]: x for f, x in fields.items()})
                return jnp.sum(type(dist)(**given).log_prob(values[native]))

            out["by_fields"] = jax.grad(by_fields)(
                {
                    f: getattr(dist, f)
                    for f in names
                    if eqx.is_inexact_array(getattr(dist, f))
                }
            )
        return out

    traced_checks = eqx.filter_jit(checks)  # inlined in the program

    def program(point: Any, other: Any, direction: Params, dist: Any, full: Any) -> Any:
        """The log density at `point` and, if `full`, everything else.

        `full` is traced (a `lax.cond`), so both kinds of evaluation share the
        one compiled program; the difference points cost one log density.
        """
        u, ints, values = point
        operands = (point, other, direction, dist)
        # Traced once: the shapes come from the same (cached) trace.
        shapes = eqx.filter_eval_shape(traced_checks, operands)
        skipped = jax.tree.map(lambda s: np.zeros(s.shape, s.dtype), shapes)
        out = jax.lax.cond(full, lambda: traced_checks(operands), lambda: skipped)
        if row.floats:
            x = _barrier(row.constrained(u))
            out["f"] = log_density(x, ints, values[native])
        return out

    return eqx.filter_jit(program)


def _barrier(x: Any) -> Any:
    """Keep XLA from fusing the transform into each of its consumers
    differently: the typed and NumPyro gradients are compared bitwise, so
    both must see one computed `x`."""
    barrier: Any = jax.lax.optimization_barrier  # (unannotated)
    return barrier(x)


@dataclasses.dataclass
class _Result:
    at_row: Any  # at the row's parameters
    at_fd: Any  # at the difference point (the row's, or off the kink)
    at_other: Any  # at the second parameter set (vmap check), else None
    differences: list[tuple[Point, float]]
    direction: Point  # the random unit direction (JVP tangent)
    compiles: int  # compilations while evaluating this row
    shared: bool  # whether the program was made for an earlier row


def _point(row: _Row, u: Point, rolled: bool = False) -> Any:
    if not rolled:
        return (u, row.ints, row.values)
    return (
        {n: _roll(x) for n, x in u.items()},
        {n: _roll(x) for n, x in row.ints.items()},
        {k: _roll(v, axis=1) for k, v in row.values.items()},
    )


# JAX records every backend compilation as this monitoring event, with the
# compiled function's name (public `jax.monitoring` listeners).
_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"


@contextlib.contextmanager
def _compiles_of(name: str) -> Iterator[list[int]]:
    """Count the compilations of the jitted function `name` inside the block."""
    count = [0]

    def listener(event: str, duration_secs: float, **kwargs: str | int) -> None:
        if event == _COMPILE_EVENT and kwargs.get("fun_name") == f"jit({name})":
            count[0] += 1

    with duration_listener(listener):
        yield count


@functools.cache
def _result(index: int) -> _Result:
    """Run a row's program at every point its checks need."""
    row = _row(index)
    program, shared = _program(row)
    with x64(), _compiles_of("program") as compiles:
        if not row.floats:  # filter_grad of nested distributions only
            point = (row.point, row.ints, row.values)
            at_row = program(point, None, {}, row.dist, np.asarray(True))
            return _Result(at_row, None, None, [], {}, compiles[0], shared)
        direction = directions(row.fd_point, seed=index)[-1]  # the random one

        def run(u: Point, rolled: bool = False, full: bool = True) -> Any:
            other = _point(row, u, not rolled) if row.with_vmap else None
            point = _point(row, u, rolled)
            return program(point, other, direction, row.dist, np.asarray(full))

        at_row = run(row.point)
        same = all(np.array_equal(row.point[n], row.fd_point[n]) for n in row.point)
        at_fd = at_row if same else run(row.fd_point)
        at_other = run(row.fd_point, rolled=True) if row.with_vmap else None

        def f(u: Point) -> float:
            return float(run(u, full=False)["f"])

        differences = finite_differences(f, row.fd_point, seed=index)
    return _Result(at_row, at_fd, at_other, differences, direction, compiles[0], shared)


def _index(g: Generated) -> int:
    return EVERY.index(g)


# ---------------------------------------------------------------------------
# G1: gradients equal finite differences, for every value kind


@pytest.mark.parametrize("g", _params(FLOAT_ROWS))
def test_gradients_match_finite_differences(g: Generated) -> None:
    """d log_prob / d(every float parameter) in unconstrained coordinates
    equals central differences (`helpers/gradients.py`), for every value kind;
    the gradients with respect to the parameters themselves are float64 of
    their shapes, finite, the same for every value kind."""
    g.skip_if_listed("grad")
    row, result = _row(_index(g)), _result(_index(g))
    for kind in row.refused:
        # Categorical indexes with its values: NumPyro refuses float ones,
        # and so does the typed distribution, which delegates.
        assert kind == "float64"
        with x64(), pytest.raises(TypeError):
            jax.eval_shape(
                row.log_density, row.floats, row.ints, row.refused_values[kind]
            )
    native = result.at_fd["grad_x"][row.native]
    for kind in row.kinds:
        check_float_grads(result.at_fd["grad_x"][kind], row.floats)
        check_float_grads(result.at_fd["grad_u"][kind], row.point)
        assert_same(result.at_fd["grad_x"][kind], native, rtol=VALUE_KINDS_RTOL)
        assert_matches_differences(
            result.at_fd["grad_u"][kind], result.differences, f"{g.id} {kind}"
        )


# ---------------------------------------------------------------------------
# G2: NumPyro's gradient, bitwise


@pytest.mark.parametrize("g", _params(FLOAT_ROWS))
def test_gradient_is_numpyros(g: Generated) -> None:
    """The typed gradient is NumPyro's own (its class built from the same
    float64 parameters), bitwise: both in one compiled program, the same
    operations twice. At the table's `logits` exactly 0 this is where finite
    differences cannot go (NumPyro's softplus derivative is off by 1/2)."""
    g.skip_if_listed("grad")
    row, result = _row(_index(g)), _result(_index(g))
    grads = result.at_row["grad_x"][row.native]
    expected = result.at_row["numpyro"]
    check_float_grads(grads, row.floats)
    check_float_grads(expected, row.floats)
    for name in row.floats:
        np.testing.assert_array_equal(
            np.asarray(grads[name]), np.asarray(expected[name]), strict=True
        )


# ---------------------------------------------------------------------------
# G3: under vmap


def _first(tree: Any, index: int) -> Any:
    return jax.tree.map(lambda x: x[index], tree)


@pytest.mark.parametrize("g", _params(FLOAT_ROWS))
def test_grad_under_vmap(g: Generated) -> None:
    """`jax.vmap` (inside `jax.jit`) over two parameter sets with their
    values (the second: batch elements rolled, so in the support) gives each
    set's own jitted gradient."""
    g.skip_if_listed("grad")
    g.skip_if_listed("vmap")
    row, result = _row(_index(g)), _result(_index(g))
    mapped = result.at_fd["vmap"]
    assert np.asarray(mapped["in_support"]).tolist() == [True, True]
    assert set(mapped["grad_u"]) >= {row.native}
    for kind, batched in mapped["grad_u"].items():
        check_float_grads(batched, row.point, batch=(2,))
        assert_same(_first(batched, 0), result.at_fd["grad_u"][kind])
        assert_same(_first(batched, 1), result.at_other["grad_u"][kind])


# ---------------------------------------------------------------------------
# G4: integer values, allow_int gradients and float0 tangents


@pytest.mark.parametrize("g", _params(DISCRETE_ROWS))
def test_integer_values_allow_int_and_float0_jvp(g: Generated) -> None:
    """NumPyro #1876: an integer `value` gets a float0 tangent, which custom
    JVP rules such as xlogy's cannot multiply. With int32 (and bool) values,
    under `jax.jit` and `jax.jit(jax.vmap)`: `allow_int` gives the float
    gradients (those of float values) and a float0 value gradient of the
    value's shape; a JVP with a float0 value tangent gives the directional
    derivative (float64, finite: that of the gradients and of the finite
    differences along the same direction)."""
    g.skip_if_listed("grad")
    row, result = _row(_index(g)), _result(_index(g))
    kinds = [k for k in row.kinds if k in _INTEGER_KINDS]
    assert "int32" in kinds
    numeric = result.differences[-1][1]  # along the random direction
    for kind in kinds:
        value = row.values[kind]
        float0 = result.at_fd["float0"][kind]
        assert float0.dtype == jax.dtypes.float0
        assert float0.shape == value.shape
        if "float64" in row.kinds:  # (Categorical refuses float values)
            assert_same(
                result.at_fd["grad_x"][kind],
                result.at_fd["grad_x"]["float64"],
                rtol=VALUE_KINDS_RTOL,
            )
        tangent = result.at_fd["jvp"][kind]
        assert tangent.dtype == jnp.float64
        assert bool(jnp.isfinite(tangent))
        expected = directional(result.at_fd["grad_u"][kind], result.direction)
        np.testing.assert_allclose(
            float(tangent), expected, rtol=SAME_RTOL, atol=SAME_ATOL
        )
        np.testing.assert_allclose(
            float(tangent), numeric, rtol=FD_RTOL, atol=FD_ATOL, err_msg=kind
        )
        if row.with_vmap:
            mapped = result.at_fd["vmap"]
            assert mapped["float0"][kind].dtype == jax.dtypes.float0
            assert mapped["float0"][kind].shape == (2, *value.shape)
            batched = np.asarray(mapped["jvp"][kind])
            assert batched.shape == (2,)
            assert bool(np.all(np.isfinite(batched)))
            other = directional(result.at_other["grad_u"][kind], result.direction)
            np.testing.assert_allclose(
                batched, [float(tangent), other], rtol=SAME_RTOL, atol=SAME_ATOL
            )


@pytest.mark.parametrize("g", _params(TABLE_DISCRETE_ROWS))
def test_eager_grad_allow_int_and_jvp_with_integer_value(g: Generated) -> None:
    """The bug's own setting, without jit (the table's discrete rows): with
    int32 values, `jax.grad` gives the jitted gradient, `allow_int` the same
    and a float0 value gradient, the float0-tangent JVP the jitted one."""
    g.skip_if_listed("grad")
    row, result = _row(_index(g)), _result(_index(g))
    value = jnp.asarray(row.values["int32"])
    with x64():
        floats = {n: jnp.asarray(x) for n, x in row.constrained(row.fd_point).items()}
        ints = {n: jnp.asarray(x) for n, x in row.ints.items()}
        grads = jax.grad(row.log_density)(floats, ints, value)
        check_float_grads(grads, row.floats)
        assert_same(grads, result.at_fd["grad_x"]["int32"])

        allow_int = jax.grad(row.log_density, argnums=(0, 2), allow_int=True)
        param_grads, value_grad = allow_int(floats, ints, value)
        assert value_grad.dtype == jax.dtypes.float0
        assert value_grad.shape == value.shape
        assert_same(param_grads, grads)

        def in_u(u: Params, value: Any) -> jax.Array:
            return row.log_density(row.constrained(u), ints, value)

        float0 = np.zeros(value.shape, dtype=jax.dtypes.float0)
        u = {n: jnp.asarray(x) for n, x in row.fd_point.items()}
        direction = {n: jnp.asarray(x) for n, x in result.direction.items()}
        _, tangent = jax.jvp(in_u, (u, value), (direction, float0))
    assert tangent.dtype == jnp.float64
    assert bool(jnp.isfinite(tangent))
    np.testing.assert_allclose(
        float(tangent), float(result.at_fd["jvp"]["int32"]), rtol=SAME_RTOL
    )


# ---------------------------------------------------------------------------
# G5: eqx.filter_grad over the module


def _holds_modules(x: Any) -> bool:
    return any(
        isinstance(leaf, eqx.Module)
        for leaf in jax.tree.leaves(x, is_leaf=lambda y: isinstance(y, eqx.Module))
    )


@pytest.mark.parametrize("g", _params(GRAD_ROWS))
def test_filter_grad(g: Generated) -> None:
    """`eqx.filter_grad` under `eqx.filter_jit`: a module of the same class
    whose leaves are the float64 gradients (never float0) of every inexact
    leaf, nested distributions included; integer and boolean fields None,
    static fields unchanged; the values are `jax.grad`'s with respect to the
    constructor parameters of those names, and with respect to the stored
    fields themselves for fields derived from other parameters
    (MultivariateNormal stores `scale_tril` whatever it is given)."""
    g.skip_if_listed("grad")
    row, result = _row(_index(g)), _result(_index(g))
    dist, grads = row.dist, result.at_row["filter_grad"]
    assert type(grads) is type(dist)
    params = jax.tree.leaves(eqx.filter(dist, eqx.is_inexact_array))
    leaves = jax.tree.leaves(grads)
    assert params
    assert len(leaves) == len(params)
    for leaf, param in zip(leaves, params, strict=True):
        assert isinstance(leaf, jax.Array), type(leaf)
        assert leaf.dtype == jnp.float64, leaf.dtype  # never float0
        assert leaf.shape == param.shape
        assert bool(jnp.all(jnp.isfinite(leaf)))

    record = record_of(type(dist))
    for field in record.names:
        x, grad = getattr(dist, field), getattr(grads, field)
        if eqx.is_inexact_array(x):
            continue
        if isinstance(x, jax.Array):  # Binomial's `total_count`, masks
            assert grad is None, field
        elif field in record.static:  # options (Poisson's `is_sparse`)
            assert grad == x, field
        elif _holds_modules(x):  # nested distributions: same structure
            structure: Any = jax.tree.structure(grad)
            assert structure == jax.tree.structure(
                eqx.filter(x, eqx.is_inexact_array)
            ), field
    if not row.floats:
        return
    float_fields = [f for f in record.names if eqx.is_inexact_array(getattr(dist, f))]
    if row.derived:
        # Stored fields computed from the parameters (MultivariateNormal's
        # `scale_tril`, SineBivariateVonMises's `correlation`): the gradient
        # with respect to the fields themselves, by rebuilding from them.
        assert_same(
            {f: getattr(grads, f) for f in float_fields}, result.at_row["by_fields"]
        )
        return
    # Every stored float field is a constructor parameter: jax.grad's.
    expected = result.at_row["grad_x"][row.native]
    assert {record.names[f] for f in float_fields} == set(expected)
    for field in float_fields:
        name = record.names[field]
        np.testing.assert_allclose(
            np.asarray(getattr(grads, field)).reshape(np.shape(expected[name])),
            np.asarray(expected[name]),
            rtol=SAME_RTOL,
            atol=SAME_ATOL,
            err_msg=field,
        )


@pytest.mark.parametrize("g", _params(GRAD_ROWS))
def test_one_compile_per_row(g: Generated) -> None:
    """Each row's program is compiled once, although it is evaluated at every
    point the checks need (cheap: the cost of the suite is compilation); a
    table row shares the program of its class's generated row."""
    g.skip_if_listed("grad")
    result = _result(_index(g))
    # A program shared with an earlier row compiles again only for new shapes.
    assert result.compiles == 1 or (result.shared and result.compiles == 0)


# ---------------------------------------------------------------------------
# Integer parameters: NumPyro's float0 gradient, typed_dists' rejection


def test_numpyro_integer_probs_gives_float0_gradient() -> None:
    """The bug: NumPyro takes integer `probs` and its "gradient" is float0;
    the typed class rejects them (eagerly and under `jax.grad`), and float
    probs give a real, nonzero float64 gradient."""
    with x64():
        probs = jnp.array([0, 1], dtype=jnp.int32)
        value = jnp.array([0, 1], dtype=jnp.int32)

        def numpyro_loss(p: jax.Array) -> jax.Array:
            return jnp.sum(nd.BernoulliProbs(p).log_prob(value))

        grad = jax.grad(numpyro_loss, allow_int=True)(probs)
        assert grad.dtype == jax.dtypes.float0  # the bug: no gradient at all

        def typed_loss(p: jax.Array) -> jax.Array:
            return td.Bernoulli(probs=p).log_prob(value).sum()

        with pytest.raises(TypeError, match="`probs`"):
            td.Bernoulli(probs=probs)
        with pytest.raises(TypeError, match="`probs`"):
            jax.grad(typed_loss, allow_int=True)(probs)
        # With float probs the typed gradient is a real one (jitted: cheaper).
        real = jax.jit(jax.grad(typed_loss))(jnp.asarray(np.array([0.25, 0.75])))
    assert real.dtype == jnp.float64
    assert bool(np.all(np.asarray(real) != 0))


@pytest.mark.parametrize("g", _params(FLOAT_ROWS))
def test_integer_parameter_rejected_under_grad_and_jit(g: Generated) -> None:
    """An int32 array for any float parameter, traced by `jax.grad(...,
    allow_int=True)` or `jax.jit` in a loss function, is refused naming the
    parameter (traced only: `jax.eval_shape`, no compilation)."""
    row = _row(_index(g))
    kwargs = {**row.floats, **row.ints, **row.others}
    value = row.values[row.native]
    assert row.floats
    with x64():
        for name, x in row.floats.items():

            def loss(p: jax.Array, name: str = name) -> jax.Array:
                dist = g.constructor(**{**kwargs, name: p})
                return jnp.sum(dist.log_prob(value))

            integer = np.ceil(x).astype(np.int32)
            with pytest.raises(TypeError, match=f"`{name}`"):
                jax.eval_shape(jax.grad(loss, allow_int=True), integer)
            with pytest.raises(TypeError, match=f"`{name}`"):
                jax.eval_shape(jax.jit(loss), integer)
