"""Shared pytest configuration.

- Compiled programs are cached on disk for the run (JAX's persistent
  compilation cache, in a temporary directory shared by the pytest-xdist
  workers and removed at the end): the parity suite compiles the same program
  many times (a typed distribution and NumPyro's own lower to identical
  programs), and compilation dominates its run time. Results are unaffected.
- Most of XLA's optimisation passes are off: compilation dominates the
  suite's time, and those passes about a third of compilation. Every
  comparison is between typed_dists and NumPyro compiled alike (or eager
  results within stated tolerances); `tests/core/test_compiled.py`, which
  compares programs as users compile them, turns the passes back on.
- The generated parity suite's exclusions are printed at the end of a run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

import jax
import pytest

_CACHE_VARIABLE = "TYPED_DISTS_TEST_JAX_CACHE"
_OWN_CACHE = _CACHE_VARIABLE not in os.environ  # the controller, not a worker
if _OWN_CACHE:
    os.environ[_CACHE_VARIABLE] = tempfile.mkdtemp(prefix="typed-dists-jax-cache-")
_cache_dir = os.environ[_CACHE_VARIABLE]
_config: Any = jax.config  # its `update` is not annotated
_config.update("jax_compilation_cache_dir", _cache_dir)
# Only programs that take a while to compile: writing every small eager
# operation's program to disk would cost more than it saves.
_config.update("jax_persistent_cache_min_compile_time_secs", 0.3)
_config.update("jax_persistent_cache_min_entry_size_bytes", 0)
_config.update("jax_disable_most_optimizations", True)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWN_CACHE and not hasattr(config, "workerinput"):
        shutil.rmtree(_cache_dir, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List every (distribution, check) the generated suite excludes, and why."""
    from helpers.generate import SKIPS

    terminalreporter.section("typed_dists: excluded from generated parity checks")
    if not SKIPS:
        terminalreporter.write_line("none")
    for (name, check), reason in sorted(SKIPS.items()):
        terminalreporter.write_line(f"{name} [{check}]: {reason}")

    from helpers.adversarial import adversarial_case_count

    terminalreporter.section("typed_dists: adversarial rejection cases")
    terminalreporter.write_line(
        f"typed_dists: adversarial rejection cases: {adversarial_case_count()}"
    )
