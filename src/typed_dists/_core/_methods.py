"""Method calls: cheap bound methods, and eager calls compiled once per signature.

**Bound methods.** Equinox turns every method it hands out into a
`BoundMethod` module (so that `jax.jit(d.log_prob)` and
`eqx.filter_jit(d.log_prob)` see the module's arrays as inputs), which costs
about 20-35 us per access. The delegating methods of `TypedDistribution` are
declared with `method`, whose bound form is a `BoundMethod` of this module: a
`functools.partial` registered as a pytree (its leaves are the distribution's),
built in well under a microsecond.

**Compiled eager calls.** Called eagerly (outside any JAX trace),
`log_prob`, `sample`, `cdf`, `icdf` and `entropy` run NumPyro's method in one
`jax.jit`-compiled call, cached per class, method and input signature: NumPyro
dispatches each JAX operation of its method eagerly on its own (a validated
`Normal.log_prob` is about a dozen), and on a new shape compiles each of them
first. The compiled call builds NumPyro's distribution from the module's
arrays inside the trace, as every typed distribution passed into `jax.jit`
does, so its results are those of NumPyro's own compiled code (the program
NUTS and SVI run); they equal NumPyro's eager results up to rounding.

The eager path, NumPyro's method called directly, is taken when:

- a JAX trace is active (`jax.jit`, `jax.vmap`, `jax.grad`, ...), so that the
  traced program is NumPyro's and nothing else (`tests/core/test_compiled.py`);
- a NumPyro effect handler is active (`seed`, `substitute`, `trace`, ...):
  NumPyro's machinery is running a model eagerly (its initialisation
  strategies, `log_density`), which then gives NumPyro's figures bit for bit;
- `jax.disable_jit()` is in force, or compiled calls are switched off
  (`typed_dists.compiled_methods(False)`);
- the program runs on several processes (its calls must stay collective);
- the call comes from NumPyro code run eagerly for another typed
  distribution (a hurdle's `mean` asking its base for `log_prob`): the whole
  is then NumPyro's eager computation;
- NumPyro validates a value given to `log_prob` and finds it outside the
  support: the eager call then gives NumPyro's own warning and result;
- the compiled call fails (NumPyro's method needs concrete values, warns
  while tracing, or raises): the eager call then runs, and raises NumPyro's
  own error if there is one; when it succeeds, that method of that class is
  eager from then on. So is one whose compiled calls keep being traced again
  for inputs of the same shapes.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import itertools
import threading
import warnings
from collections.abc import Callable, Generator, Hashable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import jax
import jax.numpy as jnp
from numpyro.distributions import Distribution

from .._policy import is_tracer, validation
from ._inner import inner_distributions
from ._meta import (
    numpyro_default_validation,
    numpyro_handlers_active,
    numpyro_instance_validation,
    trace_state_clean,
)
from ._record import record_of

__all__ = [
    "BoundMethod",
    "compiled_call",
    "compiled_methods",
    "eager_call",
    "method",
    "set_compiled_methods",
]

F = TypeVar("F", bound=Callable[..., Any])

# --- Bound methods ------------------------------------------------------------


class BoundMethod(functools.partial[Any]):
    """A method of a typed distribution bound to it, and a pytree.

    Called as the method (`d.log_prob(x)`); flattened, its leaves are the
    distribution's arrays, so `jax.jit(d.log_prob)` and
    `eqx.filter_jit(d.log_prob)` trace them as inputs, as with Equinox's own
    bound methods.
    """

    __slots__ = ()

    @property
    def __self__(self) -> Any:
        return self.args[0]

    @property
    def __func__(self) -> Callable[..., Any]:
        return self.func

    @property
    def __name__(self) -> str:
        return str(getattr(self.func, "__name__", "method"))

    def __eq__(self, other: object) -> bool:
        # As Python's bound methods: the same function bound to the same object.
        return (
            isinstance(other, BoundMethod)
            and other.func is self.func
            and other.args[0] is self.args[0]
        )

    def __hash__(self) -> int:
        return hash((self.func, id(self.args[0])))

    def __repr__(self) -> str:
        owner = type(self.args[0]).__name__
        return f"<bound method {owner}.{self.__name__} of {self.args[0]!r}>"


def _flatten(bound: BoundMethod) -> tuple[tuple[Any], Callable[..., Any]]:
    return (bound.args[0],), bound.func


def _unflatten(func: Callable[..., Any], children: tuple[Any, ...]) -> BoundMethod:
    return BoundMethod(func, *children)


jax.tree_util.register_pytree_node(BoundMethod, _flatten, _unflatten)


class _Method:
    """The descriptor `method` makes: bound, a `BoundMethod`."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        functools.update_wrapper(self, function)

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self.function
        return BoundMethod(self.function, obj)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function(*args, **kwargs)


