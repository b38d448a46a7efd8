"""The benchmark suite runs: each section with tiny sizes, figures not judged.

`python -m benchmarks` is not part of the test run (its figures are timings);
this keeps its code working between runs. The NUTS and SVI section compiles
for several seconds per run, so it is left to the suite itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import numpyro.distributions as nd
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


@pytest.fixture(scope="module")
def eager() -> tuple[list[Row], list[Row], list[str]]:
    """The eager tables, once for this module's tests."""
    return suite.eager(repeats=2, number=1)


def test_eager_sections(eager: tuple[list[Row], list[Row], list[str]]) -> None:
    construction, with_log_prob, notes = eager
    _check(construction)
    _check(with_log_prob)
    names = [row.what for row in construction]
    assert names == [row.what for row in with_log_prob]
    for kind in (
        "JAX float32[3]",
        "JAX weakly typed float[3]",
        "Python numbers",
        "NumPy float64[3]",
        "JAX bfloat16[3]",
    ):
        assert f"Normal, {kind}" in names
    # Python numbers only where every parameter can be a scalar.
    assert "MultivariateNormal, Python numbers" not in names
    assert "Dirichlet, Python numbers" not in names
    for row in construction:
        jax_array = row.what.split(", ", 1)[1].startswith("JAX")
        assert row.target == (0.5 if jax_array else 1.0)
    assert all(row.target == 0.8 for row in with_log_prob)
    # Every construction row has a floor, measured in the same repeats.
    for row in construction:
        assert row.floor is not None
        assert len(row.floor) == len(row.typed)
        assert all(f > 0 for f in row.floor)
    assert "| floor | typed_dists' own |" in table(construction).splitlines()[0]
    assert all(row.floor is None for row in with_log_prob)
    if suite.distrax_module() is None:
        assert notes[0] == suite.DISTRAX_MISSING
        assert all(row.other is None for row in with_log_prob)
        assert "vs distrax" not in table(with_log_prob)


def test_eager_without_distrax(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suite, "distrax_module", lambda: None)
    rows, notes = suite.inputs()
    assert notes == [suite.DISTRAX_MISSING]
    assert rows
    assert all(row.distrax is None for row in rows)


def test_eager_distrax_column(
    eager: tuple[list[Row], list[Row], list[str]],
) -> None:
    pytest.importorskip("distrax")
    _, with_log_prob, notes = eager
    assert suite.DISTRAX_MISSING not in notes
    rows = {row.what: row for row in with_log_prob}
    # distrax has no Binomial: an empty cell.
    assert all(row.other is None for row in rows.values() if "Binomial" in row.what)
    assert rows["Normal, JAX float32[3]"].other is not None
    for row in rows.values():
        if row.other is not None:
            assert row.other_label == "distrax"
            assert len(row.other) == len(row.typed)
            assert all(o > 0 for o in row.other)
    lines = table(with_log_prob).splitlines()
    assert lines[0].endswith("| vs distrax |")
    assert rows["Normal, JAX float32[3]"].other_cell() in lines[2]


def test_inputs_are_weakly_typed_where_named() -> None:
    rows, _ = suite.inputs()
    weak = [row for row in rows if "weakly typed" in row.what]
    assert len(weak) == len(suite.CASES)
    for case in suite.CASES:
        for param in case.params.values():
            assert param.weak().weak_type
            assert not suite.jax_float32(param).weak_type


def test_methods_section() -> None:
    rows = suite.methods(repeats=2, number=1)
    _check(rows)
    names = {row.what for row in rows}
    for case in suite.CASES:
        for method in ("log_prob(value)", "sample(key)", "mean"):
            assert f"{case.name}.{method}" in names
    # NumPyro implements `cdf` for Normal only of these.
    assert {name for name in names if ".cdf" in name} == {"Normal.cdf(value)"}
    assert all(row.target == 1.0 for row in rows)


