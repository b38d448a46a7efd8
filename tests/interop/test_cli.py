"""`python -m typed_dists check FILE.py:MODEL`: the report on the command line.

Exit status 0 for a model without problems, 1 with problems, 2 when the
model or its arguments cannot be loaded; the report is printed either way.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from typed_dists._interop._cli import _arguments, main

MODELS = textwrap.dedent(
    """
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist

    from helper_data import observations


    def good(y):
        mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
        with numpyro.plate("data", y.shape[0]):
            numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)


    def bad(y, scale=1.0):
        mu = numpyro.sample("mu", dist.Normal(jnp.arange(3), scale))
        numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)


    def data():
        return (observations(3),)


    def data_kwargs():
        return {"y": observations(3)}


    def data_both():
        return (observations(3),), {"scale": 2.0}


    def not_arguments():
        return 3


    if __name__ == "__main__":
        raise SystemExit("not run when checked")
    """
)


@pytest.fixture
def models(tmp_path: Path) -> Path:
    """A model file next to a module it imports, as in a user's project."""
    (tmp_path / "helper_data.py").write_text(
        "import jax.numpy as jnp\n\n\ndef observations(n):\n    return jnp.ones(n)\n"
    )
    path = tmp_path / "models.py"
    path.write_text(MODELS)
    return path


def test_a_model_without_problems_exits_0(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", f"{models}:good", "--args", "data"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("check_model(good): 2 sample sites, 0 problems")
    assert "good: no problems found." in out


@pytest.mark.parametrize("args", ["data", "data_kwargs", "data_both"])
def test_a_model_with_problems_exits_1_and_prints_the_fix(
    models: Path, args: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", f"{models}:bad", "--args", args]) == 1
    out = capsys.readouterr().out
    assert "1. site 'mu', parameter 'loc' [parameter-type]" in out
    assert "fix: " in out
    assert "astype(float)" in out


@pytest.mark.parametrize(
    ("target", "args", "said"),
    [
        ("{models}:missing", None, "has no function 'missing'"),
        ("{models}", None, "expected FILE.py:MODEL"),
        ("{models}.nope:good", None, "no such file"),
        ("{models}:good", "missing", "has no function 'missing' (--args)"),
        ("{models}:good", "not_arguments", "not_arguments() returned int"),
        ("no_such_module_here:good", None, "importing no_such_module_here"),
    ],
)
def test_what_cannot_be_loaded_exits_2_and_says_why(
    models: Path,
    target: str,
    args: str | None,
    said: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["check", target.format(models=models)]
    if args is not None:
        argv += ["--args", args]
    assert main(argv) == 2
    assert said in capsys.readouterr().err


@pytest.mark.parametrize(
    ("returned", "expected"),
    [
        ((1, 2), ((1, 2), {})),
        ([1], ((1,), {})),
        ({"y": 1}, ((), {"y": 1})),
        (((1,), {"y": 2}), ((1,), {"y": 2})),
        (((1,), (2,)), (((1,), (2,)), {})),  # two positional tuples
    ],
)
def test_what_the_args_function_returns_becomes_the_arguments(
    returned: object, expected: tuple[tuple[object, ...], dict[str, object]]
) -> None:
    assert _arguments(returned, "data") == expected


def test_the_seed_and_the_starting_point_are_options(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for extra in (["--seed", "3"], ["--init", "uniform"], ["--init", "median"]):
        assert main(["check", f"{models}:good", "--args", "data", *extra]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["check", f"{models}:good", "--init", "nowhere"])


@pytest.mark.slow  # a new interpreter importing JAX
def test_python_dash_m_runs_the_command(models: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "typed_dists",
            "check",
            f"{models}:bad",
            "--args",
            "data",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "site 'mu', parameter 'loc'" in done.stdout
