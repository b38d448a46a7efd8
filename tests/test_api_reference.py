"""The API reference covers every public name and is generated from the code.

The generated family pages (`python tests/_api_reference.py`) must match the
code: the names, signatures' annotations, constraints and defaults. Their
examples are run by `tests/test_docs.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import typed_dists as td
from _api_reference import API, pages, without_examples

GENERATED_PAGES = pages(examples=False)


@pytest.mark.parametrize("path", sorted(GENERATED_PAGES), ids=lambda p: p.name)
def test_generated_page_is_up_to_date(path: Path) -> None:
    committed = without_examples(path.read_text())
    expected = without_examples(GENERATED_PAGES[path])
    assert committed == expected, (
        f"{path} is out of date: run `python tests/_api_reference.py`"
    )


def _documented() -> dict[str, set[str]]:
    """Each name documented in docs/api/, with the pages that document it.

    A name is documented by a mkdocstrings directive (`::: typed_dists.X`)
    or by a heading with the same anchor (`### `typed_dists.X` { #typed_dists.X }`).
    """
    found: dict[str, set[str]] = {}
    pattern = re.compile(
        r"^(?:::: typed_dists\.(\w+)$|#+ `typed_dists\.(\w+)` \{ #typed_dists\.\2 \}$)",
        re.MULTILINE,
    )
    for path in API.glob("*.md"):
        for match in pattern.finditer(path.read_text()):
            found.setdefault(match.group(1) or match.group(2), set()).add(path.name)
    return found


def test_every_public_name_is_in_the_api_reference() -> None:
    documented = _documented()
    missing = [name for name in td.__all__ if name not in documented]
    assert not missing, f"not in docs/api/: {missing}"
    unknown = sorted(set(documented) - set(td.__all__))
    assert not unknown, f"docs/api/ documents names that are not public: {unknown}"


def test_each_name_is_documented_once() -> None:
    twice = {n: p for n, p in _documented().items() if len(p) > 1}
    assert not twice


def test_index_links_every_public_name() -> None:
    index = (API / "index.md").read_text()
    for name in td.__all__:
        assert f"[`{name}`](" in index, name
