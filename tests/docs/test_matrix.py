"""The tested version matrix in the docs is the runner's output.

`nox` writes the table into `docs/getting-started.md` (`tools/matrix.py`);
these tests check that the committed table is a complete, passing run whose
oldest row is `constraints/oldest.txt`, that the supported ranges listed
beside it are `pyproject.toml`'s, and that `tools.matrix` reads pytest's
report as it should.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest
from tools import matrix

from helpers.versions import oldest_pins

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "getting-started.md"
SESSIONS = ("oldest", "numpyro-0.21", "newest-3.12", "newest-3.13")


def _committed_rows() -> dict[str, dict[str, str]]:
    text = PAGE.read_text()
    section = text.split(matrix.START, 1)[1].split(matrix.END, 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    head = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[2:]:
        cells = dict(
            zip(head, (c.strip() for c in line.strip("|").split("|")), strict=True)
        )
        rows[cells["session"].strip("`")] = cells
    return rows


def test_every_session_is_in_the_table_and_passed() -> None:
    rows = _committed_rows()
    assert list(rows) == list(SESSIONS)
    noxfile = (ROOT / "noxfile.py").read_text()
    for session, row in rows.items():
        assert re.fullmatch(r"[\d,]+ passed", row["tests"]), (session, row["tests"])
        name = session.split("-3.")[0]  # `newest-3.12` is `newest` on 3.12
        assert f"def {name}(" in noxfile or f'name="{name}"' in noxfile, session
    assert rows["numpyro-0.21"]["numpyro"].startswith("0.21.")
    for version in ("3.12", "3.13"):
        assert rows[f"newest-{version}"]["Python"].startswith(f"{version}.")


def test_oldest_row_is_the_pinned_versions() -> None:
    row = _committed_rows()["oldest"]
    pins = oldest_pins()
    assert row["Python"].startswith("3.11.")
    for package in matrix.PACKAGES:
        assert row[package] == pins[package], package


def test_listed_ranges_are_pyprojects() -> None:
    """The "supported" table beside the matrix gives each lower bound."""
    text = PAGE.read_text().split("### Supported versions", 1)[1]
    listed = dict(re.findall(r"^\| ([\w, ]+) \| ([\d.]+) and newer", text, re.M))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    bounds = dict(r.split(">=") for r in project["dependencies"])
    names = {
        "JAX, jaxlib": "jax",
        "NumPyro": "numpyro",
        "Equinox": "equinox",
        "jaxtyping": "jaxtyping",
        "beartype": "beartype",
        "NumPy": "numpy",
    }
    assert {names[k]: v for k, v in listed.items()} == {
        n: bounds[n] for n in names.values()
    }


def test_the_versions_script_prints_this_environments() -> None:
    printed = subprocess.run(
        [sys.executable, "-c", matrix.VERSIONS_SCRIPT],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    versions = json.loads(printed)
    assert versions["python"] == platform.python_version()
    for package in (*matrix.PACKAGES, "jaxlib"):
        assert versions[package] == importlib.metadata.version(package)


def test_a_run_is_recorded_and_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matrix, "RESULTS", tmp_path / "results")
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest" errors="1" failures="2" '
        'skipped="3" tests="2010" time="135.6"/></testsuites>'
    )
    versions = {"python": "3.11.7", "jaxlib": "0.7.2"}
    versions |= {p: f"{i}.0" for i, p in enumerate(matrix.PACKAGES)}
    path = matrix.record("oldest", "log line\n" + json.dumps(versions), junit)
    saved = json.loads(path.read_text())
    assert (saved["passed"], saved["failed"], saved["skipped"]) == (2004, 3, 3)
    assert saved["seconds"] == 136
    page = tmp_path / "page.md"
    page.write_text(f"before\n{matrix.START}\nold\n{matrix.END}\nafter\n")
    matrix.write(page, matrix.load(), date(2026, 1, 2))
    text = page.read_text()
    assert text.startswith("before\n")
    assert text.endswith("\nafter\n")
    assert "\nold\n" not in text
    assert "| `oldest` | 3.11.7 | 0.0 | 1.0 |" in text
    assert "2,004 passed, **3 failed** | 2 min 16 s |" in text
    assert "on 2026-01-02" in text