if TYPE_CHECKING:

    def method(function: F) -> F:
        """Declare a method whose bound form is a cheap pytree (`BoundMethod`)."""
        return function

else:

    def method(function):
        """Declare a method whose bound form is a cheap pytree (`BoundMethod`)."""
        return _Method(function)


# --- The switch -----------------------------------------------------------------

_lock = threading.Lock()
_global_enabled = True
_context_enabled: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "typed_dists_compiled_methods", default=None
)


def _enabled() -> bool:
    enabled = _context_enabled.get()
    return _global_enabled if enabled is None else enabled


def set_compiled_methods(enabled: bool) -> None:
    """Switch compiled eager method calls on or off, globally (every thread,
    except inside `compiled_methods(...)` blocks). On by default.

    **Raises:** `TypeError` if `enabled` is not a bool.
    """
    global _global_enabled
    if type(enabled) is not bool:
        raise TypeError(f"set_compiled_methods takes True or False, not {enabled!r}.")
    with _lock:
        _global_enabled = enabled


@contextlib.contextmanager
def compiled_methods(enabled: bool) -> Generator[None]:
    """Compile eager method calls (`True`, the default) or run NumPyro's
    methods operation by operation (`False`), inside a `with` block.

    Eager `log_prob`, `sample`, `cdf`, `icdf` and `entropy` are compiled once
    per class, method and input signature, and give the results of NumPyro's
    compiled code. Inside `compiled_methods(False)` they call NumPyro's method
    directly, and give its eager results bit for bit (e.g. to compare with
    figures computed eagerly by NumPyro).

    ```python
    import jax.numpy as jnp
    import numpyro.distributions as nd

    import typed_dists as td

    x = jnp.linspace(-1.0, 1.0, 5)
    with td.compiled_methods(False):
        eager = td.Normal(0.0, 2.0).log_prob(x)
    assert (eager == nd.Normal(0.0, 2.0).log_prob(x)).all()
    ```

    **Raises:** `TypeError` if `enabled` is not a bool.
    """
    if type(enabled) is not bool:
        raise TypeError(f"compiled_methods takes True or False, not {enabled!r}.")
    token = _context_enabled.set(enabled)
    try:
        yield
    finally:
        _context_enabled.reset(token)


# --- Compiled eager calls -----------------------------------------------------------

_inside_eager: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "typed_dists_inside_eager", default=False
)


def eager_call(call: Callable[[], Any]) -> Any:
    """`call()`, a NumPyro method or property run directly: typed
    distributions it calls in turn (a hurdle's base, a truncated
    distribution's) run NumPyro's methods directly too, so that the whole is
    NumPyro's eager computation."""
    if _inside_eager.get():
        return call()
    token = _inside_eager.set(True)
    try:
        return call()
    finally:
        _inside_eager.reset(token)


_config: Any = jax.config  # its options are attributes unknown to checkers
_RETRACES = 8
"""Traces of one method of one class for inputs of the same shapes and dtypes
after which it is taken to be unstable (something in its static part changes
on every call), and called eagerly from then on."""


class _UncompilableError(Exception):
    """NumPyro's method warned while being traced: call it eagerly."""


