"""The version matrix: typed_dists on the oldest and the newest releases it
supports.

`nox` runs every session; `nox -s oldest` one of them; arguments after `--`
go to pytest (`nox -s oldest -- -x`). Each session builds a fresh virtual
environment, installs typed_dists with its `test` extra, and runs the tests
marked `compat` (the version-sensitive part of the suite: the mechanism,
the generated parity suite, compiled-program identity and the inference
compatibility suites; `tests/conftest.py` says which modules).

- `oldest` (Python 3.11): every dependency at the lower bound of its range
  in `pyproject.toml`, pinned exactly by `constraints/oldest.txt` (NumPyro
  0.20, JAX 0.7.2).
- `numpyro-0.21` (Python 3.12): the NumPyro minor release between the oldest
  and the newest, with the newest JAX it works with (0.10: from JAX 0.11 on,
  NumPyro 0.21's own dependency tracking fails, in `render_model`,
  `TraceGraph_ELBO` and `TraceEnum_ELBO`, with NumPyro's distributions as
  with typed ones) and the newest release of everything else.
- `newest` (Python 3.12 and 3.13): the newest release of every dependency.
- `package`: the sdist and wheel as users get them: `python -m build`,
  `twine check`, then the wheel (not editable) in a fresh environment,
  running `tools/package_smoke.py` from outside the source tree.
- `matrix` (last; no environment of its own): the table of what the test
  sessions ran and how it went (`tools/matrix.py`), printed and written
  into the "Supported versions" section of `docs/getting-started.md`.

The default interpreter's full suite is the README's `python -m pytest`.
Nox rather than tox: the sessions are plain Python, one file that ruff and
the type checkers read, and pytest's arguments pass through unchanged.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for `tools`
from tools import matrix

nox.options.default_venv_backend = "venv"
nox.options.error_on_missing_interpreters = True

_TESTS = ("python", "-m", "pytest", "-m", "compat", "-p", "no:cacheprovider")


def _test(session: nox.Session) -> None:
    """Print the session's versions, run the `compat` tests, and record both
    for the `matrix` session, whether the tests pass or not."""
    result = matrix.RESULTS / f"{session.name}.json"
    result.unlink(missing_ok=True)  # no stale record if this one fails early
    versions = session.run("python", "-c", matrix.VERSIONS_SCRIPT, silent=True)
    print(versions)
    junit = Path(tempfile.mkdtemp(prefix="typed-dists-junit-")) / "junit.xml"
    try:
        session.run(*_TESTS, f"--junitxml={junit}", *session.posargs)
    finally:
        if isinstance(versions, str) and junit.exists():
            matrix.record(session.name, versions, junit)


@nox.session(python="3.11")
def oldest(session: nox.Session) -> None:
    """The lower bounds, pinned exactly (`constraints/oldest.txt`)."""
    session.install("-c", "constraints/oldest.txt", "-e", ".[test]")
    _test(session)


@nox.session(python="3.12", name="numpyro-0.21")
def numpyro_0_21(session: nox.Session) -> None:
    """NumPyro 0.21, JAX 0.10, the newest release of everything else."""
    session.install(
        "--upgrade",
        "--upgrade-strategy",
        "eager",
        "-e",
        ".[test]",
        "numpyro==0.21.*",
        "jax<0.11",
        "jaxlib<0.11",
    )
    _test(session)


@nox.session(python=["3.12", "3.13"])
def newest(session: nox.Session) -> None:
    """The newest release of every dependency."""
    session.install("--upgrade", "--upgrade-strategy", "eager", "-e", ".[test]")
    _test(session)


@nox.session(python="3.11")
def package(session: nox.Session) -> None:
    """Build, check the metadata, install the wheel and smoke-test it."""
    session.install("build", "twine")
    dist = Path(tempfile.mkdtemp(prefix="typed-dists-dist-"))
    session.run("python", "-m", "build", "--outdir", str(dist))
    built = sorted(dist.iterdir())
    session.run("twine", "check", "--strict", *map(str, built))
    (wheel,) = [p for p in built if p.suffix == ".whl"]
    session.install(str(wheel))
    smoke = Path("tools/package_smoke.py").resolve()
    with session.chdir(tempfile.mkdtemp(prefix="typed-dists-smoke-")):
        session.run("python", str(smoke))


@nox.session(python=False, name="matrix")
def matrix_table(session: nox.Session) -> None:
    """The tested matrix: printed, and written into the docs."""
    if matrix.main() != 0:
        session.error("a test session failed, or none recorded its results")
