"""`check_model`: a report of every sample site of an unchanged NumPyro model.

The model is run once, seeded, under a recording handler. At each sample site
the recorder reads the site's distribution and value, puts the distribution
through its typed constructor (`to_typed`) and checks what the constructor
does not (concrete parameter values against their constraints, the value
against the support, the log density at the point). Problems are collected,
never raised: the model runs on with its own distributions, so that one
report lists every problem.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal, TypeAlias, cast

import jax
import numpy as np
import numpyro
from numpyro import handlers
from numpyro.distributions import Distribution, ExpandedDistribution, constraints
from numpyro.primitives import Messenger

from .._policy import (
    ParameterTypeError,
    ParameterValueError,
    dtype_kind,
    evaluate_constraint,
    is_dependent,
    is_tracer,
)
from ._convert import is_typed, to_typed

__all__ = [
    "ModelCheckError",
    "ModelReport",
    "ParameterInfo",
    "Problem",
    "ProblemKind",
    "SiteInfo",
    "check_model",
]

ProblemKind: TypeAlias = Literal[
    "parameter-type",
    "parameter-value",
    "non-finite-parameter",
    "parameter-constraint",
    "value-support",
    "log-density",
    "float-widths",
    "model-error",
]
"""What a `Problem` is about:

- `"parameter-type"`: the typed constructor rejects a parameter's kind, dtype
  or shape (an integer, bool or float0 array for a float parameter, shapes
  that do not fit): `ParameterTypeError`.
- `"parameter-value"`: the typed constructor rejects a value it can check
  without validation (a fraction for a count): `ParameterValueError`.
- `"non-finite-parameter"`: a float parameter holds NaN or infinity.
- `"parameter-constraint"`: a parameter violates its NumPyro constraint (a
  negative `scale`).
- `"value-support"`: the site's value (observed, or given in `params`) is
  outside the distribution's support.
