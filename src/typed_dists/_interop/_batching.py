"""NumPyro's batching utilities (`numpyro.distributions.batch_util`), typed.

NumPyro implements `promote_batch_shape` and `vmap_over` by copying a
distribution and assigning attributes on the copy; a typed distribution is an
immutable Equinox module, so both are registered here (through their public
`singledispatch` `register`) for every typed class, without mutation:

- `promote_batch_shape` repairs the batch shape that NumPyro's pytree
  unflattening leaves stale when a `vmap` or a `scan` (NumPyro's
  `contrib.control_flow.scan`, under enumeration) stacks a distribution's
  leaves. A typed distribution computes its shapes from its leaves, so it is
  already promoted; an `ExpandedDistribution` is rebuilt with the new leading
  dimensions, as NumPyro promotes its own.
- `vmap_over` builds the `in_axes` of a distribution: here, a module of the
  same class whose fields hold the axes (or `None`) instead of the arrays.

Importing this module registers them (the package imports it).
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import jax
from numpyro.distributions import Distribution, batch_util

from .._core._distribution import TypedDistribution
from .._core._record import record_of
from .._families._wrappers import ExpandedDistribution, promoted_expansion

__all__: list[str] = []

# NumPyro's `singledispatch` functions; typed as raising (their fallback does).
promote_batch_shape: Any = batch_util.promote_batch_shape
vmap_over: Any = batch_util.vmap_over


def _promote_typed(d: TypedDistribution[Any]) -> Distribution:
    # Shapes are computed from the leaves, every time a module is rebuilt.
    return d


def _promote_expanded(d: ExpandedDistribution) -> Distribution:
    base = d.base_dist
    # The class's own private fields, read by its NumPyro-facing rule.
    given = d._given_batch_shape  # pyright: ignore[reportPrivateUsage]
    arguments = promoted_expansion(base, given, d._base_batch_shape)  # pyright: ignore[reportPrivateUsage]
    if arguments["base_dist"] is base and arguments["batch_shape"] == given:
        return d
    return ExpandedDistribution(**arguments)


def _vmap_over_typed(d: TypedDistribution[Any], **axes: Any) -> Distribution:
    """`in_axes` for `d`: its class, with each parameter field holding the
    axis given for it (by NumPyro's name, as `vmap_over` takes it, or by the
    field's name) or `None`; static fields as they are in `d`.

    **Raises:** `TypeError` for a name that is not one of `d`'s parameters.
    """
    cls = type(d)
    record = record_of(cls)
    known = set(record.names) | set(record.names.values())
    unknown = sorted(set(axes) - known)
    if unknown:
        raise TypeError(
            f"vmap_over({cls.__name__}): unknown parameter(s) {unknown}; "
            f"{cls.__name__} has {sorted(record.names.values())}."
        )
    # One level of `d`'s tree: its dynamic fields, in Equinox's order, as
    # leaves; unflattened with axes in their place, under `d`'s own treedef
    # (so that `in_axes` matches `d` node for node).
    children, treedef = cast(
        tuple[list[Any], Any],
        jax.tree.flatten(d, is_leaf=lambda node: node is not d),
    )
    dynamic = [
        f.name for f in dataclasses.fields(cls) if not f.metadata.get("static", False)
    ]
    assert len(children) == len(dynamic)
    return cast(
        Distribution,
        jax.tree.unflatten(
            treedef,
            [
                axes.get(record.names.get(name, name), axes.get(name))
                for name in dynamic
            ],
        ),
    )


promote_batch_shape.register(TypedDistribution, _promote_typed)
promote_batch_shape.register(ExpandedDistribution, _promote_expanded)
vmap_over.register(TypedDistribution, _vmap_over_typed)
