"""The generated typing files cover every typed class and are up to date.

mypy and pyright (strict) check `tests/typing/generated.py` and
`generated_negative.py` in CI; these tests make sure the files they check are
the ones the current code generates.
"""

from __future__ import annotations

import dataclasses
import re

import jax
import numpyro.distributions as nd
import pytest
from numpyro.distributions.util import lazy_property
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


def _declared(cls: type) -> set[str]:
    return set(dir(cls)) | {field.name for field in dataclasses.fields(cls)}


@pytest.mark.parametrize("case", GENERATED, ids=GENERATED_IDS)
def test_numpyros_public_attributes_are_declared(case: Generated) -> None:
    """Checkers see only declared attributes (the delegating `__getattr__` is
    hidden from them), so every public attribute NumPyro's instance has must
    be a field, a `Derived` attribute or a `Distribution` member."""
    typed = case.cls(**case.make(jax.random.key(0), ()))
    numpyro_class = type(typed.to_numpyro())
    public = {name for name in vars(typed.to_numpyro()) if not name.startswith("_")}
    for klass in numpyro_class.__mro__[: numpyro_class.__mro__.index(nd.Distribution)]:
        public |= {
            name
            for name, value in vars(klass).items()
            if isinstance(value, property | lazy_property) and not name.startswith("_")
        }
    assert public <= _declared(case.cls)
