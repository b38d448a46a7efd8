"""NumPyro effect handlers that bring typed_dists' checks to NumPyro models.

`typecheck` checks every sample site of an unchanged model with the typed
constructors; see the guide "Checking an existing NumPyro model".
"""

from ._interop._handlers import UncheckedDistributionWarning, typecheck

__all__ = ["UncheckedDistributionWarning", "typecheck"]
