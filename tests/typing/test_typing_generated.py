"""The generated typing files cover every typed class and are up to date.

mypy and pyright (strict) check `tests/typing/generated.py` and
`generated_negative.py` in CI; these tests make sure the files they check are
the ones the current code generates.
"""

from __future__ import annotations

import re

import jax
import pytest
from tools.typing_suite import NEGATIVE, OUTPUT, render, render_negative

import typed_dists as td
from helpers.generate import GENERATED, GENERATED_IDS, Generated
from helpers.versions import LATER_NAMES, needs_numpyro


@needs_numpyro(*LATER_NAMES)  # the files type every typed name
def test_generated_typing_files_are_up_to_date() -> None:
    message = "out of date: run `python -m tools.typing_suite`"
    assert OUTPUT.read_text() == render(), f"{OUTPUT.name} is {message}"
    assert NEGATIVE.read_text() == render_negative(), f"{NEGATIVE.name} is {message}"


@needs_numpyro(*LATER_NAMES)  # the files type every typed name
def test_every_concrete_typed_class_is_checked() -> None:
    checked = set(re.findall(r"^def check_(\w+)\(", OUTPUT.read_text(), re.MULTILINE))
    checked.remove("factories")
    concrete = {
        name
        for name in td.__all__
        if isinstance(getattr(td, name), type)
        and issubclass(getattr(td, name), td.TypedDistribution)
        and not getattr(getattr(td, name), "__parameters__", ())
    }
    assert checked == concrete
    assert len(checked) >= 100


def test_every_exclusive_parametrisation_is_a_negative_case() -> None:
    text = NEGATIVE.read_text()
    classes = [
        name
        for name in td.__all__
        if isinstance(getattr(td, name), type)
        and issubclass(getattr(td, name), td.TypedDistribution)
        and not getattr(getattr(td, name), "__parameters__", ())
        and getattr(td, name)._one_of
    ]
    for name in classes:
        assert re.search(rf"^    td\.{name}\(", text, re.MULTILINE), name
    assert text.count("# type: ignore[call-overload]  # pyright: ignore\n") >= 40


@pytest.mark.parametrize("case", GENERATED, ids=GENERATED_IDS)
def test_numpyros_public_attributes_are_declared(case: Generated) -> None:
    """Checkers see only declared attributes (the delegating `__getattr__` is
    hidden from them). Every public attribute NumPyro's instance has is
    declared for them because the typed class writes NumPyro's class as a
    base, whose source declares what its `__init__` sets, its properties and
    its cached attributes: the base must be written, not only added at run
    time by the metaclass (which checkers cannot see)."""
    typed = case.cls(**case.make(jax.random.key(0), ()))
    numpyro_class = type(typed.to_numpyro())
    written = [
        base
        for klass in case.cls.__mro__
        for base in vars(klass).get("__orig_bases__", ())
        if isinstance(base, type)
    ]
    assert numpyro_class in written
