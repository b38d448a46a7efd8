"""The distributions a NumPyro distribution holds, at any depth.

A NumPyro instance keeps the distributions it was given or built in its
attributes (a LogNormal's `base_dist`, a mixture's `component_distributions`
list, a HalfNormal's inner `Normal`). Two parts of typed_dists walk them: the
construction (`_construct`), which gives those NumPyro built the validation
setting NumPyro would have, and the compiled eager calls (`_methods`), which
ask whether any of them checks the values given to `log_prob`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import cast

from numpyro.distributions import Distribution

__all__ = ["inner_distributions"]


def inner_distributions(
    dist: object, enter: Callable[[Distribution], bool] | None = None
) -> Iterator[Distribution]:
    """Each distribution held in `dist`'s attributes (directly, or in a list or
    tuple attribute), at any depth, once, depth first; not `dist` itself.

    `enter`, when given, decides which are yielded: one it rejects is skipped
    together with the distributions it holds.
    """
    seen = {id(dist)}
    stack: list[object] = [dist]
    while stack:
        for value in vars(stack.pop()).values():
            items = cast(
                "list[object] | tuple[object, ...]",
                value if isinstance(value, list | tuple) else (value,),
            )
            for item in items:
                if not isinstance(item, Distribution) or id(item) in seen:
                    continue
                seen.add(id(item))
                if enter is None or enter(item):
                    yield item
                    stack.append(item)
