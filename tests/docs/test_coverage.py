"""Coverage of NumPyro's distribution names, and the generated coverage page."""

from __future__ import annotations

import numpyro.distributions as nd
from tools.coverage import NOT_WRAPPED, PAGE, REEXPORTED, render

import typed_dists as td
from helpers.versions import LATER_NAMES, needs_numpyro


def test_every_numpyro_name_has_a_counterpart_or_a_reason() -> None:
    missing = [
        name for name in nd.__all__ if not hasattr(td, name) and name not in NOT_WRAPPED
    ]
    assert missing == []


def test_reexported_names_are_numpyros() -> None:
    for name in REEXPORTED:
        assert getattr(td, name) is getattr(nd, name)


def test_counterparts_are_typed_and_wrap_the_same_name() -> None:
    for name in nd.__all__:
        if name in REEXPORTED or name in NOT_WRAPPED:
            continue
        ours, theirs = getattr(td, name), getattr(nd, name)
        if isinstance(theirs, type):
            assert isinstance(ours, type), name
            assert issubclass(ours, td.TypedDistribution), name
            assert ours.numpyro_class is theirs, name
        else:
            assert callable(ours), name
            assert not isinstance(ours, type), name


@needs_numpyro(*LATER_NAMES)  # the page lists every typed name
def test_coverage_page_is_up_to_date() -> None:
    assert PAGE.read_text() == render(), (
        "docs/coverage.md is out of date: run `python -m tools.coverage`"
    )
