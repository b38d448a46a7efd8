"""typed_dists against NumPyro: the benchmark suite.

    python -m benchmarks [--quick] [--repeats N] [--write docs/performance.md]

Every figure is a ratio against NumPyro measured in the same process run,
interleaved (see `_harness.py`), with medians and the interquartile range of
the per-repeat ratios. Sections:

1. eager construction, and construction plus one `log_prob`, of Normal,
   Bernoulli, MultivariateNormal (scale_tril and covariance), Dirichlet and
   Binomial, from JAX float32 arrays (and Normal from Python floats and NumPy
   float64 arrays); the median over every typed distribution;
2. each validation mode (default, checked, off) against NumPyro with
   validation on and off;
3. jitted `log_prob` and `sample` on 1e6 elements, and first-call time
   (trace and compile) of a jitted `log_prob` and of a NUTS model;
4. NUTS end to end (logistic regression, N=1000, D=5, 500 + 500 draws; eight
   schools, 500 + 500) and SVI (AutoNormal, 2,000 steps), wall time with
   compilation and without.

`--write` puts the tables between the `benchmarks:start` / `benchmarks:end`
markers of the given file. `--quick` runs few repeats and short chains, to
check that the suite runs; its figures are not meant to be quoted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as nd
from numpyro.infer import MCMC, NUTS, SVI, Trace_ELBO
from numpyro.infer.autoguide import AutoNormal
from numpyro.optim import Adam

import typed_dists as td

from ._harness import Row, environment, interleaved, per_call, table

Model = Callable[..., None]
Builder = Callable[[], Any]


# ---------------------------------------------------------------------------
# 1. Eager construction


def _f32(x: Any) -> jax.Array:
    return jnp.asarray(x, dtype=jnp.float32)


LOC, SCALE = _f32(np.zeros(3)), _f32(np.ones(3))
PROBS = _f32([0.2, 0.5, 0.9])
TRIL = _f32(np.linalg.cholesky(np.eye(3) * 2.0 + 0.5))
COV = _f32(np.eye(3) * 2.0 + 0.5)
CONCENTRATION = _f32([1.0, 2.0, 3.0])
NUMPY_LOC, NUMPY_SCALE = np.zeros(3), np.ones(3)


def _pairs() -> list[tuple[str, Builder, Builder, Any, float | None]]:
    """(name, typed, NumPyro, a value for log_prob, target ratio)."""
    return [
        (
            "Normal(loc, scale), JAX float32[3]",
            lambda: td.Normal(LOC, SCALE),
            lambda: nd.Normal(LOC, SCALE),
            LOC,
            0.5,
        ),
        (
            "Normal(0.0, 1.0), Python floats",
            lambda: td.Normal(0.0, 1.0),
            lambda: nd.Normal(0.0, 1.0),
            LOC,
            0.5,
        ),
        (
            "Normal(loc, scale), NumPy float64[3]",
            lambda: td.Normal(NUMPY_LOC, NUMPY_SCALE),
            lambda: nd.Normal(NUMPY_LOC, NUMPY_SCALE),
            LOC,
            0.5,
        ),
        (
            "Bernoulli(probs=p), JAX float32[3]",
            lambda: td.Bernoulli(probs=PROBS),
            lambda: nd.Bernoulli(probs=PROBS),
            jnp.ones(3),
            0.5,
        ),
        (
            "MultivariateNormal(loc, scale_tril=L), 3x3",
            lambda: td.MultivariateNormal(LOC, scale_tril=TRIL),
            lambda: nd.MultivariateNormal(LOC, scale_tril=TRIL),
            LOC,
            0.5,
        ),
        (
            "MultivariateNormal(loc, covariance_matrix=C), 3x3",
            lambda: td.MultivariateNormal(LOC, covariance_matrix=COV),
            lambda: nd.MultivariateNormal(LOC, covariance_matrix=COV),
            LOC,
            0.5,
        ),
        (
            "Dirichlet(concentration), float32[3]",
            lambda: td.Dirichlet(CONCENTRATION),
            lambda: nd.Dirichlet(CONCENTRATION),
            _f32([0.2, 0.3, 0.5]),
            None,
        ),
        (
            "Binomial(10, probs=p), float32[3]",
            lambda: td.Binomial(10, probs=PROBS),
            lambda: nd.Binomial(10, probs=PROBS),
            jnp.ones(3),
            None,
        ),
    ]


def _and_log_prob(build: Builder, value: Any) -> Builder:
    """Construction and one `log_prob`, waited for."""
    return lambda: np.asarray(build().log_prob(value))


def eager(repeats: int, number: int) -> tuple[list[Row], list[Row]]:
    """Construction, and construction plus one `log_prob`, per case."""
    construction: list[Row] = []
    with_log_prob: list[Row] = []
    for name, typed, plain, value, target in _pairs():
        times = interleaved({"typed": typed, "numpyro": plain}, repeats, number)
        construction.append(Row(name, times["typed"], times["numpyro"], target))
        times = interleaved(
            {
                "typed": _and_log_prob(typed, value),
                "numpyro": _and_log_prob(plain, value),
            },
            repeats,
            max(number // 4, 1),
        )
        with_log_prob.append(
            Row(name, times["typed"], times["numpyro"], 1.0 if target else None)
        )
    return construction, with_log_prob


def every_class(repeats: int, number: int) -> tuple[Row, list[tuple[str, float]]]:
    """Construction of every typed parametrisation against NumPyro's class.

    The arguments come from the test suite's generator (`tests/_generate.py`),
    as float32 JAX arrays; distribution-valued arguments are built beforehand.
    Returns a row whose "times" are the per-class medians, and the slowest
    classes by ratio.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from helpers.generate import (  # pyright: ignore[reportMissingImports]
        GENERATED,
        jax_arguments,
        typed_options,
    )

    typed_medians: list[float] = []
    plain_medians: list[float] = []
    ratios: list[tuple[str, float]] = []
    for g in GENERATED:
        arrays, plain_others = jax_arguments(g, g.make(jax.random.key(0), (2,)))
        typed_others = typed_options(plain_others)
        cls = g.cls

        def typed(c: Any = cls, a: Any = arrays, o: Any = typed_others) -> Any:
            return c(**a, **o)

        def plain(
            c: Any = cls.numpyro_class, a: Any = arrays, o: Any = plain_others
        ) -> Any:
            return c(**a, **o)

        times = interleaved({"typed": typed, "numpyro": plain}, repeats, number)
        typed_medians.append(statistics.median(times["typed"]))
        plain_medians.append(statistics.median(times["numpyro"]))
        ratios.append((g.id, typed_medians[-1] / plain_medians[-1]))
    row = Row(
        f"median over all {len(GENERATED)} typed parametrisations (IQR over classes)",
        typed_medians,
        plain_medians,
    )
    return row, sorted(ratios, key=lambda item: -item[1])


