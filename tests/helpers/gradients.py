"""The one finite-difference regime of the suite, and gradient comparisons.

Every check that compares a gradient with finite differences
(`families/test_gradients.py`, `families/test_structured.py`) uses this
module, so there is one regime:

- **float64**: the caller runs under `helpers.versions.x64()`;
- **unconstrained coordinates**: each parameter is `T(u)` with
  `T = biject_to(arg_constraint)` (`unconstrained`; the identity for a
  dependent or missing constraint), so a perturbed point still satisfies the
  constraint (simplex, correlation factors, positive-definite matrices) and
  no validation has to be switched off;
- **central differences** `(f(u + eps d) - f(u - eps d)) / (2 eps)` with
  `eps = FD_EPS = 1e-5` along **unit-norm directions** `d`: every coordinate
  of every parameter, and one random direction over all parameters at once
  (`directions`). The coordinates check each element of the gradient (an
  error in one batch element or in one matrix entry cannot hide in a sum);
  the random direction checks the gradient as one linear map, the way a JVP
  uses it (the same direction is the JVP tangent of the integer-value
  checks). Coordinates are cheap: `f` is one compiled program evaluated
  again (milliseconds), and unconstrained parameters have at most a few
  dozen coordinates here;
- **tolerances** `rtol = FD_RTOL`, `atol = FD_ATOL = 1e-6` (the absolute
  part for gradients that are exactly zero), the same for every class.

Error budget of one central difference along a unit direction: truncation
`eps**2 / 6 * |f'''|` = 1.7e-11 * |f'''| and round-off `u_f * |f| / eps`,
with `u_f` the relative accuracy of the computed log density: 1.1e-16 for
elementary functions, up to about 1e-14 for special functions (`betainc`,
`gammainc`, Bessel ratios, `log_ndtr`). Summed log densities here are at
most a few hundred (four values per batch element, batch (2,) or (3,)), so
round-off is at most 1e-14 * 300 / 1e-5 = 3e-7 and within `FD_ATOL`; the
truncation error stays below `FD_RTOL * |f'|` unless `|f'''|` exceeds
6e5 * |f'| (unconstrained coordinates are O(1)-scaled, which is why they
also keep `eps` = 1e-5 near the optimum `(3 u_f |f| / |f'''|) ** (1/3)`).
`FD_RTOL` = 1e-5 was tried on the whole table (every class, every row) and
holds (see `families/test_gradients.py`); a typed gradient is also compared
bitwise with NumPyro's, which is stricter than any difference quotient.
Finite differences are there to catch errors of order one: a float0 or
missing gradient, a missing chain rule, NumPyro's factor-1/2 error at the
softplus kink (`logits == 0`).

The same gradient computed two ways (under `jax.jit` and `jax.vmap`, eagerly,
through `eqx.filter_grad`, with `allow_int`) agrees to `SAME_RTOL` = 1e-9 and
`SAME_ATOL` = 1e-12: XLA may fuse and reorder float64 operations, nothing
more.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from numpyro.distributions import constraints
from numpyro.distributions.transforms import Transform, biject_to

FD_EPS = 1e-5
FD_RTOL = 1e-5
FD_ATOL = 1e-6
SAME_RTOL = 1e-9
SAME_ATOL = 1e-12

Point = dict[str, np.ndarray]


def unconstrained(numpyro_class: Any, name: str) -> Transform[Any]:
    """`biject_to` of a parameter's NumPyro constraint: unconstrained
    coordinates to the parameter (the identity if the constraint is dependent,
    such as Uniform's `low < high`, or missing)."""
    constraint = numpyro_class.arg_constraints.get(name)
    if constraint is None or constraints.is_dependent(constraint):  # type: ignore[no-untyped-call]
        constraint = constraints.real
    transform: Transform[Any] = biject_to(constraint)
    return transform


def directions(point: Mapping[str, np.ndarray], seed: int = 0) -> list[Point]:
    """Unit-norm directions at `point`: every coordinate of every parameter,
    then one random direction over all of them (the last one)."""
    out: list[Point] = []
    for name, x in point.items():
        for index in np.ndindex(np.shape(x)):
            d = {n: np.zeros(np.shape(v)) for n, v in point.items()}
            d[name][index] = 1.0
            out.append(d)
    rng = np.random.default_rng(seed)
    random = {n: rng.standard_normal(np.shape(v)) for n, v in point.items()}
    norm = math.sqrt(sum(float(np.sum(v**2)) for v in random.values()))
    out.append({n: v / norm for n, v in random.items()})
    return out


def central_difference(
    f: Callable[[Point], Any], point: Mapping[str, np.ndarray], direction: Point
) -> float:
    """`(f(u + eps d) - f(u - eps d)) / (2 eps)` with `eps = FD_EPS`."""
    up = {n: np.asarray(x) + FD_EPS * direction[n] for n, x in point.items()}
    down = {n: np.asarray(x) - FD_EPS * direction[n] for n, x in point.items()}
    return (float(f(up)) - float(f(down))) / (2 * FD_EPS)


def directional(grads: Mapping[str, Any], direction: Mapping[str, Any]) -> float:
    """The derivative along `direction` that `grads` give."""
    return float(
        sum(np.sum(np.asarray(grads[n]) * np.asarray(d)) for n, d in direction.items())
    )


def _describe(direction: Point) -> str:
    nonzero = [(n, np.argwhere(d != 0)) for n, d in direction.items()]
    picked = [(n, where) for n, where in nonzero if len(where)]
    if len(picked) == 1 and len(picked[0][1]) == 1:
        name, where = picked[0]
        return f"coordinate {name}{where[0].tolist()}"
    return "random direction"


def assert_matches_differences(
    grads: Mapping[str, Any], differences: list[tuple[Point, float]], label: str = ""
) -> None:
    """Every (direction, central difference) matches `grads` (FD tolerances)."""
    for direction, numeric in differences:
        np.testing.assert_allclose(
            directional(grads, direction),
            numeric,
            rtol=FD_RTOL,
            atol=FD_ATOL,
            err_msg=f"{label}: {_describe(direction)}",
        )


def finite_differences(
    f: Callable[[Point], Any], point: Mapping[str, np.ndarray], seed: int = 0
) -> list[tuple[Point, float]]:
    """(direction, central difference) for every direction of `directions`."""
    return [(d, central_difference(f, point, d)) for d in directions(point, seed)]


def check_float_grads(
    grads: Any, shapes: Mapping[str, Any], batch: tuple[int, ...] = ()
) -> None:
    """Real float64 gradients, one per float parameter (the keys of
    `shapes`), of the parameter's shape (after `batch`), finite."""
    assert isinstance(grads, dict)
    assert set(grads) == set(shapes)
    for name, grad in grads.items():
        assert isinstance(grad, jax.Array | np.ndarray), (name, type(grad))
        assert grad.dtype == jnp.float64, (name, grad.dtype)
        assert grad.shape == batch + np.shape(shapes[name]), name
        assert bool(np.all(np.isfinite(grad))), (name, grad)


def assert_same(
    actual: Mapping[str, Any], expected: Mapping[str, Any], rtol: float = SAME_RTOL
) -> None:
    """The same gradients computed two ways (`SAME_RTOL`, `SAME_ATOL`)."""
    assert set(actual) == set(expected)
    for name in expected:
        np.testing.assert_allclose(
            np.asarray(actual[name]),
            np.asarray(expected[name]),
            rtol=rtol,
            atol=SAME_ATOL,
            err_msg=name,
        )
