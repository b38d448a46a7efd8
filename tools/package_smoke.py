"""The installed package as a user gets it: run from outside the source tree.

`nox -s package` builds the sdist and the wheel, installs the wheel (not
editable) into a fresh environment and runs this file there, from a
temporary directory, so that `import typed_dists` can only find the
installed copy. It checks:

- the package is imported from site-packages and ships `py.typed`;
- a distribution is built and scored;
- an integer parameter is rejected, naming the parameter;
- a short NUTS run with typed distributions gives NumPyro's draws.

Exits non-zero (an `AssertionError`) when a check fails.
"""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path
from types import ModuleType

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as nd
from numpyro.infer import MCMC, NUTS

import typed_dists as td


def _model(dist: ModuleType, y: jax.Array) -> None:
    """The same model with `typed_dists` or `numpyro.distributions`."""
    loc = numpyro.sample("loc", dist.Normal(0.0, 1.0))
    scale = numpyro.sample("scale", dist.HalfNormal(1.0))
    with numpyro.plate("data", y.shape[0]):
        numpyro.sample("y", dist.Normal(loc, scale), obs=y)


def _draws(dist: ModuleType, y: jax.Array) -> jax.Array:
    mcmc = MCMC(NUTS(_model), num_warmup=50, num_samples=50, progress_bar=False)
    mcmc.run(jax.random.key(0), dist, y)
    draws: jax.Array = mcmc.get_samples()["loc"]
    return draws


def main() -> None:
    package = Path(td.__file__).resolve().parent
    site_packages = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert package.parent == site_packages, f"imported from {package}"
    assert (package / "py.typed").is_file(), "no py.typed marker"

    d = td.Normal(jnp.zeros(3), 1.0)
    assert d.loc.dtype == jnp.float32
    assert bool(jnp.all(jnp.isfinite(d.log_prob(jnp.ones(3)))))
    message = ""
    try:
        td.Bernoulli(probs=jnp.array([0, 1]))
    except td.ParameterTypeError as error:
        message = str(error)
    assert "`probs`" in message, f"an integer `probs`: {message or 'accepted'}"

    y = jnp.array([0.3, -0.2, 1.1, 0.4, 0.8])
    typed, plain = _draws(td, y), _draws(nd, y)
    assert typed.shape == (50,)
    assert bool(jnp.array_equal(typed, plain)), "NUTS draws differ from NumPyro's"
    print(f"typed_dists {td.__version__} from {package}: ok ({sys.version.split()[0]})")


if __name__ == "__main__":
    main()