# ---------------------------------------------------------------------------
# 2. Validation modes


def modes(repeats: int, number: int) -> list[Row]:
    """Each typed mode against NumPyro with validation on and off."""

    def in_mode(mode: td.ValidationMode, fn: Builder) -> Builder:
        def run() -> Any:
            with td.validation(mode):
                return fn()

        return run

    def normal() -> Any:
        return td.Normal(LOC, SCALE)

    def normal_lp() -> Any:
        return np.asarray(td.Normal(LOC, SCALE).log_prob(LOC))

    cases: list[tuple[str, Builder, Builder, float | None]] = []
    for what, fn, plain_on, plain_off in (
        (
            "Normal construction",
            normal,
            lambda: nd.Normal(LOC, SCALE),
            lambda: nd.Normal(LOC, SCALE, validate_args=False),
        ),
        (
            "Normal construction + log_prob",
            normal_lp,
            lambda: np.asarray(nd.Normal(LOC, SCALE).log_prob(LOC)),
            lambda: np.asarray(
                nd.Normal(LOC, SCALE, validate_args=False).log_prob(LOC)
            ),
        ),
    ):
        construction = what == "Normal construction"
        cases += [
            (
                f"{what}: default vs NumPyro validated",
                in_mode("default", fn),
                plain_on,
                0.5 if construction else 1.0,
            ),
            (
                f"{what}: checked vs NumPyro validated",
                in_mode("checked", fn),
                plain_on,
                0.5 if construction else 1.0,
            ),
            (
                f"{what}: off vs NumPyro validate_args=False",
                in_mode("off", fn),
                plain_off,
                1.1,
            ),
            (
                f"{what}: default vs NumPyro validate_args=False",
                in_mode("default", fn),
                plain_off,
                None,
            ),
        ]
    rows: list[Row] = []
    for name, typed, plain, target in cases:
        times = interleaved({"typed": typed, "numpyro": plain}, repeats, number)
        rows.append(Row(name, times["typed"], times["numpyro"], target))
    plain_step = _gradient_step(nd, None)
    for mode in ("default", "checked", "off"):
        times = interleaved(
            {"typed": _gradient_step(td, mode), "numpyro": plain_step},
            repeats,
            max(number // 10, 1),
        )
        rows.append(
            Row(
                f"compiled gradient step (N=20,000, D=20): {mode} vs NumPyro",
                times["typed"],
                times["numpyro"],
                1.02,
            )
        )
    return rows


def _gradient_step(dist: Any, mode: td.ValidationMode | None) -> Builder:
    """`jax.jit` of the gradient of a logistic-regression log density, with
    the distributions built inside the traced function (traced in `mode`)."""
    key_x, key_y = jax.random.split(jax.random.key(0))
    x = jax.random.normal(key_x, (20_000, 20))
    y = (jax.random.uniform(key_y, (20_000,)) < 0.5).astype(jnp.float32)
    params = (jnp.zeros(20), jnp.asarray(0.0), jnp.asarray(1.0))

    def log_density(p: tuple[jax.Array, jax.Array, jax.Array]) -> Any:
        beta, alpha, log_sigma = p
        prior = dist.Normal(0.0, jnp.exp(log_sigma)).log_prob(beta).sum()
        prior += dist.Normal(0.0, 10.0).log_prob(alpha)
        likelihood = dist.Bernoulli(logits=x @ beta + alpha).log_prob(y).sum()
        return prior + likelihood

    step = jax.jit(jax.grad(log_density))
    if mode is None:
        _wait(step(params))
    else:
        with td.validation(mode):
            _wait(step(params))  # trace and compile in this mode
    return lambda: _wait(step(params))


# ---------------------------------------------------------------------------
# 3. Compiled code


_jax: Any = jax  # `block_until_ready` and `clear_caches` are not annotated


def _wait(x: Any) -> Any:
    return _jax.block_until_ready(x)


def compiled(repeats: int, size: int) -> list[Row]:
    """Throughput of jitted `log_prob` and `sample` built from traced parameters."""
    key = jax.random.key(0)
    loc = jax.random.normal(key, (size,))
    scale = jnp.exp(jax.random.normal(jax.random.key(1), (size,)))
    probs = jax.random.uniform(jax.random.key(2), (size,))
    x = jax.random.normal(jax.random.key(3), (size,))
    y = (x > 0).astype(jnp.float32)
    rows: list[Row] = []
    for what, typed_cls, plain_cls, params, value in (
        ("Normal", td.Normal, nd.Normal, {"loc": loc, "scale": scale}, x),
        ("Bernoulli", td.Bernoulli, nd.Bernoulli, {"probs": probs}, y),
    ):
        for method in ("log_prob", "sample"):
            typed = _jitted(typed_cls, method, params, value, key)
            plain = _jitted(plain_cls, method, params, value, key)
            times = interleaved({"typed": typed, "numpyro": plain}, repeats, 10)
            rows.append(
                Row(
                    f"jit {what}.{method}, {size:.0e} elements",
                    times["typed"],
                    times["numpyro"],
                )
            )
    return rows


def _jitted(
    cls: Any, method: str, params: dict[str, Any], value: Any, key: Any
) -> Builder:
    """A compiled `method` of `cls(**params)`, built inside the traced function."""
    if method == "log_prob":
        log_prob = jax.jit(lambda p, v: cls(**p).log_prob(v))
        return lambda: _wait(log_prob(params, value))
    sample = jax.jit(lambda p, k: cls(**p).sample(k))
    return lambda: _wait(sample(params, key))


def _logistic_data(n: int = 1000, d: int = 5) -> tuple[Any, Any]:
    kx, kb, ky = jax.random.split(jax.random.key(0), 3)
    x = jax.random.normal(kx, (n, d))
    beta = jax.random.normal(kb, (d,))
    y = jax.random.bernoulli(ky, jax.nn.sigmoid(x @ beta)).astype(jnp.float32)
    return x, y


def _logistic(dist: Any) -> Model:
    def model(x: jax.Array, y: jax.Array | None = None) -> None:
        beta = numpyro.sample(
            "beta", dist.Normal(jnp.zeros(x.shape[1]), 1.0).to_event(1)
        )
        alpha = numpyro.sample("alpha", dist.Normal(0.0, 10.0))
        with numpyro.plate("data", x.shape[0]):
            numpyro.sample("y", dist.Bernoulli(logits=x @ beta + alpha), obs=y)

    return model


EIGHT_Y = jnp.asarray([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
EIGHT_SIGMA = jnp.asarray([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])


def _eight_schools(dist: Any) -> Model:
    def model(sigma: jax.Array, y: jax.Array | None = None) -> None:
        mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
        tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
        with numpyro.plate("J", sigma.shape[0]):
            theta_raw = numpyro.sample("theta_raw", dist.Normal(0.0, 1.0))
            theta = mu + tau * theta_raw
            numpyro.sample("obs", dist.Normal(theta, sigma), obs=y)

    return model


def first_call(repeats: int) -> list[Row]:
    """Trace and compile: the first call of a jitted `log_prob`, and of NUTS."""
    x, y = _logistic_data()

    def jit_log_prob(cls: Any) -> Builder:
        def run() -> Any:
            _jax.clear_caches()
            f = jax.jit(lambda loc, scale, v: cls(loc, scale).log_prob(v))
            return _wait(f(LOC, SCALE, LOC))

        return run

    def nuts(dist: Any) -> Builder:
        def run() -> Any:
            _jax.clear_caches()
            mcmc = MCMC(
                NUTS(_logistic(dist)), num_warmup=1, num_samples=1, progress_bar=False
            )
            mcmc.run(jax.random.key(0), x, y)
            return _wait(mcmc.get_samples())

        return run

    rows: list[Row] = []
    for what, typed, plain, number in (
        (
            "first call of jit(Normal.log_prob)",
            jit_log_prob(td.Normal),
            jit_log_prob(nd.Normal),
            5,
        ),
        ("first NUTS run (1 + 1 draws), logistic regression", nuts(td), nuts(nd), 1),
    ):
        times = interleaved({"typed": typed, "numpyro": plain}, repeats, number)
        rows.append(Row(what, times["typed"], times["numpyro"], 1.10))
    return rows


# ---------------------------------------------------------------------------
# 4. Inference end to end


def _mcmc_times(
    model: Model, args: tuple[Any, ...], warmup: int, samples: int
) -> tuple[float, float]:
    """(first run, with tracing and compilation; the same run again, compiled).

    NUTS with warmup adaptation, `warmup + samples` steps of NumPyro's kernel
    in one `jax.jit`-compiled loop. `MCMC.run` itself re-traces the model and
    re-compiles parts of the sampler on every call, so its second run is not
    free of compilation; the compiled loop is.
    """
    _jax.clear_caches()
    start = time.perf_counter()
    run, state = nuts_chain(model, args, warmup, warmup + samples, jax.random.key(1))
    _wait(run(state))
    first = time.perf_counter() - start
    return first, _compiled_time(lambda: _wait(run(state)))


def nuts_chain(
    model: Model, args: tuple[Any, ...], warmup: int, steps: int, key: jax.Array
) -> tuple[Callable[[Any], Any], Any]:
    """(a `jax.jit` of `steps` steps of NumPyro's NUTS kernel in a `fori_loop`,
    the kernel's initial state), with `warmup` steps of adaptation."""
    kernel = NUTS(model)
    state = kernel.init(key, warmup, None, args, {})

    def chain(s: Any) -> Any:
        return jax.lax.fori_loop(0, steps, lambda _, t: kernel.sample(t, args, {}), s)

    return jax.jit(chain), state


def _svi_times(model: Model, args: tuple[Any, ...], steps: int) -> tuple[float, float]:
    """(init and `steps` updates in one compiled loop, with compilation; the
    same loop again, compiled)."""
    _jax.clear_caches()
    svi = SVI(model, AutoNormal(model), Adam(0.01), Trace_ELBO())
    start = time.perf_counter()
    state = svi.init(jax.random.key(0), *args)

    def loop(s: Any) -> Any:
        return jax.lax.fori_loop(0, steps, lambda _, t: svi.update(t, *args)[0], s)

    run = jax.jit(loop)
    _wait(run(state))
    first = time.perf_counter() - start
    return first, _compiled_time(lambda: _wait(run(state)))


def _compiled_time(run: Builder, calls: int = 5) -> float:
    """The median of `calls` timed calls of an already compiled loop."""
    return statistics.median(per_call(run, 1) for _ in range(calls))


def inference(repeats: int, warmup: int, samples: int, steps: int) -> list[Row]:
    x, y = _logistic_data()
    runs: dict[str, Callable[[Any], tuple[float, float]]] = {
        f"NUTS logistic regression ({warmup} + {samples})": lambda d: _mcmc_times(
            _logistic(d), (x, y), warmup, samples
        ),
        f"NUTS eight schools ({warmup} + {samples})": lambda d: _mcmc_times(
            _eight_schools(d), (EIGHT_SIGMA, EIGHT_Y), warmup, samples
        ),
        f"SVI AutoNormal, logistic regression ({steps} steps)": lambda d: _svi_times(
            _logistic(d), (x, y), steps
        ),
    }
    rows: list[Row] = []
    for what, run in runs.items():
        results: dict[str, list[tuple[float, float]]] = {"typed": [], "numpyro": []}
        for repeat in range(repeats):
            order = [("typed", td), ("numpyro", nd)]
            for name, dist in order[repeat % 2 :] + order[: repeat % 2]:
                results[name].append(run(dist))
        for index, label, target in (
            (1, "without compilation", 1.02),
            (0, "with compilation", 1.10),
        ):
            rows.append(
                Row(
                    f"{what}, {label}",
                    [r[index] for r in results["typed"]],
                    [r[index] for r in results["numpyro"]],
                    target,
                )
            )
    return rows


# ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats: a smoke run")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument(
        "--write",
        type=Path,
        help="put the tables between this file's benchmark markers",
    )
    args = parser.parse_args()
    quick = args.quick
    repeats = args.repeats or (3 if quick else 15)
    heavy = 2 if quick else max(repeats // 3, 2)  # repeats of the long runs

    sections: list[str] = [f"Measured on: {environment()}.", ""]

    def section(title: str, body: str) -> None:
        sections.extend([f"#### {title}", "", body, ""])
        print(f"\n{title}\n{body}", flush=True)

    print(environment(), flush=True)
    construction, with_log_prob = eager(repeats, 20 if quick else 200)
    section("Eager construction", table(construction))
    section("Eager construction and one log_prob", table(with_log_prob))
    overall, slowest = every_class(2 if quick else 5, 5 if quick else 20)
    worst = ", ".join(f"{name} {ratio:.2f}" for name, ratio in slowest[:5])
    section(
        "Eager construction, every typed distribution",
        table([overall]) + f"\n\nHighest ratios: {worst}.",
    )
    section("Validation modes", table(modes(repeats, 20 if quick else 200)))
    section(
        "Compiled code",
        table(compiled(repeats, 10_000 if quick else 1_000_000) + first_call(heavy)),
    )
    section(
        "Inference end to end",
        table(
            inference(
                heavy,
                warmup=20 if quick else 500,
                samples=20 if quick else 500,
                steps=50 if quick else 2000,
            )
        ),
    )
    if args.write is not None:
        text = args.write.read_text()
        start, end = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        body = "\n".join(sections).rstrip()
        args.write.write_text(f"{before}{start}\n{body}\n{end}{after}")


if __name__ == "__main__":
    main()