- `"log-density"`: the site's log density is `-inf`, `+inf` or NaN at the
  point, so NUTS and SVI cannot start there ("Cannot find valid initial
  parameters").
- `"float-widths"`: sites compute in different float widths (float32 and
  float64).
- `"model-error"`: the model raised; the report holds the sites before it.
"""


@dataclasses.dataclass(frozen=True)
class ParameterInfo:
    """One parameter of a site's distribution, as the model passed it."""

    name: str
    """NumPyro's name, dotted through inner distributions (`base_dist.loc`)."""
    dtype: str
    """`float32`, `int32`, ...; `float (Python)` for a Python number."""
    shape: tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class SiteInfo:
    """One sample site of the model, as the run met it."""

    name: str
    distribution: str
    """The distribution's class, with its inner ones (`Independent(Normal)`);
    the expansion a plate adds is left out."""
    observed: bool
    checked: bool
    """Whether typed_dists has a typed counterpart of the distribution, so that
    its parameters went through the typed constructor."""
    parameters: tuple[ParameterInfo, ...]
    value_dtype: str
    value_shape: tuple[int, ...]
    log_density: float | None
    """The site's log density at the point, summed (masked elements left
    out); `None` if it could not be computed."""


@dataclasses.dataclass(frozen=True)
class Problem:
    """One problem found, where, and how to fix it."""

    kind: ProblemKind
    site: str | None
    """The sample site; `None` for a problem of the whole model."""
    parameter: str | None
    message: str
    fix: str

    def where(self) -> str:
        """`site 'y', parameter 'loc'`, or `model` for the whole model."""
        parts: list[str] = []
        if self.site is not None:
            parts.append(f"site {self.site!r}")
        if self.parameter is not None:
            parts.append(f"parameter {self.parameter!r}")
        return ", ".join(parts) if parts else "model"


class ModelCheckError(Exception):
    """Raised by `ModelReport.raise_for_problems` when a report has problems;
    its message lists them, and `report` holds the whole report."""

    report: ModelReport

    def __init__(self, report: ModelReport) -> None:
        super().__init__(report.problems_text())
        self.report = report


@dataclasses.dataclass(frozen=True)
class ModelReport:
    """What `check_model` found: every sample site, and every problem.

    Printed (`str(report)`) it is a table of the sites followed by the
    problems and their fixes; in a notebook it shows as an HTML table.
    """

    sites: tuple[SiteInfo, ...]
    problems: tuple[Problem, ...]
    model: str = "model"

    @property
    def ok(self) -> bool:
        """Whether no problem was found."""
        return not self.problems

    def raise_for_problems(self) -> None:
        """**Raises:** `ModelCheckError` listing the problems, if any."""
        if self.problems:
            raise ModelCheckError(self)

    def site(self, name: str) -> SiteInfo:
        """The site called `name`. **Raises:** `KeyError` if there is none."""
        for site in self.sites:
            if site.name == name:
                return site
        raise KeyError(name)

    def problems_at(self, site: str) -> tuple[Problem, ...]:
        """The problems found at the site called `site`."""
        return tuple(p for p in self.problems if p.site == site)

    def problems_text(self) -> str:
        """The problems and their fixes, numbered, as plain text."""
        if not self.problems:
            return f"{self.model}: no problems found."
        lines = [f"{self.model}: {_count(len(self.problems), 'problem')}"]
        for number, problem in enumerate(self.problems, 1):
            lines.append(f"{number}. {problem.where()} [{problem.kind}]")
            lines.extend(_indent(problem.message, "   "))
            lines.extend(_indent(f"fix: {problem.fix}", "   "))
        return "\n".join(lines)

    def __str__(self) -> str:
        header = (
            f"check_model({self.model}): {_count(len(self.sites), 'sample site')}, "
            f"{_count(len(self.problems), 'problem')}"
        )
        rows = [_row(site, self) for site in self.sites]
        table = _text_table(_COLUMNS, rows)
        return f"{header}\n\n{table}\n\n{self.problems_text()}"

    def _repr_html_(self) -> str:
        escape = html.escape
        head = "".join(f"<th>{escape(c)}</th>" for c in _COLUMNS)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
            for row in (_row(site, self) for site in self.sites)
        )
        items = "".join(
            f"<li><b>{escape(p.where())}</b> <code>{escape(p.kind)}</code><br>"
            f"<pre>{escape(p.message)}</pre><i>fix:</i> {escape(p.fix)}</li>"
            for p in self.problems
        )
        problems = f"<ol>{items}</ol>" if items else "<p>No problems found.</p>"
        return (
            f"<div><p><b>check_model({escape(self.model)})</b>: "
            f"{_count(len(self.sites), 'sample site')}, "
            f"{_count(len(self.problems), 'problem')}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"{problems}</div>"
        )


_COLUMNS = (
    "site",
    "distribution",
    "observed",
    "parameters",
    "value",
    "log density",
    "problems",
)


def _row(site: SiteInfo, report: ModelReport) -> tuple[str, ...]:
    parameters = ", ".join(
        f"{p.name} {_shaped(p.dtype, p.shape)}" for p in site.parameters
    )
    name = site.distribution + ("" if site.checked else " (unchecked)")
    density = "?" if site.log_density is None else f"{site.log_density:.6g}"
    found = len(report.problems_at(site.name))
    return (
        site.name,
        name,
        "yes" if site.observed else "no",
        parameters or "-",
        _shaped(site.value_dtype, site.value_shape),
        density,
        str(found) if found else "-",
    )


def _text_table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [
        max([len(c)] + [len(row[i]) for row in rows]) for i, c in enumerate(columns)
    ]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    rule = tuple("-" * w for w in widths)
    return "\n".join([line(columns), line(rule), *(line(r) for r in rows)])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _indent(text: str, prefix: str) -> list[str]:
    return [prefix + line for line in text.splitlines()]


def _shaped(dtype: str, shape: tuple[int, ...]) -> str:
    if dtype.endswith("(Python)"):
        return dtype
    return f"{dtype}[{','.join(map(str, shape))}]"


# ---------------------------------------------------------------------------
# Reading a site


def _dtype_of(value: object) -> tuple[str, tuple[int, ...]]:
    """`("float32", (3,))`, `("float (Python)", ())`, or `("object", ())`.

    A NumPy array is given the dtype JAX computes it in (float64 is float32
    unless x64 is on)."""
    if isinstance(value, bool | int | float | complex):
        return f"{type(value).__name__} (Python)", ()
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return type(value).__name__, ()
    shape = tuple(np.shape(cast(Any, value)))
    if dtype == jax.dtypes.float0:
        return "float0", shape
    return str(jax.dtypes.canonicalize_dtype(dtype)), shape


