"""The coverage table: every NumPyro distribution name and its typed counterpart.

Generated from the code: NumPyro's `numpyro.distributions.__all__`, the typed
classes' declarations (their parameters and annotations) and the generated
parity suite's checks and exclusions (`tests/helpers/generate.py`). Write it to
`docs/coverage.md` with

    python -m tools.coverage

`tests/docs/test_coverage.py` fails when the page is out of date, or when NumPyro
exports a name with neither a counterpart nor a reason in `NOT_WRAPPED`.
"""

from __future__ import annotations

import inspect
import re
import tomllib
import typing
from pathlib import Path
from typing import Any

import numpyro
import numpyro.distributions as nd

import typed_dists as td
from helpers.generate import GENERATED, Generated
from typed_dists._core._record import record_of
from typed_dists._core._versions import needs_numpyro

PAGE = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"
PYPROJECT = PAGE.parent.parent / "pyproject.toml"

NOT_WRAPPED: dict[str, str] = {}
"""NumPyro names with no typed counterpart, and why (none at present)."""

REEXPORTED = {
    "Distribution": (
        "NumPyro's base class, re-exported: every typed class is a subclass, "
        "so `isinstance(x, typed_dists.Distribution)` holds for typed and "
        "NumPyro distributions alike"
    ),
    "biject_to": (
        "NumPyro's function, re-exported: it works on typed distributions' "
        "`support` unchanged"
    ),
    "constraints": (
        "NumPyro's module, re-exported: typed distributions use NumPyro's constraints"
    ),
    "transforms": (
        "NumPyro's module, re-exported: its transforms work with typed "
        "distributions (e.g. in `TransformedDistribution`)"
    ),
    "kl_divergence": (
        "NumPyro's function, re-exported: a typed distribution is an instance "
        "of the NumPyro class it wraps, so NumPyro's KL rules apply to it"
    ),
}
"""NumPyro names typed_dists re-exports unchanged (they are not distributions)."""

# The generated suite's checks, as (name, SKIPS key, applies to).
CHECKS: list[tuple[str, str]] = [
    ("signature", ""),
    ("shapes", ""),
    ("compiled program", ""),
    ("mean", "mean"),
    ("variance", "variance"),
    ("int32/float0 rejected", "floats"),
    ("pytree/jit", ""),
    ("vmap", "vmap"),
    ("gradients", "grad"),
    ("#1876 int value", "discrete"),
    ("NumPyro base checked", "bases"),
]


def _annotation(hint: Any) -> str:
    """An annotation as short text: `Distribution`, `tuple[int, ...]`, ..."""
    text = str(hint) if not isinstance(hint, type) else hint.__qualname__
    text = text.replace("<class '", "").replace("'>", "")
    text = re.sub(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)", r"\1", text)
    return text.replace("|", "\\|")


def _parameters(cls: type[Any]) -> str:
    hints = typing.get_type_hints(cls.__init__, include_extras=True)
    parts = []
    for name in list(inspect.signature(cls.__init__).parameters)[1:]:
        if name == "validate_args":
            continue
        hint = hints.get(name, Any)
        specs = {s.name: s for s in record_of(cls).parameters}
        if name in specs:
            spec = specs[name]
            dtype = {"float": "Float", "int": "Int", "bool": "Bool"}[spec.kind]
            dims = " \\| ".join(repr(d) for d in spec.dims)
            text = f"{dtype}[{dims}]"
            if spec.optional:
                text += " or None"
        else:
            text = _annotation(hint)
        parts.append(f"`{name}`: {text}")
    return "<br>".join(parts)


