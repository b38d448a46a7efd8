"""Running one JAX program in several local processes, for the multi-process tests.

`run(scenario, processes)` starts `processes` Python processes on this
machine, each `python -m helpers.distributed_worker SCENARIO ID COUNT PORT
OUT`, which join one JAX distributed runtime (CPU collectives through gloo)
and run the scenario as one program over a global mesh, one CPU device per
process. Each process writes what it computed to `OUT/<ID>.npz`; `run`
returns those, by process id. Every process is killed if any fails or the
run outlasts its timeout, so a hang fails the test instead of the CI job.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TESTS = Path(__file__).resolve().parents[1]


class ProcessesError(AssertionError):
    """A process exited with an error, or the run timed out; the message holds
    every process's output."""


def free_port() -> int:
    """A TCP port on localhost that nothing listens on (for the coordinator)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(
    scenario: str, processes: int = 2, timeout: float = 240.0
) -> list[dict[str, np.ndarray]]:
    """Run `scenario` in `processes` processes; each one's results, by id.

    **Raises:** `ProcessesError` if a process exits with a non-zero status or
    the processes are still running after `timeout` seconds (all are killed).
    """
    port = free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(TESTS), *filter(None, [env.get("PYTHONPATH")])]
    )
    env["JAX_PLATFORMS"] = "cpu"
    env.pop("XLA_FLAGS", None)  # one CPU device per process
    with tempfile.TemporaryDirectory() as out:
        logs = [Path(out) / f"{index}.log" for index in range(processes)]
        started = []
        for index in range(processes):
            command = [
                sys.executable,
                "-m",
                "helpers.distributed_worker",
                scenario,
                str(index),
                str(processes),
                str(port),
                out,
            ]
            with logs[index].open("w") as log:
                started.append(
                    subprocess.Popen(
                        command, stdout=log, stderr=subprocess.STDOUT, env=env
                    )
                )
        deadline = time.monotonic() + timeout
        try:
            while True:
                codes = [p.poll() for p in started]  # every one, each time
                if None not in codes:
                    break
                if any(code not in (None, 0) for code in codes):
                    break  # one failed: the others may wait for it forever
                if time.monotonic() > deadline:
                    raise ProcessesError(
                        f"{scenario}: still running after {timeout:.0f} s\n"
                        + _outputs(logs)
                    )
                time.sleep(0.2)
        finally:
            for process in started:
                if process.poll() is None:
                    process.kill()
                process.wait()
        codes = [p.returncode for p in started]
        if any(code != 0 for code in codes):
            raise ProcessesError(
                f"{scenario}: exit statuses {codes}\n" + _outputs(logs)
            )
        results = []
        for index in range(processes):
            with np.load(Path(out) / f"{index}.npz") as saved:
                results.append({name: saved[name] for name in saved.files})
        return results


def _outputs(logs: list[Path]) -> str:
    return "\n".join(
        f"--- process {index} ---\n{log.read_text()[-4000:]}"
        for index, log in enumerate(logs)
    )
