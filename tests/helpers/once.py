"""Work done once per test run, whichever pytest-xdist worker asks first.

`conftest.py` gives every run a temporary directory shared by its workers
(`RUN_DIRECTORY`, an environment variable set by the controller). The first
worker to ask for a result computes it and writes it there as JSON; a worker
asking meanwhile waits for the file. A failure is written too, so the others
fail with its message instead of waiting.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RUN_DIRECTORY = "TYPED_DISTS_TEST_RUN_DIR"
_POLL = 0.2  # seconds between looks at the file, while another worker works


def once_per_run(name: str, compute: Callable[[], Any], timeout: float) -> Any:
    """`compute()` (a JSON value), computed by one worker of the run.

    Raises:
        RuntimeError: the worker that computed it failed (its message), or
            it did not finish within `timeout` seconds.
    """
    directory = Path(os.environ.get(RUN_DIRECTORY) or tempfile.gettempdir())
    result, failure = directory / f"{name}.json", directory / f"{name}.failed"
    try:
        os.close(os.open(directory / f"{name}.lock", os.O_CREAT | os.O_EXCL))
    except FileExistsError:  # another worker computes it
        deadline = time.monotonic() + timeout
        while not result.exists():
            if failure.exists():
                raise RuntimeError(failure.read_text()) from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name}: not computed in {timeout} s") from None
            time.sleep(_POLL)
        return json.loads(result.read_text())
    try:
        value = compute()
    except BaseException as error:
        failure.write_text(f"{name} failed in another worker: {error!r}")
        raise
    partial = directory / f"{name}.partial"
    partial.write_text(json.dumps(value))
    partial.replace(result)  # atomic: a waiter never reads half a file
    return value
