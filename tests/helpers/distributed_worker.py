"""One process of a multi-process JAX program (started by `helpers.processes`).

`python -m helpers.distributed_worker SCENARIO ID COUNT PORT OUT` joins the
JAX distributed runtime on localhost as process `ID` of `COUNT`, runs
`SCENARIO` over a global mesh of all processes' devices, and saves what it
computed to `OUT/<ID>.npz`. Each scenario computes with
`numpyro.distributions` and with `typed_dists` in the same process, so the
test can compare them, and across processes.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as nd
from jax.experimental import multihost_utils
from jax.sharding import Mesh, NamedSharding, PartitionSpec as _PartitionSpec
from numpyro.infer import (
    MCMC as _MCMC,
    NUTS as _NUTS,
    SVI as _SVI,
    Trace_ELBO as _Trace_ELBO,
)
from numpyro.infer.autoguide import AutoNormal as _AutoNormal
from numpyro.optim import Adam

import typed_dists as td

# NumPyro leaves these unannotated; mypy --strict refuses calls to them.
MCMC: Any = _MCMC
NUTS: Any = _NUTS
SVI: Any = _SVI
Trace_ELBO: Any = _Trace_ELBO
AutoNormal: Any = _AutoNormal
# JAX leaves these unannotated.
PartitionSpec: Any = _PartitionSpec
jax_api: Any = jax

MODULES: dict[str, ModuleType] = {"numpyro": nd, "typed": td}
ROWS = 8
"""Observations per process."""

Results = dict[str, Any]


def _mesh() -> tuple[Mesh, NamedSharding]:
    mesh = Mesh(np.array(jax.devices()), ("data",))
    return mesh, NamedSharding(mesh, PartitionSpec("data"))


def _data(count: int) -> tuple[np.ndarray, np.ndarray]:
    """The whole data set (the same in every process): `count * ROWS` rows."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=count * ROWS).astype(np.float32)
    y = (1.0 + 2.0 * x + 0.5 * rng.normal(size=x.shape)).astype(np.float32)
    return x, y


def _global(sharding: NamedSharding, whole: np.ndarray, index: int) -> jax.Array:
    """This process's rows of `whole`, as its shard of one global array."""
    local = whole.reshape(-1, ROWS, *whole.shape[1:])[index]
    array: jax.Array = jax_api.make_array_from_process_local_data(sharding, local)
    return array


def _gather(array: jax.Array) -> np.ndarray:
    return np.asarray(multihost_utils.process_allgather(array, tiled=True))


def regression(m: ModuleType) -> Callable[..., None]:
    def model(x: jax.Array, y: jax.Array | None = None) -> None:
        alpha: Any = numpyro.sample("alpha", m.Normal(0.0, 10.0))
        beta: Any = numpyro.sample("beta", m.Normal(0.0, 1.0))
        sigma: Any = numpyro.sample("sigma", m.HalfNormal(1.0))
        with numpyro.plate("data", x.shape[0]):
            numpyro.sample("y", m.Normal(alpha + beta * x, sigma), obs=y)

    return model


def sharding(index: int, count: int) -> Results:
    """A typed distribution of globally sharded parameters keeps their
    sharding through construction, `log_prob` and `sample`."""
    _, shard = _mesh()
    whole = np.linspace(-1.0, 1.0, count * ROWS, dtype=np.float32)
    loc = _global(shard, whole, index)
    scale = _global(shard, np.abs(whole) + 0.5, index)
    value = _global(shard, whole * 0.5, index)
    out: Results = {}
    for name, m in MODULES.items():
        dist = m.Normal(loc, scale)  # eagerly, with NumPyro's validation on
        out[f"{name}-built-loc-sharded"] = np.array(dist.loc.sharding == shard)
        log_prob = jax.jit(lambda d, v: d.log_prob(v))(dist, value)
        draws = jax.jit(lambda d, k: d.sample(k))(dist, jax.random.key(3))
        out[f"{name}-log_prob-sharded"] = np.array(
            log_prob.sharding.is_equivalent_to(shard, 1)
        )
        out[f"{name}-sample-sharded"] = np.array(
            draws.sharding.is_equivalent_to(shard, 1)
        )
        out[f"{name}-log_prob"] = _gather(log_prob)
        out[f"{name}-sample"] = _gather(draws)
    return out


def svi(index: int, count: int) -> Results:
    """Data-parallel SVI: the observations are sharded over the processes."""
    _, shard = _mesh()
    x_all, y_all = _data(count)
    x, y = _global(shard, x_all, index), _global(shard, y_all, index)
    out: Results = {}
    for name, m in MODULES.items():
        model = regression(m)
        engine = SVI(model, AutoNormal(model), Adam(0.05), Trace_ELBO())
        state = jax.jit(engine.init)(jax.random.key(0), x, y)
        update = jax.jit(engine.update)
        losses = []
        for _ in range(40):
            state, loss = update(state, x, y)
            losses.append(np.asarray(loss))
        out[f"{name}-losses"] = np.stack(losses)
        params = engine.get_params(state)
        for key, value in params.items():
            out[f"{name}-param-{key}"] = np.asarray(value)
    return out


