"""typed_dists against NumPyro: the benchmark suite.

    python -m benchmarks [--quick] [--repeats N] [--write docs/performance.md]

Every figure is a ratio against NumPyro (and, in one column, against distrax)
measured in the same process run, interleaved (see `_harness.py`), with
medians and the interquartile range of the per-repeat ratios. Sections:

1. eager construction, and construction plus one `log_prob`, of Normal,
   Bernoulli, MultivariateNormal (scale_tril), Dirichlet and Binomial, from
   each kind of input users pass: JAX float32 arrays, weakly typed JAX float
   arrays (`jnp.full`), Python numbers (the classes that take scalars), NumPy
   float64 arrays and JAX bfloat16 arrays; with `log_prob`, distrax's
   equivalent too, where it is installed (`pip install -e .[bench]`) and has
   one, in a "vs distrax" column. Eager method calls (`log_prob`, `sample`,
   `mean`, and `cdf` where NumPyro implements it) on the same five classes
   built once. Construction of every typed parametrisation from JAX float32
   arrays and from NumPy float64 arrays: the median ratio, the maximum, how
   many exceed the target, and the highest ratios;
2. each validation mode (default, checked, off) against NumPyro with
   validation on and off;
3. jitted `log_prob` and `sample` on 1e6 elements, and first-call time
   (trace and compile) of a jitted `log_prob` and of a NUTS model;
4. NUTS end to end (logistic regression, N=1000, D=5, 500 + 500 draws; eight
   schools, 500 + 500) and SVI (AutoNormal, 2,000 steps), wall time with
   compilation and without.

`--write` puts the tables between the `benchmarks:start` / `benchmarks:end`
markers of the given file. `--quick` runs few repeats and short chains, to
check that the suite runs; its figures are not meant to be quoted.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import importlib
import inspect
import statistics
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as nd
from numpy.typing import NDArray
from numpyro.infer import MCMC, NUTS, SVI, Trace_ELBO
from numpyro.infer.autoguide import AutoNormal
from numpyro.optim import Adam

import typed_dists as td

from ._harness import Row, environment, interleaved, per_call, table

Model = Callable[..., None]
Builder = Callable[[], Any]


# ---------------------------------------------------------------------------
# 1. Eager construction and method calls


# `block_until_ready` and `clear_caches` are not annotated, and pyright cannot
# infer what `lax.fori_loop` returns: used through `Any`.
_jax: Any = jax


def _wait(x: Any) -> Any:
    return _jax.block_until_ready(x)


def _f32(x: Any) -> jax.Array:
    return jnp.asarray(x, dtype=jnp.float32)


LOC, SCALE = _f32(np.zeros(3)), _f32(np.ones(3))


@dataclasses.dataclass(frozen=True)
class Param:
    """A parameter's values: `fill` everywhere (in the lower triangle only, if
    `tril`), the same from every input kind."""

    shape: tuple[int, ...]
    fill: float
    tril: bool = False

    def numpy(self) -> NDArray[np.float64]:
        values = np.full(self.shape, self.fill)
        return np.tril(values) if self.tril else values

    def weak(self) -> jax.Array:
        """The values built as users do (`jnp.full`, `jnp.tril`), which gives
        a weakly typed array (unlike `jnp.asarray` of a list or of NumPy)."""
        values = jnp.full(self.shape, self.fill)
        array = jnp.tril(values) if self.tril else values
        if not array.weak_type:
            raise AssertionError(f"not weakly typed: {array!r}")
        np.testing.assert_array_equal(np.asarray(array), _f32(self.numpy()))
        return array


@dataclasses.dataclass(frozen=True)
class Case:
    """One distribution class, built by each library from the same parameters."""

    name: str
    params: dict[str, Param]
    build: Callable[[Any, dict[str, Any]], Any]  # (td or nd, parameters)
    distrax: Callable[[Any, dict[str, Any]], Any] | None  # (distrax, parameters)
    value: jax.Array  # for `log_prob` and `cdf`: float32, in the support
    scalars: bool  # whether it can be built from Python numbers

    @property
    def shapes(self) -> str:
        """The parameters' shapes, e.g. `[3]` or `[3] and [3, 3]`."""
        shapes = dict.fromkeys(str(list(p.shape)) for p in self.params.values())
        return " and ".join(shapes)

    def parameters(self, convert: Callable[[Param], Any]) -> dict[str, Any]:
        return {name: convert(param) for name, param in self.params.items()}


