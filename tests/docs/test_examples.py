"""The scripts in `examples/` run end to end in smoke mode.

Each script is run as a user would run it, `python examples/<name>.py --smoke`
from the repository root, in a fresh interpreter. It must exit with status 0
(its smoke mode asserts finite results, shapes and sane posterior means) and
print its summary. The wall time of each run is reported (on the terminal when
the tests run in one process, `-n 0`; always as a junit property).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

# Slow (runs the examples' inference): left out of `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

# The lines each script's summary must contain, besides its header.
SUMMARY_LINES: dict[str, tuple[str, ...]] = {
    "logistic_regression": (
        "posterior mean w:",
        "posterior mean b:",
        "training accuracy of the posterior mean:",
    ),
    "eight_schools": (
        "posterior mean mu:",
        "posterior mean tau:",
        "posterior mean theta:",
    ),
    "distributed_svi": (
        "processes: 2, devices: 2",
        "loss: first",
        "posterior median beta:",
        "same parameters in every process: True",
    ),
    "gaussian_mixture": (
        "loss: first",
        "weights:",
        "locs:",
        "assignment accuracy (infer_discrete, MAP):",
    ),
}


def test_every_example_is_tested() -> None:
    assert {path.stem for path in EXAMPLES.glob("*.py")} == set(SUMMARY_LINES)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SUMMARY_LINES))
def test_example_smoke(
    name: str,
    capsys: pytest.CaptureFixture[str],
    record_property: Any,
) -> None:
    path = EXAMPLES / f"{name}.py"
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, str(path), "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    wall_time = time.perf_counter() - start
    record_property("wall_time_s", round(wall_time, 2))
    with capsys.disabled():  # on the terminal, past pytest's capture
        print(f"\nexamples/{name}.py --smoke: {wall_time:.1f} s wall time")

    assert completed.returncode == 0, completed.stdout + completed.stderr
    out = completed.stdout
    assert f"== {name} summary (smoke) ==" in out, out
    for line in SUMMARY_LINES[name]:
        assert line in out, (line, out)
    assert "smoke checks passed" in out, out