def nuts(index: int, count: int) -> Results:
    """NUTS chains split across the processes, one each, gathered."""
    x_all, y_all = _data(count)
    out: Results = {}
    for name, m in MODULES.items():
        mcmc = MCMC(
            NUTS(regression(m)), num_warmup=100, num_samples=100, progress_bar=False
        )
        key = jax.random.fold_in(jax.random.key(1), index)
        mcmc.run(key, jnp.asarray(x_all), jnp.asarray(y_all))
        for site, draws in mcmc.get_samples().items():
            local = jnp.asarray(draws)[None]  # (1 chain, draws)
            out[f"{name}-{site}"] = np.asarray(
                multihost_utils.process_allgather(local, tiled=True)
            )
    return out


def eager_checks(index: int, count: int) -> Results:
    """A negative scale in one process's shard: the eager check raises the
    same error in every process."""
    _, shard = _mesh()
    whole = np.ones(count * ROWS, dtype=np.float32)
    whole[-2] = -1.0  # in the last process's shard
    scale = _global(shard, whole, index)
    try:
        td.Normal(0.0, scale)
    except td.ParameterValueError as error:
        return {"error": np.array(str(error)), "parameter": np.array(error.parameter)}
    return {"error": np.array("")}


def checked(index: int, count: int) -> Results:
    """The "checked" mode inside compiled code, with a bad value that one
    process holds (a shard) or that all hold (a replicated scalar): every
    process raises, and all can go on with the next collective."""
    _, shard = _mesh()
    whole = np.ones(count * ROWS, dtype=np.float32)
    whole[-2] = -1.0  # in the last process's shard
    scale = _global(shard, whole, index)
    good = _global(shard, np.ones(count * ROWS, dtype=np.float32), index)
    x = _global(shard, np.zeros(count * ROWS, dtype=np.float32), index)
    out: Results = {}
    with td.validation("checked"):

        @jax.jit
        def sharded(s: jax.Array, v: jax.Array) -> jax.Array:
            return td.Normal(0.0, s).log_prob(v).sum()

        @jax.jit
        def replicated(s: jax.Array, v: jax.Array) -> jax.Array:
            return td.Normal(v, s).log_prob(v).sum()

        out["good"] = np.asarray(sharded(good, x))
        calls: dict[str, Callable[[], jax.Array]] = {
            "sharded": lambda: sharded(scale, x),
            "replicated": lambda: replicated(jnp.float32(-1.0), x),
        }
        for case, call in calls.items():
            started = time.monotonic()
            try:
                np.asarray(call())
                out[case] = np.array("")
            except Exception as error:  # the runtime's error, with ours inside
                out[case] = np.array(str(error))
            out[f"{case}-seconds"] = np.array(time.monotonic() - started)
    out["after"] = _gather(jnp.full(1, float(index)))
    return out


def one_fails(index: int, count: int) -> Results:
    """The last process fails; the others wait for it in a collective (for the
    test of `helpers.processes` itself)."""
    if index == count - 1:
        raise SystemExit("failing on purpose")
    _gather(jnp.ones(1))
    return {}


def sleeps(index: int, count: int) -> Results:
    """Outlasts any timeout a test gives it (for `helpers.processes`)."""
    time.sleep(600)
    return {}


SCENARIOS: dict[str, Callable[[int, int], Results]] = {
    "sharding": sharding,
    "svi": svi,
    "nuts": nuts,
    "eager-checks": eager_checks,
    "checked": checked,
    "one-fails": one_fails,
    "sleeps": sleeps,
}


def main(argv: list[str]) -> None:
    scenario, index, count, port, out = argv
    # Before the runtime starts: CPU collectives between processes.
    jax_api.config.update("jax_cpu_collectives_implementation", "gloo")
    jax_api.distributed.initialize(
        coordinator_address=f"127.0.0.1:{port}",
        num_processes=int(count),
        process_id=int(index),
    )
    numpyro.enable_validation(True)
    try:
        results = SCENARIOS[scenario](int(index), int(count))
    except BaseException:
        traceback.print_exc()
        sys.stdout.flush()
        # Without JAX's shutdown, which waits for every other process at a
        # barrier: the others may be waiting for this one in a collective.
        os._exit(1)
    np.savez(Path(out) / f"{index}.npz", **results)
    jax_api.distributed.shutdown()


if __name__ == "__main__":
    main(sys.argv[1:])
