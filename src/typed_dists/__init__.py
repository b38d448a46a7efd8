"""typed_dists: typed, validated NumPyro distributions as Equinox modules.

Every distribution checks its arguments at construction (kind, dtype and
shape, with beartype through jaxtyping), promotes float parameters to one
floating dtype, and delegates its behaviour to NumPyro.
"""

from importlib.metadata import version as _version
from typing import TYPE_CHECKING

# NumPyro names re-exported unchanged, so that `import typed_dists as dist`
# can replace `import numpyro.distributions as dist` in a model file.
from numpyro.distributions import (
    Distribution,
    biject_to,
    constraints,
    # a `multipledispatch` object, which has no annotations:
    kl_divergence,  # pyright: ignore[reportUnknownVariableType]
    transforms,
)

from ._core._construct import exactly_one
from ._core._distribution import TypedDistribution
from ._core._fields import Derived, numpyro_field
from ._core._methods import compiled_methods, set_compiled_methods
from ._core._versions import missing_name_error as _missing_name_error
from ._families import (
    _conjugate,
    _continuous,
    _directional,
    _discrete,
    _mixture,
    _multivariate,
    _truncated,
    _wrappers,
)
from ._families._conjugate import *  # noqa: F403
from ._families._continuous import *  # noqa: F403
from ._families._directional import *  # noqa: F403
from ._families._discrete import *  # noqa: F403
from ._families._mixture import *  # noqa: F403
from ._families._multivariate import *  # noqa: F403
from ._families._truncated import *  # noqa: F403
from ._families._wrappers import *  # noqa: F403

# Registers NumPyro's batching rules for typed classes.
from ._interop import _batching as _batching
from ._interop._convert import from_numpyro
from ._interop._handlers import UncheckedDistributionWarning
from ._interop._report import (
    ModelCheckError,
    ModelReport,
    ParameterInfo,
    Problem,
    ProblemKind,
    SiteInfo,
    check_model,
)
from ._policy import (
    BoolLike,
    FloatLike,
    IntLike,
    ParameterAssertionError,
    ParameterTypeError,
    ParameterValueError,
    ValidationMode,
    ValueTypeError,
    clear_caches,
    get_validation,
    set_validation,
    validation,
)

__version__ = _version("typed_dists")

__all__ = [
    # mechanism
    "TypedDistribution",
    "Derived",
    "exactly_one",
    "numpyro_field",
    "BoolLike",
    "FloatLike",
    "IntLike",
    "ParameterTypeError",
    "ParameterValueError",
    "ParameterAssertionError",
    "ValueTypeError",
    "from_numpyro",
    "clear_caches",
    # checking NumPyro models (and `typed_dists.handlers.typecheck`)
    "check_model",
    "ModelReport",
    "SiteInfo",
    "ParameterInfo",
    "Problem",
    "ProblemKind",
    "ModelCheckError",
    "UncheckedDistributionWarning",
    # validation modes
    "ValidationMode",
    "get_validation",
    "set_validation",
    "validation",
    # eager method calls
    "compiled_methods",
    "set_compiled_methods",
    # NumPyro's, unchanged
    "Distribution",
    "biject_to",
    "constraints",
    "kl_divergence",
    "transforms",
]
# Distribution families (and their shared bases), as each family module lists.
__all__ += _continuous.__all__
__all__ += _discrete.__all__
__all__ += _multivariate.__all__
__all__ += _directional.__all__
__all__ += _conjugate.__all__
__all__ += _wrappers.__all__
__all__ += _truncated.__all__
__all__ += _mixture.__all__

if not TYPE_CHECKING:
    # Hidden from type checkers, which would accept any attribute of a module
    # with a `__getattr__`.

    def __getattr__(name: str) -> object:
        """Say which NumPyro release a typed name needs when the installed
        NumPyro is older (`_core._versions`); otherwise `AttributeError`."""
        raise _missing_name_error(__name__, name)
