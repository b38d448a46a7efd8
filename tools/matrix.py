"""The tested version matrix, as `nox` measured it, for the docs.

Each test session of `noxfile.py` records what it ran (its Python and
dependency versions, from the session's environment) and how it went (the
counts and time of pytest's JUnit report) as `.nox/matrix/<session>.json`.
The last session, `matrix`, runs

    python -m tools.matrix

which prints the table and writes it into the "Supported versions" section
of `docs/getting-started.md`, between the `matrix` markers. The table is the
runner's output: it is never edited by hand (`tests/docs/test_matrix.py`
checks that its oldest row is `constraints/oldest.txt`).

Standard library only: it runs in nox's own environment.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ElementTree
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / ".nox" / "matrix"
PAGE = ROOT / "docs" / "getting-started.md"
START = "<!-- matrix:start (written by `nox`: tools/matrix.py) -->"
END = "<!-- matrix:end -->"

PACKAGES = ("jax", "numpyro", "equinox", "jaxtyping", "beartype", "numpy")
"""The columns, after the session and Python (jaxlib is JAX's version)."""

VERSIONS_SCRIPT = (
    "import importlib.metadata as m, json, sys\n"
    f"versions = {{p: m.version(p) for p in {(*PACKAGES, 'jaxlib')!r}}}\n"
    "print(json.dumps({'python': sys.version.split()[0], **versions}))\n"
)
"""Run by each session in its environment; prints its versions as JSON."""


def record(session: str, versions_json: str, junit: Path) -> Path:
    """Write a session's record from its versions (`VERSIONS_SCRIPT`'s
    output) and its pytest JUnit report; return the file written."""
    versions = json.loads(versions_json.strip().splitlines()[-1])
    suite = ElementTree.parse(junit).getroot()
    if suite.tag == "testsuites":
        suite = suite[0]
    tests, failures, errors, skipped = (
        int(suite.get(key, "0")) for key in ("tests", "failures", "errors", "skipped")
    )
    result = {
        "session": session,
        "versions": versions,
        "passed": tests - failures - errors - skipped,
        "failed": failures + errors,
        "skipped": skipped,
        "seconds": round(float(suite.get("time", "0"))),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{session}.json"
    path.write_text(json.dumps(result, indent=1) + "\n")
    return path


def table(results: list[dict[str, Any]]) -> str:
    """The Markdown table of the sessions' results."""
    head = ["session", "Python", *PACKAGES, "tests", "time"]
    lines = [
        "| " + " | ".join(head) + " |",
        "| " + " | ".join("---" for _ in head) + " |",
    ]
    for result in results:
        versions = result["versions"]
        outcome = f"{result['passed']:,} passed"
        if result["failed"]:
            outcome += f", **{result['failed']} failed**"
        minutes, seconds = divmod(int(result["seconds"]), 60)
        cells = [
            f"`{result['session']}`",
            versions["python"],
            *(versions[p] for p in PACKAGES),
            outcome,
            f"{minutes} min {seconds:02d} s",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def section(results: list[dict[str, Any]], on: date) -> str:
    """The text between the markers: the table and where it comes from."""
    return "\n".join(
        [
            START,
            table(results),
            "",
            f"Produced by `nox` on {on.isoformat()} (the `compat` tests of each "
            "session, on 2 cores; `tests` counts them).",
            END,
        ]
    )


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def load() -> list[dict[str, Any]]:
    """Every session's record, by NumPyro release, then Python, then JAX."""
    results = [json.loads(p.read_text()) for p in RESULTS.glob("*.json")]
    return sorted(
        results,
        key=lambda r: tuple(
            _release(r["versions"][p]) for p in ("numpyro", "python", "jax")
        ),
    )


def write(page: Path, results: list[dict[str, Any]], on: date) -> None:
    """Replace the page's section between the markers."""
    text = page.read_text()
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    page.write_text(before + section(results, on) + after)


def main() -> int:
    results = load()
    if not results:
        print(f"no session results in {RESULTS}", file=sys.stderr)
        return 1
    print(table(results))
    write(PAGE, results, date.today())
    print(f"wrote the matrix into {PAGE.relative_to(ROOT)}")
    return 1 if any(r["failed"] for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
