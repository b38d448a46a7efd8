"""Typed distributions past one device: parallel chains and sharded parameters.

JAX fixes its device count when it starts, so the work runs in a separate
Python process started with 4 virtual CPU devices
(`XLA_FLAGS=--xla_force_host_platform_device_count=4`). That process runs
`_child` (below, type-checked with this file) and prints its results as JSON;
the tests assert on that JSON. Float32 values survive the trip exactly (a
float32 is a Python float, which JSON writes with enough digits to read back).

- NUTS with `chain_method="parallel"` and 4 chains, one per device, with the
  model written once and run with NumPyro's and with typed distributions
  under the same key: the draws must be identical.
- Distributions whose parameters are sharded over the 4 devices with
  `NamedSharding(Mesh(devices, ("x",)), PartitionSpec("x"))`: the typed
  `log_prob`, eager and under `jax.jit`, must be identical to the unsharded
  typed one and to NumPyro's (eager to eager, jitted to jitted: a fused XLA
  program may round differently from op-by-op evaluation, NumPyro's own
  included); the stored parameters must keep their sharding.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from helpers.compat import assert_close, assert_identical
from helpers.once import once_per_run

# Slow (a subprocess on 4 virtual devices): left out of `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

DEVICES = 4
NUM_CHAINS = 4
NUM_WARMUP = 100
NUM_SAMPLES = 100
BATCH = 16
TIMEOUT = 240  # seconds; the child takes well under a minute on a quiet machine

Model = Callable[..., None]

# ---------------------------------------------------------------------------
# The child process (imports JAX only here, after XLA_FLAGS is set)


def _tolist(tree: Any) -> Any:
    import jax
    import numpy as np

    return jax.tree.map(lambda leaf: np.asarray(leaf).tolist(), tree)


def _logistic_regression_for(dist: ModuleType) -> Model:
    import jax
    import jax.numpy as jnp
    import numpyro

    def model(x: jax.Array, y: jax.Array | None = None) -> None:
        scale = numpyro.sample("scale", dist.HalfNormal(1.0))
        w = numpyro.sample("w", dist.Normal(jnp.zeros(x.shape[1]), scale).to_event(1))
        b = numpyro.sample("b", dist.Normal(0.0, 1.0))
        with numpyro.plate("data", x.shape[0]):
            numpyro.sample("y", dist.Bernoulli(logits=x @ w + b), obs=y)

    return model


def _parallel_chains() -> dict[str, Any]:
    import jax
    import jax.numpy as jnp
    import numpyro.distributions as nd
    from numpyro.infer import MCMC, NUTS

    import typed_dists as td

    kx, ky = jax.random.split(jax.random.key(0))
    x = jax.random.normal(kx, (100, 3))
    logits = x @ jnp.array([1.0, -0.5, 0.25]) + 0.3
    y = (jax.random.uniform(ky, (100,)) < jax.nn.sigmoid(logits)).astype(jnp.float32)

    out: dict[str, Any] = {}
    for name, dist in (("numpyro", nd), ("typed", td)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            mcmc: Any = MCMC(  # unannotated
                NUTS(_logistic_regression_for(dist)),
                num_warmup=NUM_WARMUP,
                num_samples=NUM_SAMPLES,
                num_chains=NUM_CHAINS,
                chain_method="parallel",
                progress_bar=False,
            )
            mcmc.run(jax.random.key(1), x, y)
            samples = mcmc.get_samples(group_by_chain=True)
        out[name] = {
            "samples": _tolist(samples),
            "chain_method": mcmc.chain_method,
            "warnings": [str(w.message) for w in caught],
            "sample_devices": len(samples["b"].sharding.device_set),
        }
    return out


# Builds a distribution from a distributions module and its parameters.
_Build = Callable[[ModuleType, tuple[Any, ...]], Any]


def _build_log_prob(
    build: _Build, dist: ModuleType, params: tuple[Any, ...], value: Any
) -> Any:
    return build(dist, params).log_prob(value)


def _sharded_log_prob() -> dict[str, Any]:
    import jax
    import jax.numpy as jnp
    import numpy as np
    import numpyro.distributions as nd
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    import typed_dists as td

    mesh = Mesh(np.array(jax.devices()), ("x",))
    partition_spec: Any = PartitionSpec  # unannotated
    sharding = NamedSharding(mesh, partition_spec("x"))

    def shard(a: jax.Array) -> jax.Array:
        sharded: jax.Array = jax.device_put(a, sharding)
        return sharded

    loc = jnp.linspace(-1.0, 1.0, BATCH)
    scale = jnp.linspace(0.5, 2.0, BATCH)
    value = jnp.linspace(-2.0, 3.0, BATCH)
    logits = jnp.linspace(-3.0, 3.0, BATCH)
    mvn_loc = jnp.linspace(-1.0, 1.0, BATCH * 2).reshape(BATCH, 2)
    mvn_value = jnp.linspace(0.5, -0.5, BATCH * 2).reshape(BATCH, 2)
    scale_tril = jnp.array([[1.0, 0.0], [0.3, 0.8]])
    flips = (jnp.arange(BATCH) % 3 == 0).astype(jnp.float32)

    # name -> (build from a distributions module and the parameters, the
    # unsharded parameters, the value). Values are sharded too.
    cases: dict[str, tuple[_Build, tuple[jax.Array, ...], jax.Array]] = {
        "Normal": (lambda d, p: d.Normal(p[0], p[1]), (loc, scale), value),
        "Normal(loc, 1.0)": (lambda d, p: d.Normal(p[0], 1.0), (loc,), value),
        "Gamma": (lambda d, p: d.Gamma(p[0], p[1]), (scale, scale + 1.0), scale),
        "Bernoulli(logits)": (lambda d, p: d.Bernoulli(logits=p[0]), (logits,), flips),
        "MultivariateNormal": (
            lambda d, p: d.MultivariateNormal(p[0], scale_tril=scale_tril),
            (mvn_loc,),
            mvn_value,
        ),
    }

    def log_prob(d: Any, v: jax.Array) -> jax.Array:
        return jnp.asarray(d.log_prob(v))

    jitted_log_prob = jax.jit(log_prob)

    out: dict[str, Any] = {}
    for name, (build, params, v) in cases.items():
        sharded_params = tuple(shard(p) for p in params)
        v_sharded = shard(v)
        typed_sharded = build(td, sharded_params)
        with td.compiled_methods(False):  # NumPyro's eager path, operation by operation
            typed_eager = log_prob(build(td, params), v)
            typed_sharded_eager = log_prob(typed_sharded, v_sharded)
        results = {
            # Eager.
            "numpyro": log_prob(build(nd, params), v),
            "numpyro_sharded": log_prob(build(nd, sharded_params), v_sharded),
            "typed": typed_eager,
            "typed_sharded": typed_sharded_eager,
            # Eager, compiled once per signature (typed_dists' default).
            "typed_compiled": log_prob(build(td, params), v),
            "typed_sharded_compiled": log_prob(typed_sharded, v_sharded),
            # Under `jax.jit`, unsharded.
            "numpyro_jit": jitted_log_prob(build(nd, params), v),
            "typed_jit": jitted_log_prob(build(td, params), v),
            # Under `jax.jit`, sharded: the typed module crosses the jit
            # boundary as a pytree, or is built inside from sharded arrays.
            "numpyro_sharded_jit": jitted_log_prob(
                build(nd, sharded_params), v_sharded
            ),
            "typed_sharded_jit": jitted_log_prob(typed_sharded, v_sharded),
            "typed_sharded_jit_built": jax.jit(
                functools.partial(_build_log_prob, build, td)
            )(sharded_params, v_sharded),
        }
        stored = {
            f.name: getattr(typed_sharded, f.name)
            for f in dataclasses.fields(typed_sharded)
            if isinstance(getattr(typed_sharded, f.name), jax.Array)
        }
        out[name] = {
            "log_prob": _tolist(results),
            "stored": {
                field: {
                    "dtype": str(a.dtype),
                    "shape": list(a.shape),
                    "sharding": str(a.sharding),
                    "kept": bool(
                        isinstance(a.sharding, NamedSharding)
                        and a.sharding.is_equivalent_to(sharding, a.ndim)
                    ),
                    "devices": len(a.sharding.device_set),
                }
                for field, a in stored.items()
            },
            "output_devices": {
                k: len(r.sharding.device_set) for k, r in results.items()
            },
        }
    return out


def _child() -> None:
    import jax

    start = time.perf_counter()
    out: dict[str, Any] = {
        "device_count": jax.device_count(),
        "local_device_count": jax.local_device_count(),
        "parallel": _parallel_chains(),
        "sharded": _sharded_log_prob(),
    }
    out["seconds"] = time.perf_counter() - start
    print(json.dumps(out))


# ---------------------------------------------------------------------------
# The tests


def _run_child() -> dict[str, Any]:
    here = Path(__file__).resolve().parent
    script = (
        f"import sys; sys.path[:0] = [{str(here)!r}, {str(here.parent)!r}]; "
        "from test_compat_devices import _child; _child()"
    )
    # The suite's XLA flags and optimisation setting (conftest.py: both sides
    # of every comparison compiled alike), plus the device count.
    flags = os.environ.get("XLA_FLAGS", "")
    env = {
        **os.environ,
        "XLA_FLAGS": f"{flags} --xla_force_host_platform_device_count={DEVICES}",
        "JAX_PLATFORMS": "cpu",
        "JAX_DISABLE_MOST_OPTIMIZATIONS": "true",
    }
    completed = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


@functools.cache
def _child_results() -> dict[str, Any]:
    """The child's results, from one child per test run (the module's tests
    may be spread over several pytest-xdist workers)."""
    result: dict[str, Any] = once_per_run("devices-child", _run_child, TIMEOUT)
    return result


@pytest.fixture(scope="module")
def child() -> dict[str, Any]:
    return _child_results()


def _arrays(tree: Any) -> Any:
    """JSON lists back as float32 arrays (exact: they were float32)."""
    if isinstance(tree, dict):
        return {k: _arrays(v) for k, v in tree.items()}
    return np.asarray(tree, dtype=np.float32)


@pytest.mark.slow
def test_four_devices(child: dict[str, Any]) -> None:
    assert child["device_count"] == DEVICES
    assert child["local_device_count"] == DEVICES


@pytest.mark.slow
def test_parallel_chains_identical(child: dict[str, Any]) -> None:
    plain, typed = child["parallel"]["numpyro"], child["parallel"]["typed"]
    for run in (plain, typed):
        # Drawn in parallel, not by the sequential fallback.
        assert run["chain_method"] == "parallel"
        assert not [w for w in run["warnings"] if "not enough devices" in w]
        assert run["sample_devices"] == DEVICES
    samples = _arrays(typed["samples"])
    assert samples.keys() == {"scale", "w", "b"}
    assert samples["w"].shape == (NUM_CHAINS, NUM_SAMPLES, 3)
    assert np.all(np.isfinite(samples["b"]))
    # Four chains, four different sequences of draws.
    assert len({row.tobytes() for row in samples["b"]}) == NUM_CHAINS
    assert_identical(_arrays(plain["samples"]), samples)


CASES = [
    "Normal",
    "Normal(loc, 1.0)",
    "Gamma",
    "Bernoulli(logits)",
    "MultivariateNormal",
]


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_sharded_log_prob_identical(child: dict[str, Any], case: str) -> None:
    """Sharded or not, typed or NumPyro's: identical eager results (typed ones
    with compiled eager calls off), and identical results under `jax.jit`,
    which typed eager calls, compiled, give too."""
    r = _arrays(child["sharded"][case]["log_prob"])
    expected = r["numpyro"]
    assert expected.shape == (BATCH,)
    assert np.all(np.isfinite(expected))
    for name in ("numpyro_sharded", "typed", "typed_sharded"):
        assert_identical({name: expected}, {name: r[name]})
    expected_jit = r["numpyro_jit"]
    for name in (
        "typed_jit",
        "numpyro_sharded_jit",
        "typed_sharded_jit",
        "typed_sharded_jit_built",
        "typed_compiled",
        "typed_sharded_compiled",
    ):
        assert_identical({name: expected_jit}, {name: r[name]})


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_jit_close_to_eager(child: dict[str, Any], case: str) -> None:
    """Jitted and eager results agree to float32 rounding: XLA compiles the
    whole `log_prob` into one fused program, so NumPyro's own jitted result
    may differ from its eager one in the last bit (Gamma's does, in one
    element of 16); the typed results differ exactly as NumPyro's do (the
    test above)."""
    r = _arrays(child["sharded"][case]["log_prob"])
    assert_close(
        r["numpyro"],
        r["typed_sharded_jit"],
        rtol=1e-6,
        atol=0.0,
        reason="one fused XLA program against op-by-op evaluation",
    )


# The stored fields that keep the sharding they were given, by case. The
# others are what NumPyro makes of an unsharded argument (a Python float
# reshaped to (1,), a (2, 2) `scale_tril` to (1, 2, 2)): on one device.
SHARDED_FIELDS = {
    "Normal": {"loc", "scale"},
    "Normal(loc, 1.0)": {"loc"},
    "Gamma": {"concentration", "rate"},
    "Bernoulli(logits)": {"logits"},
    "MultivariateNormal": {"loc"},
}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_sharded_parameters_stay_sharded(child: dict[str, Any], case: str) -> None:
    """The typed constructor stores the sharded arrays it was given (float32
    already, so promotion changes nothing), with their `NamedSharding`."""
    report = child["sharded"][case]
    stored = report["stored"]
    assert SHARDED_FIELDS[case] <= stored.keys()
    for field, info in stored.items():
        assert info["dtype"] == "float32", field
        if field in SHARDED_FIELDS[case]:
            assert info["kept"], (field, info["sharding"])
            assert info["devices"] == DEVICES
        else:
            assert info["devices"] == 1, (field, info["sharding"])
    # Every sharded result is spread over the devices like its inputs.
    for name, devices in report["output_devices"].items():
        assert devices == (DEVICES if "sharded" in name else 1), name
