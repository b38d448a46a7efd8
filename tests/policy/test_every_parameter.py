"""The dtype and value policy, checked on every parameter of every row.

Rows: every generated parametrisation of every typed class and every
hand-picked table row, called through its factory (`g.constructor`), at one
batch shape each (`helpers.adversarial.POLICY_ROWS`: () for the generated
parametrisations, (2,) or (3,) for the table rows; the policy is about kinds
and dtypes, which do not depend on the batch shape). Every check is derived
from the declarations (`record_of(cls).parameters`, NumPyro's
`arg_constraints`) and the kind tables of `helpers.adversarial`:

- rejection: every float / int / bool parameter against every kind its
  kind's table rejects (`ParameterTypeError`, the first message line
  `Owner: ... `param``, what arrived, the fix-it), and wrong tracers under
  `jax.jit`, `jax.vmap` and `jax.grad(allow_int=True)`;
- acceptance and promotion: NumPy and JAX floats of every width, Python
  literals, mixes of them, integer inputs, x64, construction inside jit and
  vmap: the stored float fields are strong JAX arrays of one dtype;
- exactly one member of an exclusive parametrisation;
- value violations derived from the constraints (`ParameterValueError`).

One pytest item per row and check loops over the parameters and kinds and
reports every failure at once. Nothing here compiles a program per row:
rejections and constructions are eager (each eager operation is compiled
once per shape and dtype, and shared), transformations are traced only
(`jax.eval_shape`, `jax.make_jaxpr`) and values built inside jit are read
by evaluating the traced program eagerly.

Known exceptions are listed once, with the reason: `HALF_PRECISION` (what
NumPyro cannot factorise in float16/bfloat16), `NOT_DERIVED` and
`NUMPYRO_ACCEPTS` (value violations).
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import jax
import jax.extend
import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest
from numpyro.distributions import constraints

import typed_dists as td
from helpers.adversarial import (
    BOOL_REJECTED,
    FLOAT_REJECTED,
    INT_REJECTED,
    POLICY_ROWS,
    Kind,
    Kwargs,
    adversarial_case_count,
    field_names,
    float_field_names,
    float_field_problems,
    kinds_for,
    place,
    rejection_cases,
    row_kwargs,
    targets,
)
from helpers.generate import EVERY, GENERATED, TABLE, Generated
from helpers.versions import x64
from typed_dists._core._record import record_of
from typed_dists._policy import ParameterSpec

Row = tuple[Generated, tuple[int, ...]]

F16 = np.dtype(np.float16)
BF16 = np.dtype(ml_dtypes.bfloat16)
F32 = np.dtype(np.float32)
F64 = np.dtype(np.float64)

# Stored dtype under x32 (the default): float64 is canonicalised to float32.
STORED_X32 = {F16: F16, BF16: BF16, F32: F32, F64: F32}

# One batch shape per parametrisation (`helpers.adversarial.POLICY_ROWS`: () for
# the generated ones, as test_hypothesis.py, whose arguments and compiled
# eager operations they share; the table rows' own): every check here is
# about kinds and dtypes, which do not depend on the batch shape (the table
# rows bring batch shapes (2,) and (3,), broadcasting against an unbatched
# `loc` included); generating and building every class at a second batch
# shape would double the eager compilations.
POLICY_ROW_IDS = [f"{g.id}-batch{len(batch)}" for g, batch in POLICY_ROWS]

# The rows with a parameter (ExpandedDistribution, for one, has only options).
ONE_PARAMETER_ROWS = [(g, b) for g, b in POLICY_ROWS if targets(g, row_kwargs(g, b))]
ONE_PARAMETER_IDS = [f"{g.id}-batch{len(b)}" for g, b in ONE_PARAMETER_ROWS]


def _report(failures: list[str], count: int) -> None:
    assert count, "no case checked"
    assert not failures, f"{len(failures)} of {count} cases:\n" + "\n".join(failures)


def _validate(g: Generated) -> bool | None:
    """Validation on (the default) for the table rows, whose values are chosen
    to stay valid at every float width (dyadic probabilities); off for the
    generated ones, where a float16 rounding of a simplex may violate it."""
    return None if g.batch is not None else False


# The parametrisations that pass a float parameter (the checks of accepted
# floats), and two (the mixes).
FLOAT_ROWS = [(g, b) for g, b in POLICY_ROWS if g.float_params(row_kwargs(g, b))]
FLOAT_ROW_IDS = [f"{g.id}-batch{len(b)}" for g, b in FLOAT_ROWS]
MIXED_ROWS = [
    (g, b) for g, b in FLOAT_ROWS if len(g.float_params(row_kwargs(g, b))) > 1
]
MIXED_ROW_IDS = [f"{g.id}-batch{len(b)}" for g, b in MIXED_ROWS]


def _int_params(g: Generated, kwargs: Kwargs) -> list[str]:
    return [
        s.name
        for s in record_of(g.cls).parameters
        if s.kind == "int" and kwargs.get(s.name) is not None
    ]


def _spec(g: Generated, name: str) -> ParameterSpec:
    (spec,) = [s for s in record_of(g.cls).parameters if s.name == name]
    return spec


def _owners(g: Generated, value: object) -> tuple[str, ...]:
    """Who may own the error: the class; for `None` given to a member of an
    exclusive parametrisation, also the factory (its exactly-one check)."""
    owners: tuple[str, ...] = (g.cls.__name__,)
    if value is None:
        owners += (getattr(g.constructor, "__name__", ""),)
    return owners


def _message_failure(
    error: BaseException, owners: tuple[str, ...], names: tuple[str, ...]
) -> str | None:
    """Why `error` is not a ParameterTypeError whose first line starts with
    one of `owners` (as `Owner:`) and names every one of `names`."""
    if not isinstance(error, td.ParameterTypeError):
        return f"{type(error).__name__} (not a ParameterTypeError): {error}"
    first_line = str(error).splitlines()[0]
    if not any(first_line.startswith(f"{owner}:") for owner in owners):
        return f"first line does not start with one of {owners}: {error}"
    missing = [n for n in names if f"`{n}`" not in first_line]
    if missing:
        return f"first line does not name {missing}: {error}"
    return None


# ---------------------------------------------------------------------------
# The tables


def test_tables_cover_every_parameter() -> None:
    # Every declared parameter of every class, of every kind, is replaced by
    # rejected kinds somewhere, and the counted cases have no duplicate.
    declared = {(g.cls, s.name) for g in EVERY for s in record_of(g.cls).parameters}
    checked = {
        (g.cls, s.name)
        for g, batch in POLICY_ROWS
        for s in targets(g, row_kwargs(g, batch))
    }
    assert declared == checked, declared - checked
    kinds = {s.kind for g in EVERY for s in record_of(g.cls).parameters}
    assert kinds == {"float", "int", "bool"}
    cases = rejection_cases()
    assert len(cases) == len(set(cases)) == adversarial_case_count()
    assert issubclass(td.ParameterTypeError, TypeError)
    assert issubclass(td.ParameterValueError, ValueError)
    assert len(declared) >= 150
    # Int and bool parameters are never optional (every row passes them),
    # and every table row is a class the generated rows cover.
    assert not [
        (g.id, s.name)
        for g in EVERY
        for s in record_of(g.cls).parameters
        if s.kind != "float" and s.optional
    ]
    generated_classes = {g.cls for g in GENERATED}
    assert all(g.cls in generated_classes for g in TABLE)
    for table in (FLOAT_REJECTED, INT_REJECTED, BOOL_REJECTED):
        ids = {k.id for k in table}
        assert {"float0-grad", "None", "list", "str", "complex64-jax"} <= ids


# ---------------------------------------------------------------------------
# Rejected kinds (eager)


def _rejection_failure(
    g: Generated, spec: ParameterSpec, value: object, kwargs: Kwargs, kind: Kind
) -> str | None:
    try:
        g.constructor(**kwargs)
    except Exception as error:  # checked below
        owners = _owners(g, value)
        failure = _message_failure(error, owners, (spec.name,))
        if failure is not None:
            return failure
        message = str(error)
        exactly_one = value is None and "exactly one" in message
        if kind.shows not in message and not exactly_one:
            return f"message does not show {kind.shows!r}: {message}"
        if "Check the shapes" in message:
            return f"rejected for its shape, which was kept valid: {message}"
        if kind.hint is not None and kind.hint not in message:
            return f"no hint {kind.hint!r}: {message}"
        return None
    return "accepted"


@pytest.mark.parametrize(("g", "batch"), ONE_PARAMETER_ROWS, ids=ONE_PARAMETER_IDS)
def test_parameters_reject_every_bad_kind(g: Generated, batch: tuple[int, ...]) -> None:
    """Every parameter (float, int, bool) against every kind its table
    rejects: a ParameterTypeError whose first line starts `Owner:` and names
    `param`, showing what arrived and giving the fix-it, never a shape error
    (the valid value's shape is kept). Members of an exclusive
    parametrisation the row does not pass are checked in its member's place."""
    kwargs = row_kwargs(g, batch)
    # The rejections mean something only if the unmodified call is accepted.
    assert not float_field_problems(g.constructor(**kwargs))
    failures: list[str] = []
    count = 0
    for spec in targets(g, kwargs):
        base, valid = place(g, kwargs, spec.name)
        for kind in kinds_for(g, spec):
            count += 1
            bad = kind.make(valid)
            if isinstance(bad, np.ndarray | jax.Array):
                assert bad.shape == valid.shape
            failure = _rejection_failure(g, spec, bad, {**base, spec.name: bad}, kind)
            if failure is not None:
                failures.append(f"`{spec.name}`={kind.id}: {failure}")
    _report(failures, count)


# ---------------------------------------------------------------------------
# Wrong tracers (traced only: jax.eval_shape / jax.make_jaxpr)


@contextlib.contextmanager
def _unfiltered_tracebacks() -> Iterator[None]:
    """JAX's traceback filtering off: it costs about 10 ms per exception
    raised while tracing (30 times the trace); messages and types are the
    same."""
    config: Any = jax.config  # its `update` is not annotated
    before = config.jax_traceback_filtering
    config.update("jax_traceback_filtering", "off")
    try:
        yield
    finally:
        config.update("jax_traceback_filtering", before)


def _traced(transform: str, build: Callable[[jax.Array], Any], value: jax.Array) -> Any:
    if transform == "jit":
        return jax.eval_shape(build, value)
    if transform == "vmap":
        return jax.eval_shape(jax.vmap(build), jnp.stack([value, value]))

    def total(x: jax.Array) -> jax.Array:
        build(x)
        return jnp.sum(x).astype(jnp.float32)

    return jax.make_jaxpr(jax.grad(total, allow_int=True))(value)


# The tracer a parameter of each kind rejects, the transformations, what the
# message shows and the hint it gives.
TRACERS: dict[str, tuple[np.dtype[Any], tuple[str, ...], str, str | None]] = {
    "float": (np.dtype(np.int32), ("jit", "vmap", "grad"), "int32", "astype(float)"),
    "int": (np.dtype(np.bool_), ("jit", "vmap"), "bool", None),
    "bool": (F32, ("jit", "vmap"), "float32", "astype(bool)"),
}


@pytest.mark.parametrize(("g", "batch"), ONE_PARAMETER_ROWS, ids=ONE_PARAMETER_IDS)
def test_parameters_reject_wrong_tracers(g: Generated, batch: tuple[int, ...]) -> None:
    """An int32 tracer for a float parameter (under jit, vmap and
    grad(allow_int=True)), a bool tracer for an int parameter and a float32
    tracer for a bool parameter (jit, vmap): a ParameterTypeError naming
    owner and parameter, showing the dtype, with the hint. One batch shape
    per parametrisation: the dtype is checked before any shape."""
    kwargs = row_kwargs(g, batch)
    failures: list[str] = []
    count = 0
    for spec in targets(g, kwargs):
        base, valid = place(g, kwargs, spec.name)
        dtype, transforms, shows, hint = TRACERS[spec.kind]
        value = jnp.ones(valid.shape, dtype)

        def build(x: jax.Array, base: Kwargs = base, name: str = spec.name) -> Any:
            return g.constructor(**base, **{name: x})

        for transform in transforms:
            count += 1
            where = f"`{spec.name}` {dtype} tracer under {transform}"
            try:
                with _unfiltered_tracebacks():
                    _traced(transform, build, value)
            except Exception as error:  # checked below
                failure = _message_failure(error, (g.cls.__name__,), (spec.name,))
                message = str(error)
                if failure is None and shows not in message:
                    failure = f"message does not show {shows!r}: {message}"
                if failure is None and hint is not None and hint not in message:
                    failure = f"no hint {hint!r}: {message}"
                if failure is not None:
                    failures.append(f"{where}: {failure}")
            else:
                failures.append(f"{where}: accepted")
    _report(failures, count)


# ---------------------------------------------------------------------------
# Accepted kinds and the one stored dtype

HALF_PRECISION: dict[tuple[str, str], str] = {
    (cls, name): (
        f"NumPyro factorises `{name}` (Cholesky, triangular solve) and XLA has "
        "no float16/bfloat16 factorisation on CPU (NotImplementedError "
        "'Unsupported dtype float16'): the typed class accepts the dtype, then "
        "raises ParameterTypeError 'NumPyro cannot build this distribution "
        "from float16 parameters ... Pass float32 or float64 arrays' instead "
        "of the backend error (`_core._construct._build_numpyro`)"
    )
    for cls, name in [
        ("MultivariateNormal", "covariance_matrix"),
        ("MultivariateNormal", "precision_matrix"),
        ("GaussianCopula", "correlation_matrix"),
        ("GaussianCopulaBeta", "correlation_matrix"),
        ("GaussianStateSpace", "covariance_matrix"),
        ("LowRankMultivariateNormal", "cov_factor"),
        ("Wishart", "scale_matrix"),
        ("WishartCholesky", "rate_matrix"),
        ("InverseWishartCholesky", "scale_matrix"),
    ]
}
"""The known exceptions to "every float width is accepted": a half-precision
value of these parameters is rejected, with the reason. Checked where the
stored dtype would be float16/bfloat16: the call must raise a
ParameterTypeError whose first line starts with the owner and whose message
says "float32"; any other call succeeds, and every entry is hit."""

_HALF_HITS: set[tuple[str, str]] = set()


def _half_precision(g: Generated, kwargs: Kwargs, stored: np.dtype[Any]) -> str | None:
    """The HALF_PRECISION entry the call hits, if it is stored in half precision."""
    if stored.itemsize >= 4:
        return None
    for name in g.float_params(kwargs):
        if (g.cls.__name__, name) in HALF_PRECISION:
            _HALF_HITS.add((g.cls.__name__, name))
            return name
    return None


def _stored_failure(
    g: Generated, d: Any, expected: np.dtype[Any], given: Kwargs
) -> str | None:
    """Why `d`'s stored fields are not: float fields strong JAX arrays of
    `expected`, int and bool fields strong JAX arrays of their kind."""
    problems = []
    if type(d) is not g.cls:
        problems.append(f"built {type(d).__name__}, not {g.cls.__name__}")
    stored_any = False
    for name in float_field_names(g.cls):
        value = getattr(d, name)
        if value is None:
            continue
        stored_any = True
        if not isinstance(value, jax.Array | jax.ShapeDtypeStruct):
            problems.append(f"`{name}` is a {type(value).__name__}")
        elif value.dtype != expected:
            problems.append(f"`{name}` is {value.dtype}, expected {expected}")
        elif value.weak_type:
            problems.append(f"`{name}` is weakly typed")
    if float_field_names(g.cls) and not stored_any:
        problems.append("no float field stored")
    for kind, test in (("int", jnp.integer), ("bool", jnp.bool_)):
        for name in field_names(g.cls, kind):
            value = getattr(d, name)
            if value is None and name not in given:
                continue
            if not isinstance(value, jax.Array | jax.ShapeDtypeStruct):
                problems.append(f"{kind} `{name}` is a {type(value).__name__}")
            elif not jnp.issubdtype(value.dtype, test) or value.weak_type:
                problems.append(f"{kind} `{name}` is {value.dtype} {value.weak_type}")
    return "; ".join(problems) or None


def _build_failure(
    g: Generated,
    kwargs: Kwargs,
    expected: np.dtype[Any],
    validate: bool | None,
    traced: bool = False,
) -> str | None:
    """Build `kwargs` and check the stored dtype; a HALF_PRECISION hit must
    raise the documented error instead. `traced`: build inside
    `jax.eval_shape` (the arguments closed over, so the policy sees them as
    given), which compiles nothing; a factorisation fails only when
    compiled, so HALF_PRECISION hits are left to the eager builds."""
    half = _half_precision(g, kwargs, expected)
    if traced and half is not None:
        return None
    try:
        if traced:
            d = jax.eval_shape(lambda: g.constructor(**kwargs, validate_args=validate))
        else:
            d = g.constructor(**kwargs, validate_args=validate)
    except Exception as error:
        if half is not None:
            failure = _message_failure(error, (g.cls.__name__,), ())
            if failure is None and "float32" not in str(error):
                failure = f"does not say float32: {error}"
            return failure
        return f"rejected: {type(error).__name__}: {str(error)[:300]}"
    if half is not None:
        return f"half-precision `{half}` built (remove it from HALF_PRECISION)"
    return _stored_failure(g, d, expected, kwargs)


ARRAY_KINDS: list[tuple[str, np.dtype[Any]]] = [
    (lib, dtype)
    for lib in ("numpy", "jax")
    for dtype in (F16, BF16, F32, F64)
    # Under x32 a JAX float64 array cannot exist; see test_x64.
    if not (lib == "jax" and dtype == F64)
]


# Cast one parameter at a time (the others float64 NumPy): each width and
# both libraries once (float64 NumPy is the unmodified call).
ONE_AT_A_TIME = [("numpy", F16), ("jax", BF16), ("jax", F32), ("numpy", F32)]


def _cast(value: Any, lib: str, dtype: np.dtype[Any]) -> Any:
    if lib == "numpy":
        return np.asarray(value).astype(dtype)
    return jnp.asarray(value, dtype=dtype)


def _takes_scalar(spec: ParameterSpec) -> bool:
    """Whether a 0-d value fits the declaration (only batch or broadcast dims)."""
    return any(
        all(t.startswith(("*", "#*", "...")) for t in dims.split())
        for dims in spec.dims
    )


def _numpyro_accepts(g: Generated, kwargs: Kwargs, validate: bool = True) -> bool:
    numpyro_class = g.cls.numpyro_class
    if not set(kwargs) <= set(inspect.signature(numpyro_class).parameters):
        return False
    try:
        numpyro_class(**kwargs, validate_args=validate)
    except Exception:
        return False
    return True


_LITERALS: dict[Row, dict[str, tuple[float, ...]]] = {}


def literals(g: Generated, batch: tuple[int, ...]) -> dict[str, tuple[float, ...]]:
    """Python literals (a float, an int) per float parameter that takes a 0-d
    value, kept where NumPyro itself accepts them (with validation) in place
    of the row's array: the first element of the valid value, and it rounded."""
    if (g, batch) not in _LITERALS:
        kwargs = row_kwargs(g, batch)
        out: dict[str, Any] = {}
        for name in g.float_params(kwargs):
            if not _takes_scalar(_spec(g, name)):
                continue
            first = float(np.ravel(kwargs[name])[0])
            accepted = tuple(
                literal
                for literal in (first, round(first))
                if _numpyro_accepts(g, {**kwargs, name: literal})
            )
            if accepted:
                out[name] = accepted
        _LITERALS[(g, batch)] = out
    return _LITERALS[(g, batch)]


def test_literals_cover_the_table_rows() -> None:
    # Every float parameter of a table row that takes a 0-d value has a
    # literal NumPyro accepts (the table's values are in the interior of
    # their constraints), so the literal checks below are not vacuous.
    for g in TABLE:
        (batch,) = g.batch_shapes
        kwargs = row_kwargs(g, batch)
        for name in g.float_params(kwargs):
            if _takes_scalar(_spec(g, name)):
                assert name in literals(g, batch), (g.id, name)


@pytest.mark.parametrize(("g", "batch"), FLOAT_ROWS, ids=FLOAT_ROW_IDS)
def test_float_parameters_accept_and_promote(
    g: Generated, batch: tuple[int, ...]
) -> None:
    """NumPy float16/bfloat16/float32/float64 and JAX float16/bfloat16/
    float32 arrays for all float parameters at once, and each width for one
    parameter at a time (`ONE_AT_A_TIME`),
    and NumPyro-accepted Python float and int literals: the float fields are
    strong JAX arrays of one dtype (float64 -> float32; all float16 ->
    float16; otherwise float32), int and bool fields strong JAX arrays of
    their kind, a literal stored as its value broadcast. Python float and int
    literals (the first element, and it rounded) for every parameter that
    takes a 0-d value: with validation where NumPyro accepts the value,
    without where it does not. Built eagerly, except bfloat16 on the
    generated rows: traced (`jax.eval_shape`), since a second half-precision
    width costs a second set of compiled eager operations per class and
    fails where float16 fails (HALF_PRECISION); the table rows build it
    eagerly. One batch shape per
    parametrisation (see `POLICY_ROWS`): promotion does not depend on it, and
    each new dtype costs eager compilations."""
    kwargs = row_kwargs(g, batch)
    names = g.float_params(kwargs)
    validate = _validate(g)
    failures: list[str] = []
    count = 0
    for lib, dtype in ARRAY_KINDS:
        count += 1
        cast = {n: _cast(kwargs[n], lib, dtype) for n in names}
        traced = dtype == BF16 and g.batch is None
        call = {**kwargs, **cast}
        failure = _build_failure(g, call, STORED_X32[dtype], validate, traced)
        if failure is not None:
            failures.append(f"all {lib}-{dtype.name}: {failure}")
        if len(names) == 1 or (lib, dtype) not in ONE_AT_A_TIME:
            continue
        for name in names:
            count += 1
            # The others stay float64 NumPy (float32 under x32), which wins.
            one = {**kwargs, name: cast[name]}
            failure = _build_failure(g, one, F32, validate, traced)
            if failure is not None:
                failures.append(f"`{name}` {lib}-{dtype.name}: {failure}")
    for name in names:
        if not _takes_scalar(_spec(g, name)):
            continue
        accepted = literals(g, batch).get(name, ())
        first = float(np.ravel(kwargs[name])[0])
        for literal in (first, round(first)):
            where = f"`{name}`={literal!r}"
            call = {**kwargs, name: literal}
            # Where NumPyro rejects the value (an int rounded out of the
            # support), the dtype policy is still checked, without validation;
            # not where NumPyro cannot build it at all (Delta's `event_dim`).
            checked = literal in accepted
            if not checked and not _numpyro_accepts(g, call, validate=False):
                continue
            count += 1
            try:
                d = g.constructor(**call, validate_args=None if checked else False)
            except Exception as error:
                failures.append(f"{where}: {type(error).__name__}: {error}")
                continue
            failure = _stored_failure(g, d, F32, call)
            if failure is None and name in float_field_names(g.cls):
                stored = np.asarray(getattr(d, name))
                expected = np.broadcast_to(np.float32(literal), stored.shape)
                if not np.array_equal(stored, expected):
                    failure = f"stored {stored}, not {literal!r}"
            if failure is not None:
                failures.append(f"{where}: {failure}")
    if names and all(n in literals(g, batch) for n in names):
        count += 1
        every = {**kwargs, **{n: literals(g, batch)[n][0] for n in names}}
        failure = _build_failure(g, every, F32, None)
        if failure is not None:
            failures.append(f"all Python numbers: {failure}")
    _report(failures, count)


def test_half_precision_exceptions_are_all_hit() -> None:
    # Each known exception is a real one: some call above hit it (this test
    # runs after them in the module; alone, it runs them itself).
    if HALF_PRECISION.keys() != _HALF_HITS:
        for g, batch in POLICY_ROWS:
            kwargs = row_kwargs(g, batch)
            names = g.float_params(kwargs)
            cast = {n: kwargs[n].astype(F16) for n in names}
            _build_failure(g, {**kwargs, **cast}, F16, False)
    assert HALF_PRECISION.keys() == _HALF_HITS


# (first float parameter, the other float parameters, stored dtype)
MIXES: list[tuple[str, str, np.dtype[Any]]] = [
    ("f16", "python", F16),
    ("python", "f16", F16),
    ("bf16", "python", BF16),
    ("f16", "f32", F32),
    ("f32", "f16", F32),
    ("bf16", "f16", F32),
    ("f16", "bf16", F32),
    ("f16", "f64", F32),  # float64 NumPy: canonicalised to float32 under x32
]
_MIX_DTYPES = {"f16": F16, "bf16": BF16, "f32": F32}


@pytest.mark.parametrize(("g", "batch"), MIXED_ROWS, ids=MIXED_ROW_IDS)
def test_mixed_float_inputs_promote(g: Generated, batch: tuple[int, ...]) -> None:
    """The first float parameter of one kind, the others of another (JAX
    f16/bf16/f32, NumPy f64, Python literals where NumPyro takes them): the
    stored dtype follows `MIXES` (JAX's promotion, Python numbers weak).
    One batch shape per parametrisation: promotion does not depend on it."""
    kwargs = row_kwargs(g, batch)
    head, *tail = g.float_params(kwargs)
    scalars = literals(g, batch)

    def value(name: str, kind: str) -> Any:
        if kind == "python":
            return scalars[name][0]
        if kind == "f64":
            return np.asarray(kwargs[name], dtype=F64)
        return jnp.asarray(kwargs[name], dtype=_MIX_DTYPES[kind])

    failures: list[str] = []
    count = 0
    for first, rest, stored in MIXES:
        kinds = {head: first, **dict.fromkeys(tail, rest)}
        if any(k == "python" and n not in scalars for n, k in kinds.items()):
            continue
        count += 1
        call = {**kwargs, **{n: value(n, k) for n, k in kinds.items()}}
        failure = _build_failure(g, call, stored, _validate(g))
        if failure is not None:
            failures.append(f"{first}+{rest}: {failure}")
    _report(failures, count)


INT_INPUTS: list[tuple[str, Callable[[np.ndarray], Any]]] = [
    ("numpy-int64", lambda v: v.astype(np.int64)),
    ("numpy-int16", lambda v: v.astype(np.int16)),
    ("numpy-uint8", lambda v: v.astype(np.uint8)),
    ("jax-int32", lambda v: jnp.asarray(v, dtype=jnp.int32)),
    ("python-int", lambda v: int(np.ravel(v)[0])),
    ("numpy-scalar", lambda v: np.int64(np.ravel(v)[0])),
    # Whole-number floats, as counts read from data often are (NumPyro takes them).
    ("numpy-float64", lambda v: v.astype(np.float64)),
    ("jax-float32", lambda v: jnp.asarray(v, dtype=jnp.float32)),
    ("jax-float16", lambda v: jnp.asarray(v, dtype=jnp.float16)),
    ("python-float", lambda v: float(np.ravel(v)[0])),
    ("numpy-float-scalar", lambda v: np.float32(np.ravel(v)[0])),
]

INT_ROWS = [(g, b) for g, b in POLICY_ROWS if _int_params(g, row_kwargs(g, b))]


def test_int_parameters_exist() -> None:
    # The integer checks run on the generated and the table rows.
    assert {g.cls for g, _ in INT_ROWS} >= {td.BinomialProbs, td.DiscreteUniform}
    assert any(g.batch is not None for g, _ in INT_ROWS)  # [5, 10, 3]


@pytest.mark.parametrize(
    ("g", "batch"), INT_ROWS, ids=[f"{g.id}-batch{len(b)}" for g, b in INT_ROWS]
)
def test_int_parameter_kinds_stored_as_jax_integer(
    g: Generated, batch: tuple[int, ...]
) -> None:
    """NumPy int64/int16/uint8 arrays, JAX int32 arrays, Python ints, NumPy
    integer scalars, and the same whole numbers as float arrays, Python
    floats and NumPy float scalars, for every integer parameter: stored as
    strong JAX integer arrays of the value given (broadcast); they take no
    part in float promotion (float16 floats stay float16)."""
    kwargs = row_kwargs(g, batch)
    floats = g.float_params(kwargs)
    failures: list[str] = []
    count = 0
    for name in _int_params(g, kwargs):
        for kind, make in INT_INPUTS:
            count += 1
            given = make(np.asarray(kwargs[name]))
            call = {**kwargs, name: given}
            failure = _build_failure(g, call, F32, _validate(g))
            if failure is None:
                stored = np.asarray(getattr(g.constructor(**call), name))
                if not np.array_equal(
                    stored, np.broadcast_to(np.asarray(given), stored.shape)
                ):
                    failure = f"stored {stored}, given {given}"
            if failure is None and floats:
                half = {n: kwargs[n].astype(F16) for n in floats}
                failure = _build_failure(g, {**call, **half}, F16, _validate(g))
            if failure is not None:
                failures.append(f"`{name}`={kind}: {failure}")
    _report(failures, count)


@pytest.mark.parametrize(
    ("g", "batch"), INT_ROWS, ids=[f"{g.id}-batch{len(b)}" for g, b in INT_ROWS]
)
def test_int_parameters_reject_fractions(g: Generated, batch: tuple[int, ...]) -> None:
    """A float that is not a whole number (an array with one such element, a
    Python float, NaN) for an integer parameter: a ParameterValueError naming
    the owner and the parameter, whatever the validation setting (the count
    is stored as an integer, which would drop the fraction)."""
    kwargs = row_kwargs(g, batch)
    failures: list[str] = []
    count = 0
    for name in _int_params(g, kwargs):
        whole = np.asarray(kwargs[name], dtype=np.float32)
        fractions = {
            "array": whole
            + np.where(np.arange(whole.size) == 0, 0.5, 0.0).reshape(whole.shape),
            "python": float(np.ravel(whole)[0]) + 0.5,
            "nan": float("nan"),
        }
        for kind, value in fractions.items():
            count += 1
            try:
                g.constructor(**{**kwargs, name: value}, validate_args=False)
            except td.ParameterValueError as error:
                first = str(error).splitlines()[0]
                failure = (
                    None
                    if first.startswith(f"{g.cls.__name__}:") and f"`{name}`" in first
                    else f"message does not name {g.cls.__name__} and `{name}`: {error}"
                )
            except Exception as error:  # the wrong exception is a failure
                failure = f"raised {type(error).__name__}: {error}"
            else:
                failure = "accepted"
            if failure is not None:
                failures.append(f"`{name}`={kind}: {failure}")
    _report(failures, count)


# ---------------------------------------------------------------------------
# x64


def _default_float() -> np.dtype[Any]:
    dtype: np.dtype[Any] = np.dtype(jnp.asarray(0.0).dtype)
    return dtype


def _assert_x32() -> None:
    assert _default_float() == F32
    assert jnp.asarray(0).dtype == jnp.int32


@contextlib.contextmanager
def _x64() -> Iterator[None]:
    """x64 on; the flag is restored on exit (checked), so nothing leaks."""
    with x64():
        assert _default_float() == F64
        yield
    _assert_x32()


@pytest.mark.parametrize(("g", "batch"), FLOAT_ROWS, ids=FLOAT_ROW_IDS)
def test_x64(g: Generated, batch: tuple[int, ...]) -> None:
    """Under x64: float64 (NumPy and JAX) stays float64, float32 (NumPy and
    JAX) stays float32, Python numbers give float64; x32 after. One batch
    shape per parametrisation: the dtype rule does not depend on it. The
    table rows are built eagerly, the generated ones traced
    (`jax.eval_shape`: x64 would recompile every eager operation)."""
    kwargs = row_kwargs(g, batch)
    names = g.float_params(kwargs)
    failures: list[str] = []
    count = 0
    # x64 recompiles every eager operation: the generated rows are traced
    # (`jax.eval_shape`), the table rows (17 families) built eagerly.
    traced = g.batch is None
    with _x64():
        kinds: list[tuple[str, np.dtype[Any]]] = [
            ("numpy", F64),
            ("jax", F64),
            ("numpy", F32),
            ("jax", F32),
        ]
        for lib, dtype in kinds:
            count += 1
            call = {**kwargs, **{n: _cast(kwargs[n], lib, dtype) for n in names}}
            failure = _build_failure(g, call, dtype, _validate(g), traced)
            if failure is not None:
                failures.append(f"{lib}-{dtype.name}: {failure}")
        scalars = literals(g, batch)
        if all(n in scalars for n in names):
            count += 1
            call = {**kwargs, **{n: scalars[n][0] for n in names}}
            failure = _build_failure(g, call, F64, None, traced)
            if failure is not None:
                failures.append(f"Python numbers: {failure}")
    _report(failures, count)


# ---------------------------------------------------------------------------
# Construction inside jit and vmap (traced; values by evaluating the trace)


def _jit_values(
    closed: Any,
    shapes: Any,
    floats: dict[str, jax.Array],
    names: list[str],
    g: Generated,
) -> dict[str, np.ndarray]:
    """The values jit would return for the stored fields named like the
    float arguments: an output that is an input of the traced program is that
    input; otherwise the program is evaluated eagerly (once)."""
    jaxpr = closed.jaxpr
    leaf_of = jax.tree.unflatten(
        jax.tree.structure(shapes), list(range(len(jaxpr.outvars)))
    )
    inputs = dict(zip(jaxpr.invars, jax.tree.leaves(floats), strict=True))
    wanted = {
        name: getattr(leaf_of, name)
        for name in names
        if name in float_field_names(g.cls)
    }
    out: dict[str, np.ndarray] = {}
    evaluated: list[Any] | None = None
    for name, index in wanted.items():
        var = jaxpr.outvars[index]
        if not isinstance(var, jax.extend.core.Literal) and var in inputs:
            out[name] = np.asarray(inputs[var])
            continue
        if evaluated is None:
            evaluated = jax.core.eval_jaxpr(jaxpr, closed.consts, *inputs.values())
        out[name] = np.asarray(evaluated[index])
    return out


@pytest.mark.parametrize(("g", "batch"), FLOAT_ROWS, ids=FLOAT_ROW_IDS)
def test_construct_inside_jit_and_vmap(g: Generated, batch: tuple[int, ...]) -> None:
    """Built inside `jax.jit` from float32 arrays (traced with
    `jax.make_jaxpr`): the same class, strong float32 fields holding the
    values given (read from the traced program, see `_jit_values`); inside
    `jax.vmap`
    (`jax.eval_shape`): the mapped axis on every float field, float32,
    strong, int fields integer. One batch shape per parametrisation: the
    mapped axis is added in front of it."""
    kwargs = row_kwargs(g, batch)
    names = g.float_params(kwargs)
    floats = {n: jnp.asarray(kwargs[n], dtype=F32) for n in names}
    others = {k: v for k, v in kwargs.items() if k not in floats}

    def build(f: dict[str, jax.Array]) -> Any:
        return g.constructor(**f, **others)

    reference = g.constructor(**kwargs)
    failures: list[str] = []
    closed, shapes = jax.make_jaxpr(build, return_shape=True)(floats)
    failure = _stored_failure(g, shapes, F32, kwargs)
    if failure is not None:
        failures.append(f"jit: {failure}")
    for name, stored in _jit_values(closed, shapes, floats, names, g).items():
        if not np.array_equal(np.broadcast_to(floats[name], stored.shape), stored):
            failures.append(f"jit: `{name}` stored {stored}, given {floats[name]}")
    for name in float_field_names(g.cls) + field_names(g.cls, "int"):
        shape = getattr(shapes, name)
        if shape is not None and shape.weak_type:
            failures.append(f"jit: `{name}` is weakly typed in the trace")
    if g.skip_reason("vmap") is None:
        copies = 2
        stacked = {n: jnp.stack([v] * copies) for n, v in floats.items()}
        mapped = jax.eval_shape(jax.vmap(build), stacked)
        if type(mapped) is not g.cls:
            failures.append(f"vmap: built {type(mapped).__name__}")
        for name in float_field_names(g.cls):
            value = getattr(mapped, name)
            if value is None:
                continue
            expected = (copies, *np.shape(getattr(reference, name)))
            if value.shape != expected or value.dtype != F32 or value.weak_type:
                failures.append(
                    f"vmap: `{name}` {value.shape} {value.dtype} weak="
                    f"{value.weak_type}, expected {expected} float32 strong"
                )
        for name in field_names(g.cls, "int"):
            value = getattr(mapped, name)
            if value is not None and not jnp.issubdtype(value.dtype, jnp.integer):
                failures.append(f"vmap: int `{name}` is {value.dtype}")
    _report(failures, 1)


# ---------------------------------------------------------------------------
# Huge Python ints


@pytest.mark.parametrize(("g", "batch"), POLICY_ROWS, ids=POLICY_ROW_IDS)
def test_huge_python_int_names_the_parameter(
    g: Generated, batch: tuple[int, ...]
) -> None:
    """`10**400` (beyond every float) for each float parameter that takes a
    0-d value: accepted with sound float fields, or a TypeError/ValueError
    naming the class and the parameter. One batch shape: a Python int is
    0-d."""
    kwargs = row_kwargs(g, batch)
    names = [n for n in g.float_params(kwargs) if _takes_scalar(_spec(g, n))]
    if not names:
        pytest.skip("no float parameter takes a Python number")
    failures = []
    for name in names:
        try:
            d = g.constructor(**{**kwargs, name: 10**400})
        except (TypeError, ValueError) as error:
            message = str(error)
            if g.cls.__name__ not in message or f"`{name}`" not in message:
                failures.append(f"`{name}`: does not name the owner/parameter: {error}")
            continue
        except Exception as error:
            failures.append(f"`{name}`: {type(error).__name__}: {error}")
            continue
        failures.extend(f"`{name}`: {p}" for p in float_field_problems(d))
    _report(failures, len(names))


# ---------------------------------------------------------------------------
# Exactly one member of an exclusive parametrisation


def _exclusive_calls() -> list[Any]:
    """(constructor, owner, members, {member: row}): every class with
    `_one_of` (its generated rows) and every factory of the table whose rows
    differ in which member they pass (`td.Bernoulli(probs=...)` /
    `td.Bernoulli(logits=...)`)."""
    out = []
    for cls in dict.fromkeys(g.cls for g in GENERATED if g.cls._one_of):  # pyright: ignore[reportPrivateUsage]
        members: tuple[str, ...] = cls._one_of  # pyright: ignore[reportPrivateUsage]
        rows = {g.parametrisation: g for g in GENERATED if g.cls is cls}
        first = next(iter(rows.values()))
        by_member = {m: rows.get(m, first) for m in members}
        out.append(pytest.param(cls, cls.__name__, members, by_member, id=cls.__name__))
    factories: dict[Any, list[Generated]] = {}
    for g in TABLE:
        if g.factory is not None and g.factory is not g.cls:
            factories.setdefault(g.factory, []).append(g)
    for factory, rows_ in factories.items():
        params = [set(row_kwargs(g, g.batch_shapes[0])) for g in rows_]
        given: set[str] = set().union(*params)
        always: set[str] = given.intersection(*params)
        members = tuple(sorted(given - always))
        if len(members) < 2:
            continue
        by_member = {
            m: next(g for g, p in zip(rows_, params, strict=True) if m in p)
            for m in members
        }
        name = factory.__name__
        out.append(pytest.param(factory, name, members, by_member, id=f"{name}()"))
    return out


EXCLUSIVE = _exclusive_calls()


def test_exclusive_table() -> None:
    # The classes and factories with an exclusive parametrisation are found.
    ids = {p.id for p in EXCLUSIVE}
    assert {"MultivariateNormal", "Bernoulli()", "Binomial()"} <= ids
    assert {"Categorical()", "Geometric()"} <= ids


@pytest.mark.parametrize(("build", "owner", "members", "by_member"), EXCLUSIVE)
def test_exactly_one(
    build: Callable[..., Any],
    owner: str,
    members: tuple[str, ...],
    by_member: dict[str, Generated],
) -> None:
    """No member, two members, all members of an exclusive parametrisation:
    a ParameterTypeError whose first line starts `Owner:` and names every
    member involved (every member when none is given)."""

    def call_of(g: Generated) -> Kwargs:
        return row_kwargs(g, g.batch_shapes[0])

    values = {m: call_of(g)[m] for m, g in by_member.items() if m in call_of(g)}
    if set(values) != set(members):  # a class whose members share one row
        g = next(iter(by_member.values()))
        _, valid = place(g, call_of(g), members[0])
        values = {m: values.get(m, valid) for m in members}
    base = {k: v for k, v in call_of(by_member[members[0]]).items() if k not in members}
    calls: list[tuple[str, Kwargs, tuple[str, ...]]] = [("none", base, members)]
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            calls.append((f"{a}+{b}", {**base, a: values[a], b: values[b]}, (a, b)))
    if len(members) > 2:
        calls.append(("all", {**base, **values}, members))
    failures = []
    for label, kwargs, named in calls:
        try:
            build(**kwargs)
        except Exception as error:
            failure = _message_failure(error, (owner,), named)
            if failure is not None:
                failures.append(f"{label}: {failure}")
        else:
            failures.append(f"{label}: accepted")
    _report(failures, len(calls))


# ---------------------------------------------------------------------------
# Value violations, derived from the constraints


def _bounds(constraint: Any) -> tuple[float | None, float | None]:
    return (
        getattr(constraint, "lower_bound", None),
        getattr(constraint, "upper_bound", None),
    )


def violation(constraint: Any, valid: np.ndarray) -> np.ndarray | None:
    """A value of `valid`'s shape and dtype that violates `constraint`
    everywhere, or None if none is derived for that constraint type
    (`NOT_DERIVED`)."""
    if isinstance(constraint, constraints.independent):
        return violation(constraint.base_constraint, valid)
    name = type(constraint).__name__
    matrix = constraint.event_dim == 2 and valid.ndim >= 2
    eye = np.broadcast_to(np.eye(valid.shape[-1]), valid.shape) if matrix else None
    if name in ("_Real", "_RealVector", "_RealMatrix"):
        return np.full(valid.shape, np.nan)
    if name in ("_Positive", "_GreaterThan", "_GreaterThanEq", "_Nonnegative"):
        lower, _ = _bounds(constraint)
        return np.full(valid.shape, float(lower or 0.0) - 1.0)
    if name in ("_LessThan",):
        _, upper = _bounds(constraint)
        return np.full(valid.shape, float(upper) + 1.0)  # type: ignore[arg-type]
    if name in ("_UnitInterval", "_OpenInterval", "_Interval", "_Circular"):
        _, upper = _bounds(constraint)
        return np.full(valid.shape, float(upper) + 1.0)  # type: ignore[arg-type]
    if name in ("_Simplex", "_L1Ball"):
        return np.full(valid.shape, 2.0)
    if name == "_OrderedVector":
        return np.broadcast_to(-np.arange(valid.shape[-1], dtype=float), valid.shape)
    if eye is not None and name in ("_PositiveDefinite", "_LowerCholesky"):
        return -eye
    if eye is not None and name in ("_CorrCholesky", "_CorrMatrix"):
        return 2.0 * eye
    return None


NOT_DERIVED: dict[str, str] = {
    "_PositiveDefiniteCirculantVector": (
        "a covariance row is positive definite iff its real FFT is positive: "
        "not a per-element bound (checked by hand in test_values.py)"
    ),
}
"""Constraint types without a derived violating value, with the reason."""

NUMPYRO_ACCEPTS: dict[tuple[str, str], str] = {
    (cls, name): (
        f"NumPyro 0.22's {cls}(validate_args=True) does not check `{name}` "
        "(observed: 2 * eye is accepted); typed_dists checks the declared "
        "constraint"
    )
    for cls in ("GaussianCopula", "GaussianCopulaBeta")
    for name in ("correlation_matrix", "correlation_cholesky")
}
"""Derived violations NumPyro's own validation lets through, with the reason."""


@pytest.mark.parametrize(("g", "batch"), POLICY_ROWS, ids=POLICY_ROW_IDS)
def test_value_violations(g: Generated, batch: tuple[int, ...]) -> None:
    """For each float parameter, a value violating its NumPyro constraint
    (`violation`): a ParameterValueError (a ValueError) starting `Owner:`
    and naming the parameter; built with `validate_args=False`; built when
    the bad value is traced under jit (as NumPyro, concrete values only are
    checked); NumPyro with `validate_args=True` raises too. One batch shape
    per parametrisation: the check is element-wise."""
    kwargs = row_kwargs(g, batch)
    names = g.float_params(kwargs)
    arg_constraints = g.cls.numpyro_class.arg_constraints
    failures: list[str] = []
    count = 0
    for name in names:
        constraint = arg_constraints.get(name)
        if constraint is None or constraints.is_dependent(constraint):  # type: ignore[no-untyped-call]
            continue
        valid = np.asarray(kwargs[name])
        bad = violation(constraint, valid)
        if bad is None:
            base = constraint
            while isinstance(base, constraints.independent):
                base = base.base_constraint
            assert type(base).__name__ in NOT_DERIVED, (g.id, name, constraint)
            continue
        count += 1
        where = f"`{name}`={constraint!r}"
        call = {**kwargs, name: bad}
        try:
            g.constructor(**call, validate_args=True)
        except td.ParameterValueError as error:
            message = str(error)
            if not message.startswith(f"{g.cls.__name__}:"):
                failures.append(f"{where}: does not start with the owner: {message}")
            elif f"`{name}`" not in message.splitlines()[0]:
                failures.append(f"{where}: does not name the parameter: {message}")
        except Exception as error:
            failures.append(f"{where}: {type(error).__name__}: {error}")
        else:
            failures.append(f"{where}: accepted with validation on")
        try:
            d = g.constructor(**call, validate_args=False)
            assert type(d) is g.cls
            others = {k: v for k, v in call.items() if k != name}

            def build(x: Any, others: Kwargs = others, name: str = name) -> Any:
                return g.constructor(**others, **{name: x})

            traced = jax.eval_shape(build, bad)
            assert type(traced) is g.cls
        except Exception as error:
            failures.append(f"{where} unchecked: {type(error).__name__}: {error}")
        numpyro_checks = (g.cls.__name__, name) not in NUMPYRO_ACCEPTS
        if numpyro_checks and set(call) <= set(
            inspect.signature(g.cls.numpyro_class).parameters
        ):
            arrays: Kwargs = {
                k: jnp.asarray(v) if isinstance(v, np.ndarray) else v
                for k, v in call.items()
            }
            try:
                g.cls.numpyro_class(**arrays, validate_args=True)
            except ValueError:
                pass
            except Exception as error:
                failures.append(f"{where} NumPyro: {type(error).__name__}: {error}")
            else:
                failures.append(f"{where}: NumPyro accepts it")
    if not count:
        pytest.skip("no float parameter with a derived violation")
    _report(failures, count)