CASES = (
    Case(
        "Normal",
        {"loc": Param((3,), 0.0), "scale": Param((3,), 1.0)},
        lambda m, p: m.Normal(p["loc"], p["scale"]),
        lambda m, p: m.Normal(p["loc"], p["scale"]),
        _f32([-1.0, 0.0, 1.0]),
        scalars=True,
    ),
    Case(
        "Bernoulli",
        {"probs": Param((3,), 0.3)},
        lambda m, p: m.Bernoulli(probs=p["probs"]),
        lambda m, p: m.Bernoulli(probs=p["probs"]),
        _f32([1.0, 0.0, 1.0]),
        scalars=True,
    ),
    Case(
        "MultivariateNormal",
        {"loc": Param((3,), 0.0), "scale_tril": Param((3, 3), 0.5, tril=True)},
        lambda m, p: m.MultivariateNormal(p["loc"], scale_tril=p["scale_tril"]),
        lambda m, p: m.MultivariateNormalTri(p["loc"], p["scale_tril"]),
        _f32([-1.0, 0.0, 1.0]),
        scalars=False,
    ),
    Case(
        "Dirichlet",
        {"concentration": Param((3,), 2.0)},
        lambda m, p: m.Dirichlet(p["concentration"]),
        lambda m, p: m.Dirichlet(p["concentration"]),
        _f32([0.2, 0.3, 0.5]),
        scalars=False,
    ),
    Case(
        "Binomial",
        {"probs": Param((3,), 0.3)},
        lambda m, p: m.Binomial(total_count=10, probs=p["probs"]),
        None,  # distrax has no Binomial
        _f32([0.0, 3.0, 10.0]),
        scalars=True,
    ),
)


def jax_float32(param: Param) -> jax.Array:
    return _f32(param.numpy())


def _bfloat16(param: Param) -> jax.Array:
    return jnp.asarray(param.numpy(), dtype=jnp.bfloat16)


def _python(param: Param) -> float:
    return param.fill


@dataclasses.dataclass(frozen=True)
class Kind:
    """A kind of input users build parameters from."""

    label: str  # `{shapes}` stands for the case's parameter shapes
    convert: Callable[[Param], Any]
    target: float  # for construction alone
    scalar: bool = False  # Python numbers: only for cases with `scalars`


# Construction targets: 0.5 from JAX arrays, where NumPyro's validation runs
# one eager JAX operation per check; 1.0 from Python numbers and NumPy arrays,
# which NumPyro checks cheaply (see docs/performance.md).
KINDS = (
    Kind("JAX float32{shapes}", jax_float32, 0.5),
    Kind("JAX weakly typed float{shapes}", Param.weak, 0.5),
    Kind("Python numbers", _python, 1.0, scalar=True),
    Kind("NumPy float64{shapes}", Param.numpy, 1.0),
    Kind("JAX bfloat16{shapes}", _bfloat16, 0.5),
)
LOG_PROB_TARGET = 0.8  # construction and one `log_prob`, from every kind
DISTRAX_MISSING = "distrax not installed: `pip install -e .[bench]`"


@functools.cache
def distrax_module() -> Any:
    """The `distrax` module (it has no type annotations), or None."""
    try:
        return importlib.import_module("distrax")
    except ImportError:
        return None


@dataclasses.dataclass(frozen=True)
class Inputs:
    """One row of the eager tables: a case built from one kind of input.

    The builders share one set of parameter objects, built beforehand.
    """

    what: str
    typed: Builder
    numpyro: Builder
    distrax: Builder | None  # None: no distrax, or it cannot take these
    value: jax.Array
    target: float
    floor: Builder  # see `floor`


def floor(build: Callable[..., Any], arguments: dict[str, Any]) -> Builder:
    """What any wrapper that builds NumPyro's object from strongly typed JAX
    arrays spends on one construction from `arguments`: one compiled
    conversion of the arguments that are not such arrays yet (NumPy arrays,
    weakly typed JAX arrays), then `build` (NumPyro's constructor with its own
    checks off) on the result. typed_dists does both in every construction;
    the rest of its time is its own (checks, the module). Timed as one call,
    since a conversion costs more followed by other work than alone."""
    pending = [name for name, value in arguments.items() if _needs_conversion(value)]
    if not pending:
        return functools.partial(build, **arguments)
    values = [arguments[name] for name in pending]

    def converted_and_built() -> Any:
        strong = dict(zip(pending, _to_strong(*values), strict=True))
        return build(**(arguments | strong))

    return converted_and_built


