"""Data-parallel SVI across several processes, with typed distributions.

One JAX program runs in several processes joined by `jax.distributed`; the
observations are split between them (each holds its own rows), and every SVI
step computes the loss and its gradient over all rows together. The model is
the one you would write for one process: only the data's sharding changes.

    python examples/distributed_svi.py                # 2 local processes, full size
    python examples/distributed_svi.py --smoke        # 2 local processes, small, ~20 s
    python examples/distributed_svi.py --processes 4  # 4 local processes

On several hosts, start one process per host yourself, with the same
coordinator (the address of process 0) and each its own id:

    python examples/distributed_svi.py --coordinator host0:1234 \\
        --num-processes 4 --process-id 0    # on host0; 1, 2, 3 on the others
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
from jax.experimental import multihost_utils
from jax.sharding import Mesh, NamedSharding, PartitionSpec as _PartitionSpec
from numpyro.infer import SVI, Trace_ELBO
from numpyro.infer.autoguide import AutoNormal
from numpyro.optim import Adam

import typed_dists as dist

# JAX leaves these unannotated; mypy --strict refuses calls to them.
jax_api: Any = jax
SVI_: Any = SVI
AutoNormal_: Any = AutoNormal
Trace_ELBO_: Any = Trace_ELBO
PartitionSpec: Any = _PartitionSpec


@dataclass(frozen=True)
class Config:
    rows_per_process: int
    steps: int


FULL = Config(rows_per_process=5000, steps=2000)
SMOKE = Config(rows_per_process=200, steps=300)
TRUE_ALPHA, TRUE_BETA, TRUE_SIGMA = 1.0, 2.0, 0.5


def model(x: jax.Array, y: jax.Array | None = None) -> None:
    """y[n] ~ Normal(alpha + beta * x[n], sigma)."""
    alpha = jnp.asarray(numpyro.sample("alpha", dist.Normal(0.0, 10.0)))
    beta = jnp.asarray(numpyro.sample("beta", dist.Normal(0.0, 10.0)))
    sigma = jnp.asarray(numpyro.sample("sigma", dist.HalfNormal(1.0)))
    with numpyro.plate("data", x.shape[0]):
        numpyro.sample("y", dist.Normal(alpha + beta * x, sigma), obs=y)


def local_rows(
    process: int, processes: int, config: Config
) -> tuple[np.ndarray, np.ndarray]:
    """This process's rows of the data set: in a real program, read from its
    own file or shard of the storage; here, simulated from the same seed in
    every process, so that the rows are the same whatever the process count."""
    rng = np.random.default_rng(0)
    n = processes * config.rows_per_process
    x = rng.normal(size=n).astype(np.float32)
    y = (TRUE_ALPHA + TRUE_BETA * x + TRUE_SIGMA * rng.normal(size=n)).astype(
        np.float32
    )
    rows = slice(
        process * config.rows_per_process, (process + 1) * config.rows_per_process
    )
    return x[rows], y[rows]


def worker(args: argparse.Namespace) -> None:
    """One process of the program."""
    # CPU collectives between processes (GPUs and TPUs bring their own).
    jax_api.config.update("jax_cpu_collectives_implementation", "gloo")
    jax_api.distributed.initialize(
        coordinator_address=args.coordinator,
        num_processes=args.num_processes,
        process_id=args.process_id,
    )
    config = SMOKE if args.smoke else FULL
    start = time.perf_counter()

    # One mesh over every process's devices; the rows are split along it.
    mesh = Mesh(np.array(jax.devices()), ("data",))
    rows = NamedSharding(mesh, PartitionSpec("data"))
    x_local, y_local = local_rows(jax.process_index(), jax.process_count(), config)
    x: jax.Array = jax_api.make_array_from_process_local_data(rows, x_local)
    y: jax.Array = jax_api.make_array_from_process_local_data(rows, y_local)

    svi = SVI_(model, AutoNormal_(model), Adam(0.02), Trace_ELBO_())
    state = jax.jit(svi.init)(jax.random.key(args.seed), x, y)
    update = jax.jit(svi.update)
    losses = []
    for _ in range(config.steps):
        state, loss = update(state, x, y)
        losses.append(float(loss))
    medians = svi.guide.median(svi.get_params(state))
    alpha, beta, sigma = (float(medians[name]) for name in ("alpha", "beta", "sigma"))
    # Every process holds the same parameters: check it, as a program would.
    gathered = multihost_utils.process_allgather(jnp.array([alpha, beta, sigma]))
    same = bool(np.all(np.asarray(gathered) == np.asarray(gathered)[0]))

    if jax.process_index() == 0:
        mode = "smoke" if args.smoke else "full"
        print(f"== distributed_svi summary ({mode}) ==")
        print(
            f"processes: {jax.process_count()}, devices: {jax.device_count()}, "
            f"rows: {x.shape[0]} ({config.rows_per_process} per process)"
        )
        print(f"loss: first {losses[0]:.1f}, last {losses[-1]:.1f}")
        print(f"posterior median alpha: {alpha:.3f}  (true {TRUE_ALPHA})")
        print(f"posterior median beta: {beta:.3f}  (true {TRUE_BETA})")
        print(f"posterior median sigma: {sigma:.3f}  (true {TRUE_SIGMA})")
        print(f"same parameters in every process: {same}")
        print(f"wall time: {time.perf_counter() - start:.1f} s")
        if args.smoke:
            assert np.isfinite(losses).all()
            assert losses[-1] < losses[0], (losses[0], losses[-1])
            assert abs(beta - TRUE_BETA) < 0.2, beta
            assert abs(alpha - TRUE_ALPHA) < 0.2, alpha
            assert same
            print("smoke checks passed")
    sys.stdout.flush()
    jax_api.distributed.shutdown()


def launch(args: argparse.Namespace) -> int:
    """Start `--processes` local processes of this script and wait for them;
    print process 0's output. Every process is stopped if one fails."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    common = [
        "--coordinator",
        f"127.0.0.1:{port}",
        "--num-processes",
        str(args.processes),
    ]
    common += ["--seed", str(args.seed)] + (["--smoke"] if args.smoke else [])
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, *common, "--process-id", str(i)],
            stdout=subprocess.PIPE if i == 0 else subprocess.DEVNULL,
            text=True,
            env=env,
        )
        for i in range(args.processes)
    ]
    deadline = time.monotonic() + args.timeout
    try:
        while True:
            codes = [p.poll() for p in processes]
            if None not in codes or any(c not in (None, 0) for c in codes):
                break
            if time.monotonic() > deadline:
                print(f"stopped after {args.timeout} s", file=sys.stderr)
                return 1
            time.sleep(0.2)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait()
    first = processes[0].stdout
    print(first.read() if first is not None else "", end="")
    return max(abs(int(p.returncode)) for p in processes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes, for CI")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--processes", type=int, default=2, help="local processes to start (default 2)"
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds before the run is stopped"
    )
    parser.add_argument("--coordinator", help="host:port of process 0 (one process)")
    parser.add_argument("--num-processes", type=int, help="processes in the program")
    parser.add_argument("--process-id", type=int, help="this process's id")
    args = parser.parse_args()
    if args.process_id is None:
        sys.exit(launch(args))
    worker(args)


if __name__ == "__main__":
    main()
