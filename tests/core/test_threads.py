"""Construction from several threads at once keeps the checks correct.

A constructor checks all its arguments inside one jaxtyping shape memo
(`jaxtyping.jaxtyped("context")`), in which dimension names (`*#batch`, `n`)
are bound by the first argument and checked against by the next. The memo
is thread-local: `test_shape_memo_is_thread_local` shows it deterministically
(one thread holds a binding while another binds the same name to another
size), and `test_concurrent_constructions` builds distributions whose shapes
differ per thread from 8 threads at once, switching threads as often as the
interpreter allows, with calls that must be rejected interleaved: any
accepted bad call, rejected good call or wrong shape is collected and
reported.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import jax
import jax.numpy as jnp
import jaxtyping
import numpy as np
import pytest
from beartype.door import is_bearable
from jaxtyping import Float

import typed_dists as td

THREADS = 8
ROUNDS = 150


@pytest.fixture
def frequent_switches() -> Iterator[None]:
    """Switch threads every 100 microseconds (the default is 5 ms), so that
    constructions in different threads interleave within one check."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def _run_threads(target: Callable[[int], None], count: int) -> list[str]:
    """Run `target(index)` in `count` threads; return what any of them raised."""
    errors: list[str] = []

    def run(index: int) -> None:
        try:
            target(index)
        except BaseException as error:  # reported, not lost in the thread
            errors.append(f"thread {index}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    errors += [
        f"thread {i} did not finish" for i, t in enumerate(threads) if t.is_alive()
    ]
    return errors


def test_shape_memo_is_thread_local() -> None:
    # Both threads hold a memo open at once, each with `n` bound to its own
    # size (thread i to 3 + i), and check in turn while the other's binding is
    # live: each must see its own binding only. A memo shared between threads
    # would give the second binding to both (or reject it).
    hint: Any = Float[np.ndarray, "n"]
    steps = [threading.Event() for _ in range(4)]
    seen: dict[int, tuple[bool, bool, bool]] = {}

    def step(done: int, then_wait_for: int | None) -> None:
        steps[done].set()
        if then_wait_for is not None:
            assert steps[then_wait_for].wait(timeout=10)

    def target(index: int) -> None:
        own, other = 3 + index, 4 - index
        if index == 1:
            assert steps[0].wait(timeout=10)
        with jaxtyping.jaxtyped("context"):
            bound = is_bearable(np.zeros(own), hint)
            # 0: thread 0 bound; 1: thread 1 bound.
            step(index, then_wait_for=1 if index == 0 else 2)
            seen[index] = (
                bound,
                is_bearable(np.zeros(own), hint),
                is_bearable(np.zeros(other), hint),
            )
            # 2: thread 0 checked, with thread 1's binding live; 3: thread 1
            # checked, with thread 0's binding live. Leave in reverse order.
            step(2 + index, then_wait_for=3 if index == 0 else None)

    assert _run_threads(target, 2) == []
    # Each thread: its binding holds, the other thread's size is rejected.
    assert seen == {0: (True, True, False), 1: (True, True, False)}


def _expect_rejected(
    failures: list[str],
    what: str,
    build: Callable[[], object],
    owner: str,
    parameter: str,
) -> None:
    try:
        build()
    except TypeError as error:
        message = str(error)
        if owner not in message or f"`{parameter}`" not in message:
            failures.append(f"{what}: message does not name {owner}/`{parameter}`")
        return
    except Exception as error:
        failures.append(f"{what}: {type(error).__name__} instead of TypeError")
        return
    failures.append(f"{what}: accepted")


def _expect_accepted(
    failures: list[str],
    what: str,
    build: Callable[[], td.TypedDistribution[Any]],
    batch_shape: tuple[int, ...],
    event_shape: tuple[int, ...],
) -> None:
    try:
        d = build()
    except Exception as error:
        failures.append(f"{what}: rejected: {type(error).__name__}: {error}")
        return
    shapes = (d.batch_shape, d.event_shape)
    if shapes != (batch_shape, event_shape):
        failures.append(f"{what}: shapes {shapes}, expected {batch_shape, event_shape}")


def test_concurrent_constructions(frequent_switches: None) -> None:
    barrier = threading.Barrier(THREADS)
    outcomes: dict[int, list[str]] = {i: [] for i in range(THREADS)}
    counts: dict[int, int] = {}

    def target(index: int) -> None:
        # Sizes differ per thread; k >= 2, as size 1 would broadcast.
        k, n = index + 2, index + 2
        loc, scale, scale_wrong = jnp.zeros(k), jnp.ones(k), jnp.ones(k + 1)
        int_loc = jnp.zeros(k, dtype=jnp.int32)
        mvn_loc, cov, cov_wrong = jnp.zeros(n), jnp.eye(n), jnp.eye(n + 1)
        failures = outcomes[index]
        barrier.wait(timeout=30)
        calls = 0
        for r in range(ROUNDS):
            tag = f"thread {index} round {r}"
            _expect_accepted(
                failures, f"{tag} Normal", lambda: td.Normal(loc, scale), (k,), ()
            )
            _expect_rejected(
                failures,
                f"{tag} Normal shape",
                lambda: td.Normal(loc, scale_wrong),
                "Normal",
                "scale",
            )
            _expect_accepted(
                failures,
                f"{tag} MVN",
                lambda: td.MultivariateNormal(mvn_loc, covariance_matrix=cov),
                (),
                (n,),
            )
            _expect_rejected(
                failures,
                f"{tag} MVN shape",
                lambda: td.MultivariateNormal(mvn_loc, covariance_matrix=cov_wrong),
                "MultivariateNormal",
                "covariance_matrix",
            )
            _expect_rejected(
                failures,
                f"{tag} Normal dtype",
                lambda: td.Normal(int_loc, scale),
                "Normal",
                "loc",
            )
            calls += 5
        counts[index] = calls

    start = time.perf_counter()
    errors = _run_threads(target, THREADS)
    elapsed = time.perf_counter() - start
    assert errors == []
    assert counts == {i: 5 * ROUNDS for i in range(THREADS)}
    failures = [f for i in range(THREADS) for f in outcomes[i]]
    assert not failures, f"{len(failures)} unexpected outcomes:\n" + "\n".join(
        failures[:50]
    )
    assert elapsed < 60, elapsed


def test_concurrent_constructions_while_tracing(frequent_switches: None) -> None:
    # The same checks at trace time (as under `jax.jit`), with tracers:
    # `jax.eval_shape` traces without compiling.
    barrier = threading.Barrier(THREADS)
    outcomes: dict[int, list[str]] = {i: [] for i in range(THREADS)}

    def target(index: int) -> None:
        k = index + 2
        failures = outcomes[index]

        def good(loc: jax.Array, scale: jax.Array) -> jax.Array:
            return td.Normal(loc, scale).log_prob(loc)

        barrier.wait(timeout=30)
        for r in range(4):
            shape, wrong = (k, r + 1), (k + 1, r + 1)
            value = jax.eval_shape(good, jnp.zeros(shape), jnp.ones(shape))
            if value.shape != shape:
                failures.append(f"thread {index}: log_prob shape {value.shape}")
            _expect_rejected(
                failures,
                f"thread {index} round {r} traced shape",
                functools.partial(
                    jax.eval_shape, good, jnp.zeros(shape), jnp.ones(wrong)
                ),
                "Normal",
                "scale",
            )

    assert _run_threads(target, THREADS) == []
    failures = [f for i in range(THREADS) for f in outcomes[i]]
    assert not failures, "\n".join(failures)