def _unchecked(cls: Callable[..., Any]) -> Callable[..., Any]:
    """NumPyro's constructor `cls` with its own checks off, where it takes
    `validate_args` (a few wrappers check nothing and do not)."""
    if "validate_args" in inspect.signature(cls).parameters:
        return functools.partial(cls, validate_args=False)
    return cls


# NumPyro's constructors (and factories) of the cases, with their checks off.
_UNCHECKED = types.SimpleNamespace(
    **{name: _unchecked(getattr(nd, name)) for name in {case.name for case in CASES}}
)


def _needs_conversion(value: object) -> bool:
    """Whether typed_dists converts an input to store it: NumPy arrays and
    weakly typed JAX arrays (a strong JAX array of a float width is kept)."""
    return isinstance(value, np.ndarray) or (
        isinstance(value, jax.Array) and value.weak_type
    )


def _strong(*values: Any) -> tuple[jax.Array, ...]:
    """Inputs as strongly typed JAX arrays, in one compiled call (as the
    typed constructor converts them); dtypes as JAX gives them (float64
    NumPy arrays as float32 without x64)."""
    return tuple(jnp.asarray(v, dtype=jnp.result_type(v)) for v in values)


# (JAX types a jitted function as returning unknown.)
_to_strong: Callable[..., tuple[jax.Array, ...]] = jax.jit(_strong)


def _case_floor(case: Case, params: dict[str, Any]) -> Builder:
    """The floor of one case built from `params` (see `floor`): Python
    numbers as the 0-d float32 arrays typed_dists stores them as."""
    arguments = {
        name: jnp.asarray(value, dtype=jnp.float32)
        if isinstance(value, float)
        else value
        for name, value in params.items()
    }

    def build(**p: Any) -> Any:
        return case.build(_UNCHECKED, p)

    return floor(build, arguments)


def _error(build: Builder, value: Any) -> str | None:
    """What goes wrong in one construction and `log_prob`, if anything."""
    try:
        _wait(build().log_prob(value))
    except Exception as error:
        return f"{type(error).__name__}: {error}".splitlines()[0][:120]
    return None


def inputs() -> tuple[list[Inputs], list[str]]:
    """Every (case, input kind) row of the eager tables, and notes on what is
    left out: rows NumPyro itself cannot run, and distrax cells."""
    distrax = distrax_module()
    rows: list[Inputs] = []
    notes: list[str] = []
    for case in CASES:
        for kind in KINDS:
            if kind.scalar and not case.scalars:
                continue  # array parameters: typed_dists rejects lists by design
            params = case.parameters(kind.convert)
            what = f"{case.name}, {kind.label.format(shapes=case.shapes)}"
            typed = functools.partial(case.build, td, params)
            plain = functools.partial(case.build, nd, params)
            # A row NumPyro cannot run is left out, not timed (with the
            # versions measured so far there is none: NumPyro builds even
            # MultivariateNormal from bfloat16 `scale_tril`, which needs no
            # Cholesky).
            error = _error(plain, case.value)
            if error is not None:
                notes.append(f"Left out: {what}; NumPyro fails ({error}).")
                continue
            other: Builder | None = None
            if distrax is not None and case.distrax is not None:
                other = functools.partial(case.distrax, distrax, params)
                error = _error(other, case.value)
                if error is not None:
                    notes.append(f"No distrax figure for {what}: {error}.")
                    other = None
            rows.append(
                Inputs(
                    what,
                    typed,
                    plain,
                    other,
                    case.value,
                    kind.target,
                    _case_floor(case, params),
                )
            )
    if distrax is None:
        notes.insert(0, DISTRAX_MISSING)
    else:
        notes.insert(
            0,
            "vs distrax: the ratio typed_dists/distrax (IQR), from the same "
            "repeats; distrax has no Binomial.",
        )
    return rows, notes


def _and_log_prob(build: Builder, value: Any) -> Builder:
    """Construction and one `log_prob`, waited for."""
    return lambda: np.asarray(build().log_prob(value))


