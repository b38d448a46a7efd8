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
- XLA's CPU code generator runs without its fusion emitters and in one piece
  (`XLA_FLAGS`, read when the backend starts, after this module; subprocesses
  inherit it), where this jaxlib's XLA still has those flags (checked once per
  run, in a subprocess): the suite's many small programs compile faster (measured in
  one process: `families/test_every_class.py` 85 s -> 60 s,
  `core/test_pytree.py` 23 s -> 17 s), and again both sides of every
  comparison are compiled alike.
- Tests that share per-process caches run side by side (`row_order`, below),
  and results one subprocess computes for several tests are computed once
  per run (`helpers/once.py`).
- NumPyro's value validation is on for the whole run
  (`numpyro.enable_validation(True)`): NumPyro 0.22 turned it on by default,
  0.20 and 0.21 leave it off, and the suite tests value checks alike on every
  supported release. `interop/test_numpyro_interop.py` checks, in a fresh
  process, that typed_dists follows each release's own default.
- Tests marked `numpyro_eager` compare eager method results with NumPyro's
  eager results bit for bit, so they run with typed_dists' compiled eager
  calls off (`core/test_methods.py` compares those with NumPyro's compiled
  code).
- The generated parity suite's exclusions are printed at the end of a run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jax
import numpyro
import pytest

from helpers.once import RUN_DIRECTORY

numpyro.enable_validation(True)

_FAST_CODEGEN = (
    "--xla_cpu_use_fusion_emitters=false",
    "--xla_cpu_parallel_codegen_split_count=1",
)
_CODEGEN_CHECKED = "TYPED_DISTS_TEST_XLA_FLAGS_CHECKED"


def _xla_accepts(flags: str) -> bool:
    """Whether this jaxlib's XLA starts with `flags` (it aborts the process
    on a flag it does not know, and the flags above are gone from newer XLA,
    whose default code generator compiles these programs as fast)."""
    probe = "import jax; jax.numpy.zeros(1).block_until_ready()"
    env = {**os.environ, "XLA_FLAGS": flags, "JAX_PLATFORMS": "cpu"}
    completed = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, check=False
    )
    return completed.returncode == 0


if _CODEGEN_CHECKED not in os.environ:  # once per run: workers inherit both
    _flags = os.environ.get("XLA_FLAGS", "")
    _wanted = " ".join(
        [_flags, *(f for f in _FAST_CODEGEN if f.split("=")[0] not in _flags)]
    ).strip()
    if _wanted != _flags and _xla_accepts(_wanted):
        os.environ["XLA_FLAGS"] = _wanted
    os.environ[_CODEGEN_CHECKED] = "1"

# The run's temporary directory, shared by the pytest-xdist workers (which
# inherit the variable from the controller) and removed at the end: JAX's
# compilation cache, and the results `helpers.once` computes once per run.
_OWN_RUN_DIRECTORY = RUN_DIRECTORY not in os.environ  # the controller
if _OWN_RUN_DIRECTORY:
    os.environ[RUN_DIRECTORY] = tempfile.mkdtemp(prefix="typed-dists-tests-")
_run_directory = os.environ[RUN_DIRECTORY]
_cache_dir = os.path.join(_run_directory, "jax-cache")
_config: Any = jax.config  # its `update` is not annotated
_config.update("jax_compilation_cache_dir", _cache_dir)
# Only programs that take a while to compile: writing every small eager
# operation's program to disk would cost more than it saves.
_config.update("jax_persistent_cache_min_compile_time_secs", 0.3)
_config.update("jax_persistent_cache_min_entry_size_bytes", 0)
_config.update("jax_disable_most_optimizations", True)


# The version-sensitive modules: what the nox sessions run on the oldest and
# newest supported releases (`-m compat`, noxfile.py). The generated suites
# take part at one batch shape: rows at batch () are left out.
COMPAT_MODULES = frozenset(
    {
        "core/test_compiled.py",
        "core/test_construction.py",
        "core/test_mechanism.py",
        "core/test_pytree.py",
        "core/test_record.py",
        "core/test_upstream.py",
        "core/test_versions.py",
        "families/test_every_class.py",
        "interop/test_batching.py",
        "interop/test_check_model.py",
        "interop/test_compat_composites.py",
        "interop/test_compat_corpus.py",
        "interop/test_compat_devices.py",
        "interop/test_compat_enum.py",
        "interop/test_compat_handlers.py",
        "interop/test_compat_mcmc.py",
        "interop/test_compat_predictive.py",
        "interop/test_compat_svi.py",
        "interop/test_convert.py",
        "interop/test_numpyro_interop.py",
        "interop/test_typecheck.py",
    }
)
_TESTS = Path(__file__).resolve().parent


def _is_compat(item: pytest.Item) -> bool:
    module = item.path.relative_to(_TESTS).as_posix()
    callspec = getattr(item, "callspec", None)
    unbatched = callspec is not None and callspec.params.get("batch") == ()
    return module in COMPAT_MODULES and not unbatched


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the `compat` tests (`COMPAT_MODULES`), and reorder, within its
    module, the tests of a module that defines `row_order(item)`:
    pytest-xdist's work stealing (`--dist worksteal`) hands each worker a
    contiguous run of tests, so tests sharing per-process caches then run in
    one worker."""
    for item in items:
        if _is_compat(item):
            item.add_marker(pytest.mark.compat)
    positions: dict[Any, list[int]] = {}
    for position, item in enumerate(items):
        module = getattr(item, "module", None)  # a Python test's module
        if hasattr(module, "row_order"):
            positions.setdefault(module, []).append(position)
    for module, where in positions.items():
        ordered = sorted((items[i] for i in where), key=module.row_order)
        for i, item in zip(where, ordered, strict=True):
            items[i] = item


@pytest.fixture(autouse=True)
def _numpyro_eager_methods(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests marked `numpyro_eager` compare eager results with NumPyro's eager
    ones bit for bit: they run with compiled eager calls off."""
    if request.node.get_closest_marker("numpyro_eager") is None:
        yield
        return
    import typed_dists as td

    td.set_compiled_methods(False)
    try:
        yield
    finally:
        td.set_compiled_methods(True)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWN_RUN_DIRECTORY and not hasattr(config, "workerinput"):
        shutil.rmtree(_run_directory, ignore_errors=True)


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
