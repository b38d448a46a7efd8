"""Misuse that both checkers must reject.

Each line carries the error code each checker is expected to report: mypy
(`warn_unused_ignores`) and pyright (`reportUnnecessaryTypeIgnoreComment`)
fail if an expected error goes missing.
"""

from __future__ import annotations

import jax.numpy as jnp

import typed_dists as td


def misspelled_keyword() -> None:
    td.Bernoulli(prob=0.3)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]


def no_parametrisation() -> None:
    td.Bernoulli()  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]


def both_parametrisations() -> None:
    td.Bernoulli(probs=0.3, logits=0.0)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]


def wrong_kinds() -> None:
    td.Normal("0", 1.0)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    td.Normal(None, 1.0)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    td.Normal([0.0, 1.0], 1.0)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    td.Normal(jnp.zeros(3), scale="1")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def misspelled_attribute() -> None:
    print(td.Normal(0.0, 1.0).scal)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownArgumentType]
