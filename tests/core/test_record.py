"""The record of a typed class: read once, owned by the class, never global."""

from __future__ import annotations

import gc
import sys
import types
import weakref

import equinox as eqx
import jax
import jax.numpy as jnp
import numpyro.distributions as nd
from jaxtyping import Array, Float

import typed_dists as td
from typed_dists._core._record import ClassRecord, record_of


def _declare_and_use() -> weakref.ref[type]:
    """Declare a typed class in a function, construct it, drop it."""

    class Local(td.TypedDistribution[nd.Normal]):
        loc: Float[Array, "*#batch"]
        scale: Float[Array, "*#batch"]

        def __init__(
            self,
            loc: Float[td.FloatLike, "*#batch"],
            scale: Float[td.FloatLike, "*#batch"],
            *,
            validate_args: bool | None = None,
        ) -> None:
            self._construct(loc=loc, scale=scale, validate_args=validate_args)

    d = Local(jnp.zeros(2), 1.0)  # fills the record's caches
    d.log_prob(jnp.ones(2))
    assert td.from_numpyro(nd.Normal(0.0, 1.0)).__class__ is td.Normal
    assert jax.tree.map(lambda x: x + 1, d).loc.dtype == jnp.float32
    return weakref.ref(Local)


def _reachable_from_typed_dists(target: object) -> list[str]:
    """The types of the objects on a path from typed_dists' module globals to
    `target` (empty when there is none), through containers and typed_dists'
    own classes, functions and instances. Other libraries' objects are not
    followed: what they hold is theirs."""
    own = {
        id(vars(module))
        for name, module in list(sys.modules.items())
        if module is not None and name.split(".")[0] == "typed_dists"
    }
    others = {
        id(vars(module))
        for module in list(sys.modules.values())
        if module is not None and id(vars(module)) not in own
    }
    starts = [vars(m) for n, m in list(sys.modules.items()) if m and id(vars(m)) in own]
    parent: dict[int, object] = {id(start): None for start in starts}
    stack: list[object] = list(starts)
    while stack:
        obj = stack.pop()
        for child in gc.get_referents(obj):
            if (
                id(child) in parent
                or isinstance(child, types.ModuleType)
                or id(child) in others
            ):
                continue
            parent[id(child)] = obj
            if child is target:
                path: list[str] = []
                node: object = child
                while node is not None:
                    path.append(type(node).__name__)
                    node = parent[id(node)]
                return path[::-1]
            if _owned(child):
                stack.append(child)
    return []


_CONTAINERS = (dict, list, tuple, set, frozenset, types.CellType)


def _owned(obj: object) -> bool:
    """Whether typed_dists holds what `obj` refers to: a container, or a
    class, function or instance that typed_dists defines."""
    if type(obj) in _CONTAINERS:
        return True
    module = getattr(obj, "__module__", None)
    if not isinstance(obj, type | types.FunctionType):
        module = type(obj).__module__
    return isinstance(module, str) and module.split(".")[0] == "typed_dists"


def test_typed_dists_keeps_no_reference_to_a_dropped_class() -> None:
    """Nothing in typed_dists refers to a typed class once its code drops it.

    The class is still not freed: Equinox registers every Module class as a
    pytree with JAX, and JAX's registry keeps each registered class for the
    life of the process (the same holds for a plain `eqx.Module` declared in
    a function, shown here). What typed_dists itself keeps per class lives
    on the class, and its registry holds classes weakly.
    """
    ref = _declare_and_use()
    gc.collect()
    cls = ref()
    if cls is None:
        return  # freed outright (a JAX that holds registered classes weakly)
    assert _reachable_from_typed_dists(cls) == []
    assert _reachable_from_typed_dists(td.Normal) != []  # the walk finds paths

    def plain() -> weakref.ref[type]:
        class Plain(eqx.Module):
            x: jax.Array

        return weakref.ref(Plain)

    plain_ref = plain()
    gc.collect()
    assert plain_ref() is not None  # JAX keeps it: the limit above is JAX's
    del cls


def test_each_class_owns_its_record() -> None:
    assert isinstance(record_of(td.Normal), ClassRecord)
    assert record_of(td.Normal) is not record_of(td.Cauchy)
    assert record_of(td.Normal).cls is td.Normal
    assert "_record" not in vars(td.TypedDistribution) or (
        record_of(td.TypedDistribution).numpyro_class is None
    )

    class Sub(td.Normal):
        pass

    assert record_of(Sub) is not record_of(td.Normal)
    assert record_of(Sub).numpyro_class is nd.Normal
    assert Sub(0.0, 1.0).loc.dtype == jnp.float32


def test_the_record_reads_the_declaration() -> None:
    record = record_of(td.MultivariateNormal)
    assert [s.name for s in record.parameters] == [
        "loc",
        "covariance_matrix",
        "precision_matrix",
        "scale_tril",
    ]
    assert record.one_of == ("covariance_matrix", "precision_matrix", "scale_tril")
    assert record.names == {"loc": "loc", "scale_tril": "scale_tril"}
    assert record.own_construction
    assert record.takes_validate_args
    beta = record_of(td.BetaProportion)
    assert beta.names != beta.attributes or "mean" in beta.names.values()


def test_what_a_class_learns_stays_on_it() -> None:
    record = record_of(td.Normal)
    before = set(record.accepted)
    td.Normal(jnp.zeros(7), jnp.ones(7))
    (learnt,) = set(record.accepted) - before
    shapes = [part[2] for part in learnt if isinstance(part, tuple)]
    assert shapes == [(7,), (7,)]
    assert learnt not in record_of(td.Cauchy).accepted
