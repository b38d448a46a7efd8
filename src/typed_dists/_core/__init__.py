"""The core mechanism: one base class turns a declaration into a distribution."""

from ._base import (
    Derived as Derived,
    TypedDistribution as TypedDistribution,
    exactly_one as exactly_one,
    field_names as field_names,
    is_typed as is_typed,
    numpyro_field as numpyro_field,
    numpyro_names as numpyro_names,
    to_typed as to_typed,
)
from ._registry import lookup as lookup
