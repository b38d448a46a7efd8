"""The benchmark suite runs: each section with tiny sizes, figures not judged.

`python -m benchmarks` is not part of the test run (its figures are timings);
this keeps its code working between runs. The NUTS and SVI section compiles
for several seconds per run, so it is left to the suite itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import __main__ as suite  # noqa: E402
from benchmarks._harness import Row, table  # noqa: E402

from helpers.generate import GENERATED  # noqa: E402

# Slow (runs the benchmark sections): left out of `pytest -m "not slow"`.
pytestmark = pytest.mark.slow


def _check(rows: list[Row]) -> None:
    assert rows
    for row in rows:
        assert row.typed
        assert len(row.typed) == len(row.numpyro)
        assert all(t > 0 for t in row.typed + row.numpyro)
        assert row.ratio > 0
    text = table(rows)
    assert text.count("\n") == len(rows) + 1
    assert all(row.what in text for row in rows)


def test_eager_sections() -> None:
    construction, with_log_prob = suite.eager(repeats=2, number=1)
    _check(construction)
    _check(with_log_prob)
    assert any(row.target == 0.5 for row in construction)


def test_every_class_section() -> None:
    row, ratios = suite.every_class(repeats=1, number=1)
    _check([row])
    assert len(ratios) == len(row.typed) == len(GENERATED)


def test_modes_and_compiled_sections() -> None:
    _check(suite.modes(repeats=2, number=1))
    _check(suite.compiled(repeats=2, size=100))


def test_row_marks_a_missed_target() -> None:
    row = Row("x", [2.0, 2.0], [1.0, 1.0], target=1.1)
    assert row.cells()[-1] == "**no**"
    assert Row("x", [1.0], [1.0], target=1.1).cells()[-1] == "yes"


@pytest.mark.parametrize("name", ["__main__", "profile"])
def test_modules_document_their_command(name: str) -> None:
    module = sys.modules.get(f"benchmarks.{name}") or __import__(
        f"benchmarks.{name}", fromlist=["main"]
    )
    assert "python -m benchmarks" in (module.__doc__ or "")
    assert callable(module.main)