def _eager_only() -> bool:
    """Whether calls here must run eagerly, whatever the method."""
    if not _enabled() or bool(_config.jax_disable_jit):
        return True
    if trace_state_clean() is False or numpyro_handlers_active():
        return True
    processes: int = jax.process_count()
    return processes > 1


def compiled_call(
    module: Any,
    name: str,
    static: Hashable,
    args: tuple[Any, ...],
    eager: Callable[[], Any],
) -> Any:
    """`eager()` (NumPyro's method `name` called on the module's NumPyro
    instance), as one compiled call when it can be (see the module docstring).

    `static` is hashable and fixed for the compiled program (`sample`'s sample
    shape); `args` are traced. For `log_prob`, while some distribution in the
    module checks values, a first compiled call checks that the value is in
    the support: the result itself is then the same program as `log_prob`
    compiled by the user (`jax.jit(lambda d, x: d.log_prob(x))`).
    """
    if _inside_eager.get() or _eager_only():
        return eager_call(eager)
    record = record_of(type(cast(object, module)))
    if name in record.eager_methods:
        return eager_call(eager)
    if trace_state_clean() is None and any(
        is_tracer(leaf) for leaf in jax.tree.leaves((module, args))
    ):
        return eager_call(eager)  # JAX cannot say whether it traces: tracers tell
    from ._construct import numpyro_of  # a cycle: construct uses this module

    validation = numpyro_default_validation()
    check = name == "log_prob" and _validates(numpyro_of(module), validation)
    try:
        if check and not bool(_COMPILED(validation, "support", None, module, *args)):
            return eager_call(eager)  # out of the support: NumPyro's warning
        return _COMPILED(validation, name, static, module, *args)
    except _UncompilableError:
        record.eager_methods.add(name)
        return eager_call(eager)
    except Exception:  # the eager call below gives NumPyro's own error, if any
        pass  # (called outside this handler: no chained traceback)
    result = eager_call(eager)
    record.eager_methods.add(name)  # eager can; compiled cannot
    return result


def _compiled_body(
    numpyro_validation: bool,
    name: str,
    static: Hashable,
    module: Any,
    *args: Any,
) -> Any:
    """What `_COMPILED` traces: NumPyro's method `name` on NumPyro's
    distribution built from the module's (traced) arrays, or with `name`
    "support", whether every value given is in the support.

    `numpyro_validation` (NumPyro's global switch, which inner distributions
    take when they are built) is an argument so that the cache holds one
    program per setting.
    """
    del numpyro_validation  # read by the build, through NumPyro's switch
    record = record_of(type(cast(object, module)))
    signature = (name, static, _avals((module, args)))
    traces = record.traces.get(signature, 0) + 1
    record.traces[signature] = traces
    if traces > _RETRACES:
        raise _UncompilableError(name)
    with warnings.catch_warnings(record=True) as caught, validation("default"):
        warnings.simplefilter("always")
        from ._construct import rebuilt_numpyro  # a cycle: construct uses this

        dist = rebuilt_numpyro(module)
        if name == "support":
            result = jnp.all(jnp.asarray(dist.support(*args), dtype=bool))
        elif name == "sample":
            result = dist.sample(*args, static)
        else:
            result = getattr(dist, name)(*args)
    if caught:
        raise _UncompilableError(name)
    return result


_COMPILED = cast(
    Callable[..., Any],
    jax.jit(_compiled_body, static_argnums=(0, 1, 2)),
)


def _avals(tree: Any) -> tuple[object, ...]:
    """The shapes and dtypes of a tree's leaves (tracers while tracing)."""
    leaves: list[Any] = jax.tree.leaves(tree)
    return tuple(
        (getattr(leaf, "shape", None), str(getattr(leaf, "dtype", None)))
        for leaf in leaves
    )


def _validates(dist: Distribution, default: bool) -> bool:
    """Whether `dist`, or a distribution inside it, checks values given to
    `log_prob` (NumPyro warns for values outside the support only then);
    `default` is NumPyro's global setting."""
    for item in itertools.chain((dist,), inner_distributions(dist)):
        own = numpyro_instance_validation(item)
        if default if own is None else own:
            return True
    return False
