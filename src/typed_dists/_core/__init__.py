"""The core mechanism: one base class turns a declaration into a distribution."""

from ._base import (
    Derived as Derived,
    TypedDistribution as TypedDistribution,
    exactly_one as exactly_one,
    field_names as field_names,
)
from ._registry import lookup as lookup