def _unexpanded(fn: Distribution) -> Distribution:
    """`fn` without the expansions plates (or `.expand`) put around it."""
    while isinstance(fn, ExpandedDistribution):
        fn = fn.base_dist
    return fn


def _inner(fn: Distribution, own: bool) -> Iterator[tuple[str, Distribution]]:
    """The inner distributions `fn` holds (a base, components), by name.

    With `own` (`fn` stores parameters of its own), private ones (a
    `HalfNormal`'s `_normal`) are how NumPyro computes, and are left out."""
    for attribute, value in vars(fn).items():
        if attribute == "_numpyro":  # a typed distribution's NumPyro instance
            continue
        if own and attribute.startswith("_"):
            continue
        name = attribute.lstrip("_")
        if isinstance(value, Distribution):
            yield name, value
        elif isinstance(value, list | tuple):
            items = cast(list[object] | tuple[object, ...], value)
            for index, item in enumerate(items):
                if isinstance(item, Distribution):
                    yield f"{name}[{index}]", item


Parameter: TypeAlias = tuple[str, object, "constraints.Constraint[Any] | None"]


def _walk(fn: Distribution, prefix: str, seen: set[int]) -> tuple[str, list[Parameter]]:
    """The distribution's name (with its inner ones) and each parameter it
    holds: its NumPyro `arg_constraints` that it stored (not the ones
    computed on demand), with the constraint, then its inner distributions'
    parameters, dotted. A value already listed (a `LogNormal`'s `loc`, which
    its base `Normal` holds too) is listed once; an inner distribution that
    adds no parameter of its own is not named."""
    fn = _unexpanded(fn)
    stored = vars(fn)
    found: list[Parameter] = []
    for name, constraint in fn.arg_constraints.items():
        if name in stored:
            value = stored[name]
            if id(value) not in seen:
                seen.add(id(value))
                found.append((prefix + name, value, constraint))
    names: list[str] = []
    for name, inner in _inner(fn, bool(found)):
        inner_name, inner_found = _walk(inner, f"{prefix}{name}.", seen)
        if inner_found or not found:
            names.append(inner_name)
        found.extend(inner_found)
    title = type(fn).__name__
    return (f"{title}({', '.join(names)})" if names else title), found


def _concrete(value: object) -> np.ndarray | None:
    """`value` as a NumPy array, or `None` if traced or not numeric."""
    if is_tracer(value):
        return None
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return None
    if array.dtype == object or dtype_kind(array.dtype) in ("float0", "other"):
        return None
    return array


