"""Project metadata a user relies on: the version, the license, the typing marker."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import typed_dists as td
from helpers.versions import oldest_pins

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_version_is_the_installed_distributions() -> None:
    assert td.__version__ == PROJECT["version"]
    assert td.__version__ == importlib.metadata.version("typed_dists")


def test_changelog_has_the_current_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"\n## {td.__version__} - " in changelog


def test_typed_marker_and_classifier() -> None:
    assert (ROOT / "src" / "typed_dists" / "py.typed").is_file()
    assert "Typing :: Typed" in PROJECT["classifiers"]


def test_license_file_matches_the_declared_license() -> None:
    assert PROJECT["license"] == {"text": "Apache-2.0"}
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text
    metadata = importlib.metadata.metadata("typed_dists")
    assert "License :: OSI Approved :: Apache Software License" in (
        metadata.get_all("Classifier") or []
    )


def test_lower_bounds_are_the_oldest_sessions_pins() -> None:
    """Every runtime dependency has a lower bound and no upper bound, and
    the lower bound is what the "oldest" nox session pins exactly."""
    pins = oldest_pins()
    bounds = {}
    for requirement in PROJECT["dependencies"]:
        name, bound = requirement.split(">=")
        assert "," not in bound, requirement
        assert "<" not in bound, requirement
        bounds[name] = bound
    assert bounds == pins


def test_classifiers_name_the_tested_pythons() -> None:
    noxfile = (ROOT / "noxfile.py").read_text()
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in PROJECT["classifiers"]
        assert f'"{version}"' in noxfile
