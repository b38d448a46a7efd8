"""Project metadata a user relies on: the version, the license, the typing marker."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import typed_dists as td

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