def eager(repeats: int, number: int) -> tuple[list[Row], list[Row], list[str]]:
    """Construction, and construction plus one `log_prob` (with distrax where
    installed), per class and input kind; and the notes to the second table."""
    rows, notes = inputs()
    construction: list[Row] = []
    with_log_prob: list[Row] = []
    for row in rows:
        times = interleaved(
            {"typed": row.typed, "numpyro": row.numpyro, "floor": row.floor},
            repeats,
            number,
        )
        construction.append(
            Row(
                row.what,
                times["typed"],
                times["numpyro"],
                row.target,
                floor=times["floor"],
            )
        )
        contenders = {
            "typed": _and_log_prob(row.typed, row.value),
            "numpyro": _and_log_prob(row.numpyro, row.value),
        }
        if row.distrax is not None:
            contenders["distrax"] = _and_log_prob(row.distrax, row.value)
        times = interleaved(contenders, repeats, max(number // 4, 1))
        with_log_prob.append(
            Row(
                row.what,
                times["typed"],
                times["numpyro"],
                LOG_PROB_TARGET,
                other=times.get("distrax"),
                other_label="distrax",
            )
        )
    return construction, with_log_prob, notes


Method = Callable[[Any, jax.Array, jax.Array], Any]  # (distribution, value, key)
METHODS: dict[str, Method] = {
    "log_prob(value)": lambda d, value, key: d.log_prob(value),
    "sample(key)": lambda d, value, key: d.sample(key),
    "mean": lambda d, value, key: d.mean,
    "cdf(value)": lambda d, value, key: d.cdf(value),
}


def methods(repeats: int, number: int) -> list[Row]:
    """Eager method calls on distributions built once, from JAX float32 arrays.

    A method NumPyro does not implement for a class (`cdf` but for Normal)
    is left out. Each call waits for its result.
    """
    key = jax.random.key(0)
    rows: list[Row] = []
    for case in CASES:
        params = case.parameters(jax_float32)
        typed, plain = case.build(td, params), case.build(nd, params)
        for method, call in METHODS.items():
            try:
                _wait(call(plain, case.value, key))
            except NotImplementedError:
                continue
            times = interleaved(
                {
                    "typed": _called(call, typed, case.value, key),
                    "numpyro": _called(call, plain, case.value, key),
                },
                repeats,
                max(number // 4, 1),
            )
            rows.append(
                Row(f"{case.name}.{method}", times["typed"], times["numpyro"], 1.0)
            )
    return rows


def _called(call: Method, d: Any, value: jax.Array, key: jax.Array) -> Builder:
    return lambda: _wait(call(d, value, key))


@dataclasses.dataclass(frozen=True)
class Sweep:
    """Construction of every typed parametrisation from one kind of arguments.

    `row` holds the per-class medians (typed and NumPyro): its ratio is the
    median over classes of the per-class ratios, its IQR the spread over
    classes.
    """

    arguments: str
    row: Row
    ratios: list[tuple[str, float]]  # (parametrisation, ratio), highest first
    left_out: list[tuple[str, str]]  # (parametrisation, NumPyro's error)
    floors: dict[str, float]  # parametrisation -> floor/NumPyro (see `floor`)

    @property
    def target(self) -> float:
        assert self.row.target is not None
        return self.row.target

    @property
    def maximum(self) -> float:
        return self.ratios[0][1]

    @property
    def above(self) -> int:
        """How many parametrisations exceed the target."""
        return sum(ratio > self.target for _, ratio in self.ratios)

    @property
    def floored(self) -> int:
        """How many of those above the target have a floor above it too."""
        return sum(
            ratio > self.target and self.floors[name] > self.target
            for name, ratio in self.ratios
        )

    def summary(self, highest: int = 5) -> str:
        worst = ", ".join(
            f"{name} {r:.2f} (floor {self.floors[name]:.2f})"
            for name, r in self.ratios[:highest]
        )
        text = (
            f"From {self.arguments}: median {self.row.ratio:.2f}, maximum "
            f"{self.maximum:.2f}, {self.above} of {len(self.ratios)} "
            f"parametrisations above {self.target:.2f}, of which "
            f"{self.floored} have a floor above it (median floor "
            f"{self.row.floor_ratio:.2f}). Highest: {worst}."
        )
        if self.left_out:
            names = ", ".join(f"{name} ({error})" for name, error in self.left_out)
            text += f" Left out, NumPyro fails from these arguments: {names}."
        return text


# (parametrisation, typed class, NumPyro's arguments, typed_dists' arguments)
Arguments = tuple[str, Any, dict[str, Any], dict[str, Any]]


def every_class(repeats: int, number: int) -> list[Sweep]:
    """Construction of every typed parametrisation against NumPyro's class,
    from JAX float32 arrays (target 0.5) and from NumPy arrays (target 1.0).

    The arguments come from the test suite's generator (`tests/helpers/
    generate.py`), which gives NumPy float64 arrays (a few generators give JAX
    arrays: those are converted); the JAX sweep converts them to float32 JAX
    arrays. Distribution-valued arguments are built beforehand, typed for
    typed_dists.
    """
    tests = str(Path(__file__).resolve().parent.parent / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    # Imported by name: `tests/` is on the path only from here.
    generate: Any = importlib.import_module("helpers.generate")

    from_jax: list[Arguments] = []
    from_numpy: list[Arguments] = []
    for g in generate.GENERATED:
        kwargs = _numpy_floats(g.make(jax.random.key(0), (2,)))
        arrays, others = generate.jax_arguments(g, kwargs)
        typed_others = generate.typed_options(others)
        from_jax.append((g.id, g.cls, arrays | others, arrays | typed_others))
        from_numpy.append((g.id, g.cls, kwargs, generate.typed_options(kwargs)))
    return [
        _sweep("JAX float32 arrays", 0.5, from_jax, repeats, number),
        _sweep("NumPy float64 arrays", 1.0, from_numpy, repeats, number),
    ]


def _numpy_floats(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Floating JAX arrays as NumPy float64 arrays; other arguments unchanged."""
    return {
        name: np.asarray(value, dtype=np.float64)
        if isinstance(value, jax.Array) and jnp.issubdtype(value.dtype, jnp.floating)
        else value
        for name, value in kwargs.items()
    }


def _sweep(
    arguments: str,
    target: float,
    cases: list[Arguments],
    repeats: int,
    number: int,
) -> Sweep:
    typed_medians: list[float] = []
    plain_medians: list[float] = []
    floor_medians: list[float] = []
    ratios: list[tuple[str, float]] = []
    floors: dict[str, float] = {}
    left_out: list[tuple[str, str]] = []
    for name, cls, plain_kwargs, typed_kwargs in cases:
        typed = functools.partial(cls, **typed_kwargs)
        plain = functools.partial(cls.numpyro_class, **plain_kwargs)
        try:
            plain()
        except Exception as error:
            left_out.append((name, type(error).__name__))
            continue
        least = _class_floor(cls.numpyro_class, plain_kwargs)
        times = interleaved(
            {"typed": typed, "numpyro": plain, "floor": least}, repeats, number
        )
        typed_medians.append(statistics.median(times["typed"]))
        plain_medians.append(statistics.median(times["numpyro"]))
        floor_medians.append(statistics.median(times["floor"]))
        ratios.append((name, typed_medians[-1] / plain_medians[-1]))
        floors[name] = floor_medians[-1] / plain_medians[-1]
    row = Row(
        f"all {len(ratios)} typed parametrisations, from {arguments} "
        "(IQR over classes)",
        typed_medians,
        plain_medians,
        target,
        floor=floor_medians,
    )
    return Sweep(
        arguments, row, sorted(ratios, key=lambda item: -item[1]), left_out, floors
    )


def _class_floor(numpyro_class: type, kwargs: dict[str, Any]) -> Builder:
    """The floor of building `numpyro_class` from `kwargs` (see `floor`)."""
    return floor(_unchecked(numpyro_class), kwargs)


# ---------------------------------------------------------------------------
# 2. Validation modes


def modes(repeats: int, number: int) -> list[Row]:
    """Each typed mode against NumPyro with validation on and off."""

    def in_mode(mode: td.ValidationMode, fn: Builder) -> Builder:
        def run() -> Any:
            with td.validation(mode):
                return fn()

        return run

    def normal() -> Any:
        return td.Normal(LOC, SCALE)

    def normal_lp() -> Any:
        return np.asarray(td.Normal(LOC, SCALE).log_prob(LOC))

    cases: list[tuple[str, Builder, Builder, float | None]] = []
    for what, fn, plain_on, plain_off in (
        (
            "Normal construction",
            normal,
            lambda: nd.Normal(LOC, SCALE),
            lambda: nd.Normal(LOC, SCALE, validate_args=False),
        ),
        (
            "Normal construction + log_prob",
            normal_lp,
            lambda: np.asarray(nd.Normal(LOC, SCALE).log_prob(LOC)),
            lambda: np.asarray(
                nd.Normal(LOC, SCALE, validate_args=False).log_prob(LOC)
            ),
        ),
    ):
        construction = what == "Normal construction"
        cases += [
            (
                f"{what}: default vs NumPyro validated",
                in_mode("default", fn),
                plain_on,
                0.5 if construction else 1.0,
            ),
            (
                f"{what}: checked vs NumPyro validated",
                in_mode("checked", fn),
                plain_on,
                0.5 if construction else 1.0,
            ),
            (
                f"{what}: off vs NumPyro validate_args=False",
                in_mode("off", fn),
                plain_off,
                1.1,
            ),
            (
                f"{what}: default vs NumPyro validate_args=False",
                in_mode("default", fn),
                plain_off,
                None,
            ),
        ]
    rows: list[Row] = []
    for name, typed, plain, target in cases:
        times = interleaved({"typed": typed, "numpyro": plain}, repeats, number)
        rows.append(Row(name, times["typed"], times["numpyro"], target))
    plain_step = _gradient_step(nd, None)
    for mode in ("default", "checked", "off"):
        times = interleaved(
            {"typed": _gradient_step(td, mode), "numpyro": plain_step},
            repeats,
            max(number // 10, 1),
        )
        rows.append(
            Row(
                f"compiled gradient step (N=20,000, D=20): {mode} vs NumPyro",
                times["typed"],
                times["numpyro"],
                1.02,
            )
        )
    return rows


def _gradient_step(dist: Any, mode: td.ValidationMode | None) -> Builder:
    """`jax.jit` of the gradient of a logistic-regression log density, with
    the distributions built inside the traced function (traced in `mode`)."""
    key_x, key_y = jax.random.split(jax.random.key(0))
    x = jax.random.normal(key_x, (20_000, 20))
    y = (jax.random.uniform(key_y, (20_000,)) < 0.5).astype(jnp.float32)
    params = (jnp.zeros(20), jnp.asarray(0.0), jnp.asarray(1.0))

    def log_density(p: tuple[jax.Array, jax.Array, jax.Array]) -> Any:
        beta, alpha, log_sigma = p
        prior = dist.Normal(0.0, jnp.exp(log_sigma)).log_prob(beta).sum()
        prior += dist.Normal(0.0, 10.0).log_prob(alpha)
        likelihood = dist.Bernoulli(logits=x @ beta + alpha).log_prob(y).sum()
        return prior + likelihood

    step = jax.jit(jax.grad(log_density))
    if mode is None:
        _wait(step(params))
    else:
        with td.validation(mode):
            _wait(step(params))  # trace and compile in this mode
    return lambda: _wait(step(params))


# ---------------------------------------------------------------------------
# 3. Compiled code


def compiled(repeats: int, size: int) -> list[Row]:
    """Throughput of jitted `log_prob` and `sample` built from traced parameters."""
    key = jax.random.key(0)
    loc = jax.random.normal(key, (size,))
    scale = jnp.exp(jax.random.normal(jax.random.key(1), (size,)))
    probs = jax.random.uniform(jax.random.key(2), (size,))
    x = jax.random.normal(jax.random.key(3), (size,))
    y = (x > 0).astype(jnp.float32)
    rows: list[Row] = []
    for what, typed_cls, plain_cls, params, value in (
        ("Normal", td.Normal, nd.Normal, {"loc": loc, "scale": scale}, x),
        ("Bernoulli", td.Bernoulli, nd.Bernoulli, {"probs": probs}, y),
    ):
        for method in ("log_prob", "sample"):
            typed = _jitted(typed_cls, method, params, value, key)
            plain = _jitted(plain_cls, method, params, value, key)
            times = interleaved({"typed": typed, "numpyro": plain}, repeats, 10)
            rows.append(
                Row(
                    f"jit {what}.{method}, {size:.0e} elements",
                    times["typed"],
                    times["numpyro"],
                )
            )
    return rows


def _jitted(
    cls: Any, method: str, params: dict[str, Any], value: Any, key: Any
) -> Builder:
    """A compiled `method` of `cls(**params)`, built inside the traced function."""

    def log_prob(p: dict[str, Any], v: Any) -> Any:
        return cls(**p).log_prob(v)

    def sample(p: dict[str, Any], k: Any) -> Any:
        return cls(**p).sample(k)

    if method == "log_prob":
        compiled_log_prob = jax.jit(log_prob)
        return lambda: _wait(compiled_log_prob(params, value))
    compiled_sample = jax.jit(sample)
    return lambda: _wait(compiled_sample(params, key))


def _logistic_data(n: int = 1000, d: int = 5) -> tuple[Any, Any]:
    kx, kb, ky = jax.random.split(jax.random.key(0), 3)
    x = jax.random.normal(kx, (n, d))
    beta = jax.random.normal(kb, (d,))
    y = jax.random.bernoulli(ky, jax.nn.sigmoid(x @ beta)).astype(jnp.float32)
    return x, y


def _logistic(dist: Any) -> Model:
    def model(x: jax.Array, y: jax.Array | None = None) -> None:
        beta = numpyro.sample(
            "beta", dist.Normal(jnp.zeros(x.shape[1]), 1.0).to_event(1)
        )
        alpha = numpyro.sample("alpha", dist.Normal(0.0, 10.0))
        with numpyro.plate("data", x.shape[0]):
            numpyro.sample("y", dist.Bernoulli(logits=x @ beta + alpha), obs=y)

    return model


EIGHT_Y = jnp.asarray([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
EIGHT_SIGMA = jnp.asarray([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])


def _eight_schools(dist: Any) -> Model:
    def model(sigma: jax.Array, y: jax.Array | None = None) -> None:
        mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
        tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
        with numpyro.plate("J", sigma.shape[0]):
            theta_raw = numpyro.sample("theta_raw", dist.Normal(0.0, 1.0))
            theta = mu + tau * theta_raw
            numpyro.sample("obs", dist.Normal(theta, sigma), obs=y)

    return model


def first_call(repeats: int) -> list[Row]:
    """Trace and compile: the first call of a jitted `log_prob`, and of NUTS."""
    x, y = _logistic_data()

    def jit_log_prob(cls: Any) -> Builder:
        def run() -> Any:
            _jax.clear_caches()

            def log_prob(loc: jax.Array, scale: jax.Array, v: jax.Array) -> Any:
                return cls(loc, scale).log_prob(v)

            return _wait(jax.jit(log_prob)(LOC, SCALE, LOC))

        return run

    def nuts(dist: Any) -> Builder:
        def run() -> Any:
            _jax.clear_caches()
            mcmc = MCMC(
                NUTS(_logistic(dist)), num_warmup=1, num_samples=1, progress_bar=False
            )
            mcmc.run(jax.random.key(0), x, y)
            return _wait(mcmc.get_samples())

        return run

    rows: list[Row] = []
    for what, typed, plain, number in (
        (
            "first call of jit(Normal.log_prob)",
            jit_log_prob(td.Normal),
            jit_log_prob(nd.Normal),
            5,
        ),
        ("first NUTS run (1 + 1 draws), logistic regression", nuts(td), nuts(nd), 1),
    ):
        times = interleaved({"typed": typed, "numpyro": plain}, repeats, number)
        rows.append(Row(what, times["typed"], times["numpyro"], 1.10))
    return rows


# ---------------------------------------------------------------------------
# 4. Inference end to end


def _mcmc_times(
    model: Model, args: tuple[Any, ...], warmup: int, samples: int
) -> tuple[float, float]:
    """(first run, with tracing and compilation; the same run again, compiled).

    NUTS with warmup adaptation, `warmup + samples` steps of NumPyro's kernel
    in one `jax.jit`-compiled loop. `MCMC.run` itself re-traces the model and
    re-compiles parts of the sampler on every call, so its second run is not
    free of compilation; the compiled loop is.
    """
    _jax.clear_caches()
    start = time.perf_counter()
    run, state = nuts_chain(model, args, warmup, warmup + samples, jax.random.key(1))
    _wait(run(state))
    first = time.perf_counter() - start
    return first, _compiled_time(lambda: _wait(run(state)))


def nuts_chain(
    model: Model, args: tuple[Any, ...], warmup: int, steps: int, key: jax.Array
) -> tuple[Callable[[Any], Any], Any]:
    """(a `jax.jit` of `steps` steps of NumPyro's NUTS kernel in a `fori_loop`,
    the kernel's initial state), with `warmup` steps of adaptation."""
    kernel = NUTS(model)
    state = kernel.init(key, warmup, None, args, {})

    def step(_: int, t: Any) -> Any:
        return kernel.sample(t, args, {})

    def chain(s: Any) -> Any:
        return _jax.lax.fori_loop(0, steps, step, s)

    return jax.jit(chain), state


def _svi_times(model: Model, args: tuple[Any, ...], steps: int) -> tuple[float, float]:
    """(init and `steps` updates in one compiled loop, with compilation; the
    same loop again, compiled)."""
    _jax.clear_caches()
    svi = SVI(model, AutoNormal(model), Adam(0.01), Trace_ELBO())
    start = time.perf_counter()
    state = svi.init(jax.random.key(0), *args)

    def step(_: int, t: Any) -> Any:
        return svi.update(t, *args)[0]

    def loop(s: Any) -> Any:
        return _jax.lax.fori_loop(0, steps, step, s)

    run = jax.jit(loop)
    _wait(run(state))
    first = time.perf_counter() - start
    return first, _compiled_time(lambda: _wait(run(state)))


def _compiled_time(run: Builder, calls: int = 5) -> float:
    """The median of `calls` timed calls of an already compiled loop."""
    return statistics.median(per_call(run, 1) for _ in range(calls))


def inference(repeats: int, warmup: int, samples: int, steps: int) -> list[Row]:
    x, y = _logistic_data()
    runs: dict[str, Callable[[Any], tuple[float, float]]] = {
        f"NUTS logistic regression ({warmup} + {samples})": lambda d: _mcmc_times(
            _logistic(d), (x, y), warmup, samples
        ),
        f"NUTS eight schools ({warmup} + {samples})": lambda d: _mcmc_times(
            _eight_schools(d), (EIGHT_SIGMA, EIGHT_Y), warmup, samples
        ),
        f"SVI AutoNormal, logistic regression ({steps} steps)": lambda d: _svi_times(
            _logistic(d), (x, y), steps
        ),
    }
    rows: list[Row] = []
    for what, run in runs.items():
        results: dict[str, list[tuple[float, float]]] = {"typed": [], "numpyro": []}
        for repeat in range(repeats):
            order = [("typed", td), ("numpyro", nd)]
            for name, dist in order[repeat % 2 :] + order[: repeat % 2]:
                results[name].append(run(dist))
        for index, label, target in (
            (1, "without compilation", 1.02),
            (0, "with compilation", 1.10),
        ):
            rows.append(
                Row(
                    f"{what}, {label}",
                    [r[index] for r in results["typed"]],
                    [r[index] for r in results["numpyro"]],
                    target,
                )
            )
    return rows


# ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats: a smoke run")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument(
        "--write",
        type=Path,
        help="put the tables between this file's benchmark markers",
    )
    args = parser.parse_args()
    quick = args.quick
    repeats = args.repeats or (3 if quick else 15)
    heavy = 2 if quick else max(repeats // 3, 2)  # repeats of the long runs

    sections: list[str] = [f"Measured on: {environment()}.", ""]

    def section(title: str, body: str) -> None:
        sections.extend([f"#### {title}", "", body, ""])
        print(f"\n{title}\n{body}", flush=True)

    print(environment(), flush=True)
    number = 20 if quick else 200
    construction, with_log_prob, notes = eager(repeats, number)
    section("Eager construction", table(construction))
    section(
        "Eager construction and one log_prob",
        "\n\n".join([table(with_log_prob), *notes]),
    )
    section("Eager method calls", table(methods(repeats, number)))
    sweeps = every_class(2 if quick else 5, 5 if quick else 20)
    section(
        "Eager construction, every typed distribution",
        "\n\n".join([table([s.row for s in sweeps]), *(s.summary() for s in sweeps)]),
    )
    section("Validation modes", table(modes(repeats, number)))
    section(
        "Compiled code",
        table(compiled(repeats, 10_000 if quick else 1_000_000) + first_call(heavy)),
    )
    section(
        "Inference end to end",
        table(
            inference(
                heavy,
                warmup=20 if quick else 500,
                samples=20 if quick else 500,
                steps=50 if quick else 2000,
            )
        ),
    )
    if args.write is not None:
        text = args.write.read_text()
        start, end = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        body = "\n".join(sections).rstrip()
        args.write.write_text(f"{before}{start}\n{body}\n{end}{after}")


if __name__ == "__main__":
    main()
