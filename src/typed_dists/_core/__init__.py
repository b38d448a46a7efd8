"""The core mechanism: one base class turns a declaration into a distribution.

- `_meta`: the metaclass, and every name taken from beyond another library's
  public API (the bottom layer: it imports nothing from typed_dists);
- `_record`: the record of a typed class, read from its declaration once;
- `_fields`: what a declaration is written with (`numpyro_field`, `Derived`);
- `_construct`: the construction pipeline (arguments -> classify -> check ->
  promote -> build NumPyro -> store fields), the check of an exclusive
  parametrisation (`exactly_one`), and rebuilding the NumPyro instance of a
  module rebuilt from its leaves;
- `_distribution`: `TypedDistribution`, the delegating base class;
- `_versions`: what differs between supported NumPyro releases (the typed
  names that need a newer NumPyro).

Nothing is imported here: import from the submodules (the policy imports
`_meta`, which must not pull in the rest).
"""
