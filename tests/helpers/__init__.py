"""What the test modules share: argument generators and comparison helpers.

No test module imports another test module; what two of them need lives here.

- `generate`: every exported typed class with generated arguments
  (`GENERATED`), from its declaration or a family's `params_<family>` module;
- `cases`: the hand-written table of 17 distributions;
- `adversarial`: every rejected input kind for every float parameter;
- `values`: hand-picked values inside a support;
- `compat`: running a model with typed and with NumPyro distributions.
"""
