"""Options (non-array configuration arguments) are checked against their
annotation, like parameters against theirs."""

from __future__ import annotations

import pytest

import typed_dists as td
from helpers.adversarial import assert_names


@pytest.mark.parametrize("is_sparse", ["yes", None, 1])
def test_option_rejects_wrong_type(is_sparse: object) -> None:
    with pytest.raises(TypeError) as info:
        td.Poisson(1.0, is_sparse=is_sparse)  # type: ignore[arg-type]
    assert_names(info.value, ("Poisson",), "is_sparse")


def test_option_accepts_bool() -> None:
    assert td.Poisson(1.0, is_sparse=True).is_sparse is True