def test_every_class_section() -> None:
    sweeps = suite.every_class(repeats=1, number=1)
    _check([sweep.row for sweep in sweeps])
    assert [sweep.target for sweep in sweeps] == [0.5, 1.0]
    for sweep in sweeps:
        assert len(sweep.ratios) + len(sweep.left_out) == len(GENERATED)
        assert len(sweep.ratios) == len(sweep.row.typed)
        assert sweep.maximum == max(ratio for _, ratio in sweep.ratios)
        assert 0 <= sweep.above <= len(sweep.ratios)
        assert sweep.ratios[0][0] in sweep.summary()
        assert sweep.floors.keys() == {name for name, _ in sweep.ratios}
        assert all(floor > 0 for floor in sweep.floors.values())
        assert 0 <= sweep.floored <= sweep.above
        assert sweep.row.floor is not None
    # From float32 JAX arrays NumPyro builds every class.
    assert not sweeps[0].left_out


def test_modes_and_compiled_sections() -> None:
    _check(suite.modes(repeats=2, number=1))
    _check(suite.compiled(repeats=2, size=100))


def test_row_marks_a_missed_target() -> None:
    row = Row("x", [2.0, 2.0], [1.0, 1.0], target=1.1)
    assert row.cells()[-1] == "**no**"
    assert Row("x", [1.0], [1.0], target=1.1).cells()[-1] == "yes"


def test_table_adds_a_column_for_a_third_library() -> None:
    plain = Row("plain", [1.0, 1.0], [2.0, 2.0])
    assert "vs" not in table([plain])
    other = Row("other", [1.0, 3.0], [2.0, 2.0], other=[4.0, 4.0], other_label="lib")
    assert other.other_ratios == [0.25, 0.75]
    lines = table([plain, other]).splitlines()
    assert lines[0].endswith("| vs lib |")
    assert all(line.count("|") == lines[0].count("|") for line in lines)
    assert lines[2].endswith("|  |")  # a row without the third library
    assert lines[3].endswith(f"| {other.other_cell()} |")
    with pytest.raises(ValueError, match="one third library"):
        table([other, Row("x", [1.0], [1.0], other=[1.0], other_label="more")])


def test_floor_converts_then_builds() -> None:
    """A floor converts what typed_dists converts (NumPy and weakly typed
    arrays), then builds NumPyro's object with its checks off."""
    assert suite._needs_conversion(np.zeros(3))  # pyright: ignore[reportPrivateUsage]
    assert suite._needs_conversion(jnp.full(3, 0.3))  # pyright: ignore[reportPrivateUsage]
    assert not suite._needs_conversion(jnp.zeros(3))  # pyright: ignore[reportPrivateUsage]
    assert not suite._needs_conversion(0.5)  # pyright: ignore[reportPrivateUsage]
    seen: dict[str, object] = {}

    def build(**arguments: object) -> None:
        seen.update(arguments)

    strong = jnp.zeros(3)
    suite.floor(build, {"a": np.zeros(3), "b": jnp.full(3, 0.3), "c": strong})()
    assert seen["c"] is strong
    for name in ("a", "b"):
        value = seen[name]
        assert isinstance(value, jax.Array)
        assert not value.weak_type
        assert value.dtype == jnp.float32
    d = suite.floor(nd.Normal, {"loc": np.zeros(3), "scale": 1.0})()
    assert isinstance(d.loc, jax.Array)


def test_table_adds_floor_columns() -> None:
    row = Row("x", [3.0, 5.0], [4.0, 4.0], floor=[2.0, 2.0])
    assert row.floor_ratio == 0.5
    assert row.own == 2.0
    lines = table([row, Row("plain", [1.0], [1.0])]).splitlines()
    assert lines[0].endswith("| floor | typed_dists' own |")
    assert lines[2].endswith("| 0.50 | 2 s |")
    assert lines[3].endswith("|  |  |")
    assert Row("x", [1.0], [1.0]).floor_ratio is None


@pytest.mark.parametrize("name", ["__main__", "profile"])
def test_modules_document_their_command(name: str) -> None:
    module = sys.modules.get(f"benchmarks.{name}") or __import__(
        f"benchmarks.{name}", fromlist=["main"]
    )
    assert "python -m benchmarks" in (module.__doc__ or "")
    assert callable(module.main)
