"""What differs between the NumPyro releases typed_dists supports.

typed_dists supports NumPyro 0.20 and newer (see `pyproject.toml`). Some
NumPyro distributions are newer than that: their typed counterparts exist
only when the installed NumPyro has them. This module is the one place that
knows which: each `NumPyroFeature` names the NumPyro release that added a
group of distributions, the typed names that wrap them, and whether the
installed NumPyro has them (feature-detected, never read from a version
string).

The family modules define a feature's classes under its flag
(`if TYPE_CHECKING or HAS_HURDLE:`): type checkers always see the whole API,
and at run time a name the installed NumPyro lacks is absent from
`typed_dists` and its `__all__`. Reading it raises `AttributeError` saying
which NumPyro release it needs (`missing_name_error`).

Names NumPyro had before it exported them from `numpyro.distributions`
(`NegativeBinomial` and `ZeroInflatedProbs`/`ZeroInflatedLogits`, exported
since 0.22) are imported from their public modules
(`numpyro.distributions.conjugate`, `numpyro.distributions.discrete`), which
have them on every supported release.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import version
from typing import Final, NamedTuple

import numpyro.distributions as nd

__all__ = [
    "HAS_HURDLE",
    "HAS_TRUNCATED_GAMMA",
    "NUMPYRO_FEATURES",
    "NumPyroFeature",
    "available",
    "missing_name_error",
    "needs_numpyro",
]


class NumPyroFeature(NamedTuple):
    """A group of NumPyro distributions that not every supported NumPyro has."""

    description: str
    since: str  # the first NumPyro release that has it
    detect: str  # the name `numpyro.distributions` exports when it has it
    typed_names: tuple[str, ...]  # what typed_dists defines for it

    @property
    def present(self) -> bool:
        """Whether the installed NumPyro has this feature."""
        return hasattr(nd, self.detect)


HURDLE: Final = NumPyroFeature(
    "hurdle models",
    "0.22.0",
    "HurdleProbs",
    (
        "HurdleDistribution",
        "HurdleGamma",
        "HurdleLogNormal",
        "HurdleLogits",
        "HurdleNegativeBinomial2",
        "HurdlePoisson",
        "HurdleProbs",
    ),
)
TRUNCATED_GAMMA: Final = NumPyroFeature(
    "truncated Gamma distributions",
    "0.22.0",
    "LeftTruncatedGamma",
    (
        "LeftTruncatedGamma",
        "RightTruncatedGamma",
        "TruncatedGamma",
        "TwoSidedTruncatedGamma",
    ),
)

NUMPYRO_FEATURES: Final = (HURDLE, TRUNCATED_GAMMA)
"""Every group of typed names that needs a NumPyro newer than the oldest
supported one."""

HAS_HURDLE: Final = HURDLE.present
HAS_TRUNCATED_GAMMA: Final = TRUNCATED_GAMMA.present

_NEEDS: Final[Mapping[str, NumPyroFeature]] = {
    name: feature for feature in NUMPYRO_FEATURES for name in feature.typed_names
}


def needs_numpyro(name: str) -> str | None:
    """The NumPyro release a typed name needs, or `None` when every supported
    release has it."""
    feature = _NEEDS.get(name)
    return None if feature is None else feature.since


def available(names: list[str], namespace: Mapping[str, object]) -> list[str]:
    """`names` without those a family module did not define on this NumPyro
    (its run-time `__all__`)."""
    return [name for name in names if name in namespace]


def missing_name_error(module: str, name: str) -> AttributeError:
    """The error for reading `name` from `module` when it is not there: for a
    typed name the installed NumPyro is too old for, which release it needs
    and how to get it; otherwise Python's usual message."""
    feature = _NEEDS.get(name)
    if feature is None or feature.present:
        return AttributeError(f"module {module!r} has no attribute {name!r}")
    return AttributeError(
        f"typed_dists.{name} needs NumPyro >= {feature.since} (it wraps NumPyro's "
        f"{feature.description}); this environment has NumPyro "
        f"{version('numpyro')}. Upgrade NumPyro "
        f"(`pip install 'numpyro>={feature.since}'`) to use it."
    )
