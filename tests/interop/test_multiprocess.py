"""Typed distributions in a multi-process JAX program.

Two processes on this machine join one JAX distributed runtime (CPU
collectives through gloo) with one device each, and run the same program
over a global mesh of both (`helpers.processes`, `helpers.distributed_worker`).
Each computes with NumPyro's distributions and with typed_dists; the results
must be identical arrays. Checks raise in every process, eagerly and in the
"checked" mode inside compiled code. Every run has a timeout and kills its
processes, so a hang fails the test.
"""

from __future__ import annotations

import time

import jax
import numpy as np
import pytest

from helpers.processes import ProcessesError, run

pytestmark = [
    pytest.mark.slow,
    pytest.mark.multiprocess,
    pytest.mark.skipif(
        "jax_cpu_collectives_implementation" not in jax.config.values,
        reason="this JAX has no CPU collectives to join processes with",
    ),
]


def _pairs(result: dict[str, np.ndarray]) -> list[str]:
    """The names computed both ways, without their `numpyro-` prefix."""
    names = [k.removeprefix("numpyro-") for k in result if k.startswith("numpyro-")]
    assert names
    assert sorted(f"typed-{n}" for n in names) == sorted(
        k for k in result if k.startswith("typed-")
    )
    return names


def test_sharded_parameters_keep_their_sharding() -> None:
    """Parameters sharded over both processes: built eagerly (with NumPyro's
    validation on), then `log_prob` and `sample` under `jit` keep the
    sharding, with NumPyro's numbers."""
    results = run("sharding")
    for result in results:
        for name in _pairs(result):
            np.testing.assert_array_equal(
                result[f"typed-{name}"], result[f"numpyro-{name}"]
            )
        for kept in ("built-loc-sharded", "log_prob-sharded", "sample-sharded"):
            assert bool(result[f"typed-{kept}"]), kept
    np.testing.assert_array_equal(
        results[0]["typed-sample"], results[1]["typed-sample"]
    )


def test_data_parallel_svi_matches_numpyro() -> None:
    """SVI whose observations are sharded over the processes: the typed
    model's losses and parameters are NumPyro's, bitwise, in each process."""
    results = run("svi")
    for result in results:
        for name in _pairs(result):
            np.testing.assert_array_equal(
                result[f"typed-{name}"], result[f"numpyro-{name}"]
            )
        assert result["typed-losses"][-1] < result["typed-losses"][0]
    # The parameters are replicated: the same in both processes. Each process
    # sums its copy of the loss in its own order (1 ulp apart at most).
    for name in _pairs(results[0]):
        if name.startswith("param-"):
            np.testing.assert_array_equal(
                results[0][f"typed-{name}"], results[1][f"typed-{name}"]
            )
    np.testing.assert_allclose(
        results[0]["typed-losses"], results[1]["typed-losses"], rtol=1e-6
    )


def test_nuts_chains_split_across_processes_match_numpyro() -> None:
    """One NUTS chain per process, gathered: the typed draws are NumPyro's."""
    results = run("nuts")
    for result in results:
        for name in _pairs(result):
            assert result[f"typed-{name}"].shape == (2, 100)
            np.testing.assert_array_equal(
                result[f"typed-{name}"], result[f"numpyro-{name}"]
            )
    chains = results[0]["typed-alpha"]
    assert not np.array_equal(chains[0], chains[1])  # two chains, not one twice
    np.testing.assert_array_equal(results[0]["typed-alpha"], results[1]["typed-alpha"])


def test_an_eager_check_raises_the_same_error_in_every_process() -> None:
    """A negative scale in the last process's shard: every process checks the
    global array together with the others and raises the same error, so no
    process is left waiting in a collective."""
    results = run("eager-checks")
    messages = {str(r["error"]) for r in results}
    assert len(messages) == 1
    (message,) = messages
    assert "Normal: parameter `scale` must satisfy the constraint Positive" in message
    assert "1 of 16 elements violate it, the first at index (14,)" in message
    assert all(str(r["parameter"]) == "scale" for r in results)


def test_a_failed_process_stops_the_run_and_its_peers() -> None:
    """The harness itself: a process that fails ends the run, and the one
    waiting for it in a collective is killed, well before the timeout."""
    started = time.monotonic()
    with pytest.raises(ProcessesError, match="failing on purpose") as info:
        run("one-fails", timeout=120)
    assert "exit statuses" in str(info.value)
    assert time.monotonic() - started < 60


def test_a_run_past_its_timeout_is_killed() -> None:
    with pytest.raises(ProcessesError, match="still running after 10 s"):
        run("sleeps", timeout=10)


def test_checked_mode_raises_in_every_process_without_a_hang() -> None:
    """The "checked" mode inside compiled code, with a negative scale in one
    process's shard, or replicated in all: every process raises the check's
    error within seconds, and all go on to the next collective."""
    results = run("checked", timeout=120)
    for index, result in enumerate(results):
        assert np.isfinite(result["good"])
        for case in ("sharded", "replicated"):
            message = str(result[case])
            assert "Normal: parameter `scale` violates its constraint" in message
            assert "ParameterValueError" in message
            assert float(result[f"{case}-seconds"]) < 30, (index, case)
        np.testing.assert_array_equal(result["after"], [0.0, 1.0])