def _first(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _element(array: np.ndarray, index: tuple[int, ...]) -> str:
    try:
        item = array[index]
    except IndexError:
        return ""
    if np.ndim(item) == 0:
        return f" ({_number(item)})"
    return ""


def _number(item: object) -> str:
    value = np.asarray(item).item()
    if not isinstance(value, float):
        return repr(value)
    text = f"{value:.6g}"
    return text if any(c in text for c in ".ein") else f"{text}.0"


def _where(bad: np.ndarray, array: np.ndarray) -> str:
    """`at 2 of 5 elements, the first at index (3,) (-1.0)`, or `(-1.0)`."""
    if bad.ndim == 0:
        return f"({_number(array)})"
    first = _first(bad)
    return (
        f"at {int(bad.sum())} of {bad.size} elements, the first at index "
        f"{first}{_element(array, first)}"
    )


_POSITIVE_FIX = (
    "Give the latent site it comes from a prior with positive support "
    "(`HalfNormal`, `LogNormal`, `Exponential`), or map it with `jnp.exp` "
    "or `jax.nn.softplus`."
)


def _constraint_fix(
    constraint: constraints.Constraint[Any], name: str, source: str | None
) -> str:
    origin = f" It is the value of site {source!r}." if source else ""
    text = repr(constraint)
    if "Positive" in text or "GreaterThan" in text:
        return f"Make `{name}` positive.{origin} {_POSITIVE_FIX}"
    if "UnitInterval" in text or "Interval" in text:
        return (
            f"Keep `{name}` inside {text}.{origin} Give the latent site a prior on "
            "that interval (`Beta`, `Uniform`), or map it with `jax.nn.sigmoid`."
        )
    if "Simplex" in text:
        return (
            f"Make `{name}` sum to 1 along its last axis, e.g. "
            f"`jax.nn.softmax(...)`.{origin}"
        )
    return f"Make `{name}` satisfy {text}.{origin}"


@dataclasses.dataclass
class _Run:
    """What the recorder collects while the model runs."""

    sites: list[SiteInfo] = dataclasses.field(default_factory=list[SiteInfo])
    problems: list[Problem] = dataclasses.field(default_factory=list[Problem])
    widths: dict[str, list[str]] = dataclasses.field(
        default_factory=dict[str, list[str]]
    )
    """Each float width met, and the sites that use it."""
    values: dict[int, str] = dataclasses.field(default_factory=dict[int, str])
    """`id` of each site's value, and the site, to name where a parameter
    came from."""
    kept: list[object] = dataclasses.field(default_factory=list[object])
    """The values whose `id` is in `values`, kept alive for the run."""
    contents: dict[tuple[str, bytes], str] = dataclasses.field(
        default_factory=dict[tuple[str, bytes], str]
    )
    """The elements of each latent site's value, and the site: NumPyro
    reshapes a parameter (`promote_shapes`) into a new array."""

    def remember(self, site: str, value: object, observed: bool) -> None:
        """Keep where `value` came from, to name it in a fix."""
        if isinstance(value, bool | int | float | complex):
            return
        self.values[id(value)] = site
        self.kept.append(value)
        array = _concrete(value)
        if not observed and array is not None and 0 < array.size <= _REMEMBERED:
            self.contents.setdefault(_content(array), site)

    def origin(self, argument: object, array: np.ndarray) -> str | None:
        """The latent site whose value `argument` is (or holds reshaped)."""
        site = self.values.get(id(argument))
        if site is None and array.size <= _REMEMBERED:
            site = self.contents.get(_content(array))
        return site

    def add(
        self,
        kind: ProblemKind,
        site: str | None,
        parameter: str | None,
        message: str,
        fix: str,
    ) -> None:
        self.problems.append(Problem(kind, site, parameter, message, fix))

    def width(self, site: str, value: object) -> None:
        if isinstance(value, bool | int | float | complex) or is_tracer(value):
            return
        if getattr(value, "weak_type", False):
            return  # a Python number JAX keeps weakly typed: takes any width
        dtype = getattr(value, "dtype", None)
        if dtype is None or dtype_kind(np.dtype(dtype)) != "float":
            return
        # What JAX computes in: NumPy float64 is float32 without x64.
        name = str(jax.dtypes.canonicalize_dtype(dtype))
        sites = self.widths.setdefault(name, [])
        if site not in sites:
            sites.append(site)


_REMEMBERED = 4096
"""The size of the largest value whose elements `_Run` compares."""


def _content(array: np.ndarray) -> tuple[str, bytes]:
    return array.dtype.str, np.ascontiguousarray(array).tobytes()


def _split(message: str) -> tuple[str, str]:
    """A typed error's message: what happened, and (its last line, if it has
    more than one) the fix."""
    head, _, tail = message.rpartition("\n")
    return (head, tail) if head else (tail, "")


class _Recorder(Messenger):
    """Reads each sample site after its value is known (see `_Run`)."""

    def __init__(self, fn: Callable[..., Any], run: _Run) -> None:
        self.run = run
        super().__init__(fn)

    def postprocess_message(self, msg: dict[str, Any]) -> None:
        if msg["type"] != "sample":
            return
        try:
            self._site(msg)
        except Exception as error:  # reported, never raised
            self.run.add(
                "model-error",
                msg.get("name"),
                None,
                f"checking this site raised {type(error).__name__}: {error}",
                "Report this to typed_dists with the model, please.",
            )

    def _site(self, msg: dict[str, Any]) -> None:
        run = self.run
        name: str = msg["name"]
        fn: Distribution = msg["fn"]
        value = msg["value"]
        observed = bool(msg.get("is_observed"))
        described, parameters = _walk(fn, "", set())

        checked = False
        try:
            checked = is_typed(to_typed(fn))
        except (ParameterTypeError, ParameterValueError) as error:
            checked = True
            head, fix = _split(str(error))
            kind: ProblemKind = (
                "parameter-type"
                if isinstance(error, ParameterTypeError)
                else "parameter-value"
            )
            run.add(kind, name, error.parameter, head, fix or _TYPE_FIX)

        for parameter, argument, constraint in parameters:
            run.width(name, argument)
            self._parameter(name, parameter, argument, constraint)

        run.width(name, value)
        array = _concrete(value)
        if array is not None:
            self._support(name, fn, observed, value, array)
        density = self._density(name, msg, fn, value)

        value_dtype, value_shape = _dtype_of(value)
        run.sites.append(
            SiteInfo(
                name=name,
                distribution=described,
                observed=observed,
                checked=checked,
                parameters=tuple(
                    ParameterInfo(p, *_dtype_of(a)) for p, a, _ in parameters
                ),
                value_dtype=value_dtype,
                value_shape=value_shape,
                log_density=density,
            )
        )
        run.remember(name, value, observed)

    def _parameter(
        self,
        site: str,
        name: str,
        argument: object,
        constraint: constraints.Constraint[Any] | None,
    ) -> None:
        run = self.run
        array = _concrete(argument)
        if array is None or array.size == 0:
            return
        source = run.origin(argument, array)
        if dtype_kind(array.dtype) == "float":
            bad = ~np.isfinite(array)
            if bad.any():
                origin = f" It is the value of site {source!r}." if source else ""
                run.add(
                    "non-finite-parameter",
                    site,
                    name,
                    f"`{name}` is NaN or infinite {_where(bad, array)}.",
                    "Find where the model computes it (a log or a division of "
                    f"zero, an overflow in `exp`).{origin} "
                    "`jax.config.update('jax_debug_nans', True)` stops at the "
                    "first NaN.",
                )
                return
        if constraint is None or is_dependent(constraint):
            return
        if array.ndim < constraint.event_dim:
            return
        try:
            valid = evaluate_constraint(site, name, constraint, array)
        except ParameterValueError:
            return
        if valid is None or valid.all():
            return
        run.add(
            "parameter-constraint",
            site,
            name,
            f"`{name}` violates {constraint!r} {_where(~valid, array)}.",
            _constraint_fix(constraint, name, source),
        )

    def _support(
        self,
        site: str,
        fn: Distribution,
        observed: bool,
        value: object,
        array: np.ndarray,
    ) -> None:
        # NumPyro declares `support` without its type argument.
        support: constraints.Constraint[Any] | None = cast(Any, fn.support)
        if support is None or is_dependent(support):
            return
        try:
            valid = evaluate_constraint(site, "value", support, array)
        except ParameterValueError:
            return
        if valid is None or valid.all():
            return
        where = "observed" if observed else "given"
        fix = (
            "Correct or drop those observations, or model them with a "
            "distribution whose support contains them."
            if observed
            else "Give a value inside the support in `params`."
        )
        self.run.add(
            "value-support",
            site,
            None,
            f"The {where} value is outside the support {support!r} "
            f"{_where(~valid, array)}.",
            fix,
        )

    def _density(
        self, site: str, msg: dict[str, Any], fn: Distribution, value: object
    ) -> float | None:
        try:
            log_prob = np.asarray(fn.log_prob(cast(Any, value)))
        except Exception as error:  # reported, never raised
            self.run.add(
                "log-density",
                site,
                None,
                f"`log_prob` of the site's value raised {type(error).__name__}: "
                f"{error}",
                "Check that the value's shape fits the distribution's batch "
                "and event shapes.",
            )
            return None
        mask = msg.get("mask")
        if mask is not None and not is_tracer(mask):
            counted = np.broadcast_to(np.asarray(mask), log_prob.shape)
        else:
            counted = np.ones(log_prob.shape, bool)
        total = float(np.sum(log_prob, where=counted))
        bad = ~np.isfinite(log_prob) & counted
        if not bad.any():
            return total
        nan = np.isnan(log_prob) & counted
        what = (
            "NaN"
            if nan.all() == bad.all() and nan.sum() == bad.sum()
            else ("-inf" if (log_prob[bad] == -np.inf).all() else "-inf, inf or NaN")
        )
        earlier = [p for p in self.run.problems if p.site == site]
        cause = (
            "It follows from the problems above at this site; fix them first."
            if earlier
            else "Look for values where the density is zero or undefined: a "
            "value on the edge of the support (0 for a `LogNormal`, 1 for a "
            "`Beta`), a scale of 0, a parameter that overflows."
        )
        self.run.add(
            "log-density",
            site,
            None,
            f"The log density is {what} {_where(bad, log_prob)}: NUTS and SVI "
            "cannot start from this point (NumPyro's \"Cannot find valid "
            'initial parameters").',
            cause,
        )
        return total


_TYPE_FIX = "Check the kind, dtype and shape of what the model passes."


def check_model(
    model: Callable[..., Any],
    *args: Any,
    rng_seed: int = 0,
    params: Mapping[str, Any] | None = None,
    init_strategy: Callable[..., Any] | None = None,
    **kwargs: Any,
) -> ModelReport:
    """Run a NumPyro model once and report every sample site and its problems.

    The model is unchanged: written with `numpyro.distributions` or with
    typed_dists. It runs once, seeded with `rng_seed`, with NumPyro's value
    validation off so that it runs through; each sample site's distribution
    goes through its typed constructor, and its values are checked:

    - integer, bool, complex and float0 parameters, and parameters whose
      shapes do not fit (the typed constructor's checks);
    - NaN, infinite or out-of-constraint parameter values;
    - observed values outside the support (how many, and the first index);
    - sites whose log density is `-inf` or NaN at the point: the cause of
      NumPyro's "Cannot find valid initial parameters";
    - float widths that differ between sites.

    The latent sites take values drawn from their priors; `params` gives
    some or all of them instead (by site name), and `init_strategy` (one of
    NumPyro's, e.g. `numpyro.infer.init_to_uniform`, what NUTS starts from
    by default) chooses the others as NUTS would.

    A problem the report can hold is never raised: a model that raises is
    reported (`"model-error"`) with the sites before the error. A model
    argument called `rng_seed`, `params` or `init_strategy` is passed with
    `functools.partial`.

    **Returns:** a `ModelReport`; `report.ok`, `report.raise_for_problems()`,
    `print(report)` (or show it in a notebook).
    """
    run = _Run()
    fn: Callable[..., Any] = handlers.seed(model, rng_seed=rng_seed)
    if init_strategy is not None:
        fn = handlers.substitute(fn, substitute_fn=init_strategy)
    if params is not None:
        fn = handlers.substitute(fn, data=dict(params))
    recorder = _Recorder(fn, run)
    name = getattr(model, "__name__", type(model).__name__)
    with numpyro.validation_enabled(False):
        try:
            recorder(*args, **kwargs)
        except (ParameterTypeError, ParameterValueError) as error:
            _model_parameter_error(run, error)
        except Exception as error:  # reported, never raised
            after = f" after site {run.sites[-1].name!r}" if run.sites else ""
            run.add(
                "model-error",
                None,
                None,
                f"The model raised {type(error).__name__}{after}: {error}",
                "Fix this first: the sites after it were not checked.",
            )
    _widths(run)
    return ModelReport(tuple(run.sites), tuple(run.problems), name)


def _model_parameter_error(
    run: _Run, error: ParameterTypeError | ParameterValueError
) -> None:
    """A typed distribution the model builds itself rejected its arguments."""
    after = f" (after site {run.sites[-1].name!r})" if run.sites else ""
    head, fix = _split(str(error))
    kind: ProblemKind = (
        "parameter-type" if isinstance(error, ParameterTypeError) else "parameter-value"
    )
    run.add(
        kind,
        None,
        error.parameter,
        f"The model built a typed distribution that rejected its arguments"
        f"{after}: {head}",
        (fix or _TYPE_FIX) + " The sites after it were not checked.",
    )


def _widths(run: _Run) -> None:
    if len(run.widths) < 2:
        return
    uses = "; ".join(
        f"{width} at {', '.join(repr(s) for s in sites)}"
        for width, sites in sorted(run.widths.items())
    )
    run.add(
        "float-widths",
        None,
        None,
        f"Sites compute in different float widths: {uses}.",
        "Build every parameter and observation in one width, e.g. "
        "`x.astype(jnp.float32)` (or float64 throughout, with "
        "`jax.config.update('jax_enable_x64', True)`).",
    )
