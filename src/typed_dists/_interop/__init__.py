"""NumPyro interoperability: conversions and dispatch registrations."""

from ._numpyro import from_numpyro as from_numpyro
