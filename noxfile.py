"""The version matrix: typed_dists on the oldest and the newest releases it
supports.

`nox` runs every session; `nox -s oldest` one of them; arguments after `--`
go to pytest (`nox -s oldest -- -x`). Each session builds a fresh virtual
environment, installs typed_dists with its `test` extra, and runs the tests
marked `compat` (the version-sensitive part of the suite: the mechanism,
the generated parity suite, compiled-program identity and the inference
compatibility suites; `tests/conftest.py` says which modules).

- `oldest` (Python 3.11): every dependency at the lower bound of its range
  in `pyproject.toml`, pinned exactly by `constraints/oldest.txt`.
- `newest` (Python 3.12 and 3.13): the newest release of every dependency.
- `package`: the sdist and wheel as users get them: `python -m build`,
  `twine check`, then the wheel (not editable) in a fresh environment,
  running `tools/package_smoke.py` from outside the source tree.

The default interpreter's full suite is the README's `python -m pytest`.
Nox rather than tox: the sessions are plain Python, one file that ruff and
the type checkers read, and pytest's arguments pass through unchanged.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.error_on_missing_interpreters = True

_TESTS = ("python", "-m", "pytest", "-m", "compat", "-p", "no:cacheprovider")


def _versions(session: nox.Session) -> None:
    session.run(
        "python",
        "-c",
        "import importlib.metadata as m, sys; print(sys.version.split()[0], *("
        "f'{p} {m.version(p)}' for p in ('jax', 'jaxlib', 'numpyro', "
        "'equinox', 'jaxtyping', 'beartype', 'numpy')), sep=', ')",
    )


@nox.session(python="3.11")
def oldest(session: nox.Session) -> None:
    """The lower bounds, pinned exactly (`constraints/oldest.txt`)."""
    session.install("-c", "constraints/oldest.txt", "-e", ".[test]")
    _versions(session)
    session.run(*_TESTS, *session.posargs)


@nox.session(python=["3.12", "3.13"])
def newest(session: nox.Session) -> None:
    """The newest release of every dependency."""
    session.install("--upgrade", "--upgrade-strategy", "eager", "-e", ".[test]")
    _versions(session)
    session.run(*_TESTS, *session.posargs)


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
