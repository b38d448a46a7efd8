"""The canary: every name typed_dists takes from beyond a public API.

`typed_dists._core._meta.UPSTREAM_NAMES` lists them. When a release of JAX,
NumPyro or Equinox removes one, the test for it fails and says which name is
gone and what typed_dists now does instead; the fallback tests show that
typed_dists then still works through the public path.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
import pytest

import typed_dists as td
from typed_dists._core import _meta
from typed_dists._core._versions import HAS_HURDLE
from typed_dists._policy import _dtypes

SOURCE = Path(td.__file__).parent
DESIGN = Path(__file__).parents[2] / "docs" / "design.md"


def _resolve(dotted: str) -> object:
    """The object `dotted` names (a module path, then attributes); `None`
    when any part is missing."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            found = getattr(found, attribute, None)
            if found is None:
                return None
        return found
    return None


@pytest.mark.parametrize("entry", _meta.UPSTREAM_NAMES, ids=lambda e: e.name)
def test_upstream_name_is_still_there(entry: _meta.UpstreamName) -> None:
    if not entry.needed:
        # The installed release predates what the name serves (a NumPyro
        # before 0.22 has no hurdle models): neither used nor there.
        assert _resolve(entry.name) is None, entry.name
        assert not entry.present, entry.name
        return
    missing = (
        f"{entry.library} no longer has {entry.name} (used for: {entry.why}). "
        f"typed_dists now falls back to: {entry.fallback}."
    )
    assert _resolve(entry.name) is not None, missing
    assert entry.present, missing


# Reaches into another library's private names: a dotted path with a part
# that starts with an underscore, or such a name imported from it.
_PRIVATE = re.compile(
    r"\b(?:jax|jaxlib|numpyro|equinox|jaxtyping|beartype)(?:\.\w+)*\._[a-zA-Z]\w*"
    r"|^\s*from\s+(?:jax|jaxlib|numpyro|equinox|jaxtyping|beartype)[\w.]*\s+"
    r"import\s+\(?\s*_[a-zA-Z]",
    re.MULTILINE,
)


def test_private_names_are_read_in_one_module_only() -> None:
    """Outside `_core/_meta.py`, the source names no private module or name of
    another library (the listed names are all read there)."""
    offenders = [
        f"{path.relative_to(SOURCE)}: {match.group(0).strip()}"
        for path in sorted(SOURCE.rglob("*.py"))
        if path.name != "_meta.py"
        for match in _PRIVATE.finditer(path.read_text())
    ]
    assert offenders == []
    listed = {entry.name for entry in _meta.UPSTREAM_NAMES}
    meta = (SOURCE / "_core" / "_meta.py").read_text()
    for match in re.finditer(r'"((?:jax|numpyro|equinox)[\w.]*)", "(_?\w+)"', meta):
        assert f"{match.group(1)}.{match.group(2)}" in listed


def test_the_design_page_lists_every_name() -> None:
    page = DESIGN.read_text()
    for entry in _meta.UPSTREAM_NAMES:
        assert f"| {entry.library} | `{entry.name}` |" in page, entry.name


# --- The fallbacks: each name gone, typed_dists still right ------------------


def test_without_numpyros_coercion_hooks_construction_takes_the_public_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_meta, "_COERCIONS", None)
    d = td.Normal(jnp.zeros(2), 2.0)
    assert float(d.log_prob(jnp.ones(2))[0]) == pytest.approx(
        float(nd.Normal(0.0, 2.0).log_prob(1.0)), rel=1e-6
    )
    with pytest.raises(td.ParameterTypeError, match="`scale`"):
        td.Normal(0.0, jnp.ones(2, dtype=jnp.int32))


def test_without_lazy_property_lazy_attributes_are_still_recognised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lazy = nd.MultivariateNormal.__dict__["covariance_matrix"]
    assert _meta.is_lazy_attribute(lazy)
    monkeypatch.setattr(_meta, "_lazy_property", None)
    assert _meta.is_lazy_attribute(lazy)
    assert not _meta.is_lazy_attribute(nd.Normal.log_prob)
    assert not _meta.is_lazy_attribute(nd.Normal.__dict__["mean"])  # a property


def test_without_numpyros_validation_attribute_validation_still_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = _meta.numpyro_default_validation()
    monkeypatch.setattr(_meta, "_HAS_VALIDATE", False)
    assert _meta.numpyro_default_validation() == expected
    with pytest.raises(td.ParameterValueError, match="`scale`"):
        td.Normal(0.0, -1.0, validate_args=True)
    d = td.HalfNormal(1.0, validate_args=True)
    with pytest.warns(UserWarning, match="Out-of-support"):
        d.log_prob(-1.0)
    typed = td.from_numpyro(nd.Normal(0.0, 1.0))
    assert isinstance(typed, td.Normal)
    assert typed.loc.dtype == jnp.float32


def test_hurdle_negative_binomial2_class_is_the_factorys() -> None:
    base: object = _meta.HurdleNegativeBinomial2Base
    if not HAS_HURDLE:  # NumPyro 0.20 and 0.21 have no hurdle models
        assert base is None
        assert not hasattr(nd, "HurdleNegativeBinomial2")
        return
    built = nd.HurdleNegativeBinomial2(0.5, 1.0, 1.0)
    assert base is type(built.base_dist)


def test_without_jaxs_trace_state_python_numbers_are_made_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_meta, "_trace_state_clean", None)
    assert _meta.trace_state_clean() is None
    first = _dtypes.as_float_dtype(0.25, np.dtype(np.float32))
    second = _dtypes.as_float_dtype(0.25, np.dtype(np.float32))
    assert first is not second  # not from the cache
    assert float(first) == 0.25

    @jax.jit
    def scored(x: Any) -> Any:
        return td.Normal(0.25, 1.0).log_prob(x)

    assert float(scored(0.0)) == pytest.approx(
        float(nd.Normal(0.25, 1.0).log_prob(0.0)), rel=1e-6
    )
