"""What differs between supported NumPyro releases, declared in one place.

`typed_dists._core._versions` lists the typed names that wrap distributions
NumPyro added after the oldest supported release. On every release the nox
matrix runs (NumPyro 0.20, 0.21 and the newest), these tests check that the
declaration matches the installed NumPyro, that the names exist exactly when
it has them, and what reading a missing one says.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil

import numpyro
import numpyro.distributions as nd
import pytest
from numpyro.distributions import discrete

import typed_dists as td
import typed_dists._families
from typed_dists._core import _versions

FAMILIES = [
    importlib.import_module(f"typed_dists._families.{module.name}")
    for module in pkgutil.iter_modules(typed_dists._families.__path__)
]


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3])


INSTALLED = _release(numpyro.__version__)


@pytest.mark.parametrize(
    "feature", _versions.NUMPYRO_FEATURES, ids=lambda f: f.description
)
def test_feature_is_present_exactly_from_its_release(
    feature: _versions.NumPyroFeature,
) -> None:
    """The declared first release agrees with the installed NumPyro: it has
    the feature if and only if it is that release or newer."""
    assert feature.present == (_release(feature.since) <= INSTALLED), (
        f"NumPyro {numpyro.__version__}: {feature.description} declared since "
        f"{feature.since}, present={feature.present}"
    )


@pytest.mark.parametrize(
    "feature", _versions.NUMPYRO_FEATURES, ids=lambda f: f.description
)
def test_typed_names_exist_exactly_when_numpyro_has_them(
    feature: _versions.NumPyroFeature,
) -> None:
    for name in feature.typed_names:
        assert hasattr(td, name) == feature.present, name
        assert (name in td.__all__) == feature.present, name
        assert hasattr(nd, name) == feature.present, name  # NumPyro's own name


def test_every_exported_name_is_defined() -> None:
    """`from typed_dists import *` works on every release: each family's
    run-time `__all__` names only what it defined."""
    for family in FAMILIES:
        for name in family.__all__:
            assert hasattr(family, name), (family.__name__, name)
    namespace: dict[str, object] = {}
    exec("from typed_dists import *", namespace)
    assert set(td.__all__) <= set(namespace)


def test_every_numpyro_name_of_this_release_has_a_counterpart() -> None:
    assert [n for n in nd.__all__ if not hasattr(td, n)] == []


def test_names_numpyro_exports_later_work_on_every_release() -> None:
    """`NegativeBinomial` and the zero-inflated classes are in NumPyro's
    submodules on every supported release (exported from
    `numpyro.distributions` since 0.22): typed_dists has them on all."""
    assert isinstance(td.NegativeBinomial(3.0, logits=0.5), td.NegativeBinomialLogits)
    inflated = td.ZeroInflatedDistribution(nd.Poisson(2.0), gate=0.3)
    assert type(inflated) is td.ZeroInflatedProbs
    assert isinstance(inflated, discrete.ZeroInflatedProbs)


def test_reading_a_name_this_numpyro_lacks_says_which_release_it_needs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Simulated with a feature no NumPyro has, so that the message is
    checked on every release (on NumPyro 0.20 and 0.21 the hurdle names are
    really missing, and the same function builds their error)."""
    feature = _versions.NumPyroFeature(
        "imaginary distributions", "9.0.0", "NoSuchDistribution", ("Imaginary",)
    )
    monkeypatch.setitem(_versions._NEEDS, "Imaginary", feature)  # pyright: ignore[reportPrivateUsage]
    with pytest.raises(AttributeError) as info:
        td.Imaginary  # type: ignore[attr-defined]  # noqa: B018
    message = str(info.value)
    assert "typed_dists.Imaginary needs NumPyro >= 9.0.0" in message
    assert "imaginary distributions" in message
    assert f"NumPyro {importlib.metadata.version('numpyro')}" in message
    assert "pip install 'numpyro>=9.0.0'" in message
    for feature in _versions.NUMPYRO_FEATURES:
        for name in feature.typed_names:
            if not feature.present:
                with pytest.raises(AttributeError, match=f"NumPyro >= {feature.since}"):
                    getattr(td, name)


def test_other_missing_names_get_pythons_message() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nromal'"):
        td.Nromal  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(td, "Nromal")
