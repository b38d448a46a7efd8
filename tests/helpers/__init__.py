"""What the test modules share: argument generators and comparison helpers.

No test module imports another test module; what two of them need lives here.

- `generate`: every exported typed class with generated arguments
  (`GENERATED`), from its declaration or a family's `params_<family>` module,
  and the hand-picked rows (`TABLE`, from `tables`): together `EVERY`, and
  with their batch shapes `ROWS`, what every generated check runs over;
- `tables`: the hand-picked constructor calls whose values matter;
- `built`: a row built once per process, typed and NumPyro's;
- `adversarial`: every rejected input kind for every float, int and bool
  parameter;
- `gradients`: the one finite-difference regime;
- `values`: values inside a support, hand-picked (`support_rows`) or drawn
  without a sampler (`support_value`);
- `compat`: running a model with typed and with NumPyro distributions;
- `once`: a result computed once per test run, whichever worker asks first.
"""
