"""Shared pytest configuration: print the parity suite's exclusions."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List every (distribution, check) the generated suite excludes, and why."""
    from _generate import SKIPS

    terminalreporter.section("typed_dists: excluded from generated parity checks")
    if not SKIPS:
        terminalreporter.write_line("none")
    for (name, check), reason in sorted(SKIPS.items()):
        terminalreporter.write_line(f"{name} [{check}]: {reason}")
