"""The API reference covers every public name and is generated from the code.

The generated family pages (`python -m tools.api_reference`) must match the
code: the names, signatures' annotations, constraints and defaults. Their
examples are run by `tests/docs/test_docs.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tools.api_reference import API, pages, without_examples

import typed_dists as td
from helpers.versions import LATER_NAMES, needs_numpyro

GENERATED_PAGES = pages(examples=False)

# The pages document every typed name, those of the newest NumPyro included.
pytestmark = needs_numpyro(*LATER_NAMES)


@pytest.mark.parametrize("path", sorted(GENERATED_PAGES), ids=lambda p: p.name)
def test_generated_page_is_up_to_date(path: Path) -> None:
    committed = without_examples(path.read_text())
    expected = without_examples(GENERATED_PAGES[path])
    assert committed == expected, (
        f"{path} is out of date: run `python -m tools.api_reference`"
    )


def _committed() -> dict[str, str]:
    """The text of each page in docs/api/, by file name."""
    return {path.name: path.read_text() for path in API.glob("*.md")}


def _documented(texts: dict[str, str]) -> dict[str, set[str]]:
    """Each name documented in the pages `texts`, with the pages documenting it.

    A name is documented by a mkdocstrings directive (`::: typed_dists.X`)
    or by a heading with the same anchor (`### `typed_dists.X` { #typed_dists.X }`).
    """
    found: dict[str, set[str]] = {}
    pattern = re.compile(
        r"^(?:::: typed_dists\.(\w+)$|#+ `typed_dists\.(\w+)` \{ #typed_dists\.\2 \}$)",
        re.MULTILINE,
    )
    for page, text in texts.items():
        for match in pattern.finditer(text):
            found.setdefault(match.group(1) or match.group(2), set()).add(page)
    return found


def test_every_public_name_is_in_the_api_reference() -> None:
    documented = _documented(_committed())
    missing = [name for name in td.__all__ if name not in documented]
    assert not missing, f"not in docs/api/: {missing}"
    unknown = sorted(set(documented) - set(td.__all__))
    assert not unknown, f"docs/api/ documents names that are not public: {unknown}"


def test_each_name_is_documented_once() -> None:
    twice = {n: p for n, p in _documented(_committed()).items() if len(p) > 1}
    assert not twice


def test_index_links_every_public_name() -> None:
    index = (API / "index.md").read_text()
    for name in td.__all__:
        assert f"[`{name}`](" in index, name


def test_the_checks_fail_on_a_stale_or_incomplete_page() -> None:
    """A changed table is out of date; a name without directive or anchored
    heading is not documented; a name on two pages is found twice."""
    path = API / "continuous.md"
    generated = GENERATED_PAGES[path]
    stale = generated.replace("`constraints.positive`", "`constraints.real`", 1)
    assert stale != generated
    assert without_examples(stale) != without_examples(generated)
    text = "::: typed_dists.Normal\n\n### `typed_dists.Gamma`\n"
    assert set(_documented({"page.md": text})) == {"Normal"}
    twice = _documented({"a.md": text, "b.md": text})
    assert twice["Normal"] == {"a.md", "b.md"}
