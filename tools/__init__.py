"""Generators of the committed files that the tests compare with the code.

Run each from the repository root as a module, e.g. `python -m tools.coverage`
(docs/coverage.md), `python -m tools.api_reference` (docs/api/*.md) and
`python -m tools.typing_suite` (tests/typing/generated*.py). They share the
tests' argument generator (`tests/helpers`), which this package puts on the
import path.
"""

import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parents[1] / "tests")
if _TESTS not in sys.path:
    sys.path.append(_TESTS)