def _checks(cls: type[Any]) -> str:
    from helpers.generate import DISCRETE, WITH_BASES, WITH_FLOATS

    generated = [g for g in GENERATED if g.cls is cls]
    if not generated:
        return "not generated"
    g: Generated = generated[0]
    passed = []
    for name, key in CHECKS:
        if key == "floats" and g not in WITH_FLOATS:
            continue
        if key == "grad" and g not in WITH_FLOATS:
            continue
        if key == "discrete" and g not in DISCRETE:
            continue
        if key == "bases" and g not in WITH_BASES:
            continue
        if key in {"mean", "variance", "grad", "vmap", "discrete"}:
            skip_key = "grad" if key == "discrete" else key
            if g.skip_reason(skip_key):
                continue
        passed.append(name)
    return ", ".join(passed)


def oldest_numpyro() -> str:
    """The lower bound of typed_dists' NumPyro range (`pyproject.toml`)."""
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    for requirement in project["dependencies"]:
        found = re.fullmatch(r"numpyro>=([\w.]+)", requirement.replace(" ", ""))
        if found:
            return found.group(1)
    raise LookupError("typed_dists declares no lower bound for numpyro")


def _needs(name: str) -> str:
    """The NumPyro release a name's typed counterpart needs."""
    since = needs_numpyro(name)
    return oldest_numpyro() if since is None else f"**{since}**"


def rows() -> list[tuple[str, str, str, str, str]]:
    """(NumPyro name, typed counterpart, needs NumPyro, parameters, checks)
    for every name."""
    return [(a, b, _needs(a), c, d) for a, b, c, d in _rows()]


def _rows() -> list[tuple[str, str, str, str]]:
    out = []
    for name in nd.__all__:
        ours = getattr(td, name, None)
        if name in REEXPORTED:
            out.append((name, f"`typed_dists.{name}`", REEXPORTED[name], "-"))
        elif ours is None:
            reason = NOT_WRAPPED.get(name, "**missing, no reason given**")
            out.append((name, "-", reason, "-"))
        elif isinstance(ours, type):
            out.append((name, f"`{name}`", _parameters(ours), _checks(ours)))
        else:
            returns = typing.get_type_hints(ours).get("return", Any)
            out.append(
                (
                    name,
                    f"`{name}()` (factory)",
                    f"returns {_annotation(returns)}",
                    "signature",
                )
            )
    return out


def render() -> str:
    table = rows()
    typed = sum(1 for r in table if r[1] != "-")
    lines = [
        "# Coverage",
        "",
        "<!-- Generated by `python -m tools.coverage`; do not edit by hand. -->",
        "",
        f"Every name in `numpyro.distributions.__all__` of NumPyro "
        f"{numpyro.__version__}: **{typed} of {len(table)}** have a typed "
        "counterpart of the same name (distributions and factories) or are "
        "re-exported unchanged (functions and the base class).",
        "",
        "Parameters are listed with their runtime specification: `Float[...]`",
        "parameters are differentiable and promoted to one floating dtype,",
        "`Int[...]` parameters count things, `Bool[...]` parameters are",
        "indicators; the strings are jaxtyping shapes (`*#batch` broadcasts",
        "across parameters, named dimensions must agree). The checks are those",
        "of the generated parity suites that the distribution takes part in;",
        "every exclusion and its reason is printed at the end of each test run.",
        '"compiled program": every method (sampling, `log_prob`, `cdf`, `icdf`,',
        "moments, `mode`, `entropy`, `enumerate_support`) lowers to NumPyro's",
        "own program, and raises what NumPyro's raises where NumPyro has no",
        "implementation (`tests/core/test_compiled.py`); the others are in",
        "`tests/families/test_every_class.py` and `test_gradients.py`.",
        "",
        f"typed_dists supports NumPyro {oldest_numpyro()} and newer. A name",
        "that wraps a distribution NumPyro added later exists only with that",
        'NumPyro (in bold under "needs NumPyro"): on an older one, reading',
        "it raises `AttributeError` saying which release it needs.",
        "",
        "| NumPyro | typed_dists | needs NumPyro | parameters | parity checks passed |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [f"| `{a}` | {b} | {n} | {c} | {d} |" for a, b, n, c, d in table]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    PAGE.write_text(render())
    print(f"wrote {PAGE}")
